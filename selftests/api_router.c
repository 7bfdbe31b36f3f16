// SPDX-License-Identifier: GPL-2.0
/*
 * Routers through the "midway" generic netlink family: NEW, GET (do and
 * dump), SET, DEL, NLM_F_ECHO, and every way a router request can be
 * refused. Each test runs in its own network namespace.
 */
#include "mw_test.h"

MW_FIXTURE(router);

TEST_F(router, new_get_dump)
{
	struct mw_sock *s = self->s;
	struct mw_list l;
	struct mw_msg *r;
	struct nl_msg *m;
	int i;

	m = MSG_ROUTER(s, MIDWAY_CMD_ROUTER_NEW, RID(1));
	nla_put_string(m, MIDWAY_A_ROUTER_NAME, "edge");
	MW_OK(s, m);
	m = MSG_ROUTER(s, MIDWAY_CMD_ROUTER_NEW, RID(2));
	nla_put_u8(m, MIDWAY_A_ROUTER_ADMIN_UP, 0);
	MW_OK(s, m);

	r = GET_ROUTER(s, RID(1));
	ASSERT_NE(NULL, r) TH_LOG("GET: %s", s->last_emsg);
	EXPECT_EQ(MIDWAY_CMD_ROUTER_GET, r->cmd);
	EXPECT_TRUE(IS_ID(r, MIDWAY_A_ROUTER_ID, RID(1)));
	ASSERT_TRUE(mw_has(r, MIDWAY_A_ROUTER_NAME));
	EXPECT_STREQ("edge", mw_str(r, MIDWAY_A_ROUTER_NAME));
	EXPECT_EQ(1, mw_u8(r, MIDWAY_A_ROUTER_ADMIN_UP)) TH_LOG("default admin state is up");
	EXPECT_EQ(0, mw_u32(r, MIDWAY_A_ROUTER_N_PORTS));
	EXPECT_EQ(0, mw_u32(r, MIDWAY_A_ROUTER_N_ROUTES));
	free(r);

	r = GET_ROUTER(s, RID(2));
	ASSERT_NE(NULL, r);
	EXPECT_FALSE(mw_has(r, MIDWAY_A_ROUTER_NAME)) TH_LOG("no name was given");
	EXPECT_EQ(0, mw_u8(r, MIDWAY_A_ROUTER_ADMIN_UP));
	free(r);

	/* Two routers may share a name: names are labels, not keys. */
	m = MSG_ROUTER(s, MIDWAY_CMD_ROUTER_NEW, RID(3));
	nla_put_string(m, MIDWAY_A_ROUTER_NAME, "edge");
	MW_OK(s, m);

	ASSERT_EQ(0, mw_dump(s, MIDWAY_CMD_ROUTER_GET, 0, NULL, &l));
	ASSERT_EQ(3, l.n);
	for (i = 0; i < 3; i++) {
		/* Creation order, one message per router. */
		EXPECT_EQ(MIDWAY_CMD_ROUTER_GET, l.m[i]->cmd);
		EXPECT_TRUE(l.m[i]->flags & NLM_F_MULTI);
		EXPECT_EQ(T_ROUTER, mw_id_tag(nla_data(l.m[i]->tb[MIDWAY_A_ROUTER_ID])));
		EXPECT_EQ(i + 1, mw_id_num(nla_data(l.m[i]->tb[MIDWAY_A_ROUTER_ID])));
		EXPECT_TRUE(mw_has(l.m[i], MIDWAY_A_ROUTER_ADMIN_UP));
		EXPECT_TRUE(mw_has(l.m[i], MIDWAY_A_ROUTER_N_PORTS));
		EXPECT_TRUE(mw_has(l.m[i], MIDWAY_A_ROUTER_N_ROUTES));
	}
	mw_list_free(&l);
}

