/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Checmate LSM - BPF program type and program runner
 */

#ifndef _SECURITY_CHECMATE_BPF_H
#define _SECURITY_CHECMATE_BPF_H

#include <linux/bpf.h>
#include <linux/bpf-cgroup.h>
#include <linux/cgroup.h>
#include <linux/preempt.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/types.h>

#include "limits.h"

struct path;
struct sock;
struct user_namespace;

/**
 * struct checmate_strs - What a hook call offers besides its context
 * @path: Per &enum checmate_str, a path to show through d_path(), or NULL.
 * @str: Per &enum checmate_str, a string to show as it is, if no @path.
 * @noaudit: The kernel's check is a probe it does not audit
 *	(CAP_OPT_NOAUDIT, PTRACE_MODE_NOAUDIT): a deny is not audited
 *	either, so that a reader of /proc cannot flood the audit log.
 */
struct checmate_strs {
	const struct path *path[__CHECMATE_STR_MAX];
	const char *str[__CHECMATE_STR_MAX];
	bool noaudit;
};

/* A hook call without strings whose deny is not audited. */
extern const struct checmate_strs checmate_noaudit;

/* The cgroup-bpf attach type that holds the programs of @hook. */
#define checmate_atype(hook) \
	((enum cgroup_bpf_attach_type)(CGROUP_CHECMATE_START + (hook) - \
				       CHECMATE_HOOK_FIRST))

/*
 * Whether any program is attached to @hook anywhere: a static branch, so an
 * unused hook costs one no-op. @hook must be a constant.
 */
#define checmate_enabled(hook) cgroup_bpf_enabled(checmate_atype(hook))

/**
 * enum checmate_stat - Decisions counted per hook
 * @CHECMATE_STAT_ALLOW: Every program that ran allowed.
 * @CHECMATE_STAT_DENY: A program denied.
 * @CHECMATE_STAT_REWRITE: Programs rewrote the operation (allowed too).
 * @CHECMATE_STAT_COUNT: Number of counters.
 */
enum checmate_stat {
	CHECMATE_STAT_ALLOW,
	CHECMATE_STAT_DENY,
	CHECMATE_STAT_REWRITE,
	CHECMATE_STAT_COUNT,
};

void checmate_count(u32 hook, enum checmate_stat stat);
u64 checmate_stat_sum(u32 hook, enum checmate_stat stat);
u32 checmate_ctx_size(u32 hook);
bool checmate_ctx_access_ok(u32 hook, int off, int size,
			    enum bpf_access_type type);
int checmate_verdict(int verdict, int ret);
u32 checmate_run_array(const struct bpf_prog_array *array,
		       const struct user_namespace *subject, void *ctx,
		       int *verdict, u32 *prog_id);
int checmate_run(u32 hook, struct cgroup *cgrp,
		 const struct user_namespace *subject, void *ctx,
		 const struct checmate_strs *strs);
int checmate_run_current(u32 hook, void *ctx);
int checmate_run_task(u32 hook, void *ctx, const struct checmate_strs *strs);
int checmate_copy_str(const struct checmate_strs *strs, u32 which, char *buf,
		      u32 size);
int checmate_run_sock(u32 hook, const struct sock *sk, void *ctx);

/*
 * Whether @cgrp's effective array of @hook holds a program. As in
 * cgroup_bpf_sock_enabled(), an array without programs is the shared
 * bpf_empty_prog_array, so comparing the pointer tells, without reading
 * the array or entering a read-side section for it. A program attached
 * right after is as if attached after the operation.
 */
static __always_inline bool checmate_cgroup_governed(u32 hook,
						     const struct cgroup *cgrp)
{
	return rcu_access_pointer(cgrp->bpf.effective[checmate_atype(hook)]) !=
	       &bpf_empty_prog_array.hdr;
}

/**
 * checmate_current_governed - Whether programs may run for the current task
 * @hook: The hook (&enum checmate_hook), a constant.
 *
 * Lets a hook skip building its context when no program is attached to it
 * for the current task's cgroup or an ancestor: a program attached only
 * elsewhere then costs the task this look-up, inline.
 *
 * Return: False if the effective array is empty.
 */
static __always_inline bool checmate_current_governed(u32 hook)
{
	bool governed;

	/*
	 * The task's css_set is freed after an RCU grace period, which a
	 * preempt-disabled section holds off as well as rcu_read_lock()
	 * does; on PREEMPT_RCU it is an increment and a decrement, not two
	 * calls.
	 */
	preempt_disable();
	governed = checmate_cgroup_governed(hook, task_dfl_cgroup(current));
	preempt_enable();
	return governed;
}

/**
 * checmate_task_governed - Whether programs may run for what a task does
 * @hook: The hook (&enum checmate_hook), a constant.
 *
 * As checmate_current_governed(); kernel threads are not governed.
 *
 * Return: False for a kernel thread, or if the effective array is empty.
 */
static __always_inline bool checmate_task_governed(u32 hook)
{
	return !(current->flags & PF_KTHREAD) &&
	       checmate_current_governed(hook);
}

/**
 * checmate_sock_governed - Whether programs may run for a socket
 * @hook: The hook (&enum checmate_hook), a constant.
 * @sk: The socket; the cgroup it was created in decides.
 *
 * As checmate_current_governed(), for the hooks a socket's cgroup decides.
 * The socket holds its cgroup: no read-side section is needed.
 *
 * Return: False if the effective array of the socket's cgroup is empty.
 */
static __always_inline bool checmate_sock_governed(u32 hook,
						   const struct sock *sk)
{
	/* sock_cgroup_ptr(), which does not take a const socket */
	return checmate_cgroup_governed(hook, sk->sk_cgrp_data.cgroup);
}

#endif /* _SECURITY_CHECMATE_BPF_H */
