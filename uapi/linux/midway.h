/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * midway: an overlay virtual router. Generic netlink interface.
 *
 * Family "midway", version 1 (MIDWAY_GENL_NAME, MIDWAY_GENL_VERSION).
 * Documentation/netlink/specs/midway.yaml describes the same family as a YNL
 * spec; a selftest checks that the two agree.
 *
 * Every network namespace holds its own independent instance: the objects a
 * caller sees and changes are those of the netns of its netlink socket, and
 * they are destroyed with the namespace.
 *
 * Objects
 * -------
 * All objects are keyed by a 128-bit UUID chosen by the caller (the topology
 * store's ids), carried as 16 bytes in network order (RFC 4122 layout).
 * Names are free-form labels, not keys: several objects may share one.
 *
 *   router  a virtual router.
 *   port    a port of one router. Exterior ports attach VMs or NICs and live
 *           on one host; interior ports come in peered pairs that link two
 *           routers.
 *   route   an entry of one router's forwarding table.
 *   host    a hypervisor or gateway node: the tunnel endpoint of the ports
 *           that live on it. At most one host is the local one.
 *
 * References: a port names its router, an interior port its peer, an exterior
 * port its host; a route names its router and (next hop "port") its egress
 * port, which must belong to the same router. An object that is referenced
 * cannot be deleted (-EBUSY, with a message saying by what) unless the delete
 * request carries the CASCADE flag, which deletes what refers to it:
 *   router:  its routes and ports (interior peers elsewhere are unpeered);
 *   port:    the routes via it (its interior peer is unpeered);
 *   host:    the exterior ports that live on it, and their routes.
 *
 * Commands
 * --------
 * Requests and replies carry no family header beyond struct genlmsghdr; the
 * attributes are at the top level, in the attribute set of the object the
 * command names (MIDWAY_A_ROUTER_*, MIDWAY_A_PORT_*, MIDWAY_A_ROUTE_*,
 * MIDWAY_A_HOST_*).
 *
 * NEW, DEL and SET need CAP_NET_ADMIN in the user namespace that owns the
 * network namespace (GENL_UNS_ADMIN_PERM). GET, as a do or a dump, is open to
 * everyone. Every successful NEW, SET and DEL is multicast on the "events"
 * group as a message of the same command holding the whole object (for DEL,
 * the object as it was); with NLM_F_ECHO the requester receives it too.
 *
 * Create or replace: ROUTER_NEW, PORT_NEW, ROUTE_NEW and HOST_NEW with
 * NLM_F_REPLACE, on an id that exists, replace that object in place; without
 * NLM_F_REPLACE they fail with -EEXIST. (NLM_F_CREATE is neither needed nor
 * checked: NEW always creates an id that does not exist.) The object then
 * is exactly what a NEW with the same attributes would have made, absent
 * optional attributes taking their defaults, with these exceptions:
 *   - attributes fixed at creation must match: a port's ROUTER_ID and KIND,
 *     its TUNNEL_KEY when given, its PEER_ID when given (absent, the port
 *     keeps its peer); a route's ROUTER_ID. Otherwise -EINVAL, with an
 *     extack message naming the attribute, and nothing changes;
 *   - a port without MAC keeps its MAC, and without TUNNEL_KEY its tunnel
 *     key (a NEW would have chosen one at random; the kernel keeps the one
 *     it chose);
 *   - a replaced object keeps its place in dumps, its counters and a port
 *     its neighbour table.
 * A port replaced without IFINDEX/IFNAME is unbound, without HOST_ID it is
 * on no host. A replaced route takes the forwarding table from the old route
 * to the new one as ROUTE_SET does. A replace that fails changes nothing.
 * It is multicast as a message of the NEW command (one event), and derived
 * state changes (PORT_STATE, ROUTE_STATE) follow as usual.
 *
 * MIDWAY_CMD_ROUTER_NEW, _SET
 *     ID              required
 *     NAME            optional, up to MIDWAY_NAME_MAX - 1 bytes, NUL-terminated
 *     ADMIN_UP        optional u8 0/1, default 1 on NEW
 *     ICMP_RATE       optional u32, 0..MIDWAY_ICMP_RATE_MAX, default
 *                     MIDWAY_ICMP_RATE_DEFAULT: the ICMP errors (unreachable,
 *                     time exceeded, fragmentation needed) that each port of
 *                     the router may send per second (RFC 1812 4.3.2.8); 0:
 *                     no limit. Echo replies are not limited.
 *     ICMP_BURST      optional u32, 1..MIDWAY_ICMP_BURST_MAX, default
 *                     MIDWAY_ICMP_BURST_DEFAULT: how many of them a port may
 *                     send at once after a quiet time (the token bucket's
 *                     depth). Errors over the limit are not sent, and are
 *                     counted as the drop reason "icmp_ratelimited" of the
 *                     port.
 *   SET changes only the attributes present.
 * MIDWAY_CMD_ROUTER_DEL
 *     ID              required
 *     CASCADE         optional flag
 * MIDWAY_CMD_ROUTER_GET
 *   do:   ID required; the reply has ID, NAME, ADMIN_UP, ICMP_RATE,
 *         ICMP_BURST, and the read-only counts N_PORTS and N_ROUTES.
 *   dump: no attributes; one message per router.
 *
 * MIDWAY_CMD_PORT_NEW
 *     ID, ROUTER_ID, KIND   required
 *     NAME, ADMIN_UP        optional, as for routers
 *     MAC                   optional, 6 bytes; default: a random local MAC
 *     ADDR, PREFIXLEN       optional, together: the port's IPv4 address
 *     TUNNEL_KEY            optional, 1..0xffffff, unique in the instance;
 *                           allocated by the kernel when absent
 *     PEER_ID               interior only, optional: an existing interior
 *                           port of another router that has no peer yet;
 *                           both ends then name each other
 *     HOST_ID               exterior only, optional: where the port lives
 *     IFINDEX               exterior only, optional: the network device the
 *                           port is bound to; only on the local host
 *     IFNAME                exterior only, optional: the same device by
 *                           name (with IFINDEX too, both must name it)
 *     PROXY_ARP             optional u8 0/1, default 0: answer ARP for every
 *                           address of the port's subnet, not only its own
 *     REMOTE_UP             exterior only, optional u8 0/1, default 1: for a
 *                           port on a remote host, whether it is up there
 *                           (the controller sets it from the topology
 *                           store's "port active" state); see OPER_UP
 *     VLAN                  exterior only, optional u16 0..4094, default 0:
 *                           the 802.1Q VLAN the port's network is on. 0:
 *                           the port sends and accepts untagged frames
 *                           only. 1..4094: it sends every frame tagged with
 *                           that VLAN id and accepts only frames tagged with
 *                           it. A frame tagged otherwise (another VLAN id,
 *                           802.1ad, a second tag) is dropped and counted as
 *                           the drop reason "vlan".
 * MIDWAY_CMD_PORT_SET
 *     ID required; may change NAME, ADMIN_UP, MAC, ADDR + PREFIXLEN, HOST_ID,
 *     IFINDEX or IFNAME (IFINDEX 0 unbinds), PROXY_ARP, VLAN, REMOTE_UP. ROUTER_ID, KIND,
 *     TUNNEL_KEY and PEER_ID are fixed at creation (-EINVAL if they differ).
 *     HOST_ID of all zeroes takes an exterior port off its host: it is then
 *     on no host, and down. Refused (-EBUSY) while the port is bound to a
 *     device, unless the same request unbinds it (IFINDEX 0). On PORT_NEW,
 *     a zero HOST_ID is the same as none.
 * MIDWAY_CMD_PORT_DEL
 *     ID required, CASCADE optional flag.
 * MIDWAY_CMD_PORT_GET
 *   do:   ID required.
 *   dump: optional ROUTER_ID restricts the dump to that router's ports.
 *   Replies hold every attribute set on the port, the read-only counters
 *   STATS (nest of MIDWAY_A_STATS_*; an exterior port counts Ethernet frames,
 *   an interior port IP packets) and DROPS (a nest holding one
 *   MIDWAY_A_DROP nest per reason that counted a drop: REASON, a name such
 *   as "no_route", and COUNT), and the read-only OPER_UP:
 *   1 when the port can carry traffic. An exterior port is up when it is
 *   admin-up and either bound to a local device that is running with carrier,
 *   or placed on a remote host with REMOTE_UP 1; an interior port is up when it and its peer
 *   are admin-up and both routers are admin-up.
 * MIDWAY_CMD_PORT_STATE
 *   Notification only, on "events": a port's OPER_UP changed. Carries the
 *   whole port, like PORT_GET.
 *
 * MIDWAY_CMD_ROUTE_NEW
 *     ID, ROUTER_ID, DST, DST_LEN, NH_TYPE   required
 *     SRC, SRC_LEN        optional, together: source prefix
 *     PORT_ID             required for NH_TYPE port, refused otherwise; must
 *                         be a port of ROUTER_ID
 *     GATEWAY             optional for NH_TYPE port (absent: the destination
 *                         is on the link), refused otherwise
 *     WEIGHT              optional, 1..65535, default 100
 *   A prefix with bits set beyond its length is refused; so is a second route
 *   with the same destination, source, next hop type, port and gateway.
 *   Routes to one prefix with the same weight form an ECMP group.
 * MIDWAY_CMD_ROUTE_SET
 *     ID required; may change DST + DST_LEN (together), SRC + SRC_LEN
 *     (together; SRC_LEN 0 with SRC 0.0.0.0 removes the source prefix),
 *     NH_TYPE, PORT_ID, GATEWAY (0.0.0.0: none) and WEIGHT; absent ones
 *     keep their value, except that a NH_TYPE other than port drops PORT_ID
 *     and GATEWAY. ROUTER_ID is fixed (-EINVAL if it differs). The result is
 *     checked as NEW checks a route (-EEXIST if it would be identical to
 *     another route). The forwarding table goes from the old route to the
 *     new one with no moment where neither is there: the new state is
 *     published before the old one is retired (when the prefix changes, the
 *     new prefix holds the route before the old one loses it). All or
 *     nothing: -ENOMEM changes nothing.
 * MIDWAY_CMD_ROUTE_STATE
 *   Notification only, on "events": a route's ACTIVE changed other than by
 *   a request about that route (whose own event carries the new state): its
 *   port went up or down, its router's state changed. Carries the whole
 *   route, like ROUTE_GET.
 * MIDWAY_CMD_ROUTE_DEL
 *     ID required.
 *   NEW, and every DEL that takes routes away (ROUTE_DEL, and PORT_DEL and
 *   HOST_DEL with CASCADE), either change the forwarding table or fail
 *   with -ENOMEM and change nothing.
 * MIDWAY_CMD_ROUTE_GET
 *   do:   ID required.
 *   dump: optional ROUTER_ID restricts the dump to that router's routes.
 *   Replies carry the read-only ACTIVE: 1 when the forwarding table holds
 *   the route as usable (its next hops were last published with it). A
 *   route via a port is kept while the port is down, but is inactive.
 *
 * MIDWAY_CMD_HOST_NEW, _SET
 *     ID              required
 *     NAME            optional
 *     ADDR            required on NEW: the underlay IPv4 address (tunnel
 *                     endpoint)
 *     LOCAL           optional u8 0/1: this is the host we run on. Only one
 *                     host may be local (-EBUSY otherwise).
 * MIDWAY_CMD_HOST_DEL
 *     ID required, CASCADE optional flag.
 * MIDWAY_CMD_HOST_GET
 *   do: ID required; dump: no attributes.
 *   Replies carry the read-only tunnel counters of the host: STATS (nest of
 *   MIDWAY_A_STATS_*: the VXLAN packets received from the host (rx) and sent
 *   to it (tx), inner IPv4 bytes) and DROPS (as for ports: the tunnel
 *   packets dropped, by reason, counted on the host they came from or were
 *   going to; on the local host when their source is no known host).
 *   Two hosts cannot have the same ADDR (-EEXIST).
 *
 * MIDWAY_CMD_NEIGH_NEW
 *     PORT_ID, ADDR, MAC   required: a static entry in the neighbour table of
 *                          an exterior port (replaces a learnt one)
 * MIDWAY_CMD_NEIGH_DEL
 *     PORT_ID, ADDR        required: forget an entry, static or learnt
 * MIDWAY_CMD_NEIGH_GET
 *   dump: PORT_ID required; one message per entry, with PORT_ID, ADDR, STATE
 *   and, unless INCOMPLETE, MAC.
 *   Neighbour entries are datapath state: their changes, learnt or through
 *   NEIGH_NEW/DEL, are not sent on "events".
 *
 * MIDWAY_CMD_TUNNEL_GET, _SET
 *   The instance's VXLAN tunnel endpoint (Documentation/tunnel.md). It is
 *   open (a kernel UDP socket on PORT) while the instance has a local
 *   host, whose ADDR is the outer source address.
 *     PORT            u16, 1..65535, default MIDWAY_TUNNEL_PORT_DEFAULT:
 *                     the UDP port it listens on and sends to. An open
 *                     tunnel moves at once, or fails with -EADDRINUSE and
 *                     nothing changes; a closed one takes the port when a
 *                     host becomes local (and that request fails if the
 *                     port is in use)
 *     TTL             u8: the outer TTL; 0 (default): the route's hop limit
 *     OPEN            u8, read-only: 1 while the socket is open
 *   GET (do, no attributes) replies with all three; SET changes what is
 *   present and is multicast on "events" as a TUNNEL_SET message.
 *
 * MIDWAY_CMD_ROUTE_LOOKUP
 *   Which route a packet would take in one router (do only, open to all):
 *     ROUTER_ID, DST      required; DST is the packet's destination address
 *     SRC                 optional, the source address (default 0.0.0.0)
 *     PROTO, SPORT, DPORT optional: the flow, for the ECMP choice
 *   The reply is a ROUTE_LOOKUP message with the chosen route's attributes
 *   (as ROUTE_GET gives them); -ENETUNREACH when
 *   no active route matches.
 *
 * Dumps
 * -----
 * A dump may span many messages. It walks the objects in creation order and
 * keeps its place by an internal index, so objects added or removed while the
 * dump runs do not make it repeat or skip the others.
 *
 * Every configuration change, and every change of derived state (OPER_UP,
 * ACTIVE), bumps a generation counter of the instance. In a dump of
 * routers, ports, routes or hosts during which it moved, the first message
 * filled after the move (an object's, or the final NLMSG_DONE) carries
 * NLM_F_DUMP_INTR. Such a dump is still complete as to the objects that
 * stayed throughout, but may mix states from before and after the change;
 * a caller that needs one consistent picture dumps again.
 *
 * Lost events: a listener that does not read fast enough loses events; its
 * next recv() fails with ENOBUFS (netlink's own rule). It must then dump
 * what it cares about again.
 *
 * Errors
 * ------
 * Every rejection carries an extended ack message and, where one attribute is
 * at fault, its offset. Nothing is changed by a rejected request. Notable
 * errors: -EINVAL (a required attribute is missing, named in the ack's
 * missing-attribute field, or attributes do not go together), -ERANGE (a
 * value or length outside what the policy allows; the netlink core's
 * answer), -ENODEV (no such network device), -EEXIST (the id, or an
 * identical route, exists already; the tunnel key is taken), -ENOENT (a
 * referenced object does not exist), -EBUSY (the object is referenced),
 * -ENOSPC (a limit of the instance is reached; see the module parameters
 * max_routers, max_ports, max_routes, max_hosts), -EPERM.
 */

#ifndef _UAPI_LINUX_MIDWAY_H
#define _UAPI_LINUX_MIDWAY_H

#define MIDWAY_GENL_NAME		"midway"
#define MIDWAY_GENL_VERSION		1
#define MIDWAY_MCGRP_EVENTS		"events"

#define MIDWAY_UUID_LEN			16
#define MIDWAY_NAME_MAX			64
#define MIDWAY_TUNNEL_KEY_MAX		0xffffff
#define MIDWAY_WEIGHT_DEFAULT		100
#define MIDWAY_WEIGHT_MAX		65535
#define MIDWAY_ICMP_RATE_DEFAULT	1000
#define MIDWAY_ICMP_RATE_MAX		1000000
#define MIDWAY_ICMP_BURST_DEFAULT	50
#define MIDWAY_ICMP_BURST_MAX		10000
#define MIDWAY_VLAN_MAX			4094
#define MIDWAY_TUNNEL_PORT_DEFAULT	4789

enum midway_port_kind {
	MIDWAY_PORT_KIND_EXTERIOR = 1,
	MIDWAY_PORT_KIND_INTERIOR,
};

enum midway_nh_type {
	MIDWAY_NH_PORT = 1,
	MIDWAY_NH_BLACKHOLE,
	MIDWAY_NH_REJECT,
	MIDWAY_NH_LOCAL,
};

enum {
	MIDWAY_A_ROUTER_UNSPEC,
	MIDWAY_A_ROUTER_ID,		/* binary, 16 bytes */
	MIDWAY_A_ROUTER_NAME,		/* string */
	MIDWAY_A_ROUTER_ADMIN_UP,	/* u8 */
	MIDWAY_A_ROUTER_CASCADE,	/* flag, DEL only */
	MIDWAY_A_ROUTER_N_PORTS,	/* u32, read-only */
	MIDWAY_A_ROUTER_N_ROUTES,	/* u32, read-only */
	MIDWAY_A_ROUTER_ICMP_RATE,	/* u32, 0..1000000 */
	MIDWAY_A_ROUTER_ICMP_BURST,	/* u32, 1..10000 */

	__MIDWAY_A_ROUTER_MAX,
	MIDWAY_A_ROUTER_MAX = (__MIDWAY_A_ROUTER_MAX - 1)
};

enum {
	MIDWAY_A_PORT_UNSPEC,
	MIDWAY_A_PORT_ID,		/* binary, 16 bytes */
	MIDWAY_A_PORT_ROUTER_ID,	/* binary, 16 bytes */
	MIDWAY_A_PORT_NAME,		/* string */
	MIDWAY_A_PORT_KIND,		/* u8, enum midway_port_kind */
	MIDWAY_A_PORT_ADMIN_UP,		/* u8 */
	MIDWAY_A_PORT_OPER_UP,		/* u8, read-only */
	MIDWAY_A_PORT_MAC,		/* binary, 6 bytes */
	MIDWAY_A_PORT_ADDR,		/* be32 */
	MIDWAY_A_PORT_PREFIXLEN,	/* u8, 0..32 */
	MIDWAY_A_PORT_TUNNEL_KEY,	/* u32, 1..0xffffff */
	MIDWAY_A_PORT_PEER_ID,		/* binary, 16 bytes */
	MIDWAY_A_PORT_HOST_ID,		/* binary, 16 bytes */
	MIDWAY_A_PORT_IFINDEX,		/* u32 */
	MIDWAY_A_PORT_CASCADE,		/* flag, DEL only */
	MIDWAY_A_PORT_PROXY_ARP,	/* u8 */
	MIDWAY_A_PORT_STATS,		/* nest, MIDWAY_A_STATS_*, read-only */
	MIDWAY_A_PORT_DROPS,		/* nest of MIDWAY_A_DROP nests, read-only */
	MIDWAY_A_PORT_IFNAME,		/* string, < IFNAMSIZ */
	MIDWAY_A_PORT_VLAN,		/* u16, 0..4094 */
	MIDWAY_A_PORT_REMOTE_UP,	/* u8 */

	__MIDWAY_A_PORT_MAX,
	MIDWAY_A_PORT_MAX = (__MIDWAY_A_PORT_MAX - 1)
};

enum {
	MIDWAY_A_STATS_UNSPEC,
	MIDWAY_A_STATS_RX_PACKETS,	/* u64 */
	MIDWAY_A_STATS_RX_BYTES,	/* u64 */
	MIDWAY_A_STATS_TX_PACKETS,	/* u64 */
	MIDWAY_A_STATS_TX_BYTES,	/* u64 */
	MIDWAY_A_STATS_PAD,

	__MIDWAY_A_STATS_MAX,
	MIDWAY_A_STATS_MAX = (__MIDWAY_A_STATS_MAX - 1)
};

/* One reason the datapath dropped packets, and how many. */
enum {
	MIDWAY_A_DROP_UNSPEC,
	MIDWAY_A_DROP_REASON,		/* string */
	MIDWAY_A_DROP_COUNT,		/* u64 */
	MIDWAY_A_DROP_PAD,

	__MIDWAY_A_DROP_MAX,
	MIDWAY_A_DROP_MAX = (__MIDWAY_A_DROP_MAX - 1)
};

enum {
	MIDWAY_A_ROUTE_UNSPEC,
	MIDWAY_A_ROUTE_ID,		/* binary, 16 bytes */
	MIDWAY_A_ROUTE_ROUTER_ID,	/* binary, 16 bytes */
	MIDWAY_A_ROUTE_DST,		/* be32 */
	MIDWAY_A_ROUTE_DST_LEN,		/* u8, 0..32 */
	MIDWAY_A_ROUTE_SRC,		/* be32 */
	MIDWAY_A_ROUTE_SRC_LEN,		/* u8, 0..32 */
	MIDWAY_A_ROUTE_NH_TYPE,		/* u8, enum midway_nh_type */
	MIDWAY_A_ROUTE_GATEWAY,		/* be32 */
	MIDWAY_A_ROUTE_PORT_ID,		/* binary, 16 bytes */
	MIDWAY_A_ROUTE_WEIGHT,		/* u32, 1..65535 */
	MIDWAY_A_ROUTE_ACTIVE,		/* u8, read-only */
	MIDWAY_A_ROUTE_PROTO,		/* u8, ROUTE_LOOKUP only */
	MIDWAY_A_ROUTE_SPORT,		/* u16, ROUTE_LOOKUP only */
	MIDWAY_A_ROUTE_DPORT,		/* u16, ROUTE_LOOKUP only */

	__MIDWAY_A_ROUTE_MAX,
	MIDWAY_A_ROUTE_MAX = (__MIDWAY_A_ROUTE_MAX - 1)
};

enum {
	MIDWAY_A_HOST_UNSPEC,
	MIDWAY_A_HOST_ID,		/* binary, 16 bytes */
	MIDWAY_A_HOST_NAME,		/* string */
	MIDWAY_A_HOST_ADDR,		/* be32 */
	MIDWAY_A_HOST_LOCAL,		/* u8 */
	MIDWAY_A_HOST_CASCADE,		/* flag, DEL only */
	MIDWAY_A_HOST_STATS,		/* nest, MIDWAY_A_STATS_*, read-only */
	MIDWAY_A_HOST_DROPS,		/* nest of MIDWAY_A_DROP nests, read-only */

	__MIDWAY_A_HOST_MAX,
	MIDWAY_A_HOST_MAX = (__MIDWAY_A_HOST_MAX - 1)
};

enum {
	MIDWAY_A_TUNNEL_UNSPEC,
	MIDWAY_A_TUNNEL_PORT,		/* u16, 1..65535 */
	MIDWAY_A_TUNNEL_TTL,		/* u8 */
	MIDWAY_A_TUNNEL_OPEN,		/* u8, read-only */

	__MIDWAY_A_TUNNEL_MAX,
	MIDWAY_A_TUNNEL_MAX = (__MIDWAY_A_TUNNEL_MAX - 1)
};

enum midway_neigh_state {
	MIDWAY_NEIGH_INCOMPLETE = 1,	/* asked, no answer yet */
	MIDWAY_NEIGH_REACHABLE,		/* answered recently */
	MIDWAY_NEIGH_STALE,		/* not confirmed for a while: probing */
	MIDWAY_NEIGH_STATIC,		/* set through netlink, never ages */
};

enum {
	MIDWAY_A_NEIGH_UNSPEC,
	MIDWAY_A_NEIGH_PORT_ID,		/* binary, 16 bytes */
	MIDWAY_A_NEIGH_ADDR,		/* be32 */
	MIDWAY_A_NEIGH_MAC,		/* binary, 6 bytes */
	MIDWAY_A_NEIGH_STATE,		/* u8, enum midway_neigh_state, read-only */

	__MIDWAY_A_NEIGH_MAX,
	MIDWAY_A_NEIGH_MAX = (__MIDWAY_A_NEIGH_MAX - 1)
};

enum {
	MIDWAY_CMD_UNSPEC,
	MIDWAY_CMD_ROUTER_NEW,
	MIDWAY_CMD_ROUTER_DEL,
	MIDWAY_CMD_ROUTER_GET,
	MIDWAY_CMD_ROUTER_SET,
	MIDWAY_CMD_PORT_NEW,
	MIDWAY_CMD_PORT_DEL,
	MIDWAY_CMD_PORT_GET,
	MIDWAY_CMD_PORT_SET,
	MIDWAY_CMD_PORT_STATE,
	MIDWAY_CMD_ROUTE_NEW,
	MIDWAY_CMD_ROUTE_DEL,
	MIDWAY_CMD_ROUTE_GET,
	MIDWAY_CMD_HOST_NEW,
	MIDWAY_CMD_HOST_DEL,
	MIDWAY_CMD_HOST_GET,
	MIDWAY_CMD_HOST_SET,
	MIDWAY_CMD_NEIGH_NEW,
	MIDWAY_CMD_NEIGH_DEL,
	MIDWAY_CMD_NEIGH_GET,
	MIDWAY_CMD_ROUTE_LOOKUP,
	MIDWAY_CMD_TUNNEL_GET,
	MIDWAY_CMD_TUNNEL_SET,
	MIDWAY_CMD_ROUTE_SET,
	MIDWAY_CMD_ROUTE_STATE,

	__MIDWAY_CMD_MAX,
	MIDWAY_CMD_MAX = (__MIDWAY_CMD_MAX - 1)
};

#endif /* _UAPI_LINUX_MIDWAY_H */