TEST_F(router, set_changes_only_what_is_present)
{
	struct mw_sock *s = self->s;
	struct nl_msg *m;
	struct mw_msg *r;

	m = MSG_ROUTER(s, MIDWAY_CMD_ROUTER_NEW, RID(1));
	nla_put_string(m, MIDWAY_A_ROUTER_NAME, "a");
	MW_OK(s, m);

	m = MSG_ROUTER(s, MIDWAY_CMD_ROUTER_SET, RID(1));
	nla_put_u8(m, MIDWAY_A_ROUTER_ADMIN_UP, 0);
	MW_OK(s, m);
	r = GET_ROUTER(s, RID(1));
	ASSERT_NE(NULL, r);
	EXPECT_EQ(0, mw_u8(r, MIDWAY_A_ROUTER_ADMIN_UP));
	ASSERT_TRUE(mw_has(r, MIDWAY_A_ROUTER_NAME));
	EXPECT_STREQ("a", mw_str(r, MIDWAY_A_ROUTER_NAME));
	free(r);

	m = MSG_ROUTER(s, MIDWAY_CMD_ROUTER_SET, RID(1));
	nla_put_string(m, MIDWAY_A_ROUTER_NAME, "renamed");
	MW_OK(s, m);
	r = GET_ROUTER(s, RID(1));
	ASSERT_NE(NULL, r);
	EXPECT_EQ(0, mw_u8(r, MIDWAY_A_ROUTER_ADMIN_UP)) TH_LOG("SET of the name changed the admin state");
	ASSERT_TRUE(mw_has(r, MIDWAY_A_ROUTER_NAME));
	EXPECT_STREQ("renamed", mw_str(r, MIDWAY_A_ROUTER_NAME));
	free(r);

	/* The longest name that fits. */
	m = MSG_ROUTER(s, MIDWAY_CMD_ROUTER_SET, RID(1));
	nla_put_string(m, MIDWAY_A_ROUTER_NAME,
		       "012345678901234567890123456789012345678901234567890123456789012");
	MW_OK(s, m);
	r = GET_ROUTER(s, RID(1));
	ASSERT_NE(NULL, r);
	EXPECT_EQ(MIDWAY_NAME_MAX - 1, strlen(mw_str(r, MIDWAY_A_ROUTER_NAME)));
	free(r);

	m = MSG_ROUTER(s, MIDWAY_CMD_ROUTER_SET, RID(1));
	nla_put_u8(m, MIDWAY_A_ROUTER_ADMIN_UP, 1);
	MW_OK(s, m);
	r = GET_ROUTER(s, RID(1));
	ASSERT_NE(NULL, r);
	EXPECT_EQ(1, mw_u8(r, MIDWAY_A_ROUTER_ADMIN_UP));
	free(r);
}

TEST_F(router, del)
{
	struct mw_sock *s = self->s;
	struct mw_result r;

	MW_DO(s, mw_router_new(s, RID(1), "x"));
	MW_DO(s, mw_router_new(s, RID(2), "y"));
	MW_DO(s, mw_del(s, MIDWAY_CMD_ROUTER_DEL, MIDWAY_A_ROUTER_ID, RID(1), 0));
	EXPECT_EQ(1, mw_count(s, MIDWAY_CMD_ROUTER_GET, 0, NULL));
	EXPECT_EQ(NULL, GET_ROUTER(s, RID(1)));

	/* GET of what is gone: ENOENT, with a message. */
	EXPECT_EQ(-ENOENT, mw_exec(s, MSG_ROUTER(s, MIDWAY_CMD_ROUTER_GET, RID(1)), &r));
	EXPECT_NE(0, r.emsg[0]);
	mw_result_free(&r);

	/* The id can be used again. */
	MW_DO(s, mw_router_new(s, RID(1), "again"));
	EXPECT_EQ(2, mw_count(s, MIDWAY_CMD_ROUTER_GET, 0, NULL));
}

