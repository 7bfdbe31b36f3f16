# shellcheck shell=bash
# SPDX-License-Identifier: GPL-2.0
#
# selftests/overlay.sh - the five-host overlay that tunnel.sh tests, drawn
# there (midwayd.sh and 'make demo', tools/demo-guest.sh, use its topo and
# configure the instances through ZooKeeper instead of config): two compute
# hosts (C1, C2) and three gateway hosts (G1..G3), each a network namespace
# with its own midway instance, on an underlay bridge; VM1 and VM2 behind
# C1 and C2; "upstream" behind the three uplinks; a Linux VXLAN endpoint
# as a foreign host F. Sourced after selftests/lib.sh; run in the test VM.
#
#   topo     the namespaces and links
#   config   the same virtual topology on the five instances
#
# shellcheck disable=SC2154  # $mw and diag are lib.sh's

HOSTS="c1 c2 g1 g2 g3"		# the namespaces with a midway instance
FOREIGN_VNI=300			# a-f's key and vxin's VNI
FOREIGN_MAC=02:00:00:00:05:02	# vxin's MAC
AF_MAC=02:00:00:00:03:00	# a-f's MAC
# The ids: uuid N.
uuid() { printf '6d770000-0000-4000-8000-%012d' "$1"; }
# ul_addr HOST: the underlay address of a host (C1 or its netns c1, ...).
ul_addr() {
	case $1 in
	C1 | c1) echo 10.99.0.11 ;; C2 | c2) echo 10.99.0.12 ;;
	G1 | g1) echo 10.99.0.21 ;; G2 | g2) echo 10.99.0.22 ;;
	G3 | g3) echo 10.99.0.23 ;; F | foreign) echo 10.99.0.31 ;;
	esac
}

# Each started program costs 0.1 to 1 s under TCG: the setup runs few, by
# batches (ip -batch, one shell per instance).

# --- The underlay, the hosts, the VMs, upstream, the foreign host -------------
topo() {
	local h i
	modprobe -a veth bridge vxlan
	# New namespaces inherit IPv4's settings: no reverse path filter
	# (upstream takes 10/8 by three uplinks).
	sysctl -qw net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.default.rp_filter=0
	for h in underlay $HOSTS foreign upstream vm1 vm2; do
		echo "netns add $h"
	done | ip -batch -
	# IPv6 off where its packets could cross midway (the VMs, upstream)
	# or the tunnel (the foreign host's router solicitations), so that
	# only the test's packets move the counters. (Not inherited: on 6.1
	# a new namespace copies init's "all" but not "default".)
	for h in foreign upstream vm1 vm2; do
		ip netns exec "$h" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
			net.ipv6.conf.default.disable_ipv6=1
	done

	{
		echo "link set lo up"
		echo "link add br0 type bridge"
		echo "addr add 10.99.0.99/24 dev br0"
		echo "link set br0 up"
		for h in $HOSTS foreign; do
			echo "link add ul-$h type veth peer name ul netns $h"
			echo "link set ul-$h master br0 up"
		done
	} | ip -n underlay -batch -
	for h in $HOSTS foreign; do
		{
			echo "link set lo up"
			echo "addr add $(ul_addr "$h")/24 dev ul"
			echo "link set ul up"
		} | ip -n "$h" -batch -
	done

	# The VMs, each on its host by a veth: tapN there, eth0 in vmN.
	for i in 1 2; do
		ip -n "c$i" -batch - <<-EOF
		link add tap$i type veth peer name eth0 netns vm$i
		link set tap$i up
		EOF
		ip -n "vm$i" -batch - <<-EOF
		link set lo up
		addr add 10.$i.0.2/24 dev eth0
		link set eth0 up
		route add default via 10.$i.0.1
		EOF
	done

	{
		echo "link set lo up"
		echo "addr add 203.0.113.1/32 dev lo"
		for i in 1 2 3; do
			echo "link add up$i type veth peer name uplink netns g$i"
			echo "addr add 198.51.100.$((4 * i - 3))/30 dev up$i"
			echo "link set up$i up"
		done
		echo "route add 10.0.0.0/8 nexthop via 198.51.100.2 dev up1" \
			"nexthop via 198.51.100.6 dev up2" \
			"nexthop via 198.51.100.10 dev up3"
	} | ip -n upstream -batch -
	for i in 1 2 3; do ip -n "g$i" link set uplink up; done

	# The foreign host, as Documentation/tunnel.md sets one up: a Linux
	# VXLAN device has one VNI both ways, while midway's VNI names the
	# port a packet leaves by. vxin takes what midway sends to a-f (VNI
	# 300); vx101 sends to a-vm's key, on C1, for VM1.
	ip -n foreign -batch - <<-EOF
	link add vxin type vxlan id $FOREIGN_VNI local 10.99.0.31 dstport 4789 nolearning
	link set vxin address $FOREIGN_MAC
	addr add 10.5.0.2/24 dev vxin
	link set vxin up
	link add vx101 type vxlan id 101 local 10.99.0.31 remote 10.99.0.11 dstport 4789
	link set vx101 up
	route add 10.1.0.2/32 dev vx101 src 10.5.0.2
	neigh add 10.1.0.2 lladdr 02:00:00:00:01:01 dev vx101
	EOF
}

