# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# selftests/zklib.sh - run throwaway ZooKeeper servers for a test: one, or
# an ensemble of N on 127.0.0.1, each a Java process of Debian's zookeeper
# package (see the ZooKeeper section of /work/shared/FACTS.md). Sourcing
# this defines functions and runs nothing:
#
#   . selftests/zklib.sh
#   zk_trap                        # zk_cleanup on EXIT (or call it yourself)
#   zk_start 3 || exit 1           # three servers, waits until all serve
#   mwtopo --zk "$(zk_connect_string)" ...
#   zk_stop 2; zk_restart 2        # one server of the ensemble
#
# Everything lives in one temporary directory on tmpfs ($ZK_DIR: configs,
# data, logs), removed by zk_cleanup. Servers listen on 127.0.0.1 only:
# clients on ZK_PORT_BASE, +1, ... (default 2181), quorum and election on
# ZK_PEER_BASE+i and ZK_ELECTION_BASE+i. tickTime is 200 ms, so a client
# may ask for sessions from 400 ms up to 60 s (2 to 4 s is what the
# controllers' tests use); maxClientCnxns is raised because every
# controller of a test VM connects from the same address.
#
# Startup takes ~0.5 s on the build host and ~11 s in a TCG VM: zk_start
# waits up to ZK_WAIT seconds (default 60) for each server to answer
# "srvr" as standalone, leader or follower. The JVM is kept small
# (-Xmx128m, serial GC, C1 only), which also makes it start faster.

ZK_BIND=${ZK_BIND:-127.0.0.1}	# the client address (another, for netns)
ZK_PORT_BASE=${ZK_PORT_BASE:-2181}
ZK_PEER_BASE=${ZK_PEER_BASE:-12880}
ZK_ELECTION_BASE=${ZK_ELECTION_BASE:-13880}
ZK_WAIT=${ZK_WAIT:-60}
ZK_JAVA=${ZK_JAVA:-java}
ZK_CLASSPATH=${ZK_CLASSPATH:-/etc/zookeeper/conf:/usr/share/java/zookeeper.jar}
# The four-letter words the servers answer (4lw.commands.whitelist); a
# benchmark adds wchs and cons to read the watches and the connections.
ZK_4LW=${ZK_4LW:-srvr,ruok,stat,mntr}
ZK_DIR=
ZK_N=0
ZK_PIDS=()

# A directory on tmpfs: /tmp in the test VM, else /dev/shm if usable.
_zk_tmpdir() {
	if [ "$(stat -f -c %T /tmp 2>/dev/null)" = tmpfs ]; then
		echo /tmp
	elif [ -d /dev/shm ] && [ -w /dev/shm ]; then
		echo /dev/shm
	else
		echo "${TMPDIR:-/tmp}"
	fi
}

zk_port() { echo $((ZK_PORT_BASE + $1 - 1)); }

# zk_connect_string: 127.0.0.1:P1,127.0.0.1:P2,... of every server started.
zk_connect_string() {
	local i s=
	for ((i = 1; i <= ZK_N; i++)); do
		s=${s:+$s,}$ZK_BIND:$(zk_port "$i")
	done
	echo "$s"
}

# zk_srvr I: what server I answers to the four-letter word "srvr"
# (bash's /dev/tcp: no client needed), empty if it does not.
zk_srvr() {
	timeout 3 bash -c 'exec 3<>/dev/tcp/'"$ZK_BIND/$(zk_port "$1")"' &&
		printf srvr >&3 && cat <&3' 2>/dev/null
}

# zk_serving I: true if server I serves clients.
zk_serving() { zk_srvr "$1" | grep -Eq '^Mode: (standalone|leader|follower)'; }
# zk_mode I: standalone, leader, follower, or nothing.
zk_mode() { zk_srvr "$1" | sed -n 's/^Mode: //p'; }

_zk_config() {	# I
	local i=$1 k
	mkdir -p "$ZK_DIR/data$i"
	{
		echo "tickTime=200"
		echo "initLimit=150"
		echo "syncLimit=50"
		echo "minSessionTimeout=400"
		echo "maxSessionTimeout=60000"
		echo "dataDir=$ZK_DIR/data$i"
		echo "clientPort=$(zk_port "$i")"
		echo "clientPortAddress=$ZK_BIND"
		echo "admin.enableServer=false"
		echo "maxClientCnxns=2000"
		echo "4lw.commands.whitelist=$ZK_4LW"
		echo "autopurge.purgeInterval=0"
		if ((ZK_N > 1)); then
			echo "standaloneEnabled=false"
			echo "cnxTimeout=1000"
			for ((k = 1; k <= ZK_N; k++)); do
				echo "server.$k=127.0.0.1:$((ZK_PEER_BASE + k)):$((ZK_ELECTION_BASE + k))"
			done
		fi
	} >"$ZK_DIR/zoo$i.cfg"
	if ((ZK_N > 1)); then echo "$i" >"$ZK_DIR/data$i/myid"; fi
}

