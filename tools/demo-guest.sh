#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Runs inside the demo VM (see tools/demo.sh), as root, midway.ko loaded.
# The seed's story, driven by the controllers: ZooKeeper holds the
# topology, midwayd on each of five hosts (each a network namespace with
# its own midway instance, selftests/overlay.sh's topo) puts it into its
# kernel, and the operator changes it with mwtopo only. mwctl only shows
# what a kernel holds.
#
#                 upstream (203.0.113.1, "the Internet")
#                   |            |            |
#                uplink1      uplink2      uplink3     provider router's
#                 [G1]         [G2]         [G3]       three ECMP defaults
#   VM1 --[C1]------+------------+------------+------[C2]-- VM2
#   tenantA          underlay bridge 10.99.0.0/24          tenantB
#                    ZooKeeper on 10.99.0.98
#
# What it does not show goes to $MW_OUT/demo.log, with the controllers' and
# ZooKeeper's logs (tools/demo.sh copies them to build/demo/).
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
# shellcheck source=selftests/lib.sh
. selftests/lib.sh
# shellcheck source=selftests/overlay.sh
. selftests/overlay.sh
# shellcheck source=selftests/zklib.sh
. selftests/zklib.sh
# shellcheck source=tools/demo-lib.sh
. tools/demo-lib.sh

mkdir -p "$D"
: >"$LOG"
trap demo_cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

step "Five hosts on one underlay network"
tell "Three gateway hosts (G1, G2, G3), each with an uplink NIC cabled to the" \
	"upstream router (\"the Internet\", 203.0.113.1), and two compute hosts" \
	"(C1, C2), each with a tenant VM (VM1 10.1.0.2, VM2 10.2.0.2). Each host" \
	"is a network namespace with its own midway kernel instance, empty; they" \
	"reach each other over the underlay 10.99.0.0/24. No topology anywhere yet."
log topo || die "the hosts could not be built"
log zk_underlay || die "ZooKeeper's link to the underlay could not be made"

step "ZooKeeper starts"
tell "ZooKeeper, which stores the virtual topology, starts on 10.99.0.98:2181." \
	"It is a Java server: under qemu's software CPU emulation it takes 11 to 30 s" \
	"to start. Waiting ..."
t0=$(now)
zk_start 1 2>>"$LOG" || die "ZooKeeper did not start"
tell "ZooKeeper serves ($(zk_mode 1)) after $(since "$t0") s."

step "The operator prepares ZooKeeper and registers the hosts"
tell "With its own credentials, the operator creates the topology's directories;" \
	"the controllers get their own credentials, which may read the topology" \
	"and publish their host's state, and nothing else."
