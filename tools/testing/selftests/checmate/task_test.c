// SPDX-License-Identifier: GPL-2.0
/*
 * Checmate LSM - tests of the task and capability hooks
 *
 * ptrace_access_check, ptrace_traceme, task_kill, userns_create and
 * capable. The test runs in cgroup P/a; programs are attached to P/a, to
 * its sibling P/b or to its parent P. The operations act on processes the
 * test forks ("kids"), which block every signal they can, so that a
 * signal sent to one stays pending where /proc/PID/status shows it, and
 * which run an action of the test when told to (so that a kid can be the
 * subject of an operation too).
 *
 * For each hook: a program returning 0 lets the operation through; a deny
 * fails it with the errno the kernel then gives (the program's own where
 * the kernel passes it on) and the operation has no effect; a program
 * attached to the hook that copies its context to an array map shows every
 * field with the value the test knows (pids, uids, modes, codes,
 * relations, capability and namespace); a program attached to the
 * sibling cgroup does not govern the test, one attached to the parent
 * does; and every system call that reaches the hook is tried.
 *
 * A program attached to the hook of a cgroup governs every process in it,
 * the test's included: deny programs here only deny what the test aims
 * at (a given target, tracer or capability), never everything.
 *
 * Not covered (the test says so where it skips):
 * - process_vm_readv(2), process_vm_writev(2) and kcmp(2) where the kernel
 *   is built without CONFIG_CROSS_MEMORY_ATTACH or CONFIG_KCMP (ENOSYS).
 * - The relation USERNS cleared for the ptrace hooks: a tracer whose user
 *   namespace is not the tracee's nor an ancestor of it never has
 *   CAP_SYS_PTRACE over the tracee, and the capability LSM, which always
 *   runs first, denies before Checmate runs. task_kill shows it cleared.
 * - kill(0, sig), which signals the process group of the test runner.
 */

/* First: it defines _GNU_SOURCE. */
#include "common.h"

#include <linux/capability.h>
#include <linux/landlock.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/resource.h>
#include <sys/uio.h>
#include <sys/utsname.h>
#include <sys/wait.h>

#ifndef __NR_pidfd_send_signal
#define __NR_pidfd_send_signal 424
#endif
#ifndef __NR_pidfd_open
#define __NR_pidfd_open 434
#endif
#ifndef __NR_clone3
#define __NR_clone3 435
#endif
#ifndef __NR_pidfd_getfd
#define __NR_pidfd_getfd 438
#endif
#ifndef __NR_landlock_create_ruleset
#define __NR_landlock_create_ruleset 444
#endif
#ifndef __NR_landlock_restrict_self
#define __NR_landlock_restrict_self 446
#endif
/* <linux/pidfd.h> includes <linux/fcntl.h>, which glibc's conflicts with */
#ifndef PIDFD_SIGNAL_THREAD
#define PIDFD_SIGNAL_THREAD		1UL
#define PIDFD_SIGNAL_THREAD_GROUP	2UL
#define PIDFD_SIGNAL_PROCESS_GROUP	4UL
#endif
#ifndef KCMP_VM
#define KCMP_VM 1
#endif

/* An errno no operation here returns by itself: only the program's. */
#define PROG_ERRNO	ENOTUNIQ

/* Results of the kids' actions beyond errnos. */
#define BAD_EFFECT	10001	/* the operation's effect is not as it returned */
#define KID_DIED	(-10000)

/* Relations, shorter. */
#define R_DESC		CHECMATE_REL_DESCENDANT
#define R_CG		CHECMATE_REL_SAME_CGROUP
#define R_NS		CHECMATE_REL_USERNS
#define R_CAP		CHECMATE_REL_CAP
#define R_SELF		CHECMATE_REL_SELF

/* Modes of ptrace_access_check. */
#define M_READ		CHECMATE_PTRACE_MODE_READ
#define M_ATTACH	CHECMATE_PTRACE_MODE_ATTACH
#define M_NOAUDIT	CHECMATE_PTRACE_MODE_NOAUDIT
#define M_FS		CHECMATE_PTRACE_MODE_FSCREDS
#define M_REAL		CHECMATE_PTRACE_MODE_REALCREDS

/* Offsets in the contexts. */
#define PT(f)		offsetof(struct checmate_ptrace_access_check_ctx, f)
#define TM(f)		offsetof(struct checmate_ptrace_traceme_ctx, f)
#define TK(f)		offsetof(struct checmate_task_kill_ctx, f)
#define UN(f)		offsetof(struct checmate_userns_create_ctx, f)
#define CP(f)		offsetof(struct checmate_capable_ctx, f)

#define WORDS(type)	(sizeof(struct type) / 4)

/* Context records of MAX_REC calls, REC_WORDS words each. */
#define MAX_REC		8
#define REC_WORDS	8
#include "record.h"

/* A program that returns -@err unless the field at @off is @val. */
static int load_deny_unless(__u32 hook, int err, int off, __u32 val)
{
	struct insns p = { .n = 0 };

	emit(&p, LDX_W(BPF_REG_2, BPF_REG_1, off));
	emit(&p, MOV64_IMM(BPF_REG_0, 0));
	emit(&p, JEQ32_IMM(BPF_REG_2, val, 1));
	emit(&p, MOV64_IMM(BPF_REG_0, -err));
	emit(&p, EXIT());
	return load_insns_buf(hook, &p);
}

#define deny_if(hook, err, ...) ({					\
	const struct match __m[] = { __VA_ARGS__ };			\
	load_match_all(hook, err, __m, ARRAY_SIZE(__m));			\
})

/*
 * The state of a test. Each test runs in a process of its own (the
 * harness forks it), so it can be global.
 */
static struct {
	char cg[64], cga[80], cgb[80];	/* P, P/a, P/b; the test runs in P/a */
	int pfd, afd, bfd;
	char dir[64], file[96];		/* a directory and file of the test */
	int nprogs;
	struct {
		int cgfd, prog;
	} progs[32];			/* attached, to detach at teardown */
} E;

/* Some memory, at the same address in the test and its kids. */
static char marker[32] = "checmate task marker";

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

static void detach_all(void)
{
	while (E.nprogs) {
		E.nprogs--;
		prog_detach(E.progs[E.nprogs].cgfd, E.progs[E.nprogs].prog);
		close(E.progs[E.nprogs].prog);
	}
}

/* A record map and a program recording @hook's context into it. */
static int record(struct __test_metadata *const _metadata, int cgfd,
		  __u32 hook, int words, const struct match *m, int n)
{
	int map = rec_map_new();

	ASSERT_LE(0, map) TH_LOG("BPF_MAP_CREATE: %s", strerror(errno));
	attach(_metadata, cgfd, load_record_if(hook, map, words, m, n, 0));
	return map;
}

#define record_if(cgfd, hook, words, ...) ({				\
	const struct match __m[] = { __VA_ARGS__ };			\
	record(_metadata, cgfd, hook, words, __m, ARRAY_SIZE(__m));	\
})

static void rec_reset(struct __test_metadata *const _metadata, int map)
{
	struct rec r;

	memset(&r, 0, sizeof(r));
	ASSERT_EQ(0, map_update(map, 0, &r)) TH_LOG("update: %s", strerror(errno));
}

static void dump_rec(struct __test_metadata *const _metadata,
		     const struct rec *r, int words)
{
	__u32 i;
	int w;

	for (i = 0; i < r->n && i < MAX_REC; i++) {
		char line[256];
		int len = 0;

		for (w = 0; w < words; w++)
			len += snprintf(line + len, sizeof(line) - len, " %#x",
					r->ctx[i][w]);
		TH_LOG("record %u:%s", i, line);
	}
}

/*
 * Expects the map to hold exactly @n records (n <= MAX_REC), each whose
 * words are @want (in some order if @n > 1: each wanted record is looked
 * up by all its words).
 */
static void expect_recs(struct __test_metadata *const _metadata, int map,
			const char *what, __u32 n, int words,
			const __u32 (*want)[REC_WORDS])
{
	struct rec r = read_rec(_metadata, map);
	int used[MAX_REC] = { 0 };
	__u32 i, j;
	int ok = 1;

	EXPECT_EQ(n, r.n) TH_LOG("%s: %u calls seen, %u expected", what, r.n,
				 n);
	if (r.n != n)
		ok = 0;
	for (i = 0; ok && i < n; i++) {
		for (j = 0; j < n; j++)
			if (!used[j] && !memcmp(r.ctx[j], want[i], words * 4))
				break;
		if (j == n) {
			char line[256];
			int w, len = 0;

			for (w = 0; w < words; w++)
				len += snprintf(line + len, sizeof(line) - len,
						" %#x", want[i][w]);
			EXPECT_TRUE(0) TH_LOG("%s: not seen:%s", what, line);
			ok = 0;
			break;
		}
		used[j] = 1;
	}
	if (!ok)
		dump_rec(_metadata, &r, words);
}

/* As expect_recs() for one record, given as its words. */
#define expect_rec(map, what, words, ...) do {				\
	const __u32 __w[1][REC_WORDS] = { { __VA_ARGS__ } };		\
	expect_recs(_metadata, map, what, 1, words, __w);		\
} while (0)

#define expect_none(map, what) expect_recs(_metadata, map, what, 0, 0, NULL)

/*
 * Kids: processes the test forks. A kid blocks every signal it can, runs
 * a step of its function when told to (step 0 at once: its preparation)
 * and reports the step's result (an int) back. The test's teardown kills
 * every kid with cgroup.kill.
 */
typedef int (*kid_fn)(void *arg, int step);

struct kid {
	pid_t pid;
	int go;		/* one byte per step, to the kid */
	int res;	/* one int per step, from the kid */
	int kid_res;	/* the number of the kid's own end of res */
};

static int kid_start(struct kid *k, kid_fn fn, void *arg)
{
	int go[2], res[2], r, step;
	sigset_t all;
	char c;

	if (pipe(go) || pipe(res))
		return -errno;
	k->pid = fork();
	if (k->pid < 0)
		return -errno;
	if (k->pid == 0) {
		sigfillset(&all);
		sigprocmask(SIG_BLOCK, &all, NULL);
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		close(go[1]);
		close(res[0]);
		for (step = 0;; step++) {
			if (step && read(go[0], &c, 1) != 1)
				_exit(0);
			r = fn ? fn(arg, step) : 0;
			if (write(res[1], &r, sizeof(r)) != sizeof(r))
				_exit(1);
		}
	}
	close(go[0]);
	close(res[1]);
	k->go = go[1];
	k->res = res[0];
	k->kid_res = res[1];
	if (read(k->res, &r, sizeof(r)) != sizeof(r))
		return KID_DIED;
	return r;
}

