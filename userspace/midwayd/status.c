// SPDX-License-Identifier: GPL-2.0
/*
 * "midwayd status": the daemon answers every connection on a local
 * (AF_UNIX) stream socket with one JSON document and closes it; the client
 * prints it as text, or as it is with -j.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "midwayd.h"

struct daemon_stats stats;

static const char *const sess_names[] = {
	[SESS_CONNECTING] = "connecting",
	[SESS_CONNECTED] = "connected",
	[SESS_DISCONNECTED] = "disconnected",
	[SESS_EXPIRED] = "expired",
};

void stats_reject(const char *what, const char *why)
{
	int i;

	for (i = 0; i < stats.n_rej; i++)
		if (!strcmp(stats.rej[i].what, what))
			break;
	if (i < stats.n_rej && !strcmp(stats.rej[i].why, why))
		return;
	if (i == stats.n_rej) {
		if (stats.n_rej == REJECTED_MAX) {	/* forget the oldest */
			memmove(stats.rej, stats.rej + 1,
				(REJECTED_MAX - 1) * sizeof(stats.rej[0]));
			i = --stats.n_rej;
		}
		stats.n_rej++;
		warn("%s skipped: %s", what, why);
	}
	snprintf(stats.rej[i].what, sizeof(stats.rej[i].what), "%s", what);
	snprintf(stats.rej[i].why, sizeof(stats.rej[i].why), "%s", why);
}

void stats_unreject(const char *what)
{
	for (int i = 0; i < stats.n_rej; i++) {
		if (strcmp(stats.rej[i].what, what))
			continue;
		info("%s: no longer set aside", what);
		memmove(stats.rej + i, stats.rej + i + 1,
			(stats.n_rej - i - 1) * sizeof(stats.rej[0]));
		stats.n_rej--;
		return;
	}
}

static int sock_addr(const char *path, struct sockaddr_un *sa)
{
	memset(sa, 0, sizeof(*sa));
	sa->sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sa->sun_path))
		return -ENAMETOOLONG;
	strcpy(sa->sun_path, path);
	return 0;
}

int status_listen(const char *path)
{
	struct sockaddr_un sa;
	char dir[256];
	int fd;

	if (sock_addr(path, &sa))
		return -ENAMETOOLONG;
	snprintf(dir, sizeof(dir), "%s", path);
	mkdir(dirname(dir), 0755);
	unlink(path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) || listen(fd, 8)) {
		int e = errno;

		close(fd);
		return -e;
	}
	return fd;
}

static char *status_json(const struct config *c)
{
	char id[MWNL_UUID_STRLEN], addr[MWNL_PREFIX_STRLEN], sid[24];
	cJSON *doc = cJSON_CreateObject(), *rej;
	char *s;

	if (!doc)
		return NULL;
	snprintf(sid, sizeof(sid), "0x%llx",
		 (unsigned long long)stats.session_id);
	cJSON_AddStringToObject(doc, "host_id", mwnl_uuid_fmt(&c->host_id, id));
	cJSON_AddStringToObject(doc, "host_name", c->host_name);
	cJSON_AddStringToObject(doc, "underlay", mwnl_addr_fmt(c->underlay, addr));
	cJSON_AddStringToObject(doc, "zookeeper", c->zk);
	cJSON_AddStringToObject(doc, "root", c->root);
	cJSON_AddStringToObject(doc, "session", sess_names[stats.session]);
	cJSON_AddStringToObject(doc, "session_id", sid);
	cJSON_AddNumberToObject(doc, "sessions", stats.sessions);
	cJSON_AddNumberToObject(doc, "uptime_s", time(NULL) - stats.started);
	cJSON_AddNumberToObject(doc, "syncs", stats.syncs);
	cJSON_AddNumberToObject(doc, "last_sync_age_s", stats.last_sync ?
				time(NULL) - stats.last_sync : -1);
	cJSON_AddNumberToObject(doc, "last_sync_ms", stats.last_sync_ms);
	cJSON_AddNumberToObject(doc, "sync_ms_total", stats.sync_ms_total);
	cJSON_AddNumberToObject(doc, "applied", stats.applied);
	cJSON_AddNumberToObject(doc, "kernel_errors", stats.kernel_errors);
	cJSON_AddNumberToObject(doc, "documents_read", stats.docs_read);
	cJSON_AddNumberToObject(doc, "documents_rejected", stats.docs_rejected);
	cJSON_AddNumberToObject(doc, "objects_skipped", stats.objs_skipped);
	cJSON_AddNumberToObject(doc, "events_lost", stats.events_lost);
	cJSON_AddNumberToObject(doc, "active_published", stats.active_published);
	rej = cJSON_AddArrayToObject(doc, "rejected");
	for (int i = 0; rej && i < stats.n_rej; i++) {
		cJSON *e = cJSON_CreateObject();

		cJSON_AddStringToObject(e, "what", stats.rej[i].what);
		cJSON_AddStringToObject(e, "why", stats.rej[i].why);
		cJSON_AddItemToArray(rej, e);
	}
	s = cJSON_Print(doc);
	cJSON_Delete(doc);
	return s;
}

