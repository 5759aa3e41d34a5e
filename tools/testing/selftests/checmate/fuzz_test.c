// SPDX-License-Identifier: GPL-2.0
/*
 * Checmate LSM - seeded fuzzing of BPF_CHECMATE_CTL, attach and load
 *
 * Every case builds a valid request and corrupts exactly one thing, drawn
 * from classes whose errno Documentation/userspace-api/checmate.rst gives;
 * the value used is random bits or a boundary. The call must fail with
 * exactly that errno and change nothing: the test's cgroup keeps no
 * program and no seal on any hook. Each test logs its seed, taken from
 * CHECMATE_SEED if set (which replays a run), else from the clock.
 */

#include <limits.h>
#include <sys/mman.h>
#include <time.h>

#include "common.h"

#define CTL_CASES	1500
#define ATTACH_CASES	600
#define LOAD_CASES	900
#define MAX_MISMATCHES	20	/* then the test stops */

#define MAX_ERRNO	4095
#define NR_HOOKS	(__CHECMATE_HOOK_MAX - 1)
#define NR_OTHER	5	/* open fds that are no cgroup and no program */
#define ptr(p)		((__u64)(unsigned long)(p))
#define CTL_END		(offsetof(union bpf_attr, checmate_ctl.token_fd) + 4)
#define ALL_SEALS	(CHECMATE_SEAL_DENY_RESET | \
			 CHECMATE_SEAL_APPEND_ONLY | CHECMATE_SEAL_LOCKED)
#define ATTACH_FLAGS	(BPF_F_ALLOW_OVERRIDE | BPF_F_ALLOW_MULTI | \
			 BPF_F_REPLACE | BPF_F_BEFORE | BPF_F_AFTER | \
			 BPF_F_ID | BPF_F_PREORDER | BPF_F_LINK)
#define MOV32_IMM(d, i)	INSN(BPF_ALU | BPF_MOV | BPF_K, d, 0, 0, i)
#define CTX(s)		sizeof(struct checmate_##s##_ctx)
/* socket_bind: family and protocol are read-only, addr and port are not */
#define BIND_RO_END	offsetof(struct checmate_socket_bind_ctx, addr)
#define NO_ACCESS	INT_MIN	/* a program without context access */

