/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * Checmate LSM - user space ABI
 *
 * Everything user space and Checmate programs share: the ABI version, the
 * hooks programs can be attached to, and the context each hook gives its
 * programs.
 */

#ifndef _UAPI_LINUX_CHECMATE_H
#define _UAPI_LINUX_CHECMATE_H

#include <linux/types.h>

/**
 * define CHECMATE_ABI_VERSION - version of the Checmate user space ABI
 *
 * Read it from /sys/kernel/security/checmate/abi_version. It is bumped
 * whenever something is added to this header; nothing in it is ever
 * changed or removed, so a program built against version N works on every
 * kernel that reports N or more.
 */
#define CHECMATE_ABI_VERSION 3

/**
 * enum checmate_hook - LSM hooks Checmate programs can be attached to
 *
 * The names are the LSM hook names; /sys/kernel/security/checmate/hooks
 * lists the hooks of the running kernel, one per line, in this order.
 *
 * @CHECMATE_HOOK_UNSPEC: Not a hook; zero is never valid.
 * @CHECMATE_HOOK_SOCKET_CREATE: A user space socket is about to be created.
 * @CHECMATE_HOOK_SOCKET_BIND: A socket is about to be bound to an address.
 * @CHECMATE_HOOK_SOCKET_CONNECT: A socket is about to connect.
 * @CHECMATE_HOOK_SOCKET_LISTEN: A socket is about to listen.
 * @CHECMATE_HOOK_SOCKET_SENDMSG: A message is about to be sent.
 * @CHECMATE_HOOK_INET_CONN_REQUEST: A TCP connection request has arrived
 *	on a listening socket.
 * @CHECMATE_HOOK_FILE_OPEN: A file is being opened (exec included).
 * @CHECMATE_HOOK_PATH_MKNOD: A file, device node, FIFO or socket is about
 *	to be created (mknod(2), and open(2) with O_CREAT of a new file).
 * @CHECMATE_HOOK_PATH_MKDIR: A directory is about to be created.
 * @CHECMATE_HOOK_PATH_RMDIR: A directory is about to be removed.
 * @CHECMATE_HOOK_PATH_UNLINK: A name is about to be removed.
 * @CHECMATE_HOOK_PATH_SYMLINK: A symbolic link is about to be created.
 * @CHECMATE_HOOK_PATH_LINK: A hard link is about to be created.
 * @CHECMATE_HOOK_PATH_RENAME: A name is about to be renamed or exchanged.
 * @CHECMATE_HOOK_PATH_TRUNCATE: A file is about to be truncated.
 * @CHECMATE_HOOK_PATH_CHMOD: A file's mode is about to change.
 * @CHECMATE_HOOK_PATH_CHOWN: A file's owner or group is about to change.
 * @CHECMATE_HOOK_PATH_CHROOT: A task is about to change its root.
 * @CHECMATE_HOOK_BPRM_CHECK_SECURITY: A file is about to be executed.
 * @CHECMATE_HOOK_SB_MOUNT: mount(2) is about to act.
 * @CHECMATE_HOOK_MOVE_MOUNT: move_mount(2) is about to attach a mount.
 * @CHECMATE_HOOK_SB_UMOUNT: A mount is about to be unmounted.
 * @CHECMATE_HOOK_SB_REMOUNT: A file system is about to be reconfigured.
 * @CHECMATE_HOOK_SB_PIVOTROOT: pivot_root(2) is about to act.
 * @CHECMATE_HOOK_MMAP_FILE: Memory is about to be mapped, or a mapping's
 *	protection changed (mmap(2), mprotect(2), shmat(2), and the kernel
 *	mapping an executable and its loader at exec).
 * @CHECMATE_HOOK_PTRACE_ACCESS_CHECK: A task is about to trace, or read
 *	the memory or details of, another task.
 * @CHECMATE_HOOK_PTRACE_TRACEME: A task asks its parent to trace it.
 * @CHECMATE_HOOK_TASK_KILL: A task is about to send a signal.
 * @CHECMATE_HOOK_USERNS_CREATE: A task is about to create a user namespace.
 * @CHECMATE_HOOK_CAPABLE: The kernel checks whether a task has a
 *	capability.
 * @CHECMATE_HOOK_BPF: A bpf(2) command is about to run.
 * @CHECMATE_HOOK_BPF_MAP_CREATE: A BPF map is about to be created.
 * @CHECMATE_HOOK_BPF_PROG_LOAD: A BPF program is about to be loaded.
 * @CHECMATE_HOOK_BPF_TOKEN_CREATE: A BPF token is about to be created.
 * @CHECMATE_HOOK_KERNEL_MODULE_REQUEST: The kernel is about to load a
 *	module on a task's behalf (request_module()).
 * @CHECMATE_HOOK_KERNEL_READ_FILE: The kernel is about to read a file
 *	given by a task: a module, a kexec image, firmware, a policy.
 * @CHECMATE_HOOK_KERNEL_LOAD_DATA: The kernel is about to load a blob a
 *	task passes in memory: a module, a kexec image.
 * @CHECMATE_HOOK_SOCKET_RECVMSG: A task is about to receive from a socket.
 * @CHECMATE_HOOK_SOCKET_SOCK_RCV_SKB: A packet is about to be queued on a
 *	socket.
 * @CHECMATE_HOOK_SOCKET_ACCEPT: A task is about to accept a connection.
 * @__CHECMATE_HOOK_MAX: One past the last hook; grows with new hooks.
 */
enum checmate_hook {
	CHECMATE_HOOK_UNSPEC,
	CHECMATE_HOOK_SOCKET_CREATE,
	CHECMATE_HOOK_SOCKET_BIND,
	CHECMATE_HOOK_SOCKET_CONNECT,
	CHECMATE_HOOK_SOCKET_LISTEN,
	CHECMATE_HOOK_SOCKET_SENDMSG,
	CHECMATE_HOOK_INET_CONN_REQUEST,
	CHECMATE_HOOK_FILE_OPEN,
	CHECMATE_HOOK_PATH_MKNOD,
	CHECMATE_HOOK_PATH_MKDIR,
	CHECMATE_HOOK_PATH_RMDIR,
	CHECMATE_HOOK_PATH_UNLINK,
	CHECMATE_HOOK_PATH_SYMLINK,
	CHECMATE_HOOK_PATH_LINK,
	CHECMATE_HOOK_PATH_RENAME,
	CHECMATE_HOOK_PATH_TRUNCATE,
	CHECMATE_HOOK_PATH_CHMOD,
	CHECMATE_HOOK_PATH_CHOWN,
	CHECMATE_HOOK_PATH_CHROOT,
	CHECMATE_HOOK_BPRM_CHECK_SECURITY,
	CHECMATE_HOOK_SB_MOUNT,
	CHECMATE_HOOK_MOVE_MOUNT,
	CHECMATE_HOOK_SB_UMOUNT,
	CHECMATE_HOOK_SB_REMOUNT,
	CHECMATE_HOOK_SB_PIVOTROOT,
	CHECMATE_HOOK_MMAP_FILE,
	CHECMATE_HOOK_PTRACE_ACCESS_CHECK,
	CHECMATE_HOOK_PTRACE_TRACEME,
	CHECMATE_HOOK_TASK_KILL,
	CHECMATE_HOOK_USERNS_CREATE,
	CHECMATE_HOOK_CAPABLE,
	CHECMATE_HOOK_BPF,
	CHECMATE_HOOK_BPF_MAP_CREATE,
	CHECMATE_HOOK_BPF_PROG_LOAD,
	CHECMATE_HOOK_BPF_TOKEN_CREATE,
	CHECMATE_HOOK_KERNEL_MODULE_REQUEST,
	CHECMATE_HOOK_KERNEL_READ_FILE,
	CHECMATE_HOOK_KERNEL_LOAD_DATA,
	CHECMATE_HOOK_SOCKET_RECVMSG,
	CHECMATE_HOOK_SOCKET_SOCK_RCV_SKB,
	CHECMATE_HOOK_SOCKET_ACCEPT,
	__CHECMATE_HOOK_MAX,
};

