// SPDX-License-Identifier: GPL-2.0
/* Checmate LSM - an extension that would replace a Checmate program's function */

#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("freplace/decide")
int new_decide(int port)
{
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