/* NLM_F_ECHO: the requester receives the event of its own change. */
TEST_F(router, echo)
{
	struct mw_sock *s = self->s;
	struct mw_result r;
	struct nl_msg *m;

	m = mw_msg_id(s, MIDWAY_CMD_ROUTER_NEW, NLM_F_ECHO, MIDWAY_A_ROUTER_ID, RID(7));
	nla_put_string(m, MIDWAY_A_ROUTER_NAME, "echoed");
	ASSERT_EQ(0, mw_exec(s, m, &r)) TH_LOG("%s", r.emsg);
	ASSERT_EQ(1, r.nreplies);
	EXPECT_EQ(MIDWAY_CMD_ROUTER_NEW, r.replies[0]->cmd);
	EXPECT_TRUE(IS_ID(r.replies[0], MIDWAY_A_ROUTER_ID, RID(7)));
	EXPECT_STREQ("echoed", mw_str(r.replies[0], MIDWAY_A_ROUTER_NAME));
	EXPECT_EQ(1, mw_u8(r.replies[0], MIDWAY_A_ROUTER_ADMIN_UP));
	EXPECT_TRUE(mw_has(r.replies[0], MIDWAY_A_ROUTER_N_PORTS));
	mw_result_free(&r);

	m = mw_msg_id(s, MIDWAY_CMD_ROUTER_SET, NLM_F_ECHO, MIDWAY_A_ROUTER_ID, RID(7));
	nla_put_u8(m, MIDWAY_A_ROUTER_ADMIN_UP, 0);
	ASSERT_EQ(0, mw_exec(s, m, &r)) TH_LOG("%s", r.emsg);
	ASSERT_EQ(1, r.nreplies);
	EXPECT_EQ(MIDWAY_CMD_ROUTER_SET, r.replies[0]->cmd);
	EXPECT_EQ(0, mw_u8(r.replies[0], MIDWAY_A_ROUTER_ADMIN_UP));
	EXPECT_STREQ("echoed", mw_str(r.replies[0], MIDWAY_A_ROUTER_NAME));
	mw_result_free(&r);

	m = mw_msg_id(s, MIDWAY_CMD_ROUTER_DEL, NLM_F_ECHO, MIDWAY_A_ROUTER_ID, RID(7));
	ASSERT_EQ(0, mw_exec(s, m, &r)) TH_LOG("%s", r.emsg);
	ASSERT_EQ(1, r.nreplies);
	EXPECT_EQ(MIDWAY_CMD_ROUTER_DEL, r.replies[0]->cmd);
	EXPECT_TRUE(IS_ID(r.replies[0], MIDWAY_A_ROUTER_ID, RID(7)));
	EXPECT_STREQ("echoed", mw_str(r.replies[0], MIDWAY_A_ROUTER_NAME));
	mw_result_free(&r);

	/* Without the flag, no reply beyond the ack. */
	m = MSG_ROUTER(s, MIDWAY_CMD_ROUTER_NEW, RID(8));
	ASSERT_EQ(0, mw_exec(s, m, &r));
	EXPECT_EQ(0, r.nreplies);
	mw_result_free(&r);
}

/* N_PORTS and N_ROUTES count what the router holds. */
TEST_F(router, counts)
{
	struct mw_sock *s = self->s;
	struct mw_id port = PID(1);
	struct mw_msg *r;

	MW_DO(s, mw_router_new(s, RID(1), NULL));
	MW_DO(s, mw_port_ext(s, PID(1), RID(1), NULL));
	MW_DO(s, mw_port_int(s, PID(2), RID(1), NULL));
	MW_DO(s, mw_route_new(s, TID(1), RID(1), mw_ip(10, 0, 0, 0), 8,
			      MIDWAY_NH_PORT, &port, 0));
	MW_DO(s, mw_route_new(s, TID(2), RID(1), 0, 0, MIDWAY_NH_BLACKHOLE, NULL, 0));
	MW_DO(s, mw_route_new(s, TID(3), RID(1), mw_ip(192, 168, 0, 0), 16,
			      MIDWAY_NH_REJECT, NULL, 0));

	r = GET_ROUTER(s, RID(1));
	ASSERT_NE(NULL, r);
	EXPECT_EQ(2, mw_u32(r, MIDWAY_A_ROUTER_N_PORTS));
	EXPECT_EQ(3, mw_u32(r, MIDWAY_A_ROUTER_N_ROUTES));
	free(r);

	MW_DO(s, mw_del(s, MIDWAY_CMD_ROUTE_DEL, MIDWAY_A_ROUTE_ID, TID(3), 0));
	MW_DO(s, mw_del(s, MIDWAY_CMD_PORT_DEL, MIDWAY_A_PORT_ID, PID(2), 0));
	r = GET_ROUTER(s, RID(1));
	ASSERT_NE(NULL, r);
	EXPECT_EQ(1, mw_u32(r, MIDWAY_A_ROUTER_N_PORTS));
	EXPECT_EQ(2, mw_u32(r, MIDWAY_A_ROUTER_N_ROUTES));
	free(r);
}

