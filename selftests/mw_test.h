/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What every midway API test shares: a fixture that puts each test in a
 * fresh network namespace (the harness forks per test, and the family keeps
 * one instance per netns, so every test starts from an empty instance), the
 * check that a rejected request failed properly and changed nothing, short
 * builders for requests, and a main() that skips when the family is absent.
 *
 * Include this once, from the test's .c file, after nothing else.
 */
#ifndef MIDWAY_SELFTEST_MW_TEST_H
#define MIDWAY_SELFTEST_MW_TEST_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <fcntl.h>
#include <sched.h>
#include <stdarg.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "nl_helpers.h"
#include "kselftest_harness.h"

/* Tags of the ids of mw_id(), one per object type. */
enum { T_ROUTER = 1, T_PORT, T_ROUTE, T_HOST };

#define RID(n)	mw_id(T_ROUTER, (n))
#define PID(n)	mw_id(T_PORT, (n))
#define TID(n)	mw_id(T_ROUTE, (n))
#define HID(n)	mw_id(T_HOST, (n))

/* Whether attribute @a of message @msg is the id @idexpr. */
#define IS_ID(msg, a, idexpr) ({					\
	struct mw_id __id = (idexpr);					\
									\
	mw_id_is((msg), (a), &__id);					\
})

/*
 * A fixture named @name: a fresh netns per test and a socket in it. Setup
 * runs in the test's own process, so the netns dies with the test.
 */
#define MW_FIXTURE(name)						\
	FIXTURE(name) {							\
		struct mw_sock *s;					\
	};								\
	FIXTURE_SETUP(name)						\
	{								\
		if (unshare(CLONE_NEWNET))				\
			SKIP(return, "unshare(CLONE_NEWNET): %s",	\
			     strerror(errno));				\
		self->s = mw_open();					\
		ASSERT_NE(NULL, self->s)				\
			TH_LOG("family " MIDWAY_GENL_NAME " not found in the new netns");	\
	}								\
	FIXTURE_TEARDOWN(name)						\
	{								\
		mw_close(self->s);					\
	}

/* Skips the whole binary (exit 4) when the family is not registered. */
#define MW_TEST_MAIN							\
	int main(int argc, char **argv)					\
	{								\
		struct mw_sock *s = mw_open();				\
									\
		if (!s) {						\
			ksft_print_header();				\
			ksft_exit_skip("generic netlink family \""	\
				       MIDWAY_GENL_NAME "\" not found (midway.ko not loaded?)\n"); \
		}							\
		mw_close(s);						\
		return test_harness_run(argc, argv);			\
	}

/* Snapshots: the whole instance as seen by the four dumps. ------------ */

struct mw_snap {
	uint8_t *buf;
	size_t len, cap;
	int err;
};

static inline int mw_snap_cb(const struct nlmsghdr *nlh, void *arg)
{
	struct mw_snap *sn = arg;
	size_t len = nlh->nlmsg_len - NLMSG_HDRLEN;

	if (sn->len + len + 4 > sn->cap) {
		sn->cap = 2 * (sn->len + len + 4) + 4096;
		sn->buf = realloc(sn->buf, sn->cap);
		if (!sn->buf)
			abort();
	}
	/* The genl header and the attributes; not seq or port id. */
	memcpy(sn->buf + sn->len, &len, 4);
	memcpy(sn->buf + sn->len + 4, NLMSG_DATA(nlh), len);
	sn->len += len + 4;
	return 0;
}

static inline void mw_snapshot(struct mw_sock *s, struct mw_snap *sn)
{
	static const uint8_t cmds[] = { MIDWAY_CMD_ROUTER_GET, MIDWAY_CMD_PORT_GET,
					MIDWAY_CMD_ROUTE_GET, MIDWAY_CMD_HOST_GET };
	unsigned int i;
	int err;

	memset(sn, 0, sizeof(*sn));
	for (i = 0; i < MW_ARRAY_SIZE(cmds); i++) {
		mw_snap_cb(&(struct nlmsghdr){ .nlmsg_len = NLMSG_HDRLEN }, sn);
		err = mw_dump_raw(s, mw_req(s, cmds[i], 0), mw_snap_cb, sn, NULL);
		if (err && !sn->err)
			sn->err = err;
	}
}

static inline bool mw_snap_equal(const struct mw_snap *a, const struct mw_snap *b)
{
	return !a->err && !b->err && a->len == b->len &&
	       !memcmp(a->buf, b->buf, a->len);
}

static inline void mw_snap_free(struct mw_snap *sn)
{
	free(sn->buf);
	memset(sn, 0, sizeof(*sn));
}

/* Offset from the start of @m of its first attribute of type @a, or 0. */
static inline uint32_t mw_attr_off(struct nl_msg *m, int a)
{
	struct nlmsghdr *nlh = nlmsg_hdr(m);
	struct nlattr *nla;
	int rem;

	nla_for_each_attr(nla, genlmsg_attrdata(nlmsg_data(nlh), 0),
			  genlmsg_attrlen(nlmsg_data(nlh), 0), rem)
		if (nla_type(nla) == a)
			return (uint8_t *)nla - (uint8_t *)nlh;
	return 0;
}

