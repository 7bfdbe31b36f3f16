// SPDX-License-Identifier: GPL-2.0
/*
 * midway: the forwarding table, an IPv4 poptrie (Asai and Ohara, "Poptrie: A
 * Compressed Trie with Population Count for Fast and Scalable Software IP
 * Routing Table Lookup", SIGCOMM 2015). Documentation/fib.md has the design
 * with pictures; in short:
 *
 * - The top level resolves the first 18 bits in two steps: "dir" has an
 *   entry per /8, either a leaf (the caller's pointer; the /8 is all one
 *   prefix of /8 or shorter) or, with bit 0 set, a "chunk" of 1024 entries,
 *   one per /18, each a node that resolves the next 6 bits. A chunk exists
 *   only while its /8 holds a longer prefix, so that a small table stays
 *   small. A /18 that is all one prefix P points to P's "whole node", a node
 *   of one run made when P (of /18 or shorter) is inserted and shared by all
 *   the /18 P covers alone; no route is a static one whose leaf is NULL
 *   (fib_empty_node), and an empty /8 a static chunk of those. So a chunk
 *   entry is always a node, and lookups of any /18 take one path.
 * - A node has 64 slots, in runs: "leafvec" marks where a run starts, and
 *   run j, found by counting bits (popcount) of leafvec up to the slot, is
 *   entry[j]: a leaf, or a child node tagged with bit 0. A prefix shorter
 *   than the node's stride costs one entry, not 2^k copies; a child is a run
 *   of its own.
 * - Levels: dir and chunks resolve /0-/18, nodes at level 0 /19-/24, level 1
 *   /25-/30 and level 2 /31-/32 (2 bits, spread over the 6-bit slot index
 *   by shifting the address left by 4: the 36-bit "key").
 * - Leaves are pushed down: every leaf slot holds the result of the lookup
 *   for its addresses. A run of leaves always belongs to one prefix, which
 *   its stored prefix length identifies; that is what updates work from.
 *
 * A node is one allocation:
 *
 *	[leafvec][entry 0, entry 1 ... entry nr-1][prefix length + 1 of each]
 *
 * so that a lookup reads the bitmap and then an entry, usually in the same
 * cache line; the prefix lengths, which only updates read, come last.
 *
 * Updates never modify what readers can see, except by single aligned
 * stores: a change rebuilds, bottom up, the nodes on the path to what it
 * touches into new blocks (copy-on-write), then publishes each changed chunk
 * entry with a release store and retires the replaced blocks. Everything is
 * allocated before anything is published, so a failed allocation leaves the
 * table as it was. Replacing a prefix's leaf, or removing one when memory is
 * short, overwrites the leaf pointers of its runs (and of its whole node, or
 * the chunk entries that point to it) in place instead.
 *
 * Retiring never waits for a grace period: the updater holds a lock. The
 * blocks a change unpublishes (nodes and chunks) go, all together, into a
 * "retire batch" (struct fib_retire) that one call_rcu() frees; the batch is
 * the change's last allocation, made before anything is published, so that
 * -ENOMEM leaves the table as it was. A whole node, which only the removal of
 * its prefix retires (and that must not fail), carries its own rcu_head in
 * the bytes that kmalloc() gives it anyway (struct fib_whole). Nodes carry no
 * rcu_head: 16 bytes more per node would cost 4.8 bytes per prefix (see
 * Documentation/fib.md).
 *
 * The exact prefixes, with their leaves, are also kept in an open-addressing
 * hash table ("rules"): a prefix can be entirely hidden by more specific ones
 * and then appears nowhere in the trie, and removal needs the covering
 * prefix. A prefix of /18 or shorter owns its whole node, which holds its
 * leaf: the hash keeps the node instead of the leaf.
 */
#include <linux/bitops.h>
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/overflow.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <asm/byteorder.h>

#include "fib.h"

#define FIB_TOP_BITS	MW_FIB_TOP_BITS
#define FIB_DIR_BITS	MW_FIB_DIR_BITS
#define FIB_DIR_SIZE	BIT(FIB_DIR_BITS)
#define FIB_CHUNK_BITS	(FIB_TOP_BITS - FIB_DIR_BITS)
#define FIB_CHUNK_SIZE	BIT(FIB_CHUNK_BITS)
#define FIB_STRIDE	MW_FIB_STRIDE
#define FIB_SLOTS	64
#define FIB_LEVELS	3
#define FIB_NODE_TAG	MW_FIB_NODE
#define FIB_RULES_MIN	64

/*
 * A whole node: a node of one run (struct mw_fib_node with one entry, as
 * lookups read it), owned by its prefix and kept in the rules. kmalloc()
 * gives its 17 bytes 32: its rcu_head takes the place of the run's prefix
 * length and the slack after it. Lookups never read those bytes, and updates
 * no longer do once the node is unpublished, so the removal of its prefix
 * (which cannot fail) retires it with call_rcu() without allocating anything.
 */
struct fib_whole {
	u64 leafvec;
	unsigned long entry[1];
	union {
		u8 plen1[1];
		struct rcu_head rcu;
	};
};

/*
 * No route: in a chunk, a whole node whose leaf is NULL, never retired; in
 * dir, a chunk of those. Lookups of empty /18 and /8 then take the common
 * path.
 */
static const struct fib_whole fib_empty_node = {
	.leafvec = 1,
};

#define FIB_EMPTY	((unsigned long)&fib_empty_node)

static const unsigned long fib_empty_chunk[FIB_CHUNK_SIZE] = {
	[0 ... FIB_CHUNK_SIZE - 1] = FIB_EMPTY,
};

#define FIB_EMPTY_CHUNK	((unsigned long)fib_empty_chunk + FIB_NODE_TAG)

/* One slot of a node being rebuilt: a child node or a leaf. */
struct mw_fib_slot {
	struct mw_fib_node *node;
	void *leaf;
	u8 plen1;		/* prefix length + 1; 0: no route */
	bool child;
};

/*
 * A change, applied to the slots of its prefix: those whose prefix
 * "matches" become @leaf with @plen1. Insert matches the slots of shorter
 * prefixes (or of none), replace and remove the slots of the prefix itself.
 */
