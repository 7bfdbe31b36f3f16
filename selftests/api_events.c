// SPDX-License-Identifier: GPL-2.0
/*
 * The "events" multicast group: one message per successful NEW, SET and
 * DEL, of the same command and holding the whole object; PORT_STATE when a
 * port's OPER_UP changes, whatever changed it (a request on another object,
 * a device's carrier); nothing for reads and rejected requests; nothing
 * across network namespaces. ROUTE_STATE when a route's ACTIVE changes
 * under it; a listener that falls behind gets ENOBUFS, also from mwnl.
 */
#include <net/if.h>

#include "mw_test.h"
#include "../userspace/lib/mwnl.h"

FIXTURE(events) {
	struct mw_sock *s;	/* requests */
	struct mw_sock *ev;	/* listens on "events" */
};

FIXTURE_SETUP(events)
{
	if (unshare(CLONE_NEWNET))
		SKIP(return, "unshare(CLONE_NEWNET): %s", strerror(errno));
	self->s = mw_open();
	self->ev = mw_open();
	ASSERT_NE(NULL, self->s);
	ASSERT_NE(NULL, self->ev);
	ASSERT_LE(0, self->ev->events_grp) TH_LOG("no multicast group \"events\"");
	ASSERT_EQ(0, mw_subscribe(self->ev));
	mw_bufsize(self->ev, 4 << 20);
}

FIXTURE_TEARDOWN(events)
{
	mw_close(self->ev);
	mw_close(self->s);
}

/* An expected event; oper >= 0 also checks OPER_UP (PORT_STATE). */
struct exp {
	uint8_t cmd;
	int attr;
	struct mw_id id;
	int oper;
	bool optional;
};

#define EV(cmd, attr, idv)	{ (cmd), (attr), (idv), -1, false }
#define EV_ROUTER(c, n)		EV(MIDWAY_CMD_ROUTER_##c, MIDWAY_A_ROUTER_ID, RID(n))
#define EV_PORT(c, n)		EV(MIDWAY_CMD_PORT_##c, MIDWAY_A_PORT_ID, PID(n))
#define EV_ROUTE(c, n)		EV(MIDWAY_CMD_ROUTE_##c, MIDWAY_A_ROUTE_ID, TID(n))
#define EV_HOST(c, n)		EV(MIDWAY_CMD_HOST_##c, MIDWAY_A_HOST_ID, HID(n))
#define EV_STATE(n, up)		{ MIDWAY_CMD_PORT_STATE, MIDWAY_A_PORT_ID, PID(n), (up), false }
/* A PORT_STATE that may or may not come (a new port that is born up). */
#define EV_STATE_MAYBE(n, up)	{ MIDWAY_CMD_PORT_STATE, MIDWAY_A_PORT_ID, PID(n), (up), true }

static const int id_attr_of[] = {
	[MIDWAY_CMD_ROUTER_NEW] = MIDWAY_A_ROUTER_ID, [MIDWAY_CMD_ROUTER_DEL] = MIDWAY_A_ROUTER_ID,
	[MIDWAY_CMD_ROUTER_GET] = MIDWAY_A_ROUTER_ID, [MIDWAY_CMD_ROUTER_SET] = MIDWAY_A_ROUTER_ID,
	[MIDWAY_CMD_PORT_NEW] = MIDWAY_A_PORT_ID, [MIDWAY_CMD_PORT_DEL] = MIDWAY_A_PORT_ID,
	[MIDWAY_CMD_PORT_GET] = MIDWAY_A_PORT_ID, [MIDWAY_CMD_PORT_SET] = MIDWAY_A_PORT_ID,
	[MIDWAY_CMD_PORT_STATE] = MIDWAY_A_PORT_ID,
	[MIDWAY_CMD_ROUTE_NEW] = MIDWAY_A_ROUTE_ID, [MIDWAY_CMD_ROUTE_DEL] = MIDWAY_A_ROUTE_ID,
	[MIDWAY_CMD_ROUTE_GET] = MIDWAY_A_ROUTE_ID,
	[MIDWAY_CMD_HOST_NEW] = MIDWAY_A_HOST_ID, [MIDWAY_CMD_HOST_DEL] = MIDWAY_A_HOST_ID,
	[MIDWAY_CMD_HOST_GET] = MIDWAY_A_HOST_ID, [MIDWAY_CMD_HOST_SET] = MIDWAY_A_HOST_ID,
	[MIDWAY_CMD_ROUTE_SET] = MIDWAY_A_ROUTE_ID, [MIDWAY_CMD_ROUTE_STATE] = MIDWAY_A_ROUTE_ID,
};

