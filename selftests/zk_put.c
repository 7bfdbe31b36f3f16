// SPDX-License-Identifier: GPL-2.0
/*
 * zk_put: write ZooKeeper nodes as they are, for tests that need documents
 * mwtopo would refuse to write (malformed JSON, dangling references) or
 * many of them at once (10k routes).
 *
 *   zk_put HOSTS CREDENTIALS PATH DATA    create PATH (or set it) to DATA
 *   zk_put HOSTS CREDENTIALS -            read lines from stdin:
 *                                         "create PATH DATA" or "delete PATH"
 *
 * Authenticated with the credentials file; a created node is readable by
 * anyone. Lines are written in multi-ops of up to 500. Exit 0 or 1.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "zkc.h"

#define BATCH	500

static int put_one(zhandle_t *zh, const char *path, const char *data)
{
	int rc = zoo_create(zh, path, data, strlen(data), &ZOO_OPEN_ACL_UNSAFE,
			    0, NULL, 0);

	if (rc == ZNODEEXISTS)
		rc = zoo_set(zh, path, data, strlen(data), -1);
	if (rc != ZOK)
		fprintf(stderr, "zk_put: %s: %s\n", path, zerror(rc));
	return rc == ZOK ? 0 : 1;
}

static int flush(zhandle_t *zh, zoo_op_t *ops, char **bufs, int n)
{
	zoo_op_result_t res[BATCH];
	int rc;

	if (!n)
		return 0;
	rc = zoo_multi(zh, n, ops, res);
	for (int i = 0; i < n; i++)
		free(bufs[i]);
	if (rc != ZOK) {
		for (int i = 0; i < n; i++)
			if (res[i].err != ZOK && res[i].err != ZRUNTIMEINCONSISTENCY)
				fprintf(stderr, "zk_put: op %d: %s\n", i,
					zerror(res[i].err));
		fprintf(stderr, "zk_put: multi: %s\n", zerror(rc));
		return 1;
	}
	return 0;
}

static int put_lines(zhandle_t *zh)
{
	static zoo_op_t ops[BATCH];
	static char *bufs[BATCH];
	char *line = NULL;
	size_t cap = 0;
	int n = 0, ret = 0;
	ssize_t len;

	while (!ret && (len = getline(&line, &cap, stdin)) > 0) {
		char *path, *data, *copy;

		line[strcspn(line, "\n")] = '\0';
		if (!line[0])
			continue;
		copy = strdup(line);
		if (!copy)
			return 1;
		bufs[n] = copy;
		if (!strncmp(copy, "create ", 7)) {
			path = copy + 7;
			data = strchr(path, ' ');
			if (!data)
				goto bad;
			*data++ = '\0';
			zoo_create_op_init(&ops[n], path, data, strlen(data),
					   &ZOO_OPEN_ACL_UNSAFE, 0, NULL, 0);
		} else if (!strncmp(copy, "delete ", 7)) {
			zoo_delete_op_init(&ops[n], copy + 7, -1);
		} else {
			goto bad;
		}
		if (++n == BATCH) {
			ret = flush(zh, ops, bufs, n);
			n = 0;
		}
		continue;
bad:
		fprintf(stderr, "zk_put: not \"create PATH DATA\" or \"delete PATH\": %s\n",
			line);
		free(copy);
		ret = 1;
	}
	free(line);
	if (!ret)
		ret = flush(zh, ops, bufs, n);
	return ret;
}

int main(int argc, char **argv)
{
	char err[ZKC_ERR_MAX];
	struct zkc_cred cred;
	zhandle_t *zh;
	int ret;

	if (argc != 5 && !(argc == 4 && !strcmp(argv[3], "-"))) {
		fprintf(stderr, "usage: zk_put HOSTS CREDENTIALS PATH DATA\n"
			"       zk_put HOSTS CREDENTIALS - < LINES\n");
		return 2;
	}
	zkc_log_quiet(false);
	if (zkc_cred_load(argv[2], &cred, err)) {
		fprintf(stderr, "zk_put: %s\n", err);
		return 1;
	}
	zh = zkc_connect_sync(argv[1], 10000, 10000, &cred, err);
	if (!zh) {
		fprintf(stderr, "zk_put: %s\n", err);
		return 1;
	}
	ret = argc == 4 ? put_lines(zh) : put_one(zh, argv[3], argv[4]);
	zookeeper_close(zh);
	return ret;
}