struct mw_fib_op {
	u64 key;		/* the prefix, host order, shifted left by 4 */
	u8 len;
	bool insert;
	void *leaf;
	u8 plen1;
	/* What a chunk entry that becomes all @leaf points to: its whole node */
	unsigned long whole;
};

/* An entry of a chunk (or of dir) to publish once the change is built. */
struct mw_fib_pending {
	unsigned long entry;
	u32 index;		/* of the /18; of the /8 if @dir */
	u8 plen1;		/* of the leaf (whole node); 0: a node, no route */
	bool dir;
};

struct mw_fib_ptrs {
	void **p;
	size_t n, cap;
};

/*
 * A retire batch: blocks (nodes and chunks, all from kmalloc()) that a
 * change unpublished, freed together by one RCU callback after a grace
 * period. A change allocates its batches before it publishes anything, one
 * per FIB_RETIRE_MAX blocks, so that a callback, which runs in softirq, frees
 * a bounded number (as kfree_rcu()'s pages do). The callback needs nothing of
 * the table: a batch may outlive mw_fib_destroy().
 */
struct fib_retire {
	struct rcu_head rcu;
	struct fib_retire *next;	/* the change's next batch, until sent */
	u32 n, cap;
	void *block[];
};

/* Batches of at most a page (kmalloc-4k): 508 blocks. */
#define FIB_RETIRE_MAX \
	((4096 - sizeof(struct fib_retire)) / sizeof(void *))

/* The table: what lookups read (fib.h), then what changes need. */
struct mw_fib_table {
	struct mw_fib fib;
	u8 dir_plen1[FIB_DIR_SIZE];	/* of the leaves in dir */
	u8 *chunk_plen1[FIB_DIR_SIZE];	/* of the leaves in each chunk */
	/* Entries of each chunk that are nodes or prefixes longer than /8 */
	u16 chunk_busy[FIB_DIR_SIZE];
	gfp_t gfp;
	unsigned int count;		/* prefixes */
	u32 n_len[33];			/* prefixes per length */
	size_t mem;

	/* Exact prefixes: open addressing, linear probing, one allocation. */
	struct {
		void **leaf;
		u32 *addr;
		u8 *plen1;		/* 0: free slot */
		u32 size;
	} rules;

	/* Scratch of the change in progress (changes are serialized). */
	struct mw_fib_slot work[FIB_LEVELS][FIB_SLOTS];
	struct mw_fib_ptrs fresh;	/* new blocks: freed if the change fails */
	struct mw_fib_ptrs stale;	/* replaced blocks: to retire */
	size_t fresh_mem, stale_mem;	/* their kmalloc() sizes */
	/* Batches to retire stale (and given back chunks) into, once published */
	struct fib_retire *retire;
	struct mw_fib_pending *pending;
	size_t n_pending, cap_pending;
	/* Which of fresh, stale and pending existed when the change began */
	bool had_fresh, had_stale, had_pending;
	unsigned long *new_chunk[FIB_DIR_SIZE];	/* not published yet */
	u8 *new_plen1[FIB_DIR_SIZE];
	unsigned int n_new_chunks;
};

static inline struct mw_fib_table *fib_table(const struct mw_fib *fib)
{
	return container_of(fib, struct mw_fib_table, fib);
}

static inline u32 fib_mask(unsigned int len)
{
	return len ? ~0U << (32 - len) : 0;
}

/* Bit @i and all the bits below it. */
static inline u64 fib_below(unsigned int i)
{
	return ~0ULL >> (63 - i);
}

/* The first prefix length a node of level @k resolves, minus one. */
static inline unsigned int fib_level_base(unsigned int k)
{
	return FIB_TOP_BITS + FIB_STRIDE * k;
}

/* Where the slot index of level @k is in the 36-bit key. */
static inline unsigned int fib_level_shift(unsigned int k)
{
	return 36 - FIB_TOP_BITS - FIB_STRIDE * (k + 1);
}

/*
 * The slots of @op's prefix in an array of 2^@bits slots that resolves the
 * prefix lengths after @base: all of them if it is shorter, one if longer.
 */
static inline void fib_span(const struct mw_fib_op *op, unsigned int base,
			    unsigned int bits, u32 *first, u32 *last)
{
	*first = 0;
	*last = BIT(bits) - 1;
	if (op->len <= base)
		return;
	*first = (op->key >> (36 - base - bits)) & (BIT(bits) - 1);
	*last = *first;
	if (op->len < base + bits)
		*last += BIT(base + bits - op->len) - 1;
}

/* Node layout, see the top of the file. */
static inline size_t fib_block_size(unsigned int nr)
{
	return sizeof(struct mw_fib_node) + nr * (sizeof(unsigned long) + 1);
}

static inline unsigned int fib_nr(const struct mw_fib_node *n)
{
	return hweight64(n->leafvec);
}

/* The run of slot @i. */
static inline unsigned int fib_run(const struct mw_fib_node *n, unsigned int i)
{
	return hweight64(n->leafvec & fib_below(i)) - 1;
}

static inline struct mw_fib_node *fib_child(unsigned long e)
{
	return (struct mw_fib_node *)(e - FIB_NODE_TAG);
}

/* The prefix lengths of the runs, after the entries: updates only. */
static inline u8 *fib_plen1s(const struct mw_fib_node *n)
{
	return (u8 *)(n->entry + fib_nr(n));
}

static inline size_t fib_node_mem(const struct mw_fib_node *n)
{
	return kmalloc_size_roundup(fib_block_size(fib_nr(n)));
}

/*
 * The rest of mw_fib_lookup() (fib.h) for the addresses under prefixes
 * longer than /24: @e is the child in their run of the level-0 node.
 */
void *mw_fib_lookup_below(unsigned long e, u32 addr)
{
	unsigned int shift = fib_level_shift(0), i;
	u64 key = (u64)addr << 4;
	const struct mw_fib_node *n;

	do {
		n = fib_child(e);
		shift -= FIB_STRIDE;
		i = (key >> shift) & (FIB_SLOTS - 1);
		e = READ_ONCE(n->entry[hweight64(n->leafvec << (63 - i)) - 1]);
	} while (e & FIB_NODE_TAG);
	return (void *)e;
}

/* Growable arrays of the change in progress ------------------------------ */

