#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Forwarding under stress: route churn on other prefixes, the bound device
# going away, the module going away, all while traffic flows. Runs in the
# test VM as root with midway.ko loaded; the VM runner fails the run on any
# kernel warning.
#
#   netns a 10.1.0.2/24 --veth-- tapa [ router r ] tapb --veth-- 10.2.0.2/24 netns b
set -u
cd "$(dirname "$0")/.." || exit 1
# shellcheck source=selftests/lib.sh
. selftests/lib.sh

tap_start
set -e
modprobe veth
vm_ns a tapa 10.1.0.2/24 10.1.0.1
vm_ns b tapb 10.2.0.2/24 10.2.0.1
$mw host add name h address 192.0.2.1 local
$mw router add name r
$mw port add router r name pa exterior address 10.1.0.1/24 host h dev tapa
$mw port add router r name pb exterior address 10.2.0.1/24 host h dev tapb
$mw route add router r 10.1.0.0/24 port pa
$mw route add router r 10.2.0.0/24 port pb
router=$($mw -j router show r | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["id"])')
port=$($mw -j port show router r pb | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["id"])')
set +e

ip netns exec a ping -c 1 -W 2 10.2.0.2 >/dev/null	# resolve neighbours

# 1. 10k route adds and deletes while pings flow to an untouched prefix.
ip netns exec a ping -i 0.01 -c 1000 -W 1 10.2.0.2 > /tmp/ping1 &
pid=$!
build/selftests/route_churn "$router" "$port" 5000
churn=$?
wait $pid
grep 'packet loss' /tmp/ping1 | diag
check "10k route adds/deletes in batches succeed" test $churn = 0
check "no loss on the untouched prefix during the churn" grep -q ' 0% packet loss' /tmp/ping1
check "the routing table is back to its two routes" \
	test "$($mw route show router r | wc -l)" = 2

# 2. The bound device goes away while forwarding.
ip netns exec a ping -i 0.01 -c 300 -W 1 10.2.0.2 > /tmp/ping2 &
pid=$!
sleep 1
ip link del tapb
wait $pid
check "the deleted device's port is unbound and down" \
	sh -c "$mw port show router r pb | grep -v ' dev ' | grep -q 'oper down'"
ip link add tapb type veth peer name eth1 netns b
ip link set tapb up
ip -n b link set eth1 up
ip -n b addr add 10.2.0.3/24 dev eth1
ip -n b route add default via 10.2.0.1
$mw port set pb router r dev tapb
sleep 2
check "the port binds a new device and forwards again" \
	ip netns exec a ping -c 2 -W 2 -q 10.2.0.3

# 3. The module goes away while forwarding.
ip netns exec a ping -i 0.01 -c 300 -W 1 10.2.0.3 > /tmp/ping3 &
pid=$!
sleep 1
check "rmmod while forwarding succeeds" rmmod midway
wait $pid
modprobe bridge
ip link add br0 type bridge
check "the devices are given back (a bridge can take one)" \
	ip link set tapa master br0
check "the module loads again" insmod "build/kmod/$(uname -r)/midway.ko"

tap_end
