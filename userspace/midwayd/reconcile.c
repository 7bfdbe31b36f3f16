// SPDX-License-Identifier: GPL-2.0
/*
 * Reconciliation: compute the kernel state this host needs from the
 * topology, compare it with the kernel's, and send only the differences:
 * add what is missing, change what differs in place (SET), delete what is
 * stale. Never a flush: what did not change is not touched, so its traffic
 * flows through a restart of midwayd.
 *
 * The kernel's state is read by a dump at start, after lost events and
 * after a refused request; between those, the view is kept by applying to
 * it what midwayd sends and what the kernel's events say.
 *
 * An object the kernel refuses is set aside (logged, counted, shown by
 * "midwayd status") until its description changes; an object whose
 * references do not hold in the topology is skipped the same way, and so
 * are the objects that need it. The rest applies.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <net/if.h>
#include <search.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "midwayd.h"

#define PASSES_MAX	4

enum op { OP_NEW, OP_SET, OP_DEL, OP_DEL_CASCADE };
/* Which routes a pass compares: none, those that changed, or all. */
enum routes_mode { ROUTES_NONE, ROUTES_SOME, ROUTES_ALL };

struct pending {		/* what each request of a batch was for */
	enum op	op;
	struct kobj obj;	/* the object as sent */
};

struct refused {		/* an object the kernel refused, as it was */
	struct kobj obj;
	char	why[MWNL_ERRMSG_MAX + 64];
};

struct reconciler {
	const struct config *c;
	struct mwnl	*nl;
	struct mwnl	*ev;		/* the kernel's events group */
	struct kstate	*kv;		/* the kernel, as we believe it is */
	bool		have_view;
	void		*refused;	/* tsearch of struct refused */
	struct pending	*pend;
	size_t		n_pend, cap_pend;
	struct mwnl_batch *batch;
	bool		failed;		/* a request failed in this pass */
	bool		cascaded;	/* a cascading delete in this pass */
	unsigned long	sent;
	void		*skipped_routes;	/* tsearch of node names */
	size_t		n_skipped_routes;
	bool		need_all;	/* route changes taken, not applied */
};

static int refused_cmp(const void *a, const void *b)
{
	const struct kobj *x = &((const struct refused *)a)->obj;
	const struct kobj *y = &((const struct refused *)b)->obj;

	if (x->kind != y->kind)
		return x->kind - y->kind;
	return strcmp(x->node, y->node);
}

struct reconciler *reconciler_new(const struct config *c, struct mwnl *nl,
				  struct mwnl *ev)
{
	struct reconciler *r = calloc(1, sizeof(*r));

	if (!r)
		return NULL;
	r->c = c;
	r->nl = nl;
	r->ev = ev;
	r->kv = kstate_new();
	if (!r->kv) {
		free(r);
		return NULL;
	}
	return r;
}

void reconciler_free(struct reconciler *r)
{
	if (!r)
		return;
	kstate_free(r->kv);
	tdestroy(r->refused, free);
	tdestroy(r->skipped_routes, free);
	free(r->pend);
	if (r->batch)
		mwnl_batch_free(r->batch);
	free(r);
}

static const char *what(const struct kobj *o, char buf[TOPO_NODE_MAX + 16])
{
	snprintf(buf, TOPO_NODE_MAX + 16, "%s %s", topo_kind_name(o->kind),
		 o->node);
	return buf;
}

/* The desired state --------------------------------------------------------- */

static int str_cmp(const void *a, const void *b)
{
	return strcmp(a, b);
}

static void skip(const struct kobj *o, const char *why)
{
	char w[TOPO_NODE_MAX + 16];

	if (o->kind != TOPO_ROUTE)	/* routes: r->skipped_routes */
		stats.objs_skipped++;
	stats_reject(what(o, w), why);
}

/* An object no longer skipped: off the status's list. */
static void accepted(const struct kobj *o)
{
	char w[TOPO_NODE_MAX + 16];

	if (stats.n_rej)
		stats_unreject(what(o, w));
}

/* Whether the topology still names host @id: config/hosts, a binding. */
static bool host_named(const struct topo *t, const struct mwnl_uuid *id)
{
	const struct topo_obj **v;
	bool named = topo_get_id(t, TOPO_HOST, id);
	size_t n;

	if (named)
		return true;
	v = topo_list(t, TOPO_BINDING, &n);
	for (size_t i = 0; v && i < n && !named; i++)
		named = mwnl_uuid_eq(&v[i]->binding.host, id);
	free(v);
	return named;
}

/*
 * A host that is not alive (its controller died, its session expired) but
 * that the topology still names stays in the kernel as it is, at its last
 * known address: its ports are down (no "active" node), so nothing is
 * sent to it, but what it still tunnels here is taken. A gateway whose
 * controller died may still carry its uplink's traffic; dropping its host
 * would drop that traffic as coming from an unknown host.
 */
