// SPDX-License-Identifier: GPL-2.0
/*
 * Checmate LSM - the task and ingress sample policies
 * (samples/bpf/checmate_ptrace_scope, checmate_protect, checmate_udp_ingress)
 * through their loaders, against real ptrace, signals, cgroup files, bpf(2)
 * and packets
 *
 * The test process stays outside the governed cgroups: the operations
 * under test run in forked children that move themselves into a cgroup
 * first and report back through shared memory or their exit status.
 * Every route is also tried where the policy does not apply (an
 * unprotected process, a sibling cgroup), so that a refusal is the
 * policy's and not the kernel's own.
 */

#include "common.h"

#include <libgen.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/sysmacros.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>

#define NO_CGROUP	NULL
#define CANARY		0x1234
#define EVIL		0xdead

/* Read, and written, in other processes at the same address. */
static int canary = CANARY;

static int sh(const char *fmt, ...)
{
	char cmd[1024];
	va_list ap;
	int status;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	status = system(cmd);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* The output of a shell command, NUL-terminated, in @buf. */
static void capture(char *buf, size_t size, const char *fmt, ...)
{
	char cmd[1024];
	va_list ap;
	size_t n = 0;
	FILE *p;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	buf[0] = '\0';
	p = popen(cmd, "r");
	if (!p)
		return;
	n = fread(buf, 1, size - 1, p);
	buf[n] = '\0';
	pclose(p);
}

/* In a child: moves it into cgroup @cg (under CGROOT); 0 or -1. */
static int enter(const char *cg)
{
	char path[256], pid[32];
	int fd, len, ok;

	snprintf(path, sizeof(path), CGROOT "/%s/cgroup.procs", cg);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	len = snprintf(pid, sizeof(pid), "%d", getpid());
	ok = write(fd, pid, len) == len;
	close(fd);
	return ok ? 0 : -1;
}

static void *shared(size_t size)
{
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

/*
 * Runs @fn(@arg) in a child process, in cgroup @cg unless it is NULL;
 * returns what @fn returned (0 to 255), 254 if the child could not enter
 * the cgroup, or -1.
 */
static int in_child(const char *cg, int (*fn)(void *), void *arg)
{
	int status;
	pid_t pid;

	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		if (cg && enter(cg))
			_exit(254);
		_exit(fn(arg));
	}
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

static int err_of(long ret)
{
	return ret < 0 ? errno : 0;
}

/* Opens @path with @flags and closes it again: 0 or the errno. */
static int try_open(const char *path, int flags)
{
	int fd = open(path, flags | O_CLOEXEC);

	if (fd < 0)
		return errno;
	close(fd);
	return 0;
}

static int have_samples(void)
{
	static const char *const loaders[] = {
		"checmate_ptrace_scope", "checmate_protect",
		"checmate_udp_ingress",
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(loaders); i++)
		if (sh("command -v %s >/dev/null", loaders[i]))
			return 0;
	return 1;
}

/* The BPF object of sample @name, next to its loader. */
static void sample_obj(char *buf, size_t size, const char *name)
{
	char out[PATH_MAX];

	capture(out, sizeof(out), "command -v %s", name);
	out[strcspn(out, "\n")] = '\0';
	snprintf(buf, size, "%s/%s.bpf.o", dirname(out), name);
}

/* "NAME N denied" in the stats of a loader; -1 if absent. */
static long long denial_count(const char *out, const char *name)
{
	char key[64];
	const char *p = out;
	long long n;

	snprintf(key, sizeof(key), "%s ", name);
	for (p = strstr(p, key); p; p = strstr(p + 1, key)) {
		if ((p == out || p[-1] == '\n') &&
		    sscanf(p + strlen(key), "%lld denied", &n) == 1)
			return n;
	}
	return -1;
}

/* A line of /proc/PID/status as a number; -1 if absent. */
static long status_field(pid_t pid, const char *field)
{
	char path[64], line[256];
	size_t len = strlen(field);
	long v = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", pid);
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, field, len) && line[len] == ':') {
			v = strtol(line + len + 1, NULL, 10);
			break;
		}
	}
	fclose(f);
	return v;
}

static int pidfd_open(pid_t pid)
{
	return syscall(__NR_pidfd_open, pid, 0);
}

FIXTURE(task_samples) {
	char cg[64], cgpath[128], sub[96], sib[64], dir[128];
	int cgfd, subfd, sibfd;
};

FIXTURE_SETUP(task_samples)
{
	if (!have_samples())
		SKIP(return, "samples not in PATH");
	snprintf(self->cg, sizeof(self->cg), "checmate_task_samples_%d",
		 getpid());
	snprintf(self->sub, sizeof(self->sub), "%s/child", self->cg);
	snprintf(self->sib, sizeof(self->sib), "checmate_task_sibling_%d",
		 getpid());
	snprintf(self->cgpath, sizeof(self->cgpath), CGROOT "/%s", self->cg);
	snprintf(self->dir, sizeof(self->dir), "/sys/fs/bpf/task_samples_%d",
		 getpid());
	self->cgfd = cg_create(_metadata, self->cg);
	self->subfd = cg_create(_metadata, self->sub);
	self->sibfd = cg_create(_metadata, self->sib);
}

/* rmdir, retried while the last tasks of the cgroup finish exiting. */
static void cg_remove_wait(const char *cg)
{
	char path[256];
	int i;

	snprintf(path, sizeof(path), CGROOT "/%s", cg);
	for (i = 0; i < 50 && rmdir(path) && errno == EBUSY; i++)
		usleep(20000);
}

FIXTURE_TEARDOWN(task_samples)
{
	static const char *const subs[] = { "agent", "attacker", "decoy" };
	char path[256];
	size_t i;

	if (!have_samples())
		return;
	sh("checmate_ptrace_scope detach %s 2>/dev/null", self->dir);
	sh("checmate_udp_ingress detach %s 2>/dev/null", self->dir);
	sh("rm -rf %s", self->dir);
	/* Whatever a test left running in the cgroup (the teardown is not). */
	snprintf(path, sizeof(path), "%s/cgroup.kill", self->cgpath);
	write_str(path, "1");
	while (waitpid(-1, NULL, WNOHANG) > 0)
		;
	for (i = 0; i < ARRAY_SIZE(subs); i++) {
		snprintf(path, sizeof(path), "%s/%s", self->cg, subs[i]);
		cg_remove_wait(path);
	}
	close(self->cgfd);
	close(self->subfd);
	close(self->sibfd);
	cg_remove_wait(self->sub);
	cg_remove_wait(self->cg);
	cg_remove_wait(self->sib);
}

/* ptrace_scope */

/*
 * A process of uid nobody, not a descendant of any tracer, that can be
 * traced by nobody (dumpable), with an fd open for pidfd_getfd().
 */
struct victim {
	pid_t pid;
	int fd;
	int ready;
};

static pid_t start_victim(struct victim *v)
{
	pid_t pid = fork();

	if (pid)
		return pid;
	v->fd = open("/", O_RDONLY);
	if (v->fd < 0 || drop_to_nobody() || prctl(PR_SET_DUMPABLE, 1))
		_exit(1);
	v->ready = 1;
	for (;;)
		pause();
}

static int wait_ready(int *flag)
{
	int i;

	for (i = 0; i < 1000 && !*flag; i++)
		usleep(10000);
	return *flag ? 0 : -1;
}

