/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ICMP spoken by the virtual routers themselves (icmp.c).
 */
#ifndef _MW_ICMP_H
#define _MW_ICMP_H

#include <linux/skbuff.h>

struct mw_port;

/*
 * Send an ICMP error about @orig, which entered its router by @in, sourced
 * from @in's address; rate-limited per port (the router's icmp_rate).
 */
void mw_icmp_send(struct mw_port *in, struct sk_buff *orig, u8 type, u8 code,
		  u32 info);
/* A packet addressed to the router: answer echo requests, drop the rest. */
void mw_icmp_rcv(struct mw_port *in, struct sk_buff *skb);

#endif /* _MW_ICMP_H */
