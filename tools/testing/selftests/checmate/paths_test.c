// SPDX-License-Identifier: GPL-2.0
/*
 * Checmate LSM - tests of the paths around what programs see
 *
 * The network stack reads some addresses differently from what their
 * sockaddr says: an AF_INET socket takes an AF_UNSPEC address as AF_INET,
 * an AF_INET6 socket makes an IPv4 connection or binding for an
 * IPv4-mapped address, a connected stream ignores a send's address,
 * sendto(MSG_FASTOPEN) connects without connect(2). Each test performs
 * one of these and checks that programs decide on what the kernel acts
 * on, so that no policy can be sidestepped by writing the address another
 * way.
 */

/* First: it defines _GNU_SOURCE, which sendmmsg() needs. */
#include "common.h"

#include <assert.h>
#include <netinet/tcp.h>
#include <poll.h>

/* Offsets shared by the bind, connect, listen and sendmsg contexts. */
#define CTX_FAMILY	offsetof(struct checmate_socket_connect_ctx, family)
#define CTX_ADDR	offsetof(struct checmate_socket_connect_ctx, addr)
#define CTX_PORT	offsetof(struct checmate_socket_connect_ctx, port)

static_assert(offsetof(struct checmate_socket_bind_ctx, port) == CTX_PORT &&
	      offsetof(struct checmate_socket_listen_ctx, port) == CTX_PORT &&
	      offsetof(struct checmate_socket_sendmsg_ctx, port) == CTX_PORT &&
	      offsetof(struct checmate_socket_sendmsg_ctx, addr) == CTX_ADDR,
	      "the contexts share their first fields");

/* An errno no network call returns by itself: it can only be the program's. */
#define PROG_ERRNO	ENOTUNIQ

/* For load_rule(): match any address. */
#define ANY_ADDR	0xffffffffU

#ifndef TCP_FASTOPEN_CONNECT
#define TCP_FASTOPEN_CONNECT 30
#endif

/*
 * A program returning @hit if family == @family, addr[0] == @addr (unless
 * ANY_ADDR) and port == @port, @miss otherwise.
 */
static int load_rule(__u32 hook, __u32 family, __u32 addr, __u32 port,
		     int hit, int miss)
{
	const struct bpf_insn insns[] = {
		MOV64_IMM(BPF_REG_0, miss),
		LDX_W(BPF_REG_2, BPF_REG_1, CTX_FAMILY),
		JNE_IMM(BPF_REG_2, family, 5),
		addr == ANY_ADDR ? MOV64_IMM(BPF_REG_2, -1) :
				   LDX_W(BPF_REG_2, BPF_REG_1, CTX_ADDR),
		JNE_IMM(BPF_REG_2, addr, 3),
		LDX_W(BPF_REG_2, BPF_REG_1, CTX_PORT),
		JNE_IMM(BPF_REG_2, port, 1),
		MOV64_IMM(BPF_REG_0, hit),
		EXIT(),
	};

	return load_insns(hook, BPF_CHECMATE, insns, ARRAY_SIZE(insns));
}

#define deny(hook, family, addr, port) \
	load_rule(hook, family, addr, port, -PROG_ERRNO, 0)

/* A socket_bind program: if (family == AF_INET && port == @from) port = @to. */
static int load_rewrite(__u32 from, __u32 to)
{
	const struct bpf_insn insns[] = {
		MOV64_IMM(BPF_REG_0, 0),
		LDX_W(BPF_REG_2, BPF_REG_1, CTX_FAMILY),
		JNE_IMM(BPF_REG_2, AF_INET, 3),
		LDX_W(BPF_REG_2, BPF_REG_1, CTX_PORT),
		JNE_IMM(BPF_REG_2, from, 1),
		ST_W(BPF_REG_1, CTX_PORT, to),
		EXIT(),
	};

	return load_insns(CHECMATE_HOOK_SOCKET_BIND, BPF_CHECMATE, insns,
			  ARRAY_SIZE(insns));
}

static void attach(struct __test_metadata *const _metadata, int cgfd, int prog)
{
	ASSERT_LE(0, prog) TH_LOG("BPF_PROG_LOAD: %s", strerror(errno));
	ASSERT_EQ(0, prog_attach(cgfd, prog, BPF_F_ALLOW_MULTI))
		TH_LOG("BPF_PROG_ATTACH: %s", strerror(errno));
	close(prog);
}

