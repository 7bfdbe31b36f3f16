// SPDX-License-Identifier: GPL-2.0
/*
 * mwctl port: add, set, del, show. port stats is in stats.c.
 */
#include <errno.h>
#include <limits.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>

#include "mwctl.h"

void port_usage(void)
{
	fputs("Usage: mwctl port { add | replace } router ROUTER name NAME [id UUID]\n"
	      "                      { exterior | interior } [mac MAC]\n"
	      "                      [address A.B.C.D/LEN] [key N] [peer PORT]\n"
	      "                      [host HOST] [dev IFNAME | ifindex N]\n"
	      "                      [proxy-arp on|off] [vlan N]\n"
	      "                      [remote-up on|off] [down]\n"
	      "       mwctl port set PORT [router ROUTER] [name NAME] [up|down]\n"
	      "                      [mac MAC] [address A.B.C.D/LEN]\n"
	      "                      [host HOST | nohost]\n"
	      "                      [dev IFNAME | ifindex N | nodev]\n"
	      "                      [proxy-arp on|off] [vlan N]\n"
	      "                      [remote-up on|off]\n"
	      "       mwctl port bind PORT [router ROUTER] { dev IFNAME | ifindex N }\n"
	      "       mwctl port unbind PORT [router ROUTER]\n"
	      "       mwctl port del PORT [router ROUTER] [cascade]\n"
	      "       mwctl [-j] [-p] port show [router ROUTER] [PORT]\n"
	      "       mwctl [-j] [-p] port stats [router ROUTER] [PORT]\n"
	      "PORT, ROUTER, HOST := { NAME | UUID }\n"
	      "replace: the port \"id UUID\" becomes what add would make (fixed\n"
	      "attributes must match); add if there is none.\n", stdout);
}

int port_parse(struct nlmsghdr *nlh, struct mw_port *p)
{
	struct nlattr *tb[MIDWAY_A_PORT_MAX + 1];
	struct nlattr *a;

	memset(p, 0, sizeof(*p));
	if (mwnl_parse(nlh, tb, MIDWAY_A_PORT_MAX) ||
	    !mwnl_get_uuid(tb[MIDWAY_A_PORT_ID], &p->id))
		return -EPROTO;
	mwnl_get_uuid(tb[MIDWAY_A_PORT_ROUTER_ID], &p->router);
	get_str(tb[MIDWAY_A_PORT_NAME], p->name, sizeof(p->name));
	p->kind = get_u8(tb[MIDWAY_A_PORT_KIND], 0);
	p->admin_up = get_u8(tb[MIDWAY_A_PORT_ADMIN_UP], 0);
	p->oper_up = get_u8(tb[MIDWAY_A_PORT_OPER_UP], 0);
	a = tb[MIDWAY_A_PORT_MAC];
	if (a && nla_len(a) == sizeof(p->mac)) {
		memcpy(p->mac, nla_data(a), sizeof(p->mac));
		p->has_mac = true;
	}
	if (tb[MIDWAY_A_PORT_ADDR]) {
		p->has_addr = true;
		p->addr = get_u32(tb[MIDWAY_A_PORT_ADDR], 0);
		p->plen = get_u8(tb[MIDWAY_A_PORT_PREFIXLEN], 32);
	}
	p->key = get_u32(tb[MIDWAY_A_PORT_TUNNEL_KEY], 0);
	p->has_peer = mwnl_get_uuid(tb[MIDWAY_A_PORT_PEER_ID], &p->peer);
	p->has_host = mwnl_get_uuid(tb[MIDWAY_A_PORT_HOST_ID], &p->host);
	p->ifindex = get_u32(tb[MIDWAY_A_PORT_IFINDEX], 0);
	get_str(tb[MIDWAY_A_PORT_IFNAME], p->ifname, sizeof(p->ifname));
	p->proxy_arp = get_u8(tb[MIDWAY_A_PORT_PROXY_ARP], 0);
	p->vlan = get_u16(tb[MIDWAY_A_PORT_VLAN], 0);
	p->remote_up = get_u8(tb[MIDWAY_A_PORT_REMOTE_UP], 1);
	return 0;
}