static void keep_known_hosts(struct reconciler *r, const struct topo *t,
			     struct kstate *want)
{
	size_t n;
	struct kobj **v = kstate_list(r->kv, TOPO_HOST, &n);

	for (size_t i = 0; v && i < n; i++) {
		struct kobj o = *v[i];

		if (kstate_get(want, TOPO_HOST, o.node) ||
		    !host_named(t, &o.id))
			continue;
		o.host.local = false;
		kstate_put(want, &o);
	}
	free(v);
}

static void want_hosts(struct reconciler *r, const struct topo *t,
		       struct kstate *want)
{
	const struct topo_obj **v;
	struct kobj o;
	size_t n;

	kobj_init(&o, TOPO_HOST, &r->c->host_id);
	snprintf(o.host.name, sizeof(o.host.name), "%s", r->c->host_name);
	o.host.addr = r->c->underlay;
	o.host.local = true;
	kstate_put(want, &o);

	v = topo_list(t, TOPO_ALIVE, &n);
	for (size_t i = 0; v && i < n; i++) {
		if (mwnl_uuid_eq(&v[i]->id, &r->c->host_id))
			continue;
		kobj_init(&o, TOPO_HOST, &v[i]->id);
		memcpy(o.host.name, v[i]->host.name, sizeof(o.host.name));
		o.host.addr = v[i]->host.addr;
		kstate_put(want, &o);
	}
	free(v);
	keep_known_hosts(r, t, want);
}

static void want_routers(const struct topo *t, struct kstate *want)
{
	const struct topo_obj **v;
	struct kobj o;
	size_t n;

	v = topo_list(t, TOPO_ROUTER, &n);
	for (size_t i = 0; v && i < n; i++) {
		kobj_init(&o, TOPO_ROUTER, &v[i]->id);
		o.router = v[i]->router;
		kstate_put(want, &o);
	}
	free(v);
}

/* Where a port lives, and whether it is up there. */
static void place_port(struct reconciler *r, const struct topo *t,
		       struct kstate *want, struct kobj *o)
{
	const struct topo_obj *b = topo_get_id(t, TOPO_BINDING, &o->id);
	char hn[MWNL_UUID_STRLEN];
	struct kport *kp = &o->port;

	kp->remote_up = 0;
	if (kp->p.kind != MIDWAY_PORT_KIND_EXTERIOR || !b)
		return;
	if (!kstate_get(want, TOPO_HOST, mwnl_uuid_fmt(&b->binding.host, hn)))
		return;		/* bound to a host that is not alive */
	kp->host = b->binding.host;
	if (mwnl_uuid_eq(&b->binding.host, &r->c->host_id)) {
		kp->remote_up = 1;
		if (if_nametoindex(b->binding.ifname))
			memcpy(kp->ifname, b->binding.ifname,
			       sizeof(kp->ifname));
		return;
	}
	kp->remote_up = topo_port_active(t, &o->id, NULL);
}

static void want_ports(struct reconciler *r, const struct topo *t,
		       struct kstate *want)
{
	const struct topo_obj **v;
	char why[TOPO_ERR_MAX], rn[MWNL_UUID_STRLEN];
	struct kobj o;
	size_t n;

	v = topo_list(t, TOPO_PORT, &n);
	for (size_t i = 0; v && i < n; i++) {
		kobj_init(&o, TOPO_PORT, &v[i]->id);
		o.port.p = v[i]->port;
		if (topo_check(t, v[i], why)) {
			skip(&o, why);
			continue;
		}
		if (!kstate_get(want, TOPO_ROUTER,
				mwnl_uuid_fmt(&o.port.p.router, rn))) {
			skip(&o, "its router is not usable");
			continue;
		}
		place_port(r, t, want, &o);
		kstate_put(want, &o);
		accepted(&o);
	}
	free(v);
}

/* The routes skipped, by node name: their count is in the status. */
static void route_skipped(struct reconciler *r, const char *node, bool skipped)
{
	char *s, **slot;

	if (!skipped) {
		slot = tfind(node, &r->skipped_routes, str_cmp);
		if (slot) {
			s = *slot;
			tdelete(node, &r->skipped_routes, str_cmp);
			free(s);
			r->n_skipped_routes--;
		}
		return;
	}
	s = strdup(node);
	slot = s ? tsearch(s, &r->skipped_routes, str_cmp) : NULL;
	if (!slot)
		abort();
	if (*slot != s)
		free(s);
	else
		r->n_skipped_routes++;
}

/* Route @rt into @want, unless it cannot be used; false if it cannot. */
static bool want_route(struct reconciler *r, const struct topo *t,
		       struct kstate *want, const struct topo_obj *rt)
{
	char why[TOPO_ERR_MAX], id[MWNL_UUID_STRLEN];
	const char *reason = NULL;
	struct kobj o;

