// SPDX-License-Identifier: GPL-2.0
/*
 * mwtopo port: create, set, delete, list; the checks and staging that
 * provider-router and tenant share.
 *
 * A new port takes the lowest free tunnel key: config/keys/<key> is created
 * in the same multi-op as the port, so of two writers that picked one key
 * only one succeeds; the other plans again and, from its second try on,
 * picks at random among the 64 lowest free keys so that a crowd of writers
 * does not keep colliding.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mwtopo.h"

#define KEY_MAX		0xffffff
#define KEY_SPREAD	64

void port_usage(void)
{
	fputs("Usage: mwtopo port create ROUTER kind { exterior | interior } [name NAME] [id UUID]\n"
	      "                  [addr A.B.C.D/LEN] [mac MAC] [peer PORT] [vlan N]\n"
	      "                  [admin up|down] [proxy-arp on|off]\n"
	      "       mwtopo port set PORT [name NAME] [addr A.B.C.D/LEN | addr none] [mac MAC]\n"
	      "                  [vlan N] [admin up|down] [proxy-arp on|off]\n"
	      "       mwtopo port delete PORT [cascade]\n"
	      "       mwtopo port bind PORT host HOST interface IFNAME\n"
	      "       mwtopo port unbind PORT\n"
	      "       mwtopo [-j] port list [router ROUTER]\n"
	      "PORT := { UUID | NAME | ROUTER/NAME }\n", stdout);
}

/* Keys -------------------------------------------------------------------- */

