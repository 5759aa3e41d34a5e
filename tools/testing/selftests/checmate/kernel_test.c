// SPDX-License-Identifier: GPL-2.0
/*
 * Checmate LSM - BPF and kernel-loading hooks
 *
 * bpf, bpf_map_create, bpf_prog_load, bpf_token_create,
 * kernel_module_request, kernel_read_file and kernel_load_data.
 *
 * The "hook" fixture runs the same checks for each hook (one variant per
 * hook), each through one operation that reaches the hook exactly once:
 * creating a map (bpf, bpf_map_create), loading a socket filter
 * (bpf_prog_load), creating a BPF token in a user namespace
 * (bpf_token_create), socket(AF_APPLETALK), which asks for module
 * "net-pf-5" (kernel_module_request), finit_module(2) of a file on tmpfs
 * (kernel_read_file) and init_module(2) of a blob (kernel_load_data). A
 * program returning 0 allows; a deny fails the operation with the
 * program's errno and leaves no trace (no map or program id consumed, no
 * fd, no token, no module helper run, the file not read); the securityfs
 * counters count exactly the decision; a program on a sibling cgroup does
 * not govern, one on the parent does, and every program runs even after a
 * deny. kernel_module_request's caller fails the same either way (no
 * module exists), so its deny shows through the module helper: the test
 * points /proc/sys/kernel/modprobe to a script that logs its arguments.
 *
 * The "kern" fixture checks every context field: a record program copies
 * each call's context into a map, or progs/checmate_kernel.bpf.c (libbpf)
 * reads the strings of the call with bpf_checmate_str(). For bpf: every
 * command shows its number, the fields of each command, the init admin's
 * Checmate commands not shown (a policy denying every command does not
 * keep it from managing Checmate) while those of a caller without
 * CAP_SYS_ADMIN, and of a delegated caller with a BPF token, are.
 *
 * Each test runs in cgroup P/a (siblings: P/b) only for the operation
 * itself: the test process otherwise stays in its own cgroup, so that its
 * own bpf(2) calls (reading the records) are not governed. Delegated
 * callers are forked children in a user namespace with a BPF token from a
 * bpffs whose delegate_* options the test sets (token.h).
 *
 * Not covered: kexec_load(2) and kexec_file_load(2) (not in the test
 * kernel: the test skips), kernel_read_file with contents 0 (only
 * partial reads of firmware announce a read without its contents).
 */

/* First: it defines _GNU_SOURCE. */
#include "common.h"
#include "token.h"

#include <linux/magic.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <sys/wait.h>

#include <bpf/libbpf.h>

/* Errnos no operation here returns by itself: only a program's. */
#define PROG_ERRNO	ENOTUNIQ
#define PROG_ERRNO2	ENOANO

/* Exit statuses of the children besides errnos (below 200). */
#define ST_FD		250	/* a refused call left an fd behind */
#define ST_SETUP	251	/* the child could not set itself up */
#define ST_SIGNAL	253	/* killed by a signal */

/* Owner of the module file. */
#define UID1		1234
#define GID1		5678

#ifndef AF_MCTP
#define AF_MCTP		45
#endif

/* A Checmate hook a delegated caller loads a program for. */
#define DELEG_HOOK	CHECMATE_HOOK_TASK_KILL

/* The delegation options of the bpffs mounts. */
struct deleg {
	__u64 cmds, maps, progs, attachs;
};

static const struct deleg DELEG = {
	.cmds = (1ULL << BPF_MAP_CREATE) | (1ULL << BPF_PROG_LOAD) |
		(1ULL << BPF_BTF_LOAD) | (1ULL << BPF_CHECMATE_CTL),
	.maps = (1ULL << BPF_MAP_TYPE_HASH) | (1ULL << BPF_MAP_TYPE_ARENA),
	.progs = (1ULL << BPF_PROG_TYPE_SOCKET_FILTER) |
		 (1ULL << BPF_PROG_TYPE_CHECMATE),
	.attachs = (1ULL << BPF_CGROUP_INET4_CONNECT) | (1ULL << BPF_CHECMATE),
};

/* Context records of MAX_REC calls, REC_WORDS words each. */
#define MAX_REC		16
#define REC_WORDS	10
#include "record.h"

/* What progs/checmate_kernel.bpf.c records (struct kout there). */
#define OUT_MODULE_REQUEST	0
#define OUT_READ_FILE		1
#define OUT_LOAD_DATA		2
#define KNAME_LEN		64
#define KPATH_LEN		256

struct kcfg {
	__u32 deny;
};

struct kout {
	__u32 calls;
	__u32 ctx[10];
	__s32 name_ret;
	__s32 path_ret;
	__s32 target_ret;
	char name[KNAME_LEN];
	char path[KPATH_LEN];
	char target[KNAME_LEN];
};

/* A program returning -@err when the 32-bit field at @off is @val. */
static int load_deny_if(__u32 hook, int off, __u32 val, int err)
{
	const struct bpf_insn insns[] = {
		MOV64_IMM(BPF_REG_0, 0),
		LDX_W(BPF_REG_2, BPF_REG_1, off),
		JNE32_IMM(BPF_REG_2, val, 1),
		MOV64_IMM(BPF_REG_0, -err),
		EXIT(),
	};

	return load_insns(hook, BPF_CHECMATE, insns, ARRAY_SIZE(insns));
}

/*
 * The state of a test. Each test runs in a process of its own (the
 * harness forks it), so it can be global.
 */
static struct {
	char home[256];			/* the test's own cgroup */
	char cg[64], cga[80], cgb[80];	/* P, P/a, P/b */
	int pfd, afd, bfd;
	char dir[64];			/* on /tmp (tmpfs) */
	char module[96];		/* a file to finit_module() */
	char helper[96], helper_log[96];	/* helper */
	char modprobe[256];		/* saved modprobe path */
	int nprogs;
	struct {
		int cgfd, prog;
	} progs[64];			/* attached, to detach */
	struct bpf_object *obj;		/* checmate_kernel.bpf.o */
	struct bpf_link *links[4];
	int nlinks;
	int nest;			/* children: one more userns */
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

/* Forgets @prog (detached by other means); closes it. */
static void forget(int prog)
{
	int i;

	for (i = E.nprogs - 1; i >= 0; i--) {
		if (E.progs[i].prog != prog)
			continue;
		close(prog);
		E.progs[i] = E.progs[--E.nprogs];
		return;
	}
}

static void detach(struct __test_metadata *const _metadata, int prog)
{
	int i;

	for (i = E.nprogs - 1; i >= 0; i--) {
		if (E.progs[i].prog != prog)
			continue;
		EXPECT_EQ(0, prog_detach(E.progs[i].cgfd, prog))
			TH_LOG("BPF_PROG_DETACH: %s", strerror(errno));
		forget(prog);
		return;
	}
}

/* The id of the map or program @fd refers to, 0 on error. */
static __u32 obj_id(int fd)
{
	struct {
		__u32 type, id;
	} info;
	union bpf_attr attr;

	memset(&info, 0, sizeof(info));
	memset(&attr, 0, sizeof(attr));
	attr.info.bpf_fd = fd;
	attr.info.info_len = sizeof(info);
	attr.info.info = (__u64)(unsigned long)&info;
	if (sys_bpf(BPF_OBJ_GET_INFO_BY_FD, &attr))
		return 0;
	return info.id;
}

/* The id a new map gets (ids are allocated cyclically), 0 on error. */
static __u32 new_map_id(void)
{
	int fd = map_new(BPF_MAP_TYPE_ARRAY, 4, 4, 1, 0);
	__u32 id = obj_id(fd);

	close(fd);
	return id;
}

static __u32 new_prog_id(void)
{
	int fd = load_socket_filter();
	__u32 id = obj_id(fd);

	close(fd);
	return id;
}

/* The fd the next open would get. */
static int lowest_fd(void)
{
	int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);

	close(fd);
	return fd;
}

/* A record map, and a program recording @hook's context, attached. */
static int record(struct __test_metadata *const _metadata, int cgfd,
		  __u32 hook, size_t size, int verdict)
{
	int map = rec_map_new();

	ASSERT_LE(0, map) TH_LOG("BPF_MAP_CREATE: %s", strerror(errno));
	attach(_metadata, cgfd, load_record(hook, map, size, -1, 0, verdict));
	return map;
}

