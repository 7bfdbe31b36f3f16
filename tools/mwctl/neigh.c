// SPDX-License-Identifier: GPL-2.0
/*
 * mwctl neigh: add, del, show. The neighbour (ARP) tables of exterior
 * ports, in the manner of ip neigh: entries the datapath learnt, and static
 * ones set here.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mwctl.h"

void neigh_usage(void)
{
	fputs("Usage: mwctl neigh add PORT [router ROUTER] A.B.C.D lladdr MAC\n"
	      "       mwctl neigh del PORT [router ROUTER] A.B.C.D\n"
	      "       mwctl [-j] [-p] neigh show [PORT] [router ROUTER]\n"
	      "PORT, ROUTER := { NAME | UUID }\n", stdout);
}

static int neigh_parse(struct nlmsghdr *nlh, struct mw_neigh *n)
{
	struct nlattr *tb[MIDWAY_A_NEIGH_MAX + 1];
	struct nlattr *a;

	memset(n, 0, sizeof(*n));
	if (mwnl_parse(nlh, tb, MIDWAY_A_NEIGH_MAX) ||
	    !mwnl_get_uuid(tb[MIDWAY_A_NEIGH_PORT_ID], &n->port) ||
	    !tb[MIDWAY_A_NEIGH_ADDR])
		return -EPROTO;
	n->addr = get_u32(tb[MIDWAY_A_NEIGH_ADDR], 0);
	a = tb[MIDWAY_A_NEIGH_MAC];
	if (a && nla_len(a) == sizeof(n->mac)) {
		memcpy(n->mac, nla_data(a), sizeof(n->mac));
		n->has_mac = true;
	}
	n->state = get_u8(tb[MIDWAY_A_NEIGH_STATE], 0);
	return 0;
}

static const char *state_name(uint8_t state)
{
	switch (state) {
	case MIDWAY_NEIGH_INCOMPLETE:
		return "incomplete";
	case MIDWAY_NEIGH_REACHABLE:
		return "reachable";
	case MIDWAY_NEIGH_STALE:
		return "stale";
	case MIDWAY_NEIGH_STATIC:
		return "static";
	default:
		return "unknown";
	}
}

/* What neigh add and neigh del take. */
struct neigh_args {
	const char	*which;
	const char	*router;
	bool		has_addr;
	uint32_t	addr;
	bool		has_mac;
	uint8_t		mac[6];
};

static int neigh_args(struct cmdline *c, const char *cmd, bool add,
		      struct neigh_args *a)
{
	const char *arg, *v;

	a->which = cl_next(c);
	if (!a->which)
		return fail("neigh %s needs PORT", cmd);
	while ((arg = cl_next(c))) {
		if (is(arg, "router")) {
			a->router = cl_value(c, arg);
			if (!a->router)
				return -1;
		} else if (add && is(arg, "lladdr")) {
			v = cl_value(c, arg);
			if (!v || parse_mac(v, a->mac))
				return -1;
			a->has_mac = true;
		} else if (!a->has_addr) {
			if (is(arg, "to")) {
				arg = cl_value(c, arg);
				if (!arg)
					return -1;
			}
			if (parse_addr("address", arg, &a->addr))
				return -1;
			a->has_addr = true;
		} else {
			return bad_arg(c, arg);
		}
	}
	if (!a->has_addr)
		return fail("neigh %s needs an address A.B.C.D", cmd);
	if (add && !a->has_mac)
		return fail("neigh add needs \"lladdr MAC\"");
	return 0;
}

/* The port of a neigh request, and the request with PORT_ID and ADDR. */
static struct nl_msg *neigh_msg(const struct neigh_args *a, uint8_t cmd)
{
	struct mwnl_uuid router, port;
	struct nl_msg *msg;

	if (a->router && resolve(MW_ROUTER, a->router, NULL, &router))
		return NULL;
	if (resolve(MW_PORT, a->which, a->router ? &router : NULL, &port))
		return NULL;
	msg = new_msg(cmd, 0);
	put_uuid(msg, MIDWAY_A_NEIGH_PORT_ID, &port);
	put_u32(msg, MIDWAY_A_NEIGH_ADDR, a->addr);
	return msg;
}

static int neigh_add(struct cmdline *c)
{
	struct neigh_args a = { 0 };
	struct nl_msg *msg;

	if (neigh_args(c, "add", true, &a))
		return -1;
	msg = neigh_msg(&a, MIDWAY_CMD_NEIGH_NEW);
	if (!msg)
		return -1;
	if (nla_put(msg, MIDWAY_A_NEIGH_MAC, sizeof(a.mac), a.mac) < 0)
		oom();
	return request(msg, NULL, NULL);
}

static int neigh_del(struct cmdline *c)
{
	struct neigh_args a = { 0 };
	struct nl_msg *msg;

	if (neigh_args(c, "del", false, &a))
		return -1;
	msg = neigh_msg(&a, MIDWAY_CMD_NEIGH_DEL);
	if (!msg)
		return -1;
	return request(msg, NULL, NULL);
}

/* A neighbour with its port, for show. */
struct neigh_entry {
	struct mw_neigh		n;
	const struct mw_port	*port;
};

struct neigh_list {
	struct vec	entries;	/* struct neigh_entry */
	bool		with_port;	/* text: say which port */
};