/* Make room for element @n of @arr: returns the array, maybe moved, or NULL. */
static void *fib_grow(struct mw_fib_table *t, void *arr, size_t *cap, size_t n,
		      size_t elem)
{
	size_t ncap = *cap ? *cap * 2 : 64;
	void *p;

	if (n < *cap)
		return arr;
	p = kvmalloc_array(ncap, elem, t->gfp);
	if (!p)
		return NULL;
	if (n)
		memcpy(p, arr, n * elem);
	kvfree(arr);
	t->mem += (ncap - *cap) * elem;
	*cap = ncap;
	return p;
}

static int fib_ptrs_reserve(struct mw_fib_table *t, struct mw_fib_ptrs *v)
{
	void **p = fib_grow(t, v->p, &v->cap, v->n, sizeof(*v->p));

	if (!p)
		return -ENOMEM;
	v->p = p;
	return 0;
}

/* Free @arr if @all, or if it grew large: returns the array, or NULL. */
static void *fib_shrink(struct mw_fib_table *t, void *arr, size_t *cap,
			size_t elem, bool all)
{
	if (!*cap || (!all && *cap <= 4096))
		return arr;
	t->mem -= *cap * elem;
	kvfree(arr);
	*cap = 0;
	return NULL;
}

/* Empty @v; and free it if @all, or if it grew large. */
static void fib_ptrs_release(struct mw_fib_table *t, struct mw_fib_ptrs *v,
			     bool all)
{
	v->n = 0;
	v->p = fib_shrink(t, v->p, &v->cap, sizeof(*v->p), all);
}

static void fib_pending_release(struct mw_fib_table *t, bool all)
{
	t->n_pending = 0;
	t->pending = fib_shrink(t, t->pending, &t->cap_pending,
				sizeof(*t->pending), all);
}

/*
 * A change begins: a failed one leaves the table as it was, down to which
 * scratch arrays it has (fib_rollback() frees those the change made, and
 * keeps the others, even grown: the next change that succeeds trims them).
 */
static void fib_begin(struct mw_fib_table *t)
{
	t->had_fresh = t->fresh.p;
	t->had_stale = t->stale.p;
	t->had_pending = t->pending;
}

/* Queue node @n to be retired once the change is published. */
static int fib_stale(struct mw_fib_table *t, struct mw_fib_node *n)
{
	if (fib_ptrs_reserve(t, &t->stale))
		return -ENOMEM;
	t->stale.p[t->stale.n++] = n;
	t->stale_mem += fib_node_mem(n);
	return 0;
}

/* Retiring blocks -------------------------------------------------------- */

/*
 * RCU callback, in softirq (or an rcuo kthread with bottom halves off): a
 * grace period has passed since the blocks were unpublished, so no lookup
 * holds them. They all come from kmalloc() (fib_new_block()), so kfree() is
 * right here; none is vmalloc()ed.
 */
static void fib_retire_free(struct rcu_head *head)
{
	struct fib_retire *b = container_of(head, struct fib_retire, rcu);
	u32 i;

	for (i = 0; i < b->n; i++)
		kfree(b->block[i]);
	kfree(b);
}

static void fib_whole_free(struct rcu_head *head)
{
	kfree(container_of(head, struct fib_whole, rcu));
}

/* Free the (empty) batches of a change that publishes nothing. */
static void fib_retire_drop(struct mw_fib_table *t)
{
	struct fib_retire *b;

	while (t->retire) {
		b = t->retire;
		t->retire = b->next;
		if (WARN_ON(b->n))	/* blocks in it: better leaked than early */
			continue;
		kfree(b);
	}
}

/*
 * Room to retire everything @op will unpublish: its stale nodes and, for a
 * remove, the chunk of each /8 it changes a chunk entry of, which the commit
 * gives back if no node or long prefix is left in it (fib_collapse()). An
 * insert never empties a chunk: it only lengthens the prefix of slots, and a
 * node stays a node (it holds a prefix longer than /18 that the insert does
 * not touch). The last allocation of a change, before anything is published.
 */
static int fib_retire_reserve(struct mw_fib_table *t,
			      const struct mw_fib_op *op)
{
	size_t n = t->stale.n, i, cap;
	u32 d, last = FIB_DIR_SIZE;
	struct fib_retire *b;

	/* Pending entries come in order of /18: one /8 after the other. */
	for (i = 0; !op->insert && i < t->n_pending; i++) {
		d = t->pending[i].index >> FIB_CHUNK_BITS;
		if (!t->pending[i].dir && d != last)
			n++;
		last = d;
	}
	while (n) {
		cap = min_t(size_t, n, FIB_RETIRE_MAX);
		b = kmalloc(struct_size(b, block, cap), t->gfp);
		if (!b) {
			fib_retire_drop(t);
			return -ENOMEM;
		}
		b->n = 0;
		b->cap = cap;
		b->next = t->retire;
		t->retire = b;
		n -= cap;
	}
	return 0;
}

/*
 * Block @p, now unpublished, is freed after a grace period. A full batch
 * goes at once: everything in it is unpublished already.
 */
static void fib_retire(struct mw_fib_table *t, void *p)
{
	struct fib_retire *b = t->retire;

	/* fib_retire_reserve() counted every block: never NULL. */
	if (WARN_ON(!b))
		return;		/* leaked rather than freed under a reader */
	b->block[b->n++] = p;
	if (b->n == b->cap) {
		t->retire = b->next;
		call_rcu(&b->rcu, fib_retire_free);
	}
}

/* The change is published: send what it retires, free the spare room. */
static void fib_retire_send(struct mw_fib_table *t)
{
	struct fib_retire *b, *next;

	for (b = t->retire; b; b = next) {
		next = b->next;
		if (b->n)
			call_rcu(&b->rcu, fib_retire_free);
		else
			kfree(b);
	}
	t->retire = NULL;
}

/* Rebuilding nodes ------------------------------------------------------- */

/* Do the slots of @plen1 take part in @op? */
static inline bool fib_op_matches(const struct mw_fib_op *op, u8 plen1)
{
	return op->insert ? plen1 <= op->len : plen1 == op->len + 1;
}

/*
 * Do leaf slots @j < @i of a node of level @k belong to the same run: same
 * leaf and the same prefix (two equal leaves of two prefixes stay apart, so
 * that a run is always the whole of one prefix within the node)?
 */
