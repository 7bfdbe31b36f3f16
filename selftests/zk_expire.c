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
 * Exit 0 when the session was attached, closed, and found expired by a
 * later attach; 1 otherwise (also when it had expired before).
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

/* Attach to @cid: the state it ends in (connected, expired or 0). */
static int attach(const char *hosts, const clientid_t *cid, zhandle_t **zhp)
{
	struct timespec deadline;
	zhandle_t *zh;
	int st;

	pthread_mutex_lock(&lock);
	state = 0;
	pthread_mutex_unlock(&lock);
	zh = zookeeper_init(hosts, watcher, 10000, cid, NULL, 0);
	*zhp = zh;
	if (!zh)
		return 0;
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
	if (st == ZOO_CONNECTED_STATE &&
	    zoo_client_id(zh)->client_id != cid->client_id)
		st = 0;		/* a new session: not the one we want */
	return st;
}

int main(int argc, char **argv)
{
	clientid_t cid;
	ssize_t n;
	zhandle_t *zh = NULL;
	int fd, st;

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
	/*
	 * The owner reconnects as soon as we take its connection, and may take
	 * the session back before our close request is read. So: attach and
	 * close until an attach finds the session expired.
	 */
	for (int tries = 0; tries < 20; tries++) {
		st = attach(argv[1], &cid, &zh);
		if (st == ZOO_EXPIRED_SESSION_STATE) {
			zookeeper_close(zh);
			printf("session 0x%llx closed (%d attempts)\n",
			       (unsigned long long)cid.client_id, tries);
			return tries ? 0 : 1;	/* expired already: not by us */
		}
		if (zh)
			zookeeper_close(zh);	/* sends closeSession */
		if (st != ZOO_CONNECTED_STATE)
			break;
	}
	fprintf(stderr, "zk_expire: session 0x%llx: not closed\n",
		(unsigned long long)cid.client_id);
	return 1;
}
