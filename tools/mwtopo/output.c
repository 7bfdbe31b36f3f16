// SPDX-License-Identifier: GPL-2.0
/*
 * mwtopo: objects as text lines (the words "create" takes, so that a line
 * reads like the command that made it) or as JSON objects (cJSON, one
 * document per command, printed on one line).
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mwtopo.h"

cJSON *jcheck(cJSON *j)
{
	if (!j)
		oom();
	return j;
}

void json_print(cJSON *j)
{
	char *s = cJSON_PrintUnformatted(j);

	if (!s)
		oom();
	puts(s);
	free(s);
	cJSON_Delete(j);
}

static void jstr(cJSON *o, const char *k, const char *v)
{
	jcheck(cJSON_AddStringToObject(o, k, v));
}

static void jnum(cJSON *o, const char *k, double v)
{
	jcheck(cJSON_AddNumberToObject(o, k, v));
}

static void jbool(cJSON *o, const char *k, bool v)
{
	jcheck(cJSON_AddBoolToObject(o, k, v));
}

static void jnull(cJSON *o, const char *k)
{
	jcheck(cJSON_AddNullToObject(o, k));
}

bool route_used(const struct store *s, const struct topo_obj *o)
{
	const struct topo_obj *r = topo_get_id(s->t, TOPO_ROUTER,
					       &o->route.router);
	const struct topo_obj *p;

	if (!r || !r->router.admin_up)
		return false;
	if (o->route.type != MIDWAY_NH_PORT)
		return true;
	p = topo_get_id(s->t, TOPO_PORT, &o->route.port);
	return p && topo_port_usable(s->t, p);
}

struct count {
	const struct mwnl_uuid	*router;
	size_t			n;
};

static int count_one(const struct topo_obj *o, void *arg)
{
	struct count *c = arg;

	if (mwnl_uuid_eq(o->kind == TOPO_PORT ? &o->port.router :
			 &o->route.router, c->router))
		c->n++;
	return 0;
}

/* The ports or routes of @router. */
static size_t count_of(const struct store *s, enum topo_kind kind,
		       const struct mwnl_uuid *router)
{
	struct count c = { .router = router };

	topo_walk(s->t, kind, count_one, &c);
	return c.n;
}

cJSON *json_router(const struct store *s, const struct topo_obj *o)
{
	cJSON *j = jcheck(cJSON_CreateObject());

	jstr(j, "id", o->node);
	jstr(j, "name", o->router.name);
	jbool(j, "admin_up", o->router.admin_up);
	jnum(j, "n_ports", count_of(s, TOPO_PORT, &o->id));
	jnum(j, "n_routes", count_of(s, TOPO_ROUTE, &o->id));
	return j;
}

void print_router(const struct store *s, const struct topo_obj *o,
		  const char *indent)
{
	printf("%srouter %s id %s admin %s ports %zu routes %zu\n", indent,
	       o->router.name[0] ? o->router.name : "-", o->node,
	       o->router.admin_up ? "up" : "down",
	       count_of(s, TOPO_PORT, &o->id), count_of(s, TOPO_ROUTE, &o->id));
}

cJSON *json_port(const struct store *s, const struct topo_obj *o)
{
	const struct topo_port *p = &o->port;
	const struct topo_obj *b = topo_get(s->t, TOPO_BINDING, o->node);
	cJSON *j = jcheck(cJSON_CreateObject()), *bj;
	char mac[MWNL_MAC_STRLEN];
	struct mwnl_uuid host;

	jstr(j, "id", o->node);
	jstr(j, "name", p->name);
	jstr(j, "router", uuid_str(&p->router));
	jstr(j, "router_name", label(s, TOPO_ROUTER, &p->router));
	jstr(j, "kind", topo_port_kind_str(p->kind));
	if (p->has_addr)
		jstr(j, "addr", prefix_str(p->addr, p->prefixlen));
	else
		jnull(j, "addr");
	if (p->has_mac)
		jstr(j, "mac", mwnl_mac_fmt(p->mac, mac));
	else
		jnull(j, "mac");
	jnum(j, "tunnel_key", p->tunnel_key);
	if (!mwnl_uuid_is_zero(&p->peer)) {
		jstr(j, "peer", uuid_str(&p->peer));
		jstr(j, "peer_name", label(s, TOPO_PORT, &p->peer));
	} else {
		jnull(j, "peer");
	}
	jbool(j, "admin_up", p->admin_up);
	jnum(j, "vlan", p->vlan);
	jbool(j, "proxy_arp", p->proxy_arp);
	if (b) {
		bj = jcheck(cJSON_AddObjectToObject(j, "binding"));
		jstr(bj, "host", uuid_str(&b->binding.host));
		jstr(bj, "host_name", label(s, TOPO_HOST, &b->binding.host));
		jstr(bj, "interface", b->binding.ifname);
	} else {
		jnull(j, "binding");
	}
	if (topo_port_active(s->t, &o->id, &host))
		jstr(j, "active_on", uuid_str(&host));
	else
		jnull(j, "active_on");
	jbool(j, "usable", topo_port_usable(s->t, o));
	return j;
}

