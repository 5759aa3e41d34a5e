// SPDX-License-Identifier: GPL-2.0
/*
 * Checmate LSM - the verifier boundary and who may change an attachment
 *
 * Each test performs an attack that worked before the boundary was
 * closed: a tail call into another hook's program, a kfunc, a verifier
 * relaxation for privileged loaders, an extension of a Checmate program,
 * load attributes that name a target, and attachments changed through a
 * link fd or by an unprivileged user with no_new_privs. Token variants run
 * in a delegated child (token.h).
 */

#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "common.h"
#include "token.h"

#define HOOK		CHECMATE_HOOK_SOCKET_CONNECT
#define PSEUDO_MAP_FD	1
#define PSEUDO_KFUNC	2
#define PSEUDO_BTF_ID	3

/* BPF_FUNC_* numbers, stable ABI. */
#define FUNC_map_lookup_elem		1
#define FUNC_get_smp_processor_id	8
#define FUNC_tail_call			12
#define FUNC_get_numa_node_id		42
#define FUNC_ktime_get_coarse_ns	160
#define FUNC_ktime_get_tai_ns		208

/* A 64-bit load of a map fd takes two instructions: LD_MAP_FD, then HI32. */
#define LD_MAP_FD(d, fd)	\
	INSN(BPF_LD | BPF_DW | BPF_IMM, d, PSEUDO_MAP_FD, 0, fd)
#define HI32()		INSN(0, 0, 0, 0, 0)
#define MOV64_REG(d, s)	INSN(BPF_ALU64 | BPF_MOV | BPF_X, d, s, 0, 0)
#define ADD64_IMM(d, i)	INSN(BPF_ALU64 | BPF_ADD | BPF_K, d, 0, 0, i)
#define JEQ_IMM(d, i, o) INSN(BPF_JMP | BPF_JEQ | BPF_K, d, 0, o, i)
#define KFUNC(id)	INSN(BPF_JMP | BPF_CALL, 0, PSEUDO_KFUNC, 0, id)

static int map_create(__u32 type, __u32 value_size)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.map_type = type;
	attr.key_size = 4;
	attr.value_size = value_size;
	attr.max_entries = 1;
	return sys_bpf(BPF_MAP_CREATE, &attr);
}

/* A tail call through @prog_array: verified for one hook, runs another's. */
static int load_tail_call(int prog_array, int token)
{
	const struct bpf_insn insns[] = {
		LD_MAP_FD(BPF_REG_2, prog_array),
		HI32(),
		MOV64_IMM(BPF_REG_3, 0),
		CALL(FUNC_tail_call),
		MOV64_IMM(BPF_REG_0, 0),
		EXIT(),
	};

	return load_insns_token(CHECMATE_HOOK_SOCKET_CREATE, BPF_CHECMATE,
				insns, ARRAY_SIZE(insns), token);
}

/* bpf_rcu_read_lock() and _unlock(): common kfuncs, callable by any type. */
static int kfunc_lock, kfunc_unlock;

static int load_kfunc(int token)
{
	const struct bpf_insn insns[] = {
		KFUNC(kfunc_lock),
		KFUNC(kfunc_unlock),
		MOV64_IMM(BPF_REG_0, 0),
		EXIT(),
	};

	return load_insns_token(HOOK, BPF_CHECMATE, insns, ARRAY_SIZE(insns),
				token);
}

static void find_kfuncs(struct __test_metadata *const _metadata)
{
	struct btf *btf = btf__parse("/sys/kernel/btf/vmlinux", NULL);

	ASSERT_NE(NULL, btf);
	kfunc_lock = btf__find_by_name_kind(btf, "bpf_rcu_read_lock",
					    BTF_KIND_FUNC);
	kfunc_unlock = btf__find_by_name_kind(btf, "bpf_rcu_read_unlock",
					      BTF_KIND_FUNC);
	btf__free(btf);
	ASSERT_LT(0, kfunc_lock);
	ASSERT_LT(0, kfunc_unlock);
}

