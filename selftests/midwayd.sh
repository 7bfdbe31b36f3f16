#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# midwayd and mwtopo with a real ZooKeeper, in the test VM: the five hosts
# of tunnel.sh (selftests/overlay.sh: compute C1 C2, gateways G1 G2 G3,
# each a netns with its own midway instance and its own midwayd), the
# topology made with mwtopo only (the provider router with three uplinks,
# two tenants with a VM each). ZooKeeper runs in the VM's root namespace,
# reached by the hosts over the underlay bridge (zk0, 10.99.0.98).
#
# What it checks, in order:
#  1. The topology reaches every kernel exactly (topo_compare.py: each
#     kernel's dump against ZooKeeper, including which routes are used).
#  2. VM1 <-> VM2 and VM1 -> upstream flow.
#  3. An uplink's carrier goes down on its gateway: every host stops using
#     its route, and uses it again when carrier is back.
#  4. kill -9 of a gateway's midwayd: its uplink's route goes inactive
#     everywhere after the session timeout; restarted, it comes back, and
#     a ping through the gateways (-i 0.01) loses nothing meanwhile.
#  5. midwayd restarted on C1 while VM1 talks to VM2: zero loss; it took
#     its session back.
#  6. ZooKeeper stopped for longer than a session and started again: zero
#     loss VM1 <-> VM2, and every kernel matches again afterwards.
#  7. A malformed document and a dangling reference are reported (status,
#     with the path and reason) and skipped while the rest applies.
#  8. A controller with the wrong credentials reads and writes nothing.
#
# shellcheck disable=SC2154  # lib.sh's and overlay.sh's variables
set -u
cd "$(dirname "$0")/.." || exit 1
. selftests/lib.sh
. selftests/overlay.sh
. selftests/zklib.sh

MWTOPO=${MWTOPO:-build/bin/mwtopo}
MWD=${MIDWAYD:-build/bin/midwayd}
T=$(mktemp -d /tmp/midwayd.XXXXXX)
ZK_BIND=10.99.0.98
TIMEOUT_MS=2000			# the controllers' session timeout
declare -A MWD_PID

cleanup() {
	local h
	for h in "${!MWD_PID[@]}"; do kill -9 "${MWD_PID[$h]}" 2>/dev/null; done
	zk_cleanup
}
trap cleanup EXIT

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

tap_start
topo
# ZooKeeper's side of the underlay: zk0 in the root namespace.
ip link add zk0 type veth peer name ul-zk netns underlay
ip -n underlay link set ul-zk master br0 up
ip addr add $ZK_BIND/24 dev zk0
ip link set zk0 up
if ! zk_start 1; then
	nok "ZooKeeper starts"
	tap_end
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

for h in $HOSTS; do mwd_start "$h"; done

# 1. Exactly what ZooKeeper holds, everywhere.
if wait_for 60 all_match; then
	ok "the topology reaches all five kernels exactly"
else
	nok "the topology reaches all five kernels exactly"
	show_diffs
	tail -n 20 "$T"/c1.log | diag
fi

# 2. Traffic.
check "VM1 -> VM2 (tunnelled C1 -> C2)" wait_for 10 \
	quiet ip netns exec vm1 ping -c 1 -W 1 10.2.0.2
check "VM1 -> upstream (through a gateway)" wait_for 10 \
	quiet ip netns exec vm1 ping -c 1 -W 1 203.0.113.1

# 3. Carrier.
R1=$(uplink_route 1)
ip -n g1 link set uplink down
check "uplink1 carrier down on G1: its route inactive on every other host" \
	wait_for 10 everywhere_but g1 0 "$R1"
ip -n g1 link set uplink up
check "uplink1 carrier up: its route active again everywhere" \
	wait_for 10 everywhere_but g1 1 "$R1"

