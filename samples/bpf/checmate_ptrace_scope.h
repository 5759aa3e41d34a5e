/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Checmate sample: Yama's ptrace_scope per cgroup, shared by program and
 * loader
 */

#ifndef _CHECMATE_PTRACE_SCOPE_H
#define _CHECMATE_PTRACE_SCOPE_H

#include <linux/types.h>

#define PTRACE_SCOPE_EPERM		1

/* Yama's levels (0, classic ptrace permissions, is no policy at all). */
#define PTRACE_SCOPE_RELATIONAL		1
#define PTRACE_SCOPE_CAPABILITY		2
#define PTRACE_SCOPE_NO_ATTACH		3

/* Set by the loader, read by the program. */
struct ptrace_scope_config {
	__u32 level;		/* 1 to 3; 0 (nothing set) acts as 1 */
};

/* Indexes of the counters map: denials per hook. */
enum ptrace_scope_counter {
	PTRACE_SCOPE_ATTACH_DENIED,	/* ptrace_access_check */
	PTRACE_SCOPE_TRACEME_DENIED,	/* ptrace_traceme */
	PTRACE_SCOPE_MAX,
};

#endif /* _CHECMATE_PTRACE_SCOPE_H */
