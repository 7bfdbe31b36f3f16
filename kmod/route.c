// SPDX-License-Identifier: GPL-2.0
/*
 * Routes: entries of a router's forwarding table. Each names its next hop
 * type and, for routes via a port, the egress port and optional gateway. A
 * route via a port is active (used for forwarding) only while that port is
 * operationally up; it stays configured either way.
 *
 * Identical routes (same router, prefixes, next hop) are refused; the
 * instance keeps them in a hash table keyed by struct mw_route_key so that
 * the check costs the same with one route or a million.
 */
#include <linux/rhashtable.h>
#include <linux/slab.h>

#include "midway.h"

static const struct rhashtable_params mw_route_key_params = {
	.key_len		= sizeof(struct mw_route_key),
	.key_offset		= offsetof(struct mw_route, key),
	.head_offset		= offsetof(struct mw_route, key_node),
	.automatic_shrinking	= true,
};

int mw_route_keys_init(struct mw_net *mn)
{
	return rhashtable_init(&mn->route_keys, &mw_route_key_params);
}

void mw_route_keys_destroy(struct mw_net *mn)
{
	rhashtable_destroy(&mn->route_keys);
}

/*
 * Called under mn->lock when the egress port's state may have changed: the
 * route's prefix follows, now or, without memory, later (prefix.h).
 */
void mw_route_refresh(struct mw_net *mn, struct mw_route *rt)
{
	if (mw_route_usable(rt) != rt->active)
		mw_prefix_refresh(mn, rt->prefix);
}

int mw_route_insert(struct mw_net *mn, struct mw_route *rt,
		    struct netlink_ext_ack *extack)
{
	struct mw_router *r = rt->key.router;
	struct mw_port *p = rt->key.port;
	int err;

	mw_assert_locked(mn);
	err = rhashtable_lookup_insert_fast(&mn->route_keys, &rt->key_node,
					    mw_route_key_params);
	if (err) {
		if (err == -EEXIST)
			NL_SET_ERR_MSG(extack, "an identical route exists");
		else
			NL_SET_ERR_MSG(extack, "out of memory");
		return err;
	}

	err = mw_table_insert(&mn->routes, &rt->obj, mw_max_routes);
	if (err) {
		rhashtable_remove_fast(&mn->route_keys, &rt->key_node,
				       mw_route_key_params);
		if (err == -ENOSPC)
			NL_SET_ERR_MSG(extack, "too many routes (module parameter max_routes)");
		else if (err == -EEXIST)
			NL_SET_ERR_MSG(extack, "a route with this id exists");
		else
			NL_SET_ERR_MSG(extack, "out of memory");
		return err;
	}

	/* Its ROUTE_NEW event carries its first ACTIVE. */
	rt->quiet = true;
	err = mw_prefix_add_route(mn, rt);
	rt->quiet = false;
	if (err) {
		NL_SET_ERR_MSG(extack, "cannot add the route to the forwarding table");
		mw_table_remove(&mn->routes, &rt->obj);
		rhashtable_remove_fast(&mn->route_keys, &rt->key_node,
				       mw_route_key_params);
		return err;
	}
	list_add_tail(&rt->router_node, &r->routes);
	r->n_routes++;
	if (p) {
		list_add_tail(&rt->port_node, &p->routes);
		p->n_routes++;
	}
	return 0;
}

/*
 * Mark the routes on @head (linked through the list_head at @node in struct
 * mw_route) dying and build their prefixes' next hops without them: all (0)
 * or none (an error, and the marks cleared).
 */
static int mw_routes_retire(struct mw_net *mn, struct list_head *head,
			    size_t node)
{
	struct mw_prefix_batch b;
	struct list_head *pos;
	int err;

#define mw_route_at(pos)	((struct mw_route *)((char *)(pos) - node))
	mw_assert_locked(mn);
	list_for_each(pos, head)
		mw_route_at(pos)->dying = true;
	mw_prefix_batch_begin(&b);
	list_for_each(pos, head)
		mw_prefix_batch_add(&b, mw_route_at(pos)->prefix);
	err = mw_prefix_batch_end(mn, &b);
	if (err)
		list_for_each(pos, head)
			mw_route_at(pos)->dying = false;
#undef mw_route_at
	return err;
}

