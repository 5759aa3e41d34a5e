// SPDX-License-Identifier: GPL-2.0
/*
 * Checmate LSM - tests of the ingress hooks: socket_recvmsg,
 * socket_sock_rcv_skb and socket_accept
 *
 * Each test runs in a network namespace of its own, whose loopback device
 * has a second address for peers (127.0.0.2 is local anyway, fd00::2 is
 * added), and in cgroup P/a of a hierarchy P, P/a, P/b. Programs are raw
 * instructions: a recorder copies every context field into an array map,
 * so that each field can be checked exactly; the others deny on
 * conditions. The UDP and TCP fixtures run over IPv4, IPv6, and IPv4
 * through IPv6 sockets (IPv4-mapped addresses).
 */

#include "common.h"

#include <assert.h>
#include <net/if.h>
#include <poll.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/uio.h>
#include <sys/un.h>

/* An errno no network call returns by itself: it can only be the program's. */
#define PROG_ERRNO	ENOTUNIQ

#define RM_OFF(f)	offsetof(struct checmate_socket_recvmsg_ctx, f)
#define RS_OFF(f)	offsetof(struct checmate_socket_sock_rcv_skb_ctx, f)
#define AC_OFF(f)	offsetof(struct checmate_socket_accept_ctx, f)

#define HOOK_RECVMSG	CHECMATE_HOOK_SOCKET_RECVMSG
#define HOOK_RCV_SKB	CHECMATE_HOOK_SOCKET_SOCK_RCV_SKB
#define HOOK_ACCEPT	CHECMATE_HOOK_SOCKET_ACCEPT

#define MOV64_REG(d, s)	INSN(BPF_ALU64 | BPF_MOV | BPF_X, d, s, 0, 0)
#define ADD64_IMM(d, i)	INSN(BPF_ALU64 | BPF_ADD | BPF_K, d, 0, 0, i)
#define ADD32_IMM(d, i)	INSN(BPF_ALU | BPF_ADD | BPF_K, d, 0, 0, i)
#define JEQ_IMM(d, i, o)	INSN(BPF_JMP | BPF_JEQ | BPF_K, d, 0, o, i)
#define JGE32_IMM(d, i, o)	INSN(BPF_JMP32 | BPF_JGE | BPF_K, d, 0, o, i)
#define JNE32_IMM(d, i, o)	INSN(BPF_JMP32 | BPF_JNE | BPF_K, d, 0, o, i)
#define STX_W(d, s, o)		STX_SZ(BPF_W, d, s, o)
#define FETCH_ADD_W(d, s, o)	\
	INSN(BPF_STX | BPF_ATOMIC | BPF_W, d, s, o, BPF_ADD | BPF_FETCH)

/* Records kept; the counter in slot 0 goes on counting past them. */
#define NREC		64

/* One record: the context as the program saw it. */
struct rec {
	__u32 f[16];
};

static_assert(sizeof(struct checmate_socket_recvmsg_ctx) <= sizeof(struct rec),
	      "a record holds a socket_recvmsg context");
static_assert(sizeof(struct checmate_socket_sock_rcv_skb_ctx) ==
	      13 * sizeof(__u32), "socket_sock_rcv_skb: 13 fields");
static_assert(sizeof(struct checmate_socket_recvmsg_ctx) == 15 * sizeof(__u32),
	      "socket_recvmsg: 15 fields");
static_assert(sizeof(struct checmate_socket_accept_ctx) == 7 * sizeof(__u32),
	      "socket_accept: 7 fields");

static const char *const recvmsg_names[] = {
	"family", "protocol", "remote_addr[0]", "remote_addr[1]",
	"remote_addr[2]", "remote_addr[3]", "remote_port", "local_addr[0]",
	"local_addr[1]", "local_addr[2]", "local_addr[3]", "local_port",
	"type", "size", "flags",
};

static const char *const rcv_skb_names[] = {
	"family", "protocol", "remote_addr[0]", "remote_addr[1]",
	"remote_addr[2]", "remote_addr[3]", "remote_port", "local_addr[0]",
	"local_addr[1]", "local_addr[2]", "local_addr[3]", "local_port",
	"len",
};

static const char *const accept_names[] = {
	"family", "protocol", "addr[0]", "addr[1]", "addr[2]", "addr[3]",
	"port",
};

/* fd00::2, the peers' IPv6 address */
static const struct in6_addr peer6 = { .s6_addr = { 0xfd, [15] = 2 } };

/*
 * The state of a test. Each test runs in a process of its own (the
 * harness forks it), so it can be global.
 */
static struct {
	int family;		/* of the sockets under test */
	int mapped;		/* IPv4 through AF_INET6 sockets */
	char p[64], a[80], b[80];
	int pfd, afd, bfd;
	int map;		/* the recorders' */
	int nprogs;
	struct {
		int cgfd, prog;
	} progs[32];		/* attached, to detach at teardown */
} E;

/*
 * Programs
 */

static int ctx_size(__u32 hook)
{
	switch (hook) {
	case HOOK_RECVMSG:
		return sizeof(struct checmate_socket_recvmsg_ctx);
	case HOOK_RCV_SKB:
		return sizeof(struct checmate_socket_sock_rcv_skb_ctx);
	case HOOK_ACCEPT:
		return sizeof(struct checmate_socket_accept_ctx);
	}
	return 0;
}

/* A condition of a program: the field at @off is @val. */
struct cond {
	int off;
	__u32 val;
};

#define COND(o, v)	((struct cond){ (o), (v) })

enum verdict {
	ALLOW,		/* always allow */
	DENY_IF,	/* deny if every condition holds */
	DENY_UNLESS,	/* deny unless every condition holds */
};

static void ld_map(struct bpf_insn *in, int *k, int reg, int fd)
{
	in[(*k)++] = INSN(BPF_LD | BPF_DW | BPF_IMM, reg, BPF_PSEUDO_MAP_FD, 0,
			  fd);
	in[(*k)++] = INSN(0, 0, 0, 0, 0);
}

/*
 * A program that records its context in @map (unless @map is negative)
 * and then decides as @mode says, denying with -@err.
 */
static int load_rec(__u32 hook, int map, enum verdict mode,
		    const struct cond *c, int n, int err)
{
	int k = 0, nf = ctx_size(hook) / 4, skip[3], ns = 0, jumps[16];
	int nj = 0, i, verdict, out;
	struct bpf_insn in[128];

	if (n > 16 || !nf)
		return -1;
	in[k++] = MOV64_REG(BPF_REG_6, BPF_REG_1);
	if (map >= 0) {
		/* slot = map[0].f[0]++ + 1, if below NREC */
		in[k++] = ST_W(BPF_REG_10, -4, 0);
		ld_map(in, &k, BPF_REG_1, map);
		in[k++] = MOV64_REG(BPF_REG_2, BPF_REG_10);
		in[k++] = ADD64_IMM(BPF_REG_2, -4);
		in[k++] = CALL(BPF_FUNC_map_lookup_elem);
		skip[ns++] = k;
		in[k++] = JEQ_IMM(BPF_REG_0, 0, 0);
		in[k++] = MOV64_IMM(BPF_REG_7, 1);
		in[k++] = FETCH_ADD_W(BPF_REG_0, BPF_REG_7, 0);
		skip[ns++] = k;
		in[k++] = JGE32_IMM(BPF_REG_7, NREC, 0);
		in[k++] = ADD32_IMM(BPF_REG_7, 1);
		in[k++] = STX_W(BPF_REG_10, BPF_REG_7, -4);
		ld_map(in, &k, BPF_REG_1, map);
		in[k++] = MOV64_REG(BPF_REG_2, BPF_REG_10);
		in[k++] = ADD64_IMM(BPF_REG_2, -4);
		in[k++] = CALL(BPF_FUNC_map_lookup_elem);
		skip[ns++] = k;
		in[k++] = JEQ_IMM(BPF_REG_0, 0, 0);
		/* map[slot] = *ctx */
		for (i = 0; i < nf; i++) {
			in[k++] = LDX_W(BPF_REG_1, BPF_REG_6, 4 * i);
			in[k++] = STX_W(BPF_REG_0, BPF_REG_1, 4 * i);
		}
	}
	verdict = k;
	in[k++] = MOV64_IMM(BPF_REG_0, mode == DENY_UNLESS ? -err : 0);
	if (mode != ALLOW) {
		for (i = 0; i < n; i++) {
			in[k++] = LDX_W(BPF_REG_2, BPF_REG_6, c[i].off);
			jumps[nj++] = k;
			in[k++] = JNE32_IMM(BPF_REG_2, c[i].val, 0);
		}
		in[k++] = MOV64_IMM(BPF_REG_0, mode == DENY_UNLESS ? 0 : -err);
	}
	out = k;
	in[k++] = EXIT();
	for (i = 0; i < ns; i++)
		in[skip[i]].off = verdict - skip[i] - 1;
	for (i = 0; i < nj; i++)
		in[jumps[i]].off = out - jumps[i] - 1;
	return load_insns(hook, BPF_CHECMATE, in, k);
}

/* Records every call of @hook in E.map, and allows it. */
#define recorder(hook)	load_rec(hook, E.map, ALLOW, NULL, 0, 0)

/* Denies @hook with PROG_ERRNO when every condition holds. */
#define deny_if(hook, ...) ({						\
	const struct cond __c[] = { __VA_ARGS__ };			\
	load_rec(hook, -1, DENY_IF, __c, ARRAY_SIZE(__c), PROG_ERRNO);	\
})

