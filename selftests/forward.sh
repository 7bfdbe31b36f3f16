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
# topo_tenants (selftests/lib.sh) builds this.
set -u
cd "$(dirname "$0")/.." || exit 1
# shellcheck source=selftests/lib.sh
. selftests/lib.sh

tap_start
set -e
topo_tenants
set +e

check "ping the tenant router's own port" quiet va ping -c 2 -W 2 10.1.0.1
check "ping from tenant A to tenant B" quiet va ping -c 3 -W 2 10.2.0.2
out=$(va ping -c 1 -W 2 10.2.0.2)
check "three routers decrement the TTL (64 -> 61)" grep -q "ttl=61" <<<"$out"

out=$(va traceroute -n -q 1 -w 2 10.2.0.2 2>&1)
echo "$out" | diag
hops=$(awk 'NR > 1 { print $2 }' <<<"$out" | tr '\n' ' ')
check "traceroute shows each router then the VM" \
	test "$hops" = "10.1.0.1 169.254.1.1 169.254.2.2 10.2.0.2 "

out=$(va ping -c 1 -W 2 -t 2 10.2.0.2)
check "TTL exceeded comes from the provider's ingress port" \
	grep -q "From 169.254.1.1.*Time to live exceeded" <<<"$out"

out=$(va ping -c 1 -W 2 10.8.0.1)
check "reject route answers host unreachable" \
	grep -q "From 10.1.0.1.*Destination Host Unreachable" <<<"$out"

# Silently: counted as a blackhole drop on VM a's port, and not one ICMP
# message comes back to VM a.
d0=$(port_drop a-vm blackhole)
i0=$(icmp_in va InMsgs)
out=$(va ping -c 1 -W 1 10.9.0.1)
check "blackhole route: the echo request is not answered" \
	grep -q "1 packets transmitted, 0 received" <<<"$out"
check_eq "blackhole route: counted as a blackhole drop" \
	"$(($(port_drop a-vm blackhole) - d0))" 1
check_eq "blackhole route: no ICMP message comes back" \
	"$(($(icmp_in va InMsgs) - i0))" 0

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

# Fragmentation: tapb's MTU lowered. First without DF, before VM a knows
# the path MTU (it would then fragment itself): b-vm must cut each 1228-byte
# packet in two; then DF packets get frag-needed.
ip link set tapb mtu 1000
ip -n vb link set eth0 mtu 1000
tx0=$($mw -j port stats b-vm | jq -r '.[0].stats.tx.packets')
check "packet without DF over the MTU is fragmented and answered" \
	quiet va ping -c 2 -W 2 -M dont -s 1200 10.2.0.2
# (At least: an ARP probe of VM b may go out too.)
check "b-vm sent the two echo requests as four fragments" \
	test "$(($($mw -j port stats b-vm | jq -r '.[0].stats.tx.packets') - tx0))" -ge 4
out=$(va ping -c 1 -W 2 -M "do" -s 1200 10.2.0.2)
check "DF packet over the egress MTU gets fragmentation needed" \
	grep -q "From 10.2.0.1.*mtu = 1000\|Frag needed.*mtu = 1000" <<<"$out"

# Admin down on the peer interior port: its routes go inactive, which the
# provider's lookup shows, and traffic to them gets net unreachable from the
# provider (its only route to 10.2/16 is gone).
$mw port set p-b down
out=$($mw route get router provider 10.2.0.2 2>&1)
echo "$out" | diag
check "a route via a down interior port: route get finds none" \
	grep -q "no active route" <<<"$out"
out=$(va ping -c 1 -W 1 10.2.0.2)
check "a route via a down interior port is not used: net unreachable" \
	grep -q "From 169.254.1.1.*Destination Net Unreachable" <<<"$out"
$mw port set p-b up
out=$($mw route get router provider 10.2.0.2 2>&1)
check "route get finds it again when the port comes back" \
	grep -q "via 169.254.2.2 port p-b" <<<"$out"
check "and it is used again" quiet va ping -c 1 -W 2 10.2.0.2

tap_end
