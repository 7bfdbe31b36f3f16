// SPDX-License-Identifier: GPL-2.0
/*
 * Hosts through the "midway" generic netlink family: NEW, GET, dump, SET,
 * DEL, the single local host, DEL of a host that ports live on (EBUSY, then
 * CASCADE), NLM_F_ECHO, and every way a host request can be refused.
 */
#include "mw_test.h"

MW_FIXTURE(host);

static struct nl_msg *host_new(struct mw_sock *s, struct mw_id id, uint32_t addr)
{
	struct nl_msg *m = MSG_HOST(s, MIDWAY_CMD_HOST_NEW, id);

	nla_put_u32(m, MIDWAY_A_HOST_ADDR, addr);
	return m;
}

static int is_local(struct mw_sock *s, struct mw_id id)
{
	struct mw_msg *h = GET_HOST(s, id);
	int l = h ? mw_u8(h, MIDWAY_A_HOST_LOCAL) : -1;

	free(h);
	return l;
}

TEST_F(host, new_get_dump_set_del)
{
	struct mw_sock *s = self->s;
	struct mw_list l;
	struct nl_msg *m;
	struct mw_msg *h;
	int i;

	m = host_new(s, HID(1), mw_ip(192, 0, 2, 1));
	nla_put_string(m, MIDWAY_A_HOST_NAME, "hv1");
	nla_put_u8(m, MIDWAY_A_HOST_LOCAL, 1);
	MW_OK(s, m);
	MW_OK(s, host_new(s, HID(2), mw_ip(192, 0, 2, 2)));

	h = GET_HOST(s, HID(1));
	ASSERT_NE(NULL, h) TH_LOG("%s", s->last_emsg);
	EXPECT_EQ(MIDWAY_CMD_HOST_GET, h->cmd);
	EXPECT_TRUE(IS_ID(h, MIDWAY_A_HOST_ID, HID(1)));
	EXPECT_STREQ("hv1", mw_str(h, MIDWAY_A_HOST_NAME) ?: "(none)");
	EXPECT_EQ(mw_ip(192, 0, 2, 1), mw_u32(h, MIDWAY_A_HOST_ADDR));
	EXPECT_EQ(1, mw_u8(h, MIDWAY_A_HOST_LOCAL));
	free(h);
	h = GET_HOST(s, HID(2));
	ASSERT_NE(NULL, h);
	EXPECT_FALSE(mw_has(h, MIDWAY_A_HOST_NAME));
	EXPECT_EQ(0, mw_u8(h, MIDWAY_A_HOST_LOCAL)) TH_LOG("a host is remote by default");
	free(h);

	ASSERT_EQ(0, mw_dump(s, MIDWAY_CMD_HOST_GET, 0, NULL, &l));
	ASSERT_EQ(2, l.n);
	for (i = 0; i < l.n; i++) {
		EXPECT_EQ(MIDWAY_CMD_HOST_GET, l.m[i]->cmd);
		EXPECT_TRUE(IS_ID(l.m[i], MIDWAY_A_HOST_ID, HID(i + 1)));
		EXPECT_EQ(mw_ip(192, 0, 2, i + 1), mw_u32(l.m[i], MIDWAY_A_HOST_ADDR));
	}
	mw_list_free(&l);

	/* SET changes only what is present. */
	m = MSG_HOST(s, MIDWAY_CMD_HOST_SET, HID(2));
	nla_put_u32(m, MIDWAY_A_HOST_ADDR, mw_ip(198, 51, 100, 7));
	MW_OK(s, m);
	m = MSG_HOST(s, MIDWAY_CMD_HOST_SET, HID(2));
	nla_put_string(m, MIDWAY_A_HOST_NAME, "hv2");
	MW_OK(s, m);
	h = GET_HOST(s, HID(2));
	ASSERT_NE(NULL, h);
	EXPECT_EQ(mw_ip(198, 51, 100, 7), mw_u32(h, MIDWAY_A_HOST_ADDR));
	EXPECT_STREQ("hv2", mw_str(h, MIDWAY_A_HOST_NAME) ?: "(none)");
	EXPECT_EQ(0, mw_u8(h, MIDWAY_A_HOST_LOCAL));
	free(h);

	MW_DO(s, mw_del(s, MIDWAY_CMD_HOST_DEL, MIDWAY_A_HOST_ID, HID(1), 0));
	EXPECT_EQ(NULL, GET_HOST(s, HID(1)));
	EXPECT_EQ(1, mw_count(s, MIDWAY_CMD_HOST_GET, 0, NULL));
	/* The local host is gone: another may be local now. */
	m = MSG_HOST(s, MIDWAY_CMD_HOST_SET, HID(2));
	nla_put_u8(m, MIDWAY_A_HOST_LOCAL, 1);
	MW_OK(s, m);
	EXPECT_EQ(1, is_local(s, HID(2)));
}