	kobj_init(&o, TOPO_ROUTE, &rt->id);
	o.route = rt->route;
	if (topo_check(t, rt, why))
		reason = why;
	else if (!kstate_get(want, TOPO_ROUTER,
			     mwnl_uuid_fmt(&o.route.router, id)))
		reason = "its router is not usable";
	else if (o.route.type == MIDWAY_NH_PORT &&
		 !kstate_get(want, TOPO_PORT, mwnl_uuid_fmt(&o.route.port, id)))
		reason = "its port is not usable";
	route_skipped(r, o.node, reason != NULL);
	if (reason) {
		skip(&o, reason);
		return false;
	}
	kstate_put(want, &o);
	accepted(&o);
	return true;
}

static void want_routes(struct reconciler *r, const struct topo *t,
			struct kstate *want)
{
	const struct topo_obj **v;
	size_t n;

	tdestroy(r->skipped_routes, free);
	r->skipped_routes = NULL;
	r->n_skipped_routes = 0;
	v = topo_list(t, TOPO_ROUTE, &n);
	for (size_t i = 0; v && i < n; i++)
		want_route(r, t, want, v[i]);
	free(v);
}

/* Comparing --------------------------------------------------------------- */

/* Attributes fixed at creation: a difference means delete and create. */
static bool port_fixed_differs(const struct kport *w, const struct kport *k)
{
	if (!mwnl_uuid_eq(&w->p.router, &k->p.router) || w->p.kind != k->p.kind)
		return true;
	if (w->p.tunnel_key && w->p.tunnel_key != k->p.tunnel_key)
		return true;
	return !mwnl_uuid_eq(&w->p.peer, &k->p.peer);
}

static bool port_differs(const struct kport *w, const struct kport *k)
{
	if (strcmp(w->p.name, k->p.name) || w->p.admin_up != k->p.admin_up ||
	    w->p.proxy_arp != k->p.proxy_arp)
		return true;
	if (w->p.has_mac && memcmp(w->p.mac, k->p.mac, 6))
		return true;
	if (w->p.has_addr != k->p.has_addr ||
	    (w->p.has_addr && (w->p.addr != k->p.addr ||
			       w->p.prefixlen != k->p.prefixlen)))
		return true;
	if (w->p.kind != MIDWAY_PORT_KIND_EXTERIOR)
		return false;
	return w->p.vlan != k->p.vlan || !mwnl_uuid_eq(&w->host, &k->host) ||
	       strcmp(w->ifname, k->ifname) ||
	       (!mwnl_uuid_is_zero(&w->host) && w->remote_up != k->remote_up);
}

static bool route_differs(const struct topo_route *w,
			  const struct topo_route *k)
{
	return !mwnl_uuid_eq(&w->router, &k->router) || w->dst != k->dst ||
	       w->dst_len != k->dst_len || w->src != k->src ||
	       w->src_len != k->src_len || w->type != k->type ||
	       !mwnl_uuid_eq(&w->port, &k->port) || w->gateway != k->gateway ||
	       w->weight != k->weight;
}

static bool differs(const struct kobj *w, const struct kobj *k)
{
	switch (w->kind) {
	case TOPO_ROUTER:
		return strcmp(w->router.name, k->router.name) ||
		       w->router.admin_up != k->router.admin_up;
	case TOPO_PORT:
		return port_differs(&w->port, &k->port);
	case TOPO_ROUTE:
		return route_differs(&w->route, &k->route);
	case TOPO_HOST:
		return strcmp(w->host.name, k->host.name) ||
		       w->host.addr != k->host.addr ||
		       w->host.local != k->host.local;
	default:
		return false;
	}
}

/* Sending ----------------------------------------------------------------- */

static bool is_refused(struct reconciler *r, const struct kobj *w)
{
	struct refused key, **slot, *old;

	key.obj = *w;
	slot = tfind(&key, &r->refused, refused_cmp);
	if (!slot)
		return false;
	old = *slot;
	if (!differs(w, &old->obj) &&
	    !(w->kind == TOPO_PORT &&
	      port_fixed_differs(&w->port, &old->obj.port)))
		return true;
	/* Its description changed: try again. */
	tdelete(&key, &r->refused, refused_cmp);
	free(old);
	return false;
}

static void refuse(struct reconciler *r, const struct kobj *w, const char *why)
{
	struct refused *n = malloc(sizeof(*n)), **slot;
	char buf[TOPO_NODE_MAX + 16];

	if (!n)
		return;
	n->obj = *w;
	snprintf(n->why, sizeof(n->why), "%s", why);
	slot = tsearch(n, &r->refused, refused_cmp);
	if (slot && *slot != n) {
		**slot = *n;
		free(n);
	}
	stats_reject(what(w, buf), why);
}

