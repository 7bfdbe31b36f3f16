/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Small generic netlink helpers for the midway selftests.
 *
 * Messages are built with libnl-genl-3; replies are read raw so that the
 * extended ack (message, offset of the attribute at fault, missing attribute
 * type) of every rejection can be checked. Nothing here depends on the
 * project's userspace library: the tests talk to the uapi contract only.
 *
 * A request is sent with NLM_F_ACK and its replies are collected until the
 * ack of its sequence number arrives. Echoed notifications (NLM_F_ECHO) may
 * carry any sequence number, so every non-error message received before the
 * ack counts as a reply: the request socket never joins a multicast group.
 */
#ifndef MIDWAY_SELFTEST_NL_HELPERS_H
#define MIDWAY_SELFTEST_NL_HELPERS_H

#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <linux/genetlink.h>
#include <linux/netlink.h>

#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <netlink/socket.h>

#include <linux/midway.h>

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

/* At least the largest attribute type of every attribute set. */
#define MW_TB_MAX	32
_Static_assert(MW_TB_MAX >= MIDWAY_A_ROUTER_MAX && MW_TB_MAX >= MIDWAY_A_PORT_MAX &&
	       MW_TB_MAX >= MIDWAY_A_ROUTE_MAX && MW_TB_MAX >= MIDWAY_A_HOST_MAX &&
	       MW_TB_MAX >= MIDWAY_A_NEIGH_MAX, "MW_TB_MAX is too small");
#define MW_RXBUF	(1 << 20)

#define MW_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

struct mw_id {
	uint8_t b[MIDWAY_UUID_LEN];
};

/*
 * A deterministic UUID: @tag says what kind of object the test meant, @n
 * numbers it. Version 4 / RFC 4122 variant bits are set so the ids look like
 * the ones a topology store hands out.
 */
static inline struct mw_id mw_id(uint32_t tag, uint32_t n)
{
	struct mw_id id;
	uint32_t be;

	memset(&id, 0, sizeof(id));
	be = htonl(tag);
	memcpy(&id.b[0], &be, 4);
	id.b[6] = 0x40;
	id.b[8] = 0x80;
	be = htonl(n);
	memcpy(&id.b[12], &be, 4);
	return id;
}

static inline uint32_t mw_id_tag(const uint8_t *b)
{
	uint32_t be;

	memcpy(&be, b, 4);
	return ntohl(be);
}

static inline uint32_t mw_id_num(const uint8_t *b)
{
	uint32_t be;

	memcpy(&be, b + 12, 4);
	return ntohl(be);
}

static inline uint32_t mw_ip(uint8_t a, uint8_t b, uint8_t c, uint8_t d)
{
	return htonl((uint32_t)a << 24 | (uint32_t)b << 16 |
		     (uint32_t)c << 8 | d);
}

/* A received message: a private copy, its attributes parsed into tb[]. */
struct mw_msg {
	uint8_t cmd;
	uint16_t type;
	uint16_t flags;
	uint32_t seq;
	struct nlattr *tb[MW_TB_MAX + 1];
	size_t len;
	struct nlmsghdr nlh[];	/* followed by the message */
};

static inline struct mw_msg *mw_msg_parse(const struct nlmsghdr *nlh)
{
	struct genlmsghdr *g;
	struct mw_msg *m;

	m = calloc(1, sizeof(*m) + NLMSG_ALIGN(nlh->nlmsg_len));
	if (!m)
		abort();
	memcpy(m->nlh, nlh, nlh->nlmsg_len);
	m->len = nlh->nlmsg_len;
	m->type = nlh->nlmsg_type;
	m->flags = nlh->nlmsg_flags;
	m->seq = nlh->nlmsg_seq;
	if (nlh->nlmsg_len < NLMSG_HDRLEN + GENL_HDRLEN)
		return m;
	g = nlmsg_data(m->nlh);
	m->cmd = g->cmd;
	/* Attributes of a newer kernel beyond MW_TB_MAX are ignored. */
	nla_parse(m->tb, MW_TB_MAX, genlmsg_attrdata(g, 0),
		  genlmsg_attrlen(g, 0), NULL);
	return m;
}

static inline bool mw_has(const struct mw_msg *m, int a)
{
	return m && m->tb[a];
}

static inline uint8_t mw_u8(const struct mw_msg *m, int a)
{
	return m->tb[a] ? nla_get_u8(m->tb[a]) : 0xff;
}

