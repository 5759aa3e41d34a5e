/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Checmate LSM - Who may use Checmate: privileged and delegated callers
 */

#ifndef _SECURITY_CHECMATE_DELEGATE_H
#define _SECURITY_CHECMATE_DELEGATE_H

#include <linux/bpf.h>
#include <linux/init.h>
#include <linux/types.h>
#include <linux/user_namespace.h>

struct bpf_prog;
struct cgroup;

/**
 * struct checmate_caller - What decides whether a task may use Checmate
 * @init_admin: CAP_SYS_ADMIN in the initial user namespace.
 * @init_ns: Its user namespace is the initial one.
 * @ns_admin: CAP_SYS_ADMIN in its own user namespace.
 * @no_new_privs: no_new_privs is set.
 * @token: It passed a BPF token from its own, non-initial user namespace
 *	that delegates the operation.
 */
struct checmate_caller {
	bool init_admin;
	bool init_ns;
	bool ns_admin;
	bool no_new_privs;
	bool token;
};

/**
 * enum checmate_op - What a caller asks to do
 * @CHECMATE_OP_LOAD: Load a program.
 * @CHECMATE_OP_ATTACH: Attach a program to a cgroup.
 * @CHECMATE_OP_DETACH: Detach a program from a cgroup.
 * @CHECMATE_OP_GET: Read a hook's seals and counts.
 * @CHECMATE_OP_SEAL: Seal a hook.
 * @CHECMATE_OP_RESET: Reset a hook.
 */
enum checmate_op {
	CHECMATE_OP_LOAD,
	CHECMATE_OP_ATTACH,
	CHECMATE_OP_DETACH,
	CHECMATE_OP_GET,
	CHECMATE_OP_SEAL,
	CHECMATE_OP_RESET,
};

/**
 * struct checmate_target - What the operation is on, for delegated callers
 * @prog_delegated: The program was loaded with a BPF token from a
 *	non-initial user namespace.
 * @prog_in_caller_ns: That token's user namespace is the caller's or an
 *	ancestor of it.
 * @cgroup_writable: The caller may write the cgroup's cgroup.procs.
 * @cgroup_in_ns: The cgroup is inside the caller's cgroup namespace.
 */
struct checmate_target {
	bool prog_delegated;
	bool prog_in_caller_ns;
	bool cgroup_writable;
	bool cgroup_in_ns;
};

int checmate_may_call(const struct checmate_caller *caller);
int checmate_may(const struct checmate_caller *caller, enum checmate_op op,
		 const struct checmate_target *target);
bool checmate_prog_delegated(const struct bpf_prog *prog);
int checmate_ctl_check_caller(const struct bpf_token *token, bool *delegated);
struct cgroup *checmate_get_cgroup(enum checmate_op op,
				   const struct bpf_prog *prog,
				   const struct bpf_token *token,
				   u32 cgroup_fd);

/**
 * checmate_prog_governs - Whether an effective program decides for a subject
 * @prog: An item of a Checmate effective array.
 * @subject: User namespace of the credentials the operation acts with.
 *
 * cgroup-bpf leaves a placeholder without aux in an effective array when
 * a detach runs out of memory (purge_effective_progs()): it governs
 * nothing. A delegated program governs only @subject inside its token's
 * user namespace.
 *
 * Return: True if @prog decides.
 */
static inline bool checmate_prog_governs(const struct bpf_prog *prog,
					 const struct user_namespace *subject)
{
	const struct bpf_token *token;

	if (unlikely(!prog->aux))
		return false;
	token = prog->aux->token;
	return !token || token->userns == &init_user_ns ||
	       in_userns(token->userns, subject);
}

__init void checmate_add_exec_hooks(void);

#endif /* _SECURITY_CHECMATE_DELEGATE_H */
