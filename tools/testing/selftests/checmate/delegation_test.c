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
#include <netinet/in.h>
#include <sys/prctl.h>
#include <sys/socket.h>

#include "common.h"
#include "token.h"

#define CONNECT_PORT	offsetof(struct checmate_socket_connect_ctx, port)
#define BIND_PORT	offsetof(struct checmate_socket_bind_ctx, port)
#define PROG_ERRNO	ENOTUNIQ
#define HOOK		CHECMATE_HOOK_SOCKET_CONNECT

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
#define run_delegated(mode, fn) \
	run_delegated_fn(_metadata, self->own, mode, fn, self)

/* With @token, a program that denies connects to @port with PROG_ERRNO. */
static int load_port_deny(int port, int token)
{
	const struct bpf_insn deny[] = {
		LDX_W(BPF_REG_2, BPF_REG_1, CONNECT_PORT),
		MOV64_IMM(BPF_REG_0, 0),
		JNE_IMM(BPF_REG_2, port, 1),
		MOV64_IMM(BPF_REG_0, -PROG_ERRNO),
		EXIT(),
	};

	return load_token(HOOK, deny, ARRAY_SIZE(deny), token);
}

static int delegated_admin(void *arg, int token)
{
	struct _test_data_deleg *self = arg;
	const struct bpf_insn rewrite[] = {
		ST_W(BPF_REG_1, BIND_PORT, 80),
		MOV64_IMM(BPF_REG_0, 0),
		EXIT(),
	};
	struct checmate_ctl ctl;
	int prog;

	/* Loads with the token, and only with it. */
	prog = load_port_deny(self->port, token);
	if (prog < 0)
		return 1;
	if (load_port_deny(self->port, -1) != -1 || errno != EPERM)
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
	/* Control: get and seal its own cgroup with its token, never reset. */
	if (checmate_get_token(&ctl, self->own_fd, HOOK, token) ||
	    ctl.prog_cnt != 2)
		return 10;
	if (checmate_ctl_token(CHECMATE_CTL_RESET, self->own_fd, HOOK, 0,
			       token) != -1 || errno != EPERM)
		return 11;
	if (checmate_ctl_token(CHECMATE_CTL_SEAL, self->other_fd, HOOK,
			       CHECMATE_SEAL_DENY_RESET, token) != -1 ||
	    errno != EPERM)
		return 12;
	/* Without the token, even its own cgroup is out of reach. */
	if (checmate_ctl(CHECMATE_CTL_GET, self->own_fd, HOOK, 0) != -1 ||
	    errno != EPERM)
		return 15;
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

static int delegated_nnp(void *arg, int token)
{
	struct _test_data_deleg *self = arg;
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

static int delegated_plain(void *arg, int token)
{
	struct _test_data_deleg *self = arg;

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

/* Copies the set-user-ID helper to /tmp, owned by @uid; its path. */
static void install_suid(struct __test_metadata *const _metadata,
			 char *helper, size_t size, int uid)
{
	char cmd[256];

	snprintf(helper, size, "/tmp/checmate_suid_%d_%d", getpid(), uid);
	snprintf(cmd, sizeof(cmd),
		 "cp ./suid_helper %s && chown %d:%d %s && chmod 4755 %s",
		 helper, uid, uid, helper, helper);
	ASSERT_EQ(0, system(cmd));
}

/* In the delegated child: runs the helper as namespace uid 1; its euid. */
static int ns_suid_euid(const char *helper)
{
	char buf[32] = {};
	int pipefd[2], status;
	pid_t pid;

	if (pipe(pipefd))
		return -1;
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		dup2(pipefd[1], 1);
		if (setresgid(1, 1, 1) || setresuid(1, 1, 1))
			_exit(1);
		execl(helper, helper, NULL);
		_exit(2);
	}
	close(pipefd[1]);
	if (read(pipefd[0], buf, sizeof(buf) - 1) <= 0)
		buf[0] = '-';
	close(pipefd[0]);
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
	    WEXITSTATUS(status))
		return -1;
	return buf[0] == '-' ? -1 : atoi(buf);
}

static char ns_helper[64];

static int delegated_exec(void *arg, int token)
{
	struct _test_data_deleg *self = arg;
	int prog;

	/* Not yet governed by its own program: the helper gains ns root. */
	if (ns_suid_euid(ns_helper) != 0)
		return 1;
	prog = load_token(HOOK, allow_all, ARRAY_SIZE(allow_all), token);
	if (prog < 0 || prog_attach(self->own_fd, prog, BPF_F_ALLOW_MULTI))
		return 2;
	/* Governed: set-user-ID is ignored, as under no_new_privs. */
	if (ns_suid_euid(ns_helper) != 1)
		return 3;
	return 0;
}

TEST_F(deleg, governed_tasks_exec_with_no_new_privs)
{
	/* Owned by the container's root (uid USER outside). */
	install_suid(_metadata, ns_helper, sizeof(ns_helper), USER);
	EXPECT_EQ(0, run_delegated(NS_ADMIN, delegated_exec));
	unlink(ns_helper);
}

static int ready_pipe[2];

/*
 * Execs set-user-ID helpers while the host moves it between the
 * container's cgroup (governed by its program) and another one (not):
 * each exec is either governed or not, never anything else, and nothing
 * splats.
 */
static int delegated_exec_migrating(void *arg, int token)
{
	struct _test_data_deleg *self = arg;
	int prog, i, euid;
	pid_t me = getpid();

	prog = load_token(HOOK, allow_all, ARRAY_SIZE(allow_all), token);
	if (prog < 0 || prog_attach(self->own_fd, prog, BPF_F_ALLOW_MULTI))
		return 1;
	if (write(ready_pipe[1], &me, sizeof(me)) != sizeof(me))
		return 2;
	for (i = 0; i < 60; i++) {
		euid = ns_suid_euid(ns_helper);
		if (euid != 0 && euid != 1)
			return 3;
	}
	return 0;
}

TEST_F(deleg, migration_races_exec)
{
	char other[256], own[256], buf[32];
	pid_t mover, child;
	int status, i;

	install_suid(_metadata, ns_helper, sizeof(ns_helper), USER);
	ASSERT_EQ(0, pipe(ready_pipe));
	snprintf(own, sizeof(own), "%s/cgroup.procs", self->own_path);
	snprintf(other, sizeof(other), CGROOT "/%s/cgroup.procs", self->other);
	mover = fork();
	ASSERT_LE(0, mover);
	if (mover == 0) {
		close(ready_pipe[1]);
		if (read(ready_pipe[0], &child, sizeof(child)) != sizeof(child))
			_exit(1);
		snprintf(buf, sizeof(buf), "%d", child);
		for (i = 0; i < 400 && !kill(child, 0); i++) {
			write_str(i % 2 ? own : other, buf);
			usleep(200);
		}
		_exit(0);
	}
	EXPECT_EQ(0, run_delegated(NS_ADMIN, delegated_exec_migrating));
	close(ready_pipe[0]);
	close(ready_pipe[1]);
	ASSERT_EQ(mover, waitpid(mover, &status, 0));
	EXPECT_EQ(0, WEXITSTATUS(status));
	unlink(ns_helper);
}

TEST_F(deleg, host_tasks_not_governed_by_delegated_programs)
{
	char helper[64];

	install_suid(_metadata, helper, sizeof(helper), 0);
	/*
	 * A delegated (allow-all) program governs the container's cgroup; a
	 * host task moved in (as nsenter or docker exec do) keeps its host
	 * credentials and is not governed by it: set-user-ID still works.
	 */
	ASSERT_EQ(0, run_delegated(NS_ADMIN, delegated_nnp));
	EXPECT_EQ(2, query_count(self->own_fd, 0, NULL, 0));
	EXPECT_EQ(0, suid_euid(_metadata, helper, self->own));
	EXPECT_EQ(0, suid_euid(_metadata, helper, self->other));
	unlink(helper);
}

static int delegated_deny(void *arg, int token)
{
	struct _test_data_deleg *self = arg;
	int prog = load_port_deny(self->port, token);

	if (prog < 0 || prog_attach(self->own_fd, prog, BPF_F_ALLOW_MULTI))
		return 1;
	/* It governs the container's own tasks. */
	return connect_errno(self->port) == PROG_ERRNO ? 0 : 2;
}

/*
 * Forks a child in cgroup @cg (NULL: the caller's), made non-dumpable if
 * @setid, that unshares a UTS namespace: 0 or the errno.
 */
static int unshare_uts(const char *cg, int setid)
{
	int status;
	pid_t pid = fork();

	if (pid < 0)
		return -1;
	if (pid == 0) {
		if (cg)
			cg_enter_path(cg);
		/* what exec of a set-id program leaves: not dumpable */
		if (setid && prctl(PR_SET_DUMPABLE, 0, 0, 0, 0))
			_exit(100);
		_exit(unshare(CLONE_NEWUTS) ? errno : 0);
	}
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

/* A capable program that denies CAP_SYS_ADMIN (21). */
static const struct bpf_insn deny_sys_admin[] = {
	LDX_W(BPF_REG_2, BPF_REG_1, offsetof(struct checmate_capable_ctx, cap)),
	MOV64_IMM(BPF_REG_0, 0),
	JNE_IMM(BPF_REG_2, 21, 1),
	MOV64_IMM(BPF_REG_0, -PROG_ERRNO),
	EXIT(),
};

static int delegated_capable(void *arg, int token)
{
	struct _test_data_deleg *self = arg;
	int prog = load_token(CHECMATE_HOOK_CAPABLE, deny_sys_admin,
			      ARRAY_SIZE(deny_sys_admin), token);

	if (prog < 0 || prog_attach(self->own_fd, prog, BPF_F_ALLOW_MULTI))
		return 1;
	/* The container's own tasks lose CAP_SYS_ADMIN... */
	if (unshare_uts(NULL, 0) != EPERM)
		return 2;
	/*
	 * ...but not a set-id process, which a less privileged policy must
	 * not make fail half way through dropping its privilege.
	 */
	if (unshare_uts(NULL, 1) != 0)
		return 3;
	return 0;
}

TEST_F(deleg, delegated_capable_spares_set_id_processes)
{
	int prog;

	ASSERT_EQ(0, run_delegated(NS_ADMIN, delegated_capable));
	/* The init admin's capable programs govern set-id processes too. */
	prog = load_prog(CHECMATE_HOOK_CAPABLE,
			 LDX_W(BPF_REG_2, BPF_REG_1,
			       offsetof(struct checmate_capable_ctx, cap)),
			 MOV64_IMM(BPF_REG_0, 0),
			 JNE_IMM(BPF_REG_2, 21, 1),
			 MOV64_IMM(BPF_REG_0, -PROG_ERRNO),
			 EXIT());
	ASSERT_LE(0, prog);
	ASSERT_EQ(0, prog_attach(self->other_fd, prog, BPF_F_ALLOW_MULTI));
	EXPECT_EQ(EPERM, unshare_uts(self->other, 1));
	EXPECT_EQ(EPERM, unshare_uts(self->other, 0));
	EXPECT_EQ(0, prog_detach(self->other_fd, prog));
	EXPECT_EQ(0, unshare_uts(self->other, 1));
	close(prog);
}

TEST_F(deleg, host_connect_not_governed_by_delegated_programs)
{
	int status;
	pid_t pid;

	ASSERT_EQ(0, run_delegated(NS_ADMIN, delegated_deny));
	/* Root of the initial user namespace, moved into the cgroup. */
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		cg_enter_path(self->own);
		_exit(connect_errno(self->port));
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_EQ(0, WEXITSTATUS(status));
}

static int delegated_host_cgroupns(void *arg, int token)
{
	struct _test_data_deleg *self = arg;
	int prog = load_token(HOOK, allow_all, ARRAY_SIZE(allow_all), token);

	if (prog < 0)
		return 1;
	/* Its own, writable cgroup, but no cgroup namespace of its own. */
	if (prog_attach(self->own_fd, prog, BPF_F_ALLOW_MULTI) != -1 ||
	    errno != EPERM)
		return 2;
	if (link_create(self->own_fd, prog) != -1 || errno != EPERM)
		return 3;
	if (checmate_ctl_token(CHECMATE_CTL_SEAL, self->own_fd, HOOK,
			       CHECMATE_SEAL_LOCKED, token) != -1 ||
	    errno != EPERM)
		return 4;
	return 0;
}

TEST_F(deleg, scope_is_the_tokens_cgroup_namespace)
{
	EXPECT_EQ(0, run_delegated(HOST_CGROUPNS, delegated_host_cgroupns));
	EXPECT_EQ(1, query_count(self->own_fd, 0, NULL, 0));
	EXPECT_EQ(0, checmate_seals(self->own_fd, HOOK));
}

static int delegated_seal_locked(void *arg, int token)
{
	struct _test_data_deleg *self = arg;
	int prog = load_token(HOOK, allow_all, ARRAY_SIZE(allow_all), token);
	struct checmate_ctl ctl;

	if (prog < 0 || prog_attach(self->own_fd, prog, BPF_F_ALLOW_MULTI))
		return 1;
	if (checmate_ctl_token(CHECMATE_CTL_SEAL, self->own_fd, HOOK,
			       CHECMATE_SEAL_LOCKED, token))
		return 2;
	/* Its own seal binds the container, its root included. */
	if (prog_detach(self->own_fd, prog) != -1 || errno != EPERM)
		return 3;
	if (prog_attach(self->own_fd, prog, BPF_F_ALLOW_MULTI) != -1 ||
	    errno != EPERM)
		return 4;
	if (checmate_get_token(&ctl, self->own_fd, HOOK, token) ||
	    ctl.seals != CHECMATE_SEAL_LOCKED ||
	    ctl.delegated_seals != CHECMATE_SEAL_LOCKED)
		return 5;
	return 0;
}

TEST_F(deleg, delegated_seal_never_binds_init_admin)
{
	struct checmate_ctl ctl = {
		.op = CHECMATE_CTL_GET, .cgroup_fd = self->own_fd, .hook = HOOK,
	};
	__u32 ids[4];
	int prog;

	ASSERT_EQ(0, run_delegated(NS_ADMIN, delegated_seal_locked));
	/* The init admin sees it, and is not bound by it. */
	ASSERT_EQ(0, checmate_ctl_sized(&ctl, sizeof(ctl)));
	EXPECT_EQ(0, ctl.seals);
	EXPECT_EQ(CHECMATE_SEAL_LOCKED, ctl.delegated_seals);
	prog = load_ret(HOOK, 0);
	ASSERT_LE(0, prog);
	EXPECT_EQ(0, prog_attach(self->own_fd, prog, BPF_F_ALLOW_MULTI));
	EXPECT_EQ(0, prog_detach(self->own_fd, prog));
	/* It may even remove the container's program. */
	ASSERT_EQ(2, query_count(self->own_fd, 0, ids, 4));
	EXPECT_EQ(0, checmate_ctl(CHECMATE_CTL_RESET, self->own_fd, HOOK, 0));
	EXPECT_EQ(0, query_count(self->own_fd, 0, NULL, 0));
	close(prog);
}

static int delegated_under_root_seal(void *arg, int token)
{
	struct _test_data_deleg *self = arg;
	int prog = load_token(HOOK, allow_all, ARRAY_SIZE(allow_all), token);

	/* Append-only: attaching is fine, removing its own program is not. */
	if (prog < 0 || prog_attach(self->own_fd, prog, BPF_F_ALLOW_MULTI))
		return 1;
	if (prog_detach(self->own_fd, prog) != -1 || errno != EPERM)
		return 2;
	return 0;
}

TEST_F(deleg, init_admin_seal_binds_delegated)
{
	ASSERT_EQ(0, checmate_ctl(CHECMATE_CTL_SEAL, self->own_fd, HOOK,
				  CHECMATE_SEAL_APPEND_ONLY));
	EXPECT_EQ(0, run_delegated(NS_ADMIN, delegated_under_root_seal));
	EXPECT_EQ(2, query_count(self->own_fd, 0, NULL, 0));
}

static int delegated_replace_host(void *arg, int token)
{
	struct _test_data_deleg *self = arg;
	int prog = load_token(HOOK, allow_all, ARRAY_SIZE(allow_all), token);
	union bpf_attr attr;

	if (prog < 0)
		return 1;
	/* It holds the host program's fd, inherited: not enough. */
	memset(&attr, 0, sizeof(attr));
	attr.target_fd = self->own_fd;
	attr.attach_bpf_fd = prog;
	attr.attach_type = BPF_CHECMATE;
	attr.attach_flags = BPF_F_ALLOW_MULTI | BPF_F_REPLACE;
	attr.replace_bpf_fd = self->host_prog;
	if (sys_bpf(BPF_PROG_ATTACH, &attr) != -1 || errno != EPERM)
		return 2;
	return 0;
}

TEST_F(deleg, replace_of_host_program_refused)
{
	__u32 id;

	EXPECT_EQ(0, run_delegated(NS_ADMIN, delegated_replace_host));
	ASSERT_EQ(1, query_count(self->own_fd, 0, &id, 1));
	EXPECT_EQ(prog_id(self->host_prog), id);
}

static int delegated_seal_append(void *arg, int token)
{
	struct _test_data_deleg *self = arg;

	return checmate_ctl_token(CHECMATE_CTL_SEAL, self->own_fd, HOOK,
				  CHECMATE_SEAL_APPEND_ONLY, token) ? 1 : 0;
}

/*
 * The container seals its hook append-only; the host's link there is
 * then released by a task without CAP_SYS_ADMIN (the host agent after
 * dropping its capabilities). The container's seal does not bind the
 * host's link: it is detached, cleanly, and nothing is left behind.
 */
TEST_F(deleg, host_link_released_under_container_seal)
{
	int prog = load_ret(HOOK, -EACCES), link, status;
	__u32 ids[4];
	pid_t pid;

	ASSERT_LE(0, prog);
	link = link_create(self->own_fd, prog);
	ASSERT_LE(0, link);
	ASSERT_EQ(0, run_delegated(NS_ADMIN, delegated_seal_append));
	ASSERT_EQ(2, query_count(self->own_fd, 0, ids, 4));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		if (drop_to_nobody())
			_exit(1);
		close(link);	/* the last reference: the link is released */
		_exit(0);
	}
	close(link);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_EQ(0, WEXITSTATUS(status));
	/* Only the host's plain attachment is left, and it still runs. */
	EXPECT_EQ(1, query_count(self->own_fd, 0, ids, 4));
	EXPECT_EQ(prog_id(self->host_prog), ids[0]);
	close(prog);
}

static int delegated_links(void *arg, int token)
{
	struct _test_data_deleg *self = arg;
	int prog = load_token(HOOK, allow_all, ARRAY_SIZE(allow_all), token);
	union bpf_attr attr;
	int link;

	if (prog < 0)
		return 1;
	link = link_create(self->own_fd, prog);
	if (link < 0)
		return 2;
	memset(&attr, 0, sizeof(attr));
	attr.link_detach.link_fd = link;
	/* NNP without CAP_SYS_ADMIN: its link fd is not enough. */
	if (!prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0))
		return sys_bpf(BPF_LINK_DETACH, &attr) ? 3 : 0;
	if (sys_bpf(BPF_LINK_DETACH, &attr) != -1 || errno != EPERM)
		return 4;
	return 0;
}

