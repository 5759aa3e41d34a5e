// SPDX-License-Identifier: GPL-2.0-only
/*
 * Checmate LSM - Who may use Checmate: privileged and delegated callers
 *
 * A privileged caller has CAP_SYS_ADMIN in the initial user namespace and
 * may do everything. A delegated caller lives in another user namespace
 * and holds a BPF token whose bpffs mount delegates Checmate; as with
 * seccomp and Landlock it must have no_new_privs set or CAP_SYS_ADMIN in
 * its own user namespace, and that is checked before any argument is
 * looked at. Nobody else in the initial user namespace may use Checmate.
 * A delegated caller may load programs that only allow or deny (they
 * cannot write their context), attach, replace and detach its own
 * programs on cgroups whose cgroup.procs it may write inside its cgroup
 * namespace (which must belong to the delegation's user namespace), and
 * read or add seals there; never reset. Delegated programs govern only
 * credentials inside their token's user namespace, and every task they
 * govern runs execve with no_new_privs semantics, so a policy written by
 * a less privileged party can never confuse a set-id binary.
 */

#include <linux/binfmts.h>
#include <linux/bpf.h>
#include <linux/bpf-cgroup.h>
#include <linux/capability.h>
#include <linux/cgroup.h>
#include <linux/checmate.h>
#include <linux/cred.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/kernfs.h>
#include <linux/lsm_hooks.h>
#include <linux/nsproxy.h>
#include <linux/sched.h>
#include <linux/security.h>
#include <linux/user_namespace.h>

#include "bpf.h"
#include "common.h"
#include "delegate.h"
#include "limits.h"
#include "setup.h"
#include "task.h"

/**
 * checmate_may_call - Whether a caller may use Checmate at all
 * @caller: What is known of the caller, before any argument.
 *
 * Apart from the init admin, only callers outside the initial user
 * namespace may be delegated, and only with no_new_privs set or
 * CAP_SYS_ADMIN in their own user namespace.
 *
 * Return: 0 if it is privileged or may be delegated, -%EPERM otherwise.
 */
int checmate_may_call(const struct checmate_caller *caller)
{
	if (caller->init_admin)
		return 0;
	if (caller->init_ns)
		return -EPERM;
	if (!caller->no_new_privs && !caller->ns_admin)
		return -EPERM;
	return 0;
}

/**
 * checmate_may - The permission decision
 * @caller: What is known of the caller.
 * @op: What it asks to do.
 * @target: What the operation is on (unused for privileged callers and
 *	for %CHECMATE_OP_LOAD).
 *
 * Return: 0 if allowed, -%EPERM otherwise.
 */
int checmate_may(const struct checmate_caller *caller, enum checmate_op op,
		 const struct checmate_target *target)
{
	int err = checmate_may_call(caller);

	if (err || caller->init_admin)
		return err;
	switch (op) {
	case CHECMATE_OP_LOAD:
		return caller->token ? 0 : -EPERM;
	case CHECMATE_OP_ATTACH:
	case CHECMATE_OP_DETACH:
		if (!target->prog_delegated || !target->prog_in_caller_ns)
			return -EPERM;
		return target->cgroup_writable && target->cgroup_in_ns ?
		       0 : -EPERM;
	case CHECMATE_OP_GET:
	case CHECMATE_OP_SEAL:
		if (!caller->token)
			return -EPERM;
		return target->cgroup_writable && target->cgroup_in_ns ?
		       0 : -EPERM;
	case CHECMATE_OP_RESET:
	default:
		return -EPERM;
	}
}

/*
 * CAP_SYS_ADMIN in @ns, without auditing a denial or marking its use, and
 * without asking capable programs.
 */
static bool quiet_capable(struct user_namespace *ns)
{
	return checmate_capable_quietly(current_cred(), ns, CAP_SYS_ADMIN);
}

/*
 * What is known of the current task; @token counts only if it is from
 * the caller's own, non-initial user namespace.
 */
