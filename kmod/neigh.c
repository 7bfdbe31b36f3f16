// SPDX-License-Identifier: GPL-2.0
/*
 * ARP and the per-port neighbour table.
 *
 * A port answers ARP requests for its own address (and, with proxy ARP on,
 * for any other address of its subnet), and learns the sender of requests
 * addressed to it and of replies. Sending to a next hop looks it up; when
 * it is unknown, up to MW_NEIGH_QLEN packets wait while ARP requests are sent
 * once a second, MW_NEIGH_PROBES times. Learnt entries are refreshed by
 * probes once they are MW_NEIGH_REACHABLE_MS old and removed when the probes
 * go unanswered. Static entries come from netlink and never age.
 *
 * Lookups run under RCU on the packet path; changes take the table's
 * spinlock (with BH off: the packet path also changes the table). An
 * entry's MAC never changes in place: a new MAC replaces the entry.
 */
#include <linux/etherdevice.h>
#include <linux/inetdevice.h>
#include <linux/hash.h>
#include <linux/log2.h>
#include <linux/slab.h>
#include <net/arp.h>

#include "midway.h"
#include "send.h"

static struct hlist_head *mw_neigh_bucket(struct mw_neigh_table *t, __be32 ip)
{
	return &t->buckets[hash_32((__force u32)ip, ilog2(MW_NEIGH_BUCKETS))];
}

static struct mw_neigh *mw_neigh_lookup(struct mw_neigh_table *t, __be32 ip)
{
	struct mw_neigh *n;

	hlist_for_each_entry_rcu(n, mw_neigh_bucket(t, ip), node,
				 lockdep_is_held(&t->lock))
		if (n->ip == ip)
			return n;
	return NULL;
}

static void mw_neigh_free_rcu(struct rcu_head *head)
{
	kfree(container_of(head, struct mw_neigh, rcu));
}

/* Unlink @n; its waiting packets go to @drop. Table lock held. */
static void mw_neigh_unlink(struct mw_neigh_table *t, struct mw_neigh *n,
			    struct sk_buff_head *drop)
{
	hlist_del_rcu(&n->node);
	t->count--;
	skb_queue_splice_tail_init(&n->queue, drop);
	call_rcu(&n->rcu, mw_neigh_free_rcu);
}

/*
 * The timer retries requests and ages learnt entries: it runs only while the
 * table has entries other than static ones (a host holds every port of the
 * cloud, most with no neighbour at all). Table lock held.
 */
static void mw_neigh_timer_arm(struct mw_neigh_table *t)
{
	if (!t->dead && !timer_pending(&t->timer))
		mod_timer(&t->timer, jiffies + HZ);
}

static struct mw_neigh *mw_neigh_new(struct mw_neigh_table *t, __be32 ip,
				     u8 state)
{
	struct mw_neigh *n;

	if (t->dead || t->count >= MW_NEIGH_MAX)
		return NULL;
	n = kzalloc(sizeof(*n), GFP_ATOMIC);
	if (!n)
		return NULL;
	n->ip = ip;
	n->state = state;
	n->confirmed = jiffies;
	skb_queue_head_init(&n->queue);
	hlist_add_head_rcu(&n->node, mw_neigh_bucket(t, ip));
	t->count++;
	mw_neigh_timer_arm(t);
	return n;
}

/*
 * Record that @ip is at @mac. Returns the packets that were waiting for it,
 * in @ready, with the entry's MAC to send them to in @mac_out.
 */