/*
 * Program contexts
 *
 * A Checmate program (BPF_PROG_TYPE_CHECMATE) is loaded for one hook
 * (union bpf_attr's prog_load.checmate_hook) and gets that hook's context:
 * plain integers, never a kernel pointer. Every field is a __u32; a program
 * may read it with a 1, 2 or 4 byte load at a naturally aligned offset, and
 * may write (4 bytes at once) only the fields documented as writable.
 *
 * Addresses: an IPv4 address is in addr[0], in network byte order, with
 * addr[1..3] zero; an IPv6 address fills addr[0..3], in network byte order.
 * Ports are in host byte order. family is the address family (AF_INET,
 * AF_INET6, ...) of the address, or of the socket where there is no
 * address; protocol is the socket's protocol (IPPROTO_TCP, IPPROTO_UDP,
 * ...). A field the hook cannot know is zero.
 *
 * A program returns 0 to allow the operation or a negative errno (between
 * -MAX_ERRNO, i.e. -4095, and -1) to deny it with that error; the verifier
 * rejects a program that could return anything else.
 */

/**
 * struct checmate_socket_create_ctx - Context of socket_create
 * @family: Address family passed to socket(2).
 * @type: Socket type (SOCK_STREAM, SOCK_DGRAM, ...), without the
 *	SOCK_NONBLOCK and SOCK_CLOEXEC flags.
 * @protocol: Protocol passed to socket(2); zero if it was left to the
 *	kernel.
 */
struct checmate_socket_create_ctx {
	__u32 family;
	__u32 type;
	__u32 protocol;
};

/**
 * struct checmate_socket_bind_ctx - Context of socket_bind
 * @family: Family of the address to bind to.
 * @protocol: Protocol of the socket.
 * @addr: Address to bind to. Writable: what a program writes is the
 *	address the socket is bound to.
 * @port: Port to bind to. Writable: what a program writes (0 to 65535) is
 *	the port the socket is bound to.
 *
 * Only AF_INET and AF_INET6 addresses are shown with their address and
 * port; for other families both are zero and writes are ignored.
 */
struct checmate_socket_bind_ctx {
	__u32 family;
	__u32 protocol;
	__u32 addr[4];
	__u32 port;
};

/**
 * struct checmate_socket_connect_ctx - Context of socket_connect
 * @family: Family of the address to connect to.
 * @protocol: Protocol of the socket.
 * @addr: Remote address.
 * @port: Remote port.
 */
struct checmate_socket_connect_ctx {
	__u32 family;
	__u32 protocol;
	__u32 addr[4];
	__u32 port;
};

/**
 * struct checmate_socket_listen_ctx - Context of socket_listen
 * @family: Family of the socket.
 * @protocol: Protocol of the socket.
 * @addr: Local address the socket is bound to.
 * @port: Local port the socket is bound to (zero if not bound yet: the
 *	kernel then picks one).
 * @backlog: Backlog passed to listen(2).
 */
struct checmate_socket_listen_ctx {
	__u32 family;
	__u32 protocol;
	__u32 addr[4];
	__u32 port;
	__u32 backlog;
};

/**
 * struct checmate_socket_sendmsg_ctx - Context of socket_sendmsg
 * @family: Family of the destination address.
 * @protocol: Protocol of the socket.
 * @addr: Destination address: the one passed to sendto(2) or sendmsg(2)
 *	if any, otherwise the connected peer's (zero if unknown).
 * @port: Destination port, likewise.
 * @len: Number of bytes to send.
 * @type: Socket type (SOCK_STREAM, SOCK_DGRAM, SOCK_RAW, ...): a raw
 *	socket's @protocol is any IP protocol, IPPROTO_TCP included.
 *
 * The destination is the one the kernel sends to: for a connected TCP or
 * MPTCP socket always its peer (the protocol ignores msg_name), for a
 * datagram socket msg_name read as the protocol reads it (see "What
 * programs see" in Documentation/userspace-api/checmate.rst).
 */
struct checmate_socket_sendmsg_ctx {
	__u32 family;
	__u32 protocol;
	__u32 addr[4];
	__u32 port;
	__u32 len;
	__u32 type;
};

/**
 * struct checmate_inet_conn_request_ctx - Context of inet_conn_request
 * @family: Family of the listening socket.
 * @protocol: Protocol of the listening socket (IPPROTO_TCP).
 * @remote_addr: Address of the peer asking to connect.
 * @remote_port: Port of the peer.
 * @local_addr: Local address the request arrived at.
 * @local_port: Local port the request arrived at.
 *
 * This hook runs when a connection request arrives, in softirq context:
 * there is no meaningful current task, so programs for it cannot use the
 * current-task helpers, and the listening socket's cgroup decides which
 * programs run. Denying drops the request.
 */
struct checmate_inet_conn_request_ctx {
	__u32 family;
	__u32 protocol;
	__u32 remote_addr[4];
	__u32 remote_port;
	__u32 local_addr[4];
	__u32 local_port;
};

/*
 * File-system contexts
 *
 * A file-system object is shown by its identity, never by a pointer or a
 * string; the names are available through the bpf_checmate_str() kfunc
 * (see &enum checmate_str).
 */

