// SPDX-License-Identifier: GPL-2.0
/*
 * The kernel as midwayd sees it: a table of kernel objects (struct kobj),
 * filled from dumps and kept up to date with what midwayd changes, and the
 * translation between those objects and netlink attributes.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <search.h>
#include <stdlib.h>
#include <string.h>

#include "midwayd.h"

static const enum topo_kind kinds[] = {
	TOPO_ROUTER, TOPO_PORT, TOPO_ROUTE, TOPO_HOST,
};

struct kstate {
	void	*root[TOPO_NKINDS];
	size_t	count[TOPO_NKINDS];
};

static int kobj_cmp(const void *a, const void *b)
{
	return strcmp(((const struct kobj *)a)->node,
		      ((const struct kobj *)b)->node);
}

struct kstate *kstate_new(void)
{
	return calloc(1, sizeof(struct kstate));
}

void kstate_free(struct kstate *k)
{
	if (!k)
		return;
	for (size_t i = 0; i < TOPO_NKINDS; i++)
		tdestroy(k->root[i], free);
	free(k);
}

int kstate_put(struct kstate *k, const struct kobj *o)
{
	struct kobj *n = malloc(sizeof(*n)), **slot;

	if (!n)
		return -ENOMEM;
	*n = *o;
	slot = tsearch(n, &k->root[o->kind], kobj_cmp);
	if (!slot) {
		free(n);
		return -ENOMEM;
	}
	if (*slot != n) {
		**slot = *o;
		free(n);
	} else {
		k->count[o->kind]++;
	}
	return 0;
}

bool kstate_del(struct kstate *k, enum topo_kind kind, const char *node)
{
	struct kobj key, **slot, *o;

	snprintf(key.node, sizeof(key.node), "%s", node);
	slot = tfind(&key, &k->root[kind], kobj_cmp);
	if (!slot)
		return false;
	o = *slot;
	tdelete(&key, &k->root[kind], kobj_cmp);
	free(o);
	k->count[kind]--;
	return true;
}

struct kobj *kstate_get(struct kstate *k, enum topo_kind kind,
			const char *node)
{
	struct kobj key, **slot;

	snprintf(key.node, sizeof(key.node), "%s", node);
	slot = tfind(&key, &k->root[kind], kobj_cmp);
	return slot ? *slot : NULL;
}

size_t kstate_count(const struct kstate *k, enum topo_kind kind)
{
	return k->count[kind];
}

struct collect {
	struct kobj **v;
	size_t n;
};

static void collect_one(const void *p, VISIT which, void *closure)
{
	struct collect *c = closure;

	if (which == postorder || which == leaf)
		c->v[c->n++] = *(struct kobj *const *)p;
}

struct kobj **kstate_list(const struct kstate *k, enum topo_kind kind,
			  size_t *n)
{
	struct collect c = { .v = malloc((k->count[kind] + 1) * sizeof(*c.v)) };

	*n = 0;
	if (!c.v)
		return NULL;
	twalk_r(k->root[kind], collect_one, &c);
	*n = c.n;
	return c.v;
}

/* From netlink ------------------------------------------------------------ */

void kobj_init(struct kobj *o, enum topo_kind kind,
		      const struct mwnl_uuid *id)
{
	memset(o, 0, sizeof(*o));
	o->kind = kind;
	o->id = *id;
	mwnl_uuid_fmt(id, o->node);
}

static void get_name(struct nlattr *a, char *buf, size_t size)
{
	buf[0] = '\0';
	if (a)
		snprintf(buf, size, "%s", nla_get_string(a));
}

static int parse_router(struct nlmsghdr *nlh, struct kobj *o)
{
	struct nlattr *tb[MIDWAY_A_ROUTER_MAX + 1];
	struct mwnl_uuid id;

	if (mwnl_parse(nlh, tb, MIDWAY_A_ROUTER_MAX) ||
	    !mwnl_get_uuid(tb[MIDWAY_A_ROUTER_ID], &id))
		return -EINVAL;
	kobj_init(o, TOPO_ROUTER, &id);
	get_name(tb[MIDWAY_A_ROUTER_NAME], o->router.name,
		 sizeof(o->router.name));
	o->router.admin_up = !tb[MIDWAY_A_ROUTER_ADMIN_UP] ||
			     nla_get_u8(tb[MIDWAY_A_ROUTER_ADMIN_UP]);
	return 0;
}

