#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# midwayd with a three-server ZooKeeper ensemble (selftests/zkhosts.sh's
# five hosts): one server stops, and nothing changes for the hosts: no
# session expires, no packet of VM1 <-> VM2 is lost, a change made while it
# is down reaches every kernel; it comes back and everything still matches.
#
# shellcheck disable=SC2154  # lib.sh's, overlay.sh's and zkhosts.sh's
set -u
cd "$(dirname "$0")/.." || exit 1
. selftests/lib.sh
. selftests/overlay.sh
. selftests/zklib.sh
TIMEOUT_MS=6000		# reconnecting to another server takes a while under TCG
. selftests/zkhosts.sh

tap_start
zkh_setup 3 || tap_end
for h in $HOSTS; do mwd_start "$h"; done
check "the topology reaches all five kernels" within 90 all_match
check "VM1 -> VM2" wait_for 10 quiet ip netns exec vm1 ping -c 1 -W 1 10.2.0.2

sessions() {
	local h
	for h in $HOSTS; do mwd_status "$h" | jq -r '"\(.session_id) \(.sessions)"'; done
}
before=$(sessions)
leader=0
for i in 1 2 3; do [ "$(zk_mode "$i")" = leader ] && leader=$i; done
ping_bg vm1 10.2.0.2 "$T/ping"
sleep 1
zk_stop "$leader"
sleep $((TIMEOUT_MS / 1000 * 2))
mwtopo router create while-down id "$(uuid 950)" >/dev/null
check "a router made with the leader down reaches every kernel" within 30 all_match
zero_loss "VM1 -> VM2 while the leader (server $leader) is down" "$T/ping"
check_eq "no session was lost or replaced" "$before" "$(sessions)"
zk_restart "$leader"
check "server $leader is back in the ensemble" wait_for 60 zk_serving "$leader"
check "every kernel still matches" within 30 all_match
check_eq "still the same sessions" "$before" "$(sessions)"
tap_end
