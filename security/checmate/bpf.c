// SPDX-License-Identifier: GPL-2.0-only
/*
 * Checmate LSM - BPF program type and program runner
 *
 * A Checmate program is loaded for one hook (prog->aux->attach_btf_id
 * holds its &enum checmate_hook, from union bpf_attr's checmate_hook) and
 * attached through cgroup-bpf with the BPF_CHECMATE attach type; each hook
 * has its own cgroup-bpf attach type, so program lists, effective arrays,
 * links, queries and static keys are cgroup-bpf's.
 */

#include <linux/bpf.h>
#include <linux/bpf-cgroup.h>
#include <linux/bpf_verifier.h>
#include <linux/btf.h>
#include <linux/btf_ids.h>
#include <linux/capability.h>
#include <linux/cgroup.h>
#include <linux/checmate.h>
#include <linux/dcache.h>
#include <linux/err.h>
#include <linux/filter.h>
#include <linux/init.h>
#include <linux/math64.h>
#include <linux/rcupdate.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/stddef.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <net/sock.h>

#include "audit.h"
#include "bpf.h"
#include "common.h"
#include "delegate.h"
#include "hook.h"
#include "limits.h"

/**
 * struct checmate_ctx_desc - What a hook's programs may do with its context
 * @size: Size of the hook's context struct.
 * @write_start: Offset of the first writable byte (if @write_end).
 * @write_end: End of the writable bytes, or 0 if nothing is writable.
 * @no_task: The hook runs without a meaningful current task.
 */
struct checmate_ctx_desc {
	u32 size;
	u32 write_start;
	u32 write_end;
	bool no_task;
};

static const struct checmate_ctx_desc ctx_descs[__CHECMATE_HOOK_MAX];

/**
 * struct checmate_stats - Decisions of one hook on one CPU
 * @count: Per &enum checmate_stat: allowed, denied, rewritten.
 */
struct checmate_stats {
	u64 count[CHECMATE_STAT_COUNT];
};

static DEFINE_PER_CPU(struct checmate_stats[__CHECMATE_HOOK_MAX], stats);

/**
 * checmate_count - Count one decision
 * @hook: The hook (&enum checmate_hook).
 * @stat: What was decided.
 */
void checmate_count(u32 hook, enum checmate_stat stat)
{
	this_cpu_inc(stats[hook].count[stat]);
}

/**
 * checmate_stat_sum - Decisions of a hook so far, over every CPU
 * @hook: The hook (&enum checmate_hook).
 * @stat: Which decisions.
 *
 * Return: The number of such decisions since boot.
 */
u64 checmate_stat_sum(u32 hook, enum checmate_stat stat)
{
	u64 sum = 0;
	int cpu;

	for_each_possible_cpu(cpu)
		sum += per_cpu(stats, cpu)[hook].count[stat];
	return sum;
}

/**
 * checmate_ctx_size - Size of a hook's context
 * @hook: A valid hook (&enum checmate_hook).
 *
 * Return: The size of the hook's context struct.
 */
u32 checmate_ctx_size(u32 hook)
{
	return ctx_descs[hook].size;
}

#define CTX(name) .size = sizeof(struct checmate_##name##_ctx)

