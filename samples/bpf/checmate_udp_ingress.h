/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Checmate sample: ingress allowlist of peers, shared by program and
 * loader
 */

#ifndef _CHECMATE_UDP_INGRESS_H
#define _CHECMATE_UDP_INGRESS_H

#include <linux/types.h>

#define INGRESS_MAX_RULES	1024
#define INGRESS_MAX_DENIALS	4096
#define INGRESS_EPERM		1
#define INGRESS_AF_INET		2
#define INGRESS_AF_INET6	10
#define INGRESS_IPPROTO_TCP	6
#define INGRESS_IPPROTO_UDP	17

/* LPM trie keys: prefix length, then the address in network order. */
struct ingress_key4 {
	__u32 prefixlen;
	__u32 addr;
};

struct ingress_key6 {
	__u32 prefixlen;
	__u32 addr[4];
};

/* A denied peer: a UDP sender, or a TCP client (protocol). */
struct ingress_peer {
	__u32 family;
	__u32 protocol;
	__u32 addr[4];
};

#endif /* _CHECMATE_UDP_INGRESS_H */
