/* SPDX-License-Identifier: GPL-2.0 */
/*
 * midwayd: the per-host controller. It reads the topology from ZooKeeper,
 * makes the kernel module match it, and publishes this host's liveness and
 * which of its ports are up (Documentation/midwayd.md).
 *
 * One thread owns all state (main.c's loop). The ZooKeeper client's own
 * threads only queue what they receive (zk.c) and wake the loop.
 */
#ifndef MIDWAYD_H
#define MIDWAYD_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "mwnl.h"
#include "topo.h"
#include "zkc.h"

/* Logging (log.c) --------------------------------------------------------- */

enum { LOG_LVL_ERR, LOG_LVL_WARN, LOG_LVL_INFO, LOG_LVL_DEBUG };

extern int log_level;
void log_init(int level);
void log_msg(int level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
#define err(...)	log_msg(LOG_LVL_ERR, __VA_ARGS__)
#define warn(...)	log_msg(LOG_LVL_WARN, __VA_ARGS__)
#define info(...)	log_msg(LOG_LVL_INFO, __VA_ARGS__)
#define dbg(...)	do { if (log_level >= LOG_LVL_DEBUG) \
				log_msg(LOG_LVL_DEBUG, __VA_ARGS__); } while (0)

/* Configuration (config.c) ------------------------------------------------ */

struct config {
	char	zk[1024];		/* connect string */
	char	root[ZKC_PATH_MAX / 2];
	int	session_timeout_ms;
	char	state_dir[256];		/* host-id, session */
	char	host_name[TOPO_NAME_MAX];
	struct mwnl_uuid host_id;
	uint32_t underlay;		/* network order */
	char	cred_file[256];
	struct zkc_cred cred;
	char	status_sock[256];
	bool	close_on_exit;		/* end the session on SIGTERM */
	int	log_level;
};

int config_load(struct config *c, int argc, char **argv);
/* Options of "midwayd status". */
int status_main(int argc, char **argv);

/* Counters and state shown by "midwayd status" ---------------------------- */

enum session_state {
	SESS_CONNECTING,	/* no session yet, or a new one being opened */
	SESS_CONNECTED,
	SESS_DISCONNECTED,	/* the session may still live: keep going */
	SESS_EXPIRED,
};

struct rejected {		/* a document or object set aside */
	char	what[TOPO_NODE_MAX + 16];	/* "port 1234-..." */
	char	why[TOPO_ERR_MAX + 64];
};

#define REJECTED_MAX	64

struct daemon_stats {
	enum session_state session;
	int64_t	session_id;
	time_t	started;
	time_t	last_sync;		/* last reconcile that left no difference */
	double	last_sync_ms;
	double	sync_ms_total;		/* time spent in reconciliation */
	unsigned long syncs;
	unsigned long applied;		/* kernel requests that succeeded */
	unsigned long kernel_errors;	/* kernel requests that failed */
	unsigned long docs_read;
	unsigned long docs_rejected;	/* malformed documents, ever */
	unsigned long objs_skipped;	/* inconsistent objects, last pass */
	unsigned long events_lost;	/* ENOBUFS on the kernel events */
	unsigned long sessions;		/* sessions opened */
	unsigned long active_published;
	/* The current reasons, malformed documents then skipped objects. */
	struct rejected rej[REJECTED_MAX];
	int	n_rej;
};

extern struct daemon_stats stats;
/* Set @what aside with its reason (shown by status), or take it back. */
void stats_reject(const char *what, const char *why);
void stats_unreject(const char *what);

/* ZooKeeper (zk.c) -------------------------------------------------------- */

struct zk;

struct zk *zk_new(const struct config *c, struct topo *topo);
/* The fd the loop polls: readable when events are queued. */
int zk_fd(struct zk *z);
/*
 * Process what the client's threads queued. Sets *changed when the topology
 * changed; returns true while the topology is complete (every list and
 * document of the current session read at least once).
 */
