// SPDX-License-Identifier: GPL-2.0
/*
 * Checmate LSM - every allocation on every Checmate path fails in turn
 *
 * With failslab and fail-nth (Documentation/fault-injection), the n-th
 * slab allocation of the next system call fails, for n = 1, 2, ... until
 * the call no longer reaches an n-th allocation. Each injected failure
 * must end in an errno or a success, leave what user space can observe
 * (attached programs, seals) as it was, and never splat; kmemleak, run by
 * make check after the kselftests, finds what a failure path leaked.
 */

#include <sys/wait.h>

#include "common.h"

#define HOOK		CHECMATE_HOOK_SOCKET_CONNECT
#define FAILSLAB	"/sys/kernel/debug/failslab/"
#define MAX_NTH		5000

/* What user space can see of the test cgroup's hook. */
struct state {
	int progs;
	int seals;
};

static struct state observe(int cgfd)
{
	struct state s = {
		.progs = query_count(cgfd, 0, NULL, 0),
		.seals = checmate_seals(cgfd, HOOK),
	};

	return s;
}

/* Sets this thread's fail-nth; 0 clears it. */
static void set_fail_nth(int fd, int n)
{
	char buf[16];
	int len = snprintf(buf, sizeof(buf), "%d", n);

	pwrite(fd, buf, len, 0);
}

/* Whether the fault set by set_fail_nth() was injected (and clears it). */
static int injected(int fd)
{
	char buf[16] = {};

	pread(fd, buf, sizeof(buf) - 1, 0);
	set_fail_nth(fd, 0);
	return atoi(buf) == 0;
}

/* Runs the connect hook and an exec in the current cgroup. */
static void probe(void)
{
	pid_t pid;

	connect_errno(1);
	pid = fork();
	if (pid == 0) {
		execl("/bin/true", "true", NULL);
		_exit(127);
	}
	if (pid > 0)
		waitpid(pid, NULL, 0);
}

FIXTURE(fault) {
	char cg[64];
	int cgfd, nth, prog;
};

FIXTURE_SETUP(fault)
{
	/* GFP_KERNEL allocations too, and no stack dump per failure. */
	ASSERT_EQ(0, write_str(FAILSLAB "ignore-gfp-wait", "N"));
	ASSERT_EQ(0, write_str(FAILSLAB "verbose", "0"));
	snprintf(self->cg, sizeof(self->cg), "checmate_fault_%d", getpid());
	self->cgfd = cg_create(_metadata, self->cg);
	self->nth = open("/proc/thread-self/fail-nth", O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, self->nth);
	self->prog = load_ret(HOOK, -EACCES);
	ASSERT_LE(0, self->prog);
}

FIXTURE_TEARDOWN(fault)
{
	set_fail_nth(self->nth, 0);
	close(self->nth);
	prog_detach(self->cgfd, self->prog);
	close(self->prog);
	close(self->cgfd);
	cg_remove(self->cg);
}

/*
 * Runs @call with its n-th allocation failing, for every n: on failure it
 * must return an errno and leave the state as @before; @undo (may be
 * empty) reverts a success so that the next round starts from @before.
 */
