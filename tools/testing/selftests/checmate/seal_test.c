// SPDX-License-Identifier: GPL-2.0
/*
 * Checmate LSM - reset, seals and BPF_CHECMATE_CTL input checks
 *
 * The tamper tests run as root in the initial user namespace: a sealed
 * hook must keep enforcing whatever root tries short of removing the
 * cgroup.
 */

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include "common.h"

#define CONNECT_PORT	offsetof(struct checmate_socket_connect_ctx, port)
#define PROG_ERRNO	ENOTUNIQ
#define HOOK		CHECMATE_HOOK_SOCKET_CONNECT

#define deny_port(port) \
	load_match(HOOK, CONNECT_PORT, port, -PROG_ERRNO)

FIXTURE(seal) {
	char p[64], c[80];
	int pfd, cfd, srv, port, prog, link;
	char pin[128];
};

FIXTURE_SETUP(seal)
{
	snprintf(self->p, sizeof(self->p), "checmate_seal_%d", getpid());
	snprintf(self->c, sizeof(self->c), "%s/c", self->p);
	snprintf(self->pin, sizeof(self->pin), "/sys/fs/bpf/checmate_seal_%d",
		 getpid());
	self->pfd = cg_create(_metadata, self->p);
	self->cfd = cg_create(_metadata, self->c);
	cg_enter(_metadata, self->c);
	self->port = 40000 + getpid() % 20000;
	self->srv = listen_lo(self->port);
	ASSERT_LE(0, self->srv);
	self->prog = deny_port(self->port);
	ASSERT_LE(0, self->prog);
	self->link = -1;
}

FIXTURE_TEARDOWN(seal)
{
	cg_enter(_metadata, "");
	unlink(self->pin);
	if (self->link >= 0)
		close(self->link);
	close(self->prog);
	close(self->srv);
	close(self->cfd);
	close(self->pfd);
	cg_remove(self->c);
	cg_remove(self->p);
}

static int get(int cgfd, struct checmate_ctl *ctl)
{
	memset(ctl, 0, sizeof(*ctl));
	ctl->op = CHECMATE_CTL_GET;
	ctl->cgroup_fd = cgfd;
	ctl->hook = HOOK;
	return checmate_ctl_sized(ctl, sizeof(*ctl));
}

TEST_F(seal, get_reports_counts)
{
	struct checmate_ctl ctl;
	int other = load_ret(HOOK, 0);

	ASSERT_EQ(0, get(self->cfd, &ctl));
	EXPECT_EQ(0, ctl.seals);
	EXPECT_EQ(0, ctl.prog_cnt);
	EXPECT_EQ(0, ctl.effective_prog_cnt);
	ASSERT_EQ(0, prog_attach(self->pfd, other, BPF_F_ALLOW_MULTI));
	ASSERT_EQ(0, prog_attach(self->cfd, self->prog, BPF_F_ALLOW_MULTI));
	ASSERT_EQ(0, get(self->cfd, &ctl));
	EXPECT_EQ(1, ctl.prog_cnt);
	EXPECT_EQ(2, ctl.effective_prog_cnt);
	ASSERT_EQ(0, get(self->pfd, &ctl));
	EXPECT_EQ(1, ctl.prog_cnt);
	EXPECT_EQ(1, ctl.effective_prog_cnt);
	close(other);
}

