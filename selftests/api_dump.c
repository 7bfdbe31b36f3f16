// SPDX-License-Identifier: GPL-2.0
/*
 * Large dumps: 100000 routes created in batches (many requests per
 * sendmsg(), then their acks), dumped back complete and correct, each id
 * exactly once; a dump that keeps its place while routes come and go under
 * it, and marks the messages filled after a change NLM_F_DUMP_INTR; mwnl
 * turns that into -EINTR. Timings are printed as diagnostics (TCG guests
 * are slow).
 */
#include "mw_test.h"
#include "../userspace/lib/mwnl.h"

MW_FIXTURE(dump);

#define N_ROUTES	100000
#define BATCH		2500	/* requests per sendmsg() */

/*
 * Route i: 10.0.0.0 + i (a /32, so every route is distinct), on router 1
 * except every tenth on router 2; next hop by i % 4; weight 1 + i % 65535.
 */
struct route_spec {
	int router;		/* 1 or 2 */
	uint32_t dst;
	int nh;
	int port;		/* PID number, 0 for none */
	uint32_t gw;
	uint32_t weight;
	int active;
};

static struct route_spec spec(uint32_t i)
{
	struct route_spec r = {
		.router = i % 10 == 9 ? 2 : 1,
		.dst = htonl(0x0a000000 + i),
		.weight = 1 + i % MIDWAY_WEIGHT_MAX,
		.active = 1,
	};

	switch (i % 4) {
	case 0:	/* via the up port of its router, every other with a gateway */
		r.nh = MIDWAY_NH_PORT;
		r.port = r.router == 1 ? 1 : 3;
		r.gw = i % 8 ? 0 : htonl(0xc0a80001);
		break;
	case 1:
		r.nh = MIDWAY_NH_BLACKHOLE;
		break;
	case 2:
		r.nh = MIDWAY_NH_REJECT;
		break;
	case 3:	/* via a port that is down (router 1) */
		r.nh = r.router == 1 ? MIDWAY_NH_PORT : MIDWAY_NH_LOCAL;
		r.port = r.router == 1 ? 2 : 0;
		r.active = r.router != 1;
		break;
	}
	return r;
}

/* The request for route i, under the id of route @id. */
static struct nl_msg *route_req_as(struct mw_sock *s, uint32_t i, uint32_t id)
{
	struct route_spec r = spec(i);
	struct nl_msg *m;

	m = mw_msg_route_new(s, TID(id), RID(r.router), r.dst, 32, r.nh);
	if (r.port)
		mw_put_id(m, MIDWAY_A_ROUTE_PORT_ID, PID(r.port));
	if (r.gw)
		nla_put_u32(m, MIDWAY_A_ROUTE_GATEWAY, r.gw);
	nla_put_u32(m, MIDWAY_A_ROUTE_WEIGHT, r.weight);
	return m;
}

#define route_req(s, i) route_req_as((s), (i), (i))

/* Routers 1 and 2; ports 1 (up) and 2 (down) on 1, port 3 (up) on 2. */
static int topology(struct mw_sock *s)
{
	struct mw_id h = HID(1);

	return mw_router_new(s, RID(1), NULL) ?: mw_router_new(s, RID(2), NULL) ?:
	       mw_host_new(s, HID(1), mw_ip(192, 0, 2, 1), 0) ?:
	       mw_port_ext(s, PID(1), RID(1), &h) ?:
	       mw_port_ext(s, PID(2), RID(1), NULL) ?:
	       mw_port_ext(s, PID(3), RID(2), &h);
}

/* Creates routes [from, to) in batches; returns the failures or -errno. */
static int create_routes(struct mw_sock *s, uint32_t from, uint32_t to,
			 int *first_err, int *first_idx)
{
	struct mw_batch b = { .next_seq = 1 };
	int failed = 0, ret, idx = -1;
	uint32_t i, base = from;

	for (i = from; i < to; i++) {
		mw_batch_add(&b, route_req(s, i));
		if (b.count == BATCH || i + 1 == to) {
			ret = mw_batch_flush(s, &b, first_err, &idx);
			if (ret < 0) {
				mw_batch_free(&b);
				return ret;
			}
			if (ret && !failed)
				*first_idx = base + idx;
			failed += ret;
			base = i + 1;
		}
	}
	mw_batch_free(&b);
	return failed;
}

/* Checks every dumped route against spec(); counts and marks ids. */
struct check {
	uint8_t *seen;		/* per route number */
	uint32_t n, dup, bad, foreign, filter_router;
	char first_bad[160];
};

