// SPDX-License-Identifier: GPL-2.0
/*
 * Ports through the "midway" generic netlink family: exterior ports (on a
 * host, bound to a device), interior ports and their peering, the derived
 * OPER_UP, SET of what may change and refusal of what may not, DEL with its
 * references, and every way a port request can be refused.
 */
#include <net/if.h>

#include "mw_test.h"

MW_FIXTURE(port);

static const uint8_t mac1[6] = { 0x02, 0x00, 0x5e, 0x10, 0x00, 0x01 };

/* Two routers; host 1 is remote, host 2 is the local one. */
static int base_topology(struct mw_sock *s)
{
	return mw_router_new(s, RID(1), "r1") ?:
	       mw_router_new(s, RID(2), "r2") ?:
	       mw_host_new(s, HID(1), mw_ip(192, 0, 2, 1), 0) ?:
	       mw_host_new(s, HID(2), mw_ip(192, 0, 2, 2), 1);
}

static int oper_up(struct mw_sock *s, struct mw_id id)
{
	struct mw_msg *p = GET_PORT(s, id);
	int up = p ? mw_u8(p, MIDWAY_A_PORT_OPER_UP) : -1;

	free(p);
	return up;
}

/*
 * OPER_UP once it is @want, polled for up to 3 s: carrier changes reach the
 * netdevice notifiers through the kernel's linkwatch work, which batches
 * them up to a second apart.
 */
static int oper_up_wait(struct mw_sock *s, struct mw_id id, int want)
{
	int i, up = -1;

	for (i = 0; i < 60; i++) {
		up = oper_up(s, id);
		if (up == want)
			break;
		usleep(50000);
	}
	return up;
}

static int port_set_u8(struct mw_sock *s, struct mw_id id, int a, uint8_t v)
{
	struct nl_msg *m = MSG_PORT(s, MIDWAY_CMD_PORT_SET, id);

	nla_put_u8(m, a, v);
	return mw_exec(s, m, NULL);
}

static int port_set_id(struct mw_sock *s, struct mw_id id, int a, struct mw_id v)
{
	struct nl_msg *m = MSG_PORT(s, MIDWAY_CMD_PORT_SET, id);

	mw_put_id(m, a, v);
	return mw_exec(s, m, NULL);
}

TEST_F(port, exterior_new_get)
{
	struct mw_sock *s = self->s;
	struct nl_msg *m;
	struct mw_msg *p;

	MW_DO(s, base_topology(s));
	m = mw_msg_port_new(s, PID(1), RID(1), MIDWAY_PORT_KIND_EXTERIOR);
	nla_put_string(m, MIDWAY_A_PORT_NAME, "vm1-eth0");
	nla_put_u8(m, MIDWAY_A_PORT_ADMIN_UP, 1);
	nla_put(m, MIDWAY_A_PORT_MAC, 6, mac1);
	nla_put_u32(m, MIDWAY_A_PORT_ADDR, mw_ip(10, 0, 0, 1));
	nla_put_u8(m, MIDWAY_A_PORT_PREFIXLEN, 24);
	nla_put_u32(m, MIDWAY_A_PORT_TUNNEL_KEY, 4242);
	mw_put_id(m, MIDWAY_A_PORT_HOST_ID, HID(1));
	MW_OK(s, m);

	p = GET_PORT(s, PID(1));
	ASSERT_NE(NULL, p) TH_LOG("%s", s->last_emsg);
	EXPECT_EQ(MIDWAY_CMD_PORT_GET, p->cmd);
	EXPECT_TRUE(IS_ID(p, MIDWAY_A_PORT_ID, PID(1)));
	EXPECT_TRUE(IS_ID(p, MIDWAY_A_PORT_ROUTER_ID, RID(1)));
	EXPECT_STREQ("vm1-eth0", mw_str(p, MIDWAY_A_PORT_NAME) ?: "(none)");
	EXPECT_EQ(MIDWAY_PORT_KIND_EXTERIOR, mw_u8(p, MIDWAY_A_PORT_KIND));
	EXPECT_EQ(1, mw_u8(p, MIDWAY_A_PORT_ADMIN_UP));
	ASSERT_TRUE(mw_has(p, MIDWAY_A_PORT_MAC));
	EXPECT_EQ(6, nla_len(p->tb[MIDWAY_A_PORT_MAC]));
	EXPECT_EQ(0, memcmp(nla_data(p->tb[MIDWAY_A_PORT_MAC]), mac1, 6));
	EXPECT_EQ(mw_ip(10, 0, 0, 1), mw_u32(p, MIDWAY_A_PORT_ADDR));
	EXPECT_EQ(24, mw_u8(p, MIDWAY_A_PORT_PREFIXLEN));
	EXPECT_EQ(4242, mw_u32(p, MIDWAY_A_PORT_TUNNEL_KEY));
	EXPECT_TRUE(IS_ID(p, MIDWAY_A_PORT_HOST_ID, HID(1)));
	EXPECT_FALSE(mw_has(p, MIDWAY_A_PORT_PEER_ID));
	EXPECT_FALSE(mw_has(p, MIDWAY_A_PORT_IFINDEX));
	/* Admin-up, placed on a remote host: reachable through a tunnel. */
	EXPECT_EQ(1, mw_u8(p, MIDWAY_A_PORT_OPER_UP));
	free(p);
}

/* What the kernel fills in: a random local MAC, a free tunnel key. */
TEST_F(port, defaults)
{
	struct mw_sock *s = self->s;
	struct mw_msg *a, *b;
	const uint8_t *mac;
	struct nl_msg *m;

	MW_DO(s, base_topology(s));
	MW_DO(s, mw_port_ext(s, PID(1), RID(1), NULL));
	MW_DO(s, mw_port_int(s, PID(2), RID(1), NULL));
	a = GET_PORT(s, PID(1));
	b = GET_PORT(s, PID(2));
	ASSERT_NE(NULL, a);
	ASSERT_NE(NULL, b);

	EXPECT_EQ(1, mw_u8(a, MIDWAY_A_PORT_ADMIN_UP)) TH_LOG("default admin state is up");
	ASSERT_TRUE(mw_has(a, MIDWAY_A_PORT_MAC));
	mac = nla_data(a->tb[MIDWAY_A_PORT_MAC]);
	EXPECT_EQ(0x02, mac[0] & 0x03) TH_LOG("default MAC is not a local unicast one");
	EXPECT_NE(0, memcmp(mac, nla_data(b->tb[MIDWAY_A_PORT_MAC]), 6))
		TH_LOG("two ports got the same random MAC");
	ASSERT_TRUE(mw_has(a, MIDWAY_A_PORT_TUNNEL_KEY));
	EXPECT_GE(mw_u32(a, MIDWAY_A_PORT_TUNNEL_KEY), 1);
	EXPECT_LE(mw_u32(a, MIDWAY_A_PORT_TUNNEL_KEY), MIDWAY_TUNNEL_KEY_MAX);
	EXPECT_NE(mw_u32(a, MIDWAY_A_PORT_TUNNEL_KEY), mw_u32(b, MIDWAY_A_PORT_TUNNEL_KEY));
	EXPECT_FALSE(mw_has(a, MIDWAY_A_PORT_ADDR));
	EXPECT_FALSE(mw_has(a, MIDWAY_A_PORT_NAME));
	EXPECT_FALSE(mw_has(a, MIDWAY_A_PORT_HOST_ID));
	EXPECT_EQ(MIDWAY_PORT_KIND_INTERIOR, mw_u8(b, MIDWAY_A_PORT_KIND));
	free(a);
	free(b);

	/* The allocator does not hand out a key taken explicitly. */
	m = mw_msg_port_new(s, PID(3), RID(2), MIDWAY_PORT_KIND_EXTERIOR);
	nla_put_u32(m, MIDWAY_A_PORT_TUNNEL_KEY, 3);
	MW_OK(s, m);
	MW_DO(s, mw_port_ext(s, PID(4), RID(2), NULL));
	a = GET_PORT(s, PID(4));
	ASSERT_NE(NULL, a);
	EXPECT_NE(3, mw_u32(a, MIDWAY_A_PORT_TUNNEL_KEY));
	free(a);
}

