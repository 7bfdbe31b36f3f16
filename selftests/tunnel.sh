#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# VXLAN tunnels between hosts. Runs in the test VM as root with midway.ko
# loaded. Every host is a network namespace with its own midway instance,
# configured identically (same ids, names, keys, MACs: what the controller
# will do), except for which host is local and which devices are bound.
#
#                        netns upstream, 203.0.113.1/32 on lo
#                 up1 198.51.100.1/30  up2 .5/30        up3 .9/30
#                        |                 |                 |
#                      uplink            uplink            uplink
#                   +---g1---+        +---g2---+        +---g3---+
#   netns vm1       |   G1   |        |   G2   |        |   G3   |     netns vm2
#   10.1.0.2/24     +---ul---+        +---ul---+        +---ul---+   10.2.0.2/24
#      | tap1           | .21             | .22             | .23       tap2 |
#   +--c1--+            |                 |                 |          +--c2--+
#   |  C1  |-ul---------+-----------------+-----------------+-------ul-|  C2  |
#   +------+ .11     br0 in netns underlay (10.99.0.99/24)         .12 +------+
#                                        |
#                               ul .31  netns foreign: Linux VXLAN devices
#                               vxin  VNI 300 (a-f's key), 10.5.0.2/24
#                               vx101 VNI 101 (a-vm's key) to C1, for VM1
#
#   veth pairs; the underlay is 10.99.0.0/24 (host X's address .NN above),
#   tap1/tap2/uplink are bound to midway ports on their host only.
#
# The virtual topology, on all five instances (C1 C2 G1 G2 G3):
#
#   tenantA                       provider                        tenantB
#   a-vm 10.1.0.1/24  (C1, 101)   p-a 169.254.1.1 == a-up .1.2    b-vm 10.2.0.1/24 (C2, 102)
#   a-f  10.5.0.1/24  (F, 300)    p-b 169.254.2.1 == b-up .2.2
#                                 uplinkN 198.51.100.{2,6,10}/30 (GN, 201..203)
#   tenantA: 10.1.0.0/24 a-vm, 10.5.0.0/24 a-f, default via the provider;
#   tenantB: 10.2.0.0/24 b-vm, default via the provider; provider: 10.1/16
#   and 10.2/16 to the tenants, three ECMP default routes, one per uplink.
#   (HOST, key): where an exterior port lives, and its tunnel key (VNI).
#
# What it checks, in order:
#  1. VM1 <-> VM2 (ping, traceroute, UDP, TCP) goes C1 <-> C2 directly: the
#     gateways' tunnel counters do not move; the underlay carries VNI 102
#     (b-vm) from .11 to .12 and VNI 101 (a-vm) back (tshark).
#  2. The tunnel MTU: 1450 on a 1500 underlay (fragments before
#     encapsulation without DF, "frag needed, mtu 1450" with DF).
#  3. VM1 -> upstream: FLOWS UDP flows spread evenly over G1..G3, each on
#     one uplink; the replies come back by the uplink they arrived on and
#     are tunnelled from that gateway to C1. Then uplink2 loses carrier on
#     G2 and is set remote-up off on the other instances: only its flows
#     move, nothing is lost on the others.
#  4. A Linux VXLAN device as a foreign host F: ping and TCP both ways.
#  5. Bad tunnel frames (unknown VNI, VNI of a port on another host, unknown
#     source, truncated, no I flag) are dropped under their reason only.
#  6. With underlay MTU 1550 a 1500-byte DF packet passes.
#
# Replies from upstream: upstream's own route back to 10.0.0.0/8 is an ECMP
# route over the three uplinks, and Linux would hash a reply onto any of
# them, whatever uplink its request came in by. The responder instead
# answers each datagram through the interface it arrived on (IP_PKTINFO
# with that ifindex on sendmsg: the route lookup then keeps to that
# interface's nexthop), as a stateful upstream (per-uplink NAT, firewalls)
# would. That makes the path of every reply known, so the tunnel counters
# of C1 and of each gateway can be matched exactly against what upstream
# saw.
set -u
cd "$(dirname "$0")/.." || exit 1
# shellcheck source=selftests/lib.sh
. selftests/lib.sh
# shellcheck source=selftests/overlay.sh
. selftests/overlay.sh

