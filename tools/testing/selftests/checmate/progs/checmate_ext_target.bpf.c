// SPDX-License-Identifier: GPL-2.0
/* Checmate LSM - programs with a global function an extension could target */

#include <linux/bpf.h>
#include <linux/checmate.h>
#include <bpf/bpf_helpers.h>

__noinline int decide(int port)
{
	return port * 3;
}

SEC("checmate/socket_connect")
int ext_target(struct checmate_socket_connect_ctx *ctx)
{
	return decide(ctx->port) == 75 ? -1 : 0;
}

/* Not a Checmate program: extensions may target it. */
SEC("socket")
int sock_target(void *skb)
{
	return decide(25);
}

char LICENSE[] SEC("license") = "GPL";
