#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# The datapath's defences, each against the defect it fixes: VLAN-tagged
# input, the ICMP error rate limit, a prefix replaced under traffic, a port
# unbound while it fragments, a neighbour deleted with packets waiting, the
# neighbour timer of idle ports, a MAC change, a local host that would leave
# devices bound. Runs in the test VM as root with midway.ko loaded; on the
# debug kernel (tools/vm/run --kernel debug) the runner also fails it on any
# lockdep, KASAN, preemption or kmemleak report.
#
# The topology of forward.sh (topo_tenants of selftests/lib.sh):
#
#   netns va 10.1.0.2 -- tapa [tenantA] a-up == p-a [provider] p-b == b-up
#   [tenantB] tapb -- 10.2.0.2 netns vb
#
# IPv6 is off in the VMs, so that only the test's packets cross the ports.
set -u
cd "$(dirname "$0")/.." || exit 1
# shellcheck source=selftests/lib.sh
. selftests/lib.sh

stat() { port_stat "$@"; }
# How many frames of a tcpdump -e capture carry a VLAN tag.
tagged() { grep -c 'ethertype 802\.1Q' "$1"; }
drop() { port_drop "$@"; }

tap_start
set -e
topo_tenants --no-ipv6
modprobe 8021q 2>/dev/null || true
avm_mac=$($mw -j port show a-vm | jq -r '.[0].mac')
va_mac=$(ip -n va -j link show eth0 | jq -r '.[0].address')
set +e
check "ping from VM a to VM b (neighbours learnt)" quiet va ping -c 2 -W 2 10.2.0.2

# --- 1. VLAN-tagged frames are dropped, never routed ---------------------------
# VM a writes raw frames on its eth0: an ICMP echo to VM b, as a VLAN 100
# (802.1Q) frame and as an 802.1ad one. The stack moves the tag into the
# skb's metadata before midway sees the frame; routed, the tag would go back
# on the wire at tapb. Both must be dropped as "vlan", and none may leave
# by tapb.
inject() {	# COUNT TPID [VID]: frames to VM b tagged TPID VID (100); TPID 0: none
	va /usr/bin/python3 - "$avm_mac" "$va_mac" "$1" "$2" "${3:-100}" <<'EOF'
import socket, struct, sys
def csum(b):
    if len(b) % 2: b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    s = (s >> 16) + (s & 0xffff); s += s >> 16
    return ~s & 0xffff
dst, src = (bytes.fromhex(m.replace(":", "")) for m in sys.argv[1:3])
count, tpid, vid = int(sys.argv[3]), int(sys.argv[4], 0), int(sys.argv[5])
icmp = struct.pack("!BBHHH", 8, 0, 0, 0x4d57, 1) + b"midway" * 8
icmp = icmp[:2] + struct.pack("!H", csum(icmp)) + icmp[4:]
ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(icmp), 1, 0, 64, 1, 0,
                 socket.inet_aton("10.1.0.2"), socket.inet_aton("10.2.0.2"))
ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]
tag = struct.pack("!HH", tpid, vid) if tpid else b""
frame = dst + src + tag + b"\x08\x00" + ip + icmp
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
s.bind(("eth0", 0))
for _ in range(count):
    s.send(frame)
EOF
}
vlan0=$(drop a-vm vlan)
# What leaves by tapb, tagged or ICMP; a ping after the injection shows
# that the capture was running.
# (icmp first: after "vlan", pcap reads every later test 4 bytes further)
timeout 15 tcpdump -i tapb -nn -e -l "icmp or vlan" >/tmp/tapb.txt 2>/dev/null &
cap=$!
sleep 3
inject 10 0x8100
inject 10 0x88a8
va ping -c 1 -W 2 10.2.0.2 >/dev/null
sleep 1
kill $cap 2>/dev/null
wait $cap
diag </tmp/tapb.txt
check_eq "802.1Q and 802.1ad tagged frames counted as vlan drops" \
	"$(($(drop a-vm vlan) - vlan0))" 20
