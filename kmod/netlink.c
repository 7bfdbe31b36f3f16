// SPDX-License-Identifier: GPL-2.0
/*
 * The "midway" generic netlink family: see uapi/linux/midway.h for the
 * contract. This file checks requests (policies first, then references under
 * the instance lock), calls the object code, and turns objects into messages
 * for replies, dumps and events.
 *
 * Every handler validates the whole request before it changes anything, so a
 * rejected request leaves the instance as it was.
 */
#include <linux/etherdevice.h>
#include <linux/inetdevice.h>
#include <net/genetlink.h>
#include <net/sock.h>

#include "compat.h"
#include "midway.h"

static struct genl_family mw_family;

enum mw_mcgrp { MW_MCGRP_EVENTS };

static const struct genl_multicast_group mw_mcgrps[] = {
	[MW_MCGRP_EVENTS] = { .name = MIDWAY_MCGRP_EVENTS },
};

#define MW_POLICY_ID		NLA_POLICY_EXACT_LEN(MIDWAY_UUID_LEN)
#define MW_POLICY_NAME		{ .type = NLA_NUL_STRING, .len = MIDWAY_NAME_MAX - 1 }
#define MW_POLICY_BOOL		NLA_POLICY_MAX(NLA_U8, 1)
#define MW_POLICY_PLEN		NLA_POLICY_MAX(NLA_U8, 32)
#define MW_POLICY_RO		{ .type = NLA_REJECT, .reject_message = "attribute is read-only" }

/* u32 ranges beyond what the short form of a policy holds. */
static struct netlink_range_validation mw_tunnel_key_range = {
	.min = 1, .max = MIDWAY_TUNNEL_KEY_MAX,
};

static struct netlink_range_validation mw_weight_range = {
	.min = 1, .max = MIDWAY_WEIGHT_MAX,
};

static struct netlink_range_validation mw_icmp_rate_range = {
	.min = 0, .max = MIDWAY_ICMP_RATE_MAX,
};

static struct netlink_range_validation mw_icmp_burst_range = {
	.min = 1, .max = MIDWAY_ICMP_BURST_MAX,
};

static const struct nla_policy mw_router_policy[MIDWAY_A_ROUTER_MAX + 1] = {
	[MIDWAY_A_ROUTER_ID]		= MW_POLICY_ID,
	[MIDWAY_A_ROUTER_NAME]		= MW_POLICY_NAME,
	[MIDWAY_A_ROUTER_ADMIN_UP]	= MW_POLICY_BOOL,
	[MIDWAY_A_ROUTER_CASCADE]	= { .type = NLA_FLAG },
	[MIDWAY_A_ROUTER_N_PORTS]	= MW_POLICY_RO,
	[MIDWAY_A_ROUTER_N_ROUTES]	= MW_POLICY_RO,
	[MIDWAY_A_ROUTER_ICMP_RATE]	= NLA_POLICY_FULL_RANGE(NLA_U32, &mw_icmp_rate_range),
	[MIDWAY_A_ROUTER_ICMP_BURST]	= NLA_POLICY_FULL_RANGE(NLA_U32, &mw_icmp_burst_range),
};

static const struct nla_policy mw_port_policy[MIDWAY_A_PORT_MAX + 1] = {
	[MIDWAY_A_PORT_ID]		= MW_POLICY_ID,
	[MIDWAY_A_PORT_ROUTER_ID]	= MW_POLICY_ID,
	[MIDWAY_A_PORT_NAME]		= MW_POLICY_NAME,
	[MIDWAY_A_PORT_KIND]		= NLA_POLICY_RANGE(NLA_U8, MIDWAY_PORT_KIND_EXTERIOR,
							   MIDWAY_PORT_KIND_INTERIOR),
	[MIDWAY_A_PORT_ADMIN_UP]	= MW_POLICY_BOOL,
	[MIDWAY_A_PORT_OPER_UP]		= MW_POLICY_RO,
	[MIDWAY_A_PORT_MAC]		= NLA_POLICY_ETH_ADDR,
	[MIDWAY_A_PORT_ADDR]		= { .type = NLA_BE32 },
	[MIDWAY_A_PORT_PREFIXLEN]	= MW_POLICY_PLEN,
	[MIDWAY_A_PORT_TUNNEL_KEY]	= NLA_POLICY_FULL_RANGE(NLA_U32, &mw_tunnel_key_range),
	[MIDWAY_A_PORT_PEER_ID]		= MW_POLICY_ID,
	[MIDWAY_A_PORT_HOST_ID]		= MW_POLICY_ID,
	[MIDWAY_A_PORT_IFINDEX]		= { .type = NLA_U32 },
	[MIDWAY_A_PORT_CASCADE]		= { .type = NLA_FLAG },
	[MIDWAY_A_PORT_PROXY_ARP]	= MW_POLICY_BOOL,
	[MIDWAY_A_PORT_STATS]		= MW_POLICY_RO,
	[MIDWAY_A_PORT_DROPS]		= MW_POLICY_RO,
	[MIDWAY_A_PORT_IFNAME]		= { .type = NLA_NUL_STRING, .len = IFNAMSIZ - 1 },
	[MIDWAY_A_PORT_VLAN]		= NLA_POLICY_MAX(NLA_U16, MIDWAY_VLAN_MAX),
	[MIDWAY_A_PORT_REMOTE_UP]	= MW_POLICY_BOOL,
};

static const struct nla_policy mw_route_policy[MIDWAY_A_ROUTE_MAX + 1] = {
	[MIDWAY_A_ROUTE_ID]		= MW_POLICY_ID,
	[MIDWAY_A_ROUTE_ROUTER_ID]	= MW_POLICY_ID,
	[MIDWAY_A_ROUTE_DST]		= { .type = NLA_BE32 },
	[MIDWAY_A_ROUTE_DST_LEN]	= MW_POLICY_PLEN,
	[MIDWAY_A_ROUTE_SRC]		= { .type = NLA_BE32 },
	[MIDWAY_A_ROUTE_SRC_LEN]	= MW_POLICY_PLEN,
	[MIDWAY_A_ROUTE_NH_TYPE]	= NLA_POLICY_RANGE(NLA_U8, MIDWAY_NH_PORT,
							   MIDWAY_NH_LOCAL),
	[MIDWAY_A_ROUTE_GATEWAY]	= { .type = NLA_BE32 },
	[MIDWAY_A_ROUTE_PORT_ID]	= MW_POLICY_ID,
	[MIDWAY_A_ROUTE_WEIGHT]		= NLA_POLICY_FULL_RANGE(NLA_U32, &mw_weight_range),
	[MIDWAY_A_ROUTE_ACTIVE]		= MW_POLICY_RO,
	[MIDWAY_A_ROUTE_PROTO]		= { .type = NLA_U8 },
	[MIDWAY_A_ROUTE_SPORT]		= { .type = NLA_U16 },
	[MIDWAY_A_ROUTE_DPORT]		= { .type = NLA_U16 },
};

static const struct nla_policy mw_neigh_policy[MIDWAY_A_NEIGH_MAX + 1] = {
	[MIDWAY_A_NEIGH_PORT_ID]	= MW_POLICY_ID,
	[MIDWAY_A_NEIGH_ADDR]		= { .type = NLA_BE32 },
	[MIDWAY_A_NEIGH_MAC]		= NLA_POLICY_ETH_ADDR,
	[MIDWAY_A_NEIGH_STATE]		= MW_POLICY_RO,
};

static const struct nla_policy mw_host_policy[MIDWAY_A_HOST_MAX + 1] = {
	[MIDWAY_A_HOST_ID]		= MW_POLICY_ID,
	[MIDWAY_A_HOST_NAME]		= MW_POLICY_NAME,
	[MIDWAY_A_HOST_ADDR]		= { .type = NLA_BE32 },
	[MIDWAY_A_HOST_LOCAL]		= MW_POLICY_BOOL,
	[MIDWAY_A_HOST_CASCADE]		= { .type = NLA_FLAG },
	[MIDWAY_A_HOST_STATS]		= MW_POLICY_RO,
	[MIDWAY_A_HOST_DROPS]		= MW_POLICY_RO,
};

static const struct nla_policy mw_tunnel_policy[MIDWAY_A_TUNNEL_MAX + 1] = {
	[MIDWAY_A_TUNNEL_PORT]		= NLA_POLICY_MIN(NLA_U16, 1),
	[MIDWAY_A_TUNNEL_TTL]		= { .type = NLA_U8 },
	[MIDWAY_A_TUNNEL_OPEN]		= MW_POLICY_RO,
};

/* Helpers ------------------------------------------------------------------ */

static const uuid_t *mw_nla_uuid(const struct nlattr *nla)
{
	return nla_data(nla);	/* length checked by the policy */
}

static int mw_put_uuid(struct sk_buff *skb, int type, const uuid_t *id)
{
	return nla_put(skb, type, sizeof(*id), id);
}

static bool mw_prefix_ok(__be32 addr, u8 len)
{
	return !(addr & ~inet_make_mask(len));
}

/*
 * Both or neither of a pair of attributes; names the one that is alone.
 * (Macros, because extack messages must be string literals.)
 */
#define mw_check_pair(info, a, b, msg) ({				\
	struct genl_info *__info = (info);				\
	struct nlattr *__a = __info->attrs[a];				\
	struct nlattr *__b = __info->attrs[b];				\
	int __err = 0;							\
									\
	if (!!__a != !!__b) {						\
		NL_SET_ERR_MSG_ATTR(__info->extack, __a ?: __b, msg);	\
		__err = -EINVAL;					\
	}								\
	__err;								\
})

/* A required attribute: missing, it is named in the ack, with a message. */
#define mw_require(info, type) ({					\
	struct genl_info *__mw_info = (info);				\
	bool __miss = GENL_REQ_ATTR_CHECK(__mw_info, type);		\
									\
	if (__miss)							\
		NL_SET_ERR_MSG(__mw_info->extack, "missing required attribute"); \
	__miss;								\
})

/* Reject attribute @type when present: it cannot change, or does not apply. */
#define mw_reject_attr(info, type, msg) ({				\
	struct genl_info *__info = (info);				\
	struct nlattr *__nla = __info->attrs[type];			\
	int __err = 0;							\
									\
	if (__nla) {							\
		NL_SET_ERR_MSG_ATTR(__info->extack, __nla, msg);	\
		__err = -EINVAL;					\
	}								\
	__err;								\
})

