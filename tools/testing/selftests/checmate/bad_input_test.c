// SPDX-License-Identifier: GPL-2.0
/*
 * Checmate LSM - hostile input to program load, attach and detach
 *
 * Every rejection has its own errno and changes nothing: after each failed
 * attach, the cgroup still has no program.
 */

#include <sys/wait.h>

#include "common.h"

#define BIND_FAMILY	offsetof(struct checmate_socket_bind_ctx, family)
#define BIND_PORT	offsetof(struct checmate_socket_bind_ctx, port)
#define CONNECT_PORT	offsetof(struct checmate_socket_connect_ctx, port)
#define CREATE_END	sizeof(struct checmate_socket_create_ctx)
#define REQ_END		sizeof(struct checmate_inet_conn_request_ctx)

/* BPF_FUNC_* numbers, stable ABI. */
#define FUNC_get_current_pid_tgid	14
#define FUNC_probe_read_kernel		113

TEST(load_valid_for_every_hook)
{
	__u32 hook;
	int fd;

	for (hook = 1; hook < __CHECMATE_HOOK_MAX; hook++) {
		fd = load_ret(hook, 0);
		EXPECT_LE(0, fd) TH_LOG("hook %u: %s", hook, strerror(errno));
		close(fd);
		fd = load_ret(hook, -1);
		EXPECT_LE(0, fd) TH_LOG("hook %u: %s", hook, strerror(errno));
		close(fd);
		fd = load_ret(hook, -4095);
		EXPECT_LE(0, fd) TH_LOG("hook %u: %s", hook, strerror(errno));
		close(fd);
	}
}

TEST(load_unknown_hook)
{
	const __u32 hooks[] = { 0, __CHECMATE_HOOK_MAX, 1000, ~0U };
	const struct bpf_insn insns[] = { MOV64_IMM(BPF_REG_0, 0), EXIT() };
	size_t i;

	for (i = 0; i < ARRAY_SIZE(hooks); i++) {
		EXPECT_EQ(-1, load_insns(hooks[i], BPF_CHECMATE, insns, 2));
		EXPECT_EQ(EINVAL, errno) TH_LOG("hook %u", hooks[i]);
	}
}

TEST(load_wrong_attach_type)
{
	const struct bpf_insn insns[] = { MOV64_IMM(BPF_REG_0, 0), EXIT() };

	EXPECT_EQ(-1, load_insns(CHECMATE_HOOK_SOCKET_BIND,
				 BPF_CGROUP_INET4_BIND, insns, 2));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, load_insns(CHECMATE_HOOK_SOCKET_BIND, 0, insns, 2));
	EXPECT_EQ(EINVAL, errno);
}

TEST(load_return_out_of_range)
{
	EXPECT_EQ(-1, load_ret(CHECMATE_HOOK_SOCKET_CREATE, 1));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, load_ret(CHECMATE_HOOK_SOCKET_CREATE, -4096));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, load_ret(CHECMATE_HOOK_SOCKET_CREATE, 0x7fffffff));
	EXPECT_EQ(EINVAL, errno);
}

TEST(load_return_zero_extended_errno)
{
	int fd;

	/* r0 = (u32)-EPERM, as compilers return an int: still a deny. */
	fd = load_prog(CHECMATE_HOOK_SOCKET_CREATE,
		       INSN(BPF_ALU | BPF_MOV | BPF_K, BPF_REG_0, 0, 0, -EPERM),
		       EXIT());
	EXPECT_LE(0, fd) TH_LOG("%s", strerror(errno));
	close(fd);
}

TEST(load_ctx_out_of_bounds)
{
	EXPECT_EQ(-1, load_prog(CHECMATE_HOOK_SOCKET_CREATE,
				LDX_W(BPF_REG_0, BPF_REG_1, CREATE_END),
				MOV64_IMM(BPF_REG_0, 0), EXIT()));
	EXPECT_EQ(EACCES, errno);
	EXPECT_EQ(-1, load_prog(CHECMATE_HOOK_INET_CONN_REQUEST,
				LDX_W(BPF_REG_0, BPF_REG_1, REQ_END),
				MOV64_IMM(BPF_REG_0, 0), EXIT()));
	EXPECT_EQ(EACCES, errno);
	EXPECT_EQ(-1, load_prog(CHECMATE_HOOK_SOCKET_BIND,
				LDX_W(BPF_REG_0, BPF_REG_1, -4),
				MOV64_IMM(BPF_REG_0, 0), EXIT()));
	EXPECT_EQ(EACCES, errno);
}

