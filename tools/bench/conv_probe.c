// SPDX-License-Identifier: GPL-2.0
/*
 * conv_probe: how long a carrier change on one host takes to reach the
 * other hosts' kernels, as seen by the kernels themselves.
 *
 *   conv_probe -g GWNS -d DEV -r ROUTE-ID [-n TRIALS] [-t TIMEOUT-MS]
 *              [-s SETTLE-MS] [-o FILE] [-f] NETNS...
 *
 * One socket per NETNS (named network namespaces, /run/netns/NETNS), each
 * opened inside it (setns) and subscribed to midway's "events" group
 * (mwnl_subscribe). Then, TRIALS times:
 *
 *   down: the clock (CLOCK_MONOTONIC), then DEV in GWNS set down
 *         (SIOCSIFFLAGS, from a socket opened in GWNS: no process spawned
 *         between the clock and the change); every NETNS's ROUTE_STATE
 *         event for ROUTE-ID with ACTIVE 0 is timestamped on arrival;
 *   up:   the same with DEV set up, waiting for ACTIVE 1 everywhere,
 *
 * SETTLE-MS (300) after each phase is complete. A phase that is not
 * complete after TIMEOUT-MS (10000) counts the missing hosts as timed out
 * (and waits a further TIMEOUT-MS for the route to settle).
 *
 * -f: run at SCHED_FIFO priority 50, so that the probe reads its sockets
 * as soon as an event arrives rather than when the scheduler gets to it
 * among the controllers.
 *
 * Output: with -o, one line per event "down|up TRIAL NETNS MS", and per
 * phase "# t0 down|up TRIAL SECONDS" (CLOCK_REALTIME of the change, to set
 * beside midwayd's log); on stdout,
 * per phase, p50/p99/max (nearest rank) of the time until the last host
 * has the new state (the convergence of one trial) and of every host's
 * own time, then "RESULT conv_probe ..." lines. Exit status 0, or 1 if
 * anything timed out or failed.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <net/if.h>
#include <poll.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "mwnl.h"

struct probe {
	const char	*ns;
	struct mwnl	*nl;
	double		at_ms;		/* this phase; <0: not yet */
};

static struct probe *probes;
static int nprobes;
static struct mwnl_uuid route;
static int want;			/* ACTIVE awaited */
static double t0_ms;
static unsigned long other_events, lost;

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int on_event(struct nlmsghdr *nlh, void *arg)
{
	struct probe *p = arg;
	struct nlattr *tb[MIDWAY_A_ROUTE_MAX + 1];
	struct mwnl_uuid id;
	uint8_t cmd = mwnl_cmd(nlh);

	if (cmd != MIDWAY_CMD_ROUTE_STATE && cmd != MIDWAY_CMD_ROUTE_NEW &&
	    cmd != MIDWAY_CMD_ROUTE_SET)
		return 0;
	if (mwnl_parse(nlh, tb, MIDWAY_A_ROUTE_MAX) ||
	    !mwnl_get_uuid(tb[MIDWAY_A_ROUTE_ID], &id) ||
	    !mwnl_uuid_eq(&id, &route) || !tb[MIDWAY_A_ROUTE_ACTIVE])
		return 0;
	if (cmd != MIDWAY_CMD_ROUTE_STATE) {
		other_events++;		/* a rewrite: not what is measured */
		return 0;
	}
	if (nla_get_u8(tb[MIDWAY_A_ROUTE_ACTIVE]) == want && p->at_ms < 0)
		p->at_ms = now_ms() - t0_ms;
	return 0;
}

static int enter_ns(const char *ns)
{
	char path[300];
	int fd, ret;

	snprintf(path, sizeof(path), "/run/netns/%s", ns);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ret = setns(fd, CLONE_NEWNET);
	close(fd);
	return ret;
}

static int set_link(int sk, const char *dev, int up)
{
	struct ifreq ifr;

	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, IFNAMSIZ, "%s", dev);
	if (ioctl(sk, SIOCGIFFLAGS, &ifr) < 0)
		return -1;
	if (up)
		ifr.ifr_flags |= IFF_UP;
	else
		ifr.ifr_flags &= ~IFF_UP;
	return ioctl(sk, SIOCSIFFLAGS, &ifr);
}

