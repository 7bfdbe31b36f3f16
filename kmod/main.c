// SPDX-License-Identifier: GPL-2.0
/*
 * midway.ko: module parameters, and the life of an instance, one per network
 * namespace.
 */
#include <linux/module.h>
#include <linux/rtnetlink.h>

#include "midway.h"

unsigned int mw_max_routers = 4096;
module_param_named(max_routers, mw_max_routers, uint, 0644);
MODULE_PARM_DESC(max_routers, "Most routers in one network namespace");

unsigned int mw_max_ports = 65536;
module_param_named(max_ports, mw_max_ports, uint, 0644);
MODULE_PARM_DESC(max_ports, "Most ports in one network namespace");

unsigned int mw_max_routes = 1 << 21;
module_param_named(max_routes, mw_max_routes, uint, 0644);
MODULE_PARM_DESC(max_routes, "Most routes in one network namespace");

unsigned int mw_max_hosts = 16384;
module_param_named(max_hosts, mw_max_hosts, uint, 0644);
MODULE_PARM_DESC(max_hosts, "Most hosts in one network namespace");

u32 mw_ecmp_seed;
module_param_named(ecmp_seed, mw_ecmp_seed, uint, 0444);
MODULE_PARM_DESC(ecmp_seed, "Seed of the ECMP flow hash (0: random at load)");

unsigned int mw_net_id __read_mostly;

/* Frees that must wait for a grace period and then may sleep. */
struct workqueue_struct *mw_wq;

static int __net_init mw_net_init(struct net *net)
{
	struct mw_net *mn = mw_net(net);
	int err;

	mn->net = net;
	mutex_init(&mn->lock);
	mn->gen = 1;
	INIT_LIST_HEAD(&mn->resync);
	INIT_DELAYED_WORK(&mn->resync_work, mw_prefix_resync_work);
	xa_init_flags(&mn->tunnel_keys, XA_FLAGS_ALLOC1);
	xa_init(&mn->host_addrs);
	mw_tunnel_init(mn);

	err = mw_table_init(&mn->routers);
	if (err)
		return err;
	err = mw_table_init(&mn->ports);
	if (err)
		goto err_routers;
	err = mw_table_init(&mn->routes);
	if (err)
		goto err_ports;
	err = mw_table_init(&mn->hosts);
	if (err)
		goto err_routes;
	err = mw_route_keys_init(mn);
	if (err)
		goto err_hosts;
	err = mw_prefixes_init(mn);
	if (err)
		goto err_keys;
	return 0;

err_keys:
	mw_route_keys_destroy(mn);
err_hosts:
	mw_table_destroy(&mn->hosts);
err_routes:
	mw_table_destroy(&mn->routes);
err_ports:
	mw_table_destroy(&mn->ports);
err_routers:
	mw_table_destroy(&mn->routers);
	return err;
}

/*
 * The namespace is going away, or the module: destroy every object. Routers
 * take their ports and routes with them; hosts are left with no ports.
 */
static void __net_exit mw_net_exit(struct net *net)
{
	struct mw_net *mn = mw_net(net);
	unsigned long index = 0;
	struct mw_obj *o;

	mw_lock_rtnl(mn);
	mn->dying = true;
	while ((o = mw_table_next(&mn->routers, &index)))
		mw_router_destroy(mn, container_of(o, struct mw_router, obj), NULL);
	index = 0;
	/* No router, so no port and no route: this cannot fail. */
	while ((o = mw_table_next(&mn->hosts, &index)))
		mw_host_destroy(mn, container_of(o, struct mw_host, obj), NULL);
	WARN_ON(!list_empty(&mn->resync));
	mw_unlock_rtnl(mn);
	/* Set dying under the lock: the work does not queue itself again. */
	cancel_delayed_work_sync(&mn->resync_work);
	/*
	 * The local host took the tunnel's socket with it; a packet it
	 * received an instant before may still be reading the instance.
	 */
	synchronize_net();

	mw_prefixes_destroy(mn);
	mw_route_keys_destroy(mn);
	mw_table_destroy(&mn->hosts);
	mw_table_destroy(&mn->routes);
	mw_table_destroy(&mn->ports);
	mw_table_destroy(&mn->routers);
	WARN_ON(!xa_empty(&mn->tunnel_keys));
	xa_destroy(&mn->tunnel_keys);
	WARN_ON(!xa_empty(&mn->host_addrs));
	xa_destroy(&mn->host_addrs);
	WARN_ON(mw_tunnel_is_open(&mn->tunnel));
}

static struct pernet_operations mw_net_ops = {
	.init	= mw_net_init,
	.exit	= mw_net_exit,
	.id	= &mw_net_id,
	.size	= sizeof(struct mw_net),
};

static int __init mw_init(void)
{
	int err;

	if (!mw_ecmp_seed)
		mw_ecmp_seed = get_random_u32() ?: 1;
	mw_wq = alloc_workqueue("midway", 0, 0);
	if (!mw_wq)
		return -ENOMEM;
	err = register_pernet_subsys(&mw_net_ops);
	if (err)
		goto err_wq;
	err = mw_device_init();
	if (err)
		goto err_pernet;
	err = mw_netlink_init();
	if (err)
		goto err_device;
	pr_info("midway: overlay virtual router loaded\n");
	return 0;

err_device:
	mw_device_exit();
err_pernet:
	unregister_pernet_subsys(&mw_net_ops);
err_wq:
	destroy_workqueue(mw_wq);
	return err;
}

static void __exit mw_exit(void)
{
	/* No new requests, then no objects, then no device events. */
	mw_netlink_exit();
	unregister_pernet_subsys(&mw_net_ops);
	mw_device_exit();
	/* Wait for the kfree_rcu() and rcu_work of the last objects. */
	rcu_barrier();
	destroy_workqueue(mw_wq);
}

module_init(mw_init);
module_exit(mw_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("midway: overlay virtual router datapath");
MODULE_AUTHOR("The midway developers");
MODULE_ALIAS_GENL_FAMILY(MIDWAY_GENL_NAME);
