// SPDX-License-Identifier: GPL-2.0
/*
 * Virtual routers: the container of ports and routes.
 */
#include <linux/slab.h>

#include "midway.h"

struct mw_router *mw_router_alloc(const uuid_t *id)
{
	struct mw_router *r = kzalloc(sizeof(*r), GFP_KERNEL);

	if (!r)
		return NULL;
	uuid_copy(&r->obj.id, id);
	r->admin_up = true;
	INIT_LIST_HEAD(&r->ports);
	INIT_LIST_HEAD(&r->routes);
	return r;
}

int mw_router_insert(struct mw_net *mn, struct mw_router *r,
		     struct netlink_ext_ack *extack)
{
	int err;

	mw_assert_locked(mn);
	err = mw_table_insert(&mn->routers, &r->obj, mw_max_routers);
	if (err == -ENOSPC)
		NL_SET_ERR_MSG(extack, "too many routers (module parameter max_routers)");
	else if (err == -EEXIST)
		NL_SET_ERR_MSG(extack, "a router with this id exists");
	return err;
}

/* A router's admin state gates its ports and their peers' state. */
void mw_router_set_admin(struct mw_net *mn, struct mw_router *r, bool up)
{
	struct mw_port *p, *peer;

	mw_assert_locked(mn);
	if (r->admin_up == up)
		return;
	WRITE_ONCE(r->admin_up, up);
	list_for_each_entry(p, &r->ports, router_node) {
		mw_port_refresh(mn, p);
		peer = mw_port_peer(p);
		if (peer)
			mw_port_refresh(mn, peer);
	}
}

void mw_router_destroy(struct mw_net *mn, struct mw_router *r,
		       struct genl_info *info)
{
	struct mw_route *rt, *rt_tmp;
	struct mw_port *p, *p_tmp;

	mw_assert_locked(mn);
	list_for_each_entry_safe(rt, rt_tmp, &r->routes, router_node)
		mw_route_destroy(mn, rt, NULL);
	list_for_each_entry_safe(p, p_tmp, &r->ports, router_node)
		mw_port_destroy(mn, p, NULL);

	mw_notify(mn, MIDWAY_CMD_ROUTER_DEL, r, info);
	mw_table_remove(&mn->routers, &r->obj);
	kfree_rcu(r, rcu);
}