static bool fib_same_run(const struct mw_fib_slot *a,
			 const struct mw_fib_slot *b, unsigned int j,
			 unsigned int i, unsigned int k)
{
	unsigned int base = fib_level_base(k), len;

	if (a->leaf != b->leaf || a->plen1 != b->plen1)
		return false;
	if (a->plen1 <= base + 1)	/* no route, or covers the node */
		return true;
	len = a->plen1 - 1;
	if (len >= base + FIB_STRIDE)	/* one slot each */
		return false;
	return !((i ^ j) >> (base + FIB_STRIDE - len));
}

/* Fill the 64 slots @w from @s: a child node, or a leaf over all of them. */
static void fib_expand(const struct mw_fib_slot *s, struct mw_fib_slot *w)
{
	const struct mw_fib_node *n = s->node;
	const u8 *plen1;
	unsigned long e;
	unsigned int i;
	int j = -1;

	if (!s->child) {
		for (i = 0; i < FIB_SLOTS; i++) {
			w[i].child = false;
			w[i].leaf = s->leaf;
			w[i].plen1 = s->plen1;
		}
		return;
	}
	plen1 = fib_plen1s(n);
	for (i = 0; i < FIB_SLOTS; i++) {
		if ((n->leafvec >> i) & 1)
			j++;
		e = n->entry[j];
		w[i].child = e & FIB_NODE_TAG;
		if (w[i].child) {
			w[i].node = fib_child(e);
		} else {
			w[i].leaf = (void *)e;
			w[i].plen1 = plen1[j];
		}
	}
}

/* A new block (node or chunk), in t->fresh until the change is published. */
static void *fib_new_block(struct mw_fib_table *t, size_t size)
{
	void *p;

	if (fib_ptrs_reserve(t, &t->fresh))
		return NULL;
	p = kmalloc(size, t->gfp);
	if (!p)
		return NULL;
	t->fresh.p[t->fresh.n++] = p;
	t->fresh_mem += kmalloc_size_roundup(size);
	return p;
}

/*
 * Encode the slots of level @k into @s, which holds what they were built
 * from: a leaf if they all are one run, else a new node.
 */
static int fib_encode(struct mw_fib_table *t, unsigned int k,
		      struct mw_fib_slot *s)
{
	const struct mw_fib_slot *w = t->work[k];
	struct mw_fib_node *n;
	unsigned int i, nc = 0, nr = 0;
	u64 leafvec = 0;
	u8 *plen1;

	for (i = 0; i < FIB_SLOTS; i++) {
		nc += w[i].child;
		/* A child is a run of its own. */
		if (!i || w[i].child || w[i - 1].child ||
		    !fib_same_run(&w[i - 1], &w[i], i - 1, i, k)) {
			leafvec |= 1ULL << i;
			nr++;
		}
	}

	if (!nc && nr == 1) {
		if (s->child && fib_stale(t, s->node))
			return -ENOMEM;
		s->child = false;
		s->leaf = w[0].leaf;
		s->plen1 = w[0].plen1;
		return 0;
	}

	n = fib_new_block(t, fib_block_size(nr));
	if (!n)
		return -ENOMEM;
	if (s->child && fib_stale(t, s->node))
		return -ENOMEM;
	n->leafvec = leafvec;
	plen1 = (u8 *)(n->entry + nr);
	nr = 0;
	for (i = 0; i < FIB_SLOTS; i++) {
		if (!((leafvec >> i) & 1))
			continue;
		if (w[i].child) {
			n->entry[nr] = (unsigned long)w[i].node + FIB_NODE_TAG;
			plen1[nr++] = 0;
		} else {
			n->entry[nr] = (unsigned long)w[i].leaf;
			plen1[nr++] = w[i].plen1;
		}
	}
	s->child = true;
	s->node = n;
	return 0;
}

/*
 * Apply @op to the node of level @k in slot @s (or, when @s is a leaf that
 * @op splits, to a node made of that leaf) and store the result in @s.
 * Returns 1 if @s changed, 0 if not, or a negative error.
 */
static int fib_rebuild(struct mw_fib_table *t, unsigned int k,
		       struct mw_fib_slot *s, const struct mw_fib_op *op)
{
	struct mw_fib_slot *w = t->work[k];
	bool below = op->len > fib_level_base(k) + FIB_STRIDE;
	bool dirty = false;
	u32 first, last, i;
	int err;

	if (WARN_ON(k >= FIB_LEVELS))
		return -EINVAL;
	fib_expand(s, w);
	fib_span(op, fib_level_base(k), FIB_STRIDE, &first, &last);
	for (i = first; i <= last; i++) {
		struct mw_fib_slot *c = &w[i];

		if (c->child || (below && fib_op_matches(op, c->plen1))) {
			err = fib_rebuild(t, k + 1, c, op);
			if (err < 0)
				return err;
			dirty |= err;
		} else if (fib_op_matches(op, c->plen1)) {
			c->leaf = op->leaf;
			c->plen1 = op->plen1;
			dirty = true;
		}
	}
	if (!dirty)
		return 0;
	err = fib_encode(t, k, s);
	return err < 0 ? err : 1;
}

/* Forget the change in progress: nothing of it was published. */
static void fib_rollback(struct mw_fib_table *t)
{
	size_t i;

	for (i = 0; i < t->fresh.n; i++)
		kfree(t->fresh.p[i]);
	for (i = 0; t->n_new_chunks && i < FIB_DIR_SIZE; i++) {
		if (t->new_chunk[i]) {
			t->new_chunk[i] = NULL;
			t->new_plen1[i] = NULL;
			t->n_new_chunks--;
		}
	}
	fib_retire_drop(t);
	t->fresh.n = 0;
	t->stale.n = 0;
	t->n_pending = 0;
	if (!t->had_fresh)
		fib_ptrs_release(t, &t->fresh, true);
	if (!t->had_stale)
		fib_ptrs_release(t, &t->stale, true);
	if (!t->had_pending)
		fib_pending_release(t, true);
	t->fresh_mem = 0;
	t->stale_mem = 0;
}

