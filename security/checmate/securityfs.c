// SPDX-License-Identifier: GPL-2.0-only
/*
 * Checmate LSM - securityfs interface
 *
 * /sys/kernel/security/checmate/ holds read-only files:
 *
 * - abi_version: CHECMATE_ABI_VERSION, in decimal.
 * - hooks: one line per hook, in &enum checmate_hook order: its name and
 *   the size of its context struct, separated by a space.
 * - counters: a header line, then one line per hook: its name and the
 *   number of decisions since boot that allowed, denied and rewrote.
 */

#include <linux/err.h>
#include <linux/fs.h>
#include <linux/init.h>
#include <linux/security.h>
#include <linux/seq_file.h>

#include "bpf.h"
#include "common.h"
#include "hook.h"
#include "limits.h"
#include "setup.h"

static int abi_version_show(struct seq_file *m, void *v)
{
	seq_printf(m, "%d\n", CHECMATE_ABI_VERSION);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(abi_version);

static int hooks_show(struct seq_file *m, void *v)
{
	u32 hook;

	for (hook = CHECMATE_HOOK_FIRST; hook <= CHECMATE_HOOK_LAST; hook++)
		seq_printf(m, "%s %u\n", checmate_hook_name(hook),
			   checmate_ctx_size(hook));
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(hooks);

static int counters_show(struct seq_file *m, void *v)
{
	u32 hook;

	seq_puts(m, "hook allow deny rewrite\n");
	for (hook = CHECMATE_HOOK_FIRST; hook <= CHECMATE_HOOK_LAST; hook++)
		seq_printf(m, "%s %llu %llu %llu\n", checmate_hook_name(hook),
			   checmate_stat_sum(hook, CHECMATE_STAT_ALLOW),
			   checmate_stat_sum(hook, CHECMATE_STAT_DENY),
			   checmate_stat_sum(hook, CHECMATE_STAT_REWRITE));
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(counters);

static int __init checmate_securityfs_init(void)
{
	struct dentry *dir, *file;

	if (!checmate_initialized)
		return 0;

	dir = securityfs_create_dir(CHECMATE_NAME, NULL);
	if (IS_ERR(dir))
		return PTR_ERR(dir);

	file = securityfs_create_file("abi_version", 0444, dir, NULL,
				      &abi_version_fops);
	if (IS_ERR(file))
		goto err;
	file = securityfs_create_file("hooks", 0444, dir, NULL, &hooks_fops);
	if (IS_ERR(file))
		goto err;
	file = securityfs_create_file("counters", 0444, dir, NULL,
				      &counters_fops);
	if (IS_ERR(file))
		goto err;
	return 0;

err:
	securityfs_remove(dir);
	pr_err("securityfs setup failed: %ld\n", PTR_ERR(file));
	return PTR_ERR(file);
}
fs_initcall(checmate_securityfs_init);
