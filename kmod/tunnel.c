// SPDX-License-Identifier: GPL-2.0
/*
 * The tunnel between hosts: VXLAN (RFC 7348) over UDP over the namespace's
 * own IPv4 stack.
 *
 * Every host holds the whole topology. When routing on this host ends at an
 * exterior port that lives on another host, the packet is sent to that host
 * in a VXLAN frame whose VNI is the port's tunnel key; the inner Ethernet
 * frame carries the egress port's MAC as its source. The receiving host
 * looks the VNI up, finds one of its own ports, and sends the packet out of
 * it without routing it again: the next hop is the gateway of the route via
 * that port that the port's router would use for the destination, or the
 * destination itself on the port's subnet.
 *
 * Like the kernel's VXLAN driver and WireGuard, the instance has one kernel
 * UDP socket (udp_sock_create(), setup_udp_tunnel_sock() with encap_rcv), a
 * route cache per remote host (dst_cache), GSO for encapsulated TCP
 * (iptunnel_handle_offloads()) and GRO on receive. The outer UDP checksum is
 * zero, as Linux VXLAN sends it by default over IPv4; the source port is
 * the inner flow's hash, the DSCP is the inner packet's, ECN follows
 * RFC 6040, the TTL is configured or the route's. Outer DF is not set: the
 * inner packet is fragmented, or refused with DF, before encapsulation, at
 * the underlay route's MTU less MW_TUNNEL_OVERHEAD.
 *
 * The socket is open while the instance has a local host, whose address is
 * the outer source. It is read under RCU by the packet path; replacing or
 * closing it waits for a grace period before the old one is released.
 */
#include <linux/etherdevice.h>
#include <linux/icmp.h>
#include <linux/ip.h>
#include <linux/udp.h>
#include <net/dst_cache.h>
#include <net/gro.h>
#include <net/inet_ecn.h>
#include <net/ip.h>
#include <net/ip_tunnels.h>
#include <net/route.h>
#include <net/udp.h>
#include <net/udp_tunnel.h>
#include <net/vxlan.h>

#include "compat.h"
#include "midway.h"
#include "receive.h"
#include "send.h"
#include "tunnel.h"

void mw_tunnel_init(struct mw_net *mn)
{
	mn->tunnel.port = htons(MIDWAY_TUNNEL_PORT_DEFAULT);
}

/* Transmit ------------------------------------------------------------------ */

/*
 * The route to @host from the local host's address, from the host's cache
 * when it was made for that address; a held reference, or NULL. One route
 * serves every flow to the host (the cache is per host, not per flow).
 */
static struct rtable *mw_tunnel_route(struct mw_net *mn, struct mw_host *host,
				      __be32 saddr)
{
	struct rtable *rt;
	struct flowi4 fl4;
	__be32 cached;

	rt = dst_cache_get_ip4(&host->dst_cache, &cached);
	if (rt && cached == saddr)
		return rt;
	if (rt)
		ip_rt_put(rt);

	memset(&fl4, 0, sizeof(fl4));
	fl4.daddr = READ_ONCE(host->addr);
	fl4.saddr = saddr;
	fl4.flowi4_proto = IPPROTO_UDP;
	fl4.fl4_dport = READ_ONCE(mn->tunnel.port);
	rt = ip_route_output_key(mn->net, &fl4);
	if (IS_ERR(rt))
		return NULL;
	/* The underlay is the host's own stack, never a port's device. */
	if (rcu_access_pointer(rt->dst.dev->rx_handler) == mw_port_rx) {
		ip_rt_put(rt);
		return NULL;
	}
	dst_cache_set_ip4(&host->dst_cache, &rt->dst, saddr);
	return rt;
}

/*
 * Encapsulate one packet (an IPv4 packet whose network header is at
 * skb->data) and send it; takes a reference to @rt.
 */
