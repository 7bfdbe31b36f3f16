# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# selftests/lib.sh - what the datapath test scripts (forward.sh,
# mwctl_datapath.sh, ecmp.sh, churn.sh, harden.sh, tunnel.sh) share. They
# run in the test VM as root with midway.ko loaded, from the repo root (the
# VM sees the host's root read-only over 9p, and tools/vm/run starts the
# command there), and begin:
#
#   set -u
#   cd "$(dirname "$0")/.." || exit 1
#   . selftests/lib.sh
#   tap_start
#   ...
#   tap_end
#
# Sourcing this defines functions and $mw, $n and $fail; it runs nothing.
#
# TAP: every check prints "ok N - WHAT" or "not ok N - WHAT"; tap_end prints
# the plan "1..N" last and exits 1 if any check failed, 0 otherwise. That is
# what selftests/run reads (the exit status, and the "not ok" lines of a
# failure).

# The CLI (MWCTL=... for another build).
mw=${MWCTL:-build/bin/mwctl}
n=0
fail=0

tap_start() { echo "TAP version 13"; }
tap_end() { echo "1..$n"; exit "$fail"; }

ok() { n=$((n + 1)); echo "ok $n - $*"; }
nok() { n=$((n + 1)); fail=1; echo "not ok $n - $*"; }
# check WHAT CMD...: ok if CMD succeeds.
check() { local what=$1; shift; if "$@"; then ok "$what"; else nok "$what"; fi; }
# check_eq WHAT GOT WANT: ok if GOT is WANT; both are printed if not.
check_eq() {
	if [ "$2" = "$3" ]; then
		ok "$1"
	else
		nok "$1"
		echo "#   got:  '$2'"
		echo "#   want: '$3'"
	fi
}

# A command without its output (as a check's condition).
quiet() { "$@" >/dev/null 2>&1; }
# Does the output of a command have a line matching a regex: outputs RE CMD...
# (The guest has no /dev/fd, so no process substitution.)
outputs() { local re=$1; shift; "$@" | grep -q -- "$re"; }
# stdin as TAP diagnostics.
diag() { sed 's/^/# /'; }
# Wait up to $1 seconds for a command to succeed (tried every 0.2 s).
wait_for() {
	local t=$(($1 * 5))
	shift
	while ((t-- > 0)); do
		"$@" && return 0
		sleep 0.2
	done
	return 1
}

# vm_ns [--no-ipv6] NS TAP ADDR/LEN GATEWAY: a "VM", netns NS, attached to
# this namespace by a veth pair: TAP here (up, no address: a port binds it),
# eth0 in NS with ADDR/LEN and a default route via GATEWAY. --no-ipv6 turns
# IPv6 off in NS before eth0 exists, so that it sends nothing of its own.
vm_ns() {
	local no6=
	if [ "$1" = --no-ipv6 ]; then no6=1; shift; fi
	ip netns add "$1"
	if [ -n "$no6" ]; then
		ip netns exec "$1" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
			net.ipv6.conf.default.disable_ipv6=1
	fi
	ip link add "$2" type veth peer name eth0 netns "$1"
	ip link set "$2" up
	ip -n "$1" addr add "$3" dev eth0
	ip -n "$1" link set eth0 up
	ip -n "$1" route add default via "$4"
}

# A counter of port $1 from "port stats -j", at jq path $2 (.stats.rx.packets);
# one drop reason of it (no_route): 0 when never counted.
port_stat() { $mw -j port stats "$1" | jq -r ".[0]$2 // 0"; }
port_drop() { port_stat "$1" ".drops.$2"; }
# A counter of netns $1 from /proc/net/snmp: snmp NS Ip ReasmOKs,
# snmp NS Icmp InMsgs, ...
# shellcheck disable=SC2016  # the awk program
snmp() {
	ip netns exec "$1" awk -v p="$2:" -v f="$3" '
		$1 == p && !h { for (i = 2; i <= NF; i++) c[$i] = i; h = 1; next }
		$1 == p && h { print $c[f]; exit }' /proc/net/snmp
}
# An ICMP counter of netns $1: InMsgs, InTimeExcds, ...
icmp_in() { snmp "$1" Icmp "$2"; }