/* "cmd 5 id 2/3 oper 1", for the log. */
static const char *ev_str(const struct mw_msg *m, char *buf, size_t len)
{
	int a = m->cmd < MW_ARRAY_SIZE(id_attr_of) ? id_attr_of[m->cmd] : 0;
	const uint8_t *id = a && m->tb[a] ? nla_data(m->tb[a]) : NULL;

	snprintf(buf, len, "cmd %u id %u/%u oper %d", m->cmd, id ? mw_id_tag(id) : 0,
		 id ? mw_id_num(id) : 0,
		 m->tb[MIDWAY_A_PORT_OPER_UP] && m->cmd >= MIDWAY_CMD_PORT_NEW &&
		 m->cmd <= MIDWAY_CMD_PORT_STATE ? mw_u8(m, MIDWAY_A_PORT_OPER_UP) : -1);
	return buf;
}

/*
 * The events that arrived are exactly @e (in any order; optional ones may
 * be absent). Those of one object come in order, which is checked by
 * giving each received event the first expected one it matches.
 */
#define expect_events_within(ev, wait_ms, what, ...) do {		\
	const struct exp __e[] = { __VA_ARGS__ };			\
									\
	__expect_events(_metadata, (ev), __e, MW_ARRAY_SIZE(__e), (wait_ms), (what)); \
} while (0)
#define expect_events(ev, what, ...) expect_events_within(ev, 0, what, __VA_ARGS__)
#define expect_no_events(ev, what) \
	__expect_events(_metadata, (ev), NULL, 0, 0, (what))

/*
 * Events caused by a request are queued before its ack: reading until the
 * socket is quiet for 150 ms gets them all. Those that a device change
 * causes come through the kernel's linkwatch work, up to a second later:
 * for them, @wait_ms is how long to wait for the expected ones.
 */
static void __expect_events(struct __test_metadata *_metadata, struct mw_sock *ev,
			    const struct exp *e, int n, int wait_ms, const char *what)
{
	double deadline = mw_now() + wait_ms / 1000.0;
	bool used[64] = { false };
	int j, pending = 0;
	struct mw_msg *m;
	char buf[96];

	for (j = 0; j < n; j++)
		pending += !e[j].optional;
	for (;;) {
		int left = (deadline - mw_now()) * 1000;

		m = mw_next_event(ev, pending && left > 150 ? left : 150);
		if (!m)
			break;
		for (j = 0; j < n; j++)
			if (!used[j] && m->cmd == e[j].cmd && mw_id_is(m, e[j].attr, &e[j].id) &&
			    (e[j].oper < 0 || mw_u8(m, MIDWAY_A_PORT_OPER_UP) == e[j].oper))
				break;
		EXPECT_LT(j, n) TH_LOG("%s: unexpected event %s", what, ev_str(m, buf, sizeof(buf)));
		if (j < n) {
			used[j] = true;
			pending -= !e[j].optional;
		}
		/* Notifications are not parts of a dump. */
		EXPECT_EQ(0, m->flags & NLM_F_MULTI);
		free(m);
	}
	for (j = 0; j < n; j++) {
		EXPECT_TRUE(used[j] || e[j].optional)
			TH_LOG("%s: missing event #%d: cmd %u id %u/%u oper %d", what, j,
			       e[j].cmd, mw_id_tag(e[j].id.b), mw_id_num(e[j].id.b), e[j].oper);
	}
}

/* The last event of @cmd about @id, which the caller frees; NULL if none. */
static struct mw_msg *take_event(struct mw_sock *ev, uint8_t cmd, struct mw_id id)
{
	struct mw_msg *found = NULL;
	struct mw_list l;
	int i;

	mw_events(ev, &l, 150);
	for (i = 0; i < l.n; i++) {
		if (l.m[i]->cmd == cmd && mw_id_is(l.m[i], id_attr_of[cmd], &id)) {
			free(found);
			found = l.m[i];
			l.m[i] = NULL;
		}
	}
	mw_list_free(&l);
	return found;
}

static int set_u8(struct mw_sock *s, uint8_t cmd, int id_attr, struct mw_id id,
		  int a, int v)
{
	struct nl_msg *m = mw_msg_id(s, cmd, 0, id_attr, id);

	nla_put_u8(m, a, v);
	return mw_exec(s, m, NULL);
}