/* A router with ports or routes: EBUSY with a message, then CASCADE. */
TEST_F(router, del_busy_then_cascade)
{
	struct mw_sock *s = self->s;
	struct mw_id p1 = PID(1), p2 = PID(2);
	struct mw_result r;
	struct nl_msg *m;
	struct mw_msg *peer;

	MW_DO(s, mw_router_new(s, RID(1), NULL));
	MW_DO(s, mw_router_new(s, RID(2), NULL));
	MW_DO(s, mw_router_new(s, RID(3), NULL));
	MW_DO(s, mw_port_ext(s, PID(1), RID(1), NULL));
	MW_DO(s, mw_port_int(s, PID(2), RID(1), NULL));
	MW_DO(s, mw_port_int(s, PID(3), RID(2), &p2));	/* peer on router 2 */
	MW_DO(s, mw_route_new(s, TID(1), RID(1), mw_ip(10, 1, 0, 0), 16,
			      MIDWAY_NH_PORT, &p1, mw_ip(10, 1, 0, 1)));
	MW_DO(s, mw_route_new(s, TID(2), RID(2), 0, 0, MIDWAY_NH_BLACKHOLE, NULL, 0));
	MW_DO(s, mw_route_new(s, TID(3), RID(3), 0, 0, MIDWAY_NH_REJECT, NULL, 0));

	mw_reject(s, MSG_ROUTER(s, MIDWAY_CMD_ROUTER_DEL, RID(1)), EBUSY,
		  "delete router with ports and routes");
	mw_reject(s, MSG_ROUTER(s, MIDWAY_CMD_ROUTER_DEL, RID(3)), EBUSY,
		  "delete router with a route");

	/* Only ports, no routes: still referenced. */
	MW_DO(s, mw_del(s, MIDWAY_CMD_ROUTE_DEL, MIDWAY_A_ROUTE_ID, TID(1), 0));
	mw_reject(s, MSG_ROUTER(s, MIDWAY_CMD_ROUTER_DEL, RID(1)), EBUSY,
		  "delete router with ports");
	MW_DO(s, mw_route_new(s, TID(1), RID(1), mw_ip(10, 1, 0, 0), 16,
			      MIDWAY_NH_PORT, &p1, mw_ip(10, 1, 0, 1)));

	m = MSG_ROUTER(s, MIDWAY_CMD_ROUTER_DEL, RID(1));
	nla_put_flag(m, MIDWAY_A_ROUTER_CASCADE);
	ASSERT_EQ(0, mw_exec(s, m, &r)) TH_LOG("cascade: %s", r.emsg);
	mw_result_free(&r);

	EXPECT_EQ(NULL, GET_ROUTER(s, RID(1)));
	EXPECT_EQ(2, mw_count(s, MIDWAY_CMD_ROUTER_GET, 0, NULL));
	EXPECT_EQ(1, mw_count(s, MIDWAY_CMD_PORT_GET, 0, NULL)) TH_LOG("ports of the router are gone");
	EXPECT_EQ(2, mw_count(s, MIDWAY_CMD_ROUTE_GET, 0, NULL)) TH_LOG("routes of the router are gone");
	EXPECT_EQ(NULL, GET_PORT(s, PID(1)));
	EXPECT_EQ(NULL, GET_PORT(s, PID(2)));
	EXPECT_EQ(NULL, GET_ROUTE(s, TID(1)));

	/* The peer on router 2 survives, unpeered and down. */
	peer = GET_PORT(s, PID(3));
	ASSERT_NE(NULL, peer);
	EXPECT_FALSE(mw_has(peer, MIDWAY_A_PORT_PEER_ID)) TH_LOG("peer still names a deleted port");
	EXPECT_EQ(0, mw_u8(peer, MIDWAY_A_PORT_OPER_UP));
	free(peer);
	peer = GET_ROUTER(s, RID(2));
	ASSERT_NE(NULL, peer);
	EXPECT_EQ(1, mw_u32(peer, MIDWAY_A_ROUTER_N_PORTS));
	free(peer);

	/* Cascade on an unreferenced router is a plain delete. */
	m = MSG_ROUTER(s, MIDWAY_CMD_ROUTER_DEL, RID(3));
	nla_put_flag(m, MIDWAY_A_ROUTER_CASCADE);
	MW_OK(s, m);
	EXPECT_EQ(1, mw_count(s, MIDWAY_CMD_ROUTER_GET, 0, NULL));
	EXPECT_EQ(1, mw_count(s, MIDWAY_CMD_ROUTE_GET, 0, NULL));
}

