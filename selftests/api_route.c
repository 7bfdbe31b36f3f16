// SPDX-License-Identifier: GPL-2.0
/*
 * Routes through the "midway" generic netlink family: the four next hop
 * types, source prefixes, weights and ECMP, ACTIVE following the egress
 * port's state, dumps filtered by router, DEL, NLM_F_ECHO, and every way a
 * route request can be refused.
 */
#include <sys/utsname.h>

#include "mw_test.h"

MW_FIXTURE(route);

/*
 * Router 1 with an exterior port on a remote host (up, PID 1), an unpeered
 * interior port (down, PID 2); router 2 with an exterior port (PID 3).
 */
static int base_topology(struct mw_sock *s)
{
	struct mw_id h = HID(1);

	return mw_router_new(s, RID(1), "r1") ?:
	       mw_router_new(s, RID(2), "r2") ?:
	       mw_host_new(s, HID(1), mw_ip(192, 0, 2, 1), 0) ?:
	       mw_port_ext(s, PID(1), RID(1), &h) ?:
	       mw_port_int(s, PID(2), RID(1), NULL) ?:
	       mw_port_ext(s, PID(3), RID(2), &h);
}

static int active(struct mw_sock *s, struct mw_id id)
{
	struct mw_msg *r = GET_ROUTE(s, id);
	int a = r ? mw_u8(r, MIDWAY_A_ROUTE_ACTIVE) : -1;

	free(r);
	return a;
}

static int admin(struct mw_sock *s, uint8_t cmd, int id_attr, struct mw_id id,
		 int a, int up)
{
	struct nl_msg *m = mw_msg_id(s, cmd, 0, id_attr, id);

	nla_put_u8(m, a, up);
	return mw_exec(s, m, NULL);
}

#define PORT_ADMIN(s, id, up) \
	admin((s), MIDWAY_CMD_PORT_SET, MIDWAY_A_PORT_ID, (id), MIDWAY_A_PORT_ADMIN_UP, (up))
#define ROUTER_ADMIN(s, id, up) \
	admin((s), MIDWAY_CMD_ROUTER_SET, MIDWAY_A_ROUTER_ID, (id), MIDWAY_A_ROUTER_ADMIN_UP, (up))

TEST_F(route, new_get_every_nh_type)
{
	struct mw_sock *s = self->s;
	struct nl_msg *m;
	struct mw_msg *r;

	MW_DO(s, base_topology(s));

	m = mw_msg_route_new(s, TID(1), RID(1), mw_ip(10, 1, 0, 0), 16, MIDWAY_NH_PORT);
	mw_put_id(m, MIDWAY_A_ROUTE_PORT_ID, PID(1));
	nla_put_u32(m, MIDWAY_A_ROUTE_GATEWAY, mw_ip(10, 1, 0, 254));
	nla_put_u32(m, MIDWAY_A_ROUTE_SRC, mw_ip(172, 16, 0, 0));
	nla_put_u8(m, MIDWAY_A_ROUTE_SRC_LEN, 12);
	nla_put_u32(m, MIDWAY_A_ROUTE_WEIGHT, 7);
	MW_OK(s, m);
	r = GET_ROUTE(s, TID(1));
	ASSERT_NE(NULL, r) TH_LOG("%s", s->last_emsg);
	EXPECT_EQ(MIDWAY_CMD_ROUTE_GET, r->cmd);
	EXPECT_TRUE(IS_ID(r, MIDWAY_A_ROUTE_ID, TID(1)));
	EXPECT_TRUE(IS_ID(r, MIDWAY_A_ROUTE_ROUTER_ID, RID(1)));
	EXPECT_EQ(mw_ip(10, 1, 0, 0), mw_u32(r, MIDWAY_A_ROUTE_DST));
	EXPECT_EQ(16, mw_u8(r, MIDWAY_A_ROUTE_DST_LEN));
	EXPECT_EQ(mw_ip(172, 16, 0, 0), mw_u32(r, MIDWAY_A_ROUTE_SRC));
	EXPECT_EQ(12, mw_u8(r, MIDWAY_A_ROUTE_SRC_LEN));
	EXPECT_EQ(MIDWAY_NH_PORT, mw_u8(r, MIDWAY_A_ROUTE_NH_TYPE));
	EXPECT_TRUE(IS_ID(r, MIDWAY_A_ROUTE_PORT_ID, PID(1)));
	EXPECT_EQ(mw_ip(10, 1, 0, 254), mw_u32(r, MIDWAY_A_ROUTE_GATEWAY));
	EXPECT_EQ(7, mw_u32(r, MIDWAY_A_ROUTE_WEIGHT));
	EXPECT_EQ(1, mw_u8(r, MIDWAY_A_ROUTE_ACTIVE)) TH_LOG("via an up port: active");
	free(r);

	/* On-link (no gateway), default weight. */
	m = mw_msg_route_new(s, TID(2), RID(1), mw_ip(10, 2, 0, 0), 24, MIDWAY_NH_PORT);
	mw_put_id(m, MIDWAY_A_ROUTE_PORT_ID, PID(1));
	MW_OK(s, m);
	r = GET_ROUTE(s, TID(2));
	ASSERT_NE(NULL, r);
	EXPECT_FALSE(mw_has(r, MIDWAY_A_ROUTE_GATEWAY));
	EXPECT_FALSE(mw_has(r, MIDWAY_A_ROUTE_SRC));
	EXPECT_FALSE(mw_has(r, MIDWAY_A_ROUTE_SRC_LEN));
	EXPECT_EQ(MIDWAY_WEIGHT_DEFAULT, mw_u32(r, MIDWAY_A_ROUTE_WEIGHT));
	free(r);

	MW_OK(s, mw_msg_route_new(s, TID(3), RID(1), 0, 0, MIDWAY_NH_BLACKHOLE));
	MW_OK(s, mw_msg_route_new(s, TID(4), RID(1), mw_ip(192, 168, 0, 0), 16,
				  MIDWAY_NH_REJECT));
	MW_OK(s, mw_msg_route_new(s, TID(5), RID(1), mw_ip(10, 1, 0, 1), 32,
				  MIDWAY_NH_LOCAL));
	m = mw_msg_route_new(s, TID(6), RID(1), mw_ip(203, 0, 113, 0), 24,
			     MIDWAY_NH_BLACKHOLE);
	nla_put_u32(m, MIDWAY_A_ROUTE_WEIGHT, MIDWAY_WEIGHT_MAX);
	MW_OK(s, m);

	r = GET_ROUTE(s, TID(3));
	ASSERT_NE(NULL, r);
	EXPECT_EQ(MIDWAY_NH_BLACKHOLE, mw_u8(r, MIDWAY_A_ROUTE_NH_TYPE));
	EXPECT_EQ(0, mw_u32(r, MIDWAY_A_ROUTE_DST));
	EXPECT_EQ(0, mw_u8(r, MIDWAY_A_ROUTE_DST_LEN));
	EXPECT_FALSE(mw_has(r, MIDWAY_A_ROUTE_PORT_ID));
	EXPECT_EQ(1, mw_u8(r, MIDWAY_A_ROUTE_ACTIVE));
	free(r);
	r = GET_ROUTE(s, TID(4));
	ASSERT_NE(NULL, r);
	EXPECT_EQ(MIDWAY_NH_REJECT, mw_u8(r, MIDWAY_A_ROUTE_NH_TYPE));
	EXPECT_EQ(1, mw_u8(r, MIDWAY_A_ROUTE_ACTIVE));
	free(r);
	r = GET_ROUTE(s, TID(5));
	ASSERT_NE(NULL, r);
	EXPECT_EQ(MIDWAY_NH_LOCAL, mw_u8(r, MIDWAY_A_ROUTE_NH_TYPE));
	EXPECT_EQ(32, mw_u8(r, MIDWAY_A_ROUTE_DST_LEN));
	free(r);
	r = GET_ROUTE(s, TID(6));
	ASSERT_NE(NULL, r);
	EXPECT_EQ(MIDWAY_WEIGHT_MAX, mw_u32(r, MIDWAY_A_ROUTE_WEIGHT));
	free(r);

	r = GET_ROUTER(s, RID(1));
	ASSERT_NE(NULL, r);
	EXPECT_EQ(6, mw_u32(r, MIDWAY_A_ROUTER_N_ROUTES));
	free(r);
}

