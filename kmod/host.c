// SPDX-License-Identifier: GPL-2.0
/*
 * Hosts: the tunnel endpoints where exterior ports live, each known by its
 * underlay address (unique: a tunnel packet's outer source names its host).
 * One of them may be marked as the host this instance runs on; while there
 * is one, the tunnel is open (tunnel.c) and sends from its address.
 */
#include <linux/slab.h>

#include "midway.h"

struct mw_host *mw_host_alloc(const uuid_t *id)
{
	struct mw_host *h = kzalloc(sizeof(*h), GFP_KERNEL);

	if (!h)
		return NULL;
	h->stats = netdev_alloc_pcpu_stats(struct mw_stats);
	if (!h->stats)
		goto err;
	if (dst_cache_init(&h->dst_cache, GFP_KERNEL))
		goto err_stats;
	uuid_copy(&h->obj.id, id);
	INIT_LIST_HEAD(&h->ports);
	return h;

err_stats:
	free_percpu(h->stats);
err:
	kfree(h);
	return NULL;
}

static void mw_host_free_rcu(struct rcu_head *head)
{
	struct mw_host *h = container_of(head, struct mw_host, rcu);

	dst_cache_destroy(&h->dst_cache);
	free_percpu(h->stats);
	kfree(h);
}

/* Free a host after a grace period; it may have been seen by readers. */
void mw_host_free(struct mw_host *h)
{
	call_rcu(&h->rcu, mw_host_free_rcu);
}

/* The tunnel sends from the local host's address: keep it in step. */
static void mw_host_sync_tunnel(struct mw_net *mn)
{
	WRITE_ONCE(mn->tunnel.saddr, mn->local_host ? mn->local_host->addr : 0);
}

static int mw_host_index_addr(struct mw_net *mn, struct mw_host *h,
			      __be32 addr, struct netlink_ext_ack *extack)
{
	int err = xa_insert(&mn->host_addrs, (__force u32)addr, h, GFP_KERNEL);

	if (err == -EBUSY) {
		NL_SET_ERR_MSG(extack, "another host has this address");
		return -EEXIST;
	}
	if (err)
		NL_SET_ERR_MSG(extack, "out of memory");
	return err;
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
	err = mw_host_index_addr(mn, h, h->addr, extack);
	if (err)
		return err;
	if (h->local) {
		err = mw_tunnel_open(mn, mn->tunnel.port, extack);
		if (err)
			goto err_addr;
	}
	err = mw_table_insert(&mn->hosts, &h->obj, mw_max_hosts);
	if (err == -ENOSPC)
		NL_SET_ERR_MSG(extack, "too many hosts (module parameter max_hosts)");
	else if (err == -EEXIST)
		NL_SET_ERR_MSG(extack, "a host with this id exists");
	else if (err)
		NL_SET_ERR_MSG(extack, "out of memory");
	if (err)
		goto err_tunnel;
	h->mn = mn;
	if (h->local) {
		WRITE_ONCE(mn->local_host, h);
		mw_host_sync_tunnel(mn);
	}
	return 0;

err_tunnel:
	if (h->local)
		mw_tunnel_close(mn);
err_addr:
	xa_erase(&mn->host_addrs, (__force u32)h->addr);
	return err;
}

/*
 * Give @h the address @addr and make it local or not, all or nothing: the
 * address may be taken (-EEXIST), the tunnel may not open (the UDP port is
 * in use), memory may run out; then nothing changed. The caller has checked
 * that no other host is local. Whether a host is local decides whether its
 * exterior ports are reachable (remote: through a tunnel) or need a local
 * device.
 */
int mw_host_change(struct mw_net *mn, struct mw_host *h, __be32 addr,
		   bool local, struct netlink_ext_ack *extack)
{
	bool new_addr = addr != h->addr;
	struct mw_port *p;
	int err;

	mw_assert_locked(mn);
	if (new_addr) {
		if (xa_load(&mn->host_addrs, (__force u32)addr)) {
			NL_SET_ERR_MSG(extack, "another host has this address");
			return -EEXIST;
		}
		err = xa_reserve(&mn->host_addrs, (__force u32)addr, GFP_KERNEL);
		if (err) {
			NL_SET_ERR_MSG(extack, "out of memory");
			return err;
		}
	}
	if (local && !h->local) {
		err = mw_tunnel_open(mn, mn->tunnel.port, extack);
		if (err) {
			if (new_addr)
				xa_release(&mn->host_addrs, (__force u32)addr);
			return err;
		}
	}

	if (new_addr) {
		/* Reserved: the store allocates nothing. */
		xa_store(&mn->host_addrs, (__force u32)addr, h, GFP_KERNEL);
		xa_erase(&mn->host_addrs, (__force u32)h->addr);
		WRITE_ONCE(h->addr, addr);
	}
	if (local == h->local) {
		if (local)
			mw_host_sync_tunnel(mn);
		return 0;
	}
	WRITE_ONCE(h->local, local);
	WRITE_ONCE(mn->local_host, local ? h : NULL);
	mw_host_sync_tunnel(mn);
	if (!local)
		mw_tunnel_close(mn);
	list_for_each_entry(p, &h->ports, host_node)
		mw_port_refresh(mn, p);
	return 0;
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
	if (mn->local_host == h) {
		WRITE_ONCE(mn->local_host, NULL);
		mw_host_sync_tunnel(mn);
		mw_tunnel_close(mn);
	}
	xa_erase(&mn->host_addrs, (__force u32)h->addr);
	mw_table_remove(&mn->hosts, &h->obj);
	mw_host_free(h);
	return 0;
}
