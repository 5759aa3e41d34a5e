// SPDX-License-Identifier: GPL-2.0
/*
 * Checmate LSM - tests of registration and the securityfs interface
 */

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/checmate.h>
#include <linux/lsm.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common.h"

#define SFS "/sys/kernel/security/checmate/"

/* Reads a whole file into buf, @chunk bytes per read(2). */
static ssize_t read_file(struct __test_metadata *const _metadata,
			 const char *path, char *buf, size_t size, size_t chunk)
{
	size_t len = 0;
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, fd) TH_LOG("open %s: %s", path, strerror(errno));
	do {
		ASSERT_GT(size - 1, len);
		n = read(fd, buf + len, chunk < size - 1 - len ? chunk :
			 size - 1 - len);
		ASSERT_LE(0, n);
		len += n;
	} while (n > 0);
	buf[len] = '\0';
	EXPECT_EQ(0, close(fd));
	return len;
}

TEST(listed_in_securityfs_lsm)
{
	char buf[4096], *tok, *save;
	int found = 0;

	read_file(_metadata, "/sys/kernel/security/lsm", buf, sizeof(buf),
		  sizeof(buf));
	for (tok = strtok_r(buf, ",\n", &save); tok;
	     tok = strtok_r(NULL, ",\n", &save))
		found += !strcmp(tok, "checmate");
	EXPECT_EQ(1, found);
}

/*
 * The default CONFIG_LSM order puts Checmate first after capability, ahead
 * of Landlock (built into the test kernel, with its own socket_bind hook),
 * so that a bind rewrite happens before anyone else checks the address.
 */
TEST(first_after_capability)
{
	char buf[4096];

	read_file(_metadata, "/sys/kernel/security/lsm", buf, sizeof(buf),
		  sizeof(buf));
	EXPECT_EQ(0, strncmp(buf, "capability,checmate,", 20)) TH_LOG("%s", buf);
	EXPECT_NE(NULL, strstr(buf, ",landlock")) TH_LOG("%s", buf);
}

TEST(listed_by_lsm_list_modules)
{
	__u64 ids[64];
	__u32 size = sizeof(ids);
	int count, i, found = 0;

	count = syscall(__NR_lsm_list_modules, ids, &size, 0);
	ASSERT_LE(1, count);
	EXPECT_EQ(count * sizeof(ids[0]), size);
	for (i = 0; i < count; i++)
		found += ids[i] == LSM_ID_CHECMATE;
	EXPECT_EQ(1, found);
}

TEST(abi_version_matches_header)
{
	char want[32], buf[32];

	snprintf(want, sizeof(want), "%d\n", CHECMATE_ABI_VERSION);
	read_file(_metadata, SFS "abi_version", buf, sizeof(buf), sizeof(buf));
	EXPECT_STREQ(want, buf);
	/* Short reads must add up to the same content. */
	read_file(_metadata, SFS "abi_version", buf, sizeof(buf), 1);
	EXPECT_STREQ(want, buf);
}