/* The routes PTRACE_MODE_ATTACH guards, and one PTRACE_MODE_READ. */
struct trace_try {
	const char *cg;		/* the tracer's cgroup; NULL: the test's */
	int nobody;		/* the tracer drops to uid nobody */
	pid_t target;		/* 0: a child the tracer forks */
	int target_fd;		/* an fd of the target */
	/* results: 0 or the errno */
	int seize, mem, vm_readv, getfd, environ;
	long tracer_pid;	/* the target's TracerPid after the seize */
};

static int try_trace(void *arg)
{
	struct trace_try *t = arg;
	char path[64], buf[4];
	struct iovec local = { buf, sizeof(buf) };
	struct iovec remote = { (void *)&canary, sizeof(canary) };
	pid_t target = t->target, child = 0;
	int pidfd, fd = t->target_fd;

	if (t->nobody && (drop_to_nobody() || prctl(PR_SET_DUMPABLE, 1)))
		return 253;
	if (!target) {
		fd = open("/", O_RDONLY);
		child = fork();
		if (child < 0)
			return 252;
		if (child == 0) {
			for (;;)
				pause();
		}
		target = child;
	}
	pidfd = pidfd_open(target);
	t->getfd = err_of(syscall(__NR_pidfd_getfd, pidfd, fd, 0));
	snprintf(path, sizeof(path), "/proc/%d/mem", target);
	t->mem = try_open(path, O_RDONLY);
	t->vm_readv = err_of(process_vm_readv(target, &local, 1, &remote, 1,
					      0));
	snprintf(path, sizeof(path), "/proc/%d/environ", target);
	t->environ = try_open(path, O_RDONLY);
	t->seize = err_of(ptrace(PTRACE_SEIZE, target, 0, 0));
	t->tracer_pid = status_field(target, "TracerPid");
	if (child) {
		kill(child, SIGKILL);
		waitpid(child, NULL, 0);
	}
	return 0;
}

/* Every ATTACH route gives @err (EACCES for /proc/PID/mem), READ works. */
static void expect_trace(struct __test_metadata *_metadata,
			 struct trace_try *t, int err, const char *what)
{
	t->seize = -1;
	t->mem = -1;
	t->vm_readv = -1;
	t->getfd = -1;
	t->environ = -1;
	t->tracer_pid = -2;
	ASSERT_EQ(0, in_child(t->cg, try_trace, t)) TH_LOG("%s", what);
	EXPECT_EQ(err, t->seize) TH_LOG("%s: PTRACE_SEIZE", what);
	EXPECT_EQ(err == EPERM ? EACCES : err, t->mem)
		TH_LOG("%s: /proc/PID/mem", what);
	EXPECT_EQ(err, t->vm_readv)
		TH_LOG("%s: process_vm_readv", what);
	EXPECT_EQ(err, t->getfd) TH_LOG("%s: pidfd_getfd", what);
	EXPECT_EQ(0, t->environ) TH_LOG("%s: /proc/PID/environ", what);
	/* A refused seize left the target untraced. */
	EXPECT_TRUE(err ? t->tracer_pid == 0 : t->tracer_pid > 0)
		TH_LOG("%s: TracerPid %ld", what, t->tracer_pid);
}

TEST_F_TIMEOUT(task_samples, ptrace_scope_attach, 180)
{
	struct victim *v = shared(sizeof(*v));
	struct trace_try *t = shared(sizeof(*t));
	char out[1024];
	pid_t victim;
	int i;

	ASSERT_NE(NULL, v);
	ASSERT_NE(NULL, t);
	victim = start_victim(v);
	ASSERT_LT(0, victim);
	ASSERT_EQ(0, wait_ready(&v->ready));

	ASSERT_EQ(0, sh("checmate_ptrace_scope attach %s %s 1 >/dev/null",
			self->cgpath, self->dir));
	/* Level 1: a descendant, or CAP_SYS_PTRACE. */
	*t = (struct trace_try){ .cg = self->cg, .nobody = 1 };
	expect_trace(_metadata, t, 0, "1: nobody, own child");
	*t = (struct trace_try){ .cg = self->cg, .nobody = 1,
				 .target = victim, .target_fd = v->fd };
	expect_trace(_metadata, t, EPERM, "1: nobody, not a descendant");
	*t = (struct trace_try){ .cg = self->cg, .target = victim,
				 .target_fd = v->fd };
	expect_trace(_metadata, t, 0, "1: root, not a descendant");
	/* The kernel alone lets nobody trace nobody: the policy refused. */
	*t = (struct trace_try){ .cg = self->sib, .nobody = 1,
				 .target = victim, .target_fd = v->fd };
	expect_trace(_metadata, t, 0, "1: nobody, in a sibling cgroup");

	/* Level 2, live: CAP_SYS_PTRACE only. */
	ASSERT_EQ(0, sh("checmate_ptrace_scope set %s 2", self->dir));
	*t = (struct trace_try){ .cg = self->cg, .nobody = 1 };
	expect_trace(_metadata, t, EPERM, "2: nobody, own child");
	*t = (struct trace_try){ .cg = self->cg, .target = victim,
				 .target_fd = v->fd };
	expect_trace(_metadata, t, 0, "2: root, not a descendant");

	/* Level 3: nobody, not even root, not even its own child. */
	ASSERT_EQ(0, sh("checmate_ptrace_scope set %s 3", self->dir));
	*t = (struct trace_try){ .cg = self->cg };
	expect_trace(_metadata, t, EPERM, "3: root, own child");
	*t = (struct trace_try){ .cg = self->cg, .target = victim,
				 .target_fd = v->fd };
	expect_trace(_metadata, t, EPERM, "3: root, not a descendant");
	/* The cgroup's descendants are governed, its siblings are not. */
	*t = (struct trace_try){ .cg = self->sub, .target = victim,
				 .target_fd = v->fd };
	expect_trace(_metadata, t, EPERM, "3: root, in a child cgroup");
	*t = (struct trace_try){ .cg = self->sib, .target = victim,
				 .target_fd = v->fd };
	expect_trace(_metadata, t, 0, "3: root, in a sibling cgroup");

	/* Four ATTACH routes (or three) refused, five times; no traceme. */
	capture(out, sizeof(out), "checmate_ptrace_scope stats %s", self->dir);
	EXPECT_NE(NULL, strstr(out, "level 3\n")) TH_LOG("%s", out);
	EXPECT_EQ(20, denial_count(out, "attach"))
		TH_LOG("%s", out);
	EXPECT_EQ(0, denial_count(out, "traceme")) TH_LOG("%s", out);

	/* Detached: root traces again (links go asynchronously). */
	ASSERT_EQ(0, sh("checmate_ptrace_scope detach %s", self->dir));
	for (i = 0; i < 50; i++) {
		*t = (struct trace_try){ .cg = self->cg, .target = victim,
					 .target_fd = v->fd };
		if (!in_child(t->cg, try_trace, t) && !t->seize)
			break;
		usleep(100000);
	}
	expect_trace(_metadata, t, 0, "detached: root, not a descendant");
	kill(victim, SIGKILL);
	waitpid(victim, NULL, 0);
	munmap(v, sizeof(*v));
	munmap(t, sizeof(*t));
}

/* In a parent of uid nobody (or root): its child's PTRACE_TRACEME. */
static int try_traceme(void *arg)
{
	int nobody = *(int *)arg, status;
	pid_t pid;

	if (nobody && (drop_to_nobody() || prctl(PR_SET_DUMPABLE, 1)))
		return 253;
	pid = fork();
	if (pid < 0)
		return 252;
	if (pid == 0)
		_exit(err_of(ptrace(PTRACE_TRACEME, 0, 0, 0)));
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return 251;
	return WEXITSTATUS(status);
}