/* At most one host is the local one. */
TEST_F(host, one_local_host)
{
	struct mw_sock *s = self->s;
	struct nl_msg *m;

	m = host_new(s, HID(1), mw_ip(192, 0, 2, 1));
	nla_put_u8(m, MIDWAY_A_HOST_LOCAL, 1);
	MW_OK(s, m);
	MW_OK(s, host_new(s, HID(2), mw_ip(192, 0, 2, 2)));

	m = host_new(s, HID(3), mw_ip(192, 0, 2, 3));
	nla_put_u8(m, MIDWAY_A_HOST_LOCAL, 1);
	mw_reject_at(s, m, EBUSY, MIDWAY_A_HOST_LOCAL, "second local host (NEW)");
	m = MSG_HOST(s, MIDWAY_CMD_HOST_SET, HID(2));
	nla_put_u8(m, MIDWAY_A_HOST_LOCAL, 1);
	mw_reject_at(s, m, EBUSY, MIDWAY_A_HOST_LOCAL, "second local host (SET)");
	m = MSG_HOST(s, MIDWAY_CMD_HOST_SET, HID(2));
	nla_put_string(m, MIDWAY_A_HOST_NAME, "must-not-stick");
	nla_put_u8(m, MIDWAY_A_HOST_LOCAL, 1);
	mw_reject_at(s, m, EBUSY, MIDWAY_A_HOST_LOCAL, "second local host with a rename");

	/* Restating it on the local host itself is fine. */
	m = MSG_HOST(s, MIDWAY_CMD_HOST_SET, HID(1));
	nla_put_u8(m, MIDWAY_A_HOST_LOCAL, 1);
	MW_OK(s, m);
	/* A remote host may be created while one is local. */
	m = host_new(s, HID(3), mw_ip(192, 0, 2, 3));
	nla_put_u8(m, MIDWAY_A_HOST_LOCAL, 0);
	MW_OK(s, m);

	/* Hand the role over. */
	m = MSG_HOST(s, MIDWAY_CMD_HOST_SET, HID(1));
	nla_put_u8(m, MIDWAY_A_HOST_LOCAL, 0);
	MW_OK(s, m);
	m = MSG_HOST(s, MIDWAY_CMD_HOST_SET, HID(2));
	nla_put_u8(m, MIDWAY_A_HOST_LOCAL, 1);
	MW_OK(s, m);
	EXPECT_EQ(0, is_local(s, HID(1)));
	EXPECT_EQ(1, is_local(s, HID(2)));
	EXPECT_EQ(0, is_local(s, HID(3)));
	m = MSG_HOST(s, MIDWAY_CMD_HOST_SET, HID(1));
	nla_put_u8(m, MIDWAY_A_HOST_LOCAL, 1);
	mw_reject_at(s, m, EBUSY, MIDWAY_A_HOST_LOCAL, "the old local host back while another is local");
}

