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
 *   allocations (kcompat_allocs, for leak checks) and can make them fail
 *   (kcompat_fail_after(), to test error paths).
 * - RCU: readers (rcu_read_lock()) cost nothing and block nothing.
 *   kvfree_rcu_mightsleep() frees at once, which is right while readers and
 *   the updater are one thread, the normal case of tests and benchmarks. A
 *   test that runs readers in other threads calls kcompat_rcu_defer(true):
 *   frees then wait until kcompat_rcu_quiesce(), which the test calls only
 *   when no reader runs (its "grace period"). Only one thread may update.
 * - Barriers: READ_ONCE() is a volatile load; smp_store_release() a C11
 *   release store. Address dependencies order the rest, as in the kernel.
 * - WARN_ON() prints and counts (kcompat_warnings); sleeping is a no-op.
 *
 * The variables are weak definitions so that the header alone is enough:
 * every object file shares one copy.
 */
#ifndef _KCOMPAT_H
#define _KCOMPAT_H

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
#define ALIGN(x, a)	(((x) + (a) - 1) & ~((typeof(x))(a) - 1))
#define max_t(type, a, b) ((type)(a) > (type)(b) ? (type)(a) : (type)(b))
#define min_t(type, a, b) ((type)(a) < (type)(b) ? (type)(a) : (type)(b))
#define BIT(n)		(1UL << (n))
#ifndef container_of
#define container_of(ptr, type, member) \
	((type *)((char *)(ptr) - offsetof(type, member)))
#endif
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

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
__weak_shared long kcompat_fail_countdown = -1;	/* < 0: never fail */

/* Let @n more allocations succeed, then fail all; n < 0: never fail. */
static inline void kcompat_fail_after(long n)
{
	kcompat_fail_countdown = n;
}

static inline void kcompat_free(const void *p)
{
	if (p) {
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
__weak_shared int kcompat_rcu_deferring;
__weak_shared void **kcompat_rcu_queue;
__weak_shared size_t kcompat_rcu_queued, kcompat_rcu_cap;

static inline void rcu_read_lock(void) { }
static inline void rcu_read_unlock(void) { }

/* Run the frees queued since the last call: no reader may be running. */
static inline void kcompat_rcu_quiesce(void)
{
	size_t i;

	for (i = 0; i < kcompat_rcu_queued; i++)
		kcompat_free(kcompat_rcu_queue[i]);
	kcompat_rcu_queued = 0;
}

/* Queue frees until kcompat_rcu_quiesce() (true) or free at once (false). */
static inline void kcompat_rcu_defer(int on)
{
	if (!on)
		kcompat_rcu_quiesce();
	kcompat_rcu_deferring = on;
}

static inline void kcompat_kvfree_rcu(void *p)
{
	if (!p)
		return;
	if (!kcompat_rcu_deferring) {
		kcompat_free(p);
		return;
	}
	if (kcompat_rcu_queued == kcompat_rcu_cap) {
		size_t cap = kcompat_rcu_cap ? kcompat_rcu_cap * 2 : 1024;
		void **q = realloc(kcompat_rcu_queue, cap * sizeof(*q));

		if (!q) {	/* the kernel would synchronize_rcu() */
			fprintf(stderr, "kcompat: out of memory\n");
			abort();
		}
		kcompat_rcu_queue = q;
		kcompat_rcu_cap = cap;
	}
	kcompat_rcu_queue[kcompat_rcu_queued++] = p;
}

#define kvfree_rcu_mightsleep(p)	kcompat_kvfree_rcu(p)
#define kfree_rcu_mightsleep(p)		kcompat_kvfree_rcu(p)

#endif /* _KCOMPAT_H */