# How many flows: as in ecmp.sh (which has the arithmetic), a member's
# count is binomial; 15% of even with 1000 flows fails one run in 340 for
# any seed, with 3000 one in 3e7.
FLOWS=3000
ROUNDS=2			# datagrams per flow and phase

vm1() { ip netns exec vm1 "$@"; }
vm2() { ip netns exec vm2 "$@"; }
upstream() { ip netns exec upstream "$@"; }
# shellcheck disable=SC2317  # called by check
foreign() { ip netns exec foreign "$@"; }

# has FILE WORD: does FILE hold WORD (read by the shell: polling must not
# start programs).
# shellcheck disable=SC2317  # called by wait_for
has() {
	local l
	[ -r "$1" ] || return 1
	while IFS= read -r l; do [[ $l != *"$2"* ]] || return 0; done <"$1"
	return 1
}
# stats_file NS FILE: the tunnel counters of every host on NS's instance.
stats_file() { mw_in "$1" -j host stats >"$2"; }
# oper NS PORT: true|false, the port's OPER_UP on NS's instance.
oper() { mw_in "$1" -j port show "$2" | jq -r '.[0].oper_up'; }
# section TITLE: a diagnostic with the time since the start.
section() { echo "# --- $* (at ${SECONDS} s)"; }

tap_start
set -e
topo
set +e
section "namespaces set up"
if ! config; then nok "configure the five instances"; tap_end; fi
section "instances configured"

for h in $HOSTS; do
	out=$(mw_in "$h" -j tunnel show | jq -r '.[0] | "\(.open) \(.port)"')
	check_eq "${h^^}: the tunnel is open on UDP 4789" "$out" "true 4789"
done
check_eq "on C1, b-vm (on C2) is up, through the tunnel" "$(oper c1 b-vm)" true
check_eq "on C1, a-vm is up, bound to tap1" "$(oper c1 a-vm)" true

# --- 1. VM1 <-> VM2, C1 <-> C2 directly ----------------------------------------
section "1. VM1 <-> VM2"
for g in g1 g2 g3; do stats_file "$g" "/tmp/$g.0.json"; done
check "VM1 pings VM2 (neighbours learnt)" quiet vm1 ping -c 2 -W 2 10.2.0.2

# The underlay while VM1 pings VM2 three times: exactly three requests
# C1 -> C2 under b-vm's key, three replies under a-vm's.
stats_file c1 /tmp/c1.0.json
timeout 60 ip netns exec underlay tcpdump -i br0 -nn -U -w /tmp/ul.pcap \
	udp port 4789 2>/tmp/tcpdump.err &
cap=$!
wait_for 20 has /tmp/tcpdump.err listening
out=$(vm1 ping -c 3 -i 0.3 -W 2 10.2.0.2)
check "VM1 pings VM2 three times" grep -q "3 packets transmitted, 3 received" <<<"$out"
check "three routers decrement the TTL (64 -> 61), the tunnel none" \
	grep -q "ttl=61" <<<"$out"
sleep 1
kill "$cap"
wait "$cap"
stats_file c1 /tmp/c1.1.json
check_eq "C1's tunnel counters: 3 packets to C2 and 3 from it, nothing else" \
	"$(stats_delta /tmp/c1.0.json /tmp/c1.1.json)" "C2.rx+3 C2.tx+3"
# Fields: VNI, the outer then inner source, the same for the destination,
# the ICMP type (8 request, 0 reply).
HOME=/tmp tshark -r /tmp/ul.pcap -Y vxlan -T fields -e vxlan.vni \
	-e ip.src -e ip.dst -e icmp.type 2>/tmp/tshark.err |
	sort | uniq -c | sed 's/^ *//' >/tmp/vxlan.txt
diag </tmp/vxlan.txt
want=$(printf '3 101\t10.99.0.12,10.2.0.2\t10.99.0.11,10.1.0.2\t0\n3 102\t10.99.0.11,10.1.0.2\t10.99.0.12,10.2.0.2\t8')
got=$(cat /tmp/vxlan.txt)
[ "$got" = "$want" ] || diag </tmp/tshark.err
check_eq "the underlay carries VM1->VM2 as VNI 102 C1->C2, the replies as VNI 101 C2->C1" \
	"$got" "$want"