TEST_F(host, del_busy_then_cascade)
{
	struct mw_sock *s = self->s;
	struct mw_id h1 = HID(1), h2 = HID(2), p1 = PID(1), p3 = PID(3);
	struct nl_msg *m;
	struct mw_msg *o;

	MW_OK(s, host_new(s, HID(1), mw_ip(192, 0, 2, 1)));
	MW_OK(s, host_new(s, HID(2), mw_ip(192, 0, 2, 2)));
	MW_DO(s, mw_router_new(s, RID(1), NULL));
	MW_DO(s, mw_port_ext(s, PID(1), RID(1), &h1));
	MW_DO(s, mw_port_ext(s, PID(2), RID(1), &h1));
	MW_DO(s, mw_port_ext(s, PID(3), RID(1), &h2));
	MW_DO(s, mw_port_int(s, PID(4), RID(1), NULL));
	MW_DO(s, mw_route_new(s, TID(1), RID(1), mw_ip(10, 1, 0, 0), 16,
			      MIDWAY_NH_PORT, &p1, 0));
	MW_DO(s, mw_route_new(s, TID(2), RID(1), mw_ip(10, 3, 0, 0), 16,
			      MIDWAY_NH_PORT, &p3, 0));

	mw_reject(s, MSG_HOST(s, MIDWAY_CMD_HOST_DEL, HID(1)), EBUSY,
		  "delete a host ports live on");
	mw_reject_at(s, MSG_HOST(s, MIDWAY_CMD_HOST_DEL, HID(9)), ENOENT,
		  MIDWAY_A_HOST_ID, "delete a missing host");

	m = MSG_HOST(s, MIDWAY_CMD_HOST_DEL, HID(1));
	nla_put_flag(m, MIDWAY_A_HOST_CASCADE);
	MW_OK(s, m);
	EXPECT_EQ(NULL, GET_HOST(s, HID(1)));
	EXPECT_EQ(NULL, GET_PORT(s, PID(1))) TH_LOG("exterior port on the host survived");
	EXPECT_EQ(NULL, GET_PORT(s, PID(2))) TH_LOG("exterior port on the host survived");
	EXPECT_EQ(NULL, GET_ROUTE(s, TID(1))) TH_LOG("route via a deleted port survived");
	EXPECT_NE(NULL, GET_PORT(s, PID(3)));
	EXPECT_NE(NULL, GET_PORT(s, PID(4)));
	EXPECT_NE(NULL, GET_ROUTE(s, TID(2)));
	o = GET_ROUTER(s, RID(1));
	ASSERT_NE(NULL, o);
	EXPECT_EQ(2, mw_u32(o, MIDWAY_A_ROUTER_N_PORTS));
	EXPECT_EQ(1, mw_u32(o, MIDWAY_A_ROUTER_N_ROUTES));
	free(o);

	/* A host whose ports moved away is free to go. */
	m = MSG_PORT(s, MIDWAY_CMD_PORT_SET, PID(3));
	mw_put_id(m, MIDWAY_A_PORT_HOST_ID, HID(3));
	mw_reject_at(s, m, ENOENT, MIDWAY_A_PORT_HOST_ID, "move a port to a missing host");
	MW_OK(s, host_new(s, HID(3), mw_ip(192, 0, 2, 3)));
	m = MSG_PORT(s, MIDWAY_CMD_PORT_SET, PID(3));
	mw_put_id(m, MIDWAY_A_PORT_HOST_ID, HID(3));
	MW_OK(s, m);
	MW_DO(s, mw_del(s, MIDWAY_CMD_HOST_DEL, MIDWAY_A_HOST_ID, HID(2), 0));
	mw_reject(s, MSG_HOST(s, MIDWAY_CMD_HOST_DEL, HID(3)), EBUSY,
		  "delete the host the port moved to");
}

TEST_F(host, echo)
{
	struct mw_sock *s = self->s;
	struct mw_result r;
	struct nl_msg *m;

	m = host_new(s, HID(1), mw_ip(192, 0, 2, 1));
	nlmsg_hdr(m)->nlmsg_flags |= NLM_F_ECHO;
	nla_put_string(m, MIDWAY_A_HOST_NAME, "hv");
	ASSERT_EQ(0, mw_exec(s, m, &r)) TH_LOG("%s", r.emsg);
	ASSERT_EQ(1, r.nreplies);
	EXPECT_EQ(MIDWAY_CMD_HOST_NEW, r.replies[0]->cmd);
	EXPECT_TRUE(IS_ID(r.replies[0], MIDWAY_A_HOST_ID, HID(1)));
	EXPECT_EQ(mw_ip(192, 0, 2, 1), mw_u32(r.replies[0], MIDWAY_A_HOST_ADDR));
	EXPECT_STREQ("hv", mw_str(r.replies[0], MIDWAY_A_HOST_NAME) ?: "(none)");
	mw_result_free(&r);

	m = mw_msg_id(s, MIDWAY_CMD_HOST_SET, NLM_F_ECHO, MIDWAY_A_HOST_ID, HID(1));
	nla_put_u8(m, MIDWAY_A_HOST_LOCAL, 1);
	ASSERT_EQ(0, mw_exec(s, m, &r)) TH_LOG("%s", r.emsg);
	ASSERT_EQ(1, r.nreplies);
	EXPECT_EQ(MIDWAY_CMD_HOST_SET, r.replies[0]->cmd);
	EXPECT_EQ(1, mw_u8(r.replies[0], MIDWAY_A_HOST_LOCAL));
	mw_result_free(&r);

	m = mw_msg_id(s, MIDWAY_CMD_HOST_DEL, NLM_F_ECHO, MIDWAY_A_HOST_ID, HID(1));
	ASSERT_EQ(0, mw_exec(s, m, &r)) TH_LOG("%s", r.emsg);
	ASSERT_EQ(1, r.nreplies);
	EXPECT_EQ(MIDWAY_CMD_HOST_DEL, r.replies[0]->cmd);
	EXPECT_TRUE(IS_ID(r.replies[0], MIDWAY_A_HOST_ID, HID(1)));
	mw_result_free(&r);
}