int mw_router_retire_routes(struct mw_net *mn, struct mw_router *r)
{
	return mw_routes_retire(mn, &r->routes,
				offsetof(struct mw_route, router_node));
}

int mw_port_retire_routes(struct mw_net *mn, struct mw_port *p)
{
	return mw_routes_retire(mn, &p->routes,
				offsetof(struct mw_route, port_node));
}

/* Delete @rt, which no published next-hop set uses any more. */
void mw_route_release(struct mw_net *mn, struct mw_route *rt,
		      struct genl_info *info)
{
	struct mw_port *p = rt->key.port;

	mw_assert_locked(mn);
	mw_notify(mn, MIDWAY_CMD_ROUTE_DEL, rt, info);

	mw_prefix_del_route(mn, rt);
	rhashtable_remove_fast(&mn->route_keys, &rt->key_node,
			       mw_route_key_params);
	mw_table_remove(&mn->routes, &rt->obj);
	list_del(&rt->router_node);
	rt->key.router->n_routes--;
	if (p) {
		list_del(&rt->port_node);
		p->n_routes--;
	}
	kfree_rcu(rt, rcu);
}

int mw_route_destroy(struct mw_net *mn, struct mw_route *rt,
		     struct genl_info *info)
{
	struct mw_prefix_batch b;
	int err;

	mw_assert_locked(mn);
	rt->dying = true;
	mw_prefix_batch_begin(&b);
	mw_prefix_batch_add(&b, rt->prefix);
	err = mw_prefix_batch_end(mn, &b);
	if (err) {
		rt->dying = false;
		return err;
	}
	mw_route_release(mn, rt, info);
	return 0;
}

/*
 * Put @rt in the place of @old: the same id, the same place in dumps; the
 * caller filled in its key (same router) and weight. The forwarding table
 * goes from one to the other with no moment where neither is there (see
 * mw_prefix_move_route()). All or nothing: 0, or an error (-EEXIST for a
 * route identical to another one, -ENOMEM) and nothing changed. On success
 * @old is freed after a grace period; on failure the caller frees @rt.
 */
int mw_route_replace(struct mw_net *mn, struct mw_route *old,
		     struct mw_route *rt, struct netlink_ext_ack *extack)
{
	bool same_key = !memcmp(&old->key, &rt->key, sizeof(rt->key));
	struct mw_port *op = old->key.port, *p = rt->key.port;
	int err;

	mw_assert_locked(mn);
	if (!same_key) {
		err = rhashtable_lookup_insert_fast(&mn->route_keys,
						    &rt->key_node,
						    mw_route_key_params);
		if (err) {
			if (err == -EEXIST)
				NL_SET_ERR_MSG(extack, "an identical route exists");
			else
				NL_SET_ERR_MSG(extack, "out of memory");
			return err;
		}
	}

	old->dying = true;
	rt->quiet = true;
	err = mw_prefix_move_route(mn, old, rt);
	rt->quiet = false;
	if (err) {
		old->dying = false;
		if (!same_key)
			rhashtable_remove_fast(&mn->route_keys, &rt->key_node,
					       mw_route_key_params);
		NL_SET_ERR_MSG(extack, "cannot change the route in the forwarding table");
		return err;
	}

	/* Published; the rest cannot fail. */
	if (same_key)
		WARN_ON_ONCE(rhashtable_replace_fast(&mn->route_keys,
						     &old->key_node,
						     &rt->key_node,
						     mw_route_key_params));
	else
		rhashtable_remove_fast(&mn->route_keys, &old->key_node,
				       mw_route_key_params);
	mw_table_replace(&mn->routes, &old->obj, &rt->obj);
	list_replace(&old->router_node, &rt->router_node);
	if (op && op == p) {
		list_replace(&old->port_node, &rt->port_node);
	} else {
		if (op) {
			list_del(&old->port_node);
			op->n_routes--;
		}
		if (p) {
			list_add_tail(&rt->port_node, &p->routes);
			p->n_routes++;
		}
	}
	mw_prefix_del_route(mn, old);
	kfree_rcu(old, rcu);
	return 0;
}
