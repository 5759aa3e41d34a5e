// SPDX-License-Identifier: GPL-2.0
/*
 * Checmate LSM - tests of the mmap_file hook
 *
 * Code gets into memory without exec: mmap(2) with PROT_EXEC, mprotect(2)
 * adding it, shmat(2), and the kernel mapping an executable at exec. Each
 * test maps a file of a fresh tmpfs (or anonymous memory) in a test
 * cgroup and checks the verdict, the program's errno and every field.
 */

#include "common.h"

#include <signal.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/wait.h>

/* An errno mmap(2) never returns by itself: it can only be the program's. */
#define PROG_ERRNO	ENOTUNIQ

#define AND_IMM(d, i)	INSN(BPF_ALU64 | BPF_AND | BPF_K, d, 0, 0, i)

#define OFF(f)		offsetof(struct checmate_mmap_file_ctx, f)
#define HOOK		CHECMATE_HOOK_MMAP_FILE

/* Denies when (field at @off & @mask) == @val. */
static int load_masked(__u32 off, __u32 mask, __u32 val)
{
	return load_prog(HOOK,
		LDX_W(BPF_REG_2, BPF_REG_1, off),
		AND_IMM(BPF_REG_2, mask),
		MOV64_IMM(BPF_REG_0, 0),
		JNE_IMM(BPF_REG_2, val, 1),
		MOV64_IMM(BPF_REG_0, -PROG_ERRNO),
		EXIT());
}

/* Denies PROT_EXEC mappings of the inode @ino only. */
static int load_exec_of(__u32 ino)
{
	return load_prog(HOOK,
		MOV64_IMM(BPF_REG_0, 0),
		LDX_W(BPF_REG_2, BPF_REG_1, OFF(file.ino)),
		JNE_IMM(BPF_REG_2, ino, 4),
		LDX_W(BPF_REG_2, BPF_REG_1, OFF(prot)),
		AND_IMM(BPF_REG_2, PROT_EXEC),
		JNE_IMM(BPF_REG_2, PROT_EXEC, 1),
		MOV64_IMM(BPF_REG_0, -PROG_ERRNO),
		EXIT());
}

/* The test cgroup and the programs attached to it. */
struct attached {
	int cgfd;
	int progs[4];
	int n;
};

FIXTURE(mmap) {
	char dir[64];
	char file[96];
	char cg[32];
	int cgfd;
	struct attached a;
	struct stat st;
};

FIXTURE_SETUP(mmap)
{
	int fd;

	snprintf(self->dir, sizeof(self->dir), "/tmp/cm-mmap-%d", getpid());
	ASSERT_EQ(0, mkdir(self->dir, 0755));
	ASSERT_EQ(0, mount("tmpfs", self->dir, "tmpfs", 0, "size=16m"));
	snprintf(self->file, sizeof(self->file), "%s/f", self->dir);
	fd = open(self->file, O_RDWR | O_CREAT, 0755);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, ftruncate(fd, 4096));
	ASSERT_EQ(0, fstat(fd, &self->st));
	close(fd);
	snprintf(self->cg, sizeof(self->cg), "cm-mmap-%d", getpid());
	self->cgfd = cg_create(_metadata, self->cg);
	self->a.cgfd = self->cgfd;
	self->a.n = 0;
	cg_enter(_metadata, self->cg);
}

FIXTURE_TEARDOWN(mmap)
{
	int i;

	cg_enter(_metadata, "");
	for (i = 0; i < self->a.n; i++) {
		prog_detach(self->cgfd, self->a.progs[i]);
		close(self->a.progs[i]);
	}
	close(self->cgfd);
	cg_remove(self->cg);
	umount2(self->dir, MNT_DETACH);
	rmdir(self->dir);
}

/* Attaches @prog to the test cgroup, detached again at teardown. */
static void attach(struct __test_metadata *const _metadata,
		   struct attached *a, int prog)
{
	ASSERT_LE(0, prog);
	ASSERT_EQ(0, prog_attach(a->cgfd, prog, BPF_F_ALLOW_MULTI));
	a->progs[a->n++] = prog;
}

