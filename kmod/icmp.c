// SPDX-License-Identifier: GPL-2.0
/*
 * ICMP spoken by the virtual routers themselves: echo replies for a port's
 * own address, and the errors of forwarding (unreachable, time exceeded,
 * fragmentation needed), sourced from the address of the port the offending
 * packet entered the router by. They are routed like any packet, starting
 * in that router.
 */
#include <linux/icmp.h>
#include <linux/inetdevice.h>
#include <linux/ip.h>
#include <net/checksum.h>
#include <net/ip.h>

#include "midway.h"
#include "icmp.h"
#include "receive.h"

/* As RFC 1812 4.3.2.3 allows: the IP header, and payload up to 576 bytes. */
#define MW_ICMP_MAX_LEN	576

static bool mw_icmp_is_error(const struct sk_buff *skb, const struct iphdr *iph)
{
	struct icmphdr _ih;
	const struct icmphdr *ih;

	if (iph->protocol != IPPROTO_ICMP)
		return false;
	ih = skb_header_pointer(skb, skb_network_offset(skb) + iph->ihl * 4,
				sizeof(_ih), &_ih);
	return !ih || ih->type > NR_ICMP_TYPES || icmp_is_err(ih->type);
}

/*
 * May @in send one more ICMP error? A token bucket per port, as RFC 1812
 * 4.3.2.8 asks and as Linux does (icmp_msgs_per_sec, icmp_msgs_burst): a
 * spoofed flood of TTL-expiring packets must not be reflected at line rate.
 */
static bool mw_icmp_allow(struct mw_port *in)
{
	u32 rate = READ_ONCE(in->router->icmp_rate);
	u32 burst = READ_ONCE(in->router->icmp_burst);
	struct mw_icmp_bucket *b = &in->icmp;
	u64 now, cost, full;
	bool ok;

	if (!rate)
		return true;
	cost = NSEC_PER_SEC / rate;
	full = cost * burst;
	now = ktime_get_mono_fast_ns();
	spin_lock(&b->lock);
	/*
	 * A new port (last 0) starts full. Clocks read on two CPUs may
	 * arrive out of order: time never runs backwards for the bucket.
	 */
	if (unlikely(!b->last))
		b->credit = full;
	else if (now > b->last)
		b->credit = min(b->credit + (now - b->last), full);
	b->last = max(b->last, now);
	ok = b->credit >= cost;
	if (ok)
		b->credit -= cost;
	spin_unlock(&b->lock);
	return ok;
}

void mw_icmp_send(struct mw_port *in, struct sk_buff *orig, u8 type, u8 code,
		  u32 info)
{
	const struct iphdr *oiph = ip_hdr(orig);
	unsigned int data_len;
	struct icmphdr *ih;
	struct sk_buff *skb;
	struct iphdr *iph;

	/* Never about non-first fragments, broadcasts, or ICMP errors. */
	if (!in->has_addr || (oiph->frag_off & htons(IP_OFFSET)) ||
	    ipv4_is_multicast(oiph->saddr) || ipv4_is_lbcast(oiph->saddr) ||
	    ipv4_is_zeronet(oiph->saddr) || mw_icmp_is_error(orig, oiph))
		return;
	if (!mw_icmp_allow(in)) {
		mw_drop(in, NULL, MW_DROP_ICMP_RATELIMIT);
		return;
	}

	data_len = min_t(unsigned int, orig->len - skb_network_offset(orig),
			 MW_ICMP_MAX_LEN - sizeof(*iph) - sizeof(*ih));
	skb = alloc_skb(LL_MAX_HEADER + sizeof(*iph) + sizeof(*ih) + data_len,
			GFP_ATOMIC);
	if (!skb)
		return;
	skb_reserve(skb, LL_MAX_HEADER);
	skb_reset_network_header(skb);
	iph = skb_put(skb, sizeof(*iph));
	skb_set_transport_header(skb, sizeof(*iph));
	ih = skb_put(skb, sizeof(*ih));
	if (skb_copy_bits(orig, skb_network_offset(orig),
			  skb_put(skb, data_len), data_len)) {
		kfree_skb(skb);
		return;
	}

	memset(ih, 0, sizeof(*ih));
	ih->type = type;
	ih->code = code;
	if (type == ICMP_DEST_UNREACH && code == ICMP_FRAG_NEEDED)
		ih->un.frag.mtu = htons(info);
	ih->checksum = ip_compute_csum(ih, sizeof(*ih) + data_len);

	iph->version = 4;
	iph->ihl = 5;
	iph->tos = IPTOS_PREC_INTERNETCONTROL;
	iph->tot_len = htons(skb->len);
	iph->id = 0;
	iph->frag_off = 0;
	iph->ttl = IPDEFTTL;
	iph->protocol = IPPROTO_ICMP;
	iph->saddr = in->addr;
	iph->daddr = oiph->saddr;
	ip_send_check(iph);

	skb->protocol = htons(ETH_P_IP);
	skb->ip_summed = CHECKSUM_NONE;
	mw_route_local_out(in, skb);
}

/* A packet for the router itself: answer echo requests, drop the rest. */
void mw_icmp_rcv(struct mw_port *in, struct sk_buff *skb)
{
	unsigned int off = skb_network_offset(skb);
	const struct iphdr *iph = ip_hdr(skb);
	unsigned int hlen = iph->ihl * 4;
	struct icmphdr *ih;
	struct iphdr *wiph;
	__be32 saddr;

	if (iph->protocol != IPPROTO_ICMP || ip_is_fragment(iph) ||
	    !pskb_may_pull(skb, off + hlen + sizeof(*ih)) ||
	    icmp_hdr(skb)->type != ICMP_ECHO || !in->has_addr)
		goto drop;
	if (skb_ensure_writable(skb, off + hlen + sizeof(*ih)))
		goto drop;

	wiph = ip_hdr(skb);
	ih = icmp_hdr(skb);
	ih->type = ICMP_ECHOREPLY;
	csum_replace2(&ih->checksum, htons(ICMP_ECHO << 8),
		      htons(ICMP_ECHOREPLY << 8));
	saddr = wiph->daddr;
	wiph->daddr = wiph->saddr;
	wiph->saddr = saddr;
	wiph->ttl = IPDEFTTL;
	ip_send_check(wiph);
	skb->ip_summed = CHECKSUM_NONE;
	mw_route_local_out(in, skb);
	return;
drop:
	mw_drop(in, skb, MW_DROP_LOCAL_UNHANDLED);
}
