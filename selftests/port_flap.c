// SPDX-License-Identifier: GPL-2.0
/*
 * port_flap PORT-UUID IFINDEX COUNT: unbind the exterior port from its
 * device and bind it again, COUNT times, as fast as netlink allows (one
 * PORT_SET IFINDEX 0 and one PORT_SET IFINDEX N per round). Exits 0 if
 * every request succeeded. Used by harden.sh while traffic that the port
 * fragments flows: an mwctl process per request is too slow to hit the
 * window between the output path's read of the device and its use.
 */
#include <stdio.h>
#include <stdlib.h>

#include <netlink/attr.h>
#include <linux/midway.h>

#include "mwnl.h"

static int set_ifindex(struct mwnl *nl, const struct mwnl_uuid *port,
		       uint32_t ifindex)
{
	struct nl_msg *msg = mwnl_msg(nl, MIDWAY_CMD_PORT_SET, 0);

	if (!msg || mwnl_put_uuid(msg, MIDWAY_A_PORT_ID, port) ||
	    nla_put_u32(msg, MIDWAY_A_PORT_IFINDEX, ifindex)) {
		nlmsg_free(msg);
		return -1;
	}
	return mwnl_request(nl, msg, NULL, NULL);
}

int main(int argc, char **argv)
{
	struct mwnl_uuid port;
	unsigned long ifindex, n, i;
	struct mwnl *nl;

	if (argc != 4 || mwnl_uuid_parse(argv[1], &port) ||
	    !(ifindex = strtoul(argv[2], NULL, 0)) ||
	    !(n = strtoul(argv[3], NULL, 0))) {
		fprintf(stderr, "usage: port_flap PORT-UUID IFINDEX COUNT\n");
		return 2;
	}
	nl = mwnl_open();
	if (!nl) {
		fprintf(stderr, "port_flap: cannot open the midway family\n");
		return 1;
	}
	for (i = 0; i < n; i++) {
		if (set_ifindex(nl, &port, 0) || set_ifindex(nl, &port, ifindex)) {
			fprintf(stderr, "port_flap: round %lu: %s\n", i,
				mwnl_strerror(nl));
			mwnl_close(nl);
			return 1;
		}
	}
	printf("port_flap: %lu unbind/bind rounds\n", n);
	mwnl_close(nl);
	return 0;
}
