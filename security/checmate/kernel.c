// SPDX-License-Identifier: GPL-2.0-only
/*
 * Checmate LSM - BPF and kernel-loading hooks
 *
 * What a task asks the kernel to run or load on its behalf: bpf(2)
 * commands, maps, programs and tokens; modules, kexec images, firmware and
 * policies. Programs of the current task's cgroup run; kernel threads are
 * not governed. The init admin's Checmate commands are never shown to the
 * bpf hooks' programs, so that no policy can keep the init admin from
 * managing Checmate (seals still bind it).
 */

#include <linux/bpf.h>
#include <linux/checmate.h>
#include <linux/fs.h>
#include <linux/kernel_read_file.h>
#include <linux/lsm_hooks.h>
#include <linux/string.h>
#include <linux/user_namespace.h>

#include "bpf.h"
#include "common.h"
#include "fs.h"
#include "setup.h"
#include "task.h"

static_assert(CHECMATE_KERNEL_READ_UNKNOWN == READING_UNKNOWN);
static_assert(CHECMATE_KERNEL_READ_FIRMWARE == READING_FIRMWARE);
static_assert(CHECMATE_KERNEL_READ_MODULE == READING_MODULE);
static_assert(CHECMATE_KERNEL_READ_KEXEC_IMAGE == READING_KEXEC_IMAGE);
static_assert(CHECMATE_KERNEL_READ_KEXEC_INITRAMFS == READING_KEXEC_INITRAMFS);
static_assert(CHECMATE_KERNEL_READ_POLICY == READING_POLICY);
static_assert(CHECMATE_KERNEL_READ_X509_CERTIFICATE ==
	      READING_X509_CERTIFICATE);
static_assert((int)READING_MODULE == (int)LOADING_MODULE);
static_assert((int)READING_KEXEC_IMAGE == (int)LOADING_KEXEC_IMAGE);
static_assert((int)READING_X509_CERTIFICATE ==
	      (int)LOADING_X509_CERTIFICATE);

/* Whether bpf(2)'s @cmd with @attr manages Checmate. */
static bool checmate_cmd(int cmd, const union bpf_attr *attr)
{
	switch (cmd) {
	case BPF_CHECMATE_CTL:
		return true;
	case BPF_PROG_LOAD:
		return attr->prog_type == BPF_PROG_TYPE_CHECMATE;
	case BPF_PROG_ATTACH:
	case BPF_PROG_DETACH:
		return attr->attach_type == BPF_CHECMATE;
	case BPF_LINK_CREATE:
		return attr->link_create.attach_type == BPF_CHECMATE;
	case BPF_PROG_QUERY:
		return attr->query.attach_type == BPF_CHECMATE;
	default:
		return false;
	}
}

static int run_bpf(int cmd, union bpf_attr *attr)
{
	struct checmate_bpf_ctx ctx = {};

	ctx.cmd = cmd;
	switch (cmd) {
	case BPF_MAP_CREATE:
		ctx.map_type = attr->map_type;
		ctx.token = !!(attr->map_flags & BPF_F_TOKEN_FD);
		break;
	case BPF_PROG_LOAD:
		ctx.prog_type = attr->prog_type;
		ctx.attach_type = attr->expected_attach_type;
		ctx.token = !!(attr->prog_flags & BPF_F_TOKEN_FD);
		break;
	case BPF_BTF_LOAD:
		ctx.token = !!(attr->btf_flags & BPF_F_TOKEN_FD);
		break;
	case BPF_PROG_ATTACH:
	case BPF_PROG_DETACH:
		ctx.attach_type = attr->attach_type;
		break;
	case BPF_LINK_CREATE:
		ctx.attach_type = attr->link_create.attach_type;
		break;
	case BPF_PROG_QUERY:
		ctx.attach_type = attr->query.attach_type;
		break;
	case BPF_CHECMATE_CTL:
		ctx.token = !!(attr->checmate_ctl.flags & BPF_F_TOKEN_FD);
		break;
	}
	return checmate_run_task(CHECMATE_HOOK_BPF, &ctx, NULL);
}

