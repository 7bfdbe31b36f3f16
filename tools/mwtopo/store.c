// SPDX-License-Identifier: GPL-2.0
/*
 * mwtopo: reading the topology from ZooKeeper and committing a command's
 * changes as one multi-op.
 *
 * Every command reads the whole of config/ and state/ (a CLI's topology is
 * small) and remembers each node's version and bytes. A plan stages its
 * changes as operations on nodes; the commit turns them into one zoo_multi:
 *
 *   create   a new document, with the ACL of its directory (copied, so that
 *            the operator needs no knowledge of the controller's identity)
 *   set      a changed document, at the version read; fields this version
 *            of mwtopo does not know are kept as they were
 *   touch    an unchanged document rewritten at the version read: the plan
 *            adds a reference to it (a port to its router), so a concurrent
 *            delete of it, which checks the version it read, fails
 *   check    the version only (a live host's ephemeral node, not ours to
 *            write)
 *   delete   at the version read
 *
 * A multi that fails with ZBADVERSION, ZNODEEXISTS or ZNONODE lost a race
 * with another writer: nothing of it was applied, and run_plan() reads and
 * plans again.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <search.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "mwtopo.h"

#define DOC_MAX		(64 * 1024)

/* A node as read: its version and its bytes. */
struct node {
	enum topo_kind	kind;
	char		name[TOPO_NODE_MAX];
	int32_t		version;
	char		*data;
	int		len;
};

static int node_cmp(const void *a, const void *b)
{
	const struct node *x = a, *y = b;

	if (x->kind != y->kind)
		return x->kind < y->kind ? -1 : 1;
	return strcmp(x->name, y->name);
}

static void node_free(void *p)
{
	struct node *n = p;

	free(n->data);
	free(n);
}

static const struct node *node_get(const struct store *s,
				   enum topo_kind kind, const char *name)
{
	struct node key = { .kind = kind };
	struct node *const *slot;

	if (strlen(name) >= sizeof(key.name))
		return NULL;
	strcpy(key.name, name);
	slot = tfind(&key, (void *const *)&s->nodes, node_cmp);
	return slot ? *slot : NULL;
}

int32_t store_version(const struct store *s, enum topo_kind kind,
		      const char *node)
{
	const struct node *n = node_get(s, kind, node);

	return n ? n->version : -1;
}

/* Connecting and errors --------------------------------------------------- */

const char *zk_err(int rc)
{
	switch (rc) {
	case ZNOAUTH:
		return "not authorised (wrong or missing credentials)";
	case ZCONNECTIONLOSS:
		return "connection to ZooKeeper lost";
	case ZOPERATIONTIMEOUT:
		return "ZooKeeper did not answer in time";
	case ZSESSIONEXPIRED:
		return "ZooKeeper session expired";
	default:
		return zerror(rc);
	}
}

int zk_fail(int rc, const char *what, const char *path)
{
	return fail("%s %s: %s", what, path, zk_err(rc));
}

zhandle_t *store_connect(void)
{
	char err[ZKC_ERR_MAX];
	struct zkc_cred cred = { 0 };
	zhandle_t *zh;

	if (opt.cred_file && zkc_cred_load(opt.cred_file, &cred, err)) {
		fail("credentials: %s", err);
		return NULL;
	}
	zkc_log_quiet(opt.verbose);
	if (!opt.verbose) {
		FILE *null = fopen("/dev/null", "we");

		if (null)
			zoo_set_log_stream(null);
	}
	zh = zkc_connect_sync(opt.zk, opt.timeout_ms, opt.timeout_ms, &cred,
			      err);
	if (!zh)
		fail("%s", err);
	return zh;
}

/* Reading ----------------------------------------------------------------- */

/*
 * A configuration directory itself, as a node of empty name: its version
 * guards what is unique across the directory (router and host names), by
 * stage_ref(s, tx, kind, "").
 */
static int load_node(struct store *s, enum topo_kind kind, const char *name,
		     const char *path, char *buf)
{
	struct node *n, **slot;
	struct Stat st;
	int len = DOC_MAX, rc;

	rc = zoo_get(s->zh, path, 0, buf, &len, &st);
	if (rc != ZOK)
		return zk_fail(rc, "reading", path);
	if (len < 0)
		len = 0;
	n = calloc(1, sizeof(*n));
	if (!n)
		oom();
	n->kind = kind;
	snprintf(n->name, sizeof(n->name), "%s", name);
	n->version = st.version;
	n->len = len;
	n->data = malloc(len + 1);
	if (!n->data)
		oom();
	memcpy(n->data, buf, len);
	n->data[len] = '\0';
	slot = tsearch(n, &s->nodes, node_cmp);
	if (!slot)
		oom();
	return 0;
}

