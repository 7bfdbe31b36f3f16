/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kcompat: just enough of the kernel's API, in userspace, for the parts of
 * the module that are plain data structures (kmod/fib.c) to compile
 * unmodified with gcc, for unit tests and benchmarks. Put this directory
 * first on the include path: <linux/slab.h> and friends then come here.
 *
 * What differs from the kernel:
 * - Memory: kmalloc() and kvmalloc() are aligned_alloc() of the kmalloc()
 *   size class, aligned as the kernel aligns it. The shim counts live
 *   allocations (kcompat_allocs, for leak checks) and attempts
 *   (kcompat_alloc_calls), can make them fail (kcompat_fail_after(), to test
 *   error paths) and fill freed memory with 0x6b (kcompat_poison, as the
 *   kernel's slub_debug=P), so that a reader of freed memory sees garbage.
 * - RCU: a real, simple grace period. rcu_read_lock() publishes, per thread,
 *   the grace period it began in; kcompat_synchronize_rcu() starts a new one
 *   and waits until no thread is still in a read-side section that began
 *   before. call_rcu() queues its callback; kcompat_rcu_barrier() runs all
 *   those queued, after a grace period, and call_rcu() does it by itself
 *   every kcompat_rcu_batch callbacks (1000) unless its thread is inside
 *   rcu_read_lock(). So callbacks run in the updater's thread, some time
 *   after call_rcu(), and never while a reader that could see the object
 *   runs. Only one thread may call call_rcu() and kcompat_rcu_barrier() at a
 *   time. There is no synchronize_rcu() nor kvfree_rcu_mightsleep(): the
 *   table must not wait for grace periods, so they do not compile.
 * - Barriers: READ_ONCE() is a volatile load; smp_store_release() a C11
 *   release store. Address dependencies order the rest, as in the kernel.
 * - WARN_ON() prints and counts (kcompat_warnings); sleeping is a no-op.
 *
 * The variables are weak definitions so that the header alone is enough:
 * every object file shares one copy.
 */
#ifndef _KCOMPAT_H
#define _KCOMPAT_H

#include <malloc.h>
#include <sched.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <linux/types.h>

#define __weak_shared	__attribute__((weak))

/* Compiler */
#ifndef likely
#define likely(x)	__builtin_expect(!!(x), 1)
#define unlikely(x)	__builtin_expect(!!(x), 0)
#endif
#define READ_ONCE(x)	(*(const volatile typeof(x) *)&(x))
#define WRITE_ONCE(x, val) \
	do { *(volatile typeof(x) *)&(x) = (val); } while (0)
#define smp_store_release(p, v)	__atomic_store_n(p, v, __ATOMIC_RELEASE)
#define smp_load_acquire(p)	__atomic_load_n(p, __ATOMIC_ACQUIRE)

/* Arithmetic */
/* The size of *@p with @count elements of its flexible array @member. */
#define struct_size(p, member, count) \
	(sizeof(*(p)) + sizeof(*(p)->member) * (size_t)(count))
#define ALIGN(x, a)	(((x) + (a) - 1) & ~((typeof(x))(a) - 1))
#define max_t(type, a, b) ((type)(a) > (type)(b) ? (type)(a) : (type)(b))
#define min_t(type, a, b) ((type)(a) < (type)(b) ? (type)(a) : (type)(b))
#define BIT(n)		(1UL << (n))
#ifndef container_of
#define container_of(ptr, type, member) \
	((type *)((char *)(ptr) - offsetof(type, member)))
#endif
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define BUILD_BUG_ON(cond)	_Static_assert(!(cond), #cond)

/* unsigned long, as the kernel's on x86-64 (__arch_hweight64()) */
static inline unsigned long hweight64(u64 w)
{
	return __builtin_popcountll(w);
}

/* Diagnostics and scheduling */
__weak_shared unsigned long kcompat_warnings;

#define WARN_ON(cond) ({						\
	int __c = !!(cond);						\
	if (unlikely(__c)) {						\
		kcompat_warnings++;					\
		fprintf(stderr, "WARNING: %s:%d: %s\n",			\
			__FILE__, __LINE__, #cond);			\
	}								\
	__c;								\
})
#define might_sleep()	do { } while (0)
#define cond_resched()	do { } while (0)

/* Memory */
#define GFP_KERNEL		0x1u
#define GFP_KERNEL_ACCOUNT	0x3u
#define __GFP_ZERO		0x100u

__weak_shared long kcompat_allocs;		/* live allocations */
__weak_shared long kcompat_alloc_calls;		/* attempts, failed ones too */
__weak_shared long kcompat_fail_countdown = -1;	/* < 0: never fail */
__weak_shared int kcompat_poison;		/* fill freed memory */

/* Let @n more allocations succeed, then fail all; n < 0: never fail. */
static inline void kcompat_fail_after(long n)
{
	kcompat_fail_countdown = n;
}

static inline void kcompat_free(const void *p)
{
	if (p) {
		if (kcompat_poison)
			memset((void *)p, 0x6b, malloc_usable_size((void *)p));
		kcompat_allocs--;
		free((void *)p);
	}
}

/* The size classes of SLUB's kmalloc caches, for honest accounting. */
static inline size_t kmalloc_size_roundup(size_t size)
{
	size_t c;

	if (size <= 8)
		return 8;
	if (size > 64 && size <= 96)
		return 96;
	if (size > 128 && size <= 192)
		return 192;
	if (size > 8192)
		return ALIGN(size, (size_t)4096);
	for (c = 16; c < size; c <<= 1)
		;
	return c;
}

/*
 * Like the kernel's kmalloc(), which takes an object of its size class and,
 * for power-of-two classes, aligns it to its size (since Linux 5.4): the
 * benchmark then sees the cache-line layout the module gets.
 */
static inline void *kcompat_alloc(size_t size, gfp_t gfp)
{
	size_t c = kmalloc_size_roundup(size), align = 16;
	void *p;

	kcompat_alloc_calls++;
	if (kcompat_fail_countdown == 0)
		return NULL;
	if (kcompat_fail_countdown > 0)
		kcompat_fail_countdown--;
	if (c <= 4096)
		align = c == 96 ? 32 : c == 192 ? 64 : c;
	p = aligned_alloc(align, ALIGN(c, align));
	if (!p)
		return NULL;
	if (gfp & __GFP_ZERO)
		memset(p, 0, c);
	kcompat_allocs++;
	return p;
}

static inline void *kcompat_alloc_array(size_t n, size_t size, gfp_t gfp)
{
	if (size && n > (size_t)-1 / size)
		return NULL;
	return kcompat_alloc(n * size, gfp);
}

#define kmalloc(size, gfp)		kcompat_alloc(size, gfp)
#define kzalloc(size, gfp)		kcompat_alloc(size, (gfp) | __GFP_ZERO)
#define kvmalloc(size, gfp)		kcompat_alloc(size, gfp)
#define kvzalloc(size, gfp)		kcompat_alloc(size, (gfp) | __GFP_ZERO)
#define kmalloc_array(n, size, gfp)	kcompat_alloc_array(n, size, gfp)
#define kvmalloc_array(n, size, gfp)	kcompat_alloc_array(n, size, gfp)
#define kcalloc(n, size, gfp)	kcompat_alloc_array(n, size, (gfp) | __GFP_ZERO)
#define kvcalloc(n, size, gfp)	kcompat_alloc_array(n, size, (gfp) | __GFP_ZERO)
#define kfree(p)			kcompat_free(p)
#define kvfree(p)			kcompat_free(p)

/* RCU */
struct rcu_head {
	struct rcu_head *next;
	void (*func)(struct rcu_head *head);
};

typedef void (*rcu_callback_t)(struct rcu_head *head);

#define KCOMPAT_RCU_READERS	64	/* threads that ever read */

/* Callbacks queued that make call_rcu() run a grace period and them. */
__weak_shared long kcompat_rcu_batch = 1000;

/* Grace periods started, + 1: what a reader's section begins in. */
__weak_shared unsigned long kcompat_rcu_gp = 1;
/* Per reader thread: the grace period its section began in; 0: none. */
__weak_shared unsigned long kcompat_rcu_reader[KCOMPAT_RCU_READERS];
__weak_shared int kcompat_rcu_readers;
__weak_shared __thread int kcompat_rcu_self = -1;
__weak_shared __thread int kcompat_rcu_nesting;
/* Callbacks waiting for a grace period, newest first. */
__weak_shared struct rcu_head *kcompat_rcu_cbs;
__weak_shared long kcompat_rcu_pending;

static inline void rcu_read_lock(void)
{
	int self = kcompat_rcu_self;

	if (kcompat_rcu_nesting++)
		return;
	if (self < 0) {
		self = __atomic_fetch_add(&kcompat_rcu_readers, 1,
					  __ATOMIC_SEQ_CST);
		if (self >= KCOMPAT_RCU_READERS) {
			fprintf(stderr, "kcompat: too many RCU readers\n");
			abort();
		}
		kcompat_rcu_self = self;
	}
	__atomic_store_n(&kcompat_rcu_reader[self],
			 __atomic_load_n(&kcompat_rcu_gp, __ATOMIC_SEQ_CST),
			 __ATOMIC_SEQ_CST);
	/*
	 * The section's loads come after: a grace period that does not see
	 * it yet started after the stores that unpublished what it could
	 * have found (both sides have a full barrier between their store and
	 * their load), so it finds the new pointers.
	 */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
}

static inline void rcu_read_unlock(void)
{
	if (--kcompat_rcu_nesting)
		return;
	/* Release: the section's loads are done before it is seen ended. */
	__atomic_store_n(&kcompat_rcu_reader[kcompat_rcu_self], 0,
			 __ATOMIC_RELEASE);
}

/* Wait until every read-side section that began before has ended. */
static inline void kcompat_synchronize_rcu(void)
{
	unsigned long gp, v;
	int i, n;

	if (kcompat_rcu_nesting) {
		fprintf(stderr, "kcompat: grace period inside rcu_read_lock()\n");
		abort();
	}
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	gp = __atomic_add_fetch(&kcompat_rcu_gp, 1, __ATOMIC_SEQ_CST);
	n = __atomic_load_n(&kcompat_rcu_readers, __ATOMIC_SEQ_CST);
	if (n > KCOMPAT_RCU_READERS)
		n = KCOMPAT_RCU_READERS;
	for (i = 0; i < n; i++) {
		/* Out of its section, or in one that began after gp. */
		while ((v = __atomic_load_n(&kcompat_rcu_reader[i],
					    __ATOMIC_SEQ_CST)) && v < gp)
			sched_yield();
	}
}

/* Run every callback queued so far (and those they queue), after a GP. */
static inline void kcompat_rcu_barrier(void)
{
	struct rcu_head *h, *next;

	while (kcompat_rcu_cbs) {
		h = kcompat_rcu_cbs;
		kcompat_rcu_cbs = NULL;
		kcompat_synchronize_rcu();
		for (; h; h = next) {
			next = h->next;
			kcompat_rcu_pending--;
			h->func(h);
		}
	}
}

static inline void call_rcu(struct rcu_head *head, rcu_callback_t func)
{
	head->func = func;
	head->next = kcompat_rcu_cbs;
	kcompat_rcu_cbs = head;
	if (++kcompat_rcu_pending >= kcompat_rcu_batch && !kcompat_rcu_nesting)
		kcompat_rcu_barrier();
}

#endif /* _KCOMPAT_H */