TEST_F(seal, reset_detaches_own_programs_only)
{
	int parent_prog = load_ret(HOOK, 0);
	struct checmate_ctl ctl;

	ASSERT_EQ(0, prog_attach(self->pfd, parent_prog, BPF_F_ALLOW_MULTI));
	ASSERT_EQ(0, prog_attach(self->cfd, self->prog, BPF_F_ALLOW_MULTI));
	self->link = link_create(self->cfd, self->prog);
	ASSERT_LE(0, self->link);
	EXPECT_EQ(PROG_ERRNO, connect_errno(self->port));

	ASSERT_EQ(0, checmate_ctl(CHECMATE_CTL_RESET, self->cfd, HOOK, 0));
	EXPECT_EQ(0, connect_errno(self->port));
	ASSERT_EQ(0, get(self->cfd, &ctl));
	EXPECT_EQ(0, ctl.prog_cnt);
	EXPECT_EQ(1, ctl.effective_prog_cnt);
	/* The parent's program is untouched. */
	EXPECT_EQ(1, query_count(self->pfd, 0, NULL, 0));
	/* The link is still a valid object, just not attached any more. */
	{
		struct bpf_link_info info;
		union bpf_attr attr;

		memset(&info, 0, sizeof(info));
		memset(&attr, 0, sizeof(attr));
		attr.info.bpf_fd = self->link;
		attr.info.info_len = sizeof(info);
		attr.info.info = (__u64)(unsigned long)&info;
		EXPECT_EQ(0, sys_bpf(BPF_OBJ_GET_INFO_BY_FD, &attr));
		EXPECT_EQ(BPF_LINK_TYPE_CGROUP, info.type);
	}
	close(parent_prog);
}

TEST_F(seal, deny_reset)
{
	ASSERT_EQ(0, prog_attach(self->cfd, self->prog, BPF_F_ALLOW_MULTI));
	ASSERT_EQ(0, checmate_ctl(CHECMATE_CTL_SEAL, self->cfd, HOOK,
				  CHECMATE_SEAL_DENY_RESET));
	EXPECT_EQ(-1, checmate_ctl(CHECMATE_CTL_RESET, self->cfd, HOOK, 0));
	EXPECT_EQ(EPERM, errno);
	EXPECT_EQ(PROG_ERRNO, connect_errno(self->port));
	/* deny-reset only denies reset: one program can still go. */
	EXPECT_EQ(0, prog_detach(self->cfd, self->prog));
	EXPECT_EQ(0, connect_errno(self->port));
	EXPECT_EQ(CHECMATE_SEAL_DENY_RESET, checmate_seals(self->cfd, HOOK));
}

TEST_F(seal, append_only_resists_root)
{
	union bpf_attr attr;
	int other, status;
	pid_t pid;

	/* A loader attaches through a pinned link, seals, and dies. */
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		int link = link_create(self->cfd, self->prog);

		memset(&attr, 0, sizeof(attr));
		attr.pathname = (__u64)(unsigned long)self->pin;
		attr.bpf_fd = link;
		if (link < 0 || sys_bpf(BPF_OBJ_PIN, &attr))
			_exit(1);
		if (checmate_ctl(CHECMATE_CTL_SEAL, self->cfd, HOOK,
				 CHECMATE_SEAL_APPEND_ONLY))
			_exit(2);
		kill(getpid(), SIGKILL);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFSIGNALED(status));
	EXPECT_EQ(PROG_ERRNO, connect_errno(self->port));
	ASSERT_EQ(0, prog_attach(self->cfd, self->prog, BPF_F_ALLOW_MULTI));

	/* Root tries everything that removes a program. */
	EXPECT_EQ(-1, checmate_ctl(CHECMATE_CTL_RESET, self->cfd, HOOK, 0));
	EXPECT_EQ(EPERM, errno);
	EXPECT_EQ(-1, prog_detach(self->cfd, self->prog));
	EXPECT_EQ(EPERM, errno);
	memset(&attr, 0, sizeof(attr));
	attr.pathname = (__u64)(unsigned long)self->pin;
	self->link = sys_bpf(BPF_OBJ_GET, &attr);
	ASSERT_LE(0, self->link);
	memset(&attr, 0, sizeof(attr));
	attr.link_detach.link_fd = self->link;
	EXPECT_EQ(-1, sys_bpf(BPF_LINK_DETACH, &attr));
	EXPECT_EQ(EPERM, errno);
	other = load_ret(HOOK, 0);
	memset(&attr, 0, sizeof(attr));
	attr.link_update.link_fd = self->link;
	attr.link_update.new_prog_fd = other;
	EXPECT_EQ(-1, sys_bpf(BPF_LINK_UPDATE, &attr));
	EXPECT_EQ(EPERM, errno);
	memset(&attr, 0, sizeof(attr));
	attr.target_fd = self->cfd;
	attr.attach_bpf_fd = other;
	attr.replace_bpf_fd = self->prog;
	attr.attach_type = BPF_CHECMATE;
	attr.attach_flags = BPF_F_ALLOW_MULTI | BPF_F_REPLACE;
	EXPECT_EQ(-1, sys_bpf(BPF_PROG_ATTACH, &attr));
	EXPECT_EQ(EPERM, errno);
	/* Unpin and close the last link fd: still enforced. */
	EXPECT_EQ(0, unlink(self->pin));
	close(self->link);
	self->link = -1;
	usleep(100000);
	EXPECT_EQ(PROG_ERRNO, connect_errno(self->port));
	EXPECT_EQ(2, query_count(self->cfd, 0, NULL, 0));
	/* Appending is still allowed. */
	EXPECT_EQ(0, prog_attach(self->cfd, other, BPF_F_ALLOW_MULTI));
	EXPECT_EQ(3, query_count(self->cfd, 0, NULL, 0));
	/* The seal cannot be cleared: sealing again only adds. */
	EXPECT_EQ(0, checmate_ctl(CHECMATE_CTL_SEAL, self->cfd, HOOK,
				  CHECMATE_SEAL_DENY_RESET));
	EXPECT_EQ(CHECMATE_SEAL_APPEND_ONLY | CHECMATE_SEAL_DENY_RESET,
		  checmate_seals(self->cfd, HOOK));
	EXPECT_EQ(PROG_ERRNO, connect_errno(self->port));
	close(other);
}

