#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Guest part of tools/bench/fwd_bench.sh: forwarding rate of midway vs
# Linux's own IPv4 forwarding, same VM, same veth topology, same generator.
# Runs in the test VM as root with midway.ko loaded (tools/vm/run).
#
# Case A, Linux:                        Case B, midway:
#
#  netns srcA        netns fw           netns srcB      root netns        netns dstB
#  eth0 10.1.0.2 -- a0 10.1.0.1         eth0 10.1.0.2 -- vin [midway router "bench"] vout -- eth0 10.2.0.2
#                    ip_forward=1                            port in  10.1.0.1/24
#                    b0 10.2.0.1 -- eth0 10.2.0.2            port out 10.2.0.1/24
#                                   netns dstA               routes 10.1.0.0/24, 10.2.0.0/24
#
# Case C, "direct", no router: netns srcC eth0 -- eth0 netns dstC. It costs
# what the generator and the sink cost, so 1/pps(A) - 1/pps(C) is the time
# Linux spends per packet, and likewise for midway.
#
# Every link is a veth pair. Both routers get static neighbour entries
# (midway's with mwctl neigh add; a module without them resolves 10.2.0.2 by
# ARP instead, with a ping before each run).
#
# Generator: pktgen, one kernel thread per case (kpktgend_N, bound to CPU N),
# on srcX's eth0: 60-byte frames (64 on a wire with the FCS), UDP 10.1.0.2 ->
# 10.2.0.2:9, FLOWS source ports (one flow each), no clone_skb (veth cannot
# share skbs). Sink: a tc ingress "matchall action drop" filter for IPv4 on
# dstX's eth0 (ARP still passes), so no socket or ICMP work at the sink.
# Count: the sink veth's rx_packets (what the router handed to it) over
# INTERVAL seconds after WARMUP seconds of traffic.
#
# One core per case: pktgen's veth transmit queues the packet on its CPU's
# backlog and processes it at once, in the softirq that pktgen's
# local_bh_enable() runs: the router, the second veth and the sink all run
# on the CPU of that case's pktgen thread. No RPS.
#
# Modes (MODE):
#   concurrent (default; 4 vCPUs) A, B and C run at the same time, each on
#          its own CPU (0-2), this script on CPU 3. Under TCG on a shared
#          host the vCPUs' speed drifts by a factor of two from minute to
#          minute; run together, the three cases see the same host, so each
#          round gives a paired ratio. The case-to-CPU mapping rotates every
#          round.
#   sequential (2 vCPUs) one case at a time, on CPU 0, this script on CPU 1
#          (or on CPU 0 too if there is only one); the order alternates
#          every round. Only for a quiet host, or a deterministic clock
#          (qemu -icount, see Documentation/benchmarks.md).
# The rates are medians over ROUNDS rounds, the ratios geometric means of
# the per-round ratios (over whole rotations, that cancels a constant speed
# difference between the vCPUs).
#
# Environment: INTERVAL (5), WARMUP (2), ROUNDS (6), FLOWS (256),
# MODE (concurrent), PKT_SIZE (60).
set -euo pipefail
cd "$(dirname "$0")/../.."

INTERVAL=${INTERVAL:-5}
WARMUP=${WARMUP:-2}
ROUNDS=${ROUNDS:-6}
FLOWS=${FLOWS:-256}
MODE=${MODE:-concurrent}
PKT_SIZE=${PKT_SIZE:-60}
mw=build/bin/mwctl
IN_MAC=02:6d:77:00:00:01	# midway port "in"
OUT_MAC=02:6d:77:00:00:02	# midway port "out"

die() { echo "fwd_bench: $*" >&2; exit 1; }
ncpu=$(nproc --all)
case $MODE in
concurrent) [[ $ncpu -ge 4 ]] || die "mode concurrent needs 4 CPUs (tools/vm/run --smp 4)" ;;
sequential) ;;
*) die "MODE must be concurrent or sequential" ;;
esac

modprobe veth
modprobe pktgen
modprobe sch_ingress 2>/dev/null || true
modprobe cls_matchall
modprobe act_gact

mac() { ip -n "$1" -br link show dev "$2" | awk '{ print $3 }'; }

# Topology ------------------------------------------------------------------

# Case A: Linux forwarding in netns fw.
for ns in srcA fw dstA srcB dstB srcC dstC; do
	ip netns add $ns
	ip -n $ns link set lo up
