#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Guest part of tools/bench/route_bench.sh: route install rate, midway's
# netlink batch API (build/bench/route_bench) vs `ip -batch` into Linux's own
# table, in the same VM. Runs as root with midway.ko loaded (tools/vm/run).
#
# Each run gets a fresh netns holding one dummy device "dummy0", up, with
# 192.168.0.1/24:
#   linux   `ip -batch FILE`, FILE holding ROUTES lines
#           "route add 20.X.Y.0/24 via 192.168.0.2 dev dummy0" (written
#           before the clock starts); timed around the ip process.
#   midway  route_bench -n ROUTES -d dummy0: one router, one exterior port
#           bound to dummy0 (192.168.0.1/24), ROUTES routes 20.X.Y.0/24 via
#           192.168.0.2 in batched ROUTE_NEW requests; timed inside.
# Both sets of routes are the same prefixes. Each count is checked after the
# run. After an unmeasured warm-up, the runs alternate linux, midway, ROUNDS
# times; medians are reported.
#
# Environment: ROUTES (100000), ROUNDS (3), BATCH (route_bench's default).
set -euo pipefail
cd "$(dirname "$0")/../.."

ROUTES=${ROUTES:-100000}
ROUNDS=${ROUNDS:-3}
BATCH=${BATCH:-}
rb=build/bench/route_bench

die() { echo "route_bench: $*" >&2; exit 1; }
[[ -x $rb ]] || die "$rb is not built (make bench-fwd-build)"
modprobe dummy numdummies=0

batch=/tmp/route_bench.batch
# Route i: 20.0.0.0/24 + i * 256, as in route_bench.
awk -v n="$ROUTES" 'BEGIN {
	for (i = 0; i < n; i++) {
		a = 20 * 16777216 + i * 256
		printf "route add %d.%d.%d.0/24 via 192.168.0.2 dev dummy0\n",
			int(a / 16777216), int(a / 65536) % 256, int(a / 256) % 256
	}
}' > "$batch"

# A fresh netns. The previous one's routes are flushed first, synchronously:
# a netns is torn down asynchronously, and freeing 100000 routes in the
# background would slow down the next run.
fresh_ns() {
	if ip netns list | grep -qw rbench; then
		ip -n rbench route flush proto boot 2>/dev/null || true
		ip netns del rbench
		sleep 1
	fi
	ip netns add rbench
	ip -n rbench link add dummy0 type dummy
	ip -n rbench addr add 192.168.0.1/24 dev dummy0
	ip -n rbench link set dummy0 up
	ip -n rbench link set lo up
}

declare -A RES
# run_linux ROUND [ROUTES]: ROUND "-" is the warm-up, not recorded.
run_linux() {
	local r=$1 nr=${2:-$ROUTES} t0 t1 n
	fresh_ns
	[[ $nr -eq $ROUTES ]] || head -n "$nr" "$batch" > "$batch.warm"
	t0=$EPOCHREALTIME
	ip -n rbench -batch "$([[ $nr -eq $ROUTES ]] && echo "$batch" || echo "$batch.warm")"
	t1=$EPOCHREALTIME
	n=$(ip -n rbench -4 route show proto boot | grep -c 'via 192.168.0.2')
	[[ $n -eq $nr ]] || die "ip -batch: the table holds $n routes, expected $nr"
	[[ $r == - ]] && return
	RES[linux,$r]=$(awk -v n="$ROUTES" -v a="$t0" -v b="$t1" 'BEGIN { printf "%d", n / (b - a) }')
	printf '  round %d  linux   %8d routes/s  (%d routes in %.3f s, ip -batch)\n' \
		"$r" "${RES[linux,$r]}" "$ROUTES" "$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')"
}

run_midway() {
	local r=$1 nr=${2:-$ROUTES} out
	fresh_ns
	out=$(ip netns exec rbench $rb -n "$nr" ${BATCH:+-b "$BATCH"} -d dummy0) ||
		die "route_bench failed: $out"
	[[ $r == - ]] && return
	RES[midway,$r]=$(sed -n 's/^RESULT .*routes_per_s=\([0-9]*\).*/\1/p' <<<"$out")
	local secs batchn
	secs=$(sed -n 's/^RESULT .*seconds=\([0-9.]*\).*/\1/p' <<<"$out")
	batchn=$(sed -n 's/^RESULT .*batch=\([0-9]*\).*/\1/p' <<<"$out")
	printf '  round %d  midway  %8d routes/s  (%d routes in %s s, netlink batches of %s)\n' \
		"$r" "${RES[midway,$r]}" "$ROUTES" "$secs" "$batchn"
}

median() { printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else printf "%d\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

echo "route_bench: kernel $(uname -r), qemu TCG, $(nproc --all) vCPUs, $ROUTES /24 routes via a gateway, $ROUNDS rounds"
# Warm-up, not measured: the first run in a fresh VM was up to twice as slow
# (slab caches and page allocations growing for the first time).
warm=$((ROUTES < 10000 ? ROUTES : 10000))
echo "  warm-up: $warm routes each way, not measured"
run_linux - "$warm"
run_midway - "$warm"
for r in $(seq 1 "$ROUNDS"); do
	if ((r % 2)); then run_linux "$r"; run_midway "$r"
	else run_midway "$r"; run_linux "$r"; fi
done
ip netns del rbench
rm -f "$batch" "$batch.warm"

la=() lb=()
for r in $(seq 1 "$ROUNDS"); do la+=("${RES[linux,$r]}"); lb+=("${RES[midway,$r]}"); done
ml=$(median "${la[@]}")
mm=$(median "${lb[@]}")
# The ratio: the median of the per-round ratios (each round's two runs are
# close in time, so they saw about the same host; the median resists one
# disturbed round), and their geometric mean.
rr=()
for r in $(seq 1 "$ROUNDS"); do
	rr+=("$(awk -v a="${RES[linux,$r]}" -v b="${RES[midway,$r]}" 'BEGIN { if (a > 0) printf "%.2f", b / a; else print "n/a" }')")
done
gmean=$(printf '%s\n' "${rr[@]}" | awk '$1 != "n/a" && $1 > 0 { s += log($1); n++ } END { if (n) printf "%.2f", exp(s / n); else print "n/a" }')
ratio=$(printf '%s\n' "${rr[@]}" | grep -v n/a | sort -g | awk '{ v[NR] = $1 } END { if (!NR) print "n/a"; else if (NR % 2) print v[(NR + 1) / 2]; else printf "%.2f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }')
echo
echo "Results (TCG software emulation: absolute rates are far below real hardware; compare the ratio)"
printf '  Linux, ip -batch:        %8d routes/s (median of %d)\n' "$ml" "$ROUNDS"
printf '  midway, netlink batch:   %8d routes/s (median of %d)\n' "$mm" "$ROUNDS"
printf '  ratio midway/Linux:      %8s (median of the per-round ratios: %s; geometric mean %s)\n' "$ratio" "${rr[*]}" "$gmean"
echo "RESULT routes kernel=$(uname -r) routes=$ROUTES linux_routes_per_s=$ml midway_routes_per_s=$mm ratio=$ratio ratio_gmean=$gmean"
