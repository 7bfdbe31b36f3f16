#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Guest part of tools/bench/tunnel_bench.sh: VM to VM across two hosts,
# through midway's VXLAN tunnel vs the same path built from Linux parts.
# Runs in the test VM as root with midway.ko loaded (tools/vm/run).
#
# Every "host" is a network namespace, every "VM" a namespace behind a veth
# pair, every underlay a veth pair (MTU 1550, so that the overlay carries
# full 1500-byte frames and no path-MTU discovery enters the measurement).
# Three independent paths, each with its own namespaces; the same VM
# addresses on all three (10.1.0.2/24 sends, 10.2.0.2/24 receives):
#
# M, midway: two midway instances, one per host namespace, each holding the
#   whole topology (hosts H1 10.99.0.1 and H2 10.99.0.2, router R, port vma
#   10.1.0.1/24 on H1 key 100, port vmb 10.2.0.1/24 on H2 key 200, routes).
#
#   netns ma                netns h1                         netns h2                netns mb
#   eth0 10.1.0.2 ---- tapa [midway] u1 10.99.0.1 ---- u2 10.99.0.2 [midway] tapb ---- eth0 10.2.0.2
#
#   h1: midway takes the frame from tapa (rx handler), routes it once in R
#       (10.2.0.0/24 -> port vmb, which lives on H2), encapsulates it in
#       VXLAN (VNI 200) and sends it through h1's own IP stack (UDP socket,
#       cached underlay route) out of u1.
#   h2: the UDP socket's encap_rcv hands it to midway, which maps VNI 200 to
#       port vmb, finds the next hop via that port (one lookup in R's table,
#       of which only a route via vmb counts, else the destination itself on
#       vmb's subnet: here 10.2.0.2), and sends the frame out of tapb: the
#       lookup picks the next hop, never the way out.
#
# L, Linux, routed on both hosts (what the issue calls "the same path built
#   from Linux parts"):
#
#   netns la                netns l1                                   netns l2                netns lb
#   eth0 10.1.0.2 ---- tap 10.1.0.1  vx0 10.97.0.1/30 ... vx0 10.97.0.2/30  tap 10.2.0.1 ---- eth0 10.2.0.2
#                          u1 10.98.0.1 ------------------ u2 10.98.0.2
#
#   l1: IPv4 forwarding, route 10.2.0.0/24 via 10.97.0.2 dev vx0; vx0 (VXLAN
#       VNI 42, remote 10.98.0.2, port 4789) encapsulates, l1's stack sends
#       out of u1.
#   l2: UDP 4789 -> vx0 decapsulates (GRO cells), l2 routes the inner
#       packet again (10.2.0.0/24 connected on tap) and sends it out of tap.
#
# B, Linux, routed once, bridged on the receiving host (the same work as
#   midway: one route lookup per packet, then delivery):
#
#   netns ba                netns b1                                netns b2                        netns bb
#   eth0 10.1.0.2 ---- tap 10.1.0.1  vx0 10.2.0.253/24 ... vx0 -[br0 10.2.0.1/24]- tap ---- eth0 10.2.0.2
#                          u1 10.96.0.1 ------------------ u2 10.96.0.2
#
#   b1: IPv4 forwarding; 10.2.0.0/24 is connected on vx0, whose neighbour
#       10.2.0.2 is bb's MAC: b1 routes once and vx0 encapsulates.
#   b2: vx0 and tap are ports of bridge br0; the frame (to bb's MAC) is
#       bridged to tap by a static fdb entry, not routed. (The way back, for
#       TCP's ACKs: bb -> br0 (10.2.0.1) -> routed in b2 via 10.2.0.253 on br0
#       -> vx0 -> b1 routes it to tap: two routing hops, as in L.)
#
# Both Linux VXLAN devices: `ip link add vx0 type vxlan id 42 local A remote
# B dstport 4789 dev u1 nolearning` (no source-MAC learning: midway learns
# nothing either, and all entries are static), zero outer UDP checksum
# (Linux's default over IPv4, as midway's), MTU 1500 from u1.
# No reverse-path filter anywhere; ip_forward=1 in l1, l2, b1, b2.
#
# Neighbours are all static (`ip neigh ... nud permanent`, `mwctl neigh
# add`, `bridge fdb ... static`): no ARP inside the measurement. midway's
# sending host needs none for the remote VM: its receivers look at the VNI.
#
# Packets per second: pktgen in the sending VM netns (one kernel thread,
# kpktgend_0, bound to CPU 0), 60-byte frames (64 with the FCS on a wire),
# UDP 10.1.0.2 -> 10.2.0.2:9, FLOWS source ports, addressed to the
# gateway's MAC. Everything downstream (router, encapsulation, underlay
# veth, decapsulation, delivery) runs inline in the softirq of pktgen's
# CPU. Sink: tc ingress "matchall action drop" for IPv4 on the receiving
# VM's eth0. Count: that eth0's rx_packets over INTERVAL seconds after
# WARMUP seconds of traffic.
#
# TCP: iperf3, one stream, server in the receiving VM netns, client in the
# sending one, both pinned to CPU 0 (taskset), TCP_TIME seconds after
# TCP_OMIT seconds of slow start that are not counted (-O). The rate is the
# receiver's. The sender's underlay veth counts its packets and bytes
# during the run: bytes per underlay packet far above 1500 mean that the
# inner TCP's GSO packets cross the tunnel whole (neither veth has NAPI, so
# GRO is not exercised on the underlay: nothing needs re-assembling).
#
# Rounds: ROUNDS times the three paths in turn (M L B, then B L M, ...),
# pps first, then TCP; per path the median over rounds. CPU 0 carries the
# traffic; this script runs on CPU 1 when there is one.
#
# Environment: ROUNDS (5), INTERVAL (3), WARMUP (2), FLOWS (256),
# TCP_TIME (4), TCP_OMIT (1), TCP_WINDOW (unset: iperf3 -w, the socket
# buffers, e.g. 512K), PKT_SIZE (60), PERF (0; 1: profiles, see the end). Writes to $MW_OUT: tunnel_bench.dat, per run "path round pps gbps";
# tunnel_bench.med, per path "path pps gbps" (medians).
set -euo pipefail
cd "$(dirname "$0")/../.."

