/* SPDX-License-Identifier: GPL-2.0 */
/*
 * midway: the IPv4 forwarding table of one virtual router, a longest-prefix
 * match from a destination address to the caller's object for that prefix.
 *
 * The same source builds in the kernel module and, through the small shim in
 * userspace/kcompat/, natively in userspace for the unit test
 * (selftests/fib_test.c) and the benchmark (tools/bench/fib_bench.c). It
 * knows nothing of routes, ports or netlink: a prefix maps to an opaque leaf
 * pointer (in the module, the object that holds the prefix's ECMP group).
 * Documentation/fib.md describes the structure, a poptrie.
 *
 * Concurrency
 * -----------
 * Changes (insert, replace, remove, destroy) are serialized by the caller's
 * lock and may sleep (GFP_KERNEL allocations), but never wait for a grace
 * period: the module calls them holding its instance lock. mw_fib_get() and
 * mw_fib_count() need that lock too. mw_fib_lookup() takes no lock: it runs
 * under rcu_read_lock() (or with bottom halves disabled) concurrently with
 * one change. A change builds new nodes, publishes each with a single
 * release store, and hands the old ones to call_rcu(), so a lookup sees
 * every part of the table either before or after the change, never
 * half-built, and a change never disturbs lookups of the prefixes it does
 * not touch. Those callbacks run code of this file: a module must
 * rcu_barrier() before it is unloaded (kmod/main.c does).
 *
 * A leaf that replace() or remove() took out of the table may still be
 * returned to readers that started before: the caller frees it after a grace
 * period (kfree_rcu()), as it would any RCU-protected object.
 *
 * Leaves must be non-NULL and at least 2-byte aligned (any kmalloc()ed object
 * is): the table tags its own pointers with bit 0.
 */
#ifndef _MW_FIB_H
#define _MW_FIB_H

#include <linux/bitops.h>
#include <linux/compiler.h>
#include <linux/types.h>
#include <asm/byteorder.h>

/*
 * The part of the table that lookups read, here so that the lookup can be
 * inlined into the packet path; everything else is private to fib.c.
 * Documentation/fib.md describes the structure.
 */
#define MW_FIB_DIR_BITS	8	/* dir: one entry per /8 */
#define MW_FIB_TOP_BITS	18	/* its chunks: one entry per /18 */
#define MW_FIB_STRIDE	6	/* each node level: 6 more bits */
#define MW_FIB_NODE	1UL	/* tag of chunks in dir, of children in nodes */

/*
 * A node: 64 slots, in runs. Run j is entry[j]: a leaf, or a child node |
 * MW_FIB_NODE (a child is always a run of its own). One allocation, followed
 * by the prefix length + 1 of each run, which only updates read.
 */
struct mw_fib_node {
	u64 leafvec;		/* bit i: a run starts at slot i */
	unsigned long entry[];
};

struct mw_fib {
	/*
	 * Per /8: a leaf, or a chunk | MW_FIB_NODE, the array of its 1024
	 * /18s, each a node (a /18 that is all one prefix: a node of one run,
	 * shared by all the /18 of that prefix).
	 */
	unsigned long dir[1 << MW_FIB_DIR_BITS];
};

/*
 * Create an empty table. @gfp is used for every allocation the table makes,
 * now and in later changes: GFP_KERNEL, or GFP_KERNEL_ACCOUNT to charge the
 * memory to the caller's cgroup. Returns NULL when out of memory.
 */
struct mw_fib *mw_fib_create(gfp_t gfp);

/*
 * Destroy the table and free all its memory at once. The caller guarantees
 * that no lookup can reach it any more: it was never published, or a grace
 * period has passed since it was unpublished (kmod/router.c calls this from
 * an rcu_work). What earlier changes retired is freed by their own RCU
 * callbacks, which need nothing of the table. The leaves are the caller's.
 * Process context: may sleep (vfree()), never waits for a grace period.
 */
void mw_fib_destroy(struct mw_fib *fib);

/*
 * Add @prefix/@plen (network byte order, host bits zero) with @leaf.
 * Returns 0, -EEXIST if the prefix already has a leaf, -EINVAL for a bad
 * prefix or leaf, or -ENOMEM; on error the table is unchanged.
 */
int mw_fib_insert(struct mw_fib *fib, __be32 prefix, u8 plen, void *leaf);

/*
 * Give the existing @prefix/@plen the leaf @leaf, atomically for readers (a
 * lookup returns the old or the new leaf, never nothing). The old leaf is
 * stored in *@old if @old is not NULL. Returns 0, -ENOENT if the prefix is
 * not in the table or -EINVAL. Allocates nothing, so cannot fail otherwise.
 */
int mw_fib_replace(struct mw_fib *fib, __be32 prefix, u8 plen, void *leaf,
		   void **old);

/*
 * Remove @prefix/@plen: its addresses fall back to the longest shorter
 * prefix that covers them. Returns its leaf, or NULL if it was not in the
 * table. Never fails: without memory to compact the table (or to retire
 * what that replaces), it rewrites the leaves in place.
 */
void *mw_fib_remove(struct mw_fib *fib, __be32 prefix, u8 plen);

/* The rest of mw_fib_lookup(), under prefixes longer than /24. */
void *mw_fib_lookup_below(unsigned long child, u32 addr);

/*
 * The leaf of the longest prefix that contains @addr, or NULL. Lock-free:
 * call under rcu_read_lock(); the leaf stays valid until rcu_read_unlock().
 *
 * Four loads: dir (2 KiB), the chunk of the /8 (8 KiB), the bitmap of the
 * node of the /18 and its run, usually in the same cache line. One branch
 * that depends on the table, nearly always taken the same way: the run is a
 * child only under prefixes longer than /24, which continue in
 * mw_fib_lookup_below().
 */
static inline void *mw_fib_lookup(const struct mw_fib *fib, __be32 addr)
{
	u32 a = be32_to_cpu(addr);
	unsigned long e = READ_ONCE(fib->dir[a >> (32 - MW_FIB_DIR_BITS)]);
	const struct mw_fib_node *n;
	unsigned int i;

	if (unlikely(!(e & MW_FIB_NODE)))
		return (void *)e;
	i = (a >> (32 - MW_FIB_TOP_BITS)) &
	    (BIT(MW_FIB_TOP_BITS - MW_FIB_DIR_BITS) - 1);
	n = (const struct mw_fib_node *)
	    READ_ONCE(((const unsigned long *)(e - MW_FIB_NODE))[i]);
	i = (a >> (32 - MW_FIB_TOP_BITS - MW_FIB_STRIDE)) & 63;
	/* Run j is entry[j]; j + 1 runs start at or below slot i. */
	e = READ_ONCE(n->entry[hweight64(n->leafvec << (63 - i)) - 1]);
	if (unlikely(e & MW_FIB_NODE))
		return mw_fib_lookup_below(e, a);
	return (void *)e;
}

/* The leaf of exactly @prefix/@plen, or NULL. Under the caller's lock. */
void *mw_fib_get(const struct mw_fib *fib, __be32 prefix, u8 plen);

/* Number of prefixes in the table. Under the caller's lock. */
unsigned int mw_fib_count(const struct mw_fib *fib);

/*
 * Bytes the table uses: its nodes counted at the size the kernel's kmalloc()
 * really gives them (its size classes), its arrays at their requested size.
 * The leaves, which are the caller's, are not counted.
 */
size_t mw_fib_mem(const struct mw_fib *fib);

#endif /* _MW_FIB_H */
