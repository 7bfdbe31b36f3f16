// SPDX-License-Identifier: GPL-2.0
/*
 * mwtopo provider-router, tenant: the seed's first steps, each one
 * multi-op.
 *
 * provider-router create: the provider router, N exterior uplink ports,
 * each bound to an interface of its own gateway host, and one default
 * route per uplink, all of one weight (ECMP), via the upstream router on
 * that uplink's subnet. The subnets are cut from one pool: uplink i
 * (from 1) takes the i-th /LEN of it, the upstream router has its first
 * address and the uplink port the second.
 *
 * tenant create: a tenant router linked to the provider by two interior
 * ports on a /30 (the link subnet: the provider's end has its first
 * address, the tenant's the second), the tenant's default route toward the
 * provider, the provider's routes to the tenant's networks, and optionally
 * an exterior port for VMs with the route to its network.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mwtopo.h"

#define UPLINKS_MAX	16
#define NETS_MAX	16
#define LINK_POOL	"169.254.0.0/16"

void provider_usage(void)
{
	fputs("Usage: mwtopo provider-router create [name NAME] [id UUID] uplinks N\n"
	      "                  uplink-hosts HOST[,HOST...] uplink-interface IFNAME[,IFNAME...]\n"
	      "                  uplink-net PREFIX [uplink-len LEN] [weight N]\n"
	      "       (uplink i takes the i-th /LEN (default /30) of PREFIX: the upstream\n"
	      "        gateway is its first address, the uplink port the second)\n",
	      stdout);
}

void tenant_usage(void)
{
	fputs("Usage: mwtopo tenant delete TENANT\n"
	      "       mwtopo tenant create NAME provider ROUTER net PREFIX[,PREFIX...]\n"
	      "                  [link-net PREFIX/30] [id UUID]\n"
	      "                  [vm-port] [vm-addr A.B.C.D/LEN] [vm-host HOST vm-interface IFNAME]\n"
	      "       (link-net: default the first free /30 of " LINK_POOL ";\n"
	      "        vm-addr: default the first address of the first net)\n",
	      stdout);
}

/* "a,b,c" into at most @max words (the string is modified). */
static int split(char *s, char **v, int max, const char *kw)
{
	int n = 0;

	for (char *t = strtok(s, ","); t; t = strtok(NULL, ",")) {
		if (n == max)
			return usage_err("%s: more than %d", kw, max);
		v[n++] = t;
	}
	if (!n)
		return usage_err("%s: empty list", kw);
	return n;
}

/* Print a router with its ports and routes after a seed command. */
static void print_tree(struct store *s, const struct mwnl_uuid *id)
{
	const struct topo_obj *r = topo_get_id(s->t, TOPO_ROUTER, id);
	const struct topo_obj **ports, **routes;
	cJSON *j = NULL, *pa = NULL, *ra = NULL;
	size_t np, nr;

	if (!r)
		return;
	ports = sorted_list(s, TOPO_PORT, &np);
	routes = sorted_list(s, TOPO_ROUTE, &nr);
	if (!ports || !routes)
		oom();
	if (opt.json) {
		j = json_router(s, r);
		pa = jcheck(cJSON_AddArrayToObject(j, "ports"));
		ra = jcheck(cJSON_AddArrayToObject(j, "routes"));
	} else {
		print_router(s, r, "");
	}
	for (size_t i = 0; i < np; i++) {
		if (!mwnl_uuid_eq(&ports[i]->port.router, id))
			continue;
		if (j)
			cJSON_AddItemToArray(pa, json_port(s, ports[i]));
		else
			print_port(s, ports[i], "    ");
	}
	for (size_t i = 0; i < nr; i++) {
		if (!mwnl_uuid_eq(&routes[i]->route.router, id))
			continue;
		if (j)
			cJSON_AddItemToArray(ra, json_route(s, routes[i]));
		else
			print_route(s, routes[i], "    ");
	}
	if (j)
		json_print(j);
	free(ports);
	free(routes);
}

static int new_router(struct store *s, struct txn *tx, const char *name,
		      const struct mwnl_uuid *given, struct mwnl_uuid *id)
{
	const struct topo_obj *o;
	struct topo_obj r;

	o = given ? topo_get_id(s->t, TOPO_ROUTER, given) : NULL;
	if (o)
		return fail("id %s is taken by router \"%s\"", o->node,
			    o->router.name);
	o = find_named(s, TOPO_ROUTER, name, NULL);
	if (o)
		return fail("a router named \"%s\" exists: %s", name, o->node);
	if (new_id(given, id))
		return -1;
	obj_new(&r, TOPO_ROUTER, id);
	snprintf(r.router.name, sizeof(r.router.name), "%s", name);
	return stage_create(s, tx, &r) ?: stage_ref(s, tx, TOPO_ROUTER, "");
}