TEST_F_TIMEOUT(task_samples, ptrace_scope_traceme, 120)
{
	int nobody = 1, root = 0;
	char out[1024];

	ASSERT_EQ(0, sh("checmate_ptrace_scope attach %s %s 1 >/dev/null",
			self->cgpath, self->dir));
	EXPECT_EQ(0, in_child(self->cg, try_traceme, &nobody));
	EXPECT_EQ(0, in_child(self->cg, try_traceme, &root));
	ASSERT_EQ(0, sh("checmate_ptrace_scope set %s 2", self->dir));
	/* Level 2: the parent needs CAP_SYS_PTRACE. */
	EXPECT_EQ(EPERM, in_child(self->cg, try_traceme, &nobody));
	EXPECT_EQ(0, in_child(self->cg, try_traceme, &root));
	EXPECT_EQ(0, in_child(self->sib, try_traceme, &nobody));
	ASSERT_EQ(0, sh("checmate_ptrace_scope set %s 3", self->dir));
	/* Level 3: never. */
	EXPECT_EQ(EPERM, in_child(self->cg, try_traceme, &root));
	EXPECT_EQ(EPERM, in_child(self->sub, try_traceme, &root));
	EXPECT_EQ(0, in_child(self->sib, try_traceme, &root));
	capture(out, sizeof(out), "checmate_ptrace_scope stats %s", self->dir);
	EXPECT_EQ(3, denial_count(out, "traceme")) TH_LOG("%s", out);
	EXPECT_EQ(0, denial_count(out, "attach")) TH_LOG("%s", out);
}

TEST_F(task_samples, ptrace_scope_usage)
{
	char out[1024];

	/* Levels are 1 to 3. */
	EXPECT_EQ(2, sh("checmate_ptrace_scope attach %s %s 0 2>/dev/null",
			self->cgpath, self->dir));
	EXPECT_EQ(2, sh("checmate_ptrace_scope attach %s %s 4 2>/dev/null",
			self->cgpath, self->dir));
	EXPECT_EQ(2, sh("checmate_ptrace_scope attach %s %s 1x 2>/dev/null",
			self->cgpath, self->dir));
	/* Nothing was attached by the refused calls. */
	EXPECT_EQ(0, query_count(self->cgfd, 0, NULL, 0));
	EXPECT_EQ(1, sh("checmate_ptrace_scope set %s 2 2>/dev/null",
			self->dir));
	ASSERT_EQ(0, sh("checmate_ptrace_scope attach %s %s 2 >/dev/null",
			self->cgpath, self->dir));
	EXPECT_EQ(2, query_count(self->cgfd, 0, NULL, 0));
	EXPECT_EQ(2, sh("checmate_ptrace_scope set %s 9 2>/dev/null",
			self->dir));
	capture(out, sizeof(out), "checmate_ptrace_scope stats %s", self->dir);
	EXPECT_NE(NULL, strstr(out, "level 2\n")) TH_LOG("%s", out);
}

TEST_F_TIMEOUT(task_samples, ptrace_scope_through_checmate_ctl, 120)
{
	struct victim *v = shared(sizeof(*v));
	struct trace_try *t = shared(sizeof(*t));
	char obj[PATH_MAX];
	pid_t victim;

	ASSERT_NE(NULL, v);
	ASSERT_NE(NULL, t);
	victim = start_victim(v);
	ASSERT_LT(0, victim);
	ASSERT_EQ(0, wait_ready(&v->ready));
	/* Nothing set: level 1. */
	sample_obj(obj, sizeof(obj), "checmate_ptrace_scope");
	ASSERT_EQ(0, sh("checmate-ctl attach %s %s >/dev/null", obj,
			self->cg));
	*t = (struct trace_try){ .cg = self->cg, .nobody = 1,
				 .target = victim, .target_fd = v->fd };
	expect_trace(_metadata, t, EPERM, "ctl: nobody, not a descendant");
	*t = (struct trace_try){ .cg = self->cg, .nobody = 1 };
	expect_trace(_metadata, t, 0, "ctl: nobody, own child");
	ASSERT_EQ(0, sh("checmate-ctl reset %s ptrace_access_check >/dev/null",
			self->cg));
	*t = (struct trace_try){ .cg = self->cg, .nobody = 1,
				 .target = victim, .target_fd = v->fd };
	expect_trace(_metadata, t, 0, "ctl reset: nobody, not a descendant");
	ASSERT_EQ(0, sh("checmate-ctl reset %s ptrace_traceme >/dev/null",
			self->cg));
	kill(victim, SIGKILL);
	waitpid(victim, NULL, 0);
	munmap(v, sizeof(*v));
	munmap(t, sizeof(*t));
}

/* protect */

/* The ways to send a signal to a process. */
enum { R_KILL, R_TKILL, R_TGKILL, R_SIGQUEUE, R_TGSIGQUEUE, R_PIDFD,
	R_PGRP, R_MAX };

static const char *const route_names[R_MAX] = {
	"kill", "tkill", "tgkill", "rt_sigqueueinfo", "rt_tgsigqueueinfo",
	"pidfd_send_signal", "kill(-pgid)",
};

static const char *route_name(int r)
{
	return r >= 0 && r < R_MAX ? route_names[r] : "?";
}

static const int lethal[] = { SIGKILL, SIGTERM, SIGSTOP };

/* The cgroup files the agent's cgroup and its ancestors have. */
enum { F_AGENT_KILL, F_AGENT_FREEZE, F_AGENT_PROCS, F_PARENT_KILL,
	F_PARENT_FREEZE, F_ROOT_PROCS, F_MAX };

static const char *const hooks_sealed[] = {
	"task_kill", "ptrace_access_check", "file_open",
};

static const __u32 hook_ids[] = {
	CHECMATE_HOOK_TASK_KILL, CHECMATE_HOOK_PTRACE_ACCESS_CHECK,
	CHECMATE_HOOK_FILE_OPEN,
};

struct protect {
	char cg[160];			/* the agent's cgroup */
	char dir[128];			/* the pins */
	pid_t agent, decoy;
	int agent_fd, decoy_fd;		/* an fd of each */
	/* the agent and the decoy */
	int agent_ready, decoy_ready;
	int agent_beats, agent_canary;
	int agent_term, agent_usr1, agent_usr2;
	int decoy_usr2, decoy_canary;
	int cmd;		/* 1: the agent tests itself; 2: done */
	int self_kill, self_tgkill, self_freeze;
	/* the attacker's results: 0 or the errno */
	int sig[R_MAX][3];
	int probe;			/* kill(agent, 0) */
	int pgid;			/* the agent's process group */
	int attach, seize, mem, vm_writev, getfd, environ;
	int file[F_MAX];
	int procs_read;			/* reading cgroup.procs */
	int prog_detach[3], link_detach[3], reset[3];
	int map_delete, map_update;
	int unpin[3];
	int prog_ids;			/* programs found on the cgroup */
	/* the same routes against the decoy, which is not protected */
	int decoy_sig[R_MAX];
	int decoy_attach, decoy_seize, decoy_mem, decoy_vm_writev;
	int decoy_getfd, decoy_environ, decoy_freeze, decoy_frozen;
	int decoy_kill;
	/* round two, after the links are gone */
	int again_kill, again_detach[3];
};

static struct protect *P;

