/* SPDX-License-Identifier: GPL-2.0 */
/*
 * topo: the topology's documents in ZooKeeper (Documentation/zookeeper.md),
 * their JSON form (cJSON) and an in-memory set of them. Shared by midwayd,
 * which reads them, and mwtopo, which writes them. No ZooKeeper code here.
 *
 * A topo_obj is one document: its kind says where it lives (topo_dir()),
 * its name is the node's name (an id, or for a tunnel key the key in
 * decimal). A struct topo holds one table per kind, keyed by name.
 */
#ifndef TOPO_H
#define TOPO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <net/if.h>

#include "mwnl.h"

#define TOPO_VERSION_MAJOR	1
#define TOPO_VERSION_MINOR	0
#define TOPO_VERSION		"1.0"
#define TOPO_NAME_MAX		64	/* as MIDWAY_NAME_MAX */
#define TOPO_NODE_MAX		40	/* a node's name: uuid or key, NUL */
#define TOPO_ERR_MAX		160
#define TOPO_WEIGHT_DEFAULT	100

enum topo_kind {
	TOPO_ROUTER,
	TOPO_PORT,
	TOPO_ROUTE,
	TOPO_HOST,		/* config/hosts: a host the operator names */
	TOPO_BINDING,		/* config/bindings/<port> */
	TOPO_KEY,		/* config/keys/<key> */
	TOPO_ALIVE,		/* state/hosts/<host>, ephemeral */
	TOPO_ACTIVE,		/* state/active/<port>, ephemeral */
	TOPO_NKINDS
};

struct topo_router {
	char	name[TOPO_NAME_MAX];
	bool	admin_up;
};

struct topo_port {
	char	name[TOPO_NAME_MAX];
	struct mwnl_uuid router;
	uint8_t	kind;		/* MIDWAY_PORT_KIND_* */
	bool	admin_up;
	bool	has_mac;
	uint8_t	mac[6];
	bool	has_addr;
	uint32_t addr;		/* network order */
	uint8_t	prefixlen;
	uint32_t tunnel_key;	/* 0: none given */
	struct mwnl_uuid peer;	/* zero: none */
	uint16_t vlan;
	bool	proxy_arp;
};

struct topo_route {
	struct mwnl_uuid router;
	uint32_t dst;		/* network order */
	uint8_t	dst_len;
	uint32_t src;
	uint8_t	src_len;
	uint8_t	type;		/* MIDWAY_NH_* */
	struct mwnl_uuid port;	/* type port */
	uint32_t gateway;	/* 0: on link */
	uint32_t weight;
};

struct topo_host {		/* TOPO_HOST and TOPO_ALIVE */
	char	name[TOPO_NAME_MAX];
	uint32_t addr;		/* TOPO_ALIVE only; network order */
};

struct topo_binding {
	struct mwnl_uuid host;
	char	ifname[IFNAMSIZ];
};

struct topo_key {
	struct mwnl_uuid port;
};

struct topo_active {
	struct mwnl_uuid host;
};

struct topo_obj {
	enum topo_kind kind;
	char	node[TOPO_NODE_MAX];	/* the node's name */
	struct mwnl_uuid id;		/* the node's name as an id (not keys) */
	uint32_t key;			/* TOPO_KEY: the node's name */
	union {
		struct topo_router	router;
		struct topo_port	port;
		struct topo_route	route;
		struct topo_host	host;
		struct topo_binding	binding;
		struct topo_key		tkey;
		struct topo_active	active;
	};
};

/* "config/routers", ... relative to the root. */
const char *topo_dir(enum topo_kind kind);
/* "router", "port", ... */
const char *topo_kind_name(enum topo_kind kind);

/* Fill the defaults of a new object of @kind (admin up, weight 100...). */
void topo_obj_init(struct topo_obj *o, enum topo_kind kind);

/*
 * Parse document @json (@len bytes, need not be NUL-terminated) of node
 * @node of @kind into @o. 0, or -EINVAL with the reason in @err (and
 * -EPROTONOSUPPORT for a newer major version). Unknown fields are ignored.
 */
int topo_decode(enum topo_kind kind, const char *node, const char *json,
		size_t len, struct topo_obj *o, char err[TOPO_ERR_MAX]);
/* The document of @o (a malloc'd string), NULL if out of memory. */
char *topo_encode(const struct topo_obj *o);

/* Text forms used in documents and by mwtopo. */
const char *topo_port_kind_str(uint8_t kind);
const char *topo_nh_str(uint8_t type);
int topo_nh_parse(const char *s, uint8_t *type);

/* A set of documents: one table per kind, keyed by node name. */
struct topo;

struct topo *topo_new(void);
void topo_free(struct topo *t);
/* Insert or replace (copies @o). 0 or -ENOMEM. */
int topo_put(struct topo *t, const struct topo_obj *o);
/* Remove; true if it was there. */
bool topo_del(struct topo *t, enum topo_kind kind, const char *node);
const struct topo_obj *topo_get(const struct topo *t, enum topo_kind kind,
				const char *node);
const struct topo_obj *topo_get_id(const struct topo *t, enum topo_kind kind,
				   const struct mwnl_uuid *id);
size_t topo_count(const struct topo *t, enum topo_kind kind);
/*
 * A journal of the objects of @kind that changed: from this call on, each
 * topo_put and topo_del of one records its node name (once) until
 * topo_take_changed hands the names over: an array of strings, all
 * malloc'd (free each and the array); *@n = 0 and NULL when none changed.
 * On no memory the journal says so with *@overflow: compare everything.
 */
void topo_track(struct topo *t, enum topo_kind kind);
char **topo_take_changed(struct topo *t, enum topo_kind kind, size_t *n,
			 bool *overflow);
/* Call @fn for each object of @kind in node-name order; stops at nonzero. */
int topo_walk(const struct topo *t, enum topo_kind kind,
	      int (*fn)(const struct topo_obj *o, void *arg), void *arg);
/* The objects of @kind as an array of pointers (malloc'd), in name order. */
const struct topo_obj **topo_list(const struct topo *t, enum topo_kind kind,
				  size_t *n);

/*
 * Whether @o, as part of @t, refers only to what exists and agrees with it:
 * a port's router, its interior peer (which names it back), a route's
 * router and port (same router), a binding's exterior port and host (in
 * config/hosts or alive). 0, or -ENOENT / -EINVAL with the reason in @err.
 */
int topo_check(const struct topo *t, const struct topo_obj *o,
	       char err[TOPO_ERR_MAX]);

/*
 * The one predicate that says where a route via @port is used (MidoNet's):
 * the port is admin-up and either interior, or exterior and active
 * somewhere (state/active names the host it is bound to).
 */
bool topo_port_usable(const struct topo *t, const struct topo_obj *port);

/* The host a port is active on, if its active node agrees with its binding. */
bool topo_port_active(const struct topo *t, const struct mwnl_uuid *port,
		      struct mwnl_uuid *host);

#endif /* TOPO_H */
