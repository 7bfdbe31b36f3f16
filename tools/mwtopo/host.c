// SPDX-License-Identifier: GPL-2.0
/*
 * mwtopo host: the hosts the operator names (config/hosts), so that ports
 * can be bound to them before their controller first starts; list shows
 * those and the live ones (state/hosts, written by midwayd).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mwtopo.h"

void host_usage(void)
{
	fputs("Usage: mwtopo host create NAME [id UUID]\n"
	      "       mwtopo host delete HOST [cascade]\n"
	      "       mwtopo [-j] host list\n"
	      "HOST := { NAME | UUID }\n", stdout);
}

struct host_args {
	const char		*name;
	const char		*which;
	bool			have_id;
	struct mwnl_uuid	given;
	bool			cascade;
	struct mwnl_uuid	id;
};

static int plan_create(struct store *s, struct txn *tx, void *arg)
{
	struct host_args *a = arg;
	const struct topo_obj *o;
	struct topo_obj h;

	o = a->have_id ? topo_get_id(s->t, TOPO_HOST, &a->given) : NULL;
	if (o)
		return fail("id %s is taken by host \"%s\"", o->node,
			    o->host.name);
	o = find_named(s, TOPO_HOST, a->name, NULL);
	if (o)
		return fail("a host named \"%s\" exists: %s", a->name, o->node);
	if (new_id(a->have_id ? &a->given : NULL, &a->id))
		return -1;
	obj_new(&h, TOPO_HOST, &a->id);
	snprintf(h.host.name, sizeof(h.host.name), "%s", a->name);
	return stage_create(s, tx, &h) ?: stage_ref(s, tx, TOPO_HOST, "");
}

static void done_show(struct store *s, void *arg)
{
	struct host_args *a = arg;

	if (opt.json)
		json_print(json_host(s, &a->id));
	else
		print_host(s, &a->id);
}

struct bindings_of {
	const struct mwnl_uuid	*host;
	const struct topo_obj	**hits;
	size_t			n;
};

static int binding_of(const struct topo_obj *b, void *arg)
{
	struct bindings_of *f = arg;

	if (mwnl_uuid_eq(&b->binding.host, f->host)) {
		f->hits = realloc(f->hits, (f->n + 1) * sizeof(*f->hits));
		if (!f->hits)
			oom();
		f->hits[f->n++] = b;
	}
	return 0;
}

static int plan_delete(struct store *s, struct txn *tx, void *arg)
{
	struct host_args *a = arg;
	const struct topo_obj *o = resolve(s, TOPO_HOST, a->which, NULL);
	struct bindings_of f = { 0 };
	char buf[1024] = "";
	int ret = 0;

	if (!o)
		return -1;
	if (o->kind != TOPO_HOST)
		return fail("host \"%s\" is a live host only (state/hosts, its controller's): nothing to delete",
			    a->which);
	a->id = o->id;
	f.host = &a->id;
	topo_walk(s->t, TOPO_BINDING, binding_of, &f);
	if (f.n && !a->cascade) {
		for (size_t i = 0; i < f.n; i++) {
			size_t len = strlen(buf);

			snprintf(buf + len, sizeof(buf) - len,
				 "%sport \"%s\" (%s)", i ? ", " : "",
				 label(s, TOPO_PORT, &f.hits[i]->id),
				 f.hits[i]->binding.ifname);
		}
		free(f.hits);
		return fail("host \"%s\" has ports bound to it: %s (unbind them, or \"cascade\")",
			    label(s, TOPO_HOST, &a->id), buf);
	}
	for (size_t i = 0; i < f.n && !ret; i++) {
		char node[TOPO_NODE_MAX];

		strcpy(node, f.hits[i]->node);
		ret = stage_delete(s, tx, TOPO_BINDING, node);
	}
	free(f.hits);
	return ret ?: stage_delete(s, tx, TOPO_HOST, uuid_str(&a->id));
}

static void done_delete(struct store *s, void *arg)
{
	print_done("host", "deleted", uuid_str(&((struct host_args *)arg)->id));
}

static int host_list(struct store *s, void *arg)
{
	cJSON *arr = opt.json ? jcheck(cJSON_CreateArray()) : NULL;
	struct mwnl_uuid *ids;
	size_t n;

	ids = host_ids(s, &n);
	for (size_t i = 0; i < n; i++) {
		if (arr)
			cJSON_AddItemToArray(arr, json_host(s, &ids[i]));
		else
			print_host(s, &ids[i]);
	}
	if (arr)
		json_print(arr);
	free(ids);
	return 0;
}

int do_host(struct cmdline *c)
{
	struct host_args a = { 0 };
	const char *cmd = cl_next(c), *arg;

	if (!cmd || is(cmd, "help")) {
		host_usage();
		return cmd ? 0 : ERR_USAGE;
	}
	if (is(cmd, "list") || is(cmd, "show")) {
		arg = cl_next(c);
		if (arg)
			return bad_arg(c, arg);
		return run_show(host_list, NULL);
	}
	if (!is(cmd, "create") && !is(cmd, "delete"))
		return bad_cmd(c, cmd);
	arg = cl_next(c);
	if (!arg)
		return usage_err("host %s: which host?", cmd);
	if (is(cmd, "create")) {
		if (parse_name("host name", arg, &a.name))
			return ERR_USAGE;
	} else {
		a.which = arg;
	}
	while ((arg = cl_next(c))) {
		if (is(cmd, "create") && is(arg, "id")) {
			arg = cl_value(c, "id");
			if (!arg || parse_uuid("id", arg, &a.given))
				return ERR_USAGE;
			a.have_id = true;
		} else if (is(cmd, "delete") && is(arg, "cascade")) {
			a.cascade = true;
		} else {
			return bad_arg(c, arg);
		}
	}
	if (is(cmd, "create"))
		return run_cmd(plan_create, done_show, &a);
	return run_cmd(plan_delete, done_delete, &a);
}
