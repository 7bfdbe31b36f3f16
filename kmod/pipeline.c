// SPDX-License-Identifier: GPL-2.0
/*
 * The forwarding pipeline.
 *
 * A frame received on a bound exterior port enters the port's router. ARP is
 * answered by the port (neigh.c). An IPv4 packet is checked, then routed
 * through as many virtual routers as its path crosses, all on this host:
 * each router decrements the TTL, looks up its forwarding table (longest
 * prefix, then the ECMP member for the flow), and acts on the next hop:
 * an interior port continues in the peer's router, an exterior port sends
 * the packet out (after ARP for the next hop), blackhole drops, reject
 * answers ICMP unreachable, local hands it to the router itself. A port
 * that lives on another host is the one more outcome the tunnel will serve.
 *
 * Everything runs in the receive softirq under RCU, with no lock but the
 * neighbour table's when a next hop is unknown.
 */
#include <linux/etherdevice.h>
#include <linux/icmp.h>
#include <linux/inetdevice.h>
#include <linux/ip.h>
#include <linux/jhash.h>
#include <net/ip.h>

#include "compat.h"
#include "fib.h"
#include "midway.h"
#include "pipeline.h"

/* Counters ----------------------------------------------------------------- */

void mw_count_rx(struct mw_port *p, unsigned int len)
{
	struct mw_port_stats *s = this_cpu_ptr(p->stats);

	u64_stats_update_begin(&s->syncp);
	s->rx_packets++;
	s->rx_bytes += len;
	u64_stats_update_end(&s->syncp);
}

void mw_count_tx(struct mw_port *p, unsigned int len)
{
	struct mw_port_stats *s = this_cpu_ptr(p->stats);

	u64_stats_update_begin(&s->syncp);
	s->tx_packets++;
	s->tx_bytes += len;
	u64_stats_update_end(&s->syncp);
}

void mw_drop(struct mw_port *p, struct sk_buff *skb,
	     enum mw_drop_reason reason)
{
	struct mw_port_stats *s = this_cpu_ptr(p->stats);

	u64_stats_update_begin(&s->syncp);
	s->drops[reason]++;
	u64_stats_update_end(&s->syncp);
	kfree_skb(skb);
}

void mw_port_stats_sum(const struct mw_port *p, struct mw_port_stats *sum)
{
	unsigned int cpu, start, i;

	memset(sum, 0, sizeof(*sum));
	for_each_possible_cpu(cpu) {
		const struct mw_port_stats *s = per_cpu_ptr(p->stats, cpu);
		struct mw_port_stats v;

		do {
			start = u64_stats_fetch_begin(&s->syncp);
			memcpy(&v, s, offsetof(struct mw_port_stats, syncp));
		} while (u64_stats_fetch_retry(&s->syncp, start));

		sum->rx_packets += v.rx_packets;
		sum->rx_bytes += v.rx_bytes;
		sum->tx_packets += v.tx_packets;
		sum->tx_bytes += v.tx_bytes;
		for (i = 0; i < MW_DROP_MAX; i++)
			sum->drops[i] += v.drops[i];
	}
}

/* ECMP --------------------------------------------------------------------- */

u32 mw_flow_hash(__be32 saddr, __be32 daddr, u8 proto, __be16 sport,
		 __be16 dport)
{
	u32 ports = ((__force u32)sport << 16) | (__force u32)dport;

	return jhash_3words((__force u32)saddr, (__force u32)daddr,
			    ports ^ proto, mw_ecmp_seed);
}

static u32 mw_skb_flow_hash(const struct sk_buff *skb, const struct iphdr *iph)
{
	const __be16 *ports = NULL;
	__be16 buf[2];

	if ((iph->protocol == IPPROTO_TCP || iph->protocol == IPPROTO_UDP) &&
	    !ip_is_fragment(iph))
		ports = skb_header_pointer(skb, skb_network_offset(skb) +
					   iph->ihl * 4, sizeof(buf), buf);
	return mw_flow_hash(iph->saddr, iph->daddr, iph->protocol,
			    ports ? ports[0] : 0, ports ? ports[1] : 0);
}

/* The ECMP group that packets from @saddr to @daddr use in @r, or NULL. */
static const struct mw_nhgroup *mw_route_group(struct mw_router *r,
					       __be32 saddr, __be32 daddr)
{
	struct mw_prefix *pfx = mw_fib_lookup(r->fib, daddr);

	return pfx ? mw_prefix_group(pfx, saddr) : NULL;
}

struct mw_route *mw_route_select(struct mw_router *r, __be32 saddr,
				 __be32 daddr, u32 hash)
{
	const struct mw_nhgroup *g = mw_route_group(r, saddr, daddr);

	return g ? mw_group_member(g, hash) : NULL;
}

/* The route @skb takes in @r; the flow hash only when there is a choice. */
static struct mw_route *mw_skb_route(struct mw_router *r, struct sk_buff *skb,
				     const struct iphdr *iph)
{
	const struct mw_nhgroup *g = mw_route_group(r, iph->saddr, iph->daddr);

	if (unlikely(!g))
		return NULL;
	return mw_group_member(g, g->n_members > 1 ?
			       mw_skb_flow_hash(skb, iph) : 0);
}

/* Output ------------------------------------------------------------------- */