ROUNDS=${ROUNDS:-5}
INTERVAL=${INTERVAL:-3}
WARMUP=${WARMUP:-2}
FLOWS=${FLOWS:-256}
TCP_TIME=${TCP_TIME:-4}
TCP_OMIT=${TCP_OMIT:-1}
TCP_WINDOW=${TCP_WINDOW:-}
PKT_SIZE=${PKT_SIZE:-60}
PERF=${PERF:-0}
OUT=${MW_OUT:-/tmp}
mw=build/bin/mwctl
VMA_MAC=02:00:00:00:01:01	# midway port vma (gateway of ma)
VMB_MAC=02:00:00:00:02:01	# midway port vmb (gateway of mb)

die() { echo "tunnel_bench: $*" >&2; exit 1; }
ncpu=$(nproc --all)

modprobe veth
modprobe vxlan
modprobe bridge
modprobe pktgen
modprobe sch_ingress 2>/dev/null || true
modprobe cls_matchall
modprobe act_gact
command -v iperf3 >/dev/null || die "iperf3 missing (make deps)"
command -v jq >/dev/null || die "jq missing (make deps)"

mac() { ip -n "$1" -br link show dev "$2" | awk '{ print $3 }'; }
# link NS1 DEV1 NS2 DEV2: a veth pair, both ends up.
link() {
	ip link add "$2" netns "$1" type veth peer name "$4" netns "$3"
	ip -n "$1" link set "$2" up
	ip -n "$3" link set "$4" up
}
router_sysctls() {
	local d
	ip netns exec "$1" sysctl -qw net.ipv4.ip_forward=1
	for d in all default; do
		ip netns exec "$1" sysctl -qw net.ipv4.conf.$d.rp_filter=0
	done
}
# The two VMs of a path: $1 sends (10.1.0.2, gateway MAC $3), $2 receives
# (10.2.0.2, gateway MAC $4); their eth0 is already linked.
vms() {
	ip -n "$1" addr add 10.1.0.2/24 dev eth0
	ip -n "$2" addr add 10.2.0.2/24 dev eth0
	ip -n "$1" route add default via 10.1.0.1
	ip -n "$2" route add default via 10.2.0.1
	ip -n "$1" neigh replace 10.1.0.1 lladdr "$3" dev eth0 nud permanent
	ip -n "$2" neigh replace 10.2.0.1 lladdr "$4" dev eth0 nud permanent
}

for ns in h1 h2 ma mb l1 l2 la lb b1 b2 ba bb; do
	ip netns add $ns
	ip -n $ns link set lo up
