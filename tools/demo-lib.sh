# shellcheck shell=bash
# SPDX-License-Identifier: GPL-2.0
#
# tools/demo-lib.sh - what tools/demo-guest.sh (make demo) uses besides
# selftests/lib.sh, overlay.sh (topo: the namespaces and links) and
# zklib.sh: ZooKeeper's side of the underlay, the controllers, the
# operator's commands, the figures it prints. Every figure is read from a
# kernel (mwctl), from ZooKeeper (mwtopo) or, for the north-south flows,
# from what upstream and VM1 saw, when it is printed.
#
# shellcheck disable=SC2154  # lib.sh's $mw; zklib.sh's variables

D=/tmp/demo			# state directories, sockets, scratch (tmpfs)
OUT=${MW_OUT:-/tmp}		# the logs (the host copies it to build/demo/)
LOG=$OUT/demo.log		# what the demo ran but did not show
MWTOPO=build/bin/mwtopo
MWD=build/bin/midwayd
ZK_BIND=10.99.0.98		# ZooKeeper's address on the underlay (zk0)
declare -A MWD_PID

# --- Telling the story ----------------------------------------------------------
# step TITLE: a numbered heading.
STEP=0
step() { STEP=$((STEP + 1)); printf '\n== %d. %s\n\n' "$STEP" "$*"; }
# tell TEXT...: a paragraph for the operator, as is.
tell() { printf '%s\n' "$@"; }
now() { date +%s%N; }
# since T0: seconds since T0 (from now), one decimal.
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", (b - a) / 1e9 }'; }
# die WHAT: the demo stops, saying where to look.
die() {
	printf '\nThe demo stopped: %s.\nLogs: %s/ (demo.log, midwayd.*.log, zookeeper.log).\n' \
		"$*" "${DEMO_LOGDIR:-$OUT}" >&2
	exit 1
}
# log CMD...: run CMD, its output to the log only.
log() { echo "# $*" >>"$LOG"; "$@" >>"$LOG" 2>&1; }

# mwtopo ARGS: the operator's command line, with ZooKeeper's address and the
# operator's credentials.
mwtopo() { "$MWTOPO" --zk "$ZK_BIND:2181" --credentials "$D/operator.cred" "$@"; }
# op ARGS: mwtopo shown as the operator types it, then its output; the
# demo stops if it fails.
op() {
	printf 'operator$ mwtopo %s\n' "$*"
	mwtopo "$@" 2>&1 | sed 's/^/  /'
	[ "${PIPESTATUS[0]}" = 0 ] || die "mwtopo $1 failed"
}
# on HOST CMD...: CMD in HOST's namespace (its kernel), shown as typed on
# HOST; mwctl stands for build/bin/mwctl.
on() {
	local h=$1
	shift
	printf '[%s]# %s\n' "${h^^}" "$*"
	if [ "$1" = mwctl ]; then
		shift
		ip netns exec "$h" "$mw" "$@" 2>&1 | sed 's/^/  /'
	else
		ip netns exec "$h" "$@" 2>&1 | sed 's/^/  /'
	fi
}

# --- ZooKeeper and the controllers -----------------------------------------------
# zk_underlay: ZooKeeper's side of the underlay, zk0 in the root namespace.
zk_underlay() {
	ip link add zk0 type veth peer name ul-zk netns underlay
	ip -n underlay link set ul-zk master br0 up
	ip addr add "$ZK_BIND/24" dev zk0
	ip link set zk0 up
}
hid() {		# the host id of a host (C1, c1, ...)
	case ${1^^} in
	C1) uuid 101 ;; C2) uuid 102 ;; G1) uuid 103 ;; G2) uuid 104 ;;
	G3) uuid 105 ;;
	esac
}
# mwd_start NS: midwayd in NS, its state in $D/NS, log $OUT/midwayd.NS.log.
mwd_start() {
	local h=$1
	mkdir -p "$D/$h"
	hid "$h" >"$D/$h/host-id"
	ip netns exec "$h" "$MWD" -c /dev/null --zk "$ZK_BIND:2181" \
		--underlay "$(ul_addr "$h")" --host-name "${h^^}" \
		--state-dir "$D/$h" --status-socket "$D/$h/sock" \
		--session-timeout 4000 \
		--zk-credentials "$D/controller.cred" >>"$OUT/midwayd.$h.log" 2>&1 &
	MWD_PID[$h]=$!
}
# alive: how many hosts ZooKeeper has alive (their controllers' sessions).
alive() { mwtopo -j host list | jq '[.[] | select(.alive)] | length'; }
all_alive() { [ "$(alive 2>/dev/null)" = 5 ]; }

