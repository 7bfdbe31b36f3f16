// SPDX-License-Identifier: GPL-2.0
/*
 * zk_expire: end a ZooKeeper session that another client holds, the way
 * ZooKeeper's own tests do: attach to it with its id and password (from
 * midwayd's <state_dir>/session file, a clientid_t), then close it. The
 * server deletes the session's ephemeral nodes; the owner learns on its
 * next contact that its session expired.
 *
 *   zk_expire HOSTS SESSION_FILE
 *
 * Exit 0 when the session was attached and closed, 1 otherwise.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <zookeeper/zookeeper.h>

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cond = PTHREAD_COND_INITIALIZER;
static int state;

static void watcher(zhandle_t *zh, int type, int st, const char *path,
		    void *ctx)
{
	if (type != ZOO_SESSION_EVENT)
		return;
	pthread_mutex_lock(&lock);
	state = st;
	pthread_cond_signal(&cond);
	pthread_mutex_unlock(&lock);
}

int main(int argc, char **argv)
{
	struct timespec deadline;
	clientid_t cid;
	zhandle_t *zh;
	ssize_t n;
	int fd, st, rc;

	if (argc != 3) {
		fprintf(stderr, "usage: zk_expire HOSTS SESSION_FILE\n");
		return 2;
	}
	fd = open(argv[2], O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "zk_expire: %s: %s\n", argv[2], strerror(errno));
		return 1;
	}
	n = read(fd, &cid, sizeof(cid));
	close(fd);
	if (n != sizeof(cid) || !cid.client_id) {
		fprintf(stderr, "zk_expire: %s: not a session file\n", argv[2]);
		return 1;
	}
	zoo_set_debug_level(ZOO_LOG_LEVEL_ERROR);
	zh = zookeeper_init(argv[1], watcher, 10000, &cid, NULL, 0);
	if (!zh) {
		fprintf(stderr, "zk_expire: %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	clock_gettime(CLOCK_REALTIME, &deadline);
	deadline.tv_sec += 10;
	pthread_mutex_lock(&lock);
	while (state != ZOO_CONNECTED_STATE &&
	       state != ZOO_EXPIRED_SESSION_STATE &&
	       state != ZOO_AUTH_FAILED_STATE)
		if (pthread_cond_timedwait(&cond, &lock, &deadline))
			break;
	st = state;
	pthread_mutex_unlock(&lock);
	if (st != ZOO_CONNECTED_STATE ||
	    zoo_client_id(zh)->client_id != cid.client_id) {
		fprintf(stderr, "zk_expire: session 0x%llx not attached%s\n",
			(unsigned long long)cid.client_id,
			st == ZOO_EXPIRED_SESSION_STATE ? ": expired already" : "");
		zookeeper_close(zh);
		return 1;
	}
	rc = zookeeper_close(zh);	/* sends closeSession and waits */
	if (rc != ZOK) {
		fprintf(stderr, "zk_expire: close: %s\n", zerror(rc));
		return 1;
	}
	printf("session 0x%llx closed\n", (unsigned long long)cid.client_id);
	return 0;
}
