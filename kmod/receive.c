// SPDX-License-Identifier: GPL-2.0
/*
 * The receive path: what happens to a frame from the moment a bound device
 * hands it to midway until it is handed to send.c or dropped.
 *
 * A frame received on a bound exterior port enters the port's router. ARP is
 * answered by the port (neigh.c). An IPv4 packet is checked, scrubbed of
 * what it carried from its own network, then routed through as many virtual
 * routers as its path crosses, all on this host: each router decrements the
 * TTL, looks up its forwarding table (prefix.h: longest prefix, then the
 * ECMP member for the flow), and acts on the next hop: an interior port
 * continues in the peer's router, an exterior port sends the packet out
 * (send.c), blackhole drops, reject answers ICMP unreachable, local hands it
 * to the router itself (icmp.c). A port that lives on another host is the
 * one more outcome the tunnel will serve.
 *
 * ICMP messages the routers send re-enter here through mw_route_local_out().
 *
 * Everything runs in the receive softirq under RCU, with no lock but the
 * neighbour table's when a next hop is unknown.
 */
#include <linux/etherdevice.h>
#include <linux/icmp.h>
#include <linux/if_vlan.h>
#include <linux/ip.h>
#include <net/ip.h>

#include "icmp.h"
#include "midway.h"
#include "receive.h"
#include "send.h"

/*
 * What the packet carried from the network it came from must not leave
 * with it, as ip_forward() and skb_scrub_packet() see to: a VLAN tag in
 * the metadata (dev_queue_xmit() would put it back on the wire), the mark,
 * the timestamp, conntrack and the rest. Called once, when a frame enters
 * the router.
 */
void mw_skb_scrub(struct sk_buff *skb)
{
	skb_scrub_packet(skb, true);
	__vlan_hwaccel_clear_tag(skb);
	skb->priority = 0;
}

/* Routing through routers --------------------------------------------------- */

/*
 * Route @skb, which entered @in's router through @in. @hops counts the
 * routers crossed; a locally originated packet starts at -1 so that its
 * own router does not decrement its TTL.
 */
static void mw_route_packet(struct mw_port *in, struct sk_buff *skb, int hops)
{
	struct mw_port *out, *peer;
	struct mw_route *rt;
	struct iphdr *iph;

	for (;; hops++) {
		const struct mw_router *r = in->router;

		if (hops >= MW_MAX_HOPS) {
			mw_drop(in, skb, MW_DROP_HOP_LIMIT);
			return;
		}
		iph = ip_hdr(skb);
		if (hops >= 0 && in->has_addr && iph->daddr == in->addr) {
			mw_icmp_rcv(in, skb);
			return;
		}
		if (hops >= 0 && iph->ttl <= 1) {
			mw_icmp_send(in, skb, ICMP_TIME_EXCEEDED, ICMP_EXC_TTL, 0);
			mw_drop(in, skb, MW_DROP_TTL_EXCEEDED);
			return;
		}

		rt = mw_route_skb(r->fib, skb);
		if (!rt) {
			mw_icmp_send(in, skb, ICMP_DEST_UNREACH, ICMP_NET_UNREACH, 0);
			mw_drop(in, skb, MW_DROP_NO_ROUTE);
			return;
		}
		switch (rt->key.nh_type) {
		case MIDWAY_NH_BLACKHOLE:
			mw_drop(in, skb, MW_DROP_BLACKHOLE);
			return;
		case MIDWAY_NH_REJECT:
			mw_icmp_send(in, skb, ICMP_DEST_UNREACH, ICMP_HOST_UNREACH, 0);
			mw_drop(in, skb, MW_DROP_REJECT);
			return;
		case MIDWAY_NH_LOCAL:
			mw_icmp_rcv(in, skb);
			return;
		}

		if (hops >= 0) {
			if (skb_ensure_writable(skb, skb_network_offset(skb) +
						sizeof(*iph))) {
				mw_drop(in, skb, MW_DROP_NOMEM);
				return;
			}
			ip_decrease_ttl(ip_hdr(skb));
		}

		out = rt->key.port;
		if (out->kind == MIDWAY_PORT_KIND_EXTERIOR) {
			mw_output(in, out, rt->key.gateway ?: ip_hdr(skb)->daddr,
				  skb);
			return;
		}
		/* Interior: cross into the peer's router. */
		peer = rcu_dereference(out->peer);
		if (!peer || !READ_ONCE(peer->oper_up)) {
			mw_drop(out, skb, MW_DROP_PORT_DOWN);
			return;
		}
		mw_count_tx(out, skb->len);
		mw_count_rx(peer, skb->len);
		in = peer;
		if (hops < 0)
			hops = 0;
	}
}