static const struct checmate_ctx_desc ctx_descs[__CHECMATE_HOOK_MAX] = {
	[CHECMATE_HOOK_SOCKET_CREATE] = { CTX(socket_create) },
	[CHECMATE_HOOK_SOCKET_BIND] = {
		CTX(socket_bind),
		.write_start = offsetof(struct checmate_socket_bind_ctx, addr),
		.write_end = offsetofend(struct checmate_socket_bind_ctx, port),
	},
	[CHECMATE_HOOK_SOCKET_CONNECT] = { CTX(socket_connect) },
	[CHECMATE_HOOK_SOCKET_LISTEN] = { CTX(socket_listen) },
	[CHECMATE_HOOK_SOCKET_SENDMSG] = { CTX(socket_sendmsg) },
	[CHECMATE_HOOK_INET_CONN_REQUEST] = {
		CTX(inet_conn_request),
		.no_task = true,
	},
	[CHECMATE_HOOK_FILE_OPEN] = { CTX(file_open) },
	[CHECMATE_HOOK_PATH_MKNOD] = { CTX(path_mknod) },
	[CHECMATE_HOOK_PATH_MKDIR] = { CTX(path_mkdir) },
	[CHECMATE_HOOK_PATH_RMDIR] = { CTX(path_rmdir) },
	[CHECMATE_HOOK_PATH_UNLINK] = { CTX(path_unlink) },
	[CHECMATE_HOOK_PATH_SYMLINK] = { CTX(path_symlink) },
	[CHECMATE_HOOK_PATH_LINK] = { CTX(path_link) },
	[CHECMATE_HOOK_PATH_RENAME] = { CTX(path_rename) },
	[CHECMATE_HOOK_PATH_TRUNCATE] = { CTX(path_truncate) },
	[CHECMATE_HOOK_PATH_CHMOD] = { CTX(path_chmod) },
	[CHECMATE_HOOK_PATH_CHOWN] = { CTX(path_chown) },
	[CHECMATE_HOOK_PATH_CHROOT] = { CTX(path_chroot) },
	[CHECMATE_HOOK_BPRM_CHECK_SECURITY] = { CTX(bprm_check_security) },
	[CHECMATE_HOOK_SB_MOUNT] = { CTX(sb_mount) },
	[CHECMATE_HOOK_MOVE_MOUNT] = { CTX(move_mount) },
	[CHECMATE_HOOK_SB_UMOUNT] = { CTX(sb_umount) },
	[CHECMATE_HOOK_SB_REMOUNT] = { CTX(sb_remount) },
	[CHECMATE_HOOK_SB_PIVOTROOT] = { CTX(sb_pivotroot) },
	[CHECMATE_HOOK_MMAP_FILE] = { CTX(mmap_file) },
	[CHECMATE_HOOK_PTRACE_ACCESS_CHECK] = { CTX(ptrace_access_check) },
	[CHECMATE_HOOK_PTRACE_TRACEME] = { CTX(ptrace_traceme) },
	[CHECMATE_HOOK_TASK_KILL] = { CTX(task_kill) },
	[CHECMATE_HOOK_USERNS_CREATE] = { CTX(userns_create) },
	[CHECMATE_HOOK_CAPABLE] = { CTX(capable) },
	[CHECMATE_HOOK_BPF] = { CTX(bpf) },
	[CHECMATE_HOOK_BPF_MAP_CREATE] = { CTX(bpf_map_create) },
	[CHECMATE_HOOK_BPF_PROG_LOAD] = { CTX(bpf_prog_load) },
	[CHECMATE_HOOK_BPF_TOKEN_CREATE] = { CTX(bpf_token_create) },
	[CHECMATE_HOOK_KERNEL_MODULE_REQUEST] = { CTX(kernel_module_request) },
	[CHECMATE_HOOK_KERNEL_READ_FILE] = { CTX(kernel_read_file) },
	[CHECMATE_HOOK_KERNEL_LOAD_DATA] = { CTX(kernel_load_data) },
	[CHECMATE_HOOK_SOCKET_RECVMSG] = { CTX(socket_recvmsg) },
	[CHECMATE_HOOK_SOCKET_SOCK_RCV_SKB] = {
		CTX(socket_sock_rcv_skb),
		.no_task = true,
	},
	[CHECMATE_HOOK_SOCKET_ACCEPT] = { CTX(socket_accept) },
};

/* No holes, no padding: every context is __u32 fields only. */
static_assert(sizeof(struct checmate_socket_create_ctx) == 3 * 4);
static_assert(sizeof(struct checmate_socket_bind_ctx) == 7 * 4);
static_assert(offsetof(struct checmate_socket_bind_ctx, port) == 24);
static_assert(sizeof(struct checmate_socket_connect_ctx) == 7 * 4);
static_assert(sizeof(struct checmate_socket_listen_ctx) == 8 * 4);
static_assert(sizeof(struct checmate_socket_sendmsg_ctx) == 9 * 4);
static_assert(sizeof(struct checmate_inet_conn_request_ctx) == 12 * 4);
static_assert(offsetof(struct checmate_inet_conn_request_ctx, local_port) ==
	      44);
