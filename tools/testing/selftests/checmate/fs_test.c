// SPDX-License-Identifier: GPL-2.0
/*
 * Checmate LSM - tests of the file-system hooks
 *
 * file_open, path_mknod, path_mkdir, path_rmdir, path_unlink, path_symlink,
 * path_link, path_rename, path_truncate, path_chmod, path_chown and
 * path_chroot, on a tmpfs each test mounts for itself (so that the device
 * of every object is known and no program can touch the rest of the
 * system: most programs here deny only on that device).
 *
 * The "hook" fixture runs the same checks for each hook (one variant per
 * hook): a program returning 0 allows, a deny fails the operation with
 * the program's errno and leaves no trace, the first object of the
 * context (every file-system context starts with a struct checmate_inode)
 * shows each field of what stat(2) reports, the mount flags of a nosuid,
 * nodev, noexec mount, and the cgroup scope (a sibling cgroup and the
 * parent are not governed by a cgroup's programs; an ancestor's deny beats
 * a descendant's allow). The "fs" fixture checks the other fields of each
 * context and every system call that reaches each operation.
 *
 * A field is checked with a program that denies when it has the expected
 * value: the operation must then fail with PROG_ERRNO, and succeed when
 * the program looks for another value.
 *
 * Not covered: io_uring (not in the test kernel's configuration);
 * open_by_handle_at() is skipped where the kernel has no CONFIG_FHANDLE.
 */

/* First: it defines _GNU_SOURCE. */
#include "common.h"

#include <assert.h>
#include <linux/magic.h>
#include <linux/openat2.h>
#include <sys/mount.h>
#include <sys/sysmacros.h>
#include <sys/un.h>
#include <sys/vfs.h>
#include <sys/wait.h>
#include <sys/xattr.h>

#ifndef __NR_openat2
#define __NR_openat2 437
#endif
#ifndef __NR_fchmodat2
#define __NR_fchmodat2 452
#endif
#ifndef RENAME_NOREPLACE
#define RENAME_NOREPLACE 1
#endif
#ifndef RENAME_EXCHANGE
#define RENAME_EXCHANGE 2
#endif
#ifndef RENAME_WHITEOUT
#define RENAME_WHITEOUT 4
#endif

/* An errno no file-system call returns by itself: only the program's. */
#define PROG_ERRNO	ENOTUNIQ

/* What a child that did not exit (0 or an errno) is reported as. */
#define NO_EXIT		255

/* Owners of the objects of the test tree. */
#define UID1		1234
#define GID1		5678
#define UID2		4321
#define GID2		8765

#define ALL_MNT		(CHECMATE_MNT_NOSUID | CHECMATE_MNT_NODEV | \
			 CHECMATE_MNT_NOEXEC)

/* Offsets in the contexts. */
#define CI(f)		offsetof(struct checmate_inode, f)
#define FO_FLAGS	offsetof(struct checmate_file_open_ctx, flags)
#define FO_ACCESS	offsetof(struct checmate_file_open_ctx, access)
#define MK_MODE		offsetof(struct checmate_path_mknod_ctx, mode)
#define MK_DEV		offsetof(struct checmate_path_mknod_ctx, dev)
#define MD_MODE		offsetof(struct checmate_path_mkdir_ctx, mode)
#define RM_OBJECT	offsetof(struct checmate_path_rmdir_ctx, object)
#define UL_OBJECT	offsetof(struct checmate_path_unlink_ctx, object)
#define LN_NEW_DIR	offsetof(struct checmate_path_link_ctx, new_dir)
#define RN_OBJECT	offsetof(struct checmate_path_rename_ctx, object)
#define RN_NEW_DIR	offsetof(struct checmate_path_rename_ctx, new_dir)
#define RN_TARGET	offsetof(struct checmate_path_rename_ctx, target)
#define RN_FLAGS	offsetof(struct checmate_path_rename_ctx, flags)
#define TR_OPEN_FILE	offsetof(struct checmate_path_truncate_ctx, open_file)
#define CM_MODE		offsetof(struct checmate_path_chmod_ctx, mode)
#define CO_UID		offsetof(struct checmate_path_chown_ctx, uid)
#define CO_GID		offsetof(struct checmate_path_chown_ctx, gid)

static_assert(offsetof(struct checmate_file_open_ctx, file) == 0 &&
	      offsetof(struct checmate_path_mknod_ctx, dir) == 0 &&
	      offsetof(struct checmate_path_mkdir_ctx, dir) == 0 &&
	      offsetof(struct checmate_path_rmdir_ctx, dir) == 0 &&
	      offsetof(struct checmate_path_unlink_ctx, dir) == 0 &&
	      offsetof(struct checmate_path_symlink_ctx, dir) == 0 &&
	      offsetof(struct checmate_path_link_ctx, object) == 0 &&
	      offsetof(struct checmate_path_rename_ctx, old_dir) == 0 &&
	      offsetof(struct checmate_path_truncate_ctx, object) == 0 &&
	      offsetof(struct checmate_path_chmod_ctx, object) == 0 &&
	      offsetof(struct checmate_path_chown_ctx, object) == 0 &&
	      offsetof(struct checmate_path_chroot_ctx, object) == 0,
	      "every file-system context starts with a struct checmate_inode");

/* 32-bit operations: a __u32 field compared with any 32-bit value. */
#define ALU32_AND_IMM(d, i)	INSN(BPF_ALU | BPF_AND | BPF_K, d, 0, 0, i)
#define JNE32_IMM(d, i, o)	INSN(BPF_JMP32 | BPF_JNE | BPF_K, d, 0, o, i)

/* A condition of a program: (field at @off & @mask) == @val. */
struct cond {
	int off;
	__u32 mask;
	__u32 val;
};

#define COND(o, v)		((struct cond){ (o), ~0U, (v) })
#define MCOND(o, m, v)		((struct cond){ (o), (m), (v) })
/* The first object of the context is on the test file system. */
#define ON_TEST_FS		COND(CI(dev), E.dev)

/* A program returning -@err when every condition holds, 0 otherwise. */
static int load_if(__u32 hook, const struct cond *c, int n, int err)
{
	struct bpf_insn insns[64];
	int jumps[16], nj = 0, k = 0, out, i;

	assert(n <= 16);
	insns[k++] = MOV64_IMM(BPF_REG_0, 0);
	for (i = 0; i < n; i++) {
		insns[k++] = LDX_W(BPF_REG_2, BPF_REG_1, c[i].off);
		if (c[i].mask != ~0U)
			insns[k++] = ALU32_AND_IMM(BPF_REG_2, c[i].mask);
		jumps[nj++] = k;
		insns[k++] = JNE32_IMM(BPF_REG_2, c[i].val, 0);
	}
	insns[k++] = MOV64_IMM(BPF_REG_0, -err);
	out = k;
	insns[k++] = EXIT();
	for (i = 0; i < nj; i++)
		insns[jumps[i]].off = out - jumps[i] - 1;
	return load_insns(hook, BPF_CHECMATE, insns, k);
}

#define deny_if(hook, ...) ({						\
	const struct cond __c[] = { __VA_ARGS__ };			\
	load_if(hook, __c, ARRAY_SIZE(__c), PROG_ERRNO);		\
})

/* Denies everything the hook sees on the test file system. */
#define deny_test_fs(hook)	deny_if(hook, ON_TEST_FS)

/*
 * The state of a test. Each test runs in a process of its own (the
 * harness forks it), so it can be global.
 */
static struct {
	char cg[64], cga[80], cgb[80];	/* P, P/a, P/b; the test runs in a */
	int pfd, afd, bfd;
	char mnt[64];			/* the test tmpfs */
	__u32 dev;			/* its st_dev */
	int nprogs;
	struct {
		int cgfd, prog;
	} progs[32];			/* attached, to detach at teardown */
} E;

/* Attaches @prog (just loaded) to @cgfd; returns it for detach(). */
static int attach(struct __test_metadata *const _metadata, int cgfd, int prog)
{
	ASSERT_LE(0, prog) TH_LOG("BPF_PROG_LOAD: %s", strerror(errno));
	ASSERT_GT((int)ARRAY_SIZE(E.progs), E.nprogs);
	ASSERT_EQ(0, prog_attach(cgfd, prog, BPF_F_ALLOW_MULTI))
		TH_LOG("BPF_PROG_ATTACH: %s", strerror(errno));
	E.progs[E.nprogs].cgfd = cgfd;
	E.progs[E.nprogs++].prog = prog;
	return prog;
}

static void detach(struct __test_metadata *const _metadata, int prog)
{
	int i;

	for (i = E.nprogs - 1; i >= 0; i--) {
		if (E.progs[i].prog != prog)
			continue;
		EXPECT_EQ(0, prog_detach(E.progs[i].cgfd, prog))
			TH_LOG("BPF_PROG_DETACH: %s", strerror(errno));
		close(prog);
		E.progs[i] = E.progs[--E.nprogs];
		return;
	}
}

/* 0 if the call succeeded, its errno otherwise. */
static int sys_ret(long ret)
{
	return ret < 0 ? errno : 0;
}

/* As sys_ret() for a call returning an fd, which it closes. */
static int fd_ret(int fd)
{
	if (fd < 0)
		return errno;
	close(fd);
	return 0;
}

static int absent(const char *path)
{
	struct stat st;

	return lstat(path, &st) && errno == ENOENT;
}

static int exists(const char *path)
{
	struct stat st;

	return !lstat(path, &st);
}

static __u32 ino_of(const char *path)
{
	struct stat st;

	return lstat(path, &st) ? 0 : (__u32)st.st_ino;
}

static mode_t mode_of(const char *path)
{
	struct stat st;

	return lstat(path, &st) ? 0 : st.st_mode;
}

static off_t size_of(const char *path)
{
	struct stat st;

	return lstat(path, &st) ? -1 : st.st_size;
}

static int owned_by(const char *path, uid_t uid, gid_t gid)
{
	struct stat st;

	return !lstat(path, &st) && st.st_uid == uid && st.st_gid == gid;
}

