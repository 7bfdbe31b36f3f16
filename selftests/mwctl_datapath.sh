#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# mwctl's datapath commands against real traffic: port stats, drops, neigh,
# route get, proxy-arp, port bind/unbind, and port events in monitor. Runs
# in the test VM as root with midway.ko loaded:
#
#   tools/vm/run -- selftests/mwctl_datapath.sh
#
# The topology of forward.sh (topo_tenants of selftests/lib.sh): VM a
# (netns va, 10.1.0.2) on tenantA, VM b (netns vb, 10.2.0.2) on tenantB,
# both tenants linked to the provider by interior ports. IPv6 is off in the
# VMs, and VM a and tenantA know each other by static neighbour entries, so
# that nothing but the test's own packets crosses port a-vm and its counters
# can be compared exactly.

# The conditions given to eval are single-quoted on purpose.
# shellcheck disable=SC2016
set -u
cd "$(dirname "$0")/.." || exit 1
# shellcheck source=selftests/lib.sh
. selftests/lib.sh

# The output of a command with runs of blanks squeezed and ends trimmed.
squeeze() { "$@" | sed 's/[[:space:]]\+/ /g; s/^ //; s/ $//'; }
# A counter of one port from port stats -j: stat PORT JQ-PATH
stat() { $mw -j port stats "$1" | jq -r ".[0]$2 // 0"; }
drop() { stat "$1" ".drops.$2"; }

tap_start
set -e
topo_tenants --no-ipv6
$mw route add router tenantA 10.6.0.0/16 from 10.1.0.0/24 reject
$mw route add router provider 10.5.0.0/16 via 169.254.1.2 port p-a
$mw route add router provider 10.5.0.0/16 via 169.254.2.2 port p-b

avm_mac=$($mw -j port show a-vm | jq -r '.[0].mac')
va_mac=$(ip -n va -j link show eth0 | jq -r '.[0].address')
vb_mac=$(ip -n vb -j link show eth0 | jq -r '.[0].address')
ip -n va neigh replace 10.1.0.1 lladdr "$avm_mac" nud permanent dev eth0
set +e

# --- help ------------------------------------------------------------------
out=$($mw help)
# shellcheck disable=SC2317  # called in eval
has() { grep -q -- "$1" <<<"$out"; }
check "mwctl help lists the new commands" eval \
	'has "neigh add PORT" && has "drops \[show\]" &&
	 has "route get router ROUTER" && has "port stats" &&
	 has "proxy-arp on|off"'

# --- neigh add / show, static ----------------------------------------------
check "neigh add a static entry" "$mw" neigh add a-vm 10.1.0.2 lladdr "$va_mac"
out=$($mw neigh show a-vm)
echo "$out" | diag
check_eq "neigh show PORT prints it as static" "$out" \
	"10.1.0.2 lladdr $va_mac static"
check_eq "neigh show -j: state and lladdr" \
	"$($mw -j neigh show a-vm router tenantA | jq -r '.[] | select(.address == "10.1.0.2") | "\(.state) \(.lladdr) \(.port)"')" \
	"static $va_mac a-vm"

# --- the first ping: learnt neighbour, route get -----------------------------
check "ping from VM a to VM b" quiet va ping -c 2 -W 2 10.2.0.2
out=$($mw neigh show b-vm)
echo "$out" | diag
check_eq "neigh show: VM b learnt as reachable, with its MAC" "$out" \
	"10.2.0.2 lladdr $vb_mac reachable"
out=$($mw neigh show)
echo "$out" | diag
# shellcheck disable=SC2317  # called in eval
line() { grep -qx -- "$1" <<<"$out"; }
check "neigh show without PORT: grouped by router, naming the port" eval \
	'line "router tenantB:" &&
	 line "    10.2.0.2 port b-vm lladdr $vb_mac reachable" &&
	 line "router tenantA:" &&
	 line "    10.1.0.2 port a-vm lladdr $va_mac static"'

