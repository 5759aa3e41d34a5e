// SPDX-License-Identifier: GPL-2.0
/*
 * Checmate LSM - securityfs counters and audit records of denials
 */

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>

#include "common.h"

#define CONNECT_PORT	offsetof(struct checmate_socket_connect_ctx, port)
#define BIND_PORT	offsetof(struct checmate_socket_bind_ctx, port)
#define PROG_ERRNO	ENOTUNIQ
#define AUDIT_CHECMATE_DENY 1430

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

FIXTURE(observe) {
	char cg[64];
	int cgfd, srv, port;
};

FIXTURE_SETUP(observe)
{
	snprintf(self->cg, sizeof(self->cg), "checmate_obs_%d", getpid());
	self->cgfd = cg_create(_metadata, self->cg);
	cg_enter(_metadata, self->cg);
	self->port = 50000 + getpid() % 10000;
	self->srv = listen_lo(self->port);
	ASSERT_LE(0, self->srv);
}

FIXTURE_TEARDOWN(observe)
{
	close(self->srv);
	cg_enter(_metadata, "");
	close(self->cgfd);
	cg_remove(self->cg);
}

/* Counters move by exactly the number of decisions programs made. */
TEST_F(observe, counters_count_decisions)
{
	struct counts before, after;
	int prog, i;

	/* No program: no decision, nothing counted. */
	ASSERT_EQ(0, read_counts("socket_connect", &before));
	EXPECT_EQ(0, connect_errno(self->port));
	ASSERT_EQ(0, read_counts("socket_connect", &after));
	EXPECT_EQ(before.allow, after.allow);
	EXPECT_EQ(before.deny, after.deny);

	prog = load_match(CHECMATE_HOOK_SOCKET_CONNECT, CONNECT_PORT,
			  self->port, -PROG_ERRNO);
	ASSERT_LE(0, prog);
	ASSERT_EQ(0, prog_attach(self->cgfd, prog, BPF_F_ALLOW_MULTI));
	ASSERT_EQ(0, read_counts("socket_connect", &before));
	for (i = 0; i < 3; i++)
		EXPECT_EQ(PROG_ERRNO, connect_errno(self->port));
	for (i = 0; i < 2; i++)
		EXPECT_EQ(ECONNREFUSED, connect_errno(self->port + 1));
	ASSERT_EQ(0, read_counts("socket_connect", &after));
	EXPECT_EQ(before.deny + 3, after.deny);
	EXPECT_EQ(before.allow + 2, after.allow);
	EXPECT_EQ(before.rewrite, after.rewrite);
	close(prog);
}

TEST_F(observe, rewrite_counted)
{
	struct counts before, after;
	struct sockaddr_in in = lo4(self->port + 1);
	int prog, fd;

	prog = load_prog(CHECMATE_HOOK_SOCKET_BIND,
			 LDX_W(BPF_REG_2, BPF_REG_1, BIND_PORT),
			 JNE_IMM(BPF_REG_2, self->port + 1, 1),
			 ST_W(BPF_REG_1, BIND_PORT, self->port + 2),
			 MOV64_IMM(BPF_REG_0, 0), EXIT());
	ASSERT_LE(0, prog);
	ASSERT_EQ(0, prog_attach(self->cgfd, prog, BPF_F_ALLOW_MULTI));
	ASSERT_EQ(0, read_counts("socket_bind", &before));
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	ASSERT_EQ(0, bind(fd, (struct sockaddr *)&in, sizeof(in)));
	close(fd);
	ASSERT_EQ(0, read_counts("socket_bind", &after));
	EXPECT_EQ(before.rewrite + 1, after.rewrite);
	EXPECT_EQ(before.allow + 1, after.allow);
	EXPECT_EQ(before.deny, after.deny);
	close(prog);
}

