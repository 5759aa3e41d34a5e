// SPDX-License-Identifier: GPL-2.0
/*
 * checmate-bench - what a Checmate program costs a system call, next to
 * nothing attached, a cgroup sock_addr program and a seccomp filter.
 *
 * In the guest (as root, cgroup2 at /sys/fs/cgroup):
 *   checmate-bench [-r ROUNDS] [-n ITERS] [-e EXEC_ITERS] [-w WARMUP]
 *                  [-c CASE,...] [-C CONFIG,...] [-p CPU] [-q]
 * On the host, with the output of insn_count (see README):
 *   checmate-bench -i INSN_FILE [RUN_LOG]
 *
 * Every measurement runs in a fresh child pinned to CPU -p (0): it moves
 * into its cgroup, installs its seccomp filter if any, runs the operation
 * WARMUP times, then ITERS times between two marker instructions that
 * insn_count recognises, timed with CLOCK_MONOTONIC. The parent attaches
 * the configuration's programs before and detaches them after. Each round
 * runs every case under every configuration, starting with a different
 * configuration each round. Output: one "run" line per measurement, then
 * per case and configuration the median, minimum and maximum of ns/op over
 * the rounds and the median over the rounds of the ratio to "none" in the
 * same round. With -i, the same summary for instructions per operation,
 * from the "run" lines and the "ID COUNT" lines of insn_count, in order.
 *
 * Exit status: 0 success, 1 a measurement or setup failed, 2 usage error.
 */

#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <linux/checmate.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <math.h>
#include <netinet/in.h>
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

/* ---- The operations -------------------------------------------------- */

struct ctx {
	int fd, rfd;
	struct sockaddr_in dst, lo0;
	char path[64];
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

static int connect_op(struct ctx *c)
{
	struct sockaddr un = { .sa_family = AF_UNSPEC };

	if (connect(c->fd, (struct sockaddr *)&c->dst, sizeof(c->dst)))
		return -1;
	return connect(c->fd, &un, sizeof(un));
}

/*
 * The receiver's buffer is the smallest there is: after the warm-up every
 * datagram is dropped at its queue, no ICMP, the same path every time.
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

struct bench_case {
	const char *name;
	int (*setup)(struct ctx *c);
	int (*op)(struct ctx *c);
	void (*teardown)(struct ctx *c);
	__u32 hooks[MAX_HOOKS];		/* where Checmate programs go */
	int sa_type;			/* the sock_addr peer, or -1 */
	bool exec;			/* -e iterations, not -n */
};

static const struct bench_case cases[] = {
	{ .name = "connect", .setup = connect_setup, .op = connect_op,
	  .hooks = { CHECMATE_HOOK_SOCKET_CONNECT },
	  .sa_type = BPF_CGROUP_INET4_CONNECT },
	{ .name = "sendto", .setup = sendto_setup, .op = sendto_op,
	  .hooks = { CHECMATE_HOOK_SOCKET_SENDMSG },
	  .sa_type = BPF_CGROUP_UDP4_SENDMSG },
	{ .name = "socket", .setup = socket_setup, .op = socket_op,
	  .hooks = { CHECMATE_HOOK_SOCKET_CREATE, CHECMATE_HOOK_SOCKET_BIND },
	  .sa_type = BPF_CGROUP_INET4_BIND },
	{ .name = "open", .setup = open_setup, .op = open_op,
	  .teardown = open_teardown,
	  .hooks = { CHECMATE_HOOK_FILE_OPEN }, .sa_type = -1 },
	{ .name = "exec", .op = exec_op,
	  .hooks = { CHECMATE_HOOK_BPRM_CHECK_SECURITY, CHECMATE_HOOK_FILE_OPEN,
		     CHECMATE_HOOK_MMAP_FILE },
	  .sa_type = -1, .exec = true },
};

#define NR_CASES ARRAY_SIZE(cases)

/* ---- The configurations ---------------------------------------------- */

enum where { AT_NONE, AT_OWN, AT_OTHER, AT_CHAIN };

struct config {
	const char *name;
	enum where where;	/* where the Checmate programs go */
	int nprogs;		/* per hook of the case */
	int depth;		/* AT_CHAIN: levels from the programs to the task */
	bool sockaddr, seccomp;
};

