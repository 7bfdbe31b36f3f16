// SPDX-License-Identifier: GPL-2.0
/*
 * mwctl route: add, replace, set, del, show, get.
 */
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mwctl.h"

void route_usage(void)
{
	fputs("Usage: mwctl route add router ROUTER PREFIX [from PREFIX] NEXTHOP\n"
	      "                       [weight N] [id UUID]\n"
	      "       mwctl route replace router ROUTER PREFIX [from PREFIX] NEXTHOP\n"
	      "                       [weight N] id UUID\n"
	      "       mwctl route set ROUTE-UUID [to PREFIX] [from PREFIX]\n"
	      "                       [NEXTHOP | via GW] [weight N]\n"
	      "       mwctl route del ROUTE-UUID\n"
	      "       mwctl route del router ROUTER PREFIX [from PREFIX]\n"
	      "                       [via GW] [port PORT]\n"
	      "                       [blackhole | reject | local]\n"
	      "       mwctl [-j] [-p] route show [router ROUTER]\n"
	      "       mwctl [-j] [-p] route get router ROUTER [to] A.B.C.D\n"
	      "                       [from A.B.C.D] [proto PROTO] [sport N]\n"
	      "                       [dport N]\n"
	      "NEXTHOP := { via GW port PORT | port PORT | blackhole | reject |\n"
	      "             local }\n"
	      "PREFIX := { A.B.C.D/LEN | A.B.C.D | default }\n"
	      "replace: the route \"id UUID\" becomes what add would make; add if\n"
	      "there is none. set: \"from default\" drops the source prefix,\n"
	      "\"via 0.0.0.0\" the gateway.\n"
	      "PROTO := { tcp | udp | icmp | NUMBER }\n"
	      "ROUTER, PORT := { NAME | UUID }\n", stdout);
}

int route_parse(struct nlmsghdr *nlh, struct mw_route *r)
{
	struct nlattr *tb[MIDWAY_A_ROUTE_MAX + 1];

	memset(r, 0, sizeof(*r));
	if (mwnl_parse(nlh, tb, MIDWAY_A_ROUTE_MAX) ||
	    !mwnl_get_uuid(tb[MIDWAY_A_ROUTE_ID], &r->id))
		return -EPROTO;
	mwnl_get_uuid(tb[MIDWAY_A_ROUTE_ROUTER_ID], &r->router);
	r->dst = get_u32(tb[MIDWAY_A_ROUTE_DST], 0);
	r->dst_len = get_u8(tb[MIDWAY_A_ROUTE_DST_LEN], 0);
	if (tb[MIDWAY_A_ROUTE_SRC]) {
		r->has_src = true;
		r->src = get_u32(tb[MIDWAY_A_ROUTE_SRC], 0);
		r->src_len = get_u8(tb[MIDWAY_A_ROUTE_SRC_LEN], 32);
	}
	r->nh_type = get_u8(tb[MIDWAY_A_ROUTE_NH_TYPE], 0);
	if (tb[MIDWAY_A_ROUTE_GATEWAY]) {
		r->has_gw = true;
		r->gw = get_u32(tb[MIDWAY_A_ROUTE_GATEWAY], 0);
	}
	r->has_port = mwnl_get_uuid(tb[MIDWAY_A_ROUTE_PORT_ID], &r->port);
	r->weight = get_u32(tb[MIDWAY_A_ROUTE_WEIGHT], MIDWAY_WEIGHT_DEFAULT);
	r->active = get_u8(tb[MIDWAY_A_ROUTE_ACTIVE], 0);
	return 0;
}

static int collect(struct nlmsghdr *nlh, void *arg)
{
	struct mw_route r;

	if (!route_parse(nlh, &r))
		*(struct mw_route *)vec_push(arg) = r;
	return 0;
}

/* All routes, or those of @router. */
static int route_dump(const struct mwnl_uuid *router, struct vec *routes)
{
	struct nl_msg *msg = new_msg(MIDWAY_CMD_ROUTE_GET, NLM_F_DUMP);

	if (router)
		put_uuid(msg, MIDWAY_A_ROUTE_ROUTER_ID, router);
	return mwnl_request(nl(), msg, collect, routes);
}