TEST_F(router, reject_missing_id)
{
	static const uint8_t cmds[] = { MIDWAY_CMD_ROUTER_NEW, MIDWAY_CMD_ROUTER_SET,
					MIDWAY_CMD_ROUTER_DEL, MIDWAY_CMD_ROUTER_GET };
	struct mw_sock *s = self->s;
	struct mw_result r;
	struct nl_msg *m;
	unsigned int i;
	char what[64];

	MW_DO(s, mw_router_new(s, RID(1), "there"));
	for (i = 0; i < MW_ARRAY_SIZE(cmds); i++) {
		m = mw_req(s, cmds[i], 0);
		nla_put_string(m, MIDWAY_A_ROUTER_NAME, "there");
		snprintf(what, sizeof(what), "router cmd %u without ID", cmds[i]);
		__mw_reject(_metadata, s, m, EINVAL, 0, what, &r);
		EXPECT_TRUE(r.has_miss && r.miss_type == MIDWAY_A_ROUTER_ID)
			TH_LOG("%s: the missing attribute is not named", what);
		mw_result_free(&r);
	}
}

/*
 * The ICMP error rate limit: defaults on NEW, set on NEW and SET, refused
 * out of range at the attribute, and a SET without it keeps it.
 */
TEST_F(router, icmp_limit)
{
	struct mw_sock *s = self->s;
	struct nl_msg *m;
	struct mw_msg *r;

	MW_DO(s, mw_router_new(s, RID(1), "a"));
	r = GET_ROUTER(s, RID(1));
	ASSERT_NE(NULL, r);
	EXPECT_EQ(MIDWAY_ICMP_RATE_DEFAULT, mw_u32(r, MIDWAY_A_ROUTER_ICMP_RATE));
	EXPECT_EQ(MIDWAY_ICMP_BURST_DEFAULT, mw_u32(r, MIDWAY_A_ROUTER_ICMP_BURST));
	free(r);

	m = MSG_ROUTER(s, MIDWAY_CMD_ROUTER_NEW, RID(2));
	nla_put_u32(m, MIDWAY_A_ROUTER_ICMP_RATE, 0);
	nla_put_u32(m, MIDWAY_A_ROUTER_ICMP_BURST, 1);
	MW_OK(s, m);
	r = GET_ROUTER(s, RID(2));
	ASSERT_NE(NULL, r);
	EXPECT_EQ(0, mw_u32(r, MIDWAY_A_ROUTER_ICMP_RATE)) TH_LOG("0: no limit");
	EXPECT_EQ(1, mw_u32(r, MIDWAY_A_ROUTER_ICMP_BURST));
	free(r);

	m = MSG_ROUTER(s, MIDWAY_CMD_ROUTER_SET, RID(1));
	nla_put_u32(m, MIDWAY_A_ROUTER_ICMP_RATE, MIDWAY_ICMP_RATE_MAX);
	MW_OK(s, m);
	m = MSG_ROUTER(s, MIDWAY_CMD_ROUTER_SET, RID(1));
	nla_put_u32(m, MIDWAY_A_ROUTER_ICMP_BURST, MIDWAY_ICMP_BURST_MAX);
	MW_OK(s, m);
	r = GET_ROUTER(s, RID(1));
	ASSERT_NE(NULL, r);
	EXPECT_EQ(MIDWAY_ICMP_RATE_MAX, mw_u32(r, MIDWAY_A_ROUTER_ICMP_RATE))
		TH_LOG("a SET of the burst alone keeps the rate");
	EXPECT_EQ(MIDWAY_ICMP_BURST_MAX, mw_u32(r, MIDWAY_A_ROUTER_ICMP_BURST));
	free(r);

	m = MSG_ROUTER(s, MIDWAY_CMD_ROUTER_SET, RID(1));
	nla_put_u32(m, MIDWAY_A_ROUTER_ICMP_RATE, MIDWAY_ICMP_RATE_MAX + 1);
	mw_reject_at(s, m, ERANGE, MIDWAY_A_ROUTER_ICMP_RATE, "icmp-rate too large");
	m = MSG_ROUTER(s, MIDWAY_CMD_ROUTER_SET, RID(1));
	nla_put_u32(m, MIDWAY_A_ROUTER_ICMP_BURST, 0);
	mw_reject_at(s, m, ERANGE, MIDWAY_A_ROUTER_ICMP_BURST, "icmp-burst 0");
	m = MSG_ROUTER(s, MIDWAY_CMD_ROUTER_NEW, RID(3));
	nla_put_u32(m, MIDWAY_A_ROUTER_ICMP_BURST, MIDWAY_ICMP_BURST_MAX + 1);
	mw_reject_at(s, m, ERANGE, MIDWAY_A_ROUTER_ICMP_BURST, "icmp-burst too large");
}

