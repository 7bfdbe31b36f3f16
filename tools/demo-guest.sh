#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Runs inside the demo VM (see tools/demo.sh), as root, midway.ko loaded.
#
#   host10 (this VM, the gateway node)
#   +--------------------------- provider router ---------------------------+
#   | uplink1 198.51.100.2/30  uplink2 198.51.100.6/30  uplink3 198.51.100.10/30 |
#   +-----|-------------------------|-------------------------|-------------+
#       eth1                      eth2                      eth3      (veth)
#         |                         |                         |
#   upstream namespace: 198.51.100.1   198.51.100.5   198.51.100.9
#                       and 203.0.113.1 (the "Internet") on its lo
#
#   tenant router "tenant" (10.1.0.1/24) linked to the provider by interior
#   ports; namespace "vm" (10.1.0.2) is a tenant VM behind it.
set -euo pipefail
mwctl=build/bin/mwctl
say() { printf '\n$ %s\n' "$*"; "$@"; }

modprobe veth
ip netns add upstream
for i in 1 2 3; do
	ip link add "eth$i" type veth peer name "up$i" netns upstream
	ip -n upstream addr add "198.51.100.$((4 * i - 3))/30" dev "up$i"
	ip -n upstream link set "up$i" up
	ip link set "eth$i" up
done
ip -n upstream link set lo up
ip -n upstream addr add 203.0.113.1/32 dev lo
ip -n upstream route add 10.1.0.0/24 via 198.51.100.2
ip netns add vm
ip link add tapv type veth peer name eth0 netns vm
ip link set tapv up
ip -n vm addr add 10.1.0.2/24 dev eth0
ip -n vm link set eth0 up
ip -n vm route add default via 10.1.0.1

say $mwctl host add name host10 address 192.0.2.10 local
say $mwctl router add name provider
for i in 1 2 3; do
	say $mwctl port add router provider name "uplink$i" exterior \
		address "198.51.100.$((4 * i - 2))/30" host host10 dev "eth$i"
done
for i in 1 2 3; do
	say $mwctl route add router provider 0.0.0.0/0 \
		via "198.51.100.$((4 * i - 3))" port "uplink$i" weight 100
done

say $mwctl router add name tenant
say $mwctl port add router tenant name vm1 exterior address 10.1.0.1/24 host host10 dev tapv
say $mwctl port add router provider name to-tenant interior address 169.254.1.1/30
say $mwctl port add router tenant name uplink interior address 169.254.1.2/30 peer to-tenant
say $mwctl route add router tenant 10.1.0.0/24 port vm1
say $mwctl route add router tenant 0.0.0.0/0 via 169.254.1.1 port uplink
say $mwctl route add router provider 10.1.0.0/24 via 169.254.1.2 port to-tenant

say $mwctl router show
say $mwctl host show
say $mwctl port show router provider
say $mwctl route show router provider

echo
echo "The tenant VM pings the Internet through the tenant and provider routers:"
say ip netns exec vm ping -c 3 203.0.113.1
say ip netns exec vm traceroute -n -q 1 -w 2 203.0.113.1
say $mwctl route get router provider 203.0.113.1 from 10.1.0.2

echo
echo "Taking eth2's peer down: uplink2's default route goes inactive."
say ip -n upstream link set up2 down
sleep 2	# carrier changes reach the notifier through linkwatch
say $mwctl port show uplink2
say $mwctl route show router provider