/* Attaches @prog (just loaded) to @cgfd; returns it for detach(). */
static int attach(struct __test_metadata *const _metadata, int cgfd, int prog)
{
	ASSERT_LE(0, prog) TH_LOG("BPF_PROG_LOAD: %s", strerror(errno));
	ASSERT_GT((int)ARRAY_SIZE(E.progs), E.nprogs);
	ASSERT_EQ(0, prog_attach(cgfd, prog, BPF_F_ALLOW_MULTI))
		TH_LOG("BPF_PROG_ATTACH: %s", strerror(errno));
	E.progs[E.nprogs].cgfd = cgfd;
	E.progs[E.nprogs++].prog = prog;
	return prog;
}

static void detach(struct __test_metadata *const _metadata, int prog)
{
	int i;

	for (i = E.nprogs - 1; i >= 0; i--) {
		if (E.progs[i].prog != prog)
			continue;
		EXPECT_EQ(0, prog_detach(E.progs[i].cgfd, prog))
			TH_LOG("BPF_PROG_DETACH: %s", strerror(errno));
		close(prog);
		E.progs[i] = E.progs[--E.nprogs];
		return;
	}
}

/*
 * Records
 */

static int rec_map_create(void)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.map_type = BPF_MAP_TYPE_ARRAY;
	attr.key_size = sizeof(__u32);
	attr.value_size = sizeof(struct rec);
	attr.max_entries = NREC + 1;
	return sys_bpf(BPF_MAP_CREATE, &attr);
}

static int map_op(int cmd, __u32 key, struct rec *r)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.map_fd = E.map;
	attr.key = (__u64)(unsigned long)&key;
	attr.value = (__u64)(unsigned long)r;
	return sys_bpf(cmd, &attr);
}

/* Forgets the records so far. */
static void rec_clear(void)
{
	struct rec r = {};

	map_op(BPF_MAP_UPDATE_ELEM, 0, &r);
}

/* Number of calls recorded since rec_clear() (at most NREC). */
static int rec_count(void)
{
	struct rec r = {};

	if (map_op(BPF_MAP_LOOKUP_ELEM, 0, &r))
		return -1;
	return r.f[0] < NREC ? (int)r.f[0] : NREC;
}

/* Record @i (from 0). */
static struct rec rec_get(int i)
{
	struct rec r = {};

	map_op(BPF_MAP_LOOKUP_ELEM, i + 1, &r);
	return r;
}

/* Index of the first record from @from on with field @f at @val, or -1. */
static int rec_find(int from, int f, __u32 val)
{
	int i, n = rec_count();

	for (i = from; i < n; i++)
		if (rec_get(i).f[f] == val)
			return i;
	return -1;
}

/* Number of records with field @f at @val. */
static int rec_count_if(int f, __u32 val)
{
	int i, n = rec_count(), cnt = 0;

	for (i = 0; i < n; i++)
		cnt += rec_get(i).f[f] == val;
	return cnt;
}

/* Checks each field of @got against @want. */
static void expect_ctx(struct __test_metadata *const _metadata,
		       const char *what, const __u32 *want, const __u32 *got,
		       const char *const *names, int n)
{
	int i;

	for (i = 0; i < n; i++)
		EXPECT_EQ(want[i], got[i])
			TH_LOG("%s: %s is %#x, want %#x", what, names[i],
			       got[i], want[i]);
}

#define expect_recvmsg(what, want, r)					\
	expect_ctx(_metadata, what, (const __u32 *)(want), (r).f,	\
		   recvmsg_names, ARRAY_SIZE(recvmsg_names))
#define expect_rcv_skb(what, want, r)					\
	expect_ctx(_metadata, what, (const __u32 *)(want), (r).f,	\
		   rcv_skb_names, ARRAY_SIZE(rcv_skb_names))
#define expect_accept(what, want, r)					\
	expect_ctx(_metadata, what, (const __u32 *)(want), (r).f,	\
		   accept_names, ARRAY_SIZE(accept_names))

/*
 * Addresses
 */

struct sa {
	struct sockaddr_storage ss;
	socklen_t len;
};

#define SAP(a)	((struct sockaddr *)&(a).ss)

enum who {
	NOBODY = -1,	/* a zero address */
	LOCAL,		/* 127.0.0.1, ::1, ::ffff:127.0.0.1 */
	PEER,		/* 127.0.0.2, fd00::2, ::ffff:127.0.0.2 */
};

/* The address of @who in the test's family, port @port. */
static struct sa sa_of(enum who who, int port)
{
	__be32 v4 = htonl(who == PEER ? 0x7f000002 : INADDR_LOOPBACK);
	struct sa a;

	memset(&a, 0, sizeof(a));
	if (E.family == AF_INET) {
		struct sockaddr_in *in = (struct sockaddr_in *)&a.ss;

		in->sin_family = AF_INET;
		in->sin_port = htons(port);
		in->sin_addr.s_addr = v4;
		a.len = sizeof(*in);
	} else {
		struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&a.ss;

		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons(port);
		if (E.mapped) {
			in6->sin6_addr.s6_addr[10] = 0xff;
			in6->sin6_addr.s6_addr[11] = 0xff;
			memcpy(&in6->sin6_addr.s6_addr[12], &v4, 4);
		} else {
			in6->sin6_addr = who == PEER ? peer6 : in6addr_loopback;
		}
		a.len = sizeof(*in6);
	}
	return a;
}

/* The family programs see for the test's addresses. */
static __u32 fam_seen(void)
{
	return E.family == AF_INET6 && !E.mapped ? AF_INET6 : AF_INET;
}

/* @who's address as programs see it. */
static void addr_seen(enum who who, __u32 a[4])
{
	memset(a, 0, 4 * sizeof(__u32));
	if (who == NOBODY)
		return;
	if (fam_seen() == AF_INET)
		a[0] = htonl(who == PEER ? 0x7f000002 : INADDR_LOOPBACK);
	else
		memcpy(a, who == PEER ? &peer6 : &in6addr_loopback, 16);
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

static int peer_port_of(int fd)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);

	if (getpeername(fd, (struct sockaddr *)&ss, &len))
		return -1;
	if (ss.ss_family == AF_INET)
		return ntohs(((struct sockaddr_in *)&ss)->sin_port);
	return ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
}

/* Receives and sends time out instead of hanging a failing test. */
static void set_timeouts(int fd)
{
	struct timeval tv = { .tv_sec = 5 };

	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
}

/* A socket of family @family bound to @a; -1 with errno set. */
static int sock_at(int family, int type, const struct sa *a)
{
	int fd, err;

	fd = socket(family, type | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	set_timeouts(fd);
	if (bind(fd, (const struct sockaddr *)&a->ss, a->len)) {
		err = errno;
		close(fd);
		errno = err;
		return -1;
	}
	return fd;
}

/* A socket of the test's family bound to @who's address, any port. */
static int sock_of(int type, enum who who)
{
	struct sa a = sa_of(who, 0);

	return sock_at(E.family, type, &a);
}

/* A TCP socket of the test's family listening on the local address. */
static int listener(void)
{
	int fd = sock_of(SOCK_STREAM, LOCAL);

	if (fd >= 0 && listen(fd, 16)) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Sends @len bytes of @buf from @fd to the local address, port @port. */
static ssize_t send_to(int fd, const char *buf, size_t len, int port)
{
	struct sa a = sa_of(LOCAL, port);

	return sendto(fd, buf, len, 0, SAP(a), a.len);
}

/* Whether @fd has something to read within @ms milliseconds. */
static int readable(int fd, int ms)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };

	return poll(&pfd, 1, ms) == 1;
}

/*
 * Starts a non-blocking connect from a new socket of @who to the local
 * address, port @port; returns the socket, or -1.
 */
static int connect_start(enum who who, int port)
{
	struct sa a = sa_of(LOCAL, port);
	int fd;

	fd = sock_of(SOCK_STREAM | SOCK_NONBLOCK, who);
	if (fd < 0)
		return -1;
	if (connect(fd, SAP(a), a.len) && errno != EINPROGRESS) {
		close(fd);
		return -1;
	}
	return fd;
}

/* 1 if @fd's connect completed within @ms, 0 if not yet, -1 if it failed. */
static int connect_wait(int fd, int ms)
{
	struct pollfd pfd = { .fd = fd, .events = POLLOUT };
	socklen_t len = sizeof(int);
	int err = 0;

	if (poll(&pfd, 1, ms) != 1)
		return 0;
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) || err)
		return -1;
	return 1;
}

/* A blocking TCP connection from @who to @port; the client, or -1. */
static int tcp_connect(enum who who, int port)
{
	int fd = connect_start(who, port);

	if (fd < 0)
		return -1;
	if (connect_wait(fd, 5000) != 1) {
		close(fd);
		return -1;
	}
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
	return fd;
}

/* accept(2) that does not wait: the connection, or -1 with errno set. */
static int accept_now(int l)
{
	int fl = fcntl(l, F_GETFL), fd, err;

	fcntl(l, F_SETFL, fl | O_NONBLOCK);
	fd = accept(l, NULL, NULL);
	err = errno;
	fcntl(l, F_SETFL, fl);
	errno = err;
	return fd;
}

/*
 * Environment
 */

/* In a new network namespace: brings lo up and adds fd00::2 to it. */
static int netns_setup(void)
{
	struct {
		struct in6_addr addr;
		__u32 prefixlen;
		int ifindex;
	} req6;
	struct sockaddr_in6 in6 = { .sin6_family = AF_INET6,
				    .sin6_addr = peer6 };
	struct ifreq ifr;
	int fd, s, i, ret = -1;

	if (unshare(CLONE_NEWNET))
		return -1;
	fd = socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "lo");
	if (ioctl(fd, SIOCGIFFLAGS, &ifr))
		goto out;
	ifr.ifr_flags |= IFF_UP;
	if (ioctl(fd, SIOCSIFFLAGS, &ifr))
		goto out;
	memset(&req6, 0, sizeof(req6));
	req6.addr = peer6;
	req6.prefixlen = 128;
	req6.ifindex = if_nametoindex("lo");
	if (ioctl(fd, SIOCSIFADDR, &req6))
		goto out;
	/* The address is usable once its (skipped) DAD has run. */
	for (i = 0; i < 500; i++) {
		s = socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0);
		ret = bind(s, (struct sockaddr *)&in6, sizeof(in6));
		close(s);
		if (!ret)
			break;
		usleep(10000);
	}
