/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The tunnel between hosts (tunnel.c): VXLAN over UDP, one kernel socket per
 * instance, open while the instance has a local host.
 */
#ifndef _MW_TUNNEL_H
#define _MW_TUNNEL_H

#include <linux/netlink.h>
#include <linux/skbuff.h>
#include <linux/types.h>

struct mw_host;
struct mw_net;
struct mw_port;
struct socket;

/* Outer IPv4 + UDP + VXLAN + inner Ethernet: what a packet grows by. */
#define MW_TUNNEL_OVERHEAD	50

struct mw_tunnel {
	struct socket __rcu *sock;	/* NULL: closed */
	__be32 saddr;			/* the local host's address */
	__be16 port;			/* UDP, listened on and sent to */
	u8 ttl;				/* 0: the route's hop limit */
};

void mw_tunnel_init(struct mw_net *mn);

/*
 * Under RTNL and the instance lock. Open the socket on @port, or move it
 * there: on failure nothing changed. Close it (no-op when closed).
 */
int mw_tunnel_open(struct mw_net *mn, __be16 port,
		   struct netlink_ext_ack *extack);
void mw_tunnel_close(struct mw_net *mn);

static inline bool mw_tunnel_is_open(const struct mw_tunnel *t)
{
	return rcu_access_pointer(t->sock);
}

/*
 * Packet path: send @skb, routed by the router of @in to the next hop @nh
 * on the remote exterior port @out, to @out's host @host.
 */
void mw_tunnel_xmit(struct mw_port *in, struct mw_port *out,
		    struct mw_host *host, __be32 nh, struct sk_buff *skb);

#endif /* _MW_TUNNEL_H */
