/* SPDX-License-Identifier: GPL-2.0 */
/*
 * midway: the objects of one instance (one network namespace) and the rules
 * for touching them.
 *
 * Locking
 * -------
 * Two locks, always taken in this order: RTNL, then the instance's mutex
 * (mn->lock).
 *
 * mn->lock protects the whole instance: the object tables and every field of
 * the objects, the links between them, the derived state (mw_port.oper_up,
 * mw_route.active), the prefixes and their next-hop sets, the routers'
 * forwarding tables, the resync list, the generation counter. Every request
 * and every dump takes it, and so does the netdevice notifier before it
 * touches a port.
 *
 * RTNL is needed, on top of mn->lock, only to bind a port to a device or to
 * unbind it, to look a device up by name or index, and to open or close the
 * tunnel's socket (mn->tunnel.sock). So mw_port.dev changes only with both
 * held, and either of the two is enough to read it (mw_port_dev()). The
 * requests that may do any of that take both (mw_lock_rtnl()): PORT_NEW and
 * PORT_SET naming a device, PORT_NEW with NLM_F_REPLACE (it may unbind),
 * PORT_DEL, ROUTER_DEL with CASCADE, every HOST_* change, TUNNEL_SET, and
 * the namespace's exit. Every other change (routes, ROUTE_SET, routers,
 * ports that name no device, neighbours) takes mn->lock alone (mw_lock())
 * and never waits for RTNL.
 *
 * The netdevice notifier runs under RTNL. It finds the port of a device
 * through the device's rx handler data (RTNL), then takes mn->lock, unless
 * this very task already holds it: our own RTNL sections (binding,
 * unbinding) may make the kernel call the notifier, and mw_lock_rtnl()
 * records its task in mn->rtnl_owner for that. Since nothing that holds
 * mn->lock alone ever takes RTNL, the order RTNL -> mn->lock is never
 * reversed.
 *
 * The packet path takes no lock: it reads under RCU, so every object is
 * unlinked first and freed after a grace period (kfree_rcu), and pointers
 * between objects are only cleared while their target is still alive.
 * Fields it reads that a change may write in place are written with
 * WRITE_ONCE() and read with READ_ONCE(); netlink readers hold mn->lock and
 * need neither.
 *
 * References
 * ----------
 * Objects point at the objects they depend on (a port at its router, a route
 * at its router and egress port). The depended-on object keeps the list of
 * its dependents and refuses deletion while the list is not empty, unless the
 * caller asked for a cascade. So a pointer, once set, is valid for the life
 * of the object that holds it.
 */
#ifndef _MW_MIDWAY_H
#define _MW_MIDWAY_H

#include <linux/etherdevice.h>
#include <linux/inetdevice.h>
#include <linux/if_ether.h>
#include <linux/if_vlan.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/netdevice.h>
#include <linux/rcupdate.h>
#include <linux/rhashtable-types.h>
#include <linux/rtnetlink.h>
#include <linux/uuid.h>
#include <linux/xarray.h>
#include <net/dst_cache.h>
#include <net/genetlink.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>

#include <linux/midway.h>

#include "neigh.h"
#include "prefix.h"
#include "stats.h"
#include "table.h"
#include "tunnel.h"

struct mw_host;

/*
 * The token bucket that limits the ICMP errors a port sends, in nanoseconds
 * of credit: each error costs NSEC_PER_SEC / rate, the bucket holds burst
 * errors' worth. Packet path only (softirq).
 */
struct mw_icmp_bucket {
	spinlock_t lock;		/* the two below */
	u64 credit;
	u64 last;			/* ktime_get_mono_fast_ns() */
};

struct mw_router {
	struct mw_obj obj;
	struct mw_net *mn;		/* set by mw_router_insert() */
	char name[MIDWAY_NAME_MAX];
	bool admin_up;
	u32 icmp_rate;			/* errors per second and port; 0: all */
	u32 icmp_burst;
	u32 n_ports;
	u32 n_routes;
	struct list_head ports;		/* mw_port.router_node */
	struct list_head routes;	/* mw_route.router_node */
	struct mw_fib *fib;		/* active prefixes (struct mw_prefix) */
	struct list_head partial;	/* mw_prefix.partial_node, see prefix.h */
	struct rcu_work free_work;
};

