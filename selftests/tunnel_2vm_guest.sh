#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# selftests/tunnel_2vm_guest.sh ROLE - one side of selftests/tunnel_2vm.sh:
# runs in a test VM (tools/vm/run --netdev-socket ...) whose NIC
# $MW_NETDEV is linked to the other VM's. ROLE is "server" (host H1) or
# "client" (host H2). Both sides configure midway identically, except for
# which host is local and which port is bound to a device:
#
#   VM "server" (H1)                          VM "client" (H2)
#   +--------------------------+              +--------------------------+
#   | netns vm                 |              |                 netns vm |
#   |  eth0 10.1.0.2/24        |              |        10.2.0.2/24 eth0  |
#   |  mtu 1450  iperf3 -s     |              |          iperf3 -c, ping |
#   |   | veth                 |              |                 veth |   |
#   |  tapv = port vma, key 100|              | port vmb, key 200 = tapv |
#   |  router R (midway)       |              |       (midway) router R  |
#   |  $MW_NETDEV 10.98.0.1/24 |==============| 10.98.0.2/24 $MW_NETDEV  |
#   +--------------------------+  qemu socket +--------------------------+
#                                 on 127.0.0.1
#
# In R on either host: 10.1.0.0/24 via port vma (on H1), 10.2.0.0/24 via
# port vmb (on H2); a packet for the other host's port goes there in VXLAN
# (UDP 4789, VNI = the port's key). The underlay MTU is 1500, so the
# tunnel's (the overlay's) is 1450.
#
# Synchronization: each side brings its underlay NIC up only once midway is
# configured. The server starts its iperf3 server (one test, then it exits)
# before that, then waits for that test, at most $SERVER_WAIT s. The client pings the server's VM until it answers (at most
# $PING_WAIT s: the other VM may still be booting), then runs its checks and
# the iperf3 test last. Either side gives up cleanly on its own.
#
# Prints TAP (selftests/lib.sh); the host side (tunnel_2vm.sh) renumbers it.

set -u
cd "$(dirname "$0")/.." || exit 1
. selftests/lib.sh

role=${1:-}
PING_WAIT=${PING_WAIT:-60}
SERVER_WAIT=${SERVER_WAIT:-120}
IPERF_SECS=${IPERF_SECS:-3}

case $role in
server) me=H1 peer=H2 vm_addr=10.1.0.2 peer_vm=10.2.0.2 ;;
client) me=H2 peer=H1 vm_addr=10.2.0.2 peer_vm=10.1.0.2 ;;
*) echo "usage: $0 server|client" >&2; exit 2 ;;
esac
gw=${vm_addr%.2}.1

tap_start
echo "# $role ($me) on $(uname -r), underlay NIC ${MW_NETDEV:-?} ${MW_NETDEV_MAC:-}"
if [ -z "${MW_NETDEV:-}" ]; then
	nok "$role: the VM has a NIC (tools/vm/run --netdev-socket)"
	tap_end
fi

vm() { ip netns exec vm "$@"; }

# The underlay, up once midway is configured: no tunnel packet arrives
# before its sender is a known host and its key a port (they would be
# dropped and counted, unknown_host, unknown_key).
u_addr=10.98.0.1
[ "$role" = server ] || u_addr=10.98.0.2
ip link set "$MW_NETDEV" mtu 1500
ip addr add "$u_addr/24" dev "$MW_NETDEV"

# The VM: eth0 at the overlay's MTU.
modprobe veth
# (IPv6 off: the VM sends nothing of its own that midway would drop.)
vm_ns --no-ipv6 vm tapv "$vm_addr/24" "$gw"
ip -n vm link set lo up
ip -n vm link set eth0 mtu 1450

# The server's iperf3 listens before midway forwards anything to it.
if [ "$role" = server ]; then
	vm timeout "$SERVER_WAIT" iperf3 -s -1 -B "$vm_addr" >/tmp/iperf3-s.log 2>&1 &
	iperf_pid=$!
	check "server: iperf3 listens" wait_for 10 outputs ':5201 ' vm ss -Hltn
fi

