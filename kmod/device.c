// SPDX-License-Identifier: GPL-2.0
/*
 * Exterior ports bound to network devices.
 *
 * Binding takes the device away from the host's IP stack the way Open
 * vSwitch's vport-netdev does: an rx handler that consumes every frame,
 * promiscuous mode, LRO off. The rx handler's data is the port, which is how
 * the netdevice notifier finds the port of a device. Unbinding gives the
 * device back as it was. A device that goes away (unregister, or a move to
 * another namespace) is unbound by the notifier.
 *
 * Binding and unbinding run under RTNL and the instance lock (midway.h);
 * the notifier runs under RTNL and takes the instance lock itself.
 */
#include <linux/etherdevice.h>
#include <linux/if_arp.h>
#include <linux/netdevice.h>

#include "midway.h"
#include "receive.h"

/* The port bound to @dev, or NULL. */
static struct mw_port *mw_device_port(struct net_device *dev)
{
	if (rtnl_dereference(dev->rx_handler) != mw_port_rx)
		return NULL;
	return rtnl_dereference(dev->rx_handler_data);
}

/* Whether @dev can be bound to @p (it may be already). */
int mw_device_check(struct mw_port *p, struct net_device *dev,
		    struct netlink_ext_ack *extack)
{
	struct mw_port *bound = mw_device_port(dev);

	ASSERT_RTNL();
	if (bound == p)
		return 0;
	if (bound) {
		NL_SET_ERR_MSG(extack, "device is bound to another port");
		return -EBUSY;
	}
	if (dev->type != ARPHRD_ETHER || dev->addr_len != ETH_ALEN ||
	    (dev->flags & IFF_LOOPBACK)) {
		NL_SET_ERR_MSG(extack, "device is not an Ethernet device");
		return -EINVAL;
	}
	if (netif_is_bridge_port(dev) || netif_is_bond_slave(dev) ||
	    netif_is_team_port(dev) || netdev_is_rx_handler_busy(dev)) {
		NL_SET_ERR_MSG(extack, "device is in use (bridge, bond, or another rx handler)");
		return -EBUSY;
	}
	return 0;
}

/* Bind @p to @dev, replacing a previous binding only once @dev is taken. */
int mw_device_bind(struct mw_port *p, struct net_device *dev,
		   struct netlink_ext_ack *extack)
{
	struct net_device *old = mw_port_dev(p);
	int err;

	mw_assert_rtnl_locked(p->router->mn);
	if (old == dev)
		return 0;
	err = mw_device_check(p, dev, extack);
	if (err)
		return err;

	err = netdev_rx_handler_register(dev, mw_port_rx, p);
	if (err) {
		NL_SET_ERR_MSG(extack, "cannot take the device's rx handler");
		return err;
	}
	err = dev_set_promiscuity(dev, 1);
	if (err) {
		netdev_rx_handler_unregister(dev);
		NL_SET_ERR_MSG(extack, "cannot put the device in promiscuous mode");
		return err;
	}
	dev_disable_lro(dev);

	if (old)
		mw_device_unbind(p);
	netdev_hold(dev, &p->dev_tracker, GFP_KERNEL);
	rcu_assign_pointer(p->dev, dev);
	return 0;
}

void mw_device_unbind(struct mw_port *p)
{
	struct net_device *dev = mw_port_dev(p);

	mw_assert_rtnl_locked(p->router->mn);
	if (!dev)
		return;
	/* Waits for the packet path to leave the handler (synchronize_net). */
	netdev_rx_handler_unregister(dev);
	dev_set_promiscuity(dev, -1);
	RCU_INIT_POINTER(p->dev, NULL);
	netdev_put(dev, &p->dev_tracker);
}

static int mw_device_event(struct notifier_block *nb, unsigned long event,
			   void *ptr)
{
	struct net_device *dev = netdev_notifier_info_to_dev(ptr);
	struct mw_port *p;
	struct mw_net *mn;
	bool nested;

	switch (event) {
	case NETDEV_UP:
	case NETDEV_DOWN:
	case NETDEV_CHANGE:
	case NETDEV_UNREGISTER:
		break;
	default:
		return NOTIFY_DONE;
	}

	p = mw_device_port(dev);
	if (!p)
		return NOTIFY_DONE;
	mn = p->router->mn;
	/*
	 * Called from our own RTNL section, this task holds mn->lock already
	 * (only mw_lock_rtnl() sets rtnl_owner, to itself, under both locks).
	 */
	nested = READ_ONCE(mn->rtnl_owner) == current;
	if (!nested)
		mutex_lock(&mn->lock);
	if (event == NETDEV_UNREGISTER)
		mw_device_unbind(p);
	mw_port_refresh(mn, p);
	if (!nested)
		mutex_unlock(&mn->lock);
	return NOTIFY_DONE;
}

static struct notifier_block mw_device_notifier = {
	.notifier_call = mw_device_event,
};

int mw_device_init(void)
{
	return register_netdevice_notifier(&mw_device_notifier);
}

void mw_device_exit(void)
{
	unregister_netdevice_notifier(&mw_device_notifier);
}
