#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Forwarding through chained virtual routers on one host. Runs in the test
# VM as root with midway.ko loaded.
#
#   netns va                                              netns vb
#   10.1.0.2/24                                           10.2.0.2/24
#      | veth                                                | veth
#    tapa                                                  tapb
#   +--------------+  interior   +----------+  interior  +--------------+
#   | tenantA      |-- a-up ==== p-a  provider  p-b ==== b-up --| tenantB |
#   | 10.1.0.1/24  | 169.254.1.2    .1.1      .2.1    169.254.2.2 | 10.2.0.1/24 |
#   +--------------+             +----------+            +--------------+
#
# tenantA and tenantB route their subnet to their VM port and the rest to
# the provider; the provider routes 10.1/16 and 10.2/16 to the tenants.
set -u
cd "$(dirname "$0")/.." || exit 1
mw=build/bin/mwctl
n=0
fail=0

ok() { n=$((n + 1)); echo "ok $n - $*"; }
nok() { n=$((n + 1)); fail=1; echo "not ok $n - $*"; }
check() { local what=$1; shift; if "$@"; then ok "$what"; else nok "$what"; fi; }
quiet() { "$@" >/dev/null 2>&1; }
va() { ip netns exec va "$@"; }
vb() { ip netns exec vb "$@"; }

echo "TAP version 13"
set -e
modprobe veth
for v in a b; do
	ip netns add "v$v"
	ip link add "tap$v" type veth peer name eth0 netns "v$v"
	ip link set "tap$v" up
done
ip -n va addr add 10.1.0.2/24 dev eth0
ip -n vb addr add 10.2.0.2/24 dev eth0
for v in a b; do
	ip -n "v$v" link set eth0 up
	ip -n "v$v" link set lo up
done
ip -n va route add default via 10.1.0.1
ip -n vb route add default via 10.2.0.1

$mw host add name h1 address 192.0.2.1 local
for r in provider tenantA tenantB; do $mw router add name $r; done
$mw port add router tenantA name a-vm exterior address 10.1.0.1/24 host h1 dev tapa
$mw port add router tenantB name b-vm exterior address 10.2.0.1/24 host h1 dev tapb
$mw port add router provider name p-a interior address 169.254.1.1/30
$mw port add router tenantA name a-up interior address 169.254.1.2/30 peer p-a
$mw port add router provider name p-b interior address 169.254.2.1/30
$mw port add router tenantB name b-up interior address 169.254.2.2/30 peer p-b
$mw route add router tenantA 10.1.0.0/24 port a-vm
$mw route add router tenantA 0.0.0.0/0 via 169.254.1.1 port a-up
$mw route add router tenantB 10.2.0.0/24 port b-vm
$mw route add router tenantB 0.0.0.0/0 via 169.254.2.1 port b-up
$mw route add router provider 10.1.0.0/16 via 169.254.1.2 port p-a
$mw route add router provider 10.2.0.0/16 via 169.254.2.2 port p-b
$mw route add router tenantA 10.9.0.0/16 blackhole
$mw route add router tenantA 10.8.0.0/16 reject
set +e

check "ping the tenant router's own port" quiet va ping -c 2 -W 2 10.1.0.1
check "ping from tenant A to tenant B" quiet va ping -c 3 -W 2 10.2.0.2
out=$(va ping -c 1 -W 2 10.2.0.2)
check "three routers decrement the TTL (64 -> 61)" grep -q "ttl=61" <<<"$out"

out=$(va traceroute -n -q 1 -w 2 10.2.0.2 2>&1)
echo "$out" | sed 's/^/# /'
hops=$(awk 'NR > 1 { print $2 }' <<<"$out" | tr '\n' ' ')
check "traceroute shows each router then the VM" \
	test "$hops" = "10.1.0.1 169.254.1.1 169.254.2.2 10.2.0.2 "

out=$(va ping -c 1 -W 2 -t 2 10.2.0.2)
check "TTL exceeded comes from the provider's ingress port" \
	grep -q "From 169.254.1.1.*Time to live exceeded" <<<"$out"

out=$(va ping -c 1 -W 2 10.8.0.1)
check "reject route answers host unreachable" \
	grep -q "From 10.1.0.1.*Destination Host Unreachable" <<<"$out"

out=$(va ping -c 1 -W 1 10.9.0.1)
check "blackhole route drops silently" \
	grep -q "1 packets transmitted, 0 received" <<<"$out"

out=$(va ping -c 1 -W 2 10.7.0.1)
check "no route in the provider answers net unreachable" \
	grep -q "From 169.254.1.1.*Destination Net Unreachable" <<<"$out"

# TCP end to end: the data must arrive intact (checksums right), and
# iperf3 must move data both ways.
vb /usr/bin/python3 -c '
import socket, hashlib
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("0.0.0.0", 5001)); s.listen(1); s.settimeout(20)
c, _ = s.accept(); h = hashlib.sha256()
while True:
    b = c.recv(65536)
    if not b: break
    h.update(b)
open("/tmp/recv.sha", "w").write(h.hexdigest())
' &
srv=$!
sleep 1
sent=$(va /usr/bin/python3 -c '
import socket, hashlib, os, time
d = os.urandom(4 << 20)
for i in range(40):
    try:
        c = socket.create_connection(("10.2.0.2", 5001), timeout=20)
        break
    except ConnectionRefusedError:
        time.sleep(0.5)
c.sendall(d); c.close(); print(hashlib.sha256(d).hexdigest())
')
wait $srv
recv=$(cat /tmp/recv.sha 2>/dev/null)
check "TCP transfer of 4 MB arrives intact" test -n "$sent" -a "$sent" = "$recv"
vb iperf3 -s -1 -D -I /tmp/iperf3.pid >/dev/null 2>&1
sleep 1
check "iperf3 TCP through three routers" quiet va iperf3 -c 10.2.0.2 -t 2

# Fragmentation: tapb's MTU lowered; DF packets get frag-needed.
ip link set tapb mtu 1000
ip -n vb link set eth0 mtu 1000
out=$(va ping -c 1 -W 2 -M do -s 1200 10.2.0.2)
check "DF packet over the egress MTU gets fragmentation needed" \
	grep -q "From 10.2.0.1.*mtu = 1000\|Frag needed.*mtu = 1000" <<<"$out"
check "packet without DF over the MTU is fragmented and answered" \
	quiet va ping -c 1 -W 2 -M dont -s 1200 10.2.0.2

# Admin down on the peer interior port: its routes go inactive.
$mw port set p-b down
out=$(va ping -c 1 -W 1 10.2.0.2)
check "a route via a down interior port is not used" \
	grep -q "Destination Net Unreachable\|0 received" <<<"$out"
$mw port set p-b up
check "and is used again when the port comes back" quiet va ping -c 1 -W 2 10.2.0.2

echo "1..$n"
exit $fail
