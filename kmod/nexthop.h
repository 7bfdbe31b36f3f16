/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Prefixes and their next hops.
 *
 * All routes of one router to one destination prefix hang off one
 * struct mw_prefix, which is the leaf stored in the router's forwarding table
 * (struct mw_fib) while at least one of its routes is active. The packet path
 * reads the prefix's published next-hop set (struct mw_nhset): for each
 * source prefix in use, longest first, the ECMP group of the active routes
 * with the lowest weight, and a table of buckets that maps a flow hash to a
 * member.
 *
 * Buckets make the hashing resilient: when a member leaves, only its buckets
 * are given to the others; when one joins, buckets are taken from members
 * above their fair share. Flows on untouched buckets never move.
 *
 * A prefix whose active routes all have a source prefix is "partial": a
 * packet from another source falls back to the longest shorter destination
 * prefix in the table (its fallback, kept up to date by every change of the
 * router's table), and so on, as Linux's IPv6 source routing does.
 *
 * A next-hop set is immutable once published; changes build a new one and
 * free the old after a grace period. Updates run under RTNL.
 */
#ifndef _MW_NEXTHOP_H
#define _MW_NEXTHOP_H

#include <linux/rhashtable-types.h>
#include <linux/types.h>

struct mw_route;
struct mw_router;
struct mw_net;

#define MW_ECMP_BUCKETS		256	/* power of two */
#define MW_ECMP_MAX		64	/* members of one group */

struct mw_nhgroup {
	__be32 src;
	__be32 src_mask;
	u8 src_len;
	u16 n_members;
	struct mw_route **members;
	u8 *buckets;			/* index into members[]; NULL for one */
};

/*
 * One allocation: the groups, longest source prefix first, then the array
 * of members of each group, then the buckets of each group that has more
 * than one member. A prefix with one route costs 56 bytes.
 */
struct mw_nhset {
	struct rcu_head rcu;
	u32 n_groups;
	struct mw_nhgroup groups[];
};

struct mw_prefix_key {
	struct mw_router *router;
	__be32 dst;
	u8 len;
	u8 pad[3];
};

struct mw_prefix {
	struct mw_prefix_key key;
	struct rhash_head node;		/* mw_net.prefixes */
	struct list_head routes;	/* mw_route.prefix_node, all of them */
	struct mw_nhset __rcu *nhset;	/* NULL: no active route */
	bool in_fib;
	/* Partial prefixes only: on mw_router.partial, and where to go next. */
	struct list_head partial_node;	/* empty when not partial */
	struct mw_prefix __rcu *fallback;
	struct rcu_head rcu;
};

int mw_prefixes_init(struct mw_net *mn);
void mw_prefixes_destroy(struct mw_net *mn);
int mw_prefix_add_route(struct mw_net *mn, struct mw_route *rt);
void mw_prefix_del_route(struct mw_net *mn, struct mw_route *rt);
void mw_prefix_update(struct mw_net *mn, struct mw_prefix *pfx);

/*
 * Packet path, under RCU: the ECMP group that packets from @saddr to an
 * address in @pfx use (@pfx or one of its fallbacks), or NULL.
 */
const struct mw_nhgroup *mw_prefix_group(const struct mw_prefix *pfx,
					 __be32 saddr);

/* The member of @g that a flow with @hash takes. */
static inline struct mw_route *mw_group_member(const struct mw_nhgroup *g,
					       u32 hash)
{
	if (g->n_members == 1)
		return g->members[0];
	return g->members[g->buckets[hash & (MW_ECMP_BUCKETS - 1)]];
}

#endif /* _MW_NEXTHOP_H */
