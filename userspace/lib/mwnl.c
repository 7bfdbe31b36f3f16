// SPDX-License-Identifier: GPL-2.0
/*
 * mwnl: client library for the midway generic netlink family. See mwnl.h.
 *
 * Receiving goes through libnl's nl_recvmsgs() with our own callbacks: a
 * sequence check that drops whatever is not a reply to the requests being
 * waited for, an error callback that keeps the first error with its
 * extended ack, and a done callback that reads the error a dump may end
 * with (libnl ignores it).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>

#include <linux/genetlink.h>
#include <linux/netlink.h>

#include <netlink/errno.h>
#include <netlink/genl/ctrl.h>
#include <netlink/socket.h>

#include "mwnl.h"

struct mwnl {
	struct nl_sock	*sk;
	struct nl_cb	*cb;
	int		family;
	bool		events;		/* subscribed: no sequence checks */
	struct mwnl_err	err;
	char		text[MWNL_ERRMSG_MAX + 64];
};

/* One wait for the replies to a request, or to the requests of a batch. */
struct mwnl_wait {
	struct mwnl	*nl;
	uint32_t	seq_first;	/* replies accepted: seq_first.. */
	uint32_t	seq_last;	/* ..seq_last, seq_last ends */
	void		*reqs;		/* the requests sent, to find the */
	size_t		reqs_len;	/* attribute an error points to */
	long		index_base;	/* batch index of seq_first, or -1 */
	unsigned long	failed;
	mwnl_cb_t	cb;
	void		*arg;
	int		cb_ret;		/* what cb returned to stop, or 0 */
	bool		done;
	bool		intr;		/* a dump said NLM_F_DUMP_INTR */
};

struct mwnl_batch {
	struct mwnl	*nl;
	char		*buf;		/* queued requests, back to back */
	size_t		len;
	size_t		cap;
	size_t		last;		/* offset of the last queued request */
	unsigned int	count;
	uint32_t	seq_first;
	unsigned int	max_msgs;
	size_t		max_bytes;
	unsigned int	msgs_cap;	/* what the receive buffer allows */
	size_t		bytes_cap;	/* what the send buffer allows */
	unsigned long	sent;
	unsigned long	failed;
	int		error;		/* first failure (sticky), -errno */
};

/*
 * A conservative truesize of one error ack in the receive buffer: every
 * request of a send may fail, and a lost ack would go unnoticed.
 */
#define ACK_TRUESIZE	2048

static void err_reset(struct mwnl_err *e)
{
	memset(e, 0, sizeof(*e));
	e->offset = -1;
	e->attr = -1;
	e->miss_type = -1;
	e->miss_nest = -1;
	e->index = -1;
}

/* A libnl error code as an errno. */
static int nlerr_errno(int nlerr)
{
	switch (nlerr < 0 ? -nlerr : nlerr) {
	case NLE_SUCCESS:
		return 0;
	case NLE_INTR:
	case NLE_DUMP_INTR:
		return EINTR;
	case NLE_BAD_SOCK:
		return EBADF;
	case NLE_AGAIN:
		return EAGAIN;
	case NLE_NOMEM:
		return ENOMEM;
	case NLE_EXIST:
		return EEXIST;
	case NLE_INVAL:
	case NLE_MISSING_ATTR:
	case NLE_PARSE_ERR:
		return EINVAL;
	case NLE_RANGE:
	case NLE_ATTRSIZE:
		return ERANGE;
	case NLE_MSGSIZE:
		return EMSGSIZE;
	case NLE_OPNOTSUPP:
	case NLE_MSGTYPE_NOSUPPORT:
		return EOPNOTSUPP;
	case NLE_AF_NOSUPPORT:
		return EAFNOSUPPORT;
	case NLE_OBJ_NOTFOUND:
	case NLE_NOATTR:
		return ENOENT;
	case NLE_BUSY:
		return EBUSY;
	case NLE_PROTO_MISMATCH:
		return EPROTONOSUPPORT;
	case NLE_NOACCESS:
		return EACCES;
	case NLE_PERM:
		return EPERM;
	case NLE_NODEV:
		return ENODEV;
	case NLE_NOADDR:
		return EADDRNOTAVAIL;
	case NLE_SEQ_MISMATCH:
	case NLE_MSG_TRUNC:
	case NLE_MSG_TOOSHORT:
	case NLE_MSG_OVERFLOW:
		return EPROTO;
	default:
		return EIO;
	}
}

