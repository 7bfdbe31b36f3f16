// SPDX-License-Identifier: GPL-2.0
/*
 * mwctl: the datapath's counters, as PORT_GET and HOST_GET report them.
 *
 *   port stats  each port as port show prints it, then the packets and bytes
 *               it received and sent and its drops by reason, in the manner
 *               of ip -s link;
 *   host stats  the same for hosts: the tunnel packets received from and
 *               sent to each host, and the tunnel packets dropped;
 *   drops       only the drops of ports: one line per port and reason that
 *               counted any, like dropstats.
 *
 * The kernel reports only the reasons that counted a drop, by name, so new
 * reasons need no change here.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "mwctl.h"

void drops_usage(void)
{
	fputs("Usage: mwctl [-j] [-p] drops [show] [router ROUTER] [PORT]\n"
	      "PORT, ROUTER := { NAME | UUID }\n", stdout);
}

/* @stats: a nest of MIDWAY_A_STATS_*; @drops: of MIDWAY_A_DROP nests. */
static void stats_parse(struct nlattr *stats, struct nlattr *drops,
			struct mw_stats *s)
{
	struct nlattr *st[MIDWAY_A_STATS_MAX + 1];
	struct nlattr *dt[MIDWAY_A_DROP_MAX + 1];
	struct nlattr *d;
	int rem;

	*s = (struct mw_stats){ .drops = VEC(struct mw_drop) };
	if (stats && !nla_parse_nested(st, MIDWAY_A_STATS_MAX, stats, NULL)) {
		s->rx_packets = get_u64(st[MIDWAY_A_STATS_RX_PACKETS], 0);
		s->rx_bytes = get_u64(st[MIDWAY_A_STATS_RX_BYTES], 0);
		s->tx_packets = get_u64(st[MIDWAY_A_STATS_TX_PACKETS], 0);
		s->tx_bytes = get_u64(st[MIDWAY_A_STATS_TX_BYTES], 0);
	}
	if (!drops)
		return;
	/* The nests' own types do not matter: one per reason. */
	nla_for_each_nested(d, drops, rem) {
		struct mw_drop *drop;

		if (nla_parse_nested(dt, MIDWAY_A_DROP_MAX, d, NULL) ||
		    !dt[MIDWAY_A_DROP_REASON])
			continue;
		drop = vec_push(&s->drops);
		get_str(dt[MIDWAY_A_DROP_REASON], drop->reason,
			sizeof(drop->reason));
		drop->count = get_u64(dt[MIDWAY_A_DROP_COUNT], 0);
	}
}

static void stats_free(struct mw_stats *s)
{
	vec_free(&s->drops);
}

/* A port with its counters. */
struct port_entry {
	struct mw_port		port;
	struct mw_stats		stats;
};

static int collect(struct nlmsghdr *nlh, void *arg)
{
	struct nlattr *tb[MIDWAY_A_PORT_MAX + 1];
	struct port_entry e;

	if (port_parse(nlh, &e.port) || mwnl_parse(nlh, tb, MIDWAY_A_PORT_MAX))
		return 0;
	stats_parse(tb[MIDWAY_A_PORT_STATS], tb[MIDWAY_A_PORT_DROPS],
		    &e.stats);
	*(struct port_entry *)vec_push(arg) = e;
	return 0;
}

static void entries_free(struct vec *v)
{
	size_t i;

	for (i = 0; i < v->n; i++)
		stats_free(&vec_at(v, struct port_entry, i)->stats);
	vec_free(v);
}

/*
 * The ports that "[router ROUTER] [PORT]" selects, with their counters.
 * An error if PORT matches none.
 */
static int entries_get(struct cmdline *c, struct port_filter *f,
		       struct vec *v)
{
	struct vec all = VEC(struct port_entry);
	struct nl_msg *msg;
	size_t i;

	if (port_filter_parse(c, f))
		return -1;
	msg = new_msg(MIDWAY_CMD_PORT_GET, NLM_F_DUMP);
	if (f->router)
		put_uuid(msg, MIDWAY_A_PORT_ROUTER_ID, &f->rid);
	if (mwnl_request(nl(), msg, collect, &all)) {
		entries_free(&all);
		return fail_nl(nl());
	}

	for (i = 0; i < all.n; i++) {
		struct port_entry *e = vec_at(&all, struct port_entry, i);

		if (port_filter_match(f, &e->port))
			*(struct port_entry *)vec_push(v) = *e;
		else
			stats_free(&e->stats);
	}
	vec_free(&all);
	if (f->which && !v->n)
		return port_filter_none(f);
	return 0;
}