/* Exterior OPER_UP: admin-up, and on a remote host (or a running device). */
TEST_F(port, exterior_oper_up)
{
	struct mw_sock *s = self->s;
	struct mw_id h1 = HID(1), h2 = HID(2);
	struct mw_msg *r;

	MW_DO(s, base_topology(s));
	MW_DO(s, mw_port_ext(s, PID(1), RID(1), NULL));
	MW_DO(s, mw_port_ext(s, PID(2), RID(1), &h2));
	MW_DO(s, mw_port_ext(s, PID(3), RID(1), &h1));
	EXPECT_EQ(0, oper_up(s, PID(1))) TH_LOG("a port on no host is down");
	EXPECT_EQ(0, oper_up(s, PID(2))) TH_LOG("an unbound port on the local host is down");
	EXPECT_EQ(1, oper_up(s, PID(3))) TH_LOG("a port on a remote host is up");

	MW_DO(s, port_set_u8(s, PID(3), MIDWAY_A_PORT_ADMIN_UP, 0));
	EXPECT_EQ(0, oper_up(s, PID(3))) TH_LOG("admin down");
	MW_DO(s, port_set_u8(s, PID(3), MIDWAY_A_PORT_ADMIN_UP, 1));
	EXPECT_EQ(1, oper_up(s, PID(3)));

	MW_DO(s, mw_exec(s, ({ struct nl_msg *m = MSG_ROUTER(s, MIDWAY_CMD_ROUTER_SET, RID(1));
			       nla_put_u8(m, MIDWAY_A_ROUTER_ADMIN_UP, 0); m; }), NULL));
	EXPECT_EQ(0, oper_up(s, PID(3))) TH_LOG("router admin down");
	MW_DO(s, mw_exec(s, ({ struct nl_msg *m = MSG_ROUTER(s, MIDWAY_CMD_ROUTER_SET, RID(1));
			       nla_put_u8(m, MIDWAY_A_ROUTER_ADMIN_UP, 1); m; }), NULL));
	EXPECT_EQ(1, oper_up(s, PID(3)));

	/* Moving between hosts. */
	MW_DO(s, port_set_id(s, PID(3), MIDWAY_A_PORT_HOST_ID, HID(2)));
	EXPECT_EQ(0, oper_up(s, PID(3))) TH_LOG("moved to the local host, unbound");
	MW_DO(s, port_set_id(s, PID(1), MIDWAY_A_PORT_HOST_ID, HID(1)));
	EXPECT_EQ(1, oper_up(s, PID(1))) TH_LOG("placed on a remote host");

	/* The host stops being local: its ports become reachable remotely. */
	MW_DO(s, mw_exec(s, ({ struct nl_msg *m = MSG_HOST(s, MIDWAY_CMD_HOST_SET, HID(2));
			       nla_put_u8(m, MIDWAY_A_HOST_LOCAL, 0); m; }), NULL));
	EXPECT_EQ(1, oper_up(s, PID(2)));
	EXPECT_EQ(1, oper_up(s, PID(3)));

	r = GET_ROUTER(s, RID(1));
	ASSERT_NE(NULL, r);
	EXPECT_EQ(3, mw_u32(r, MIDWAY_A_ROUTER_N_PORTS));
	free(r);
}

TEST_F(port, interior_peering)
{
	struct mw_sock *s = self->s;
	struct mw_id a = PID(1);
	struct mw_msg *pa, *pb;
	struct nl_msg *m;

	MW_DO(s, base_topology(s));
	MW_DO(s, mw_port_int(s, PID(1), RID(1), NULL));
	EXPECT_EQ(0, oper_up(s, PID(1))) TH_LOG("an interior port without a peer is down");
	MW_DO(s, mw_port_int(s, PID(2), RID(2), &a));

	pa = GET_PORT(s, PID(1));
	pb = GET_PORT(s, PID(2));
	ASSERT_NE(NULL, pa);
	ASSERT_NE(NULL, pb);
	EXPECT_TRUE(IS_ID(pa, MIDWAY_A_PORT_PEER_ID, PID(2))) TH_LOG("first end does not name its peer");
	EXPECT_TRUE(IS_ID(pb, MIDWAY_A_PORT_PEER_ID, PID(1))) TH_LOG("second end does not name its peer");
	EXPECT_EQ(1, mw_u8(pa, MIDWAY_A_PORT_OPER_UP));
	EXPECT_EQ(1, mw_u8(pb, MIDWAY_A_PORT_OPER_UP));
	EXPECT_FALSE(mw_has(pa, MIDWAY_A_PORT_HOST_ID));
	free(pa);
	free(pb);

	/* Either end admin down takes both down. */
	MW_DO(s, port_set_u8(s, PID(1), MIDWAY_A_PORT_ADMIN_UP, 0));
	EXPECT_EQ(0, oper_up(s, PID(1)));
	EXPECT_EQ(0, oper_up(s, PID(2)));
	MW_DO(s, port_set_u8(s, PID(1), MIDWAY_A_PORT_ADMIN_UP, 1));
	EXPECT_EQ(1, oper_up(s, PID(1)));
	EXPECT_EQ(1, oper_up(s, PID(2)));

	/* So does either router. */
	MW_DO(s, mw_exec(s, ({ struct nl_msg *m = MSG_ROUTER(s, MIDWAY_CMD_ROUTER_SET, RID(2));
			       nla_put_u8(m, MIDWAY_A_ROUTER_ADMIN_UP, 0); m; }), NULL));
	EXPECT_EQ(0, oper_up(s, PID(1)));
	EXPECT_EQ(0, oper_up(s, PID(2)));
	MW_DO(s, mw_exec(s, ({ struct nl_msg *m = MSG_ROUTER(s, MIDWAY_CMD_ROUTER_SET, RID(2));
			       nla_put_u8(m, MIDWAY_A_ROUTER_ADMIN_UP, 1); m; }), NULL));
	EXPECT_EQ(1, oper_up(s, PID(1)));
	EXPECT_EQ(1, oper_up(s, PID(2)));

	/* Fixed attributes restated with their value are accepted by SET. */
	m = MSG_PORT(s, MIDWAY_CMD_PORT_SET, PID(2));
	mw_put_id(m, MIDWAY_A_PORT_ROUTER_ID, RID(2));
	nla_put_u8(m, MIDWAY_A_PORT_KIND, MIDWAY_PORT_KIND_INTERIOR);
	mw_put_id(m, MIDWAY_A_PORT_PEER_ID, PID(1));
	nla_put_string(m, MIDWAY_A_PORT_NAME, "to-r1");
	MW_OK(s, m);
}

TEST_F(port, dump_and_filter)
{
	struct mw_sock *s = self->s;
	struct mw_id r1 = RID(1), r2 = RID(2), r9 = RID(9);
	struct mw_list l;
	int i;

	MW_DO(s, base_topology(s));
	for (i = 1; i <= 5; i++)
		MW_DO(s, mw_port_ext(s, PID(i), i % 2 ? RID(1) : RID(2), NULL));

	ASSERT_EQ(0, mw_dump(s, MIDWAY_CMD_PORT_GET, 0, NULL, &l));
	ASSERT_EQ(5, l.n);
	for (i = 0; i < l.n; i++) {
		EXPECT_EQ(MIDWAY_CMD_PORT_GET, l.m[i]->cmd);
		EXPECT_TRUE(IS_ID(l.m[i], MIDWAY_A_PORT_ID, PID(i + 1)));
		EXPECT_TRUE(mw_has(l.m[i], MIDWAY_A_PORT_OPER_UP));
		EXPECT_TRUE(mw_has(l.m[i], MIDWAY_A_PORT_TUNNEL_KEY));
	}
	mw_list_free(&l);

	ASSERT_EQ(0, mw_dump(s, MIDWAY_CMD_PORT_GET, MIDWAY_A_PORT_ROUTER_ID, &r1, &l));
	ASSERT_EQ(3, l.n);
	for (i = 0; i < l.n; i++) {
		EXPECT_TRUE(IS_ID(l.m[i], MIDWAY_A_PORT_ROUTER_ID, RID(1)));
	}
	mw_list_free(&l);
	EXPECT_EQ(2, mw_count(s, MIDWAY_CMD_PORT_GET, MIDWAY_A_PORT_ROUTER_ID, &r2));
	EXPECT_EQ(0, mw_count(s, MIDWAY_CMD_PORT_GET, MIDWAY_A_PORT_ROUTER_ID, &r9));
}

TEST_F(port, set)
{
	static const uint8_t mac2[6] = { 0x02, 0xaa, 0xbb, 0xcc, 0xdd, 0xee };
	struct mw_sock *s = self->s;
	struct mw_id h1 = HID(1);
	struct nl_msg *m;
	struct mw_msg *p;
	uint32_t key;

	MW_DO(s, base_topology(s));
	MW_DO(s, mw_port_ext(s, PID(1), RID(1), &h1));
	p = GET_PORT(s, PID(1));
	ASSERT_NE(NULL, p);
	key = mw_u32(p, MIDWAY_A_PORT_TUNNEL_KEY);
	free(p);

	m = MSG_PORT(s, MIDWAY_CMD_PORT_SET, PID(1));
	nla_put_string(m, MIDWAY_A_PORT_NAME, "renamed");
	nla_put(m, MIDWAY_A_PORT_MAC, 6, mac2);
	nla_put_u32(m, MIDWAY_A_PORT_ADDR, mw_ip(172, 16, 5, 1));
	nla_put_u8(m, MIDWAY_A_PORT_PREFIXLEN, 12);
	/* Fixed attributes with their current values are accepted. */
	mw_put_id(m, MIDWAY_A_PORT_ROUTER_ID, RID(1));
	nla_put_u8(m, MIDWAY_A_PORT_KIND, MIDWAY_PORT_KIND_EXTERIOR);
	nla_put_u32(m, MIDWAY_A_PORT_TUNNEL_KEY, key);
	/* IFINDEX 0 unbinds, which an unbound port already is. */
	nla_put_u32(m, MIDWAY_A_PORT_IFINDEX, 0);
	MW_OK(s, m);

	p = GET_PORT(s, PID(1));
	ASSERT_NE(NULL, p);
	EXPECT_STREQ("renamed", mw_str(p, MIDWAY_A_PORT_NAME) ?: "(none)");
	EXPECT_EQ(0, memcmp(nla_data(p->tb[MIDWAY_A_PORT_MAC]), mac2, 6));
	EXPECT_EQ(mw_ip(172, 16, 5, 1), mw_u32(p, MIDWAY_A_PORT_ADDR));
	EXPECT_EQ(12, mw_u8(p, MIDWAY_A_PORT_PREFIXLEN));
	EXPECT_EQ(key, mw_u32(p, MIDWAY_A_PORT_TUNNEL_KEY));
	EXPECT_TRUE(IS_ID(p, MIDWAY_A_PORT_HOST_ID, HID(1))) TH_LOG("SET without HOST_ID moved the port");
	EXPECT_EQ(1, mw_u8(p, MIDWAY_A_PORT_ADMIN_UP));
	EXPECT_FALSE(mw_has(p, MIDWAY_A_PORT_IFINDEX));
	free(p);

	/* Only the name: the rest stays. */
	m = MSG_PORT(s, MIDWAY_CMD_PORT_SET, PID(1));
	nla_put_string(m, MIDWAY_A_PORT_NAME, "again");
	MW_OK(s, m);
	p = GET_PORT(s, PID(1));
	ASSERT_NE(NULL, p);
	EXPECT_EQ(0, memcmp(nla_data(p->tb[MIDWAY_A_PORT_MAC]), mac2, 6));
	EXPECT_EQ(mw_ip(172, 16, 5, 1), mw_u32(p, MIDWAY_A_PORT_ADDR));
	free(p);
}

