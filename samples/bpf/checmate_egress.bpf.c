// SPDX-License-Identifier: GPL-2.0
/*
 * Checmate sample: egress allowlist for a cgroup
 *
 * connect(2) (and TCP Fast Open sends, which connect) and every send that
 * is not on a connected TCP or MPTCP stream (UDP, UDP-Lite, ping, SCTP)
 * from the cgroup may only reach the IPv4 and IPv6 prefixes in
 * allow4/allow6, each with an optional port range; anything else fails
 * with EACCES and is counted per destination in denials. Raw and packet
 * sockets, whose packets name their own destination, cannot be created.
 * Programs can only read the allowlists (BPF_F_RDONLY_PROG): only the
 * trusted loader, through bpf(2), changes them, live. The longest matching
 * prefix decides: a /32 rule hides the ports of a wider one.
 */

#include <linux/bpf.h>
#include <linux/checmate.h>
#include <bpf/bpf_helpers.h>

#include "checmate_egress.h"

#define EACCES 13

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, EGRESS_MAX_RULES);
	__uint(map_flags, BPF_F_NO_PREALLOC | BPF_F_RDONLY_PROG);
	__type(key, struct egress_key4);
	__type(value, struct egress_ports);
} allow4 SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, EGRESS_MAX_RULES);
	__uint(map_flags, BPF_F_NO_PREALLOC | BPF_F_RDONLY_PROG);
	__type(key, struct egress_key6);
	__type(value, struct egress_ports);
} allow6 SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, EGRESS_MAX_DENIALS);
	__type(key, struct egress_dest);
	__type(value, __u64);
} denials SEC(".maps");

static __always_inline int allowed(const struct egress_ports *p, __u32 port)
{
	return p && (!p->last || (port >= p->first && port <= p->last));
}

static __always_inline int check(__u32 family, const __u32 addr[4], __u32 port)
{
	struct egress_dest dest = { .family = family, .port = port };
	const struct egress_ports *p = 0;
	__u64 one = 1, *n;

	if (family == EGRESS_AF_INET) {
		struct egress_key4 k = { .prefixlen = 32, .addr = addr[0] };

		p = bpf_map_lookup_elem(&allow4, &k);
		dest.addr[0] = addr[0];
	} else if (family == EGRESS_AF_INET6) {
		struct egress_key6 k = { .prefixlen = 128 };

		__builtin_memcpy(k.addr, addr, 16);
		__builtin_memcpy(dest.addr, addr, 16);
		p = bpf_map_lookup_elem(&allow6, &k);
	} else {
		/* Not an IP destination (AF_UNIX, AF_UNSPEC to disconnect). */
		return 0;
	}
	if (allowed(p, port))
		return 0;
	n = bpf_map_lookup_elem(&denials, &dest);
	if (n)
		__sync_fetch_and_add(n, 1);
	else
		bpf_map_update_elem(&denials, &dest, &one, BPF_NOEXIST);
	return -EACCES;
}

/*
 * Context fields are read straight from the context: the verifier does not
 * let a program dereference a context pointer it moved.
 */
SEC("checmate/socket_connect")
int egress_connect(struct checmate_socket_connect_ctx *ctx)
{
	__u32 addr[4] = { ctx->addr[0], ctx->addr[1], ctx->addr[2],
			  ctx->addr[3] };

	return check(ctx->family, addr, ctx->port);
}

SEC("checmate/socket_sendmsg")
int egress_sendmsg(struct checmate_socket_sendmsg_ctx *ctx)
{
	__u32 addr[4] = { ctx->addr[0], ctx->addr[1], ctx->addr[2],
			  ctx->addr[3] };

	/*
	 * A TCP or MPTCP stream sends to its peer: connect(2), or a Fast
	 * Open send, already went through egress_connect, or the peer
	 * connected to us. Every other send (UDP, UDP-Lite, ping, raw
	 * sockets of any protocol, SCTP) is checked here.
	 */
	if (ctx->type == EGRESS_SOCK_STREAM &&
	    (ctx->protocol == EGRESS_IPPROTO_TCP ||
	     ctx->protocol == EGRESS_IPPROTO_MPTCP))
		return 0;
	return check(ctx->family, addr, ctx->port);
}

/*
 * Sockets whose destination no address shows: a raw socket may send
 * packets with its own IP header (IP_HDRINCL, IPPROTO_RAW), whose
 * destination need not be msg_name's, and a packet socket builds whole
 * frames. An egress allowlist cannot let those through.
 */
SEC("checmate/socket_create")
int egress_socket(struct checmate_socket_create_ctx *ctx)
{
	if (ctx->family == EGRESS_AF_PACKET || ctx->type == EGRESS_SOCK_RAW)
		return -EACCES;
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