static const __u32 ctx_size[__CHECMATE_HOOK_MAX] = {
	[CHECMATE_HOOK_SOCKET_CREATE] = CTX(socket_create),
	[CHECMATE_HOOK_SOCKET_BIND] = CTX(socket_bind),
	[CHECMATE_HOOK_SOCKET_CONNECT] = CTX(socket_connect),
	[CHECMATE_HOOK_SOCKET_LISTEN] = CTX(socket_listen),
	[CHECMATE_HOOK_SOCKET_SENDMSG] = CTX(socket_sendmsg),
	[CHECMATE_HOOK_INET_CONN_REQUEST] = CTX(inet_conn_request),
	[CHECMATE_HOOK_FILE_OPEN] = CTX(file_open),
	[CHECMATE_HOOK_PATH_MKNOD] = CTX(path_mknod),
	[CHECMATE_HOOK_PATH_MKDIR] = CTX(path_mkdir),
	[CHECMATE_HOOK_PATH_RMDIR] = CTX(path_rmdir),
	[CHECMATE_HOOK_PATH_UNLINK] = CTX(path_unlink),
	[CHECMATE_HOOK_PATH_SYMLINK] = CTX(path_symlink),
	[CHECMATE_HOOK_PATH_LINK] = CTX(path_link),
	[CHECMATE_HOOK_PATH_RENAME] = CTX(path_rename),
	[CHECMATE_HOOK_PATH_TRUNCATE] = CTX(path_truncate),
	[CHECMATE_HOOK_PATH_CHMOD] = CTX(path_chmod),
	[CHECMATE_HOOK_PATH_CHOWN] = CTX(path_chown),
	[CHECMATE_HOOK_PATH_CHROOT] = CTX(path_chroot),
	[CHECMATE_HOOK_BPRM_CHECK_SECURITY] = CTX(bprm_check_security),
	[CHECMATE_HOOK_SB_MOUNT] = CTX(sb_mount),
	[CHECMATE_HOOK_MOVE_MOUNT] = CTX(move_mount),
	[CHECMATE_HOOK_SB_UMOUNT] = CTX(sb_umount),
	[CHECMATE_HOOK_SB_REMOUNT] = CTX(sb_remount),
	[CHECMATE_HOOK_SB_PIVOTROOT] = CTX(sb_pivotroot),
	[CHECMATE_HOOK_MMAP_FILE] = CTX(mmap_file),
	[CHECMATE_HOOK_PTRACE_ACCESS_CHECK] = CTX(ptrace_access_check),
	[CHECMATE_HOOK_PTRACE_TRACEME] = CTX(ptrace_traceme),
	[CHECMATE_HOOK_TASK_KILL] = CTX(task_kill),
	[CHECMATE_HOOK_USERNS_CREATE] = CTX(userns_create),
	[CHECMATE_HOOK_CAPABLE] = CTX(capable),
	[CHECMATE_HOOK_BPF] = CTX(bpf),
	[CHECMATE_HOOK_BPF_MAP_CREATE] = CTX(bpf_map_create),
	[CHECMATE_HOOK_BPF_PROG_LOAD] = CTX(bpf_prog_load),
	[CHECMATE_HOOK_BPF_TOKEN_CREATE] = CTX(bpf_token_create),
	[CHECMATE_HOOK_KERNEL_MODULE_REQUEST] = CTX(kernel_module_request),
	[CHECMATE_HOOK_KERNEL_READ_FILE] = CTX(kernel_read_file),
	[CHECMATE_HOOK_KERNEL_LOAD_DATA] = CTX(kernel_load_data),
	[CHECMATE_HOOK_SOCKET_RECVMSG] = CTX(socket_recvmsg),
	[CHECMATE_HOOK_SOCKET_SOCK_RCV_SKB] = CTX(socket_sock_rcv_skb),
	[CHECMATE_HOOK_SOCKET_ACCEPT] = CTX(socket_accept),
};

/*
 * BPF_FUNC_* numbers (stable ABI) of the helpers the documentation lists;
 * the last four, the current task's, not for inet_conn_request.
 */
static const __s32 helpers[] = {
	1, 2, 3, 87, 88, 89, 164, 130, 131, 132, 133, 134, 5, 125, 160, 208,
	118, 7, 8, 42, 93, 94, 181, 14, 15, 16, 80,
};

static bool offered(__u32 hook, __s32 id)
{
	size_t i, n = ARRAY_SIZE(helpers) -
		      (hook == CHECMATE_HOOK_INET_CONN_REQUEST ||
		       hook == CHECMATE_HOOK_SOCKET_SOCK_RCV_SKB ? 4 : 0);

	for (i = 0; i < n; i++)
		if (helpers[i] == id)
			return true;
	return false;
}

static __u64 rng;

/* xorshift64*: a run depends on its seed only (never rand()). */
static __u64 rnd64(void)
{
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return rng * 0x2545f4914f6cdd1dULL;
}

/* Uniform in [lo, hi]. */
static __u32 rnd_in(__u32 lo, __u32 hi)
{
	return lo + (rnd64() >> 16) % ((__u64)hi - lo + 1);
}

/* In [lo, hi]: a boundary or near one, or random bits. */
static __u32 pick(__u32 lo, __u32 hi)
{
	__u32 r = rnd_in(0, 3), near = rnd_in(0, hi - lo < 15 ? hi - lo : 15);

	return r == 0 ? lo + near : r == 1 ? hi - near : rnd_in(lo, hi);
}