void print_port(const struct store *s, const struct topo_obj *o,
		const char *indent)
{
	const struct topo_port *p = &o->port;
	const struct topo_obj *b = topo_get(s->t, TOPO_BINDING, o->node);
	char mac[MWNL_MAC_STRLEN];
	struct mwnl_uuid host;

	printf("%sport %s id %s router %s kind %s", indent,
	       p->name[0] ? p->name : "-", o->node,
	       label(s, TOPO_ROUTER, &p->router), topo_port_kind_str(p->kind));
	if (p->has_addr)
		printf(" addr %s", prefix_str(p->addr, p->prefixlen));
	if (p->has_mac)
		printf(" mac %s", mwnl_mac_fmt(p->mac, mac));
	if (p->tunnel_key)
		printf(" key %u", p->tunnel_key);
	if (!mwnl_uuid_is_zero(&p->peer))
		printf(" peer %s", label(s, TOPO_PORT, &p->peer));
	if (p->vlan)
		printf(" vlan %u", p->vlan);
	printf(" admin %s", p->admin_up ? "up" : "down");
	if (p->proxy_arp)
		printf(" proxy-arp on");
	if (b)
		printf(" bound %s:%s", label(s, TOPO_HOST, &b->binding.host),
		       b->binding.ifname);
	if (topo_port_active(s->t, &o->id, &host))
		printf(" active %s", label(s, TOPO_HOST, &host));
	printf(" %s\n", topo_port_usable(s->t, o) ? "usable" : "unusable");
}

cJSON *json_route(const struct store *s, const struct topo_obj *o)
{
	const struct topo_route *r = &o->route;
	cJSON *j = jcheck(cJSON_CreateObject());

	jstr(j, "id", o->node);
	jstr(j, "router", uuid_str(&r->router));
	jstr(j, "router_name", label(s, TOPO_ROUTER, &r->router));
	jstr(j, "dst", prefix_str(r->dst, r->dst_len));
	if (r->src_len)
		jstr(j, "src", prefix_str(r->src, r->src_len));
	else
		jnull(j, "src");
	jstr(j, "type", topo_nh_str(r->type));
	if (r->type == MIDWAY_NH_PORT) {
		jstr(j, "port", uuid_str(&r->port));
		jstr(j, "port_name", label(s, TOPO_PORT, &r->port));
	} else {
		jnull(j, "port");
	}
	if (r->gateway)
		jstr(j, "gateway", addr_str(r->gateway));
	else
		jnull(j, "gateway");
	jnum(j, "weight", r->weight);
	jbool(j, "used", route_used(s, o));
	return j;
}

void print_route(const struct store *s, const struct topo_obj *o,
		 const char *indent)
{
	const struct topo_route *r = &o->route;

	printf("%sroute %s id %s router %s", indent,
	       prefix_str(r->dst, r->dst_len), o->node,
	       label(s, TOPO_ROUTER, &r->router));
	if (r->src_len)
		printf(" src %s", prefix_str(r->src, r->src_len));
	if (r->type == MIDWAY_NH_PORT) {
		printf(" via %s", label(s, TOPO_PORT, &r->port));
		if (r->gateway)
			printf(" gw %s", addr_str(r->gateway));
	} else {
		printf(" %s", topo_nh_str(r->type));
	}
	printf(" weight %u %s\n", r->weight,
	       route_used(s, o) ? "used" : "unused");
}

static int id_cmp(const void *a, const void *b)
{
	return memcmp(a, b, sizeof(struct mwnl_uuid));
}

