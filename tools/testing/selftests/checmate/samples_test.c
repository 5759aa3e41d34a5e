// SPDX-License-Identifier: GPL-2.0
/*
 * Checmate LSM - the sample policies (samples/bpf/checmate_*) against real
 * traffic, through their loaders and through checmate-ctl
 */

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include "common.h"

static int sh(const char *fmt, ...)
{
	char cmd[512];
	va_list ap;
	int status;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	status = system(cmd);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static struct sockaddr_storage sa(int family, const char *addr, int port,
				  socklen_t *len)
{
	struct sockaddr_storage ss = {};

	if (family == AF_INET) {
		struct sockaddr_in *in = (struct sockaddr_in *)&ss;

		in->sin_family = AF_INET;
		in->sin_port = htons(port);
		inet_pton(AF_INET, addr, &in->sin_addr);
		*len = sizeof(*in);
	} else {
		struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&ss;

		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons(port);
		inet_pton(AF_INET6, addr, &in6->sin6_addr);
		*len = sizeof(*in6);
	}
	return ss;
}

static int listener(int family, int type, int port)
{
	const char *any = family == AF_INET ? "0.0.0.0" : "::";
	struct sockaddr_storage ss;
	int fd, one = 1;
	socklen_t len;

	ss = sa(family, any, port, &len);
	fd = socket(family, type, 0);
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&ss, len) ||
	    (type == SOCK_STREAM && listen(fd, 16))) {
		close(fd);
		return -1;
	}
	return fd;
}

/* connect() (TCP) or sendto() (UDP) to addr:port; 0 or the errno. */
static int reach(int family, int type, const char *addr, int port)
{
	struct sockaddr_storage ss;
	int fd, err = 0;
	socklen_t len;

	ss = sa(family, addr, port, &len);
	fd = socket(family, type, 0);
	if (type == SOCK_STREAM) {
		if (connect(fd, (struct sockaddr *)&ss, len))
			err = errno;
	} else if (sendto(fd, "x", 1, 0, (struct sockaddr *)&ss, len) != 1) {
		err = errno;
	}
	close(fd);
	return err;
}

FIXTURE(samples) {
	char cg[64], path[128], dir[128];
	int cgfd, tcp4, tcp6, udp4;
};

FIXTURE_SETUP(samples)
{
	if (sh("command -v checmate_egress >/dev/null"))
		SKIP(return, "samples not in PATH");
	snprintf(self->cg, sizeof(self->cg), "checmate_samples_%d", getpid());
	snprintf(self->path, sizeof(self->path), CGROOT "/%s", self->cg);
	snprintf(self->dir, sizeof(self->dir), "/sys/fs/bpf/samples_%d",
		 getpid());
	self->cgfd = cg_create(_metadata, self->cg);
	self->tcp4 = listener(AF_INET, SOCK_STREAM, 8005);
	self->tcp6 = listener(AF_INET6, SOCK_STREAM, 8006);
	self->udp4 = listener(AF_INET, SOCK_DGRAM, 8053);
	ASSERT_LE(0, self->tcp4);
	ASSERT_LE(0, self->tcp6);
	ASSERT_LE(0, self->udp4);
	cg_enter(_metadata, self->cg);
}

FIXTURE_TEARDOWN(samples)
{
	if (sh("command -v checmate_egress >/dev/null"))
		return;
	cg_enter(_metadata, "");
	sh("checmate_egress detach %s 2>/dev/null", self->dir);
	sh("checmate_bind_rewrite detach %s 2>/dev/null", self->dir);
	close(self->tcp4);
	close(self->tcp6);
	close(self->udp4);
	close(self->cgfd);
	cg_remove(self->cg);
}

