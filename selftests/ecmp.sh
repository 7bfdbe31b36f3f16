#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# ECMP over three uplinks, with resilient hashing. Runs in the test VM as
# root with midway.ko loaded.
#
#   netns vm 10.1.0.2/24                       netns upstream
#       | veth                                 203.0.113.1 on lo (the "Internet")
#     tapv                          eth1 ---- up1 198.51.100.1/30
#   +--------+ interior +----------+ eth2 ---- up2 198.51.100.5/30
#   | tenant |==========| provider | eth3 ---- up3 198.51.100.9/30
#   +--------+          +----------+   three ECMP default routes
#
# 300 UDP flows (source ports 20000..20299) go from vm to 203.0.113.1; the
# upstream namespace records which uplink each flow arrived on.
set -u
cd "$(dirname "$0")/.." || exit 1
# shellcheck source=selftests/lib.sh
. selftests/lib.sh

tap_start
# A fixed hash seed makes the flows' placement repeatable run to run (with a
# random seed, 300 flows over 3 members is a binomial draw: about one run in
# seven would land a member more than 15% off even).
rmmod midway
insmod "build/kmod/$(uname -r)/midway.ko" ecmp_seed=1
set -e
modprobe veth
vm_ns vm tapv 10.1.0.2/24 10.1.0.1
ip netns add upstream
ip -n upstream link set lo up
ip -n upstream addr add 203.0.113.1/32 dev lo
for s in all default; do
	ip netns exec upstream sysctl -qw "net.ipv4.conf.$s.rp_filter=0"
done
for i in 1 2 3; do
	ip link add "eth$i" type veth peer name "up$i" netns upstream
	ip -n upstream addr add "198.51.100.$((4 * i - 3))/30" dev "up$i"
	ip netns exec upstream sysctl -qw "net.ipv4.conf.up$i.rp_filter=0"
	ip -n upstream link set "up$i" up
	ip link set "eth$i" up
done

$mw host add name gw address 192.0.2.10 local
$mw router add name provider
$mw router add name tenant
$mw port add router tenant name t-vm exterior address 10.1.0.1/24 host gw dev tapv
$mw port add router provider name p-t interior address 169.254.1.1/30
$mw port add router tenant name t-up interior address 169.254.1.2/30 peer p-t
$mw route add router tenant 10.1.0.0/24 port t-vm
$mw route add router tenant 0.0.0.0/0 via 169.254.1.1 port t-up
$mw route add router provider 10.1.0.0/24 via 169.254.1.2 port p-t
for i in 1 2 3; do
	$mw port add router provider name "uplink$i" exterior \
		address "198.51.100.$((4 * i - 2))/30" host gw dev "eth$i"
	$mw route add router provider 0.0.0.0/0 via "198.51.100.$((4 * i - 3))" \
		port "uplink$i" weight 100
done
set +e

# Record, per source port, the uplink each datagram arrived on.
recv() {
	ip netns exec upstream /usr/bin/python3 - "$1" <<'PY' &
import socket, struct, sys, json
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
IP_PKTINFO = 8  # <linux/in.h>; Python 3.11 lacks the constant
s.setsockopt(socket.IPPROTO_IP, IP_PKTINFO, 1)
s.bind(("203.0.113.1", 9)); s.settimeout(4)
seen = {}
try:
    while True:
        data, anc, _, addr = s.recvmsg(64, 64)
        for lvl, typ, d in anc:
            if lvl == socket.IPPROTO_IP and typ == IP_PKTINFO:
                ifindex = struct.unpack("i", d[:4])[0]
                seen.setdefault(addr[1], set()).add(socket.if_indextoname(ifindex))
except socket.timeout:
    pass
print("# receiver:", sys.argv[1], len(seen), "flows", file=sys.stderr)
json.dump({k: sorted(v) for k, v in seen.items()}, open(sys.argv[1], "w"))
PY
	wait_for 10 bound	# until the receiver is bound
}
# shellcheck disable=SC2317  # called by wait_for
bound() {	# is the receiver bound
	ip netns exec upstream ss -Hunl 'sport = :9' | grep -q .
}
send() {
	ip netns exec vm /usr/bin/python3 - <<'PY'
import socket, time
for rnd in range(3):
    for port in range(20000, 20300):
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind(("10.1.0.2", port)); s.sendto(b"x", ("203.0.113.1", 9)); s.close()
    time.sleep(0.2)
PY
	wait
}
show_drops() {	# on a failure, what the datapath dropped
	[ "$1" = 300 ] || $mw drops | diag
}
analyse() {	# analyse FILE: prints "flows split up1 up2 up3"
	/usr/bin/python3 - "$1" <<'PY'
import json, sys
m = json.load(open(sys.argv[1]))
split = sum(1 for v in m.values() if len(v) > 1)
c = {u: sum(1 for v in m.values() if v == [u]) for u in ("up1", "up2", "up3")}
print(len(m), split, c["up1"], c["up2"], c["up3"])
PY
}
# shellcheck disable=SC2317  # called by check
even() {	# even N A B...: each count within 15% of N / (number of counts)
	local total=$1; shift
	local want=$((total / $#)) c
	for c; do
		[ $((c * 100)) -ge $((want * 85)) ] && [ $((c * 100)) -le $((want * 115)) ] || return 1
	done
}

# Learn the three gateways first (the first packets would wait for ARP).
recv /tmp/r0.json; send

recv /tmp/r1.json; send
read -r flows split c1 c2 c3 <<<"$(analyse /tmp/r1.json)"
show_drops "$flows"
echo "# all up: $flows flows, $split split, uplinks $c1 $c2 $c3"
check "all 300 flows arrive" test "$flows" = 300
check "every flow stays on one uplink" test "$split" = 0
check "spread within 15% of even ($c1 $c2 $c3)" even 300 "$c1" "$c2" "$c3"

ip -n upstream link set up2 down
sleep 2
recv /tmp/r2.json; send
read -r flows split d1 d2 d3 <<<"$(analyse /tmp/r2.json)"
show_drops "$flows"

echo "# up2 down: $flows flows, uplinks $d1 $d2 $d3"
moved=$(/usr/bin/python3 - /tmp/r1.json /tmp/r2.json <<'PY'
import json, sys
a, b = (json.load(open(f)) for f in sys.argv[1:])
print(sum(1 for k in a if a[k] != ["up2"] and b.get(k) != a[k]))
PY
)
check "all 300 flows arrive with an uplink down" test "$flows" = 300
check "no flow uses the down uplink" test "$d2" = 0
check "only the down uplink's flows moved ($moved others moved)" test "$moved" = 0

ip -n upstream link set up2 up
sleep 3
recv /tmp/r3.json; send
read -r flows split e1 e2 e3 <<<"$(analyse /tmp/r3.json)"
show_drops "$flows"
echo "# up2 back: $flows flows, uplinks $e1 $e2 $e3"
check "spread is even again when it comes back ($e1 $e2 $e3)" even 300 "$e1" "$e2" "$e3"

tap_end