/*
 * The errno behind a libnl error returned by a socket call. libnl folds
 * several errnos into one code (ENOBUFS, an overrun, becomes NLE_NOMEM);
 * errno is still the original when it maps to that code.
 */
static int sys_errno(int nlerr)
{
	int e = errno;

	if (e > 0 && nl_syserr2nlerr(e) == (nlerr < 0 ? -nlerr : nlerr))
		return e;
	return nlerr_errno(nlerr);
}

/* Record an error unless one is recorded already; returns -errnum. */
static int set_error(struct mwnl *nl, int errnum, const char *msg)
{
	if (!nl->err.error) {
		nl->err.error = errnum;
		if (msg)
			snprintf(nl->err.msg, sizeof(nl->err.msg), "%s", msg);
	}
	return -errnum;
}

/* Handles ----------------------------------------------------------------- */

struct mwnl *mwnl_open(void)
{
	struct mwnl *nl;
	int one = 1;
	int ret, e;

	nl = calloc(1, sizeof(*nl));
	if (!nl)
		return NULL;
	err_reset(&nl->err);

	nl->sk = nl_socket_alloc();
	nl->cb = nl_cb_alloc(NL_CB_DEFAULT);
	if (!nl->sk || !nl->cb) {
		e = ENOMEM;
		goto fail;
	}
	ret = genl_connect(nl->sk);
	if (ret < 0) {
		e = sys_errno(ret);
		goto fail;
	}
	/* Size every read to the datagram: error acks can be large. */
	nl_socket_enable_msg_peek(nl->sk);

	ret = genl_ctrl_resolve(nl->sk, MIDWAY_GENL_NAME);
	if (ret < 0) {
		e = sys_errno(ret);
		goto fail;
	}
	nl->family = ret;

	/*
	 * Extended acks carry the kernel's explanation of an error. Capped
	 * acks leave out the copy of the request: we keep our own, to find
	 * the attribute an error offset points to. Both are best effort.
	 */
	setsockopt(nl_socket_get_fd(nl->sk), SOL_NETLINK, NETLINK_EXT_ACK,
		   &one, sizeof(one));
	setsockopt(nl_socket_get_fd(nl->sk), SOL_NETLINK, NETLINK_CAP_ACK,
		   &one, sizeof(one));
	return nl;

fail:
	mwnl_close(nl);
	errno = e;
	return NULL;
}

void mwnl_close(struct mwnl *nl)
{
	if (!nl)
		return;
	if (nl->cb)
		nl_cb_put(nl->cb);
	if (nl->sk)
		nl_socket_free(nl->sk);
	free(nl);
}

int mwnl_family(const struct mwnl *nl)
{
	return nl->family;
}

int mwnl_fd(const struct mwnl *nl)
{
	return nl_socket_get_fd(nl->sk);
}

struct nl_sock *mwnl_sock(struct mwnl *nl)
{
	return nl->sk;
}

const struct mwnl_err *mwnl_error(const struct mwnl *nl)
{
	return &nl->err;
}

const char *mwnl_strerror(struct mwnl *nl)
{
	const struct mwnl_err *e = &nl->err;

	if (e->msg[0])
		return e->msg;
	if (e->miss_type >= 0)
		snprintf(nl->text, sizeof(nl->text),
			 "missing attribute %d (%s)", e->miss_type,
			 strerror(e->error));
	else
		snprintf(nl->text, sizeof(nl->text), "%s",
			 strerror(e->error));
	return nl->text;
}