TEST_F(host, reject_missing_attrs)
{
	struct mw_sock *s = self->s;
	struct mw_result r;
	struct nl_msg *m;

	MW_OK(s, host_new(s, HID(1), mw_ip(192, 0, 2, 1)));
	m = MSG_HOST(s, MIDWAY_CMD_HOST_NEW, HID(2));
	__mw_reject(_metadata, s, m, EINVAL, 0, "host NEW without ADDR", &r);
	EXPECT_TRUE(r.has_miss && r.miss_type == MIDWAY_A_HOST_ADDR);
	mw_result_free(&r);
	m = mw_req(s, MIDWAY_CMD_HOST_NEW, 0);
	nla_put_u32(m, MIDWAY_A_HOST_ADDR, mw_ip(192, 0, 2, 2));
	__mw_reject(_metadata, s, m, EINVAL, 0, "host NEW without ID", &r);
	EXPECT_TRUE(r.has_miss && r.miss_type == MIDWAY_A_HOST_ID);
	mw_result_free(&r);
	m = mw_req(s, MIDWAY_CMD_HOST_SET, 0);
	nla_put_string(m, MIDWAY_A_HOST_NAME, "x");
	mw_reject(s, m, EINVAL, "host SET without ID");
	mw_reject(s, mw_req(s, MIDWAY_CMD_HOST_DEL, 0), EINVAL, "host DEL without ID");
	mw_reject(s, mw_req(s, MIDWAY_CMD_HOST_GET, 0), EINVAL, "host GET without ID");
}

TEST_F(host, reject_bad_values)
{
	uint8_t id15[15] = { 4 };
	char longname[MIDWAY_NAME_MAX + 1];
	struct mw_sock *s = self->s;
	struct nl_msg *m;

	MW_OK(s, host_new(s, HID(1), mw_ip(192, 0, 2, 1)));

	m = mw_req(s, MIDWAY_CMD_HOST_NEW, 0);
	nla_put(m, MIDWAY_A_HOST_ID, sizeof(id15), id15);
	nla_put_u32(m, MIDWAY_A_HOST_ADDR, mw_ip(192, 0, 2, 2));
	mw_reject_at(s, m, ERANGE, MIDWAY_A_HOST_ID, "host id of 15 bytes");
	m = host_new(s, HID(2), mw_ip(192, 0, 2, 2));
	nla_put_u8(m, MIDWAY_A_HOST_LOCAL, 2);
	mw_reject_at(s, m, ERANGE, MIDWAY_A_HOST_LOCAL, "host local 2");
	m = MSG_HOST(s, MIDWAY_CMD_HOST_SET, HID(1));
	nla_put_u8(m, MIDWAY_A_HOST_LOCAL, 2);
	mw_reject_at(s, m, ERANGE, MIDWAY_A_HOST_LOCAL, "host SET local 2");
	m = MSG_HOST(s, MIDWAY_CMD_HOST_NEW, HID(2));
	nla_put_u8(m, MIDWAY_A_HOST_ADDR, 1);
	mw_reject_at(s, m, EINVAL, MIDWAY_A_HOST_ADDR, "host address of 1 byte");
	memset(longname, 'h', sizeof(longname));
	longname[MIDWAY_NAME_MAX] = 0;
	m = host_new(s, HID(2), mw_ip(192, 0, 2, 2));
	nla_put_string(m, MIDWAY_A_HOST_NAME, longname);
	mw_reject_at(s, m, EINVAL, MIDWAY_A_HOST_NAME, "host name of 64 characters");
	m = host_new(s, HID(2), mw_ip(192, 0, 2, 2));
	nla_put_u32(m, MIDWAY_A_HOST_MAX + 1, 0);
	mw_reject_at(s, m, EINVAL, MIDWAY_A_HOST_MAX + 1, "host NEW with an unknown attribute");

	mw_reject_at(s, host_new(s, HID(1), mw_ip(192, 0, 2, 9)), EEXIST,
		  MIDWAY_A_HOST_ID, "host with an existing id");
	m = MSG_HOST(s, MIDWAY_CMD_HOST_SET, HID(9));
	nla_put_string(m, MIDWAY_A_HOST_NAME, "ghost");
	mw_reject_at(s, m, ENOENT, MIDWAY_A_HOST_ID, "host SET of a missing host");
	mw_reject_at(s, MSG_HOST(s, MIDWAY_CMD_HOST_GET, HID(9)), ENOENT,
		  MIDWAY_A_HOST_ID, "host GET of a missing host");
}

