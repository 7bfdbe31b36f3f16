// SPDX-License-Identifier: GPL-2.0
/*
 * Benchmark of the forwarding table (kmod/fib.c, built natively with the
 * kcompat shim) against DPDK's rte_lpm (DIR-24-8), on the same prefixes and
 * the same addresses. Prints figures; it is not pass/fail, except that the
 * two tables must agree on every address looked up.
 *
 *	fib_bench [-n prefixes] [-l lookups] [-s seed] [-f file] [-L]
 *
 *	-n	number of generated prefixes (default 1000000)
 *	-l	addresses per lookup run (default 10000000)
 *	-s	seed of the generator (default 1)
 *	-f	read the prefixes from a file instead, one a.b.c.d/len a line
 *		(e.g. a real BGP table); other lines are ignored
 *	-L	skip rte_lpm (its inserts take minutes at 1M prefixes)
 *
 * The prefixes: see gen_prefixes() (fib_gen.c) and Documentation/fib.md.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_lpm.h>
#include <rte_version.h>

#include "kcompat.h"
#include "fib.h"
#include "fib_gen.h"

/* A leaf per prefix, as the module has (the prefix's ECMP group). */
struct leaf {
	uint32_t index;
};

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
	return t.tv_sec + t.tv_nsec * 1e-9;
}

static void *xmalloc(size_t size)
{
	void *p = calloc(1, size);

	if (!p) {
		fprintf(stderr, "fib_bench: out of memory\n");
		exit(1);
	}
	return p;
}

static struct prefix *read_prefixes(const char *file, size_t *n)
{
	FILE *f = fopen(file, "r");
	size_t cap = 1 << 20, k = 0;
	struct prefix *p = xmalloc(cap * sizeof(*p));
	unsigned int a, b, c, d, len;
	struct pset set;
	char line[256];

	if (!f) {
		fprintf(stderr, "fib_bench: %s: %s\n", file, strerror(errno));
		exit(1);
	}
	pset_init(&set, 2 << 20);
	while (fgets(line, sizeof(line), f)) {
		uint32_t addr;

		if (sscanf(line, "%u.%u.%u.%u/%u", &a, &b, &c, &d, &len) != 5 ||
		    a > 255 || b > 255 || c > 255 || d > 255 || len > 32)
			continue;
		addr = (a << 24 | b << 16 | c << 8 | d) & mask(len);
		/* rte_lpm has no /0 (depth 0): leave it out of both. */
		if (!len || k == 2 << 20 || !pset_add(&set, addr, len))
			continue;
		if (k == cap) {
			cap *= 2;
			p = realloc(p, cap * sizeof(*p));
			if (!p)
				exit(1);
		}
		p[k].addr = addr;
		p[k++].len = len;
	}
	fclose(f);
	pset_free(&set);
	*n = k;
	return p;
}

/*
 * The lookup loops. Each sums its results into a volatile, so that nothing
 * is optimized out (rte_lpm_lookup() is inline, and so is mw_fib_lookup()).
 * Modes:
 * - DEP: each lookup's address depends on the previous result (by a bit that
 *   is always 0, which the compiler cannot know), so that lookups cannot
 *   overlap in the CPU: this measures latency, not throughput;
 * - OBJ: read the prefix's object after the lookup, as a datapath does (the
 *   module reads the ECMP group from it): mw_fib returns its pointer,
 *   rte_lpm a number that indexes the array of objects.
 */
#define DEP	1
#define OBJ	2

static volatile uintptr_t sink;
static const struct leaf *leaves;

static inline __attribute__((always_inline))
double time_mw(const struct mw_fib *fib, const __be32 *a, size_t n, int mode)
{
	static const struct leaf none;
	double t = now();
	uintptr_t s = 0, r = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		__be32 x = a[i];
		const struct leaf *l;

		if (mode & DEP)
			x ^= (__be32)(mode & OBJ ? (r >> 23) & 1 : r >> 63);
		l = mw_fib_lookup(fib, x);
		r = (uintptr_t)l;
		if (mode & OBJ)
			r = (l ? l : &none)->index;
		s += r;
	}
	t = now() - t;
	sink += s;
	return t;
}

