// SPDX-License-Identifier: GPL-2.0
/*
 * mwctl: the midway debugging command line, in the manner of ip(8).
 *
 *	mwctl [-j] [-p] OBJECT COMMAND [ARGUMENTS]
 *
 * See Documentation/man/mwctl.8.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "mwctl.h"

bool opt_json;
bool opt_pretty;

static const struct {
	const char	*name;
	int		(*run)(struct cmdline *c);
	void		(*usage)(void);
} objects[] = {
	{ "router",	do_router,	router_usage },
	{ "port",	do_port,	port_usage },
	{ "route",	do_route,	route_usage },
	{ "host",	do_host,	host_usage },
	{ "tunnel",	do_tunnel,	tunnel_usage },
	{ "neigh",	do_neigh,	neigh_usage },
	{ "drops",	do_drops,	drops_usage },
	{ "monitor",	do_monitor,	monitor_usage },
};

static void usage(void)
{
	size_t i;

	fputs("Usage: mwctl [OPTIONS] OBJECT { COMMAND | help }\n"
	      "       mwctl help\n"
	      "OBJECT := { router | port | route | host | tunnel | neigh |\n"
	      "            drops | monitor }\n"
	      "OPTIONS := { -j[son] | -p[retty] | -h[elp] }\n"
	      "\n", stdout);
	for (i = 0; i < sizeof(objects) / sizeof(objects[0]); i++)
		objects[i].usage();
}

/* "-x", "-xyz" and "--xyz" alike. */
static bool option(const char *arg, const char *shrt, const char *lng)
{
	arg += arg[1] == '-' ? 2 : 1;
	return is(arg, shrt) || is(arg, lng);
}

int main(int argc, char **argv)
{
	struct cmdline c;
	const char *obj;
	size_t i;
	int ret = -1;

	for (argc--, argv++; argc && argv[0][0] == '-' && argv[0][1];
	     argc--, argv++) {
		if (option(argv[0], "j", "json")) {
			opt_json = true;
		} else if (option(argv[0], "p", "pretty")) {
			opt_pretty = true;
		} else if (option(argv[0], "h", "help")) {
			usage();
			return 0;
		} else {
			fail("unknown option \"%s\" (try \"mwctl help\")",
			     argv[0]);
			return 1;
		}
	}
	if (!argc) {
		fail("no object given (try \"mwctl help\")");
		return 1;
	}

	obj = argv[0];
	c = (struct cmdline){ .argc = argc - 1, .argv = argv + 1,
			      .object = obj };
	if (is(obj, "help")) {
		usage();
		ret = 0;
	} else {
		for (i = 0; i < sizeof(objects) / sizeof(objects[0]); i++)
			if (is(obj, objects[i].name))
				break;
		if (i < sizeof(objects) / sizeof(objects[0]))
			ret = objects[i].run(&c);
		else
			fail("unknown object \"%s\" (try \"mwctl help\")", obj);
	}

	if (fflush(stdout) || ferror(stdout)) {
		fprintf(stderr, "Error: writing the output: %s\n",
			strerror(errno));
		return 1;
	}
	return ret ? 1 : 0;
}
