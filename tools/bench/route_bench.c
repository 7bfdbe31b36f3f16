// SPDX-License-Identifier: GPL-2.0
/*
 * route_bench: how fast routes go into a midway router through the netlink
 * batch API (mwnl_batch_add/mwnl_batch_flush).
 *
 *   route_bench [-n ROUTES] [-b MSGS] [-d IFNAME] [-k]
 *
 * In the current network namespace (midway.ko loaded, CAP_NET_ADMIN), it
 * creates a local host, one router and one exterior port with address
 * 192.168.0.1/24 bound to IFNAME (default dummy0, which must exist and be
 * up, so that the routes are active and go into the forwarding table), then
 * installs ROUTES (default 100000) routes 20.0.0.0/24, 20.0.1.0/24, ... via
 * 192.168.0.2 on that port, as batched ROUTE_NEW requests, MSGS per
 * sendmsg() (default MWNL_BATCH_MSGS). The clock runs from the first request
 * built to the last acknowledgement, so it counts building the messages as
 * well as the kernel's work. The route ids are a random prefix and a
 * counter (no getrandom() per route).
 *
 * Afterwards it checks that the router counts ROUTES routes and that one
 * route dumped back is active, then deletes the router (cascade) unless -k.
 *
 * Output: a human line, then "RESULT route_bench routes=N seconds=S
 * routes_per_s=R batch=M". Exit status 0, or 1 on any failure.
 */
#include <errno.h>
#include <getopt.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <arpa/inet.h>

#include "mwnl.h"

static const char *prog = "route_bench";