static int hook_bpf(int cmd, union bpf_attr *attr, unsigned int size)
{
	if (!checmate_enabled(CHECMATE_HOOK_BPF) ||
	    !checmate_task_governed(CHECMATE_HOOK_BPF) ||
	    (checmate_cmd(cmd, attr) && checmate_init_admin()))
		return 0;
	return run_bpf(cmd, attr);
}

static int run_bpf_map_create(struct bpf_map *map, struct bpf_token *token)
{
	struct checmate_bpf_map_create_ctx ctx = {};

	ctx.map_type = map->map_type;
	ctx.map_flags = map->map_flags;
	ctx.key_size = map->key_size;
	ctx.value_size = map->value_size;
	ctx.max_entries = map->max_entries;
	ctx.token = !!token;
	return checmate_run_task(CHECMATE_HOOK_BPF_MAP_CREATE, &ctx, NULL);
}

static int hook_bpf_map_create(struct bpf_map *map, union bpf_attr *attr,
			       struct bpf_token *token)
{
	if (!checmate_enabled(CHECMATE_HOOK_BPF_MAP_CREATE) ||
	    !checmate_task_governed(CHECMATE_HOOK_BPF_MAP_CREATE))
		return 0;
	return run_bpf_map_create(map, token);
}

/*
 * A Checmate program's run time is bounded by its length: no may_goto
 * loop, which runs up to 8M times whatever the verifier saw. Checked here,
 * on the instructions as loaded, before the verifier.
 */
static int check_checmate_insns(const struct bpf_prog *prog)
{
	u32 i;

	for (i = 0; i < prog->len; i++)
		if (prog->insnsi[i].code == (BPF_JMP | BPF_JCOND))
			return -EINVAL;
	return 0;
}

static int run_bpf_prog_load(struct bpf_prog *prog)
{
	struct checmate_bpf_prog_load_ctx ctx = {};

	ctx.prog_type = prog->type;
	ctx.attach_type = prog->expected_attach_type;
	if (prog->type == BPF_PROG_TYPE_CHECMATE)
		ctx.checmate_hook = prog->aux->attach_btf_id;
	/* bpf_prog_load() has moved its token to the program: @token is NULL */
	ctx.token = !!prog->aux->token;
	return checmate_run_task(CHECMATE_HOOK_BPF_PROG_LOAD, &ctx, NULL);
}

static int hook_bpf_prog_load(struct bpf_prog *prog, union bpf_attr *attr,
			      struct bpf_token *token)
{
	const bool checmate = prog->type == BPF_PROG_TYPE_CHECMATE;

	if (checmate && check_checmate_insns(prog))
		return -EINVAL;
	if (!checmate_enabled(CHECMATE_HOOK_BPF_PROG_LOAD) ||
	    !checmate_task_governed(CHECMATE_HOOK_BPF_PROG_LOAD) ||
	    (checmate && checmate_init_admin()))
		return 0;
	return run_bpf_prog_load(prog);
}

static int run_bpf_token_create(struct bpf_token *token, union bpf_attr *attr,
				const struct path *path)
{
	struct checmate_bpf_token_create_ctx ctx = {};

	ctx.cmds[0] = lower_32_bits(token->allowed_cmds);
	ctx.cmds[1] = upper_32_bits(token->allowed_cmds);
	ctx.maps[0] = lower_32_bits(token->allowed_maps);
	ctx.maps[1] = upper_32_bits(token->allowed_maps);
	ctx.progs[0] = lower_32_bits(token->allowed_progs);
	ctx.progs[1] = upper_32_bits(token->allowed_progs);
	ctx.attachs[0] = lower_32_bits(token->allowed_attachs);
	ctx.attachs[1] = upper_32_bits(token->allowed_attachs);
	ctx.depth = token->userns->level;
	return checmate_run_task(CHECMATE_HOOK_BPF_TOKEN_CREATE, &ctx, NULL);
}