/* HOST_NEW with NLM_F_REPLACE: a fresh NEW's host (LOCAL absent: 0). */
TEST_F(host, new_replace)
{
	struct mw_sock *s = self->s;
	struct nl_msg *m;
	struct mw_msg *h;

	MW_DO(s, mw_host_new(s, HID(1), mw_ip(192, 0, 2, 1), 1));
	MW_DO(s, mw_host_new(s, HID(2), mw_ip(192, 0, 2, 2), 0));

	m = MSG_HOST(s, MIDWAY_CMD_HOST_NEW, HID(1));
	nla_put_u32(m, MIDWAY_A_HOST_ADDR, mw_ip(192, 0, 2, 1));
	mw_reject_at(s, m, EEXIST, MIDWAY_A_HOST_ID, "NEW without NLM_F_REPLACE");
	m = MSG_HOST(s, MIDWAY_CMD_HOST_NEW, HID(1));
	nla_put_u32(m, MIDWAY_A_HOST_ADDR, mw_ip(192, 0, 2, 2));
	nlmsg_hdr(m)->nlmsg_flags |= NLM_F_REPLACE;
	mw_reject(s, m, EEXIST, "replace onto another host's address");
	m = MSG_HOST(s, MIDWAY_CMD_HOST_NEW, HID(2));
	nla_put_u32(m, MIDWAY_A_HOST_ADDR, mw_ip(192, 0, 2, 2));
	nla_put_u8(m, MIDWAY_A_HOST_LOCAL, 1);
	nlmsg_hdr(m)->nlmsg_flags |= NLM_F_REPLACE;
	mw_reject_at(s, m, EBUSY, MIDWAY_A_HOST_LOCAL, "a second local host");

	m = MSG_HOST(s, MIDWAY_CMD_HOST_NEW, HID(1));
	nla_put_u32(m, MIDWAY_A_HOST_ADDR, mw_ip(192, 0, 2, 9));
	nla_put_string(m, MIDWAY_A_HOST_NAME, "hv9");
	nlmsg_hdr(m)->nlmsg_flags |= NLM_F_REPLACE;
	MW_OK(s, m);
	h = GET_HOST(s, HID(1));
	ASSERT_NE(NULL, h);
	EXPECT_EQ(mw_ip(192, 0, 2, 9), mw_u32(h, MIDWAY_A_HOST_ADDR));
	EXPECT_STREQ("hv9", mw_str(h, MIDWAY_A_HOST_NAME) ?: "(none)");
	EXPECT_EQ(0, mw_u8(h, MIDWAY_A_HOST_LOCAL)) TH_LOG("LOCAL absent: not local");
	free(h);
	/* Now host 2 may be the local one. */
	m = MSG_HOST(s, MIDWAY_CMD_HOST_NEW, HID(2));
	nla_put_u32(m, MIDWAY_A_HOST_ADDR, mw_ip(192, 0, 2, 2));
	nla_put_u8(m, MIDWAY_A_HOST_LOCAL, 1);
	nlmsg_hdr(m)->nlmsg_flags |= NLM_F_REPLACE;
	MW_OK(s, m);
	EXPECT_EQ(2, mw_count(s, MIDWAY_CMD_HOST_GET, 0, NULL));
}

MW_TEST_MAIN
