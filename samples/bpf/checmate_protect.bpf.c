// SPDX-License-Identifier: GPL-2.0
/*
 * Checmate sample: protect an agent from being stopped
 *
 * A security agent (an EDR, an audit daemon) is worth little if whoever it
 * watches can stop it: root in a container, or an intruder who became root
 * on the host, kills it first. This policy keeps the processes in the
 * protected map (the agent's thread group ids) running, whatever the
 * privilege of the tasks it governs:
 *
 * - task_kill: no signal may be sent to a protected process (SIGKILL,
 *   SIGSTOP and every other one, by kill(2), tkill(2), tgkill(2),
 *   rt_sigqueueinfo(2), rt_tgsigqueueinfo(2), pidfd_send_signal(2), to its
 *   process group or to every process); signal 0, which only probes
 *   whether it exists, is allowed;
 * - ptrace_access_check: no task may trace it, read or write its memory
 *   (/proc/PID/mem, process_vm_writev(2)), take its files (pidfd_getfd(2))
 *   or inspect it (/proc/PID/environ, fd, maps, ...);
 * - file_open: nobody may open for writing the cgroup.kill, cgroup.freeze
 *   and cgroup.procs files of the agent's cgroup and of its ancestors (the
 *   files map, by device and inode): cgroup.kill kills every task of a
 *   cgroup without a signal a task sends, cgroup.freeze stops them.
 *
 * The agent itself is exempt: a sender or tracer whose process is
 * protected (or the target's own process) is allowed. Everything is
 * denied with EPERM (opening /proc/PID/mem reports EACCES: the kernel
 * turns every refusal there into EACCES), and counted per hook.
 *
 * The maps are read-only for the programs, and the loader freezes them:
 * nobody, root included, can take a process out of the set through
 * bpf(2). The loader seals the hooks append-only where it attaches the
 * programs, so they cannot be detached either (see checmate_protect_user.c
 * for what is left).
 *
 * With nothing set (checmate-ctl attach), nothing is protected.
 */

#include <linux/bpf.h>
#include <linux/checmate.h>
#include <bpf/bpf_helpers.h>

#include "checmate_protect.h"

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, PROTECT_MAX_TGIDS);
	__uint(map_flags, BPF_F_RDONLY_PROG);
	__type(key, __u32);
	__type(value, __u8);
} protected SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, PROTECT_MAX_FILES);
	__uint(map_flags, BPF_F_RDONLY_PROG);
	__type(key, struct protect_file);
	__type(value, __u8);
} files SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, PROTECT_MAX);
	__type(key, __u32);
	__type(value, __u64);
} counters SEC(".maps");

static __always_inline int is_protected(__u32 tgid)
{
	return bpf_map_lookup_elem(&protected, &tgid) != 0;
}

/* The current task is the agent: a thread of a protected process. */
static __always_inline int agent(void)
{
	return is_protected(bpf_get_current_pid_tgid() >> 32);
}

static __always_inline int deny(__u32 which)
{
	__u64 *n = bpf_map_lookup_elem(&counters, &which);

	if (n)
		__sync_fetch_and_add(n, 1);
	return -PROTECT_EPERM;
}

SEC("checmate/task_kill")
int protect_kill(struct checmate_task_kill_ctx *ctx)
{
	if (!ctx->sig || !is_protected(ctx->target.tgid) ||
	    (ctx->relations & CHECMATE_REL_SELF) || agent())
		return 0;
	return deny(PROTECT_TASK_KILL);
}

SEC("checmate/ptrace_access_check")
int protect_ptrace(struct checmate_ptrace_access_check_ctx *ctx)
{
	if (!is_protected(ctx->target.tgid) ||
	    (ctx->relations & CHECMATE_REL_SELF) || agent())
		return 0;
	return deny(PROTECT_PTRACE);
}

SEC("checmate/file_open")
int protect_file_open(struct checmate_file_open_ctx *ctx)
{
	struct protect_file f = {};

	if (!(ctx->access & CHECMATE_ACCESS_WRITE))
		return 0;
	f.dev = ctx->file.dev;
	f.ino = ctx->file.ino;
	f.ino_hi = ctx->file.ino_hi;
	if (!bpf_map_lookup_elem(&files, &f) || agent())
		return 0;
	return deny(PROTECT_FILE_OPEN);
}

char LICENSE[] SEC("license") = "GPL";