/* Messages ----------------------------------------------------------------- */

static int mw_fill_router(struct sk_buff *skb, const struct mw_router *r)
{
	if (mw_put_uuid(skb, MIDWAY_A_ROUTER_ID, &r->obj.id) ||
	    (r->name[0] && nla_put_string(skb, MIDWAY_A_ROUTER_NAME, r->name)) ||
	    nla_put_u8(skb, MIDWAY_A_ROUTER_ADMIN_UP, r->admin_up) ||
	    nla_put_u32(skb, MIDWAY_A_ROUTER_ICMP_RATE, r->icmp_rate) ||
	    nla_put_u32(skb, MIDWAY_A_ROUTER_ICMP_BURST, r->icmp_burst) ||
	    nla_put_u32(skb, MIDWAY_A_ROUTER_N_PORTS, r->n_ports) ||
	    nla_put_u32(skb, MIDWAY_A_ROUTER_N_ROUTES, r->n_routes))
		return -EMSGSIZE;
	return 0;
}

/* @stats as the nests @stats_attr (STATS) and @drops_attr (DROPS). */
static int mw_fill_stats(struct sk_buff *skb,
			 const struct mw_stats __percpu *stats,
			 int stats_attr, int drops_attr)
{
	struct nlattr *nest, *drop;
	struct mw_stats *s;
	int err = -EMSGSIZE;
	unsigned int i;

	s = kmalloc(sizeof(*s), GFP_KERNEL);
	if (!s)
		return -ENOMEM;
	mw_stats_sum(stats, s);

	nest = nla_nest_start(skb, stats_attr);
	if (!nest ||
	    nla_put_u64_64bit(skb, MIDWAY_A_STATS_RX_PACKETS, s->rx_packets, MIDWAY_A_STATS_PAD) ||
	    nla_put_u64_64bit(skb, MIDWAY_A_STATS_RX_BYTES, s->rx_bytes, MIDWAY_A_STATS_PAD) ||
	    nla_put_u64_64bit(skb, MIDWAY_A_STATS_TX_PACKETS, s->tx_packets, MIDWAY_A_STATS_PAD) ||
	    nla_put_u64_64bit(skb, MIDWAY_A_STATS_TX_BYTES, s->tx_bytes, MIDWAY_A_STATS_PAD))
		goto out;
	nla_nest_end(skb, nest);

	nest = nla_nest_start(skb, drops_attr);
	if (!nest)
		goto out;
	for (i = 0; i < MW_DROP_MAX; i++) {
		if (!s->drops[i])
			continue;
		drop = nla_nest_start(skb, i + 1);
		if (!drop ||
		    nla_put_string(skb, MIDWAY_A_DROP_REASON, mw_drop_names[i]) ||
		    nla_put_u64_64bit(skb, MIDWAY_A_DROP_COUNT, s->drops[i], MIDWAY_A_DROP_PAD))
			goto out;
		nla_nest_end(skb, drop);
	}
	nla_nest_end(skb, nest);
	err = 0;
out:
	kfree(s);
	return err;
}

static int mw_fill_port(struct sk_buff *skb, const struct mw_port *p)
{
	const struct net_device *dev;
	const struct mw_port *peer;
	int err = 0;

	if (mw_put_uuid(skb, MIDWAY_A_PORT_ID, &p->obj.id) ||
	    mw_put_uuid(skb, MIDWAY_A_PORT_ROUTER_ID, &p->router->obj.id) ||
	    (p->name[0] && nla_put_string(skb, MIDWAY_A_PORT_NAME, p->name)) ||
	    nla_put_u8(skb, MIDWAY_A_PORT_KIND, p->kind) ||
	    nla_put_u8(skb, MIDWAY_A_PORT_ADMIN_UP, p->admin_up) ||
	    nla_put_u8(skb, MIDWAY_A_PORT_OPER_UP, READ_ONCE(p->oper_up)) ||
	    nla_put_u8(skb, MIDWAY_A_PORT_PROXY_ARP, p->proxy_arp) ||
	    (p->kind == MIDWAY_PORT_KIND_EXTERIOR &&
	     nla_put_u8(skb, MIDWAY_A_PORT_REMOTE_UP, p->remote_up)) ||
	    nla_put(skb, MIDWAY_A_PORT_MAC, ETH_ALEN, p->mac) ||
	    nla_put_u32(skb, MIDWAY_A_PORT_TUNNEL_KEY, p->tunnel_key))
		return -EMSGSIZE;
	if (p->has_addr &&
	    (nla_put_in_addr(skb, MIDWAY_A_PORT_ADDR, p->addr) ||
	     nla_put_u8(skb, MIDWAY_A_PORT_PREFIXLEN, p->prefixlen)))
		return -EMSGSIZE;
	if (p->host && mw_put_uuid(skb, MIDWAY_A_PORT_HOST_ID, &p->host->obj.id))
		return -EMSGSIZE;
	if (p->vlan && nla_put_u16(skb, MIDWAY_A_PORT_VLAN, p->vlan))
		return -EMSGSIZE;
	if (mw_fill_stats(skb, p->stats, MIDWAY_A_PORT_STATS, MIDWAY_A_PORT_DROPS))
		return -EMSGSIZE;

	/* The caller holds mn->lock; RCU for the annotations' sake. */
	rcu_read_lock();
	peer = rcu_dereference(p->peer);
	if (peer && mw_put_uuid(skb, MIDWAY_A_PORT_PEER_ID, &peer->obj.id))
		err = -EMSGSIZE;
	dev = rcu_dereference(p->dev);
	if (dev && (nla_put_u32(skb, MIDWAY_A_PORT_IFINDEX, dev->ifindex) ||
		    nla_put_string(skb, MIDWAY_A_PORT_IFNAME, dev->name)))
		err = -EMSGSIZE;
	rcu_read_unlock();
	return err;
}

static int mw_fill_route(struct sk_buff *skb, const struct mw_route *rt)
{
	const struct mw_route_key *k = &rt->key;

	if (mw_put_uuid(skb, MIDWAY_A_ROUTE_ID, &rt->obj.id) ||
	    mw_put_uuid(skb, MIDWAY_A_ROUTE_ROUTER_ID, &k->router->obj.id) ||
	    nla_put_in_addr(skb, MIDWAY_A_ROUTE_DST, k->dst) ||
	    nla_put_u8(skb, MIDWAY_A_ROUTE_DST_LEN, k->dst_len) ||
	    nla_put_u8(skb, MIDWAY_A_ROUTE_NH_TYPE, k->nh_type) ||
	    nla_put_u32(skb, MIDWAY_A_ROUTE_WEIGHT, rt->weight) ||
	    nla_put_u8(skb, MIDWAY_A_ROUTE_ACTIVE, READ_ONCE(rt->active)))
		return -EMSGSIZE;
	if (k->src_len &&
	    (nla_put_in_addr(skb, MIDWAY_A_ROUTE_SRC, k->src) ||
	     nla_put_u8(skb, MIDWAY_A_ROUTE_SRC_LEN, k->src_len)))
		return -EMSGSIZE;
	if (k->gateway && nla_put_in_addr(skb, MIDWAY_A_ROUTE_GATEWAY, k->gateway))
		return -EMSGSIZE;
	if (k->port && mw_put_uuid(skb, MIDWAY_A_ROUTE_PORT_ID, &k->port->obj.id))
		return -EMSGSIZE;
	return 0;
}

static int mw_fill_host(struct sk_buff *skb, const struct mw_host *h)
{
	if (mw_put_uuid(skb, MIDWAY_A_HOST_ID, &h->obj.id) ||
	    (h->name[0] && nla_put_string(skb, MIDWAY_A_HOST_NAME, h->name)) ||
	    nla_put_in_addr(skb, MIDWAY_A_HOST_ADDR, h->addr) ||
	    nla_put_u8(skb, MIDWAY_A_HOST_LOCAL, h->local))
		return -EMSGSIZE;
	return mw_fill_stats(skb, h->stats, MIDWAY_A_HOST_STATS,
			     MIDWAY_A_HOST_DROPS);
}

static int mw_fill_tunnel(struct sk_buff *skb, const struct mw_tunnel *t)
{
	if (nla_put_u16(skb, MIDWAY_A_TUNNEL_PORT, ntohs(t->port)) ||
	    nla_put_u8(skb, MIDWAY_A_TUNNEL_TTL, t->ttl) ||
	    nla_put_u8(skb, MIDWAY_A_TUNNEL_OPEN, mw_tunnel_is_open(t)))
		return -EMSGSIZE;
	return 0;
}

/* The fill function for the object type that @cmd is about. */
static int mw_fill_obj(struct sk_buff *skb, u8 cmd, const void *obj)
{
	switch (cmd) {
	case MIDWAY_CMD_ROUTER_NEW ... MIDWAY_CMD_ROUTER_SET:
		return mw_fill_router(skb, obj);
	case MIDWAY_CMD_PORT_NEW ... MIDWAY_CMD_PORT_STATE:
		return mw_fill_port(skb, obj);
	case MIDWAY_CMD_ROUTE_NEW ... MIDWAY_CMD_ROUTE_GET:
	case MIDWAY_CMD_ROUTE_LOOKUP:
	case MIDWAY_CMD_ROUTE_SET ... MIDWAY_CMD_ROUTE_STATE:
		return mw_fill_route(skb, obj);
	case MIDWAY_CMD_HOST_NEW ... MIDWAY_CMD_HOST_SET:
		return mw_fill_host(skb, obj);
	case MIDWAY_CMD_TUNNEL_GET ... MIDWAY_CMD_TUNNEL_SET:
		return mw_fill_tunnel(skb, obj);
	}
	WARN_ON_ONCE(1);
	return -EINVAL;
}

/* With @cb, a message of a dump: marked when the instance changed under it. */
static int mw_fill_msg(struct sk_buff *skb, u8 cmd, const void *obj,
		       u32 portid, u32 seq, int flags,
		       struct netlink_callback *cb)
{
	void *hdr = genlmsg_put(skb, portid, seq, &mw_family, flags, cmd);

