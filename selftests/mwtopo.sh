#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# mwtopo, the operator's command line, against a real ZooKeeper started in
# the test VM (selftests/zklib.sh). Needs no module (the runner loads it
# anyway), only java, Debian's zookeeper package and jq.
#
# The topology it builds, the seed's first steps (Documentation/zookeeper.md):
#
#             upstream .1        upstream .5        upstream .9
#                 |                  |                  |
#          uplink1 .2/30      uplink2 .6/30      uplink3 .10/30    198.51.100.0/24
#          (gw1 eth1)         (gw2 eth1)         (gw3 eth1)
#                 +----------- provider -----------+        3 ECMP default routes
#              to-tenantA 169.254.1.1      to-tenantB 169.254.1.5
#                     |                           |
#              to-provider .2              to-provider .6
#                 tenantA                     tenantB
#              vm 10.1.0.1/24 (c1 tap1)    vm 10.2.0.1/24 (c2 tap1)
#
# What it checks, in order:
#  1. init with both identities, twice (idempotent), and the ACLs.
#  2. the documents (mwtopo dump: the stored JSON) and show -j (what is
#     derived: bindings, peers, which routes are used).
#  3. every refusal: exit status, message, and nothing written (the dump
#     before and after all of them is the same), including a multi that
#     fails at its last op (MWTOPO_FAULT_OP) after valid ones.
#  4. identities: another one, or none, can neither read nor write config;
#     the controller reads it but writes nothing.
#  5. a live host and an active port (ephemeral nodes a controller session
#     creates with zkCli) make a route used; they go with the session.
#  6. concurrency: writers creating ports at once never share a tunnel key;
#     nor two routers a name; a router deleted while ports are added to it
#     leaves no dangling port.
#  7. cascade deletes (and tenant delete) leave no reference behind.
# shellcheck disable=SC2317  # helpers called by check, refuse and wait_for
set -u
cd "$(dirname "$0")/.." || exit 1
# shellcheck source=selftests/lib.sh
. selftests/lib.sh
# shellcheck source=selftests/zklib.sh
. selftests/zklib.sh

MWTOPO=${MWTOPO:-build/bin/mwtopo}
T=$(mktemp -d /tmp/mwtopo.XXXXXX)
ROOT=/midway
zk_trap "rm -rf $T"

# mt ARGS: mwtopo as the operator; mt_as CRED ARGS: with other credentials.
mt() { "$MWTOPO" --zk "$ZK" --root "$ROOT" --credentials "$T/op.cred" "$@"; }
mt_as() { local c=$1; shift; "$MWTOPO" --zk "$ZK" --root "$ROOT" --credentials "$c" "$@"; }
# jqs FILTER: on "show -j".
jqs() { mt -j show | jq -r "$@"; }
# refuse WHAT STATUS REGEX CMD...: CMD exits with STATUS, its error matches.
refuse() {
	local what=$1 want=$2 re=$3 rc
	shift 3
	"$@" >"$T/out" 2>"$T/err"
	rc=$?
	if [ "$rc" = "$want" ] && grep -Eq -- "$re" "$T/err"; then
		ok "refused: $what"
	else
		nok "refused: $what"
		echo "#   exit $rc (want $want); stderr:"
		diag <"$T/err"
	fi
}
# keys_unique: no two ports have one tunnel key.
keys_unique() {
	mt dump | jq -e '[to_entries[] | select(.key | startswith("config/ports/")) |
		.value.tunnel_key] | (unique | length) == length' >/dev/null
}
# keys_claimed: keys/<key> exists for every port's key and names it, and
# for nothing else.
keys_claimed() {
	mt dump | jq -e '
		[to_entries[] | select(.key | startswith("config/ports/")) |
			{id: (.key | ltrimstr("config/ports/")), key: .value.tunnel_key}] as $p |
		[to_entries[] | select(.key | startswith("config/keys/")) |
			{key: (.key | ltrimstr("config/keys/") | tonumber), id: .value.port}] as $k |
		($p | sort_by(.key, .id)) == ($k | sort_by(.key, .id))' >/dev/null
}
keys_sound() { keys_unique && keys_claimed; }
# refs_sound: no document refers to a missing one.
refs_sound() {
	mt dump | jq -e '
		. as $d |
		def has_($k): $d | has($k);
		[to_entries[] |
			if (.key | startswith("config/ports/")) then
				has_("config/routers/" + .value.router) and
				(.value.peer == null or has_("config/ports/" + .value.peer))
			elif (.key | startswith("config/routes/")) then
				has_("config/routers/" + .value.router) and
				(.value.port == null or has_("config/ports/" + .value.port))
			elif (.key | startswith("config/bindings/")) then
				has_("config/ports/" + (.key | ltrimstr("config/bindings/"))) and
				has_("config/hosts/" + .value.host)
			elif (.key | startswith("config/keys/")) then
				has_("config/ports/" + .value.port)
			else true end] | all' >/dev/null
}

