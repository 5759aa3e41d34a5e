// SPDX-License-Identifier: GPL-2.0-only
/*
 * Checmate LSM - Network hooks
 *
 * Each hook fills its UAPI context from the socket and the address, runs
 * the effective programs of the socket's cgroup (of the current task's for
 * socket_create), and applies the verdict and, for socket_bind, the
 * rewritten address. The context shows what the kernel will act on, not
 * what user space wrote: an AF_UNSPEC address that inet reads as AF_INET
 * is shown as AF_INET, an IPv4-mapped IPv6 address as the IPv4 address,
 * and a connected stream's sends as going to its peer; a send that
 * connects (MSG_FASTOPEN) runs socket_connect programs too.
 * Kernel-internal sockets are never shown to programs. With no program
 * attached to a hook anywhere, the hook is a static branch; with programs
 * attached only outside the socket's cgroup and its ancestors, it is that
 * and a look at the cgroup's effective array (two dependent loads,
 * inline), and no context is built.
 */

#include <linux/in.h>
#include <linux/in6.h>
#include <linux/lsm_hooks.h>
#include <linux/net.h>
#include <linux/socket.h>
#include <linux/string.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/skbuff.h>
#include <net/inet_sock.h>
#include <net/ip.h>
#include <net/ipv6.h>
#include <net/request_sock.h>
#include <uapi/linux/sctp.h>
#include <net/sock.h>

#include "bpf.h"
#include "common.h"
#include "net.h"
#include "setup.h"

static bool is_user_sock(const struct socket *sock)
{
	return sock->sk && !sock->sk->sk_kern_sock;
}

/*
 * What programs see of an address, and the form to write a rewrite back
 * in: family AF_INET covers IPv4-mapped IPv6 addresses too, since the
 * kernel makes an IPv4 connection or binding for them.
 */
enum addr_form {
	FORM_NONE,	/* not an inet address: shown as family only */
	FORM_IN,	/* struct sockaddr_in */
	FORM_IN6,	/* struct sockaddr_in6 */
	FORM_IN6_MAPPED, /* struct sockaddr_in6 with ::ffff:a.b.c.d */
};

struct addr_view {
	u32 family;
	u32 addr[4];
	u32 port;
	enum addr_form form;
};

/* Shows a v4-mapped IPv6 address as the IPv4 address it stands for. */
static void unmap_v4(struct addr_view *v)
{
#if IS_ENABLED(CONFIG_IPV6)
	if (v->family != AF_INET6 ||
	    !ipv6_addr_v4mapped((const struct in6_addr *)v->addr))
		return;
	v->family = AF_INET;
	v->addr[0] = v->addr[3];
	v->addr[1] = 0;
	v->addr[2] = 0;
	v->addr[3] = 0;
	v->form = FORM_IN6_MAPPED;
#endif
}

/* Reads a struct sockaddr_in whatever its sin_family says. */
static void view_in(const struct sockaddr *sa, int len, struct addr_view *v)
{
	const struct sockaddr_in *in = (const struct sockaddr_in *)sa;

	if (len < (int)sizeof(*in))
		return;
	v->family = AF_INET;
	v->addr[0] = in->sin_addr.s_addr;
	v->port = ntohs(in->sin_port);
	v->form = FORM_IN;
}

/* Reads a struct sockaddr_in6 whatever its sin6_family says. */
static void view_in6(const struct sockaddr *sa, int len, struct addr_view *v)
{
#if IS_ENABLED(CONFIG_IPV6)
	const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)sa;

	if (len < SIN6_LEN_RFC2133)
		return;
	v->family = AF_INET6;
	memcpy(v->addr, &in6->sin6_addr, sizeof(v->addr));
	v->port = ntohs(in6->sin6_port);
	v->form = FORM_IN6;
	unmap_v4(v);
#endif
}

/* Reads a sockaddr of @len bytes by its own family. */
static void view_sockaddr(const struct sockaddr *sa, int len,
			  struct addr_view *v)
{
	if (len < (int)offsetofend(struct sockaddr, sa_family))
		return;
	v->family = sa->sa_family;
	if (sa->sa_family == AF_INET)
		view_in(sa, len, v);
	else if (sa->sa_family == AF_INET6)
		view_in6(sa, len, v);
}

