// SPDX-License-Identifier: GPL-2.0-only
/*
 * Checmate LSM - File-system, exec and mount hooks
 *
 * Each hook shows its objects by identity (&struct checmate_inode: device,
 * inode number, mode, owner, file-system magic, mount flags), never by a
 * pointer; the names that belong to the hook call are offered to programs
 * through bpf_checmate_str(), which reads them only when asked. Programs
 * of the current task's cgroup run; kernel threads are not governed. With
 * no program attached to a hook anywhere, the hook is a static branch; with
 * programs attached only outside the task's cgroup and its ancestors, it
 * is that and a look at the cgroup's effective array (three dependent
 * loads, inline), and no context is built.
 */

#include <linux/binfmts.h>
#include <linux/cred.h>
#include <linux/dcache.h>
#include <linux/fcntl.h>
#include <linux/fs.h>
#include <linux/kdev_t.h>
#include <linux/lsm_hooks.h>
#include <linux/mm.h>
#include <linux/mman.h>
#include <linux/mount.h>
#include <uapi/linux/mount.h>
#include <linux/namei.h>
#include <linux/path.h>
#include <linux/uidgid.h>

#include "bpf.h"
#include "common.h"
#include "fs.h"
#include "setup.h"

/**
 * checmate_mnt_flags - The CHECMATE_MNT_* flags of a mount
 * @mnt_flags: The mount's MNT_* flags.
 * @sb_rdonly: Its file system is read-only.
 *
 * Return: The flags programs see in &struct checmate_inode.mnt_flags.
 */
u32 checmate_mnt_flags(int mnt_flags, bool sb_rdonly)
{
	u32 flags = 0;

	if ((mnt_flags & MNT_READONLY) || sb_rdonly)
		flags |= CHECMATE_MNT_RDONLY;
	if (mnt_flags & MNT_NOSUID)
		flags |= CHECMATE_MNT_NOSUID;
	if (mnt_flags & MNT_NODEV)
		flags |= CHECMATE_MNT_NODEV;
	if (mnt_flags & MNT_NOEXEC)
		flags |= CHECMATE_MNT_NOEXEC;
	return flags;
}

/**
 * checmate_fill_inode - Show a file-system object by its identity
 * @ci: The context's identity, zero on entry.
 * @inode: The object, or NULL if there is none (left all zeros).
 * @mnt: The mount the object is reached through, or NULL if none.
 */
void checmate_fill_inode(struct checmate_inode *ci, const struct inode *inode,
			 const struct vfsmount *mnt)
{
	if (!inode)
		return;
	ci->ino = lower_32_bits(inode->i_ino);
	ci->ino_hi = upper_32_bits((u64)inode->i_ino);
	ci->dev = new_encode_dev(inode->i_sb->s_dev);
	ci->mode = inode->i_mode;
	ci->uid = from_kuid(&init_user_ns, inode->i_uid);
	ci->gid = from_kgid(&init_user_ns, inode->i_gid);
	ci->magic = lower_32_bits(inode->i_sb->s_magic);
	if (mnt)
		ci->mnt_flags = checmate_mnt_flags(READ_ONCE(mnt->mnt_flags),
						   sb_rdonly(mnt->mnt_sb));
}

static void fill_path(struct checmate_inode *ci, const struct path *path)
{
	checmate_fill_inode(ci, d_backing_inode(path->dentry), path->mnt);
}

/*
 * What a file is opened for, as CHECMATE_ACCESS_* flags. Exec's opens say
 * so in f_flags (__FMODE_EXEC), which OPEN_FMODE() does not carry over to
 * f_mode: AppArmor, TOMOYO and Landlock read it there too.
 */
static u32 open_access(const struct file *file)
{
	u32 access = 0;

	if (file->f_mode & FMODE_READ)
		access |= CHECMATE_ACCESS_READ;
	if (file->f_mode & FMODE_WRITE)
		access |= CHECMATE_ACCESS_WRITE;
	if (file->f_flags & __FMODE_EXEC)
		access |= CHECMATE_ACCESS_EXEC;
	return access;
}