static inline bool fib_is_chunk(unsigned long e)
{
	return e & FIB_NODE_TAG && e != FIB_EMPTY_CHUNK;
}

/* Is chunk entry @e, whose leaf has @plen1, a node of its own (not whole)? */
static inline bool fib_is_node(unsigned long e, u8 plen1)
{
	return !plen1 && e != FIB_EMPTY;
}

/* The leaf of a whole node. */
static inline void *fib_whole_leaf(unsigned long e)
{
	return (void *)((const struct mw_fib_node *)e)->entry[0];
}

static inline unsigned long *fib_chunk(unsigned long e)
{
	return (unsigned long *)(e - FIB_NODE_TAG);
}

/* Does this chunk entry keep its chunk from being one leaf? */
static inline bool fib_busy(unsigned long e, u8 plen1)
{
	return fib_is_node(e, plen1) || plen1 > FIB_DIR_BITS + 1;
}

/*
 * A chunk whose entries all are the same leaf (only a prefix of /8 or
 * shorter covers it) goes back to being that leaf in dir.
 */
static void fib_collapse(struct mw_fib_table *t, u32 d)
{
	unsigned long *c = fib_chunk(t->fib.dir[d]);

	t->dir_plen1[d] = t->chunk_plen1[d][0];
	/* The same leaf, published as the chunk was: readers see no change. */
	smp_store_release(&t->fib.dir[d], c[0] == FIB_EMPTY ? FIB_EMPTY_CHUNK :
			  (unsigned long)fib_whole_leaf(c[0]));
	/* Lookups may still be in it; only updates read its lengths. */
	fib_retire(t, c);
	kfree(t->chunk_plen1[d]);
	t->chunk_plen1[d] = NULL;
	t->mem -= kmalloc_size_roundup(FIB_CHUNK_SIZE * sizeof(*c)) +
		  kmalloc_size_roundup(FIB_CHUNK_SIZE);
}

/*
 * Publish the change in progress, then retire what it replaced: after the
 * stores that unpublished it, so that the grace period that call_rcu() waits
 * for covers every lookup that may have found it.
 */
static void fib_commit(struct mw_fib_table *t)
{
	const struct mw_fib_pending *p;
	unsigned long *c;
	u32 d, j;
	size_t i;
	u8 *pl;

	for (i = 0; i < t->n_pending; i++) {
		p = &t->pending[i];
		if (p->dir) {
			t->dir_plen1[p->index] = p->plen1;
			/* The leaf is initialized before readers see it. */
			smp_store_release(&t->fib.dir[p->index], p->entry);
			continue;
		}
		d = p->index >> FIB_CHUNK_BITS;
		j = p->index & (FIB_CHUNK_SIZE - 1);
		c = t->new_chunk[d] ?: fib_chunk(t->fib.dir[d]);
		pl = t->new_plen1[d] ?: t->chunk_plen1[d];
		t->chunk_busy[d] += fib_busy(p->entry, p->plen1) -
				    fib_busy(c[j], pl[j]);
		pl[j] = p->plen1;
		/* Pairs with READ_ONCE() and the address dependency in lookup. */
		smp_store_release(&c[j], p->entry);
	}
	for (d = 0; t->n_new_chunks && d < FIB_DIR_SIZE; d++) {
		if (!t->new_chunk[d])
			continue;
		t->chunk_plen1[d] = t->new_plen1[d];
		/* Its entries are written before readers can reach them. */
		smp_store_release(&t->fib.dir[d], (unsigned long)t->new_chunk[d] +
				  FIB_NODE_TAG);
		t->new_chunk[d] = NULL;
		t->new_plen1[d] = NULL;
		t->n_new_chunks--;
	}
	for (i = 0; i < t->n_pending; i++) {
		p = &t->pending[i];
		d = p->dir ? p->index : p->index >> FIB_CHUNK_BITS;
		if (fib_is_chunk(t->fib.dir[d]) && !t->chunk_busy[d])
			fib_collapse(t, d);
	}
	t->n_pending = 0;
	for (i = 0; i < t->stale.n; i++)
		fib_retire(t, t->stale.p[i]);
	fib_retire_send(t);
	t->mem += t->fresh_mem;
	t->mem -= t->stale_mem;
	t->fresh_mem = 0;
	t->stale_mem = 0;
	t->fresh.n = 0;
	fib_ptrs_release(t, &t->fresh, false);
	fib_ptrs_release(t, &t->stale, false);
	fib_pending_release(t, false);
}

/* Entry @i (one per /18) of the top level, as a slot. */
static void fib_top_slot(const struct mw_fib_table *t, u32 i,
			 struct mw_fib_slot *s)
{
	u32 d = i >> FIB_CHUNK_BITS, j = i & (FIB_CHUNK_SIZE - 1);
	unsigned long e = t->fib.dir[d];
	u8 plen1 = t->dir_plen1[d];

	s->child = false;
	if (fib_is_chunk(e)) {
		plen1 = t->chunk_plen1[d][j];
		e = fib_chunk(e)[j];
		if (fib_is_node(e, plen1)) {
			s->child = true;
			s->node = (struct mw_fib_node *)e;
			return;
		}
		s->leaf = fib_whole_leaf(e);
	} else {
		s->leaf = e == FIB_EMPTY_CHUNK ? NULL : (void *)e;
	}
	s->plen1 = plen1;
}

static s64 fib_rule_find(const struct mw_fib_table *t, u32 addr,
			 unsigned int len);

/*
 * The whole node of the prefix of length @plen1 - 1 that covers /18 @i
 * alone (fib_empty_node if none), other than the change's own.
 */
static unsigned long fib_whole_of(const struct mw_fib_table *t, u32 i,
				  u8 plen1)
{
	s64 r;

	if (!plen1)
		return FIB_EMPTY;
	r = fib_rule_find(t, (i << (32 - FIB_TOP_BITS)) & fib_mask(plen1 - 1),
			  plen1 - 1);
	if (WARN_ON(r < 0 || plen1 > FIB_TOP_BITS + 1))
		return FIB_EMPTY;
	return (unsigned long)t->rules.leaf[r];
}