/*
 * Sends @m (freed), which must be rejected with -@experr and an extack
 * message, and leave every object as it was. With @attr (mw_reject_at()),
 * the extack must point at that attribute of the request: the contract
 * asks for the offset wherever one attribute is at fault. @what names the
 * case in the log. The outcome is in *@out if given (free it with
 * mw_result_free()).
 */
#define mw_reject(s, m, experr, what) \
	__mw_reject(_metadata, (s), (m), (experr), 0, (what), NULL)
#define mw_reject_at(s, m, experr, attr, what) \
	__mw_reject(_metadata, (s), (m), (experr), (attr), (what), NULL)

static inline void __mw_reject(struct __test_metadata *_metadata,
			       struct mw_sock *s, struct nl_msg *m, int experr,
			       int attr, const char *what, struct mw_result *out)
{
	uint32_t off = attr ? mw_attr_off(m, attr) : 0;
	struct mw_snap before, after;
	struct mw_result r;
	int err;

	mw_snapshot(s, &before);
	err = mw_exec(s, m, &r);
	mw_snapshot(s, &after);

	EXPECT_EQ(-experr, err)
		TH_LOG("%s: errno %d (%s) expected, got %d (%s); extack '%s'",
		       what, experr, strerror(experr), -err, strerror(-err),
		       r.emsg);
	EXPECT_NE(0, r.emsg[0])
		TH_LOG("%s: no extack message (errno %d; %s %u; %s)", what, -err,
		       r.has_miss ? "missing attribute type" : "no missing attribute",
		       r.has_miss ? r.miss_type : 0,
		       r.has_offs ? "with an offset" : "no offset");
	if (attr) {
		EXPECT_NE(0, off) TH_LOG("%s: test bug: no attribute %d in the request", what, attr);
		EXPECT_TRUE(r.has_offs && r.offs == off)
			TH_LOG("%s: the extack does not point at attribute %d (offset %u): %s %u; message '%s'",
			       what, attr, off, r.has_offs ? "offset" : "no offset",
			       r.has_offs ? r.offs : 0, r.emsg);
	}
	EXPECT_EQ(0, before.err);
	EXPECT_TRUE(mw_snap_equal(&before, &after))
		TH_LOG("%s: the rejected request changed the instance", what);
	EXPECT_EQ(0, r.nreplies)
		TH_LOG("%s: a rejected request got %d replies", what, r.nreplies);
	mw_snap_free(&before);
	mw_snap_free(&after);
	if (out)
		*out = r;
	else
		mw_result_free(&r);
}

/* Request builders: the id attribute of the object, then the caller's. */

static inline struct nl_msg *mw_msg_id(struct mw_sock *s, uint8_t cmd, int flags,
				       int id_attr, struct mw_id id)
{
	struct nl_msg *m = mw_req(s, cmd, flags);

	mw_put_id(m, id_attr, id);
	return m;
}

#define MSG_ROUTER(s, cmd, id)	mw_msg_id((s), (cmd), 0, MIDWAY_A_ROUTER_ID, (id))
#define MSG_PORT(s, cmd, id)	mw_msg_id((s), (cmd), 0, MIDWAY_A_PORT_ID, (id))
#define MSG_ROUTE(s, cmd, id)	mw_msg_id((s), (cmd), 0, MIDWAY_A_ROUTE_ID, (id))
#define MSG_HOST(s, cmd, id)	mw_msg_id((s), (cmd), 0, MIDWAY_A_HOST_ID, (id))

/* A PORT_NEW of @kind on @router, to complete with more attributes. */
static inline struct nl_msg *mw_msg_port_new(struct mw_sock *s, struct mw_id id,
					     struct mw_id router, int kind)
{
	struct nl_msg *m = MSG_PORT(s, MIDWAY_CMD_PORT_NEW, id);

	mw_put_id(m, MIDWAY_A_PORT_ROUTER_ID, router);
	nla_put_u8(m, MIDWAY_A_PORT_KIND, kind);
	return m;
}

/* A ROUTE_NEW of @router to dst/len with next hop type @nh. */
static inline struct nl_msg *mw_msg_route_new(struct mw_sock *s, struct mw_id id,
					      struct mw_id router, uint32_t dst,
					      int len, int nh)
{
	struct nl_msg *m = MSG_ROUTE(s, MIDWAY_CMD_ROUTE_NEW, id);

	mw_put_id(m, MIDWAY_A_ROUTE_ROUTER_ID, router);
	nla_put_u32(m, MIDWAY_A_ROUTE_DST, dst);
	nla_put_u8(m, MIDWAY_A_ROUTE_DST_LEN, len);
	nla_put_u8(m, MIDWAY_A_ROUTE_NH_TYPE, nh);
	return m;
}

/* GET do; NULL if it failed (the error is in s->last_emsg). */
static inline struct mw_msg *mw_get_obj(struct mw_sock *s, uint8_t cmd,
					int id_attr, struct mw_id id)
{
	struct mw_msg *out = NULL;

	mw_get(s, cmd, id_attr, id, &out);
	return out;
}

