// SPDX-License-Identifier: GPL-2.0
/*
 * checmate-bench - what a Checmate program costs a system call, next to
 * nothing attached and to its peers: a cgroup sock_addr program, a seccomp
 * filter, a BPF LSM program, a BPF_LSM_CGROUP program, an nftables set
 * (egress allowlist) and nftables DNAT (port mapping).
 *
 * In the guest (as root, cgroup2 at /sys/fs/cgroup, bpffs at /sys/fs/bpf):
 *   checmate-bench [-r ROUNDS] [-n ITERS] [-e EXEC_ITERS] [-w WARMUP]
 *                  [-c CASE,...] [-C CONFIG,...] [-p CPU] [-T SECONDS] [-q]
 * On the host, with the output of insn_count (see README):
 *   checmate-bench -i INSN_FILE [RUN_LOG]
 * Anywhere with BTF, to check the BTF look-up:
 *   checmate-bench -B FUNC
 *
 * Every measurement runs in a fresh child pinned to CPU -p (0): it moves
 * into its cgroup, installs its seccomp filter if any, runs the operation
 * WARMUP times, then ITERS times between two marker instructions that
 * insn_count recognises, timed with CLOCK_MONOTONIC. The parent attaches
 * the configuration's programs (or runs the sample loader or nft that
 * sets it up) before and undoes it after. Each round runs every case
 * under every configuration that applies to it, starting with a
 * different configuration each round. Output: one "run" line per
 * measurement, then per case and configuration the median, minimum and
 * maximum of ns/op over the rounds and the median over the rounds of the
 * ratio to "none" in the same round. With -i, the same summary for
 * instructions per operation, from the "run" lines and the "ID COUNT"
 * lines of insn_count, in order.
 *
 * Exit status: 0 success, 1 a measurement or setup failed, 2 usage error.
 * A peer that this kernel or guest lacks (BPF LSM, nft), or a sample that
 * cannot set a configuration up, is a "# CONFIG: skipped (...)" line, not
 * a failure.
 */

#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <linux/btf.h>
#include <linux/checmate.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <math.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sched.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/*
 * Markers: NR_IDS stubs "nopl 0x434d0000+ID(%rax,%rax,1); ret" for BEGIN,
 * then NR_IDS with 0x434d8000+ID for END, 16 bytes apart. A measurement
 * calls BEGIN and END of its id, seq % NR_IDS.
 */
#define NR_IDS 4096
#define STUB_SIZE 16
#define STR(x) #x
#define XSTR(x) STR(x)
asm(".pushsection .text.checmate_markers, \"ax\", @progbits\n"
	".balign 4096\n"
	"checmate_markers:\n"
	".set cm_i, 0\n"
	".rept " XSTR(NR_IDS) "\n"
	".byte 0x0f, 0x1f, 0x84, 0x00\n"
	".long 0x434d0000 + cm_i\n"
	"ret\n"
	".fill 7, 1, 0xcc\n"
	".set cm_i, cm_i + 1\n"
	".endr\n"
	".set cm_i, 0\n"
	".rept " XSTR(NR_IDS) "\n"
	".byte 0x0f, 0x1f, 0x84, 0x00\n"
	".long 0x434d8000 + cm_i\n"
	"ret\n"
	".fill 7, 1, 0xcc\n"
	".set cm_i, cm_i + 1\n"
	".endr\n"
	".popsection\n");
typedef void (*stub_fn)(void);

static stub_fn stub(int id, bool end)
{
	const char *markers;

	asm("lea checmate_markers(%%rip), %0" : "=r" (markers));
	return (stub_fn)(markers + STUB_SIZE * (id % NR_IDS + (end ? NR_IDS : 0)));
}

#define CGROOT "/sys/fs/cgroup"
#define BASE "checmate-bench"
#define MAX_PROGS 64
#define MAX_ROUNDS 1000
#define MAX_HOOKS 3

/* Case 6: the container's server port and the host port it is mapped to. */
#define PORT_CONTAINER 8080
#define PORT_HOST 18080
#define REQ_SIZE 64

/* What the samples pin, and the files nft and the helpers use. */
#define EGRESS_DIR "/sys/fs/bpf/checmate-bench-egress"
#define REWRITE_DIR "/sys/fs/bpf/checmate-bench-rewrite"
#define NFT_FILE "/tmp/checmate-bench.nft"
#define HELPER_LOG "/tmp/checmate-bench.helper"
#define NFT_TABLE "checmate_bench"
#define NFT_NAT_TABLE "checmate_bench_nat"

static const char *progname = "checmate-bench";

static void die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fprintf(stderr, "%s: ", progname);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

/* ---- The configurations ---------------------------------------------- */

/*
 * Which cases a configuration applies to: the per-call costs of cases 1
 * to 4 (G_CALL), the egress allowlist of case 5 (G_EGRESS), the port
 * mapping of case 6 (G_PORT). Running every configuration on every
 * operation would only add time: an nftables set says nothing about
 * open(2), a sock_addr program nothing about a port mapping.
 */
#define G_CALL		1
#define G_EGRESS	2
#define G_PORT		4
#define G_ALL		(G_CALL | G_EGRESS | G_PORT)

enum where { AT_NONE, AT_OWN, AT_OTHER, AT_CHAIN };

struct config {
	const char *name;
	unsigned int groups;	/* the cases it applies to, G_* */
	enum where where;	/* where the Checmate programs go */
	int nprogs;		/* per hook of the case */
	int depth;		/* AT_CHAIN: levels from the programs to the task */
	int sockaddr;		/* sock_addr allow programs, own cgroup */
	bool seccomp;
	bool bpflsm;		/* a BPF LSM program per hook, global */
	bool lsmcgroup;		/* BPF_LSM_CGROUP, per hook, own cgroup */
	int egress;		/* checmate_egress with that many CIDRs */
	int nft;		/* an nftables set of that many CIDRs */
	bool rewrite;		/* checmate_bind_rewrite, to the host port */
	bool dnat;		/* nftables DNAT, host -> container port */
	bool optional;		/* skipped, not failed, if not set up */
};

static const struct config configs[] = {
	/* For case 6's operations, none is the server bound directly. */
	{ .name = "none", .groups = G_ALL, .where = AT_NONE },
	{ .name = "other", .groups = G_CALL, .where = AT_OTHER, .nprogs = 1 },
	{ .name = "own", .groups = G_CALL, .where = AT_OWN, .nprogs = 1 },
	{ .name = "depth1", .groups = G_CALL, .where = AT_CHAIN, .nprogs = 1,
	  .depth = 1 },
	{ .name = "depth8", .groups = G_CALL, .where = AT_CHAIN, .nprogs = 1,
	  .depth = 8 },
	{ .name = "depth32", .groups = G_CALL, .where = AT_CHAIN, .nprogs = 1,
	  .depth = 32 },
	{ .name = "progs8", .groups = G_CALL, .where = AT_OWN, .nprogs = 8 },
	{ .name = "progs64", .groups = G_CALL, .where = AT_OWN, .nprogs = 64 },
	{ .name = "sockaddr", .groups = G_CALL, .sockaddr = 1 },
	{ .name = "sockaddr8", .groups = G_CALL, .sockaddr = 8 },
	{ .name = "sockaddr64", .groups = G_CALL, .sockaddr = 64 },
	{ .name = "seccomp", .groups = G_CALL, .seccomp = true },
	{ .name = "bpflsm", .groups = G_CALL, .bpflsm = true,
	  .optional = true },
	{ .name = "lsmcgroup", .groups = G_CALL, .lsmcgroup = true,
	  .optional = true },
	{ .name = "egress10", .groups = G_EGRESS, .egress = 10,
	  .optional = true },
	{ .name = "egress1k", .groups = G_EGRESS, .egress = 1000,
	  .optional = true },
	{ .name = "egress10k", .groups = G_EGRESS, .egress = 10000,
	  .optional = true },
	{ .name = "nft10", .groups = G_EGRESS, .nft = 10, .optional = true },
	{ .name = "nft1k", .groups = G_EGRESS, .nft = 1000, .optional = true },
	{ .name = "nft10k", .groups = G_EGRESS, .nft = 10000,
	  .optional = true },
	{ .name = "rewrite", .groups = G_PORT, .rewrite = true,
	  .optional = true },
	{ .name = "dnat", .groups = G_PORT, .dnat = true, .optional = true },
};

