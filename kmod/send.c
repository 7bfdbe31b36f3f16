// SPDX-License-Identifier: GPL-2.0
/*
 * The transmit path: a routed packet leaves an exterior port. The port's
 * device is read once, and everything after uses that pointer: a packet too
 * big for it is fragmented (or, with DF, answered with fragmentation
 * needed), the next hop is resolved (neigh.c, which may queue the packet
 * until ARP answers) and the Ethernet header is pushed. The tunnel's
 * encapsulation, for ports that live on other hosts, will go here too.
 */
#include <linux/etherdevice.h>
#include <linux/icmp.h>
#include <linux/ip.h>
#include <net/ip.h>

#include "compat.h"
#include "icmp.h"
#include "midway.h"
#include "send.h"

void mw_eth_xmit(struct mw_port *p, struct net_device *dev, const u8 *mac,
		 struct sk_buff *skb)
{
	struct ethhdr *eth;
	unsigned int len;
	u64 src;

	if (skb_cow_head(skb, LL_RESERVED_SPACE(dev))) {
		mw_drop(p, skb, MW_DROP_NOMEM);
		return;
	}
	eth = skb_push(skb, ETH_HLEN);
	skb_reset_mac_header(skb);
	ether_addr_copy(eth->h_dest, mac);
	ether_addr_copy(eth->h_source, mw_port_mac(p, &src));
	eth->h_proto = htons(ETH_P_IP);
	skb->protocol = htons(ETH_P_IP);
	skb->dev = dev;
	mw_port_vlan_tag(p, skb);
	len = skb->len;
	if (dev_queue_xmit(skb) == NET_XMIT_SUCCESS)
		mw_count_tx(p, len);
	else
		mw_drop(p, NULL, MW_DROP_TX_ERROR);
}

/* @dev is @out's device, read once by the caller. */
static void mw_fragment(struct mw_port *out, struct net_device *dev, __be32 nh,
			struct sk_buff *skb, unsigned int mtu)
{
	struct ip_frag_state state;
	struct sk_buff *frag;

	if (skb_is_gso(skb) ||
	    (skb->ip_summed == CHECKSUM_PARTIAL && skb_checksum_help(skb))) {
		mw_drop(out, skb, MW_DROP_FRAG_FAILED);
		return;
	}
	memset(IPCB(skb), 0, sizeof(struct inet_skb_parm));
	/* Like ip_do_fragment(): the room for data in each fragment. */
	ip_frag_init(skb, ip_hdrlen(skb), LL_RESERVED_SPACE(dev),
		     mtu - ip_hdrlen(skb), false, &state);
	while (state.left > 0) {
		frag = ip_frag_next(skb, &state);
		if (IS_ERR(frag)) {
			mw_drop(out, skb, MW_DROP_FRAG_FAILED);
			return;
		}
		mw_neigh_output(out, dev, nh, frag);
	}
	consume_skb(skb);
}

/*
 * Send @skb, routed by @rt, out of the exterior port @out. The port's device
 * is read once, here: netlink or the notifier may unbind it at any moment,
 * and everything below uses this pointer, which stays valid until the end
 * of the RCU read side (unbinding waits for a grace period before it lets
 * the device go).
 */
void mw_output(struct mw_port *in, struct mw_port *out,
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
		mw_fragment(out, dev, nh, skb, mtu);
		return;
	}
	mw_neigh_output(out, dev, nh, skb);
}
