// SPDX-License-Identifier: GPL-2.0
/*
 * Checmate LSM - the file-system, exec and mount sample policies
 * (samples/bpf/checmate_file_rate, checmate_exec_allow, checmate_no_mount)
 * against real file-system activity, through their loaders and through
 * checmate-ctl
 *
 * The test process stays outside the governed cgroup: the loaders pin
 * files in a bpffs and run from a shell, which the policies would count or
 * deny. Each operation under test runs in a forked child that moves itself
 * into the cgroup first and reports back through shared memory, a pipe or
 * its exit status.
 */

#include "common.h"

#include <sched.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <linux/mount.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <time.h>

#define OBJDIR		"/checmate/bin"
#define NO_CGROUP	NULL
#define NFILES		20

static int sh(const char *fmt, ...)
{
	char cmd[1024];
	va_list ap;
	int status;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	status = system(cmd);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* The output of a shell command, NUL-terminated, in @buf. */
static void capture(char *buf, size_t size, const char *fmt, ...)
{
	char cmd[1024];
	va_list ap;
	size_t n = 0;
	FILE *p;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	buf[0] = '\0';
	p = popen(cmd, "r");
	if (!p)
		return;
	n = fread(buf, 1, size - 1, p);
	buf[n] = '\0';
	pclose(p);
}

/* In a child: moves it into cgroup @cg (under CGROOT); 0 or -1. */
static int enter(const char *cg)
{
	char path[256], pid[32];
	int fd, len, ok;

	snprintf(path, sizeof(path), CGROOT "/%s/cgroup.procs", cg);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	len = snprintf(pid, sizeof(pid), "%d", getpid());
	ok = write(fd, pid, len) == len;
	close(fd);
	return ok ? 0 : -1;
}

static void *shared(size_t size)
{
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

static __u64 now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

/*
 * Runs @fn(@arg) in a child process, in cgroup @cg unless it is NULL;
 * returns what @fn returned (0 to 255), 254 if the child could not enter
 * the cgroup, or -1.
 */
static int in_child(const char *cg, int (*fn)(void *), void *arg)
{
	int status;
	pid_t pid;

	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		if (cg && enter(cg))
			_exit(254);
		_exit(fn(arg));
	}
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

/* The cgroup id bpf_get_current_cgroup_id() gives: the inode number. */
static unsigned long long cgroup_id(const char *path)
{
	struct stat st;

	return stat(path, &st) ? 0 : st.st_ino;
}

/* Creates a regular file: 0, or the errno. */
static int create(const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);

	if (fd < 0)
		return errno;
	close(fd);
	return 0;
}

static int write_file(const char *path, const char *text, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
	ssize_t len = strlen(text);
	int ok;

	if (fd < 0)
		return -1;
	ok = write(fd, text, len) == len;
	close(fd);
	return ok ? 0 : -1;
}

/* Copies @from into a new file (a new inode) @to: 0 or -1. */
static int copy_file(const char *from, const char *to)
{
	char buf[65536];
	int in, out, ok = 1;
	ssize_t n;

	in = open(from, O_RDONLY | O_CLOEXEC);
	if (in < 0)
		return -1;
	unlink(to);
	out = open(to, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0755);
	if (out < 0) {
		close(in);
		return -1;
	}
	while ((n = read(in, buf, sizeof(buf))) > 0)
		if (write(out, buf, n) != n)
			ok = 0;
	if (n < 0)
		ok = 0;
	close(in);
	close(out);
	return ok ? 0 : -1;
}

static int have_samples(void)
{
	static const char *const loaders[] = {
		"checmate_file_rate", "checmate_exec_allow", "checmate_no_mount",
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(loaders); i++)
		if (sh("command -v %s >/dev/null", loaders[i]))
			return 0;
	return 1;
}

FIXTURE(fs_samples) {
	char cg[64], cgpath[128], sib[64], dir[128], work[128];
	int cgfd, sibfd;
};

FIXTURE_SETUP(fs_samples)
{
	if (!have_samples())
		SKIP(return, "samples not in PATH");
	snprintf(self->cg, sizeof(self->cg), "checmate_fs_samples_%d",
		 getpid());
	snprintf(self->sib, sizeof(self->sib), "checmate_fs_sibling_%d",
		 getpid());
	snprintf(self->cgpath, sizeof(self->cgpath), CGROOT "/%s", self->cg);
	snprintf(self->dir, sizeof(self->dir), "/sys/fs/bpf/fs_samples_%d",
		 getpid());
	snprintf(self->work, sizeof(self->work), "/tmp/checmate_fs_%d",
		 getpid());
	self->cgfd = cg_create(_metadata, self->cg);
	self->sibfd = cg_create(_metadata, self->sib);
	ASSERT_EQ(0, mkdir(self->work, 0755));
}

FIXTURE_TEARDOWN(fs_samples)
{
	if (!have_samples())
		return;
	sh("checmate_file_rate detach %s 2>/dev/null", self->dir);
	sh("checmate_exec_allow detach %s 2>/dev/null", self->dir);
	sh("checmate_no_mount detach %s 2>/dev/null", self->dir);
	sh("rm -rf %s", self->work);
	close(self->cgfd);
	close(self->sibfd);
	cg_remove(self->cg);
	cg_remove(self->sib);
}

/* file_rate */

struct burst {
	const char *dir;	/* where to create */
	const char *prefix;	/* file names */
	int n;			/* how many */
	__u64 elapsed_ns;	/* time the creations took */
	int err[64];		/* each creation's errno, or 0 */
	int after;		/* one more, after sleep_us */
	int sleep_us;
};

static int create_burst(void *arg)
{
	struct burst *b = arg;
	char path[256];
	__u64 start;
	int i;

	start = now_ns();
	for (i = 0; i < b->n; i++) {
		snprintf(path, sizeof(path), "%s/%s%d", b->dir, b->prefix, i);
		b->err[i] = create(path);
	}
	b->elapsed_ns = now_ns() - start;
	if (b->sleep_us) {
		usleep(b->sleep_us);
		snprintf(path, sizeof(path), "%s/%s_after", b->dir, b->prefix);
		b->after = create(path);
	}
	return 0;
}

static int count_ok(const struct burst *b)
{
	int i, ok = 0;

	for (i = 0; i < b->n; i++)
		ok += !b->err[i];
	return ok;
}

/* "cgroup ID: A allowed, D denied" of checmate_file_rate stats. */
static int bucket_stats(const char *out, unsigned long long id,
			unsigned long long *allowed, unsigned long long *denied)
{
	char key[64];
	const char *p;

	snprintf(key, sizeof(key), "cgroup %llu: ", id);
	p = strstr(out, key);
	if (!p)
		return -1;
	return sscanf(p + strlen(key), "%llu allowed, %llu denied", allowed,
		      denied) == 2 ? 0 : -1;
}

TEST_F_TIMEOUT(fs_samples, file_rate_limit, 120)
{
	struct burst *b = shared(sizeof(*b));
	unsigned long long allowed, denied;
	char out[4096], sib[160];
	__u64 extra;
	int i, ok;

	ASSERT_NE(NULL, b);
	ASSERT_EQ(0, sh("checmate_file_rate attach %s %s 5 5 >/dev/null",
			self->cgpath, self->dir));

	/* 20 creations at once: the burst of 5 passes, the rest EDQUOT. */
	*b = (struct burst){ .dir = self->work, .prefix = "a", .n = NFILES,
			     .sleep_us = 1100000 };
	ASSERT_EQ(0, in_child(self->cg, create_burst, b));
	ok = count_ok(b);
	/* Tokens that came in while the loop ran (5 per second). */
	extra = b->elapsed_ns * 5 / 1000000000ULL + 1;
	for (i = 0; i < 5; i++)
		EXPECT_EQ(0, b->err[i]);
	for (i = 0; i < NFILES; i++) {
		if (b->err[i])
			EXPECT_EQ(EDQUOT, b->err[i]);
	}
	EXPECT_LE(5, ok);
	EXPECT_GE(5 + extra, ok) TH_LOG("%d created in %llu ns", ok,
					(unsigned long long)b->elapsed_ns);
	EXPECT_LT(ok, NFILES);
	/* A second later the bucket has refilled. */
	EXPECT_EQ(0, b->after);

	/* Counted in the cgroup's bucket. */
	capture(out, sizeof(out), "checmate_file_rate stats %s", self->dir);
	ASSERT_EQ(0, bucket_stats(out, cgroup_id(self->cgpath), &allowed,
				  &denied)) TH_LOG("%s", out);
	EXPECT_EQ(ok + 1, allowed);
	EXPECT_EQ(NFILES - ok, denied);

	/* A sibling cgroup is not governed, and has no bucket. */
	*b = (struct burst){ .dir = self->work, .prefix = "s", .n = NFILES };
	ASSERT_EQ(0, in_child(self->sib, create_burst, b));
	EXPECT_EQ(NFILES, count_ok(b));
	capture(out, sizeof(out), "checmate_file_rate stats %s", self->dir);
	snprintf(sib, sizeof(sib), CGROOT "/%s", self->sib);
	EXPECT_NE(0, bucket_stats(out, cgroup_id(sib), &allowed, &denied))
		TH_LOG("%s", out);

	/* A live change: 1000 per second, no reload. */
	ASSERT_EQ(0, sh("checmate_file_rate set %s 1000 1000", self->dir));
	usleep(100000);
	*b = (struct burst){ .dir = self->work, .prefix = "b", .n = NFILES };
	ASSERT_EQ(0, in_child(self->cg, create_burst, b));
	EXPECT_EQ(NFILES, count_ok(b));
	EXPECT_EQ(2, sh("checmate_file_rate set %s 0 2>/dev/null",
			self->dir));
	EXPECT_EQ(2, sh("checmate_file_rate attach %s %s/x 5 2000000 2>/dev/null",
			self->cgpath, self->dir));

	/* Detached: the cgroup creates freely (links go asynchronously). */
	ASSERT_EQ(0, sh("checmate_file_rate detach %s", self->dir));
	for (i = 0; i < 50; i++) {
		char prefix[16];

		snprintf(prefix, sizeof(prefix), "c%d_", i);
		*b = (struct burst){ .dir = self->work, .prefix = prefix,
				     .n = NFILES };
		ASSERT_EQ(0, in_child(self->cg, create_burst, b));
		if (count_ok(b) == NFILES)
			break;
		usleep(100000);
	}
	EXPECT_EQ(NFILES, count_ok(b));
	munmap(b, sizeof(*b));
}

/* Every way to create a name takes a token; other operations do not. */
enum { FR_CREATE, FR_MKDIR, FR_SYMLINK, FR_LINK, FR_MKFIFO, FR_TMPFILE,
	FR_LINKAT, FR_RENAME, FR_UNLINK, FR_CREATE2, FR_MAX };

struct every_hook {
	const char *dir;
	int err[FR_MAX];
	__u64 elapsed_ns;
};

static int create_every_way(void *arg)
{
	struct every_hook *e = arg;
	char first[256], path[256];
	__u64 start = now_ns();
	int fd;

	snprintf(first, sizeof(first), "%s/first", e->dir);
	e->err[FR_CREATE] = create(first);
	snprintf(path, sizeof(path), "%s/dir", e->dir);
	e->err[FR_MKDIR] = mkdir(path, 0755) ? errno : 0;
	snprintf(path, sizeof(path), "%s/symlink", e->dir);
	e->err[FR_SYMLINK] = symlink("first", path) ? errno : 0;
	snprintf(path, sizeof(path), "%s/hardlink", e->dir);
	e->err[FR_LINK] = link(first, path) ? errno : 0;
	snprintf(path, sizeof(path), "%s/fifo", e->dir);
	e->err[FR_MKFIFO] = mknod(path, S_IFIFO | 0644, 0) ? errno : 0;
	fd = open(e->dir, O_TMPFILE | O_WRONLY | O_CLOEXEC, 0600);
	e->err[FR_TMPFILE] = fd < 0 ? errno : 0;
	snprintf(path, sizeof(path), "%s/named", e->dir);
	e->err[FR_LINKAT] = -1;
	if (fd >= 0) {
		e->err[FR_LINKAT] = linkat(fd, "", AT_FDCWD, path,
					   AT_EMPTY_PATH) ? errno : 0;
		close(fd);
	}
	snprintf(path, sizeof(path), "%s/renamed", e->dir);
	e->err[FR_RENAME] = rename(first, path) ? errno : 0;
	e->err[FR_UNLINK] = unlink(path) ? errno : 0;
	snprintf(path, sizeof(path), "%s/second", e->dir);
	e->err[FR_CREATE2] = create(path);
	e->elapsed_ns = now_ns() - start;
	return 0;
}

TEST_F_TIMEOUT(fs_samples, file_rate_every_hook, 120)
{
	struct every_hook *e = shared(sizeof(*e));
	unsigned long long allowed, denied;
	char out[4096];

	ASSERT_NE(NULL, e);
	/* One token a second, one at most: the first creation takes it. */
	ASSERT_EQ(0, sh("checmate_file_rate attach %s %s 1 >/dev/null",
			self->cgpath, self->dir));
	e->dir = self->work;
	ASSERT_EQ(0, in_child(self->cg, create_every_way, e));
	if (e->elapsed_ns >= 900000000ULL)
		SKIP(return, "too slow: a token came in during the test");
	EXPECT_EQ(0, e->err[FR_CREATE]);
	EXPECT_EQ(EDQUOT, e->err[FR_MKDIR]);
	EXPECT_EQ(EDQUOT, e->err[FR_SYMLINK]);
	EXPECT_EQ(EDQUOT, e->err[FR_LINK]);
	EXPECT_EQ(EDQUOT, e->err[FR_MKFIFO]);
	/* An O_TMPFILE file has no name until linkat() gives it one. */
	EXPECT_EQ(0, e->err[FR_TMPFILE]);
	EXPECT_EQ(EDQUOT, e->err[FR_LINKAT]);
	/* Renaming and removing create nothing. */
	EXPECT_EQ(0, e->err[FR_RENAME]);
	EXPECT_EQ(0, e->err[FR_UNLINK]);
	EXPECT_EQ(EDQUOT, e->err[FR_CREATE2]);
	capture(out, sizeof(out), "checmate_file_rate stats %s", self->dir);
	ASSERT_EQ(0, bucket_stats(out, cgroup_id(self->cgpath), &allowed,
				  &denied)) TH_LOG("%s", out);
	EXPECT_EQ(1, allowed);
	EXPECT_EQ(6, denied);
	munmap(e, sizeof(*e));
}

/* exec_allow */

/* A dynamically linked program of the guest, and its loader. */
#define CTL	"/checmate/bin/checmate-ctl"
#define LDSO	"/lib64/ld-linux-x86-64.so.2"

/*
 * Runs @path (argv[0] @arg0, then @arg1 if not NULL) in a child, in
 * cgroup @cg: its exit status, or minus the errno of execve().
 */
static int run(const char *cg, const char *path, const char *arg0,
	       const char *arg1)
{
	char *const argv[] = { (char *)arg0, (char *)arg1, NULL };
	int pfd[2], err = 0, status;
	pid_t pid;

	if (pipe2(pfd, O_CLOEXEC))
		return -1000;
	pid = fork();
	if (pid < 0)
		return -1000;
	if (pid == 0) {
		close(pfd[0]);
		if (cg && enter(cg)) {
			err = 1000;
		} else {
			execv(path, argv);
			err = errno;
		}
		if (write(pfd[1], &err, sizeof(err)) != sizeof(err))
			_exit(253);
		_exit(255);
	}
	close(pfd[1]);
	if (read(pfd[0], &err, sizeof(err)) != sizeof(err))
		err = 0;
	close(pfd[0]);
	if (waitpid(pid, &status, 0) != pid)
		return -1000;
	if (err)
		return -err;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1000;
}

/* "PATH (dev ...): N denied" of checmate_exec_allow denials; -1 if none. */
static long long denied_count(const char *out, const char *path)
{
	char key[300];
	const char *p, *q;
	long long n;

	snprintf(key, sizeof(key), "%s (", path);
	p = strstr(out, key);
	if (!p)
		return -1;
	q = strstr(p, "): ");
	if (!q || sscanf(q, "): %lld denied", &n) != 1)
		return -1;
	return n;
}

static long long stat_line(const char *out, const char *name)
{
	char key[64];
	const char *p;
	long long n;

	snprintf(key, sizeof(key), "\n%s ", name);
	p = strstr(out, key);
	if (!p || sscanf(p + strlen(key), "%lld", &n) != 1)
		return -1;
	return n;
}

TEST_F_TIMEOUT(fs_samples, exec_allowlist, 120)
{
	char path[256], path2[256], bb[256], cp[256], script[256];
	char out[8192], line[512];
	struct stat st;

	/* Files made before the policy: a copy of busybox, a script. */
	snprintf(bb, sizeof(bb), "%s/learned/busybox", self->work);
	snprintf(cp, sizeof(cp), "%s/copy/busybox", self->work);
	snprintf(script, sizeof(script), "%s/script.sh", self->work);
	snprintf(path, sizeof(path), "%s/learned", self->work);
	ASSERT_EQ(0, mkdir(path, 0755));
	snprintf(path, sizeof(path), "%s/copy", self->work);
	ASSERT_EQ(0, mkdir(path, 0755));
	snprintf(path, sizeof(path), "%s/link", self->work);
	ASSERT_EQ(0, mkdir(path, 0755));
	snprintf(path, sizeof(path), "%s/moved", self->work);
	ASSERT_EQ(0, mkdir(path, 0755));
	ASSERT_EQ(0, copy_file("/bin/busybox", bb));
	ASSERT_EQ(0, write_file(script, "#!/bin/sh\nexit 7\n", 0755));

	/* Learn: what runs now is what may run later. */
	ASSERT_EQ(0, sh("checmate_exec_allow attach %s %s --learn >/dev/null",
			self->cgpath, self->dir));
	EXPECT_EQ(0, run(self->cg, "/bin/true", "true", NULL));
	EXPECT_EQ(7, run(self->cg, script, "script.sh", NULL));
	EXPECT_EQ(0, run(self->cg, bb, "busybox", "true"));
	/* A dynamically linked program: its loader and libraries too. */
	EXPECT_EQ(2, run(self->cg, CTL, "checmate-ctl", NULL));
	ASSERT_EQ(0, sh("checmate_exec_allow learn %s off", self->dir));

	/*
	 * The loader is allowed, but it maps what it runs: a copy of an
	 * allowed program run as "ld.so COPY" fails to map (127), where the
	 * original runs (checmate-ctl without arguments exits 2).
	 */
	EXPECT_EQ(2, run(self->cg, CTL, "checmate-ctl", NULL));
	EXPECT_EQ(2, run(self->cg, LDSO, "ld.so", CTL));
	snprintf(path, sizeof(path), "%s/copy/checmate-ctl", self->work);
	ASSERT_EQ(0, copy_file(CTL, path));
	EXPECT_EQ(127, run(self->cg, LDSO, "ld.so", path));
	EXPECT_EQ(2, run(self->sib, LDSO, "ld.so", path));

	/* What was learned still runs: a busybox applet, a script. */
	EXPECT_EQ(0, run(self->cg, "/bin/true", "true", NULL));
	EXPECT_EQ(7, run(self->cg, script, "script.sh", NULL));
	/* The same inode under another name: a hard link, a rename. */
	snprintf(path, sizeof(path), "%s/link/busybox", self->work);
	ASSERT_EQ(0, link(bb, path));
	EXPECT_EQ(0, run(self->cg, path, "busybox", "true"));
	snprintf(path2, sizeof(path2), "%s/moved/busybox", self->work);
	ASSERT_EQ(0, rename(path, path2));
	EXPECT_EQ(0, run(self->cg, path2, "busybox", "true"));
	/* A copy is a new inode: denied. */
	ASSERT_EQ(0, copy_file(bb, cp));
	EXPECT_EQ(-EACCES, run(self->cg, cp, "busybox", "true"));
	/* A new script is denied, though its interpreter is allowed... */
	snprintf(path, sizeof(path), "%s/new.sh", self->work);
	ASSERT_EQ(0, write_file(path, "#!/bin/sh\nexit 5\n", 0755));
	EXPECT_EQ(-EACCES, run(self->cg, path, "new.sh", NULL));
	/* ...and an allowed script with an interpreter that is not. */
	snprintf(path, sizeof(path), "%s/other.sh", self->work);
	snprintf(line, sizeof(line), "#!%s sh\nexit 3\n", cp);
	ASSERT_EQ(0, write_file(path, line, 0755));
	ASSERT_EQ(0, sh("checmate_exec_allow allow %s %s", self->dir, path));
	EXPECT_EQ(-EACCES, run(self->cg, path, "other.sh", NULL));
	ASSERT_EQ(0, sh("checmate_exec_allow allow %s %s", self->dir, cp));
	EXPECT_EQ(3, run(self->cg, path, "other.sh", NULL));
	EXPECT_EQ(0, run(self->cg, cp, "busybox", "true"));
	/* A learned name replaced by a new file: denied. */
	snprintf(path, sizeof(path), "%s/replacement", self->work);
	ASSERT_EQ(0, copy_file(bb, path));
	ASSERT_EQ(0, rename(path, bb));
	EXPECT_EQ(-EACCES, run(self->cg, bb, "busybox", "true"));
	/* Outside the cgroup, anything runs. */
	EXPECT_EQ(0, run(self->sib, bb, "busybox", "true"));

	/* The list holds /bin/busybox by device and inode. */
	ASSERT_EQ(0, stat("/bin/busybox", &st));
	capture(out, sizeof(out), "checmate_exec_allow list %s", self->dir);
	snprintf(line, sizeof(line), "dev %u:%u ino %llu\n", major(st.st_dev),
		 minor(st.st_dev), (unsigned long long)st.st_ino);
	EXPECT_NE(NULL, strstr(out, line)) TH_LOG("%s not in:\n%s", line, out);
	/* Denials per file, with the path the task used. */
	capture(out, sizeof(out), "checmate_exec_allow denials %s", self->dir);
	EXPECT_EQ(2, denied_count(out, cp)) TH_LOG("%s", out);
	snprintf(path, sizeof(path), "%s/new.sh", self->work);
	EXPECT_EQ(1, denied_count(out, path));
	EXPECT_EQ(1, denied_count(out, bb));
	EXPECT_EQ(-1, denied_count(out, script));
	capture(out, sizeof(out), "checmate_exec_allow stats %s", self->dir);
	/* busybox, the script, the copy, checmate-ctl, ld.so, libraries */
	EXPECT_LE(5, stat_line(out, "learned")) TH_LOG("%s", out);
	EXPECT_EQ(5, stat_line(out, "denied"));
	EXPECT_NE(NULL, strstr(out, "mode enforce"));

	/* A file that does not exist cannot be allowed. */
	EXPECT_EQ(1, sh("checmate_exec_allow allow %s %s/none 2>/dev/null",
			self->dir, self->work));

	/* Detached: the cgroup runs anything again (links go async). */
	ASSERT_EQ(0, sh("checmate_exec_allow detach %s", self->dir));
	snprintf(path, sizeof(path), "%s/new.sh", self->work);
	for (int i = 0; i < 50 && run(self->cg, path, "new.sh", NULL) != 5;
	     i++)
		usleep(100000);
	EXPECT_EQ(5, run(self->cg, path, "new.sh", NULL));
}

/* no_mount */

enum { NM_MOUNT, NM_BIND, NM_REMOUNT, NM_PROPAGATION, NM_MOVE_FSMOUNT,
	NM_MOVE_OPEN_TREE, NM_RECONFIGURE, NM_UMOUNT, NM_UMOUNT_DETACH,
	NM_CHROOT, NM_PIVOT_ROOT, NM_MAX };

static const char *const nm_names[NM_MAX] = {
	"mount", "bind mount", "remount", "propagation change",
	"move_mount of fsmount", "move_mount of open_tree", "reconfigure",
	"umount", "umount MNT_DETACH", "chroot", "pivot_root",
};

struct mount_ops {
	char work[160];
	char cg[64];		/* "" to stay in the parent's cgroup */
	int setup;		/* errno of the setup, 0 if it worked */
	int err[NM_MAX];	/* each operation's errno, or 0 */
};

static int err_of(long ret)
{
	return ret < 0 ? errno : 0;
}

/* A tmpfs made and attached with the new mount API: 0 or the errno. */
static int new_api_mount(const char *to)
{
	int fs, mnt, err;

	fs = syscall(__NR_fsopen, "tmpfs", FSOPEN_CLOEXEC);
	if (fs < 0)
		return 2000 + errno;
	if (syscall(__NR_fsconfig, fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0)) {
		close(fs);
		return 3000 + errno;
	}
	mnt = syscall(__NR_fsmount, fs, FSMOUNT_CLOEXEC, 0);
	close(fs);
	if (mnt < 0)
		return 4000 + errno;
	err = err_of(syscall(__NR_move_mount, mnt, "", AT_FDCWD, to,
			     MOVE_MOUNT_F_EMPTY_PATH));
	close(mnt);
	return err;
}

/* A bind of @from made with open_tree(2), attached at @to. */
static int open_tree_mount(const char *from, const char *to)
{
	int mnt, err;

	mnt = syscall(__NR_open_tree, AT_FDCWD, from,
		      OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
	if (mnt < 0)
		return 2000 + errno;
	err = err_of(syscall(__NR_move_mount, mnt, "", AT_FDCWD, to,
			     MOVE_MOUNT_F_EMPTY_PATH));
	close(mnt);
	return err;
}

/* fsconfig(FSCONFIG_CMD_RECONFIGURE) of the file system at @path. */
static int reconfigure(const char *path)
{
	int fs, err;

	fs = syscall(__NR_fspick, AT_FDCWD, path, FSPICK_CLOEXEC);
	if (fs < 0)
		return 2000 + errno;
	err = err_of(syscall(__NR_fsconfig, fs, FSCONFIG_CMD_RECONFIGURE,
			     NULL, NULL, 0));
	close(fs);
	return err;
}

/*
 * In a child, in a mount namespace of its own so that nothing outlives
 * it: mounts what the operations need (before entering the cgroup, whose
 * policy would deny it), enters the cgroup, then tries every operation.
 * In the cgroup each one fails; elsewhere each one works (and what it
 * mounted is unmounted again, so that the next one finds the same tree).
 */
static int try_mount_ops(void *arg)
{
	struct mount_ops *m = arg;
	char a[256], u1[256], u2[256], pr[256], prn[256], old[256];

	snprintf(a, sizeof(a), "%s/a", m->work);
	snprintf(u1, sizeof(u1), "%s/u1", m->work);
	snprintf(u2, sizeof(u2), "%s/u2", m->work);
	snprintf(pr, sizeof(pr), "%s/pr", m->work);
	snprintf(prn, sizeof(prn), "%s/pr/new", m->work);
	snprintf(old, sizeof(old), "%s/pr/new/old", m->work);
	if (unshare(CLONE_NEWNS) ||
	    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) ||
	    mkdir(a, 0755) || mkdir(u1, 0755) || mkdir(u2, 0755) ||
	    mkdir(pr, 0755) ||
	    mount("none", u1, "tmpfs", 0, NULL) ||
	    mount("none", u2, "tmpfs", 0, NULL) ||
	    mount("none", pr, "tmpfs", 0, NULL) || mkdir(prn, 0755) ||
	    mount("none", prn, "tmpfs", 0, NULL) || mkdir(old, 0755)) {
		m->setup = errno;
		return 0;
	}
	if (m->cg[0] && enter(m->cg)) {
		m->setup = 1000;
		return 0;
	}
	m->err[NM_MOUNT] = err_of(mount("none", a, "tmpfs", 0, NULL));
	umount2(a, MNT_DETACH);
	m->err[NM_BIND] = err_of(mount(u1, a, NULL, MS_BIND, NULL));
	umount2(a, MNT_DETACH);
	m->err[NM_REMOUNT] = err_of(mount(NULL, u1, NULL,
					  MS_REMOUNT | MS_NOSUID, NULL));
	m->err[NM_PROPAGATION] = err_of(mount(NULL, u1, NULL, MS_SLAVE,
					      NULL));
	m->err[NM_MOVE_FSMOUNT] = new_api_mount(a);
	umount2(a, MNT_DETACH);
	m->err[NM_MOVE_OPEN_TREE] = open_tree_mount(u1, a);
	umount2(a, MNT_DETACH);
	m->err[NM_RECONFIGURE] = reconfigure(u1);
	m->err[NM_UMOUNT] = err_of(umount2(u1, 0));
	m->err[NM_UMOUNT_DETACH] = err_of(umount2(u2, MNT_DETACH));
	/* pivot_root needs a root that is a mount with a parent: chroot. */
	m->err[NM_CHROOT] = err_of(chroot(pr));
	if (!m->err[NM_CHROOT] && !chdir("/"))
		m->err[NM_PIVOT_ROOT] = err_of(syscall(__NR_pivot_root, "/new",
						       "/new/old"));
	else
		m->err[NM_PIVOT_ROOT] = 5000;
	return 0;
}

static void expect_mount_ops(struct __test_metadata *_metadata,
			     const struct mount_ops *m, int err, int chroot)
{
	int i;

	ASSERT_EQ(0, m->setup) TH_LOG("setup: %s", strerror(m->setup));
	for (i = 0; i < NM_MAX; i++) {
		EXPECT_EQ(i == NM_CHROOT ? chroot : err, m->err[i])
			TH_LOG("%s: %d", nm_names[i], m->err[i]);
	}
}

static long long hook_denials(const char *out, const char *hook)
{
	char key[64];
	const char *p;
	long long n;

	snprintf(key, sizeof(key), "%s ", hook);
	p = strstr(out, key);
	if (!p || sscanf(p + strlen(key), "%lld denied", &n) != 1)
		return -1;
	return n;
}

TEST_F_TIMEOUT(fs_samples, no_mount, 120)
{
	struct mount_ops *m = shared(sizeof(*m));
	char out[4096];

	ASSERT_NE(NULL, m);
	ASSERT_EQ(0, sh("checmate_no_mount attach %s %s >/dev/null",
			self->cgpath, self->dir));
	/* In the cgroup: every mount operation fails, chroot works. */
	snprintf(m->work, sizeof(m->work), "%s/in", self->work);
	snprintf(m->cg, sizeof(m->cg), "%s", self->cg);
	ASSERT_EQ(0, mkdir(m->work, 0755));
	ASSERT_EQ(0, in_child(NO_CGROUP, try_mount_ops, m));
	expect_mount_ops(_metadata, m, EPERM, 0);
	capture(out, sizeof(out), "checmate_no_mount stats %s", self->dir);
	EXPECT_EQ(4, hook_denials(out, "sb_mount")) TH_LOG("%s", out);
	EXPECT_EQ(2, hook_denials(out, "move_mount"));
	EXPECT_EQ(2, hook_denials(out, "sb_umount"));
	EXPECT_EQ(1, hook_denials(out, "sb_remount"));
	EXPECT_EQ(1, hook_denials(out, "sb_pivotroot"));
	EXPECT_EQ(0, hook_denials(out, "path_chroot"));

	/* In a sibling cgroup: every one of them works. */
	memset(m, 0, sizeof(*m));
	snprintf(m->work, sizeof(m->work), "%s/out", self->work);
	snprintf(m->cg, sizeof(m->cg), "%s", self->sib);
	ASSERT_EQ(0, mkdir(m->work, 0755));
	ASSERT_EQ(0, in_child(NO_CGROUP, try_mount_ops, m));
	expect_mount_ops(_metadata, m, 0, 0);
	munmap(m, sizeof(*m));
}

static int try_chroot(void *arg)
{
	return chroot(arg) ? errno : 0;
}

TEST_F_TIMEOUT(fs_samples, no_mount_chroot, 120)
{
	char out[4096];

	ASSERT_EQ(0, sh("checmate_no_mount attach %s %s --chroot >/dev/null",
			self->cgpath, self->dir));
	EXPECT_EQ(EPERM, in_child(self->cg, try_chroot, self->work));
	EXPECT_EQ(0, in_child(self->sib, try_chroot, self->work));
	capture(out, sizeof(out), "checmate_no_mount stats %s", self->dir);
	EXPECT_EQ(1, hook_denials(out, "path_chroot")) TH_LOG("%s", out);
	EXPECT_EQ(2, sh("checmate_no_mount attach %s %s --bad 2>/dev/null",
			self->cgpath, self->dir));
}

/* Through checmate-ctl: one program of an object, then a reset. */

struct one_mount {
	char dir[192];
	char cg[64];
};

/* A tmpfs mount in cgroup m->cg, in a mount namespace of its own. */
static int try_mount(void *arg)
{
	struct one_mount *m = arg;

	if (unshare(CLONE_NEWNS) ||
	    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL))
		return 200;
	if (enter(m->cg))
		return 254;
	return mount("none", m->dir, "tmpfs", 0, NULL) ? errno : 0;
}

