/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Checmate LSM - Common definitions
 */

#ifndef _SECURITY_CHECMATE_COMMON_H
#define _SECURITY_CHECMATE_COMMON_H

#define CHECMATE_NAME "checmate"

#ifdef pr_fmt
#undef pr_fmt
#endif

#define pr_fmt(fmt) CHECMATE_NAME ": " fmt

#endif /* _SECURITY_CHECMATE_COMMON_H */