static int check_cb(const struct nlmsghdr *nlh, void *arg)
{
	struct genlmsghdr *g = nlmsg_data(nlh);
	struct nlattr *tb[MIDWAY_A_ROUTE_MAX + 1];
	struct check *c = arg;
	struct route_spec r;
	const uint8_t *id;
	uint32_t i;

	c->n++;
	if (nla_parse(tb, MIDWAY_A_ROUTE_MAX, genlmsg_attrdata(g, 0),
		      genlmsg_attrlen(g, 0), NULL) || !tb[MIDWAY_A_ROUTE_ID] ||
	    nla_len(tb[MIDWAY_A_ROUTE_ID]) != MIDWAY_UUID_LEN) {
		c->bad++;
		return 0;
	}
	id = nla_data(tb[MIDWAY_A_ROUTE_ID]);
	i = mw_id_num(id);
	if (mw_id_tag(id) != T_ROUTE || i >= N_ROUTES) {
		c->foreign++;
		return 0;
	}
	if (c->seen[i]++) {
		c->dup++;
		return 0;
	}
	r = spec(i);
#define BAD(cond) do {							\
	if (cond) {							\
		if (!c->bad++)						\
			snprintf(c->first_bad, sizeof(c->first_bad),	\
				 "route %u: %s", i, #cond);		\
		return 0;						\
	}								\
} while (0)
	BAD(g->cmd != MIDWAY_CMD_ROUTE_GET);
	BAD(!(nlh->nlmsg_flags & NLM_F_MULTI));
	BAD(!tb[MIDWAY_A_ROUTE_ROUTER_ID] ||
	    mw_id_num(nla_data(tb[MIDWAY_A_ROUTE_ROUTER_ID])) != (uint32_t)r.router);
	BAD(c->filter_router && (uint32_t)r.router != c->filter_router);
	BAD(!tb[MIDWAY_A_ROUTE_DST] || nla_get_u32(tb[MIDWAY_A_ROUTE_DST]) != r.dst);
	BAD(!tb[MIDWAY_A_ROUTE_DST_LEN] || nla_get_u8(tb[MIDWAY_A_ROUTE_DST_LEN]) != 32);
	BAD(!tb[MIDWAY_A_ROUTE_NH_TYPE] || nla_get_u8(tb[MIDWAY_A_ROUTE_NH_TYPE]) != r.nh);
	BAD(!tb[MIDWAY_A_ROUTE_WEIGHT] || nla_get_u32(tb[MIDWAY_A_ROUTE_WEIGHT]) != r.weight);
	BAD(!tb[MIDWAY_A_ROUTE_ACTIVE] || nla_get_u8(tb[MIDWAY_A_ROUTE_ACTIVE]) != r.active);
	BAD(!!tb[MIDWAY_A_ROUTE_PORT_ID] != !!r.port);
	BAD(r.port && mw_id_num(nla_data(tb[MIDWAY_A_ROUTE_PORT_ID])) != (uint32_t)r.port);
	BAD(!!tb[MIDWAY_A_ROUTE_GATEWAY] != !!r.gw);
	BAD(r.gw && nla_get_u32(tb[MIDWAY_A_ROUTE_GATEWAY]) != r.gw);
	BAD(tb[MIDWAY_A_ROUTE_SRC] || tb[MIDWAY_A_ROUTE_SRC_LEN]);
#undef BAD
	return 0;
}

static int dump_check(struct mw_sock *s, struct check *c, uint32_t filter_router)
{
	struct nl_msg *m = mw_req(s, MIDWAY_CMD_ROUTE_GET, 0);

	memset(c->seen, 0, N_ROUTES);
	c->n = c->dup = c->bad = c->foreign = 0;
	c->first_bad[0] = 0;
	c->filter_router = filter_router;
	if (filter_router)
		mw_put_id(m, MIDWAY_A_ROUTE_ROUTER_ID, RID(filter_router));
	return mw_dump_raw(s, m, check_cb, c, NULL);
}