struct mwnl_uuid *host_ids(const struct store *s, size_t *n)
{
	size_t nc, na, k = 0;
	const struct topo_obj **c = topo_list(s->t, TOPO_HOST, &nc);
	const struct topo_obj **a = topo_list(s->t, TOPO_ALIVE, &na);
	struct mwnl_uuid *ids = malloc((nc + na + 1) * sizeof(*ids));

	if (!c || !a || !ids)
		oom();
	for (size_t i = 0; i < nc; i++)
		ids[k++] = c[i]->id;
	for (size_t i = 0; i < na; i++)
		if (!topo_get_id(s->t, TOPO_HOST, &a[i]->id))
			ids[k++] = a[i]->id;
	qsort(ids, k, sizeof(*ids), id_cmp);
	free(c);
	free(a);
	*n = k;
	return ids;
}

cJSON *json_host(const struct store *s, const struct mwnl_uuid *id)
{
	const struct topo_obj *c = topo_get_id(s->t, TOPO_HOST, id);
	const struct topo_obj *a = topo_get_id(s->t, TOPO_ALIVE, id);
	cJSON *j = jcheck(cJSON_CreateObject());

	jstr(j, "id", uuid_str(id));
	jstr(j, "name", c ? c->host.name : a->host.name);
	jbool(j, "configured", c);
	jbool(j, "alive", a);
	if (a)
		jstr(j, "addr", addr_str(a->host.addr));
	else
		jnull(j, "addr");
	return j;
}

void print_host(const struct store *s, const struct mwnl_uuid *id)
{
	const struct topo_obj *c = topo_get_id(s->t, TOPO_HOST, id);
	const struct topo_obj *a = topo_get_id(s->t, TOPO_ALIVE, id);
	const char *name = c ? c->host.name : a->host.name;

	printf("host %s id %s %s", name[0] ? name : "-", uuid_str(id),
	       c ? "configured" : "unconfigured");
	if (a)
		printf(" alive addr %s\n", addr_str(a->host.addr));
	else
		printf(" dead\n");
}

/* Sorting for people: by router name, then name (ports) or prefix (routes). */
static const struct store *sort_store;

static int name_cmp(const struct topo_obj *a, const struct topo_obj *b)
{
	int d = strcmp(obj_name(a), obj_name(b));

	return d ?: strcmp(a->node, b->node);
}

static int obj_cmp(const void *x, const void *y)
{
	const struct topo_obj *a = *(const struct topo_obj *const *)x;
	const struct topo_obj *b = *(const struct topo_obj *const *)y;
	const struct store *s = sort_store;
	int d;

	switch (a->kind) {
	case TOPO_PORT:
		d = strcmp(label(s, TOPO_ROUTER, &a->port.router),
			   label(s, TOPO_ROUTER, &b->port.router));
		return d ?: name_cmp(a, b);
	case TOPO_ROUTE:
		d = strcmp(label(s, TOPO_ROUTER, &a->route.router),
			   label(s, TOPO_ROUTER, &b->route.router));
		if (d)
			return d;
		if (a->route.dst != b->route.dst)
			return ntohl(a->route.dst) < ntohl(b->route.dst) ? -1 : 1;
		if (a->route.dst_len != b->route.dst_len)
			return a->route.dst_len < b->route.dst_len ? -1 : 1;
		d = strcmp(label(s, TOPO_PORT, &a->route.port),
			   label(s, TOPO_PORT, &b->route.port));
		return d ?: strcmp(a->node, b->node);
	case TOPO_KEY:
		return a->key < b->key ? -1 : a->key > b->key;
	default:
		return name_cmp(a, b);
	}
}

const struct topo_obj **sorted_list(const struct store *s,
				    enum topo_kind kind, size_t *n)
{
	const struct topo_obj **v = topo_list(s->t, kind, n);

	if (!v)
		oom();
	sort_store = s;
	qsort(v, *n, sizeof(*v), obj_cmp);
	return v;
}

void print_done(const char *object, const char *verb, const char *id)
{
	cJSON *j;

	if (!opt.json) {
		printf("%s %s %s\n", object, id, verb);
		return;
	}
	j = jcheck(cJSON_CreateObject());
	jstr(j, "object", object);
	jstr(j, "id", id);
	jstr(j, "done", verb);
	json_print(j);
}