/* Reads the local (@local) or remote address of a bound or connected sk. */
static void view_sock(const struct sock *sk, bool local, struct addr_view *v)
{
	const struct inet_sock *inet = inet_sk(sk);

	v->family = sk->sk_family;
	switch (sk->sk_family) {
	case AF_INET:
		v->addr[0] = local ? READ_ONCE(inet->inet_rcv_saddr) :
				     READ_ONCE(inet->inet_daddr);
		break;
#if IS_ENABLED(CONFIG_IPV6)
	case AF_INET6:
		memcpy(v->addr, local ? &sk->sk_v6_rcv_saddr : &sk->sk_v6_daddr,
		       sizeof(v->addr));
		break;
#endif
	default:
		return;
	}
	v->port = local ? READ_ONCE(inet->inet_num) :
			  ntohs(READ_ONCE(inet->inet_dport));
	unmap_v4(v);
}

/*
 * The address a bind acts on. An AF_INET socket binds an AF_UNSPEC address
 * as AF_INET (the kernel accepts it with INADDR_ANY), and a raw AF_INET
 * socket reads any address as a struct sockaddr_in.
 */
static void view_bind(const struct sock *sk, const struct sockaddr *sa,
		      int len, struct addr_view *v)
{
	if (sk->sk_family == AF_INET &&
	    len >= (int)offsetofend(struct sockaddr, sa_family) &&
	    sa->sa_family != AF_INET &&
	    (sa->sa_family == AF_UNSPEC || sk->sk_type == SOCK_RAW))
		view_in(sa, len, v);
	else
		view_sockaddr(sa, len, v);
}

/* Writes a rewritten address and port back in the form it was read. */
static int write_view(struct sockaddr *sa, const struct addr_view *v,
		      const u32 addr[4], u32 port)
{
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)sa;
	struct sockaddr_in *in = (struct sockaddr_in *)sa;

	if (v->form == FORM_NONE)
		return 0;
	if (port > U16_MAX)
		return -EINVAL;
	if (v->form != FORM_IN6 && (addr[1] || addr[2] || addr[3]))
		return -EINVAL;
	switch (v->form) {
	case FORM_IN:
		in->sin_family = AF_INET;
		in->sin_addr.s_addr = addr[0];
		in->sin_port = htons(port);
		break;
	case FORM_IN6:
		memcpy(&in6->sin6_addr, addr, sizeof(in6->sin6_addr));
		in6->sin6_port = htons(port);
		break;
	case FORM_IN6_MAPPED:
		ipv6_addr_set_v4mapped(addr[0], &in6->sin6_addr);
		in6->sin6_port = htons(port);
		break;
	default:
		break;
	}
	return 0;
}

static int run_socket_create(int family, int type, int protocol)
{
	struct checmate_socket_create_ctx ctx = {
		.family = family,
		.type = type & SOCK_TYPE_MASK,
		.protocol = protocol,
	};

	return checmate_run_current(CHECMATE_HOOK_SOCKET_CREATE, &ctx);
}

static int hook_socket_create(int family, int type, int protocol, int kern)
{
	if (!checmate_enabled(CHECMATE_HOOK_SOCKET_CREATE) || kern ||
	    !checmate_current_governed(CHECMATE_HOOK_SOCKET_CREATE))
		return 0;
	return run_socket_create(family, type, protocol);
}

static int decide_bind(struct sock *sk, struct sockaddr *address,
		       int addrlen, bool rewrite)
{
	struct checmate_socket_bind_ctx ctx = {};
	struct addr_view v = {};
	int ret;

	view_bind(sk, address, addrlen, &v);
	ctx.family = v.family;
	ctx.protocol = sk->sk_protocol;
	memcpy(ctx.addr, v.addr, sizeof(ctx.addr));
	ctx.port = v.port;
	ret = checmate_run_sock(CHECMATE_HOOK_SOCKET_BIND, sk, &ctx);
	if (ret || !rewrite)
		return ret;
	if (ctx.port == v.port && !memcmp(ctx.addr, v.addr, sizeof(v.addr)))
		return 0;
	ret = write_view(address, &v, ctx.addr, ctx.port);
	if (!ret && v.form != FORM_NONE)
		checmate_count(CHECMATE_HOOK_SOCKET_BIND, CHECMATE_STAT_REWRITE);
	return ret;
}

/*
 * Runs socket_bind programs for one address; applies their rewrite unless
 * !@rewrite (then a rewrite is ignored).
 */
