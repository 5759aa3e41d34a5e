// SPDX-License-Identifier: GPL-2.0
/*
 * Checmate LSM - delegation to user namespaces through BPF tokens
 *
 * A child drops to uid 1000, enters a new user namespace, and gets a BPF
 * token from a bpffs whose delegation options its privileged parent set,
 * as in tools/testing/selftests/bpf/prog_tests/token.c. Each step's
 * failure is reported as the child's exit status.
 */

#include <arpa/inet.h>
#include <linux/capability.h>
#include <linux/mount.h>
#include <netinet/in.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include "common.h"

#define CONNECT_PORT	offsetof(struct checmate_socket_connect_ctx, port)
#define BIND_PORT	offsetof(struct checmate_socket_bind_ctx, port)
#define PROG_ERRNO	ENOTUNIQ
#define HOOK		CHECMATE_HOOK_SOCKET_CONNECT
#define USER		1000

static int sendfd(int sock, int fd)
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

static int recvfd(int sock)
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

static int write_str(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC), ok;

	if (fd < 0)
		return -1;
	ok = write(fd, s, strlen(s)) == (ssize_t)strlen(s);
	close(fd);
	return ok ? 0 : -1;
}

static int fsconfig_str(int fs, const char *key, const char *val)
{
	return syscall(__NR_fsconfig, fs, FSCONFIG_SET_STRING, key, val, 0);
}

/* Drops CAP_SYS_ADMIN, keeping the rest (CAP_BPF for the token). */
static int drop_sys_admin(void)
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
};

/* Reports a failed step of the delegated child on stderr. */
static int failed(const char *what)
{
	fprintf(stderr, "# delegated child: %s: %s\n", what, strerror(errno));
	return -1;
}

/* The delegated child: returns a token fd, or -1. */
static int become_delegated(int sock, const char *cg, enum mode mode)
{
	union bpf_attr attr;
	int fs, mnt, bpffs, token;

	cg_enter_path(cg);
	if (setresgid(USER, USER, USER) || setresuid(USER, USER, USER))
		return failed("setresuid");
	/* Changing uid made us non-dumpable: /proc/self would be root's. */
	if (prctl(PR_SET_DUMPABLE, 1, 0, 0, 0))
		return failed("dumpable");
	if (unshare(CLONE_NEWUSER))
		return failed("unshare(CLONE_NEWUSER)");
	if (write_str("/proc/self/setgroups", "deny"))
		return failed("setgroups");
	if (write_str("/proc/self/uid_map", "0 1000 1"))
		return failed("uid_map");
	if (write_str("/proc/self/gid_map", "0 1000 1"))
		return failed("gid_map");
	if (setresgid(0, 0, 0) || setresuid(0, 0, 0))
		return failed("setresuid(0)");
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
	if (mode != NS_ADMIN && drop_sys_admin())
		return failed("capset");
	if (mode == NNP && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
		return failed("no_new_privs");
	return token;
}

/* The privileged parent's part: set the delegation options. */
static int delegate(struct __test_metadata *const _metadata, int sock)
{
	char buf[32];
	int fs, mnt;

	fs = recvfd(sock);
	ASSERT_LE(0, fs);
	snprintf(buf, sizeof(buf), "0x%llx", 1ULL << BPF_PROG_LOAD);
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

static int load_token(__u32 hook, const struct bpf_insn *insns, size_t cnt,
		      int token)
{
	return load_insns_token(hook, BPF_CHECMATE, insns, cnt, token);
}

FIXTURE(deleg) {
	char own[64], other[64], own_path[128];
	int own_fd, other_fd, srv, port, host_prog;
};

FIXTURE_SETUP(deleg)
{
	char path[192];

	snprintf(self->own, sizeof(self->own), "checmate_deleg_%d", getpid());
	snprintf(self->other, sizeof(self->other), "checmate_host_%d",
		 getpid());
	snprintf(self->own_path, sizeof(self->own_path), CGROOT "/%s",
		 self->own);
	self->own_fd = cg_create(_metadata, self->own);
	self->other_fd = cg_create(_metadata, self->other);
	/* Delegate the cgroup to uid 1000, as a container manager does. */
	ASSERT_EQ(0, chown(self->own_path, USER, USER));
	snprintf(path, sizeof(path), "%s/cgroup.procs", self->own_path);
	ASSERT_EQ(0, chown(path, USER, USER));
	self->port = 30000 + getpid() % 20000;
	self->srv = listen_lo(self->port);
	ASSERT_LE(0, self->srv);
	/* The host's own policy on the delegated cgroup. */
	self->host_prog = load_ret(HOOK, 0);
	ASSERT_LE(0, self->host_prog);
	ASSERT_EQ(0, prog_attach(self->own_fd, self->host_prog,
				 BPF_F_ALLOW_MULTI));
}

FIXTURE_TEARDOWN(deleg)
{
	__u32 ids[16];
	int n, i;

	/* Root detaches whatever the delegated tasks left. */
	n = query_count(self->own_fd, 0, ids, 16);
	for (i = 0; i < n; i++) {
		union bpf_attr attr;
		int fd;

		memset(&attr, 0, sizeof(attr));
		attr.prog_id = ids[i];
		fd = sys_bpf(BPF_PROG_GET_FD_BY_ID, &attr);
		prog_detach(self->own_fd, fd);
		close(fd);
	}
	close(self->host_prog);
	close(self->srv);
	close(self->own_fd);
	close(self->other_fd);
	cg_remove(self->own);
	cg_remove(self->other);
}

/* Runs @fn as a delegated child in @mode; returns its exit status. */
#define run_delegated(mode, fn) ({					\
	int __sv[2], __status;						\
	pid_t __pid;							\
									\
	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM, 0, __sv));	\
	__pid = fork();							\
	ASSERT_LE(0, __pid);						\
	if (__pid == 0) {						\
		int __token;						\
									\
		close(__sv[0]);						\
		__token = become_delegated(__sv[1], self->own, mode);	\
		_exit(__token < 0 ? 99 : fn(self, __token));		\
	}								\
	close(__sv[1]);							\
	delegate(_metadata, __sv[0]);					\
	close(__sv[0]);							\
	ASSERT_EQ(__pid, waitpid(__pid, &__status, 0));			\
	WIFEXITED(__status) ? WEXITSTATUS(__status) : 128;		\
})