static int load_dir(struct store *s, enum topo_kind kind, char *buf)
{
	char dir[ZKC_PATH_MAX], path[ZKC_PATH_MAX], err[TOPO_ERR_MAX];
	struct String_vector children = { 0 };
	struct topo_obj o;
	struct Stat st;
	int rc, ret = 0;

	zkc_path(dir, sizeof(dir), s->root, topo_dir(kind), NULL);
	rc = zoo_get_children(s->zh, dir, 0, &children);
	if (rc == ZNONODE)
		return fail("%s does not exist: run \"mwtopo init\" first (root %s)",
			    dir, s->root);
	if (rc != ZOK)
		return zk_fail(rc, "reading", dir);
	if (kind < TOPO_ALIVE) {
		ret = load_node(s, kind, "", dir, buf);
		if (ret) {
			deallocate_String_vector(&children);
			return ret;
		}
	}
	for (int i = 0; i < children.count && !ret; i++) {
		const char *name = children.data[i];
		struct node *n, **slot;
		int len = DOC_MAX;

		if (zkc_path(path, sizeof(path), s->root, topo_dir(kind),
			     name))
			continue;
		rc = zoo_get(s->zh, path, 0, buf, &len, &st);
		if (rc == ZNONODE)
			continue;	/* gone meanwhile */
		if (rc != ZOK) {
			ret = zk_fail(rc, "reading", path);
			break;
		}
		if (len < 0)
			len = 0;
		rc = topo_decode(kind, name, buf, len, &o, err);
		if (rc) {
			warn("%s: %s (ignored)", path, err);
			continue;
		}
		n = calloc(1, sizeof(*n));
		if (!n)
			oom();
		n->kind = kind;
		strcpy(n->name, o.node);
		n->version = st.version;
		n->len = len;
		n->data = malloc(len + 1);
		if (!n->data)
			oom();
		memcpy(n->data, buf, len);
		n->data[len] = '\0';
		slot = tsearch(n, &s->nodes, node_cmp);
		if (!slot)
			oom();
		if (*slot != n) {	/* two spellings of one id */
			warn("%s: a second node for %s %s (ignored)", path,
			     topo_kind_name(kind), o.node);
			node_free(n);
			continue;
		}
		if (topo_put(s->t, &o))
			oom();
	}
	deallocate_String_vector(&children);
	return ret;
}

int store_load(struct store *s)
{
	char *buf = malloc(DOC_MAX);
	int ret = 0;

	if (!buf)
		oom();
	s->t = topo_new();
	if (!s->t)
		oom();
	for (int k = 0; k < TOPO_NKINDS && !ret; k++)
		ret = load_dir(s, k, buf);
	free(buf);
	return ret;
}

void store_clear(struct store *s)
{
	topo_free(s->t);
	s->t = NULL;
	tdestroy(s->nodes, node_free);
	s->nodes = NULL;
	for (int k = 0; k < TOPO_NKINDS; k++) {
		if (s->have_acl[k])
			deallocate_ACL_vector(&s->acl[k]);
		s->have_acl[k] = false;
	}
}

int run_read(zhandle_t *zh, struct store *s)
{
	memset(s, 0, sizeof(*s));
	s->zh = zh;
	s->root = opt.root;
	s->open = !opt.cred_file;
	return store_load(s);
}

/* Staging ----------------------------------------------------------------- */

static struct txn_op *txn_find(struct txn *tx, enum topo_kind kind,
			       const char *node)
{
	for (size_t i = 0; i < tx->n; i++)
		if (tx->op[i].kind == kind && !strcmp(tx->op[i].node, node))
			return &tx->op[i];
	return NULL;
}

static int txn_add(struct txn *tx, enum txn_type type, enum topo_kind kind,
		   const char *node, int32_t version)
{
	struct txn_op *op;

	if (tx->n >= TXN_MAX)
		return fail("more than %d changes in one command", TXN_MAX);
	op = &tx->op[tx->n++];
	op->type = type;
	op->kind = kind;
	snprintf(op->node, sizeof(op->node), "%s", node);
	op->version = version;
	return 0;
}

