/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Checmate LSM - the BPF_CHECMATE_CTL command
 */

#ifndef _SECURITY_CHECMATE_CTL_H
#define _SECURITY_CHECMATE_CTL_H

#include <linux/types.h>
#include <uapi/linux/checmate.h>

int checmate_ctl_check_size(u32 size);
int checmate_ctl_check(const struct checmate_ctl *ctl, u32 size);

#endif /* _SECURITY_CHECMATE_CTL_H */