static int digits(uint64_t v)
{
	int n = 1;

	while (v >= 10) {
		v /= 10;
		n++;
	}
	return n;
}

static int max(int a, int b)
{
	return a > b ? a : b;
}

/* The width of a column: its heading and its numbers right-aligned. */
static int col_width(const char *head, uint64_t a, uint64_t b)
{
	return max(strlen(head), max(digits(a), digits(b)));
}

/*
 * One direction, as ip -s link prints it:
 *     RX:  bytes packets
 *          11760     120
 */
static void dir_print(const char *label, const char *key, uint64_t bytes,
		      uint64_t packets, int wb, int wp)
{
	out_newline("    ");
	out_text("%s", label);
	out_text("%*s", wb, "bytes");
	out_text("%*s", wp, "packets");
	out_newline("    ");
	out_text("%*s", (int)strlen(label), "");
	out_nest_begin(key);
	out_u64("bytes", NULL, bytes);
	out_text("%*" PRIu64, wb, bytes);
	out_u64("packets", NULL, packets);
	out_text("%*" PRIu64, wp, packets);
	out_nest_end();
}

/*
 * text: below the line of the object,
 *     RX:  bytes packets
 *          NNNNN   NNNNN
 *     TX:  bytes packets
 *          NNNNN   NNNNN
 *     drops: REASON REASON...       (when any)
 *                 N      N
 * JSON: "stats": { "rx": { "bytes", "packets" }, "tx": {...} } and
 * "drops": { REASON: N, ... } in the open object.
 * The same for ports and hosts.
 */
static void stats_print(const struct mw_stats *s)
{
	const char *label = "drops:";
	int wb = col_width("bytes", s->rx_bytes, s->tx_bytes);
	int wp = col_width("packets", s->rx_packets, s->tx_packets);
	size_t i;

	out_nest_begin("stats");
	dir_print("RX:", "rx", s->rx_bytes, s->rx_packets, wb, wp);
	dir_print("TX:", "tx", s->tx_bytes, s->tx_packets, wb, wp);
	out_nest_end();

	out_nest_begin("drops");
	if (s->drops.n) {
		out_newline("    ");
		out_text("%s", label);
		for (i = 0; i < s->drops.n; i++) {
			const struct mw_drop *d = vec_at(&s->drops,
							 struct mw_drop, i);

			out_text("%*s", col_width(d->reason, d->count, 0),
				 d->reason);
		}
		out_newline("    ");
		out_text("%*s", (int)strlen(label), "");
		for (i = 0; i < s->drops.n; i++) {
			const struct mw_drop *d = vec_at(&s->drops,
							 struct mw_drop, i);

			out_u64(d->reason, NULL, d->count);
			out_text("%*" PRIu64, col_width(d->reason, d->count, 0),
				 d->count);
		}
	}
	out_nest_end();
}

int do_port_stats(struct cmdline *c)
{
	struct vec v = VEC(struct port_entry);
	struct port_filter f;
	size_t i;

	if (entries_get(c, &f, &v)) {
		entries_free(&v);
		return -1;
	}
	out_list_begin();
	for (i = 0; i < v.n; i++) {
		const struct port_entry *e = vec_at(&v, struct port_entry, i);

		port_print_fields(&e->port, NULL);
		stats_print(&e->stats);
		out_obj_end();
	}
	out_list_end();
	entries_free(&v);
	return 0;
}

/* A host with its tunnel counters. */
struct host_entry {
	struct mw_host		host;
	struct mw_stats		stats;
};

static int host_collect(struct nlmsghdr *nlh, void *arg)
{
	struct nlattr *tb[MIDWAY_A_HOST_MAX + 1];
	struct host_entry e;

	if (host_parse(nlh, &e.host) || mwnl_parse(nlh, tb, MIDWAY_A_HOST_MAX))
		return 0;
	stats_parse(tb[MIDWAY_A_HOST_STATS], tb[MIDWAY_A_HOST_DROPS],
		    &e.stats);
	*(struct host_entry *)vec_push(arg) = e;
	return 0;
}

/*
 * host stats [HOST]: every host, or those that HOST names, as host show
 * prints them, each followed by its counters as port stats prints them.
 */
