// SPDX-License-Identifier: GPL-2.0-only
/*
 * Checmate LSM - Task, signal, user namespace and capability hooks
 *
 * Another task is shown by its numbers (&struct checmate_task), and what a
 * policy needs to know of how it relates to the current task is computed
 * here and shown as CHECMATE_REL_* flags: a program never walks a task.
 * Programs of the current task's cgroup run; kernel threads are not
 * governed. With no program attached to a hook anywhere, the hook is a
 * static branch; with programs attached only outside the task's cgroup and
 * its ancestors, it is that and a look at the cgroup's effective array
 * (three dependent loads, inline), and no context is built.
 */

#include <linux/bpf.h>
#include <linux/capability.h>
#include <linux/cgroup.h>
#include <linux/cred.h>
#include <linux/lsm_hooks.h>
#include <linux/preempt.h>
#include <linux/ptrace.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/sched/coredump.h>
#include <linux/sched/signal.h>
#include <linux/security.h>
#include <linux/signal.h>
#include <linux/uidgid.h>
#include <linux/user_namespace.h>

#include "bpf.h"
#include "common.h"
#include "setup.h"
#include "task.h"

static_assert(CHECMATE_PTRACE_MODE_READ == PTRACE_MODE_READ);
static_assert(CHECMATE_PTRACE_MODE_ATTACH == PTRACE_MODE_ATTACH);
static_assert(CHECMATE_PTRACE_MODE_NOAUDIT == PTRACE_MODE_NOAUDIT);
static_assert(CHECMATE_PTRACE_MODE_FSCREDS == PTRACE_MODE_FSCREDS);
static_assert(CHECMATE_PTRACE_MODE_REALCREDS == PTRACE_MODE_REALCREDS);
static_assert(CHECMATE_CAP_OPT_NOAUDIT == CAP_OPT_NOAUDIT);
static_assert(CHECMATE_CAP_OPT_INSETID == CAP_OPT_INSETID);

/* Set as current->bpf_ctx around Checmate's own capability checks. */
static struct bpf_run_ctx own_check;

/**
 * checmate_capable_quietly - A capability check capable programs do not see
 * @cred: The credentials to check.
 * @ns: The user namespace the capability is needed in.
 * @cap: The capability.
 *
 * For Checmate's own decisions (who may manage it, the relations it shows
 * programs): no audit record, no PF_SUPERPRIV, and no capable program
 * runs, so that no policy can keep the init admin from managing Checmate
 * and no program sees a check the task did not make. Other LSMs decide as
 * for any check.
 *
 * Return: True if @cred has @cap in @ns.
 */
bool checmate_capable_quietly(const struct cred *cred,
			      struct user_namespace *ns, int cap)
{
	struct bpf_run_ctx *old_run_ctx;
	int err;

	old_run_ctx = bpf_set_run_ctx(&own_check);
	err = security_capable(cred, ns, cap, CAP_OPT_NOAUDIT);
	bpf_reset_run_ctx(old_run_ctx);
	return !err;
}

/**
 * checmate_init_admin - Whether the current task is the init admin
 *
 * Return: True if it has CAP_SYS_ADMIN in the initial user namespace.
 */
bool checmate_init_admin(void)
{
	return checmate_capable_quietly(current_cred(), &init_user_ns,
					CAP_SYS_ADMIN);
}

/* Shows @p by its numbers, as seen from the initial namespaces. */
static void fill_task(struct checmate_task *ct, struct task_struct *p)
{
	const struct cred *cred;

	rcu_read_lock();
	cred = __task_cred(p);
	ct->pid = task_pid_nr(p);
	ct->tgid = task_tgid_nr(p);
	ct->uid = from_kuid(&init_user_ns, cred->uid);
	ct->euid = from_kuid(&init_user_ns, cred->euid);
	rcu_read_unlock();
}

/*
 * Whether @child's process is @parent's or a descendant of it, through
 * real parents: Yama's task_is_descendant(). Under RCU.
 */
static bool is_descendant(struct task_struct *parent,
			  struct task_struct *child)
{
	struct task_struct *walker = child;

