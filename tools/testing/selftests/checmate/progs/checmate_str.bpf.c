// SPDX-License-Identifier: GPL-2.0
/*
 * Checmate LSM - programs that read the strings of a hook call
 *
 * Each program copies every string bpf_checmate_str() offers for its hook
 * call (and the identity of the object the call is about) into the one
 * element of the "out" map, tries the "which" and the small buffer the
 * test asks for in "cfg", and denies with -ENOTUNIQ when the call's
 * CHECMATE_STR_PATH equals cfg.deny_path. exec_mount_test.c reads the map.
 */

#include <linux/bpf.h>
#include <linux/checmate.h>
#include <bpf/bpf_helpers.h>

#define ENOTUNIQ	76
#define STR_MAX		256
#define CMP_MAX		128
#define SMALL		8

extern int bpf_checmate_str(__u32 which, char *buf, __u32 buf__sz) __ksym;

/* Set by the test; shared with exec_mount_test.c (struct str_cfg). */
struct cfg {
	__u32 armed;		/* record nothing until set */
	__u32 ino;		/* record only calls about this inode (0: any) */
	__u32 bad_which;	/* tried too, its result in out.bad_ret */
	__u32 small_which;	/* copied into out.small (SMALL bytes) */
	char deny_path[STR_MAX];	/* deny when PATH is this (if set) */
};

/* What the last recorded call saw (struct str_out in the test). */
struct out {
	__u32 calls;
	__s32 ret[__CHECMATE_STR_MAX];	/* per enum checmate_str */
	__s32 bad_ret;
	__s32 small_ret;
	__u32 ident[8];			/* struct checmate_inode */
	char small[SMALL];
	char str[__CHECMATE_STR_MAX][STR_MAX];	/* str[0]: bad_which's */
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct cfg);
} cfg SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct out);
} out SEC(".maps");

/*
 * Unrolled: constant offsets only. A loop would add a different known
 * index to the same pointer on each pass, which the verifier refuses to
 * programs without Spectre v1 bypass, i.e. to every Checmate program.
 */
static __always_inline int str_eq(const char *a, const char *b)
{
	int i;

#pragma clang loop unroll(full)
	for (i = 0; i < CMP_MAX; i++) {
		if (a[i] != b[i])
			return 0;
		if (!a[i])
			return 1;
	}
	return 0;
}

static __always_inline int record(const struct checmate_inode *obj)
{
	__u32 key = 0;
	struct cfg *c = bpf_map_lookup_elem(&cfg, &key);
	struct out *o = bpf_map_lookup_elem(&out, &key);

	if (!c || !o || !c->armed)
		return 0;
	if (c->ino && obj->ino != c->ino)
		return 0;
	__sync_fetch_and_add(&o->calls, 1);
	o->ident[0] = obj->ino;
	o->ident[1] = obj->ino_hi;
	o->ident[2] = obj->dev;
	o->ident[3] = obj->mode;
	o->ident[4] = obj->uid;
	o->ident[5] = obj->gid;
	o->ident[6] = obj->magic;
	o->ident[7] = obj->mnt_flags;
	o->ret[CHECMATE_STR_PATH] =
		bpf_checmate_str(CHECMATE_STR_PATH,
				 o->str[CHECMATE_STR_PATH], STR_MAX);
	o->ret[CHECMATE_STR_TARGET] =
		bpf_checmate_str(CHECMATE_STR_TARGET,
				 o->str[CHECMATE_STR_TARGET], STR_MAX);
	o->ret[CHECMATE_STR_SOURCE] =
		bpf_checmate_str(CHECMATE_STR_SOURCE,
				 o->str[CHECMATE_STR_SOURCE], STR_MAX);
	o->ret[CHECMATE_STR_FSTYPE] =
		bpf_checmate_str(CHECMATE_STR_FSTYPE,
				 o->str[CHECMATE_STR_FSTYPE], STR_MAX);
	o->ret[CHECMATE_STR_NAME] =
		bpf_checmate_str(CHECMATE_STR_NAME,
				 o->str[CHECMATE_STR_NAME], STR_MAX);
	o->bad_ret = bpf_checmate_str(c->bad_which, o->str[0], STR_MAX);
	o->small_ret = bpf_checmate_str(c->small_which, o->small, SMALL);
	if (c->deny_path[0] && o->ret[CHECMATE_STR_PATH] > 0 &&
	    str_eq(o->str[CHECMATE_STR_PATH], c->deny_path))
		return -ENOTUNIQ;
	return 0;
}

SEC("checmate/file_open")
int str_file_open(struct checmate_file_open_ctx *ctx)
{
	return record(&ctx->file);
}

SEC("checmate/path_rename")
int str_path_rename(struct checmate_path_rename_ctx *ctx)
{
	return record(&ctx->object);
}

SEC("checmate/path_symlink")
int str_path_symlink(struct checmate_path_symlink_ctx *ctx)
{
	return record(&ctx->dir);
}

SEC("checmate/bprm_check_security")
int str_bprm(struct checmate_bprm_check_security_ctx *ctx)
{
	return record(&ctx->file);
}

SEC("checmate/sb_mount")
int str_sb_mount(struct checmate_sb_mount_ctx *ctx)
{
	return record(&ctx->target);
}

SEC("checmate/move_mount")
int str_move_mount(struct checmate_move_mount_ctx *ctx)
{
	return record(&ctx->to);
}

SEC("checmate/sb_remount")
int str_sb_remount(struct checmate_sb_remount_ctx *ctx)
{
	return record(&ctx->root);
}

SEC("checmate/sb_pivotroot")
int str_sb_pivotroot(struct checmate_sb_pivotroot_ctx *ctx)
{
	return record(&ctx->new_root);
}

char LICENSE[] SEC("license") = "GPL";
