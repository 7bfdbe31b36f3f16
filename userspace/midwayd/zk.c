// SPDX-License-Identifier: GPL-2.0
/*
 * midwayd's ZooKeeper session: it reads the configuration and state trees
 * with watches into a struct topo, and publishes this host's ephemeral
 * nodes ("host alive", "port active").
 *
 * The client's threads call our watchers and completions; they only copy
 * what they get into a queue and write to an eventfd. The main loop
 * (zk_process) does everything else, so the topology has one owner.
 *
 * Sessions: a session survives a disconnection (the client reconnects and
 * re-arms the watches itself); when it expires, a new handle opens a new
 * session, which reads everything again and re-creates the ephemeral nodes.
 * The session id is kept in <state_dir>/session, so a restarted midwayd
 * takes its session back if it has not expired: its ephemeral nodes never
 * go, and no other host sees its ports flap.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <search.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "midwayd.h"

/* The kinds midwayd reads (not config/keys). */
static const enum topo_kind read_kinds[] = {
	TOPO_ROUTER, TOPO_PORT, TOPO_ROUTE, TOPO_HOST, TOPO_BINDING,
	TOPO_ALIVE, TOPO_ACTIVE,
};
#define N_READ	(sizeof(read_kinds) / sizeof(read_kinds[0]))

enum msg_type {
	MSG_SESSION,		/* state */
	MSG_CHILD_WATCH,	/* kind */
	MSG_DATA_WATCH,		/* kind, node, event */
	MSG_CHILDREN,		/* kind, rc, names */
	MSG_DATA,		/* kind, node, rc, data */
	MSG_CREATED,		/* kind, node, rc */
};

struct msg {
	struct msg	*next;
	enum msg_type	type;
	unsigned int	gen;		/* the handle it came from */
	enum topo_kind	kind;
	char		node[TOPO_NODE_MAX];
	int		rc;		/* completion: ZOK...; watch: event */
	int		state;
	char		*data;		/* MSG_DATA */
	int		len;
	char		**names;	/* MSG_CHILDREN */
	int		n_names;
};

/* What a completion needs to know; freed when it runs. */
struct req {
	struct zk	*z;
	unsigned int	gen;
	enum topo_kind	kind;
	char		node[TOPO_NODE_MAX];
};

/* A watcher's context: one per kind and generation-free (see below). */
struct wctx {
	struct zk	*z;
	enum topo_kind	kind;
};

struct zk {
	const struct config *c;
	struct topo	*topo;
	zhandle_t	*zh;
	unsigned int	gen;		/* bumped with each new handle */
	bool		session_up;	/* connected in this handle before */
	int		efd;
	pthread_mutex_t	lock;
	struct msg	*head, **tail;
	struct wctx	wctx[TOPO_NKINDS];

	/* Reading: which lists came back, and what is in flight. */
	bool		listed[TOPO_NKINDS];
	void		*known[TOPO_NKINDS];	/* tsearch: child names */
	long		inflight;
	bool		complete;
	time_t		relist_at;		/* a missing tree: try again */
	unsigned int	retry_kinds;		/* 1 << kind: list it again */
	unsigned int	denied_told;		/* said once per session */
	unsigned int	changed_kinds;		/* 1 << kind, since taken */
	bool		urgent;			/* a node went, since taken */

	/* What this host publishes. */
	struct ACL_vector alive_acl, active_acl;
	bool		have_acls;
	void		*want_active;		/* tsearch: port node names */
	void		*creating;		/* active nodes being created */
	char		alive_path[ZKC_PATH_MAX];
};

static void push(struct zk *z, struct msg *m)
{
	uint64_t one = 1;

	pthread_mutex_lock(&z->lock);
	m->next = NULL;
	*z->tail = m;
	z->tail = &m->next;
	pthread_mutex_unlock(&z->lock);
	/* Cannot fail short of a counter overflow. */
	(void)!write(z->efd, &one, sizeof(one));
}

static struct msg *msg_new(enum msg_type type, unsigned int gen)
{
	struct msg *m = calloc(1, sizeof(*m));

