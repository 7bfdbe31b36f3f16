// SPDX-License-Identifier: GPL-2.0
/*
 * midwayd: the per-host controller (Documentation/midwayd.md).
 *
 * One loop owns everything: the ZooKeeper queue (zk.c), the kernel's
 * events, the host's link changes, signals and the status socket. After
 * whatever woke it, when the topology is complete and something changed, it
 * reconciles the kernel (reconcile.c).
 *
 * The kernel is never flushed: not at start, not on exit, not when
 * ZooKeeper is away. On SIGTERM midwayd exits and the kernel keeps
 * forwarding with what it has.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/rtnetlink.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "midwayd.h"

#define EVENTS_RCVBUF	(8 << 20)
/*
 * While reads are in flight (a bulk change, a session's first reading),
 * changes are gathered for up to this long before one reconciliation: one
 * pass over the topology per batch, not one per document.
 */
#define GATHER_MS	100
#define GATHER_MAX_MS	2000

struct daemon {
	struct config	c;
	struct topo	*topo;
	struct zk	*zk;
	struct mwnl	*nl;		/* requests */
	struct mwnl	*ev;		/* the kernel's events */
	struct reconciler *rec;
	int		rtnl_fd;
	int		sig_fd;
	int		status_fd;
	bool		need_dump;
	unsigned int	changed_kinds;	/* since the last reconciliation */
	bool		dirty;
	bool		urgent;		/* a deletion: no gathering */
	time_t		retry_at;
	struct timespec	dirty_since;
};

static long ms_since(const struct timespec *t)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (now.tv_sec - t->tv_sec) * 1000 +
	       (now.tv_nsec - t->tv_nsec) / 1000000;
}

/*
 * While reads are in flight, changes are gathered for GATHER_MS; while
 * route documents stream in (a bulk change), for ten times what the last
 * pass took if that is longer (up to GATHER_MAX_MS), so that passes take
 * at most about a tenth of the time. Other changes (liveness, a port) are
 * never held longer because a bulk change made the last pass long.
 */
static long gather_ms(unsigned int changed_kinds)
{
	long ms = 10 * stats.last_sync_ms;

	if (!(changed_kinds & (1u << TOPO_ROUTE)) || ms < GATHER_MS)
		return GATHER_MS;
	return ms > GATHER_MAX_MS ? GATHER_MAX_MS : ms;
}

static void read_events(struct daemon *d)
{
	if (reconcile_read_events(d->rec, d->zk)) {
		d->need_dump = true;
		d->changed_kinds = ~0u;
		d->dirty = true;
	}
}

static void read_links(struct daemon *d)
{
	char buf[16384];

	while (recv(d->rtnl_fd, buf, sizeof(buf), MSG_DONTWAIT) > 0)
		d->dirty = true;
}

static int open_rtnl(void)
{
	struct sockaddr_nl sa = {
		.nl_family = AF_NETLINK,
		.nl_groups = RTMGRP_LINK,
	};
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC,
			NETLINK_ROUTE);

	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		err("rtnetlink: %s", strerror(errno));
		exit(1);
	}
	return fd;
}

static int open_signals(void)
{
	sigset_t set;
	int fd;

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	sigprocmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	fd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
	if (fd < 0) {
		err("signalfd: %s", strerror(errno));
		exit(1);
	}
	return fd;
}

static struct mwnl *open_kernel(void)
{
	struct mwnl *nl = mwnl_open();

	if (!nl) {
		err("cannot reach the midway kernel module: %s",
		    errno == ENOENT ? "not loaded (modprobe midway)" :
		    strerror(errno));
		exit(1);
	}
	return nl;
}

/* 0 to go on, 1 to stop. */
static int read_signals(struct daemon *d)
{
	struct signalfd_siginfo si;

	while (read(d->sig_fd, &si, sizeof(si)) == sizeof(si)) {
		if (si.ssi_signo == SIGHUP) {
			info("SIGHUP: reading the kernel again");
			d->need_dump = true;
			d->dirty = true;
			d->changed_kinds = ~0u;
			continue;
		}
		info("%s: exiting; the kernel keeps forwarding%s",
		     strsignal(si.ssi_signo), d->c.close_on_exit ?
		     "; closing the session" :
		     "; the session stays for the next start");
		return 1;
	}
	return 0;
}

