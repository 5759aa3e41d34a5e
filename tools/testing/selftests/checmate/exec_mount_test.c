// SPDX-License-Identifier: GPL-2.0
/*
 * Checmate LSM - exec and mount hooks, and the strings of a hook call
 *
 * bprm_check_security on every exec path (execve, execveat with a
 * directory fd or AT_EMPTY_PATH, /proc/self/fd, a script and its
 * interpreter) and the file_open of the exec; sb_mount, move_mount,
 * sb_umount, sb_remount and sb_pivotroot through mount(2) and the new
 * mount API; bpf_checmate_str() from progs/checmate_str.bpf.c; and the
 * cgroup scoping of the exec and mount hooks.
 *
 * Simple verdicts and context records are raw instructions (common.h); a
 * record program copies the whole context of each call into an array map,
 * so a test compares every field with what stat(2), statfs(2) and
 * statvfs(3) say. Each test runs in its own cgroup and mount namespace,
 * on a fresh tmpfs under /tmp; exec attempts run in forked children that
 * report through their exit status.
 */

#define _GNU_SOURCE
#include <fcntl.h>
#include <limits.h>
#include <linux/magic.h>
#include <linux/mount.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <sys/wait.h>

#include <bpf/libbpf.h>

#include "common.h"

/* An errno no exec or mount call returns by itself: only a program's. */
#define PROG_ERRNO	ENOTUNIQ
/* A second one, to tell two programs apart. */
#define PROG_ERRNO2	ENOANO

/* Exit statuses of the exec children (errnos are below 200). */
#define HELPER_RAN	200	/* the copy of this binary ran */
#define SCRIPT_RAN	201	/* the script ran */
#define SH_RAN		202	/* /bin/sh ran, named directly */
#define ST_CHANGED	250	/* execve failed but the image changed */
#define ST_SETUP	251	/* the child could not set up its exec */
#define ST_NOERR	252	/* execve returned without an errno */
#define ST_SIGNAL	253	/* killed by a signal */

#define HELPER_ENV	"CHECMATE_EXEC_HELPER"
#define HELPER_UID	1234
#define HELPER_GID	5678

#ifndef MNT_DETACH
#define MNT_DETACH	2
#endif
#ifndef __NR_execveat
#define __NR_execveat	322
#endif
#ifndef __NR_open_tree
#define __NR_open_tree	428
#endif
#ifndef __NR_move_mount
#define __NR_move_mount	429
#endif
#ifndef __NR_fsopen
#define __NR_fsopen	430
#endif
#ifndef __NR_fsconfig
#define __NR_fsconfig	431
#endif
#ifndef __NR_fsmount
#define __NR_fsmount	432
#endif
#ifndef __NR_fspick
#define __NR_fspick	433
#endif

static char self_exe[PATH_MAX];

/* Paths on the test's tmpfs (base: 63 bytes at most), and one level below. */
#define PLEN		128
#define PLEN2		160

/*
 * Exec'd with HELPER_ENV in its environment, this binary is the helper
 * whose identity the exec tests check: it exits at once with HELPER_RAN.
 */
__attribute__((constructor)) static void exec_helper(int argc, char **argv)
{
	if (getenv(HELPER_ENV))
		_exit(HELPER_RAN);
	if (argc < 1 || !argv[0] || !realpath(argv[0], self_exe))
		snprintf(self_exe, sizeof(self_exe), "/proc/self/exe");
}

static char *helper_env[] = { HELPER_ENV "=1", NULL };

static int sys_execveat(int dfd, const char *name, char *const argv[],
			char *const envp[], int flags)
{
	return syscall(__NR_execveat, dfd, name, argv, envp, flags);
}

static int sys_open_tree(int dfd, const char *path, unsigned int flags)
{
	return syscall(__NR_open_tree, dfd, path, flags);
}

static int sys_move_mount(int from_dfd, const char *from, int to_dfd,
			  const char *to, unsigned int flags)
{
	return syscall(__NR_move_mount, from_dfd, from, to_dfd, to, flags);
}

static int sys_fsopen(const char *fs, unsigned int flags)
{
	return syscall(__NR_fsopen, fs, flags);
}

static int sys_fsconfig(int fd, unsigned int cmd, const char *key,
			const void *val, int aux)
{
	return syscall(__NR_fsconfig, fd, cmd, key, val, aux);
}

static int sys_fsmount(int fd, unsigned int flags, unsigned int attr)
{
	return syscall(__NR_fsmount, fd, flags, attr);
}

static int sys_fspick(int dfd, const char *path, unsigned int flags)
{
	return syscall(__NR_fspick, dfd, path, flags);
}

static int sys_pivot_root(const char *new_root, const char *put_old)
{
	return syscall(__NR_pivot_root, new_root, put_old);
}

/* Context records of MAX_REC calls, REC_WORDS words each. */
#define MAX_REC		4
#define REC_WORDS	36
#include "record.h"

/* Attach @prog (asserting it loaded) to @cgfd; returns @prog. */
static int attach(struct __test_metadata *const _metadata, int cgfd, int prog)
{
	ASSERT_LE(0, prog) TH_LOG("BPF_PROG_LOAD: %s", strerror(errno));
	ASSERT_EQ(0, prog_attach(cgfd, prog, BPF_F_ALLOW_MULTI))
		TH_LOG("BPF_PROG_ATTACH: %s", strerror(errno));
	return prog;
}

/* Detach and close @prog. */
static void detach(struct __test_metadata *const _metadata, int cgfd, int prog)
{
	EXPECT_EQ(0, prog_detach(cgfd, prog))
		TH_LOG("BPF_PROG_DETACH: %s", strerror(errno));
	close(prog);
}

/* A record map and a program recording @hook's context, returning @verdict. */
static int record(struct __test_metadata *const _metadata, int cgfd,
		  __u32 hook, size_t size, int filter_off, __u32 filter_val,
		  int verdict)
{
	int map = rec_map_new();

	ASSERT_LE(0, map) TH_LOG("BPF_MAP_CREATE: %s", strerror(errno));
	attach(_metadata, cgfd, load_record(hook, map, size, filter_off,
					    filter_val, verdict));
	return map;
}

/* The identity of an object as stat(2), statfs(2) and statvfs(3) show it. */
struct ident {
	__u64 ino;
	__u32 dev, mode, uid, gid, magic, mnt_flags;
};

static __u32 mnt_flags_of(unsigned long f_flag)
{
	__u32 flags = 0;

	if (f_flag & ST_RDONLY)
		flags |= CHECMATE_MNT_RDONLY;
	if (f_flag & ST_NOSUID)
		flags |= CHECMATE_MNT_NOSUID;
	if (f_flag & ST_NODEV)
		flags |= CHECMATE_MNT_NODEV;
	if (f_flag & ST_NOEXEC)
		flags |= CHECMATE_MNT_NOEXEC;
	return flags;
}

static void ident_fill(struct ident *id, const struct stat *st,
		       const struct statfs *sfs, const struct statvfs *svfs)
{
	id->ino = st->st_ino;
	id->dev = st->st_dev;
	id->mode = st->st_mode;
	id->uid = st->st_uid;
	id->gid = st->st_gid;
	id->magic = sfs->f_type;
	id->mnt_flags = mnt_flags_of(svfs->f_flag);
}

static int ident_path(const char *path, struct ident *id)
{
	struct statvfs svfs;
	struct statfs sfs;
	struct stat st;

	if (stat(path, &st) || statfs(path, &sfs) || statvfs(path, &svfs))
		return -1;
	ident_fill(id, &st, &sfs, &svfs);
	return 0;
}

static int ident_fd(int fd, struct ident *id)
{
	struct statvfs svfs;
	struct statfs sfs;
	struct stat st;

	if (fstat(fd, &st) || fstatfs(fd, &sfs) || fstatvfs(fd, &svfs))
		return -1;
	ident_fill(id, &st, &sfs, &svfs);
	return 0;
}

static struct ident ident_of(struct __test_metadata *const _metadata,
			     const char *path)
{
	struct ident id;

	memset(&id, 0, sizeof(id));
	ASSERT_EQ(0, ident_path(path, &id))
		TH_LOG("stat %s: %s", path, strerror(errno));
	return id;
}

/* Every field of @ci against @id; @mnt: compare mnt_flags too. */
static void expect_inode(struct __test_metadata *const _metadata,
			 const char *what, const struct checmate_inode *ci,
			 const struct ident *id, bool mnt)
{
	EXPECT_EQ((__u32)id->ino, ci->ino) TH_LOG("%s: ino", what);
	EXPECT_EQ((__u32)(id->ino >> 32), ci->ino_hi) TH_LOG("%s: ino_hi", what);
	EXPECT_EQ(id->dev, ci->dev) TH_LOG("%s: dev", what);
	EXPECT_EQ(id->mode, ci->mode) TH_LOG("%s: mode", what);
	EXPECT_EQ(id->uid, ci->uid) TH_LOG("%s: uid", what);
	EXPECT_EQ(id->gid, ci->gid) TH_LOG("%s: gid", what);
	EXPECT_EQ(id->magic, ci->magic) TH_LOG("%s: magic", what);
	if (mnt)
		EXPECT_EQ(id->mnt_flags, ci->mnt_flags)
			TH_LOG("%s: mnt_flags", what);
}

