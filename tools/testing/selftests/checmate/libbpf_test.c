// SPDX-License-Identifier: GPL-2.0
/*
 * Checmate LSM - libbpf and bpftool support
 *
 * Programs built with clang from progs/, loaded through a bpftool-generated
 * skeleton and attached with bpf_program__attach_cgroup().
 */

#include <arpa/inet.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "common.h"
#include "checmate_progs.skel.h"

TEST(probe_and_names)
{
	enum bpf_attach_type at;
	enum bpf_prog_type pt;

	EXPECT_EQ(1, libbpf_probe_bpf_prog_type(BPF_PROG_TYPE_CHECMATE, NULL));
	EXPECT_STREQ("checmate", libbpf_bpf_prog_type_str(BPF_PROG_TYPE_CHECMATE));
	EXPECT_STREQ("checmate", libbpf_bpf_attach_type_str(BPF_CHECMATE));
	ASSERT_EQ(0, libbpf_prog_type_by_name("checmate/socket_bind", &pt, &at));
	EXPECT_EQ(BPF_PROG_TYPE_CHECMATE, pt);
	EXPECT_EQ(BPF_CHECMATE, at);
	ASSERT_EQ(0, libbpf_attach_type_by_name("checmate/socket_bind", &at));
	EXPECT_EQ(BPF_CHECMATE, at);
}

TEST(section_without_hook)
{
	struct bpf_object *obj;

	obj = bpf_object__open_file("checmate_bad_hook.bpf.o", NULL);
	ASSERT_NE(NULL, obj);
	EXPECT_EQ(-EINVAL, bpf_object__load(obj));
	bpf_object__close(obj);
}

FIXTURE(skel) {
	char cg[64];
	int cgfd, srv, port;
	struct checmate_progs *skel;
};

FIXTURE_SETUP(skel)
{
	snprintf(self->cg, sizeof(self->cg), "checmate_libbpf_%d", getpid());
	self->cgfd = cg_create(_metadata, self->cg);
	cg_enter(_metadata, self->cg);
	self->port = 30000 + getpid() % 20000;
	self->srv = listen_lo(self->port);
	ASSERT_LE(0, self->srv);
	self->skel = checmate_progs__open_and_load();
	ASSERT_NE(NULL, self->skel);
}

FIXTURE_TEARDOWN(skel)
{
	checmate_progs__destroy(self->skel);
	close(self->srv);
	cg_enter(_metadata, "");
	close(self->cgfd);
	cg_remove(self->cg);
}

TEST_F(skel, program_types_from_sections)
{
	struct bpf_program *p = self->skel->progs.deny_connect;
	struct bpf_prog_info info = {};
	__u32 len = sizeof(info);

	EXPECT_EQ(BPF_PROG_TYPE_CHECMATE, bpf_program__type(p));
	EXPECT_EQ(BPF_CHECMATE, bpf_program__expected_attach_type(p));
	ASSERT_EQ(0, bpf_prog_get_info_by_fd(bpf_program__fd(p), &info, &len));
	EXPECT_EQ(CHECMATE_HOOK_SOCKET_CONNECT, info.attach_btf_id);
	p = self->skel->progs.rewrite_bind;
	memset(&info, 0, sizeof(info));
	len = sizeof(info);
	ASSERT_EQ(0, bpf_prog_get_info_by_fd(bpf_program__fd(p), &info, &len));
	EXPECT_EQ(CHECMATE_HOOK_SOCKET_BIND, info.attach_btf_id);
}

TEST_F(skel, attach_cgroup_and_maps)
{
	struct bpf_link *link;
	__u64 n = 0;
	__u32 key = 0;

	link = bpf_program__attach_cgroup(self->skel->progs.deny_connect,
					  self->cgfd);
	ASSERT_NE(NULL, link);
	EXPECT_EQ(0, connect_errno(self->port));
	/* Policy changes live through the skeleton's data, no reload. */
	self->skel->bss->denied_port = self->port;
	EXPECT_EQ(ENOTUNIQ, connect_errno(self->port));
	EXPECT_EQ(ENOTUNIQ, connect_errno(self->port));
	ASSERT_EQ(0, bpf_map__lookup_elem(self->skel->maps.denials, &key,
					  sizeof(key), &n, sizeof(n), 0));
	EXPECT_EQ(2, n);
	bpf_link__destroy(link);
	EXPECT_EQ(0, connect_errno(self->port));
}

TEST_F(skel, bind_rewrite_through_skeleton)
{
	struct sockaddr_in in = { .sin_family = AF_INET };
	socklen_t len = sizeof(in);
	struct bpf_link *link;
	int fd;

	link = bpf_program__attach_cgroup(self->skel->progs.rewrite_bind,
					  self->cgfd);
	ASSERT_NE(NULL, link);
	self->skel->bss->from_port = self->port + 1;
	self->skel->bss->to_port = self->port + 2;
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	ASSERT_LE(0, fd);
	in.sin_port = htons(self->port + 1);
	in.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ASSERT_EQ(0, bind(fd, (struct sockaddr *)&in, sizeof(in)));
	ASSERT_EQ(0, getsockname(fd, (struct sockaddr *)&in, &len));
	EXPECT_EQ(self->port + 2, ntohs(in.sin_port));
	close(fd);
	bpf_link__destroy(link);
}

/* bpftool cgroup show and tree list Checmate programs with their hook. */
TEST_F(skel, bpftool_cgroup_show_and_tree)
{
	struct bpf_link *link;
	char cmd[256], out[4096];
	size_t n;
	FILE *p;

	if (system("command -v bpftool >/dev/null 2>&1"))
		SKIP(return, "bpftool not in PATH");
	link = bpf_program__attach_cgroup(self->skel->progs.deny_connect,
					  self->cgfd);
	ASSERT_NE(NULL, link);

	snprintf(cmd, sizeof(cmd), "bpftool cgroup show " CGROOT "/%s",
		 self->cg);
	p = popen(cmd, "r");
	ASSERT_NE(NULL, p);
	n = fread(out, 1, sizeof(out) - 1, p);
	out[n] = '\0';
	EXPECT_EQ(0, pclose(p));
	TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(out, "checmate"));
	EXPECT_NE(NULL, strstr(out, "deny_connect"));
	EXPECT_NE(NULL, strstr(out, "socket_connect"));

	p = popen("bpftool cgroup tree " CGROOT, "r");
	ASSERT_NE(NULL, p);
	n = fread(out, 1, sizeof(out) - 1, p);
	out[n] = '\0';
	EXPECT_EQ(0, pclose(p));
	EXPECT_NE(NULL, strstr(out, self->cg));
	EXPECT_NE(NULL, strstr(out, "socket_connect"));
	bpf_link__destroy(link);
}

TEST_HARNESS_MAIN
