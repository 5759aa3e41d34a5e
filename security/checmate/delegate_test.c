// SPDX-License-Identifier: GPL-2.0-only
/*
 * Checmate LSM - KUnit tests for the permission decision
 */

#include <kunit/test.h>

#include "delegate.h"

struct may_case {
	const char *desc;
	struct checmate_caller caller;
	enum checmate_op op;
	struct checmate_target target;
	int err;
};

/* Callers */
#define ROOT		{ .init_admin = true }
#define ROOT_TOKEN	{ .init_admin = true, .token = true }
#define CTR_ADMIN	{ .ns_admin = true, .token = true }
#define CTR_NNP		{ .no_new_privs = true, .token = true }
#define CTR_PLAIN	{ .token = true }
#define CTR_NO_TOKEN	{ .ns_admin = true, .no_new_privs = true }
/* Targets */
#define OWN		{ true, true, true, true }
#define HOST_PROG	{ false, false, true, true }
#define OTHER_NS_PROG	{ true, false, true, true }
#define RO_CGROUP	{ true, true, false, true }
#define OUT_OF_NS	{ true, true, true, false }
#define NONE		{}

#define C(d, c, o, t, e) { d, c, CHECMATE_OP_##o, t, e }

static const struct may_case may_cases[] = {
	/* Root in the initial namespace may do everything. */
	C("root load", ROOT, LOAD, NONE, 0),
	C("root load with token", ROOT_TOKEN, LOAD, NONE, 0),
	C("root attach anything", ROOT, ATTACH, NONE, 0),
	C("root detach anything", ROOT, DETACH, NONE, 0),
	C("root reset", ROOT, RESET, NONE, 0),
	C("root seal", ROOT, SEAL, NONE, 0),
	/* No no_new_privs and no CAP_SYS_ADMIN in its namespace: nothing. */
	C("plain load", CTR_PLAIN, LOAD, NONE, -EPERM),
	C("plain attach", CTR_PLAIN, ATTACH, OWN, -EPERM),
	C("plain get", CTR_PLAIN, GET, OWN, -EPERM),
	C("plain seal", CTR_PLAIN, SEAL, OWN, -EPERM),
	/* Delegated: load needs a token. */
	C("ns admin load", CTR_ADMIN, LOAD, NONE, 0),
	C("nnp load", CTR_NNP, LOAD, NONE, 0),
	C("no token load", CTR_NO_TOKEN, LOAD, NONE, -EPERM),
	/* Attach and detach: own program, writable cgroup in its cgroupns. */
	C("attach own", CTR_ADMIN, ATTACH, OWN, 0),
	C("nnp attach own", CTR_NNP, ATTACH, OWN, 0),
	C("detach own", CTR_ADMIN, DETACH, OWN, 0),
	C("attach host program", CTR_ADMIN, ATTACH, HOST_PROG, -EPERM),
	C("detach host program", CTR_ADMIN, DETACH, HOST_PROG, -EPERM),
	C("attach other ns program", CTR_ADMIN, ATTACH, OTHER_NS_PROG, -EPERM),
	C("attach read-only cgroup", CTR_ADMIN, ATTACH, RO_CGROUP, -EPERM),
	C("detach read-only cgroup", CTR_NNP, DETACH, RO_CGROUP, -EPERM),
	C("attach outside cgroupns", CTR_ADMIN, ATTACH, OUT_OF_NS, -EPERM),
	/* Control: get and seal its own cgroups; never reset. */
	C("get own", CTR_ADMIN, GET, OWN, 0),
	C("seal own", CTR_NNP, SEAL, OWN, 0),
	C("seal read-only cgroup", CTR_ADMIN, SEAL, RO_CGROUP, -EPERM),
	C("get outside cgroupns", CTR_ADMIN, GET, OUT_OF_NS, -EPERM),
	C("reset own", CTR_ADMIN, RESET, OWN, -EPERM),
	C("nnp reset own", CTR_NNP, RESET, OWN, -EPERM),
};

static void may_case_desc(const struct may_case *c, char *desc)
{
	strscpy(desc, c->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(may, may_cases, may_case_desc);

static void test_may(struct kunit *const test)
{
	const struct may_case *c = test->param_value;

	KUNIT_EXPECT_EQ(test, checmate_may(&c->caller, c->op, &c->target),
			c->err);
}

/* The early check only looks at the caller, never at the target. */
static void test_may_call(struct kunit *const test)
{
	const struct checmate_caller root = ROOT, admin = CTR_ADMIN;
	const struct checmate_caller nnp = CTR_NNP, plain = CTR_PLAIN;
	const struct checmate_caller nothing = {};

	KUNIT_EXPECT_EQ(test, checmate_may_call(&root), 0);
	KUNIT_EXPECT_EQ(test, checmate_may_call(&admin), 0);
	KUNIT_EXPECT_EQ(test, checmate_may_call(&nnp), 0);
	KUNIT_EXPECT_EQ(test, checmate_may_call(&plain), -EPERM);
	KUNIT_EXPECT_EQ(test, checmate_may_call(&nothing), -EPERM);
}

static struct kunit_case delegate_test_cases[] = {
	KUNIT_CASE_PARAM(test_may, may_gen_params),
	KUNIT_CASE(test_may_call),
	{}
};

static struct kunit_suite delegate_test_suite = {
	.name = "checmate_delegate",
	.test_cases = delegate_test_cases,
};

kunit_test_suite(delegate_test_suite);