# demo_cleanup: the controllers, ZooKeeper (its log kept in $OUT).
demo_cleanup() {
	local h
	for h in "${!MWD_PID[@]}"; do kill "${MWD_PID[$h]}" 2>/dev/null; done
	[ -z "$ZK_DIR" ] || cat "$ZK_DIR"/zk*.log >"$OUT/zookeeper.log" 2>/dev/null
	zk_cleanup
}

# clock: the time of day in seconds, as midwayd's log has it.
clock() { date +%H:%M:%S.%N | awk -F: '{ printf "%.3f", $1 * 3600 + $2 * 60 + $3 }'; }
# last_change NS T: how long after T (clock) NS's controller made its last
# change to its kernel, from its log.
last_change() {
	awk -v t="$2" '/ kernel: [0-9]+ changes in / {
		split($1, c, ":"); s = c[1] * 3600 + c[2] * 60 + c[3]
		if (s >= t) last = s }
		END { if (last) printf "%.1f s", last - t; else printf "none" }' "$OUT/midwayd.$1.log"
}
# changes_after T NS...: last_change of each NS, "C1 0.4 s, C2 0.5 s".
changes_after() {
	local t=$1 h sep=
	shift
	for h; do printf '%s%s %s' "$sep" "${h^^}" "$(last_change "$h" "$t")"; sep=", "; done
}

# --- The kernels against ZooKeeper ------------------------------------------------
# zk_snapshot: the topology as ZooKeeper holds it now, in $D/zk.json.
zk_snapshot() {
	{
		echo '{"routers":'; mwtopo -j router list
		echo ',"ports":'; mwtopo -j port list
		echo ',"routes":'; mwtopo -j route list
		echo ',"hosts":'; mwtopo -j host list
		echo '}'
	} >"$D/zk.json"
}
# kernel_dump NS: NS's kernel objects, in $D/k.{router,port,route,host}.NS.json.
kernel_dump() {
	local o
	for o in router port route host; do
		mw_in "$1" -j "$o" show >"$D/k.$o.$1.json" 2>/dev/null || return 1
	done
}
# synced NS: NS's kernel holds as many routes as ZooKeeper, as many of
# them active as ZooKeeper says are used (cheap: for waiting).
synced() {
	local want
	want=$(jq -r '[.routes | length, ([.[] | select(.used)] | length)] | join(" ")' "$D/zk.json")
	[ "$(mw_in "$1" -j route show | jq -r '[length, ([.[] | select(.active)] | length)] | join(" ")')" = "$want" ]
}
all_synced() {
	local h
	for h in $HOSTS; do synced "$h" || return 1; done
}
# matches NS: NS's kernel against ZooKeeper, object by object
# (selftests/topo_compare.py); the differences in $D/diff.NS.
matches() {
	kernel_dump "$1" &&
		python3 selftests/topo_compare.py "$D/zk.json" "$(hid "$1")" \
			"$D/k.router.$1.json" "$D/k.port.$1.json" \
			"$D/k.route.$1.json" "$D/k.host.$1.json" >"$D/diff.$1"
}
# kernel_table: per host, what its kernel holds, and whether it is exactly
# what ZooKeeper holds.
kernel_table() {
	local h m
	zk_snapshot
	printf '  %-5s %-8s %-6s %-16s %-14s %s\n' host routers ports \
		"routes (active)" "tunnel peers" "= ZooKeeper?"
	for h in $HOSTS; do
		if matches "$h"; then m=yes; else m="NO (see the log)"; cat "$D/diff.$h" >>"$LOG"; fi
		printf '  %-5s %-8s %-6s %-16s %-14s %s\n' "${h^^}" \
			"$(jq length "$D/k.router.$h.json")" \
			"$(jq length "$D/k.port.$h.json")" \
			"$(jq -r '"\(length) (\([.[] | select(.active)] | length))"' "$D/k.route.$h.json")" \
			"$(jq -r '[.[] | select(.local | not) | .name] | join(",")' "$D/k.host.$h.json")" \
			"$m"
	done
}