TEST_F(seal, locked)
{
	int other = load_ret(HOOK, 0);

	ASSERT_EQ(0, prog_attach(self->cfd, self->prog, BPF_F_ALLOW_MULTI));
	ASSERT_EQ(0, checmate_ctl(CHECMATE_CTL_SEAL, self->cfd, HOOK,
				  CHECMATE_SEAL_LOCKED));
	EXPECT_EQ(-1, prog_attach(self->cfd, other, BPF_F_ALLOW_MULTI));
	EXPECT_EQ(EPERM, errno);
	EXPECT_EQ(-1, link_create(self->cfd, other));
	EXPECT_EQ(EPERM, errno);
	EXPECT_EQ(-1, prog_detach(self->cfd, self->prog));
	EXPECT_EQ(EPERM, errno);
	EXPECT_EQ(1, query_count(self->cfd, 0, NULL, 0));
	EXPECT_EQ(PROG_ERRNO, connect_errno(self->port));
	/* Other hooks and other cgroups are not sealed. */
	EXPECT_EQ(0, checmate_seals(self->pfd, HOOK));
	EXPECT_EQ(0, checmate_seals(self->cfd, CHECMATE_HOOK_SOCKET_BIND));
	EXPECT_EQ(0, prog_attach(self->pfd, other, BPF_F_ALLOW_MULTI));
	close(other);
}

/* The cgroup's release frees what seals kept: the program goes away. */
TEST_F(seal, cgroup_release_frees_sealed_programs)
{
	union bpf_attr attr;
	__u32 id = prog_id(self->prog);
	int fd = -1, i;

	ASSERT_NE(0, id);
	ASSERT_EQ(0, prog_attach(self->cfd, self->prog, BPF_F_ALLOW_MULTI));
	ASSERT_EQ(0, checmate_ctl(CHECMATE_CTL_SEAL, self->cfd, HOOK,
				  CHECMATE_SEAL_LOCKED));
	close(self->prog);
	self->prog = load_ret(HOOK, 0);
	/* Nothing may keep the cgroup alive: no task, no socket. */
	cg_enter(_metadata, self->p);
	close(self->srv);
	self->srv = -1;
	close(self->cfd);
	cg_remove(self->c);
	for (i = 0; i < 200; i++) {
		memset(&attr, 0, sizeof(attr));
		attr.prog_id = id;
		fd = sys_bpf(BPF_PROG_GET_FD_BY_ID, &attr);
		if (fd < 0)
			break;
		close(fd);
		usleep(10000);
	}
	EXPECT_EQ(-1, fd);
	EXPECT_EQ(ENOENT, errno);
	self->cfd = cg_create(_metadata, self->c);
}