#define LO4		htonl(INADDR_LOOPBACK)
#define SA(x)		((struct sockaddr *)&(x))

/* struct sockaddr_in for 127.0.0.1:@port, with sin_family @family. */
static struct sockaddr_in in4(int family, int port)
{
	struct sockaddr_in in = lo4(port);

	in.sin_family = family;
	return in;
}

/* struct sockaddr_in6 for ::1 (@mapped: ::ffff:127.0.0.1), @port. */
static struct sockaddr_in6 in6(int mapped, int port)
{
	struct sockaddr_in6 in = { .sin6_family = AF_INET6 };

	in.sin6_port = htons(port);
	if (mapped)
		inet_pton(AF_INET6, "::ffff:127.0.0.1", &in.sin6_addr);
	else
		in.sin6_addr = in6addr_loopback;
	return in;
}

static int sock(struct __test_metadata *const _metadata, int family, int type)
{
	int fd = socket(family, type | SOCK_CLOEXEC, 0), one = 1;

	ASSERT_LE(0, fd) TH_LOG("socket: %s", strerror(errno));
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	return fd;
}

/* A socket of @type bound to @sa (a TCP one listening); asserts. */
static int bound(struct __test_metadata *const _metadata, int type,
		 const void *sa, socklen_t len)
{
	int fd = sock(_metadata, ((const struct sockaddr *)sa)->sa_family,
		      type);

	ASSERT_EQ(0, bind(fd, sa, len)) TH_LOG("bind: %s", strerror(errno));
	if (type == SOCK_STREAM)
		ASSERT_EQ(0, listen(fd, 8)) TH_LOG("listen: %s",
						   strerror(errno));
	return fd;
}

/* Local port of @fd, and its address in @ss if not NULL; asserts. */
static int local_port(struct __test_metadata *const _metadata, int fd,
		      struct sockaddr_storage *ss)
{
	struct sockaddr_storage tmp;
	socklen_t len = sizeof(tmp);

	ASSERT_EQ(0, getsockname(fd, SA(tmp), &len));
	if (ss)
		*ss = tmp;
	if (tmp.ss_family == AF_INET)
		return ntohs(((struct sockaddr_in *)&tmp)->sin_port);
	return ntohs(((struct sockaddr_in6 *)&tmp)->sin6_port);
}

/* Accepts a connection on @srv and reads @msg from it; asserts. */
static void accept_msg(struct __test_metadata *const _metadata, int srv,
		       const char *msg)
{
	char buf[16] = {};
	int conn;

	conn = accept(srv, NULL, NULL);
	ASSERT_LE(0, conn) TH_LOG("accept: %s", strerror(errno));
	EXPECT_EQ((ssize_t)strlen(msg), recv(conn, buf, sizeof(buf) - 1, 0));
	EXPECT_STREQ(msg, buf);
	close(conn);
}

/* Reads datagram @msg on @fd; asserts. */
static void recv_msg(struct __test_metadata *const _metadata, int fd,
		     const char *msg)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	char buf[16] = {};

	/* Loopback delivers from softirq: give it a moment under TCG. */
	EXPECT_EQ(1, poll(&pfd, 1, 2000));
	EXPECT_EQ((ssize_t)strlen(msg),
		  recv(fd, buf, sizeof(buf) - 1, MSG_DONTWAIT));
	EXPECT_STREQ(msg, buf);
}

/* 0 if @call returned @expect, its errno if it failed, -1 otherwise. */
#define ERR(call, expect) ({						\
	long __ret = (call);						\
									\
	__ret == (expect) ? 0 : __ret < 0 ? errno : -1;			\
})

FIXTURE(paths) {
	char cg[64];
	int cgfd;
	int p, q, r;	/* the denied, the allowed and another port */
};

FIXTURE_SETUP(paths)
{
	snprintf(self->cg, sizeof(self->cg), "checmate_paths_%d", getpid());
	self->cgfd = cg_create(_metadata, self->cg);
	cg_enter(_metadata, self->cg);
	self->p = 20000 + getpid() % 4000 * 3;
	self->q = self->p + 1;
	self->r = self->p + 2;
}

FIXTURE_TEARDOWN(paths)
{
	cg_enter(_metadata, "");
	close(self->cgfd);
	cg_remove(self->cg);
}