/* Creates a file (with @data) or directory, then sets owner and mode. */
static int mkobj(const char *path, mode_t mode, uid_t uid, gid_t gid,
		 const char *data)
{
	int fd, ok;

	if (S_ISDIR(mode)) {
		if (mkdir(path, 0700))
			return -1;
	} else {
		fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
		if (fd < 0)
			return -1;
		ok = write(fd, data, strlen(data)) == (ssize_t)strlen(data);
		close(fd);
		if (!ok)
			return -1;
	}
	/* chown() first: it clears the set-user-ID bit of a file. */
	if (chown(path, uid, gid) || chmod(path, mode & 07777))
		return -1;
	return 0;
}

/*
 * The test tree, in the current directory:
 *   d/          1234:5678 2755 (set-group-ID): where the operations run
 *   d/f         1234:5678 4751 (set-user-ID), "data"
 *   d/t         1234:5678 0640, "data": truncated
 *   d/u         1234:5678 2640: unlinked
 *   d/r         1234:5678 0644: renamed
 *   d/e/        1234:5678 1750 (sticky): removed
 *   d/n/        4321:8765 0700: a second directory
 *   d/n/x       4321:8765 0600: replaced or exchanged by renames
 */
static void make_tree(struct __test_metadata *const _metadata)
{
	static const struct {
		const char *path;
		mode_t mode;
		uid_t uid;
		gid_t gid;
		const char *data;
	} tree[] = {
		{ "d", S_IFDIR | 02755, UID1, GID1, NULL },
		{ "d/f", S_IFREG | 04751, UID1, GID1, "data" },
		{ "d/t", S_IFREG | 0640, UID1, GID1, "data" },
		{ "d/u", S_IFREG | 02640, UID1, GID1, "" },
		{ "d/r", S_IFREG | 0644, UID1, GID1, "" },
		{ "d/e", S_IFDIR | 01750, UID1, GID1, NULL },
		{ "d/n", S_IFDIR | 0700, UID2, GID2, NULL },
		{ "d/n/x", S_IFREG | 0600, UID2, GID2, "" },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(tree); i++) {
		ASSERT_EQ(0, mkobj(tree[i].path, tree[i].mode, tree[i].uid,
				   tree[i].gid, tree[i].data))
			TH_LOG("%s: %s", tree[i].path, strerror(errno));
		ASSERT_EQ(tree[i].mode, mode_of(tree[i].path));
	}
}

/*
 * Mounts a tmpfs with mount(2) flags @flags on @path (relative to the test
 * tmpfs's root, created) and returns its st_dev.
 */
static __u32 mount_tmpfs(struct __test_metadata *const _metadata,
			 const char *path, unsigned long flags)
{
	char full[128];
	struct stat st;

	snprintf(full, sizeof(full), "%s/%s", E.mnt, path);
	ASSERT_EQ(0, mkdir(full, 0755)) TH_LOG("mkdir %s: %s", full,
					       strerror(errno));
	ASSERT_EQ(0, mount("tmpfs", full, "tmpfs", flags, "mode=0755"))
		TH_LOG("mount %s: %s", full, strerror(errno));
	ASSERT_EQ(0, stat(full, &st));
	return (__u32)st.st_dev;
}

/*
 * Cgroups P, P/a and P/b; the test process in P/a. A tmpfs on
 * /tmp/cmfs-PID with the test tree; the working directory is its d/.
 */
static void env_setup(struct __test_metadata *const _metadata, int *dfd)
{
	struct statfs sfs;
	struct stat st;

	umask(0);
	snprintf(E.cg, sizeof(E.cg), "checmate_fs_%d", getpid());
	snprintf(E.cga, sizeof(E.cga), "%s/a", E.cg);
	snprintf(E.cgb, sizeof(E.cgb), "%s/b", E.cg);
	E.pfd = cg_create(_metadata, E.cg);
	E.afd = cg_create(_metadata, E.cga);
	E.bfd = cg_create(_metadata, E.cgb);
	cg_enter(_metadata, E.cga);

	ASSERT_TRUE(!mkdir("/tmp", 01777) || errno == EEXIST);
	snprintf(E.mnt, sizeof(E.mnt), "/tmp/cmfs-%d", getpid());
	ASSERT_EQ(0, mkdir(E.mnt, 0755)) TH_LOG("mkdir %s: %s", E.mnt,
						strerror(errno));
	ASSERT_EQ(0, mount("tmpfs", E.mnt, "tmpfs", 0, "mode=0755"))
		TH_LOG("mount tmpfs: %s", strerror(errno));
	ASSERT_EQ(0, chdir(E.mnt));
	make_tree(_metadata);
	ASSERT_EQ(0, chdir("d"));
	ASSERT_EQ(0, stat(".", &st));
	E.dev = (__u32)st.st_dev;
	ASSERT_EQ(0, statfs(".", &sfs));
	ASSERT_EQ(TMPFS_MAGIC, sfs.f_type);
	*dfd = open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	ASSERT_LE(0, *dfd);
}

static void env_teardown(struct __test_metadata *const _metadata, int dfd)
{
	while (E.nprogs) {
		E.nprogs--;
		prog_detach(E.progs[E.nprogs].cgfd, E.progs[E.nprogs].prog);
		close(E.progs[E.nprogs].prog);
	}
	close(dfd);
	if (chdir("/"))
		TH_LOG("chdir /: %s", strerror(errno));
	umount2(E.mnt, MNT_DETACH);
	rmdir(E.mnt);
	cg_enter(_metadata, "");
	close(E.afd);
	close(E.bfd);
	close(E.pfd);
	cg_remove(E.cga);
	cg_remove(E.cgb);
	cg_remove(E.cg);
}

/* Runs @fn in a child process; returns what it returns (0 or an errno). */
static int in_child(int (*fn)(void))
{
	int status;
	pid_t pid;

	pid = fork();
	if (pid < 0)
		return errno;
	if (pid == 0)
		_exit(fn());
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return NO_EXIT;
	return WEXITSTATUS(status);
}

/*
 * An operation in the working directory (d/ of a test tree): run()
 * returns 0 or the errno; undo() puts the tree back after a successful
 * run (with no program in the way); unchanged() says whether a failed run
 * left the tree as it was.
 */
struct op {
	const char *name;
	int (*run)(void);
	void (*undo)(void);
	int (*unchanged)(void);
};

static int always(void)
{
	return 1;
}

static void restore_data(const char *path)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);

	if (fd < 0 || pwrite(fd, "data", 4, 0) != 4)
		perror(path);
	if (fd >= 0)
		close(fd);
}

static void put_back(int ret, const char *what)
{
	if (ret)
		perror(what);
}

/* file_open */
static int run_open(void)
{
	return fd_ret(open("f", O_RDONLY | O_CLOEXEC));
}

/* path_mknod */
static int run_mknod(void)
{
	return sys_ret(mknod("p", S_IFIFO | 0640, 0));
}

static void undo_p(void)
{
	put_back(unlink("p"), "unlink p");
}

static int p_absent(void)
{
	return absent("p");
}

/* path_mkdir */
static int run_mkdir(void)
{
	return sys_ret(mkdir("m", 0750));
}

static void undo_mkdir(void)
{
	put_back(rmdir("m"), "rmdir m");
}

static int m_absent(void)
{
	return absent("m");
}

/* path_rmdir */
static int run_rmdir(void)
{
	return sys_ret(rmdir("e"));
}

static void undo_rmdir(void)
{
	put_back(mkobj("e", S_IFDIR | 01750, UID1, GID1, NULL), "mkdir e");
}

static int e_there(void)
{
	return S_ISDIR(mode_of("e"));
}

/* path_unlink */
static int run_unlink(void)
{
	return sys_ret(unlink("u"));
}

static void undo_unlink(void)
{
	put_back(mkobj("u", S_IFREG | 02640, UID1, GID1, ""), "create u");
}

static int u_there(void)
{
	return exists("u");
}

/* path_symlink */
static int run_symlink(void)
{
	return sys_ret(symlink("f", "s"));
}

static void undo_symlink(void)
{
	put_back(unlink("s"), "unlink s");
}

static int s_absent(void)
{
	return absent("s");
}

/* path_link */
static int run_link(void)
{
	return sys_ret(link("f", "h"));
}

static void undo_link(void)
{
	put_back(unlink("h"), "unlink h");
}

static int h_absent(void)
{
	return absent("h");
}

/* path_rename */
static int run_rename(void)
{
	return sys_ret(rename("r", "n/y"));
}

static void undo_rename(void)
{
	put_back(rename("n/y", "r"), "rename n/y r");
}

static int r_there(void)
{
	return exists("r") && absent("n/y");
}

/* path_truncate */
static int run_truncate(void)
{
	return sys_ret(truncate("t", 1));
}

static void undo_truncate(void)
{
	restore_data("t");
}

static int t_full(void)
{
	return size_of("t") == 4;
}

/* path_chmod */
static int run_chmod(void)
{
	return sys_ret(chmod("f", 0600));
}

static void undo_chmod(void)
{
	put_back(chmod("f", 04751), "chmod f");
}

static int f_mode_kept(void)
{
	return mode_of("f") == (S_IFREG | 04751);
}

/* path_chown */
static int run_chown(void)
{
	return sys_ret(chown("f", UID2, GID2));
}

/* chown() clears the set-user-ID bit: put it back too. */
static void undo_chown(void)
{
	put_back(chown("f", UID1, GID1) || chmod("f", 04751), "chown f");
}

static int f_owner_kept(void)
{
	return owned_by("f", UID1, GID1) && f_mode_kept();
}

/* path_chroot, in a child: the test process keeps its root. */
static int chroot_here(void)
{
	return sys_ret(chroot("."));
}

static int run_chroot(void)
{
	return in_child(chroot_here);
}

static const struct op op_open = {
	"open(f, O_RDONLY)", run_open, NULL, always };
static const struct op op_mknod = {
	"mknod(p, S_IFIFO | 0640)", run_mknod, undo_p, p_absent };
static const struct op op_mkdir = {
	"mkdir(m, 0750)", run_mkdir, undo_mkdir, m_absent };
static const struct op op_rmdir = {
	"rmdir(e)", run_rmdir, undo_rmdir, e_there };
static const struct op op_unlink = {
	"unlink(u)", run_unlink, undo_unlink, u_there };