done

# M, midway --------------------------------------------------------------------
link h1 u1 h2 u2
ip -n h1 link set u1 mtu 1550
ip -n h2 link set u2 mtu 1550
ip -n h1 addr add 10.99.0.1/24 dev u1
ip -n h2 addr add 10.99.0.2/24 dev u2
ip -n h1 neigh replace 10.99.0.2 lladdr "$(mac h2 u2)" dev u1 nud permanent
ip -n h2 neigh replace 10.99.0.1 lladdr "$(mac h1 u1)" dev u2 nud permanent
link ma eth0 h1 tapa
link mb eth0 h2 tapb
vms ma mb $VMA_MAC $VMB_MAC
for h in h1 h2; do
	m() { ip netns exec $h $mw "$@" >/dev/null; }
	l1=; l2=; d1=; d2=
	if [[ $h == h1 ]]; then l1=local d1="dev tapa"; else l2=local d2="dev tapb"; fi
	m host add name H1 id 11111111-0000-4000-8000-000000000001 address 10.99.0.1 $l1
	m host add name H2 id 11111111-0000-4000-8000-000000000002 address 10.99.0.2 $l2
	m router add name R id 22222222-0000-4000-8000-000000000001
	# shellcheck disable=SC2086 # $d1/$d2: "dev IFNAME" or nothing
	m port add router R name vma id 33333333-0000-4000-8000-000000000001 exterior \
		address 10.1.0.1/24 host H1 key 100 mac $VMA_MAC $d1
	# shellcheck disable=SC2086
	m port add router R name vmb id 33333333-0000-4000-8000-000000000002 exterior \
		address 10.2.0.1/24 host H2 key 200 mac $VMB_MAC $d2
	m route add router R 10.1.0.0/24 port vma id 44444444-0000-4000-8000-000000000001
	m route add router R 10.2.0.0/24 port vmb id 44444444-0000-4000-8000-000000000002
done
ip netns exec h1 $mw neigh add vma router R 10.1.0.2 lladdr "$(mac ma eth0)" >/dev/null
ip netns exec h2 $mw neigh add vmb router R 10.2.0.2 lladdr "$(mac mb eth0)" >/dev/null

# L, Linux routed on both hosts --------------------------------------------------
link l1 u1 l2 u2
link la eth0 l1 tap
link lb eth0 l2 tap
for n in 1 2; do
	o=$((3 - n))
	ip -n l$n link set u$n mtu 1550
	ip -n l$n addr add 10.98.0.$n/24 dev u$n
	ip -n l$n link add vx0 type vxlan id 42 local 10.98.0.$n remote 10.98.0.$o \
		dstport 4789 dev u$n nolearning
	ip -n l$n link set vx0 up
	ip -n l$n addr add 10.97.0.$n/30 dev vx0
	ip -n l$n addr add 10.$n.0.1/24 dev tap
	router_sysctls l$n
done
vms la lb "$(mac l1 tap)" "$(mac l2 tap)"
ip -n l1 neigh replace 10.98.0.2 lladdr "$(mac l2 u2)" dev u1 nud permanent
ip -n l2 neigh replace 10.98.0.1 lladdr "$(mac l1 u1)" dev u2 nud permanent
ip -n l1 neigh replace 10.97.0.2 lladdr "$(mac l2 vx0)" dev vx0 nud permanent
ip -n l2 neigh replace 10.97.0.1 lladdr "$(mac l1 vx0)" dev vx0 nud permanent
ip -n l1 neigh replace 10.1.0.2 lladdr "$(mac la eth0)" dev tap nud permanent
ip -n l2 neigh replace 10.2.0.2 lladdr "$(mac lb eth0)" dev tap nud permanent
ip -n l1 route add 10.2.0.0/24 via 10.97.0.2 dev vx0
ip -n l2 route add 10.1.0.0/24 via 10.97.0.1 dev vx0

# B, Linux routed once, bridged on the receiving host ----------------------------
link b1 u1 b2 u2
link ba eth0 b1 tap
link bb eth0 b2 tap
for n in 1 2; do
	o=$((3 - n))
	ip -n b$n link set u$n mtu 1550
	ip -n b$n addr add 10.96.0.$n/24 dev u$n
	ip -n b$n link add vx0 type vxlan id 42 local 10.96.0.$n remote 10.96.0.$o \
		dstport 4789 dev u$n nolearning
	router_sysctls b$n