TEST_F(samples, egress_allowlist)
{
	char buf[256];
	FILE *p;

	ASSERT_EQ(0, sh("checmate_egress attach %s %s %s %s", self->path,
			self->dir, "127.0.0.1,8000-8010", "127.0.0.0/8,8053"));
	/* Allowed: TCP in the port range, UDP to the allowed port. */
	EXPECT_EQ(0, reach(AF_INET, SOCK_STREAM, "127.0.0.1", 8005));
	EXPECT_EQ(0, reach(AF_INET, SOCK_DGRAM, "127.0.0.2", 8053));
	/* The longest matching prefix decides: 127.0.0.1/32 has no 8053. */
	EXPECT_EQ(EACCES, reach(AF_INET, SOCK_DGRAM, "127.0.0.1", 8053));
	/* Denied: another port, another UDP port, any IPv6. */
	EXPECT_EQ(EACCES, reach(AF_INET, SOCK_STREAM, "127.0.0.1", 9005));
	EXPECT_EQ(EACCES, reach(AF_INET, SOCK_DGRAM, "127.0.0.2", 9053));
	EXPECT_EQ(EACCES, reach(AF_INET6, SOCK_STREAM, "::1", 8006));
	/* Live update, no reload: allow IPv6 loopback, then revoke it. */
	ASSERT_EQ(0, sh("checmate_egress allow %s ::1/128,8006", self->dir));
	EXPECT_EQ(0, reach(AF_INET6, SOCK_STREAM, "::1", 8006));
	ASSERT_EQ(0, sh("checmate_egress revoke %s ::1/128,8006", self->dir));
	EXPECT_EQ(EACCES, reach(AF_INET6, SOCK_STREAM, "::1", 8006));
	/* Denials, per destination. */
	EXPECT_EQ(EACCES, reach(AF_INET, SOCK_STREAM, "127.0.0.1", 9005));
	snprintf(buf, sizeof(buf), "checmate_egress denials %s", self->dir);
	p = popen(buf, "r");
	ASSERT_NE(NULL, p);
	buf[fread(buf, 1, sizeof(buf) - 1, p)] = '\0';
	pclose(p);
	EXPECT_NE(NULL, strstr(buf, "127.0.0.1 port 9005: 2 denied"))
		TH_LOG("%s", buf);
	EXPECT_NE(NULL, strstr(buf, "::1 port 8006: 2 denied"));
	/* Bad rules are refused. */
	EXPECT_EQ(2, sh("checmate_egress allow %s 300.1.1.1 2>/dev/null",
			self->dir));
	EXPECT_EQ(2, sh("checmate_egress allow %s 10.0.0.0/40 2>/dev/null",
			self->dir));
	/* Gone with its pins. */
	ASSERT_EQ(0, sh("checmate_egress detach %s", self->dir));
	usleep(100000);
	EXPECT_EQ(0, reach(AF_INET6, SOCK_STREAM, "::1", 8006));
}

/* sendto() 127.0.0.2 on a socket(AF_INET, @type, @proto); 0 or the errno. */
static int send_proto(int type, int proto, int flags, sa_family_t family,
		      int port)
{
	struct sockaddr_in in = { .sin_family = family };
	char buf[8] = { 8 };	/* an ICMP echo request, for ping sockets */
	int fd, err = 0;

	in.sin_port = htons(port);
	in.sin_addr.s_addr = htonl(0x7f000002);
	fd = socket(AF_INET, type, proto);
	if (fd < 0)
		return errno;
	if (sendto(fd, buf, sizeof(buf), flags, (struct sockaddr *)&in,
		   sizeof(in)) < 0)
		err = errno;
	close(fd);
	return err;
}

/* Every way to send to a destination the allowlist does not have. */
TEST_F(samples, egress_every_send_path)
{
	ASSERT_EQ(0, sh("echo 0 0 > /proc/sys/net/ipv4/ping_group_range"));
	ASSERT_EQ(0, sh("checmate_egress attach %s %s %s", self->path,
			self->dir, "127.0.0.0/8,8000-8010"));
	/* The allowed destination is reachable, so the test can fail. */
	EXPECT_EQ(0, send_proto(SOCK_DGRAM, IPPROTO_UDP, 0, AF_INET, 8005));
	EXPECT_EQ(EACCES, send_proto(SOCK_DGRAM, IPPROTO_UDP, 0, AF_INET,
				     9053));
	/* UDP-Lite and ping are checked too... */
	EXPECT_EQ(EACCES, send_proto(SOCK_DGRAM, IPPROTO_UDPLITE, 0, AF_INET,
				     9053));
	EXPECT_EQ(EACCES, send_proto(SOCK_DGRAM, IPPROTO_ICMP, 0, AF_INET, 0));
	/* ...and raw and packet sockets, which name their own, refused. */
	EXPECT_EQ(EACCES, send_proto(SOCK_RAW, IPPROTO_TCP, 0, AF_INET, 0));
	EXPECT_EQ(EACCES, send_proto(SOCK_RAW, IPPROTO_RAW, 0, AF_INET, 0));
	EXPECT_EQ(-1, socket(AF_PACKET, SOCK_RAW, 0));
	EXPECT_EQ(EACCES, errno);
	/* An AF_UNSPEC destination is sent to as AF_INET. */
	EXPECT_EQ(EACCES, send_proto(SOCK_DGRAM, IPPROTO_UDP, 0, AF_UNSPEC,
				     9053));
	/* TCP Fast Open connects without connect(2). */
	EXPECT_EQ(EACCES, send_proto(SOCK_STREAM, IPPROTO_TCP, MSG_FASTOPEN,
				     AF_INET, 9005));
	/* IPv4-mapped IPv6 is IPv4, both ways. */
	EXPECT_EQ(0, reach(AF_INET6, SOCK_STREAM, "::ffff:127.0.0.1", 8005));
	EXPECT_EQ(EACCES, reach(AF_INET6, SOCK_STREAM, "::ffff:127.0.0.1",
				9005));
	EXPECT_EQ(EACCES, reach(AF_INET6, SOCK_DGRAM, "::ffff:127.0.0.2",
				9053));
}

