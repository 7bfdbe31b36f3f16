// SPDX-License-Identifier: GPL-2.0
/*
 * mwtopo: the operator's command line for the topology in ZooKeeper.
 *
 *	mwtopo [OPTIONS] OBJECT COMMAND [ARGUMENTS]
 *
 * See Documentation/man/mwtopo.8 and Documentation/zookeeper.md.
 * Exit status: 0 done, 1 error (nothing written), 2 usage.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mwtopo.h"

#define CRED_DEFAULT	"/etc/midway/operator.cred"
#define ZK_DEFAULT	"127.0.0.1:2181"
#define TIMEOUT_DEFAULT	5000

struct options opt = {
	.zk		= ZK_DEFAULT,
	.root		= ZKC_ROOT_DEFAULT,
	.timeout_ms	= TIMEOUT_DEFAULT,
};

static const struct {
	const char	*name;
	int		(*run)(struct cmdline *c);
	void		(*usage)(void);
} objects[] = {
	{ "init",		do_init,		init_usage },
	{ "router",		do_router,	router_usage },
	{ "port",		do_port,	port_usage },
	{ "route",		do_route,	route_usage },
	{ "host",		do_host,	host_usage },
	{ "show",		do_show,	show_usage },
	{ "dump",		do_dump,	dump_usage },
	{ "provider-router",	do_provider,	provider_usage },
	{ "tenant",		do_tenant,	tenant_usage },
};

#define N_OBJECTS	(sizeof(objects) / sizeof(objects[0]))

static void usage(void)
{
	fputs("Usage: mwtopo [OPTIONS] OBJECT { COMMAND | help }\n"
	      "       mwtopo help\n"
	      "OBJECT := { init | router | port | route | host | show | dump |\n"
	      "            provider-router | tenant }\n"
	      "OPTIONS := { --zk HOSTS | --root PATH | --credentials FILE |\n"
	      "             --timeout MS | -j[son] | -v[erbose] | -h[elp] }\n"
	      "  HOSTS: host:port[,host:port...] (env MWTOPO_ZK, default "
	      ZK_DEFAULT ")\n"
	      "  FILE: one line user:password (env MWTOPO_CREDENTIALS, default "
	      CRED_DEFAULT " if it exists; \"none\": no credentials)\n"
	      "\n", stdout);
	for (size_t i = 0; i < N_OBJECTS; i++)
		objects[i].usage();
}

/* "--name VALUE" or "--name=VALUE": the value, else NULL. */
static const char *opt_value(int *argc, char ***argv, const char *name,
			     bool *bad)
{
	const char *arg = (*argv)[0];
	size_t n = strlen(name);

	if (strncmp(arg, name, n))
		return NULL;
	if (arg[n] == '=')
		return arg + n + 1;
	if (arg[n])
		return NULL;
	if (*argc < 2) {
		usage_err("option %s needs a value", name);
		*bad = true;
		return NULL;
	}
	(*argc)--;
	(*argv)++;
	return (*argv)[0];
}

static const char *cred_default(void)
{
	const char *env = getenv("MWTOPO_CREDENTIALS");

	if (env)
		return env;
	return access(CRED_DEFAULT, F_OK) == 0 ? CRED_DEFAULT : NULL;
}

int main(int argc, char **argv)
{
	struct cmdline c;
	const char *obj, *v, *env, *timeout = NULL;
	const struct {
		const char	*name;
		const char	**val;
	} globals[] = {
		{ "--zk",		&opt.zk },
		{ "--root",		&opt.root },
		{ "--credentials",	&opt.cred_file },
		{ "--timeout",		&timeout },
	};
	bool bad = false;
	uint32_t ms;
	int ret = -1;
	size_t i;

	env = getenv("MWTOPO_ZK");
	if (env && *env)
		opt.zk = env;
	opt.cred_file = cred_default();

	for (argc--, argv++; argc && argv[0][0] == '-' && argv[0][1];
	     argc--, argv++) {
		const char *a = argv[0];

		const char **dst = NULL;

		for (i = 0; i < sizeof(globals) / sizeof(globals[0]) && !dst && !bad;
		     i++) {
			v = opt_value(&argc, &argv, globals[i].name, &bad);
			if (v)
				dst = globals[i].val;
		}
		if (dst) {
			*dst = v;
		} else if (bad) {
			return EXIT_USAGE;
		} else if (is(a, "-j") || is(a, "-json") || is(a, "--json")) {
			opt.json = true;
		} else if (is(a, "-v") || is(a, "--verbose")) {
			opt.verbose = true;
		} else if (is(a, "-h") || is(a, "-help") || is(a, "--help")) {
			usage();
			return 0;
		} else {
			usage_err("unknown option \"%s\" (try \"mwtopo help\")",
				  a);
			return EXIT_USAGE;
		}
	}
	if (bad)
		return EXIT_USAGE;
	if (timeout) {
		if (parse_u32("--timeout", timeout, 100, 600000, &ms))
			return EXIT_USAGE;
		opt.timeout_ms = ms;
	}
	if (opt.cred_file && (!*opt.cred_file || is(opt.cred_file, "none")))
		opt.cred_file = NULL;
	if (!zkc_root_ok(opt.root)) {
		usage_err("invalid --root \"%s\" (an absolute path, no trailing '/')",
			  opt.root);
		return EXIT_USAGE;
	}
	if (!argc) {
		usage_err("no object given (try \"mwtopo help\")");
		return EXIT_USAGE;
	}

	obj = argv[0];
	c = (struct cmdline){ .argc = argc - 1, .argv = argv + 1,
			      .object = obj };
	if (is(obj, "help")) {
		usage();
		ret = 0;
	} else {
		for (i = 0; i < N_OBJECTS; i++)
			if (is(obj, objects[i].name))
				break;
		if (i < N_OBJECTS)
			ret = objects[i].run(&c);
		else
			ret = usage_err("unknown object \"%s\" (try \"mwtopo help\")",
					obj);
	}

	if (fflush(stdout) || ferror(stdout)) {
		fprintf(stderr, "Error: writing the output: %s\n",
			strerror(errno));
		return 1;
	}
	if (ret == ERR_USAGE)
		return EXIT_USAGE;
	return ret ? 1 : 0;
}
