// SPDX-License-Identifier: GPL-2.0
/*
 * Allocation failures in every request of the object and route API.
 *
 * The kernel's fault injection can make the n-th allocation of a task fail
 * (/proc/thread-self/fail-nth, honoured by failslab and fail_page_alloc):
 * that is how syzkaller walks error paths. This test runs a script of
 * requests covering every object type (routers, hosts, ports and peers,
 * routes of every kind, ECMP groups, source prefixes, neighbours, refused
 * deletes and cascades, a few hundred prefixes in the forwarding table)
 * and sends each request again and again with its 1st, 2nd, 3rd...
 * allocation failing, until it makes fewer allocations than that. After
 * each try:
 *
 *   - a request that failed must have failed with -errno (-ENOMEM or
 *     -ENOBUFS, or what a clean run answers) and an extack message, and
 *     left the instance exactly as it was;
 *   - a request that succeeded anyway (the allocation was optional, or
 *     retried) must have left the instance exactly as a clean run does;
 *   - a lost ack (its own allocation failed: -ENOBUFS) may be either; a
 *     request that never left sendmsg() cannot have changed anything.
 *
 * "The instance" is what the API shows of it: the dumps of the four object
 * types, the neighbour tables of two ports, and ROUTE_LOOKUP answers for
 * chosen destinations, sources and flows, which show what the forwarding
 * table really does (ACTIVE must mean "in the table"). A try looks up the
 * step's own prefixes and the sentinels of the routers the step can touch;
 * the last try of each step (a clean run) every sentinel.
 *
 * The reference is one instance (a network namespace) that runs the script
 * without injection, a step ahead of the tries: its state before and after
 * each request is what the tries are compared with. Tries happen in a pool
 * of other instances. A try that fails leaves its instance where it was,
 * ready for the next n; one that succeeds moves it past the request, ready
 * for the next one. When no instance is at the right step, the one closest
 * behind is brought there by replaying the script in batches, or a new one
 * is made. The instances listen to the events group, so that events are
 * allocated too. Each success costs an instance, so a long run of failures
 * that are absorbed as they should be (events not sent, a table not
 * compacted) is sampled: after 8 in a row, every 2nd, 4th, then 8th
 * allocation, and the last ones of the request one by one again.
 *
 * The genetlink core allocates the attribute table of a request before the
 * family's handler runs: the first failure past sendmsg() comes without an
 * extack message (the core cannot add one). A request that midway refuses
 * before allocating anything shows that pattern at the start.
 *
 * Knobs (environment):
 *   MW_FAULTS_BULK=N     /24 prefixes in the big table (default 80; 2/3 as
 *                        many /28 and /32 come with them)
 *   MW_FAULTS_STEPS=A-B,C
 *                        inject only into these steps (the rest run clean)
 *   MW_FAULTS_STRICT=1   an absorbed failure must give the clean state at
 *                        once; by default the test waits up to 1.5 s for
 *                        the module's own retry (a resync) to get there
 *   MW_FAULTS_STACKS=1   the call path of each injected failure, on FAIL
 *                        lines (and every try with MW_FAULTS_VERBOSE);
 *                        failslab's verbose=2 puts call traces in the
 *                        kernel log, which makes tools/vm/run exit 3: use
 *                        it with MW_FAULTS_STEPS, to look
 *   MW_FAULTS_DRYRUN=1   no injection: run the script and the checks only
 *                        (for a kernel without fault injection)
 *   MW_FAULTS_VERBOSE=1  one line per try
 */
#include <ctype.h>
#include <dirent.h>
#include <sys/mman.h>
#include <sys/mount.h>

#include "mw_test.h"

#define MAX_STEPS	2048
#define MAX_ROUTES	4096
#define MAX_PROBES	4096
#define MAX_SENTINELS	512
#define MAX_INST	40
#define MAX_NTH		20000
#define REQ_MAX		2048
#define BATCH		256
#define ACK_MS		30000
#define DETAILED	30	/* findings whose whole diff is printed */
#define SAMPLE_AFTER	8	/* absorbed failures in a row, then sample */
#define SAMPLE_MAX	8	/* at most every 8th allocation */

#define IP(a, b, c, d)	((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | \
			 (uint32_t)(c) << 8 | (uint32_t)(d))

#define FAIL_NTH	"/proc/thread-self/fail-nth"
#define DEBUGFS		"/sys/kernel/debug"

/* A ROUTE_LOOKUP: router, destination, source and flow (host order). */
struct probe {
	struct mw_id router;
	uint32_t dst, src;
	uint16_t sport;
	uint8_t proto;
	uint8_t rno;		/* the router's number */
	bool wide;		/* a sentinel only for S_WIDE and S_ALL */
};

/* What a snapshot looks up. */
enum scope {
	S_STEP,		/* the step's probes, sentinels of the routers it touches */
	S_WIDE,		/* the step's probes, every sentinel */
	S_ALL,		/* every probe of the script */
};

#define ALL_ROUTERS	(~0u)

/* A route of the script, for its probes. */
struct route {
	int router, port;
	uint32_t dst, gw, src, weight;
	int len, slen, nh;
	bool used;
};

struct step {
	struct nl_msg *msg;	/* built once (NL_AUTO_SEQ), copied per send */
	char what[112];
	int want;		/* what a clean run must answer: 0, -errno */
	int ref;		/* what the reference answered */
	bool noinject;		/* setup and cleanup: run clean everywhere */
	bool check_all;		/* then every probe, reference and pool */
	int probe_first, probe_n;
	uint32_t routers;	/* bit n: router n's sentinels in its snapshots */
};

/* An instance of midway: a network namespace with its sockets. */
struct inst {
	struct mw_sock *s;	/* requests and dumps */
	struct nl_sock *ev;	/* in the events group, drained */
	int at;			/* steps of the script applied */
	bool verified;		/* its state was checked at @at */
	int no;
};

/* The outcome of one try. */
struct outcome {
	enum { O_SEND_FAILED, O_LOST_ACK, O_ACKED } how;
	int err;		/* the ack's error, or what send/recv said */
	char emsg[256];
	unsigned int left;	/* fail-nth read back: 0 = injected */
	char trace[512];	/* MW_FAULTS_STACKS: where it failed */
};

/*
 * What the API shows of an instance: what its dumps and lookups answered,
 * as records (kind, length, bytes) in the order they came, compared
 * bytewise; made into text only to show a difference.
 */
struct snap {
	uint8_t *buf;
	size_t len, cap;
	int n;
};

enum rkind { R_ROUTER = 1, R_PORT, R_ROUTE, R_HOST, R_NEIGH, R_DUMPERR, R_LOOKUP };

enum fcat {
	F_CHANGED,		/* failed, but the state changed */
	F_WRONG_STATE,		/* succeeded anyway, but not like a clean run */
	F_NO_EXTACK,		/* failed without an extack message */
	F_ERRNO,		/* failed with an errno that means something else */
	F_SUCCEEDED,		/* succeeded where a clean run fails */
	F_LOST_ACK,		/* lost ack; the state is neither before nor after */
	F_NOT_REACHED,		/* no failure injected, yet not like a clean run */
	F_DIVERGED,		/* a pool instance differs from the reference */
	F_REPLAY,		/* a clean replay answered otherwise */
	F_CLEAN,		/* the reference answered otherwise than the script */
	F_KERNEL,		/* kernel log: WARNING, BUG, ... */
	F_NCAT
};

static const char *const fcat_name[F_NCAT] = {
	[F_CHANGED]	= "failed, state changed",
	[F_WRONG_STATE]	= "succeeded, state differs from a clean run",
	[F_NO_EXTACK]	= "failed without extack message",
	[F_ERRNO]	= "failed with an unexpected errno",
	[F_SUCCEEDED]	= "succeeded where a clean run fails",
	[F_LOST_ACK]	= "lost ack, state neither before nor after",
	[F_NOT_REACHED]	= "not injected, differs from a clean run",
	[F_DIVERGED]	= "pool instance diverged",
	[F_REPLAY]	= "clean replay answered otherwise",
	[F_CLEAN]	= "clean run answered otherwise than the script",
	[F_KERNEL]	= "kernel log problem",
};

static struct {
	/* The script. */
	struct step step[MAX_STEPS];
	int n;
	struct route route[MAX_ROUTES];
	struct probe probe[MAX_PROBES];
	int nprobe;
	struct probe sentinel[MAX_SENTINELS];
	int nsentinel;
	struct mw_sock *builder;	/* family id for building requests */
	int port_router[256], port_peer[256];

	/* Instances. */
	struct inst *ref;
	struct inst *pool[MAX_INST];
	int npool, inst_no;
	int grp;

	/* Injection. */
	int nth_fd;
	bool dryrun, strict, stacks, verbose;
	const char *inject;		/* MW_FAULTS_STEPS: "A-B,C,..."; "" all */
	int kmsg;

	/* Counts. */
	unsigned long tries, injected, failed_clean, failed_core, absorbed,
		      eventual, lost_ack, not_sent, replays, replayed_steps,
		      created, snaps, sampled, failed_bare;
	double t_snap, t_try, t_replay, t_lookups;
	unsigned long nlookups;
	unsigned long findings[F_NCAT];
	unsigned long nfindings;
	unsigned int max_nth;
	int max_nth_step;
	double t0;
} T;

static uint8_t *rxbuf;	/* shared receive buffer of every mw_sock */

