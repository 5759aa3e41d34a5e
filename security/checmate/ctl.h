/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Checmate LSM - the BPF_CHECMATE_CTL command
 */

#ifndef _SECURITY_CHECMATE_CTL_H
#define _SECURITY_CHECMATE_CTL_H

#include <uapi/linux/checmate.h>

int checmate_ctl_check(const struct checmate_ctl *ctl);

#endif /* _SECURITY_CHECMATE_CTL_H */