struct fuzz {
	char cg[64], vals[256];
	const char *cls;
	int cgfd, filter, prog[__CHECMATE_HOOK_MAX], other[NR_OTHER];
	char *mem;	/* a page, a read-only page, two inaccessible pages */
	__u32 pagesz;
	__u64 seed;
	int n, mismatches;
};

FIXTURE(fuzz) {
	struct fuzz f;
};

FIXTURE_SETUP(fuzz)
{
	union bpf_attr attr = { .map_type = BPF_MAP_TYPE_ARRAY, .key_size = 4,
				.value_size = 4, .max_entries = 1 };
	struct fuzz *f = &self->f;
	char path[128];
	__u32 hook;
	int i;

	snprintf(f->cg, sizeof(f->cg), "checmate_fuzz_%d", getpid());
	f->cgfd = cg_create(_metadata, f->cg);
	for (hook = 1; hook <= NR_HOOKS; hook++)
		f->prog[hook] = load_ret(hook, 0);
	f->filter = load_socket_filter();
	snprintf(path, sizeof(path), CGROOT "/%s/cgroup.procs", f->cg);
	f->other[0] = open("/dev/null", O_RDWR | O_CLOEXEC);
	f->other[1] = open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	f->other[2] = open(path, O_RDONLY | O_CLOEXEC);
	f->other[3] = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	f->other[4] = sys_bpf(BPF_MAP_CREATE, &attr);
	for (i = 0; i < NR_OTHER; i++)
		ASSERT_LE(0, f->other[i]) TH_LOG("%d: %s", i, strerror(errno));
	for (hook = 1; hook <= NR_HOOKS; hook++)
		ASSERT_LE(0, f->prog[hook]) TH_LOG("hook %u", hook);
	ASSERT_LE(0, f->filter);
	f->pagesz = getpagesize();
	f->mem = mmap(NULL, 4 * f->pagesz, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, f->mem);
	ASSERT_EQ(0, mprotect(f->mem + 2 * f->pagesz, 2 * f->pagesz,
			      PROT_NONE));
}

FIXTURE_TEARDOWN(fuzz)
{
	struct fuzz *f = &self->f;
	__u32 hook;
	int i;

	/* The final check: nothing attached, nothing sealed. */
	EXPECT_EQ(0, query_count(f->cgfd, 0, NULL, 0));
	for (hook = 1; hook <= NR_HOOKS; hook++) {
		EXPECT_EQ(0, checmate_seals(f->cgfd, hook));
		close(f->prog[hook]);
	}
	for (i = 0; i < NR_OTHER; i++)
		close(f->other[i]);
	munmap(f->mem, 4 * f->pagesz);
	close(f->filter);
	close(f->cgfd);
	cg_remove(f->cg);
}

/* A closed fd (@kind 0), or also an fd that is no cgroup (1), no program. */
static __u32 bad_fd(struct fuzz *f, int kind)
{
	__u32 fd, i = rnd_in(0, NR_OTHER + 2);

	if (kind && i < NR_OTHER)
		return f->other[i];
	if (kind && i < NR_OTHER + 2)
		return kind == 1 ? f->prog[i - NR_OTHER + 1] : f->cgfd;
	do {
		fd = rnd_in(0, 1) ? pick(3, 4095) : pick(4096, UINT_MAX);
	} while (fcntl((int)fd, F_GETFD) != -1);
	return fd;
}

static void seed_rng(struct __test_metadata *_metadata, struct fuzz *f,
		     __u64 salt)
{
	const char *env = getenv("CHECMATE_SEED");
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	f->seed = env && *env ? strtoull(env, NULL, 0) :
		  ts.tv_sec * 1000000000ULL + ts.tv_nsec;
	TH_LOG("seed %llu (CHECMATE_SEED=%llu replays it)", f->seed, f->seed);
	rng = (f->seed ^ salt) * 0x9e3779b97f4a7c15ULL | 1;
}

