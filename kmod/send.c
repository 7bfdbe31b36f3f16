// SPDX-License-Identifier: GPL-2.0
/*
 * The transmit path: a routed packet leaves an exterior port. The port's
 * device is read once, and everything after uses that pointer: a packet too
 * big for it is fragmented (or, with DF, answered with fragmentation
 * needed), the next hop is resolved (neigh.c, which may queue the packet
 * until ARP answers) and the Ethernet header is pushed. A port that lives
 * on another host has no device here: its packets go to the tunnel
 * (tunnel.c), which fragments the same way for the underlay's MTU.
 */
#include <linux/etherdevice.h>
#include <linux/icmp.h>
#include <linux/ip.h>
#include <net/ip.h>

#include "compat.h"
#include "icmp.h"
#include "midway.h"
#include "send.h"
#include "tunnel.h"

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

bool mw_fragment(struct mw_port *out, struct sk_buff *skb, unsigned int mtu,
		 unsigned int headroom, struct sk_buff_head *frags)
{
	struct ip_frag_state state;
	struct sk_buff *frag;

	__skb_queue_head_init(frags);
	if (skb_is_gso(skb) ||
	    (skb->ip_summed == CHECKSUM_PARTIAL && skb_checksum_help(skb)))
		goto fail;
	memset(IPCB(skb), 0, sizeof(struct inet_skb_parm));
	/* Like ip_do_fragment(): the room for data in each fragment. */
	ip_frag_init(skb, ip_hdrlen(skb), headroom, mtu - ip_hdrlen(skb),
		     false, &state);
	while (state.left > 0) {
		frag = ip_frag_next(skb, &state);
		if (IS_ERR(frag))
			goto fail;
		__skb_queue_tail(frags, frag);
	}
	consume_skb(skb);
	return true;
fail:
	__skb_queue_purge(frags);
	mw_drop(out, skb, MW_DROP_FRAG_FAILED);
	return false;
}

enum mw_mtu mw_mtu_check(struct mw_port *in, struct sk_buff *skb,
			 unsigned int mtu)
{
	if (skb->len <= mtu ||
	    (skb_is_gso(skb) && skb_gso_validate_network_len(skb, mtu)))
		return MW_MTU_FITS;
	if (!(ip_hdr(skb)->frag_off & htons(IP_DF)))
		return MW_MTU_FRAGMENT;
	mw_icmp_send(in, skb, ICMP_DEST_UNREACH, ICMP_FRAG_NEEDED, mtu);
	mw_drop(in, skb, MW_DROP_FRAG_NEEDED);
	return MW_MTU_DROPPED;
}

/*
 * Send @skb to next hop @nh out of the exterior port @out. The port's device
 * is read once, here: netlink or the notifier may unbind it at any moment,
 * and everything below uses this pointer, which stays valid until the end
 * of the RCU read side (unbinding waits for a grace period before it lets
 * the device go). A port with no device here may live on another host.
 */
void mw_output(struct mw_port *in, struct mw_port *out, __be32 nh,
	       struct sk_buff *skb)
{
	struct net_device *dev = rcu_dereference_bh(out->dev);
	struct sk_buff_head frags;
	struct mw_host *host;
	unsigned int mtu;

	if (!dev) {
		host = READ_ONCE(out->host);
		if (host && !READ_ONCE(host->local) && READ_ONCE(out->oper_up))
			mw_tunnel_xmit(in, out, host, nh, skb);
		else
			mw_drop(out, skb, MW_DROP_PORT_DOWN);
		return;
	}
	mtu = READ_ONCE(dev->mtu);
	switch (mw_mtu_check(in, skb, mtu)) {
	case MW_MTU_FITS:
		mw_neigh_output(out, dev, nh, skb);
		break;
	case MW_MTU_FRAGMENT:
		if (mw_fragment(out, skb, mtu, LL_RESERVED_SPACE(dev), &frags))
			while ((skb = __skb_dequeue(&frags)))
				mw_neigh_output(out, dev, nh, skb);
		break;
	case MW_MTU_DROPPED:
		break;
	}
}
