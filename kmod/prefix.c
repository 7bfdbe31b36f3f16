// SPDX-License-Identifier: GPL-2.0
/*
 * Prefixes, their next-hop sets and their publication in the routers'
 * forwarding tables: see prefix.h.
 */
#include <linux/inetdevice.h>
#include <linux/rhashtable.h>
#include <linux/slab.h>
#include <linux/workqueue.h>

#include "midway.h"
#include "prefix.h"

static const struct rhashtable_params mw_prefix_params = {
	.key_len		= sizeof(struct mw_prefix_key),
	.key_offset		= offsetof(struct mw_prefix, key),
	.head_offset		= offsetof(struct mw_prefix, node),
	.automatic_shrinking	= true,
};

int mw_prefixes_init(struct mw_net *mn)
{
	return rhashtable_init(&mn->prefixes, &mw_prefix_params);
}

void mw_prefixes_destroy(struct mw_net *mn)
{
	rhashtable_destroy(&mn->prefixes);
}

static int mw_member_index(const struct mw_nhgroup *g,
			   const struct mw_route *rt)
{
	int i;

	for (i = 0; i < g->n_members; i++)
		if (g->members[i] == rt)
			return i;
	return -1;
}

/*
 * Give @g's buckets to its members. When members only left since the
 * previous group @old, every bucket keeps its member if it can
 * (mw_ecmp_fill()); when one joined, the group is laid out afresh.
 */
static void mw_nhgroup_fill(struct mw_nhgroup *g, const struct mw_nhgroup *old)
{
	s8 owner[MW_ECMP_BUCKETS];	/* a member index, or -1 */
	unsigned int n = g->n_members, b, m;

	/* One member (the common case, and every route install): no buckets. */
	if (n == 1)
		return;
	for (m = 0; old && m < n; m++)
		if (mw_member_index(old, g->members[m]) < 0)
			old = NULL;	/* a member joined */
	for (b = 0; old && b < MW_ECMP_BUCKETS; b++)
		owner[b] = mw_member_index(g, mw_group_member(old, b));
	mw_ecmp_fill(g->buckets, n, old ? owner : NULL);
}

static const struct mw_nhgroup *mw_nhset_find(const struct mw_nhset *set,
					      __be32 src, u8 src_len)
{
	u32 i;

	for (i = 0; set && i < set->n_groups; i++)
		if (set->groups[i].src == src && set->groups[i].src_len == src_len)
			return &set->groups[i];
	return NULL;
}

/* A group while the set is built: every member it may have. */
struct mw_nhgroup_draft {
	__be32 src;
	u8 src_len;
	u16 n_members;
	u32 weight;
	struct mw_route *members[MW_ECMP_MAX];
};

/* Gather @pfx's active routes into @d (room for @max), one per source. */
static u32 mw_nhset_draft(struct mw_prefix *pfx, struct mw_nhgroup_draft *d,
			  u32 max)
{
	struct mw_nhgroup_draft tmp;
	struct mw_route *rt;
	u32 n = 0, i, j;

	list_for_each_entry(rt, &pfx->routes, prefix_node) {
		if (!mw_route_usable(rt))
			continue;
		for (i = 0; i < n; i++)
			if (d[i].src == rt->key.src &&
			    d[i].src_len == rt->key.src_len)
				break;
		if (i == n) {
			if (n == max)
				continue;	/* more source prefixes than we keep */
			d[n].src = rt->key.src;
			d[n].src_len = rt->key.src_len;
			d[n].weight = rt->weight;
			d[n++].n_members = 0;
		}
		if (rt->weight < d[i].weight) {
			d[i].weight = rt->weight;
			d[i].n_members = 0;
		}
		if (rt->weight == d[i].weight && d[i].n_members < MW_ECMP_MAX)
			d[i].members[d[i].n_members++] = rt;
	}

	/* Longest source prefix first (insertion sort: there are few). */
	for (i = 1; i < n; i++) {
		tmp = d[i];
		for (j = i; j > 0 && d[j - 1].src_len < tmp.src_len; j--)
			d[j] = d[j - 1];
		d[j] = tmp;
	}
	return n;
}

/* Fill @g for source @src/@len with @n members (copied to @members). */
static void mw_nhgroup_init(struct mw_nhgroup *g, __be32 src, u8 len,
			    struct mw_route **members, struct mw_route *const *from,
			    u16 n)
{
	g->src = src;
	g->src_len = len;
	g->src_mask = inet_make_mask(len);
	g->n_members = n;
	g->members = members;
	memcpy(members, from, n * sizeof(*members));
}

/*
 * The next-hop set of a prefix whose only active route is @rt: every route
 * install. The general case below would give the same, after allocating a
 * draft of 64 members per source.
 */