static const struct op op_symlink = {
	"symlink(f, s)", run_symlink, undo_symlink, s_absent };
static const struct op op_link = {
	"link(f, h)", run_link, undo_link, h_absent };
static const struct op op_rename = {
	"rename(r, n/y)", run_rename, undo_rename, r_there };
static const struct op op_truncate = {
	"truncate(t, 1)", run_truncate, undo_truncate, t_full };
static const struct op op_chmod = {
	"chmod(f, 0600)", run_chmod, undo_chmod, f_mode_kept };
static const struct op op_chown = {
	"chown(f, 4321, 8765)", run_chown, undo_chown, f_owner_kept };
static const struct op op_chroot = {
	"chroot(.)", run_chroot, NULL, always };

/*
 * With a program denying when the field at @off is @val, @op fails with
 * PROG_ERRNO; with one looking for @val + 1, it succeeds.
 */
static void expect_field(struct __test_metadata *const _metadata,
			 const struct op *op, __u32 hook, int off, __u32 val,
			 const char *what)
{
	int prog, ret;

	prog = attach(_metadata, E.afd, deny_if(hook, COND(off, val)));
	ret = op->run();
	detach(_metadata, prog);
	if (!ret && op->undo)
		op->undo();
	EXPECT_EQ(PROG_ERRNO, ret)
		TH_LOG("%s: %s (offset %d) == %#x not seen: %s", op->name,
		       what, off, val, ret ? strerror(ret) : "allowed");

	prog = attach(_metadata, E.afd, deny_if(hook, COND(off, val + 1)));
	ret = op->run();
	detach(_metadata, prog);
	if (!ret && op->undo)
		op->undo();
	EXPECT_EQ(0, ret)
		TH_LOG("%s: %s (offset %d) == %#x seen instead of %#x: %s",
		       op->name, what, off, val + 1, val, strerror(ret));
}

static const char *const inode_fields[] = {
	"ino", "ino_hi", "dev", "mode", "uid", "gid", "magic", "mnt_flags",
};

static_assert(sizeof(struct checmate_inode) == 8 * sizeof(__u32),
	      "inode_fields lists every field");

/*
 * Each field of the struct checmate_inode at @base is what lstat(2) of
 * @path says (re-read before each field: an undo may recreate it), with
 * mount flags @mnt_flags; all zeros if @path is NULL.
 */
static void expect_inode(struct __test_metadata *const _metadata,
			 const struct op *op, __u32 hook, int base,
			 const char *path, __u32 mnt_flags)
{
	char what[64];
	struct stat st;
	int pin, i;

	/* Keeps the hook enabled between the programs under test. */
	pin = attach(_metadata, E.afd, load_ret(hook, 0));
	for (i = 0; i < 8; i++) {
		__u32 vals[8] = {};

		if (path) {
			ASSERT_EQ(0, lstat(path, &st)) TH_LOG("%s: %s", path,
							      strerror(errno));
			vals[0] = (__u32)st.st_ino;
			vals[1] = (__u32)((__u64)st.st_ino >> 32);
			vals[2] = (__u32)st.st_dev;
			vals[3] = st.st_mode;
			vals[4] = st.st_uid;
			vals[5] = st.st_gid;
			vals[6] = TMPFS_MAGIC;
			vals[7] = mnt_flags;
		}
		snprintf(what, sizeof(what), "%s of %s", inode_fields[i],
			 path ? path : "nothing");
		expect_field(_metadata, op, hook, base + 4 * i, vals[i], what);
	}
	detach(_metadata, pin);
}

/* Runs @op in a child moved to cgroup @cg; returns what run() returned. */
static int run_in_cgroup(const char *cg, const struct op *op)
{
	int status, ret;
	pid_t pid;

	pid = fork();
	if (pid < 0)
		return errno;
	if (pid == 0) {
		cg_enter_path(cg);
		ret = op->run();
		if (!ret && op->undo)
			op->undo();
		_exit(ret);
	}
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return NO_EXIT;
	return WEXITSTATUS(status);
}

/*
 * Per hook: the same checks for every hook.
 */

FIXTURE(hook) {
	int dfd;
};

FIXTURE_VARIANT(hook) {
	__u32 hook;
	const struct op *op;
	const char *first;	/* the first object of the context */
};

FIXTURE_VARIANT_ADD(hook, file_open) {
	.hook = CHECMATE_HOOK_FILE_OPEN, .op = &op_open, .first = "f",
};

FIXTURE_VARIANT_ADD(hook, path_mknod) {
	.hook = CHECMATE_HOOK_PATH_MKNOD, .op = &op_mknod, .first = ".",
};

FIXTURE_VARIANT_ADD(hook, path_mkdir) {
	.hook = CHECMATE_HOOK_PATH_MKDIR, .op = &op_mkdir, .first = ".",
};

FIXTURE_VARIANT_ADD(hook, path_rmdir) {
	.hook = CHECMATE_HOOK_PATH_RMDIR, .op = &op_rmdir, .first = ".",
};

FIXTURE_VARIANT_ADD(hook, path_unlink) {
	.hook = CHECMATE_HOOK_PATH_UNLINK, .op = &op_unlink, .first = ".",
};

FIXTURE_VARIANT_ADD(hook, path_symlink) {
	.hook = CHECMATE_HOOK_PATH_SYMLINK, .op = &op_symlink, .first = ".",
};

FIXTURE_VARIANT_ADD(hook, path_link) {
	.hook = CHECMATE_HOOK_PATH_LINK, .op = &op_link, .first = "f",
};

FIXTURE_VARIANT_ADD(hook, path_rename) {
	.hook = CHECMATE_HOOK_PATH_RENAME, .op = &op_rename, .first = ".",
};

FIXTURE_VARIANT_ADD(hook, path_truncate) {
	.hook = CHECMATE_HOOK_PATH_TRUNCATE, .op = &op_truncate, .first = "t",
};

FIXTURE_VARIANT_ADD(hook, path_chmod) {
	.hook = CHECMATE_HOOK_PATH_CHMOD, .op = &op_chmod, .first = "f",
};

FIXTURE_VARIANT_ADD(hook, path_chown) {
	.hook = CHECMATE_HOOK_PATH_CHOWN, .op = &op_chown, .first = "f",
};

FIXTURE_VARIANT_ADD(hook, path_chroot) {
	.hook = CHECMATE_HOOK_PATH_CHROOT, .op = &op_chroot, .first = ".",
};

FIXTURE_SETUP(hook)
{
	env_setup(_metadata, &self->dfd);
}

FIXTURE_TEARDOWN(hook)
{
	env_teardown(_metadata, self->dfd);
}

TEST_F(hook, allow)
{
	attach(_metadata, E.afd, load_ret(variant->hook, 0));
	EXPECT_EQ(0, variant->op->run()) TH_LOG("%s", variant->op->name);
}

TEST_F(hook, deny)
{
	const struct op *op = variant->op;
	int prog;

	prog = attach(_metadata, E.afd, deny_test_fs(variant->hook));
	EXPECT_EQ(PROG_ERRNO, op->run()) TH_LOG("%s", op->name);
	EXPECT_TRUE(op->unchanged()) TH_LOG("%s had an effect", op->name);
	/* Again, after a first denial. */
	EXPECT_EQ(PROG_ERRNO, op->run()) TH_LOG("%s", op->name);
	detach(_metadata, prog);
	EXPECT_EQ(0, op->run()) TH_LOG("%s", op->name);
}

TEST_F(hook, first_object)
{
	expect_inode(_metadata, variant->op, variant->hook, 0, variant->first,
		     0);
}

/* The same on a nosuid, nodev, noexec tmpfs: mnt_flags and dev follow. */
TEST_F(hook, nosuid_nodev_noexec_mount)
{
	__u32 dev = mount_tmpfs(_metadata, "ns",
				MS_NOSUID | MS_NODEV | MS_NOEXEC);
	int prog;

	ASSERT_NE(E.dev, dev);
	ASSERT_EQ(0, chdir("../ns"));
	make_tree(_metadata);
	ASSERT_EQ(0, chdir("d"));
	/* A deny on the other file system's device does not apply here. */
	prog = attach(_metadata, E.afd, deny_test_fs(variant->hook));
	EXPECT_EQ(0, variant->op->run()) TH_LOG("%s", variant->op->name);
	if (variant->op->undo)
		variant->op->undo();
	detach(_metadata, prog);
	expect_inode(_metadata, variant->op, variant->hook, 0, variant->first,
		     ALL_MNT);
}

TEST_F(hook, cgroup_scope)
{
	const struct op *op = variant->op;
	int prog;

	prog = attach(_metadata, E.afd, deny_test_fs(variant->hook));
	EXPECT_EQ(PROG_ERRNO, op->run()) TH_LOG("%s", op->name);
	/* Not in the sibling cgroup, nor in the parent. */
	EXPECT_EQ(0, run_in_cgroup(E.cgb, op)) TH_LOG("%s in b", op->name);
	EXPECT_EQ(0, run_in_cgroup(E.cg, op)) TH_LOG("%s in P", op->name);
	detach(_metadata, prog);

	/* The parent's deny reaches both children and beats a's allow. */
	attach(_metadata, E.afd, load_ret(variant->hook, 0));
	attach(_metadata, E.pfd, deny_test_fs(variant->hook));
	EXPECT_EQ(PROG_ERRNO, op->run()) TH_LOG("%s", op->name);
	EXPECT_EQ(PROG_ERRNO, run_in_cgroup(E.cgb, op))
		TH_LOG("%s in b", op->name);
	EXPECT_TRUE(op->unchanged()) TH_LOG("%s had an effect", op->name);
}

/*
 * Per hook: the rest of each context, and every system call path.
 */

FIXTURE(fs) {
	int dfd;	/* the working directory, for the *at() calls */
};

FIXTURE_SETUP(fs)
{
	env_setup(_metadata, &self->dfd);
}

FIXTURE_TEARDOWN(fs)
{
	env_teardown(_metadata, self->dfd);
}

static int sys_openat2(int dfd, const char *path, __u64 flags, __u64 mode)
{
	struct open_how how = { .flags = flags, .mode = mode };

	return syscall(__NR_openat2, dfd, path, &how, sizeof(how));
}