static int hook_bpf_token_create(struct bpf_token *token, union bpf_attr *attr,
				 const struct path *path)
{
	if (!checmate_enabled(CHECMATE_HOOK_BPF_TOKEN_CREATE) ||
	    !checmate_task_governed(CHECMATE_HOOK_BPF_TOKEN_CREATE))
		return 0;
	return run_bpf_token_create(token, attr, path);
}

static int run_kernel_module_request(char *kmod_name)
{
	struct checmate_strs strs = { .str[CHECMATE_STR_NAME] = kmod_name };
	struct checmate_kernel_module_request_ctx ctx = {};

	ctx.name_len = strlen(kmod_name);
	return checmate_run_task(CHECMATE_HOOK_KERNEL_MODULE_REQUEST, &ctx,
				 &strs);
}

static int hook_kernel_module_request(char *kmod_name)
{
	if (!checmate_enabled(CHECMATE_HOOK_KERNEL_MODULE_REQUEST) ||
	    !checmate_task_governed(CHECMATE_HOOK_KERNEL_MODULE_REQUEST))
		return 0;
	return run_kernel_module_request(kmod_name);
}

static int run_kernel_read_file(struct file *file,
				enum kernel_read_file_id id, bool contents)
{
	struct checmate_strs strs = {
		.path[CHECMATE_STR_PATH] = &file->f_path,
	};
	struct checmate_kernel_read_file_ctx ctx = {};

	checmate_fill_inode(&ctx.file, file_inode(file), file->f_path.mnt);
	ctx.id = id;
	ctx.contents = contents;
	return checmate_run_task(CHECMATE_HOOK_KERNEL_READ_FILE, &ctx, &strs);
}

static int hook_kernel_read_file(struct file *file,
				 enum kernel_read_file_id id, bool contents)
{
	if (!checmate_enabled(CHECMATE_HOOK_KERNEL_READ_FILE) ||
	    !checmate_task_governed(CHECMATE_HOOK_KERNEL_READ_FILE))
		return 0;
	return run_kernel_read_file(file, id, contents);
}

static int run_kernel_load_data(enum kernel_load_data_id id, bool contents)
{
	struct checmate_kernel_load_data_ctx ctx = {};

	ctx.id = id;
	ctx.contents = contents;
	return checmate_run_task(CHECMATE_HOOK_KERNEL_LOAD_DATA, &ctx, NULL);
}

static int hook_kernel_load_data(enum kernel_load_data_id id, bool contents)
{
	if (!checmate_enabled(CHECMATE_HOOK_KERNEL_LOAD_DATA) ||
	    !checmate_task_governed(CHECMATE_HOOK_KERNEL_LOAD_DATA))
		return 0;
	return run_kernel_load_data(id, contents);
}

static struct security_hook_list checmate_kernel_hooks[] __ro_after_init = {
	LSM_HOOK_INIT(bpf, hook_bpf),
	LSM_HOOK_INIT(bpf_map_create, hook_bpf_map_create),
	LSM_HOOK_INIT(bpf_prog_load, hook_bpf_prog_load),
	LSM_HOOK_INIT(bpf_token_create, hook_bpf_token_create),
	LSM_HOOK_INIT(kernel_module_request, hook_kernel_module_request),
	LSM_HOOK_INIT(kernel_read_file, hook_kernel_read_file),
	LSM_HOOK_INIT(kernel_load_data, hook_kernel_load_data),
};

/**
 * checmate_add_kernel_hooks - Register the BPF and kernel-loading hooks
 */
__init void checmate_add_kernel_hooks(void)
{
	security_add_hooks(checmate_kernel_hooks,
			   ARRAY_SIZE(checmate_kernel_hooks), &checmate_lsmid);
}