/*
 * The call returned @ret: it must have failed with exactly @want (or, for
 * the valid request, succeeded), and the test's cgroup must still have no
 * program and no seal.
 */
static bool check(struct __test_metadata *_metadata, struct fuzz *f,
		  int ret, int want)
{
	int got = ret < 0 ? errno : 0;
	__u32 hook;

	if (got != want) {
		EXPECT_EQ(want, got) {
			TH_LOG("seed %llu case %d, %s (%s): returned %d, %s",
			       f->seed, f->n, f->cls, f->vals, ret,
			       ret < 0 ? strerror(got) : "success");
		}
		ASSERT_GT(MAX_MISMATCHES, ++f->mismatches)
			TH_LOG("too many mismatches, stopping");
	}
	ASSERT_EQ(0, query_count(f->cgfd, 0, NULL, 0))
		TH_LOG("seed %llu case %d, %s (%s): a program was attached",
		       f->seed, f->n, f->cls, f->vals);
	for (hook = 1; hook <= NR_HOOKS; hook++) {
		ASSERT_EQ(0, checmate_seals(f->cgfd, hook))
			TH_LOG("seed %llu case %d, %s (%s): hook %u sealed",
			       f->seed, f->n, f->cls, f->vals, hook);
	}
	return got == want;
}

struct fuzz_class {
	const char *name;
	int err;
	int base;	/* BPF_CHECMATE_CTL: GET, PROG_INFO or either */
};

enum { ON_GET, ON_INFO, ON_ANY };

enum {
	CTL_OP, CTL_HOOK, CTL_SEALS, CTL_SEAL, CTL_OUTPUT, CTL_PROG_FD,
	CTL_SMALL, CTL_HUGE, CTL_TAIL, CTL_FLAGS, CTL_TOKEN, CTL_TOKEN_FD,
	CTL_NOT_TOKEN, CTL_ATTR_TAIL, CTL_CGROUP, CTL_FAULT, INFO_PROG,
	INFO_TYPE, INFO_FIELDS, CTL_VALID, CTL_CLASSES
};

static const struct fuzz_class ctl_classes[CTL_CLASSES] = {
	[CTL_OP] = { "unknown op", EINVAL, ON_ANY },
	[CTL_HOOK] = { "unknown hook", EINVAL, ON_GET },
	[CTL_SEALS] = { "seals for get or reset", EINVAL, ON_GET },
	[CTL_SEAL] = { "no or unknown seal", EINVAL, ON_GET },
	[CTL_OUTPUT] = { "non-zero output field", EINVAL, ON_ANY },
	[CTL_PROG_FD] = { "prog_fd for get", EINVAL, ON_GET },
	[CTL_SMALL] = { "size below VER0 (VER1 for info)", EINVAL, ON_ANY },
	[CTL_HUGE] = { "size above a page", E2BIG, ON_ANY },
	[CTL_TAIL] = { "non-zero unknown byte", E2BIG, ON_ANY },
	[CTL_FLAGS] = { "unknown attr flags", EINVAL, ON_ANY },
	[CTL_TOKEN] = { "token_fd without flag", EINVAL, ON_ANY },
	[CTL_TOKEN_FD] = { "token_fd not open", EBADF, ON_ANY },
	[CTL_NOT_TOKEN] = { "token_fd not a token", EINVAL, ON_ANY },
	[CTL_ATTR_TAIL] = { "non-zero attr tail", EINVAL, ON_ANY },
	[CTL_CGROUP] = { "cgroup_fd not a cgroup", EBADF, ON_GET },
	[CTL_FAULT] = { "ctl unreadable or read-only", EFAULT, ON_ANY },
	[INFO_PROG] = { "prog_fd not a program", EBADF, ON_INFO },
	[INFO_TYPE] = { "prog_fd a socket filter", EINVAL, ON_INFO },
	[INFO_FIELDS] = { "info with cgroup, hook or seals", EINVAL, ON_INFO },
	[CTL_VALID] = { "none (the valid request)", 0, ON_ANY },
};

