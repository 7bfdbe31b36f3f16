#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# modload.sh - load and unload midway.ko 50 times with objects present.
#
#   tools/vm/run -- selftests/modload.sh [CYCLES]
#
# Runs inside the test VM, as root. The runner has loaded the module; this
# unloads it first, then each cycle:
#
#   insmod midway.ko
#   init netns:    mkobjs -d mwd0      routers, peered ports, routes, hosts,
#                                      a port bound to dummy device mwd0
#   netns mwtest:  mkobjs -d mwd1      the same, in a namespace that outlives
#                                      the cycles (ip netns add)
#   unshare --net mkobjs -r 50         every other cycle: a netns destroyed
#                                      (with its objects) while loaded
#   rmmod midway                       with all of the above still present
#
# and checks that the module is gone and that the kernel log shows no
# WARN/BUG/Oops. Binding mwd0 again in the next cycle also checks that
# unloading gave the device back. At the end the module is loaded again, as
# the runner left it. Output is TAP; exit 0 pass, 1 fail, 4 skip.

set -u

CYCLES=${1:-50}
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
MOD=$REPO/build/kmod/$(uname -r)/midway.ko
MKOBJS=$REPO/build/selftests/mkobjs
BAD='WARNING:|BUG[: ]|Oops|general protection fault|Kernel panic|KASAN|UBSAN'
BAD+='|refcount_t|unreferenced object|Call Trace:|possible circular locking'
BAD+='|inconsistent lock state'

n=0
failed=0
ok() { n=$((n + 1)); echo "ok $n - $*"; }
not_ok() {
	n=$((n + 1))
	failed=$((failed + 1))
	echo "not ok $n - $1"
	shift
	# The diagnostics, indented as TAP comments.
	[[ $# -eq 0 ]] || printf '%s\n' "$@" | sed 's/^/# /'
}
skip_all() { echo "1..0 # SKIP $*"; exit 4; }

echo "TAP version 13"
[[ $(id -u) == 0 ]] || skip_all "needs root"
[[ -f $MOD ]] || skip_all "no module $MOD"
[[ -x $MKOBJS ]] || { echo "1..1"; not_ok "mkobjs is built" "missing $MKOBJS (make selftests)"; exit 1; }

echo "1..$((CYCLES + 3))"
klog_start=$(dmesg | wc -l)

# shellcheck disable=SC2317  # called by the trap
cleanup() {
	ip netns del mwtest 2>/dev/null
	ip link del mwd0 2>/dev/null
}
trap cleanup EXIT

if [[ -e /sys/module/midway ]]; then
	if out=$(rmmod midway 2>&1); then
		ok "unload the module the runner loaded"
	else
		not_ok "unload the module the runner loaded" "$out"
		exit 1
	fi
else
	ok "unload the module the runner loaded # SKIP it was not loaded"
fi

# The devices: dummy (no module autoloading in the VM: load it here).
modprobe dummy 2>/dev/null
ip netns add mwtest
if ! ip link add mwd0 type dummy || ! ip link set mwd0 up ||
	! ip -n mwtest link add mwd1 type dummy || ! ip -n mwtest link set mwd1 up; then
	echo "# cannot create dummy devices: cycles run without bound ports"
	nodev=1
else
	nodev=0
fi

# Sets klog_bad to the kernel log lines not seen yet that show a problem
# (bash only: every exec costs under TCG).
klog_seen=$klog_start
klog_check() {
	local -a lines=()
	local l
	mapfile -t lines <<<"$(dmesg)"
	klog_bad=
	if ((${#lines[@]} > klog_seen)); then
		for l in "${lines[@]:klog_seen}"; do
			[[ $l =~ $BAD ]] && klog_bad+="$l"$'\n'
		done
	fi
	klog_seen=${#lines[@]}
}

t0=$(date +%s.%N)
for ((i = 1; i <= CYCLES; i++)); do
	errs=()
	if ! out=$(insmod "$MOD" 2>&1); then
		not_ok "cycle $i: insmod" "$out"
		break
	fi
	if ((nodev)); then
		out=$("$MKOBJS" -l 2>&1) || errs+=("init netns: $out")
		out=$(nsenter --net=/run/netns/mwtest "$MKOBJS" -l 2>&1) ||
			errs+=("netns mwtest: $out")
	else
		out=$("$MKOBJS" -d mwd0 2>&1) || errs+=("init netns: $out")
		out=$(nsenter --net=/run/netns/mwtest "$MKOBJS" -d mwd1 2>&1) ||
			errs+=("netns mwtest: $out")
	fi
	# A netns that dies with its only process, while the module stays.
	if ((i % 2)); then
		out=$(unshare --net "$MKOBJS" -r 50 2>&1) || errs+=("netns of unshare: $out")
	fi
	out=$(rmmod midway 2>&1) || errs+=("rmmod: $out")
	[[ ! -e /sys/module/midway ]] || errs+=("the module is still loaded")
	klog_check
	[[ -z $klog_bad ]] || errs+=("kernel log:" "$klog_bad")
	if ((${#errs[@]})); then
		not_ok "cycle $i: insmod, objects in 3 netns, rmmod" "${errs[@]}"
		# A module that would not go away makes every next cycle fail.
		[[ -e /sys/module/midway ]] && break
	else
		ok "cycle $i: insmod, objects in 3 netns, rmmod"
	fi
done
t1=$(date +%s.%N)
# Cycles not run (after a break) count as failed.
while ((n < CYCLES + 1)); do
	not_ok "cycle $((n)): not run"
done
echo "# $CYCLES cycles in $(awk "BEGIN { printf \"%.1f\", $t1 - $t0 }") s"

bad=$(dmesg | tail -n +$((klog_start + 1)) | grep -E -B2 -A20 "$BAD")
if [[ -z $bad ]]; then
	ok "kernel log clean of WARN/BUG/Oops"
else
	not_ok "kernel log clean of WARN/BUG/Oops" "$(echo "$bad" | head -n 60)"
fi

if out=$(insmod "$MOD" 2>&1); then
	ok "load the module again"
else
	not_ok "load the module again" "$out"
fi

((failed == 0)) || exit 1
exit 0