static int collect(struct nlmsghdr *nlh, void *arg)
{
	struct mw_port p;

	if (!port_parse(nlh, &p))
		*(struct mw_port *)vec_push(arg) = p;
	return 0;
}

int port_dump(const struct mwnl_uuid *router, struct vec *ports)
{
	struct nl_msg *msg = new_msg(MIDWAY_CMD_PORT_GET, NLM_F_DUMP);

	if (router)
		put_uuid(msg, MIDWAY_A_PORT_ROUTER_ID, router);
	return mwnl_request(nl(), msg, collect, ports);
}

struct port_reply {
	struct mw_port	port;
	bool		found;
};

static int get_reply(struct nlmsghdr *nlh, void *arg)
{
	struct port_reply *pr = arg;

	if (!pr->found && !port_parse(nlh, &pr->port))
		pr->found = true;
	return 0;
}

int port_get(const struct mwnl_uuid *id, struct mw_port *p)
{
	struct nl_msg *msg = new_msg(MIDWAY_CMD_PORT_GET, 0);
	struct port_reply pr = { .found = false };
	int ret;

	put_uuid(msg, MIDWAY_A_PORT_ID, id);
	ret = mwnl_request(nl(), msg, get_reply, &pr);
	if (ret)
		return ret;
	if (!pr.found)
		return -EPROTO;
	*p = pr.port;
	return 0;
}

bool port_is_remote(const struct mw_port *p)
{
	return p->kind == MIDWAY_PORT_KIND_EXTERIOR && p->has_host &&
	       !host_is_local(&p->host);
}

static const char *kind_name(uint8_t kind)
{
	switch (kind) {
	case MIDWAY_PORT_KIND_EXTERIOR:
		return "exterior";
	case MIDWAY_PORT_KIND_INTERIOR:
		return "interior";
	default:
		return "unknown";
	}
}

/*
 * show:  port NAME id UUID router ROUTER KIND [mac MAC] [address A/L]
 *             [key N] [peer PORT] [host HOST [remote-up off]]
 *             [dev IFNAME | ifindex N] [vlan N] [proxy-arp] up|down
 *             oper up|down
 *        remote-up off only where it matters: on a remote host. JSON has
 *        "remote_up" for every exterior port.
 * event: port EVENT NAME UUID router ROUTER ..., the same
 *        port state NAME up|down UUID router ROUTER ...: OPER_UP changed
 */
void port_print_fields(const struct mw_port *p, const char *event)
{
	bool state = event && is(event, "state");
	char id[MWNL_UUID_STRLEN], buf[MWNL_UUID_STRLEN];

	mwnl_uuid_fmt(&p->id, id);
	out_obj_begin();
	out_text("port");
	if (event) {
		out_str("object", NULL, "port");
		out_str("event", "%s", event);
	}
	out_str("name", NULL, p->name);
	out_text("%s", p->name[0] ? p->name : id);
	if (state)
		out_bool(NULL, "up", "down", p->oper_up);
	out_str("id", event ? "%s" : "id %s", id);
	out_str("router_id", NULL, mwnl_uuid_fmt(&p->router, buf));
	out_str("router", "router %s", label(MW_ROUTER, &p->router));
	out_str("kind", "%s", kind_name(p->kind));
	if (p->has_mac)
		out_str("mac", "mac %s", mwnl_mac_fmt(p->mac, buf));
	if (p->has_addr)
		out_str("address", "address %s",
			mwnl_prefix_fmt(p->addr, p->plen, buf));
	if (p->key)
		out_uint("key", "key %lu", p->key);
	if (p->has_peer) {
		out_str("peer_id", NULL, mwnl_uuid_fmt(&p->peer, buf));
		out_str("peer", "peer %s", label(MW_PORT, &p->peer));
	}
	if (p->has_host) {
		out_str("host_id", NULL, mwnl_uuid_fmt(&p->host, buf));
		out_str("host", "host %s", label(MW_HOST, &p->host));
	}
	if (p->kind == MIDWAY_PORT_KIND_EXTERIOR)
		out_bool("remote_up", NULL,
			 port_is_remote(p) ? "remote-up off" : NULL,
			 p->remote_up);
	if (p->ifindex) {
		out_uint("ifindex", NULL, p->ifindex);
		if (p->ifname[0])
			out_str("dev", "dev %s", p->ifname);
		else
			out_uint(NULL, "ifindex %lu", p->ifindex);
	}
	if (p->vlan)
		out_uint("vlan", "vlan %lu", p->vlan);
	out_bool("proxy_arp", "proxy-arp", NULL, p->proxy_arp);
	out_bool("admin_up", "up", "down", p->admin_up);
	if (state)
		out_bool("oper_up", NULL, NULL, p->oper_up);
	else
		out_bool("oper_up", "oper up", "oper down", p->oper_up);
}