struct mw_port {
	struct mw_obj obj;
	struct mw_router *router;
	char name[MIDWAY_NAME_MAX];
	u8 kind;			/* enum midway_port_kind */
	bool admin_up;
	bool oper_up;
	bool has_addr;
	bool proxy_arp;
	bool remote_up;			/* on its remote host; see oper_up */
	/*
	 * The packet path reads the MAC while netlink may change it: it is
	 * published with one 64-bit store (mw_port_set_mac()) and read with
	 * one load (mw_port_mac()), never copied byte by byte.
	 */
	union {
		u8 mac[ETH_ALEN];
		u64 mac_word;
	};
	__be32 addr;
	u8 prefixlen;
	u16 vlan;			/* 802.1Q VLAN id; 0: untagged */
	u32 tunnel_key;
	struct mw_port __rcu *peer;	/* interior only */
	struct mw_host *host;		/* exterior only */
	struct net_device __rcu *dev;	/* exterior, bound on this host */
	netdevice_tracker dev_tracker;
	u32 n_routes;			/* routes via this port */
	struct list_head router_node;	/* mw_router.ports */
	struct list_head host_node;	/* mw_host.ports */
	struct list_head routes;	/* mw_route.port_node */
	struct mw_stats __percpu *stats;
	struct mw_neigh_table neigh;
	struct mw_icmp_bucket icmp;
	struct rcu_head rcu;
};

/*
 * What makes two routes identical. Compared with memcmp(), so it has no
 * implicit padding and is zeroed before it is filled.
 */
struct mw_route_key {
	struct mw_router *router;
	struct mw_port *port;		/* NH_PORT only */
	__be32 dst;
	__be32 src;
	__be32 gateway;			/* 0: none */
	u8 dst_len;
	u8 src_len;			/* 0: no source prefix */
	u8 nh_type;			/* enum midway_nh_type */
	u8 pad;
};

struct mw_route {
	struct mw_obj obj;
	struct mw_route_key key;
	struct rhash_head key_node;	/* mw_net.route_keys */
	struct mw_prefix *prefix;	/* the routes to the same destination */
	struct list_head prefix_node;	/* mw_prefix.routes */
	bool active;			/* published as usable, see prefix.h */
	bool dying;			/* being deleted: the next change drops it */
	/*
	 * A request about this route is changing it and its own event will
	 * carry the new ACTIVE: no ROUTE_STATE for it.
	 */
	bool quiet;
	u32 weight;
	struct list_head router_node;	/* mw_router.routes */
	struct list_head port_node;	/* mw_port.routes */
	struct rcu_head rcu;
};

struct mw_host {
	struct mw_obj obj;
	struct mw_net *mn;
	char name[MIDWAY_NAME_MAX];
	__be32 addr;			/* key of mw_net.host_addrs */
	bool local;
	u32 n_ports;
	struct list_head ports;		/* mw_port.host_node */
	/* The tunnel's, per remote host: counters, the route to it. */
	struct mw_stats __percpu *stats;
	struct dst_cache dst_cache;
	struct rcu_head rcu;
};

/* One instance of midway: the state of one network namespace. */
struct mw_net {
	struct net *net;
	struct mutex lock;		/* see "Locking" above */
	/* The task in mw_lock_rtnl(), for the notifier; NULL otherwise. */
	struct task_struct *rtnl_owner;
	/* Bumped by every change (mw_notify()); dumps check it. Never 0. */
	u32 gen;
	struct mw_table routers;
	struct mw_table ports;
	struct mw_table routes;
	struct mw_table hosts;
	struct xarray tunnel_keys;	/* tunnel key -> struct mw_port */
	struct xarray host_addrs;	/* underlay address -> struct mw_host */
	struct mw_host *local_host;	/* WRITE_ONCE: the packet path reads it */
	struct mw_tunnel tunnel;
	struct rhashtable route_keys;	/* mw_route.key -> struct mw_route */
	struct rhashtable prefixes;	/* mw_prefix.key -> struct mw_prefix */
	struct list_head resync;	/* mw_prefix.resync_node, see prefix.h */
	struct delayed_work resync_work;
	bool dying;			/* being destroyed: no more events */
};

/* main.c */
extern unsigned int mw_max_routers;
extern unsigned int mw_max_ports;
extern unsigned int mw_max_routes;
extern unsigned int mw_max_hosts;
extern unsigned int mw_net_id;
extern struct workqueue_struct *mw_wq;

static inline struct mw_net *mw_net(const struct net *net)
{
	return net_generic(net, mw_net_id);
}

/*
 * Take and release the instance for a change that cannot bind or unbind a
 * device: mn->lock alone.
 */
static inline void mw_lock(struct mw_net *mn)
{
	mutex_lock(&mn->lock);
}