done
ip -n b1 neigh replace 10.96.0.2 lladdr "$(mac b2 u2)" dev u1 nud permanent
ip -n b2 neigh replace 10.96.0.1 lladdr "$(mac b1 u1)" dev u2 nud permanent
ip -n b1 link set vx0 up
ip -n b1 addr add 10.1.0.1/24 dev tap
ip -n b1 addr add 10.2.0.253/24 dev vx0
ip -n b1 neigh replace 10.2.0.2 lladdr "$(mac bb eth0)" dev vx0 nud permanent
ip -n b1 neigh replace 10.1.0.2 lladdr "$(mac ba eth0)" dev tap nud permanent
# A fixed MAC: a bridge otherwise takes its ports' lowest.
ip -n b2 link add br0 address 02:62:72:00:00:01 type bridge stp_state 0
ip -n b2 link set vx0 master br0
ip -n b2 link set tap master br0
ip -n b2 link set vx0 up
ip -n b2 link set br0 up
ip -n b2 addr add 10.2.0.1/24 dev br0
bridge -n b2 fdb replace "$(mac bb eth0)" dev tap master static
bridge -n b2 fdb replace "$(mac b1 vx0)" dev vx0 master static
ip -n b2 neigh replace 10.2.0.2 lladdr "$(mac bb eth0)" dev br0 nud permanent
ip -n b2 neigh replace 10.2.0.253 lladdr "$(mac b1 vx0)" dev br0 nud permanent
ip -n b2 route add 10.1.0.0/24 via 10.2.0.253 dev br0
vms ba bb "$(mac b1 tap)" 02:62:72:00:00:01

# Every path must work both ways before anything is measured.
declare -A NAME=([M]=midway [L]=linux [B]=linux-bridge)
declare -A SRC=([M]=ma [L]=la [B]=ba) DST=([M]=mb [L]=lb [B]=bb)
declare -A UL=([M]=h1 [L]=l1 [B]=b1)	# the sending host (its underlay is u1)
declare -A GWMAC=([M]=$VMA_MAC [L]="$(mac l1 tap)" [B]="$(mac b1 tap)")
for c in M L B; do
	ip netns exec "${SRC[$c]}" ping -q -c 2 -W 2 10.2.0.2 >/dev/null ||
		die "path ${NAME[$c]}: ping from ${SRC[$c]} to 10.2.0.2 fails"
	ip netns exec "${SRC[$c]}" ping -q -c 1 -W 2 -s 1472 -M "do" 10.2.0.2 >/dev/null ||
		die "path ${NAME[$c]}: a 1500-byte DF ping from ${SRC[$c]} to 10.2.0.2 fails"
done

# This script keeps off the traffic's CPU when there is another.
if ((ncpu >= 2)); then
	taskset -p 2 $$ >/dev/null
fi
PIN=(taskset -c 0)

# One process parked in each netns that is counted: /proc/<pid>/net/dev is
# that netns's view, so one awk reads all counters at (nearly) one instant.
declare -A HOLD
for ns in ma mb la lb ba bb h1 l1 b1; do
	ip netns exec $ns sleep infinity &
	HOLD[$ns]=$!
done
trap 'kill "${HOLD[@]}" 2>/dev/null || true' EXIT

# snap NS:DEV...: the time (/proc/uptime, read before and after, averaged),
# then "rx_packets rx_bytes tx_packets tx_bytes tx_drop" of each device,
# then CPU 0's softnet counters "processed dropped time_squeeze".
snap() {
	local a devs="" files=()
	for a in "$@"; do
		devs+=" ${a#*:}:"
		files+=("/proc/${HOLD[${a%%:*}]}/net/dev")
	done
	awk -v devs="$devs" '
		function hex(x,   i, n) {
			n = 0
			for (i = 1; i <= length(x); i++)
				n = n * 16 + index("0123456789abcdef", substr(x, i, 1)) - 1
			return n
		}
		BEGIN { n = split(devs, d, " "); f = -1 }
		FNR == 1 { f++ }
		FILENAME == "/proc/uptime" { up += $1; next }
		FILENAME == "/proc/net/softnet_stat" {
			if (FNR == 1) sn = hex($1) " " hex($2) " " hex($3)
			next
		}
		{
			l = $0; sub(/:/, ": ", l); split(l, F, " ")
			if (F[1] == d[f])
				line[f] = F[3] " " F[2] " " F[11] " " F[10] " " F[13]
		}
		END {
			printf "%.3f\n", up / 2
			for (i = 1; i <= n; i++) print line[i]
			print sn
		}' /proc/uptime "${files[@]}" /proc/net/softnet_stat /proc/uptime
}