/* Stores the context pointer in a map: a pointer leak root once had. */
static int load_ptr_leak(int array, int token)
{
	const struct bpf_insn insns[] = {
		MOV64_REG(BPF_REG_6, BPF_REG_1),
		ST_W(BPF_REG_10, -4, 0),
		MOV64_REG(BPF_REG_2, BPF_REG_10),
		ADD64_IMM(BPF_REG_2, -4),
		LD_MAP_FD(BPF_REG_1, array),
		HI32(),
		CALL(FUNC_map_lookup_elem),
		JEQ_IMM(BPF_REG_0, 0, 1),
		STX_SZ(BPF_DW, BPF_REG_0, BPF_REG_6, 0),
		MOV64_IMM(BPF_REG_0, 0),
		EXIT(),
	};

	return load_insns_token(HOOK, BPF_CHECMATE, insns, ARRAY_SIZE(insns),
				token);
}

/* Reads stack it never wrote: what is left there by the kernel. */
static int load_uninit_stack(int token)
{
	const struct bpf_insn insns[] = {
		LDX_SZ(BPF_DW, BPF_REG_0, BPF_REG_10, -8),
		MOV64_IMM(BPF_REG_0, 0),
		EXIT(),
	};

	return load_insns_token(HOOK, BPF_CHECMATE, insns, ARRAY_SIZE(insns),
				token);
}

/* A typed ksym: the address of a kernel variable, readable through BTF. */
static int load_ksym(struct __test_metadata *const _metadata)
{
	struct btf *btf = btf__parse("/sys/kernel/btf/vmlinux", NULL);
	int id, var = 0;

	ASSERT_NE(NULL, btf);
	for (id = 1; id < (int)btf__type_cnt(btf) && !var; id++)
		if (btf_is_var(btf__type_by_id(btf, id)))
			var = id;
	btf__free(btf);
	ASSERT_LT(0, var);
	return load_prog(HOOK,
			 INSN(BPF_LD | BPF_DW | BPF_IMM, BPF_REG_1,
			      PSEUDO_BTF_ID, 0, var),
			 HI32(),
			 MOV64_IMM(BPF_REG_0, 0),
			 EXIT());
}

TEST(no_kernel_symbols_for_root)
{
	EXPECT_EQ(-1, load_ksym(_metadata));
	EXPECT_EQ(EACCES, errno);
}

TEST(tail_calls_not_offered)
{
	int prog_array = map_create(BPF_MAP_TYPE_PROG_ARRAY, 4);

	ASSERT_LE(0, prog_array);
	EXPECT_EQ(-1, load_tail_call(prog_array, -1));
	EXPECT_EQ(EINVAL, errno);
	close(prog_array);
}

TEST(no_kfunc_for_root)
{
	find_kfuncs(_metadata);
	EXPECT_EQ(-1, load_kfunc(-1));
	EXPECT_EQ(EACCES, errno);
}

TEST(no_pointer_leak_for_root)
{
	int array = map_create(BPF_MAP_TYPE_ARRAY, 8);

	ASSERT_LE(0, array);
	EXPECT_EQ(-1, load_ptr_leak(array, -1));
	EXPECT_EQ(EACCES, errno);
	close(array);
}

TEST(no_uninit_stack_for_root)
{
	EXPECT_EQ(-1, load_uninit_stack(-1));
	EXPECT_EQ(EACCES, errno);
}

/* A may_goto loop guard, which would let a program run 8M times longer. */
static int load_may_goto(int token)
{
	const struct bpf_insn insns[] = {
		INSN(BPF_JMP | BPF_JCOND, 0, 0, 0, 0),	/* may_goto +0 */
		MOV64_IMM(BPF_REG_0, 0),
		EXIT(),
	};

	return load_insns_token(HOOK, BPF_CHECMATE, insns, ARRAY_SIZE(insns),
				token);
}

