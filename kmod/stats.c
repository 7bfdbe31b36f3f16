// SPDX-License-Identifier: GPL-2.0
/*
 * Counters and drop reasons: see stats.h.
 */
#include <linux/lockdep.h>
#include <linux/percpu.h>

#include "midway.h"
#include "stats.h"

/* In the order of the list, so each name sits at its reason's index. */
const char *const mw_drop_names[MW_DROP_MAX] = {
#define MW_DROP_NAME(name, str) str,
	MW_DROP_REASONS(MW_DROP_NAME)
#undef MW_DROP_NAME
};

void mw_stats_count(struct mw_stats __percpu *stats, bool tx,
		    unsigned int len)
{
	struct mw_stats *s;

	lockdep_assert_in_softirq();
	s = this_cpu_ptr(stats);
	u64_stats_update_begin(&s->syncp);
	if (tx) {
		s->tx_packets++;
		s->tx_bytes += len;
	} else {
		s->rx_packets++;
		s->rx_bytes += len;
	}
	u64_stats_update_end(&s->syncp);
}

void mw_stats_drop(struct mw_stats __percpu *stats, struct sk_buff *skb,
		   enum mw_drop_reason reason)
{
	struct mw_stats *s;

	lockdep_assert_in_softirq();
	s = this_cpu_ptr(stats);

	u64_stats_update_begin(&s->syncp);
	s->drops[reason]++;
	u64_stats_update_end(&s->syncp);
	kfree_skb(skb);
}

void mw_stats_sum(const struct mw_stats __percpu *stats, struct mw_stats *sum)
{
	unsigned int cpu, start, i;

	memset(sum, 0, sizeof(*sum));
	for_each_possible_cpu(cpu) {
		const struct mw_stats *s = per_cpu_ptr(stats, cpu);
		struct mw_stats v;

		do {
			start = u64_stats_fetch_begin(&s->syncp);
			memcpy(&v, s, offsetof(struct mw_stats, syncp));
		} while (u64_stats_fetch_retry(&s->syncp, start));

		sum->rx_packets += v.rx_packets;
		sum->rx_bytes += v.rx_bytes;
		sum->tx_packets += v.tx_packets;
		sum->tx_bytes += v.tx_bytes;
		for (i = 0; i < MW_DROP_MAX; i++)
			sum->drops[i] += v.drops[i];
	}
}