/* bind(AF_UNSPEC, INADDR_ANY) binds an AF_INET socket as AF_INET. */
TEST_F(paths, unspec_bind_is_inet)
{
	struct sockaddr_in un = { .sin_family = AF_UNSPEC };
	const int types[] = { SOCK_STREAM, SOCK_DGRAM };
	int i, fd;

	un.sin_port = htons(self->p);
	attach(_metadata, self->cgfd, deny(CHECMATE_HOOK_SOCKET_BIND, AF_INET,
					   ANY_ADDR, self->p));
	for (i = 0; i < 2; i++) {
		fd = sock(_metadata, AF_INET, types[i]);
		EXPECT_EQ(PROG_ERRNO, ERR(bind(fd, SA(un), sizeof(un)), 0))
			TH_LOG("type %d", types[i]);
		/* Nothing was bound. */
		EXPECT_EQ(0, local_port(_metadata, fd, NULL));
		close(fd);
	}
	/* Another port binds, as AF_INET. */
	un.sin_port = htons(self->q);
	fd = sock(_metadata, AF_INET, SOCK_DGRAM);
	ASSERT_EQ(0, bind(fd, SA(un), sizeof(un)));
	EXPECT_EQ(self->q, local_port(_metadata, fd, NULL));
	close(fd);
}

/* A rewrite applies to an AF_UNSPEC bind, which the socket binds as AF_INET. */
TEST_F(paths, unspec_bind_rewrite)
{
	struct sockaddr_in un = { .sin_family = AF_UNSPEC };
	struct sockaddr_storage ss;
	int fd;

	un.sin_port = htons(self->p);
	attach(_metadata, self->cgfd, load_rewrite(self->p, self->q));
	fd = sock(_metadata, AF_INET, SOCK_STREAM);
	ASSERT_EQ(0, bind(fd, SA(un), sizeof(un)))
		TH_LOG("bind: %s", strerror(errno));
	EXPECT_EQ(self->q, local_port(_metadata, fd, &ss));
	EXPECT_EQ(AF_INET, ss.ss_family);
	close(fd);
}

/* UDP over AF_INET sends to an AF_UNSPEC msg_name's address. */
TEST_F(paths, unspec_sendto_udp4)
{
	struct sockaddr_in to = in4(AF_UNSPEC, self->p), at = lo4(self->q);
	int srv, fd;

	srv = bound(_metadata, SOCK_DGRAM, &at, sizeof(at));
	attach(_metadata, self->cgfd, deny(CHECMATE_HOOK_SOCKET_SENDMSG,
					   AF_INET, LO4, self->p));
	fd = sock(_metadata, AF_INET, SOCK_DGRAM);
	EXPECT_EQ(PROG_ERRNO, ERR(sendto(fd, "a", 1, 0, SA(to), sizeof(to)),
				  1));
	/* Another port is allowed, and the datagram arrives there. */
	to.sin_port = htons(self->q);
	EXPECT_EQ(0, ERR(sendto(fd, "b", 1, 0, SA(to), sizeof(to)), 1));
	recv_msg(_metadata, srv, "b");
	close(fd);
	close(srv);
}