/* Receiving --------------------------------------------------------------- */

/*
 * The type of the top-level attribute at @offset in the request with
 * sequence number @seq among @reqs, or -1.
 */
static int attr_at(void *reqs, size_t len, uint32_t seq, int offset)
{
	const int hdrlen = NLMSG_HDRLEN + GENL_HDRLEN;
	struct nlmsghdr *nlh = reqs;
	int rem = len;

	for (; nlmsg_ok(nlh, rem); nlh = nlmsg_next(nlh, &rem)) {
		struct nlattr *a;
		int arem;

		if (nlh->nlmsg_seq != seq)
			continue;
		if (offset < hdrlen || (uint32_t)offset >= nlh->nlmsg_len)
			return -1;
		nla_for_each_attr(a, (struct nlattr *)((char *)nlh + hdrlen),
				  nlh->nlmsg_len - hdrlen, arem) {
			int start = (char *)a - (char *)nlh;

			if (offset >= start &&
			    offset < start + nla_total_size(nla_len(a)))
				return nla_type(a);
		}
		return -1;
	}
	return -1;
}

/*
 * Read the extended ack TLVs of @nlh (an error, an ack or a done message),
 * which start @hlen bytes into its payload.
 */
static void parse_ext_ack(struct mwnl_err *e, struct nlmsghdr *nlh,
			  size_t hlen)
{
	struct nlattr *tb[NLMSGERR_ATTR_MAX + 1];
	int len = nlmsg_datalen(nlh);
	size_t off = NLMSG_ALIGN(hlen);
	struct nlattr *a;

	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS) || off >= (size_t)len)
		return;
	if (nla_parse(tb, NLMSGERR_ATTR_MAX,
		      (struct nlattr *)((char *)nlmsg_data(nlh) + off),
		      len - off, NULL) < 0)
		return;

	a = tb[NLMSGERR_ATTR_MSG];
	if (a && nla_len(a) > 0) {
		size_t n;

		nla_strlcpy(e->msg, a, sizeof(e->msg));
		n = strlen(e->msg);
		while (n && e->msg[n - 1] == '\n')
			e->msg[--n] = '\0';
	}
	a = tb[NLMSGERR_ATTR_OFFS];
	if (a && nla_len(a) >= 4)
		e->offset = nla_get_u32(a);
	a = tb[NLMSGERR_ATTR_MISS_TYPE];
	if (a && nla_len(a) >= 4)
		e->miss_type = nla_get_u32(a);
	a = tb[NLMSGERR_ATTR_MISS_NEST];
	if (a && nla_len(a) >= 4)
		e->miss_nest = nla_get_u32(a);
}

/* Where the TLVs of an NLMSG_ERROR message start in its payload. */
static size_t err_tlv_offset(struct nlmsghdr *nlh)
{
	struct nlmsgerr *nlerr = nlmsg_data(nlh);
	size_t hlen = sizeof(*nlerr);

	/* Uncapped, the whole request follows, not only its header. */
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED) &&
	    nlerr->msg.nlmsg_len > NLMSG_HDRLEN)
		hlen += nlerr->msg.nlmsg_len - NLMSG_HDRLEN;
	return hlen;
}

static int on_seq_check(struct nl_msg *msg, void *arg)
{
	struct mwnl_wait *w = arg;
	uint32_t seq = nlmsg_hdr(msg)->nlmsg_seq;

	if (w->nl->events)
		return NL_OK;
	/* Stale replies, e.g. the rest of a dump a callback stopped. */
	if (seq - w->seq_first > w->seq_last - w->seq_first)
		return NL_SKIP;
	return NL_OK;
}

