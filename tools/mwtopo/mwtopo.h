/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mwtopo: the operator's command line that edits the topology in ZooKeeper
 * (Documentation/zookeeper.md). Shared declarations.
 *
 * Every command parses its whole command line first (a mistake there is a
 * usage error, exit 2, before ZooKeeper is contacted). A command that
 * writes then runs as a "plan": read the whole topology (store.c), check
 * everything against it and stage its changes in a transaction (txn),
 * which is committed as ONE zoo_multi with the version of every document
 * it read and changes, or refers to anew. Nothing is written unless all of
 * it is. A commit that loses a race (ZBADVERSION, ZNODEEXISTS, ZNONODE) is
 * planned again from a fresh read: either it then succeeds, or the plan
 * itself says what is now wrong.
 *
 * Errors are printed where they are found, as one "Error: ..." line on
 * stderr, and reported up as -1 (or -2 for a usage error).
 */
#ifndef MWTOPO_H
#define MWTOPO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cJSON.h>

#include "topo.h"
#include "zkc.h"

#define EXIT_USAGE	2
#define ERR_USAGE	(-2)

/* Options (main.c) -------------------------------------------------------- */

struct options {
	const char	*zk;		/* connect string */
	const char	*root;
	const char	*cred_file;	/* NULL: none */
	int		timeout_ms;
	bool		json;
	bool		verbose;
};

extern struct options opt;

/* Errors and command lines (util.c) --------------------------------------- */

/* "Error: fmt" on stderr; returns -1. */
int fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* The same, returning ERR_USAGE (-2). */
int usage_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void __attribute__((noreturn)) oom(void);

struct cmdline {
	int		argc;
	char		**argv;
	const char	*object;	/* "router"...: for the help hint */
};

const char *cl_peek(const struct cmdline *c);
const char *cl_next(struct cmdline *c);
/* The value of keyword @kw (just consumed); NULL and a usage error if none. */
const char *cl_value(struct cmdline *c, const char *kw);
bool is(const char *arg, const char *word);
int bad_arg(const struct cmdline *c, const char *arg);
int bad_cmd(const struct cmdline *c, const char *cmd);

/* Parsers: 0, or ERR_USAGE after printing what is wrong. */
int parse_name(const char *kw, const char *s, const char **name);
int parse_uuid(const char *kw, const char *s, struct mwnl_uuid *id);
int parse_addr(const char *kw, const char *s, uint32_t *addr);
/* A route prefix: no bits beyond the length; "default" is 0.0.0.0/0. */
int parse_prefix(const char *kw, const char *s, uint32_t *addr, uint8_t *len);
/* An interface address A.B.C.D/LEN: host bits expected. */
int parse_ifaddr(const char *kw, const char *s, uint32_t *addr, uint8_t *len);
int parse_mac(const char *kw, const char *s, uint8_t mac[6]);
int parse_u32(const char *kw, const char *s, uint32_t min, uint32_t max,
	      uint32_t *val);
int parse_ifname(const char *kw, const char *s, const char **name);
int parse_updown(const char *kw, const char *s, bool *up);
int parse_onoff(const char *kw, const char *s, bool *on);

/* A random id, or @given. -1 (printed) if the system has no randomness. */
int new_id(const struct mwnl_uuid *given, struct mwnl_uuid *id);
/* A random locally administered unicast MAC. */
int new_mac(uint8_t mac[6]);
uint32_t rand_u32(void);

const char *uuid_str(const struct mwnl_uuid *id);	/* rotating buffers */
const char *prefix_str(uint32_t addr, uint8_t len);
const char *addr_str(uint32_t addr);
uint32_t prefix_mask(uint8_t len);			/* host order */
/* Does prefix a/alen contain prefix b/blen (or address b, blen 32)? */
bool prefix_contains(uint32_t a, uint8_t alen, uint32_t b, uint8_t blen);

/* The topology in ZooKeeper (store.c) ------------------------------------- */

