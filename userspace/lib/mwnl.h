/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mwnl: a small client library for the midway generic netlink family
 * (uapi/linux/midway.h), over libnl-genl-3. Used by mwctl and midwayd.
 *
 * A handle (struct mwnl) is one netlink socket bound to the family. It is
 * used either for requests or, after mwnl_subscribe(), for events, not both:
 * a request waits for its own replies by sequence number and drops anything
 * else, so events read on that socket in the meantime would be lost.
 *
 * Requests: build a message with mwnl_msg(), add attributes with the libnl
 * nla_put_*() helpers (or mwnl_put_uuid()), then mwnl_request() sends it,
 * passes every reply (one for a GET, many for a dump) to a callback and waits
 * for the acknowledgement. On failure it returns a negative errno and
 * mwnl_error() tells the details the kernel gave: the extended ack message
 * and the attribute at fault. mwnl_strerror() is the text a tool should print
 * after "Error: ".
 *
 * Batches: mwnl_batch_add() queues requests that need no reply; they are sent
 * many per sendmsg(), and only the failures and the last request of each
 * send are acknowledged. A batch is not a transaction: the kernel applies
 * each request on its own. The first failure is kept, with the index of the
 * request that caused it; from then on the batch sends nothing more.
 *
 * All functions returning int return 0 (or a count) on success and a
 * negative errno on failure. Handles are not thread-safe.
 */
#ifndef MWNL_H
#define MWNL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <netlink/netlink.h>
#include <netlink/attr.h>
#include <netlink/msg.h>
#include <netlink/genl/genl.h>

#include <linux/midway.h>

struct mwnl;
struct mwnl_batch;

/* An object id, as carried in the *_ID attributes (RFC 4122 byte order). */
struct mwnl_uuid {
	uint8_t b[MIDWAY_UUID_LEN];
};

#define MWNL_UUID_STRLEN	37	/* 8-4-4-4-12 hex digits, NUL */
#define MWNL_MAC_STRLEN		18	/* "xx:xx:xx:xx:xx:xx" */
#define MWNL_PREFIX_STRLEN	19	/* "255.255.255.255/32" */
#define MWNL_ERRMSG_MAX		256

/* What the kernel said about the last failed (or warned about) request. */
struct mwnl_err {
	int	error;		/* positive errno, 0 if the request succeeded */
	char	msg[MWNL_ERRMSG_MAX];	/* extack message; on success, a
					 * warning; "" if none */
	int	offset;		/* offset in the request of the attribute at
				 * fault, -1 if none */
	int	attr;		/* type of the top-level attribute at fault,
				 * -1 if none or unknown */
	int	miss_type;	/* type of a missing required attribute, -1 */
	int	miss_nest;	/* offset of the nest it is missing from; -1:
				 * the top level */
	long	index;		/* batch: index of the failed request (from 0,
				 * in the order of mwnl_batch_add()), else -1 */
};

/*
 * Called for every message of the family received for a request, or for
 * every event. Return 0 to go on, or a negative errno to stop: the request
 * (or mwnl_recv()) then returns that value.
 */
typedef int (*mwnl_cb_t)(struct nlmsghdr *nlh, void *arg);

/* Handles ----------------------------------------------------------------- */

/*
 * Open a socket and resolve the family. NULL on failure with errno set;
 * ENOENT means the family is not registered (midway.ko not loaded).
 */
struct mwnl *mwnl_open(void);
void mwnl_close(struct mwnl *nl);

int mwnl_family(const struct mwnl *nl);
int mwnl_fd(const struct mwnl *nl);
struct nl_sock *mwnl_sock(struct mwnl *nl);

/*
 * Ask for a socket receive buffer of @bytes (beyond net.core.rmem_max if
 * CAP_NET_ADMIN allows). Returns the size the kernel reports, which counts
 * its overhead too, or -errno.
 */
int mwnl_set_rcvbuf(struct mwnl *nl, int bytes);

const struct mwnl_err *mwnl_error(const struct mwnl *nl);
/* The extack message if any, else strerror() of the error (or warning). */
const char *mwnl_strerror(struct mwnl *nl);

/* Requests ---------------------------------------------------------------- */

/*
 * A new request for command @cmd, with the genl header in place. @flags are
 * extra netlink flags: NLM_F_DUMP for a dump, NLM_F_ECHO... NULL if out of
 * memory. Free it with nlmsg_free() unless it is handed to a function below,
 * which always takes it.
 */
struct nl_msg *mwnl_msg(struct mwnl *nl, uint8_t cmd, int flags);

