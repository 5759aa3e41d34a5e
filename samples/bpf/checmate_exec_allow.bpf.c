// SPDX-License-Identifier: GPL-2.0
/*
 * Checmate sample: exec allowlist for a cgroup, by file identity
 *
 * Tasks of the cgroup may only execute files whose (device, inode) is in
 * the allowlist. The hook runs for every file execve(2) and execveat(2)
 * run: the file named, and then each interpreter the kernel runs for it
 * (a script's "#!" line, a binfmt_misc entry), so a script runs only if
 * both it and its interpreter are allowed. Anything else fails with
 * EACCES and is counted per file in denials, with the path (as the task
 * named it), the task's name and uid of its first denial.
 *
 * Learn mode: while config.learn is set, every file executed is added to
 * the allowlist and allowed. Run the workload in learn mode, switch it
 * off, and what the workload ran is what it may run.
 *
 * Keyed on identity, not names: a rename, a hard link, a bind mount, a
 * chroot or another mount namespace gives the same file other names and
 * changes nothing; a copy, a file replaced by a new one (a package
 * upgrade, install(1), a new file renamed over the old one) or a memfd is
 * a new inode and is denied until it is allowed. Writing to an allowed
 * file in place (cp(1) onto it, say) keeps its inode, and so its place in
 * the list: allow only files the governed tasks cannot write (root-owned,
 * or on a read-only mount). File systems
 * such as ext4 reuse the inode number of a deleted file: revoke a file
 * before deleting it. dev is what stat(2) reports, except on file systems
 * that report another device than their super block's (btrfs subvolumes,
 * overlayfs); learn mode records what the hook sees, so use it there.
 *
 * Code reaches memory without execve(2) too: the dynamic loader maps a
 * program run as "ld.so ./prog" itself, and any task may map a file with
 * PROT_EXEC. So the same list decides mmap_file with PROT_EXEC (and
 * mprotect(2) adding it): only listed files are mapped executable, which
 * makes dynamically linked programs need their loader and libraries in
 * the list too (learn mode records them, as the kernel and the loader map
 * them). Anonymous executable memory (JITs) is not a file and is allowed.
 * What this does not decide: an allowed interpreter runs any script given
 * as an argument ("sh script"), and a multi-call binary such as busybox
 * runs its applets without execve(2); allow interpreters only where that
 * is acceptable.
 *
 * With nothing set (checmate-ctl attach), the policy enforces an empty
 * list: no exec at all in the cgroup.
 */

#include <linux/bpf.h>
#include <linux/checmate.h>
#include <bpf/bpf_helpers.h>

#include "checmate_exec_allow.h"

extern int bpf_checmate_str(__u32 which, char *buf, __u32 buf__sz) __ksym;

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__uint(map_flags, BPF_F_RDONLY_PROG);
	__type(key, __u32);
	__type(value, struct exec_config);
} config SEC(".maps");

/* Learn mode writes it: not read-only for the program. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, EXEC_MAX_FILES);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct exec_id);
	__type(value, __u8);
} allowed SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, EXEC_MAX_DENIALS);
	__type(key, struct exec_id);
	__type(value, struct exec_denial);
} denials SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, EXEC_CNT_MAX);
	__type(key, __u32);
	__type(value, __u64);
} counters SEC(".maps");

static __always_inline void count(__u32 which)
{
	__u64 *n = bpf_map_lookup_elem(&counters, &which);

	if (n)
		__sync_fetch_and_add(n, 1);
}

static __always_inline void record_denial(const struct exec_id *id,
					  __u32 interp)
{
	struct exec_denial d = {}, *old;

	old = bpf_map_lookup_elem(&denials, id);
	if (old) {
		__sync_fetch_and_add(&old->count, 1);
		return;
	}
	d.count = 1;
	d.interp = interp;
	d.uid = (__u32)bpf_get_current_uid_gid();
	bpf_get_current_comm(d.comm, sizeof(d.comm));
	/* d is zeroed: on error (too long, say) the path stays "". */
	bpf_checmate_str(CHECMATE_STR_PATH, d.path, sizeof(d.path));
	if (bpf_map_update_elem(&denials, id, &d, BPF_NOEXIST)) {
		/* Another CPU recorded it first. */
		old = bpf_map_lookup_elem(&denials, id);
		if (old)
			__sync_fetch_and_add(&old->count, 1);
	}
}

/* Allowed if listed, or learned; otherwise counted, recorded and denied. */
static __always_inline int decide(const struct checmate_inode *file,
				  __u32 interp)
{
	struct exec_id id = {};
	const struct exec_config *cfg;
	__u32 zero = 0;
	__u8 one = 1;

	id.dev = file->dev;
	id.ino = file->ino;
	id.ino_hi = file->ino_hi;
	if (bpf_map_lookup_elem(&allowed, &id)) {
		count(EXEC_CNT_ALLOWED);
		return 0;
	}
	cfg = bpf_map_lookup_elem(&config, &zero);
	if (cfg && cfg->learn) {
		/* A full list still lets the file run: learning never denies. */
		if (bpf_map_update_elem(&allowed, &id, &one, BPF_NOEXIST) &&
		    !bpf_map_lookup_elem(&allowed, &id))
			count(EXEC_CNT_FULL);
		else
			count(EXEC_CNT_LEARNED);
		return 0;
	}
	count(EXEC_CNT_DENIED);
	record_denial(&id, interp);
	return -EXEC_EACCES;
}

SEC("checmate/bprm_check_security")
int exec_allow(struct checmate_bprm_check_security_ctx *ctx)
{
	return decide(&ctx->file, ctx->interp);
}

/* Files mapped executable: by the kernel at exec, by ld.so, by anyone. */
SEC("checmate/mmap_file")
int exec_map_allow(struct checmate_mmap_file_ctx *ctx)
{
	if (!(ctx->prot & EXEC_PROT_EXEC) || !ctx->file.mode)
		return 0;
	return decide(&ctx->file, 0);
}

char LICENSE[] SEC("license") = "GPL";