static int lookup(struct mw_sock *s, uint32_t src, uint32_t dst);

/*
 * ACTIVE must say what forwarding does: the route (number) that router 1's
 * lookup picks for 10.1.1.1 (10.0.0.0/8 via port 1, else the blackhole
 * default route 3) and for 10.9.1.1 (10.9.0.0/16 via interior port 2 first).
 */
#define EXPECT_FWD(s, n10, n109) do {					\
	EXPECT_EQ((n10), lookup((s), 0, mw_ip(10, 1, 1, 1)))		\
		TH_LOG("lookup of 10.1.1.1 disagrees with ACTIVE");	\
	EXPECT_EQ((n109), lookup((s), 0, mw_ip(10, 9, 1, 1)))		\
		TH_LOG("lookup of 10.9.1.1 disagrees with ACTIVE");	\
} while (0)

/* A route via a port is kept while the port is down, but inactive. */
TEST_F(route, active_follows_port)
{
	struct mw_sock *s = self->s;
	struct mw_id p1 = PID(1), p2 = PID(2), a = PID(2);

	MW_DO(s, base_topology(s));
	MW_DO(s, mw_route_new(s, TID(1), RID(1), mw_ip(10, 0, 0, 0), 8,
			      MIDWAY_NH_PORT, &p1, 0));
	MW_DO(s, mw_route_new(s, TID(2), RID(1), mw_ip(10, 9, 0, 0), 16,
			      MIDWAY_NH_PORT, &p2, 0));
	MW_DO(s, mw_route_new(s, TID(3), RID(1), 0, 0, MIDWAY_NH_BLACKHOLE, NULL, 0));
	EXPECT_EQ(1, active(s, TID(1))) TH_LOG("exterior port on a remote host");
	EXPECT_EQ(0, active(s, TID(2))) TH_LOG("interior port without a peer");
	EXPECT_FWD(s, 1, 1);

	MW_DO(s, PORT_ADMIN(s, PID(1), 0));
	EXPECT_EQ(0, active(s, TID(1))) TH_LOG("port admin down");
	EXPECT_NE(NULL, GET_ROUTE(s, TID(1))) TH_LOG("the route must be kept");
	EXPECT_FWD(s, 3, 3);
	MW_DO(s, PORT_ADMIN(s, PID(1), 1));
	EXPECT_EQ(1, active(s, TID(1)));
	EXPECT_FWD(s, 1, 1);

	MW_DO(s, ROUTER_ADMIN(s, RID(1), 0));
	EXPECT_EQ(0, active(s, TID(1))) TH_LOG("router admin down");
	EXPECT_EQ(1, active(s, TID(3))) TH_LOG("a blackhole does not depend on ports");
	EXPECT_FWD(s, 3, 3);
	MW_DO(s, ROUTER_ADMIN(s, RID(1), 1));
	EXPECT_EQ(1, active(s, TID(1)));

	/* Peering brings the interior port, and the route via it, up. */
	MW_DO(s, mw_port_int(s, PID(4), RID(2), &a));
	EXPECT_EQ(1, active(s, TID(2))) TH_LOG("interior port got a peer");
	EXPECT_FWD(s, 1, 2);
	MW_DO(s, PORT_ADMIN(s, PID(4), 0));
	EXPECT_EQ(0, active(s, TID(2))) TH_LOG("the peer went admin down");
	EXPECT_FWD(s, 1, 1);
	MW_DO(s, PORT_ADMIN(s, PID(4), 1));
	EXPECT_EQ(1, active(s, TID(2)));
	MW_DO(s, mw_del(s, MIDWAY_CMD_PORT_DEL, MIDWAY_A_PORT_ID, PID(4),
			MIDWAY_A_PORT_CASCADE));
	EXPECT_EQ(0, active(s, TID(2))) TH_LOG("the peer was deleted");
	EXPECT_FWD(s, 1, 1);

	/* The port's host becomes the local one, then remote again. */
	MW_DO(s, mw_exec(s, ({ struct nl_msg *m = MSG_HOST(s, MIDWAY_CMD_HOST_SET, HID(1));
			       nla_put_u8(m, MIDWAY_A_HOST_LOCAL, 1); m; }), NULL));
	EXPECT_EQ(0, active(s, TID(1))) TH_LOG("the port's host became local, port unbound");
	EXPECT_FWD(s, 3, 3);
	MW_DO(s, mw_exec(s, ({ struct nl_msg *m = MSG_HOST(s, MIDWAY_CMD_HOST_SET, HID(1));
			       nla_put_u8(m, MIDWAY_A_HOST_LOCAL, 0); m; }), NULL));
	EXPECT_EQ(1, active(s, TID(1)));
	EXPECT_FWD(s, 1, 1);
}