static int run_file_open(struct file *file)
{
	struct checmate_strs strs = {
		.path[CHECMATE_STR_PATH] = &file->f_path,
	};
	struct checmate_file_open_ctx ctx = {};

	fill_path(&ctx.file, &file->f_path);
	ctx.flags = file->f_flags & VALID_OPEN_FLAGS;
	ctx.access = open_access(file);
	return checmate_run_task(CHECMATE_HOOK_FILE_OPEN, &ctx, &strs);
}

static int hook_file_open(struct file *file)
{
	if (!checmate_enabled(CHECMATE_HOOK_FILE_OPEN) ||
	    !checmate_task_governed(CHECMATE_HOOK_FILE_OPEN))
		return 0;
	return run_file_open(file);
}

static int run_path_mknod(const struct path *dir, struct dentry *dentry,
			  umode_t mode, unsigned int dev)
{
	const struct path obj = { .mnt = dir->mnt, .dentry = dentry };
	struct checmate_strs strs = { .path[CHECMATE_STR_PATH] = &obj };
	struct checmate_path_mknod_ctx ctx = {};

	fill_path(&ctx.dir, dir);
	/* what vfs_mknod() makes: no type is a regular file */
	ctx.mode = mode & S_IFMT ? mode : mode | S_IFREG;
	if (S_ISCHR(mode) || S_ISBLK(mode))
		ctx.dev = dev;
	return checmate_run_task(CHECMATE_HOOK_PATH_MKNOD, &ctx, &strs);
}

static int hook_path_mknod(const struct path *dir, struct dentry *dentry,
			   umode_t mode, unsigned int dev)
{
	if (!checmate_enabled(CHECMATE_HOOK_PATH_MKNOD) ||
	    !checmate_task_governed(CHECMATE_HOOK_PATH_MKNOD))
		return 0;
	return run_path_mknod(dir, dentry, mode, dev);
}

static int run_path_mkdir(const struct path *dir, struct dentry *dentry,
			  umode_t mode)
{
	const struct path obj = { .mnt = dir->mnt, .dentry = dentry };
	struct checmate_strs strs = { .path[CHECMATE_STR_PATH] = &obj };
	struct checmate_path_mkdir_ctx ctx = {};

	fill_path(&ctx.dir, dir);
	ctx.mode = mode;
	return checmate_run_task(CHECMATE_HOOK_PATH_MKDIR, &ctx, &strs);
}

static int hook_path_mkdir(const struct path *dir, struct dentry *dentry,
			   umode_t mode)
{
	if (!checmate_enabled(CHECMATE_HOOK_PATH_MKDIR) ||
	    !checmate_task_governed(CHECMATE_HOOK_PATH_MKDIR))
		return 0;
	return run_path_mkdir(dir, dentry, mode);
}

/* rmdir and unlink: the same context layout, a directory and its entry. */
static int run_remove(u32 hook, const struct path *dir, struct dentry *dentry)
{
	const struct path obj = { .mnt = dir->mnt, .dentry = dentry };
	struct checmate_strs strs = { .path[CHECMATE_STR_PATH] = &obj };
	struct checmate_path_unlink_ctx ctx = {};

	fill_path(&ctx.dir, dir);
	fill_path(&ctx.object, &obj);
	return checmate_run_task(hook, &ctx, &strs);
}

static_assert(sizeof(struct checmate_path_rmdir_ctx) ==
	      sizeof(struct checmate_path_unlink_ctx));
static_assert(offsetof(struct checmate_path_rmdir_ctx, object) ==
	      offsetof(struct checmate_path_unlink_ctx, object));

static int hook_path_rmdir(const struct path *dir, struct dentry *dentry)
{
	if (!checmate_enabled(CHECMATE_HOOK_PATH_RMDIR) ||
	    !checmate_task_governed(CHECMATE_HOOK_PATH_RMDIR))
		return 0;
	return run_remove(CHECMATE_HOOK_PATH_RMDIR, dir, dentry);
}

static int hook_path_unlink(const struct path *dir, struct dentry *dentry)
{
	if (!checmate_enabled(CHECMATE_HOOK_PATH_UNLINK) ||
	    !checmate_task_governed(CHECMATE_HOOK_PATH_UNLINK))
		return 0;
	return run_remove(CHECMATE_HOOK_PATH_UNLINK, dir, dentry);
}

