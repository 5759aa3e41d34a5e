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
#include "fs.h"
#include "net.h"
#include "setup.h"
#include "task.h"

bool checmate_initialized __ro_after_init;

const struct lsm_id checmate_lsmid = {
	.name = CHECMATE_NAME,
	.id = LSM_ID_CHECMATE,
};

/**
 * checmate_lsm_before - The LSM that decides a hook before Checmate
 * @calls: The hook's static call slots (static_calls_table.<hook>), in
 *	the order LSMs registered.
 * @count: Number of slots.
 *
 * Return: The name of the LSM in the first slot in use if it is not
 * Checmate, or NULL if Checmate comes first or nobody implements the hook.
 */
const char *checmate_lsm_before(const struct lsm_static_call *calls,
				size_t count)
{
	size_t i;

	for (i = 0; i < count; i++) {
		const struct security_hook_list *hl = calls[i].hl;

		if (!hl)
			continue;
		if (hl->lsmid == &checmate_lsmid)
			return NULL;
		return hl->lsmid->name;
	}
	return NULL;
}

/*
 * Checmate's bind rewrite must come before other LSMs check the address,
 * and its no_new_privs exec rule before they compute their transitions:
 * say so once if lsm= placed an LSM that implements either hook first.
 */
static void __init report_order(void)
{
	const char *name;

	name = checmate_lsm_before(static_calls_table.socket_bind,
				   MAX_LSM_COUNT);
	if (name)
		pr_warn("%s checks socket_bind before Checmate rewrites the address: put checmate first in lsm=\n",
			name);
	name = checmate_lsm_before(static_calls_table.bprm_creds_for_exec,
				   MAX_LSM_COUNT);
	if (name)
		pr_warn("%s decides bprm_creds_for_exec before Checmate sets no_new_privs: put checmate first in lsm=\n",
			name);
}

static int __init checmate_init(void)
{
	/* before our own hooks take their slots */
	report_order();
	checmate_add_net_hooks();
	checmate_add_fs_hooks();
	checmate_add_exec_hooks();
	checmate_add_task_hooks();
	checmate_add_kernel_hooks();
	checmate_initialized = true;
	pr_info("Up and running, ABI version %d.\n", CHECMATE_ABI_VERSION);
	return 0;
}

DEFINE_LSM(CHECMATE_NAME) = {
	.name = CHECMATE_NAME,
	.init = checmate_init,
};
