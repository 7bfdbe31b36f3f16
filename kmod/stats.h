/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Counters and drop reasons: the room every part of the datapath may call
 * and that calls nothing of midway's.
 *
 * Each port has per-CPU counters of the packets and bytes it received and
 * sent, and of the packets dropped at it, by reason; each host has the same
 * for the tunnel packets exchanged with it. One list of reasons gives the
 * enum and the names (exported over netlink as strings, so tools need no
 * copy of the list).
 *
 * The counters are updated without a lock: only from the packet path
 * (softirq) or with bottom halves disabled, so that an update is never
 * interrupted by another on the same CPU. Lockdep kernels check it.
 */
#ifndef _MW_STATS_H
#define _MW_STATS_H

#include <linux/skbuff.h>
#include <linux/u64_stats_sync.h>

#define MW_DROP_REASONS(X)						\
	X(NOT_FOR_US,		"not_for_us")	/* other MAC, or not IPv4/ARP */ \
	X(PORT_DOWN,		"port_down")					\
	X(VLAN,			"vlan")		/* 802.1Q/802.1ad tagged */	\
	X(BAD_HEADER,		"bad_header")	/* length, version, IHL, checksum */ \
	X(ARP_IGNORED,		"arp_ignored")	/* ARP not for the port's address */ \
	X(LOCAL_UNHANDLED,	"local_unhandled") /* to the router, not an echo */ \
	X(NO_ROUTE,		"no_route")					\
	X(BLACKHOLE,		"blackhole")					\
	X(REJECT,		"reject")					\
	X(TTL_EXCEEDED,		"ttl_exceeded")					\
	X(HOP_LIMIT,		"hop_limit")	/* a loop between routers */	\
	X(FRAG_NEEDED,		"frag_needed")					\
	X(FRAG_FAILED,		"frag_failed")					\
	X(ICMP_RATELIMIT,	"icmp_ratelimited") /* an error not sent */	\
	X(NEIGH_QUEUE_FULL,	"neigh_queue_full")				\
	X(NEIGH_FAILED,		"neigh_failed")	/* no ARP answer */		\
	X(NOMEM,		"nomem")					\
	X(TX_ERROR,		"tx_error")					\
	/* The tunnel's, counted on hosts (tunnel.c). */			\
	X(BAD_TUNNEL_HEADER,	"bad_tunnel_header") /* short, no I flag */	\
	X(UNKNOWN_HOST,		"unknown_host")	/* outer source is no host */	\
	X(UNKNOWN_KEY,		"unknown_key")	/* VNI names no port */		\
	X(KEY_NOT_LOCAL,	"key_not_local") /* nor one of this host's */	\
	X(NO_TUNNEL,		"no_tunnel")	/* no local host: no socket */	\
	X(UNDERLAY_NO_ROUTE,	"underlay_no_route")

enum mw_drop_reason {
#define MW_DROP_ENUM(name, str) MW_DROP_##name,
	MW_DROP_REASONS(MW_DROP_ENUM)
#undef MW_DROP_ENUM
	MW_DROP_MAX
};

extern const char *const mw_drop_names[MW_DROP_MAX];

/* Per CPU counters of one port or host. */
struct mw_stats {
	u64 rx_packets;
	u64 rx_bytes;
	u64 tx_packets;
	u64 tx_bytes;
	u64 drops[MW_DROP_MAX];
	struct u64_stats_sync syncp;
};

void mw_stats_count(struct mw_stats __percpu *stats, bool tx,
		    unsigned int len);
/* Count a drop for @reason and free @skb (which may be NULL). */
void mw_stats_drop(struct mw_stats __percpu *stats, struct sk_buff *skb,
		   enum mw_drop_reason reason);
/* The sum over every CPU, for netlink. */
void mw_stats_sum(const struct mw_stats __percpu *stats, struct mw_stats *sum);

#endif /* _MW_STATS_H */