/* A new chunk for /8 @d, made of the leaf it is now, unless it has one. */
static int fib_new_chunk(struct mw_fib_table *t, u32 d)
{
	unsigned long e = t->fib.dir[d], *c;
	u8 *pl;
	u32 j;

	if (fib_is_chunk(e) || t->new_chunk[d])
		return 0;
	c = fib_new_block(t, FIB_CHUNK_SIZE * sizeof(*c));
	pl = c ? fib_new_block(t, FIB_CHUNK_SIZE) : NULL;
	if (!pl)
		return -ENOMEM;
	/* The /8 is one prefix of /8 or shorter: its whole node everywhere. */
	e = fib_whole_of(t, d << FIB_CHUNK_BITS, t->dir_plen1[d]);
	for (j = 0; j < FIB_CHUNK_SIZE; j++)
		c[j] = e;
	memset(pl, t->dir_plen1[d], FIB_CHUNK_SIZE);
	t->chunk_busy[d] = 0;
	t->new_chunk[d] = c;
	t->new_plen1[d] = pl;
	t->n_new_chunks++;
	return 0;
}

/* Queue entry @index (of dir if @dir) to become @s. */
static int fib_pend(struct mw_fib_table *t, u32 index, bool dir,
		    const struct mw_fib_slot *s, const struct mw_fib_op *op)
{
	struct mw_fib_pending *p;

	if (!dir && fib_new_chunk(t, index >> FIB_CHUNK_BITS))
		return -ENOMEM;
	p = fib_grow(t, t->pending, &t->cap_pending, t->n_pending, sizeof(*p));
	if (!p)
		return -ENOMEM;
	t->pending = p;
	p += t->n_pending++;
	p->index = index;
	p->dir = dir;
	p->plen1 = s->child ? 0 : s->plen1;
	if (s->child)
		p->entry = (unsigned long)s->node;
	else if (dir)
		p->entry = s->leaf ? (unsigned long)s->leaf : FIB_EMPTY_CHUNK;
	else if (s->leaf == op->leaf && s->plen1 == op->plen1)
		p->entry = op->whole;
	else
		p->entry = fib_whole_of(t, index, s->plen1);
	return 0;
}

/*
 * Build @op, then publish it. Returns 0, or -ENOMEM with the table
 * unchanged.
 */
static int fib_apply(struct mw_fib_table *t, const struct mw_fib_op *op)
{
	bool below = op->len > FIB_TOP_BITS;
	struct mw_fib_slot s;
	u32 first, last, i, d;
	int err;

	fib_span(op, 0, FIB_TOP_BITS, &first, &last);
	for (i = first; i <= last; i++) {
		if (!(i & (FIB_CHUNK_SIZE - 1)))
			cond_resched();
		d = i >> FIB_CHUNK_BITS;
		/* A /8 or shorter over a /8 that is one leaf: change that. */
		if (op->len <= FIB_DIR_BITS && !fib_is_chunk(t->fib.dir[d])) {
			i |= FIB_CHUNK_SIZE - 1;
			if (!fib_op_matches(op, t->dir_plen1[d]))
				continue;
			s.child = false;
			s.leaf = op->leaf;
			s.plen1 = op->plen1;
			err = fib_pend(t, d, true, &s, op);
			if (err)
				goto fail;
			continue;
		}
		fib_top_slot(t, i, &s);
		if (s.child || (below && fib_op_matches(op, s.plen1))) {
			err = fib_rebuild(t, 0, &s, op);
			if (err < 0)
				goto fail;
			if (!err)
				continue;
		} else if (fib_op_matches(op, s.plen1)) {
			s.leaf = op->leaf;
			s.plen1 = op->plen1;
		} else {
			continue;
		}
		err = fib_pend(t, i, false, &s, op);
		if (err)
			goto fail;
	}
	err = fib_retire_reserve(t, op);
	if (err)
		goto fail;
	fib_commit(t);
	return 0;
fail:
	fib_rollback(t);
	return err;
}

/*
 * Apply a replace or remove @op without allocating: overwrite, in the blocks
 * readers see, the leaves of the runs of @op's prefix. The result is correct
 * but may not be compact (runs or nodes that could merge).
 */
static void fib_write_node(struct mw_fib_table *t, unsigned int k,
			   struct mw_fib_node *n, const struct mw_fib_op *op)
{
	u8 *plen1 = fib_plen1s(n);
	u32 first, last, i, j;
	unsigned long e;

	fib_span(op, fib_level_base(k), FIB_STRIDE, &first, &last);
	for (i = first; i <= last; i++) {
		/* Each run once: at its first slot in the range. */
		if (i != first && !((n->leafvec >> i) & 1))
			continue;
		j = fib_run(n, i);
		e = n->entry[j];
		if (e & FIB_NODE_TAG) {
			fib_write_node(t, k + 1, fib_child(e), op);
		} else if (plen1[j] == op->len + 1) {
			plen1[j] = op->plen1;
			/* The leaf is initialized before readers see it. */
			smp_store_release(&n->entry[j], (unsigned long)op->leaf);
		}
	}
}

/*
 * The prefix's runs in nodes, its leaf in dir and, for a remove, the chunk
 * entries that point to its whole node, which point to the covering
 * prefix's then. (A replace writes the leaf of the whole node itself.)
 */
static void fib_write(struct mw_fib_table *t, const struct mw_fib_op *op)
{
	u32 first, last, i, d, j;
	unsigned long e, *c;
	u8 *pl;

	fib_span(op, 0, FIB_TOP_BITS, &first, &last);
	for (i = first; i <= last; i++) {
		d = i >> FIB_CHUNK_BITS;
		e = t->fib.dir[d];
		if (!fib_is_chunk(e)) {
			/* One leaf: only a /8 or shorter can be it. */
			i |= FIB_CHUNK_SIZE - 1;
			if (e == FIB_EMPTY_CHUNK ||
			    t->dir_plen1[d] != op->len + 1)
				continue;
			t->dir_plen1[d] = op->plen1;
			/* The leaf is initialized before readers see it. */
			smp_store_release(&t->fib.dir[d], op->leaf ?
					  (unsigned long)op->leaf :
					  FIB_EMPTY_CHUNK);
			continue;
		}
		c = fib_chunk(e);
		pl = t->chunk_plen1[d];
		j = i & (FIB_CHUNK_SIZE - 1);
		e = c[j];
		if (fib_is_node(e, pl[j])) {
			fib_write_node(t, 0, (struct mw_fib_node *)e, op);
		} else if (pl[j] == op->len + 1) {
			t->chunk_busy[d] += fib_busy(op->whole, op->plen1) -
					    fib_busy(e, pl[j]);
			pl[j] = op->plen1;
			if (e == op->whole)
				continue;
			/* The whole node is initialized before readers see it. */
			smp_store_release(&c[j], op->whole);
		}
	}
}