struct node;

struct store {
	zhandle_t	*zh;
	const char	*root;
	bool		open;		/* no credentials: open ACLs */
	struct topo	*t;		/* as read, plus what is staged */
	void		*nodes;		/* tsearch of struct node: as read */
	int		attempt;	/* 0 on the first try of a plan */
	struct ACL_vector acl[TOPO_NKINDS];	/* of each directory */
	bool		have_acl[TOPO_NKINDS];
};

/* Connect with the options; NULL (printed) on failure. */
zhandle_t *store_connect(void);
/* A ZooKeeper error as text, with what it means for the operator. */
const char *zk_err(int rc);
int zk_fail(int rc, const char *what, const char *path);

/* Read every document of config/ and state/ into @s->t. */
int store_load(struct store *s);
void store_clear(struct store *s);
/* The version read of a node; -1 if it was not read. */
int32_t store_version(const struct store *s, enum topo_kind kind,
		      const char *node);

enum txn_type {
	TXN_CREATE,
	TXN_SET,
	TXN_TOUCH,	/* rewrite unchanged: a new reference to it */
	TXN_CHECK,	/* only its version (what we may not write) */
	TXN_DELETE,
};

struct txn_op {
	enum txn_type	type;
	enum topo_kind	kind;
	char		node[TOPO_NODE_MAX];
	int32_t		version;
};

#define TXN_MAX		512

struct txn {
	size_t		n;
	struct txn_op	op[TXN_MAX];
};

/*
 * Staging: each changes @s->t at once (so later checks of the same plan
 * see it) and records the node's operation. A node gets one operation:
 * touching what is created, changed or deleted adds nothing, deleting
 * what was created in the same plan drops both.
 */
int stage_create(struct store *s, struct txn *tx, const struct topo_obj *o);
int stage_update(struct store *s, struct txn *tx, const struct topo_obj *o);
int stage_delete(struct store *s, struct txn *tx, enum topo_kind kind,
		 const char *node);
/*
 * A new reference to @node (a router a port is added to...): its version
 * is checked and bumped, so that a concurrent delete of it fails.
 * Nothing for a node created by this plan. @node "" is the directory of
 * @kind itself (config only): a new router or host name touches it, so
 * that two writers cannot both take one name.
 */
int stage_ref(struct store *s, struct txn *tx, enum topo_kind kind,
	      const char *node);

/*
 * Run a writing command: up to RUN_TRIES times (writers that add to one
 * router all rewrite it, so a crowd of them conflicts and backs off), read
 * the topology, call
 * @plan, commit what it staged; once committed, @done (if not NULL) may
 * print the result from the store, which then holds what was staged.
 * 0 when committed; -1 when the plan refused (it printed why) or the
 * commit failed otherwise.
 */
#define RUN_TRIES	40
typedef int (*plan_fn)(struct store *s, struct txn *tx, void *arg);
typedef void (*done_fn)(struct store *s, void *arg);
int run_plan(zhandle_t *zh, plan_fn plan, done_fn done, void *arg);
/* Every document read, as { "config/ports/<id>": {...}, ... }. */
cJSON *store_dump(const struct store *s);
/* Connect, run_plan(), close. */
int run_cmd(plan_fn plan, done_fn done, void *arg);
/* Connect, read, @show, close. */
int run_show(int (*show)(struct store *s, void *arg), void *arg);
/* A new object of @kind with id @id (its node name). */
void obj_new(struct topo_obj *o, enum topo_kind kind,
	     const struct mwnl_uuid *id);
/* Read only: one store_load(). The caller store_clear()s. */
int run_read(zhandle_t *zh, struct store *s);

/* Names (resolve.c) ------------------------------------------------------- */

/*
 * @arg as the id or the name of exactly one object of @kind (TOPO_ROUTER,
 * TOPO_PORT, TOPO_HOST, TOPO_ROUTE: ids only). Ports: "ROUTER/PORT" too,
 * and a name matching ports of several routers picks the one of @scope
 * (a router) if given. Hosts: config/hosts and live hosts alike. NULL
 * with the error printed.
 */