	if (!hdr)
		return -EMSGSIZE;
	if (cb)
		genl_dump_check_consistent(cb, hdr);
	if (mw_fill_obj(skb, cmd, obj)) {
		genlmsg_cancel(skb, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(skb, hdr);
	return 0;
}

void mw_notify(struct mw_net *mn, u8 cmd, const void *obj,
	       struct genl_info *info)
{
	bool echo = info && nlmsg_report(info->nlhdr);
	struct sk_buff *skb;

	/* Every change is notified: the one place that tells the dumps. */
	mw_gen_bump(mn);
	if (mn->dying)
		return;
	if (!echo && !genl_has_listeners(&mw_family, mn->net, MW_MCGRP_EVENTS))
		return;

	skb = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!skb)
		return;
	if (mw_fill_msg(skb, cmd, obj, info ? info->snd_portid : 0,
			info ? info->snd_seq : 0, 0, NULL)) {
		nlmsg_free(skb);
		return;
	}
	if (info)
		genl_notify(&mw_family, skb, info, MW_MCGRP_EVENTS, GFP_KERNEL);
	else
		genlmsg_multicast_netns(&mw_family, mn->net, skb, 0,
					MW_MCGRP_EVENTS, GFP_KERNEL);
}

/* GET and dump, common to all objects -------------------------------------- */

static struct mw_net *mw_info_net(struct genl_info *info)
{
	return mw_net(genl_info_net(info));
}

static int mw_reply(struct genl_info *info, u8 cmd, const void *obj)
{
	struct sk_buff *skb = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	int err;

	if (!skb) {
		NL_SET_ERR_MSG(info->extack, "out of memory for the reply");
		return -ENOMEM;
	}
	err = mw_fill_msg(skb, cmd, obj, info->snd_portid, info->snd_seq, 0,
			  NULL);
	if (err) {
		nlmsg_free(skb);
		return err;
	}
	return genlmsg_reply(skb, info);
}

/*
 * Dump @t from the index kept in cb->args[0]. With @router_filter, only
 * objects whose router has that id (found by @router_of).
 */
static int mw_dump_table(struct sk_buff *skb, struct netlink_callback *cb,
			 struct mw_table *t, u8 cmd, const uuid_t *router_filter,
			 const struct mw_router *(*router_of)(const struct mw_obj *))
{
	struct mw_net *mn = mw_net(sock_net(skb->sk));
	unsigned long index = cb->args[0];
	struct mw_obj *o;
	int err = 0;

	mutex_lock(&mn->lock);
	/* A change between two parts of the dump marks it interrupted. */
	cb->seq = mn->gen;
	for (; (o = mw_table_next(t, &index)); index++) {
		if (router_filter &&
		    !uuid_equal(&router_of(o)->obj.id, router_filter))
			continue;
		err = mw_fill_msg(skb, cmd, o, NETLINK_CB(cb->skb).portid,
				  cb->nlh->nlmsg_seq, NLM_F_MULTI, cb);
		if (err)
			break;
	}
	mutex_unlock(&mn->lock);

	cb->args[0] = index;
	/* An object that does not fit an empty message is an error. */
	if (err && !skb->len)
		return err;
	return skb->len;
}

/*
 * Lookups by the id in attribute @type that name the attribute in the ack
 * when there is no such object (extack messages must be literals, hence one
 * function per type).
 */
#define MW_DEFINE_GET(name, msg)					\
static struct mw_obj *mw_get_##name##_obj(struct mw_net *mn,		\
					  struct genl_info *info, int type) \
{									\
	struct nlattr *nla = info->attrs[type];				\
	struct mw_##name *x = mw_##name##_lookup(mn, mw_nla_uuid(nla));	\
									\
	if (!x)								\
		NL_SET_ERR_MSG_ATTR(info->extack, nla, msg);		\
	return x ? &x->obj : NULL;					\
}

/* The same, typed. */
#define MW_DEFINE_GET_TYPED(name)					\
static struct mw_##name *mw_get_##name(struct mw_net *mn,		\
				       struct genl_info *info, int type) \
{									\
	struct mw_obj *o = mw_get_##name##_obj(mn, info, type);		\
									\
	return o ? container_of(o, struct mw_##name, obj) : NULL;	\
}

MW_DEFINE_GET(router, "no such router")
MW_DEFINE_GET(port, "no such port")
MW_DEFINE_GET(route, "no such route")
MW_DEFINE_GET(host, "no such host")
MW_DEFINE_GET_TYPED(router)
MW_DEFINE_GET_TYPED(port)
MW_DEFINE_GET_TYPED(route)
MW_DEFINE_GET_TYPED(host)

/* Why an object cannot be deleted without CASCADE: 0, or -EBUSY and a message. */
static int mw_router_busy(const struct mw_obj *o, struct netlink_ext_ack *extack)
{
	const struct mw_router *r = container_of(o, struct mw_router, obj);

	if (!r->n_ports && !r->n_routes)
		return 0;
	NL_SET_ERR_MSG(extack,
		       "router has ports or routes (delete them first, or use cascade)");
	return -EBUSY;
}

static int mw_port_busy(const struct mw_obj *o, struct netlink_ext_ack *extack)
{
	const struct mw_port *p = container_of(o, struct mw_port, obj);

	if (p->n_routes) {
		NL_SET_ERR_MSG(extack,
			       "routes go via the port (delete them first, or use cascade)");
		return -EBUSY;
	}
	if (mw_port_peer(p)) {
		NL_SET_ERR_MSG(extack, "port has a peer (delete the peer first, or use cascade)");
		return -EBUSY;
	}
	return 0;
}

static int mw_host_busy(const struct mw_obj *o, struct netlink_ext_ack *extack)
{
	if (!container_of(o, struct mw_host, obj)->n_ports)
		return 0;
	NL_SET_ERR_MSG(extack, "ports live on the host (delete them first, or use cascade)");
	return -EBUSY;
}

static int mw_router_del(struct mw_net *mn, struct mw_obj *o,
			 struct genl_info *info)
{
	return mw_router_destroy(mn, container_of(o, struct mw_router, obj), info);
}

static int mw_port_del(struct mw_net *mn, struct mw_obj *o,
		       struct genl_info *info)
{
	return mw_port_destroy(mn, container_of(o, struct mw_port, obj), info);
}

static int mw_route_del(struct mw_net *mn, struct mw_obj *o,
			struct genl_info *info)
{
	return mw_route_destroy(mn, container_of(o, struct mw_route, obj), info);
}

static int mw_host_del(struct mw_net *mn, struct mw_obj *o,
		       struct genl_info *info)
{
	return mw_host_destroy(mn, container_of(o, struct mw_host, obj), info);
}

static const struct mw_router *mw_port_router(const struct mw_obj *o)
{
	return container_of(o, struct mw_port, obj)->router;
}

static const struct mw_router *mw_route_router(const struct mw_obj *o)
{
	return container_of(o, struct mw_route, obj)->key.router;
}

/* What GET, DEL and dump, the same for every object type, need to know. */
struct mw_objtype {
	size_t table;			/* offsetof(struct mw_net, <table>) */
	int id_attr;
	int cascade_attr;		/* 0: DEL has no CASCADE flag */
	int router_attr;		/* 0: dumps cannot filter by router */
	u8 get_cmd;
	struct mw_obj *(*get)(struct mw_net *mn, struct genl_info *info, int type);
	/* Without CASCADE: 0, or -EBUSY and a message. NULL: never busy. */
	int (*busy)(const struct mw_obj *o, struct netlink_ext_ack *extack);
	/* 0, or an error (no memory) and nothing deleted. */
	int (*del)(struct mw_net *mn, struct mw_obj *o, struct genl_info *info);
	const struct mw_router *(*router_of)(const struct mw_obj *o);
};

static const struct mw_objtype mw_router_type = {
	.table = offsetof(struct mw_net, routers),
	.id_attr = MIDWAY_A_ROUTER_ID,
	.cascade_attr = MIDWAY_A_ROUTER_CASCADE,
	.get_cmd = MIDWAY_CMD_ROUTER_GET,
	.get = mw_get_router_obj,
	.busy = mw_router_busy,
	.del = mw_router_del,
};

static const struct mw_objtype mw_port_type = {
	.table = offsetof(struct mw_net, ports),
	.id_attr = MIDWAY_A_PORT_ID,
	.cascade_attr = MIDWAY_A_PORT_CASCADE,
	.router_attr = MIDWAY_A_PORT_ROUTER_ID,
	.get_cmd = MIDWAY_CMD_PORT_GET,
	.get = mw_get_port_obj,
	.busy = mw_port_busy,
	.del = mw_port_del,
	.router_of = mw_port_router,
};

static const struct mw_objtype mw_route_type = {
	.table = offsetof(struct mw_net, routes),
	.id_attr = MIDWAY_A_ROUTE_ID,
	.router_attr = MIDWAY_A_ROUTE_ROUTER_ID,
	.get_cmd = MIDWAY_CMD_ROUTE_GET,
	.get = mw_get_route_obj,
	.del = mw_route_del,
	.router_of = mw_route_router,
};

static const struct mw_objtype mw_host_type = {
	.table = offsetof(struct mw_net, hosts),
	.id_attr = MIDWAY_A_HOST_ID,
	.cascade_attr = MIDWAY_A_HOST_CASCADE,
	.get_cmd = MIDWAY_CMD_HOST_GET,
	.get = mw_get_host_obj,
	.busy = mw_host_busy,
	.del = mw_host_del,
};

static const struct mw_objtype *mw_objtype(u8 cmd)
{
	switch (cmd) {
	case MIDWAY_CMD_ROUTER_DEL:
	case MIDWAY_CMD_ROUTER_GET:
		return &mw_router_type;
	case MIDWAY_CMD_PORT_DEL:
	case MIDWAY_CMD_PORT_GET:
		return &mw_port_type;
	case MIDWAY_CMD_ROUTE_DEL:
	case MIDWAY_CMD_ROUTE_GET:
		return &mw_route_type;
	default:
		return &mw_host_type;
	}
}

/* The locks a change needs: mn->lock, and RTNL when it may (un)bind devices. */
static void mw_lock_for(struct mw_net *mn, bool rtnl)
{
	if (rtnl)
		mw_lock_rtnl(mn);
	else
		mw_lock(mn);
}

static void mw_unlock_for(struct mw_net *mn, bool rtnl)
{
	if (rtnl)
		mw_unlock_rtnl(mn);
	else
		mw_unlock(mn);
}

static bool mw_replace(struct genl_info *info)
{
	return info->nlhdr->nlmsg_flags & NLM_F_REPLACE;
}

/* GET do of any object: its id required, the object in the reply. */
static int mw_nl_get(struct sk_buff *skb, struct genl_info *info)
{
	const struct mw_objtype *t = mw_objtype(info->genlhdr->cmd);
	struct mw_net *mn = mw_info_net(info);
	struct mw_obj *o;
	int err;

	if (mw_require(info, t->id_attr))
		return -EINVAL;
	mutex_lock(&mn->lock);
	o = t->get(mn, info, t->id_attr);
	err = o ? mw_reply(info, t->get_cmd, o) : -ENOENT;
	mutex_unlock(&mn->lock);
	return err;
}

/*
 * DEL of any object: its id required; refused while in use unless the
 * request has CASCADE, which deletes what depends on it too.
 */
static int mw_nl_del(struct sk_buff *skb, struct genl_info *info)
{
	const struct mw_objtype *t = mw_objtype(info->genlhdr->cmd);
	struct mw_net *mn = mw_info_net(info);
	bool cascade, rtnl;
	struct mw_obj *o;
	int err = 0;

	if (mw_require(info, t->id_attr))
		return -EINVAL;
	cascade = t->cascade_attr && nla_get_flag(info->attrs[t->cascade_attr]);
	/*
	 * A port may be bound to a device, a host's or a router's cascade
	 * takes ports: those unbind, under RTNL. A route, or a router alone,
	 * does not.
	 */
	rtnl = t->cascade_attr && (cascade || t != &mw_router_type);
	mw_lock_for(mn, rtnl);
	o = t->get(mn, info, t->id_attr);
	if (!o)
		err = -ENOENT;
	else if (t->busy && !cascade)
		err = t->busy(o, info->extack);
	if (o && !err) {
		err = t->del(mn, o, info);
		if (err)
			NL_SET_ERR_MSG(info->extack,
				       "cannot rebuild the forwarding table without the deleted routes");
	}
	mw_unlock_for(mn, rtnl);
	return err;
}

/*
 * Dump of any object type, in creation order; ports and routes can be
 * restricted to one router's.
 */
static int mw_nl_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	const struct genlmsghdr *hdr = nlmsg_data(cb->nlh);
	const struct mw_objtype *t = mw_objtype(hdr->cmd);
	struct mw_net *mn = mw_net(sock_net(skb->sk));
	struct nlattr *filter = NULL;