TEST_F_TIMEOUT(dump, routes_100k, 600)
{
	struct mw_sock *s = self->s;
	struct check c = { .seen = calloc(1, N_ROUTES) };
	int err = 0, idx = -1, failed, missing = 0;
	double t0, t1, t2, t3;
	struct mw_msg *r;
	uint32_t i;

	ASSERT_NE(NULL, c.seen);
	MW_DO(s, topology(s));
	mw_bufsize(s, 64 << 20);

	t0 = mw_now();
	failed = create_routes(s, 0, N_ROUTES, &err, &idx);
	t1 = mw_now();
	ASSERT_EQ(0, failed) TH_LOG("%d route requests failed; first: route %d, %s",
				    failed, idx, strerror(-err));
	ksft_print_msg("created %d routes in %.2f s (%.0f/s, %d per sendmsg)\n",
		       N_ROUTES, t1 - t0, N_ROUTES / (t1 - t0), BATCH);

	r = GET_ROUTER(s, RID(1));
	ASSERT_NE(NULL, r);
	EXPECT_EQ(N_ROUTES - N_ROUTES / 10, mw_u32(r, MIDWAY_A_ROUTER_N_ROUTES));
	free(r);

	t2 = mw_now();
	ASSERT_EQ(0, dump_check(s, &c, 0));
	t3 = mw_now();
	ksft_print_msg("dumped %u routes in %.2f s (%.0f/s)\n", c.n, t3 - t2, c.n / (t3 - t2));
	EXPECT_EQ(N_ROUTES, c.n);
	EXPECT_EQ(0, c.dup) TH_LOG("routes dumped twice");
	EXPECT_EQ(0, c.foreign) TH_LOG("objects that are no routes of this test");
	EXPECT_EQ(0, c.bad) TH_LOG("routes with wrong attributes: first %s", c.first_bad);
	for (i = 0; i < N_ROUTES; i++)
		missing += !c.seen[i];
	EXPECT_EQ(0, missing) TH_LOG("routes missing from the dump");

	/* Filtered by router: exactly the tenth on router 2. */
	t2 = mw_now();
	ASSERT_EQ(0, dump_check(s, &c, 2));
	t3 = mw_now();
	ksft_print_msg("dumped router 2's %u routes in %.2f s\n", c.n, t3 - t2);
	EXPECT_EQ(N_ROUTES / 10, c.n);
	EXPECT_EQ(0, c.dup);
	EXPECT_EQ(0, c.bad) TH_LOG("first: %s", c.first_bad);
	for (i = 0, missing = 0; i < N_ROUTES; i++)
		missing += spec(i).router == 2 && !c.seen[i];
	EXPECT_EQ(0, missing);

	/* Identical routes are still refused at this size. */
	EXPECT_EQ(-EEXIST, mw_exec(s, route_req_as(s, 4242, N_ROUTES), NULL));
	EXPECT_EQ(-EEXIST, mw_exec(s, route_req_as(s, 4243, 99), NULL));
	free(c.seen);
}

/*
 * A dump keeps its place by an internal index: routes deleted or added
 * while it runs do not make it repeat or skip the others.
 */
#define N_SMALL		20000
#define CHANGE_AT	5000	/* routes dumped before the changes */

static bool deleted(uint32_t i)
{
	return i % 7 == 3;
}

TEST_F_TIMEOUT(dump, keeps_its_place, 300)
{
	struct mw_sock *s = self->s, *b;
	uint8_t *seen = calloc(1, N_SMALL + 1000);
	struct mw_batch batch = { .next_seq = 1 };
	int err = 0, idx = -1, n, dup = 0, late_deleted = 0, missing = 0;
	int intr_before = 0, intr_after = 0;
	uint32_t i, count = 0, seq, changed = 0;
	struct nlmsghdr *nlh;
	struct nl_msg *m;
	bool done = false, after = false;

	ASSERT_NE(NULL, seen);
	MW_DO(s, topology(s));
	b = mw_open();
	ASSERT_NE(NULL, b);
	mw_bufsize(b, 64 << 20);
	ASSERT_EQ(0, create_routes(b, 0, N_SMALL, &err, &idx))
		TH_LOG("route %d: %s", idx, strerror(-err));

	/* A dump on s, read slowly, with default buffers. */
	m = mw_req(s, MIDWAY_CMD_ROUTE_GET, 0);
	nlmsg_hdr(m)->nlmsg_flags |= NLM_F_DUMP;
	ASSERT_LE(0, nl_send_auto(s->sk, m));
	seq = nlmsg_hdr(m)->nlmsg_seq;
	nlmsg_free(m);
	while (!done) {
		n = mw_recv(s, MW_ACK_TIMEOUT_MS);
		ASSERT_LT(0, n) TH_LOG("dump: %s", n ? strerror(-n) : "timeout");
		for (nlh = (struct nlmsghdr *)s->buf; NLMSG_OK(nlh, n); nlh = NLMSG_NEXT(nlh, n)) {
			struct mw_msg *r;
			const uint8_t *id;

			if (nlh->nlmsg_seq != seq)
				continue;
			if (nlh->nlmsg_flags & NLM_F_DUMP_INTR) {
				intr_before += !after;
				intr_after += after;
			}
			if (nlh->nlmsg_type == NLMSG_DONE) {
				done = true;
				break;
			}
			ASSERT_NE(NLMSG_ERROR, nlh->nlmsg_type);
			r = mw_msg_parse(nlh);
			ASSERT_TRUE(mw_has(r, MIDWAY_A_ROUTE_ID));
			id = nla_data(r->tb[MIDWAY_A_ROUTE_ID]);
			i = mw_id_num(id);
			free(r);
			ASSERT_GT(N_SMALL + 1000, i);
			dup += seen[i]++ > 0;
			if (after && i < N_SMALL && deleted(i))
				late_deleted++;
			count++;
		}
		/*
		 * Each recvmsg() has the kernel fill the next part of the dump
		 * right away: the part read after the changes was made before.
		 */
		if (changed && !after) {
			after = true;
			continue;
		}
		if (!changed && count >= CHANGE_AT) {
			/* Delete a seventh of all routes, add 1000. */
			for (i = 3; i < N_SMALL; i += 7)
				mw_batch_add(&batch, MSG_ROUTE(b, MIDWAY_CMD_ROUTE_DEL, TID(i)));
			ASSERT_EQ(0, mw_batch_flush(b, &batch, &err, &idx))
				TH_LOG("delete %d: %s", idx, strerror(-err));
			mw_batch_free(&batch);
			ASSERT_EQ(0, create_routes(b, N_SMALL, N_SMALL + 1000, &err, &idx))
				TH_LOG("route %d: %s", idx, strerror(-err));
			changed = count;
		}
	}
	ksft_print_msg("dumped %u routes, %u before the changes\n", count, changed);
	ASSERT_NE(0, changed) TH_LOG("the dump ended before the changes");
	ASSERT_GT(N_SMALL, changed) TH_LOG("the dump was complete before the changes");
	EXPECT_EQ(0, intr_before) TH_LOG("NLM_F_DUMP_INTR before anything changed");
	EXPECT_LT(0, intr_after) TH_LOG("a dump that spanned changes is not marked NLM_F_DUMP_INTR");
	/* The kernel marks the first message filled after a change. */
	ksft_print_msg("%d messages marked NLM_F_DUMP_INTR after the changes\n", intr_after);
	EXPECT_EQ(0, dup) TH_LOG("routes dumped twice");
	EXPECT_EQ(0, late_deleted) TH_LOG("routes dumped after their deletion");
	for (i = 0; i < N_SMALL; i++)
		missing += !deleted(i) && !seen[i];
	EXPECT_EQ(0, missing) TH_LOG("routes that existed throughout, not dumped");
	EXPECT_EQ(N_SMALL - (N_SMALL - 3 + 6) / 7 + 1000,
		  mw_count(s, MIDWAY_CMD_ROUTE_GET, 0, NULL));
	mw_close(b);
	free(seen);
}

