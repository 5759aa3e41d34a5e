// SPDX-License-Identifier: GPL-2.0-only
/*
 * Checmate LSM - KUnit tests for context access rules and verdicts
 */

#include <kunit/test.h>
#include <linux/bpf.h>
#include <linux/stddef.h>

#include "bpf.h"

struct access_case {
	const char *desc;
	u32 hook;
	int off;
	int size;
	enum bpf_access_type type;
	bool ok;
};

#define A(h, o, s, t, r) {						\
	.desc = #h " off " #o " size " #s " " #t,			\
	.hook = CHECMATE_HOOK_##h, .off = (o), .size = (s),		\
	.type = BPF_##t, .ok = (r) }

#define BIND(f) offsetof(struct checmate_socket_bind_ctx, f)
#define REQ(f) offsetof(struct checmate_inet_conn_request_ctx, f)

static const struct access_case access_cases[] = {
	/* Every field of every hook is readable as a whole __u32. */
	A(SOCKET_CREATE, 0, 4, READ, true),
	A(SOCKET_CREATE, 4, 4, READ, true),
	A(SOCKET_CREATE, 8, 4, READ, true),
	A(SOCKET_BIND, BIND(family), 4, READ, true),
	A(SOCKET_BIND, BIND(addr[3]), 4, READ, true),
	A(SOCKET_BIND, BIND(port), 4, READ, true),
	A(SOCKET_CONNECT, 24, 4, READ, true),
	A(SOCKET_LISTEN, 28, 4, READ, true),
	A(SOCKET_SENDMSG, 28, 4, READ, true),
	A(INET_CONN_REQUEST, REQ(remote_port), 4, READ, true),
	A(INET_CONN_REQUEST, REQ(local_port), 4, READ, true),
	/* Narrow aligned reads are fine: it is plain data. */
	A(SOCKET_BIND, BIND(port), 2, READ, true),
	A(SOCKET_BIND, BIND(port) + 2, 2, READ, true),
	A(SOCKET_BIND, BIND(addr) + 3, 1, READ, true),
	/* Past the end of the hook's context, or before its start. */
	A(SOCKET_CREATE, 12, 4, READ, false),
	A(SOCKET_CREATE, 12, 1, READ, false),
	A(SOCKET_BIND, 28, 4, READ, false),
	A(SOCKET_CONNECT, 28, 4, READ, false),
	A(SOCKET_LISTEN, 32, 4, READ, false),
	A(SOCKET_SENDMSG, 32, 4, READ, true),
	A(SOCKET_SENDMSG, 36, 4, READ, false),
	A(INET_CONN_REQUEST, 48, 4, READ, false),
	A(SOCKET_BIND, -4, 4, READ, false),
	/* Misaligned or odd-sized or wide accesses. */
	A(SOCKET_BIND, 1, 4, READ, false),
	A(SOCKET_BIND, 2, 4, READ, false),
	A(SOCKET_BIND, 1, 2, READ, false),
	A(SOCKET_BIND, 0, 8, READ, false),
	A(SOCKET_BIND, 0, 3, READ, false),
	A(SOCKET_BIND, 0, 0, READ, false),
	/* Writes: only socket_bind's addr and port, 4 bytes at a time. */
	A(SOCKET_BIND, BIND(port), 4, WRITE, true),
	A(SOCKET_BIND, BIND(addr[0]), 4, WRITE, true),
	A(SOCKET_BIND, BIND(addr[3]), 4, WRITE, true),
	A(SOCKET_BIND, BIND(family), 4, WRITE, false),
	A(SOCKET_BIND, BIND(protocol), 4, WRITE, false),
	A(SOCKET_BIND, BIND(port), 2, WRITE, false),
	A(SOCKET_BIND, BIND(port) + 2, 2, WRITE, false),
	A(SOCKET_BIND, BIND(addr) + 1, 1, WRITE, false),
	A(SOCKET_CREATE, 0, 4, WRITE, false),
	A(SOCKET_CONNECT, 24, 4, WRITE, false),
	A(SOCKET_LISTEN, 24, 4, WRITE, false),
	A(SOCKET_SENDMSG, 24, 4, WRITE, false),
	A(INET_CONN_REQUEST, REQ(local_port), 4, WRITE, false),
	/* No such hook. */
	A(UNSPEC, 0, 4, READ, false),
	{ "hook __CHECMATE_HOOK_MAX", __CHECMATE_HOOK_MAX, 0, 4, BPF_READ },
	{ "hook U32_MAX", U32_MAX, 0, 4, BPF_READ },
};