out=$(vm1 traceroute -n -q 1 -w 2 10.2.0.2 2>&1)
echo "$out" | diag
hops=$(awk 'NR > 1 { print $2 }' <<<"$out" | tr '\n' ' ')
check_eq "traceroute shows tenantA, the provider, tenantB, then VM2" \
	"$hops" "10.1.0.1 169.254.1.1 169.254.2.2 10.2.0.2 "

# UDP: datagrams of several sizes, echoed by VM2, each back intact.
vm2 /usr/bin/python3 - <<'PY' &
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("10.2.0.2", 7)); s.settimeout(30)
try:
    while True:
        d, a = s.recvfrom(2048)
        if d == b"end": break
        s.sendto(d, a)
except socket.timeout:
    pass
PY
echo_srv=$!
out=$(vm1 /usr/bin/python3 - <<'PY'
import os, socket, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.settimeout(2)
sizes, good = [1, 18, 100, 512, 1000, 1400, 1422] * 3, 0
for n in sizes:
    d = os.urandom(n)
    for attempt in range(10):	# until the server is up
        s.sendto(d, ("10.2.0.2", 7))
        try:
            r = s.recv(2048)
            good += r == d
            break
        except socket.timeout:
            pass
        except ConnectionRefusedError:
            time.sleep(0.5)
s.sendto(b"end", ("10.2.0.2", 7))
print("%d/%d" % (good, len(sizes)))
PY
)
wait "$echo_srv"
check_eq "UDP: 21 datagrams of 1 to 1422 bytes echoed intact" "$out" 21/21

vm2 iperf3 -s -1 -D -I /tmp/iperf3.pid >/dev/null 2>&1
sleep 1
vm1 iperf3 -c 10.2.0.2 -t 2 -J >/tmp/iperf3.json 2>&1
bytes=$(jq -r '.end.sum_received.bytes // 0' /tmp/iperf3.json)
jq -r '"iperf3: \(.end.sum_received.bits_per_second // 0 | floor) bit/s received, \(.end.sum_sent.retransmits // "?") retransmits, \(.error // "no error")"' \
	/tmp/iperf3.json | diag
check "iperf3 TCP VM1 -> VM2 for 2 s: more than 1 MB received ($bytes)" \
	test "$bytes" -gt 1000000
check "TCP: 4 MB VM1 -> VM2 arrive intact" tcp_intact vm2 vm1 10.2.0.2 4

for g in g1 g2 g3; do
	stats_file "$g" "/tmp/$g.1.json"
	check_eq "${g^^}'s tunnel counters did not move for VM1 <-> VM2" \
		"$(stats_delta "/tmp/$g.0.json" "/tmp/$g.1.json")" ""
done

# --- 2. The tunnel MTU: 1500 less 50 -------------------------------------------
# The PMTU that VM1 and VM2 learnt with TCP is forgotten first: the packets
# must reach midway whole.
section "2. tunnel MTU"
ip -n vm1 route flush cache
ip -n vm2 route flush cache
stats_file c1 /tmp/c1.2.json
fc0=$(snmp vm1 Ip FragCreates)
r1=$(snmp vm1 Ip ReasmOKs)
r2=$(snmp vm2 Ip ReasmOKs)
check "1500-byte pings without DF are answered" \
	quiet vm1 ping -c 2 -W 2 -M dont -s 1472 10.2.0.2
stats_file c1 /tmp/c1.3.json
check_eq "VM1 sent them whole" "$(($(snmp vm1 Ip FragCreates) - fc0))" 0
check_eq "C1 tunnelled each request as 2 fragments, C2 each reply" \
	"$(stats_delta /tmp/c1.2.json /tmp/c1.3.json)" "C2.rx+4 C2.tx+4"
check_eq "VM2 reassembled the 2 requests, VM1 the 2 replies" \
	"$(($(snmp vm2 Ip ReasmOKs) - r2)) $(($(snmp vm1 Ip ReasmOKs) - r1))" "2 2"