TEST(load_misaligned_or_wide_access)
{
	EXPECT_EQ(-1, load_prog(CHECMATE_HOOK_SOCKET_BIND,
				LDX_W(BPF_REG_0, BPF_REG_1, 2),
				MOV64_IMM(BPF_REG_0, 0), EXIT()));
	EXPECT_EQ(EACCES, errno);
	EXPECT_EQ(-1, load_prog(CHECMATE_HOOK_SOCKET_BIND,
				LDX_SZ(BPF_DW, BPF_REG_0, BPF_REG_1, 0),
				MOV64_IMM(BPF_REG_0, 0), EXIT()));
	EXPECT_EQ(EACCES, errno);
	EXPECT_EQ(-1, load_prog(CHECMATE_HOOK_SOCKET_BIND,
				LDX_SZ(BPF_H, BPF_REG_0, BPF_REG_1, 1),
				MOV64_IMM(BPF_REG_0, 0), EXIT()));
	EXPECT_EQ(EACCES, errno);
}

TEST(load_write_read_only_field)
{
	EXPECT_EQ(-1, load_prog(CHECMATE_HOOK_SOCKET_BIND,
				ST_W(BPF_REG_1, BIND_FAMILY, 10),
				MOV64_IMM(BPF_REG_0, 0), EXIT()));
	EXPECT_EQ(EACCES, errno);
	/* Writable fields are written whole. */
	EXPECT_EQ(-1, load_prog(CHECMATE_HOOK_SOCKET_BIND,
				MOV64_IMM(BPF_REG_2, 80),
				STX_SZ(BPF_H, BPF_REG_1, BPF_REG_2, BIND_PORT),
				MOV64_IMM(BPF_REG_0, 0), EXIT()));
	EXPECT_EQ(EACCES, errno);
}

TEST(load_write_from_hook_without_rewrite)
{
	EXPECT_EQ(-1, load_prog(CHECMATE_HOOK_SOCKET_CONNECT,
				ST_W(BPF_REG_1, CONNECT_PORT, 80),
				MOV64_IMM(BPF_REG_0, 0), EXIT()));
	EXPECT_EQ(EACCES, errno);
}

TEST(load_forbidden_helper)
{
	/* bpf_probe_read_kernel(fp - 8, 8, NULL): reads kernel memory. */
	EXPECT_EQ(-1, load_prog(CHECMATE_HOOK_SOCKET_CREATE,
				INSN(BPF_ALU64 | BPF_MOV | BPF_X, BPF_REG_1,
				     BPF_REG_10, 0, 0),
				INSN(BPF_ALU64 | BPF_ADD | BPF_K, BPF_REG_1, 0, 0,
				     -8),
				MOV64_IMM(BPF_REG_2, 8),
				MOV64_IMM(BPF_REG_3, 0),
				CALL(FUNC_probe_read_kernel),
				MOV64_IMM(BPF_REG_0, 0), EXIT()));
	EXPECT_EQ(EINVAL, errno);
}

TEST(load_task_helper_without_task)
{
	int fd;

	fd = load_prog(CHECMATE_HOOK_SOCKET_CONNECT,
		       CALL(FUNC_get_current_pid_tgid),
		       MOV64_IMM(BPF_REG_0, 0), EXIT());
	EXPECT_LE(0, fd);
	close(fd);
	/* inet_conn_request runs in softirq: there is no current task. */
	EXPECT_EQ(-1, load_prog(CHECMATE_HOOK_INET_CONN_REQUEST,
				CALL(FUNC_get_current_pid_tgid),
				MOV64_IMM(BPF_REG_0, 0), EXIT()));
	EXPECT_EQ(EINVAL, errno);
}

FIXTURE(attach) {
	char cg[64];
	int cgfd, prog;
};

