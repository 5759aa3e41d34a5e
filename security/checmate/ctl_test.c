// SPDX-License-Identifier: GPL-2.0-only
/*
 * Checmate LSM - KUnit tests for BPF_CHECMATE_CTL request checks
 */

#include <kunit/test.h>
#include <linux/checmate.h>
#include <linux/mm.h>

#include "ctl.h"
#include "limits.h"

struct ctl_case {
	const char *desc;
	struct checmate_ctl ctl;
	int err;
};

#define OK(d, ...) { .desc = d, .ctl = { __VA_ARGS__ }, .err = 0 }
#define BAD(d, ...) { .desc = d, .ctl = { __VA_ARGS__ }, .err = -EINVAL }
#define BIND .hook = CHECMATE_HOOK_SOCKET_BIND

static const struct ctl_case ctl_cases[] = {
	OK("get", .op = CHECMATE_CTL_GET, BIND),
	OK("reset", .op = CHECMATE_CTL_RESET, BIND),
	OK("seal deny-reset", .op = CHECMATE_CTL_SEAL, BIND,
	   .seals = CHECMATE_SEAL_DENY_RESET),
	OK("seal append-only", .op = CHECMATE_CTL_SEAL, BIND,
	   .seals = CHECMATE_SEAL_APPEND_ONLY),
	OK("seal locked", .op = CHECMATE_CTL_SEAL, BIND,
	   .seals = CHECMATE_SEAL_LOCKED),
	OK("seal all", .op = CHECMATE_CTL_SEAL, BIND,
	   .seals = CHECMATE_SEAL_MASK),
	OK("last hook", .op = CHECMATE_CTL_GET,
	   .hook = CHECMATE_HOOK_INET_CONN_REQUEST),
	BAD("op 0", .op = 0, BIND),
	BAD("op past last", .op = __CHECMATE_CTL_MAX, BIND),
	BAD("op ~0", .op = ~0U, BIND),
	BAD("hook 0", .op = CHECMATE_CTL_GET, .hook = 0),
	BAD("hook past last", .op = CHECMATE_CTL_GET,
	    .hook = __CHECMATE_HOOK_MAX),
	BAD("seal nothing", .op = CHECMATE_CTL_SEAL, BIND, .seals = 0),
	BAD("seal unknown flag", .op = CHECMATE_CTL_SEAL, BIND,
	    .seals = CHECMATE_SEAL_LAST << 1),
	BAD("seal known and unknown", .op = CHECMATE_CTL_SEAL, BIND,
	    .seals = CHECMATE_SEAL_LOCKED | (1U << 31)),
	BAD("get with seals", .op = CHECMATE_CTL_GET, BIND,
	    .seals = CHECMATE_SEAL_LOCKED),
	BAD("reset with seals", .op = CHECMATE_CTL_RESET, BIND,
	    .seals = CHECMATE_SEAL_DENY_RESET),
	BAD("prog_cnt set", .op = CHECMATE_CTL_GET, BIND, .prog_cnt = 1),
	BAD("effective_prog_cnt set", .op = CHECMATE_CTL_RESET, BIND,
	    .effective_prog_cnt = 1),
	BAD("prog_flags set", .op = CHECMATE_CTL_GET, BIND, .prog_flags = 1),
	BAD("prog_fd for get", .op = CHECMATE_CTL_GET, BIND, .prog_fd = 3),
	OK("prog info", .op = CHECMATE_CTL_PROG_INFO, .prog_fd = 3),
	BAD("prog info with hook", .op = CHECMATE_CTL_PROG_INFO, BIND,
	    .prog_fd = 3),
	BAD("prog info with cgroup", .op = CHECMATE_CTL_PROG_INFO,
	    .cgroup_fd = 4, .prog_fd = 3),
	BAD("prog info with seals", .op = CHECMATE_CTL_PROG_INFO,
	    .seals = CHECMATE_SEAL_LOCKED, .prog_fd = 3),
};