TEST(hooks_match_header)
{
	static const struct {
		const char *name;
		size_t size;
	} hooks[] = {
		[CHECMATE_HOOK_SOCKET_CREATE] = { "socket_create",
			sizeof(struct checmate_socket_create_ctx) },
		[CHECMATE_HOOK_SOCKET_BIND] = { "socket_bind",
			sizeof(struct checmate_socket_bind_ctx) },
		[CHECMATE_HOOK_SOCKET_CONNECT] = { "socket_connect",
			sizeof(struct checmate_socket_connect_ctx) },
		[CHECMATE_HOOK_SOCKET_LISTEN] = { "socket_listen",
			sizeof(struct checmate_socket_listen_ctx) },
		[CHECMATE_HOOK_SOCKET_SENDMSG] = { "socket_sendmsg",
			sizeof(struct checmate_socket_sendmsg_ctx) },
		[CHECMATE_HOOK_INET_CONN_REQUEST] = { "inet_conn_request",
			sizeof(struct checmate_inet_conn_request_ctx) },
		[CHECMATE_HOOK_FILE_OPEN] = { "file_open",
			sizeof(struct checmate_file_open_ctx) },
		[CHECMATE_HOOK_PATH_MKNOD] = { "path_mknod",
			sizeof(struct checmate_path_mknod_ctx) },
		[CHECMATE_HOOK_PATH_MKDIR] = { "path_mkdir",
			sizeof(struct checmate_path_mkdir_ctx) },
		[CHECMATE_HOOK_PATH_RMDIR] = { "path_rmdir",
			sizeof(struct checmate_path_rmdir_ctx) },
		[CHECMATE_HOOK_PATH_UNLINK] = { "path_unlink",
			sizeof(struct checmate_path_unlink_ctx) },
		[CHECMATE_HOOK_PATH_SYMLINK] = { "path_symlink",
			sizeof(struct checmate_path_symlink_ctx) },
		[CHECMATE_HOOK_PATH_LINK] = { "path_link",
			sizeof(struct checmate_path_link_ctx) },
		[CHECMATE_HOOK_PATH_RENAME] = { "path_rename",
			sizeof(struct checmate_path_rename_ctx) },
		[CHECMATE_HOOK_PATH_TRUNCATE] = { "path_truncate",
			sizeof(struct checmate_path_truncate_ctx) },
		[CHECMATE_HOOK_PATH_CHMOD] = { "path_chmod",
			sizeof(struct checmate_path_chmod_ctx) },
		[CHECMATE_HOOK_PATH_CHOWN] = { "path_chown",
			sizeof(struct checmate_path_chown_ctx) },
		[CHECMATE_HOOK_PATH_CHROOT] = { "path_chroot",
			sizeof(struct checmate_path_chroot_ctx) },
		[CHECMATE_HOOK_BPRM_CHECK_SECURITY] = { "bprm_check_security",
			sizeof(struct checmate_bprm_check_security_ctx) },
		[CHECMATE_HOOK_SB_MOUNT] = { "sb_mount",
			sizeof(struct checmate_sb_mount_ctx) },
		[CHECMATE_HOOK_MOVE_MOUNT] = { "move_mount",
			sizeof(struct checmate_move_mount_ctx) },
		[CHECMATE_HOOK_SB_UMOUNT] = { "sb_umount",
			sizeof(struct checmate_sb_umount_ctx) },
		[CHECMATE_HOOK_SB_REMOUNT] = { "sb_remount",
			sizeof(struct checmate_sb_remount_ctx) },
		[CHECMATE_HOOK_SB_PIVOTROOT] = { "sb_pivotroot",
			sizeof(struct checmate_sb_pivotroot_ctx) },
		[CHECMATE_HOOK_MMAP_FILE] = { "mmap_file",
			sizeof(struct checmate_mmap_file_ctx) },
		[CHECMATE_HOOK_PTRACE_ACCESS_CHECK] = { "ptrace_access_check",
			sizeof(struct checmate_ptrace_access_check_ctx) },
		[CHECMATE_HOOK_PTRACE_TRACEME] = { "ptrace_traceme",
			sizeof(struct checmate_ptrace_traceme_ctx) },
		[CHECMATE_HOOK_TASK_KILL] = { "task_kill",
			sizeof(struct checmate_task_kill_ctx) },
		[CHECMATE_HOOK_USERNS_CREATE] = { "userns_create",
			sizeof(struct checmate_userns_create_ctx) },
		[CHECMATE_HOOK_CAPABLE] = { "capable",
			sizeof(struct checmate_capable_ctx) },
		[CHECMATE_HOOK_BPF] = { "bpf",
			sizeof(struct checmate_bpf_ctx) },
		[CHECMATE_HOOK_BPF_MAP_CREATE] = { "bpf_map_create",
			sizeof(struct checmate_bpf_map_create_ctx) },
		[CHECMATE_HOOK_BPF_PROG_LOAD] = { "bpf_prog_load",
			sizeof(struct checmate_bpf_prog_load_ctx) },
		[CHECMATE_HOOK_BPF_TOKEN_CREATE] = { "bpf_token_create",
			sizeof(struct checmate_bpf_token_create_ctx) },
		[CHECMATE_HOOK_KERNEL_MODULE_REQUEST] = { "kernel_module_request",
			sizeof(struct checmate_kernel_module_request_ctx) },
		[CHECMATE_HOOK_KERNEL_READ_FILE] = { "kernel_read_file",
			sizeof(struct checmate_kernel_read_file_ctx) },
		[CHECMATE_HOOK_KERNEL_LOAD_DATA] = { "kernel_load_data",
			sizeof(struct checmate_kernel_load_data_ctx) },
		[CHECMATE_HOOK_SOCKET_RECVMSG] = { "socket_recvmsg",
			sizeof(struct checmate_socket_recvmsg_ctx) },
		[CHECMATE_HOOK_SOCKET_SOCK_RCV_SKB] = { "socket_sock_rcv_skb",
			sizeof(struct checmate_socket_sock_rcv_skb_ctx) },
		[CHECMATE_HOOK_SOCKET_ACCEPT] = { "socket_accept",
			sizeof(struct checmate_socket_accept_ctx) },
	};
	char want[4096] = "", buf[4096];
	int hook;

	ASSERT_EQ(__CHECMATE_HOOK_MAX, ARRAY_SIZE(hooks));
	for (hook = 1; hook < __CHECMATE_HOOK_MAX; hook++)
		snprintf(want + strlen(want), sizeof(want) - strlen(want),
			 "%s %zu\n", hooks[hook].name, hooks[hook].size);
	read_file(_metadata, SFS "hooks", buf, sizeof(buf), sizeof(buf));
	EXPECT_STREQ(want, buf);
	read_file(_metadata, SFS "hooks", buf, sizeof(buf), 3);
	EXPECT_STREQ(want, buf);
}

