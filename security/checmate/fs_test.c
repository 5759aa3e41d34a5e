// SPDX-License-Identifier: GPL-2.0-only
/*
 * Checmate LSM - KUnit tests for file-system contexts and hook strings
 */

#include <kunit/test.h>
#include <linux/bpf.h>
#include <linux/fs.h>
#include <linux/fs_struct.h>
#include <linux/kdev_t.h>
#include <linux/magic.h>
#include <linux/mount.h>
#include <linux/path.h>
#include <linux/string.h>

#include "bpf.h"
#include "fs.h"

static void test_mnt_flags(struct kunit *const test)
{
	KUNIT_EXPECT_EQ(test, checmate_mnt_flags(0, false), 0);
	KUNIT_EXPECT_EQ(test, checmate_mnt_flags(MNT_READONLY, false),
			CHECMATE_MNT_RDONLY);
	KUNIT_EXPECT_EQ(test, checmate_mnt_flags(0, true), CHECMATE_MNT_RDONLY);
	KUNIT_EXPECT_EQ(test, checmate_mnt_flags(MNT_NOSUID, false),
			CHECMATE_MNT_NOSUID);
	KUNIT_EXPECT_EQ(test, checmate_mnt_flags(MNT_NODEV, false),
			CHECMATE_MNT_NODEV);
	KUNIT_EXPECT_EQ(test, checmate_mnt_flags(MNT_NOEXEC, false),
			CHECMATE_MNT_NOEXEC);
	KUNIT_EXPECT_EQ(test, checmate_mnt_flags(MNT_NOSUID | MNT_NODEV |
						 MNT_NOEXEC | MNT_NOATIME,
						 true),
			CHECMATE_MNT_RDONLY | CHECMATE_MNT_NOSUID |
			CHECMATE_MNT_NODEV | CHECMATE_MNT_NOEXEC);
}

/* Every field from the inode and its super block, the inode number split. */
static void test_fill_inode(struct kunit *const test)
{
	struct super_block *sb = kunit_kzalloc(test, sizeof(*sb), GFP_KERNEL);
	struct inode *inode = kunit_kzalloc(test, sizeof(*inode), GFP_KERNEL);
	struct checmate_inode ci = {};

	KUNIT_ASSERT_NOT_NULL(test, sb);
	KUNIT_ASSERT_NOT_NULL(test, inode);
	sb->s_dev = MKDEV(8, 257);
	sb->s_magic = TMPFS_MAGIC;
	inode->i_sb = sb;
	inode->i_ino = 0x12345678;
#if BITS_PER_LONG == 64
	inode->i_ino |= 0x9aUL << 32;
#endif
	inode->i_mode = S_IFREG | S_ISUID | 0755;
	inode->i_uid = KUIDT_INIT(1000);
	inode->i_gid = KGIDT_INIT(100);
	checmate_fill_inode(&ci, inode, NULL);
	KUNIT_EXPECT_EQ(test, ci.ino, 0x12345678);
	KUNIT_EXPECT_EQ(test, ci.ino_hi, BITS_PER_LONG == 64 ? 0x9a : 0);
	KUNIT_EXPECT_EQ(test, ci.dev, new_encode_dev(MKDEV(8, 257)));
	KUNIT_EXPECT_EQ(test, ci.dev, (1 << 20) | (8 << 8) | 1);
	KUNIT_EXPECT_EQ(test, ci.mode, S_IFREG | S_ISUID | 0755);
	KUNIT_EXPECT_EQ(test, ci.uid, 1000);
	KUNIT_EXPECT_EQ(test, ci.gid, 100);
	KUNIT_EXPECT_EQ(test, ci.magic, TMPFS_MAGIC);
	KUNIT_EXPECT_EQ(test, ci.mnt_flags, 0);
}

/* No object: the identity stays all zeros. */
static void test_fill_no_inode(struct kunit *const test)
{
	struct checmate_inode ci = {}, zero = {};

	checmate_fill_inode(&ci, NULL, NULL);
	KUNIT_EXPECT_EQ(test, memcmp(&ci, &zero, sizeof(ci)), 0);
}

