// SPDX-License-Identifier: GPL-2.0
/*
 * mwtopo: objects named on the command line, by id or by name.
 *
 * Names need not be unique in ZooKeeper (another tool may write the same
 * name twice), so a name that matches several objects is an error that
 * lists them. mwtopo itself refuses a second router or host of one name,
 * and a second port of one name on a router.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mwtopo.h"

const char *obj_name(const struct topo_obj *o)
{
	switch (o->kind) {
	case TOPO_ROUTER:
		return o->router.name;
	case TOPO_PORT:
		return o->port.name;
	case TOPO_HOST:
	case TOPO_ALIVE:
		return o->host.name;
	default:
		return "";
	}
}

const char *label(const struct store *s, enum topo_kind kind,
		  const struct mwnl_uuid *id)
{
	const struct topo_obj *o = topo_get_id(s->t, kind, id);

	if (!o && kind == TOPO_HOST)
		o = topo_get_id(s->t, TOPO_ALIVE, id);
	if (!o)
		return uuid_str(id);
	return obj_name(o)[0] ? obj_name(o) : o->node;
}

struct match {
	const char		*name;
	const struct mwnl_uuid	*router;	/* ports: only this router's */
	const struct topo_obj	**hits;
	size_t			n;
	size_t			cap;
};

static int match_one(const struct topo_obj *o, void *arg)
{
	struct match *m = arg;

	if (strcmp(obj_name(o), m->name))
		return 0;
	if (m->router && !mwnl_uuid_eq(&o->port.router, m->router))
		return 0;
	if (m->n == m->cap) {
		m->cap = m->cap ? 2 * m->cap : 8;
		m->hits = realloc(m->hits, m->cap * sizeof(*m->hits));
		if (!m->hits)
			oom();
	}
	m->hits[m->n++] = o;
	return 0;
}

static void match_kind(const struct store *s, enum topo_kind kind,
		       struct match *m)
{
	topo_walk(s->t, kind, match_one, m);
}

const struct topo_obj *find_named(const struct store *s, enum topo_kind kind,
				  const char *name,
				  const struct mwnl_uuid *router)
{
	struct match m = { .name = name, .router = router };
	const struct topo_obj *o;

	match_kind(s, kind, &m);
	o = m.n ? m.hits[0] : NULL;
	free(m.hits);
	return o;
}

static void list_hits(const struct store *s, const struct match *m,
		      char *buf, size_t size)
{
	size_t off = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < m->n && off < size; i++) {
		const struct topo_obj *o = m->hits[i];
		int k;

		if (o->kind == TOPO_PORT)
			k = snprintf(buf + off, size - off, "%s%s (router %s)",
				     i ? ", " : "", o->node,
				     label(s, TOPO_ROUTER, &o->port.router));
		else
			k = snprintf(buf + off, size - off, "%s%s", i ? ", " : "",
				     o->node);
		if (k < 0)
			break;
		off += k;
	}
}

const struct topo_obj *resolve(const struct store *s, enum topo_kind kind,
			       const char *arg, const struct mwnl_uuid *scope)
{
	const char *what = topo_kind_name(kind);
	const struct topo_obj *o = NULL, *r;
	struct match m = { .name = arg };
	struct mwnl_uuid id;
	char list[1024];
	const char *slash;

	if (!mwnl_uuid_parse(arg, &id)) {
		o = topo_get_id(s->t, kind, &id);
		if (!o && kind == TOPO_HOST)
			o = topo_get_id(s->t, TOPO_ALIVE, &id);
		if (!o)
			fail("%s %s does not exist", what, arg);
		return o;
	}
	if (kind == TOPO_ROUTE) {
		fail("invalid route \"%s\" (routes are named by their id)", arg);
		return NULL;
	}
	slash = strchr(arg, '/');
	if (kind == TOPO_PORT && slash) {
		char rname[TOPO_NAME_MAX + 40];

		snprintf(rname, sizeof(rname), "%.*s", (int)(slash - arg), arg);
		r = resolve(s, TOPO_ROUTER, rname, NULL);
		if (!r)
			return NULL;
		m.name = slash + 1;
		m.router = &r->id;
	}
	match_kind(s, kind, &m);
	if (kind == TOPO_HOST) {
		/* Live hosts, unless the same host is in config/hosts. */
		struct match a = { .name = m.name };

		match_kind(s, TOPO_ALIVE, &a);
		for (size_t i = 0; i < a.n; i++) {
			if (topo_get(s->t, TOPO_HOST, a.hits[i]->node))
				continue;
			match_one(a.hits[i], &m);
		}
		free(a.hits);
	}
	if (kind == TOPO_PORT && m.n > 1 && scope && !m.router) {
		size_t j = 0;

		for (size_t i = 0; i < m.n; i++)
			if (mwnl_uuid_eq(&m.hits[i]->port.router, scope))
				m.hits[j++] = m.hits[i];
		if (j)
			m.n = j;
	}
	if (m.n == 1) {
		o = m.hits[0];
	} else if (!m.n) {
		fail("%s \"%s\" does not exist", what, arg);
	} else {
		list_hits(s, &m, list, sizeof(list));
		fail("%s name \"%s\" is ambiguous: %s (give an id%s)", what, arg,
		     list, kind == TOPO_PORT ? " or ROUTER/PORT" : "");
	}
	free(m.hits);
	return o;
}