static void on_agent_signal(int sig)
{
	if (sig == SIGTERM)
		P->agent_term++;
	else if (sig == SIGUSR1)
		P->agent_usr1++;
	else if (sig == SIGUSR2)
		P->agent_usr2++;
}

static void on_decoy_signal(int sig)
{
	P->decoy_usr2++;
}

static void handle(void (*fn)(int), int sig)
{
	struct sigaction sa = { .sa_handler = fn, .sa_flags = SA_RESTART };

	sigaction(sig, &sa, NULL);
}

/* The agent: in its own cgroup and process group, alive and counting. */
static void agent_main(void)
{
	char path[256];

	if (enter(P->cg) || setpgid(0, 0))
		_exit(1);
	handle(on_agent_signal, SIGTERM);
	handle(on_agent_signal, SIGUSR1);
	handle(on_agent_signal, SIGUSR2);
	P->agent_fd = open("/", O_RDONLY);
	P->agent_ready = 1;
	for (;;) {
		P->agent_beats++;
		P->agent_canary = __atomic_load_n(&canary, __ATOMIC_RELAXED);
		if (P->cmd == 1) {
			/* The agent may signal itself, and open its files. */
			P->self_kill = err_of(kill(getpid(), SIGUSR1));
			P->self_tgkill = err_of(syscall(__NR_tgkill, getpid(),
							getpid(), SIGUSR1));
			snprintf(path, sizeof(path), CGROOT "/%s/cgroup.freeze",
				 P->cg);
			P->self_freeze = try_open(path, O_WRONLY);
			P->cmd = 2;
		}
		usleep(10000);
	}
}

static void decoy_main(void)
{
	if (setpgid(0, 0))
		_exit(1);
	handle(on_decoy_signal, SIGUSR2);
	P->decoy_fd = open("/", O_RDONLY);
	P->decoy_ready = 1;
	for (;;) {
		P->decoy_canary = __atomic_load_n(&canary, __ATOMIC_RELAXED);
		usleep(10000);
	}
}

/* Sends @sig to @pid by @route: 0 or the errno. */
static int send_by(int route, pid_t pid, int sig)
{
	siginfo_t si;
	int fd, err;

	memset(&si, 0, sizeof(si));
	si.si_signo = sig;
	si.si_code = SI_QUEUE;	/* a negative code, as sigqueue(3) sends */
	si.si_pid = getpid();
	si.si_uid = getuid();
	switch (route) {
	case R_KILL:
		return err_of(kill(pid, sig));
	case R_TKILL:
		return err_of(syscall(__NR_tkill, pid, sig));
	case R_TGKILL:
		return err_of(syscall(__NR_tgkill, pid, pid, sig));
	case R_SIGQUEUE:
		return err_of(syscall(__NR_rt_sigqueueinfo, pid, sig, &si));
	case R_TGSIGQUEUE:
		return err_of(syscall(__NR_rt_tgsigqueueinfo, pid, pid, sig,
				      &si));
	case R_PIDFD:
		fd = pidfd_open(pid);
		if (fd < 0)
			return 1000 + errno;
		err = err_of(syscall(__NR_pidfd_send_signal, fd, sig, NULL, 0));
		close(fd);
		return err;
	case R_PGRP:
		return err_of(kill(-getpgid(pid), sig));
	}
	return -1;
}

/* Writes @value into @pid's memory at &canary: 0 or the errno. */
static int poke(pid_t pid, int value)
{
	struct iovec local = { &value, sizeof(value) };
	struct iovec remote = { (void *)&canary, sizeof(canary) };
	ssize_t n = process_vm_writev(pid, &local, 1, &remote, 1, 0);

	return n == sizeof(value) ? 0 : n < 0 ? errno : 1000;
}

static int getfd(pid_t pid, int fd)
{
	int pidfd = pidfd_open(pid), got;

	if (pidfd < 0)
		return 1000 + errno;
	got = syscall(__NR_pidfd_getfd, pidfd, fd, 0);
	close(pidfd);
	if (got < 0)
		return errno;
	close(got);
	return 0;
}

static int sys_obj_get(const char *path)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.pathname = (__u64)(unsigned long)path;
	return sys_bpf(BPF_OBJ_GET, &attr);
}

static int prog_fd_by_id(__u32 id)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.prog_id = id;
	return sys_bpf(BPF_PROG_GET_FD_BY_ID, &attr);
}

static int link_detach(int fd)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.link_detach.link_fd = fd;
	return sys_bpf(BPF_LINK_DETACH, &attr);
}

static int map_op(int cmd, int fd, const void *key, const void *value)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.map_fd = fd;
	attr.key = (__u64)(unsigned long)key;
	attr.value = (__u64)(unsigned long)value;
	return sys_bpf(cmd, &attr);
}

/* BPF_PROG_DETACH of every program attached to @cgfd: each one's errno. */
static int detach_all(int cgfd, int *errs, int n)
{
	__u32 ids[8];
	int cnt, i, fd;

	cnt = query_count(cgfd, 0, ids, ARRAY_SIZE(ids));
	for (i = 0; i < n; i++) {
		errs[i] = -1;
		if (i >= cnt)
			continue;
		fd = prog_fd_by_id(ids[i]);
		errs[i] = fd < 0 ? 1000 + errno :
				   err_of(prog_detach(cgfd, fd));
		if (fd >= 0)
			close(fd);
	}
	return cnt;
}

/* Whether cgroup @cg's cgroup.events says "frozen 1", within a second. */
static int is_frozen(const char *cg)
{
	char path[256], buf[256];
	int i, fd, n;

	snprintf(path, sizeof(path), CGROOT "/%s/cgroup.events", cg);
	for (i = 0; i < 100; i++) {
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			return 0;
		n = read(fd, buf, sizeof(buf) - 1);
		close(fd);
		buf[n > 0 ? n : 0] = '\0';
		if (strstr(buf, "frozen 1"))
			return 1;
		usleep(10000);
	}
	return 0;
}

static const char *const pinned_links[] = {
	"link_protect_kill", "link_protect_ptrace", "link_protect_file_open",
};

/*
 * Root, in the governed cgroup: every way to stop, freeze, trace or
 * reprogram the agent, after checking that each works on the decoy.
 */
