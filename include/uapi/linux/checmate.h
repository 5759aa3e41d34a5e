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
#define CHECMATE_ABI_VERSION 1

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

/**
 * struct checmate_ctx - Context of any Checmate program
 * @socket_create: For CHECMATE_HOOK_SOCKET_CREATE.
 * @socket_bind: For CHECMATE_HOOK_SOCKET_BIND.
 * @socket_connect: For CHECMATE_HOOK_SOCKET_CONNECT.
 * @socket_listen: For CHECMATE_HOOK_SOCKET_LISTEN.
 * @socket_sendmsg: For CHECMATE_HOOK_SOCKET_SENDMSG.
 * @inet_conn_request: For CHECMATE_HOOK_INET_CONN_REQUEST.
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