# pg_setup PATH [COUNT]: pktgen on the sending VM's eth0, COUNT packets
# (0, the default: until stopped).
pg_setup() {
	local c=$1 t cmds=""
	for t in /proc/net/pktgen/kpktgend_*; do
		cmds+="echo rem_device_all > $t; "
	done
	cmds+="echo 'add_device eth0' > /proc/net/pktgen/kpktgend_0; "
	for cmd in "count ${2:-0}" "clone_skb 0" "burst 1" "delay 0" \
		   "pkt_size $PKT_SIZE" "dst 10.2.0.2" "dst_mac ${GWMAC[$c]}" \
		   "src_min 10.1.0.2" "src_max 10.1.0.2" \
		   "udp_src_min 1024" "udp_src_max $((1024 + FLOWS - 1))" \
		   "udp_dst_min 9" "udp_dst_max 9"; do
		cmds+="echo '$cmd' > /proc/net/pktgen/eth0; "
	done
	ip netns exec "${SRC[$c]}" sh -c "$cmds"
}

declare -A PPS TCP

# run_pps ROUND PATH: pktgen from the sending VM, count at the receiving one.
#
# Under TCG a packet costs some 100 us, so the softirq's budget (2 ms,
# netdev_budget_usecs) runs out after a few packets and the rest of the
# work can move to ksoftirqd. Now and then the path then stays in a state
# where pktgen, no longer processing its packets inline, fills the first
# veth's backlog and most packets are dropped there: the rate measured is
# then the scheduler's, not the path's. Such a run (over 1% of the
# generated packets dropped at the first veth) is printed, discarded and
# run again, at most twice.
run_pps() {
	local try
	for try in 1 2 3; do
		measure_pps "$@"
		awk -v l="$(cat /tmp/tunnel_bench.pps)" 'BEGIN { split(l, x, " "); exit !(x[3] > 0.01 * x[2]) }' || break
		((try < 3)) && echo "    (that run is discarded: its packets were dropped at the first veth, the softirq work having moved to ksoftirqd; again)"
	done
	PPS[$2,$1]=$(cut -d' ' -f1 /tmp/tunnel_bench.pps)
}

measure_pps() {
	local r=$1 c=$2 src=${SRC[$2]} dst=${DST[$2]} ul=${UL[$2]} pid s0 s1 pre post
	tc -n "$dst" qdisc add dev eth0 clsact
	tc -n "$dst" filter add dev eth0 ingress protocol ip pref 1 matchall action drop
	pg_setup "$c"
	pre=$(snap "$src:eth0" "$ul:u1" "$dst:eth0")
	ip netns exec "$src" sh -c 'echo start > /proc/net/pktgen/pgctrl' &
	pid=$!
	sleep "$WARMUP"
	s0=$(snap "$src:eth0" "$ul:u1" "$dst:eth0")
	sleep "$INTERVAL"
	s1=$(snap "$src:eth0" "$ul:u1" "$dst:eth0")
	ip netns exec "$src" sh -c 'echo stop > /proc/net/pktgen/pgctrl'
	wait "$pid" || true
	sleep 1		# let the queues drain
	post=$(snap "$src:eth0" "$ul:u1" "$dst:eth0")
	tc -n "$dst" qdisc del dev eth0 clsact
	# Five lines per snapshot: time; sender eth0; sending host's u1;
	# receiver eth0; softnet.
	printf '%s\n%s\n%s\n%s\n' "$s0" "$s1" "$pre" "$post" |
	awk -v r="$r" -v name="${NAME[$c]}" -v res=/tmp/tunnel_bench.pps '
		{ v[NR] = $0 }
		END {
			dt = v[6] - v[1]
			split(v[2], g0); split(v[7], g1)	# sender eth0
			split(v[4], k0); split(v[9], k1)	# receiver eth0
			split(v[5], n0); split(v[10], n1)	# softnet
			split(v[13], wu0); split(v[18], wu1)	# u1, whole run
			split(v[14], wk0); split(v[19], wk1)	# receiver, whole run
			pps = (k1[1] - k0[1]) / dt
			gen = (g1[3] - g0[3] + g1[5] - g0[5]) / dt
			drop = (g1[5] - g0[5]) / dt
			printf "  round %d  %-12s %7d pps at the receiver  (generated %d pps, %d pps dropped at the first veth; %d softirq time squeezes/s; whole run: %d tunnel packets sent, %d received)\n", \
				r, name, pps, gen, drop, (n1[3] - n0[3]) / dt, wu1[3] - wu0[3], wk1[1] - wk0[1]
			printf "%d %d %d\n", pps, gen, drop > res
		}'
}