void port_print(const struct mw_port *p, const char *event)
{
	port_print_fields(p, event);
	out_obj_end();
}

/* What port add and port set take. */
struct port_args {
	const char		*which;		/* set, del: the port */
	const char		*router;
	const char		*name;
	const char		*peer;
	const char		*host;
	bool			have_id;
	struct mwnl_uuid	id;
	uint8_t			kind;
	int			up;		/* -1: not given */
	bool			has_mac;
	uint8_t			mac[6];
	bool			has_addr;
	uint32_t		addr;
	uint8_t			plen;
	uint32_t		key;
	bool			has_ifindex;
	uint32_t		ifindex;
	const char		*ifname;
	int			proxy_arp;	/* -1: not given */
	int			vlan;		/* -1: not given */
	int			remote_up;	/* -1: not given */
	bool			cascade;
};

/* Keywords common to add and set; 1 if @arg is none of them. */
static int port_common_arg(struct cmdline *c, const char *arg,
			   struct port_args *a)
{
	const char *v;

	if (is(arg, "router")) {
		a->router = cl_value(c, arg);
		return a->router ? 0 : -1;
	}
	if (is(arg, "name")) {
		v = cl_value(c, arg);
		return v && !parse_name(v, &a->name) ? 0 : -1;
	}
	if (is(arg, "up") || is(arg, "down")) {
		a->up = is(arg, "up");
		return 0;
	}
	if (is(arg, "mac")) {
		v = cl_value(c, arg);
		a->has_mac = true;
		return v && !parse_mac(v, a->mac) ? 0 : -1;
	}
	if (is(arg, "address")) {
		v = cl_value(c, arg);
		a->has_addr = true;
		return v && !parse_ifaddr(v, &a->addr, &a->plen) ? 0 : -1;
	}
	if (is(arg, "host")) {
		a->host = cl_value(c, arg);
		return a->host ? 0 : -1;
	}
	if (is(arg, "dev")) {
		v = cl_value(c, arg);
		return v && !parse_ifname(v, &a->ifname) ? 0 : -1;
	}
	if (is(arg, "ifindex")) {
		v = cl_value(c, arg);
		a->has_ifindex = true;
		return v && !parse_u32(arg, v, 1, INT_MAX, &a->ifindex) ?
			0 : -1;
	}
	if (is(arg, "proxy-arp")) {
		bool on;

		v = cl_value(c, arg);
		if (!v || parse_onoff(arg, v, &on))
			return -1;
		a->proxy_arp = on;
		return 0;
	}
	if (is(arg, "vlan")) {
		uint32_t vid;

		v = cl_value(c, arg);
		if (!v || parse_u32(arg, v, 0, MIDWAY_VLAN_MAX, &vid))
			return -1;
		a->vlan = vid;
		return 0;
	}
	if (is(arg, "remote-up")) {
		bool on;

		v = cl_value(c, arg);
		if (!v || parse_onoff(arg, v, &on))
			return -1;
		a->remote_up = on;
		return 0;
	}
	return 1;
}