static void mw_neigh_update(struct mw_neigh_table *t, __be32 ip, const u8 *mac,
			    u8 state, bool create, struct sk_buff_head *ready)
{
	struct mw_neigh *n, *old;

	old = mw_neigh_lookup(t, ip);
	if (old && old->state == MW_NEIGH_STATIC && state != MW_NEIGH_STATIC)
		return;
	if (old && old->state != MW_NEIGH_INCOMPLETE &&
	    ether_addr_equal(old->mac, mac)) {
		WRITE_ONCE(old->state, state);
		WRITE_ONCE(old->confirmed, jiffies);
		old->probes = 0;
		return;
	}
	if (!old && !create)
		return;

	n = kzalloc(sizeof(*n), GFP_ATOMIC);
	if (!n)
		return;
	n->ip = ip;
	n->state = state;
	n->confirmed = jiffies;
	ether_addr_copy(n->mac, mac);
	skb_queue_head_init(&n->queue);
	if (old) {
		skb_queue_splice_tail_init(&old->queue, ready);
		hlist_replace_rcu(&old->node, &n->node);
		call_rcu(&old->rcu, mw_neigh_free_rcu);
	} else if (!t->dead && t->count < MW_NEIGH_MAX) {
		hlist_add_head_rcu(&n->node, mw_neigh_bucket(t, ip));
		t->count++;
	} else {
		kfree(n);
		return;
	}
	if (state != MW_NEIGH_STATIC)
		mw_neigh_timer_arm(t);
}

/*
 * Drop the packets of @q for @reason. The counters are per CPU: callers in
 * process context disable bottom halves around it.
 */
static void mw_drop_queue(struct mw_port *p, struct sk_buff_head *q,
			  enum mw_drop_reason reason)
{
	struct sk_buff *skb;

	while ((skb = __skb_dequeue(q)))
		mw_drop(p, skb, reason);
}

/* Send the packets that waited for @ip, now at @mac. Under RCU, BH off. */
static void mw_neigh_release(struct mw_port *p, const u8 *mac,
			     struct sk_buff_head *ready)
{
	struct net_device *dev;
	struct sk_buff *skb;

	if (skb_queue_empty(ready))
		return;
	dev = rcu_dereference_bh(p->dev);
	if (!dev) {
		mw_drop_queue(p, ready, MW_DROP_PORT_DOWN);
		return;
	}
	while ((skb = __skb_dequeue(ready)))
		mw_eth_xmit(p, dev, mac, skb);
}

static void mw_arp_send(struct mw_port *p, int op, __be32 dst_ip,
			const u8 *dst_hw, __be32 src_ip)
{
	struct net_device *dev = rcu_dereference_bh(p->dev);
	struct sk_buff *skb;
	u64 mac;

	if (!dev)
		return;
	skb = arp_create(op, ETH_P_ARP, dst_ip, dev, src_ip, dst_hw,
			 mw_port_mac(p, &mac), op == ARPOP_REPLY ? dst_hw : NULL);
	if (!skb)
		return;
	mw_port_vlan_tag(p, skb);
	mw_count_tx(p, skb->len);
	dev_queue_xmit(skb);
}

bool mw_neigh_mac(struct mw_port *p, __be32 ip, u8 *mac)
{
	struct mw_neigh *n = mw_neigh_lookup(&p->neigh, ip);

	if (!n || READ_ONCE(n->state) == MW_NEIGH_INCOMPLETE)
		return false;
	ether_addr_copy(mac, n->mac);
	return true;
}

void mw_neigh_output(struct mw_port *p, struct net_device *dev, __be32 nh,
		     struct sk_buff *skb)
{
	struct mw_neigh_table *t = &p->neigh;
	struct sk_buff_head drop;
	bool probe = false;
	struct mw_neigh *n;
	u8 mac[ETH_ALEN];

	n = mw_neigh_lookup(t, nh);
	if (n && READ_ONCE(n->state) != MW_NEIGH_INCOMPLETE) {
		ether_addr_copy(mac, n->mac);
		mw_eth_xmit(p, dev, mac, skb);
		return;
	}