/* A helper call without arguments: EINVAL if not offered, else EACCES. */
static int load_call(int func, int token)
{
	const struct bpf_insn insns[] = {
		CALL(func), MOV64_IMM(BPF_REG_0, 0), EXIT(),
	};

	return load_insns_token(HOOK, BPF_CHECMATE, insns, ARRAY_SIZE(insns),
				token);
}

TEST(no_may_goto_for_root)
{
	EXPECT_EQ(-1, load_may_goto(-1));
	EXPECT_EQ(EINVAL, errno);
	/* bpf_loop() is offered to root: the call fails on its arguments */
	EXPECT_EQ(-1, load_call(181, -1));
	EXPECT_EQ(EACCES, errno);
}

/* The same programs from a container: a token holder with CAP_PERFMON. */
static int prog_array_fd, array_fd;

static int token_loads(void *arg, int token)
{
	if (load_tail_call(prog_array_fd, token) != -1 || errno != EINVAL)
		return 1;
	if (load_kfunc(token) != -1 || errno != EACCES)
		return 2;
	if (load_ptr_leak(array_fd, token) != -1 || errno != EACCES)
		return 3;
	if (load_uninit_stack(token) != -1 || errno != EACCES)
		return 4;
	/* Unbounded loops: none for a delegated program. */
	if (load_may_goto(token) != -1 || errno != EINVAL)
		return 6;
	if (load_call(181, token) != -1 || errno != EINVAL)	/* bpf_loop */
		return 7;
	if (load_call(164, token) != -1 || errno != EINVAL)
		return 8;	/* bpf_for_each_map_elem */
	/* The token works: a plain program loads. */
	if (load_insns_token(HOOK, BPF_CHECMATE,
			     (const struct bpf_insn[]){ MOV64_IMM(BPF_REG_0, 0),
							EXIT() },
			     2, token) < 0)
		return 5;
	return 0;
}

TEST(token_loader_same_boundary)
{
	char cg[64];
	int cgfd;

	find_kfuncs(_metadata);
	prog_array_fd = map_create(BPF_MAP_TYPE_PROG_ARRAY, 4);
	array_fd = map_create(BPF_MAP_TYPE_ARRAY, 8);
	ASSERT_LE(0, prog_array_fd);
	ASSERT_LE(0, array_fd);
	snprintf(cg, sizeof(cg), "checmate_sound_%d", getpid());
	cgfd = cg_create(_metadata, cg);
	EXPECT_EQ(0, run_delegated_fn(_metadata, cg, NS_ADMIN, token_loads,
				      NULL));
	close(cgfd);
	cg_remove(cg);
	close(prog_array_fd);
	close(array_fd);
}

TEST(the_documented_helpers_load)
{
	const int funcs[] = {
		FUNC_get_smp_processor_id, FUNC_get_numa_node_id,
		FUNC_ktime_get_coarse_ns, FUNC_ktime_get_tai_ns,
	};
	size_t i;
	int fd;

	for (i = 0; i < ARRAY_SIZE(funcs); i++) {
		fd = load_prog(HOOK, CALL(funcs[i]), MOV64_IMM(BPF_REG_0, 0),
			       EXIT());
		EXPECT_LE(0, fd) TH_LOG("helper %d: %s", funcs[i],
					strerror(errno));
		close(fd);
	}
}

/*
 * Documentation/userspace-api/checmate.rst lists the helpers: the verifier
 * must know every one of them (whatever it then thinks of the arguments
 * of this bare call) and none other of the usual suspects.
 */