static const char *nh_name(uint8_t type)
{
	switch (type) {
	case MIDWAY_NH_PORT:
		return "port";
	case MIDWAY_NH_BLACKHOLE:
		return "blackhole";
	case MIDWAY_NH_REJECT:
		return "reject";
	case MIDWAY_NH_LOCAL:
		return "local";
	default:
		return "unknown";
	}
}

/*
 * show:  PREFIX [from PREFIX] NEXTHOP weight N id UUID [inactive]
 * event: route EVENT PREFIX UUID router ROUTER [from PREFIX] NEXTHOP
 *        weight N [inactive]
 */
static void route_print_fields(const struct mw_route *r, const char *event)
{
	char id[MWNL_UUID_STRLEN], buf[MWNL_UUID_STRLEN];

	mwnl_uuid_fmt(&r->id, id);
	out_obj_begin();
	if (event) {
		out_text("route");
		out_str("object", NULL, "route");
		out_str("event", "%s", event);
	}
	out_str("id", NULL, id);
	out_str("dst", "%s", mwnl_prefix_fmt(r->dst, r->dst_len, buf));
	if (event)
		out_text("%s", id);
	out_str("router_id", NULL, mwnl_uuid_fmt(&r->router, buf));
	out_str("router", event ? "router %s" : NULL,
		label(MW_ROUTER, &r->router));
	if (r->has_src)
		out_str("src", "from %s",
			mwnl_prefix_fmt(r->src, r->src_len, buf));
	out_str("type", NULL, nh_name(r->nh_type));
	if (r->nh_type == MIDWAY_NH_PORT) {
		if (r->has_gw)
			out_str("gateway", "via %s", mwnl_addr_fmt(r->gw, buf));
		if (r->has_port) {
			out_str("port_id", NULL, mwnl_uuid_fmt(&r->port, buf));
			out_str("port", "port %s", label(MW_PORT, &r->port));
		}
	} else {
		out_text("%s", nh_name(r->nh_type));
	}
	out_uint("weight", "weight %lu", r->weight);
	if (!event)
		out_text("id %s", id);
	out_bool("active", NULL, "inactive", r->active);
}

void route_print(const struct mw_route *r, const char *event)
{
	route_print_fields(r, event);
	out_obj_end();
}

/* What route add and route del take. */
struct route_args {
	const char		*router;
	const char		*port;
	bool			has_dst;
	uint32_t		dst;
	uint8_t			dst_len;
	bool			has_src;
	uint32_t		src;
	uint8_t			src_len;
	bool			has_gw;
	uint32_t		gw;
	uint8_t			type;		/* blackhole, reject, local */
	uint32_t		weight;		/* 0: not given */
	bool			have_id;
	struct mwnl_uuid	id;
};

static int route_args(struct cmdline *c, struct route_args *a)
{
	const char *arg, *v;

	while ((arg = cl_next(c))) {
		if (is(arg, "router")) {
			a->router = cl_value(c, arg);
			if (!a->router)
				return -1;
		} else if (is(arg, "from")) {
			v = cl_value(c, arg);
			if (!v || parse_prefix(v, &a->src, &a->src_len))
				return -1;
			a->has_src = true;
		} else if (is(arg, "via")) {
			v = cl_value(c, arg);
			if (!v || parse_addr("gateway", v, &a->gw))
				return -1;
			a->has_gw = true;
		} else if (is(arg, "port")) {
			a->port = cl_value(c, arg);
			if (!a->port)
				return -1;
		} else if (is(arg, "blackhole") || is(arg, "reject") ||
			   is(arg, "local")) {
			uint8_t type = is(arg, "blackhole") ?
				MIDWAY_NH_BLACKHOLE : is(arg, "reject") ?
				MIDWAY_NH_REJECT : MIDWAY_NH_LOCAL;

			if (a->type && a->type != type)
				return fail("\"%s\" conflicts with \"%s\"",
					    arg, nh_name(a->type));
			a->type = type;
		} else if (is(arg, "weight")) {
			v = cl_value(c, arg);
			if (!v || parse_u32(arg, v, 1, MIDWAY_WEIGHT_MAX,
					    &a->weight))
				return -1;
		} else if (is(arg, "id")) {
			v = cl_value(c, arg);
			if (!v || parse_uuid(arg, v, &a->id))
				return -1;
			a->have_id = true;
		} else if (!a->has_dst) {
			if (is(arg, "to")) {
				arg = cl_value(c, arg);
				if (!arg)
					return -1;
			}
			if (parse_prefix(arg, &a->dst, &a->dst_len))
				return -1;
			a->has_dst = true;
		} else {
			return bad_arg(c, arg);
		}
	}
	if (a->port && a->type)
		return fail("\"port\" conflicts with \"%s\"", nh_name(a->type));
	if (a->has_gw && a->type)
		return fail("\"via\" conflicts with \"%s\"", nh_name(a->type));
	return 0;
}

