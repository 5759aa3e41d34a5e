/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Checmate selftests - programs built at run time, and context records
 *
 * Include after common.h, with MAX_REC (how many calls a record keeps)
 * and REC_WORDS (how many context words it keeps of each) defined.
 */

#ifndef _SELFTESTS_CHECMATE_RECORD_H
#define _SELFTESTS_CHECMATE_RECORD_H

/* Raw instructions beyond common.h's. */
#define PSEUDO_MAP_FD		1
#define FUNC_map_lookup_elem	1
#define LD_MAP_FD(d, fd)	\
	INSN(BPF_LD | BPF_DW | BPF_IMM, d, PSEUDO_MAP_FD, 0, fd)
#define HI32()			INSN(0, 0, 0, 0, 0)
#define MOV64_REG(d, s)		INSN(BPF_ALU64 | BPF_MOV | BPF_X, d, s, 0, 0)
#define ADD64_IMM(d, i)		INSN(BPF_ALU64 | BPF_ADD | BPF_K, d, 0, 0, i)
#define ADD64_REG(d, s)		INSN(BPF_ALU64 | BPF_ADD | BPF_X, d, s, 0, 0)
#define MUL64_IMM(d, i)		INSN(BPF_ALU64 | BPF_MUL | BPF_K, d, 0, 0, i)
#define AND32_IMM(d, i)		INSN(BPF_ALU | BPF_AND | BPF_K, d, 0, 0, i)
#define JEQ_IMM(d, i, o)	INSN(BPF_JMP | BPF_JEQ | BPF_K, d, 0, o, i)
#define JGT_IMM(d, i, o)	INSN(BPF_JMP | BPF_JGT | BPF_K, d, 0, o, i)
/* 32-bit compares: context fields are __u32, imm is sign-extended. */
#define JNE32_IMM(d, i, o)	INSN(BPF_JMP32 | BPF_JNE | BPF_K, d, 0, o, i)
#define JEQ32_IMM(d, i, o)	INSN(BPF_JMP32 | BPF_JEQ | BPF_K, d, 0, o, i)
#define STX_W(d, s, o)		STX_SZ(BPF_W, d, s, o)

/* A program built instruction by instruction. */
struct insns {
	struct bpf_insn i[128];
	int n;
};

static inline void emit(struct insns *p, struct bpf_insn insn)
{
	if (p->n < (int)ARRAY_SIZE(p->i))
		p->i[p->n] = insn;
	p->n++;
}

static inline int load_insns_buf(__u32 hook, struct insns *p)
{
	if (p->n > (int)ARRAY_SIZE(p->i)) {
		errno = E2BIG;
		return -1;
	}
	return load_insns(hook, BPF_CHECMATE, p->i, p->n);
}

static inline int map_new(__u32 type, __u32 key_size, __u32 value_size,
			  __u32 max_entries, __u32 flags)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.map_type = type;
	attr.key_size = key_size;
	attr.value_size = value_size;
	attr.max_entries = max_entries;
	attr.map_flags = flags;
	return sys_bpf(BPF_MAP_CREATE, &attr);
}

static inline int map_lookup(int fd, __u32 key, void *val)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.map_fd = fd;
	attr.key = (__u64)(unsigned long)&key;
	attr.value = (__u64)(unsigned long)val;
	return sys_bpf(BPF_MAP_LOOKUP_ELEM, &attr);
}

static inline int map_update(int fd, __u32 key, const void *val)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.map_fd = fd;
	attr.key = (__u64)(unsigned long)&key;
	attr.value = (__u64)(unsigned long)val;
	attr.flags = BPF_ANY;
	return sys_bpf(BPF_MAP_UPDATE_ELEM, &attr);
}

/*
 * Context records: an array map with one value, the number of calls seen
 * and the contexts of the first MAX_REC of them.
 */
#define REC_BYTES	(REC_WORDS * 4)

struct rec {
	__u32 n;
	__u32 pad;
	__u32 ctx[MAX_REC][REC_WORDS];
};

static inline int rec_map_new(void)
{
	return map_new(BPF_MAP_TYPE_ARRAY, 4, sizeof(struct rec), 1, 0);
}

/* A 32-bit context field: (field & mask) == val. */
struct match {
	int off;
	__u32 mask;
	__u32 val;
};

#define EQ(off, v)	{ (off), ~0U, (v) }
#define MAX_MATCHES	16

