// SPDX-License-Identifier: GPL-2.0
/*
 * Checmate LSM - a program whose section names no hook
 */

#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("checmate/no_such_hook")
int bad_hook(void *ctx)
{
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
