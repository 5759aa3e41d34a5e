// SPDX-License-Identifier: GPL-2.0
/*
 * Checmate LSM - tests of the network hooks, their scoping and lifetime
 */

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include "common.h"

/* Context offsets, from <linux/checmate.h>. */
#define CREATE_TYPE	offsetof(struct checmate_socket_create_ctx, type)
#define BIND_PORT	offsetof(struct checmate_socket_bind_ctx, port)
#define CONNECT_PORT	offsetof(struct checmate_socket_connect_ctx, port)
#define LISTEN_PORT	offsetof(struct checmate_socket_listen_ctx, port)
#define SENDMSG_PORT	offsetof(struct checmate_socket_sendmsg_ctx, port)
#define REQ_LOCAL_PORT	offsetof(struct checmate_inet_conn_request_ctx, \
				 local_port)

/* An errno no network call returns by itself: it can only be the program's. */
#define PROG_ERRNO	ENOTUNIQ

static int base_port = 20000;

struct sa {
	struct sockaddr_storage ss;
	socklen_t len;
};

static struct sa addr_of(int family, int port)
{
	struct sa a;

	memset(&a, 0, sizeof(a));
	if (family == AF_INET) {
		struct sockaddr_in *in = (struct sockaddr_in *)&a.ss;

		in->sin_family = AF_INET;
		in->sin_port = htons(port);
		in->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		a.len = sizeof(*in);
	} else {
		struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&a.ss;

		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons(port);
		in6->sin6_addr = in6addr_loopback;
		a.len = sizeof(*in6);
	}
	return a;
}

static int port_of(int fd)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);

	if (getsockname(fd, (struct sockaddr *)&ss, &len))
		return -1;
	if (ss.ss_family == AF_INET)
		return ntohs(((struct sockaddr_in *)&ss)->sin_port);
	return ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
}

static int sock_bind(int family, int type, int port)
{
	struct sa a = addr_of(family, port);
	int fd, one = 1;

	fd = socket(family, type | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&a.ss, a.len)) {
		int err = errno;

		close(fd);
		errno = err;
		return -1;
	}
	if (type == SOCK_STREAM && listen(fd, 8)) {
		int err = errno;

		close(fd);
		errno = err;
		return -1;
	}
	return fd;
}