static void mw_tunnel_encap(struct mw_net *mn, struct sock *sk,
			    struct mw_port *out, struct mw_host *host,
			    struct rtable *rt, __be32 saddr, __be16 sport,
			    const u8 *dmac, struct sk_buff *skb)
{
	unsigned int len = skb->len;
	struct vxlanhdr *vxh;
	struct ethhdr *eth;
	u8 tos, ttl;
	u64 smac;

	tos = ip_tunnel_ecn_encap(ip_hdr(skb)->tos, ip_hdr(skb), skb);
	ttl = READ_ONCE(mn->tunnel.ttl) ?: ip4_dst_hoplimit(&rt->dst);

	if (skb_cow_head(skb, LL_RESERVED_SPACE(rt->dst.dev) +
			 rt->dst.header_len + sizeof(struct iphdr) +
			 VXLAN_HLEN + ETH_HLEN))
		goto drop;
	eth = skb_push(skb, ETH_HLEN);
	skb_reset_mac_header(skb);
	ether_addr_copy(eth->h_dest, dmac);
	ether_addr_copy(eth->h_source, mw_port_mac(out, &smac));
	eth->h_proto = htons(ETH_P_IP);
	if (iptunnel_handle_offloads(skb, SKB_GSO_UDP_TUNNEL))
		goto drop;
	vxh = __skb_push(skb, sizeof(*vxh));
	vxh->vx_flags = VXLAN_HF_VNI;
	vxh->vx_vni = cpu_to_be32(out->tunnel_key << 8);
	skb_set_inner_protocol(skb, htons(ETH_P_TEB));

	mw_stats_count(host->stats, true, len);
	mw_count_tx(out, len);
	udp_tunnel_xmit_skb(rt, sk, skb, saddr, READ_ONCE(host->addr), tos,
			    ttl, 0, sport, READ_ONCE(mn->tunnel.port), false,
			    true);
	return;
drop:
	ip_rt_put(rt);
	mw_stats_drop(host->stats, skb, MW_DROP_NOMEM);
}

void mw_tunnel_xmit(struct mw_port *in, struct mw_port *out,
		    struct mw_host *host, __be32 nh, struct sk_buff *skb)
{
	struct mw_net *mn = host->mn;
	struct sk_buff_head frags;
	struct socket *sock;
	__be32 saddr;
	struct rtable *rt;
	u8 dmac[ETH_ALEN];
	unsigned int mtu;
	__be16 sport;
	u64 buf;

	sock = rcu_dereference_bh(mn->tunnel.sock);
	if (!sock) {
		mw_stats_drop(host->stats, skb, MW_DROP_NO_TUNNEL);
		return;
	}
	saddr = READ_ONCE(mn->tunnel.saddr);
	/* The inner flow's hash, from its IP and transport headers. */
	sport = udp_flow_src_port(mn->net, skb, 0, 0, false);
	rt = mw_tunnel_route(mn, host, saddr);
	if (!rt) {
		mw_stats_drop(host->stats, skb, MW_DROP_UNDERLAY_NO_ROUTE);
		return;
	}
	/*
	 * A foreign endpoint (a Linux VXLAN device) takes only frames to its
	 * own MAC: a static neighbour entry on the port gives it. Midway's
	 * receivers look at the VNI alone.
	 */
	if (!mw_neigh_mac(out, nh, dmac))
		ether_addr_copy(dmac, mw_port_mac(out, &buf));

	mtu = dst_mtu(&rt->dst) - MW_TUNNEL_OVERHEAD;
	switch (mw_mtu_check(in, skb, mtu)) {
	case MW_MTU_FITS:
		mw_tunnel_encap(mn, sock->sk, out, host, rt, saddr, sport,
				dmac, skb);
		return;
	case MW_MTU_FRAGMENT:
		if (mw_fragment(out, skb, mtu, LL_RESERVED_SPACE(rt->dst.dev) +
				sizeof(struct iphdr) + VXLAN_HLEN + ETH_HLEN,
				&frags)) {
			while ((skb = __skb_dequeue(&frags))) {
				dst_hold(&rt->dst);
				mw_tunnel_encap(mn, sock->sk, out, host, rt,
						saddr, sport, dmac, skb);
			}
		}
		break;
	case MW_MTU_DROPPED:
		break;
	}
	ip_rt_put(rt);
}

/* Receive ------------------------------------------------------------------- */

/*
 * The next hop of a packet to @daddr from @saddr that leaves @p: the gateway
 * of the route via @p among those the port's router would use, or the
 * destination itself on the port's subnet; 0 when there is none.
 */