TEST_F(deleg, link_detach_needs_the_containers_root)
{
	/* The container's root detaches its own link... */
	EXPECT_EQ(0, run_delegated(NS_ADMIN, delegated_links));
	EXPECT_EQ(1, query_count(self->own_fd, 0, NULL, 0));
	/* ...an unprivileged task of the container with the fd may not. */
	EXPECT_EQ(0, run_delegated(NNP, delegated_links));
}

static int host_link_fd;

static int delegated_host_link(void *arg, int token)
{
	int prog = load_token(HOOK, allow_all, ARRAY_SIZE(allow_all), token);
	union bpf_attr attr;

	if (prog < 0)
		return 1;
	memset(&attr, 0, sizeof(attr));
	attr.link_detach.link_fd = host_link_fd;
	if (sys_bpf(BPF_LINK_DETACH, &attr) != -1 || errno != EPERM)
		return 2;
	memset(&attr, 0, sizeof(attr));
	attr.link_update.link_fd = host_link_fd;
	attr.link_update.new_prog_fd = prog;
	if (sys_bpf(BPF_LINK_UPDATE, &attr) != -1 || errno != EPERM)
		return 3;
	return 0;
}

TEST_F(deleg, host_link_fd_in_a_container_refused)
{
	int prog = load_ret(HOOK, 0);

	ASSERT_LE(0, prog);
	host_link_fd = link_create(self->own_fd, prog);
	ASSERT_LE(0, host_link_fd);
	EXPECT_EQ(0, run_delegated(NS_ADMIN, delegated_host_link));
	EXPECT_EQ(2, query_count(self->own_fd, 0, NULL, 0));
	close(host_link_fd);
	close(prog);
}

TEST_HARNESS_MAIN
