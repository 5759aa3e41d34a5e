// SPDX-License-Identifier: GPL-2.0
/*
 * Checmate LSM - prints its effective uid; installed set-user-ID root by
 * delegation_test to see whether execve granted the privilege.
 */

#include <stdio.h>
#include <unistd.h>

int main(void)
{
	printf("%u\n", geteuid());
	return 0;
}
