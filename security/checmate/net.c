// SPDX-License-Identifier: GPL-2.0-only
/*
 * Checmate LSM - Network hooks
 *
 * Each hook fills its UAPI context from the socket and the address, runs
 * the effective programs of the socket's cgroup (of the current task's for
 * socket_create), and applies the verdict and, for socket_bind, the
 * rewritten address. Kernel-internal sockets are never shown to programs.
 * With no program attached to a hook anywhere, the hook is a static branch.
 */

#include <linux/in.h>
#include <linux/in6.h>
#include <linux/lsm_hooks.h>
#include <linux/net.h>
#include <linux/socket.h>
#include <linux/string.h>
#include <net/inet_sock.h>
#include <net/ipv6.h>
#include <net/request_sock.h>
#include <net/sock.h>

#include "bpf.h"
#include "common.h"
#include "net.h"
#include "setup.h"

static bool is_user_sock(const struct socket *sock)
{
	return sock->sk && !sock->sk->sk_kern_sock;
}

/* Reads family, address and port of a sockaddr of @len bytes. */
static void read_sockaddr(const struct sockaddr *sa, int len, u32 *family,
			  u32 addr[4], u32 *port)
{
	if (len < (int)offsetofend(struct sockaddr, sa_family))
		return;
	*family = sa->sa_family;
	switch (sa->sa_family) {
	case AF_INET:
		if (len < (int)sizeof(struct sockaddr_in))
			return;
		addr[0] = ((const struct sockaddr_in *)sa)->sin_addr.s_addr;
		*port = ntohs(((const struct sockaddr_in *)sa)->sin_port);
		break;
#if IS_ENABLED(CONFIG_IPV6)
	case AF_INET6:
		if (len < SIN6_LEN_RFC2133)
			return;
		memcpy(addr, &((const struct sockaddr_in6 *)sa)->sin6_addr, 16);
		*port = ntohs(((const struct sockaddr_in6 *)sa)->sin6_port);
		break;
#endif
	}
}

/* Writes a rewritten address and port back; the family cannot change. */
static int write_sockaddr(struct sockaddr *sa, int len, const u32 addr[4],
			  u32 port)
{
	if (len < (int)offsetofend(struct sockaddr, sa_family))
		return 0;
	switch (sa->sa_family) {
	case AF_INET:
		if (len < (int)sizeof(struct sockaddr_in))
			return 0;
		if (port > U16_MAX || addr[1] || addr[2] || addr[3])
			return -EINVAL;
		((struct sockaddr_in *)sa)->sin_addr.s_addr = addr[0];
		((struct sockaddr_in *)sa)->sin_port = htons(port);
		break;
#if IS_ENABLED(CONFIG_IPV6)
	case AF_INET6:
		if (len < SIN6_LEN_RFC2133)
			return 0;
		if (port > U16_MAX)
			return -EINVAL;
		memcpy(&((struct sockaddr_in6 *)sa)->sin6_addr, addr, 16);
		((struct sockaddr_in6 *)sa)->sin6_port = htons(port);
		break;
#endif
	}
	return 0;
}

/* Reads the local (@local) or remote address of a connected or bound sk. */
static void read_sock_addr(const struct sock *sk, bool local, u32 addr[4],
			   u32 *port)
{
	const struct inet_sock *inet = inet_sk(sk);

	switch (sk->sk_family) {
	case AF_INET:
		addr[0] = local ? READ_ONCE(inet->inet_rcv_saddr) :
				  READ_ONCE(inet->inet_daddr);
		break;
#if IS_ENABLED(CONFIG_IPV6)
	case AF_INET6:
		memcpy(addr, local ? &sk->sk_v6_rcv_saddr : &sk->sk_v6_daddr,
		       16);
		break;
#endif
	default:
		return;
	}
	*port = local ? READ_ONCE(inet->inet_num) :
			ntohs(READ_ONCE(inet->inet_dport));
}

static int hook_socket_create(int family, int type, int protocol, int kern)
{
	struct checmate_socket_create_ctx ctx = {
		.family = family,
		.type = type & SOCK_TYPE_MASK,
		.protocol = protocol,
	};

	if (!checmate_enabled(CHECMATE_HOOK_SOCKET_CREATE) || kern)
		return 0;
	return checmate_run_current(CHECMATE_HOOK_SOCKET_CREATE, &ctx);
}