static bool helper_offered(__u32 hook, int func)
{
	static char log[16384];
	const struct bpf_insn insns[] = {
		CALL(func), MOV64_IMM(BPF_REG_0, 0), EXIT(),
	};
	union bpf_attr attr;
	int fd;

	memset(&attr, 0, sizeof(attr));
	attr.prog_type = BPF_PROG_TYPE_CHECMATE;
	attr.expected_attach_type = BPF_CHECMATE;
	attr.checmate_hook = hook;
	attr.insns = (__u64)(unsigned long)insns;
	attr.insn_cnt = ARRAY_SIZE(insns);
	attr.license = (__u64)(unsigned long)"GPL";
	attr.log_buf = (__u64)(unsigned long)log;
	attr.log_size = sizeof(log);
	attr.log_level = 1;
	log[0] = '\0';
	fd = sys_bpf(BPF_PROG_LOAD, &attr);
	if (fd >= 0) {
		close(fd);
		return true;
	}
	return !strstr(log, "cannot use helper") && !strstr(log, "invalid func");
}

TEST(helpers_are_the_documented_list)
{
	/* bpf_map_*, ringbuf, ktime, jiffies, prandom, cpu, spin lock, loop */
	static const int documented[] = {
		1, 2, 3, 87, 88, 89, 164, 130, 131, 132, 133, 134,
		5, 125, 160, 208, 118, 7, 8, 42, 93, 94, 181,
	};
	/* the current task's, not for inet_conn_request */
	static const int task[] = { 14, 15, 16, 80 };
	/* tail call, probe_read_kernel, get_current_task, strncmp, ... */
	static const int refused[] = { 12, 113, 35, 182, 4, 6, 112, 158, 156 };
	size_t i;

	for (i = 0; i < ARRAY_SIZE(documented); i++)
		EXPECT_TRUE(helper_offered(HOOK, documented[i]))
			TH_LOG("helper %d", documented[i]);
	for (i = 0; i < ARRAY_SIZE(task); i++) {
		EXPECT_TRUE(helper_offered(HOOK, task[i]))
			TH_LOG("helper %d", task[i]);
		EXPECT_FALSE(helper_offered(CHECMATE_HOOK_INET_CONN_REQUEST,
					    task[i])) TH_LOG("helper %d", task[i]);
		EXPECT_FALSE(helper_offered(CHECMATE_HOOK_SOCKET_SOCK_RCV_SKB,
					    task[i])) TH_LOG("helper %d", task[i]);
	}
	for (i = 0; i < ARRAY_SIZE(refused); i++)
		EXPECT_FALSE(helper_offered(HOOK, refused[i]))
			TH_LOG("helper %d", refused[i]);
}

/*
 * Loads checmate_ext_target.bpf.o and opens checmate_ext.bpf.o, whose
 * new_decide (returned, not loaded) is to replace "decide" in the target's
 * program @name; *@target_fd is that program's fd.
 */
static struct bpf_program *
open_extension(struct __test_metadata *const _metadata, const char *name,
	       struct bpf_object **target, struct bpf_object **ext,
	       int *target_fd)
{
	struct bpf_program *prog;

	*target = bpf_object__open_file("checmate_ext_target.bpf.o", NULL);
	ASSERT_NE(NULL, *target);
	ASSERT_EQ(0, bpf_object__load(*target));
	prog = bpf_object__find_program_by_name(*target, name);
	ASSERT_NE(NULL, prog);
	*target_fd = bpf_program__fd(prog);
	ASSERT_LE(0, *target_fd);

	*ext = bpf_object__open_file("checmate_ext.bpf.o", NULL);
	ASSERT_NE(NULL, *ext);
	prog = bpf_object__find_program_by_name(*ext, "new_decide");
	ASSERT_NE(NULL, prog);
	ASSERT_EQ(0, bpf_program__set_attach_target(prog, *target_fd,
						    "decide"));
	return prog;
}

TEST(no_extension_of_a_checmate_program)
{
	struct bpf_object *target, *ext;
	int target_fd;

	open_extension(_metadata, "ext_target", &target, &ext, &target_fd);
	EXPECT_EQ(-EINVAL, bpf_object__load(ext));
	bpf_object__close(ext);
	bpf_object__close(target);
}

/*
 * BPF_CHECMATE names Checmate programs only. An extension's attach type is
 * not otherwise checked by BPF_LINK_CREATE, and the bpf hook does not show
 * the init admin's commands that name BPF_CHECMATE: an extension linked
 * with it would be a freplace link that no bpf policy saw.
 */