/* sendto(MSG_FASTOPEN) connects: socket_connect programs decide it. */
TEST_F(paths, fastopen_sendto_connects)
{
	struct sockaddr_in to = lo4(self->p), ok = lo4(self->q);
	struct sockaddr_in6 to6 = in6(0, self->p);
	int srv4, srv6, srv, fd;

	srv4 = bound(_metadata, SOCK_STREAM, &to, sizeof(to));
	srv6 = bound(_metadata, SOCK_STREAM, &to6, sizeof(to6));
	srv = bound(_metadata, SOCK_STREAM, &ok, sizeof(ok));
	attach(_metadata, self->cgfd, deny(CHECMATE_HOOK_SOCKET_CONNECT,
					   AF_INET, LO4, self->p));
	attach(_metadata, self->cgfd, deny(CHECMATE_HOOK_SOCKET_CONNECT,
					   AF_INET6, ANY_ADDR, self->p));

	fd = sock(_metadata, AF_INET, SOCK_STREAM);
	EXPECT_EQ(PROG_ERRNO, ERR(sendto(fd, "a", 1, MSG_FASTOPEN, SA(to),
					 sizeof(to)), 1));
	close(fd);
	fd = sock(_metadata, AF_INET6, SOCK_STREAM);
	EXPECT_EQ(PROG_ERRNO, ERR(sendto(fd, "a", 1, MSG_FASTOPEN, SA(to6),
					 sizeof(to6)), 1));
	close(fd);
	/* TCP_FASTOPEN_CONNECT defers the SYN, not the decision. */
	fd = sock(_metadata, AF_INET, SOCK_STREAM);
	ASSERT_EQ(0, setsockopt(fd, IPPROTO_TCP, TCP_FASTOPEN_CONNECT,
				&(int){ 1 }, sizeof(int)));
	EXPECT_EQ(PROG_ERRNO, ERR(connect(fd, SA(to), sizeof(to)), 0));
	close(fd);
	/* An allowed port still connects and delivers. */
	fd = sock(_metadata, AF_INET, SOCK_STREAM);
	EXPECT_EQ(0, ERR(sendto(fd, "tfo", 3, MSG_FASTOPEN, SA(ok),
				sizeof(ok)), 3));
	accept_msg(_metadata, srv, "tfo");
	close(fd);
	close(srv);
	close(srv6);
	close(srv4);
}

/* An AF_INET6 connect to ::ffff:127.0.0.1 is shown as AF_INET 127.0.0.1. */
TEST_F(paths, mapped_connect_denied)
{
	struct sockaddr_in6 to = in6(1, self->p);
	struct sockaddr_in at = lo4(self->p);
	int srv, fd;

	srv = bound(_metadata, SOCK_STREAM, &at, sizeof(at));
	attach(_metadata, self->cgfd, deny(CHECMATE_HOOK_SOCKET_CONNECT,
					   AF_INET, LO4, self->p));
	fd = sock(_metadata, AF_INET6, SOCK_STREAM);
	EXPECT_EQ(PROG_ERRNO, ERR(connect(fd, SA(to), sizeof(to)), 0));
	close(fd);
	close(srv);
}

/* An IPv4 allowlist lets a mapped connect through, and nothing else. */
TEST_F(paths, mapped_connect_allowlist)
{
	struct sockaddr_in6 mapped = in6(1, self->q), lo6 = in6(0, self->q);
	struct sockaddr_in at = lo4(self->q);
	int srv, srv6, fd;

	srv = bound(_metadata, SOCK_STREAM, &at, sizeof(at));
	srv6 = bound(_metadata, SOCK_STREAM, &lo6, sizeof(lo6));
	attach(_metadata, self->cgfd,
	       load_rule(CHECMATE_HOOK_SOCKET_CONNECT, AF_INET, LO4, self->q,
			 0, -PROG_ERRNO));
	fd = sock(_metadata, AF_INET6, SOCK_STREAM);
	ASSERT_EQ(0, connect(fd, SA(mapped), sizeof(mapped)))
		TH_LOG("connect: %s", strerror(errno));
	ASSERT_EQ(1, send(fd, "m", 1, 0));
	accept_msg(_metadata, srv, "m");
	close(fd);
	/* ::1 is not 127.0.0.1. */
	fd = sock(_metadata, AF_INET6, SOCK_STREAM);
	EXPECT_EQ(PROG_ERRNO, ERR(connect(fd, SA(lo6), sizeof(lo6)), 0));
	close(fd);
	close(srv6);
	close(srv);
}

/* UDP over AF_INET6 sending to a mapped address sends IPv4. */
TEST_F(paths, mapped_sendto_udp6)
{
	struct sockaddr_in6 to = in6(1, self->p);
	struct sockaddr_in at = lo4(self->q);
	int srv, fd;

	srv = bound(_metadata, SOCK_DGRAM, &at, sizeof(at));
	attach(_metadata, self->cgfd, deny(CHECMATE_HOOK_SOCKET_SENDMSG,
					   AF_INET, LO4, self->p));
	fd = sock(_metadata, AF_INET6, SOCK_DGRAM);
	EXPECT_EQ(PROG_ERRNO, ERR(sendto(fd, "a", 1, 0, SA(to), sizeof(to)),
				  1));
	to.sin6_port = htons(self->q);
	EXPECT_EQ(0, ERR(sendto(fd, "b", 1, 0, SA(to), sizeof(to)), 1));
	recv_msg(_metadata, srv, "b");
	close(fd);
	close(srv);
}