/* Hostile BPF_CHECMATE_CTL input: each its errno, nothing changed. */
FIXTURE(ctl) {
	char cg[64];
	int cgfd;
};

FIXTURE_SETUP(ctl)
{
	snprintf(self->cg, sizeof(self->cg), "checmate_ctl_%d", getpid());
	self->cgfd = cg_create(_metadata, self->cg);
}

FIXTURE_TEARDOWN(ctl)
{
	EXPECT_EQ(0, checmate_seals(self->cgfd, HOOK));
	close(self->cgfd);
	cg_remove(self->cg);
}

TEST_F(ctl, unknown_op)
{
	EXPECT_EQ(-1, checmate_ctl(0, self->cgfd, HOOK, 0));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, checmate_ctl(__CHECMATE_CTL_MAX, self->cgfd, HOOK, 0));
	EXPECT_EQ(EINVAL, errno);
}

TEST_F(ctl, unknown_hook)
{
	EXPECT_EQ(-1, checmate_ctl(CHECMATE_CTL_SEAL, self->cgfd, 0,
				   CHECMATE_SEAL_LOCKED));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, checmate_ctl(CHECMATE_CTL_SEAL, self->cgfd,
				   __CHECMATE_HOOK_MAX, CHECMATE_SEAL_LOCKED));
	EXPECT_EQ(EINVAL, errno);
}

TEST_F(ctl, bad_seal_flags)
{
	EXPECT_EQ(-1, checmate_ctl(CHECMATE_CTL_SEAL, self->cgfd, HOOK, 0));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, checmate_ctl(CHECMATE_CTL_SEAL, self->cgfd, HOOK,
				   CHECMATE_SEAL_LOCKED << 1));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, checmate_ctl(CHECMATE_CTL_SEAL, self->cgfd, HOOK,
				   CHECMATE_SEAL_LOCKED | (1U << 31)));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, checmate_ctl(CHECMATE_CTL_RESET, self->cgfd, HOOK,
				   CHECMATE_SEAL_LOCKED));
	EXPECT_EQ(EINVAL, errno);
}

TEST_F(ctl, unknown_attr_flags)
{
	struct checmate_ctl ctl = {
		.op = CHECMATE_CTL_SEAL, .cgroup_fd = self->cgfd, .hook = HOOK,
		.seals = CHECMATE_SEAL_LOCKED,
	};
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.checmate_ctl.ctl = (__u64)(unsigned long)&ctl;
	attr.checmate_ctl.size = sizeof(ctl);
	attr.checmate_ctl.flags = 1;
	EXPECT_EQ(-1, sys_bpf(BPF_CHECMATE_CTL, &attr));
	EXPECT_EQ(EINVAL, errno);
}

TEST_F(ctl, struct_sizes)
{
	struct {
		struct checmate_ctl ctl;
		__u8 tail[16];
	} big;
	static char page[65536];

	memset(&big, 0, sizeof(big));
	big.ctl.op = CHECMATE_CTL_SEAL;
	big.ctl.cgroup_fd = self->cgfd;
	big.ctl.hook = HOOK;
	big.ctl.seals = CHECMATE_SEAL_LOCKED;
	/* Undersized: older than the first version. */
	EXPECT_EQ(-1, checmate_ctl_sized(&big, CHECMATE_CTL_SIZE_VER0 - 4));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, checmate_ctl_sized(&big, 0));
	EXPECT_EQ(EINVAL, errno);
	/* Oversized with a non-zero unknown tail. */
	big.tail[7] = 1;
	EXPECT_EQ(-1, checmate_ctl_sized(&big, sizeof(big)));
	EXPECT_EQ(E2BIG, errno);
	/* Larger than a page. */
	EXPECT_EQ(-1, checmate_ctl_sized(page, getpagesize() + 1));
	EXPECT_EQ(E2BIG, errno);
	/* Bad pointer. */
	EXPECT_EQ(-1, checmate_ctl_sized(NULL, sizeof(big.ctl)));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(0, checmate_seals(self->cgfd, HOOK));
	/* Oversized with a zero tail is a newer program on an older kernel. */
	big.tail[7] = 0;
	big.ctl.op = CHECMATE_CTL_GET;
	big.ctl.seals = 0;
	EXPECT_EQ(0, checmate_ctl_sized(&big, sizeof(big)));
}

