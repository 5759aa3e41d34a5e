/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Checmate LSM - Limits and masks
 */

#ifndef _SECURITY_CHECMATE_LIMITS_H
#define _SECURITY_CHECMATE_LIMITS_H

#include <linux/types.h>
#include <uapi/linux/checmate.h>

/* Hook ids: 1..CHECMATE_HOOK_LAST, zero is never a hook. */
#define CHECMATE_HOOK_FIRST	(CHECMATE_HOOK_UNSPEC + 1)
#define CHECMATE_HOOK_LAST	(__CHECMATE_HOOK_MAX - 1)
#define CHECMATE_HOOK_COUNT	(CHECMATE_HOOK_LAST - CHECMATE_HOOK_FIRST + 1)

/* The file-system hooks: their contexts start with a struct checmate_inode. */
#define CHECMATE_HOOK_FS_FIRST	CHECMATE_HOOK_FILE_OPEN
#define CHECMATE_HOOK_FS_LAST	CHECMATE_HOOK_MMAP_FILE

/* Whether a hook's context starts with a struct checmate_inode. */
static inline bool checmate_hook_has_inode(u32 hook)
{
	return (hook >= CHECMATE_HOOK_FS_FIRST &&
		hook <= CHECMATE_HOOK_FS_LAST) ||
	       hook == CHECMATE_HOOK_KERNEL_READ_FILE;
}

/* Every seal flag, derived from the last one. */
#define CHECMATE_SEAL_LAST	CHECMATE_SEAL_LOCKED
#define CHECMATE_SEAL_MASK	((CHECMATE_SEAL_LAST << 1) - 1)

/* Most runs of one BPF_PROG_TEST_RUN. */
#define CHECMATE_TEST_RUN_REPEAT_MAX	1000000

/* Longest hook name, without the terminating NUL. */
#define CHECMATE_HOOK_NAME_MAX	32

#endif /* _SECURITY_CHECMATE_LIMITS_H */