static void pend_add(struct reconciler *r, enum op op, const struct kobj *o)
{
	if (r->n_pend == r->cap_pend) {
		r->cap_pend = r->cap_pend ? 2 * r->cap_pend : 256;
		r->pend = realloc(r->pend, r->cap_pend * sizeof(*r->pend));
		if (!r->pend)
			abort();
	}
	r->pend[r->n_pend].op = op;
	r->pend[r->n_pend].obj = *o;
	r->n_pend++;
}

static const uint8_t cmd_of[4][TOPO_NKINDS] = {
	[OP_NEW] = { [TOPO_ROUTER] = MIDWAY_CMD_ROUTER_NEW,
		     [TOPO_PORT] = MIDWAY_CMD_PORT_NEW,
		     [TOPO_ROUTE] = MIDWAY_CMD_ROUTE_NEW,
		     [TOPO_HOST] = MIDWAY_CMD_HOST_NEW },
	[OP_SET] = { [TOPO_ROUTER] = MIDWAY_CMD_ROUTER_SET,
		     [TOPO_PORT] = MIDWAY_CMD_PORT_SET,
		     [TOPO_ROUTE] = MIDWAY_CMD_ROUTE_SET,
		     [TOPO_HOST] = MIDWAY_CMD_HOST_SET },
	[OP_DEL] = { [TOPO_ROUTER] = MIDWAY_CMD_ROUTER_DEL,
		     [TOPO_PORT] = MIDWAY_CMD_PORT_DEL,
		     [TOPO_ROUTE] = MIDWAY_CMD_ROUTE_DEL,
		     [TOPO_HOST] = MIDWAY_CMD_HOST_DEL },
	[OP_DEL_CASCADE] = { [TOPO_ROUTER] = MIDWAY_CMD_ROUTER_DEL,
			     [TOPO_PORT] = MIDWAY_CMD_PORT_DEL,
			     [TOPO_ROUTE] = MIDWAY_CMD_ROUTE_DEL,
			     [TOPO_HOST] = MIDWAY_CMD_HOST_DEL },
};

static const int id_attr[TOPO_NKINDS] = {
	[TOPO_ROUTER] = MIDWAY_A_ROUTER_ID, [TOPO_PORT] = MIDWAY_A_PORT_ID,
	[TOPO_ROUTE] = MIDWAY_A_ROUTE_ID, [TOPO_HOST] = MIDWAY_A_HOST_ID,
};

static const int cascade_attr[TOPO_NKINDS] = {
	[TOPO_ROUTER] = MIDWAY_A_ROUTER_CASCADE,
	[TOPO_PORT] = MIDWAY_A_PORT_CASCADE,
	[TOPO_HOST] = MIDWAY_A_HOST_CASCADE,
};

/*
 * A port SET carries what differs. Moving a bound port elsewhere unbinds it
 * in the same request (IFINDEX 0); the zero host id takes it off its host.
 */
static int put_port_set(struct nl_msg *msg, const struct kobj *w,
			const struct kobj *k)
{
	static const struct mwnl_uuid none;
	const struct kport *wp = &w->port, *kp = &k->port;
	int ret = mwnl_put_uuid(msg, MIDWAY_A_PORT_ID, &w->id);

	if (!ret && strcmp(wp->p.name, kp->p.name))
		ret = nla_put_string(msg, MIDWAY_A_PORT_NAME, wp->p.name);
	if (!ret && wp->p.admin_up != kp->p.admin_up)
		ret = nla_put_u8(msg, MIDWAY_A_PORT_ADMIN_UP, wp->p.admin_up);
	if (!ret && wp->p.proxy_arp != kp->p.proxy_arp)
		ret = nla_put_u8(msg, MIDWAY_A_PORT_PROXY_ARP, wp->p.proxy_arp);
	if (!ret && wp->p.has_mac && memcmp(wp->p.mac, kp->p.mac, 6))
		ret = nla_put(msg, MIDWAY_A_PORT_MAC, 6, wp->p.mac);
	if (!ret && wp->p.has_addr &&
	    (wp->p.addr != kp->p.addr || wp->p.prefixlen != kp->p.prefixlen ||
	     !kp->p.has_addr))
		ret = nla_put_u32(msg, MIDWAY_A_PORT_ADDR, wp->p.addr) ?:
		      nla_put_u8(msg, MIDWAY_A_PORT_PREFIXLEN, wp->p.prefixlen);
	if (ret || wp->p.kind != MIDWAY_PORT_KIND_EXTERIOR)
		return ret;
	if (wp->p.vlan != kp->p.vlan)
		ret = nla_put_u16(msg, MIDWAY_A_PORT_VLAN, wp->p.vlan);
	if (!ret && strcmp(wp->ifname, kp->ifname) && !wp->ifname[0])
		ret = nla_put_u32(msg, MIDWAY_A_PORT_IFINDEX, 0);
	if (!ret && !mwnl_uuid_eq(&wp->host, &kp->host))
		ret = mwnl_put_uuid(msg, MIDWAY_A_PORT_HOST_ID,
				    mwnl_uuid_is_zero(&wp->host) ? &none :
				    &wp->host);
	if (!ret && wp->ifname[0] && strcmp(wp->ifname, kp->ifname))
		ret = nla_put_string(msg, MIDWAY_A_PORT_IFNAME, wp->ifname);
	if (!ret && wp->remote_up != kp->remote_up)
		ret = nla_put_u8(msg, MIDWAY_A_PORT_REMOTE_UP, wp->remote_up);
	return ret;
}

