/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Checmate LSM - a delegated caller for the kselftests
 *
 * A child drops to uid 1000, enters a new user namespace (and cgroup
 * namespace), and gets a BPF token from a bpffs whose delegation options
 * its privileged parent set, as in
 * tools/testing/selftests/bpf/prog_tests/token.c.
 */

#ifndef _SELFTESTS_CHECMATE_TOKEN_H
#define _SELFTESTS_CHECMATE_TOKEN_H

#include <linux/capability.h>
#include <linux/mount.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/wait.h>

#include "common.h"

#define USER		1000

static inline int sendfd(int sock, int fd)
{
	char iobuf[1] = { 0 }, buf[CMSG_SPACE(sizeof(int))];
	struct iovec io = { .iov_base = iobuf, .iov_len = 1 };
	struct msghdr msg = {
		.msg_iov = &io, .msg_iovlen = 1,
		.msg_control = buf, .msg_controllen = sizeof(buf),
	};
	struct cmsghdr *cmsg;

	memset(buf, 0, sizeof(buf));
	cmsg = CMSG_FIRSTHDR(&msg);
	cmsg->cmsg_level = SOL_SOCKET;
	cmsg->cmsg_type = SCM_RIGHTS;
	cmsg->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cmsg), &fd, sizeof(int));
	return sendmsg(sock, &msg, 0) == 1 ? 0 : -1;
}

static inline int recvfd(int sock)
{
	char iobuf[1], buf[CMSG_SPACE(sizeof(int))];
	struct iovec io = { .iov_base = iobuf, .iov_len = 1 };
	struct msghdr msg = {
		.msg_iov = &io, .msg_iovlen = 1,
		.msg_control = buf, .msg_controllen = sizeof(buf),
	};
	struct cmsghdr *cmsg;
	int fd;

	if (recvmsg(sock, &msg, 0) != 1)
		return -1;
	cmsg = CMSG_FIRSTHDR(&msg);
	if (!cmsg || cmsg->cmsg_type != SCM_RIGHTS)
		return -1;
	memcpy(&fd, CMSG_DATA(cmsg), sizeof(int));
	return fd;
}

static inline int fsconfig_str(int fs, const char *key, const char *val)
{
	return syscall(__NR_fsconfig, fs, FSCONFIG_SET_STRING, key, val, 0);
}

/* Drops CAP_SYS_ADMIN, keeping the rest (CAP_BPF for the token). */
static inline int drop_sys_admin(void)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct data[2];

	if (syscall(__NR_capget, &hdr, data))
		return -1;
	data[0].effective &= ~(1U << CAP_SYS_ADMIN);
	data[0].permitted &= ~(1U << CAP_SYS_ADMIN);
	data[0].inheritable = 0;
	data[1].inheritable = 0;
	return syscall(__NR_capset, &hdr, data);
}

enum mode {
	NS_ADMIN,	/* CAP_SYS_ADMIN in its user namespace */
	NNP,		/* no CAP_SYS_ADMIN, but no_new_privs */
	PLAIN,		/* neither */
	HOST_CGROUPNS,	/* as NS_ADMIN, but still in the host's cgroupns */
};

/* Reports a failed step of the delegated child on stderr. */
static inline int failed(const char *what)
{
	fprintf(stderr, "# delegated child: %s: %s\n", what, strerror(errno));
	return -1;
}

