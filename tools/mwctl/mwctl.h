/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mwctl: the midway debugging command line. Shared declarations.
 *
 * Every command parses all of its arguments first, so that usage errors are
 * reported without touching the kernel, then resolves names (by dumping),
 * then sends its request. Errors are printed where they are found, as one
 * "Error: ..." line on stderr, and reported up as -1.
 */
#ifndef MWCTL_H
#define MWCTL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mwnl.h"

/* Options (main.c) -------------------------------------------------------- */

extern bool opt_json;
extern bool opt_pretty;

/* Arrays (util.c) --------------------------------------------------------- */

/* A growable array of one type of element. */
struct vec {
	void	*data;
	size_t	n;
	size_t	cap;
	size_t	size;
};

#define VEC(type)		{ .size = sizeof(type) }
#define vec_at(v, type, i)	(&((type *)(v)->data)[i])

void *vec_push(struct vec *v);
void vec_free(struct vec *v);

/* Objects as the kernel reports them ------------------------------------- */

struct mw_router {
	struct mwnl_uuid	id;
	char			name[MIDWAY_NAME_MAX];
	bool			admin_up;
	uint32_t		icmp_rate;
	uint32_t		icmp_burst;
	uint32_t		n_ports;
	uint32_t		n_routes;
};

struct mw_port {
	struct mwnl_uuid	id;
	struct mwnl_uuid	router;
	char			name[MIDWAY_NAME_MAX];
	uint8_t			kind;		/* enum midway_port_kind */
	bool			admin_up;
	bool			oper_up;
	bool			has_mac;
	bool			has_addr;
	bool			has_peer;
	bool			has_host;
	uint8_t			mac[6];
	uint32_t		addr;		/* network order */
	uint8_t			plen;
	uint32_t		key;
	struct mwnl_uuid	peer;
	struct mwnl_uuid	host;
	uint32_t		ifindex;
	char			ifname[16];
	bool			proxy_arp;
	uint16_t		vlan;		/* 0: none */
	bool			remote_up;	/* exterior: up on its host */
};

/* One reason the datapath dropped packets, and how many. */
struct mw_drop {
	char			reason[MIDWAY_NAME_MAX];
	uint64_t		count;
};

/*
 * The counters of a port or a host: STATS and DROPS of PORT_GET (the
 * port's traffic) and of HOST_GET (the tunnel packets to and from it).
 */
struct mw_stats {
	uint64_t		rx_packets;
	uint64_t		rx_bytes;
	uint64_t		tx_packets;
	uint64_t		tx_bytes;
	struct vec		drops;		/* struct mw_drop, kernel order */
};

struct mw_route {
	struct mwnl_uuid	id;
	struct mwnl_uuid	router;
	uint32_t		dst;		/* network order */
	uint8_t			dst_len;
	bool			has_src;
	uint32_t		src;
	uint8_t			src_len;
	uint8_t			nh_type;	/* enum midway_nh_type */
	bool			has_gw;
	uint32_t		gw;
	bool			has_port;
	struct mwnl_uuid	port;
	uint32_t		weight;
	bool			active;
};

struct mw_neigh {
	struct mwnl_uuid	port;
	uint32_t		addr;		/* network order */
	bool			has_mac;
	uint8_t			mac[6];
	uint8_t			state;		/* enum midway_neigh_state */
};

struct mw_host {
	struct mwnl_uuid	id;
	char			name[MIDWAY_NAME_MAX];
	uint32_t		addr;		/* network order */
	bool			local;
};

/* The instance's VXLAN tunnel endpoint (TUNNEL_GET). */
struct mw_tunnel {
	uint16_t		port;		/* UDP, host order */
	uint8_t			ttl;		/* 0: the route's hop limit */
	bool			open;
};

/* Netlink and errors (util.c) -------------------------------------------- */

/* A new handle; prints the error and exits if that fails. */
struct mwnl *nl_open(void);
/* The request handle, opened on first use; exits if that fails. */
struct mwnl *nl(void);
/* Print "Error: fmt..." on stderr; returns -1. */
int fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Print the last error of @h as "Error: ..."; returns -1. */
int fail_nl(struct mwnl *h);
void __attribute__((noreturn)) oom(void);