# --- The provider's default routes ------------------------------------------------
# uplink_routes: per host, the state of its kernel's three default routes.
uplink_routes() {
	local h
	printf '  %-5s %-10s %-10s %s\n' host uplink1 uplink2 uplink3
	for h in $HOSTS; do
		# shellcheck disable=SC2046,SC2183  # three words
		printf '  %-5s %-10s %-10s %s\n' "${h^^}" $(mw_in "$h" -j route show router provider |
			jq -r '[.[] | select(.dst == "0.0.0.0/0")] | sort_by(.port) |
				.[] | if .active then "active" else "inactive" end')
	done
}
# uplink2_is VALUE: uplink2's default route is VALUE (true: active) on
# every host.
uplink2_is() {
	local h
	for h in $HOSTS; do
		[ "$(mw_in "$h" -j route show router provider |
			jq -r '.[] | select(.dst == "0.0.0.0/0" and .port == "uplink2") | .active')" = "$1" ] ||
			return 1
	done
}

# --- Counters ---------------------------------------------------------------------
# host_stats NS FILE: NS's tunnel counters per host; port_stats NS PORT FILE.
host_stats() { mw_in "$1" -j host stats >"$2"; }
# tunnel_delta BEFORE AFTER HOST: "sent +N, received +N", packets C1
# exchanged with HOST between the two.
tunnel_delta() {
	jq -rn --slurpfile a "$1" --slurpfile b "$2" --arg h "$3" '
		def c($x; $d): ([$x[0][] | select(.name == $h) | .stats[$d].packets // 0] | add) // 0;
		"sent +\(c($b; "tx") - c($a; "tx")), received +\(c($b; "rx") - c($a; "rx"))"'
}
# uplink_counters FILE: each gateway's uplink port counters, one line each:
# "txpackets rxpackets".
uplink_counters() {
	local i
	for i in 1 2 3; do
		mw_in "g$i" -j port stats "uplink$i" |
			jq -r '.[0] | "\(.stats.tx.packets // 0) \(.stats.rx.packets // 0)"'
	done >"$1"
}

# flows NAME N: N UDP flows from VM1 to upstream, one datagram each, answered
# by upstream through the uplink each came by; prints per uplink the flows
# upstream saw on it, what its gateway's kernel counted on the uplink port
# and C1's kernel tunnelled to that gateway, and the replies VM1 got.
flows() {
	local name=$1 n=$2 i rp
	uplink_counters "$D/$name.up0"
	host_stats c1 "$D/$name.c10"
	rm -f "$D/$name.ready"
	ip netns exec upstream python3 tools/demo-flows.py respond "$D" "$name" 2>>"$LOG" &
	rp=$!
	wait_for 30 test -e "$D/$name.ready" || die "upstream's responder did not start"
	ip netns exec vm1 python3 tools/demo-flows.py send "$D" "$name" "$n" 2>>"$LOG" ||
		die "the flows could not be sent"
	wait "$rp"
	uplink_counters "$D/$name.up1"
	host_stats c1 "$D/$name.c11"
	printf '  %-8s %-8s %-14s %-28s %s\n' uplink gateway "flows (seen" "gateway's uplink port" "C1 tunnelled"
	printf '  %-8s %-8s %-14s %-28s %s\n' "" "" "by upstream)" "(sent up, replies back)" "to the gateway"
	for i in 1 2 3; do
		printf '  %-8s %-8s %-14s %-28s %s\n' "uplink$i" "G$i" \
			"$(jq -r --arg u "up$i" '[.flows[] | select(. == [$u])] | length' "$D/$name.up.json")" \
			"$(paste -d' ' "$D/$name.up0" "$D/$name.up1" | sed -n "${i}p" |
				awk '{ printf "+%d, +%d", $3 - $1, $4 - $2 }')" \
			"$(tunnel_delta "$D/$name.c10" "$D/$name.c11" "G$i" | sed 's/^sent \([^,]*\),.*/\1/')"
	done
	printf '  (A port counts the ARP it sends and receives too.)\n'
	printf '  VM1 got %s replies to its %s datagrams.\n' \
		"$(jq -r .got "$D/$name.vm.json")" "$n"
}
# moved A B: of the flows upstream saw in phase A, how many kept their
# uplink in phase B, and how many moved from each uplink to which.
moved() {
	jq -rn --slurpfile a "$D/$1.up.json" --slurpfile b "$D/$2.up.json" '
		$a[0].flows as $x | $b[0].flows as $y |
		[$x | keys[] | select($y[.] == $x[.])] | length as $kept |
		[$x | keys[] | select($y[.] != $x[.]) |
			"\($x[.] | join(",") | sub("^up"; "uplink")) to \($y[.] // ["nowhere"] | join(",") | sub("^up"; "uplink"))"] |
		group_by(.) | map("\(length) from \(.[0])") | join("; ") as $m |
		"\($kept) kept their uplink" + (if $m == "" then "" else "; moved: \($m)" end)'
}
