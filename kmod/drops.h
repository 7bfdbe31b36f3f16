/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Why the datapath dropped a packet. One list gives the enum and the names
 * (exported over netlink as strings, so tools need no copy of the list).
 */
#ifndef _MW_DROPS_H
#define _MW_DROPS_H

#define MW_DROP_REASONS(X)						\
	X(NOT_FOR_US,		"not_for_us")	/* other MAC, or not IPv4/ARP */ \
	X(PORT_DOWN,		"port_down")					\
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
	X(NEIGH_QUEUE_FULL,	"neigh_queue_full")				\
	X(NEIGH_FAILED,		"neigh_failed")	/* no ARP answer */		\
	X(REMOTE_PORT,		"remote_port")	/* egress lives on another host */ \
	X(NOMEM,		"nomem")					\
	X(TX_ERROR,		"tx_error")

enum mw_drop_reason {
#define MW_DROP_ENUM(name, str) MW_DROP_##name,
	MW_DROP_REASONS(MW_DROP_ENUM)
#undef MW_DROP_ENUM
	MW_DROP_MAX
};

extern const char *const mw_drop_names[MW_DROP_MAX];

#endif /* _MW_DROPS_H */
