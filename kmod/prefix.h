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
 * The buckets (ecmp.c) make the hashing resilient.
 *
 * A prefix whose active routes all have a source prefix is "partial": a
 * packet from another source falls back to the longest shorter destination
 * prefix in the table (its fallback, kept up to date by every change of the
 * router's table), and so on, as Linux's IPv6 source routing does.
 *
 * A next-hop set is immutable once published; changes build a new one and
 * free the old after a grace period. Updates run under the instance lock
 * (mw_net.lock).
 *
 * Changes are all or nothing. A change first builds every new set it needs
 * (mw_prefix_prepare()), which may fail for want of memory; only then does
 * it publish them (mw_prefix_commit()), which can fail only when a prefix
 * enters the forwarding table and the table cannot grow, and then leaves
 * that prefix as it was. A route's ACTIVE flag says what the published
 * state holds: it changes only when a set built with the route usable (or
 * not) is published. When a change that cannot fail (a carrier going down,
 * an admin state) cannot be published, the prefix keeps its old next hops
 * and goes on the instance's resync list, which a work item retries.
 *
 * A prefix that leaves the table keeps its last set published: a lookup
 * that found the prefix an instant before sees its old next hops, never an
 * empty prefix (which would answer "net unreachable" where a shorter prefix
 * covers the address). The stale set is freed when the prefix is given a
 * new one or is freed, after a grace period.
 */
#ifndef _MW_PREFIX_H
#define _MW_PREFIX_H

#include <linux/ip.h>
#include <linux/rhashtable-types.h>
#include <linux/skbuff.h>
#include <linux/types.h>

#include "ecmp.h"
#include "fib.h"

struct mw_route;
struct mw_router;
struct mw_net;

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
	struct mw_nhset __rcu *nhset;	/* live only while in_fib */
	bool in_fib;
	/* A change in progress: the set it built, on its batch list. */
	bool prepared;
	struct mw_nhset *next;
	struct list_head batch_node;
	struct list_head resync_node;	/* mw_net.resync; empty if in sync */
	/* Partial prefixes only: on mw_router.partial, and where to go next. */
	struct list_head partial_node;	/* empty when not partial */
	struct mw_prefix __rcu *fallback;
	struct rcu_head rcu;
};

int mw_prefixes_init(struct mw_net *mn);
void mw_prefixes_destroy(struct mw_net *mn);

/*
 * Add @rt to its prefix and publish the prefix's next hops with it: 0, or an
 * error and nothing changed.
 */
int mw_prefix_add_route(struct mw_net *mn, struct mw_route *rt);
/*
 * Take @rt off its prefix, which no longer uses it (see mw_prefix_batch),
 * and free the prefix when it was the last route.
 */
void mw_prefix_del_route(struct mw_net *mn, struct mw_route *rt);
/*
 * Publish @rt, which takes the place of @old (marked dying by the caller):
 * first @rt's prefix with @rt, then @old's without @old (one set when it is
 * the same prefix), so that every lookup finds one of them. All or nothing:
 * 0, or an error and nothing published. @old stays on its prefix's list for
 * mw_prefix_del_route().
 */
int mw_prefix_move_route(struct mw_net *mn, struct mw_route *old,
			 struct mw_route *rt);
/*
 * Publish @pfx's next hops again after the usability of its routes changed;
 * when that fails, keep the old ones and retry later (the resync list).
 */
void mw_prefix_refresh(struct mw_net *mn, struct mw_prefix *pfx);
/* The resync list's work: see prefix.h above. */
void mw_prefix_resync_work(struct work_struct *work);

/*
 * A change of several prefixes at once, all or nothing: the routes it takes
 * away are marked dying (mw_route.dying) first, then each of their prefixes
 * is added, then mw_prefix_batch_end() publishes every new set, or, when one
 * of them could not be built, none (and returns the error: the caller clears
 * the marks).
 */
struct mw_prefix_batch {
	struct list_head prefixes;	/* mw_prefix.batch_node */
	int err;
};

void mw_prefix_batch_begin(struct mw_prefix_batch *b);
void mw_prefix_batch_add(struct mw_prefix_batch *b, struct mw_prefix *pfx);
int mw_prefix_batch_end(struct mw_net *mn, struct mw_prefix_batch *b);

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
	return g->members[g->buckets[mw_ecmp_bucket(hash)]];
}

/*
 * The route lookup of the packet path, under RCU: the ECMP group packets
 * from @saddr to @daddr use in the table @fib (of a router), or NULL.
 */
static inline const struct mw_nhgroup *mw_route_group(const struct mw_fib *fib,
						      __be32 saddr, __be32 daddr)
{
	struct mw_prefix *pfx = mw_fib_lookup(fib, daddr);

	return pfx ? mw_prefix_group(pfx, saddr) : NULL;
}

/*
 * The route the IPv4 packet @skb takes through @fib, or NULL; its flow is
 * hashed only when the group has a choice.
 */
static inline struct mw_route *mw_route_skb(const struct mw_fib *fib,
					    const struct sk_buff *skb)
{
	const struct iphdr *iph = ip_hdr(skb);
	const struct mw_nhgroup *g = mw_route_group(fib, iph->saddr, iph->daddr);

	if (unlikely(!g))
		return NULL;
	return mw_group_member(g, g->n_members > 1 ? mw_ecmp_skb_hash(skb) : 0);
}

#endif /* _MW_PREFIX_H */