static bool inode_is_zero(const struct checmate_inode *ci)
{
	static const struct checmate_inode zero;

	return !memcmp(ci, &zero, sizeof(zero));
}

/* Two matches on an object's identity (ino, dev) at context offset @off. */
static void match_ident(struct match *m, int off, const struct ident *id)
{
	m[0] = (struct match)EQ(off + offsetof(struct checmate_inode, ino),
				(__u32)id->ino);
	m[1] = (struct match)EQ(off + offsetof(struct checmate_inode, dev),
				id->dev);
}

#define BPRM		CHECMATE_HOOK_BPRM_CHECK_SECURITY
#define BPRM_CTX	struct checmate_bprm_check_security_ctx
#define BPRM_FILE	offsetof(BPRM_CTX, file)
#define BPRM_INTERP	offsetof(BPRM_CTX, interp)
#define FOPEN		CHECMATE_HOOK_FILE_OPEN
#define FOPEN_CTX	struct checmate_file_open_ctx
#define MOUNT		CHECMATE_HOOK_SB_MOUNT
#define MOUNT_CTX	struct checmate_sb_mount_ctx
#define MOVE		CHECMATE_HOOK_MOVE_MOUNT
#define MOVE_CTX	struct checmate_move_mount_ctx
#define UMOUNT		CHECMATE_HOOK_SB_UMOUNT
#define UMOUNT_CTX	struct checmate_sb_umount_ctx
#define REMOUNT		CHECMATE_HOOK_SB_REMOUNT
#define REMOUNT_CTX	struct checmate_sb_remount_ctx
#define PIVOT		CHECMATE_HOOK_SB_PIVOTROOT
#define PIVOT_CTX	struct checmate_sb_pivotroot_ctx

/*
 * The environment of a test: its own cgroup (entered), its own mount
 * namespace with / private, and a fresh tmpfs on a new directory of /tmp.
 */
struct env {
	char cg[64];
	int cgfd;
	char base[64];
	bool mounted;
};

static void env_setup(struct __test_metadata *const _metadata,
		      struct env *e, const char *name, unsigned long flags)
{
	snprintf(e->cg, sizeof(e->cg), "checmate_%s_%d", name, getpid());
	e->cgfd = cg_create(_metadata, e->cg);
	cg_enter(_metadata, e->cg);
	ASSERT_EQ(0, unshare(CLONE_NEWNS)) TH_LOG("unshare: %s",
						  strerror(errno));
	ASSERT_EQ(0, mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL));
	snprintf(e->base, sizeof(e->base), "/tmp/checmate_%s_XXXXXX", name);
	ASSERT_NE(NULL, mkdtemp(e->base));
	ASSERT_EQ(0, mount("tmpfs", e->base, "tmpfs", flags, "mode=0755"))
		TH_LOG("mount tmpfs on %s: %s", e->base, strerror(errno));
	e->mounted = true;
}

static void env_teardown(struct __test_metadata *const _metadata,
			 struct env *e)
{
	/* Out of the cgroup first: its programs may deny the cleanup. */
	cg_enter(_metadata, "");
	if (e->mounted)
		umount2(e->base, MNT_DETACH);
	rmdir(e->base);
	close(e->cgfd);
	cg_remove(e->cg);
}

/* @e->base/@name into @buf. */
static char *at(const struct env *e, const char *name, char *buf, size_t size)
{
	snprintf(buf, size, "%s/%s", e->base, name);
	return buf;
}

static int copy_file(const char *from, const char *to, mode_t mode)
{
	char buf[65536];
	int in, out, ret = -1;
	ssize_t n;

	in = open(from, O_RDONLY | O_CLOEXEC);
	if (in < 0)
		return -1;
	out = open(to, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
	if (out < 0)
		goto out_in;
	while ((n = read(in, buf, sizeof(buf))) > 0)
		if (write(out, buf, n) != n)
			goto out_out;
	if (n == 0 && !fchmod(out, mode))
		ret = 0;
out_out:
	close(out);
out_in:
	close(in);
	return ret;
}

static int write_file(const char *path, const char *s, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
	ssize_t len = strlen(s);

	if (fd < 0)
		return -1;
	if (write(fd, s, len) != len || fchmod(fd, mode)) {
		close(fd);
		return -1;
	}
	return close(fd);
}

/* Waits for @pid: the status it exited with, ST_SIGNAL if killed, or -1. */
static int wait_status(pid_t pid)
{
	int status;

	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		return -1;
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	return ST_SIGNAL;
}

enum exec_how {
	EXEC_PATH,		/* execve(dir/name) */
	EXEC_AT,		/* execveat(open(dir), name, 0) */
	EXEC_EMPTY_PATH,	/* execveat(open(dir/name), "", AT_EMPTY_PATH) */
	EXEC_PROC_FD,		/* execve(/proc/self/fd/N), N = open(dir/name) */
};

/*
 * Runs dir/name in a forked child as @how says: the status it exits with
 * (HELPER_RAN, SCRIPT_RAN... if the exec worked), or the errno of the
 * failed exec after checking that the process is still the same image.
 */
static int exec_status(const char *dir, const char *name, enum exec_how how,
		       char *const argv[])
{
	char path[PATH_MAX];
	pid_t pid;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid == 0) {
		char before[32] = "", after[32] = "", fdpath[64];
		int fd, err;

		if (prctl(PR_GET_NAME, before))
			_exit(ST_SETUP);
		switch (how) {
		case EXEC_PATH:
			execve(path, argv, helper_env);
			break;
		case EXEC_AT:
			fd = open(dir, O_RDONLY | O_DIRECTORY);
			if (fd < 0)
				_exit(ST_SETUP);
			sys_execveat(fd, name, argv, helper_env, 0);
			break;
		case EXEC_EMPTY_PATH:
			fd = open(path, O_RDONLY);
			if (fd < 0)
				_exit(ST_SETUP);
			sys_execveat(fd, "", argv, helper_env, AT_EMPTY_PATH);
			break;
		case EXEC_PROC_FD:
			fd = open(path, O_RDONLY);
			if (fd < 0)
				_exit(ST_SETUP);
			snprintf(fdpath, sizeof(fdpath), "/proc/self/fd/%d", fd);
			execve(fdpath, argv, helper_env);
			break;
		}
		err = errno;
		/* Still this process image: its name unchanged. */
		if (prctl(PR_GET_NAME, after) || strcmp(before, after))
			_exit(ST_CHANGED);
		_exit(err > 0 && err < HELPER_RAN ? err : ST_NOERR);
	}
	return wait_status(pid);
}

static char *helper_argv[] = { "helper", "one", "two", NULL };
static char *script_argv[] = { "script", "one", NULL };
static char *sh_argv[] = { "sh", "-c", "exit 202", NULL };

/* The exec fixture: a copy of this binary and a script on the tmpfs. */
struct exec_env {
	struct env e;
	char helper[PLEN], script[PLEN];
	struct ident hid, sid, shid;
};

static void exec_env_setup(struct __test_metadata *const _metadata,
			   struct exec_env *x, const char *name)
{
	/* nosuid, nodev: mnt_flags the identity shows */
	env_setup(_metadata, &x->e, name, MS_NOSUID | MS_NODEV);
	at(&x->e, "helper", x->helper, sizeof(x->helper));
	at(&x->e, "script", x->script, sizeof(x->script));
	ASSERT_EQ(0, copy_file(self_exe, x->helper, 0755))
		TH_LOG("copy %s: %s", self_exe, strerror(errno));
	/* An owner of its own, which the context shows. */
	ASSERT_EQ(0, chown(x->helper, HELPER_UID, HELPER_GID));
	ASSERT_EQ(0, write_file(x->script, "#!/bin/sh\nexit 201\n", 0755));
	ASSERT_EQ(0, ident_path(x->helper, &x->hid));
	ASSERT_EQ(0, ident_path(x->script, &x->sid));
	ASSERT_EQ(0, ident_path("/bin/sh", &x->shid))
		TH_LOG("/bin/sh: %s", strerror(errno));
}

FIXTURE(exec) {
	struct exec_env x;
};

FIXTURE_SETUP(exec)
{
	exec_env_setup(_metadata, &self->x, "exec");
}

FIXTURE_TEARDOWN(exec)
{
	env_teardown(_metadata, &self->x.e);
}

TEST_F(exec, allow)
{
	const char *base = self->x.e.base;

	attach(_metadata, self->x.e.cgfd, load_ret(BPRM, 0));
	EXPECT_EQ(HELPER_RAN, exec_status(base, "helper", EXEC_PATH,
					  helper_argv));
	EXPECT_EQ(SCRIPT_RAN, exec_status(base, "script", EXEC_PATH,
					  script_argv));
	EXPECT_EQ(SH_RAN, exec_status("/bin", "sh", EXEC_PATH, sh_argv));
}