#define NR_CONFIGS ARRAY_SIZE(configs)

/* The task's cgroup (relative to CGROOT) and where programs go. */
static void config_paths(const struct config *cf, char *task, char *progs,
			 size_t size)
{
	int i, len;

	snprintf(task, size, BASE "/own");
	snprintf(progs, size, BASE "/own");
	if (cf->where == AT_OTHER) {
		snprintf(progs, size, BASE "/other");
	} else if (cf->where == AT_CHAIN) {
		snprintf(progs, size, BASE "/d%d", cf->depth);
		len = snprintf(task, size, "%s", progs);
		for (i = 1; i <= cf->depth; i++)
			len += snprintf(task + len, size - len, "/c%d", i);
	}
}

/* ---- The operations -------------------------------------------------- */

struct ctx {
	const struct config *cf;
	int fd, rfd, lfd;
	struct sockaddr_in dst, lo0;
	char path[64];
	const char *what;	/* what a setup found wrong, if not a call */
};

static struct sockaddr_in lo4(int port)
{
	struct sockaddr_in in = { .sin_family = AF_INET };

	in.sin_port = htons(port);
	in.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	return in;
}

/* A UDP socket bound to 127.0.0.1 on a port of its own: no autobind. */
static int udp_bound(void)
{
	struct sockaddr_in in = lo4(0);
	socklen_t len = sizeof(in);
	int probe, fd;

	probe = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (probe < 0 || bind(probe, (struct sockaddr *)&in, sizeof(in)) ||
	    getsockname(probe, (struct sockaddr *)&in, &len))
		return -1;
	close(probe);
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&in, sizeof(in)))
		return -1;
	return fd;
}

static int connect_setup(struct ctx *c)
{
	c->fd = udp_bound();
	c->dst = lo4(9);
	return c->fd < 0 ? -1 : 0;
}

/*
 * One connect(2) per operation: a connected UDP socket may connect again
 * without an AF_UNSPEC disconnect in between, which would be a second
 * socket_connect call (Checmate's hook runs on it, cgroup connect4 does
 * not) and make the comparison unfair.
 */
static int connect_op(struct ctx *c)
{
	return connect(c->fd, (struct sockaddr *)&c->dst, sizeof(c->dst));
}

/*
 * The receiver's buffer is the smallest there is: after the warm-up every
 * datagram is dropped at its queue, no ICMP, the same path every time.
 * The datagram does leave through the output hook, where nftables sees it
 * (case 5).
 */
static int sendto_setup(struct ctx *c)
{
	socklen_t len = sizeof(c->dst);
	int zero = 0;

	c->rfd = udp_bound();
	c->fd = udp_bound();
	if (c->rfd < 0 || c->fd < 0 ||
	    setsockopt(c->rfd, SOL_SOCKET, SO_RCVBUF, &zero, sizeof(zero)) ||
	    getsockname(c->rfd, (struct sockaddr *)&c->dst, &len))
		return -1;
	return 0;
}

static int sendto_op(struct ctx *c)
{
	return sendto(c->fd, "x", 1, 0, (struct sockaddr *)&c->dst,
		      sizeof(c->dst)) == 1 ? 0 : -1;
}

static int socket_setup(struct ctx *c)
{
	c->lo0 = lo4(0);
	return 0;
}

static int socket_op(struct ctx *c)
{
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), ret;

	if (fd < 0)
		return -1;
	ret = bind(fd, (struct sockaddr *)&c->lo0, sizeof(c->lo0));
	close(fd);
	return ret;
}

static int open_setup(struct ctx *c)
{
	int fd;

	/* /tmp is a tmpfs in the guest. */
	snprintf(c->path, sizeof(c->path), "/tmp/checmate-bench.%d", getpid());
	fd = open(c->path, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0)
		return -1;
	close(fd);
	return 0;
}

static int open_op(struct ctx *c)
{
	int fd = open(c->path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -1;
	return close(fd);
}

static void open_teardown(struct ctx *c)
{
	unlink(c->path);
}

static int exec_op(struct ctx *c)
{
	static char *const argv[] = { "true", NULL }, *const envp[] = { NULL };
	int status;
	pid_t pid = fork();

	if (pid < 0)
		return -1;
	if (!pid) {
		execve("/bin/true", argv, envp);
		_exit(127);
	}
	if (waitpid(pid, &status, 0) != pid || status)
		return -1;
	return 0;
}

/* A TCP listener on 127.0.0.1:@port (0: any); its port, or -1. */
static int tcp_listener(struct ctx *c, int port)
{
	struct sockaddr_in in = lo4(port);
	socklen_t len = sizeof(in);
	int one = 1;

	/*
	 * SO_REUSEADDR: the fixed ports of case 6 may still have a
	 * TIME_WAIT connection of the previous measurement.
	 */
	c->lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (c->lfd < 0 ||
	    setsockopt(c->lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    bind(c->lfd, (struct sockaddr *)&in, sizeof(in)) ||
	    listen(c->lfd, 64) ||
	    getsockname(c->lfd, (struct sockaddr *)&in, &len))
		return -1;
	return ntohs(in.sin_port);
}

static int tcpconn_setup(struct ctx *c)
{
	int port = tcp_listener(c, 0);

	if (port < 0)
		return -1;
	c->dst = lo4(port);
	return 0;
}

/*
 * A TCP connection, client and server in the same task: socket, connect
 * (the handshake runs to completion on loopback before connect returns),
 * accept, close both. SO_LINGER 0 makes the client's close a reset: no
 * TIME_WAIT piles up over thousands of connections to one port, and every
 * operation sends the same four packets (SYN, SYN-ACK, ACK, RST) through
 * the output hook, where nftables sees each.
 */
static int tcpconn_op(struct ctx *c)
{
	static const struct linger rst = { .l_onoff = 1, .l_linger = 0 };
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), afd = -1;

	if (fd < 0)
		return -1;
	if (!setsockopt(fd, SOL_SOCKET, SO_LINGER, &rst, sizeof(rst)) &&
	    !connect(fd, (struct sockaddr *)&c->dst, sizeof(c->dst)))
		afd = accept4(c->lfd, NULL, NULL, SOCK_CLOEXEC);
	close(fd);
	if (afd < 0)
		return -1;
	return close(afd);
}

/*
 * Case 6: the "container" server listens in the task's cgroup; the client
 * always connects to the host port. Directly (none) the server binds the
 * host port; under rewrite it binds its own port, which Checmate's sample
 * turns into the host port at bind(2); under dnat it binds its own port,
 * which nftables DNAT reaches from the host port. The port the listener
 * ends up on shows whether the rewrite happened.
 */
static int port_setup(struct ctx *c)
{
	bool mapped = c->cf->rewrite || c->cf->dnat;
	int port = tcp_listener(c, mapped ? PORT_CONTAINER : PORT_HOST);

	if (port < 0)
		return -1;
	if (port != (c->cf->dnat ? PORT_CONTAINER : PORT_HOST)) {
		c->what = "listener port";
		errno = EADDRNOTAVAIL;
		return -1;
	}
	c->dst = lo4(PORT_HOST);
	return 0;
}

/* One established connection, TCP_NODELAY: each send is one segment. */
static int portreq_setup(struct ctx *c)
{
	int one = 1;

	if (port_setup(c))
		return -1;
	c->fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (c->fd < 0 ||
	    connect(c->fd, (struct sockaddr *)&c->dst, sizeof(c->dst)))
		return -1;
	c->rfd = accept4(c->lfd, NULL, NULL, SOCK_CLOEXEC);
	if (c->rfd < 0 ||
	    setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)) ||
	    setsockopt(c->rfd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)))
		return -1;
	return 0;
}