# --- exact counters on a-vm and p-a -------------------------------------------
# Five echo requests in, five replies out: 98-byte frames on the exterior
# port, and the same packets over the interior link to the provider.
before=$($mw -j port stats)
va ping -c 5 -i 0.2 -W 2 10.2.0.2 | tail -n 2 | diag
after=$($mw -j port stats)
delta() { # delta PORT PATH
	echo $(($(jq -r ".[] | select(.name == \"$1\") | $2" <<<"$after") -
		$(jq -r ".[] | select(.name == \"$1\") | $2" <<<"$before")))
}
check_eq "port stats: a-vm received 5 packets" "$(delta a-vm .stats.rx.packets)" 5
check_eq "port stats: a-vm received 5 x 98 bytes" "$(delta a-vm .stats.rx.bytes)" 490
check_eq "port stats: a-vm sent 5 packets" "$(delta a-vm .stats.tx.packets)" 5
check_eq "port stats: a-vm sent 5 x 98 bytes" "$(delta a-vm .stats.tx.bytes)" 490
check_eq "port stats: interior p-a received 5 packets" "$(delta p-a .stats.rx.packets)" 5
check_eq "port stats: interior p-a sent 5 packets" "$(delta p-a .stats.tx.packets)" 5

out=$($mw port stats router tenantA a-vm)
echo "$out" | diag
txt_rx=$(awk '/^    RX:/ { getline; print $1, $2 }' <<<"$out")
txt_tx=$(awk '/^    TX:/ { getline; print $1, $2 }' <<<"$out")
json=$($mw -j port stats router tenantA a-vm)
check_eq "port stats text: RX bytes and packets as in JSON" "$txt_rx" \
	"$(jq -r '.[0].stats.rx | "\(.bytes) \(.packets)"' <<<"$json")"
check_eq "port stats text: TX bytes and packets as in JSON" "$txt_tx" \
	"$(jq -r '.[0].stats.tx | "\(.bytes) \(.packets)"' <<<"$json")"
check "port stats text: the port line of port show first" \
	test "$(head -n 1 <<<"$out")" = "$($mw port show router tenantA a-vm)"

# --- drops -------------------------------------------------------------------
bh0=$(drop a-vm blackhole)
va ping -c 3 -W 1 10.9.0.1 | tail -n 2 | diag
check_eq "blackhole: a-vm counted the 3 pings" "$(($(drop a-vm blackhole) - bh0))" 3
out=$(squeeze "$mw" drops router tenantA a-vm)
echo "$out" | diag
check "drops router R PORT: 'a-vm blackhole 3'" grep -qx "a-vm blackhole 3" <<<"$out"

nr0=$(drop p-a no_route)
out=$(va ping -c 2 -W 1 10.7.0.1)
check "no route in the provider: net unreachable" \
	grep -q "Destination Net Unreachable" <<<"$out"
check_eq "no_route: the provider's p-a counted the 2 pings" \
	"$(($(drop p-a no_route) - nr0))" 2
out=$($mw drops)
echo "$out" | diag
check "drops: a 'router provider:' heading, then p-a's no_route line" \
	awk '/^router provider:/ { h = 1; next } /^router / { h = 0 }
	     h && $1 == "p-a" && $2 == "no_route" && $3 == 2 { f = 1 }
	     END { exit !f }' <<<"$out"

rj0=$(drop a-vm reject)
quiet va ping -c 1 -W 1 10.8.0.1
check_eq "reject: a-vm counted 1" "$(($(drop a-vm reject) - rj0))" 1

json=$($mw -j drops)
check "drops -j: every count is above 0" \
	quiet jq -e 'length > 0 and all(.count > 0)' <<<"$json"
check_eq "drops -j: a-vm blackhole as in port stats" \
	"$(jq -r '.[] | select(.port == "a-vm" and .reason == "blackhole") | .count' <<<"$json")" \
	"$(drop a-vm blackhole)"
out=$($mw drops router tenantA a-up)
check_eq "drops of a port that dropped nothing: no output" "$out" ""
out=$($mw drops nosuch 2>&1)
check_eq "drops of an unknown port fails" "$?: $out" '1: Error: no port "nosuch"'

# --- neighbour resolution that fails: incomplete, then dropped -----------------
# VM b pings 10.1.0.77, which nobody has: tenantA asks on a-vm, the packets
# wait (3 at most) and are dropped when the asking gives up.
nf0=$(drop a-vm neigh_failed)
qf0=$(drop a-vm neigh_queue_full)
vb ping -c 8 -i 0.5 -W 1 10.1.0.77 >/dev/null 2>&1 &
pid=$!
check "neigh show: an unanswered address is incomplete" \
	wait_for 5 eval '$mw neigh show a-vm | grep -qx "10.1.0.77 incomplete"'
