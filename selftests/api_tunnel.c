// SPDX-License-Identifier: GPL-2.0
/*
 * The tunnel's part of the API: TUNNEL_GET/SET (UDP port, TTL, open while
 * there is a local host), host addresses that must be unique, the all or
 * nothing of making a host local when its UDP port is taken, a remote
 * port's REMOTE_UP and what it does to OPER_UP and to the routes via the
 * port, and the host counters in HOST_GET.
 */
#include <netinet/in.h>

#include "mw_test.h"

MW_FIXTURE(tunnel);

struct tun {
	int port, ttl, open;
};

static int tunnel_get(struct mw_sock *s, struct tun *t)
{
	struct mw_result r;
	struct mw_msg *m;
	int err;

	err = mw_exec(s, mw_req(s, MIDWAY_CMD_TUNNEL_GET, 0), &r);
	if (err || r.nreplies != 1) {
		mw_result_free(&r);
		return err ?: -EPROTO;
	}
	m = r.replies[0];
	t->port = m->tb[MIDWAY_A_TUNNEL_PORT] ?
		  nla_get_u16(m->tb[MIDWAY_A_TUNNEL_PORT]) : -1;
	t->ttl = m->tb[MIDWAY_A_TUNNEL_TTL] ? mw_u8(m, MIDWAY_A_TUNNEL_TTL) : -1;
	t->open = m->tb[MIDWAY_A_TUNNEL_OPEN] ? mw_u8(m, MIDWAY_A_TUNNEL_OPEN) : -1;
	mw_result_free(&r);
	return 0;
}

/* A UDP socket bound to @port on any address of the test's netns, or -1. */
static int udp_bind(int port)
{
	struct sockaddr_in sa = {
		.sin_family = AF_INET,
		.sin_port = htons(port),
	};
	int fd = socket(AF_INET, SOCK_DGRAM, 0);

	if (fd < 0)
		return -1;
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		close(fd);
		return -1;
	}
	return fd;
}

static int host_set(struct mw_sock *s, struct mw_id id, int addr_attr,
		    uint32_t addr, int local)
{
	struct nl_msg *m = MSG_HOST(s, MIDWAY_CMD_HOST_SET, id);

	if (addr_attr)
		nla_put_u32(m, MIDWAY_A_HOST_ADDR, addr);
	if (local >= 0)
		nla_put_u8(m, MIDWAY_A_HOST_LOCAL, local);
	return mw_exec(s, m, NULL);
}

TEST_F(tunnel, defaults_and_open)
{
	struct mw_sock *s = self->s;
	struct tun t;
	int fd;

	ASSERT_EQ(0, tunnel_get(s, &t));
	EXPECT_EQ(MIDWAY_TUNNEL_PORT_DEFAULT, t.port);
	EXPECT_EQ(0, t.ttl);
	EXPECT_EQ(0, t.open) TH_LOG("open without a local host");
	fd = udp_bind(MIDWAY_TUNNEL_PORT_DEFAULT);
	EXPECT_LE(0, fd) TH_LOG("port 4789 taken with the tunnel closed");
	if (fd >= 0)
		close(fd);

	/* A remote host opens nothing; the local one opens the socket. */
	MW_DO(s, mw_host_new(s, HID(1), mw_ip(192, 0, 2, 1), 0));
	ASSERT_EQ(0, tunnel_get(s, &t));
	EXPECT_EQ(0, t.open);
	MW_DO(s, mw_host_new(s, HID(2), mw_ip(192, 0, 2, 2), 1));
	ASSERT_EQ(0, tunnel_get(s, &t));
	EXPECT_EQ(1, t.open);
	EXPECT_EQ(-1, udp_bind(MIDWAY_TUNNEL_PORT_DEFAULT))
		TH_LOG("the tunnel is open but port 4789 is free");

	/* No local host any more: closed, the port free again. */
	MW_DO(s, host_set(s, HID(2), 0, 0, 0));
	ASSERT_EQ(0, tunnel_get(s, &t));
	EXPECT_EQ(0, t.open);
	fd = udp_bind(MIDWAY_TUNNEL_PORT_DEFAULT);
	EXPECT_LE(0, fd) TH_LOG("port 4789 still taken after the tunnel closed");
	if (fd >= 0)
		close(fd);

	/* Deleting the local host closes it too. */
	MW_DO(s, host_set(s, HID(1), 0, 0, 1));
	ASSERT_EQ(0, tunnel_get(s, &t));
	EXPECT_EQ(1, t.open);
	MW_OK(s, MSG_HOST(s, MIDWAY_CMD_HOST_DEL, HID(1)));
	ASSERT_EQ(0, tunnel_get(s, &t));
	EXPECT_EQ(0, t.open);
}