static void sync_kernel(struct daemon *d)
{
	int ret = reconcile(d->rec, d->topo, d->zk, d->need_dump,
			    d->changed_kinds);

	if (ret < 0) {
		err("kernel: reconciliation failed (%s); again in 1 s",
		    strerror(-ret));
		d->retry_at = time(NULL) + 1;
		return;
	}
	d->need_dump = false;
	d->dirty = false;
	d->urgent = false;
	d->changed_kinds = 0;
	d->retry_at = 0;
}

int main(int argc, char **argv)
{
	struct daemon d = { .need_dump = true };
	char id[MWNL_UUID_STRLEN], addr[MWNL_PREFIX_STRLEN];
	bool complete = false;

	if (argc > 1 && !strcmp(argv[1], "status"))
		return status_main(argc - 1, argv + 1);
	if (config_load(&d.c, argc, argv))
		return 2;
	log_init(d.c.log_level);
	stats.started = time(NULL);
	setvbuf(stderr, NULL, _IOLBF, 0);
	info("host %s (%s), underlay %s, ZooKeeper %s%s", d.c.host_name,
	     mwnl_uuid_fmt(&d.c.host_id, id), mwnl_addr_fmt(d.c.underlay, addr),
	     d.c.zk, d.c.root);

	d.sig_fd = open_signals();
	d.nl = open_kernel();
	d.ev = open_kernel();
	if (mwnl_subscribe(d.ev, MIDWAY_MCGRP_EVENTS) ||
	    nl_socket_set_nonblocking(mwnl_sock(d.ev))) {
		err("kernel: cannot listen to its events");
		return 1;
	}
	if (mwnl_set_rcvbuf(d.ev, EVENTS_RCVBUF) < 0)
		warn("kernel: cannot enlarge the events buffer");
	d.rtnl_fd = open_rtnl();
	d.status_fd = status_listen(d.c.status_sock);
	if (d.status_fd < 0)
		warn("status socket %s: %s", d.c.status_sock,
		     strerror(-d.status_fd));
	d.topo = topo_new();
	if (d.topo)	/* reconcile() compares only the routes that changed */
		topo_track(d.topo, TOPO_ROUTE);
	d.rec = reconciler_new(&d.c, d.nl, d.ev);
	if (!d.topo || !d.rec)
		return 1;
	d.zk = zk_new(&d.c, d.topo);
	if (!d.zk) {
		err("cannot start the ZooKeeper client");
		return 1;
	}

	for (;;) {
		struct pollfd p[] = {
			{ zk_fd(d.zk), POLLIN, 0 },
			{ mwnl_fd(d.ev), POLLIN, 0 },
			{ d.rtnl_fd, POLLIN, 0 },
			{ d.sig_fd, POLLIN, 0 },
			{ d.status_fd, POLLIN, 0 },
		};
		bool changed = false;
		int timeout = d.dirty ? GATHER_MS / 4 : 1000;

		if (poll(p, d.status_fd < 0 ? 4 : 5, timeout) < 0 &&
		    errno != EINTR) {
			err("poll: %s", strerror(errno));
			break;
		}
		if (p[3].revents && read_signals(&d))
			break;
		if (p[1].revents)
			read_events(&d);
		if (p[2].revents)
			read_links(&d);
		if (d.status_fd >= 0 && p[4].revents)
			status_serve(d.status_fd, &d.c);
		complete = zk_process(d.zk, &changed);
		d.changed_kinds |= zk_take_changes(d.zk);
		d.urgent |= zk_take_urgent(d.zk);
		if (changed && !d.dirty) {
			d.dirty = true;
			clock_gettime(CLOCK_MONOTONIC, &d.dirty_since);
		}
		if (!complete || !d.dirty)
			continue;
		if (zk_busy(d.zk) && !d.urgent &&
		    ms_since(&d.dirty_since) < gather_ms(d.changed_kinds))
			continue;
		if (d.retry_at && time(NULL) < d.retry_at)
			continue;
		sync_kernel(&d);
	}

	zk_free(d.zk, d.c.close_on_exit);
	if (d.status_fd >= 0)
		unlink(d.c.status_sock);
	return 0;
}
