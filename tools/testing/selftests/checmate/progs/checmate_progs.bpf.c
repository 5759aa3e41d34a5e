// SPDX-License-Identifier: GPL-2.0
/*
 * Checmate LSM - programs for the libbpf and bpftool tests
 */

#include <linux/bpf.h>
#include <linux/checmate.h>
#include <bpf/bpf_helpers.h>

#define ENOTUNIQ 76

/* The port connect() is denied to, set by the test. */
__u32 denied_port;
/* bind() to from_port ends up on to_port. */
__u32 from_port;
__u32 to_port;

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} denials SEC(".maps");

SEC("checmate/socket_connect")
int deny_connect(struct checmate_socket_connect_ctx *ctx)
{
	__u32 key = 0;
	__u64 *n;

	if (!denied_port || ctx->port != denied_port)
		return 0;
	n = bpf_map_lookup_elem(&denials, &key);
	if (n)
		__sync_fetch_and_add(n, 1);
	return -ENOTUNIQ;
}

SEC("checmate/socket_bind")
int rewrite_bind(struct checmate_socket_bind_ctx *ctx)
{
	if (from_port && ctx->port == from_port)
		ctx->port = to_port;
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
