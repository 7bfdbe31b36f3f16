# shellcheck shell=bash
# SPDX-License-Identifier: GPL-2.0
#
# selftests/zkhosts.sh - the five hosts of selftests/overlay.sh run by
# midwayd from a ZooKeeper in the test VM, the topology made with mwtopo.
# What midwayd.sh, midwayd_ensemble.sh and midwayd_routes.sh share.
# Sourced after lib.sh, overlay.sh and zklib.sh, from the repo root:
#
#   zkh_setup [SERVERS]   namespaces, ZooKeeper (an ensemble if SERVERS > 1)
#                         in the root netns on zk0 (10.99.0.98), init with
#                         ACLs, the hosts, the provider router (3 uplinks)
#                         and two tenants with a VM each; checks as it goes
#   mwd_start NS          midwayd in NS ($T/NS.log); mwd_status NS
#   all_match             every kernel holds exactly what ZooKeeper holds
#   ping_bg / zero_loss   a ping -i 0.01 in the background, and its count
#
# shellcheck disable=SC2154  # lib.sh's and overlay.sh's variables

MWTOPO=${MWTOPO:-build/bin/mwtopo}
MWD=${MIDWAYD:-build/bin/midwayd}
T=$(mktemp -d /tmp/midwayd.XXXXXX)
ZK_BIND=10.99.0.98
TIMEOUT_MS=${TIMEOUT_MS:-2000}	# the controllers' session timeout
declare -A MWD_PID

cleanup() {
	local h
	for h in "${!MWD_PID[@]}"; do kill -9 "${MWD_PID[$h]}" 2>/dev/null; done
	zk_cleanup
}
trap cleanup EXIT

# within SECS CMD...: CMD succeeds within SECS seconds of wall time. The
# checks here read five kernels (seconds under TCG), so lib.sh's wait_for,
# which counts tries, would wait far longer than it says when they fail.
within() {
	local end=$((SECONDS + $1))
	shift
	until "$@"; do
		((SECONDS < end)) || return 1
		sleep 0.5
	done
}

mwtopo() { "$MWTOPO" --zk "$(zk_connect_string)" --credentials "$T/op.cred" "$@"; }
hid() {		# the host id of a host (C1, c1, ...)
	case ${1^^} in
	C1) uuid 101 ;; C2) uuid 102 ;; G1) uuid 103 ;; G2) uuid 104 ;;
	G3) uuid 105 ;; F | FOREIGN) uuid 106 ;;
	esac
}

# mwd_start NS [ARGS]: midwayd in NS, its state in $T/NS, log $T/NS.log.
mwd_start() {
	local h=$1
	shift
	mkdir -p "$T/$h"
	[ -e "$T/$h/host-id" ] || hid "$h" >"$T/$h/host-id"
	ip netns exec "$h" "$MWD" -c /dev/null --zk "$(zk_connect_string)" \
		--underlay "$(ul_addr "$h")" --host-name "${h^^}" \
		--state-dir "$T/$h" --status-socket "$T/$h/sock" \
		--session-timeout $TIMEOUT_MS \
		--zk-credentials "${CRED:-$T/ctl.cred}" "$@" >>"$T/$h.log" 2>&1 &
	MWD_PID[$h]=$!
}
mwd_status() { "$MWD" status --status-socket "$T/$1/sock" -j; }