static int hook_socket_bind(struct socket *sock, struct sockaddr *address,
			    int addrlen)
{
	struct checmate_socket_bind_ctx ctx = {};
	u32 addr[4], port;
	int ret;

	if (!checmate_enabled(CHECMATE_HOOK_SOCKET_BIND) || !is_user_sock(sock))
		return 0;
	ctx.protocol = sock->sk->sk_protocol;
	read_sockaddr(address, addrlen, &ctx.family, ctx.addr, &ctx.port);
	memcpy(addr, ctx.addr, sizeof(addr));
	port = ctx.port;
	ret = checmate_run_sock(CHECMATE_HOOK_SOCKET_BIND, sock->sk, &ctx);
	if (ret)
		return ret;
	if (port == ctx.port && !memcmp(addr, ctx.addr, sizeof(addr)))
		return 0;
	ret = write_sockaddr(address, addrlen, ctx.addr, ctx.port);
	if (!ret)
		checmate_count(CHECMATE_HOOK_SOCKET_BIND, CHECMATE_STAT_REWRITE);
	return ret;
}

static int hook_socket_connect(struct socket *sock, struct sockaddr *address,
			       int addrlen)
{
	struct checmate_socket_connect_ctx ctx = {};

	if (!checmate_enabled(CHECMATE_HOOK_SOCKET_CONNECT) ||
	    !is_user_sock(sock))
		return 0;
	ctx.protocol = sock->sk->sk_protocol;
	read_sockaddr(address, addrlen, &ctx.family, ctx.addr, &ctx.port);
	return checmate_run_sock(CHECMATE_HOOK_SOCKET_CONNECT, sock->sk, &ctx);
}

static int hook_socket_listen(struct socket *sock, int backlog)
{
	struct checmate_socket_listen_ctx ctx = {};

	if (!checmate_enabled(CHECMATE_HOOK_SOCKET_LISTEN) ||
	    !is_user_sock(sock))
		return 0;
	ctx.family = sock->sk->sk_family;
	ctx.protocol = sock->sk->sk_protocol;
	ctx.backlog = backlog;
	read_sock_addr(sock->sk, true, ctx.addr, &ctx.port);
	return checmate_run_sock(CHECMATE_HOOK_SOCKET_LISTEN, sock->sk, &ctx);
}

static int hook_socket_sendmsg(struct socket *sock, struct msghdr *msg,
			       int size)
{
	struct checmate_socket_sendmsg_ctx ctx = {};

	if (!checmate_enabled(CHECMATE_HOOK_SOCKET_SENDMSG) ||
	    !is_user_sock(sock))
		return 0;
	ctx.family = sock->sk->sk_family;
	ctx.protocol = sock->sk->sk_protocol;
	ctx.len = size;
	if (msg->msg_name && msg->msg_namelen)
		read_sockaddr(msg->msg_name, msg->msg_namelen, &ctx.family,
			      ctx.addr, &ctx.port);
	else
		read_sock_addr(sock->sk, false, ctx.addr, &ctx.port);
	return checmate_run_sock(CHECMATE_HOOK_SOCKET_SENDMSG, sock->sk, &ctx);
}

static int hook_inet_conn_request(const struct sock *sk, struct sk_buff *skb,
				  struct request_sock *req)
{
	struct checmate_inet_conn_request_ctx ctx = {};
	const struct inet_request_sock *ireq = inet_rsk(req);

	if (!checmate_enabled(CHECMATE_HOOK_INET_CONN_REQUEST) ||
	    sk->sk_kern_sock)
		return 0;
	ctx.family = req->rsk_ops->family;
	ctx.protocol = sk->sk_protocol;
	switch (ctx.family) {
	case AF_INET:
		ctx.remote_addr[0] = ireq->ir_rmt_addr;
		ctx.local_addr[0] = ireq->ir_loc_addr;
		break;
#if IS_ENABLED(CONFIG_IPV6)
	case AF_INET6:
		memcpy(ctx.remote_addr, &ireq->ir_v6_rmt_addr, 16);
		memcpy(ctx.local_addr, &ireq->ir_v6_loc_addr, 16);
		break;
#endif
	}
	ctx.remote_port = ntohs(ireq->ir_rmt_port);
	ctx.local_port = ireq->ir_num;
	return checmate_run_sock(CHECMATE_HOOK_INET_CONN_REQUEST, sk, &ctx);
}

static struct security_hook_list checmate_net_hooks[] __ro_after_init = {
	LSM_HOOK_INIT(socket_create, hook_socket_create),
	LSM_HOOK_INIT(socket_bind, hook_socket_bind),
	LSM_HOOK_INIT(socket_connect, hook_socket_connect),
	LSM_HOOK_INIT(socket_listen, hook_socket_listen),
	LSM_HOOK_INIT(socket_sendmsg, hook_socket_sendmsg),
	LSM_HOOK_INIT(inet_conn_request, hook_inet_conn_request),
};

__init void checmate_add_net_hooks(void)
{
	security_add_hooks(checmate_net_hooks, ARRAY_SIZE(checmate_net_hooks),
			   &checmate_lsmid);
}