/* Runs the kid's next step; returns its result. */
static int kid_do(struct kid *k)
{
	int r;

	if (write(k->go, "g", 1) != 1 || read(k->res, &r, sizeof(r)) != sizeof(r))
		return KID_DIED;
	return r;
}

/* Moves the calling process into cgroup @path: 0 or an errno. */
static int enter_cg(const char *path)
{
	char full[256], pid[32];

	snprintf(full, sizeof(full), CGROOT "/%s/cgroup.procs", path);
	snprintf(pid, sizeof(pid), "%d", getpid());
	return write_str(full, pid) ? errno : 0;
}

/* Drops the capabilities of @mask from the effective, permitted and
 * inheritable sets: 0 or an errno.
 */
static int drop_caps(__u64 mask)
{
	struct __user_cap_header_struct h = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct d[2];
	int i;

	if (syscall(SYS_capget, &h, d))
		return errno;
	for (i = 0; i < 2; i++) {
		d[i].effective &= ~(__u32)(mask >> (32 * i));
		d[i].permitted &= ~(__u32)(mask >> (32 * i));
		d[i].inheritable &= ~(__u32)(mask >> (32 * i));
	}
	return syscall(SYS_capset, &h, d) ? errno : 0;
}

/*
 * An actor: a kid that prepares itself as told (step 0), then runs its
 * act at each further step.
 */
struct actor {
	/* preparation, in this order */
	const char *cg;		/* cgroup to enter */
	uid_t ruid, euid;	/* setresuid(ruid, euid, euid) if ruid or euid */
	__u64 drop;		/* capabilities to drop */
	int pgrp;		/* setpgid(0, 0) */
	int unshare;		/* namespaces to unshare */
	struct actor *gc;	/* a grandchild to start: step 0 returns its pid */
	/* what each further step does */
	int (*act)(struct actor *a);
	pid_t target;
	int sig;
	int n;			/* step number, for acts that do several */
	struct kid g;		/* the grandchild */
};

static int actor_fn(void *arg, int step)
{
	struct actor *a = arg;
	int r;

	if (step) {
		a->n = step;
		return a->act ? a->act(a) : 0;
	}
	if (a->cg) {
		r = enter_cg(a->cg);
		if (r)
			return -r;
	}
	if ((a->ruid || a->euid) && setresuid(a->ruid, a->euid, a->euid))
		return -errno;
	/* A change of credentials clears these. */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	prctl(PR_SET_DUMPABLE, 1);
	if (a->drop) {
		r = drop_caps(a->drop);
		if (r)
			return -r;
	}
	if (a->pgrp && setpgid(0, 0))
		return -errno;
	if (a->unshare && unshare(a->unshare))
		return -errno;
	if (a->gc) {
		r = kid_start(&a->g, actor_fn, a->gc);
		if (r)
			return r < 0 ? r : -r;
		return a->g.pid;
	}
	return 0;
}

/* Starts actor @a as a kid; returns what its preparation returned. */
#define start(k, a) ({							\
	int __r = kid_start(k, actor_fn, a);				\
	ASSERT_LE(0, __r) TH_LOG("kid preparation: %d", __r);		\
	__r;								\
})

/* A kid that only waits. */
static pid_t idle_kid(struct __test_metadata *const _metadata)
{
	static struct actor idle;
	struct kid k;

	start(&k, &idle);
	return k.pid;
}

/* Field @key (with its colon) of a /proc status file, in @base. */
static unsigned long long status_field(struct __test_metadata *const _metadata,
				       pid_t pid, pid_t tid, const char *key,
				       int base)
{
	char path[64], buf[8192], needle[32], *p;
	ssize_t n, len = 0;
	int fd;

	if (tid)
		snprintf(path, sizeof(path), "/proc/%d/task/%d/status", pid,
			 tid);
	else
		snprintf(path, sizeof(path), "/proc/%d/status", pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	EXPECT_LE(0, fd) TH_LOG("open %s: %s", path, strerror(errno));
	if (fd < 0)
		return ~0ULL;
	while ((n = read(fd, buf + len, sizeof(buf) - 1 - len)) > 0)
		len += n;
	close(fd);
	buf[len] = 0;
	snprintf(needle, sizeof(needle), "\n%s", key);
	p = strstr(buf, needle);
	EXPECT_NE(NULL, p) TH_LOG("%s: no %s", path, key);
	if (!p)
		return ~0ULL;
	return strtoull(p + strlen(needle), NULL, base);
}

#define SIGBIT(s)	(1ULL << ((s) - 1))

/* Whether @sig is pending for process @pid (shared pending). */
#define shd_pending(pid, sig)						\
	(!!(status_field(_metadata, pid, 0, "ShdPnd:", 16) & SIGBIT(sig)))
/* Whether @sig is pending for thread @tid of @pid. */
#define thr_pending(pid, tid, sig)					\
	(!!(status_field(_metadata, pid, tid, "SigPnd:", 16) & SIGBIT(sig)))
#define tracer_of(pid)	((pid_t)status_field(_metadata, pid, 0, "TracerPid:", 10))

/* 0 if the call succeeded, its errno otherwise. */
static int sys_ret(long ret)
{
	return ret < 0 ? errno : 0;
}

static int sys_pidfd_open(pid_t pid, unsigned int flags)
{
	return syscall(__NR_pidfd_open, pid, flags);
}

/*
 * Cgroups P, P/a and P/b, the test process in P/a, as a child subreaper
 * (the grandchildren of the test are its to reap). A directory for files.
 */
static void env_setup(struct __test_metadata *const _metadata)
{
	memset(&E, 0, sizeof(E));
	snprintf(E.cg, sizeof(E.cg), "checmate_task_%d", getpid());
	snprintf(E.cga, sizeof(E.cga), "%s/a", E.cg);
	snprintf(E.cgb, sizeof(E.cgb), "%s/b", E.cg);
	E.pfd = cg_create(_metadata, E.cg);
	E.afd = cg_create(_metadata, E.cga);
	E.bfd = cg_create(_metadata, E.cgb);
	cg_enter(_metadata, E.cga);
	ASSERT_EQ(0, prctl(PR_SET_CHILD_SUBREAPER, 1));

	ASSERT_TRUE(!mkdir("/tmp", 01777) || errno == EEXIST);
	snprintf(E.dir, sizeof(E.dir), "/tmp/checmate_task_%d", getpid());
	ASSERT_EQ(0, mkdir(E.dir, 0755)) TH_LOG("mkdir %s: %s", E.dir,
						strerror(errno));
	snprintf(E.file, sizeof(E.file), "%s/f", E.dir);
}

/* Without cgroup.kill: SIGKILL to every process of cgroup @cg, once. */
static void kill_cg(const char *cg)
{
	char path[256];
	FILE *f;
	int pid;

	snprintf(path, sizeof(path), CGROOT "/%s/cgroup.procs", cg);
	f = fopen(path, "re");
	if (!f)
		return;
	while (fscanf(f, "%d", &pid) == 1)
		kill(pid, SIGKILL);
	fclose(f);
}

static void rmdir_retry(const char *path)
{
	int i;

	for (i = 0; i < 500 && rmdir(path) && errno == EBUSY; i++)
		usleep(10000);
}

static void env_teardown(struct __test_metadata *const _metadata)
{
	char path[256];
	int fd;

	detach_all();
	/* Out of P, then kill everything left in it and reap. */
	snprintf(path, sizeof(path), CGROOT "/cgroup.procs");
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd >= 0) {
		dprintf(fd, "%d", getpid());
		close(fd);
	}
	snprintf(path, sizeof(path), CGROOT "/%s/cgroup.kill", E.cg);
	if (write_str(path, "1")) {
		TH_LOG("%s: %s", path, strerror(errno));
		kill_cg(E.cga);
		kill_cg(E.cgb);
	}
	while (waitpid(-1, NULL, __WALL) > 0 || errno == EINTR)
		;
	close(E.afd);
	close(E.bfd);
	close(E.pfd);
	snprintf(path, sizeof(path), CGROOT "/%s", E.cga);
	rmdir_retry(path);
	snprintf(path, sizeof(path), CGROOT "/%s", E.cgb);
	rmdir_retry(path);
	snprintf(path, sizeof(path), CGROOT "/%s", E.cg);
	rmdir_retry(path);
	unlink(E.file);
	rmdir(E.dir);
}

FIXTURE(task) {
	int unused;
};

FIXTURE_SETUP(task)
{
	env_setup(_metadata);
}

FIXTURE_TEARDOWN(task)
{
	env_teardown(_metadata);
}

/*
 * ptrace_access_check
 */

