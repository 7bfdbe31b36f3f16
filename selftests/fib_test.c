// SPDX-License-Identifier: GPL-2.0
/*
 * Unit test of the forwarding table (kmod/fib.c), built natively with the
 * kcompat shim and run on the build host, no VM: every answer of the table
 * is compared with a naive reference, a linear scan of the prefixes.
 *
 *	fib_test [seed]
 *
 * Prints TAP (version 13); exits 0 if every test passed, 1 if not.
 */
#include <arpa/inet.h>
#include <pthread.h>
#include <sched.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kcompat.h"
#include "fib.h"
#include "fib_gen.h"		/* tools/bench/: rnd(), mask(), gen_prefixes() */

/* Leaves: distinct, aligned objects; leaf i is &leaves[i]. */
#define MAX_LEAVES	65536
static struct leaf {
	uint32_t id;
} leaves[MAX_LEAVES];

#define L(i)		((void *)&leaves[i])

static const char *leaf_name(const void *p)
{
	static char buf[4][32];
	static int n;
	char *b = buf[n++ & 3];

	if (!p)
		return "none";
	snprintf(b, sizeof(buf[0]), "leaf %ld",
		 (long)((const struct leaf *)p - leaves));
	return b;
}

static const char *pfx(uint32_t a, unsigned int len)
{
	static char buf[4][24];
	static int n;
	char *b = buf[n++ & 3];

	snprintf(b, sizeof(buf[0]), "%u.%u.%u.%u/%u", a >> 24, (a >> 16) & 255,
		 (a >> 8) & 255, a & 255, len);
	return b;
}

/* The reference: an unordered array of prefixes, scanned linearly. */
struct rule {
	uint32_t addr;
	uint8_t len;
	void *leaf;
};

struct ref {
	struct rule *r;
	size_t n, cap;
};

static ssize_t ref_find(const struct ref *ref, uint32_t a, unsigned int len)
{
	size_t i;

	for (i = 0; i < ref->n; i++)
		if (ref->r[i].addr == a && ref->r[i].len == len)
			return i;
	return -1;
}

static void ref_add(struct ref *ref, uint32_t a, unsigned int len, void *leaf)
{
	if (ref->n == ref->cap) {
		ref->cap = ref->cap ? ref->cap * 2 : 256;
		ref->r = realloc(ref->r, ref->cap * sizeof(*ref->r));
		if (!ref->r)
			abort();
	}
	ref->r[ref->n++] = (struct rule){ a, len, leaf };
}

static void ref_del(struct ref *ref, size_t i)
{
	ref->r[i] = ref->r[--ref->n];
}

static void *ref_lookup(const struct ref *ref, uint32_t a)
{
	const struct rule *best = NULL;
	size_t i;

	for (i = 0; i < ref->n; i++) {
		const struct rule *r = &ref->r[i];

		if ((a & mask(r->len)) == r->addr &&
		    (!best || r->len > best->len))
			best = r;
	}
	return best ? best->leaf : NULL;
}

/* TAP ----------------------------------------------------------------- */

static int failures_in_test;