TEST_F_TIMEOUT(fs_samples, no_mount_through_checmate_ctl, 120)
{
	struct one_mount m = {};

	snprintf(m.dir, sizeof(m.dir), "%s/ctl", self->work);
	ASSERT_EQ(0, mkdir(m.dir, 0755));
	ASSERT_EQ(0, sh("checmate-ctl attach %s %s --prog no_mount_sb_mount >/dev/null",
			OBJDIR "/checmate_no_mount.bpf.o", self->cg));
	snprintf(m.cg, sizeof(m.cg), "%s", self->cg);
	EXPECT_EQ(EPERM, in_child(NO_CGROUP, try_mount, &m));
	snprintf(m.cg, sizeof(m.cg), "%s", self->sib);
	EXPECT_EQ(0, in_child(NO_CGROUP, try_mount, &m));
	ASSERT_EQ(0, sh("checmate-ctl reset %s sb_mount >/dev/null",
			self->cg));
	snprintf(m.cg, sizeof(m.cg), "%s", self->cg);
	EXPECT_EQ(0, in_child(NO_CGROUP, try_mount, &m));
}

TEST_F_TIMEOUT(fs_samples, exec_allow_through_checmate_ctl, 120)
{
	/* Nothing set: an empty list, enforced. */
	ASSERT_EQ(0, sh("checmate-ctl attach %s %s >/dev/null",
			OBJDIR "/checmate_exec_allow.bpf.o", self->cg));
	EXPECT_EQ(-EACCES, run(self->cg, "/bin/true", "true", NULL));
	EXPECT_EQ(0, run(self->sib, "/bin/true", "true", NULL));
	ASSERT_EQ(0, sh("checmate-ctl reset %s bprm_check_security >/dev/null",
			self->cg));
	/* The kernel maps /bin/true at exec: mmap_file still refuses it. */
	EXPECT_GT(0, run(self->cg, "/bin/true", "true", NULL));
	ASSERT_EQ(0, sh("checmate-ctl reset %s mmap_file >/dev/null",
			self->cg));
	EXPECT_EQ(0, run(self->cg, "/bin/true", "true", NULL));
}

TEST_HARNESS_MAIN