tap_start
umask 077
echo "op:operator-secret" >"$T/op.cred"
echo "ctl:controller-secret" >"$T/ctl.cred"
echo "eve:operator-secret" >"$T/eve.cred"
echo "op:wrong-secret" >"$T/bad.cred"

SECONDS=0
if ! zk_start 1; then nok "ZooKeeper starts"; tap_end; fi
ok "ZooKeeper serves ($(zk_mode 1), after ${SECONDS} s)"
ZK=$(zk_connect_string)

# --- 1. init -------------------------------------------------------------------
check "init with the operator's and the controller's identities" \
	quiet mt init --controller-credentials "$T/ctl.cred"
check "init again: nothing to do" outputs "initialised already" mt init --controller-credentials "$T/ctl.cred"
refuse "init with credentials but not the controller's" 2 "controller" mt init

# --- 2. the seed's first steps -------------------------------------------------
for h in gw1 gw2 gw3 c1 c2; do mt host create $h >/dev/null || nok "host create $h"; done
check "provider-router create: 3 uplinks, one multi" quiet \
	mt provider-router create name provider uplinks 3 uplink-hosts gw1,gw2,gw3 \
	uplink-interface eth1 uplink-net 198.51.100.0/24
check "tenant create tenantA with a VM port on c1" quiet \
	mt tenant create tenantA provider provider net 10.1.0.0/24 vm-host c1 vm-interface tap1
check "tenant create tenantB with a VM port on c2" quiet \
	mt tenant create tenantB provider provider net 10.2.0.0/24 vm-host c2 vm-interface tap1