TEST(checmate_attach_type_only_for_checmate_programs)
{
	struct bpf_object *target, *ext;
	struct bpf_program *prog;
	struct bpf_link *link;
	union bpf_attr attr;
	int target_fd, ext_fd;

	prog = open_extension(_metadata, "sock_target", &target, &ext,
			      &target_fd);
	ASSERT_EQ(0, bpf_object__load(ext));
	ext_fd = bpf_program__fd(prog);

	memset(&attr, 0, sizeof(attr));
	attr.link_create.prog_fd = ext_fd;
	attr.link_create.attach_type = BPF_CHECMATE;
	EXPECT_EQ(-1, sys_bpf(BPF_LINK_CREATE, &attr));
	EXPECT_EQ(EINVAL, errno);
	/* The extension itself links as an extension. */
	link = bpf_program__attach_freplace(prog, target_fd, "decide");
	EXPECT_NE(NULL, link);
	bpf_link__destroy(link);
	bpf_object__close(ext);
	bpf_object__close(target);
}

TEST(load_refuses_a_target)
{
	const struct bpf_insn insns[] = { MOV64_IMM(BPF_REG_0, 0), EXIT() };
	int other = load_ret(HOOK, 0), btf_fd, fd;
	union bpf_attr attr;

	ASSERT_LE(0, other);
	memset(&attr, 0, sizeof(attr));
	attr.prog_type = BPF_PROG_TYPE_CHECMATE;
	attr.expected_attach_type = BPF_CHECMATE;
	attr.checmate_hook = HOOK;
	attr.insns = (__u64)(unsigned long)insns;
	attr.insn_cnt = ARRAY_SIZE(insns);
	attr.license = (__u64)(unsigned long)"GPL";
	attr.attach_prog_fd = other;
	EXPECT_EQ(-1, sys_bpf(BPF_PROG_LOAD, &attr));
	EXPECT_EQ(EINVAL, errno);
	/* attach_btf_obj_fd: vmlinux's BTF object, by id 1. */
	memset(&attr, 0, sizeof(attr));
	attr.btf_id = 1;
	btf_fd = sys_bpf(BPF_BTF_GET_FD_BY_ID, &attr);
	ASSERT_LE(0, btf_fd);
	memset(&attr, 0, sizeof(attr));
	attr.prog_type = BPF_PROG_TYPE_CHECMATE;
	attr.expected_attach_type = BPF_CHECMATE;
	attr.checmate_hook = HOOK;
	attr.insns = (__u64)(unsigned long)insns;
	attr.insn_cnt = ARRAY_SIZE(insns);
	attr.license = (__u64)(unsigned long)"GPL";
	attr.attach_btf_obj_fd = btf_fd;
	fd = sys_bpf(BPF_PROG_LOAD, &attr);
	EXPECT_EQ(-1, fd);
	EXPECT_EQ(EINVAL, errno);
	close(btf_fd);
	close(other);
}

/* BPF_PROG_TEST_RUN of @prog on @in; fills @out (may be NULL), @retval. */
static int test_run(int prog, const void *in, __u32 in_size, void *out,
		    __u32 out_size, __u32 repeat, __u32 *retval)
{
	union bpf_attr attr;
	int err;

	memset(&attr, 0, sizeof(attr));
	attr.test.prog_fd = prog;
	attr.test.ctx_in = (__u64)(unsigned long)in;
	attr.test.ctx_size_in = in_size;
	attr.test.ctx_out = (__u64)(unsigned long)out;
	attr.test.ctx_size_out = out_size;
	attr.test.repeat = repeat;
	err = sys_bpf(BPF_PROG_TEST_RUN, &attr);
	*retval = attr.test.retval;
	return err;
}

#define BIND_PORT	offsetof(struct checmate_socket_bind_ctx, port)