	if (t->router_attr)
		filter = mw_dump_attrs(cb)[t->router_attr];
	return mw_dump_table(skb, cb, (void *)mn + t->table, t->get_cmd,
			     filter ? mw_nla_uuid(filter) : NULL, t->router_of);
}

/* Routers ------------------------------------------------------------------ */

/* The ICMP error rate limit of the router's ports; read by the packet path. */
static void mw_router_apply_icmp(struct mw_router *r, struct nlattr **a)
{
	if (a[MIDWAY_A_ROUTER_ICMP_RATE])
		WRITE_ONCE(r->icmp_rate, nla_get_u32(a[MIDWAY_A_ROUTER_ICMP_RATE]));
	if (a[MIDWAY_A_ROUTER_ICMP_BURST])
		WRITE_ONCE(r->icmp_burst, nla_get_u32(a[MIDWAY_A_ROUTER_ICMP_BURST]));
}

static int mw_nl_router_new(struct sk_buff *skb, struct genl_info *info)
{
	struct mw_net *mn = mw_info_net(info);
	struct nlattr **a = info->attrs;
	struct mw_router *r, *old;
	int err;

	if (mw_require(info, MIDWAY_A_ROUTER_ID))
		return -EINVAL;
	r = mw_router_alloc(mw_nla_uuid(a[MIDWAY_A_ROUTER_ID]));
	if (!r) {
		NL_SET_ERR_MSG(info->extack, "out of memory");
		return -ENOMEM;
	}
	if (a[MIDWAY_A_ROUTER_NAME])
		nla_strscpy(r->name, a[MIDWAY_A_ROUTER_NAME], sizeof(r->name));
	if (a[MIDWAY_A_ROUTER_ADMIN_UP])
		r->admin_up = nla_get_u8(a[MIDWAY_A_ROUTER_ADMIN_UP]);
	mw_router_apply_icmp(r, a);

	mw_lock(mn);
	old = mw_router_lookup(mn, &r->obj.id);
	if (old && !mw_replace(info)) {
		NL_SET_ERR_MSG_ATTR(info->extack, a[MIDWAY_A_ROUTER_ID],
				    "a router with this id exists");
		err = -EEXIST;
	} else if (old) {
		/* What a NEW would have made, in place: nothing can fail. */
		strscpy(old->name, r->name, sizeof(old->name));
		WRITE_ONCE(old->icmp_rate, r->icmp_rate);
		WRITE_ONCE(old->icmp_burst, r->icmp_burst);
		mw_router_set_admin(mn, old, r->admin_up);
		mw_notify(mn, MIDWAY_CMD_ROUTER_NEW, old, info);
		err = 0;
	} else {
		err = mw_router_insert(mn, r, info->extack);
		if (!err)
			mw_notify(mn, MIDWAY_CMD_ROUTER_NEW, r, info);
	}
	mw_unlock(mn);
	if (err || old)
		mw_router_free(r);
	return err;
}

static int mw_nl_router_set(struct sk_buff *skb, struct genl_info *info)
{
	struct mw_net *mn = mw_info_net(info);
	struct nlattr **a = info->attrs;
	struct mw_router *r;
	int err = 0;

	if (mw_require(info, MIDWAY_A_ROUTER_ID))
		return -EINVAL;
	mw_lock(mn);
	r = mw_get_router(mn, info, MIDWAY_A_ROUTER_ID);
	if (!r) {
		err = -ENOENT;
		goto out;
	}
	if (a[MIDWAY_A_ROUTER_NAME])
		nla_strscpy(r->name, a[MIDWAY_A_ROUTER_NAME], sizeof(r->name));
	mw_router_apply_icmp(r, a);
	if (a[MIDWAY_A_ROUTER_ADMIN_UP])
		mw_router_set_admin(mn, r, nla_get_u8(a[MIDWAY_A_ROUTER_ADMIN_UP]));
	mw_notify(mn, MIDWAY_CMD_ROUTER_SET, r, info);
out:
	mw_unlock(mn);
	return err;
}

/* Ports -------------------------------------------------------------------- */

/* True when the request unbinds the port: IFINDEX 0 and no IFNAME. */
static bool mw_port_unbinds(struct nlattr **a)
{
	return a[MIDWAY_A_PORT_IFINDEX] && !nla_get_u32(a[MIDWAY_A_PORT_IFINDEX]) &&
	       !a[MIDWAY_A_PORT_IFNAME];
}

/*
 * The device named by IFINDEX and/or IFNAME for port @p placed on @host,
 * checked; NULL with *err == 0 when there is none to bind (both absent, or
 * IFINDEX 0 alone).
 */
static struct net_device *mw_get_dev(struct mw_net *mn, struct genl_info *info,
				     struct mw_port *p, struct mw_host *host,
				     int *err)
{
	struct nlattr *idx = info->attrs[MIDWAY_A_PORT_IFINDEX];
	struct nlattr *name = info->attrs[MIDWAY_A_PORT_IFNAME];
	struct nlattr *nla = name ?: idx;
	struct net_device *dev;

	*err = 0;
	if (!name && (!idx || !nla_get_u32(idx)))
		return NULL;
	*err = -EINVAL;
	if (!host || !host->local) {
		NL_SET_ERR_MSG_ATTR(info->extack, nla,
				    "only a port on the local host can be bound to a device");
		return NULL;
	}
	if (name)
		dev = __dev_get_by_name(mn->net, nla_data(name));
	else
		dev = __dev_get_by_index(mn->net, nla_get_u32(idx));
	if (!dev) {
		NL_SET_ERR_MSG_ATTR(info->extack, nla, "no such device");
		*err = -ENODEV;
		return NULL;
	}
	if (name && idx && dev->ifindex != nla_get_u32(idx)) {
		NL_SET_ERR_MSG_ATTR(info->extack, idx,
				    "IFINDEX and IFNAME are two different devices");
		return NULL;
	}
	*err = mw_device_check(p, dev, info->extack);
	if (*err) {
		NL_SET_BAD_ATTR(info->extack, nla);
		return NULL;
	}
	return dev;
}

/* Checks shared by NEW and SET of the attributes both accept. */
static int mw_port_check_common(struct genl_info *info, u8 kind)
{
	int err;

	err = mw_check_pair(info, MIDWAY_A_PORT_ADDR, MIDWAY_A_PORT_PREFIXLEN,
			    "address and prefix length go together");
	if (err)
		return err;
	if (kind == MIDWAY_PORT_KIND_INTERIOR) {
		err = mw_reject_attr(info, MIDWAY_A_PORT_HOST_ID,
				     "an interior port lives on no host");
		if (!err)
			err = mw_reject_attr(info, MIDWAY_A_PORT_IFINDEX,
					     "an interior port is bound to no device");
		if (!err)
			err = mw_reject_attr(info, MIDWAY_A_PORT_IFNAME,
					     "an interior port is bound to no device");
		if (!err)
			err = mw_reject_attr(info, MIDWAY_A_PORT_VLAN,
					     "an interior port is on no VLAN");
		if (!err)
			err = mw_reject_attr(info, MIDWAY_A_PORT_REMOTE_UP,
					     "an interior port lives on no host");
	}
	return err;
}

/*
 * Apply what the request says; with @replace, what it does not say takes
 * the default of a NEW (but the MAC stays: a NEW would pick one at random).
 */