	if (!m) {
		err("out of memory for a ZooKeeper event");
		abort();	/* losing one would desynchronise silently */
	}
	m->type = type;
	m->gen = gen;
	return m;
}

static void msg_free(struct msg *m)
{
	for (int i = 0; i < m->n_names; i++)
		free(m->names[i]);
	free(m->names);
	free(m->data);
	free(m);
}

/* The node's name: what follows the last '/'. */
static void basename_of(const char *path, char node[TOPO_NODE_MAX])
{
	const char *s = strrchr(path, '/');

	snprintf(node, TOPO_NODE_MAX, "%s", s ? s + 1 : path);
}

/* Callbacks: the client's threads ----------------------------------------- */

static unsigned int handle_gen(struct zk *z, zhandle_t *zh)
{
	unsigned int gen;

	pthread_mutex_lock(&z->lock);
	gen = zh == z->zh ? z->gen : 0;
	pthread_mutex_unlock(&z->lock);
	return gen;
}

static void session_watcher(zhandle_t *zh, int type, int state,
			    const char *path, void *ctx)
{
	struct zk *z = ctx;
	struct msg *m;

	if (type != ZOO_SESSION_EVENT)
		return;
	m = msg_new(MSG_SESSION, handle_gen(z, zh));
	m->state = state;
	push(z, m);
}

static void child_watcher(zhandle_t *zh, int type, int state,
			  const char *path, void *ctx)
{
	struct wctx *w = ctx;
	struct msg *m;

	if (type == ZOO_SESSION_EVENT || type == ZOO_NOTWATCHING_EVENT)
		return;
	m = msg_new(MSG_CHILD_WATCH, handle_gen(w->z, zh));
	m->kind = w->kind;
	push(w->z, m);
}

static void data_watcher(zhandle_t *zh, int type, int state,
			 const char *path, void *ctx)
{
	struct wctx *w = ctx;
	struct msg *m;

	if (type == ZOO_SESSION_EVENT || type == ZOO_NOTWATCHING_EVENT ||
	    !path)
		return;
	m = msg_new(MSG_DATA_WATCH, handle_gen(w->z, zh));
	m->kind = w->kind;
	m->rc = type;
	basename_of(path, m->node);
	push(w->z, m);
}

static void children_done(int rc, const struct String_vector *sv,
			  const struct Stat *stat, const void *data)
{
	struct req *r = (struct req *)data;
	struct msg *m = msg_new(MSG_CHILDREN, r->gen);

	m->kind = r->kind;
	m->rc = rc;
	if (rc == ZOK && sv && sv->count) {
		m->names = calloc(sv->count, sizeof(char *));
		if (!m->names)
			abort();
		for (int i = 0; i < sv->count; i++) {
			m->names[i] = strdup(sv->data[i]);
			if (!m->names[i])
				abort();
		}
		m->n_names = sv->count;
	}
	push(r->z, m);
	free(r);
}

static void data_done(int rc, const char *value, int len,
		      const struct Stat *stat, const void *data)
{
	struct req *r = (struct req *)data;
	struct msg *m = msg_new(MSG_DATA, r->gen);

	m->kind = r->kind;
	m->rc = rc;
	strcpy(m->node, r->node);
	if (rc == ZOK && value && len > 0) {
		m->data = malloc(len);
		if (!m->data)
			abort();
		memcpy(m->data, value, len);
		m->len = len;
	}
	push(r->z, m);
	free(r);
}

static void create_done(int rc, const char *value, const void *data)
{
	struct req *r = (struct req *)data;
	struct msg *m = msg_new(MSG_CREATED, r->gen);

	m->kind = r->kind;
	m->rc = rc;
	strcpy(m->node, r->node);
	push(r->z, m);
	free(r);
}

static void void_done(int rc, const void *data)
{
	struct req *r = (struct req *)data;

	if (rc != ZOK && rc != ZNONODE && rc != ZCLOSING &&
	    rc != ZSESSIONEXPIRED && rc != ZCONNECTIONLOSS)
		warn("zookeeper: deleting %s %s: %s", topo_kind_name(r->kind),
		     r->node, zerror(rc));
	free(r);
}