/* A denial leaves an audit record with the documented fields. */
TEST_F(observe, audit_record)
{
	char buf[8192], want[256], *rec = NULL;
	int kmsg, prog, i;
	ssize_t n;
	__u32 id;

	/*
	 * Records are rate-limited (20 per 5 s, and printk's own limit when
	 * there is no audit daemon): let the denials of earlier tests age out
	 * of the window so that this one is logged.
	 */
	sleep(6);
	kmsg = open("/dev/kmsg", O_RDONLY | O_NONBLOCK);
	ASSERT_LE(0, kmsg);
	ASSERT_LE(0, lseek(kmsg, 0, SEEK_END));
	prog = load_match(CHECMATE_HOOK_SOCKET_CONNECT, CONNECT_PORT,
			  self->port, -PROG_ERRNO);
	ASSERT_LE(0, prog);
	id = prog_id(prog);
	ASSERT_EQ(0, prog_attach(self->cgfd, prog, BPF_F_ALLOW_MULTI));
	EXPECT_EQ(PROG_ERRNO, connect_errno(self->port));

	snprintf(want, sizeof(want), "type=%d ", AUDIT_CHECMATE_DENY);
	for (i = 0; i < 100 && !rec; i++) {
		n = read(kmsg, buf, sizeof(buf) - 1);
		if (n < 0) {
			usleep(10000);
			continue;
		}
		buf[n] = '\0';
		if (strstr(buf, want))
			rec = strstr(buf, want);
	}
	ASSERT_NE(NULL, rec)
		TH_LOG("no audit record of type %d", AUDIT_CHECMATE_DENY);
	TH_LOG("%s", rec);
	EXPECT_NE(NULL, strstr(rec, " hook=socket_connect "));
	snprintf(want, sizeof(want), " errno=-%d prog_id=%u cgroup_id=",
		 PROG_ERRNO, id);
	EXPECT_NE(NULL, strstr(rec, want));
	snprintf(want, sizeof(want), " pid=%d comm=\"observe_test\"",
		 getpid());
	EXPECT_NE(NULL, strstr(rec, want));
	snprintf(want, sizeof(want),
		 " family=2 protocol=6 addr=127.0.0.1 port=%d", self->port);
	EXPECT_NE(NULL, strstr(rec, want));
	close(prog);
	close(kmsg);
}

/*
 * A deny of a check the kernel itself does not audit (a NOAUDIT probe:
 * landlock_restrict_self(2) probing CAP_SYS_ADMIN) is counted, not
 * audited: reading /proc under a ptrace policy must not flood the log.
 */
TEST_F(observe, noaudit_probe_not_audited)
{
	const __u32 opts = offsetof(struct checmate_capable_ctx, opts);
	char buf[8192], want[64];
	struct counts before, after;
	int kmsg, prog, i, found = 0;
	ssize_t n;

	sleep(6);	/* as above: a record would not be rate-limited */
	kmsg = open("/dev/kmsg", O_RDONLY | O_NONBLOCK);
	ASSERT_LE(0, kmsg);
	ASSERT_LE(0, lseek(kmsg, 0, SEEK_END));
	prog = load_match(CHECMATE_HOOK_CAPABLE, opts,
			  CHECMATE_CAP_OPT_NOAUDIT, -PROG_ERRNO);
	ASSERT_LE(0, prog);
	ASSERT_EQ(0, read_counts("capable", &before));
	ASSERT_EQ(0, prog_attach(self->cgfd, prog, BPF_F_ALLOW_MULTI));
	/* without no_new_privs it needs CAP_SYS_ADMIN, asked quietly */
	EXPECT_EQ(-1, syscall(__NR_landlock_restrict_self, -1, 0));
	EXPECT_EQ(EPERM, errno);
	ASSERT_EQ(0, prog_detach(self->cgfd, prog));
	ASSERT_EQ(0, read_counts("capable", &after));
	EXPECT_LE(1, after.deny - before.deny);

	snprintf(want, sizeof(want), "prog_id=%u ", prog_id(prog));
	for (i = 0; i < 30; i++) {
		n = read(kmsg, buf, sizeof(buf) - 1);
		if (n < 0) {
			usleep(10000);
			continue;
		}
		buf[n] = '\0';
		if (strstr(buf, want))
			found = 1;
	}
	EXPECT_EQ(0, found) TH_LOG("a NOAUDIT probe's deny was audited");
	close(prog);
	close(kmsg);
}

TEST_HARNESS_MAIN
