// SPDX-License-Identifier: GPL-2.0
/*
 * midwayd's configuration: /etc/midway/midwayd.conf ("key = value" lines,
 * '#' comments), then the command line, which wins. The host id is kept in
 * <state_dir>/host-id, generated on the first start.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "midwayd.h"

#define CONF_DEFAULT	"/etc/midway/midwayd.conf"

static void usage(FILE *f)
{
	fprintf(f,
"Usage: midwayd [OPTIONS]\n"
"       midwayd status [--status-socket PATH] [-j]\n"
"\n"
"  -c, --config FILE          configuration file (" CONF_DEFAULT ")\n"
"      --zk HOSTS             ZooKeeper connect string, host:port[,...]\n"
"      --root PATH            topology root (" ZKC_ROOT_DEFAULT ")\n"
"      --session-timeout MS   ZooKeeper session timeout (10000)\n"
"      --state-dir DIR        host-id and session (/var/lib/midway)\n"
"      --host-name NAME       this host's name (the hostname)\n"
"      --underlay ADDR        this host's tunnel endpoint address\n"
"      --zk-credentials FILE  controller credentials, \"user:password\"\n"
"      --status-socket PATH   (/run/midway/midwayd.sock)\n"
"      --close-session-on-exit  on SIGTERM, end the session: this host's\n"
"                             ports stop being used at once\n"
"  -v, --verbose              debug logging; --log-level error|warning|info|debug\n"
"  -h, --help\n");
}

static int parse_level(const char *s)
{
	static const char *const lv[] = { "error", "warning", "info", "debug" };

	for (int i = 0; i < 4; i++)
		if (!strcmp(s, lv[i]))
			return i;
	return -1;
}

static int copy(char *dst, size_t size, const char *src, const char *what)
{
	if (strlen(src) >= size) {
		fprintf(stderr, "midwayd: %s is too long\n", what);
		return -1;
	}
	strcpy(dst, src);
	return 0;
}

/* One setting, from the file or the command line. */
static int set(struct config *c, const char *key, const char *val)
{
	uint32_t v;

	if (!strcmp(key, "zk"))
		return copy(c->zk, sizeof(c->zk), val, key);
	if (!strcmp(key, "root")) {
		if (!zkc_root_ok(val)) {
			fprintf(stderr, "midwayd: root \"%s\" is not an absolute path\n",
				val);
			return -1;
		}
		return copy(c->root, sizeof(c->root), val, key);
	}
	if (!strcmp(key, "session_timeout_ms")) {
		if (mwnl_u32_parse(val, 100, 3600000, &v)) {
			fprintf(stderr, "midwayd: session timeout \"%s\" is not 100..3600000 ms\n",
				val);
			return -1;
		}
		c->session_timeout_ms = v;
		return 0;
	}
	if (!strcmp(key, "state_dir"))
		return copy(c->state_dir, sizeof(c->state_dir), val, key);
	if (!strcmp(key, "host_name"))
		return copy(c->host_name, sizeof(c->host_name), val, key);
	if (!strcmp(key, "underlay")) {
		if (mwnl_addr_parse(val, &c->underlay)) {
			fprintf(stderr, "midwayd: underlay \"%s\" is not an IPv4 address\n",
				val);
			return -1;
		}
		return 0;
	}
	if (!strcmp(key, "zk_credentials"))
		return copy(c->cred_file, sizeof(c->cred_file), val, key);
	if (!strcmp(key, "status_socket"))
		return copy(c->status_sock, sizeof(c->status_sock), val, key);
	if (!strcmp(key, "close_session_on_exit")) {
		c->close_on_exit = !strcmp(val, "yes") || !strcmp(val, "true") ||
				   !strcmp(val, "1");
		return 0;
	}
	if (!strcmp(key, "log_level")) {
		c->log_level = parse_level(val);
		if (c->log_level < 0) {
			fprintf(stderr, "midwayd: log level \"%s\" is not error, warning, info or debug\n",
				val);
			return -1;
		}
		return 0;
	}
	fprintf(stderr, "midwayd: unknown setting \"%s\"\n", key);
	return -1;
}

static int load_file(struct config *c, const char *path, bool must)
{
	char line[1200];
	int lineno = 0, ret = 0;
	FILE *f = fopen(path, "re");

	if (!f) {
		if (!must && errno == ENOENT)
			return 0;
		fprintf(stderr, "midwayd: %s: %s\n", path, strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof(line), f)) {
		char *key = line, *eq, *val, *end;

		lineno++;
		key += strspn(key, " \t");
		if (*key == '#' || *key == '\n' || !*key)
			continue;
		eq = strchr(key, '=');
		if (!eq) {
			fprintf(stderr, "midwayd: %s:%d: not \"key = value\"\n",
				path, lineno);
			ret = -1;
			break;
		}
		for (end = eq; end > key && (end[-1] == ' ' || end[-1] == '\t');)
			end--;
		*end = '\0';
		val = eq + 1 + strspn(eq + 1, " \t");
		val[strcspn(val, "\r\n")] = '\0';
		for (end = val + strlen(val);
		     end > val && (end[-1] == ' ' || end[-1] == '\t');)
			*--end = '\0';
		if (set(c, key, val)) {
			fprintf(stderr, "midwayd: in %s line %d\n", path, lineno);
			ret = -1;
			break;
		}
	}
	fclose(f);
	return ret;
}