static int on_valid(struct nl_msg *msg, void *arg)
{
	struct mwnl_wait *w = arg;
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	int ret;

	if (nlh->nlmsg_type != w->nl->family)
		return NL_SKIP;
	if (nlh->nlmsg_flags & NLM_F_DUMP_INTR)
		w->intr = true;
	if (!w->cb)
		return NL_OK;
	ret = w->cb(nlh, w->arg);
	if (ret < 0) {
		w->cb_ret = ret;
		w->done = true;
		return NL_STOP;
	}
	return NL_OK;
}

static int on_error(struct sockaddr_nl *nla, struct nlmsgerr *nlerr,
		    void *arg)
{
	struct mwnl_wait *w = arg;
	/* libnl hands us the payload; the message header precedes it. */
	struct nlmsghdr *nlh = (struct nlmsghdr *)nlerr - 1;
	struct mwnl_err *e = &w->nl->err;
	uint32_t seq = nlh->nlmsg_seq;

	if (w->nl->events)
		return NL_SKIP;
	w->failed++;
	if (!e->error) {
		e->error = nlerr->error < 0 ? -nlerr->error : nlerr->error;
		e->msg[0] = '\0';
		parse_ext_ack(e, nlh, err_tlv_offset(nlh));
		if (e->offset >= 0 && w->reqs)
			e->attr = attr_at(w->reqs, w->reqs_len, seq,
					  e->offset);
		if (w->index_base >= 0)
			e->index = w->index_base + (long)(seq - w->seq_first);
	}
	if (seq == w->seq_last) {
		w->done = true;
		return NL_STOP;
	}
	return NL_SKIP;
}

static int on_ack(struct nl_msg *msg, void *arg)
{
	struct mwnl_wait *w = arg;
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	struct mwnl_err *e = &w->nl->err;

	if (w->nl->events)
		return NL_SKIP;
	/* A success may come with a warning. */
	if (!e->error && !e->msg[0])
		parse_ext_ack(e, nlh, err_tlv_offset(nlh));
	if (nlh->nlmsg_seq == w->seq_last) {
		w->done = true;
		return NL_STOP;
	}
	return NL_SKIP;
}

/* NLMSG_DONE ends a dump; its payload is an int, negative on failure. */
static int on_done(struct nl_msg *msg, void *arg)
{
	struct mwnl_wait *w = arg;
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	struct mwnl_err *e = &w->nl->err;
	int err;

	if (w->nl->events)
		return NL_SKIP;
	/* A change after the last object marks only the end. */
	if (nlh->nlmsg_flags & NLM_F_DUMP_INTR)
		w->intr = true;
	if (nlmsg_datalen(nlh) >= (int)sizeof(int)) {
		memcpy(&err, nlmsg_data(nlh), sizeof(err));
		if (err < 0 && !e->error) {
			w->failed++;
			e->error = -err;
			e->msg[0] = '\0';
			parse_ext_ack(e, nlh, sizeof(int));
		}
	}
	if (nlh->nlmsg_seq == w->seq_last)
		w->done = true;
	return NL_STOP;
}

static void set_callbacks(struct mwnl *nl, struct mwnl_wait *w)
{
	nl_cb_set(nl->cb, NL_CB_SEQ_CHECK, NL_CB_CUSTOM, on_seq_check, w);
	nl_cb_set(nl->cb, NL_CB_VALID, NL_CB_CUSTOM, on_valid, w);
	nl_cb_set(nl->cb, NL_CB_ACK, NL_CB_CUSTOM, on_ack, w);
	nl_cb_set(nl->cb, NL_CB_FINISH, NL_CB_CUSTOM, on_done, w);
	nl_cb_err(nl->cb, NL_CB_CUSTOM, on_error, w);
}