#define PORT_ADMIN(s, n, up) set_u8((s), MIDWAY_CMD_PORT_SET, MIDWAY_A_PORT_ID, \
				    PID(n), MIDWAY_A_PORT_ADMIN_UP, (up))
#define ROUTER_ADMIN(s, n, up) set_u8((s), MIDWAY_CMD_ROUTER_SET, MIDWAY_A_ROUTER_ID, \
				      RID(n), MIDWAY_A_ROUTER_ADMIN_UP, (up))
#define HOST_LOCAL(s, n, l) set_u8((s), MIDWAY_CMD_HOST_SET, MIDWAY_A_HOST_ID, \
				   HID(n), MIDWAY_A_HOST_LOCAL, (l))

TEST_F(events, router)
{
	struct mw_sock *s = self->s, *ev = self->ev;
	struct mw_msg *m;

	MW_DO(s, mw_router_new(s, RID(1), "r1"));
	m = take_event(ev, MIDWAY_CMD_ROUTER_NEW, RID(1));
	ASSERT_NE(NULL, m) TH_LOG("no ROUTER_NEW event");
	EXPECT_STREQ("r1", mw_str(m, MIDWAY_A_ROUTER_NAME) ?: "(none)");
	EXPECT_EQ(1, mw_u8(m, MIDWAY_A_ROUTER_ADMIN_UP));
	EXPECT_TRUE(mw_has(m, MIDWAY_A_ROUTER_N_PORTS)) TH_LOG("events carry the whole object");
	EXPECT_TRUE(mw_has(m, MIDWAY_A_ROUTER_N_ROUTES));
	free(m);

	MW_DO(s, ROUTER_ADMIN(s, 1, 0));
	m = take_event(ev, MIDWAY_CMD_ROUTER_SET, RID(1));
	ASSERT_NE(NULL, m) TH_LOG("no ROUTER_SET event");
	EXPECT_EQ(0, mw_u8(m, MIDWAY_A_ROUTER_ADMIN_UP));
	EXPECT_STREQ("r1", mw_str(m, MIDWAY_A_ROUTER_NAME) ?: "(none)");
	free(m);

	MW_DO(s, mw_del(s, MIDWAY_CMD_ROUTER_DEL, MIDWAY_A_ROUTER_ID, RID(1), 0));
	m = take_event(ev, MIDWAY_CMD_ROUTER_DEL, RID(1));
	ASSERT_NE(NULL, m) TH_LOG("no ROUTER_DEL event");
	EXPECT_STREQ("r1", mw_str(m, MIDWAY_A_ROUTER_NAME) ?: "(none)")
		TH_LOG("DEL carries the object as it was");
	free(m);

	MW_DO(s, mw_router_new(s, RID(2), NULL));
	MW_DO(s, ROUTER_ADMIN(s, 2, 1));
	MW_DO(s, mw_del(s, MIDWAY_CMD_ROUTER_DEL, MIDWAY_A_ROUTER_ID, RID(2), 0));
	expect_events(ev, "router NEW, SET, DEL",
		      EV_ROUTER(NEW, 2), EV_ROUTER(SET, 2), EV_ROUTER(DEL, 2));
}