# compare NS: NS's kernel against ZooKeeper; the differences in $T/diff.NS.
compare() {
	local h=$1 o
	for o in router port route host; do
		mw_in "$h" -j "$o" show >"$T/k.$o.$h.json" 2>/dev/null || return 1
	done
	python3 selftests/topo_compare.py "$T/zk.json" "$(hid "$h")" \
		"$T/k.router.$h.json" "$T/k.port.$h.json" \
		"$T/k.route.$h.json" "$T/k.host.$h.json" >"$T/diff.$h"
}
zk_snapshot() {
	{
		echo '{"routers":'; mwtopo -j router list
		echo ',"ports":'; mwtopo -j port list
		echo ',"routes":'; mwtopo -j route list
		echo ',"hosts":'; mwtopo -j host list
		echo '}'
	} >"$T/zk.json"
}
all_match() {
	local h
	zk_snapshot || return 1
	for h in $HOSTS; do compare "$h" || return 1; done
}
show_diffs() {
	local h
	for h in $HOSTS; do
		[ -s "$T/diff.$h" ] || continue
		echo "$h:"; head -n 10 "$T/diff.$h"
	done | diag
}

# route_active NS ROUTE-ID: 1 or 0 (the kernel's ACTIVE).
route_active() {
	mw_in "$1" -j route show | jq -r --arg id "$2" \
		'.[] | select(.id == $id) | if .active then 1 else 0 end'
}
uplink_route() {	# the id of uplink N's default route
	mwtopo -j route list | jq -r --arg p "uplink$1" \
		'.[] | select(.port_name == $p) | .id'
}
# everywhere_but NS VALUE ROUTE: the route's ACTIVE is VALUE on every
# other host.
everywhere_but() {
	local h
	for h in $HOSTS; do
		[ "$h" = "$1" ] && continue
		[ "$(route_active "$h" "$3")" = "$2" ] || return 1
	done
}
# ping_bg NS DST FILE: ping -i 0.01 in the background until ping_stop.
ping_bg() {
	ip netns exec "$1" ping -q -i 0.01 -W 1 "$2" >"$3" 2>&1 &
	PING_PID=$!
}
ping_stop() {
	kill -INT "$PING_PID"
	wait "$PING_PID" 2>/dev/null
	sed -n "s/^\([0-9]*\) packets transmitted, \([0-9]*\) received.*/\1 \2/p" "$1"
}
zero_loss() {	# WHAT FILE
	local sent got
	# No process substitution: the VM has no /dev/fd.
	ping_stop "$2" >"$2.n"
	read -r sent got <"$2.n"
	if [ -n "$sent" ] && [ "$sent" -gt 50 ] && [ "$sent" = "$got" ]; then
		ok "$1: $got of $sent pings answered"
	else
		nok "$1: ${got:-?} of ${sent:-?} pings answered"
	fi
}

zkh_setup() {
	local servers=${1:-1}
	topo
	# ZooKeeper's side of the underlay: zk0 in the root namespace.
	ip link add zk0 type veth peer name ul-zk netns underlay
	ip -n underlay link set ul-zk master br0 up
	ip addr add $ZK_BIND/24 dev zk0
	ip link set zk0 up
	if ! zk_start "$servers"; then
		nok "ZooKeeper starts"
		return 1
	fi

	echo "operator:op-secret" >"$T/op.cred"
	echo "controller:ctl-secret" >"$T/ctl.cred"
	echo "controller:wrong" >"$T/bad.cred"
	chmod 600 "$T"/*.cred

	check "mwtopo init with ACLs" quiet mwtopo init controller-credentials "$T/ctl.cred"
	for H in C1 C2 G1 G2 G3; do
		mwtopo host create "$H" id "$(hid "$H")" >/dev/null || nok "host create $H"
	done
	check "mwtopo provider-router create, 3 uplinks" quiet mwtopo provider-router \
		create name provider uplinks 3 uplink-hosts G1,G2,G3 \
		uplink-interface uplink uplink-net 198.51.100.0/28
	check "mwtopo tenant create tenantA" quiet mwtopo tenant create tenantA \
		provider provider net 10.1.0.0/24 vm-port vm-addr 10.1.0.1/24 \
		vm-host C1 vm-interface tap1
	check "mwtopo tenant create tenantB" quiet mwtopo tenant create tenantB \
		provider provider net 10.2.0.0/24 vm-port vm-addr 10.2.0.1/24 \
		vm-host C2 vm-interface tap2
}