static int run_path_symlink(const struct path *dir, struct dentry *dentry,
			    const char *old_name)
{
	const struct path obj = { .mnt = dir->mnt, .dentry = dentry };
	struct checmate_strs strs = {
		.path[CHECMATE_STR_PATH] = &obj,
		.str[CHECMATE_STR_TARGET] = old_name,
	};
	struct checmate_path_symlink_ctx ctx = {};

	fill_path(&ctx.dir, dir);
	return checmate_run_task(CHECMATE_HOOK_PATH_SYMLINK, &ctx, &strs);
}

static int hook_path_symlink(const struct path *dir, struct dentry *dentry,
			     const char *old_name)
{
	if (!checmate_enabled(CHECMATE_HOOK_PATH_SYMLINK) ||
	    !checmate_task_governed(CHECMATE_HOOK_PATH_SYMLINK))
		return 0;
	return run_path_symlink(dir, dentry, old_name);
}

/* Both names of a link are on new_dir's mount: linkat() checks it first. */
static int run_path_link(struct dentry *old_dentry, const struct path *new_dir,
			 struct dentry *new_dentry)
{
	const struct path old = { .mnt = new_dir->mnt, .dentry = old_dentry };
	const struct path new = { .mnt = new_dir->mnt, .dentry = new_dentry };
	struct checmate_strs strs = {
		.path[CHECMATE_STR_PATH] = &old,
		.path[CHECMATE_STR_TARGET] = &new,
	};
	struct checmate_path_link_ctx ctx = {};

	fill_path(&ctx.object, &old);
	fill_path(&ctx.new_dir, new_dir);
	return checmate_run_task(CHECMATE_HOOK_PATH_LINK, &ctx, &strs);
}

static int hook_path_link(struct dentry *old_dentry, const struct path *new_dir,
			  struct dentry *new_dentry)
{
	if (!checmate_enabled(CHECMATE_HOOK_PATH_LINK) ||
	    !checmate_task_governed(CHECMATE_HOOK_PATH_LINK))
		return 0;
	return run_path_link(old_dentry, new_dir, new_dentry);
}

static int run_path_rename(const struct path *old_dir,
			   struct dentry *old_dentry,
			   const struct path *new_dir,
			   struct dentry *new_dentry, unsigned int flags)
{
	const struct path old = { .mnt = old_dir->mnt, .dentry = old_dentry };
	const struct path new = { .mnt = new_dir->mnt, .dentry = new_dentry };
	struct checmate_strs strs = {
		.path[CHECMATE_STR_PATH] = &old,
		.path[CHECMATE_STR_TARGET] = &new,
	};
	struct checmate_path_rename_ctx ctx = {};

	fill_path(&ctx.old_dir, old_dir);
	fill_path(&ctx.object, &old);
	fill_path(&ctx.new_dir, new_dir);
	fill_path(&ctx.target, &new);
	ctx.flags = flags;
	return checmate_run_task(CHECMATE_HOOK_PATH_RENAME, &ctx, &strs);
}

static int hook_path_rename(const struct path *old_dir,
			    struct dentry *old_dentry,
			    const struct path *new_dir,
			    struct dentry *new_dentry, unsigned int flags)
{
	if (!checmate_enabled(CHECMATE_HOOK_PATH_RENAME) ||
	    !checmate_task_governed(CHECMATE_HOOK_PATH_RENAME))
		return 0;
	return run_path_rename(old_dir, old_dentry, new_dir, new_dentry, flags);
}

static int run_truncate(const struct path *path, u32 open_file)
{
	struct checmate_strs strs = { .path[CHECMATE_STR_PATH] = path };
	struct checmate_path_truncate_ctx ctx = {};

	fill_path(&ctx.object, path);
	ctx.open_file = open_file;
	return checmate_run_task(CHECMATE_HOOK_PATH_TRUNCATE, &ctx, &strs);
}

/* truncate(2) */
static int hook_path_truncate(const struct path *path)
{
	if (!checmate_enabled(CHECMATE_HOOK_PATH_TRUNCATE) ||
	    !checmate_task_governed(CHECMATE_HOOK_PATH_TRUNCATE))
		return 0;
	return run_truncate(path, 0);
}