static int delegated_admin(struct _test_data_deleg *self, int token)
{
	const struct bpf_insn deny[] = {
		LDX_W(BPF_REG_2, BPF_REG_1, CONNECT_PORT),
		MOV64_IMM(BPF_REG_0, 0),
		JNE_IMM(BPF_REG_2, self->port, 1),
		MOV64_IMM(BPF_REG_0, -PROG_ERRNO),
		EXIT(),
	};
	const struct bpf_insn rewrite[] = {
		ST_W(BPF_REG_1, BIND_PORT, 80),
		MOV64_IMM(BPF_REG_0, 0),
		EXIT(),
	};
	struct checmate_ctl ctl = {
		.op = CHECMATE_CTL_GET, .cgroup_fd = self->own_fd, .hook = HOOK,
	};
	int prog;

	/* Loads with the token, and only with it. */
	prog = load_token(HOOK, deny, ARRAY_SIZE(deny), token);
	if (prog < 0)
		return 1;
	if (load_token(HOOK, deny, ARRAY_SIZE(deny), -1) != -1 ||
	    errno != EPERM)
		return 2;
	/* Deny only: a program that rewrites is refused at load. */
	if (load_token(CHECMATE_HOOK_SOCKET_BIND, rewrite,
		       ARRAY_SIZE(rewrite), token) != -1 || errno != EACCES)
		return 3;
	/* Its own cgroup: attach, enforced on itself. */
	if (prog_attach(self->own_fd, prog, BPF_F_ALLOW_MULTI))
		return 4;
	if (connect_errno(self->port) != PROG_ERRNO)
		return 5;
	/* A cgroup it cannot write: no. */
	if (prog_attach(self->other_fd, prog, BPF_F_ALLOW_MULTI) != -1 ||
	    errno != EPERM)
		return 6;
	if (link_create(self->other_fd, prog) != -1 || errno != EPERM)
		return 7;
	/* The host's program: cannot detach it, nor attach it elsewhere. */
	if (prog_detach(self->own_fd, self->host_prog) != -1 ||
	    errno != EPERM)
		return 8;
	if (link_create(self->own_fd, self->host_prog) != -1 ||
	    errno != EPERM)
		return 9;
	/* Control: get and seal its own cgroup, never reset. */
	if (checmate_ctl_sized(&ctl, sizeof(ctl)) || ctl.prog_cnt != 2)
		return 10;
	if (checmate_ctl(CHECMATE_CTL_RESET, self->own_fd, HOOK, 0) != -1 ||
	    errno != EPERM)
		return 11;
	if (checmate_ctl(CHECMATE_CTL_SEAL, self->other_fd, HOOK,
			 CHECMATE_SEAL_DENY_RESET) != -1 || errno != EPERM)
		return 12;
	/* Its own program it may detach. */
	if (prog_detach(self->own_fd, prog))
		return 13;
	if (connect_errno(self->port))
		return 14;
	return 0;
}