static int route_add(struct cmdline *c, bool replace)
{
	struct route_args a = { 0 };
	struct mwnl_uuid id, router, port;
	struct nl_msg *msg;

	if (route_args(c, &a))
		return -1;
	if (!a.router)
		return fail("route add needs \"router ROUTER\"");
	if (!a.has_dst)
		return fail("route add needs a destination PREFIX");
	if (a.has_gw && !a.port)
		return fail("\"via\" needs \"port PORT\"");
	if (!a.port && !a.type)
		return fail("route add needs a next hop: \"via GW port PORT\", \"port PORT\", \"blackhole\", \"reject\" or \"local\"");
	if (replace && !a.have_id)
		return fail("route replace needs \"id UUID\"");
	if (new_id(a.have_id ? &a.id : NULL, &id))
		return -1;
	if (resolve(MW_ROUTER, a.router, NULL, &router))
		return -1;
	if (a.port && resolve(MW_PORT, a.port, &router, &port))
		return -1;

	msg = new_msg(MIDWAY_CMD_ROUTE_NEW, replace ? NLM_F_REPLACE : 0);
	put_uuid(msg, MIDWAY_A_ROUTE_ID, &id);
	put_uuid(msg, MIDWAY_A_ROUTE_ROUTER_ID, &router);
	put_u32(msg, MIDWAY_A_ROUTE_DST, a.dst);
	put_u8(msg, MIDWAY_A_ROUTE_DST_LEN, a.dst_len);
	if (a.has_src) {
		put_u32(msg, MIDWAY_A_ROUTE_SRC, a.src);
		put_u8(msg, MIDWAY_A_ROUTE_SRC_LEN, a.src_len);
	}
	put_u8(msg, MIDWAY_A_ROUTE_NH_TYPE, a.port ? MIDWAY_NH_PORT : a.type);
	if (a.port)
		put_uuid(msg, MIDWAY_A_ROUTE_PORT_ID, &port);
	if (a.has_gw)
		put_u32(msg, MIDWAY_A_ROUTE_GATEWAY, a.gw);
	if (a.weight)
		put_u32(msg, MIDWAY_A_ROUTE_WEIGHT, a.weight);
	return request(msg, NULL, NULL);
}

/*
 * Does @r match what was given? Unless @strict, what was not given matches
 * anything; with @strict, an absent source or gateway must be absent.
 */
static bool route_matches(const struct mw_route *r, const struct route_args *a,
			  const struct mwnl_uuid *port, bool strict)
{
	if (r->dst != a->dst || r->dst_len != a->dst_len)
		return false;
	if (a->has_src && (!r->has_src || r->src != a->src ||
			   r->src_len != a->src_len))
		return false;
	if (a->port && (r->nh_type != MIDWAY_NH_PORT || !r->has_port ||
			!mwnl_uuid_eq(&r->port, port)))
		return false;
	if (a->has_gw && (!r->has_gw || r->gw != a->gw))
		return false;
	if (a->type && r->nh_type != a->type)
		return false;
	if (a->weight && r->weight != a->weight)
		return false;
	if (strict && ((!a->has_src && r->has_src) ||
		       (!a->has_gw && r->has_gw)))
		return false;
	return true;
}