static void current_caller(struct checmate_caller *caller,
			   const struct bpf_token *token)
{
	struct user_namespace *ns = current_user_ns();

	caller->init_admin = quiet_capable(&init_user_ns);
	caller->init_ns = ns == &init_user_ns;
	caller->ns_admin = !caller->init_ns && quiet_capable(ns);
	caller->no_new_privs = task_no_new_privs(current);
	caller->token = token && token->userns != &init_user_ns &&
			token->userns == ns;
}

/**
 * checmate_prog_delegated - Whether a program was loaded by delegation
 * @prog: A Checmate program.
 *
 * Return: True if it was loaded with a BPF token from a non-initial user
 * namespace.
 */
bool checmate_prog_delegated(const struct bpf_prog *prog)
{
	return prog->aux->token && prog->aux->token->userns != &init_user_ns;
}

/**
 * checmate_bpf_check_caller - Whether the caller may use Checmate at all
 *
 * Called first by every Checmate command, before any argument is looked
 * at.
 *
 * Return: 0 if allowed, -%EPERM otherwise.
 */
int checmate_bpf_check_caller(void)
{
	struct checmate_caller caller;

	current_caller(&caller, NULL);
	return checmate_may_call(&caller);
}

/**
 * checmate_bpf_check_load_caller - Whether the caller may load a program
 * @token: The BPF token of the load, if it delegates Checmate programs.
 *
 * Return: 0 if allowed, -%EPERM otherwise.
 */
int checmate_bpf_check_load_caller(const struct bpf_token *token)
{
	struct checmate_caller caller;

	current_caller(&caller, token);
	return checmate_may(&caller, CHECMATE_OP_LOAD, NULL);
}

/**
 * checmate_ctl_check_caller - Whether the caller may use BPF_CHECMATE_CTL
 * @token: The BPF token of the command, if it delegates BPF_CHECMATE_CTL.
 * @delegated: Set to true if the caller is not the init admin.
 *
 * Return: 0 if the caller is the init admin, or may be delegated and
 * holds such a token from its own user namespace; -%EPERM otherwise.
 */
int checmate_ctl_check_caller(const struct bpf_token *token, bool *delegated)
{
	struct checmate_caller caller;
	int err;

	current_caller(&caller, token);
	*delegated = !caller.init_admin;
	err = checmate_may_call(&caller);
	if (err || caller.init_admin)
		return err;
	/* as for a load with the token: CAP_BPF in its user namespace */
	if (!caller.token || !bpf_token_capable(token, CAP_BPF))
		return -EPERM;
	return 0;
}

/* Whether the caller may write @cgrp's cgroup.procs, as cgroup_may_write(). */
static bool cgroup_writable(struct cgroup *cgrp, struct super_block *sb)
{
	struct inode *inode = NULL;
	bool ok = false;

	cgroup_lock();
	if (cgrp->procs_file.kn)
		inode = kernfs_get_inode(sb, cgrp->procs_file.kn);
	cgroup_unlock();
	if (inode) {
		ok = !inode_permission(&nop_mnt_idmap, inode, MAY_WRITE);
		iput(inode);
	}
	return ok;
}

/*
 * Whether @cgrp is in the scope of a delegation to @userns: inside the
 * caller's cgroup namespace, which must belong to @userns (or to a user
 * namespace inside it). A task of the container's user namespace that is
 * still in the host's cgroup namespace has no scope.
 */
static bool cgroup_in_scope(struct cgroup *cgrp,
			    const struct user_namespace *userns)
{
	const struct cgroup_namespace *cgns = current->nsproxy->cgroup_ns;

	return in_userns(userns, cgns->user_ns) &&
	       cgroup_is_descendant(cgrp, cgns->root_cset->dfl_cgrp);
}

/*
 * Fills @target's program fields for a delegated caller: the program must
 * have been loaded with a token of the caller's own user namespace (not an
 * ancestor's: a nested container never acts on its parent's programs).
 */
