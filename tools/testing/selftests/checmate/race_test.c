// SPDX-License-Identifier: GPL-2.0
/*
 * Checmate LSM - control operations racing each other and the hooks
 *
 * Threads on both CPUs attach, detach, create, update and release links,
 * replace, reset and seal, while another thread runs the hook and checks
 * every verdict against what could have been attached at that moment.
 * Bounded in iterations. After each race, what is attached is exactly
 * what the successful calls leave, and nothing splats.
 */

#include <pthread.h>
#include <sys/wait.h>

#include "common.h"

#define CONNECT_PORT	offsetof(struct checmate_socket_connect_ctx, port)
#define HOOK		CHECMATE_HOOK_SOCKET_CONNECT
#define ROUNDS		400
#define ERR_FIXED	ENOTUNIQ	/* the permanent program's errno */
#define ERR_TOGGLED	EBADMSG		/* the raced program's errno */

/* Denies connects to @port with @err. */
static int load_deny(int port, int err)
{
	return load_prog(HOOK, LDX_W(BPF_REG_2, BPF_REG_1, CONNECT_PORT),
			 MOV64_IMM(BPF_REG_0, 0),
			 JNE_IMM(BPF_REG_2, port, 1),
			 MOV64_IMM(BPF_REG_0, -err),
			 EXIT());
}

struct race {
	char cg[64];
	int cgfd;
	int fixed_port, toggled_port, free_port;
	int fixed, toggled, allow, allow2;
	int stop;
	int bad_verdicts;
	int checked;
};

static void *hook_thread(void *arg)
{
	struct race *r = arg;
	int err;

	while (!__atomic_load_n(&r->stop, __ATOMIC_RELAXED)) {
		/* The permanent program always denies with its errno. */
		err = connect_errno(r->fixed_port);
		if (err != ERR_FIXED)
			__atomic_add_fetch(&r->bad_verdicts, 1, __ATOMIC_RELAXED);
		/* The raced one: denied by it, or reaching the closed port. */
		err = connect_errno(r->toggled_port);
		if (err != ERR_TOGGLED && err != ECONNREFUSED)
			__atomic_add_fetch(&r->bad_verdicts, 1, __ATOMIC_RELAXED);
		/* Allow-all programs come and go: never a deny here. */
		err = connect_errno(r->free_port);
		if (err != ECONNREFUSED)
			__atomic_add_fetch(&r->bad_verdicts, 1, __ATOMIC_RELAXED);
		__atomic_add_fetch(&r->checked, 1, __ATOMIC_RELAXED);
	}
	return NULL;
}

static void *attach_detach_thread(void *arg)
{
	struct race *r = arg;
	int i;

	for (i = 0; i < ROUNDS; i++) {
		prog_attach(r->cgfd, r->toggled, BPF_F_ALLOW_MULTI);
		prog_detach(r->cgfd, r->toggled);
	}
	return NULL;
}

static void *link_thread(void *arg)
{
	struct race *r = arg;
	union bpf_attr attr;
	int i, link;

	for (i = 0; i < ROUNDS; i++) {
		link = link_create(r->cgfd, r->allow);
		if (link < 0)
			continue;
		memset(&attr, 0, sizeof(attr));
		attr.link_update.link_fd = link;
		attr.link_update.new_prog_fd = r->allow2;
		sys_bpf(BPF_LINK_UPDATE, &attr);
		if (i % 2) {
			memset(&attr, 0, sizeof(attr));
			attr.link_detach.link_fd = link;
			sys_bpf(BPF_LINK_DETACH, &attr);
		}
		close(link);	/* release, racing the hook */
	}
	return NULL;
}

static void *replace_thread(void *arg)
{
	struct race *r = arg;
	union bpf_attr attr;
	int i;

	for (i = 0; i < ROUNDS; i++) {
		if (prog_attach(r->cgfd, r->allow, BPF_F_ALLOW_MULTI))
			continue;
		memset(&attr, 0, sizeof(attr));
		attr.target_fd = r->cgfd;
		attr.attach_bpf_fd = r->allow2;
		attr.attach_type = BPF_CHECMATE;
		attr.attach_flags = BPF_F_ALLOW_MULTI | BPF_F_REPLACE;
		attr.replace_bpf_fd = r->allow;
		if (sys_bpf(BPF_PROG_ATTACH, &attr))
			prog_detach(r->cgfd, r->allow);
		else
			prog_detach(r->cgfd, r->allow2);
	}
	return NULL;
}

/* Resets another hook (socket_bind) while programs are attached there. */
static void *reset_thread(void *arg)
{
	struct race *r = arg;
	int i, prog = load_ret(CHECMATE_HOOK_SOCKET_BIND, 0);

	for (i = 0; prog >= 0 && i < ROUNDS; i++) {
		prog_attach(r->cgfd, prog, BPF_F_ALLOW_MULTI);
		checmate_ctl(CHECMATE_CTL_RESET, r->cgfd,
			     CHECMATE_HOOK_SOCKET_BIND, 0);
	}
	close(prog);
	return NULL;
}

static void race_setup(struct __test_metadata *const _metadata,
		       struct race *r)
{
	memset(r, 0, sizeof(*r));
	snprintf(r->cg, sizeof(r->cg), "checmate_race_%d", getpid());
	r->cgfd = cg_create(_metadata, r->cg);
	r->fixed_port = 40000 + getpid() % 8000 * 3;
	r->toggled_port = r->fixed_port + 1;
	r->free_port = r->fixed_port + 2;
	r->fixed = load_deny(r->fixed_port, ERR_FIXED);
	r->toggled = load_deny(r->toggled_port, ERR_TOGGLED);
	r->allow = load_ret(HOOK, 0);
	r->allow2 = load_ret(HOOK, 0);
	ASSERT_LE(0, r->fixed);
	ASSERT_LE(0, r->toggled);
	ASSERT_LE(0, r->allow);
	ASSERT_LE(0, r->allow2);
	ASSERT_EQ(0, prog_attach(r->cgfd, r->fixed, BPF_F_ALLOW_MULTI));
	cg_enter(_metadata, r->cg);
}

