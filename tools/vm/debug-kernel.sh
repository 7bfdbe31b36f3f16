#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# tools/vm/debug-kernel.sh - build (once) the debug kernel of the test VMs.
#
#   tools/vm/debug-kernel.sh          build it unless cached; print its dir
#   tools/vm/debug-kernel.sh --dir    print its dir if it is built, else fail
#   tools/vm/debug-kernel.sh --key    print the cache key
#
# The kernel is Debian's linux-source-6.12 (the .deb that 'make deps' keeps
# in build/cache/), configured with 'make tinyconfig' plus the fragment
# tools/vm/debug.config (every VM driver built in; KASAN, lockdep, PROVE_RCU,
# DEBUG_PREEMPT, DEBUG_ATOMIC_SLEEP, kmemleak, fault injection).  Every
# option of the fragment must survive 'make olddefconfig', or the build
# fails.  It is cached outside the clone, in
#
#   ${MW_KCACHE:-/var/cache/midway}/debug-kernel-<key>/
#
# where <key> hashes the fragment, the source package's version, the
# compiler and RECIPE below, so a machine builds it once and every clone
# reuses it.  The build happens in a temp dir under an flock and is renamed
# into place when complete: a half build never counts, concurrent callers
# wait for the first.  The dir holds:
#
#   src/        the built tree: 'make -C <dir>/src M=...' builds modules
#               against it (Module.symvers, .config, scripts, objtool)
#   vmlinux     the uncompressed kernel (PVH entry: qemu boots it directly)
#   bzImage     the same, compressed
#   modules/    'modules_install' of the built-ins (modules.builtin, depmod
#               files), bound to /lib/modules/<release> in the guest so
#               that 'modprobe veth' succeeds
#   release     the kernel release (6.12.N-midway-debug)
#   build-time  seconds the build took; build.log its output
#
# 'make module-debug' runs this and builds midway.ko against src/;
# 'tools/vm/run --kernel debug' boots it.  See Documentation/vm.md.

set -euo pipefail

# Bump when the way the kernel is built changes (forces a rebuild).
RECIPE=1
LOCALVERSION=-midway-debug

SELF=$(readlink -f "${BASH_SOURCE[0]}")
REPO=$(cd "$(dirname "$SELF")/../.." && pwd -P)
FRAGMENT=$REPO/tools/vm/debug.config
KCACHE=${MW_KCACHE:-/var/cache/midway}
SRC_PKG=linux-source-6.12

say() { echo "debug-kernel: $*" >&2; }
die() { echo "debug-kernel: error: $*" >&2; exit 1; }

mode=build
case ${1:-} in
"") ;;
--dir) mode=dir ;;
--key) mode=key ;;
-h | --help) sed -n '4,8s/^# \{0,1\}//p' "$SELF"; exit 0 ;;
*) die "unknown argument '$1' (see --help)" ;;
esac