/* The record has @n calls, and the context of call @i is @want. */
static void check_ctx(struct __test_metadata *const _metadata, int map,
		      __u32 n, int i, const __u32 *want, int words,
		      const char *what)
{
	struct rec r = read_rec(_metadata, map);
	int k;

	EXPECT_EQ(n, r.n) TH_LOG("%s: number of calls", what);
	if (i >= (int)r.n || i >= MAX_REC)
		return;
	for (k = 0; k < words; k++) {
		EXPECT_EQ(want[k], r.ctx[i][k])
			TH_LOG("%s: call %d, context word %d", what, i, k);
	}
}

#define EXPECT_CTX(map, n, i, what, ...) do {				\
	const __u32 __w[] = { __VA_ARGS__ };				\
	check_ctx(_metadata, map, n, i, __w, ARRAY_SIZE(__w), what);	\
} while (0)

static __u32 rec_n(struct __test_metadata *const _metadata, int map)
{
	return read_rec(_metadata, map).n;
}

/* Into cgroup a for an operation, and back home. */
static void enter_a(struct __test_metadata *const _metadata)
{
	cg_enter(_metadata, E.cga);
}

static void leave(struct __test_metadata *const _metadata)
{
	cg_enter(_metadata, E.home);
}

/* Decisions counted in securityfs. */
struct counts {
	unsigned long long allow, deny, rewrite;
};

static int read_counts(const char *hook, struct counts *c)
{
	char line[256], name[64];
	int found = 0;
	FILE *f;

	f = fopen("/sys/kernel/security/checmate/counters", "r");
	if (!f)
		return -1;
	if (!fgets(line, sizeof(line), f) ||
	    strcmp(line, "hook allow deny rewrite\n")) {
		fclose(f);
		return -1;
	}
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%63s %llu %llu %llu", name, &c->allow,
			   &c->deny, &c->rewrite) == 4 && !strcmp(name, hook)) {
			found = 1;
			break;
		}
	}
	fclose(f);
	return found ? 0 : -1;
}

/* Whether the file at @path exists. */
static int exists(const char *path)
{
	struct stat st;

	return !stat(path, &st);
}

/* Writes @len bytes of @c to a new file @path with @mode; 0 or -1. */
static int make_file(const char *path, mode_t mode, const char *data,
		     size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
	int ok;

	if (fd < 0)
		return -1;
	ok = write(fd, data, len) == (ssize_t)len;
	close(fd);
	return ok && !chmod(path, mode) ? 0 : -1;
}

/* Points the kernel's module helper to the test's script. */
static void use_helper(struct __test_metadata *const _metadata)
{
	char buf[256];
	ssize_t n;
	int fd;

	if (!E.modprobe[0]) {
		fd = open("/proc/sys/kernel/modprobe", O_RDONLY | O_CLOEXEC);
		ASSERT_LE(0, fd) TH_LOG("no /proc/sys/kernel/modprobe: %s",
					strerror(errno));
		n = read(fd, buf, sizeof(buf) - 1);
		close(fd);
		ASSERT_LT(0, n);
		buf[n] = 0;
		buf[strcspn(buf, "\n")] = 0;
		/* An empty path would disable request_module() entirely. */
		snprintf(E.modprobe, sizeof(E.modprobe), "%s",
			 buf[0] ? buf : "/sbin/modprobe");
		ASSERT_EQ(0, write_str("/proc/sys/kernel/modprobe", E.helper))
			TH_LOG("modprobe: %s", strerror(errno));
	}
	unlink(E.helper_log);
}

/* How many times the module helper was asked for @name. */
static int helper_runs(const char *name)
{
	char line[256], want[128];
	int runs = 0;
	FILE *f;

	f = fopen(E.helper_log, "r");
	if (!f)
		return 0;
	snprintf(want, sizeof(want), "-q -- %s\n", name);
	while (fgets(line, sizeof(line), f))
		runs += !strcmp(line, want);
	fclose(f);
	return runs;
}

static void setup(struct __test_metadata *const _metadata)
{
	static char junk[4096];
	char path[256], line[256];
	FILE *f;

	memset(&E, 0, sizeof(E));
	f = fopen("/proc/self/cgroup", "r");
	ASSERT_NE(NULL, f);
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, "0::/", 4))
			continue;
		line[strcspn(line, "\n")] = 0;
		snprintf(E.home, sizeof(E.home), "%s", line + 4);
	}
	fclose(f);
	snprintf(E.cg, sizeof(E.cg), "checmate_kernel_%d", getpid());
	snprintf(E.cga, sizeof(E.cga), "%s/a", E.cg);
	snprintf(E.cgb, sizeof(E.cgb), "%s/b", E.cg);
	E.pfd = cg_create(_metadata, E.cg);
	E.afd = cg_create(_metadata, E.cga);
	E.bfd = cg_create(_metadata, E.cgb);
	/* a is delegated to USER, as a container manager does. */
	snprintf(path, sizeof(path), CGROOT "/%s", E.cga);
	ASSERT_EQ(0, chown(path, USER, USER));
	snprintf(path, sizeof(path), CGROOT "/%s/cgroup.procs", E.cga);
	ASSERT_EQ(0, chown(path, USER, USER));

	snprintf(E.dir, sizeof(E.dir), "/tmp/checmate_kernel_%d", getpid());
	ASSERT_EQ(0, mkdir(E.dir, 0755))
		TH_LOG("mkdir %s: %s", E.dir, strerror(errno));
	snprintf(E.module, sizeof(E.module), "%s/module.ko", E.dir);
	memset(junk, 'x', sizeof(junk));
	ASSERT_EQ(0, make_file(E.module, 0640, junk, sizeof(junk)));
	ASSERT_EQ(0, chown(E.module, UID1, GID1));
	snprintf(E.helper_log, sizeof(E.helper_log), "%s/helper.log", E.dir);
	snprintf(E.helper, sizeof(E.helper), "%s/modprobe", E.dir);
	snprintf(line, sizeof(line), "#!/bin/sh\necho \"$*\" >>%s\n",
		 E.helper_log);
	ASSERT_EQ(0, make_file(E.helper, 0755, line, strlen(line)));
}

static void teardown(struct __test_metadata *const _metadata)
{
	cg_enter_path(E.home);
	while (E.nlinks)
		bpf_link__destroy(E.links[--E.nlinks]);
	if (E.obj)
		bpf_object__close(E.obj);
	E.obj = NULL;
	while (E.nprogs) {
		E.nprogs--;
		prog_detach(E.progs[E.nprogs].cgfd, E.progs[E.nprogs].prog);
		close(E.progs[E.nprogs].prog);
	}
	if (E.modprobe[0])
		write_str("/proc/sys/kernel/modprobe", E.modprobe);
	unlink(E.module);
	unlink(E.helper);
	unlink(E.helper_log);
	rmdir(E.dir);
	close(E.afd);
	close(E.bfd);
	close(E.pfd);
	cg_remove(E.cga);
	cg_remove(E.cgb);
	cg_remove(E.cg);
}

/* Loads checmate_kernel.bpf.o (next to this binary, or in the cwd). */
static void open_obj(struct __test_metadata *const _metadata)
{
	char path[512];
	ssize_t n;

	n = readlink("/proc/self/exe", path, sizeof(path) - 32);
	if (n > 0) {
		path[n] = 0;
		snprintf(strrchr(path, '/') + 1, 32, "checmate_kernel.bpf.o");
	}
	if (n <= 0 || !exists(path))
		snprintf(path, sizeof(path), "checmate_kernel.bpf.o");
	E.obj = bpf_object__open_file(path, NULL);
	ASSERT_NE(NULL, E.obj) TH_LOG("open %s: %s", path, strerror(errno));
	ASSERT_EQ(0, bpf_object__load(E.obj));
}

/* Attaches the object's program @name to cgroup a. */
static void attach_obj_prog(struct __test_metadata *const _metadata,
			    const char *name)
{
	struct bpf_program *prog;
	struct bpf_link *link;

	prog = bpf_object__find_program_by_name(E.obj, name);
	ASSERT_NE(NULL, prog) TH_LOG("no program %s", name);
	link = bpf_program__attach_cgroup(prog, E.afd);
	ASSERT_NE(NULL, link) TH_LOG("attach %s: %s", name, strerror(errno));
	ASSERT_GT((int)ARRAY_SIZE(E.links), E.nlinks);
	E.links[E.nlinks++] = link;
}

static int obj_map(struct __test_metadata *const _metadata, const char *name)
{
	int fd = bpf_object__find_map_fd_by_name(E.obj, name);

	EXPECT_LE(0, fd) TH_LOG("no map %s", name);
	return fd;
}

