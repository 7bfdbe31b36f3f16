/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Prefixes for the forwarding table's unit test (selftests/fib_test.c) and
 * benchmark (tools/bench/fib_bench.c): a reproducible random generator, and
 * a table of the shape of the IPv4 BGP table (Documentation/fib.md).
 */
#ifndef _FIB_GEN_H
#define _FIB_GEN_H

#include <stddef.h>
#include <stdint.h>

struct prefix {
	uint32_t addr;		/* host order */
	uint8_t len;
};

/* Random numbers (splitmix64), reproducible from the seed. */
extern uint64_t rng_state;

uint64_t rnd(void);

/* Uniform in [0, n). */
static inline uint32_t rnd_below(uint32_t n)
{
	return ((rnd() >> 32) * n) >> 32;
}

/* The netmask of a /len, host order. */
static inline uint32_t mask(unsigned int len)
{
	return len ? ~0U << (32 - len) : 0;
}

/* Unicast space that is routed on the Internet: not 0/8, 10/8, 127/8, 224/3. */
static inline int routable(uint32_t a)
{
	unsigned int o = a >> 24;

	return o != 0 && o != 10 && o != 127 && o < 224;
}

/* A set of prefixes, to refuse duplicates: open addressing on addr/len. */
struct pset {
	uint64_t *key;		/* addr << 8 | len + 1; 0: free */
	size_t size;
};

/* A set for up to @n prefixes; exits when out of memory. */
void pset_init(struct pset *s, size_t n);
void pset_free(struct pset *s);
/* Add @addr/@len: 1, or 0 if it was there. */
int pset_add(struct pset *s, uint32_t addr, unsigned int len);

/*
 * @n distinct prefixes of the shape of the IPv4 BGP table, in random order
 * (malloc()ed; exits when out of memory).
 */
struct prefix *gen_prefixes(size_t n);

#endif /* _FIB_GEN_H */