/**
 * struct checmate_inode - Identity of a file-system object
 * @ino: Inode number, low 32 bits (st_ino of stat(2)).
 * @ino_hi: Inode number, high 32 bits (zero on most file systems).
 * @dev: Device of the object's file system, encoded as stat(2)'s st_dev
 *	(major(dev) = (dev >> 8) & 0xfff, ...): the super block's device,
 *	which is what stat(2) reports except on file systems that report
 *	another one (btrfs subvolumes, overlayfs).
 * @mode: File type and permission bits, set-user-ID, set-group-ID and
 *	sticky bits included (st_mode).
 * @uid: Owner, as seen from the initial user namespace (as stored in the
 *	inode, not as an idmapped mount shows it; -1 if unmapped).
 * @gid: Group, likewise.
 * @magic: Magic number of the file system (statfs(2)'s f_type, e.g.
 *	TMPFS_MAGIC), low 32 bits.
 * @mnt_flags: CHECMATE_MNT_* flags of the mount the object is reached
 *	through, as statvfs(3) reports them (zero where the hook has no
 *	mount: sb_remount). File systems the kernel treats as noexec or
 *	nodev by themselves (proc, sysfs, mounts made in a user namespace)
 *	do not show those bits.
 *
 * An object that does not exist (the name a rename replaces, if none) is
 * all zeros; @mode is never zero for an object that exists.
 */
struct checmate_inode {
	__u32 ino;
	__u32 ino_hi;
	__u32 dev;
	__u32 mode;
	__u32 uid;
	__u32 gid;
	__u32 magic;
	__u32 mnt_flags;
};

/* Mount flags of &struct checmate_inode.mnt_flags (statvfs(3)'s ST_*). */
#define CHECMATE_MNT_RDONLY	(1U << 0)
#define CHECMATE_MNT_NOSUID	(1U << 1)
#define CHECMATE_MNT_NODEV	(1U << 2)
#define CHECMATE_MNT_NOEXEC	(1U << 3)

/* What a file is opened for, in &struct checmate_file_open_ctx.access. */
#define CHECMATE_ACCESS_READ	(1U << 0)
#define CHECMATE_ACCESS_WRITE	(1U << 1)
#define CHECMATE_ACCESS_EXEC	(1U << 2)

/**
 * struct checmate_file_open_ctx - Context of file_open
 * @file: The file being opened.
 * @flags: The open flags as the file will hold them (fcntl(2)'s F_GETFL
 *	plus O_CREAT, O_EXCL, O_NOCTTY and O_TRUNC as given).
 * @access: CHECMATE_ACCESS_* flags: read, write, and exec for the opens
 *	of execve(2) and execveat(2).
 *
 * Every open that gives access to a file's content runs this hook: open,
 * openat, openat2, creat, open_by_handle_at, reopening through
 * /proc/PID/fd, io_uring, and the opens of exec. Opens with O_PATH do not
 * (they give no access to the content).
 */
struct checmate_file_open_ctx {
	struct checmate_inode file;
	__u32 flags;
	__u32 access;
};

/**
 * struct checmate_path_mknod_ctx - Context of path_mknod
 * @dir: The directory the object is created in.
 * @mode: File type and permission bits of the new object, the umask
 *	applied (on a file system with POSIX ACLs the parent's default ACL
 *	decides later instead); S_IFREG for open(2) with O_CREAT and for
 *	mknod(2) without a type.
 * @dev: For a character or block device, the device number passed to
 *	mknod(2) (as st_rdev encodes it); zero for other types.
 */
struct checmate_path_mknod_ctx {
	struct checmate_inode dir;
	__u32 mode;
	__u32 dev;
};

/**
 * struct checmate_path_mkdir_ctx - Context of path_mkdir
 * @dir: The directory the new directory is created in.
 * @mode: Permission bits of the new directory, the umask applied (as
 *	for path_mknod).
 */
struct checmate_path_mkdir_ctx {
	struct checmate_inode dir;
	__u32 mode;
};

/**
 * struct checmate_path_rmdir_ctx - Context of path_rmdir
 * @dir: The directory the directory is removed from.
 * @object: The directory being removed.
 */
struct checmate_path_rmdir_ctx {
	struct checmate_inode dir;
	struct checmate_inode object;
};

/**
 * struct checmate_path_unlink_ctx - Context of path_unlink
 * @dir: The directory the name is removed from.
 * @object: The object whose name is removed.
 */
struct checmate_path_unlink_ctx {
	struct checmate_inode dir;
	struct checmate_inode object;
};

/**
 * struct checmate_path_symlink_ctx - Context of path_symlink
 * @dir: The directory the link is created in.
 */
struct checmate_path_symlink_ctx {
	struct checmate_inode dir;
};

/**
 * struct checmate_path_link_ctx - Context of path_link
 * @object: The existing object the new name will refer to.
 * @new_dir: The directory the new name is created in.
 */
struct checmate_path_link_ctx {
	struct checmate_inode object;
	struct checmate_inode new_dir;
};

/**
 * struct checmate_path_rename_ctx - Context of path_rename
 * @old_dir: The directory the object is renamed from.
 * @object: The object being renamed.
 * @new_dir: The directory the object is renamed to.
 * @target: The object the new name refers to now (replaced, or exchanged
 *	with RENAME_EXCHANGE), all zeros if none.
 * @flags: renameat2(2)'s flags (RENAME_NOREPLACE, RENAME_EXCHANGE,
 *	RENAME_WHITEOUT).
 */
struct checmate_path_rename_ctx {
	struct checmate_inode old_dir;
	struct checmate_inode object;
	struct checmate_inode new_dir;
	struct checmate_inode target;
	__u32 flags;
};

/**
 * struct checmate_path_truncate_ctx - Context of path_truncate
 * @object: The file being truncated.
 * @open_file: 1 if it is truncated through an open file (ftruncate(2),
 *	open(2) with O_TRUNC), 0 by name (truncate(2)).
 */
struct checmate_path_truncate_ctx {
	struct checmate_inode object;
	__u32 open_file;
};

/**
 * struct checmate_path_chmod_ctx - Context of path_chmod
 * @object: The object whose mode changes.
 * @mode: The new mode: the object's file type and the permission,
 *	set-id and sticky bits chmod(2) sets.
 *
 * Setting a POSIX ACL (setxattr(2) of system.posix_acl_access) can also
 * change the permission bits; it does not run this hook.
 */
struct checmate_path_chmod_ctx {
	struct checmate_inode object;
	__u32 mode;
};

/**
 * struct checmate_path_chown_ctx - Context of path_chown
 * @object: The object whose owner or group changes.
 * @uid: The new owner as seen from the initial user namespace, -1 if
 *	unchanged.
 * @gid: The new group, likewise.
 */
struct checmate_path_chown_ctx {
	struct checmate_inode object;
	__u32 uid;
	__u32 gid;
};

/**
 * struct checmate_path_chroot_ctx - Context of path_chroot
 * @object: The directory that becomes the task's root.
 */
struct checmate_path_chroot_ctx {
	struct checmate_inode object;
};

