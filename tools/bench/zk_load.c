// SPDX-License-Identifier: GPL-2.0
/*
 * zk_load: write many route documents into ZooKeeper at once, for the
 * controller's start-up benchmark (mwtopo runs one process per command and
 * reads the whole topology each time: far too slow for 100 000 routes).
 *
 *   zk_load -z HOSTS [-c CREDENTIALS] [--root PATH] -R ROUTER-ID -P PORT-ID
 *           -g GATEWAY [-n ROUTES] [-b BATCH] [-w WINDOW] [-d | -r]
 *
 * Writes ROUTES (100000) documents config/routes/<id>, each a valid route
 * (version 1.0, the router, dst 20.X.Y.0/24 counting up from 20.0.0.0/24,
 * type port, the port, the gateway, weight 100), encoded by topo_encode()
 * as mwtopo would, with the ACL of config/routes (as mwtopo gives its
 * documents). The ids are a random prefix and a counter. They go in
 * zoo_amulti() batches of BATCH (1000) creates, up to WINDOW (4) batches
 * in flight. The route's router and port must exist (zk_load does not
 * check them, nor the gateway's subnet: that is mwtopo's job). -d deletes
 * every route of config/routes instead (same batches). -r reads them
 * instead: one getChildren, then one asynchronous get per route, WINDOW
 * in flight (as midwayd reads them, without its processing): the rate
 * ZooKeeper and its C client manage on their own.
 *
 * Prints the count and the rate; exit status 0, or 1 on any failure.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <arpa/inet.h>

#include "topo.h"
#include "zkc.h"

struct batch {
	int		n;
	zoo_op_t	*ops;
	zoo_op_result_t	*res;
	char		(*paths)[ZKC_PATH_MAX];
	char		**docs;
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cond = PTHREAD_COND_INITIALIZER;
static int inflight, failures;
static long done_ops;

static void multi_done(int rc, const void *data)
{
	struct batch *b = (struct batch *)data;

	pthread_mutex_lock(&lock);
	if (rc != ZOK) {
		if (!failures++) {
			int i;

			for (i = 0; i < b->n && b->res[i].err == ZOK; i++)
				;
			fprintf(stderr, "zk_load: a batch failed: %s (op %d: %s, %s)\n",
				zerror(rc), i,
				i < b->n ? zerror(b->res[i].err) : "-",
				i < b->n ? b->paths[i] : "-");
		}
	} else {
		done_ops += b->n;
	}
	inflight--;
	pthread_cond_signal(&cond);
	pthread_mutex_unlock(&lock);
	for (int i = 0; i < b->n; i++)
		free(b->docs[i]);
	free(b->docs);
	free(b->paths);
	free(b->ops);
	free(b->res);
	free(b);
}

static struct batch *batch_new(int n)
{
	struct batch *b = calloc(1, sizeof(*b));

	if (!b || !(b->ops = calloc(n, sizeof(*b->ops))) ||
	    !(b->res = calloc(n, sizeof(*b->res))) ||
	    !(b->paths = calloc(n, sizeof(*b->paths))) ||
	    !(b->docs = calloc(n, sizeof(*b->docs)))) {
		fprintf(stderr, "zk_load: out of memory\n");
		exit(1);
	}
	return b;
}

static int send_batch(zhandle_t *zh, struct batch *b, int window)
{
	int rc;

	pthread_mutex_lock(&lock);
	while (inflight >= window)
		pthread_cond_wait(&cond, &lock);
	inflight++;
	pthread_mutex_unlock(&lock);
	rc = zoo_amulti(zh, b->n, b->ops, b->res, multi_done, b);
	if (rc != ZOK) {
		fprintf(stderr, "zk_load: zoo_amulti: %s\n", zerror(rc));
		pthread_mutex_lock(&lock);
		inflight--;
		pthread_mutex_unlock(&lock);
		return -1;
	}
	return 0;
}

static void wait_all(void)
{
	pthread_mutex_lock(&lock);
	while (inflight)
		pthread_cond_wait(&cond, &lock);
	pthread_mutex_unlock(&lock);
}

static void get_done(int rc, const char *value, int len,
		     const struct Stat *stat, const void *data)
{
	pthread_mutex_lock(&lock);
	if (rc != ZOK)
		failures++;
	else
		done_ops++;
	inflight--;
	pthread_cond_signal(&cond);
	pthread_mutex_unlock(&lock);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void usage(void)
{
	fprintf(stderr, "usage: zk_load -z HOSTS [-c CREDENTIALS] [--root PATH] -R ROUTER-ID -P PORT-ID -g GATEWAY [-n ROUTES] [-b BATCH] [-w WINDOW] [-d]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	static const struct option lopts[] = {
		{ "root", required_argument, NULL, 1 },
		{ NULL, 0, NULL, 0 },
	};
	const char *hosts = NULL, *cred_file = NULL, *root = ZKC_ROOT_DEFAULT;
	struct mwnl_uuid router = {}, port = {}, base;
	uint32_t gw = 0;
	long routes = 100000;
	int bsize = 1000, window = 4, opt, del = 0, rd = 0;
	char err[ZKC_ERR_MAX], dir[ZKC_PATH_MAX];
	struct zkc_cred cred = {};
	struct ACL_vector acl;
	struct Stat st;
	zhandle_t *zh;
	double t0, t;

	while ((opt = getopt_long(argc, argv, "z:c:R:P:g:n:b:w:dr", lopts,
				  NULL)) != -1) {
		switch (opt) {
		case 'z': hosts = optarg; break;
		case 'c': cred_file = optarg; break;
		case 1: root = optarg; break;
		case 'R': if (mwnl_uuid_parse(optarg, &router)) usage(); break;
		case 'P': if (mwnl_uuid_parse(optarg, &port)) usage(); break;
		case 'g': if (mwnl_addr_parse(optarg, &gw)) usage(); break;
		case 'n': routes = atol(optarg); break;
		case 'b': bsize = atoi(optarg); break;
		case 'w': window = atoi(optarg); break;
		case 'd': del = 1; break;
		case 'r': rd = 1; break;
		default: usage();
		}
	}
	if (!hosts || bsize < 1 || window < 1 ||
	    (!del && !rd && (mwnl_uuid_is_zero(&router) || mwnl_uuid_is_zero(&port) ||
		      routes < 1 || routes > (1L << 24))))
		usage();
	if (cred_file && zkc_cred_load(cred_file, &cred, err)) {
		fprintf(stderr, "zk_load: %s\n", err);
		return 1;
	}
	zkc_log_quiet(false);
	zh = zkc_connect_sync(hosts, 30000, 30000, &cred, err);
	if (!zh) {
		fprintf(stderr, "zk_load: %s\n", err);
		return 1;
	}
	zkc_path(dir, sizeof(dir), root, topo_dir(TOPO_ROUTE), NULL);
	t0 = now();

	if (rd) {
		struct String_vector sv = {};
		int rc = zoo_get_children(zh, dir, 0, &sv);
		double tl = now() - t0;

		if (rc != ZOK) {
			fprintf(stderr, "zk_load: listing %s: %s\n", dir,
				zerror(rc));
			return 1;
		}
		t0 = now();
		for (int i = 0; i < sv.count; i++) {
			char path[ZKC_PATH_MAX];

			pthread_mutex_lock(&lock);
			while (inflight >= window)
				pthread_cond_wait(&cond, &lock);
			inflight++;
			pthread_mutex_unlock(&lock);
			zkc_path(path, sizeof(path), root,
				 topo_dir(TOPO_ROUTE), sv.data[i]);
			if (zoo_aget(zh, path, 0, get_done, NULL) != ZOK) {
				fprintf(stderr, "zk_load: zoo_aget failed\n");
				return 1;
			}
		}
		wait_all();
		t = now() - t0;
		printf("zk_load: listed %d routes in %.2f s, read them one by one (%d gets in flight at most) in %.2f s: %.0f gets/s\n",
		       sv.count, tl, window, t, done_ops / t);
		printf("RESULT zk_read routes=%d list_s=%.2f get_s=%.2f gets_per_s=%.0f\n",
		       sv.count, tl, t, done_ops / t);
		return failures ? 1 : 0;
	}
	if (del) {
		struct String_vector sv = {};
		int rc = zoo_get_children(zh, dir, 0, &sv);
		struct batch *b = NULL;

		if (rc != ZOK) {
			fprintf(stderr, "zk_load: listing %s: %s\n", dir,
				zerror(rc));
			return 1;
		}
		for (int i = 0; i < sv.count; i++) {
			if (!b)
				b = batch_new(bsize);
			zkc_path(b->paths[b->n], ZKC_PATH_MAX, root,
				 topo_dir(TOPO_ROUTE), sv.data[i]);
			zoo_delete_op_init(&b->ops[b->n], b->paths[b->n], -1);
			if (++b->n == bsize || i == sv.count - 1) {
				if (send_batch(zh, b, window))
					return 1;
				b = NULL;
			}
		}
		wait_all();
		t = now() - t0;
		printf("zk_load: %ld routes deleted in %.2f s\n", done_ops, t);
		deallocate_String_vector(&sv);
		zookeeper_close(zh);
		return failures ? 1 : 0;
	}

	if (zoo_get_acl(zh, dir, &acl, &st) != ZOK) {
		fprintf(stderr, "zk_load: cannot read the ACL of %s\n", dir);
		return 1;
	}
	mwnl_uuid_random(&base);
	for (long i = 0; i < routes;) {
		struct batch *b = batch_new(bsize);

		for (; b->n < bsize && i < routes; i++) {
			struct topo_obj o;
			char node[MWNL_UUID_STRLEN];

			topo_obj_init(&o, TOPO_ROUTE);
			o.id = base;
			o.id.b[12] = i >> 24;
			o.id.b[13] = i >> 16;
			o.id.b[14] = i >> 8;
			o.id.b[15] = i;
			mwnl_uuid_fmt(&o.id, node);
			snprintf(o.node, sizeof(o.node), "%s", node);
			o.route.router = router;
			o.route.dst = htonl(0x14000000u | (uint32_t)i << 8);
			o.route.dst_len = 24;
			o.route.type = MIDWAY_NH_PORT;
			o.route.port = port;
			o.route.gateway = gw;
			o.route.weight = TOPO_WEIGHT_DEFAULT;
			b->docs[b->n] = topo_encode(&o);
			if (!b->docs[b->n]) {
				fprintf(stderr, "zk_load: out of memory\n");
				return 1;
			}
			zkc_path(b->paths[b->n], ZKC_PATH_MAX, root,
				 topo_dir(TOPO_ROUTE), node);
			zoo_create_op_init(&b->ops[b->n], b->paths[b->n],
					   b->docs[b->n],
					   strlen(b->docs[b->n]), &acl, 0,
					   NULL, 0);
			b->n++;
		}
		if (send_batch(zh, b, window))
			return 1;
		if (failures)
			break;
	}
	wait_all();
	t = now() - t0;
	printf("zk_load: %ld routes written in %.2f s (%.0f routes/s, batches of %d, %d in flight)\n",
	       done_ops, t, done_ops / t, bsize, window);
	printf("RESULT zk_load routes=%ld seconds=%.2f\n", done_ops, t);
	zookeeper_close(zh);
	return failures || done_ops != routes ? 1 : 0;
}