static int sys_renameat2(int ofd, const char *from, int nfd, const char *to,
			 unsigned int flags)
{
	return syscall(__NR_renameat2, ofd, from, nfd, to, flags);
}

static int sys_fchmodat2(int dfd, const char *path, mode_t mode, int flags)
{
	return syscall(__NR_fchmodat2, dfd, path, mode, flags);
}

static int have_proc_fd(void)
{
	return !access("/proc/self/fd", X_OK);
}

/* Whether the file system applies the umask itself (POSIX ACLs). */
static int has_posix_acl(const char *path)
{
	return getxattr(path, "system.posix_acl_access", NULL, 0) >= 0 ||
	       errno != EOPNOTSUPP;
}

/* file_open */

/* Each flag is seen: a program masking flags denies on one bit. */
TEST_F(fs, file_open_flags)
{
	static const struct {
		__u32 mask, val;
		const char *path;
		int with, without;	/* open flags that match, that don't */
	} cases[] = {
		{ O_ACCMODE, O_RDONLY, "f", O_RDONLY, O_RDWR },
		{ O_ACCMODE, O_WRONLY, "f", O_WRONLY, O_RDONLY },
		{ O_ACCMODE, O_RDWR, "f", O_RDWR, O_WRONLY },
		{ O_APPEND, O_APPEND, "f", O_WRONLY | O_APPEND, O_WRONLY },
		{ O_TRUNC, O_TRUNC, "t", O_WRONLY | O_TRUNC, O_WRONLY },
		{ O_CREAT, O_CREAT, "f", O_RDONLY | O_CREAT, O_RDONLY },
		{ O_NONBLOCK, O_NONBLOCK, "f", O_RDONLY | O_NONBLOCK, O_RDONLY },
		{ O_NOFOLLOW, O_NOFOLLOW, "f", O_RDONLY | O_NOFOLLOW, O_RDONLY },
		{ O_DIRECTORY, O_DIRECTORY, ".", O_RDONLY | O_DIRECTORY,
		  O_RDONLY },
		/* F_GETFL never shows O_CLOEXEC: nor does the context. */
		{ O_CLOEXEC, 0, "f", O_RDONLY | O_CLOEXEC, -1 },
#ifdef __x86_64__
		/* Always set on 64-bit kernels (asm-generic O_LARGEFILE). */
		{ 0100000, 0100000, "f", O_RDONLY, -1 },
#endif
	};
	size_t i;
	int prog;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		prog = attach(_metadata, E.afd,
			      deny_if(CHECMATE_HOOK_FILE_OPEN, ON_TEST_FS,
				      MCOND(FO_FLAGS, cases[i].mask,
					    cases[i].val)));
		EXPECT_EQ(PROG_ERRNO, fd_ret(open(cases[i].path,
						  cases[i].with, 0600)))
			TH_LOG("flags & %#x == %#x not seen for %#x",
			       cases[i].mask, cases[i].val, cases[i].with);
		if (cases[i].without >= 0) {
			EXPECT_EQ(0, fd_ret(open(cases[i].path,
						 cases[i].without, 0600)))
				TH_LOG("flags & %#x == %#x seen for %#x",
				       cases[i].mask, cases[i].val,
				       cases[i].without);
		}
		detach(_metadata, prog);
	}
	/* file_open runs before O_TRUNC truncates. */
	EXPECT_EQ(4, size_of("t"));

	/* O_CREAT | O_EXCL of a new file. */
	prog = attach(_metadata, E.afd,
		      deny_if(CHECMATE_HOOK_FILE_OPEN, ON_TEST_FS,
			      MCOND(FO_FLAGS, O_CREAT | O_EXCL,
				    O_CREAT | O_EXCL)));
	EXPECT_EQ(PROG_ERRNO, fd_ret(open("c", O_CREAT | O_EXCL | O_WRONLY,
					  0600)));
	unlink("c");
	EXPECT_EQ(0, fd_ret(open("c", O_CREAT | O_WRONLY, 0600)));
	unlink("c");
	detach(_metadata, prog);
}

TEST_F(fs, file_open_access)
{
	static const struct {
		__u32 access;
		int with, without[2];
	} cases[] = {
		{ CHECMATE_ACCESS_READ, O_RDONLY, { O_WRONLY, O_RDWR } },
		{ CHECMATE_ACCESS_WRITE, O_WRONLY, { O_RDONLY, O_RDWR } },
		{ CHECMATE_ACCESS_READ | CHECMATE_ACCESS_WRITE, O_RDWR,
		  { O_RDONLY, O_WRONLY } },
	};
	size_t i;
	int prog;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		prog = attach(_metadata, E.afd,
			      deny_if(CHECMATE_HOOK_FILE_OPEN, ON_TEST_FS,
				      COND(FO_ACCESS, cases[i].access)));
		EXPECT_EQ(PROG_ERRNO, fd_ret(open("f", cases[i].with)))
			TH_LOG("access %#x not seen", cases[i].access);
		EXPECT_EQ(0, fd_ret(open("f", cases[i].without[0])));
		EXPECT_EQ(0, fd_ret(open("f", cases[i].without[1])));
		detach(_metadata, prog);
	}
}

static int exec_script(void)
{
	execl("./x.sh", "x.sh", (char *)NULL);
	return errno;
}

/* The open of execve(2) has CHECMATE_ACCESS_EXEC (and read). */
TEST_F(fs, file_open_exec_access)
{
	int prog;

	ASSERT_EQ(0, mkobj("x.sh", S_IFREG | 0755, 0, 0,
			   "#!/bin/sh\nexit 3\n"));
	if (in_child(exec_script) != 3)
		SKIP(return, "cannot run a /bin/sh script");

	prog = attach(_metadata, E.afd,
		      deny_if(CHECMATE_HOOK_FILE_OPEN, ON_TEST_FS,
			      MCOND(FO_ACCESS, CHECMATE_ACCESS_EXEC,
				    CHECMATE_ACCESS_EXEC)));
	EXPECT_EQ(0, fd_ret(open("x.sh", O_RDONLY)));
	EXPECT_EQ(PROG_ERRNO, in_child(exec_script))
		TH_LOG("the open of execve() has no CHECMATE_ACCESS_EXEC");
	detach(_metadata, prog);

	prog = attach(_metadata, E.afd,
		      deny_if(CHECMATE_HOOK_FILE_OPEN, ON_TEST_FS,
			      COND(FO_ACCESS, CHECMATE_ACCESS_READ |
						 CHECMATE_ACCESS_EXEC)));
	EXPECT_EQ(PROG_ERRNO, in_child(exec_script));
	detach(_metadata, prog);
}

TEST_F(fs, file_open_syscalls)
{
	int prog;

	prog = attach(_metadata, E.afd,
		      deny_test_fs(CHECMATE_HOOK_FILE_OPEN));
	EXPECT_EQ(PROG_ERRNO, fd_ret(open("f", O_RDONLY)));
	EXPECT_EQ(PROG_ERRNO, fd_ret(open("f", O_WRONLY | O_APPEND)));
	EXPECT_EQ(PROG_ERRNO, fd_ret(openat(self->dfd, "f", O_RDWR)));
	EXPECT_EQ(PROG_ERRNO, fd_ret(openat(AT_FDCWD, "f", O_RDONLY)));
	EXPECT_EQ(PROG_ERRNO, fd_ret(sys_openat2(self->dfd, "f", O_RDONLY,
						 0)));
	EXPECT_EQ(PROG_ERRNO, fd_ret(open("f", O_RDONLY | O_CREAT, 0600)));
	EXPECT_EQ(PROG_ERRNO, fd_ret(open(".", O_RDONLY | O_DIRECTORY)));
	EXPECT_EQ(PROG_ERRNO, fd_ret(open("n/x", O_RDONLY)));
	/* Denied before anything is truncated. */
	EXPECT_EQ(PROG_ERRNO, fd_ret(creat("t", 0600)));
	EXPECT_EQ(PROG_ERRNO, fd_ret(open("t", O_RDWR | O_TRUNC)));
	EXPECT_EQ(4, size_of("t"));
	/* Another file system is not concerned. */
	EXPECT_EQ(0, fd_ret(open("/", O_RDONLY | O_DIRECTORY)));
	detach(_metadata, prog);
	EXPECT_EQ(0, fd_ret(open("f", O_RDONLY)));
}

/*
 * path_mknod decides whether open(O_CREAT) creates the file; file_open
 * only whether it is opened: a file created then denied stays, empty.
 */
TEST_F(fs, file_open_deny_after_create)
{
	attach(_metadata, E.afd, deny_test_fs(CHECMATE_HOOK_FILE_OPEN));
	EXPECT_EQ(PROG_ERRNO, fd_ret(open("c", O_CREAT | O_EXCL | O_WRONLY,
					  0600)));
	EXPECT_EQ(S_IFREG | 0600, mode_of("c"));
	EXPECT_EQ(PROG_ERRNO, fd_ret(creat("c2", 0600)));
	EXPECT_EQ(0, size_of("c2"));
}

TEST_F(fs, file_open_proc_fd_reopen)
{
	char path[64];
	int fd, prog;

	if (!have_proc_fd())
		SKIP(return, "no /proc/self/fd");
	fd = open("f", O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, fd);
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	EXPECT_EQ(0, fd_ret(open(path, O_RDWR)));
	prog = attach(_metadata, E.afd,
		      deny_test_fs(CHECMATE_HOOK_FILE_OPEN));
	EXPECT_EQ(PROG_ERRNO, fd_ret(open(path, O_RDONLY)));
	EXPECT_EQ(PROG_ERRNO, fd_ret(open(path, O_RDWR)));
	detach(_metadata, prog);

	/* The reopen shows its own access. */
	prog = attach(_metadata, E.afd,
		      deny_if(CHECMATE_HOOK_FILE_OPEN, ON_TEST_FS,
			      COND(FO_ACCESS, CHECMATE_ACCESS_WRITE)));
	EXPECT_EQ(PROG_ERRNO, fd_ret(open(path, O_WRONLY)));
	EXPECT_EQ(0, fd_ret(open(path, O_RDONLY)));
	detach(_metadata, prog);
	close(fd);
}