# --- The same virtual topology on every instance ------------------------------
# conf NS: the mwctl commands for NS's instance, one a line. Everything is
# the same everywhere but "local" and the devices of the ports on NS's host.
conf() {
	local me=${1^^} H i
	# on HOST DEV: " dev DEV" on HOST's own instance.
	on() { [ "$me" != "$1" ] || echo " dev $2"; }
	# Hosts 1xx, routers 2xx, ports 3xx, routes 4xx.
	i=100
	for H in C1 C2 G1 G2 G3 F; do
		i=$((i + 1))
		echo "host add name $H address $(ul_addr $H) id $(uuid $i)$(
			[ "$me" != "$H" ] || echo " local")"
	done
	echo "router add name provider id $(uuid 201)"
	echo "router add name tenantA id $(uuid 202)"
	echo "router add name tenantB id $(uuid 203)"
	echo "port add router tenantA name a-vm id $(uuid 301) exterior" \
		"address 10.1.0.1/24 host C1 key 101 mac 02:00:00:00:01:01$(on C1 tap1)"
	echo "port add router tenantB name b-vm id $(uuid 302) exterior" \
		"address 10.2.0.1/24 host C2 key 102 mac 02:00:00:00:01:02$(on C2 tap2)"
	echo "port add router tenantA name a-f id $(uuid 303) exterior" \
		"address 10.5.0.1/24 host F key $FOREIGN_VNI mac $AF_MAC"
	echo "port add router provider name p-a id $(uuid 311) interior" \
		"address 169.254.1.1/30 key 11 mac 02:00:00:00:00:11"
	echo "port add router tenantA name a-up id $(uuid 312) interior" \
		"address 169.254.1.2/30 key 12 mac 02:00:00:00:00:12 peer p-a"
	echo "port add router provider name p-b id $(uuid 313) interior" \
		"address 169.254.2.1/30 key 13 mac 02:00:00:00:00:13"
	echo "port add router tenantB name b-up id $(uuid 314) interior" \
		"address 169.254.2.2/30 key 14 mac 02:00:00:00:00:14 peer p-b"
	for i in 1 2 3; do
		echo "port add router provider name uplink$i id $(uuid $((320 + i)))" \
			"exterior address 198.51.100.$((4 * i - 2))/30 host G$i" \
			"key $((200 + i)) mac 02:00:00:00:02:0$i$(on "G$i" uplink)"
	done
	echo "route add router tenantA 10.1.0.0/24 port a-vm id $(uuid 401)"
	echo "route add router tenantA 10.5.0.0/24 port a-f id $(uuid 402)"
	echo "route add router tenantA 0.0.0.0/0 via 169.254.1.1 port a-up id $(uuid 403)"
	echo "route add router tenantB 10.2.0.0/24 port b-vm id $(uuid 404)"
	echo "route add router tenantB 0.0.0.0/0 via 169.254.2.1 port b-up id $(uuid 405)"
	echo "route add router provider 10.1.0.0/16 via 169.254.1.2 port p-a id $(uuid 406)"
	echo "route add router provider 10.2.0.0/16 via 169.254.2.2 port p-b id $(uuid 407)"
	for i in 1 2 3; do
		echo "route add router provider 0.0.0.0/0 via 198.51.100.$((4 * i - 3))" \
			"port uplink$i id $(uuid $((410 + i)))"
	done
	# A Linux VXLAN endpoint answers no ARP sent through the tunnel.
	echo "neigh add a-f 10.5.0.2 lladdr $FOREIGN_MAC"
}
# config: conf on the five instances at once, each by one shell in its
# namespace that stops at the first failure; its commands and errors go to
# /tmp/conf.NS.log, shown if it fails.
config() {
	local h ret=0
	local -A pid
	for h in $HOSTS; do
		{ echo "set -ex"; conf "$h" | sed "s|^|$mw |"; } >"/tmp/conf.$h.sh"
		ip netns exec "$h" bash "/tmp/conf.$h.sh" >"/tmp/conf.$h.log" 2>&1 &
		pid[$h]=$!
	done
	for h in $HOSTS; do
		wait "${pid[$h]}" && continue
		echo "# configuring ${h^^} failed:"
		tail -n 5 "/tmp/conf.$h.log" | diag
		ret=1
	done
	return $ret
}

