// SPDX-License-Identifier: GPL-2.0
/*
 * insn_count - a QEMU TCG plugin that counts the guest instructions each
 * vCPU executes between two marker instructions.
 *
 *   gcc -O2 -shared -fPIC -o insn_count.so insn_count.c
 *   qemu-system-x86_64 -accel tcg ... -plugin ./insn_count.so,out=FILE
 *
 * A marker is the 8-byte no-op "nopl DISP(%rax,%rax,1)" (0f 1f 84 00 and
 * a little-endian DISP) whose upper half is CM_MAGIC: DISP = 0x434d0000 |
 * END << 15 | ID, ID from 0 to 32767. Both a process and the kernel may
 * execute it; it changes nothing. At BEGIN ID the plugin notes the vCPU's
 * count; at END ID it appends "ID COUNT" to FILE (default: standard error),
 * COUNT being the instructions that vCPU executed strictly between the two
 * markers, user and kernel alike, whoever ran them: everything else the
 * vCPU ran in between (interrupts, other tasks) is counted too.
 *
 * Arguments (-plugin ./insn_count.so,ARG,ARG...):
 *   out=FILE   append results to FILE;
 *   mode=tb    (default) count a translation block's instructions when it
 *              starts: cheap, but a block left early by an exception
 *              (page fault, #UD...) counts the instructions it skipped;
 *   mode=insn  count each instruction as it starts: exact (an instruction
 *              that faults and is restarted counts twice), slower.
 *
 * QEMU 7.2 installs no qemu-plugin.h: qemu-plugin-v1.h declares what this
 * plugin uses of plugin API version 1.
 */

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "qemu-plugin-v1.h"

QEMU_PLUGIN_EXPORT int qemu_plugin_version = 1;

#define CM_MAGIC	0x434d0000u	/* "CM" in the displacement's top half */
#define CM_END		0x8000u
#define CM_ID_MASK	0x7fffu

/* One vCPU's state, only ever touched by that vCPU's thread. */
struct vcpu {
	__u64 count;		/* instructions executed so far */
	__u64 start;		/* count just after the BEGIN marker */
	int id;			/* the open BEGIN's id, or -1 */
	char pad[44];		/* one cache line each */
};

static struct vcpu *vcpus;
static unsigned int nr_vcpus;
static bool per_insn;
static int out_fd = 2;

/*
 * A marker's instrumentation, packed in its callback's user data: the
 * marker's displacement, its index in its block and the block's length.
 */
#define PACK(disp, idx, n) \
	((void *)((unsigned long)(disp) | (unsigned long)(idx) << 32 | \
		  (unsigned long)(n) << 48))

static void put(const char *s, size_t len)
{
	/* One write() per line: whole lines, even with several vCPUs. */
	if (write(out_fd, s, len) != (ssize_t)len)
		return;
}

static void tb_exec(unsigned int vcpu, void *udata)
{
	if (vcpu < nr_vcpus)
		vcpus[vcpu].count += (unsigned long)udata;
}

static void insn_exec(unsigned int vcpu, void *udata)
{
	if (vcpu < nr_vcpus)
		vcpus[vcpu].count++;
}

static void marker_exec(unsigned int vcpu, void *udata)
{
	unsigned long v = (unsigned long)udata;
	__u32 disp = (__u32)v;
	__u64 now;
	unsigned int idx = (v >> 32) & 0xffff, n = v >> 48;
	int id = disp & CM_ID_MASK;
	struct vcpu *c;
	char line[64];
	int len;

	if (vcpu >= nr_vcpus)
		return;
	c = &vcpus[vcpu];
	if (per_insn) {
		/* This callback also counts the marker itself. */
		now = c->count;		/* instructions before the marker */
		c->count++;
	} else {
		/* The block's count was added as it started. */
		now = c->count - (n - idx);
	}
	if (!(disp & CM_END)) {
		if (c->id >= 0) {
			len = snprintf(line, sizeof(line),
				       "# vcpu %u: BEGIN %d replaces BEGIN %d\n",
				       vcpu, id, c->id);
			put(line, len);
		}
		c->id = id;
		c->start = now + 1;
		return;
	}
	if (c->id != id) {
		len = snprintf(line, sizeof(line),
			       "# vcpu %u: END %d without BEGIN %d\n",
			       vcpu, id, id);
		put(line, len);
		return;
	}
	c->id = -1;
	len = snprintf(line, sizeof(line), "%d %llu\n", id,
		       (unsigned long long)(now - c->start));
	put(line, len);
}

/* The marker's displacement, or 0 if @insn is not a marker. */
static __u32 marker(const struct qemu_plugin_insn *insn)
{
	const __u8 *p = qemu_plugin_insn_data(insn);
	__u32 disp;

	if (qemu_plugin_insn_size(insn) != 8 || p[0] != 0x0f ||
	    p[1] != 0x1f || p[2] != 0x84 || p[3] != 0x00)
		return 0;
	disp = p[4] | p[5] << 8 | p[6] << 16 | (__u32)p[7] << 24;
	return (disp & 0xffff0000u) == CM_MAGIC ? disp : 0;
}

static void tb_trans(qemu_plugin_id_t id, struct qemu_plugin_tb *tb)
{
	size_t n = qemu_plugin_tb_n_insns(tb), i;

	if (!per_insn)
		qemu_plugin_register_vcpu_tb_exec_cb(tb, tb_exec,
						     QEMU_PLUGIN_CB_NO_REGS,
						     (void *)(unsigned long)n);
	for (i = 0; i < n; i++) {
		struct qemu_plugin_insn *insn = qemu_plugin_tb_get_insn(tb, i);
		__u32 disp = marker(insn);

		if (disp)
			qemu_plugin_register_vcpu_insn_exec_cb(insn, marker_exec,
							       QEMU_PLUGIN_CB_NO_REGS,
							       PACK(disp, i, n));
		else if (per_insn)
			qemu_plugin_register_vcpu_insn_exec_cb(insn, insn_exec,
							       QEMU_PLUGIN_CB_NO_REGS,
							       NULL);
	}
}

static void at_exit(qemu_plugin_id_t id, void *udata)
{
	if (out_fd != 2)
		close(out_fd);
}

QEMU_PLUGIN_EXPORT int qemu_plugin_install(qemu_plugin_id_t id,
					   const struct qemu_info_t *info,
					   int argc, char **argv)
{
	unsigned int i;
	int a;

	for (a = 0; a < argc; a++) {
		if (!strncmp(argv[a], "out=", 4)) {
			out_fd = open(argv[a] + 4,
				      O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC,
				      0644);
			if (out_fd < 0) {
				perror(argv[a] + 4);
				return -1;
			}
		} else if (!strcmp(argv[a], "mode=insn")) {
			per_insn = true;
		} else if (!strcmp(argv[a], "mode=tb")) {
			per_insn = false;
		} else {
			fprintf(stderr, "insn_count: unknown argument %s\n",
				argv[a]);
			return -1;
		}
	}
	nr_vcpus = info->system_emulation ? info->system.max_vcpus : 1024;
	vcpus = aligned_alloc(64, nr_vcpus * sizeof(*vcpus));
	if (!vcpus)
		return -1;
	memset(vcpus, 0, nr_vcpus * sizeof(*vcpus));
	for (i = 0; i < nr_vcpus; i++)
		vcpus[i].id = -1;
	qemu_plugin_register_vcpu_tb_trans_cb(id, tb_trans);
	qemu_plugin_register_atexit_cb(id, at_exit, NULL);
	return 0;
}
