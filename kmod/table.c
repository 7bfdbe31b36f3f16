// SPDX-License-Identifier: GPL-2.0
/*
 * Object tables: an rhashtable gives lookups by id (also safe under RCU), an
 * allocating xarray gives each entry a stable index in creation order, which
 * is the cursor netlink dumps keep between messages.
 *
 * Writers are serialized by the instance lock; entries are freed by their
 * owner after a grace period.
 */
#include <linux/rhashtable.h>

#include "table.h"

static const struct rhashtable_params mw_table_params = {
	.key_len		= sizeof(uuid_t),
	.key_offset		= offsetof(struct mw_obj, id),
	.head_offset		= offsetof(struct mw_obj, node),
	.automatic_shrinking	= true,
};

int mw_table_init(struct mw_table *t)
{
	xa_init_flags(&t->order, XA_FLAGS_ALLOC);
	t->next_index = 0;
	t->count = 0;
	return rhashtable_init(&t->by_id, &mw_table_params);
}

/* The table must be empty: owners remove and free their entries first. */
void mw_table_destroy(struct mw_table *t)
{
	WARN_ON(t->count);
	rhashtable_destroy(&t->by_id);
	xa_destroy(&t->order);
}

struct mw_obj *mw_table_lookup(struct mw_table *t, const uuid_t *id)
{
	return rhashtable_lookup_fast(&t->by_id, id, mw_table_params);
}

/*
 * Add @o, whose id is set. Fails with -ENOSPC when the table holds @limit
 * entries, -EEXIST when the id is taken; the table is unchanged then.
 */
int mw_table_insert(struct mw_table *t, struct mw_obj *o, u32 limit)
{
	int err;

	if (t->count >= limit)
		return -ENOSPC;

	err = xa_alloc_cyclic(&t->order, &o->index, o, xa_limit_32b,
			      &t->next_index, GFP_KERNEL);
	if (err < 0)
		return err == -EBUSY ? -ENOSPC : err;

	err = rhashtable_lookup_insert_fast(&t->by_id, &o->node,
					    mw_table_params);
	if (err) {
		xa_erase(&t->order, o->index);
		return err;
	}
	t->count++;
	return 0;
}

void mw_table_remove(struct mw_table *t, struct mw_obj *o)
{
	rhashtable_remove_fast(&t->by_id, &o->node, mw_table_params);
	xa_erase(&t->order, o->index);
	t->count--;
}

/*
 * Put @o, with the same id, in the place of @old: lookups find one or the
 * other, dumps find @o where @old was. Allocates nothing, cannot fail.
 */
void mw_table_replace(struct mw_table *t, struct mw_obj *old,
		      struct mw_obj *o)
{
	o->index = old->index;
	WARN_ON_ONCE(rhashtable_replace_fast(&t->by_id, &old->node, &o->node,
					     mw_table_params));
	/* The index is taken: storing over it allocates nothing. */
	xa_store(&t->order, o->index, o, GFP_KERNEL);
}
