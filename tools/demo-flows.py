#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The demo's north-south UDP flows (tools/demo-guest.sh), in the demo VM.

    demo-flows.py respond DIR NAME     in netns upstream, in the background
    demo-flows.py send DIR NAME FLOWS  in netns vm1

respond: answers every datagram to 203.0.113.1:9 through the interface it
came in by (IP_PKTINFO), with that interface's name, as a stateful upstream
(per-uplink NAT, a firewall) would; creates DIR/NAME.ready once it listens;
stops after 3 s without a datagram (30 s before the first) and writes
DIR/NAME.up.json: {"flows": {source port: [uplinks seen]}, "per_if":
{uplink: datagrams}}.

send: from 10.1.0.2, one datagram to 203.0.113.1:9 from each of FLOWS source
ports (20000 on), one socket each; waits for the replies (until all are in
or none came for 3 s) and writes DIR/NAME.vm.json: {"flows": {source port:
[uplinks the replies name]}, "got": replies}.
"""
import json
import resource
import select
import socket
import struct
import sys

IP_PKTINFO = 8  # <linux/in.h>; Python 3.11 lacks the constant
SO_RCVBUFFORCE = 33  # <asm-generic/socket.h>
UPSTREAM = ("203.0.113.1", 9)


def respond(d, name):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    # The flows arrive at once, faster than Python under TCG reads them.
    s.setsockopt(socket.SOL_SOCKET, SO_RCVBUFFORCE, 16 << 20)
    s.setsockopt(socket.IPPROTO_IP, IP_PKTINFO, 1)
    s.bind(UPSTREAM)
    s.settimeout(30)
    open("%s/%s.ready" % (d, name), "w").close()
    flows, per_if, names = {}, {}, {}
    try:
        while True:
            data, anc, _, addr = s.recvmsg(64, 64)
            s.settimeout(3)
            ifindex = 0
            for lvl, typ, b in anc:
                if lvl == socket.IPPROTO_IP and typ == IP_PKTINFO:
                    ifindex = struct.unpack("i", b[:4])[0]
            if ifindex not in names:
                names[ifindex] = socket.if_indextoname(ifindex)
            ifname = names[ifindex]
            flows.setdefault(addr[1], set()).add(ifname)
            per_if[ifname] = per_if.get(ifname, 0) + 1
            info = struct.pack("i4s4s", ifindex,
                               socket.inet_aton(UPSTREAM[0]), bytes(4))
            s.sendmsg([ifname.encode()],
                      [(socket.IPPROTO_IP, IP_PKTINFO, info)], 0, addr)
    except socket.timeout:
        pass
    with open("%s/%s.up.json" % (d, name), "w") as f:
        json.dump({"flows": {k: sorted(v) for k, v in flows.items()},
                   "per_if": per_if}, f)


def send(d, name, flows):
    first = 20000
    resource.setrlimit(resource.RLIMIT_NOFILE, (flows + 64, flows + 64))
    socks, ep = [], select.epoll()
    for i in range(flows):
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind(("10.1.0.2", first + i))
        s.setblocking(False)
        socks.append(s)
        ep.register(s.fileno(), select.EPOLLIN)
    byfd = {s.fileno(): first + i for i, s in enumerate(socks)}
    for s in socks:
        s.sendto(b"x", UPSTREAM)
    replies, got = {}, 0
    while got < flows:
        ev = ep.poll(3)
        if not ev:
            break
        for fd, _ in ev:
            s = socks[byfd[fd] - first]
            while True:
                try:
                    b = s.recv(64)
                except BlockingIOError:
                    break
                got += 1
                replies.setdefault(byfd[fd], set()).add(b.decode())
    with open("%s/%s.vm.json" % (d, name), "w") as f:
        json.dump({"flows": {k: sorted(v) for k, v in replies.items()},
                   "got": got}, f)


if __name__ == "__main__":
    if sys.argv[1] == "respond":
        respond(sys.argv[2], sys.argv[3])
    else:
        send(sys.argv[2], sys.argv[3], int(sys.argv[4]))