	if (!thread_group_leader(parent))
		parent = rcu_dereference(parent->group_leader);
	while (walker->pid > 0) {
		if (!thread_group_leader(walker))
			walker = rcu_dereference(walker->group_leader);
		if (walker == parent)
			return true;
		walker = rcu_dereference(walker->real_parent);
	}
	return false;
}

/**
 * checmate_task_relations - How a subject task relates to a target task
 * @subject: The tracer, or the sender of a signal.
 * @target: The tracee, or the receiver.
 * @cap: The capability that overrides the kernel's check (CAP_SYS_PTRACE,
 *	CAP_KILL).
 *
 * The current task's subjective credentials stand for it; another task's
 * objective ones for that task.
 *
 * Return: The CHECMATE_REL_* flags.
 */
u32 checmate_task_relations(struct task_struct *subject,
			    struct task_struct *target, int cap)
{
	const struct cred *scred, *tcred;
	u32 rel = 0;

	rcu_read_lock();
	scred = subject == current ? current_cred() : __task_cred(subject);
	tcred = __task_cred(target);
	if (is_descendant(subject, target))
		rel |= CHECMATE_REL_DESCENDANT;
	if (task_dfl_cgroup(subject) == task_dfl_cgroup(target))
		rel |= CHECMATE_REL_SAME_CGROUP;
	if (in_userns(scred->user_ns, tcred->user_ns))
		rel |= CHECMATE_REL_USERNS;
	if (checmate_capable_quietly(scred, tcred->user_ns, cap))
		rel |= CHECMATE_REL_CAP;
	if (same_thread_group(subject, target))
		rel |= CHECMATE_REL_SELF;
	rcu_read_unlock();
	return rel;
}

static int run_ptrace_access_check(struct task_struct *child,
				   unsigned int mode)
{
	struct checmate_ptrace_access_check_ctx ctx = {};

	fill_task(&ctx.target, child);
	ctx.mode = mode;
	ctx.relations = checmate_task_relations(current, child,
						CAP_SYS_PTRACE);
	return checmate_run_task(CHECMATE_HOOK_PTRACE_ACCESS_CHECK, &ctx,
				 mode & PTRACE_MODE_NOAUDIT ?
				 &checmate_noaudit : NULL);
}

static int hook_ptrace_access_check(struct task_struct *child,
				    unsigned int mode)
{
	if (!checmate_enabled(CHECMATE_HOOK_PTRACE_ACCESS_CHECK) ||
	    !checmate_task_governed(CHECMATE_HOOK_PTRACE_ACCESS_CHECK))
		return 0;
	return run_ptrace_access_check(child, mode);
}

static int run_ptrace_traceme(struct task_struct *parent)
{
	struct checmate_ptrace_traceme_ctx ctx = {};

	fill_task(&ctx.tracer, parent);
	ctx.mode = PTRACE_MODE_ATTACH;
	ctx.relations = checmate_task_relations(parent, current,
						CAP_SYS_PTRACE);
	return checmate_run_task(CHECMATE_HOOK_PTRACE_TRACEME, &ctx, NULL);
}

/*
 * Called with tasklist_lock held for writing and interrupts off: @parent
 * is current's.
 */
static int hook_ptrace_traceme(struct task_struct *parent)
{
	if (!checmate_enabled(CHECMATE_HOOK_PTRACE_TRACEME) ||
	    !checmate_task_governed(CHECMATE_HOOK_PTRACE_TRACEME))
		return 0;
	return run_ptrace_traceme(parent);
}

static int run_task_kill(struct task_struct *p, struct kernel_siginfo *info,
			 int sig)
{
	struct checmate_task_kill_ctx ctx = {};

	fill_task(&ctx.target, p);
	ctx.sig = sig;
	ctx.code = info > SEND_SIG_PRIV ? info->si_code : SI_USER;
	ctx.relations = checmate_task_relations(current, p, CAP_KILL);
	return checmate_run_task(CHECMATE_HOOK_TASK_KILL, &ctx, NULL);
}

