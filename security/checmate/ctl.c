// SPDX-License-Identifier: GPL-2.0-only
/*
 * Checmate LSM - the BPF_CHECMATE_CTL command
 *
 * The only Checmate code that reads or writes user memory: it checks the
 * caller, copies struct checmate_ctl in, checks every field, and hands a
 * validated request to cgroup-bpf.
 */

#include <linux/bpf.h>
#include <linux/bpf-cgroup.h>
#include <linux/build_bug.h>
#include <linux/cgroup.h>
#include <linux/checmate.h>
#include <linux/err.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "common.h"
#include "ctl.h"
#include "delegate.h"
#include "hook.h"
#include "limits.h"

static_assert(sizeof(struct checmate_ctl) == CHECMATE_CTL_SIZE_VER2);
static_assert(offsetofend(struct checmate_ctl, effective_prog_cnt) ==
	      CHECMATE_CTL_SIZE_VER0);
static_assert(offsetofend(struct checmate_ctl, prog_flags) ==
	      CHECMATE_CTL_SIZE_VER1);
static_assert(offsetofend(struct checmate_ctl, delegated_seals) ==
	      CHECMATE_CTL_SIZE_VER2);
/* Both kinds of seals fit the u8 cgroup-bpf keeps per hook. */
static_assert(CHECMATE_SEAL_MASK <= CHECMATE_SEALS_ADMIN_MASK);
static_assert((CHECMATE_SEAL_MASK << CHECMATE_SEALS_DELEGATED_SHIFT) <= U8_MAX);

static const enum checmate_op ctl_ops[__CHECMATE_CTL_MAX] = {
	[CHECMATE_CTL_GET] = CHECMATE_OP_GET,
	[CHECMATE_CTL_RESET] = CHECMATE_OP_RESET,
	[CHECMATE_CTL_SEAL] = CHECMATE_OP_SEAL,
};

/* Every CHECMATE_PROG_* flag, derived from the last one. */
#define CHECMATE_PROG_LAST	CHECMATE_PROG_DELEGATED
#define CHECMATE_PROG_MASK	((CHECMATE_PROG_LAST << 1) - 1)

/**
 * checmate_ctl_check_size - Check the size user space gives for the struct
 * @size: union bpf_attr's checmate_ctl.size.
 *
 * Return: 0 if copy_struct_from_user() may be tried with @size, -%EINVAL
 * if it is smaller than the first version, -%E2BIG if larger than a page.
 */
int checmate_ctl_check_size(u32 size)
{
	if (size < CHECMATE_CTL_SIZE_VER0)
		return -EINVAL;
	if (size > PAGE_SIZE)
		return -E2BIG;
	return 0;
}

/**
 * checmate_ctl_check - Check a copied-in struct checmate_ctl
 * @ctl: The request.
 * @size: The size user space gave for it.
 *
 * Return: 0 if every field is valid for the operation, -%EINVAL otherwise.
 */
int checmate_ctl_check(const struct checmate_ctl *ctl, u32 size)
{
	if (ctl->op < CHECMATE_CTL_GET || ctl->op >= __CHECMATE_CTL_MAX)
		return -EINVAL;
	/* Output fields are zero on input. */
	if (ctl->prog_cnt || ctl->effective_prog_cnt || ctl->prog_flags ||
	    ctl->delegated_seals)
		return -EINVAL;
	if (ctl->op == CHECMATE_CTL_PROG_INFO)
		return size >= CHECMATE_CTL_SIZE_VER1 && !ctl->cgroup_fd &&
		       !ctl->hook && !ctl->seals ? 0 : -EINVAL;
	if (ctl->prog_fd || !checmate_hook_name(ctl->hook))
		return -EINVAL;
	if (ctl->op == CHECMATE_CTL_SEAL)
		return ctl->seals && !(ctl->seals & ~CHECMATE_SEAL_MASK) ?
		       0 : -EINVAL;
	return ctl->seals ? -EINVAL : 0;
}

static int ctl_prog_info(struct checmate_ctl *ctl, void __user *uctl,
			 u32 size)
{
	struct bpf_prog *prog;

	prog = bpf_prog_get(ctl->prog_fd);
	if (IS_ERR(prog))
		/* a map, a link, a regular file: not a program at all */
		return PTR_ERR(prog) == -EINVAL ? -EBADF : PTR_ERR(prog);
	if (prog->type != BPF_PROG_TYPE_CHECMATE) {
		bpf_prog_put(prog);
		return -EINVAL;
	}
	if (checmate_prog_delegated(prog))
		ctl->prog_flags |= CHECMATE_PROG_DELEGATED;
	bpf_prog_put(prog);
	if (WARN_ON_ONCE(ctl->prog_flags & ~CHECMATE_PROG_MASK))
		return -EINVAL;
	if (copy_to_user(uctl, ctl, min_t(size_t, size, sizeof(*ctl))))
		return -EFAULT;
	return 0;
}

/* The caller's BPF token, if the command names one that delegates it. */
static struct bpf_token *ctl_token(const union bpf_attr *attr)
{
	struct bpf_token *token;