/* Routes to one prefix with the same weight form an ECMP group. */
TEST_F(route, ecmp_and_near_duplicates)
{
	struct mw_sock *s = self->s;
	struct mw_id p1 = PID(1), p2 = PID(2);
	struct nl_msg *m;

	MW_DO(s, base_topology(s));
	MW_DO(s, mw_route_new(s, TID(1), RID(1), mw_ip(10, 0, 0, 0), 8,
			      MIDWAY_NH_PORT, &p1, mw_ip(10, 0, 0, 1)));
	MW_DO(s, mw_route_new(s, TID(2), RID(1), mw_ip(10, 0, 0, 0), 8,
			      MIDWAY_NH_PORT, &p1, mw_ip(10, 0, 0, 2)));
	MW_DO(s, mw_route_new(s, TID(3), RID(1), mw_ip(10, 0, 0, 0), 8,
			      MIDWAY_NH_PORT, &p2, mw_ip(10, 0, 0, 1)));
	/* Differs only by prefix length, source, next hop type, router. */
	MW_DO(s, mw_route_new(s, TID(4), RID(1), mw_ip(10, 0, 0, 0), 9,
			      MIDWAY_NH_PORT, &p1, mw_ip(10, 0, 0, 1)));
	m = mw_msg_route_new(s, TID(5), RID(1), mw_ip(10, 0, 0, 0), 8, MIDWAY_NH_PORT);
	mw_put_id(m, MIDWAY_A_ROUTE_PORT_ID, PID(1));
	nla_put_u32(m, MIDWAY_A_ROUTE_GATEWAY, mw_ip(10, 0, 0, 1));
	nla_put_u32(m, MIDWAY_A_ROUTE_SRC, mw_ip(1, 0, 0, 0));
	nla_put_u8(m, MIDWAY_A_ROUTE_SRC_LEN, 8);
	MW_OK(s, m);
	MW_DO(s, mw_route_new(s, TID(6), RID(1), mw_ip(10, 0, 0, 0), 8,
			      MIDWAY_NH_BLACKHOLE, NULL, 0));
	MW_DO(s, mw_route_new(s, TID(7), RID(1), mw_ip(10, 0, 0, 0), 8,
			      MIDWAY_NH_REJECT, NULL, 0));
	MW_DO(s, mw_route_new(s, TID(8), RID(2), mw_ip(10, 0, 0, 0), 8,
			      MIDWAY_NH_BLACKHOLE, NULL, 0));
	EXPECT_EQ(8, mw_count(s, MIDWAY_CMD_ROUTE_GET, 0, NULL));

	/* Identical to route 1 but for id and weight: refused. */
	m = mw_msg_route_new(s, TID(9), RID(1), mw_ip(10, 0, 0, 0), 8, MIDWAY_NH_PORT);
	mw_put_id(m, MIDWAY_A_ROUTE_PORT_ID, PID(1));
	nla_put_u32(m, MIDWAY_A_ROUTE_GATEWAY, mw_ip(10, 0, 0, 1));
	nla_put_u32(m, MIDWAY_A_ROUTE_WEIGHT, 5);
	mw_reject(s, m, EEXIST, "identical route with another weight");
	mw_reject(s, mw_msg_route_new(s, TID(9), RID(1), mw_ip(10, 0, 0, 0), 8,
				      MIDWAY_NH_BLACKHOLE),
		  EEXIST, "identical blackhole route");

	/* Once the first is gone, the same route can be added again. */
	MW_DO(s, mw_del(s, MIDWAY_CMD_ROUTE_DEL, MIDWAY_A_ROUTE_ID, TID(6), 0));
	MW_DO(s, mw_route_new(s, TID(9), RID(1), mw_ip(10, 0, 0, 0), 8,
			      MIDWAY_NH_BLACKHOLE, NULL, 0));
}

TEST_F(route, dump_filter_del_echo)
{
	struct mw_sock *s = self->s;
	struct mw_id r1 = RID(1), r2 = RID(2), r9 = RID(9);
	struct mw_result res;
	struct mw_list l;
	struct nl_msg *m;
	int i;

	MW_DO(s, base_topology(s));
	for (i = 1; i <= 10; i++)
		MW_DO(s, mw_route_new(s, TID(i), i <= 6 ? RID(1) : RID(2),
				      mw_ip(10, i, 0, 0), 16, MIDWAY_NH_BLACKHOLE, NULL, 0));
	ASSERT_EQ(0, mw_dump(s, MIDWAY_CMD_ROUTE_GET, 0, NULL, &l));
	ASSERT_EQ(10, l.n);
	for (i = 0; i < l.n; i++) {
		EXPECT_TRUE(IS_ID(l.m[i], MIDWAY_A_ROUTE_ID, TID(i + 1)));
		EXPECT_EQ(mw_ip(10, i + 1, 0, 0), mw_u32(l.m[i], MIDWAY_A_ROUTE_DST));
		EXPECT_TRUE(mw_has(l.m[i], MIDWAY_A_ROUTE_ACTIVE));
	}
	mw_list_free(&l);
	ASSERT_EQ(0, mw_dump(s, MIDWAY_CMD_ROUTE_GET, MIDWAY_A_ROUTE_ROUTER_ID, &r2, &l));
	ASSERT_EQ(4, l.n);
	for (i = 0; i < l.n; i++) {
		EXPECT_TRUE(IS_ID(l.m[i], MIDWAY_A_ROUTE_ROUTER_ID, RID(2)));
	}
	mw_list_free(&l);
	EXPECT_EQ(6, mw_count(s, MIDWAY_CMD_ROUTE_GET, MIDWAY_A_ROUTE_ROUTER_ID, &r1));
	EXPECT_EQ(0, mw_count(s, MIDWAY_CMD_ROUTE_GET, MIDWAY_A_ROUTE_ROUTER_ID, &r9));

	MW_DO(s, mw_del(s, MIDWAY_CMD_ROUTE_DEL, MIDWAY_A_ROUTE_ID, TID(3), 0));
	EXPECT_EQ(NULL, GET_ROUTE(s, TID(3)));
	EXPECT_EQ(5, mw_count(s, MIDWAY_CMD_ROUTE_GET, MIDWAY_A_ROUTE_ROUTER_ID, &r1));
	mw_reject_at(s, MSG_ROUTE(s, MIDWAY_CMD_ROUTE_DEL, TID(3)), ENOENT,
		     MIDWAY_A_ROUTE_ID, "route DEL twice");
	mw_reject_at(s, MSG_ROUTE(s, MIDWAY_CMD_ROUTE_GET, TID(3)), ENOENT,
		     MIDWAY_A_ROUTE_ID, "route GET deleted");

	m = mw_msg_route_new(s, TID(20), RID(1), mw_ip(10, 20, 0, 0), 16, MIDWAY_NH_PORT);
	nlmsg_hdr(m)->nlmsg_flags |= NLM_F_ECHO;
	mw_put_id(m, MIDWAY_A_ROUTE_PORT_ID, PID(1));
	ASSERT_EQ(0, mw_exec(s, m, &res)) TH_LOG("%s", res.emsg);
	ASSERT_EQ(1, res.nreplies);
	EXPECT_EQ(MIDWAY_CMD_ROUTE_NEW, res.replies[0]->cmd);
	EXPECT_TRUE(IS_ID(res.replies[0], MIDWAY_A_ROUTE_ID, TID(20)));
	EXPECT_TRUE(IS_ID(res.replies[0], MIDWAY_A_ROUTE_PORT_ID, PID(1)));
	EXPECT_EQ(MIDWAY_WEIGHT_DEFAULT, mw_u32(res.replies[0], MIDWAY_A_ROUTE_WEIGHT));
	EXPECT_EQ(1, mw_u8(res.replies[0], MIDWAY_A_ROUTE_ACTIVE));
	mw_result_free(&res);

	m = mw_msg_id(s, MIDWAY_CMD_ROUTE_DEL, NLM_F_ECHO, MIDWAY_A_ROUTE_ID, TID(20));
	ASSERT_EQ(0, mw_exec(s, m, &res)) TH_LOG("%s", res.emsg);
	ASSERT_EQ(1, res.nreplies);
	EXPECT_EQ(MIDWAY_CMD_ROUTE_DEL, res.replies[0]->cmd);
	EXPECT_TRUE(IS_ID(res.replies[0], MIDWAY_A_ROUTE_ID, TID(20)));
	EXPECT_EQ(mw_ip(10, 20, 0, 0), mw_u32(res.replies[0], MIDWAY_A_ROUTE_DST));
	mw_result_free(&res);
}