static void mw_port_apply_common(struct mw_port *p, struct nlattr **a,
				 bool replace)
{
	if (a[MIDWAY_A_PORT_NAME])
		nla_strscpy(p->name, a[MIDWAY_A_PORT_NAME], sizeof(p->name));
	else if (replace)
		p->name[0] = '\0';
	if (a[MIDWAY_A_PORT_MAC])
		mw_port_set_mac(p, nla_data(a[MIDWAY_A_PORT_MAC]));
	if (a[MIDWAY_A_PORT_PROXY_ARP])
		WRITE_ONCE(p->proxy_arp, nla_get_u8(a[MIDWAY_A_PORT_PROXY_ARP]));
	else if (replace)
		WRITE_ONCE(p->proxy_arp, false);
	if (a[MIDWAY_A_PORT_VLAN])
		WRITE_ONCE(p->vlan, nla_get_u16(a[MIDWAY_A_PORT_VLAN]));
	else if (replace)
		WRITE_ONCE(p->vlan, 0);
	/* Takes effect with the caller's mw_port_refresh() (or insert). */
	if (a[MIDWAY_A_PORT_REMOTE_UP])
		p->remote_up = nla_get_u8(a[MIDWAY_A_PORT_REMOTE_UP]);
	else if (replace)
		p->remote_up = true;
	if (a[MIDWAY_A_PORT_ADDR]) {
		p->addr = nla_get_in_addr(a[MIDWAY_A_PORT_ADDR]);
		p->prefixlen = nla_get_u8(a[MIDWAY_A_PORT_PREFIXLEN]);
		p->has_addr = true;
	} else if (replace) {
		p->has_addr = false;
		p->addr = 0;
		p->prefixlen = 0;
	}
}

/* Whether the request names a device to bind (IFNAME, or IFINDEX not 0). */
static bool mw_port_names_dev(struct nlattr **a)
{
	return a[MIDWAY_A_PORT_IFNAME] ||
	       (a[MIDWAY_A_PORT_IFINDEX] && nla_get_u32(a[MIDWAY_A_PORT_IFINDEX]));
}

/* A HOST_ID of all zeroes: on no host. */
static bool mw_host_id_none(const struct nlattr *nla)
{
	return uuid_is_null(mw_nla_uuid(nla));
}

/*
 * PORT_SET, or with @replace a PORT_NEW on an existing id (NLM_F_REPLACE):
 * what the request does not name keeps its value, or with @replace takes
 * its default. Checks everything first; binding is the only step that can
 * fail, and it comes first. Sends the event.
 */
static int mw_port_update(struct mw_net *mn, struct genl_info *info,
			  struct mw_port *p, bool replace)
{
	struct netlink_ext_ack *extack = info->extack;
	struct nlattr **a = info->attrs;
	struct nlattr *host_id = a[MIDWAY_A_PORT_HOST_ID];
	struct net_device *dev, *bound = mw_port_dev(p);
	struct mw_host *host;
	bool unbind;
	int err;

	mw_assert_locked(mn);
	err = -EINVAL;
	if (a[MIDWAY_A_PORT_ROUTER_ID] &&
	    !uuid_equal(mw_nla_uuid(a[MIDWAY_A_PORT_ROUTER_ID]), &p->router->obj.id)) {
		NL_SET_ERR_MSG_ATTR(extack, a[MIDWAY_A_PORT_ROUTER_ID],
				    "a port cannot move to another router");
		return err;
	}
	if (a[MIDWAY_A_PORT_KIND] && nla_get_u8(a[MIDWAY_A_PORT_KIND]) != p->kind) {
		NL_SET_ERR_MSG_ATTR(extack, a[MIDWAY_A_PORT_KIND],
				    "a port's kind cannot change");
		return err;
	}
	if (a[MIDWAY_A_PORT_TUNNEL_KEY] &&
	    nla_get_u32(a[MIDWAY_A_PORT_TUNNEL_KEY]) != p->tunnel_key) {
		NL_SET_ERR_MSG_ATTR(extack, a[MIDWAY_A_PORT_TUNNEL_KEY],
				    "a port's tunnel key cannot change");
		return err;
	}
	if (a[MIDWAY_A_PORT_PEER_ID]) {
		const struct mw_port *peer = mw_port_peer(p);

		if (!peer || !uuid_equal(mw_nla_uuid(a[MIDWAY_A_PORT_PEER_ID]),
					 &peer->obj.id)) {
			NL_SET_ERR_MSG_ATTR(extack, a[MIDWAY_A_PORT_PEER_ID],
					    "a port's peer is set when the second port of the pair is created");
			return err;
		}
	}
	err = mw_port_check_common(info, p->kind);
	if (err)
		return err;

	/* IFINDEX 0 unbinds; so does a replace that names no device. */
	unbind = replace ? !mw_port_names_dev(a) : mw_port_unbinds(a);
	host = p->host;
	if (replace)
		host = NULL;
	if (host_id && mw_host_id_none(host_id)) {
		host = NULL;
		if (bound && !unbind) {
			NL_SET_ERR_MSG_ATTR(extack, host_id,
					    "port is bound to a device: unbind it to take it off its host");
			return -EBUSY;
		}
	} else if (host_id) {
		host = mw_get_host(mn, info, MIDWAY_A_PORT_HOST_ID);
		if (!host)
			return -ENOENT;
		if (!host->local && bound && !unbind) {
			NL_SET_ERR_MSG_ATTR(extack, host_id,
					    "port is bound to a device: unbind it to move it to a remote host");
			return -EINVAL;
		}
	}
	dev = mw_get_dev(mn, info, p, host, &err);
	if (err)
		return err;

	/* Checked; now apply. Binding is the only step that can fail. */
	if (dev) {
		err = mw_device_bind(p, dev, extack);
		if (err)
			return err;
	} else if (unbind && bound) {
		mw_device_unbind(p);
	}
	mw_port_apply_common(p, a, replace);
	if (host_id || replace)
		mw_port_set_host(mn, p, host);
	if (a[MIDWAY_A_PORT_ADMIN_UP])
		mw_port_set_admin(mn, p, nla_get_u8(a[MIDWAY_A_PORT_ADMIN_UP]));
	else if (replace)
		mw_port_set_admin(mn, p, true);
	mw_port_refresh(mn, p);
	mw_notify(mn, replace ? MIDWAY_CMD_PORT_NEW : MIDWAY_CMD_PORT_SET, p,
		  info);
	return 0;
}

static int mw_nl_port_new(struct sk_buff *skb, struct genl_info *info)
{
	struct mw_net *mn = mw_info_net(info);
	struct netlink_ext_ack *extack = info->extack;
	struct nlattr **a = info->attrs;
	struct mw_port *p, *old, *peer = NULL;
	struct mw_host *host = NULL;
	struct net_device *dev;
	struct mw_router *r;
	bool rtnl;
	int err;
	u8 kind;

	if (mw_require(info, MIDWAY_A_PORT_ID) ||
	    mw_require(info, MIDWAY_A_PORT_ROUTER_ID) ||
	    mw_require(info, MIDWAY_A_PORT_KIND))
		return -EINVAL;
	kind = nla_get_u8(a[MIDWAY_A_PORT_KIND]);
	err = mw_port_check_common(info, kind);
	if (!err && kind == MIDWAY_PORT_KIND_EXTERIOR)
		err = mw_reject_attr(info, MIDWAY_A_PORT_PEER_ID,
				     "an exterior port has no peer");
	if (err)
		return err;

	p = mw_port_alloc(mw_nla_uuid(a[MIDWAY_A_PORT_ID]));
	if (!p) {
		NL_SET_ERR_MSG(extack, "out of memory");
		return -ENOMEM;
	}
	p->kind = kind;
	if (a[MIDWAY_A_PORT_ADMIN_UP])
		p->admin_up = nla_get_u8(a[MIDWAY_A_PORT_ADMIN_UP]);
	if (a[MIDWAY_A_PORT_TUNNEL_KEY])
		p->tunnel_key = nla_get_u32(a[MIDWAY_A_PORT_TUNNEL_KEY]);
	mw_port_apply_common(p, a, false);

	/* A replace may unbind: RTNL. */
	rtnl = mw_port_names_dev(a) || mw_replace(info) ||
	       a[MIDWAY_A_PORT_IFINDEX];
	mw_lock_for(mn, rtnl);
	old = mw_port_lookup(mn, &p->obj.id);
	if (old && mw_replace(info)) {
		err = mw_port_update(mn, info, old, true);
		mw_unlock_for(mn, rtnl);
		mw_port_free(p);
		return err;
	}
	err = -EEXIST;
	if (old) {
		NL_SET_ERR_MSG_ATTR(extack, a[MIDWAY_A_PORT_ID], "a port with this id exists");
		goto err;
	}
	err = -ENOENT;
	r = mw_get_router(mn, info, MIDWAY_A_PORT_ROUTER_ID);
	if (!r)
		goto err;
	p->router = r;

	if (a[MIDWAY_A_PORT_PEER_ID]) {
		peer = mw_get_port(mn, info, MIDWAY_A_PORT_PEER_ID);
		if (!peer)
			goto err;
		err = -EINVAL;
		if (peer->kind != MIDWAY_PORT_KIND_INTERIOR) {
			NL_SET_ERR_MSG_ATTR(extack, a[MIDWAY_A_PORT_PEER_ID],
					    "peer is not an interior port");
			goto err;
		}
		if (peer->router == r) {
			NL_SET_ERR_MSG_ATTR(extack, a[MIDWAY_A_PORT_PEER_ID],
					    "peer is a port of the same router");
			goto err;
		}
		err = -EBUSY;
		if (mw_port_peer(peer)) {
			NL_SET_ERR_MSG_ATTR(extack, a[MIDWAY_A_PORT_PEER_ID],
					    "peer port has a peer already");
			goto err;
		}
	}
	if (a[MIDWAY_A_PORT_HOST_ID] && !mw_host_id_none(a[MIDWAY_A_PORT_HOST_ID])) {
		err = -ENOENT;
		host = mw_get_host(mn, info, MIDWAY_A_PORT_HOST_ID);
		if (!host)
			goto err;
		p->host = host;
	}
	dev = mw_get_dev(mn, info, p, host, &err);
	if (err)
		goto err;
	if (p->tunnel_key && xa_load(&mn->tunnel_keys, p->tunnel_key)) {
		NL_SET_ERR_MSG_ATTR(extack, a[MIDWAY_A_PORT_TUNNEL_KEY], "tunnel key is in use");
		err = -EEXIST;
		goto err;
	}

	err = mw_port_insert(mn, p, peer, dev, extack);
	if (err)
		goto err;
	mw_notify(mn, MIDWAY_CMD_PORT_NEW, p, info);
	mw_unlock_for(mn, rtnl);
	return 0;

err:
	mw_unlock_for(mn, rtnl);
	mw_port_free(p);
	return err;
}