/* How many routes of @v match; *found is the last one. */
static unsigned int route_count(const struct vec *v,
				const struct route_args *a,
				const struct mwnl_uuid *port, bool strict,
				const struct mw_route **found)
{
	unsigned int count = 0;
	size_t i;

	for (i = 0; i < v->n; i++) {
		const struct mw_route *r = vec_at(v, struct mw_route, i);

		if (route_matches(r, a, port, strict)) {
			*found = r;
			count++;
		}
	}
	return count;
}

/*
 * Find the one route of a->router that matches. If several do, the one
 * that has no source or gateway where none was given, so that every route
 * can be named without its id.
 */
static int route_find(const struct route_args *a, struct mwnl_uuid *id)
{
	struct vec v = VEC(struct mw_route);
	struct mwnl_uuid router, port;
	const struct mw_route *found = NULL, *strict;
	unsigned int count;

	if (resolve(MW_ROUTER, a->router, NULL, &router))
		return -1;
	if (a->port && resolve(MW_PORT, a->port, &router, &port))
		return -1;
	if (route_dump(&router, &v))
		return fail_nl(nl());

	count = route_count(&v, a, &port, false, &found);
	if (count > 1 && route_count(&v, a, &port, true, &strict) == 1) {
		found = strict;
		count = 1;
	}
	if (count == 1)
		*id = found->id;
	vec_free(&v);

	if (!count)
		return fail("no matching route in router \"%s\"", a->router);
	if (count > 1)
		return fail("%u routes match in router \"%s\"; add \"via\", \"port\" or \"from\", or give the route id",
			    count, a->router);
	return 0;
}

static int route_del(struct cmdline *c)
{
	struct route_args a = { 0 };
	struct mwnl_uuid id;
	struct nl_msg *msg;
	const char *arg = cl_peek(c);

	if (!arg)
		return fail("route del needs ROUTE-UUID, or \"router ROUTER PREFIX\"");
	if (c->argc == 1 && !mwnl_uuid_parse(arg, &id)) {
		cl_next(c);
	} else {
		if (route_args(c, &a))
			return -1;
		if (a.have_id) {
			id = a.id;
		} else {
			if (!a.router || !a.has_dst)
				return fail("route del needs ROUTE-UUID, or \"router ROUTER PREFIX\"");
			if (route_find(&a, &id))
				return -1;
		}
	}

	msg = new_msg(MIDWAY_CMD_ROUTE_DEL, 0);
	put_uuid(msg, MIDWAY_A_ROUTE_ID, &id);
	return request(msg, NULL, NULL);
}

struct route_reply {
	struct mw_route	r;
	bool		found;
};

static int route_get_reply(struct nlmsghdr *nlh, void *arg)
{
	struct route_reply *rr = arg;

	if (!rr->found && !route_parse(nlh, &rr->r))
		rr->found = true;
	return 0;
}

/*
 * ROUTE_SET: what is given changes, the rest stays. The route is read
 * first for its router, in which a port is named.
 */
static int route_set(struct cmdline *c)
{
	struct route_args a = { 0 };
	struct route_reply rr = { 0 };
	const char *arg = cl_next(c);
	struct mwnl_uuid id, port;
	struct nl_msg *msg;

	if (!arg || mwnl_uuid_parse(arg, &id))
		return fail("route set needs ROUTE-UUID");
	if (route_args(c, &a))
		return -1;
	if (a.router || a.have_id)
		return fail("route set takes the route's id first, and no \"router\" or \"id\"");
	msg = new_msg(MIDWAY_CMD_ROUTE_GET, 0);
	put_uuid(msg, MIDWAY_A_ROUTE_ID, &id);
	if (request(msg, route_get_reply, &rr))
		return -1;
	if (!rr.found)
		return fail("the kernel sent no route");
	if (a.port && resolve(MW_PORT, a.port, &rr.r.router, &port))
		return -1;

	msg = new_msg(MIDWAY_CMD_ROUTE_SET, 0);
	put_uuid(msg, MIDWAY_A_ROUTE_ID, &id);
	if (a.has_dst) {
		put_u32(msg, MIDWAY_A_ROUTE_DST, a.dst);
		put_u8(msg, MIDWAY_A_ROUTE_DST_LEN, a.dst_len);
	}
	if (a.has_src) {
		put_u32(msg, MIDWAY_A_ROUTE_SRC, a.src);
		put_u8(msg, MIDWAY_A_ROUTE_SRC_LEN, a.src_len);
	}
	if (a.port) {
		put_u8(msg, MIDWAY_A_ROUTE_NH_TYPE, MIDWAY_NH_PORT);
		put_uuid(msg, MIDWAY_A_ROUTE_PORT_ID, &port);
	} else if (a.type) {
		put_u8(msg, MIDWAY_A_ROUTE_NH_TYPE, a.type);
	}
	if (a.has_gw)
		put_u32(msg, MIDWAY_A_ROUTE_GATEWAY, a.gw);
	if (a.weight)
		put_u32(msg, MIDWAY_A_ROUTE_WEIGHT, a.weight);
	return request(msg, NULL, NULL);
}