struct nl_msg *new_msg(uint8_t cmd, int flags);
/* Send @msg on nl(), replies to @cb; prints the error, if any. */
int request(struct nl_msg *msg, mwnl_cb_t cb, void *arg);

/* Attribute helpers that exit when the message is full (it never is). */
void put_uuid(struct nl_msg *msg, int type, const struct mwnl_uuid *id);
void put_str(struct nl_msg *msg, int type, const char *s);
void put_u8(struct nl_msg *msg, int type, uint8_t v);
void put_u16(struct nl_msg *msg, int type, uint16_t v);
void put_u32(struct nl_msg *msg, int type, uint32_t v);
void put_flag(struct nl_msg *msg, int type);

/* Reads that tolerate an absent or short attribute. */
uint8_t get_u8(const struct nlattr *a, uint8_t def);
uint16_t get_u16(const struct nlattr *a, uint16_t def);
uint32_t get_u32(const struct nlattr *a, uint32_t def);
uint64_t get_u64(const struct nlattr *a, uint64_t def);
void get_str(const struct nlattr *a, char *buf, size_t size);

/* Command lines (args.c) -------------------------------------------------- */

struct cmdline {
	int		argc;
	char		**argv;
	const char	*object;	/* "router"...: for the help hint */
};

const char *cl_peek(const struct cmdline *c);
const char *cl_next(struct cmdline *c);
/* The value of keyword @kw (just consumed); NULL and an error if none. */
const char *cl_value(struct cmdline *c, const char *kw);
bool is(const char *arg, const char *word);
int bad_arg(const struct cmdline *c, const char *arg);
int bad_cmd(const struct cmdline *c, const char *cmd);

/* Parsers that print what is wrong with the argument and return -1. */
int parse_name(const char *s, const char **name);
int parse_uuid(const char *kw, const char *s, struct mwnl_uuid *id);
int parse_addr(const char *kw, const char *s, uint32_t *addr);
/* A route prefix: no bits set beyond the length. "default" is 0/0. */
int parse_prefix(const char *s, uint32_t *addr, uint8_t *len);
/* An interface address: A.B.C.D/LEN, any host bits. */
int parse_ifaddr(const char *s, uint32_t *addr, uint8_t *len);
int parse_mac(const char *s, uint8_t mac[6]);
int parse_u32(const char *kw, const char *s, uint32_t min, uint32_t max,
	      uint32_t *val);
int parse_ifname(const char *s, const char **name);
/* "on" or "off". */
int parse_onoff(const char *kw, const char *s, bool *val);
/* The id given with "id UUID", or a random one. */
int new_id(const struct mwnl_uuid *given, struct mwnl_uuid *id);

/* Names (resolve.c) ------------------------------------------------------- */

enum mw_type {
	MW_ROUTER,
	MW_PORT,
	MW_HOST,
	MW_NTYPES,
};

/*
 * @arg as a uuid, or as the name of exactly one object of type @t (ports:
 * within @router when not NULL). Prints why not and returns -1.
 */
int resolve(enum mw_type t, const char *arg, const struct mwnl_uuid *router,
	    struct mwnl_uuid *id);
/* The name of an object, or its uuid when it has none or is unknown. */
const char *label(enum mw_type t, const struct mwnl_uuid *id);
/* Learn (or update) a name, e.g. from an event. */
void names_set(enum mw_type t, const struct mwnl_uuid *id, const char *name,
	       const struct mwnl_uuid *router);
/* Load the names of every object now; false if the kernel refused. */
bool names_load_all(void);
/* Does @arg name this object (its uuid or its name)? */
bool names_match(const char *arg, const struct mwnl_uuid *id,
		 const char *name);
/* Learn (or update) whether a host is the local one, e.g. from an event. */
void names_set_local(const struct mwnl_uuid *host, bool local);
/* Is @host the local host? false when it is unknown. */
bool host_is_local(const struct mwnl_uuid *host);

/* Output (output.c) ------------------------------------------------------- */

/*
 * Objects are printed as one text line of words, or as one JSON object.
 * Between out_list_begin() and out_list_end() the JSON objects form one
 * array printed at the end; outside a list each object is printed as one
 * line at once (monitor). In the helpers, @key names the JSON member (NULL:
 * text only) and @fmt the text (NULL: JSON only).
 */