# (tcpdump -e says "ethertype 802.1Q" or "802.1Q-QinQ"; a bare 802.1 would
# also match a timestamp such as 45.802713.)
check_eq "no tagged frame leaves by tapb" "$(tagged /tmp/tapb.txt)" 0
check_eq "only the control ping's request and reply cross tapb" \
	"$(grep -c "ICMP echo" /tmp/tapb.txt)" 2
check "untagged traffic still flows" quiet va ping -c 1 -W 2 10.2.0.2

# --- 1b. A port on a VLAN takes and sends that VLAN's frames only ---------------
# a-vm goes on VLAN 100 and VM a moves its address to eth0.100. Its ARP and
# pings then cross tapa as 802.1Q frames of VLAN 100 both ways (the capture
# on tapa checks midway's replies: VM a's stack would also take an untagged
# reply on eth0, its address being the namespace's). Untagged frames, and frames of
# VLAN 200, are now the ones dropped as "vlan"; what leaves by tapb (b-vm is
# on no VLAN) stays untagged.
$mw port set a-vm vlan 100
check_eq "port show has the VLAN" \
	"$($mw -j port show a-vm | jq -r '.[0].vlan')" 100
ip -n va addr flush dev eth0
ip -n va link add link eth0 name eth0.100 type vlan id 100
ip -n va addr add 10.1.0.2/24 dev eth0.100
ip -n va link set eth0.100 up
ip -n va route add default via 10.1.0.1
timeout 15 tcpdump -i tapa -nn -e -l "vlan 100" >/tmp/tapa.txt 2>/dev/null &
cap=$!
timeout 15 tcpdump -i tapb -nn -e -l "icmp or vlan" >/tmp/tapb.txt 2>/dev/null &
cap2=$!
sleep 3
check "ping from VM a over VLAN 100" quiet va ping -c 3 -W 2 10.2.0.2
vlan0=$(drop a-vm vlan)
inject 10 0
inject 10 0x8100 200
sleep 1
kill $cap $cap2 2>/dev/null
wait $cap $cap2
diag </tmp/tapa.txt
check_eq "untagged and VLAN 200 frames counted as vlan drops" \
	"$(($(drop a-vm vlan) - vlan0))" 20
check_eq "midway's echo replies to VM a carry VLAN 100" \
	"$(grep -c "$avm_mac > .*vlan 100.*ICMP echo reply" /tmp/tapa.txt)" 3
check_eq "tapb sees the 3 echo requests and replies, untagged" \
	"$(grep -c "ICMP echo" /tmp/tapb.txt)/$(tagged /tmp/tapb.txt)" 6/0
# Back to untagged for the tests below.
$mw port set a-vm vlan 0
ip -n va link del eth0.100
ip -n va addr add 10.1.0.2/24 dev eth0
ip -n va route add default via 10.1.0.1
check_eq "vlan 0 leaves the port on no VLAN" \
	"$($mw -j port show a-vm | jq -r '.[0].vlan // "none"')" none
check "untagged traffic flows again" quiet va ping -c 1 -W 2 10.2.0.2

# --- 2. ICMP errors are rate-limited per port -----------------------------------
# 40 echo requests with TTL 1 expire at tenantA, whose port a-vm answers each
# with time exceeded: at most the burst of 5 (and what 1 per second refills
# meanwhile) may be sent; the rest are counted as icmp_ratelimited.
$mw router set tenantA icmp-rate 1 icmp-burst 5
out=$($mw -j router show tenantA | jq -r '.[0] | "\(.icmp_rate) \(.icmp_burst)"')
check_eq "router show has the ICMP limit" "$out" "1 5"
t0=$(icmp_in va InTimeExcds)
r0=$(drop a-vm icmp_ratelimited)
va ping -c 40 -i 0.02 -t 1 -W 1 10.2.0.2 >/dev/null 2>&1
sleep 1
got=$(($(icmp_in va InTimeExcds) - t0))
limited=$(($(drop a-vm icmp_ratelimited) - r0))
echo "# $got time-exceeded received, $limited suppressed" | diag
check "5 or 6 time-exceeded errors reach the sender, not 40" \
	test "$got" -ge 5 -a "$got" -le 6
