/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Checmate sample: protect an agent from being stopped, shared by program
 * and loader
 */

#ifndef _CHECMATE_PROTECT_H
#define _CHECMATE_PROTECT_H

#include <linux/types.h>

#define PROTECT_EPERM		1
#define PROTECT_MAX_TGIDS	64
#define PROTECT_MAX_FILES	256

/* A cgroup file, as stat(2) shows it: (__u32)st_dev, st_ino in halves. */
struct protect_file {
	__u32 dev;
	__u32 ino;
	__u32 ino_hi;
};

/* Indexes of the counters map: denials per hook. */
enum protect_counter {
	PROTECT_TASK_KILL,
	PROTECT_PTRACE,
	PROTECT_FILE_OPEN,
	PROTECT_MAX,
};

#endif /* _CHECMATE_PROTECT_H */
