#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# ROUTE_SET changes a route in place, without a forwarding gap: the
# prefix that gains the route is published before the one that loses it,
# and a change of weight or gateway replaces the route's next hop in one
# store. midwayd relies on it to change routes under traffic.
#
# topo_tenants (selftests/lib.sh): VM a pings VM b through the provider's
# route 10.2.0.0/16 via p-b, one echo every 2 ms, while that route is
# changed 50 times each way: moved to 10.2.0.0/17 and back, its weight
# changed, its gateway set again. Every echo must be answered. For
# comparison, the same with DEL then NEW of the route (what midwayd had to
# do before ROUTE_SET): the echoes lost there are printed, not checked (a
# gap is short and may fall between two echoes).
set -u
cd "$(dirname "$0")/.." || exit 1
# shellcheck source=selftests/lib.sh
. selftests/lib.sh

N=${MW_SETS:-50}

tap_start
set -e
topo_tenants
set +e
check "VM a -> VM b" quiet va ping -c 2 -W 2 10.2.0.2

rid=$($mw -j route show router provider |
	jq -r '.[] | select(.dst == "10.2.0.0/16") | .id')
check "the provider's route to tenant B" test -n "$rid"

# ping_while FILE CMD...: ping every 2 ms while CMD runs N times; sets
# $sent and $got.
ping_while() {
	local out=$1 i
	shift
	# Not through va(): a function would run in a subshell, and SIGINT
	# must reach ping itself.
	ip netns exec va ping -q -i 0.002 -W 1 10.2.0.2 >"$out" 2>&1 &
	local pid=$!
	sleep 0.5
	for ((i = 0; i < N; i++)); do "$@" || break; done
	sleep 0.5
	kill -INT "$pid"
	wait "$pid"
	echo "$* x $i: $SECONDS s into the test" | diag
	# No process substitution: the VM has no /dev/fd.
	sed -n 's/^\([0-9]*\) packets transmitted, \([0-9]*\) received.*/\1 \2/p' \
		"$out" >"$out.n"
	read -r sent got <"$out.n"
	sent=${sent:-0} got=${got:-0}
}

move() {
	$mw route set "$rid" to 10.2.0.0/17 &&
	$mw route set "$rid" weight 7 &&
	$mw route set "$rid" via 169.254.2.2 &&
	$mw route set "$rid" to 10.2.0.0/16
}
T=$(mktemp -d)
ping_while "$T/set" move
if [ "$sent" -gt 500 ] && [ "$sent" = "$got" ]; then
	ok "$((4 * N)) ROUTE_SETs under traffic: $got of $sent echoes answered"
else
	nok "$((4 * N)) ROUTE_SETs under traffic: $got of $sent echoes answered"
fi
check "the route is where it started" \
	test "$($mw -j route show router provider |
		jq -r --arg id "$rid" '.[] | select(.id == $id) | .dst')" = 10.2.0.0/16

renew() {
	$mw route del "$rid" &&
	$mw route add router provider 10.2.0.0/16 via 169.254.2.2 port p-b id "$rid"
}
ping_while "$T/renew" renew
echo "for comparison, $N DEL+NEW under traffic: $got of $sent echoes answered" | diag
check "VM a -> VM b afterwards" quiet va ping -c 1 -W 2 10.2.0.2
rm -rf "$T"
tap_end