/* A rewrite of a mapped bind keeps it mapped. */
TEST_F(paths, mapped_bind_rewrite)
{
	struct sockaddr_in6 at = in6(1, self->p), want = in6(1, self->q);
	struct sockaddr_storage ss;
	struct sockaddr_in6 *got = (struct sockaddr_in6 *)&ss;
	int fd;

	attach(_metadata, self->cgfd, load_rewrite(self->p, self->q));
	fd = sock(_metadata, AF_INET6, SOCK_DGRAM);
	ASSERT_EQ(0, bind(fd, SA(at), sizeof(at)))
		TH_LOG("bind: %s", strerror(errno));
	EXPECT_EQ(self->q, local_port(_metadata, fd, &ss));
	EXPECT_EQ(AF_INET6, ss.ss_family);
	EXPECT_EQ(0, memcmp(&got->sin6_addr, &want.sin6_addr,
			    sizeof(want.sin6_addr)));
	close(fd);
}

/* listen() on a socket bound to a mapped address shows AF_INET. */
TEST_F(paths, mapped_listen_denied)
{
	struct sockaddr_in6 at = in6(1, self->p);
	int fd;

	attach(_metadata, self->cgfd, deny(CHECMATE_HOOK_SOCKET_LISTEN,
					   AF_INET, LO4, self->p));
	fd = sock(_metadata, AF_INET6, SOCK_STREAM);
	ASSERT_EQ(0, bind(fd, SA(at), sizeof(at)));
	EXPECT_EQ(PROG_ERRNO, ERR(listen(fd, 1), 0));
	close(fd);
	/* Another port listens. */
	at.sin6_port = htons(self->q);
	fd = bound(_metadata, SOCK_STREAM, &at, sizeof(at));
	close(fd);
}

/* A connected TCP socket sends to its peer, whatever sendto() says. */
TEST_F(paths, stream_sendto_is_peer)
{
	struct sockaddr_in at = lo4(self->q), other = lo4(self->r);
	int srv, fd, conn;
	char buf[8] = {};

	srv = bound(_metadata, SOCK_STREAM, &at, sizeof(at));
	fd = sock(_metadata, AF_INET, SOCK_STREAM);
	ASSERT_EQ(0, connect(fd, SA(at), sizeof(at)));
	conn = accept(srv, NULL, NULL);
	ASSERT_LE(0, conn);

	attach(_metadata, self->cgfd, deny(CHECMATE_HOOK_SOCKET_SENDMSG,
					   AF_INET, LO4, self->r));
	/* The address is ignored: this goes to the peer and is allowed. */
	EXPECT_EQ(0, ERR(sendto(fd, "a", 1, 0, SA(other), sizeof(other)), 1));
	EXPECT_EQ(1, recv(conn, buf, sizeof(buf), 0));
	EXPECT_EQ('a', buf[0]);

	attach(_metadata, self->cgfd, deny(CHECMATE_HOOK_SOCKET_SENDMSG,
					   AF_INET, LO4, self->q));
	EXPECT_EQ(PROG_ERRNO, ERR(send(fd, "b", 1, 0), 1));
	EXPECT_EQ(PROG_ERRNO, ERR(sendto(fd, "c", 1, 0, SA(other),
					 sizeof(other)), 1));
	close(conn);
	close(fd);
	close(srv);
}

/* Connected UDP over AF_INET6 takes an AF_UNSPEC msg_name as no address. */
TEST_F(paths, unspec_sendto_udp6_is_peer)
{
	struct sockaddr_in6 at = in6(0, self->q), un = in6(0, self->r);
	int srv, fd;

	un.sin6_family = AF_UNSPEC;
	srv = bound(_metadata, SOCK_DGRAM, &at, sizeof(at));
	fd = sock(_metadata, AF_INET6, SOCK_DGRAM);
	ASSERT_EQ(0, connect(fd, SA(at), sizeof(at)));
	/* It goes to the peer... */
	ASSERT_EQ(1, sendto(fd, "a", 1, 0, SA(un), sizeof(un)));
	recv_msg(_metadata, srv, "a");
	/* ...so the peer's port is what a program decides on. */
	attach(_metadata, self->cgfd, deny(CHECMATE_HOOK_SOCKET_SENDMSG,
					   AF_INET6, ANY_ADDR, self->q));
	EXPECT_EQ(PROG_ERRNO, ERR(sendto(fd, "b", 1, 0, SA(un), sizeof(un)),
				  1));
	close(fd);
	close(srv);
}

