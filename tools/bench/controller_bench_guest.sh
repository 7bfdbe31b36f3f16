#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Guest part of tools/bench/controller_bench.sh: midwayd's convergence, its
# scale and its start-up, with a real ZooKeeper, in the test VM. Runs as
# root with midway.ko loaded (tools/vm/run).
#
# Hosts are network namespaces, each with its own midway instance and its
# own midwayd, on an underlay bridge (br0 in netns "underlay", 10.99.0.0/16);
# ZooKeeper runs in the VM's root namespace (zk0, 10.99.255.254), as in
# selftests/midwayd.sh. The topology is made with mwtopo as there: gateways
# G1..G3 with the provider router's three uplinks (uplinkN on gN, a veth to
# netns "upstream"), compute hosts C1 and C2 with a tenant VM each (tapN, a
# veth to netns vmN); further compute hosts C3... have no port (their
# controllers publish their host alive and hold the whole topology).
#
# MODE=conv, SIZES="5 25 ...": for each size in turn (ascending: hosts are
# added to the running set), wait until every kernel uses uplink1's route,
# read ZooKeeper's counters while idle for IDLE seconds, then run
# build/bench/conv_probe: TRIALS times uplink1 down on g1, every other
# host's ROUTE_STATE ACTIVE 0 timestamped, then up again, ACTIVE 1. Then
# ZooKeeper's counters again (mntr, wchs, cons) and every midwayd's RSS.
#
# MODE=start: one gateway (G1, uplink1); build/bench/zk_load writes ROUTES
# routes via uplink1 (ZooKeeper's heap raised to 1 GB: with zklib.sh's
# 128 MB it dies of OutOfMemoryError near 69 000 routes); then G1's
# controller starts (run 0), and START_RUNS times a controller on a new
# host (netns sN), each timed from its start to its kernel holding the
# topology (midwayd's own log lines: its first, "topology read", "kernel:
# N changes" with N >= ROUTES); the routers' route counts are read from
# its kernel afterwards.
#
# Environment: MODE, SIZES, TRIALS (50), ROUTES (100000), START_RUNS (2),
# SESSION_MS (the controllers' session timeout, 10000), IDLE (10), MW_OUT,
# MWD_ARGS (more options of every midwayd, e.g. -v), MIDWAYD (the binary,
# default build/bin/midwayd).
set -u
cd "$(dirname "$0")/../.." || exit 1

MODE=${MODE:-conv}
SIZES=${SIZES:-5}
TRIALS=${TRIALS:-50}
ROUTES=${ROUTES:-100000}
START_RUNS=${START_RUNS:-2}
SESSION_MS=${SESSION_MS:-10000}
IDLE=${IDLE:-10}
OUT=${MW_OUT:-/tmp/controller_bench}
MWTOPO=build/bin/mwtopo
MWD=${MIDWAYD:-build/bin/midwayd}
MWCTL=build/bin/mwctl
mkdir -p "$OUT"

. selftests/zklib.sh
ZK_BIND=10.99.255.254
ZK_4LW=srvr,ruok,stat,mntr,wchs,cons
T=$(mktemp -d /tmp/cbench.XXXXXX)
declare -A MWD_PID
NHOSTS=0			# hosts made so far
ALL=()				# their netns names, in order

say() { echo "controller_bench: $*"; }
die() { say "$*" >&2; exit 1; }
cleanup() {
	local h
	for h in "${!MWD_PID[@]}"; do kill -9 "${MWD_PID[$h]}" 2>/dev/null; done
	zk_cleanup
}
trap cleanup EXIT

uuid() { printf '6d770000-0000-4000-8000-%012d' "$1"; }
# Host i (1...): g1 g2 g3 c1 c2 c3 ...; its underlay address and id.
host_ns() { if (($1 <= 3)); then echo "g$1"; else echo "c$(($1 - 3))"; fi; }
ul_addr() { echo "10.99.$(($1 / 200)).$(($1 % 200 + 1))"; }
mwtopo() { "$MWTOPO" --zk "$(zk_connect_string)" --credentials "$T/op.cred" "$@"; }