static void usage(FILE *f)
{
	fprintf(f,
		"usage: route_bench [-n ROUTES] [-b MSGS] [-d IFNAME] [-k]\n"
		"  -n ROUTES  routes to install (default 100000, at most 16777216)\n"
		"  -b MSGS    requests per sendmsg() (default %d; 1 = no batching)\n"
		"  -d IFNAME  device to bind the exterior port to (default dummy0)\n"
		"  -k         keep the router and its routes afterwards\n",
		MWNL_BATCH_MSGS);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int fail(struct mwnl *nl, const char *what, int err)
{
	fprintf(stderr, "%s: %s: %s\n", prog, what,
		nl && err != -ENOMEM ? mwnl_strerror(nl) : strerror(-err));
	return 1;
}

/* A fixed random prefix, and the counter in the last 8 bytes. */
static void make_id(struct mwnl_uuid *id, const struct mwnl_uuid *base,
		    uint64_t n)
{
	int i;

	*id = *base;
	for (i = 0; i < 8; i++)
		id->b[15 - i] ^= (uint8_t)(n >> (8 * i));
}

struct router_info {
	uint32_t n_routes;
};

static int on_router(struct nlmsghdr *nlh, void *arg)
{
	struct nlattr *tb[MIDWAY_A_ROUTER_MAX + 1];
	struct router_info *ri = arg;

	if (mwnl_parse(nlh, tb, MIDWAY_A_ROUTER_MAX) == 0 &&
	    tb[MIDWAY_A_ROUTER_N_ROUTES])
		ri->n_routes = nla_get_u32(tb[MIDWAY_A_ROUTER_N_ROUTES]);
	return 0;
}

static int on_route(struct nlmsghdr *nlh, void *arg)
{
	struct nlattr *tb[MIDWAY_A_ROUTE_MAX + 1];
	int *active = arg;

	if (mwnl_parse(nlh, tb, MIDWAY_A_ROUTE_MAX) == 0 &&
	    tb[MIDWAY_A_ROUTE_ACTIVE])
		*active = nla_get_u8(tb[MIDWAY_A_ROUTE_ACTIVE]);
	return 0;
}

int main(int argc, char **argv)
{
	const char *ifname = "dummy0";
	unsigned long n_routes = 100000, batch_msgs = MWNL_BATCH_MSGS;
	struct mwnl_uuid host, router, port, base, id;
	struct router_info ri = { 0 };
	struct mwnl_batch *b;
	struct nl_msg *msg;
	struct mwnl *nl;
	unsigned int ifindex;
	bool keep = false;
	double t0, t1;
	int active = -1;
	unsigned long i;
	uint32_t gw;
	char *end;
	int c, err;

	while ((c = getopt(argc, argv, "n:b:d:kh")) != -1) {
		switch (c) {
		case 'n':
			n_routes = strtoul(optarg, &end, 10);
			if (*end || !n_routes || n_routes > (1UL << 24)) {
				usage(stderr);
				return 2;
			}
			break;
		case 'b':
			batch_msgs = strtoul(optarg, &end, 10);
			if (*end || !batch_msgs || batch_msgs > 1000000) {
				usage(stderr);
				return 2;
			}
			break;
		case 'd':
			ifname = optarg;
			break;
		case 'k':
			keep = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return 2;
	}
	ifindex = if_nametoindex(ifname);
	if (!ifindex) {
		fprintf(stderr, "%s: no device %s: %s\n", prog, ifname,
			strerror(errno));
		return 1;
	}

	nl = mwnl_open();
	if (!nl) {
		fprintf(stderr, "%s: cannot open the midway family: %s%s\n",
			prog, strerror(errno),
			errno == ENOENT ? " (midway.ko not loaded?)" : "");
		return 1;
	}
	if (mwnl_uuid_random(&host) || mwnl_uuid_random(&router) ||
	    mwnl_uuid_random(&port) || mwnl_uuid_random(&base)) {
		fprintf(stderr, "%s: getrandom failed\n", prog);
		return 1;
	}
	gw = htonl(0xc0a80002);	/* 192.168.0.2 */

	/* The router, its port and the host it lives on. */
	msg = mwnl_msg(nl, MIDWAY_CMD_HOST_NEW, 0);
	if (!msg || mwnl_put_uuid(msg, MIDWAY_A_HOST_ID, &host) ||
	    nla_put_string(msg, MIDWAY_A_HOST_NAME, "route-bench") ||
	    nla_put_u32(msg, MIDWAY_A_HOST_ADDR, htonl(0xc0000201)) ||
	    nla_put_u8(msg, MIDWAY_A_HOST_LOCAL, 1))
		return fail(NULL, "host", -ENOMEM);
	err = mwnl_request(nl, msg, NULL, NULL);
	if (err)
		return fail(nl, "creating the host", err);

	msg = mwnl_msg(nl, MIDWAY_CMD_ROUTER_NEW, 0);
	if (!msg || mwnl_put_uuid(msg, MIDWAY_A_ROUTER_ID, &router) ||
	    nla_put_string(msg, MIDWAY_A_ROUTER_NAME, "route-bench"))
		return fail(NULL, "router", -ENOMEM);
	err = mwnl_request(nl, msg, NULL, NULL);
	if (err)
		return fail(nl, "creating the router", err);

	msg = mwnl_msg(nl, MIDWAY_CMD_PORT_NEW, 0);
	if (!msg || mwnl_put_uuid(msg, MIDWAY_A_PORT_ID, &port) ||
	    mwnl_put_uuid(msg, MIDWAY_A_PORT_ROUTER_ID, &router) ||
	    nla_put_u8(msg, MIDWAY_A_PORT_KIND, MIDWAY_PORT_KIND_EXTERIOR) ||
	    nla_put_string(msg, MIDWAY_A_PORT_NAME, "route-bench") ||
	    nla_put_u32(msg, MIDWAY_A_PORT_ADDR, htonl(0xc0a80001)) ||
	    nla_put_u8(msg, MIDWAY_A_PORT_PREFIXLEN, 24) ||
	    mwnl_put_uuid(msg, MIDWAY_A_PORT_HOST_ID, &host) ||
	    nla_put_u32(msg, MIDWAY_A_PORT_IFINDEX, ifindex))
		return fail(NULL, "port", -ENOMEM);
	err = mwnl_request(nl, msg, NULL, NULL);
	if (err)
		return fail(nl, "creating the port", err);

	b = mwnl_batch_new(nl);
	if (!b)
		return fail(NULL, "batch", -errno);
	mwnl_batch_limits(b, batch_msgs, 0);

	/* The measured part. */
	t0 = now();
	for (i = 0; i < n_routes; i++) {
		make_id(&id, &base, i);
		msg = mwnl_msg(nl, MIDWAY_CMD_ROUTE_NEW, 0);
		if (!msg || mwnl_put_uuid(msg, MIDWAY_A_ROUTE_ID, &id) ||
		    mwnl_put_uuid(msg, MIDWAY_A_ROUTE_ROUTER_ID, &router) ||
		    nla_put_u32(msg, MIDWAY_A_ROUTE_DST,
				htonl(0x14000000 + ((uint32_t)i << 8))) ||
		    nla_put_u8(msg, MIDWAY_A_ROUTE_DST_LEN, 24) ||
		    nla_put_u8(msg, MIDWAY_A_ROUTE_NH_TYPE, MIDWAY_NH_PORT) ||
		    mwnl_put_uuid(msg, MIDWAY_A_ROUTE_PORT_ID, &port) ||
		    nla_put_u32(msg, MIDWAY_A_ROUTE_GATEWAY, gw)) {
			nlmsg_free(msg);
			return fail(NULL, "building a route", -ENOMEM);
		}
		err = mwnl_batch_add(b, msg);
		if (err)
			break;
	}
	if (!err)
		err = mwnl_batch_flush(b);
	t1 = now();
	if (err) {
		fprintf(stderr, "%s: route %ld of %lu: %s\n", prog,
			mwnl_error(nl)->index, n_routes, mwnl_strerror(nl));
		return 1;
	}

	/* Check: the router counts them all; the last one is active. */
	msg = mwnl_msg(nl, MIDWAY_CMD_ROUTER_GET, 0);
	if (!msg || mwnl_put_uuid(msg, MIDWAY_A_ROUTER_ID, &router))
		return fail(NULL, "router get", -ENOMEM);
	err = mwnl_request(nl, msg, on_router, &ri);
	if (err)
		return fail(nl, "reading the router back", err);
	msg = mwnl_msg(nl, MIDWAY_CMD_ROUTE_GET, 0);
	if (!msg || mwnl_put_uuid(msg, MIDWAY_A_ROUTE_ID, &id))
		return fail(NULL, "route get", -ENOMEM);
	err = mwnl_request(nl, msg, on_route, &active);
	if (err)
		return fail(nl, "reading a route back", err);

	printf("route_bench: %lu routes installed in %.3f s: %.0f routes/s "
	       "(batches of %lu requests; router counts %u routes, last one %s)\n",
	       n_routes, t1 - t0, n_routes / (t1 - t0), batch_msgs,
	       ri.n_routes, active == 1 ? "active" : "NOT active");
	printf("RESULT route_bench routes=%lu seconds=%.3f routes_per_s=%.0f batch=%lu\n",
	       n_routes, t1 - t0, n_routes / (t1 - t0), batch_msgs);
	fflush(stdout);
	if (ri.n_routes != n_routes || active != 1) {
		fprintf(stderr, "%s: the router holds %u routes, expected %lu\n",
			prog, ri.n_routes, n_routes);
		return 1;
	}

	if (!keep) {
		msg = mwnl_msg(nl, MIDWAY_CMD_ROUTER_DEL, 0);
		if (!msg || mwnl_put_uuid(msg, MIDWAY_A_ROUTER_ID, &router) ||
		    nla_put_flag(msg, MIDWAY_A_ROUTER_CASCADE))
			return fail(NULL, "router del", -ENOMEM);
		t0 = now();
		err = mwnl_request(nl, msg, NULL, NULL);
		t1 = now();
		if (err)
			return fail(nl, "deleting the router", err);
		printf("route_bench: router deleted with its routes (cascade) in %.3f s\n",
		       t1 - t0);
		msg = mwnl_msg(nl, MIDWAY_CMD_HOST_DEL, 0);
		if (!msg || mwnl_put_uuid(msg, MIDWAY_A_HOST_ID, &host))
			return fail(NULL, "host del", -ENOMEM);
		err = mwnl_request(nl, msg, NULL, NULL);
		if (err)
			return fail(nl, "deleting the host", err);
	}
	mwnl_batch_free(b);
	mwnl_close(nl);
	return 0;
}