mt -j show >"$T/show.json"
mt dump >"$T/dump.json"
S() { jq -r "$@" "$T/show.json"; }
D() { jq -r "$@" "$T/dump.json"; }
# shellcheck disable=SC2016
prov='.routers[] | select(.name == "provider")'
check_eq "provider's uplinks: addresses, bindings" \
	"$(S "[$prov | .ports[] | select(.kind == \"exterior\") | \"\(.name) \(.addr) \(.binding.host_name):\(.binding.interface)\"] | join(\", \")")" \
	"uplink1 198.51.100.2/30 gw1:eth1, uplink2 198.51.100.6/30 gw2:eth1, uplink3 198.51.100.10/30 gw3:eth1"
check_eq "provider's default routes: one per uplink, one weight, upstream gateway" \
	"$(S "[$prov | .routes[] | select(.dst == \"0.0.0.0/0\") | \"\(.port_name) \(.gateway) \(.weight)\"] | join(\", \")")" \
	"uplink1 198.51.100.1 100, uplink2 198.51.100.5 100, uplink3 198.51.100.9 100"
check_eq "provider routes each tenant's net via its interior port" \
	"$(S "[$prov | .routes[] | select(.dst != \"0.0.0.0/0\") | \"\(.dst) \(.port_name) \(.gateway)\"] | join(\", \")")" \
	"10.1.0.0/24 to-tenantA 169.254.1.2, 10.2.0.0/24 to-tenantB 169.254.1.6"
check_eq "tenantA: link port peered with the provider's, default route, VM route" \
	"$(S '.routers[] | select(.name == "tenantA") | [(.ports[] | "\(.name) \(.kind) \(.addr) \(.peer_name)"), (.routes[] | "\(.dst) \(.port_name) \(.gateway)")] | join(", ")')" \
	"to-provider interior 169.254.1.2/30 to-tenantA, vm exterior 10.1.0.1/24 null, 0.0.0.0/0 to-provider 169.254.1.1, 10.1.0.0/24 vm null"
# shellcheck disable=SC2016  # a jq variable
check_eq "the peers name each other (ids)" \
	"$(S '[.routers[].ports[] | select(.kind == "interior")] | (map({key: .id, value: .peer}) | from_entries) as $m | map($m[.peer] == .id) | all')" true
check_eq "with nothing alive: interior routes used, exterior ones not" \
	"$(S '[.routers[].routes[] | "\(.port_name):\(.used)"] | unique | join(" ")')" \
	"to-provider:true to-tenantA:true to-tenantB:true uplink1:false uplink2:false uplink3:false vm:false"
check "tunnel keys: one per port, each claimed by keys/<key>" keys_sound
check "no document refers to a missing one" refs_sound
check_eq "every document: schema version 1.0" \
	"$(D '[to_entries[] | .value.version] | unique | join(" ")')" "1.0"
check_eq "port documents: the fields of Documentation/zookeeper.md" \
	"$(D '[to_entries[] | select(.key | startswith("config/ports/")) | .value | keys | map(select(. != "peer")) | join(",")] | unique | join(" ")')" \
	"addr,admin_up,kind,mac,name,router,tunnel_key,version"
# Locally administered unicast: the first octet's second hex digit is 2, 6, a or e.
check_eq "generated MACs: locally administered, unicast" \
	"$(D '[to_entries[] | select(.key | startswith("config/ports/")) | .value.mac[1:2] | IN("2", "6", "a", "e")] | all')" true
check_eq "bindings: one document per bound port, by the port's id" \
	"$(D '[to_entries[] | select(.key | startswith("config/bindings/")) | .value.interface] | sort | join(" ")')" \
	"eth1 eth1 eth1 tap1 tap1"

# --- 3. refusals: nothing written ----------------------------------------------
mt dump >"$T/before.json"
prov_id=$(S "$prov | .id")
refuse "a prefix with host bits" 2 "bits set beyond" \
	mt route create provider dst 10.1.0.1/24 blackhole
refuse "a tenant net with host bits" 2 "bits set beyond" \
	mt tenant create tenantC provider provider net 10.3.0.1/16
refuse "a malformed address" 2 "invalid addr" \
	mt port create tenantA kind exterior addr 10.1.300.1/24
refuse "a route via a port that does not exist" 1 "does not exist" \
	mt route create provider dst 10.9.0.0/16 via nosuch
refuse "a route on a router that does not exist" 1 "does not exist" \
	mt route create nosuch dst 10.9.0.0/16 blackhole
refuse "a route via another router's port" 1 "not on the route's router" \
	mt route create provider dst 10.9.0.0/16 via tenantA/vm
refuse "a gateway off the port's subnet" 1 "not on port" \
	mt route create provider dst 10.9.0.0/16 via uplink1 gw 198.51.100.9
refuse "a binding to a host that does not exist" 1 "does not exist" \
	mt port bind tenantA/vm host nosuch interface tap9
refuse "a second binding of a port" 1 "bound already" \
	mt port bind uplink1 host c1 interface eth9
refuse "binding an interior port" 1 "interior" \
	mt port bind provider/to-tenantA host c1 interface eth9
refuse "a duplicate router id" 1 "is taken" \
	mt router create other id "$prov_id"
refuse "a duplicate router name" 1 "exists" \
	mt router create provider
refuse "a duplicate route" 1 "has this route already" \
	mt route create provider dst default via uplink1 gw 198.51.100.1
refuse "deleting a router that has ports and routes" 1 "still has port" \
	mt router delete tenantA
refuse "deleting a port routes and a binding refer to" 1 "referred to by route.*binding" \
	mt port delete uplink1
refuse "deleting a peered port" 1 "its peer port" \
	mt port delete provider/to-tenantA
refuse "deleting a host a port is bound to" 1 "bound to it" \
	mt host delete gw1
refuse "peering with a port peered already" 1 "peered already" \
	mt port create tenantA kind interior peer provider/to-tenantB
refuse "peering with an exterior port" 1 "exterior" \
	mt port create tenantA kind interior peer uplink1
refuse "peering two ports of one router" 1 "same router" \
	mt port create provider kind interior name x peer provider/to-tenantA
refuse "an ambiguous name" 1 "ambiguous" \
	mt route create provider dst 10.9.0.0/16 via to-provider
refuse "overlapping addresses on one router" 1 "overlaps" \
	mt port create tenantA kind exterior addr 10.1.0.9/24
refuse "a VLAN out of range" 2 "0..4094" \
	mt port create tenantA kind exterior vlan 4095
refuse "a VLAN on an interior port" 2 "no VLAN" \
	mt port create tenantA kind interior vlan 5
refuse "a tenant net the provider routes already" 1 "routes 10.1.0.0/24 already" \
	mt tenant create tenantC provider provider net 10.1.0.0/16
refuse "an unknown keyword" 2 "unknown argument" \
	mt router create x colour blue
refuse "a multi that fails at its last op writes none of it" 1 "MWTOPO_FAULT_OP" \
	env MWTOPO_FAULT_OP=99 "$MWTOPO" --zk "$ZK" --root "$ROOT" \
	--credentials "$T/op.cred" tenant create tenantC provider provider \
	net 10.3.0.0/16 vm-port
mt dump >"$T/after.json"
check "nothing of the refused commands was written (dump before = after)" \
	cmp -s "$T/before.json" "$T/after.json"

# --- 4. identities --------------------------------------------------------------
for who in eve:"$T/eve.cred" wrong-password:"$T/bad.cred" none:none; do
	c=${who#*:}
	refuse "${who%%:*}: reading config" 1 "not authorised" mt_as "$c" show
	refuse "${who%%:*}: writing config" 1 "not authorised" mt_as "$c" router create evil
done
check "the controller reads config" quiet mt_as "$T/ctl.cred" show
refuse "the controller: writing config" 1 "not authorised" \
	mt_as "$T/ctl.cred" router create evil
refuse "the controller: deleting config" 1 "not authorised" \
	mt_as "$T/ctl.cred" route delete "$(S "[$prov | .routes[]][0].id")"
mt dump >"$T/after.json"
check "nothing of theirs was written" cmp -s "$T/before.json" "$T/after.json"

# --- 5. live hosts, active ports (a controller's session, zkCli) --------------------
gw1=$(S '.hosts[] | select(.name == "gw1") | .id')
up1=$(S "$prov | .ports[] | select(.name == \"uplink1\") | .id")
mkfifo "$T/cli"
java -Xmx64m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -cp "$ZK_CLASSPATH" \
	-Dzookeeper.root.logger=WARN,CONSOLE org.apache.zookeeper.ZooKeeperMain \
	-server "$ZK" <"$T/cli" >"$T/cli.out" 2>&1 &
cli=$!
exec 7>"$T/cli"
printf 'addauth digest ctl:controller-secret\ncreate -e %s/state/hosts/%s {"version":"1.0","name":"gw1","addr":"10.99.0.21"}\ncreate -e %s/state/active/%s {"version":"1.0","host":"%s"}\n' \
	"$ROOT" "$gw1" "$ROOT" "$up1" "$gw1" >&7
# shellcheck disable=SC2317  # called by wait_for
uplink1_used() { [ "$(jqs "$prov | .routes[] | select(.port_name == \"uplink1\") | .used")" = "$1" ]; }
check "the controller's session: uplink1 active on gw1, its route used" wait_for 60 uplink1_used true
check_eq "host list: gw1 alive with its underlay address" \
	"$(mt -j host list | jq -r '.[] | select(.name == "gw1") | "\(.configured) \(.alive) \(.addr)"')" "true true 10.99.0.21"
check_eq "show: uplink1 active on gw1, the other uplinks' routes unused" \
	"$(jqs "[$prov | .ports[] | select(.kind == \"exterior\") | \"\(.name):\(.active_on == \"$gw1\"):\(.usable)\"] | join(\" \")")" \
	"uplink1:true:true uplink2:false:false uplink3:false:false"
exec 7>&-
kill "$cli" 2>/dev/null
wait "$cli" 2>/dev/null
check "the session closed: uplink1's route unused again" wait_for 30 uplink1_used false

# --- 6. concurrency ---------------------------------------------------------------
for i in 1 2 3 4 5 6; do mt router create k$i >/dev/null; done
SECONDS=0
# (Never a bare "wait": ZooKeeper is a child of this shell too.)
pids=()
for i in 1 2 3 4 5 6; do
	( for j in 1 2 3 4 5; do mt port create k$i kind exterior >/dev/null || echo "k$i $j" >>"$T/fail"; done ) &
	pids+=($!)
done
for i in 1 2 3; do
	( for j in 1 2 3 4; do mt port create k1 kind exterior >/dev/null || echo "k1 $i.$j" >>"$T/fail"; done ) &
	pids+=($!)
done
wait "${pids[@]}"
check_eq "9 writers, 42 ports: none failed" "$(cat "$T/fail" 2>/dev/null)" ""
check_eq "42 ports on k1..k6" \
	"$(jqs '[.routers[] | select(.name | startswith("k")) | .ports[]] | length')" 42
check "concurrent writers: no tunnel key twice ($SECONDS s)" keys_unique
check "concurrent writers: each key claimed by keys/<key>" keys_claimed

# Six writers create a router of one name at once: one wins (the others
# are refused after their retry: the name is taken).
pids=()
for i in 1 2 3 4 5 6; do mt router create twin >/dev/null 2>&1 & pids+=($!); done
wait "${pids[@]}"
check_eq "six writers, one router name: created once" \
	"$(jqs '[.routers[] | select(.name == "twin")] | length')" 1

# A router deleted while ports are being added to it: either wins, but
# no port is left on a router that does not exist.
for r in 1 2 3 4 5; do
	mt router create race$r >/dev/null
	mt port create race$r kind exterior >/dev/null 2>&1 &
	p1=$!
	mt router delete race$r >/dev/null 2>&1 &
	p2=$!
	mt port create race$r kind exterior >/dev/null 2>&1 &
	wait "$p1" "$p2" $!
done
check "create-while-delete races left no dangling reference" refs_sound
check "and the keys sound" keys_sound

# --- 7. cascade -------------------------------------------------------------------
check "port delete uplink1 cascade" quiet mt port delete uplink1 cascade
check_eq "its route, binding and key are gone" \
	"$(mt dump | jq -r --arg p "$up1" '[to_entries[] | select((.value.port? == $p) or (.key == "config/bindings/" + $p) or (.key == "config/ports/" + $p))] | length')" 0
check "router delete tenantB cascade" quiet mt router delete tenantB cascade
check_eq "the provider's end of the link is unpeered" \
	"$(jqs "$prov | .ports[] | select(.name == \"to-tenantB\") | .peer")" null
check "host delete gw2 cascade (its binding goes)" quiet mt host delete gw2 cascade
check "tenant delete tenantA" quiet mt tenant delete tenantA
check_eq "the provider's link port and route to tenantA are gone too" \
	"$(jqs "[$prov | (.ports[] | select(.name == \"to-tenantA\")), (.routes[] | select(.dst == \"10.1.0.0/24\"))] | length")" 0
check "no document refers to a missing one" refs_sound
check "the keys sound" keys_sound

tap_end