/* connect() a new socket to @port; returns the fd, or -1 with errno. */
static int sock_connect(int family, int type, int port)
{
	struct sa a = addr_of(family, port);
	int fd;

	fd = socket(family, type | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	if (connect(fd, (struct sockaddr *)&a.ss, a.len)) {
		int err = errno;

		close(fd);
		errno = err;
		return -1;
	}
	return fd;
}

FIXTURE(net) {
	char cg[64];
	int cgfd;
	int port;
};

FIXTURE_VARIANT(net) {
	int family;
	int type;
};

FIXTURE_VARIANT_ADD(net, ipv4_tcp) { .family = AF_INET, .type = SOCK_STREAM };
FIXTURE_VARIANT_ADD(net, ipv4_udp) { .family = AF_INET, .type = SOCK_DGRAM };
FIXTURE_VARIANT_ADD(net, ipv6_tcp) { .family = AF_INET6, .type = SOCK_STREAM };
FIXTURE_VARIANT_ADD(net, ipv6_udp) { .family = AF_INET6, .type = SOCK_DGRAM };

FIXTURE_SETUP(net)
{
	snprintf(self->cg, sizeof(self->cg), "checmate_net_%d", getpid());
	self->cgfd = cg_create(_metadata, self->cg);
	cg_enter(_metadata, self->cg);
	self->port = base_port + getpid() % 20000;
}

FIXTURE_TEARDOWN(net)
{
	cg_enter(_metadata, "");
	close(self->cgfd);
	cg_remove(self->cg);
}

static void attach(struct __test_metadata *const _metadata, int cgfd, int prog)
{
	ASSERT_LE(0, prog) TH_LOG("BPF_PROG_LOAD: %s", strerror(errno));
	ASSERT_EQ(0, prog_attach(cgfd, prog, BPF_F_ALLOW_MULTI))
		TH_LOG("BPF_PROG_ATTACH: %s", strerror(errno));
}

TEST_F(net, socket_create)
{
	int fd;

	/* No program: unaffected. */
	fd = socket(variant->family, variant->type, 0);
	ASSERT_LE(0, fd);
	close(fd);

	attach(_metadata, self->cgfd, load_match(CHECMATE_HOOK_SOCKET_CREATE,
						 CREATE_TYPE, variant->type,
						 -PROG_ERRNO));
	EXPECT_EQ(-1, socket(variant->family, variant->type, 0));
	EXPECT_EQ(PROG_ERRNO, errno);
	/* SOCK_CLOEXEC is not part of the type programs see. */
	EXPECT_EQ(-1, socket(variant->family, variant->type | SOCK_CLOEXEC, 0));
	EXPECT_EQ(PROG_ERRNO, errno);
	/* Other types are allowed. */
	fd = socket(variant->family, variant->type == SOCK_STREAM ?
		    SOCK_DGRAM : SOCK_STREAM, 0);
	ASSERT_LE(0, fd);
	close(fd);
}

TEST_F(net, socket_bind_deny)
{
	int fd;

	attach(_metadata, self->cgfd, load_match(CHECMATE_HOOK_SOCKET_BIND,
						 BIND_PORT, self->port,
						 -PROG_ERRNO));
	EXPECT_EQ(-1, sock_bind(variant->family, variant->type, self->port));
	EXPECT_EQ(PROG_ERRNO, errno);
	fd = sock_bind(variant->family, variant->type, self->port + 1);
	ASSERT_LE(0, fd);
	close(fd);
}

TEST_F(net, socket_bind_rewrite)
{
	const int from = self->port, to = self->port + 1;
	int prog, srv, cli, conn;
	char buf[8] = {};

	/* if (ctx->port == from) ctx->port = to; return 0; */
	prog = load_prog(CHECMATE_HOOK_SOCKET_BIND,
			 LDX_W(BPF_REG_2, BPF_REG_1, BIND_PORT),
			 JNE_IMM(BPF_REG_2, from, 1),
			 ST_W(BPF_REG_1, BIND_PORT, to),
			 MOV64_IMM(BPF_REG_0, 0),
			 EXIT());
	attach(_metadata, self->cgfd, prog);
	srv = sock_bind(variant->family, variant->type, from);
	ASSERT_LE(0, srv);
	EXPECT_EQ(to, port_of(srv));

	/* A real client reaches it on the rewritten port. */
	cli = sock_connect(variant->family, variant->type, to);
	ASSERT_LE(0, cli) TH_LOG("connect: %s", strerror(errno));
	ASSERT_EQ(4, send(cli, "ping", 4, 0));
	if (variant->type == SOCK_STREAM) {
		conn = accept(srv, NULL, NULL);
		ASSERT_LE(0, conn);
		EXPECT_EQ(4, recv(conn, buf, sizeof(buf), 0));
		close(conn);
	} else {
		EXPECT_EQ(4, recv(srv, buf, sizeof(buf), 0));
	}
	EXPECT_STREQ("ping", buf);
	close(cli);
	close(srv);
}

TEST_F(net, socket_connect)
{
	int srv, cli;

	srv = sock_bind(variant->family, variant->type, self->port);
	ASSERT_LE(0, srv);
	cli = sock_connect(variant->family, variant->type, self->port);
	ASSERT_LE(0, cli);
	close(cli);

	attach(_metadata, self->cgfd, load_match(CHECMATE_HOOK_SOCKET_CONNECT,
						 CONNECT_PORT, self->port,
						 -PROG_ERRNO));
	EXPECT_EQ(-1, sock_connect(variant->family, variant->type, self->port));
	EXPECT_EQ(PROG_ERRNO, errno);
	close(srv);
}

TEST_F(net, socket_listen)
{
	struct sa a = addr_of(variant->family, self->port);
	int fd;

	if (variant->type != SOCK_STREAM)
		SKIP(return, "listen(2) is for stream sockets");
	attach(_metadata, self->cgfd, load_match(CHECMATE_HOOK_SOCKET_LISTEN,
						 LISTEN_PORT, self->port,
						 -PROG_ERRNO));
	fd = socket(variant->family, variant->type, 0);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, bind(fd, (struct sockaddr *)&a.ss, a.len));
	EXPECT_EQ(-1, listen(fd, 1));
	EXPECT_EQ(PROG_ERRNO, errno);
	close(fd);
	fd = sock_bind(variant->family, variant->type, self->port + 1);
	ASSERT_LE(0, fd);
	close(fd);
}