/* Optional attributes common to NEW and SET; @host: a->host resolved. */
static void port_put_common(struct nl_msg *msg, const struct port_args *a,
			    const struct mwnl_uuid *host)
{
	if (a->name)
		put_str(msg, MIDWAY_A_PORT_NAME, a->name);
	if (a->up >= 0)
		put_u8(msg, MIDWAY_A_PORT_ADMIN_UP, a->up);
	if (a->has_mac && nla_put(msg, MIDWAY_A_PORT_MAC, 6, a->mac) < 0)
		oom();
	if (a->has_addr) {
		put_u32(msg, MIDWAY_A_PORT_ADDR, a->addr);
		put_u8(msg, MIDWAY_A_PORT_PREFIXLEN, a->plen);
	}
	if (a->host)
		put_uuid(msg, MIDWAY_A_PORT_HOST_ID, host);
	if (a->has_ifindex)
		put_u32(msg, MIDWAY_A_PORT_IFINDEX, a->ifindex);
	if (a->ifname)
		put_str(msg, MIDWAY_A_PORT_IFNAME, a->ifname);
	if (a->proxy_arp >= 0)
		put_u8(msg, MIDWAY_A_PORT_PROXY_ARP, a->proxy_arp);
	if (a->vlan >= 0)
		put_u16(msg, MIDWAY_A_PORT_VLAN, a->vlan);
	if (a->remote_up >= 0)
		put_u8(msg, MIDWAY_A_PORT_REMOTE_UP, a->remote_up);
}

static int port_add(struct cmdline *c, bool replace)
{
	struct port_args a = { .up = 1, .proxy_arp = -1, .vlan = -1,
			       .remote_up = -1 };
	struct mwnl_uuid id, router, peer, host;
	struct nl_msg *msg;
	const char *arg, *v;
	int ret;

	while ((arg = cl_next(c))) {
		ret = port_common_arg(c, arg, &a);
		if (ret < 0)
			return -1;
		if (!ret)
			continue;
		if (is(arg, "id")) {
			v = cl_value(c, arg);
			if (!v || parse_uuid(arg, v, &a.id))
				return -1;
			a.have_id = true;
		} else if (is(arg, "exterior") || is(arg, "interior")) {
			uint8_t kind = is(arg, "exterior") ?
				MIDWAY_PORT_KIND_EXTERIOR :
				MIDWAY_PORT_KIND_INTERIOR;

			if (a.kind && a.kind != kind)
				return fail("\"%s\" conflicts with \"%s\"",
					    arg, kind_name(a.kind));
			a.kind = kind;
		} else if (is(arg, "key")) {
			v = cl_value(c, arg);
			if (!v || parse_u32(arg, v, 1, MIDWAY_TUNNEL_KEY_MAX,
					    &a.key))
				return -1;
		} else if (is(arg, "peer")) {
			a.peer = cl_value(c, arg);
			if (!a.peer)
				return -1;
		} else {
			return bad_arg(c, arg);
		}
	}
	if (!a.router)
		return fail("port add needs \"router ROUTER\"");
	if (!a.name)
		return fail("port add needs \"name NAME\"");
	if (!a.kind)
		return fail("port add needs \"exterior\" or \"interior\"");
	if (a.peer && a.kind != MIDWAY_PORT_KIND_INTERIOR)
		return fail("\"peer\" is for interior ports");
	if (a.host && a.kind != MIDWAY_PORT_KIND_EXTERIOR)
		return fail("\"host\" is for exterior ports");
	if (a.remote_up >= 0 && a.kind != MIDWAY_PORT_KIND_EXTERIOR)
		return fail("\"remote-up\" is for exterior ports");
	if ((a.has_ifindex || a.ifname) && a.kind != MIDWAY_PORT_KIND_EXTERIOR)
		return fail("\"dev\" is for exterior ports");
	if (replace && !a.have_id)
		return fail("port replace needs \"id UUID\"");
	if (new_id(a.have_id ? &a.id : NULL, &id))
		return -1;

	if (resolve(MW_ROUTER, a.router, NULL, &router))
		return -1;
	if (a.peer && resolve(MW_PORT, a.peer, NULL, &peer))
		return -1;
	if (a.host && resolve(MW_HOST, a.host, NULL, &host))
		return -1;

	msg = new_msg(MIDWAY_CMD_PORT_NEW, replace ? NLM_F_REPLACE : 0);
	put_uuid(msg, MIDWAY_A_PORT_ID, &id);
	put_uuid(msg, MIDWAY_A_PORT_ROUTER_ID, &router);
	put_u8(msg, MIDWAY_A_PORT_KIND, a.kind);
	if (a.key)
		put_u32(msg, MIDWAY_A_PORT_TUNNEL_KEY, a.key);
	if (a.peer)
		put_uuid(msg, MIDWAY_A_PORT_PEER_ID, &peer);
	port_put_common(msg, &a, &host);
	return request(msg, NULL, NULL);
}