TEST_F(fs, file_open_by_handle)
{
	struct file_handle *fh;
	int mount_id, prog;

	fh = malloc(sizeof(*fh) + MAX_HANDLE_SZ);
	ASSERT_NE(NULL, fh);
	fh->handle_bytes = MAX_HANDLE_SZ;
	if (name_to_handle_at(AT_FDCWD, "f", fh, &mount_id, 0)) {
		free(fh);
		SKIP(return, "name_to_handle_at: %s", strerror(errno));
	}
	EXPECT_EQ(0, fd_ret(open_by_handle_at(self->dfd, fh, O_RDONLY)));
	prog = attach(_metadata, E.afd,
		      deny_test_fs(CHECMATE_HOOK_FILE_OPEN));
	EXPECT_EQ(PROG_ERRNO, fd_ret(open_by_handle_at(self->dfd, fh,
						       O_RDONLY)));
	EXPECT_EQ(PROG_ERRNO, fd_ret(open_by_handle_at(self->dfd, fh,
						       O_WRONLY)));
	detach(_metadata, prog);
	free(fh);
}

/* O_PATH gives no access to the content: file_open does not run. */
TEST_F(fs, file_open_o_path_not_seen)
{
	int prog;

	/* Deny every open, on every file system, for a moment. */
	prog = attach(_metadata, E.afd,
		      load_ret(CHECMATE_HOOK_FILE_OPEN, -PROG_ERRNO));
	EXPECT_EQ(0, fd_ret(open("f", O_PATH)));
	EXPECT_EQ(0, fd_ret(open(".", O_PATH | O_DIRECTORY)));
	EXPECT_EQ(PROG_ERRNO, fd_ret(open("f", O_RDONLY)));
	detach(_metadata, prog);
}

TEST_F(fs, file_open_o_tmpfile)
{
	int prog;

	EXPECT_EQ(0, fd_ret(open(".", O_TMPFILE | O_RDWR, 0600)));
	prog = attach(_metadata, E.afd,
		      deny_test_fs(CHECMATE_HOOK_FILE_OPEN));
	EXPECT_EQ(PROG_ERRNO, fd_ret(open(".", O_TMPFILE | O_RDWR, 0600)));
	EXPECT_EQ(PROG_ERRNO, fd_ret(sys_openat2(self->dfd, ".",
						 O_TMPFILE | O_WRONLY, 0600)));
	detach(_metadata, prog);
}

static int run_open_ro(void)
{
	return fd_ret(open("../ro", O_RDONLY | O_DIRECTORY));
}

/* A read-only mount: CHECMATE_MNT_RDONLY. */
TEST_F(fs, file_open_rdonly_mount)
{
	static const struct op op = {
		"open(../ro, O_RDONLY)", run_open_ro, NULL, always };

	mount_tmpfs(_metadata, "ro", MS_RDONLY | MS_NOSUID | MS_NODEV |
					MS_NOEXEC);
	expect_inode(_metadata, &op, CHECMATE_HOOK_FILE_OPEN, 0, "../ro",
		     CHECMATE_MNT_RDONLY | ALL_MNT);
}

/* path_mknod */

static int run_mknod_chr(void)
{
	return sys_ret(mknod("p", S_IFCHR | 0600, makedev(1, 3)));
}

static int run_mknod_reg(void)
{
	return sys_ret(mknod("p", S_IFREG | 0640, 0));
}

static int run_mknod_untyped(void)
{
	return sys_ret(mknod("p", 0640, 0));
}

static int run_create(void)
{
	return fd_ret(open("p", O_CREAT | O_EXCL | O_WRONLY, 0640));
}

static int bind_unix(const char *path)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	int fd, err = 0;

	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return errno;
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", path);
	if (bind(fd, (struct sockaddr *)&sun, sizeof(sun)))
		err = errno;
	close(fd);
	return err;
}

static int run_bind_unix(void)
{
	return bind_unix("p");
}

static const struct op op_mknod_chr = {
	"mknod(p, S_IFCHR | 0600, 1:3)", run_mknod_chr, undo_p, p_absent };
static const struct op op_mknod_reg = {
	"mknod(p, S_IFREG | 0640)", run_mknod_reg, undo_p, p_absent };
static const struct op op_create = {
	"open(p, O_CREAT | O_EXCL, 0640)", run_create, undo_p, p_absent };
static const struct op op_bind_unix = {
	"bind(AF_UNIX, p)", run_bind_unix, undo_p, p_absent };

TEST_F(fs, mknod_mode_and_dev)
{
	const __u32 hook = CHECMATE_HOOK_PATH_MKNOD;

	expect_field(_metadata, &op_mknod, hook, MK_MODE, S_IFIFO | 0640,
		     "mode");
	expect_field(_metadata, &op_mknod, hook, MK_DEV, 0, "dev");
	expect_field(_metadata, &op_mknod_chr, hook, MK_MODE, S_IFCHR | 0600,
		     "mode");
	expect_field(_metadata, &op_mknod_chr, hook, MK_DEV,
		     (__u32)makedev(1, 3), "dev");
	expect_field(_metadata, &op_mknod_reg, hook, MK_MODE, S_IFREG | 0640,
		     "mode");
	/* open(O_CREAT) of a new file: S_IFREG. */
	expect_field(_metadata, &op_create, hook, MK_MODE, S_IFREG | 0640,
		     "mode");
	expect_field(_metadata, &op_create, hook, MK_DEV, 0, "dev");
	expect_field(_metadata, &op_create, hook, CI(ino), ino_of("."),
		     "dir.ino");
	/* A socket inode is S_IFSOCK | 0777, the umask (0) applied. */
	expect_field(_metadata, &op_bind_unix, hook, MK_MODE,
		     S_IFSOCK | 0777, "mode");
	expect_field(_metadata, &op_bind_unix, hook, CI(ino), ino_of("."),
		     "dir.ino");
}

/*
 * mknod(2) with no file type creates a regular file: the mode the
 * programs see should say so, as for open(O_CREAT).
 */
TEST_F(fs, mknod_untyped_is_regular)
{
	static const struct op op = {
		"mknod(p, 0640)", run_mknod_untyped, undo_p, p_absent };

	ASSERT_EQ(0, run_mknod_untyped());
	EXPECT_EQ(S_IFREG | 0640, mode_of("p"));
	undo_p();
	expect_field(_metadata, &op, CHECMATE_HOOK_PATH_MKNOD, MK_MODE,
		     S_IFREG | 0640, "mode");
}

static int run_mknod_0666(void)
{
	return sys_ret(mknod("p", S_IFIFO | 0666, 0));
}

static int run_create_0666(void)
{
	return fd_ret(open("p", O_CREAT | O_EXCL | O_WRONLY, 0666));
}

static int run_mkdir_0777(void)
{
	return sys_ret(mkdir("m", 0777));
}

/* The umask is applied to the mode programs see. */
TEST_F(fs, mknod_mkdir_umask)
{
	static const struct op mknod_op = {
		"mknod(p, S_IFIFO | 0666)", run_mknod_0666, undo_p, p_absent };
	static const struct op create_op = {
		"open(p, O_CREAT, 0666)", run_create_0666, undo_p, p_absent };
	static const struct op mkdir_op = {
		"mkdir(m, 0777)", run_mkdir_0777, undo_mkdir, m_absent };

	if (has_posix_acl("."))
		SKIP(return, "the file system applies the umask itself");
	umask(022);
	expect_field(_metadata, &mknod_op, CHECMATE_HOOK_PATH_MKNOD, MK_MODE,
		     S_IFIFO | 0644, "mode");
	expect_field(_metadata, &create_op, CHECMATE_HOOK_PATH_MKNOD, MK_MODE,
		     S_IFREG | 0644, "mode");
	expect_field(_metadata, &mkdir_op, CHECMATE_HOOK_PATH_MKDIR, MD_MODE,
		     0755, "mode");
	umask(0);
}

/*
 * @call fails with PROG_ERRNO and creates no "p" (removed if it did, so
 * that no later open blocks on a FIFO).
 */
#define EXPECT_NOT_CREATED(call) do {					\
	EXPECT_EQ(PROG_ERRNO, call);					\
	EXPECT_TRUE(absent("p")) TH_LOG("%s created p", #call);	\
	unlink("p");							\
} while (0)

TEST_F(fs, mknod_syscalls)
{
	int prog;

	prog = attach(_metadata, E.afd,
		      deny_test_fs(CHECMATE_HOOK_PATH_MKNOD));
	EXPECT_NOT_CREATED(sys_ret(mknod("p", S_IFIFO | 0640, 0)));
	EXPECT_NOT_CREATED(sys_ret(mknod("p", S_IFREG | 0640, 0)));
	EXPECT_NOT_CREATED(sys_ret(mknod("p", 0640, 0)));
	EXPECT_NOT_CREATED(sys_ret(mknod("p", S_IFSOCK | 0640, 0)));
	EXPECT_NOT_CREATED(sys_ret(mknod("p", S_IFCHR | 0600,
					 makedev(1, 3))));
	EXPECT_NOT_CREATED(sys_ret(mknodat(self->dfd, "p", S_IFIFO | 0640,
					   0)));
	EXPECT_NOT_CREATED(sys_ret(mkfifo("p", 0640)));
	EXPECT_NOT_CREATED(sys_ret(mkfifoat(self->dfd, "p", 0640)));
	EXPECT_NOT_CREATED(fd_ret(open("p", O_CREAT | O_WRONLY, 0640)));
	EXPECT_NOT_CREATED(fd_ret(open("p", O_CREAT | O_EXCL | O_RDWR,
				       0640)));
	EXPECT_NOT_CREATED(fd_ret(open("p", O_CREAT | O_TRUNC | O_WRONLY,
				       0640)));
	EXPECT_NOT_CREATED(fd_ret(openat(self->dfd, "p", O_CREAT | O_WRONLY,
					 0640)));
	EXPECT_NOT_CREATED(fd_ret(sys_openat2(self->dfd, "p",
					      O_CREAT | O_WRONLY, 0640)));
	EXPECT_NOT_CREATED(fd_ret(creat("p", 0640)));
	EXPECT_NOT_CREATED(bind_unix("p"));
	detach(_metadata, prog);
	EXPECT_EQ(0, sys_ret(mkfifo("p", 0640)));
}