/* The exact prefixes ----------------------------------------------------- */

static u32 fib_rule_home(const struct mw_fib_table *t, u32 addr, u8 plen1)
{
	u64 h = ((u64)addr << 6 | plen1) * 0x9e3779b97f4a7c15ULL;

	h ^= h >> 29;
	h *= 0xbf58476d1ce4e5b9ULL;
	return ((h >> 32) * t->rules.size) >> 32;
}

static inline u32 fib_rule_next(const struct mw_fib_table *t, u32 i)
{
	return i + 1 == t->rules.size ? 0 : i + 1;
}

/* The slot of @addr/@len, or -1. */
static s64 fib_rule_find(const struct mw_fib_table *t, u32 addr,
			 unsigned int len)
{
	u32 i;

	if (!t->rules.size)
		return -1;
	for (i = fib_rule_home(t, addr, len + 1); t->rules.plen1[i];
	     i = fib_rule_next(t, i)) {
		if (t->rules.plen1[i] == len + 1 && t->rules.addr[i] == addr)
			return i;
	}
	return -1;
}

static void fib_rule_put(struct mw_fib_table *t, u32 addr, u8 plen1, void *leaf)
{
	u32 i = fib_rule_home(t, addr, plen1);

	while (t->rules.plen1[i])
		i = fib_rule_next(t, i);
	t->rules.addr[i] = addr;
	t->rules.plen1[i] = plen1;
	t->rules.leaf[i] = leaf;
}

static int fib_rules_resize(struct mw_fib_table *t, u32 size)
{
	typeof(t->rules) old = t->rules;
	u8 *p = kvzalloc(size * (sizeof(void *) + sizeof(u32) + 1), t->gfp);
	u32 i;

	if (!p)
		return -ENOMEM;
	t->rules.leaf = (void **)p;
	t->rules.addr = (u32 *)(p + size * sizeof(void *));
	t->rules.plen1 = p + size * (sizeof(void *) + sizeof(u32));
	t->rules.size = size;
	for (i = 0; i < old.size; i++)
		if (old.plen1[i])
			fib_rule_put(t, old.addr[i], old.plen1[i],
				     old.leaf[i]);
	kvfree(old.leaf);
	t->mem -= (size_t)old.size * (sizeof(void *) + sizeof(u32) + 1);
	t->mem += (size_t)size * (sizeof(void *) + sizeof(u32) + 1);
	return 0;
}

/* Backward-shift deletion: no tombstones, probes stay short. */
static void fib_rule_del(struct mw_fib_table *t, u32 hole)
{
	u32 i, home;

	for (i = fib_rule_next(t, hole); t->rules.plen1[i];
	     i = fib_rule_next(t, i)) {
		home = fib_rule_home(t, t->rules.addr[i],
				     t->rules.plen1[i]);
		/* Can the entry at i move back to the hole? */
		if (hole <= i ? home > hole && home <= i :
				home > hole || home <= i)
			continue;
		t->rules.addr[hole] = t->rules.addr[i];
		t->rules.plen1[hole] = t->rules.plen1[i];
		t->rules.leaf[hole] = t->rules.leaf[i];
		hole = i;
	}
	t->rules.plen1[hole] = 0;
	t->rules.leaf[hole] = NULL;
}

/* The API ---------------------------------------------------------------- */

struct mw_fib *mw_fib_create(gfp_t gfp)
{
	struct mw_fib_table *t = kvzalloc(sizeof(*t), gfp);
	u32 d;

	/* A whole node is a node of one run, in the 32 bytes it had before. */
	BUILD_BUG_ON(offsetof(struct fib_whole, entry) !=
		     offsetof(struct mw_fib_node, entry));
	BUILD_BUG_ON(offsetof(struct fib_whole, plen1) !=
		     offsetof(struct mw_fib_node, entry[1]));
	BUILD_BUG_ON(sizeof(struct fib_whole) > 32);
	if (!t)
		return NULL;
	t->gfp = gfp;
	for (d = 0; d < FIB_DIR_SIZE; d++)
		t->fib.dir[d] = FIB_EMPTY_CHUNK;
	t->mem = sizeof(*t);
	return &t->fib;
}

/* A node and its children, in a table that no reader can reach. */
static void fib_free_node(struct mw_fib_node *n)
{
	unsigned int j, nr = fib_nr(n);

	for (j = 0; j < nr; j++)
		if (n->entry[j] & FIB_NODE_TAG)
			fib_free_node(fib_child(n->entry[j]));
	kfree(n);
}

/* Does a prefix of length @len own a whole node (kept in the rules)? */
static inline bool fib_has_whole(unsigned int len)
{
	return len <= FIB_TOP_BITS;
}

/* The leaf of rule @i. */
static void *fib_rule_leaf(const struct mw_fib_table *t, u32 i)
{
	void *p = t->rules.leaf[i];

	return fib_has_whole(t->rules.plen1[i] - 1) ?
	       fib_whole_leaf((unsigned long)p) : p;
}

/*
 * No lookup can reach the table any more (fib.h): everything is freed at
 * once. What earlier changes retired is in their batches, which the table
 * does not hold: their callbacks free it, before or after this.
 */
void mw_fib_destroy(struct mw_fib *fib)
{
	struct mw_fib_table *t;
	unsigned long e, *c;
	u32 d, j;

	if (!fib)
		return;
	t = fib_table(fib);
	for (d = 0; d < FIB_DIR_SIZE; d++) {
		if (!fib_is_chunk(t->fib.dir[d]))
			continue;
		c = fib_chunk(t->fib.dir[d]);
		for (j = 0; j < FIB_CHUNK_SIZE; j++) {
			e = c[j];
			if (fib_is_node(e, t->chunk_plen1[d][j]))
				fib_free_node((struct mw_fib_node *)e);
		}
		kfree(c);
		kfree(t->chunk_plen1[d]);
		cond_resched();
	}
	for (j = 0; j < t->rules.size; j++)
		if (t->rules.plen1[j] && fib_has_whole(t->rules.plen1[j] - 1))
			kfree(t->rules.leaf[j]);
	kvfree(t->rules.leaf);
	kvfree(t->fresh.p);
	kvfree(t->stale.p);
	kvfree(t->pending);
	kvfree(t);
}

