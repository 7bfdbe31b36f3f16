/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The forwarding pipeline: what happens to a frame from the moment a bound
 * device hands it to midway until it leaves a port or is dropped.
 */
#ifndef _MW_PIPELINE_H
#define _MW_PIPELINE_H

#include <linux/netdevice.h>
#include <linux/u64_stats_sync.h>

#include "drops.h"

struct mw_port;
struct mw_route;
struct mw_router;

/* Per CPU counters of one port. */
struct mw_port_stats {
	u64 rx_packets;
	u64 rx_bytes;
	u64 tx_packets;
	u64 tx_bytes;
	u64 drops[MW_DROP_MAX];
	struct u64_stats_sync syncp;
};

/* Routers a packet may cross on one host before it is taken for a loop. */
#define MW_MAX_HOPS	16

rx_handler_result_t mw_port_rx(struct sk_buff **pskb);

void mw_count_rx(struct mw_port *p, unsigned int len);
void mw_count_tx(struct mw_port *p, unsigned int len);
void mw_drop(struct mw_port *p, struct sk_buff *skb,
	     enum mw_drop_reason reason);
void mw_port_stats_sum(const struct mw_port *p, struct mw_port_stats *sum);

/* Send @skb (an IPv4 packet) out of exterior port @p to Ethernet @mac. */
void mw_eth_xmit(struct mw_port *p, const u8 *mac, struct sk_buff *skb);

/*
 * Route a packet that the router of @in originates (an ICMP message it
 * sends, sourced from @in's address): the first router does not count as
 * a hop.
 */
void mw_route_local_out(struct mw_port *in, struct sk_buff *skb);

/* icmp.c */
void mw_icmp_send(struct mw_port *in, struct sk_buff *orig, u8 type, u8 code,
		  u32 info);
void mw_icmp_rcv(struct mw_port *in, struct sk_buff *skb);

/* The ECMP flow hash: 5-tuple for TCP/UDP, 3-tuple otherwise. */
u32 mw_flow_hash(__be32 saddr, __be32 daddr, u8 proto, __be16 sport,
		 __be16 dport);
struct mw_route *mw_route_select(struct mw_router *r, __be32 saddr,
				 __be32 daddr, u32 hash);

#endif /* _MW_PIPELINE_H */