/* Emits the conditions @m; returns the number of jumps to patch. */
static inline int emit_matches(struct insns *p, int ctx_reg,
			       const struct match *m, int n, int *jumps)
{
	int i;

	for (i = 0; i < n; i++) {
		emit(p, LDX_W(BPF_REG_2, ctx_reg, m[i].off));
		if (m[i].mask != ~0U)
			emit(p, AND32_IMM(BPF_REG_2, m[i].mask));
		jumps[i] = p->n;
		emit(p, JNE32_IMM(BPF_REG_2, m[i].val, 0));
	}
	return n;
}

/* A program that returns -@err when every match of @m holds, else 0. */
static inline int load_match_all(__u32 hook, int err, const struct match *m,
				 int n)
{
	struct insns p = { .n = 0 };
	int jumps[MAX_MATCHES], i;

	if (n > MAX_MATCHES) {
		errno = E2BIG;
		return -1;
	}
	emit_matches(&p, BPF_REG_1, m, n, jumps);
	emit(&p, MOV64_IMM(BPF_REG_0, -err));
	emit(&p, EXIT());
	for (i = 0; i < n; i++)
		p.i[jumps[i]].off = p.n - jumps[i] - 1;
	emit(&p, MOV64_IMM(BPF_REG_0, 0));
	emit(&p, EXIT());
	return load_insns_buf(hook, &p);
}

/*
 * A program that records the first @words words of its context in @map,
 * for the calls where every match of @m holds, and returns @verdict.
 */
static inline int load_record_if(__u32 hook, int map, int words,
				 const struct match *m, int n, int verdict)
{
	struct insns p = { .n = 0 };
	int skip[MAX_MATCHES + 2], nskip, i;

	if (words > REC_WORDS || n > MAX_MATCHES) {
		errno = E2BIG;
		return -1;
	}
	emit(&p, MOV64_REG(BPF_REG_6, BPF_REG_1));
	nskip = emit_matches(&p, BPF_REG_6, m, n, skip);
	emit(&p, ST_W(BPF_REG_10, -4, 0));
	emit(&p, MOV64_REG(BPF_REG_2, BPF_REG_10));
	emit(&p, ADD64_IMM(BPF_REG_2, -4));
	emit(&p, LD_MAP_FD(BPF_REG_1, map));
	emit(&p, HI32());
	emit(&p, CALL(FUNC_map_lookup_elem));
	skip[nskip++] = p.n;
	emit(&p, JEQ_IMM(BPF_REG_0, 0, 0));
	emit(&p, MOV64_REG(BPF_REG_7, BPF_REG_0));
	/* r3 = rec->n++ */
	emit(&p, LDX_W(BPF_REG_3, BPF_REG_7, 0));
	emit(&p, MOV64_REG(BPF_REG_4, BPF_REG_3));
	emit(&p, ADD64_IMM(BPF_REG_4, 1));
	emit(&p, STX_W(BPF_REG_7, BPF_REG_4, 0));
	skip[nskip++] = p.n;
	emit(&p, JGT_IMM(BPF_REG_3, MAX_REC - 1, 0));
	/* r7 = &rec->ctx[r3] - offsetof(struct rec, ctx) */
	emit(&p, MUL64_IMM(BPF_REG_3, REC_BYTES));
	emit(&p, ADD64_REG(BPF_REG_7, BPF_REG_3));
	for (i = 0; i < words; i++) {
		emit(&p, LDX_W(BPF_REG_4, BPF_REG_6, 4 * i));
		emit(&p, STX_W(BPF_REG_7, BPF_REG_4,
			       offsetof(struct rec, ctx) + 4 * i));
	}
	/* out: */
	for (i = 0; i < nskip; i++)
		p.i[skip[i]].off = p.n - skip[i] - 1;
	emit(&p, MOV64_IMM(BPF_REG_0, verdict));
	emit(&p, EXIT());
	return load_insns_buf(hook, &p);
}

/*
 * load_record_if() for the first @size bytes, with at most one match: the
 * 32-bit field at @filter_off is @filter_val, if @filter_off >= 0.
 */
static inline int load_record(__u32 hook, int map, size_t size,
			      int filter_off, __u32 filter_val, int verdict)
{
	const struct match m[] = { EQ(filter_off, filter_val) };

	return load_record_if(hook, map, size / 4, m, filter_off >= 0,
			      verdict);
}

static inline struct rec read_rec(struct __test_metadata *const _metadata,
				  int map)
{
	struct rec r;

	memset(&r, 0, sizeof(r));
	EXPECT_EQ(0, map_lookup(map, 0, &r))
		TH_LOG("lookup: %s", strerror(errno));
	return r;
}

static inline void clear_rec(int map)
{
	struct rec r;

	memset(&r, 0, sizeof(r));
	map_update(map, 0, &r);
}

#endif /* _SELFTESTS_CHECMATE_RECORD_H */
