/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Checmate LSM - helpers shared by the kselftests
 *
 * Programs are built from raw instructions and loaded with bpf(2) directly,
 * so that each test controls exactly what the verifier and the kernel see.
 */

#ifndef _SELFTESTS_CHECMATE_COMMON_H
#define _SELFTESTS_CHECMATE_COMMON_H

#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <linux/checmate.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "../kselftest_harness.h"

#define INSN(c, d, s, o, i) ((struct bpf_insn) {			\
	.code = (c), .dst_reg = (d), .src_reg = (s), .off = (o), .imm = (i) })
#define MOV64_IMM(d, i)		INSN(BPF_ALU64 | BPF_MOV | BPF_K, d, 0, 0, i)
#define LDX_W(d, s, o)		INSN(BPF_LDX | BPF_MEM | BPF_W, d, s, o, 0)
#define LDX_SZ(sz, d, s, o)	INSN(BPF_LDX | BPF_MEM | (sz), d, s, o, 0)
#define ST_W(d, o, i)		INSN(BPF_ST | BPF_MEM | BPF_W, d, 0, o, i)
#define STX_SZ(sz, d, s, o)	INSN(BPF_STX | BPF_MEM | (sz), d, s, o, 0)
#define JNE_IMM(d, i, o)	INSN(BPF_JMP | BPF_JNE | BPF_K, d, 0, o, i)
#define CALL(f)			INSN(BPF_JMP | BPF_CALL, 0, 0, 0, f)
#define EXIT()			INSN(BPF_JMP | BPF_EXIT, 0, 0, 0, 0)

#define CGROOT "/sys/fs/cgroup"

static inline int sys_bpf(int cmd, union bpf_attr *attr)
{
	return syscall(__NR_bpf, cmd, attr, sizeof(*attr));
}

/*
 * Loads a Checmate program, with BPF token @token unless it is negative;
 * returns its fd, or -1 with errno set.
 */
static inline int load_insns_token(__u32 hook, __u32 attach_type,
				   const struct bpf_insn *insns, size_t cnt,
				   int token)
{
	static char log[65536];
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.prog_type = BPF_PROG_TYPE_CHECMATE;
	attr.expected_attach_type = attach_type;
	attr.checmate_hook = hook;
	attr.insns = (__u64)(unsigned long)insns;
	attr.insn_cnt = cnt;
	attr.license = (__u64)(unsigned long)"GPL";
	attr.log_buf = (__u64)(unsigned long)log;
	attr.log_size = sizeof(log);
	attr.log_level = 1;
	if (token >= 0) {
		attr.prog_flags = BPF_F_TOKEN_FD;
		attr.prog_token_fd = token;
	}
	return sys_bpf(BPF_PROG_LOAD, &attr);
}

static inline int load_insns(__u32 hook, __u32 attach_type,
			     const struct bpf_insn *insns, size_t cnt)
{
	return load_insns_token(hook, attach_type, insns, cnt, -1);
}

#define load_prog(hook, ...) ({						\
	const struct bpf_insn __insns[] = { __VA_ARGS__ };		\
	load_insns(hook, BPF_CHECMATE, __insns, ARRAY_SIZE(__insns));	\
})

/* Writes @s to the file at @path: 0, or -1 with errno set. */
static inline int write_str(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC), ok;

	if (fd < 0)
		return -1;
	ok = write(fd, s, strlen(s)) == (ssize_t)strlen(s);
	close(fd);
	return ok ? 0 : -1;
}

/* A socket filter: a valid program of another type. */
static inline int load_socket_filter(void)
{
	const struct bpf_insn insns[] = { MOV64_IMM(BPF_REG_0, 0), EXIT() };
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.prog_type = BPF_PROG_TYPE_SOCKET_FILTER;
	attr.insns = (__u64)(unsigned long)insns;
	attr.insn_cnt = ARRAY_SIZE(insns);
	attr.license = (__u64)(unsigned long)"GPL";
	return sys_bpf(BPF_PROG_LOAD, &attr);
}

/* In a forked child: become uid/gid 65534 (no capabilities); 0 or -1. */
static inline int drop_to_nobody(void)
{
	if (setresgid(65534, 65534, 65534) || setresuid(65534, 65534, 65534))
		return -1;
	return 0;
}

/* A program that returns @ret, whatever the operation. */
#define load_ret(hook, ret) load_prog(hook, MOV64_IMM(BPF_REG_0, ret), EXIT())

/* A program that returns @ret when the 32-bit field at @off is @val. */
#define load_match(hook, off, val, ret) load_prog(hook,			\
	LDX_W(BPF_REG_2, BPF_REG_1, off),				\
	MOV64_IMM(BPF_REG_0, 0),					\
	JNE_IMM(BPF_REG_2, val, 1),					\
	MOV64_IMM(BPF_REG_0, ret),					\
	EXIT())

static inline int prog_attach(int cgfd, int progfd, __u32 flags)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.target_fd = cgfd;
	attr.attach_bpf_fd = progfd;
	attr.attach_type = BPF_CHECMATE;
	attr.attach_flags = flags;
	return sys_bpf(BPF_PROG_ATTACH, &attr);
}

static inline int prog_detach(int cgfd, int progfd)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.target_fd = cgfd;
	attr.attach_bpf_fd = progfd;
	attr.attach_type = BPF_CHECMATE;
	return sys_bpf(BPF_PROG_DETACH, &attr);
}