static void target_prog(struct checmate_target *target,
			const struct bpf_prog *prog)
{
	target->prog_delegated = checmate_prog_delegated(prog);
	target->prog_in_caller_ns = target->prog_delegated &&
		prog->aux->token->userns == current_user_ns();
}

/**
 * checmate_get_cgroup - Resolve a cgroup fd once and check the caller on it
 * @op: What the caller asks to do on the cgroup's hook.
 * @prog: For attach and detach, the program; NULL otherwise.
 * @token: For the other operations, the caller's BPF token, if any.
 * @cgroup_fd: The cgroup v2 directory fd.
 *
 * A delegated caller's scope is its cgroup namespace, which must belong
 * to the user namespace of the delegation (@prog's token, or @token).
 * The cgroup that was checked is the one returned, so that the operation
 * cannot be redirected to another cgroup by swapping the fd in between.
 *
 * Return: The cgroup, with a reference, or ERR_PTR(-%EBADF) if @cgroup_fd
 * is not a cgroup v2 directory, or ERR_PTR(-%EPERM) if not allowed.
 */
struct cgroup *checmate_get_cgroup(enum checmate_op op,
				   const struct bpf_prog *prog,
				   const struct bpf_token *token,
				   u32 cgroup_fd)
{
	const struct user_namespace *userns = NULL;
	struct checmate_target target = {};
	struct cgroup_subsys_state *css;
	struct checmate_caller caller;
	struct cgroup *cgrp;
	struct fd f;
	int err = 0;

	f = fdget(cgroup_fd);
	if (!fd_file(f))
		return ERR_PTR(-EBADF);
	css = css_tryget_online_from_dir(fd_file(f)->f_path.dentry, NULL);
	if (IS_ERR(css)) {
		fdput(f);
		return ERR_CAST(css);
	}
	cgrp = css->cgroup;
	if (cgrp->root != &cgrp_dfl_root) {
		err = -EBADF;
		goto out;
	}
	current_caller(&caller, token);
	if (caller.init_admin)
		goto out;
	if (prog) {
		target_prog(&target, prog);
		if (target.prog_delegated)
			userns = prog->aux->token->userns;
	} else if (caller.token) {
		userns = token->userns;
	}
	target.cgroup_writable = cgroup_writable(cgrp,
						 file_inode(fd_file(f))->i_sb);
	target.cgroup_in_ns = userns && cgroup_in_scope(cgrp, userns);
	err = checmate_may(&caller, op, &target);
out:
	fdput(f);
	if (err) {
		cgroup_put(cgrp);
		return ERR_PTR(err);
	}
	return cgrp;
}

/**
 * checmate_bpf_get_cgroup - The cgroup to attach to or detach from
 * @prog: The program.
 * @cgroup_fd: The cgroup v2 directory fd of the command.
 * @detach: Detach rather than attach.
 *
 * Return: As checmate_get_cgroup().
 */
struct cgroup *checmate_bpf_get_cgroup(const struct bpf_prog *prog,
				       u32 cgroup_fd, bool detach)
{
	return checmate_get_cgroup(detach ? CHECMATE_OP_DETACH :
				   CHECMATE_OP_ATTACH, prog, NULL, cgroup_fd);
}

/**
 * checmate_bpf_check_prog - Whether the caller may act on a program
 * @prog: The program an attach with %BPF_F_REPLACE would replace, or
 *	that %BPF_PROG_TEST_RUN would run.
 *
 * The program must be the caller's own: any program for the init admin,
 * a program loaded with a token of its own user namespace for a delegated
 * caller. (For a replace, the cgroup was checked when it was resolved.)
 *
 * Return: 0 if allowed, -%EPERM otherwise.
 */
int checmate_bpf_check_prog(const struct bpf_prog *prog)
{
	struct checmate_target target = { .cgroup_writable = true,
					  .cgroup_in_ns = true };
	struct checmate_caller caller;

	current_caller(&caller, NULL);
	if (!caller.init_admin)
		target_prog(&target, prog);
	return checmate_may(&caller, CHECMATE_OP_DETACH, &target);
}