static inline __attribute__((always_inline))
double time_lpm(const struct rte_lpm *lpm, const uint32_t *a, size_t n,
		int mode)
{
	double t = now();
	uintptr_t s = 0, r = 0;
	uint32_t nh;
	size_t i;

	for (i = 0; i < n; i++) {
		uint32_t x = a[i];

		if (mode & DEP)
			x ^= (r >> 23) & 1;
		rte_lpm_lookup(lpm, x, &nh);	/* always sets nh, 0 if none */
		r = nh;
		if (mode & OBJ)
			r = leaves[nh].index;
		s += r;
	}
	t = now() - t;
	sink += s;
	return t;
}

/* Instantiate the loops for each mode, so that the mode is a constant. */
static double run_mw(const struct mw_fib *fib, const __be32 *a, size_t n,
		     int mode)
{
	switch (mode) {
	case 0:
		return time_mw(fib, a, n, 0);
	case OBJ:
		return time_mw(fib, a, n, OBJ);
	case DEP:
		return time_mw(fib, a, n, DEP);
	default:
		return time_mw(fib, a, n, DEP | OBJ);
	}
}

static double run_lpm(const struct rte_lpm *lpm, const uint32_t *a, size_t n,
		      int mode)
{
	switch (mode) {
	case 0:
		return time_lpm(lpm, a, n, 0);
	case OBJ:
		return time_lpm(lpm, a, n, OBJ);
	case DEP:
		return time_lpm(lpm, a, n, DEP);
	default:
		return time_lpm(lpm, a, n, DEP | OBJ);
	}
}

#define RUNS	5

static const char *cpu_model(void)
{
	static char model[128] = "unknown";
	char line[256];
	FILE *f = fopen("/proc/cpuinfo", "r");

	while (f && fgets(line, sizeof(line), f)) {
		char *v = strchr(line, ':');

		if (!strncmp(line, "model name", 10) && v) {
			snprintf(model, sizeof(model), "%s", v + 2);
			model[strcspn(model, "\n")] = 0;
			break;
		}
	}
	if (f)
		fclose(f);
	return model;
}