/* The delegated child: returns a token fd, or -1. */
static inline int become_delegated(int sock, const char *cg, enum mode mode)
{
	union bpf_attr attr;
	int fs, mnt, bpffs, token;
	char c;

	cg_enter_path(cg);
	if (setresgid(USER, USER, USER) || setresuid(USER, USER, USER))
		return failed("setresuid");
	/* Changing uid made us non-dumpable: /proc/self would be root's. */
	if (prctl(PR_SET_DUMPABLE, 1, 0, 0, 0))
		return failed("dumpable");
	if (unshare(CLONE_NEWUSER))
		return failed("unshare(CLONE_NEWUSER)");
	/* The parent maps uid 0 to USER and uid 1 to USER + 1, as runtimes do. */
	if (write(sock, "u", 1) != 1 || read(sock, &c, 1) != 1 || c != 'm')
		return failed("id maps");
	if (setresgid(0, 0, 0) || setresuid(0, 0, 0))
		return failed("setresuid(0)");
	/* A container's cgroup namespace, rooted at its own cgroup. */
	if (mode != HOST_CGROUPNS && unshare(CLONE_NEWCGROUP))
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
	mnt = recvfd(sock);
	if (mnt < 0)
		return failed("recvfd");
	bpffs = openat(mnt, ".", O_RDONLY | O_DIRECTORY);
	if (bpffs < 0)
		return failed("open bpffs");
	memset(&attr, 0, sizeof(attr));
	attr.token_create.bpffs_fd = bpffs;
	token = sys_bpf(BPF_TOKEN_CREATE, &attr);
	if (token < 0)
		return failed("BPF_TOKEN_CREATE");
	if ((mode == NNP || mode == PLAIN) && drop_sys_admin())
		return failed("capset");
	if (mode == NNP && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
		return failed("no_new_privs");
	return token;
}

/* The privileged parent's part: id maps, then the delegation options. */
static inline int delegate(struct __test_metadata *const _metadata, int sock,
			   pid_t pid)
{
	char buf[64], path[64];
	int fs, mnt;

	ASSERT_EQ(1, read(sock, buf, 1));
	snprintf(buf, sizeof(buf), "0 %d 1\n1 %d 1\n", USER, USER + 1);
	snprintf(path, sizeof(path), "/proc/%d/uid_map", pid);
	ASSERT_EQ(0, write_str(path, buf));
	snprintf(path, sizeof(path), "/proc/%d/gid_map", pid);
	ASSERT_EQ(0, write_str(path, buf));
	ASSERT_EQ(1, write(sock, "m", 1));
	fs = recvfd(sock);
	ASSERT_LE(0, fs);
	snprintf(buf, sizeof(buf), "0x%llx",
		 (1ULL << BPF_PROG_LOAD) | (1ULL << BPF_CHECMATE_CTL));
	ASSERT_EQ(0, fsconfig_str(fs, "delegate_cmds", buf));
	snprintf(buf, sizeof(buf), "0x%llx", 1ULL << BPF_PROG_TYPE_CHECMATE);
	ASSERT_EQ(0, fsconfig_str(fs, "delegate_progs", buf));
	snprintf(buf, sizeof(buf), "0x%llx", 1ULL << BPF_CHECMATE);
	ASSERT_EQ(0, fsconfig_str(fs, "delegate_attachs", buf));
	ASSERT_EQ(0, syscall(__NR_fsconfig, fs, FSCONFIG_CMD_CREATE, NULL,
			     NULL, 0));
	mnt = syscall(__NR_fsmount, fs, 0, 0);
	ASSERT_LE(0, mnt);
	ASSERT_EQ(0, sendfd(sock, mnt));
	close(mnt);
	close(fs);
	return 0;
}

/* BPF_CHECMATE_CTL with a BPF token. */
static inline int checmate_ctl_token(__u32 op, int cgfd, __u32 hook,
				     __u32 seals, int token)
{
	struct checmate_ctl ctl = {
		.op = op, .cgroup_fd = cgfd, .hook = hook, .seals = seals,
	};
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.checmate_ctl.ctl = (__u64)(unsigned long)&ctl;
	attr.checmate_ctl.size = sizeof(ctl);
	attr.checmate_ctl.flags = BPF_F_TOKEN_FD;
	attr.checmate_ctl.token_fd = token;
	return sys_bpf(BPF_CHECMATE_CTL, &attr);
}

/* CHECMATE_CTL_GET with a BPF token: @ctl filled in, or -1. */
static inline int checmate_get_token(struct checmate_ctl *ctl, int cgfd,
				     __u32 hook, int token)
{
	union bpf_attr attr;

	memset(ctl, 0, sizeof(*ctl));
	ctl->op = CHECMATE_CTL_GET;
	ctl->cgroup_fd = cgfd;
	ctl->hook = hook;
	memset(&attr, 0, sizeof(attr));
	attr.checmate_ctl.ctl = (__u64)(unsigned long)ctl;
	attr.checmate_ctl.size = sizeof(*ctl);
	attr.checmate_ctl.flags = BPF_F_TOKEN_FD;
	attr.checmate_ctl.token_fd = token;
	return sys_bpf(BPF_CHECMATE_CTL, &attr);
}

/*
 * Forks a delegated child in cgroup @cg with @mode; it runs @fn(@arg,
 * token) and exits with its result. Returns the child's exit status (99:
 * it could not become delegated).
 */
static inline int run_delegated_fn(struct __test_metadata *const _metadata,
				   const char *cg, enum mode mode,
				   int (*fn)(void *arg, int token), void *arg)
{
	int sv[2], status, token;
	pid_t pid;

	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		close(sv[0]);
		token = become_delegated(sv[1], cg, mode);
		_exit(token < 0 ? 99 : fn(arg, token));
	}
	close(sv[1]);
	delegate(_metadata, sv[0], pid);
	close(sv[0]);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

#endif /* _SELFTESTS_CHECMATE_TOKEN_H */