static int run_bind(struct sock *sk, struct sockaddr *address, int addrlen,
		    bool rewrite)
{
	if (!checmate_sock_governed(CHECMATE_HOOK_SOCKET_BIND, sk))
		return 0;
	return decide_bind(sk, address, addrlen, rewrite);
}

static int hook_socket_bind(struct socket *sock, struct sockaddr *address,
			    int addrlen)
{
	if (!checmate_enabled(CHECMATE_HOOK_SOCKET_BIND) ||
	    !is_user_sock(sock) ||
	    !checmate_sock_governed(CHECMATE_HOOK_SOCKET_BIND, sock->sk))
		return 0;
	return decide_bind(sock->sk, address, addrlen, true);
}

static int decide_connect(const struct sock *sk,
			  const struct sockaddr *address, int addrlen)
{
	struct checmate_socket_connect_ctx ctx = {};
	struct addr_view v = {};

	view_sockaddr(address, addrlen, &v);
	ctx.family = v.family;
	ctx.protocol = sk->sk_protocol;
	memcpy(ctx.addr, v.addr, sizeof(ctx.addr));
	ctx.port = v.port;
	return checmate_run_sock(CHECMATE_HOOK_SOCKET_CONNECT, sk, &ctx);
}

/* Runs socket_connect programs for one address. */
static int run_connect(const struct sock *sk, const struct sockaddr *address,
		       int addrlen)
{
	if (!checmate_sock_governed(CHECMATE_HOOK_SOCKET_CONNECT, sk))
		return 0;
	return decide_connect(sk, address, addrlen);
}

static int hook_socket_connect(struct socket *sock, struct sockaddr *address,
			       int addrlen)
{
	if (!checmate_enabled(CHECMATE_HOOK_SOCKET_CONNECT) ||
	    !is_user_sock(sock) ||
	    !checmate_sock_governed(CHECMATE_HOOK_SOCKET_CONNECT, sock->sk))
		return 0;
	return decide_connect(sock->sk, address, addrlen);
}

static int run_socket_listen(struct socket *sock, int backlog)
{
	struct checmate_socket_listen_ctx ctx = {};
	struct addr_view v = {};

	view_sock(sock->sk, true, &v);
	ctx.family = v.family;
	ctx.protocol = sock->sk->sk_protocol;
	memcpy(ctx.addr, v.addr, sizeof(ctx.addr));
	ctx.port = v.port;
	ctx.backlog = backlog;
	return checmate_run_sock(CHECMATE_HOOK_SOCKET_LISTEN, sock->sk, &ctx);
}

static int hook_socket_listen(struct socket *sock, int backlog)
{
	if (!checmate_enabled(CHECMATE_HOOK_SOCKET_LISTEN) ||
	    !is_user_sock(sock) ||
	    !checmate_sock_governed(CHECMATE_HOOK_SOCKET_LISTEN, sock->sk))
		return 0;
	return run_socket_listen(sock, backlog);
}

/* TCP and MPTCP: connected streams, which ignore a message's address. */
static bool is_inet_stream(const struct sock *sk)
{
	return (sk->sk_family == AF_INET || sk->sk_family == AF_INET6) &&
	       sk->sk_type == SOCK_STREAM &&
	       (sk->sk_protocol == IPPROTO_TCP ||
		sk->sk_protocol == IPPROTO_MPTCP);
}

/*
 * Whether a send may connect the socket: sendto(MSG_FASTOPEN) on a TCP or
 * MPTCP socket connects to msg_name without going through connect(2).
 * The socket's state is not looked at: it is not locked here, and another
 * thread could disconnect it before the send connects (on a connected
 * socket the send fails with EISCONN anyway). TCP_FASTOPEN_CONNECT goes
 * through connect(2).
 */
static bool send_connects(const struct socket *sock, const struct msghdr *msg)
{
	return is_inet_stream(sock->sk) && (msg->msg_flags & MSG_FASTOPEN) &&
	       msg->msg_name;
}

/*
 * The destination of a send. A datagram socket sends to msg_name if there
 * is one: an AF_INET socket reads an AF_UNSPEC one as AF_INET, a raw
 * AF_INET6 socket as AF_INET6, while UDP over AF_INET6 takes AF_UNSPEC for
 * "no address", the connected peer.
 */
