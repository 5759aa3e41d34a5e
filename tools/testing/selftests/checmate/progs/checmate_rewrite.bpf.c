// SPDX-License-Identifier: GPL-2.0
/* Checmate LSM - a bind rewrite for the checmate-ctl test command */

#include <linux/bpf.h>
#include <linux/checmate.h>
#include <bpf/bpf_helpers.h>

#define AF_INET 2

SEC("checmate/socket_bind")
int port_80_to_8080(struct checmate_socket_bind_ctx *ctx)
{
	if (ctx->family == AF_INET && ctx->port == 80)
		ctx->port = 8080;
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
