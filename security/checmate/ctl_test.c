// SPDX-License-Identifier: GPL-2.0-only
/*
 * Checmate LSM - KUnit tests for BPF_CHECMATE_CTL request checks
 */

#include <kunit/test.h>

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
};

static void ctl_case_desc(const struct ctl_case *c, char *desc)
{
	strscpy(desc, c->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(ctl, ctl_cases, ctl_case_desc);

static void test_ctl_check(struct kunit *const test)
{
	const struct ctl_case *c = test->param_value;

	KUNIT_EXPECT_EQ(test, checmate_ctl_check(&c->ctl), c->err);
}

/* The mask covers exactly the published flags. */
static void test_seal_mask(struct kunit *const test)
{
	KUNIT_EXPECT_EQ(test, CHECMATE_SEAL_MASK,
			CHECMATE_SEAL_DENY_RESET | CHECMATE_SEAL_APPEND_ONLY |
			CHECMATE_SEAL_LOCKED);
}

static struct kunit_case ctl_test_cases[] = {
	KUNIT_CASE_PARAM(test_ctl_check, ctl_gen_params),
	KUNIT_CASE(test_seal_mask),
	{}
};

static struct kunit_suite ctl_test_suite = {
	.name = "checmate_ctl",
	.test_cases = ctl_test_cases,
};

kunit_test_suite(ctl_test_suite);