TEST_F(exec, deny_exact_errno_image_unchanged)
{
	const char *base = self->x.e.base;
	int prog;

	EXPECT_EQ(HELPER_RAN, exec_status(base, "helper", EXEC_PATH,
					  helper_argv));
	prog = attach(_metadata, self->x.e.cgfd,
		      load_ret(BPRM, -PROG_ERRNO));
	/* The child's execve() returns PROG_ERRNO and it is still itself. */
	EXPECT_EQ(PROG_ERRNO, exec_status(base, "helper", EXEC_PATH,
					  helper_argv));
	EXPECT_EQ(PROG_ERRNO, exec_status(base, "script", EXEC_PATH,
					  script_argv));
	EXPECT_EQ(PROG_ERRNO, exec_status("/bin", "sh", EXEC_PATH, sh_argv));
	detach(_metadata, self->x.e.cgfd, prog);
	EXPECT_EQ(HELPER_RAN, exec_status(base, "helper", EXEC_PATH,
					  helper_argv));
}

TEST_F(exec, binary_context)
{
	const BPRM_CTX *c;
	struct rec r;
	int map;

	map = record(_metadata, self->x.e.cgfd, BPRM, sizeof(BPRM_CTX), -1, 0,
		     0);
	EXPECT_EQ(HELPER_RAN, exec_status(self->x.e.base, "helper", EXEC_PATH,
					  helper_argv));
	r = read_rec(_metadata, map);
	/* One call: the kernel loads the ELF interpreter without the hook. */
	ASSERT_EQ(1, r.n);
	c = (const BPRM_CTX *)r.ctx[0];
	expect_inode(_metadata, "helper", &c->file, &self->x.hid, true);
	EXPECT_EQ(HELPER_UID, c->file.uid);
	EXPECT_EQ(HELPER_GID, c->file.gid);
	EXPECT_EQ(S_IFREG | 0755, c->file.mode);
	EXPECT_EQ(TMPFS_MAGIC, c->file.magic);
	EXPECT_EQ(CHECMATE_MNT_NOSUID | CHECMATE_MNT_NODEV, c->file.mnt_flags);
	EXPECT_EQ(0, c->interp);
	EXPECT_EQ(3, c->argc);
}

/* The script, then its interpreter, with the interpreter's arguments. */
TEST_F(exec, script_then_interpreter)
{
	const BPRM_CTX *c;
	struct rec r;
	int map;

	map = record(_metadata, self->x.e.cgfd, BPRM, sizeof(BPRM_CTX), -1, 0,
		     0);
	EXPECT_EQ(SCRIPT_RAN, exec_status(self->x.e.base, "script", EXEC_PATH,
					  script_argv));
	r = read_rec(_metadata, map);
	ASSERT_EQ(2, r.n) TH_LOG("is /bin/sh dynamically linked?");
	c = (const BPRM_CTX *)r.ctx[0];
	expect_inode(_metadata, "script", &c->file, &self->x.sid, true);
	EXPECT_EQ(0, c->interp);
	EXPECT_EQ(2, c->argc);
	c = (const BPRM_CTX *)r.ctx[1];
	expect_inode(_metadata, "/bin/sh", &c->file, &self->x.shid, true);
	EXPECT_EQ(1, c->interp);
	/* "/bin/sh", the script's path, "one" */
	EXPECT_EQ(3, c->argc);
}

/* Denying the interpreter's identity when it is one: not when named. */
TEST_F(exec, deny_interpreter_not_direct_use)
{
	struct match m[3] = { [2] = EQ(BPRM_INTERP, 1) };
	const char *base = self->x.e.base;

	match_ident(m, BPRM_FILE, &self->x.shid);
	attach(_metadata, self->x.e.cgfd,
	       load_match_all(BPRM, PROG_ERRNO, m, ARRAY_SIZE(m)));
	EXPECT_EQ(PROG_ERRNO, exec_status(base, "script", EXEC_PATH,
					  script_argv));
	EXPECT_EQ(SH_RAN, exec_status("/bin", "sh", EXEC_PATH, sh_argv));
	EXPECT_EQ(HELPER_RAN, exec_status(base, "helper", EXEC_PATH,
					  helper_argv));
}

/* The exec's open of the file runs file_open with CHECMATE_ACCESS_EXEC. */
TEST_F(exec, file_open_sees_exec_access)
{
	const FOPEN_CTX *c;
	struct rec r;
	int map, fd;

	map = record(_metadata, self->x.e.cgfd, FOPEN, sizeof(FOPEN_CTX),
		     offsetof(FOPEN_CTX, file.ino), (__u32)self->x.hid.ino, 0);
	EXPECT_EQ(HELPER_RAN, exec_status(self->x.e.base, "helper", EXEC_PATH,
					  helper_argv));
	r = read_rec(_metadata, map);
	ASSERT_EQ(1, r.n);
	c = (const FOPEN_CTX *)r.ctx[0];
	expect_inode(_metadata, "exec open", &c->file, &self->x.hid, true);
	EXPECT_EQ(CHECMATE_ACCESS_READ | CHECMATE_ACCESS_EXEC, c->access);
	EXPECT_EQ(O_RDONLY, c->flags & O_ACCMODE);

	/* A plain open of the same file has no exec access. */
	fd = open(self->x.helper, O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, fd);
	close(fd);
	r = read_rec(_metadata, map);
	ASSERT_EQ(2, r.n);
	c = (const FOPEN_CTX *)r.ctx[1];
	EXPECT_EQ(CHECMATE_ACCESS_READ, c->access);
}

TEST_F(exec, file_open_deny_exec_access)
{
	const struct match m[] = {
		{ offsetof(FOPEN_CTX, access), CHECMATE_ACCESS_EXEC,
		  CHECMATE_ACCESS_EXEC },
	};
	int fd;

	const enum exec_how how[] = {
		EXEC_PATH, EXEC_AT, EXEC_EMPTY_PATH, EXEC_PROC_FD,
	};
	size_t i;

	attach(_metadata, self->x.e.cgfd,
	       load_match_all(FOPEN, PROG_ERRNO, m, ARRAY_SIZE(m)));
	for (i = 0; i < ARRAY_SIZE(how); i++) {
		if (how[i] == EXEC_PROC_FD && access("/proc/self/fd", X_OK))
			continue;
		/* The child's own open for reading passes, the exec's not. */
		EXPECT_EQ(PROG_ERRNO, exec_status(self->x.e.base, "helper",
						  how[i], helper_argv))
			TH_LOG("exec path %d", how[i]);
	}
	EXPECT_EQ(PROG_ERRNO, exec_status(self->x.e.base, "script", EXEC_PATH,
					  script_argv));
	/* Reading the file is still allowed. */
	fd = open(self->x.helper, O_RDONLY | O_CLOEXEC);
	EXPECT_LE(0, fd) TH_LOG("open: %s", strerror(errno));
	close(fd);
}

/* Every exec system call path: the same identity, denied by it. */
FIXTURE(exec_path) {
	struct exec_env x;
};

FIXTURE_VARIANT(exec_path) {
	enum exec_how how;
	const char *name;	/* the file to exec */
	int ran;		/* its status when it runs */
	int calls;		/* bprm_check_security calls */
};

FIXTURE_VARIANT_ADD(exec_path, execve) {
	.how = EXEC_PATH, .name = "helper", .ran = HELPER_RAN, .calls = 1,
};

FIXTURE_VARIANT_ADD(exec_path, execveat_dirfd) {
	.how = EXEC_AT, .name = "helper", .ran = HELPER_RAN, .calls = 1,
};

FIXTURE_VARIANT_ADD(exec_path, execveat_empty_path) {
	.how = EXEC_EMPTY_PATH, .name = "helper", .ran = HELPER_RAN,
	.calls = 1,
};

FIXTURE_VARIANT_ADD(exec_path, proc_self_fd) {
	.how = EXEC_PROC_FD, .name = "helper", .ran = HELPER_RAN, .calls = 1,
};

FIXTURE_VARIANT_ADD(exec_path, script_execve) {
	.how = EXEC_PATH, .name = "script", .ran = SCRIPT_RAN, .calls = 2,
};

FIXTURE_VARIANT_ADD(exec_path, script_execveat_dirfd) {
	.how = EXEC_AT, .name = "script", .ran = SCRIPT_RAN, .calls = 2,
};

FIXTURE_SETUP(exec_path)
{
	exec_env_setup(_metadata, &self->x, "execpath");
}

FIXTURE_TEARDOWN(exec_path)
{
	env_teardown(_metadata, &self->x.e);
}