/* What the kernel deletes or changes with a cascading delete of @o. */
/*
 * A port created, in the view, with what the kernel does besides: the
 * second NEW of an interior pair links the first end to it.
 */
static void kv_port_new(struct reconciler *r, const struct kobj *o)
{
	char pn[MWNL_UUID_STRLEN];
	struct kobj *peer;

	kstate_put(r->kv, o);
	if (mwnl_uuid_is_zero(&o->port.p.peer))
		return;
	peer = kstate_get(r->kv, TOPO_PORT, mwnl_uuid_fmt(&o->port.p.peer, pn));
	if (peer)
		peer->port.p.peer = o->id;
}

/*
 * A port deleted, in the view: the kernel unlinks the surviving end. By
 * scanning, not by @o's peer field: a DEL event may carry none.
 */
static void kv_unpeer(struct reconciler *r, const struct kobj *o)
{
	size_t n;
	struct kobj **v = kstate_list(r->kv, TOPO_PORT, &n);

	for (size_t i = 0; v && i < n; i++)
		if (mwnl_uuid_eq(&v[i]->port.p.peer, &o->id))
			memset(&v[i]->port.p.peer, 0,
			       sizeof(v[i]->port.p.peer));
	free(v);
}

static void kv_cascade(struct reconciler *r, const struct kobj *o)
{
	size_t n;
	struct kobj **v;

	v = kstate_list(r->kv, TOPO_ROUTE, &n);
	for (size_t i = 0; v && i < n; i++) {
		const struct topo_route *rt = &v[i]->route;

		if ((o->kind == TOPO_ROUTER && mwnl_uuid_eq(&rt->router, &o->id)) ||
		    (o->kind == TOPO_PORT && rt->type == MIDWAY_NH_PORT &&
		     mwnl_uuid_eq(&rt->port, &o->id)))
			kstate_del(r->kv, TOPO_ROUTE, v[i]->node);
	}
	free(v);
	v = kstate_list(r->kv, TOPO_PORT, &n);
	for (size_t i = 0; v && i < n; i++) {
		struct kport *kp = &v[i]->port;

		if (o->kind == TOPO_ROUTER && mwnl_uuid_eq(&kp->p.router, &o->id)) {
			kv_cascade(r, v[i]);
			kstate_del(r->kv, TOPO_PORT, v[i]->node);
		}
	}
	free(v);
	if (o->kind == TOPO_PORT)
		kv_unpeer(r, o);
}

static void send_op(struct reconciler *r, enum op op, const struct kobj *w,
		    const struct kobj *k)
{
	struct nl_msg *msg;
	int ret;

	if (r->failed)
		return;
	msg = mwnl_msg(r->nl, cmd_of[op][w->kind], 0);
	if (!msg)
		abort();
	if (op == OP_NEW)
		ret = kernel_put_obj(msg, w);
	else if (op == OP_SET && w->kind == TOPO_PORT)
		ret = put_port_set(msg, w, k);
	else if (op == OP_SET)
		ret = kernel_put_obj(msg, w);
	else
		ret = mwnl_put_uuid(msg, id_attr[w->kind], &w->id);
	if (!ret && op == OP_DEL_CASCADE) {
		ret = nla_put_flag(msg, cascade_attr[w->kind]);
		r->cascaded = true;
	}
	if (ret) {
		nlmsg_free(msg);
		err("kernel: %s too large for a message", w->node);
		return;
	}
	pend_add(r, op, w);
	ret = mwnl_batch_add(r->batch, msg);
	if (ret)
		r->failed = true;
	r->sent++;

	/* The view follows what we sent; a failure makes us dump again. */
	if (op == OP_NEW || op == OP_SET) {
		struct kobj n = *w;

		if (k && w->kind == TOPO_PORT)
			n.port.oper_up = k->port.oper_up;
		if (op == OP_NEW && w->kind == TOPO_PORT)
			kv_port_new(r, &n);
		else
			kstate_put(r->kv, &n);
	} else {
		if (op == OP_DEL_CASCADE)
			kv_cascade(r, w);
		kstate_del(r->kv, w->kind, w->node);
	}
}

/* The pass ---------------------------------------------------------------- */