/* Read until the reply to w->seq_last has come. */
static int wait_replies(struct mwnl *nl, struct mwnl_wait *w)
{
	int ret;

	set_callbacks(nl, w);
	while (!w->done) {
		/* The number of bytes read; 0 if none (non-blocking). */
		ret = nl_recvmsgs_report(nl->sk, nl->cb);
		if (w->done)
			break;
		if (!ret)
			return set_error(nl, EAGAIN,
				"no reply: the socket is non-blocking");
		if (ret < 0) {
			int e = sys_errno(ret);

			return set_error(nl, e, e == ENOBUFS ?
				"replies lost: socket receive buffer overrun" :
				NULL);
		}
	}
	if (w->cb_ret)
		return set_error(nl, -w->cb_ret, NULL);
	if (nl->err.error)
		return -nl->err.error;
	if (w->intr)
		return set_error(nl, EINTR,
				 "dump interrupted by a change, try again");
	return 0;
}

/* Requests ---------------------------------------------------------------- */

struct nl_msg *mwnl_msg(struct mwnl *nl, uint8_t cmd, int flags)
{
	struct nl_msg *msg;

	msg = nlmsg_alloc();
	if (!msg)
		return NULL;
	if (!genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, nl->family, 0, flags,
			 cmd, MIDWAY_GENL_VERSION)) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

int mwnl_request(struct mwnl *nl, struct nl_msg *msg, mwnl_cb_t cb, void *arg)
{
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	struct mwnl_wait w = {
		.nl = nl,
		.reqs = nlh,
		.reqs_len = nlh->nlmsg_len,
		.index_base = -1,
		.cb = cb,
		.arg = arg,
	};
	int ret;

	err_reset(&nl->err);
	/* Sets the port, a new sequence number, NLM_F_REQUEST | NLM_F_ACK. */
	ret = nl_send_auto(nl->sk, msg);
	if (ret < 0) {
		ret = set_error(nl, sys_errno(ret), NULL);
		goto out;
	}
	w.seq_first = nlh->nlmsg_seq;
	w.seq_last = nlh->nlmsg_seq;
	ret = wait_replies(nl, &w);
out:
	nlmsg_free(msg);
	return ret;
}

/* Events ------------------------------------------------------------------ */

int mwnl_subscribe(struct mwnl *nl, const char *group)
{
	int grp, ret;

	err_reset(&nl->err);
	grp = genl_ctrl_resolve_grp(nl->sk, MIDWAY_GENL_NAME, group);
	if (grp < 0) {
		snprintf(nl->err.msg, sizeof(nl->err.msg),
			 "no multicast group \"%s\" in family \"%s\"", group,
			 MIDWAY_GENL_NAME);
		return set_error(nl, sys_errno(grp), NULL);
	}
	ret = nl_socket_add_membership(nl->sk, grp);
	if (ret < 0)
		return set_error(nl, sys_errno(ret), NULL);
	nl->events = true;
	return 0;
}

int mwnl_recv(struct mwnl *nl, mwnl_cb_t cb, void *arg)
{
	struct mwnl_wait w = {
		.nl = nl,
		.index_base = -1,
		.cb = cb,
		.arg = arg,
	};
	int ret;

	err_reset(&nl->err);
	set_callbacks(nl, &w);
	ret = nl_recvmsgs(nl->sk, nl->cb);
	if (w.cb_ret)
		return set_error(nl, -w.cb_ret, NULL);
	if (ret < 0) {
		int e = sys_errno(ret);

		return set_error(nl, e, e == ENOBUFS ?
				 "events lost: socket receive buffer overrun" :
				 NULL);
	}
	return 0;
}

/* Batches ----------------------------------------------------------------- */

static int sock_buf(int fd, int opt, int force_opt, int size)
{
	socklen_t len = sizeof(size);

	/* FORCE needs CAP_NET_ADMIN; the plain one is capped by sysctl. */
	if (setsockopt(fd, SOL_SOCKET, force_opt, &size, sizeof(size)) < 0 &&
	    setsockopt(fd, SOL_SOCKET, opt, &size, sizeof(size)) < 0)
		return -errno;
	if (getsockopt(fd, SOL_SOCKET, opt, &size, &len) < 0)
		return -errno;
	return size;
}