/* Missing required attributes: EINVAL, naming the missing one. */
TEST_F(route, reject_missing_attrs)
{
	static const int req[] = { MIDWAY_A_ROUTE_ID, MIDWAY_A_ROUTE_ROUTER_ID,
				   MIDWAY_A_ROUTE_DST, MIDWAY_A_ROUTE_DST_LEN,
				   MIDWAY_A_ROUTE_NH_TYPE };
	struct mw_sock *s = self->s;
	struct mw_result r;
	struct nl_msg *m;
	unsigned int i, j;
	char what[64];

	MW_DO(s, base_topology(s));
	for (i = 0; i < MW_ARRAY_SIZE(req); i++) {
		m = mw_req(s, MIDWAY_CMD_ROUTE_NEW, 0);
		for (j = 0; j < MW_ARRAY_SIZE(req); j++) {
			if (j == i)
				continue;
			switch (req[j]) {
			case MIDWAY_A_ROUTE_ID:
				mw_put_id(m, req[j], TID(1));
				break;
			case MIDWAY_A_ROUTE_ROUTER_ID:
				mw_put_id(m, req[j], RID(1));
				break;
			case MIDWAY_A_ROUTE_DST:
				nla_put_u32(m, req[j], 0);
				break;
			case MIDWAY_A_ROUTE_DST_LEN:
				nla_put_u8(m, req[j], 0);
				break;
			case MIDWAY_A_ROUTE_NH_TYPE:
				nla_put_u8(m, req[j], MIDWAY_NH_BLACKHOLE);
				break;
			}
		}
		snprintf(what, sizeof(what), "route NEW without attribute %d", req[i]);
		__mw_reject(_metadata, s, m, EINVAL, 0, what, &r);
		EXPECT_TRUE(r.has_miss && r.miss_type == req[i])
			TH_LOG("%s: the missing attribute is not named", what);
		mw_result_free(&r);
	}
	m = mw_msg_route_new(s, TID(1), RID(1), 0, 0, MIDWAY_NH_PORT);
	__mw_reject(_metadata, s, m, EINVAL, 0, "route via a port without PORT_ID", &r);
	EXPECT_TRUE(r.has_miss && r.miss_type == MIDWAY_A_ROUTE_PORT_ID);
	mw_result_free(&r);
	mw_reject(s, mw_req(s, MIDWAY_CMD_ROUTE_DEL, 0), EINVAL, "route DEL without ID");
	mw_reject(s, mw_req(s, MIDWAY_CMD_ROUTE_GET, 0), EINVAL, "route GET without ID");
}

TEST_F(route, reject_bad_values)
{
	uint8_t id15[15] = { 3 };
	struct mw_sock *s = self->s;
	struct nl_msg *m;

	MW_DO(s, base_topology(s));
	MW_DO(s, mw_route_new(s, TID(1), RID(1), mw_ip(10, 0, 0, 0), 8,
			      MIDWAY_NH_BLACKHOLE, NULL, 0));

	/* Policy: sizes and ranges (-ERANGE), read-only (-EINVAL). */
	m = mw_req(s, MIDWAY_CMD_ROUTE_NEW, 0);
	nla_put(m, MIDWAY_A_ROUTE_ID, sizeof(id15), id15);
	mw_put_id(m, MIDWAY_A_ROUTE_ROUTER_ID, RID(1));
	nla_put_u32(m, MIDWAY_A_ROUTE_DST, 0);
	nla_put_u8(m, MIDWAY_A_ROUTE_DST_LEN, 0);
	nla_put_u8(m, MIDWAY_A_ROUTE_NH_TYPE, MIDWAY_NH_REJECT);
	mw_reject_at(s, m, ERANGE, MIDWAY_A_ROUTE_ID, "route id of 15 bytes");
	m = mw_msg_route_new(s, TID(2), RID(1), 0, 0, MIDWAY_NH_PORT);
	nla_put(m, MIDWAY_A_ROUTE_PORT_ID, sizeof(id15), id15);
	mw_reject_at(s, m, ERANGE, MIDWAY_A_ROUTE_PORT_ID, "route port id of 15 bytes");
	mw_reject_at(s, mw_msg_route_new(s, TID(2), RID(1), 0, 33, MIDWAY_NH_REJECT),
		  ERANGE, MIDWAY_A_ROUTE_DST_LEN, "route dst_len 33");
	m = mw_msg_route_new(s, TID(2), RID(1), 0, 0, MIDWAY_NH_REJECT);
	nla_put_u32(m, MIDWAY_A_ROUTE_SRC, 0);
	nla_put_u8(m, MIDWAY_A_ROUTE_SRC_LEN, 33);
	mw_reject_at(s, m, ERANGE, MIDWAY_A_ROUTE_SRC_LEN, "route src_len 33");
	mw_reject_at(s, mw_msg_route_new(s, TID(2), RID(1), 0, 0, 9), ERANGE,
		     MIDWAY_A_ROUTE_NH_TYPE, "route nh type 9");
	mw_reject_at(s, mw_msg_route_new(s, TID(2), RID(1), 0, 0, 0), ERANGE,
		     MIDWAY_A_ROUTE_NH_TYPE, "route nh type 0");
	mw_reject_at(s, mw_msg_route_new(s, TID(2), RID(1), 0, 0, MIDWAY_NH_LOCAL + 1),
		  ERANGE, MIDWAY_A_ROUTE_NH_TYPE, "route nh type 5");
	m = mw_msg_route_new(s, TID(2), RID(1), 0, 0, MIDWAY_NH_REJECT);
	nla_put_u32(m, MIDWAY_A_ROUTE_WEIGHT, 0);
	mw_reject_at(s, m, ERANGE, MIDWAY_A_ROUTE_WEIGHT, "route weight 0");
	m = mw_msg_route_new(s, TID(2), RID(1), 0, 0, MIDWAY_NH_REJECT);
	nla_put_u32(m, MIDWAY_A_ROUTE_WEIGHT, MIDWAY_WEIGHT_MAX + 1);
	mw_reject_at(s, m, ERANGE, MIDWAY_A_ROUTE_WEIGHT, "route weight 65536");
	m = mw_msg_route_new(s, TID(2), RID(1), 0, 0, MIDWAY_NH_REJECT);
	nla_put_u8(m, MIDWAY_A_ROUTE_ACTIVE, 1);
	mw_reject_at(s, m, EINVAL, MIDWAY_A_ROUTE_ACTIVE, "route NEW with ACTIVE");
	m = mw_msg_route_new(s, TID(2), RID(1), 0, 0, MIDWAY_NH_REJECT);
	nla_put_u32(m, MIDWAY_A_ROUTE_MAX + 1, 1);
	mw_reject_at(s, m, EINVAL, MIDWAY_A_ROUTE_MAX + 1, "route NEW with an unknown attribute");

	/* Prefixes. */
	mw_reject_at(s, mw_msg_route_new(s, TID(2), RID(1), mw_ip(10, 0, 0, 1), 24,
				      MIDWAY_NH_REJECT),
		  EINVAL, MIDWAY_A_ROUTE_DST, "route dst with host bits");
	mw_reject_at(s, mw_msg_route_new(s, TID(2), RID(1), mw_ip(0, 0, 0, 1), 0,
				      MIDWAY_NH_REJECT),
		  EINVAL, MIDWAY_A_ROUTE_DST, "default route with host bits");
	m = mw_msg_route_new(s, TID(2), RID(1), 0, 0, MIDWAY_NH_REJECT);
	nla_put_u32(m, MIDWAY_A_ROUTE_SRC, mw_ip(172, 16, 1, 0));
	nla_put_u8(m, MIDWAY_A_ROUTE_SRC_LEN, 12);
	mw_reject_at(s, m, EINVAL, MIDWAY_A_ROUTE_SRC, "route src with host bits");
	m = mw_msg_route_new(s, TID(2), RID(1), 0, 0, MIDWAY_NH_REJECT);
	nla_put_u32(m, MIDWAY_A_ROUTE_SRC, mw_ip(172, 16, 0, 0));
	mw_reject_at(s, m, EINVAL, MIDWAY_A_ROUTE_SRC, "route SRC without SRC_LEN");
	m = mw_msg_route_new(s, TID(2), RID(1), 0, 0, MIDWAY_NH_REJECT);
	nla_put_u8(m, MIDWAY_A_ROUTE_SRC_LEN, 12);
	mw_reject_at(s, m, EINVAL, MIDWAY_A_ROUTE_SRC_LEN, "route SRC_LEN without SRC");

	/* Next hops. */
	m = mw_msg_route_new(s, TID(2), RID(1), 0, 0, MIDWAY_NH_BLACKHOLE);
	mw_put_id(m, MIDWAY_A_ROUTE_PORT_ID, PID(1));
	mw_reject_at(s, m, EINVAL, MIDWAY_A_ROUTE_PORT_ID, "PORT_ID with a blackhole");
	m = mw_msg_route_new(s, TID(2), RID(1), 0, 0, MIDWAY_NH_LOCAL);
	mw_put_id(m, MIDWAY_A_ROUTE_PORT_ID, PID(1));
	mw_reject_at(s, m, EINVAL, MIDWAY_A_ROUTE_PORT_ID, "PORT_ID with a local next hop");
	m = mw_msg_route_new(s, TID(2), RID(1), 0, 0, MIDWAY_NH_REJECT);
	nla_put_u32(m, MIDWAY_A_ROUTE_GATEWAY, mw_ip(10, 0, 0, 1));
	mw_reject_at(s, m, EINVAL, MIDWAY_A_ROUTE_GATEWAY, "GATEWAY with a reject next hop");
	m = mw_msg_route_new(s, TID(2), RID(1), 0, 0, MIDWAY_NH_PORT);
	mw_put_id(m, MIDWAY_A_ROUTE_PORT_ID, PID(1));
	nla_put_u32(m, MIDWAY_A_ROUTE_GATEWAY, mw_ip(224, 0, 0, 1));
	mw_reject_at(s, m, EINVAL, MIDWAY_A_ROUTE_GATEWAY, "multicast gateway");
	m = mw_msg_route_new(s, TID(2), RID(1), 0, 0, MIDWAY_NH_PORT);
	mw_put_id(m, MIDWAY_A_ROUTE_PORT_ID, PID(3));
	mw_reject_at(s, m, EINVAL, MIDWAY_A_ROUTE_PORT_ID, "egress port of another router");
	m = mw_msg_route_new(s, TID(2), RID(1), 0, 0, MIDWAY_NH_PORT);
	mw_put_id(m, MIDWAY_A_ROUTE_PORT_ID, PID(99));
	mw_reject_at(s, m, ENOENT, MIDWAY_A_ROUTE_PORT_ID, "egress port does not exist");
	m = mw_msg_route_new(s, TID(2), RID(1), 0, 0, MIDWAY_NH_PORT);
	mw_put_id(m, MIDWAY_A_ROUTE_PORT_ID, RID(1));
	mw_reject_at(s, m, ENOENT, MIDWAY_A_ROUTE_PORT_ID, "egress port is a router's id");

	/* References and uniqueness. */
	mw_reject_at(s, mw_msg_route_new(s, TID(2), RID(9), 0, 0, MIDWAY_NH_REJECT),
		  ENOENT, MIDWAY_A_ROUTE_ROUTER_ID, "route of a missing router");
	mw_reject_at(s, mw_msg_route_new(s, TID(1), RID(2), 0, 0, MIDWAY_NH_REJECT),
		  EEXIST, MIDWAY_A_ROUTE_ID, "route with an existing id");
	mw_reject(s, mw_msg_route_new(s, TID(2), RID(1), mw_ip(10, 0, 0, 0), 8,
				      MIDWAY_NH_BLACKHOLE),
		  EEXIST, "route identical to another");

	/* DEL is strictly validated too. */
	m = MSG_ROUTE(s, MIDWAY_CMD_ROUTE_DEL, TID(1));
	nla_put_flag(m, MIDWAY_A_ROUTE_MAX + 1);
	mw_reject_at(s, m, EINVAL, MIDWAY_A_ROUTE_MAX + 1, "route DEL with an unknown attribute");

	/* Nothing refused left a trace. */
	MW_DO(s, mw_route_new(s, TID(2), RID(1), 0, 0, MIDWAY_NH_REJECT, NULL, 0));
	EXPECT_EQ(2, mw_count(s, MIDWAY_CMD_ROUTE_GET, 0, NULL));
}


