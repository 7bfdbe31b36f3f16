// SPDX-License-Identifier: GPL-2.0
/*
 * zk_put: write one node as it is, for tests that need a document mwtopo
 * would refuse to write (malformed JSON, dangling references).
 *
 *   zk_put HOSTS CREDENTIALS PATH DATA
 *
 * Creates PATH (or sets it if it exists) with DATA, authenticated with the
 * credentials file; a created node is readable by anyone. Exit 0 or 1.
 */
#include <stdio.h>
#include <string.h>

#include "zkc.h"

int main(int argc, char **argv)
{
	char err[ZKC_ERR_MAX];
	struct zkc_cred cred;
	zhandle_t *zh;
	int rc;

	if (argc != 5) {
		fprintf(stderr, "usage: zk_put HOSTS CREDENTIALS PATH DATA\n");
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
	rc = zoo_create(zh, argv[3], argv[4], strlen(argv[4]),
			&ZOO_OPEN_ACL_UNSAFE, 0, NULL, 0);
	if (rc == ZNODEEXISTS)
		rc = zoo_set(zh, argv[3], argv[4], strlen(argv[4]), -1);
	if (rc != ZOK)
		fprintf(stderr, "zk_put: %s: %s\n", argv[3], zerror(rc));
	zookeeper_close(zh);
	return rc == ZOK ? 0 : 1;
}