TEST_F(events, port_and_port_state)
{
	struct mw_sock *s = self->s, *ev = self->ev;
	struct mw_id h = HID(1), a = PID(3);
	struct nl_msg *req;
	struct mw_msg *m;

	MW_DO(s, mw_router_new(s, RID(1), NULL));
	MW_DO(s, mw_router_new(s, RID(2), NULL));
	MW_DO(s, mw_host_new(s, HID(1), mw_ip(192, 0, 2, 1), 0));
	expect_events(ev, "setup", EV_ROUTER(NEW, 1), EV_ROUTER(NEW, 2), EV_HOST(NEW, 1));

	/* Born down: no state change. */
	MW_DO(s, mw_port_ext(s, PID(1), RID(1), NULL));
	expect_events(ev, "new port, down", EV_PORT(NEW, 1));
	/* Born up: PORT_NEW says so; a PORT_STATE is tolerated. */
	MW_DO(s, mw_port_ext(s, PID(2), RID(1), &h));
	m = take_event(ev, MIDWAY_CMD_PORT_NEW, PID(2));
	ASSERT_NE(NULL, m) TH_LOG("no PORT_NEW event");
	EXPECT_EQ(1, mw_u8(m, MIDWAY_A_PORT_OPER_UP));
	EXPECT_TRUE(IS_ID(m, MIDWAY_A_PORT_HOST_ID, HID(1)));
	EXPECT_TRUE(mw_has(m, MIDWAY_A_PORT_TUNNEL_KEY)) TH_LOG("events carry the whole object");
	EXPECT_TRUE(mw_has(m, MIDWAY_A_PORT_MAC));
	free(m);

	MW_DO(s, PORT_ADMIN(s, 2, 0));
	expect_events(ev, "admin down", EV_PORT(SET, 2), EV_STATE(2, 0));
	MW_DO(s, PORT_ADMIN(s, 2, 1));
	expect_events(ev, "admin up", EV_PORT(SET, 2), EV_STATE(2, 1));
	req = MSG_PORT(s, MIDWAY_CMD_PORT_SET, PID(2));
	nla_put_string(req, MIDWAY_A_PORT_NAME, "renamed");
	MW_OK(s, req);
	expect_events(ev, "rename: no state change", EV_PORT(SET, 2));

	/* Moving onto a remote host brings port 1 up. */
	req = MSG_PORT(s, MIDWAY_CMD_PORT_SET, PID(1));
	mw_put_id(req, MIDWAY_A_PORT_HOST_ID, HID(1));
	MW_OK(s, req);
	expect_events(ev, "placed on a remote host", EV_PORT(SET, 1), EV_STATE(1, 1));
	/* The host turning local takes both down, without a PORT_SET. */
	MW_DO(s, HOST_LOCAL(s, 1, 1));
	expect_events(ev, "host became local",
		      EV_HOST(SET, 1), EV_STATE(1, 0), EV_STATE(2, 0));
	MW_DO(s, HOST_LOCAL(s, 1, 0));
	expect_events(ev, "host became remote",
		      EV_HOST(SET, 1), EV_STATE(1, 1), EV_STATE(2, 1));

	/* Interior pair: peering brings both up, unpeering the survivor down. */
	MW_DO(s, mw_port_int(s, PID(3), RID(1), NULL));
	expect_events(ev, "interior port", EV_PORT(NEW, 3));
	MW_DO(s, mw_port_int(s, PID(4), RID(2), &a));
	expect_events(ev, "peering", EV_PORT(NEW, 4), EV_STATE(3, 1), EV_STATE_MAYBE(4, 1));
	MW_DO(s, PORT_ADMIN(s, 4, 0));
	expect_events(ev, "peer admin down", EV_PORT(SET, 4), EV_STATE(4, 0), EV_STATE(3, 0));
	MW_DO(s, PORT_ADMIN(s, 4, 1));
	expect_events(ev, "peer admin up", EV_PORT(SET, 4), EV_STATE(4, 1), EV_STATE(3, 1));

	/* A router going down takes its ports and their peers down. */
	MW_DO(s, ROUTER_ADMIN(s, 1, 0));
	expect_events(ev, "router 1 admin down", EV_ROUTER(SET, 1), EV_STATE(1, 0),
		      EV_STATE(2, 0), EV_STATE(3, 0), EV_STATE(4, 0));
	MW_DO(s, ROUTER_ADMIN(s, 1, 1));
	expect_events(ev, "router 1 admin up", EV_ROUTER(SET, 1), EV_STATE(1, 1),
		      EV_STATE(2, 1), EV_STATE(3, 1), EV_STATE(4, 1));

	MW_DO(s, mw_del(s, MIDWAY_CMD_PORT_DEL, MIDWAY_A_PORT_ID, PID(4), MIDWAY_A_PORT_CASCADE));
	expect_events(ev, "delete a peer", EV_PORT(DEL, 4), EV_STATE(3, 0));
	MW_DO(s, mw_del(s, MIDWAY_CMD_PORT_DEL, MIDWAY_A_PORT_ID, PID(1), 0));
	expect_events(ev, "delete a port", EV_PORT(DEL, 1));
}