/*
 * ROUTE_LOOKUP: the number of the route (TID(n)) that a packet from @src
 * to @dst takes in router 1; 0 when none (-ENETUNREACH), -1 on another
 * outcome.
 */
static int lookup(struct mw_sock *s, uint32_t src, uint32_t dst)
{
	struct nl_msg *m = mw_req(s, MIDWAY_CMD_ROUTE_LOOKUP, 0);
	struct mw_result r;
	int n, found = -1;

	mw_put_id(m, MIDWAY_A_ROUTE_ROUTER_ID, RID(1));
	nla_put_u32(m, MIDWAY_A_ROUTE_DST, dst);
	nla_put_u32(m, MIDWAY_A_ROUTE_SRC, src);
	if (mw_exec(s, m, &r) == -ENETUNREACH)
		found = 0;
	else if (!r.err && r.nreplies == 1)
		for (n = 1; n < 16 && found < 0; n++)
			if (IS_ID(r.replies[0], MIDWAY_A_ROUTE_ID, TID(n)))
				found = n;
	mw_result_free(&r);
	return found;
}

static int route_add(struct mw_sock *s, int n, uint32_t dst, int len,
		     uint32_t src, int src_len)
{
	struct nl_msg *m = mw_msg_route_new(s, TID(n), RID(1), dst, len,
					    MIDWAY_NH_PORT);

	mw_put_id(m, MIDWAY_A_ROUTE_PORT_ID, PID(1));
	if (src_len) {
		nla_put_u32(m, MIDWAY_A_ROUTE_SRC, src);
		nla_put_u8(m, MIDWAY_A_ROUTE_SRC_LEN, src_len);
	}
	return mw_exec(s, m, NULL);
}

/*
 * A packet whose source matches none of the source prefixes of the
 * longest destination prefix falls back to the next shorter destination
 * prefix that has a route for it, as long as the table changes.
 */