/* Requests: the main thread ----------------------------------------------- */

static struct req *req_new(struct zk *z, enum topo_kind kind,
			   const char *node)
{
	struct req *r = calloc(1, sizeof(*r));

	if (!r)
		abort();
	r->z = z;
	r->gen = z->gen;
	r->kind = kind;
	if (node)
		snprintf(r->node, sizeof(r->node), "%s", node);
	return r;
}

static int path_of(struct zk *z, enum topo_kind kind, const char *node,
		   char path[ZKC_PATH_MAX])
{
	return zkc_path(path, ZKC_PATH_MAX, z->c->root, topo_dir(kind), node);
}

static void list_kind(struct zk *z, enum topo_kind kind)
{
	char path[ZKC_PATH_MAX];
	struct req *r = req_new(z, kind, NULL);
	int rc;

	path_of(z, kind, NULL, path);
	rc = zoo_awget_children2(z->zh, path, child_watcher, &z->wctx[kind],
				 children_done, r);
	if (rc != ZOK) {
		free(r);
		warn("zookeeper: listing %s: %s", path, zerror(rc));
		z->retry_kinds |= 1u << kind;
		return;
	}
	z->inflight++;
}

static void get_node(struct zk *z, enum topo_kind kind, const char *node)
{
	char path[ZKC_PATH_MAX];
	struct req *r = req_new(z, kind, node);
	int rc;

	if (path_of(z, kind, node, path)) {
		free(r);
		return;
	}
	/*
	 * Route documents are written once (a change is a new route and the
	 * deletion of the old one): no data watch, so that the watches of a
	 * session stay few however many routes there are. The directory's
	 * child watch sees routes come and go.
	 */
	if (kind == TOPO_ROUTE)
		rc = zoo_aget(z->zh, path, 0, data_done, r);
	else
		rc = zoo_awget(z->zh, path, data_watcher, &z->wctx[kind],
			       data_done, r);
	if (rc != ZOK) {
		free(r);
		warn("zookeeper: reading %s: %s", path, zerror(rc));
		return;
	}
	z->inflight++;
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(a, b);
}

static void known_clear(struct zk *z)
{
	for (int k = 0; k < TOPO_NKINDS; k++) {
		tdestroy(z->known[k], free);
		z->known[k] = NULL;
		z->listed[k] = false;
	}
}

static void known_forget(struct zk *z, enum topo_kind kind, const char *node)
{
	char **slot = tfind(node, &z->known[kind], name_cmp);
	char *name;

	if (!slot)
		return;
	name = *slot;
	tdelete(node, &z->known[kind], name_cmp);
	free(name);
}

/* Ephemeral nodes --------------------------------------------------------- */

/*
 * The ACL of the nodes this controller creates in a state directory: the
 * one mwtopo init wrote as the directory's data (zkc.h says why it cannot
 * be copied from the directory's own ACL); none there (open ACLs, a
 * development set-up): the directory's ACL as it is.
 */
static int fetch_acl(struct zk *z, enum topo_kind kind, struct ACL_vector *v)
{
	char path[ZKC_PATH_MAX], buf[4096];
	int len = sizeof(buf), rc, ret;
	struct Stat st;

	path_of(z, kind, NULL, path);
	rc = zoo_get(z->zh, path, 0, buf, &len, &st);
	if (rc != ZOK) {
		if (!z->denied_told)
			warn("zookeeper: reading %s: %s", path, zerror(rc));
		return rc;
	}
	ret = zkc_acl_decode(buf, len, v);
	if (!ret)
		return ZOK;
	if (ret != -ENOENT) {
		err("zookeeper: %s: its ACL template is malformed", path);
		return ZBADARGUMENTS;
	}
	rc = zoo_get_acl(z->zh, path, v, &st);
	if (rc != ZOK)
		warn("zookeeper: reading the ACL of %s: %s", path, zerror(rc));
	return rc;
}

