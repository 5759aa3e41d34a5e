// SPDX-License-Identifier: GPL-2.0
/*
 * Checmate sample: ingress allowlist of peers for a cgroup's receivers
 *
 * A UDP service answers whoever sends it a datagram: a DNS or NTP server,
 * a syslog or metrics collector, a game server. Where only known peers
 * should reach it, this policy drops every UDP datagram whose source
 * address is not in the allowlist (IPv4 and IPv6 prefixes, in LPM tries
 * as in checmate_egress) before it is queued on a socket of the cgroup,
 * and every TCP connection request (SYN) from such a peer to a listening
 * socket of the cgroup. A dropped datagram never reaches recvmsg(2); a
 * dropped request leaves the client retrying as if the packet were lost.
 * Every other packet passes: TCP segments of established connections
 * (a connection the cgroup opened to any peer works), and other
 * protocols than UDP and TCP (UDP-Lite, SCTP, ICMP, raw sockets). Each
 * denial is counted per peer.
 *
 * These hooks run in softirq context as packets arrive: the cgroup of the
 * socket decides (the cgroup of the task that created it), not the
 * receiving task's. An IPv4 datagram to a dual-stack IPv6 socket is
 * matched as IPv4 (the kernel shows its family as AF_INET), so are IPv4
 * connection requests to an IPv6 listener. Note that a UDP client's
 * replies are datagrams too: a socket of the cgroup only hears from
 * allowed peers, whoever it talks to.
 *
 * With nothing set (checmate-ctl attach), the lists are empty: no UDP
 * datagram and no TCP connection request from any IP peer, loopback
 * included, reaches the cgroup.
 */

#include <linux/bpf.h>
#include <linux/checmate.h>
#include <bpf/bpf_helpers.h>

#include "checmate_udp_ingress.h"

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, INGRESS_MAX_RULES);
	__uint(map_flags, BPF_F_NO_PREALLOC | BPF_F_RDONLY_PROG);
	__type(key, struct ingress_key4);
	__type(value, __u8);
} allow4 SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, INGRESS_MAX_RULES);
	__uint(map_flags, BPF_F_NO_PREALLOC | BPF_F_RDONLY_PROG);
	__type(key, struct ingress_key6);
	__type(value, __u8);
} allow6 SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, INGRESS_MAX_DENIALS);
	__type(key, struct ingress_peer);
	__type(value, __u64);
} denials SEC(".maps");

static __always_inline int check(__u32 family, __u32 protocol,
				 const __u32 addr[4])
{
	struct ingress_peer peer = { .family = family, .protocol = protocol };
	__u64 one = 1, *n;

	if (family == INGRESS_AF_INET) {
		struct ingress_key4 k = { .prefixlen = 32, .addr = addr[0] };

		if (bpf_map_lookup_elem(&allow4, &k))
			return 0;
		peer.addr[0] = addr[0];
	} else if (family == INGRESS_AF_INET6) {
		struct ingress_key6 k = { .prefixlen = 128 };

		__builtin_memcpy(k.addr, addr, 16);
		if (bpf_map_lookup_elem(&allow6, &k))
			return 0;
		__builtin_memcpy(peer.addr, addr, 16);
	} else {
		/* No IP header seen: not a packet this policy is about. */
		return 0;
	}
	n = bpf_map_lookup_elem(&denials, &peer);
	if (n) {
		__sync_fetch_and_add(n, 1);
	} else if (bpf_map_update_elem(&denials, &peer, &one, BPF_NOEXIST)) {
		/* Another CPU recorded it first. */
		n = bpf_map_lookup_elem(&denials, &peer);
		if (n)
			__sync_fetch_and_add(n, 1);
	}
	return -INGRESS_EPERM;
}

/*
 * Context fields are read straight from the context: the verifier does not
 * let a program dereference a context pointer it moved.
 */
SEC("checmate/socket_sock_rcv_skb")
int udp_ingress_rcv(struct checmate_socket_sock_rcv_skb_ctx *ctx)
{
	__u32 addr[4] = { ctx->remote_addr[0], ctx->remote_addr[1],
			  ctx->remote_addr[2], ctx->remote_addr[3] };

	if (ctx->protocol != INGRESS_IPPROTO_UDP)
		return 0;
	return check(ctx->family, INGRESS_IPPROTO_UDP, addr);
}

SEC("checmate/inet_conn_request")
int udp_ingress_conn(struct checmate_inet_conn_request_ctx *ctx)
{
	__u32 addr[4] = { ctx->remote_addr[0], ctx->remote_addr[1],
			  ctx->remote_addr[2], ctx->remote_addr[3] };

	return check(ctx->family, INGRESS_IPPROTO_TCP, addr);
}

char LICENSE[] SEC("license") = "GPL";
