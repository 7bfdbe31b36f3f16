// SPDX-License-Identifier: GPL-2.0
/*
 * mwctl monitor: one line per event of the "events" multicast group.
 *
 * Names are loaded once at start and then kept up to date from the events
 * themselves, so that a port event can name its router without a request.
 * Names of deleted objects are kept: later events (a cascade) may refer to
 * them.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "mwctl.h"

enum {
	SHOW_ROUTER	= 1 << 0,
	SHOW_PORT	= 1 << 1,
	SHOW_ROUTE	= 1 << 2,
	SHOW_HOST	= 1 << 3,
	SHOW_TUNNEL	= 1 << 4,
	SHOW_ALL	= SHOW_ROUTER | SHOW_PORT | SHOW_ROUTE | SHOW_HOST |
			  SHOW_TUNNEL,
};

#define MONITOR_RCVBUF	(16 << 20)

void monitor_usage(void)
{
	fputs("Usage: mwctl [-j] monitor [all | router | port | route | host |\n"
	      "                          tunnel]...\n", stdout);
}

static const char *verb(uint8_t cmd)
{
	switch (cmd) {
	case MIDWAY_CMD_ROUTER_NEW:
	case MIDWAY_CMD_PORT_NEW:
	case MIDWAY_CMD_ROUTE_NEW:
	case MIDWAY_CMD_HOST_NEW:
		return "new";
	case MIDWAY_CMD_ROUTER_SET:
	case MIDWAY_CMD_PORT_SET:
	case MIDWAY_CMD_ROUTE_SET:
	case MIDWAY_CMD_HOST_SET:
	case MIDWAY_CMD_TUNNEL_SET:
		return "set";
	case MIDWAY_CMD_ROUTER_DEL:
	case MIDWAY_CMD_PORT_DEL:
	case MIDWAY_CMD_ROUTE_DEL:
	case MIDWAY_CMD_HOST_DEL:
		return "del";
	case MIDWAY_CMD_PORT_STATE:
	case MIDWAY_CMD_ROUTE_STATE:
		return "state";
	default:
		return NULL;
	}
}

static int on_event(struct nlmsghdr *nlh, void *arg)
{
	unsigned int show = *(unsigned int *)arg;
	uint8_t cmd = mwnl_cmd(nlh);
	const char *ev = verb(cmd);
	struct mw_router router;
	struct mw_port port;
	struct mw_route route;
	struct mw_host host;
	struct mw_tunnel tunnel;

	/* Commands a newer module may add are skipped, as are bad events. */
	switch (cmd) {
	case MIDWAY_CMD_ROUTER_NEW:
	case MIDWAY_CMD_ROUTER_SET:
	case MIDWAY_CMD_ROUTER_DEL:
		if (router_parse(nlh, &router))
			break;
		names_set(MW_ROUTER, &router.id, router.name, NULL);
		if (show & SHOW_ROUTER)
			router_print(&router, ev);
		break;
	case MIDWAY_CMD_PORT_NEW:
	case MIDWAY_CMD_PORT_SET:
	case MIDWAY_CMD_PORT_DEL:
	case MIDWAY_CMD_PORT_STATE:
		if (port_parse(nlh, &port))
			break;
		names_set(MW_PORT, &port.id, port.name, &port.router);
		if (show & SHOW_PORT)
			port_print(&port, ev);
		break;
	case MIDWAY_CMD_ROUTE_NEW:
	case MIDWAY_CMD_ROUTE_SET:
	case MIDWAY_CMD_ROUTE_DEL:
	case MIDWAY_CMD_ROUTE_STATE:
		if (!route_parse(nlh, &route) && (show & SHOW_ROUTE))
			route_print(&route, ev);
		break;
	case MIDWAY_CMD_HOST_NEW:
	case MIDWAY_CMD_HOST_SET:
	case MIDWAY_CMD_HOST_DEL:
		if (host_parse(nlh, &host))
			break;
		names_set(MW_HOST, &host.id, host.name, NULL);
		names_set_local(&host.id, host.local);
		if (show & SHOW_HOST)
			host_print(&host, ev);
		break;
	case MIDWAY_CMD_TUNNEL_SET:
		if (!tunnel_parse(nlh, &tunnel) && (show & SHOW_TUNNEL))
			tunnel_print(&tunnel, ev);
		break;
	}
	return 0;
}

int do_monitor(struct cmdline *c)
{
	unsigned int show = 0;
	struct mwnl *ev;
	const char *arg;
	int ret;

	while ((arg = cl_next(c))) {
		if (is(arg, "all"))
			show |= SHOW_ALL;
		else if (is(arg, "router"))
			show |= SHOW_ROUTER;
		else if (is(arg, "port"))
			show |= SHOW_PORT;
		else if (is(arg, "route"))
			show |= SHOW_ROUTE;
		else if (is(arg, "host"))
			show |= SHOW_HOST;
		else if (is(arg, "tunnel"))
			show |= SHOW_TUNNEL;
		else if (is(arg, "help")) {
			monitor_usage();
			return 0;
		} else
			return bad_arg(c, arg);
	}
	if (!show)
		show = SHOW_ALL;

	/*
	 * Subscribe first: events during the loading of names are queued.
	 * Route installs come in bursts of thousands: room for them.
	 */
	ev = nl_open();
	mwnl_set_rcvbuf(ev, MONITOR_RCVBUF);
	if (mwnl_subscribe(ev, MIDWAY_MCGRP_EVENTS)) {
		ret = fail_nl(ev);
		goto out;
	}
	names_load_all();

	for (;;) {
		ret = mwnl_recv(ev, on_event, &show);
		if (ret == -ENOBUFS) {
			/*
			 * The kernel dropped events: whoever follows this
			 * stream must read the state again. Names too.
			 */
			out_obj_begin();
			out_text("events lost: resynchronise");
			out_str("event", NULL, "lost");
			out_obj_end();
			fflush(stdout);
			names_load_all();
			continue;
		}
		if (ret < 0) {
			ret = fail_nl(ev);
			break;
		}
	}
out:
	mwnl_close(ev);
	return ret;
}