# iperf_server NS: an iperf3 server for one test in NS, on CPU 0, once it
# listens. Under -icount guest time jumps while a process waits for the 9p
# root, so no sleep can tell when it is up: ask ss.
iperf_server() {
	local i
	ip netns exec "$1" "${PIN[@]}" iperf3 -s -1 -D >/dev/null
	for ((i = 0; i < 100; i++)); do
		[[ -z $(ip netns exec "$1" ss -Hltn sport = :5201) ]] || return 0
		sleep 0.1
	done
	die "iperf3 -s in $1 does not listen"
}

# run_tcp ROUND PATH: one iperf3 stream from the sending VM to the
# receiving one, both on CPU 0.
run_tcp() {
	local r=$1 c=$2 src=${SRC[$2]} dst=${DST[$2]} ul=${UL[$2]} s0 s1 json
	iperf_server "$dst"
	s0=$(snap "$ul:u1")
	json=$(ip netns exec "$src" "${PIN[@]}" iperf3 -c 10.2.0.2 -t "$TCP_TIME" -O "$TCP_OMIT" \
		${TCP_WINDOW:+-w "$TCP_WINDOW"} -J) ||
		die "path ${NAME[$c]}: iperf3 failed: $(jq -r .error <<<"$json" 2>/dev/null)"
	s1=$(snap "$ul:u1")
	# (No process substitution: the VM's /dev has no /dev/fd.)
	read -r bps retr rtt cwnd <<<"$(jq -r '"\(.end.sum_received.bits_per_second) \(.end.sum_sent.retransmits // 0) \(.end.streams[0].sender.mean_rtt // 0) \(.end.streams[0].sender.max_snd_cwnd // 0)"' <<<"$json")"
	TCP[$c,$r]=$(awk -v b="$bps" 'BEGIN { printf "%.3f", b / 1e9 }')
	printf '%s\n%s\n' "$s0" "$s1" | awk -v r="$r" -v name="${NAME[$c]}" -v g="${TCP[$c,$r]}" -v retr="$retr" -v rtt="$rtt" -v cwnd="$cwnd" '
		{ v[NR] = $0 }
		END {
			split(v[2], a); split(v[5], b)	# 3 lines per snapshot
			p = b[3] - a[3]; by = b[4] - a[4]
			printf "  round %d  %-12s %7.3f Gbit/s at the receiver  (%d retransmits, mean RTT %d us, max cwnd %d kB; underlay: %d packets, %d bytes per packet)\n", \
				r, name, g, retr, rtt, cwnd / 1024, p, p ? by / p : 0
		}'
}

echo "tunnel_bench: kernel $(uname -r), qemu TCG, $ncpu vCPU(s), $ROUNDS rounds"
echo "  paths (each in its own namespaces, VM 10.1.0.2 on host 1 -> VM 10.2.0.2 on host 2, veth everywhere, underlay MTU 1550):"
echo "    midway        host 1: midway routes once, encapsulates (VXLAN, VNI = port key); host 2: VNI -> port, then a lookup in the port's router only"
echo "                  to pick the next hop via that port (the packet leaves by that port whatever it finds), out"
echo "    linux         host 1: Linux routes to vx0 (VXLAN device); host 2: vx0 decapsulates, Linux routes again to the VM's veth"
echo "    linux-bridge  host 1: Linux routes to vx0 (VM's MAC static on vx0); host 2: vx0 decapsulates, a Linux bridge forwards to the VM's veth"
echo "  all neighbours and fdb entries static; no learning; no rp_filter; zero outer UDP checksums"
echo "  pps: pktgen in the sending VM (kpktgend_0, CPU 0), ${PKT_SIZE}+4-byte frames, UDP, $FLOWS flows; the whole path inline on CPU 0;"
echo "       counted at the receiving VM's eth0 rx_packets (tc matchall drop there), ${WARMUP} s warm-up + ${INTERVAL} s measured"
echo "  TCP: iperf3, one stream, client and server pinned to CPU 0, ${TCP_OMIT} s omitted + ${TCP_TIME} s measured, receiver's rate${TCP_WINDOW:+, socket buffers $TCP_WINDOW (-w)}"

: >"$OUT/tunnel_bench.dat"
for r in $(seq 1 "$ROUNDS"); do
	if ((r % 2)); then order="M L B"; else order="B L M"; fi
	for c in $order; do run_pps "$r" "$c"; done
	for c in $order; do run_tcp "$r" "$c"; done
	for c in M L B; do
		echo "${NAME[$c]} $r ${PPS[$c,$r]} ${TCP[$c,$r]}" >>"$OUT/tunnel_bench.dat"
	done
done

echo "  midway's counters after the runs (host 1, then host 2: mwctl host stats, mwctl drops):"
for h in h1 h2; do
	{
		ip netns exec $h $mw host stats
		ip netns exec $h $mw drops router R
	} 2>&1 | sed "s/^/    $h: /" || true
done

# Medians per path, "path pps gbps", in one awk (a process spawn under TCG
# takes a good part of a second).
awk '{ n[$1]++; P[$1, n[$1]] = $3; T[$1, n[$1]] = $4 }
	function med(A, p, k,   i, j, v, x) {
		for (i = 1; i <= k; i++) v[i] = A[p, i]
		for (i = 2; i <= k; i++)	# insertion sort, k is small
			for (j = i; j > 1 && v[j - 1] > v[j]; j--) { x = v[j]; v[j] = v[j - 1]; v[j - 1] = x }
		return k % 2 ? v[(k + 1) / 2] : (v[k / 2] + v[k / 2 + 1]) / 2
	}
	END {
		split("midway linux linux-bridge", order, " ")
		for (i = 1; i <= 3; i++)
			printf "%s %s %.3f\n", order[i], med(P, order[i], n[order[i]]), med(T, order[i], n[order[i]])
	}' "$OUT/tunnel_bench.dat" >"$OUT/tunnel_bench.med"

# Results ----------------------------------------------------------------------

# "pps_ratio tcp_ratio" of path $1 over path $2: the ratios of the medians,
# then "pps_geo tcp_geo": the geometric means of the per-round ratios.
ratios() {
	awk -v a="$1" -v b="$2" '
		FILENAME ~ /med$/ { p[$1] = $2; t[$1] = $3; next }
		{ P[$1, $2] = $3; T[$1, $2] = $4; if ($2 > n) n = $2 }
		END {
			for (r = 1; r <= n; r++) {
				if (P[b, r] > 0 && P[a, r] > 0) { sp += log(P[a, r] / P[b, r]); np++ }
				if (T[b, r] > 0 && T[a, r] > 0) { st += log(T[a, r] / T[b, r]); nt++ }
			}
			printf "%.2f %.2f %.2f %.2f\n", (p[b] > 0 ? p[a] / p[b] : 0), (t[b] > 0 ? t[a] / t[b] : 0), \
				(np ? exp(sp / np) : 0), (nt ? exp(st / nt) : 0)
		}' "$OUT/tunnel_bench.med" "$OUT/tunnel_bench.dat"
}
verdict() { awk -v x="$1" -v t="$2" 'BEGIN { print (x >= t ? "met" : "NOT met") }'; }

read -r _ mp mt <<<"$(sed -n 1p "$OUT/tunnel_bench.med")"
read -r _ lp lt <<<"$(sed -n 2p "$OUT/tunnel_bench.med")"
read -r _ bp bt <<<"$(sed -n 3p "$OUT/tunnel_bench.med")"
# The headline ratio of each kind is the ratio of the medians; the
# geometric mean of the per-round ratios is printed beside it.
read -r rp rt gp gt <<<"$(ratios midway linux)"
read -r rbp rbt gbp gbt <<<"$(ratios midway linux-bridge)"

echo
echo "Results (qemu TCG: absolute rates are far below hardware; the ratios are what matters)"
echo "  medians of $ROUNDS rounds; per-run figures in tunnel_bench.dat"
echo
printf '  %-14s %12s %12s\n' path "64 B UDP pps" "TCP Gbit/s"
printf '  %-14s %12.0f %12.3f\n' midway "$mp" "$mt" linux "$lp" "$lt" linux-bridge "$bp" "$bt"
echo
printf '  %-26s %6s %6s\n' ratio pps TCP
printf '  %-26s %6s %6s   (geometric means of the per-round ratios: %s, %s)\n' "midway / linux" "$rp" "$rt" "$gp" "$gt"
printf '  %-26s %6s %6s   (geometric means of the per-round ratios: %s, %s)\n' "midway / linux-bridge" "$rbp" "$rbt" "$gbp" "$gbt"
echo
echo "  target (the issue, against linux): pps >= 1.2x: $(verdict "$rp" 1.2) ($rp); TCP >= 1.0x: $(verdict "$rt" 1.0) ($rt)"
echo "  (figures, not a test: nothing fails on them)"
echo "RESULT tunnel kernel=$(uname -r) midway_pps=$mp linux_pps=$lp linux_bridge_pps=$bp midway_gbps=$mt linux_gbps=$lt linux_bridge_gbps=$bt pps_ratio=$rp tcp_ratio=$rt pps_ratio_bridge=$rbp tcp_ratio_bridge=$rbt"

# Optional: where the cycles go. One more pps run and one more TCP transfer
# per path, each under perf (cpu-clock samples on CPU 0; under -icount,
# samples of instructions), after the measured rounds so that they do not
# disturb them. perf starts the traffic itself and ends with it (pktgen with
# a packet count; iperf3 -t 3): under -icount guest time jumps while a
# process waits for the 9p root, so perf's own start-up or a sleep would
# decide what is sampled. The reports (self time per symbol) go to
# $OUT/perf.PATH.{pps,tcp}.txt; idle (native_safe_halt: the commands'
# start-up) is left out of the shares printed.
prof() {
	local c=$1 kind=$2 f=$OUT/perf.${NAME[$1]}.$2.txt
	perf report -q -i "/tmp/perf.$c.$kind.data" --no-children --sort sym \
		2>/dev/null | sed '/^$/d' >"$f" || true
	echo "  perf, ${NAME[$c]}, $kind ($(basename "$f")), shares of the busy samples:"
	awk '{ p = $1; sub(/%/, "", p); s = $NF }
		s == "native_safe_halt" { idle = p; next }
		{ n++; sym[n] = s; pc[n] = p }
		s ~ /^mw_/ { m += p } s ~ /^vxlan_/ { v += p } s ~ /^br_/ { b += p }
		END {
			busy = 100 - idle
			if (busy <= 0) { print "    no busy samples"; exit }
			printf "    idle %.1f%% left out; midway (mw_*) %.1f%%, VXLAN driver (vxlan_*) %.1f%%, bridge (br_*) %.1f%%\n", \
				idle, 100 * m / busy, 100 * v / busy, 100 * b / busy
			for (i = 1; i <= n && i <= 15; i++)
				printf "    %6.2f%%  %s\n", 100 * pc[i] / busy, sym[i]
		}' "$f"
}
if [[ $PERF == 1 ]]; then
	if ! perf --version >/dev/null 2>&1; then
		echo "  PERF=1: perf does not run here; skipped"
	else
		echo
		echo "Profiles (PERF=1)"
		for c in M L B; do
			src=${SRC[$c]} dst=${DST[$c]}
			tc -n "$dst" qdisc add dev eth0 clsact
			tc -n "$dst" filter add dev eth0 ingress protocol ip pref 1 matchall action drop
			pg_setup "$c" 25000
			s0=$(snap "$src:eth0")
			perf record -q -C 0 -o "/tmp/perf.$c.pps.data" -- \
				ip netns exec "$src" sh -c 'echo start > /proc/net/pktgen/pgctrl' >/dev/null 2>&1 || true
			s1=$(snap "$src:eth0")
			tc -n "$dst" qdisc del dev eth0 clsact
			prof "$c" pps
			printf '%s\n%s\n' "$s0" "$s1" | awk '{ v[NR] = $0 } END { split(v[2], a); split(v[5], b)
				printf "    (%d packets sent, %d dropped at the first veth during the profile)\n", b[3] - a[3], b[5] - a[5] }'

			iperf_server "$dst"
			perf record -q -C 0 -o "/tmp/perf.$c.tcp.data" -- \
				ip netns exec "$src" "${PIN[@]}" iperf3 -c 10.2.0.2 -t 3 >/dev/null 2>&1 || true
			prof "$c" tcp
		done
	fi
fi
