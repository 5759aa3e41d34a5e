// SPDX-License-Identifier: GPL-2.0-only
/*
 * Checmate LSM - KUnit tests for the hook registry
 */

#include <kunit/test.h>
#include <linux/ctype.h>
#include <linux/string.h>

#include "hook.h"
#include "setup.h"
#include "limits.h"

struct hook_case {
	u32 hook;
	const char *name;
};

/* The ABI: ids and names user space and tools rely on. */
static const struct hook_case hook_cases[] = {
	{ CHECMATE_HOOK_SOCKET_CREATE, "socket_create" },
	{ CHECMATE_HOOK_SOCKET_BIND, "socket_bind" },
	{ CHECMATE_HOOK_SOCKET_CONNECT, "socket_connect" },
	{ CHECMATE_HOOK_SOCKET_LISTEN, "socket_listen" },
	{ CHECMATE_HOOK_SOCKET_SENDMSG, "socket_sendmsg" },
	{ CHECMATE_HOOK_INET_CONN_REQUEST, "inet_conn_request" },
	{ CHECMATE_HOOK_FILE_OPEN, "file_open" },
	{ CHECMATE_HOOK_PATH_MKNOD, "path_mknod" },
	{ CHECMATE_HOOK_PATH_MKDIR, "path_mkdir" },
	{ CHECMATE_HOOK_PATH_RMDIR, "path_rmdir" },
	{ CHECMATE_HOOK_PATH_UNLINK, "path_unlink" },
	{ CHECMATE_HOOK_PATH_SYMLINK, "path_symlink" },
	{ CHECMATE_HOOK_PATH_LINK, "path_link" },
	{ CHECMATE_HOOK_PATH_RENAME, "path_rename" },
	{ CHECMATE_HOOK_PATH_TRUNCATE, "path_truncate" },
	{ CHECMATE_HOOK_PATH_CHMOD, "path_chmod" },
	{ CHECMATE_HOOK_PATH_CHOWN, "path_chown" },
	{ CHECMATE_HOOK_PATH_CHROOT, "path_chroot" },
	{ CHECMATE_HOOK_BPRM_CHECK_SECURITY, "bprm_check_security" },
	{ CHECMATE_HOOK_SB_MOUNT, "sb_mount" },
	{ CHECMATE_HOOK_MOVE_MOUNT, "move_mount" },
	{ CHECMATE_HOOK_SB_UMOUNT, "sb_umount" },
	{ CHECMATE_HOOK_SB_REMOUNT, "sb_remount" },
	{ CHECMATE_HOOK_SB_PIVOTROOT, "sb_pivotroot" },
	{ CHECMATE_HOOK_MMAP_FILE, "mmap_file" },
	{ CHECMATE_HOOK_PTRACE_ACCESS_CHECK, "ptrace_access_check" },
	{ CHECMATE_HOOK_PTRACE_TRACEME, "ptrace_traceme" },
	{ CHECMATE_HOOK_TASK_KILL, "task_kill" },
	{ CHECMATE_HOOK_USERNS_CREATE, "userns_create" },
	{ CHECMATE_HOOK_CAPABLE, "capable" },
	{ CHECMATE_HOOK_BPF, "bpf" },
	{ CHECMATE_HOOK_BPF_MAP_CREATE, "bpf_map_create" },
	{ CHECMATE_HOOK_BPF_PROG_LOAD, "bpf_prog_load" },
	{ CHECMATE_HOOK_BPF_TOKEN_CREATE, "bpf_token_create" },
	{ CHECMATE_HOOK_KERNEL_MODULE_REQUEST, "kernel_module_request" },
	{ CHECMATE_HOOK_KERNEL_READ_FILE, "kernel_read_file" },
	{ CHECMATE_HOOK_KERNEL_LOAD_DATA, "kernel_load_data" },
	{ CHECMATE_HOOK_SOCKET_RECVMSG, "socket_recvmsg" },
	{ CHECMATE_HOOK_SOCKET_SOCK_RCV_SKB, "socket_sock_rcv_skb" },
	{ CHECMATE_HOOK_SOCKET_ACCEPT, "socket_accept" },
};

