/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Checmate LSM - Audit records of denials
 */

#ifndef _SECURITY_CHECMATE_AUDIT_H
#define _SECURITY_CHECMATE_AUDIT_H

#include <linux/types.h>

struct cgroup;
struct checmate_strs;

#ifdef CONFIG_AUDIT

void checmate_audit_deny(u32 hook, int err, u32 prog_id,
			 struct cgroup *cgrp, const void *ctx,
			 const struct checmate_strs *strs, bool no_task);

#else /* CONFIG_AUDIT */

static inline void checmate_audit_deny(u32 hook, int err, u32 prog_id,
				       struct cgroup *cgrp, const void *ctx,
				       const struct checmate_strs *strs,
				       bool no_task)
{
}

#endif /* CONFIG_AUDIT */

#endif /* _SECURITY_CHECMATE_AUDIT_H */