static __be32 mw_tunnel_nexthop(const struct mw_port *p, __be32 saddr,
				__be32 daddr)
{
	const struct mw_nhgroup *g;
	const struct mw_route *rt;
	unsigned int i;

	g = mw_route_group(p->router->fib, saddr, daddr);
	for (i = 0; g && i < g->n_members; i++) {
		rt = g->members[i];
		if (rt->key.port == p)
			return rt->key.gateway ?: daddr;
	}
	return mw_port_subnet_has(p, daddr) ? daddr : 0;
}

/* The packet path's view of the local host: NULL if there is none. */
static struct mw_host *mw_tunnel_local(struct mw_net *mn)
{
	return READ_ONCE(mn->local_host);
}

static int mw_tunnel_rcv(struct sock *sk, struct sk_buff *skb)
{
	struct mw_net *mn = rcu_dereference_sk_user_data(sk);
	enum mw_drop_reason reason;
	const struct vxlanhdr *vxh;
	struct mw_host *src, *local;
	__be32 saddr, daddr, nh;
	struct mw_port *p;
	u8 outer_tos;
	int err;

	if (!mn)
		goto free;
	local = mw_tunnel_local(mn);
	if (!local)
		goto free;
	saddr = ip_hdr(skb)->saddr;
	outer_tos = ip_hdr(skb)->tos;
	src = xa_load(&mn->host_addrs, (__force u32)saddr);
	if (!src) {
		mw_stats_drop(local->stats, skb, MW_DROP_UNKNOWN_HOST);
		return 0;
	}
	reason = MW_DROP_BAD_TUNNEL_HEADER;
	if (!pskb_may_pull(skb, VXLAN_HLEN + ETH_HLEN))
		goto drop;
	vxh = (const struct vxlanhdr *)(udp_hdr(skb) + 1);
	if (!(vxh->vx_flags & VXLAN_HF_VNI))
		goto drop;
	reason = MW_DROP_UNKNOWN_KEY;
	p = xa_load(&mn->tunnel_keys, be32_to_cpu(vxh->vx_vni) >> 8);
	if (!p)
		goto drop;
	reason = MW_DROP_KEY_NOT_LOCAL;
	if (p->kind != MIDWAY_PORT_KIND_EXTERIOR || READ_ONCE(p->host) != local)
		goto drop;

	mw_stats_count(src->stats, false, skb->len - VXLAN_HLEN - ETH_HLEN);
	/* Leaves skb->data at the inner Ethernet header, scrubbed. */
	if (iptunnel_pull_header(skb, VXLAN_HLEN, htons(ETH_P_TEB), false)) {
		mw_drop(p, skb, MW_DROP_NOMEM);
		return 0;
	}
	skb_reset_mac_header(skb);
	if (skb->protocol != htons(ETH_P_IP)) {
		mw_drop(p, skb, MW_DROP_NOT_FOR_US);
		return 0;
	}
	skb_pull_rcsum(skb, ETH_HLEN);
	if (!mw_ip_check(skb)) {
		mw_drop(p, skb, MW_DROP_BAD_HEADER);
		return 0;
	}
	daddr = ip_hdr(skb)->daddr;
	if (ipv4_is_multicast(daddr) || ipv4_is_lbcast(daddr) ||
	    ipv4_is_zeronet(daddr)) {
		mw_drop(p, skb, MW_DROP_NOT_FOR_US);
		return 0;
	}
	err = INET_ECN_decapsulate(skb, outer_tos, ip_hdr(skb)->tos);
	if (err > 1) {
		mw_drop(p, skb, MW_DROP_BAD_HEADER);
		return 0;
	}
	if (!READ_ONCE(p->oper_up)) {
		mw_drop(p, skb, MW_DROP_PORT_DOWN);
		return 0;
	}
	nh = mw_tunnel_nexthop(p, ip_hdr(skb)->saddr, daddr);
	if (!nh) {
		mw_drop(p, skb, MW_DROP_NO_ROUTE);
		return 0;
	}
	skb_forward_csum(skb);
	mw_skb_scrub(skb);
	mw_output(p, p, nh, skb);
	return 0;

drop:
	mw_stats_drop(src->stats, skb, reason);
	return 0;
free:
	kfree_skb(skb);
	return 0;
}