static void hook_case_desc(const struct hook_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(hook, hook_cases, hook_case_desc);

static void test_hook_name_round_trip(struct kunit *const test)
{
	const struct hook_case *c = test->param_value;
	const char *name = checmate_hook_name(c->hook);

	KUNIT_ASSERT_NOT_NULL(test, name);
	KUNIT_EXPECT_STREQ(test, name, c->name);
	KUNIT_EXPECT_EQ(test, checmate_hook_from_name(name, strlen(name)),
			(int)c->hook);
}

static void test_hook_table_complete(struct kunit *const test)
{
	KUNIT_EXPECT_EQ(test, ARRAY_SIZE(hook_cases), CHECMATE_HOOK_COUNT);
}

static void test_hook_names_well_formed(struct kunit *const test)
{
	u32 a, b;

	for (a = CHECMATE_HOOK_FIRST; a <= CHECMATE_HOOK_LAST; a++) {
		const char *name = checmate_hook_name(a);
		const char *p;

		KUNIT_ASSERT_NOT_NULL(test, name);
		KUNIT_EXPECT_GT(test, strlen(name), 0);
		KUNIT_EXPECT_LE(test, strlen(name), CHECMATE_HOOK_NAME_MAX);
		for (p = name; *p; p++)
			KUNIT_EXPECT_TRUE_MSG(test, islower(*p) || *p == '_',
					      "bad character in %s", name);
		for (b = a + 1; b <= CHECMATE_HOOK_LAST; b++)
			KUNIT_EXPECT_STRNEQ(test, name, checmate_hook_name(b));
	}
}

static void test_hook_invalid_ids(struct kunit *const test)
{
	KUNIT_EXPECT_NULL(test, checmate_hook_name(CHECMATE_HOOK_UNSPEC));
	KUNIT_EXPECT_NULL(test, checmate_hook_name(__CHECMATE_HOOK_MAX));
	KUNIT_EXPECT_NULL(test, checmate_hook_name(U32_MAX));
}

static void test_hook_invalid_names(struct kunit *const test)
{
	static const char long_name[] = "socket_bind_socket_bind_socket_bind";

	KUNIT_EXPECT_EQ(test, checmate_hook_from_name("", 0), -ENOENT);
	KUNIT_EXPECT_EQ(test, checmate_hook_from_name("socket", 6), -ENOENT);
	/* A prefix of a name is not that name... */
	KUNIT_EXPECT_EQ(test, checmate_hook_from_name("socket_bin", 10),
			-ENOENT);
	/* ...and nor is a longer string starting with it. */
	KUNIT_EXPECT_EQ(test, checmate_hook_from_name("socket_bindx", 12),
			-ENOENT);
	KUNIT_EXPECT_EQ(test, checmate_hook_from_name("SOCKET_BIND", 11),
			-ENOENT);
	KUNIT_EXPECT_EQ(test, checmate_hook_from_name(long_name,
						      sizeof(long_name) - 1),
			-ENOENT);
	/* Only @len bytes count: "socket_bind" followed by anything. */
	KUNIT_EXPECT_EQ(test, checmate_hook_from_name("socket_bind\n", 11),
			CHECMATE_HOOK_SOCKET_BIND);
}

/* Which LSM decides a hook before Checmate, for the boot-time warning. */
static void test_lsm_before(struct kunit *const test)
{
	static const struct lsm_id other = { .name = "other", .id = 1000 };
	struct security_hook_list ours = { .lsmid = &checmate_lsmid };
	struct security_hook_list theirs = { .lsmid = &other };
	struct lsm_static_call calls[3] = {};

	KUNIT_EXPECT_NULL(test, checmate_lsm_before(calls, ARRAY_SIZE(calls)));
	calls[0].hl = &ours;
	KUNIT_EXPECT_NULL(test, checmate_lsm_before(calls, ARRAY_SIZE(calls)));
	calls[1].hl = &theirs;
	/* after Checmate: fine */
	KUNIT_EXPECT_NULL(test, checmate_lsm_before(calls, ARRAY_SIZE(calls)));
	calls[0].hl = &theirs;
	calls[1].hl = &ours;
	KUNIT_EXPECT_STREQ(test, checmate_lsm_before(calls, ARRAY_SIZE(calls)),
			   "other");
}

static struct kunit_case hook_test_cases[] = {
	KUNIT_CASE(test_lsm_before),
	KUNIT_CASE_PARAM(test_hook_name_round_trip, hook_gen_params),
	KUNIT_CASE(test_hook_table_complete),
	KUNIT_CASE(test_hook_names_well_formed),
	KUNIT_CASE(test_hook_invalid_ids),
	KUNIT_CASE(test_hook_invalid_names),
	{}
};

static struct kunit_suite hook_test_suite = {
	.name = "checmate_hook",
	.test_cases = hook_test_cases,
};

kunit_test_suite(hook_test_suite);