/* Reads /proc/@pid/@name: 0 or an errno. */
static int read_proc(pid_t pid, const char *name)
{
	char path[64], buf[256];
	int fd, err = 0;

	snprintf(path, sizeof(path), "/proc/%d/%s", pid, name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno;
	if (read(fd, buf, sizeof(buf)) < 0)
		err = errno;
	close(fd);
	return err;
}

/* The target of an act: the one given, else the actor's grandchild. */
static pid_t tgt(struct actor *a)
{
	return a->target ? a->target : a->g.pid;
}

static int act_environ(struct actor *a)
{
	return read_proc(tgt(a), "environ");
}

/* Field @n (from 1) of /proc/@pid/stat, or ~0ULL. */
static unsigned long long stat_field(pid_t pid, int n)
{
	char path[64], buf[2048], *p;
	ssize_t len;
	int fd, i;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return ~0ULL;
	len = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (len <= 0)
		return ~0ULL;
	buf[len] = 0;
	p = strrchr(buf, ')');
	if (!p)
		return ~0ULL;
	/* p + 1 is " field3 field4 ..." */
	for (i = 2; i < n && p; i++)
		p = strchr(p + 1, ' ');
	return p ? strtoull(p + 1, NULL, 10) : ~0ULL;
}

/* How the ptrace paths are taken, and how to tell their effect. */
struct pt_op {
	int (*op)(struct __test_metadata *const _metadata, struct kid *k,
		  int allowed);
	__u32 mode;
	int deny_errno;	/* what the call fails with when the program denies */
};

static int pt_attach(struct __test_metadata *const _metadata, struct kid *k,
		     int allowed)
{
	int err = sys_ret(ptrace(PTRACE_ATTACH, k->pid, 0, 0)), status;

	if (allowed && !err) {
		EXPECT_EQ(k->pid, waitpid(k->pid, &status, __WALL));
		EXPECT_TRUE(WIFSTOPPED(status) && WSTOPSIG(status) == SIGSTOP)
			TH_LOG("status %#x", status);
		EXPECT_EQ(getpid(), tracer_of(k->pid));
	} else {
		EXPECT_EQ(0, waitpid(k->pid, &status, WNOHANG | __WALL));
		EXPECT_EQ(0, tracer_of(k->pid));
	}
	return err;
}

static int pt_seize(struct __test_metadata *const _metadata, struct kid *k,
		    int allowed)
{
	int err = sys_ret(ptrace(PTRACE_SEIZE, k->pid, 0, 0));

	EXPECT_EQ(allowed && !err ? getpid() : 0, tracer_of(k->pid));
	return err;
}

static int pt_mem(struct __test_metadata *const _metadata, struct kid *k,
		  int allowed)
{
	char path[64], buf[sizeof(marker)];
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/mem", k->pid);
	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return errno;
	/* What the open gave: the kid's memory. */
	EXPECT_EQ(sizeof(buf), pread(fd, buf, sizeof(buf),
				     (off_t)(unsigned long)marker));
	EXPECT_EQ(0, memcmp(buf, marker, sizeof(buf)));
	close(fd);
	return 0;
}

static int pt_environ(struct __test_metadata *const _metadata, struct kid *k,
		      int allowed)
{
	char path[64], buf[64];
	int fd, err = 0;

	snprintf(path, sizeof(path), "/proc/%d/environ", k->pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno;
	if (read(fd, buf, sizeof(buf)) < 0)
		err = errno;
	close(fd);
	return err;
}

/*
 * /proc/PID/stat asks quietly (NOAUDIT) and shows less when refused: the
 * start of the code segment (field 26) reads 1.
 */
static int pt_stat(struct __test_metadata *const _metadata, struct kid *k,
		   int allowed)
{
	unsigned long long startcode = stat_field(k->pid, 26);

	EXPECT_NE(~0ULL, startcode);
	/* a denied check only hides the field: it reads 1 */
	EXPECT_EQ(allowed, startcode > 1) TH_LOG("startcode %llu", startcode);
	return 0;
}

static int pt_readv(struct __test_metadata *const _metadata, struct kid *k,
		    int allowed)
{
	char buf[sizeof(marker)] = "";
	struct iovec local = { buf, sizeof(buf) };
	struct iovec remote = { marker, sizeof(marker) };
	ssize_t n;

	n = syscall(SYS_process_vm_readv, k->pid, &local, 1, &remote, 1, 0);
	if (n < 0) {
		EXPECT_EQ(0, buf[0]);
		return errno;
	}
	EXPECT_EQ(sizeof(buf), n);
	EXPECT_EQ(0, memcmp(buf, marker, sizeof(buf)));
	return 0;
}

static int pt_writev(struct __test_metadata *const _metadata, struct kid *k,
		     int allowed)
{
	char buf[sizeof(marker)] = "written by the test";
	struct iovec local = { buf, sizeof(buf) };
	struct iovec remote = { marker, sizeof(marker) };
	ssize_t n;
	int err = 0;

	/*
	 * The count of bytes written is the effect: the access check comes
	 * before any write. (Reading the kid's memory back would be a second
	 * ptrace access check, which the recorder would see.)
	 */
	n = syscall(SYS_process_vm_writev, k->pid, &local, 1, &remote, 1, 0);
	if (n < 0)
		err = errno;
	else
		EXPECT_EQ(sizeof(buf), n);
	return err;
}

static int pt_getfd(struct __test_metadata *const _metadata, struct kid *k,
		    int allowed)
{
	struct stat st;
	int pidfd, fd;

	pidfd = sys_pidfd_open(k->pid, 0);
	EXPECT_LE(0, pidfd) TH_LOG("pidfd_open: %s", strerror(errno));
	fd = syscall(__NR_pidfd_getfd, pidfd, k->kid_res, 0);
	close(pidfd);
	if (fd < 0)
		return errno;
	/* The kid's end of its result pipe. */
	EXPECT_EQ(0, fstat(fd, &st));
	EXPECT_TRUE(S_ISFIFO(st.st_mode));
	close(fd);
	return 0;
}

static int pt_kcmp(struct __test_metadata *const _metadata, struct kid *k,
		   int allowed)
{
	long r = syscall(SYS_kcmp, getpid(), k->pid, KCMP_VM, 0, 0);

	if (r < 0)
		return errno;
	/* Different address spaces: 1 or 2, never 0 (equal). */
	EXPECT_TRUE(r == 1 || r == 2) TH_LOG("kcmp: %ld", r);
	return 0;
}

FIXTURE(ptrace_path) {
	int unused;
};

FIXTURE_VARIANT(ptrace_path) {
	struct pt_op op;
};

FIXTURE_SETUP(ptrace_path)
{
	env_setup(_metadata);
}

FIXTURE_TEARDOWN(ptrace_path)
{
	env_teardown(_metadata);
}

/* ptrace(2) passes the program's errno on. */
FIXTURE_VARIANT_ADD(ptrace_path, attach) {
	.op = { pt_attach, M_ATTACH | M_REAL, PROG_ERRNO },
};

FIXTURE_VARIANT_ADD(ptrace_path, seize) {
	.op = { pt_seize, M_ATTACH | M_REAL, PROG_ERRNO },
};

/* /proc/PID/mem and environ fail with EACCES whatever the program said. */
FIXTURE_VARIANT_ADD(ptrace_path, proc_mem) {
	.op = { pt_mem, M_ATTACH | M_FS, EACCES },
};

FIXTURE_VARIANT_ADD(ptrace_path, proc_environ) {
	.op = { pt_environ, M_READ | M_FS, EACCES },
};

/* Does not fail: shows less. */
FIXTURE_VARIANT_ADD(ptrace_path, proc_stat_noaudit) {
	.op = { pt_stat, M_READ | M_FS | M_NOAUDIT, 0 },
};

/* These fail with EPERM whatever the program said. */
FIXTURE_VARIANT_ADD(ptrace_path, process_vm_readv) {
	.op = { pt_readv, M_ATTACH | M_REAL, EPERM },
};

FIXTURE_VARIANT_ADD(ptrace_path, process_vm_writev) {
	.op = { pt_writev, M_ATTACH | M_REAL, EPERM },
};

FIXTURE_VARIANT_ADD(ptrace_path, pidfd_getfd) {
	.op = { pt_getfd, M_ATTACH | M_REAL, EPERM },
};

FIXTURE_VARIANT_ADD(ptrace_path, kcmp) {
	.op = { pt_kcmp, M_READ | M_REAL, EPERM },
};

/*
 * Each path, to a kid with distinct real and effective uids: denied (the
 * program sees the call, the call fails, nothing happens), then allowed.
 */
TEST_F(ptrace_path, deny_then_allow)
{
	struct actor a = { .ruid = 1000, .euid = 1001 };
	int map, deny, err;
	struct kid k;

	start(&k, &a);
	map = record_if(E.afd, CHECMATE_HOOK_PTRACE_ACCESS_CHECK,
			WORDS(checmate_ptrace_access_check_ctx),
			EQ(PT(target.tgid), k.pid));
	deny = attach(_metadata, E.afd,
		      deny_if(CHECMATE_HOOK_PTRACE_ACCESS_CHECK, PROG_ERRNO,
			      EQ(PT(target.tgid), k.pid)));

	err = variant->op.op(_metadata, &k, 0);
	EXPECT_EQ(variant->op.deny_errno, err) TH_LOG("denied: %s",
						      strerror(err));
	expect_rec(map, "denied", WORDS(checmate_ptrace_access_check_ctx),
		   k.pid, k.pid, 1000, 1001, variant->op.mode,
		   R_DESC | R_CG | R_NS | R_CAP);

	detach(_metadata, deny);
	rec_reset(_metadata, map);
	err = variant->op.op(_metadata, &k, 1);
	EXPECT_EQ(0, err) TH_LOG("allowed: %s", strerror(err));
	expect_rec(map, "allowed", WORDS(checmate_ptrace_access_check_ctx),
		   k.pid, k.pid, 1000, 1001, variant->op.mode,
		   R_DESC | R_CG | R_NS | R_CAP);
}

/* A program returning 0 lets PTRACE_ATTACH through. */
TEST_F(task, ptrace_allow)
{
	pid_t pid = idle_kid(_metadata);
	int status;

	attach(_metadata, E.afd, load_ret(CHECMATE_HOOK_PTRACE_ACCESS_CHECK, 0));
	ASSERT_EQ(0, ptrace(PTRACE_ATTACH, pid, 0, 0))
		TH_LOG("PTRACE_ATTACH: %s", strerror(errno));
	ASSERT_EQ(pid, waitpid(pid, &status, __WALL));
	EXPECT_TRUE(WIFSTOPPED(status));
	EXPECT_EQ(getpid(), tracer_of(pid));
	EXPECT_EQ(0, ptrace(PTRACE_DETACH, pid, 0, 0));
	EXPECT_EQ(0, tracer_of(pid));
}

/*
 * Records the ptrace_access_check calls on @target while @actor (a kid),
 * or the test if NULL, reads /proc/@target/environ, and expects one with
 * relations @rel.
 */
static void pt_rel(struct __test_metadata *const _metadata, const char *what,
		   pid_t target, struct kid *actor, __u32 rel)
{
	int map, err;

	map = record_if(E.afd, CHECMATE_HOOK_PTRACE_ACCESS_CHECK,
			WORDS(checmate_ptrace_access_check_ctx),
			EQ(PT(target.tgid), target));
	err = actor ? kid_do(actor) : read_proc(target, "environ");
	EXPECT_EQ(0, err) TH_LOG("%s", what);
	expect_rec(map, what, WORDS(checmate_ptrace_access_check_ctx),
		   target, target, 0, 0, M_READ | M_FS, rel);
	detach_all();
	close(map);
}

/*
 * Relations, seen through /proc/PID/environ (READ | FSCREDS): from the
 * test to a kid in its cgroup, in the sibling cgroup, in a user namespace
 * of its own, and to a grandchild; from a kid to its sibling and to its
 * parent; from a kid without CAP_SYS_PTRACE to its own child.
 */
TEST_F(task, ptrace_relations)
{
	struct actor idle = { 0 }, in_b = { .cg = E.cgb };
	struct actor in_ns = { .unshare = CLONE_NEWUSER }, gp = { .gc = &idle };
	struct actor sib = { .act = act_environ }, up = { .act = act_environ };
	struct actor capless = {
		.drop = 1ULL << CAP_SYS_PTRACE, .gc = &idle,
		.act = act_environ,
	};
	struct kid k, kb, kn, kg, ks, ku, kc;
	pid_t g, gc;

	start(&k, &idle);
	start(&kb, &in_b);
	start(&kn, &in_ns);
	g = start(&kg, &gp);
	sib.target = k.pid;
	start(&ks, &sib);
	up.target = getpid();
	start(&ku, &up);
	gc = start(&kc, &capless);

	pt_rel(_metadata, "child", k.pid, NULL, R_DESC | R_CG | R_NS | R_CAP);
	pt_rel(_metadata, "child in P/b", kb.pid, NULL, R_DESC | R_NS | R_CAP);
	pt_rel(_metadata, "child in a user namespace", kn.pid, NULL,
	       R_DESC | R_CG | R_NS | R_CAP);
	pt_rel(_metadata, "grandchild", g, NULL, R_DESC | R_CG | R_NS | R_CAP);
	pt_rel(_metadata, "sibling", k.pid, &ks, R_CG | R_NS | R_CAP);
	pt_rel(_metadata, "parent", getpid(), &ku, R_CG | R_NS | R_CAP);
	pt_rel(_metadata, "without CAP_SYS_PTRACE", gc, &kc,
	       R_DESC | R_CG | R_NS);
}

struct thread_arg {
	pid_t tid;
	int err;
	int ready[2];	/* thread to test */
	int go[2];	/* test to thread */
};

/* Reads the environ of its process; waits for the test to end. */
static void *thread_fn(void *p)
{
	struct thread_arg *t = p;
	char c;

	t->err = read_proc(getpid(), "environ");
	t->tid = gettid();
	if (write(t->ready[1], "r", 1) != 1 || read(t->go[0], &c, 1) != 1)
		t->err = -1;
	return NULL;
}

/*
 * A process's threads inspecting each other are not checked (the kernel
 * lets them before asking any LSM): a program never sees SELF, and its
 * deny does not apply.
 */
TEST_F(task, ptrace_self_not_seen)
{
	struct actor up = { .act = act_environ };
	struct thread_arg t = { 0 };
	char path[64], c;
	pthread_t thr;
	struct kid k;
	int map;

	map = record_if(E.afd, CHECMATE_HOOK_PTRACE_ACCESS_CHECK,
			WORDS(checmate_ptrace_access_check_ctx),
			EQ(PT(target.tgid), getpid()));
	attach(_metadata, E.afd,
	       deny_if(CHECMATE_HOOK_PTRACE_ACCESS_CHECK, PROG_ERRNO,
		       EQ(PT(target.tgid), getpid())));
	ASSERT_EQ(0, pipe(t.ready));
	ASSERT_EQ(0, pipe(t.go));
	ASSERT_EQ(0, pthread_create(&thr, NULL, thread_fn, &t));
	ASSERT_EQ(1, read(t.ready[0], &c, 1));
	/* the thread to the main thread */
	EXPECT_EQ(0, t.err);
	/* the main thread to the other */
	snprintf(path, sizeof(path), "task/%d/environ", t.tid);
	EXPECT_EQ(0, read_proc(getpid(), path));
	EXPECT_EQ(1, write(t.go[1], "q", 1));
	EXPECT_EQ(0, pthread_join(thr, NULL));
	expect_none(map, "own threads");

	/* Another process is checked, and denied */
	up.target = getpid();
	start(&k, &up);
	EXPECT_EQ(EACCES, kid_do(&k));
	expect_rec(map, "a kid", WORDS(checmate_ptrace_access_check_ctx),
		   getpid(), getpid(), 0, 0, M_READ | M_FS, R_CG | R_NS | R_CAP);
}

/*
 * A program of the sibling cgroup does not govern the test; one of the
 * parent does, even against an allow of the test's own cgroup.
 */
TEST_F(task, ptrace_scope)
{
	pid_t pid = idle_kid(_metadata);
	int map;

	map = record_if(E.bfd, CHECMATE_HOOK_PTRACE_ACCESS_CHECK,
			WORDS(checmate_ptrace_access_check_ctx),
			EQ(PT(target.tgid), pid));
	attach(_metadata, E.bfd,
	       deny_if(CHECMATE_HOOK_PTRACE_ACCESS_CHECK, PROG_ERRNO,
		       EQ(PT(target.tgid), pid)));
	EXPECT_EQ(0, read_proc(pid, "environ"));
	expect_none(map, "program of P/b");
	detach_all();

	map = record_if(E.pfd, CHECMATE_HOOK_PTRACE_ACCESS_CHECK,
			WORDS(checmate_ptrace_access_check_ctx),
			EQ(PT(target.tgid), pid));
	attach(_metadata, E.pfd,
	       deny_if(CHECMATE_HOOK_PTRACE_ACCESS_CHECK, PROG_ERRNO,
		       EQ(PT(target.tgid), pid)));
	attach(_metadata, E.afd,
	       load_ret(CHECMATE_HOOK_PTRACE_ACCESS_CHECK, 0));
	EXPECT_EQ(-1, ptrace(PTRACE_ATTACH, pid, 0, 0));
	EXPECT_EQ(PROG_ERRNO, errno);
	EXPECT_EQ(0, tracer_of(pid));
	expect_rec(map, "program of P", WORDS(checmate_ptrace_access_check_ctx),
		   pid, pid, 0, 0, M_ATTACH | M_REAL,
		   R_DESC | R_CG | R_NS | R_CAP);
	EXPECT_EQ(EACCES, read_proc(pid, "environ"));
	detach_all();
	EXPECT_EQ(0, read_proc(pid, "environ"));
}

/*
 * ptrace_traceme
 */

static int act_traceme(struct actor *a)
{
	return sys_ret(ptrace(PTRACE_TRACEME, 0, 0, 0));
}

/* Runs the grandchild's next step. */
static int act_gc(struct actor *a)
{
	return kid_do(&a->g);
}

/*
 * A tracer with real uid 1000 and effective uid 0 (it keeps its
 * capabilities), whose child asks to be traced by it.
 */
TEST_F(task, traceme_allow)
{
	struct actor tracee = { .act = act_traceme };
	struct actor tracer = {
		.ruid = 1000, .euid = 0, .gc = &tracee, .act = act_gc,
	};
	struct kid t, k;
	int map;
	pid_t g;

	g = start(&t, &tracer);
	map = record_if(E.afd, CHECMATE_HOOK_PTRACE_TRACEME,
			WORDS(checmate_ptrace_traceme_ctx),
			EQ(TM(tracer.tgid), t.pid));
	attach(_metadata, E.afd, load_ret(CHECMATE_HOOK_PTRACE_TRACEME, 0));
	EXPECT_EQ(0, kid_do(&t));
	EXPECT_EQ(t.pid, tracer_of(g));
	expect_rec(map, "tracer", WORDS(checmate_ptrace_traceme_ctx),
		   t.pid, t.pid, 1000, 0, M_ATTACH,
		   R_DESC | R_CG | R_NS | R_CAP);
	detach_all();

	/* The test as the tracer */
	start(&k, &tracee);
	map = record_if(E.afd, CHECMATE_HOOK_PTRACE_TRACEME,
			WORDS(checmate_ptrace_traceme_ctx),
			EQ(TM(tracer.tgid), getpid()));
	EXPECT_EQ(0, kid_do(&k));
	EXPECT_EQ(getpid(), tracer_of(k.pid));
	expect_rec(map, "the test", WORDS(checmate_ptrace_traceme_ctx),
		   getpid(), getpid(), 0, 0, M_ATTACH,
		   R_DESC | R_CG | R_NS | R_CAP);
}

TEST_F(task, traceme_deny)
{
	struct actor tracee = { .act = act_traceme };
	struct actor tracer = {
		.ruid = 1000, .euid = 0, .gc = &tracee, .act = act_gc,
	};
	struct kid t;
	int map;
	pid_t g;

	g = start(&t, &tracer);
	map = record_if(E.afd, CHECMATE_HOOK_PTRACE_TRACEME,
			WORDS(checmate_ptrace_traceme_ctx),
			EQ(TM(tracer.tgid), t.pid));
	attach(_metadata, E.afd,
	       deny_if(CHECMATE_HOOK_PTRACE_TRACEME, PROG_ERRNO,
		       EQ(TM(tracer.tgid), t.pid)));
	EXPECT_EQ(PROG_ERRNO, kid_do(&t));
	EXPECT_EQ(0, tracer_of(g));
	expect_rec(map, "denied", WORDS(checmate_ptrace_traceme_ctx),
		   t.pid, t.pid, 1000, 0, M_ATTACH,
		   R_DESC | R_CG | R_NS | R_CAP);
}

/* Starts a tracer (actor @tracer, whose gc asks to be traced by it) and
 * expects the tracer's relations @rel, seen by a program of P.
 */
static void tm_rel(struct __test_metadata *const _metadata, const char *what,
		   struct actor *tracer, __u32 rel)
{
	struct kid t;
	int map;
	pid_t g;

	g = start(&t, tracer);
	map = record_if(E.pfd, CHECMATE_HOOK_PTRACE_TRACEME,
			WORDS(checmate_ptrace_traceme_ctx),
			EQ(TM(tracer.tgid), t.pid));
	EXPECT_EQ(0, kid_do(&t)) TH_LOG("%s", what);
	EXPECT_EQ(t.pid, tracer_of(g)) TH_LOG("%s", what);
	expect_rec(map, what, WORDS(checmate_ptrace_traceme_ctx),
		   t.pid, t.pid, 0, 0, M_ATTACH, rel);
	detach_all();
	close(map);
}

/*
 * The tracer's relations to the tracee: DESCENDANT always; not
 * SAME_CGROUP when the tracee is in another cgroup; not CAP when the
 * tracer lacks CAP_SYS_PTRACE; USERNS when the tracee is in a user
 * namespace of its own.
 */
TEST_F(task, traceme_relations)
{
	struct actor tracee = { .act = act_traceme };
	struct actor tracee_b = { .cg = E.cgb, .act = act_traceme };
	struct actor tracee_ns = {
		.unshare = CLONE_NEWUSER, .act = act_traceme,
	};
	struct actor t1 = { .gc = &tracee, .act = act_gc };
	struct actor t2 = { .gc = &tracee_b, .act = act_gc };
	struct actor t3 = {
		.drop = 1ULL << CAP_SYS_PTRACE, .gc = &tracee, .act = act_gc,
	};
	struct actor t4 = { .gc = &tracee_ns, .act = act_gc };

	tm_rel(_metadata, "same cgroup", &t1, R_DESC | R_CG | R_NS | R_CAP);
	tm_rel(_metadata, "tracee in P/b", &t2, R_DESC | R_NS | R_CAP);
	tm_rel(_metadata, "no CAP_SYS_PTRACE", &t3, R_DESC | R_CG | R_NS);
	tm_rel(_metadata, "tracee in a user namespace", &t4,
	       R_DESC | R_CG | R_NS | R_CAP);
}

TEST_F(task, traceme_scope)
{
	struct actor tracee = { .act = act_traceme };
	struct actor tracer = { .gc = &tracee, .act = act_gc };
	struct kid t1, t2;
	pid_t g1, g2;

	g1 = start(&t1, &tracer);
	g2 = start(&t2, &tracer);
	attach(_metadata, E.bfd,
	       deny_if(CHECMATE_HOOK_PTRACE_TRACEME, PROG_ERRNO,
		       EQ(TM(tracer.tgid), t1.pid)));
	EXPECT_EQ(0, kid_do(&t1));
	EXPECT_EQ(t1.pid, tracer_of(g1));
	detach_all();

	attach(_metadata, E.pfd,
	       deny_if(CHECMATE_HOOK_PTRACE_TRACEME, PROG_ERRNO,
		       EQ(TM(tracer.tgid), t2.pid)));
	attach(_metadata, E.afd, load_ret(CHECMATE_HOOK_PTRACE_TRACEME, 0));
	EXPECT_EQ(PROG_ERRNO, kid_do(&t2));
	EXPECT_EQ(0, tracer_of(g2));
}

/*
 * task_kill
 */

#define SI_CODE(c)	((__u32)(c))
#define QCODE		(-42)	/* an si_code of the test's own */
#define PCODE		(-60)

static int act_kill(struct actor *a)
{
	return sys_ret(kill(tgt(a), a->sig));
}

static int send_info(long nr, pid_t pid, int sig, int code, int tg)
{
	siginfo_t si;

	memset(&si, 0, sizeof(si));
	si.si_signo = sig;
	si.si_code = code;
	si.si_pid = getpid();
	si.si_uid = getuid();
	if (tg)
		return sys_ret(syscall(nr, pid, pid, sig, &si));
	return sys_ret(syscall(nr, pid, sig, &si));
}

static int pidfd_send(pid_t pid, unsigned int open_flags, int sig, int code,
		      unsigned int flags)
{
	siginfo_t si;
	int fd, err;

	fd = sys_pidfd_open(pid, open_flags);
	if (fd < 0)
		return 1000 + errno;
	memset(&si, 0, sizeof(si));
	si.si_signo = sig;
	si.si_code = code;
	si.si_pid = getpid();
	si.si_uid = getuid();
	err = sys_ret(syscall(__NR_pidfd_send_signal, fd, sig,
			      code ? &si : NULL, flags));
	close(fd);
	return err;
}

static int k_kill(pid_t pid, int sig)
{
	return sys_ret(kill(pid, sig));
}

static int k_tkill(pid_t pid, int sig)
{
	return sys_ret(syscall(SYS_tkill, pid, sig));
}

static int k_tgkill(pid_t pid, int sig)
{
	return sys_ret(syscall(SYS_tgkill, pid, pid, sig));
}

static int k_sigqueueinfo(pid_t pid, int sig)
{
	return send_info(SYS_rt_sigqueueinfo, pid, sig, QCODE, 0);
}

static int k_tgsigqueueinfo(pid_t pid, int sig)
{
	return send_info(SYS_rt_tgsigqueueinfo, pid, sig, SI_QUEUE, 1);
}

static int k_pidfd(pid_t pid, int sig)
{
	return pidfd_send(pid, 0, sig, 0, 0);
}

static int k_pidfd_info(pid_t pid, int sig)
{
	return pidfd_send(pid, 0, sig, PCODE, 0);
}

static int k_pidfd_signal_thread(pid_t pid, int sig)
{
	return pidfd_send(pid, 0, sig, 0, PIDFD_SIGNAL_THREAD);
}

#ifndef PIDFD_THREAD
#define PIDFD_THREAD O_EXCL
#endif

static int k_pidfd_thread(pid_t pid, int sig)
{
	return pidfd_send(pid, PIDFD_THREAD, sig, 0, 0);
}

FIXTURE(kill_path) {
	int unused;
};

FIXTURE_VARIANT(kill_path) {
	int (*send)(pid_t pid, int sig);
	int sig;
	__u32 code;
	int thread;	/* the signal is for the thread, not the process */
};

FIXTURE_SETUP(kill_path)
{
	env_setup(_metadata);
}

FIXTURE_TEARDOWN(kill_path)
{
	env_teardown(_metadata);
}

FIXTURE_VARIANT_ADD(kill_path, kill) {
	.send = k_kill, .sig = SIGUSR1, .code = SI_USER,
};

/* A probe: no signal, sig 0. */
FIXTURE_VARIANT_ADD(kill_path, kill_0) {
	.send = k_kill, .sig = 0, .code = SI_USER,
};

FIXTURE_VARIANT_ADD(kill_path, tkill) {
	.send = k_tkill, .sig = SIGUSR2, .code = SI_CODE(SI_TKILL),
	.thread = 1,
};

FIXTURE_VARIANT_ADD(kill_path, tgkill) {
	.send = k_tgkill, .sig = SIGUSR1, .code = SI_CODE(SI_TKILL),
	.thread = 1,
};

FIXTURE_VARIANT_ADD(kill_path, rt_sigqueueinfo) {
	.send = k_sigqueueinfo, .sig = 40, .code = SI_CODE(QCODE),
};

FIXTURE_VARIANT_ADD(kill_path, rt_tgsigqueueinfo) {
	.send = k_tgsigqueueinfo, .sig = SIGUSR2, .code = SI_CODE(SI_QUEUE),
	.thread = 1,
};

FIXTURE_VARIANT_ADD(kill_path, pidfd_send_signal) {
	.send = k_pidfd, .sig = SIGUSR1, .code = SI_USER,
};

FIXTURE_VARIANT_ADD(kill_path, pidfd_send_signal_siginfo) {
	.send = k_pidfd_info, .sig = SIGUSR2, .code = SI_CODE(PCODE),
};

/*
 * To a thread, without siginfo: the kernel makes it an SI_TKILL signal,
 * as for tkill().
 */
FIXTURE_VARIANT_ADD(kill_path, pidfd_send_signal_thread) {
	.send = k_pidfd_signal_thread, .sig = SIGUSR1,
	.code = SI_CODE(SI_TKILL), .thread = 1,
};

FIXTURE_VARIANT_ADD(kill_path, pidfd_thread_send_signal) {
	.send = k_pidfd_thread, .sig = SIGUSR2, .code = SI_CODE(SI_TKILL),
	.thread = 1,
};

static int pending(struct __test_metadata *const _metadata, pid_t pid,
		   int sig, int thread)
{
	if (!sig)
		return 0;
	return thread ? thr_pending(pid, pid, sig) : shd_pending(pid, sig);
}

/*
 * Each path, to a kid with distinct real and effective uids: denied (the
 * program sees the signal, the call fails with its errno, nothing is
 * pending), then allowed (pending where the path puts it).
 */
TEST_F(kill_path, deny_then_allow)
{
	struct actor a = { .ruid = 1000, .euid = 1001 };
	int map, deny, err;
	struct kid k;

	start(&k, &a);
	map = record_if(E.afd, CHECMATE_HOOK_TASK_KILL,
			WORDS(checmate_task_kill_ctx),
			EQ(TK(target.tgid), k.pid));
	deny = attach(_metadata, E.afd,
		      deny_if(CHECMATE_HOOK_TASK_KILL, PROG_ERRNO,
			      EQ(TK(target.tgid), k.pid)));
	err = variant->send(k.pid, variant->sig);
	if (err == 1000 + EINVAL)
		SKIP(return, "no such pidfd in this kernel");
	EXPECT_EQ(PROG_ERRNO, err) TH_LOG("denied: %s", strerror(err));
	EXPECT_FALSE(pending(_metadata, k.pid, variant->sig, 0));
	EXPECT_FALSE(pending(_metadata, k.pid, variant->sig, 1));
	expect_rec(map, "denied", WORDS(checmate_task_kill_ctx),
		   k.pid, k.pid, 1000, 1001, variant->sig, variant->code,
		   R_DESC | R_CG | R_NS | R_CAP);

	detach(_metadata, deny);
	rec_reset(_metadata, map);
	err = variant->send(k.pid, variant->sig);
	EXPECT_EQ(0, err) TH_LOG("allowed: %s", strerror(err));
	if (variant->sig) {
		EXPECT_TRUE(pending(_metadata, k.pid, variant->sig,
				    variant->thread));
		EXPECT_FALSE(pending(_metadata, k.pid, variant->sig,
				     !variant->thread));
	}
	expect_rec(map, "allowed", WORDS(checmate_task_kill_ctx),
		   k.pid, k.pid, 1000, 1001, variant->sig, variant->code,
		   R_DESC | R_CG | R_NS | R_CAP);
}

/* A program returning 0 lets kill() through. */
TEST_F(task, kill_allow)
{
	pid_t pid = idle_kid(_metadata);

	attach(_metadata, E.afd, load_ret(CHECMATE_HOOK_TASK_KILL, 0));
	EXPECT_EQ(0, kill(pid, SIGUSR1));
	EXPECT_TRUE(shd_pending(pid, SIGUSR1));
}

/* What a signal @sig of the test to its descendant @pid shows. */
static void kill_want(__u32 *want, pid_t pid, int sig)
{
	const __u32 w[] = {
		pid, pid, 0, 0, sig, SI_USER, R_DESC | R_CG | R_NS | R_CAP,
	};

	memcpy(want, w, sizeof(w));
}

/*
 * A signal to a process group: the hook runs once per process; a deny
 * keeps the signal from its process only, and kill() fails only if every
 * process is denied.
 */
TEST_F(task, kill_pgrp)
{
	struct actor idle = { 0 }, leader = { .pgrp = 1, .gc = &idle };
	struct kid a1, a2, a3, a4;
	pid_t g1, g2, g3, g4;
	__u32 want[2][REC_WORDS] = { { 0 } };
	int map;

	g1 = start(&a1, &leader);
	ASSERT_EQ(a1.pid, getpgid(a1.pid));
	ASSERT_EQ(a1.pid, getpgid(g1));
	map = record_if(E.afd, CHECMATE_HOOK_TASK_KILL,
			WORDS(checmate_task_kill_ctx),
			EQ(TK(sig), SIGUSR1));
	/* Once per process of the group */
	EXPECT_EQ(0, k_kill(-a1.pid, SIGUSR1));
	EXPECT_TRUE(shd_pending(a1.pid, SIGUSR1));
	EXPECT_TRUE(shd_pending(g1, SIGUSR1));
	kill_want(want[0], a1.pid, SIGUSR1);
	kill_want(want[1], g1, SIGUSR1);
	expect_recs(_metadata, map, "kill(-pgrp)", 2,
		    WORDS(checmate_task_kill_ctx), want);
	detach_all();

	/* A deny for one process: the others get the signal */
	g2 = start(&a2, &leader);
	attach(_metadata, E.afd,
	       deny_if(CHECMATE_HOOK_TASK_KILL, PROG_ERRNO,
		       EQ(TK(target.tgid), g2)));
	EXPECT_EQ(0, k_kill(-a2.pid, SIGUSR1));
	EXPECT_TRUE(shd_pending(a2.pid, SIGUSR1));
	EXPECT_FALSE(shd_pending(g2, SIGUSR1));
	detach_all();

	/* Denied for all: the deny's errno */
	g3 = start(&a3, &leader);
	attach(_metadata, E.afd,
	       deny_if(CHECMATE_HOOK_TASK_KILL, PROG_ERRNO,
		       EQ(TK(sig), SIGUSR2)));
	EXPECT_EQ(PROG_ERRNO, k_kill(-a3.pid, SIGUSR2));
	EXPECT_FALSE(shd_pending(a3.pid, SIGUSR2));
	EXPECT_FALSE(shd_pending(g3, SIGUSR2));
	detach_all();

	/* pidfd_send_signal() to the group */
	g4 = start(&a4, &leader);
	map = record_if(E.afd, CHECMATE_HOOK_TASK_KILL,
			WORDS(checmate_task_kill_ctx),
			EQ(TK(sig), SIGUSR2));
	EXPECT_EQ(0, pidfd_send(a4.pid, 0, SIGUSR2, 0,
				PIDFD_SIGNAL_PROCESS_GROUP));
	EXPECT_TRUE(shd_pending(a4.pid, SIGUSR2));
	EXPECT_TRUE(shd_pending(g4, SIGUSR2));
	kill_want(want[0], a4.pid, SIGUSR2);
	kill_want(want[1], g4, SIGUSR2);
	expect_recs(_metadata, map, "pidfd_send_signal(PROCESS_GROUP)", 2,
		    WORDS(checmate_task_kill_ctx), want);
}

/*
 * kill(-1, sig) signals every process but init and the sender. A guard
 * program denies (with EPERM, which kill(-1) does not report) every
 * signal the test sends but to one kid, and is checked before any real
 * signal is sent; the signals used are ignored by default anyway.
 */
TEST_F(task, kill_all)
{
	pid_t k1 = idle_kid(_metadata), k2 = idle_kid(_metadata);
	int map, deny;

	attach(_metadata, E.afd,
	       load_deny_unless(CHECMATE_HOOK_TASK_KILL, EPERM,
				TK(target.tgid), k1));
	ASSERT_EQ(EPERM, k_kill(getppid(), 0)) TH_LOG("the guard fails");
	ASSERT_EQ(EPERM, k_kill(1, 0)) TH_LOG("the guard fails");
	ASSERT_EQ(EPERM, k_kill(k2, 0)) TH_LOG("the guard fails");

	map = record_if(E.afd, CHECMATE_HOOK_TASK_KILL,
			WORDS(checmate_task_kill_ctx),
			EQ(TK(target.tgid), k1));
	EXPECT_EQ(0, k_kill(-1, 0));
	expect_rec(map, "kill(-1, 0)", WORDS(checmate_task_kill_ctx),
		   k1, k1, 0, 0, 0, SI_USER, R_DESC | R_CG | R_NS | R_CAP);
	rec_reset(_metadata, map);
	EXPECT_EQ(0, k_kill(-1, SIGWINCH));
	EXPECT_TRUE(shd_pending(k1, SIGWINCH));
	EXPECT_FALSE(shd_pending(k2, SIGWINCH));
	expect_rec(map, "kill(-1, SIGWINCH)", WORDS(checmate_task_kill_ctx),
		   k1, k1, 0, 0, SIGWINCH, SI_USER,
		   R_DESC | R_CG | R_NS | R_CAP);

	/* Denied: the deny's errno, nothing pending */
	deny = attach(_metadata, E.afd,
		      deny_if(CHECMATE_HOOK_TASK_KILL, PROG_ERRNO,
			      EQ(TK(target.tgid), k1)));
	rec_reset(_metadata, map);
	EXPECT_EQ(PROG_ERRNO, k_kill(-1, SIGURG));
	EXPECT_FALSE(shd_pending(k1, SIGURG));
	expect_rec(map, "kill(-1, SIGURG)", WORDS(checmate_task_kill_ctx),
		   k1, k1, 0, 0, SIGURG, SI_USER,
		   R_DESC | R_CG | R_NS | R_CAP);
	detach(_metadata, deny);
}

struct sig_thread {
	pid_t tid;
	int ready[2];	/* thread to test */
	int go[2];	/* test to thread */
};

static void *sig_thread_fn(void *p)
{
	struct sig_thread *t = p;
	char c;

	t->tid = gettid();
	if (write(t->ready[1], "r", 1) != 1 || read(t->go[0], &c, 1) != 1)
		t->tid = -1;
	return NULL;
}

/* Records a signal @sig to @target sent by @actor (or the test), expects
 * relations @rel.
 */
static void kill_rel(struct __test_metadata *const _metadata,
		     const char *what, pid_t target, int sig, struct kid *actor,
		     __u32 rel)
{
	int map, err;

	map = record_if(E.afd, CHECMATE_HOOK_TASK_KILL,
			WORDS(checmate_task_kill_ctx),
			EQ(TK(target.tgid), target), EQ(TK(sig), sig));
	err = actor ? kid_do(actor) : k_kill(target, sig);
	EXPECT_EQ(0, err) TH_LOG("%s", what);
	expect_rec(map, what, WORDS(checmate_task_kill_ctx),
		   target, target, 0, 0, sig, SI_USER, rel);
	if (sig && target != getpid())
		EXPECT_TRUE(shd_pending(target, sig)) TH_LOG("%s", what);
	detach_all();
	close(map);
}

/*
 * The sender's relations: SELF for its own process and threads; not
 * DESCENDANT for a sibling or the parent; not SAME_CGROUP for a process
 * in another cgroup; not CAP without CAP_KILL; neither USERNS nor CAP
 * from a user namespace to a process outside it.
 */
TEST_F(task, kill_relations)
{
	struct actor idle = { 0 }, in_b = { .cg = E.cgb };
	struct actor in_ns = { .unshare = CLONE_NEWUSER };
	struct actor sib = { .act = act_kill, .sig = SIGUSR1 };
	struct actor up = { .act = act_kill, .sig = SIGUSR2 };
	struct actor capless = {
		.drop = 1ULL << CAP_KILL, .act = act_kill, .sig = SIGUSR2,
	};
	struct actor from_ns = {
		.unshare = CLONE_NEWUSER, .act = act_kill, .sig = SIGWINCH,
	};
	struct kid k, kb, kn, ks, ku, kc, kf;
	struct sig_thread t = { 0 };
	struct timespec zero = { 0 };
	sigset_t set;
	pthread_t thr;
	char c;
	int map;

	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigaddset(&set, SIGUSR2);
	ASSERT_EQ(0, sigprocmask(SIG_BLOCK, &set, NULL));

	start(&k, &idle);
	start(&kb, &in_b);
	start(&kn, &in_ns);
	sib.target = k.pid;
	start(&ks, &sib);
	up.target = getpid();
	start(&ku, &up);
	capless.target = k.pid;
	start(&kc, &capless);
	from_ns.target = k.pid;
	start(&kf, &from_ns);

	/* Its own process */
	kill_rel(_metadata, "self", getpid(), SIGUSR1, NULL,
		 R_DESC | R_CG | R_NS | R_CAP | R_SELF);
	EXPECT_TRUE(shd_pending(getpid(), SIGUSR1));
	EXPECT_EQ(SIGUSR1, sigtimedwait(&set, NULL, &zero));

	/* Another of its threads */
	ASSERT_EQ(0, pipe(t.ready));
	ASSERT_EQ(0, pipe(t.go));
	ASSERT_EQ(0, pthread_create(&thr, NULL, sig_thread_fn, &t));
	ASSERT_EQ(1, read(t.ready[0], &c, 1));
	map = record_if(E.afd, CHECMATE_HOOK_TASK_KILL,
			WORDS(checmate_task_kill_ctx),
			EQ(TK(target.pid), t.tid));
	EXPECT_EQ(0, syscall(SYS_tgkill, getpid(), t.tid, SIGUSR2));
	EXPECT_TRUE(thr_pending(getpid(), t.tid, SIGUSR2));
	expect_rec(map, "own thread", WORDS(checmate_task_kill_ctx),
		   t.tid, getpid(), 0, 0, SIGUSR2, SI_CODE(SI_TKILL),
		   R_DESC | R_CG | R_NS | R_CAP | R_SELF);
	detach_all();
	EXPECT_EQ(1, write(t.go[1], "q", 1));
	EXPECT_EQ(0, pthread_join(thr, NULL));

	/* Denied to itself: nothing pending */
	attach(_metadata, E.afd,
	       deny_if(CHECMATE_HOOK_TASK_KILL, PROG_ERRNO,
		       EQ(TK(target.tgid), getpid()), EQ(TK(sig), SIGUSR1)));
	EXPECT_EQ(PROG_ERRNO, k_kill(getpid(), SIGUSR1));
	EXPECT_FALSE(shd_pending(getpid(), SIGUSR1));
	detach_all();

	kill_rel(_metadata, "child", k.pid, SIGUSR1, NULL,
		 R_DESC | R_CG | R_NS | R_CAP);
	kill_rel(_metadata, "child in P/b", kb.pid, SIGUSR1, NULL,
		 R_DESC | R_NS | R_CAP);
	kill_rel(_metadata, "child in a user namespace", kn.pid, SIGUSR1,
		 NULL, R_DESC | R_CG | R_NS | R_CAP);
	kill_rel(_metadata, "sibling", k.pid, SIGUSR1, &ks,
		 R_CG | R_NS | R_CAP);
	kill_rel(_metadata, "parent", getpid(), SIGUSR2, &ku,
		 R_CG | R_NS | R_CAP);
	EXPECT_TRUE(shd_pending(getpid(), SIGUSR2));
	EXPECT_EQ(SIGUSR2, sigtimedwait(&set, NULL, &zero));
	kill_rel(_metadata, "without CAP_KILL", k.pid, SIGUSR2, &kc,
		 R_CG | R_NS);
	kill_rel(_metadata, "from a user namespace", k.pid, SIGWINCH, &kf,
		 R_CG);
}

TEST_F(task, kill_scope)
{
	pid_t pid = idle_kid(_metadata);
	int map;

	map = record_if(E.bfd, CHECMATE_HOOK_TASK_KILL,
			WORDS(checmate_task_kill_ctx),
			EQ(TK(target.tgid), pid));
	attach(_metadata, E.bfd,
	       deny_if(CHECMATE_HOOK_TASK_KILL, PROG_ERRNO,
		       EQ(TK(target.tgid), pid)));
	EXPECT_EQ(0, k_kill(pid, SIGUSR1));
	EXPECT_TRUE(shd_pending(pid, SIGUSR1));
	expect_none(map, "program of P/b");
	detach_all();

	attach(_metadata, E.pfd,
	       deny_if(CHECMATE_HOOK_TASK_KILL, PROG_ERRNO,
		       EQ(TK(target.tgid), pid)));
	attach(_metadata, E.afd, load_ret(CHECMATE_HOOK_TASK_KILL, 0));
	EXPECT_EQ(PROG_ERRNO, k_kill(pid, SIGUSR2));
	EXPECT_FALSE(shd_pending(pid, SIGUSR2));
}

/*
 * userns_create
 */

static ino_t userns_ino(void)
{
	struct stat st;

	return stat("/proc/self/ns/user", &st) ? 0 : st.st_ino;
}

/* 0 if it made a user namespace, its errno if it did not. */
static int act_unshare_user(struct actor *a)
{
	ino_t before = userns_ino(), after;
	int err = sys_ret(unshare(CLONE_NEWUSER));

	after = userns_ino();
	if (err)
		return after == before ? err : BAD_EFFECT;
	return after != before ? 0 : BAD_EFFECT;
}

/* The child (if any) exits 0 if in a user namespace of its own. */
static int wait_new_userns(pid_t pid, ino_t before)
{
	int status;

	if (pid == 0)
		_exit(userns_ino() != before ? 0 : 1);
	if (pid < 0)
		return errno;
	if (waitpid(pid, &status, __WALL) != pid)
		return BAD_EFFECT;
	return WIFEXITED(status) && !WEXITSTATUS(status) ? 0 : BAD_EFFECT;
}

static int act_clone_user(struct actor *a)
{
	ino_t before = userns_ino();

	return wait_new_userns(syscall(SYS_clone, CLONE_NEWUSER | SIGCHLD,
				       0, 0, 0, 0), before);
}

struct clone_args0 {
	__u64 flags, pidfd, child_tid, parent_tid, exit_signal, stack,
	      stack_size, tls;
};

static int act_clone3_user(struct actor *a)
{
	struct clone_args0 args = {
		.flags = CLONE_NEWUSER, .exit_signal = SIGCHLD,
	};
	ino_t before = userns_ino();

	return wait_new_userns(syscall(__NR_clone3, &args, sizeof(args)),
			       before);
}

FIXTURE(userns_path) {
	int unused;
};

FIXTURE_VARIANT(userns_path) {
	int (*act)(struct actor *a);
};

FIXTURE_SETUP(userns_path)
{
	env_setup(_metadata);
}

FIXTURE_TEARDOWN(userns_path)
{
	env_teardown(_metadata);
}

FIXTURE_VARIANT_ADD(userns_path, unshare) {
	.act = act_unshare_user,
};

FIXTURE_VARIANT_ADD(userns_path, clone) {
	.act = act_clone_user,
};

FIXTURE_VARIANT_ADD(userns_path, clone3) {
	.act = act_clone3_user,
};

/*
 * Each path, from a kid with real uid 1500 and effective uid 2000 (the
 * context shows the effective one): denied (no namespace made), then
 * allowed.
 */
TEST_F(userns_path, deny_then_allow)
{
	struct actor a = { .ruid = 1500, .euid = 2000, .act = variant->act };
	int map, deny;
	struct kid k;

	start(&k, &a);
	map = record(_metadata, E.afd, CHECMATE_HOOK_USERNS_CREATE,
		     WORDS(checmate_userns_create_ctx), NULL, 0);
	deny = attach(_metadata, E.afd,
		      load_ret(CHECMATE_HOOK_USERNS_CREATE, -PROG_ERRNO));
	EXPECT_EQ(PROG_ERRNO, kid_do(&k));
	expect_rec(map, "denied", WORDS(checmate_userns_create_ctx), 2000, 0);

	detach(_metadata, deny);
	rec_reset(_metadata, map);
	EXPECT_EQ(0, kid_do(&k));
	expect_rec(map, "allowed", WORDS(checmate_userns_create_ctx), 2000, 0);
}

/* A program returning 0 lets unshare(CLONE_NEWUSER) through. */
TEST_F(task, userns_allow)
{
	struct actor a = { .act = act_unshare_user };
	struct kid k;

	start(&k, &a);
	attach(_metadata, E.afd, load_ret(CHECMATE_HOOK_USERNS_CREATE, 0));
	EXPECT_EQ(0, kid_do(&k));
}

static int write_file(const char *path, const char *s)
{
	return write_str(path, s) ? errno : 0;
}

/*
 * A user namespace, its uid and gid mapped to the kid's own, then
 * another in it.
 */
static int act_nested_user(struct actor *a)
{
	uid_t euid = geteuid();
	gid_t egid = getegid();
	char map[32];
	int err;

	err = sys_ret(unshare(CLONE_NEWUSER));
	if (err)
		return err;
	snprintf(map, sizeof(map), "0 %u 1", euid);
	err = write_file("/proc/self/uid_map", map);
	if (!err)
		err = write_file("/proc/self/setgroups", "deny");
	snprintf(map, sizeof(map), "0 %u 1", egid);
	if (!err)
		err = write_file("/proc/self/gid_map", map);
	if (err)
		return 2000 + err;
	return act_unshare_user(a);
}

/* From the initial user namespace, depth 0; from a child of it, 1. */
TEST_F(task, userns_depth)
{
	struct actor a = { .ruid = 1500, .euid = 2000, .act = act_nested_user };
	const __u32 want[2][REC_WORDS] = { { 2000, 0 }, { 2000, 1 } };
	struct kid k;
	int map;

	start(&k, &a);
	map = record(_metadata, E.afd, CHECMATE_HOOK_USERNS_CREATE,
		     WORDS(checmate_userns_create_ctx), NULL, 0);
	EXPECT_EQ(0, kid_do(&k));
	expect_recs(_metadata, map, "nested", 2,
		    WORDS(checmate_userns_create_ctx), want);
}

TEST_F(task, userns_scope)
{
	struct actor a = { .act = act_unshare_user };
	struct kid k1, k2;
	int map;

	start(&k1, &a);
	start(&k2, &a);
	map = record(_metadata, E.bfd, CHECMATE_HOOK_USERNS_CREATE,
		     WORDS(checmate_userns_create_ctx), NULL, 0);
	attach(_metadata, E.bfd,
	       load_ret(CHECMATE_HOOK_USERNS_CREATE, -PROG_ERRNO));
	EXPECT_EQ(0, kid_do(&k1));
	expect_none(map, "program of P/b");
	detach_all();

	attach(_metadata, E.pfd,
	       load_ret(CHECMATE_HOOK_USERNS_CREATE, -PROG_ERRNO));
	attach(_metadata, E.afd, load_ret(CHECMATE_HOOK_USERNS_CREATE, 0));
	EXPECT_EQ(PROG_ERRNO, kid_do(&k2));
}

/*
 * capable
 *
 * Programs deny one capability each (denying all would break the test
 * and its runner); a deny makes the task lack the capability, so the
 * operation fails as it would without it (EPERM), whatever the program's
 * errno.
 */

#define NO_LANDLOCK	10002

static int act_chown(struct actor *a)
{
	struct stat st;
	int fd, err;

	unlink(E.file);
	fd = open(E.file, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd < 0)
		return 3000 + errno;
	close(fd);
	err = sys_ret(chown(E.file, 1234, -1));
	if (stat(E.file, &st))
		return BAD_EFFECT;
	if (err)
		return st.st_uid == 0 ? err : BAD_EFFECT;
	return st.st_uid == 1234 ? 0 : BAD_EFFECT;
}

static int act_setuid(struct actor *a)
{
	int err = sys_ret(setuid(4321));

	if (err)
		return getuid() == 0 ? err : BAD_EFFECT;
	return getuid() == 4321 ? 0 : BAD_EFFECT;
}

/* landlock_restrict_self() without no_new_privs asks, quietly, for
 * CAP_SYS_ADMIN; the ruleset forbids reading directories.
 */
static int act_landlock(struct actor *a)
{
	struct landlock_ruleset_attr attr = {
		.handled_access_fs = LANDLOCK_ACCESS_FS_READ_DIR,
	};
	int fd, err, dir;

	fd = syscall(__NR_landlock_create_ruleset, &attr, sizeof(attr), 0);
	if (fd < 0)
		return NO_LANDLOCK;
	err = sys_ret(syscall(__NR_landlock_restrict_self, fd, 0));
	close(fd);
	dir = open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dir >= 0)
		close(dir);
	if (err)
		return dir >= 0 ? err : BAD_EFFECT;
	return dir < 0 && errno == EACCES ? 0 : BAD_EFFECT;
}

static int act_setrlimit(struct actor *a)
{
	struct rlimit old, want, now;
	int err;

	if (getrlimit(RLIMIT_NOFILE, &old))
		return 3000 + errno;
	want = old;
	want.rlim_max = old.rlim_max + 1;
	err = sys_ret(setrlimit(RLIMIT_NOFILE, &want));
	if (getrlimit(RLIMIT_NOFILE, &now))
		return 3000 + errno;
	if (err)
		return now.rlim_max == old.rlim_max ? err : BAD_EFFECT;
	return now.rlim_max == want.rlim_max ? 0 : BAD_EFFECT;
}

#define HOSTNAME	"checmate-task"

static int act_sethostname(struct actor *a)
{
	int err = sys_ret(sethostname(HOSTNAME, strlen(HOSTNAME)));
	struct utsname u;

	if (uname(&u))
		return 3000 + errno;
	if (err)
		return strcmp(u.nodename, HOSTNAME) ? err : BAD_EFFECT;
	return strcmp(u.nodename, HOSTNAME) ? BAD_EFFECT : 0;
}

static int act_unshare_uts(struct actor *a)
{
	return sys_ret(unshare(CLONE_NEWUTS));
}

FIXTURE(capable_op) {
	int unused;
};

FIXTURE_VARIANT(capable_op) {
	int (*act)(struct actor *a);
	int prep_unshare;	/* namespaces the kid unshares beforehand */
	__u32 cap;
	__u32 opts;
};

FIXTURE_SETUP(capable_op)
{
	env_setup(_metadata);
}

FIXTURE_TEARDOWN(capable_op)
{
	env_teardown(_metadata);
}

FIXTURE_VARIANT_ADD(capable_op, chown) {
	.act = act_chown, .cap = CAP_CHOWN, .opts = 0,
};

/* setuid() asks while changing set-id bits. */
FIXTURE_VARIANT_ADD(capable_op, setuid_insetid) {
	.act = act_setuid, .cap = CAP_SETUID,
	.opts = CHECMATE_CAP_OPT_INSETID,
};

FIXTURE_VARIANT_ADD(capable_op, landlock_noaudit) {
	.act = act_landlock, .cap = CAP_SYS_ADMIN,
	.opts = CHECMATE_CAP_OPT_NOAUDIT,
};

FIXTURE_VARIANT_ADD(capable_op, setrlimit) {
	.act = act_setrlimit, .cap = CAP_SYS_RESOURCE, .opts = 0,
};

/* In a UTS namespace of the kid's own (made before the programs). */
FIXTURE_VARIANT_ADD(capable_op, sethostname) {
	.act = act_sethostname, .prep_unshare = CLONE_NEWUTS,
	.cap = CAP_SYS_ADMIN, .opts = 0,
};

/*
 * Each capability-gated operation, in the initial user namespace: denied
 * (EPERM and no effect, the program saw the check), then allowed.
 */
TEST_F(capable_op, deny_then_allow)
{
	struct actor a = {
		.unshare = variant->prep_unshare, .act = variant->act,
	};
	int map, deny, err;
	struct kid k;

	start(&k, &a);
	map = record_if(E.afd, CHECMATE_HOOK_CAPABLE,
			WORDS(checmate_capable_ctx),
			EQ(CP(cap), variant->cap));
	deny = attach(_metadata, E.afd,
		      deny_if(CHECMATE_HOOK_CAPABLE, EOPNOTSUPP,
			      EQ(CP(cap), variant->cap)));
	err = kid_do(&k);
	if (err == NO_LANDLOCK)
		SKIP(return, "Landlock is not enabled");
	EXPECT_EQ(EPERM, err);
	expect_rec(map, "denied", WORDS(checmate_capable_ctx),
		   variant->cap, variant->opts, 1, 0, 1);

	detach(_metadata, deny);
	rec_reset(_metadata, map);
	EXPECT_EQ(0, kid_do(&k));
	expect_rec(map, "allowed", WORDS(checmate_capable_ctx),
		   variant->cap, variant->opts, 1, 0, 1);
}

/* A program returning 0 for every check changes nothing. */
TEST_F(task, capable_allow)
{
	struct actor c = { .act = act_chown }, s = { .act = act_setuid };
	struct kid k1, k2;

	start(&k1, &c);
	start(&k2, &s);
	attach(_metadata, E.afd, load_ret(CHECMATE_HOOK_CAPABLE, 0));
	EXPECT_EQ(0, kid_do(&k1));
	EXPECT_EQ(0, kid_do(&k2));
}

/* Step 1: a user and a UTS namespace; then sethostname(). */
static int act_userns_uts(struct actor *a)
{
	if (a->n == 1)
		return sys_ret(unshare(CLONE_NEWUSER | CLONE_NEWUTS));
	return act_sethostname(a);
}

/*
 * In a user namespace of its own, the task's checks are not in the
 * initial namespace, at depth 1, in its own namespace; the check of
 * unshare() itself is made with the credentials of before, outside it.
 */
TEST_F(task, capable_userns)
{
	struct actor a = { .act = act_userns_uts };
	int map, deny;
	struct kid k;

	start(&k, &a);
	map = record_if(E.afd, CHECMATE_HOOK_CAPABLE,
			WORDS(checmate_capable_ctx),
			EQ(CP(cap), CAP_SYS_ADMIN), EQ(CP(depth), 1));
	deny = attach(_metadata, E.afd,
		      deny_if(CHECMATE_HOOK_CAPABLE, EOPNOTSUPP,
			      EQ(CP(cap), CAP_SYS_ADMIN), EQ(CP(depth), 1),
			      EQ(CP(own_ns), 1)));
	EXPECT_EQ(0, kid_do(&k));
	expect_rec(map, "unshare", WORDS(checmate_capable_ctx),
		   CAP_SYS_ADMIN, 0, 0, 1, 0);
	rec_reset(_metadata, map);
	EXPECT_EQ(EPERM, kid_do(&k));
	expect_rec(map, "sethostname denied", WORDS(checmate_capable_ctx),
		   CAP_SYS_ADMIN, 0, 0, 1, 1);
	detach(_metadata, deny);
	rec_reset(_metadata, map);
	EXPECT_EQ(0, kid_do(&k));
	expect_rec(map, "sethostname", WORDS(checmate_capable_ctx),
		   CAP_SYS_ADMIN, 0, 0, 1, 1);
}

TEST_F(task, capable_scope)
{
	struct actor a = { .act = act_chown };
	struct kid k1, k2;
	int map;

	start(&k1, &a);
	start(&k2, &a);
	map = record_if(E.bfd, CHECMATE_HOOK_CAPABLE,
			WORDS(checmate_capable_ctx), EQ(CP(cap), CAP_CHOWN));
	attach(_metadata, E.bfd,
	       deny_if(CHECMATE_HOOK_CAPABLE, EOPNOTSUPP,
		       EQ(CP(cap), CAP_CHOWN)));
	EXPECT_EQ(0, kid_do(&k1));
	expect_none(map, "program of P/b");
	detach_all();

	attach(_metadata, E.pfd,
	       deny_if(CHECMATE_HOOK_CAPABLE, EOPNOTSUPP,
		       EQ(CP(cap), CAP_CHOWN)));
	attach(_metadata, E.afd, load_ret(CHECMATE_HOOK_CAPABLE, 0));
	EXPECT_EQ(EPERM, kid_do(&k2));
}

static int hook_prog_cnt(int cgfd, __u32 hook)
{
	struct checmate_ctl ctl = {
		.op = CHECMATE_CTL_GET, .cgroup_fd = cgfd, .hook = hook,
	};

	if (checmate_ctl_sized(&ctl, sizeof(ctl)))
		return -1;
	return ctl.prog_cnt;
}

/*
 * With CAP_SYS_ADMIN denied to the test's own cgroup, the init admin (the
 * test) still manages Checmate: Checmate's own checks are not shown to
 * capable programs.
 */
TEST_F(task, capable_admin_manages)
{
	struct actor uts = { .act = act_unshare_uts };
	struct kid k1, k2, k3, k4;
	int deny, map, other;

	start(&k1, &uts);
	start(&k2, &uts);
	start(&k3, &uts);
	start(&k4, &uts);
	other = load_ret(CHECMATE_HOOK_TASK_KILL, 0);
	ASSERT_LE(0, other);
	map = record_if(E.afd, CHECMATE_HOOK_CAPABLE,
			WORDS(checmate_capable_ctx),
			EQ(CP(cap), CAP_SYS_ADMIN));
	deny = attach(_metadata, E.afd,
		      deny_if(CHECMATE_HOOK_CAPABLE, EPERM,
			      EQ(CP(cap), CAP_SYS_ADMIN)));
	/* The deny works */
	EXPECT_EQ(EPERM, kid_do(&k1));
	rec_reset(_metadata, map);

	EXPECT_EQ(2, hook_prog_cnt(E.afd, CHECMATE_HOOK_CAPABLE));
	EXPECT_EQ(0, prog_attach(E.afd, other, BPF_F_ALLOW_MULTI))
		TH_LOG("BPF_PROG_ATTACH: %s", strerror(errno));
	EXPECT_EQ(1, hook_prog_cnt(E.afd, CHECMATE_HOOK_TASK_KILL));
	EXPECT_EQ(0, prog_detach(E.afd, other))
		TH_LOG("BPF_PROG_DETACH: %s", strerror(errno));
	EXPECT_EQ(0, prog_attach(E.afd, other, BPF_F_ALLOW_MULTI));
	EXPECT_EQ(0, checmate_ctl(CHECMATE_CTL_RESET, E.afd,
				  CHECMATE_HOOK_TASK_KILL, 0))
		TH_LOG("CHECMATE_CTL_RESET: %s", strerror(errno));
	EXPECT_EQ(0, hook_prog_cnt(E.afd, CHECMATE_HOOK_TASK_KILL));
	expect_none(map, "Checmate's own checks");

	/* The deny itself, detached by the task it governs */
	detach(_metadata, deny);
	EXPECT_EQ(0, kid_do(&k2));

	/* and reset */
	attach(_metadata, E.afd,
	       deny_if(CHECMATE_HOOK_CAPABLE, EPERM,
		       EQ(CP(cap), CAP_SYS_ADMIN)));
	EXPECT_EQ(EPERM, kid_do(&k3));
	EXPECT_EQ(0, checmate_ctl(CHECMATE_CTL_RESET, E.afd,
				  CHECMATE_HOOK_CAPABLE, 0))
		TH_LOG("CHECMATE_CTL_RESET: %s", strerror(errno));
	EXPECT_EQ(0, hook_prog_cnt(E.afd, CHECMATE_HOOK_CAPABLE));
	EXPECT_EQ(0, kid_do(&k4));
	close(other);
}

TEST_HARNESS_MAIN