int do_host_stats(struct cmdline *c)
{
	struct vec v = VEC(struct host_entry);
	const char *which = cl_next(c), *arg;
	size_t i, shown = 0;
	int ret = -1;

	arg = cl_next(c);
	if (arg)
		return bad_arg(c, arg);
	if (mwnl_request(nl(), new_msg(MIDWAY_CMD_HOST_GET, NLM_F_DUMP),
			 host_collect, &v)) {
		ret = fail_nl(nl());
		goto out;
	}

	for (i = 0; i < v.n; i++) {
		const struct host_entry *e = vec_at(&v, struct host_entry, i);

		if (!which || names_match(which, &e->host.id, e->host.name))
			shown++;
	}
	if (which && !shown) {
		ret = fail("no host \"%s\"", which);
		goto out;
	}

	out_list_begin();
	for (i = 0; i < v.n; i++) {
		const struct host_entry *e = vec_at(&v, struct host_entry, i);

		if (which && !names_match(which, &e->host.id, e->host.name))
			continue;
		host_print_fields(&e->host, NULL);
		stats_print(&e->stats);
		out_obj_end();
	}
	out_list_end();
	ret = 0;
out:
	for (i = 0; i < v.n; i++)
		stats_free(&vec_at(&v, struct host_entry, i)->stats);
	vec_free(&v);
	return ret;
}

/* drops: the lines to print, and the widths of their columns. */
struct drop_line {
	const struct port_entry	*e;
	const struct mw_drop	*d;
};

struct drop_lines {
	struct vec	lines;		/* struct drop_line */
	int		w_port;
	int		w_reason;
	int		w_count;
};

static const char *port_label(const struct mw_port *p, char *buf)
{
	return p->name[0] ? p->name : mwnl_uuid_fmt(&p->id, buf);
}

static const struct mwnl_uuid *line_router(size_t i, void *arg)
{
	struct drop_lines *dl = arg;

	return &vec_at(&dl->lines, struct drop_line, i)->e->port.router;
}

/*
 * text:  PORT REASON COUNT, in columns
 * JSON:  { "router_id", "router", "port_id", "port", "reason", "count" }
 */
static void line_print(size_t i, void *arg)
{
	struct drop_lines *dl = arg;
	const struct drop_line *l = vec_at(&dl->lines, struct drop_line, i);
	const struct mw_port *p = &l->e->port;
	char id[MWNL_UUID_STRLEN], buf[MWNL_UUID_STRLEN];

	out_obj_begin();
	out_str("router_id", NULL, mwnl_uuid_fmt(&p->router, buf));
	out_str("router", NULL, label(MW_ROUTER, &p->router));
	out_str("port_id", NULL, mwnl_uuid_fmt(&p->id, id));
	out_str("port", NULL, port_label(p, id));
	out_text("%-*s", dl->w_port, port_label(p, id));
	out_str("reason", NULL, l->d->reason);
	out_text("%-*s", dl->w_reason, l->d->reason);
	out_u64("count", NULL, l->d->count);
	out_text("%*" PRIu64, dl->w_count, l->d->count);
	out_obj_end();
}

int do_drops(struct cmdline *c)
{
	struct vec v = VEC(struct port_entry);
	struct drop_lines dl = { .lines = VEC(struct drop_line) };
	const char *cmd = cl_peek(c);
	char id[MWNL_UUID_STRLEN];
	struct port_filter f;
	size_t i, j;

	if (cmd && is(cmd, "help")) {
		drops_usage();
		return 0;
	}
	if (cmd && (is(cmd, "show") || is(cmd, "list") || is(cmd, "ls")))
		cl_next(c);
	if (entries_get(c, &f, &v)) {
		entries_free(&v);
		return -1;
	}

	for (i = 0; i < v.n; i++) {
		const struct port_entry *e = vec_at(&v, struct port_entry, i);

		for (j = 0; j < e->stats.drops.n; j++) {
			const struct mw_drop *d = vec_at(&e->stats.drops,
							 struct mw_drop, j);
			struct drop_line *l;

			if (!d->count)
				continue;
			l = vec_push(&dl.lines);
			l->e = e;
			l->d = d;
			dl.w_port = max(dl.w_port,
					strlen(port_label(&e->port, id)));
			dl.w_reason = max(dl.w_reason, strlen(d->reason));
			dl.w_count = max(dl.w_count, digits(d->count));
		}
	}

	out_list_begin();
	/* Text, every router: port names need their router. */
	if (!opt_json && !f.router) {
		print_by_router(dl.lines.n, line_router, line_print, &dl);
	} else {
		for (i = 0; i < dl.lines.n; i++)
			line_print(i, &dl);
	}
	out_list_end();
	vec_free(&dl.lines);
	entries_free(&v);
	return 0;
}
