// SPDX-License-Identifier: GPL-2.0
/*
 * Checmate sample: limit file creations per second for a cgroup
 *
 * Every new name a task of the cgroup creates takes a token from its
 * cgroup's bucket: regular files (open(2) and creat(2) with O_CREAT of a
 * new file, mknod(2)), FIFOs, sockets and device nodes, directories,
 * symbolic links and hard links, which is also how an O_TMPFILE file gets
 * a name (an O_TMPFILE file that is never linked disappears when it is
 * closed, and is not counted), on any file system, bpffs pins included.
 * Buckets refill at "rate" tokens per second and hold at most "burst".
 * Without a token the creation fails with EDQUOT, the error a disk quota
 * gives: callers treat it as a hard failure and report "Disk quota
 * exceeded" (EAGAIN would invite busy retry loops, and means a lease
 * conflict to open(2)). Each bucket counts what it allowed and denied.
 *
 * A bucket belongs to the task's own cgroup (bpf_get_current_cgroup_id()):
 * attached to a parent, the policy gives each child cgroup a bucket of its
 * own, so a task that may create cgroups and move itself into them gets a
 * fresh bucket each time. Buckets stay when their cgroup is removed: when
 * no bucket can be made (FILE_RATE_MAX_CGROUPS of them exist) creations
 * are denied too, and counted in nobucket, until the policy is attached
 * afresh.
 *
 * The limit lives in the config map, which programs can only read: the
 * loader sets it, live; with nothing set (checmate-ctl attach), it is
 * FILE_RATE_DEFAULT per second.
 */

#include <linux/bpf.h>
#include <linux/checmate.h>
#include <bpf/bpf_helpers.h>

#include "checmate_file_rate.h"

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__uint(map_flags, BPF_F_RDONLY_PROG);
	__type(key, __u32);
	__type(value, struct file_rate_config);
} config SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, FILE_RATE_MAX_CGROUPS);
	__type(key, __u64);
	__type(value, struct file_rate_bucket);
} buckets SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} nobucket SEC(".maps");

/* Takes a token from the current cgroup's bucket: 0, or -EDQUOT. */
static __always_inline int take_token(void)
{
	__u64 id = bpf_get_current_cgroup_id();
	__u64 now = bpf_ktime_get_ns();
	struct file_rate_bucket fresh = {}, *b;
	const struct file_rate_config *c;
	__u64 rate, burst, cap, fill;
	__u32 zero = 0;
	__u64 *n;
	int ok;

	c = bpf_map_lookup_elem(&config, &zero);
	rate = c ? c->rate : 0;
	burst = c ? c->burst : 0;
	if (!rate || rate > FILE_RATE_MAX)
		rate = FILE_RATE_DEFAULT;
	if (!burst || burst > FILE_RATE_MAX)
		burst = rate;
	cap = burst * FILE_RATE_NSEC;

	b = bpf_map_lookup_elem(&buckets, &id);
	if (!b) {
		/* A new bucket is full: this creation takes its first token. */
		fresh.credit = cap - FILE_RATE_NSEC;
		fresh.last_ns = now;
		fresh.allowed = 1;
		if (!bpf_map_update_elem(&buckets, &id, &fresh, BPF_NOEXIST))
			return 0;
		/* Another CPU made it first, or the map is full. */
		b = bpf_map_lookup_elem(&buckets, &id);
		if (!b) {
			n = bpf_map_lookup_elem(&nobucket, &zero);
			if (n)
				__sync_fetch_and_add(n, 1);
			return -FILE_RATE_EDQUOT;
		}
	}

	bpf_spin_lock(&b->lock);
	if (b->credit > cap)		/* the burst was lowered */
		b->credit = cap;
	/* Another CPU may have read the clock earlier and got here later. */
	if (now > b->last_ns) {
		/* Nanoseconds to fill up: elapsed * rate cannot overflow. */
		fill = (cap - b->credit) / rate;
		if (now - b->last_ns >= fill)
			b->credit = cap;
		else
			b->credit += (now - b->last_ns) * rate;
		b->last_ns = now;
	}
	ok = b->credit >= FILE_RATE_NSEC;
	if (ok)
		b->credit -= FILE_RATE_NSEC;
	/*
	 * Both counters, without a branch: clang would otherwise pick the
	 * counter's address with pointer arithmetic the verifier refuses.
	 */
	b->allowed += ok;
	b->denied += !ok;
	bpf_spin_unlock(&b->lock);
	return ok ? 0 : -FILE_RATE_EDQUOT;
}

/* mknod(2), and open(2) or creat(2) creating a regular file */
SEC("checmate/path_mknod")
int file_rate_mknod(struct checmate_path_mknod_ctx *ctx)
{
	return take_token();
}

SEC("checmate/path_mkdir")
int file_rate_mkdir(struct checmate_path_mkdir_ctx *ctx)
{
	return take_token();
}

SEC("checmate/path_symlink")
int file_rate_symlink(struct checmate_path_symlink_ctx *ctx)
{
	return take_token();
}

/* link(2), linkat(2), and linkat(2) naming an O_TMPFILE file */
SEC("checmate/path_link")
int file_rate_link(struct checmate_path_link_ctx *ctx)
{
	return take_token();
}

char LICENSE[] SEC("license") = "GPL";