static int mw_nl_port_set(struct sk_buff *skb, struct genl_info *info)
{
	struct mw_net *mn = mw_info_net(info);
	struct mw_port *p;
	bool rtnl;
	int err;

	if (mw_require(info, MIDWAY_A_PORT_ID))
		return -EINVAL;
	/* Only binding and unbinding need RTNL. */
	rtnl = info->attrs[MIDWAY_A_PORT_IFINDEX] || info->attrs[MIDWAY_A_PORT_IFNAME];
	mw_lock_for(mn, rtnl);
	p = mw_get_port(mn, info, MIDWAY_A_PORT_ID);
	err = p ? mw_port_update(mn, info, p, false) : -ENOENT;
	mw_unlock_for(mn, rtnl);
	return err;
}

/* Routes ------------------------------------------------------------------- */

static int mw_nl_route_new(struct sk_buff *skb, struct genl_info *info)
{
	struct mw_net *mn = mw_info_net(info);
	struct netlink_ext_ack *extack = info->extack;
	struct nlattr **a = info->attrs;
	struct mw_route *rt, *old;
	struct mw_route_key *k;
	int err;

	if (mw_require(info, MIDWAY_A_ROUTE_ID) ||
	    mw_require(info, MIDWAY_A_ROUTE_ROUTER_ID) ||
	    mw_require(info, MIDWAY_A_ROUTE_DST) ||
	    mw_require(info, MIDWAY_A_ROUTE_DST_LEN) ||
	    mw_require(info, MIDWAY_A_ROUTE_NH_TYPE))
		return -EINVAL;
	err = mw_check_pair(info, MIDWAY_A_ROUTE_SRC, MIDWAY_A_ROUTE_SRC_LEN,
			    "source address and prefix length go together");
	if (err)
		return err;

	rt = kzalloc(sizeof(*rt), GFP_KERNEL);
	if (!rt) {
		NL_SET_ERR_MSG(extack, "out of memory");
		return -ENOMEM;
	}
	k = &rt->key;
	uuid_copy(&rt->obj.id, mw_nla_uuid(a[MIDWAY_A_ROUTE_ID]));
	k->dst = nla_get_in_addr(a[MIDWAY_A_ROUTE_DST]);
	k->dst_len = nla_get_u8(a[MIDWAY_A_ROUTE_DST_LEN]);
	if (a[MIDWAY_A_ROUTE_SRC]) {
		k->src = nla_get_in_addr(a[MIDWAY_A_ROUTE_SRC]);
		k->src_len = nla_get_u8(a[MIDWAY_A_ROUTE_SRC_LEN]);
	}
	k->nh_type = nla_get_u8(a[MIDWAY_A_ROUTE_NH_TYPE]);
	if (a[MIDWAY_A_ROUTE_GATEWAY])
		k->gateway = nla_get_in_addr(a[MIDWAY_A_ROUTE_GATEWAY]);
	rt->weight = a[MIDWAY_A_ROUTE_WEIGHT] ?
		     nla_get_u32(a[MIDWAY_A_ROUTE_WEIGHT]) : MIDWAY_WEIGHT_DEFAULT;

	err = -EINVAL;
	if (!mw_prefix_ok(k->dst, k->dst_len)) {
		NL_SET_ERR_MSG_ATTR(extack, a[MIDWAY_A_ROUTE_DST],
				    "destination has bits set beyond its prefix length");
		goto err_free;
	}
	if (k->src_len && !mw_prefix_ok(k->src, k->src_len)) {
		NL_SET_ERR_MSG_ATTR(extack, a[MIDWAY_A_ROUTE_SRC],
				    "source has bits set beyond its prefix length");
		goto err_free;
	}
	if (k->nh_type == MIDWAY_NH_PORT) {
		if (mw_require(info, MIDWAY_A_ROUTE_PORT_ID))
			goto err_free;
		if (a[MIDWAY_A_ROUTE_GATEWAY] &&
		    (ipv4_is_multicast(k->gateway) || ipv4_is_lbcast(k->gateway) ||
		     ipv4_is_zeronet(k->gateway))) {
			NL_SET_ERR_MSG_ATTR(extack, a[MIDWAY_A_ROUTE_GATEWAY],
					    "gateway is not a unicast address");
			goto err_free;
		}
	} else {
		err = mw_reject_attr(info, MIDWAY_A_ROUTE_PORT_ID,
				     "only a route via a port names a port");
		if (!err)
			err = mw_reject_attr(info, MIDWAY_A_ROUTE_GATEWAY,
					     "only a route via a port has a gateway");
		if (err)
			goto err_free;
	}

	mw_lock(mn);
	err = -EEXIST;
	old = mw_route_lookup(mn, &rt->obj.id);
	if (old && !mw_replace(info)) {
		NL_SET_ERR_MSG_ATTR(extack, a[MIDWAY_A_ROUTE_ID], "a route with this id exists");
		goto err_unlock;
	}
	err = -ENOENT;
	k->router = mw_get_router(mn, info, MIDWAY_A_ROUTE_ROUTER_ID);
	if (!k->router)
		goto err_unlock;
	if (k->nh_type == MIDWAY_NH_PORT) {
		k->port = mw_get_port(mn, info, MIDWAY_A_ROUTE_PORT_ID);
		if (!k->port)
			goto err_unlock;
		err = -EINVAL;
		if (k->port->router != k->router) {
			NL_SET_ERR_MSG_ATTR(extack, a[MIDWAY_A_ROUTE_PORT_ID],
					    "port belongs to another router");
			goto err_unlock;
		}
	}
	if (old && k->router != old->key.router) {
		err = -EINVAL;
		NL_SET_ERR_MSG_ATTR(extack, a[MIDWAY_A_ROUTE_ROUTER_ID],
				    "a route cannot move to another router");
		goto err_unlock;
	}
	if (old)
		err = mw_route_replace(mn, old, rt, extack);
	else
		err = mw_route_insert(mn, rt, extack);
	if (err)
		goto err_unlock;
	mw_notify(mn, MIDWAY_CMD_ROUTE_NEW, rt, info);
	mw_unlock(mn);
	return 0;

err_unlock:
	mw_unlock(mn);
err_free:
	/* A failed insert may have shown it to readers for an instant. */
	kfree_rcu(rt, rcu);
	return err;
}

/*
 * ROUTE_SET: the route as it is, with what the request changes, put in its
 * place (mw_route_replace()). Checked as NEW checks a route.
 */
static int mw_nl_route_set(struct sk_buff *skb, struct genl_info *info)
{
	struct mw_net *mn = mw_info_net(info);
	struct netlink_ext_ack *extack = info->extack;
	struct nlattr **a = info->attrs;
	struct mw_route *rt, *old;
	struct mw_route_key *k;
	int err;

	if (mw_require(info, MIDWAY_A_ROUTE_ID))
		return -EINVAL;
	err = mw_check_pair(info, MIDWAY_A_ROUTE_DST, MIDWAY_A_ROUTE_DST_LEN,
			    "destination address and prefix length go together");
	if (!err)
		err = mw_check_pair(info, MIDWAY_A_ROUTE_SRC, MIDWAY_A_ROUTE_SRC_LEN,
				    "source address and prefix length go together");
	if (err)
		return err;
	rt = kzalloc(sizeof(*rt), GFP_KERNEL);
	if (!rt) {
		NL_SET_ERR_MSG(extack, "out of memory");
		return -ENOMEM;
	}
	k = &rt->key;

	mw_lock(mn);
	err = -ENOENT;
	old = mw_get_route(mn, info, MIDWAY_A_ROUTE_ID);
	if (!old)
		goto err_unlock;
	uuid_copy(&rt->obj.id, &old->obj.id);
	*k = old->key;
	rt->weight = old->weight;

	err = -EINVAL;
	if (a[MIDWAY_A_ROUTE_ROUTER_ID] &&
	    !uuid_equal(mw_nla_uuid(a[MIDWAY_A_ROUTE_ROUTER_ID]), &k->router->obj.id)) {
		NL_SET_ERR_MSG_ATTR(extack, a[MIDWAY_A_ROUTE_ROUTER_ID],
				    "a route cannot move to another router");
		goto err_unlock;
	}
	if (a[MIDWAY_A_ROUTE_DST]) {
		k->dst = nla_get_in_addr(a[MIDWAY_A_ROUTE_DST]);
		k->dst_len = nla_get_u8(a[MIDWAY_A_ROUTE_DST_LEN]);
		if (!mw_prefix_ok(k->dst, k->dst_len)) {
			NL_SET_ERR_MSG_ATTR(extack, a[MIDWAY_A_ROUTE_DST],
					    "destination has bits set beyond its prefix length");
			goto err_unlock;
		}
	}
	if (a[MIDWAY_A_ROUTE_SRC]) {
		k->src = nla_get_in_addr(a[MIDWAY_A_ROUTE_SRC]);
		k->src_len = nla_get_u8(a[MIDWAY_A_ROUTE_SRC_LEN]);
		if (!mw_prefix_ok(k->src, k->src_len)) {
			NL_SET_ERR_MSG_ATTR(extack, a[MIDWAY_A_ROUTE_SRC],
					    "source has bits set beyond its prefix length");
			goto err_unlock;
		}
	}
	if (a[MIDWAY_A_ROUTE_WEIGHT])
		rt->weight = nla_get_u32(a[MIDWAY_A_ROUTE_WEIGHT]);
	if (a[MIDWAY_A_ROUTE_NH_TYPE])
		k->nh_type = nla_get_u8(a[MIDWAY_A_ROUTE_NH_TYPE]);
	if (k->nh_type != MIDWAY_NH_PORT) {
		err = mw_reject_attr(info, MIDWAY_A_ROUTE_PORT_ID,
				     "only a route via a port names a port");
		if (!err)
			err = mw_reject_attr(info, MIDWAY_A_ROUTE_GATEWAY,
					     "only a route via a port has a gateway");
		if (err)
			goto err_unlock;
		k->port = NULL;
		k->gateway = 0;
	} else {
		if (a[MIDWAY_A_ROUTE_PORT_ID]) {
			err = -ENOENT;
			k->port = mw_get_port(mn, info, MIDWAY_A_ROUTE_PORT_ID);
			if (!k->port)
				goto err_unlock;
			err = -EINVAL;
			if (k->port->router != k->router) {
				NL_SET_ERR_MSG_ATTR(extack, a[MIDWAY_A_ROUTE_PORT_ID],
						    "port belongs to another router");
				goto err_unlock;
			}
		} else if (!k->port) {
			/* It becomes a route via a port: which one? */
			if (mw_require(info, MIDWAY_A_ROUTE_PORT_ID))
				goto err_unlock;
		}
		if (a[MIDWAY_A_ROUTE_GATEWAY]) {
			/* 0.0.0.0: no gateway, the destination is on the link. */
			k->gateway = nla_get_in_addr(a[MIDWAY_A_ROUTE_GATEWAY]);
			if (k->gateway && (ipv4_is_multicast(k->gateway) ||
					   ipv4_is_lbcast(k->gateway) ||
					   ipv4_is_zeronet(k->gateway))) {
				NL_SET_ERR_MSG_ATTR(extack, a[MIDWAY_A_ROUTE_GATEWAY],
						    "gateway is not a unicast address");
				goto err_unlock;
			}
		}
	}

	err = mw_route_replace(mn, old, rt, extack);
	if (err)
		goto err_unlock;
	mw_notify(mn, MIDWAY_CMD_ROUTE_SET, rt, info);
	mw_unlock(mn);
	return 0;

err_unlock:
	mw_unlock(mn);
	kfree_rcu(rt, rcu);
	return err;
}