static inline uint32_t mw_u32(const struct mw_msg *m, int a)
{
	return m->tb[a] ? nla_get_u32(m->tb[a]) : 0xffffffffu;
}

static inline const char *mw_str(const struct mw_msg *m, int a)
{
	return m->tb[a] ? nla_get_string(m->tb[a]) : NULL;
}

static inline bool mw_id_is(const struct mw_msg *m, int a,
			    const struct mw_id *id)
{
	return m->tb[a] && nla_len(m->tb[a]) == MIDWAY_UUID_LEN &&
	       !memcmp(nla_data(m->tb[a]), id->b, MIDWAY_UUID_LEN);
}

/* The outcome of one request. */
struct mw_result {
	int err;		/* 0 or -errno from the ack */
	char emsg[256];		/* NLMSGERR_ATTR_MSG, "" if none */
	bool has_offs;
	uint32_t offs;		/* NLMSGERR_ATTR_OFFS */
	bool has_miss;
	uint32_t miss_type;	/* NLMSGERR_ATTR_MISS_TYPE */
	int nreplies;
	struct mw_msg *replies[16];
};

static inline void mw_result_free(struct mw_result *r)
{
	int i;

	for (i = 0; i < r->nreplies; i++)
		free(r->replies[i]);
	memset(r, 0, sizeof(*r));
}

struct mw_sock {
	struct nl_sock *sk;
	int fd;
	int family;
	int events_grp;
	uint8_t *buf;
	int ev_len, ev_off;	/* messages of buf not yet handed out */
	char last_emsg[256];	/* extack message of the last mw_exec() */
};

static inline void mw_close(struct mw_sock *s)
{
	if (!s)
		return;
	nl_socket_free(s->sk);
	free(s->buf);
	free(s);
}

/*
 * Opens a generic netlink socket in the caller's network namespace and
 * resolves the family. Returns NULL (errno set) if the family is absent.
 */
static inline struct mw_sock *mw_open(void)
{
	struct mw_sock *s = calloc(1, sizeof(*s));
	int one = 1;

	if (!s)
		return NULL;
	s->buf = malloc(MW_RXBUF);
	s->sk = nl_socket_alloc();
	if (!s->buf || !s->sk)
		goto fail;
	if (genl_connect(s->sk) < 0)
		goto fail;
	nl_socket_disable_auto_ack(s->sk);
	s->fd = nl_socket_get_fd(s->sk);
	setsockopt(s->fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	setsockopt(s->fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));
	s->family = genl_ctrl_resolve(s->sk, MIDWAY_GENL_NAME);
	if (s->family < 0) {
		errno = ENOENT;
		goto fail;
	}
	s->events_grp = genl_ctrl_resolve_grp(s->sk, MIDWAY_GENL_NAME,
					      MIDWAY_MCGRP_EVENTS);
	return s;
fail:
	if (s->sk)
		nl_socket_free(s->sk);
	free(s->buf);
	free(s);
	return NULL;
}

/* Joins the "events" group. Returns 0 or -errno. */
static inline int mw_subscribe(struct mw_sock *s)
{
	if (s->events_grp < 0)
		return -ENOENT;
	return nl_socket_add_membership(s->sk, s->events_grp) ? -EINVAL : 0;
}

/* Grows both socket buffers beyond the sysctl limits (needs root). */
static inline void mw_bufsize(struct mw_sock *s, int bytes)
{
	setsockopt(s->fd, SOL_SOCKET, SO_RCVBUFFORCE, &bytes, sizeof(bytes));
	setsockopt(s->fd, SOL_SOCKET, SO_SNDBUFFORCE, &bytes, sizeof(bytes));
}

static inline struct nl_msg *mw_req(struct mw_sock *s, uint8_t cmd, int flags)
{
	struct nl_msg *m = nlmsg_alloc();

	if (!m)
		abort();
	if (!genlmsg_put(m, NL_AUTO_PORT, NL_AUTO_SEQ, s->family, 0, flags,
			 cmd, MIDWAY_GENL_VERSION))
		abort();
	return m;
}

/* Offset, from the start of the message, where the next attribute goes. */
static inline uint32_t mw_off(struct nl_msg *m)
{
	return NLMSG_ALIGN(nlmsg_hdr(m)->nlmsg_len);
}