/* Wanted @w, in the kernel as @k (or not): create or change it. */
static void sync_one(struct reconciler *r, const struct kobj *w,
		     const struct kobj *k)
{
	if (is_refused(r, w))
		return;
	if (!k)
		send_op(r, OP_NEW, w, NULL);
	else if (differs(w, k))
		send_op(r, OP_SET, w, k);
}

static void sync_kind(struct reconciler *r, struct kstate *want,
		      enum topo_kind kind)
{
	size_t n;
	struct kobj **v = kstate_list(want, kind, &n);

	for (size_t i = 0; v && i < n; i++)
		sync_one(r, v[i], kstate_get(r->kv, kind, v[i]->node));
	free(v);
}

/* The first end of a pair, in the kernel without its peer, which is not. */
static bool first_end_waiting(struct reconciler *r, const struct kobj *w,
			      const struct kobj *k)
{
	char pn[MWNL_UUID_STRLEN];
	struct kport wp = w->port;

	if (mwnl_uuid_is_zero(&wp.p.peer) ||
	    !mwnl_uuid_is_zero(&k->port.p.peer) ||
	    kstate_get(r->kv, TOPO_PORT, mwnl_uuid_fmt(&wp.p.peer, pn)))
		return false;
	memset(&wp.p.peer, 0, sizeof(wp.p.peer));
	return !port_fixed_differs(&wp, &k->port);
}

/*
 * Ports: interior pairs are linked when the second end is created, so an
 * end whose peer is not in the kernel yet is created without it, and its
 * peer then names it. An existing port whose fixed attributes differ is
 * deleted (with the routes via it) and created again.
 */
static void sync_ports(struct reconciler *r, struct kstate *want)
{
	size_t n;
	struct kobj **v = kstate_list(want, TOPO_PORT, &n);
	char pn[MWNL_UUID_STRLEN];

	for (int round = 0; round < 2; round++) {
		for (size_t i = 0; v && i < n; i++) {
			struct kobj *w = v[i], *k, *peer;
			struct kobj first;
			bool has_peer = !mwnl_uuid_is_zero(&w->port.p.peer);

			if (is_refused(r, w))
				continue;
			k = kstate_get(r->kv, TOPO_PORT, w->node);
			if (k && port_fixed_differs(&w->port, &k->port) &&
			    !first_end_waiting(r, w, k)) {
				info("port %s: fixed attributes differ; creating it again",
				     w->node);
				send_op(r, OP_DEL_CASCADE, k, NULL);
				k = NULL;
			}
			if (k) {
				if (round && differs(w, k))
					send_op(r, OP_SET, w, k);
				continue;
			}
			peer = has_peer ?
			       kstate_get(r->kv, TOPO_PORT,
					  mwnl_uuid_fmt(&w->port.p.peer, pn)) :
			       NULL;
			if (has_peer && !peer) {
				if (round)
					continue;
				first = *w;	/* the first end of the pair */
				memset(&first.port.p.peer, 0,
				       sizeof(first.port.p.peer));
				send_op(r, OP_NEW, &first, NULL);
				continue;
			}
			if (round || !has_peer)
				send_op(r, OP_NEW, w, NULL);
		}
	}
	free(v);
}

static void delete_stale(struct reconciler *r, struct kstate *want,
			 enum topo_kind kind, struct zk *z)
{
	size_t n;
	struct kobj **v = kstate_list(r->kv, kind, &n);

	for (size_t i = 0; v && i < n; i++) {
		if (kstate_get(want, kind, v[i]->node))
			continue;
		if (kind == TOPO_PORT && z)
			zk_set_active(z, &v[i]->id, false);
		send_op(r, kind == TOPO_ROUTE || kind == TOPO_HOST ? OP_DEL :
			OP_DEL_CASCADE, v[i], NULL);
	}
	free(v);
}

/* Set aside the request that failed; the batch stops at the first. */
static void batch_failed(struct reconciler *r)
{
	const struct mwnl_err *e = mwnl_error(r->nl);
	char buf[TOPO_NODE_MAX + 16];
	const struct pending *p;
	char why[MWNL_ERRMSG_MAX + 64];

	stats.kernel_errors++;
	if (e->index < 0 || (size_t)e->index >= r->n_pend) {
		err("kernel: a request failed: %s", mwnl_strerror(r->nl));
		return;
	}
	p = &r->pend[e->index];
	snprintf(why, sizeof(why), "kernel refused %s: %s",
		 p->op == OP_NEW ? "creating it" : p->op == OP_SET ?
		 "changing it" : "deleting it", mwnl_strerror(r->nl));
	err("%s: %s", what(&p->obj, buf), why);
	if (p->op == OP_NEW || p->op == OP_SET)
		refuse(r, &p->obj, why);
}

/*
 * Only the routes named in @names changed, and nothing they depend on:
 * compare those. New and changed ones first, then the deletes, as a whole
 * pass does.
 */