static int mw_nl_route_lookup(struct sk_buff *skb, struct genl_info *info)
{
	struct mw_net *mn = mw_info_net(info);
	struct nlattr **a = info->attrs;
	const struct mw_nhgroup *g;
	__be32 dst, src = 0;
	struct mw_router *r;
	struct mw_route *rt;
	u16 sport = 0, dport = 0;
	u8 proto = 0;
	int err;

	if (mw_require(info, MIDWAY_A_ROUTE_ROUTER_ID) ||
	    mw_require(info, MIDWAY_A_ROUTE_DST))
		return -EINVAL;
	dst = nla_get_in_addr(a[MIDWAY_A_ROUTE_DST]);
	if (a[MIDWAY_A_ROUTE_SRC])
		src = nla_get_in_addr(a[MIDWAY_A_ROUTE_SRC]);
	if (a[MIDWAY_A_ROUTE_PROTO])
		proto = nla_get_u8(a[MIDWAY_A_ROUTE_PROTO]);
	if (a[MIDWAY_A_ROUTE_SPORT])
		sport = nla_get_u16(a[MIDWAY_A_ROUTE_SPORT]);
	if (a[MIDWAY_A_ROUTE_DPORT])
		dport = nla_get_u16(a[MIDWAY_A_ROUTE_DPORT]);

	/* The lock keeps the chosen route alive while we reply. */
	mutex_lock(&mn->lock);
	r = mw_get_router(mn, info, MIDWAY_A_ROUTE_ROUTER_ID);
	if (!r) {
		err = -ENOENT;
		goto out;
	}
	rcu_read_lock();
	g = mw_route_group(r->fib, src, dst);
	rt = g ? mw_group_member(g, mw_ecmp_hash(src, dst, proto, htons(sport),
						  htons(dport))) : NULL;
	rcu_read_unlock();
	if (rt) {
		err = mw_reply(info, MIDWAY_CMD_ROUTE_LOOKUP, rt);
	} else {
		NL_SET_ERR_MSG(info->extack, "no active route to the destination");
		err = -ENETUNREACH;
	}
out:
	mutex_unlock(&mn->lock);
	return err;
}

/* Neighbours ----------------------------------------------------------------- */

/* The exterior port a neighbour request names, or NULL with extack set. */
static struct mw_port *mw_get_neigh_port(struct mw_net *mn,
					 struct genl_info *info)
{
	struct mw_port *p = mw_get_port(mn, info, MIDWAY_A_NEIGH_PORT_ID);

	if (p && p->kind != MIDWAY_PORT_KIND_EXTERIOR) {
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[MIDWAY_A_NEIGH_PORT_ID],
				    "only exterior ports have neighbours");
		return NULL;
	}
	return p;
}

static int mw_nl_neigh_new(struct sk_buff *skb, struct genl_info *info)
{
	struct mw_net *mn = mw_info_net(info);
	struct nlattr **a = info->attrs;
	struct mw_port *p;
	int err;

	if (mw_require(info, MIDWAY_A_NEIGH_PORT_ID) ||
	    mw_require(info, MIDWAY_A_NEIGH_ADDR) ||
	    mw_require(info, MIDWAY_A_NEIGH_MAC))
		return -EINVAL;
	if (!is_valid_ether_addr(nla_data(a[MIDWAY_A_NEIGH_MAC]))) {
		NL_SET_ERR_MSG_ATTR(info->extack, a[MIDWAY_A_NEIGH_MAC],
				    "not a unicast MAC address");
		return -EINVAL;
	}
	mw_lock(mn);
	p = mw_get_neigh_port(mn, info);
	if (!p) {
		err = -ENOENT;
	} else {
		err = mw_neigh_add_static(p, nla_get_in_addr(a[MIDWAY_A_NEIGH_ADDR]),
					  nla_data(a[MIDWAY_A_NEIGH_MAC]));
		if (err == -ENOSPC)
			NL_SET_ERR_MSG(info->extack, "the port's neighbour table is full");
		else if (err)
			NL_SET_ERR_MSG(info->extack, "out of memory");
	}
	mw_unlock(mn);
	return err;
}

static int mw_nl_neigh_del(struct sk_buff *skb, struct genl_info *info)
{
	struct mw_net *mn = mw_info_net(info);
	struct mw_port *p;
	int err;

	if (mw_require(info, MIDWAY_A_NEIGH_PORT_ID) ||
	    mw_require(info, MIDWAY_A_NEIGH_ADDR))
		return -EINVAL;
	mw_lock(mn);
	p = mw_get_neigh_port(mn, info);
	if (!p) {
		err = -ENOENT;
	} else {
		err = mw_neigh_del(p, nla_get_in_addr(info->attrs[MIDWAY_A_NEIGH_ADDR]));
		if (err)
			NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[MIDWAY_A_NEIGH_ADDR],
					    "no such neighbour");
	}
	mw_unlock(mn);
	return err;
}