/* sendmmsg() runs the hook for its first message. */
TEST_F(paths, sendmmsg_first_denied)
{
	struct sockaddr_in6 to = in6(1, self->p);
	struct sockaddr_in at = lo4(self->q);
	struct iovec iov = { .iov_base = "m", .iov_len = 1 };
	struct mmsghdr msgs[2];
	int srv, fd, i;

	srv = bound(_metadata, SOCK_DGRAM, &at, sizeof(at));
	memset(msgs, 0, sizeof(msgs));
	for (i = 0; i < 2; i++) {
		msgs[i].msg_hdr.msg_name = &to;
		msgs[i].msg_hdr.msg_namelen = sizeof(to);
		msgs[i].msg_hdr.msg_iov = &iov;
		msgs[i].msg_hdr.msg_iovlen = 1;
	}
	attach(_metadata, self->cgfd, deny(CHECMATE_HOOK_SOCKET_SENDMSG,
					   AF_INET, LO4, self->p));
	fd = sock(_metadata, AF_INET6, SOCK_DGRAM);
	EXPECT_EQ(PROG_ERRNO, ERR(sendmmsg(fd, msgs, 2, 0), 2));
	/* To an allowed port, both go. */
	to.sin6_port = htons(self->q);
	EXPECT_EQ(0, ERR(sendmmsg(fd, msgs, 2, 0), 2));
	recv_msg(_metadata, srv, "m");
	recv_msg(_metadata, srv, "m");
	close(fd);
	close(srv);
}

/*
 * The connect programs decide a Fast Open send whatever the socket's
 * state: the state is not stable until the send locks the socket (another
 * thread may disconnect it), so even a connected socket's MSG_FASTOPEN
 * send to a denied address is refused by the program, not by EISCONN.
 */
TEST_F(paths, fastopen_checked_whatever_the_state)
{
	struct sockaddr_in p = lo4(self->p), q = lo4(self->q);
	int srv, fd;

	srv = bound(_metadata, SOCK_STREAM, &q, sizeof(q));
	fd = sock(_metadata, AF_INET, SOCK_STREAM);
	ASSERT_EQ(0, connect(fd, SA(q), sizeof(q)));
	attach(_metadata, self->cgfd, deny(CHECMATE_HOOK_SOCKET_CONNECT,
					   AF_INET, LO4, self->p));
	EXPECT_EQ(PROG_ERRNO, ERR(sendto(fd, "x", 1, MSG_FASTOPEN, SA(p),
					 sizeof(p)), 1));
	close(fd);
	close(srv);
}

/*
 * A socket that has its peer from connect(2) (TCP_FASTOPEN_CONNECT) sends
 * there whatever a Fast Open send's msg_name says: socket_sendmsg
 * programs see that peer.
 */
TEST_F(paths, fastopen_send_shows_the_peer)
{
	struct sockaddr_in q = lo4(self->q), r = lo4(self->r);
	int srv, fd, one = 1;

	srv = bound(_metadata, SOCK_STREAM, &q, sizeof(q));
	fd = sock(_metadata, AF_INET, SOCK_STREAM);
	ASSERT_EQ(0, setsockopt(fd, IPPROTO_TCP, TCP_FASTOPEN_CONNECT, &one,
				sizeof(one)));
	ASSERT_EQ(0, connect(fd, SA(q), sizeof(q)));
	attach(_metadata, self->cgfd, deny(CHECMATE_HOOK_SOCKET_SENDMSG,
					   AF_INET, LO4, self->q));
	EXPECT_EQ(PROG_ERRNO, ERR(sendto(fd, "x", 1, MSG_FASTOPEN, SA(r),
					 sizeof(r)), 1));
	close(fd);
	close(srv);
}

/* From <linux/sctp.h>, which needs headers libc does not ship. */
#define SCTP_SOCKOPT_BINDX_ADD	100
#define SCTP_SOCKOPT_CONNECTX	110
#define SCTP_DSTADDRV4		7

