// SPDX-License-Identifier: GPL-2.0
/*
 * zkc: credentials, digest ACLs, paths and a synchronous connect for the
 * ZooKeeper C client. See zkc.h.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <openssl/evp.h>
#include <openssl/sha.h>

#include "zkc.h"

static int fail(char *err, int ret, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, ZKC_ERR_MAX, fmt, ap);
	va_end(ap);
	return ret;
}

int zkc_cred_load(const char *path, struct zkc_cred *c, char err[ZKC_ERR_MAX])
{
	char line[ZKC_USER_MAX + ZKC_PASS_MAX + 4], *colon;
	struct stat st;
	size_t len;
	FILE *f;

	memset(c, 0, sizeof(*c));
	f = fopen(path, "re");
	if (!f)
		return fail(err, -errno, "%s: %s", path, strerror(errno));
	if (fstat(fileno(f), &st) == 0 && (st.st_mode & 077)) {
		fclose(f);
		return fail(err, -EPERM,
			    "%s: readable by others (mode %o); chmod 600 it",
			    path, st.st_mode & 0777);
	}
	if (!fgets(line, sizeof(line), f)) {
		fclose(f);
		return fail(err, -EINVAL, "%s: empty", path);
	}
	fclose(f);
	len = strcspn(line, "\r\n");
	line[len] = '\0';
	colon = strchr(line, ':');
	if (!colon || colon == line || !colon[1])
		return fail(err, -EINVAL, "%s: not \"user:password\"", path);
	*colon = '\0';
	if (strlen(line) >= sizeof(c->user) ||
	    strlen(colon + 1) >= sizeof(c->pass))
		return fail(err, -EINVAL, "%s: user or password too long",
			    path);
	strcpy(c->user, line);
	strcpy(c->pass, colon + 1);
	c->set = true;
	return 0;
}

int zkc_cred_digest(const struct zkc_cred *c, char out[ZKC_DIGEST_MAX])
{
	char both[ZKC_USER_MAX + ZKC_PASS_MAX + 2];
	unsigned char sha[SHA_DIGEST_LENGTH];
	unsigned char b64[32];
	int n;

	n = snprintf(both, sizeof(both), "%s:%s", c->user, c->pass);
	if (n < 0 || (size_t)n >= sizeof(both))
		return -ENAMETOOLONG;
	SHA1((const unsigned char *)both, n, sha);
	EVP_EncodeBlock(b64, sha, sizeof(sha));
	n = snprintf(out, ZKC_DIGEST_MAX, "%s:%s", c->user, b64);
	return n < ZKC_DIGEST_MAX ? 0 : -ENAMETOOLONG;
}

void zkc_acls_init(struct zkc_acls *a, const char *op_digest,
		   const char *ctl_digest)
{
	static char digest[] = "digest";

	memset(a, 0, sizeof(*a));
	snprintf(a->op, sizeof(a->op), "%s", op_digest);
	snprintf(a->ctl, sizeof(a->ctl), "%s", ctl_digest);
	a->config_acl[0] = (struct ACL){ ZOO_PERM_ALL, { digest, a->op } };
	a->config_acl[1] = (struct ACL){ ZOO_PERM_READ, { digest, a->ctl } };
	a->state_acl[0] = (struct ACL){ ZOO_PERM_READ, { digest, a->op } };
	a->state_acl[1] = (struct ACL){
		ZOO_PERM_READ | ZOO_PERM_CREATE | ZOO_PERM_DELETE,
		{ digest, a->ctl } };
	a->ephemeral_acl[0] = (struct ACL){ ZOO_PERM_READ, { digest, a->op } };
	a->ephemeral_acl[1] = (struct ACL){ ZOO_PERM_ALL, { digest, a->ctl } };
	a->config = (struct ACL_vector){ 2, a->config_acl };
	a->ephemeral = (struct ACL_vector){ 2, a->ephemeral_acl };
	a->state = (struct ACL_vector){ 2, a->state_acl };
}

char *zkc_acl_encode(const struct ACL_vector *v)
{
	cJSON *doc = cJSON_CreateObject(), *arr;
	char *s = NULL;

	if (!doc)
		return NULL;
	if (!cJSON_AddStringToObject(doc, "version", "1.0"))
		goto out;
	arr = cJSON_AddArrayToObject(doc, "acl");
	if (!arr)
		goto out;
	for (int i = 0; i < v->count; i++) {
		cJSON *e = cJSON_CreateObject();

		if (!e)
			goto out;
		cJSON_AddItemToArray(arr, e);
		if (!cJSON_AddStringToObject(e, "scheme", v->data[i].id.scheme) ||
		    !cJSON_AddStringToObject(e, "id", v->data[i].id.id) ||
		    !cJSON_AddNumberToObject(e, "perms", v->data[i].perms))
			goto out;
	}
	s = cJSON_PrintUnformatted(doc);
out:
	cJSON_Delete(doc);
	return s;
}

int zkc_acl_decode(const char *data, int len, struct ACL_vector *v)
{
	cJSON *doc, *arr, *e;
	int n, i = 0, ret = -EINVAL;

	memset(v, 0, sizeof(*v));
	if (!data || len <= 0)
		return -ENOENT;
	doc = cJSON_ParseWithLength(data, len);
	if (!doc)
		return -EINVAL;
	arr = cJSON_GetObjectItemCaseSensitive(doc, "acl");
	if (!arr) {
		ret = -ENOENT;
		goto out;
	}
	n = cJSON_GetArraySize(arr);
	if (!cJSON_IsArray(arr) || n <= 0)
		goto out;
	v->data = calloc(n, sizeof(*v->data));
	if (!v->data)
		goto out;
	cJSON_ArrayForEach(e, arr) {
		cJSON *sc = cJSON_GetObjectItemCaseSensitive(e, "scheme");
		cJSON *id = cJSON_GetObjectItemCaseSensitive(e, "id");
		cJSON *pm = cJSON_GetObjectItemCaseSensitive(e, "perms");

		if (!cJSON_IsString(sc) || !cJSON_IsString(id) ||
		    !cJSON_IsNumber(pm) || pm->valueint <= 0 ||
		    pm->valueint > ZOO_PERM_ALL)
			goto bad;
		v->data[i].id.scheme = strdup(sc->valuestring);
		v->data[i].id.id = strdup(id->valuestring);
		v->data[i].perms = pm->valueint;
		v->count = ++i;
		if (!v->data[i - 1].id.scheme || !v->data[i - 1].id.id)
			goto bad;
	}
	ret = 0;
	goto out;
bad:
	deallocate_ACL_vector(v);
	memset(v, 0, sizeof(*v));
out:
	cJSON_Delete(doc);
	return ret;
}

bool zkc_root_ok(const char *root)
{
	size_t n = strlen(root);

	if (!n || root[0] != '/' || n >= ZKC_PATH_MAX / 2)
		return false;
	if (n > 1 && root[n - 1] == '/')
		return false;
	return !strstr(root, "//");
}

int zkc_path(char *buf, size_t size, const char *root, const char *dir,
	     const char *node)
{
	int n;

	if (!strcmp(root, "/"))
		root = "";
	n = snprintf(buf, size, "%s%s%s%s%s", root, dir ? "/" : "",
		     dir ?: "", node ? "/" : "", node ?: "");
	if (n < 0 || (size_t)n >= size)
		return -ENAMETOOLONG;
	if (!buf[0])
		strcpy(buf, "/");
	return 0;
}

/* Waiting for the client's threads ---------------------------------------- */