/**
 * struct checmate_bprm_check_security_ctx - Context of bprm_check_security
 * @file: The file about to be executed.
 * @interp: 1 if @file is an interpreter the kernel chose for the file
 *	execve(2) named (the "#!" line of a script, a binfmt_misc entry): the
 *	hook runs once for the named file, then once for each interpreter.
 * @argc: Number of arguments.
 */
struct checmate_bprm_check_security_ctx {
	struct checmate_inode file;
	__u32 interp;
	__u32 argc;
};

/**
 * struct checmate_sb_mount_ctx - Context of sb_mount
 * @target: The mount point (or, for a remount or a propagation change,
 *	the mount's root).
 * @source: For a bind mount (MS_BIND) or a move (MS_MOVE), the object
 *	named by the source argument, looked up by the hook; all zeros
 *	otherwise.
 * @flags: The MS_* flags passed to mount(2) (without the 0xC0ED magic).
 */
struct checmate_sb_mount_ctx {
	struct checmate_inode target;
	struct checmate_inode source;
	__u32 flags;
};

/**
 * struct checmate_move_mount_ctx - Context of move_mount
 * @from: The root of the mount (or detached tree) being attached.
 * @to: The mount point.
 */
struct checmate_move_mount_ctx {
	struct checmate_inode from;
	struct checmate_inode to;
};

/**
 * struct checmate_sb_umount_ctx - Context of sb_umount
 * @mount: The root of the mount being unmounted.
 * @flags: umount2(2)'s flags (MNT_FORCE, MNT_DETACH, ...).
 */
struct checmate_sb_umount_ctx {
	struct checmate_inode mount;
	__u32 flags;
};

/**
 * struct checmate_sb_remount_ctx - Context of sb_remount
 * @root: The root of the file system being reconfigured.
 */
struct checmate_sb_remount_ctx {
	struct checmate_inode root;
};

/**
 * struct checmate_sb_pivotroot_ctx - Context of sb_pivotroot
 * @new_root: The directory that becomes the root.
 * @put_old: The directory the old root is moved to.
 */
struct checmate_sb_pivotroot_ctx {
	struct checmate_inode new_root;
	struct checmate_inode put_old;
};

/**
 * struct checmate_mmap_file_ctx - Context of mmap_file
 * @file: The file mapped; all zeros for anonymous memory.
 * @prot: The protection the mapping gets (PROT_READ, PROT_WRITE,
 *	PROT_EXEC: with the READ_IMPLIES_EXEC personality, PROT_READ brings
 *	PROT_EXEC).
 * @flags: mmap(2)'s flags (MAP_SHARED, MAP_PRIVATE, MAP_FIXED, ...); for
 *	mprotect(2), MAP_SHARED or MAP_PRIVATE as the mapping is.
 * @mprotect: 1 for mprotect(2) and pkey_mprotect(2) of an existing
 *	mapping, 0 for a new mapping.
 *
 * This is how code gets into memory besides exec: a policy that keeps
 * code to known files denies @prot with PROT_EXEC here for files it does
 * not know (the dynamic loader maps a program run as "ld.so PROGRAM"
 * itself), and for anonymous memory if no JIT needs it. It is not a
 * complete code-integrity policy: a private file mapping written to and
 * then made executable with mprotect(2) still shows the file;
 * personality(2)'s READ_IMPLIES_EXEC makes brk(2) memory executable
 * without this hook; and writes through /proc/PID/mem or ptrace(2) reach
 * executable pages without it.
 */
struct checmate_mmap_file_ctx {
	struct checmate_inode file;
	__u32 prot;
	__u32 flags;
	__u32 mprotect;
};

/*
 * Task contexts
 *
 * Another task is shown by its numbers, and what a policy needs to know of
 * its relation to the current task is computed by the kernel and shown as
 * CHECMATE_REL_* flags: a program never walks kernel structures.
 */

/**
 * struct checmate_task - Another task
 * @pid: Its thread id, as seen from the initial pid namespace.
 * @tgid: Its process id (thread group id), likewise.
 * @uid: Its real user id, as seen from the initial user namespace (-1 if
 *	unmapped).
 * @euid: Its effective user id, likewise.
 */
struct checmate_task {
	__u32 pid;
	__u32 tgid;
	__u32 uid;
	__u32 euid;
};

/*
 * Relations of &struct checmate_ptrace_access_check_ctx.relations and the
 * other task contexts, between a subject (the tracer, the sender of a
 * signal) and a target (the tracee, the receiver):
 *
 * - %CHECMATE_REL_DESCENDANT: the target's process is the subject's or a
 *   descendant of it (through real parents, as Yama decides).
 * - %CHECMATE_REL_SAME_CGROUP: both are in the same cgroup (v2).
 * - %CHECMATE_REL_USERNS: the subject's user namespace is the target's or
 *   an ancestor of it.
 * - %CHECMATE_REL_CAP: the subject has the capability that overrides the
 *   kernel's own check in the target's user namespace: CAP_SYS_PTRACE for
 *   the ptrace hooks, CAP_KILL for task_kill.
 * - %CHECMATE_REL_SELF: both are threads of the same process.
 */
#define CHECMATE_REL_DESCENDANT		(1U << 0)
#define CHECMATE_REL_SAME_CGROUP	(1U << 1)
#define CHECMATE_REL_USERNS		(1U << 2)
#define CHECMATE_REL_CAP		(1U << 3)
#define CHECMATE_REL_SELF		(1U << 4)

/*
 * Access modes of &struct checmate_ptrace_access_check_ctx.mode: the
 * values of the kernel's PTRACE_MODE_* flags. Exactly one of READ and
 * ATTACH is set, and exactly one of FSCREDS and REALCREDS (which
 * credentials of the subject the kernel compares: the file-system ones
 * for /proc files, the real ones otherwise).
 */
#define CHECMATE_PTRACE_MODE_READ	0x01
#define CHECMATE_PTRACE_MODE_ATTACH	0x02
#define CHECMATE_PTRACE_MODE_NOAUDIT	0x04
#define CHECMATE_PTRACE_MODE_FSCREDS	0x08
#define CHECMATE_PTRACE_MODE_REALCREDS	0x10

/**
 * struct checmate_ptrace_access_check_ctx - Context of ptrace_access_check
 * @target: The task to be traced or inspected.
 * @mode: CHECMATE_PTRACE_MODE_* flags: ATTACH for ptrace(2)'s
 *	PTRACE_ATTACH and PTRACE_SEIZE, opening /proc/PID/mem,
 *	process_vm_readv(2) and process_vm_writev(2), pidfd_getfd(2),
 *	/proc/PID/stack, syscall and personality; READ for
 *	/proc/PID/environ, maps, fd and similar inspections, and kcmp(2).
 * @relations: CHECMATE_REL_* flags of the current task (the subject) to
 *	@target.
 *
 * A task inspecting another thread of its own process is not checked.
 * Only ptrace(2) returns the program's errno; the other paths fail with
 * their own (EACCES for /proc files, EPERM otherwise), and some /proc
 * files only hide fields (/proc/PID/stat).
 */
