/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Checmate sample: exec allowlist, shared by program and loader
 */

#ifndef _CHECMATE_EXEC_ALLOW_H
#define _CHECMATE_EXEC_ALLOW_H

#include <linux/types.h>

#define EXEC_MAX_FILES		16384
#define EXEC_MAX_DENIALS	1024
#define EXEC_PATH_MAX		256
#define EXEC_COMM_LEN		16
#define EXEC_EACCES		13
#define EXEC_PROT_EXEC		4

/* Set by the loader, read by the program. */
struct exec_config {
	__u32 learn;		/* 1: allow and record every file executed */
};

/* A file, as stat(2) shows it: (__u32)st_dev, and st_ino in two halves. */
struct exec_id {
	__u32 dev;
	__u32 ino;
	__u32 ino_hi;
};

/* A file denied, with what its first denial saw. */
struct exec_denial {
	__u64 count;
	__u32 interp;		/* 1: denied as a script's interpreter */
	__u32 uid;		/* real uid of the task */
	char comm[EXEC_COMM_LEN];	/* the task's name */
	char path[EXEC_PATH_MAX];	/* as the task names it; may be "" */
};

/* Indexes of the counters map. */
enum exec_counter {
	EXEC_CNT_ALLOWED,	/* in the allowlist */
	EXEC_CNT_LEARNED,	/* learn mode: added to it */
	EXEC_CNT_DENIED,	/* enforce mode: not in it */
	EXEC_CNT_FULL,		/* learn mode: allowed, the list was full */
	EXEC_CNT_MAX,
};

#endif /* _CHECMATE_EXEC_ALLOW_H */