/*
 * Lengths and ranges are checked by the family's policies: the netlink core
 * answers -ERANGE for a value, or a binary attribute's size, out of its
 * range, and -EINVAL for a malformed attribute.
 */
TEST_F(router, reject_bad_attrs)
{
	struct mw_sock *s = self->s;
	uint8_t id15[15] = { 1 }, id17[17] = { 1 };
	char longname[MIDWAY_NAME_MAX + 1];
	struct mw_result r;
	struct nl_msg *m;

	MW_DO(s, mw_router_new(s, RID(1), "r1"));

	m = mw_req(s, MIDWAY_CMD_ROUTER_NEW, 0);
	nla_put(m, MIDWAY_A_ROUTER_ID, sizeof(id15), id15);
	__mw_reject(_metadata, s, m, ERANGE, MIDWAY_A_ROUTER_ID, "router id of 15 bytes", &r);
	EXPECT_TRUE(r.has_offs) TH_LOG("no offset of the bad attribute");
	mw_result_free(&r);

	m = mw_req(s, MIDWAY_CMD_ROUTER_NEW, 0);
	nla_put(m, MIDWAY_A_ROUTER_ID, sizeof(id17), id17);
	mw_reject_at(s, m, ERANGE, MIDWAY_A_ROUTER_ID, "router id of 17 bytes");

	m = mw_req(s, MIDWAY_CMD_ROUTER_GET, 0);
	nla_put(m, MIDWAY_A_ROUTER_ID, sizeof(id15), id15);
	mw_reject_at(s, m, ERANGE, MIDWAY_A_ROUTER_ID, "router GET with an id of 15 bytes");

	m = MSG_ROUTER(s, MIDWAY_CMD_ROUTER_NEW, RID(2));
	nla_put_u8(m, MIDWAY_A_ROUTER_ADMIN_UP, 2);
	mw_reject_at(s, m, ERANGE, MIDWAY_A_ROUTER_ADMIN_UP, "router NEW admin_up 2");

	m = MSG_ROUTER(s, MIDWAY_CMD_ROUTER_SET, RID(1));
	nla_put_u8(m, MIDWAY_A_ROUTER_ADMIN_UP, 2);
	mw_reject_at(s, m, ERANGE, MIDWAY_A_ROUTER_ADMIN_UP, "router SET admin_up 2");

	m = MSG_ROUTER(s, MIDWAY_CMD_ROUTER_NEW, RID(2));
	nla_put_u32(m, MIDWAY_A_ROUTER_ADMIN_UP, 1);
	mw_reject_at(s, m, EINVAL, MIDWAY_A_ROUTER_ADMIN_UP, "router admin_up as u32");

	memset(longname, 'n', sizeof(longname));
	longname[MIDWAY_NAME_MAX] = 0;	/* 64 characters: one too many */
	m = MSG_ROUTER(s, MIDWAY_CMD_ROUTER_NEW, RID(2));
	nla_put_string(m, MIDWAY_A_ROUTER_NAME, longname);
	mw_reject_at(s, m, EINVAL, MIDWAY_A_ROUTER_NAME, "router name of 64 characters");

	m = MSG_ROUTER(s, MIDWAY_CMD_ROUTER_SET, RID(1));
	nla_put_string(m, MIDWAY_A_ROUTER_NAME, longname);
	mw_reject_at(s, m, EINVAL, MIDWAY_A_ROUTER_NAME, "router SET name of 64 characters");

	m = MSG_ROUTER(s, MIDWAY_CMD_ROUTER_NEW, RID(2));
	nla_put(m, MIDWAY_A_ROUTER_NAME, 3, "abc");
	mw_reject_at(s, m, EINVAL, MIDWAY_A_ROUTER_NAME, "router name without NUL");

	/* Read-only attributes. */
	m = MSG_ROUTER(s, MIDWAY_CMD_ROUTER_NEW, RID(2));
	nla_put_u32(m, MIDWAY_A_ROUTER_N_PORTS, 0);
	mw_reject_at(s, m, EINVAL, MIDWAY_A_ROUTER_N_PORTS, "router NEW with N_PORTS");

	m = MSG_ROUTER(s, MIDWAY_CMD_ROUTER_NEW, RID(2));
	nla_put_u32(m, MIDWAY_A_ROUTER_N_ROUTES, 0);
	mw_reject_at(s, m, EINVAL, MIDWAY_A_ROUTER_N_ROUTES, "router NEW with N_ROUTES");

	m = MSG_ROUTER(s, MIDWAY_CMD_ROUTER_SET, RID(1));
	nla_put_u32(m, MIDWAY_A_ROUTER_N_PORTS, 5);
	mw_reject_at(s, m, EINVAL, MIDWAY_A_ROUTER_N_PORTS, "router SET with N_PORTS");

	m = MSG_ROUTER(s, MIDWAY_CMD_ROUTER_SET, RID(1));
	nla_put_u32(m, MIDWAY_A_ROUTER_N_ROUTES, 5);
	mw_reject_at(s, m, EINVAL, MIDWAY_A_ROUTER_N_ROUTES, "router SET with N_ROUTES");

	/* An attribute type beyond the set: strict validation. */
	m = MSG_ROUTER(s, MIDWAY_CMD_ROUTER_NEW, RID(2));
	nla_put_u32(m, MIDWAY_A_ROUTER_MAX + 1, 0);
	mw_reject_at(s, m, EINVAL, MIDWAY_A_ROUTER_MAX + 1, "router NEW with an unknown attribute");
}