out:
	close(fd);
	return ret;
}

static void env_setup(struct __test_metadata *const _metadata, int family,
		      int mapped)
{
	E.family = family;
	E.mapped = mapped;
	ASSERT_EQ(0, netns_setup()) TH_LOG("network namespace: %s",
					   strerror(errno));
	snprintf(E.p, sizeof(E.p), "checmate_ingress_%d", getpid());
	snprintf(E.a, sizeof(E.a), "%s/a", E.p);
	snprintf(E.b, sizeof(E.b), "%s/b", E.p);
	E.pfd = cg_create(_metadata, E.p);
	E.afd = cg_create(_metadata, E.a);
	E.bfd = cg_create(_metadata, E.b);
	cg_enter(_metadata, E.a);
	E.map = rec_map_create();
	ASSERT_LE(0, E.map) TH_LOG("BPF_MAP_CREATE: %s", strerror(errno));
}

static void env_teardown(struct __test_metadata *const _metadata)
{
	while (E.nprogs)
		detach(_metadata, E.progs[E.nprogs - 1].prog);
	cg_enter(_metadata, "");
	close(E.map);
	close(E.afd);
	close(E.bfd);
	close(E.pfd);
	cg_remove(E.a);
	cg_remove(E.b);
	cg_remove(E.p);
}

/*
 * socket_recvmsg: the paths that receive. Each reads one 10-byte chunk;
 * sizes differ so that each call is recognised.
 */

#define CHUNK		"0123456789"
#define CHUNK_LEN	10

static const struct {
	const char *name;
	__u32 size, flags;
} paths[] = {
	{ "recv", 11, 0 },
	{ "recv(MSG_PEEK | MSG_DONTWAIT)", 12, MSG_PEEK | MSG_DONTWAIT },
	{ "recvfrom(MSG_DONTWAIT)", 13, MSG_DONTWAIT },
	{ "recvmsg(MSG_CMSG_CLOEXEC), 2 iovecs", 14, MSG_CMSG_CLOEXEC },
	{ "read", 15, 0 },
	{ "readv, 2 iovecs", 16, 0 },
	/* O_NONBLOCK adds MSG_DONTWAIT */
	{ "read, O_NONBLOCK", 17, MSG_DONTWAIT },
	{ "recv, O_NONBLOCK", 18, MSG_DONTWAIT },
};

static ssize_t do_path(int i, int fd, char *buf)
{
	struct iovec iov[2];
	struct msghdr mh;
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	int fl, err;
	ssize_t n;

	memset(&mh, 0, sizeof(mh));
	switch (i) {
	case 0:
		return recv(fd, buf, 11, 0);
	case 1:
		return recv(fd, buf, 12, MSG_PEEK | MSG_DONTWAIT);
	case 2:
		return recvfrom(fd, buf, 13, MSG_DONTWAIT,
				(struct sockaddr *)&ss, &sl);
	case 3:
		iov[0] = (struct iovec){ buf, 5 };
		iov[1] = (struct iovec){ buf + 5, 9 };
		mh.msg_iov = iov;
		mh.msg_iovlen = 2;
		return recvmsg(fd, &mh, MSG_CMSG_CLOEXEC);
	case 4:
		return read(fd, buf, 15);
	case 5:
		iov[0] = (struct iovec){ buf, 6 };
		iov[1] = (struct iovec){ buf + 6, 10 };
		return readv(fd, iov, 2);
	case 6:
	case 7:
		fl = fcntl(fd, F_GETFL);
		fcntl(fd, F_SETFL, fl | O_NONBLOCK);
		n = i == 6 ? read(fd, buf, 17) : recv(fd, buf, 18, 0);
		err = errno;
		fcntl(fd, F_SETFL, fl);
		errno = err;
		return n;
	}
	return -1;
}

/*
 * Each path on @fd: denied with PROG_ERRNO and nothing read, then
 * allowed; both calls seen with @want, size and flags the path's. @tx
 * sends the chunks, to the local address port @port if @port.
 */
static void run_paths(struct __test_metadata *const _metadata, int fd, int tx,
		      int port, struct checmate_socket_recvmsg_ctx want)
{
	char buf[32], what[96];
	int i, rec, deny;

	rec = attach(_metadata, E.afd, recorder(HOOK_RECVMSG));
	for (i = 0; i < (int)ARRAY_SIZE(paths); i++) {
		if (!readable(fd, 0))
			ASSERT_EQ(CHUNK_LEN, port ?
				  send_to(tx, CHUNK, CHUNK_LEN, port) :
				  send(tx, CHUNK, CHUNK_LEN, 0));
		ASSERT_TRUE(readable(fd, 5000));
		deny = attach(_metadata, E.afd,
			      deny_if(HOOK_RECVMSG, COND(RM_OFF(local_port),
							 want.local_port)));
		rec_clear();
		EXPECT_EQ(-1, do_path(i, fd, buf)) TH_LOG("%s", paths[i].name);
		EXPECT_EQ(PROG_ERRNO, errno) TH_LOG("%s: %s", paths[i].name,
						    strerror(errno));
		detach(_metadata, deny);
		/* The denied call took nothing. */
		memset(buf, 0, sizeof(buf));
		EXPECT_EQ(CHUNK_LEN, do_path(i, fd, buf))
			TH_LOG("%s: %s", paths[i].name, strerror(errno));
		EXPECT_EQ(0, memcmp(buf, CHUNK, CHUNK_LEN))
			TH_LOG("%s", paths[i].name);
		ASSERT_EQ(2, rec_count()) TH_LOG("%s", paths[i].name);
		want.size = paths[i].size;
		want.flags = paths[i].flags;
		snprintf(what, sizeof(what), "%s, denied", paths[i].name);
		expect_recvmsg(what, &want, rec_get(0));
		snprintf(what, sizeof(what), "%s, allowed", paths[i].name);
		expect_recvmsg(what, &want, rec_get(1));
	}
	detach(_metadata, rec);
}

static struct checmate_socket_recvmsg_ctx
want_recvmsg(int protocol, int type, enum who remote, int rport,
	     enum who local, int lport)
{
	struct checmate_socket_recvmsg_ctx w = {
		.family = fam_seen(),
		.protocol = protocol,
		.remote_port = rport,
		.local_port = lport,
		.type = type,
	};

	addr_seen(remote, w.remote_addr);
	addr_seen(local, w.local_addr);
	return w;
}

static struct checmate_socket_sock_rcv_skb_ctx
want_rcv_skb(int protocol, enum who remote, int rport, int lport, __u32 len)
{
	struct checmate_socket_sock_rcv_skb_ctx w = {
		.family = fam_seen(),
		.protocol = protocol,
		.remote_port = rport,
		.local_port = lport,
		.len = len,
	};

	addr_seen(remote, w.remote_addr);
	addr_seen(LOCAL, w.local_addr);
	return w;
}

/*
 * UDP
 */

FIXTURE(udp) {
	int unused;
};

FIXTURE_VARIANT(udp) {
	int family;
	int mapped;
};

FIXTURE_VARIANT_ADD(udp, ipv4) { .family = AF_INET };
FIXTURE_VARIANT_ADD(udp, ipv6) { .family = AF_INET6 };
FIXTURE_VARIANT_ADD(udp, ipv4_mapped) { .family = AF_INET6, .mapped = 1 };

FIXTURE_SETUP(udp)
{
	env_setup(_metadata, variant->family, variant->mapped);
}

FIXTURE_TEARDOWN(udp)
{
	env_teardown(_metadata);
}

TEST_F(udp, recvmsg_fields)
{
	struct checmate_socket_recvmsg_ctx want;
	int r, p, rport, pport;
	struct sa to;
	char buf[128];

	r = sock_of(SOCK_DGRAM, LOCAL);
	p = sock_of(SOCK_DGRAM, PEER);
	ASSERT_LE(0, r);
	ASSERT_LE(0, p);
	rport = port_of(r);
	pport = port_of(p);
	attach(_metadata, E.afd, recorder(HOOK_RECVMSG));

	/* Unconnected: the sender is not known, the remote is zero. */
	ASSERT_EQ(5, send_to(p, "hello", 5, rport));
	rec_clear();
	ASSERT_EQ(5, recv(r, buf, 100, 0));
	ASSERT_EQ(1, rec_count());
	want = want_recvmsg(IPPROTO_UDP, SOCK_DGRAM, NOBODY, 0, LOCAL, rport);
	want.size = 100;
	expect_recvmsg("unconnected", &want, rec_get(0));

	/* Connected: the peer. */
	to = sa_of(PEER, pport);
	ASSERT_EQ(0, connect(r, SAP(to), to.len));
	ASSERT_EQ(5, send_to(p, "again", 5, rport));
	rec_clear();
	ASSERT_EQ(5, recv(r, buf, 101, MSG_PEEK | MSG_DONTWAIT));
	ASSERT_EQ(1, rec_count());
	want = want_recvmsg(IPPROTO_UDP, SOCK_DGRAM, PEER, pport, LOCAL, rport);
	want.size = 101;
	want.flags = MSG_PEEK | MSG_DONTWAIT;
	expect_recvmsg("connected", &want, rec_get(0));
	close(r);
	close(p);
}

