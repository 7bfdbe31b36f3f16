// SPDX-License-Identifier: GPL-2.0
/*
 * mwtopo show: the whole topology. Routers with their ports (binding,
 * where active, usable) and routes (used now: topo_port_usable()), then
 * the hosts. With -j one JSON document:
 *
 *   { "root": ..., "routers": [ { router..., "ports": [...],
 *     "routes": [...] } ], "hosts": [...], "keys": { "<key>": port-id } }
 *
 * The same objects as the list commands print.
 *
 * mwtopo dump: every document as stored (config/ and state/), keyed by its
 * path under the root, without anything derived: what a test compares
 * before and after a command that must change nothing.
 */
#include <stdio.h>
#include <stdlib.h>

#include "mwtopo.h"

void show_usage(void)
{
	fputs("Usage: mwtopo [-j] show\n", stdout);
}

static int show(struct store *s, void *arg)
{
	const struct topo_obj **routers, **ports, **routes, **keys;
	size_t nr, np, nrt, nk, nh;
	struct mwnl_uuid *hosts;
	cJSON *doc = NULL, *arr = NULL, *rj, *pa, *ra, *ka;

	routers = sorted_list(s, TOPO_ROUTER, &nr);
	ports = sorted_list(s, TOPO_PORT, &np);
	routes = sorted_list(s, TOPO_ROUTE, &nrt);
	keys = sorted_list(s, TOPO_KEY, &nk);
	hosts = host_ids(s, &nh);
	if (!routers || !ports || !routes || !keys)
		oom();
	if (opt.json) {
		doc = jcheck(cJSON_CreateObject());
		jcheck(cJSON_AddStringToObject(doc, "root", s->root));
		arr = jcheck(cJSON_AddArrayToObject(doc, "routers"));
	}
	for (size_t i = 0; i < nr; i++) {
		const struct mwnl_uuid *id = &routers[i]->id;

		if (doc) {
			rj = json_router(s, routers[i]);
			cJSON_AddItemToArray(arr, rj);
			pa = jcheck(cJSON_AddArrayToObject(rj, "ports"));
			ra = jcheck(cJSON_AddArrayToObject(rj, "routes"));
		} else {
			print_router(s, routers[i], "");
		}
		for (size_t k = 0; k < np; k++) {
			if (!mwnl_uuid_eq(&ports[k]->port.router, id))
				continue;
			if (doc)
				cJSON_AddItemToArray(pa, json_port(s, ports[k]));
			else
				print_port(s, ports[k], "    ");
		}
		for (size_t k = 0; k < nrt; k++) {
			if (!mwnl_uuid_eq(&routes[k]->route.router, id))
				continue;
			if (doc)
				cJSON_AddItemToArray(ra,
						     json_route(s, routes[k]));
			else
				print_route(s, routes[k], "    ");
		}
	}
	if (doc) {
		arr = jcheck(cJSON_AddArrayToObject(doc, "hosts"));
		for (size_t i = 0; i < nh; i++)
			cJSON_AddItemToArray(arr, json_host(s, &hosts[i]));
		ka = jcheck(cJSON_AddObjectToObject(doc, "keys"));
		for (size_t i = 0; i < nk; i++)
			jcheck(cJSON_AddStringToObject(ka, keys[i]->node,
				uuid_str(&keys[i]->tkey.port)));
		json_print(doc);
	} else {
		for (size_t i = 0; i < nh; i++)
			print_host(s, &hosts[i]);
	}
	free(routers);
	free(ports);
	free(routes);
	free(keys);
	free(hosts);
	return 0;
}

int do_show(struct cmdline *c)
{
	const char *arg = cl_next(c);

	if (arg && is(arg, "help")) {
		show_usage();
		return 0;
	}
	if (arg)
		return bad_arg(c, arg);
	return run_show(show, NULL);
}

void dump_usage(void)
{
	fputs("Usage: mwtopo dump   (every document, as JSON)\n", stdout);
}

static int dump(struct store *s, void *arg)
{
	json_print(store_dump(s));
	return 0;
}

int do_dump(struct cmdline *c)
{
	const char *arg = cl_next(c);

	if (arg && is(arg, "help")) {
		dump_usage();
		return 0;
	}
	if (arg)
		return bad_arg(c, arg);
	return run_show(dump, NULL);
}