static void view_send(const struct socket *sock, const struct msghdr *msg,
		      struct addr_view *v)
{
	const struct sockaddr *sa = msg->msg_name;
	const struct sock *sk = sock->sk;
	int len = msg->msg_namelen;

	/*
	 * A stream sends to its peer; a Fast Open send only to msg_name if
	 * no peer is set yet (a TCP_FASTOPEN_CONNECT socket has one from its
	 * connect(2) and ignores msg_name).
	 */
	if (is_inet_stream(sk) &&
	    (!send_connects(sock, msg) || READ_ONCE(inet_sk(sk)->inet_dport)))
		sa = NULL;
	if (!sa || len < (int)offsetofend(struct sockaddr, sa_family))
		view_sock(sk, false, v);
	else if (sa->sa_family != AF_UNSPEC)
		view_sockaddr(sa, len, v);
	else if (sk->sk_family == AF_INET)
		view_in(sa, len, v);
	else if (sk->sk_family == AF_INET6 && sk->sk_type == SOCK_RAW)
		view_in6(sa, len, v);
	else if (sk->sk_family == AF_INET6)
		view_sock(sk, false, v);
}

static int run_sendmsg(struct socket *sock, struct msghdr *msg, int size)
{
	struct checmate_socket_sendmsg_ctx ctx = {};
	struct addr_view v = {};

	view_send(sock, msg, &v);
	ctx.family = v.family;
	ctx.protocol = sock->sk->sk_protocol;
	memcpy(ctx.addr, v.addr, sizeof(ctx.addr));
	ctx.port = v.port;
	ctx.len = size;
	ctx.type = sock->sk->sk_type;
	return checmate_run_sock(CHECMATE_HOOK_SOCKET_SENDMSG, sock->sk, &ctx);
}

static int hook_socket_sendmsg(struct socket *sock, struct msghdr *msg,
			       int size)
{
	const bool connect_on = checmate_enabled(CHECMATE_HOOK_SOCKET_CONNECT);
	const bool send_on = checmate_enabled(CHECMATE_HOOK_SOCKET_SENDMSG);
	int ret;

	if ((!connect_on && !send_on) || !is_user_sock(sock))
		return 0;
	if (connect_on && send_connects(sock, msg)) {
		/* an implicit connect: socket_connect programs decide it */
		ret = run_connect(sock->sk, msg->msg_name, msg->msg_namelen);
		if (ret)
			return ret;
	}
	if (!send_on ||
	    !checmate_sock_governed(CHECMATE_HOOK_SOCKET_SENDMSG, sock->sk))
		return 0;
	return run_sendmsg(sock, msg, size);
}

static int run_inet_conn_request(const struct sock *sk, struct sk_buff *skb,
				 struct request_sock *req)
{
	struct checmate_inet_conn_request_ctx ctx = {};
	const struct inet_request_sock *ireq = inet_rsk(req);

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

static int hook_inet_conn_request(const struct sock *sk, struct sk_buff *skb,
				  struct request_sock *req)
{
	if (!checmate_enabled(CHECMATE_HOOK_INET_CONN_REQUEST) ||
	    sk->sk_kern_sock ||
	    !checmate_sock_governed(CHECMATE_HOOK_INET_CONN_REQUEST, sk))
		return 0;
	return run_inet_conn_request(sk, skb, req);
}

/*
 * A receive: before anything is dequeued, so the sender of a datagram to
 * an unconnected socket is not known yet (socket_sock_rcv_skb shows it).
 */
static int run_socket_recvmsg(struct socket *sock, int size, int flags)
{
	struct checmate_socket_recvmsg_ctx ctx = {};
	struct addr_view local = {}, remote = {};
	struct sock *sk = sock->sk;

	view_sock(sk, true, &local);
	view_sock(sk, false, &remote);
	ctx.family = remote.port ? remote.family : local.family;
	ctx.protocol = sk->sk_protocol;
	memcpy(ctx.remote_addr, remote.addr, sizeof(ctx.remote_addr));
	ctx.remote_port = remote.port;
	memcpy(ctx.local_addr, local.addr, sizeof(ctx.local_addr));
	ctx.local_port = local.port;
	ctx.type = sock->type;
	ctx.size = size;
	ctx.flags = flags;
	return checmate_run_sock(CHECMATE_HOOK_SOCKET_RECVMSG, sk, &ctx);
}

static int hook_socket_recvmsg(struct socket *sock, struct msghdr *msg,
			       int size, int flags)
{
	if (!checmate_enabled(CHECMATE_HOOK_SOCKET_RECVMSG) ||
	    !is_user_sock(sock) ||
	    !checmate_sock_governed(CHECMATE_HOOK_SOCKET_RECVMSG, sock->sk))
		return 0;
	return run_socket_recvmsg(sock, size, flags);
}

/* The ports of a TCP, UDP, UDP-Lite, SCTP or DCCP header at @off. */
static void view_ports(const struct sk_buff *skb, int off, u8 proto,
		       struct checmate_socket_sock_rcv_skb_ctx *ctx)
{
	__be16 buf[2];
	const __be16 *ports;