TEST_F(samples, egress_through_checmate_ctl)
{
	/* An empty allowlist: every IP destination is denied. */
	ASSERT_EQ(0, sh("checmate-ctl attach %s %s --prog egress_connect",
			"/checmate/bin/checmate_egress.bpf.o", self->cg));
	EXPECT_EQ(EACCES, reach(AF_INET, SOCK_STREAM, "127.0.0.1", 8005));
	ASSERT_EQ(0, sh("checmate-ctl reset %s socket_connect >/dev/null",
			self->cg));
	EXPECT_EQ(0, reach(AF_INET, SOCK_STREAM, "127.0.0.1", 8005));
}

TEST_F(samples, bind_rewrite)
{
	struct sockaddr_storage ss;
	int srv, conn, cli, status;
	socklen_t len;
	pid_t pid;

	ASSERT_EQ(0, sh("checmate_bind_rewrite attach %s %s 80:8080 >/dev/null",
			self->path, self->dir));
	/* The "container" binds port 80... */
	srv = listener(AF_INET, SOCK_STREAM, 80);
	ASSERT_LE(0, srv);
	len = sizeof(ss);
	ASSERT_EQ(0, getsockname(srv, (struct sockaddr *)&ss, &len));
	/* ...and is really on 8080, where a client outside reaches it. */
	EXPECT_EQ(8080, ntohs(((struct sockaddr_in *)&ss)->sin_port));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		cg_enter_path("");
		_exit(reach(AF_INET, SOCK_STREAM, "127.0.0.1", 8080));
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_EQ(0, WEXITSTATUS(status));
	conn = accept(srv, NULL, NULL);
	EXPECT_LE(0, conn);
	close(conn);
	close(srv);
	/* Other ports, and other cgroups, are left alone. */
	srv = listener(AF_INET, SOCK_STREAM, 81);
	len = sizeof(ss);
	ASSERT_EQ(0, getsockname(srv, (struct sockaddr *)&ss, &len));
	EXPECT_EQ(81, ntohs(((struct sockaddr_in *)&ss)->sin_port));
	close(srv);
	cg_enter(_metadata, "");
	cli = listener(AF_INET, SOCK_STREAM, 80);
	len = sizeof(ss);
	ASSERT_EQ(0, getsockname(cli, (struct sockaddr *)&ss, &len));
	EXPECT_EQ(80, ntohs(((struct sockaddr_in *)&ss)->sin_port));
	close(cli);
	/* An AF_UNSPEC or an IPv4-mapped bind is rewritten too. */
	cg_enter(_metadata, self->cg);
	{
		struct sockaddr_in un = { .sin_family = AF_UNSPEC,
					  .sin_port = htons(80) };

		srv = socket(AF_INET, SOCK_STREAM, 0);
		ASSERT_EQ(0, bind(srv, (struct sockaddr *)&un, sizeof(un)));
		len = sizeof(ss);
		ASSERT_EQ(0, getsockname(srv, (struct sockaddr *)&ss, &len));
		EXPECT_EQ(8080, ntohs(((struct sockaddr_in *)&ss)->sin_port));
		close(srv);
	}
	ss = sa(AF_INET6, "::ffff:127.0.0.1", 80, &len);
	srv = socket(AF_INET6, SOCK_STREAM, 0);
	ASSERT_EQ(0, bind(srv, (struct sockaddr *)&ss, len));
	len = sizeof(ss);
	ASSERT_EQ(0, getsockname(srv, (struct sockaddr *)&ss, &len));
	EXPECT_EQ(8080, ntohs(((struct sockaddr_in6 *)&ss)->sin6_port));
	close(srv);
	cg_enter(_metadata, "");
	/* A bad mapping is refused. */
	EXPECT_EQ(2, sh("checmate_bind_rewrite map %s %s 80:70000 2>/dev/null",
			self->dir, self->path));
}

TEST_HARNESS_MAIN