static int new_port(struct store *s, struct txn *tx,
		    const struct mwnl_uuid *router, const char *name,
		    uint8_t kind, uint32_t addr, uint8_t plen,
		    const struct mwnl_uuid *peer, struct topo_obj *o)
{
	struct mwnl_uuid id;

	if (new_id(NULL, &id))
		return -1;
	obj_new(o, TOPO_PORT, &id);
	snprintf(o->port.name, sizeof(o->port.name), "%s", name);
	o->port.router = *router;
	o->port.kind = kind;
	o->port.has_addr = true;
	o->port.addr = addr;
	o->port.prefixlen = plen;
	if (peer)
		o->port.peer = *peer;
	return port_add(s, tx, o);
}

static int new_route(struct store *s, struct txn *tx,
		     const struct mwnl_uuid *router, uint32_t dst, uint8_t len,
		     const struct mwnl_uuid *port, uint32_t gw, uint32_t weight)
{
	struct mwnl_uuid id;
	struct topo_obj o;

	if (new_id(NULL, &id))
		return -1;
	obj_new(&o, TOPO_ROUTE, &id);
	o.route.router = *router;
	o.route.dst = dst;
	o.route.dst_len = len;
	o.route.type = MIDWAY_NH_PORT;
	o.route.port = *port;
	o.route.gateway = gw;
	o.route.weight = weight;
	return route_add(s, tx, &o);
}

/* provider-router create -------------------------------------------------- */

struct provider_args {
	const char		*name;
	bool			have_id;
	struct mwnl_uuid	given;
	int			n;
	char			*hosts[UPLINKS_MAX];
	int			nhosts;
	char			*ifs[UPLINKS_MAX];
	int			nifs;
	uint32_t		pool;
	uint8_t			pool_len;
	uint8_t			len;
	uint32_t		weight;
	struct mwnl_uuid	id;
};

static int plan_provider(struct store *s, struct txn *tx, void *arg)
{
	struct provider_args *a = arg;
	const struct topo_obj *hosts[UPLINKS_MAX];
	struct topo_obj port;
	int ret;

	for (int i = 0; i < a->n; i++) {
		hosts[i] = resolve(s, TOPO_HOST, a->hosts[i], NULL);
		if (!hosts[i])
			return -1;
		for (int k = 0; k < i; k++)
			if (mwnl_uuid_eq(&hosts[k]->id, &hosts[i]->id))
				return fail("uplink-hosts: host \"%s\" is given twice: each uplink has a gateway host of its own",
					    a->hosts[i]);
	}
	ret = new_router(s, tx, a->name, a->have_id ? &a->given : NULL,
			 &a->id);
	for (int i = 0; i < a->n && !ret; i++) {
		uint32_t base = ntohl(a->pool) + ((uint32_t)i << (32 - a->len));
		char name[TOPO_NAME_MAX];

		snprintf(name, sizeof(name), "uplink%d", i + 1);
		ret = new_port(s, tx, &a->id, name, MIDWAY_PORT_KIND_EXTERIOR,
			       htonl(base + 2), a->len, NULL, &port) ?:
		      bind_add(s, tx, &port, hosts[i],
			       a->ifs[a->nifs == 1 ? 0 : i]) ?:
		      new_route(s, tx, &a->id, 0, 0, &port.id,
				htonl(base + 1), a->weight);
	}
	return ret;
}

static void done_provider(struct store *s, void *arg)
{
	print_tree(s, &((struct provider_args *)arg)->id);
}