TEST_F(udp, recvmsg_deny)
{
	int r, r2, p, rport, deny;
	char buf[16] = {};

	r = sock_of(SOCK_DGRAM, LOCAL);
	r2 = sock_of(SOCK_DGRAM, LOCAL);
	p = sock_of(SOCK_DGRAM, PEER);
	ASSERT_LE(0, r);
	ASSERT_LE(0, r2);
	ASSERT_LE(0, p);
	rport = port_of(r);
	ASSERT_EQ(3, send_to(p, "one", 3, rport));
	ASSERT_EQ(3, send_to(p, "two", 3, port_of(r2)));
	ASSERT_TRUE(readable(r, 5000));

	deny = attach(_metadata, E.afd,
		      deny_if(HOOK_RECVMSG, COND(RM_OFF(local_port), rport)));
	EXPECT_EQ(-1, recv(r, buf, sizeof(buf), 0));
	EXPECT_EQ(PROG_ERRNO, errno);
	EXPECT_EQ(-1, recv(r, buf, sizeof(buf), MSG_PEEK | MSG_DONTWAIT));
	EXPECT_EQ(PROG_ERRNO, errno);
	/* Another socket is not affected. */
	EXPECT_EQ(3, recv(r2, buf, sizeof(buf), 0));
	EXPECT_STREQ("two", buf);
	detach(_metadata, deny);

	/* The datagram is still queued. */
	memset(buf, 0, sizeof(buf));
	EXPECT_EQ(3, recv(r, buf, sizeof(buf), MSG_DONTWAIT));
	EXPECT_STREQ("one", buf);
	close(r);
	close(r2);
	close(p);
}

TEST_F(udp, recvmsg_paths)
{
	int r, p;

	r = sock_of(SOCK_DGRAM, LOCAL);
	p = sock_of(SOCK_DGRAM, PEER);
	ASSERT_LE(0, r);
	ASSERT_LE(0, p);
	run_paths(_metadata, r, p, port_of(r),
		  want_recvmsg(IPPROTO_UDP, SOCK_DGRAM, NOBODY, 0, LOCAL,
			       port_of(r)));
	close(r);
	close(p);
}

/* Two datagrams from a new peer to @r, and recvmmsg(2) buffers for them. */
struct mmsg {
	struct mmsghdr mm[2];
	struct iovec iov[2];
	char b0[17], b1[18];
};

static void mmsg_setup(struct __test_metadata *const _metadata, int r,
		       struct mmsg *m)
{
	int p = sock_of(SOCK_DGRAM, PEER);

	ASSERT_LE(0, p);
	ASSERT_EQ(5, send_to(p, "first", 5, port_of(r)));
	ASSERT_EQ(6, send_to(p, "second", 6, port_of(r)));
	close(p);
	ASSERT_TRUE(readable(r, 5000));
	memset(m, 0, sizeof(*m));
	m->iov[0] = (struct iovec){ m->b0, sizeof(m->b0) };
	m->iov[1] = (struct iovec){ m->b1, sizeof(m->b1) };
	m->mm[0].msg_hdr.msg_iov = &m->iov[0];
	m->mm[0].msg_hdr.msg_iovlen = 1;
	m->mm[1].msg_hdr.msg_iov = &m->iov[1];
	m->mm[1].msg_hdr.msg_iovlen = 1;
}

/* recvmmsg(2): denied before anything is received. */
TEST_F(udp, recvmmsg)
{
	struct checmate_socket_recvmsg_ctx want;
	int r, rport, deny;
	struct mmsg m;

	r = sock_of(SOCK_DGRAM, LOCAL);
	ASSERT_LE(0, r);
	rport = port_of(r);
	mmsg_setup(_metadata, r, &m);
	attach(_metadata, E.afd, recorder(HOOK_RECVMSG));
	deny = attach(_metadata, E.afd,
		      deny_if(HOOK_RECVMSG, COND(RM_OFF(local_port), rport)));
	rec_clear();
	EXPECT_EQ(-1, recvmmsg(r, m.mm, 2, MSG_WAITFORONE, NULL));
	EXPECT_EQ(PROG_ERRNO, errno);
	detach(_metadata, deny);
	/* The first message's call; MSG_WAITFORONE is not passed on. */
	ASSERT_EQ(1, rec_count());
	want = want_recvmsg(IPPROTO_UDP, SOCK_DGRAM, NOBODY, 0, LOCAL, rport);
	want.size = sizeof(m.b0);
	expect_recvmsg("first message", &want, rec_get(0));

	/* Both datagrams are still queued. */
	ASSERT_EQ(2, recvmmsg(r, m.mm, 2, MSG_WAITFORONE, NULL));
	EXPECT_EQ(5, m.mm[0].msg_len);
	EXPECT_EQ(6, m.mm[1].msg_len);
	EXPECT_STREQ("first", m.b0);
	EXPECT_STREQ("second", m.b1);
	close(r);
}

/*
 * recvmmsg(2) runs the hook once per message, as the UAPI documents: each
 * call with its message's size, MSG_DONTWAIT added by MSG_WAITFORONE after
 * the first; a program denying the second message stops there.
 */
TEST_F(udp, recvmmsg_first_message_only)
{
	struct checmate_socket_recvmsg_ctx want;
	int r, rport, ret;
	struct mmsg m;

	/*
	 * As for every LSM, recvmmsg(2) asks about its first message only:
	 * a program denying the second one's size never runs for it.
	 */
	r = sock_of(SOCK_DGRAM, LOCAL);
	ASSERT_LE(0, r);
	rport = port_of(r);
	mmsg_setup(_metadata, r, &m);
	attach(_metadata, E.afd, recorder(HOOK_RECVMSG));
	attach(_metadata, E.afd,
	       deny_if(HOOK_RECVMSG, COND(RM_OFF(size), sizeof(m.b1))));
	rec_clear();
	ret = recvmmsg(r, m.mm, 2, MSG_WAITFORONE, NULL);
	EXPECT_EQ(2, ret);
	EXPECT_STREQ("first", m.b0);
	EXPECT_EQ(1, rec_count())
		TH_LOG("socket_recvmsg ran %d times for 2 messages",
		       rec_count());
	want = want_recvmsg(IPPROTO_UDP, SOCK_DGRAM, NOBODY, 0, LOCAL, rport);
	want.size = sizeof(m.b0);
	expect_recvmsg("first message", &want, rec_get(0));
	close(r);
}

/* The cgroup the socket was created in decides, not the task's. */
TEST_F(udp, recvmsg_socket_cgroup)
{
	int r, rb, p, rport, prog;
	char buf[8];

	r = sock_of(SOCK_DGRAM, LOCAL);
	ASSERT_LE(0, r);
	rport = port_of(r);
	cg_enter(_metadata, E.b);
	p = sock_of(SOCK_DGRAM, PEER);
	rb = sock_of(SOCK_DGRAM, LOCAL);
	ASSERT_LE(0, p);
	ASSERT_LE(0, rb);
	ASSERT_EQ(1, send_to(p, "x", 1, rport));
	ASSERT_EQ(1, send_to(p, "y", 1, port_of(rb)));
	ASSERT_TRUE(readable(r, 5000));
	ASSERT_TRUE(readable(rb, 5000));

	/* A's programs govern the socket made in A... */
	prog = attach(_metadata, E.afd, deny_if(HOOK_RECVMSG));
	EXPECT_EQ(-1, recv(r, buf, sizeof(buf), MSG_PEEK));
	EXPECT_EQ(PROG_ERRNO, errno);
	/* ...not the task's new socket in B. */
	EXPECT_EQ(1, recv(rb, buf, sizeof(buf), MSG_PEEK));
	detach(_metadata, prog);

	/* B's (the task's cgroup now) govern only the socket made in B. */
	prog = attach(_metadata, E.bfd, deny_if(HOOK_RECVMSG));
	EXPECT_EQ(1, recv(r, buf, sizeof(buf), MSG_PEEK));
	EXPECT_EQ(-1, recv(rb, buf, sizeof(buf), MSG_PEEK));
	EXPECT_EQ(PROG_ERRNO, errno);
	detach(_metadata, prog);

	/* The parent's govern both. */
	prog = attach(_metadata, E.pfd, deny_if(HOOK_RECVMSG));
	EXPECT_EQ(-1, recv(r, buf, sizeof(buf), MSG_PEEK));
	EXPECT_EQ(PROG_ERRNO, errno);
	EXPECT_EQ(-1, recv(rb, buf, sizeof(buf), MSG_PEEK));
	EXPECT_EQ(PROG_ERRNO, errno);
	detach(_metadata, prog);

	EXPECT_EQ(1, recv(r, buf, sizeof(buf), 0));
	EXPECT_EQ(1, recv(rb, buf, sizeof(buf), 0));
	close(r);
	close(rb);
	close(p);
}

TEST_F(udp, rcv_skb_fields)
{
	struct checmate_socket_sock_rcv_skb_ctx want;
	int r, p, rport, pport;
	char buf[32];

	r = sock_of(SOCK_DGRAM, LOCAL);
	p = sock_of(SOCK_DGRAM, PEER);
	ASSERT_LE(0, r);
	ASSERT_LE(0, p);
	rport = port_of(r);
	pport = port_of(p);
	attach(_metadata, E.afd, recorder(HOOK_RCV_SKB));
	ASSERT_EQ(7, send_to(p, "payload", 7, rport));
	ASSERT_EQ(7, recv(r, buf, sizeof(buf), 0));
	/* The only packet queued on a socket of the cgroup. */
	ASSERT_EQ(1, rec_count());
	/* len: the UDP header and the payload */
	want = want_rcv_skb(IPPROTO_UDP, PEER, pport, rport, 8 + 7);
	expect_rcv_skb("datagram", &want, rec_get(0));

	/* Another size, from the local address. */
	rec_clear();
	close(p);
	p = sock_of(SOCK_DGRAM, LOCAL);
	ASSERT_LE(0, p);
	pport = port_of(p);
	ASSERT_EQ(0, send_to(p, "", 0, rport));
	ASSERT_EQ(0, recv(r, buf, sizeof(buf), 0));
	ASSERT_EQ(1, rec_count());
	want = want_rcv_skb(IPPROTO_UDP, LOCAL, pport, rport, 8);
	expect_rcv_skb("empty datagram", &want, rec_get(0));
	close(r);
	close(p);
}