/* Fixed at creation: ROUTER_ID, KIND, TUNNEL_KEY, PEER_ID. */
TEST_F(port, set_fixed_attrs)
{
	struct mw_sock *s = self->s;
	struct mw_id a = PID(1);
	struct nl_msg *m;
	struct mw_msg *p;
	uint32_t key;

	MW_DO(s, base_topology(s));
	MW_DO(s, mw_router_new(s, RID(3), NULL));
	MW_DO(s, mw_port_int(s, PID(1), RID(1), NULL));
	MW_DO(s, mw_port_int(s, PID(2), RID(2), &a));
	MW_DO(s, mw_port_int(s, PID(3), RID(3), NULL));
	MW_DO(s, mw_port_int(s, PID(4), RID(1), NULL));
	p = GET_PORT(s, PID(1));
	ASSERT_NE(NULL, p);
	key = mw_u32(p, MIDWAY_A_PORT_TUNNEL_KEY);
	free(p);

	m = MSG_PORT(s, MIDWAY_CMD_PORT_SET, PID(1));
	mw_put_id(m, MIDWAY_A_PORT_ROUTER_ID, RID(3));
	mw_reject_at(s, m, EINVAL, MIDWAY_A_PORT_ROUTER_ID, "port SET to another router");

	m = MSG_PORT(s, MIDWAY_CMD_PORT_SET, PID(1));
	nla_put_u8(m, MIDWAY_A_PORT_KIND, MIDWAY_PORT_KIND_EXTERIOR);
	mw_reject_at(s, m, EINVAL, MIDWAY_A_PORT_KIND, "port SET of the kind");

	m = MSG_PORT(s, MIDWAY_CMD_PORT_SET, PID(1));
	nla_put_u32(m, MIDWAY_A_PORT_TUNNEL_KEY, key == 77 ? 78 : 77);
	mw_reject_at(s, m, EINVAL, MIDWAY_A_PORT_TUNNEL_KEY, "port SET of the tunnel key");

	m = MSG_PORT(s, MIDWAY_CMD_PORT_SET, PID(1));
	mw_put_id(m, MIDWAY_A_PORT_PEER_ID, PID(3));
	mw_reject_at(s, m, EINVAL, MIDWAY_A_PORT_PEER_ID, "port SET of another peer");

	m = MSG_PORT(s, MIDWAY_CMD_PORT_SET, PID(4));
	mw_put_id(m, MIDWAY_A_PORT_PEER_ID, PID(3));
	mw_reject_at(s, m, EINVAL, MIDWAY_A_PORT_PEER_ID, "port SET of a peer on an unpeered port");

	/* A valid change next to a refused one is not applied either. */
	m = MSG_PORT(s, MIDWAY_CMD_PORT_SET, PID(1));
	nla_put_string(m, MIDWAY_A_PORT_NAME, "must-not-stick");
	nla_put_u8(m, MIDWAY_A_PORT_ADMIN_UP, 0);
	mw_put_id(m, MIDWAY_A_PORT_ROUTER_ID, RID(3));
	mw_reject_at(s, m, EINVAL, MIDWAY_A_PORT_ROUTER_ID, "port SET with a good and a bad attribute");

	m = MSG_PORT(s, MIDWAY_CMD_PORT_SET, PID(1));
	mw_put_id(m, MIDWAY_A_PORT_HOST_ID, HID(1));
	mw_reject_at(s, m, EINVAL, MIDWAY_A_PORT_HOST_ID, "port SET of HOST_ID on an interior port");

	m = MSG_PORT(s, MIDWAY_CMD_PORT_SET, PID(1));
	nla_put_u32(m, MIDWAY_A_PORT_IFINDEX, 1);
	mw_reject_at(s, m, EINVAL, MIDWAY_A_PORT_IFINDEX, "port SET of IFINDEX on an interior port");

	m = MSG_PORT(s, MIDWAY_CMD_PORT_SET, PID(1));
	nla_put_u8(m, MIDWAY_A_PORT_OPER_UP, 1);
	mw_reject_at(s, m, EINVAL, MIDWAY_A_PORT_OPER_UP, "port SET of OPER_UP");

	m = MSG_PORT(s, MIDWAY_CMD_PORT_SET, PID(1));
	nla_put_u32(m, MIDWAY_A_PORT_ADDR, mw_ip(10, 0, 0, 1));
	mw_reject_at(s, m, EINVAL, MIDWAY_A_PORT_ADDR, "port SET of ADDR without PREFIXLEN");

	m = MSG_PORT(s, MIDWAY_CMD_PORT_SET, PID(9));
	nla_put_string(m, MIDWAY_A_PORT_NAME, "ghost");
	mw_reject_at(s, m, ENOENT, MIDWAY_A_PORT_ID, "port SET of a missing port");

	m = MSG_PORT(s, MIDWAY_CMD_PORT_SET, PID(1));
	nla_put_u8(m, MIDWAY_A_PORT_ADMIN_UP, 2);
	mw_reject_at(s, m, ERANGE, MIDWAY_A_PORT_ADMIN_UP, "port SET admin_up 2");
}

TEST_F(port, del_busy_then_cascade)
{
	struct mw_sock *s = self->s;
	struct mw_id a = PID(1), e = PID(3);
	struct nl_msg *m;
	struct mw_msg *p;

	MW_DO(s, base_topology(s));
	MW_DO(s, mw_port_int(s, PID(1), RID(1), NULL));
	MW_DO(s, mw_port_int(s, PID(2), RID(2), &a));
	MW_DO(s, mw_port_ext(s, PID(3), RID(1), NULL));
	MW_DO(s, mw_route_new(s, TID(1), RID(1), mw_ip(10, 0, 0, 0), 8,
			      MIDWAY_NH_PORT, &e, 0));
	MW_DO(s, mw_route_new(s, TID(2), RID(1), mw_ip(10, 2, 0, 0), 16,
			      MIDWAY_NH_PORT, &a, mw_ip(10, 2, 0, 1)));
	MW_DO(s, mw_route_new(s, TID(3), RID(1), 0, 0, MIDWAY_NH_BLACKHOLE, NULL, 0));

	mw_reject(s, MSG_PORT(s, MIDWAY_CMD_PORT_DEL, PID(3)), EBUSY,
		  "delete port with a route via it");
	mw_reject(s, MSG_PORT(s, MIDWAY_CMD_PORT_DEL, PID(2)), EBUSY,
		  "delete port with a peer");
	mw_reject(s, MSG_PORT(s, MIDWAY_CMD_PORT_DEL, PID(1)), EBUSY,
		  "delete port with a peer and a route");
	mw_reject_at(s, MSG_PORT(s, MIDWAY_CMD_PORT_DEL, PID(9)), ENOENT,
		  MIDWAY_A_PORT_ID, "delete a missing port");

	m = MSG_PORT(s, MIDWAY_CMD_PORT_DEL, PID(3));
	nla_put_flag(m, MIDWAY_A_PORT_CASCADE);
	MW_OK(s, m);
	EXPECT_EQ(NULL, GET_PORT(s, PID(3)));
	EXPECT_EQ(NULL, GET_ROUTE(s, TID(1))) TH_LOG("route via the port survived");
	EXPECT_EQ(2, mw_count(s, MIDWAY_CMD_ROUTE_GET, 0, NULL));

	m = MSG_PORT(s, MIDWAY_CMD_PORT_DEL, PID(1));
	nla_put_flag(m, MIDWAY_A_PORT_CASCADE);
	MW_OK(s, m);
	EXPECT_EQ(NULL, GET_ROUTE(s, TID(2)));
	EXPECT_EQ(1, mw_count(s, MIDWAY_CMD_ROUTE_GET, 0, NULL)) TH_LOG("the blackhole route stays");
	p = GET_PORT(s, PID(2));
	ASSERT_NE(NULL, p) TH_LOG("the peer must be unpeered, not deleted");
	EXPECT_FALSE(mw_has(p, MIDWAY_A_PORT_PEER_ID));
	EXPECT_EQ(0, mw_u8(p, MIDWAY_A_PORT_OPER_UP));
	free(p);

	/* Unpeered and unreferenced: a plain delete works. */
	MW_DO(s, mw_del(s, MIDWAY_CMD_PORT_DEL, MIDWAY_A_PORT_ID, PID(2), 0));
	EXPECT_EQ(0, mw_count(s, MIDWAY_CMD_PORT_GET, 0, NULL));
	p = GET_ROUTER(s, RID(1));
	ASSERT_NE(NULL, p);
	EXPECT_EQ(0, mw_u32(p, MIDWAY_A_ROUTER_N_PORTS));
	EXPECT_EQ(1, mw_u32(p, MIDWAY_A_ROUTER_N_ROUTES));
	free(p);
}