/* prog_cnt, effective_prog_cnt, prog_flags, delegated_seals */
static const __u32 out_fields[] = { 16, 20, 28, 32 };

TEST_F_TIMEOUT(fuzz, ctl, 120)
{
	static const __u32 sizes[] = { CHECMATE_CTL_SIZE_VER0,
		CHECMATE_CTL_SIZE_VER1, CHECMATE_CTL_SIZE_VER2, 0 };
	struct fuzz *f = &self->f;
	struct checmate_ctl *c = (void *)f->mem;
	char *ro = f->mem + f->pagesz, *none = ro + f->pagesz;
	const struct fuzz_class *k;
	union bpf_attr attr;
	__u32 size, v, x, i;
	bool info;
	char *p;

	seed_rng(_metadata, f, 1);
	for (f->n = 0; f->n < CTL_CASES; f->n++) {
		k = &ctl_classes[rnd_in(0, CTL_CLASSES - 1)];
		info = k->base == ON_ANY ? !rnd_in(0, 3) : k->base == ON_INFO;
		/* valid: GET of a hook, or PROG_INFO of a program */
		memset(f->mem, 0, f->pagesz);
		memset(&attr, 0, sizeof(attr));
		attr.checmate_ctl.ctl = ptr(c);
		size = sizes[rnd_in(info, 3)] ? : rnd_in(sizeof(*c) + 1,
							 f->pagesz);
		c->op = info ? CHECMATE_CTL_PROG_INFO : CHECMATE_CTL_GET;
		x = rnd_in(1, NR_HOOKS);
		c->prog_fd = info ? f->prog[x] : 0;
		c->cgroup_fd = info ? 0 : f->cgfd;
		c->hook = info ? 0 : x;
		v = pick(1, UINT_MAX);
		x = rnd_in(0, 2);
		switch (k - ctl_classes) {
		case CTL_OP:
			c->op = x ? pick(__CHECMATE_CTL_MAX, UINT_MAX) : 0;
			break;
		case CTL_HOOK:
			c->hook = x ? pick(__CHECMATE_HOOK_MAX, UINT_MAX) : 0;
			break;
		case CTL_SEALS:
			c->op = x ? CHECMATE_CTL_GET : CHECMATE_CTL_RESET;
			c->seals = v;
			break;
		case CTL_SEAL:	/* never a valid seal: it changes the hook */
			c->op = CHECMATE_CTL_SEAL;
			c->seals = x ? v | (v & ~ALL_SEALS ? 0 :
					    1U << rnd_in(3, 31)) : 0;
			break;
		case CTL_OUTPUT:
			x = out_fields[rnd_in(0, 3)];
			*(__u32 *)(f->mem + x) = v;
			size = size < x + 4 ? x + 4 : size;
			break;
		case CTL_PROG_FD:
			c->prog_fd = x ? v : f->prog[c->hook];
			size = size < 32 ? 32 : size;
			break;
		case CTL_SMALL:
			size = pick(0, (info ? CHECMATE_CTL_SIZE_VER1 :
					CHECMATE_CTL_SIZE_VER0) - 1);
			break;
		case CTL_HUGE:
			size = pick(f->pagesz + 1, UINT_MAX);
			break;
		case CTL_TAIL:
			size = pick(sizeof(*c) + 1, f->pagesz);
			x = rnd_in(sizeof(*c), size - 1);
			f->mem[x] = rnd_in(1, 255);
			break;
		case CTL_FLAGS:
			attr.checmate_ctl.flags = v & ~BPF_F_TOKEN_FD ? :
						  1U << rnd_in(17, 31);
			break;
		case CTL_TOKEN:
			attr.checmate_ctl.token_fd = v;
			break;
		case CTL_TOKEN_FD:
			attr.checmate_ctl.flags = BPF_F_TOKEN_FD;
			attr.checmate_ctl.token_fd = bad_fd(f, 0);
			break;
		case CTL_NOT_TOKEN:	/* an open fd of another kind */
			attr.checmate_ctl.flags = BPF_F_TOKEN_FD;
			attr.checmate_ctl.token_fd = !x ? f->cgfd :
						     f->other[v % NR_OTHER];
			break;
		case CTL_ATTR_TAIL:
			x = rnd_in(CTL_END, sizeof(attr) - 1);
			((char *)&attr)[x] = rnd_in(1, 255);
			break;
		case CTL_CGROUP:
			c->cgroup_fd = bad_fd(f, 1);
			break;
		case CTL_FAULT:	/* read-only (no write-back), or unreadable */
			mprotect(ro, f->pagesz, PROT_READ | PROT_WRITE);
			memcpy(ro, f->mem, f->pagesz);
			ASSERT_EQ(0, mprotect(ro, f->pagesz, PROT_READ));
			v = rnd_in(0, f->pagesz - 1);
			attr.checmate_ctl.ctl = x == 0 ? ptr(ro) :
				x == 1 ? ptr(none + v) :
				rnd_in(0, 1) ? v : rnd64() | 1ULL << 47;
			break;
		case INFO_PROG:
			c->prog_fd = bad_fd(f, 2);
			break;
		case INFO_TYPE:
			c->prog_fd = f->filter;
			break;
		case INFO_FIELDS:
			if (x == 0)
				c->cgroup_fd = rnd_in(0, 1) ? f->cgfd : v;
			else if (x == 1)
				c->hook = v;
			else
				c->seals = v;
			break;
		}
		attr.checmate_ctl.size = size;
		f->cls = k->name;
		for (p = f->vals, i = 0; i < sizeof(*c) / 4; i++)
			p += sprintf(p, "%#x ", ((__u32 *)c)[i]);
		sprintf(p, "size %u ctl %#llx flags %#x token_fd %d x %u",
			size, (unsigned long long)attr.checmate_ctl.ctl,
			attr.checmate_ctl.flags, attr.checmate_ctl.token_fd, x);
		check(_metadata, f, sys_bpf(BPF_CHECMATE_CTL, &attr), k->err);
	}
}

