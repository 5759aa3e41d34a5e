/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Checmate sample: bind port rewrite, shared by program and loader
 */

#ifndef _CHECMATE_BIND_REWRITE_H
#define _CHECMATE_BIND_REWRITE_H

#include <linux/types.h>

#define REWRITE_MAX_PORTS	1024
#define REWRITE_AF_INET		2
#define REWRITE_AF_INET6	10

struct rewrite_key {
	__u64 cgroup_id;	/* the container's cgroup (v2 inode number) */
	__u32 port;		/* the port it binds */
	__u32 pad;		/* zero */
};

#endif /* _CHECMATE_BIND_REWRITE_H */
