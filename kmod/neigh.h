/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The neighbour table of an exterior port: IPv4 -> MAC, learnt by ARP.
 */
#ifndef _MW_NEIGH_H
#define _MW_NEIGH_H

#include <linux/if_ether.h>
#include <linux/skbuff.h>
#include <linux/spinlock.h>
#include <linux/timer.h>

struct mw_port;

#include <linux/midway.h>

/* The states of enum midway_neigh_state. */
#define MW_NEIGH_INCOMPLETE	MIDWAY_NEIGH_INCOMPLETE	/* packets wait */
#define MW_NEIGH_REACHABLE	MIDWAY_NEIGH_REACHABLE
#define MW_NEIGH_STALE		MIDWAY_NEIGH_STALE	/* being probed */
#define MW_NEIGH_STATIC		MIDWAY_NEIGH_STATIC

#define MW_NEIGH_BUCKETS	64
#define MW_NEIGH_MAX		1024	/* entries per port */
#define MW_NEIGH_QLEN		3	/* packets waiting for one answer */
#define MW_NEIGH_PROBES		3	/* ARP requests before giving up */
#define MW_NEIGH_REACHABLE_MS	30000	/* then stale, and probed */

struct mw_neigh {
	struct hlist_node node;		/* RCU */
	__be32 ip;
	u8 mac[ETH_ALEN];		/* fixed: a new MAC is a new entry */
	u8 state;			/* enum midway_neigh_state */
	u8 probes;
	unsigned long confirmed;	/* jiffies */
	unsigned long probed;		/* jiffies of the last request */
	struct sk_buff_head queue;	/* INCOMPLETE only */
	struct rcu_head rcu;
};

struct mw_neigh_table {
	spinlock_t lock;		/* writers; readers use RCU */
	bool dead;			/* port going away: add nothing */
	u32 count;
	/* Retries and ageing, once a second while there are learnt entries */
	struct timer_list timer;
	struct hlist_head buckets[MW_NEIGH_BUCKETS];
};

void mw_neigh_init(struct mw_port *p);
void mw_neigh_flush(struct mw_port *p);
void mw_neigh_output(struct mw_port *p, struct net_device *dev, __be32 nh,
		     struct sk_buff *skb);
void mw_arp_rcv(struct mw_port *p, struct sk_buff *skb);
/* Under RCU: the MAC of @ip if the table of @p knows it (not INCOMPLETE). */
bool mw_neigh_mac(struct mw_port *p, __be32 ip, u8 *mac);
int mw_neigh_add_static(struct mw_port *p, __be32 ip, const u8 *mac);
int mw_neigh_del(struct mw_port *p, __be32 ip);

#endif /* _MW_NEIGH_H */