static_assert(sizeof(struct checmate_inode) == 8 * 4);
static_assert(sizeof(struct checmate_file_open_ctx) == 10 * 4);
static_assert(sizeof(struct checmate_path_mknod_ctx) == 10 * 4);
static_assert(sizeof(struct checmate_path_mkdir_ctx) == 9 * 4);
static_assert(sizeof(struct checmate_path_rmdir_ctx) == 16 * 4);
static_assert(sizeof(struct checmate_path_unlink_ctx) == 16 * 4);
static_assert(sizeof(struct checmate_path_symlink_ctx) == 8 * 4);
static_assert(sizeof(struct checmate_path_link_ctx) == 16 * 4);
static_assert(sizeof(struct checmate_path_rename_ctx) == 33 * 4);
static_assert(sizeof(struct checmate_path_truncate_ctx) == 9 * 4);
static_assert(sizeof(struct checmate_path_chmod_ctx) == 9 * 4);
static_assert(sizeof(struct checmate_path_chown_ctx) == 10 * 4);
static_assert(sizeof(struct checmate_path_chroot_ctx) == 8 * 4);
static_assert(sizeof(struct checmate_bprm_check_security_ctx) == 10 * 4);
static_assert(sizeof(struct checmate_sb_mount_ctx) == 17 * 4);
static_assert(sizeof(struct checmate_move_mount_ctx) == 16 * 4);
static_assert(sizeof(struct checmate_sb_umount_ctx) == 9 * 4);
static_assert(sizeof(struct checmate_sb_remount_ctx) == 8 * 4);
static_assert(sizeof(struct checmate_sb_pivotroot_ctx) == 16 * 4);
static_assert(sizeof(struct checmate_mmap_file_ctx) == 11 * 4);
static_assert(sizeof(struct checmate_task) == 4 * 4);
static_assert(sizeof(struct checmate_ptrace_access_check_ctx) == 6 * 4);
static_assert(sizeof(struct checmate_ptrace_traceme_ctx) == 6 * 4);
static_assert(sizeof(struct checmate_task_kill_ctx) == 7 * 4);
static_assert(sizeof(struct checmate_userns_create_ctx) == 2 * 4);
static_assert(sizeof(struct checmate_capable_ctx) == 5 * 4);
static_assert(sizeof(struct checmate_bpf_ctx) == 5 * 4);
static_assert(sizeof(struct checmate_bpf_map_create_ctx) == 6 * 4);
static_assert(sizeof(struct checmate_bpf_prog_load_ctx) == 4 * 4);
static_assert(sizeof(struct checmate_bpf_token_create_ctx) == 9 * 4);
static_assert(sizeof(struct checmate_kernel_module_request_ctx) == 1 * 4);
static_assert(sizeof(struct checmate_kernel_read_file_ctx) == 10 * 4);
static_assert(sizeof(struct checmate_kernel_load_data_ctx) == 2 * 4);
static_assert(sizeof(struct checmate_socket_recvmsg_ctx) == 15 * 4);
static_assert(sizeof(struct checmate_socket_sock_rcv_skb_ctx) == 13 * 4);
static_assert(sizeof(struct checmate_socket_accept_ctx) == 7 * 4);
static_assert(sizeof(struct checmate_ctx) ==
	      sizeof(struct checmate_path_rename_ctx));
/* The ingress hooks share inet_conn_request's layout (see audit.c). */
static_assert(offsetof(struct checmate_socket_recvmsg_ctx, local_port) ==
	      offsetof(struct checmate_inet_conn_request_ctx, local_port));
static_assert(offsetof(struct checmate_socket_sock_rcv_skb_ctx, local_port) ==
	      offsetof(struct checmate_inet_conn_request_ctx, local_port));
static_assert(offsetof(struct checmate_socket_accept_ctx, port) ==
	      offsetof(struct checmate_socket_connect_ctx, port));
/* The task hooks share a layout up to their mode or signal. */
static_assert(offsetof(struct checmate_ptrace_traceme_ctx, relations) ==
	      offsetof(struct checmate_ptrace_access_check_ctx, relations));
/* The hooks with one address share its layout (see audit.c). */
static_assert(offsetof(struct checmate_socket_bind_ctx, port) ==
	      offsetof(struct checmate_socket_connect_ctx, port));