static struct mw_nhset *mw_nhset_one(struct mw_route *rt)
{
	struct mw_nhset *set;

	set = kzalloc(struct_size(set, groups, 1) + sizeof(rt), GFP_KERNEL);
	if (!set)
		return ERR_PTR(-ENOMEM);
	set->n_groups = 1;
	mw_nhgroup_init(&set->groups[0], rt->key.src, rt->key.src_len,
			(struct mw_route **)&set->groups[1], &rt, 1);
	return set;
}

/*
 * The next-hop set of @pfx's usable routes (mw_route_usable()), NULL when
 * none is, or an ERR_PTR. @old is the set published now, for resilience.
 */
static struct mw_nhset *mw_nhset_build(struct mw_prefix *pfx,
				       const struct mw_nhset *old)
{
	size_t size, n_members = 0, n_buckets = 0;
	struct mw_route **members, *only = NULL;
	struct mw_nhgroup_draft *d;
	struct mw_nhgroup *g;
	struct mw_nhset *set;
	struct mw_route *rt;
	u32 n = 0, i;
	u8 *buckets;

	list_for_each_entry(rt, &pfx->routes, prefix_node) {
		if (mw_route_usable(rt)) {
			only = rt;
			n++;
		}
	}
	if (!n)
		return NULL;
	if (n == 1)	/* every route install: no draft */
		return mw_nhset_one(only);

	n = min_t(u32, n, MW_ECMP_MAX);
	d = kmalloc_array(n, sizeof(*d), GFP_KERNEL);
	if (!d)
		return ERR_PTR(-ENOMEM);
	n = mw_nhset_draft(pfx, d, n);

	for (i = 0; i < n; i++) {
		n_members += d[i].n_members;
		n_buckets += d[i].n_members > 1 ? MW_ECMP_BUCKETS : 0;
	}
	size = struct_size(set, groups, n) + n_members * sizeof(*members) +
	       n_buckets;
	set = kzalloc(size, GFP_KERNEL);
	if (!set) {
		set = ERR_PTR(-ENOMEM);
		goto out;
	}
	set->n_groups = n;
	members = (struct mw_route **)&set->groups[n];
	buckets = (u8 *)(members + n_members);
	for (i = 0; i < n; i++) {
		g = &set->groups[i];
		mw_nhgroup_init(g, d[i].src, d[i].src_len, members,
				d[i].members, d[i].n_members);
		members += g->n_members;
		if (g->n_members > 1) {
			g->buckets = buckets;
			buckets += MW_ECMP_BUCKETS;
		}
		mw_nhgroup_fill(g, mw_nhset_find(old, g->src, g->src_len));
	}
out:
	kfree(d);
	return set;
}

/* Whether @set has no group for every source: @pfx needs a fallback. */
static bool mw_nhset_partial(const struct mw_nhset *set)
{
	return set && set->groups[set->n_groups - 1].src_len;
}

/* Point @pfx at the longest shorter prefix of its router's table. */
static void mw_prefix_set_fallback(struct mw_prefix *pfx)
{
	struct mw_fib *fib = pfx->key.router->fib;
	struct mw_prefix *f = NULL;
	int len;

	for (len = pfx->key.len - 1; len >= 0 && !f; len--)
		f = mw_fib_get(fib, pfx->key.dst & inet_make_mask(len), len);
	rcu_assign_pointer(pfx->fallback, f);
}

/*
 * @pfx's place in the table changed (it came or went): the partial prefixes
 * under it may have a new fallback. Partial prefixes are rare (routes with
 * a source prefix, and none without); a router keeps them on a list.
 */
static void mw_prefix_fallbacks_update(struct mw_prefix *pfx)
{
	struct mw_router *r = pfx->key.router;
	struct mw_prefix *p;

	list_for_each_entry(p, &r->partial, partial_node)
		if (p != pfx && p->key.len > pfx->key.len &&
		    !((p->key.dst ^ pfx->key.dst) & inet_make_mask(pfx->key.len)))
			mw_prefix_set_fallback(p);
}

/* Build @pfx's next set from the usability of its routes now. */
static int mw_prefix_prepare(struct mw_prefix *pfx)
{
	const struct mw_nhset *old = NULL;
	struct mw_nhset *set;

	if (pfx->in_fib)
		old = mw_dereference(pfx->nhset, pfx->key.router->mn);
	set = mw_nhset_build(pfx, old);
	if (IS_ERR(set))
		return PTR_ERR(set);
	pfx->next = set;
	pfx->prepared = true;
	return 0;
}

static void mw_prefix_abort(struct mw_prefix *pfx)
{
	kfree(pfx->next);
	pfx->next = NULL;
	pfx->prepared = false;
}