wait $pid
check "and is forgotten once the probes give up" \
	wait_for 10 eval '! $mw neigh show a-vm | grep -q 10.1.0.77'
check_eq "neigh_failed + neigh_queue_full on a-vm: the 8 pings" \
	"$(($(drop a-vm neigh_failed) - nf0 + $(drop a-vm neigh_queue_full) - qf0))" 8

# --- neigh add / del -------------------------------------------------------------
check "neigh add a second static entry" \
	"$mw" neigh add a-vm router tenantA 10.1.0.99 lladdr 02:00:00:00:00:99
check "neigh show lists it" \
	outputs "^10.1.0.99 lladdr 02:00:00:00:00:99 static$" "$mw" neigh show a-vm
check "neigh del" "$mw" neigh del a-vm 10.1.0.99
check "neigh show no longer lists it" \
	eval '! $mw neigh show a-vm | grep -q 10.1.0.99'
out=$($mw neigh del a-vm 10.1.0.99 2>&1)
check "neigh del of an absent entry fails with an error" \
	test $? = 1 -a "${out#Error: }" != "$out"
out=$($mw neigh show p-a 2>&1)
check "neigh show of an interior port fails" test $? = 1 -a "${out#Error: }" != "$out"
out=$($mw neigh add a-vm 10.1.0.98 lladdr 02:zz 2>&1)
check_eq "neigh add with a bad MAC fails" "$out" \
	'Error: invalid mac "02:zz" (xx:xx:xx:xx:xx:xx)'

# --- route get --------------------------------------------------------------------
id=$($mw -j route show router provider |
	jq -r '.[] | select(.dst == "10.2.0.0/16") | .id')
out=$($mw route get router provider 10.2.0.5)
echo "$out" | diag
check_eq "route get: the provider's route to 10.2/16, as route show prints it" \
	"$out" "$($mw route show router provider | grep "id $id")"
check "route get: a blackhole route" \
	outputs "^10.9.0.0/16 blackhole " "$mw" route get router tenantA 10.9.1.1
out=$($mw route get router provider 10.7.0.1 2>&1)
rc=$?
echo "$out" | diag
check "route get without a route fails with an error" \
	test $rc = 1 -a "${out#Error: }" != "$out"
check "route get from: the source route" \
	outputs "^10.6.0.0/16 from 10.1.0.0/24 reject " \
	"$mw" route get router tenantA 10.6.0.1 from 10.1.0.2
check "route get without from: not the source route" \
	eval '! $mw route get router tenantA 10.6.0.1 2>&1 | grep -q "from 10.1.0.0/24"'

ecmp() { # the egress port of each of 32 UDP flows to 10.5.0.1
	local s
	for s in $(seq 1000 1031); do
		$mw -j route get router provider 10.5.0.1 from 10.1.0.2 \
			proto udp sport "$s" dport 53 | jq -r '.[0].port'
	done
}
flows=$(ecmp)
echo "ECMP choices: $(sort <<<"$flows" | uniq -c | tr -s ' \n' ' ')" | diag
check "route get proto/sport/dport: 32 flows use both ECMP members" \
	test "$(sort -u <<<"$flows" | tr '\n' ' ')" = "p-a p-b "
check_eq "route get: the same flows choose the same members again" "$(ecmp)" "$flows"
a=$($mw route get router provider 10.5.0.1 proto 17 sport 7 dport 9)
b=$($mw route get router provider 10.5.0.1 proto udp sport 7 dport 9)
check_eq "route get: proto 17 is udp" "$a" "$b"
$mw port set p-b down
check_eq "route get: with p-b down, every flow takes p-a" \
	"$(ecmp | sort -u)" "p-a"
check "route get: the route via down p-b is not chosen" \
	eval '! $mw route get router provider 10.2.0.5 >/dev/null 2>&1'
$mw port set p-b up
out=$($mw route get router provider 10.5.0.1 proto sctp 2>&1)
check_eq "route get: an unknown proto name is refused" "$out" \
	'Error: invalid proto "sctp" (tcp, udp, icmp or 0..255)'

# --- proxy-arp ------------------------------------------------------------------
check "port add ... proxy-arp on" \
	"$mw" port add router tenantB name spare exterior address 10.2.9.1/24 proxy-arp on