static_assert(offsetof(struct checmate_socket_listen_ctx, port) ==
	      offsetof(struct checmate_socket_connect_ctx, port));
static_assert(offsetof(struct checmate_socket_sendmsg_ctx, port) ==
	      offsetof(struct checmate_socket_connect_ctx, port));

/**
 * checmate_ctx_access_ok - Whether a program may access its context so
 * @hook: The program's hook (&enum checmate_hook).
 * @off: Offset of the access in the context.
 * @size: Size of the access in bytes.
 * @type: %BPF_READ or %BPF_WRITE.
 *
 * Every context field is a __u32. Reads are 1, 2 or 4 bytes at a naturally
 * aligned offset inside the hook's context; writes are 4 bytes, aligned,
 * inside the hook's writable fields.
 *
 * Return: True if the access is allowed.
 */
bool checmate_ctx_access_ok(u32 hook, int off, int size,
			    enum bpf_access_type type)
{
	const struct checmate_ctx_desc *desc;

	if (!checmate_hook_name(hook))
		return false;
	desc = &ctx_descs[hook];
	if (off < 0 || off >= desc->size)
		return false;
	if (size != 1 && size != 2 && size != 4)
		return false;
	if (off % size || off + size > desc->size)
		return false;
	if (type == BPF_WRITE)
		return size == 4 && off >= desc->write_start &&
		       off + size <= desc->write_end;
	return type == BPF_READ;
}

/**
 * checmate_verdict - Combine one more program's verdict
 * @verdict: The verdict so far: 0 (allow) or a negative errno.
 * @ret: What the next program returned.
 *
 * Programs run in the effective order (the cgroup's own first, then each
 * ancestor's); the first deny decides the errno, later ones cannot change
 * it, and nothing turns a deny back into an allow. A value outside
 * [-MAX_ERRNO, 0], which the verifier never lets a program return, denies
 * with -EPERM.
 *
 * Return: The new verdict.
 */
int checmate_verdict(int verdict, int ret)
{
	if (verdict)
		return verdict;
	if (WARN_ON_ONCE(ret > 0 || ret < -MAX_ERRNO))
		return -EPERM;
	return ret;
}

/**
 * struct checmate_run_ctx - What a running Checmate program may ask for
 * @run_ctx: current->bpf_ctx while the programs of a hook call run.
 * @strs: The strings of the hook call, or NULL in BPF_PROG_TEST_RUN.
 */
struct checmate_run_ctx {
	struct bpf_run_ctx run_ctx;
	const struct checmate_strs *strs;
};

/* A hook call without strings (the network hooks). */
static const struct checmate_strs no_strs;

const struct checmate_strs checmate_noaudit = { .noaudit = true };

/**
 * checmate_copy_str - Copy a string of a hook call
 * @strs: The strings of the hook call.
 * @which: Which string (&enum checmate_str).
 * @buf: Where to copy it, NUL-terminated.
 * @size: Size of @buf in bytes, at least 1.
 *
 * A path is copied as d_path() shows it, relative to the current task's
 * root directory. @buf is zeroed on error.
 *
 * Return: The length of the string with its NUL, -%EINVAL for an unknown
 * @which, -%ENOENT if the hook call has no such string, -%ENAMETOOLONG if
 * it does not fit.
 */
int checmate_copy_str(const struct checmate_strs *strs, u32 which, char *buf,
		      u32 size)
{
	const char *p;
	int len;

	size = min_t(u32, size, INT_MAX);
	if (which <= CHECMATE_STR_UNSPEC || which >= __CHECMATE_STR_MAX) {
		len = -EINVAL;
	} else if (strs->path[which]) {
		p = d_path(strs->path[which], buf, size);
		if (!IS_ERR(p)) {
			len = buf + size - p;
			memmove(buf, p, len);
			return len;
		}
		len = PTR_ERR(p);
	} else if (!strs->str[which]) {
		len = -ENOENT;
	} else {
		len = strscpy(buf, strs->str[which], size);
		if (len >= 0)
			return len + 1;
		len = -ENAMETOOLONG;
	}
	memset(buf, 0, size);
	return len;
}

__bpf_kfunc_start_defs();