static void sync_some_routes(struct reconciler *r, const struct topo *t,
			     struct kstate *want, char **names, size_t n)
{
	for (int dels = 0; dels < 2; dels++) {
		for (size_t i = 0; i < n; i++) {
			const struct topo_obj *o = topo_get(t, TOPO_ROUTE,
							    names[i]);
			struct kobj *k = kstate_get(r->kv, TOPO_ROUTE, names[i]);
			struct kobj gone;

			if (!dels && o && want_route(r, t, want, o)) {
				sync_one(r, kstate_get(want, TOPO_ROUTE,
						       names[i]), k);
				continue;
			}
			if (!dels)
				continue;
			if (!o) {	/* deleted: off the skipped lists */
				memset(&gone, 0, sizeof(gone));
				gone.kind = TOPO_ROUTE;
				snprintf(gone.node, sizeof(gone.node), "%s",
					 names[i]);
				route_skipped(r, names[i], false);
				accepted(&gone);
			}
			if (k && !kstate_get(want, TOPO_ROUTE, names[i]))
				send_op(r, OP_DEL, k, NULL);
		}
	}
}

static int one_pass(struct reconciler *r, const struct topo *t, struct zk *z,
		    enum routes_mode mode, char **names, size_t n_names)
{
	struct kstate *want = kstate_new();
	bool routes = mode == ROUTES_ALL;
	int ret;

	if (!want)
		return -ENOMEM;
	stats.objs_skipped = 0;
	want_hosts(r, t, want);
	want_routers(t, want);
	want_ports(r, t, want);
	if (routes)
		want_routes(r, t, want);

	r->n_pend = 0;
	r->failed = false;
	r->sent = 0;
	if (!r->batch) {
		r->batch = mwnl_batch_new(r->nl);
		if (!r->batch) {
			kstate_free(want);
			return -errno;
		}
	}

	sync_kind(r, want, TOPO_HOST);
	sync_kind(r, want, TOPO_ROUTER);
	r->cascaded = false;
	sync_ports(r, want);
	/*
	 * A port created again took the routes via it with it: compare the
	 * routes even if only liveness changed.
	 */
	if (!routes && r->cascaded) {
		want_routes(r, t, want);
		routes = true;
	}
	if (routes) {
		sync_kind(r, want, TOPO_ROUTE);
		delete_stale(r, want, TOPO_ROUTE, z);
	} else if (mode == ROUTES_SOME) {
		sync_some_routes(r, t, want, names, n_names);
	}
	delete_stale(r, want, TOPO_PORT, z);
	delete_stale(r, want, TOPO_ROUTER, z);
	delete_stale(r, want, TOPO_HOST, z);

	ret = r->failed ? -EIO : mwnl_batch_flush(r->batch);
	if (ret || r->failed) {
		batch_failed(r);
		ret = -EAGAIN;
	}
	stats.applied += mwnl_batch_sent(r->batch) -
			 mwnl_batch_failed(r->batch);
	for (size_t i = 0; !ret && stats.n_rej && i < r->n_pend; i++)
		accepted(&r->pend[i].obj);
	mwnl_batch_free(r->batch);
	r->batch = NULL;

	/* Which local ports are up: publish them. */
	if (z && !ret) {
		size_t n;
		struct kobj **v = kstate_list(want, TOPO_PORT, &n);

		for (size_t i = 0; v && i < n; i++) {
			struct kobj *k = kstate_get(r->kv, TOPO_PORT,
						    v[i]->node);
			bool local = mwnl_uuid_eq(&v[i]->port.host,
						  &r->c->host_id);

			if (local)
				zk_set_active(z, &v[i]->id,
					      k && k->port.oper_up);
			else if (zk_is_active(z, &v[i]->id))
				zk_set_active(z, &v[i]->id, false);
		}
		free(v);
	}
	kstate_free(want);
	stats.objs_skipped += r->n_skipped_routes;
	return ret ? ret : (int)r->sent;
}

static int redump(struct reconciler *r, struct zk *z)
{
	struct kstate *k;
	int ret;

	/*
	 * Events queued now are older than the dump: applied after it, they
	 * would take the view back in time. Apply them first.
	 */
	reconcile_read_events(r, z);
	for (int tries = 0; tries < 5; tries++) {
		k = kstate_new();
		if (!k)
			return -ENOMEM;
		ret = kernel_dump(r->nl, k);
		if (!ret) {
			kstate_free(r->kv);
			r->kv = k;
			r->have_view = true;
			return 0;
		}
		kstate_free(k);
		if (ret != -EINTR)
			break;
		dbg("kernel: dump interrupted by a change; again");
	}
	err("kernel: cannot read its state: %s", mwnl_strerror(r->nl));
	return ret;
}