int mwnl_set_rcvbuf(struct mwnl *nl, int bytes)
{
	return sock_buf(mwnl_fd(nl), SO_RCVBUF, SO_RCVBUFFORCE, bytes);
}

struct mwnl_batch *mwnl_batch_new(struct mwnl *nl)
{
	struct mwnl_batch *b;
	int fd = mwnl_fd(nl);
	int rcv, snd;

	b = calloc(1, sizeof(*b));
	if (!b)
		return NULL;
	b->nl = nl;

	rcv = mwnl_set_rcvbuf(nl, 1 << 20);
	snd = sock_buf(fd, SO_SNDBUF, SO_SNDBUFFORCE, 1 << 20);
	b->msgs_cap = rcv > ACK_TRUESIZE ? rcv / ACK_TRUESIZE : 1;
	/* netlink_sendmsg() refuses more than sk_sndbuf - 32 bytes. */
	b->bytes_cap = snd > 4096 ? snd / 2 : 2048;
	mwnl_batch_limits(b, MWNL_BATCH_MSGS, MWNL_BATCH_BYTES);
	return b;
}

void mwnl_batch_limits(struct mwnl_batch *b, unsigned int max_msgs,
		       size_t max_bytes)
{
	if (max_msgs)
		b->max_msgs = max_msgs < b->msgs_cap ? max_msgs : b->msgs_cap;
	if (max_bytes)
		b->max_bytes = max_bytes < b->bytes_cap ? max_bytes :
							  b->bytes_cap;
}

int mwnl_batch_add(struct mwnl_batch *b, struct nl_msg *msg)
{
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	struct nl_sock *sk = b->nl->sk;
	size_t len = NLMSG_ALIGN(nlh->nlmsg_len);
	int ret = b->error;

	if (ret)
		goto out;
	if (b->count &&
	    (b->count >= b->max_msgs || b->len + len > b->max_bytes)) {
		ret = mwnl_batch_flush(b);
		if (ret)
			goto out;
	}
	if (b->len + len > b->cap) {
		size_t cap = b->cap ? b->cap : 4096;
		char *buf;

		while (cap < b->len + len)
			cap *= 2;
		buf = realloc(b->buf, cap);
		if (!buf) {
			ret = b->error = set_error(b->nl, ENOMEM, NULL);
			goto out;
		}
		b->buf = buf;
		b->cap = cap;
	}

	/* Only failures are acked, and the last request of each send. */
	nlh->nlmsg_flags |= NLM_F_REQUEST;
	nlh->nlmsg_flags &= ~NLM_F_ACK;
	nlh->nlmsg_pid = nl_socket_get_local_port(sk);
	nlh->nlmsg_seq = nl_socket_use_seq(sk);
	if (!b->count)
		b->seq_first = nlh->nlmsg_seq;
	memset(b->buf + b->len, 0, len);
	memcpy(b->buf + b->len, nlh, nlh->nlmsg_len);
	b->last = b->len;
	b->len += len;
	b->count++;
out:
	nlmsg_free(msg);
	return ret;
}

/*
 * After an overrun: read what is left of the replies to a send, to find the
 * first failure if its ack was queued before the buffer filled. The kernel
 * handles a whole send before sendmsg() returns, so everything left is
 * already queued and a non-blocking read ends it.
 */
static void drain(struct mwnl *nl, struct mwnl_wait *w)
{
	int fd = mwnl_fd(nl);
	int flags = fcntl(fd, F_GETFL);

	if (flags < 0 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0)
		return;
	/* Unless a failure was read before the overrun was noticed. */
	if (nl->err.error == ENOBUFS)
		err_reset(&nl->err);
	while (!w->done && nl_recvmsgs_report(nl->sk, nl->cb) > 0)
		;
	fcntl(fd, F_SETFL, flags);
	set_error(nl, ENOBUFS, "replies lost: socket receive buffer overrun");
}

