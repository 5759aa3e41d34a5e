// SPDX-License-Identifier: GPL-2.0
/*
 * Checmate LSM - a fixed policy for the checmate-ctl tests
 */

#include <linux/bpf.h>
#include <linux/checmate.h>
#include <bpf/bpf_helpers.h>

#define ENOTUNIQ 76
#define DENIED_PORT 9999

SEC("checmate/socket_connect")
int deny_9999(struct checmate_socket_connect_ctx *ctx)
{
	return ctx->port == DENIED_PORT ? -ENOTUNIQ : 0;
}

char LICENSE[] SEC("license") = "GPL";