int kernel_parse_port(struct nlmsghdr *nlh, struct kobj *o)
{
	struct nlattr *tb[MIDWAY_A_PORT_MAX + 1];
	struct kport *kp = &o->port;
	struct mwnl_uuid id;

	if (mwnl_parse(nlh, tb, MIDWAY_A_PORT_MAX) ||
	    !mwnl_get_uuid(tb[MIDWAY_A_PORT_ID], &id) || !tb[MIDWAY_A_PORT_KIND])
		return -EINVAL;
	kobj_init(o, TOPO_PORT, &id);
	get_name(tb[MIDWAY_A_PORT_NAME], kp->p.name, sizeof(kp->p.name));
	mwnl_get_uuid(tb[MIDWAY_A_PORT_ROUTER_ID], &kp->p.router);
	kp->p.kind = nla_get_u8(tb[MIDWAY_A_PORT_KIND]);
	kp->p.admin_up = !tb[MIDWAY_A_PORT_ADMIN_UP] ||
			 nla_get_u8(tb[MIDWAY_A_PORT_ADMIN_UP]);
	if (tb[MIDWAY_A_PORT_MAC] && nla_len(tb[MIDWAY_A_PORT_MAC]) == 6) {
		memcpy(kp->p.mac, nla_data(tb[MIDWAY_A_PORT_MAC]), 6);
		kp->p.has_mac = true;
	}
	if (tb[MIDWAY_A_PORT_ADDR] && tb[MIDWAY_A_PORT_PREFIXLEN]) {
		kp->p.addr = nla_get_u32(tb[MIDWAY_A_PORT_ADDR]);
		kp->p.prefixlen = nla_get_u8(tb[MIDWAY_A_PORT_PREFIXLEN]);
		kp->p.has_addr = true;
	}
	if (tb[MIDWAY_A_PORT_TUNNEL_KEY])
		kp->p.tunnel_key = nla_get_u32(tb[MIDWAY_A_PORT_TUNNEL_KEY]);
	mwnl_get_uuid(tb[MIDWAY_A_PORT_PEER_ID], &kp->p.peer);
	if (tb[MIDWAY_A_PORT_VLAN])
		kp->p.vlan = nla_get_u16(tb[MIDWAY_A_PORT_VLAN]);
	if (tb[MIDWAY_A_PORT_PROXY_ARP])
		kp->p.proxy_arp = nla_get_u8(tb[MIDWAY_A_PORT_PROXY_ARP]);
	mwnl_get_uuid(tb[MIDWAY_A_PORT_HOST_ID], &kp->host);
	get_name(tb[MIDWAY_A_PORT_IFNAME], kp->ifname, sizeof(kp->ifname));
	if (tb[MIDWAY_A_PORT_IFINDEX] && !nla_get_u32(tb[MIDWAY_A_PORT_IFINDEX]))
		kp->ifname[0] = '\0';
	kp->remote_up = !tb[MIDWAY_A_PORT_REMOTE_UP] ||
			nla_get_u8(tb[MIDWAY_A_PORT_REMOTE_UP]);
	kp->oper_up = tb[MIDWAY_A_PORT_OPER_UP] &&
		      nla_get_u8(tb[MIDWAY_A_PORT_OPER_UP]);
	return 0;
}

static int parse_route(struct nlmsghdr *nlh, struct kobj *o)
{
	struct nlattr *tb[MIDWAY_A_ROUTE_MAX + 1];
	struct topo_route *r = &o->route;
	struct mwnl_uuid id;

	if (mwnl_parse(nlh, tb, MIDWAY_A_ROUTE_MAX) ||
	    !mwnl_get_uuid(tb[MIDWAY_A_ROUTE_ID], &id) ||
	    !tb[MIDWAY_A_ROUTE_DST] || !tb[MIDWAY_A_ROUTE_DST_LEN] ||
	    !tb[MIDWAY_A_ROUTE_NH_TYPE])
		return -EINVAL;
	kobj_init(o, TOPO_ROUTE, &id);
	mwnl_get_uuid(tb[MIDWAY_A_ROUTE_ROUTER_ID], &r->router);
	r->dst = nla_get_u32(tb[MIDWAY_A_ROUTE_DST]);
	r->dst_len = nla_get_u8(tb[MIDWAY_A_ROUTE_DST_LEN]);
	if (tb[MIDWAY_A_ROUTE_SRC] && tb[MIDWAY_A_ROUTE_SRC_LEN]) {
		r->src = nla_get_u32(tb[MIDWAY_A_ROUTE_SRC]);
		r->src_len = nla_get_u8(tb[MIDWAY_A_ROUTE_SRC_LEN]);
	}
	r->type = nla_get_u8(tb[MIDWAY_A_ROUTE_NH_TYPE]);
	mwnl_get_uuid(tb[MIDWAY_A_ROUTE_PORT_ID], &r->port);
	if (tb[MIDWAY_A_ROUTE_GATEWAY])
		r->gateway = nla_get_u32(tb[MIDWAY_A_ROUTE_GATEWAY]);
	r->weight = tb[MIDWAY_A_ROUTE_WEIGHT] ?
		    nla_get_u32(tb[MIDWAY_A_ROUTE_WEIGHT]) :
		    MIDWAY_WEIGHT_DEFAULT;
	o->active = tb[MIDWAY_A_ROUTE_ACTIVE] &&
		    nla_get_u8(tb[MIDWAY_A_ROUTE_ACTIVE]);
	return 0;
}

