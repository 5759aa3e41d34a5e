// SPDX-License-Identifier: GPL-2.0-only
/*
 * Checmate LSM - Audit records of denials
 *
 * One AUDIT_CHECMATE_DENY record per denial, rate-limited, e.g.:
 *
 *   hook=socket_connect errno=-76 prog_id=12 cgroup_id=3401 pid=212
 *   comm="curl" family=2 protocol=6 addr=10.0.0.1 port=443
 *
 *   hook=file_open errno=-13 prog_id=14 cgroup_id=3401 pid=215
 *   comm="cat" dev=0:21 ino=4242 mode=0100600 path="/etc/shadow"
 */

#include <linux/audit.h>
#include <linux/cgroup.h>
#include <linux/in.h>
#include <linux/kdev_t.h>
#include <linux/ratelimit.h>
#include <linux/sched.h>
#include <uapi/linux/checmate.h>

#include "audit.h"
#include "bpf.h"
#include "hook.h"
#include "limits.h"

/* At most 20 records per 5 seconds: a denial storm must not flood. */
static DEFINE_RATELIMIT_STATE(audit_rs, 5 * HZ, 20);

static void log_addr(struct audit_buffer *ab, const char *name, u32 family,
		     const __u32 addr[4])
{
	if (family == AF_INET)
		audit_log_format(ab, " %s=%pI4", name, &addr[0]);
	else if (family == AF_INET6)
		audit_log_format(ab, " %s=%pI6c", name, addr);
}

/*
 * The fields that decided: the hooks with one address share a layout, as
 * the BUILD_BUG_ONs in bpf.c make sure.
 */
static void log_ctx(struct audit_buffer *ab, u32 hook, const void *ctx)
{
	const struct checmate_socket_create_ctx *create = ctx;
	const struct checmate_socket_connect_ctx *sa = ctx;
	const struct checmate_inet_conn_request_ctx *req = ctx;
	const struct checmate_ptrace_access_check_ctx *trace = ctx;
	const struct checmate_task_kill_ctx *kill = ctx;
	const u32 *val = ctx;

	switch (hook) {
	case CHECMATE_HOOK_SOCKET_CREATE:
		audit_log_format(ab, " family=%u type=%u protocol=%u",
				 create->family, create->type,
				 create->protocol);
		break;
	case CHECMATE_HOOK_SOCKET_BIND:
	case CHECMATE_HOOK_SOCKET_CONNECT:
	case CHECMATE_HOOK_SOCKET_LISTEN:
	case CHECMATE_HOOK_SOCKET_SENDMSG:
		audit_log_format(ab, " family=%u protocol=%u", sa->family,
				 sa->protocol);
		log_addr(ab, "addr", sa->family, sa->addr);
		audit_log_format(ab, " port=%u", sa->port);
		break;
	case CHECMATE_HOOK_INET_CONN_REQUEST:
	case CHECMATE_HOOK_SOCKET_RECVMSG:
	case CHECMATE_HOOK_SOCKET_SOCK_RCV_SKB:
		audit_log_format(ab, " family=%u protocol=%u", req->family,
				 req->protocol);
		log_addr(ab, "raddr", req->family, req->remote_addr);
		audit_log_format(ab, " rport=%u", req->remote_port);
		log_addr(ab, "laddr", req->family, req->local_addr);
		audit_log_format(ab, " lport=%u", req->local_port);
		break;
	case CHECMATE_HOOK_SOCKET_ACCEPT:
		audit_log_format(ab, " family=%u protocol=%u", sa->family,
				 sa->protocol);
		log_addr(ab, "laddr", sa->family, sa->addr);
		audit_log_format(ab, " lport=%u", sa->port);
		break;
	case CHECMATE_HOOK_PTRACE_ACCESS_CHECK:
	case CHECMATE_HOOK_PTRACE_TRACEME:
		audit_log_format(ab, " opid=%u ouid=%d mode=0x%x rel=0x%x",
				 trace->target.tgid, (int)trace->target.uid,
				 trace->mode, trace->relations);
		break;
	case CHECMATE_HOOK_TASK_KILL:
		audit_log_format(ab, " opid=%u ouid=%d sig=%u rel=0x%x",
				 kill->target.tgid, (int)kill->target.uid,
				 kill->sig, kill->relations);
		break;
	case CHECMATE_HOOK_CAPABLE:
		audit_log_format(ab, " capability=%u init_ns=%u", val[0],
				 val[2]);
		break;
	case CHECMATE_HOOK_BPF:
	case CHECMATE_HOOK_BPF_MAP_CREATE:
	case CHECMATE_HOOK_BPF_PROG_LOAD:
		/* bpf: cmd; map_create: map type; prog_load: prog type */
		audit_log_format(ab, " %s=%u",
				 hook == CHECMATE_HOOK_BPF ? "cmd" :
				 hook == CHECMATE_HOOK_BPF_MAP_CREATE ?
				 "map_type" : "prog_type", val[0]);
		break;
	case CHECMATE_HOOK_KERNEL_LOAD_DATA:
		audit_log_format(ab, " id=%u", val[0]);
		break;
	}
}