/*
 * Only signals a task sends get here: check_kill_permission() lets the
 * kernel's own through before the LSMs. @cred is set only when a USB
 * driver sends a signal for its opener, in interrupt context: not a task's
 * doing, not governed.
 */
static int hook_task_kill(struct task_struct *p, struct kernel_siginfo *info,
			  int sig, const struct cred *cred)
{
	if (!checmate_enabled(CHECMATE_HOOK_TASK_KILL) || cred ||
	    !checmate_task_governed(CHECMATE_HOOK_TASK_KILL))
		return 0;
	return run_task_kill(p, info, sig);
}

/* @cred is the caller's, being prepared for the new namespace. */
static int run_userns_create(const struct cred *cred)
{
	struct checmate_userns_create_ctx ctx = {};

	ctx.uid = from_kuid(&init_user_ns, cred->euid);
	ctx.depth = cred->user_ns->level;
	return checmate_run_task(CHECMATE_HOOK_USERNS_CREATE, &ctx, NULL);
}

static int hook_userns_create(const struct cred *cred)
{
	if (!checmate_enabled(CHECMATE_HOOK_USERNS_CREATE) ||
	    !checmate_task_governed(CHECMATE_HOOK_USERNS_CREATE))
		return 0;
	return run_userns_create(cred);
}

static int run_capable(const struct cred *cred, struct user_namespace *ns,
		       int cap, unsigned int opts)
{
	const struct user_namespace *subject = cred->user_ns;
	struct checmate_capable_ctx ctx = {};
	int ret;

	ctx.cap = cap;
	ctx.opts = opts & (CAP_OPT_NOAUDIT | CAP_OPT_INSETID);
	ctx.init_ns = ns == &init_user_ns;
	ctx.depth = ns->level;
	ctx.own_ns = ns == cred->user_ns;
	/*
	 * A process that gained privilege at exec (set-id, file capabilities:
	 * not dumpable, as ptrace decides) may rely on its capabilities to
	 * drop privilege: a policy written by a less privileged party must
	 * not make setuid(2) fail half way. Only the init admin's programs
	 * govern it: delegated programs govern no credentials of the initial
	 * user namespace.
	 */
	if (!current->mm || get_dumpable(current->mm) != SUID_DUMP_USER)
		subject = &init_user_ns;
	rcu_read_lock();
	ret = checmate_run(CHECMATE_HOOK_CAPABLE, task_dfl_cgroup(current),
			   subject, &ctx,
			   opts & CAP_OPT_NOAUDIT ? &checmate_noaudit : NULL);
	rcu_read_unlock();
	return ret;
}

/*
 * The hottest hook: with no program attached anywhere a static branch.
 * Programs see only the current task checking its own credentials, in task
 * context, and not while a BPF program runs on the task (which is also how
 * Checmate's own checks and the checks made by its programs' helpers stay
 * out of their sight).
 */
static int hook_capable(const struct cred *cred, struct user_namespace *ns,
			int cap, unsigned int opts)
{
	if (!checmate_enabled(CHECMATE_HOOK_CAPABLE) || !in_task() ||
	    current->bpf_ctx || cred != current_cred() ||
	    !checmate_task_governed(CHECMATE_HOOK_CAPABLE))
		return 0;
	return run_capable(cred, ns, cap, opts);
}

static struct security_hook_list checmate_task_hooks[] __ro_after_init = {
	LSM_HOOK_INIT(ptrace_access_check, hook_ptrace_access_check),
	LSM_HOOK_INIT(ptrace_traceme, hook_ptrace_traceme),
	LSM_HOOK_INIT(task_kill, hook_task_kill),
	LSM_HOOK_INIT(userns_create, hook_userns_create),
	LSM_HOOK_INIT(capable, hook_capable),
};

/**
 * checmate_add_task_hooks - Register the task and capability hooks
 */
__init void checmate_add_task_hooks(void)
{
	security_add_hooks(checmate_task_hooks, ARRAY_SIZE(checmate_task_hooks),
			   &checmate_lsmid);
}