	__skb_queue_head_init(&drop);
	spin_lock_bh(&t->lock);
	n = mw_neigh_lookup(t, nh);
	if (!n) {
		n = mw_neigh_new(t, nh, MW_NEIGH_INCOMPLETE);
		probe = n;
	}
	if (n && n->state != MW_NEIGH_INCOMPLETE) {
		/* Answered while we took the lock. */
		ether_addr_copy(mac, n->mac);
		spin_unlock_bh(&t->lock);
		mw_eth_xmit(p, dev, mac, skb);
		return;
	}
	if (!n) {
		__skb_queue_tail(&drop, skb);
	} else {
		if (skb_queue_len(&n->queue) >= MW_NEIGH_QLEN)
			__skb_queue_tail(&drop, __skb_dequeue(&n->queue));
		__skb_queue_tail(&n->queue, skb);
		if (probe) {
			n->probed = jiffies;
			n->probes = 1;
		}
	}
	spin_unlock_bh(&t->lock);

	mw_drop_queue(p, &drop, n ? MW_DROP_NEIGH_QUEUE_FULL : MW_DROP_NOMEM);
	if (probe)
		mw_arp_send(p, ARPOP_REQUEST, nh, NULL, p->addr);
}

void mw_arp_rcv(struct mw_port *p, struct sk_buff *skb)
{
	struct net_device *dev = skb->dev;
	struct mw_neigh_table *t = &p->neigh;
	struct sk_buff_head ready;
	const struct arphdr *arp;
	const u8 *sha, *ptr;
	__be32 sip, tip;
	bool for_us;
	u16 op;

	if (!pskb_may_pull(skb, arp_hdr_len(dev)))
		goto bad;
	arp = arp_hdr(skb);
	if (arp->ar_hrd != htons(ARPHRD_ETHER) || arp->ar_pro != htons(ETH_P_IP) ||
	    arp->ar_hln != ETH_ALEN || arp->ar_pln != 4)
		goto bad;
	op = ntohs(arp->ar_op);
	ptr = (const u8 *)(arp + 1);
	sha = ptr;
	memcpy(&sip, ptr + ETH_ALEN, 4);
	memcpy(&tip, ptr + 2 * ETH_ALEN + 4, 4);

	if (!p->has_addr || (op != ARPOP_REQUEST && op != ARPOP_REPLY) ||
	    !is_valid_ether_addr(sha) || ipv4_is_multicast(sip))
		goto ignore;

	for_us = tip == p->addr ||
		 (p->proxy_arp && tip != sip && mw_port_subnet_has(p, tip));

	/* Learn from what is addressed to us; refresh what we know. */
	__skb_queue_head_init(&ready);
	if (sip && mw_port_subnet_has(p, sip)) {
		spin_lock_bh(&t->lock);
		mw_neigh_update(t, sip, sha, MW_NEIGH_REACHABLE, for_us, &ready);
		spin_unlock_bh(&t->lock);
		mw_neigh_release(p, sha, &ready);
	}

	if (!for_us)
		goto ignore;
	if (op == ARPOP_REQUEST)
		mw_arp_send(p, ARPOP_REPLY, sip, sha, tip);
	consume_skb(skb);
	return;

ignore:
	mw_drop(p, skb, MW_DROP_ARP_IGNORED);
	return;
bad:
	mw_drop(p, skb, MW_DROP_BAD_HEADER);
}

int mw_neigh_add_static(struct mw_port *p, __be32 ip, const u8 *mac)
{
	struct mw_neigh_table *t = &p->neigh;
	struct sk_buff_head ready;
	struct mw_neigh *n;
	int err = 0;

	__skb_queue_head_init(&ready);
	spin_lock_bh(&t->lock);
	mw_neigh_update(t, ip, mac, MW_NEIGH_STATIC, true, &ready);
	/*
	 * Done only if the entry is now static with this MAC: a new MAC needs
	 * a new entry, and without memory the old one stays as it was.
	 */
	n = mw_neigh_lookup(t, ip);
	if (!n || n->state != MW_NEIGH_STATIC || !ether_addr_equal(n->mac, mac))
		err = !n && t->count >= MW_NEIGH_MAX ? -ENOSPC : -ENOMEM;
	spin_unlock_bh(&t->lock);
	rcu_read_lock_bh();
	mw_neigh_release(p, mac, &ready);
	rcu_read_unlock_bh();
	return err;
}

