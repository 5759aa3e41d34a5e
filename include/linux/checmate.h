/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Checmate LSM - interface for the BPF core
 */

#ifndef _LINUX_CHECMATE_H
#define _LINUX_CHECMATE_H

#include <linux/errno.h>
#include <linux/types.h>
#include <uapi/linux/checmate.h>

#include <linux/err.h>

/**
 * enum checmate_seal_op - What a hook's seals may refuse
 * @CHECMATE_SEAL_OP_ATTACH: Attaching a program.
 * @CHECMATE_SEAL_OP_DETACH: Removing one program: detach, link detach,
 *	link update, BPF_F_REPLACE, or detaching on link release.
 * @CHECMATE_SEAL_OP_RESET: Removing all of them.
 */
enum checmate_seal_op {
	CHECMATE_SEAL_OP_ATTACH,
	CHECMATE_SEAL_OP_DETACH,
	CHECMATE_SEAL_OP_RESET,
};

/**
 * checmate_seal_permits - Whether a hook's seals let an operation through
 * @seals: The hook's CHECMATE_SEAL_* flags.
 * @op: The operation.
 *
 * Return: True if @seals allow @op.
 */
static inline bool checmate_seal_permits(u32 seals, enum checmate_seal_op op)
{
	const u32 no_detach = CHECMATE_SEAL_APPEND_ONLY | CHECMATE_SEAL_LOCKED;

	switch (op) {
	case CHECMATE_SEAL_OP_ATTACH:
		return !(seals & CHECMATE_SEAL_LOCKED);
	case CHECMATE_SEAL_OP_DETACH:
		return !(seals & no_detach);
	case CHECMATE_SEAL_OP_RESET:
		return !(seals & (no_detach | CHECMATE_SEAL_DENY_RESET));
	}
	return false;
}

/*
 * A hook's stored seals: the init admin's CHECMATE_SEAL_* flags in the low
 * bits, delegated callers' above CHECMATE_SEALS_DELEGATED_SHIFT.
 */
#define CHECMATE_SEALS_DELEGATED_SHIFT	4
#define CHECMATE_SEALS_ADMIN_MASK	((1U << CHECMATE_SEALS_DELEGATED_SHIFT) - 1)

/**
 * checmate_seal_add - A hook's stored seals after sealing it further
 * @stored: The hook's stored seals.
 * @add: The CHECMATE_SEAL_* flags to add.
 * @delegated: A delegated caller adds them (they bind delegated callers
 *	only); otherwise the init admin does (they bind everyone).
 *
 * Seals only accumulate: nothing can clear one.
 *
 * Return: The new stored seals.
 */
static inline u32 checmate_seal_add(u32 stored, u32 add, bool delegated)
{
	return stored | (delegated ? add << CHECMATE_SEALS_DELEGATED_SHIFT :
			 add);
}

/**
 * checmate_seals_binding - The seals that bind an operation
 * @stored: The hook's stored seals.
 * @delegated: Whether the delegated callers' seals bind it (see
 *	checmate_bpf_bound_by_delegated()).
 *
 * Return: The CHECMATE_SEAL_* flags that apply.
 */
static inline u32 checmate_seals_binding(u32 stored, bool delegated)
{
	return (stored & CHECMATE_SEALS_ADMIN_MASK) |
	       (delegated ? stored >> CHECMATE_SEALS_DELEGATED_SHIFT : 0);
}

struct bpf_prog;
struct bpf_token;
struct cgroup;
union bpf_attr;

#ifdef CONFIG_SECURITY_CHECMATE

int checmate_bpf_check_caller(void);
int checmate_bpf_check_load_caller(const struct bpf_token *token);
int checmate_bpf_check_load(u32 expected_attach_type, u32 hook);
struct cgroup *checmate_bpf_get_cgroup(const struct bpf_prog *prog,
				       u32 cgroup_fd, bool detach);
int checmate_bpf_check_prog(const struct bpf_prog *prog);
int checmate_bpf_check_link(struct cgroup *cgrp, const struct bpf_prog *prog,
			    const struct bpf_prog *new_prog);
bool checmate_bpf_bound_by_delegated(const struct bpf_prog *prog,
				     bool release);
int checmate_bpf_ctl(const union bpf_attr *attr);

#else /* CONFIG_SECURITY_CHECMATE */

static inline int checmate_bpf_check_caller(void)
{
	return -EINVAL;
}

static inline int checmate_bpf_check_load_caller(const struct bpf_token *token)
{
	return -EINVAL;
}

static inline struct cgroup *
checmate_bpf_get_cgroup(const struct bpf_prog *prog, u32 cgroup_fd,
			bool detach)
{
	return ERR_PTR(-EINVAL);
}

static inline int checmate_bpf_check_load(u32 expected_attach_type, u32 hook)
{
	return -EINVAL;
}

static inline int checmate_bpf_check_prog(const struct bpf_prog *prog)
{
	return -EINVAL;
}

static inline int checmate_bpf_check_link(struct cgroup *cgrp,
					  const struct bpf_prog *prog,
					  const struct bpf_prog *new_prog)
{
	return -EINVAL;
}

static inline bool checmate_bpf_bound_by_delegated(const struct bpf_prog *prog,
						   bool release)
{
	return false;
}

static inline int checmate_bpf_ctl(const union bpf_attr *attr)
{
	return -EINVAL;
}

#endif /* CONFIG_SECURITY_CHECMATE */

#endif /* _LINUX_CHECMATE_H */