_zk_launch() {	# I
	local i=$1
	# shellcheck disable=SC2086  # ZK_JAVA_OPTS is words
	"$ZK_JAVA" -Xmx128m -Xms16m -Xss512k -XX:+UseSerialGC \
		-XX:TieredStopAtLevel=1 ${ZK_JAVA_OPTS:-} \
		-Dzookeeper.root.logger=WARN,CONSOLE \
		-Dzookeeper.log.dir="$ZK_DIR" \
		-Dzookeeper.jmx.log4j.disable=true \
		-cp "$ZK_CLASSPATH" \
		org.apache.zookeeper.server.quorum.QuorumPeerMain \
		"$ZK_DIR/zoo$i.cfg" >>"$ZK_DIR/zk$i.log" 2>&1 </dev/null &
	ZK_PIDS[i]=$!
}

# zk_wait I...: wait until each server serves; false (with its log's
# tail on stderr) if one does not within ZK_WAIT seconds.
zk_wait() {
	local i t
	for i in "$@"; do
		t=$((ZK_WAIT * 5))
		until zk_serving "$i"; do
			if ((t-- <= 0)) || ! kill -0 "${ZK_PIDS[i]:-0}" 2>/dev/null; then
				echo "zklib: server $i not serving on port $(zk_port "$i")" >&2
				tail -n 20 "$ZK_DIR/zk$i.log" >&2
				return 1
			fi
			sleep 0.2
		done
	done
}

# zk_start [N]: start N servers (default 1; N > 1: an ensemble) and wait
# until all serve.
zk_start() {
	local n=${1:-1} i all=()
	if [ -n "$ZK_DIR" ]; then
		echo "zklib: servers started already" >&2
		return 1
	fi
	ZK_DIR=$(mktemp -d "$(_zk_tmpdir)/zk.XXXXXX") || return 1
	ZK_N=$n
	for ((i = 1; i <= n; i++)); do
		_zk_config "$i"
		_zk_launch "$i"
		all+=("$i")
	done
	zk_wait "${all[@]}"
}

# The servers named ($1), or all: into "list" (the caller's local). No
# process substitution: the test VM has no /dev/fd.
_zk_list() {
	local i
	list=()
	if [ $# -gt 0 ]; then list=("$1"); return; fi
	for ((i = 1; i <= ZK_N; i++)); do list+=("$i"); done
}

# zk_stop [I]: stop server I (default: all of them), SIGTERM then SIGKILL.
zk_stop() {
	local i pid t list
	_zk_list "$@"
	for i in "${list[@]}"; do
		pid=${ZK_PIDS[i]:-}
		[ -n "$pid" ] || continue
		kill "$pid" 2>/dev/null
		t=50
		while kill -0 "$pid" 2>/dev/null && ((t-- > 0)); do sleep 0.1; done
		kill -9 "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
		ZK_PIDS[i]=
	done
}

# zk_restart [I]: stop and start server I (default: all), keeping its data;
# waits until it serves again.
zk_restart() {
	local i list
	_zk_list "$@"
	zk_stop "$@"
	for i in "${list[@]}"; do _zk_launch "$i"; done
	zk_wait "${list[@]}"
}

# zk_cleanup: stop every server, remove $ZK_DIR. Safe to call twice.
zk_cleanup() {
	[ -n "$ZK_DIR" ] || return 0
	zk_stop
	rm -rf "$ZK_DIR"
	ZK_DIR='' ZK_N=0 ZK_PIDS=()
}

# zk_trap [CMD...]: on EXIT, run the commands given (a test's own cleanup,
# one string each) and then zk_cleanup. INT and TERM exit, so EXIT runs.
zk_trap() {
	local c s=
	for c in "$@"; do s+="$c; "; done
	# shellcheck disable=SC2064  # expanded now, on purpose
	trap "${s}zk_cleanup" EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM
}
