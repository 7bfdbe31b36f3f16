// SPDX-License-Identifier: GPL-2.0
/*
 * ECMP: the flow hash and resilient buckets, see ecmp.h.
 */
#include <linux/bitmap.h>
#include <linux/ip.h>
#include <linux/jhash.h>
#include <net/ip.h>

#include "ecmp.h"

u32 mw_ecmp_hash(__be32 saddr, __be32 daddr, u8 proto, __be16 sport,
		 __be16 dport)
{
	u32 ports = ((__force u32)sport << 16) | (__force u32)dport;

	return jhash_3words((__force u32)saddr, (__force u32)daddr,
			    ports ^ proto, mw_ecmp_seed);
}

u32 mw_ecmp_skb_hash(const struct sk_buff *skb)
{
	const struct iphdr *iph = ip_hdr(skb);
	const __be16 *ports = NULL;
	__be16 buf[2];

	if ((iph->protocol == IPPROTO_TCP || iph->protocol == IPPROTO_UDP) &&
	    !ip_is_fragment(iph))
		ports = skb_header_pointer(skb, skb_network_offset(skb) +
					   iph->ihl * 4, sizeof(buf), buf);
	return mw_ecmp_hash(iph->saddr, iph->daddr, iph->protocol,
			    ports ? ports[0] : 0, ports ? ports[1] : 0);
}

/*
 * Every member gets its fair share (the first BUCKETS % n members one
 * more). A bucket's "home" member is the one it has when the group is built
 * afresh: bucket b belongs to member b % n.
 *
 * With @owner (members only left since the previous table), a bucket stays
 * with its member if that is its home (pass 1), or else while the member is
 * under its share (pass 2); the rest go home if there is room, else to any
 * member under its share (pass 3): a member that leaves takes only its own
 * flows with it. When a member joins, the caller passes no owner and every
 * bucket goes home: the layout is the fresh one again, so after a member
 * comes back the spread is exactly what it was before it left.
 */
void mw_ecmp_fill(u8 *buckets, unsigned int n, const s8 *owner)
{
	u16 quota[MW_ECMP_MAX], count[MW_ECMP_MAX] = {};
	DECLARE_BITMAP(taken, MW_ECMP_BUCKETS);
	unsigned int b, m;

	bitmap_zero(taken, MW_ECMP_BUCKETS);
	for (m = 0; m < n; m++)
		quota[m] = MW_ECMP_BUCKETS / n + (m < MW_ECMP_BUCKETS % n);

	for (b = 0; owner && b < MW_ECMP_BUCKETS; b++) {
		if (owner[b] == b % n) {
			buckets[b] = owner[b];
			count[owner[b]]++;
			__set_bit(b, taken);
		}
	}
	for (b = 0; owner && b < MW_ECMP_BUCKETS; b++) {
		int i = owner[b];

		if (!test_bit(b, taken) && i >= 0 && count[i] < quota[i]) {
			buckets[b] = i;
			count[i]++;
			__set_bit(b, taken);
		}
	}
	m = 0;
	for (b = 0; b < MW_ECMP_BUCKETS; b++) {
		if (test_bit(b, taken))
			continue;
		if (count[b % n] < quota[b % n]) {
			buckets[b] = b % n;
			count[b % n]++;
			continue;
		}
		while (count[m] >= quota[m])
			m++;
		buckets[b] = m;
		count[m]++;
	}
}
