// SPDX-License-Identifier: GPL-2.0
/*
 * Checmate sample: bind(2) port rewrite, instead of DNAT port mapping
 *
 * An application in a container cgroup that binds port P actually binds
 * the host port the loader mapped (cgroup id, P) to: clients connect to
 * the host port directly, with no NAT in the way. The map is read-only for
 * the program; the loader fills it.
 */

#include <linux/bpf.h>
#include <linux/checmate.h>
#include <bpf/bpf_helpers.h>

#include "checmate_bind_rewrite.h"

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, REWRITE_MAX_PORTS);
	__uint(map_flags, BPF_F_RDONLY_PROG);
	__type(key, struct rewrite_key);
	__type(value, __u32);
} ports SEC(".maps");

SEC("checmate/socket_bind")
int bind_rewrite(struct checmate_socket_bind_ctx *ctx)
{
	struct rewrite_key key = {
		.cgroup_id = bpf_get_current_cgroup_id(),
		.port = ctx->port,
	};
	__u32 *host_port;

	if (ctx->family != REWRITE_AF_INET && ctx->family != REWRITE_AF_INET6)
		return 0;
	host_port = bpf_map_lookup_elem(&ports, &key);
	if (host_port)
		ctx->port = *host_port;
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
