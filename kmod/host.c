// SPDX-License-Identifier: GPL-2.0
/*
 * Hosts: the tunnel endpoints where exterior ports live. One of them may be
 * marked as the host this instance runs on.
 */
#include <linux/slab.h>

#include "midway.h"

struct mw_host *mw_host_alloc(const uuid_t *id)
{
	struct mw_host *h = kzalloc(sizeof(*h), GFP_KERNEL);

	if (!h)
		return NULL;
	uuid_copy(&h->obj.id, id);
	INIT_LIST_HEAD(&h->ports);
	return h;
}

int mw_host_insert(struct mw_net *mn, struct mw_host *h,
		   struct netlink_ext_ack *extack)
{
	int err;

	mw_assert_locked(mn);
	if (h->local && mn->local_host) {
		NL_SET_ERR_MSG(extack, "another host is already the local host");
		return -EBUSY;
	}
	err = mw_table_insert(&mn->hosts, &h->obj, mw_max_hosts);
	if (err == -ENOSPC)
		NL_SET_ERR_MSG(extack, "too many hosts (module parameter max_hosts)");
	else if (err == -EEXIST)
		NL_SET_ERR_MSG(extack, "a host with this id exists");
	else if (err)
		NL_SET_ERR_MSG(extack, "out of memory");
	if (err)
		return err;
	if (h->local)
		mn->local_host = h;
	return 0;
}

/*
 * Whether a host is local decides whether its exterior ports are reachable
 * (remote: through a tunnel) or need a local device. The caller has checked
 * that no other host is local.
 */
void mw_host_set_local(struct mw_net *mn, struct mw_host *h, bool local)
{
	struct mw_port *p;

	mw_assert_locked(mn);
	if (h->local == local)
		return;
	WRITE_ONCE(h->local, local);
	mn->local_host = local ? h : NULL;
	list_for_each_entry(p, &h->ports, host_node)
		mw_port_refresh(mn, p);
}

/* Mark the routes via the ports of @h dying, or clear the marks. */
static void mw_host_mark_routes(struct mw_host *h, bool dying)
{
	struct mw_route *rt;
	struct mw_port *p;

	list_for_each_entry(p, &h->ports, host_node)
		list_for_each_entry(rt, &p->routes, port_node)
			rt->dying = dying;
}

/*
 * The routes via the host's ports leave the forwarding tables in one batch,
 * all or none; then its ports, which have no route left, go.
 */
int mw_host_destroy(struct mw_net *mn, struct mw_host *h,
		    struct genl_info *info)
{
	struct mw_prefix_batch b;
	struct mw_port *p, *tmp;
	struct mw_route *rt;
	int err;

	mw_assert_locked(mn);
	mw_host_mark_routes(h, true);
	mw_prefix_batch_begin(&b);
	list_for_each_entry(p, &h->ports, host_node)
		list_for_each_entry(rt, &p->routes, port_node)
			mw_prefix_batch_add(&b, rt->prefix);
	err = mw_prefix_batch_end(mn, &b);
	if (err) {
		mw_host_mark_routes(h, false);
		return err;
	}
	list_for_each_entry_safe(p, tmp, &h->ports, host_node)
		WARN_ON_ONCE(mw_port_destroy(mn, p, NULL));

	mw_notify(mn, MIDWAY_CMD_HOST_DEL, h, info);
	if (mn->local_host == h)
		mn->local_host = NULL;
	mw_table_remove(&mn->hosts, &h->obj);
	kfree_rcu(h, rcu);
	return 0;
}