/* File-system contexts are read-only, and readable to their last byte. */
static void test_fs_ctx_read_only(struct kunit *const test)
{
	u32 hook;
	int off;

	for (hook = CHECMATE_HOOK_FS_FIRST; hook <= CHECMATE_HOOK_FS_LAST;
	     hook++) {
		u32 size = checmate_ctx_size(hook);

		KUNIT_EXPECT_GE(test, size, sizeof(struct checmate_inode));
		for (off = 0; off < size; off += 4) {
			bool w = checmate_ctx_access_ok(hook, off, 4, BPF_WRITE);
			bool r = checmate_ctx_access_ok(hook, off, 4, BPF_READ);

			KUNIT_EXPECT_FALSE(test, w);
			KUNIT_EXPECT_TRUE(test, r);
		}
		KUNIT_EXPECT_FALSE(test, checmate_ctx_access_ok(hook, size, 4,
								BPF_READ));
		KUNIT_EXPECT_FALSE(test, checmate_ctx_access_ok(hook, 0, 8,
								BPF_READ));
	}
}

static void test_copy_str(struct kunit *const test)
{
	struct checmate_strs strs = {
		.str[CHECMATE_STR_FSTYPE] = "tmpfs",
	};
	char buf[8];

	memset(buf, 'x', sizeof(buf));
	KUNIT_EXPECT_EQ(test, checmate_copy_str(&strs, CHECMATE_STR_FSTYPE,
						buf, sizeof(buf)), 6);
	KUNIT_EXPECT_STREQ(test, buf, "tmpfs");
	/* exactly fits */
	KUNIT_EXPECT_EQ(test, checmate_copy_str(&strs, CHECMATE_STR_FSTYPE,
						buf, 6), 6);
	KUNIT_EXPECT_STREQ(test, buf, "tmpfs");
	/* one byte short: nothing but zeros */
	memset(buf, 'x', sizeof(buf));
	KUNIT_EXPECT_EQ(test, checmate_copy_str(&strs, CHECMATE_STR_FSTYPE,
						buf, 5), -ENAMETOOLONG);
	KUNIT_EXPECT_TRUE(test, !memchr_inv(buf, 0, 5));
	KUNIT_EXPECT_EQ(test, buf[5], 'x');
	memset(buf, 'x', sizeof(buf));
	KUNIT_EXPECT_EQ(test, checmate_copy_str(&strs, CHECMATE_STR_SOURCE,
						buf, sizeof(buf)), -ENOENT);
	KUNIT_EXPECT_TRUE(test, !memchr_inv(buf, 0, sizeof(buf)));
	KUNIT_EXPECT_EQ(test, checmate_copy_str(&strs, CHECMATE_STR_UNSPEC,
						buf, sizeof(buf)), -EINVAL);
	KUNIT_EXPECT_EQ(test, checmate_copy_str(&strs, __CHECMATE_STR_MAX,
						buf, sizeof(buf)), -EINVAL);
}

/* A path is shown as d_path() shows it: the root directory is "/". */
static void test_copy_path(struct kunit *const test)
{
	struct checmate_strs strs = {};
	struct path root;
	char buf[4];

	get_fs_root(current->fs, &root);
	strs.path[CHECMATE_STR_PATH] = &root;
	KUNIT_EXPECT_EQ(test, checmate_copy_str(&strs, CHECMATE_STR_PATH,
						buf, sizeof(buf)), 2);
	KUNIT_EXPECT_STREQ(test, buf, "/");
	memset(buf, 'x', sizeof(buf));
	KUNIT_EXPECT_EQ(test, checmate_copy_str(&strs, CHECMATE_STR_PATH,
						buf, 1), -ENAMETOOLONG);
	KUNIT_EXPECT_EQ(test, buf[0], 0);
	KUNIT_EXPECT_EQ(test, buf[1], 'x');
	path_put(&root);
}

static struct kunit_case fs_test_cases[] = {
	KUNIT_CASE(test_mnt_flags),
	KUNIT_CASE(test_fill_inode),
	KUNIT_CASE(test_fill_no_inode),
	KUNIT_CASE(test_fs_ctx_read_only),
	KUNIT_CASE(test_copy_str),
	KUNIT_CASE(test_copy_path),
	{}
};

static struct kunit_suite fs_test_suite = {
	.name = "checmate_fs",
	.test_cases = fs_test_cases,
};

kunit_test_suite(fs_test_suite);