static void diag(const char *fmt, ...)
{
	va_list ap;

	printf("# ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

/* Report a failed check, at most a few per test. */
#define check(cond, ...) do {						\
	if (!(cond)) {							\
		if (failures_in_test++ < 8)				\
			diag(__VA_ARGS__);				\
	}								\
} while (0)

static __be32 be(uint32_t a)
{
	return htonl(a);
}

/* Compare the table with the reference at one address. */
static void check_addr(struct mw_fib *fib, const struct ref *ref, uint32_t a)
{
	void *got = mw_fib_lookup(fib, be(a)), *want = ref_lookup(ref, a);

	check(got == want, "lookup %s: got %s, want %s", pfx(a, 32),
	      leaf_name(got), leaf_name(want));
}

/*
 * Compare at the edges of every prefix (first, last, and the addresses just
 * outside), inside them, and at @n_random random addresses; and compare the
 * exact gets and the count.
 */
static void check_all(struct mw_fib *fib, const struct ref *ref,
		      unsigned int n_random)
{
	size_t i;

	check(mw_fib_count(fib) == ref->n, "count %u, want %zu",
	      mw_fib_count(fib), ref->n);
	for (i = 0; i < ref->n; i++) {
		const struct rule *r = &ref->r[i];
		uint32_t last = r->addr | ~mask(r->len);

		check(mw_fib_get(fib, be(r->addr), r->len) == r->leaf,
		      "get %s: got %s, want %s", pfx(r->addr, r->len),
		      leaf_name(mw_fib_get(fib, be(r->addr), r->len)),
		      leaf_name(r->leaf));
		check_addr(fib, ref, r->addr);
		check_addr(fib, ref, last);
		check_addr(fib, ref, r->addr - 1);
		check_addr(fib, ref, last + 1);
		check_addr(fib, ref, r->addr | (rnd() & ~mask(r->len)));
	}
	check_addr(fib, ref, 0);
	check_addr(fib, ref, 0xffffffff);
	for (i = 0; i < n_random; i++)
		check_addr(fib, ref, rnd());
}

/* Compare in and around @a/@len only: where a change of it would show. */
static void check_around(struct mw_fib *fib, const struct ref *ref, uint32_t a,
			 unsigned int len)
{
	uint32_t last = a | ~mask(len);
	unsigned int i;

	check_addr(fib, ref, a);
	check_addr(fib, ref, last);
	check_addr(fib, ref, a - 1);
	check_addr(fib, ref, last + 1);
	for (i = 0; i < 32; i++)
		check_addr(fib, ref, a | (rnd() & ~mask(len)));
}

/* Insert into both, checking the table's answer against the reference's. */
static void add(struct mw_fib *fib, struct ref *ref, uint32_t a,
		unsigned int len, void *leaf)
{
	int want = ref_find(ref, a, len) >= 0 ? -EEXIST : 0;
	int err = mw_fib_insert(fib, be(a), len, leaf);

	check(err == want, "insert %s: %d, want %d", pfx(a, len), err, want);
	if (!err && !want)
		ref_add(ref, a, len, leaf);
}

static void del(struct mw_fib *fib, struct ref *ref, uint32_t a,
		unsigned int len)
{
	ssize_t i = ref_find(ref, a, len);
	void *want = i >= 0 ? ref->r[i].leaf : NULL;
	void *got = mw_fib_remove(fib, be(a), len);

	check(got == want, "remove %s: got %s, want %s", pfx(a, len),
	      leaf_name(got), leaf_name(want));
	if (i >= 0)
		ref_del(ref, i);
}

static void replace(struct mw_fib *fib, struct ref *ref, uint32_t a,
		    unsigned int len, void *leaf)
{
	ssize_t i = ref_find(ref, a, len);
	void *old = NULL;
	int err = mw_fib_replace(fib, be(a), len, leaf, &old);

	check(err == (i >= 0 ? 0 : -ENOENT), "replace %s: %d", pfx(a, len),
	      err);
	if (i >= 0) {
		check(old == ref->r[i].leaf, "replace %s: old %s, want %s",
		      pfx(a, len), leaf_name(old), leaf_name(ref->r[i].leaf));
		ref->r[i].leaf = leaf;
	}
}

static struct mw_fib *new_fib(void)
{
	struct mw_fib *fib = mw_fib_create(GFP_KERNEL);

	if (!fib) {
		printf("Bail out! mw_fib_create failed\n");
		exit(1);
	}
	return fib;
}

/*
 * Random prefixes that nest a lot: most fall in a few small regions, with
 * lengths spread over 0-32 so that every level of the trie and every
 * boundary between levels (/18, /24, /30) is crossed.
 */
static uint32_t region[4];

static void pick_regions(void)
{
	unsigned int i;

	for (i = 0; i < 4; i++)
		region[i] = rnd() & mask(14);
}

static unsigned int rnd_len(void)
{
	static const uint8_t common[] = { 8, 12, 16, 17, 18, 19, 20, 22, 23,
					  24, 24, 24, 25, 26, 28, 30, 31, 32 };

	if (rnd_below(10) == 0)
		return rnd_below(33);
	return common[rnd_below(sizeof(common))];
}

static void rnd_prefix(uint32_t *a, unsigned int *len)
{
	uint32_t x = rnd();

	*len = rnd_len();
	if (rnd_below(10) < 8)
		x = region[rnd_below(4)] | (x & ~mask(14));
	*a = x & mask(*len);
}

/* Tests ---------------------------------------------------------------- */

static void test_empty(void)
{
	struct mw_fib *fib = new_fib();
	struct ref ref = { 0 };
	void *old;

	check_all(fib, &ref, 1000);
	check(!mw_fib_get(fib, be(0), 0), "get 0/0 in an empty table");
	check(!mw_fib_remove(fib, be(0), 0), "remove 0/0 from an empty table");
	check(mw_fib_replace(fib, be(0), 0, L(1), &old) == -ENOENT,
	      "replace in an empty table");
	mw_fib_destroy(fib);
}

static void test_invalid(void)
{
	struct mw_fib *fib = new_fib();
	struct ref ref = { 0 };

	check(mw_fib_insert(fib, be(0), 33, L(1)) == -EINVAL, "/33 accepted");
	check(mw_fib_insert(fib, be(0x0a000001), 8, L(1)) == -EINVAL,
	      "host bits accepted");
	check(mw_fib_insert(fib, be(0), 0, NULL) == -EINVAL,
	      "NULL leaf accepted");
	check(mw_fib_insert(fib, be(0), 0, (char *)L(1) + 1) == -EINVAL,
	      "odd leaf accepted");
	check(!mw_fib_remove(fib, be(0x0a000001), 8), "bad remove");
	add(fib, &ref, 0x0a000000, 8, L(1));
	add(fib, &ref, 0x0a000000, 8, L(2));	/* -EEXIST */
	check(mw_fib_insert(fib, be(0x0a000000), 8, L(2)) == -EEXIST,
	      "duplicate accepted");
	check_all(fib, &ref, 1000);
	mw_fib_destroy(fib);
	free(ref.r);
}

static void test_default_route(void)
{
	struct mw_fib *fib = new_fib();
	struct ref ref = { 0 };

	add(fib, &ref, 0, 0, L(1));
	check_all(fib, &ref, 10000);
	check(mw_fib_lookup(fib, be(0)) == L(1), "0.0.0.0 via 0/0");
	check(mw_fib_lookup(fib, be(0xffffffff)) == L(1),
	      "255.255.255.255 via 0/0");
	add(fib, &ref, 0x0a000000, 8, L(2));
	add(fib, &ref, 0x0a010200, 24, L(3));
	check_all(fib, &ref, 10000);
	del(fib, &ref, 0, 0);
	check_all(fib, &ref, 10000);
	add(fib, &ref, 0, 0, L(4));
	del(fib, &ref, 0x0a000000, 8);
	check_all(fib, &ref, 10000);
	del(fib, &ref, 0x0a010200, 24);
	del(fib, &ref, 0, 0);
	check_all(fib, &ref, 10000);
	mw_fib_destroy(fib);
	free(ref.r);
}

static void test_host_routes(void)
{
	struct mw_fib *fib = new_fib();
	struct ref ref = { 0 };
	static const uint32_t hosts[] = {
		0, 1, 2, 3, 0xfffffffc, 0xfffffffd, 0xfffffffe, 0xffffffff,
		0x0a000000, 0x0a0000ff, 0x0a003fff, 0x0a004000,
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(hosts); i++)
		add(fib, &ref, hosts[i], 32, L(10 + i));
	check_all(fib, &ref, 1000);
	for (i = 0; i < ARRAY_SIZE(hosts); i++)
		check(mw_fib_lookup(fib, be(hosts[i])) == L(10 + i),
		      "host %s", pfx(hosts[i], 32));
	add(fib, &ref, 0, 31, L(1));
	add(fib, &ref, 0xfffffffe, 31, L(2));
	add(fib, &ref, 0, 0, L(3));
	check_all(fib, &ref, 1000);
	for (i = 0; i < ARRAY_SIZE(hosts); i += 2)
		del(fib, &ref, hosts[i], 32);
	check_all(fib, &ref, 1000);
	mw_fib_destroy(fib);
	free(ref.r);
}

/* Exhaustive over a /16 with prefixes nested at every level boundary. */
static void test_overlap(void)
{
	static const struct { uint32_t a; uint8_t len; } p[] = {
		{ 0x0a000000, 8 },  { 0x0a010000, 16 }, { 0x0a010000, 18 },
		{ 0x0a010000, 19 }, { 0x0a010200, 23 }, { 0x0a010200, 24 },
		{ 0x0a010280, 25 }, { 0x0a0102c0, 26 }, { 0x0a0102fc, 30 },
		{ 0x0a0102fe, 31 }, { 0x0a0102ff, 32 }, { 0x0a010281, 32 },
		{ 0x0a01ff00, 24 }, { 0x0a01fffe, 31 }, { 0x0a018000, 17 },
	};
	struct mw_fib *fib = new_fib();
	struct ref ref = { 0 };
	unsigned int i, round;
	uint32_t a;

	for (round = 0; round < 2; round++) {
		/* Round 0 adds longest last, round 1 longest first. */
		for (i = 0; i < ARRAY_SIZE(p); i++) {
			unsigned int j = round ? ARRAY_SIZE(p) - 1 - i : i;

			add(fib, &ref, p[j].a, p[j].len, L(1 + j));
		}
		for (a = 0x0a010000; a <= 0x0a01ffff; a++)
			check_addr(fib, &ref, a);
		check_all(fib, &ref, 1000);
		/* Remove the covering prefixes first, then the rest. */
		for (i = 0; i < ARRAY_SIZE(p); i++) {
			del(fib, &ref, p[i].a, p[i].len);
			if (i % 3 == 0)
				for (a = 0x0a010000; a <= 0x0a01ffff; a += 7)
					check_addr(fib, &ref, a);
			check_all(fib, &ref, 100);
		}
	}
	mw_fib_destroy(fib);
	free(ref.r);
}

/* A prefix entirely hidden by more specific ones is still there. */
static void test_shadowed(void)
{
	struct mw_fib *fib = new_fib();
	struct ref ref = { 0 };
	void *old = NULL;

	add(fib, &ref, 0x0a000000, 24, L(2));
	add(fib, &ref, 0x0a000100, 24, L(3));
	add(fib, &ref, 0x0a000000, 23, L(1));	/* hidden */
	check(mw_fib_get(fib, be(0x0a000000), 23) == L(1), "get hidden /23");
	check(mw_fib_replace(fib, be(0x0a000000), 23, L(4), &old) == 0 &&
	      old == L(1), "replace hidden /23");
	ref.r[ref_find(&ref, 0x0a000000, 23)].leaf = L(4);
	check_all(fib, &ref, 100);
	del(fib, &ref, 0x0a000100, 24);		/* half shows up */
	check(mw_fib_lookup(fib, be(0x0a000180)) == L(4), "unhidden /23");
	check_all(fib, &ref, 100);
	/* Same at the top level: a /17 hidden by two /18s. */
	add(fib, &ref, 0x0b000000, 18, L(5));
	add(fib, &ref, 0x0b004000, 18, L(6));
	add(fib, &ref, 0x0b000000, 17, L(7));
	check_all(fib, &ref, 100);
	del(fib, &ref, 0x0b000000, 18);
	check(mw_fib_lookup(fib, be(0x0b000001)) == L(7), "unhidden /17");
	check_all(fib, &ref, 100);
	mw_fib_destroy(fib);
	free(ref.r);
}

/*
 * Two neighbouring prefixes with the same leaf pointer: changing one must
 * not change the other (their runs must not merge).
 */
static void test_same_leaf(void)
{
	struct mw_fib *fib = new_fib();
	struct ref ref = { 0 };

	add(fib, &ref, 0x0a000000, 25, L(1));
	add(fib, &ref, 0x0a000080, 25, L(1));
	add(fib, &ref, 0x0a000000, 24, L(9));
	add(fib, &ref, 0x0b000000, 20, L(2));
	add(fib, &ref, 0x0b001000, 20, L(2));
	add(fib, &ref, 0x0c000000, 16, L(3));
	add(fib, &ref, 0x0c010000, 16, L(3));
	add(fib, &ref, 0x0c000000, 15, L(4));
	/* The same leaf as the prefix they are in, at level 1 and level 0. */
	add(fib, &ref, 0x0a010000, 24, L(1));
	add(fib, &ref, 0x0a010080, 25, L(1));
	add(fib, &ref, 0x0d000000, 18, L(3));
	add(fib, &ref, 0x0d001000, 20, L(3));
	check_all(fib, &ref, 100);
	replace(fib, &ref, 0x0a010080, 25, L(5));
	replace(fib, &ref, 0x0d001000, 20, L(6));
	replace(fib, &ref, 0x0a000080, 25, L(5));
	replace(fib, &ref, 0x0b001000, 20, L(6));
	replace(fib, &ref, 0x0c010000, 16, L(7));
	check_all(fib, &ref, 100);
	replace(fib, &ref, 0x0a000080, 25, L(1));
	del(fib, &ref, 0x0a000000, 25);
	del(fib, &ref, 0x0b000000, 20);
	del(fib, &ref, 0x0c000000, 16);
	check_all(fib, &ref, 100);
	mw_fib_destroy(fib);
	free(ref.r);
}

/* Random sets against the reference; removing all leaves nothing behind. */
static void test_random_sets(void)
{
	unsigned int set, i;

	for (set = 0; set < 4; set++) {
		struct mw_fib *fib = new_fib();
		long allocs = kcompat_allocs;
		struct ref ref = { 0 };
		unsigned int len;
		uint32_t a;

		pick_regions();
		for (i = 0; i < 3000; i++) {
			rnd_prefix(&a, &len);
			add(fib, &ref, a, len, L(1 + i));
		}
		check_all(fib, &ref, 20000);
		while (ref.n > 1500) {
			i = rnd_below(ref.n);
			del(fib, &ref, ref.r[i].addr, ref.r[i].len);
		}
		check_all(fib, &ref, 20000);
		while (ref.n)
			del(fib, &ref, ref.r[0].addr, ref.r[0].len);
		check_all(fib, &ref, 1000);
		/* Only the prefix hash and the scratch arrays may remain. */
		kcompat_rcu_barrier();
		check(kcompat_allocs - allocs <= 4,
		      "%ld allocations left in an empty table",
		      kcompat_allocs - allocs);
		mw_fib_destroy(fib);
		free(ref.r);
	}
}

/* Random inserts, removes and replaces, checked as they go. */
static void test_churn(void)
{
	struct mw_fib *fib = new_fib();
	struct ref ref = { 0 };
	unsigned int op, len;
	uint32_t a;
	size_t i;

	pick_regions();
	for (op = 1; op <= 30000; op++) {
		unsigned int what = rnd_below(10);

		if (what < 5 || !ref.n) {
			rnd_prefix(&a, &len);
			add(fib, &ref, a, len, L(1 + rnd_below(MAX_LEAVES - 1)));
		} else if (what < 8) {
			i = rnd_below(ref.n);
			del(fib, &ref, ref.r[i].addr, ref.r[i].len);
		} else if (what < 9) {
			i = rnd_below(ref.n);
			replace(fib, &ref, ref.r[i].addr, ref.r[i].len,
				L(1 + rnd_below(MAX_LEAVES - 1)));
		} else {
			/* Absent prefixes: remove and replace must refuse. */
			rnd_prefix(&a, &len);
			if (ref_find(&ref, a, len) < 0) {
				del(fib, &ref, a, len);
				replace(fib, &ref, a, len, L(1));
			}
		}
		if (!(op % 2000))
			check_all(fib, &ref, 2000);
		else
			check_addr(fib, &ref, rnd());
		if (failures_in_test)
			break;
	}
	diag("%zu prefixes after churn, %zu bytes", ref.n, mw_fib_mem(fib));
	check_all(fib, &ref, 20000);
	mw_fib_destroy(fib);
	free(ref.r);
}

/*
 * Out of memory at every possible point of an insert: it fails cleanly and
 * the table is unchanged. A remove without memory still succeeds.
 */
static void test_enomem(void)
{
	struct mw_fib *fib = new_fib();
	struct ref ref = { 0 };
	unsigned int i, len, n_fail = 0;
	uint32_t a;
	long allocs;
	int err;

	pick_regions();
	for (i = 0; i < 2000; i++) {
		rnd_prefix(&a, &len);
		add(fib, &ref, a, len, L(1 + i));
	}
	for (i = 0; i < 300 && !failures_in_test; i++) {
		long n;

		rnd_prefix(&a, &len);
		if (ref_find(&ref, a, len) >= 0)
			continue;
		for (n = 0; ; n++) {
			allocs = kcompat_allocs;
			kcompat_fail_after(n);
			err = mw_fib_insert(fib, be(a), len, L(5000 + i));
			kcompat_fail_after(-1);
			if (!err)
				break;
			n_fail++;
			check(err == -ENOMEM, "insert %s: %d", pfx(a, len), err);
			check(kcompat_allocs == allocs,
			      "failed insert leaked %ld allocations",
			      kcompat_allocs - allocs);
			check_around(fib, &ref, a, len);
		}
		ref_add(&ref, a, len, L(5000 + i));
		if (i % 3 == 0) {
			/* A remove with no memory at all. */
			size_t j = rnd_below(ref.n);

			a = ref.r[j].addr;
			len = ref.r[j].len;
			kcompat_fail_after(0);
			del(fib, &ref, a, len);
			kcompat_fail_after(-1);
			check_around(fib, &ref, a, len);
		}
	}
	/*
	 * Prefixes of /18 and shorter with longer ones inside, removed with no
	 * memory: their nodes are written in place, and the /18 that pointed
	 * to their whole node point to the covering prefix's, or to none.
	 */
	for (i = 0; i < 3; i++) {
		static const uint8_t short_len[] = { 16, 12, 8 };

		a = 0x0d000000 & mask(short_len[i]);
		add(fib, &ref, a, short_len[i], L(4000 + i));
		add(fib, &ref, a | (0x00004100 + (i << 8)), 24, L(4010 + i));
	}
	check_all(fib, &ref, 1000);
	for (i = 0; i < 3; i++) {
		kcompat_fail_after(0);
		del(fib, &ref, 0x0d000000, 16 - 4 * i);
		kcompat_fail_after(-1);
		check_around(fib, &ref, 0x0d000000, 16 - 4 * i);
		check_all(fib, &ref, 1000);
	}
	check_all(fib, &ref, 20000);
	/* The uncompacted nodes heal as changes go on. */
	while (ref.n)
		del(fib, &ref, ref.r[0].addr, ref.r[0].len);
	check_all(fib, &ref, 1000);
	diag("%u inserts failed for lack of memory", n_fail);
	check(n_fail >= 100, "out of memory was not exercised");
	mw_fib_destroy(fib);
	free(ref.r);
}

/*
 * Lookups in another thread while the table changes: probes whose answer
 * no change can affect must always get it (no half-built state, no lost
 * route). What the changes retire is freed (and poisoned) as they go, after
 * the shim's grace periods, which wait for the reader's sections.
 */
struct probe {
	__be32 addr;
	void *want, *alt;	/* either is right */
};

struct reader {
	struct mw_fib *fib;
	const struct probe *probes;
	unsigned int n_probes;
	volatile int stop;
	unsigned long lookups, wrong;
};

static void *reader_run(void *arg)
{
	struct reader *r = arg;
	unsigned int i;

	while (!r->stop) {
		rcu_read_lock();
		for (i = 0; i < r->n_probes; i++) {
			void *got = mw_fib_lookup(r->fib, r->probes[i].addr);

			if (got != r->probes[i].want && got != r->probes[i].alt)
				r->wrong++;
		}
		rcu_read_unlock();
		r->lookups += r->n_probes;
	}
	return NULL;
}

static int reader_start(struct reader *rd, pthread_t *t)
{
	if (pthread_create(t, NULL, reader_run, rd)) {
		check(0, "pthread_create failed");
		return -1;
	}
	return 0;
}

static void reader_stop(struct reader *rd, pthread_t t)
{
	rd->stop = 1;
	pthread_join(t, NULL);
	diag("%lu concurrent lookups, %lu wrong", rd->lookups, rd->wrong);
	check(rd->wrong == 0, "%lu lookups saw a wrong leaf", rd->wrong);
	check(rd->lookups > 0, "the reader did not run");
}

static void test_concurrent(void)
{
	struct mw_fib *fib = new_fib();
	struct ref stable = { 0 }, ref = { 0 };
	static struct probe probes[2000];
	static uint8_t probe_len[2000];
	struct reader rd = { .fib = fib, .probes = probes };
	unsigned int i, j, len, n = 0, op;
	pthread_t t;
	uint32_t a;

	pick_regions();
	for (i = 0; i < 500; i++) {
		rnd_prefix(&a, &len);
		if (ref_find(&stable, a, len) < 0)
			ref_add(&stable, a, len, L(1 + i));
	}
	for (i = 0; i < stable.n; i++)
		add(fib, &ref, stable.r[i].addr, stable.r[i].len,
		    stable.r[i].leaf);
	/* Probes inside stable prefixes, with the length of their match. */
	while (n < ARRAY_SIZE(probes)) {
		const struct rule *s = &stable.r[rnd_below(stable.n)];
		uint32_t p = s->addr | (rnd() & ~mask(s->len));
		unsigned int best = 0;

		for (j = 0; j < stable.n; j++)
			if ((p & mask(stable.r[j].len)) == stable.r[j].addr &&
			    stable.r[j].len > best)
				best = stable.r[j].len;
		probes[n].addr = be(p);
		probes[n].want = ref_lookup(&stable, p);
		probes[n].alt = probes[n].want;
		probe_len[n++] = best;
	}
	rd.n_probes = n;

	if (reader_start(&rd, &t))
		return;
	for (op = 0; op < 20000; op++) {
		if (rnd_below(2) || ref.n <= stable.n) {
			rnd_prefix(&a, &len);
			/* Nothing more specific than a probe's own match. */
			for (j = 0; j < n; j++)
				if ((ntohl(probes[j].addr) & mask(len)) == a &&
				    len >= probe_len[j])
					break;
			if (j < n)
				continue;
			add(fib, &ref, a, len, L(1000 + op % 60000));
		} else {
			size_t k = stable.n + rnd_below(ref.n - stable.n);

			/* ref keeps the stable prefixes first. */
			if (rnd_below(4))
				del(fib, &ref, ref.r[k].addr, ref.r[k].len);
			else
				replace(fib, &ref, ref.r[k].addr, ref.r[k].len,
					L(1000 + rnd_below(60000)));
		}
	}
	reader_stop(&rd, t);
	check_all(fib, &ref, 10000);
	mw_fib_destroy(fib);
	free(stable.r);
	free(ref.r);
}

/*
 * A router with a few routes must not cost what a full table does: a /8
 * is one entry until something longer than /8 falls in it.
 */
static void test_small(void)
{
	struct mw_fib *fib = new_fib();
	long allocs = kcompat_allocs;
	struct ref ref = { 0 };
	size_t empty = mw_fib_mem(fib);
	unsigned int i;

	diag("empty table: %zu bytes", empty);
	check(empty < 32768, "an empty table takes %zu bytes", empty);
	add(fib, &ref, 0, 0, L(1));
	add(fib, &ref, 0x0a000000, 8, L(2));
	/* The prefix hash and the arrays of changes, no chunk, no node. */
	diag("with 0/0 and a /8: %zu bytes", mw_fib_mem(fib));
	check(mw_fib_mem(fib) < empty + 8192, "0/0 and a /8 take %zu bytes",
	      mw_fib_mem(fib) - empty);
	for (i = 0; i < 100; i++)
		add(fib, &ref, 0x0a010000 + (i << 8), 24, L(3 + i));
	add(fib, &ref, 0xc0a80000, 16, L(200));
	check_all(fib, &ref, 10000);
	diag("with 0/0, a /8, a /16 and 100 /24: %zu bytes", mw_fib_mem(fib));
	check(mw_fib_mem(fib) < empty + 65536, "a small table takes %zu bytes",
	      mw_fib_mem(fib));
	while (ref.n)
		del(fib, &ref, ref.r[ref.n - 1].addr, ref.r[ref.n - 1].len);
	check_all(fib, &ref, 1000);
	kcompat_rcu_barrier();
	check(kcompat_allocs - allocs <= 4,
	      "%ld allocations left in an empty table", kcompat_allocs - allocs);
	mw_fib_destroy(fib);
	free(ref.r);
}

/*
 * Changes of shape under concurrent readers: a /8 that gets a chunk and
 * gives it back, /18 that go from one prefix (a shared whole node) to a
 * node and back, and replaces of prefixes whose whole node and dir entries
 * are written in place. Probes outside the changing parts must always get
 * their prefix's leaf (one of its two, for the replaced ones).
 */
static void test_concurrent_shapes(void)
{
	/* Changes stay in these; probes stay out of them. */
	static const struct { uint32_t a; uint8_t len; } zone[] = {
		{ 0x0b800000, 9 },	/* 11.128/9: 11/8 chunked or not */
		{ 0x0a402000, 19 },	/* 10.64.32/19, in 10.64/18 */
		{ 0x0c008000, 17 },	/* 12.0.128/17, in 12.0/16 */
		{ 0x0a810000, 16 },	/* 10.129/16: its /18 in 10/8 */
	}, near[] = {
		{ 0x0b000000, 9 },	/* 11.0/9 */
		{ 0x0a400000, 19 },	/* 10.64.0/19 */
		{ 0x0c000000, 17 },	/* 12.0.0/17 */
		{ 0x0a000000, 8 },	/* 10/8 */
	};
	struct mw_fib *fib = new_fib();
	struct ref ref = { 0 };
	static struct probe probes[4000];
	struct reader rd = { .fib = fib, .probes = probes };
	unsigned int n = 0, op, len, z;
	pthread_t t;
	uint32_t a;

	add(fib, &ref, 0, 0, L(1));			/* replaced: 1, 6 */
	add(fib, &ref, 0x0a000000, 8, L(2));
	add(fib, &ref, 0x0a400000, 18, L(3));
	add(fib, &ref, 0x0c000000, 16, L(4));		/* replaced: 4, 5 */
	while (n < ARRAY_SIZE(probes)) {
		a = rnd();
		z = rnd_below(ARRAY_SIZE(near) + 1);
		if (z < ARRAY_SIZE(near))	/* else anywhere */
			a = near[z].a | (a & ~mask(near[z].len));
		for (z = 0; z < ARRAY_SIZE(zone); z++)
			if ((a & mask(zone[z].len)) == zone[z].a)
				break;
		if (z < ARRAY_SIZE(zone))
			continue;
		probes[n].addr = be(a);
		probes[n].want = ref_lookup(&ref, a);
		probes[n].alt = probes[n].want == L(1) ? L(6) :
				probes[n].want == L(4) ? L(5) : probes[n].want;
		n++;
	}
	rd.n_probes = n;

	if (reader_start(&rd, &t))
		return;
	for (op = 0; op < 20000 && !failures_in_test; op++) {
		z = rnd_below(ARRAY_SIZE(zone));
		len = zone[z].len + rnd_below(33 - zone[z].len);
		a = (zone[z].a | (rnd() & ~mask(zone[z].len))) & mask(len);
		if (ref_find(&ref, a, len) >= 0)
			del(fib, &ref, a, len);
		else
			add(fib, &ref, a, len, L(100 + op % 1000));
		/* Often back to empty, so that the shapes go back too. */
		if (!rnd_below(8))
			while (ref.n > 4)
				del(fib, &ref, ref.r[ref.n - 1].addr,
				    ref.r[ref.n - 1].len);
		if (!rnd_below(4))
			replace(fib, &ref, 0, 0, op & 1 ? L(6) : L(1));
		if (!rnd_below(4))
			replace(fib, &ref, 0x0c000000, 16, op & 1 ? L(5) : L(4));
		if (!(op % 1000))
			check_all(fib, &ref, 1000);
	}
	reader_stop(&rd, t);
	check_all(fib, &ref, 10000);
	mw_fib_destroy(fib);
	free(ref.r);
}

/* The shape of the IPv4 BGP table (the benchmark's), against the scan. */
static void test_bgp_shape(void)
{
	struct mw_fib *fib = new_fib();
	long allocs = kcompat_allocs;
	struct ref ref = { 0 };
	struct prefix *p = gen_prefixes(4000);
	size_t i;

	for (i = 0; i < 4000; i++)
		add(fib, &ref, p[i].addr, p[i].len, L(1 + i));
	check_all(fib, &ref, 20000);
	for (i = 0; i < 4000; i += 2)
		del(fib, &ref, p[i].addr, p[i].len);
	check_all(fib, &ref, 20000);
	for (i = 1; i < 4000; i += 2)
		del(fib, &ref, p[i].addr, p[i].len);
	check_all(fib, &ref, 1000);
	kcompat_rcu_barrier();
	check(kcompat_allocs - allocs <= 4,
	      "%ld allocations left in an empty table", kcompat_allocs - allocs);
	mw_fib_destroy(fib);
	free(ref.r);
	free(p);
}

/*
 * What a lookup reads on its way to the leaf of @a: the chunk entry, then
 * the bitmap and the entry of each node (dir is the table's own, never
 * retired). As mw_fib_lookup() and mw_fib_lookup_below() do.
 */
struct seen {
	const unsigned long *word;
	unsigned long val;
};

#define MAX_SEEN	(1 + 2 * 3)

static unsigned int walk(const struct mw_fib *fib, uint32_t a,
			 struct seen *s, void **leaf)
{
	unsigned long e = READ_ONCE(fib->dir[a >> 24]);
	const struct mw_fib_node *n;
	unsigned int k = 0, i, shift = 36 - MW_FIB_TOP_BITS;
	const unsigned long *c;
	uint64_t key = (uint64_t)a << 4;

	*leaf = (void *)e;
	if (!(e & MW_FIB_NODE))
		return 0;
	c = (const unsigned long *)(e - MW_FIB_NODE);
	i = (a >> (32 - MW_FIB_TOP_BITS)) & 1023;
	s[k++] = (struct seen){ &c[i], READ_ONCE(c[i]) };
	n = (const struct mw_fib_node *)s[k - 1].val;
	for (;;) {
		shift -= MW_FIB_STRIDE;
		i = (key >> shift) & 63;
		s[k++] = (struct seen){ (const unsigned long *)&n->leafvec,
					READ_ONCE(n->leafvec) };
		i = hweight64(n->leafvec << (63 - i)) - 1;
		e = READ_ONCE(n->entry[i]);
		s[k++] = (struct seen){ &n->entry[i], e };
		if (!(e & MW_FIB_NODE))
			break;
		n = (const struct mw_fib_node *)(e - MW_FIB_NODE);
	}
	*leaf = (void *)e;
	return k;
}

/*
 * A reader in the middle of lookups of these addresses: the words it read in
 * the blocks that the changes below retire must keep their values until its
 * section ends. That is every word it read but the chunk entry when the
 * chunk stays (a change publishes its new node or whole node there), and
 * when it goes, its entry may be the empty node, published before.
 */
static const struct {
	uint32_t a;
	bool chunk_goes;
} retire_addrs[] = {
	{ 0x14000181, false },	/* 20.0.1.129: level-0 and level-1 nodes */
	{ 0x14004001, false },	/* 20.0.64.1: the whole node of 20.0/16 */
	{ 0x14000201, false },	/* 20.0.2.1: the level-0 node, the /16's */
	{ 0x1e000001, true },	/* 30.0.0.1: a chunk given back, its node */
	{ 0x28004001, false },	/* 40.0.64.1: the whole node of 40.0/16 */
	{ 0x28000101, false },	/* 40.0.1.1: 40.0.1/24 in a level-0 node */
};

struct held {
	struct seen s[ARRAY_SIZE(retire_addrs)][MAX_SEEN];
	unsigned int n[ARRAY_SIZE(retire_addrs)];
	void *leaf[ARRAY_SIZE(retire_addrs)];
	unsigned int words;
	unsigned long empty;	/* the table's empty (whole) node */
};

static void hold(const struct mw_fib *fib, struct held *h)
{
	struct mw_fib *empty = new_fib();
	struct seen s[MAX_SEEN];
	unsigned int i;
	void *leaf;

	/* An empty /8: the static empty chunk, whose entries all are it. */
	walk(empty, 0, s, &leaf);
	h->empty = s[0].val;
	mw_fib_destroy(empty);
	h->words = 0;
	for (i = 0; i < ARRAY_SIZE(retire_addrs); i++) {
		h->n[i] = walk(fib, retire_addrs[i].a, h->s[i], &h->leaf[i]);
		h->words += h->n[i];
	}
}

/* How many words a reader holds no longer read as it read them. */
static unsigned int held_changed(const struct held *h)
{
	unsigned int i, k, bad = 0;

	for (i = 0; i < ARRAY_SIZE(retire_addrs); i++)
		for (k = !retire_addrs[i].chunk_goes; k < h->n[i]; k++) {
			unsigned long v = READ_ONCE(*h->s[i][k].word);

			/* The entry of a chunk given back: no route first. */
			bad += v != h->s[i][k].val &&
			       !(k == 0 && v == h->empty);
		}
	return bad;
}

static void retire_setup(struct mw_fib *fib, struct ref *ref)
{
	add(fib, ref, 0x14000000, 16, L(1));
	add(fib, ref, 0x14000100, 24, L(2));
	add(fib, ref, 0x14000180, 25, L(3));
	add(fib, ref, 0x1e000000, 24, L(4));
	add(fib, ref, 0x28000000, 16, L(6));
	add(fib, ref, 0x28000100, 24, L(7));
	check_all(fib, ref, 1000);
}

/*
 * Changes that retire every block the reader went through but dir: the
 * level-0 and level-1 nodes of 20.0/18 (the /25 goes, then the /16), the
 * whole node of 20.0/16, the chunk of 30/8 (its last prefix goes), and the
 * whole node of 40.0/16, removed with no memory at all (in place). None of
 * them rewrites a word the reader read: they replace the blocks.
 */
static void retire_changes(struct mw_fib *fib, struct ref *ref)
{
	del(fib, ref, 0x14000180, 25);
	del(fib, ref, 0x14000000, 16);
	del(fib, ref, 0x1e000000, 24);
	kcompat_fail_after(0);
	del(fib, ref, 0x28000000, 16);
	kcompat_fail_after(-1);
	check_all(fib, ref, 1000);
}

struct gp_waiter {
	pthread_t t;
	volatile int done;
};

static void *gp_wait(void *arg)
{
	struct gp_waiter *w = arg;

	kcompat_rcu_barrier();
	__atomic_store_n(&w->done, 1, __ATOMIC_RELEASE);
	return NULL;
}

/*
 * Retired blocks outlive the readers that may hold them. This thread, as a
 * reader inside rcu_read_lock(), goes through the blocks of a few lookups
 * and keeps them; changes then retire all of them. Until its section ends
 * they must still hold what it read (the shim poisons freed memory, ASan
 * reports a read of it); after a grace period they are freed, and nothing
 * leaks. Then again with the grace period waited for in another thread:
 * it must not end before the reader's section does.
 */
static void test_retire(void)
{
	long allocs = kcompat_allocs, pending;
	struct mw_fib *fib = new_fib();
	struct ref ref = { 0 };
	struct gp_waiter w = { 0 };
	unsigned long gp;
	struct held h;
	unsigned int i;
	void *got;

	retire_setup(fib, &ref);
	kcompat_rcu_barrier();
	rcu_read_lock();
	hold(fib, &h);
	check(h.words == 20, "a reader holds %u words, want 20", h.words);
	for (i = 0; i < ARRAY_SIZE(retire_addrs); i++)
		check(h.leaf[i] == ref_lookup(&ref, retire_addrs[i].a),
		      "lookup %s: %s", pfx(retire_addrs[i].a, 32),
		      leaf_name(h.leaf[i]));
	pending = kcompat_rcu_pending;
	retire_changes(fib, &ref);
	/* Batches of nodes and chunks, and the two whole nodes. */
	check(kcompat_rcu_pending >= pending + 5,
	      "%ld RCU callbacks queued, want at least 5",
	      kcompat_rcu_pending - pending);
	i = held_changed(&h);
	check(!i, "%u words a reader holds were freed or written", i);
	rcu_read_unlock();
	kcompat_rcu_barrier();
	check(!kcompat_rcu_pending, "%ld callbacks left", kcompat_rcu_pending);

	/* The grace period, in another thread, waits for the reader. */
	while (ref.n)
		del(fib, &ref, ref.r[0].addr, ref.r[0].len);
	retire_setup(fib, &ref);
	kcompat_rcu_barrier();
	rcu_read_lock();
	hold(fib, &h);
	retire_changes(fib, &ref);
	check(kcompat_rcu_pending >= 5, "%ld RCU callbacks queued",
	      kcompat_rcu_pending);
	gp = __atomic_load_n(&kcompat_rcu_gp, __ATOMIC_SEQ_CST);
	if (pthread_create(&w.t, NULL, gp_wait, &w)) {
		check(0, "pthread_create failed");
		rcu_read_unlock();
		kcompat_rcu_barrier();
	} else {
		/* It has begun its grace period, and waits. */
		while (__atomic_load_n(&kcompat_rcu_gp, __ATOMIC_SEQ_CST) == gp)
			sched_yield();
		usleep(20000);
		check(!__atomic_load_n(&w.done, __ATOMIC_ACQUIRE),
		      "a grace period ended inside a reader's section");
		i = held_changed(&h);
		check(!i, "%u words a reader holds were freed or written", i);
		for (i = 0; i < ARRAY_SIZE(retire_addrs); i++) {
			got = mw_fib_lookup(fib, be(retire_addrs[i].a));
			check(got == ref_lookup(&ref, retire_addrs[i].a),
			      "lookup %s: %s", pfx(retire_addrs[i].a, 32),
			      leaf_name(got));
		}
		rcu_read_unlock();
		pthread_join(w.t, NULL);
		check(w.done && !kcompat_rcu_pending,
		      "%ld callbacks left after the grace period",
		      kcompat_rcu_pending);
	}

	while (ref.n)
		del(fib, &ref, ref.r[0].addr, ref.r[0].len);
	check_all(fib, &ref, 1000);
	mw_fib_destroy(fib);
	kcompat_rcu_barrier();
	check(kcompat_allocs == allocs, "%ld allocations leaked",
	      kcompat_allocs - allocs);
	free(ref.r);
}

/*
 * Insert @a/@len with allocation @n (from 0) failing. If it fails, it must
 * fail cleanly: the table as it was, nothing leaked, nothing queued for RCU.
 * Returns its result.
 */
static int insert_failing(struct mw_fib *fib, const struct ref *ref,
			  uint32_t a, unsigned int len, void *leaf, long n,
			  unsigned int n_random)
{
	long live, pending;
	int err;

	kcompat_rcu_barrier();
	pending = kcompat_rcu_pending;
	live = kcompat_allocs;
	kcompat_fail_after(n);
	err = mw_fib_insert(fib, be(a), len, leaf);
	kcompat_fail_after(-1);
	if (!err)
		return 0;
	check(err == -ENOMEM, "insert %s, allocation %ld failing: %d",
	      pfx(a, len), n, err);
	check(kcompat_rcu_pending == pending,
	      "a failed insert queued %ld RCU callbacks",
	      kcompat_rcu_pending - pending);
	check(kcompat_allocs == live, "a failed insert leaked %ld allocations",
	      kcompat_allocs - live);
	check_all(fib, ref, n_random);
	return err;
}

/*
 * A change that replaces blocks allocates a retire batch for them, its last
 * allocation (a batch per 508 blocks). Out of memory there (and at every
 * allocation before), an insert fails with the table as it was, nothing
 * leaked and nothing queued for RCU; a remove then rewrites in place, and
 * its whole node is retired all the same.
 */
static void test_retire_enomem(void)
{
	static const struct { uint32_t a; uint8_t len; } change[] = {
		{ 0x14000100, 26 },	/* level-0 and level-1 nodes */
		{ 0x14000000, 18 },	/* covers 20.0/18: both, a whole node */
		{ 0x14000000, 12 },	/* 20.0/12: over 20.0/16 */
		{ 0x1e000000, 25 },	/* in 30.0.0/24 */
		{ 0x1f000000, 24 },	/* a new chunk: nothing to retire */
		{ 0x28000000, 17 },	/* 40.0/17: over 40.0/16 */
	};
	long allocs = kcompat_allocs, calls, n;
	struct mw_fib *fib = new_fib();
	unsigned int i, n_batch = 0;
	struct ref ref = { 0 };

	retire_setup(fib, &ref);
	for (i = 0; i < ARRAY_SIZE(change) && !failures_in_test; i++) {
		for (n = 0; ; n++)
			if (!insert_failing(fib, &ref, change[i].a,
					    change[i].len, L(20 + i), n, 1000))
				break;
		ref_add(&ref, change[i].a, change[i].len, L(20 + i));
		/* It retired blocks: the attempt before failed at its batch. */
		n_batch += kcompat_rcu_pending > 0;
		check_all(fib, &ref, 1000);
	}
	check(n_batch >= 4, "only %u inserts retired blocks", n_batch);

	/* Removes: never fail, whatever allocation fails. */
	for (i = 0; i < ARRAY_SIZE(change) && !failures_in_test; i++) {
		for (n = 0; n < 8; n++) {
			kcompat_fail_after(n);
			del(fib, &ref, change[i].a, change[i].len);
			kcompat_fail_after(-1);
			check_all(fib, &ref, 1000);
			add(fib, &ref, change[i].a, change[i].len, L(30 + i));
		}
	}
	while (ref.n)
		del(fib, &ref, ref.r[0].addr, ref.r[0].len);
	check_all(fib, &ref, 1000);

	/*
	 * 10/8 over 600 /24 in as many /18: 600 nodes to retire, two
	 * batches. Count the allocations of the insert (done and undone
	 * once, so that the scratch arrays have grown), then fail each of
	 * its last three: the second batch, the first, the last node.
	 */
	for (i = 0; i < 600; i++)
		add(fib, &ref, 0x0a000000 | i << 14, 24, L(40 + i));
	add(fib, &ref, 0x0a000000, 8, L(39));
	del(fib, &ref, 0x0a000000, 8);
	kcompat_rcu_barrier();
	calls = kcompat_alloc_calls;
	add(fib, &ref, 0x0a000000, 8, L(39));
	calls = kcompat_alloc_calls - calls;
	check(kcompat_rcu_pending >= 2, "%ld RCU callbacks for 600 nodes",
	      kcompat_rcu_pending);
	del(fib, &ref, 0x0a000000, 8);
	for (n = calls - 1; n >= calls - 3 && !failures_in_test; n--)
		check(insert_failing(fib, &ref, 0x0a000000, 8, L(39), n, 100),
		      "insert 10/8 with allocation %ld of %ld failing", n,
		      calls);
	while (ref.n)
		del(fib, &ref, ref.r[0].addr, ref.r[0].len);
	mw_fib_destroy(fib);
	kcompat_rcu_barrier();
	check(kcompat_allocs == allocs, "%ld allocations leaked",
	      kcompat_allocs - allocs);
	free(ref.r);
}

static const struct {
	void (*fn)(void);
	const char *name;
} tests[] = {
	{ test_empty, "empty table" },
	{ test_invalid, "invalid arguments and duplicates" },
	{ test_default_route, "default route 0.0.0.0/0" },
	{ test_host_routes, "/32 and /31 routes, 0.0.0.0 and 255.255.255.255" },
	{ test_overlap, "nested prefixes at every level boundary" },
	{ test_shadowed, "prefixes hidden by more specific ones" },
	{ test_same_leaf, "neighbouring prefixes with the same leaf" },
	{ test_random_sets, "random prefix sets against a linear scan" },
	{ test_churn, "insert/remove/replace churn" },
	{ test_enomem, "out of memory at every allocation" },
	{ test_concurrent, "lookups concurrent with changes" },
	{ test_small, "small tables stay small" },
	{ test_concurrent_shapes, "lookups concurrent with changes of shape" },
	{ test_bgp_shape, "a table of the shape of the BGP table" },
	{ test_retire, "retired blocks outlive their readers" },
	{ test_retire_enomem, "out of memory for the retire batch" },
};

int main(int argc, char **argv)
{
	uint64_t seed = argc > 1 ? strtoull(argv[1], NULL, 0) : 1;
	unsigned int i, failed = 0;

	/* Freed memory reads 0x6b...: a reader of a freed block sees it. */
	kcompat_poison = 1;
	printf("TAP version 13\n1..%zu\n", ARRAY_SIZE(tests));
	diag("seed %llu", (unsigned long long)seed);
	for (i = 0; i < ARRAY_SIZE(tests); i++) {
		unsigned long warnings = kcompat_warnings;

		rng_state = seed * 1000 + i;
		failures_in_test = 0;
		tests[i].fn();
		check(kcompat_warnings == warnings, "kernel warnings");
		if (failures_in_test > 8)
			diag("... %d failed checks", failures_in_test);
		printf("%sok %u - %s\n", failures_in_test ? "not " : "", i + 1,
		       tests[i].name);
		failed += !!failures_in_test;
	}
	kcompat_rcu_barrier();
	check(kcompat_allocs == 0, "%ld allocations leaked", kcompat_allocs);
	if (kcompat_allocs) {
		printf("# %ld allocations leaked\n", kcompat_allocs);
		failed++;
	}
	return failed ? 1 : 0;
}