/**
 * bpf_checmate_str - Copy a string of the hook call a program runs for
 * @which: Which string (&enum checmate_str).
 * @buf: Program memory to copy it to, NUL-terminated.
 * @buf__sz: Size of @buf in bytes.
 *
 * Return: As checmate_copy_str(); -%EOPNOTSUPP in BPF_PROG_TEST_RUN, which
 * has no live hook call; -%EINVAL if @buf__sz is zero.
 */
__bpf_kfunc int bpf_checmate_str(u32 which, char *buf, u32 buf__sz)
{
	const struct checmate_run_ctx *run_ctx;

	if (!buf__sz)
		return -EINVAL;
	/* Checmate programs run only with a struct checmate_run_ctx. */
	if (current->bpf_ctx) {
		run_ctx = container_of(current->bpf_ctx,
				       struct checmate_run_ctx, run_ctx);
		if (run_ctx->strs)
			return checmate_copy_str(run_ctx->strs, which, buf,
						 buf__sz);
	}
	memset(buf, 0, buf__sz);
	return -EOPNOTSUPP;
}

__bpf_kfunc_end_defs();

BTF_KFUNCS_START(checmate_kfunc_ids)
BTF_ID_FLAGS(func, bpf_checmate_str)
BTF_KFUNCS_END(checmate_kfunc_ids)

static const struct btf_kfunc_id_set checmate_kfunc_set = {
	.owner = THIS_MODULE,
	.set = &checmate_kfunc_ids,
};

static int __init checmate_kfunc_init(void)
{
	return register_btf_kfunc_id_set(BPF_PROG_TYPE_CHECMATE,
					 &checmate_kfunc_set);
}
late_initcall(checmate_kfunc_init);

/* The body of checmate_run_array(), inline in the runner below. */
static __always_inline u32 run_array(const struct bpf_prog_array *array,
				     const struct user_namespace *subject,
				     void *ctx, int *verdict, u32 *prog_id)
{
	const struct bpf_prog_array_item *item;
	const struct bpf_prog *prog;
	int ret, first = 0;
	u32 ran = 0, id = 0;

	/* in registers, not through the pointers, while programs run */
	for (item = &array->items[0]; (prog = READ_ONCE(item->prog)); item++) {
		if (!checmate_prog_governs(prog, subject))
			continue;
		ret = bpf_prog_run(prog, ctx);
		ran++;
		if (likely(!ret) || first)
			continue;
		first = checmate_verdict(0, ret);
		id = prog->aux->id;
	}
	*verdict = first;
	*prog_id = id;
	return ran;
}

/**
 * checmate_run_array - Run the programs of an effective array
 * @array: The effective array of a hook.
 * @subject: User namespace of the credentials the operation acts with.
 * @ctx: The hook's context.
 * @verdict: Set to 0 if every program that ran allowed, otherwise to the
 *	first deny's errno.
 * @prog_id: Set to the id of the program that decided a deny, else 0.
 *
 * Every program that governs @subject runs, even after a deny, so that
 * each sees the operation (and counts it) and rewrites compose in the same
 * order. A delegated program governs only credentials inside its token's
 * user namespace, and cgroup-bpf's placeholder for a program whose detach
 * ran out of memory governs nothing.
 *
 * Return: The number of programs that ran.
 */
u32 checmate_run_array(const struct bpf_prog_array *array,
		       const struct user_namespace *subject, void *ctx,
		       int *verdict, u32 *prog_id)
{
	return run_array(array, subject, ctx, verdict, prog_id);
}

/* The body of checmate_run(), inline in the hooks' runners below. */
static __always_inline int run_hook(u32 hook, struct cgroup *cgrp,
				    const struct user_namespace *subject,
				    void *ctx, const struct checmate_strs *strs)
{
	struct checmate_run_ctx run_ctx = { .strs = strs ?: &no_strs };
	const struct bpf_prog_array *array;
	struct bpf_run_ctx *old_run_ctx;
	int verdict;
	u32 prog_id;

	migrate_disable();
	array = rcu_dereference(cgrp->bpf.effective[checmate_atype(hook)]);
	old_run_ctx = bpf_set_run_ctx(&run_ctx.run_ctx);
	if (run_array(array, subject, ctx, &verdict, &prog_id)) {
		checmate_count(hook, verdict ? CHECMATE_STAT_DENY :
				     CHECMATE_STAT_ALLOW);
		if (verdict && !run_ctx.strs->noaudit)
			checmate_audit_deny(hook, verdict, prog_id, cgrp, ctx,
					    run_ctx.strs,
					    ctx_descs[hook].no_task);
	}
	bpf_reset_run_ctx(old_run_ctx);
	migrate_enable();
	return verdict;
}