# The underlay and ZooKeeper.
base_setup() {
	modprobe -a veth bridge
	sysctl -qw net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.default.rp_filter=0
	ip netns add underlay
	ip -n underlay -batch - <<-EOF
	link set lo up
	link add br0 type bridge
	link set br0 up
	EOF
	ip netns add upstream
	ip -n upstream link set lo up
	ip link add zk0 type veth peer name ul-zk netns underlay
	ip -n underlay link set ul-zk master br0 up
	ip addr add $ZK_BIND/16 dev zk0
	ip link set zk0 up
	zk_start 1 || die "ZooKeeper does not start"
	echo "operator:op-secret" >"$T/op.cred"
	echo "controller:ctl-secret" >"$T/ctl.cred"
	chmod 600 "$T"/*.cred
	mwtopo init controller-credentials "$T/ctl.cred" >/dev/null || die "mwtopo init"
}

# add_hosts N: make hosts NHOSTS+1..N (netns, underlay link, uplink or VM).
add_hosts() {
	local n=$1 i h
	for ((i = NHOSTS + 1; i <= n; i++)); do
		echo "netns add $(host_ns $i)"
	done | ip -batch -
	for ((i = NHOSTS + 1; i <= n; i++)); do
		h=$(host_ns $i)
		echo "link add ul-$h type veth peer name ul netns $h"
		echo "link set ul-$h master br0 up"
	done | ip -n underlay -batch -
	for ((i = NHOSTS + 1; i <= n; i++)); do
		h=$(host_ns $i)
		{
			echo "link set lo up"
			echo "addr add $(ul_addr $i)/16 dev ul"
			echo "link set ul up"
			if ((i <= 3)); then
				echo "link add uplink type veth peer name up$i netns upstream"
				echo "link set uplink up"
			elif ((i <= 5)); then
				echo "link add tap$((i - 3)) type veth peer name eth0 netns vm$((i - 3))"
				echo "link set tap$((i - 3)) up"
			fi
		} >"$T/batch"
		((i <= 5 && i > 3)) && ip netns add "vm$((i - 3))"
		ip -n "$h" -batch "$T/batch"
		((i <= 3)) && ip -n upstream link set "up$i" up
		ALL+=("$h")
	done
	NHOSTS=$n
}

# mwd_start NETNS ID ADDR: midwayd there, state in $T/NETNS, log $T/NETNS.log.
mwd_start() {
	local h=$1
	mkdir -p "$T/$h"
	echo "$2" >"$T/$h/host-id"
	ip netns exec "$h" "$MWD" -c /dev/null --zk "$(zk_connect_string)" \
		--underlay "$3" --host-name "${h^^}" \
		--state-dir "$T/$h" --status-socket "$T/$h/sock" \
		--session-timeout "$SESSION_MS" \
		--zk-credentials "$T/ctl.cred" ${MWD_ARGS:-} >>"$T/$h.log" 2>&1 &
	MWD_PID[$h]=$!
}

# route_active NETNS ROUTE: 1 if the kernel there uses the route.
route_active() {
	ip netns exec "$1" "$MWCTL" -j route show 2>/dev/null |
		jq -r --arg id "$2" '.[] | select(.id == $id) | if .active then 1 else 0 end'
}
# wait_active ROUTE SECONDS HOST...: until every host uses ROUTE.
wait_active() {
	local r=$1 end=$((SECONDS + $2)) h
	shift 2
	for h in "$@"; do
		until [ "$(route_active "$h" "$r")" = 1 ]; do
			((SECONDS < end)) || { say "$h does not use route $r"; tail -n 5 "$T/$h.log"; return 1; }
			sleep 0.5
		done
	done
}

# ZooKeeper's four-letter words, as zklib.sh's zk_srvr does.
zk_4lw() {
	timeout 10 bash -c 'exec 3<>/dev/tcp/'"$ZK_BIND/$(zk_port 1)"' &&
		printf '"$1"' >&3 && cat <&3' 2>/dev/null
}
mntr() { zk_4lw mntr | awk -v k="$1" '$1 == k { print $2 }'; }
mntr_all() {	# FILE: the counters that matter, "name value"
	zk_4lw mntr | grep -E '^zk_(packets_(received|sent)|num_alive_connections|watch_count|znode_count|ephemerals_count|avg_latency|max_latency|outstanding_requests|approximate_data_size)' >"$1"
}
val() { awk -v k="$2" '$1 == k { print $2 }' "$1"; }

# RSS (kB) of every midwayd: "sum max n".
rss() {
	local h s=0 m=0 n=0 r
	for h in "$@"; do
		r=$(awk '/^VmRSS:/ { print $2 }' "/proc/${MWD_PID[$h]}/status" 2>/dev/null)
		[ -n "$r" ] || continue
		s=$((s + r)); n=$((n + 1)); ((r > m)) && m=$r
	done
	echo "$s $m $n"
}

conv() {
	local n r1 uplinks h others=() a b t0 t1 idle_pkts
	# ZooKeeper's GC pauses, with the wall clock, to set beside slow trials.
	ZK_JAVA_OPTS="${ZK_JAVA_OPTS:-} -Xlog:gc:file=$OUT/zk_gc.log:time"
	base_setup
	add_hosts 5
	mwtopo host create G1 id "$(uuid 1)" >/dev/null &&
	mwtopo host create G2 id "$(uuid 2)" >/dev/null &&
	mwtopo host create G3 id "$(uuid 3)" >/dev/null &&
	mwtopo host create C1 id "$(uuid 4)" >/dev/null &&
	mwtopo host create C2 id "$(uuid 5)" >/dev/null &&
	mwtopo provider-router create name provider uplinks 3 uplink-hosts G1,G2,G3 \
		uplink-interface uplink uplink-net 198.51.100.0/28 >/dev/null &&
	mwtopo tenant create tenantA provider provider net 10.1.0.0/24 vm-port \
		vm-addr 10.1.0.1/24 vm-host C1 vm-interface tap1 >/dev/null &&
	mwtopo tenant create tenantB provider provider net 10.2.0.0/24 vm-port \
		vm-addr 10.2.0.1/24 vm-host C2 vm-interface tap2 >/dev/null ||
		die "mwtopo cannot make the topology"
	r1=$(mwtopo -j route list | jq -r '.[] | select(.port_name == "uplink1") | .id')
	say "topology: $(mwtopo -j router list | jq length) routers, $(mwtopo -j port list | jq length) ports, $(mwtopo -j route list | jq length) routes; uplink1's route $r1"
	for ((i = 1; i <= 5; i++)); do mwd_start "$(host_ns $i)" "$(uuid $i)" "$(ul_addr $i)"; done

	for n in $SIZES; do
		if ((n > NHOSTS)); then
			add_hosts "$n"
			for ((i = 6; i <= n; i++)); do
				h=$(host_ns $i)
				[ -n "${MWD_PID[$h]:-}" ] || mwd_start "$h" "$(uuid $i)" "$(ul_addr $i)"
			done
		fi
		say "$n hosts: waiting until every kernel uses uplink1's route"
		t0=$SECONDS
		wait_active "$r1" $((120 + 3 * n)) "${ALL[@]}" || die "$n hosts: not converged"
		say "$n hosts: ready after $((SECONDS - t0)) s"
		others=()
		for h in "${ALL[@]}"; do [ "$h" = g1 ] || others+=("$h"); done

		# Idle load: the sessions' pings.
		sleep 2
		mntr_all "$T/idle0.$n"; t0=$(date +%s.%N)
		sleep "$IDLE"
		mntr_all "$T/idle1.$n"; t1=$(date +%s.%N)
		idle_pkts=$(awk -v a="$(val "$T/idle0.$n" zk_packets_received)" \
			-v b="$(val "$T/idle1.$n" zk_packets_received)" -v t0="$t0" -v t1="$t1" \
			'BEGIN { printf "%.1f", (b - a) / (t1 - t0) }')

		mntr_all "$T/run0.$n"; t0=$(date +%s.%N)
		build/bench/conv_probe -f -g g1 -d uplink -r "$r1" -n "$TRIALS" \
			-o "$OUT/conv_$n.dat" "${others[@]}" >"$T/probe.$n" 2>"$T/probe_err.$n"
		say "$n hosts: conv_probe exit status $?"
		mntr_all "$T/run1.$n"; t1=$(date +%s.%N)
		cat "$T/probe.$n"
		tail -n 3 "$T/probe_err.$n"
		zk_4lw wchs >"$OUT/wchs_$n.txt"
		zk_4lw cons >"$OUT/cons_$n.txt"
		cp "$T/run1.$n" "$OUT/mntr_$n.txt"
		read -r a b c <<<"$(rss "${ALL[@]}")"
		zrss=$(awk '/^VmRSS:/ { print $2 }' "/proc/${ZK_PIDS[1]}/status")
		awk -v n="$n" -v trials="$TRIALS" -v idle="$idle_pkts" \
			-v r0="$(val "$T/run0.$n" zk_packets_received)" -v r1="$(val "$T/run1.$n" zk_packets_received)" \
			-v s0="$(val "$T/run0.$n" zk_packets_sent)" -v s1="$(val "$T/run1.$n" zk_packets_sent)" \
			-v t0="$t0" -v t1="$t1" -v conns="$(val "$T/run1.$n" zk_num_alive_connections)" \
			-v watches="$(val "$T/run1.$n" zk_watch_count)" -v znodes="$(val "$T/run1.$n" zk_znode_count)" \
			-v maxlat="$(val "$T/run1.$n" zk_max_latency)" -v avglat="$(val "$T/run1.$n" zk_avg_latency)" \
			-v paths="$(sed -n 's/.* watching \([0-9]*\) paths.*/\1/p' "$OUT/wchs_$n.txt")" \
			-v rsum="$a" -v rmax="$b" -v rn="$c" -v zrss="$zrss" 'BEGIN {
			d = t1 - t0; changes = 2 * trials
			req = (r1 - r0 - idle * d) / changes
			sent = (s1 - s0) / changes
			printf "controller_bench: %d hosts: ZooKeeper: %d connections, %d watches on %d paths (%.1f per session), %d znodes; idle %.1f requests/s (pings); per carrier change %.1f requests (pings taken out), %.1f answers and notifications; latency avg %s max %s ms\n", n, conns, watches, paths, watches / (conns ? conns : 1), znodes, idle, req, sent, avglat, maxlat
			printf "controller_bench: %d hosts: midwayd RSS %.1f MB on average, %.1f MB at most (%d processes); ZooKeeper RSS %.0f MB\n", n, rsum / rn / 1024, rmax / 1024, rn, zrss / 1024
			printf "RESULT controller_zk hosts=%d connections=%d watches=%d watched_paths=%d znodes=%d idle_req_per_s=%.1f req_per_change=%.1f sent_per_change=%.1f mwd_rss_avg_kb=%.0f mwd_rss_max_kb=%d zk_rss_kb=%d\n", n, conns, watches, paths, znodes, idle, req, sent, rsum / rn, rmax, zrss
		}'
		for h in "${ALL[@]}"; do
			grep -h "midwayd error" "$T/$h.log" | head -n 2
		done | head -n 10
	done
	for h in g1 g2 c1 c2 "${ALL[-1]}"; do cp "$T/$h.log" "$OUT/midwayd_$h.log"; done
}

