// SPDX-License-Identifier: GPL-2.0
/*
 * Prefixes for the forwarding table's unit test and benchmark: see
 * fib_gen.h, and Documentation/fib.md for the shape of the generated table.
 */
#include <stdio.h>
#include <stdlib.h>

#include "fib_gen.h"

uint64_t rng_state;

uint64_t rnd(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n, size);

	if (!p) {
		fprintf(stderr, "fib_gen: out of memory\n");
		exit(1);
	}
	return p;
}

void pset_init(struct pset *s, size_t n)
{
	s->size = n * 2 + 1;
	s->key = xcalloc(s->size, sizeof(*s->key));
}

void pset_free(struct pset *s)
{
	free(s->key);
	s->key = NULL;
}

int pset_add(struct pset *s, uint32_t addr, unsigned int len)
{
	uint64_t k = (uint64_t)addr << 8 | (len + 1);
	size_t i = ((k * 0x9e3779b97f4a7c15ULL) >> 32) % s->size;

	for (; s->key[i]; i = (i + 1) % s->size)
		if (s->key[i] == k)
			return 0;
	s->key[i] = k;
	return 1;
}

/*
 * Prefix-length histogram of the generated table: approximately the IPv4
 * BGP table of 2024 (about 950k prefixes; from the public weekly routing
 * table reports and bgp.potaroo.net, rounded), plus a small tail of /25-/32
 * that a default-free BGP table filters out but an overlay router has (host
 * routes of floating addresses, small subnets). Relative weights.
 */
static const unsigned int len_weight[33] = {
	[8] = 16, [9] = 13, [10] = 37, [11] = 101, [12] = 300, [13] = 580,
	[14] = 1200, [15] = 2100, [16] = 13500, [17] = 8500, [18] = 13500,
	[19] = 25000, [20] = 43000, [21] = 48000, [22] = 115000,
	[23] = 94000, [24] = 560000,
	[25] = 1500, [26] = 1000, [27] = 700, [28] = 600, [29] = 500,
	[30] = 400, [31] = 100, [32] = 1200,
};

/* Share of the prefixes of each length placed inside a shorter one. */
static double more_specific_share(unsigned int len)
{
	return len >= 17 ? 0.5 : len >= 9 ? 0.3 : 0;
}

/*
 * Shortest first, each length its share of len_weight. A prefix is either
 * placed at random in routable space, or, for more_specific_share() of
 * them, inside a random shorter prefix of the table up to 8 bits shorter
 * (the deaggregation and traffic-engineering more-specifics that make up
 * about half of the real table). The result is then shuffled, so that
 * inserts come in no particular order.
 */
struct prefix *gen_prefixes(size_t n)
{
	struct prefix *p = xcalloc(n, sizeof(*p));
	size_t start[33] = { 0 }, count[33], total = 0, i, k = 0;
	unsigned int len, w = 0;
	struct pset set;

	pset_init(&set, n);
	for (len = 0; len <= 32; len++)
		w += len_weight[len];
	for (len = 0; len <= 32; len++) {
		count[len] = (double)n * len_weight[len] / w + 0.5;
		total += count[len];
	}
	count[24] += n - total;		/* rounding */

	for (len = 0; len <= 32; len++) {
		start[len] = k;
		for (i = 0; i < count[len]; i++) {
			size_t lo = start[len > 8 ? len - 8 : 0], hi = start[len];
			uint32_t a;

			for (;;) {
				if (hi > lo && rnd_below(1000) <
				    more_specific_share(len) * 1000) {
					const struct prefix *up =
						&p[lo + rnd_below(hi - lo)];

					a = up->addr | (rnd() & ~mask(up->len));
				} else {
					do
						a = rnd();
					while (!routable(a));
				}
				a &= mask(len);
				if (pset_add(&set, a, len))
					break;
			}
			p[k].addr = a;
			p[k++].len = len;
		}
	}
	pset_free(&set);
	for (i = n - 1; i > 0; i--) {
		size_t j = rnd_below(i + 1);
		struct prefix t = p[i];

		p[i] = p[j];
		p[j] = t;
	}
	return p;
}