/*
 * GRO: frames of one VNI (and flags) whose inner Ethernet frames belong to
 * one flow are merged, as the VXLAN driver does.
 */
static struct sk_buff *mw_tunnel_gro_receive(struct sock *sk,
					     struct list_head *head,
					     struct sk_buff *skb)
{
	const struct vxlanhdr *vh, *vh2;
	unsigned int hlen, off_vx;
	struct sk_buff *pp = NULL;
	struct sk_buff *p;
	int flush = 1;

	off_vx = skb_gro_offset(skb);
	hlen = off_vx + sizeof(*vh);
	vh = skb_gro_header(skb, hlen, off_vx);
	if (unlikely(!vh) || !(vh->vx_flags & VXLAN_HF_VNI))
		goto out;
	skb_gro_postpull_rcsum(skb, vh, sizeof(*vh));
	list_for_each_entry(p, head, list) {
		if (!NAPI_GRO_CB(p)->same_flow)
			continue;
		vh2 = (const struct vxlanhdr *)(p->data + off_vx);
		if (vh->vx_flags != vh2->vx_flags || vh->vx_vni != vh2->vx_vni)
			NAPI_GRO_CB(p)->same_flow = 0;
	}
	skb_gro_pull(skb, sizeof(*vh));
	pp = call_gro_receive(eth_gro_receive, head, skb);
	flush = 0;
out:
	skb_gro_flush_final(skb, pp, flush);
	return pp;
}

static int mw_tunnel_gro_complete(struct sock *sk, struct sk_buff *skb,
				  int nhoff)
{
	/* udp_gro_complete() did the outer headers; skb->encapsulation is set. */
	return eth_gro_complete(skb, nhoff + sizeof(struct vxlanhdr));
}

/* The socket ------------------------------------------------------------------ */

static struct socket *mw_tunnel_sock_create(struct mw_net *mn, __be16 port)
{
	struct udp_tunnel_sock_cfg tcfg = {
		.sk_user_data	= mn,
		.encap_type	= 1,
		.encap_rcv	= mw_tunnel_rcv,
		.gro_receive	= mw_tunnel_gro_receive,
		.gro_complete	= mw_tunnel_gro_complete,
	};
	struct udp_port_cfg cfg = {
		.family		= AF_INET,
		.local_ip.s_addr = htonl(INADDR_ANY),
		.local_udp_port	= port,
	};
	struct socket *sock;
	int err;

	err = udp_sock_create(mn->net, &cfg, &sock);
	if (err)
		return ERR_PTR(err);
	setup_udp_tunnel_sock(mn->net, sock, &tcfg);
	return sock;
}

int mw_tunnel_open(struct mw_net *mn, __be16 port,
		   struct netlink_ext_ack *extack)
{
	struct socket *sock, *old;
	int err;

	mw_assert_rtnl_locked(mn);
	old = rtnl_dereference(mn->tunnel.sock);
	if (old && port == mn->tunnel.port)
		return 0;
	sock = mw_tunnel_sock_create(mn, port);
	if (IS_ERR(sock)) {
		err = PTR_ERR(sock);
		/* What sock_alloc() answers when it has no memory for the inode. */
		if (err == -ENFILE)
			err = -ENOMEM;
		if (err == -EADDRINUSE)
			NL_SET_ERR_MSG(extack, "the tunnel's UDP port is in use");
		else if (err == -ENOMEM)
			NL_SET_ERR_MSG(extack, "out of memory for the tunnel's socket");
		else
			NL_SET_ERR_MSG(extack, "cannot open the tunnel's UDP socket");
		return err;
	}
	WRITE_ONCE(mn->tunnel.port, port);
	rcu_assign_pointer(mn->tunnel.sock, sock);
	if (old) {
		synchronize_net();
		udp_tunnel_sock_release(old);
	}
	return 0;
}

void mw_tunnel_close(struct mw_net *mn)
{
	struct socket *old = rtnl_dereference(mn->tunnel.sock);

	if (!old)
		return;
	RCU_INIT_POINTER(mn->tunnel.sock, NULL);
	synchronize_net();
	udp_tunnel_sock_release(old);
}