/**
 * checmate_run - Run the effective programs of a hook for a cgroup
 * @hook: The hook (&enum checmate_hook).
 * @cgrp: The cgroup whose effective programs run.
 * @subject: User namespace of the credentials the operation acts with.
 * @ctx: The hook's context; programs may have rewritten its writable
 *	fields when this returns.
 * @strs: The strings of the hook call, for bpf_checmate_str(); NULL if
 *	it has none.
 *
 * If any program ran, the decision is counted, and a deny is audited with
 * the id of the program that decided it.
 *
 * Context: rcu_read_lock() held by the caller, who found @cgrp under it:
 * one read-side section per hook call (on PREEMPT_RCU, entering and
 * leaving one are calls).
 * Return: 0 if every program allowed, otherwise the first deny's errno.
 */
int checmate_run(u32 hook, struct cgroup *cgrp,
		 const struct user_namespace *subject, void *ctx,
		 const struct checmate_strs *strs)
{
	return run_hook(hook, cgrp, subject, ctx, strs);
}

/**
 * checmate_run_current - Run a hook's programs for the current task
 * @hook: The hook (&enum checmate_hook).
 * @ctx: The hook's context.
 *
 * Return: As checmate_run(), for the current task's cgroup (v2).
 */
int checmate_run_current(u32 hook, void *ctx)
{
	int ret;

	rcu_read_lock();
	ret = run_hook(hook, task_dfl_cgroup(current), current_user_ns(), ctx,
		       NULL);
	rcu_read_unlock();
	return ret;
}

/**
 * checmate_run_task - Run a hook's programs for what a task does
 * @hook: The hook (&enum checmate_hook).
 * @ctx: The hook's context.
 * @strs: The strings of the hook call, for bpf_checmate_str().
 *
 * Kernel threads are not governed: what they do is the kernel's doing.
 *
 * Return: As checmate_run(), for the current task's cgroup (v2).
 */
int checmate_run_task(u32 hook, void *ctx, const struct checmate_strs *strs)
{
	int ret;

	if (current->flags & PF_KTHREAD)
		return 0;
	rcu_read_lock();
	ret = run_hook(hook, task_dfl_cgroup(current), current_user_ns(), ctx,
		       strs);
	rcu_read_unlock();
	return ret;
}

/**
 * checmate_run_sock - Run a hook's programs for a socket
 * @hook: The hook (&enum checmate_hook).
 * @sk: The socket; the cgroup it was created in decides.
 * @ctx: The hook's context.
 *
 * The subject is the current task's credentials, or for a hook without a
 * task (inet_conn_request) the owner of the socket's network namespace.
 *
 * Return: As checmate_run(), for the socket's cgroup (v2).
 */
int checmate_run_sock(u32 hook, const struct sock *sk, void *ctx)
{
	const struct user_namespace *subject;
	int ret;

	subject = ctx_descs[hook].no_task ? sock_net(sk)->user_ns :
					    current_user_ns();
	rcu_read_lock();
	/* sock_cgroup_ptr(), which does not take a const socket */
	ret = run_hook(hook, sk->sk_cgrp_data.cgroup, subject, ctx, NULL);
	rcu_read_unlock();
	return ret;
}

/**
 * checmate_bpf_check_load - Check a program's hook and attach type at load
 * @expected_attach_type: union bpf_attr's prog_load.expected_attach_type.
 * @hook: union bpf_attr's prog_load.checmate_hook.
 *
 * Return: 0 if both are valid, -%EINVAL otherwise.
 */
int checmate_bpf_check_load(u32 expected_attach_type, u32 hook)
{
	if (expected_attach_type != BPF_CHECMATE || !checmate_hook_name(hook))
		return -EINVAL;
	return 0;
}