/* ftruncate(2), and open(2) with O_TRUNC: the same Checmate hook. */
static int hook_file_truncate(struct file *file)
{
	if (!checmate_enabled(CHECMATE_HOOK_PATH_TRUNCATE) ||
	    !checmate_task_governed(CHECMATE_HOOK_PATH_TRUNCATE))
		return 0;
	return run_truncate(&file->f_path, 1);
}

static int run_path_chmod(const struct path *path, umode_t mode)
{
	struct checmate_strs strs = { .path[CHECMATE_STR_PATH] = path };
	struct checmate_path_chmod_ctx ctx = {};

	fill_path(&ctx.object, path);
	/* what chmod_common() sets: the caller's bits, the object's type */
	ctx.mode = (mode & S_IALLUGO) | (ctx.object.mode & S_IFMT);
	return checmate_run_task(CHECMATE_HOOK_PATH_CHMOD, &ctx, &strs);
}

static int hook_path_chmod(const struct path *path, umode_t mode)
{
	if (!checmate_enabled(CHECMATE_HOOK_PATH_CHMOD) ||
	    !checmate_task_governed(CHECMATE_HOOK_PATH_CHMOD))
		return 0;
	return run_path_chmod(path, mode);
}

static int run_path_chown(const struct path *path, kuid_t uid, kgid_t gid)
{
	struct checmate_strs strs = { .path[CHECMATE_STR_PATH] = path };
	struct checmate_path_chown_ctx ctx = {};

	fill_path(&ctx.object, path);
	ctx.uid = from_kuid(&init_user_ns, uid);
	ctx.gid = from_kgid(&init_user_ns, gid);
	return checmate_run_task(CHECMATE_HOOK_PATH_CHOWN, &ctx, &strs);
}

static int hook_path_chown(const struct path *path, kuid_t uid, kgid_t gid)
{
	if (!checmate_enabled(CHECMATE_HOOK_PATH_CHOWN) ||
	    !checmate_task_governed(CHECMATE_HOOK_PATH_CHOWN))
		return 0;
	return run_path_chown(path, uid, gid);
}

static int run_path_chroot(const struct path *path)
{
	struct checmate_strs strs = { .path[CHECMATE_STR_PATH] = path };
	struct checmate_path_chroot_ctx ctx = {};

	fill_path(&ctx.object, path);
	return checmate_run_task(CHECMATE_HOOK_PATH_CHROOT, &ctx, &strs);
}

static int hook_path_chroot(const struct path *path)
{
	if (!checmate_enabled(CHECMATE_HOOK_PATH_CHROOT) ||
	    !checmate_task_governed(CHECMATE_HOOK_PATH_CHROOT))
		return 0;
	return run_path_chroot(path);
}

/*
 * Runs once for the file execve() names and once for each interpreter
 * binfmt_script or binfmt_misc puts in its place (bprm->interp then no
 * longer is the name execve() was given).
 */
static int run_bprm_check_security(struct linux_binprm *bprm)
{
	struct checmate_strs strs = {
		.path[CHECMATE_STR_PATH] = &bprm->file->f_path,
	};
	struct checmate_bprm_check_security_ctx ctx = {};

	fill_path(&ctx.file, &bprm->file->f_path);
	ctx.interp = bprm->interp != bprm->filename;
	ctx.argc = bprm->argc;
	return checmate_run_task(CHECMATE_HOOK_BPRM_CHECK_SECURITY, &ctx, &strs);
}

static int hook_bprm_check_security(struct linux_binprm *bprm)
{
	if (!checmate_enabled(CHECMATE_HOOK_BPRM_CHECK_SECURITY) ||
	    !checmate_task_governed(CHECMATE_HOOK_BPRM_CHECK_SECURITY))
		return 0;
	return run_bprm_check_security(bprm);
}

/*
 * The lookup flags path_mount() uses for its source argument, or -1 if it
 * does not read it as a path (the same order of tests).
 */
static int mount_source_lookup(unsigned long flags)
{
	if (flags & MS_REMOUNT)
		return -1;
	if (flags & MS_BIND)
		return LOOKUP_FOLLOW | LOOKUP_AUTOMOUNT;
	if (flags & (MS_SHARED | MS_PRIVATE | MS_SLAVE | MS_UNBINDABLE))
		return -1;
	if (flags & MS_MOVE)
		return LOOKUP_FOLLOW;
	return -1;
}