/* Read everything a socket holds now (mwnl_recv returns 0 either way). */
static void read_all(struct probe *p)
{
	struct pollfd pf = { mwnl_fd(p->nl), POLLIN, 0 };

	while (poll(&pf, 1, 0) > 0 && (pf.revents & POLLIN)) {
		int ret = mwnl_recv(p->nl, on_event, p);

		if (ret == -ENOBUFS)
			lost++;
		else if (ret < 0)
			break;
	}
}

/* Wait until every probe has its time or @timeout_ms passed; missing. */
static int collect(double timeout_ms)
{
	struct pollfd *pf = calloc(nprobes, sizeof(*pf));
	int missing = nprobes;

	if (!pf)
		abort();
	for (int i = 0; i < nprobes; i++) {
		pf[i].fd = mwnl_fd(probes[i].nl);
		pf[i].events = POLLIN;
	}
	while (missing) {
		double left = timeout_ms - (now_ms() - t0_ms);

		if (left <= 0)
			break;
		if (poll(pf, nprobes, (int)left + 1) < 0 && errno != EINTR)
			break;
		for (int i = 0; i < nprobes; i++)
			if (pf[i].revents & POLLIN)
				read_all(&probes[i]);
		missing = 0;
		for (int i = 0; i < nprobes; i++)
			missing += probes[i].at_ms < 0;
	}
	free(pf);
	return missing;
}

/* Drain whatever the sockets hold (events of the settling). */
static void drain(void)
{
	int save = want;

	want = -1;
	for (int i = 0; i < nprobes; i++)
		read_all(&probes[i]);
	want = save;
}