/* A denied datagram is dropped; another peer's arrives. */
TEST_F(udp, rcv_skb_drop)
{
	int r, p1, p2, rport, deny;
	char buf[16] = {};

	r = sock_of(SOCK_DGRAM, LOCAL);
	p1 = sock_of(SOCK_DGRAM, PEER);
	p2 = sock_of(SOCK_DGRAM, PEER);
	ASSERT_LE(0, r);
	ASSERT_LE(0, p1);
	ASSERT_LE(0, p2);
	rport = port_of(r);
	attach(_metadata, E.afd, recorder(HOOK_RCV_SKB));
	deny = attach(_metadata, E.afd,
		      deny_if(HOOK_RCV_SKB,
			      COND(RS_OFF(remote_port), port_of(p1))));
	/* The sender is not told. */
	EXPECT_EQ(4, send_to(p1, "deny", 4, rport));
	EXPECT_EQ(5, send_to(p2, "allow", 5, rport));
	EXPECT_EQ(5, recv(r, buf, sizeof(buf), 0));
	EXPECT_STREQ("allow", buf);
	/* Both reached the hook... */
	EXPECT_LE(0, rec_find(0, RS_OFF(remote_port) / 4, port_of(p1)));
	EXPECT_LE(0, rec_find(0, RS_OFF(remote_port) / 4, port_of(p2)));
	/* ...and the denied one was dropped, not held. */
	EXPECT_FALSE(readable(r, 200));
	detach(_metadata, deny);
	EXPECT_FALSE(readable(r, 200));
	EXPECT_EQ(-1, recv(r, buf, sizeof(buf), MSG_DONTWAIT));
	EXPECT_EQ(EAGAIN, errno);
	/* Later datagrams from p1 arrive. */
	EXPECT_EQ(4, send_to(p1, "more", 4, rport));
	EXPECT_EQ(4, recv(r, buf, sizeof(buf), 0));
	close(r);
	close(p1);
	close(p2);
}

/*
 * An ingress allowlist: only datagrams from the peer address are queued.
 * socket_recvmsg could not do this for an unconnected socket: it does not
 * know the sender.
 */
TEST_F(udp, rcv_skb_allowlist)
{
	struct checmate_socket_recvmsg_ctx want;
	int r, trusted, other, rport;
	struct cond c[4];
	__u32 peer[4];
	char buf[16] = {};
	int i;

	addr_seen(PEER, peer);
	for (i = 0; i < 4; i++)
		c[i] = COND(RS_OFF(remote_addr[i]), peer[i]);
	attach(_metadata, E.afd, load_rec(HOOK_RCV_SKB, -1, DENY_UNLESS, c, 4,
					  PROG_ERRNO));
	attach(_metadata, E.afd, recorder(HOOK_RECVMSG));
	r = sock_of(SOCK_DGRAM, LOCAL);
	trusted = sock_of(SOCK_DGRAM, PEER);
	other = sock_of(SOCK_DGRAM, LOCAL);
	ASSERT_LE(0, r);
	ASSERT_LE(0, trusted);
	ASSERT_LE(0, other);
	rport = port_of(r);

	EXPECT_EQ(3, send_to(other, "bad", 3, rport));
	EXPECT_EQ(4, send_to(trusted, "good", 4, rport));
	rec_clear();
	EXPECT_EQ(4, recv(r, buf, sizeof(buf), 0));
	EXPECT_STREQ("good", buf);
	EXPECT_FALSE(readable(r, 200));

	/* What socket_recvmsg saw: no sender. */
	ASSERT_EQ(1, rec_count());
	want = want_recvmsg(IPPROTO_UDP, SOCK_DGRAM, NOBODY, 0, LOCAL, rport);
	want.size = sizeof(buf);
	expect_recvmsg("recv", &want, rec_get(0));
	close(r);
	close(trusted);
	close(other);
}

/* The socket's cgroup decides, not the sender's nor the current task's. */
TEST_F(udp, rcv_skb_socket_cgroup)
{
	int r, rb, p, rport, rbport, prog;
	char buf[8];

	r = sock_of(SOCK_DGRAM, LOCAL);
	ASSERT_LE(0, r);
	rport = port_of(r);
	cg_enter(_metadata, E.b);
	p = sock_of(SOCK_DGRAM, PEER);
	rb = sock_of(SOCK_DGRAM, LOCAL);
	ASSERT_LE(0, p);
	ASSERT_LE(0, rb);
	rbport = port_of(rb);

	/* A's programs govern the socket made in A... */
	prog = attach(_metadata, E.afd, deny_if(HOOK_RCV_SKB));
	EXPECT_EQ(1, send_to(p, "a", 1, rport));
	EXPECT_EQ(1, send_to(p, "b", 1, rbport));
	EXPECT_EQ(1, recv(rb, buf, sizeof(buf), 0));
	EXPECT_FALSE(readable(r, 200));
	detach(_metadata, prog);

	/* ...B's (the task's and the sender's) only the socket made in B. */
	prog = attach(_metadata, E.bfd, deny_if(HOOK_RCV_SKB));
	EXPECT_EQ(1, send_to(p, "a", 1, rbport));
	EXPECT_EQ(1, send_to(p, "b", 1, rport));
	EXPECT_EQ(1, recv(r, buf, sizeof(buf), 0));
	EXPECT_EQ('b', buf[0]);
	EXPECT_FALSE(readable(rb, 200));
	detach(_metadata, prog);

	/* The parent's govern both. */
	prog = attach(_metadata, E.pfd, deny_if(HOOK_RCV_SKB));
	EXPECT_EQ(1, send_to(p, "a", 1, rport));
	EXPECT_EQ(1, send_to(p, "b", 1, rbport));
	EXPECT_FALSE(readable(r, 200));
	EXPECT_FALSE(readable(rb, 0));
	detach(_metadata, prog);
	close(r);
	close(rb);
	close(p);
}

/*
 * TCP
 */

FIXTURE(tcp) {
	int unused;
};

FIXTURE_VARIANT(tcp) {
	int family;
	int mapped;
};

FIXTURE_VARIANT_ADD(tcp, ipv4) { .family = AF_INET };
FIXTURE_VARIANT_ADD(tcp, ipv6) { .family = AF_INET6 };
FIXTURE_VARIANT_ADD(tcp, ipv4_mapped) { .family = AF_INET6, .mapped = 1 };

FIXTURE_SETUP(tcp)
{
	env_setup(_metadata, variant->family, variant->mapped);
}

FIXTURE_TEARDOWN(tcp)
{
	env_teardown(_metadata);
}

/* A connection from @who to listener @l: the client and accepted sockets. */
static int tcp_pair(int l, enum who who, int *c, int *s)
{
	*c = tcp_connect(who, port_of(l));
	if (*c < 0)
		return -1;
	*s = accept(l, NULL, NULL);
	if (*s < 0) {
		close(*c);
		return -1;
	}
	set_timeouts(*s);
	return 0;
}

TEST_F(tcp, recvmsg_fields)
{
	struct checmate_socket_recvmsg_ctx want;
	int l, c, s, lport, cport;
	char buf[128];

	l = listener();
	ASSERT_LE(0, l);
	lport = port_of(l);
	ASSERT_EQ(0, tcp_pair(l, PEER, &c, &s));
	cport = port_of(c);
	attach(_metadata, E.afd, recorder(HOOK_RECVMSG));

	/* The accepted socket: its peer is the client. */
	ASSERT_EQ(5, send(c, "hello", 5, 0));
	rec_clear();
	ASSERT_EQ(5, recv(s, buf, 100, 0));
	ASSERT_EQ(1, rec_count());
	want = want_recvmsg(IPPROTO_TCP, SOCK_STREAM, PEER, cport, LOCAL,
			    lport);
	want.size = 100;
	expect_recvmsg("accepted", &want, rec_get(0));

	/* The client: its peer is the listener's address. */
	ASSERT_EQ(5, send(s, "world", 5, 0));
	rec_clear();
	ASSERT_EQ(5, recv(c, buf, 64, MSG_PEEK | MSG_DONTWAIT));
	ASSERT_EQ(1, rec_count());
	want = want_recvmsg(IPPROTO_TCP, SOCK_STREAM, LOCAL, lport, PEER,
			    cport);
	want.size = 64;
	want.flags = MSG_PEEK | MSG_DONTWAIT;
	expect_recvmsg("client", &want, rec_get(0));
	close(c);
	close(s);
	close(l);
}

TEST_F(tcp, recvmsg_deny)
{
	int l, c, s, deny;
	char buf[16] = {};

	l = listener();
	ASSERT_LE(0, l);
	ASSERT_EQ(0, tcp_pair(l, PEER, &c, &s));
	ASSERT_EQ(3, send(c, "one", 3, 0));
	ASSERT_TRUE(readable(s, 5000));

	deny = attach(_metadata, E.afd,
		      deny_if(HOOK_RECVMSG,
			      COND(RM_OFF(local_port), port_of(s))));
	EXPECT_EQ(-1, recv(s, buf, sizeof(buf), 0));
	EXPECT_EQ(PROG_ERRNO, errno);
	EXPECT_EQ(-1, read(s, buf, sizeof(buf)));
	EXPECT_EQ(PROG_ERRNO, errno);
	/* The client's receives are not affected. */
	ASSERT_EQ(3, send(s, "two", 3, 0));
	EXPECT_EQ(3, recv(c, buf, sizeof(buf), 0));
	EXPECT_STREQ("two", buf);
	detach(_metadata, deny);

	/* The data is still queued. */
	memset(buf, 0, sizeof(buf));
	EXPECT_EQ(3, recv(s, buf, sizeof(buf), MSG_DONTWAIT));
	EXPECT_STREQ("one", buf);
	close(c);
	close(s);
	close(l);
}

