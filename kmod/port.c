// SPDX-License-Identifier: GPL-2.0
/*
 * Ports. An exterior port attaches a VM or a NIC and lives on one host; on
 * the local host it may be bound to a network device. Interior ports come in
 * peered pairs linking two routers.
 *
 * A port's operational state is derived, never set: see
 * mw_port_compute_oper(). Whenever an input of it changes, the code that
 * changed it calls mw_port_refresh(), which updates the routes via the port
 * and sends a PORT_STATE event if the state flipped.
 */
#include <linux/etherdevice.h>
#include <linux/slab.h>

#include "midway.h"

struct mw_port *mw_port_alloc(const uuid_t *id)
{
	struct mw_port *p = kzalloc(sizeof(*p), GFP_KERNEL);

	if (!p)
		return NULL;
	uuid_copy(&p->obj.id, id);
	p->stats = netdev_alloc_pcpu_stats(struct mw_stats);
	if (!p->stats) {
		kfree(p);
		return NULL;
	}
	p->admin_up = true;
	p->remote_up = true;
	spin_lock_init(&p->icmp.lock);
	eth_random_addr(p->mac);
	INIT_LIST_HEAD(&p->routes);
	INIT_LIST_HEAD(&p->host_node);
	return p;
}

static void mw_port_free_rcu(struct rcu_head *head)
{
	struct mw_port *p = container_of(head, struct mw_port, rcu);

	free_percpu(p->stats);
	kfree(p);
}

/* Free a port after a grace period; it may have been seen by readers. */
void mw_port_free(struct mw_port *p)
{
	call_rcu(&p->rcu, mw_port_free_rcu);
}

static bool mw_port_compute_oper(const struct mw_port *p)
{
	const struct net_device *dev;
	const struct mw_port *peer;

	if (!p->admin_up || !p->router->admin_up)
		return false;

	if (p->kind == MIDWAY_PORT_KIND_INTERIOR) {
		peer = mw_port_peer(p);
		return peer && peer->admin_up && peer->router->admin_up;
	}

	dev = mw_port_dev(p);
	if (dev)
		return netif_running(dev) && netif_carrier_ok(dev);
	/* Not bound here: up if it is up on another host (via a tunnel). */
	return p->host && !p->host->local && p->remote_up;
}

void mw_port_refresh(struct mw_net *mn, struct mw_port *p)
{
	bool up = mw_port_compute_oper(p);
	struct mw_route *rt;

	mw_assert_locked(mn);
	if (up == p->oper_up)
		return;
	WRITE_ONCE(p->oper_up, up);
	/* The cause first: then the ROUTE_STATE of the routes via it. */
	mw_notify(mn, MIDWAY_CMD_PORT_STATE, p, NULL);
	list_for_each_entry(rt, &p->routes, port_node)
		mw_route_refresh(mn, rt);
}

/*
 * Make @p part of the instance: its tunnel key (allocated when 0), its
 * links to router, host and @peer, and its binding to @dev. All checks of
 * the request were done by the caller; what can still fail here (limits,
 * memory, a busy device) leaves the instance unchanged, and the caller frees
 * @p with mw_port_free(): readers may have seen it.
 */
int mw_port_insert(struct mw_net *mn, struct mw_port *p, struct mw_port *peer,
		   struct net_device *dev, struct netlink_ext_ack *extack)
{
	struct xa_limit keys = XA_LIMIT(1, MIDWAY_TUNNEL_KEY_MAX);
	int err;

	mw_assert_locked(mn);
	if (p->tunnel_key) {
		err = xa_insert(&mn->tunnel_keys, p->tunnel_key, p, GFP_KERNEL);
		if (err == -EBUSY) {
			NL_SET_ERR_MSG(extack, "tunnel key is in use");
			return -EEXIST;
		}
	} else {
		err = xa_alloc(&mn->tunnel_keys, &p->tunnel_key, p, keys,
			       GFP_KERNEL);
		if (err == -EBUSY) {
			NL_SET_ERR_MSG(extack, "no free tunnel key");
			return -ENOSPC;
		}
	}
	if (err) {
		NL_SET_ERR_MSG(extack, "out of memory for the tunnel key");
		return err;
	}

	err = mw_table_insert(&mn->ports, &p->obj, mw_max_ports);
	if (err) {
		if (err == -ENOSPC)
			NL_SET_ERR_MSG(extack, "too many ports (module parameter max_ports)");
		else if (err == -EEXIST)
			NL_SET_ERR_MSG(extack, "a port with this id exists");
		else
			NL_SET_ERR_MSG(extack, "out of memory");
		goto err_key;
	}

	mw_neigh_init(p);
	if (dev) {
		err = mw_device_bind(p, dev, extack);
		if (err)
			goto err_neigh;
	}

	list_add_tail(&p->router_node, &p->router->ports);
	p->router->n_ports++;
	if (p->host) {
		list_add_tail(&p->host_node, &p->host->ports);
		p->host->n_ports++;
	}
	if (peer) {
		rcu_assign_pointer(p->peer, peer);
		rcu_assign_pointer(peer->peer, p);
	}
	/* The PORT_NEW event carries the first state: no PORT_STATE for it. */
	p->oper_up = mw_port_compute_oper(p);
	if (peer)
		mw_port_refresh(mn, peer);
	return 0;

err_neigh:
	mw_neigh_flush(p);
	mw_table_remove(&mn->ports, &p->obj);
err_key:
	xa_erase(&mn->tunnel_keys, p->tunnel_key);
	return err;
}

void mw_port_set_admin(struct mw_net *mn, struct mw_port *p, bool up)
{
	struct mw_port *peer;

	if (p->admin_up == up)
		return;
	WRITE_ONCE(p->admin_up, up);
	mw_port_refresh(mn, p);
	peer = mw_port_peer(p);
	if (peer)
		mw_port_refresh(mn, peer);
}

void mw_port_set_host(struct mw_net *mn, struct mw_port *p, struct mw_host *h)
{
	if (p->host == h)
		return;
	if (p->host) {
		list_del_init(&p->host_node);
		p->host->n_ports--;
	}
	WRITE_ONCE(p->host, h);
	if (h) {
		list_add_tail(&p->host_node, &h->ports);
		h->n_ports++;
	}
	mw_port_refresh(mn, p);
}

int mw_port_destroy(struct mw_net *mn, struct mw_port *p,
		    struct genl_info *info)
{
	struct mw_route *rt, *tmp;
	struct mw_port *peer;
	int err;

	mw_assert_locked(mn);
	err = mw_port_retire_routes(mn, p);
	if (err)
		return err;
	list_for_each_entry_safe(rt, tmp, &p->routes, port_node)
		mw_route_release(mn, rt, NULL);

	mw_notify(mn, MIDWAY_CMD_PORT_DEL, p, info);

	if (mw_port_dev(p))
		mw_device_unbind(p);
	mw_neigh_flush(p);
	peer = mw_port_peer(p);
	if (peer) {
		RCU_INIT_POINTER(peer->peer, NULL);
		RCU_INIT_POINTER(p->peer, NULL);
		mw_port_refresh(mn, peer);
	}
	if (p->host) {
		list_del(&p->host_node);
		p->host->n_ports--;
	}
	list_del(&p->router_node);
	p->router->n_ports--;
	xa_erase(&mn->tunnel_keys, p->tunnel_key);
	mw_table_remove(&mn->ports, &p->obj);
	mw_port_free(p);
	return 0;
}