static void create_ephemeral(struct zk *z, enum topo_kind kind,
			     const char *node, const struct topo_obj *o)
{
	struct ACL_vector *acl = kind == TOPO_ALIVE ? &z->alive_acl :
						      &z->active_acl;
	char path[ZKC_PATH_MAX];
	char *doc;
	struct req *r;
	int rc;

	if (!z->have_acls)
		return;
	doc = topo_encode(o);
	if (!doc || path_of(z, kind, node, path)) {
		free(doc);
		return;
	}
	r = req_new(z, kind, node);
	rc = zoo_acreate(z->zh, path, doc, strlen(doc), acl, ZOO_EPHEMERAL,
			 create_done, r);
	free(doc);
	if (rc != ZOK) {
		free(r);
		warn("zookeeper: creating %s: %s", path, zerror(rc));
	}
}

static void delete_node(struct zk *z, enum topo_kind kind, const char *node)
{
	char path[ZKC_PATH_MAX];
	struct req *r = req_new(z, kind, node);

	path_of(z, kind, node, path);
	if (zoo_adelete(z->zh, path, -1, void_done, r) != ZOK)
		free(r);
}

static void publish_alive(struct zk *z)
{
	struct topo_obj o;

	topo_obj_init(&o, TOPO_ALIVE);
	mwnl_uuid_fmt(&z->c->host_id, o.node);
	o.id = z->c->host_id;
	snprintf(o.host.name, sizeof(o.host.name), "%s", z->c->host_name);
	o.host.addr = z->c->underlay;
	create_ephemeral(z, TOPO_ALIVE, o.node, &o);
}

static void publish_active(struct zk *z, const char *port)
{
	struct topo_obj o;
	char *key;

	/*
	 * One create in flight per port: until its answer, every
	 * reconciliation pass (and every PORT_STATE event) would send another,
	 * which fails with ZNODEEXISTS and costs created() a synchronous
	 * exists() in the main loop.
	 */
	if (tfind(port, &z->creating, name_cmp))
		return;
	key = strdup(port);
	if (!key || !tsearch(key, &z->creating, name_cmp))
		abort();

	topo_obj_init(&o, TOPO_ACTIVE);
	snprintf(o.node, sizeof(o.node), "%s", port);
	o.active.host = z->c->host_id;
	create_ephemeral(z, TOPO_ACTIVE, port, &o);
	stats.active_published++;
}

/* The create of @port's active node has its answer (or is void). */
static void creating_done(struct zk *z, const char *port)
{
	char **slot = tfind(port, &z->creating, name_cmp);
	char *key;

	if (slot) {
		key = *slot;
		tdelete(port, &z->creating, name_cmp);
		free(key);
	}
}

static void republish_one(const void *nodep, VISIT which, void *closure)
{
	if (which == postorder || which == leaf)
		publish_active(closure, *(char *const *)nodep);
}

/*
 * A node we create exists already: from our own earlier session (a restart
 * that could not take the session back), or a stale one. Unless this
 * session owns it, replace it.
 */
static void created(struct zk *z, struct msg *m)
{
	char path[ZKC_PATH_MAX];
	struct Stat st;
	int rc;

	if (m->kind == TOPO_ACTIVE)
		creating_done(z, m->node);
	if (m->rc == ZOK) {
		dbg("zookeeper: created %s %s", topo_kind_name(m->kind),
		    m->node);
		return;
	}
	if (m->rc != ZNODEEXISTS) {
		warn("zookeeper: creating %s %s: %s", topo_kind_name(m->kind),
		     m->node, zerror(m->rc));
		return;
	}
	path_of(z, m->kind, m->node, path);
	rc = zoo_exists(z->zh, path, 0, &st);
	if (rc == ZOK && st.ephemeralOwner == zoo_client_id(z->zh)->client_id)
		return;
	if (m->kind == TOPO_ACTIVE && !tfind(m->node, &z->want_active,
					     name_cmp))
		return;
	info("zookeeper: replacing %s, left by an earlier session", path);
	rc = zoo_delete(z->zh, path, -1);
	if (rc != ZOK && rc != ZNONODE) {
		warn("zookeeper: deleting %s: %s", path, zerror(rc));
		return;
	}
	if (m->kind == TOPO_ALIVE)
		publish_alive(z);
	else
		publish_active(z, m->node);
}