static void access_case_desc(const struct access_case *c, char *desc)
{
	strscpy(desc, c->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(access, access_cases, access_case_desc);

static void test_ctx_access(struct kunit *const test)
{
	const struct access_case *c = test->param_value;

	KUNIT_EXPECT_EQ(test, checmate_ctx_access_ok(c->hook, c->off, c->size,
						     c->type), c->ok);
}

/* Every byte of every context is readable one byte at a time. */
static void test_ctx_every_byte_readable(struct kunit *const test)
{
	static const u32 sizes[__CHECMATE_HOOK_MAX] = {
		[CHECMATE_HOOK_SOCKET_CREATE] = 12,
		[CHECMATE_HOOK_SOCKET_BIND] = 28,
		[CHECMATE_HOOK_SOCKET_CONNECT] = 28,
		[CHECMATE_HOOK_SOCKET_LISTEN] = 32,
		[CHECMATE_HOOK_SOCKET_SENDMSG] = 36,
		[CHECMATE_HOOK_INET_CONN_REQUEST] = 48,
		[CHECMATE_HOOK_FILE_OPEN] = 40,
		[CHECMATE_HOOK_PATH_MKNOD] = 40,
		[CHECMATE_HOOK_PATH_MKDIR] = 36,
		[CHECMATE_HOOK_PATH_RMDIR] = 64,
		[CHECMATE_HOOK_PATH_UNLINK] = 64,
		[CHECMATE_HOOK_PATH_SYMLINK] = 32,
		[CHECMATE_HOOK_PATH_LINK] = 64,
		[CHECMATE_HOOK_PATH_RENAME] = 132,
		[CHECMATE_HOOK_PATH_TRUNCATE] = 36,
		[CHECMATE_HOOK_PATH_CHMOD] = 36,
		[CHECMATE_HOOK_PATH_CHOWN] = 40,
		[CHECMATE_HOOK_PATH_CHROOT] = 32,
		[CHECMATE_HOOK_BPRM_CHECK_SECURITY] = 40,
		[CHECMATE_HOOK_SB_MOUNT] = 68,
		[CHECMATE_HOOK_MOVE_MOUNT] = 64,
		[CHECMATE_HOOK_SB_UMOUNT] = 36,
		[CHECMATE_HOOK_SB_REMOUNT] = 32,
		[CHECMATE_HOOK_SB_PIVOTROOT] = 64,
		[CHECMATE_HOOK_MMAP_FILE] = 44,
		[CHECMATE_HOOK_PTRACE_ACCESS_CHECK] = 24,
		[CHECMATE_HOOK_PTRACE_TRACEME] = 24,
		[CHECMATE_HOOK_TASK_KILL] = 28,
		[CHECMATE_HOOK_USERNS_CREATE] = 8,
		[CHECMATE_HOOK_CAPABLE] = 20,
		[CHECMATE_HOOK_BPF] = 20,
		[CHECMATE_HOOK_BPF_MAP_CREATE] = 24,
		[CHECMATE_HOOK_BPF_PROG_LOAD] = 16,
		[CHECMATE_HOOK_BPF_TOKEN_CREATE] = 36,
		[CHECMATE_HOOK_KERNEL_MODULE_REQUEST] = 4,
		[CHECMATE_HOOK_KERNEL_READ_FILE] = 40,
		[CHECMATE_HOOK_KERNEL_LOAD_DATA] = 8,
		[CHECMATE_HOOK_SOCKET_RECVMSG] = 60,
		[CHECMATE_HOOK_SOCKET_SOCK_RCV_SKB] = 52,
		[CHECMATE_HOOK_SOCKET_ACCEPT] = 28,
	};
	u32 hook;
	int off;

	for (hook = CHECMATE_HOOK_FIRST; hook <= CHECMATE_HOOK_LAST; hook++) {
		bool ok;

		for (off = 0; off < sizes[hook]; off++) {
			ok = checmate_ctx_access_ok(hook, off, 1, BPF_READ);
			KUNIT_EXPECT_TRUE_MSG(test, ok, "hook %u off %d", hook,
					      off);
		}
		ok = checmate_ctx_access_ok(hook, sizes[hook], 1, BPF_READ);
		KUNIT_EXPECT_FALSE(test, ok);
	}
}

static void test_verdict_first_deny_wins(struct kunit *const test)
{
	int v = 0;

	v = checmate_verdict(v, 0);
	KUNIT_EXPECT_EQ(test, v, 0);
	v = checmate_verdict(v, -EACCES);
	KUNIT_EXPECT_EQ(test, v, -EACCES);
	/* A later deny does not change the errno... */
	v = checmate_verdict(v, -ECONNREFUSED);
	KUNIT_EXPECT_EQ(test, v, -EACCES);
	/* ...and a later allow does not lift the deny. */
	v = checmate_verdict(v, 0);
	KUNIT_EXPECT_EQ(test, v, -EACCES);
}

static void test_verdict_errno_range(struct kunit *const test)
{
	KUNIT_EXPECT_EQ(test, checmate_verdict(0, -1), -1);
	KUNIT_EXPECT_EQ(test, checmate_verdict(0, -MAX_ERRNO), -MAX_ERRNO);
	KUNIT_EXPECT_EQ(test, checmate_verdict(0, 0), 0);
}

static unsigned int ret_1(const void *ctx, const struct bpf_insn *insn)
{
	return 1;
}

static unsigned int ret_eacces(const void *ctx, const struct bpf_insn *insn)
{
	return -EACCES;
}

/*
 * When a detach cannot allocate, cgroup-bpf leaves a placeholder program
 * (no aux, returns 1) in the effective array: it must decide nothing, and
 * must not be dereferenced.
 */
static void test_run_array_skips_placeholder(struct kunit *const test)
{
	struct bpf_prog_aux *aux;
	struct bpf_prog_array *array;
	struct bpf_prog *dummy, *deny;
	u32 ran, prog_id;
	int verdict;

	dummy = kunit_kzalloc(test, sizeof(*dummy), GFP_KERNEL);
	deny = kunit_kzalloc(test, sizeof(*deny), GFP_KERNEL);
	aux = kunit_kzalloc(test, sizeof(*aux), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, dummy);
	KUNIT_ASSERT_NOT_NULL(test, deny);
	KUNIT_ASSERT_NOT_NULL(test, aux);
	dummy->bpf_func = ret_1;
	deny->bpf_func = ret_eacces;
	deny->aux = aux;
	aux->id = 42;
	array = bpf_prog_array_alloc(2, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, array);

	/* Only the placeholder: nothing ran, nothing decided. */
	array->items[0].prog = dummy;
	migrate_disable();
	ran = checmate_run_array(array, &init_user_ns, NULL, &verdict,
				 &prog_id);
	migrate_enable();
	KUNIT_EXPECT_EQ(test, ran, 0);
	KUNIT_EXPECT_EQ(test, verdict, 0);

	/* Placeholder and a deny: the deny decides, with its id. */
	array->items[1].prog = deny;
	migrate_disable();
	ran = checmate_run_array(array, &init_user_ns, NULL, &verdict,
				 &prog_id);
	migrate_enable();
	KUNIT_EXPECT_EQ(test, ran, 1);
	KUNIT_EXPECT_EQ(test, verdict, -EACCES);
	KUNIT_EXPECT_EQ(test, prog_id, 42);
	bpf_prog_array_free(array);
}

static unsigned int ret_0(const void *ctx, const struct bpf_insn *insn)
{
	return 0;
}

static unsigned int ret_econnrefused(const void *ctx,
				     const struct bpf_insn *insn)
{
	return -ECONNREFUSED;
}

/*
 * Every program runs, even after a deny; the first deny decides the errno
 * and names its program, and a later allow does not lift it.
 */
static void test_run_array_first_deny_decides(struct kunit *const test)
{
	static unsigned int (*const funcs[])(const void *,
					     const struct bpf_insn *) = {
		ret_0, ret_eacces, ret_econnrefused, ret_0,
	};
	struct bpf_prog_array *array;
	struct bpf_prog_aux *aux;
	struct bpf_prog *prog;
	u32 ran, prog_id, i;
	int verdict;

	array = bpf_prog_array_alloc(ARRAY_SIZE(funcs), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, array);
	for (i = 0; i < ARRAY_SIZE(funcs); i++) {
		prog = kunit_kzalloc(test, sizeof(*prog), GFP_KERNEL);
		aux = kunit_kzalloc(test, sizeof(*aux), GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, prog);
		KUNIT_ASSERT_NOT_NULL(test, aux);
		prog->bpf_func = funcs[i];
		prog->aux = aux;
		aux->id = 10 + i;
		array->items[i].prog = prog;
	}
	migrate_disable();
	ran = checmate_run_array(array, &init_user_ns, NULL, &verdict,
				 &prog_id);
	migrate_enable();
	KUNIT_EXPECT_EQ(test, ran, ARRAY_SIZE(funcs));
	KUNIT_EXPECT_EQ(test, verdict, -EACCES);
	KUNIT_EXPECT_EQ(test, prog_id, 11);

	/* Allows only: no verdict, no program named. */
	array->items[1].prog = array->items[0].prog;
	array->items[2].prog = array->items[3].prog;
	migrate_disable();
	ran = checmate_run_array(array, &init_user_ns, NULL, &verdict,
				 &prog_id);
	migrate_enable();
	KUNIT_EXPECT_EQ(test, ran, ARRAY_SIZE(funcs));
	KUNIT_EXPECT_EQ(test, verdict, 0);
	KUNIT_EXPECT_EQ(test, prog_id, 0);
	bpf_prog_array_free(array);
}

/*
 * Each hook has its own cgroup-bpf attach type, hence its own static key,
 * inside the Checmate range; none is enabled while no program is attached.
 */
static void test_static_keys(struct kunit *const test)
{
	struct static_key_false *key;
	u32 a, b;

	for (a = CHECMATE_HOOK_FIRST; a <= CHECMATE_HOOK_LAST; a++) {
		key = &cgroup_bpf_enabled_key[checmate_atype(a)];
		KUNIT_EXPECT_GE(test, checmate_atype(a), CGROUP_CHECMATE_START);
		KUNIT_EXPECT_LE(test, checmate_atype(a), CGROUP_CHECMATE_END);
		KUNIT_EXPECT_LT(test, checmate_atype(a),
				MAX_CGROUP_BPF_ATTACH_TYPE);
		for (b = a + 1; b <= CHECMATE_HOOK_LAST; b++)
			KUNIT_EXPECT_NE(test, checmate_atype(a),
					checmate_atype(b));
		KUNIT_EXPECT_FALSE(test, static_key_enabled(key));
	}
	KUNIT_EXPECT_EQ(test, CGROUP_CHECMATE_END - CGROUP_CHECMATE_START + 1,
			CHECMATE_HOOK_COUNT);
}

static struct kunit_case bpf_test_cases[] = {
	KUNIT_CASE_PARAM(test_ctx_access, access_gen_params),
	KUNIT_CASE(test_ctx_every_byte_readable),
	KUNIT_CASE(test_verdict_first_deny_wins),
	KUNIT_CASE(test_verdict_errno_range),
	KUNIT_CASE(test_static_keys),
	KUNIT_CASE(test_run_array_skips_placeholder),
	KUNIT_CASE(test_run_array_first_deny_decides),
	{}
};

static struct kunit_suite bpf_test_suite = {
	.name = "checmate_bpf",
	.test_cases = bpf_test_cases,
};

kunit_test_suite(bpf_test_suite);