void out_list_begin(void);
void out_list_end(void);
void out_obj_begin(void);
void out_obj_end(void);
/*
 * Text: end the line of the open object here; what follows goes on a new
 * line, indented by @indent (beyond out_indent()). JSON: nothing.
 */
void out_newline(const char *indent);
/*
 * JSON: open a member object @key of the open object; the helpers fill that
 * until out_nest_end() (or out_obj_end()). Text: nothing.
 */
void out_nest_begin(const char *key);
void out_nest_end(void);
void out_indent(const char *prefix);
void out_heading(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void out_text(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void out_str(const char *key, const char *fmt, const char *val);
void out_uint(const char *key, const char *fmt, unsigned long val);
/* @fmt takes a uint64_t (PRIu64); JSON: an exact integer. */
void out_u64(const char *key, const char *fmt, uint64_t val);
void out_bool(const char *key, const char *text_true, const char *text_false,
	      bool val);

/* Objects (router.c, port.c, route.c, host.c, tunnel.c) ------------------- */

int router_parse(struct nlmsghdr *nlh, struct mw_router *r);
int router_dump(struct vec *routers);
void router_print(const struct mw_router *r, const char *event);
int do_router(struct cmdline *c);
void router_usage(void);

int port_parse(struct nlmsghdr *nlh, struct mw_port *p);
/* All ports, or those of @router. */
int port_dump(const struct mwnl_uuid *router, struct vec *ports);
/* One port, by id; prints nothing (the caller decides if it is an error). */
int port_get(const struct mwnl_uuid *id, struct mw_port *p);
/* Is @p an exterior port placed on a host that is not the local one? */
bool port_is_remote(const struct mw_port *p);
void port_print(const struct mw_port *p, const char *event);
/* port_print() without the out_obj_end(): more may follow. */
void port_print_fields(const struct mw_port *p, const char *event);
int do_port(struct cmdline *c);
void port_usage(void);

/*
 * "[router ROUTER] [PORT]" of port show, port stats, drops and neigh show:
 * the ports of ROUTER if given, those that PORT names (its uuid or name)
 * if given.
 */
struct port_filter {
	const char		*router;
	const char		*which;
	struct mwnl_uuid	rid;
};

/* Parse the rest of @c; resolves ROUTER. */
int port_filter_parse(struct cmdline *c, struct port_filter *f);
/* The ROUTER of @f, or NULL, for port_dump(). */
const struct mwnl_uuid *port_filter_router(const struct port_filter *f);
bool port_filter_match(const struct port_filter *f, const struct mw_port *p);
/* The error when PORT matched nothing. */
int port_filter_none(const struct port_filter *f);

/* Counters (stats.c): port stats, host stats, drops. */
int do_port_stats(struct cmdline *c);
int do_host_stats(struct cmdline *c);
int do_drops(struct cmdline *c);
void drops_usage(void);

int route_parse(struct nlmsghdr *nlh, struct mw_route *r);
void route_print(const struct mw_route *r, const char *event);
int do_route(struct cmdline *c);
void route_usage(void);

int host_parse(struct nlmsghdr *nlh, struct mw_host *h);
int host_dump(struct vec *hosts);
void host_print(const struct mw_host *h, const char *event);
/* host_print() without the out_obj_end(): more may follow. */
void host_print_fields(const struct mw_host *h, const char *event);
int do_host(struct cmdline *c);
void host_usage(void);

int tunnel_parse(struct nlmsghdr *nlh, struct mw_tunnel *t);
void tunnel_print(const struct mw_tunnel *t, const char *event);
int do_tunnel(struct cmdline *c);
void tunnel_usage(void);

int do_neigh(struct cmdline *c);
void neigh_usage(void);

/*
 * Text, for a listing of every router: print items 0..n-1, grouped under a
 * "router NAME:" heading per router, in the order of the routers, each
 * group in item order. @router_of gives the router of an item.
 */
void print_by_router(size_t n,
		     const struct mwnl_uuid *(*router_of)(size_t i, void *arg),
		     void (*print)(size_t i, void *arg), void *arg);

int do_monitor(struct cmdline *c);
void monitor_usage(void);

#endif /* MWCTL_H */
