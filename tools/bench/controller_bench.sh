#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# controller_bench.sh: midwayd's convergence, scale and start-up with a real
# ZooKeeper, in one TCG VM. Runs on the host; boots the VM with
# tools/vm/run and runs the guest part, tools/bench/controller_bench_guest.sh,
# which describes the topology and the method. Prints figures; no
# pass/fail. Documentation/benchmarks.md has the details.
#
#   tools/bench/controller_bench.sh [--kernel 6.1|6.12] [--module KO] [--trials N]
#                                   [--routes N] [--runs N] [--session-ms MS]
#                                   [--mem MB] [--out DIR] conv|scale|start [SIZE...]
#
# conv [SIZE...]: carrier down/up on uplink1 to its route's state in every
# other host's kernel, --trials (50) times, with SIZE hosts (default 5; more
# sizes, ascending, add hosts to the running set: "scale" is "conv 25 50
# 100"). start: a controller joining a topology of --routes (100000)
# routes until its kernel holds it, --runs (2) times, after the first controller.
# Output in --out (build/bench/controller): controller_MODE.txt (this
# output), conv_N.dat (one line per host and event: "down|up TRIAL NETNS
# MS"), conv_N.trials (per trial, the last host's time), mntr_N.txt,
# wchs_N.txt, cons_N.txt (ZooKeeper's counters after the trials),
# start.dat, midwayd logs, and the plots (gnuplot): controller_MODE.png.
# MWD_ARGS in the environment: more options of every midwayd (e.g. -v);
# MIDWAYD: the midwayd binary (default build/bin/midwayd), a path under
# the repository.
# Needs build/kmod/<kver>/midway.ko, build/bin/{mwctl,mwtopo,midwayd},
# build/bench/{conv_probe,zk_load} (make bench-controller-build).
set -euo pipefail
cd "$(dirname "$0")/../.."

kernel=${MW_KERNEL:-6.1}
module_args=()
trials=50
routes=100000
runs=2
session_ms=10000
mem=3072
out=build/bench/controller

usage() {
	sed -n 's/^#   \{0,1\}//p' "$0" | sed -n '/^tools\/bench/,/^$/p'
	exit "${1:-0}"
}
while [[ $# -gt 0 ]]; do
	case $1 in
	--kernel) kernel=$2; shift 2 ;;
	--module) module_args=(--module "$2"); shift 2 ;;
	--trials) trials=$2; shift 2 ;;
	--routes) routes=$2; shift 2 ;;
	--runs) runs=$2; shift 2 ;;
	--session-ms) session_ms=$2; shift 2 ;;
	--mem) mem=$2; shift 2 ;;
	--out) out=$2; shift 2 ;;
	-h | --help) usage 0 ;;
	-*) echo "controller_bench: unknown option $1" >&2; usage 2 >&2 ;;
	*) break ;;
	esac
done
[[ $# -ge 1 ]] || usage 2 >&2
what=$1
shift
case $what in
conv) mode=conv; sizes=${*:-5} ;;
scale) mode=conv; sizes=${*:-25 50 100} ;;
start) mode=start; sizes= ;;
*) usage 2 >&2 ;;
esac
for v in trials routes runs session_ms mem; do
	[[ ${!v} =~ ^[1-9][0-9]*$ ]] || { echo "controller_bench: --${v/_/-} wants a positive integer" >&2; exit 2; }
done
for f in build/bin/mwctl build/bin/mwtopo build/bin/midwayd build/bench/conv_probe build/bench/zk_load; do
	[[ -x $f ]] || { echo "controller_bench: $f missing: run make bench-controller-build" >&2; exit 2; }
done

mkdir -p "$out"
out=$(cd "$out" && pwd -P)
txt=$out/controller_$what.txt
t0=$(date +%s)
{
	echo "controller_bench: host $(hostname), $(nproc) CPUs, $(lscpu | sed -n 's/^Model name: *//p' | head -1), $(date -u '+%Y-%m-%d %H:%M UTC'), commit $(git rev-parse --short HEAD 2>/dev/null || echo '?')"
	echo "controller_bench: load average before the run: $(cut -d' ' -f1-3 /proc/loadavg); other VMs running: $(pgrep -c qemu || true)"
	echo "controller_bench: the VM runs under qemu TCG (2 vCPUs, host clock): every controller, ZooKeeper and the kernel share them"
} | tee "$txt"

timeout=$((1200 + trials * 30))
[[ $mode != start ]] || timeout=$((1200 + runs * 300 + routes / 50))
rc=0
tools/vm/run --kernel "$kernel" "${module_args[@]}" --append no_timer_check \
	--smp 2 --mem "$mem" --timeout "$timeout" --out "$out" \
	-e MODE="$mode" -e SIZES="$sizes" -e TRIALS="$trials" -e ROUTES="$routes" \
	-e START_RUNS="$runs" -e SESSION_MS="$session_ms" -e MWD_ARGS="${MWD_ARGS:-}" \
	-e MIDWAYD="${MIDWAYD:-}" \
	-- tools/bench/controller_bench_guest.sh 2>&1 | tee -a "$txt" || rc=$?
echo "controller_bench: load average after the run: $(cut -d' ' -f1-3 /proc/loadavg); other VMs running: $(($(pgrep -c qemu || true)))" | tee -a "$txt"
((rc == 0)) || { echo "controller_bench: the VM run failed (status $rc)" >&2; exit "$rc"; }

# Per trial, the time until the last host had the new state; and the
# distributions to draw: conv_N.PHASE.{trials,hosts}, "ms fraction" sorted.
cdf() { sort -n | awk '{ v[NR] = $1 } END { for (i = 1; i <= NR; i++) print v[i], i / NR }'; }
for n in $sizes; do
	[[ -s $out/conv_$n.dat ]] || continue
	awk '/^#/ { next } { k = $1 " " $2; if (!(k in m) || $4 > m[k]) m[k] = $4 }
	     END { for (k in m) print k, m[k] }' "$out/conv_$n.dat" | sort -k1,1 -k2n >"$out/conv_$n.trials"
	for ph in down up; do
		awk -v p=$ph '$1 == p { print $3 }' "$out/conv_$n.trials" | cdf >"$out/conv_$n.$ph.trials"
		awk -v p=$ph '$1 == p { print $4 }' "$out/conv_$n.dat" | cdf >"$out/conv_$n.$ph.hosts"
	done
done
if command -v gnuplot >/dev/null; then
	title="midwayd, $(date -u +%Y-%m-%d), qemu TCG, 2 vCPUs"
	if [[ $mode == conv ]]; then
		gnuplot -e "dir='$out'; sizes='$sizes'; out='$out/controller_$what.png'; ttl='$title'" \
			tools/bench/controller_conv.gp
	elif [[ -s $out/start.dat ]]; then
		gnuplot -e "dat='$out/start.dat'; out='$out/controller_start.png'; ttl='$title: a controller joining $routes routes'" \
			tools/bench/controller_start.gp
	fi
	echo "controller_bench: plot in $out/controller_$what.png" | tee -a "$txt"
else
	echo "controller_bench: gnuplot not installed (Debian package gnuplot-nox): no plot" | tee -a "$txt"
fi
echo "controller_bench: $(($(date +%s) - t0)) s in all; output in $out/" | tee -a "$txt"