echo "operator:op-secret" >"$D/operator.cred"
echo "controller:ctl-secret" >"$D/controller.cred"
chmod 600 "$D"/*.cred
tell "(mwtopo below is build/bin/mwtopo --zk 10.99.0.98:2181 --credentials operator.cred)"
op init controller-credentials "$D/controller.cred"
for H in C1 C2 G1 G2 G3; do op host create "$H" id "$(hid "$H")"; done

step "Each host starts its controller, midwayd"
tell "midwayd connects to ZooKeeper with the controllers' credentials, publishes" \
	"its host as alive (with its underlay address) and follows the topology."
for h in $HOSTS; do
	echo "[${h^^}]# midwayd --zk 10.99.0.98:2181 --underlay $(ul_addr "$h") --host-name ${h^^} ..."
	mwd_start "$h"
done
t0=$(now)
wait_for 60 all_alive || die "the five controllers did not come alive"
tell "" "All five are alive in ZooKeeper after $(since "$t0") s:"
op host list

step "The operator creates the provider router"
tell "Three uplinks, uplink1..3, each bound to the NIC \"uplink\" of its own" \
	"gateway host, on the /30s of 198.51.100.0/28, and one default route per" \
	"uplink via the upstream router, all of one weight: equal-cost multipath (ECMP)."
op provider-router create name provider uplinks 3 uplink-hosts G1,G2,G3 \
	uplink-interface uplink uplink-net 198.51.100.0/28
tell "(unusable, unused: no gateway has said yet that its uplink is up. Each" \
	"gateway's controller does so as soon as it binds its uplink, in its kernel.)"

step "The operator creates two tenants, with a VM each"
tell "Each tenant router is linked to the provider router and gets a port for its" \
	"VM, bound to the VM's tap on its compute host."
op tenant create tenantA provider provider net 10.1.0.0/24 \
	vm-port vm-addr 10.1.0.1/24 vm-host C1 vm-interface tap1
t1=$(clock)
t0=$(now)
op tenant create tenantB provider provider net 10.2.0.0/24 \
	vm-port vm-addr 10.2.0.1/24 vm-host C2 vm-interface tap2
took=$(since "$t0")

step "Every host's kernel now holds the topology"
tell "Nobody configured a kernel: each controller read ZooKeeper and pushed the" \
	"topology into its own. Waiting until every kernel holds every route ..."
zk_snapshot
wait_for 60 all_synced || die "the kernels did not get the topology within 60 s"
tell "The last mwtopo command ran for $took s; each controller's last change to" \
	"its kernel came, after the command started (from its log):" \
	"  $(changes_after "$t1" c1 c2 g1 g2 g3)." \
	"" "Each kernel, compared object by object with ZooKeeper:"
kernel_table
tell "" "The provider router's routes, as ZooKeeper has them, and as C1's kernel" \
	"has them (a compute host: C1 holds the uplinks' routes too, and tunnels" \
	"to the gateway whose uplink a flow takes):"
op route list router provider
on c1 mwctl route show router provider
tell "" "C1's controller:"
on c1 "$MWD" status --status-socket "$D/c1/sock"

step "Tenant to tenant: VM1 (tenantA, on C1) to VM2 (tenantB, on C2)"
tell "C1 routes the packet through tenantA, the provider and tenantB itself, then" \
	"tunnels it (VXLAN over the underlay) straight to C2; the gateways see none of it."
host_stats c1 "$D/ew0"
on vm1 ping -c 3 10.2.0.2
on vm1 traceroute -n -q 1 -N 1 -w 2 10.2.0.2
host_stats c1 "$D/ew1"
tell "" "C1's tunnel counters (packets) during the ping and traceroute, per host:"
for H in C2 G1 G2 G3; do
	printf '  %s: %s\n' "$H" "$(tunnel_delta "$D/ew0" "$D/ew1" "$H")"
done

step "North-south: VM1 to the Internet, spread over the three uplinks"
tell "VM1 opens 300 UDP flows (300 source ports) to upstream. The provider's ECMP" \
	"hashes each flow's addresses and ports to one uplink; C1 tunnels the flow to" \
	"the gateway of that uplink, which sends it up. Upstream answers each flow" \
	"by the uplink it came by. (A first 30 flows, not shown, let the gateways" \
	"learn upstream's address.)"
flows warm 30 >>"$LOG"
flows all 300

step "uplink2 loses its link"
tell "The cable of G2's uplink is pulled: upstream's end goes down, and G2's NIC" \
	"loses carrier. G2's kernel takes its route via uplink2 out of use at once;" \
	"G2's controller withdraws uplink2 from ZooKeeper, and every other controller" \
	"marks it down in its own kernel."
printf '$ ip -n upstream link set up2 down\n'
t0=$(clock)
ip -n upstream link set up2 down
wait_for 20 uplink2_is false || die "uplink2's route stayed active somewhere"
tell "uplink2's default route is now inactive on all five hosts. The other" \
	"controllers changed their kernels (from their logs) after:" \
	"  $(changes_after "$t0" c1 c2 g1 g3)."
uplink_routes
on c1 mwctl route show router provider
op route list router provider
tell "" "The same 300 flows again. Only uplink2's should move, to uplink1 and uplink3:"
flows down 300
tell "  Per flow, as upstream saw it: $(moved all down)."

step "uplink2 comes back"
printf '$ ip -n upstream link set up2 up\n'
t0=$(clock)
ip -n upstream link set up2 up
wait_for 20 uplink2_is true || die "uplink2's route did not come back everywhere"
tell "uplink2's default route is active again on all five hosts; the other" \
	"controllers changed their kernels (from their logs) after:" \
	"  $(changes_after "$t0" c1 c2 g1 g3)."
uplink_routes
tell "" "The same 300 flows again. The hashing is resilient: each flow should be back" \
	"on the uplink it had at first:"
flows back 300
tell "  Per flow, against the first round: $(moved all back)."

tell "" "That was the seed: ZooKeeper, a controller per host, and one mwtopo command" \
	"for the provider router and one per tenant; every kernel followed, and so did" \
	"the traffic when an uplink failed and came back." \
	"Logs: ${DEMO_LOGDIR:-$OUT}/ (demo.log, midwayd.<host>.log, zookeeper.log)."