static const struct config configs[] = {
	{ .name = "none", .where = AT_NONE },
	{ .name = "other", .where = AT_OTHER, .nprogs = 1 },
	{ .name = "own", .where = AT_OWN, .nprogs = 1 },
	{ .name = "depth1", .where = AT_CHAIN, .nprogs = 1, .depth = 1 },
	{ .name = "depth8", .where = AT_CHAIN, .nprogs = 1, .depth = 8 },
	{ .name = "depth32", .where = AT_CHAIN, .nprogs = 1, .depth = 32 },
	{ .name = "progs8", .where = AT_OWN, .nprogs = 8 },
	{ .name = "progs64", .where = AT_OWN, .nprogs = 64 },
	{ .name = "sockaddr", .where = AT_NONE, .sockaddr = true },
	{ .name = "seccomp", .where = AT_NONE, .seccomp = true },
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

/* ---- bpf(2) ------------------------------------------------------------ */

#define INSN(c, d, s, o, i) ((struct bpf_insn) {			\
	.code = (c), .dst_reg = (d), .src_reg = (s), .off = (o), .imm = (i) })
#define MOV64_IMM(d, i)		INSN(BPF_ALU64 | BPF_MOV | BPF_K, d, 0, 0, i)
#define EXIT_INSN()		INSN(BPF_JMP | BPF_EXIT, 0, 0, 0, 0)

static int sys_bpf(int cmd, union bpf_attr *attr)
{
	return syscall(__NR_bpf, cmd, attr, sizeof(*attr));
}