static inline void mw_put_id(struct nl_msg *m, int a, struct mw_id id)
{
	nla_put(m, a, MIDWAY_UUID_LEN, id.b);
}

/* Fills r from the TLVs after a struct nlmsgerr. */
static inline void mw_parse_ack(const struct nlmsghdr *nlh,
				struct mw_result *r)
{
	const struct nlmsgerr *e = NLMSG_DATA(nlh);
	struct nlattr *tb[NLMSGERR_ATTR_MAX + 1];
	size_t off = sizeof(*e);
	int len;

	r->err = e->error;
	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return;
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		off += NLMSG_ALIGN(e->msg.nlmsg_len - NLMSG_HDRLEN);
	len = (int)nlh->nlmsg_len - NLMSG_HDRLEN - (int)off;
	if (len <= 0)
		return;
	if (nla_parse(tb, NLMSGERR_ATTR_MAX,
		      (struct nlattr *)((char *)NLMSG_DATA(nlh) + off), len,
		      NULL))
		return;
	if (tb[NLMSGERR_ATTR_MSG])
		snprintf(r->emsg, sizeof(r->emsg), "%.*s",
			 nla_len(tb[NLMSGERR_ATTR_MSG]),
			 (char *)nla_data(tb[NLMSGERR_ATTR_MSG]));
	if (tb[NLMSGERR_ATTR_OFFS]) {
		r->has_offs = true;
		r->offs = nla_get_u32(tb[NLMSGERR_ATTR_OFFS]);
	}
	if (tb[NLMSGERR_ATTR_MISS_TYPE]) {
		r->has_miss = true;
		r->miss_type = nla_get_u32(tb[NLMSGERR_ATTR_MISS_TYPE]);
	}
}

/* The extack TLVs of an NLMSG_DONE that ends a dump. */
static inline void mw_parse_done(const struct nlmsghdr *nlh,
				 struct mw_result *r)
{
	struct nlattr *tb[NLMSGERR_ATTR_MAX + 1];
	int len = (int)nlh->nlmsg_len - NLMSG_HDRLEN - (int)sizeof(int);

	if (nlh->nlmsg_len >= NLMSG_HDRLEN + sizeof(int))
		r->err = *(int *)NLMSG_DATA(nlh);
	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS) || len <= 0)
		return;
	if (nla_parse(tb, NLMSGERR_ATTR_MAX,
		      (struct nlattr *)((char *)NLMSG_DATA(nlh) + sizeof(int)),
		      len, NULL))
		return;
	if (tb[NLMSGERR_ATTR_MSG])
		snprintf(r->emsg, sizeof(r->emsg), "%.*s",
			 nla_len(tb[NLMSGERR_ATTR_MSG]),
			 (char *)nla_data(tb[NLMSGERR_ATTR_MSG]));
}

/*
 * Reads one datagram. Returns its length, 0 on timeout (timeout_ms >= 0),
 * -errno on error.
 */
static inline int mw_recv(struct mw_sock *s, int timeout_ms)
{
	ssize_t n;

	if (timeout_ms >= 0) {
		struct pollfd p = { .fd = s->fd, .events = POLLIN };
		int ret = poll(&p, 1, timeout_ms);

		if (ret < 0)
			return -errno;
		if (ret == 0)
			return 0;
	}
	n = recv(s->fd, s->buf, MW_RXBUF, MSG_TRUNC);
	if (n < 0)
		return -errno;
	if (n > MW_RXBUF)
		return -EMSGSIZE;
	return (int)n;
}

/* Per-request timeout: TCG guests are slow, but a lost ack must not hang. */
#define MW_ACK_TIMEOUT_MS	60000

/*
 * Sends m (freed here) with NLM_F_ACK and waits for its ack. Replies go to
 * r->replies. Returns r->err, or a transport error (-ETIMEDOUT, ...).
 */
static inline int mw_exec(struct mw_sock *s, struct nl_msg *m,
			  struct mw_result *r)
{
	struct mw_result dummy;
	struct nlmsghdr *nlh;
	uint32_t seq;
	int n, err;