TEST_F(tunnel, set_port_and_ttl)
{
	struct mw_sock *s = self->s;
	struct nl_msg *m;
	struct tun t;
	int fd;

	MW_DO(s, mw_host_new(s, HID(1), mw_ip(192, 0, 2, 1), 1));

	/* An open tunnel moves to the new port at once. */
	m = mw_req(s, MIDWAY_CMD_TUNNEL_SET, 0);
	nla_put_u16(m, MIDWAY_A_TUNNEL_PORT, 14789);
	nla_put_u8(m, MIDWAY_A_TUNNEL_TTL, 17);
	MW_OK(s, m);
	ASSERT_EQ(0, tunnel_get(s, &t));
	EXPECT_EQ(14789, t.port);
	EXPECT_EQ(17, t.ttl);
	EXPECT_EQ(1, t.open);
	EXPECT_EQ(-1, udp_bind(14789)) TH_LOG("the new port is free");
	fd = udp_bind(MIDWAY_TUNNEL_PORT_DEFAULT);
	EXPECT_LE(0, fd) TH_LOG("the old port is still taken");

	/* A port in use: refused, pointing at PORT; nothing changed. */
	m = mw_req(s, MIDWAY_CMD_TUNNEL_SET, 0);
	nla_put_u16(m, MIDWAY_A_TUNNEL_PORT, MIDWAY_TUNNEL_PORT_DEFAULT);
	nla_put_u8(m, MIDWAY_A_TUNNEL_TTL, 3);
	mw_reject_at(s, m, EADDRINUSE, MIDWAY_A_TUNNEL_PORT, "tunnel port in use");
	ASSERT_EQ(0, tunnel_get(s, &t));
	EXPECT_EQ(14789, t.port);
	EXPECT_EQ(17, t.ttl);
	EXPECT_EQ(1, t.open);
	EXPECT_EQ(-1, udp_bind(14789)) TH_LOG("the refused move closed the socket");
	if (fd >= 0)
		close(fd);

	/* Policy. */
	m = mw_req(s, MIDWAY_CMD_TUNNEL_SET, 0);
	nla_put_u16(m, MIDWAY_A_TUNNEL_PORT, 0);
	mw_reject_at(s, m, ERANGE, MIDWAY_A_TUNNEL_PORT, "tunnel port 0");
	m = mw_req(s, MIDWAY_CMD_TUNNEL_SET, 0);
	nla_put_u8(m, MIDWAY_A_TUNNEL_OPEN, 0);
	mw_reject_at(s, m, EINVAL, MIDWAY_A_TUNNEL_OPEN, "tunnel OPEN is read-only");
}