int mwnl_batch_flush(struct mwnl_batch *b)
{
	struct mwnl *nl = b->nl;
	struct nlmsghdr *last;
	struct mwnl_wait w = {
		.nl = nl,
		.reqs = b->buf,
		.reqs_len = b->len,
		.index_base = b->sent,
	};
	int ret;

	if (b->error)
		return b->error;
	if (!b->count)
		return 0;

	err_reset(&nl->err);
	last = (struct nlmsghdr *)(b->buf + b->last);
	last->nlmsg_flags |= NLM_F_ACK;
	w.seq_first = b->seq_first;
	w.seq_last = last->nlmsg_seq;

	ret = nl_sendto(nl->sk, b->buf, b->len);
	if (ret < 0) {
		ret = set_error(nl, sys_errno(ret), NULL);
		goto out;
	}
	b->sent += b->count;
	ret = wait_replies(nl, &w);
	if (ret == -ENOBUFS)
		drain(nl, &w);
	b->failed += w.failed;
	if (nl->err.error)
		ret = -nl->err.error;
out:
	b->count = 0;
	b->len = 0;
	if (ret)
		b->error = ret;
	return ret;
}

unsigned long mwnl_batch_sent(const struct mwnl_batch *b)
{
	return b->sent;
}

unsigned long mwnl_batch_failed(const struct mwnl_batch *b)
{
	return b->failed;
}

void mwnl_batch_free(struct mwnl_batch *b)
{
	if (!b)
		return;
	free(b->buf);
	free(b);
}

/* Messages ---------------------------------------------------------------- */

uint8_t mwnl_cmd(struct nlmsghdr *nlh)
{
	struct genlmsghdr *g = nlmsg_data(nlh);

	if (nlmsg_datalen(nlh) < (int)GENL_HDRLEN)
		return 0;
	return g->cmd;
}

int mwnl_parse(struct nlmsghdr *nlh, struct nlattr **tb, int maxtype)
{
	int ret;

	if (nlmsg_datalen(nlh) < (int)GENL_HDRLEN)
		return -EPROTO;
	ret = genlmsg_parse(nlh, 0, tb, maxtype, NULL);
	return ret < 0 ? -nlerr_errno(ret) : 0;
}

int mwnl_put_uuid(struct nl_msg *msg, int type, const struct mwnl_uuid *id)
{
	int ret = nla_put(msg, type, sizeof(id->b), id->b);

	return ret < 0 ? -nlerr_errno(ret) : 0;
}

bool mwnl_get_uuid(const struct nlattr *attr, struct mwnl_uuid *id)
{
	if (!attr || nla_len(attr) != sizeof(id->b))
		return false;
	memcpy(id->b, nla_data(attr), sizeof(id->b));
	return true;
}

/* Text forms -------------------------------------------------------------- */

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c |= 0x20;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

int mwnl_uuid_parse(const char *s, struct mwnl_uuid *id)
{
	struct mwnl_uuid u;
	int i = 0, j = 0;

	if (strlen(s) != MWNL_UUID_STRLEN - 1)
		return -EINVAL;
	while (i < MWNL_UUID_STRLEN - 1) {
		int hi, lo;

		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (s[i++] != '-')
				return -EINVAL;
			continue;
		}
		hi = hexval(s[i]);
		lo = hexval(s[i + 1]);
		if (hi < 0 || lo < 0)
			return -EINVAL;
		u.b[j++] = hi << 4 | lo;
		i += 2;
	}
	*id = u;
	return 0;
}

char *mwnl_uuid_fmt(const struct mwnl_uuid *id, char buf[MWNL_UUID_STRLEN])
{
	static const char hex[] = "0123456789abcdef";
	char *p = buf;
	int i;

	for (i = 0; i < MIDWAY_UUID_LEN; i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10)
			*p++ = '-';
		*p++ = hex[id->b[i] >> 4];
		*p++ = hex[id->b[i] & 0xf];
	}
	*p = '\0';
	return buf;
}