static int internal(const char *what, enum topo_kind kind, const char *node)
{
	return fail("internal: %s %s %s twice in one command", what,
		    topo_kind_name(kind), node);
}

int stage_create(struct store *s, struct txn *tx, const struct topo_obj *o)
{
	if (txn_find(tx, o->kind, o->node))
		return internal("creating", o->kind, o->node);
	if (topo_put(s->t, o))
		oom();
	return txn_add(tx, TXN_CREATE, o->kind, o->node, -1);
}

int stage_update(struct store *s, struct txn *tx, const struct topo_obj *o)
{
	struct txn_op *op = txn_find(tx, o->kind, o->node);
	int32_t v = store_version(s, o->kind, o->node);

	if (op && op->type == TXN_DELETE)
		return internal("changing", o->kind, o->node);
	if (!op && v < 0)
		return fail("internal: %s %s was not read",
			    topo_kind_name(o->kind), o->node);
	if (topo_put(s->t, o))
		oom();
	if (op) {
		if (op->type == TXN_TOUCH || op->type == TXN_CHECK)
			op->type = TXN_SET;
		return 0;
	}
	return txn_add(tx, TXN_SET, o->kind, o->node, v);
}

int stage_delete(struct store *s, struct txn *tx, enum topo_kind kind,
		 const char *node)
{
	struct txn_op *op = txn_find(tx, kind, node);
	int32_t v = store_version(s, kind, node);
	char name[TOPO_NODE_MAX];

	snprintf(name, sizeof(name), "%s", node);	/* @node may go */
	topo_del(s->t, kind, name);
	if (!op)
		return txn_add(tx, TXN_DELETE, kind, name, v);
	switch (op->type) {
	case TXN_CREATE:
		memmove(op, op + 1, (tx->n - (op - tx->op) - 1) * sizeof(*op));
		tx->n--;
		return 0;
	case TXN_DELETE:
		return 0;
	default:
		op->type = TXN_DELETE;
		op->version = v;
		return 0;
	}
}

int stage_ref(struct store *s, struct txn *tx, enum topo_kind kind,
	      const char *node)
{
	int32_t v = store_version(s, kind, node);

	if (txn_find(tx, kind, node) || v < 0)
		return 0;
	return txn_add(tx, kind == TOPO_ALIVE || kind == TOPO_ACTIVE ?
		       TXN_CHECK : TXN_TOUCH, kind, node, v);
}

/* Committing -------------------------------------------------------------- */

/* What mwtopo writes of each kind: the rest of a document is kept. */
static const char *const known_fields[][11] = {
	[TOPO_ROUTER]	= { "name", "admin_up" },
	[TOPO_PORT]	= { "name", "router", "kind", "mac", "addr",
			    "tunnel_key", "peer", "admin_up", "vlan",
			    "proxy_arp" },
	[TOPO_ROUTE]	= { "router", "dst", "src", "type", "port",
			    "gateway", "weight" },
	[TOPO_HOST]	= { "name" },
	[TOPO_BINDING]	= { "host", "interface" },
	[TOPO_KEY]	= { "port" },
};

/*
 * The new document of a changed object: what it was, with every field
 * mwtopo knows replaced by the new encoding. A document of a newer minor
 * version keeps its version and the fields only that version knows.
 */
static char *merge_doc(const struct node *n, const char *enc,
		       enum topo_kind kind)
{
	cJSON *old, *new, *it;
	char *s;

	old = cJSON_ParseWithLength(n->data, n->len);
	new = cJSON_Parse(enc);
	if (!old || !new || !cJSON_IsObject(old)) {
		cJSON_Delete(old);
		cJSON_Delete(new);
		return strdup(enc);
	}
	for (size_t i = 0; kind < TOPO_ALIVE && i < 11 &&
	     known_fields[kind][i]; i++)
		cJSON_DeleteItemFromObjectCaseSensitive(old,
							known_fields[kind][i]);
	for (it = new->child; it; it = it->next) {
		if (cJSON_GetObjectItemCaseSensitive(old, it->string))
			continue;	/* "version" */
		cJSON_AddItemToObject(old, it->string,
				      cJSON_Duplicate(it, true));
	}
	s = cJSON_PrintUnformatted(old);
	cJSON_Delete(old);
	cJSON_Delete(new);
	return s;
}