	if (!r)
		r = &dummy;
	memset(r, 0, sizeof(*r));
	nlmsg_hdr(m)->nlmsg_flags |= NLM_F_ACK;
	n = nl_send_auto(s->sk, m);
	seq = nlmsg_hdr(m)->nlmsg_seq;
	nlmsg_free(m);
	if (n < 0) {
		r->err = -EIO;
		goto out;
	}
	for (;;) {
		n = mw_recv(s, MW_ACK_TIMEOUT_MS);
		if (n <= 0) {
			r->err = n ? n : -ETIMEDOUT;
			goto out;
		}
		for (nlh = (struct nlmsghdr *)s->buf; NLMSG_OK(nlh, n);
		     nlh = NLMSG_NEXT(nlh, n)) {
			if (nlh->nlmsg_type == NLMSG_ERROR &&
			    nlh->nlmsg_seq == seq) {
				mw_parse_ack(nlh, r);
				goto out;
			}
			if (nlh->nlmsg_type == NLMSG_ERROR ||
			    nlh->nlmsg_type == NLMSG_DONE)
				continue;	/* stale ack of another request */
			if (r->nreplies < (int)MW_ARRAY_SIZE(r->replies))
				r->replies[r->nreplies++] = mw_msg_parse(nlh);
		}
	}
out:
	err = r->err;
	snprintf(s->last_emsg, sizeof(s->last_emsg), "%s", r->emsg);
	if (r == &dummy)
		mw_result_free(r);	/* zeroes r: err was saved above */
	return err;
}

typedef int (*mw_dump_cb)(const struct nlmsghdr *nlh, void *arg);

/*
 * Runs a dump request (m is freed) and calls cb for every message. A
 * non-zero return of cb is remembered and returned once the dump is
 * drained. Returns 0, the dump's error, or cb's error.
 */
static inline int mw_dump_raw(struct mw_sock *s, struct nl_msg *m,
			      mw_dump_cb cb, void *arg, struct mw_result *r)
{
	struct mw_result dummy;
	struct nlmsghdr *nlh;
	int n, cberr = 0;
	uint32_t seq;

	if (!r)
		r = &dummy;
	memset(r, 0, sizeof(*r));
	nlmsg_hdr(m)->nlmsg_flags |= NLM_F_DUMP;
	n = nl_send_auto(s->sk, m);
	seq = nlmsg_hdr(m)->nlmsg_seq;
	nlmsg_free(m);
	if (n < 0)
		return r->err = -EIO;
	for (;;) {
		n = mw_recv(s, MW_ACK_TIMEOUT_MS);
		if (n <= 0)
			return r->err = n ? n : -ETIMEDOUT;
		for (nlh = (struct nlmsghdr *)s->buf; NLMSG_OK(nlh, n);
		     nlh = NLMSG_NEXT(nlh, n)) {
			if (nlh->nlmsg_seq != seq)
				continue;
			if (nlh->nlmsg_type == NLMSG_DONE) {
				mw_parse_done(nlh, r);
				return r->err ? r->err : cberr;
			}
			if (nlh->nlmsg_type == NLMSG_ERROR) {
				mw_parse_ack(nlh, r);
				if (r->err)
					return r->err;
				continue;
			}
			if (!cberr)
				cberr = cb(nlh, arg);
		}
	}
}

/* A dump collected into an array of parsed messages. */
struct mw_list {
	int n, cap;
	struct mw_msg **m;
};

static inline void mw_list_free(struct mw_list *l)
{
	int i;

	for (i = 0; i < l->n; i++)
		free(l->m[i]);
	free(l->m);
	memset(l, 0, sizeof(*l));
}

static inline int mw_list_add_cb(const struct nlmsghdr *nlh, void *arg)
{
	struct mw_list *l = arg;

	if (l->n == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 16;
		l->m = realloc(l->m, l->cap * sizeof(*l->m));
		if (!l->m)
			abort();
	}
	l->m[l->n++] = mw_msg_parse(nlh);
	return 0;
}

/*
 * Dumps cmd into l (initialised here). filter_attr/filter_id restrict port
 * and route dumps to one router (filter_attr 0: no filter).
 */
static inline int mw_dump(struct mw_sock *s, uint8_t cmd, int filter_attr,
			  const struct mw_id *filter_id, struct mw_list *l)
{
	struct nl_msg *m = mw_req(s, cmd, 0);

	memset(l, 0, sizeof(*l));
	if (filter_attr)
		mw_put_id(m, filter_attr, *filter_id);
	return mw_dump_raw(s, m, mw_list_add_cb, l, NULL);
}

