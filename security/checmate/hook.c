// SPDX-License-Identifier: GPL-2.0-only
/*
 * Checmate LSM - Hook registry
 *
 * The one table that maps a &enum checmate_hook id to the name user space
 * sees in securityfs, audit records and tools.
 */

#include <linux/array_size.h>
#include <linux/build_bug.h>
#include <linux/errno.h>
#include <linux/string.h>

#include "hook.h"
#include "limits.h"

static const char *const hook_names[__CHECMATE_HOOK_MAX] = {
	[CHECMATE_HOOK_SOCKET_CREATE] = "socket_create",
	[CHECMATE_HOOK_SOCKET_BIND] = "socket_bind",
	[CHECMATE_HOOK_SOCKET_CONNECT] = "socket_connect",
	[CHECMATE_HOOK_SOCKET_LISTEN] = "socket_listen",
	[CHECMATE_HOOK_SOCKET_SENDMSG] = "socket_sendmsg",
	[CHECMATE_HOOK_INET_CONN_REQUEST] = "inet_conn_request",
	[CHECMATE_HOOK_FILE_OPEN] = "file_open",
	[CHECMATE_HOOK_PATH_MKNOD] = "path_mknod",
	[CHECMATE_HOOK_PATH_MKDIR] = "path_mkdir",
	[CHECMATE_HOOK_PATH_RMDIR] = "path_rmdir",
	[CHECMATE_HOOK_PATH_UNLINK] = "path_unlink",
	[CHECMATE_HOOK_PATH_SYMLINK] = "path_symlink",
	[CHECMATE_HOOK_PATH_LINK] = "path_link",
	[CHECMATE_HOOK_PATH_RENAME] = "path_rename",
	[CHECMATE_HOOK_PATH_TRUNCATE] = "path_truncate",
	[CHECMATE_HOOK_PATH_CHMOD] = "path_chmod",
	[CHECMATE_HOOK_PATH_CHOWN] = "path_chown",
	[CHECMATE_HOOK_PATH_CHROOT] = "path_chroot",
	[CHECMATE_HOOK_BPRM_CHECK_SECURITY] = "bprm_check_security",
	[CHECMATE_HOOK_SB_MOUNT] = "sb_mount",
	[CHECMATE_HOOK_MOVE_MOUNT] = "move_mount",
	[CHECMATE_HOOK_SB_UMOUNT] = "sb_umount",
	[CHECMATE_HOOK_SB_REMOUNT] = "sb_remount",
	[CHECMATE_HOOK_SB_PIVOTROOT] = "sb_pivotroot",
	[CHECMATE_HOOK_MMAP_FILE] = "mmap_file",
	[CHECMATE_HOOK_PTRACE_ACCESS_CHECK] = "ptrace_access_check",
	[CHECMATE_HOOK_PTRACE_TRACEME] = "ptrace_traceme",
	[CHECMATE_HOOK_TASK_KILL] = "task_kill",
	[CHECMATE_HOOK_USERNS_CREATE] = "userns_create",
	[CHECMATE_HOOK_CAPABLE] = "capable",
	[CHECMATE_HOOK_BPF] = "bpf",
	[CHECMATE_HOOK_BPF_MAP_CREATE] = "bpf_map_create",
	[CHECMATE_HOOK_BPF_PROG_LOAD] = "bpf_prog_load",
	[CHECMATE_HOOK_BPF_TOKEN_CREATE] = "bpf_token_create",
	[CHECMATE_HOOK_KERNEL_MODULE_REQUEST] = "kernel_module_request",
	[CHECMATE_HOOK_KERNEL_READ_FILE] = "kernel_read_file",
	[CHECMATE_HOOK_KERNEL_LOAD_DATA] = "kernel_load_data",
	[CHECMATE_HOOK_SOCKET_RECVMSG] = "socket_recvmsg",
	[CHECMATE_HOOK_SOCKET_SOCK_RCV_SKB] = "socket_sock_rcv_skb",
	[CHECMATE_HOOK_SOCKET_ACCEPT] = "socket_accept",
};

static_assert(ARRAY_SIZE(hook_names) == CHECMATE_HOOK_LAST + 1);

/**
 * checmate_hook_name - Name of a hook
 * @hook: A hook id (&enum checmate_hook).
 *
 * Return: The hook's name, or NULL if @hook is not a valid hook id.
 */
const char *checmate_hook_name(u32 hook)
{
	if (hook < CHECMATE_HOOK_FIRST || hook > CHECMATE_HOOK_LAST)
		return NULL;
	return hook_names[hook];
}

/**
 * checmate_hook_from_name - Look a hook up by name
 * @name: The name; need not be NUL-terminated.
 * @len: Length of @name in bytes.
 *
 * Return: The hook id (&enum checmate_hook), or -%ENOENT if no hook has
 * that exact name.
 */
int checmate_hook_from_name(const char *name, size_t len)
{
	u32 hook;

	if (len > CHECMATE_HOOK_NAME_MAX)
		return -ENOENT;
	for (hook = CHECMATE_HOOK_FIRST; hook <= CHECMATE_HOOK_LAST; hook++) {
		if (strlen(hook_names[hook]) == len &&
		    !memcmp(hook_names[hook], name, len))
			return hook;
	}
	return -ENOENT;
}