struct commit {
	zoo_op_t		ops[TXN_MAX + 1];	/* + MWTOPO_FAULT_OP's */
	zoo_op_result_t		res[TXN_MAX + 1];
	char			*path[TXN_MAX];
	char			*data[TXN_MAX];
	char			*created[TXN_MAX];
	struct Stat		stat[TXN_MAX];
};

static const struct ACL_vector *dir_acl(struct store *s, enum topo_kind kind)
{
	char dir[ZKC_PATH_MAX];
	struct Stat st;
	int rc;

	if (s->have_acl[kind])
		return &s->acl[kind];
	zkc_path(dir, sizeof(dir), s->root, topo_dir(kind), NULL);
	rc = zoo_get_acl(s->zh, dir, &s->acl[kind], &st);
	if (rc != ZOK) {
		zk_fail(rc, "reading the ACL of", dir);
		return NULL;
	}
	s->have_acl[kind] = true;
	return &s->acl[kind];
}

static const char *op_name(enum txn_type t)
{
	static const char *const names[] = {
		[TXN_CREATE] = "creating", [TXN_SET] = "writing",
		[TXN_TOUCH] = "writing", [TXN_CHECK] = "checking",
		[TXN_DELETE] = "deleting",
	};

	return names[t];
}

/* 0 committed, 1 lost a race (plan again), -1 failed (printed). */
static int commit(struct store *s, struct txn *tx)
{
	struct commit *c;
	const char *fault;
	int ret = -1, rc;
	size_t i;

	if (!tx->n)
		return 0;
	c = calloc(1, sizeof(*c));
	if (!c)
		oom();
	for (i = 0; i < tx->n; i++) {
		const struct txn_op *op = &tx->op[i];
		const struct topo_obj *o = topo_get(s->t, op->kind, op->node);
		const struct node *n = node_get(s, op->kind, op->node);
		const struct ACL_vector *acl;
		char *enc;

		c->path[i] = malloc(ZKC_PATH_MAX);
		if (!c->path[i])
			oom();
		zkc_path(c->path[i], ZKC_PATH_MAX, s->root,
			 topo_dir(op->kind), op->node[0] ? op->node : NULL);
		switch (op->type) {
		case TXN_CREATE:
			acl = dir_acl(s, op->kind);
			if (!acl || !o)
				goto out;
			c->data[i] = topo_encode(o);
			c->created[i] = malloc(ZKC_PATH_MAX);
			if (!c->data[i] || !c->created[i])
				oom();
			zoo_create_op_init(&c->ops[i], c->path[i], c->data[i],
					   strlen(c->data[i]), acl, 0,
					   c->created[i], ZKC_PATH_MAX);
			break;
		case TXN_SET:
			if (!o || !n)
				goto out;
			enc = topo_encode(o);
			if (!enc)
				oom();
			c->data[i] = merge_doc(n, enc, op->kind);
			free(enc);
			if (!c->data[i])
				oom();
			zoo_set_op_init(&c->ops[i], c->path[i], c->data[i],
					strlen(c->data[i]), op->version,
					&c->stat[i]);
			break;
		case TXN_TOUCH:
			if (!n)
				goto out;
			zoo_set_op_init(&c->ops[i], c->path[i], n->data, n->len,
					op->version, &c->stat[i]);
			break;
		case TXN_CHECK:
			zoo_check_op_init(&c->ops[i], c->path[i], op->version);
			break;
		case TXN_DELETE:
			zoo_delete_op_init(&c->ops[i], c->path[i], op->version);
			break;
		}
		if (opt.verbose)
			fprintf(stderr, "multi: %s %s (version %d)%s%s\n",
				op_name(op->type), c->path[i], op->version,
				c->data[i] ? " " : "",
				c->data[i] ? c->data[i] : "");
	}
	fault = getenv("MWTOPO_FAULT_OP");
	if (fault && *fault) {
		/*
		 * Test hook: an op that fails (a check of a version the root
		 * never has) at index N, so that a test sees that nothing of
		 * the ops before it is applied. Its failure is final.
		 */
		size_t at = strtoul(fault, NULL, 10), n = tx->n + 1;

		if (at > tx->n)
			at = tx->n;
		memmove(&c->ops[at + 1], &c->ops[at],
			(tx->n - at) * sizeof(c->ops[0]));
		zoo_check_op_init(&c->ops[at], s->root, INT32_MAX);
		rc = zoo_multi(s->zh, n, c->ops, c->res);
		if (rc != ZOK)
			fail("writing the topology: %s (MWTOPO_FAULT_OP=%zu)",
			     zk_err(rc), at);
		ret = rc == ZOK ? 0 : -1;
		goto out;
	}
	rc = zoo_multi(s->zh, tx->n, c->ops, c->res);
	if (rc == ZOK) {
		ret = 0;
	} else if (rc == ZBADVERSION || rc == ZNODEEXISTS || rc == ZNONODE) {
		for (i = 0; i < tx->n; i++)
			if (c->res[i].err != ZOK &&
			    c->res[i].err != ZRUNTIMEINCONSISTENCY)
				break;
		if (opt.verbose)
			fprintf(stderr, "multi: lost a race: %s %s: %s\n",
				i < tx->n ? op_name(tx->op[i].type) : "?",
				i < tx->n ? c->path[i] : "?", zerror(rc));
		ret = 1;
	} else {
		for (i = 0; i < tx->n; i++)
			if (c->res[i].err != ZOK &&
			    c->res[i].err != ZRUNTIMEINCONSISTENCY)
				break;
		if (i < tx->n)
			zk_fail(rc, op_name(tx->op[i].type), c->path[i]);
		else
			fail("writing the topology: %s", zk_err(rc));
	}
out:
	for (i = 0; i < tx->n; i++) {
		free(c->path[i]);
		free(c->data[i]);
		free(c->created[i]);
	}
	free(c);
	return ret;
}

