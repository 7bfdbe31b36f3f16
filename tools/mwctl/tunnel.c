// SPDX-License-Identifier: GPL-2.0
/*
 * mwctl tunnel: show, set. The instance has one VXLAN tunnel endpoint, open
 * while it has a local host; it is not an object with an id, so there is
 * nothing to add or delete.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "mwctl.h"

void tunnel_usage(void)
{
	fputs("Usage: mwctl [-j] [-p] tunnel show\n"
	      "       mwctl tunnel set [port PORT] [ttl TTL]\n"
	      "PORT := 1..65535   (UDP, listened on and sent to; default 4789)\n"
	      "TTL := 0..255      (outer TTL; 0, the default: the route's hop limit)\n",
	      stdout);
}

int tunnel_parse(struct nlmsghdr *nlh, struct mw_tunnel *t)
{
	struct nlattr *tb[MIDWAY_A_TUNNEL_MAX + 1];

	memset(t, 0, sizeof(*t));
	if (mwnl_parse(nlh, tb, MIDWAY_A_TUNNEL_MAX) ||
	    !tb[MIDWAY_A_TUNNEL_PORT])
		return -EPROTO;
	t->port = get_u16(tb[MIDWAY_A_TUNNEL_PORT], 0);
	t->ttl = get_u8(tb[MIDWAY_A_TUNNEL_TTL], 0);
	t->open = get_u8(tb[MIDWAY_A_TUNNEL_OPEN], 0);
	return 0;
}

/*
 * show:  tunnel port N ttl N open|closed
 * event: tunnel EVENT port N ttl N open|closed
 */
void tunnel_print(const struct mw_tunnel *t, const char *event)
{
	out_obj_begin();
	out_text("tunnel");
	if (event) {
		out_str("object", NULL, "tunnel");
		out_str("event", "%s", event);
	}
	out_uint("port", "port %lu", t->port);
	out_uint("ttl", "ttl %lu", t->ttl);
	out_bool("open", "open", "closed", t->open);
	out_obj_end();
}

struct tunnel_reply {
	struct mw_tunnel	t;
	bool			found;
};

static int get_reply(struct nlmsghdr *nlh, void *arg)
{
	struct tunnel_reply *tr = arg;

	if (!tr->found && !tunnel_parse(nlh, &tr->t))
		tr->found = true;
	return 0;
}

static int tunnel_show(struct cmdline *c)
{
	struct tunnel_reply tr = { .found = false };
	const char *arg = cl_next(c);

	if (arg)
		return bad_arg(c, arg);
	if (request(new_msg(MIDWAY_CMD_TUNNEL_GET, 0), get_reply, &tr))
		return -1;
	if (!tr.found)
		return fail("the kernel sent no tunnel");

	out_list_begin();
	tunnel_print(&tr.t, NULL);
	out_list_end();
	return 0;
}

static int tunnel_set(struct cmdline *c)
{
	bool has_port = false, has_ttl = false;
	uint32_t port, ttl;
	struct nl_msg *msg;
	const char *arg, *v;

	while ((arg = cl_next(c))) {
		if (is(arg, "port")) {
			v = cl_value(c, arg);
			if (!v || parse_u32(arg, v, 1, 65535, &port))
				return -1;
			has_port = true;
		} else if (is(arg, "ttl")) {
			v = cl_value(c, arg);
			if (!v || parse_u32(arg, v, 0, 255, &ttl))
				return -1;
			has_ttl = true;
		} else {
			return bad_arg(c, arg);
		}
	}
	if (!has_port && !has_ttl)
		return fail("tunnel set needs \"port PORT\" or \"ttl TTL\"");

	msg = new_msg(MIDWAY_CMD_TUNNEL_SET, 0);
	if (has_port)
		put_u16(msg, MIDWAY_A_TUNNEL_PORT, port);
	if (has_ttl)
		put_u8(msg, MIDWAY_A_TUNNEL_TTL, ttl);
	return request(msg, NULL, NULL);
}

int do_tunnel(struct cmdline *c)
{
	const char *cmd = cl_next(c);

	if (!cmd || is(cmd, "show") || is(cmd, "list") || is(cmd, "ls"))
		return tunnel_show(c);
	if (is(cmd, "set"))
		return tunnel_set(c);
	if (is(cmd, "help")) {
		tunnel_usage();
		return 0;
	}
	return bad_cmd(c, cmd);
}