int reconcile(struct reconciler *r, struct topo *t, struct zk *z,
	      bool dump, unsigned int changed_kinds)
{
	const unsigned int deps = 1u << TOPO_ROUTER | 1u << TOPO_PORT;
	enum routes_mode mode = ROUTES_NONE;
	struct timespec t0, t1;
	int ret = 0, total = 0;
	size_t n_names;
	bool overflow;
	char **names;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	/* The view must include every change the kernel has told of. */
	if (reconcile_read_events(r, z))
		dump = true;
	names = topo_take_changed(t, TOPO_ROUTE, &n_names, &overflow);
	if (dump || !r->have_view || (changed_kinds & deps) || overflow ||
	    r->need_all)
		mode = ROUTES_ALL;
	else if (n_names)
		mode = ROUTES_SOME;
	for (int pass = 0; pass < PASSES_MAX; pass++) {
		if (dump || !r->have_view || pass) {
			ret = redump(r, z);
			if (ret)
				break;
		}
		ret = one_pass(r, t, z, pass ? ROUTES_ALL : mode, names,
			       n_names);
		if (ret >= 0) {
			total += ret;
			break;
		}
		if (ret != -EAGAIN)
			break;
	}
	for (size_t i = 0; i < n_names; i++)
		free(names[i]);
	free(names);
	/* The journal is spent: a pass that did not finish compares all. */
	r->need_all = ret < 0;
	if (ret < 0 && ret != -EAGAIN)
		return ret;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (ret >= 0) {
		stats.syncs++;
		stats.last_sync = time(NULL);
		stats.last_sync_ms = (t1.tv_sec - t0.tv_sec) * 1e3 +
				     (t1.tv_nsec - t0.tv_nsec) / 1e6;
		stats.sync_ms_total += stats.last_sync_ms;
		if (total)
			info("kernel: %d changes in %.1f ms", total,
			     stats.last_sync_ms);
	}
	return ret < 0 ? ret : total;
}

/*
 * A kernel PORT message (event). Events come in the kernel's order and each
 * carries the whole port, so applying all of them brings the view to the
 * kernel's state; what an event does not carry is the peer's side of
 * peering, which kv_port_new() and kv_unpeer() apply as for our own
 * requests. (Routes via a deleted port are left to the next dump: an
 * event does not say whether the delete cascaded.)
 */
static void port_event(struct reconciler *r, struct nlmsghdr *nlh,
		       struct zk *z)
{
	uint8_t cmd = mwnl_cmd(nlh);
	struct kobj o, *k;

	if (kernel_parse_port(nlh, &o))
		return;
	k = kstate_get(r->kv, TOPO_PORT, o.node);
	if (cmd == MIDWAY_CMD_PORT_DEL) {
		if (k)
			kstate_del(r->kv, TOPO_PORT, o.node);
		kv_unpeer(r, &o);
		return;
	}
	if (!k && cmd != MIDWAY_CMD_PORT_NEW)
		return;		/* not one of ours yet; the next dump has it */
	if (cmd == MIDWAY_CMD_PORT_NEW)
		kv_port_new(r, &o);
	else
		kstate_put(r->kv, &o);
	if (mwnl_uuid_eq(&o.port.host, &r->c->host_id))
		zk_set_active(z, &o.id, o.port.oper_up);
}

struct event_ctx {
	struct reconciler *r;
	struct zk *z;
};

static int on_event(struct nlmsghdr *nlh, void *arg)
{
	struct event_ctx *e = arg;

	switch (mwnl_cmd(nlh)) {
	case MIDWAY_CMD_PORT_NEW:
	case MIDWAY_CMD_PORT_SET:
	case MIDWAY_CMD_PORT_DEL:
	case MIDWAY_CMD_PORT_STATE:
		port_event(e->r, nlh, e->z);
		break;
	default:
		break;
	}
	return 0;
}

/*
 * Until the socket is empty (poll says so; one mwnl_recv reads one
 * datagram): a pass must not see half of what the kernel said. Past
 * EVENTS_MAX in one go, the view is read again instead.
 */
#define EVENTS_MAX	65536

bool reconcile_read_events(struct reconciler *r, struct zk *z)
{
	struct pollfd pf = { mwnl_fd(r->ev), POLLIN, 0 };
	struct event_ctx e = { r, z };
	bool lost = false;
	int i;

	for (i = 0; i < EVENTS_MAX; i++) {
		int ret;

		if (poll(&pf, 1, 0) <= 0 || !(pf.revents & POLLIN))
			break;
		ret = mwnl_recv(r->ev, on_event, &e);

		if (ret == -ENOBUFS) {
			stats.events_lost++;
			warn("kernel: events lost; reading the kernel again");
			lost = true;
			continue;
		}
		if (ret < 0)
			break;
	}
	return lost || i == EVENTS_MAX;
}

void reconcile_links_changed(struct reconciler *r)
{
	(void)r;	/* the next pass looks the interfaces up again */
}
