/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The receive path (receive.c): frames from bound devices, and the routing
 * of packets through the virtual routers of this host.
 */
#ifndef _MW_RECEIVE_H
#define _MW_RECEIVE_H

#include <linux/netdevice.h>

struct mw_port;

/* Routers a packet may cross on one host before it is taken for a loop. */
#define MW_MAX_HOPS	16

/*
 * Whether skb->data is a sound IPv4 header (lengths, version, checksum);
 * sets the network and transport headers and trims the skb to the packet.
 */
bool mw_ip_check(struct sk_buff *skb);

/*
 * Scrub what a packet carried from the network it came from (tag, mark,
 * timestamp, conntrack...), as ip_forward() does, when it enters a router.
 */
void mw_skb_scrub(struct sk_buff *skb);

/* The rx handler of every bound device. */
rx_handler_result_t mw_port_rx(struct sk_buff **pskb);

/*
 * Route a packet that the router of @in originates (an ICMP message it
 * sends, sourced from @in's address): the first router does not count as
 * a hop.
 */
void mw_route_local_out(struct mw_port *in, struct sk_buff *skb);

#endif /* _MW_RECEIVE_H */
