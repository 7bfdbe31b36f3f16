// SPDX-License-Identifier: GPL-2.0
/*
 * route_churn ROUTER-UUID PORT-UUID COUNT: add COUNT /32 routes in
 * 100.64.0.0/10 via PORT, then delete them, in batches (many requests per
 * sendmsg). Exits 0 if every request succeeded. Used by churn.sh while
 * traffic flows on other prefixes.
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
		if (add &&
		    (mwnl_put_uuid(msg, MIDWAY_A_ROUTE_ROUTER_ID, router) ||
		     nla_put_u32(msg, MIDWAY_A_ROUTE_DST, htonl(0x64400000 + i)) ||
		     nla_put_u8(msg, MIDWAY_A_ROUTE_DST_LEN, 32) ||
		     nla_put_u8(msg, MIDWAY_A_ROUTE_NH_TYPE, MIDWAY_NH_PORT) ||
		     mwnl_put_uuid(msg, MIDWAY_A_ROUTE_PORT_ID, port))) {
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

	if (argc != 4 || mwnl_uuid_parse(argv[1], &router) ||
	    mwnl_uuid_parse(argv[2], &port) || !(n = strtoul(argv[3], NULL, 0))) {
		fprintf(stderr, "usage: route_churn ROUTER-UUID PORT-UUID COUNT\n");
		return 2;
	}
	nl = mwnl_open();
	if (!nl) {
		fprintf(stderr, "route_churn: cannot open the midway family\n");
		return 1;
	}
	if (churn(nl, &router, &port, n, true) || churn(nl, &router, &port, n, false))
		return 1;
	printf("route_churn: %u routes added and deleted\n", n);
	mwnl_close(nl);
	return 0;
}