TEST_F(events, route_and_host)
{
	struct mw_sock *s = self->s, *ev = self->ev;
	struct mw_id h = HID(1), p = PID(1);
	struct nl_msg *req;
	struct mw_msg *m;

	MW_DO(s, mw_router_new(s, RID(1), NULL));
	req = MSG_HOST(s, MIDWAY_CMD_HOST_NEW, HID(1));
	nla_put_u32(req, MIDWAY_A_HOST_ADDR, mw_ip(192, 0, 2, 1));
	nla_put_string(req, MIDWAY_A_HOST_NAME, "hv1");
	MW_OK(s, req);
	m = take_event(ev, MIDWAY_CMD_HOST_NEW, HID(1));
	ASSERT_NE(NULL, m) TH_LOG("no HOST_NEW event");
	EXPECT_EQ(mw_ip(192, 0, 2, 1), mw_u32(m, MIDWAY_A_HOST_ADDR));
	EXPECT_STREQ("hv1", mw_str(m, MIDWAY_A_HOST_NAME) ?: "(none)");
	EXPECT_EQ(0, mw_u8(m, MIDWAY_A_HOST_LOCAL));
	free(m);

	MW_DO(s, mw_port_ext(s, PID(1), RID(1), &h));
	expect_events(ev, "port", EV_PORT(NEW, 1), EV_STATE_MAYBE(1, 1));

	MW_DO(s, mw_route_new(s, TID(1), RID(1), mw_ip(10, 1, 0, 0), 16,
			      MIDWAY_NH_PORT, &p, mw_ip(10, 1, 0, 1)));
	m = take_event(ev, MIDWAY_CMD_ROUTE_NEW, TID(1));
	ASSERT_NE(NULL, m) TH_LOG("no ROUTE_NEW event");
	EXPECT_EQ(mw_ip(10, 1, 0, 0), mw_u32(m, MIDWAY_A_ROUTE_DST));
	EXPECT_EQ(16, mw_u8(m, MIDWAY_A_ROUTE_DST_LEN));
	EXPECT_TRUE(IS_ID(m, MIDWAY_A_ROUTE_PORT_ID, PID(1)));
	EXPECT_EQ(mw_ip(10, 1, 0, 1), mw_u32(m, MIDWAY_A_ROUTE_GATEWAY));
	EXPECT_EQ(MIDWAY_WEIGHT_DEFAULT, mw_u32(m, MIDWAY_A_ROUTE_WEIGHT));
	EXPECT_EQ(1, mw_u8(m, MIDWAY_A_ROUTE_ACTIVE));
	free(m);
	MW_DO(s, mw_route_new(s, TID(2), RID(1), 0, 0, MIDWAY_NH_REJECT, NULL, 0));
	MW_DO(s, mw_del(s, MIDWAY_CMD_ROUTE_DEL, MIDWAY_A_ROUTE_ID, TID(2), 0));
	expect_events(ev, "route NEW and DEL", EV_ROUTE(NEW, 2), EV_ROUTE(DEL, 2));

	req = MSG_HOST(s, MIDWAY_CMD_HOST_SET, HID(1));
	nla_put_u32(req, MIDWAY_A_HOST_ADDR, mw_ip(192, 0, 2, 99));
	MW_OK(s, req);
	m = take_event(ev, MIDWAY_CMD_HOST_SET, HID(1));
	ASSERT_NE(NULL, m) TH_LOG("no HOST_SET event");
	EXPECT_EQ(mw_ip(192, 0, 2, 99), mw_u32(m, MIDWAY_A_HOST_ADDR));
	free(m);

	/* A cascade announces everything it deletes. */
	MW_DO(s, mw_del(s, MIDWAY_CMD_HOST_DEL, MIDWAY_A_HOST_ID, HID(1), MIDWAY_A_HOST_CASCADE));
	expect_events(ev, "host cascade", EV_ROUTE(DEL, 1), EV_PORT(DEL, 1), EV_HOST(DEL, 1));
}

TEST_F(events, router_cascade)
{
	struct mw_sock *s = self->s, *ev = self->ev;
	struct mw_id h = HID(1), p1 = PID(1), a = PID(2);

	MW_DO(s, mw_router_new(s, RID(1), NULL));
	MW_DO(s, mw_router_new(s, RID(2), NULL));
	MW_DO(s, mw_host_new(s, HID(1), mw_ip(192, 0, 2, 1), 0));
	MW_DO(s, mw_port_ext(s, PID(1), RID(1), &h));
	MW_DO(s, mw_port_int(s, PID(2), RID(1), NULL));
	MW_DO(s, mw_port_int(s, PID(3), RID(2), &a));
	MW_DO(s, mw_route_new(s, TID(1), RID(1), mw_ip(10, 0, 0, 0), 8,
			      MIDWAY_NH_PORT, &p1, 0));
	MW_DO(s, mw_route_new(s, TID(2), RID(1), 0, 0, MIDWAY_NH_BLACKHOLE, NULL, 0));
	MW_DO(s, mw_route_new(s, TID(3), RID(2), 0, 0, MIDWAY_NH_BLACKHOLE, NULL, 0));
	mw_events(ev, &(struct mw_list){ 0 }, 150);	/* drop the setup's */

	MW_DO(s, mw_del(s, MIDWAY_CMD_ROUTER_DEL, MIDWAY_A_ROUTER_ID, RID(1),
			MIDWAY_A_ROUTER_CASCADE));
	expect_events(ev, "router cascade",
		      EV_ROUTE(DEL, 1), EV_ROUTE(DEL, 2), EV_PORT(DEL, 1), EV_PORT(DEL, 2),
		      EV_STATE(3, 0), EV_ROUTER(DEL, 1));
}