void status_serve(int lfd, const struct config *c)
{
	int fd;

	while ((fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC)) >= 0) {
		char *s = status_json(c);

		if (s) {
			size_t len = strlen(s), off = 0;

			while (off < len) {
				ssize_t n = send(fd, s + off, len - off,
						 MSG_NOSIGNAL);
				if (n <= 0)
					break;
				off += n;
			}
			free(s);
		}
		close(fd);
	}
}

static const char *jstr(cJSON *d, const char *k)
{
	cJSON *v = cJSON_GetObjectItem(d, k);

	return cJSON_IsString(v) ? v->valuestring : "?";
}

static double jnum(cJSON *d, const char *k)
{
	cJSON *v = cJSON_GetObjectItem(d, k);

	return cJSON_IsNumber(v) ? v->valuedouble : -1;
}

int status_main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "status-socket", required_argument, NULL, 's' },
		{ "json", no_argument, NULL, 'j' },
		{}
	};
	const char *path = "/run/midway/midwayd.sock";
	struct sockaddr_un sa;
	char *buf = NULL;
	size_t len = 0, cap = 0;
	bool json = false;
	cJSON *d, *rej;
	int fd, o;

	while ((o = getopt_long(argc, argv, "s:j", opts, NULL)) != -1) {
		if (o == 's')
			path = optarg;
		else if (o == 'j')
			json = true;
		else
			return 2;
	}
	if (sock_addr(path, &sa))
		return 2;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		fprintf(stderr, "midwayd status: %s: %s (is midwayd running?)\n",
			path, strerror(errno));
		return 1;
	}
	for (;;) {
		ssize_t n;

		if (cap - len < 4096) {
			cap = cap ? 2 * cap : 8192;
			buf = realloc(buf, cap);
			if (!buf)
				return 1;
		}
		n = read(fd, buf + len, cap - len - 1);
		if (n <= 0)
			break;
		len += n;
	}
	close(fd);
	if (!buf)
		return 1;
	buf[len] = '\0';
	if (json) {
		fputs(buf, stdout);
		putchar('\n');
		free(buf);
		return 0;
	}
	d = cJSON_Parse(buf);
	free(buf);
	if (!d) {
		fprintf(stderr, "midwayd status: unreadable answer\n");
		return 1;
	}
	printf("host      %s (%s), underlay %s\n", jstr(d, "host_name"),
	       jstr(d, "host_id"), jstr(d, "underlay"));
	printf("zookeeper %s%s, session %s %s (%.0f opened)\n",
	       jstr(d, "zookeeper"), jstr(d, "root"), jstr(d, "session"),
	       jstr(d, "session_id"), jnum(d, "sessions"));
	printf("sync      %.0f done, last %.0f s ago in %.1f ms, %.0f ms in all\n",
	       jnum(d, "syncs"), jnum(d, "last_sync_age_s"),
	       jnum(d, "last_sync_ms"), jnum(d, "sync_ms_total"));
	printf("kernel    %.0f requests applied, %.0f refused, %.0f event losses\n",
	       jnum(d, "applied"), jnum(d, "kernel_errors"),
	       jnum(d, "events_lost"));
	printf("documents %.0f read, %.0f rejected; %.0f objects skipped\n",
	       jnum(d, "documents_read"), jnum(d, "documents_rejected"),
	       jnum(d, "objects_skipped"));
	rej = cJSON_GetObjectItem(d, "rejected");
	for (int i = 0; i < cJSON_GetArraySize(rej); i++) {
		cJSON *e = cJSON_GetArrayItem(rej, i);

		printf("  %s: %s\n", jstr(e, "what"), jstr(e, "why"));
	}
	cJSON_Delete(d);
	return 0;
}