TEST_F(tcp, recvmsg_paths)
{
	int l, c, s;

	l = listener();
	ASSERT_LE(0, l);
	ASSERT_EQ(0, tcp_pair(l, PEER, &c, &s));
	run_paths(_metadata, s, c, 0,
		  want_recvmsg(IPPROTO_TCP, SOCK_STREAM, PEER, port_of(c),
			       LOCAL, port_of(l)));
	close(c);
	close(s);
	close(l);
}

/*
 * An accepted socket is in its listener's cgroup, whatever the cgroup of
 * the task accepting it.
 */
TEST_F(tcp, recvmsg_socket_cgroup)
{
	int l, c, s, prog;
	char buf[8];

	l = listener();
	ASSERT_LE(0, l);
	cg_enter(_metadata, E.b);
	ASSERT_EQ(0, tcp_pair(l, PEER, &c, &s));
	ASSERT_EQ(1, send(c, "x", 1, 0));
	ASSERT_EQ(1, send(s, "y", 1, 0));
	ASSERT_TRUE(readable(s, 5000));
	ASSERT_TRUE(readable(c, 5000));

	prog = attach(_metadata, E.afd, deny_if(HOOK_RECVMSG));
	EXPECT_EQ(-1, recv(s, buf, sizeof(buf), MSG_PEEK));
	EXPECT_EQ(PROG_ERRNO, errno);
	EXPECT_EQ(1, recv(c, buf, sizeof(buf), MSG_PEEK));
	detach(_metadata, prog);

	prog = attach(_metadata, E.bfd, deny_if(HOOK_RECVMSG));
	EXPECT_EQ(1, recv(s, buf, sizeof(buf), MSG_PEEK));
	EXPECT_EQ(-1, recv(c, buf, sizeof(buf), MSG_PEEK));
	EXPECT_EQ(PROG_ERRNO, errno);
	detach(_metadata, prog);

	prog = attach(_metadata, E.pfd, deny_if(HOOK_RECVMSG));
	EXPECT_EQ(-1, recv(s, buf, sizeof(buf), MSG_PEEK));
	EXPECT_EQ(PROG_ERRNO, errno);
	EXPECT_EQ(-1, recv(c, buf, sizeof(buf), MSG_PEEK));
	EXPECT_EQ(PROG_ERRNO, errno);
	detach(_metadata, prog);
	close(c);
	close(s);
	close(l);
}

/* A plausible TCP header length: 20 to 60 bytes, a multiple of 4. */
static int tcp_hdr_len_ok(__u32 len)
{
	return len >= 20 && len <= 60 && !(len % 4);
}

TEST_F(tcp, rcv_skb_fields)
{
	struct checmate_socket_sock_rcv_skb_ctx want;
	int l, c, s, lport, cport, syn, i, n;
	struct rec r;
	char buf[16];

	l = listener();
	ASSERT_LE(0, l);
	lport = port_of(l);
	attach(_metadata, E.afd, recorder(HOOK_RCV_SKB));
	ASSERT_EQ(0, tcp_pair(l, PEER, &c, &s));
	cport = port_of(c);

	/* The SYN, the first packet from the client's port. */
	syn = rec_find(0, RS_OFF(remote_port) / 4, cport);
	ASSERT_LE(0, syn);
	r = rec_get(syn);
	want = want_rcv_skb(IPPROTO_TCP, PEER, cport, lport, r.f[12]);
	expect_rcv_skb("SYN", &want, r);
	/* len: the segment, here the TCP header and its options */
	EXPECT_TRUE(tcp_hdr_len_ok(r.f[12])) TH_LOG("SYN len %u", r.f[12]);
	TH_LOG("SYN: len %u", r.f[12]);
	/* The client sees the SYN-ACK, from the listener's port. */
	i = rec_find(0, RS_OFF(remote_port) / 4, lport);
	ASSERT_LE(0, i);
	r = rec_get(i);
	want = want_rcv_skb(IPPROTO_TCP, LOCAL, lport, cport, r.f[12]);
	addr_seen(PEER, want.local_addr);
	expect_rcv_skb("SYN-ACK", &want, r);
	EXPECT_TRUE(tcp_hdr_len_ok(r.f[12])) TH_LOG("SYN-ACK len %u", r.f[12]);

	/* A data segment: the TCP header and the data. */
	rec_clear();
	ASSERT_EQ(9, send(c, "some data", 9, 0));
	ASSERT_EQ(9, recv(s, buf, sizeof(buf), 0));
	n = rec_count_if(RS_OFF(remote_port) / 4, cport);
	ASSERT_EQ(1, n);
	r = rec_get(rec_find(0, RS_OFF(remote_port) / 4, cport));
	want = want_rcv_skb(IPPROTO_TCP, PEER, cport, lport, r.f[12]);
	expect_rcv_skb("data", &want, r);
	EXPECT_TRUE(r.f[12] > 9 && tcp_hdr_len_ok(r.f[12] - 9))
		TH_LOG("data segment len %u", r.f[12]);
	close(c);
	close(s);
	close(l);
}

/*
 * A denied SYN is dropped: connect(2) does not complete, nothing is
 * queued; once the program is gone a retransmitted SYN gets through.
 */
TEST_F(tcp, rcv_skb_syn_drop)
{
	int l, l2, c, c2, s, lport, deny;

	l = listener();
	l2 = listener();
	ASSERT_LE(0, l);
	ASSERT_LE(0, l2);
	lport = port_of(l);
	attach(_metadata, E.afd, recorder(HOOK_RCV_SKB));
	deny = attach(_metadata, E.afd,
		      deny_if(HOOK_RCV_SKB, COND(RS_OFF(local_port), lport)));
	c = connect_start(PEER, lport);
	c2 = connect_start(PEER, port_of(l2));
	ASSERT_LE(0, c);
	ASSERT_LE(0, c2);
	EXPECT_EQ(1, connect_wait(c2, 5000));
	EXPECT_EQ(0, connect_wait(c, 500));
	/* The SYN reached the hook. */
	EXPECT_LE(0, rec_find(0, RS_OFF(remote_port) / 4, port_of(c)));
	EXPECT_EQ(-1, accept_now(l));
	EXPECT_EQ(EAGAIN, errno);
	detach(_metadata, deny);

	/* The SYN is retransmitted after a second. */
	EXPECT_EQ(1, connect_wait(c, 10000));
	s = accept(l, NULL, NULL);
	EXPECT_LE(0, s);
	EXPECT_EQ(port_of(c), peer_port_of(s));
	close(s);
	close(c);
	close(c2);
	close(l);
	close(l2);
}

/* An allowlist of peer addresses applies to connections too. */
TEST_F(tcp, rcv_skb_allowlist)
{
	int l, c, c2, s;
	struct cond cd[4];
	__u32 peer[4];
	int i;

	addr_seen(PEER, peer);
	for (i = 0; i < 4; i++)
		cd[i] = COND(RS_OFF(remote_addr[i]), peer[i]);
	l = listener();
	ASSERT_LE(0, l);
	attach(_metadata, E.afd, load_rec(HOOK_RCV_SKB, -1, DENY_UNLESS, cd, 4,
					  PROG_ERRNO));
	/*
	 * Only the peer address gets through to the listener. The clients
	 * are made in B: the allowlist would drop their SYN-ACKs (from the
	 * local address) too.
	 */
	cg_enter(_metadata, E.b);
	c = connect_start(LOCAL, port_of(l));
	c2 = connect_start(PEER, port_of(l));
	ASSERT_LE(0, c);
	ASSERT_LE(0, c2);
	EXPECT_EQ(1, connect_wait(c2, 5000));
	EXPECT_EQ(0, connect_wait(c, 500));
	s = accept(l, NULL, NULL);
	ASSERT_LE(0, s);
	EXPECT_EQ(port_of(c2), peer_port_of(s));
	EXPECT_EQ(-1, accept_now(l));
	EXPECT_EQ(EAGAIN, errno);
	close(s);
	close(c);
	close(c2);
	close(l);
}

TEST_F(tcp, rcv_skb_socket_cgroup)
{
	int l, lb, c, prog;

	l = listener();
	ASSERT_LE(0, l);
	cg_enter(_metadata, E.b);
	lb = listener();
	ASSERT_LE(0, lb);

	/* A's programs govern the listener made in A... */
	prog = attach(_metadata, E.afd, deny_if(HOOK_RCV_SKB));
	c = connect_start(PEER, port_of(lb));
	EXPECT_EQ(1, connect_wait(c, 5000));
	close(c);
	c = connect_start(PEER, port_of(l));
	EXPECT_EQ(0, connect_wait(c, 500));
	close(c);
	detach(_metadata, prog);

	/* ...B's (the task's and the client's) only the one made in B. */
	prog = attach(_metadata, E.bfd,
		      deny_if(HOOK_RCV_SKB,
			      COND(RS_OFF(local_port), port_of(lb))));
	c = connect_start(PEER, port_of(l));
	EXPECT_EQ(1, connect_wait(c, 5000));
	close(c);
	c = connect_start(PEER, port_of(lb));
	EXPECT_EQ(0, connect_wait(c, 500));
	close(c);
	detach(_metadata, prog);

	/* The parent's govern both. */
	prog = attach(_metadata, E.pfd, deny_if(HOOK_RCV_SKB));
	c = connect_start(PEER, port_of(l));
	EXPECT_EQ(0, connect_wait(c, 500));
	close(c);
	detach(_metadata, prog);
	close(l);
	close(lb);
}