FIXTURE_SETUP(attach)
{
	snprintf(self->cg, sizeof(self->cg), "checmate_bad_%d", getpid());
	self->cgfd = cg_create(_metadata, self->cg);
	self->prog = load_ret(CHECMATE_HOOK_SOCKET_CONNECT, -EPERM);
	ASSERT_LE(0, self->prog);
}

FIXTURE_TEARDOWN(attach)
{
	EXPECT_EQ(0, query_count(self->cgfd, 0, NULL, 0));
	close(self->prog);
	close(self->cgfd);
	cg_remove(self->cg);
}

TEST_F(attach, not_a_cgroup_fd)
{
	int fd = open("/", O_RDONLY | O_DIRECTORY);

	ASSERT_LE(0, fd);
	EXPECT_EQ(-1, prog_attach(fd, self->prog, BPF_F_ALLOW_MULTI));
	EXPECT_EQ(EBADF, errno);
	EXPECT_EQ(-1, link_create(fd, self->prog));
	EXPECT_EQ(EBADF, errno);
	close(fd);
}

TEST_F(attach, closed_fds)
{
	int fd = dup(self->cgfd);

	close(fd);
	EXPECT_EQ(-1, prog_attach(fd, self->prog, BPF_F_ALLOW_MULTI));
	EXPECT_EQ(EBADF, errno);
	fd = dup(self->prog);
	close(fd);
	EXPECT_EQ(-1, prog_attach(self->cgfd, fd, BPF_F_ALLOW_MULTI));
	EXPECT_EQ(EBADF, errno);
}

TEST_F(attach, bad_flags)
{
	/* Checmate is always multi: no override, no exclusive attach. */
	EXPECT_EQ(-1, prog_attach(self->cgfd, self->prog, 0));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, prog_attach(self->cgfd, self->prog, BPF_F_ALLOW_OVERRIDE));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, prog_attach(self->cgfd, self->prog, 1U << 20));
	EXPECT_EQ(EINVAL, errno);
}

TEST_F(attach, link_bad_flags)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.link_create.prog_fd = self->prog;
	attr.link_create.target_fd = self->cgfd;
	attr.link_create.attach_type = BPF_CHECMATE;
	attr.link_create.flags = 1U << 20;
	EXPECT_EQ(-1, sys_bpf(BPF_LINK_CREATE, &attr));
	EXPECT_EQ(EINVAL, errno);
	/* A link may not claim another attach type than its program's. */
	attr.link_create.flags = 0;
	attr.link_create.attach_type = BPF_CGROUP_INET4_CONNECT;
	EXPECT_EQ(-1, sys_bpf(BPF_LINK_CREATE, &attr));
	EXPECT_EQ(EINVAL, errno);
}

TEST_F(attach, wrong_program_type)
{
	int fd = load_socket_filter();

	ASSERT_LE(0, fd);
	EXPECT_EQ(-1, prog_attach(self->cgfd, fd, BPF_F_ALLOW_MULTI));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, link_create(self->cgfd, fd));
	EXPECT_EQ(EINVAL, errno);
	close(fd);
}

TEST_F(attach, detach_not_attached)
{
	EXPECT_EQ(-1, prog_detach(self->cgfd, self->prog));
	EXPECT_EQ(ENOENT, errno);
}

TEST_F(attach, unprivileged)
{
	int status;
	pid_t pid;

	ASSERT_EQ(0, prog_attach(self->cgfd, self->prog, BPF_F_ALLOW_MULTI));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		if (drop_to_nobody())
			_exit(10);
		/* Even holding the fds: no load, attach or detach. */
		if (load_ret(CHECMATE_HOOK_SOCKET_CONNECT, 0) != -1 ||
		    errno != EPERM)
			_exit(11);
		if (prog_attach(self->cgfd, self->prog, BPF_F_ALLOW_MULTI) != -1 ||
		    errno != EPERM)
			_exit(12);
		if (link_create(self->cgfd, self->prog) != -1 || errno != EPERM)
			_exit(13);
		if (prog_detach(self->cgfd, self->prog) != -1 || errno != EPERM)
			_exit(14);
		_exit(0);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_EQ(0, WEXITSTATUS(status));
	EXPECT_EQ(1, query_count(self->cgfd, 0, NULL, 0));
	EXPECT_EQ(0, prog_detach(self->cgfd, self->prog));
}

TEST_HARNESS_MAIN