static int cmp_d(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* Nearest rank: the smallest value with at least q of them at or below. */
static double pct(double *v, int n, double q)
{
	int k = (int)(q * n + 0.999999);

	if (k < 1)
		k = 1;
	if (k > n)
		k = n;
	return v[k - 1];
}

static void report(const char *phase, double *conv, int nc, double *all,
		   int na, int timeouts)
{
	qsort(conv, nc, sizeof(*conv), cmp_d);
	qsort(all, na, sizeof(*all), cmp_d);
	if (!nc || !na) {
		printf("%s: no complete trial\n", phase);
		return;
	}
	printf("%-5s every host: p50 %7.1f ms  p99 %7.1f ms  max %7.1f ms  (%d trials, %d timed out)\n",
	       phase, pct(conv, nc, 0.5), pct(conv, nc, 0.99), conv[nc - 1],
	       nc, timeouts);
	printf("%-5s one host:   p50 %7.1f ms  p99 %7.1f ms  max %7.1f ms  (%d events)\n",
	       phase, pct(all, na, 0.5), pct(all, na, 0.99), all[na - 1], na);
	printf("RESULT conv_probe phase=%s hosts=%d trials=%d p50_ms=%.1f p99_ms=%.1f max_ms=%.1f host_p50_ms=%.1f host_p99_ms=%.1f timeouts=%d\n",
	       phase, nprobes, nc, pct(conv, nc, 0.5), pct(conv, nc, 0.99),
	       conv[nc - 1], pct(all, na, 0.5), pct(all, na, 0.99), timeouts);
}

static void usage(void)
{
	fprintf(stderr, "usage: conv_probe -g GWNS -d DEV -r ROUTE-ID [-n TRIALS] [-t TIMEOUT-MS] [-s SETTLE-MS] [-o FILE] [-f] NETNS...\n");
	exit(2);
}

int main(int argc, char **argv)
{
	const char *gw = NULL, *dev = NULL, *out = NULL;
	int trials = 50, opt, sk, home, failed = 0;
	double timeout = 10000, settle = 300;
	double *conv[2], *all[2];
	int nc[2] = {}, na[2] = {}, to[2] = {};
	FILE *of = NULL;
	bool fifo = false;

	while ((opt = getopt(argc, argv, "g:d:r:n:t:s:o:f")) != -1) {
		switch (opt) {
		case 'g': gw = optarg; break;
		case 'd': dev = optarg; break;
		case 'r':
			if (mwnl_uuid_parse(optarg, &route))
				usage();
			break;
		case 'n': trials = atoi(optarg); break;
		case 't': timeout = atof(optarg); break;
		case 's': settle = atof(optarg); break;
		case 'o': out = optarg; break;
		case 'f': fifo = true; break;
		default: usage();
		}
	}
	if (!gw || !dev || mwnl_uuid_is_zero(&route) || optind >= argc ||
	    trials < 1)
		usage();
	nprobes = argc - optind;
	probes = calloc(nprobes, sizeof(*probes));
	for (int p = 0; p < 2; p++) {
		conv[p] = calloc(trials, sizeof(double));
		all[p] = calloc((size_t)trials * nprobes, sizeof(double));
	}
	if (!probes || !conv[0] || !conv[1] || !all[0] || !all[1])
		abort();

	home = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	if (home < 0) {
		perror("conv_probe: /proc/self/ns/net");
		return 1;
	}
	for (int i = 0; i < nprobes; i++) {
		struct probe *p = &probes[i];

		p->ns = argv[optind + i];
		if (enter_ns(p->ns)) {
			fprintf(stderr, "conv_probe: netns %s: %s\n", p->ns,
				strerror(errno));
			return 1;
		}
		p->nl = mwnl_open();
		if (!p->nl || mwnl_subscribe(p->nl, MIDWAY_MCGRP_EVENTS) ||
		    nl_socket_set_nonblocking(mwnl_sock(p->nl))) {
			fprintf(stderr, "conv_probe: %s: cannot listen to midway's events\n",
				p->ns);
			return 1;
		}
		mwnl_set_rcvbuf(p->nl, 4 << 20);
	}
	if (enter_ns(gw) || (sk = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC,
					  0)) < 0) {
		fprintf(stderr, "conv_probe: netns %s: %s\n", gw,
			strerror(errno));
		return 1;
	}
	if (setns(home, CLONE_NEWNET)) {
		perror("conv_probe: back to the first netns");
		return 1;
	}
	if (fifo) {
		struct sched_param sp = { .sched_priority = 50 };

		if (sched_setscheduler(0, SCHED_FIFO, &sp))
			perror("conv_probe: SCHED_FIFO (going on without)");
	}
	if (out && !(of = fopen(out, "w"))) {
		perror(out);
		return 1;
	}

	for (int t = 0; t < trials; t++) {
		for (int p = 0; p < 2; p++) {	/* 0: down, 1: up */
			const char *phase = p ? "up" : "down";
			double last = 0;
			struct timespec wall;
			int missing;

			drain();
			for (int i = 0; i < nprobes; i++)
				probes[i].at_ms = -1;
			want = p;
			clock_gettime(CLOCK_REALTIME, &wall);
			t0_ms = now_ms();
			if (set_link(sk, dev, p)) {
				fprintf(stderr, "conv_probe: %s %s: %s\n", dev,
					phase, strerror(errno));
				return 1;
			}
			missing = collect(timeout);
			if (of)
				fprintf(of, "# t0 %s %d %ld.%06ld\n", phase, t + 1,
					(long)wall.tv_sec, wall.tv_nsec / 1000);
			for (int i = 0; i < nprobes; i++) {
				double ms = probes[i].at_ms;

				if (ms < 0)
					continue;
				all[p][na[p]++] = ms;
				if (ms > last)
					last = ms;
				if (of)
					fprintf(of, "%s %d %s %.3f\n", phase,
						t + 1, probes[i].ns, ms);
			}
			if (missing) {
				fprintf(stderr, "conv_probe: trial %d %s: %d of %d hosts did not see it within %.0f ms\n",
					t + 1, phase, missing, nprobes,
					timeout);
				to[p]++;
				failed = 1;
				usleep(timeout * 1000);
			} else {
				conv[p][nc[p]++] = last;
			}
			usleep(settle * 1000);
		}
		if ((t + 1) % 10 == 0)
			fprintf(stderr, "conv_probe: %d of %d trials\n", t + 1,
				trials);
	}
	if (of)
		fclose(of);
	report("down", conv[0], nc[0], all[0], na[0], to[0]);
	report("up", conv[1], nc[1], all[1], na[1], to[1]);
	if (lost)
		printf("conv_probe: %lu event losses (ENOBUFS)\n", lost);
	if (other_events)
		printf("conv_probe: %lu NEW/SET events for the route (rewrites, not counted)\n",
		       other_events);
	return failed;
}