static int attack(void *arg)
{
	const char *cg = arg;
	char path[256], decoy_cg[160], agent_cg[160];
	pid_t agent = P->agent, decoy = P->decoy;
	int cgfd, fd, r, s, i, status;
	__u32 key = agent;
	__u8 one = 1;

	snprintf(agent_cg, sizeof(agent_cg), "%s/agent", cg);
	snprintf(decoy_cg, sizeof(decoy_cg), "%s/decoy", cg);

	/*
	 * The decoy: every signal route works, SIGUSR2 each time (one at a
	 * time: pending signals of a kind merge).
	 */
	for (r = 0; r < R_MAX; r++) {
		int before = P->decoy_usr2;

		P->decoy_sig[r] = send_by(r, decoy, SIGUSR2);
		for (i = 0; i < 100 && P->decoy_usr2 == before; i++)
			usleep(10000);
	}
	/* The agent: none does, whatever the signal; probing works. */
	P->pgid = getpgid(agent);
	for (r = 0; r < R_MAX; r++)
		for (s = 0; s < (int)ARRAY_SIZE(lethal); s++)
			P->sig[r][s] = send_by(r, agent, lethal[s]);
	P->probe = err_of(kill(agent, 0));

	/* ptrace, /proc/PID/mem, process_vm_writev, pidfd_getfd. */
	P->decoy_attach = err_of(ptrace(PTRACE_ATTACH, decoy, 0, 0));
	if (!P->decoy_attach) {
		waitpid(decoy, &status, __WALL);
		ptrace(PTRACE_DETACH, decoy, 0, 0);
	}
	P->decoy_seize = err_of(ptrace(PTRACE_SEIZE, decoy, 0, 0));
	if (!P->decoy_seize) {
		ptrace(PTRACE_INTERRUPT, decoy, 0, 0);
		waitpid(decoy, &status, __WALL);
		ptrace(PTRACE_DETACH, decoy, 0, 0);
	}
	snprintf(path, sizeof(path), "/proc/%d/mem", decoy);
	P->decoy_mem = try_open(path, O_RDWR);
	P->decoy_vm_writev = poke(decoy, EVIL);
	P->decoy_getfd = getfd(decoy, P->decoy_fd);
	snprintf(path, sizeof(path), "/proc/%d/environ", decoy);
	P->decoy_environ = try_open(path, O_RDONLY);
	P->attach = err_of(ptrace(PTRACE_ATTACH, agent, 0, 0));
	P->seize = err_of(ptrace(PTRACE_SEIZE, agent, 0, 0));
	snprintf(path, sizeof(path), "/proc/%d/mem", agent);
	P->mem = try_open(path, O_RDWR);
	P->vm_writev = poke(agent, EVIL);
	P->getfd = getfd(agent, P->agent_fd);
	snprintf(path, sizeof(path), "/proc/%d/environ", agent);
	P->environ = try_open(path, O_RDONLY);

	/* cgroup.kill, cgroup.freeze, cgroup.procs up to the root. */
	snprintf(path, sizeof(path), CGROOT "/%s/cgroup.freeze", decoy_cg);
	P->decoy_freeze = err_of(write_str(path, "1"));
	P->decoy_frozen = is_frozen(decoy_cg);
	write_str(path, "0");
	snprintf(path, sizeof(path), CGROOT "/%s/cgroup.kill", agent_cg);
	P->file[F_AGENT_KILL] = try_open(path, O_WRONLY);
	snprintf(path, sizeof(path), CGROOT "/%s/cgroup.freeze", agent_cg);
	P->file[F_AGENT_FREEZE] = try_open(path, O_WRONLY);
	snprintf(path, sizeof(path), CGROOT "/%s/cgroup.procs", agent_cg);
	P->file[F_AGENT_PROCS] = try_open(path, O_WRONLY);
	P->procs_read = try_open(path, O_RDONLY);
	snprintf(path, sizeof(path), CGROOT "/%s/cgroup.kill", cg);
	P->file[F_PARENT_KILL] = try_open(path, O_WRONLY);
	snprintf(path, sizeof(path), CGROOT "/%s/cgroup.freeze", cg);
	P->file[F_PARENT_FREEZE] = try_open(path, O_WRONLY);
	P->file[F_ROOT_PROCS] = try_open(CGROOT "/cgroup.procs", O_WRONLY);

	/* bpf(2): detach, reset, empty the protected set, unpin. */
	snprintf(path, sizeof(path), CGROOT "/%s", cg);
	cgfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	P->prog_ids = detach_all(cgfd, P->prog_detach, 3);
	for (i = 0; i < 3; i++) {
		snprintf(path, sizeof(path), "%s/%s", P->dir, pinned_links[i]);
		fd = sys_obj_get(path);
		P->link_detach[i] = fd < 0 ? 1000 + errno :
					     err_of(link_detach(fd));
		/* Unpinned and closed: the link's last reference goes. */
		P->unpin[i] = err_of(unlink(path));
		if (fd >= 0)
			close(fd);
		P->reset[i] = err_of(checmate_ctl(CHECMATE_CTL_RESET, cgfd,
						  hook_ids[i], 0));
	}
	snprintf(path, sizeof(path), "%s/protected", P->dir);
	fd = sys_obj_get(path);
	P->map_delete = fd < 0 ? 1000 + errno :
				 err_of(map_op(BPF_MAP_DELETE_ELEM, fd, &key,
					       NULL));
	key = getpid();
	P->map_update = fd < 0 ? 1000 + errno :
				 err_of(map_op(BPF_MAP_UPDATE_ELEM, fd, &key,
					       &one));
	close(cgfd);

	/* Last, the decoy's cgroup.kill: it works, and the decoy is gone. */
	snprintf(path, sizeof(path), CGROOT "/%s/cgroup.kill", decoy_cg);
	P->decoy_kill = err_of(write_str(path, "1"));
	return 0;
}

/* Round two, the links gone: the programs still decide. */
static int attack_again(void *arg)
{
	const char *cg = arg;
	char path[256];
	int cgfd;

	P->again_kill = err_of(kill(P->agent, SIGKILL));
	snprintf(path, sizeof(path), CGROOT "/%s", cg);
	cgfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	detach_all(cgfd, P->again_detach, 3);
	close(cgfd);
	return 0;
}

static int signal_agent(void *arg)
{
	return err_of(kill(*(pid_t *)arg, SIGUSR2));
}

/* The number of programs attached to @hook of @cgfd, or -1. */
static int prog_cnt(int cgfd, __u32 hook)
{
	struct checmate_ctl ctl = {
		.op = CHECMATE_CTL_GET, .cgroup_fd = cgfd, .hook = hook,
	};

	if (checmate_ctl_sized(&ctl, sizeof(ctl)))
		return -1;
	return ctl.prog_cnt;
}