/* One request and its answer: a round trip through the mapping. */
static int portreq_op(struct ctx *c)
{
	static char buf[REQ_SIZE];

	if (send(c->fd, buf, REQ_SIZE, 0) != REQ_SIZE ||
	    recv(c->rfd, buf, REQ_SIZE, MSG_WAITALL) != REQ_SIZE ||
	    send(c->rfd, buf, REQ_SIZE, 0) != REQ_SIZE ||
	    recv(c->fd, buf, REQ_SIZE, MSG_WAITALL) != REQ_SIZE)
		return -1;
	return 0;
}

struct bench_case {
	const char *name;
	int (*setup)(struct ctx *c);
	int (*op)(struct ctx *c);
	void (*teardown)(struct ctx *c);
	__u32 hooks[MAX_HOOKS];		/* where Checmate programs go */
	int sa_type;			/* the sock_addr peer, or -1 */
	unsigned int groups;		/* the configurations it takes */
	bool exec;			/* -e iterations, not -n */
};

static const struct bench_case cases[] = {
	{ .name = "connect", .setup = connect_setup, .op = connect_op,
	  .hooks = { CHECMATE_HOOK_SOCKET_CONNECT },
	  .sa_type = BPF_CGROUP_INET4_CONNECT, .groups = G_CALL },
	{ .name = "sendto", .setup = sendto_setup, .op = sendto_op,
	  .hooks = { CHECMATE_HOOK_SOCKET_SENDMSG },
	  .sa_type = BPF_CGROUP_UDP4_SENDMSG, .groups = G_CALL | G_EGRESS },
	{ .name = "socket", .setup = socket_setup, .op = socket_op,
	  .hooks = { CHECMATE_HOOK_SOCKET_CREATE, CHECMATE_HOOK_SOCKET_BIND },
	  .sa_type = BPF_CGROUP_INET4_BIND, .groups = G_CALL },
	{ .name = "open", .setup = open_setup, .op = open_op,
	  .teardown = open_teardown,
	  .hooks = { CHECMATE_HOOK_FILE_OPEN }, .sa_type = -1,
	  .groups = G_CALL },
	{ .name = "exec", .op = exec_op,
	  .hooks = { CHECMATE_HOOK_BPRM_CHECK_SECURITY, CHECMATE_HOOK_FILE_OPEN,
		     CHECMATE_HOOK_MMAP_FILE },
	  .sa_type = -1, .groups = G_CALL, .exec = true },
	{ .name = "tcpconn", .setup = tcpconn_setup, .op = tcpconn_op,
	  .sa_type = -1, .groups = G_EGRESS },
	{ .name = "portconn", .setup = port_setup, .op = tcpconn_op,
	  .sa_type = -1, .groups = G_PORT },
	{ .name = "portreq", .setup = portreq_setup, .op = portreq_op,
	  .sa_type = -1, .groups = G_PORT },
};

#define NR_CASES ARRAY_SIZE(cases)

static bool applies(const struct bench_case *bc, const struct config *cf)
{
	if (!(bc->groups & cf->groups))
		return false;
	return !cf->sockaddr || bc->sa_type >= 0;
}

/* ---- bpf(2) ------------------------------------------------------------ */

#define INSN(c, d, s, o, i) ((struct bpf_insn) {			\
	.code = (c), .dst_reg = (d), .src_reg = (s), .off = (o), .imm = (i) })
#define MOV64_IMM(d, i)		INSN(BPF_ALU64 | BPF_MOV | BPF_K, d, 0, 0, i)
#define EXIT_INSN()		INSN(BPF_JMP | BPF_EXIT, 0, 0, 0, 0)

static int sys_bpf(int cmd, union bpf_attr *attr)
{
	return syscall(__NR_bpf, cmd, attr, sizeof(*attr));
}

static char verifier_log[65536];

/*
 * A program returning @ret, or -1 (errno, verifier_log). @id is the
 * Checmate hook of a Checmate program or the BTF id of a BPF LSM one:
 * the two share a field of bpf_attr.
 */
static int try_load(__u32 type, __u32 expected, __u32 id, int ret)
{
	const struct bpf_insn insns[] = { MOV64_IMM(BPF_REG_0, ret), EXIT_INSN() };
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.prog_type = type;
	attr.expected_attach_type = expected;
	attr.checmate_hook = id;
	attr.insns = (__u64)(unsigned long)insns;
	attr.insn_cnt = ARRAY_SIZE(insns);
	attr.license = (__u64)(unsigned long)"GPL";
	attr.log_buf = (__u64)(unsigned long)verifier_log;
	attr.log_size = sizeof(verifier_log);
	attr.log_level = 1;
	verifier_log[0] = 0;
	return sys_bpf(BPF_PROG_LOAD, &attr);
}

/* A program returning @ret: Checmate's for @hook, or sock_addr's. */
static int load_ret(__u32 type, __u32 expected, __u32 hook, int ret)
{
	int fd = try_load(type, expected, hook, ret);

	if (fd < 0)
		die("loading a program (type %u, hook %u): %s\n%s", type, hook,
		    strerror(errno), verifier_log);
	return fd;
}

static int attach(int cgfd, int progfd, __u32 type)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.target_fd = cgfd;
	attr.attach_bpf_fd = progfd;
	attr.attach_type = type;
	attr.attach_flags = BPF_F_ALLOW_MULTI;
	return sys_bpf(BPF_PROG_ATTACH, &attr);
}

static int detach(int cgfd, int progfd, __u32 type)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.target_fd = cgfd;
	attr.attach_bpf_fd = progfd;
	attr.attach_type = type;
	return sys_bpf(BPF_PROG_DETACH, &attr);
}

/* A link of @progfd to @target (0 for BPF_LSM_MAC, a cgroup otherwise). */
static int link_create(int progfd, int target, __u32 type)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.link_create.prog_fd = progfd;
	attr.link_create.target_fd = target;
	attr.link_create.attach_type = type;
	return sys_bpf(BPF_LINK_CREATE, &attr);
}

/* Checmate allow programs per hook, loaded when first needed. */
static int progs[__CHECMATE_HOOK_MAX][MAX_PROGS];
static int nr_loaded[__CHECMATE_HOOK_MAX];

static int checmate_prog(__u32 hook, int k)
{
	while (nr_loaded[hook] <= k)
		progs[hook][nr_loaded[hook]++] =
			load_ret(BPF_PROG_TYPE_CHECMATE, BPF_CHECMATE, hook, 0);
	return progs[hook][k];
}

/*
 * sock_addr allow programs per attach type: one cgroup takes a program
 * once per attach type, so N programs are N loads.
 */
static int sa_progs[__MAX_BPF_ATTACH_TYPE][MAX_PROGS];
static int sa_loaded[__MAX_BPF_ATTACH_TYPE];

static int sockaddr_prog(int type, int k)
{
	while (sa_loaded[type] <= k)
		sa_progs[type][sa_loaded[type]++] =
			load_ret(BPF_PROG_TYPE_CGROUP_SOCK_ADDR, type, 0, 1);
	return sa_progs[type][k];
}

/* ---- BTF: where a BPF LSM program attaches ----------------------------- */