TEST_F(exec_path, identity_fields_and_deny)
{
	const struct ident *id = strcmp(variant->name, "helper") ?
				 &self->x.sid : &self->x.hid;
	char **argv = strcmp(variant->name, "helper") ? script_argv :
			helper_argv;
	const BPRM_CTX *c;
	struct match m[2];
	struct rec r;
	int map;

	if (variant->how == EXEC_PROC_FD && access("/proc/self/fd", X_OK))
		SKIP(return, "/proc is not mounted");
	/* The interpreter reads the script as /dev/fd/N/script. */
	if (variant->how == EXEC_AT && variant->calls > 1 &&
	    access("/dev/fd", X_OK))
		SKIP(return, "no /dev/fd");
	map = record(_metadata, self->x.e.cgfd, BPRM, sizeof(BPRM_CTX), -1, 0,
		     0);
	EXPECT_EQ(variant->ran, exec_status(self->x.e.base, variant->name,
					    variant->how, argv));
	r = read_rec(_metadata, map);
	ASSERT_EQ(variant->calls, r.n);
	c = (const BPRM_CTX *)r.ctx[0];
	expect_inode(_metadata, variant->name, &c->file, id, true);
	EXPECT_EQ(0, c->interp);
	EXPECT_EQ(argv == helper_argv ? 3 : 2, c->argc);
	if (variant->calls > 1) {
		c = (const BPRM_CTX *)r.ctx[1];
		expect_inode(_metadata, "/bin/sh", &c->file, &self->x.shid,
			     true);
		EXPECT_EQ(1, c->interp);
	}

	/* A program keyed on the identity stops this path too. */
	match_ident(m, BPRM_FILE, id);
	attach(_metadata, self->x.e.cgfd,
	       load_match_all(BPRM, PROG_ERRNO, m, ARRAY_SIZE(m)));
	EXPECT_EQ(PROG_ERRNO, exec_status(self->x.e.base, variant->name,
					  variant->how, argv));
	/* and only the object it names */
	EXPECT_EQ(SH_RAN, exec_status("/bin", "sh", EXEC_PATH, sh_argv));
}

/*
 * Mounts: directories a, b and src (with a file) on the tmpfs, which is
 * mounted nodev (mnt_flags NODEV for the objects on it).
 */
FIXTURE(mnt) {
	struct env e;
	char a[PLEN], b[PLEN], src[PLEN];
};

FIXTURE_SETUP(mnt)
{
	char f[PLEN2];

	env_setup(_metadata, &self->e, "mnt", MS_NODEV);
	at(&self->e, "a", self->a, sizeof(self->a));
	at(&self->e, "b", self->b, sizeof(self->b));
	at(&self->e, "src", self->src, sizeof(self->src));
	ASSERT_EQ(0, mkdir(self->a, 0755));
	ASSERT_EQ(0, mkdir(self->b, 0711));
	ASSERT_EQ(0, mkdir(self->src, 0700));
	snprintf(f, sizeof(f), "%s/f", self->src);
	ASSERT_EQ(0, write_file(f, "f\n", 0644));
}

FIXTURE_TEARDOWN(mnt)
{
	env_teardown(_metadata, &self->e);
}

/* Whether @path is the root of a mount other than the base tmpfs. */
static bool mounted_on(const struct env *e, const char *path)
{
	struct stat st, base;

	if (stat(path, &st) || stat(e->base, &base))
		return false;
	return st.st_dev != base.st_dev;
}

TEST_F(mnt, new_mount_allow_and_deny)
{
	int prog;

	prog = attach(_metadata, self->e.cgfd, load_ret(MOUNT, -PROG_ERRNO));
	EXPECT_EQ(-1, mount("tmpfs", self->a, "tmpfs", 0, NULL));
	EXPECT_EQ(PROG_ERRNO, errno);
	EXPECT_FALSE(mounted_on(&self->e, self->a));
	detach(_metadata, self->e.cgfd, prog);

	attach(_metadata, self->e.cgfd, load_ret(MOUNT, 0));
	EXPECT_EQ(0, mount("tmpfs", self->a, "tmpfs", 0, NULL))
		TH_LOG("mount: %s", strerror(errno));
	EXPECT_TRUE(mounted_on(&self->e, self->a));
}

TEST_F(mnt, new_mount_context)
{
	const unsigned long flags = MS_NOSUID | MS_NODEV | MS_NOEXEC;
	struct ident a = ident_of(_metadata, self->a);
	const MOUNT_CTX *c;
	struct rec r;
	int map;

	map = record(_metadata, self->e.cgfd, MOUNT, sizeof(MOUNT_CTX), -1, 0,
		     0);
	ASSERT_EQ(0, mount("tmpfs", self->a, "tmpfs", flags, "size=1m"));
	/* The historical magic in the high bits is not part of the flags. */
	ASSERT_EQ(0, mount("tmpfs", self->b, "tmpfs", MS_MGC_VAL | MS_RDONLY,
			   NULL));
	r = read_rec(_metadata, map);
	ASSERT_EQ(2, r.n);
	c = (const MOUNT_CTX *)r.ctx[0];
	expect_inode(_metadata, "mount point", &c->target, &a, true);
	EXPECT_EQ(CHECMATE_MNT_NODEV, c->target.mnt_flags);
	EXPECT_TRUE(inode_is_zero(&c->source));
	EXPECT_EQ(flags, c->flags);
	c = (const MOUNT_CTX *)r.ctx[1];
	EXPECT_EQ(MS_RDONLY, c->flags);
}

/* A bind mount's source is looked up by the hook: the object it names. */
TEST_F(mnt, bind_mount_source)
{
	struct ident src = ident_of(_metadata, self->src), b = ident_of(_metadata, self->b);
	const MOUNT_CTX *c;
	struct rec r;
	int map;

	map = record(_metadata, self->e.cgfd, MOUNT, sizeof(MOUNT_CTX), -1, 0,
		     -PROG_ERRNO);
	EXPECT_EQ(-1, mount(self->src, self->b, NULL, MS_BIND | MS_REC, NULL));
	EXPECT_EQ(PROG_ERRNO, errno);
	EXPECT_FALSE(mounted_on(&self->e, self->b));
	r = read_rec(_metadata, map);
	ASSERT_EQ(1, r.n);
	c = (const MOUNT_CTX *)r.ctx[0];
	expect_inode(_metadata, "target", &c->target, &b, true);
	expect_inode(_metadata, "source", &c->source, &src, true);
	EXPECT_EQ(S_IFDIR | 0700, c->source.mode);
	EXPECT_EQ(MS_BIND | MS_REC, c->flags);
}

/* MS_MOVE: the source is the root of the mount being moved. */
TEST_F(mnt, move_mount_source)
{
	struct ident root, b = ident_of(_metadata, self->b);
	const MOUNT_CTX *c;
	struct rec r;
	int map;

	ASSERT_EQ(0, mount("tmpfs", self->a, "tmpfs", MS_NOSUID, NULL));
	root = ident_of(_metadata, self->a);
	map = record(_metadata, self->e.cgfd, MOUNT, sizeof(MOUNT_CTX), -1, 0,
		     -PROG_ERRNO);
	EXPECT_EQ(-1, mount(self->a, self->b, NULL, MS_MOVE, NULL));
	EXPECT_EQ(PROG_ERRNO, errno);
	EXPECT_TRUE(mounted_on(&self->e, self->a));
	EXPECT_FALSE(mounted_on(&self->e, self->b));
	r = read_rec(_metadata, map);
	ASSERT_EQ(1, r.n);
	c = (const MOUNT_CTX *)r.ctx[0];
	expect_inode(_metadata, "target", &c->target, &b, true);
	expect_inode(_metadata, "source", &c->source, &root, true);
	EXPECT_EQ(CHECMATE_MNT_NOSUID, c->source.mnt_flags);
	EXPECT_EQ(TMPFS_MAGIC, c->source.magic);
	EXPECT_EQ(MS_MOVE, c->flags);
}

/* mount(MS_REMOUNT): sb_mount on the mount's root, then sb_remount. */
TEST_F(mnt, remount_sb_mount_then_sb_remount)
{
	const REMOUNT_CTX *rc;
	const MOUNT_CTX *mc;
	int mmap_, rmap, deny;
	struct ident root;
	struct rec r;

	ASSERT_EQ(0, mount("tmpfs", self->a, "tmpfs", 0, NULL));
	root = ident_of(_metadata, self->a);
	mmap_ = record(_metadata, self->e.cgfd, MOUNT, sizeof(MOUNT_CTX), -1,
		       0, 0);
	rmap = record(_metadata, self->e.cgfd, REMOUNT, sizeof(REMOUNT_CTX),
		      -1, 0, 0);
	ASSERT_EQ(0, mount(NULL, self->a, NULL, MS_REMOUNT, "size=2m"))
		TH_LOG("remount: %s", strerror(errno));
	r = read_rec(_metadata, mmap_);
	ASSERT_EQ(1, r.n);
	mc = (const MOUNT_CTX *)r.ctx[0];
	expect_inode(_metadata, "remount target", &mc->target, &root, true);
	EXPECT_TRUE(inode_is_zero(&mc->source));
	EXPECT_EQ(MS_REMOUNT, mc->flags);
	r = read_rec(_metadata, rmap);
	ASSERT_EQ(1, r.n);
	rc = (const REMOUNT_CTX *)r.ctx[0];
	expect_inode(_metadata, "sb_remount root", &rc->root, &root, false);
	EXPECT_EQ(0, rc->root.mnt_flags);

	/* Denied at sb_mount: sb_remount never runs. */
	clear_rec(mmap_);
	clear_rec(rmap);
	deny = attach(_metadata, self->e.cgfd, load_ret(MOUNT, -PROG_ERRNO2));
	EXPECT_EQ(-1, mount(NULL, self->a, NULL, MS_REMOUNT, NULL));
	EXPECT_EQ(PROG_ERRNO2, errno);
	EXPECT_EQ(1, read_rec(_metadata, mmap_).n);
	EXPECT_EQ(0, read_rec(_metadata, rmap).n);
	detach(_metadata, self->e.cgfd, deny);

	/* Denied at sb_remount, after sb_mount allowed. */
	clear_rec(mmap_);
	clear_rec(rmap);
	deny = attach(_metadata, self->e.cgfd, load_ret(REMOUNT, -PROG_ERRNO));
	EXPECT_EQ(-1, mount(NULL, self->a, NULL, MS_REMOUNT, NULL));
	EXPECT_EQ(PROG_ERRNO, errno);
	EXPECT_EQ(1, read_rec(_metadata, mmap_).n);
	EXPECT_EQ(1, read_rec(_metadata, rmap).n);

	/* A bind remount changes the mount's flags only: no sb_remount. */
	clear_rec(mmap_);
	clear_rec(rmap);
	EXPECT_EQ(0, mount(NULL, self->a, NULL, MS_REMOUNT | MS_BIND |
			   MS_NOSUID, NULL));
	EXPECT_EQ(1, read_rec(_metadata, mmap_).n);
	EXPECT_EQ(0, read_rec(_metadata, rmap).n);
	detach(_metadata, self->e.cgfd, deny);
}