struct waiter {
	pthread_mutex_t	lock;
	pthread_cond_t	cond;
	bool		done;
	int		rc;
};

static void waiter_init(struct waiter *w)
{
	pthread_condattr_t ca;

	pthread_mutex_init(&w->lock, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&w->cond, &ca);
	pthread_condattr_destroy(&ca);
	w->done = false;
	w->rc = 0;
}

static void waiter_fire(struct waiter *w, int rc)
{
	pthread_mutex_lock(&w->lock);
	if (!w->done) {
		w->done = true;
		w->rc = rc;
	}
	pthread_cond_broadcast(&w->cond);
	pthread_mutex_unlock(&w->lock);
}

/* 0 when fired, -ETIMEDOUT otherwise. */
static int waiter_wait(struct waiter *w, int ms)
{
	struct timespec ts;
	int ret = 0;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	ts.tv_sec += ms / 1000;
	ts.tv_nsec += (long)(ms % 1000) * 1000000;
	if (ts.tv_nsec >= 1000000000) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000;
	}
	pthread_mutex_lock(&w->lock);
	while (!w->done && ret == 0)
		ret = pthread_cond_timedwait(&w->cond, &w->lock, &ts);
	ret = w->done ? 0 : -ETIMEDOUT;
	pthread_mutex_unlock(&w->lock);
	return ret;
}

