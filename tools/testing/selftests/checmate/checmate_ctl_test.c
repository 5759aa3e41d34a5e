// SPDX-License-Identifier: GPL-2.0
/*
 * Checmate LSM - checmate-ctl, the admin tool, against real traffic
 */

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include "common.h"

#define OBJ		"./checmate_ctl_progs.bpf.o"
#define REWRITE_OBJ	"./checmate_rewrite.bpf.o"
#define DENIED_PORT	9999
#define PROG_ERRNO	ENOTUNIQ

/* Runs a shell command; returns its exit status, output in @out. */
static int run(char *out, size_t size, const char *fmt, ...)
{
	char cmd[512];
	va_list ap;
	size_t n;
	FILE *p;
	int status;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	strncat(cmd, " 2>&1", sizeof(cmd) - strlen(cmd) - 1);
	p = popen(cmd, "r");
	if (!p)
		return -1;
	n = fread(out, 1, size - 1, p);
	out[n] = '\0';
	status = pclose(p);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

FIXTURE(ctl) {
	char cg[64], path[128], pin[128];
	int cgfd, srv;
	char out[8192];
};

FIXTURE_SETUP(ctl)
{
	if (system("command -v checmate-ctl >/dev/null 2>&1"))
		SKIP(return, "checmate-ctl not in PATH");
	snprintf(self->cg, sizeof(self->cg), "checmate_ctl_%d", getpid());
	snprintf(self->path, sizeof(self->path), CGROOT "/%s", self->cg);
	snprintf(self->pin, sizeof(self->pin), "/sys/fs/bpf/ctl_%d", getpid());
	self->cgfd = cg_create(_metadata, self->cg);
	cg_enter(_metadata, self->cg);
	self->srv = listen_lo(DENIED_PORT);
	ASSERT_LE(0, self->srv);
}

FIXTURE_TEARDOWN(ctl)
{
	char buf[256];

	if (system("command -v checmate-ctl >/dev/null 2>&1"))
		return;
	snprintf(buf, sizeof(buf), "rm -rf %s", self->pin);
	system(buf);
	cg_enter(_metadata, "");
	close(self->srv);
	close(self->cgfd);
	cg_remove(self->cg);
}

/* The id checmate-ctl printed: "attached NAME (id N) ...". */
static int attached_id(const char *out)
{
	const char *p = strstr(out, "(id ");

	return p ? atoi(p + 4) : -1;
}

TEST_F(ctl, help_and_usage)
{
	EXPECT_EQ(0, run(self->out, sizeof(self->out), "checmate-ctl --help"));
	EXPECT_NE(NULL, strstr(self->out, "Usage: checmate-ctl"));
	EXPECT_EQ(0, run(self->out, sizeof(self->out),
			 "checmate-ctl attach --help"));
	EXPECT_NE(NULL, strstr(self->out, "Usage: checmate-ctl attach OBJ"));
	EXPECT_EQ(0, run(self->out, sizeof(self->out),
			 "checmate-ctl seal --help"));
	EXPECT_NE(NULL, strstr(self->out, "append-only"));
	EXPECT_EQ(2, run(self->out, sizeof(self->out), "checmate-ctl"));
	EXPECT_EQ(2, run(self->out, sizeof(self->out), "checmate-ctl frob"));
	EXPECT_NE(NULL, strstr(self->out, "unknown command 'frob'"));
	EXPECT_EQ(2, run(self->out, sizeof(self->out),
			 "checmate-ctl attach " OBJ));
}

TEST_F(ctl, attach_list_detach)
{
	int id;

	EXPECT_EQ(0, connect_errno(DENIED_PORT));
	ASSERT_EQ(0, run(self->out, sizeof(self->out),
			 "checmate-ctl attach " OBJ " %s", self->cg))
		TH_LOG("%s", self->out);
	EXPECT_NE(NULL, strstr(self->out, "attached deny_9999"));
	EXPECT_NE(NULL, strstr(self->out, "to socket_connect of"));
	id = attached_id(self->out);
	ASSERT_LT(0, id);
	EXPECT_EQ(PROG_ERRNO, connect_errno(DENIED_PORT));

	ASSERT_EQ(0, run(self->out, sizeof(self->out), "checmate-ctl list %s",
			 self->path));
	EXPECT_NE(NULL, strstr(self->out, self->path));
	EXPECT_NE(NULL, strstr(self->out, "socket_connect"));
	EXPECT_NE(NULL, strstr(self->out, "deny_9999"));
	EXPECT_NE(NULL, strstr(self->out, "privileged"));
	ASSERT_EQ(0, run(self->out, sizeof(self->out),
			 "checmate-ctl --json list %s", self->path));
	EXPECT_NE(NULL, strstr(self->out, "\"hook\":\"socket_connect\""));
	EXPECT_NE(NULL, strstr(self->out, "\"name\":\"deny_9999\""));
	EXPECT_NE(NULL, strstr(self->out, "\"attached_by\":\"privileged\""));

	ASSERT_EQ(0, run(self->out, sizeof(self->out),
			 "checmate-ctl detach %s --id %d", self->cg, id))
		TH_LOG("%s", self->out);
	EXPECT_EQ(0, connect_errno(DENIED_PORT));
	/* Detaching it again: not attached any more. */
	EXPECT_EQ(1, run(self->out, sizeof(self->out),
			 "checmate-ctl detach %s --id %d", self->cg, id));
}

TEST_F(ctl, pinned_link)
{
	char pin[192];

	ASSERT_EQ(0, run(self->out, sizeof(self->out),
			 "checmate-ctl attach " OBJ " %s --pin %s", self->cg,
			 self->pin)) TH_LOG("%s", self->out);
	EXPECT_NE(NULL, strstr(self->out, "link pinned at"));
	EXPECT_EQ(PROG_ERRNO, connect_errno(DENIED_PORT));
	snprintf(pin, sizeof(pin), "%s/deny_9999", self->pin);
	ASSERT_EQ(0, access(pin, F_OK));
	ASSERT_EQ(0, run(self->out, sizeof(self->out),
			 "checmate-ctl detach %s --pin %s", self->cg, pin))
		TH_LOG("%s", self->out);
	EXPECT_EQ(-1, access(pin, F_OK));
	EXPECT_EQ(0, connect_errno(DENIED_PORT));
}

TEST_F(ctl, sealed_hook_refuses_with_reason)
{
	int id;

	ASSERT_EQ(0, run(self->out, sizeof(self->out),
			 "checmate-ctl attach " OBJ " %s", self->cg));
	id = attached_id(self->out);
	ASSERT_EQ(0, run(self->out, sizeof(self->out),
			 "checmate-ctl seal %s socket_connect append-only",
			 self->cg)) TH_LOG("%s", self->out);
	EXPECT_NE(NULL, strstr(self->out, "sealed socket_connect"));
	EXPECT_EQ(1, run(self->out, sizeof(self->out),
			 "checmate-ctl detach %s --id %d", self->cg, id));
	EXPECT_NE(NULL, strstr(self->out, "EPERM"));
	EXPECT_NE(NULL, strstr(self->out, "sealed append-only"));
	EXPECT_EQ(1, run(self->out, sizeof(self->out),
			 "checmate-ctl reset %s socket_connect", self->cg));
	EXPECT_NE(NULL, strstr(self->out, "sealed append-only"));
	EXPECT_EQ(PROG_ERRNO, connect_errno(DENIED_PORT));
	ASSERT_EQ(0, run(self->out, sizeof(self->out), "checmate-ctl list %s",
			 self->path));
	EXPECT_NE(NULL, strstr(self->out, "seals append-only"));
}

TEST_F(ctl, error_paths)
{
	/* Not a BPF object. */
	EXPECT_EQ(1, run(self->out, sizeof(self->out),
			 "checmate-ctl attach /proc/version %s", self->cg));
	EXPECT_NE(NULL, strstr(self->out, "not a BPF object"));
	/* No such cgroup. */
	EXPECT_EQ(1, run(self->out, sizeof(self->out),
			 "checmate-ctl attach " OBJ " no_such_cgroup_%d",
			 getpid()));
	EXPECT_NE(NULL, strstr(self->out, "cannot open cgroup"));
	/* A section that names no hook: the load fails, with the errno. */
	EXPECT_EQ(1, run(self->out, sizeof(self->out),
			 "checmate-ctl attach ./checmate_bad_hook.bpf.o %s",
			 self->cg));
	EXPECT_NE(NULL, strstr(self->out, "EINVAL"));
	/* Unknown hook and seal names. */
	EXPECT_EQ(1, run(self->out, sizeof(self->out),
			 "checmate-ctl seal %s socket_frob locked", self->cg));
	EXPECT_NE(NULL, strstr(self->out, "unknown hook 'socket_frob'"));
	EXPECT_EQ(2, run(self->out, sizeof(self->out),
			 "checmate-ctl seal %s socket_bind frozen", self->cg));
	EXPECT_NE(NULL, strstr(self->out, "unknown seal 'frozen'"));
	/* Nothing was attached or sealed by any of that. */
	EXPECT_EQ(0, query_count(self->cgfd, 0, NULL, 0));
	EXPECT_EQ(0, checmate_seals(self->cgfd, CHECMATE_HOOK_SOCKET_BIND));
}

TEST_F(ctl, stats_and_hooks)
{
	int before, after;

	ASSERT_EQ(0, run(self->out, sizeof(self->out), "checmate-ctl stats"));
	EXPECT_NE(NULL, strstr(self->out, "socket_connect"));
	ASSERT_EQ(0, run(self->out, sizeof(self->out),
			 "checmate-ctl attach " OBJ " %s", self->cg));
	ASSERT_EQ(0, run(self->out, sizeof(self->out),
			 "checmate-ctl --json stats"));
	before = atoi(strstr(strstr(self->out, "\"hook\":\"socket_connect\""),
			     "\"deny\":") + 7);
	EXPECT_EQ(PROG_ERRNO, connect_errno(DENIED_PORT));
	ASSERT_EQ(0, run(self->out, sizeof(self->out),
			 "checmate-ctl --json stats"));
	after = atoi(strstr(strstr(self->out, "\"hook\":\"socket_connect\""),
			    "\"deny\":") + 7);
	EXPECT_EQ(before + 1, after);
	ASSERT_EQ(0, run(self->out, sizeof(self->out), "checmate-ctl hooks"));
	EXPECT_NE(NULL, strstr(self->out, "socket_bind          context 28 bytes"));
}

/* test: a program's verdict and rewrite on a context, nothing attached. */
TEST_F(ctl, test_runs_a_program)
{
	char *o = self->out;

	ASSERT_EQ(0, run(o, sizeof(self->out), "checmate-ctl test " OBJ
			 " family=inet addr=10.0.0.1 port=%d", DENIED_PORT));
	EXPECT_NE(NULL, strstr(o, "deny_9999: socket_connect: deny, "))
		TH_LOG("%s", o);
	EXPECT_NE(NULL, strstr(o, "(-76)")) TH_LOG("%s", o);
	ASSERT_EQ(0, run(o, sizeof(self->out), "checmate-ctl test " OBJ
			 " family=inet addr=10.0.0.1 port=443"));
	EXPECT_NE(NULL, strstr(o, "deny_9999: socket_connect: allow"))
		TH_LOG("%s", o);
	ASSERT_EQ(0, run(o, sizeof(self->out), "checmate-ctl --json test "
			 OBJ " port=%d", DENIED_PORT));
	EXPECT_NE(NULL, strstr(o, "\"verdict\":\"deny\",\"errno\":76"))
		TH_LOG("%s", o);
	/* A rewrite is shown, and only a rewrite. */
	ASSERT_EQ(0, run(o, sizeof(self->out), "checmate-ctl test %s %s",
			 REWRITE_OBJ, "family=inet port=80 addr=127.0.0.1"));
	EXPECT_NE(NULL, strstr(o, "port_80_to_8080: socket_bind: allow\n"))
		TH_LOG("%s", o);
	EXPECT_NE(NULL, strstr(o, "\nrewritten: port=8080\n")) TH_LOG("%s", o);
	ASSERT_EQ(0, run(o, sizeof(self->out), "checmate-ctl test %s %s",
			 REWRITE_OBJ, "family=inet port=81"));
	EXPECT_EQ(NULL, strstr(o, "rewritten")) TH_LOG("%s", o);
	/* Bad fields and missing programs. */
	EXPECT_EQ(2, run(o, sizeof(self->out), "checmate-ctl test " OBJ
			 " backlogg=1"));
	EXPECT_NE(NULL, strstr(o, "not a field of socket_connect"));
	EXPECT_EQ(2, run(o, sizeof(self->out), "checmate-ctl test " OBJ
			 " addr=300.1.1.1"));
	EXPECT_EQ(1, run(o, sizeof(self->out), "checmate-ctl test " OBJ
			 " --prog nosuch"));
	EXPECT_NE(NULL, strstr(o, "no Checmate program named nosuch"));
	/* Nothing was attached anywhere by any of it. */
	EXPECT_EQ(0, run(o, sizeof(self->out), "checmate-ctl list"));
	EXPECT_EQ(NULL, strstr(o, "deny_9999")) TH_LOG("%s", o);
}

TEST_HARNESS_MAIN