static struct kout read_kout(struct __test_metadata *const _metadata,
			     __u32 which)
{
	struct kout o;

	memset(&o, 0, sizeof(o));
	EXPECT_EQ(0, map_lookup(obj_map(_metadata, "out"), which, &o));
	return o;
}

static void set_kdeny(struct __test_metadata *const _metadata, __u32 deny)
{
	struct kcfg c = { .deny = deny };

	ASSERT_EQ(0, map_update(obj_map(_metadata, "cfg"), 0, &c));
}

/*
 * Delegated callers. A forked child enters cgroup a, becomes root of a new
 * user namespace (uid USER outside), and gets a bpffs from its parent,
 * which sets the delegation options @d, as token.h's become_delegated()
 * and delegate() do.
 */
static int child_bpffs(int sock)
{
	int fs, mnt, bpffs;
	char c;

	cg_enter_path(E.cga);
	if (setresgid(USER, USER, USER) || setresuid(USER, USER, USER))
		return failed("setresuid");
	if (prctl(PR_SET_DUMPABLE, 1, 0, 0, 0))
		return failed("dumpable");
	if (unshare(CLONE_NEWUSER))
		return failed("unshare(CLONE_NEWUSER)");
	if (write(sock, "u", 1) != 1 || read(sock, &c, 1) != 1 || c != 'm')
		return failed("id maps");
	if (setresgid(0, 0, 0) || setresuid(0, 0, 0))
		return failed("setresuid(0)");
	/* A user namespace of depth 2: root of it maps itself. */
	if (E.nest) {
		if (unshare(CLONE_NEWUSER))
			return failed("unshare(CLONE_NEWUSER) nested");
		if (write_str("/proc/self/uid_map", "0 0 1\n") ||
		    write_str("/proc/self/setgroups", "deny") ||
		    write_str("/proc/self/gid_map", "0 0 1\n"))
			return failed("nested id maps");
	}
	if (unshare(CLONE_NEWCGROUP))
		return failed("unshare(CLONE_NEWCGROUP)");
	if (unshare(CLONE_NEWNS))
		return failed("unshare(CLONE_NEWNS)");
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL))
		return failed("mount");
	fs = syscall(__NR_fsopen, "bpf", 0);
	if (fs < 0)
		return failed("fsopen");
	if (sendfd(sock, fs))
		return failed("sendfd");
	close(fs);
	mnt = recvfd(sock);
	if (mnt < 0)
		return failed("recvfd");
	bpffs = openat(mnt, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (bpffs < 0)
		return failed("open bpffs");
	close(mnt);
	return bpffs;
}

static void parent_delegate(struct __test_metadata *const _metadata,
			    int sock, pid_t pid, const struct deleg *d)
{
	const struct {
		const char *key;
		__u64 mask;
	} opts[] = {
		{ "delegate_cmds", d->cmds },
		{ "delegate_maps", d->maps },
		{ "delegate_progs", d->progs },
		{ "delegate_attachs", d->attachs },
	};
	char buf[64], path[64];
	int fs, mnt, i;

	ASSERT_EQ(1, read(sock, buf, 1));
	snprintf(buf, sizeof(buf), "0 %d 1\n1 %d 1\n", USER, USER + 1);
	snprintf(path, sizeof(path), "/proc/%d/uid_map", pid);
	ASSERT_EQ(0, write_str(path, buf));
	snprintf(path, sizeof(path), "/proc/%d/gid_map", pid);
	ASSERT_EQ(0, write_str(path, buf));
	ASSERT_EQ(1, write(sock, "m", 1));
	fs = recvfd(sock);
	ASSERT_LE(0, fs);
	for (i = 0; i < (int)ARRAY_SIZE(opts); i++) {
		snprintf(buf, sizeof(buf), "0x%llx",
			 (unsigned long long)opts[i].mask);
		ASSERT_EQ(0, fsconfig_str(fs, opts[i].key, buf))
			TH_LOG("%s=%s: %s", opts[i].key, buf, strerror(errno));
	}
	ASSERT_EQ(0, syscall(__NR_fsconfig, fs, FSCONFIG_CMD_CREATE, NULL,
			     NULL, 0));
	mnt = syscall(__NR_fsmount, fs, 0, 0);
	ASSERT_LE(0, mnt);
	ASSERT_EQ(0, sendfd(sock, mnt));
	close(mnt);
	close(fs);
}

/*
 * Forks a delegated child that runs @fn(@arg, bpffs fd) and exits with its
 * result; returns the child's exit status.
 */
static int run_child(struct __test_metadata *const _metadata,
		     int (*fn)(void *arg, int bpffs), void *arg)
{
	int sv[2], status, bpffs;
	pid_t pid;

	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		close(sv[0]);
		bpffs = child_bpffs(sv[1]);
		close(sv[1]);
		_exit(bpffs < 0 ? ST_SETUP : fn(arg, bpffs));
	}
	close(sv[1]);
	parent_delegate(_metadata, sv[0], pid, &DELEG);
	close(sv[0]);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	return WIFEXITED(status) ? WEXITSTATUS(status) : ST_SIGNAL;
}

/* Forks a child in cgroup a without CAP_SYS_ADMIN; returns @fn's status. */
static int run_non_admin(struct __test_metadata *const _metadata,
			 int (*fn)(void))
{
	int status;
	pid_t pid;

	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		cg_enter_path(E.cga);
		if (drop_sys_admin())
			_exit(ST_SETUP);
		_exit(fn());
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	return WIFEXITED(status) ? WEXITSTATUS(status) : ST_SIGNAL;
}

static int token_create(int bpffs)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.token_create.bpffs_fd = bpffs;
	return sys_bpf(BPF_TOKEN_CREATE, &attr);
}

/* A socket filter, with BPF token @token unless negative. */
static int load_filter(__u32 expected_attach_type, int token)
{
	const struct bpf_insn insns[] = { MOV64_IMM(BPF_REG_0, 0), EXIT() };
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.prog_type = BPF_PROG_TYPE_SOCKET_FILTER;
	attr.expected_attach_type = expected_attach_type;
	attr.insns = (__u64)(unsigned long)insns;
	attr.insn_cnt = ARRAY_SIZE(insns);
	attr.license = (__u64)(unsigned long)"GPL";
	if (token >= 0) {
		attr.prog_flags = BPF_F_TOKEN_FD;
		attr.prog_token_fd = token;
	}
	return sys_bpf(BPF_PROG_LOAD, &attr);
}

/* A cgroup connect4 program (allows every connect). */
static int load_connect4(void)
{
	const struct bpf_insn insns[] = { MOV64_IMM(BPF_REG_0, 1), EXIT() };
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.prog_type = BPF_PROG_TYPE_CGROUP_SOCK_ADDR;
	attr.expected_attach_type = BPF_CGROUP_INET4_CONNECT;
	attr.insns = (__u64)(unsigned long)insns;
	attr.insn_cnt = ARRAY_SIZE(insns);
	attr.license = (__u64)(unsigned long)"GPL";
	return sys_bpf(BPF_PROG_LOAD, &attr);
}

/* A Checmate program for @hook that allows, with @token if not negative. */
static int load_allow(__u32 hook, int token)
{
	const struct bpf_insn insns[] = { MOV64_IMM(BPF_REG_0, 0), EXIT() };

	return load_insns_token(hook, BPF_CHECMATE, insns, ARRAY_SIZE(insns),
				token);
}

/* BPF_BTF_LOAD of data the kernel refuses, with @token if not negative. */
static int btf_load(int token)
{
	static const char junk[32];
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.btf = (__u64)(unsigned long)junk;
	attr.btf_size = sizeof(junk);
	if (token >= 0) {
		attr.btf_flags = BPF_F_TOKEN_FD;
		attr.btf_token_fd = token;
	}
	return sys_bpf(BPF_BTF_LOAD, &attr);
}

static int attach_type(int cgfd, int prog, __u32 type, int cmd)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.target_fd = cgfd;
	attr.attach_bpf_fd = prog;
	attr.attach_type = type;
	attr.attach_flags = cmd == BPF_PROG_ATTACH ? BPF_F_ALLOW_MULTI : 0;
	return sys_bpf(cmd, &attr);
}

static int link_type(int cgfd, int prog, __u32 type)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.link_create.prog_fd = prog;
	attr.link_create.target_fd = cgfd;
	attr.link_create.attach_type = type;
	return sys_bpf(BPF_LINK_CREATE, &attr);
}

static int query_type(int cgfd, __u32 type)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.query.target_fd = cgfd;
	attr.query.attach_type = type;
	if (sys_bpf(BPF_PROG_QUERY, &attr))
		return -1;
	return attr.query.prog_cnt;
}