struct checmate_ptrace_access_check_ctx {
	struct checmate_task target;
	__u32 mode;
	__u32 relations;
};

/**
 * struct checmate_ptrace_traceme_ctx - Context of ptrace_traceme
 * @tracer: The parent that would trace the current task.
 * @mode: CHECMATE_PTRACE_MODE_ATTACH.
 * @relations: CHECMATE_REL_* flags of @tracer (the subject) to the
 *	current task (the target): DESCENDANT is always set.
 */
struct checmate_ptrace_traceme_ctx {
	struct checmate_task tracer;
	__u32 mode;
	__u32 relations;
};

/**
 * struct checmate_task_kill_ctx - Context of task_kill
 * @target: The task the signal is sent to (for a signal to a process or a
 *	process group, the hook runs once per process).
 * @sig: The signal number; 0 for a check that only probes (kill(pid, 0)).
 * @code: The si_code the signal carries, as a __u32: SI_USER (0) for
 *	kill(2) and pidfd_send_signal(2) without siginfo, SI_TKILL (-6) for
 *	tkill(2), tgkill(2) and pidfd_send_signal(2) without siginfo to a
 *	thread, what rt_sigqueueinfo(2) gave (a negative value) otherwise.
 * @relations: CHECMATE_REL_* flags of the current task (the sender) to
 *	@target.
 *
 * Only signals a task sends run this hook: signals the kernel generates
 * itself (a fault, SIGCHLD, SIGPIPE, a timer, the OOM killer, a write to
 * cgroup.kill, a terminal's hangup or ^C) never reach it, in any LSM
 * (the SIGHUP and SIGCONT of TIOCNOTTY do).
 * kill(2) of -1 ignores EPERM from the processes it may not signal: a
 * program that denies with -EPERM makes it skip those silently.
 */
struct checmate_task_kill_ctx {
	struct checmate_task target;
	__u32 sig;
	__u32 code;
	__u32 relations;
};

/**
 * struct checmate_userns_create_ctx - Context of userns_create
 * @uid: The caller's effective user id, as seen from the initial user
 *	namespace.
 * @depth: Nesting depth of the caller's user namespace (0 for the
 *	initial one); the new namespace is one deeper.
 *
 * Run by unshare(2) and clone(2), clone3(2) with CLONE_NEWUSER.
 */
struct checmate_userns_create_ctx {
	__u32 uid;
	__u32 depth;
};

/* Options of &struct checmate_capable_ctx.opts (the kernel's CAP_OPT_*). */
#define CHECMATE_CAP_OPT_NOAUDIT	(1U << 1)
#define CHECMATE_CAP_OPT_INSETID	(1U << 2)

/**
 * struct checmate_capable_ctx - Context of capable
 * @cap: The capability (CAP_*).
 * @opts: CHECMATE_CAP_OPT_* flags: NOAUDIT for a check that only probes
 *	(a denial is not audited by the kernel), INSETID for the CAP_SETUID
 *	and CAP_SETGID checks of setuid(2), setgid(2), their kin and
 *	setgroups(2).
 * @init_ns: 1 if the capability is checked in the initial user namespace.
 * @depth: Nesting depth of the user namespace it is checked in.
 * @own_ns: 1 if that is the current task's own user namespace.
 *
 * Programs run only for checks of the current task's credentials (the
 * very credentials it acts with: a check of another task's or of a file
 * opener's is shown only if it is that same object), in task context, in
 * a task that is not a kernel thread and not running a BPF program.
 * Checmate's own checks of CAP_SYS_ADMIN (who is the init admin or a
 * namespace admin) are not shown: a task denied CAP_SYS_ADMIN here still
 * manages Checmate as before, so seal what it must not change. A process
 * that gained privilege at exec (set-id or file capabilities: not
 * dumpable) is governed by the init admin's programs only, never by
 * delegated ones, so that a less privileged policy cannot make its
 * privilege drop fail half way. Denying makes the task lack the
 * capability: the operation fails as without it.
 */
struct checmate_capable_ctx {
	__u32 cap;
	__u32 opts;
	__u32 init_ns;
	__u32 depth;
	__u32 own_ns;
};

/**
 * struct checmate_bpf_ctx - Context of bpf
 * @cmd: The bpf(2) command (BPF_MAP_CREATE, BPF_PROG_LOAD, ...).
 * @prog_type: For BPF_PROG_LOAD, the program type; zero otherwise.
 * @map_type: For BPF_MAP_CREATE, the map type; zero otherwise.
 * @attach_type: The attach type the command names, if any:
 *	expected_attach_type for BPF_PROG_LOAD, attach_type for
 *	BPF_PROG_ATTACH, BPF_PROG_DETACH, BPF_LINK_CREATE and BPF_PROG_QUERY.
 * @token: 1 if the command is made with a BPF token (BPF_F_TOKEN_FD).
 *
 * Every bpf(2) call runs this hook, Checmate's own commands included,
 * except those of the init admin (CAP_SYS_ADMIN in the initial user
 * namespace): BPF_CHECMATE_CTL, loading a Checmate program, and
 * attaching, detaching and querying with attach type BPF_CHECMATE, so
 * that no policy can keep the init admin from managing Checmate.
 */
struct checmate_bpf_ctx {
	__u32 cmd;
	__u32 prog_type;
	__u32 map_type;
	__u32 attach_type;
	__u32 token;
};

/**
 * struct checmate_bpf_map_create_ctx - Context of bpf_map_create
 * @map_type: The map type.
 * @map_flags: The map flags (BPF_F_*).
 * @key_size: Size of a key.
 * @value_size: Size of a value.
 * @max_entries: Maximum number of entries.
 * @token: 1 if the map is created with a BPF token.
 */
struct checmate_bpf_map_create_ctx {
	__u32 map_type;
	__u32 map_flags;
	__u32 key_size;
	__u32 value_size;
	__u32 max_entries;
	__u32 token;
};

/**
 * struct checmate_bpf_prog_load_ctx - Context of bpf_prog_load
 * @prog_type: The program type.
 * @attach_type: The expected attach type.
 * @checmate_hook: For a Checmate program, its hook; zero otherwise.
 * @token: 1 if the program is loaded with a BPF token.
 *
 * As for bpf, the init admin's Checmate programs are not shown.
 */
struct checmate_bpf_prog_load_ctx {
	__u32 prog_type;
	__u32 attach_type;
	__u32 checmate_hook;
	__u32 token;
};

