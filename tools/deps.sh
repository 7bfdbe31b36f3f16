#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# tools/deps.sh - install what building and testing midway needs (make deps).
#
# 1. Debian packages: installs the missing ones of PACKAGES with apt-get
#    (through sudo unless root).  Nothing is touched when all are present.
# 2. The kselftest headers, net/lib.sh, the YNL tools and the netlink specs
#    of Linux 6.12, taken from Debian's linux-source-6.12 package: downloaded
#    once into build/cache/ and the few files needed unpacked into
#    build/linux-src/.  Skipped when already there.
#
# Idempotent; prints one line per action.  Meant for Debian 12 (bookworm)
# with the bookworm-security suite enabled (6.12 images come from there).
# Environment: BUILD_DIR (default <repo>/build).

set -euo pipefail

REPO=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd -P)
BUILD_DIR=${BUILD_DIR:-$REPO/build}
CACHE_DIR=$BUILD_DIR/cache
SRC_DIR=$BUILD_DIR/linux-src

PACKAGES=(
	# build
	build-essential pkg-config sparse bc xz-utils zstd
	# the debug kernel (tools/vm/debug-kernel.sh)
	flex bison libelf-dev
	# kernels for the test VMs (6.1 LTS and 6.12 LTS) and their headers
	linux-image-amd64 linux-headers-amd64
	linux-image-6.12-amd64 linux-headers-6.12-amd64
	# the VM runner (tools/vm/run)
	qemu-system-x86 busybox-static kmod util-linux
	# userspace libraries
	libnl-3-dev libnl-genl-3-dev libcjson-dev libzookeeper-mt-dev libssl-dev
	libdpdk-dev zookeeper
	# YNL (run with /usr/bin/python3)
	python3-yaml python3-jsonschema
	# test tools (tshark: selftests/tunnel.sh decodes VXLAN with it; its
	# debconf question, non-root capture, takes its default "no" under
	# DEBIAN_FRONTEND=noninteractive below)
	iproute2 iputils-ping traceroute tcpdump iperf3 netsniff-ng jq tshark
	# make bench draws its distributions
	gnuplot-nox
)

# The files taken from linux-source-6.12 (tar patterns under its top dir).
SRC_PKG=linux-source-6.12
SRC_PATTERNS=(
	'tools/net/ynl/*'
	'tools/testing/selftests/kselftest*'
	'tools/testing/selftests/net/lib.sh'
	'Documentation/netlink/*'
	'scripts/checkpatch.pl'
	'scripts/spelling.txt'
	'scripts/const_structs.checkpatch'
)
# Present when the extraction is complete.
SRC_CHECK=(
	tools/net/ynl/cli.py
	tools/testing/selftests/kselftest.h
	tools/testing/selftests/kselftest_harness.h
	tools/testing/selftests/net/lib.sh
	Documentation/netlink/specs/netdev.yaml
	scripts/checkpatch.pl
)

say() { echo "deps: $*"; }
die() { echo "deps: error: $*" >&2; exit 1; }

SUDO=()
if [[ $(id -u) -ne 0 ]]; then
	command -v sudo >/dev/null || die "not root and no sudo"
	SUDO=(sudo)
fi
# Wait for a concurrent apt/dpkg instead of failing on its lock.
APT=("${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -q
	-o DPkg::Lock::Timeout=600)

# ---------------------------------------------------------------- packages
installed() {
	[[ $(dpkg-query -W -f='${Status}' "$1" 2>/dev/null) == "install ok installed" ]]
}

missing=()
for p in "${PACKAGES[@]}"; do
	installed "$p" || missing+=("$p")
done
if [[ ${#missing[@]} -eq 0 ]]; then
	say "all ${#PACKAGES[@]} packages installed"
else
	say "installing ${missing[*]}"
	"${APT[@]}" update
	"${APT[@]}" install -y --no-install-recommends "${missing[@]}"
fi

# ---------------------------------------------------------------- linux-src
src_complete() {
	local f
	for f in "${SRC_CHECK[@]}"; do
		[[ -e $SRC_DIR/$f ]] || return 1
	done
}

if src_complete; then
	say "$SRC_DIR up to date"
	exit 0
fi

mkdir -p "$CACHE_DIR"
shopt -s nullglob
debs=("$CACHE_DIR/${SRC_PKG}_"*.deb)
if [[ ${#debs[@]} -eq 0 ]]; then
	say "downloading $SRC_PKG into $CACHE_DIR"
	# Sandbox user root: as root, _apt may not be able to write here.
	# Retry after 'apt-get update' if the package lists are empty or stale.
	dl() { (cd "$CACHE_DIR" && apt-get -q -o APT::Sandbox::User=root download "$SRC_PKG"); }
	if ! dl; then
		say "apt-get update, then retrying the download"
		"${APT[@]}" update
		dl
	fi
	debs=("$CACHE_DIR/${SRC_PKG}_"*.deb)
	[[ ${#debs[@]} -gt 0 ]] || die "apt-get download $SRC_PKG left no .deb in $CACHE_DIR"
fi
# Newest if several versions accumulated.
deb=$(printf '%s\n' "${debs[@]}" | sort -V | tail -n 1)

say "extracting ${SRC_PATTERNS[*]} from $(basename "$deb") into $SRC_DIR"
tmp=$(mktemp -d "$BUILD_DIR/.linux-src.XXXXXX")
chmod 755 "$tmp"	# mktemp makes it 0700; unprivileged tests read it
trap 'rm -rf "$tmp"' EXIT
patterns=()
for p in "${SRC_PATTERNS[@]}"; do patterns+=("$SRC_PKG/$p"); done
# The .deb holds /usr/src/linux-source-6.12.tar.xz; stream it out of the
# package's data tarball into a second tar that keeps only the patterns.
dpkg-deb --fsys-tarfile "$deb" |
	tar -xO "./usr/src/$SRC_PKG.tar.xz" |
	tar -xJ -C "$tmp" --strip-components=1 --wildcards "${patterns[@]}"
# Replace the old tree (if any) in one step so a half-done run never counts.
for f in "${SRC_CHECK[@]}"; do
	[[ -e $tmp/$f ]] || die "$f is not in $(basename "$deb")"
done
rm -rf "$SRC_DIR"
mv "$tmp" "$SRC_DIR"
trap - EXIT
say "$SRC_DIR ready"
