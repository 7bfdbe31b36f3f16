#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# make lint: the kernel's own checks on the module, for both kernels:
# checkpatch --strict (taken from Debian's linux-source by tools/deps.sh),
# sparse (C=1) and W=1 builds that must print no warning.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
rc=0

cp=build/linux-src/scripts/checkpatch.pl
if [ -x "$cp" ] || [ -f "$cp" ]; then
	echo "lint: checkpatch --strict"
	perl "$cp" --strict --no-tree --terse --show-types \
		--ignore FILE_PATH_CHANGES,SPDX_LICENSE_TAG,LINUX_VERSION_CODE \
		-f kmod/*.c kmod/*.h uapi/linux/*.h || rc=1
else
	echo "lint: $cp missing: run 'make deps'"; rc=1
fi

for kdir in /lib/modules/6.1.*-amd64/build /lib/modules/6.12.*-amd64/build; do
	[ -d "$kdir" ] || continue
	echo "lint: W=1 C=1 against $kdir"
	touch kmod/*.c
	out=$(make -s module KDIR="$kdir" KBUILD_ARGS="W=1 C=1" 2>&1 |
	      grep -v "Skipping BTF generation")
	if [ -n "$out" ]; then echo "$out"; rc=1; fi
done
[ $rc -eq 0 ] && echo "lint: clean"
exit $rc