static bool fib_valid(u32 addr, u8 plen, const void *leaf)
{
	return plen <= 32 && !(addr & ~fib_mask(plen)) && leaf &&
	       !((unsigned long)leaf & FIB_NODE_TAG);
}

int mw_fib_insert(struct mw_fib *fib, __be32 prefix, u8 plen, void *leaf)
{
	struct mw_fib_table *t = fib_table(fib);
	u32 addr = be32_to_cpu(prefix);
	struct mw_fib_op op = {
		.key = (u64)addr << 4,
		.len = plen,
		.insert = true,
		.leaf = leaf,
		.plen1 = plen + 1,
	};
	struct mw_fib_node *whole = NULL;
	int err;

	if (!fib_valid(addr, plen, leaf))
		return -EINVAL;
	if (fib_rule_find(t, addr, plen) >= 0)
		return -EEXIST;
	/* Room for one more at most 80% full, before changing anything. */
	if ((u64)(t->count + 1) * 5 > (u64)t->rules.size * 4) {
		err = fib_rules_resize(t, max_t(u32, FIB_RULES_MIN,
						(t->count + 1) * 2));
		if (err)
			return err;
	}
	fib_begin(t);
	if (fib_has_whole(plen)) {
		/* Freed with the change's new nodes if it fails. */
		whole = fib_new_block(t, sizeof(struct fib_whole));
		if (!whole)
			goto fail;
		whole->leafvec = 1;
		whole->entry[0] = (unsigned long)leaf;
		fib_plen1s(whole)[0] = plen + 1;
		op.whole = (unsigned long)whole;
	}
	err = fib_apply(t, &op);
	if (err)
		return err;
	fib_rule_put(t, addr, plen + 1, whole ? (void *)whole : leaf);
	t->count++;
	t->n_len[plen]++;
	return 0;
fail:
	fib_rollback(t);
	return -ENOMEM;
}

int mw_fib_replace(struct mw_fib *fib, __be32 prefix, u8 plen, void *leaf,
		   void **old)
{
	struct mw_fib_table *t = fib_table(fib);
	u32 addr = be32_to_cpu(prefix);
	struct mw_fib_op op = {
		.key = (u64)addr << 4,
		.len = plen,
		.leaf = leaf,
		.plen1 = plen + 1,
	};
	struct mw_fib_node *whole;
	s64 i;

	if (!fib_valid(addr, plen, leaf))
		return -EINVAL;
	i = fib_rule_find(t, addr, plen);
	if (i < 0)
		return -ENOENT;
	if (old)
		*old = fib_rule_leaf(t, i);
	if (!fib_has_whole(plen)) {
		fib_write(t, &op);
		t->rules.leaf[i] = leaf;
		return 0;
	}
	whole = t->rules.leaf[i];
	op.whole = (unsigned long)whole;
	fib_write(t, &op);
	/* One store for all the /18 that the prefix covers alone. */
	smp_store_release(&whole->entry[0], (unsigned long)leaf);
	return 0;
}

void *mw_fib_remove(struct mw_fib *fib, __be32 prefix, u8 plen)
{
	struct mw_fib_table *t = fib_table(fib);
	u32 addr = be32_to_cpu(prefix);
	struct mw_fib_op op = {
		.key = (u64)addr << 4,
		.len = plen,
		.whole = FIB_EMPTY,
	};
	struct fib_whole *whole = NULL;
	void *leaf;
	s64 i, c;
	int len;

	if (plen > 32 || (addr & ~fib_mask(plen)))
		return NULL;
	i = fib_rule_find(t, addr, plen);
	if (i < 0)
		return NULL;
	leaf = fib_rule_leaf(t, i);
	if (fib_has_whole(plen))
		whole = t->rules.leaf[i];

	/* Its addresses go to the longest shorter prefix that covers it. */
	for (len = plen - 1; len >= 0; len--) {
		if (!t->n_len[len])
			continue;
		c = fib_rule_find(t, addr & fib_mask(len), len);
		if (c >= 0) {
			op.leaf = fib_rule_leaf(t, c);
			op.plen1 = len + 1;
			/* It is shorter: it has one if the prefix had. */
			op.whole = fib_has_whole(len) ?
				   (unsigned long)t->rules.leaf[c] : 0;
			break;
		}
	}
	fib_begin(t);
	/* Without memory for the change or its retire batch: in place. */
	if (fib_apply(t, &op))
		fib_write(t, &op);
	/*
	 * No chunk entry points to it any more, and the rule goes below: its
	 * rcu_head may overwrite the run's length. Retiring it allocates
	 * nothing, so this cannot fail either.
	 */
	if (whole) {
		t->mem -= kmalloc_size_roundup(sizeof(*whole));
		call_rcu(&whole->rcu, fib_whole_free);
	}

	fib_rule_del(t, i);
	t->count--;
	t->n_len[plen]--;
	/* Shrink below 20% full; keeping the larger table is fine too. */
	if (t->rules.size > FIB_RULES_MIN &&
	    (u64)t->count * 5 < t->rules.size)
		fib_rules_resize(t, max_t(u32, FIB_RULES_MIN, t->count * 2));
	return leaf;
}

void *mw_fib_get(const struct mw_fib *fib, __be32 prefix, u8 plen)
{
	const struct mw_fib_table *t = fib_table(fib);
	u32 addr = be32_to_cpu(prefix);
	s64 i;

	if (plen > 32)
		return NULL;
	i = fib_rule_find(t, addr, plen);
	return i < 0 ? NULL : fib_rule_leaf(t, i);
}

unsigned int mw_fib_count(const struct mw_fib *fib)
{
	return fib_table(fib)->count;
}

size_t mw_fib_mem(const struct mw_fib *fib)
{
	return fib_table(fib)->mem;
}