/**
 * struct checmate_bpf_token_create_ctx - Context of bpf_token_create
 * @cmds: The bpf(2) commands the token delegates, a bit per command
 *	(bit N for command N: @cmds[0] holds bits 0 to 31, @cmds[1] bits 32
 *	to 63), as the bpffs mount's delegate_cmds option gives them.
 * @maps: The map types, likewise (delegate_maps).
 * @progs: The program types, likewise (delegate_progs).
 * @attachs: The attach types, likewise (delegate_attachs).
 * @depth: Nesting depth of the token's user namespace.
 */
struct checmate_bpf_token_create_ctx {
	__u32 cmds[2];
	__u32 maps[2];
	__u32 progs[2];
	__u32 attachs[2];
	__u32 depth;
};

/**
 * struct checmate_kernel_module_request_ctx - Context of
 *	kernel_module_request
 * @name_len: Length of the module name (or alias) the kernel asks for,
 *	without the NUL; the name itself is %CHECMATE_STR_NAME.
 *
 * Requests the kernel makes on a task's behalf (a socket family, a file
 * system type, a device) run this hook; requests made by kernel threads
 * do not. Denying makes the request fail; what asked for it fails as if
 * the module did not exist.
 */
struct checmate_kernel_module_request_ctx {
	__u32 name_len;
};

/*
 * What the kernel reads or loads, in &struct checmate_kernel_read_file_ctx.id
 * and &struct checmate_kernel_load_data_ctx.id (the kernel's READING_* and
 * LOADING_* values).
 */
#define CHECMATE_KERNEL_READ_UNKNOWN		0
#define CHECMATE_KERNEL_READ_FIRMWARE		1
#define CHECMATE_KERNEL_READ_MODULE		2
#define CHECMATE_KERNEL_READ_KEXEC_IMAGE	3
#define CHECMATE_KERNEL_READ_KEXEC_INITRAMFS	4
#define CHECMATE_KERNEL_READ_POLICY		5
#define CHECMATE_KERNEL_READ_X509_CERTIFICATE	6

/**
 * struct checmate_kernel_read_file_ctx - Context of kernel_read_file
 * @file: The file the kernel reads.
 * @id: What it is, a CHECMATE_KERNEL_READ_* value: MODULE for
 *	finit_module(2), KEXEC_IMAGE and KEXEC_INITRAMFS for
 *	kexec_file_load(2), FIRMWARE, POLICY, ...
 * @contents: 1 if the hook sees the whole read, 0 if the kernel only
 *	announces it.
 */
struct checmate_kernel_read_file_ctx {
	struct checmate_inode file;
	__u32 id;
	__u32 contents;
};

/**
 * struct checmate_kernel_load_data_ctx - Context of kernel_load_data
 * @id: What the blob is, a CHECMATE_KERNEL_READ_* value: MODULE for
 *	init_module(2), KEXEC_IMAGE for kexec_load(2), FIRMWARE for a
 *	fallback upload, ...
 * @contents: As for kernel_read_file.
 */
struct checmate_kernel_load_data_ctx {
	__u32 id;
	__u32 contents;
};

/**
 * struct checmate_socket_recvmsg_ctx - Context of socket_recvmsg
 * @family: Family of the addresses (AF_INET for an IPv6 socket's
 *	IPv4-mapped ones), or of the socket if it has none.
 * @protocol: Protocol of the socket.
 * @remote_addr: Address of the connected peer; zero if the socket is not
 *	connected (the sender of a datagram is only known per packet: see
 *	socket_sock_rcv_skb).
 * @remote_port: Port of the connected peer, likewise.
 * @local_addr: Local address the socket is bound to.
 * @local_port: Local port the socket is bound to.
 * @type: Socket type (SOCK_STREAM, SOCK_DGRAM, ...).
 * @size: Number of bytes asked for.
 * @flags: recvmsg(2)'s flags (MSG_PEEK, MSG_DONTWAIT, ...).
 *
 * Run before anything is received, by recv(2), recvfrom(2), recvmsg(2),
 * recvmmsg(2) (for its first message only, as for every LSM), read(2) and
 * readv(2) on a socket, and io_uring's receives. splice(2) from a socket
 * reads without this hook.
 */
struct checmate_socket_recvmsg_ctx {
	__u32 family;
	__u32 protocol;
	__u32 remote_addr[4];
	__u32 remote_port;
	__u32 local_addr[4];
	__u32 local_port;
	__u32 type;
	__u32 size;
	__u32 flags;
};

/**
 * struct checmate_socket_sock_rcv_skb_ctx - Context of socket_sock_rcv_skb
 * @family: Family of the packet's addresses (AF_INET for an IPv4 packet
 *	received on an IPv6 socket).
 * @protocol: Protocol of the socket.
 * @remote_addr: Source address of the packet.
 * @remote_port: Source port of the packet (TCP, UDP, UDP-Lite, SCTP,
 *	DCCP).
 * @local_addr: Destination address of the packet.
 * @local_port: Destination port of the packet.
 * @len: Length of the packet as it is queued: from the transport header
 *	for TCP and UDP (header and payload), from the IP header for a raw
 *	IPv4 socket.
 *
 * Runs for every packet queued on an inet socket (a TCP segment, SYNs
 * included, a UDP datagram) as it arrives, in softirq context: like
 * inet_conn_request, the socket's cgroup decides and the current-task
 * helpers are refused. Denying drops the packet. It also runs for AF_UNIX
 * datagram and netlink receivers (in the sender's context), with the
 * socket's family and zero addresses and ports.
 */
struct checmate_socket_sock_rcv_skb_ctx {
	__u32 family;
	__u32 protocol;
	__u32 remote_addr[4];
	__u32 remote_port;
	__u32 local_addr[4];
	__u32 local_port;
	__u32 len;
};

/**
 * struct checmate_socket_accept_ctx - Context of socket_accept
 * @family: Family of the listening socket's address (AF_INET for an
 *	IPv4-mapped one).
 * @protocol: Protocol of the listening socket.
 * @addr: Local address the listening socket is bound to.
 * @port: Local port the listening socket is bound to.
 *
 * Run by accept(2), accept4(2) and io_uring's accept before a connection
 * is taken; the peer is not known yet (inet_conn_request and
 * socket_sock_rcv_skb show it). Denying fails the accept and leaves the
 * connection queued.
 */
struct checmate_socket_accept_ctx {
	__u32 family;
	__u32 protocol;
	__u32 addr[4];
	__u32 port;
};

