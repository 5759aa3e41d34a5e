// SPDX-License-Identifier: GPL-2.0-only
/*
 * Checmate LSM - Security framework setup
 */

#include <linux/init.h>
#include <linux/lsm_hooks.h>
#include <uapi/linux/checmate.h>
#include <uapi/linux/lsm.h>

#include "common.h"
#include "delegate.h"
#include "net.h"
#include "setup.h"

bool checmate_initialized __ro_after_init;

const struct lsm_id checmate_lsmid = {
	.name = CHECMATE_NAME,
	.id = LSM_ID_CHECMATE,
};

static int __init checmate_init(void)
{
	checmate_add_net_hooks();
	checmate_add_exec_hooks();
	checmate_initialized = true;
	pr_info("Up and running, ABI version %d.\n", CHECMATE_ABI_VERSION);
	return 0;
}

DEFINE_LSM(CHECMATE_NAME) = {
	.name = CHECMATE_NAME,
	.init = checmate_init,
};