TEST_F(router, reject_exists_and_noent)
{
	struct mw_sock *s = self->s;
	struct nl_msg *m;

	MW_DO(s, mw_router_new(s, RID(1), "one"));

	m = MSG_ROUTER(s, MIDWAY_CMD_ROUTER_NEW, RID(1));
	nla_put_string(m, MIDWAY_A_ROUTER_NAME, "other");
	mw_reject_at(s, m, EEXIST, MIDWAY_A_ROUTER_ID, "router NEW with an existing id");

	m = MSG_ROUTER(s, MIDWAY_CMD_ROUTER_SET, RID(9));
	nla_put_string(m, MIDWAY_A_ROUTER_NAME, "nobody");
	mw_reject_at(s, m, ENOENT, MIDWAY_A_ROUTER_ID, "router SET of a missing router");

	mw_reject_at(s, MSG_ROUTER(s, MIDWAY_CMD_ROUTER_DEL, RID(9)), ENOENT,
		  MIDWAY_A_ROUTER_ID, "router DEL of a missing router");
	mw_reject_at(s, MSG_ROUTER(s, MIDWAY_CMD_ROUTER_GET, RID(9)), ENOENT,
		  MIDWAY_A_ROUTER_ID, "router GET of a missing router");

	/* Ids of other object types are not routers. */
	MW_DO(s, mw_port_ext(s, PID(1), RID(1), NULL));
	mw_reject_at(s, MSG_ROUTER(s, MIDWAY_CMD_ROUTER_GET, PID(1)), ENOENT,
		  MIDWAY_A_ROUTER_ID, "router GET with a port's id");
}