FIXTURE(sfs_file) {};

FIXTURE_VARIANT(sfs_file) {
	const char *path;
};

FIXTURE_VARIANT_ADD(sfs_file, abi_version) {
	.path = SFS "abi_version",
};

FIXTURE_VARIANT_ADD(sfs_file, hooks) {
	.path = SFS "hooks",
};

FIXTURE_VARIANT_ADD(sfs_file, counters) {
	.path = SFS "counters",
};

FIXTURE_SETUP(sfs_file) {}
FIXTURE_TEARDOWN(sfs_file) {}

TEST_F(sfs_file, read_only_mode)
{
	struct stat st;

	ASSERT_EQ(0, stat(variant->path, &st));
	EXPECT_TRUE(S_ISREG(st.st_mode));
	EXPECT_EQ(0444, st.st_mode & 07777);
	EXPECT_EQ(0, st.st_uid);
}

/* Root may open it for writing (DAC override), but the file has no write. */
TEST_F(sfs_file, root_write_is_einval)
{
	char before[4096], after[4096];
	int fd;

	read_file(_metadata, variant->path, before, sizeof(before),
		  sizeof(before));
	fd = open(variant->path, O_WRONLY | O_CLOEXEC);
	ASSERT_LE(0, fd);
	EXPECT_EQ(-1, write(fd, "2\n", 2));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(0, close(fd));
	read_file(_metadata, variant->path, after, sizeof(after),
		  sizeof(after));
	EXPECT_STREQ(before, after);
}

/* Anybody else cannot even open it for writing. */
TEST_F(sfs_file, unprivileged_open_for_write_is_eacces)
{
	int status;
	pid_t pid;

	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		if (drop_to_nobody())
			_exit(2);
		if (open(variant->path, O_WRONLY | O_CLOEXEC) != -1)
			_exit(3);
		if (errno != EACCES)
			_exit(4);
		if (open(variant->path, O_RDWR | O_CLOEXEC) != -1 ||
		    errno != EACCES)
			_exit(5);
		_exit(0);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
}

TEST(directory_is_fixed)
{
	struct stat st;

	EXPECT_EQ(-1, open(SFS "new", O_CREAT | O_WRONLY | O_CLOEXEC, 0600));
	EXPECT_EQ(EACCES, errno);
	EXPECT_EQ(-1, mkdir(SFS "newdir", 0700));
	EXPECT_EQ(EPERM, errno);
	EXPECT_EQ(-1, unlink(SFS "abi_version"));
	EXPECT_EQ(EPERM, errno);
	EXPECT_EQ(0, stat(SFS "abi_version", &st));
	EXPECT_EQ(-1, stat(SFS "new", &st));
	EXPECT_EQ(ENOENT, errno);
}

TEST_HARNESS_MAIN