void zk_set_active(struct zk *z, const struct mwnl_uuid *port, bool up)
{
	char node[MWNL_UUID_STRLEN], *key;
	char **slot;
	const struct topo_obj *a;

	mwnl_uuid_fmt(port, node);
	slot = tfind(node, &z->want_active, name_cmp);
	if (up) {
		/*
		 * Wanted already: published in this session, or to be at its
		 * start (read_all()); a node that goes missing is published
		 * again when its directory is listed (on_children()).
		 */
		if (slot)
			return;
		key = strdup(node);
		if (!key || !tsearch(key, &z->want_active, name_cmp))
			abort();
		info("port %s is up here: publishing it active", node);
		if (z->session_up)
			publish_active(z, node);
		return;
	}
	if (slot) {
		key = *slot;
		tdelete(node, &z->want_active, name_cmp);
		free(key);
	}
	a = topo_get(z->topo, TOPO_ACTIVE, node);
	if (!slot && !(a && mwnl_uuid_eq(&a->active.host, &z->c->host_id)))
		return;
	info("port %s is down here: withdrawing it", node);
	creating_done(z, node);	/* an up after this one creates again */
	if (z->session_up)
		delete_node(z, TOPO_ACTIVE, node);
}

bool zk_is_active(struct zk *z, const struct mwnl_uuid *port)
{
	char node[MWNL_UUID_STRLEN];

	return tfind(mwnl_uuid_fmt(port, node), &z->want_active, name_cmp);
}

/* Sessions ---------------------------------------------------------------- */

static void session_file(struct zk *z, char path[300])
{
	snprintf(path, 300, "%s/session", z->c->state_dir);
}

static bool load_session(struct zk *z, clientid_t *cid)
{
	char path[300];
	ssize_t n;
	int fd;

	session_file(z, path);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	n = read(fd, cid, sizeof(*cid));
	close(fd);
	return n == sizeof(*cid) && cid->client_id;
}

static void save_session(struct zk *z)
{
	const clientid_t *cid = zoo_client_id(z->zh);
	char path[300], tmp[310];
	int fd;

	session_file(z, path);
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0 || write(fd, cid, sizeof(*cid)) != sizeof(*cid) ||
	    close(fd) || rename(tmp, path))
		warn("cannot keep the session in %s: %s", path,
		     strerror(errno));
}

static void open_handle(struct zk *z, bool resume)
{
	clientid_t cid;
	zhandle_t *zh;

	zh = zookeeper_init(z->c->zk, session_watcher, z->c->session_timeout_ms,
			    resume && load_session(z, &cid) ? &cid : NULL, z,
			    0);
	if (!zh) {
		/* Only a malformed connect string or no memory. */
		err("zookeeper: cannot open a handle for %s: %s", z->c->zk,
		    strerror(errno));
		exit(1);
	}
	pthread_mutex_lock(&z->lock);
	z->zh = zh;
	z->gen++;
	pthread_mutex_unlock(&z->lock);
	z->session_up = false;
	z->complete = false;
	z->inflight = 0;
	stats.session = SESS_CONNECTING;
}

/* Read both trees again, with fresh watches; publish what we must. */
static void read_all(struct zk *z)
{
	if (!z->have_acls &&
	    fetch_acl(z, TOPO_ALIVE, &z->alive_acl) == ZOK) {
		if (fetch_acl(z, TOPO_ACTIVE, &z->active_acl) == ZOK)
			z->have_acls = true;
		else
			deallocate_ACL_vector(&z->alive_acl);
	}
	if (z->have_acls) {
		publish_alive(z);
		tdestroy(z->creating, free);	/* a new handle's creates */
		z->creating = NULL;
		twalk_r(z->want_active, republish_one, z);
	}
	known_clear(z);
	z->complete = false;
	for (size_t i = 0; i < N_READ; i++)
		list_kind(z, read_kinds[i]);
}