done
ip link add eth0 netns srcA type veth peer name a0 netns fw
ip link add b0 netns fw type veth peer name eth0 netns dstA
ip -n srcA addr add 10.1.0.2/24 dev eth0
ip -n fw addr add 10.1.0.1/24 dev a0
ip -n fw addr add 10.2.0.1/24 dev b0
ip -n dstA addr add 10.2.0.2/24 dev eth0
for l in srcA:eth0 fw:a0 fw:b0 dstA:eth0; do
	ip -n "${l%%:*}" link set "${l#*:}" up
done
ip netns exec fw sysctl -qw net.ipv4.ip_forward=1
# No reverse-path filter (midway has none): one FIB lookup per packet.
for d in all default a0 b0; do
	ip netns exec fw sysctl -qw net.ipv4.conf.$d.rp_filter=0
done
ip -n srcA route add default via 10.1.0.1
ip -n dstA route add default via 10.2.0.1
ip -n srcA neigh replace 10.1.0.1 lladdr "$(mac fw a0)" dev eth0 nud permanent
ip -n fw neigh replace 10.1.0.2 lladdr "$(mac srcA eth0)" dev a0 nud permanent
ip -n fw neigh replace 10.2.0.2 lladdr "$(mac dstA eth0)" dev b0 nud permanent
ip -n dstA neigh replace 10.2.0.1 lladdr "$(mac fw b0)" dev eth0 nud permanent

# Case B: one midway router on two veths of the root netns.
ip link add vin type veth peer name eth0 netns srcB
ip link add vout type veth peer name eth0 netns dstB
ip link set vin up
ip link set vout up
ip -n srcB addr add 10.1.0.2/24 dev eth0
ip -n dstB addr add 10.2.0.2/24 dev eth0
ip -n srcB link set eth0 up
ip -n dstB link set eth0 up
ip -n srcB route add default via 10.1.0.1
ip -n dstB route add default via 10.2.0.1
ip -n srcB neigh replace 10.1.0.1 lladdr $IN_MAC dev eth0 nud permanent
ip -n dstB neigh replace 10.2.0.1 lladdr $OUT_MAC dev eth0 nud permanent
$mw host add name h1 address 192.0.2.1 local >/dev/null
$mw router add name bench >/dev/null
$mw port add router bench name in exterior mac $IN_MAC \
	address 10.1.0.1/24 host h1 dev vin >/dev/null
$mw port add router bench name out exterior mac $OUT_MAC \
	address 10.2.0.1/24 host h1 dev vout >/dev/null
$mw route add router bench 10.1.0.0/24 port in >/dev/null
$mw route add router bench 10.2.0.0/24 port out >/dev/null
# Static neighbour entries when the module has them (as in case A), else
# ARP (a ping before every run keeps the entry fresh).
if $mw neigh add out router bench 10.2.0.2 lladdr "$(mac dstB eth0)" >/dev/null 2>&1 &&
   $mw neigh add in router bench 10.1.0.2 lladdr "$(mac srcB eth0)" >/dev/null 2>&1; then
	MW_NEIGH=static
else
	MW_NEIGH=arp
fi

# Case C, no router: the generator's veth straight to the sink's.
ip link add eth0 netns srcC type veth peer name eth0 netns dstC
ip -n srcC addr add 10.2.0.1/24 dev eth0
ip -n dstC addr add 10.2.0.2/24 dev eth0
ip -n srcC link set eth0 up
ip -n dstC link set eth0 up
ip -n srcC neigh replace 10.2.0.2 lladdr "$(mac dstC eth0)" dev eth0 nud permanent

# Both paths must work before anything is measured (this also makes midway
# resolve 10.2.0.2 and 10.1.0.2).
for c in A B C; do
	ip netns exec src$c ping -q -c 2 -W 2 10.2.0.2 >/dev/null ||
		die "case $c: ping from src$c to 10.2.0.2 fails"
done

# Sinks: drop IPv4 at the ingress of the destination's veth.
for c in A B C; do
	tc -n dst$c qdisc add dev eth0 clsact
	tc -n dst$c filter add dev eth0 ingress protocol ip pref 1 matchall action drop
done

# This script (and what it starts) keeps off the CPUs that carry traffic.
if [[ $MODE == concurrent ]]; then
	taskset -p 8 $$ >/dev/null