/* A policy is unit-tested without the operation: verdicts and rewrites. */
TEST(test_run_verdicts_and_rewrites)
{
	struct checmate_socket_connect_ctx c = { .family = AF_INET };
	struct checmate_socket_bind_ctx b = { .family = AF_INET, .port = 80 };
	struct checmate_socket_bind_ctx b_out;
	int deny = load_prog(HOOK,
			     LDX_W(BPF_REG_2, BPF_REG_1,
				   offsetof(struct checmate_socket_connect_ctx,
					    port)),
			     MOV64_IMM(BPF_REG_0, 0),
			     JNE_IMM(BPF_REG_2, 25, 1),
			     MOV64_IMM(BPF_REG_0, -EACCES),
			     EXIT());
	int rewrite = load_prog(CHECMATE_HOOK_SOCKET_BIND,
				ST_W(BPF_REG_1, BIND_PORT, 8080),
				MOV64_IMM(BPF_REG_0, 0),
				EXIT());
	__u32 retval;

	ASSERT_LE(0, deny);
	ASSERT_LE(0, rewrite);
	c.port = 25;
	ASSERT_EQ(0, test_run(deny, &c, sizeof(c), NULL, 0, 0, &retval));
	EXPECT_EQ(-EACCES, (int)retval);
	c.port = 443;
	ASSERT_EQ(0, test_run(deny, &c, sizeof(c), NULL, 0, 1000, &retval));
	EXPECT_EQ(0, retval);
	/* The rewritten context comes back in ctx_out. */
	memset(&b_out, 0, sizeof(b_out));
	ASSERT_EQ(0, test_run(rewrite, &b, sizeof(b), &b_out, sizeof(b_out),
			      1, &retval));
	EXPECT_EQ(0, retval);
	EXPECT_EQ(8080, b_out.port);
	EXPECT_EQ(AF_INET, b_out.family);
	EXPECT_EQ(80, b.port);
	close(rewrite);
	close(deny);
}

TEST(test_run_bad_input)
{
	struct checmate_socket_connect_ctx c = {}, big[2] = {};
	char data[8] = {};
	int prog = load_ret(HOOK, 0);
	union bpf_attr attr;
	__u32 retval;

	ASSERT_LE(0, prog);
	/* The context is the hook's, whole: no more, no less, not absent. */
	EXPECT_EQ(-1, test_run(prog, &c, sizeof(c) - 4, NULL, 0, 1, &retval));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, test_run(prog, big, sizeof(big), NULL, 0, 1, &retval));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, test_run(prog, NULL, 0, NULL, 0, 1, &retval));
	EXPECT_EQ(EINVAL, errno);
	/* ctx_out too small; an unmapped ctx_in. */
	EXPECT_EQ(-1, test_run(prog, &c, sizeof(c), big, 4, 1, &retval));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, test_run(prog, (void *)8, sizeof(c), NULL, 0, 1,
			       &retval));
	EXPECT_EQ(EFAULT, errno);
	/* No packet data, no flags, no CPU, not too many runs. */
	memset(&attr, 0, sizeof(attr));
	attr.test.prog_fd = prog;
	attr.test.ctx_in = (__u64)(unsigned long)&c;
	attr.test.ctx_size_in = sizeof(c);
	attr.test.data_in = (__u64)(unsigned long)data;
	attr.test.data_size_in = sizeof(data);
	EXPECT_EQ(-1, sys_bpf(BPF_PROG_TEST_RUN, &attr));
	EXPECT_EQ(EINVAL, errno);
	attr.test.data_in = 0;
	attr.test.data_size_in = 0;
	attr.test.flags = 1;
	EXPECT_EQ(-1, sys_bpf(BPF_PROG_TEST_RUN, &attr));
	EXPECT_EQ(EINVAL, errno);
	attr.test.flags = 0;
	attr.test.repeat = 1000001;
	EXPECT_EQ(-1, sys_bpf(BPF_PROG_TEST_RUN, &attr));
	EXPECT_EQ(EINVAL, errno);
	/* Runs write the program's maps: holding its fd is not enough. */
	{
		int status;
		pid_t pid = fork();

		ASSERT_LE(0, pid);
		if (pid == 0) {
			if (drop_to_nobody())
				_exit(1);
			if (test_run(prog, &c, sizeof(c), NULL, 0, 1,
				     &retval) != -1 || errno != EPERM)
				_exit(2);
			_exit(0);
		}
		ASSERT_EQ(pid, waitpid(pid, &status, 0));
		EXPECT_EQ(0, WEXITSTATUS(status));
	}
	close(prog);
}