TEST_F(route, source_prefix_fallback)
{
	struct mw_sock *s = self->s;
	uint32_t in = mw_ip(192, 168, 1, 1), out = mw_ip(172, 16, 0, 1);
	uint32_t dst = mw_ip(10, 1, 2, 3);

	MW_DO(s, base_topology(s));
	/* 1: 10.1/16 from 192.168/16 only. */
	MW_DO(s, route_add(s, 1, mw_ip(10, 1, 0, 0), 16, mw_ip(192, 168, 0, 0), 16));
	EXPECT_EQ(1, lookup(s, in, dst));
	EXPECT_EQ(0, lookup(s, out, dst)) TH_LOG("no route for another source");

	/* 2: 10/8 for all: the other sources fall back to it. */
	MW_DO(s, route_add(s, 2, mw_ip(10, 0, 0, 0), 8, 0, 0));
	EXPECT_EQ(1, lookup(s, in, dst));
	EXPECT_EQ(2, lookup(s, out, dst));

	/* 3: 10.0/12 between them, itself from 172.16/12 only: a chain. */
	MW_DO(s, route_add(s, 3, mw_ip(10, 0, 0, 0), 12, mw_ip(172, 16, 0, 0), 12));
	EXPECT_EQ(1, lookup(s, in, dst));
	EXPECT_EQ(3, lookup(s, out, dst));
	EXPECT_EQ(2, lookup(s, mw_ip(8, 8, 8, 8), dst)) TH_LOG("past two partial prefixes");

	/* 4: a longer catch-all wins over the fallback, and the chain. */
	MW_DO(s, route_add(s, 4, mw_ip(10, 1, 0, 0), 16, 0, 0));
	EXPECT_EQ(1, lookup(s, in, dst));
	EXPECT_EQ(4, lookup(s, out, dst));
	MW_DO(s, mw_del(s, MIDWAY_CMD_ROUTE_DEL, MIDWAY_A_ROUTE_ID, TID(4), 0));
	EXPECT_EQ(3, lookup(s, out, dst));

	/* The fallbacks follow deletions and the routes' state. */
	MW_DO(s, mw_del(s, MIDWAY_CMD_ROUTE_DEL, MIDWAY_A_ROUTE_ID, TID(3), 0));
	EXPECT_EQ(2, lookup(s, out, dst));
	MW_DO(s, mw_del(s, MIDWAY_CMD_ROUTE_DEL, MIDWAY_A_ROUTE_ID, TID(2), 0));
	EXPECT_EQ(0, lookup(s, out, dst));
	EXPECT_EQ(1, lookup(s, in, dst));
	MW_DO(s, route_add(s, 2, 0, 0, 0, 0));
	EXPECT_EQ(2, lookup(s, out, dst)) TH_LOG("back to 0/0");

	/* A partial prefix whose routes go down falls out of the chain. */
	MW_DO(s, route_add(s, 5, mw_ip(10, 0, 0, 0), 8, mw_ip(172, 16, 0, 0), 12));
	EXPECT_EQ(5, lookup(s, out, dst));
	MW_DO(s, PORT_ADMIN(s, PID(1), 0));
	EXPECT_EQ(0, lookup(s, out, dst)) TH_LOG("every route is via the port that is down");
	MW_DO(s, PORT_ADMIN(s, PID(1), 1));
	EXPECT_EQ(5, lookup(s, out, dst));
	EXPECT_EQ(1, lookup(s, in, dst));
	EXPECT_EQ(2, lookup(s, mw_ip(8, 8, 8, 8), dst));
	MW_DO(s, mw_del(s, MIDWAY_CMD_ROUTE_DEL, MIDWAY_A_ROUTE_ID, TID(1), 0));
	EXPECT_EQ(2, lookup(s, in, dst));
}

/* A ROUTE_SET of route TID(n), to complete. */
static struct nl_msg *route_set(struct mw_sock *s, int n)
{
	return MSG_ROUTE(s, MIDWAY_CMD_ROUTE_SET, TID(n));
}

/* ROUTE_SET changes what it names, keeps the rest, and the route's place. */
TEST_F(route, set_changes_in_place)
{
	struct mw_sock *s = self->s, *ev = mw_open();
	struct mw_id p1 = PID(1), p3 = PID(3);
	struct mw_list l;
	struct nl_msg *m;
	struct mw_msg *r;

	ASSERT_NE(NULL, ev);
	MW_DO(s, base_topology(s));
	MW_DO(s, mw_route_new(s, TID(1), RID(1), mw_ip(10, 1, 0, 0), 16,
			      MIDWAY_NH_PORT, &p1, mw_ip(10, 1, 0, 254)));
	MW_DO(s, mw_route_new(s, TID(2), RID(1), mw_ip(10, 2, 0, 0), 16,
			      MIDWAY_NH_BLACKHOLE, NULL, 0));
	MW_DO(s, mw_route_new(s, TID(3), RID(2), mw_ip(10, 3, 0, 0), 16,
			      MIDWAY_NH_PORT, &p3, 0));
	ASSERT_EQ(0, mw_subscribe(ev));

	/* Another prefix and weight; gateway and port stay. */
	m = route_set(s, 1);
	nla_put_u32(m, MIDWAY_A_ROUTE_DST, mw_ip(10, 9, 0, 0));
	nla_put_u8(m, MIDWAY_A_ROUTE_DST_LEN, 16);
	nla_put_u32(m, MIDWAY_A_ROUTE_WEIGHT, 5);
	MW_OK(s, m);
	r = GET_ROUTE(s, TID(1));
	ASSERT_NE(NULL, r);
	EXPECT_EQ(mw_ip(10, 9, 0, 0), mw_u32(r, MIDWAY_A_ROUTE_DST));
	EXPECT_EQ(5, mw_u32(r, MIDWAY_A_ROUTE_WEIGHT));
	EXPECT_EQ(mw_ip(10, 1, 0, 254), mw_u32(r, MIDWAY_A_ROUTE_GATEWAY));
	EXPECT_TRUE(IS_ID(r, MIDWAY_A_ROUTE_PORT_ID, PID(1)));
	EXPECT_EQ(1, mw_u8(r, MIDWAY_A_ROUTE_ACTIVE));
	free(r);
	EXPECT_EQ(1, lookup(s, 0, mw_ip(10, 9, 1, 1))) TH_LOG("the new prefix forwards");
	EXPECT_EQ(0, lookup(s, 0, mw_ip(10, 1, 1, 1))) TH_LOG("the old prefix is gone");

	/* One ROUTE_SET event, with the new route; no ROUTE_STATE. */
	mw_events(ev, &l, 150);
	EXPECT_EQ(1, l.n);
	if (l.n >= 1) {
		EXPECT_EQ(MIDWAY_CMD_ROUTE_SET, l.m[0]->cmd);
		EXPECT_TRUE(IS_ID(l.m[0], MIDWAY_A_ROUTE_ID, TID(1)));
		EXPECT_EQ(mw_ip(10, 9, 0, 0), mw_u32(l.m[0], MIDWAY_A_ROUTE_DST));
	}
	mw_list_free(&l);

	/* Gateway 0.0.0.0 removes the gateway. */
	m = route_set(s, 1);
	nla_put_u32(m, MIDWAY_A_ROUTE_GATEWAY, 0);
	MW_OK(s, m);
	r = GET_ROUTE(s, TID(1));
	ASSERT_NE(NULL, r);
	EXPECT_FALSE(mw_has(r, MIDWAY_A_ROUTE_GATEWAY));
	free(r);

	/* To a blackhole: port and gateway go; back via the interior port. */
	m = route_set(s, 1);
	nla_put_u8(m, MIDWAY_A_ROUTE_NH_TYPE, MIDWAY_NH_BLACKHOLE);
	MW_OK(s, m);
	r = GET_ROUTE(s, TID(1));
	ASSERT_NE(NULL, r);
	EXPECT_EQ(MIDWAY_NH_BLACKHOLE, mw_u8(r, MIDWAY_A_ROUTE_NH_TYPE));
	EXPECT_FALSE(mw_has(r, MIDWAY_A_ROUTE_PORT_ID));
	free(r);
	r = GET_ROUTER(s, RID(1));
	ASSERT_NE(NULL, r);
	EXPECT_EQ(2, mw_u32(r, MIDWAY_A_ROUTER_N_ROUTES));
	free(r);
	m = route_set(s, 1);
	nla_put_u8(m, MIDWAY_A_ROUTE_NH_TYPE, MIDWAY_NH_PORT);
	mw_put_id(m, MIDWAY_A_ROUTE_PORT_ID, PID(2));
	MW_OK(s, m);
	EXPECT_EQ(0, active(s, TID(1))) TH_LOG("via an interior port without peer");
	/* Source prefix on, then off. */
	m = route_set(s, 1);
	nla_put_u32(m, MIDWAY_A_ROUTE_SRC, mw_ip(172, 16, 0, 0));
	nla_put_u8(m, MIDWAY_A_ROUTE_SRC_LEN, 12);
	mw_put_id(m, MIDWAY_A_ROUTE_PORT_ID, PID(1));
	MW_OK(s, m);
	EXPECT_EQ(1, lookup(s, mw_ip(172, 16, 0, 1), mw_ip(10, 9, 1, 1)));
	EXPECT_EQ(0, lookup(s, mw_ip(8, 8, 8, 8), mw_ip(10, 9, 1, 1)));
	m = route_set(s, 1);
	nla_put_u32(m, MIDWAY_A_ROUTE_SRC, 0);
	nla_put_u8(m, MIDWAY_A_ROUTE_SRC_LEN, 0);
	MW_OK(s, m);
	EXPECT_EQ(1, lookup(s, mw_ip(8, 8, 8, 8), mw_ip(10, 9, 1, 1)));

	/* Same prefix, only the weight: still the one route there. */
	m = route_set(s, 1);
	nla_put_u32(m, MIDWAY_A_ROUTE_WEIGHT, 100);
	MW_OK(s, m);
	EXPECT_EQ(1, lookup(s, 0, mw_ip(10, 9, 1, 1)));

	/* The dump still has it first: it kept its place. */
	EXPECT_EQ(0, mw_dump(s, MIDWAY_CMD_ROUTE_GET, 0, NULL, &l));
	ASSERT_EQ(3, l.n);
	EXPECT_TRUE(IS_ID(l.m[0], MIDWAY_A_ROUTE_ID, TID(1)));
	mw_list_free(&l);
	mw_close(ev);
}