static int run_sb_mount(const char *dev_name, const struct path *path,
			const char *type, unsigned long flags)
{
	struct checmate_strs strs = {
		.path[CHECMATE_STR_PATH] = path,
		.str[CHECMATE_STR_SOURCE] = dev_name,
		.str[CHECMATE_STR_FSTYPE] = type,
	};
	struct checmate_sb_mount_ctx ctx = {};
	int lookup = mount_source_lookup(flags);
	struct path source;
	int ret;

	fill_path(&ctx.target, path);
	ctx.flags = lower_32_bits(flags);
	/*
	 * As AppArmor and TOMOYO do: the kernel looks the source up again
	 * after the hook, so a concurrent rename can make it differ.
	 */
	if (lookup < 0 || !dev_name || kern_path(dev_name, lookup, &source))
		return checmate_run_task(CHECMATE_HOOK_SB_MOUNT, &ctx, &strs);
	fill_path(&ctx.source, &source);
	ret = checmate_run_task(CHECMATE_HOOK_SB_MOUNT, &ctx, &strs);
	path_put(&source);
	return ret;
}

static int hook_sb_mount(const char *dev_name, const struct path *path,
			 const char *type, unsigned long flags, void *data)
{
	if (!checmate_enabled(CHECMATE_HOOK_SB_MOUNT) ||
	    !checmate_task_governed(CHECMATE_HOOK_SB_MOUNT))
		return 0;
	return run_sb_mount(dev_name, path, type, flags);
}

static int run_move_mount(const struct path *from_path,
			  const struct path *to_path)
{
	struct checmate_strs strs = {
		.path[CHECMATE_STR_PATH] = to_path,
		.path[CHECMATE_STR_SOURCE] = from_path,
	};
	struct checmate_move_mount_ctx ctx = {};

	fill_path(&ctx.from, from_path);
	fill_path(&ctx.to, to_path);
	return checmate_run_task(CHECMATE_HOOK_MOVE_MOUNT, &ctx, &strs);
}

static int hook_move_mount(const struct path *from_path,
			   const struct path *to_path)
{
	if (!checmate_enabled(CHECMATE_HOOK_MOVE_MOUNT) ||
	    !checmate_task_governed(CHECMATE_HOOK_MOVE_MOUNT))
		return 0;
	return run_move_mount(from_path, to_path);
}

static int run_sb_umount(struct vfsmount *mnt, int flags)
{
	const struct path root = { .mnt = mnt, .dentry = mnt->mnt_root };
	struct checmate_strs strs = { .path[CHECMATE_STR_PATH] = &root };
	struct checmate_sb_umount_ctx ctx = {};

	fill_path(&ctx.mount, &root);
	ctx.flags = flags;
	return checmate_run_task(CHECMATE_HOOK_SB_UMOUNT, &ctx, &strs);
}

static int hook_sb_umount(struct vfsmount *mnt, int flags)
{
	if (!checmate_enabled(CHECMATE_HOOK_SB_UMOUNT) ||
	    !checmate_task_governed(CHECMATE_HOOK_SB_UMOUNT))
		return 0;
	return run_sb_umount(mnt, flags);
}

/* mount(2) with MS_REMOUNT, fsconfig(2) with FSCONFIG_CMD_RECONFIGURE */
static int run_sb_remount(struct super_block *sb)
{
	struct checmate_strs strs = {
		.str[CHECMATE_STR_FSTYPE] = sb->s_type->name,
	};
	struct checmate_sb_remount_ctx ctx = {};

	checmate_fill_inode(&ctx.root, d_backing_inode(sb->s_root), NULL);
	return checmate_run_task(CHECMATE_HOOK_SB_REMOUNT, &ctx, &strs);
}

static int hook_sb_remount(struct super_block *sb, void *mnt_opts)
{
	if (!checmate_enabled(CHECMATE_HOOK_SB_REMOUNT) ||
	    !checmate_task_governed(CHECMATE_HOOK_SB_REMOUNT))
		return 0;
	return run_sb_remount(sb);
}

