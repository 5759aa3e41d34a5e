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

const char *checmate_lsm_before(const struct lsm_static_call *calls,
				size_t count);

#endif /* _SECURITY_CHECMATE_SETUP_H */