/* Making a host local opens the tunnel: if it cannot, nothing changes. */
TEST_F(tunnel, local_needs_the_port)
{
	struct mw_sock *s = self->s;
	struct mw_msg *h;
	struct nl_msg *m;
	struct tun t;
	int fd;

	MW_DO(s, mw_host_new(s, HID(1), mw_ip(192, 0, 2, 1), 0));
	fd = udp_bind(MIDWAY_TUNNEL_PORT_DEFAULT);
	ASSERT_LE(0, fd);

	m = MSG_HOST(s, MIDWAY_CMD_HOST_SET, HID(1));
	nla_put_u32(m, MIDWAY_A_HOST_ADDR, mw_ip(192, 0, 2, 9));
	nla_put_u8(m, MIDWAY_A_HOST_LOCAL, 1);
	mw_reject(s, m, EADDRINUSE, "HOST_SET local with the tunnel port taken");
	h = GET_HOST(s, HID(1));
	ASSERT_NE(NULL, h);
	EXPECT_EQ(0, mw_u8(h, MIDWAY_A_HOST_LOCAL));
	EXPECT_EQ(mw_ip(192, 0, 2, 1), mw_u32(h, MIDWAY_A_HOST_ADDR));
	free(h);
	/* The address the refused request wanted is still free. */
	MW_DO(s, mw_host_new(s, HID(3), mw_ip(192, 0, 2, 9), 0));

	m = MSG_HOST(s, MIDWAY_CMD_HOST_NEW, HID(2));
	nla_put_u32(m, MIDWAY_A_HOST_ADDR, mw_ip(192, 0, 2, 2));
	nla_put_u8(m, MIDWAY_A_HOST_LOCAL, 1);
	mw_reject(s, m, EADDRINUSE, "HOST_NEW local with the tunnel port taken");
	ASSERT_EQ(0, tunnel_get(s, &t));
	EXPECT_EQ(0, t.open);

	close(fd);
	MW_DO(s, host_set(s, HID(1), 0, 0, 1));
	ASSERT_EQ(0, tunnel_get(s, &t));
	EXPECT_EQ(1, t.open);
}

TEST_F(tunnel, host_addresses_unique)
{
	struct mw_sock *s = self->s;
	struct mw_msg *h;
	struct nl_msg *m;

	MW_DO(s, mw_host_new(s, HID(1), mw_ip(192, 0, 2, 1), 0));
	MW_DO(s, mw_host_new(s, HID(2), mw_ip(192, 0, 2, 2), 1));
	m = MSG_HOST(s, MIDWAY_CMD_HOST_NEW, HID(3));
	nla_put_u32(m, MIDWAY_A_HOST_ADDR, mw_ip(192, 0, 2, 1));
	mw_reject(s, m, EEXIST, "HOST_NEW with another host's address");
	m = MSG_HOST(s, MIDWAY_CMD_HOST_SET, HID(2));
	nla_put_u32(m, MIDWAY_A_HOST_ADDR, mw_ip(192, 0, 2, 1));
	nla_put_u8(m, MIDWAY_A_HOST_LOCAL, 0);
	mw_reject(s, m, EEXIST, "HOST_SET to another host's address");
	h = GET_HOST(s, HID(2));
	ASSERT_NE(NULL, h);
	EXPECT_EQ(1, mw_u8(h, MIDWAY_A_HOST_LOCAL)) TH_LOG("a refused SET changed LOCAL");
	free(h);

	/* Moving frees the old address, and a host may keep its own. */
	MW_DO(s, host_set(s, HID(1), 1, mw_ip(192, 0, 2, 11), -1));
	MW_DO(s, host_set(s, HID(1), 1, mw_ip(192, 0, 2, 11), -1));
	MW_DO(s, mw_host_new(s, HID(3), mw_ip(192, 0, 2, 1), 0));
	/* Deleting frees it too. */
	MW_OK(s, MSG_HOST(s, MIDWAY_CMD_HOST_DEL, HID(3)));
	MW_DO(s, mw_host_new(s, HID(4), mw_ip(192, 0, 2, 1), 0));

	/* Counters are in every reply, empty so far. */
	h = GET_HOST(s, HID(4));
	ASSERT_NE(NULL, h);
	EXPECT_TRUE(mw_has(h, MIDWAY_A_HOST_STATS));
	EXPECT_TRUE(mw_has(h, MIDWAY_A_HOST_DROPS));
	free(h);
	m = MSG_HOST(s, MIDWAY_CMD_HOST_SET, HID(4));
	nla_put_u8(m, MIDWAY_A_HOST_STATS, 0);
	mw_reject_at(s, m, EINVAL, MIDWAY_A_HOST_STATS, "host STATS is read-only");
}