# even N A B...: each count within 15% of N / (number of counts): an ECMP
# spread (ecmp.sh and tunnel.sh have the arithmetic of why 15% holds).
even() {
	local total=$1; shift
	local want=$((total / $#)) c
	for c; do
		[ $((c * 100)) -ge $((want * 85)) ] && [ $((c * 100)) -le $((want * 115)) ] || return 1
	done
}

# mw_in NS ARGS...: mwctl in netns NS, that is, on NS's own instance.
mw_in() { local ns=$1; shift; ip netns exec "$ns" "$mw" "$@"; }
# A tunnel counter of host $2 as the instance of netns $1 counts it, from
# "host stats -j", at jq path $3 (.stats.rx.packets, .drops.unknown_key):
# 0 when never counted.
host_stat() { mw_in "$1" -j host stats "$2" | jq -r ".[0]$3 // 0"; }
# stats_delta BEFORE AFTER: what changed between two outputs (files) of
# "mwctl -j host stats" or "mwctl -j port stats": one word per counter that
# moved, NAME.rx+N / NAME.tx+N (packets) or NAME.REASON+N (drops), sorted;
# nothing if nothing moved.
# shellcheck disable=SC2016  # the jq program
stats_delta() {
	jq -nr --slurpfile a "$1" --slurpfile b "$2" '
		def flat: [.[] | .name as $n |
			((.stats // {}) | to_entries[] |
				{key: "\($n).\(.key)", value: .value.packets}),
			((.drops // {}) | to_entries[] |
				{key: "\($n).\(.key)", value: .value})] |
			from_entries;
		($a[0] | flat) as $x |
		[$b[0] | flat | to_entries[] | select(.value != ($x[.key] // 0)) |
			"\(.key)+\(.value - ($x[.key] // 0))"] | sort | join(" ")'
}

# tcp_intact SERVER_NS CLIENT_NS ADDR MB: the client sends MB megabytes of
# random bytes over TCP to ADDR port 5001, where the server listens (on
# ADDR); true if they arrived intact (the same SHA-256 both sides).
tcp_intact() {
	local srv sent recv
	rm -f /tmp/tcp_intact.sha
	ip netns exec "$1" /usr/bin/python3 - "$3" <<'PY' &
import socket, sys, hashlib
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((sys.argv[1], 5001)); s.listen(1); s.settimeout(30)
c, _ = s.accept(); c.settimeout(30); h = hashlib.sha256()
while True:
    b = c.recv(65536)
    if not b: break
    h.update(b)
open("/tmp/tcp_intact.sha", "w").write(h.hexdigest())
PY
	srv=$!
	sent=$(ip netns exec "$2" /usr/bin/python3 - "$3" "$4" <<'PY'
import socket, sys, hashlib, os, time
d = os.urandom(int(sys.argv[2]) << 20)
for i in range(60):
    try:
        c = socket.create_connection((sys.argv[1], 5001), timeout=30)
        break
    except ConnectionRefusedError:
        time.sleep(0.5)
c.sendall(d); c.close(); print(hashlib.sha256(d).hexdigest())
PY
)
	wait "$srv"
	recv=$(cat /tmp/tcp_intact.sha 2>/dev/null)
	[ -n "$sent" ] && [ "$sent" = "$recv" ]
}

# The VMs of topo_tenants.
va() { ip netns exec va "$@"; }
vb() { ip netns exec vb "$@"; }

# topo_tenants [--no-ipv6]: VM a (netns va, 10.1.0.2/24, on tapa) behind
# router tenantA, VM b (netns vb, 10.2.0.2/24, on tapb) behind tenantB, both
# tenants linked to router provider by interior ports: the drawing is in
# forward.sh. tenantA also has a blackhole route to 10.9/16 and a reject
# route to 10.8/16. --no-ipv6 as for vm_ns. Run it under set -e.
# shellcheck disable=SC2120  # forward.sh passes no option
topo_tenants() {
	local v
	modprobe veth
	vm_ns "$@" va tapa 10.1.0.2/24 10.1.0.1
	vm_ns "$@" vb tapb 10.2.0.2/24 10.2.0.1
	for v in va vb; do ip -n "$v" link set lo up; done

	$mw host add name h1 address 192.0.2.1 local
	for v in provider tenantA tenantB; do $mw router add name $v; done
	$mw port add router tenantA name a-vm exterior address 10.1.0.1/24 host h1 dev tapa
	$mw port add router tenantB name b-vm exterior address 10.2.0.1/24 host h1 dev tapb
	$mw port add router provider name p-a interior address 169.254.1.1/30
	$mw port add router tenantA name a-up interior address 169.254.1.2/30 peer p-a
	$mw port add router provider name p-b interior address 169.254.2.1/30
	$mw port add router tenantB name b-up interior address 169.254.2.2/30 peer p-b
	$mw route add router tenantA 10.1.0.0/24 port a-vm
	$mw route add router tenantA 0.0.0.0/0 via 169.254.1.1 port a-up
	$mw route add router tenantB 10.2.0.0/24 port b-vm
	$mw route add router tenantB 0.0.0.0/0 via 169.254.2.1 port b-up
	$mw route add router provider 10.1.0.0/16 via 169.254.1.2 port p-a
	$mw route add router provider 10.2.0.0/16 via 169.254.2.2 port p-b
	$mw route add router tenantA 10.9.0.0/16 blackhole
	$mw route add router tenantA 10.8.0.0/16 reject
}