static inline int link_create(int cgfd, int progfd)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.link_create.prog_fd = progfd;
	attr.link_create.target_fd = cgfd;
	attr.link_create.attach_type = BPF_CHECMATE;
	return sys_bpf(BPF_LINK_CREATE, &attr);
}

/* Number of programs attached (@effective: in effect) at @cgfd. */
static inline int query_count(int cgfd, int effective, __u32 *ids, __u32 n)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.query.target_fd = cgfd;
	attr.query.attach_type = BPF_CHECMATE;
	attr.query.query_flags = effective ? BPF_F_QUERY_EFFECTIVE : 0;
	attr.query.prog_ids = (__u64)(unsigned long)ids;
	attr.query.prog_cnt = n;
	if (sys_bpf(BPF_PROG_QUERY, &attr))
		return -1;
	return attr.query.prog_cnt;
}

static inline __u32 prog_id(int progfd)
{
	struct bpf_prog_info info;
	union bpf_attr attr;

	memset(&info, 0, sizeof(info));
	memset(&attr, 0, sizeof(attr));
	attr.info.bpf_fd = progfd;
	attr.info.info_len = sizeof(info);
	attr.info.info = (__u64)(unsigned long)&info;
	if (sys_bpf(BPF_OBJ_GET_INFO_BY_FD, &attr))
		return 0;
	return info.id;
}

/* BPF_CHECMATE_CTL with a struct checmate_ctl of @size bytes at @ctl. */
static inline int checmate_ctl_sized(void *ctl, __u32 size)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.checmate_ctl.ctl = (__u64)(unsigned long)ctl;
	attr.checmate_ctl.size = size;
	return sys_bpf(BPF_CHECMATE_CTL, &attr);
}

static inline int checmate_ctl(__u32 op, int cgfd, __u32 hook, __u32 seals)
{
	struct checmate_ctl ctl = {
		.op = op, .cgroup_fd = cgfd, .hook = hook, .seals = seals,
	};

	return checmate_ctl_sized(&ctl, sizeof(ctl));
}

/* The program's CHECMATE_PROG_* flags, or -1 with errno set. */
static inline int checmate_prog_flags(int prog_fd)
{
	struct checmate_ctl ctl = {
		.op = CHECMATE_CTL_PROG_INFO, .prog_fd = prog_fd,
	};

	if (checmate_ctl_sized(&ctl, sizeof(ctl)))
		return -1;
	return ctl.prog_flags;
}

/* The hook's seals, or -1. */
static inline int checmate_seals(int cgfd, __u32 hook)
{
	struct checmate_ctl ctl = {
		.op = CHECMATE_CTL_GET, .cgroup_fd = cgfd, .hook = hook,
	};

	if (checmate_ctl_sized(&ctl, sizeof(ctl)))
		return -1;
	return ctl.seals;
}

static inline struct sockaddr_in lo4(int port)
{
	struct sockaddr_in in = { .sin_family = AF_INET };

	in.sin_port = htons(port);
	in.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	return in;
}

/* A TCP socket listening on 127.0.0.1:@port, or -1. */
static inline int listen_lo(int port)
{
	struct sockaddr_in in = lo4(port);
	int fd, one = 1;

	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&in, sizeof(in)) || listen(fd, 64)) {
		close(fd);
		return -1;
	}
	return fd;
}

/* connect() a new TCP socket to 127.0.0.1:@port: 0, or the errno. */
static inline int connect_errno(int port)
{
	struct sockaddr_in in = lo4(port);
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), err = 0;

	if (connect(fd, (struct sockaddr *)&in, sizeof(in)))
		err = errno;
	close(fd);
	return err;
}

/* Creates cgroup @path (under the cgroup2 root); returns an O_DIRECTORY fd. */
static inline int cg_create(struct __test_metadata *const _metadata,
			    const char *path)
{
	char full[256];
	int fd;

	snprintf(full, sizeof(full), CGROOT "/%s", path);
	if (mkdir(full, 0755) && errno != EEXIST)
		ASSERT_EQ(0, errno) TH_LOG("mkdir %s: %s", full, strerror(errno));
	fd = open(full, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	ASSERT_LE(0, fd) TH_LOG("open %s: %s", full, strerror(errno));
	return fd;
}

/* Moves the calling process into cgroup @path ("" is the root). */
static inline void cg_enter(struct __test_metadata *const _metadata,
			    const char *path)
{
	char full[256], pid[32];
	int fd, len;

	snprintf(full, sizeof(full), CGROOT "/%s/cgroup.procs", path);
	fd = open(full, O_WRONLY | O_CLOEXEC);
	ASSERT_LE(0, fd) TH_LOG("open %s: %s", full, strerror(errno));
	len = snprintf(pid, sizeof(pid), "%d", getpid());
	ASSERT_EQ(len, write(fd, pid, len));
	close(fd);
}

/* As cg_enter(), for children without a harness: best effort. */
static inline void cg_enter_path(const char *path)
{
	char full[256], pid[32];
	int fd, len;

	snprintf(full, sizeof(full), CGROOT "/%s/cgroup.procs", path);
	fd = open(full, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	len = snprintf(pid, sizeof(pid), "%d", getpid());
	if (write(fd, pid, len) != len)
		perror("cgroup.procs");
	close(fd);
}

static inline void cg_remove(const char *path)
{
	char full[256];

	snprintf(full, sizeof(full), CGROOT "/%s", path);
	rmdir(full);
}

#endif /* _SELFTESTS_CHECMATE_COMMON_H */