/* The session is there: first time in this handle. */
static void session_start(struct zk *z)
{
	int rc;

	stats.session_id = zoo_client_id(z->zh)->client_id;
	stats.sessions++;
	info("zookeeper: session 0x%llx with %s (timeout %d ms)",
	     (unsigned long long)stats.session_id, z->c->zk,
	     zoo_recv_timeout(z->zh));
	save_session(z);
	z->denied_told = 0;
	if (z->c->cred.set) {
		rc = zkc_add_auth_sync(z->zh, &z->c->cred, 5000);
		if (rc != ZOK)
			err("zookeeper: authentication as %s: %s",
			    z->c->cred.user, zerror(rc));
	}
	if (z->have_acls) {
		deallocate_ACL_vector(&z->alive_acl);
		deallocate_ACL_vector(&z->active_acl);
		z->have_acls = false;
	}
	read_all(z);
}

static void on_session(struct zk *z, int state)
{
	if (state == ZOO_CONNECTED_STATE) {
		stats.session = SESS_CONNECTED;
		if (!z->session_up) {
			z->session_up = true;
			session_start(z);
		} else {
			info("zookeeper: reconnected, session 0x%llx kept",
			     (unsigned long long)stats.session_id);
		}
	} else if (state == ZOO_CONNECTING_STATE ||
		   state == ZOO_ASSOCIATING_STATE) {
		if (stats.session == SESS_CONNECTED)
			warn("zookeeper: disconnected; the kernel keeps what it has");
		stats.session = z->session_up ? SESS_DISCONNECTED :
						SESS_CONNECTING;
	} else if (state == ZOO_EXPIRED_SESSION_STATE) {
		warn("zookeeper: session 0x%llx expired; opening a new one",
		     (unsigned long long)stats.session_id);
		stats.session = SESS_EXPIRED;
		zookeeper_close(z->zh);
		open_handle(z, false);
	} else if (state == ZOO_AUTH_FAILED_STATE) {
		err("zookeeper: authentication failed");
	}
}

/* Reading ----------------------------------------------------------------- */

static void noop_free(void *p)
{
	(void)p;
}

struct gone {
	void	*seen;
	char	**v;
	size_t	n, cap;
};

static void collect_gone(const void *p, VISIT which, void *closure)
{
	struct gone *g = closure;
	char *name = *(char *const *)p;

	if (which != postorder && which != leaf)
		return;
	if (tfind(name, &g->seen, name_cmp))
		return;
	if (g->n == g->cap) {
		g->cap = g->cap ? 2 * g->cap : 16;
		g->v = realloc(g->v, g->cap * sizeof(*g->v));
		if (!g->v)
			abort();
	}
	g->v[g->n++] = name;
}

struct missing {
	struct zk	*z;
	void		*seen;
};

/* A port this host wants active whose node is not listed: publish it. */
static void republish_missing(const void *p, VISIT which, void *closure)
{
	struct missing *mi = closure;
	char *name = *(char *const *)p;

	if ((which == postorder || which == leaf) &&
	    !tfind(name, &mi->seen, name_cmp)) {
		dbg("zookeeper: port %s's active node is missing", name);
		publish_active(mi->z, name);
	}
}