/*
 * File-system hooks: the first object of the context (the file, or the
 * directory a name is created in), then the hook call's path and type
 * strings through the audit helpers.
 */
static void log_fs(struct audit_buffer *ab, const void *ctx,
		   const struct checmate_strs *strs)
{
	const struct checmate_inode *obj = ctx;
	const struct path *path = strs->path[CHECMATE_STR_PATH];
	const char *fstype = strs->str[CHECMATE_STR_FSTYPE];

	audit_log_format(ab, " dev=%u:%u ino=%llu mode=0%o",
			 MAJOR(new_decode_dev(obj->dev)),
			 MINOR(new_decode_dev(obj->dev)),
			 (u64)obj->ino_hi << 32 | obj->ino, obj->mode);
	if (path)
		audit_log_d_path(ab, " path=", path);
	if (fstype) {
		audit_log_format(ab, " fstype=");
		audit_log_untrustedstring(ab, fstype);
	}
}

/**
 * checmate_audit_deny - Audit a denial
 * @hook: The hook (&enum checmate_hook).
 * @err: The errno the operation fails with (negative).
 * @prog_id: Id of the program that decided.
 * @cgrp: The cgroup whose programs ran.
 * @ctx: The hook's context.
 * @strs: The hook call's strings.
 * @no_task: The hook runs without a meaningful current task: no pid or
 *	comm is logged.
 */
void checmate_audit_deny(u32 hook, int err, u32 prog_id,
			 struct cgroup *cgrp, const void *ctx,
			 const struct checmate_strs *strs, bool no_task)
{
	struct audit_buffer *ab;

	if (!__ratelimit(&audit_rs))
		return;
	ab = audit_log_start(no_task ? NULL : audit_context(), GFP_ATOMIC,
			     AUDIT_CHECMATE_DENY);
	if (!ab)
		return;
	audit_log_format(ab, "hook=%s errno=%d prog_id=%u cgroup_id=%llu",
			 checmate_hook_name(hook), err, prog_id,
			 cgroup_id(cgrp));
	if (!no_task) {
		audit_log_format(ab, " pid=%d comm=", task_tgid_nr(current));
		audit_log_untrustedstring(ab, current->comm);
	}
	if (checmate_hook_has_inode(hook))
		log_fs(ab, ctx, strs);
	else
		log_ctx(ab, hook, ctx);
	if (hook == CHECMATE_HOOK_KERNEL_READ_FILE)
		audit_log_format(ab, " id=%u",
				 ((const struct checmate_kernel_read_file_ctx *)
				  ctx)->id);
	if (hook == CHECMATE_HOOK_KERNEL_MODULE_REQUEST) {
		audit_log_format(ab, " name=");
		audit_log_untrustedstring(ab, strs->str[CHECMATE_STR_NAME]);
	}
	audit_log_end(ab);
}