/* CHECMATE_CTL_GET: the number of programs of @hook at @cgfd, or -1. */
static int ctl_count(int cgfd, __u32 hook)
{
	struct checmate_ctl ctl = {
		.op = CHECMATE_CTL_GET, .cgroup_fd = cgfd, .hook = hook,
	};

	if (checmate_ctl_sized(&ctl, sizeof(ctl)))
		return -1;
	return ctl.prog_cnt;
}

/*
 * The operations of the "hook" fixture. Each reaches its hook once, from
 * cgroup a, and returns its errno (0 if it succeeded); *@effect is set to
 * the number of things it did (maps or programs created, tokens, module
 * helper runs, files read), -1 if that cannot be seen.
 */
typedef int (*op_fn)(struct __test_metadata *const _metadata, int *effect);

static int op_map_create(struct __test_metadata *const _metadata,
			 int *effect)
{
	int fd, err, lowest = lowest_fd();
	__u32 id0, id1;

	id0 = new_map_id();
	ASSERT_NE(0, id0);
	enter_a(_metadata);
	fd = map_new(BPF_MAP_TYPE_HASH, 4, 8, 16, 0);
	err = fd < 0 ? errno : 0;
	leave(_metadata);
	if (fd >= 0)
		close(fd);
	else
		EXPECT_EQ(lowest, lowest_fd());
	id1 = new_map_id();
	ASSERT_NE(0, id1);
	*effect = id1 - id0 - 1;
	return err;
}

static int op_prog_load(struct __test_metadata *const _metadata,
			int *effect)
{
	int fd, err, lowest = lowest_fd();
	__u32 id0, id1;

	id0 = new_prog_id();
	ASSERT_NE(0, id0);
	enter_a(_metadata);
	fd = load_filter(0, -1);
	err = fd < 0 ? errno : 0;
	leave(_metadata);
	if (fd >= 0)
		close(fd);
	else
		EXPECT_EQ(lowest, lowest_fd());
	id1 = new_prog_id();
	ASSERT_NE(0, id1);
	*effect = id1 - id0 - 1;
	return err;
}

static int child_token(void *arg, int bpffs)
{
	int lowest = lowest_fd(), token, err;

	token = token_create(bpffs);
	if (token >= 0)
		return 0;
	err = errno;
	if (lowest_fd() != lowest)
		return ST_FD;
	return err < 200 ? err : ST_SETUP;
}

static int op_token_create(struct __test_metadata *const _metadata,
			   int *effect)
{
	int status = run_child(_metadata, child_token, NULL);

	ASSERT_GT(200, status) TH_LOG("delegated child: status %d", status);
	*effect = !status;
	return status;
}