static inline void mw_unlock(struct mw_net *mn)
{
	mutex_unlock(&mn->lock);
}

/* For a change that may bind or unbind a device: RTNL, then mn->lock. */
static inline void mw_lock_rtnl(struct mw_net *mn)
{
	rtnl_lock();
	mutex_lock(&mn->lock);
	mn->rtnl_owner = current;
}

static inline void mw_unlock_rtnl(struct mw_net *mn)
{
	mn->rtnl_owner = NULL;
	mutex_unlock(&mn->lock);
	rtnl_unlock();
}

#define mw_assert_locked(mn)	lockdep_assert_held(&(mn)->lock)

/* Binding and unbinding devices need both locks. */
#define mw_assert_rtnl_locked(mn) do {		\
	ASSERT_RTNL();				\
	lockdep_assert_held(&(mn)->lock);	\
} while (0)

/* A pointer that changes under mn->lock, read by its holder. */
#define mw_dereference(p, mn) \
	rcu_dereference_protected(p, lockdep_is_held(&(mn)->lock))

/*
 * A port's device: written under RTNL and mn->lock, so either is enough to
 * read it (and RCU, for the packet path).
 */
static inline struct net_device *mw_port_dev(const struct mw_port *p)
{
	return rcu_dereference_check(p->dev,
				     lockdep_rtnl_is_held() ||
				     lockdep_is_held(&p->router->mn->lock));
}

/* Lookups by id; callers hold mn->lock or rcu_read_lock(). */
static inline struct mw_router *mw_router_lookup(struct mw_net *mn,
						 const uuid_t *id)
{
	struct mw_obj *o = mw_table_lookup(&mn->routers, id);

	return o ? container_of(o, struct mw_router, obj) : NULL;
}

static inline struct mw_port *mw_port_lookup(struct mw_net *mn,
					     const uuid_t *id)
{
	struct mw_obj *o = mw_table_lookup(&mn->ports, id);

	return o ? container_of(o, struct mw_port, obj) : NULL;
}

static inline struct mw_route *mw_route_lookup(struct mw_net *mn,
					       const uuid_t *id)
{
	struct mw_obj *o = mw_table_lookup(&mn->routes, id);

	return o ? container_of(o, struct mw_route, obj) : NULL;
}

static inline struct mw_host *mw_host_lookup(struct mw_net *mn,
					     const uuid_t *id)
{
	struct mw_obj *o = mw_table_lookup(&mn->hosts, id);

	return o ? container_of(o, struct mw_host, obj) : NULL;
}

/*
 * Object lifecycle. *_alloc() returns an object the caller fills in;
 * *_insert() makes it part of the instance (on failure the caller frees it
 * after a grace period: lookups may have seen it for an instant); *_destroy() removes it, with what
 * depends on it, sends the DEL events (with @info, echoed to the requester)
 * and frees it after a grace period. A destroy either does all that or,
 * when the forwarding tables cannot be rebuilt without the routes it takes
 * away (no memory), nothing: it returns -ENOMEM.
 */

/* router.c */
struct mw_router *mw_router_alloc(const uuid_t *id);
int mw_router_insert(struct mw_net *mn, struct mw_router *r,
		     struct netlink_ext_ack *extack);
void mw_router_free(struct mw_router *r);
void mw_router_set_admin(struct mw_net *mn, struct mw_router *r, bool up);
int mw_router_destroy(struct mw_net *mn, struct mw_router *r,
		      struct genl_info *info);

/* port.c */
struct mw_port *mw_port_alloc(const uuid_t *id);
int mw_port_insert(struct mw_net *mn, struct mw_port *p, struct mw_port *peer,
		   struct net_device *dev, struct netlink_ext_ack *extack);
void mw_port_set_admin(struct mw_net *mn, struct mw_port *p, bool up);
void mw_port_set_host(struct mw_net *mn, struct mw_port *p, struct mw_host *h);
void mw_port_refresh(struct mw_net *mn, struct mw_port *p);
void mw_port_free(struct mw_port *p);
int mw_port_destroy(struct mw_net *mn, struct mw_port *p,
		    struct genl_info *info);

/* The port's MAC, read once: @buf has 8 bytes (ether_addr_equal_64bits). */
static inline const u8 *mw_port_mac(const struct mw_port *p, u64 *buf)
{
	*buf = READ_ONCE(p->mac_word);
	return (const u8 *)buf;
}

static inline void mw_port_set_mac(struct mw_port *p, const u8 *mac)
{
	union {
		u8 mac[ETH_ALEN];
		u64 word;
	} v = { .word = 0 };

	ether_addr_copy(v.mac, mac);
	WRITE_ONCE(p->mac_word, v.word);
}