elif [[ $ncpu -ge 2 ]]; then
	taskset -p 2 $$ >/dev/null
fi
declare -A NAME=([A]=linux [B]=midway [C]=direct)
declare -A DMAC=([A]="$(mac fw a0)" [B]=$IN_MAC [C]="$(mac dstC eth0)")
declare -A RIN=([A]=fw:a0 [B]=-:vin [C]=srcC:eth0)
declare -A ROUT=([A]=fw:b0 [B]=-:vout [C]=srcC:eth0)

# Give case $1's source netns one pktgen device, on the thread of CPU $2.
pg_setup() {
	local c=$1 cpu=$2 ns=src$1 t cmds=""
	for t in /proc/net/pktgen/kpktgend_*; do
		cmds+="echo rem_device_all > $t; "
	done
	cmds+="echo 'add_device eth0' > /proc/net/pktgen/kpktgend_$cpu; "
	for cmd in "count 0" "clone_skb 0" "burst 1" "delay 0" \
		   "pkt_size $PKT_SIZE" "dst 10.2.0.2" "dst_mac ${DMAC[$c]}" \
		   "src_min 10.1.0.2" "src_max 10.1.0.2" \
		   "udp_src_min 1024" "udp_src_max $((1024 + FLOWS - 1))" \
		   "udp_dst_min 9" "udp_dst_max 9"; do
		cmds+="echo '$cmd' > /proc/net/pktgen/eth0; "
	done
	ip netns exec "$ns" sh -c "$cmds"
}

# Measurement ---------------------------------------------------------------

# One process parked in each netns: /proc/<pid>/net/dev is that netns's view,
# so one awk reads every counter at (nearly) the same instant.
declare -A HOLD
for ns in srcA fw dstA srcB dstB srcC dstC; do
	ip netns exec $ns sleep infinity &
	HOLD[$ns]=$!
done
HOLD[-]=self
trap 'kill "${HOLD[@]/self/}" 2>/dev/null || true' EXIT

# snap NS:DEV...: the time, then "rx_packets rx_drop tx_packets tx_drop" of
# each device, then "busy total" jiffies of each CPU. The time is
# /proc/uptime (10 ms ticks) read just before and just after the counters,
# in the same process: spawning a process under TCG can take a good part of
# a second, which must not fall between the clock and the counters.
snap() {
	local a devs="" files=()
	for a in "$@"; do
		devs+=" ${a#*:}:"
		files+=("/proc/${HOLD[${a%%:*}]}/net/dev")
	done
	awk -v devs="$devs" -v ncpu="$ncpu" '
		BEGIN { n = split(devs, d, " "); f = -1 }
		FNR == 1 { f++ }
		FILENAME == "/proc/uptime" { up += $1; next }
		FILENAME == "/proc/stat" {
			if ($1 ~ /^cpu[0-9]+$/) {
				t = 0; for (i = 2; i <= NF; i++) t += $i
				cpu[substr($1, 4)] = (t - $5 - $6) " " t
			}
			next
		}
		{
			# "  eth0:123456789 ...": no blank after the colon
			# once the byte count is wide.
			l = $0; sub(/:/, ": ", l); split(l, F, " ")
			if (F[1] == d[f])
				line[f] = F[3] " " F[5] " " F[11] " " F[13]
		}
		END {
			printf "%.3f\n", up / 2
			for (i = 1; i <= n; i++) print line[i]
			for (i = 0; i < ncpu; i++) print ((i in cpu) ? cpu[i] : "0 0")
		}' /proc/uptime "${files[@]}" /proc/stat /proc/uptime
}

declare -A RES	# RES[case,round] = pps at the sink