# midway, the same on both hosts but for 'local' and 'dev'.
cfg() {
	local l1='' l2='' d1='' d2=''
	if [ "$me" = H1 ]; then l1=local d1="dev tapv"; else l2=local d2="dev tapv"; fi
	# shellcheck disable=SC2086  # l1 l2 d1 d2 are words or nothing
	$mw host add name H1 id 11111111-0000-4000-8000-000000000001 address 10.98.0.1 $l1 &&
	$mw host add name H2 id 11111111-0000-4000-8000-000000000002 address 10.98.0.2 $l2 &&
	$mw router add name R id 22222222-0000-4000-8000-000000000001 &&
	$mw port add router R name vma id 33333333-0000-4000-8000-000000000001 exterior \
		address 10.1.0.1/24 host H1 key 100 mac 02:00:00:00:01:01 $d1 &&
	$mw port add router R name vmb id 33333333-0000-4000-8000-000000000002 exterior \
		address 10.2.0.1/24 host H2 key 200 mac 02:00:00:00:02:01 $d2 &&
	$mw route add router R 10.1.0.0/24 port vma id 44444444-0000-4000-8000-000000000001 &&
	$mw route add router R 10.2.0.0/24 port vmb id 44444444-0000-4000-8000-000000000002
}
if cfg; then
	ok "$role: midway configured (hosts H1 H2, router R, ports vma vmb, routes)"
else
	# Nothing to wait for: the other side gives up on its own.
	nok "$role: midway configured (hosts H1 H2, router R, ports vma vmb, routes)"
	[ "$role" = client ] || kill "$iperf_pid"
	tap_end
fi
check "$role: the tunnel is open" outputs '"open": *true' "$mw" -j tunnel show
ip link set "$MW_NETDEV" up

# A counter of host $1 from 'host stats -j' at jq path $2.
hstat() { $mw -j host stats | jq -r --arg h "$1" ".[] | select(.name == \$h) | $2 // 0"; }
# The underlay NIC's and the VM's view of the traffic, as diagnostics.
link_diag() {
	ip -s link show "$MW_NETDEV" | diag
	tc -s qdisc show dev "$MW_NETDEV" | diag
	vm nstat -asz TcpRetransSegs TcpExtTCPFastRetrans TcpExtTCPTimeouts \
		TcpExtTCPSACKReorder TcpExtTCPOFOQueue 2>/dev/null | diag
}
# check_pos WHAT N: ok if N is a positive number.
check_pos() {
	if [ -n "$2" ] && [ "$2" -gt 0 ] 2>/dev/null; then ok "$1 ($2)"; else nok "$1 (got '$2')"; fi
}

if [ "$role" = server ]; then
	# Until the client's iperf3 test is over (or SERVER_WAIT runs out).
	rc=0
	wait "$iperf_pid" || rc=$?
	diag </tmp/iperf3-s.log
	check_eq "server: iperf3 served one test" "$rc" 0
	link_diag
	$mw host stats | diag
	$mw port stats | diag
	check_pos "server: tunnel packets received from $peer" "$(hstat $peer .stats.rx.packets)"
	check_pos "server: tunnel packets sent to $peer" "$(hstat $peer .stats.tx.packets)"
	check_pos "server: port vma sent to its VM" "$($mw -j port stats vma | jq -r '.[0].stats.tx.packets // 0')"
	check_eq "server: no drops (ports, tunnel)" \
		"$($mw -j port stats | jq -c '[.[].drops // {} | to_entries[]] | length') $($mw -j host stats | jq -c '[.[].drops // {} | to_entries[]] | length')" "0 0"
	tap_end
fi

# ---------------------------------------------------------------- client
t0=$SECONDS
until quiet vm ping -c 1 -W 1 "$peer_vm" || ((SECONDS - t0 >= PING_WAIT)); do
	sleep 0.2
done
if quiet vm ping -c 1 -W 1 "$peer_vm"; then
	ok "client: the server's VM answers through the tunnel (after $((SECONDS - t0)) s)"