# The time of a midwayd log line ("HH:MM:SS.mmm midwayd ..."), in seconds.
log_t() { awk '{ split($1, a, ":"); printf "%.3f\n", a[1] * 3600 + a[2] * 60 + a[3]; exit }'; }

# kroutes NETNS: the routes in the kernel there (the routers' counts).
kroutes() { ip netns exec "$1" "$MWCTL" -j router show 2>/dev/null | jq '[.[].routes] | add // 0'; }
# synced LOG: the line "kernel: N changes" with N >= ROUTES, if there is one.
synced() { awk -v n="$ROUTES" '/ kernel: [0-9]+ changes/ { for (i = 1; i < NF; i++) if ($i == "kernel:" && $(i + 1) >= n) { print; exit 0 } } END { }' "$1" | grep .; }

start() {
	local r p r0 h i k
	ZK_JAVA_OPTS="${ZK_JAVA_OPTS:-} -Xmx1g"
	base_setup
	add_hosts 1
	mwtopo host create G1 id "$(uuid 1)" >/dev/null &&
	mwtopo provider-router create name provider uplinks 1 uplink-hosts G1 \
		uplink-interface uplink uplink-net 198.51.100.0/28 >/dev/null ||
		die "mwtopo cannot make the topology"
	r=$(mwtopo -j router list | jq -r '.[] | select(.name == "provider") | .id')
	p=$(mwtopo -j port list | jq -r '.[] | select(.name == "uplink1") | .id')
	r0=$(mwtopo -j route list | jq -r '.[0].id')
	say "loading $ROUTES routes via uplink1 into ZooKeeper (build/bench/zk_load), no controller running"
	build/bench/zk_load -z "$(zk_connect_string)" -c "$T/op.cred" -R "$r" -P "$p" \
		-g 198.51.100.1 -n "$ROUTES" || die "zk_load failed"
	say "ZooKeeper: $(mntr zk_znode_count) znodes, $(mntr zk_approximate_data_size) bytes of data"
	# What ZooKeeper and the C client manage on their own, to set beside
	# midwayd's reading.
	build/bench/zk_load -z "$(zk_connect_string)" -c "$T/op.cred" -r -w 1000000
	: >"$OUT/start.dat"
	# Run 0: G1, the first controller (its uplink not yet active when it
	# reads: the routes go in inactive). Runs 1..: a new host each, G1
	# running (uplink1 active: the routes go into the forwarding table).
	timed_start g1 1 0
	wait_active "$r0" 120 g1 || die "g1 not ready"
	for ((k = 1; k <= START_RUNS; k++)); do
		h=s$k
		i=$((200 + k))
		ip netns add "$h"
		ip -n underlay link add "ul-$h" type veth peer name ul netns "$h"
		ip -n underlay link set "ul-$h" master br0 up
		ip -n "$h" -batch - <<-EOF
		link set lo up
		addr add $(ul_addr $i)/16 dev ul
		link set ul up
		EOF
		sleep 2
		timed_start "$h" "$i" "$k"
		kill "${MWD_PID[$h]}"
		wait "${MWD_PID[$h]}" 2>/dev/null
		unset "MWD_PID[$h]"
	done
	say "ZooKeeper: $(mntr zk_watch_count) watches, $(mntr zk_num_alive_connections) connections"
}