static inline bool mw_port_subnet_has(const struct mw_port *p, __be32 ip)
{
	__be32 mask = inet_make_mask(p->prefixlen);

	return p->has_addr && ((ip ^ p->addr) & mask) == 0;
}

/* The port's counters (stats.h). */
static inline void mw_count_rx(struct mw_port *p, unsigned int len)
{
	mw_stats_count(p->stats, false, len);
}

static inline void mw_count_tx(struct mw_port *p, unsigned int len)
{
	mw_stats_count(p->stats, true, len);
}

/* Count a drop for @reason at @p and free @skb (which may be NULL). */
static inline void mw_drop(struct mw_port *p, struct sk_buff *skb,
			   enum mw_drop_reason reason)
{
	mw_stats_drop(p->stats, skb, reason);
}

/* Tag a frame that leaves @p with the port's VLAN, if it has one. */
static inline void mw_port_vlan_tag(const struct mw_port *p,
				    struct sk_buff *skb)
{
	u16 vlan = READ_ONCE(p->vlan);

	if (vlan)
		__vlan_hwaccel_put_tag(skb, htons(ETH_P_8021Q), vlan);
}

/* Under mn->lock, or RCU for the packet path. */
static inline struct mw_port *mw_port_peer(const struct mw_port *p)
{
	return rcu_dereference_check(p->peer,
				     lockdep_is_held(&p->router->mn->lock));
}

/*
 * Whether the next change of @rt's prefix uses @rt: it is not being deleted
 * and its egress port, if any, is up. ACTIVE says what the last published
 * change used. Under mn->lock.
 */
static inline bool mw_route_usable(const struct mw_route *rt)
{
	if (rt->dying)
		return false;
	return rt->key.nh_type != MIDWAY_NH_PORT ||
	       READ_ONCE(rt->key.port->oper_up);
}

/* route.c */
int mw_route_keys_init(struct mw_net *mn);
void mw_route_keys_destroy(struct mw_net *mn);
int mw_route_insert(struct mw_net *mn, struct mw_route *rt,
		    struct netlink_ext_ack *extack);
void mw_route_refresh(struct mw_net *mn, struct mw_route *rt);
int mw_route_destroy(struct mw_net *mn, struct mw_route *rt,
		     struct genl_info *info);
int mw_route_replace(struct mw_net *mn, struct mw_route *old,
		     struct mw_route *rt, struct netlink_ext_ack *extack);
/*
 * Take the routes of @r (or via @p) out of the forwarding tables, all or
 * none: 0, or -ENOMEM and nothing changed. mw_route_release() then deletes
 * each of them.
 */
int mw_router_retire_routes(struct mw_net *mn, struct mw_router *r);
int mw_port_retire_routes(struct mw_net *mn, struct mw_port *p);
void mw_route_release(struct mw_net *mn, struct mw_route *rt,
		      struct genl_info *info);

/* host.c */
struct mw_host *mw_host_alloc(const uuid_t *id);
void mw_host_free(struct mw_host *h);
int mw_host_insert(struct mw_net *mn, struct mw_host *h,
		   struct netlink_ext_ack *extack);
int mw_host_change(struct mw_net *mn, struct mw_host *h, __be32 addr,
		   bool local, struct netlink_ext_ack *extack);
int mw_host_destroy(struct mw_net *mn, struct mw_host *h,
		    struct genl_info *info);

/* device.c: ports bound to network devices. */
int mw_device_init(void);
void mw_device_exit(void);
int mw_device_check(struct mw_port *p, struct net_device *dev,
		    struct netlink_ext_ack *extack);
int mw_device_bind(struct mw_port *p, struct net_device *dev,
		   struct netlink_ext_ack *extack);
void mw_device_unbind(struct mw_port *p);

/*
 * netlink.c: multicast an event about @obj, whose type @cmd implies, on the
 * "events" group of the instance; with @info, also echo it to the requester
 * when it asked (NLM_F_ECHO).
 */
int mw_netlink_init(void);
void mw_netlink_exit(void);
void mw_notify(struct mw_net *mn, u8 cmd, const void *obj,
	       struct genl_info *info);

/* A change the dumps must see: see "Dumps" in uapi/linux/midway.h. */
static inline void mw_gen_bump(struct mw_net *mn)
{
	mw_assert_locked(mn);
	mn->gen = mn->gen + 1 ?: 1;
}

#endif /* _MW_MIDWAY_H */