out=$(vm1 ping -c 1 -W 2 -M "do" -s 1472 10.2.0.2 2>&1)
echo "$out" | diag
check "a 1500-byte DF ping gets frag needed, mtu 1450, from tenantB's b-up" \
	grep -q "From 169.254.2.2 .*Frag needed.*mtu = 1450" <<<"$out"
stats_file c1 /tmp/c1.4.json
check_eq "and nothing was tunnelled" \
	"$(stats_delta /tmp/c1.3.json /tmp/c1.4.json)" ""
check "a 1450-byte DF ping passes" \
	quiet vm1 ping -c 1 -W 2 -M "do" -s 1422 10.2.0.2

# --- 3. VM1 -> upstream over the three gateways --------------------------------
# recv NAME WANT: upstream's responder, in the background. It answers every
# datagram to 203.0.113.1:9 through the interface it came in by, with that
# interface's name, and writes /tmp/NAME.up.json: per source port the
# uplinks its datagrams came by, and the datagrams per uplink. It stops
# after WANT datagrams, or 4 s without any (30 s before the first).
recv() {
	rm -f "/tmp/$1.ready"
	upstream /usr/bin/python3 - "$1" "$2" <<'PY' &
import json, socket, struct, sys
IP_PKTINFO = 8  # <linux/in.h>; Python 3.11 lacks the constants
SO_RCVBUFFORCE = 33  # <asm-generic/socket.h>
name, want = sys.argv[1], int(sys.argv[2])
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, SO_RCVBUFFORCE, 64 << 20)
s.setsockopt(socket.IPPROTO_IP, IP_PKTINFO, 1)
s.bind(("203.0.113.1", 9)); s.settimeout(30)
open("/tmp/%s.ready" % name, "w").close()
flows, per_if, names, got = {}, {}, {}, 0
try:
    while got < want:
        data, anc, _, addr = s.recvmsg(64, 64)
        got += 1
        if got == 1:
            s.settimeout(4)
        ifindex = 0
        for lvl, typ, d in anc:
            if lvl == socket.IPPROTO_IP and typ == IP_PKTINFO:
                ifindex = struct.unpack("i", d[:4])[0]
        if ifindex not in names:
            names[ifindex] = socket.if_indextoname(ifindex)
        ifname = names[ifindex]
        flows.setdefault(addr[1], set()).add(ifname)
        per_if[ifname] = per_if.get(ifname, 0) + 1
        info = struct.pack("i4s4s", ifindex, socket.inet_aton("203.0.113.1"),
                           bytes(4))
        s.sendmsg([ifname.encode()], [(socket.IPPROTO_IP, IP_PKTINFO, info)],
                  0, addr)
except socket.timeout:
    pass
print("# responder:", name, len(flows), "flows,", got, "datagrams",
      file=sys.stderr)
json.dump({"flows": {k: sorted(v) for k, v in flows.items()},
           "per_if": per_if}, open("/tmp/%s.up.json" % name, "w"))
PY
	recv_pid=$!
	wait_for 30 test -e "/tmp/$1.ready"
}
# send NAME FLOWS ROUNDS [FIRST]: from VM1, ROUNDS rounds 0.2 s apart of one
# datagram per flow (source ports from FIRST, default 20000), one socket
# per flow; then the replies, until all are in or none came for 4 s.
# Writes /tmp/NAME.vm.json: per source port the uplinks its replies name.
send() {
	vm1 /usr/bin/python3 - "$1" "$2" "$3" "${4:-20000}" <<'PY'
import json, resource, select, socket, sys, time
name, flows, rounds, first = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
resource.setrlimit(resource.RLIMIT_NOFILE, (flows + 64, flows + 64))
t0, socks, ep = time.monotonic(), [], select.epoll()
for i in range(flows):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("10.1.0.2", first + i)); s.setblocking(False)
    socks.append(s); ep.register(s.fileno(), select.EPOLLIN)
byfd = {s.fileno(): first + i for i, s in enumerate(socks)}
for rnd in range(rounds):
    for s in socks:
        s.sendto(b"x", ("203.0.113.1", 9))
    time.sleep(0.2)
