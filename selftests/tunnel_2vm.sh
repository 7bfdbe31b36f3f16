#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# selftests/tunnel_2vm.sh [SERVER_KERNEL [CLIENT_KERNEL]] - midway's VXLAN
# tunnel between two real kernels: two VMs (tools/vm/run), each with midway
# loaded and a NIC linked to the other's by a qemu socket netdev on
# 127.0.0.1, run selftests/tunnel_2vm_guest.sh (the drawing is there): the
# client's VM pings the server's VM through the tunnel (plain, 1400 bytes
# with DF, 1472 bytes with DF which midway refuses with frag-needed mtu
# 1450), then runs an iperf3 TCP test to it; both check their hosts' tunnel
# counters.
#
# A "host" test of selftests/tests.list: it runs on the build host and boots
# the VMs itself, by default the server on 6.1 and the client on 6.12, so
# that the two kernels' midway must agree on the wire. MW_TUNNEL_LINK=udp
# links the NICs with UDP datagrams instead of a TCP stream.
#
# Prints the two guests' checks renumbered as one TAP stream (their other
# lines as "# server: ..." diagnostics), then one check per VM for the
# runner's exit status (3: warnings in that kernel's log; 124: timeout);
# exits 1 if anything failed.

set -u
REPO=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd -P)
cd "$REPO" || exit 1

k_server=${1:-6.1}
k_client=${2:-6.12}
link=${MW_TUNNEL_LINK:-tcp}
# Per VM, boot included; the server gives up on its own after 120 s of test.
VM_TIMEOUT=${VM_TIMEOUT:-240}

# A free TCP or UDP port on 127.0.0.1 (free now; qemu binds it a moment later).
free_port() {
	/usr/bin/python3 -c 'import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM if sys.argv[1] == "udp" else socket.SOCK_STREAM)
s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])' "$1"
}
case $link in
tcp)
	port=$(free_port tcp) || exit 1
	net_server=listen:$port net_client=connect:$port
	;;
udp)
	p1=$(free_port udp) && p2=$(free_port udp) || exit 1
	net_server=udp:$p1:$p2 net_client=udp:$p2:$p1
	;;
*) echo "tunnel_2vm: MW_TUNNEL_LINK must be tcp or udp, not '$link'" >&2; exit 2 ;;
esac

tmp=$(mktemp -d "${TMPDIR:-/tmp}/mw-tunnel2vm.XXXXXX")
pids=()
# shellcheck disable=SC2317  # invoked by the trap
cleanup() {
	local p
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
	wait 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# vm ROLE KERNEL NETDEV: one VM in the background; its output (the guest's
# and the runner's) to $tmp/ROLE.log, then "STATUS SECONDS" to $tmp/ROLE.rc.
# Two VMs booting at once on a loaded 2-core machine starve each other's
# vCPUs: a 6.12 guest once reported an RCU stall in its crypto self-tests,
# before /init (and the module) ran, and failed the run (status 3). Stall
# reports before init are off; any later one still fails the test.
vm() {
	local t0=$SECONDS rc=0
	tools/vm/run --kernel "$2" --timeout "$VM_TIMEOUT" --netdev-socket "$3" \
		--append rcupdate.rcu_cpu_stall_suppress_at_boot=1 \
		-- selftests/tunnel_2vm_guest.sh "$1" </dev/null >"$tmp/$1.log" 2>&1 || rc=$?
	echo "$rc $((SECONDS - t0))" >"$tmp/$1.rc"
}

echo "TAP version 13"
echo "# server on $k_server ($net_server), client on $k_client ($net_client)"
t0=$SECONDS
vm server "$k_server" "$net_server" &
pids+=($!)
vm client "$k_client" "$net_client" &
pids+=($!)
wait
pids=()
echo "# both VMs done after $((SECONDS - t0)) s"

n=0 fail=0
ok() { n=$((n + 1)); echo "ok $n - $*"; }
nok() { n=$((n + 1)); fail=1; echo "not ok $n - $*"; }

for role in server client; do
	kernel=$k_server
	[[ $role == server ]] || kernel=$k_client
	read -r rc secs <"$tmp/$role.rc" || rc=1 secs="?"
	echo "# $role: $kernel, runner exit status $rc, $secs s"
	subtests=0
	# The guest's checks renumbered; its plan dropped; the rest as comments.
	while IFS= read -r line; do
		if [[ $line =~ ^ok\ [0-9]+\ -\ (.*)$ ]]; then
			ok "${BASH_REMATCH[1]}"
			subtests=$((subtests + 1))
		elif [[ $line =~ ^not\ ok\ [0-9]+\ -\ (.*)$ ]]; then
			nok "${BASH_REMATCH[1]}"
			subtests=$((subtests + 1))
		elif [[ $line =~ ^(TAP\ version|1\.\.[0-9]+$) ]]; then
			:
		elif [[ $line == "# "* ]]; then
			echo "# $role: ${line#\# }"
		else
			echo "# $role: $line"
		fi
	done <"$tmp/$role.log"
	((subtests > 0)) || nok "$role: the guest ran its checks"
	case $rc in
	0) ok "$role: VM on $kernel ran clean (no warnings in its kernel log)" ;;
	3) nok "$role: VM on $kernel: the kernel log shows WARN/BUG/Oops (vm: kernel log lines above)" ;;
	124) nok "$role: VM on $kernel: timeout after $VM_TIMEOUT s" ;;
	125) nok "$role: VM on $kernel: the VM failed" ;;
	*) nok "$role: VM on $kernel: exit status $rc" ;;
	esac
done
echo "1..$n"
exit "$fail"