/* <state_dir>/host-id: read it, or make one and keep it. */
static int load_host_id(struct config *c)
{
	char path[300], tmp[310], buf[64];
	FILE *f;
	int fd;

	snprintf(path, sizeof(path), "%s/host-id", c->state_dir);
	f = fopen(path, "re");
	if (f) {
		bool ok = fgets(buf, sizeof(buf), f) != NULL;

		fclose(f);
		buf[strcspn(buf, "\r\n")] = '\0';
		if (!ok || mwnl_uuid_parse(buf, &c->host_id)) {
			fprintf(stderr, "midwayd: %s does not hold a host id\n",
				path);
			return -1;
		}
		return 0;
	}
	if (errno != ENOENT) {
		fprintf(stderr, "midwayd: %s: %s\n", path, strerror(errno));
		return -1;
	}
	if (mkdir(c->state_dir, 0755) && errno != EEXIST) {
		fprintf(stderr, "midwayd: %s: %s\n", c->state_dir,
			strerror(errno));
		return -1;
	}
	mwnl_uuid_random(&c->host_id);
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0 || dprintf(fd, "%s\n", mwnl_uuid_fmt(&c->host_id, buf)) < 0 ||
	    fsync(fd) || close(fd) || rename(tmp, path)) {
		fprintf(stderr, "midwayd: cannot write %s: %s\n", path,
			strerror(errno));
		return -1;
	}
	return 0;
}

int config_load(struct config *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "zk", required_argument, NULL, 1 },
		{ "root", required_argument, NULL, 2 },
		{ "session-timeout", required_argument, NULL, 3 },
		{ "state-dir", required_argument, NULL, 4 },
		{ "host-name", required_argument, NULL, 5 },
		{ "underlay", required_argument, NULL, 6 },
		{ "zk-credentials", required_argument, NULL, 7 },
		{ "status-socket", required_argument, NULL, 8 },
		{ "close-session-on-exit", no_argument, NULL, 9 },
		{ "log-level", required_argument, NULL, 10 },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{}
	};
	static const char *const keys[] = {
		[1] = "zk", [2] = "root", [3] = "session_timeout_ms",
		[4] = "state_dir", [5] = "host_name", [6] = "underlay",
		[7] = "zk_credentials", [8] = "status_socket",
		[10] = "log_level",
	};
	const char *conf = CONF_DEFAULT;
	bool conf_given = false;
	char err[ZKC_ERR_MAX];
	int o;

	memset(c, 0, sizeof(*c));
	strcpy(c->zk, "127.0.0.1:2181");
	strcpy(c->root, ZKC_ROOT_DEFAULT);
	c->session_timeout_ms = 10000;
	strcpy(c->state_dir, "/var/lib/midway");
	strcpy(c->status_sock, "/run/midway/midwayd.sock");
	c->log_level = LOG_LVL_INFO;
	if (gethostname(c->host_name, sizeof(c->host_name) - 1))
		strcpy(c->host_name, "localhost");

	/* The file first, so that the command line wins. */
	for (int i = 1; i < argc; i++) {
		if ((!strcmp(argv[i], "-c") || !strcmp(argv[i], "--config")) &&
		    i + 1 < argc) {
			conf = argv[i + 1];
			conf_given = true;
		} else if (!strncmp(argv[i], "--config=", 9)) {
			conf = argv[i] + 9;
			conf_given = true;
		}
	}
	if (load_file(c, conf, conf_given))
		return -1;

	while ((o = getopt_long(argc, argv, "c:vh", opts, NULL)) != -1) {
		switch (o) {
		case 'c':
			break;
		case 'v':
			c->log_level = LOG_LVL_DEBUG;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		case 9:
			c->close_on_exit = true;
			break;
		case '?':
			usage(stderr);
			return -1;
		default:
			if (set(c, keys[o], optarg))
				return -1;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "midwayd: unexpected argument \"%s\"\n",
			argv[optind]);
		usage(stderr);
		return -1;
	}
	if (!c->underlay) {
		fprintf(stderr, "midwayd: no underlay address (--underlay, or underlay = in %s)\n",
			conf);
		return -1;
	}
	if (c->cred_file[0] && zkc_cred_load(c->cred_file, &c->cred, err)) {
		fprintf(stderr, "midwayd: credentials: %s\n", err);
		return -1;
	}
	return load_host_id(c);
}