static __printf(1, 2) void say(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("# ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

/* Formatting -------------------------------------------------------------- */

static const char *id_str(const uint8_t *b, char *buf, size_t len)
{
	static const char tag[] = "?RPTH";
	uint32_t t = mw_id_tag(b);
	int i, o;

	if (t >= 1 && t <= 4) {
		snprintf(buf, len, "%c%u", tag[t], mw_id_num(b));
		return buf;
	}
	for (i = 0, o = 0; i < MIDWAY_UUID_LEN && o + 3 < (int)len; i++)
		o += snprintf(buf + o, len - o, "%02x", b[i]);
	return buf;
}

static const char *ip_str(uint32_t host, char *buf)
{
	struct in_addr a = { .s_addr = htonl(host) };

	return inet_ntop(AF_INET, &a, buf, INET_ADDRSTRLEN);
}

/* How to print an attribute of an object in a snapshot line. */
enum afmt { A_ID = 1, A_STR, A_U8, A_U32, A_IP, A_MAC, A_FLAG };

struct aname {
	const char *name;
	enum afmt f;
};

static const struct aname router_attrs[MW_TB_MAX + 1] = {
	[MIDWAY_A_ROUTER_ID]		= { "id", A_ID },
	[MIDWAY_A_ROUTER_NAME]		= { "name", A_STR },
	[MIDWAY_A_ROUTER_ADMIN_UP]	= { "admin", A_U8 },
	[MIDWAY_A_ROUTER_N_PORTS]	= { "ports", A_U32 },
	[MIDWAY_A_ROUTER_N_ROUTES]	= { "routes", A_U32 },
};

static const struct aname port_attrs[MW_TB_MAX + 1] = {
	[MIDWAY_A_PORT_ID]		= { "id", A_ID },
	[MIDWAY_A_PORT_ROUTER_ID]	= { "router", A_ID },
	[MIDWAY_A_PORT_NAME]		= { "name", A_STR },
	[MIDWAY_A_PORT_KIND]		= { "kind", A_U8 },
	[MIDWAY_A_PORT_ADMIN_UP]	= { "admin", A_U8 },
	[MIDWAY_A_PORT_OPER_UP]		= { "oper", A_U8 },
	[MIDWAY_A_PORT_MAC]		= { "mac", A_MAC },
	[MIDWAY_A_PORT_ADDR]		= { "addr", A_IP },
	[MIDWAY_A_PORT_PREFIXLEN]	= { "plen", A_U8 },
	[MIDWAY_A_PORT_TUNNEL_KEY]	= { "key", A_U32 },
	[MIDWAY_A_PORT_PEER_ID]		= { "peer", A_ID },
	[MIDWAY_A_PORT_HOST_ID]		= { "host", A_ID },
	[MIDWAY_A_PORT_IFINDEX]		= { "ifindex", A_U32 },
	[MIDWAY_A_PORT_PROXY_ARP]	= { "proxy_arp", A_U8 },
	[MIDWAY_A_PORT_IFNAME]		= { "ifname", A_STR },
	[MIDWAY_A_PORT_REMOTE_UP]	= { "remote_up", A_U8 },
};

static const struct aname route_attrs[MW_TB_MAX + 1] = {
	[MIDWAY_A_ROUTE_ID]		= { "id", A_ID },
	[MIDWAY_A_ROUTE_ROUTER_ID]	= { "router", A_ID },
	[MIDWAY_A_ROUTE_DST]		= { "dst", A_IP },
	[MIDWAY_A_ROUTE_DST_LEN]	= { "len", A_U8 },
	[MIDWAY_A_ROUTE_SRC]		= { "src", A_IP },
	[MIDWAY_A_ROUTE_SRC_LEN]	= { "slen", A_U8 },
	[MIDWAY_A_ROUTE_NH_TYPE]	= { "nh", A_U8 },
	[MIDWAY_A_ROUTE_GATEWAY]	= { "gw", A_IP },
	[MIDWAY_A_ROUTE_PORT_ID]	= { "port", A_ID },
	[MIDWAY_A_ROUTE_WEIGHT]		= { "weight", A_U32 },
	[MIDWAY_A_ROUTE_ACTIVE]		= { "active", A_U8 },
};

static const struct aname host_attrs[MW_TB_MAX + 1] = {
	[MIDWAY_A_HOST_ID]		= { "id", A_ID },
	[MIDWAY_A_HOST_NAME]		= { "name", A_STR },
	[MIDWAY_A_HOST_ADDR]		= { "addr", A_IP },
	[MIDWAY_A_HOST_LOCAL]		= { "local", A_U8 },
};

static const struct aname neigh_attrs[MW_TB_MAX + 1] = {
	[MIDWAY_A_NEIGH_PORT_ID]	= { "port", A_ID },
	[MIDWAY_A_NEIGH_ADDR]		= { "addr", A_IP },
	[MIDWAY_A_NEIGH_MAC]		= { "mac", A_MAC },
	[MIDWAY_A_NEIGH_STATE]		= { "state", A_U8 },
};

/*
 * One line for a message: @kind, then every attribute by type, named ones
 * as values, others (newer attributes, counters) in hex, so that nothing of
 * what the API shows escapes the comparison.
 */
static int fmt_msg(char *buf, size_t len, const char *kind,
		   const struct aname *names, const struct mw_msg *m)
{
	char s[64];
	int t, o, i;

	o = snprintf(buf, len, "%s", kind);
	for (t = 1; t <= MW_TB_MAX && o < (int)len; t++) {
		const struct nlattr *a = m->tb[t];
		const uint8_t *d;
		int alen;

		if (!a)
			continue;
		d = nla_data(a);
		alen = nla_len(a);
		if (names[t].name && names[t].f == A_ID && alen == MIDWAY_UUID_LEN) {
			o += snprintf(buf + o, len - o, " %s=%s", names[t].name,
				      id_str(d, s, sizeof(s)));
		} else if (names[t].name && names[t].f == A_STR) {
			o += snprintf(buf + o, len - o, " %s=\"%.*s\"", names[t].name,
				      alen, (const char *)d);
		} else if (names[t].name && names[t].f == A_U8 && alen >= 1) {
			o += snprintf(buf + o, len - o, " %s=%u", names[t].name, d[0]);
		} else if (names[t].name && names[t].f == A_U32 && alen == 4) {
			o += snprintf(buf + o, len - o, " %s=%u", names[t].name,
				      nla_get_u32((struct nlattr *)a));
		} else if (names[t].name && names[t].f == A_IP && alen == 4) {
			uint32_t v;

			memcpy(&v, d, 4);
			o += snprintf(buf + o, len - o, " %s=%s", names[t].name,
				      ip_str(ntohl(v), s));
		} else if (names[t].name && names[t].f == A_MAC && alen == 6) {
			o += snprintf(buf + o, len - o, " %s=%02x:%02x:%02x:%02x:%02x:%02x",
				      names[t].name, d[0], d[1], d[2], d[3], d[4], d[5]);
		} else {
			o += snprintf(buf + o, len - o, " a%d=", t);
			for (i = 0; i < alen && o + 3 < (int)len; i++)
				o += snprintf(buf + o, len - o, "%02x", d[i]);
		}
	}
	return o;
}

/* Snapshots ------------------------------------------------------------------ */

static void snap_rec(struct snap *sn, int kind, const void *a, size_t alen,
		     const void *b, size_t blen)
{
	uint16_t h[2] = { (uint16_t)kind, (uint16_t)(alen + blen) };

	if (sn->len + sizeof(h) + alen + blen > sn->cap) {
		sn->cap = 2 * (sn->len + sizeof(h) + alen + blen) + 16384;
		sn->buf = realloc(sn->buf, sn->cap);
		if (!sn->buf)
			abort();
	}
	memcpy(sn->buf + sn->len, h, sizeof(h));
	memcpy(sn->buf + sn->len + sizeof(h), a, alen);
	if (blen)
		memcpy(sn->buf + sn->len + sizeof(h) + alen, b, blen);
	sn->len += sizeof(h) + alen + blen;
	sn->n++;
}

static void snap_free(struct snap *sn)
{
	free(sn->buf);
	memset(sn, 0, sizeof(*sn));
}

static bool snap_equal(const struct snap *a, const struct snap *b)
{
	return a->n == b->n && a->len == b->len && !memcmp(a->buf, b->buf, a->len);
}

/* A lookup record: the probe, then the answer. */
struct lookup_rec {
	uint8_t router[MIDWAY_UUID_LEN];
	uint32_t dst, src;
	uint16_t sport;
	uint8_t proto, pad;
	int32_t err;
	uint8_t route[MIDWAY_UUID_LEN];	/* zero: none */
};

/* One line of text for record @r of kind @kind. */
static void rec_line(int kind, const uint8_t *r, size_t len, char *line, size_t size)
{
	static const char *const kinds[] = { "?", "router", "port", "route", "host", "neigh" };
	static const struct aname *const names[] = { NULL, router_attrs, port_attrs,
						     route_attrs, host_attrs, neigh_attrs };
	char a[40], b[40], c[40], d[40];

	if (kind >= R_ROUTER && kind <= R_NEIGH) {
		uint64_t tmp[1024];	/* aligned for the nlmsghdr */
		struct nlmsghdr *nlh = (struct nlmsghdr *)tmp;
		struct mw_msg *m;

		if (len + NLMSG_HDRLEN > sizeof(tmp))
			len = sizeof(tmp) - NLMSG_HDRLEN;
		memset(nlh, 0, NLMSG_HDRLEN);
		nlh->nlmsg_len = NLMSG_HDRLEN + len;
		memcpy((uint8_t *)tmp + NLMSG_HDRLEN, r, len);
		m = mw_msg_parse(nlh);
		fmt_msg(line, size, kinds[kind], names[kind], m);
		free(m);
	} else if (kind == R_DUMPERR) {
		int err;

		memcpy(&err, r + 1 + MIDWAY_UUID_LEN, sizeof(err));
		snprintf(line, size, "dump of command %u%s%s: error %d", r[0],
			 r[1] | r[2] ? " for " : "", r[1] | r[2] ? id_str(r + 1, a, sizeof(a)) : "",
			 err);
	} else if (kind == R_LOOKUP && len == sizeof(struct lookup_rec)) {
		struct lookup_rec l;
		int o;

		memcpy(&l, r, sizeof(l));
		o = snprintf(line, size, "lookup %s %s from %s", id_str(l.router, a, sizeof(a)),
			     ip_str(l.dst, b), ip_str(l.src, c));
		if (l.proto)
			o += snprintf(line + o, size - o, " flow %u:%u", l.proto, l.sport);
		if (l.err)
			snprintf(line + o, size - o, " -> error %d", l.err);
		else
			snprintf(line + o, size - o, " -> %s", id_str(l.route, d, sizeof(d)));
	} else {
		snprintf(line, size, "record of kind %d, %zu bytes", kind, len);
	}
}

struct lines {
	char **l;
	int n;
};

static int cmp_line(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The records of @sn as sorted lines. */
static void snap_lines(const struct snap *sn, struct lines *ls)
{
	char line[2048];
	size_t off = 0;

	ls->n = 0;
	ls->l = calloc(sn->n + 1, sizeof(*ls->l));
	if (!ls->l)
		abort();
	while (off + 4 <= sn->len && ls->n < sn->n) {
		uint16_t h[2];

		memcpy(h, sn->buf + off, sizeof(h));
		rec_line(h[0], sn->buf + off + 4, h[1], line, sizeof(line));
		ls->l[ls->n] = strdup(line);
		if (!ls->l[ls->n++])
			abort();
		off += 4 + h[1];
	}
	qsort(ls->l, ls->n, sizeof(*ls->l), cmp_line);
}

static void lines_free(struct lines *ls)
{
	int i;

	for (i = 0; i < ls->n; i++)
		free(ls->l[i]);
	free(ls->l);
}

/* Prints what @got has that @want has not (+) and the reverse (-). */
static void snap_diff(const struct snap *want, const struct snap *got, int max)
{
	int i = 0, j = 0, shown = 0, more = 0, c;
	struct lines w, g;

	snap_lines(want, &w);
	snap_lines(got, &g);
	while (i < w.n || j < g.n) {
		if (i == w.n)
			c = 1;
		else if (j == g.n)
			c = -1;
		else
			c = strcmp(w.l[i], g.l[j]);
		if (!c) {
			i++;
			j++;
			continue;
		}
		if (shown < max) {
			say("    %c %s", c < 0 ? '-' : '+', c < 0 ? w.l[i] : g.l[j]);
			shown++;
		} else {
			more++;
		}
		if (c < 0)
			i++;
		else
			j++;
	}
	if (more)
		say("    ... and %d more lines", more);
	if (!shown && !more)
		say("    (the same objects and answers, in another order)");
	lines_free(&w);
	lines_free(&g);
}

struct dump_arg {
	struct snap *sn;
	int kind;
};

static int dump_cb(const struct nlmsghdr *nlh, void *arg)
{
	struct dump_arg *d = arg;

	snap_rec(d->sn, d->kind, NLMSG_DATA(nlh), nlh->nlmsg_len - NLMSG_HDRLEN, NULL, 0);
	return 0;
}

static void dump_into(struct mw_sock *s, uint8_t cmd, int filter_attr,
		      const struct mw_id *filter, int kind, struct snap *sn)
{
	struct dump_arg d = { sn, kind };
	struct nl_msg *m = mw_req(s, cmd, 0);
	uint8_t r[1 + MIDWAY_UUID_LEN + sizeof(int)] = { cmd };
	int err;

	if (filter_attr) {
		mw_put_id(m, filter_attr, *filter);
		memcpy(r + 1, filter->b, MIDWAY_UUID_LEN);
	}
	err = mw_dump_raw(s, m, dump_cb, &d, NULL);
	if (err) {
		memcpy(r + 1 + MIDWAY_UUID_LEN, &err, sizeof(err));
		snap_rec(sn, R_DUMPERR, r, sizeof(r), NULL, 0);
	}
}

/* Batches -------------------------------------------------------------------- */

static uint8_t *batch_buf;
static size_t batch_cap;

/*
 * Sends the @n requests in datagrams of at most BATCH, each with its own
 * sequence number; err[k] gets each one's ack. With @reply, reply[k] gets
 * its reply (the caller frees it) and requests that have one are sent
 * without NLM_F_ACK: one message each, a reply or an error. Returns 0 or
 * a transport error.
 */
static int batch(struct mw_sock *s, struct nlmsghdr *const *req, int n, int *err,
		 struct mw_msg **reply)
{
	int first, k, acked, cnt, r;
	uint32_t seq0;

	for (first = 0; first < n; first += cnt) {
		size_t len = 0;

		cnt = n - first < BATCH ? n - first : BATCH;
		seq0 = nl_socket_use_seq(s->sk);
		for (k = 1; k < cnt; k++)
			nl_socket_use_seq(s->sk);
		for (k = 0; k < cnt; k++) {
			const struct nlmsghdr *q = req[first + k];
			struct nlmsghdr *h;

			if (len + NLMSG_ALIGN(q->nlmsg_len) > batch_cap) {
				batch_cap = 2 * (len + NLMSG_ALIGN(q->nlmsg_len)) + 65536;
				batch_buf = realloc(batch_buf, batch_cap);
				if (!batch_buf)
					abort();
			}
			h = (struct nlmsghdr *)(batch_buf + len);
			memcpy(h, q, q->nlmsg_len);
			memset((uint8_t *)h + q->nlmsg_len, 0,
			       NLMSG_ALIGN(q->nlmsg_len) - q->nlmsg_len);
			h->nlmsg_flags |= NLM_F_REQUEST | (reply ? 0 : NLM_F_ACK);
			h->nlmsg_seq = seq0 + k;
			h->nlmsg_pid = 0;
			len += NLMSG_ALIGN(q->nlmsg_len);
			err[first + k] = 1;	/* no ack yet */
			if (reply)
				reply[first + k] = NULL;
		}
		if (send(s->fd, batch_buf, len, 0) != (ssize_t)len)
			return -errno;
		for (acked = 0; acked < cnt;) {
			struct nlmsghdr *h;

			r = mw_recv(s, ACK_MS);
			if (r <= 0)
				return r ? r : -ETIMEDOUT;
			for (h = (struct nlmsghdr *)s->buf; NLMSG_OK(h, r); h = NLMSG_NEXT(h, r)) {
				uint32_t i = h->nlmsg_seq - seq0;

				if (i >= (uint32_t)cnt)
					continue;	/* stale */
				if (h->nlmsg_type == NLMSG_ERROR) {
					if (err[first + i] == 1) {
						err[first + i] =
							((struct nlmsgerr *)NLMSG_DATA(h))->error;
						acked++;
					}
				} else if (reply && !reply[first + i] && err[first + i] == 1) {
					reply[first + i] = mw_msg_parse(h);
					err[first + i] = 0;
					acked++;
				}
			}
		}
	}
	return 0;
}

/* Drains the events socket of @x: what the events say is not checked. */
static void ev_drain(struct inst *x)
{
	static uint8_t buf[65536];
	int fd = nl_socket_get_fd(x->ev);

	while (recv(fd, buf, sizeof(buf), MSG_DONTWAIT) > 0 || errno == ENOBUFS)
		;
}

/* Lookups and the whole snapshot --------------------------------------------- */

static struct nlmsghdr *lookup_msg(const struct probe *p, struct nl_msg **keep)
{
	struct nl_msg *m = mw_req(T.builder, MIDWAY_CMD_ROUTE_LOOKUP, 0);

	mw_put_id(m, MIDWAY_A_ROUTE_ROUTER_ID, p->router);
	nla_put_u32(m, MIDWAY_A_ROUTE_DST, htonl(p->dst));
	nla_put_u32(m, MIDWAY_A_ROUTE_SRC, htonl(p->src));
	if (p->proto) {
		nla_put_u8(m, MIDWAY_A_ROUTE_PROTO, p->proto);
		nla_put_u16(m, MIDWAY_A_ROUTE_SPORT, p->sport);
		nla_put_u16(m, MIDWAY_A_ROUTE_DPORT, 53);
	}
	*keep = m;
	return nlmsg_hdr(m);
}

static void lookups_into(struct mw_sock *s, const struct probe *const *p, int n,
			 struct snap *sn)
{
	struct nlmsghdr **req = calloc(n, sizeof(*req));
	struct nl_msg **keep = calloc(n, sizeof(*keep));
	struct mw_msg **reply = calloc(n, sizeof(*reply));
	int *err = calloc(n, sizeof(*err));
	struct lookup_rec l;
	int k, ret;

	if (!req || !keep || !reply || !err)
		abort();
	for (k = 0; k < n; k++)
		req[k] = lookup_msg(p[k], &keep[k]);
	ret = batch(s, req, n, err, reply);
	for (k = 0; k < n; k++) {
		memset(&l, 0, sizeof(l));
		memcpy(l.router, p[k]->router.b, MIDWAY_UUID_LEN);
		l.dst = p[k]->dst;
		l.src = p[k]->src;
		l.sport = p[k]->sport;
		l.proto = p[k]->proto;
		l.err = ret ?: err[k];
		if (!l.err && reply[k] && mw_has(reply[k], MIDWAY_A_ROUTE_ID) &&
		    nla_len(reply[k]->tb[MIDWAY_A_ROUTE_ID]) == MIDWAY_UUID_LEN)
			memcpy(l.route, nla_data(reply[k]->tb[MIDWAY_A_ROUTE_ID]),
			       MIDWAY_UUID_LEN);
		snap_rec(sn, R_LOOKUP, &l, sizeof(l), NULL, 0);
		free(reply[k]);
		nlmsg_free(keep[k]);
	}
	free(req);
	free(keep);
	free(reply);
	free(err);
}

/* Exterior ports whose neighbour tables are part of the snapshot. */
static const int neigh_ports[] = { 1, 2 };

/*
 * What the API shows of @x: every object, some neighbour tables, and the
 * lookups that @sc says for step @st. Lookups are what costs (a request
 * each): a try looks up what its step can change, and the last try of a
 * step, which is a clean run, all the sentinels.
 */
static void snap_take(struct inst *x, const struct step *st, enum scope sc,
		      struct snap *sn)
{
	const struct probe **p;
	int n = 0, k, first = 0, cnt = T.nprobe;
	double t0 = mw_now(), t1;
	unsigned int i;

	memset(sn, 0, sizeof(*sn));
	T.snaps++;
	/* (the dumps) */
	dump_into(x->s, MIDWAY_CMD_ROUTER_GET, 0, NULL, R_ROUTER, sn);
	dump_into(x->s, MIDWAY_CMD_PORT_GET, 0, NULL, R_PORT, sn);
	dump_into(x->s, MIDWAY_CMD_ROUTE_GET, 0, NULL, R_ROUTE, sn);
	dump_into(x->s, MIDWAY_CMD_HOST_GET, 0, NULL, R_HOST, sn);
	/* The neighbour tables are those of router 1's ports. */
	for (i = 0; (sc != S_STEP || (st->routers & 2)) && i < MW_ARRAY_SIZE(neigh_ports); i++) {
		struct mw_id port = PID(neigh_ports[i]);

		dump_into(x->s, MIDWAY_CMD_NEIGH_GET, MIDWAY_A_NEIGH_PORT_ID, &port,
			  R_NEIGH, sn);
	}
	if (sc != S_ALL) {
		first = st->probe_first;
		cnt = st->probe_n;
	}
	p = calloc(T.nsentinel + cnt + 1, sizeof(*p));
	if (!p)
		abort();
	for (k = 0; k < T.nsentinel; k++)
		if (sc != S_STEP ||
		    (!T.sentinel[k].wide && (st->routers & (1u << T.sentinel[k].rno))))
			p[n++] = &T.sentinel[k];
	for (k = 0; k < cnt; k++)
		p[n++] = &T.probe[first + k];
	t1 = mw_now();
	lookups_into(x->s, p, n, sn);
	free(p);
	T.t_lookups += mw_now() - t1;
	T.nlookups += n;
	T.t_snap += mw_now() - t0;
}

/* Instances ------------------------------------------------------------------- */

static void inst_free(struct inst *x)
{
	if (!x)
		return;
	x->s->buf = NULL;	/* the shared one */
	mw_close(x->s);
	nl_socket_free(x->ev);
	free(x);
}

/* A new instance: a network namespace of its own, at step 0. */
static struct inst *inst_new(void)
{
	struct inst *x = calloc(1, sizeof(*x));
	int fd, big = 1 << 22;

	if (!x || unshare(CLONE_NEWNET))
		goto fail;
	x->s = mw_open();
	x->ev = nl_socket_alloc();
	if (!x->s || !x->ev || genl_connect(x->ev))
		goto fail;
	free(x->s->buf);
	x->s->buf = rxbuf;
	mw_bufsize(x->s, big);
	nl_socket_disable_seq_check(x->ev);
	if (x->s->events_grp < 0 || nl_socket_add_membership(x->ev, x->s->events_grp))
		goto fail;
	fd = nl_socket_get_fd(x->ev);
	setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &big, sizeof(big));
	x->no = ++T.inst_no;
	T.created++;
	return x;
fail:
	say("cannot make an instance: %s", strerror(errno));
	if (x && x->s)
		x->s->buf = NULL;
	if (x)
		mw_close(x->s);
	if (x && x->ev)
		nl_socket_free(x->ev);
	free(x);
	return NULL;
}

static __printf(7, 8) void
finding(enum fcat c, int step, unsigned int nth, const struct snap *want,
	const struct snap *got, const struct outcome *o, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	T.findings[c]++;
	T.nfindings++;
	if (step >= 0)
		say("FAIL [%s] step %d (%s) nth %u: %s", fcat_name[c], step,
		    T.step[step].what, nth, msg);
	else
		say("FAIL [%s] %s", fcat_name[c], msg);
	if (o && o->trace[0])
		say("    injected at: %s", o->trace);
	if (want && got)
		snap_diff(want, got, T.nfindings <= DETAILED ? 16 : 4);
}

/* Applies steps [x->at, to) without injection. False if one answered otherwise. */
static bool inst_advance(struct inst *x, int to)
{
	int n = to - x->at, k, ret;
	struct nlmsghdr **req;
	double t0;
	int *err;
	bool ok = true;

	if (n <= 0)
		return true;
	req = calloc(n, sizeof(*req));
	err = calloc(n, sizeof(*err));
	if (!req || !err)
		abort();
	for (k = 0; k < n; k++)
		req[k] = nlmsg_hdr(T.step[x->at + k].msg);
	t0 = mw_now();
	ret = batch(x->s, req, n, err, NULL);
	ev_drain(x);
	T.t_replay += mw_now() - t0;
	T.replays++;
	T.replayed_steps += n;
	if (ret) {
		finding(F_REPLAY, x->at, 0, NULL, NULL, NULL,
			"replay of steps %d..%d on instance %d: transport error %d",
			x->at, to - 1, x->no, ret);
		ok = false;
	}
	for (k = 0; ok && k < n; k++) {
		if (err[k] != T.step[x->at + k].ref) {
			finding(F_REPLAY, x->at + k, 0, NULL, NULL, NULL,
				"clean replay on instance %d answered %d, the reference %d",
				x->no, err[k], T.step[x->at + k].ref);
			ok = false;
		}
	}
	free(req);
	free(err);
	/*
	 * A clean replay of what the reference did gives what it got: an
	 * instance checked once stays trusted (every try checks it anyway).
	 */
	if (ok)
		x->at = to;
	return ok;
}

static void pool_remove(struct inst *x)
{
	int i;

	for (i = 0; i < T.npool; i++) {
		if (T.pool[i] == x) {
			T.pool[i] = T.pool[--T.npool];
			break;
		}
	}
	inst_free(x);
}

/*
 * An instance of the pool at step @i whose state is @before: the one
 * closest behind, brought forward; a new one if none is behind.
 */
static struct inst *pool_get(int i, const struct step *st, const struct snap *before)
{
	struct inst *x;
	struct snap s;
	int k, tries;

	for (tries = 0; tries < 8; tries++) {
		x = NULL;
		for (k = 0; k < T.npool; k++)
			if (T.pool[k]->at <= i && (!x || T.pool[k]->at > x->at))
				x = T.pool[k];
		if (!x) {
			if (T.npool == MAX_INST) {
				/* All are past @i: drop the least advanced. */
				x = T.pool[0];
				for (k = 1; k < T.npool; k++)
					if (T.pool[k]->at < x->at)
						x = T.pool[k];
				pool_remove(x);
			}
			x = inst_new();
			if (!x)
				return NULL;
			T.pool[T.npool++] = x;
		}
		if (!inst_advance(x, i)) {
			pool_remove(x);
			continue;
		}
		if (x->verified)
			return x;
		snap_take(x, st, S_STEP, &s);
		if (snap_equal(before, &s)) {
			snap_free(&s);
			x->verified = true;
			return x;
		}
		finding(F_DIVERGED, i, 0, before, &s, NULL,
			"instance %d, at this step, is not where the reference was",
			x->no);
		snap_free(&s);
		pool_remove(x);
	}
	return NULL;
}

/* Fault injection -------------------------------------------------------------- */

static void nth_set(unsigned int n)
{
	char b[16];
	int len = snprintf(b, sizeof(b), "%u", n);

	if (pwrite(T.nth_fd, b, len, 0) != len) {
		say("cannot write %s: %s", FAIL_NTH, strerror(errno));
		abort();
	}
}

static unsigned int nth_get(void)
{
	char b[16] = "";

	if (pread(T.nth_fd, b, sizeof(b) - 1, 0) <= 0) {
		say("cannot read %s: %s", FAIL_NTH, strerror(errno));
		abort();
	}
	return strtoul(b, NULL, 10);
}

/* The debugfs knobs this test sets, their values before, to put back. */
static struct knob {
	const char *path, *val;
	char old[32];
	bool set;
} knobs[] = {
	/* Also allocations that may sleep: GFP_KERNEL is what they mostly are. */
	{ DEBUGFS "/failslab/ignore-gfp-wait", "N" },
	{ DEBUGFS "/failslab/verbose", "0" },
	/* Only the caches marked by slabs_mark(): not kmemleak's (set at run time). */
	{ DEBUGFS "/failslab/cache-filter", NULL },
	{ DEBUGFS "/fail_page_alloc/ignore-gfp-wait", "N" },
	/*
	 * Not __GFP_HIGHMEM ones: those are user pages and page cache (this
	 * process's own page faults, which would turn into -EFAULT of a
	 * recv()); midway never asks for them, and vmalloc's pages are only
	 * ever reached after the one injected failure.
	 */
	{ DEBUGFS "/fail_page_alloc/ignore-gfp-highmem", "Y" },
	/*
	 * Above the largest order of a slab (set at run time): a slab that
	 * cannot get its pages retries at once, so a failure there is never
	 * seen, but it happens at a different point of each try, which would
	 * make the n-th allocation a different one from try to try. What is
	 * left at this level is the large kmalloc()s and the page allocations
	 * that midway makes itself.
	 */
	{ DEBUGFS "/fail_page_alloc/min-order", NULL },
	{ DEBUGFS "/fail_page_alloc/verbose", "0" },
};

/* Reads @path into @old (if given), then writes @val (if given). */
static int knob_rw(const char *path, const char *val, char *old, size_t oldlen)
{
	int fd, n, err = 0;

	/* Some debugfs files cannot seek: one open to read, one to write. */
	if (old) {
		fd = open(path, O_RDONLY);
		if (fd < 0)
			return -errno;
		n = read(fd, old, oldlen - 1);
		old[n > 0 ? n : 0] = 0;
		old[strcspn(old, "\n")] = 0;
		close(fd);
	}
	if (!val)
		return 0;
	fd = open(path, O_WRONLY);
	if (fd < 0)
		return -errno;
	if (write(fd, val, strlen(val)) < 0)
		err = -errno;
	close(fd);
	return err;
}

/*
 * Kmemleak allocates its record of every object right after it, and falls
 * back to a pool when that fails: every allocation of midway would come
 * with an allocation whose failure nobody sees, twice the tries for
 * nothing. Mark every slab cache for failslab but kmemleak's own, so that
 * the cache filter can leave those out. Returns "Y" if it could, else "N"
 * (no filter: a merged cache cannot be marked).
 */
static char **marked;
static int nmarked;

static const char *slabs_mark(void)
{
	int unmarked = 0;
	struct dirent *d;
	char path[300];
	struct stat st;
	DIR *dir;

	dir = opendir("/sys/kernel/slab");
	while (dir && (d = readdir(dir))) {
		if (d->d_name[0] == '.' || !strncmp(d->d_name, "kmemleak_", 9))
			continue;
		snprintf(path, sizeof(path), "/sys/kernel/slab/%s", d->d_name);
		if (lstat(path, &st) || S_ISLNK(st.st_mode))
			continue;	/* an alias */
		snprintf(path, sizeof(path), "/sys/kernel/slab/%s/failslab", d->d_name);
		if (knob_rw(path, "1", NULL, 0)) {
			unmarked++;
			continue;
		}
		marked = realloc(marked, (nmarked + 1) * sizeof(*marked));
		if (!marked)
			abort();
		marked[nmarked] = strdup(path);
		if (!marked[nmarked++])
			abort();
	}
	if (dir)
		closedir(dir);
	if (unmarked || !nmarked) {
		say("note: %d slab caches cannot be marked for failslab: no cache "
		    "filter, kmemleak's allocations are failed too", unmarked);
		return "N";
	}
	return "Y";
}

static void slabs_unmark(void)
{
	int k;

	for (k = 0; k < nmarked; k++) {
		knob_rw(marked[k], "0", NULL, 0);
		free(marked[k]);
	}
	free(marked);
	marked = NULL;
	nmarked = 0;
}

/*
 * One more than the largest order of the kmalloc caches' slabs (4 with
 * SLUB's defaults). Caches of big objects have bigger slabs (9p's), but
 * nothing between fail-nth and its read back uses them.
 */
static const char *slab_order_above(void)
{
	static char buf[12];
	int max = 3, o;
	struct dirent *d;
	char path[300];
	DIR *dir;
	FILE *f;

	dir = opendir("/sys/kernel/slab");
	while (dir && (d = readdir(dir))) {
		if (strncmp(d->d_name, "kmalloc-", 8))
			continue;
		snprintf(path, sizeof(path), "/sys/kernel/slab/%s/order", d->d_name);
		f = fopen(path, "r");
		if (!f)
			continue;
		if (fscanf(f, "%d", &o) == 1 && o > max)
			max = o;
		fclose(f);
	}
	if (dir)
		closedir(dir);
	snprintf(buf, sizeof(buf), "%d", max + 1);
	return buf;
}

static int knobs_set(void)
{
	unsigned int i;
	int err;

	if (access(DEBUGFS "/failslab", F_OK))
		mount("debugfs", DEBUGFS, "debugfs", 0, NULL);
	for (i = 0; i < MW_ARRAY_SIZE(knobs); i++) {
		const char *val = knobs[i].val;

		if (T.stacks && strstr(knobs[i].path, "verbose"))
			val = "2";
		if (!val && strstr(knobs[i].path, "cache-filter"))
			val = slabs_mark();
		else if (!val)
			val = slab_order_above();
		knobs[i].val = val;
		err = knob_rw(knobs[i].path, val, knobs[i].old, sizeof(knobs[i].old));
		if (err) {
			/* fail_page_alloc is a bonus; failslab is needed. */
			say("%s: %s", knobs[i].path, strerror(-err));
			if (strstr(knobs[i].path, "failslab"))
				return err;
			continue;
		}
		knobs[i].set = true;
	}
	say("fault injection: failslab ignore-gfp-wait=N cache-filter=%s (%d caches, "
	    "not kmemleak's); fail_page_alloc ignore-gfp-wait=N ignore-gfp-highmem=Y "
	    "min-order=%s; fail-nth per try", knobs[2].val, nmarked, slab_order_above());
	return 0;
}

static void knobs_restore(void)
{
	unsigned int i;

	for (i = 0; i < MW_ARRAY_SIZE(knobs); i++)
		if (knobs[i].set)
			knob_rw(knobs[i].path, knobs[i].old, NULL, 0);
	slabs_unmark();
}

/* Frames of the fault injection and the allocators, not worth printing. */
static bool fault_frame(const char *f)
{
	static const char *const skip[] = {
		"dump_stack", "should_fail", "fail_dump", "__should_fail",
		"slab_pre_alloc_hook", "kmem_cache_alloc", "__kmalloc", "kmalloc",
		"__do_kmalloc", "__alloc_pages", "alloc_pages",
		"prepare_alloc_pages", "__kvmalloc", "kvmalloc", "__alloc_skb",
		"kmalloc_reserve", "alloc_slab", "new_slab", "allocate_slab",
		"___slab_alloc", "__slab_alloc", "__get_free_pages", "folio_alloc",
		"kasan_", "__kasan", "__kmem_cache", "pcpu_", "xas_", "__xas",
	};
	unsigned int i;

	for (i = 0; i < MW_ARRAY_SIZE(skip); i++)
		if (!strncmp(f, skip[i], strlen(skip[i])))
			return true;
	return false;
}

/*
 * The kernel log since last time. With MW_FAULTS_STACKS, keeps in @trace
 * the frames of the last injected failure (midway's, and the allocator's
 * caller); counts WARNINGs, BUGs and the like otherwise.
 */
static int kmsg_read(char *trace, size_t tlen)
{
	static const char *const bad[] = { "WARNING:", "BUG:", "BUG ", "Oops",
					   "general protection", "Kernel panic",
					   "refcount_t", "KASAN", "UBSAN",
					   "inconsistent lock", "circular locking",
					   "unreferenced object" };
	bool in_trace = false;
	char buf[8192];
	int n, problems = 0, o = 0, frames = 0;
	unsigned int i;

	if (trace && tlen)
		trace[0] = 0;
	if (T.kmsg < 0)
		return 0;
	for (;;) {
		char *msg, *end;

		n = read(T.kmsg, buf, sizeof(buf) - 1);
		if (n < 0 && errno == EPIPE)
			continue;
		if (n <= 0)
			break;
		buf[n] = 0;
		msg = strchr(buf, ';');
		msg = msg ? msg + 1 : buf;
		end = strchr(msg, '\n');
		if (end)
			*end = 0;
		if (strstr(msg, "FAULT_INJECTION: forcing a failure")) {
			in_trace = true;
			o = 0;
			frames = 0;
			if (trace && tlen)
				trace[0] = 0;
			continue;
		}
		if (T.stacks && in_trace) {
			/* Frames: " func+0x1/0x2 [module]"; skip '?' guesses. */
			char *f = msg;

			while (isspace((unsigned char)*f))
				f++;
			if (!strncmp(f, "Call Trace", 10) || !strncmp(f, "<TASK>", 6) ||
			    !strncmp(f, "CPU:", 4) || !strncmp(f, "Hardware", 8) ||
			    !strncmp(f, "Tainted", 7) || !strncmp(f, "name ", 5) ||
			    *f == '?' || !strchr(f, '+') || strchr(f, ':'))
				continue;	/* not a frame: banner, registers */
			if (!strncmp(f, "</TASK>", 7)) {
				in_trace = false;
				continue;
			}
			if (trace && frames < 10 && !fault_frame(f) && o + 8 < (int)tlen) {
				char *plus = strchr(f, '+');

				o += snprintf(trace + o, tlen - o, "%s%.*s", o ? " < " : "",
					      plus ? (int)(plus - f) : (int)strlen(f), f);
				frames++;
			}
			continue;
		}
		for (i = 0; i < MW_ARRAY_SIZE(bad); i++) {
			if (strstr(msg, bad[i])) {
				say("kernel: %s", msg);
				problems++;
				break;
			}
		}
	}
	return problems;
}

/* One try -------------------------------------------------------------------------- */

/* Sends step @st to @x with its @nth allocation failing (0: none). */
static void attempt(struct inst *x, const struct step *st, unsigned int nth,
		    struct outcome *o)
{
	const struct nlmsghdr *m = nlmsg_hdr(st->msg);
	uint64_t req[REQ_MAX / 8];	/* aligned for the nlmsghdr */
	struct nlmsghdr *nlh = (struct nlmsghdr *)req;
	struct mw_result r;
	uint32_t seq;
	ssize_t n;
	int len;

	double t0 = mw_now();

	memset(o, 0, sizeof(*o));
	if (m->nlmsg_len > sizeof(req))
		abort();
	memcpy(req, m, m->nlmsg_len);
	nlh->nlmsg_flags |= NLM_F_REQUEST | NLM_F_ACK;
	seq = nl_socket_use_seq(x->s->sk);
	nlh->nlmsg_seq = seq;
	nlh->nlmsg_pid = 0;
	ev_drain(x);
	if (nth && T.stacks)
		kmsg_read(NULL, 0);

	/* From here to nth_get(): nothing but this request's syscalls. */
	if (nth)
		nth_set(nth);
	n = send(x->s->fd, req, nlh->nlmsg_len, 0);
	if (n < 0) {
		o->how = O_SEND_FAILED;
		o->err = -errno;
		goto out;
	}
	for (;;) {
		struct nlmsghdr *h;

		len = mw_recv(x->s, ACK_MS);
		if (len <= 0) {
			o->how = O_LOST_ACK;
			o->err = len ? len : -ETIMEDOUT;
			goto out;
		}
		for (h = (struct nlmsghdr *)x->s->buf; NLMSG_OK(h, len);
		     h = NLMSG_NEXT(h, len)) {
			if (h->nlmsg_type != NLMSG_ERROR || h->nlmsg_seq != seq)
				continue;
			memset(&r, 0, sizeof(r));
			mw_parse_ack(h, &r);
			o->how = O_ACKED;
			o->err = r.err;
			snprintf(o->emsg, sizeof(o->emsg), "%s", r.emsg);
			goto out;
		}
	}
out:
	if (nth) {
		o->left = nth_get();
		if (o->left)
			nth_set(0);
	} else {
		o->left = 1;
	}
	T.t_try += mw_now() - t0;
	if (nth && !o->left && T.stacks) {
		/* fail_dump() is rate limited to 10 per 5 s. */
		usleep(500000);
		kmsg_read(o->trace, sizeof(o->trace));
	}
}

static const char *outcome_str(const struct outcome *o, char *buf, size_t len)
{
	switch (o->how) {
	case O_SEND_FAILED:
		snprintf(buf, len, "sendmsg() failed: %d (%s)", o->err, strerror(-o->err));
		break;
	case O_LOST_ACK:
		snprintf(buf, len, "no ack: %d (%s)", o->err, strerror(-o->err));
		break;
	default:
		snprintf(buf, len, "answered %d%s%s%s", o->err, o->emsg[0] ? " '" : "",
			 o->emsg, o->emsg[0] ? "'" : " (no extack message)");
	}
	return buf;
}

/*
 * Waits for @x to reach @want: the module may retry what failed (a resync)
 * by itself. Looks again after 50, 100, 200, 400 and 800 ms.
 */
static bool converge(struct inst *x, const struct step *st, const struct snap *want,
		     struct snap *got, int *waited, struct snap *first)
{
	int ms = 0, wait;

	if (first) {
		/* What it looked like at first, to show. */
		*first = *got;
		first->buf = malloc(got->len + 1);
		if (!first->buf)
			abort();
		memcpy(first->buf, got->buf, got->len);
		first->cap = got->len + 1;
	}
	for (wait = 50; wait <= 800 && !snap_equal(want, got); wait *= 2) {
		usleep(wait * 1000);
		ms += wait;
		snap_free(got);
		snap_take(x, st, S_STEP, got);
	}
	*waited = ms;
	return snap_equal(want, got);
}

/* Whether MW_FAULTS_STEPS ("3-7,12") has step @i; all when unset. */
static bool injected_step(int i)
{
	const char *p = T.inject;
	char *end;
	long a, b;

	if (!*p)
		return true;
	while (*p) {
		a = strtol(p, &end, 10);
		b = a;
		if (*end == '-')
			b = strtol(end + 1, &end, 10);
		if (i >= a && i <= b)
			return true;
		if (*end != ',')
			break;
		p = end + 1;
	}
	return false;
}

/* Counts of one step, for its line in the log. */
struct stepstat {
	unsigned int tries, injected, failed, core, absorbed, eventual, lost, unsent, bad;
	/* The distinct answers of the tries that failed, and how many. */
	struct {
		int err;
		char emsg[100];
		unsigned int n;
	} answer[6];
	int nanswer;
};

static void answer_add(struct stepstat *ss, int err, const char *emsg)
{
	int k;

	for (k = 0; k < ss->nanswer; k++) {
		if (ss->answer[k].err == err && !strcmp(ss->answer[k].emsg, emsg)) {
			ss->answer[k].n++;
			return;
		}
	}
	if (k == (int)MW_ARRAY_SIZE(ss->answer))
		return;
	ss->answer[k].err = err;
	snprintf(ss->answer[k].emsg, sizeof(ss->answer[k].emsg), "%.99s", emsg);
	ss->answer[k].n = 1;
	ss->nanswer++;
}

/*
 * Runs step @i: on the reference, then on the pool with its 1st, 2nd, ...
 * allocation failing until it needs fewer.
 */
static void run_step(int i)
{
	struct step *st = &T.step[i];
	struct snap before, after, wide, s;
	struct stepstat ss = {};
	bool core_seen = false;
	struct outcome o;
	char ob[400];
	unsigned int nth, stride = 1, run = 0, last_hit = 0;
	double t0 = mw_now();
	struct inst *x;
	int waited;

	snap_take(T.ref, st, S_STEP, &before);
	attempt(T.ref, st, 0, &o);
	if (o.how != O_ACKED) {
		finding(F_CLEAN, i, 0, NULL, NULL, NULL, "reference: %s",
			outcome_str(&o, ob, sizeof(ob)));
		say("the reference instance lost a request: giving up");
		abort();
	}
	st->ref = o.err;
	T.ref->at = i + 1;
	ev_drain(T.ref);
	snap_take(T.ref, st, S_STEP, &after);
	snap_take(T.ref, st, S_WIDE, &wide);
	if (st->ref != st->want)
		finding(F_CLEAN, i, 0, NULL, NULL, NULL,
			"the script expects %d; reference %s", st->want,
			outcome_str(&o, ob, sizeof(ob)));

	if (st->noinject || !injected_step(i)) {
		if (T.verbose)
			say("step %d %s: clean, %d", i, st->what, st->ref);
		goto out;
	}

	for (nth = T.dryrun ? 0 : 1;; nth += stride) {
		bool changed_ok = false, same = false, ok;
		const struct snap *ref;

		x = pool_get(i, st, &before);
		if (!x) {
			say("no instance at step %d: giving up", i);
			abort();
		}
		attempt(x, st, nth, &o);
		/* A request that never left sendmsg() cannot have changed anything. */
		if (o.how == O_SEND_FAILED && !o.left)
			memset(&s, 0, sizeof(s));
		else
			snap_take(x, st, S_STEP, &s);
		ss.tries++;
		T.tries++;
		if (T.verbose)
			say("  step %d nth %u on %d: %s%s%s%s", i, nth, x->no,
			    outcome_str(&o, ob, sizeof(ob)), o.left ? " (not injected)" : "",
			    o.trace[0] ? "; at " : "", o.trace);

		if (o.left) {
			/* Fewer allocations than nth: a clean run. */
			if (o.how != O_ACKED || o.err != st->ref)
				finding(F_NOT_REACHED, i, nth, NULL, NULL, &o,
					"%s, the reference answered %d",
					outcome_str(&o, ob, sizeof(ob)), st->ref);
			ref = &after;
			ok = snap_equal(&after, &s);
			if (ok) {
				/* Every sentinel too, once per step. */
				snap_free(&s);
				snap_take(x, st, S_WIDE, &s);
				ref = &wide;
				ok = snap_equal(&wide, &s);
			}
			if (!ok) {
				finding(F_NOT_REACHED, i, nth, ref, &s, &o,
					"%s; the state is not the reference's",
					outcome_str(&o, ob, sizeof(ob)));
				pool_remove(x);
			} else {
				x->at = i + 1;
				x->verified = true;
			}
			snap_free(&s);
			if (stride > 1) {
				/* Past the end: the last ones one by one. */
				nth = last_hit;
				stride = 1;
				run = 0;
				continue;
			}
			break;
		}
		if (nth > MAX_NTH) {
			finding(F_NOT_REACHED, i, nth, NULL, NULL, NULL,
				"still allocating after %u tries: giving up on it", MAX_NTH);
			snap_free(&s);
			pool_remove(x);
			break;
		}

		T.injected++;
		ss.injected++;
		if (nth > last_hit)
			last_hit = nth;
		if (nth > T.max_nth) {
			T.max_nth = nth;
			T.max_nth_step = i;
		}
		if (o.how == O_SEND_FAILED) {
			ss.unsent++;
			T.not_sent++;
			x->verified = true;
			continue;
		}
		if (o.how == O_LOST_ACK) {
			ss.lost++;
			T.lost_ack++;
			if (snap_equal(&before, &s)) {
				same = true;
			} else if (snap_equal(&after, &s)) {
				changed_ok = true;
			} else {
				finding(F_LOST_ACK, i, nth, &after, &s, &o,
					"%s; the state differs from the clean run's (shown) "
					"and from the state before",
					outcome_str(&o, ob, sizeof(ob)));
				ss.bad++;
			}
		} else if (o.err < 0 && o.err != st->ref) {
			/* It failed; the clean run did not, or otherwise. */
			ss.failed++;
			if (!core_seen && o.err == -ENOMEM && !o.emsg[0]) {
				/* genetlink's attribute table, before midway */
				ss.core++;
				T.failed_core++;
			} else if (!o.emsg[0]) {
				finding(F_NO_EXTACK, i, nth, NULL, NULL, &o, "%s",
					outcome_str(&o, ob, sizeof(ob)));
				ss.bad++;
				T.failed_bare++;
			} else {
				T.failed_clean++;
			}
			answer_add(&ss, o.err, ss.core && !core_seen ? "(genetlink core)" :
				   o.emsg[0] ? o.emsg : "(no message)");
			if (o.err != -ENOMEM && o.err != -ENOBUFS) {
				finding(F_ERRNO, i, nth, NULL, NULL, &o,
					"%s: out of memory is -ENOMEM (or -ENOBUFS)",
					outcome_str(&o, ob, sizeof(ob)));
				ss.bad++;
			}
			core_seen = true;
			if (snap_equal(&before, &s)) {
				same = true;
			} else {
				finding(F_CHANGED, i, nth, &before, &s, &o, "%s",
					outcome_str(&o, ob, sizeof(ob)));
				ss.bad++;
			}
		} else if (o.err < 0) {
			/* The clean run's own answer (EBUSY, EEXIST, ...). */
			ss.absorbed++;
			T.absorbed++;
			if (snap_equal(&before, &s)) {
				same = true;
			} else {
				finding(F_CHANGED, i, nth, &before, &s, &o, "%s",
					outcome_str(&o, ob, sizeof(ob)));
				ss.bad++;
			}
		} else if (st->ref < 0) {
			finding(F_SUCCEEDED, i, nth, &before, &s, &o,
				"succeeded; the reference answered %d", st->ref);
			ss.bad++;
		} else {
			/* Succeeded although an allocation failed. */
			ss.absorbed++;
			T.absorbed++;
			struct snap first = {};

			if (snap_equal(&after, &s)) {
				changed_ok = true;
			} else if (!T.strict && !ss.bad &&
				   converge(x, st, &after, &s, &waited,
					    T.eventual < 3 ? &first : NULL)) {
				ss.eventual++;
				T.eventual++;
				changed_ok = true;
				say("note: step %d (%s) nth %u: succeeded, and the state "
				    "was a clean run's only %d ms later%s", i, st->what, nth,
				    waited, first.n ? "; at first:" : "");
				if (first.n)
					snap_diff(&after, &first, 8);
			} else {
				finding(F_WRONG_STATE, i, nth, &after, &s, &o,
					"succeeded (the failure was absorbed), but the state "
					"is not the clean run's%s", T.strict ? "" :
					ss.bad ? " (not waited for: this step failed already)" :
					" (not even 1.5 s later)");
				ss.bad++;
			}
			snap_free(&first);
		}
		snap_free(&s);
		if (same) {
			x->verified = true;
		} else if (changed_ok) {
			x->at = i + 1;
			x->verified = true;
		} else {
			pool_remove(x);
		}
		/*
		 * A long run of failures that were absorbed as they should be
		 * (events that are not sent, a table that is not compacted...)
		 * is sampled: every 2nd, 4th, then 8th allocation. Each such
		 * try costs an instance, and a hundred of them the same code.
		 */
		run = changed_ok && o.how == O_ACKED && !o.err ? run + 1 : 0;
		stride = run >= SAMPLE_AFTER ? (stride < SAMPLE_MAX ? 2 * stride : SAMPLE_MAX) : 1;
	}
	if (st->check_all) {
		struct inst *y = NULL;
		struct snap a, b;
		int k;

		for (k = 0; k < T.npool; k++)
			if (T.pool[k]->at == i + 1)
				y = T.pool[k];
		snap_take(T.ref, st, S_ALL, &a);
		if (y) {
			snap_take(y, st, S_ALL, &b);
			if (!snap_equal(&a, &b))
				finding(F_DIVERGED, i, 0, &a, &b, NULL,
					"instance %d differs from the reference in a full check",
					y->no);
			snap_free(&b);
		}
		say("full check after step %d: %d records (objects and %d lookups)%s",
		    i, a.n, T.nsentinel + T.nprobe, y ? "" : ", no pool instance to compare");
		snap_free(&a);
	}
	T.sampled += last_hit - ss.injected;
	if (ss.nanswer) {
		char line[600];
		int k, o = 0;

		for (k = 0; k < ss.nanswer && o < (int)sizeof(line); k++)
			o += snprintf(line + o, sizeof(line) - o, "%s%d %s x%u", k ? "; " : "",
				      ss.answer[k].err, ss.answer[k].emsg, ss.answer[k].n);
		say("           failed with: %s", line);
	}
	say("step %3d %-50.50s %4d | %3u allocs: %2u failed (%u core), %2u absorbed "
	    "(%u late), %u lost acks, %u unsent, %u not tried; %.1f s%s", i, st->what,
	    st->ref, last_hit, ss.failed, ss.core, ss.absorbed, ss.eventual, ss.lost,
	    ss.unsent, last_hit - ss.injected, mw_now() - t0, ss.bad ? "  <<< FAIL" : "");
out:
	if (kmsg_read(NULL, 0) && !T.stacks)
		finding(F_KERNEL, i, 0, NULL, NULL, NULL,
			"the kernel logged a problem during this step (above)");
	snap_free(&before);
	snap_free(&after);
	snap_free(&wide);
}

/* The script ------------------------------------------------------------------------ */

static __printf(3, 4) struct step *
step_new(uint8_t cmd, int want, const char *fmt, ...)
{
	struct step *st;
	va_list ap;

	if (T.n == MAX_STEPS)
		abort();
	st = &T.step[T.n++];
	st->msg = mw_req(T.builder, cmd, 0);
	st->want = want;
	st->routers = ALL_ROUTERS;
	st->probe_first = T.nprobe;
	va_start(ap, fmt);
	vsnprintf(st->what, sizeof(st->what), fmt, ap);
	va_end(ap);
	return st;
}

static void put_ip(struct step *st, int a, uint32_t host)
{
	nla_put_u32(st->msg, a, htonl(host));
}

static void probe_add(struct probe *p, int *n, int max, int router, uint32_t dst,
		      uint32_t src, uint8_t proto, uint16_t sport)
{
	if (*n == max)
		abort();
	p[*n] = (struct probe){ .router = RID(router), .dst = dst, .src = src,
				.proto = proto, .sport = sport, .rno = (uint8_t)router };
	(*n)++;
}

/* A lookup in every snapshot. */
static void sentinel(int router, uint32_t dst, uint32_t src)
{
	probe_add(T.sentinel, &T.nsentinel, MAX_SENTINELS, router, dst, src, 0, 0);
}

/* A lookup in the snapshots that see every sentinel (the step's last try). */
static void sentinel_wide(int router, uint32_t dst, uint32_t src)
{
	sentinel(router, dst, src);
	T.sentinel[T.nsentinel - 1].wide = true;
}

/* @flows lookups of different flows (UDP source ports). */
static void sentinel_flows(int router, uint32_t dst, uint32_t src, int flows)
{
	int k;

	for (k = 0; k < flows; k++)
		probe_add(T.sentinel, &T.nsentinel, MAX_SENTINELS, router, dst, src,
			  17, 1000 + 7 * k);
}

/* A lookup in the snapshots of the last step of the script. */
static void probe(int router, uint32_t dst, uint32_t src)
{
	probe_add(T.probe, &T.nprobe, MAX_PROBES, router, dst, src, 0, 0);
	T.step[T.n - 1].probe_n++;
}

static uint32_t mask(int len)
{
	return len ? ~0u << (32 - len) : 0;
}

/* The lookups that show route @n in the table, for its step. */
static void route_probes(int n)
{
	const struct route *r = &T.route[n];
	uint32_t src = r->slen ? r->src | (r->slen < 32) : 0;
	uint32_t last = r->dst | ~mask(r->len);

	probe(r->router, r->dst | (r->len < 32), src);
	if (last != (r->dst | (r->len < 32)))
		probe(r->router, last, src);
	if (r->slen)
		probe(r->router, r->dst | (r->len < 32), IP(8, 8, 8, 8));
	/* Its neighbours in the table: its /18's first address, the next one. */
	if (r->len > 18) {
		probe(r->router, r->dst & mask(18), 0);
		probe(r->router, last + 1, 0);
	}
}

static void router_new(int n, const char *name, int admin)
{
	struct step *st = step_new(MIDWAY_CMD_ROUTER_NEW, 0, "ROUTER_NEW R%d%s", n,
				   admin == 0 ? " admin down" : "");

	st->routers = 1u << n;

	mw_put_id(st->msg, MIDWAY_A_ROUTER_ID, RID(n));
	if (name)
		nla_put_string(st->msg, MIDWAY_A_ROUTER_NAME, name);
	if (admin >= 0)
		nla_put_u8(st->msg, MIDWAY_A_ROUTER_ADMIN_UP, admin);
}

static void router_set(int n, const char *name, int admin)
{
	struct step *st = step_new(MIDWAY_CMD_ROUTER_SET, 0, "ROUTER_SET R%d%s%s%s", n,
				   name ? " name" : "", admin == 0 ? " admin down" : "",
				   admin == 1 ? " admin up" : "");

	/* Its interior ports' peers go down with it. */
	st->routers = ALL_ROUTERS;

	mw_put_id(st->msg, MIDWAY_A_ROUTER_ID, RID(n));
	if (name)
		nla_put_string(st->msg, MIDWAY_A_ROUTER_NAME, name);
	if (admin >= 0)
		nla_put_u8(st->msg, MIDWAY_A_ROUTER_ADMIN_UP, admin);
}

static struct step *del(uint8_t cmd, int id_attr, struct mw_id id, int cascade_attr,
			int want, const char *what)
{
	struct step *st = step_new(cmd, want, "%s%s", what, cascade_attr ? " cascade" : "");

	mw_put_id(st->msg, id_attr, id);
	if (cascade_attr)
		nla_put_flag(st->msg, cascade_attr);
	return st;
}

static void router_del(int n, bool cascade, int want)
{
	char what[32];

	/* Its ports' peers lose their peer: every router's sentinels. */
	snprintf(what, sizeof(what), "ROUTER_DEL R%d", n);
	del(MIDWAY_CMD_ROUTER_DEL, MIDWAY_A_ROUTER_ID, RID(n),
	    cascade ? MIDWAY_A_ROUTER_CASCADE : 0, want, what);
}

static void host_new(int n, const char *name, uint32_t addr, int local)
{
	struct step *st = step_new(MIDWAY_CMD_HOST_NEW, 0, "HOST_NEW H%d%s", n,
				   local == 1 ? " local" : "");

	mw_put_id(st->msg, MIDWAY_A_HOST_ID, HID(n));
	if (name)
		nla_put_string(st->msg, MIDWAY_A_HOST_NAME, name);
	put_ip(st, MIDWAY_A_HOST_ADDR, addr);
	if (local >= 0)
		nla_put_u8(st->msg, MIDWAY_A_HOST_LOCAL, local);
}

static void host_set(int n, const char *name, uint32_t addr, int local, int want)
{
	struct step *st = step_new(MIDWAY_CMD_HOST_SET, want, "HOST_SET H%d%s%s%s", n,
				   name ? " name" : "", addr ? " addr" : "",
				   local < 0 ? "" : local ? " local" : " not local");

	mw_put_id(st->msg, MIDWAY_A_HOST_ID, HID(n));
	if (name)
		nla_put_string(st->msg, MIDWAY_A_HOST_NAME, name);
	if (addr)
		put_ip(st, MIDWAY_A_HOST_ADDR, addr);
	if (local >= 0)
		nla_put_u8(st->msg, MIDWAY_A_HOST_LOCAL, local);
}

static void host_del(int n, bool cascade, int want)
{
	char what[32];

	snprintf(what, sizeof(what), "HOST_DEL H%d", n);
	del(MIDWAY_CMD_HOST_DEL, MIDWAY_A_HOST_ID, HID(n),
	    cascade ? MIDWAY_A_HOST_CASCADE : 0, want, what);
}

/* The routers a change of port @n can touch: its own, its peer's. */
static uint32_t port_routers(int n)
{
	uint32_t r = 1u << T.port_router[n];

	if (T.port_peer[n])
		r |= 1u << T.port_router[T.port_peer[n]];
	return r;
}

static void put_mac(struct step *st, int a, int n, int variant)
{
	uint8_t mac[6] = { 0x02, 0x00, 0x5e, (uint8_t)variant, (uint8_t)(n >> 8),
			   (uint8_t)n };

	nla_put(st->msg, a, sizeof(mac), mac);
}

/*
 * Port @n of router @router: exterior on host @host (0: none) or interior
 * with peer @peer (0: none); tunnel key @key (0: the kernel's); address
 * @addr/@plen if @plen. The MAC is fixed, so that every instance agrees.
 */
static void port_new(int n, int router, int kind, int host, int peer, uint32_t key,
		     uint32_t addr, int plen, int want)
{
	struct step *st = step_new(MIDWAY_CMD_PORT_NEW, want, "PORT_NEW P%d %s R%d%s%.0d%s%.0d",
				   n, kind == MIDWAY_PORT_KIND_EXTERIOR ? "ext" : "int",
				   router, host ? " on H" : "", host, peer ? " peer P" : "", peer);

	if (!want) {
		T.port_router[n] = router;
		T.port_peer[n] = peer;
		if (peer)
			T.port_peer[peer] = n;
	}
	st->routers = 1u << router | (peer ? 1u << T.port_router[peer] : 0);
	mw_put_id(st->msg, MIDWAY_A_PORT_ID, PID(n));
	mw_put_id(st->msg, MIDWAY_A_PORT_ROUTER_ID, RID(router));
	nla_put_u8(st->msg, MIDWAY_A_PORT_KIND, kind);
	put_mac(st, MIDWAY_A_PORT_MAC, n, 0);
	if (host)
		mw_put_id(st->msg, MIDWAY_A_PORT_HOST_ID, HID(host));
	if (peer)
		mw_put_id(st->msg, MIDWAY_A_PORT_PEER_ID, PID(peer));
	if (key)
		nla_put_u32(st->msg, MIDWAY_A_PORT_TUNNEL_KEY, key);
	if (plen) {
		put_ip(st, MIDWAY_A_PORT_ADDR, addr);
		nla_put_u8(st->msg, MIDWAY_A_PORT_PREFIXLEN, plen);
	}
}

static void port_admin(int n, int up)
{
	struct step *st = step_new(MIDWAY_CMD_PORT_SET, 0, "PORT_SET P%d admin %s", n,
				   up ? "up" : "down");

	st->routers = port_routers(n);

	mw_put_id(st->msg, MIDWAY_A_PORT_ID, PID(n));
	nla_put_u8(st->msg, MIDWAY_A_PORT_ADMIN_UP, up);
}

static void port_host(int n, int host)
{
	struct step *st = step_new(MIDWAY_CMD_PORT_SET, 0, "PORT_SET P%d host H%d", n, host);

	st->routers = port_routers(n);

	mw_put_id(st->msg, MIDWAY_A_PORT_ID, PID(n));
	mw_put_id(st->msg, MIDWAY_A_PORT_HOST_ID, HID(host));
}

static void port_misc(int n, uint32_t addr, int plen, const char *name, int mac,
		      int proxy)
{
	struct step *st = step_new(MIDWAY_CMD_PORT_SET, 0, "PORT_SET P%d addr%s%s%s", n,
				   name ? " name" : "", mac ? " mac" : "",
				   proxy >= 0 ? " proxy_arp" : "");

	st->routers = port_routers(n);

	mw_put_id(st->msg, MIDWAY_A_PORT_ID, PID(n));
	put_ip(st, MIDWAY_A_PORT_ADDR, addr);
	nla_put_u8(st->msg, MIDWAY_A_PORT_PREFIXLEN, plen);
	if (name)
		nla_put_string(st->msg, MIDWAY_A_PORT_NAME, name);
	if (mac)
		put_mac(st, MIDWAY_A_PORT_MAC, n, mac);
	if (proxy >= 0)
		nla_put_u8(st->msg, MIDWAY_A_PORT_PROXY_ARP, proxy);
}

static void port_del(int n, bool cascade, int want)
{
	char what[32];

	snprintf(what, sizeof(what), "PORT_DEL P%d", n);
	del(MIDWAY_CMD_PORT_DEL, MIDWAY_A_PORT_ID, PID(n),
	    cascade ? MIDWAY_A_PORT_CASCADE : 0, want, what)->routers = port_routers(n);
}

static const char *const nh_name[] = { "?", "port", "blackhole", "reject", "local" };

/* Route @n; its fields in @r (host order; 0: absent). */
static struct step *route_new(int n, struct route r, int want)
{
	char w[112], a[20];
	struct step *st;
	int o;

	if (n >= MAX_ROUTES)
		abort();
	o = snprintf(w, sizeof(w), "ROUTE_NEW T%d R%d %s/%d", n, r.router,
		     ip_str(r.dst, a), r.len);
	if (r.slen)
		o += snprintf(w + o, sizeof(w) - o, " from %s/%d", ip_str(r.src, a), r.slen);
	if (r.nh == MIDWAY_NH_PORT)
		o += snprintf(w + o, sizeof(w) - o, " via P%d", r.port);
	else
		o += snprintf(w + o, sizeof(w) - o, " %s", nh_name[r.nh]);
	if (r.gw)
		o += snprintf(w + o, sizeof(w) - o, " gw %s", ip_str(r.gw, a));
	if (r.weight)
		snprintf(w + o, sizeof(w) - o, " weight %u", r.weight);
	st = step_new(MIDWAY_CMD_ROUTE_NEW, want, "%s", w);
	st->routers = 1u << r.router;
	mw_put_id(st->msg, MIDWAY_A_ROUTE_ID, TID(n));
	mw_put_id(st->msg, MIDWAY_A_ROUTE_ROUTER_ID, RID(r.router));
	put_ip(st, MIDWAY_A_ROUTE_DST, r.dst);
	nla_put_u8(st->msg, MIDWAY_A_ROUTE_DST_LEN, r.len);
	nla_put_u8(st->msg, MIDWAY_A_ROUTE_NH_TYPE, r.nh);
	if (r.slen) {
		put_ip(st, MIDWAY_A_ROUTE_SRC, r.src);
		nla_put_u8(st->msg, MIDWAY_A_ROUTE_SRC_LEN, r.slen);
	}
	if (r.port)
		mw_put_id(st->msg, MIDWAY_A_ROUTE_PORT_ID, PID(r.port));
	if (r.gw)
		put_ip(st, MIDWAY_A_ROUTE_GATEWAY, r.gw);
	if (r.weight)
		nla_put_u32(st->msg, MIDWAY_A_ROUTE_WEIGHT, r.weight);
	if (!want) {
		r.used = true;
		T.route[n] = r;
		route_probes(n);
	}
	return st;
}

#define ROUTE(n, ...)		route_new((n), (struct route){ __VA_ARGS__ }, 0)
#define VIA(p)			.nh = MIDWAY_NH_PORT, .port = (p)

static struct step *route_del(int n, int want)
{
	char what[40];
	struct step *st;

	snprintf(what, sizeof(what), "ROUTE_DEL T%d", n);
	st = del(MIDWAY_CMD_ROUTE_DEL, MIDWAY_A_ROUTE_ID, TID(n), 0, want, what);
	if (T.route[n].used) {
		st->routers = 1u << T.route[n].router;
		route_probes(n);
	}
	return st;
}

/*
 * ROUTE_SET of route @n to what @r says, every attribute given (gateway
 * and source 0: none). Its old and new prefixes are probed.
 */
static struct step *route_set(int n, struct route r, int want)
{
	char a[20];
	struct step *st;

	st = step_new(MIDWAY_CMD_ROUTE_SET, want, "ROUTE_SET T%d %s/%d%s%.0d%s%s", n,
		      ip_str(r.dst, a), r.len, r.nh == MIDWAY_NH_PORT ? " via P" : " ",
		      r.nh == MIDWAY_NH_PORT ? r.port : 0,
		      r.nh == MIDWAY_NH_PORT ? "" : nh_name[r.nh], r.slen ? " with src" : "");
	r.router = T.route[n].router;
	st->routers = 1u << r.router;
	route_probes(n);
	mw_put_id(st->msg, MIDWAY_A_ROUTE_ID, TID(n));
	put_ip(st, MIDWAY_A_ROUTE_DST, r.dst);
	nla_put_u8(st->msg, MIDWAY_A_ROUTE_DST_LEN, r.len);
	nla_put_u8(st->msg, MIDWAY_A_ROUTE_NH_TYPE, r.nh);
	put_ip(st, MIDWAY_A_ROUTE_SRC, r.src);
	nla_put_u8(st->msg, MIDWAY_A_ROUTE_SRC_LEN, r.slen);
	if (r.nh == MIDWAY_NH_PORT) {
		mw_put_id(st->msg, MIDWAY_A_ROUTE_PORT_ID, PID(r.port));
		put_ip(st, MIDWAY_A_ROUTE_GATEWAY, r.gw);
	}
	nla_put_u32(st->msg, MIDWAY_A_ROUTE_WEIGHT, r.weight ?: MIDWAY_WEIGHT_DEFAULT);
	if (!want) {
		r.used = true;
		T.route[n] = r;
		route_probes(n);
	}
	return st;
}

#define ROUTE_SET(n, ...)	route_set((n), (struct route){ __VA_ARGS__ }, 0)

/* The last step, with NLM_F_REPLACE: a NEW that replaces. */
static void replace_last(void)
{
	struct step *st = &T.step[T.n - 1];

	nlmsg_hdr(st->msg)->nlmsg_flags |= NLM_F_REPLACE;
	snprintf(st->what + strlen(st->what), sizeof(st->what) - strlen(st->what),
		 " (replace)");
}

/* PORT_SET of @n with the all-zero HOST_ID: on no host. */
static void port_unplace(int n)
{
	static const uint8_t zero[MIDWAY_UUID_LEN];
	struct step *st = step_new(MIDWAY_CMD_PORT_SET, 0, "PORT_SET P%d host none", n);

	st->routers = port_routers(n);
	mw_put_id(st->msg, MIDWAY_A_PORT_ID, PID(n));
	nla_put(st->msg, MIDWAY_A_PORT_HOST_ID, sizeof(zero), zero);
}

static void neigh(uint8_t cmd, int port, uint32_t addr, int mac, int want)
{
	char a[20];
	struct step *st = step_new(cmd, want, "%s P%d %s", cmd == MIDWAY_CMD_NEIGH_NEW ?
				   "NEIGH_NEW" : "NEIGH_DEL", port, ip_str(addr, a));

	st->routers = 1u << T.port_router[port];
	mw_put_id(st->msg, MIDWAY_A_NEIGH_PORT_ID, PID(port));
	put_ip(st, MIDWAY_A_NEIGH_ADDR, addr);
	if (mac)
		put_mac(st, MIDWAY_A_NEIGH_MAC, 0x100 + port, mac);
}

static bool bulk_taken(uint32_t dst, int len)
{
	int n;

	for (n = 1000; n < MAX_ROUTES; n++)
		if (T.route[n].used && T.route[n].dst == dst && T.route[n].len == len)
			return true;
	return false;
}

/*
 * Router 3's table: a /6 over four /8s, a /8 inside it, and in 21/8 a /12,
 * a /18, /19 and /20, then @n24 /24s spread over 48 of its /16s (many /18s,
 * so many level-0 nodes), /28s inside some of them and elsewhere, /32s
 * inside /28s, /24s and alone (level-1 and level-2 nodes). Returns the
 * number of routes.
 */
static int script_bulk(int n24, int *ids)
{
	int n28 = n24 * 2 / 3, n32 = n24 * 2 / 3, n = 0, t = 1000, k;
	uint32_t p24[1024], p28[1024], p;
	int m24 = 0, m28 = 0;

	ids[n++] = t;
	ROUTE(t++, .router = 3, .dst = IP(20, 0, 0, 0), .len = 6, VIA(30), .gw = IP(10, 30, 0, 2));
	ids[n++] = t;
	ROUTE(t++, .router = 3, .dst = IP(22, 0, 0, 0), .len = 8, .nh = MIDWAY_NH_BLACKHOLE);
	ids[n++] = t;
	ROUTE(t++, .router = 3, .dst = IP(21, 16, 0, 0), .len = 12, VIA(30));
	ids[n++] = t;
	ROUTE(t++, .router = 3, .dst = IP(21, 1, 64, 0), .len = 18, VIA(30));
	ids[n++] = t;
	ROUTE(t++, .router = 3, .dst = IP(21, 2, 32, 0), .len = 19, .nh = MIDWAY_NH_REJECT);
	ids[n++] = t;
	ROUTE(t++, .router = 3, .dst = IP(21, 3, 16, 0), .len = 20, VIA(30));
	ids[n++] = t;
	ROUTE(t++, .router = 3, .dst = IP(23, 5, 0, 0), .len = 16, VIA(30), .gw = IP(10, 30, 0, 3));
	sentinel(3, IP(20, 1, 2, 3), 0);
	sentinel(3, IP(22, 9, 9, 9), 0);
	sentinel(3, IP(23, 5, 1, 1), 0);
	sentinel(3, IP(23, 6, 1, 1), 0);
	sentinel(3, IP(24, 0, 0, 1), 0);
	sentinel(3, IP(21, 17, 1, 1), 0);
	sentinel(3, IP(21, 200, 1, 1), 0);

	for (k = 0; k < n24 && k < 768 && t < MAX_ROUTES; k++) {
		/* (k mod 48, k mod 256): distinct for k < 768 */
		p = IP(21, (k * 5) % 48, (k * 53) % 256, 0);
		p24[m24++] = p;
		ids[n++] = t;
		ROUTE(t++, .router = 3, .dst = p, .len = 24, VIA(30),
		      .gw = k % 3 ? 0 : IP(10, 30, 0, 4));
		if (k % 16 == 0)
			sentinel_wide(3, p | 77, 0);
	}
	for (k = 0; k < n28 && t < MAX_ROUTES; k++) {
		if (k % 2)
			p = p24[(k * 7) % m24] | (16 * ((k * 5) % 16));
		else
			p = IP(21, 48 + k % 16, (k * 29) % 256, 16 * ((k / 16) % 16));
		if (bulk_taken(p, 28))
			continue;
		p28[m28++] = p;
		ids[n++] = t;
		ROUTE(t++, .router = 3, .dst = p, .len = 28,
		      .nh = k % 5 ? MIDWAY_NH_PORT : MIDWAY_NH_BLACKHOLE,
		      .port = k % 5 ? 30 : 0);
		if (k % 16 == 1)
			sentinel_wide(3, p | 9, 0);
	}
	for (k = 0; k < n32 && t < MAX_ROUTES; k++) {
		if (k % 3 == 0)
			p = p28[(k * 11) % m28] | (k % 16);
		else if (k % 3 == 1)
			p = p24[(k * 13) % m24] | (128 + k % 100);
		else
			p = IP(21, 56 + k % 8, k % 256, (k * 7) % 256);
		if (bulk_taken(p, 32))
			continue;
		ids[n++] = t;
		ROUTE(t++, .router = 3, .dst = p, .len = 32, VIA(30));
		if (k % 16 == 2)
			sentinel_wide(3, p, 0);
	}
	return n;
}

static void script(int n24)
{
	static int bulk[MAX_ROUTES];
	int nbulk, k;

	/* Hosts, routers, ports. */
	host_new(1, "hv1", IP(192, 0, 2, 1), -1);
	host_new(2, "hv2", IP(192, 0, 2, 2), 0);
	host_new(3, "here", IP(192, 0, 2, 3), 1);
	host_new(4, NULL, IP(198, 51, 100, 4), -1);
	host_set(2, "hv2b", IP(192, 0, 2, 22), -1, 0);
	host_set(4, NULL, 0, 1, -EBUSY);		/* H3 is the local host */
	router_new(1, "r1", -1);
	router_new(2, "r2", -1);
	router_new(3, "bulk", -1);
	router_new(4, "r4", -1);
	router_new(5, "r5", 0);
	router_set(5, "r5b", 1);
	router_new(1, "again", -1);
	T.step[T.n - 1].want = -EEXIST;
	router_del(5, false, 0);
	host_del(4, false, 0);
	port_new(1, 1, MIDWAY_PORT_KIND_EXTERIOR, 1, 0, 101, IP(10, 0, 1, 1), 24, 0);
	port_new(2, 1, MIDWAY_PORT_KIND_EXTERIOR, 1, 0, 102, IP(10, 0, 2, 1), 24, 0);
	port_new(3, 1, MIDWAY_PORT_KIND_EXTERIOR, 2, 0, 0, 0, 0, 0);	/* key: the kernel's */
	port_new(4, 1, MIDWAY_PORT_KIND_EXTERIOR, 3, 0, 104, 0, 0, 0);	/* local, unbound: down */
	port_new(5, 1, MIDWAY_PORT_KIND_EXTERIOR, 0, 0, 105, 0, 0, 0);	/* nowhere: down */
	port_new(10, 1, MIDWAY_PORT_KIND_INTERIOR, 0, 0, 110, IP(10, 255, 0, 1), 30, 0);
	port_new(20, 2, MIDWAY_PORT_KIND_INTERIOR, 0, 10, 120, IP(10, 255, 0, 2), 30, 0);
	port_new(11, 1, MIDWAY_PORT_KIND_INTERIOR, 0, 0, 111, 0, 0, 0);
	port_new(40, 4, MIDWAY_PORT_KIND_EXTERIOR, 2, 0, 140, 0, 0, 0);
	port_new(41, 4, MIDWAY_PORT_KIND_INTERIOR, 0, 11, 141, 0, 0, 0);
	port_new(21, 2, MIDWAY_PORT_KIND_EXTERIOR, 2, 0, 121, 0, 0, 0);
	port_new(30, 3, MIDWAY_PORT_KIND_EXTERIOR, 1, 0, 130, IP(10, 30, 0, 1), 24, 0);
	port_new(42, 4, MIDWAY_PORT_KIND_INTERIOR, 0, 10, 142, 0, 0, -EBUSY);	/* P10 is peered */
	port_new(43, 4, MIDWAY_PORT_KIND_EXTERIOR, 0, 0, 101, 0, 0, -EEXIST);	/* P1's key */

	/* Routes of router 1: every next hop type, ECMP groups, sources. */
	ROUTE(1, .router = 1, .dst = IP(10, 1, 0, 0), .len = 16, VIA(1), .gw = IP(10, 0, 1, 254));
	ROUTE(2, .router = 1, .dst = 0, .len = 0, .nh = MIDWAY_NH_BLACKHOLE);
	ROUTE(3, .router = 1, .dst = IP(192, 168, 0, 0), .len = 16, .nh = MIDWAY_NH_REJECT);
	ROUTE(4, .router = 1, .dst = IP(10, 0, 1, 1), .len = 32, .nh = MIDWAY_NH_LOCAL);
	ROUTE(5, .router = 1, .dst = IP(10, 5, 0, 0), .len = 16, VIA(5));
	ROUTE(6, .router = 1, .dst = IP(10, 6, 0, 0), .len = 16, VIA(11));
	ROUTE(7, .router = 1, .dst = IP(10, 7, 0, 0), .len = 16, VIA(4));
	ROUTE(10, .router = 1, .dst = IP(10, 2, 0, 0), .len = 16, VIA(1), .gw = IP(10, 0, 1, 2));
	ROUTE(11, .router = 1, .dst = IP(10, 2, 0, 0), .len = 16, VIA(2), .gw = IP(10, 0, 2, 2));
	ROUTE(12, .router = 1, .dst = IP(10, 2, 0, 0), .len = 16, VIA(3), .weight = 200);
	for (k = 0; k < 4; k++)
		ROUTE(20 + k, .router = 1, .dst = IP(10, 4, 0, 0), .len = 16,
		      VIA(k < 3 ? 1 + k : 10), .gw = k < 2 ? IP(10, 0, 1 + k, 4) : 0);
	for (k = 0; k < 8; k++)
		ROUTE(30 + k, .router = 1, .dst = IP(10, 8, 0, 0), .len = 16,
		      VIA(k < 3 ? 1 : k < 6 ? 2 : k == 6 ? 3 : 10),
		      .gw = k < 6 ? IP(10, 0, 1 + k / 3, 10 + k) : 0);
	ROUTE(40, .router = 1, .dst = IP(10, 9, 0, 0), .len = 16, VIA(1),
	      .src = IP(172, 16, 0, 0), .slen = 12);
	ROUTE(41, .router = 1, .dst = IP(10, 9, 0, 0), .len = 16, VIA(2),
	      .src = IP(192, 168, 0, 0), .slen = 16);
	ROUTE(42, .router = 1, .dst = IP(10, 9, 0, 0), .len = 16, VIA(3),
	      .src = IP(172, 16, 0, 0), .slen = 12);
	ROUTE(43, .router = 1, .dst = IP(10, 0, 0, 0), .len = 8, VIA(3));
	ROUTE(44, .router = 1, .dst = IP(10, 9, 128, 0), .len = 17, VIA(2),
	      .src = IP(172, 16, 0, 0), .slen = 12);
	route_new(45, (struct route){ .router = 1, .dst = IP(10, 2, 0, 0), .len = 16, VIA(1),
		  .gw = IP(10, 0, 1, 2), .weight = 5 }, -EEXIST);
	route_new(46, (struct route){ .router = 1, .dst = IP(10, 46, 0, 0), .len = 16,
		  VIA(99) }, -ENOENT);
	/* Routers 2 and 4. */
	ROUTE(50, .router = 2, .dst = IP(10, 100, 0, 0), .len = 16, VIA(21));
	ROUTE(51, .router = 2, .dst = 0, .len = 0, VIA(20), .gw = IP(10, 255, 0, 1));
	ROUTE(60, .router = 4, .dst = IP(10, 60, 0, 0), .len = 16, VIA(40));
	ROUTE(61, .router = 4, .dst = IP(10, 61, 0, 0), .len = 16, VIA(41));
	ROUTE(62, .router = 4, .dst = 0, .len = 0, .nh = MIDWAY_NH_BLACKHOLE);
	ROUTE(63, .router = 4, .dst = IP(10, 60, 0, 0), .len = 16, VIA(41));
	ROUTE(64, .router = 4, .dst = IP(10, 64, 0, 0), .len = 16, VIA(40),
	      .src = IP(172, 16, 0, 0), .slen = 12);

	/* What every snapshot looks up in routers 1, 2 and 4. */
	sentinel(1, IP(10, 1, 2, 3), 0);
	sentinel(1, IP(8, 8, 8, 8), 0);
	sentinel(1, IP(192, 168, 1, 1), 0);
	sentinel(1, IP(10, 0, 1, 1), 0);
	sentinel(1, IP(10, 5, 0, 1), 0);
	sentinel(1, IP(10, 6, 0, 1), 0);
	sentinel(1, IP(10, 7, 0, 1), 0);
	sentinel(1, IP(10, 3, 0, 1), 0);
	sentinel_flows(1, IP(10, 2, 3, 4), 0, 3);
	sentinel_flows(1, IP(10, 4, 3, 4), 0, 5);
	sentinel_flows(1, IP(10, 8, 3, 4), IP(1, 2, 3, 4), 8);
	sentinel_flows(1, IP(10, 9, 3, 4), IP(172, 16, 0, 9), 3);
	sentinel(1, IP(10, 9, 3, 4), IP(192, 168, 0, 9));
	sentinel(1, IP(10, 9, 3, 4), IP(8, 8, 8, 8));
	sentinel(1, IP(10, 9, 200, 4), IP(172, 16, 0, 9));
	sentinel(1, IP(10, 9, 200, 4), IP(9, 9, 9, 9));
	sentinel(2, IP(10, 100, 0, 1), 0);
	sentinel(2, IP(1, 2, 3, 4), 0);
	sentinel_flows(4, IP(10, 60, 0, 1), 0, 4);
	sentinel(4, IP(10, 61, 0, 1), 0);
	sentinel(4, IP(10, 64, 0, 1), IP(172, 16, 0, 1));
	sentinel(4, IP(10, 64, 0, 1), 0);
	sentinel(4, IP(9, 9, 9, 9), 0);

	/* Changes: ports, hosts, routers, neighbours. */
	port_admin(2, 0);
	port_admin(2, 1);
	port_misc(1, IP(10, 0, 1, 5), 24, "p1b", 1, 1);
	port_host(3, 1);
	port_host(3, 3);	/* the local host, unbound: down */
	port_host(3, 2);
	host_set(3, NULL, 0, 0, 0);	/* P4 is on a remote host now: up */
	host_set(3, "here", 0, 1, 0);
	router_set(1, NULL, 0);
	router_set(1, NULL, 1);
	router_set(2, "r2b", -1);
	port_admin(20, 0);	/* P10's peer: P10 down */
	port_admin(20, 1);
	neigh(MIDWAY_CMD_NEIGH_NEW, 1, IP(10, 0, 1, 10), 1, 0);
	neigh(MIDWAY_CMD_NEIGH_NEW, 1, IP(10, 0, 1, 11), 2, 0);
	neigh(MIDWAY_CMD_NEIGH_NEW, 1, IP(10, 0, 1, 10), 3, 0);	/* a new MAC */
	neigh(MIDWAY_CMD_NEIGH_NEW, 2, IP(10, 0, 2, 10), 1, 0);
	neigh(MIDWAY_CMD_NEIGH_DEL, 1, IP(10, 0, 1, 11), 0, 0);
	neigh(MIDWAY_CMD_NEIGH_DEL, 1, IP(10, 0, 1, 99), 0, -ENOENT);

	/* Routes changed in place: ROUTE_SET and NEW with NLM_F_REPLACE. */
	ROUTE_SET(10, .dst = IP(10, 2, 0, 0), .len = 16, VIA(1), .gw = IP(10, 0, 1, 2),
		  .weight = 50);	/* same prefix: leaves the ECMP group */
	ROUTE_SET(1, .dst = IP(10, 11, 0, 0), .len = 16, VIA(1), .gw = IP(10, 0, 1, 254));
	ROUTE_SET(1, .dst = IP(10, 4, 0, 0), .len = 16, VIA(2));	/* into a group */
	ROUTE_SET(3, .dst = IP(192, 168, 0, 0), .len = 16, .nh = MIDWAY_NH_BLACKHOLE);
	ROUTE_SET(7, .dst = IP(10, 7, 0, 0), .len = 16, VIA(1), .src = IP(172, 16, 0, 0),
		  .slen = 12);
	route_set(5, (struct route){ .dst = IP(10, 2, 0, 0), .len = 16, VIA(1),
		  .gw = IP(10, 0, 1, 2), .weight = 50 }, -EEXIST);	/* T10 now */
	ROUTE(5, .router = 1, .dst = IP(10, 55, 0, 0), .len = 16, VIA(2));
	replace_last();
	router_new(2, "r2c", -1);
	replace_last();
	host_new(2, "hv2c", IP(192, 0, 2, 22), -1);
	replace_last();
	port_new(2, 1, MIDWAY_PORT_KIND_EXTERIOR, 1, 0, 102, IP(10, 0, 2, 1), 24, 0);
	replace_last();
	port_unplace(2);

	/* Groups shrink; sources go. */
	route_del(33, 0);
	route_del(21, 0);
	route_del(11, 0);
	route_del(40, 0);
	route_del(42, 0);
	route_del(43, 0);
	route_del(43, -ENOENT);

	/* Deletes refused, then cascades. */
	port_del(3, false, -EBUSY);
	port_del(3, true, 0);
	port_del(20, false, -EBUSY);
	router_del(4, false, -EBUSY);
	router_del(4, true, 0);	/* P11 loses its peer: T6 goes inactive */
	host_del(2, false, -EBUSY);
	host_del(2, true, 0);	/* P21 and T50 */
	port_del(20, true, 0);	/* T51; P10 loses its peer */
	router_del(2, true, 0);
	/*
	 * Router 1's cascade is long (a hundred allocations, events mostly)
	 * and says nothing router 4's did not: cleanup.
	 */
	router_del(1, true, 0);
	T.step[T.n - 1].noinject = true;

	/* Router 3: many prefixes, then some of them go. */
	nbulk = script_bulk(n24, bulk);
	T.step[T.n - 1].check_all = true;
	route_del(1000, 0);	/* the /6 */
	for (k = 3; k < nbulk; k += 4)
		route_del(bulk[k], 0);
	route_del(1002, 0);	/* the /12 */
	T.step[T.n - 1].check_all = true;

	/* Clean up: router 3 without injection (its cascade is long). */
	router_del(3, true, 0);
	T.step[T.n - 1].noinject = true;
	host_del(1, false, 0);
	host_del(3, false, 0);
	T.step[T.n - 1].check_all = true;
}

/* The test ----------------------------------------------------------------------------------- */

/*
 * How many failures of a request that midway refuses before it allocates
 * anything come from the netlink and genetlink core: "S" sendmsg() failed,
 * "E" the ack said -ENOMEM (the core's attribute table), "A" the failure
 * was absorbed, "L" the ack was lost. Prints the pattern.
 */
static void calibrate(struct inst *x)
{
	struct step st = { .want = -EINVAL };
	char pattern[128];
	unsigned int nth, enomem = 0;
	struct outcome o;
	int p = 0;

	st.msg = mw_req(T.builder, MIDWAY_CMD_ROUTER_SET, 0);	/* no ID */
	for (nth = 1; nth < 100; nth++) {
		attempt(x, &st, nth, &o);
		if (o.left)
			break;
		if (o.how == O_SEND_FAILED)
			pattern[p++] = 'S';
		else if (o.how == O_LOST_ACK)
			pattern[p++] = 'L';
		else if (o.err == -ENOMEM)
			pattern[p++] = 'E', enomem++;
		else
			pattern[p++] = 'A';
		if (p + 1 == sizeof(pattern))
			break;
	}
	pattern[p] = 0;
	nlmsg_free(st.msg);
	say("a request refused before any allocation of midway: %u allocations "
	    "(%s; S sendmsg failed, E -ENOMEM, A absorbed, L ack lost)", nth - 1, pattern);
	if (enomem != 1)
		say("note: %u -ENOMEM answers from the core, not 1: the exemption of the "
		    "first failure past sendmsg() may not fit this kernel", enomem);
}

FIXTURE(faults) {
	int unused;
};

FIXTURE_SETUP(faults)
{
}

FIXTURE_TEARDOWN(faults)
{
}

static const char *getenv_or(const char *name, const char *def)
{
	const char *v = getenv(name);

	return v && *v ? v : def;
}

TEST_F_TIMEOUT(faults, script, 7200)
{
	int n24 = atoi(getenv_or("MW_FAULTS_BULK", "80"));
	const char *range = getenv_or("MW_FAULTS_STEPS", "");
	char stack[256 << 10];
	struct lines left;
	struct snap end;
	cpu_set_t cpus;
	int i, k;

	T.dryrun = atoi(getenv_or("MW_FAULTS_DRYRUN", "0"));
	T.strict = atoi(getenv_or("MW_FAULTS_STRICT", "0"));
	T.stacks = atoi(getenv_or("MW_FAULTS_STACKS", "0"));
	T.verbose = atoi(getenv_or("MW_FAULTS_VERBOSE", "0"));
	T.inject = range;
	T.t0 = mw_now();

	/*
	 * No page faults between arming fail-nth and reading it back: every
	 * page of this process stays in memory, the stack is touched first.
	 */
	rxbuf = malloc(MW_RXBUF);
	ASSERT_NE(NULL, rxbuf);
	memset(rxbuf, 0, MW_RXBUF);
	memset(stack, 0, sizeof(stack));
	__asm__ volatile("" : : "r"(stack) : "memory");	/* keep it */
	if (mlockall(MCL_CURRENT | MCL_FUTURE))
		say("note: mlockall: %s", strerror(errno));
	/* One CPU: its slab caches refill alike from one try to the next. */
	CPU_ZERO(&cpus);
	CPU_SET(0, &cpus);
	sched_setaffinity(0, sizeof(cpus), &cpus);

	T.nth_fd = -1;
	if (!T.dryrun) {
		T.nth_fd = open(FAIL_NTH, O_RDWR);
		ASSERT_LE(0, T.nth_fd) TH_LOG("%s: %s", FAIL_NTH, strerror(errno));
		ASSERT_EQ(0, knobs_set()) TH_LOG("cannot set up failslab in %s", DEBUGFS);
	}
	T.kmsg = open("/dev/kmsg", O_RDONLY | O_NONBLOCK);
	if (T.kmsg >= 0)
		lseek(T.kmsg, 0, SEEK_END);

	T.ref = inst_new();
	ASSERT_NE(NULL, T.ref);
	T.builder = T.ref->s;
	if (!T.dryrun) {
		struct inst *x = inst_new();

		ASSERT_NE(NULL, x);
		calibrate(x);
		inst_free(x);
	}

	script(n24 > 0 ? n24 : 80);
	say("%d steps, %d lookups in every snapshot, %d more over the script%s",
	    T.n, T.nsentinel, T.nprobe, T.dryrun ? "; dry run, no injection" : "");

	for (i = 0; i < T.n; i++)
		run_step(i);

	/* Everything is gone, in the reference too. */
	snap_take(T.ref, &T.step[T.n - 1], S_ALL, &end);
	snap_lines(&end, &left);
	for (k = 0; k < left.n; k++) {
		if (strncmp(left.l[k], "lookup ", 7) && strncmp(left.l[k], "dump of ", 8))
			finding(F_CLEAN, -1, 0, NULL, NULL, NULL, "left at the end: %s", left.l[k]);
	}
	lines_free(&left);
	snap_free(&end);

	for (k = 0; k < T.npool; k++)
		inst_free(T.pool[k]);
	T.npool = 0;
	inst_free(T.ref);
	for (i = 0; i < T.n; i++)
		nlmsg_free(T.step[i].msg);
	if (!T.dryrun)
		knobs_restore();
	sleep(1);	/* for the namespaces' cleanup to start */
	if (kmsg_read(NULL, 0) && !T.stacks)
		finding(F_KERNEL, -1, 0, NULL, NULL, NULL,
			"the kernel logged a problem at the end (above)");

	say("summary: %d requests, %lu tries in %.0f s; %lu injected failures: "
	    "%lu failed cleanly (+%lu without extack message, +%lu in the genetlink "
	    "core), %lu absorbed (%lu right only after a delay), %lu lost acks, %lu "
	    "never sent; %lu allocations in long absorbed runs not tried; deepest: "
	    "%u allocations in step %d", T.n, T.tries, mw_now() - T.t0, T.injected,
	    T.failed_clean, T.failed_bare, T.failed_core, T.absorbed, T.eventual,
	    T.lost_ack, T.not_sent, T.sampled, T.max_nth, T.max_nth_step);
	say("summary: %lu instances made, %lu replays of %lu requests (%.0f s), "
	    "%lu snapshots (%.0f s, %.0f s of them %lu lookups), tries %.0f s",
	    T.created, T.replays, T.replayed_steps, T.t_replay, T.snaps, T.t_snap,
	    T.t_lookups, T.nlookups, T.t_try);
	for (k = 0; k < F_NCAT; k++)
		if (T.findings[k])
			say("summary: %lu x %s", T.findings[k], fcat_name[k]);
	EXPECT_EQ(0, T.nfindings) TH_LOG("%lu checks failed (FAIL lines above)", T.nfindings);
}

int main(int argc, char **argv)
{
	struct mw_sock *s = mw_open();
	bool dry = atoi(getenv_or("MW_FAULTS_DRYRUN", "0"));

	if (!s) {
		ksft_print_header();
		ksft_exit_skip("generic netlink family \"" MIDWAY_GENL_NAME
			       "\" not found (midway.ko not loaded?)\n");
	}
	mw_close(s);
	if (!dry && access(FAIL_NTH, F_OK)) {
		ksft_print_header();
		ksft_exit_skip("no " FAIL_NTH ": this kernel has no fault injection "
			       "(CONFIG_FAULT_INJECTION, CONFIG_FAILSLAB); run it on the "
			       "debug kernel: tools/vm/run --kernel debug -- build/selftests/api_faults\n");
	}
	return test_harness_run(argc, argv);
}