	if (!(attr->checmate_ctl.flags & BPF_F_TOKEN_FD))
		return NULL;
	token = bpf_token_get_from_fd(attr->checmate_ctl.token_fd);
	if (IS_ERR(token))
		return token;
	if (!bpf_token_allow_cmd(token, BPF_CHECMATE_CTL)) {
		bpf_token_put(token);
		return NULL;
	}
	return token;
}

static int ctl_run(const union bpf_attr *attr, struct bpf_token *token)
{
	const size_t end = offsetofend(union bpf_attr, checmate_ctl.token_fd);
	void __user *uctl = u64_to_user_ptr(attr->checmate_ctl.ctl);
	const u32 size = attr->checmate_ctl.size;
	struct checmate_ctl ctl;
	struct cgroup *cgrp;
	bool delegated;
	u32 stored;
	int err;

	err = checmate_ctl_check_caller(token, &delegated);
	if (err)
		return err;
	if ((attr->checmate_ctl.flags & ~BPF_F_TOKEN_FD) ||
	    (!(attr->checmate_ctl.flags & BPF_F_TOKEN_FD) &&
	     attr->checmate_ctl.token_fd) ||
	    memchr_inv((const u8 *)attr + end, 0, sizeof(*attr) - end))
		return -EINVAL;
	err = checmate_ctl_check_size(size);
	if (err)
		return err;
	err = copy_struct_from_user(&ctl, sizeof(ctl), uctl, size);
	if (err)
		return err;
	err = checmate_ctl_check(&ctl, size);
	if (err)
		return err;
	if (ctl.op == CHECMATE_CTL_PROG_INFO)
		return ctl_prog_info(&ctl, uctl, size);

	cgrp = checmate_get_cgroup(ctl_ops[ctl.op], NULL, token, ctl.cgroup_fd);
	if (IS_ERR(cgrp))
		return PTR_ERR(cgrp);
	switch (ctl.op) {
	case CHECMATE_CTL_GET:
		err = cgroup_bpf_checmate_get(cgrp, ctl.hook, &stored,
					      &ctl.prog_cnt,
					      &ctl.effective_prog_cnt);
		ctl.seals = checmate_seals_binding(stored, delegated);
		ctl.delegated_seals = stored >> CHECMATE_SEALS_DELEGATED_SHIFT;
		if (!err &&
		    copy_to_user(uctl, &ctl, min_t(size_t, size, sizeof(ctl))))
			err = -EFAULT;
		break;
	case CHECMATE_CTL_RESET:
		err = cgroup_bpf_checmate_reset(cgrp, ctl.hook);
		break;
	case CHECMATE_CTL_SEAL:
		err = cgroup_bpf_checmate_seal(cgrp, ctl.hook, ctl.seals,
					       delegated);
		break;
	default:
		err = -EINVAL;
	}
	cgroup_put(cgrp);
	return err;
}

/**
 * checmate_bpf_ctl - The BPF_CHECMATE_CTL command of bpf(2)
 * @attr: The bpf(2) attribute, already copied in by the BPF core.
 *
 * Resets a hook of a cgroup, seals it, or reports its seals and program
 * counts; see &struct checmate_ctl. Apart from the init admin, a caller
 * needs a BPF token (%BPF_F_TOKEN_FD and token_fd in @attr) from its own,
 * non-initial user namespace that delegates %BPF_CHECMATE_CTL.
 *
 * Possible returned errors are:
 *
 * - %EPERM: the caller may not use Checmate (checked before anything
 *   else), has no such token, may not act on this cgroup (a delegated
 *   caller may only get and seal hooks of cgroups whose cgroup.procs it
 *   may write, inside a cgroup namespace of its token's user namespace),
 *   or the hook's seals forbid the reset;
 * - %EBADF, %EINVAL: with %BPF_F_TOKEN_FD, token_fd is not an open fd, or
 *   not a BPF token;
 * - %EINVAL: unknown flags in @attr, a token_fd without %BPF_F_TOKEN_FD,
 *   non-zero bytes after checmate_ctl in @attr, @attr->checmate_ctl.size smaller than
 *   %CHECMATE_CTL_SIZE_VER0 (or %CHECMATE_CTL_SIZE_VER1 for
 *   %CHECMATE_CTL_PROG_INFO), an invalid field in the struct, or a
 *   program fd that is not a Checmate program;
 * - %E2BIG: the struct is larger than this kernel's and its extra bytes
 *   are not all zero, or it is larger than a page;
 * - %EFAULT: the struct cannot be read or written;
 * - %EBADF: @cgroup_fd is not a cgroup v2 directory, or @prog_fd is not
 *   a BPF program (a map, a link, any other file);
 * - %ENOMEM: out of memory during a reset.
 *
 * Return: 0 on success, a negative errno otherwise.
 */
int checmate_bpf_ctl(const union bpf_attr *attr)
{
	struct bpf_token *token;
	int err;

	err = checmate_bpf_check_caller();
	if (err)
		return err;
	token = ctl_token(attr);
	if (IS_ERR(token))
		return PTR_ERR(token);
	err = ctl_run(attr, token);
	bpf_token_put(token);
	return err;
}