/* mwnl_request() of a dump: its callback changes the instance once. */
struct intr_arg {
	struct mwnl *other;
	int msgs, changes;
	bool change;
};

static int intr_cb(struct nlmsghdr *nlh, void *arg)
{
	struct intr_arg *a = arg;
	struct mwnl_uuid id;
	struct nl_msg *m;

	(void)nlh;
	/* After the first message: the rest of the dump is not filled yet. */
	if (a->msgs++ == 0 && a->change) {
		memcpy(id.b, RID(1).b, sizeof(id.b));
		m = mwnl_msg(a->other, MIDWAY_CMD_ROUTER_SET, 0);
		mwnl_put_uuid(m, MIDWAY_A_ROUTER_ID, &id);
		nla_put_string(m, MIDWAY_A_ROUTER_NAME, "changed");
		if (!mwnl_request(a->other, m, NULL, NULL))
			a->changes++;
	}
	return 0;
}

/*
 * A dump that a change (from a second socket, between two recv()s of the
 * dump) interrupts ends in -EINTR from mwnl_request(), once it is read
 * through; the same dump without a change succeeds.
 */
TEST_F_TIMEOUT(dump, mwnl_reports_intr, 300)
{
	struct mw_sock *s = self->s;
	struct intr_arg a = { 0 };
	struct mwnl *nl, *other;
	int err = 0, idx = -1, ret;

	MW_DO(s, topology(s));
	mw_bufsize(s, 64 << 20);
	ASSERT_EQ(0, create_routes(s, 0, 3000, &err, &idx))
		TH_LOG("route %d: %s", idx, strerror(-err));
	nl = mwnl_open();
	other = mwnl_open();
	ASSERT_NE(NULL, nl);
	ASSERT_NE(NULL, other);
	a.other = other;

	ret = mwnl_request(nl, mwnl_msg(nl, MIDWAY_CMD_ROUTE_GET, NLM_F_DUMP),
			   intr_cb, &a);
	EXPECT_EQ(0, ret) TH_LOG("a quiet dump: %s", mwnl_strerror(nl));
	EXPECT_EQ(3000, a.msgs);

	a.change = true;
	a.msgs = 0;
	ret = mwnl_request(nl, mwnl_msg(nl, MIDWAY_CMD_ROUTE_GET, NLM_F_DUMP),
			   intr_cb, &a);
	EXPECT_EQ(1, a.changes);
	EXPECT_EQ(-EINTR, ret) TH_LOG("got %d: %s", ret, mwnl_strerror(nl));
	EXPECT_EQ(3000, a.msgs) TH_LOG("the dump is read to its end");
	mwnl_close(other);
	mwnl_close(nl);
}

MW_TEST_MAIN