/*
 * Send @msg, pass every reply to @cb (may be NULL), wait for the end.
 *
 * A dump during which the instance changed (the kernel marks its messages
 * NLM_F_DUMP_INTR) is read to its end, every message passed to @cb, and
 * then fails with -EINTR: what @cb saw may mix states from before and
 * after the change. The caller should drop it and redo the dump.
 */
int mwnl_request(struct mwnl *nl, struct nl_msg *msg, mwnl_cb_t cb, void *arg);

/* Events ------------------------------------------------------------------ */

/* Join multicast group @group of the family (MIDWAY_MCGRP_EVENTS). */
int mwnl_subscribe(struct mwnl *nl, const char *group);

/*
 * Read what one recvmsg() returns and pass each message to @cb. Blocks
 * unless the socket was made non-blocking (nl_socket_set_nonblocking()),
 * in which case it returns 0 when nothing is there. -ENOBUFS: events were
 * lost because the socket buffer overflowed; the caller should resync
 * (dump what it follows again). The socket stays usable: the next call
 * reads the events that came after the loss.
 */
int mwnl_recv(struct mwnl *nl, mwnl_cb_t cb, void *arg);

/* Batches ----------------------------------------------------------------- */

#define MWNL_BATCH_MSGS		256	/* default requests per sendmsg() */
#define MWNL_BATCH_BYTES	65536	/* default bytes per sendmsg() */

/* NULL with errno set on failure. Enlarges the socket buffers. */
struct mwnl_batch *mwnl_batch_new(struct mwnl *nl);
/* Change the size of a send; 0 keeps the current value. */
void mwnl_batch_limits(struct mwnl_batch *b, unsigned int max_msgs,
		       size_t max_bytes);
/* Queue @msg (always taken); sends the queue first if it is full. */
int mwnl_batch_add(struct mwnl_batch *b, struct nl_msg *msg);
/* Send what is queued and wait until the kernel has processed it. */
int mwnl_batch_flush(struct mwnl_batch *b);
/* Requests sent so far, and how many of them failed. */
unsigned long mwnl_batch_sent(const struct mwnl_batch *b);
unsigned long mwnl_batch_failed(const struct mwnl_batch *b);
/* Frees the batch; queued requests are dropped, not sent. */
void mwnl_batch_free(struct mwnl_batch *b);

/* Messages ---------------------------------------------------------------- */

/* The genl command of a message, 0 if it has no genl header. */
uint8_t mwnl_cmd(struct nlmsghdr *nlh);
/* Parse the top-level attributes into tb[0..maxtype]; no policy. */
int mwnl_parse(struct nlmsghdr *nlh, struct nlattr **tb, int maxtype);

int mwnl_put_uuid(struct nl_msg *msg, int type, const struct mwnl_uuid *id);
/* Copy a 16-byte attribute; false if absent or of the wrong size. */
bool mwnl_get_uuid(const struct nlattr *attr, struct mwnl_uuid *id);

/* Text forms -------------------------------------------------------------- */

/* Parse the 36-character form, any case. 0 or -EINVAL. */
int mwnl_uuid_parse(const char *s, struct mwnl_uuid *id);
/* Lower case; returns buf. */
char *mwnl_uuid_fmt(const struct mwnl_uuid *id, char buf[MWNL_UUID_STRLEN]);
/* A random (version 4) uuid from getrandom(). */
int mwnl_uuid_random(struct mwnl_uuid *id);
bool mwnl_uuid_is_zero(const struct mwnl_uuid *id);
bool mwnl_uuid_eq(const struct mwnl_uuid *a, const struct mwnl_uuid *b);

/* IPv4 address, dotted quad only; *addr in network order. 0 or -EINVAL. */
int mwnl_addr_parse(const char *s, uint32_t *addr);
/*
 * "A.B.C.D/LEN", or "A.B.C.D" meaning /32. 0, or -EINVAL if malformed, or
 * -ERANGE if well formed but with bits set beyond the length.
 */
int mwnl_prefix_parse(const char *s, uint32_t *addr, uint8_t *len);
char *mwnl_addr_fmt(uint32_t addr, char buf[MWNL_PREFIX_STRLEN]);
char *mwnl_prefix_fmt(uint32_t addr, uint8_t len,
		      char buf[MWNL_PREFIX_STRLEN]);

/* "xx:xx:xx:xx:xx:xx", one or two hex digits per byte. 0 or -EINVAL. */
int mwnl_mac_parse(const char *s, uint8_t mac[6]);
char *mwnl_mac_fmt(const uint8_t mac[6], char buf[MWNL_MAC_STRLEN]);

/* Decimal number in [min, max], nothing else. 0 or -EINVAL / -ERANGE. */
int mwnl_u32_parse(const char *s, uint32_t min, uint32_t max, uint32_t *val);

#endif /* MWNL_H */