static int parse_host(struct nlmsghdr *nlh, struct kobj *o)
{
	struct nlattr *tb[MIDWAY_A_HOST_MAX + 1];
	struct mwnl_uuid id;

	if (mwnl_parse(nlh, tb, MIDWAY_A_HOST_MAX) ||
	    !mwnl_get_uuid(tb[MIDWAY_A_HOST_ID], &id))
		return -EINVAL;
	kobj_init(o, TOPO_HOST, &id);
	get_name(tb[MIDWAY_A_HOST_NAME], o->host.name, sizeof(o->host.name));
	if (tb[MIDWAY_A_HOST_ADDR])
		o->host.addr = nla_get_u32(tb[MIDWAY_A_HOST_ADDR]);
	o->host.local = tb[MIDWAY_A_HOST_LOCAL] &&
			nla_get_u8(tb[MIDWAY_A_HOST_LOCAL]);
	return 0;
}

struct dump_arg {
	struct kstate *k;
	enum topo_kind kind;
};

static int dump_one(struct nlmsghdr *nlh, void *arg)
{
	struct dump_arg *d = arg;
	struct kobj o;
	int ret;

	switch (d->kind) {
	case TOPO_ROUTER:
		ret = parse_router(nlh, &o);
		break;
	case TOPO_PORT:
		ret = kernel_parse_port(nlh, &o);
		break;
	case TOPO_ROUTE:
		ret = parse_route(nlh, &o);
		break;
	default:
		ret = parse_host(nlh, &o);
		break;
	}
	if (ret) {
		warn("kernel: a %s in the dump cannot be parsed",
		     topo_kind_name(d->kind));
		return 0;
	}
	return kstate_put(d->k, &o);
}

static const uint8_t dump_cmd[TOPO_NKINDS] = {
	[TOPO_ROUTER]	= MIDWAY_CMD_ROUTER_GET,
	[TOPO_PORT]	= MIDWAY_CMD_PORT_GET,
	[TOPO_ROUTE]	= MIDWAY_CMD_ROUTE_GET,
	[TOPO_HOST]	= MIDWAY_CMD_HOST_GET,
};

int kernel_dump(struct mwnl *nl, struct kstate *k)
{
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		struct dump_arg d = { .k = k, .kind = kinds[i] };
		struct nl_msg *msg;
		int ret;

		msg = mwnl_msg(nl, dump_cmd[d.kind], NLM_F_DUMP);
		if (!msg)
			return -ENOMEM;
		ret = mwnl_request(nl, msg, dump_one, &d);
		if (ret)
			return ret;
	}
	return 0;
}

/* To netlink -------------------------------------------------------------- */

static int put_router(struct nl_msg *msg, const struct kobj *o)
{
	return mwnl_put_uuid(msg, MIDWAY_A_ROUTER_ID, &o->id) ?:
	       nla_put_string(msg, MIDWAY_A_ROUTER_NAME, o->router.name) ?:
	       nla_put_u8(msg, MIDWAY_A_ROUTER_ADMIN_UP, o->router.admin_up);
}

