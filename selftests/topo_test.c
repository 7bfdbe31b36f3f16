// SPDX-License-Identifier: GPL-2.0
/*
 * Unit test of the topology's journal of changes (userspace/lib/topo.c,
 * topo_track and topo_take_changed), which midwayd uses to compare only
 * the routes that changed. Runs on the build host, no VM.
 *
 * Prints TAP (version 13); exits 0 if every test passed, 1 if not.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "topo.h"

static int n, failed;

static void check(int cond, const char *what)
{
	printf("%sok %d - %s\n", cond ? "" : "not ", ++n, what);
	if (!cond)
		failed = 1;
}

static void obj(struct topo_obj *o, enum topo_kind kind, int i)
{
	topo_obj_init(o, kind);
	snprintf(o->node, sizeof(o->node),
		 "6d770000-0000-4000-9000-%012d", i);
}

/* Take the journal of @kind as one string "a,b,c" (names' last digits). */
static const char *take(struct topo *t, enum topo_kind kind, bool *overflow)
{
	static char buf[256];
	size_t cnt, len = 0;
	char **v = topo_take_changed(t, kind, &cnt, overflow);

	buf[0] = '\0';
	for (size_t i = 0; i < cnt; i++) {
		len += snprintf(buf + len, sizeof(buf) - len, "%s%s",
				i ? "," : "", v[i] + strlen(v[i]) - 1);
		free(v[i]);
	}
	free(v);
	return buf;
}

int main(void)
{
	struct topo *t = topo_new();
	struct topo_obj o;
	bool over;

	printf("TAP version 13\n");
	if (!t)
		return 1;

	obj(&o, TOPO_ROUTE, 1);
	topo_put(t, &o);
	check(!strcmp(take(t, TOPO_ROUTE, &over), "") && !over,
	      "nothing is noted before topo_track");

	topo_track(t, TOPO_ROUTE);
	obj(&o, TOPO_ROUTE, 3);
	topo_put(t, &o);
	obj(&o, TOPO_ROUTE, 2);
	topo_put(t, &o);
	topo_put(t, &o);		/* the same one again: noted once */
	obj(&o, TOPO_PORT, 5);
	topo_put(t, &o);		/* another kind: not tracked */
	check(!strcmp(take(t, TOPO_ROUTE, &over), "2,3") && !over,
	      "puts noted once each, in name order, of the tracked kind only");
	check(!strcmp(take(t, TOPO_ROUTE, &over), ""),
	      "taking empties the journal");

	check(topo_del(t, TOPO_ROUTE, o.node) == false,
	      "deleting what is not there changes nothing");
	obj(&o, TOPO_ROUTE, 1);
	check(topo_del(t, TOPO_ROUTE, o.node), "a delete");
	check(!strcmp(take(t, TOPO_ROUTE, &over), "1"), "a delete is noted");
	check(!strcmp(take(t, TOPO_PORT, &over), ""),
	      "an untracked kind's journal stays empty");
	check(topo_count(t, TOPO_ROUTE) == 2, "the objects are untouched");

	obj(&o, TOPO_ROUTE, 4);
	topo_put(t, &o);
	topo_del(t, TOPO_ROUTE, o.node);
	check(!strcmp(take(t, TOPO_ROUTE, &over), "4"),
	      "put then delete: noted once");

	topo_put(t, &o);		/* left in the journal: freed with t */
	topo_free(t);
	printf("1..%d\n", n);
	return failed;
}