/* The program's hook; CHECMATE_HOOK_UNSPEC for any other program type. */
static u32 prog_hook(const struct bpf_prog *prog)
{
	if (WARN_ON_ONCE(prog->type != BPF_PROG_TYPE_CHECMATE ||
			 !checmate_hook_name(prog->aux->attach_btf_id)))
		return CHECMATE_HOOK_UNSPEC;
	return prog->aux->attach_btf_id;
}

static const struct bpf_func_proto *
checmate_func_proto(enum bpf_func_id func_id, const struct bpf_prog *prog)
{
	const u32 hook = prog_hook(prog);

	switch (func_id) {
	case BPF_FUNC_get_current_pid_tgid:
		return ctx_descs[hook].no_task ? NULL :
		       &bpf_get_current_pid_tgid_proto;
	case BPF_FUNC_get_current_uid_gid:
		return ctx_descs[hook].no_task ? NULL :
		       &bpf_get_current_uid_gid_proto;
	case BPF_FUNC_get_current_comm:
		return ctx_descs[hook].no_task ? NULL :
		       &bpf_get_current_comm_proto;
	case BPF_FUNC_get_current_cgroup_id:
		return ctx_descs[hook].no_task ? NULL :
		       &bpf_get_current_cgroup_id_proto;
	/*
	 * Maps, ring buffer, time, random, spin locks and loops: nothing
	 * that reads kernel memory or hands out a kernel pointer, whatever
	 * the loader's capabilities (bpf_base_func_proto() would add
	 * bpf_probe_read_kernel() for CAP_PERFMON). No tail calls: every
	 * Checmate program has the same program type and attach type, so a
	 * program array could not keep a program to its own hook's context.
	 * Documentation/userspace-api/checmate.rst lists the same helpers.
	 */
	case BPF_FUNC_map_lookup_elem:
		return &bpf_map_lookup_elem_proto;
	case BPF_FUNC_map_update_elem:
		return &bpf_map_update_elem_proto;
	case BPF_FUNC_map_delete_elem:
		return &bpf_map_delete_elem_proto;
	case BPF_FUNC_map_push_elem:
		return &bpf_map_push_elem_proto;
	case BPF_FUNC_map_pop_elem:
		return &bpf_map_pop_elem_proto;
	case BPF_FUNC_map_peek_elem:
		return &bpf_map_peek_elem_proto;
	/*
	 * Loops whose length the verifier does not bound by the program's
	 * own length: not for delegated programs, which may run with locks
	 * held and interrupts off on the host's behalf (task_kill under
	 * tasklist_lock, ptrace_traceme, softirq).
	 */
	case BPF_FUNC_for_each_map_elem:
		return checmate_prog_delegated(prog) ? NULL :
		       &bpf_for_each_map_elem_proto;
	case BPF_FUNC_ringbuf_output:
		return &bpf_ringbuf_output_proto;
	case BPF_FUNC_ringbuf_reserve:
		return &bpf_ringbuf_reserve_proto;
	case BPF_FUNC_ringbuf_submit:
		return &bpf_ringbuf_submit_proto;
	case BPF_FUNC_ringbuf_discard:
		return &bpf_ringbuf_discard_proto;
	case BPF_FUNC_ringbuf_query:
		return &bpf_ringbuf_query_proto;
	case BPF_FUNC_ktime_get_ns:
		return &bpf_ktime_get_ns_proto;
	case BPF_FUNC_ktime_get_boot_ns:
		return &bpf_ktime_get_boot_ns_proto;
	case BPF_FUNC_ktime_get_coarse_ns:
		return &bpf_ktime_get_coarse_ns_proto;
	case BPF_FUNC_ktime_get_tai_ns:
		return &bpf_ktime_get_tai_ns_proto;
	case BPF_FUNC_jiffies64:
		return &bpf_jiffies64_proto;
	case BPF_FUNC_get_prandom_u32:
		return &bpf_get_prandom_u32_proto;
	case BPF_FUNC_get_smp_processor_id:
	case BPF_FUNC_get_numa_node_id:
		return bpf_base_func_proto(func_id, prog);
	case BPF_FUNC_spin_lock:
		return &bpf_spin_lock_proto;
	case BPF_FUNC_spin_unlock:
		return &bpf_spin_unlock_proto;
	case BPF_FUNC_loop:
		return checmate_prog_delegated(prog) ? NULL : &bpf_loop_proto;
	default:
		return NULL;
	}
}