/* A program returning @ret: Checmate's for @hook, or sock_addr's. */
static int load_ret(__u32 type, __u32 expected, __u32 hook, int ret)
{
	static char log[65536];
	const struct bpf_insn insns[] = { MOV64_IMM(BPF_REG_0, ret), EXIT_INSN() };
	union bpf_attr attr;
	int fd;

	memset(&attr, 0, sizeof(attr));
	attr.prog_type = type;
	attr.expected_attach_type = expected;
	attr.checmate_hook = hook;
	attr.insns = (__u64)(unsigned long)insns;
	attr.insn_cnt = ARRAY_SIZE(insns);
	attr.license = (__u64)(unsigned long)"GPL";
	attr.log_buf = (__u64)(unsigned long)log;
	attr.log_size = sizeof(log);
	attr.log_level = 1;
	fd = sys_bpf(BPF_PROG_LOAD, &attr);
	if (fd < 0)
		die("loading a program (type %u, hook %u): %s\n%s", type, hook,
		    strerror(errno), log);
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

static int sa_progs[__MAX_BPF_ATTACH_TYPE];

static int sockaddr_prog(int type)
{
	if (!sa_progs[type])
		sa_progs[type] = load_ret(BPF_PROG_TYPE_CGROUP_SOCK_ADDR, type,
					  0, 1);
	return sa_progs[type];
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

/* ---- One measurement --------------------------------------------------- */

static int opt_cpu, opt_iters = 1000, opt_exec_iters = 20, opt_warmup = -1;

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
	struct ctx c = { .fd = -1, .rfd = -1 };
	cpu_set_t set;
	double t0, t1;
	int i, warm = opt_warmup >= 0 ? opt_warmup : (n + 9) / 10;
	stub_fn begin = stub(id, false), end = stub(id, true);

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
		return fail(r, "setup");
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

/* Attaches (@on) or detaches the configuration's programs; 0 or -1. */
static int programs(const struct bench_case *bc, const struct config *cf,
		    bool on)
{
	char task[512], where[512];
	int cgfd, h, k, ret = 0;

	config_paths(cf, task, where, sizeof(task));
	cgfd = cg_open(where);
	for (h = 0; h < MAX_HOOKS && bc->hooks[h]; h++) {
		if (cf->where == AT_NONE)
			break;
		for (k = 0; k < cf->nprogs; k++) {
			int fd = checmate_prog(bc->hooks[h], k);

			if ((on ? attach : detach)(cgfd, fd, BPF_CHECMATE)) {
				fprintf(stderr, "%s: %s Checmate program %d on hook %u: %s\n",
					progname, on ? "attaching" : "detaching",
					k, bc->hooks[h], strerror(errno));
				ret = -1;
			}
		}
	}
	if (cf->sockaddr &&
	    (on ? attach : detach)(cgfd, sockaddr_prog(bc->sa_type),
				   bc->sa_type)) {
		fprintf(stderr, "%s: %s sock_addr program: %s\n", progname,
			on ? "attaching" : "detaching", strerror(errno));
		ret = -1;
	}
	close(cgfd);
	return ret;
}

static int run_one(const struct bench_case *bc, const struct config *cf,
		   int id, struct result *r)
{
	int n = bc->exec ? opt_exec_iters : opt_iters, pfd[2], status;
	pid_t pid;

	memset(r, 0, sizeof(*r));
	if (programs(bc, cf, true)) {
		programs(bc, cf, false);
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
	if (programs(bc, cf, false) && !r->err) {
		r->err = EIO;
		snprintf(r->what, sizeof(r->what), "detach");
	}
	return r->err ? -1 : 0;
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

static void summary(const char *unit, int rounds, const bool *use_case,
		    const bool *use_cfg)
{
	double ratio[MAX_ROUNDS], med, min, max, rmed, rmin, rmax;
	size_t i, j;
	int r;

	printf("# %s, over the rounds; ratio: to none in the same round\n", unit);
	printf("#   %-7s %-9s %6s  %15s  %15s  %15s  %s\n", "case", "config",
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
			printf("sum %-7s %-9s %6d  %15.1f  %15.1f  %15.1f  %.3f (%.3f-%.3f)\n",
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
	summary("insn/op", rounds, use_case, use_cfg);
	return bad;
}

/* ---- main -------------------------------------------------------------- */

static void bad_usage(void)
{
	size_t i;

	fprintf(stderr,
		"usage: %s [-r ROUNDS] [-n ITERS] [-e EXEC_ITERS] [-w WARMUP] [-c CASE,...]\n"
		"       [-C CONFIG,...] [-p CPU] [-q]\n"
		"       %s -i INSN_FILE [RUN_LOG]\ncases:", progname, progname);
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
	int rounds = 5, opt, r, seq = 0, failed = 0, ncfg = 0;
	const char *insn_file = NULL;
	int order[NR_CONFIGS];
	struct result res;
	cpu_set_t set;
	size_t i, j;

	memset(use_case, 1, sizeof(use_case));
	memset(use_cfg, 1, sizeof(use_cfg));
	while ((opt = getopt(argc, argv, "r:n:e:w:c:C:p:qi:h")) != -1) {
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
		case 'q':
			quiet = true;
			break;
		case 'i':
			insn_file = optarg;
			break;
		default:
			bad_usage();
		}
	}
	if (insn_file)
		return report(insn_file, optind < argc ? argv[optind] : NULL);
	if (optind != argc || rounds < 1 || rounds > MAX_ROUNDS ||
	    opt_iters < 1 || opt_exec_iters < 1 || opt_cpu < 0 ||
	    opt_cpu >= CPU_SETSIZE)
		bad_usage();
	use_cfg[0] = true;	/* "none" is every ratio's base */
	if (use_cfg[config_index("seccomp")] && prctl(PR_GET_SECCOMP) < 0) {
		printf("# seccomp: skipped, the kernel has no CONFIG_SECCOMP (%s)\n",
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
	for (j = 0; j < NR_CONFIGS; j++)
		if (use_cfg[j])
			order[ncfg++] = j;
	printf("# cpu %d, %d rounds, %d iterations (exec: %d), warm-up ",
	       opt_cpu, rounds, opt_iters, opt_exec_iters);
	if (opt_warmup < 0)
		printf("a tenth of that\n");
	else
		printf("%d\n", opt_warmup);
	printf("#   %-7s %-9s %5s %6s %7s %15s\n", "case", "config", "round",
	       "id", "n", "ns/op");
	clear_vals();
	for (r = 0; r < rounds; r++) {
		for (i = 0; i < NR_CASES; i++) {
			if (!use_case[i])
				continue;
			for (j = 0; j < (size_t)ncfg; j++) {
				const struct config *cf = &configs[order[(j + r) % ncfg]];
				int id = seq++ % NR_IDS, n = opt_iters;

				if (cases[i].exec)
					n = opt_exec_iters;
				if (cf->sockaddr && cases[i].sa_type < 0)
					continue;
				if (run_one(&cases[i], cf, id, &res)) {
					printf("# failed: %s %s round %d: %s: %s\n",
					       cases[i].name, cf->name, r, res.what,
					       strerror(res.err));
					failed = 1;
					continue;
				}
				vals[i][cf - configs][r] = res.ns;
				if (!quiet)
					printf("run %-7s %-9s %5d %6d %7d %15.1f\n",
					       cases[i].name, cf->name, r, id, n,
					       res.ns);
				fflush(stdout);
			}
		}
	}
	summary("ns/op", rounds, use_case, use_cfg);
	cg_tree(false);
	return failed;
}
