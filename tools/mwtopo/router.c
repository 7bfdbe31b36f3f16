// SPDX-License-Identifier: GPL-2.0
/*
 * mwtopo router: create, set, delete, list.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mwtopo.h"

void router_usage(void)
{
	fputs("Usage: mwtopo router create NAME [id UUID] [admin up|down]\n"
	      "       mwtopo router set ROUTER [name NAME] [admin up|down]\n"
	      "       mwtopo router delete ROUTER [cascade]\n"
	      "       mwtopo [-j] router list\n"
	      "ROUTER := { NAME | UUID }\n", stdout);
}

struct router_args {
	const char		*which;		/* set, delete */
	const char		*name;
	bool			have_id;
	struct mwnl_uuid	given;
	int			admin;		/* -1: unchanged */
	bool			cascade;
	struct mwnl_uuid	id;		/* result */
};

static int plan_create(struct store *s, struct txn *tx, void *arg)
{
	struct router_args *a = arg;
	const struct topo_obj *o;
	struct topo_obj r;

	o = a->have_id ? topo_get_id(s->t, TOPO_ROUTER, &a->given) : NULL;
	if (o)
		return fail("id %s is taken by router \"%s\"", o->node,
			    o->router.name);
	o = find_named(s, TOPO_ROUTER, a->name, NULL);
	if (o)
		return fail("a router named \"%s\" exists: %s", a->name,
			    o->node);
	if (new_id(a->have_id ? &a->given : NULL, &a->id))
		return -1;
	obj_new(&r, TOPO_ROUTER, &a->id);
	snprintf(r.router.name, sizeof(r.router.name), "%s", a->name);
	if (a->admin >= 0)
		r.router.admin_up = a->admin;
	return stage_create(s, tx, &r) ?: stage_ref(s, tx, TOPO_ROUTER, "");
}

static void done_show(struct store *s, void *arg)
{
	const struct topo_obj *o = topo_get_id(s->t, TOPO_ROUTER,
					       &((struct router_args *)arg)->id);

	if (!o)
		return;
	if (opt.json)
		json_print(json_router(s, o));
	else
		print_router(s, o, "");
}

static int plan_set(struct store *s, struct txn *tx, void *arg)
{
	struct router_args *a = arg;
	const struct topo_obj *o = resolve(s, TOPO_ROUTER, a->which, NULL);
	const struct topo_obj *other;
	struct topo_obj r;

	if (!o)
		return -1;
	r = *o;
	a->id = o->id;
	if (a->name) {
		other = find_named(s, TOPO_ROUTER, a->name, NULL);
		if (other && !mwnl_uuid_eq(&other->id, &o->id))
			return fail("a router named \"%s\" exists: %s",
				    a->name, other->node);
		snprintf(r.router.name, sizeof(r.router.name), "%s", a->name);
	}
	if (a->admin >= 0)
		r.router.admin_up = a->admin;
	return stage_update(s, tx, &r) ?:
	       (a->name ? stage_ref(s, tx, TOPO_ROUTER, "") : 0);
}

struct refs {
	const struct store	*s;
	const struct mwnl_uuid	*router;
	char			*buf;
	size_t			size;
	size_t			n;
};

static void refs_add(struct refs *r, const char *fmt, const char *a,
		     const char *b)
{
	size_t len = strlen(r->buf);

	if (r->n++ >= 8) {
		if (r->n == 9 && len + 6 < r->size)
			strcat(r->buf, ", ...");
		return;
	}
	snprintf(r->buf + len, r->size - len, "%s", len ? ", " : "");
	len = strlen(r->buf);
	snprintf(r->buf + len, r->size - len, fmt, a, b);
}

static int ref_one(const struct topo_obj *o, void *arg)
{
	struct refs *r = arg;

	if (o->kind == TOPO_PORT && mwnl_uuid_eq(&o->port.router, r->router))
		refs_add(r, "port %s (%s)", o->port.name, o->node);
	if (o->kind == TOPO_ROUTE && mwnl_uuid_eq(&o->route.router, r->router))
		refs_add(r, "route %s (%s)",
			 prefix_str(o->route.dst, o->route.dst_len), o->node);
	return 0;
}

