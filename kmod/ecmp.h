/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ECMP: the flow hash, and resilient buckets that map a hash to one of the
 * members of a group. A leaf: it knows nothing of routes or prefixes, only
 * member indexes.
 *
 * Buckets make the hashing resilient: when a member leaves, only its buckets
 * are given to the others; when one joins, buckets are taken from members
 * above their fair share. Flows on untouched buckets never move.
 */
#ifndef _MW_ECMP_H
#define _MW_ECMP_H

#include <linux/skbuff.h>
#include <linux/types.h>

#define MW_ECMP_BUCKETS		256	/* power of two */
#define MW_ECMP_MAX		64	/* members of one group */

/* The seed of the flow hash, a module parameter (main.c). */
extern u32 mw_ecmp_seed;

/* The flow hash: 5-tuple for TCP/UDP, 3-tuple otherwise. */
u32 mw_ecmp_hash(__be32 saddr, __be32 daddr, u8 proto, __be16 sport,
		 __be16 dport);
/* The flow hash of the IPv4 packet @skb (network header set). */
u32 mw_ecmp_skb_hash(const struct sk_buff *skb);

static inline unsigned int mw_ecmp_bucket(u32 hash)
{
	return hash & (MW_ECMP_BUCKETS - 1);
}

/*
 * Give each of the MW_ECMP_BUCKETS @buckets one of @n (2..MW_ECMP_MAX)
 * members. @owner, when not NULL, says which member each bucket had before
 * (its index in the new group, or -1 for a member that left); NULL builds
 * the group afresh.
 */
void mw_ecmp_fill(u8 *buckets, unsigned int n, const s8 *owner);

#endif /* _MW_ECMP_H */