TEST_F_TIMEOUT(task_samples, protect_every_route, 180)
{
	char agent_cg[160], attacker_cg[160], decoy_cg[160];
	char out[4096], line[256], path[256], pin[256];
	struct stat st;
	int r, s, i, beats, status, fd;
	pid_t pid;

	P = shared(sizeof(*P));
	ASSERT_NE(NULL, P);
	snprintf(agent_cg, sizeof(agent_cg), "%s/agent", self->cg);
	snprintf(attacker_cg, sizeof(attacker_cg), "%s/attacker", self->cg);
	snprintf(decoy_cg, sizeof(decoy_cg), "%s/decoy", self->cg);
	close(cg_create(_metadata, agent_cg));
	close(cg_create(_metadata, attacker_cg));
	close(cg_create(_metadata, decoy_cg));
	snprintf(P->cg, sizeof(P->cg), "%s", agent_cg);
	snprintf(P->dir, sizeof(P->dir), "%s", self->dir);

	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0)
		agent_main();
	P->agent = pid;
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		if (enter(decoy_cg))
			_exit(1);
		decoy_main();
	}
	P->decoy = pid;
	ASSERT_EQ(0, wait_ready(&P->agent_ready));
	ASSERT_EQ(0, wait_ready(&P->decoy_ready));

	/* Attached to the test cgroup (never the root in a test), sealed. */
	capture(out, sizeof(out),
		"checmate_protect attach --at %s %s %s/%s %d 2>&1",
		self->cgpath, self->dir, CGROOT, agent_cg, P->agent);
	ASSERT_NE(NULL, strstr(out, "protecting 1 process and 7 cgroup files"))
		TH_LOG("%s", out);
	for (i = 0; i < 3; i++) {
		EXPECT_EQ(CHECMATE_SEAL_APPEND_ONLY,
			  checmate_seals(self->cgfd, hook_ids[i]))
			TH_LOG("%s", hooks_sealed[i]);
		EXPECT_EQ(1, prog_cnt(self->cgfd, hook_ids[i]));
	}
	/* The set, pinned and readable: the agent, and its cgroup's files. */
	capture(out, sizeof(out), "checmate_protect list %s", self->dir);
	snprintf(line, sizeof(line), "process %d ", P->agent);
	EXPECT_NE(NULL, strstr(out, line)) TH_LOG("%s", out);
	snprintf(path, sizeof(path), CGROOT "/%s/cgroup.kill", agent_cg);
	ASSERT_EQ(0, stat(path, &st));
	snprintf(line, sizeof(line), "file dev %u:%u ino %llu\n",
		 major(st.st_dev), minor(st.st_dev),
		 (unsigned long long)st.st_ino);
	EXPECT_NE(NULL, strstr(out, line)) TH_LOG("%s not in:\n%s", line, out);
	ASSERT_EQ(0, stat(CGROOT "/cgroup.procs", &st));
	snprintf(line, sizeof(line), "file dev %u:%u ino %llu\n",
		 major(st.st_dev), minor(st.st_dev),
		 (unsigned long long)st.st_ino);
	EXPECT_NE(NULL, strstr(out, line)) TH_LOG("%s not in:\n%s", line, out);

	ASSERT_EQ(0, in_child(attacker_cg, attack, self->cg));

	/* The routes themselves work: on the decoy, each one did. */
	for (r = 0; r < R_MAX; r++)
		EXPECT_EQ(0, P->decoy_sig[r]) TH_LOG("decoy %s", route_name(r));
	EXPECT_EQ(R_MAX, P->decoy_usr2);
	EXPECT_EQ(0, P->decoy_attach);
	EXPECT_EQ(0, P->decoy_seize);
	EXPECT_EQ(0, P->decoy_mem);
	EXPECT_EQ(0, P->decoy_vm_writev);
	EXPECT_EQ(0, P->decoy_getfd);
	EXPECT_EQ(0, P->decoy_environ);
	EXPECT_EQ(0, P->decoy_freeze);
	EXPECT_EQ(1, P->decoy_frozen);
	EXPECT_EQ(0, P->decoy_kill);
	ASSERT_EQ(P->decoy, waitpid(P->decoy, &status, 0));
	EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);

	/* On the agent, none did. */
	EXPECT_EQ(P->agent, P->pgid);
	for (r = 0; r < R_MAX; r++)
		for (s = 0; s < (int)ARRAY_SIZE(lethal); s++)
			EXPECT_EQ(EPERM, P->sig[r][s])
				TH_LOG("%s %s", route_name(r),
				       strsignal(lethal[s]));
	EXPECT_EQ(0, P->probe);
	EXPECT_EQ(EPERM, P->attach);
	EXPECT_EQ(EPERM, P->seize);
	EXPECT_EQ(EACCES, P->mem);
	EXPECT_EQ(EPERM, P->vm_writev);
	EXPECT_EQ(EPERM, P->getfd);
	EXPECT_EQ(EACCES, P->environ);
	for (i = 0; i < F_MAX; i++)
		EXPECT_EQ(EPERM, P->file[i]) TH_LOG("cgroup file %d", i);
	EXPECT_EQ(0, P->procs_read);
	EXPECT_EQ(3, P->prog_ids);
	for (i = 0; i < 3; i++) {
		EXPECT_EQ(EPERM, P->prog_detach[i]) TH_LOG("program %d", i);
		EXPECT_EQ(EPERM, P->link_detach[i])
			TH_LOG("%s", pinned_links[i]);
		EXPECT_EQ(0, P->unpin[i]) TH_LOG("%s", pinned_links[i]);
		EXPECT_EQ(EPERM, P->reset[i]) TH_LOG("%s", hooks_sealed[i]);
	}
	EXPECT_EQ(EPERM, P->map_delete);
	EXPECT_EQ(EPERM, P->map_update);

	/* The links are gone, the programs stay, and still decide. */
	for (i = 0; i < 3; i++) {
		EXPECT_EQ(1, prog_cnt(self->cgfd, hook_ids[i]))
			TH_LOG("%s", hooks_sealed[i]);
		EXPECT_EQ(CHECMATE_SEAL_APPEND_ONLY,
			  checmate_seals(self->cgfd, hook_ids[i]));
	}
	EXPECT_EQ(3, query_count(self->cgfd, 0, NULL, 0));
	ASSERT_EQ(0, in_child(attacker_cg, attack_again, self->cg));
	EXPECT_EQ(EPERM, P->again_kill);
	for (i = 0; i < 3; i++)
		EXPECT_EQ(EPERM, P->again_detach[i]) TH_LOG("program %d", i);

	/* The agent is alive, running, not frozen, and untouched. */
	EXPECT_EQ(0, waitpid(P->agent, &status, WNOHANG));
	beats = P->agent_beats;
	usleep(200000);
	EXPECT_LT(beats, P->agent_beats);
	EXPECT_EQ(CANARY, P->agent_canary);
	EXPECT_EQ(0, P->agent_term);
	EXPECT_EQ(0, P->agent_usr2);
	EXPECT_EQ(0, status_field(P->agent, "TracerPid"));
	EXPECT_EQ(0, is_frozen(agent_cg));
	/* The decoy's memory was written: the agent's was not. */
	EXPECT_EQ(EVIL, P->decoy_canary);

	/* The agent still signals itself and opens its cgroup's files. */
	P->cmd = 1;
	for (i = 0; i < 200 && P->cmd != 2; i++)
		usleep(10000);
	ASSERT_EQ(2, P->cmd);
	EXPECT_EQ(0, P->self_kill);
	EXPECT_EQ(0, P->self_tgkill);
	EXPECT_EQ(2, P->agent_usr1);
	EXPECT_EQ(0, P->self_freeze);

	/* A sender outside the cgroup is not governed. */
	EXPECT_EQ(0, in_child(self->sib, signal_agent, &P->agent));
	for (i = 0; i < 100 && !P->agent_usr2; i++)
		usleep(10000);
	EXPECT_EQ(1, P->agent_usr2);

	/* Denials per hook: 7 routes x 3 signals and 1, 6 (or 5), 6. */
	capture(out, sizeof(out), "checmate_protect stats %s", self->dir);
	EXPECT_EQ(22, denial_count(out, "task_kill")) TH_LOG("%s", out);
	EXPECT_EQ(6, denial_count(out, "ptrace_access_check"))
		TH_LOG("%s", out);
	EXPECT_EQ(6, denial_count(out, "file_open")) TH_LOG("%s", out);

	/* From outside the cgroup: gone. */
	ASSERT_EQ(0, kill(P->agent, SIGKILL));
	ASSERT_EQ(P->agent, waitpid(P->agent, &status, 0));
	EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
	snprintf(pin, sizeof(pin), "%s/protected", self->dir);
	fd = sys_obj_get(pin);
	EXPECT_LE(0, fd);
	close(fd);
	munmap(P, sizeof(*P));
}

