// SPDX-License-Identifier: GPL-2.0
/*
 * Checmate sample: no mount operations in a cgroup
 *
 * CVE-2014-9717: umount2(MNT_DETACH) did not check MNT_LOCKED, so root in
 * a user namespace (any unprivileged user, where user namespaces are
 * allowed) could detach a mount its namespace inherited locked, and see
 * the files it covered. Bugs of that kind sit in the mount code, which
 * every task with CAP_SYS_ADMIN in its own user namespace may call. A
 * container that never needs to mount after it started need not reach
 * that code at all: this policy denies every mount operation of the
 * cgroup's tasks with EPERM, whatever their privilege, and counts the
 * denials per hook:
 *
 * - sb_mount: every mount(2): new mounts, bind mounts, moves, remounts
 *   and propagation changes (it runs before the kernel's own privilege
 *   checks, so unprivileged attempts are counted too);
 * - move_mount: attaching with the new mount API (fsmount(2) and
 *   open_tree(2) results), the only way that API attaches anything;
 * - sb_umount: umount(2) and umount2(2), MNT_DETACH included;
 * - sb_remount: reconfiguring a file system (fsconfig(2)'s
 *   FSCONFIG_CMD_RECONFIGURE, and mount(2) with MS_REMOUNT, which
 *   sb_mount denies first);
 * - sb_pivotroot: pivot_root(2);
 * - path_chroot: chroot(2), only while config.chroot is set (the loader's
 *   --chroot): chroot changes no mount but gives tasks another view of
 *   the tree, which policies keyed on paths rely on.
 *
 * What is left: fsopen(2), fsconfig(2)'s other commands, fsmount(2) and
 * open_tree(2) have no hook, so a task that may mount can still make a
 * detached mount and use it through its fd (openat(2) on it), without
 * attaching it anywhere; mount_setattr(2) has no hook in Linux 6.12 and
 * changes the flags of mounts the task already has. Mounts made before
 * the policy was attached, and the kernel's own unmounts when a mount
 * namespace goes away, are untouched.
 *
 * With nothing set (checmate-ctl attach), chroot(2) is allowed.
 */

#include <linux/bpf.h>
#include <linux/checmate.h>
#include <bpf/bpf_helpers.h>

#include "checmate_no_mount.h"

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__uint(map_flags, BPF_F_RDONLY_PROG);
	__type(key, __u32);
	__type(value, struct no_mount_config);
} config SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, NO_MOUNT_MAX);
	__type(key, __u32);
	__type(value, __u64);
} counters SEC(".maps");

static __always_inline int deny(__u32 hook)
{
	__u64 *n = bpf_map_lookup_elem(&counters, &hook);

	if (n)
		__sync_fetch_and_add(n, 1);
	return -NO_MOUNT_EPERM;
}

SEC("checmate/sb_mount")
int no_mount_sb_mount(struct checmate_sb_mount_ctx *ctx)
{
	return deny(NO_MOUNT_SB_MOUNT);
}

SEC("checmate/move_mount")
int no_mount_move_mount(struct checmate_move_mount_ctx *ctx)
{
	return deny(NO_MOUNT_MOVE_MOUNT);
}

SEC("checmate/sb_umount")
int no_mount_sb_umount(struct checmate_sb_umount_ctx *ctx)
{
	return deny(NO_MOUNT_SB_UMOUNT);
}

SEC("checmate/sb_remount")
int no_mount_sb_remount(struct checmate_sb_remount_ctx *ctx)
{
	return deny(NO_MOUNT_SB_REMOUNT);
}

SEC("checmate/sb_pivotroot")
int no_mount_sb_pivotroot(struct checmate_sb_pivotroot_ctx *ctx)
{
	return deny(NO_MOUNT_SB_PIVOTROOT);
}

SEC("checmate/path_chroot")
int no_mount_path_chroot(struct checmate_path_chroot_ctx *ctx)
{
	const struct no_mount_config *cfg;
	__u32 zero = 0;

	cfg = bpf_map_lookup_elem(&config, &zero);
	if (!cfg || !cfg->chroot)
		return 0;
	return deny(NO_MOUNT_PATH_CHROOT);
}

char LICENSE[] SEC("license") = "GPL";