/* Carrier changes of a bound device reach listeners as PORT_STATE. */
TEST_F(events, device_carrier)
{
	struct mw_sock *s = self->s, *ev = self->ev;
	struct nl_msg *req;

	mw_sh("modprobe dummy 2>/dev/null");
	if (mw_sh("ip link add mwd0 type dummy 2>/dev/null"))
		SKIP(return, "cannot create a dummy device");
	MW_DO(s, mw_router_new(s, RID(1), NULL));
	MW_DO(s, mw_host_new(s, HID(1), mw_ip(192, 0, 2, 1), 1));
	req = mw_msg_port_new(s, PID(1), RID(1), MIDWAY_PORT_KIND_EXTERIOR);
	mw_put_id(req, MIDWAY_A_PORT_HOST_ID, HID(1));
	nla_put_u32(req, MIDWAY_A_PORT_IFINDEX, if_nametoindex("mwd0"));
	MW_OK(s, req);
	expect_events(ev, "setup", EV_ROUTER(NEW, 1), EV_HOST(NEW, 1), EV_PORT(NEW, 1));

	ASSERT_EQ(0, mw_sh("ip link set mwd0 up"));
	expect_events(ev, "device up", EV_STATE(1, 1));
	ASSERT_EQ(0, mw_sh("ip link set mwd0 carrier off"));
	expect_events_within(ev, 3000, "carrier off", EV_STATE(1, 0));
	ASSERT_EQ(0, mw_sh("ip link set mwd0 carrier on"));
	expect_events_within(ev, 3000, "carrier on", EV_STATE(1, 1));
	ASSERT_EQ(0, mw_sh("ip link set mwd0 carrier off"));
	expect_events_within(ev, 3000, "carrier off again", EV_STATE(1, 0));
	ASSERT_EQ(0, mw_sh("ip link set mwd0 down"));
	expect_no_events(ev, "device down while without carrier");
	ASSERT_EQ(0, mw_sh("ip link set mwd0 carrier on && ip link set mwd0 up"));
	expect_events_within(ev, 3000, "device up with carrier", EV_STATE(1, 1));
	ASSERT_EQ(0, mw_sh("ip link del mwd0"));
	expect_events(ev, "device deleted", EV_STATE(1, 0));
}

/* Reads and refused requests are silent. */
TEST_F(events, none_for_reads_and_rejections)
{
	struct mw_sock *s = self->s, *ev = self->ev;
	struct nl_msg *req;

	MW_DO(s, mw_router_new(s, RID(1), NULL));
	MW_DO(s, mw_port_int(s, PID(1), RID(1), NULL));
	mw_events(ev, &(struct mw_list){ 0 }, 150);

	EXPECT_EQ(1, mw_count(s, MIDWAY_CMD_ROUTER_GET, 0, NULL));
	EXPECT_EQ(1, mw_count(s, MIDWAY_CMD_PORT_GET, 0, NULL));
	free(GET_ROUTER(s, RID(1)));
	EXPECT_EQ(-EEXIST, mw_router_new(s, RID(1), NULL));
	EXPECT_EQ(-EBUSY, mw_del(s, MIDWAY_CMD_ROUTER_DEL, MIDWAY_A_ROUTER_ID, RID(1), 0));
	EXPECT_EQ(-ENOENT, mw_del(s, MIDWAY_CMD_ROUTE_DEL, MIDWAY_A_ROUTE_ID, TID(1), 0));
	req = MSG_PORT(s, MIDWAY_CMD_PORT_SET, PID(1));
	nla_put_u8(req, MIDWAY_A_PORT_ADMIN_UP, 0);
	nla_put_u8(req, MIDWAY_A_PORT_KIND, MIDWAY_PORT_KIND_EXTERIOR);
	EXPECT_EQ(-EINVAL, mw_exec(s, req, NULL));
	expect_no_events(ev, "reads and rejected requests");
}