TEST_F(task_samples, protect_usage)
{
	char out[1024];

	/* No such process, no such cgroup, not a cgroup: nothing attached. */
	EXPECT_EQ(1, sh("checmate_protect attach --at %s %s %s 999999999 2>/dev/null",
			self->cgpath, self->dir, self->cgpath));
	EXPECT_EQ(1, sh("checmate_protect attach --at %s %s /nonexistent 1 2>/dev/null",
			self->cgpath, self->dir));
	EXPECT_EQ(1, sh("checmate_protect attach --at %s %s /tmp 1 2>/dev/null",
			self->cgpath, self->dir));
	EXPECT_EQ(2, sh("checmate_protect attach --at %s %s 2>/dev/null",
			self->cgpath, self->dir));
	EXPECT_EQ(0, query_count(self->cgfd, 0, NULL, 0));
	EXPECT_EQ(0, checmate_seals(self->cgfd, CHECMATE_HOOK_TASK_KILL));
	/* A thread id stands for its process: the test's own. */
	capture(out, sizeof(out),
		"checmate_protect attach --at %s %s %s %d 2>&1", self->cgpath,
		self->dir, self->cgpath, getpid());
	EXPECT_NE(NULL, strstr(out, "protecting 1 process and 4 cgroup files"))
		TH_LOG("%s", out);
	capture(out, sizeof(out), "checmate_protect list %s", self->dir);
	EXPECT_NE(NULL, strstr(out, "process ")) TH_LOG("%s", out);
	EXPECT_EQ(0, sh("checmate_protect unpin %s >/dev/null", self->dir));
	EXPECT_EQ(1, sh("checmate_protect list %s 2>/dev/null", self->dir));
	/* Unpinned: the programs stay. */
	EXPECT_EQ(3, query_count(self->cgfd, 0, NULL, 0));
}

/* udp_ingress */

static struct sockaddr_storage sa(const char *addr, int port,
				  socklen_t *len)
{
	struct sockaddr_storage ss = {};

	if (strchr(addr, ':')) {
		struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&ss;

		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons(port);
		inet_pton(AF_INET6, addr, &in6->sin6_addr);
		*len = sizeof(*in6);
	} else {
		struct sockaddr_in *in = (struct sockaddr_in *)&ss;

		in->sin_family = AF_INET;
		in->sin_port = htons(port);
		inet_pton(AF_INET, addr, &in->sin_addr);
		*len = sizeof(*in);
	}
	return ss;
}

/* A socket bound to @addr (port 0: any), created in cgroup @cg; or -1. */
static int sock_in(struct __test_metadata *_metadata, const char *cg,
		   int type, int proto, const char *addr)
{
	struct sockaddr_storage ss;
	socklen_t len;
	int fd;

	ss = sa(addr, 0, &len);
	if (cg)
		cg_enter(_metadata, cg);
	fd = socket(ss.ss_family, type | SOCK_CLOEXEC, proto);
	if (cg)
		cg_enter(_metadata, "");
	if (fd < 0)
		return -1;
	if (bind(fd, (struct sockaddr *)&ss, len) ||
	    (type == SOCK_STREAM && listen(fd, 16))) {
		close(fd);
		return -1;
	}
	return fd;
}

static int port_of(int fd)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);

	if (getsockname(fd, (struct sockaddr *)&ss, &len))
		return -1;
	return ss.ss_family == AF_INET ?
	       ntohs(((struct sockaddr_in *)&ss)->sin_port) :
	       ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
}

/* Sends @msg from @from (a local address) to @to:@port: 0 or the errno. */
static int send_from(int proto, const char *from, const char *to, int port,
		     const char *msg)
{
	struct sockaddr_storage src, dst;
	socklen_t slen, dlen;
	int fd, err = 0;

	src = sa(from, 0, &slen);
	dst = sa(to, port, &dlen);
	fd = socket(src.ss_family, SOCK_DGRAM | SOCK_CLOEXEC, proto);
	if (fd < 0)
		return errno;
	if (bind(fd, (struct sockaddr *)&src, slen) ||
	    sendto(fd, msg, strlen(msg), 0, (struct sockaddr *)&dst, dlen) < 0)
		err = errno;
	close(fd);
	return err;
}

/* The next datagram on @fd, into @buf, within @ms: its length, or -1. */
static int recv_within(int fd, char *buf, size_t size, int ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	ssize_t n;

	buf[0] = '\0';
	if (poll(&p, 1, ms) != 1)
		return -1;
	n = recv(fd, buf, size - 1, MSG_DONTWAIT);
	if (n < 0)
		return -1;
	buf[n] = '\0';
	return n;
}

/* Whether a datagram from @from reaches @fd (a receiver on @to). */
static int reaches(int fd, int proto, const char *from, const char *to,
		   const char *msg)
{
	char buf[64];

	if (send_from(proto, from, to, port_of(fd), msg))
		return -1;
	if (recv_within(fd, buf, sizeof(buf), 300) < 0)
		return 0;
	return strcmp(buf, msg) ? -2 : 1;
}

/* "ADDR PROTO: N denied" of checmate_udp_ingress denials; -1 if none. */
static long long peer_denials(const char *out, const char *peer)
{
	char key[128];
	const char *p;
	long long n;

	snprintf(key, sizeof(key), "%s: ", peer);
	p = strstr(out, key);
	if (!p || (p != out && p[-1] != '\n') ||
	    sscanf(p + strlen(key), "%lld denied", &n) != 1)
		return -1;
	return n;
}

TEST_F_TIMEOUT(task_samples, udp_ingress_allowlist, 120)
{
	int u4, u6, lite, sib, sub, i;
	char out[2048], buf[64];

	u4 = sock_in(_metadata, self->cg, SOCK_DGRAM, 0, "127.0.0.1");
	u6 = sock_in(_metadata, self->cg, SOCK_DGRAM, 0, "::");
	lite = sock_in(_metadata, self->cg, SOCK_DGRAM, IPPROTO_UDPLITE,
		       "127.0.0.1");
	sub = sock_in(_metadata, self->sub, SOCK_DGRAM, 0, "127.0.0.1");
	sib = sock_in(_metadata, self->sib, SOCK_DGRAM, 0, "127.0.0.1");
	ASSERT_LE(0, u4);
	ASSERT_LE(0, u6);
	ASSERT_LE(0, lite);
	ASSERT_LE(0, sub);
	ASSERT_LE(0, sib);
	/* Before the policy, everyone is heard. */
	EXPECT_EQ(1, reaches(u4, 0, "127.0.0.2", "127.0.0.1", "before"));

	ASSERT_EQ(0, sh("checmate_udp_ingress attach %s %s --allow 127.0.0.1 %s",
			self->cgpath, self->dir,
			"--allow 127.0.0.5/30 >/dev/null"));
	/* An allowed /32, and addresses in an allowed /30 (127.0.0.4-7). */
	EXPECT_EQ(1, reaches(u4, 0, "127.0.0.1", "127.0.0.1", "a"));
	EXPECT_EQ(1, reaches(u4, 0, "127.0.0.4", "127.0.0.1", "b"));
	EXPECT_EQ(1, reaches(u4, 0, "127.0.0.7", "127.0.0.1", "c"));
	/* Other peers: dropped, not delayed; the next allowed one comes. */
	EXPECT_EQ(0, reaches(u4, 0, "127.0.0.2", "127.0.0.1", "d"));
	EXPECT_EQ(0, reaches(u4, 0, "127.0.0.8", "127.0.0.1", "e"));
	EXPECT_EQ(0, send_from(0, "127.0.0.1", "127.0.0.1", port_of(u4), "f"));
	EXPECT_LT(0, recv_within(u4, buf, sizeof(buf), 1000));
	EXPECT_STREQ("f", buf);
	/* A dual-stack socket: IPv4 peers by the IPv4 list, no IPv6 one. */
	EXPECT_EQ(1, reaches(u6, 0, "127.0.0.1", "127.0.0.1", "g"));
	EXPECT_EQ(0, reaches(u6, 0, "127.0.0.2", "127.0.0.1", "h"));
	EXPECT_EQ(0, reaches(u6, 0, "::1", "::1", "i"));
	/* Live: allow ::1, then revoke it. */
	ASSERT_EQ(0, sh("checmate_udp_ingress allow %s ::1/128", self->dir));
	EXPECT_EQ(1, reaches(u6, 0, "::1", "::1", "j"));
	ASSERT_EQ(0, sh("checmate_udp_ingress revoke %s ::1", self->dir));
	EXPECT_EQ(0, reaches(u6, 0, "::1", "::1", "k"));
	/* UDP-Lite is not UDP: it passes. */
	EXPECT_EQ(1, reaches(lite, IPPROTO_UDPLITE, "127.0.0.2", "127.0.0.1",
			     "l"));
	/* Sockets of a child cgroup are governed, of a sibling's not. */
	EXPECT_EQ(0, reaches(sub, 0, "127.0.0.2", "127.0.0.1", "m"));
	EXPECT_EQ(1, reaches(sib, 0, "127.0.0.2", "127.0.0.1", "n"));

	capture(out, sizeof(out), "checmate_udp_ingress denials %s", self->dir);
	EXPECT_EQ(3, peer_denials(out, "127.0.0.2 udp")) TH_LOG("%s", out);
	EXPECT_EQ(1, peer_denials(out, "127.0.0.8 udp")) TH_LOG("%s", out);
	EXPECT_EQ(2, peer_denials(out, "::1 udp")) TH_LOG("%s", out);
	EXPECT_EQ(-1, peer_denials(out, "127.0.0.1 udp")) TH_LOG("%s", out);

	/* Bad CIDRs are refused. */
	EXPECT_EQ(2, sh("checmate_udp_ingress allow %s 10.0.0.0/33 2>/dev/null",
			self->dir));
	EXPECT_EQ(2, sh("checmate_udp_ingress allow %s 300.1.1.1 2>/dev/null",
			self->dir));
	EXPECT_EQ(2, sh("checmate_udp_ingress attach %s %s/x --allow ::1/a 2>/dev/null",
			self->cgpath, self->dir));
	EXPECT_EQ(2, sh("checmate_udp_ingress attach %s %s/x --deny ::1 2>/dev/null",
			self->cgpath, self->dir));
	EXPECT_EQ(2, query_count(self->cgfd, 0, NULL, 0));

	/* Detached: everyone is heard again (links go asynchronously). */
	ASSERT_EQ(0, sh("checmate_udp_ingress detach %s", self->dir));
	for (i = 0; i < 20; i++) {
		if (reaches(u4, 0, "127.0.0.2", "127.0.0.1", "o") == 1)
			break;
		usleep(100000);
	}
	EXPECT_EQ(1, reaches(u4, 0, "127.0.0.2", "127.0.0.1", "p"));
	close(u4);
	close(u6);
	close(lite);
	close(sub);
	close(sib);
}