/* Number of objects a dump returns, or -errno. */
static inline int mw_count(struct mw_sock *s, uint8_t cmd, int filter_attr,
			   const struct mw_id *filter_id)
{
	struct mw_list l;
	int err, n;

	err = mw_dump(s, cmd, filter_attr, filter_id, &l);
	n = l.n;
	mw_list_free(&l);
	return err ? err : n;
}

/*
 * GET do of one object by id. On success *out (if given) holds the reply,
 * to be freed by the caller.
 */
static inline int mw_get(struct mw_sock *s, uint8_t cmd, int id_attr,
			 struct mw_id id, struct mw_msg **out)
{
	struct nl_msg *m = mw_req(s, cmd, 0);
	struct mw_result r;
	int err;

	mw_put_id(m, id_attr, id);
	err = mw_exec(s, m, &r);
	if (out) {
		*out = NULL;
		if (!err && r.nreplies >= 1) {
			*out = r.replies[0];
			r.replies[0] = NULL;
		} else if (!err) {
			err = -ENODATA;
		}
	}
	mw_result_free(&r);
	return err;
}

/*
 * Next multicast message (any command) of a socket that only listens, NULL
 * after timeout_ms. A datagram may hold several messages; they are handed
 * out one by one from the socket's buffer.
 */
static inline struct mw_msg *mw_next_event(struct mw_sock *s, int timeout_ms)
{
	struct nlmsghdr *nlh;
	int n;

	while (s->ev_off >= s->ev_len) {
		n = mw_recv(s, timeout_ms);
		if (n <= 0)
			return NULL;
		s->ev_len = n;
		s->ev_off = 0;
	}
	nlh = (struct nlmsghdr *)(s->buf + s->ev_off);
	n = s->ev_len - s->ev_off;
	if (!NLMSG_OK(nlh, n)) {
		s->ev_off = s->ev_len;
		return NULL;
	}
	s->ev_off += NLMSG_ALIGN(nlh->nlmsg_len);
	return mw_msg_parse(nlh);
}

/* Object shortcuts for tests that need objects, not checks. ---------- */

static inline int mw_router_new(struct mw_sock *s, struct mw_id id,
				const char *name)
{
	struct nl_msg *m = mw_req(s, MIDWAY_CMD_ROUTER_NEW, 0);

	mw_put_id(m, MIDWAY_A_ROUTER_ID, id);
	if (name)
		nla_put_string(m, MIDWAY_A_ROUTER_NAME, name);
	return mw_exec(s, m, NULL);
}

static inline int mw_host_new(struct mw_sock *s, struct mw_id id,
			      uint32_t addr, int local)
{
	struct nl_msg *m = mw_req(s, MIDWAY_CMD_HOST_NEW, 0);

	mw_put_id(m, MIDWAY_A_HOST_ID, id);
	nla_put_u32(m, MIDWAY_A_HOST_ADDR, addr);
	if (local >= 0)
		nla_put_u8(m, MIDWAY_A_HOST_LOCAL, local);
	return mw_exec(s, m, NULL);
}

/* Exterior port, optionally on a host (host NULL: nowhere yet). */
static inline int mw_port_ext(struct mw_sock *s, struct mw_id id,
			      struct mw_id router, const struct mw_id *host)
{
	struct nl_msg *m = mw_req(s, MIDWAY_CMD_PORT_NEW, 0);

	mw_put_id(m, MIDWAY_A_PORT_ID, id);
	mw_put_id(m, MIDWAY_A_PORT_ROUTER_ID, router);
	nla_put_u8(m, MIDWAY_A_PORT_KIND, MIDWAY_PORT_KIND_EXTERIOR);
	if (host)
		mw_put_id(m, MIDWAY_A_PORT_HOST_ID, *host);
	return mw_exec(s, m, NULL);
}

/* Interior port, optionally peered with an existing interior port. */
static inline int mw_port_int(struct mw_sock *s, struct mw_id id,
			      struct mw_id router, const struct mw_id *peer)
{
	struct nl_msg *m = mw_req(s, MIDWAY_CMD_PORT_NEW, 0);

	mw_put_id(m, MIDWAY_A_PORT_ID, id);
	mw_put_id(m, MIDWAY_A_PORT_ROUTER_ID, router);
	nla_put_u8(m, MIDWAY_A_PORT_KIND, MIDWAY_PORT_KIND_INTERIOR);
	if (peer)
		mw_put_id(m, MIDWAY_A_PORT_PEER_ID, *peer);
	return mw_exec(s, m, NULL);
}

