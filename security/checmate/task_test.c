// SPDX-License-Identifier: GPL-2.0-only
/*
 * Checmate LSM - KUnit tests for the task relations and the quiet
 * capability checks
 */

#include <kunit/test.h>
#include <linux/bpf.h>
#include <linux/capability.h>
#include <linux/cred.h>
#include <linux/pid.h>
#include <linux/sched.h>
#include <linux/sched/task.h>

#include "bpf.h"
#include "task.h"

static const u32 every_rel = CHECMATE_REL_DESCENDANT |
			     CHECMATE_REL_SAME_CGROUP | CHECMATE_REL_USERNS |
			     CHECMATE_REL_CAP | CHECMATE_REL_SELF;

/* The KUnit thread, a kernel thread with every capability, to itself. */
static void test_relations_self(struct kunit *const test)
{
	KUNIT_EXPECT_EQ(test, checmate_task_relations(current, current,
						      CAP_SYS_PTRACE),
			every_rel);
	KUNIT_EXPECT_EQ(test, checmate_task_relations(current, current,
						      CAP_KILL),
			every_rel);
}

/*
 * init and a kernel thread: neither descends from the other (kernel threads
 * descend from kthreadd, pid 2), both are in the initial user namespace and
 * the root cgroup, and init has every capability.
 */
static void test_relations_init(struct kunit *const test)
{
	struct task_struct *init;
	u32 rel;

	rcu_read_lock();
	init = pid_task(find_pid_ns(1, &init_pid_ns), PIDTYPE_PID);
	if (init)
		get_task_struct(init);
	rcu_read_unlock();
	KUNIT_ASSERT_NOT_NULL(test, init);

	rel = checmate_task_relations(current, init, CAP_KILL);
	KUNIT_EXPECT_FALSE(test, rel & CHECMATE_REL_DESCENDANT);
	KUNIT_EXPECT_FALSE(test, rel & CHECMATE_REL_SELF);
	KUNIT_EXPECT_TRUE(test, rel & CHECMATE_REL_USERNS);
	KUNIT_EXPECT_TRUE(test, rel & CHECMATE_REL_CAP);

	rel = checmate_task_relations(init, current, CAP_SYS_PTRACE);
	KUNIT_EXPECT_FALSE(test, rel & CHECMATE_REL_DESCENDANT);
	KUNIT_EXPECT_FALSE(test, rel & CHECMATE_REL_SELF);
	KUNIT_EXPECT_TRUE(test, rel & CHECMATE_REL_USERNS);
	put_task_struct(init);
}

/* A capability the credentials lack is not shown as CHECMATE_REL_CAP. */
static void test_relations_no_cap(struct kunit *const test)
{
	const struct cred *old;
	struct cred *cred;

	cred = prepare_creds();
	KUNIT_ASSERT_NOT_NULL(test, cred);
	cap_lower(cred->cap_effective, CAP_SYS_PTRACE);
	old = override_creds(cred);
	KUNIT_EXPECT_EQ(test, checmate_task_relations(current, current,
						      CAP_SYS_PTRACE),
			every_rel & ~CHECMATE_REL_CAP);
	KUNIT_EXPECT_EQ(test, checmate_task_relations(current, current,
						      CAP_KILL),
			every_rel);
	revert_creds(old);
	put_cred(cred);
}

/* A quiet check leaves current->bpf_ctx as it found it. */
static void test_capable_quietly(struct kunit *const test)
{
	struct bpf_run_ctx run_ctx = {};
	struct bpf_run_ctx *old;

	KUNIT_EXPECT_TRUE(test, checmate_capable_quietly(current_cred(),
							 &init_user_ns,
							 CAP_SYS_ADMIN));
	KUNIT_EXPECT_NULL(test, current->bpf_ctx);
	old = bpf_set_run_ctx(&run_ctx);
	KUNIT_EXPECT_TRUE(test, checmate_init_admin());
	KUNIT_EXPECT_PTR_EQ(test, current->bpf_ctx, &run_ctx);
	bpf_reset_run_ctx(old);
}

/* Only socket_bind's context is writable; every other is read-only. */
static void test_ctx_read_only(struct kunit *const test)
{
	bool writable;
	u32 hook;
	int off;

	for (hook = CHECMATE_HOOK_FIRST; hook <= CHECMATE_HOOK_LAST; hook++) {
		u32 size = checmate_ctx_size(hook);

		KUNIT_EXPECT_GE(test, size, 4);
		KUNIT_EXPECT_EQ(test, size % 4, 0);
		for (off = 0; off < size; off += 4) {
			writable = checmate_ctx_access_ok(hook, off, 4,
							  BPF_WRITE);
			KUNIT_EXPECT_TRUE(test,
					  checmate_ctx_access_ok(hook, off, 4,
								 BPF_READ));
			if (hook != CHECMATE_HOOK_SOCKET_BIND)
				KUNIT_EXPECT_FALSE(test, writable);
		}
		KUNIT_EXPECT_FALSE(test, checmate_ctx_access_ok(hook, size, 1,
								BPF_READ));
	}
}

static struct kunit_case task_test_cases[] = {
	KUNIT_CASE(test_relations_self),
	KUNIT_CASE(test_relations_init),
	KUNIT_CASE(test_relations_no_cap),
	KUNIT_CASE(test_capable_quietly),
	KUNIT_CASE(test_ctx_read_only),
	{}
};

static struct kunit_suite task_test_suite = {
	.name = "checmate_task",
	.test_cases = task_test_cases,
};

kunit_test_suite(task_test_suite);