TEST_F(route, set_rejects)
{
	struct mw_sock *s = self->s;
	struct mw_id p1 = PID(1);
	struct nl_msg *m;

	MW_DO(s, base_topology(s));
	MW_DO(s, mw_route_new(s, TID(1), RID(1), mw_ip(10, 1, 0, 0), 16,
			      MIDWAY_NH_PORT, &p1, 0));
	MW_DO(s, mw_route_new(s, TID(2), RID(1), mw_ip(10, 2, 0, 0), 16,
			      MIDWAY_NH_PORT, &p1, 0));
	MW_DO(s, mw_route_new(s, TID(3), RID(1), 0, 0, MIDWAY_NH_BLACKHOLE, NULL, 0));

	mw_reject(s, mw_req(s, MIDWAY_CMD_ROUTE_SET, 0), EINVAL, "no id");
	mw_reject_at(s, route_set(s, 9), ENOENT, MIDWAY_A_ROUTE_ID, "no such route");

	m = route_set(s, 1);
	mw_put_id(m, MIDWAY_A_ROUTE_ROUTER_ID, RID(2));
	mw_reject_at(s, m, EINVAL, MIDWAY_A_ROUTE_ROUTER_ID, "another router");

	m = route_set(s, 1);
	nla_put_u32(m, MIDWAY_A_ROUTE_DST, mw_ip(10, 2, 0, 0));
	mw_reject_at(s, m, EINVAL, MIDWAY_A_ROUTE_DST, "dst without dst-len");

	m = route_set(s, 1);
	nla_put_u32(m, MIDWAY_A_ROUTE_DST, mw_ip(10, 2, 0, 1));
	nla_put_u8(m, MIDWAY_A_ROUTE_DST_LEN, 16);
	mw_reject_at(s, m, EINVAL, MIDWAY_A_ROUTE_DST, "bits beyond the length");

	m = route_set(s, 1);
	nla_put_u32(m, MIDWAY_A_ROUTE_DST, mw_ip(10, 2, 0, 0));
	nla_put_u8(m, MIDWAY_A_ROUTE_DST_LEN, 16);
	mw_reject(s, m, EEXIST, "identical to route 2");

	m = route_set(s, 1);
	mw_put_id(m, MIDWAY_A_ROUTE_PORT_ID, PID(3));
	mw_reject_at(s, m, EINVAL, MIDWAY_A_ROUTE_PORT_ID, "port of another router");

	m = route_set(s, 1);
	mw_put_id(m, MIDWAY_A_ROUTE_PORT_ID, PID(9));
	mw_reject_at(s, m, ENOENT, MIDWAY_A_ROUTE_PORT_ID, "no such port");

	m = route_set(s, 1);
	nla_put_u32(m, MIDWAY_A_ROUTE_GATEWAY, mw_ip(224, 0, 0, 1));
	mw_reject_at(s, m, EINVAL, MIDWAY_A_ROUTE_GATEWAY, "multicast gateway");

	m = route_set(s, 1);
	nla_put_u8(m, MIDWAY_A_ROUTE_NH_TYPE, MIDWAY_NH_REJECT);
	mw_put_id(m, MIDWAY_A_ROUTE_PORT_ID, PID(1));
	mw_reject_at(s, m, EINVAL, MIDWAY_A_ROUTE_PORT_ID, "a reject route names a port");

	m = route_set(s, 3);
	nla_put_u8(m, MIDWAY_A_ROUTE_NH_TYPE, MIDWAY_NH_PORT);
	mw_reject(s, m, EINVAL, "via a port, which one?");

	m = route_set(s, 1);
	nla_put_u32(m, MIDWAY_A_ROUTE_WEIGHT, 0);
	mw_reject_at(s, m, ERANGE, MIDWAY_A_ROUTE_WEIGHT, "weight 0");

	m = route_set(s, 1);
	nla_put_u8(m, MIDWAY_A_ROUTE_ACTIVE, 1);
	mw_reject_at(s, m, EINVAL, MIDWAY_A_ROUTE_ACTIVE, "read-only");
}

