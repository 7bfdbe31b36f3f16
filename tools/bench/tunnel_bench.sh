#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# tunnel_bench.sh: VM to VM across two hosts, through midway's VXLAN tunnel
# vs the same path built from Linux parts (Linux routing + a Linux VXLAN
# device), in one TCG VM, same generator, one core: 64-byte UDP packets per
# second and iperf3 TCP throughput. Runs on the host; boots the VM with
# tools/vm/run and runs the guest part, tools/bench/tunnel_bench_guest.sh,
# which describes the topologies and the method. Prints figures and ratios;
# no pass/fail. Documentation/benchmarks.md has the details.
#
#   tools/bench/tunnel_bench.sh [--kernel 6.1|6.12] [--module KO] [--rounds N]
#                               [--interval S] [--warmup S] [--flows N]
#                               [--tcp-time S] [--tcp-window SIZE]
#                               [--icount|--no-icount] [--perf] [--out DIR]
#
# --tcp-window: iperf3 -w SIZE (socket buffers, e.g. 512K); default iperf3's.
# --out: where the figures go (default build/bench/tunnel): tunnel_bench.txt
# (this output), tunnel_bench.dat (per-run figures), tunnel_bench.med
# (medians), tunnel_bench.png (the per-run figures drawn by gnuplot, when
# gnuplot is installed), perf.PATH.{pps,tcp}.txt with --perf (profiles).
# Needs build/kmod/<kver>/midway.ko and build/bin/mwctl (make bench-fwd-build).
set -euo pipefail
cd "$(dirname "$0")/../.."

kernel=${MW_KERNEL:-6.1}
module_args=()
icount=yes
rounds=5
interval=3
warmup=2
flows=256
tcp_time=4
tcp_window=
perf=0
out=build/bench/tunnel

usage() {
	sed -n 's/^#   \{0,1\}//p' "$0" | sed -n '/^tools\/bench/,/^$/p'
	exit "${1:-0}"
}
while [[ $# -gt 0 ]]; do
	case $1 in
	--kernel) kernel=$2; shift 2 ;;
	--module) module_args=(--module "$2"); shift 2 ;;
	--icount) icount=yes; shift ;;
	--no-icount) icount=no; shift ;;
	--rounds) rounds=$2; shift 2 ;;
	--interval) interval=$2; shift 2 ;;
	--warmup) warmup=$2; shift 2 ;;
	--flows) flows=$2; shift 2 ;;
	--tcp-time) tcp_time=$2; shift 2 ;;
	--tcp-window) tcp_window=$2; shift 2 ;;
	--perf) perf=1; shift ;;
	--out) out=$2; shift 2 ;;
	-h | --help) usage 0 ;;
	*) echo "tunnel_bench: unknown option $1" >&2; usage 2 >&2 ;;
	esac
done
for v in rounds interval warmup flows tcp_time; do
	[[ ${!v} =~ ^[1-9][0-9]*$ ]] || { echo "tunnel_bench: --${v/_/-} wants a positive integer" >&2; exit 2; }
done
[[ -x build/bin/mwctl ]] || { echo "tunnel_bench: build/bin/mwctl missing: run make userspace" >&2; exit 2; }

# The clock, as in fwd_bench.sh: by default qemu -icount (guest time counts
# guest instructions, so the host's load does not enter the rates), which
# needs a single vCPU; --no-icount takes the host's clock and 2 vCPUs (the
# traffic on CPU 0, the script on CPU 1).
smp=2
if [[ $icount == yes ]]; then
	export MW_ACCEL=tcg-icount
	smp=1
fi

mkdir -p "$out"
out=$(cd "$out" && pwd -P)
rm -f "$out"/tunnel_bench.* "$out"/perf.*.txt
t0=$(date +%s)
{
	echo "tunnel_bench: host $(hostname), $(nproc) CPUs, $(lscpu | sed -n 's/^Model name: *//p' | head -1), $(date -u '+%Y-%m-%d %H:%M UTC'), commit $(git rev-parse --short HEAD 2>/dev/null || echo '?')"
	echo "tunnel_bench: load average before the run: $(cut -d' ' -f1-3 /proc/loadavg)"
	echo "tunnel_bench: the VM runs under qemu TCG (software emulation, no KVM): absolute rates are small; the ratios are what matters"
	if [[ $icount == yes ]]; then
		echo "tunnel_bench: clock: qemu -icount, one guest instruction = 2^${MW_ICOUNT_SHIFT:-3} ns of guest time: rates per instructions executed"
	else
		echo "tunnel_bench: clock: the host's; the host is shared and its load moves the figures"
	fi
} | tee "$out/tunnel_bench.txt"

# Guest time runs at about the host's pace when the host is quiet: the
# setup takes 1-2 minutes, a round about 3 x (warm-up + interval + 4 s) for
# pps and 3 x (TCP time + 5 s) for TCP, the profiles 2-3 minutes. A host
# loaded by other VMs (load average 9 on 2 CPUs) stretches all of it 2-3x.
timeout=$((900 + rounds * 9 * (warmup + interval + tcp_time + 10) + perf * 600))
rc=0
# no_timer_check: see fwd_bench.sh (TCG can be too slow for the early
# IO-APIC timer check on a loaded host).
tools/vm/run --kernel "$kernel" "${module_args[@]}" --append no_timer_check \
	--smp "$smp" --timeout "$timeout" --out "$out" \
	-e ROUNDS="$rounds" -e INTERVAL="$interval" -e WARMUP="$warmup" \
	-e FLOWS="$flows" -e TCP_TIME="$tcp_time" -e TCP_WINDOW="$tcp_window" -e PERF="$perf" \
	-- tools/bench/tunnel_bench_guest.sh 2>&1 | tee -a "$out/tunnel_bench.txt" || rc=$?
((rc == 0)) || { echo "tunnel_bench: the VM run failed (status $rc)" >&2; exit "$rc"; }

# The per-run figures, drawn beside them.
if [[ -s $out/tunnel_bench.dat ]]; then
	if command -v gnuplot >/dev/null; then
		title="midway vs Linux VXLAN, VM to VM across two hosts ($(sed -n 's/.*RESULT tunnel kernel=\([^ ]*\).*/\1/p' "$out/tunnel_bench.txt"), qemu TCG$([[ $icount == yes ]] && echo ' -icount'), $(date -u +%Y-%m-%d))"
		gnuplot -e "dat='$out/tunnel_bench.dat'; med='$out/tunnel_bench.med'; out='$out/tunnel_bench.png'; ttl='$title'" \
			tools/bench/tunnel_bench.gp
		echo "tunnel_bench: per-run figures drawn in $out/tunnel_bench.png" | tee -a "$out/tunnel_bench.txt"
	else
		echo "tunnel_bench: gnuplot not installed (Debian package gnuplot-nox): no plot; the figures are in $out/tunnel_bench.dat" |
			tee -a "$out/tunnel_bench.txt"
	fi
fi
echo "tunnel_bench: $(($(date +%s) - t0)) s in all; output in $out/" | tee -a "$out/tunnel_bench.txt"
