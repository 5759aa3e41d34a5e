/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Checmate sample: egress allowlist, shared by program and loader
 */

#ifndef _CHECMATE_EGRESS_H
#define _CHECMATE_EGRESS_H

#include <linux/types.h>

/* per family; the tries allocate per rule, so a large limit costs nothing */
#define EGRESS_MAX_RULES	16384
#define EGRESS_MAX_DENIALS	4096
#define EGRESS_AF_INET		2
#define EGRESS_AF_INET6		10
#define EGRESS_IPPROTO_UDP	17
#define EGRESS_IPPROTO_TCP	6
#define EGRESS_IPPROTO_MPTCP	262
#define EGRESS_SOCK_STREAM	1
#define EGRESS_SOCK_RAW		3
#define EGRESS_AF_PACKET	17

/* LPM trie keys: prefix length, then the address in network order. */
struct egress_key4 {
	__u32 prefixlen;
	__u32 addr;
};

struct egress_key6 {
	__u32 prefixlen;
	__u32 addr[4];
};

/* Allowed ports: first..last, or any port if last is 0. */
struct egress_ports {
	__u16 first;
	__u16 last;
};

/* A denied destination. */
struct egress_dest {
	__u32 family;
	__u32 addr[4];
	__u32 port;
};

#endif /* _CHECMATE_EGRESS_H */