/* A non-blocking connect from @from to @to:@port: connected within @ms? */
static int tcp_connects(const char *from, const char *to, int port, int ms,
			int *fdp)
{
	struct sockaddr_storage src, dst;
	struct pollfd p = { .events = POLLOUT };
	socklen_t slen, dlen, elen = sizeof(int);
	int fd, err = 0;

	src = sa(from, 0, &slen);
	dst = sa(to, port, &dlen);
	fd = socket(src.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
		    0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&src, slen))
		return -1;
	if (connect(fd, (struct sockaddr *)&dst, dlen) &&
	    errno != EINPROGRESS) {
		close(fd);
		return -1;
	}
	p.fd = fd;
	if (poll(&p, 1, ms) != 1 ||
	    getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &elen) || err) {
		close(fd);
		return 0;
	}
	if (fdp)
		*fdp = fd;
	else
		close(fd);
	return 1;
}

static int accept_now(int lfd)
{
	int fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);

	if (fd < 0)
		return -errno;
	close(fd);
	return 0;
}

TEST_F_TIMEOUT(task_samples, udp_ingress_tcp, 120)
{
	int lfd, outside, cli = -1, srv, i, r;
	struct pollfd p;
	char out[2048], buf[16];

	lfd = sock_in(_metadata, self->cg, SOCK_STREAM, 0, "127.0.0.1");
	ASSERT_LE(0, lfd);
	ASSERT_EQ(0, fcntl(lfd, F_SETFL, O_NONBLOCK));
	ASSERT_EQ(0, sh("checmate_udp_ingress attach %s %s --allow 127.0.0.1 >/dev/null",
			self->cgpath, self->dir));
	/* An allowed peer connects; another one's SYN is dropped. */
	EXPECT_EQ(1, tcp_connects("127.0.0.1", "127.0.0.1", port_of(lfd), 2000,
				  NULL));
	for (i = 0; i < 100 && (r = accept_now(lfd)) == -EAGAIN; i++)
		usleep(10000);
	EXPECT_EQ(0, r);
	EXPECT_EQ(-EAGAIN, accept_now(lfd));
	EXPECT_EQ(0, tcp_connects("127.0.0.2", "127.0.0.1", port_of(lfd), 500,
				  NULL));
	EXPECT_EQ(-EAGAIN, accept_now(lfd));

	/*
	 * Segments of an established connection pass: a socket of the
	 * cgroup connects out to a peer that is not allowed, and hears it.
	 */
	outside = sock_in(_metadata, NO_CGROUP, SOCK_STREAM, 0, "127.0.0.2");
	ASSERT_LE(0, outside);
	cg_enter(_metadata, self->cg);
	i = tcp_connects("127.0.0.1", "127.0.0.2", port_of(outside), 2000,
			 &cli);
	cg_enter(_metadata, "");
	ASSERT_EQ(1, i);
	srv = accept(outside, NULL, NULL);
	ASSERT_LE(0, srv);
	ASSERT_EQ(5, write(srv, "hello", 5));
	p = (struct pollfd){ .fd = cli, .events = POLLIN };
	ASSERT_EQ(1, poll(&p, 1, 2000));
	EXPECT_EQ(5, read(cli, buf, sizeof(buf)));
	close(srv);
	close(cli);
	close(outside);

	capture(out, sizeof(out), "checmate_udp_ingress denials %s", self->dir);
	/* The SYN, and maybe its retransmission. */
	EXPECT_LE(1, peer_denials(out, "127.0.0.2 tcp")) TH_LOG("%s", out);
	EXPECT_EQ(-1, peer_denials(out, "127.0.0.2 udp")) TH_LOG("%s", out);
	EXPECT_EQ(-1, peer_denials(out, "127.0.0.1 tcp")) TH_LOG("%s", out);
	close(lfd);
}

TEST_F_TIMEOUT(task_samples, udp_ingress_through_checmate_ctl, 120)
{
	char obj[PATH_MAX];
	int u4;

	u4 = sock_in(_metadata, self->cg, SOCK_DGRAM, 0, "127.0.0.1");
	ASSERT_LE(0, u4);
	/* Nothing set: empty lists, nobody is heard, loopback included. */
	sample_obj(obj, sizeof(obj), "checmate_udp_ingress");
	ASSERT_EQ(0, sh("checmate-ctl attach %s %s --prog udp_ingress_rcv >/dev/null",
			obj, self->cg));
	EXPECT_EQ(0, reaches(u4, 0, "127.0.0.1", "127.0.0.1", "a"));
	ASSERT_EQ(0, sh("checmate-ctl reset %s socket_sock_rcv_skb >/dev/null",
			self->cg));
	EXPECT_EQ(1, reaches(u4, 0, "127.0.0.1", "127.0.0.1", "b"));
	close(u4);
}

TEST_HARNESS_MAIN