/* open(O_CREAT) of an existing file creates nothing: path_mknod is not run. */
TEST_F(fs, mknod_not_for_existing_file)
{
	attach(_metadata, E.afd, deny_test_fs(CHECMATE_HOOK_PATH_MKNOD));
	EXPECT_EQ(0, fd_ret(open("f", O_CREAT | O_RDONLY, 0600)));
	EXPECT_EQ(0, fd_ret(creat("t", 0600)));
	EXPECT_EQ(0, fd_ret(open("n/x", O_CREAT | O_WRONLY, 0600)));
}

/*
 * An O_TMPFILE file has no name: path_mknod does not run (file_open does,
 * see file_open_o_tmpfile); giving it one with linkat(2) runs path_link.
 */
TEST_F(fs, o_tmpfile_named_by_link)
{
	char path[64];
	int fd, prog;

	prog = attach(_metadata, E.afd,
		      deny_test_fs(CHECMATE_HOOK_PATH_MKNOD));
	fd = open(".", O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	ASSERT_LE(0, fd) TH_LOG("O_TMPFILE: %s", strerror(errno));
	detach(_metadata, prog);

	prog = attach(_metadata, E.afd,
		      load_ret(CHECMATE_HOOK_PATH_LINK, -PROG_ERRNO));
	EXPECT_EQ(PROG_ERRNO, sys_ret(linkat(fd, "", AT_FDCWD, "tmp",
					     AT_EMPTY_PATH)));
	if (have_proc_fd()) {
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
		EXPECT_EQ(PROG_ERRNO, sys_ret(linkat(AT_FDCWD, path, AT_FDCWD,
						     "tmp",
						     AT_SYMLINK_FOLLOW)));
	}
	EXPECT_TRUE(absent("tmp"));
	detach(_metadata, prog);
	EXPECT_EQ(0, sys_ret(linkat(fd, "", AT_FDCWD, "tmp", AT_EMPTY_PATH)));
	EXPECT_EQ(S_IFREG | 0600, mode_of("tmp"));
	close(fd);
}

/* path_mkdir */

static int run_mkdir_sticky(void)
{
	return sys_ret(mkdir("m", 01777));
}

TEST_F(fs, mkdir_mode)
{
	static const struct op sticky = {
		"mkdir(m, 01777)", run_mkdir_sticky, undo_mkdir, m_absent };

	/* Permission bits, no file type. */
	expect_field(_metadata, &op_mkdir, CHECMATE_HOOK_PATH_MKDIR, MD_MODE,
		     0750, "mode");
	expect_field(_metadata, &sticky, CHECMATE_HOOK_PATH_MKDIR, MD_MODE,
		     01777, "mode");
}

TEST_F(fs, mkdir_syscalls)
{
	int prog;

	prog = attach(_metadata, E.afd,
		      deny_test_fs(CHECMATE_HOOK_PATH_MKDIR));
	EXPECT_EQ(PROG_ERRNO, sys_ret(mkdir("m", 0750)));
	EXPECT_EQ(PROG_ERRNO, sys_ret(mkdirat(self->dfd, "m", 0750)));
	EXPECT_EQ(PROG_ERRNO, sys_ret(mkdirat(AT_FDCWD, "n/m", 0750)));
	EXPECT_TRUE(absent("m"));
	EXPECT_TRUE(absent("n/m"));
	detach(_metadata, prog);
	EXPECT_EQ(0, sys_ret(mkdirat(self->dfd, "m", 0750)));
}

/* path_rmdir */

TEST_F(fs, rmdir_object)
{
	expect_inode(_metadata, &op_rmdir, CHECMATE_HOOK_PATH_RMDIR,
		     RM_OBJECT, "e", 0);
}

TEST_F(fs, rmdir_syscalls)
{
	int prog;

	prog = attach(_metadata, E.afd,
		      deny_test_fs(CHECMATE_HOOK_PATH_RMDIR));
	EXPECT_EQ(PROG_ERRNO, sys_ret(rmdir("e")));
	EXPECT_EQ(PROG_ERRNO, sys_ret(unlinkat(self->dfd, "e",
					       AT_REMOVEDIR)));
	EXPECT_EQ(PROG_ERRNO, sys_ret(unlinkat(AT_FDCWD, "e",
					       AT_REMOVEDIR)));
	EXPECT_TRUE(e_there());
	detach(_metadata, prog);
	EXPECT_EQ(0, sys_ret(unlinkat(self->dfd, "e", AT_REMOVEDIR)));
}

/* path_unlink */

static int run_unlink_symlink(void)
{
	return sys_ret(unlink("s"));
}

static void undo_unlink_symlink(void)
{
	put_back(symlink("f", "s"), "symlink f s");
}

static int s_there(void)
{
	return S_ISLNK(mode_of("s"));
}

TEST_F(fs, unlink_object)
{
	static const struct op op = {
		"unlink(s)", run_unlink_symlink, undo_unlink_symlink, s_there };

	expect_inode(_metadata, &op_unlink, CHECMATE_HOOK_PATH_UNLINK,
		     UL_OBJECT, "u", 0);
	/* A symbolic link is the object, not what it points to. */
	ASSERT_EQ(0, symlink("f", "s"));
	expect_inode(_metadata, &op, CHECMATE_HOOK_PATH_UNLINK, UL_OBJECT,
		     "s", 0);
}

TEST_F(fs, unlink_syscalls)
{
	int prog;

	ASSERT_EQ(0, symlink("f", "s"));
	ASSERT_EQ(0, mkfifo("p", 0600));
	prog = attach(_metadata, E.afd,
		      deny_test_fs(CHECMATE_HOOK_PATH_UNLINK));
	EXPECT_EQ(PROG_ERRNO, sys_ret(unlink("u")));
	EXPECT_EQ(PROG_ERRNO, sys_ret(unlinkat(self->dfd, "u", 0)));
	EXPECT_EQ(PROG_ERRNO, sys_ret(unlinkat(AT_FDCWD, "n/x", 0)));
	EXPECT_EQ(PROG_ERRNO, sys_ret(unlink("s")));
	EXPECT_EQ(PROG_ERRNO, sys_ret(unlink("p")));
	EXPECT_TRUE(exists("u"));
	EXPECT_TRUE(exists("n/x"));
	EXPECT_TRUE(exists("s"));
	EXPECT_TRUE(exists("p"));
	detach(_metadata, prog);
	EXPECT_EQ(0, sys_ret(unlinkat(self->dfd, "u", 0)));
}

/* path_symlink */

TEST_F(fs, symlink_syscalls)
{
	int prog;

	prog = attach(_metadata, E.afd,
		      deny_test_fs(CHECMATE_HOOK_PATH_SYMLINK));
	EXPECT_EQ(PROG_ERRNO, sys_ret(symlink("f", "s")));
	EXPECT_EQ(PROG_ERRNO, sys_ret(symlinkat("f", self->dfd, "s")));
	EXPECT_EQ(PROG_ERRNO, sys_ret(symlinkat("/nowhere", AT_FDCWD,
						"n/s")));
	EXPECT_TRUE(absent("s"));
	EXPECT_TRUE(absent("n/s"));
	detach(_metadata, prog);
	EXPECT_EQ(0, sys_ret(symlinkat("f", self->dfd, "s")));
}

/* path_link */

static int run_link_n(void)
{
	return sys_ret(link("f", "n/h"));
}

static void undo_link_n(void)
{
	put_back(unlink("n/h"), "unlink n/h");
}

static int nh_absent(void)
{
	return absent("n/h");
}

/* The existing object, and the directory of the new name. */
TEST_F(fs, link_object_and_new_dir)
{
	static const struct op op = {
		"link(f, n/h)", run_link_n, undo_link_n, nh_absent };

	expect_inode(_metadata, &op, CHECMATE_HOOK_PATH_LINK, 0, "f", 0);
	expect_inode(_metadata, &op, CHECMATE_HOOK_PATH_LINK, LN_NEW_DIR,
		     "n", 0);
}

TEST_F(fs, link_syscalls)
{
	char path[64];
	int fd, prog;

	fd = open("f", O_PATH | O_CLOEXEC);
	ASSERT_LE(0, fd);
	prog = attach(_metadata, E.afd,
		      deny_test_fs(CHECMATE_HOOK_PATH_LINK));
	EXPECT_EQ(PROG_ERRNO, sys_ret(link("f", "h")));
	EXPECT_EQ(PROG_ERRNO, sys_ret(linkat(self->dfd, "f", self->dfd, "h",
					     0)));
	EXPECT_EQ(PROG_ERRNO, sys_ret(linkat(AT_FDCWD, "f", AT_FDCWD, "n/h",
					     0)));
	EXPECT_EQ(PROG_ERRNO, sys_ret(linkat(fd, "", self->dfd, "h",
					     AT_EMPTY_PATH)));
	if (have_proc_fd()) {
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
		EXPECT_EQ(PROG_ERRNO, sys_ret(linkat(AT_FDCWD, path, AT_FDCWD,
						     "h", AT_SYMLINK_FOLLOW)));
	}
	EXPECT_TRUE(absent("h"));
	EXPECT_TRUE(absent("n/h"));
	detach(_metadata, prog);
	EXPECT_EQ(0, sys_ret(linkat(fd, "", self->dfd, "h", AT_EMPTY_PATH)));
	EXPECT_EQ(ino_of("f"), ino_of("h"));
	close(fd);
}

/* path_rename */

static int run_rename_replace(void)
{
	return sys_ret(rename("r", "n/x"));
}

static void undo_rename_replace(void)
{
	put_back(rename("n/x", "r") ||
		 mkobj("n/x", S_IFREG | 0600, UID2, GID2, ""), "rename back");
}

static int r_and_x_there(void)
{
	return exists("r") && exists("n/x") && ino_of("r") != ino_of("n/x");
}

static int run_rename_exchange(void)
{
	return sys_ret(sys_renameat2(AT_FDCWD, "r", AT_FDCWD, "n/x",
				     RENAME_EXCHANGE));
}

static void undo_rename_exchange(void)
{
	put_back(sys_renameat2(AT_FDCWD, "r", AT_FDCWD, "n/x",
			       RENAME_EXCHANGE), "exchange back");
}

static int run_rename_noreplace(void)
{
	return sys_ret(sys_renameat2(AT_FDCWD, "r", AT_FDCWD, "n/y",
				     RENAME_NOREPLACE));
}

static int run_rename_whiteout(void)
{
	return sys_ret(sys_renameat2(AT_FDCWD, "r", AT_FDCWD, "n/y",
				     RENAME_WHITEOUT));
}

static void undo_rename_whiteout(void)
{
	put_back(unlink("r") || rename("n/y", "r"), "undo whiteout");
}

static const struct op op_rename_replace = {
	"rename(r, n/x)", run_rename_replace, undo_rename_replace,
	r_and_x_there };
static const struct op op_rename_exchange = {
	"renameat2(r, n/x, RENAME_EXCHANGE)", run_rename_exchange,
	undo_rename_exchange, r_and_x_there };
static const struct op op_rename_noreplace = {
	"renameat2(r, n/y, RENAME_NOREPLACE)", run_rename_noreplace,
	undo_rename, r_there };
static const struct op op_rename_whiteout = {
	"renameat2(r, n/y, RENAME_WHITEOUT)", run_rename_whiteout,
	undo_rename_whiteout, r_there };

/* To a new name: the target is all zeros. */
TEST_F(fs, rename_to_new_name)
{
	const __u32 hook = CHECMATE_HOOK_PATH_RENAME;

	expect_inode(_metadata, &op_rename, hook, RN_OBJECT, "r", 0);
	expect_inode(_metadata, &op_rename, hook, RN_NEW_DIR, "n", 0);
	expect_inode(_metadata, &op_rename, hook, RN_TARGET, NULL, 0);
	expect_field(_metadata, &op_rename, hook, RN_FLAGS, 0, "flags");
}

/* Over an existing name: the target is the object replaced. */
TEST_F(fs, rename_replace)
{
	const __u32 hook = CHECMATE_HOOK_PATH_RENAME;
	__u32 r = ino_of("r"), x = ino_of("n/x");
	int prog;

	expect_inode(_metadata, &op_rename_replace, hook, RN_TARGET, "n/x", 0);
	expect_inode(_metadata, &op_rename_replace, hook, RN_OBJECT, "r", 0);
	expect_inode(_metadata, &op_rename_replace, hook, 0, ".", 0);
	expect_inode(_metadata, &op_rename_replace, hook, RN_NEW_DIR, "n", 0);
	expect_field(_metadata, &op_rename_replace, hook, RN_FLAGS, 0,
		     "flags");

	r = ino_of("r");
	x = ino_of("n/x");
	prog = attach(_metadata, E.afd, deny_test_fs(hook));
	EXPECT_EQ(PROG_ERRNO, run_rename_replace());
	EXPECT_EQ(r, ino_of("r"));
	EXPECT_EQ(x, ino_of("n/x"));
	detach(_metadata, prog);
}

/* RENAME_EXCHANGE: the target is the other object; nothing moves on deny. */
TEST_F(fs, rename_exchange)
{
	const __u32 hook = CHECMATE_HOOK_PATH_RENAME;
	__u32 r = ino_of("r"), x = ino_of("n/x");
	int prog;

	expect_inode(_metadata, &op_rename_exchange, hook, RN_TARGET, "n/x",
		     0);
	expect_inode(_metadata, &op_rename_exchange, hook, RN_OBJECT, "r", 0);
	expect_field(_metadata, &op_rename_exchange, hook, RN_FLAGS,
		     RENAME_EXCHANGE, "flags");

	prog = attach(_metadata, E.afd, deny_test_fs(hook));
	EXPECT_EQ(PROG_ERRNO, run_rename_exchange());
	EXPECT_EQ(r, ino_of("r"));
	EXPECT_EQ(x, ino_of("n/x"));
	detach(_metadata, prog);
}

TEST_F(fs, rename_flags)
{
	const __u32 hook = CHECMATE_HOOK_PATH_RENAME;

	expect_field(_metadata, &op_rename_noreplace, hook, RN_FLAGS,
		     RENAME_NOREPLACE, "flags");
	expect_inode(_metadata, &op_rename_noreplace, hook, RN_TARGET, NULL,
		     0);
	if (run_rename_whiteout())
		SKIP(return, "RENAME_WHITEOUT: %s", strerror(errno));
	undo_rename_whiteout();
	expect_field(_metadata, &op_rename_whiteout, hook, RN_FLAGS,
		     RENAME_WHITEOUT, "flags");
}

TEST_F(fs, rename_syscalls)
{
	static const unsigned int flags[] = {
		0, RENAME_NOREPLACE, RENAME_EXCHANGE, RENAME_WHITEOUT,
	};
	size_t i;
	int prog;

	prog = attach(_metadata, E.afd,
		      deny_test_fs(CHECMATE_HOOK_PATH_RENAME));
	EXPECT_EQ(PROG_ERRNO, sys_ret(rename("r", "n/y")));
	EXPECT_EQ(PROG_ERRNO, sys_ret(rename("r", "n/x")));
	EXPECT_EQ(PROG_ERRNO, sys_ret(renameat(self->dfd, "r", self->dfd,
					       "y")));
	EXPECT_EQ(PROG_ERRNO, sys_ret(renameat(AT_FDCWD, "e", AT_FDCWD,
					       "n/e")));
	for (i = 0; i < ARRAY_SIZE(flags); i++) {
		const char *to = flags[i] == RENAME_EXCHANGE ? "n/x" : "n/y";

		EXPECT_EQ(PROG_ERRNO, sys_ret(sys_renameat2(self->dfd, "r",
							    self->dfd, to,
							    flags[i])))
			TH_LOG("renameat2 flags %#x", flags[i]);
	}
	EXPECT_TRUE(r_there());
	EXPECT_TRUE(absent("y"));
	EXPECT_TRUE(e_there());
	EXPECT_EQ(S_IFREG | 0600, mode_of("n/x"));
	detach(_metadata, prog);
	EXPECT_EQ(0, sys_ret(sys_renameat2(self->dfd, "r", self->dfd, "n/y",
					   RENAME_NOREPLACE)));
}

/* path_truncate */

static int run_ftruncate(void)
{
	int fd = open("t", O_WRONLY | O_CLOEXEC), ret;

	if (fd < 0)
		return errno;
	ret = sys_ret(ftruncate(fd, 1));
	close(fd);
	return ret;
}

static int run_open_trunc(void)
{
	return fd_ret(open("t", O_WRONLY | O_TRUNC | O_CLOEXEC));
}

TEST_F(fs, truncate_open_file)
{
	static const struct op ftrunc = {
		"ftruncate(t, 1)", run_ftruncate, undo_truncate, t_full };
	static const struct op otrunc = {
		"open(t, O_TRUNC)", run_open_trunc, undo_truncate, t_full };
	const __u32 hook = CHECMATE_HOOK_PATH_TRUNCATE;
	const __u32 t = ino_of("t");

	expect_field(_metadata, &op_truncate, hook, TR_OPEN_FILE, 0,
		     "open_file");
	expect_field(_metadata, &ftrunc, hook, TR_OPEN_FILE, 1, "open_file");
	expect_field(_metadata, &otrunc, hook, TR_OPEN_FILE, 1, "open_file");
	/* Through a file too, the object is the file truncated. */
	expect_field(_metadata, &ftrunc, hook, CI(ino), t, "ino");
	expect_field(_metadata, &ftrunc, hook, CI(mode), S_IFREG | 0640,
		     "mode");
	expect_field(_metadata, &otrunc, hook, CI(ino), t, "ino");
	expect_field(_metadata, &otrunc, hook, CI(uid), UID1, "uid");
}

TEST_F(fs, truncate_syscalls)
{
	char path[64];
	int fd, prog;

	ASSERT_EQ(0, mkobj("z", S_IFREG | 0600, 0, 0, ""));
	fd = open("t", O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, fd);
	prog = attach(_metadata, E.afd,
		      deny_test_fs(CHECMATE_HOOK_PATH_TRUNCATE));
	EXPECT_EQ(PROG_ERRNO, sys_ret(truncate("t", 0)));
	EXPECT_EQ(PROG_ERRNO, sys_ret(truncate("t", 100)));
	EXPECT_EQ(PROG_ERRNO, sys_ret(ftruncate(fd, 0)));
	EXPECT_EQ(PROG_ERRNO, fd_ret(open("t", O_WRONLY | O_TRUNC)));
	EXPECT_EQ(PROG_ERRNO, fd_ret(open("t", O_RDWR | O_TRUNC)));
	/* Linux truncates on O_RDONLY | O_TRUNC too. */
	EXPECT_EQ(PROG_ERRNO, fd_ret(open("t", O_RDONLY | O_TRUNC)));
	EXPECT_EQ(PROG_ERRNO, fd_ret(open("t", O_CREAT | O_TRUNC | O_WRONLY,
					  0600)));
	EXPECT_EQ(PROG_ERRNO, fd_ret(openat(self->dfd, "t",
					    O_WRONLY | O_TRUNC)));
	EXPECT_EQ(PROG_ERRNO, fd_ret(sys_openat2(self->dfd, "t",
						 O_WRONLY | O_TRUNC, 0)));
	EXPECT_EQ(PROG_ERRNO, fd_ret(creat("t", 0600)));
	/* An empty file is truncated all the same. */
	EXPECT_EQ(PROG_ERRNO, fd_ret(open("z", O_WRONLY | O_TRUNC)));
	if (have_proc_fd()) {
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
		EXPECT_EQ(PROG_ERRNO, fd_ret(open(path, O_WRONLY | O_TRUNC)));
		EXPECT_EQ(PROG_ERRNO, sys_ret(truncate(path, 0)));
	}
	EXPECT_EQ(4, size_of("t"));
	/* A file open(2) creates is not truncated. */
	EXPECT_EQ(0, fd_ret(open("c", O_CREAT | O_TRUNC | O_WRONLY, 0600)));
	EXPECT_EQ(0, fd_ret(creat("c2", 0600)));
	/* Nor is anything opened without O_TRUNC. */
	EXPECT_EQ(0, fd_ret(open("t", O_WRONLY)));
	detach(_metadata, prog);
	EXPECT_EQ(0, sys_ret(ftruncate(fd, 0)));
	EXPECT_EQ(0, size_of("t"));
	close(fd);
}

/* path_chmod */

static int run_chmod_suid(void)
{
	return sys_ret(chmod("f", 04755));
}

TEST_F(fs, chmod_new_mode)
{
	static const struct op suid = {
		"chmod(f, 04755)", run_chmod_suid, undo_chmod, f_mode_kept };
	int prog;

	/* The permission bits given, set-user-ID included. */
	prog = attach(_metadata, E.afd,
		      deny_if(CHECMATE_HOOK_PATH_CHMOD, ON_TEST_FS,
			      MCOND(CM_MODE, 07777, 0600)));
	EXPECT_EQ(PROG_ERRNO, run_chmod());
	EXPECT_TRUE(f_mode_kept());
	EXPECT_EQ(0, sys_ret(chmod("f", 0640)));
	undo_chmod();
	detach(_metadata, prog);

	prog = attach(_metadata, E.afd,
		      deny_if(CHECMATE_HOOK_PATH_CHMOD, ON_TEST_FS,
			      MCOND(CM_MODE, 07777, 04755)));
	EXPECT_EQ(PROG_ERRNO, suid.run());
	EXPECT_TRUE(f_mode_kept());
	EXPECT_EQ(0, sys_ret(chmod("f", 0755)));
	undo_chmod();
	detach(_metadata, prog);
}

static int run_chmod_dir_type(void)
{
	return sys_ret(chmod("f", S_IFDIR | 0600));
}

/*
 * The new mode has the file type: the object's, whatever bits above
 * 07777 chmod(2) was given (the kernel ignores them).
 */
TEST_F(fs, chmod_mode_has_file_type)
{
	static const struct op typed = {
		"chmod(f, S_IFDIR | 0600)", run_chmod_dir_type, undo_chmod,
		f_mode_kept };

	expect_field(_metadata, &op_chmod, CHECMATE_HOOK_PATH_CHMOD, CM_MODE,
		     S_IFREG | 0600, "mode");
	expect_field(_metadata, &typed, CHECMATE_HOOK_PATH_CHMOD, CM_MODE,
		     S_IFREG | 0600, "mode");
}

TEST_F(fs, chmod_syscalls)
{
	char path[64];
	int fd, pfd, prog;

	fd = open("f", O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, fd);
	pfd = open("f", O_PATH | O_CLOEXEC);
	ASSERT_LE(0, pfd);
	prog = attach(_metadata, E.afd,
		      deny_test_fs(CHECMATE_HOOK_PATH_CHMOD));
	EXPECT_EQ(PROG_ERRNO, sys_ret(chmod("f", 0600)));
	EXPECT_EQ(PROG_ERRNO, sys_ret(fchmod(fd, 0600)));
	EXPECT_EQ(PROG_ERRNO, sys_ret(fchmodat(AT_FDCWD, "f", 0600, 0)));
	EXPECT_EQ(PROG_ERRNO, sys_ret(fchmodat(self->dfd, "f", 0600, 0)));
	EXPECT_EQ(PROG_ERRNO, sys_ret(chmod(".", 0700)));
	EXPECT_EQ(PROG_ERRNO, sys_ret(fchmod(self->dfd, 0700)));
	EXPECT_EQ(PROG_ERRNO, sys_ret(sys_fchmodat2(self->dfd, "f", 0600, 0)));
	EXPECT_EQ(PROG_ERRNO, sys_ret(sys_fchmodat2(pfd, "", 0600,
						    AT_EMPTY_PATH)));
	if (have_proc_fd()) {
		snprintf(path, sizeof(path), "/proc/self/fd/%d", pfd);
		EXPECT_EQ(PROG_ERRNO, sys_ret(chmod(path, 0600)));
	}
	EXPECT_TRUE(f_mode_kept());
	EXPECT_EQ(S_IFDIR | 02755, mode_of("."));
	detach(_metadata, prog);
	EXPECT_EQ(0, sys_ret(fchmod(fd, 0600)));
	EXPECT_EQ(S_IFREG | 0600, mode_of("f"));
	close(pfd);
	close(fd);
}

/* path_chown */

static int run_chown_gid(void)
{
	return sys_ret(chown("f", -1, GID2));
}

static int run_chown_uid(void)
{
	return sys_ret(chown("f", UID2, -1));
}

TEST_F(fs, chown_new_ids)
{
	static const struct op gid_only = {
		"chown(f, -1, 8765)", run_chown_gid, undo_chown, f_owner_kept };
	static const struct op uid_only = {
		"chown(f, 4321, -1)", run_chown_uid, undo_chown, f_owner_kept };
	const __u32 hook = CHECMATE_HOOK_PATH_CHOWN;

	expect_field(_metadata, &op_chown, hook, CO_UID, UID2, "uid");
	expect_field(_metadata, &op_chown, hook, CO_GID, GID2, "gid");
	/* -1: unchanged. */
	expect_field(_metadata, &gid_only, hook, CO_UID, (__u32)-1, "uid");
	expect_field(_metadata, &gid_only, hook, CO_GID, GID2, "gid");
	expect_field(_metadata, &uid_only, hook, CO_UID, UID2, "uid");
	expect_field(_metadata, &uid_only, hook, CO_GID, (__u32)-1, "gid");
}

static int run_lchown(void)
{
	return sys_ret(lchown("s", UID2, GID2));
}

/* A new object of d/ (set-group-ID) has its group. */
static void undo_lchown(void)
{
	put_back(lchown("s", 0, GID1), "lchown s");
}

static int s_owner_kept(void)
{
	return owned_by("s", 0, GID1);
}

/* lchown(2): the symbolic link is the object; chown(2): its target. */
TEST_F(fs, chown_symlink)
{
	static const struct op op = {
		"lchown(s, 4321, 8765)", run_lchown, undo_lchown,
		s_owner_kept };

	ASSERT_EQ(0, symlink("f", "s"));
	expect_inode(_metadata, &op, CHECMATE_HOOK_PATH_CHOWN, 0, "s", 0);
	expect_field(_metadata, &op_chown, CHECMATE_HOOK_PATH_CHOWN,
		     CI(ino), ino_of("f"), "ino");
}

TEST_F(fs, chown_syscalls)
{
	struct stat link;
	char path[64];
	int fd, pfd, prog;

	ASSERT_EQ(0, symlink("f", "s"));
	ASSERT_EQ(0, lstat("s", &link));
	fd = open("f", O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, fd);
	pfd = open("f", O_PATH | O_CLOEXEC);
	ASSERT_LE(0, pfd);
	prog = attach(_metadata, E.afd,
		      deny_test_fs(CHECMATE_HOOK_PATH_CHOWN));
	EXPECT_EQ(PROG_ERRNO, sys_ret(chown("f", UID2, GID2)));
	EXPECT_EQ(PROG_ERRNO, sys_ret(chown("s", UID2, GID2)));
	EXPECT_EQ(PROG_ERRNO, sys_ret(lchown("f", UID2, GID2)));
	EXPECT_EQ(PROG_ERRNO, sys_ret(lchown("s", UID2, GID2)));
	EXPECT_EQ(PROG_ERRNO, sys_ret(fchown(fd, UID2, GID2)));
	EXPECT_EQ(PROG_ERRNO, sys_ret(fchown(fd, -1, -1)));
	EXPECT_EQ(PROG_ERRNO, sys_ret(fchownat(AT_FDCWD, "f", UID2, GID2,
					       0)));
	EXPECT_EQ(PROG_ERRNO, sys_ret(fchownat(self->dfd, "s", UID2, GID2,
					       AT_SYMLINK_NOFOLLOW)));
	EXPECT_EQ(PROG_ERRNO, sys_ret(fchownat(pfd, "", UID2, GID2,
					       AT_EMPTY_PATH)));
	EXPECT_EQ(PROG_ERRNO, sys_ret(fchown(self->dfd, UID2, GID2)));
	if (have_proc_fd()) {
		snprintf(path, sizeof(path), "/proc/self/fd/%d", pfd);
		EXPECT_EQ(PROG_ERRNO, sys_ret(chown(path, UID2, GID2)));
	}
	/* Owner kept, and the set-user-ID bit a chown clears too. */
	EXPECT_TRUE(f_owner_kept());
	EXPECT_TRUE(owned_by("s", link.st_uid, link.st_gid));
	EXPECT_TRUE(owned_by(".", UID1, GID1));
	detach(_metadata, prog);
	EXPECT_EQ(0, sys_ret(fchown(fd, UID2, GID2)));
	EXPECT_TRUE(owned_by("f", UID2, GID2));
	close(pfd);
	close(fd);
}

/* path_chroot */

/* In a child: chroot(.), then whether the old root is still the root. */
static int chroot_and_look(void)
{
	int ret = sys_ret(chroot("."));

	if (ret)
		return access("/tmp", F_OK) ? 100 : ret;
	return access("/f", F_OK) ? 101 : 0;
}

TEST_F(fs, chroot_deny_keeps_root)
{
	int prog;

	prog = attach(_metadata, E.afd,
		      deny_test_fs(CHECMATE_HOOK_PATH_CHROOT));
	EXPECT_EQ(PROG_ERRNO, in_child(chroot_and_look));
	detach(_metadata, prog);
	EXPECT_EQ(0, in_child(chroot_and_look));
}

static int chroot_ro(void)
{
	return sys_ret(chroot("../ro"));
}

static int run_chroot_ro(void)
{
	return in_child(chroot_ro);
}

TEST_F(fs, chroot_rdonly_mount)
{
	static const struct op op = {
		"chroot(../ro)", run_chroot_ro, NULL, always };

	mount_tmpfs(_metadata, "ro", MS_RDONLY);
	expect_inode(_metadata, &op, CHECMATE_HOOK_PATH_CHROOT, 0, "../ro",
		     CHECMATE_MNT_RDONLY);
}

TEST_HARNESS_MAIN