replies, got = {}, 0
while got < flows * rounds:
    ev = ep.poll(4)
    if not ev:
        break
    for fd, _ in ev:
        s = socks[byfd[fd] - first]
        while True:
            try:
                d = s.recv(64)
            except BlockingIOError:
                break
            got += 1
            replies.setdefault(byfd[fd], set()).add(d.decode())
print("# sender: %d datagrams, %d replies in %.1f s" %
      (flows * rounds, got, time.monotonic() - t0), file=sys.stderr)
json.dump({"flows": {k: sorted(v) for k, v in replies.items()}, "got": got},
          open("/tmp/%s.vm.json" % name, "w"))
PY
	wait "$recv_pid"
}
# gw_stats NAME: the tunnel counters of C1 and G1..G3, to
# /tmp/NAME.{c1,g1,g2,g3}.json.
gw_stats() {
	local h
	for h in c1 g1 g2 g3; do stats_file "$h" "/tmp/$1.$h.json"; done
}
# phase NAME: recv, send, with the counters before (NAME0) and after.
phase() {
	gw_stats "${1}0"
	recv "$1" "$((FLOWS * ROUNDS))"
	send "$1" "$FLOWS" "$ROUNDS"
	gw_stats "$1"
}
# analyse NAME: one line, "flows split up1 up2 up3 d1 d2 d3 replies wrong
# g1 g2 g3 r1 r2 r3": the flows upstream saw, those seen on more than one
# uplink, the flows per uplink, the datagrams per uplink, the replies VM1
# got, the flows whose replies named another uplink than upstream saw; the
# tunnel packets that G1..G3 received from C1 during the phase, and those
# that C1 received from G1..G3.
analyse() {
	/usr/bin/python3 - "$1" <<'PY'
import json, sys
name = sys.argv[1]
def load(f):
    return json.load(open("/tmp/%s.json" % f))
up, vm = load(name + ".up"), load(name + ".vm")
m = up["flows"]
split = sum(1 for v in m.values() if len(v) > 1)
c = [sum(1 for v in m.values() if v == [u]) for u in ("up1", "up2", "up3")]
d = [up["per_if"].get(u, 0) for u in ("up1", "up2", "up3")]
wrong = sum(1 for k in m if vm["flows"].get(k) != m[k])
def rx(f, host):
    return [h for h in load(f) if h["name"] == host][0]["stats"]["rx"]["packets"]
g = [rx("%s.g%d" % (name, i), "C1") - rx("%s0.g%d" % (name, i), "C1")
     for i in (1, 2, 3)]
r = [rx(name + ".c1", "G%d" % i) - rx(name + "0.c1", "G%d" % i)
     for i in (1, 2, 3)]
print(len(m), split, *c, *d, vm["got"], wrong, *g, *r)
PY
}
# shellcheck disable=SC2317  # called by check
section "3. VM1 -> upstream"
echo "# ecmp_seed $(cat /sys/module/midway/parameters/ecmp_seed)"
# Learn the neighbours on the way (the uplinks, the underlay), the first
# packets would wait for ARP. 300 flows leave a gateway out with a chance
# of 3 * (2/3)^300.
recv warm 300
send warm 300 1 30000

phase all
read -r flows split c1 c2 c3 d1 d2 d3 replies wrong g1 g2 g3 r1 r2 r3 \
	<<<"$(analyse all)"
echo "# all up: $flows flows, $split split, uplinks $c1 $c2 $c3, datagrams $d1 $d2 $d3, $replies replies"
check_eq "all $FLOWS flows reach upstream" "$flows" "$FLOWS"
check_eq "no flow uses two uplinks" "$split" 0
check "spread over the gateways within 15% of even ($c1 $c2 $c3)" \
	even "$FLOWS" "$c1" "$c2" "$c3"
check_eq "VM1 got every reply, each from its flow's uplink" \
	"$replies $wrong" "$((FLOWS * ROUNDS)) 0"
check_eq "G1 G2 G3 received from C1 the datagrams upstream saw on up1 up2 up3" \
	"$g1 $g2 $g3" "$d1 $d2 $d3"
