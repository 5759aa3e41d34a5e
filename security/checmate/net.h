/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Checmate LSM - Network hooks
 */

#ifndef _SECURITY_CHECMATE_NET_H
#define _SECURITY_CHECMATE_NET_H

#include <linux/init.h>

__init void checmate_add_net_hooks(void);

#endif /* _SECURITY_CHECMATE_NET_H */