int router_remove(struct store *s, struct txn *tx, const struct mwnl_uuid *router)
{
	const struct mwnl_uuid id = *router;	/* @router may go */
	const struct topo_obj **list;
	size_t n;
	int ret = 0;

	/* Its ports (with their keys, bindings, routes via them), its routes. */
	list = sorted_list(s, TOPO_PORT, &n);
	for (size_t i = 0; i < n && !ret; i++)
		if (mwnl_uuid_eq(&list[i]->port.router, &id)) {
			struct topo_obj p = *list[i];

			ret = port_remove(s, tx, &p);
		}
	free(list);
	list = sorted_list(s, TOPO_ROUTE, &n);
	for (size_t i = 0; i < n && !ret; i++)
		if (mwnl_uuid_eq(&list[i]->route.router, &id)) {
			char node[TOPO_NODE_MAX];

			strcpy(node, list[i]->node);
			ret = stage_delete(s, tx, TOPO_ROUTE, node);
		}
	free(list);
	return ret ?: stage_delete(s, tx, TOPO_ROUTER, uuid_str(&id));
}

static int plan_delete(struct store *s, struct txn *tx, void *arg)
{
	struct router_args *a = arg;
	const struct topo_obj *o = resolve(s, TOPO_ROUTER, a->which, NULL);
	char buf[1024] = "";
	struct refs r = { .s = s, .buf = buf, .size = sizeof(buf) };

	if (!o)
		return -1;
	a->id = o->id;
	if (a->cascade)
		return router_remove(s, tx, &a->id);
	r.router = &a->id;
	topo_walk(s->t, TOPO_PORT, ref_one, &r);
	topo_walk(s->t, TOPO_ROUTE, ref_one, &r);
	if (r.n)
		return fail("router \"%s\" still has %s (delete them, or \"cascade\")",
			    label(s, TOPO_ROUTER, &a->id), buf);
	return stage_delete(s, tx, TOPO_ROUTER, o->node);
}

static void done_delete(struct store *s, void *arg)
{
	struct router_args *a = arg;

	print_done("router", "deleted", uuid_str(&a->id));
}

static int router_list(struct store *s, void *arg)
{
	const struct topo_obj **list;
	cJSON *arr = opt.json ? jcheck(cJSON_CreateArray()) : NULL;
	size_t n;

	list = sorted_list(s, TOPO_ROUTER, &n);
	for (size_t i = 0; i < n; i++) {
		if (arr)
			cJSON_AddItemToArray(arr, json_router(s, list[i]));
		else
			print_router(s, list[i], "");
	}
	if (arr)
		json_print(arr);
	free(list);
	return 0;
}

int do_router(struct cmdline *c)
{
	struct router_args a = { .admin = -1 };
	const char *cmd = cl_next(c), *arg;
	bool up;

	if (!cmd || is(cmd, "help")) {
		router_usage();
		return cmd ? 0 : ERR_USAGE;
	}
	if (is(cmd, "list") || is(cmd, "show")) {
		arg = cl_next(c);
		if (arg)
			return bad_arg(c, arg);
		return run_show(router_list, NULL);
	}
	if (!is(cmd, "create") && !is(cmd, "set") && !is(cmd, "delete"))
		return bad_cmd(c, cmd);
	arg = cl_next(c);
	if (!arg)
		return usage_err("router %s: which router?", cmd);
	if (is(cmd, "create")) {
		if (parse_name("router name", arg, &a.name))
			return ERR_USAGE;
	} else {
		a.which = arg;
	}
	while ((arg = cl_next(c))) {
		if (is(arg, "id") && is(cmd, "create")) {
			arg = cl_value(c, "id");
			if (!arg || parse_uuid("id", arg, &a.given))
				return ERR_USAGE;
			a.have_id = true;
		} else if (is(arg, "name") && is(cmd, "set")) {
			arg = cl_value(c, "name");
			if (!arg || parse_name("name", arg, &a.name))
				return ERR_USAGE;
		} else if (is(arg, "admin") && !is(cmd, "delete")) {
			arg = cl_value(c, "admin");
			if (!arg || parse_updown("admin", arg, &up))
				return ERR_USAGE;
			a.admin = up;
		} else if (is(arg, "cascade") && is(cmd, "delete")) {
			a.cascade = true;
		} else {
			return bad_arg(c, arg);
		}
	}
	if (is(cmd, "create"))
		return run_cmd(plan_create, done_show, &a);
	if (is(cmd, "set"))
		return run_cmd(plan_set, done_show, &a);
	return run_cmd(plan_delete, done_delete, &a);
}