enum {
	AT_MULTI, AT_FLAGS, AT_TARGET, AT_PROG, AT_TYPE, AT_VALID, AT_CLASSES
};

static const struct fuzz_class attach_classes[AT_CLASSES] = {
	[AT_MULTI] = { "flags without BPF_F_ALLOW_MULTI", EINVAL },
	[AT_FLAGS] = { "unknown attach flags", EINVAL },
	[AT_TARGET] = { "target_fd not a cgroup", EBADF },
	[AT_PROG] = { "attach_bpf_fd not open", EBADF },
	[AT_TYPE] = { "attach_bpf_fd a socket filter", EINVAL },
	[AT_VALID] = { "none (the valid request)", 0 },
};

TEST_F_TIMEOUT(fuzz, attach, 120)
{
	struct fuzz *f = &self->f;
	const struct fuzz_class *k;
	union bpf_attr attr;
	__u32 v;
	int ret;

	seed_rng(_metadata, f, 2);
	for (f->n = 0; f->n < ATTACH_CASES; f->n++) {
		k = &attach_classes[rnd_in(0, AT_CLASSES - 1)];
		memset(&attr, 0, sizeof(attr));
		attr.target_fd = f->cgfd;
		attr.attach_bpf_fd = f->prog[rnd_in(1, NR_HOOKS)];
		attr.attach_type = BPF_CHECMATE;
		attr.attach_flags = BPF_F_ALLOW_MULTI;
		v = pick(1, UINT_MAX);
		switch (k - attach_classes) {
		case AT_MULTI:	/* 0, BPF_F_ALLOW_OVERRIDE or known flags */
			v = rnd_in(0, 2) ? rnd64() & ATTACH_FLAGS :
			    rnd_in(0, 1) * BPF_F_ALLOW_OVERRIDE;
			attr.attach_flags = v & ~BPF_F_ALLOW_MULTI;
			break;
		case AT_FLAGS:
			attr.attach_flags |= v & ~ATTACH_FLAGS ? v :
					     v | 1U << rnd_in(14, 31);
			break;
		case AT_TARGET:
			attr.target_fd = bad_fd(f, 1);
			break;
		case AT_PROG:
			attr.attach_bpf_fd = bad_fd(f, 0);
			break;
		case AT_TYPE:
			attr.attach_bpf_fd = f->filter;
			break;
		}
		f->cls = k->name;
		snprintf(f->vals, sizeof(f->vals),
			 "target_fd %u attach_bpf_fd %u attach_flags %#x",
			 attr.target_fd, attr.attach_bpf_fd, attr.attach_flags);
		ret = sys_bpf(BPF_PROG_ATTACH, &attr);
		if (!ret)	/* undo it (and fail unless valid) */
			prog_detach(attr.target_fd, attr.attach_bpf_fd);
		check(_metadata, f, ret, k->err);
	}
}