/**
 * enum checmate_str - Strings of a hook call, for bpf_checmate_str()
 *
 * A program reads the strings of the hook call it runs for with the kfunc
 *
 *	int bpf_checmate_str(__u32 which, char *buf, __u32 buf__sz);
 *
 * which copies string @which into @buf, NUL-terminated, and returns its
 * length with the NUL; -ENOENT if this hook call has no such string,
 * -ENAMETOOLONG if it does not fit in @buf__sz bytes, -EINVAL for an
 * unknown @which, -EOPNOTSUPP in BPF_PROG_TEST_RUN (no live hook call).
 * On error @buf is zeroed. Paths are those d_path() gives: relative to the
 * current task's root directory, as the task itself names the object.
 *
 * @CHECMATE_STR_UNSPEC: Not a string.
 * @CHECMATE_STR_PATH: The path of the object the hook is about: the file
 *	(file_open, bprm_check_security, mmap_file, path_truncate, path_chmod,
 *	path_chown, path_chroot, kernel_read_file), the new name (path_mknod, path_mkdir,
 *	path_symlink), the name removed (path_rmdir, path_unlink), the
 *	existing name (path_link), the old name (path_rename), the mount
 *	point (sb_mount, move_mount, sb_umount) or the new root
 *	(sb_pivotroot).
 * @CHECMATE_STR_TARGET: The second name: the new name (path_link,
 *	path_rename), the link's content (path_symlink), put_old
 *	(sb_pivotroot).
 * @CHECMATE_STR_SOURCE: What is mounted: mount(2)'s source argument as
 *	given (sb_mount, may be absent), the path of the mount being
 *	attached (move_mount).
 * @CHECMATE_STR_FSTYPE: The file system type: mount(2)'s type argument as
 *	given (sb_mount, may be absent), the file system's (sb_remount).
 * @CHECMATE_STR_NAME: The module name or alias the kernel asks for
 *	(kernel_module_request).
 * @__CHECMATE_STR_MAX: One past the last string.
 */
enum checmate_str {
	CHECMATE_STR_UNSPEC,
	CHECMATE_STR_PATH,
	CHECMATE_STR_TARGET,
	CHECMATE_STR_SOURCE,
	CHECMATE_STR_FSTYPE,
	CHECMATE_STR_NAME,
	__CHECMATE_STR_MAX,
};

/**
 * struct checmate_ctx - Context of any Checmate program
 * @socket_create: For CHECMATE_HOOK_SOCKET_CREATE.
 * @socket_bind: For CHECMATE_HOOK_SOCKET_BIND.
 * @socket_connect: For CHECMATE_HOOK_SOCKET_CONNECT.
 * @socket_listen: For CHECMATE_HOOK_SOCKET_LISTEN.
 * @socket_sendmsg: For CHECMATE_HOOK_SOCKET_SENDMSG.
 * @inet_conn_request: For CHECMATE_HOOK_INET_CONN_REQUEST.
 * @file_open: For CHECMATE_HOOK_FILE_OPEN.
 * @path_mknod: For CHECMATE_HOOK_PATH_MKNOD.
 * @path_mkdir: For CHECMATE_HOOK_PATH_MKDIR.
 * @path_rmdir: For CHECMATE_HOOK_PATH_RMDIR.
 * @path_unlink: For CHECMATE_HOOK_PATH_UNLINK.
 * @path_symlink: For CHECMATE_HOOK_PATH_SYMLINK.
 * @path_link: For CHECMATE_HOOK_PATH_LINK.
 * @path_rename: For CHECMATE_HOOK_PATH_RENAME.
 * @path_truncate: For CHECMATE_HOOK_PATH_TRUNCATE.
 * @path_chmod: For CHECMATE_HOOK_PATH_CHMOD.
 * @path_chown: For CHECMATE_HOOK_PATH_CHOWN.
 * @path_chroot: For CHECMATE_HOOK_PATH_CHROOT.
 * @bprm_check_security: For CHECMATE_HOOK_BPRM_CHECK_SECURITY.
 * @sb_mount: For CHECMATE_HOOK_SB_MOUNT.
 * @move_mount: For CHECMATE_HOOK_MOVE_MOUNT.
 * @sb_umount: For CHECMATE_HOOK_SB_UMOUNT.
 * @sb_remount: For CHECMATE_HOOK_SB_REMOUNT.
 * @sb_pivotroot: For CHECMATE_HOOK_SB_PIVOTROOT.
 * @mmap_file: For CHECMATE_HOOK_MMAP_FILE.
 * @ptrace_access_check: For CHECMATE_HOOK_PTRACE_ACCESS_CHECK.
 * @ptrace_traceme: For CHECMATE_HOOK_PTRACE_TRACEME.
 * @task_kill: For CHECMATE_HOOK_TASK_KILL.
 * @userns_create: For CHECMATE_HOOK_USERNS_CREATE.
 * @capable: For CHECMATE_HOOK_CAPABLE.
 * @bpf: For CHECMATE_HOOK_BPF.
 * @bpf_map_create: For CHECMATE_HOOK_BPF_MAP_CREATE.
 * @bpf_prog_load: For CHECMATE_HOOK_BPF_PROG_LOAD.
 * @bpf_token_create: For CHECMATE_HOOK_BPF_TOKEN_CREATE.
 * @kernel_module_request: For CHECMATE_HOOK_KERNEL_MODULE_REQUEST.
 * @kernel_read_file: For CHECMATE_HOOK_KERNEL_READ_FILE.
 * @kernel_load_data: For CHECMATE_HOOK_KERNEL_LOAD_DATA.
 * @socket_recvmsg: For CHECMATE_HOOK_SOCKET_RECVMSG.
 * @socket_sock_rcv_skb: For CHECMATE_HOOK_SOCKET_SOCK_RCV_SKB.
 * @socket_accept: For CHECMATE_HOOK_SOCKET_ACCEPT.
 *
 * Programs may take a pointer to this union-like struct and use the member
 * of their hook, or a pointer to their hook's struct directly: the layout
 * is the same. Accesses past the size of the hook's struct are rejected.
 */
