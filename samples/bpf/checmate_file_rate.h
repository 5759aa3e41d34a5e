/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Checmate sample: file creation rate limit, shared by program and loader
 */

#ifndef _CHECMATE_FILE_RATE_H
#define _CHECMATE_FILE_RATE_H

#include <linux/bpf.h>
#include <linux/types.h>

#define FILE_RATE_MAX_CGROUPS	4096
#define FILE_RATE_MAX		1000000	/* highest rate and burst */
#define FILE_RATE_DEFAULT	100	/* per second, when nothing is set */
#define FILE_RATE_EDQUOT	122
#define FILE_RATE_NSEC		1000000000ULL

/* The limit: rate creations per second, up to burst at once. */
struct file_rate_config {
	__u32 rate;		/* 0: FILE_RATE_DEFAULT */
	__u32 burst;		/* 0: as many as rate */
};

/*
 * A cgroup's token bucket, keyed by cgroup id. One creation costs one
 * token, FILE_RATE_NSEC units of credit; every nanosecond adds rate units,
 * up to burst tokens.
 */
struct file_rate_bucket {
	struct bpf_spin_lock lock;
	__u32 pad;
	__u64 credit;		/* tokens, in billionths */
	__u64 last_ns;		/* when credit was last topped up */
	__u64 allowed;
	__u64 denied;
};

#endif /* _CHECMATE_FILE_RATE_H */