#define GET_ROUTER(s, id) mw_get_obj((s), MIDWAY_CMD_ROUTER_GET, MIDWAY_A_ROUTER_ID, (id))
#define GET_PORT(s, id)	  mw_get_obj((s), MIDWAY_CMD_PORT_GET, MIDWAY_A_PORT_ID, (id))
#define GET_ROUTE(s, id)  mw_get_obj((s), MIDWAY_CMD_ROUTE_GET, MIDWAY_A_ROUTE_ID, (id))
#define GET_HOST(s, id)	  mw_get_obj((s), MIDWAY_CMD_HOST_GET, MIDWAY_A_HOST_ID, (id))

/* Sends m and asserts success, logging the extack on failure. */
#define MW_OK(s, m) do {						\
	struct mw_sock *__s = (s);					\
	int __e = mw_exec(__s, (m), NULL);				\
									\
	ASSERT_EQ(0, __e) TH_LOG("%s: %s (extack '%s')", #m,		\
				 strerror(-__e), __s->last_emsg);	\
} while (0)

/* Same, for the helpers of nl_helpers.h that return -errno. */
#define MW_DO(s, expr) do {						\
	int __e = (expr);						\
									\
	ASSERT_EQ(0, __e) TH_LOG("%s: %s (extack '%s')", #expr,	\
				 strerror(-__e), (s)->last_emsg);	\
} while (0)

/* Events ------------------------------------------------------------- */

/*
 * Collects what arrived on an events socket until @quiet_ms pass without a
 * message. Notifications are sent synchronously by the request that causes
 * them, so once its ack is back they are queued already.
 */
static inline int mw_events(struct mw_sock *ev, struct mw_list *l, int quiet_ms)
{
	struct mw_msg *m;

	memset(l, 0, sizeof(*l));
	while ((m = mw_next_event(ev, quiet_ms))) {
		if (l->n == l->cap) {
			l->cap = l->cap ? 2 * l->cap : 16;
			l->m = realloc(l->m, l->cap * sizeof(*l->m));
			if (!l->m)
				abort();
		}
		l->m[l->n++] = m;
	}
	return l->n;
}

/* Index in @l of the first message of @cmd about @id (attr @a), or -1. */
static inline int mw_find(const struct mw_list *l, uint8_t cmd, int a,
			  struct mw_id id)
{
	int i;

	for (i = 0; i < l->n; i++)
		if (l->m[i]->cmd == cmd && mw_id_is(l->m[i], a, &id))
			return i;
	return -1;
}

/* The system around the tests. ------------------------------------- */

/* Runs a shell command quietly; returns its exit status. */
static inline int mw_sh(const char *fmt, ...)
{
	char cmd[512];
	va_list ap;
	int st;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	st = system(cmd);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128;
}

/*
 * The kernel log from now on: mw_kmsg_open() skips what is logged already,
 * mw_kmsg_problems() prints and counts later records that show a kernel
 * problem. The VM runner checks the whole log too; this names the test.
 */
static inline int mw_kmsg_open(void)
{
	int fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK);

	if (fd >= 0)
		lseek(fd, 0, SEEK_END);
	return fd;
}

static inline int mw_kmsg_problems(int fd)
{
	static const char *const bad[] = { "WARNING:", "BUG:", "BUG ", "Oops",
					   "Call Trace", "general protection",
					   "Kernel panic", "refcount_t" };
	char buf[8192];
	unsigned int i;
	int n, found = 0;

	if (fd < 0)
		return 0;
	for (;;) {
		n = read(fd, buf, sizeof(buf) - 1);
		if (n < 0 && errno == EPIPE)
			continue;	/* records overwritten: go on */
		if (n <= 0)
			break;
		buf[n] = 0;
		for (i = 0; i < MW_ARRAY_SIZE(bad); i++) {
			if (strstr(buf, bad[i])) {
				char *msg = strchr(buf, ';');

				fprintf(stderr, "# kernel: %s", msg ? msg + 1 : buf);
				found++;
				break;
			}
		}
	}
	return found;
}

#define MW_PARAM_DIR "/sys/module/midway/parameters/"

/* Reads module parameter @name; -1 if it cannot. */
static inline long mw_param_get(const char *name)
{
	char path[128];
	long v = -1;
	FILE *f;

	snprintf(path, sizeof(path), MW_PARAM_DIR "%s", name);
	f = fopen(path, "r");
	if (!f)
		return -1;
	if (fscanf(f, "%ld", &v) != 1)
		v = -1;
	fclose(f);
	return v;
}

static inline int mw_param_set(const char *name, long v)
{
	char path[128];
	FILE *f;
	int err;

	snprintf(path, sizeof(path), MW_PARAM_DIR "%s", name);
	f = fopen(path, "w");
	if (!f)
		return -errno;
	fprintf(f, "%ld\n", v);
	err = fclose(f) ? -errno : 0;
	return err;
}

#endif /* MIDWAY_SELFTEST_MW_TEST_H */
