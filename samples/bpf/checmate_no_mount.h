/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Checmate sample: no mount operations, shared by program and loader
 */

#ifndef _CHECMATE_NO_MOUNT_H
#define _CHECMATE_NO_MOUNT_H

#include <linux/types.h>

#define NO_MOUNT_EPERM		1

/* Set by the loader, read by the program. */
struct no_mount_config {
	__u32 chroot;		/* 1: deny chroot(2) too */
};

/* Indexes of the counters map: denials per hook. */
enum no_mount_counter {
	NO_MOUNT_SB_MOUNT,
	NO_MOUNT_MOVE_MOUNT,
	NO_MOUNT_SB_UMOUNT,
	NO_MOUNT_SB_REMOUNT,
	NO_MOUNT_SB_PIVOTROOT,
	NO_MOUNT_PATH_CHROOT,
	NO_MOUNT_MAX,
};

#endif /* _CHECMATE_NO_MOUNT_H */