void mw_eth_xmit(struct mw_port *p, const u8 *mac, struct sk_buff *skb)
{
	struct net_device *dev = rcu_dereference_bh(p->dev);
	struct ethhdr *eth;
	unsigned int len;

	if (!dev) {
		mw_drop(p, skb, MW_DROP_PORT_DOWN);
		return;
	}
	if (skb_cow_head(skb, LL_RESERVED_SPACE(dev))) {
		mw_drop(p, skb, MW_DROP_NOMEM);
		return;
	}
	eth = skb_push(skb, ETH_HLEN);
	skb_reset_mac_header(skb);
	ether_addr_copy(eth->h_dest, mac);
	ether_addr_copy(eth->h_source, p->mac);
	eth->h_proto = htons(ETH_P_IP);
	skb->protocol = htons(ETH_P_IP);
	skb->dev = dev;
	len = skb->len;
	if (dev_queue_xmit(skb) == NET_XMIT_SUCCESS)
		mw_count_tx(p, len);
	else
		mw_drop(p, NULL, MW_DROP_TX_ERROR);
}

static void mw_fragment(struct mw_port *out, __be32 nh, struct sk_buff *skb,
			unsigned int mtu)
{
	struct net_device *dev = rcu_dereference_bh(out->dev);
	struct ip_frag_state state;
	struct sk_buff *frag;

	if (skb_is_gso(skb) ||
	    (skb->ip_summed == CHECKSUM_PARTIAL && skb_checksum_help(skb))) {
		mw_drop(out, skb, MW_DROP_FRAG_FAILED);
		return;
	}
	memset(IPCB(skb), 0, sizeof(struct inet_skb_parm));
	ip_frag_init(skb, ip_hdrlen(skb), LL_RESERVED_SPACE(dev), mtu, false,
		     &state);
	while (state.left > 0) {
		frag = ip_frag_next(skb, &state);
		if (IS_ERR(frag)) {
			mw_drop(out, skb, MW_DROP_FRAG_FAILED);
			return;
		}
		mw_neigh_output(out, nh, frag);
	}
	consume_skb(skb);
}

/* Send @skb, routed by @rt, out of the exterior port @out. */
static void mw_output(struct mw_port *in, struct mw_port *out,
		      const struct mw_route *rt, struct sk_buff *skb)
{
	struct net_device *dev = rcu_dereference_bh(out->dev);
	const struct iphdr *iph = ip_hdr(skb);
	__be32 nh = rt->key.gateway ?: iph->daddr;
	unsigned int mtu;

	if (!dev) {
		mw_drop(out, skb, READ_ONCE(out->oper_up) ?
			MW_DROP_REMOTE_PORT : MW_DROP_PORT_DOWN);
		return;
	}
	mtu = READ_ONCE(dev->mtu);
	if (skb->len > mtu &&
	    !(skb_is_gso(skb) && skb_gso_validate_network_len(skb, mtu))) {
		if (iph->frag_off & htons(IP_DF)) {
			mw_icmp_send(in, skb, ICMP_DEST_UNREACH, ICMP_FRAG_NEEDED,
				     mtu);
			mw_drop(in, skb, MW_DROP_FRAG_NEEDED);
			return;
		}
		mw_fragment(out, nh, skb, mtu);
		return;
	}
	mw_neigh_output(out, nh, skb);
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
		struct mw_router *r = in->router;

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

		rt = mw_skb_route(r, skb, iph);
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
			mw_output(in, out, rt, skb);
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

static void mw_ip_rcv(struct mw_port *p, struct sk_buff *skb)
{
	const struct iphdr *iph;
	unsigned int len;

	skb_reset_network_header(skb);
	if (!pskb_may_pull(skb, sizeof(*iph)))
		goto bad;
	iph = ip_hdr(skb);
	if (iph->ihl < 5 || iph->version != 4 ||
	    !pskb_may_pull(skb, iph->ihl * 4))
		goto bad;
	iph = ip_hdr(skb);
	if (unlikely(ip_fast_csum((const u8 *)iph, iph->ihl)))
		goto bad;
	len = ntohs(iph->tot_len);
	if (skb->len < len || len < iph->ihl * 4)
		goto bad;
	if (pskb_trim_rcsum(skb, len))
		goto bad;
	iph = ip_hdr(skb);
	if (ipv4_is_multicast(iph->daddr) || ipv4_is_lbcast(iph->daddr) ||
	    ipv4_is_zeronet(iph->daddr)) {
		mw_drop(p, skb, MW_DROP_NOT_FOR_US);
		return;
	}
	skb_set_transport_header(skb, iph->ihl * 4);
	skb_forward_csum(skb);
	mw_route_packet(p, skb, 0);
	return;
bad:
	mw_drop(p, skb, MW_DROP_BAD_HEADER);
}

rx_handler_result_t mw_port_rx(struct sk_buff **pskb)
{
	struct sk_buff *skb = *pskb;
	struct mw_port *p = rcu_dereference(skb->dev->rx_handler_data);
	const struct ethhdr *eth;

	skb = skb_share_check(skb, GFP_ATOMIC);
	if (!skb)
		return RX_HANDLER_CONSUMED;
	eth = eth_hdr(skb);
	mw_count_rx(p, skb->len + ETH_HLEN);

	if (!READ_ONCE(p->oper_up)) {
		mw_drop(p, skb, MW_DROP_PORT_DOWN);
		return RX_HANDLER_CONSUMED;
	}
	if (!ether_addr_equal(eth->h_dest, p->mac) &&
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