enum {
	LD_HOOK, LD_TYPE, LD_RET, LD_OOB, LD_MISALIGNED, LD_WIDE, LD_WRITE_RO,
	LD_WRITE_NARROW, LD_ATTACH_PROG, LD_HELPER, LD_VALID, LD_CLASSES
};

static const struct fuzz_class load_classes[LD_CLASSES] = {
	[LD_HOOK] = { "unknown hook", EINVAL },
	[LD_TYPE] = { "expected_attach_type not BPF_CHECMATE", EINVAL },
	[LD_RET] = { "return value outside [-4095, 0]", EINVAL },
	[LD_OOB] = { "context read out of bounds", EACCES },
	[LD_MISALIGNED] = { "misaligned context read", EACCES },
	[LD_WIDE] = { "8-byte context read", EACCES },
	[LD_WRITE_RO] = { "write to a read-only field", EACCES },
	[LD_WRITE_NARROW] = { "narrow write to addr or port", EACCES },
	[LD_ATTACH_PROG] = { "attach_prog_fd not zero", EINVAL },
	[LD_HELPER] = { "helper not offered", EINVAL },
	[LD_VALID] = { "none (the valid program)", 0 },
};

static const __u8 width[] = {
	[1] = BPF_B, [2] = BPF_H, [4] = BPF_W, [8] = BPF_DW,
};