/* fsopen(), fsconfig(), fsmount(), then move_mount(): the move_mount hook. */
TEST_F(mnt, fsmount_then_move_mount)
{
	struct ident a = ident_of(_metadata, self->a), from;
	const MOVE_CTX *c;
	int fsfd, mfd, map, deny, smap;
	struct rec r;

	smap = record(_metadata, self->e.cgfd, MOUNT, sizeof(MOUNT_CTX), -1, 0,
		      0);
	map = record(_metadata, self->e.cgfd, MOVE, sizeof(MOVE_CTX), -1, 0, 0);
	deny = attach(_metadata, self->e.cgfd, load_ret(MOVE, -PROG_ERRNO));
	fsfd = sys_fsopen("tmpfs", FSOPEN_CLOEXEC);
	ASSERT_LE(0, fsfd) TH_LOG("fsopen: %s", strerror(errno));
	ASSERT_EQ(0, sys_fsconfig(fsfd, FSCONFIG_SET_STRING, "size", "1m", 0));
	ASSERT_EQ(0, sys_fsconfig(fsfd, FSCONFIG_CMD_CREATE, NULL, NULL, 0));
	mfd = sys_fsmount(fsfd, FSMOUNT_CLOEXEC, MOUNT_ATTR_NOEXEC);
	ASSERT_LE(0, mfd) TH_LOG("fsmount: %s", strerror(errno));
	ASSERT_EQ(0, ident_fd(mfd, &from));

	EXPECT_EQ(-1, sys_move_mount(mfd, "", AT_FDCWD, self->a,
				     MOVE_MOUNT_F_EMPTY_PATH));
	EXPECT_EQ(PROG_ERRNO, errno);
	EXPECT_FALSE(mounted_on(&self->e, self->a));
	r = read_rec(_metadata, map);
	ASSERT_EQ(1, r.n);
	c = (const MOVE_CTX *)r.ctx[0];
	expect_inode(_metadata, "from", &c->from, &from, true);
	EXPECT_EQ(TMPFS_MAGIC, c->from.magic);
	EXPECT_EQ(CHECMATE_MNT_NOEXEC, c->from.mnt_flags);
	expect_inode(_metadata, "to", &c->to, &a, true);
	/* Nothing of this went through sb_mount. */
	TH_LOG("sb_mount calls for the new mount API: %u",
	       read_rec(_metadata, smap).n);

	detach(_metadata, self->e.cgfd, deny);
	EXPECT_EQ(0, sys_move_mount(mfd, "", AT_FDCWD, self->a,
				    MOVE_MOUNT_F_EMPTY_PATH))
		TH_LOG("move_mount: %s", strerror(errno));
	EXPECT_TRUE(mounted_on(&self->e, self->a));
	EXPECT_EQ(2, read_rec(_metadata, map).n);
	close(mfd);
	close(fsfd);
}

/* A bind through the new API: open_tree(OPEN_TREE_CLONE), move_mount(). */
TEST_F(mnt, open_tree_clone_then_move_mount)
{
	struct ident src = ident_of(_metadata, self->src), b = ident_of(_metadata, self->b);
	const MOVE_CTX *c;
	struct rec r;
	int tfd, map;

	map = record(_metadata, self->e.cgfd, MOVE, sizeof(MOVE_CTX), -1, 0,
		     -PROG_ERRNO);
	tfd = sys_open_tree(AT_FDCWD, self->src, OPEN_TREE_CLONE |
			    OPEN_TREE_CLOEXEC);
	ASSERT_LE(0, tfd) TH_LOG("open_tree: %s", strerror(errno));
	EXPECT_EQ(-1, sys_move_mount(tfd, "", AT_FDCWD, self->b,
				     MOVE_MOUNT_F_EMPTY_PATH));
	EXPECT_EQ(PROG_ERRNO, errno);
	EXPECT_FALSE(mounted_on(&self->e, self->b));
	r = read_rec(_metadata, map);
	ASSERT_EQ(1, r.n);
	c = (const MOVE_CTX *)r.ctx[0];
	expect_inode(_metadata, "from", &c->from, &src, true);
	expect_inode(_metadata, "to", &c->to, &b, true);
	close(tfd);
}

/* fspick() and FSCONFIG_CMD_RECONFIGURE: sb_remount, not sb_mount. */
TEST_F(mnt, fspick_reconfigure)
{
	const REMOUNT_CTX *c;
	struct ident root;
	struct rec r;
	int fd, map;

	ASSERT_EQ(0, mount("tmpfs", self->a, "tmpfs", 0, NULL));
	root = ident_of(_metadata, self->a);
	map = record(_metadata, self->e.cgfd, REMOUNT, sizeof(REMOUNT_CTX), -1,
		     0, -PROG_ERRNO);
	fd = sys_fspick(AT_FDCWD, self->a, FSPICK_CLOEXEC);
	ASSERT_LE(0, fd) TH_LOG("fspick: %s", strerror(errno));
	EXPECT_EQ(0, sys_fsconfig(fd, FSCONFIG_SET_STRING, "size", "3m", 0));
	EXPECT_EQ(-1, sys_fsconfig(fd, FSCONFIG_CMD_RECONFIGURE, NULL, NULL,
				   0));
	EXPECT_EQ(PROG_ERRNO, errno);
	r = read_rec(_metadata, map);
	ASSERT_EQ(1, r.n);
	c = (const REMOUNT_CTX *)r.ctx[0];
	expect_inode(_metadata, "root", &c->root, &root, false);
	EXPECT_EQ(0, c->root.mnt_flags);
	close(fd);
}

TEST_F(mnt, umount_and_lazy_umount)
{
	const UMOUNT_CTX *c;
	struct ident root;
	struct rec r;
	int map;

	ASSERT_EQ(0, mount("tmpfs", self->a, "tmpfs", MS_NOEXEC, NULL));
	root = ident_of(_metadata, self->a);
	map = record(_metadata, self->e.cgfd, UMOUNT, sizeof(UMOUNT_CTX), -1,
		     0, -PROG_ERRNO);
	EXPECT_EQ(-1, umount(self->a));
	EXPECT_EQ(PROG_ERRNO, errno);
	EXPECT_EQ(-1, umount2(self->a, MNT_DETACH));
	EXPECT_EQ(PROG_ERRNO, errno);
	EXPECT_TRUE(mounted_on(&self->e, self->a));
	r = read_rec(_metadata, map);
	ASSERT_EQ(2, r.n);
	c = (const UMOUNT_CTX *)r.ctx[0];
	expect_inode(_metadata, "umount", &c->mount, &root, true);
	/* A mount's flags are its own: none from the mount it is on. */
	EXPECT_EQ(CHECMATE_MNT_NOEXEC, c->mount.mnt_flags);
	EXPECT_EQ(0, c->flags);
	c = (const UMOUNT_CTX *)r.ctx[1];
	expect_inode(_metadata, "umount2", &c->mount, &root, true);
	EXPECT_EQ(MNT_DETACH, c->flags);
}

TEST_F(mnt, umount_allowed)
{
	const struct match m[] = { EQ(offsetof(UMOUNT_CTX, flags), MNT_DETACH) };

	/* Only lazy unmounts are denied. */
	ASSERT_EQ(0, mount("tmpfs", self->a, "tmpfs", 0, NULL));
	ASSERT_EQ(0, mount("tmpfs", self->b, "tmpfs", 0, NULL));
	attach(_metadata, self->e.cgfd,
	       load_match_all(UMOUNT, PROG_ERRNO, m, ARRAY_SIZE(m)));
	EXPECT_EQ(-1, umount2(self->b, MNT_DETACH));
	EXPECT_EQ(PROG_ERRNO, errno);
	EXPECT_EQ(0, umount(self->a)) TH_LOG("umount: %s", strerror(errno));
	EXPECT_FALSE(mounted_on(&self->e, self->a));
	EXPECT_TRUE(mounted_on(&self->e, self->b));
}