/* NEW with NLM_F_REPLACE: as a fresh NEW would make it, in place. */
TEST_F(route, new_replace)
{
	struct mw_sock *s = self->s, *ev = mw_open();
	struct mw_id p1 = PID(1);
	struct mw_list l;
	struct nl_msg *m;
	struct mw_msg *r;

	ASSERT_NE(NULL, ev);
	MW_DO(s, base_topology(s));
	m = mw_msg_route_new(s, TID(1), RID(1), mw_ip(10, 1, 0, 0), 16, MIDWAY_NH_PORT);
	mw_put_id(m, MIDWAY_A_ROUTE_PORT_ID, p1);
	nla_put_u32(m, MIDWAY_A_ROUTE_WEIGHT, 7);
	nla_put_u32(m, MIDWAY_A_ROUTE_GATEWAY, mw_ip(10, 1, 0, 254));
	MW_OK(s, m);
	MW_DO(s, mw_route_new(s, TID(2), RID(1), mw_ip(10, 2, 0, 0), 16,
			      MIDWAY_NH_BLACKHOLE, NULL, 0));

	/* Without the flag: -EEXIST, as always. */
	m = mw_msg_route_new(s, TID(1), RID(1), mw_ip(10, 1, 0, 0), 24, MIDWAY_NH_REJECT);
	mw_reject_at(s, m, EEXIST, MIDWAY_A_ROUTE_ID, "NEW without NLM_F_REPLACE");

	/* A replace that fails changes nothing. */
	m = mw_msg_route_new(s, TID(1), RID(2), mw_ip(10, 1, 0, 0), 16, MIDWAY_NH_REJECT);
	nlmsg_hdr(m)->nlmsg_flags |= NLM_F_REPLACE;
	mw_reject_at(s, m, EINVAL, MIDWAY_A_ROUTE_ROUTER_ID, "replace on another router");
	m = mw_msg_route_new(s, TID(1), RID(1), mw_ip(10, 2, 0, 0), 16, MIDWAY_NH_BLACKHOLE);
	nlmsg_hdr(m)->nlmsg_flags |= NLM_F_REPLACE;
	mw_reject(s, m, EEXIST, "replace identical to route 2");

	ASSERT_EQ(0, mw_subscribe(ev));
	m = mw_msg_route_new(s, TID(1), RID(1), mw_ip(10, 1, 0, 0), 24, MIDWAY_NH_REJECT);
	nlmsg_hdr(m)->nlmsg_flags |= NLM_F_REPLACE;
	MW_OK(s, m);
	r = GET_ROUTE(s, TID(1));
	ASSERT_NE(NULL, r);
	EXPECT_EQ(24, mw_u8(r, MIDWAY_A_ROUTE_DST_LEN));
	EXPECT_EQ(MIDWAY_NH_REJECT, mw_u8(r, MIDWAY_A_ROUTE_NH_TYPE));
	EXPECT_EQ(100, mw_u32(r, MIDWAY_A_ROUTE_WEIGHT)) TH_LOG("absent: the default weight");
	EXPECT_FALSE(mw_has(r, MIDWAY_A_ROUTE_GATEWAY));
	EXPECT_FALSE(mw_has(r, MIDWAY_A_ROUTE_PORT_ID));
	free(r);
	r = GET_PORT(s, PID(1));
	ASSERT_NE(NULL, r);
	free(r);
	EXPECT_EQ(1, lookup(s, 0, mw_ip(10, 1, 0, 1)));
	EXPECT_EQ(0, lookup(s, 0, mw_ip(10, 1, 1, 1))) TH_LOG("the /16 went with the old route");

	mw_events(ev, &l, 150);
	EXPECT_EQ(1, l.n) TH_LOG("one event for a replace");
	if (l.n >= 1) {
		EXPECT_EQ(MIDWAY_CMD_ROUTE_NEW, l.m[0]->cmd);
		EXPECT_TRUE(IS_ID(l.m[0], MIDWAY_A_ROUTE_ID, TID(1)));
	}
	mw_list_free(&l);

	/* With the flag on a new id: a plain create. */
	m = mw_msg_route_new(s, TID(5), RID(1), mw_ip(10, 5, 0, 0), 16, MIDWAY_NH_BLACKHOLE);
	nlmsg_hdr(m)->nlmsg_flags |= NLM_F_REPLACE;
	MW_OK(s, m);
	EXPECT_EQ(1, active(s, TID(5)));
	mw_close(ev);
}

/*
 * Route requests take the instance lock alone: they go on while another
 * task holds RTNL for seconds. One rtnetlink request that keeps RTNL that
 * long: deleting a group of many devices (RTM_DELLINK with IFLA_GROUP
 * unregisters them all in one locked section). Meanwhile a probe repeats
 * HOST_SET, which takes RTNL: its slowest one shows how long RTNL was held.
 */
TEST_F_TIMEOUT(route, no_wait_for_rtnl, 600)
{
	const char *env = getenv("MW_RTNL_DEVS");
	int ndev = 3000, i, done = 0, res[2], stop[2];
	double t0, t, worst = 0, rtnl_ms = 0;
	struct mw_sock *s = self->s;
	struct mw_id p1 = PID(1);
	pid_t holder, probe;
	struct utsname u;
	FILE *f;

	/* The debug kernel unregisters 1000 pairs in 80 s: fewer will do. */
	if (!uname(&u) && strstr(u.release, "debug"))
		ndev = 300;
	if (env)
		ndev = atoi(env);
	MW_DO(s, base_topology(s));
	mw_sh("modprobe veth 2>/dev/null");
	f = fopen("/tmp/mw_rtnl.batch", "w");
	ASSERT_NE(NULL, f);
	for (i = 0; i < ndev; i++)
		fprintf(f, "link add mwr%d group 77 type veth peer name mwq%d\n", i, i);
	fclose(f);
	t0 = mw_now();
	ASSERT_EQ(0, mw_sh("ip -batch /tmp/mw_rtnl.batch"));
	TH_LOG("%d veth pairs made in %.1f s", ndev, mw_now() - t0);

	/* The probe: HOST_SET after HOST_SET until told to stop; its slowest. */
	ASSERT_EQ(0, pipe(res));
	ASSERT_EQ(0, pipe(stop));
	probe = fork();
	ASSERT_LE(0, probe);
	if (!probe) {
		struct mw_sock *p = mw_open();
		struct pollfd pf = { .fd = stop[0], .events = POLLIN };
		double start, slowest = 0;
		struct nl_msg *m;

		close(stop[1]);
		if (!p)
			_exit(1);
		while (poll(&pf, 1, 0) == 0) {
			m = MSG_HOST(p, MIDWAY_CMD_HOST_SET, HID(1));
			nla_put_string(m, MIDWAY_A_HOST_NAME, "probe");
			start = mw_now();
			if (mw_exec(p, m, NULL))
				_exit(1);
			start = (mw_now() - start) * 1000;
			if (start > slowest)
				slowest = start;
		}
		if (write(res[1], &slowest, sizeof(slowest)) != sizeof(slowest))
			_exit(1);
		_exit(0);
	}
	close(stop[0]);
	close(res[1]);

	holder = fork();
	ASSERT_LE(0, holder);
	if (!holder)
		_exit(mw_sh("ip link del group 77"));

	/* Routes added and deleted until the devices are gone. */
	while (waitpid(holder, NULL, WNOHANG) == 0) {
		t = mw_now();
		MW_DO(s, mw_route_new(s, TID(10), RID(1), mw_ip(10, 1, 0, 0), 16,
				      MIDWAY_NH_PORT, &p1, 0));
		MW_DO(s, mw_del(s, MIDWAY_CMD_ROUTE_DEL, MIDWAY_A_ROUTE_ID, TID(10), 0));
		t = mw_now() - t;
		if (t > worst)
			worst = t;
		done++;
	}
	close(stop[1]);
	ASSERT_EQ(sizeof(rtnl_ms), read(res[0], &rtnl_ms, sizeof(rtnl_ms)));
	close(res[0]);
	waitpid(probe, NULL, 0);
	TH_LOG("RTNL held up to %.0f ms (the slowest HOST_SET); %d route NEW+DEL meanwhile, the slowest %.0f ms",
	       rtnl_ms, done, worst * 1000);
	ASSERT_LT(1000, rtnl_ms)
		TH_LOG("RTNL was not held long enough to tell: raise MW_RTNL_DEVS");
	EXPECT_LT(2, done) TH_LOG("route requests stalled while RTNL was held");
	EXPECT_GT(rtnl_ms / 2, worst * 1000)
		TH_LOG("a route request waited about as long as RTNL was held");
}

MW_TEST_MAIN