check_eq "C1 received from G1 G2 G3 as many replies" "$r1 $r2 $r3" "$d1 $d2 $d3"

# uplink2 loses carrier on G2. Before the other instances are told, a
# packet that C1 tunnels to G2 for it is dropped on G2 as port_down.
ip -n upstream link set up2 down
# shellcheck disable=SC2317  # called by wait_for
g2_down() { [ "$(oper g2 uplink2)" = false ]; }
check "G2 sees uplink2 down (carrier)" wait_for 10 g2_down
sport=$(jq -r '.flows | to_entries[] | select(.value == ["up2"]) | .key' \
	/tmp/all.up.json | head -n 1)
pd0=$(mw_in g2 -j port stats uplink2 | jq -r '.[0].drops.port_down // 0')
vm1 /usr/bin/python3 -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("10.1.0.2", int(sys.argv[1]))); s.sendto(b"x", ("203.0.113.1", 9))
' "${sport:-20000}"
sleep 1
check_eq "G2 drops a packet for uplink2 (flow $sport) as port_down" \
	"$(($(mw_in g2 -j port stats uplink2 | jq -r '.[0].drops.port_down // 0') - pd0))" 1

for h in c1 c2 g1 g3; do mw_in "$h" port set uplink2 remote-up off; done
check_eq "on C1, uplink2 is down after remote-up off" "$(oper c1 uplink2)" false

phase down
read -r flows split e1 e2 e3 d1 d2 d3 replies wrong g1 g2 g3 r1 r2 r3 \
	<<<"$(analyse down)"
echo "# uplink2 down: $flows flows, uplinks $e1 $e2 $e3, datagrams $d1 $d2 $d3, $replies replies"
moved=$(/usr/bin/python3 - <<'PY'
import json
a, b = (json.load(open("/tmp/%s.up.json" % f))["flows"] for f in ("all", "down"))
print(sum(1 for k in a if a[k] != ["up2"] and b.get(k) != a[k]),
      sum(1 for k in a if a[k] == ["up2"] and b.get(k) in (["up1"], ["up3"])))
PY
)
check_eq "all $FLOWS flows reach upstream with uplink2 down" "$flows" "$FLOWS"
check_eq "no flow uses uplink2" "$e2" 0
check_eq "the flows of uplink1 and uplink3 stayed, those of uplink2 moved to them" \
	"$moved" "0 $c2"
check_eq "VM1 got every reply, each from its flow's uplink" \
	"$replies $wrong" "$((FLOWS * ROUNDS)) 0"
check_eq "G1 G2 G3 received from C1 the datagrams upstream saw on up1 up2 up3" \
	"$g1 $g2 $g3" "$d1 $d2 $d3"
check_eq "C1 received from G1 G2 G3 as many replies" "$r1 $r2 $r3" "$d1 $d2 $d3"

# --- 4. A Linux VXLAN device as a foreign host -----------------------------------
section "4. foreign host"
stats_file c1 /tmp/c1.5.json
check "VM1 pings the foreign host (vxin, 10.5.0.2)" quiet vm1 ping -c 2 -W 2 10.5.0.2
check "the foreign host pings VM1" quiet foreign ping -c 2 -W 2 10.1.0.2
stats_file c1 /tmp/c1.6.json
check_eq "C1 exchanged the 8 packets with host F" \
	"$(stats_delta /tmp/c1.5.json /tmp/c1.6.json)" "F.rx+4 F.tx+4"
check "TCP: 2 MB VM1 -> foreign host arrive intact" \
	tcp_intact foreign vm1 10.5.0.2 2
check "TCP: 2 MB foreign host -> VM1 arrive intact" \
	tcp_intact vm1 foreign 10.1.0.2 2