int mw_neigh_del(struct mw_port *p, __be32 ip)
{
	struct mw_neigh_table *t = &p->neigh;
	struct sk_buff_head drop;
	struct mw_neigh *n;

	__skb_queue_head_init(&drop);
	spin_lock_bh(&t->lock);
	n = mw_neigh_lookup(t, ip);
	if (n)
		mw_neigh_unlink(t, n, &drop);
	spin_unlock_bh(&t->lock);
	/* Process context: the drop counters are per CPU. */
	local_bh_disable();
	mw_drop_queue(p, &drop, MW_DROP_NEIGH_FAILED);
	local_bh_enable();
	return n ? 0 : -ENOENT;
}

/* Once a second: retry unanswered requests, age and probe learnt entries. */
static void mw_neigh_timer(struct timer_list *timer)
{
	struct mw_neigh_table *t = from_timer(t, timer, timer);
	struct mw_port *p = container_of(t, struct mw_port, neigh);
	unsigned long reachable = msecs_to_jiffies(MW_NEIGH_REACHABLE_MS);
	__be32 probe[16];
	unsigned int n_probe = 0, b, i;
	struct sk_buff_head drop;
	struct hlist_node *tmp;
	bool dynamic = false;
	struct mw_neigh *n;

	__skb_queue_head_init(&drop);
	spin_lock_bh(&t->lock);
	for (b = 0; b < MW_NEIGH_BUCKETS; b++) {
		hlist_for_each_entry_safe(n, tmp, &t->buckets[b], node) {
			if (n->state == MW_NEIGH_STATIC)
				continue;
			dynamic = true;
			if (n->state == MW_NEIGH_REACHABLE &&
			    time_after(jiffies, n->confirmed + reachable)) {
				WRITE_ONCE(n->state, MW_NEIGH_STALE);
				n->probes = 0;
			}
			if (n->state == MW_NEIGH_REACHABLE ||
			    time_before(jiffies, n->probed + HZ))
				continue;
			if (n->probes >= MW_NEIGH_PROBES) {
				mw_neigh_unlink(t, n, &drop);
				continue;
			}
			if (n_probe < ARRAY_SIZE(probe)) {
				n->probes++;
				n->probed = jiffies;
				probe[n_probe++] = n->ip;
			}
		}
	}
	/* Entries removed now are counted: the next run finds them gone. */
	if (dynamic)
		mw_neigh_timer_arm(t);
	spin_unlock_bh(&t->lock);

	mw_drop_queue(p, &drop, MW_DROP_NEIGH_FAILED);
	rcu_read_lock_bh();
	for (i = 0; i < n_probe; i++)
		mw_arp_send(p, ARPOP_REQUEST, probe[i], NULL, p->addr);
	rcu_read_unlock_bh();
}

void mw_neigh_init(struct mw_port *p)
{
	struct mw_neigh_table *t = &p->neigh;
	unsigned int b;

	spin_lock_init(&t->lock);
	for (b = 0; b < MW_NEIGH_BUCKETS; b++)
		INIT_HLIST_HEAD(&t->buckets[b]);
	timer_setup(&t->timer, mw_neigh_timer, 0);
}

/* The port is going away: stop the timer, drop every entry. */
void mw_neigh_flush(struct mw_port *p)
{
	struct mw_neigh_table *t = &p->neigh;
	struct sk_buff_head drop;
	struct hlist_node *tmp;
	struct mw_neigh *n;
	unsigned int b;

	spin_lock_bh(&t->lock);
	t->dead = true;
	spin_unlock_bh(&t->lock);
	del_timer_sync(&t->timer);

	__skb_queue_head_init(&drop);
	spin_lock_bh(&t->lock);
	for (b = 0; b < MW_NEIGH_BUCKETS; b++)
		hlist_for_each_entry_safe(n, tmp, &t->buckets[b], node)
			mw_neigh_unlink(t, n, &drop);
	spin_unlock_bh(&t->lock);
	__skb_queue_purge(&drop);
}
