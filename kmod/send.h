/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The transmit path (send.c): packets leave exterior ports.
 */
#ifndef _MW_SEND_H
#define _MW_SEND_H

#include <linux/netdevice.h>

struct mw_port;

/*
 * Send @skb, routed in the router it entered by @in, out of the exterior
 * port @out to the next hop @nh (the gateway, or the destination on the
 * port's subnet); through the tunnel when @out lives on another host.
 */
void mw_output(struct mw_port *in, struct mw_port *out, __be32 nh,
	       struct sk_buff *skb);

/*
 * Whether @skb fits @mtu (a GSO packet: each of its segments), must be
 * fragmented, or was too big with DF: then ICMP fragmentation needed went
 * back to the sender through the router of @in, and @skb is dropped.
 */
enum mw_mtu { MW_MTU_FITS, MW_MTU_FRAGMENT, MW_MTU_DROPPED };
enum mw_mtu mw_mtu_check(struct mw_port *in, struct sk_buff *skb,
			 unsigned int mtu);

/*
 * Split @skb (consumed) into fragments of at most @mtu bytes, each with
 * @headroom, on @frags; false when that failed (counted at @out).
 */
bool mw_fragment(struct mw_port *out, struct sk_buff *skb, unsigned int mtu,
		 unsigned int headroom, struct sk_buff_head *frags);

/*
 * Send @skb (an IPv4 packet) out of exterior port @p, whose device the caller
 * read once under RCU (@dev), to Ethernet @mac.
 */
void mw_eth_xmit(struct mw_port *p, struct net_device *dev, const u8 *mac,
		 struct sk_buff *skb);

#endif /* _MW_SEND_H */