static void auth_done(int rc, const void *data)
{
	waiter_fire((struct waiter *)data, rc);
}

int zkc_add_auth_sync(zhandle_t *zh, const struct zkc_cred *cred, int wait_ms)
{
	char cert[ZKC_USER_MAX + ZKC_PASS_MAX + 2];
	struct waiter *w;
	int rc, n;

	n = snprintf(cert, sizeof(cert), "%s:%s", cred->user, cred->pass);
	if (n < 0 || (size_t)n >= sizeof(cert))
		return ZBADARGUMENTS;
	/* Leaked on timeout: the completion may still run later. */
	w = malloc(sizeof(*w));
	if (!w)
		return ZSYSTEMERROR;
	waiter_init(w);
	rc = zoo_add_auth(zh, "digest", cert, n, auth_done, w);
	if (rc != ZOK) {
		free(w);
		return rc;
	}
	if (waiter_wait(w, wait_ms))
		return ZOPERATIONTIMEOUT;
	rc = w->rc;
	free(w);
	return rc;
}

static void conn_watch(zhandle_t *zh, int type, int state, const char *path,
		       void *ctx)
{
	struct waiter *w = (struct waiter *)zoo_get_context(zh);

	if (type != ZOO_SESSION_EVENT || !w)
		return;
	if (state == ZOO_CONNECTED_STATE)
		waiter_fire(w, ZOK);
	else if (state == ZOO_EXPIRED_SESSION_STATE ||
		 state == ZOO_AUTH_FAILED_STATE)
		waiter_fire(w, ZSESSIONEXPIRED);
}

zhandle_t *zkc_connect_sync(const char *hosts, int timeout_ms, int wait_ms,
			    const struct zkc_cred *cred, char err[ZKC_ERR_MAX])
{
	static struct waiter w;	/* tools connect once */
	zhandle_t *zh;
	int rc;

	waiter_init(&w);
	zh = zookeeper_init(hosts, conn_watch, timeout_ms, NULL, &w, 0);
	if (!zh) {
		fail(err, 0, "cannot connect to %s: %s", hosts,
		     strerror(errno));
		return NULL;
	}
	if (waiter_wait(&w, wait_ms) || w.rc != ZOK) {
		fail(err, 0, "no ZooKeeper session with %s within %d ms",
		     hosts, wait_ms);
		zookeeper_close(zh);
		return NULL;
	}
	if (cred && cred->set) {
		rc = zkc_add_auth_sync(zh, cred, wait_ms);
		if (rc != ZOK) {
			fail(err, 0, "authentication as %s refused: %s",
			     cred->user, zerror(rc));
			zookeeper_close(zh);
			return NULL;
		}
	}
	return zh;
}

void zkc_log_quiet(bool verbose)
{
	zoo_set_debug_level(verbose ? ZOO_LOG_LEVEL_INFO : ZOO_LOG_LEVEL_ERROR);
}