TEST_F(deleg, token_in_user_namespace)
{
	EXPECT_EQ(0, run_delegated(NS_ADMIN, delegated_admin));
	/* The host's program is still there. */
	EXPECT_EQ(1, query_count(self->own_fd, 0, NULL, 0));
}

static const struct bpf_insn allow_all[] = {
	MOV64_IMM(BPF_REG_0, 0), EXIT(),
};

static const struct bpf_insn ret_1[] = {
	MOV64_IMM(BPF_REG_0, 1), EXIT(),
};

static int delegated_nnp(struct _test_data_deleg *self, int token)
{
	int prog = load_token(HOOK, allow_all, ARRAY_SIZE(allow_all), token);

	if (prog < 0)
		return 1;
	if (prog_attach(self->own_fd, prog, BPF_F_ALLOW_MULTI))
		return 2;
	return 0;
}

TEST_F(deleg, no_new_privs_instead_of_sys_admin)
{
	__u32 ids[4];
	int i, fd, delegated = 0;

	EXPECT_EQ(0, run_delegated(NNP, delegated_nnp));
	ASSERT_EQ(2, query_count(self->own_fd, 0, ids, 4));
	/* Root can tell the delegated program from its own. */
	EXPECT_EQ(0, checmate_prog_flags(self->host_prog));
	for (i = 0; i < 2; i++) {
		union bpf_attr attr;

		memset(&attr, 0, sizeof(attr));
		attr.prog_id = ids[i];
		fd = sys_bpf(BPF_PROG_GET_FD_BY_ID, &attr);
		ASSERT_LE(0, fd);
		if (checmate_prog_flags(fd) == CHECMATE_PROG_DELEGATED)
			delegated++;
		close(fd);
	}
	EXPECT_EQ(1, delegated);
}

static int delegated_plain(struct _test_data_deleg *self, int token)
{
	/* Without no_new_privs or CAP_SYS_ADMIN: EPERM, even with garbage. */
	if (load_token(HOOK, allow_all, ARRAY_SIZE(allow_all), token) != -1 ||
	    errno != EPERM)
		return 1;
	if (load_token(~0U, ret_1, ARRAY_SIZE(ret_1), token) != -1 ||
	    errno != EPERM)
		return 2;
	if (prog_attach(self->own_fd, -1, ~0U) != -1 || errno != EPERM)
		return 3;
	if (checmate_ctl(0, -1, 0, ~0U) != -1 || errno != EPERM)
		return 4;
	return 0;
}

TEST_F(deleg, neither_nnp_nor_sys_admin_eperm_first)
{
	EXPECT_EQ(0, run_delegated(PLAIN, delegated_plain));
}

/* Runs the set-user-ID helper as uid 65534 in @cg; returns its euid. */
static int suid_euid(struct __test_metadata *const _metadata,
		     const char *helper, const char *cg)
{
	char buf[32] = {};
	int pipefd[2], status;
	pid_t pid;

	ASSERT_EQ(0, pipe(pipefd));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		cg_enter_path(cg);
		dup2(pipefd[1], 1);
		if (drop_to_nobody())
			_exit(1);
		execl(helper, helper, NULL);
		_exit(2);
	}
	close(pipefd[1]);
	read(pipefd[0], buf, sizeof(buf) - 1);
	close(pipefd[0]);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_EQ(0, WEXITSTATUS(status));
	return atoi(buf);
}

TEST_F(deleg, governed_tasks_exec_with_no_new_privs)
{
	char helper[64], cmd[256];

	snprintf(helper, sizeof(helper), "/tmp/checmate_suid_%d", getpid());
	snprintf(cmd, sizeof(cmd),
		 "cp ./suid_helper %s && chown 0:0 %s && chmod 4755 %s",
		 helper, helper, helper);
	ASSERT_EQ(0, system(cmd));
	/*
	 * Only the host's (privileged) program governs the cgroup so far:
	 * set-user-ID works, so the test can fail.
	 */
	EXPECT_EQ(0, suid_euid(_metadata, helper, self->own));
	/* A delegated (allow-all) program now governs it too. */
	ASSERT_EQ(0, run_delegated(NS_ADMIN, delegated_nnp));
	EXPECT_EQ(2, query_count(self->own_fd, 0, NULL, 0));
	EXPECT_EQ(65534, suid_euid(_metadata, helper, self->own));
	/* Outside it, nothing changes. */
	EXPECT_EQ(0, suid_euid(_metadata, helper, self->other));
	unlink(helper);
}

TEST_HARNESS_MAIN
