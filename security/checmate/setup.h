/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Checmate LSM - Security framework setup
 */

#ifndef _SECURITY_CHECMATE_SETUP_H
#define _SECURITY_CHECMATE_SETUP_H

#include <linux/cache.h>
#include <linux/lsm_hooks.h>

extern bool checmate_initialized;

extern const struct lsm_id checmate_lsmid;

#endif /* _SECURITY_CHECMATE_SETUP_H */