check "port show prints proxy-arp" \
	outputs " proxy-arp up " "$mw" port show spare
check_eq "port show -j: proxy_arp true" \
	"$($mw -j port show spare | jq -r '.[0].proxy_arp')" true
$mw port del spare
out=$($mw port set a-vm proxy-arp maybe 2>&1)
check_eq "proxy-arp takes on or off" "$out" \
	'Error: invalid proxy-arp "maybe" (on or off)'
check "port show without proxy-arp when off" \
	eval '! $mw port show a-vm | grep -q proxy-arp'

ai0=$(drop a-vm arp_ignored)
quiet va ping -c 1 -W 1 10.1.0.50
check "proxy-arp off: VM a cannot resolve another address of the subnet" \
	eval '! ip -n va neigh show 10.1.0.50 | grep -q lladdr'
check "proxy-arp off: a-vm counted its ARP requests as arp_ignored" \
	test $(($(drop a-vm arp_ignored) - ai0)) -ge 1

$mw monitor port >/tmp/monitor.out 2>&1 &
mon=$!
sleep 1
$mw port set a-vm proxy-arp on
quiet va ping -c 1 -W 1 10.1.0.51
check_eq "proxy-arp on: VM a resolves another address to a-vm's MAC" \
	"$(ip -n va -j neigh show 10.1.0.51 | jq -r '.[0].lladdr')" "$avm_mac"
$mw port set a-vm proxy-arp off
sleep 1
kill $mon
wait $mon 2>/dev/null
diag </tmp/monitor.out
check "monitor: the port set event with proxy-arp on" \
	grep -q "^port set a-vm .* proxy-arp up oper up$" /tmp/monitor.out
check "monitor: then the one with it off" \
	test "$(grep "^port set a-vm " /tmp/monitor.out | tail -n 1 | grep -c proxy-arp)" = 0


# --- port bind / unbind -------------------------------------------------------------
# VM c (netns vc, 10.2.200.2) behind port c-vm of tenantB, bound and unbound
# by name while VM a pings it.
promisc() { ip -d -j link show "$1" | jq -r '.[0].promiscuity'; }
vm_ns --no-ipv6 vc tapc 10.2.200.2/24 10.2.200.1
$mw port add router tenantB name c-vm exterior address 10.2.200.1/24 host h1
$mw route add router tenantB 10.2.200.0/24 port c-vm
check "unbound port: VM a cannot reach VM c" \
	eval '! va ping -c 1 -W 1 10.2.200.2 >/dev/null 2>&1'
check "port bind PORT dev IFNAME" "$mw" port bind c-vm dev tapc
check "port show prints the device" outputs " dev tapc " "$mw" port show c-vm
check_eq "port show -j: dev and ifindex" \
	"$($mw -j port show c-vm | jq -r '.[0] | "\(.dev) \(.ifindex)"')" \
	"tapc $(cat /sys/class/net/tapc/ifindex)"
check_eq "bound: the device is promiscuous" "$(promisc tapc)" 1
check "bound: VM a pings VM c" quiet va ping -c 2 -W 2 10.2.200.2
check_eq "bind to a missing device" "$($mw port bind c-vm dev nosuch 2>&1)" \
	"Error: no such device"
check_eq "bind to a device bound to another port" \
	"$($mw port bind c-vm dev tapa 2>&1)" "Error: device is bound to another port"
check_eq "bind to lo" "$($mw port bind c-vm dev lo 2>&1)" \
	"Error: device is not an Ethernet device"
check "a refused bind keeps the binding" outputs " dev tapc " "$mw" port show c-vm
check_eq "bind needs a device" "$($mw port bind c-vm 2>&1)" \
	'Error: port bind needs "dev IFNAME" or "ifindex N"'
check "port unbind PORT" "$mw" port unbind c-vm
check "unbound: port show names no device" \
	eval '! $mw port show c-vm | grep -q " dev "'
check_eq "unbound: the device is not promiscuous" "$(promisc tapc)" 0
check "unbound: VM a cannot reach VM c" \
	eval '! va ping -c 1 -W 1 10.2.200.2 >/dev/null 2>&1'
check "port bind PORT ifindex N" \
	"$mw" port bind c-vm ifindex "$(cat /sys/class/net/tapc/ifindex)"
check "bound again: VM a pings VM c" quiet va ping -c 2 -W 2 10.2.200.2

tap_end