/* ROUTER_NEW with NLM_F_REPLACE: a fresh NEW's router, in place. */
TEST_F(router, new_replace)
{
	struct mw_sock *s = self->s;
	struct nl_msg *m;
	struct mw_msg *r;

	m = MSG_ROUTER(s, MIDWAY_CMD_ROUTER_NEW, RID(1));
	nla_put_string(m, MIDWAY_A_ROUTER_NAME, "one");
	nla_put_u8(m, MIDWAY_A_ROUTER_ADMIN_UP, 0);
	nla_put_u32(m, MIDWAY_A_ROUTER_ICMP_RATE, 5);
	MW_OK(s, m);
	MW_DO(s, mw_port_int(s, PID(1), RID(1), NULL));

	m = MSG_ROUTER(s, MIDWAY_CMD_ROUTER_NEW, RID(1));
	mw_reject_at(s, m, EEXIST, MIDWAY_A_ROUTER_ID, "NEW without NLM_F_REPLACE");

	m = MSG_ROUTER(s, MIDWAY_CMD_ROUTER_NEW, RID(1));
	nla_put_string(m, MIDWAY_A_ROUTER_NAME, "two");
	nlmsg_hdr(m)->nlmsg_flags |= NLM_F_REPLACE;
	MW_OK(s, m);
	r = GET_ROUTER(s, RID(1));
	ASSERT_NE(NULL, r);
	EXPECT_STREQ("two", mw_str(r, MIDWAY_A_ROUTER_NAME) ?: "(none)");
	EXPECT_EQ(1, mw_u8(r, MIDWAY_A_ROUTER_ADMIN_UP)) TH_LOG("absent: default");
	EXPECT_EQ(MIDWAY_ICMP_RATE_DEFAULT, mw_u32(r, MIDWAY_A_ROUTER_ICMP_RATE));
	EXPECT_EQ(1, mw_u32(r, MIDWAY_A_ROUTER_N_PORTS)) TH_LOG("its ports stay");
	free(r);

	m = MSG_ROUTER(s, MIDWAY_CMD_ROUTER_NEW, RID(1));
	nlmsg_hdr(m)->nlmsg_flags |= NLM_F_REPLACE;
	MW_OK(s, m);
	r = GET_ROUTER(s, RID(1));
	ASSERT_NE(NULL, r);
	EXPECT_FALSE(mw_has(r, MIDWAY_A_ROUTER_NAME)) TH_LOG("absent name: none");
	free(r);
	EXPECT_EQ(1, mw_count(s, MIDWAY_CMD_ROUTER_GET, 0, NULL));
}

MW_TEST_MAIN