TEST_F(net, socket_sendmsg)
{
	struct sa a = addr_of(variant->family, self->port);
	int srv, cli;

	srv = sock_bind(variant->family, variant->type, self->port);
	ASSERT_LE(0, srv);
	if (variant->type == SOCK_DGRAM) {
		cli = socket(variant->family, variant->type, 0);
		ASSERT_LE(0, cli);
		ASSERT_EQ(1, sendto(cli, "x", 1, 0, (struct sockaddr *)&a.ss,
				    a.len));
		close(cli);
	}
	cli = sock_connect(variant->family, variant->type, self->port);
	ASSERT_LE(0, cli);
	ASSERT_EQ(1, send(cli, "x", 1, 0));

	attach(_metadata, self->cgfd, load_match(CHECMATE_HOOK_SOCKET_SENDMSG,
						 SENDMSG_PORT, self->port,
						 -PROG_ERRNO));
	/* Destination from the connected peer... */
	EXPECT_EQ(-1, send(cli, "x", 1, 0));
	EXPECT_EQ(PROG_ERRNO, errno);
	close(cli);
	if (variant->type == SOCK_DGRAM) {
		/* ...or from sendto(2). */
		cli = socket(variant->family, variant->type, 0);
		ASSERT_LE(0, cli);
		EXPECT_EQ(-1, sendto(cli, "x", 1, 0, (struct sockaddr *)&a.ss,
				     a.len));
		EXPECT_EQ(PROG_ERRNO, errno);
		close(cli);
	}
	close(srv);
}

/* Whether a non-blocking connect to @port completes within a second (TCG is slow). */
static int connects(int family, int port)
{
	struct sa a = addr_of(family, port);
	struct pollfd pfd;
	int fd, err = 0;
	socklen_t len = sizeof(err);

	fd = socket(family, SOCK_STREAM | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -1;
	if (connect(fd, (struct sockaddr *)&a.ss, a.len) && errno != EINPROGRESS) {
		close(fd);
		return 0;
	}
	pfd.fd = fd;
	pfd.events = POLLOUT;
	if (poll(&pfd, 1, 1000) != 1 ||
	    getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) || err) {
		close(fd);
		return 0;
	}
	close(fd);
	return 1;
}

TEST_F(net, inet_conn_request)
{
	int srv;

	if (variant->type != SOCK_STREAM)
		SKIP(return, "connection requests are TCP");
	srv = sock_bind(variant->family, variant->type, self->port);
	ASSERT_LE(0, srv);
	EXPECT_EQ(1, connects(variant->family, self->port));

	/* The listener's cgroup decides; the request is dropped. */
	attach(_metadata, self->cgfd,
	       load_match(CHECMATE_HOOK_INET_CONN_REQUEST, REQ_LOCAL_PORT,
			  self->port, -PROG_ERRNO));
	EXPECT_EQ(0, connects(variant->family, self->port));
	close(srv);
}

/* Hierarchy: parent P with children A and B; the test runs in A. */
FIXTURE(tree) {
	char p[64], a[80], b[80];
	int pfd, afd, bfd, srv, port;
};

FIXTURE_SETUP(tree)
{
	snprintf(self->p, sizeof(self->p), "checmate_tree_%d", getpid());
	snprintf(self->a, sizeof(self->a), "%s/a", self->p);
	snprintf(self->b, sizeof(self->b), "%s/b", self->p);
	self->pfd = cg_create(_metadata, self->p);
	self->afd = cg_create(_metadata, self->a);
	self->bfd = cg_create(_metadata, self->b);
	self->port = base_port + getpid() % 20000;
	self->srv = sock_bind(AF_INET, SOCK_STREAM, self->port);
	ASSERT_LE(0, self->srv);
	cg_enter(_metadata, self->a);
}

FIXTURE_TEARDOWN(tree)
{
	cg_enter(_metadata, "");
	close(self->srv);
	close(self->afd);
	close(self->bfd);
	close(self->pfd);
	cg_remove(self->a);
	cg_remove(self->b);
	cg_remove(self->p);
}

#define deny_connect(port, err) \
	load_match(CHECMATE_HOOK_SOCKET_CONNECT, CONNECT_PORT, port, -(err))

TEST_F(tree, parent_deny_beats_child_allow)
{
	attach(_metadata, self->afd, load_ret(CHECMATE_HOOK_SOCKET_CONNECT, 0));
	EXPECT_EQ(0, connect_errno(self->port));
	attach(_metadata, self->pfd, deny_connect(self->port, PROG_ERRNO));
	EXPECT_EQ(PROG_ERRNO, connect_errno(self->port));
}

TEST_F(tree, first_deny_decides_child_first)
{
	attach(_metadata, self->pfd, deny_connect(self->port, PROG_ERRNO));
	attach(_metadata, self->afd, deny_connect(self->port, EACCES));
	EXPECT_EQ(EACCES, connect_errno(self->port));
}