check_eq "the others are counted as icmp_ratelimited" "$((got + limited))" 40
$mw router set tenantA icmp-rate 0
t0=$(icmp_in va InTimeExcds)
va ping -c 40 -i 0.02 -t 1 -W 1 10.2.0.2 >/dev/null 2>&1
sleep 1
check_eq "icmp-rate 0: no limit" "$(($(icmp_in va InTimeExcds) - t0))" 40
$mw router set tenantA icmp-rate 1000 icmp-burst 50
out=$($mw router set tenantA icmp-burst 0 2>&1)
check "out-of-range icmp-burst is refused" grep -q "icmp-burst" <<<"$out"

# --- 3. A prefix flapping over a shorter one never answers "no route" -----------
# The provider routes 10.2/16 to tenantB; 10.2.0.2/32 is added and deleted
# 2000 times while VM a pings VM b. Each lookup must find the /32 or the
# /16, never neither: the provider's ingress port p-a counts no no_route.
prov=$($mw -j router show provider | jq -r '.[0].id')
pb=$($mw -j port show p-b | jq -r '.[0].id')
nr0=$(drop p-a no_route)
va ping -f -c 100000 -w 60 10.2.0.2 >/tmp/flood 2>&1 &
flood=$!
sleep 1
build/selftests/route_churn "$prov" "$pb" 2000 10.2.0.2/32 169.254.2.2 | diag
kill -INT $flood 2>/dev/null
wait $flood
grep 'packets transmitted' /tmp/flood | diag
check_eq "no lookup fell between the /32 and the /16" \
	"$(($(drop p-a no_route) - nr0))" 0

# --- 4. Unbinding the egress port while it fragments ---------------------------
# tapb's MTU is 1000; VM a blasts 3000-byte UDP datagrams without DF (which
# b-vm fragments) while b-vm is unbound and bound again 8000 times
# (port_flap: two PORT_SETs a round, as fast as netlink goes), then 20 times
# by mwctl. The output path must read the device once: an unbind between
# two reads was a NULL dereference in softirq (the module before the fix
# oopsed within seconds of this).
ip link set tapb mtu 1000
ip -n vb link set eth0 mtu 1000
# Fragments lost while b-vm is unbound leave VM b half-reassembled datagrams
# that fill its reassembly memory until they expire: expire them soon.
ip netns exec vb sysctl -qw net.ipv4.ipfrag_time=2
bvm=$($mw -j port show b-vm | jq -r '.[0].id')
tapb=$(cat /sys/class/net/tapb/ifindex)
va /usr/bin/python3 selftests/udp_blast.py 10.2.0.2 3000 300 | diag &
blast=$!
sleep 1
build/selftests/port_flap "$bvm" "$tapb" 8000 | diag
flap=${PIPESTATUS[0]}
ok=1
for _ in $(seq 20); do
	$mw port unbind b-vm && $mw port bind b-vm dev tapb || ok=0
done
pkill -f udp_blast.py
wait $blast
check "8000 + 20 unbind/bind cycles under fragmenting load" test "$flap$ok" = 01
# shellcheck disable=SC2317  # called by wait_for
frag_ping() { va ping -c 1 -W 2 -M dont -s 3000 10.2.0.2 >/dev/null 2>&1; }
check "fragmented pings flow again" wait_for 15 frag_ping
ip link set tapb mtu 1500
ip -n vb link set eth0 mtu 1500