/* The port named by a.which, within a.router if given. */
static int port_resolve(const struct port_args *a, struct mwnl_uuid *id)
{
	struct mwnl_uuid router;

	if (a->router && resolve(MW_ROUTER, a->router, NULL, &router))
		return -1;
	return resolve(MW_PORT, a->which, a->router ? &router : NULL, id);
}

static int port_set(struct cmdline *c)
{
	struct port_args a = { .up = -1, .proxy_arp = -1, .vlan = -1,
			       .remote_up = -1 };
	struct mwnl_uuid id, host;
	bool nohost = false;
	struct nl_msg *msg;
	const char *arg;
	int ret;

	a.which = cl_next(c);
	if (!a.which)
		return fail("port set needs PORT");
	while ((arg = cl_next(c))) {
		ret = port_common_arg(c, arg, &a);
		if (ret < 0)
			return -1;
		if (!ret)
			continue;
		if (is(arg, "nodev")) {
			a.has_ifindex = true;
			a.ifindex = 0;
		} else if (is(arg, "nohost")) {
			nohost = true;
		} else if (is(arg, "key") || is(arg, "peer") ||
			   is(arg, "exterior") || is(arg, "interior") ||
			   is(arg, "id")) {
			return fail("\"%s\" is fixed when the port is added",
				    arg);
		} else {
			return bad_arg(c, arg);
		}
	}
	if (port_resolve(&a, &id))
		return -1;
	if (a.host && resolve(MW_HOST, a.host, NULL, &host))
		return -1;

	if (nohost && a.host)
		return fail("\"nohost\" conflicts with \"host\"");

	msg = new_msg(MIDWAY_CMD_PORT_SET, 0);
	put_uuid(msg, MIDWAY_A_PORT_ID, &id);
	port_put_common(msg, &a, &host);
	if (nohost) {
		/* The all-zero id: on no host. */
		memset(&host, 0, sizeof(host));
		put_uuid(msg, MIDWAY_A_PORT_HOST_ID, &host);
	}
	return request(msg, NULL, NULL);
}

/*
 * port bind PORT { dev IFNAME | ifindex N }, port unbind PORT: SET with
 * only the device, so that nothing else of the port changes.
 */
static int port_bind(struct cmdline *c, bool bind)
{
	struct port_args a = { .up = -1, .proxy_arp = -1, .vlan = -1,
			       .remote_up = -1 };
	const char *verb = bind ? "bind" : "unbind";
	struct mwnl_uuid id;
	struct nl_msg *msg;
	const char *arg;
	int ret;

	a.which = cl_next(c);
	if (!a.which)
		return fail("port %s needs PORT", verb);
	while ((arg = cl_next(c))) {
		if (!is(arg, "router") &&
		    (!bind || (!is(arg, "dev") && !is(arg, "ifindex"))))
			return bad_arg(c, arg);
		ret = port_common_arg(c, arg, &a);
		if (ret)
			return -1;
	}
	if (bind && !a.ifname && !a.has_ifindex)
		return fail("port bind needs \"dev IFNAME\" or \"ifindex N\"");
	if (bind && a.ifname && a.has_ifindex)
		return fail("\"dev\" and \"ifindex\" name the device twice");
	if (!bind) {
		a.has_ifindex = true;
		a.ifindex = 0;
	}
	if (port_resolve(&a, &id))
		return -1;

	msg = new_msg(MIDWAY_CMD_PORT_SET, 0);
	put_uuid(msg, MIDWAY_A_PORT_ID, &id);
	port_put_common(msg, &a, NULL);
	return request(msg, NULL, NULL);
}