struct checmate_ctx {
	union {
		struct checmate_socket_create_ctx socket_create;
		struct checmate_socket_bind_ctx socket_bind;
		struct checmate_socket_connect_ctx socket_connect;
		struct checmate_socket_listen_ctx socket_listen;
		struct checmate_socket_sendmsg_ctx socket_sendmsg;
		struct checmate_inet_conn_request_ctx inet_conn_request;
		struct checmate_file_open_ctx file_open;
		struct checmate_path_mknod_ctx path_mknod;
		struct checmate_path_mkdir_ctx path_mkdir;
		struct checmate_path_rmdir_ctx path_rmdir;
		struct checmate_path_unlink_ctx path_unlink;
		struct checmate_path_symlink_ctx path_symlink;
		struct checmate_path_link_ctx path_link;
		struct checmate_path_rename_ctx path_rename;
		struct checmate_path_truncate_ctx path_truncate;
		struct checmate_path_chmod_ctx path_chmod;
		struct checmate_path_chown_ctx path_chown;
		struct checmate_path_chroot_ctx path_chroot;
		struct checmate_bprm_check_security_ctx bprm_check_security;
		struct checmate_sb_mount_ctx sb_mount;
		struct checmate_move_mount_ctx move_mount;
		struct checmate_sb_umount_ctx sb_umount;
		struct checmate_sb_remount_ctx sb_remount;
		struct checmate_sb_pivotroot_ctx sb_pivotroot;
		struct checmate_mmap_file_ctx mmap_file;
		struct checmate_ptrace_access_check_ctx ptrace_access_check;
		struct checmate_ptrace_traceme_ctx ptrace_traceme;
		struct checmate_task_kill_ctx task_kill;
		struct checmate_userns_create_ctx userns_create;
		struct checmate_capable_ctx capable;
		struct checmate_bpf_ctx bpf;
		struct checmate_bpf_map_create_ctx bpf_map_create;
		struct checmate_bpf_prog_load_ctx bpf_prog_load;
		struct checmate_bpf_token_create_ctx bpf_token_create;
		struct checmate_kernel_module_request_ctx kernel_module_request;
		struct checmate_kernel_read_file_ctx kernel_read_file;
		struct checmate_kernel_load_data_ctx kernel_load_data;
		struct checmate_socket_recvmsg_ctx socket_recvmsg;
		struct checmate_socket_sock_rcv_skb_ctx socket_sock_rcv_skb;
		struct checmate_socket_accept_ctx socket_accept;
	};
};

/*
 * Hook control: the BPF_CHECMATE_CTL command of bpf(2)
 *
 * union bpf_attr's checmate_ctl points to a struct checmate_ctl and gives
 * its size. The struct is extensible: a smaller (older) struct is
 * zero-extended, a larger one is accepted only if the bytes this kernel
 * does not know are zero (-E2BIG otherwise), as for openat2(2) and clone3().
 */

/**
 * enum checmate_ctl_op - Operations of BPF_CHECMATE_CTL
 * @CHECMATE_CTL_GET: Report the hook's seals and program counts in
 *	&struct checmate_ctl.
 * @CHECMATE_CTL_RESET: Detach every program of the hook attached to this
 *	cgroup (not its ancestors' nor its descendants'). Links attached
 *	there stay valid but no longer attached.
 * @CHECMATE_CTL_SEAL: Add &struct checmate_ctl.seals to the hook's seals.
 * @CHECMATE_CTL_PROG_INFO: Report in &struct checmate_ctl.prog_flags what
 *	Checmate knows of the program &struct checmate_ctl.prog_fd refers to
 *	(&struct checmate_ctl.cgroup_fd and &struct checmate_ctl.hook are
 *	zero). Needs a struct of at least %CHECMATE_CTL_SIZE_VER1 bytes.
 * @__CHECMATE_CTL_MAX: One past the last operation.
 */
enum checmate_ctl_op {
	CHECMATE_CTL_GET = 1,
	CHECMATE_CTL_RESET,
	CHECMATE_CTL_SEAL,
	CHECMATE_CTL_PROG_INFO,
	__CHECMATE_CTL_MAX,
};

/**
 * DOC: seals
 *
 * Seals of a (cgroup, hook) only ever accumulate: nobody, root in the
 * initial user namespace included, can remove one while the cgroup
 * exists. They do not apply to the cgroup's descendants, whose own
 * programs remain theirs to manage (and cannot override the sealed ones).
 *
 * - %CHECMATE_SEAL_DENY_RESET: CHECMATE_CTL_RESET is refused.
 * - %CHECMATE_SEAL_APPEND_ONLY: programs may be attached, but none may be
 *   removed: BPF_PROG_DETACH, BPF_LINK_DETACH, BPF_LINK_UPDATE,
 *   BPF_F_REPLACE and reset are refused, and releasing a link (closing its
 *   last fd, unpinning it) no longer detaches its program, which stays
 *   until the cgroup is released.
 * - %CHECMATE_SEAL_LOCKED: as append-only, and attaching is refused too.
 */
#define CHECMATE_SEAL_DENY_RESET	(1U << 0)
#define CHECMATE_SEAL_APPEND_ONLY	(1U << 1)
#define CHECMATE_SEAL_LOCKED		(1U << 2)

/**
 * define CHECMATE_PROG_DELEGATED - The program was loaded by delegation
 *
 * Set in &struct checmate_ctl.prog_flags by CHECMATE_CTL_PROG_INFO for a
 * program loaded with a BPF token from a non-initial user namespace: it
 * may only allow or deny, and tasks it governs exec with no_new_privs
 * semantics.
 */
#define CHECMATE_PROG_DELEGATED		(1U << 0)

/**
 * struct checmate_ctl - Argument of BPF_CHECMATE_CTL
 * @op: The operation, a value of &enum checmate_ctl_op.
 * @cgroup_fd: A cgroup v2 directory fd.
 * @hook: The hook, a value of &enum checmate_hook.
 * @seals: For CHECMATE_CTL_SEAL, the CHECMATE_SEAL_* flags to add (at
 *	least one); otherwise zero on input. Set to the hook's seals by
 *	CHECMATE_CTL_GET.
 * @prog_cnt: Zero on input; set by CHECMATE_CTL_GET to the number of
 *	programs attached to the hook of this cgroup.
 * @effective_prog_cnt: Zero on input; set by CHECMATE_CTL_GET to the number
 *	of programs that run for the hook in this cgroup (its own and its
 *	ancestors').
 * @prog_fd: For CHECMATE_CTL_PROG_INFO, a Checmate program fd; zero
 *	otherwise.
 * @prog_flags: Zero on input; set by CHECMATE_CTL_PROG_INFO to the
 *	program's CHECMATE_PROG_* flags.
 * @delegated_seals: Zero on input; set by CHECMATE_CTL_GET to the seals
 *	delegated callers added, which bind only delegated callers (with
 *	a struct of at least %CHECMATE_CTL_SIZE_VER2 bytes).
 *
 * CHECMATE_CTL_GET sets @seals to the seals that bind the caller: for the
 * init admin, those the init admin added; for a delegated caller, those
 * and the ones delegated callers added.
 */
struct checmate_ctl {
	__u32 op;
	__u32 cgroup_fd;
	__u32 hook;
	__u32 seals;
	__u32 prog_cnt;
	__u32 effective_prog_cnt;
	__u32 prog_fd;
	__u32 prog_flags;
	__u32 delegated_seals;
};

/* Size of the first published struct checmate_ctl. */
#define CHECMATE_CTL_SIZE_VER0 24
/* With prog_fd and prog_flags, for CHECMATE_CTL_PROG_INFO. */
#define CHECMATE_CTL_SIZE_VER1 32
/* With delegated_seals. */
#define CHECMATE_CTL_SIZE_VER2 36

#endif /* _UAPI_LINUX_CHECMATE_H */