TEST_F(port, echo)
{
	struct mw_sock *s = self->s;
	struct mw_result r;
	struct nl_msg *m;

	MW_DO(s, base_topology(s));
	m = mw_msg_id(s, MIDWAY_CMD_PORT_NEW, NLM_F_ECHO, MIDWAY_A_PORT_ID, PID(1));
	mw_put_id(m, MIDWAY_A_PORT_ROUTER_ID, RID(1));
	nla_put_u8(m, MIDWAY_A_PORT_KIND, MIDWAY_PORT_KIND_EXTERIOR);
	mw_put_id(m, MIDWAY_A_PORT_HOST_ID, HID(1));
	ASSERT_EQ(0, mw_exec(s, m, &r)) TH_LOG("%s", r.emsg);
	ASSERT_EQ(1, r.nreplies);
	EXPECT_EQ(MIDWAY_CMD_PORT_NEW, r.replies[0]->cmd);
	EXPECT_TRUE(IS_ID(r.replies[0], MIDWAY_A_PORT_ID, PID(1)));
	EXPECT_TRUE(IS_ID(r.replies[0], MIDWAY_A_PORT_HOST_ID, HID(1)));
	EXPECT_TRUE(mw_has(r.replies[0], MIDWAY_A_PORT_TUNNEL_KEY));
	EXPECT_TRUE(mw_has(r.replies[0], MIDWAY_A_PORT_MAC));
	EXPECT_EQ(1, mw_u8(r.replies[0], MIDWAY_A_PORT_OPER_UP));
	mw_result_free(&r);

	m = mw_msg_id(s, MIDWAY_CMD_PORT_SET, NLM_F_ECHO, MIDWAY_A_PORT_ID, PID(1));
	nla_put_u8(m, MIDWAY_A_PORT_ADMIN_UP, 0);
	ASSERT_EQ(0, mw_exec(s, m, &r)) TH_LOG("%s", r.emsg);
	ASSERT_EQ(1, r.nreplies);
	EXPECT_EQ(MIDWAY_CMD_PORT_SET, r.replies[0]->cmd);
	EXPECT_EQ(0, mw_u8(r.replies[0], MIDWAY_A_PORT_ADMIN_UP));
	EXPECT_EQ(0, mw_u8(r.replies[0], MIDWAY_A_PORT_OPER_UP));
	mw_result_free(&r);

	m = mw_msg_id(s, MIDWAY_CMD_PORT_DEL, NLM_F_ECHO, MIDWAY_A_PORT_ID, PID(1));
	ASSERT_EQ(0, mw_exec(s, m, &r)) TH_LOG("%s", r.emsg);
	ASSERT_EQ(1, r.nreplies);
	EXPECT_EQ(MIDWAY_CMD_PORT_DEL, r.replies[0]->cmd);
	EXPECT_TRUE(IS_ID(r.replies[0], MIDWAY_A_PORT_ID, PID(1)));
	mw_result_free(&r);
}

/* Missing required attributes: EINVAL, naming the missing one. */
TEST_F(port, reject_missing_attrs)
{
	struct mw_sock *s = self->s;
	struct mw_result r;
	struct nl_msg *m;

	MW_DO(s, base_topology(s));
	MW_DO(s, mw_port_ext(s, PID(1), RID(1), NULL));

	m = MSG_PORT(s, MIDWAY_CMD_PORT_NEW, PID(10));
	nla_put_u8(m, MIDWAY_A_PORT_KIND, MIDWAY_PORT_KIND_EXTERIOR);
	__mw_reject(_metadata, s, m, EINVAL, 0, "port NEW without ROUTER_ID", &r);
	EXPECT_TRUE(r.has_miss && r.miss_type == MIDWAY_A_PORT_ROUTER_ID);
	mw_result_free(&r);
	m = MSG_PORT(s, MIDWAY_CMD_PORT_NEW, PID(10));
	mw_put_id(m, MIDWAY_A_PORT_ROUTER_ID, RID(1));
	__mw_reject(_metadata, s, m, EINVAL, 0, "port NEW without KIND", &r);
	EXPECT_TRUE(r.has_miss && r.miss_type == MIDWAY_A_PORT_KIND);
	mw_result_free(&r);
	m = mw_req(s, MIDWAY_CMD_PORT_NEW, 0);
	mw_put_id(m, MIDWAY_A_PORT_ROUTER_ID, RID(1));
	nla_put_u8(m, MIDWAY_A_PORT_KIND, MIDWAY_PORT_KIND_EXTERIOR);
	__mw_reject(_metadata, s, m, EINVAL, 0, "port NEW without ID", &r);
	EXPECT_TRUE(r.has_miss && r.miss_type == MIDWAY_A_PORT_ID);
	mw_result_free(&r);
	mw_reject(s, mw_req(s, MIDWAY_CMD_PORT_SET, 0), EINVAL, "port SET without ID");
	mw_reject(s, mw_req(s, MIDWAY_CMD_PORT_DEL, 0), EINVAL, "port DEL without ID");
	mw_reject(s, mw_req(s, MIDWAY_CMD_PORT_GET, 0), EINVAL, "port GET without ID");

}