# run ROUND CASE:CPU...: run those cases at the same time, each with its
# pktgen thread on its CPU, and print one line per case.
run() {
	local r=$1 c cpu devs=() a
	shift
	for a in "$@"; do
		c=${a%%:*}; cpu=${a#*:}
		pg_setup "$c" "$cpu"
		devs+=("src$c:eth0" "${RIN[$c]}" "${ROUT[$c]}" "dst$c:eth0")
	done
	# midway without static entries: make sure 10.2.0.2 is resolved (learnt
	# entries age after 30 s); the echo itself is dropped by the sink, the
	# ARP exchange is not.
	if [[ $MW_NEIGH == arp && " $* " == *" B:"* ]]; then
		ip netns exec srcB ping -q -c 1 -W 1 10.2.0.2 >/dev/null 2>&1 || true
	fi

	local pids=() s0 s1 pre post
	pre=$(snap "${devs[@]}")
	for a in "$@"; do
		ip netns exec "src${a%%:*}" sh -c 'echo start > /proc/net/pktgen/pgctrl' &
		pids+=($!)
	done
	sleep "$WARMUP"
	s0=$(snap "${devs[@]}")
	sleep "$INTERVAL"
	s1=$(snap "${devs[@]}")
	for a in "$@"; do
		ip netns exec "src${a%%:*}" sh -c 'echo stop > /proc/net/pktgen/pgctrl'
	done
	wait "${pids[@]}" || true
	sleep 1		# let the queues drain
	post=$(snap "${devs[@]}")

	# A snapshot is 1 + 4 * ncase + ncpu lines: time; per case src eth0,
	# router in, router out, sink eth0; per CPU busy and total jiffies.
	# Rates come from s0 -> s1; the router's losses from pre -> post (the
	# whole run, queues drained, so nothing is in flight).
	printf '%s\n%s\n%s\n%s\n' "$s0" "$s1" "$pre" "$post" |
	awk -v r="$r" -v cases="$*" -v ncpu="$ncpu" \
	    -v names="A=${NAME[A]} B=${NAME[B]} C=${NAME[C]}" '
		{ v[NR] = $0 }
		END {
			nc = split(cases, cs, " ")
			split(names, nm, " ")
			for (i in nm) { split(nm[i], kv, "="); name[kv[1]] = kv[2] }
			L = 1 + 4 * nc + ncpu
			dt = v[L + 1] - v[1]
			for (i = 1; i <= nc; i++) {
				split(cs[i], cc, ":"); c = cc[1]; cpu = cc[2]
				b = 1 + 4 * (i - 1)
				split(v[b + 1], s0); split(v[L + b + 1], s1)	# src eth0
				split(v[b + 4], k0); split(v[L + b + 4], k1)	# sink eth0
				split(v[2 * L + b + 2], ip); split(v[3 * L + b + 2], iq)	# router in
				split(v[2 * L + b + 3], op); split(v[3 * L + b + 3], oq)	# router out
				split(v[1 + 4 * nc + cpu + 1], u0); split(v[L + 1 + 4 * nc + cpu + 1], u1)
				pps = (k1[1] - k0[1]) / dt
				offered = (s1[3] - s0[3] + s1[4] - s0[4]) / dt
				drop_in = (s1[4] - s0[4]) / dt
				busy = u1[2] - u0[2] ? 100 * (u1[1] - u0[1]) / (u1[2] - u0[2]) : 0
				printf "  round %d  %-6s CPU%d %7d pps at the sink  (generated %d pps, %d pps dropped at the first veth; CPU %d%% busy", \
					r, name[c], cpu, pps, offered, drop_in, busy
				if (c != "C")
					printf "; whole run: router in %d, out %d, lost %d", \
						iq[1] - ip[1], oq[3] - op[3], iq[1] - ip[1] - (oq[3] - op[3])
				printf ")\n"
				printf "%s %d\n", c, pps > "/tmp/fwd_bench.res"
			}
		}'
	while read -r c pps; do RES[$c,$r]=$pps; done < /tmp/fwd_bench.res
}

median() { printf '%s\n' "$@" | grep -v n/a | sort -g | awk '{ v[NR] = $1 } END { if (!NR) print "n/a"; else if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

echo "fwd_bench: kernel $(uname -r), qemu TCG, $ncpu vCPUs, mode $MODE, $ROUNDS rounds of ${WARMUP} s warmup + ${INTERVAL} s measured"
if [[ $MODE == concurrent ]]; then
	echo "  linux, midway and direct (no router) run at the same time, each on its own CPU (rotating), this script on CPU 3"
elif [[ $ncpu -ge 2 ]]; then
	echo "  one case at a time, on CPU 0; this script on CPU 1"
else
	echo "  one case at a time, on the only CPU, with this script"
fi
echo "  per case, pktgen (one thread), the router and the sink run on that case's CPU, inline in pktgen's softirq"
echo "  $((PKT_SIZE + 4))-byte frames, UDP, $FLOWS flows; counted at the sink veth's rx_packets"
if [[ $MW_NEIGH == static ]]; then
	echo "  neighbours: static entries in both routers"
else
	echo "  neighbours: static in Linux; midway learns 10.2.0.2 by ARP (no static entries in this module)"
fi
if [[ $MODE == concurrent ]] && ((ROUNDS % 3)); then
	echo "  (ROUNDS=$ROUNDS is not a multiple of 3: the case-to-CPU rotation is incomplete)"
fi
cases=(A B C)
for r in $(seq 1 "$ROUNDS"); do
	if [[ $MODE == concurrent ]]; then
		args=()
		for i in 0 1 2; do args+=("${cases[i]}:$(((i + r - 1) % 3))"); done
		run "$r" "${args[@]}"
	else
		if ((r % 2)); then order="A B C"; else order="C B A"; fi
		for c in $order; do run "$r" "$c:0"; done
	fi
done

# Per round: the ratio midway/Linux, and each router's own share of the time
# per packet, 1 / (1/pps - 1/pps_direct), as a rate.
ratios=() lr=() mr=() rr=()
for r in $(seq 1 "$ROUNDS"); do
	read -r x y z w <<<"$(awk -v a="${RES[A,$r]}" -v b="${RES[B,$r]}" -v c="${RES[C,$r]}" 'BEGIN {
		printf "%s ", (a > 0 ? sprintf("%.3f", b / a) : "n/a")
		if (a > 0 && b > 0 && c > 0 && 1 / a > 1 / c && 1 / b > 1 / c) {
			ra = 1 / (1 / a - 1 / c); rb = 1 / (1 / b - 1 / c)
			printf "%d %d %.3f\n", ra, rb, rb / ra
		} else print "n/a n/a n/a" }')"
	ratios+=("$x"); lr+=("$y"); mr+=("$z"); rr+=("$w")
done
col() { local c=$1 r l=(); for r in $(seq 1 "$ROUNDS"); do l+=("${RES[$c,$r]}"); done; median "${l[@]}"; }
ma=$(printf '%.0f' "$(col A)") mb=$(printf '%.0f' "$(col B)") mc=$(printf '%.0f' "$(col C)")
# The headline: the geometric mean of the per-round ratios. Over whole
# rotations (concurrent mode, ROUNDS a multiple of 3) it cancels exactly a
# constant speed difference between the vCPUs: each case sat on each CPU
# equally often. The median is printed too.
geomean() { printf '%s\n' "$@" | awk '$1 != "n/a" && $1 > 0 { s += log($1); n++ } END { if (n) printf "%.3f\n", exp(s / n); else print "n/a" }'; }
ratio=$(geomean "${ratios[@]}")
rratio=$(geomean "${rr[@]}")
ratio_med=$(median "${ratios[@]}")
rratio_med=$(median "${rr[@]}")
fmt() { awk -v x="$1" 'BEGIN { if (x == "n/a") print x; else printf "%.2f", x }'; }

echo "  midway's own counters after the runs (mwctl port stats, mwctl drops):"
{ $mw port stats router bench; $mw drops router bench; } 2>&1 | sed 's/^/    /' || true

echo
echo "Results (qemu TCG software emulation: absolute rates are far below real hardware; the ratios are what matters)"
printf '  Linux IPv4 forwarding: %8.0f pps (median of %d rounds)\n' "$ma" "$ROUNDS"
printf '  midway:                %8.0f pps\n' "$mb"
printf '  direct (no router):    %8.0f pps\n' "$mc"
printf '  ratio midway/Linux:    %8s   (geometric mean of the per-round ratios:%s; median %s)\n' \
	"$(fmt "$ratio")" "$(for x in "${ratios[@]}"; do printf ' %s' "$(fmt "$x")"; done)" "$(fmt "$ratio_med")"
echo "  the router's own share, 1 / (1/pps - 1/pps_direct), per round:"
printf '    Linux  %s pps\n' "${lr[*]}"
printf '    midway %s pps\n' "${mr[*]}"
printf '    ratio midway/Linux of the routers alone: %s (geometric mean; per round:%s; median %s)\n' \
	"$(fmt "$rratio")" "$(for x in "${rr[@]}"; do printf ' %s' "$(fmt "$x")"; done)" "$(fmt "$rratio_med")"
echo "RESULT fwd mode=$MODE kernel=$(uname -r) linux_pps=$ma midway_pps=$mb direct_pps=$mc ratio=$(fmt "$ratio") router_ratio=$(fmt "$rratio")"
