// SPDX-License-Identifier: GPL-2.0
/*
 * mkobjs - fill the midway instance of the current network namespace with a
 * bit of everything, for tests that need objects present (modload.sh).
 *
 *	mkobjs [-r ROUTES] [-d IFNAME] [-l]
 *
 * Creates routers R1..R4 in a chain of peered interior ports, hosts (a
 * remote one, and with -l or -d a local one), exterior ports on them,
 * ROUTES routes (default 200) spread over the routers, and with -d an
 * exterior port bound to device IFNAME. The ids are fixed, so a second run
 * in the same namespace fails with EEXIST.
 * Exit 0 on success, 1 on the first failed request (printed with its
 * extack message), 4 if the family is not there.
 */
#include <getopt.h>
#include <net/if.h>

#include "nl_helpers.h"

#define NROUTERS 4

static struct mw_sock *s;

static void check(int err, const char *what, unsigned int n)
{
	if (!err)
		return;
	fprintf(stderr, "mkobjs: %s %u: %s (%s)\n", what, n, strerror(-err),
		s->last_emsg[0] ? s->last_emsg : "no extack message");
	exit(1);
}

int main(int argc, char **argv)
{
	unsigned int nroutes = 200, i;
	const char *ifname = NULL;
	struct mw_id h_remote = mw_id(4, 1), h_local = mw_id(4, 2);
	struct nl_msg *m;
	bool local = false;
	int opt;

	while ((opt = getopt(argc, argv, "r:d:lh")) != -1) {
		switch (opt) {
		case 'r':
			nroutes = strtoul(optarg, NULL, 0);
			break;
		case 'd':
			ifname = optarg;
			local = true;
			break;
		case 'l':
			local = true;
			break;
		default:
			fprintf(stderr, "usage: mkobjs [-r ROUTES] [-d IFNAME] [-l]\n");
			return opt == 'h' ? 0 : 2;
		}
	}

	s = mw_open();
	if (!s) {
		fprintf(stderr, "mkobjs: no generic netlink family \"%s\"\n",
			MIDWAY_GENL_NAME);
		return 4;
	}

	check(mw_host_new(s, h_remote, mw_ip(192, 0, 2, 1), 0), "host", 1);
	if (local)
		check(mw_host_new(s, h_local, mw_ip(192, 0, 2, 2), 1), "host", 2);

	/* R1 - R2 - R3 - R4, each link a pair of interior ports. */
	for (i = 1; i <= NROUTERS; i++) {
		check(mw_router_new(s, mw_id(1, i), "mkobjs"), "router", i);
		check(mw_port_ext(s, mw_id(2, 100 + i), mw_id(1, i), &h_remote),
		      "exterior port", 100 + i);
		if (i > 1) {
			struct mw_id left = mw_id(2, 200 + i - 1);

			check(mw_port_int(s, mw_id(2, 300 + i), mw_id(1, i), &left),
			      "interior port", 300 + i);
		}
		if (i < NROUTERS)
			check(mw_port_int(s, mw_id(2, 200 + i), mw_id(1, i), NULL),
			      "interior port", 200 + i);
	}

	for (i = 0; i < nroutes; i++) {
		unsigned int r = 1 + i % NROUTERS;
		struct mw_id port = mw_id(2, 100 + r);

		check(mw_route_new(s, mw_id(3, i), mw_id(1, r), htonl(0x0a000000 + (i << 8)),
				   24, i % 3 ? MIDWAY_NH_PORT : MIDWAY_NH_BLACKHOLE,
				   i % 3 ? &port : NULL, 0), "route", i);
	}

	if (ifname) {
		unsigned int ifindex = if_nametoindex(ifname);

		if (!ifindex) {
			fprintf(stderr, "mkobjs: no device %s\n", ifname);
			return 1;
		}
		m = mw_req(s, MIDWAY_CMD_PORT_NEW, 0);
		mw_put_id(m, MIDWAY_A_PORT_ID, mw_id(2, 1));
		mw_put_id(m, MIDWAY_A_PORT_ROUTER_ID, mw_id(1, 1));
		nla_put_u8(m, MIDWAY_A_PORT_KIND, MIDWAY_PORT_KIND_EXTERIOR);
		mw_put_id(m, MIDWAY_A_PORT_HOST_ID, h_local);
		nla_put_u32(m, MIDWAY_A_PORT_IFINDEX, ifindex);
		check(mw_exec(s, m, NULL), "bound port", 1);
	}

	printf("mkobjs: %d routers, %u routes%s%s\n", NROUTERS, nroutes,
	       ifname ? ", a port bound to " : "", ifname ?: "");
	mw_close(s);
	return 0;
}