static void ctl_case_desc(const struct ctl_case *c, char *desc)
{
	strscpy(desc, c->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(ctl, ctl_cases, ctl_case_desc);

static void test_ctl_check(struct kunit *const test)
{
	const struct ctl_case *c = test->param_value;

	KUNIT_EXPECT_EQ(test, checmate_ctl_check(&c->ctl, sizeof(c->ctl)),
			c->err);
}

/* An older, smaller struct cannot ask for what it cannot receive. */
static void test_ctl_prog_info_needs_ver1(struct kunit *const test)
{
	const struct checmate_ctl info = {
		.op = CHECMATE_CTL_PROG_INFO, .prog_fd = 3,
	};
	const struct checmate_ctl get = {
		.op = CHECMATE_CTL_GET, .hook = CHECMATE_HOOK_SOCKET_BIND,
	};

	KUNIT_EXPECT_EQ(test, checmate_ctl_check(&info, CHECMATE_CTL_SIZE_VER0),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, checmate_ctl_check(&info, CHECMATE_CTL_SIZE_VER1),
			0);
	/* The older operations still work with the older size. */
	KUNIT_EXPECT_EQ(test, checmate_ctl_check(&get, CHECMATE_CTL_SIZE_VER0),
			0);
}

/* The mask covers exactly the published flags. */
static void test_seal_mask(struct kunit *const test)
{
	KUNIT_EXPECT_EQ(test, CHECMATE_SEAL_MASK,
			CHECMATE_SEAL_DENY_RESET | CHECMATE_SEAL_APPEND_ONLY |
			CHECMATE_SEAL_LOCKED);
}

static void test_ctl_size(struct kunit *const test)
{
	KUNIT_EXPECT_EQ(test, checmate_ctl_check_size(0), -EINVAL);
	KUNIT_EXPECT_EQ(test, checmate_ctl_check_size(CHECMATE_CTL_SIZE_VER0 - 1),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, checmate_ctl_check_size(CHECMATE_CTL_SIZE_VER0), 0);
	/* Larger, newer structs go on to copy_struct_from_user(). */
	KUNIT_EXPECT_EQ(test, checmate_ctl_check_size(CHECMATE_CTL_SIZE_VER0 + 8),
			0);
	KUNIT_EXPECT_EQ(test, checmate_ctl_check_size(PAGE_SIZE), 0);
	KUNIT_EXPECT_EQ(test, checmate_ctl_check_size(PAGE_SIZE + 1), -E2BIG);
	KUNIT_EXPECT_EQ(test, checmate_ctl_check_size(U32_MAX), -E2BIG);
}

/* Every seal state against every operation. */
static void test_seal_permits(struct kunit *const test)
{
	const u32 R = CHECMATE_SEAL_DENY_RESET, A = CHECMATE_SEAL_APPEND_ONLY;
	const u32 L = CHECMATE_SEAL_LOCKED;
	bool attach, detach, reset;
	u32 s;

	for (s = 0; s <= CHECMATE_SEAL_MASK; s++) {
		attach = checmate_seal_permits(s, CHECMATE_SEAL_OP_ATTACH);
		detach = checmate_seal_permits(s, CHECMATE_SEAL_OP_DETACH);
		reset = checmate_seal_permits(s, CHECMATE_SEAL_OP_RESET);
		KUNIT_EXPECT_EQ_MSG(test, attach, !(s & L), "seals %#x", s);
		KUNIT_EXPECT_EQ_MSG(test, detach, !(s & (A | L)), "seals %#x", s);
		KUNIT_EXPECT_EQ_MSG(test, reset, !(s & (R | A | L)),
				    "seals %#x", s);
	}
	/* No seal, nothing refused; all seals, everything refused. */
	KUNIT_EXPECT_TRUE(test, checmate_seal_permits(0, CHECMATE_SEAL_OP_RESET));
	KUNIT_EXPECT_FALSE(test, checmate_seal_permits(CHECMATE_SEAL_MASK,
						       CHECMATE_SEAL_OP_ATTACH));
}

/* Every transition only tightens: nothing a seal refused becomes allowed. */
static void test_seal_transitions(struct kunit *const test)
{
	const enum checmate_seal_op ops[] = {
		CHECMATE_SEAL_OP_ATTACH, CHECMATE_SEAL_OP_DETACH,
		CHECMATE_SEAL_OP_RESET,
	};
	u32 from, add, to;
	size_t i;

	for (from = 0; from <= CHECMATE_SEAL_MASK; from++) {
		for (add = 0; add <= CHECMATE_SEAL_MASK; add++) {
			to = checmate_seal_add(from, add, false);
			KUNIT_EXPECT_EQ(test, to & from, from);
			KUNIT_EXPECT_EQ(test, to & add, add);
			KUNIT_EXPECT_EQ(test, to & ~CHECMATE_SEAL_MASK, 0);
			for (i = 0; i < ARRAY_SIZE(ops); i++)
				KUNIT_EXPECT_TRUE(test,
						  !checmate_seal_permits(to, ops[i]) ||
						  checmate_seal_permits(from, ops[i]));
		}
	}
}

/*
 * Whom a seal binds: the init admin's bind everyone, delegated callers'
 * bind only delegated callers, and neither can be lifted by the other.
 */
static void test_seal_binding(struct kunit *const test)
{
	u32 stored, admin, delegated;

	for (admin = 0; admin <= CHECMATE_SEAL_MASK; admin++) {
		for (delegated = 0; delegated <= CHECMATE_SEAL_MASK;
		     delegated++) {
			stored = checmate_seal_add(0, admin, false);
			stored = checmate_seal_add(stored, delegated, true);
			KUNIT_EXPECT_LE(test, stored, U8_MAX);
			KUNIT_EXPECT_EQ(test,
					checmate_seals_binding(stored, false),
					admin);
			KUNIT_EXPECT_EQ(test,
					checmate_seals_binding(stored, true),
					admin | delegated);
		}
	}
	/* A delegated LOCKED seal does not stop the init admin. */
	stored = checmate_seal_add(0, CHECMATE_SEAL_LOCKED, true);
	KUNIT_EXPECT_TRUE(test,
			  checmate_seal_permits(checmate_seals_binding(stored, false),
						CHECMATE_SEAL_OP_ATTACH));
	KUNIT_EXPECT_FALSE(test,
			   checmate_seal_permits(checmate_seals_binding(stored, true),
						 CHECMATE_SEAL_OP_ATTACH));
}

static struct kunit_case ctl_test_cases[] = {
	KUNIT_CASE(test_seal_binding),
	KUNIT_CASE_PARAM(test_ctl_check, ctl_gen_params),
	KUNIT_CASE(test_seal_mask),
	KUNIT_CASE(test_ctl_size),
	KUNIT_CASE(test_ctl_prog_info_needs_ver1),
	KUNIT_CASE(test_seal_permits),
	KUNIT_CASE(test_seal_transitions),
	{}
};

static struct kunit_suite ctl_test_suite = {
	.name = "checmate_ctl",
	.test_cases = ctl_test_cases,
};

kunit_test_suite(ctl_test_suite);