	switch (proto) {
	case IPPROTO_TCP:
	case IPPROTO_UDP:
	case IPPROTO_UDPLITE:
	case IPPROTO_SCTP:
	case IPPROTO_DCCP:
		break;
	default:
		return;
	}
	ports = skb_header_pointer(skb, off, sizeof(buf), buf);
	if (!ports)
		return;
	ctx->remote_port = ntohs(ports[0]);
	ctx->local_port = ntohs(ports[1]);
}

/*
 * Reads the addresses and ports from the packet's headers, which are
 * still in the linear data before skb->data (as SELinux reads them).
 */
static void view_skb(const struct sk_buff *skb,
		     struct checmate_socket_sock_rcv_skb_ctx *ctx)
{
	int off = skb_network_offset(skb);

	if (skb->protocol == htons(ETH_P_IP)) {
		const struct iphdr *iph;
		struct iphdr ih;

		iph = skb_header_pointer(skb, off, sizeof(ih), &ih);
		if (!iph || iph->ihl < 5)
			return;
		ctx->family = AF_INET;
		ctx->remote_addr[0] = iph->saddr;
		ctx->local_addr[0] = iph->daddr;
		if (!(ntohs(iph->frag_off) & IP_OFFSET))
			view_ports(skb, off + iph->ihl * 4, iph->protocol,
				   ctx);
#if IS_ENABLED(CONFIG_IPV6)
	} else if (skb->protocol == htons(ETH_P_IPV6)) {
		const struct ipv6hdr *ip6;
		struct ipv6hdr ih6;
		__be16 frag_off;
		u8 nexthdr;

		ip6 = skb_header_pointer(skb, off, sizeof(ih6), &ih6);
		if (!ip6)
			return;
		ctx->family = AF_INET6;
		memcpy(ctx->remote_addr, &ip6->saddr, 16);
		memcpy(ctx->local_addr, &ip6->daddr, 16);
		nexthdr = ip6->nexthdr;
		off = ipv6_skip_exthdr(skb, off + sizeof(ih6), &nexthdr,
				       &frag_off);
		/* the offset is negative when the header was pulled (SCTP) */
		if (off != -1 && !(frag_off & htons(IP6_OFFSET)))
			view_ports(skb, off, nexthdr, ctx);
#endif
	}
}

static int run_socket_sock_rcv_skb(struct sock *sk, struct sk_buff *skb)
{
	struct checmate_socket_sock_rcv_skb_ctx ctx = {};

	ctx.family = sk->sk_family;
	ctx.protocol = sk->sk_protocol;
	ctx.len = skb->len;
	if (sk->sk_family == AF_INET || sk->sk_family == AF_INET6)
		view_skb(skb, &ctx);
	return checmate_run_sock(CHECMATE_HOOK_SOCKET_SOCK_RCV_SKB, sk, &ctx);
}

/*
 * Every packet queued on a socket, in softirq context (or the sender's,
 * for AF_UNIX): the socket's cgroup decides, as for inet_conn_request.
 */
static int hook_socket_sock_rcv_skb(struct sock *sk, struct sk_buff *skb)
{
	if (!checmate_enabled(CHECMATE_HOOK_SOCKET_SOCK_RCV_SKB) ||
	    sk->sk_kern_sock ||
	    !checmate_sock_governed(CHECMATE_HOOK_SOCKET_SOCK_RCV_SKB, sk))
		return 0;
	return run_socket_sock_rcv_skb(sk, skb);
}

static int run_socket_accept(struct sock *sk)
{
	struct checmate_socket_accept_ctx ctx = {};
	struct addr_view local = {};

	view_sock(sk, true, &local);
	ctx.family = local.family;
	ctx.protocol = sk->sk_protocol;
	memcpy(ctx.addr, local.addr, sizeof(ctx.addr));
	ctx.port = local.port;
	return checmate_run_sock(CHECMATE_HOOK_SOCKET_ACCEPT, sk, &ctx);
}

static int hook_socket_accept(struct socket *sock, struct socket *newsock)
{
	if (!checmate_enabled(CHECMATE_HOOK_SOCKET_ACCEPT) ||
	    !is_user_sock(sock) ||
	    !checmate_sock_governed(CHECMATE_HOOK_SOCKET_ACCEPT, sock->sk))
		return 0;
	return run_socket_accept(sock->sk);
}

/*
 * SCTP's own ways to bind and connect: sctp_bindx(3) and
 * SCTP_SET_PEER_PRIMARY_ADDR name local addresses, sctp_connectx(3), a
 * send that creates an association (for msg_name and for each
 * SCTP_DSTADDRV4/V6 peer it adds) and SCTP_PRIMARY_ADDR remote ones.
 * @address holds a packed list of addresses; each goes to the programs of
 * its hook (socket_bind programs may rewrite it, as for bind(2)).
 * Addresses a peer adds with ASCONF (SCTP_PARAM_*) arrive without a task
 * and are not shown.
 */
static int hook_sctp_bind_connect(struct sock *sk, int optname,
				  struct sockaddr *address, int addrlen)
{
	bool bind;
	int off, len, ret;