else
	nok "client: the server's VM answers through the tunnel (nothing in $PING_WAIT s)"
	vm ping -c 2 -W 1 "$peer_vm" | diag
	ip neigh show dev "$MW_NETDEV" | diag
	$mw host stats | diag
	$mw port stats | diag
	tap_end
fi

# On the wire: VXLAN to UDP 4789, VNI the key of the port it goes to.
tcpdump -Z root -nn -i "$MW_NETDEV" -c 6 -w /tmp/u.pcap udp port 4789 2>/dev/null &
tcpdump_pid=$!
sleep 1
check "client: ping across" quiet vm ping -c 3 -i 0.3 -W 2 "$peer_vm"
sleep 0.5
kill "$tcpdump_pid" 2>/dev/null
wait "$tcpdump_pid" 2>/dev/null
tcpdump -nn -r /tmp/u.pcap 2>/dev/null >/tmp/u.txt
diag </tmp/u.txt
check "client: VXLAN to the server, VNI 100 (port vma's key)" \
	grep -q "10.98.0.2.[0-9]* > 10.98.0.1.4789: VXLAN.* vni 100\$" /tmp/u.txt
check "client: VXLAN from the server, VNI 200 (port vmb's key)" \
	grep -q "10.98.0.1.[0-9]* > 10.98.0.2.4789: VXLAN.* vni 200\$" /tmp/u.txt

# 1400 bytes with DF fit the overlay MTU (1450).
vm ping -c 3 -i 0.3 -W 2 -M "do" -s 1372 "$peer_vm" >/tmp/p1400.txt 2>&1
diag </tmp/p1400.txt
check "client: a 1400-byte DF ping answers" grep -q '1380 bytes from' /tmp/p1400.txt

# 1472 bytes with DF do not: midway says so with the tunnel's MTU. The VM's
# eth0 takes 1500 bytes for this (at 1450 its own stack would refuse).
ip -n vm link set eth0 mtu 1500
vm ping -c 2 -i 0.5 -W 2 -M "do" -s 1444 "$peer_vm" >/tmp/p1472.txt 2>&1
diag </tmp/p1472.txt
check "client: a 1472-byte DF ping gets frag-needed mtu 1450 from midway ($gw)" \
	grep -q "From $gw icmp_seq=.* Frag needed and DF set (mtu = 1450)" /tmp/p1472.txt
vm ip route get "$peer_vm" | diag
check "client: the VM's kernel learnt the path MTU 1450" \
	outputs 'mtu 1450' vm ip route get "$peer_vm"
ip -n vm link set eth0 mtu 1450
ip -n vm route flush cache

# TCP: the iperf3 test, which also ends the server's wait.
vm iperf3 -c "$peer_vm" -t "$IPERF_SECS" -J >/tmp/iperf3.json 2>&1
rc=$?
mbps=$(jq -r '.end.sum_received.bits_per_second / 1e6 * 10 | floor / 10' /tmp/iperf3.json 2>/dev/null)
retr=$(jq -r '.end.sum_sent.retransmits' /tmp/iperf3.json 2>/dev/null)
[ $rc = 0 ] || head -n 20 /tmp/iperf3.json | diag
echo "# iperf3: ${mbps:-?} Mbit/s received over ${IPERF_SECS} s, ${retr:-?} retransmits"
check_eq "client: iperf3 TCP through the tunnel (${mbps:-?} Mbit/s)" "$rc" 0
link_diag

$mw host stats | diag
$mw port stats | diag
check_pos "client: tunnel packets sent to $peer" "$(hstat $peer .stats.tx.packets)"
check_pos "client: tunnel packets received from $peer" "$(hstat $peer .stats.rx.packets)"
check_pos "client: port vmb sent to its VM" "$($mw -j port stats vmb | jq -r '.[0].stats.tx.packets // 0')"
check_eq "client: the ports' only drop is midway's frag-needed" \
	"$($mw -j port stats | jq -r '[.[] | .name as $p | .drops // {} | to_entries[] | "\($p).\(.key)=\(.value)"] | join(" ")')" \
	"vmb.frag_needed=1"
check_eq "client: no tunnel drops" "$($mw -j host stats | jq -c '[.[].drops // {} | to_entries[]] | length')" 0
tap_end