/* What the pivot_root child saw, shared with the test. */
struct pivot_seen {
	struct ident new_root, put_old;
	int step;
};

TEST_F(mnt, pivot_root)
{
	struct pivot_seen *seen;
	char new_root[PLEN], put_old[PLEN2];
	const PIVOT_CTX *c;
	struct rec r;
	int map, status;
	pid_t pid;

	seen = mmap(NULL, sizeof(*seen), PROT_READ | PROT_WRITE,
		    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, seen);
	at(&self->e, "newroot", new_root, sizeof(new_root));
	snprintf(put_old, sizeof(put_old), "%s/old", new_root);
	ASSERT_EQ(0, mkdir(new_root, 0755));
	map = record(_metadata, self->e.cgfd, PIVOT, sizeof(PIVOT_CTX), -1, 0,
		     -PROG_ERRNO);

	pid = fork();
	if (pid == 0) {
		seen->step = 1;
		if (unshare(CLONE_NEWNS))
			_exit(ST_SETUP);
		seen->step = 2;
		if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL))
			_exit(ST_SETUP);
		seen->step = 3;
		if (mount("tmpfs", new_root, "tmpfs", MS_NOSUID, NULL))
			_exit(ST_SETUP);
		seen->step = 4;
		if (mkdir(put_old, 0700) ||
		    ident_path(new_root, &seen->new_root) ||
		    ident_path(put_old, &seen->put_old))
			_exit(ST_SETUP);
		seen->step = 5;
		if (!sys_pivot_root(new_root, put_old))
			_exit(0);
		_exit(errno < HELPER_RAN ? errno : ST_NOERR);
	}
	status = wait_status(pid);
	ASSERT_EQ(PROG_ERRNO, status) TH_LOG("step %d", seen->step);
	r = read_rec(_metadata, map);
	ASSERT_EQ(1, r.n);
	c = (const PIVOT_CTX *)r.ctx[0];
	expect_inode(_metadata, "new_root", &c->new_root, &seen->new_root,
		     true);
	EXPECT_EQ(CHECMATE_MNT_NOSUID, c->new_root.mnt_flags);
	expect_inode(_metadata, "put_old", &c->put_old, &seen->put_old, true);
	EXPECT_EQ(S_IFDIR | 0700, c->put_old.mode);
	munmap(seen, sizeof(*seen));
}

/*
 * Strings: progs/checmate_str.bpf.c, loaded with libbpf. struct str_cfg
 * and struct str_out are its struct cfg and struct out.
 */
#define STR_MAX		256
#define SMALL		8

struct str_cfg {
	__u32 armed;
	__u32 ino;
	__u32 bad_which;
	__u32 small_which;
	char deny_path[STR_MAX];
};

struct str_out {
	__u32 calls;
	__s32 ret[__CHECMATE_STR_MAX];
	__s32 bad_ret;
	__s32 small_ret;
	struct checmate_inode ident;
	char small[SMALL];
	char str[__CHECMATE_STR_MAX][STR_MAX];
};

FIXTURE(str) {
	struct env e;
	struct bpf_object *obj;
	struct bpf_link *links[4];
	int nlinks;
	int cfg, out;
	char dir[PLEN], file[PLEN2];
	struct ident fid;
};

FIXTURE_SETUP(str)
{
	/* The object first: nothing to clean up if it does not load. */
	self->obj = bpf_object__open_file("checmate_str.bpf.o", NULL);
	ASSERT_NE(NULL, self->obj) TH_LOG("open checmate_str.bpf.o: %s",
					  strerror(errno));
	ASSERT_EQ(0, bpf_object__load(self->obj));
	self->cfg = bpf_object__find_map_fd_by_name(self->obj, "cfg");
	self->out = bpf_object__find_map_fd_by_name(self->obj, "out");
	ASSERT_LE(0, self->cfg);
	ASSERT_LE(0, self->out);
	env_setup(_metadata, &self->e, "str", 0);
	at(&self->e, "dir", self->dir, sizeof(self->dir));
	snprintf(self->file, sizeof(self->file), "%s/file", self->dir);
	ASSERT_EQ(0, mkdir(self->dir, 0755));
	ASSERT_EQ(0, write_file(self->file, "x\n", 0644));
	ASSERT_EQ(0, ident_path(self->file, &self->fid));
}

FIXTURE_TEARDOWN(str)
{
	int i;

	for (i = 0; i < self->nlinks && i < (int)ARRAY_SIZE(self->links); i++)
		bpf_link__destroy(self->links[i]);
	bpf_object__close(self->obj);
	env_teardown(_metadata, &self->e);
}

static struct bpf_program *str_prog(struct __test_metadata *const _metadata,
				    struct bpf_object *obj, const char *name)
{
	struct bpf_program *prog = bpf_object__find_program_by_name(obj, name);

	ASSERT_NE(NULL, prog) TH_LOG("no program %s", name);
	return prog;
}

/* Attaches program @name of @obj to cgroup @cgfd: its link. */
static struct bpf_link *str_link(struct __test_metadata *const _metadata,
				 struct bpf_object *obj, int cgfd,
				 const char *name)
{
	struct bpf_program *prog = str_prog(_metadata, obj, name);
	struct bpf_link *link = bpf_program__attach_cgroup(prog, cgfd);

	ASSERT_NE(NULL, link) TH_LOG("attach %s: %s", name, strerror(errno));
	return link;
}

/* Attaches program @name to the test's cgroup until the teardown. */
#define str_attach(name)						\
	(self->links[self->nlinks++ % ARRAY_SIZE(self->links)] =	\
	 str_link(_metadata, self->obj, self->e.cgfd, name))

/*
 * Records calls about inode @ino (0: any) from now on, with @bad_which
 * and @small_which tried, denying PATH @deny (if not NULL). The output
 * buffers are filled with 'x', so that a string left unwritten shows.
 */
static void str_arm(struct __test_metadata *const _metadata, int cfg, int out,
		    __u32 ino, __u32 bad_which, __u32 small_which,
		    const char *deny)
{
	struct str_cfg c;
	struct str_out o;

	memset(&o, 'x', sizeof(o));
	o.calls = 0;
	ASSERT_EQ(0, map_update(out, 0, &o));
	memset(&c, 0, sizeof(c));
	c.armed = 1;
	c.ino = ino;
	c.bad_which = bad_which;
	c.small_which = small_which;
	if (deny)
		snprintf(c.deny_path, sizeof(c.deny_path), "%s", deny);
	ASSERT_EQ(0, map_update(cfg, 0, &c));
}

static struct str_out str_read(struct __test_metadata *const _metadata,
			       int out)
{
	struct str_out o;

	memset(&o, 0, sizeof(o));
	EXPECT_EQ(0, map_lookup(out, 0, &o));
	return o;
}

static bool all_zero(const char *buf, size_t size)
{
	size_t i;

	for (i = 0; i < size; i++)
		if (buf[i])
			return false;
	return true;
}

/* String @which of @o is @s, with its length and NUL as the return value. */
static void expect_str(struct __test_metadata *const _metadata,
		       const struct str_out *o, int which, const char *s)
{
	EXPECT_EQ((int)strlen(s) + 1, o->ret[which]) TH_LOG("string %d", which);
	EXPECT_STREQ(s, o->str[which]);
}

/* No string @which in this hook call: -ENOENT and a zeroed buffer. */
static void expect_no_str(struct __test_metadata *const _metadata,
			  const struct str_out *o, int which)
{
	EXPECT_EQ(-ENOENT, o->ret[which]) TH_LOG("string %d", which);
	EXPECT_TRUE(all_zero(o->str[which], STR_MAX))
		TH_LOG("string %d", which);
}

#define EXPECT_STR(o, which, s) expect_str(_metadata, &(o), which, s)
#define EXPECT_NO_STR(o, which) expect_no_str(_metadata, &(o), which)

static int open_close(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	close(fd);
	return 0;
}

TEST_F(str, file_open_path)
{
	char link[PLEN];
	struct str_out o;

	str_attach("str_file_open");

	/* By its absolute path */
	str_arm(_metadata, self->cfg, self->out, self->fid.ino, 0, 0, NULL);
	ASSERT_EQ(0, open_close(self->file));
	o = str_read(_metadata, self->out);
	ASSERT_EQ(1, o.calls);
	EXPECT_STR(o, CHECMATE_STR_PATH, self->file);
	expect_inode(_metadata, "file", &o.ident, &self->fid, true);
	EXPECT_NO_STR(o, CHECMATE_STR_TARGET);
	EXPECT_NO_STR(o, CHECMATE_STR_SOURCE);
	EXPECT_NO_STR(o, CHECMATE_STR_FSTYPE);

	/* By a relative path: still the absolute one */
	str_arm(_metadata, self->cfg, self->out, self->fid.ino, 0, 0, NULL);
	ASSERT_EQ(0, chdir(self->dir));
	ASSERT_EQ(0, open_close("file"));
	ASSERT_EQ(0, open_close("../dir/./file"));
	o = str_read(_metadata, self->out);
	EXPECT_EQ(2, o.calls);
	EXPECT_STR(o, CHECMATE_STR_PATH, self->file);
	ASSERT_EQ(0, chdir("/"));

	/* Through a symbolic link: the resolved path */
	at(&self->e, "link", link, sizeof(link));
	ASSERT_EQ(0, symlink("dir/file", link));
	str_arm(_metadata, self->cfg, self->out, self->fid.ino, 0, 0, NULL);
	ASSERT_EQ(0, open_close(link));
	o = str_read(_metadata, self->out);
	EXPECT_EQ(1, o.calls);
	EXPECT_STR(o, CHECMATE_STR_PATH, self->file);
}