static int put_port(struct nl_msg *msg, const struct kobj *o)
{
	const struct kport *kp = &o->port;
	int ret;

	ret = mwnl_put_uuid(msg, MIDWAY_A_PORT_ID, &o->id) ?:
	      mwnl_put_uuid(msg, MIDWAY_A_PORT_ROUTER_ID, &kp->p.router) ?:
	      nla_put_u8(msg, MIDWAY_A_PORT_KIND, kp->p.kind) ?:
	      nla_put_string(msg, MIDWAY_A_PORT_NAME, kp->p.name) ?:
	      nla_put_u8(msg, MIDWAY_A_PORT_ADMIN_UP, kp->p.admin_up) ?:
	      nla_put_u8(msg, MIDWAY_A_PORT_PROXY_ARP, kp->p.proxy_arp);
	if (!ret && kp->p.has_mac)
		ret = nla_put(msg, MIDWAY_A_PORT_MAC, 6, kp->p.mac);
	if (!ret && kp->p.has_addr)
		ret = nla_put_u32(msg, MIDWAY_A_PORT_ADDR, kp->p.addr) ?:
		      nla_put_u8(msg, MIDWAY_A_PORT_PREFIXLEN,
				 kp->p.prefixlen);
	if (!ret && kp->p.tunnel_key)
		ret = nla_put_u32(msg, MIDWAY_A_PORT_TUNNEL_KEY,
				  kp->p.tunnel_key);
	if (!ret && !mwnl_uuid_is_zero(&kp->p.peer))
		ret = mwnl_put_uuid(msg, MIDWAY_A_PORT_PEER_ID, &kp->p.peer);
	if (ret || kp->p.kind != MIDWAY_PORT_KIND_EXTERIOR)
		return ret;
	ret = nla_put_u16(msg, MIDWAY_A_PORT_VLAN, kp->p.vlan) ?:
	      nla_put_u8(msg, MIDWAY_A_PORT_REMOTE_UP, kp->remote_up);
	if (!ret && !mwnl_uuid_is_zero(&kp->host))
		ret = mwnl_put_uuid(msg, MIDWAY_A_PORT_HOST_ID, &kp->host);
	if (!ret && kp->ifname[0])
		ret = nla_put_string(msg, MIDWAY_A_PORT_IFNAME, kp->ifname);
	return ret;
}

static int put_route(struct nl_msg *msg, const struct kobj *o)
{
	const struct topo_route *r = &o->route;
	int ret;

	ret = mwnl_put_uuid(msg, MIDWAY_A_ROUTE_ID, &o->id) ?:
	      mwnl_put_uuid(msg, MIDWAY_A_ROUTE_ROUTER_ID, &r->router) ?:
	      nla_put_u32(msg, MIDWAY_A_ROUTE_DST, r->dst) ?:
	      nla_put_u8(msg, MIDWAY_A_ROUTE_DST_LEN, r->dst_len) ?:
	      nla_put_u8(msg, MIDWAY_A_ROUTE_NH_TYPE, r->type) ?:
	      nla_put_u32(msg, MIDWAY_A_ROUTE_WEIGHT, r->weight);
	if (!ret && r->src_len)
		ret = nla_put_u32(msg, MIDWAY_A_ROUTE_SRC, r->src) ?:
		      nla_put_u8(msg, MIDWAY_A_ROUTE_SRC_LEN, r->src_len);
	if (!ret && r->type == MIDWAY_NH_PORT)
		ret = mwnl_put_uuid(msg, MIDWAY_A_ROUTE_PORT_ID, &r->port);
	if (!ret && r->gateway)
		ret = nla_put_u32(msg, MIDWAY_A_ROUTE_GATEWAY, r->gateway);
	return ret;
}

static int put_host(struct nl_msg *msg, const struct kobj *o)
{
	return mwnl_put_uuid(msg, MIDWAY_A_HOST_ID, &o->id) ?:
	       nla_put_string(msg, MIDWAY_A_HOST_NAME, o->host.name) ?:
	       nla_put_u32(msg, MIDWAY_A_HOST_ADDR, o->host.addr) ?:
	       nla_put_u8(msg, MIDWAY_A_HOST_LOCAL, o->host.local);
}

int kernel_put_obj(struct nl_msg *msg, const struct kobj *o)
{
	switch (o->kind) {
	case TOPO_ROUTER:
		return put_router(msg, o);
	case TOPO_PORT:
		return put_port(msg, o);
	case TOPO_ROUTE:
		return put_route(msg, o);
	case TOPO_HOST:
		return put_host(msg, o);
	default:
		return -EINVAL;
	}
}