/* A remote port is up while REMOTE_UP is 1; routes via it follow. */
TEST_F(tunnel, remote_up)
{
	struct mw_sock *s = self->s;
	struct mw_id h1 = HID(1);
	struct mw_msg *p, *rt;
	struct nl_msg *m;

	MW_DO(s, mw_router_new(s, RID(1), "r1"));
	MW_DO(s, mw_host_new(s, HID(1), mw_ip(192, 0, 2, 1), 0));
	MW_DO(s, mw_host_new(s, HID(2), mw_ip(192, 0, 2, 2), 1));
	MW_DO(s, mw_port_ext(s, PID(1), RID(1), &h1));
	m = mw_msg_route_new(s, TID(1), RID(1), mw_ip(10, 0, 0, 0), 8,
			     MIDWAY_NH_PORT);
	mw_put_id(m, MIDWAY_A_ROUTE_PORT_ID, PID(1));
	MW_OK(s, m);

	p = GET_PORT(s, PID(1));
	ASSERT_NE(NULL, p);
	EXPECT_EQ(1, mw_u8(p, MIDWAY_A_PORT_REMOTE_UP)) TH_LOG("default is up");
	EXPECT_EQ(1, mw_u8(p, MIDWAY_A_PORT_OPER_UP));
	free(p);

	m = MSG_PORT(s, MIDWAY_CMD_PORT_SET, PID(1));
	nla_put_u8(m, MIDWAY_A_PORT_REMOTE_UP, 0);
	MW_OK(s, m);
	p = GET_PORT(s, PID(1));
	rt = GET_ROUTE(s, TID(1));
	ASSERT_NE(NULL, p);
	ASSERT_NE(NULL, rt);
	EXPECT_EQ(0, mw_u8(p, MIDWAY_A_PORT_OPER_UP));
	EXPECT_EQ(0, mw_u8(rt, MIDWAY_A_ROUTE_ACTIVE));
	free(p);
	free(rt);
	m = mw_req(s, MIDWAY_CMD_ROUTE_LOOKUP, 0);
	mw_put_id(m, MIDWAY_A_ROUTE_ROUTER_ID, RID(1));
	nla_put_u32(m, MIDWAY_A_ROUTE_DST, mw_ip(10, 1, 2, 3));
	EXPECT_EQ(-ENETUNREACH, mw_exec(s, m, NULL))
		TH_LOG("the lookup still finds the route via a down port");

	m = MSG_PORT(s, MIDWAY_CMD_PORT_SET, PID(1));
	nla_put_u8(m, MIDWAY_A_PORT_REMOTE_UP, 1);
	MW_OK(s, m);
	rt = GET_ROUTE(s, TID(1));
	ASSERT_NE(NULL, rt);
	EXPECT_EQ(1, mw_u8(rt, MIDWAY_A_ROUTE_ACTIVE));
	free(rt);
	m = mw_req(s, MIDWAY_CMD_ROUTE_LOOKUP, 0);
	mw_put_id(m, MIDWAY_A_ROUTE_ROUTER_ID, RID(1));
	nla_put_u32(m, MIDWAY_A_ROUTE_DST, mw_ip(10, 1, 2, 3));
	EXPECT_EQ(0, mw_exec(s, m, NULL));

	/* NEW with REMOTE_UP 0; an interior port has none. */
	m = mw_msg_port_new(s, PID(2), RID(1), MIDWAY_PORT_KIND_EXTERIOR);
	mw_put_id(m, MIDWAY_A_PORT_HOST_ID, HID(1));
	nla_put_u8(m, MIDWAY_A_PORT_REMOTE_UP, 0);
	MW_OK(s, m);
	p = GET_PORT(s, PID(2));
	ASSERT_NE(NULL, p);
	EXPECT_EQ(0, mw_u8(p, MIDWAY_A_PORT_OPER_UP));
	free(p);
	m = mw_msg_port_new(s, PID(3), RID(1), MIDWAY_PORT_KIND_INTERIOR);
	nla_put_u8(m, MIDWAY_A_PORT_REMOTE_UP, 1);
	mw_reject_at(s, m, EINVAL, MIDWAY_A_PORT_REMOTE_UP, "REMOTE_UP on an interior port");
}

MW_TEST_MAIN