/*
 * Publish the set mw_prefix_prepare() built, and put the prefix in or take
 * it out of the router's table. Fails only when the prefix must enter the
 * table and cannot: the prefix is then as it was.
 */
static int mw_prefix_commit(struct mw_prefix *pfx)
{
	struct mw_router *r = pfx->key.router;
	struct mw_nhset *old = mw_dereference(pfx->nhset, r->mn);
	struct mw_nhset *set = pfx->next;
	bool was_in = pfx->in_fib, active;
	struct mw_route *rt;
	int err;

	mw_assert_locked(r->mn);
	pfx->next = NULL;
	pfx->prepared = false;
	if (set) {
		/* The hops first: whoever finds the prefix finds them too. */
		rcu_assign_pointer(pfx->nhset, set);
		if (!pfx->in_fib) {
			err = mw_fib_insert(r->fib, pfx->key.dst, pfx->key.len, pfx);
			if (err) {
				/* Only a stale reader may have seen it. */
				rcu_assign_pointer(pfx->nhset, old);
				kfree_rcu(set, rcu);
				return err;
			}
			pfx->in_fib = true;
		}
		if (old)
			kfree_rcu(old, rcu);
	} else if (pfx->in_fib) {
		/* Its old set stays, for lookups that found it an instant ago. */
		mw_fib_remove(r->fib, pfx->key.dst, pfx->key.len);
		pfx->in_fib = false;
	}

	if (pfx->in_fib && mw_nhset_partial(set)) {
		if (list_empty(&pfx->partial_node))
			list_add(&pfx->partial_node, &r->partial);
		mw_prefix_set_fallback(pfx);
	} else if (!list_empty(&pfx->partial_node)) {
		list_del_init(&pfx->partial_node);
		RCU_INIT_POINTER(pfx->fallback, NULL);
	}
	if (was_in != pfx->in_fib && !list_empty(&r->partial))
		mw_prefix_fallbacks_update(pfx);

	/*
	 * What the table holds now. A route whose own request is changing it
	 * (or deleting it) has that request's event to say so.
	 */
	list_for_each_entry(rt, &pfx->routes, prefix_node) {
		active = mw_route_usable(rt);
		if (active == rt->active)
			continue;
		WRITE_ONCE(rt->active, active);
		if (!rt->quiet && !rt->dying)
			mw_notify(r->mn, MIDWAY_CMD_ROUTE_STATE, rt, NULL);
	}
	return 0;
}

/* Prepare and publish @pfx's next hops: 0, or an error and no change. */
static int mw_prefix_sync(struct mw_prefix *pfx)
{
	int err = mw_prefix_prepare(pfx);

	return err ?: mw_prefix_commit(pfx);
}

/* Retry @pfx later; the routes' ACTIVE flags still say what it holds. */
static void mw_prefix_resync_later(struct mw_net *mn, struct mw_prefix *pfx,
				   int err)
{
	net_warn_ratelimited("midway: cannot update %pI4/%u (%d), retrying\n",
			     &pfx->key.dst, pfx->key.len, err);
	if (list_empty(&pfx->resync_node))
		list_add_tail(&pfx->resync_node, &mn->resync);
	if (!mn->dying)
		mod_delayed_work(mw_wq, &mn->resync_work, HZ / 10);
}

void mw_prefix_refresh(struct mw_net *mn, struct mw_prefix *pfx)
{
	int err = mw_prefix_sync(pfx);

	if (err)
		mw_prefix_resync_later(mn, pfx, err);
	else if (!list_empty(&pfx->resync_node))
		list_del_init(&pfx->resync_node);
}

void mw_prefix_resync_work(struct work_struct *work)
{
	struct mw_net *mn = container_of(to_delayed_work(work), struct mw_net,
					 resync_work);
	struct mw_prefix *pfx, *tmp;
	LIST_HEAD(todo);
	int err;

	mw_lock(mn);
	list_splice_init(&mn->resync, &todo);
	list_for_each_entry_safe(pfx, tmp, &todo, resync_node) {
		list_del_init(&pfx->resync_node);
		err = mw_prefix_sync(pfx);
		if (err)
			mw_prefix_resync_later(mn, pfx, err);
	}
	mw_unlock(mn);
}

void mw_prefix_batch_begin(struct mw_prefix_batch *b)
{
	INIT_LIST_HEAD(&b->prefixes);
	b->err = 0;
}

void mw_prefix_batch_add(struct mw_prefix_batch *b, struct mw_prefix *pfx)
{
	if (b->err || pfx->prepared)
		return;
	b->err = mw_prefix_prepare(pfx);
	if (!b->err)
		list_add_tail(&pfx->batch_node, &b->prefixes);
}