# --- 5. Deleting a neighbour with packets waiting for it ------------------------
# tenantB sends 10.5/24 via 10.2.0.99, which nobody answers: three pings
# wait in the neighbour entry; deleting it over netlink drops them (counted
# from process context, with bottom halves off).
$mw route add router provider 10.5.0.0/24 via 169.254.2.2 port p-b
$mw route add router tenantB 10.5.0.0/24 via 10.2.0.99 port b-vm
# The entry lives 3 s (three unanswered requests) and a loaded TCG guest
# may be slower than that: try up to three times, deleting as soon as the
# three pings are in.
# shellcheck disable=SC2317  # called by wait_for
three_in() { test "$(($(stat a-vm .stats.rx.packets) - rx0))" -ge 3; }
for attempt in 1 2 3; do
	wait	# the pings of the previous attempt
	nf0=$(drop b-vm neigh_failed)
	rx0=$(stat a-vm .stats.rx.packets)
	for i in 1 2 3; do va ping -c 1 -W 1 "10.5.0.$i" >/dev/null 2>&1 & done
	wait_for 5 three_in
	if out=$($mw neigh del b-vm 10.2.0.99 2>&1); then
		nf1=$(drop b-vm neigh_failed)
		break
	fi
	echo "attempt $attempt: $out" | diag
done
wait
check "neigh del of the next hop with three packets waiting" test -n "${nf1:-}"
check_eq "its waiting packets counted as neigh_failed" \
	"$((${nf1:-0} - nf0))" 3
check_eq "and nothing else was left waiting" \
	"$(($(drop b-vm neigh_failed) - nf0))" 3

# --- 6. Idle ports arm no neighbour timer ----------------------------------------
# 50 more ports with nothing learnt: the timer of a port runs only while it
# has learnt entries, so in 3 s of tracing (timer_start events) at most the
# timers of a-vm and b-vm may be armed, not 52. (Whether those two have
# entries at that moment depends on the VMs' own ARP, which the test does
# not control.)
for i in $(seq 50); do
	$mw port add router tenantA name "idle$i" exterior host h1
done
tr=/sys/kernel/tracing
timers_armed() {	# SECONDS: how many neighbour timers were armed
	echo > $tr/trace
	echo 1 > $tr/events/timer/timer_start/enable
	sleep "$1"
	echo 0 > $tr/events/timer/timer_start/enable
	grep "function=mw_neigh_timer" $tr/trace |
		sed -n 's/.*timer=\([0-9a-fx]*\).*/\1/p' | sort -u | wc -l
}
if [ -e $tr/events/timer/timer_start/enable ]; then
	got=$(timers_armed 3)
	echo "# $got neighbour timers armed in 3 s" | diag
	check "50 idle ports arm no neighbour timer" test "$got" -le 2
	for p in a-vm b-vm; do
		$mw -j neigh show "$p" | jq -r '.[] | .address' |
			while read -r a; do $mw neigh del "$p" "$a"; done
	done
	va ping -c 1 -W 2 10.2.0.2 >/dev/null
	check "a learnt entry runs its port's timer" test "$(timers_armed 3)" -ge 1
else
	ok "# SKIP no tracefs timer events in this kernel"
fi

# --- 7. A MAC change takes effect both ways ------------------------------------
$mw port set a-vm mac 02:00:00:00:0a:01
ip -n va neigh del 10.1.0.1 dev eth0 2>/dev/null
check "ping after the port's MAC changed" quiet va ping -c 2 -W 2 10.2.0.2
check_eq "VM a learnt the new MAC" \
	"$(ip -n va -j neigh show 10.1.0.1 | jq -r '.[0].lladdr')" 02:00:00:00:0a:01

# --- 8. The local host cannot become remote while its ports are bound -----------
out=$($mw host set h1 remote 2>&1)
echo "$out" | diag
check "host set remote refused while ports are bound" \
	grep -q "unbind them first" <<<"$out"
check_eq "and the host is still local" \
	"$($mw -j host show h1 | jq -r '.[0].local')" true
check "the datapath still works" quiet va ping -c 1 -W 2 10.2.0.2

tap_end