static int op_module_request(struct __test_metadata *const _metadata,
			     int *effect)
{
	int fd, err;

	use_helper(_metadata);
	enter_a(_metadata);
	fd = socket(AF_APPLETALK, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	err = fd < 0 ? errno : 0;
	leave(_metadata);
	if (fd >= 0)
		close(fd);
	*effect = helper_runs("net-pf-5");
	return err;
}

static int op_read_file(struct __test_metadata *const _metadata, int *effect)
{
	const struct timespec old[2] = {
		{ .tv_sec = 1 }, { .tv_nsec = UTIME_OMIT },
	};
	struct stat st;
	int fd, err;

	/* Older than the mtime: a read updates the atime (relatime). */
	ASSERT_EQ(0, utimensat(AT_FDCWD, E.module, old, 0));
	fd = open(E.module, O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, fd);
	enter_a(_metadata);
	err = syscall(__NR_finit_module, fd, "", 0) ? errno : 0;
	leave(_metadata);
	ASSERT_EQ(0, fstat(fd, &st));
	close(fd);
	*effect = st.st_atime != 1;
	return err;
}

static int op_load_data(struct __test_metadata *const _metadata, int *effect)
{
	static char blob[4096];
	int err;

	enter_a(_metadata);
	err = syscall(__NR_init_module, blob, sizeof(blob), "") ? errno : 0;
	leave(_metadata);
	*effect = -1;
	return err;
}

FIXTURE(hook) {
};

FIXTURE_VARIANT(hook) {
	__u32 hook;
	const char *name;
	size_t ctx_size;
	op_fn op;
	int allowed;		/* the operation's errno when allowed */
	int errno_shown;	/* a deny's errno is the operation's */
};

FIXTURE_VARIANT_ADD(hook, bpf) {
	.hook = CHECMATE_HOOK_BPF,
	.name = "bpf",
	.ctx_size = sizeof(struct checmate_bpf_ctx),
	.op = op_map_create,
	.allowed = 0,
	.errno_shown = 1,
};

FIXTURE_VARIANT_ADD(hook, bpf_map_create) {
	.hook = CHECMATE_HOOK_BPF_MAP_CREATE,
	.name = "bpf_map_create",
	.ctx_size = sizeof(struct checmate_bpf_map_create_ctx),
	.op = op_map_create,
	.allowed = 0,
	.errno_shown = 1,
};

FIXTURE_VARIANT_ADD(hook, bpf_prog_load) {
	.hook = CHECMATE_HOOK_BPF_PROG_LOAD,
	.name = "bpf_prog_load",
	.ctx_size = sizeof(struct checmate_bpf_prog_load_ctx),
	.op = op_prog_load,
	.allowed = 0,
	.errno_shown = 1,
};

FIXTURE_VARIANT_ADD(hook, bpf_token_create) {
	.hook = CHECMATE_HOOK_BPF_TOKEN_CREATE,
	.name = "bpf_token_create",
	.ctx_size = sizeof(struct checmate_bpf_token_create_ctx),
	.op = op_token_create,
	.allowed = 0,
	.errno_shown = 1,
};

FIXTURE_VARIANT_ADD(hook, kernel_module_request) {
	.hook = CHECMATE_HOOK_KERNEL_MODULE_REQUEST,
	.name = "kernel_module_request",
	.ctx_size = sizeof(struct checmate_kernel_module_request_ctx),
	.op = op_module_request,
	/* No such module: what asked for it fails the same either way. */
	.allowed = EAFNOSUPPORT,
	.errno_shown = 0,
};

FIXTURE_VARIANT_ADD(hook, kernel_read_file) {
	.hook = CHECMATE_HOOK_KERNEL_READ_FILE,
	.name = "kernel_read_file",
	.ctx_size = sizeof(struct checmate_kernel_read_file_ctx),
	.op = op_read_file,
	/* Not an ELF object: load_module() refuses it. */
	.allowed = ENOEXEC,
	.errno_shown = 1,
};

FIXTURE_VARIANT_ADD(hook, kernel_load_data) {
	.hook = CHECMATE_HOOK_KERNEL_LOAD_DATA,
	.name = "kernel_load_data",
	.ctx_size = sizeof(struct checmate_kernel_load_data_ctx),
	.op = op_load_data,
	.allowed = ENOEXEC,
	.errno_shown = 1,
};

FIXTURE_SETUP(hook)
{
	setup(_metadata);
}

FIXTURE_TEARDOWN(hook)
{
	teardown(_metadata);
}

/* The operation with @err denying, as seen by the caller. */
static int denied(const struct _fixture_variant_hook *variant, int err)
{
	return variant->errno_shown ? err : variant->allowed;
}

/* The outcome of the operation run through variant->op. */
#define OP(eff) variant->op(_metadata, eff)

/* Without programs, the operation does what it does. */
TEST_F(hook, no_program)
{
	int eff;

	EXPECT_EQ(variant->allowed, OP(&eff));
	if (eff >= 0)
		EXPECT_EQ(1, eff);
}

/* A program returning 0 allows; the decision is counted. */
TEST_F(hook, allow)
{
	struct counts before, after;
	int map, eff;

	map = record(_metadata, E.afd, variant->hook, variant->ctx_size, 0);
	ASSERT_EQ(0, read_counts(variant->name, &before));
	EXPECT_EQ(variant->allowed, OP(&eff));
	ASSERT_EQ(0, read_counts(variant->name, &after));
	if (eff >= 0)
		EXPECT_EQ(1, eff);
	EXPECT_EQ(1, rec_n(_metadata, map));
	EXPECT_EQ(before.allow + 1, after.allow);
	EXPECT_EQ(before.deny, after.deny);
	EXPECT_EQ(before.rewrite, after.rewrite);
}

/* A deny fails the operation with the program's errno, and nothing done. */
TEST_F(hook, deny)
{
	struct counts before, after;
	int map, eff, prog;

	map = record(_metadata, E.afd, variant->hook, variant->ctx_size,
		     -PROG_ERRNO);
	ASSERT_EQ(0, read_counts(variant->name, &before));
	EXPECT_EQ(denied(variant, PROG_ERRNO), OP(&eff));
	ASSERT_EQ(0, read_counts(variant->name, &after));
	if (eff >= 0)
		EXPECT_EQ(0, eff);
	EXPECT_EQ(1, rec_n(_metadata, map));
	EXPECT_EQ(before.deny + 1, after.deny);
	EXPECT_EQ(before.allow, after.allow);

	/* Whatever errno the program picks. */
	detach(_metadata, E.progs[0].prog);
	prog = attach(_metadata, E.afd, load_ret(variant->hook, -PROG_ERRNO2));
	EXPECT_EQ(denied(variant, PROG_ERRNO2), OP(&eff));
	if (eff >= 0)
		EXPECT_EQ(0, eff);
	detach(_metadata, prog);

	/* Detached, it governs no more. */
	EXPECT_EQ(variant->allowed, OP(&eff));
	if (eff >= 0)
		EXPECT_EQ(1, eff);
}

/* A sibling cgroup's program does not govern. */
TEST_F(hook, sibling_not_governed)
{
	int map, eff;

	map = record(_metadata, E.bfd, variant->hook, variant->ctx_size,
		     -PROG_ERRNO);
	EXPECT_EQ(variant->allowed, OP(&eff));
	if (eff >= 0)
		EXPECT_EQ(1, eff);
	EXPECT_EQ(0, rec_n(_metadata, map));
}

/* The parent's program governs; every program runs, even after a deny. */
TEST_F(hook, parent_governs)
{
	int pmap, amap, eff;

	pmap = record(_metadata, E.pfd, variant->hook, variant->ctx_size,
		      -PROG_ERRNO);
	EXPECT_EQ(denied(variant, PROG_ERRNO), OP(&eff));
	if (eff >= 0)
		EXPECT_EQ(0, eff);
	EXPECT_EQ(1, rec_n(_metadata, pmap));

	/* The parent's deny beats the cgroup's own allow. */
	amap = record(_metadata, E.afd, variant->hook, variant->ctx_size, 0);
	EXPECT_EQ(denied(variant, PROG_ERRNO), OP(&eff));
	if (eff >= 0)
		EXPECT_EQ(0, eff);
	EXPECT_EQ(2, rec_n(_metadata, pmap));
	EXPECT_EQ(1, rec_n(_metadata, amap));
}

FIXTURE(kern) {
};

FIXTURE_SETUP(kern)
{
	setup(_metadata);
}

FIXTURE_TEARDOWN(kern)
{
	teardown(_metadata);
}

/* The hooks file lists the hooks in ABI order with their context sizes. */
TEST_F(kern, hooks_listed)
{
	static const struct {
		__u32 hook;
		const char *name;
		size_t size;
	} want[] = {
		{ CHECMATE_HOOK_BPF, "bpf", sizeof(struct checmate_bpf_ctx) },
		{ CHECMATE_HOOK_BPF_MAP_CREATE, "bpf_map_create",
		  sizeof(struct checmate_bpf_map_create_ctx) },
		{ CHECMATE_HOOK_BPF_PROG_LOAD, "bpf_prog_load",
		  sizeof(struct checmate_bpf_prog_load_ctx) },
		{ CHECMATE_HOOK_BPF_TOKEN_CREATE, "bpf_token_create",
		  sizeof(struct checmate_bpf_token_create_ctx) },
		{ CHECMATE_HOOK_KERNEL_MODULE_REQUEST, "kernel_module_request",
		  sizeof(struct checmate_kernel_module_request_ctx) },
		{ CHECMATE_HOOK_KERNEL_READ_FILE, "kernel_read_file",
		  sizeof(struct checmate_kernel_read_file_ctx) },
		{ CHECMATE_HOOK_KERNEL_LOAD_DATA, "kernel_load_data",
		  sizeof(struct checmate_kernel_load_data_ctx) },
	};
	char lines[__CHECMATE_HOOK_MAX][96], name[64];
	unsigned int size;
	int n = 1, i, got;
	FILE *f;

	f = fopen("/sys/kernel/security/checmate/hooks", "r");
	ASSERT_NE(NULL, f);
	while (n < __CHECMATE_HOOK_MAX && fgets(lines[n], sizeof(lines[n]), f))
		n++;
	fclose(f);
	for (i = 0; i < (int)ARRAY_SIZE(want); i++) {
		ASSERT_GT(n, (int)want[i].hook);
		got = sscanf(lines[want[i].hook], "%63s %u", name, &size);
		ASSERT_EQ(2, got);
		EXPECT_STREQ(want[i].name, name);
		EXPECT_EQ(want[i].size, size);
	}
}

/* bpf: every command, known or not, shows its number. */
TEST_F(kern, bpf_every_cmd)
{
	const int off = offsetof(struct checmate_bpf_ctx, cmd);
	union bpf_attr attr;
	int cmd, prog, ret, err;

	for (cmd = 0; cmd <= __MAX_BPF_CMD; cmd++) {
		/* __MAX_BPF_CMD: one no kernel knows, 1000 below. */
		int c = cmd == __MAX_BPF_CMD ? 1000 : cmd;

		prog = attach(_metadata, E.afd,
			      load_deny_if(CHECMATE_HOOK_BPF, off, c,
					   PROG_ERRNO));
		memset(&attr, 0, sizeof(attr));
		enter_a(_metadata);
		ret = syscall(__NR_bpf, c, &attr, sizeof(attr));
		err = ret < 0 ? errno : 0;
		leave(_metadata);
		if (ret >= 0)
			close(ret);
		detach(_metadata, prog);
		/* The init admin's Checmate commands are never shown. */
		EXPECT_EQ(c != BPF_CHECMATE_CTL, err == PROG_ERRNO)
			TH_LOG("cmd %d: errno %d", c, err);
	}
}

/* bpf: the fields each command shows, and zero for the others. */
TEST_F(kern, bpf_ctx)
{
	int map, fd, prog, link, other;
	__u32 val = 7;

	map = record(_metadata, E.afd, CHECMATE_HOOK_BPF,
		     sizeof(struct checmate_bpf_ctx), 0);

	enter_a(_metadata);
	fd = map_new(BPF_MAP_TYPE_LRU_HASH, 4, 8, 16, 0);
	leave(_metadata);
	EXPECT_LE(0, fd);
	close(fd);
	EXPECT_CTX(map, 1, 0, "BPF_MAP_CREATE",
		   BPF_MAP_CREATE, 0, BPF_MAP_TYPE_LRU_HASH, 0, 0);

	clear_rec(map);
	enter_a(_metadata);
	prog = load_connect4();
	leave(_metadata);
	ASSERT_LE(0, prog) TH_LOG("connect4 program: %s", strerror(errno));
	EXPECT_CTX(map, 1, 0, "BPF_PROG_LOAD",
		   BPF_PROG_LOAD, BPF_PROG_TYPE_CGROUP_SOCK_ADDR, 0,
		   BPF_CGROUP_INET4_CONNECT, 0);

	clear_rec(map);
	enter_a(_metadata);
	EXPECT_EQ(0, attach_type(E.bfd, prog, BPF_CGROUP_INET4_CONNECT,
				 BPF_PROG_ATTACH));
	leave(_metadata);
	EXPECT_CTX(map, 1, 0, "BPF_PROG_ATTACH",
		   BPF_PROG_ATTACH, 0, 0, BPF_CGROUP_INET4_CONNECT, 0);

	clear_rec(map);
	enter_a(_metadata);
	EXPECT_EQ(1, query_type(E.bfd, BPF_CGROUP_INET4_CONNECT));
	leave(_metadata);
	EXPECT_CTX(map, 1, 0, "BPF_PROG_QUERY",
		   BPF_PROG_QUERY, 0, 0, BPF_CGROUP_INET4_CONNECT, 0);

	clear_rec(map);
	enter_a(_metadata);
	EXPECT_EQ(0, attach_type(E.bfd, prog, BPF_CGROUP_INET4_CONNECT,
				 BPF_PROG_DETACH));
	leave(_metadata);
	EXPECT_CTX(map, 1, 0, "BPF_PROG_DETACH",
		   BPF_PROG_DETACH, 0, 0, BPF_CGROUP_INET4_CONNECT, 0);

	clear_rec(map);
	enter_a(_metadata);
	link = link_type(E.bfd, prog, BPF_CGROUP_INET4_CONNECT);
	leave(_metadata);
	EXPECT_LE(0, link) TH_LOG("BPF_LINK_CREATE: %s", strerror(errno));
	close(link);
	EXPECT_CTX(map, 1, 0, "BPF_LINK_CREATE",
		   BPF_LINK_CREATE, 0, 0, BPF_CGROUP_INET4_CONNECT, 0);

	clear_rec(map);
	enter_a(_metadata);
	EXPECT_EQ(-1, btf_load(-1));
	leave(_metadata);
	EXPECT_CTX(map, 1, 0, "BPF_BTF_LOAD", BPF_BTF_LOAD, 0, 0, 0, 0);

	/* Other commands show their number only. */
	other = map_new(BPF_MAP_TYPE_ARRAY, 4, 4, 1, 0);
	ASSERT_LE(0, other);
	clear_rec(map);
	enter_a(_metadata);
	EXPECT_EQ(0, map_update(other, 0, &val));
	EXPECT_NE(0, obj_id(prog));
	leave(_metadata);
	close(other);
	EXPECT_CTX(map, 2, 0, "BPF_MAP_UPDATE_ELEM",
		   BPF_MAP_UPDATE_ELEM, 0, 0, 0, 0);
	EXPECT_CTX(map, 2, 1, "BPF_OBJ_GET_INFO_BY_FD",
		   BPF_OBJ_GET_INFO_BY_FD, 0, 0, 0, 0);
	close(prog);

	/*
	 * Only Checmate programs are Checmate's: a socket filter claiming
	 * attach type BPF_CHECMATE is shown, even to the init admin.
	 */
	clear_rec(map);
	enter_a(_metadata);
	fd = load_filter(BPF_CHECMATE, -1);
	leave(_metadata);
	if (fd >= 0)
		close(fd);
	EXPECT_CTX(map, 1, 0, "socket filter for BPF_CHECMATE",
		   BPF_PROG_LOAD, BPF_PROG_TYPE_SOCKET_FILTER, 0,
		   BPF_CHECMATE, 0);
}

/* bpf: the init admin's Checmate commands are not shown. */
TEST_F(kern, bpf_admin_checmate_not_shown)
{
	int map, prog, link, fd;
	__u32 ids[4];

	map = record(_metadata, E.afd, CHECMATE_HOOK_BPF,
		     sizeof(struct checmate_bpf_ctx), 0);
	enter_a(_metadata);
	prog = load_allow(CHECMATE_HOOK_SOCKET_CONNECT, -1);
	EXPECT_LE(0, prog);
	EXPECT_EQ(0, prog_attach(E.bfd, prog, BPF_F_ALLOW_MULTI));
	EXPECT_EQ(1, query_count(E.bfd, 0, ids, 4));
	EXPECT_EQ(1, ctl_count(E.bfd, CHECMATE_HOOK_SOCKET_CONNECT));
	EXPECT_EQ(0, prog_detach(E.bfd, prog));
	link = link_create(E.bfd, prog);
	EXPECT_LE(0, link);
	EXPECT_EQ(0, checmate_ctl(CHECMATE_CTL_RESET, E.bfd,
				  CHECMATE_HOOK_SOCKET_CONNECT, 0));
	leave(_metadata);
	EXPECT_EQ(0, rec_n(_metadata, map));
	close(link);

	/* The recorder works: a map creation is shown. */
	enter_a(_metadata);
	fd = map_new(BPF_MAP_TYPE_ARRAY, 4, 4, 1, 0);
	leave(_metadata);
	EXPECT_LE(0, fd);
	close(fd);
	close(prog);
	EXPECT_CTX(map, 1, 0, "BPF_MAP_CREATE",
		   BPF_MAP_CREATE, 0, BPF_MAP_TYPE_ARRAY, 0, 0);
}

/*
 * bpf: a policy denying every command does not keep the init admin from
 * managing Checmate, and denies the rest with its errno.
 */
TEST_F(kern, bpf_deny_all_admin_manages)
{
	int deny, prog, prog2, link, fd, cnt;
	__u32 ids[4] = {}, id;

	deny = attach(_metadata, E.afd, load_ret(CHECMATE_HOOK_BPF,
						 -PROG_ERRNO));
	prog2 = load_allow(CHECMATE_HOOK_SOCKET_CONNECT, -1);
	ASSERT_LE(0, prog2);

	enter_a(_metadata);
	fd = map_new(BPF_MAP_TYPE_ARRAY, 4, 4, 1, 0);
	EXPECT_EQ(-1, fd);
	EXPECT_EQ(PROG_ERRNO, errno);
	fd = load_filter(0, -1);
	EXPECT_EQ(-1, fd);
	EXPECT_EQ(PROG_ERRNO, errno);
	EXPECT_EQ(0, obj_id(deny));
	EXPECT_EQ(PROG_ERRNO, errno);

	prog = load_allow(CHECMATE_HOOK_SOCKET_CONNECT, -1);
	EXPECT_LE(0, prog) TH_LOG("Checmate load: %s", strerror(errno));
	EXPECT_EQ(0, prog_attach(E.bfd, prog, BPF_F_ALLOW_MULTI))
		TH_LOG("BPF_PROG_ATTACH: %s", strerror(errno));
	link = link_create(E.bfd, prog2);
	EXPECT_LE(0, link) TH_LOG("BPF_LINK_CREATE: %s", strerror(errno));
	cnt = query_count(E.bfd, 0, ids, 4);
	EXPECT_EQ(2, cnt) TH_LOG("BPF_PROG_QUERY: %s", strerror(errno));
	EXPECT_EQ(2, ctl_count(E.bfd, CHECMATE_HOOK_SOCKET_CONNECT));
	EXPECT_EQ(1, ctl_count(E.afd, CHECMATE_HOOK_BPF));
	EXPECT_EQ(0, prog_detach(E.bfd, prog))
		TH_LOG("BPF_PROG_DETACH: %s", strerror(errno));
	EXPECT_EQ(0, checmate_ctl(CHECMATE_CTL_RESET, E.bfd,
				  CHECMATE_HOOK_SOCKET_CONNECT, 0));
	EXPECT_EQ(0, ctl_count(E.bfd, CHECMATE_HOOK_SOCKET_CONNECT));
	/* The policy itself goes with a reset. */
	EXPECT_EQ(0, checmate_ctl(CHECMATE_CTL_RESET, E.afd,
				  CHECMATE_HOOK_BPF, 0));
	fd = map_new(BPF_MAP_TYPE_ARRAY, 4, 4, 1, 0);
	EXPECT_LE(0, fd) TH_LOG("after reset: %s", strerror(errno));
	leave(_metadata);
	forget(deny);
	if (fd >= 0)
		close(fd);

	/* The queried ids were those of the programs attached. */
	id = obj_id(prog);
	EXPECT_TRUE(ids[0] == id || ids[1] == id);
	id = obj_id(prog2);
	EXPECT_TRUE(ids[0] == id || ids[1] == id);
	EXPECT_EQ(0, query_count(E.bfd, 0, NULL, 0));
	close(link);
	close(prog);
	close(prog2);
}

/*
 * Without CAP_SYS_ADMIN: Checmate commands are shown (BPF_CHECMATE_CTL is
 * refused to such a caller anyway; querying needs only CAP_NET_ADMIN).
 */
static int non_admin_calls(void)
{
	struct checmate_ctl ctl = {
		.op = CHECMATE_CTL_GET, .cgroup_fd = E.afd,
		.hook = CHECMATE_HOOK_BPF,
	};

	if (checmate_ctl_sized(&ctl, sizeof(ctl)) != -1 ||
	    errno != PROG_ERRNO)
		return 1;
	if (query_type(E.bfd, BPF_CHECMATE) == -1 && errno == PROG_ERRNO)
		return 2;
	return 0;
}

TEST_F(kern, bpf_non_admin_shown)
{
	int map;

	map = record(_metadata, E.afd, CHECMATE_HOOK_BPF,
		     sizeof(struct checmate_bpf_ctx), 0);
	attach(_metadata, E.afd,
	       load_deny_if(CHECMATE_HOOK_BPF,
			    offsetof(struct checmate_bpf_ctx, cmd),
			    BPF_CHECMATE_CTL, PROG_ERRNO));
	EXPECT_EQ(0, run_non_admin(_metadata, non_admin_calls));
	EXPECT_CTX(map, 2, 0, "BPF_CHECMATE_CTL",
		   BPF_CHECMATE_CTL, 0, 0, 0, 0);
	EXPECT_CTX(map, 2, 1, "BPF_PROG_QUERY",
		   BPF_PROG_QUERY, 0, 0, BPF_CHECMATE, 0);

	/* The init admin's, in the same cgroup, are not. */
	enter_a(_metadata);
	EXPECT_EQ(2, ctl_count(E.afd, CHECMATE_HOOK_BPF));
	leave(_metadata);
	EXPECT_EQ(2, rec_n(_metadata, map));
}

/*
 * A delegated caller: its token, and every command with it. Returns 0,
 * or the step that failed.
 */
static int delegated_calls(void *arg, int bpffs)
{
	union bpf_attr attr;
	struct checmate_ctl ctl;
	int token, prog;

	token = token_create(bpffs);
	if (token < 0)
		return 1;
	memset(&attr, 0, sizeof(attr));
	attr.map_type = BPF_MAP_TYPE_HASH;
	attr.key_size = 4;
	attr.value_size = 8;
	attr.max_entries = 16;
	attr.map_flags = BPF_F_NO_PREALLOC | BPF_F_TOKEN_FD;
	attr.map_token_fd = token;
	if (sys_bpf(BPF_MAP_CREATE, &attr) < 0)
		return 2;
	/* Socket filters ignore it; the token needs an attach type too. */
	if (load_filter(BPF_CGROUP_INET4_CONNECT, token) < 0)
		return 3;
	prog = load_allow(DELEG_HOOK, token);
	if (prog < 0)
		return 4;
	if (btf_load(token) != -1 || errno == PROG_ERRNO)
		return 5;
	if (checmate_get_token(&ctl, E.afd, DELEG_HOOK, token))
		return 6;
	if (prog_attach(E.afd, prog, BPF_F_ALLOW_MULTI))
		return 7;
	if (prog_detach(E.afd, prog))
		return 8;
	return 0;
}

/* A delegated caller's commands, its Checmate ones included, are shown. */
TEST_F(kern, delegated_ctx)
{
	int bpf, mc, pl, tc;

	bpf = record(_metadata, E.afd, CHECMATE_HOOK_BPF,
		     sizeof(struct checmate_bpf_ctx), 0);
	mc = record(_metadata, E.afd, CHECMATE_HOOK_BPF_MAP_CREATE,
		    sizeof(struct checmate_bpf_map_create_ctx), 0);
	pl = record(_metadata, E.afd, CHECMATE_HOOK_BPF_PROG_LOAD,
		    sizeof(struct checmate_bpf_prog_load_ctx), 0);
	tc = record(_metadata, E.afd, CHECMATE_HOOK_BPF_TOKEN_CREATE,
		    sizeof(struct checmate_bpf_token_create_ctx), 0);
	EXPECT_EQ(0, run_child(_metadata, delegated_calls, NULL));

	EXPECT_CTX(bpf, 8, 0, "BPF_TOKEN_CREATE", BPF_TOKEN_CREATE, 0, 0, 0, 0);
	EXPECT_CTX(bpf, 8, 1, "BPF_MAP_CREATE with token",
		   BPF_MAP_CREATE, 0, BPF_MAP_TYPE_HASH, 0, 1);
	EXPECT_CTX(bpf, 8, 2, "socket filter with token",
		   BPF_PROG_LOAD, BPF_PROG_TYPE_SOCKET_FILTER, 0,
		   BPF_CGROUP_INET4_CONNECT, 1);
	EXPECT_CTX(bpf, 8, 3, "Checmate program with token",
		   BPF_PROG_LOAD, BPF_PROG_TYPE_CHECMATE, 0, BPF_CHECMATE, 1);
	EXPECT_CTX(bpf, 8, 4, "BPF_BTF_LOAD with token",
		   BPF_BTF_LOAD, 0, 0, 0, 1);
	EXPECT_CTX(bpf, 8, 5, "BPF_CHECMATE_CTL with token",
		   BPF_CHECMATE_CTL, 0, 0, 0, 1);
	EXPECT_CTX(bpf, 8, 6, "delegated BPF_PROG_ATTACH",
		   BPF_PROG_ATTACH, 0, 0, BPF_CHECMATE, 0);
	EXPECT_CTX(bpf, 8, 7, "delegated BPF_PROG_DETACH",
		   BPF_PROG_DETACH, 0, 0, BPF_CHECMATE, 0);

	/* The flag is the map's: BPF_F_TOKEN_FD is the command's. */
	EXPECT_CTX(mc, 1, 0, "bpf_map_create with token",
		   BPF_MAP_TYPE_HASH, BPF_F_NO_PREALLOC, 4, 8, 16, 1);

	EXPECT_CTX(pl, 2, 0, "bpf_prog_load: socket filter with token",
		   BPF_PROG_TYPE_SOCKET_FILTER, BPF_CGROUP_INET4_CONNECT, 0, 1);
	EXPECT_CTX(pl, 2, 1, "bpf_prog_load: delegated Checmate program",
		   BPF_PROG_TYPE_CHECMATE, BPF_CHECMATE, DELEG_HOOK, 1);

	EXPECT_CTX(tc, 1, 0, "bpf_token_create",
		   (__u32)DELEG.cmds, DELEG.cmds >> 32,
		   (__u32)DELEG.maps, DELEG.maps >> 32,
		   (__u32)DELEG.progs, DELEG.progs >> 32,
		   (__u32)DELEG.attachs, DELEG.attachs >> 32,
		   1);
}

/* bpf_token_create: the depth of a token two user namespaces down. */
TEST_F(kern, token_create_depth)
{
	int map;

	map = record(_metadata, E.afd, CHECMATE_HOOK_BPF_TOKEN_CREATE,
		     sizeof(struct checmate_bpf_token_create_ctx), 0);
	E.nest = 1;
	EXPECT_EQ(0, run_child(_metadata, child_token, NULL));
	EXPECT_CTX(map, 1, 0, "bpf_token_create at depth 2",
		   (__u32)DELEG.cmds, DELEG.cmds >> 32,
		   (__u32)DELEG.maps, DELEG.maps >> 32,
		   (__u32)DELEG.progs, DELEG.progs >> 32,
		   (__u32)DELEG.attachs, DELEG.attachs >> 32,
		   2);
}

/* Denied Checmate commands of a delegated caller. */
static int delegated_denied(void *arg, int bpffs)
{
	struct checmate_ctl ctl;
	int token;

	token = token_create(bpffs);
	if (token < 0)
		return 1;
	if (load_allow(DELEG_HOOK, token) != -1 || errno != PROG_ERRNO2)
		return 2;
	if (checmate_get_token(&ctl, E.afd, DELEG_HOOK, token) != -1 ||
	    errno != PROG_ERRNO)
		return 3;
	return 0;
}

/* bpf: a policy can deny a delegated caller's Checmate commands. */
TEST_F(kern, delegated_checmate_denied)
{
	const int off = offsetof(struct checmate_bpf_ctx, cmd);
	int prog;

	attach(_metadata, E.afd, load_deny_if(CHECMATE_HOOK_BPF, off,
					      BPF_CHECMATE_CTL, PROG_ERRNO));
	attach(_metadata, E.afd, load_deny_if(CHECMATE_HOOK_BPF, off,
					      BPF_PROG_LOAD, PROG_ERRNO2));
	EXPECT_EQ(0, run_child(_metadata, delegated_denied, NULL));

	/* The init admin's are not denied; its other loads are. */
	enter_a(_metadata);
	prog = load_allow(DELEG_HOOK, -1);
	EXPECT_LE(0, prog) TH_LOG("Checmate load: %s", strerror(errno));
	EXPECT_EQ(2, ctl_count(E.afd, CHECMATE_HOOK_BPF));
	EXPECT_EQ(-1, load_filter(0, -1));
	EXPECT_EQ(PROG_ERRNO2, errno);
	leave(_metadata);
	close(prog);
}

/* bpf_map_create: every field of the map. */
TEST_F(kern, bpf_map_create_ctx)
{
	const __u32 hash_flags = BPF_F_NO_PREALLOC | BPF_F_RDONLY_PROG;
	int map, fd[3], i;

	map = record(_metadata, E.afd, CHECMATE_HOOK_BPF_MAP_CREATE,
		     sizeof(struct checmate_bpf_map_create_ctx), 0);
	enter_a(_metadata);
	fd[0] = map_new(BPF_MAP_TYPE_HASH, 8, 24, 7, hash_flags);
	fd[1] = map_new(BPF_MAP_TYPE_ARRAY, 4, 12, 3, BPF_F_MMAPABLE);
	fd[2] = map_new(BPF_MAP_TYPE_QUEUE, 0, 16, 5, 0);
	leave(_metadata);
	for (i = 0; i < 3; i++) {
		EXPECT_LE(0, fd[i]) TH_LOG("map %d: %s", i, strerror(errno));
		close(fd[i]);
	}
	EXPECT_CTX(map, 3, 0, "hash",
		   BPF_MAP_TYPE_HASH, hash_flags, 8, 24, 7, 0);
	EXPECT_CTX(map, 3, 1, "array",
		   BPF_MAP_TYPE_ARRAY, BPF_F_MMAPABLE, 4, 12, 3, 0);
	EXPECT_CTX(map, 3, 2, "queue", BPF_MAP_TYPE_QUEUE, 0, 0, 16, 5, 0);
}

/* bpf_prog_load: the program's fields; the init admin's Checmate not. */
TEST_F(kern, bpf_prog_load_ctx)
{
	int map, fd[3], i;

	map = record(_metadata, E.afd, CHECMATE_HOOK_BPF_PROG_LOAD,
		     sizeof(struct checmate_bpf_prog_load_ctx), 0);
	enter_a(_metadata);
	fd[0] = load_filter(0, -1);
	fd[1] = load_allow(CHECMATE_HOOK_KERNEL_LOAD_DATA, -1);
	fd[2] = load_connect4();
	leave(_metadata);
	for (i = 0; i < 3; i++) {
		EXPECT_LE(0, fd[i]) TH_LOG("prog %d: %s", i, strerror(errno));
		close(fd[i]);
	}
	EXPECT_CTX(map, 2, 0, "socket filter",
		   BPF_PROG_TYPE_SOCKET_FILTER, 0, 0, 0);
	EXPECT_CTX(map, 2, 1, "connect4",
		   BPF_PROG_TYPE_CGROUP_SOCK_ADDR, BPF_CGROUP_INET4_CONNECT,
		   0, 0);
}

/* kernel_module_request: the name asked for, and its length. */
TEST_F(kern, module_request_ctx)
{
	static const struct {
		int family;
		const char *name;
	} req[] = {
		{ AF_APPLETALK, "net-pf-5" },
		{ AF_MCTP, "net-pf-45" },
	};
	struct counts before, after;
	struct kout o;
	int map, fd, i;

	open_obj(_metadata);
	attach_obj_prog(_metadata, "kernel_module_request");
	map = record(_metadata, E.afd, CHECMATE_HOOK_KERNEL_MODULE_REQUEST,
		     sizeof(struct checmate_kernel_module_request_ctx), 0);
	use_helper(_metadata);

	for (i = 0; i < (int)ARRAY_SIZE(req); i++) {
		clear_rec(map);
		enter_a(_metadata);
		fd = socket(req[i].family, SOCK_DGRAM, 0);
		leave(_metadata);
		EXPECT_EQ(-1, fd);
		EXPECT_EQ(EAFNOSUPPORT, errno);
		EXPECT_EQ(1, helper_runs(req[i].name));
		EXPECT_CTX(map, 1, 0, req[i].name, strlen(req[i].name));
		o = read_kout(_metadata, OUT_MODULE_REQUEST);
		EXPECT_EQ(i + 1, o.calls);
		EXPECT_EQ(strlen(req[i].name), o.ctx[0]);
		EXPECT_EQ(strlen(req[i].name) + 1, o.name_ret);
		EXPECT_STREQ(req[i].name, o.name);
		EXPECT_EQ(-ENOENT, o.path_ret);
		EXPECT_EQ(-ENOENT, o.target_ret);
	}

	/* Denied: the helper does not run; the decision is counted. */
	set_kdeny(_metadata, 1 << OUT_MODULE_REQUEST);
	use_helper(_metadata);
	ASSERT_EQ(0, read_counts("kernel_module_request", &before));
	enter_a(_metadata);
	fd = socket(AF_APPLETALK, SOCK_DGRAM, 0);
	leave(_metadata);
	ASSERT_EQ(0, read_counts("kernel_module_request", &after));
	EXPECT_EQ(-1, fd);
	EXPECT_EQ(EAFNOSUPPORT, errno);
	EXPECT_EQ(0, helper_runs("net-pf-5"));
	EXPECT_TRUE(!exists(E.helper_log));
	EXPECT_EQ(before.deny + 1, after.deny);
	EXPECT_EQ(before.allow, after.allow);
	o = read_kout(_metadata, OUT_MODULE_REQUEST);
	EXPECT_EQ(3, o.calls);
	EXPECT_STREQ("net-pf-5", o.name);
	EXPECT_EQ(8, o.ctx[0]);
}

/* kernel_read_file: the file, what it is read for, and its path. */
TEST_F(kern, read_file_ctx)
{
	struct statvfs svfs;
	struct statfs sfs;
	struct stat st;
	struct kout o;
	int map, eff;
	__u32 flags = 0;

	ASSERT_EQ(0, stat(E.module, &st));
	ASSERT_EQ(0, statfs(E.module, &sfs));
	ASSERT_EQ(0, statvfs(E.module, &svfs));
	if (svfs.f_flag & ST_RDONLY)
		flags |= CHECMATE_MNT_RDONLY;
	if (svfs.f_flag & ST_NOSUID)
		flags |= CHECMATE_MNT_NOSUID;
	if (svfs.f_flag & ST_NODEV)
		flags |= CHECMATE_MNT_NODEV;
	if (svfs.f_flag & ST_NOEXEC)
		flags |= CHECMATE_MNT_NOEXEC;
	ASSERT_EQ(TMPFS_MAGIC, sfs.f_type);

	open_obj(_metadata);
	attach_obj_prog(_metadata, "kernel_read_file");
	map = record(_metadata, E.afd, CHECMATE_HOOK_KERNEL_READ_FILE,
		     sizeof(struct checmate_kernel_read_file_ctx), 0);
	EXPECT_EQ(ENOEXEC, op_read_file(_metadata, &eff));
	EXPECT_EQ(1, eff);
	EXPECT_CTX(map, 1, 0, "finit_module",
		   (__u32)st.st_ino, (__u32)(st.st_ino >> 32), (__u32)st.st_dev,
		   S_IFREG | 0640, UID1, GID1, TMPFS_MAGIC, flags,
		   CHECMATE_KERNEL_READ_MODULE, 1);
	o = read_kout(_metadata, OUT_READ_FILE);
	EXPECT_EQ(1, o.calls);
	EXPECT_EQ(strlen(E.module) + 1, o.path_ret);
	EXPECT_STREQ(E.module, o.path);
	EXPECT_EQ(-ENOENT, o.name_ret);
	EXPECT_EQ(-ENOENT, o.target_ret);
	EXPECT_EQ((__u32)st.st_ino, o.ctx[0]);
	EXPECT_EQ(CHECMATE_KERNEL_READ_MODULE, o.ctx[8]);
	EXPECT_EQ(1, o.ctx[9]);

	/* Denied: the errno is the program's, and the file is not read. */
	set_kdeny(_metadata, 1 << OUT_READ_FILE);
	EXPECT_EQ(PROG_ERRNO, op_read_file(_metadata, &eff));
	EXPECT_EQ(0, eff);
	EXPECT_EQ(2, rec_n(_metadata, map));
	EXPECT_EQ(2, read_kout(_metadata, OUT_READ_FILE).calls);
}

/* kernel_load_data: what the blob is; no strings. */
TEST_F(kern, load_data_ctx)
{
	struct kout o;
	int map, eff;

	open_obj(_metadata);
	attach_obj_prog(_metadata, "kernel_load_data");
	map = record(_metadata, E.afd, CHECMATE_HOOK_KERNEL_LOAD_DATA,
		     sizeof(struct checmate_kernel_load_data_ctx), 0);
	EXPECT_EQ(ENOEXEC, op_load_data(_metadata, &eff));
	EXPECT_CTX(map, 1, 0, "init_module", CHECMATE_KERNEL_READ_MODULE, 1);
	o = read_kout(_metadata, OUT_LOAD_DATA);
	EXPECT_EQ(1, o.calls);
	EXPECT_EQ(CHECMATE_KERNEL_READ_MODULE, o.ctx[0]);
	EXPECT_EQ(1, o.ctx[1]);
	EXPECT_EQ(-ENOENT, o.name_ret);
	EXPECT_EQ(-ENOENT, o.path_ret);
	EXPECT_EQ(-ENOENT, o.target_ret);

	set_kdeny(_metadata, 1 << OUT_LOAD_DATA);
	EXPECT_EQ(PROG_ERRNO, op_load_data(_metadata, &eff));
	EXPECT_EQ(2, rec_n(_metadata, map));
}

TEST_HARNESS_MAIN