const struct topo_obj *resolve(const struct store *s, enum topo_kind kind,
			       const char *arg, const struct mwnl_uuid *scope);
/* The object's name, or its id when it has none; "?" if unknown. */
const char *label(const struct store *s, enum topo_kind kind,
		  const struct mwnl_uuid *id);
const char *obj_name(const struct topo_obj *o);
/* Is a router / a port of @router / a host named @name? */
const struct topo_obj *find_named(const struct store *s, enum topo_kind kind,
				  const char *name,
				  const struct mwnl_uuid *router);

/* Output (output.c) ------------------------------------------------------- */

cJSON *json_router(const struct store *s, const struct topo_obj *o);
cJSON *json_port(const struct store *s, const struct topo_obj *o);
cJSON *json_route(const struct store *s, const struct topo_obj *o);
cJSON *json_host(const struct store *s, const struct mwnl_uuid *id);
void print_router(const struct store *s, const struct topo_obj *o,
		  const char *indent);
void print_port(const struct store *s, const struct topo_obj *o,
		const char *indent);
void print_route(const struct store *s, const struct topo_obj *o,
		 const char *indent);
void print_host(const struct store *s, const struct mwnl_uuid *id);
/* "port ID deleted", or {"object":"port","id":ID,"done":"deleted"}. */
void print_done(const char *object, const char *verb, const char *id);
/* Print @j (taken) on one line. */
void json_print(cJSON *j);
cJSON *jcheck(cJSON *j);
/* The objects of @kind in the order people read them (oom: exit). */
const struct topo_obj **sorted_list(const struct store *s,
				    enum topo_kind kind, size_t *n);
/* Is a route used now (its port usable; non-port routes always)? */
bool route_used(const struct store *s, const struct topo_obj *o);
/* The ids of every host, config and live, sorted. Free it. */
struct mwnl_uuid *host_ids(const struct store *s, size_t *n);

/* Commands ---------------------------------------------------------------- */

int do_init(struct cmdline *c);
int do_router(struct cmdline *c);
int do_port(struct cmdline *c);
int do_route(struct cmdline *c);
int do_host(struct cmdline *c);
int do_show(struct cmdline *c);
int do_dump(struct cmdline *c);
int do_provider(struct cmdline *c);
int do_tenant(struct cmdline *c);
void init_usage(void);
void router_usage(void);
void port_usage(void);
void route_usage(void);
void host_usage(void);
void show_usage(void);
void dump_usage(void);
void provider_usage(void);
void tenant_usage(void);

/* Shared by the commands that add ports and routes (port.c, route.c). */
int key_alloc(struct store *s, struct txn *tx, const struct mwnl_uuid *port,
	      uint32_t *key);
/* Stage a new port @o (id, router... set; mac and key filled if absent). */
int port_add(struct store *s, struct txn *tx, struct topo_obj *o);
/* Stage a new route @o after checking it. */
int route_add(struct store *s, struct txn *tx, struct topo_obj *o);
/* Stage binding port @port to @host interface @ifname after checking. */
int bind_add(struct store *s, struct txn *tx, const struct topo_obj *port,
	     const struct topo_obj *host, const char *ifname);
/* Check a port's own fields (address, VLAN) against its router's. */
int port_validate(const struct store *s, const struct topo_obj *o);
/* Stage deleting port @p with its key, routes and binding; clear its peer. */
int port_remove(struct store *s, struct txn *tx, const struct topo_obj *p);
/* Stage deleting a router with everything port_remove() removes. */
int router_remove(struct store *s, struct txn *tx, const struct mwnl_uuid *router);
/* What refers to port @p, as text ("route X, binding ..."); "" if nothing. */
void port_refs(const struct store *s, const struct topo_obj *p, char *buf,
	       size_t size);

#endif /* MWTOPO_H */