TEST_F(port, reject_new)
{
	static const uint8_t mac5[5] = { 2, 0, 0, 0, 1 };
	uint8_t id15[15] = { 7 };
	struct mw_sock *s = self->s;
	struct mw_id a = PID(1), h1 = HID(1);
	struct mw_result r;
	struct nl_msg *m;
	uint32_t key;
	struct mw_msg *p;

	MW_DO(s, base_topology(s));
	MW_DO(s, mw_port_int(s, PID(1), RID(1), NULL));
	MW_DO(s, mw_port_int(s, PID(2), RID(2), &a));
	MW_DO(s, mw_port_int(s, PID(3), RID(1), NULL));
	MW_DO(s, mw_port_ext(s, PID(4), RID(2), &h1));
	p = GET_PORT(s, PID(4));
	ASSERT_NE(NULL, p);
	key = mw_u32(p, MIDWAY_A_PORT_TUNNEL_KEY);
	free(p);

	/* Lengths and ranges (policy: -ERANGE). */
	m = mw_req(s, MIDWAY_CMD_PORT_NEW, 0);
	nla_put(m, MIDWAY_A_PORT_ID, sizeof(id15), id15);
	mw_put_id(m, MIDWAY_A_PORT_ROUTER_ID, RID(1));
	nla_put_u8(m, MIDWAY_A_PORT_KIND, MIDWAY_PORT_KIND_EXTERIOR);
	mw_reject_at(s, m, ERANGE, MIDWAY_A_PORT_ID, "port id of 15 bytes");
	m = MSG_PORT(s, MIDWAY_CMD_PORT_NEW, PID(10));
	nla_put(m, MIDWAY_A_PORT_ROUTER_ID, sizeof(id15), id15);
	nla_put_u8(m, MIDWAY_A_PORT_KIND, MIDWAY_PORT_KIND_EXTERIOR);
	mw_reject_at(s, m, ERANGE, MIDWAY_A_PORT_ROUTER_ID, "port router id of 15 bytes");
	m = mw_msg_port_new(s, PID(10), RID(1), MIDWAY_PORT_KIND_EXTERIOR);
	nla_put(m, MIDWAY_A_PORT_MAC, sizeof(mac5), mac5);
	mw_reject_at(s, m, ERANGE, MIDWAY_A_PORT_MAC, "port MAC of 5 bytes");
	m = mw_msg_port_new(s, PID(10), RID(1), MIDWAY_PORT_KIND_EXTERIOR);
	nla_put_u32(m, MIDWAY_A_PORT_ADDR, mw_ip(10, 0, 0, 1));
	nla_put_u8(m, MIDWAY_A_PORT_PREFIXLEN, 33);
	mw_reject_at(s, m, ERANGE, MIDWAY_A_PORT_PREFIXLEN, "port prefixlen 33");
	m = mw_msg_port_new(s, PID(10), RID(1), MIDWAY_PORT_KIND_EXTERIOR);
	nla_put_u32(m, MIDWAY_A_PORT_TUNNEL_KEY, 0);
	mw_reject_at(s, m, ERANGE, MIDWAY_A_PORT_TUNNEL_KEY, "port tunnel key 0");
	m = mw_msg_port_new(s, PID(10), RID(1), MIDWAY_PORT_KIND_EXTERIOR);
	nla_put_u32(m, MIDWAY_A_PORT_TUNNEL_KEY, MIDWAY_TUNNEL_KEY_MAX + 1);
	mw_reject_at(s, m, ERANGE, MIDWAY_A_PORT_TUNNEL_KEY, "port tunnel key 0x1000000");
	m = mw_msg_port_new(s, PID(10), RID(1), 3);
	mw_reject_at(s, m, ERANGE, MIDWAY_A_PORT_KIND, "port kind 3");
	m = mw_msg_port_new(s, PID(10), RID(1), 0);
	mw_reject_at(s, m, ERANGE, MIDWAY_A_PORT_KIND, "port kind 0");
	m = mw_msg_port_new(s, PID(10), RID(1), MIDWAY_PORT_KIND_EXTERIOR);
	nla_put_u8(m, MIDWAY_A_PORT_ADMIN_UP, 2);
	mw_reject_at(s, m, ERANGE, MIDWAY_A_PORT_ADMIN_UP, "port admin_up 2");

	/* Read-only, pairs, attributes of the other kind. */
	m = mw_msg_port_new(s, PID(10), RID(1), MIDWAY_PORT_KIND_EXTERIOR);
	nla_put_u8(m, MIDWAY_A_PORT_OPER_UP, 1);
	mw_reject_at(s, m, EINVAL, MIDWAY_A_PORT_OPER_UP, "port NEW with OPER_UP");
	m = mw_msg_port_new(s, PID(10), RID(1), MIDWAY_PORT_KIND_EXTERIOR);
	nla_put_u8(m, MIDWAY_A_PORT_PREFIXLEN, 24);
	mw_reject_at(s, m, EINVAL, MIDWAY_A_PORT_PREFIXLEN, "port PREFIXLEN without ADDR");
	m = mw_msg_port_new(s, PID(10), RID(1), MIDWAY_PORT_KIND_INTERIOR);
	mw_put_id(m, MIDWAY_A_PORT_HOST_ID, HID(1));
	mw_reject_at(s, m, EINVAL, MIDWAY_A_PORT_HOST_ID, "HOST_ID on an interior port");
	m = mw_msg_port_new(s, PID(10), RID(1), MIDWAY_PORT_KIND_INTERIOR);
	nla_put_u32(m, MIDWAY_A_PORT_IFINDEX, 1);
	mw_reject_at(s, m, EINVAL, MIDWAY_A_PORT_IFINDEX, "IFINDEX on an interior port");
	m = mw_msg_port_new(s, PID(10), RID(1), MIDWAY_PORT_KIND_EXTERIOR);
	mw_put_id(m, MIDWAY_A_PORT_PEER_ID, PID(3));
	mw_reject_at(s, m, EINVAL, MIDWAY_A_PORT_PEER_ID, "PEER_ID on an exterior port");

	/* Peers. */
	m = mw_msg_port_new(s, PID(10), RID(2), MIDWAY_PORT_KIND_INTERIOR);
	mw_put_id(m, MIDWAY_A_PORT_PEER_ID, PID(99));
	mw_reject_at(s, m, ENOENT, MIDWAY_A_PORT_PEER_ID, "interior peer does not exist");
	m = mw_msg_port_new(s, PID(10), RID(1), MIDWAY_PORT_KIND_INTERIOR);
	mw_put_id(m, MIDWAY_A_PORT_PEER_ID, PID(4));
	mw_reject_at(s, m, EINVAL, MIDWAY_A_PORT_PEER_ID, "interior peer is an exterior port");
	m = mw_msg_port_new(s, PID(10), RID(2), MIDWAY_PORT_KIND_INTERIOR);
	mw_put_id(m, MIDWAY_A_PORT_PEER_ID, PID(1));
	mw_reject_at(s, m, EBUSY, MIDWAY_A_PORT_PEER_ID, "interior peer is peered already");
	m = mw_msg_port_new(s, PID(10), RID(1), MIDWAY_PORT_KIND_INTERIOR);
	mw_put_id(m, MIDWAY_A_PORT_PEER_ID, PID(3));
	mw_reject_at(s, m, EINVAL, MIDWAY_A_PORT_PEER_ID, "interior peer on the same router");
	m = mw_msg_port_new(s, PID(10), RID(1), MIDWAY_PORT_KIND_INTERIOR);
	mw_put_id(m, MIDWAY_A_PORT_PEER_ID, PID(10));
	mw_reject_at(s, m, ENOENT, MIDWAY_A_PORT_PEER_ID, "interior peer is the port itself");

	/* References and uniqueness. */
	mw_reject_at(s, mw_msg_port_new(s, PID(10), RID(9), MIDWAY_PORT_KIND_EXTERIOR),
		  ENOENT, MIDWAY_A_PORT_ROUTER_ID, "port of a missing router");
	m = mw_msg_port_new(s, PID(10), RID(1), MIDWAY_PORT_KIND_EXTERIOR);
	mw_put_id(m, MIDWAY_A_PORT_HOST_ID, HID(9));
	mw_reject_at(s, m, ENOENT, MIDWAY_A_PORT_HOST_ID, "port on a missing host");
	mw_reject_at(s, mw_msg_port_new(s, PID(3), RID(2), MIDWAY_PORT_KIND_EXTERIOR),
		  EEXIST, MIDWAY_A_PORT_ID, "port with an existing id");
	m = mw_msg_port_new(s, PID(10), RID(1), MIDWAY_PORT_KIND_EXTERIOR);
	nla_put_u32(m, MIDWAY_A_PORT_TUNNEL_KEY, key);
	mw_reject_at(s, m, EEXIST, MIDWAY_A_PORT_TUNNEL_KEY, "port with a tunnel key in use");
	m = mw_msg_port_new(s, PID(10), RID(1), MIDWAY_PORT_KIND_EXTERIOR);
	mw_put_id(m, MIDWAY_A_PORT_HOST_ID, HID(1));
	nla_put_u32(m, MIDWAY_A_PORT_IFINDEX, 1);
	mw_reject_at(s, m, EINVAL, MIDWAY_A_PORT_IFINDEX, "IFINDEX on a port of a remote host");
	m = mw_msg_port_new(s, PID(10), RID(1), MIDWAY_PORT_KIND_EXTERIOR);
	mw_put_id(m, MIDWAY_A_PORT_HOST_ID, HID(2));
	nla_put_u32(m, MIDWAY_A_PORT_IFINDEX, 1);	/* lo */
	__mw_reject(_metadata, s, m, EINVAL, MIDWAY_A_PORT_IFINDEX, "binding to the loopback device", &r);
	mw_result_free(&r);
	m = mw_msg_port_new(s, PID(10), RID(1), MIDWAY_PORT_KIND_EXTERIOR);
	mw_put_id(m, MIDWAY_A_PORT_HOST_ID, HID(2));
	nla_put_u32(m, MIDWAY_A_PORT_IFINDEX, 4242);
	mw_reject_at(s, m, ENODEV, MIDWAY_A_PORT_IFINDEX, "binding to a missing device");
	m = mw_msg_port_new(s, PID(10), RID(1), MIDWAY_PORT_KIND_EXTERIOR);
	nla_put_u32(m, MIDWAY_A_PORT_MAX + 1, 1);
	mw_reject_at(s, m, EINVAL, MIDWAY_A_PORT_MAX + 1, "port NEW with an unknown attribute");

	/* Nothing refused above left a trace: the id and key are free. */
	m = mw_msg_port_new(s, PID(10), RID(1), MIDWAY_PORT_KIND_EXTERIOR);
	nla_put_u32(m, MIDWAY_A_PORT_TUNNEL_KEY, 77);
	MW_OK(s, m);
}

/* VLAN: exterior only, 0..4094, absent from replies when 0, settable. */
TEST_F(port, vlan)
{
	struct mw_sock *s = self->s;
	struct nl_msg *m;
	struct mw_msg *p;

	MW_DO(s, base_topology(s));
	m = mw_msg_port_new(s, PID(1), RID(1), MIDWAY_PORT_KIND_EXTERIOR);
	nla_put_u16(m, MIDWAY_A_PORT_VLAN, MIDWAY_VLAN_MAX + 1);
	mw_reject_at(s, m, ERANGE, MIDWAY_A_PORT_VLAN, "port VLAN 4095");
	m = mw_msg_port_new(s, PID(1), RID(1), MIDWAY_PORT_KIND_INTERIOR);
	nla_put_u16(m, MIDWAY_A_PORT_VLAN, 100);
	mw_reject_at(s, m, EINVAL, MIDWAY_A_PORT_VLAN, "VLAN on an interior port");

	m = mw_msg_port_new(s, PID(1), RID(1), MIDWAY_PORT_KIND_EXTERIOR);
	nla_put_u16(m, MIDWAY_A_PORT_VLAN, 100);
	MW_OK(s, m);
	p = GET_PORT(s, PID(1));
	ASSERT_NE(NULL, p);
	ASSERT_TRUE(mw_has(p, MIDWAY_A_PORT_VLAN));
	EXPECT_EQ(100, *(uint16_t *)nla_data(p->tb[MIDWAY_A_PORT_VLAN]));
	free(p);

	m = MSG_PORT(s, MIDWAY_CMD_PORT_SET, PID(1));
	nla_put_u16(m, MIDWAY_A_PORT_VLAN, MIDWAY_VLAN_MAX);
	MW_OK(s, m);
	p = GET_PORT(s, PID(1));
	ASSERT_NE(NULL, p);
	ASSERT_TRUE(mw_has(p, MIDWAY_A_PORT_VLAN));
	EXPECT_EQ(MIDWAY_VLAN_MAX, *(uint16_t *)nla_data(p->tb[MIDWAY_A_PORT_VLAN]));
	free(p);

	m = MSG_PORT(s, MIDWAY_CMD_PORT_SET, PID(1));
	nla_put_u16(m, MIDWAY_A_PORT_VLAN, 0);
	MW_OK(s, m);
	p = GET_PORT(s, PID(1));
	ASSERT_NE(NULL, p);
	EXPECT_FALSE(mw_has(p, MIDWAY_A_PORT_VLAN)) TH_LOG("VLAN 0 is no VLAN");
	free(p);

	MW_DO(s, mw_port_int(s, PID(2), RID(1), NULL));
	m = MSG_PORT(s, MIDWAY_CMD_PORT_SET, PID(2));
	nla_put_u16(m, MIDWAY_A_PORT_VLAN, 7);
	mw_reject_at(s, m, EINVAL, MIDWAY_A_PORT_VLAN, "SET VLAN on an interior port");
}

