#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# fwd_bench.sh: forwarding rate of midway vs Linux's own IPv4 forwarding, in
# one TCG VM, same veth topology, same generator (pktgen), one core. Runs on
# the host; boots the VM with tools/vm/run and runs the guest part,
# tools/bench/fwd_bench_guest.sh, which describes the topology and method.
# Prints figures; no pass/fail. Documentation/benchmarks.md has the details.
#
#   tools/bench/fwd_bench.sh [--kernel 6.1|6.12] [--module KO] [--rounds N] [--interval S]
#                            [--warmup S] [--flows N] [--mode concurrent|sequential]
#                            [--icount|--no-icount]
#
# --module: the midway.ko to load (default build/kmod/<kver>/midway.ko).
# Needs build/kmod/<kver>/midway.ko and build/bin/mwctl (make module
# userspace, or make bench-fwd-build).
set -euo pipefail
cd "$(dirname "$0")/../.."

kernel=${MW_KERNEL:-6.1}
module_args=()
icount=yes
rounds=6
interval=5
warmup=2
flows=256
mode=concurrent

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
	--mode) mode=$2; shift 2 ;;
	-h | --help) usage 0 ;;
	*) echo "fwd_bench: unknown option $1" >&2; usage 2 >&2 ;;
	esac
done
for v in rounds interval warmup flows; do
	[[ ${!v} =~ ^[1-9][0-9]*$ ]] || { echo "fwd_bench: --$v wants a positive integer" >&2; exit 2; }
done
[[ -x build/bin/mwctl ]] || { echo "fwd_bench: build/bin/mwctl missing: run make userspace" >&2; exit 2; }

case $mode in
concurrent) smp=4 ;;
sequential) smp=2 ;;
*) echo "fwd_bench: --mode is concurrent or sequential" >&2; exit 2 ;;
esac
# The clock: with qemu's -icount, guest time counts guest instructions, so
# the rates do not depend on how busy the host is (MW_ACCEL=tcg-icount of
# tools/vm/run). It needs one vCPU (qemu 7.2 with -icount hangs bringing up
# a second one), so the sequential mode. The default; --no-icount takes the
# host's clock.
if [[ $icount == yes ]]; then
	export MW_ACCEL=tcg-icount
	mode=sequential smp=1
fi

echo "fwd_bench: host $(hostname), $(nproc) CPUs, $(lscpu | sed -n 's/^Model name: *//p' | head -1), $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "fwd_bench: load average before the run: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "fwd_bench: the VM runs under qemu TCG (software emulation, no KVM): absolute rates are small; the ratio is what matters"
if [[ $icount == yes ]]; then
	echo "fwd_bench: clock: qemu -icount, one guest instruction = 2^${MW_ICOUNT_SHIFT:-3} ns of guest time: rates per instructions executed, reproducible"
else
	echo "fwd_bench: clock: the host's; the host is shared and its load moves the figures"
fi
# Setup takes ~40 s under TCG, a round ~15 s (concurrent) or 3 x 10 s.
timeout=$((180 + rounds * 3 * (warmup + interval + 10)))
# no_timer_check: on a loaded host, TCG can be too slow for the kernel's
# early IO-APIC timer check, which then panics ("IO-APIC + timer doesn't
# work!") before anything runs.
exec tools/vm/run --kernel "$kernel" "${module_args[@]}" --append no_timer_check --smp "$smp" --timeout "$timeout" \
	-e ROUNDS="$rounds" -e INTERVAL="$interval" -e WARMUP="$warmup" \
	-e FLOWS="$flows" -e MODE="$mode" \
	-- tools/bench/fwd_bench_guest.sh
