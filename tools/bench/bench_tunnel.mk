# SPDX-License-Identifier: GPL-2.0
#
# The tunnel benchmark, included by the top Makefile after bench_fwd.mk
# (whose bench-fwd-build builds the module for BENCH_KERNEL and mwctl). It
# runs in a TCG VM (tools/vm/run) and prints figures and ratios, midway vs
# Linux VXLAN, VM to VM across two hosts; it does not pass or fail on them.
# Documentation/benchmarks.md explains it.
#
#   make bench-tunnel    64-byte UDP pps and iperf3 TCP, midway vs Linux
#
# Variables: BENCH_KERNEL (6.1), BENCH_TUNNEL_ROUNDS (5),
# BENCH_TUNNEL_ARGS (more options of tools/bench/tunnel_bench.sh, e.g.
# --no-icount or --perf). Output in build/bench/tunnel/.

BENCH_TUNNEL_ROUNDS	?= 5
BENCH_TUNNEL_ARGS	?=

.PHONY: bench-tunnel

bench: bench-tunnel

bench-tunnel: bench-fwd-build
	$(ROOT)/tools/bench/tunnel_bench.sh --kernel $(BENCH_KERNEL) \
		--rounds $(BENCH_TUNNEL_ROUNDS) --out $(BUILD)/bench/tunnel \
		$(BENCH_TUNNEL_ARGS)