# timed_start NETNS I RUN: start midwayd there (host I) and time it until
# its log says the kernel took the whole topology.
timed_start() {
	local h=$1 i=$2 k=$3 t0 n a b c line routes r_kb
	t0=$(date +%H:%M:%S.%N | log_t)
	mwd_start "$h" "$(uuid $i)" "$(ul_addr $i)"
	n=$SECONDS
	until synced "$T/$h.log" >/dev/null; do
		((SECONDS - n < 900)) || die "$h: its kernel never got the routes"
		sleep 0.2
	done
	cp "$T/$h.log" "$OUT/midwayd_$h.log"
	a=$(grep -v ZOO_ "$T/$h.log" | head -n 1 | log_t)
	b=$(grep "topology read" "$T/$h.log" | log_t)
	line=$(synced "$T/$h.log")
	c=$(echo "$line" | log_t)
	routes=$(kroutes "$h")
	awk -v k="$k" -v t0="$t0" -v a="$a" -v b="$b" -v c="$c" -v routes="$routes" -v line="$line" 'BEGIN {
		printf "controller_bench: start %d: %.2f s from the start to the kernel holding the topology (%d routes in its kernel): exec %.2f s, ZooKeeper read %.2f s, kernel %.2f s; %s\n", k, c - t0, routes, a - t0, b - a, c - b, line
		printf "RESULT controller_start run=%d routes=%d total_s=%.2f exec_s=%.2f zk_read_s=%.2f kernel_s=%.2f\n", k, routes, c - t0, a - t0, b - a, c - b
	}'
	awk -v k="$k" -v t0="$t0" -v a="$a" -v b="$b" -v c="$c" \
		'BEGIN { printf "%d %.3f %.3f %.3f\n", k, a - t0, b - a, c - b }' >>"$OUT/start.dat"
	r_kb=$(awk '/^VmRSS:/ { print $2 }' "/proc/${MWD_PID[$h]}/status")
	say "start $k: midwayd RSS $((r_kb / 1024)) MB with $ROUTES routes"
}

say "kernel $(uname -r), $(nproc) CPUs, $(free -m | awk '/^Mem:/ { print $2 }') MB, mode $MODE, midwayd $MWD"
case $MODE in
conv) conv ;;
start) start ;;
*) die "MODE is conv or start" ;;
esac