/* Listeners only hear their own namespace. */
TEST_F(events, per_netns)
{
	struct mw_sock *s = self->s, *ev = self->ev, *b, *evb;

	ASSERT_EQ(0, unshare(CLONE_NEWNET));
	b = mw_open();
	evb = mw_open();
	ASSERT_NE(NULL, b);
	ASSERT_NE(NULL, evb);
	ASSERT_EQ(0, mw_subscribe(evb));

	MW_DO(s, mw_router_new(s, RID(1), NULL));
	MW_DO(b, mw_router_new(b, RID(2), NULL));
	MW_DO(b, mw_del(b, MIDWAY_CMD_ROUTER_DEL, MIDWAY_A_ROUTER_ID, RID(2), 0));
	expect_events(ev, "first netns", EV_ROUTER(NEW, 1));
	expect_events(evb, "second netns", EV_ROUTER(NEW, 2), EV_ROUTER(DEL, 2));
	mw_close(evb);
	mw_close(b);
}

/* An echoing requester gets its copy; the listeners get theirs. */
TEST_F(events, echo_and_listeners)
{
	struct mw_sock *s = self->s, *ev = self->ev, *ev2;
	struct mw_result r;
	struct nl_msg *req;

	ev2 = mw_open();
	ASSERT_NE(NULL, ev2);
	ASSERT_EQ(0, mw_subscribe(ev2));
	req = mw_msg_id(s, MIDWAY_CMD_ROUTER_NEW, NLM_F_ECHO, MIDWAY_A_ROUTER_ID, RID(1));
	ASSERT_EQ(0, mw_exec(s, req, &r));
	EXPECT_EQ(1, r.nreplies) TH_LOG("echo to the requester");
	mw_result_free(&r);
	expect_events(ev, "listener 1", EV_ROUTER(NEW, 1));
	expect_events(ev2, "listener 2", EV_ROUTER(NEW, 1));
	mw_close(ev2);
}

/* ROUTE_STATE: the route's ACTIVE changed, and the event says so. */
static void expect_route_state(struct __test_metadata *_metadata,
			       struct mw_sock *ev, int n, int active)
{
	struct mw_msg *m = take_event(ev, MIDWAY_CMD_ROUTE_STATE, TID(n));

	ASSERT_NE(NULL, m) TH_LOG("no ROUTE_STATE for route %d", n);
	EXPECT_EQ(active, mw_u8(m, MIDWAY_A_ROUTE_ACTIVE));
	EXPECT_TRUE(mw_has(m, MIDWAY_A_ROUTE_DST)) TH_LOG("the whole route");
	free(m);
}

TEST_F(events, route_state)
{
	struct mw_sock *s = self->s, *ev = self->ev;
	struct mw_id h = HID(1), p = PID(1);
	struct nl_msg *req;

	MW_DO(s, mw_router_new(s, RID(1), NULL));
	MW_DO(s, mw_host_new(s, HID(1), mw_ip(192, 0, 2, 1), 0));
	MW_DO(s, mw_port_ext(s, PID(1), RID(1), &h));
	MW_DO(s, mw_route_new(s, TID(1), RID(1), mw_ip(10, 1, 0, 0), 16,
			      MIDWAY_NH_PORT, &p, 0));
	MW_DO(s, mw_route_new(s, TID(2), RID(1), mw_ip(10, 2, 0, 0), 16,
			      MIDWAY_NH_BLACKHOLE, NULL, 0));
	expect_events(ev, "setup", EV_ROUTER(NEW, 1), EV_HOST(NEW, 1), EV_PORT(NEW, 1),
		      EV_STATE_MAYBE(1, 1), EV_ROUTE(NEW, 1), EV_ROUTE(NEW, 2));

	/* The port goes down and up: the route via it follows, the other not. */
	MW_DO(s, PORT_ADMIN(s, 1, 0));
	expect_events(ev, "port down", EV_PORT(SET, 1), EV_STATE(1, 0), EV_ROUTE(STATE, 1));
	MW_DO(s, PORT_ADMIN(s, 1, 1));
	expect_events(ev, "port up", EV_PORT(SET, 1), EV_STATE(1, 1), EV_ROUTE(STATE, 1));
	MW_DO(s, PORT_ADMIN(s, 1, 0));
	expect_route_state(_metadata, ev, 1, 0);
	MW_DO(s, PORT_ADMIN(s, 1, 1));
	expect_route_state(_metadata, ev, 1, 1);

	/* On its remote host. */
	req = MSG_PORT(s, MIDWAY_CMD_PORT_SET, PID(1));
	nla_put_u8(req, MIDWAY_A_PORT_REMOTE_UP, 0);
	MW_OK(s, req);
	expect_route_state(_metadata, ev, 1, 0);

	/* A route's own request carries its state: no ROUTE_STATE. */
	req = MSG_ROUTE(s, MIDWAY_CMD_ROUTE_SET, TID(2));
	nla_put_u8(req, MIDWAY_A_ROUTE_NH_TYPE, MIDWAY_NH_PORT);
	mw_put_id(req, MIDWAY_A_ROUTE_PORT_ID, PID(1));
	MW_OK(s, req);
	expect_events(ev, "route set to a down port", EV_ROUTE(SET, 2));
	req = MSG_PORT(s, MIDWAY_CMD_PORT_SET, PID(1));
	nla_put_u8(req, MIDWAY_A_PORT_REMOTE_UP, 1);
	MW_OK(s, req);
	expect_events(ev, "remote up", EV_PORT(SET, 1), EV_STATE(1, 1),
		      EV_ROUTE(STATE, 1), EV_ROUTE(STATE, 2));
	MW_DO(s, mw_del(s, MIDWAY_CMD_ROUTE_DEL, MIDWAY_A_ROUTE_ID, TID(2), 0));
	expect_events(ev, "route deleted", EV_ROUTE(DEL, 2));

	/* A cascade deletes the route: DEL, no ROUTE_STATE. */
	MW_DO(s, mw_del(s, MIDWAY_CMD_PORT_DEL, MIDWAY_A_PORT_ID, PID(1),
			MIDWAY_A_PORT_CASCADE));
	expect_events(ev, "port cascade", EV_ROUTE(DEL, 1), EV_PORT(DEL, 1));
}