/**
 * checmate_bpf_check_link - Whether the caller may update or detach a link
 * @cgrp: The cgroup the link is attached to.
 * @prog: The link's program.
 * @new_prog: For an update, the program that would replace it; else NULL.
 *
 * Holding a link fd is not enough: the caller must be the init admin, or
 * a delegated caller with CAP_SYS_ADMIN in its user namespace (the
 * container's root: a link names no cgroup fd whose cgroup.procs could be
 * checked) acting on its own programs in its own scope. Called with
 * cgroup_mutex held.
 *
 * Return: 0 if allowed, -%EPERM otherwise.
 */
int checmate_bpf_check_link(struct cgroup *cgrp, const struct bpf_prog *prog,
			    const struct bpf_prog *new_prog)
{
	struct checmate_target target = { .cgroup_writable = true };
	struct checmate_caller caller;
	int err;

	current_caller(&caller, NULL);
	if (caller.init_admin)
		return 0;
	if (!caller.ns_admin)
		return -EPERM;
	/* both programs of an update: the caller's own */
	if (new_prog) {
		target_prog(&target, new_prog);
		if (!target.prog_in_caller_ns)
			return -EPERM;
	}
	target_prog(&target, prog);
	target.cgroup_in_ns = target.prog_in_caller_ns &&
			      cgroup_in_scope(cgrp, current_user_ns());
	err = checmate_may(&caller, CHECMATE_OP_DETACH, &target);
	return err;
}

/**
 * checmate_bpf_bound_by_delegated - Whether delegated seals bind an operation
 * @prog: The program the operation is on.
 * @release: The operation is the release of @prog's link (its last fd
 *	closed, its pin removed), which has no caller.
 *
 * Seals set by delegated callers bind delegated callers, never the init
 * admin; the release of a delegated program's link is bound by them.
 *
 * Return: True if the hook's delegated seals apply.
 */
bool checmate_bpf_bound_by_delegated(const struct bpf_prog *prog,
				     bool release)
{
	if (release)
		return prog && checmate_prog_delegated(prog);
	return !quiet_capable(&init_user_ns);
}

/* Whether a delegated program governs the current task. */
static bool governed_by_delegated(void)
{
	const struct user_namespace *subject = current_user_ns();
	const struct bpf_prog_array_item *item;
	const struct bpf_prog_array *array;
	const struct bpf_prog *prog;
	struct cgroup *cgrp;
	bool found = false;
	u32 hook;

	rcu_read_lock();
	cgrp = task_dfl_cgroup(current);
	for (hook = CHECMATE_HOOK_FIRST; hook <= CHECMATE_HOOK_LAST && !found;
	     hook++) {
		if (!static_key_enabled(&cgroup_bpf_enabled_key[checmate_atype(hook)]))
			continue;
		array = rcu_dereference(cgrp->bpf.effective[checmate_atype(hook)]);
		for (item = &array->items[0]; (prog = READ_ONCE(item->prog));
		     item++) {
			if (checmate_prog_governs(prog, subject) &&
			    checmate_prog_delegated(prog)) {
				found = true;
				break;
			}
		}
	}
	rcu_read_unlock();
	return found;
}

static int hook_bprm_creds_for_exec(struct linux_binprm *bprm)
{
	/*
	 * Set before the new credentials are computed: commoncap then
	 * refuses set-id and file capability gains, as for no_new_privs.
	 */
	if (governed_by_delegated())
		bprm->unsafe |= LSM_UNSAFE_NO_NEW_PRIVS;
	return 0;
}

static struct security_hook_list checmate_exec_hooks[] __ro_after_init = {
	LSM_HOOK_INIT(bprm_creds_for_exec, hook_bprm_creds_for_exec),
};

__init void checmate_add_exec_hooks(void)
{
	security_add_hooks(checmate_exec_hooks, ARRAY_SIZE(checmate_exec_hooks),
			   &checmate_lsmid);
}
