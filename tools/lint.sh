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
	ignore=FILE_PATH_CHANGES,SPDX_LICENSE_TAG,LINUX_VERSION_CODE
	perl "$cp" --strict --no-tree --terse --show-types --ignore "$ignore" \
		-f $(ls kmod/*.c kmod/*.h uapi/linux/*.h | grep -v "stats\.[ch]") || rc=1
	# An X-macro list (as the kernel's own net/dropreason-core.h) is a
	# macro checkpatch cannot parse as an expression; only for that file.
	perl "$cp" --strict --no-tree --terse --show-types \
		--ignore "$ignore,COMPLEX_MACRO,MACRO_ARG_REUSE,MACRO_ARG_UNUSED" \
		-f kmod/stats.h kmod/stats.c || rc=1
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