static int collect(struct nlmsghdr *nlh, void *arg)
{
	struct mw_neigh n;

	if (!neigh_parse(nlh, &n))
		*(struct mw_neigh *)vec_push(arg) = n;
	return 0;
}

static int by_addr(const void *a, const void *b)
{
	uint32_t x = ntohl(((const struct mw_neigh *)a)->addr);
	uint32_t y = ntohl(((const struct mw_neigh *)b)->addr);

	return x < y ? -1 : x > y;
}

/* Append the neighbours of @p to @list, by address. */
static int neigh_dump(const struct mw_port *p, struct neigh_list *list)
{
	struct vec v = VEC(struct mw_neigh);
	struct nl_msg *msg;
	size_t i;
	int ret;

	msg = new_msg(MIDWAY_CMD_NEIGH_GET, NLM_F_DUMP);
	put_uuid(msg, MIDWAY_A_NEIGH_PORT_ID, &p->id);
	ret = mwnl_request(nl(), msg, collect, &v);
	if (!ret && v.n)
		qsort(v.data, v.n, v.size, by_addr);
	for (i = 0; !ret && i < v.n; i++) {
		struct neigh_entry *e = vec_push(&list->entries);

		e->n = *vec_at(&v, struct mw_neigh, i);
		e->port = p;
	}
	vec_free(&v);
	return ret;
}

static const struct mwnl_uuid *entry_router(size_t i, void *arg)
{
	struct neigh_list *list = arg;

	return &vec_at(&list->entries, struct neigh_entry, i)->port->router;
}

/*
 * text:  A.B.C.D [port PORT] [lladdr MAC] STATE
 * JSON:  { "router_id", "router", "port_id", "port", "address", "lladdr",
 *          "state" }
 */
static void neigh_print(size_t i, void *arg)
{
	struct neigh_list *list = arg;
	const struct neigh_entry *e = vec_at(&list->entries,
					     struct neigh_entry, i);
	const struct mw_port *p = e->port;
	char buf[MWNL_UUID_STRLEN];

	out_obj_begin();
	out_str("router_id", NULL, mwnl_uuid_fmt(&p->router, buf));
	out_str("router", NULL, label(MW_ROUTER, &p->router));
	out_str("port_id", NULL, mwnl_uuid_fmt(&p->id, buf));
	out_str("port", NULL, p->name[0] ? p->name : buf);
	out_str("address", "%s", mwnl_addr_fmt(e->n.addr, buf));
	if (list->with_port)
		out_text("port %s", p->name[0] ? p->name :
			 mwnl_uuid_fmt(&p->id, buf));
	if (e->n.has_mac)
		out_str("lladdr", "lladdr %s", mwnl_mac_fmt(e->n.mac, buf));
	out_str("state", "%s", state_name(e->n.state));
	out_obj_end();
}

static int neigh_show(struct cmdline *c)
{
	struct vec ports = VEC(struct mw_port);
	struct neigh_list list = { .entries = VEC(struct neigh_entry) };
	struct port_filter f;
	size_t i, matched = 0, shown = 0;
	int ret = -1;

	if (port_filter_parse(c, &f))
		return -1;
	if (port_dump(port_filter_router(&f), &ports))
		return fail_nl(nl());

	for (i = 0; i < ports.n; i++) {
		const struct mw_port *p = vec_at(&ports, struct mw_port, i);

		if (!port_filter_match(&f, p))
			continue;
		matched++;
		if (p->kind == MIDWAY_PORT_KIND_EXTERIOR)
			shown++;
	}
	if (f.which && !matched) {
		port_filter_none(&f);
		goto out;
	}
	if (f.which && !shown) {
		fail("port \"%s\" is interior: only exterior ports have neighbours",
		     f.which);
		goto out;
	}

	for (i = 0; i < ports.n; i++) {
		const struct mw_port *p = vec_at(&ports, struct mw_port, i);

		if (!port_filter_match(&f, p) ||
		    p->kind != MIDWAY_PORT_KIND_EXTERIOR)
			continue;
		/* A port deleted since the port dump has no table. */
		if (neigh_dump(p, &list) &&
		    (shown == 1 || mwnl_error(nl())->error != ENOENT)) {
			fail_nl(nl());
			goto out;
		}
	}

	/* Like ip neigh show dev DEV: one port, no need to name it. */
	list.with_port = !(f.which && shown == 1);
	out_list_begin();
	if (!opt_json && list.with_port && !f.router) {
		print_by_router(list.entries.n, entry_router, neigh_print,
				&list);
	} else {
		for (i = 0; i < list.entries.n; i++)
			neigh_print(i, &list);
	}
	out_list_end();
	ret = 0;
out:
	vec_free(&list.entries);
	vec_free(&ports);
	return ret;
}

int do_neigh(struct cmdline *c)
{
	const char *cmd = cl_next(c);

	if (!cmd || is(cmd, "show") || is(cmd, "list") || is(cmd, "ls"))
		return neigh_show(c);
	if (is(cmd, "add"))
		return neigh_add(c);
	if (is(cmd, "del") || is(cmd, "delete"))
		return neigh_del(c);
	if (is(cmd, "help")) {
		neigh_usage();
		return 0;
	}
	return bad_cmd(c, cmd);
}
