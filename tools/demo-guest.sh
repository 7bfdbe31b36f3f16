#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Runs inside the demo VM (see tools/demo.sh), as root, midway.ko loaded.
# Every host is a network namespace with its own midway instance, all five
# configured alike (selftests/overlay.sh; the drawing is in
# selftests/tunnel.sh):
#
#                 upstream (203.0.113.1, "the Internet")
#                   |            |            |
#                uplink1      uplink2      uplink3     provider router's
#                 [G1]         [G2]         [G3]       three ECMP defaults
#   VM1 --[C1]------+------------+------------+------[C2]-- VM2
#   tenantA          underlay bridge 10.99.0.0/24          tenantB
#
# It shows the seed's provider router with its three uplinks, each bound to
# a NIC on its own gateway host; an east-west flow tunnelled from C1 to C2
# straight (the gateways' tunnel counters do not move); a north-south flow
# that leaves through one gateway host; and an uplink going down.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=selftests/lib.sh
. selftests/lib.sh
# shellcheck source=selftests/overlay.sh
. selftests/overlay.sh

say() { printf '\n$ %s\n' "$*"; "$@"; }
# on HOST CMD...: the command on HOST's instance (mwctl) or in its netns.
on() {
	local h=$1
	shift
	printf '\n[%s]$ %s\n' "${h^^}" "$*"
	ip netns exec "$h" "$@"
}
# The tunnel packets each gateway and C2 exchanged with C1, as C1 sees it.
counters() {
	local h
	for h in C2 G1 G2 G3; do
		printf '  C1 <-> %s: %s\n' "$h" "$(ip netns exec c1 "$mw" -j host stats "$h" |
			jq -r '.[0] | "sent \(.stats.tx.packets // 0), received \(.stats.rx.packets // 0)"')"
	done
}

echo "Building five hosts (C1 C2 compute, G1 G2 G3 gateways), each with its own midway instance ..."
topo
config

on g1 "$mw" host show
on g1 "$mw" port show router provider
on g1 "$mw" route show router provider
echo
echo "Every instance holds the same topology; only where a port is bound differs:"
on c1 "$mw" port show router provider

echo
echo "East-west: VM1 (tenant A, on C1) to VM2 (tenant B, on C2). Routed through"
echo "tenantA, provider and tenantB on C1, then tunnelled straight to C2:"
echo "before:"
counters
say ip netns exec vm1 ping -c 3 10.2.0.2
say ip netns exec vm1 traceroute -n -q 1 -w 2 10.2.0.2
on c1 "$mw" route get router tenantB 10.2.0.2
echo "after (the gateways saw none of it):"
counters

echo
echo "North-south: VM1 to the Internet, through the gateway host that owns"
echo "the uplink the flow's ECMP choice picked:"
on c1 "$mw" route get router provider 203.0.113.1 from 10.1.0.2 proto udp sport 33434 dport 33434
say ip netns exec vm1 ping -c 3 203.0.113.1
say ip netns exec vm1 traceroute -n -q 1 -w 2 203.0.113.1
counters

echo
echo "uplink2 loses its link on G2: G2 sees the port go down; the controller"
echo "(next issue) then sets it down on the other instances, here by hand:"
say ip -n upstream link set up2 down
sleep 2	# carrier changes reach the notifier through linkwatch
on g2 "$mw" port show uplink2
for h in c1 c2 g1 g3; do
	ip netns exec "$h" "$mw" port set uplink2 remote-up off
done
on c1 "$mw" route show router provider
say ip netns exec vm1 ping -c 3 203.0.113.1
counters