static int run_sb_pivotroot(const struct path *old_path,
			    const struct path *new_path)
{
	struct checmate_strs strs = {
		.path[CHECMATE_STR_PATH] = new_path,
		.path[CHECMATE_STR_TARGET] = old_path,
	};
	struct checmate_sb_pivotroot_ctx ctx = {};

	fill_path(&ctx.new_root, new_path);
	fill_path(&ctx.put_old, old_path);
	return checmate_run_task(CHECMATE_HOOK_SB_PIVOTROOT, &ctx, &strs);
}

static int hook_sb_pivotroot(const struct path *old_path,
			     const struct path *new_path)
{
	if (!checmate_enabled(CHECMATE_HOOK_SB_PIVOTROOT) ||
	    !checmate_task_governed(CHECMATE_HOOK_SB_PIVOTROOT))
		return 0;
	return run_sb_pivotroot(old_path, new_path);
}

static int run_mmap(struct file *file, unsigned long prot, u32 flags,
		    u32 mprotect)
{
	struct checmate_strs strs = {};
	struct checmate_mmap_file_ctx ctx = {};

	if (file) {
		strs.path[CHECMATE_STR_PATH] = &file->f_path;
		fill_path(&ctx.file, &file->f_path);
	}
	ctx.prot = prot;
	ctx.flags = flags;
	ctx.mprotect = mprotect;
	return checmate_run_task(CHECMATE_HOOK_MMAP_FILE, &ctx, &strs);
}

/* mmap(2), shmat(2), remap_file_pages(2), and exec mapping its files */
static int hook_mmap_file(struct file *file, unsigned long reqprot,
			  unsigned long prot, unsigned long flags)
{
	if (!checmate_enabled(CHECMATE_HOOK_MMAP_FILE) ||
	    !checmate_task_governed(CHECMATE_HOOK_MMAP_FILE))
		return 0;
	return run_mmap(file, prot, lower_32_bits(flags), 0);
}

/* mprotect(2), pkey_mprotect(2): the same Checmate hook */
static int hook_file_mprotect(struct vm_area_struct *vma,
			      unsigned long reqprot, unsigned long prot)
{
	if (!checmate_enabled(CHECMATE_HOOK_MMAP_FILE) ||
	    !checmate_task_governed(CHECMATE_HOOK_MMAP_FILE))
		return 0;
	return run_mmap(vma->vm_file, prot, vma->vm_flags & VM_MAYSHARE ?
			MAP_SHARED : MAP_PRIVATE, 1);
}

static struct security_hook_list checmate_fs_hooks[] __ro_after_init = {
	LSM_HOOK_INIT(file_open, hook_file_open),
	LSM_HOOK_INIT(path_mknod, hook_path_mknod),
	LSM_HOOK_INIT(path_mkdir, hook_path_mkdir),
	LSM_HOOK_INIT(path_rmdir, hook_path_rmdir),
	LSM_HOOK_INIT(path_unlink, hook_path_unlink),
	LSM_HOOK_INIT(path_symlink, hook_path_symlink),
	LSM_HOOK_INIT(path_link, hook_path_link),
	LSM_HOOK_INIT(path_rename, hook_path_rename),
	LSM_HOOK_INIT(path_truncate, hook_path_truncate),
	LSM_HOOK_INIT(file_truncate, hook_file_truncate),
	LSM_HOOK_INIT(path_chmod, hook_path_chmod),
	LSM_HOOK_INIT(path_chown, hook_path_chown),
	LSM_HOOK_INIT(path_chroot, hook_path_chroot),
	LSM_HOOK_INIT(bprm_check_security, hook_bprm_check_security),
	LSM_HOOK_INIT(sb_mount, hook_sb_mount),
	LSM_HOOK_INIT(move_mount, hook_move_mount),
	LSM_HOOK_INIT(sb_umount, hook_sb_umount),
	LSM_HOOK_INIT(sb_remount, hook_sb_remount),
	LSM_HOOK_INIT(sb_pivotroot, hook_sb_pivotroot),
	LSM_HOOK_INIT(mmap_file, hook_mmap_file),
	LSM_HOOK_INIT(file_mprotect, hook_file_mprotect),
};

/**
 * checmate_add_fs_hooks - Register the file-system, exec and mount hooks
 */
__init void checmate_add_fs_hooks(void)
{
	security_add_hooks(checmate_fs_hooks, ARRAY_SIZE(checmate_fs_hooks),
			   &checmate_lsmid);
}