/*
 * SCTP binds and connects without bind(2) and connect(2): sctp_bindx(3),
 * sctp_connectx(3), and a send that creates an association.
 */
TEST_F(paths, sctp_bindx_connectx_sendmsg)
{
	struct sockaddr_in p = lo4(self->p), q = lo4(self->q);
	struct sockaddr_in r = lo4(self->r);
	int srv, fd;

	srv = socket(AF_INET, SOCK_SEQPACKET | SOCK_CLOEXEC, IPPROTO_SCTP);
	ASSERT_LE(0, srv) TH_LOG("SCTP: %s", strerror(errno));
	ASSERT_EQ(0, bind(srv, SA(q), sizeof(q)));
	ASSERT_EQ(0, listen(srv, 8));
	attach(_metadata, self->cgfd, deny(CHECMATE_HOOK_SOCKET_CONNECT,
					   AF_INET, LO4, self->p));
	attach(_metadata, self->cgfd, deny(CHECMATE_HOOK_SOCKET_BIND,
					   AF_INET, LO4, self->p));
	fd = socket(AF_INET, SOCK_SEQPACKET | SOCK_CLOEXEC, IPPROTO_SCTP);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, bind(fd, SA(r), sizeof(r)));
	EXPECT_EQ(PROG_ERRNO, ERR(setsockopt(fd, IPPROTO_SCTP,
					     SCTP_SOCKOPT_BINDX_ADD, &p,
					     sizeof(p)), 0));
	EXPECT_EQ(PROG_ERRNO, ERR(setsockopt(fd, IPPROTO_SCTP,
					     SCTP_SOCKOPT_CONNECTX, &p,
					     sizeof(p)), 0));
	EXPECT_EQ(PROG_ERRNO, ERR(sendto(fd, "x", 1, 0, SA(p), sizeof(p)), 1));
	/* The allowed peer: associated and sent to. */
	EXPECT_EQ(0, ERR(sendto(fd, "x", 1, 0, SA(q), sizeof(q)), 1));
	close(fd);
	close(srv);
}

/*
 * A send that creates an SCTP association may add peers in
 * SCTP_DSTADDRV4 control messages (with msg_name's port): each is a
 * connect, decided by socket_connect programs.
 */
TEST_F(paths, sctp_dstaddr_cmsg)
{
	char cbuf[CMSG_SPACE(sizeof(struct in_addr))] = {};
	struct sockaddr_in q = lo4(self->q);
	struct iovec iov = { .iov_base = "x", .iov_len = 1 };
	struct msghdr msg = {
		.msg_name = &q, .msg_namelen = sizeof(q),
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = cbuf, .msg_controllen = sizeof(cbuf),
	};
	struct in_addr other = { htonl(0x7f000002) };
	struct cmsghdr *cmsg = CMSG_FIRSTHDR(&msg);
	int srv, fd;

	cmsg->cmsg_level = IPPROTO_SCTP;
	cmsg->cmsg_type = SCTP_DSTADDRV4;
	cmsg->cmsg_len = CMSG_LEN(sizeof(other));
	memcpy(CMSG_DATA(cmsg), &other, sizeof(other));
	srv = socket(AF_INET, SOCK_SEQPACKET | SOCK_CLOEXEC, IPPROTO_SCTP);
	ASSERT_LE(0, srv) TH_LOG("SCTP: %s", strerror(errno));
	ASSERT_EQ(0, bind(srv, SA(q), sizeof(q)));
	ASSERT_EQ(0, listen(srv, 8));
	/* 127.0.0.1:q is allowed, 127.0.0.2:q is not. */
	attach(_metadata, self->cgfd, deny(CHECMATE_HOOK_SOCKET_CONNECT,
					   AF_INET, htonl(0x7f000002),
					   self->q));
	fd = socket(AF_INET, SOCK_SEQPACKET | SOCK_CLOEXEC, IPPROTO_SCTP);
	ASSERT_LE(0, fd);
	EXPECT_EQ(PROG_ERRNO, ERR(sendmsg(fd, &msg, 0), 1));
	/* Without the extra peer, the same send goes through. */
	msg.msg_control = NULL;
	msg.msg_controllen = 0;
	EXPECT_EQ(0, ERR(sendmsg(fd, &msg, 0), 1));
	close(fd);
	close(srv);
}

TEST_HARNESS_MAIN