/* mmap()s the test file: 0, or the errno. */
static int map_file(const char *path, int prot, int flags)
{
	int fd = open(path, prot & PROT_WRITE ? O_RDWR : O_RDONLY), err = 0;
	void *p;

	if (fd < 0)
		return -1;
	p = mmap(NULL, 4096, prot, flags, fd, 0);
	if (p == MAP_FAILED)
		err = errno;
	else
		munmap(p, 4096);
	close(fd);
	return err;
}

TEST_F(mmap, allow)
{
	attach(_metadata, &self->a, load_ret(HOOK, 0));
	EXPECT_EQ(0, map_file(self->file, PROT_READ | PROT_EXEC, MAP_PRIVATE));
}

TEST_F(mmap, deny_exec_only)
{
	attach(_metadata, &self->a, load_masked(OFF(prot), PROT_EXEC, PROT_EXEC));
	EXPECT_EQ(PROG_ERRNO, map_file(self->file, PROT_READ | PROT_EXEC,
				       MAP_PRIVATE));
	EXPECT_EQ(PROG_ERRNO, map_file(self->file, PROT_EXEC, MAP_SHARED));
	EXPECT_EQ(0, map_file(self->file, PROT_READ, MAP_PRIVATE));
	EXPECT_EQ(0, map_file(self->file, PROT_READ | PROT_WRITE, MAP_SHARED));
}

/* Each field of the file and of the call, matched and not matched. */
TEST_F(mmap, fields)
{
	struct statfs sfs;
	const struct {
		__u32 off;
		__u32 val;
	} f[] = {
		{ OFF(file.ino), self->st.st_ino },
		{ OFF(file.ino_hi), self->st.st_ino >> 32 },
		{ OFF(file.dev), self->st.st_dev },
		{ OFF(file.mode), self->st.st_mode },
		{ OFF(file.uid), 0 },
		{ OFF(file.gid), 0 },
		{ OFF(prot), PROT_READ | PROT_EXEC },
		{ OFF(flags), MAP_PRIVATE },
		{ OFF(mprotect), 0 },
	};
	size_t i;
	int prog;

	ASSERT_EQ(0, statfs(self->dir, &sfs));
	for (i = 0; i < ARRAY_SIZE(f); i++) {
		prog = load_match(HOOK, f[i].off, f[i].val, -PROG_ERRNO);
		ASSERT_LE(0, prog);
		ASSERT_EQ(0, prog_attach(self->cgfd, prog, BPF_F_ALLOW_MULTI));
		EXPECT_EQ(PROG_ERRNO, map_file(self->file, PROT_READ | PROT_EXEC,
					       MAP_PRIVATE))
			TH_LOG("field at %u", f[i].off);
		prog_detach(self->cgfd, prog);
		close(prog);
		prog = load_match(HOOK, f[i].off, f[i].val + 1, -PROG_ERRNO);
		ASSERT_LE(0, prog);
		ASSERT_EQ(0, prog_attach(self->cgfd, prog, BPF_F_ALLOW_MULTI));
		EXPECT_EQ(0, map_file(self->file, PROT_READ | PROT_EXEC,
				      MAP_PRIVATE))
			TH_LOG("field at %u", f[i].off);
		prog_detach(self->cgfd, prog);
		close(prog);
	}
	prog = load_match(HOOK, OFF(file.magic), (__u32)sfs.f_type,
			  -PROG_ERRNO);
	attach(_metadata, &self->a, prog);
	EXPECT_EQ(PROG_ERRNO, map_file(self->file, PROT_READ, MAP_SHARED));
}

