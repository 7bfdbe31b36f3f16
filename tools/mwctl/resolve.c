// SPDX-License-Identifier: GPL-2.0
/*
 * mwctl: names. The kernel keys objects by uuid; names are labels that need
 * not be unique. A name given on the command line is looked up by dumping
 * the objects of its type (once per run) and must match exactly one; uuids
 * in output are shown as names where there is one.
 */
#include <stdio.h>
#include <string.h>

#include "mwctl.h"

struct name {
	struct mwnl_uuid	id;
	struct mwnl_uuid	router;		/* ports: their router */
	char			name[MIDWAY_NAME_MAX];
	bool			local;		/* hosts: the local host */
};

static struct {
	struct vec	names;
	bool		loaded;
	bool		ok;
} tab[MW_NTYPES] = {
	[MW_ROUTER]	= { .names = VEC(struct name) },
	[MW_PORT]	= { .names = VEC(struct name) },
	[MW_HOST]	= { .names = VEC(struct name) },
};

static const char *const type_name[MW_NTYPES] = {
	[MW_ROUTER]	= "router",
	[MW_PORT]	= "port",
	[MW_HOST]	= "host",
};

static struct name *find(enum mw_type t, const struct mwnl_uuid *id)
{
	size_t i;

	for (i = 0; i < tab[t].names.n; i++) {
		struct name *n = vec_at(&tab[t].names, struct name, i);

		if (mwnl_uuid_eq(&n->id, id))
			return n;
	}
	return NULL;
}

void names_set(enum mw_type t, const struct mwnl_uuid *id, const char *name,
	       const struct mwnl_uuid *router)
{
	struct name *n = find(t, id);

	if (!n) {
		n = vec_push(&tab[t].names);
		n->id = *id;
	}
	snprintf(n->name, sizeof(n->name), "%s", name);
	if (router)
		n->router = *router;
}

void names_set_local(const struct mwnl_uuid *host, bool local)
{
	struct name *n = find(MW_HOST, host);

	if (!n) {
		n = vec_push(&tab[MW_HOST].names);
		n->id = *host;
	}
	n->local = local;
}

/* Dump the objects of type @t once; false if the kernel refused. */
static bool load(enum mw_type t)
{
	struct vec v;
	size_t i;
	int ret;

	if (tab[t].loaded)
		return tab[t].ok;
	tab[t].loaded = true;

	switch (t) {
	case MW_ROUTER:
		v = (struct vec)VEC(struct mw_router);
		ret = router_dump(&v);
		for (i = 0; !ret && i < v.n; i++) {
			struct mw_router *r = vec_at(&v, struct mw_router, i);

			names_set(t, &r->id, r->name, NULL);
		}
		break;
	case MW_PORT:
		v = (struct vec)VEC(struct mw_port);
		ret = port_dump(NULL, &v);
		for (i = 0; !ret && i < v.n; i++) {
			struct mw_port *p = vec_at(&v, struct mw_port, i);

			names_set(t, &p->id, p->name, &p->router);
		}
		break;
	case MW_HOST:
		v = (struct vec)VEC(struct mw_host);
		ret = host_dump(&v);
		for (i = 0; !ret && i < v.n; i++) {
			struct mw_host *h = vec_at(&v, struct mw_host, i);

			names_set(t, &h->id, h->name, NULL);
			names_set_local(&h->id, h->local);
		}
		break;
	default:
		return false;
	}
	vec_free(&v);
	tab[t].ok = !ret;
	return tab[t].ok;
}

bool names_load_all(void)
{
	bool ok = true;
	int t;

	for (t = 0; t < MW_NTYPES; t++)
		ok &= load(t);
	return ok;
}

bool names_match(const char *arg, const struct mwnl_uuid *id,
		 const char *name)
{
	struct mwnl_uuid u;

	if (!mwnl_uuid_parse(arg, &u))
		return mwnl_uuid_eq(&u, id);
	return is(arg, name);
}

int resolve(enum mw_type t, const char *arg, const struct mwnl_uuid *router,
	    struct mwnl_uuid *id)
{
	const struct name *found = NULL;
	unsigned int count = 0;
	size_t i;

	if (!mwnl_uuid_parse(arg, id))
		return 0;
	if (!load(t))
		return fail_nl(nl());

	for (i = 0; i < tab[t].names.n; i++) {
		const struct name *n = vec_at(&tab[t].names, struct name, i);

		if (!is(n->name, arg))
			continue;
		if (router && !mwnl_uuid_eq(&n->router, router))
			continue;
		found = n;
		count++;
	}
	if (!count && router)
		return fail("no %s \"%s\" in router \"%s\"", type_name[t], arg,
			    label(MW_ROUTER, router));
	if (!count)
		return fail("no %s \"%s\"", type_name[t], arg);
	if (count > 1)
		return fail("%u %ss are named \"%s\"%s; use the id", count,
			    type_name[t], arg,
			    t == MW_PORT && !router ?
				" (or give \"router ROUTER\")" : "");
	*id = found->id;
	return 0;
}

bool host_is_local(const struct mwnl_uuid *host)
{
	const struct name *n;

	load(MW_HOST);
	n = find(MW_HOST, host);
	return n && n->local;
}

const char *label(enum mw_type t, const struct mwnl_uuid *id)
{
	static char buf[4][MWNL_UUID_STRLEN];
	static unsigned int next;
	const struct name *n;

	load(t);
	n = find(t, id);
	if (n && n->name[0])
		return n->name;
	next = (next + 1) % 4;
	return mwnl_uuid_fmt(id, buf[next]);
}
