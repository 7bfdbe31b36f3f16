/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The transmit path (send.c): packets leave exterior ports.
 */
#ifndef _MW_SEND_H
#define _MW_SEND_H

#include <linux/netdevice.h>

struct mw_port;
struct mw_route;

/* Send @skb, routed by @rt in the router it entered by @in, out of @out. */
void mw_output(struct mw_port *in, struct mw_port *out,
	       const struct mw_route *rt, struct sk_buff *skb);

/*
 * Send @skb (an IPv4 packet) out of exterior port @p, whose device the caller
 * read once under RCU (@dev), to Ethernet @mac.
 */
void mw_eth_xmit(struct mw_port *p, struct net_device *dev, const u8 *mac,
		 struct sk_buff *skb);

#endif /* _MW_SEND_H */