/*
 * Holding a link fd is not enough: uid 65534 (no capability, as a leaked
 * or inherited fd would give it) can neither detach nor update it.
 */
TEST(link_fd_holder_cannot_change_policy)
{
	char cg[64];
	int cgfd, prog, other, link, status;
	pid_t pid;

	snprintf(cg, sizeof(cg), "checmate_link_%d", getpid());
	cgfd = cg_create(_metadata, cg);
	prog = load_ret(HOOK, -EACCES);
	other = load_ret(HOOK, 0);
	ASSERT_LE(0, prog);
	ASSERT_LE(0, other);
	link = link_create(cgfd, prog);
	ASSERT_LE(0, link);
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		union bpf_attr attr;

		if (drop_to_nobody())
			_exit(1);
		memset(&attr, 0, sizeof(attr));
		attr.link_detach.link_fd = link;
		if (sys_bpf(BPF_LINK_DETACH, &attr) != -1 || errno != EPERM)
			_exit(2);
		memset(&attr, 0, sizeof(attr));
		attr.link_update.link_fd = link;
		attr.link_update.new_prog_fd = other;
		if (sys_bpf(BPF_LINK_UPDATE, &attr) != -1 || errno != EPERM)
			_exit(3);
		_exit(0);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_EQ(0, WEXITSTATUS(status));
	{
		__u32 id;

		ASSERT_EQ(1, query_count(cgfd, 0, &id, 1));
		EXPECT_EQ(prog_id(prog), id);
	}
	close(link);
	close(prog);
	close(other);
	close(cgfd);
	cg_remove(cg);
}

/*
 * A user of the initial user namespace with no capability and no token,
 * but no_new_privs, on a cgroup it owns (as systemd delegates
 * user@UID.service): EPERM for everything, before any argument.
 */
TEST(unprivileged_nnp_user_has_no_control)
{
	char cg[64], path[128];
	int cgfd, status;
	pid_t pid;

	snprintf(cg, sizeof(cg), "checmate_user_%d", getpid());
	snprintf(path, sizeof(path), CGROOT "/%s", cg);
	cgfd = cg_create(_metadata, cg);
	ASSERT_EQ(0, chown(path, 65534, 65534));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		struct checmate_ctl ctl = { .op = CHECMATE_CTL_GET,
					    .cgroup_fd = cgfd, .hook = HOOK };

		if (drop_to_nobody() || prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
			_exit(1);
		if (checmate_ctl_sized(&ctl, sizeof(ctl)) != -1 ||
		    errno != EPERM)
			_exit(2);
		if (checmate_ctl(CHECMATE_CTL_SEAL, cgfd, HOOK,
				 CHECMATE_SEAL_LOCKED) != -1 || errno != EPERM)
			_exit(3);
		/* Garbage: still EPERM first. */
		if (checmate_ctl_sized(&ctl, 1) != -1 || errno != EPERM)
			_exit(4);
		if (prog_attach(cgfd, -1, ~0U) != -1 || errno != EPERM)
			_exit(5);
		_exit(0);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_EQ(0, WEXITSTATUS(status));
	/* And root is not locked out. */
	EXPECT_EQ(0, checmate_seals(cgfd, HOOK));
	close(cgfd);
	cg_remove(cg);
}

TEST_HARNESS_MAIN