/* Print, under a heading, the routes of @router not printed yet. */
static void route_print_group(const struct vec *routes, bool *done,
			      const struct mwnl_uuid *router)
{
	bool first = true;
	size_t i;

	for (i = 0; i < routes->n; i++) {
		const struct mw_route *r = vec_at(routes, struct mw_route, i);

		if (done[i] || !mwnl_uuid_eq(&r->router, router))
			continue;
		if (first) {
			out_indent(NULL);
			out_heading("router %s:", label(MW_ROUTER, router));
			out_indent("    ");
			first = false;
		}
		route_print(r, NULL);
		done[i] = true;
	}
	out_indent(NULL);
}

static int route_show(struct cmdline *c)
{
	struct vec routes = VEC(struct mw_route);
	struct vec routers = VEC(struct mw_router);
	const char *router = NULL, *arg;
	struct mwnl_uuid rid;
	bool *done;
	size_t i;

	while ((arg = cl_next(c))) {
		if (is(arg, "router")) {
			router = cl_value(c, arg);
			if (!router)
				return -1;
		} else {
			return bad_arg(c, arg);
		}
	}
	if (router && resolve(MW_ROUTER, router, NULL, &rid))
		return -1;
	if (route_dump(router ? &rid : NULL, &routes))
		return fail_nl(nl());

	out_list_begin();
	if (router || opt_json) {
		for (i = 0; i < routes.n; i++)
			route_print(vec_at(&routes, struct mw_route, i), NULL);
		goto out;
	}

	/* Text, every router: one group per router, in router order. */
	if (router_dump(&routers))
		routers.n = 0;
	done = calloc(routes.n + 1, sizeof(*done));
	if (!done)
		oom();
	for (i = 0; i < routers.n; i++)
		route_print_group(&routes, done,
				  &vec_at(&routers, struct mw_router, i)->id);
	/* Routers that came after the router dump. */
	for (i = 0; i < routes.n; i++)
		if (!done[i])
			route_print_group(&routes, done,
					  &vec_at(&routes, struct mw_route,
						  i)->router);
	free(done);
	vec_free(&routers);
out:
	out_list_end();
	vec_free(&routes);
	return 0;
}

static int parse_proto(const char *s, uint8_t *proto)
{
	static const struct {
		const char	*name;
		uint8_t		num;
	} protos[] = {
		{ "icmp",	IPPROTO_ICMP },
		{ "tcp",	IPPROTO_TCP },
		{ "udp",	IPPROTO_UDP },
	};
	uint32_t v;
	size_t i;

	for (i = 0; i < sizeof(protos) / sizeof(protos[0]); i++) {
		if (is(s, protos[i].name)) {
			*proto = protos[i].num;
			return 0;
		}
	}
	if (mwnl_u32_parse(s, 0, 255, &v))
		return fail("invalid proto \"%s\" (tcp, udp, icmp or 0..255)",
			    s);
	*proto = v;
	return 0;
}

/*
 * After the route of route get, when its port lives on another host, where
 * the packet would be tunnelled to:
 * text:  remote host HOST key N
 * JSON:  "remote": { "host_id", "host", "key" }
 * The port is read afresh; if it has gone meanwhile, nothing is added.
 */
