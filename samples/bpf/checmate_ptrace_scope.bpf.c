// SPDX-License-Identifier: GPL-2.0
/*
 * Checmate sample: Yama's ptrace_scope for a cgroup
 *
 * Yama restricts ptrace system-wide (kernel.yama.ptrace_scope); this
 * policy applies the same levels to the tasks of one cgroup, so that a
 * container can be stricter than its host, or a host stricter than the
 * containers that need a debugger:
 *
 * - 1 (relational): a task may only attach to its own descendants, unless
 *   it has CAP_SYS_PTRACE over the target; PTRACE_TRACEME is allowed;
 * - 2 (admin-only): only a task with CAP_SYS_PTRACE over the target may
 *   attach, and PTRACE_TRACEME needs a parent with CAP_SYS_PTRACE;
 * - 3 (no attach): no task may attach, nor use PTRACE_TRACEME.
 *
 * As in Yama, only accesses with PTRACE_MODE_ATTACH are restricted:
 * PTRACE_ATTACH and PTRACE_SEIZE, opening /proc/PID/mem, process_vm_readv(2)
 * and process_vm_writev(2), pidfd_getfd(2). Reading /proc/PID/environ,
 * maps, stack and the like (PTRACE_MODE_READ) is left to the kernel's own
 * checks. A denial is EPERM, as Yama's (opening /proc/PID/mem reports it as
 * EACCES: the kernel turns every refusal there into EACCES).
 *
 * The programs of the tracer's cgroup decide (for PTRACE_TRACEME, those of
 * the task asking to be traced). The relation and the capability are the
 * kernel's (CHECMATE_REL_DESCENDANT is Yama's task_is_descendant(),
 * CHECMATE_REL_CAP is CAP_SYS_PTRACE in the target's user namespace).
 *
 * Not supported: Yama's exceptions (prctl(PR_SET_PTRACER), with which a
 * task names a tracer that is not its ancestor: crash handlers, some
 * debuggers). At level 1 such a tracer is refused.
 *
 * The level is read from the config map at every check: the loader
 * changes it live. With nothing set (checmate-ctl attach), level 1.
 */

#include <linux/bpf.h>
#include <linux/checmate.h>
#include <bpf/bpf_helpers.h>

#include "checmate_ptrace_scope.h"

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__uint(map_flags, BPF_F_RDONLY_PROG);
	__type(key, __u32);
	__type(value, struct ptrace_scope_config);
} config SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, PTRACE_SCOPE_MAX);
	__type(key, __u32);
	__type(value, __u64);
} counters SEC(".maps");

static __always_inline __u32 level(void)
{
	const struct ptrace_scope_config *cfg;
	__u32 zero = 0;

	cfg = bpf_map_lookup_elem(&config, &zero);
	if (!cfg || !cfg->level)
		return PTRACE_SCOPE_RELATIONAL;
	return cfg->level;
}

static __always_inline int deny(__u32 which)
{
	__u64 *n = bpf_map_lookup_elem(&counters, &which);

	if (n)
		__sync_fetch_and_add(n, 1);
	return -PTRACE_SCOPE_EPERM;
}

SEC("checmate/ptrace_access_check")
int ptrace_scope_attach(struct checmate_ptrace_access_check_ctx *ctx)
{
	__u32 rel = ctx->relations, lvl;

	if (!(ctx->mode & CHECMATE_PTRACE_MODE_ATTACH))
		return 0;
	lvl = level();
	if (lvl == PTRACE_SCOPE_RELATIONAL &&
	    (rel & (CHECMATE_REL_DESCENDANT | CHECMATE_REL_CAP)))
		return 0;
	if (lvl == PTRACE_SCOPE_CAPABILITY && (rel & CHECMATE_REL_CAP))
		return 0;
	return deny(PTRACE_SCOPE_ATTACH_DENIED);
}

/* relations are the parent's (the tracer's) to the current task. */
SEC("checmate/ptrace_traceme")
int ptrace_scope_traceme(struct checmate_ptrace_traceme_ctx *ctx)
{
	__u32 lvl = level();

	if (lvl == PTRACE_SCOPE_RELATIONAL)
		return 0;
	if (lvl == PTRACE_SCOPE_CAPABILITY &&
	    (ctx->relations & CHECMATE_REL_CAP))
		return 0;
	return deny(PTRACE_SCOPE_TRACEME_DENIED);
}

char LICENSE[] SEC("license") = "GPL";
