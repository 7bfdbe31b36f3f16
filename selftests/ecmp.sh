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
# 3000 UDP flows (source ports 20000..22999) go from vm to 203.0.113.1; the
# upstream namespace records which uplink each flow arrived on.
#
# The hash seed is the module's default, random at load: the spread must be
# even whatever the seed. MW_ECMP_SEED=N (tools/vm/run -e MW_ECMP_SEED=N)
# reloads the module with ecmp_seed=N, to replay a run: every run prints the
# seed it used.
set -u
cd "$(dirname "$0")/.." || exit 1
# shellcheck source=selftests/lib.sh
. selftests/lib.sh

# How many flows: with a random seed, a flow lands on a member with p = 1/3
# (the 256 buckets split 86/85/85), so with N flows a member's count is
# binomial, mean N/3, std dev sqrt(N * 1/3 * 2/3) = sqrt(2N/9). The check
# allows 15% of N/3 = N/20, that is 0.05 N / sqrt(2N/9) = 0.106 sqrt(N)
# std devs; the chance that some member of the three is off (exact binomial
# tails, 86/85/85 buckets, summed over the members):
#   N =  300:  1.8 sigma, 0.17        (about one run in six)
#   N = 1000:  3.4 sigma, 3.0e-3      (one run in 340)
#   N = 3000:  5.8 sigma, 3.6e-8      (the 86-bucket member's upper bound,
#                                      the tightest, is 5.5 sigma away)
# (The "up2 back" check sees the same counts: every bucket goes home.)
FLOWS=3000

tap_start
if [ -n "${MW_ECMP_SEED:-}" ]; then
	rmmod midway
	insmod "build/kmod/$(uname -r)/midway.ko" ecmp_seed="$MW_ECMP_SEED"
fi
seed=$(cat /sys/module/midway/parameters/ecmp_seed)
echo "# ecmp_seed $seed (MW_ECMP_SEED=$seed replays this run)"
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

# recv FILE [FLOWS]: record, per source port, the uplink each datagram
# arrived on. The sender's 3 rounds of FLOWS datagrams may come faster than
# Python reads them: a receive buffer that holds them all loses none. It
# stops once all have come, or after 4 s without any (30 s for the first:
# the sender's Python can take seconds to start on the debug kernel).
recv() {
	ip netns exec upstream /usr/bin/python3 - "$1" "${2:-$FLOWS}" <<'PY' &
import socket, struct, sys, json
IP_PKTINFO = 8  # <linux/in.h>; Python 3.11 lacks the constants
SO_RCVBUFFORCE = 33  # <asm-generic/socket.h>
want = 3 * int(sys.argv[2])
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, SO_RCVBUFFORCE, 64 << 20)
s.setsockopt(socket.IPPROTO_IP, IP_PKTINFO, 1)
s.bind(("203.0.113.1", 9)); s.settimeout(30)
seen, names, got = {}, {}, 0
try:
    while got < want:
        data, anc, _, addr = s.recvmsg(64, 64)
        got += 1
        if got == 1:
            s.settimeout(4)
        for lvl, typ, d in anc:
            if lvl == socket.IPPROTO_IP and typ == IP_PKTINFO:
                ifindex = struct.unpack("i", d[:4])[0]
                if ifindex not in names:
                    names[ifindex] = socket.if_indextoname(ifindex)
                seen.setdefault(addr[1], set()).add(names[ifindex])
except socket.timeout:
    pass
print("# receiver:", sys.argv[1], len(seen), "flows,", got, "datagrams",
      file=sys.stderr)
json.dump({k: sorted(v) for k, v in seen.items()}, open(sys.argv[1], "w"))
PY
	wait_for 10 bound	# until the receiver is bound
}
# shellcheck disable=SC2317  # called by wait_for
bound() {	# is the receiver bound
	ip netns exec upstream ss -Hunl 'sport = :9' | grep -q .
}
# send [FLOWS]: 3 rounds, 0.2 s apart, of one datagram per flow (source
# ports from 20000); a flow's socket is opened in the first round (its first
# datagram goes at once) and kept for the others.
send() {
	ip netns exec vm /usr/bin/python3 - "${1:-$FLOWS}" <<'PY'
import resource, socket, sys, time
flows = int(sys.argv[1])
resource.setrlimit(resource.RLIMIT_NOFILE, (flows + 64, flows + 64))
t0, socks = time.monotonic(), []
for rnd in range(3):
    for i in range(flows):
        if rnd == 0:
            s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            s.bind(("10.1.0.2", 20000 + i)); socks.append(s)
        socks[i].sendto(b"x", ("203.0.113.1", 9))
    time.sleep(0.2)
print("# sender: %d datagrams in %.1f s" % (3 * flows, time.monotonic() - t0),
      file=sys.stderr)
PY
	wait
}
show_drops() {	# on a failure, what the datapath dropped
	[ "$1" = "$FLOWS" ] || $mw drops | diag
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
# Learn the three gateways first (the first packets would wait for ARP);
# 300 flows leave one of them out with a chance of 3 * (2/3)^300 = 4e-53.
recv /tmp/r0.json 300; send 300

recv /tmp/r1.json; send
read -r flows split c1 c2 c3 <<<"$(analyse /tmp/r1.json)"
show_drops "$flows"
echo "# all up: $flows flows, $split split, uplinks $c1 $c2 $c3"
check "all $FLOWS flows arrive" test "$flows" = "$FLOWS"
check "every flow stays on one uplink" test "$split" = 0
check "spread within 15% of even ($c1 $c2 $c3)" even "$FLOWS" "$c1" "$c2" "$c3"

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
check "all $FLOWS flows arrive with an uplink down" test "$flows" = "$FLOWS"
check "no flow uses the down uplink" test "$d2" = 0
check "only the down uplink's flows moved ($moved others moved)" test "$moved" = 0

ip -n upstream link set up2 up
sleep 3
recv /tmp/r3.json; send
read -r flows split e1 e2 e3 <<<"$(analyse /tmp/r3.json)"
show_drops "$flows"
echo "# up2 back: $flows flows, uplinks $e1 $e2 $e3"
check "spread is even again when it comes back ($e1 $e2 $e3)" even "$FLOWS" "$e1" "$e2" "$e3"

tap_end
