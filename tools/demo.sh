#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# make demo (after make deps): build midway.ko for Debian's 6.1 kernel and
# the tools, quietly (the output in build/demo/build.log), then boot a VM
# that tells the seed's story (tools/demo-guest.sh): ZooKeeper, a midwayd
# per host, the operator's mwtopo commands. The logs the story does not
# show (its hidden commands, midwayd's, ZooKeeper's) end up in build/demo/.
set -euo pipefail
cd "$(dirname "$0")/.."
logdir=build/demo
rm -rf "$logdir"
mkdir -p "$logdir"

echo "Building midway.ko (for Debian's 6.1 kernel), mwctl, mwtopo and midwayd" \
	"(make all; its output in $logdir/build.log) ..."
if ! ${MAKE:-make} all >"$logdir/build.log" 2>&1; then
	tail -n 20 "$logdir/build.log" >&2
	echo "The build failed: see $logdir/build.log." >&2
	exit 1
fi
echo "Booting a VM (Debian's 6.1 kernel under qemu) with midway.ko loaded ..."
rc=0
tools/vm/run --timeout 480 --out "$logdir" -e DEMO_LOGDIR="$logdir" \
	-- tools/demo-guest.sh || rc=$?
if ((rc != 0)); then
	echo "The demo failed (exit $rc); logs in $logdir/." >&2
fi
exit "$rc"