/* A program denying one path: that path, whatever name it is opened by. */
TEST_F(str, deny_by_path)
{
	char other[PLEN];

	str_attach("str_file_open");
	at(&self->e, "other", other, sizeof(other));
	ASSERT_EQ(0, write_file(other, "o\n", 0644));
	str_arm(_metadata, self->cfg, self->out, 0, 0, 0, self->file);
	EXPECT_EQ(-PROG_ERRNO, open_close(self->file));
	ASSERT_EQ(0, chdir(self->dir));
	EXPECT_EQ(-PROG_ERRNO, open_close("file"));
	ASSERT_EQ(0, chdir("/"));
	EXPECT_EQ(0, open_close(other));
}

TEST_F(str, path_rename)
{
	char from[PLEN2], to[PLEN];
	struct str_out o;

	str_attach("str_path_rename");
	snprintf(from, sizeof(from), "%s/from", self->dir);
	at(&self->e, "to", to, sizeof(to));
	ASSERT_EQ(0, write_file(from, "r\n", 0644));
	str_arm(_metadata, self->cfg, self->out, ident_of(_metadata, from).ino, 0, 0, NULL);
	ASSERT_EQ(0, rename(from, to));
	o = str_read(_metadata, self->out);
	ASSERT_EQ(1, o.calls);
	EXPECT_STR(o, CHECMATE_STR_PATH, from);
	EXPECT_STR(o, CHECMATE_STR_TARGET, to);
	EXPECT_NO_STR(o, CHECMATE_STR_SOURCE);
	EXPECT_NO_STR(o, CHECMATE_STR_FSTYPE);
}

TEST_F(str, path_symlink_target_is_content)
{
	const char *content = "../nowhere/at all";
	char link[PLEN2];
	struct str_out o;

	str_attach("str_path_symlink");
	snprintf(link, sizeof(link), "%s/link", self->dir);
	str_arm(_metadata, self->cfg, self->out, ident_of(_metadata, self->dir).ino, 0, 0,
		NULL);
	ASSERT_EQ(0, symlink(content, link));
	o = str_read(_metadata, self->out);
	ASSERT_EQ(1, o.calls);
	EXPECT_STR(o, CHECMATE_STR_PATH, link);
	EXPECT_STR(o, CHECMATE_STR_TARGET, content);
	EXPECT_NO_STR(o, CHECMATE_STR_SOURCE);
}

TEST_F(str, sb_mount_source_and_fstype)
{
	char mnt[PLEN], bind[PLEN];
	struct str_out o;

	str_attach("str_sb_mount");
	at(&self->e, "mnt", mnt, sizeof(mnt));
	at(&self->e, "bind", bind, sizeof(bind));
	ASSERT_EQ(0, mkdir(mnt, 0755));
	ASSERT_EQ(0, mkdir(bind, 0755));
	str_arm(_metadata, self->cfg, self->out, ident_of(_metadata, mnt).ino, 0, 0, NULL);
	ASSERT_EQ(0, mount("my source", mnt, "tmpfs", 0, NULL));
	o = str_read(_metadata, self->out);
	ASSERT_EQ(1, o.calls);
	EXPECT_STR(o, CHECMATE_STR_PATH, mnt);
	EXPECT_STR(o, CHECMATE_STR_SOURCE, "my source");
	EXPECT_STR(o, CHECMATE_STR_FSTYPE, "tmpfs");
	EXPECT_NO_STR(o, CHECMATE_STR_TARGET);

	/* A bind mount without a type: the source as given, no FSTYPE */
	str_arm(_metadata, self->cfg, self->out, ident_of(_metadata, bind).ino, 0, 0, NULL);
	ASSERT_EQ(0, chdir(self->e.base));
	ASSERT_EQ(0, mount("dir", bind, NULL, MS_BIND, NULL));
	ASSERT_EQ(0, chdir("/"));
	o = str_read(_metadata, self->out);
	ASSERT_EQ(1, o.calls);
	EXPECT_STR(o, CHECMATE_STR_PATH, bind);
	EXPECT_STR(o, CHECMATE_STR_SOURCE, "dir");
	EXPECT_NO_STR(o, CHECMATE_STR_FSTYPE);
}

TEST_F(str, too_small_buffer)
{
	struct str_out o;
	char mnt[PLEN];

	str_attach("str_file_open");
	str_attach("str_sb_mount");
	/* A path longer than SMALL */
	str_arm(_metadata, self->cfg, self->out, self->fid.ino, 0,
		CHECMATE_STR_PATH, NULL);
	ASSERT_EQ(0, open_close(self->file));
	o = str_read(_metadata, self->out);
	ASSERT_EQ(1, o.calls);
	EXPECT_EQ(-ENAMETOOLONG, o.small_ret);
	EXPECT_TRUE(all_zero(o.small, SMALL));

	at(&self->e, "mnt", mnt, sizeof(mnt));
	ASSERT_EQ(0, mkdir(mnt, 0755));
	/* A string of exactly SMALL bytes with its NUL does not fit... */
	str_arm(_metadata, self->cfg, self->out, ident_of(_metadata, mnt).ino, 0,
		CHECMATE_STR_SOURCE, NULL);
	ASSERT_EQ(0, mount("12345678", mnt, "tmpfs", 0, NULL));
	o = str_read(_metadata, self->out);
	ASSERT_EQ(1, o.calls);
	EXPECT_EQ(-ENAMETOOLONG, o.small_ret);
	EXPECT_TRUE(all_zero(o.small, SMALL));
	EXPECT_STR(o, CHECMATE_STR_SOURCE, "12345678");
	ASSERT_EQ(0, umount(mnt));

	/* ...one of SMALL - 1 does. */
	str_arm(_metadata, self->cfg, self->out, ident_of(_metadata, mnt).ino, 0,
		CHECMATE_STR_SOURCE, NULL);
	ASSERT_EQ(0, mount("1234567", mnt, "tmpfs", 0, NULL));
	o = str_read(_metadata, self->out);
	ASSERT_EQ(1, o.calls);
	EXPECT_EQ(SMALL, o.small_ret);
	EXPECT_STREQ("1234567", o.small);
}

TEST_F(str, unknown_which_is_einval)
{
	const __u32 bad[] = { CHECMATE_STR_UNSPEC, __CHECMATE_STR_MAX, 100,
			      0xffffffff };
	struct str_out o;
	size_t i;

	str_attach("str_file_open");
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		str_arm(_metadata, self->cfg, self->out, self->fid.ino, bad[i],
			bad[i], NULL);
		ASSERT_EQ(0, open_close(self->file));
		o = str_read(_metadata, self->out);
		ASSERT_EQ(1, o.calls);
		EXPECT_EQ(-EINVAL, o.bad_ret) TH_LOG("which %u", bad[i]);
		EXPECT_TRUE(all_zero(o.str[0], STR_MAX));
		EXPECT_EQ(-EINVAL, o.small_ret);
		EXPECT_TRUE(all_zero(o.small, SMALL));
	}
}

/* sb_remount has a file system type and no path. */
TEST_F(str, sb_remount_fstype_only)
{
	char mnt[PLEN];
	struct str_out o;

	str_attach("str_sb_remount");
	at(&self->e, "mnt", mnt, sizeof(mnt));
	ASSERT_EQ(0, mkdir(mnt, 0755));
	ASSERT_EQ(0, mount("tmpfs", mnt, "tmpfs", 0, NULL));
	str_arm(_metadata, self->cfg, self->out, ident_of(_metadata, mnt).ino, 0, 0, NULL);
	ASSERT_EQ(0, mount(NULL, mnt, NULL, MS_REMOUNT, NULL));
	o = str_read(_metadata, self->out);
	EXPECT_LE(1, o.calls);
	EXPECT_STR(o, CHECMATE_STR_FSTYPE, "tmpfs");
	EXPECT_NO_STR(o, CHECMATE_STR_PATH);
	EXPECT_NO_STR(o, CHECMATE_STR_SOURCE);
}