/*
 * An exterior port of the local host bound to a device: up while the
 * device runs with carrier, unbound when the device goes away.
 */
TEST_F(port, device_binding)
{
	struct mw_sock *s = self->s;
	struct nl_msg *m;
	struct mw_msg *p;
	int ifindex, ifindex2;

	MW_DO(s, base_topology(s));
	mw_sh("modprobe dummy 2>/dev/null");	/* no module autoloading in the VM */
	if (mw_sh("ip link add mwd0 type dummy 2>/dev/null") ||
	    mw_sh("ip link add mwd1 type dummy 2>/dev/null"))
		SKIP(return, "cannot create dummy devices");
	ifindex = if_nametoindex("mwd0");
	ifindex2 = if_nametoindex("mwd1");
	ASSERT_NE(0, ifindex);

	m = mw_msg_port_new(s, PID(1), RID(1), MIDWAY_PORT_KIND_EXTERIOR);
	mw_put_id(m, MIDWAY_A_PORT_HOST_ID, HID(2));
	nla_put_u32(m, MIDWAY_A_PORT_IFINDEX, ifindex);
	MW_OK(s, m);
	p = GET_PORT(s, PID(1));
	ASSERT_NE(NULL, p);
	EXPECT_EQ(ifindex, mw_u32(p, MIDWAY_A_PORT_IFINDEX));
	EXPECT_EQ(0, mw_u8(p, MIDWAY_A_PORT_OPER_UP)) TH_LOG("the device is down");
	free(p);

	ASSERT_EQ(0, mw_sh("ip link set mwd0 up"));
	EXPECT_EQ(1, oper_up(s, PID(1))) TH_LOG("the device is up with carrier");
	ASSERT_EQ(0, mw_sh("ip link set mwd0 carrier off"));
	EXPECT_EQ(0, oper_up_wait(s, PID(1), 0)) TH_LOG("the device lost its carrier");
	ASSERT_EQ(0, mw_sh("ip link set mwd0 carrier on"));
	EXPECT_EQ(1, oper_up_wait(s, PID(1), 1));
	MW_DO(s, port_set_u8(s, PID(1), MIDWAY_A_PORT_ADMIN_UP, 0));
	EXPECT_EQ(0, oper_up(s, PID(1))) TH_LOG("admin down");
	MW_DO(s, port_set_u8(s, PID(1), MIDWAY_A_PORT_ADMIN_UP, 1));
	ASSERT_EQ(0, mw_sh("ip link set mwd0 down"));
	EXPECT_EQ(0, oper_up(s, PID(1)));
	ASSERT_EQ(0, mw_sh("ip link set mwd0 up"));

	/* One device, one port. */
	m = mw_msg_port_new(s, PID(2), RID(1), MIDWAY_PORT_KIND_EXTERIOR);
	mw_put_id(m, MIDWAY_A_PORT_HOST_ID, HID(2));
	nla_put_u32(m, MIDWAY_A_PORT_IFINDEX, ifindex);
	mw_reject_at(s, m, EBUSY, MIDWAY_A_PORT_IFINDEX, "binding a device bound to another port");

	/* A bound port cannot move to a remote host without unbinding. */
	m = MSG_PORT(s, MIDWAY_CMD_PORT_SET, PID(1));
	mw_put_id(m, MIDWAY_A_PORT_HOST_ID, HID(1));
	mw_reject_at(s, m, EINVAL, MIDWAY_A_PORT_HOST_ID, "moving a bound port to a remote host");

	/* Rebind to another device, then unbind with IFINDEX 0. */
	m = MSG_PORT(s, MIDWAY_CMD_PORT_SET, PID(1));
	nla_put_u32(m, MIDWAY_A_PORT_IFINDEX, ifindex2);
	MW_OK(s, m);
	p = GET_PORT(s, PID(1));
	ASSERT_NE(NULL, p);
	EXPECT_EQ(ifindex2, mw_u32(p, MIDWAY_A_PORT_IFINDEX));
	EXPECT_EQ(0, mw_u8(p, MIDWAY_A_PORT_OPER_UP)) TH_LOG("mwd1 is down");
	free(p);
	m = MSG_PORT(s, MIDWAY_CMD_PORT_SET, PID(1));
	nla_put_u32(m, MIDWAY_A_PORT_IFINDEX, 0);
	MW_OK(s, m);
	p = GET_PORT(s, PID(1));
	ASSERT_NE(NULL, p);
	EXPECT_FALSE(mw_has(p, MIDWAY_A_PORT_IFINDEX));
	free(p);

	/* Unbind and move in one request. */
	m = MSG_PORT(s, MIDWAY_CMD_PORT_SET, PID(1));
	nla_put_u32(m, MIDWAY_A_PORT_IFINDEX, ifindex);
	MW_OK(s, m);
	EXPECT_EQ(1, oper_up(s, PID(1)));
	m = MSG_PORT(s, MIDWAY_CMD_PORT_SET, PID(1));
	nla_put_u32(m, MIDWAY_A_PORT_IFINDEX, 0);
	mw_put_id(m, MIDWAY_A_PORT_HOST_ID, HID(1));
	MW_OK(s, m);
	p = GET_PORT(s, PID(1));
	ASSERT_NE(NULL, p);
	EXPECT_FALSE(mw_has(p, MIDWAY_A_PORT_IFINDEX));
	EXPECT_TRUE(IS_ID(p, MIDWAY_A_PORT_HOST_ID, HID(1)));
	EXPECT_EQ(1, mw_u8(p, MIDWAY_A_PORT_OPER_UP)) TH_LOG("now on a remote host");
	free(p);

	/* The device goes away under a bound port. */
	m = MSG_PORT(s, MIDWAY_CMD_PORT_SET, PID(2));
	mw_reject_at(s, m, ENOENT, MIDWAY_A_PORT_ID, "SET of the refused port");
	m = mw_msg_port_new(s, PID(2), RID(1), MIDWAY_PORT_KIND_EXTERIOR);
	mw_put_id(m, MIDWAY_A_PORT_HOST_ID, HID(2));
	nla_put_u32(m, MIDWAY_A_PORT_IFINDEX, ifindex);
	MW_OK(s, m);
	EXPECT_EQ(1, oper_up(s, PID(2)));
	ASSERT_EQ(0, mw_sh("ip link del mwd0"));
	p = GET_PORT(s, PID(2));
	ASSERT_NE(NULL, p);
	EXPECT_FALSE(mw_has(p, MIDWAY_A_PORT_IFINDEX)) TH_LOG("still bound to a deleted device");
	EXPECT_EQ(0, mw_u8(p, MIDWAY_A_PORT_OPER_UP));
	free(p);

	/* Deleting a bound port gives the device back. */
	m = MSG_PORT(s, MIDWAY_CMD_PORT_SET, PID(1));
	nla_put_u32(m, MIDWAY_A_PORT_IFINDEX, ifindex2);
	mw_put_id(m, MIDWAY_A_PORT_HOST_ID, HID(2));
	MW_OK(s, m);
	MW_DO(s, mw_del(s, MIDWAY_CMD_PORT_DEL, MIDWAY_A_PORT_ID, PID(1), 0));
	MW_DO(s, mw_port_ext(s, PID(3), RID(2), NULL));
	m = MSG_PORT(s, MIDWAY_CMD_PORT_SET, PID(3));
	mw_put_id(m, MIDWAY_A_PORT_HOST_ID, HID(2));
	nla_put_u32(m, MIDWAY_A_PORT_IFINDEX, ifindex2);
	MW_OK(s, m);
}

/*
 * "IFNAME exterior only, optional: the same device by name (with IFINDEX
 * too, both must name it)". Replies name the bound device both ways.
 */