TEST_F_TIMEOUT(fuzz, load, 120)
{
	static char log[65536];
	struct fuzz *f = &self->f;
	const struct fuzz_class *k;
	struct bpf_insn insns[4];
	__u32 hook, size, w, v;
	union bpf_attr attr;
	int n, off, ret;
	char *p;

	seed_rng(_metadata, f, 3);
	for (f->n = 0; f->n < LOAD_CASES; f->n++) {
		k = &load_classes[rnd_in(0, LD_CLASSES - 1)];
		hook = k - load_classes == LD_WRITE_NARROW ?
		       CHECMATE_HOOK_SOCKET_BIND : rnd_in(1, NR_HOOKS);
		size = ctx_size[hook];
		w = 1U << rnd_in(0, 2);
		v = rnd64();
		off = NO_ACCESS;
		memset(&attr, 0, sizeof(attr));
		attr.expected_attach_type = BPF_CHECMATE;
		n = 0;
		switch (k - load_classes) {
		case LD_HOOK:
			hook = rnd_in(0, 1) ? pick(__CHECMATE_HOOK_MAX,
						   UINT_MAX) : 0;
			break;
		case LD_TYPE:
			v = rnd_in(0, 3) ? pick(0, UINT_MAX) :
			    BPF_CHECMATE - 1 + 2 * rnd_in(0, 1);
			attr.expected_attach_type = v == BPF_CHECMATE ? 0 : v;
			break;
		case LD_RET:
			v = rnd_in(0, 1) ? pick(1, INT_MAX) :
			    pick(1U << 31, -(MAX_ERRNO + 1U));
			insns[n++] = rnd_in(0, 1) ? MOV64_IMM(BPF_REG_0, v) :
				     MOV32_IMM(BPF_REG_0, v);
			break;
		case LD_OOB:
			off = rnd_in(0, 1) ? (int)pick(size, SHRT_MAX) :
			      -(int)pick(1, -SHRT_MIN);
			break;
		case LD_MISALIGNED:
			w = 2U << rnd_in(0, 1);
			off = w * rnd_in(0, size / w - 1) + rnd_in(1, w - 1);
			break;
		case LD_WIDE:
			w = 8;
			off = rnd_in(0, size - 1);
			break;
		case LD_WRITE_RO:
			if (hook == CHECMATE_HOOK_SOCKET_BIND)
				size = BIND_RO_END;
			off = w * rnd_in(0, size / w - 1);
			break;
		case LD_WRITE_NARROW:
			w = rnd_in(1, 2);
			off = BIND_RO_END +
			      w * rnd_in(0, (size - BIND_RO_END) / w - 1);
			break;
		case LD_ATTACH_PROG:
			attr.attach_prog_fd = pick(1, UINT_MAX);
			break;
		case LD_HELPER:
			if (rnd_in(0, 1))
				v = pick(__BPF_FUNC_MAX_ID, UINT_MAX);
			else if (rnd_in(0, 1))
				v = rnd_in(0, 1) ? BPF_FUNC_probe_read_kernel :
				    BPF_FUNC_tail_call;
			else
				do {
					v = rnd_in(0, __BPF_FUNC_MAX_ID - 1);
				} while (offered(hook, v));
			insns[n++] = CALL(v);
			break;
		}
		w = width[w];
		if (off != NO_ACCESS && k - load_classes < LD_WRITE_RO) {
			insns[n++] = LDX_SZ(w, BPF_REG_0, BPF_REG_1, off);
		} else if (off != NO_ACCESS && rnd_in(0, 1)) {
			insns[n++] = INSN(BPF_ST | BPF_MEM | w, BPF_REG_1, 0,
					  off, v);
		} else if (off != NO_ACCESS) {
			insns[n++] = MOV64_IMM(BPF_REG_2, v);
			insns[n++] = STX_SZ(w, BPF_REG_1, BPF_REG_2, off);
		}
		f->cls = k->name;
		snprintf(f->vals, sizeof(f->vals),
			 "hook %u attach type %u prog fd %u, insn %#x %d %d",
			 hook, attr.expected_attach_type, attr.attach_prog_fd,
			 n ? insns[n - 1].code : 0, n ? insns[n - 1].off : 0,
			 n ? insns[n - 1].imm : 0);
		if (k - load_classes != LD_RET)
			insns[n++] = MOV64_IMM(BPF_REG_0, 0);
		insns[n++] = EXIT();
		attr.prog_type = BPF_PROG_TYPE_CHECMATE;
		attr.checmate_hook = hook;
		attr.insns = ptr(insns);
		attr.insn_cnt = n;
		attr.license = ptr("GPL");
		attr.log_buf = ptr(log);
		attr.log_size = sizeof(log);
		attr.log_level = 1;
		log[0] = 0;
		ret = sys_bpf(BPF_PROG_LOAD, &attr);
		if (ret >= 0)
			close(ret);
		if (!check(_metadata, f, ret, k->err)) {
			for (p = log; *p; p++)
				*p = *p == '\n' ? ' ' : *p;
			TH_LOG("verifier log: %.400s", log);
		}
	}
}

TEST_HARNESS_MAIN