#define EVERY_FAILURE(call, undo) do {					\
	struct state __before = observe(self->cgfd), __after;		\
	int __n, __ret, __err, __failures = 0, __done;			\
									\
	for (__n = 1; __n <= MAX_NTH; __n++) {				\
		set_fail_nth(self->nth, __n);				\
		__ret = (call);						\
		__err = errno;						\
		/* no n-th allocation: the call is done, and succeeds */ \
		__done = !injected(self->nth);				\
		if (__done)						\
			EXPECT_LE(0, __ret) TH_LOG("%s: %s", #call,	\
						   strerror(__err));	\
		if (__ret >= 0)						\
			undo;						\
		if (__done)						\
			break;						\
		if (__ret >= 0)						\
			continue;					\
		__failures++;						\
		__after = observe(self->cgfd);				\
		EXPECT_EQ(__before.progs, __after.progs)		\
			TH_LOG("%s, allocation %d: %s", #call, __n,	\
			       strerror(__err));			\
		EXPECT_EQ(__before.seals, __after.seals)		\
			TH_LOG("%s, allocation %d", #call, __n);	\
		EXPECT_NE(0, __err);					\
	}								\
	EXPECT_GT(MAX_NTH, __n) TH_LOG("%s never finished", #call);	\
	TH_LOG("%s: %d allocations, %d failures seen", #call, __n - 1,	\
	       __failures);						\
} while (0)

TEST_F(fault, load)
{
	int fd = -1;

	EVERY_FAILURE(fd = load_ret(HOOK, 0), close(fd));
}

TEST_F(fault, attach_and_detach)
{
	EVERY_FAILURE(prog_attach(self->cgfd, self->prog, BPF_F_ALLOW_MULTI),
		      prog_detach(self->cgfd, self->prog));
	/*
	 * Detach, from an attached state each round. When recomputing the
	 * effective arrays fails, cgroup-bpf leaves a placeholder program
	 * in them until the next update: run the hook and the exec rule
	 * over it (probe()) before attaching again.
	 */
	cg_enter(_metadata, self->cg);
	ASSERT_EQ(0, prog_attach(self->cgfd, self->prog, BPF_F_ALLOW_MULTI));
	EVERY_FAILURE(prog_detach(self->cgfd, self->prog),
		      (probe(), prog_attach(self->cgfd, self->prog,
					   BPF_F_ALLOW_MULTI)));
	cg_enter(_metadata, "");
	/* The program still decides: nothing was left half-detached. */
	EXPECT_EQ(1, query_count(self->cgfd, 0, NULL, 0));
}

TEST_F(fault, link_create)
{
	int link = -1;

	EVERY_FAILURE(link = link_create(self->cgfd, self->prog), close(link));
}

TEST_F(fault, ctl)
{
	struct checmate_ctl ctl = {
		.op = CHECMATE_CTL_GET, .cgroup_fd = self->cgfd, .hook = HOOK,
	};
	struct checmate_ctl info = {
		.op = CHECMATE_CTL_PROG_INFO, .prog_fd = self->prog,
	};

	EVERY_FAILURE(checmate_ctl_sized(&ctl, sizeof(ctl)), (void)0);
	EVERY_FAILURE(checmate_ctl_sized(&info, sizeof(info)),
		      info.prog_flags = 0);
	ASSERT_EQ(0, prog_attach(self->cgfd, self->prog, BPF_F_ALLOW_MULTI));
	EVERY_FAILURE(checmate_ctl(CHECMATE_CTL_RESET, self->cgfd, HOOK, 0),
		      prog_attach(self->cgfd, self->prog, BPF_F_ALLOW_MULTI));
	/* Last, as it cannot be undone: seal. */
	EVERY_FAILURE(checmate_ctl(CHECMATE_CTL_SEAL, self->cgfd, HOOK,
				   CHECMATE_SEAL_DENY_RESET), (void)0);
	EXPECT_EQ(CHECMATE_SEAL_DENY_RESET, checmate_seals(self->cgfd, HOOK));
}

/* A denial under allocation failure: still denied, the audit path copes. */
TEST_F(fault, deny_and_audit)
{
	int port = 30000 + getpid() % 20000, srv = listen_lo(port);

	ASSERT_LE(0, srv);
	ASSERT_EQ(0, prog_attach(self->cgfd, self->prog, BPF_F_ALLOW_MULTI));
	cg_enter(_metadata, self->cg);
	{
		struct sockaddr_in in = lo4(port);
		int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), n;

		ASSERT_LE(0, fd);
		for (n = 1; n <= 200; n++) {
			set_fail_nth(self->nth, n);
			EXPECT_EQ(-1, connect(fd, (struct sockaddr *)&in,
					      sizeof(in)));
			EXPECT_EQ(EACCES, errno) TH_LOG("allocation %d", n);
			if (!injected(self->nth))
				break;
		}
		close(fd);
	}
	cg_enter(_metadata, "");
	close(srv);
}

/* securityfs reads under allocation failure: an errno or the text. */
TEST_F(fault, securityfs_reads)
{
	static const char * const files[] = {
		"abi_version", "hooks", "counters",
	};
	char path[128], buf[4096];
	size_t i;
	int fd, n;

	for (i = 0; i < ARRAY_SIZE(files); i++) {
		snprintf(path, sizeof(path), "/sys/kernel/security/checmate/%s",
			 files[i]);
		for (n = 1; n <= MAX_NTH; n++) {
			fd = open(path, O_RDONLY | O_CLOEXEC);
			ASSERT_LE(0, fd);
			set_fail_nth(self->nth, n);
			read(fd, buf, sizeof(buf));
			if (!injected(self->nth)) {
				close(fd);
				break;
			}
			close(fd);
		}
		EXPECT_GT(MAX_NTH, n);
	}
}

TEST_HARNESS_MAIN
