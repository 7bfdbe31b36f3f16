#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Compare one kernel's midway objects with the topology in ZooKeeper.

    topo_compare.py ZK.json HOST_ID ROUTERS.json PORTS.json ROUTES.json HOSTS.json

ZK.json: {"routers": mwtopo -j router list, "ports": ... port list,
"routes": ... route list, "hosts": ... host list}; the others: mwctl -j
{router,port,route,host} show in the host's namespace. Prints every
difference; exit 0 when there is none. What is compared is what
Documentation/zookeeper.md says midwayd puts in a kernel: every router,
port and route with their attributes, the live hosts, each exterior port on
the host it is bound to (if alive), bound to its interface on that host,
its remote state from its "active" node, and each route active exactly
when topo_port_usable() says it is used.
"""
import json
import sys


def load(path):
    with open(path) as f:
        data = json.load(f)
    if isinstance(data, dict):  # {"router": [...]}-style nesting, if any
        for v in data.values():
            if isinstance(v, list):
                return v
    return data or []


def main():
    zk_path, me, routers_p, ports_p, routes_p, hosts_p = sys.argv[1:7]
    with open(zk_path) as f:
        zk = json.load(f)
    k_routers = {o["id"]: o for o in load(routers_p)}
    k_ports = {o["id"]: o for o in load(ports_p)}
    k_routes = {o["id"]: o for o in load(routes_p)}
    k_hosts = {o["id"]: o for o in load(hosts_p)}
    diffs = []

    def diff(what, want, have):
        if want != have:
            diffs.append(f"{what}: want {want!r}, kernel has {have!r}")

    alive = {h["id"] for h in zk["hosts"] if h.get("alive")}
    alive.add(me)
    # A host not alive that the topology still names (config/hosts, a
    # binding) may stay, at its last address: midwayd keeps it so that
    # what it still tunnels is taken (Documentation/midwayd.md).
    named = {h["id"] for h in zk["hosts"] if h.get("configured")}
    named |= {p["binding"]["host"] for p in zk["ports"] if p.get("binding")}
    diff("live hosts", sorted(alive), sorted(alive & set(k_hosts)))
    diff("hosts neither alive nor named", [],
         sorted(set(k_hosts) - alive - named))
    placed = alive | set(k_hosts)

    diff("router ids", sorted(r["id"] for r in zk["routers"]),
         sorted(k_routers))
    for r in zk["routers"]:
        k = k_routers.get(r["id"])
        if k:
            diff(f"router {r['name']} name", r["name"], k.get("name"))
            diff(f"router {r['name']} admin", r["admin_up"], k.get("admin_up"))

    diff("port ids", sorted(p["id"] for p in zk["ports"]), sorted(k_ports))
    for p in zk["ports"]:
        k = k_ports.get(p["id"])
        if not k:
            continue
        n = f"port {p.get('name') or p['id']}"
        diff(f"{n} router", p["router"], k.get("router_id"))
        diff(f"{n} kind", p["kind"], k.get("kind"))
        diff(f"{n} address", p.get("addr"), k.get("address"))
        diff(f"{n} mac", p.get("mac"), k.get("mac"))
        diff(f"{n} key", p.get("tunnel_key"), k.get("key"))
        diff(f"{n} peer", p.get("peer"), k.get("peer_id"))
        diff(f"{n} admin", p["admin_up"], k.get("admin_up"))
        if p["kind"] != "exterior":
            continue
        diff(f"{n} vlan", p.get("vlan", 0), k.get("vlan", 0))
        b = p.get("binding")
        host = b["host"] if b and b["host"] in placed else None
        diff(f"{n} host", host, k.get("host_id"))
        diff(f"{n} device", b["interface"] if host == me else None,
             k.get("dev"))
        if host and host != me:
            diff(f"{n} remote up", p.get("active_on") == host,
                 k.get("remote_up"))

    diff("route ids", sorted(r["id"] for r in zk["routes"]),
         sorted(k_routes))
    for r in zk["routes"]:
        k = k_routes.get(r["id"])
        if not k:
            continue
        n = f"route {r['dst']} of {r.get('router_name')} ({r['id'][-4:]})"
        diff(f"{n} router", r["router"], k.get("router_id"))
        diff(f"{n} dst", r["dst"], k.get("dst"))
        diff(f"{n} src", r.get("src"), k.get("src"))
        diff(f"{n} type", r["type"], k.get("type"))
        diff(f"{n} port", r.get("port"), k.get("port_id"))
        diff(f"{n} gateway", r.get("gateway"), k.get("gateway"))
        diff(f"{n} weight", r["weight"], k.get("weight"))
        if r["type"] == "port":
            diff(f"{n} active", r["used"], k.get("active"))

    for d in diffs:
        print(d)
    return 1 if diffs else 0


if __name__ == "__main__":
    sys.exit(main())