	switch (optname) {
	case SCTP_SOCKOPT_BINDX_ADD:
	case SCTP_SET_PEER_PRIMARY_ADDR:
		bind = true;
		if (!checmate_enabled(CHECMATE_HOOK_SOCKET_BIND))
			return 0;
		break;
	case SCTP_SOCKOPT_CONNECTX:
	case SCTP_SENDMSG_CONNECT:
	case SCTP_PRIMARY_ADDR:
		bind = false;
		if (!checmate_enabled(CHECMATE_HOOK_SOCKET_CONNECT))
			return 0;
		break;
	default:
		return 0;
	}
	if (sk->sk_kern_sock)
		return 0;
	for (off = 0; off < addrlen; off += len) {
		struct sockaddr *sa = (struct sockaddr *)((u8 *)address + off);

		if (addrlen - off < (int)offsetofend(struct sockaddr, sa_family))
			return -EINVAL;
		switch (sa->sa_family) {
		case AF_UNSPEC:
		case AF_INET:
			len = sizeof(struct sockaddr_in);
			break;
		case AF_INET6:
			len = sizeof(struct sockaddr_in6);
			break;
		default:
			return -EINVAL;
		}
		if (len > addrlen - off)
			return -EINVAL;
		/*
		 * SCTP checked a SET_PEER_PRIMARY_ADDR address before this
		 * hook: it is decided, never rewritten past that check.
		 */
		ret = bind ? run_bind(sk, sa, len,
				      optname == SCTP_SOCKOPT_BINDX_ADD) :
			     run_connect(sk, sa, len);
		if (ret)
			return ret;
	}
	return 0;
}

static struct security_hook_list checmate_net_hooks[] __ro_after_init = {
	LSM_HOOK_INIT(socket_create, hook_socket_create),
	LSM_HOOK_INIT(socket_bind, hook_socket_bind),
	LSM_HOOK_INIT(socket_connect, hook_socket_connect),
	LSM_HOOK_INIT(socket_listen, hook_socket_listen),
	LSM_HOOK_INIT(socket_sendmsg, hook_socket_sendmsg),
	LSM_HOOK_INIT(inet_conn_request, hook_inet_conn_request),
	LSM_HOOK_INIT(sctp_bind_connect, hook_sctp_bind_connect),
	LSM_HOOK_INIT(socket_recvmsg, hook_socket_recvmsg),
	LSM_HOOK_INIT(socket_sock_rcv_skb, hook_socket_sock_rcv_skb),
	LSM_HOOK_INIT(socket_accept, hook_socket_accept),
};

__init void checmate_add_net_hooks(void)
{
	security_add_hooks(checmate_net_hooks, ARRAY_SIZE(checmate_net_hooks),
			   &checmate_lsmid);
}