# The source package: the newest one 'make deps' downloaded.
shopt -s nullglob
debs=("$REPO/build/cache/${SRC_PKG}_"*.deb)
shopt -u nullglob
((${#debs[@]})) || die "no $SRC_PKG .deb in build/cache/: run 'make deps'"
deb=$(printf '%s\n' "${debs[@]}" | sort -V | tail -n 1)
deb_ver=$(basename "$deb" .deb)
deb_ver=${deb_ver#"${SRC_PKG}_"}
deb_ver=${deb_ver%_all}

cc_ver=$(gcc --version | head -n 1)
key=$({
	echo "recipe $RECIPE $LOCALVERSION"
	echo "source $SRC_PKG $deb_ver"
	echo "cc $cc_ver"
	cat "$FRAGMENT"
} | sha256sum | cut -c1-16)
dir=$KCACHE/debug-kernel-$key

complete() { [[ -s $dir/release && -s $dir/src/Module.symvers && -s $dir/vmlinux ]]; }

case $mode in
key) echo "$key"; exit 0 ;;
dir)
	complete || die "not built ($dir): run 'make module-debug'"
	echo "$dir"
	exit 0
	;;
esac

if complete; then
	echo "$dir"
	exit 0
fi

mkdir -p "$KCACHE" || die "cannot create $KCACHE (set MW_KCACHE to a writable dir)"
exec 8>"$KCACHE/.debug-kernel-$key.lock"
if ! flock -n 8; then
	say "another build of $dir is running; waiting for it"
	flock 8
fi
if complete; then
	echo "$dir"
	exit 0
fi
# What a killed build of this key left (we hold its lock).
rm -rf "$KCACHE/.debug-kernel-$key.tmp."*

# The option lines of the fragment (and ours), to merge and then check.
options() {
	grep -E '^(CONFIG_[A-Za-z0-9_]+=|# CONFIG_[A-Za-z0-9_]+ is not set$)' "$FRAGMENT"
	printf 'CONFIG_LOCALVERSION="%s"\n' "$LOCALVERSION"
	echo '# CONFIG_LOCALVERSION_AUTO is not set'
}

tmp=$(mktemp -d "$KCACHE/.debug-kernel-$key.tmp.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
log=$tmp/build.log
jobs=$(nproc)
t0=$(date +%s)
say "building the debug kernel from $(basename "$deb") into $dir"
say "(once per machine; about 11 min on 2 cores; log: $log, then $dir/build.log)"

mkdir "$tmp/src"
dpkg-deb --fsys-tarfile "$deb" |
	tar -xO "./usr/src/$SRC_PKG.tar.xz" |
	tar -xJ -C "$tmp/src" --strip-components=1
say "unpacked in $(($(date +%s) - t0)) s"

kmake() { make -C "$tmp/src" -j"$jobs" "$@" >>"$log" 2>&1; }
fail() {
	tail -n 40 "$log" | sed 's/^/debug-kernel: | /' >&2
	die "$*"
}

options >"$tmp/fragment"
kmake tinyconfig || fail "make tinyconfig failed"
"$tmp/src/scripts/kconfig/merge_config.sh" -m -O "$tmp/src" "$tmp/src/.config" \
	"$tmp/fragment" >>"$log" 2>&1 || fail "merge_config.sh failed"
kmake olddefconfig || fail "make olddefconfig failed"

# A missing dependency drops an option without a word: check every line.
bad=0
while IFS= read -r line; do
	case $line in
	CONFIG_*)
		grep -qxF -- "$line" "$tmp/src/.config" && continue
		got=$(grep -E "^(# )?${line%%=*}[= ]" "$tmp/src/.config" || echo "(absent)")
		;;
	*)
		opt=${line#\# }
		opt=${opt%% *}
		grep -q "^$opt=" "$tmp/src/.config" || continue
		got=$(grep "^$opt=" "$tmp/src/.config")
		;;
	esac
	echo "debug-kernel: wanted '$line', .config has '$got'" >&2
	bad=1
done <"$tmp/fragment"
((bad == 0)) || die "tools/vm/debug.config does not apply (a dependency missing?)"

say "configured; building vmlinux, bzImage and Module.symvers (-j$jobs)"
kmake bzImage modules || fail "kernel build failed"
# The built-ins' modules.builtin* and depmod's indexes, for modprobe.
kmake INSTALL_MOD_PATH="$tmp/modroot" modules_install || fail "modules_install failed"
release=$(make -s -C "$tmp/src" kernelrelease)
[[ -d $tmp/modroot/lib/modules/$release ]] || die "modules_install left no lib/modules/$release"
mv "$tmp/modroot/lib/modules/$release" "$tmp/modules"
rm -rf "$tmp/modroot" "$tmp/modules/build" "$tmp/modules/source"
cp "$tmp/src/vmlinux" "$tmp/vmlinux"
cp "$tmp/src/arch/x86/boot/bzImage" "$tmp/bzImage"
cp "$tmp/src/.config" "$tmp/config"
# The objects of the kernel itself are not needed to build modules.
find "$tmp/src" -name '*.o' ! -path "$tmp/src/scripts/*" ! -path "$tmp/src/tools/*" -delete
secs=$(($(date +%s) - t0))
echo "$secs" >"$tmp/build-time"
echo "$release" >"$tmp/release"
chmod 755 "$tmp"

rm -rf "$dir"
mv "$tmp" "$dir"
trap - EXIT
say "built $release in $((secs / 60)) min $((secs % 60)) s: $dir"
echo "$dir"
