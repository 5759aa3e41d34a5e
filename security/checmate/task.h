/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Checmate LSM - Task, capability, BPF and kernel-loading hooks
 */

#ifndef _SECURITY_CHECMATE_TASK_H
#define _SECURITY_CHECMATE_TASK_H

#include <linux/init.h>
#include <linux/types.h>

struct cred;
struct task_struct;
struct user_namespace;

bool checmate_capable_quietly(const struct cred *cred,
			      struct user_namespace *ns, int cap);
bool checmate_init_admin(void);
u32 checmate_task_relations(struct task_struct *subject,
			    struct task_struct *target, int cap);
__init void checmate_add_task_hooks(void);
__init void checmate_add_kernel_hooks(void);

#endif /* _SECURITY_CHECMATE_TASK_H */
