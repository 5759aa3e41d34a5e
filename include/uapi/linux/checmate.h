/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * Checmate LSM - user space ABI
 *
 * Everything user space and Checmate programs share: the ABI version and
 * the hooks programs can be attached to.
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

#endif /* _UAPI_LINUX_CHECMATE_H */