static int mw_fill_neigh(struct sk_buff *skb, const struct mw_port *p,
			 const struct mw_neigh *n, u32 portid, u32 seq)
{
	u8 state = READ_ONCE(n->state);
	void *hdr;

	hdr = genlmsg_put(skb, portid, seq, &mw_family, NLM_F_MULTI,
			  MIDWAY_CMD_NEIGH_GET);
	if (!hdr)
		return -EMSGSIZE;
	if (mw_put_uuid(skb, MIDWAY_A_NEIGH_PORT_ID, &p->obj.id) ||
	    nla_put_in_addr(skb, MIDWAY_A_NEIGH_ADDR, n->ip) ||
	    nla_put_u8(skb, MIDWAY_A_NEIGH_STATE, state) ||
	    (state != MW_NEIGH_INCOMPLETE &&
	     nla_put(skb, MIDWAY_A_NEIGH_MAC, ETH_ALEN, n->mac))) {
		genlmsg_cancel(skb, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(skb, hdr);
	return 0;
}

/* Dump one port's table: cb->args[0] is the bucket, args[1] the entry. */
static int mw_nl_neigh_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct nlattr *port_id = mw_dump_attrs(cb)[MIDWAY_A_NEIGH_PORT_ID];
	struct mw_net *mn = mw_net(sock_net(skb->sk));
	unsigned long b = cb->args[0], i = 0;
	struct mw_neigh *n;
	struct mw_port *p;
	int err = 0;

	if (!port_id) {
		NL_SET_ERR_MSG(cb->extack, "the dump needs the port id");
		return -EINVAL;
	}
	mutex_lock(&mn->lock);
	p = mw_port_lookup(mn, mw_nla_uuid(port_id));
	if (!p || p->kind != MIDWAY_PORT_KIND_EXTERIOR) {
		mutex_unlock(&mn->lock);
		NL_SET_ERR_MSG(cb->extack, "no such exterior port");
		return -ENOENT;
	}
	rcu_read_lock();
	for (; b < MW_NEIGH_BUCKETS; b++, cb->args[1] = 0) {
		i = 0;
		hlist_for_each_entry_rcu(n, &p->neigh.buckets[b], node) {
			if (i++ < cb->args[1])
				continue;
			err = mw_fill_neigh(skb, p, n, NETLINK_CB(cb->skb).portid,
					    cb->nlh->nlmsg_seq);
			if (err)
				goto out;
		}
	}
out:
	rcu_read_unlock();
	mutex_unlock(&mn->lock);
	cb->args[0] = b;
	cb->args[1] = i ? i - 1 : 0;
	if (err && !skb->len)
		return err;
	return skb->len;
}

/* Hosts -------------------------------------------------------------------- */

/* Only one host may be local: refuse making @h local while another is. */
static int mw_host_check_local(struct mw_net *mn, struct genl_info *info,
			       struct mw_host *h)
{
	struct nlattr *nla = info->attrs[MIDWAY_A_HOST_LOCAL];

	if (!nla || !nla_get_u8(nla) || !mn->local_host || mn->local_host == h)
		return 0;
	NL_SET_ERR_MSG_ATTR(info->extack, nla, "another host is already the local host");
	return -EBUSY;
}

/*
 * A host that stops being local must have no port bound to a device: its
 * ports become remote, reached through a tunnel, and a device left bound
 * would keep feeding the router frames of a port that lives elsewhere.
 */
static int mw_host_check_unlocal(struct genl_info *info, struct mw_host *h,
				 bool local)
{
	struct nlattr *nla = info->attrs[MIDWAY_A_HOST_LOCAL];
	struct mw_port *p;

	if (local || !h->local)
		return 0;
	list_for_each_entry(p, &h->ports, host_node) {
		if (mw_port_dev(p)) {
			NL_SET_ERR_MSG_ATTR(info->extack, nla,
					    "the host has ports bound to devices: unbind them first");
			return -EBUSY;
		}
	}
	return 0;
}

static int mw_nl_host_new(struct sk_buff *skb, struct genl_info *info)
{
	struct mw_net *mn = mw_info_net(info);
	struct nlattr **a = info->attrs;
	struct mw_host *h, *old;
	int err;

	if (mw_require(info, MIDWAY_A_HOST_ID) ||
	    mw_require(info, MIDWAY_A_HOST_ADDR))
		return -EINVAL;
	h = mw_host_alloc(mw_nla_uuid(a[MIDWAY_A_HOST_ID]));
	if (!h) {
		NL_SET_ERR_MSG(info->extack, "out of memory");
		return -ENOMEM;
	}
	if (a[MIDWAY_A_HOST_NAME])
		nla_strscpy(h->name, a[MIDWAY_A_HOST_NAME], sizeof(h->name));
	h->addr = nla_get_in_addr(a[MIDWAY_A_HOST_ADDR]);
	if (a[MIDWAY_A_HOST_LOCAL])
		h->local = nla_get_u8(a[MIDWAY_A_HOST_LOCAL]);

	/* The tunnel's socket opens and closes under RTNL. */
	mw_lock_rtnl(mn);
	old = mw_host_lookup(mn, &h->obj.id);
	err = mw_host_check_local(mn, info, old);
	if (!err && old && !mw_replace(info)) {
		NL_SET_ERR_MSG_ATTR(info->extack, a[MIDWAY_A_HOST_ID],
				    "a host with this id exists");
		err = -EEXIST;
	} else if (!err && old) {
		/* What a NEW would have made: LOCAL absent is 0. */
		err = mw_host_check_unlocal(info, old, h->local);
		if (!err)
			err = mw_host_change(mn, old, h->addr, h->local,
					     info->extack);
		if (!err) {
			strscpy(old->name, h->name, sizeof(old->name));
			mw_notify(mn, MIDWAY_CMD_HOST_NEW, old, info);
		}
	} else if (!err) {
		err = mw_host_insert(mn, h, info->extack);
		if (!err)
			mw_notify(mn, MIDWAY_CMD_HOST_NEW, h, info);
	}
	mw_unlock_rtnl(mn);
	if (err || old)
		mw_host_free(h);
	return err;
}

static int mw_nl_host_set(struct sk_buff *skb, struct genl_info *info)
{
	struct mw_net *mn = mw_info_net(info);
	struct nlattr **a = info->attrs;
	struct mw_host *h;
	int err;

	if (mw_require(info, MIDWAY_A_HOST_ID))
		return -EINVAL;
	mw_lock_rtnl(mn);
	err = -ENOENT;
	h = mw_get_host(mn, info, MIDWAY_A_HOST_ID);
	if (!h)
		goto out;
	err = mw_host_check_local(mn, info, h);
	if (!err && a[MIDWAY_A_HOST_LOCAL])
		err = mw_host_check_unlocal(info, h,
					    nla_get_u8(a[MIDWAY_A_HOST_LOCAL]));
	if (err)
		goto out;
	err = mw_host_change(mn, h, a[MIDWAY_A_HOST_ADDR] ?
			     nla_get_in_addr(a[MIDWAY_A_HOST_ADDR]) : h->addr,
			     a[MIDWAY_A_HOST_LOCAL] ?
			     nla_get_u8(a[MIDWAY_A_HOST_LOCAL]) : h->local,
			     info->extack);
	if (err)
		goto out;
	if (a[MIDWAY_A_HOST_NAME])
		nla_strscpy(h->name, a[MIDWAY_A_HOST_NAME], sizeof(h->name));
	mw_notify(mn, MIDWAY_CMD_HOST_SET, h, info);
out:
	mw_unlock_rtnl(mn);
	return err;
}

/* The tunnel ---------------------------------------------------------------- */

static int mw_nl_tunnel_get(struct sk_buff *skb, struct genl_info *info)
{
	struct mw_net *mn = mw_info_net(info);
	int err;

	mutex_lock(&mn->lock);
	err = mw_reply(info, MIDWAY_CMD_TUNNEL_GET, &mn->tunnel);
	mutex_unlock(&mn->lock);
	return err;
}

static int mw_nl_tunnel_set(struct sk_buff *skb, struct genl_info *info)
{
	struct mw_net *mn = mw_info_net(info);
	struct nlattr **a = info->attrs;
	int err = 0;

	mw_lock_rtnl(mn);
	if (a[MIDWAY_A_TUNNEL_PORT]) {
		__be16 port = htons(nla_get_u16(a[MIDWAY_A_TUNNEL_PORT]));

		/* An open tunnel moves now; a closed one opens there later. */
		if (mw_tunnel_is_open(&mn->tunnel))
			err = mw_tunnel_open(mn, port, info->extack);
		if (err) {
			NL_SET_BAD_ATTR(info->extack, a[MIDWAY_A_TUNNEL_PORT]);
			goto out;
		}
		WRITE_ONCE(mn->tunnel.port, port);
	}
	if (a[MIDWAY_A_TUNNEL_TTL])
		WRITE_ONCE(mn->tunnel.ttl, nla_get_u8(a[MIDWAY_A_TUNNEL_TTL]));
	mw_notify(mn, MIDWAY_CMD_TUNNEL_SET, &mn->tunnel, info);
out:
	mw_unlock_rtnl(mn);
	return err;
}

/* The family --------------------------------------------------------------- */

#define MW_OP(_cmd, _doit, _dumpit, _policy, _maxattr, _flags) {	\
	.cmd = (_cmd), .doit = (_doit), .dumpit = (_dumpit),		\
	.policy = (_policy), .maxattr = (_maxattr), .flags = (_flags),	\
}

#define MW_ADMIN	GENL_UNS_ADMIN_PERM

static const struct genl_ops mw_ops[] = {
	MW_OP(MIDWAY_CMD_ROUTER_NEW, mw_nl_router_new, NULL,
	      mw_router_policy, MIDWAY_A_ROUTER_MAX, MW_ADMIN),
	MW_OP(MIDWAY_CMD_ROUTER_DEL, mw_nl_del, NULL,
	      mw_router_policy, MIDWAY_A_ROUTER_MAX, MW_ADMIN),
	MW_OP(MIDWAY_CMD_ROUTER_GET, mw_nl_get, mw_nl_dump,
	      mw_router_policy, MIDWAY_A_ROUTER_MAX, 0),
	MW_OP(MIDWAY_CMD_ROUTER_SET, mw_nl_router_set, NULL,
	      mw_router_policy, MIDWAY_A_ROUTER_MAX, MW_ADMIN),
	MW_OP(MIDWAY_CMD_PORT_NEW, mw_nl_port_new, NULL,
	      mw_port_policy, MIDWAY_A_PORT_MAX, MW_ADMIN),
	MW_OP(MIDWAY_CMD_PORT_DEL, mw_nl_del, NULL,
	      mw_port_policy, MIDWAY_A_PORT_MAX, MW_ADMIN),
	MW_OP(MIDWAY_CMD_PORT_GET, mw_nl_get, mw_nl_dump,
	      mw_port_policy, MIDWAY_A_PORT_MAX, 0),
	MW_OP(MIDWAY_CMD_PORT_SET, mw_nl_port_set, NULL,
	      mw_port_policy, MIDWAY_A_PORT_MAX, MW_ADMIN),
	MW_OP(MIDWAY_CMD_ROUTE_NEW, mw_nl_route_new, NULL,
	      mw_route_policy, MIDWAY_A_ROUTE_MAX, MW_ADMIN),
	MW_OP(MIDWAY_CMD_ROUTE_DEL, mw_nl_del, NULL,
	      mw_route_policy, MIDWAY_A_ROUTE_MAX, MW_ADMIN),
	MW_OP(MIDWAY_CMD_ROUTE_GET, mw_nl_get, mw_nl_dump,
	      mw_route_policy, MIDWAY_A_ROUTE_MAX, 0),
	MW_OP(MIDWAY_CMD_HOST_NEW, mw_nl_host_new, NULL,
	      mw_host_policy, MIDWAY_A_HOST_MAX, MW_ADMIN),
	MW_OP(MIDWAY_CMD_HOST_DEL, mw_nl_del, NULL,
	      mw_host_policy, MIDWAY_A_HOST_MAX, MW_ADMIN),
	MW_OP(MIDWAY_CMD_HOST_GET, mw_nl_get, mw_nl_dump,
	      mw_host_policy, MIDWAY_A_HOST_MAX, 0),
	MW_OP(MIDWAY_CMD_HOST_SET, mw_nl_host_set, NULL,
	      mw_host_policy, MIDWAY_A_HOST_MAX, MW_ADMIN),
	MW_OP(MIDWAY_CMD_NEIGH_NEW, mw_nl_neigh_new, NULL,
	      mw_neigh_policy, MIDWAY_A_NEIGH_MAX, MW_ADMIN),
	MW_OP(MIDWAY_CMD_NEIGH_DEL, mw_nl_neigh_del, NULL,
	      mw_neigh_policy, MIDWAY_A_NEIGH_MAX, MW_ADMIN),
	MW_OP(MIDWAY_CMD_NEIGH_GET, NULL, mw_nl_neigh_dump,
	      mw_neigh_policy, MIDWAY_A_NEIGH_MAX, 0),
	MW_OP(MIDWAY_CMD_ROUTE_LOOKUP, mw_nl_route_lookup, NULL,
	      mw_route_policy, MIDWAY_A_ROUTE_MAX, 0),
	MW_OP(MIDWAY_CMD_TUNNEL_GET, mw_nl_tunnel_get, NULL,
	      mw_tunnel_policy, MIDWAY_A_TUNNEL_MAX, 0),
	MW_OP(MIDWAY_CMD_TUNNEL_SET, mw_nl_tunnel_set, NULL,
	      mw_tunnel_policy, MIDWAY_A_TUNNEL_MAX, MW_ADMIN),
	MW_OP(MIDWAY_CMD_ROUTE_SET, mw_nl_route_set, NULL,
	      mw_route_policy, MIDWAY_A_ROUTE_MAX, MW_ADMIN),
};

static struct genl_family mw_family __ro_after_init = {
	.name		= MIDWAY_GENL_NAME,
	.version	= MIDWAY_GENL_VERSION,
	.netnsok	= true,
	.parallel_ops	= true,
	.module		= THIS_MODULE,
	.ops		= mw_ops,
	.n_ops		= ARRAY_SIZE(mw_ops),
	.resv_start_op	= MIDWAY_CMD_MAX + 1,
	.mcgrps		= mw_mcgrps,
	.n_mcgrps	= ARRAY_SIZE(mw_mcgrps),
};

int __init mw_netlink_init(void)
{
	return genl_register_family(&mw_family);
}

void mw_netlink_exit(void)
{
	genl_unregister_family(&mw_family);
}