bool zk_process(struct zk *z, bool *changed);
/* The kinds (1 << TOPO_*) that changed since the last call. */
unsigned int zk_take_changes(struct zk *z);
/*
 * A watched node was deleted since the last call (a host or a port going
 * away, a failover): worth a pass at once, without gathering. The list
 * read that follows the deletion brings nothing new.
 */
bool zk_take_urgent(struct zk *z);
/* Reads are in flight: more changes are on their way. */
bool zk_busy(struct zk *z);
/* Publish or withdraw "port active on this host". */
void zk_set_active(struct zk *z, const struct mwnl_uuid *port, bool up);
/* Whether this session published port @port as active. */
bool zk_is_active(struct zk *z, const struct mwnl_uuid *port);
/* Leave: close the session (ephemeral nodes go) or just drop it. */
void zk_free(struct zk *z, bool close_session);

/* The kernel (kernel.c) --------------------------------------------------- */

/* A kernel object: what midwayd sets and reads back. */
struct kport {
	struct topo_port p;
	struct mwnl_uuid host;		/* zero: on no host */
	char	ifname[IFNAMSIZ];	/* "": not bound */
	uint8_t	remote_up;
	uint8_t	oper_up;		/* read only */
};

struct khost {
	char	name[TOPO_NAME_MAX];
	uint32_t addr;
	bool	local;
};

struct kobj {
	enum topo_kind kind;		/* ROUTER, PORT, ROUTE or HOST */
	char	node[TOPO_NODE_MAX];
	struct mwnl_uuid id;
	bool	active;			/* route: read only */
	union {
		struct topo_router router;
		struct kport port;
		struct topo_route route;
		struct khost host;
	};
};

struct kstate;

struct kstate *kstate_new(void);
void kstate_free(struct kstate *k);
int kstate_put(struct kstate *k, const struct kobj *o);
bool kstate_del(struct kstate *k, enum topo_kind kind, const char *node);
struct kobj *kstate_get(struct kstate *k, enum topo_kind kind,
			const char *node);
size_t kstate_count(const struct kstate *k, enum topo_kind kind);
/* The objects of @kind as a malloc'd array of pointers, in node order. */
struct kobj **kstate_list(const struct kstate *k, enum topo_kind kind,
			  size_t *n);

void kobj_init(struct kobj *o, enum topo_kind kind,
	       const struct mwnl_uuid *id);
/* Read everything the kernel holds. 0 or -errno (-EINTR: retry). */
int kernel_dump(struct mwnl *nl, struct kstate *k);
/* Decode one PORT message (dump or event) into @o. 0 or -EINVAL. */
int kernel_parse_port(struct nlmsghdr *nlh, struct kobj *o);
/* Add the attributes that make @o; @full: every attribute (NEW). */
int kernel_put_obj(struct nl_msg *msg, const struct kobj *o);

/* Reconciliation (reconcile.c) -------------------------------------------- */

struct reconciler;

/* @nl: requests and dumps; @ev: subscribed to the events group, nonblocking. */
struct reconciler *reconciler_new(const struct config *c, struct mwnl *nl,
				  struct mwnl *ev);
void reconciler_free(struct reconciler *r);
/*
 * Make the kernel match @topo. @redump: read the kernel first (start,
 * lost events, a failed request); otherwise trust the last view.
 * @changed_kinds: what changed in the topology (1 << TOPO_*); when neither
 * routers nor ports did, only the routes in @topo's journal of changed
 * routes (topo_track) are compared: no other can differ. Returns the
 * number of requests sent, or -errno.
 */
int reconcile(struct reconciler *r, struct topo *topo, struct zk *z,
	      bool redump, unsigned int changed_kinds);
/*
 * Apply the kernel's queued events to the view and keep the "active" nodes
 * of local ports right. Also done before every dump. Returns true when
 * events were lost (the view must be read again).
 */
bool reconcile_read_events(struct reconciler *r, struct zk *z);
/* Local interfaces appeared or went: bind what can now be bound. */
void reconcile_links_changed(struct reconciler *r);

/* The status socket (status.c) -------------------------------------------- */

int status_listen(const char *path);
void status_serve(int lfd, const struct config *c);

#endif /* MIDWAYD_H */