void mw_route_local_out(struct mw_port *in, struct sk_buff *skb)
{
	mw_route_packet(in, skb, -1);
}

/* Input -------------------------------------------------------------------- */

bool mw_ip_check(struct sk_buff *skb)
{
	const struct iphdr *iph;
	unsigned int len;

	skb_reset_network_header(skb);
	if (!pskb_may_pull(skb, sizeof(*iph)))
		return false;
	iph = ip_hdr(skb);
	if (iph->ihl < 5 || iph->version != 4 ||
	    !pskb_may_pull(skb, iph->ihl * 4))
		return false;
	iph = ip_hdr(skb);
	if (unlikely(ip_fast_csum((const u8 *)iph, iph->ihl)))
		return false;
	len = ntohs(iph->tot_len);
	if (skb->len < len || len < iph->ihl * 4)
		return false;
	if (pskb_trim_rcsum(skb, len))
		return false;
	skb_set_transport_header(skb, ip_hdrlen(skb));
	return true;
}

static void mw_ip_rcv(struct mw_port *p, struct sk_buff *skb)
{
	const struct iphdr *iph;

	if (!mw_ip_check(skb)) {
		mw_drop(p, skb, MW_DROP_BAD_HEADER);
		return;
	}
	iph = ip_hdr(skb);
	if (ipv4_is_multicast(iph->daddr) || ipv4_is_lbcast(iph->daddr) ||
	    ipv4_is_zeronet(iph->daddr)) {
		mw_drop(p, skb, MW_DROP_NOT_FOR_US);
		return;
	}
	skb_forward_csum(skb);
	mw_skb_scrub(skb);
	mw_route_packet(p, skb, 0);
}

/*
 * Whether the frame is on the port's network, and if so, without its tag.
 * The stack moved an 802.1Q/802.1ad tag into the metadata before calling
 * us. A port on no VLAN takes untagged frames only: a tagged one belongs
 * to another network, and routing it would let a VM reach any VLAN of the
 * port it leaves by. A port on a VLAN takes frames with that one 802.1Q
 * tag only. A second tag, left in the frame, is never taken.
 */
static bool mw_vlan_rcv(const struct mw_port *p, struct sk_buff *skb)
{
	u16 vlan = READ_ONCE(p->vlan);

	if (eth_type_vlan(skb->protocol))
		return false;
	if (!skb_vlan_tag_present(skb))
		return !vlan;
	if (!vlan || skb->vlan_proto != htons(ETH_P_8021Q) ||
	    skb_vlan_tag_get_id(skb) != vlan)
		return false;
	__vlan_hwaccel_clear_tag(skb);
	return true;
}

rx_handler_result_t mw_port_rx(struct sk_buff **pskb)
{
	struct sk_buff *skb = *pskb;
	struct mw_port *p = rcu_dereference(skb->dev->rx_handler_data);
	const struct ethhdr *eth;
	u64 mac;

	skb = skb_share_check(skb, GFP_ATOMIC);
	if (!skb)
		return RX_HANDLER_CONSUMED;
	eth = eth_hdr(skb);
	mw_count_rx(p, skb->len + ETH_HLEN);

	if (!READ_ONCE(p->oper_up)) {
		mw_drop(p, skb, MW_DROP_PORT_DOWN);
		return RX_HANDLER_CONSUMED;
	}
	if (!mw_vlan_rcv(p, skb)) {
		mw_drop(p, skb, MW_DROP_VLAN);
		return RX_HANDLER_CONSUMED;
	}
	if (!ether_addr_equal_64bits(eth->h_dest, mw_port_mac(p, &mac)) &&
	    !is_broadcast_ether_addr(eth->h_dest)) {
		mw_drop(p, skb, MW_DROP_NOT_FOR_US);
		return RX_HANDLER_CONSUMED;
	}

	switch (skb->protocol) {
	case htons(ETH_P_ARP):
		mw_arp_rcv(p, skb);
		break;
	case htons(ETH_P_IP):
		if (is_broadcast_ether_addr(eth->h_dest))
			mw_drop(p, skb, MW_DROP_NOT_FOR_US);
		else
			mw_ip_rcv(p, skb);
		break;
	default:
		mw_drop(p, skb, MW_DROP_NOT_FOR_US);
	}
	return RX_HANDLER_CONSUMED;
}