static int port_del(struct cmdline *c)
{
	struct port_args a = { .up = -1, .proxy_arp = -1, .vlan = -1,
			       .remote_up = -1 };
	struct mwnl_uuid id;
	struct nl_msg *msg;
	const char *arg;

	a.which = cl_next(c);
	if (!a.which)
		return fail("port del needs PORT");
	while ((arg = cl_next(c))) {
		if (is(arg, "router")) {
			a.router = cl_value(c, arg);
			if (!a.router)
				return -1;
		} else if (is(arg, "cascade")) {
			a.cascade = true;
		} else {
			return bad_arg(c, arg);
		}
	}
	if (port_resolve(&a, &id))
		return -1;

	msg = new_msg(MIDWAY_CMD_PORT_DEL, 0);
	put_uuid(msg, MIDWAY_A_PORT_ID, &id);
	if (a.cascade)
		put_flag(msg, MIDWAY_A_PORT_CASCADE);
	return request(msg, NULL, NULL);
}

int port_filter_parse(struct cmdline *c, struct port_filter *f)
{
	const char *arg;

	memset(f, 0, sizeof(*f));
	while ((arg = cl_next(c))) {
		if (is(arg, "router")) {
			f->router = cl_value(c, arg);
			if (!f->router)
				return -1;
		} else if (!f->which) {
			f->which = arg;
		} else {
			return bad_arg(c, arg);
		}
	}
	if (f->router && resolve(MW_ROUTER, f->router, NULL, &f->rid))
		return -1;
	return 0;
}

const struct mwnl_uuid *port_filter_router(const struct port_filter *f)
{
	return f->router ? &f->rid : NULL;
}

bool port_filter_match(const struct port_filter *f, const struct mw_port *p)
{
	if (f->router && !mwnl_uuid_eq(&p->router, &f->rid))
		return false;
	return !f->which || names_match(f->which, &p->id, p->name);
}

int port_filter_none(const struct port_filter *f)
{
	if (f->router)
		return fail("no port \"%s\" in router \"%s\"", f->which,
			    f->router);
	return fail("no port \"%s\"", f->which);
}

static int port_show(struct cmdline *c)
{
	struct vec v = VEC(struct mw_port);
	struct port_filter f;
	size_t i, shown = 0;

	if (port_filter_parse(c, &f))
		return -1;
	if (port_dump(port_filter_router(&f), &v))
		return fail_nl(nl());

	for (i = 0; i < v.n; i++)
		if (port_filter_match(&f, vec_at(&v, struct mw_port, i)))
			shown++;
	if (f.which && !shown) {
		vec_free(&v);
		return port_filter_none(&f);
	}

	out_list_begin();
	for (i = 0; i < v.n; i++) {
		struct mw_port *p = vec_at(&v, struct mw_port, i);

		if (port_filter_match(&f, p))
			port_print(p, NULL);
	}
	out_list_end();
	vec_free(&v);
	return 0;
}

int do_port(struct cmdline *c)
{
	const char *cmd = cl_next(c);

	if (!cmd || is(cmd, "show") || is(cmd, "list") || is(cmd, "ls"))
		return port_show(c);
	if (is(cmd, "add") || is(cmd, "replace"))
		return port_add(c, is(cmd, "replace"));
	if (is(cmd, "set"))
		return port_set(c);
	if (is(cmd, "del") || is(cmd, "delete"))
		return port_del(c);
	if (is(cmd, "bind"))
		return port_bind(c, true);
	if (is(cmd, "unbind"))
		return port_bind(c, false);
	if (is(cmd, "stats"))
		return do_port_stats(c);
	if (is(cmd, "help")) {
		port_usage();
		return 0;
	}
	return bad_cmd(c, cmd);
}