# --- 5. Bad tunnel frames -----------------------------------------------------------
section "5. bad tunnel frames"
# inject NS SRC KIND:VNI:COUNT...: UDP datagrams from SRC, an address of
# netns NS, to C1's tunnel port. KIND: "frame", a VXLAN frame holding
# an ICMP echo from the foreign host to VM1 (VM1 would answer one that got
# through); "short", a VXLAN header and 4 bytes; "noflag", a whole frame
# without the I flag.
inject() {
	local ns=$1
	shift
	ip netns exec "$ns" /usr/bin/python3 - "$FOREIGN_MAC" "$@" <<'PY'
import socket, struct, sys
def csum(b):
    if len(b) % 2: b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    s = (s >> 16) + (s & 0xffff); s += s >> 16
    return ~s & 0xffff
icmp = struct.pack("!BBHHH", 8, 0, 0, 0x4d57, 1) + b"midway" * 8
icmp = icmp[:2] + struct.pack("!H", csum(icmp)) + icmp[4:]
ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(icmp), 1, 0, 64, 1, 0,
                 socket.inet_aton("10.5.0.2"), socket.inet_aton("10.1.0.2"))
ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]
eth = (bytes.fromhex("020000000101") +
       bytes.fromhex(sys.argv[1].replace(":", "")) + b"\x08\x00")
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind((sys.argv[2], 0))
for spec in sys.argv[3:]:
    kind, vni, count = spec.split(":")
    vx = struct.pack("!B3xI", 0 if kind == "noflag" else 0x08, int(vni) << 8)
    frame = vx + (b"\0" * 4 if kind == "short" else eth + ip + icmp)
    for _ in range(int(count)):
        s.sendto(frame, ("10.99.0.11", 4789))
PY
}
# Each kind a different count, so that each lands under one reason:
# F (a known host) sends 3 with an unknown VNI, 4 with b-vm's (a port on
# C2), 5 truncated and 6 without the I flag; the underlay's own address
# (no host) sends 7 good frames for a-vm.
stats_file c1 /tmp/c1.bad0.json
in0=$(snmp vm1 Ip InReceives)
inject foreign 10.99.0.31 frame:999:3 frame:102:4 short:101:5 noflag:101:6
inject underlay 10.99.0.99 frame:101:7
want="C1.unknown_host+7 F.bad_tunnel_header+11 F.key_not_local+4 F.unknown_key+3"
# shellcheck disable=SC2317  # called by wait_for
counted() {
	stats_file c1 /tmp/c1.bad1.json
	[ "$(stats_delta /tmp/c1.bad0.json /tmp/c1.bad1.json)" = "$want" ]
}
wait_for 5 counted
got=" $(stats_delta /tmp/c1.bad0.json /tmp/c1.bad1.json) "
check "an unknown VNI from F: F.unknown_key+3" grep -q " F.unknown_key+3 " <<<"$got"
check "the VNI of a port on C2 from F: F.key_not_local+4" \
	grep -q " F.key_not_local+4 " <<<"$got"
check "truncated (5) and no I flag (6) from F: F.bad_tunnel_header+11" \
	grep -q " F.bad_tunnel_header+11 " <<<"$got"
check "a frame from the underlay's 10.99.0.99, no host: C1.unknown_host+7" \
	grep -q " C1.unknown_host+7 " <<<"$got"
check_eq "and no other tunnel counter of C1 moved" "$got" " $want "
check_eq "VM1 received none of them" "$(($(snmp vm1 Ip InReceives) - in0))" 0
check "VM1 still reaches VM2" quiet vm1 ping -c 1 -W 2 10.2.0.2

# --- 6. Underlay MTU 1550: 1500-byte packets pass whole -------------------------
section "6. underlay MTU 1550"
ip -n underlay link set br0 mtu 1550
for h in $HOSTS foreign; do
	ip -n underlay link set "ul-$h" mtu 1550
	ip -n "$h" link set ul mtu 1550
done
ip -n vm1 route flush cache
ip -n vm2 route flush cache
stats_file c1 /tmp/c1.7.json
check "with underlay MTU 1550, 1500-byte DF pings pass" \
	quiet vm1 ping -c 2 -W 2 -M "do" -s 1472 10.2.0.2
stats_file c1 /tmp/c1.8.json
check_eq "each in one tunnel packet" \
	"$(stats_delta /tmp/c1.7.json /tmp/c1.8.json)" "C2.rx+2 C2.tx+2"

section "end"
tap_end
