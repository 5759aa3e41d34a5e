/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Checmate LSM - Hook registry
 */

#ifndef _SECURITY_CHECMATE_HOOK_H
#define _SECURITY_CHECMATE_HOOK_H

#include <linux/types.h>

const char *checmate_hook_name(u32 hook);
int checmate_hook_from_name(const char *name, size_t len);

#endif /* _SECURITY_CHECMATE_HOOK_H */