int do_provider(struct cmdline *c)
{
	struct provider_args a = { .name = "provider", .len = 30,
				   .weight = TOPO_WEIGHT_DEFAULT };
	const char *cmd = cl_next(c), *arg, *v;
	bool have_pool = false;
	uint32_t u;

	if (!cmd || is(cmd, "help")) {
		provider_usage();
		return cmd ? 0 : ERR_USAGE;
	}
	if (!is(cmd, "create"))
		return bad_cmd(c, cmd);
	while ((arg = cl_next(c))) {
		v = cl_value(c, arg);
		if (!v)
			return ERR_USAGE;
		if (is(arg, "name")) {
			if (parse_name("name", v, &a.name))
				return ERR_USAGE;
		} else if (is(arg, "id")) {
			if (parse_uuid("id", v, &a.given))
				return ERR_USAGE;
			a.have_id = true;
		} else if (is(arg, "uplinks") || is(arg, "--uplinks")) {
			if (parse_u32("uplinks", v, 1, UPLINKS_MAX, &u))
				return ERR_USAGE;
			a.n = u;
		} else if (is(arg, "uplink-hosts") || is(arg, "uplink-host")) {
			a.nhosts = split(strdup(v), a.hosts, UPLINKS_MAX,
					 "uplink-hosts");
			if (a.nhosts < 0)
				return ERR_USAGE;
		} else if (is(arg, "uplink-interface")) {
			a.nifs = split(strdup(v), a.ifs, UPLINKS_MAX,
				       "uplink-interface");
			if (a.nifs < 0)
				return ERR_USAGE;
			for (int i = 0; i < a.nifs; i++)
				if (parse_ifname("uplink-interface", a.ifs[i],
						 &v))
					return ERR_USAGE;
		} else if (is(arg, "uplink-net")) {
			if (parse_prefix("uplink-net", v, &a.pool, &a.pool_len))
				return ERR_USAGE;
			have_pool = true;
		} else if (is(arg, "uplink-len")) {
			if (parse_u32("uplink-len", v, 1, 30, &u))
				return ERR_USAGE;
			a.len = u;
		} else if (is(arg, "weight")) {
			if (parse_u32("weight", v, 1, 65535, &a.weight))
				return ERR_USAGE;
		} else {
			return bad_arg(c, arg);
		}
	}
	if (!a.n)
		a.n = a.nhosts;
	if (!a.n || !a.nhosts || !a.nifs || !have_pool)
		return usage_err("provider-router create: \"uplinks N\", \"uplink-hosts\", \"uplink-interface\" and \"uplink-net\" are needed");
	if (a.nhosts != a.n)
		return usage_err("uplinks %d but %d uplink-hosts: one gateway host per uplink",
				 a.n, a.nhosts);
	if (a.nifs != 1 && a.nifs != a.n)
		return usage_err("uplink-interface: one name, or one per uplink (%d)",
				 a.n);
	if (a.len < a.pool_len ||
	    (a.len - a.pool_len < 5 && (1 << (a.len - a.pool_len)) < a.n))
		return usage_err("uplink-net %s has no room for %d /%u subnets",
				 prefix_str(a.pool, a.pool_len), a.n, a.len);
	return run_cmd(plan_provider, done_provider, &a);
}

/* tenant create ----------------------------------------------------------- */

struct tenant_args {
	const char		*name;
	const char		*provider;
	bool			have_id;
	struct mwnl_uuid	given;
	int			nnets;
	uint32_t		net[NETS_MAX];
	uint8_t			net_len[NETS_MAX];
	bool			have_link;
	uint32_t		link;		/* network order */
	bool			vm;
	bool			have_vm_addr;
	uint32_t		vm_addr;
	uint8_t			vm_len;
	const char		*vm_host;
	const char		*vm_if;
	struct mwnl_uuid	id;
};

struct overlap {
	const struct mwnl_uuid	*router;
	uint32_t		addr;
	uint8_t			len;
	const struct topo_obj	*hit;
};

static bool overlaps(uint32_t a, uint8_t alen, uint32_t b, uint8_t blen)
{
	return prefix_contains(a, alen, b, blen) ||
	       prefix_contains(b, blen, a, alen);
}

static int port_overlap(const struct topo_obj *p, void *arg)
{
	struct overlap *f = arg;

	if (!mwnl_uuid_eq(&p->port.router, f->router) || !p->port.has_addr ||
	    !overlaps(p->port.addr, p->port.prefixlen, f->addr, f->len))
		return 0;
	f->hit = p;
	return 1;
}

static int route_overlap(const struct topo_obj *r, void *arg)
{
	struct overlap *f = arg;

	if (!mwnl_uuid_eq(&r->route.router, f->router) || !r->route.dst_len ||
	    !overlaps(r->route.dst, r->route.dst_len, f->addr, f->len))
		return 0;
	f->hit = r;
	return 1;
}

/* The first /30 of the link pool that no port of the provider is on. */
static int link_pick(struct store *s, const struct mwnl_uuid *provider,
		     uint32_t *link)
{
	uint32_t pool, v;
	uint8_t plen;

	mwnl_prefix_parse(LINK_POOL, &pool, &plen);
	for (v = ntohl(pool) + 256; v < ntohl(pool) + 65536 - 256; v += 4) {
		struct overlap f = { .router = provider, .addr = htonl(v),
				     .len = 30 };

		topo_walk(s->t, TOPO_PORT, port_overlap, &f);
		if (!f.hit) {
			*link = htonl(v);
			return 0;
		}
	}
	return fail("no free /30 in %s for the link", LINK_POOL);
}