int run_plan(zhandle_t *zh, plan_fn plan, done_fn done, void *arg)
{
	static struct txn tx;
	struct store s;
	int ret;

	for (int attempt = 0; attempt < RUN_TRIES; attempt++) {
		ret = run_read(zh, &s);
		s.attempt = attempt;
		tx.n = 0;
		if (!ret)
			ret = plan(&s, &tx, arg);
		if (!ret)
			ret = commit(&s, &tx);
		if (!ret && done)
			done(&s, arg);
		store_clear(&s);
		if (ret <= 0)
			return ret;
		/*
		 * Lost a race: back off at random, up to 2 ms doubled per
		 * try, at most 256 ms, and plan again from a fresh read.
		 */
		usleep(500 + rand_u32() % (2000u << (attempt < 7 ? attempt : 7)));
	}
	return fail("the topology kept changing under this command (%d tries); nothing was written",
		    RUN_TRIES);
}

void obj_new(struct topo_obj *o, enum topo_kind kind,
	     const struct mwnl_uuid *id)
{
	topo_obj_init(o, kind);
	o->id = *id;
	mwnl_uuid_fmt(id, o->node);
}

int run_cmd(plan_fn plan, done_fn done, void *arg)
{
	zhandle_t *zh = store_connect();
	int ret;

	if (!zh)
		return -1;
	ret = run_plan(zh, plan, done, arg);
	zookeeper_close(zh);
	return ret;
}

int run_show(int (*show)(struct store *s, void *arg), void *arg)
{
	zhandle_t *zh = store_connect();
	struct store s;
	int ret;

	if (!zh)
		return -1;
	ret = run_read(zh, &s);
	if (!ret)
		ret = show(&s, arg);
	store_clear(&s);
	zookeeper_close(zh);
	return ret;
}

static void dump_one(const void *nodep, VISIT which, void *closure)
{
	const struct node *n = *(const struct node *const *)nodep;
	cJSON *doc, *j = closure;
	char path[ZKC_PATH_MAX];

	if ((which != postorder && which != leaf) || !n->name[0])
		return;	/* not the directories */
	snprintf(path, sizeof(path), "%s/%s", topo_dir(n->kind), n->name);
	doc = cJSON_ParseWithLength(n->data, n->len);
	if (!doc)
		doc = cJSON_CreateString(n->data);
	cJSON_AddItemToObject(j, path, jcheck(doc));
}

cJSON *store_dump(const struct store *s)
{
	cJSON *j = jcheck(cJSON_CreateObject());

	twalk_r(s->nodes, dump_one, j);
	return j;
}