TEST_F(port, bind_by_name)
{
	struct mw_sock *s = self->s;
	struct nl_msg *m;
	struct mw_msg *p;
	int ifindex;

	MW_DO(s, base_topology(s));
	mw_sh("modprobe dummy 2>/dev/null");
	if (mw_sh("ip link add mwn0 type dummy 2>/dev/null") ||
	    mw_sh("ip link add mwn1 type dummy 2>/dev/null"))
		SKIP(return, "cannot create dummy devices");
	ifindex = if_nametoindex("mwn0");
	ASSERT_NE(0, ifindex);

	/* Refused, and nothing made: a name that is no device. */
	m = mw_msg_port_new(s, PID(1), RID(1), MIDWAY_PORT_KIND_EXTERIOR);
	mw_put_id(m, MIDWAY_A_PORT_HOST_ID, HID(2));
	nla_put_string(m, MIDWAY_A_PORT_IFNAME, "mwnone");
	mw_reject_at(s, m, ENODEV, MIDWAY_A_PORT_IFNAME, "binding to a missing device by name");
	m = mw_msg_port_new(s, PID(1), RID(1), MIDWAY_PORT_KIND_EXTERIOR);
	mw_put_id(m, MIDWAY_A_PORT_HOST_ID, HID(2));
	nla_put_string(m, MIDWAY_A_PORT_IFNAME, "mwn0");
	nla_put_u32(m, MIDWAY_A_PORT_IFINDEX, if_nametoindex("mwn1"));
	mw_reject_at(s, m, EINVAL, MIDWAY_A_PORT_IFINDEX, "IFINDEX and IFNAME of two devices");
	m = mw_msg_port_new(s, PID(1), RID(1), MIDWAY_PORT_KIND_EXTERIOR);
	mw_put_id(m, MIDWAY_A_PORT_HOST_ID, HID(2));
	nla_put_string(m, MIDWAY_A_PORT_IFNAME, "a-name-too-long-for-a-device");
	mw_reject_at(s, m, EINVAL, MIDWAY_A_PORT_IFNAME, "a name of IFNAMSIZ or more");
	m = mw_msg_port_new(s, PID(1), RID(1), MIDWAY_PORT_KIND_INTERIOR);
	nla_put_string(m, MIDWAY_A_PORT_IFNAME, "mwn0");
	mw_reject_at(s, m, EINVAL, MIDWAY_A_PORT_IFNAME, "IFNAME on an interior port");
	m = mw_msg_port_new(s, PID(1), RID(1), MIDWAY_PORT_KIND_EXTERIOR);
	mw_put_id(m, MIDWAY_A_PORT_HOST_ID, HID(1));
	nla_put_string(m, MIDWAY_A_PORT_IFNAME, "mwn0");
	mw_reject_at(s, m, EINVAL, MIDWAY_A_PORT_IFNAME, "IFNAME on a port of a remote host");
	EXPECT_EQ(NULL, GET_PORT(s, PID(1)));

	/* Both, naming one device; then the name alone. */
	m = mw_msg_port_new(s, PID(1), RID(1), MIDWAY_PORT_KIND_EXTERIOR);
	mw_put_id(m, MIDWAY_A_PORT_HOST_ID, HID(2));
	nla_put_string(m, MIDWAY_A_PORT_IFNAME, "mwn0");
	nla_put_u32(m, MIDWAY_A_PORT_IFINDEX, ifindex);
	MW_OK(s, m);
	p = GET_PORT(s, PID(1));
	ASSERT_NE(NULL, p);
	EXPECT_EQ(ifindex, mw_u32(p, MIDWAY_A_PORT_IFINDEX));
	ASSERT_TRUE(mw_has(p, MIDWAY_A_PORT_IFNAME));
	EXPECT_STREQ("mwn0", mw_str(p, MIDWAY_A_PORT_IFNAME) ?: "");
	free(p);

	m = MSG_PORT(s, MIDWAY_CMD_PORT_SET, PID(1));
	nla_put_string(m, MIDWAY_A_PORT_IFNAME, "mwn1");
	MW_OK(s, m);
	p = GET_PORT(s, PID(1));
	ASSERT_NE(NULL, p);
	EXPECT_EQ(if_nametoindex("mwn1"), mw_u32(p, MIDWAY_A_PORT_IFINDEX));
	EXPECT_STREQ("mwn1", mw_str(p, MIDWAY_A_PORT_IFNAME) ?: "");
	free(p);

	/* A rename shows in the next reply. */
	ASSERT_EQ(0, mw_sh("ip link set mwn1 name mwn9"));
	p = GET_PORT(s, PID(1));
	ASSERT_NE(NULL, p);
	EXPECT_STREQ("mwn9", mw_str(p, MIDWAY_A_PORT_IFNAME) ?: "");
	free(p);

	/* A refused rebind leaves the binding as it was. */
	m = MSG_PORT(s, MIDWAY_CMD_PORT_SET, PID(1));
	nla_put_string(m, MIDWAY_A_PORT_IFNAME, "lo");
	nla_put_u8(m, MIDWAY_A_PORT_ADMIN_UP, 0);
	mw_reject_at(s, m, EINVAL, MIDWAY_A_PORT_IFNAME, "binding the loopback device by name");
	p = GET_PORT(s, PID(1));
	ASSERT_NE(NULL, p);
	EXPECT_STREQ("mwn9", mw_str(p, MIDWAY_A_PORT_IFNAME) ?: "");
	EXPECT_EQ(1, mw_u8(p, MIDWAY_A_PORT_ADMIN_UP));
	free(p);

	/* IFINDEX 0 unbinds; the reply names no device. */
	m = MSG_PORT(s, MIDWAY_CMD_PORT_SET, PID(1));
	nla_put_u32(m, MIDWAY_A_PORT_IFINDEX, 0);
	MW_OK(s, m);
	p = GET_PORT(s, PID(1));
	ASSERT_NE(NULL, p);
	EXPECT_FALSE(mw_has(p, MIDWAY_A_PORT_IFINDEX));
	EXPECT_FALSE(mw_has(p, MIDWAY_A_PORT_IFNAME));
	free(p);
	mw_sh("ip link del mwn0; ip link del mwn9");
}

/*
 * "IFINDEX exterior only, optional: the network device the port is bound
 * to; only on the local host": a port that lives on no host, or on a
 * remote one, cannot be bound.
 */
TEST_F(port, bind_needs_local_host)
{
	struct mw_sock *s = self->s;
	struct mw_id h1 = HID(1);
	struct nl_msg *m;
	int ifindex;

	MW_DO(s, base_topology(s));
	mw_sh("modprobe dummy 2>/dev/null");
	if (mw_sh("ip link add mwd0 type dummy 2>/dev/null") ||
	    mw_sh("ip link add mwd1 type dummy 2>/dev/null") ||
	    mw_sh("ip link add mwd2 type dummy 2>/dev/null"))
		SKIP(return, "cannot create dummy devices");

	/* Each case its own device: one accepted wrongly cannot mask the next. */
	m = mw_msg_port_new(s, PID(1), RID(1), MIDWAY_PORT_KIND_EXTERIOR);
	nla_put_u32(m, MIDWAY_A_PORT_IFINDEX, if_nametoindex("mwd0"));
	mw_reject_at(s, m, EINVAL, MIDWAY_A_PORT_IFINDEX, "NEW: binding a port that lives on no host");
	ifindex = if_nametoindex("mwd1");

	MW_DO(s, mw_port_ext(s, PID(2), RID(1), NULL));
	m = MSG_PORT(s, MIDWAY_CMD_PORT_SET, PID(2));
	nla_put_u32(m, MIDWAY_A_PORT_IFINDEX, ifindex);
	mw_reject_at(s, m, EINVAL, MIDWAY_A_PORT_IFINDEX, "SET: binding a port that lives on no host");

	MW_DO(s, mw_port_ext(s, PID(3), RID(1), &h1));
	m = MSG_PORT(s, MIDWAY_CMD_PORT_SET, PID(3));
	nla_put_u32(m, MIDWAY_A_PORT_IFINDEX, if_nametoindex("mwd2"));
	mw_reject_at(s, m, EINVAL, MIDWAY_A_PORT_IFINDEX, "SET: binding a port of a remote host");
}

static const uint8_t zero_id[MIDWAY_UUID_LEN];