static void usage(void)
{
	fprintf(stderr,
		"usage: fib_bench [-n prefixes] [-l lookups] [-s seed] [-f file] [-L]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	size_t n = 1000000, n_look = 10000000, i, j, hist[33] = { 0 };
	size_t need_tbl8 = 0, mismatches = 0, hits = 0;
	uint64_t seed = 1;
	const char *file = NULL;
	bool with_lpm = true;
	struct prefix *pfx;
	struct leaf *leaf_objs;
	struct mw_fib *fib;
	struct rte_lpm *lpm = NULL;
	uint32_t *addrs[2];
	__be32 *addrs_be[2];
	double t, t_mw_ins, t_lpm_ins = 0, t_upd_ins, t_upd_del;
	size_t mw_mem, lpm_mem = 0;
	int opt;

	while ((opt = getopt(argc, argv, "n:l:s:f:L")) != -1) {
		switch (opt) {
		case 'n':
			n = strtoull(optarg, NULL, 0);
			break;
		case 'l':
			n_look = strtoull(optarg, NULL, 0);
			break;
		case 's':
			seed = strtoull(optarg, NULL, 0);
			break;
		case 'f':
			file = optarg;
			break;
		case 'L':
			with_lpm = false;
			break;
		default:
			usage();
		}
	}
	if (!n || !n_look || optind != argc)
		usage();

	rng_state = seed;
	pfx = file ? read_prefixes(file, &n) : gen_prefixes(n);
	if (!n) {
		fprintf(stderr, "fib_bench: no prefixes\n");
		return 1;
	}
	leaf_objs = xmalloc(n * sizeof(*leaf_objs));
	leaves = leaf_objs;
	for (i = 0; i < n; i++) {
		leaf_objs[i].index = i;
		hist[pfx[i].len]++;
	}

	printf("fib_bench: %zu prefixes, %zu addresses per run, best of %d runs\n",
	       n, n_look, RUNS);
	if (file)
		printf("prefixes:  from %s\n", file);
	else
		printf("prefixes:  generated, seed %llu\n",
		       (unsigned long long)seed);
	printf("machine:   %ld CPUs, %s\n", sysconf(_SC_NPROCESSORS_ONLN),
	       cpu_model());
	printf("lengths:  ");
	for (i = 0, j = 0; i <= 32; i++) {
		if (!hist[i])
			continue;
		printf(" /%zu %.2f%%", i, 100.0 * hist[i] / n);
		if (++j % 8 == 0)
			printf("\n          ");
	}
	printf("\n\n");

	/* Addresses: uniformly random, and random inside random prefixes. */
	for (j = 0; j < 2; j++) {
		addrs[j] = xmalloc(n_look * sizeof(uint32_t));
		addrs_be[j] = xmalloc(n_look * sizeof(__be32));
		for (i = 0; i < n_look; i++) {
			const struct prefix *p = &pfx[rnd_below(n)];
			uint32_t a = rnd();

			if (j)
				a = p->addr | (a & ~mask(p->len));
			addrs[j][i] = a;
			addrs_be[j][i] = htonl(a);
		}
	}

	/* mw_fib */
	fib = mw_fib_create(GFP_KERNEL);
	if (!fib)
		return 1;
	t = now();
	for (i = 0; i < n; i++) {
		int err = mw_fib_insert(fib, htonl(pfx[i].addr), pfx[i].len,
					&leaf_objs[i]);

		if (err) {
			fprintf(stderr, "mw_fib_insert: %d\n", err);
			return 1;
		}
	}
	t_mw_ins = now() - t;
	mw_mem = mw_fib_mem(fib);

	/* Single changes on the full table: add 100k new /24s, remove them. */
	{
		size_t n_upd = 100000, k = 0;
		struct prefix *u = xmalloc(n_upd * sizeof(*u));
		static struct leaf extra;
		struct pset set;

		pset_init(&set, n_upd);
		while (k < n_upd) {
			uint32_t a = rnd() & mask(24);

			if (routable(a) && !mw_fib_get(fib, htonl(a), 24) &&
			    pset_add(&set, a, 24)) {
				u[k].addr = a;
				u[k++].len = 24;
			}
		}
		pset_free(&set);
		t = now();
		for (i = 0; i < n_upd; i++) {
			int err = mw_fib_insert(fib, htonl(u[i].addr), 24,
						&extra);

			if (err) {
				fprintf(stderr, "mw_fib_insert: %d\n", err);
				return 1;
			}
		}
		t_upd_ins = (now() - t) / n_upd;
		t = now();
		for (i = 0; i < n_upd; i++)
			mw_fib_remove(fib, htonl(u[i].addr), 24);
		t_upd_del = (now() - t) / n_upd;
		free(u);
	}

	/* rte_lpm */
	if (with_lpm) {
		struct rte_lpm_config cfg = { .max_rules = n };
		char mem_mb[16];
		char *eal_argv[] = {
			"fib_bench", "--no-huge", "--no-pci", "--no-shconf",
			"--no-telemetry", "-l", "0", "--log-level=lib.eal:error",
			"-m", mem_mb, NULL,
		};
		struct pset s24;

		/* A tbl8 group per /24 that holds longer prefixes. */
		pset_init(&s24, n);
		for (i = 0; i < n; i++)
			if (pfx[i].len > 24)
				need_tbl8 += pset_add(&s24, pfx[i].addr & mask(24),
						      24);
		pset_free(&s24);
		cfg.number_tbl8s = need_tbl8 + need_tbl8 / 8 + 256;
		snprintf(mem_mb, sizeof(mem_mb), "%zu",
			 (size_t)(128 + (cfg.number_tbl8s * 1024 + n * 8) / 1000000));
		if (rte_eal_init(ARRAY_SIZE(eal_argv) - 1, eal_argv) < 0) {
			fprintf(stderr, "rte_eal_init: %s\n",
				rte_strerror(rte_errno));
			return 1;
		}
		lpm = rte_lpm_create("fib_bench", SOCKET_ID_ANY, &cfg);
		if (!lpm) {
			fprintf(stderr, "rte_lpm_create: %s\n",
				rte_strerror(rte_errno));
			return 1;
		}
		fflush(stdout);
		fprintf(stderr, "inserting into rte_lpm (slow: it scans its rules linearly)...\n");
		t = now();
		for (i = 0; i < n; i++) {
			if (rte_lpm_add(lpm, pfx[i].addr, pfx[i].len, i) < 0) {
				fprintf(stderr, "rte_lpm_add %zu failed\n", i);
				return 1;
			}
		}
		t_lpm_ins = now() - t;
		/* tbl24, tbl8 groups and the rules (ip, next hop) */
		lpm_mem = sizeof(struct rte_lpm) +
			  (size_t)cfg.number_tbl8s * 256 * 4 + n * 8;
	}

	printf("%-30s %14s %14s %8s\n", "", "mw_fib", "rte_lpm", "mw/lpm");
	printf("%-30s %12.2f s %12.2f s\n", "insert all prefixes", t_mw_ins,
	       t_lpm_ins);
	printf("%-30s %11.0f ns %11.0f ns\n", "  per prefix", t_mw_ins / n * 1e9,
	       t_lpm_ins / n * 1e9);
	printf("%-30s %11.0f ns\n", "insert a /24 into the full table",
	       t_upd_ins * 1e9);
	printf("%-30s %11.0f ns\n", "remove a /24 from it", t_upd_del * 1e9);
	printf("%-30s %11.1f MB %11.1f MB\n", "memory", mw_mem / 1e6,
	       lpm_mem / 1e6);
	printf("%-30s %14.1f %14.1f\n", "bytes per prefix", (double)mw_mem / n,
	       (double)lpm_mem / n);

	for (j = 0; j < 8; j++) {
		static const char *const what[] = {
			"random addresses",
			"addresses inside prefixes",
			"random, then read the object",
			"inside, then read the object",
			"random, dependent (latency)",
			"inside, dependent (latency)",
			"random, dependent, object",
			"inside, dependent, object",
		};
		static const int mode[] = {
			0, 0, OBJ, OBJ, DEP, DEP, DEP | OBJ, DEP | OBJ
		};
		double best_mw = 1e9, best_lpm = 1e9, tt;
		int r;

		for (r = 0; r < RUNS; r++) {
			tt = run_mw(fib, addrs_be[j & 1], n_look, mode[j]);
			best_mw = tt < best_mw ? tt : best_mw;
			if (!lpm)
				continue;
			tt = run_lpm(lpm, addrs[j & 1], n_look, mode[j]);
			best_lpm = tt < best_lpm ? tt : best_lpm;
		}
		printf("%-30s", what[j]);
		if (lpm)
			printf(" %11.1f ns %11.1f ns %8.2f\n",
			       best_mw / n_look * 1e9, best_lpm / n_look * 1e9,
			       best_mw / best_lpm);
		else
			printf(" %11.1f ns\n", best_mw / n_look * 1e9);
	}

	/* Both must give the same prefix for every address. */
	for (j = 0; j < 2 && lpm; j++) {
		for (i = 0; i < n_look; i++) {
			const struct leaf *l = mw_fib_lookup(fib, addrs_be[j][i]);
			long mw = l ? (long)l->index : -1, want;
			uint32_t nh;

			want = rte_lpm_lookup(lpm, addrs[j][i], &nh) ? -1 :
								      (long)nh;
			hits += mw >= 0;
			if (mw == want)
				continue;
			if (mismatches++ < 10) {
				uint32_t a = addrs[j][i];

				printf("MISMATCH %u.%u.%u.%u: mw_fib prefix %ld, rte_lpm %ld\n",
				       a >> 24, (a >> 16) & 255, (a >> 8) & 255,
				       a & 255, mw, want);
			}
		}
	}
	if (lpm)
		printf("agreement: %zu addresses compared, %zu with a route, %zu mismatches\n",
		       2 * n_look, hits, mismatches);
	printf("\nmw_fib:  a poptrie (Documentation/fib.md), memory counted at kmalloc() size classes\n"
	       "rte_lpm: DIR-24-8 of %s (tbl24 64 MiB, %zu tbl8 groups needed)\n"
	       "         with EAL --no-huge: both tables on 4 KiB pages\n"
	       "times:   CPU time of the benchmark thread; lookups: best of %d runs\n",
	       rte_version(), need_tbl8, RUNS);

	mw_fib_destroy(fib);
	/* What changes retired: freed by the shim's RCU callbacks. */
	kcompat_rcu_barrier();
	if (lpm)
		rte_lpm_free(lpm);
	return mismatches ? 1 : 0;
}