static int plan_tenant(struct store *s, struct txn *tx, void *arg)
{
	struct tenant_args *a = arg;
	const struct topo_obj *prov, *host = NULL;
	struct topo_obj up, down, vm;
	char pname[TOPO_NAME_MAX + 3], tname[TOPO_NAME_MAX + 3];
	uint32_t link = 0;
	int ret, vm_net = -1;

	prov = resolve(s, TOPO_ROUTER, a->provider, NULL);
	if (!prov)
		return -1;
	if (a->vm_host) {
		host = resolve(s, TOPO_HOST, a->vm_host, NULL);
		if (!host)
			return -1;
	}
	for (int i = 0; i < a->nnets; i++) {
		struct overlap f = { .router = &prov->id, .addr = a->net[i],
				     .len = a->net_len[i] };

		topo_walk(s->t, TOPO_ROUTE, route_overlap, &f);
		if (f.hit)
			return fail("provider \"%s\" routes %s already (route %s), which overlaps net %s",
				    label(s, TOPO_ROUTER, &prov->id),
				    prefix_str(f.hit->route.dst,
					       f.hit->route.dst_len),
				    f.hit->node,
				    prefix_str(a->net[i], a->net_len[i]));
		if (a->have_vm_addr &&
		    prefix_contains(a->net[i], a->net_len[i], a->vm_addr, 32) &&
		    a->vm_len >= a->net_len[i] && vm_net < 0)
			vm_net = i;
	}
	if (a->vm && vm_net < 0)
		return fail("vm-addr %s is in none of the tenant's nets",
			    prefix_str(a->vm_addr, a->vm_len));
	if (a->have_link)
		link = a->link;
	else if (link_pick(s, &prov->id, &link))
		return -1;
	snprintf(pname, sizeof(pname), "to-%s", a->name);
	snprintf(tname, sizeof(tname), "to-%s", prov->router.name[0] ?
		 prov->router.name : "provider");
	if (strlen(pname) >= TOPO_NAME_MAX || strlen(tname) >= TOPO_NAME_MAX)
		return fail("tenant or provider name too long for its link ports' names");

	ret = new_router(s, tx, a->name, a->have_id ? &a->given : NULL,
			 &a->id) ?:
	      new_port(s, tx, &prov->id, pname, MIDWAY_PORT_KIND_INTERIOR,
		       htonl(ntohl(link) + 1), 30, NULL, &down) ?:
	      new_port(s, tx, &a->id, tname, MIDWAY_PORT_KIND_INTERIOR,
		       htonl(ntohl(link) + 2), 30, &down.id, &up) ?:
	      new_route(s, tx, &a->id, 0, 0, &up.id, htonl(ntohl(link) + 1),
			TOPO_WEIGHT_DEFAULT);
	for (int i = 0; i < a->nnets && !ret; i++)
		ret = new_route(s, tx, &prov->id, a->net[i], a->net_len[i],
				&down.id, htonl(ntohl(link) + 2),
				TOPO_WEIGHT_DEFAULT);
	if (ret || !a->vm)
		return ret;
	ret = new_port(s, tx, &a->id, "vm", MIDWAY_PORT_KIND_EXTERIOR,
		       a->vm_addr, a->vm_len, NULL, &vm) ?:
	      new_route(s, tx, &a->id, a->net[vm_net], a->net_len[vm_net],
			&vm.id, 0, TOPO_WEIGHT_DEFAULT);
	if (!ret && host)
		ret = bind_add(s, tx, &vm, host, a->vm_if);
	return ret;
}

static void done_tenant(struct store *s, void *arg)
{
	print_tree(s, &((struct tenant_args *)arg)->id);
}

/*
 * tenant delete: the tenant router with its ports, routes, bindings and
 * keys, and on the other end of each of its links the peer port with the
 * routes via it (the provider's routes to the tenant's nets).
 */
static int plan_tenant_delete(struct store *s, struct txn *tx, void *arg)
{
	struct tenant_args *a = arg;
	const struct topo_obj *r = resolve(s, TOPO_ROUTER, a->name, NULL);
	const struct topo_obj **ports;
	struct topo_obj peers[NETS_MAX];
	size_t n, np = 0;
	int ret;

	if (!r)
		return -1;
	a->id = r->id;
	ports = sorted_list(s, TOPO_PORT, &n);
	for (size_t i = 0; i < n; i++) {
		const struct topo_obj *q;

		if (!mwnl_uuid_eq(&ports[i]->port.router, &a->id) ||
		    mwnl_uuid_is_zero(&ports[i]->port.peer))
			continue;
		q = topo_get_id(s->t, TOPO_PORT, &ports[i]->port.peer);
		if (!q || mwnl_uuid_eq(&q->port.router, &a->id))
			continue;
		if (np == NETS_MAX) {
			free(ports);
			return fail("tenant \"%s\" has more than %d links",
				    a->name, NETS_MAX);
		}
		peers[np++] = *q;
	}
	free(ports);
	ret = router_remove(s, tx, &a->id);
	for (size_t i = 0; i < np && !ret; i++)
		ret = port_remove(s, tx, &peers[i]);
	return ret;
}