static void on_children(struct zk *z, struct msg *m, bool *changed)
{
	struct gone g = {};
	enum topo_kind k = m->kind;
	const struct topo_obj **v;
	size_t n;

	if (m->rc == ZNONODE || m->rc == ZNOAUTH) {
		if (!z->denied_told++)
			err("zookeeper: cannot list %s/%s: %s%s", z->c->root,
			    topo_dir(k), zerror(m->rc),
			    m->rc == ZNONODE ? " (run \"mwtopo init\")" : "");
		z->relist_at = time(NULL) + 2;
		return;
	}
	if (m->rc != ZOK) {
		/*
		 * Connection loss, operation timeout: the list's child watch
		 * was not set, so nothing would ever list this directory
		 * again. List it again once connected.
		 */
		warn("zookeeper: listing %s: %s; again when connected",
		     topo_dir(k), zerror(m->rc));
		z->retry_kinds |= 1u << k;
		return;
	}
	for (int i = 0; i < m->n_names; i++) {
		char *name = m->names[i], *copy;

		if (!tsearch(name, &g.seen, name_cmp))
			abort();
		if (tfind(name, &z->known[k], name_cmp))
			continue;
		copy = strdup(name);
		if (!copy || !tsearch(copy, &z->known[k], name_cmp))
			abort();
		get_node(z, k, name);
	}
	/* Children gone: forget them, decoded or not. */
	twalk_r(z->known[k], collect_gone, &g);
	for (size_t i = 0; i < g.n; i++) {
		char *name = g.v[i];

		tdelete(name, &z->known[k], name_cmp);
		if (topo_del(z->topo, k, name)) {
			dbg("zookeeper: %s %s is gone", topo_kind_name(k),
			    name);
			*changed = true;
			z->changed_kinds |= 1u << k;
		}
		free(name);
	}
	free(g.v);
	/* Decoded objects whose name was never in the known set: none. */
	v = topo_list(z->topo, k, &n);
	for (size_t i = 0; v && i < n; i++)
		if (!tfind(v[i]->node, &g.seen, name_cmp))
			warn("zookeeper: %s %s held but not listed",
			     topo_kind_name(k), v[i]->node);
	free(v);
	if (k == TOPO_ACTIVE && z->have_acls) {
		struct missing mi = { .z = z, .seen = g.seen };

		twalk_r(z->want_active, republish_missing, &mi);
	}
	tdestroy(g.seen, noop_free);
	z->listed[k] = true;
}

static bool same_obj(const struct topo_obj *a, const struct topo_obj *b)
{
	return a && !memcmp(a, b, sizeof(*a));
}

/*
 * A node was deleted (its data watch said so, or a read found it gone):
 * out of the topology at once (a pass without gathering), and its name
 * forgotten. If the node is created again before the list its deletion
 * starts is answered (a port active again at once, a controller's new
 * session), that list still names it, and only a forgotten name is read
 * (with a new data watch) again.
 */
static void node_gone(struct zk *z, enum topo_kind kind, const char *node,
		      bool *changed)
{
	if (topo_del(z->topo, kind, node)) {
		*changed = true;
		z->changed_kinds |= 1u << kind;
		z->urgent = true;
	}
	known_forget(z, kind, node);
}

static void on_data(struct zk *z, struct msg *m, bool *changed)
{
	char path[ZKC_PATH_MAX], why[TOPO_ERR_MAX];
	struct topo_obj o;
	int ret;

	if (m->rc == ZNONODE) {	/* gone between the list and the read */
		node_gone(z, m->kind, m->node, changed);
		return;
	}
	if (m->rc != ZOK) {
		/*
		 * As for a list: no data watch was set. Forget the name, so
		 * that listing the directory again reads the document again.
		 */
		warn("zookeeper: reading %s %s: %s; again when connected",
		     topo_kind_name(m->kind), m->node, zerror(m->rc));
		known_forget(z, m->kind, m->node);
		z->retry_kinds |= 1u << m->kind;
		return;
	}
	stats.docs_read++;
	/* Objects are plain data: zero the padding for same_obj(). */
	memset(&o, 0, sizeof(o));
	ret = topo_decode(m->kind, m->node, m->data, m->len, &o, why);
	if (ret) {
		char what[TOPO_NODE_MAX + 16];

		path_of(z, m->kind, m->node, path);
		err("zookeeper: %s: %s; skipped%s", path, why,
		    topo_get(z->topo, m->kind, m->node) ?
		    " (the last good version stays)" : "");
		snprintf(what, sizeof(what), "%s %s", topo_kind_name(m->kind),
			 m->node);
		stats.docs_rejected++;
		stats_reject(what, why);
		return;
	}
	if (stats.n_rej) {
		char what[TOPO_NODE_MAX + 16];

		snprintf(what, sizeof(what), "%s %s", topo_kind_name(m->kind),
			 m->node);
		stats_unreject(what);
	}
	if (same_obj(topo_get(z->topo, m->kind, m->node), &o))
		return;
	if (topo_put(z->topo, &o))
		abort();
	*changed = true;
	z->changed_kinds |= 1u << m->kind;
}