int mw_prefix_batch_end(struct mw_net *mn, struct mw_prefix_batch *b)
{
	struct mw_prefix *pfx, *tmp;
	int err;

	list_for_each_entry_safe(pfx, tmp, &b->prefixes, batch_node) {
		list_del(&pfx->batch_node);
		if (b->err) {
			mw_prefix_abort(pfx);
			continue;
		}
		/* Routes only leave: a prefix enters the table only to resync. */
		err = mw_prefix_commit(pfx);
		if (err)
			mw_prefix_resync_later(mn, pfx, err);
	}
	return b->err;
}

int mw_prefix_add_route(struct mw_net *mn, struct mw_route *rt)
{
	struct mw_prefix_key key = {
		.router = rt->key.router,
		.dst = rt->key.dst,
		.len = rt->key.dst_len,
	};
	struct mw_prefix *pfx;
	bool fresh = false;
	int err;

	mw_assert_locked(mn);
	pfx = rhashtable_lookup_fast(&mn->prefixes, &key, mw_prefix_params);
	if (!pfx) {
		pfx = kzalloc(sizeof(*pfx), GFP_KERNEL);
		if (!pfx)
			return -ENOMEM;
		pfx->key = key;
		INIT_LIST_HEAD(&pfx->routes);
		INIT_LIST_HEAD(&pfx->partial_node);
		INIT_LIST_HEAD(&pfx->resync_node);
		err = rhashtable_insert_fast(&mn->prefixes, &pfx->node,
					     mw_prefix_params);
		if (err) {
			kfree(pfx);
			return err;
		}
		fresh = true;
	}
	list_add_tail(&rt->prefix_node, &pfx->routes);
	rt->prefix = pfx;
	err = mw_prefix_sync(pfx);
	if (err) {
		list_del(&rt->prefix_node);
		rt->prefix = NULL;
		if (fresh) {
			rhashtable_remove_fast(&mn->prefixes, &pfx->node,
					       mw_prefix_params);
			kfree_rcu(pfx, rcu);
		}
		return err;
	}
	/* A new usable route resyncs a prefix that was behind. */
	if (!list_empty(&pfx->resync_node))
		list_del_init(&pfx->resync_node);
	return 0;
}

int mw_prefix_move_route(struct mw_net *mn, struct mw_route *old,
			 struct mw_route *rt)
{
	struct mw_prefix *opfx = old->prefix;
	int err;

	mw_assert_locked(mn);
	if (opfx->key.dst == rt->key.dst && opfx->key.len == rt->key.dst_len) {
		/* One new set swaps them. */
		list_add(&rt->prefix_node, &old->prefix_node);
		rt->prefix = opfx;
		err = mw_prefix_sync(opfx);
		if (err) {
			list_del(&rt->prefix_node);
			rt->prefix = NULL;
			return err;
		}
		if (!list_empty(&opfx->resync_node))
			list_del_init(&opfx->resync_node);
		return 0;
	}

	/* Build the old prefix's set first: once the new one is out, no failing. */
	err = mw_prefix_prepare(opfx);
	if (err)
		return err;
	err = mw_prefix_add_route(mn, rt);
	if (err) {
		mw_prefix_abort(opfx);
		return err;
	}
	/* Routes only leave it: it enters the table only to resync. */
	err = mw_prefix_commit(opfx);
	if (err)
		mw_prefix_resync_later(mn, opfx, err);
	else if (!list_empty(&opfx->resync_node))
		list_del_init(&opfx->resync_node);
	return 0;
}

void mw_prefix_del_route(struct mw_net *mn, struct mw_route *rt)
{
	struct mw_prefix *pfx = rt->prefix;
	struct mw_nhset *set;

	mw_assert_locked(mn);
	list_del(&rt->prefix_node);
	if (!list_empty(&pfx->routes))
		return;
	/* No route: out of the table (its last change saw to it), freed. */
	WARN_ON_ONCE(pfx->in_fib || pfx->prepared);
	list_del(&pfx->resync_node);
	rhashtable_remove_fast(&mn->prefixes, &pfx->node, mw_prefix_params);
	set = mw_dereference(pfx->nhset, mn);
	if (set)
		kfree_rcu(set, rcu);
	kfree_rcu(pfx, rcu);
}

const struct mw_nhgroup *mw_prefix_group(const struct mw_prefix *pfx,
					 __be32 saddr)
{
	const struct mw_nhgroup *g;
	const struct mw_nhset *set;
	int depth;
	u32 i;

	/* Each fallback is shorter: at most 33 prefixes. */
	for (depth = 0; pfx && depth <= 32; depth++) {
		set = rcu_dereference(pfx->nhset);
		for (i = 0; set && i < set->n_groups; i++) {
			g = &set->groups[i];
			if ((saddr & g->src_mask) == g->src)
				return g;
		}
		pfx = rcu_dereference(pfx->fallback);
	}
	return NULL;
}