static void done_tenant_delete(struct store *s, void *arg)
{
	print_done("tenant", "deleted", uuid_str(&((struct tenant_args *)arg)->id));
}

int do_tenant(struct cmdline *c)
{
	struct tenant_args a = { 0 };
	const char *cmd = cl_next(c), *arg, *v;
	char *nets[NETS_MAX];
	uint8_t len;

	if (!cmd || is(cmd, "help")) {
		tenant_usage();
		return cmd ? 0 : ERR_USAGE;
	}
	if (is(cmd, "delete")) {
		a.name = cl_next(c);
		if (!a.name)
			return usage_err("tenant delete: which tenant?");
		arg = cl_next(c);
		if (arg)
			return bad_arg(c, arg);
		return run_cmd(plan_tenant_delete, done_tenant_delete, &a);
	}
	if (!is(cmd, "create"))
		return bad_cmd(c, cmd);
	arg = cl_next(c);
	if (!arg)
		return usage_err("tenant create: which name?");
	if (parse_name("tenant name", arg, &a.name))
		return ERR_USAGE;
	while ((arg = cl_next(c))) {
		if (is(arg, "vm-port")) {
			a.vm = true;
			continue;
		}
		v = cl_value(c, arg);
		if (!v)
			return ERR_USAGE;
		if (is(arg, "provider")) {
			a.provider = v;
		} else if (is(arg, "id")) {
			if (parse_uuid("id", v, &a.given))
				return ERR_USAGE;
			a.have_id = true;
		} else if (is(arg, "net")) {
			a.nnets = split(strdup(v), nets, NETS_MAX, "net");
			if (a.nnets < 0)
				return ERR_USAGE;
			for (int i = 0; i < a.nnets; i++) {
				if (parse_prefix("net", nets[i], &a.net[i],
						 &a.net_len[i]))
					return ERR_USAGE;
				if (!a.net_len[i])
					return usage_err("invalid net \"%s\" (the default route is the provider's)",
							 nets[i]);
				for (int k = 0; k < i; k++)
					if (overlaps(a.net[k], a.net_len[k],
						     a.net[i], a.net_len[i]))
						return usage_err("nets %s and %s overlap",
								 nets[k], nets[i]);
			}
		} else if (is(arg, "link-net")) {
			if (parse_prefix("link-net", v, &a.link, &len))
				return ERR_USAGE;
			if (len != 30)
				return usage_err("invalid link-net \"%s\" (a /30)",
						 v);
			a.have_link = true;
		} else if (is(arg, "vm-addr")) {
			if (parse_ifaddr("vm-addr", v, &a.vm_addr, &a.vm_len))
				return ERR_USAGE;
			a.have_vm_addr = a.vm = true;
		} else if (is(arg, "vm-host")) {
			a.vm_host = v;
			a.vm = true;
		} else if (is(arg, "vm-interface")) {
			if (parse_ifname("vm-interface", v, &a.vm_if))
				return ERR_USAGE;
			a.vm = true;
		} else {
			return bad_arg(c, arg);
		}
	}
	if (!a.provider || !a.nnets)
		return usage_err("tenant create: \"provider ROUTER\" and \"net PREFIX\" are needed");
	if (!a.vm_host != !a.vm_if)
		return usage_err("vm-host and vm-interface go together");
	if (a.vm && !a.have_vm_addr) {
		if (a.net_len[0] > 30)
			return usage_err("net %s has no room for a VM port address: give vm-addr",
					 prefix_str(a.net[0], a.net_len[0]));
		a.vm_addr = htonl(ntohl(a.net[0]) + 1);
		a.vm_len = a.net_len[0];
		a.have_vm_addr = true;
	}
	for (int i = 0; a.have_link && i < a.nnets; i++)
		if (overlaps(a.net[i], a.net_len[i], a.link, 30))
			return usage_err("link-net overlaps net %s",
					 prefix_str(a.net[i], a.net_len[i]));
	return run_cmd(plan_tenant, done_tenant, &a);
}
