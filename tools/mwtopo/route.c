// SPDX-License-Identifier: GPL-2.0
/*
 * mwtopo route: create, delete, list. Routes have no name: they are named
 * by their id, which create prints.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mwtopo.h"

void route_usage(void)
{
	fputs("Usage: mwtopo route create ROUTER dst PREFIX [src PREFIX]\n"
	      "                  { via PORT [gw A.B.C.D] | blackhole | reject | local }\n"
	      "                  [weight N] [id UUID]\n"
	      "       mwtopo route delete ROUTE\n"
	      "       mwtopo [-j] route list [router ROUTER]\n"
	      "PREFIX := { A.B.C.D/LEN | default }   ROUTE := UUID\n", stdout);
}

struct same {
	const struct topo_obj	*o;
	const struct topo_obj	*hit;
};

static int find_same(const struct topo_obj *r, void *arg)
{
	struct same *f = arg;
	const struct topo_route *a = &r->route, *b = &f->o->route;

	if (mwnl_uuid_eq(&a->router, &b->router) && a->dst == b->dst &&
	    a->dst_len == b->dst_len && a->src == b->src &&
	    a->src_len == b->src_len && a->type == b->type &&
	    mwnl_uuid_eq(&a->port, &b->port) && a->gateway == b->gateway) {
		f->hit = r;
		return 1;
	}
	return 0;
}

int route_add(struct store *s, struct txn *tx, struct topo_obj *o)
{
	const struct topo_route *r = &o->route;
	struct same f = { .o = o };
	const struct topo_obj *p;
	char err[TOPO_ERR_MAX];

	if (topo_get(s->t, TOPO_ROUTE, o->node))
		return fail("id %s is taken by another route", o->node);
	if (topo_check(s->t, o, err))
		return fail("%s", err);
	if (r->type == MIDWAY_NH_PORT && r->gateway) {
		p = topo_get_id(s->t, TOPO_PORT, &r->port);
		if (!p->port.has_addr)
			return fail("port \"%s\" has no address: gateway %s is on no subnet of it",
				    label(s, TOPO_PORT, &p->id),
				    addr_str(r->gateway));
		if (!prefix_contains(p->port.addr, p->port.prefixlen,
				     r->gateway, 32))
			return fail("gateway %s is not on port \"%s\"'s subnet %s",
				    addr_str(r->gateway),
				    label(s, TOPO_PORT, &p->id),
				    prefix_str(htonl(ntohl(p->port.addr) &
						     prefix_mask(p->port.prefixlen)),
					       p->port.prefixlen));
		if (r->gateway == p->port.addr)
			return fail("gateway %s is port \"%s\"'s own address",
				    addr_str(r->gateway),
				    label(s, TOPO_PORT, &p->id));
	}
	topo_walk(s->t, TOPO_ROUTE, find_same, &f);
	if (f.hit)
		return fail("router \"%s\" has this route already: %s",
			    label(s, TOPO_ROUTER, &r->router), f.hit->node);
	return stage_create(s, tx, o) ?:
	       stage_ref(s, tx, TOPO_ROUTER, uuid_str(&r->router)) ?:
	       (r->type == MIDWAY_NH_PORT ?
		stage_ref(s, tx, TOPO_PORT, uuid_str(&r->port)) : 0);
}

struct route_args {
	const char		*router;
	const char		*route;		/* delete */
	bool			have_id;
	struct mwnl_uuid	given;
	struct topo_route	r;
	const char		*via;
	struct mwnl_uuid	id;		/* result */
};

static int plan_create(struct store *s, struct txn *tx, void *arg)
{
	struct route_args *a = arg;
	const struct topo_obj *router, *p;
	struct topo_obj o;

	router = resolve(s, TOPO_ROUTER, a->router, NULL);
	if (!router)
		return -1;
	if (new_id(a->have_id ? &a->given : NULL, &a->id))
		return -1;
	obj_new(&o, TOPO_ROUTE, &a->id);
	o.route = a->r;
	o.route.router = router->id;
	if (a->via) {
		p = resolve(s, TOPO_PORT, a->via, &router->id);
		if (!p)
			return -1;
		o.route.port = p->id;
	}
	return route_add(s, tx, &o);
}

static void done_show(struct store *s, void *arg)
{
	const struct topo_obj *o = topo_get_id(s->t, TOPO_ROUTE,
					       &((struct route_args *)arg)->id);

	if (!o)
		return;
	if (opt.json)
		json_print(json_route(s, o));
	else
		print_route(s, o, "");
}

