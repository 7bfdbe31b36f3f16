#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# make demo: boot a VM with midway.ko and build the seed's scenario, the
# Provider Router with three uplinks and three ECMP default routes.
set -euo pipefail
cd "$(dirname "$0")/.."
exec tools/vm/run --timeout 300 -- tools/demo-guest.sh