TEST_F(ctl, output_fields_must_be_zero)
{
	struct checmate_ctl ctl = {
		.op = CHECMATE_CTL_GET, .cgroup_fd = self->cgfd, .hook = HOOK,
		.prog_cnt = 1,
	};

	EXPECT_EQ(-1, checmate_ctl_sized(&ctl, sizeof(ctl)));
	EXPECT_EQ(EINVAL, errno);
}

TEST_F(ctl, bad_cgroup_fd)
{
	int fd = open("/", O_RDONLY | O_DIRECTORY);

	EXPECT_EQ(-1, checmate_ctl(CHECMATE_CTL_SEAL, fd, HOOK,
				   CHECMATE_SEAL_LOCKED));
	EXPECT_EQ(EBADF, errno);
	close(fd);
	EXPECT_EQ(-1, checmate_ctl(CHECMATE_CTL_SEAL, fd, HOOK,
				   CHECMATE_SEAL_LOCKED));
	EXPECT_EQ(EBADF, errno);
}

TEST_F(ctl, prog_info)
{
	struct checmate_ctl c = { .op = CHECMATE_CTL_PROG_INFO };
	int prog, filter;

	prog = load_ret(HOOK, 0);
	ASSERT_LE(0, prog);
	EXPECT_EQ(0, checmate_prog_flags(prog));
	/* Not a program (a directory, a map, a link, no fd): EBADF. */
	EXPECT_EQ(-1, checmate_prog_flags(self->cgfd));
	EXPECT_EQ(EBADF, errno);
	EXPECT_EQ(-1, checmate_prog_flags(-1));
	EXPECT_EQ(EBADF, errno);
	{
		union bpf_attr attr;
		int map, link;

		memset(&attr, 0, sizeof(attr));
		attr.map_type = BPF_MAP_TYPE_ARRAY;
		attr.key_size = 4;
		attr.value_size = 4;
		attr.max_entries = 1;
		map = sys_bpf(BPF_MAP_CREATE, &attr);
		ASSERT_LE(0, map);
		EXPECT_EQ(-1, checmate_prog_flags(map));
		EXPECT_EQ(EBADF, errno);
		link = link_create(self->cgfd, prog);
		ASSERT_LE(0, link);
		EXPECT_EQ(-1, checmate_prog_flags(link));
		EXPECT_EQ(EBADF, errno);
		close(link);
		close(map);
	}
	/* A program of another type: EINVAL. */
	filter = load_socket_filter();
	ASSERT_LE(0, filter);
	EXPECT_EQ(-1, checmate_prog_flags(filter));
	EXPECT_EQ(EINVAL, errno);
	/* An older struct has no room for the answer. */
	c.prog_fd = prog;
	EXPECT_EQ(-1, checmate_ctl_sized(&c, CHECMATE_CTL_SIZE_VER0));
	EXPECT_EQ(EINVAL, errno);
	/* A hook or cgroup with it is a mistake. */
	c.hook = HOOK;
	EXPECT_EQ(-1, checmate_ctl_sized(&c, sizeof(c)));
	EXPECT_EQ(EINVAL, errno);
	close(filter);
	close(prog);
}

/* An unprivileged caller gets EPERM before any argument is looked at. */
TEST_F(ctl, unprivileged_eperm_first)
{
	int status;
	pid_t pid;

	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		if (drop_to_nobody())
			_exit(10);
		if (checmate_ctl(CHECMATE_CTL_SEAL, self->cgfd, HOOK,
				 CHECMATE_SEAL_LOCKED) != -1 || errno != EPERM)
			_exit(11);
		if (checmate_ctl(0, -1, 0, ~0U) != -1 || errno != EPERM)
			_exit(12);
		if (checmate_ctl_sized(NULL, 1) != -1 || errno != EPERM)
			_exit(13);
		_exit(0);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_EQ(0, WEXITSTATUS(status));
}

TEST_HARNESS_MAIN