int mwnl_uuid_random(struct mwnl_uuid *id)
{
	size_t got = 0;

	while (got < sizeof(id->b)) {
		ssize_t n = getrandom(id->b + got, sizeof(id->b) - got, 0);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		got += n;
	}
	id->b[6] = (id->b[6] & 0x0f) | 0x40;	/* version 4: random */
	id->b[8] = (id->b[8] & 0x3f) | 0x80;	/* variant RFC 4122 */
	return 0;
}

bool mwnl_uuid_is_zero(const struct mwnl_uuid *id)
{
	static const struct mwnl_uuid zero;

	return !memcmp(id, &zero, sizeof(zero));
}

bool mwnl_uuid_eq(const struct mwnl_uuid *a, const struct mwnl_uuid *b)
{
	return !memcmp(a->b, b->b, sizeof(a->b));
}

int mwnl_u32_parse(const char *s, uint32_t min, uint32_t max, uint32_t *val)
{
	unsigned long long v = 0;
	const char *p;

	if (!*s)
		return -EINVAL;
	for (p = s; *p; p++) {
		if (*p < '0' || *p > '9')
			return -EINVAL;
		v = v * 10 + (*p - '0');
		if (v > UINT32_MAX)
			return -ERANGE;
	}
	if (v < min || v > max)
		return -ERANGE;
	*val = v;
	return 0;
}

int mwnl_addr_parse(const char *s, uint32_t *addr)
{
	struct in_addr in;

	if (inet_pton(AF_INET, s, &in) != 1)
		return -EINVAL;
	*addr = in.s_addr;
	return 0;
}

int mwnl_prefix_parse(const char *s, uint32_t *addr, uint8_t *len)
{
	char buf[INET_ADDRSTRLEN];
	const char *slash = strchr(s, '/');
	uint32_t a, l = 32, mask;
	size_t n = slash ? (size_t)(slash - s) : strlen(s);

	if (n >= sizeof(buf))
		return -EINVAL;
	memcpy(buf, s, n);
	buf[n] = '\0';
	if (mwnl_addr_parse(buf, &a))
		return -EINVAL;
	if (slash && mwnl_u32_parse(slash + 1, 0, 32, &l))
		return -EINVAL;
	*addr = a;
	*len = l;
	mask = l ? htonl(~0u << (32 - l)) : 0;
	return a & ~mask ? -ERANGE : 0;
}

char *mwnl_addr_fmt(uint32_t addr, char buf[MWNL_PREFIX_STRLEN])
{
	struct in_addr in = { .s_addr = addr };

	inet_ntop(AF_INET, &in, buf, MWNL_PREFIX_STRLEN);
	return buf;
}

char *mwnl_prefix_fmt(uint32_t addr, uint8_t len,
		      char buf[MWNL_PREFIX_STRLEN])
{
	size_t n;

	mwnl_addr_fmt(addr, buf);
	n = strlen(buf);
	snprintf(buf + n, MWNL_PREFIX_STRLEN - n, "/%u", len);
	return buf;
}

int mwnl_mac_parse(const char *s, uint8_t mac[6])
{
	uint8_t m[6];
	int i;

	for (i = 0; i < 6; i++) {
		int hi = hexval(*s), lo;

		if (hi < 0)
			return -EINVAL;
		s++;
		lo = hexval(*s);
		if (lo >= 0) {
			m[i] = hi << 4 | lo;
			s++;
		} else {
			m[i] = hi;
		}
		if (*s != (i < 5 ? ':' : '\0'))
			return -EINVAL;
		s++;
	}
	memcpy(mac, m, sizeof(m));
	return 0;
}

char *mwnl_mac_fmt(const uint8_t mac[6], char buf[MWNL_MAC_STRLEN])
{
	snprintf(buf, MWNL_MAC_STRLEN, "%02x:%02x:%02x:%02x:%02x:%02x",
		 mac[0], mac[1], mac[2], mac[3], mac[4], mac[5]);
	return buf;
}
