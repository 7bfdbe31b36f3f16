// SPDX-License-Identifier: GPL-2.0
/*
 * mwctl router: add, set, del, show.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mwctl.h"

void router_usage(void)
{
	fputs("Usage: mwctl router add name NAME [id UUID] [down] [ICMP]\n"
	      "       mwctl router replace name NAME id UUID [down] [ICMP]\n"
	      "       mwctl router set ROUTER [name NAME] [up|down] [ICMP]\n"
	      "       mwctl router del ROUTER [cascade]\n"
	      "       mwctl [-j] [-p] router show [ROUTER]\n"
	      "ROUTER := { NAME | UUID }\n"
	      "ICMP := [icmp-rate N] [icmp-burst N]   (errors per second and port; 0: no limit)\n",
	      stdout);
}

int router_parse(struct nlmsghdr *nlh, struct mw_router *r)
{
	struct nlattr *tb[MIDWAY_A_ROUTER_MAX + 1];

	memset(r, 0, sizeof(*r));
	if (mwnl_parse(nlh, tb, MIDWAY_A_ROUTER_MAX) ||
	    !mwnl_get_uuid(tb[MIDWAY_A_ROUTER_ID], &r->id))
		return -EPROTO;
	get_str(tb[MIDWAY_A_ROUTER_NAME], r->name, sizeof(r->name));
	r->admin_up = get_u8(tb[MIDWAY_A_ROUTER_ADMIN_UP], 0);
	r->icmp_rate = get_u32(tb[MIDWAY_A_ROUTER_ICMP_RATE], 0);
	r->icmp_burst = get_u32(tb[MIDWAY_A_ROUTER_ICMP_BURST], 0);
	r->n_ports = get_u32(tb[MIDWAY_A_ROUTER_N_PORTS], 0);
	r->n_routes = get_u32(tb[MIDWAY_A_ROUTER_N_ROUTES], 0);
	return 0;
}

static int collect(struct nlmsghdr *nlh, void *arg)
{
	struct mw_router r;

	if (!router_parse(nlh, &r))
		*(struct mw_router *)vec_push(arg) = r;
	return 0;
}

int router_dump(struct vec *routers)
{
	return mwnl_request(nl(), new_msg(MIDWAY_CMD_ROUTER_GET, NLM_F_DUMP),
			    collect, routers);
}

/*
 * show:  router NAME id UUID up|down icmp-rate N icmp-burst N ports N routes N
 * event: router EVENT NAME UUID up|down icmp-rate N icmp-burst N ports N routes N
 */
void router_print(const struct mw_router *r, const char *event)
{
	char id[MWNL_UUID_STRLEN];

	mwnl_uuid_fmt(&r->id, id);
	out_obj_begin();
	out_text("router");
	if (event) {
		out_str("object", NULL, "router");
		out_str("event", "%s", event);
	}
	out_str("name", NULL, r->name);
	out_text("%s", r->name[0] ? r->name : id);
	out_str("id", event ? "%s" : "id %s", id);
	out_bool("admin_up", "up", "down", r->admin_up);
	out_uint("icmp_rate", "icmp-rate %lu", r->icmp_rate);
	out_uint("icmp_burst", "icmp-burst %lu", r->icmp_burst);
	out_uint("ports", "ports %lu", r->n_ports);
	out_uint("routes", "routes %lu", r->n_routes);
	out_obj_end();
}

/* icmp-rate N, icmp-burst N: -1 on error, 1 if @arg was one, else 0. */
static int parse_icmp(struct cmdline *c, const char *arg, int64_t *rate,
		      int64_t *burst)
{
	uint32_t v;

	if (is(arg, "icmp-rate")) {
		arg = cl_value(c, "icmp-rate");
		if (!arg || parse_u32("icmp-rate", arg, 0, MIDWAY_ICMP_RATE_MAX, &v))
			return -1;
		*rate = v;
		return 1;
	}
	if (is(arg, "icmp-burst")) {
		arg = cl_value(c, "icmp-burst");
		if (!arg || parse_u32("icmp-burst", arg, 1, MIDWAY_ICMP_BURST_MAX, &v))
			return -1;
		*burst = v;
		return 1;
	}
	return 0;
}

static void put_icmp(struct nl_msg *msg, int64_t rate, int64_t burst)
{
	if (rate >= 0)
		put_u32(msg, MIDWAY_A_ROUTER_ICMP_RATE, rate);
	if (burst >= 0)
		put_u32(msg, MIDWAY_A_ROUTER_ICMP_BURST, burst);
}

static int router_add(struct cmdline *c, bool replace)
{
	struct mwnl_uuid given, id;
	const char *name = NULL, *arg;
	bool have_id = false, up = true;
	int64_t rate = -1, burst = -1;
	struct nl_msg *msg;
	int r;

	while ((arg = cl_next(c))) {
		r = parse_icmp(c, arg, &rate, &burst);
		if (r < 0)
			return -1;
		if (r)
			continue;
		if (is(arg, "name")) {
			arg = cl_value(c, "name");
			if (!arg || parse_name(arg, &name))
				return -1;
		} else if (is(arg, "id")) {
			arg = cl_value(c, "id");
			if (!arg || parse_uuid("id", arg, &given))
				return -1;
			have_id = true;
		} else if (is(arg, "up") || is(arg, "down")) {
			up = is(arg, "up");
		} else {
			return bad_arg(c, arg);
		}
	}
	if (!name)
		return fail("router add needs \"name NAME\"");
	if (replace && !have_id)
		return fail("router replace needs \"id UUID\"");
	if (new_id(have_id ? &given : NULL, &id))
		return -1;

	msg = new_msg(MIDWAY_CMD_ROUTER_NEW, replace ? NLM_F_REPLACE : 0);
	put_uuid(msg, MIDWAY_A_ROUTER_ID, &id);
	put_str(msg, MIDWAY_A_ROUTER_NAME, name);
	put_u8(msg, MIDWAY_A_ROUTER_ADMIN_UP, up);
	put_icmp(msg, rate, burst);
	return request(msg, NULL, NULL);
}