static int plan_delete(struct store *s, struct txn *tx, void *arg)
{
	struct route_args *a = arg;
	const struct topo_obj *o = resolve(s, TOPO_ROUTE, a->route, NULL);

	if (!o)
		return -1;
	a->id = o->id;
	return stage_delete(s, tx, TOPO_ROUTE, uuid_str(&a->id));
}

static void done_delete(struct store *s, void *arg)
{
	print_done("route", "deleted", uuid_str(&((struct route_args *)arg)->id));
}

static int route_list(struct store *s, void *arg)
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
	list = sorted_list(s, TOPO_ROUTE, &n);
	for (size_t i = 0; i < n; i++) {
		if (r && !mwnl_uuid_eq(&list[i]->route.router, &r->id))
			continue;
		if (arr)
			cJSON_AddItemToArray(arr, json_route(s, list[i]));
		else
			print_route(s, list[i], "");
	}
	if (arr)
		json_print(arr);
	free(list);
	return 0;
}

static int parse_create(struct cmdline *c, struct route_args *a)
{
	const char *arg, *v;
	bool dst = false, nh = false;
	uint32_t u;

	a->r.weight = TOPO_WEIGHT_DEFAULT;
	while ((arg = cl_next(c))) {
		uint8_t type;

		if (!topo_nh_parse(arg, &type) && type != MIDWAY_NH_PORT) {
			if (nh)
				return usage_err("\"%s\": the route's next hop is given already",
						 arg);
			a->r.type = type;
			nh = true;
			continue;
		}
		v = cl_value(c, arg);
		if (!v)
			return ERR_USAGE;
		if (is(arg, "dst")) {
			if (parse_prefix("dst", v, &a->r.dst, &a->r.dst_len))
				return ERR_USAGE;
			dst = true;
		} else if (is(arg, "src")) {
			if (parse_prefix("src", v, &a->r.src, &a->r.src_len))
				return ERR_USAGE;
		} else if (is(arg, "via")) {
			if (nh)
				return usage_err("\"via\": the route's next hop is given already");
			a->r.type = MIDWAY_NH_PORT;
			a->via = v;
			nh = true;
		} else if (is(arg, "gw") || is(arg, "gateway")) {
			if (parse_addr("gw", v, &a->r.gateway))
				return ERR_USAGE;
			if (!a->r.gateway)
				return usage_err("invalid gw \"%s\"", v);
		} else if (is(arg, "weight")) {
			if (parse_u32("weight", v, 1, 65535, &u))
				return ERR_USAGE;
			a->r.weight = u;
		} else if (is(arg, "id")) {
			if (parse_uuid("id", v, &a->given))
				return ERR_USAGE;
			a->have_id = true;
		} else {
			return bad_arg(c, arg);
		}
	}
	if (!dst)
		return usage_err("route create: \"dst PREFIX\" is missing");
	if (!nh)
		return usage_err("route create: \"via PORT\", \"blackhole\", \"reject\" or \"local\" is missing");
	if (a->r.gateway && a->r.type != MIDWAY_NH_PORT)
		return usage_err("a %s route has no gateway",
				 topo_nh_str(a->r.type));
	return 0;
}

int do_route(struct cmdline *c)
{
	struct route_args a = { 0 };
	const char *cmd = cl_next(c), *arg;
	int ret;

	if (!cmd || is(cmd, "help")) {
		route_usage();
		return cmd ? 0 : ERR_USAGE;
	}
	if (is(cmd, "list") || is(cmd, "show")) {
		const char *router = NULL;

		while ((arg = cl_next(c))) {
			if (!is(arg, "router"))
				return bad_arg(c, arg);
			router = cl_value(c, "router");
			if (!router)
				return ERR_USAGE;
		}
		return run_show(route_list, (void *)router);
	}
	if (is(cmd, "create")) {
		a.router = cl_next(c);
		if (!a.router)
			return usage_err("route create: which router?");
		ret = parse_create(c, &a);
		if (ret)
			return ret;
		return run_cmd(plan_create, done_show, &a);
	}
	if (is(cmd, "delete")) {
		a.route = cl_next(c);
		if (!a.route)
			return usage_err("route delete: which route?");
		arg = cl_next(c);
		if (arg)
			return bad_arg(c, arg);
		return run_cmd(plan_delete, done_delete, &a);
	}
	return bad_cmd(c, cmd);
}