static void on_data_watch(struct zk *z, struct msg *m, bool *changed)
{
	if (m->rc == ZOO_DELETED_EVENT) {
		node_gone(z, m->kind, m->node, changed);
		return;
	}
	if (m->rc == ZOO_CHANGED_EVENT || m->rc == ZOO_CREATED_EVENT)
		get_node(z, m->kind, m->node);
}

/* The main loop's side ---------------------------------------------------- */

unsigned int zk_take_changes(struct zk *z)
{
	unsigned int k = z->changed_kinds;

	z->changed_kinds = 0;
	return k;
}

bool zk_take_urgent(struct zk *z)
{
	bool u = z->urgent;

	z->urgent = false;
	return u;
}

bool zk_busy(struct zk *z)
{
	return z->inflight > 0;
}

int zk_fd(struct zk *z)
{
	return z->efd;
}

bool zk_process(struct zk *z, bool *changed)
{
	struct msg *m, *next;
	uint64_t cnt;

	if (read(z->efd, &cnt, sizeof(cnt)) < 0 && errno != EAGAIN)
		warn("eventfd: %s", strerror(errno));
	pthread_mutex_lock(&z->lock);
	m = z->head;
	z->head = NULL;
	z->tail = &z->head;
	pthread_mutex_unlock(&z->lock);

	for (; m; m = next) {
		next = m->next;
		if (m->gen != z->gen) {	/* from a closed handle */
			msg_free(m);
			continue;
		}
		switch (m->type) {
		case MSG_SESSION:
			on_session(z, m->state);
			break;
		case MSG_CHILD_WATCH:
			list_kind(z, m->kind);
			break;
		case MSG_DATA_WATCH:
			on_data_watch(z, m, changed);
			break;
		case MSG_CHILDREN:
			z->inflight--;
			on_children(z, m, changed);
			break;
		case MSG_DATA:
			z->inflight--;
			on_data(z, m, changed);
			break;
		case MSG_CREATED:
			created(z, m);
			break;
		}
		msg_free(m);
	}

	if (z->relist_at && time(NULL) >= z->relist_at && z->session_up &&
	    stats.session == SESS_CONNECTED) {
		z->relist_at = 0;
		read_all(z);
	}
	if (z->retry_kinds && z->session_up &&
	    stats.session == SESS_CONNECTED) {
		unsigned int kinds = z->retry_kinds;

		z->retry_kinds = 0;
		for (int k = 0; k < TOPO_NKINDS; k++)
			if (kinds & (1u << k))
				list_kind(z, k);
	}
	if (!z->complete && z->session_up && !z->inflight) {
		bool all = true;

		for (size_t i = 0; i < N_READ; i++)
			all &= z->listed[read_kinds[i]];
		if (all) {
			z->complete = true;
			info("zookeeper: topology read: %zu routers, %zu ports, %zu routes, %zu live hosts",
			     topo_count(z->topo, TOPO_ROUTER),
			     topo_count(z->topo, TOPO_PORT),
			     topo_count(z->topo, TOPO_ROUTE),
			     topo_count(z->topo, TOPO_ALIVE));
			*changed = true;
			z->changed_kinds = ~0u;
		}
	}
	return z->complete;
}

struct zk *zk_new(const struct config *c, struct topo *topo)
{
	struct zk *z = calloc(1, sizeof(*z));

	if (!z)
		return NULL;
	z->c = c;
	z->topo = topo;
	z->tail = &z->head;
	pthread_mutex_init(&z->lock, NULL);
	for (int k = 0; k < TOPO_NKINDS; k++) {
		z->wctx[k].z = z;
		z->wctx[k].kind = k;
	}
	z->efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (z->efd < 0) {
		free(z);
		return NULL;
	}
	zkc_log_quiet(c->log_level >= LOG_LVL_DEBUG);
	open_handle(z, true);
	return z;
}

void zk_free(struct zk *z, bool close_session)
{
	char path[300];

	if (close_session) {
		zookeeper_close(z->zh);
		session_file(z, path);
		unlink(path);
	}
	/*
	 * Otherwise the handle is left as it is: the process exits, the
	 * server keeps the session (and its ephemeral nodes) until it times
	 * out or the next midwayd takes it back.
	 */
}