static bool checmate_is_valid_access(int off, int size,
				     enum bpf_access_type type,
				     const struct bpf_prog *prog,
				     struct bpf_insn_access_aux *info)
{
	/* Delegated programs only allow or deny: no rewrite. */
	if (type == BPF_WRITE && checmate_prog_delegated(prog))
		return false;
	return checmate_ctx_access_ok(prog_hook(prog), off, size, type);
}

const struct bpf_verifier_ops checmate_verifier_ops = {
	.get_func_proto = checmate_func_proto,
	.is_valid_access = checmate_is_valid_access,
};

/*
 * Runs @prog @repeat times on @ctx; its last return value and the mean
 * time of a run (the time spent rescheduling not counted).
 */
static int test_run_loop(struct bpf_prog *prog, void *ctx, u32 repeat,
			 u32 *retval, u32 *duration)
{
	struct checmate_run_ctx run_ctx = {};	/* no live hook call */
	struct bpf_run_ctx *old_run_ctx;
	u64 ns = 0, start;
	u32 i;

	for (i = 0; i < repeat; i++) {
		rcu_read_lock();
		migrate_disable();
		old_run_ctx = bpf_set_run_ctx(&run_ctx.run_ctx);
		start = ktime_get_ns();
		*retval = bpf_prog_run(prog, ctx);
		ns += ktime_get_ns() - start;
		bpf_reset_run_ctx(old_run_ctx);
		migrate_enable();
		rcu_read_unlock();
		if (signal_pending(current))
			return -EINTR;
		cond_resched();
	}
	ns = div_u64(ns, repeat);
	*duration = ns > U32_MAX ? U32_MAX : ns;
	return 0;
}

/*
 * BPF_PROG_TEST_RUN: a policy author's unit test, without the operation.
 * ctx_in is the hook's whole context; ctx_out, if given, receives it after
 * the run (with what socket_bind programs rewrote); retval is what the
 * program returned. There is no packet: data_in and data_out stay empty.
 */
static int checmate_test_run(struct bpf_prog *prog, const union bpf_attr *kattr,
			     union bpf_attr __user *uattr)
{
	void __user *ctx_out = u64_to_user_ptr(kattr->test.ctx_out);
	const u32 size = checmate_ctx_size(prog_hook(prog));
	u32 repeat = kattr->test.repeat ?: 1, retval = 0, duration = 0;
	void *ctx;
	int err;

	/*
	 * Runs write the program's maps: the program's own loader only (the
	 * init admin, or a delegated caller of the program's user namespace).
	 */
	err = checmate_bpf_check_caller();
	if (!err)
		err = checmate_bpf_check_prog(prog);
	if (err)
		return err;
	if (kattr->test.flags || kattr->test.cpu || kattr->test.batch_size ||
	    kattr->test.data_in || kattr->test.data_size_in ||
	    kattr->test.data_out || kattr->test.data_size_out ||
	    kattr->test.ctx_size_in != size || !kattr->test.ctx_in ||
	    (kattr->test.ctx_out && kattr->test.ctx_size_out < size) ||
	    (!kattr->test.ctx_out && kattr->test.ctx_size_out) ||
	    repeat > CHECMATE_TEST_RUN_REPEAT_MAX)
		return -EINVAL;
	ctx = memdup_user(u64_to_user_ptr(kattr->test.ctx_in), size);
	if (IS_ERR(ctx))
		return PTR_ERR(ctx);
	err = test_run_loop(prog, ctx, repeat, &retval, &duration);
	if (err)
		goto out;
	err = -EFAULT;
	if (ctx_out && (copy_to_user(ctx_out, ctx, size) ||
			put_user(size, &uattr->test.ctx_size_out)))
		goto out;
	if (put_user(retval, &uattr->test.retval) ||
	    put_user(duration, &uattr->test.duration))
		goto out;
	err = 0;
out:
	kfree(ctx);
	return err;
}

const struct bpf_prog_ops checmate_prog_ops = {
	.test_run = checmate_test_run,
};