TEST_F(tcp, accept_fields)
{
	struct checmate_socket_accept_ctx want = { .family = fam_seen(),
						   .protocol = IPPROTO_TCP };
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	int l, c, c2, s, s2;

	l = listener();
	ASSERT_LE(0, l);
	want.port = port_of(l);
	addr_seen(LOCAL, want.addr);
	attach(_metadata, E.afd, recorder(HOOK_ACCEPT));
	c = tcp_connect(PEER, want.port);
	c2 = tcp_connect(PEER, want.port);
	ASSERT_LE(0, c);
	ASSERT_LE(0, c2);
	ASSERT_EQ(0, rec_count());

	s = accept(l, (struct sockaddr *)&ss, &len);
	ASSERT_LE(0, s);
	ASSERT_EQ(1, rec_count());
	expect_accept("accept", &want, rec_get(0));
	s2 = accept4(l, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
	ASSERT_LE(0, s2);
	ASSERT_EQ(2, rec_count());
	expect_accept("accept4", &want, rec_get(1));
	close(s);
	close(s2);
	close(c);
	close(c2);
	close(l);
}

/* A denied accept leaves the connection queued. */
TEST_F(tcp, accept_deny)
{
	int l, l2, c, c2, s, lport, deny;

	l = listener();
	l2 = listener();
	ASSERT_LE(0, l);
	ASSERT_LE(0, l2);
	lport = port_of(l);
	deny = attach(_metadata, E.afd,
		      deny_if(HOOK_ACCEPT, COND(AC_OFF(port), lport)));
	/* Before anything is taken: it does not wait for a connection. */
	EXPECT_EQ(-1, accept(l, NULL, NULL));
	EXPECT_EQ(PROG_ERRNO, errno);

	c = tcp_connect(PEER, lport);
	c2 = tcp_connect(PEER, port_of(l2));
	ASSERT_LE(0, c);
	ASSERT_LE(0, c2);
	EXPECT_EQ(-1, accept(l, NULL, NULL));
	EXPECT_EQ(PROG_ERRNO, errno);
	EXPECT_EQ(-1, accept4(l, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC));
	EXPECT_EQ(PROG_ERRNO, errno);
	/* Another listener is not affected. */
	s = accept(l2, NULL, NULL);
	EXPECT_LE(0, s);
	EXPECT_EQ(port_of(c2), peer_port_of(s));
	close(s);
	detach(_metadata, deny);

	s = accept4(l, NULL, NULL, SOCK_NONBLOCK);
	ASSERT_LE(0, s) TH_LOG("the connection is gone: %s", strerror(errno));
	EXPECT_EQ(port_of(c), peer_port_of(s));
	ASSERT_EQ(2, send(c, "hi", 2, 0));
	EXPECT_TRUE(readable(s, 5000));
	close(s);
	close(c);
	close(c2);
	close(l);
	close(l2);
}

TEST_F(tcp, accept_socket_cgroup)
{
	int l, lb, c[2], cb[2], s, sb, prog, i;

	l = listener();
	ASSERT_LE(0, l);
	cg_enter(_metadata, E.b);
	lb = listener();
	ASSERT_LE(0, lb);
	for (i = 0; i < 2; i++) {
		c[i] = tcp_connect(PEER, port_of(l));
		cb[i] = tcp_connect(PEER, port_of(lb));
		ASSERT_LE(0, c[i]);
		ASSERT_LE(0, cb[i]);
	}

	/* A's programs govern the listener made in A... */
	prog = attach(_metadata, E.afd, deny_if(HOOK_ACCEPT));
	EXPECT_EQ(-1, accept_now(l));
	EXPECT_EQ(PROG_ERRNO, errno);
	sb = accept_now(lb);
	EXPECT_LE(0, sb) TH_LOG("B's listener: %s", strerror(errno));
	close(sb);
	detach(_metadata, prog);

	/* ...B's (the task's cgroup now) only the one made in B. */
	prog = attach(_metadata, E.bfd, deny_if(HOOK_ACCEPT));
	EXPECT_EQ(-1, accept_now(lb));
	EXPECT_EQ(PROG_ERRNO, errno);
	s = accept_now(l);
	EXPECT_LE(0, s) TH_LOG("A's listener: %s", strerror(errno));
	close(s);
	detach(_metadata, prog);

	/* The parent's govern both. */
	prog = attach(_metadata, E.pfd, deny_if(HOOK_ACCEPT));
	EXPECT_EQ(-1, accept_now(l));
	EXPECT_EQ(PROG_ERRNO, errno);
	EXPECT_EQ(-1, accept_now(lb));
	EXPECT_EQ(PROG_ERRNO, errno);
	detach(_metadata, prog);

	/* Each still has its second connection. */
	s = accept_now(l);
	EXPECT_LE(0, s);
	EXPECT_EQ(port_of(c[1]), peer_port_of(s));
	sb = accept_now(lb);
	EXPECT_LE(0, sb);
	EXPECT_EQ(port_of(cb[1]), peer_port_of(sb));
	close(s);
	close(sb);
	for (i = 0; i < 2; i++) {
		close(c[i]);
		close(cb[i]);
	}
	close(l);
	close(lb);
}

/*
 * Other sockets: dual-stack IPv6 sockets and AF_UNIX
 */

FIXTURE(misc) {
	int unused;
};

FIXTURE_SETUP(misc)
{
	env_setup(_metadata, AF_INET, 0);
}

FIXTURE_TEARDOWN(misc)
{
	env_teardown(_metadata);
}

static struct sa in_any6(void)
{
	struct sa a;
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&a.ss;

	memset(&a, 0, sizeof(a));
	in6->sin6_family = AF_INET6;
	a.len = sizeof(*in6);
	return a;
}

/*
 * An IPv6 socket bound to :: gets IPv4 and IPv6 packets: each shown with
 * its own family; socket_recvmsg shows the socket's unconnected address.
 */
TEST_F(misc, dual_stack_udp)
{
	struct checmate_socket_sock_rcv_skb_ctx want;
	struct checmate_socket_recvmsg_ctx wantr = {
		.family = AF_INET6, .protocol = IPPROTO_UDP,
		.type = SOCK_DGRAM, .size = 32,
	};
	struct sa any = in_any6();
	int r, p4, p6, rport;
	char buf[32];

	r = sock_at(AF_INET6, SOCK_DGRAM, &any);
	ASSERT_LE(0, r);
	rport = port_of(r);
	E.family = AF_INET;
	p4 = sock_of(SOCK_DGRAM, PEER);
	E.family = AF_INET6;
	p6 = sock_of(SOCK_DGRAM, PEER);
	ASSERT_LE(0, p4);
	ASSERT_LE(0, p6);
	attach(_metadata, E.afd, recorder(HOOK_RCV_SKB));

	E.family = AF_INET;
	ASSERT_EQ(2, send_to(p4, "v4", 2, rport));
	ASSERT_EQ(2, recv(r, buf, sizeof(buf), 0));
	ASSERT_EQ(1, rec_count());
	want = want_rcv_skb(IPPROTO_UDP, PEER, port_of(p4), rport, 8 + 2);
	expect_rcv_skb("IPv4 datagram", &want, rec_get(0));

	E.family = AF_INET6;
	rec_clear();
	ASSERT_EQ(3, send_to(p6, "six", 3, rport));
	ASSERT_EQ(3, recv(r, buf, sizeof(buf), 0));
	ASSERT_EQ(1, rec_count());
	want = want_rcv_skb(IPPROTO_UDP, PEER, port_of(p6), rport, 8 + 3);
	expect_rcv_skb("IPv6 datagram", &want, rec_get(0));

	attach(_metadata, E.afd, recorder(HOOK_RECVMSG));
	ASSERT_EQ(3, send_to(p6, "six", 3, rport));
	ASSERT_TRUE(readable(r, 5000));
	rec_clear();
	ASSERT_EQ(3, recv(r, buf, sizeof(buf), 0));
	ASSERT_EQ(1, rec_count());
	wantr.local_port = rport;
	expect_recvmsg("recv", &wantr, rec_get(0));
	close(r);
	close(p4);
	close(p6);
}

/*
 * An IPv6 listener on :: accepting an IPv4 connection: the listener's
 * address is ::, the packets and the connection are IPv4.
 */
TEST_F(misc, dual_stack_tcp)
{
	struct checmate_socket_accept_ctx wanta = {
		.family = AF_INET6, .protocol = IPPROTO_TCP,
	};
	struct checmate_socket_sock_rcv_skb_ctx want;
	struct checmate_socket_recvmsg_ctx wantr;
	struct sa any = in_any6();
	int l, c, s, lport, cport, syn, rs;
	char buf[8];

	l = sock_at(AF_INET6, SOCK_STREAM, &any);
	ASSERT_LE(0, l);
	ASSERT_EQ(0, listen(l, 4));
	lport = port_of(l);
	rs = attach(_metadata, E.afd, recorder(HOOK_RCV_SKB));
	E.family = AF_INET;
	c = tcp_connect(PEER, lport);
	ASSERT_LE(0, c);
	cport = port_of(c);
	syn = rec_find(0, RS_OFF(remote_port) / 4, cport);
	ASSERT_LE(0, syn);
	want = want_rcv_skb(IPPROTO_TCP, PEER, cport, lport,
			    rec_get(syn).f[12]);
	expect_rcv_skb("SYN", &want, rec_get(syn));
	/* From here on, only the hook under test records. */
	detach(_metadata, rs);

	rec_clear();
	attach(_metadata, E.afd, recorder(HOOK_ACCEPT));
	s = accept(l, NULL, NULL);
	ASSERT_LE(0, s);
	ASSERT_EQ(1, rec_count());
	wanta.port = lport;
	expect_accept("accept", &wanta, rec_get(0));

	attach(_metadata, E.afd, recorder(HOOK_RECVMSG));
	ASSERT_EQ(1, send(c, "x", 1, 0));
	ASSERT_TRUE(readable(s, 5000));
	rec_clear();
	ASSERT_EQ(1, recv(s, buf, sizeof(buf), 0));
	ASSERT_EQ(1, rec_count());
	wantr = want_recvmsg(IPPROTO_TCP, SOCK_STREAM, PEER, cport, LOCAL,
			     lport);
	wantr.size = sizeof(buf);
	expect_recvmsg("recv", &wantr, rec_get(0));
	close(s);
	close(c);
	close(l);
}

static struct sa unix_addr(const char *name)
{
	struct sa a;
	struct sockaddr_un *un = (struct sockaddr_un *)&a.ss;

	memset(&a, 0, sizeof(a));
	un->sun_family = AF_UNIX;
	/* abstract, in the test's network namespace */
	a.len = offsetof(struct sockaddr_un, sun_path) + 1 +
		snprintf(un->sun_path + 1, sizeof(un->sun_path) - 1,
			 "checmate_ingress_%s", name);
	return a;
}

/*
 * AF_UNIX datagrams run socket_sock_rcv_skb as they are queued, in the
 * sender's context: family AF_UNIX, no addresses nor ports, len the
 * payload's. The receiving socket's cgroup decides, and a denied
 * datagram is dropped without the sender being told.
 */
TEST_F(misc, unix_dgram)
{
	struct checmate_socket_sock_rcv_skb_ctx want = {
		.family = AF_UNIX, .len = 5,
	};
	struct checmate_socket_recvmsg_ctx wantr = {
		.family = AF_UNIX, .type = SOCK_DGRAM, .size = 64,
	};
	struct sa ra = unix_addr("dgram");
	int r, s, prog;
	char buf[64];

	r = sock_at(AF_UNIX, SOCK_DGRAM, &ra);
	ASSERT_LE(0, r);
	attach(_metadata, E.afd, recorder(HOOK_RCV_SKB));
	attach(_metadata, E.afd, recorder(HOOK_RECVMSG));
	cg_enter(_metadata, E.b);
	s = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	ASSERT_LE(0, s);

	rec_clear();
	ASSERT_EQ(5, sendto(s, "unix!", 5, 0, SAP(ra), ra.len));
	ASSERT_EQ(1, rec_count());
	expect_rcv_skb("datagram", &want, rec_get(0));
	rec_clear();
	ASSERT_EQ(5, recv(r, buf, sizeof(buf), 0));
	ASSERT_EQ(1, rec_count());
	expect_recvmsg("recv", &wantr, rec_get(0));

	/* Denied: dropped, and the sender is not told. */
	prog = attach(_metadata, E.afd, deny_if(HOOK_RCV_SKB,
						COND(RS_OFF(len), 4)));
	EXPECT_EQ(4, sendto(s, "drop", 4, 0, SAP(ra), ra.len));
	EXPECT_EQ(5, sendto(s, "keep!", 5, 0, SAP(ra), ra.len));
	EXPECT_EQ(5, recv(r, buf, sizeof(buf), MSG_DONTWAIT));
	EXPECT_EQ(-1, recv(r, buf, sizeof(buf), MSG_DONTWAIT));
	EXPECT_EQ(EAGAIN, errno);
	detach(_metadata, prog);

	/* B's programs (the sender's) do not govern A's socket. */
	prog = attach(_metadata, E.bfd, deny_if(HOOK_RCV_SKB));
	EXPECT_EQ(4, sendto(s, "kept", 4, 0, SAP(ra), ra.len));
	EXPECT_EQ(4, recv(r, buf, sizeof(buf), MSG_DONTWAIT));
	detach(_metadata, prog);
	close(r);
	close(s);
}

/* AF_UNIX streams: accept and recvmsg show the family only. */
TEST_F(misc, unix_stream)
{
	struct checmate_socket_accept_ctx wanta = { .family = AF_UNIX };
	struct checmate_socket_recvmsg_ctx wantr = {
		.family = AF_UNIX, .type = SOCK_STREAM, .size = 64,
	};
	struct sa la = unix_addr("stream");
	int l, c, s, deny;
	char buf[64];

	l = sock_at(AF_UNIX, SOCK_STREAM, &la);
	ASSERT_LE(0, l);
	ASSERT_EQ(0, listen(l, 4));
	c = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	ASSERT_LE(0, c);
	ASSERT_EQ(0, connect(c, SAP(la), la.len));
	attach(_metadata, E.afd, recorder(HOOK_ACCEPT));
	deny = attach(_metadata, E.afd,
		      deny_if(HOOK_ACCEPT, COND(AC_OFF(family), AF_UNIX)));
	EXPECT_EQ(-1, accept(l, NULL, NULL));
	EXPECT_EQ(PROG_ERRNO, errno);
	detach(_metadata, deny);
	rec_clear();
	s = accept(l, NULL, NULL);
	ASSERT_LE(0, s);
	ASSERT_EQ(1, rec_count());
	expect_accept("accept", &wanta, rec_get(0));

	/*
	 * Stream data is queued without socket filters: no
	 * socket_sock_rcv_skb call, only the recvmsg.
	 */
	attach(_metadata, E.afd, recorder(HOOK_RECVMSG));
	attach(_metadata, E.afd, recorder(HOOK_RCV_SKB));
	rec_clear();
	ASSERT_EQ(3, send(c, "abc", 3, 0));
	ASSERT_EQ(3, recv(s, buf, sizeof(buf), 0));
	ASSERT_EQ(1, rec_count());
	expect_recvmsg("recv", &wantr, rec_get(0));
	close(s);
	close(c);
	close(l);
}

/* AF_UNIX SOCK_SEQPACKET goes the datagram way: socket_sock_rcv_skb runs. */
TEST_F(misc, unix_seqpacket)
{
	struct checmate_socket_sock_rcv_skb_ctx want = {
		.family = AF_UNIX, .len = 6,
	};
	int sv[2], deny;
	char buf[16];

	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0,
				sv));
	attach(_metadata, E.afd, recorder(HOOK_RCV_SKB));
	ASSERT_EQ(6, send(sv[0], "packet", 6, 0));
	ASSERT_EQ(1, rec_count());
	expect_rcv_skb("seqpacket", &want, rec_get(0));
	ASSERT_EQ(6, recv(sv[1], buf, sizeof(buf), MSG_DONTWAIT));

	deny = attach(_metadata, E.afd, deny_if(HOOK_RCV_SKB));
	EXPECT_EQ(4, send(sv[0], "lost", 4, 0));
	EXPECT_EQ(-1, recv(sv[1], buf, sizeof(buf), MSG_DONTWAIT));
	EXPECT_EQ(EAGAIN, errno);
	detach(_metadata, deny);
	close(sv[0]);
	close(sv[1]);
}