static int u32_cmp(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

int key_alloc(struct store *s, struct txn *tx, const struct mwnl_uuid *port,
	      uint32_t *key)
{
	size_t nk, np, n = 0, nfree = 0, j = 0;
	const struct topo_obj **keys = topo_list(s->t, TOPO_KEY, &nk);
	const struct topo_obj **ports = topo_list(s->t, TOPO_PORT, &np);
	uint32_t *used = malloc((nk + np + 1) * sizeof(*used));
	uint32_t cand[KEY_SPREAD];
	struct topo_obj k;

	if (!keys || !ports || !used)
		oom();
	for (size_t i = 0; i < nk; i++)
		used[n++] = keys[i]->key;
	for (size_t i = 0; i < np; i++)
		if (ports[i]->port.tunnel_key)
			used[n++] = ports[i]->port.tunnel_key;
	qsort(used, n, sizeof(*used), u32_cmp);
	for (uint32_t v = 1; v <= KEY_MAX && nfree < KEY_SPREAD; v++) {
		while (j < n && used[j] < v)
			j++;
		if (j < n && used[j] == v)
			continue;
		cand[nfree++] = v;
		if (!s->attempt)
			break;
	}
	free(keys);
	free(ports);
	free(used);
	if (!nfree)
		return fail("no tunnel key is free");
	*key = cand[s->attempt ? rand_u32() % nfree : 0];
	topo_obj_init(&k, TOPO_KEY);
	k.key = *key;
	snprintf(k.node, sizeof(k.node), "%u", *key);
	k.tkey.port = *port;
	return stage_create(s, tx, &k);
}

/* Checks ------------------------------------------------------------------ */

struct pcheck {
	const struct store	*s;
	const struct topo_obj	*o;
	int			ret;
};

static int check_sibling(const struct topo_obj *q, void *arg)
{
	struct pcheck *c = arg;
	const struct topo_port *p = &c->o->port;

	if (mwnl_uuid_eq(&q->id, &c->o->id) ||
	    !mwnl_uuid_eq(&q->port.router, &p->router))
		return 0;
	if (p->name[0] && !strcmp(q->port.name, p->name)) {
		c->ret = fail("router \"%s\" has a port named \"%s\" already: %s",
			      label(c->s, TOPO_ROUTER, &p->router), p->name,
			      q->node);
		return 1;
	}
	if (p->has_addr && q->port.has_addr &&
	    (prefix_contains(p->addr, p->prefixlen, q->port.addr,
			     q->port.prefixlen) ||
	     prefix_contains(q->port.addr, q->port.prefixlen, p->addr,
			     p->prefixlen))) {
		c->ret = fail("address %s overlaps port \"%s\"'s %s on the same router",
			      prefix_str(p->addr, p->prefixlen),
			      label(c->s, TOPO_PORT, &q->id),
			      prefix_str(q->port.addr, q->port.prefixlen));
		return 1;
	}
	return 0;
}

static int check_gateway(const struct topo_obj *r, void *arg)
{
	struct pcheck *c = arg;
	const struct topo_port *p = &c->o->port;

	if (r->route.type != MIDWAY_NH_PORT ||
	    !mwnl_uuid_eq(&r->route.port, &c->o->id) || !r->route.gateway)
		return 0;
	if (!p->has_addr ||
	    !prefix_contains(p->addr, p->prefixlen, r->route.gateway, 32) ||
	    r->route.gateway == p->addr) {
		c->ret = fail("route %s %s has gateway %s, which would not be on port \"%s\"'s subnet",
			      r->node, prefix_str(r->route.dst,
						  r->route.dst_len),
			      addr_str(r->route.gateway),
			      label(c->s, TOPO_PORT, &c->o->id));
		return 1;
	}
	return 0;
}

int port_validate(const struct store *s, const struct topo_obj *o)
{
	struct pcheck c = { .s = s, .o = o };
	char err[TOPO_ERR_MAX];

	if (!topo_get_id(s->t, TOPO_ROUTER, &o->port.router))
		return fail("router %s does not exist",
			    uuid_str(&o->port.router));
	if (o->port.kind == MIDWAY_PORT_KIND_INTERIOR && o->port.vlan)
		return fail("an interior port has no VLAN");
	if (o->port.kind == MIDWAY_PORT_KIND_INTERIOR &&
	    topo_get(s->t, TOPO_BINDING, o->node))
		return fail("an interior port is not bound to a host");
	topo_walk(s->t, TOPO_PORT, check_sibling, &c);
	if (!c.ret)
		topo_walk(s->t, TOPO_ROUTE, check_gateway, &c);
	if (!c.ret && !mwnl_uuid_is_zero(&o->port.peer) &&
	    topo_check(s->t, o, err))
		return fail("%s", err);
	return c.ret;
}

/* Staging ----------------------------------------------------------------- */

int port_add(struct store *s, struct txn *tx, struct topo_obj *o)
{
	struct topo_port *p = &o->port;
	const struct topo_obj *q;
	struct topo_obj peer;
	int ret;

	q = topo_get(s->t, TOPO_PORT, o->node);
	if (q)
		return fail("id %s is taken by port \"%s\" of router \"%s\"",
			    o->node, q->port.name,
			    label(s, TOPO_ROUTER, &q->port.router));
	if (!p->has_mac) {
		new_mac(p->mac);
		p->has_mac = true;
	}
	if (!mwnl_uuid_is_zero(&p->peer)) {
		q = topo_get_id(s->t, TOPO_PORT, &p->peer);
		if (!q)
			return fail("peer %s does not exist",
				    uuid_str(&p->peer));
		peer = *q;
		if (p->kind != MIDWAY_PORT_KIND_INTERIOR)
			return fail("only an interior port has a peer");
		if (peer.port.kind != MIDWAY_PORT_KIND_INTERIOR)
			return fail("peer \"%s\" is an exterior port",
				    label(s, TOPO_PORT, &peer.id));
		if (mwnl_uuid_eq(&peer.port.router, &p->router))
			return fail("peer \"%s\" is on the same router",
				    label(s, TOPO_PORT, &peer.id));
		if (!mwnl_uuid_is_zero(&peer.port.peer))
			return fail("peer \"%s\" is peered already, with port \"%s\" (%s)",
				    label(s, TOPO_PORT, &peer.id),
				    label(s, TOPO_PORT, &peer.port.peer),
				    uuid_str(&peer.port.peer));
		if (p->has_addr && peer.port.has_addr &&
		    (p->prefixlen != peer.port.prefixlen ||
		     !prefix_contains(p->addr, p->prefixlen, peer.port.addr,
				      32) || p->addr == peer.port.addr))
			return fail("address %s and peer \"%s\"'s %s are not two addresses of one subnet",
				    prefix_str(p->addr, p->prefixlen),
				    label(s, TOPO_PORT, &peer.id),
				    prefix_str(peer.port.addr,
					       peer.port.prefixlen));
		peer.port.peer = o->id;
	}
	ret = key_alloc(s, tx, &o->id, &p->tunnel_key) ?:
	      stage_create(s, tx, o);
	if (!ret && !mwnl_uuid_is_zero(&p->peer))
		ret = stage_update(s, tx, &peer);
	if (!ret)
		ret = port_validate(s, o);
	if (!ret)
		ret = stage_ref(s, tx, TOPO_ROUTER, uuid_str(&p->router));
	return ret;
}

static int remove_ref(const struct topo_obj *r, void *arg)
{
	const struct topo_obj *p = arg;

	return r->route.type == MIDWAY_NH_PORT &&
	       mwnl_uuid_eq(&r->route.port, &p->id);
}

int port_remove(struct store *s, struct txn *tx, const struct topo_obj *p)
{
	const struct topo_obj **routes, *q;
	char key[TOPO_NODE_MAX];
	struct topo_obj peer;
	size_t n;
	int ret = 0;

	routes = topo_list(s->t, TOPO_ROUTE, &n);
	if (!routes)
		oom();
	for (size_t i = 0; i < n && !ret; i++) {
		char node[TOPO_NODE_MAX];

		if (!remove_ref(routes[i], (void *)p))
			continue;
		strcpy(node, routes[i]->node);
		ret = stage_delete(s, tx, TOPO_ROUTE, node);
	}
	free(routes);
	if (ret)
		return ret;
	if (topo_get(s->t, TOPO_BINDING, p->node))
		ret = stage_delete(s, tx, TOPO_BINDING, p->node);
	snprintf(key, sizeof(key), "%u", p->port.tunnel_key);
	q = topo_get(s->t, TOPO_KEY, key);
	if (!ret && q && mwnl_uuid_eq(&q->tkey.port, &p->id))
		ret = stage_delete(s, tx, TOPO_KEY, key);
	q = topo_get_id(s->t, TOPO_PORT, &p->port.peer);
	if (!ret && q && mwnl_uuid_eq(&q->port.peer, &p->id)) {
		peer = *q;
		memset(&peer.port.peer, 0, sizeof(peer.port.peer));
		ret = stage_update(s, tx, &peer);
	}
	if (!ret)
		ret = stage_delete(s, tx, TOPO_PORT, p->node);
	return ret;
}

void port_refs(const struct store *s, const struct topo_obj *p, char *buf,
	       size_t size)
{
	const struct topo_obj **routes, *b, *q;
	size_t n, len, cnt = 0;

	buf[0] = '\0';
	routes = topo_list(s->t, TOPO_ROUTE, &n);
	if (!routes)
		oom();
	for (size_t i = 0; i < n; i++) {
		if (!remove_ref(routes[i], (void *)p))
			continue;
		len = strlen(buf);
		if (cnt++ < 6)
			snprintf(buf + len, size - len, "%sroute %s (%s)",
				 len ? ", " : "",
				 prefix_str(routes[i]->route.dst,
					    routes[i]->route.dst_len),
				 routes[i]->node);
		else if (cnt == 7)
			snprintf(buf + len, size - len, ", ...");
	}
	free(routes);
	b = topo_get(s->t, TOPO_BINDING, p->node);
	if (b) {
		len = strlen(buf);
		snprintf(buf + len, size - len, "%sits binding to host \"%s\" interface %s",
			 len ? ", " : "", label(s, TOPO_HOST, &b->binding.host),
			 b->binding.ifname);
	}
	q = topo_get_id(s->t, TOPO_PORT, &p->port.peer);
	if (q && mwnl_uuid_eq(&q->port.peer, &p->id)) {
		len = strlen(buf);
		snprintf(buf + len, size - len, "%sits peer port \"%s\" (%s)",
			 len ? ", " : "", label(s, TOPO_PORT, &q->id), q->node);
	}
}

struct bound {
	const struct mwnl_uuid	*host;
	const char		*ifname;
	const struct topo_obj	*hit;
};

static int find_bound(const struct topo_obj *b, void *arg)
{
	struct bound *f = arg;

	if (mwnl_uuid_eq(&b->binding.host, f->host) &&
	    !strcmp(b->binding.ifname, f->ifname)) {
		f->hit = b;
		return 1;
	}
	return 0;
}

int bind_add(struct store *s, struct txn *tx, const struct topo_obj *port,
	     const struct topo_obj *host, const char *ifname)
{
	const struct topo_obj *b = topo_get(s->t, TOPO_BINDING, port->node);
	struct bound f = { .host = &host->id, .ifname = ifname };
	struct topo_obj o;

	if (port->port.kind != MIDWAY_PORT_KIND_EXTERIOR)
		return fail("port \"%s\" is an interior port: only exterior ports are bound",
			    label(s, TOPO_PORT, &port->id));
	if (b)
		return fail("port \"%s\" is bound already, to host \"%s\" interface %s (unbind it first)",
			    label(s, TOPO_PORT, &port->id),
			    label(s, TOPO_HOST, &b->binding.host),
			    b->binding.ifname);
	topo_walk(s->t, TOPO_BINDING, find_bound, &f);
	if (f.hit)
		return fail("host \"%s\" interface %s is bound already, to port \"%s\" (%s)",
			    label(s, TOPO_HOST, &host->id), ifname,
			    label(s, TOPO_PORT, &f.hit->id), f.hit->node);
	obj_new(&o, TOPO_BINDING, &port->id);
	o.binding.host = host->id;
	snprintf(o.binding.ifname, sizeof(o.binding.ifname), "%s", ifname);
	return stage_create(s, tx, &o) ?:
	       stage_ref(s, tx, TOPO_PORT, port->node) ?:
	       stage_ref(s, tx, host->kind, host->node);
}

/* Commands ---------------------------------------------------------------- */

struct port_args {
	const char		*cmd;
	const char		*which;		/* the router (create), port */
	const char		*name;
	bool			have_id;
	struct mwnl_uuid	given;
	int			kind;		/* -1: not given */
	int			addr;		/* -1 unchanged, 0 none, 1 set */
	uint32_t		a;
	uint8_t			plen;
	bool			have_mac;
	uint8_t			mac[6];
	const char		*peer;
	int			vlan;		/* -1: unchanged */
	int			admin;
	int			proxy_arp;
	bool			cascade;
	const char		*host;		/* bind */
	const char		*ifname;
	struct mwnl_uuid	id;		/* result */
};

static void apply(const struct port_args *a, struct topo_obj *o)
{
	struct topo_port *p = &o->port;

	if (a->name)
		snprintf(p->name, sizeof(p->name), "%s", a->name);
	if (a->kind >= 0)
		p->kind = a->kind;
	if (a->addr >= 0) {
		p->has_addr = a->addr;
		p->addr = a->addr ? a->a : 0;
		p->prefixlen = a->addr ? a->plen : 0;
	}
	if (a->have_mac) {
		memcpy(p->mac, a->mac, 6);
		p->has_mac = true;
	}
	if (a->vlan >= 0)
		p->vlan = a->vlan;
	if (a->admin >= 0)
		p->admin_up = a->admin;
	if (a->proxy_arp >= 0)
		p->proxy_arp = a->proxy_arp;
}

static int plan_create(struct store *s, struct txn *tx, void *arg)
{
	struct port_args *a = arg;
	const struct topo_obj *r = resolve(s, TOPO_ROUTER, a->which, NULL);
	const struct topo_obj *peer;
	struct topo_obj o;

	if (!r)
		return -1;
	if (new_id(a->have_id ? &a->given : NULL, &a->id))
		return -1;
	obj_new(&o, TOPO_PORT, &a->id);
	o.port.router = r->id;
	apply(a, &o);
	if (a->peer) {
		peer = resolve(s, TOPO_PORT, a->peer, NULL);
		if (!peer)
			return -1;
		o.port.peer = peer->id;
	}
	return port_add(s, tx, &o);
}

static void done_show(struct store *s, void *arg)
{
	const struct topo_obj *o = topo_get_id(s->t, TOPO_PORT,
					       &((struct port_args *)arg)->id);

	if (!o)
		return;
	if (opt.json)
		json_print(json_port(s, o));
	else
		print_port(s, o, "");
}

static int plan_set(struct store *s, struct txn *tx, void *arg)
{
	struct port_args *a = arg;
	const struct topo_obj *p = resolve(s, TOPO_PORT, a->which, NULL);
	struct topo_obj o;

	if (!p)
		return -1;
	o = *p;
	a->id = o.id;
	if (a->vlan > 0 && o.port.kind == MIDWAY_PORT_KIND_INTERIOR)
		return fail("port \"%s\" is an interior port: no VLAN",
			    label(s, TOPO_PORT, &o.id));
	apply(a, &o);
	/* A new name or address is checked against the router's other ports. */
	return port_validate(s, &o) ?: stage_update(s, tx, &o) ?:
	       (a->name || a->addr > 0 ?
		stage_ref(s, tx, TOPO_ROUTER, uuid_str(&o.port.router)) : 0);
}

static int plan_delete(struct store *s, struct txn *tx, void *arg)
{
	struct port_args *a = arg;
	const struct topo_obj *p = resolve(s, TOPO_PORT, a->which, NULL);
	struct topo_obj o;
	char refs[1024];

	if (!p)
		return -1;
	o = *p;
	a->id = o.id;
	port_refs(s, &o, refs, sizeof(refs));
	if (refs[0] && !a->cascade)
		return fail("port \"%s\" is referred to by %s (remove them, or \"cascade\")",
			    label(s, TOPO_PORT, &o.id), refs);
	return port_remove(s, tx, &o);
}

static void done_delete(struct store *s, void *arg)
{
	print_done("port", "deleted", uuid_str(&((struct port_args *)arg)->id));
}

static int plan_bind(struct store *s, struct txn *tx, void *arg)
{
	struct port_args *a = arg;
	const struct topo_obj *p = resolve(s, TOPO_PORT, a->which, NULL);
	const struct topo_obj *h;

	if (!p)
		return -1;
	a->id = p->id;
	h = resolve(s, TOPO_HOST, a->host, NULL);
	if (!h)
		return -1;
	return bind_add(s, tx, p, h, a->ifname);
}

static int plan_unbind(struct store *s, struct txn *tx, void *arg)
{
	struct port_args *a = arg;
	const struct topo_obj *p = resolve(s, TOPO_PORT, a->which, NULL);

	if (!p)
		return -1;
	a->id = p->id;
	if (!topo_get(s->t, TOPO_BINDING, p->node))
		return fail("port \"%s\" is not bound",
			    label(s, TOPO_PORT, &p->id));
	return stage_delete(s, tx, TOPO_BINDING, p->node);
}

static void done_unbind(struct store *s, void *arg)
{
	print_done("port", "unbound", uuid_str(&((struct port_args *)arg)->id));
}

static int port_list(struct store *s, void *arg)
{
	const char *router = arg;
	const struct topo_obj **list, *r = NULL;
	cJSON *arr = opt.json ? jcheck(cJSON_CreateArray()) : NULL;
	size_t n;

	if (router) {
		r = resolve(s, TOPO_ROUTER, router, NULL);
		if (!r) {
			cJSON_Delete(arr);
			return -1;
		}
	}
	list = sorted_list(s, TOPO_PORT, &n);
	for (size_t i = 0; i < n; i++) {
		if (r && !mwnl_uuid_eq(&list[i]->port.router, &r->id))
			continue;
		if (arr)
			cJSON_AddItemToArray(arr, json_port(s, list[i]));
		else
			print_port(s, list[i], "");
	}
	if (arr)
		json_print(arr);
	free(list);
	return 0;
}

static int parse_opts(struct cmdline *c, struct port_args *a)
{
	bool create = is(a->cmd, "create"), set = is(a->cmd, "set");
	const char *arg, *v = NULL;
	uint32_t u;
	bool b;

	while ((arg = cl_next(c))) {
		if (!is(arg, "cascade")) {
			v = cl_value(c, arg);
			if (!v)
				return ERR_USAGE;
		}
		if (create && is(arg, "id")) {
			if (parse_uuid("id", v, &a->given))
				return ERR_USAGE;
			a->have_id = true;
		} else if (create && is(arg, "kind")) {
			if (is(v, "exterior"))
				a->kind = MIDWAY_PORT_KIND_EXTERIOR;
			else if (is(v, "interior"))
				a->kind = MIDWAY_PORT_KIND_INTERIOR;
			else
				return usage_err("invalid kind \"%s\" (exterior or interior)",
						 v);
		} else if (create && is(arg, "peer")) {
			a->peer = v;
		} else if ((create || set) && is(arg, "name")) {
			if (parse_name("name", v, &a->name))
				return ERR_USAGE;
		} else if ((create || set) && is(arg, "addr")) {
			if (set && is(v, "none")) {
				a->addr = 0;
				continue;
			}
			if (parse_ifaddr("addr", v, &a->a, &a->plen))
				return ERR_USAGE;
			a->addr = 1;
		} else if ((create || set) && is(arg, "mac")) {
			if (parse_mac("mac", v, a->mac))
				return ERR_USAGE;
			a->have_mac = true;
		} else if ((create || set) && is(arg, "vlan")) {
			if (parse_u32("vlan", v, 0, 4094, &u))
				return ERR_USAGE;
			a->vlan = u;
		} else if ((create || set) && is(arg, "admin")) {
			if (parse_updown("admin", v, &b))
				return ERR_USAGE;
			a->admin = b;
		} else if ((create || set) && is(arg, "proxy-arp")) {
			if (parse_onoff("proxy-arp", v, &b))
				return ERR_USAGE;
			a->proxy_arp = b;
		} else if (is(a->cmd, "delete") && is(arg, "cascade")) {
			a->cascade = true;
		} else if (is(a->cmd, "bind") && is(arg, "host")) {
			a->host = v;
		} else if (is(a->cmd, "bind") && is(arg, "interface")) {
			if (parse_ifname("interface", v, &a->ifname))
				return ERR_USAGE;
		} else {
			return bad_arg(c, arg);
		}
	}
	return 0;
}

int do_port(struct cmdline *c)
{
	struct port_args a = { .kind = -1, .addr = -1, .vlan = -1,
			       .admin = -1, .proxy_arp = -1 };
	const char *cmd = cl_next(c), *arg;
	int ret;

	if (!cmd || is(cmd, "help")) {
		port_usage();
		return cmd ? 0 : ERR_USAGE;
	}
	a.cmd = cmd;
	if (is(cmd, "list") || is(cmd, "show")) {
		const char *router = NULL;

		while ((arg = cl_next(c))) {
			if (!is(arg, "router"))
				return bad_arg(c, arg);
			router = cl_value(c, "router");
			if (!router)
				return ERR_USAGE;
		}
		return run_show(port_list, (void *)router);
	}
	if (!is(cmd, "create") && !is(cmd, "set") && !is(cmd, "delete") &&
	    !is(cmd, "bind") && !is(cmd, "unbind"))
		return bad_cmd(c, cmd);
	a.which = cl_next(c);
	if (!a.which)
		return usage_err("port %s: which %s?", cmd,
				 is(cmd, "create") ? "router" : "port");
	ret = parse_opts(c, &a);
	if (ret)
		return ret;
	if (is(cmd, "create")) {
		if (a.kind < 0)
			return usage_err("port create: \"kind exterior\" or \"kind interior\" is missing");
		if (a.kind == MIDWAY_PORT_KIND_INTERIOR && a.vlan > 0)
			return usage_err("an interior port has no VLAN");
		if (a.kind == MIDWAY_PORT_KIND_EXTERIOR && a.peer)
			return usage_err("only an interior port has a peer");
		return run_cmd(plan_create, done_show, &a);
	}
	if (is(cmd, "set"))
		return run_cmd(plan_set, done_show, &a);
	if (is(cmd, "delete"))
		return run_cmd(plan_delete, done_delete, &a);
	if (is(cmd, "bind")) {
		if (!a.host || !a.ifname)
			return usage_err("port bind: \"host HOST\" and \"interface IFNAME\" are needed");
		return run_cmd(plan_bind, done_show, &a);
	}
	return run_cmd(plan_unbind, done_unbind, &a);
}
