// SPDX-License-Identifier: GPL-2.0
/*
 * Virtual routers: the container of ports and routes.
 */
#include <linux/slab.h>
#include <linux/workqueue.h>

#include "fib.h"
#include "midway.h"

struct mw_router *mw_router_alloc(const uuid_t *id)
{
	struct mw_router *r = kzalloc(sizeof(*r), GFP_KERNEL);

	if (!r)
		return NULL;
	r->fib = mw_fib_create(GFP_KERNEL);
	if (!r->fib) {
		kfree(r);
		return NULL;
	}
	uuid_copy(&r->obj.id, id);
	r->admin_up = true;
	r->icmp_rate = MIDWAY_ICMP_RATE_DEFAULT;
	r->icmp_burst = MIDWAY_ICMP_BURST_DEFAULT;
	INIT_LIST_HEAD(&r->ports);
	INIT_LIST_HEAD(&r->routes);
	INIT_LIST_HEAD(&r->partial);
	return r;
}

int mw_router_insert(struct mw_net *mn, struct mw_router *r,
		     struct netlink_ext_ack *extack)
{
	int err;

	mw_assert_locked(mn);
	r->mn = mn;
	err = mw_table_insert(&mn->routers, &r->obj, mw_max_routers);
	if (err == -ENOSPC)
		NL_SET_ERR_MSG(extack, "too many routers (module parameter max_routers)");
	else if (err == -EEXIST)
		NL_SET_ERR_MSG(extack, "a router with this id exists");
	else if (err)
		NL_SET_ERR_MSG(extack, "out of memory");
	return err;
}

/* For a router that was never inserted. */
void mw_router_free(struct mw_router *r)
{
	mw_fib_destroy(r->fib);
	kfree(r);
}

/* After a grace period, in process context: the table may use vmalloc. */
static void mw_router_free_work(struct work_struct *work)
{
	mw_router_free(container_of(to_rcu_work(work), struct mw_router,
				    free_work));
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

/*
 * Every route of the router goes at once: each prefix loses all its routes,
 * which takes no memory, so this cannot fail; nor can deleting its ports,
 * which then have no route left.
 */
int mw_router_destroy(struct mw_net *mn, struct mw_router *r,
		      struct genl_info *info)
{
	struct mw_route *rt, *rt_tmp;
	struct mw_port *p, *p_tmp;
	int err;

	mw_assert_locked(mn);
	err = mw_router_retire_routes(mn, r);
	if (WARN_ON_ONCE(err))
		return err;
	list_for_each_entry_safe(rt, rt_tmp, &r->routes, router_node)
		mw_route_release(mn, rt, NULL);
	list_for_each_entry_safe(p, p_tmp, &r->ports, router_node)
		WARN_ON_ONCE(mw_port_destroy(mn, p, NULL));

	mw_notify(mn, MIDWAY_CMD_ROUTER_DEL, r, info);
	mw_table_remove(&mn->routers, &r->obj);
	INIT_RCU_WORK(&r->free_work, mw_router_free_work);
	queue_rcu_work(mw_wq, &r->free_work);
	return 0;
}