/* mprotect() adding PROT_EXEC: mprotect 1, the mapping's MAP_* kind. */
TEST_F(mmap, mprotect_adds_exec)
{
	int fd = open(self->file, O_RDONLY);
	void *p;

	ASSERT_LE(0, fd);
	p = mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 0);
	ASSERT_NE(MAP_FAILED, p);
	attach(_metadata, &self->a,
	       load_match(HOOK, OFF(mprotect), 1, -PROG_ERRNO));
	EXPECT_EQ(-1, mprotect(p, 4096, PROT_READ | PROT_EXEC));
	EXPECT_EQ(PROG_ERRNO, errno);
	prog_detach(self->cgfd, self->a.progs[0]);
	EXPECT_EQ(0, mprotect(p, 4096, PROT_READ | PROT_EXEC));
	attach(_metadata, &self->a,
	       load_match(HOOK, OFF(flags), MAP_SHARED, -PROG_ERRNO));
	EXPECT_EQ(-1, mprotect(p, 4096, PROT_READ));
	EXPECT_EQ(PROG_ERRNO, errno);
	munmap(p, 4096);
	close(fd);
}

/* Anonymous memory: no file, all zeros. */
TEST_F(mmap, anonymous_has_no_file)
{
	void *p;

	attach(_metadata, &self->a,
	       load_match(HOOK, OFF(file.mode), 0, -PROG_ERRNO));
	p = mmap(NULL, 4096, PROT_READ | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS,
		 -1, 0);
	EXPECT_EQ(MAP_FAILED, p);
	EXPECT_EQ(PROG_ERRNO, errno);
	EXPECT_EQ(0, map_file(self->file, PROT_READ | PROT_EXEC, MAP_PRIVATE));
}

/*
 * The kernel maps an executable through the hook at exec: a program that
 * refuses to map a copy of busybox executable kills the exec past the
 * point of no return (SIGSEGV), while busybox itself runs.
 */
TEST_F(mmap, exec_maps_through_the_hook)
{
	char copy[128];
	struct stat st;
	int status, in, out;
	char buf[65536];
	ssize_t n;
	pid_t pid;

	snprintf(copy, sizeof(copy), "%s/busybox", self->dir);
	in = open("/bin/busybox", O_RDONLY);
	ASSERT_LE(0, in);
	out = open(copy, O_WRONLY | O_CREAT, 0755);
	ASSERT_LE(0, out);
	while ((n = read(in, buf, sizeof(buf))) > 0)
		ASSERT_EQ(n, write(out, buf, n));
	close(in);
	close(out);
	ASSERT_EQ(0, stat(copy, &st));
	attach(_metadata, &self->a, load_exec_of(st.st_ino));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		execl(copy, "true", NULL);
		_exit(100 + errno);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGSEGV)
		TH_LOG("status %#x", status);
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		execl("/bin/busybox", "true", NULL);
		_exit(100 + errno);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

/* A sibling cgroup is not governed; an ancestor's deny reaches a child. */
TEST_F(mmap, scope)
{
	char child[64];
	int childfd, status;
	pid_t pid;

	attach(_metadata, &self->a, load_masked(OFF(prot), PROT_EXEC, PROT_EXEC));
	snprintf(child, sizeof(child), "%s/child", self->cg);
	childfd = cg_create(_metadata, child);
	cg_enter(_metadata, "");
	/* outside: allowed */
	EXPECT_EQ(0, map_file(self->file, PROT_READ | PROT_EXEC, MAP_PRIVATE));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		int prog = load_ret(HOOK, 0);

		/* the child cgroup's own allow cannot lift the parent's deny */
		if (prog < 0 || prog_attach(childfd, prog, BPF_F_ALLOW_MULTI))
			_exit(99);
		cg_enter_path(child);
		_exit(map_file(self->file, PROT_READ | PROT_EXEC, MAP_PRIVATE));
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status));
	EXPECT_EQ(PROG_ERRNO, WEXITSTATUS(status));
	close(childfd);
	cg_remove(child);
	cg_enter(_metadata, self->cg);
}

TEST_HARNESS_MAIN