# 4. kill -9 of G1's midwayd.
ping_bg vm1 203.0.113.1 "$T/ping4"
sleep 1
kill -9 "${MWD_PID[g1]}"
wait "${MWD_PID[g1]}" 2>/dev/null
unset "MWD_PID[g1]"
rm -f "$T/g1/session"		# a crashed host does not come back at once
check "G1's midwayd killed: uplink1's route inactive elsewhere after the session timeout" \
	wait_for 15 everywhere_but g1 0 "$R1"
mwd_start g1
check "G1's midwayd restarted: uplink1's route active again everywhere" \
	wait_for 30 everywhere_but g1 1 "$R1"
sleep 1
zero_loss "VM1 -> upstream while G1's controller died and came back" "$T/ping4"
check "every kernel matches ZooKeeper after G1's restart" wait_for 20 all_match

# 5. Restart on a compute host.
sid=$(mwd_status c1 | jq -r .session_id)
ping_bg vm1 10.2.0.2 "$T/ping5"
sleep 1
kill "${MWD_PID[c1]}"
wait "${MWD_PID[c1]}" 2>/dev/null
mwd_start c1
sleep 3
zero_loss "VM1 -> VM2 while C1's midwayd restarts" "$T/ping5"
check "C1's midwayd took its session back" \
	wait_for 10 test "$(mwd_status c1 2>/dev/null | jq -r .session_id)" = "$sid"

# 6. ZooKeeper away for longer than a session.
ping_bg vm1 10.2.0.2 "$T/ping6"
zk_stop 1
sleep $((TIMEOUT_MS / 1000 * 3))
zk_restart 1
check "ZooKeeper back: every kernel matches it again" wait_for 60 all_match
zero_loss "VM1 -> VM2 while ZooKeeper was away" "$T/ping6"
check "C1's controller opened a new session" \
	test "$(mwd_status c1 | jq -r .sessions)" -ge 2

# 7. A malformed document, a dangling reference.
bad=$(uuid 901)
dangling=$(uuid 902)
prov=$(mwtopo -j router list | jq -r '.[] | select(.name == "provider") | .id')
build/selftests/zk_put "$(zk_connect_string)" "$T/op.cred" \
	"/midway/config/routers/$bad" '{"version": "1.0", "name": 7}' &&
build/selftests/zk_put "$(zk_connect_string)" "$T/op.cred" \
	"/midway/config/routes/$dangling" \
	"{\"version\": \"1.0\", \"router\": \"$prov\", \"dst\": \"10.9.0.0/16\", \"type\": \"port\", \"port\": \"$(uuid 999)\"}" ||
	nok "writing the bad documents"
mwtopo router create late id "$(uuid 903)" >/dev/null
rejected() { mwd_status "$1" | jq -r '.rejected[] | "\(.what): \(.why)"'; }
check "the malformed router is reported with its reason" wait_for 10 \
	outputs "router $bad: \"name\" is not a string" rejected c2
check "the dangling route is reported with its reason" wait_for 10 \
	outputs "route $dangling: port $(uuid 999) does not exist" rejected c2
check "a router created after them still reaches the kernels" wait_for 10 \
	outputs "$(uuid 903)" mw_in c2 router show
check "VM1 -> VM2 still flows" quiet ip netns exec vm1 ping -c 1 -W 1 10.2.0.2

# 8. Wrong credentials: a controller in netns "foreign".
CRED=$T/bad.cred mwd_start foreign
denied() { grep -q "not authenticated" "$T/foreign.log"; }
wait_for 30 denied
check "wrong credentials: nothing reaches that kernel" \
	test -z "$(mw_in foreign router show)"
check "wrong credentials: the host is not published alive" \
	test "$(mwtopo -j host list | jq -r --arg id "$(hid F)" \
		'.[] | select(.id == $id) | .alive')" != true
check "wrong credentials: the controller says why" \
	grep -q "NoAuth\|not authenticated\|no access" "$T/foreign.log"

for h in $HOSTS; do
	if grep -q "midwayd error" "$T/$h.log"; then
		echo "# $h's log has errors:"; grep "midwayd error" "$T/$h.log" | head -n 5 | diag
	fi
done
tap_end