static void route_print_remote(const struct mw_route *r)
{
	char buf[MWNL_UUID_STRLEN];
	struct mw_port p;

	if (r->nh_type != MIDWAY_NH_PORT || !r->has_port ||
	    port_get(&r->port, &p) || !port_is_remote(&p))
		return;
	out_nest_begin("remote");
	out_str("host_id", NULL, mwnl_uuid_fmt(&p.host, buf));
	out_str("host", "remote host %s", label(MW_HOST, &p.host));
	out_uint("key", "key %lu", p.key);
	out_nest_end();
}

/* Which route a packet would take: ROUTE_LOOKUP. */
static int route_get(struct cmdline *c)
{
	const char *router = NULL, *arg, *v;
	bool has_dst = false, has_src = false, has_proto = false;
	bool has_sport = false, has_dport = false;
	uint32_t dst, src, sport, dport;
	struct route_reply rr = { 0 };
	struct mwnl_uuid rid;
	struct nl_msg *msg;
	uint8_t proto;

	while ((arg = cl_next(c))) {
		if (is(arg, "router")) {
			router = cl_value(c, arg);
			if (!router)
				return -1;
		} else if (is(arg, "from")) {
			v = cl_value(c, arg);
			if (!v || parse_addr("source", v, &src))
				return -1;
			has_src = true;
		} else if (is(arg, "proto")) {
			v = cl_value(c, arg);
			if (!v || parse_proto(v, &proto))
				return -1;
			has_proto = true;
		} else if (is(arg, "sport")) {
			v = cl_value(c, arg);
			if (!v || parse_u32(arg, v, 0, 65535, &sport))
				return -1;
			has_sport = true;
		} else if (is(arg, "dport")) {
			v = cl_value(c, arg);
			if (!v || parse_u32(arg, v, 0, 65535, &dport))
				return -1;
			has_dport = true;
		} else if (!has_dst) {
			if (is(arg, "to")) {
				arg = cl_value(c, arg);
				if (!arg)
					return -1;
			}
			if (parse_addr("destination", arg, &dst))
				return -1;
			has_dst = true;
		} else {
			return bad_arg(c, arg);
		}
	}
	if (!router)
		return fail("route get needs \"router ROUTER\"");
	if (!has_dst)
		return fail("route get needs a destination A.B.C.D");
	if (resolve(MW_ROUTER, router, NULL, &rid))
		return -1;

	msg = new_msg(MIDWAY_CMD_ROUTE_LOOKUP, 0);
	put_uuid(msg, MIDWAY_A_ROUTE_ROUTER_ID, &rid);
	put_u32(msg, MIDWAY_A_ROUTE_DST, dst);
	if (has_src)
		put_u32(msg, MIDWAY_A_ROUTE_SRC, src);
	if (has_proto)
		put_u8(msg, MIDWAY_A_ROUTE_PROTO, proto);
	/* Host order: the kernel converts them. */
	if (has_sport)
		put_u16(msg, MIDWAY_A_ROUTE_SPORT, sport);
	if (has_dport)
		put_u16(msg, MIDWAY_A_ROUTE_DPORT, dport);
	if (request(msg, route_get_reply, &rr))
		return -1;
	if (!rr.found)
		return fail("the kernel sent no route");

	out_list_begin();
	route_print_fields(&rr.r, NULL);
	route_print_remote(&rr.r);
	out_obj_end();
	out_list_end();
	return 0;
}

int do_route(struct cmdline *c)
{
	const char *cmd = cl_next(c);

	if (!cmd || is(cmd, "show") || is(cmd, "list") || is(cmd, "ls"))
		return route_show(c);
	if (is(cmd, "add") || is(cmd, "replace"))
		return route_add(c, is(cmd, "replace"));
	if (is(cmd, "set"))
		return route_set(c);
	if (is(cmd, "del") || is(cmd, "delete"))
		return route_del(c);
	if (is(cmd, "get"))
		return route_get(c);
	if (is(cmd, "help")) {
		route_usage();
		return 0;
	}
	return bad_cmd(c, cmd);
}