/* Route with a next hop of type nh; port (NULL: none) and gw (0: none). */
static inline int mw_route_new(struct mw_sock *s, struct mw_id id,
			       struct mw_id router, uint32_t dst, int len,
			       int nh, const struct mw_id *port, uint32_t gw)
{
	struct nl_msg *m = mw_req(s, MIDWAY_CMD_ROUTE_NEW, 0);

	mw_put_id(m, MIDWAY_A_ROUTE_ID, id);
	mw_put_id(m, MIDWAY_A_ROUTE_ROUTER_ID, router);
	nla_put_u32(m, MIDWAY_A_ROUTE_DST, dst);
	nla_put_u8(m, MIDWAY_A_ROUTE_DST_LEN, len);
	nla_put_u8(m, MIDWAY_A_ROUTE_NH_TYPE, nh);
	if (port)
		mw_put_id(m, MIDWAY_A_ROUTE_PORT_ID, *port);
	if (gw)
		nla_put_u32(m, MIDWAY_A_ROUTE_GATEWAY, gw);
	return mw_exec(s, m, NULL);
}

static inline int mw_del(struct mw_sock *s, uint8_t cmd, int id_attr,
			 struct mw_id id, int cascade_attr)
{
	struct nl_msg *m = mw_req(s, cmd, 0);

	mw_put_id(m, id_attr, id);
	if (cascade_attr)
		nla_put_flag(m, cascade_attr);
	return mw_exec(s, m, NULL);
}

/* Batches: many requests in one sendmsg(). --------------------------- */

struct mw_batch {
	uint8_t *buf;
	size_t len, cap;
	uint32_t first_seq, next_seq;
	int count;
};

/* Appends m (freed) with NLM_F_ACK and its own sequence number. */
static inline void mw_batch_add(struct mw_batch *b, struct nl_msg *m)
{
	struct nlmsghdr *nlh = nlmsg_hdr(m);
	size_t len = NLMSG_ALIGN(nlh->nlmsg_len);

	if (!b->count)
		b->first_seq = b->next_seq;
	nlh->nlmsg_flags |= NLM_F_REQUEST | NLM_F_ACK;
	nlh->nlmsg_seq = b->next_seq++;
	if (b->len + len > b->cap) {
		b->cap = b->cap ? 2 * b->cap : 1 << 16;
		if (b->cap < b->len + len)
			b->cap = b->len + len;
		b->buf = realloc(b->buf, b->cap);
		if (!b->buf)
			abort();
	}
	memcpy(b->buf + b->len, nlh, nlh->nlmsg_len);
	memset(b->buf + b->len + nlh->nlmsg_len, 0, len - nlh->nlmsg_len);
	b->len += len;
	b->count++;
	nlmsg_free(m);
}

/*
 * Sends the batch in one datagram and reads one ack per message. Returns
 * the number of failed requests (first error in *first_err, with the index
 * of its message in *first_idx), or -errno on a transport error.
 */
static inline int mw_batch_flush(struct mw_sock *s, struct mw_batch *b,
				 int *first_err, int *first_idx)
{
	struct nlmsghdr *nlh;
	int acked = 0, failed = 0, n;

	if (!b->count)
		return 0;
	if (send(s->fd, b->buf, b->len, 0) != (ssize_t)b->len)
		return -errno;
	while (acked < b->count) {
		n = mw_recv(s, MW_ACK_TIMEOUT_MS);
		if (n <= 0)
			return n ? n : -ETIMEDOUT;
		for (nlh = (struct nlmsghdr *)s->buf; NLMSG_OK(nlh, n);
		     nlh = NLMSG_NEXT(nlh, n)) {
			const struct nlmsgerr *e = NLMSG_DATA(nlh);

			if (nlh->nlmsg_type != NLMSG_ERROR ||
			    nlh->nlmsg_seq - b->first_seq >= (uint32_t)b->count)
				continue;
			acked++;
			if (e->error && !failed++) {
				if (first_err)
					*first_err = e->error;
				if (first_idx)
					*first_idx = nlh->nlmsg_seq -
						     b->first_seq;
			}
		}
	}
	b->len = 0;
	b->count = 0;
	return failed;
}

static inline void mw_batch_free(struct mw_batch *b)
{
	free(b->buf);
	memset(b, 0, sizeof(*b));
}

static inline double mw_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

#endif /* MIDWAY_SELFTEST_NL_HELPERS_H */