static void race_teardown(struct __test_metadata *const _metadata,
			  struct race *r)
{
	cg_enter(_metadata, "");
	prog_detach(r->cgfd, r->fixed);
	close(r->fixed);
	close(r->toggled);
	close(r->allow);
	close(r->allow2);
	close(r->cgfd);
	cg_remove(r->cg);
}

TEST(control_races_the_hook)
{
	void *(*fns[])(void *) = {
		attach_detach_thread, link_thread, replace_thread,
		reset_thread,
	};
	pthread_t hook, t[ARRAY_SIZE(fns)];
	struct race r;
	__u32 ids[8];
	size_t i;

	race_setup(_metadata, &r);
	ASSERT_EQ(0, pthread_create(&hook, NULL, hook_thread, &r));
	for (i = 0; i < ARRAY_SIZE(fns); i++)
		ASSERT_EQ(0, pthread_create(&t[i], NULL, fns[i], &r));
	for (i = 0; i < ARRAY_SIZE(fns); i++)
		pthread_join(t[i], NULL);
	__atomic_store_n(&r.stop, 1, __ATOMIC_RELAXED);
	pthread_join(hook, NULL);
	TH_LOG("%d rounds of verdicts checked", r.checked);
	EXPECT_LT(0, r.checked);
	EXPECT_EQ(0, r.bad_verdicts);
	/* Every racer undid what it did: only the permanent program is left. */
	EXPECT_EQ(1, query_count(r.cgfd, 0, ids, 8));
	EXPECT_EQ(prog_id(r.fixed), ids[0]);
	race_teardown(_metadata, &r);
}

/* A seal racing detaches: once it is in, nothing is ever removed again. */
TEST(seal_races_detach)
{
	int i, sealed = 0, removed_after = 0, err, progs[8];
	struct race r;

	race_setup(_metadata, &r);
	for (i = 0; i < 8; i++) {
		progs[i] = load_ret(HOOK, 0);
		ASSERT_LE(0, progs[i]);
		ASSERT_EQ(0, prog_attach(r.cgfd, progs[i], BPF_F_ALLOW_MULTI));
	}
	if (fork() == 0) {
		usleep(2000);
		_exit(checmate_ctl(CHECMATE_CTL_SEAL, r.cgfd, HOOK,
				   CHECMATE_SEAL_APPEND_ONLY) ? 1 : 0);
	}
	for (i = 0; i < 8; i++) {
		sealed = checmate_seals(r.cgfd, HOOK) & CHECMATE_SEAL_APPEND_ONLY;
		err = prog_detach(r.cgfd, progs[i]) ? errno : 0;
		if (sealed && !err)
			removed_after++;
		usleep(500);
	}
	for (i = 0; i < 8; i++)
		close(progs[i]);
	wait(&err);
	EXPECT_EQ(0, WEXITSTATUS(err));
	EXPECT_EQ(0, removed_after);
	EXPECT_EQ(CHECMATE_SEAL_APPEND_ONLY, checmate_seals(r.cgfd, HOOK));
	EXPECT_EQ(-1, prog_detach(r.cgfd, r.fixed));
	EXPECT_EQ(EPERM, errno);
	race_teardown(_metadata, &r);
}

/* rmdir racing attach: each attach succeeds or fails cleanly. */
TEST(rmdir_races_attach)
{
	char cg[64], path[128];
	int i, prog = load_ret(HOOK, 0);

	ASSERT_LE(0, prog);
	for (i = 0; i < 100; i++) {
		int cgfd, status;
		pid_t pid;

		snprintf(cg, sizeof(cg), "checmate_rmdir_%d_%d", getpid(), i);
		snprintf(path, sizeof(path), CGROOT "/%s", cg);
		cgfd = cg_create(_metadata, cg);
		pid = fork();
		ASSERT_LE(0, pid);
		if (pid == 0)
			_exit(rmdir(path) ? 1 : 0);
		if (prog_attach(cgfd, prog, BPF_F_ALLOW_MULTI) == 0)
			prog_detach(cgfd, prog);
		else
			EXPECT_TRUE(errno == ENOENT || errno == ENODEV ||
				    errno == EBADF || errno == EPERM)
				TH_LOG("attach: %s", strerror(errno));
		ASSERT_EQ(pid, waitpid(pid, &status, 0));
		close(cgfd);
		rmdir(path);
	}
	close(prog);
}

/*
 * 10,000 attach/detach and link create/release cycles: kmemleak, scanned
 * by make check after the kselftests, must find nothing they left.
 */
TEST(cycles_leave_nothing)
{
	char cg[64];
	int cgfd, prog, link, i;

	snprintf(cg, sizeof(cg), "checmate_cycles_%d", getpid());
	cgfd = cg_create(_metadata, cg);
	prog = load_ret(HOOK, 0);
	ASSERT_LE(0, prog);
	for (i = 0; i < 5000; i++) {
		ASSERT_EQ(0, prog_attach(cgfd, prog, BPF_F_ALLOW_MULTI));
		ASSERT_EQ(0, prog_detach(cgfd, prog));
		link = link_create(cgfd, prog);
		ASSERT_LE(0, link);
		close(link);
	}
	EXPECT_EQ(0, query_count(cgfd, 0, NULL, 0));
	close(prog);
	close(cgfd);
	cg_remove(cg);
}

TEST_HARNESS_MAIN