#define VMLINUX_BTF "/sys/kernel/btf/vmlinux"

static char *btf_blob;
static size_t btf_size;

static int btf_read(void)
{
	size_t cap = 1 << 23;
	ssize_t got;
	int fd = open(VMLINUX_BTF, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -1;
	btf_blob = malloc(cap);
	while (btf_blob) {
		if (btf_size == cap)
			btf_blob = realloc(btf_blob, cap *= 2);
		if (!btf_blob)
			break;
		got = read(fd, btf_blob + btf_size, cap - btf_size);
		if (got <= 0) {
			close(fd);
			return got < 0 ? -1 : 0;
		}
		btf_size += got;
	}
	close(fd);
	errno = ENOMEM;
	return -1;
}

/* What follows a struct btf_type of @kind, in bytes; -1 for a new kind. */
static long btf_extra(__u32 info)
{
	__u32 vlen = BTF_INFO_VLEN(info);

	switch (BTF_INFO_KIND(info)) {
	case BTF_KIND_INT:
		return sizeof(__u32);
	case BTF_KIND_PTR:
	case BTF_KIND_FWD:
	case BTF_KIND_TYPEDEF:
	case BTF_KIND_VOLATILE:
	case BTF_KIND_CONST:
	case BTF_KIND_RESTRICT:
	case BTF_KIND_FUNC:
	case BTF_KIND_FLOAT:
	case BTF_KIND_TYPE_TAG:
		return 0;
	case BTF_KIND_ARRAY:
		return sizeof(struct btf_array);
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION:
		return vlen * sizeof(struct btf_member);
	case BTF_KIND_ENUM:
		return vlen * sizeof(struct btf_enum);
	case BTF_KIND_FUNC_PROTO:
		return vlen * sizeof(struct btf_param);
	case BTF_KIND_VAR:
		return sizeof(struct btf_var);
	case BTF_KIND_DATASEC:
		return vlen * sizeof(struct btf_var_secinfo);
	case BTF_KIND_DECL_TAG:
		return sizeof(struct btf_decl_tag);
	case BTF_KIND_ENUM64:
		return vlen * sizeof(struct btf_enum64);
	}
	return -1;
}

/*
 * The BTF id of the FUNC named @name in the kernel's BTF, or -1 (errno
 * set). A BPF LSM program names its hook, "bpf_lsm_<hook>", by that id;
 * libbpf would find it, but the driver is static and needs no library.
 * Ids count the types from 1 (0 is void) in the order of the type
 * section, whose records have a size given by their kind.
 */
static int btf_func_id(const char *name)
{
	const struct btf_header *h;
	const char *types, *strs;
	size_t off;
	int id;

	if (!btf_blob && btf_read())
		return -1;
	h = (const struct btf_header *)btf_blob;
	if (btf_size < sizeof(*h) || h->magic != BTF_MAGIC ||
	    h->hdr_len < sizeof(*h) || h->hdr_len > btf_size ||
	    (size_t)h->type_off + h->type_len > btf_size - h->hdr_len ||
	    (size_t)h->str_off + h->str_len > btf_size - h->hdr_len ||
	    !h->str_len || btf_blob[h->hdr_len + h->str_off + h->str_len - 1]) {
		errno = EINVAL;
		return -1;
	}
	types = btf_blob + h->hdr_len + h->type_off;
	strs = btf_blob + h->hdr_len + h->str_off;
	for (off = 0, id = 1; off + sizeof(struct btf_type) <= h->type_len;
	     id++) {
		const struct btf_type *t = (const void *)(types + off);
		long extra = btf_extra(t->info);

		if (extra < 0) {
			errno = EPROTO;
			return -1;
		}
		if (BTF_INFO_KIND(t->info) == BTF_KIND_FUNC &&
		    t->name_off < h->str_len &&
		    !strcmp(strs + t->name_off, name))
			return id;
		off += sizeof(*t) + extra;
	}
	errno = ENOENT;
	return -1;
}

/* The LSM hooks behind the Checmate hooks the cases use. */
static const char *const lsm_hooks[__CHECMATE_HOOK_MAX] = {
	[CHECMATE_HOOK_SOCKET_CREATE] = "socket_create",
	[CHECMATE_HOOK_SOCKET_BIND] = "socket_bind",
	[CHECMATE_HOOK_SOCKET_CONNECT] = "socket_connect",
	[CHECMATE_HOOK_SOCKET_SENDMSG] = "socket_sendmsg",
	[CHECMATE_HOOK_FILE_OPEN] = "file_open",
	[CHECMATE_HOOK_BPRM_CHECK_SECURITY] = "bprm_check_security",
	[CHECMATE_HOOK_MMAP_FILE] = "mmap_file",
};

/*
 * The BPF LSM (@cgroup false: BPF_LSM_MAC, returns 0) or BPF_LSM_CGROUP
 * (returns 1, allow) allow program on the LSM hook of @hook, loaded when
 * first needed; -1 with @why on failure.
 */
static int lsm_prog(bool cgroup, __u32 hook, char *why, size_t size)
{
	static int fds[2][__CHECMATE_HOOK_MAX];
	char func[64];
	int id, fd;

	if (fds[cgroup][hook])
		return fds[cgroup][hook];
	if (!lsm_hooks[hook]) {
		snprintf(why, size, "no LSM hook for Checmate hook %u", hook);
		return -1;
	}
	snprintf(func, sizeof(func), "bpf_lsm_%s", lsm_hooks[hook]);
	id = btf_func_id(func);
	if (id < 0) {
		snprintf(why, size, "%s in " VMLINUX_BTF ": %s", func,
			 strerror(errno));
		return -1;
	}
	fd = try_load(BPF_PROG_TYPE_LSM,
		      cgroup ? BPF_LSM_CGROUP : BPF_LSM_MAC, id, cgroup);
	if (fd < 0) {
		char *nl;

		/* The verifier's first line says why, if it got that far. */
		nl = strchr(verifier_log, '\n');
		if (nl)
			*nl = 0;
		snprintf(why, size, "loading %s program on %s: %s%s%.200s",
			 cgroup ? "a BPF_LSM_CGROUP" : "a BPF LSM", func,
			 strerror(errno), verifier_log[0] ? ": " : "",
			 verifier_log);
		return -1;
	}
	fds[cgroup][hook] = fd;
	return fd;
}

/* Whether @lsm is in the active LSMs; true if that cannot be read. */
static bool lsm_active(const char *lsm)
{
	char buf[256], *tok, *save;
	FILE *f = fopen("/sys/kernel/security/lsm", "r");
	bool found = false;

	if (!f)
		return true;
	if (fgets(buf, sizeof(buf), f))
		for (tok = strtok_r(buf, ",\n", &save); tok;
		     tok = strtok_r(NULL, ",\n", &save))
			found |= !strcmp(tok, lsm);
	fclose(f);
	return found;
}

/* ---- Helpers: the samples' loaders and nft ----------------------------- */

static bool in_path(const char *name)
{
	const char *path = getenv("PATH"), *p, *colon;
	char full[4096];

	for (p = path ? path : "/bin:/usr/bin"; *p; p = colon + 1) {
		colon = strchrnul(p, ':');
		snprintf(full, sizeof(full), "%.*s/%s", (int)(colon - p), p,
			 name);
		if (colon > p && !access(full, X_OK))
			return true;
		if (!*colon)
			break;
	}
	return false;
}

/*
 * Runs @argv (found in PATH) with its output in HELPER_LOG, out of the
 * driver's: 0 if it exits 0, else -1 with a line of its output in @why:
 * the first of its own ("checmate_egress: ...", nft's "Error: ...", which
 * the input it points at follows), else the first (libbpf's warnings
 * may come before the sample's message).
 */
static int run_helper(char *const argv[], char *why, size_t size)
{
	char line[512], first[512] = "", own[512] = "";
	size_t len = strlen(argv[0]);
	int fd, status;
	FILE *log;
	pid_t pid;

	fflush(NULL);
	pid = fork();
	if (pid < 0)
		die("fork: %s", strerror(errno));
	if (!pid) {
		fd = open(HELPER_LOG, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		if (fd >= 0) {
			dup2(fd, STDOUT_FILENO);
			dup2(fd, STDERR_FILENO);
		}
		execvp(argv[0], argv);
		fprintf(stderr, "%s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	if (waitpid(pid, &status, 0) != pid)
		die("waitpid: %s", strerror(errno));
	if (WIFEXITED(status) && !WEXITSTATUS(status))
		return 0;
	log = fopen(HELPER_LOG, "r");
	while (log && !own[0] && fgets(line, sizeof(line), log)) {
		if (line[0] == '\n')
			continue;
		if (!first[0])
			snprintf(first, sizeof(first), "%s", line);
		if (!strncmp(line, "Error", 5) ||
		    (!strncmp(line, argv[0], len) && line[len] == ':'))
			snprintf(own, sizeof(own), "%s", line);
	}
	if (log)
		fclose(log);
	if (own[0])
		snprintf(first, sizeof(first), "%s", own);
	first[strcspn(first, "\n")] = 0;
	if (first[0])
		snprintf(why, size, "%s %s: %s", argv[0], argv[1], first);
	else
		snprintf(why, size, "%s %s: exit status %d", argv[0], argv[1],
			 WIFEXITED(status) ? WEXITSTATUS(status) : -1);
	return -1;
}

/*
 * The @i-th of @n IPv4 CIDRs, the same list for Checmate's sample and for
 * nftables: /24s of 10.0.0.0/8 with a /24 gap between neighbours (nothing
 * adjacent, so nothing merges into a wider interval), and in the middle
 * of the list 127.0.0.0/8, where the operations' 127.0.0.1 falls, so that
 * a lookup does not find it first by luck of the order.
 */
#define CIDR_LEN 32

static void cidr(int n, int i, char *buf, size_t size)
{
	if (i == n / 2) {
		snprintf(buf, size, "127.0.0.0/8");
		return;
	}
	if (i > n / 2)
		i--;
	snprintf(buf, size, "10.%d.%d.0/24", i / 128, i % 128 * 2);
}

/* checmate_egress attach CGROUP DIR RULE... with @n CIDRs. */
static int egress_attach(const char *cgroup, int n, char *why, size_t size)
{
	char **argv = calloc(n + 5, sizeof(*argv)), (*rules)[CIDR_LEN];
	int i, ret;

	rules = calloc(n, sizeof(*rules));
	if (!argv || !rules)
		die("out of memory");
	argv[0] = "checmate_egress";
	argv[1] = "attach";
	argv[2] = (char *)cgroup;
	argv[3] = EGRESS_DIR;
	for (i = 0; i < n; i++) {
		cidr(n, i, rules[i], sizeof(rules[i]));
		argv[4 + i] = rules[i];
	}
	ret = run_helper(argv, why, size);
	free(rules);
	free(argv);
	return ret;
}

/* nft -f of a ruleset that @write writes for @n. */
static int nft_load(void (*write)(FILE *f, int n), int n, char *why,
		    size_t size)
{
	char *const argv[] = { "nft", "-f", NFT_FILE, NULL };
	FILE *f = fopen(NFT_FILE, "w");

	if (!f)
		die(NFT_FILE ": %s", strerror(errno));
	write(f, n);
	if (fclose(f))
		die(NFT_FILE ": %s", strerror(errno));
	return run_helper(argv, why, size);
}

/*
 * The nftables egress allowlist: output, policy drop, accept what goes to
 * an address of the set. Loopback traffic goes through the output hook
 * like any other, and 127.0.0.1 is in the set, so the operations pass.
 */
static void nft_egress(FILE *f, int n)
{
	char buf[CIDR_LEN];
	int i;

	fprintf(f, "table ip " NFT_TABLE " {\n"
		"\tset allow {\n"
		"\t\ttype ipv4_addr\n"
		"\t\tflags interval\n"
		"\t\telements = {");
	for (i = 0; i < n; i++) {
		cidr(n, i, buf, sizeof(buf));
		fprintf(f, "%s\n\t\t\t%s", i ? "," : "", buf);
	}
	fprintf(f, "\n\t\t}\n"
		"\t}\n"
		"\tchain out {\n"
		"\t\ttype filter hook output priority 0; policy drop;\n"
		"\t\tip daddr @allow accept\n"
		"\t}\n"
		"}\n");
}

/* Docker's port mapping for local clients: DNAT in the output hook. */
static void nft_dnat(FILE *f, int n)
{
	fprintf(f, "table ip " NFT_NAT_TABLE " {\n"
		"\tchain out {\n"
		"\t\ttype nat hook output priority -100;\n"
		"\t\tip daddr 127.0.0.1 tcp dport %d dnat to 127.0.0.1:%d\n"
		"\t}\n"
		"}\n", PORT_HOST, PORT_CONTAINER);
}

/* ---- cgroups ----------------------------------------------------------- */

static int cg_open(const char *rel)
{
	char full[sizeof(CGROOT) + 512 + 16];
	int fd;

	snprintf(full, sizeof(full), CGROOT "/%s", rel);
	fd = open(full, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		die("open %s: %s", full, strerror(errno));
	return fd;
}

/* mkdir -p CGROOT/@rel */
static void cg_mkdirs(const char *rel)
{
	char full[sizeof(CGROOT) + 512 + 16], *p, c;

	snprintf(full, sizeof(full), CGROOT "/%s", rel);
	for (p = full + strlen(CGROOT) + 1; ; p++) {
		if (*p != '/' && *p)
			continue;
		c = *p;
		*p = 0;
		if (mkdir(full, 0755) && errno != EEXIST)
			die("mkdir %s: %s", full, strerror(errno));
		*p = c;
		if (!c)
			break;
	}
}

/* rmdir CGROOT/@rel and its parents up to CGROOT/BASE, deepest first. */
static void cg_rmdirs(const char *rel)
{
	char full[sizeof(CGROOT) + 512 + 16], *slash;

	snprintf(full, sizeof(full), CGROOT "/%s", rel);
	for (;;) {
		rmdir(full);
		if (!strcmp(full, CGROOT "/" BASE))
			break;
		slash = strrchr(full, '/');
		if (!slash)
			break;
		*slash = 0;
	}
}

static int cg_enter(const char *rel)
{
	char full[sizeof(CGROOT) + 512 + 16], pid[32];
	int fd, len, ok;

	snprintf(full, sizeof(full), CGROOT "/%s/cgroup.procs", rel);
	fd = open(full, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	len = snprintf(pid, sizeof(pid), "%d", getpid());
	ok = write(fd, pid, len) == len;
	close(fd);
	return ok ? 0 : -1;
}

static void cg_tree(bool create)
{
	char task[512], where[512];
	size_t i;

	for (i = 0; i < NR_CONFIGS; i++) {
		config_paths(&configs[i], task, where, sizeof(task));
		if (create) {
			cg_mkdirs(task);
			cg_mkdirs(where);
		} else {
			cg_rmdirs(task);
			cg_rmdirs(where);
		}
	}
}

/* ---- Setting a configuration up and down ------------------------------- */

/*
 * What the parent set up for a measurement, undone in reverse order after
 * it: an fd to close, a cgroup program to detach, a link to close, a
 * command to run. A command that undoes a sample's attach is held before
 * the attach runs, since a failed attach may leave pins behind.
 */
enum held_kind { HELD_FD, HELD_PROG, HELD_LINK, HELD_CMD };

struct held {
	enum held_kind kind;
	int fd, cgfd;
	__u32 type;
	char *cmd[6];
};

#define MAX_HELD (MAX_HOOKS * MAX_PROGS + MAX_PROGS + 16)
static struct held held[MAX_HELD];
static int nr_held;

static struct held *hold(enum held_kind kind, int fd)
{
	struct held *h;

	if (nr_held == MAX_HELD)
		die("too much held");
	h = &held[nr_held++];
	memset(h, 0, sizeof(*h));
	h->kind = kind;
	h->fd = fd;
	return h;
}

static void hold_prog(int cgfd, int fd, __u32 type)
{
	struct held *h = hold(HELD_PROG, fd);

	h->cgfd = cgfd;
	h->type = type;
}

static void hold_cmd(char *a0, char *a1, char *a2, char *a3, char *a4)
{
	struct held *h = hold(HELD_CMD, -1);

	h->cmd[0] = a0;
	h->cmd[1] = a1;
	h->cmd[2] = a2;
	h->cmd[3] = a3;
	h->cmd[4] = a4;
}

/* Undoes everything held; 0, or -1 if something failed (on stderr). */
static int config_down(void)
{
	char why[512];
	int ret = 0;

	while (nr_held) {
		struct held *h = &held[--nr_held];
		int err = 0;

		switch (h->kind) {
		case HELD_FD:
		case HELD_LINK:	/* not pinned: its last close detaches it */
			err = close(h->fd);
			break;
		case HELD_PROG:
			err = detach(h->cgfd, h->fd, h->type);
			break;
		case HELD_CMD:
			err = run_helper(h->cmd, why, sizeof(why));
			if (err)
				fprintf(stderr, "%s: %s\n", progname, why);
			break;
		}
		if (err && h->kind != HELD_CMD)
			fprintf(stderr, "%s: undoing a %s: %s\n", progname,
				h->kind == HELD_PROG ? "program attach" :
				h->kind == HELD_LINK ? "link" : "file",
				strerror(errno));
		if (err)
			ret = -1;
	}
	return ret;
}

/*
 * Sets the configuration up for a measurement of @bc; 0, or -1 with @why
 * (then config_down() undoes what was done).
 */
static int config_up(const struct bench_case *bc, const struct config *cf,
		     char *why, size_t size)
{
	char task[512], where[512], cgpath[600];
	int h, k, cgfd, taskfd;

	config_paths(cf, task, where, sizeof(task));
	cgfd = cg_open(where);
	hold(HELD_FD, cgfd);
	taskfd = cg_open(task);
	hold(HELD_FD, taskfd);
	for (h = 0; h < MAX_HOOKS && bc->hooks[h]; h++) {
		__u32 hook = bc->hooks[h];

		for (k = 0; cf->where != AT_NONE && k < cf->nprogs; k++) {
			int fd = checmate_prog(hook, k);

			if (attach(cgfd, fd, BPF_CHECMATE)) {
				snprintf(why, size,
					 "attaching Checmate program %d on hook %u: %s",
					 k, hook, strerror(errno));
				return -1;
			}
			hold_prog(cgfd, fd, BPF_CHECMATE);
		}
		if (cf->bpflsm || cf->lsmcgroup) {
			int fd = lsm_prog(cf->lsmcgroup, hook, why, size), link;

			if (fd < 0)
				return -1;
			/* BPF LSM is global: every task runs it. */
			link = link_create(fd, cf->lsmcgroup ? taskfd : 0,
					   cf->lsmcgroup ? BPF_LSM_CGROUP :
							   BPF_LSM_MAC);
			if (link < 0) {
				snprintf(why, size,
					 "linking the %s program on %s: %s",
					 cf->name, lsm_hooks[hook],
					 strerror(errno));
				return -1;
			}
			hold(HELD_LINK, link);
		}
	}
	for (k = 0; k < cf->sockaddr; k++) {
		int fd = sockaddr_prog(bc->sa_type, k);

		if (attach(taskfd, fd, bc->sa_type)) {
			snprintf(why, size, "attaching sock_addr program %d: %s",
				 k, strerror(errno));
			return -1;
		}
		hold_prog(taskfd, fd, bc->sa_type);
	}
	snprintf(cgpath, sizeof(cgpath), CGROOT "/%s", task);
	if (cf->egress) {
		hold_cmd("checmate_egress", "detach", EGRESS_DIR, NULL, NULL);
		if (egress_attach(cgpath, cf->egress, why, size))
			return -1;
	}
	if (cf->nft) {
		if (nft_load(nft_egress, cf->nft, why, size))
			return -1;
		hold_cmd("nft", "delete", "table", "ip", NFT_TABLE);
	}
	if (cf->rewrite) {
		char *const argv[] = { "checmate_bind_rewrite", "attach", cgpath,
				 REWRITE_DIR, XSTR(PORT_CONTAINER) ":"
				 XSTR(PORT_HOST), NULL };

		hold_cmd("checmate_bind_rewrite", "detach", REWRITE_DIR, NULL,
			 NULL);
		if (run_helper(argv, why, size))
			return -1;
	}
	if (cf->dnat) {
		if (nft_load(nft_dnat, 0, why, size))
			return -1;
		hold_cmd("nft", "delete", "table", "ip", NFT_NAT_TABLE);
	}
	return 0;
}

/* ---- One measurement --------------------------------------------------- */

static int opt_cpu, opt_iters = 1000, opt_exec_iters = 20, opt_warmup = -1;
static int opt_timeout = 120;

struct result {
	int err;		/* 0, or the errno of what failed */
	char what[32];		/* what failed */
	double ns;		/* per operation */
};

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static int install_seccomp(void)
{
	struct sock_filter allow[] = {
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = { .len = ARRAY_SIZE(allow), .filter = allow };

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
		return -1;
	return syscall(__NR_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog);
}

static int fail(struct result *r, const char *what)
{
	r->err = errno ? errno : EIO;
	snprintf(r->what, sizeof(r->what), "%s", what);
	return -1;
}

/* In the child: everything but the programs, which the parent attaches. */
static int measure(const struct bench_case *bc, const struct config *cf,
		   int id, int n, struct result *r)
{
	char task[512], where[512];
	struct ctx c = { .cf = cf, .fd = -1, .rfd = -1, .lfd = -1 };
	cpu_set_t set;
	double t0, t1;
	int i, warm = opt_warmup >= 0 ? opt_warmup : (n + 9) / 10;
	stub_fn begin = stub(id, false), end = stub(id, true);

	/*
	 * A lost packet (a TCP SYN dropped by a wrong ruleset) would block
	 * for minutes: SIGALRM kills the child and the parent reports it.
	 */
	alarm(opt_timeout);
	errno = 0;
	config_paths(cf, task, where, sizeof(task));
	if (cg_enter(task))
		return fail(r, "cgroup.procs");
	CPU_ZERO(&set);
	CPU_SET(opt_cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set))
		return fail(r, "sched_setaffinity");
	if (cf->seccomp && install_seccomp())
		return fail(r, "seccomp");
	if (bc->setup && bc->setup(&c))
		return fail(r, c.what ? c.what : "setup");
	for (i = 0; i < warm; i++)
		if (bc->op(&c))
			return fail(r, "warm-up");
	/* No page fault on the stubs between the markers. */
	asm volatile("" : : "r" (*(const char *)begin), "r" (*(const char *)end));
	t0 = now_ns();
	begin();
	for (i = 0; i < n; i++)
		if (bc->op(&c))
			break;
	end();
	t1 = now_ns();
	if (i < n)
		return fail(r, bc->name);
	if (bc->teardown)
		bc->teardown(&c);
	r->ns = (t1 - t0) / n;
	return 0;
}

/*
 * 0 measured, -1 failed (@r says what), 1 an optional configuration could
 * not be set up (@why says why).
 */
static int run_one(const struct bench_case *bc, const struct config *cf,
		   int id, struct result *r, char *why, size_t size)
{
	int n = bc->exec ? opt_exec_iters : opt_iters, pfd[2], status;
	pid_t pid;

	memset(r, 0, sizeof(*r));
	if (config_up(bc, cf, why, size)) {
		config_down();
		if (cf->optional)
			return 1;
		fprintf(stderr, "%s: %s\n", progname, why);
		r->err = EIO;
		snprintf(r->what, sizeof(r->what), "attach");
		return -1;
	}
	if (pipe2(pfd, O_CLOEXEC))
		die("pipe: %s", strerror(errno));
	fflush(NULL);
	pid = fork();
	if (pid < 0)
		die("fork: %s", strerror(errno));
	if (!pid) {
		close(pfd[0]);
		measure(bc, cf, id, n, r);
		_exit(write(pfd[1], r, sizeof(*r)) == sizeof(*r) ? 0 : 1);
	}
	close(pfd[1]);
	if (read(pfd[0], r, sizeof(*r)) != sizeof(*r)) {
		r->err = EIO;
		snprintf(r->what, sizeof(r->what), "child died");
	}
	close(pfd[0]);
	waitpid(pid, &status, 0);
	if (config_down() && !r->err) {
		r->err = EIO;
		snprintf(r->what, sizeof(r->what), "detach");
	}
	return r->err ? -1 : 0;
}

/*
 * Before the rounds: whether the peers this kernel or guest may lack can
 * be set up at all, with a "# CONFIG: skipped (...)" line for those that
 * cannot. A BPF LSM program loads and links even when "bpf" is not in
 * lsm=, and then never runs: that is checked first.
 */
static void skip(bool *use_cfg, int j, const char *why)
{
	if (!use_cfg[j])
		return;
	printf("# %s: skipped (%s)\n", configs[j].name, why);
	use_cfg[j] = false;
}

static void probe_lsm(bool *use_cfg, int j)
{
	const struct config *cf = &configs[j];
	char why[512], task[512], where[512];
	int fd, cgfd, link;

	if (!use_cfg[j])
		return;
	if (!lsm_active("bpf")) {
		skip(use_cfg, j, "bpf is not in the active LSMs, lsm=");
		return;
	}
	fd = lsm_prog(cf->lsmcgroup, CHECMATE_HOOK_FILE_OPEN, why,
		      sizeof(why));
	if (fd < 0) {
		skip(use_cfg, j, why);
		return;
	}
	config_paths(cf, task, where, sizeof(task));
	cgfd = cg_open(task);
	link = link_create(fd, cf->lsmcgroup ? cgfd : 0,
			   cf->lsmcgroup ? BPF_LSM_CGROUP : BPF_LSM_MAC);
	if (link < 0) {
		snprintf(why, sizeof(why), "linking a program on file_open: %s",
			 strerror(errno));
		skip(use_cfg, j, why);
	} else {
		close(link);
	}
	close(cgfd);
}

/* The program a configuration runs to set itself up, if any. */
static const char *config_tool(const struct config *cf)
{
	if (cf->nft || cf->dnat)
		return "nft";
	if (cf->egress)
		return "checmate_egress";
	if (cf->rewrite)
		return "checmate_bind_rewrite";
	return NULL;
}

static void probe(bool *use_cfg)
{
	char *const list[] = { "nft", "list", "tables", NULL };
	char why[512], nft_why[512];
	int nft_ok = -1;
	size_t j;

	for (j = 0; j < NR_CONFIGS; j++) {
		const char *tool = config_tool(&configs[j]);

		if (configs[j].bpflsm || configs[j].lsmcgroup)
			probe_lsm(use_cfg, j);
		if (!tool || !use_cfg[j])
			continue;
		if (!in_path(tool)) {
			snprintf(why, sizeof(why), "%s not in PATH", tool);
			skip(use_cfg, j, why);
			continue;
		}
		if (strcmp(tool, "nft"))
			continue;
		/* nft that runs, on a kernel with nf_tables. */
		if (nft_ok < 0)
			nft_ok = !run_helper(list, nft_why, sizeof(nft_why));
		if (!nft_ok)
			skip(use_cfg, j, nft_why);
	}
}

/* ---- Statistics -------------------------------------------------------- */

static double vals[NR_CASES][NR_CONFIGS][MAX_ROUNDS];

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* Median of the non-NaN values of @v[0..n), NaN if none; min and max. */
static double median(const double *v, int n, double *min, double *max)
{
	double s[MAX_ROUNDS];
	int i, m = 0;

	for (i = 0; i < n; i++)
		if (!isnan(v[i]))
			s[m++] = v[i];
	if (!m) {
		*min = NAN;
		*max = NAN;
		return NAN;
	}
	qsort(s, m, sizeof(*s), cmp_double);
	*min = s[0];
	*max = s[m - 1];
	return m % 2 ? s[m / 2] : (s[m / 2 - 1] + s[m / 2]) / 2;
}

static void summary(const char *unit, const char *note, int rounds,
		    const bool *use_case, const bool *use_cfg)
{
	double ratio[MAX_ROUNDS], med, min, max, rmed, rmin, rmax;
	size_t i, j;
	int r;

	printf("# %s, over the rounds; ratio: to none in the same round\n", unit);
	if (note)
		printf("# %s\n", note);
	printf("#   %-8s %-10s %6s  %15s  %15s  %15s  %s\n", "case", "config",
	       "rounds", "median", "min", "max", "ratio (min-max)");
	for (i = 0; i < NR_CASES; i++) {
		if (!use_case[i])
			continue;
		for (j = 0; j < NR_CONFIGS; j++) {
			int got = 0;

			if (!use_cfg[j])
				continue;
			for (r = 0; r < rounds; r++) {
				double base = vals[i][0][r], v = vals[i][j][r];

				got += !isnan(v);
				ratio[r] = isnan(base) || isnan(v) || base == 0 ?
					NAN : v / base;
			}
			if (!got)
				continue;
			med = median(vals[i][j], rounds, &min, &max);
			rmed = median(ratio, rounds, &rmin, &rmax);
			printf("sum %-8s %-10s %6d  %15.1f  %15.1f  %15.1f  %.3f (%.3f-%.3f)\n",
			       cases[i].name, configs[j].name, got, med, min,
			       max, rmed, rmin, rmax);
		}
	}
}

static void clear_vals(void)
{
	size_t i, j;
	int r;

	for (i = 0; i < NR_CASES; i++)
		for (j = 0; j < NR_CONFIGS; j++)
			for (r = 0; r < MAX_ROUNDS; r++)
				vals[i][j][r] = NAN;
}

static int case_index(const char *name)
{
	size_t i;

	for (i = 0; i < NR_CASES; i++)
		if (!strcmp(cases[i].name, name))
			return i;
	return -1;
}

static int config_index(const char *name)
{
	size_t i;

	for (i = 0; i < NR_CONFIGS; i++)
		if (!strcmp(configs[i].name, name))
			return i;
	return -1;
}

/*
 * Host side: the "run" lines of a run's output and insn_count's "ID COUNT"
 * lines, both in the order of the measurements; each run takes the next
 * count of its id.
 */
static const char insn_note[] =
	"quote the minimum (interrupts, deferred work only add); max-min: noise";

static int report(const char *insn_file, const char *run_file)
{
	bool use_case[NR_CASES] = { 0 }, use_cfg[NR_CONFIGS] = { 0 };
	FILE *in = fopen(insn_file, "r"), *run = stdin;
	char line[512], name[32], cfg[32];
	int rounds = 0, round, id, n, ci, fi, cid, bad = 0;
	unsigned long long count;
	double ns;

	if (!in)
		die("%s: %s", insn_file, strerror(errno));
	if (run_file)
		run = fopen(run_file, "r");
	if (!run)
		die("%s: %s", run_file, strerror(errno));
	clear_vals();
	while (fgets(line, sizeof(line), run)) {
		if (sscanf(line, "run %31s %31s %d %d %d %lf", name, cfg, &round,
			   &id, &n, &ns) != 6)
			continue;
		ci = case_index(name);
		fi = config_index(cfg);
		if (ci < 0 || fi < 0 || round < 0 || round >= MAX_ROUNDS ||
		    n <= 0)
			continue;
		for (;;) {
			if (!fgets(line, sizeof(line), in)) {
				fprintf(stderr, "%s: no count for id %d (%s %s round %d)\n",
					progname, id, name, cfg, round);
				bad = 1;
				goto out;
			}
			if (line[0] == '#')
				continue;
			if (sscanf(line, "%d %llu", &cid, &count) == 2 &&
			    cid == id)
				break;
			fprintf(stderr, "%s: skipping count line %s", progname,
				line);
		}
		vals[ci][fi][round] = (double)count / n;
		use_case[ci] = true;
		use_cfg[fi] = true;
		if (round >= rounds)
			rounds = round + 1;
	}
out:
	/*
	 * What else the vCPU ran between the markers (timer interrupts,
	 * work deferred from earlier measurements) only ever adds
	 * instructions: the minimum over the rounds is the operation's.
	 */
	summary("insn/op", insn_note, rounds, use_case, use_cfg);
	return bad;
}

/* ---- main -------------------------------------------------------------- */

static void bad_usage(void)
{
	size_t i;

	fprintf(stderr,
		"usage: %s [-r ROUNDS] [-n ITERS] [-e EXEC_ITERS] [-w WARMUP] [-c CASE,...]\n"
		"       [-C CONFIG,...] [-p CPU] [-T SECONDS] [-q]\n"
		"       %s -i INSN_FILE [RUN_LOG]\n"
		"       %s -B FUNC\ncases:", progname, progname, progname);
	for (i = 0; i < NR_CASES; i++)
		fprintf(stderr, " %s", cases[i].name);
	fprintf(stderr, "\nconfigs:");
	for (i = 0; i < NR_CONFIGS; i++)
		fprintf(stderr, " %s", configs[i].name);
	fputc('\n', stderr);
	exit(2);
}

static void select_list(char *list, bool *use, size_t nr,
			int (*index)(const char *name))
{
	char *tok, *save;
	int i;

	memset(use, 0, nr * sizeof(*use));
	for (tok = strtok_r(list, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		i = index(tok);
		if (i < 0) {
			fprintf(stderr, "%s: unknown case or config %s\n",
				progname, tok);
			bad_usage();
		}
		use[i] = true;
	}
}

int main(int argc, char **argv)
{
	bool use_case[NR_CASES], use_cfg[NR_CONFIGS], quiet = false;
	bool skipped[NR_CASES][NR_CONFIGS] = { { 0 } };
	int rounds = 5, opt, r, seq = 0, failed = 0, ncfg = 0, ret;
	const char *insn_file = NULL;
	int order[NR_CONFIGS];
	struct result res;
	char why[512];
	cpu_set_t set;
	size_t i, j;

	memset(use_case, 1, sizeof(use_case));
	memset(use_cfg, 1, sizeof(use_cfg));
	while ((opt = getopt(argc, argv, "r:n:e:w:c:C:p:T:qi:B:h")) != -1) {
		switch (opt) {
		case 'r':
			rounds = atoi(optarg);
			break;
		case 'n':
			opt_iters = atoi(optarg);
			break;
		case 'e':
			opt_exec_iters = atoi(optarg);
			break;
		case 'w':
			opt_warmup = atoi(optarg);
			break;
		case 'c':
			select_list(optarg, use_case, NR_CASES, case_index);
			break;
		case 'C':
			select_list(optarg, use_cfg, NR_CONFIGS, config_index);
			break;
		case 'p':
			opt_cpu = atoi(optarg);
			break;
		case 'T':
			opt_timeout = atoi(optarg);
			break;
		case 'q':
			quiet = true;
			break;
		case 'i':
			insn_file = optarg;
			break;
		case 'B':
			ret = btf_func_id(optarg);
			if (ret < 0)
				die("%s: %s", optarg, strerror(errno));
			printf("%d\n", ret);
			return 0;
		default:
			bad_usage();
		}
	}
	if (insn_file)
		return report(insn_file, optind < argc ? argv[optind] : NULL);
	if (optind != argc || rounds < 1 || rounds > MAX_ROUNDS ||
	    opt_iters < 1 || opt_exec_iters < 1 || opt_cpu < 0 ||
	    opt_cpu >= CPU_SETSIZE || opt_timeout < 1)
		bad_usage();
	use_cfg[0] = true;	/* "none" is every ratio's base */
	if (use_cfg[config_index("seccomp")] && prctl(PR_GET_SECCOMP) < 0) {
		printf("# seccomp: skipped (the kernel has no CONFIG_SECCOMP: %s)\n",
		       strerror(errno));
		use_cfg[config_index("seccomp")] = false;
	}
	/* The parent keeps off the measured CPU when it can. */
	CPU_ZERO(&set);
	for (r = 0; r < CPU_SETSIZE && r < (int)sysconf(_SC_NPROCESSORS_ONLN); r++)
		if (r != opt_cpu)
			CPU_SET(r, &set);
	if (CPU_COUNT(&set))
		sched_setaffinity(0, sizeof(set), &set);

	cg_tree(false);
	cg_tree(true);
	probe(use_cfg);
	for (j = 0; j < NR_CONFIGS; j++)
		if (use_cfg[j])
			order[ncfg++] = j;
	printf("# cpu %d, %d rounds, %d iterations (exec: %d), warm-up ",
	       opt_cpu, rounds, opt_iters, opt_exec_iters);
	if (opt_warmup < 0)
		printf("a tenth of that\n");
	else
		printf("%d\n", opt_warmup);
	printf("#   %-8s %-10s %5s %6s %7s %15s\n", "case", "config", "round",
	       "id", "n", "ns/op");
	clear_vals();
	for (r = 0; r < rounds; r++) {
		for (i = 0; i < NR_CASES; i++) {
			if (!use_case[i])
				continue;
			for (j = 0; j < (size_t)ncfg; j++) {
				int k = order[(j + r) % ncfg];
				const struct config *cf = &configs[k];
				int id, n = opt_iters;

				if (!applies(&cases[i], cf) || skipped[i][k])
					continue;
				if (cases[i].exec)
					n = opt_exec_iters;
				id = seq++ % NR_IDS;
				ret = run_one(&cases[i], cf, id, &res, why,
					      sizeof(why));
				if (ret > 0) {
					/* Not worth retrying every round. */
					printf("# %s: skipped on %s (%s)\n",
					       cf->name, cases[i].name, why);
					skipped[i][k] = true;
					continue;
				}
				if (ret) {
					printf("# failed: %s %s round %d: %s: %s\n",
					       cases[i].name, cf->name, r, res.what,
					       strerror(res.err));
					failed = 1;
					continue;
				}
				vals[i][k][r] = res.ns;
				if (!quiet)
					printf("run %-8s %-10s %5d %6d %7d %15.1f\n",
					       cases[i].name, cf->name, r, id, n,
					       res.ns);
				fflush(stdout);
			}
		}
	}
	summary("ns/op", NULL, rounds, use_case, use_cfg);
	cg_tree(false);
	unlink(NFT_FILE);
	unlink(HELPER_LOG);
	return failed;
}