/*
 * The verifier: each context's fields are readable, nothing past them,
 * nothing writable; socket_sock_rcv_skb programs get no current-task
 * helper.
 */
TEST(ctx_access)
{
	static const __u32 hooks[] = {
		HOOK_RECVMSG, HOOK_RCV_SKB, HOOK_ACCEPT,
	};
	int i, fd, size;

	for (i = 0; i < (int)ARRAY_SIZE(hooks); i++) {
		size = ctx_size(hooks[i]);
		fd = load_prog(hooks[i], LDX_W(BPF_REG_0, BPF_REG_1, size - 4),
			       MOV64_IMM(BPF_REG_0, 0), EXIT());
		EXPECT_LE(0, fd) TH_LOG("hook %u: last field: %s", hooks[i],
					strerror(errno));
		close(fd);
		fd = load_prog(hooks[i],
			       LDX_SZ(BPF_B, BPF_REG_0, BPF_REG_1, size - 1),
			       LDX_SZ(BPF_H, BPF_REG_0, BPF_REG_1, size - 2),
			       MOV64_IMM(BPF_REG_0, 0), EXIT());
		EXPECT_LE(0, fd) TH_LOG("hook %u: narrow loads: %s", hooks[i],
					strerror(errno));
		close(fd);
		EXPECT_EQ(-1, load_prog(hooks[i],
					LDX_W(BPF_REG_0, BPF_REG_1, size),
					MOV64_IMM(BPF_REG_0, 0), EXIT()))
			TH_LOG("hook %u: read past the context", hooks[i]);
		EXPECT_EQ(EACCES, errno);
		EXPECT_EQ(-1, load_prog(hooks[i],
					LDX_W(BPF_REG_0, BPF_REG_1, 2),
					MOV64_IMM(BPF_REG_0, 0), EXIT()))
			TH_LOG("hook %u: misaligned read", hooks[i]);
		EXPECT_EQ(EACCES, errno);
		EXPECT_EQ(-1, load_prog(hooks[i], ST_W(BPF_REG_1, 0, 0),
					MOV64_IMM(BPF_REG_0, 0), EXIT()))
			TH_LOG("hook %u: write", hooks[i]);
		EXPECT_EQ(EACCES, errno);
		fd = load_prog(hooks[i], CALL(BPF_FUNC_get_current_pid_tgid),
			       MOV64_IMM(BPF_REG_0, 0), EXIT());
		if (hooks[i] == HOOK_RCV_SKB) {
			EXPECT_EQ(-1, fd) TH_LOG("current-task helper allowed");
			EXPECT_EQ(EINVAL, errno);
		} else {
			EXPECT_LE(0, fd) TH_LOG("hook %u: helper: %s",
						hooks[i], strerror(errno));
		}
		if (fd >= 0)
			close(fd);
	}
}

TEST_HARNESS_MAIN
