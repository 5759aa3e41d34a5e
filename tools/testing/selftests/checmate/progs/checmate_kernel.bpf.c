// SPDX-License-Identifier: GPL-2.0
/*
 * Checmate LSM - programs that read the strings of the kernel-loading hooks
 *
 * Each program counts its calls and copies what bpf_checmate_str() gives
 * for its hook call into its element of the "out" map: the module name of
 * kernel_module_request, the path of the file kernel_read_file reads, and
 * the absence of any string for kernel_load_data. Each denies with
 * -ENOTUNIQ when its bit is set in cfg.deny. kernel_test.c reads the map
 * (struct kout there).
 */

#include <linux/bpf.h>
#include <linux/checmate.h>
#include <bpf/bpf_helpers.h>

#define ENOTUNIQ	76
#define NAME_LEN	64
#define PATH_LEN	256

/* Elements of "out", and bits of cfg.deny. */
#define OUT_MODULE_REQUEST	0
#define OUT_READ_FILE		1
#define OUT_LOAD_DATA		2

extern int bpf_checmate_str(__u32 which, char *buf, __u32 buf__sz) __ksym;

/* Set by the test (struct kcfg in kernel_test.c). */
struct kcfg {
	__u32 deny;		/* 1 << OUT_*: that program denies */
};

/* What the last call of one program saw (struct kout in the test). */
struct kout {
	__u32 calls;
	__u32 ctx[10];		/* the first words of the context */
	__s32 name_ret;		/* bpf_checmate_str(CHECMATE_STR_NAME) */
	__s32 path_ret;		/* bpf_checmate_str(CHECMATE_STR_PATH) */
	__s32 target_ret;	/* bpf_checmate_str(CHECMATE_STR_TARGET) */
	char name[NAME_LEN];
	char path[PATH_LEN];
	char target[NAME_LEN];
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct kcfg);
} cfg SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 3);
	__type(key, __u32);
	__type(value, struct kout);
} out SEC(".maps");

static __always_inline struct kout *strings(__u32 which)
{
	struct kout *o = bpf_map_lookup_elem(&out, &which);

	if (!o)
		return 0;
	__sync_fetch_and_add(&o->calls, 1);
	o->name_ret = bpf_checmate_str(CHECMATE_STR_NAME, o->name, NAME_LEN);
	o->path_ret = bpf_checmate_str(CHECMATE_STR_PATH, o->path, PATH_LEN);
	o->target_ret = bpf_checmate_str(CHECMATE_STR_TARGET, o->target,
					 NAME_LEN);
	return o;
}

static __always_inline int verdict(__u32 which)
{
	__u32 key = 0;
	struct kcfg *c = bpf_map_lookup_elem(&cfg, &key);

	if (c && (c->deny & (1U << which)))
		return -ENOTUNIQ;
	return 0;
}

SEC("checmate/kernel_module_request")
int kernel_module_request(struct checmate_kernel_module_request_ctx *ctx)
{
	struct kout *o = strings(OUT_MODULE_REQUEST);

	if (o)
		o->ctx[0] = ctx->name_len;
	return verdict(OUT_MODULE_REQUEST);
}

SEC("checmate/kernel_read_file")
int kernel_read_file(struct checmate_kernel_read_file_ctx *ctx)
{
	struct kout *o = strings(OUT_READ_FILE);

	if (o) {
		o->ctx[0] = ctx->file.ino;
		o->ctx[1] = ctx->file.ino_hi;
		o->ctx[2] = ctx->file.dev;
		o->ctx[3] = ctx->file.mode;
		o->ctx[4] = ctx->file.uid;
		o->ctx[5] = ctx->file.gid;
		o->ctx[6] = ctx->file.magic;
		o->ctx[7] = ctx->file.mnt_flags;
		o->ctx[8] = ctx->id;
		o->ctx[9] = ctx->contents;
	}
	return verdict(OUT_READ_FILE);
}

SEC("checmate/kernel_load_data")
int kernel_load_data(struct checmate_kernel_load_data_ctx *ctx)
{
	struct kout *o = strings(OUT_LOAD_DATA);

	if (o) {
		o->ctx[0] = ctx->id;
		o->ctx[1] = ctx->contents;
	}
	return verdict(OUT_LOAD_DATA);
}

char LICENSE[] SEC("license") = "GPL";
