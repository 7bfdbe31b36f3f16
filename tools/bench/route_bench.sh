#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# route_bench.sh: route install rate, midway's netlink batch API
# (build/bench/route_bench) vs `ip -batch` into Linux's own table, in one TCG
# VM. Runs on the host; boots the VM with tools/vm/run and runs the guest
# part, tools/bench/route_bench_guest.sh, which describes the method.
# Prints figures; no pass/fail. Documentation/benchmarks.md has the details.
#
#   tools/bench/route_bench.sh [--kernel 6.1|6.12] [--module KO] [--routes N] [--rounds N]
#                              [--batch MSGS] [--icount|--no-icount]
#
# --module: the midway.ko to load (default build/kmod/<kver>/midway.ko).
# Needs build/kmod/<kver>/midway.ko and build/bench/route_bench
# (make bench-fwd-build).
set -euo pipefail
cd "$(dirname "$0")/../.."

kernel=${MW_KERNEL:-6.1}
module_args=()
icount=yes
routes=100000
rounds=3
batch=

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
	--routes) routes=$2; shift 2 ;;
	--rounds) rounds=$2; shift 2 ;;
	--batch) batch=$2; shift 2 ;;
	-h | --help) usage 0 ;;
	*) echo "route_bench: unknown option $1" >&2; usage 2 >&2 ;;
	esac
done
for v in routes rounds ${batch:+batch}; do
	[[ ${!v} =~ ^[1-9][0-9]*$ ]] || { echo "route_bench: --$v wants a positive integer" >&2; exit 2; }
done
[[ -x build/bench/route_bench ]] ||
	{ echo "route_bench: build/bench/route_bench missing: run make bench-fwd-build" >&2; exit 2; }

# The clock: see fwd_bench.sh.
smp=2
if [[ $icount == yes ]]; then
	export MW_ACCEL=tcg-icount
	smp=1
fi

echo "route_bench: host $(hostname), $(nproc) CPUs, $(lscpu | sed -n 's/^Model name: *//p' | head -1), $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "route_bench: load average before the run: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "route_bench: the VM runs under qemu TCG (software emulation, no KVM): absolute rates are small; the ratio is what matters"
if [[ $icount == yes ]]; then
	echo "route_bench: clock: qemu -icount, one guest instruction = 2^${MW_ICOUNT_SHIFT:-3} ns of guest time: rates per instructions executed, reproducible"
else
	echo "route_bench: clock: the host's; the host is shared and its load moves the figures"
fi
# Under TCG, 100000 routes take ~10-60 s per run.
timeout=$((120 + rounds * 2 * (30 + routes / 1000)))
# no_timer_check: on a loaded host, TCG can be too slow for the kernel's
# early IO-APIC timer check, which then panics ("IO-APIC + timer doesn't
# work!") before anything runs.
exec tools/vm/run --kernel "$kernel" "${module_args[@]}" --append no_timer_check --smp "$smp" --timeout "$timeout" \
	-e ROUTES="$routes" -e ROUNDS="$rounds" ${batch:+-e BATCH="$batch"} \
	-- tools/bench/route_bench_guest.sh