TEST_F(tree, child_policy_does_not_leak)
{
	attach(_metadata, self->afd, deny_connect(self->port, PROG_ERRNO));
	EXPECT_EQ(PROG_ERRNO, connect_errno(self->port));
	cg_enter(_metadata, self->b);
	EXPECT_EQ(0, connect_errno(self->port));
	cg_enter(_metadata, self->p);
	EXPECT_EQ(0, connect_errno(self->port));
	/* Moving back brings the policy back. */
	cg_enter(_metadata, self->a);
	EXPECT_EQ(PROG_ERRNO, connect_errno(self->port));
}

TEST_F(tree, socket_keeps_its_cgroup)
{
	struct sa a = addr_of(AF_INET, self->port);
	int fd;

	attach(_metadata, self->afd, deny_connect(self->port, PROG_ERRNO));
	fd = socket(AF_INET, SOCK_STREAM, 0);
	ASSERT_LE(0, fd);
	cg_enter(_metadata, self->b);
	EXPECT_EQ(-1, connect(fd, (struct sockaddr *)&a.ss, a.len));
	EXPECT_EQ(PROG_ERRNO, errno);
	close(fd);
	EXPECT_EQ(0, connect_errno(self->port));
}

TEST_F(tree, link_close_detaches)
{
	int prog, link;

	prog = deny_connect(self->port, PROG_ERRNO);
	ASSERT_LE(0, prog);
	link = link_create(self->afd, prog);
	ASSERT_LE(0, link) TH_LOG("link_create: %s", strerror(errno));
	close(prog);
	EXPECT_EQ(PROG_ERRNO, connect_errno(self->port));
	EXPECT_EQ(1, query_count(self->afd, 0, NULL, 0));
	close(link);
	EXPECT_EQ(0, query_count(self->afd, 0, NULL, 0));
	EXPECT_EQ(0, connect_errno(self->port));
}

TEST_F(tree, pinned_link_survives_loader)
{
	char pin[128];
	int status, i;
	pid_t pid;

	snprintf(pin, sizeof(pin), "/sys/fs/bpf/checmate_%d", getpid());
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		union bpf_attr attr;
		int prog = deny_connect(self->port, PROG_ERRNO);
		int link = link_create(self->afd, prog);

		memset(&attr, 0, sizeof(attr));
		attr.pathname = (__u64)(unsigned long)pin;
		attr.bpf_fd = link;
		_exit(prog < 0 || link < 0 || sys_bpf(BPF_OBJ_PIN, &attr));
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_EQ(0, WEXITSTATUS(status));
	/* The loader is gone; the pin keeps the policy. */
	EXPECT_EQ(PROG_ERRNO, connect_errno(self->port));
	ASSERT_EQ(0, unlink(pin));
	/* The last reference goes from a work item: give it a moment. */
	for (i = 0; i < 100 && query_count(self->afd, 0, NULL, 0); i++)
		usleep(10000);
	EXPECT_EQ(0, query_count(self->afd, 0, NULL, 0));
	EXPECT_EQ(0, connect_errno(self->port));
}

TEST_F(tree, prog_attach_stays_until_detached)
{
	int prog = deny_connect(self->port, PROG_ERRNO), dup_fd;

	attach(_metadata, self->afd, prog);
	dup_fd = dup(prog);
	close(prog);
	EXPECT_EQ(PROG_ERRNO, connect_errno(self->port));
	EXPECT_EQ(0, prog_detach(self->afd, dup_fd));
	EXPECT_EQ(0, connect_errno(self->port));
	/* Detaching twice finds nothing. */
	EXPECT_EQ(-1, prog_detach(self->afd, dup_fd));
	EXPECT_EQ(ENOENT, errno);
	close(dup_fd);
}

TEST_F(tree, query_own_and_effective)
{
	int pprog = load_ret(CHECMATE_HOOK_SOCKET_BIND, 0);
	int aprog = load_ret(CHECMATE_HOOK_SOCKET_CONNECT, 0);
	__u32 ids[4] = {};

	attach(_metadata, self->pfd, pprog);
	attach(_metadata, self->afd, aprog);
	EXPECT_EQ(1, query_count(self->afd, 0, ids, 4));
	EXPECT_EQ(prog_id(aprog), ids[0]);
	EXPECT_EQ(2, query_count(self->afd, 1, ids, 4));
	EXPECT_EQ(1, query_count(self->pfd, 0, ids, 4));
	EXPECT_EQ(prog_id(pprog), ids[0]);
	EXPECT_EQ(1, query_count(self->bfd, 1, ids, 4));
	EXPECT_EQ(prog_id(pprog), ids[0]);
	EXPECT_EQ(0, query_count(self->bfd, 0, ids, 4));
}

TEST_HARNESS_MAIN
