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

static inline int checmate_bpf_ctl(const union bpf_attr *attr)
{
	return -EINVAL;
}

#endif /* CONFIG_SECURITY_CHECMATE */

#endif /* _LINUX_CHECMATE_H */