/* BPF_PROG_TEST_RUN has no hook call: -EOPNOTSUPP, zeroed buffers. */
TEST_F(str, test_run_eopnotsupp)
{
	FOPEN_CTX ctx;
	union bpf_attr attr;
	struct str_out o;
	int i;

	memset(&ctx, 0, sizeof(ctx));
	str_arm(_metadata, self->cfg, self->out, 0, CHECMATE_STR_PATH,
		CHECMATE_STR_PATH, NULL);
	memset(&attr, 0, sizeof(attr));
	attr.test.prog_fd = bpf_program__fd(str_prog(_metadata, self->obj,
						     "str_file_open"));
	attr.test.ctx_in = (__u64)(unsigned long)&ctx;
	attr.test.ctx_size_in = sizeof(ctx);
	ASSERT_EQ(0, sys_bpf(BPF_PROG_TEST_RUN, &attr))
		TH_LOG("BPF_PROG_TEST_RUN: %s", strerror(errno));
	EXPECT_EQ(0, attr.test.retval);
	o = str_read(_metadata, self->out);
	ASSERT_EQ(1, o.calls);
	for (i = CHECMATE_STR_PATH; i < __CHECMATE_STR_MAX; i++) {
		EXPECT_EQ(-EOPNOTSUPP, o.ret[i]) TH_LOG("string %d", i);
		EXPECT_TRUE(all_zero(o.str[i], STR_MAX));
	}
	EXPECT_EQ(-EOPNOTSUPP, o.bad_ret);
	EXPECT_EQ(-EOPNOTSUPP, o.small_ret);
	EXPECT_TRUE(all_zero(o.small, SMALL));
}

/* After chroot(), paths are the task's own; the identity does not move. */
TEST_F(str, chroot_changes_path_not_identity)
{
	struct str_out o;
	int status;
	pid_t pid;

	str_attach("str_file_open");
	str_arm(_metadata, self->cfg, self->out, self->fid.ino, 0, 0, NULL);
	pid = fork();
	if (pid == 0) {
		if (chroot(self->e.base) || chdir("/"))
			_exit(ST_SETUP);
		_exit(-open_close("/dir/file"));
	}
	status = wait_status(pid);
	ASSERT_EQ(0, status);
	o = str_read(_metadata, self->out);
	ASSERT_EQ(1, o.calls);
	EXPECT_STR(o, CHECMATE_STR_PATH, "/dir/file");
	expect_inode(_metadata, "in the chroot", &o.ident, &self->fid, true);
}

/* A bind mount shows the same object under another path. */
TEST_F(str, bind_mount_same_identity)
{
	char bind[PLEN], file[PLEN2];
	struct str_out o;

	at(&self->e, "bind", bind, sizeof(bind));
	snprintf(file, sizeof(file), "%s/file", bind);
	ASSERT_EQ(0, mkdir(bind, 0755));
	ASSERT_EQ(0, mount(self->dir, bind, NULL, MS_BIND, NULL));
	ASSERT_EQ(0, mount(NULL, bind, NULL, MS_REMOUNT | MS_BIND | MS_RDONLY,
			   NULL));
	str_attach("str_file_open");
	str_arm(_metadata, self->cfg, self->out, self->fid.ino, 0, 0, NULL);
	ASSERT_EQ(0, open_close(file));
	o = str_read(_metadata, self->out);
	ASSERT_EQ(1, o.calls);
	EXPECT_STR(o, CHECMATE_STR_PATH, file);
	expect_inode(_metadata, "through the bind mount", &o.ident, &self->fid,
		     false);
	/* The mount it is reached through: read-only. */
	EXPECT_EQ(CHECMATE_MNT_RDONLY, o.ident.mnt_flags);
}

/*
 * A rename changes the path, not the identity: a policy on dev and ino
 * still holds, one on the path no longer matches.
 */
TEST_F(str, rename_keeps_identity)
{
	char renamed[PLEN];
	struct match m[2];
	struct str_out o;
	int prog;

	at(&self->e, "renamed", renamed, sizeof(renamed));
	str_attach("str_file_open");
	str_arm(_metadata, self->cfg, self->out, self->fid.ino, 0, 0,
		self->file);
	EXPECT_EQ(-PROG_ERRNO, open_close(self->file));
	ASSERT_EQ(0, rename(self->file, renamed));
	EXPECT_EQ(0, open_close(renamed));
	o = str_read(_metadata, self->out);
	ASSERT_EQ(2, o.calls);
	EXPECT_STR(o, CHECMATE_STR_PATH, renamed);
	expect_inode(_metadata, "renamed", &o.ident, &self->fid, true);

	match_ident(m, offsetof(FOPEN_CTX, file), &self->fid);
	prog = attach(_metadata, self->e.cgfd,
		      load_match_all(FOPEN, PROG_ERRNO2, m, ARRAY_SIZE(m)));
	EXPECT_EQ(-PROG_ERRNO2, open_close(renamed));
	ASSERT_EQ(0, rename(renamed, self->file));
	/* Both deny now: the first program attached decides the errno. */
	EXPECT_EQ(-PROG_ERRNO, open_close(self->file));
	detach(_metadata, self->e.cgfd, prog);
}

/*
 * Scoping: cgroups P, P/A and P/B; the test runs in A. Programs of A do
 * not govern B; P's govern both, and a deny there beats A's allow.
 */
FIXTURE(scope) {
	char p[64], a[80], b[80];
	int pfd, afd, bfd;
	struct env e;
	char helper[PLEN], mnt[PLEN];
};

FIXTURE_SETUP(scope)
{
	/* The env's own cgroup is P. */
	env_setup(_metadata, &self->e, "scope", 0);
	snprintf(self->p, sizeof(self->p), "%s", self->e.cg);
	snprintf(self->a, sizeof(self->a), "%s/a", self->p);
	snprintf(self->b, sizeof(self->b), "%s/b", self->p);
	self->pfd = self->e.cgfd;
	self->afd = cg_create(_metadata, self->a);
	self->bfd = cg_create(_metadata, self->b);
	cg_enter(_metadata, self->a);
	at(&self->e, "helper", self->helper, sizeof(self->helper));
	at(&self->e, "mnt", self->mnt, sizeof(self->mnt));
	ASSERT_EQ(0, copy_file(self_exe, self->helper, 0755));
	ASSERT_EQ(0, mkdir(self->mnt, 0755));
}

FIXTURE_TEARDOWN(scope)
{
	cg_enter(_metadata, "");
	close(self->afd);
	close(self->bfd);
	cg_remove(self->a);
	cg_remove(self->b);
	env_teardown(_metadata, &self->e);
}

/* exec_status() from cgroup @cg. */
static int exec_in(const char *cg, const char *dir)
{
	pid_t pid = fork();

	if (pid == 0) {
		cg_enter_path(cg);
		_exit(exec_status(dir, "helper", EXEC_PATH, helper_argv));
	}
	return wait_status(pid);
}

/* mount() of a tmpfs from the calling process in cgroup @cg: 0 or errno. */
static int mount_in(struct __test_metadata *const _metadata, const char *cg,
		    const char *mnt)
{
	int err = 0;

	cg_enter(_metadata, cg);
	if (mount("tmpfs", mnt, "tmpfs", 0, NULL))
		err = errno;
	else
		umount2(mnt, MNT_DETACH);
	return err;
}

TEST_F(scope, bprm_sibling_not_governed)
{
	attach(_metadata, self->afd, load_ret(BPRM, -PROG_ERRNO));
	EXPECT_EQ(PROG_ERRNO, exec_in(self->a, self->e.base));
	EXPECT_EQ(HELPER_RAN, exec_in(self->b, self->e.base));
	EXPECT_EQ(HELPER_RAN, exec_in(self->p, self->e.base));
}

TEST_F(scope, bprm_ancestor_deny_wins)
{
	attach(_metadata, self->afd, load_ret(BPRM, 0));
	EXPECT_EQ(HELPER_RAN, exec_in(self->a, self->e.base));
	attach(_metadata, self->pfd, load_ret(BPRM, -PROG_ERRNO));
	EXPECT_EQ(PROG_ERRNO, exec_in(self->a, self->e.base));
	EXPECT_EQ(PROG_ERRNO, exec_in(self->b, self->e.base));
}

TEST_F(scope, sb_mount_sibling_not_governed)
{
	attach(_metadata, self->afd, load_ret(MOUNT, -PROG_ERRNO));
	EXPECT_EQ(PROG_ERRNO, mount_in(_metadata, self->a, self->mnt));
	EXPECT_EQ(0, mount_in(_metadata, self->b, self->mnt));
	EXPECT_EQ(0, mount_in(_metadata, self->p, self->mnt));
	EXPECT_EQ(PROG_ERRNO, mount_in(_metadata, self->a, self->mnt));
}

TEST_F(scope, sb_mount_ancestor_deny_wins)
{
	attach(_metadata, self->afd, load_ret(MOUNT, 0));
	EXPECT_EQ(0, mount_in(_metadata, self->a, self->mnt));
	attach(_metadata, self->pfd, load_ret(MOUNT, -PROG_ERRNO));
	EXPECT_EQ(PROG_ERRNO, mount_in(_metadata, self->a, self->mnt));
	EXPECT_EQ(PROG_ERRNO, mount_in(_metadata, self->b, self->mnt));
}

TEST_HARNESS_MAIN