/*
 * A listener with a small buffer that does not read loses events: its next
 * recv() fails with ENOBUFS, then it reads what came after. mwnl_recv()
 * says the same.
 */
TEST_F(events, lost_events_enobufs)
{
	struct mw_sock *s = self->s, *small = mw_open();
	struct mwnl *nl = mwnl_open();
	int i, small_buf = 4096, n, got_nobufs = 0, ret;
	struct nl_msg *req;
	char name[32];

	ASSERT_NE(NULL, small);
	ASSERT_NE(NULL, nl);
	ASSERT_EQ(0, mw_subscribe(small));
	ASSERT_EQ(0, setsockopt(small->fd, SOL_SOCKET, SO_RCVBUF, &small_buf,
				sizeof(small_buf)));
	ASSERT_EQ(0, mwnl_subscribe(nl, MIDWAY_MCGRP_EVENTS));
	ASSERT_LT(0, mwnl_set_rcvbuf(nl, 4096));
	ASSERT_EQ(0, nl_socket_set_nonblocking(mwnl_sock(nl)));

	MW_DO(s, mw_router_new(s, RID(1), NULL));
	for (i = 0; i < 200; i++) {
		req = MSG_ROUTER(s, MIDWAY_CMD_ROUTER_SET, RID(1));
		snprintf(name, sizeof(name), "r%d", i);
		nla_put_string(req, MIDWAY_A_ROUTER_NAME, name);
		MW_OK(s, req);
	}

	/* Raw: ENOBUFS first, or after what fitted. */
	for (i = 0; i < 400 && !got_nobufs; i++) {
		n = recv(small->fd, small->buf, MW_RXBUF, MSG_DONTWAIT);
		if (n < 0 && errno == ENOBUFS)
			got_nobufs = 1;
		else if (n < 0)
			break;
	}
	EXPECT_EQ(1, got_nobufs) TH_LOG("no ENOBUFS after 200 events into 4 KiB");
	/* The socket goes on: later events arrive. */
	while (recv(small->fd, small->buf, MW_RXBUF, MSG_DONTWAIT) > 0)
		;
	MW_DO(s, mw_router_new(s, RID(2), NULL));
	EXPECT_NE(NULL, take_event(small, MIDWAY_CMD_ROUTER_NEW, RID(2)))
		TH_LOG("no event after the loss");

	/* mwnl. */
	for (i = 0; i < 400; i++) {
		ret = mwnl_recv(nl, NULL, NULL);
		if (ret)
			break;
	}
	EXPECT_EQ(-ENOBUFS, ret) TH_LOG("mwnl_recv: %d, %s", ret, mwnl_strerror(nl));
	mwnl_close(nl);
	mw_close(small);
}

MW_TEST_MAIN