/* PORT_SET with HOST_ID of all zeroes: on no host, down; refused if bound. */
TEST_F(port, unplace)
{
	struct mw_sock *s = self->s;
	struct mw_id h = HID(1), p1 = PID(1);
	struct nl_msg *m;
	struct mw_msg *p;
	int ifindex;

	MW_DO(s, base_topology(s));
	MW_DO(s, mw_port_ext(s, PID(1), RID(1), &h));
	MW_DO(s, mw_route_new(s, TID(1), RID(1), mw_ip(10, 1, 0, 0), 16,
			      MIDWAY_NH_PORT, &p1, 0));
	EXPECT_EQ(1, oper_up(s, PID(1)));

	m = MSG_PORT(s, MIDWAY_CMD_PORT_SET, PID(1));
	nla_put(m, MIDWAY_A_PORT_HOST_ID, MIDWAY_UUID_LEN, zero_id);
	MW_OK(s, m);
	p = GET_PORT(s, PID(1));
	ASSERT_NE(NULL, p);
	EXPECT_FALSE(mw_has(p, MIDWAY_A_PORT_HOST_ID)) TH_LOG("on no host");
	EXPECT_EQ(0, mw_u8(p, MIDWAY_A_PORT_OPER_UP));
	free(p);
	p = GET_HOST(s, HID(1));
	ASSERT_NE(NULL, p);
	free(p);
	/* The host has no port left: it goes without cascade. */
	MW_DO(s, mw_del(s, MIDWAY_CMD_HOST_DEL, MIDWAY_A_HOST_ID, HID(1), 0));
	p = GET_ROUTE(s, TID(1));
	ASSERT_NE(NULL, p);
	EXPECT_EQ(0, mw_u8(p, MIDWAY_A_ROUTE_ACTIVE)) TH_LOG("kept, inactive");
	free(p);

	/* Placed again on the local host, bound, it cannot be unplaced. */
	mw_sh("modprobe dummy 2>/dev/null");
	if (mw_sh("ip link add mwu0 type dummy 2>/dev/null"))
		SKIP(return, "cannot create dummy devices");
	ifindex = if_nametoindex("mwu0");
	m = MSG_PORT(s, MIDWAY_CMD_PORT_SET, PID(1));
	mw_put_id(m, MIDWAY_A_PORT_HOST_ID, HID(2));
	nla_put_u32(m, MIDWAY_A_PORT_IFINDEX, ifindex);
	MW_OK(s, m);
	m = MSG_PORT(s, MIDWAY_CMD_PORT_SET, PID(1));
	nla_put(m, MIDWAY_A_PORT_HOST_ID, MIDWAY_UUID_LEN, zero_id);
	mw_reject_at(s, m, EBUSY, MIDWAY_A_PORT_HOST_ID, "unplacing a bound port");
	/* Unbinding in the same request is fine. */
	m = MSG_PORT(s, MIDWAY_CMD_PORT_SET, PID(1));
	nla_put(m, MIDWAY_A_PORT_HOST_ID, MIDWAY_UUID_LEN, zero_id);
	nla_put_u32(m, MIDWAY_A_PORT_IFINDEX, 0);
	MW_OK(s, m);
	p = GET_PORT(s, PID(1));
	ASSERT_NE(NULL, p);
	EXPECT_FALSE(mw_has(p, MIDWAY_A_PORT_HOST_ID));
	EXPECT_FALSE(mw_has(p, MIDWAY_A_PORT_IFINDEX));
	free(p);
	mw_sh("ip link del mwu0");
}

/* PORT_NEW with NLM_F_REPLACE: what a NEW would make, fixed attrs checked. */
TEST_F(port, new_replace)
{
	struct mw_sock *s = self->s, *ev = mw_open();
	struct mw_id pa = PID(3);
	struct mw_list l;
	struct nl_msg *m;
	struct mw_msg *p;
	uint32_t key;

	ASSERT_NE(NULL, ev);
	MW_DO(s, base_topology(s));
	m = mw_msg_port_new(s, PID(1), RID(1), MIDWAY_PORT_KIND_EXTERIOR);
	mw_put_id(m, MIDWAY_A_PORT_HOST_ID, HID(1));
	nla_put_string(m, MIDWAY_A_PORT_NAME, "vm1");
	nla_put(m, MIDWAY_A_PORT_MAC, 6, mac1);
	nla_put_u32(m, MIDWAY_A_PORT_ADDR, mw_ip(10, 0, 0, 1));
	nla_put_u8(m, MIDWAY_A_PORT_PREFIXLEN, 24);
	nla_put_u8(m, MIDWAY_A_PORT_PROXY_ARP, 1);
	nla_put_u16(m, MIDWAY_A_PORT_VLAN, 7);
	nla_put_u8(m, MIDWAY_A_PORT_ADMIN_UP, 0);
	MW_OK(s, m);
	p = GET_PORT(s, PID(1));
	ASSERT_NE(NULL, p);
	key = mw_u32(p, MIDWAY_A_PORT_TUNNEL_KEY);
	free(p);
	MW_DO(s, mw_port_int(s, PID(3), RID(1), NULL));
	MW_DO(s, mw_port_int(s, PID(4), RID(2), &pa));

	m = mw_msg_port_new(s, PID(1), RID(1), MIDWAY_PORT_KIND_EXTERIOR);
	mw_reject_at(s, m, EEXIST, MIDWAY_A_PORT_ID, "NEW without NLM_F_REPLACE");

#define REPLACE(m) (nlmsg_hdr(m)->nlmsg_flags |= NLM_F_REPLACE)
	m = mw_msg_port_new(s, PID(1), RID(2), MIDWAY_PORT_KIND_EXTERIOR);
	REPLACE(m);
	mw_reject_at(s, m, EINVAL, MIDWAY_A_PORT_ROUTER_ID, "replace on another router");
	m = mw_msg_port_new(s, PID(1), RID(1), MIDWAY_PORT_KIND_INTERIOR);
	REPLACE(m);
	mw_reject_at(s, m, EINVAL, MIDWAY_A_PORT_KIND, "replace with another kind");
	m = mw_msg_port_new(s, PID(1), RID(1), MIDWAY_PORT_KIND_EXTERIOR);
	nla_put_u32(m, MIDWAY_A_PORT_TUNNEL_KEY, key + 1);
	REPLACE(m);
	mw_reject_at(s, m, EINVAL, MIDWAY_A_PORT_TUNNEL_KEY, "replace with another tunnel key");
	m = mw_msg_port_new(s, PID(3), RID(1), MIDWAY_PORT_KIND_INTERIOR);
	mw_put_id(m, MIDWAY_A_PORT_PEER_ID, PID(2));
	REPLACE(m);
	mw_reject_at(s, m, EINVAL, MIDWAY_A_PORT_PEER_ID, "replace with another peer");
	m = mw_msg_port_new(s, PID(1), RID(1), MIDWAY_PORT_KIND_EXTERIOR);
	mw_put_id(m, MIDWAY_A_PORT_HOST_ID, HID(9));
	REPLACE(m);
	mw_reject_at(s, m, ENOENT, MIDWAY_A_PORT_HOST_ID, "replace onto no such host");

	/* Only the fixed ones, the tunnel key, a host: the rest back to defaults. */
	ASSERT_EQ(0, mw_subscribe(ev));
	m = mw_msg_port_new(s, PID(1), RID(1), MIDWAY_PORT_KIND_EXTERIOR);
	mw_put_id(m, MIDWAY_A_PORT_HOST_ID, HID(1));
	nla_put_u32(m, MIDWAY_A_PORT_TUNNEL_KEY, key);
	REPLACE(m);
	MW_OK(s, m);
	p = GET_PORT(s, PID(1));
	ASSERT_NE(NULL, p);
	EXPECT_FALSE(mw_has(p, MIDWAY_A_PORT_NAME));
	EXPECT_FALSE(mw_has(p, MIDWAY_A_PORT_ADDR));
	EXPECT_FALSE(mw_has(p, MIDWAY_A_PORT_VLAN));
	EXPECT_EQ(0, mw_u8(p, MIDWAY_A_PORT_PROXY_ARP));
	EXPECT_EQ(1, mw_u8(p, MIDWAY_A_PORT_ADMIN_UP));
	EXPECT_EQ(1, mw_u8(p, MIDWAY_A_PORT_OPER_UP)) TH_LOG("admin up again, on its remote host");
	EXPECT_EQ(key, mw_u32(p, MIDWAY_A_PORT_TUNNEL_KEY));
	EXPECT_EQ(0, memcmp(nla_data(p->tb[MIDWAY_A_PORT_MAC]), mac1, 6)) TH_LOG("the MAC is kept");
	free(p);
	mw_events(ev, &l, 150);
	EXPECT_LE(1, l.n);
	EXPECT_LE(0, mw_find(&l, MIDWAY_CMD_PORT_NEW, MIDWAY_A_PORT_ID, PID(1)));
	EXPECT_GT(0, mw_find(&l, MIDWAY_CMD_PORT_SET, MIDWAY_A_PORT_ID, PID(1)));
	mw_list_free(&l);

	/* Without HOST_ID: on no host. A peered port keeps its peer. */
	m = mw_msg_port_new(s, PID(1), RID(1), MIDWAY_PORT_KIND_EXTERIOR);
	REPLACE(m);
	MW_OK(s, m);
	p = GET_PORT(s, PID(1));
	ASSERT_NE(NULL, p);
	EXPECT_FALSE(mw_has(p, MIDWAY_A_PORT_HOST_ID));
	EXPECT_EQ(0, mw_u8(p, MIDWAY_A_PORT_OPER_UP));
	free(p);
	m = mw_msg_port_new(s, PID(3), RID(1), MIDWAY_PORT_KIND_INTERIOR);
	nla_put_string(m, MIDWAY_A_PORT_NAME, "uplink");
	REPLACE(m);
	MW_OK(s, m);
	p = GET_PORT(s, PID(3));
	ASSERT_NE(NULL, p);
	EXPECT_TRUE(IS_ID(p, MIDWAY_A_PORT_PEER_ID, PID(4)));
	EXPECT_EQ(1, mw_u8(p, MIDWAY_A_PORT_OPER_UP));
	free(p);
	mw_close(ev);
}

MW_TEST_MAIN
