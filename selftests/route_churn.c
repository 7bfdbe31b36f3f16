// SPDX-License-Identifier: GPL-2.0
/*
 * route_churn ROUTER-UUID PORT-UUID COUNT: add COUNT /32 routes in
 * 100.64.0.0/10 via PORT, then delete them, in batches (many requests per
 * sendmsg). Exits 0 if every request succeeded. Used by churn.sh while
 * traffic flows on other prefixes.
 *
 * route_churn ROUTER-UUID PORT-UUID COUNT A.B.C.D/LEN GATEWAY: add and
 * delete that one route COUNT times, in batches of add-delete pairs. Used
 * by harden.sh while traffic flows to an address the route covers, and a
 * shorter prefix too.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <netlink/attr.h>
#include <linux/midway.h>

#include "mwnl.h"

static void route_id(struct mwnl_uuid *id, unsigned int i)
{
	memset(id, 0, sizeof(*id));
	memcpy(id->b, "churn", 5);
	id->b[12] = i >> 24;
	id->b[13] = i >> 16;
	id->b[14] = i >> 8;
	id->b[15] = i;
}

/* The route to toggle, when one is given. */
static struct {
	struct in_addr dst, gw;
	unsigned int len;
	bool on;
} toggle;

static int put_route(struct nl_msg *msg, const struct mwnl_uuid *router,
		     const struct mwnl_uuid *port, uint32_t dst, uint8_t len,
		     uint32_t gw)
{
	return mwnl_put_uuid(msg, MIDWAY_A_ROUTE_ROUTER_ID, router) ||
	       nla_put_u32(msg, MIDWAY_A_ROUTE_DST, dst) ||
	       nla_put_u8(msg, MIDWAY_A_ROUTE_DST_LEN, len) ||
	       nla_put_u8(msg, MIDWAY_A_ROUTE_NH_TYPE, MIDWAY_NH_PORT) ||
	       mwnl_put_uuid(msg, MIDWAY_A_ROUTE_PORT_ID, port) ||
	       (gw && nla_put_u32(msg, MIDWAY_A_ROUTE_GATEWAY, gw));
}

/* Add then delete the toggled route @n times, 100 pairs per batch. */
static int flap(struct mwnl *nl, const struct mwnl_uuid *router,
		const struct mwnl_uuid *port, unsigned int n)
{
	struct mwnl_batch *b = NULL;
	struct mwnl_uuid id;
	struct nl_msg *msg;
	unsigned int i;
	int err = 0, k;

	route_id(&id, 0);
	for (i = 0; i < n && !err; i++) {
		if (!b && !(b = mwnl_batch_new(nl)))
			return -1;
		for (k = 0; k < 2 && !err; k++) {
			msg = mwnl_msg(nl, k ? MIDWAY_CMD_ROUTE_DEL : MIDWAY_CMD_ROUTE_NEW, 0);
			if (!msg || mwnl_put_uuid(msg, MIDWAY_A_ROUTE_ID, &id) ||
			    (!k && put_route(msg, router, port, toggle.dst.s_addr,
					     toggle.len, toggle.gw.s_addr)))
				err = -1;
			else
				err = mwnl_batch_add(b, msg);
		}
		if (!err && (i % 100 == 99 || i == n - 1)) {
			err = mwnl_batch_flush(b);
			mwnl_batch_free(b);
			b = NULL;
		}
	}
	if (err)
		fprintf(stderr, "route_churn: flap: %s\n", mwnl_strerror(nl));
	if (b)
		mwnl_batch_free(b);
	return err;
}

static int churn(struct mwnl *nl, const struct mwnl_uuid *router,
		 const struct mwnl_uuid *port, unsigned int n, bool add)
{
	struct mwnl_batch *b = mwnl_batch_new(nl);
	struct mwnl_uuid id;
	struct nl_msg *msg;
	unsigned int i;
	int err = 0;

	if (!b)
		return -1;
	for (i = 0; i < n && !err; i++) {
		route_id(&id, i);
		msg = mwnl_msg(nl, add ? MIDWAY_CMD_ROUTE_NEW : MIDWAY_CMD_ROUTE_DEL, 0);
		if (!msg || mwnl_put_uuid(msg, MIDWAY_A_ROUTE_ID, &id)) {
			err = -1;
			break;
		}
		if (add && put_route(msg, router, port, htonl(0x64400000 + i), 32, 0)) {
			err = -1;
			break;
		}
		err = mwnl_batch_add(b, msg);
	}
	if (!err)
		err = mwnl_batch_flush(b);
	if (err)
		fprintf(stderr, "route_churn: %s: %s\n", add ? "add" : "del",
			mwnl_strerror(nl));
	mwnl_batch_free(b);
	return err;
}

int main(int argc, char **argv)
{
	struct mwnl_uuid router, port;
	unsigned int n;
	struct mwnl *nl;

	char *slash = argc == 6 ? strchr(argv[4], '/') : NULL;

	if ((argc != 4 && argc != 6) || mwnl_uuid_parse(argv[1], &router) ||
	    mwnl_uuid_parse(argv[2], &port) || !(n = strtoul(argv[3], NULL, 0)) ||
	    (argc == 6 &&
	     (!slash || (*slash = 0, !inet_aton(argv[4], &toggle.dst)) ||
	      (toggle.len = strtoul(slash + 1, NULL, 10)) > 32 ||
	      !inet_aton(argv[5], &toggle.gw)))) {
		fprintf(stderr, "usage: route_churn ROUTER-UUID PORT-UUID COUNT [A.B.C.D/LEN GATEWAY]\n");
		return 2;
	}
	toggle.on = argc == 6;
	nl = mwnl_open();
	if (!nl) {
		fprintf(stderr, "route_churn: cannot open the midway family\n");
		return 1;
	}
	if (toggle.on) {
		if (flap(nl, &router, &port, n))
			return 1;
		printf("route_churn: %s/%u added and deleted %u times\n",
		       inet_ntoa(toggle.dst), toggle.len, n);
		mwnl_close(nl);
		return 0;
	}
	if (churn(nl, &router, &port, n, true) || churn(nl, &router, &port, n, false))
		return 1;
	printf("route_churn: %u routes added and deleted\n", n);
	mwnl_close(nl);
	return 0;
}