static int router_set(struct cmdline *c)
{
	const char *which = cl_next(c), *name = NULL, *arg;
	int64_t rate = -1, burst = -1;
	struct mwnl_uuid id;
	struct nl_msg *msg;
	int up = -1, r;

	if (!which)
		return fail("router set needs ROUTER");
	while ((arg = cl_next(c))) {
		r = parse_icmp(c, arg, &rate, &burst);
		if (r < 0)
			return -1;
		if (r)
			continue;
		if (is(arg, "name")) {
			arg = cl_value(c, "name");
			if (!arg || parse_name(arg, &name))
				return -1;
		} else if (is(arg, "up") || is(arg, "down")) {
			up = is(arg, "up");
		} else {
			return bad_arg(c, arg);
		}
	}
	if (resolve(MW_ROUTER, which, NULL, &id))
		return -1;

	msg = new_msg(MIDWAY_CMD_ROUTER_SET, 0);
	put_uuid(msg, MIDWAY_A_ROUTER_ID, &id);
	if (name)
		put_str(msg, MIDWAY_A_ROUTER_NAME, name);
	if (up >= 0)
		put_u8(msg, MIDWAY_A_ROUTER_ADMIN_UP, up);
	put_icmp(msg, rate, burst);
	return request(msg, NULL, NULL);
}

static int router_del(struct cmdline *c)
{
	const char *which = cl_next(c), *arg;
	bool cascade = false;
	struct mwnl_uuid id;
	struct nl_msg *msg;

	if (!which)
		return fail("router del needs ROUTER");
	while ((arg = cl_next(c))) {
		if (is(arg, "cascade"))
			cascade = true;
		else
			return bad_arg(c, arg);
	}
	if (resolve(MW_ROUTER, which, NULL, &id))
		return -1;

	msg = new_msg(MIDWAY_CMD_ROUTER_DEL, 0);
	put_uuid(msg, MIDWAY_A_ROUTER_ID, &id);
	if (cascade)
		put_flag(msg, MIDWAY_A_ROUTER_CASCADE);
	return request(msg, NULL, NULL);
}

static int router_show(struct cmdline *c)
{
	const char *which = cl_next(c), *arg;
	struct vec v = VEC(struct mw_router);
	size_t i, shown = 0;

	arg = cl_next(c);
	if (arg)
		return bad_arg(c, arg);
	if (router_dump(&v))
		return fail_nl(nl());

	for (i = 0; i < v.n; i++) {
		struct mw_router *r = vec_at(&v, struct mw_router, i);

		if (!which || names_match(which, &r->id, r->name))
			shown++;
	}
	if (which && !shown) {
		vec_free(&v);
		return fail("no router \"%s\"", which);
	}

	out_list_begin();
	for (i = 0; i < v.n; i++) {
		struct mw_router *r = vec_at(&v, struct mw_router, i);

		if (!which || names_match(which, &r->id, r->name))
			router_print(r, NULL);
	}
	out_list_end();
	vec_free(&v);
	return 0;
}

int do_router(struct cmdline *c)
{
	const char *cmd = cl_next(c);

	if (!cmd || is(cmd, "show") || is(cmd, "list") || is(cmd, "ls"))
		return router_show(c);
	if (is(cmd, "add") || is(cmd, "replace"))
		return router_add(c, is(cmd, "replace"));
	if (is(cmd, "set"))
		return router_set(c);
	if (is(cmd, "del") || is(cmd, "delete"))
		return router_del(c);
	if (is(cmd, "help")) {
		router_usage();
		return 0;
	}
	return bad_cmd(c, cmd);
}

/* print_by_router(): the items of @router not printed yet. */
static void print_group(size_t n, bool *done,
			const struct mwnl_uuid *(*router_of)(size_t i,
							     void *arg),
			void (*print)(size_t i, void *arg), void *arg,
			const struct mwnl_uuid *router)
{
	struct mwnl_uuid rid = *router;		/* may point into an item */
	bool first = true;
	size_t i;

	for (i = 0; i < n; i++) {
		if (done[i] || !mwnl_uuid_eq(router_of(i, arg), &rid))
			continue;
		if (first) {
			out_indent(NULL);
			out_heading("router %s:", label(MW_ROUTER, &rid));
			out_indent("    ");
			first = false;
		}
		print(i, arg);
		done[i] = true;
	}
	out_indent(NULL);
}

void print_by_router(size_t n,
		     const struct mwnl_uuid *(*router_of)(size_t i, void *arg),
		     void (*print)(size_t i, void *arg), void *arg)
{
	struct vec routers = VEC(struct mw_router);
	bool *done;
	size_t i;

	if (!n)
		return;
	if (router_dump(&routers))
		routers.n = 0;
	done = calloc(n, sizeof(*done));
	if (!done)
		oom();
	for (i = 0; i < routers.n; i++)
		print_group(n, done, router_of, print, arg,
			    &vec_at(&routers, struct mw_router, i)->id);
	/* Routers that came after the router dump. */
	for (i = 0; i < n; i++)
		if (!done[i])
			print_group(n, done, router_of, print, arg,
				    router_of(i, arg));
	free(done);
	vec_free(&routers);
}
