/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Checmate LSM - File-system, exec and mount hooks
 */

#ifndef _SECURITY_CHECMATE_FS_H
#define _SECURITY_CHECMATE_FS_H

#include <linux/init.h>
#include <linux/types.h>
#include <uapi/linux/checmate.h>

struct inode;
struct vfsmount;

u32 checmate_mnt_flags(int mnt_flags, bool sb_rdonly);
void checmate_fill_inode(struct checmate_inode *ci, const struct inode *inode,
			 const struct vfsmount *mnt);
__init void checmate_add_fs_hooks(void);

#endif /* _SECURITY_CHECMATE_FS_H */
