/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A table of objects keyed by 128-bit id, that also remembers the order in
 * which they were added so that a netlink dump can resume where it stopped.
 */
#ifndef _MW_TABLE_H
#define _MW_TABLE_H

#include <linux/rhashtable-types.h>
#include <linux/uuid.h>
#include <linux/xarray.h>

/* The header every table entry starts with. */
struct mw_obj {
	uuid_t id;
	struct rhash_head node;
	u32 index;		/* position in mw_table.order, creation order */
};

struct mw_table {
	struct rhashtable by_id;	/* id -> entry */
	struct xarray order;		/* index -> entry */
	u32 next_index;			/* cursor of xa_alloc_cyclic() */
	u32 count;
};

int mw_table_init(struct mw_table *t);
void mw_table_destroy(struct mw_table *t);
struct mw_obj *mw_table_lookup(struct mw_table *t, const uuid_t *id);
int mw_table_insert(struct mw_table *t, struct mw_obj *o, u32 limit);
void mw_table_remove(struct mw_table *t, struct mw_obj *o);
void mw_table_replace(struct mw_table *t, struct mw_obj *old,
		      struct mw_obj *o);

/* The first entry at or after @*index, or NULL; advances @*index to it. */
static inline struct mw_obj *mw_table_next(struct mw_table *t,
					   unsigned long *index)
{
	return xa_find(&t->order, index, ULONG_MAX, XA_PRESENT);
}

#endif /* _MW_TABLE_H */
