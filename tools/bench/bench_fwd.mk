# SPDX-License-Identifier: GPL-2.0
#
# Forwarding-datapath benchmarks (issue 3), included by the top Makefile
# after userspace/userspace.mk, which provides libmidway.a and the rule for
# objects. Both run in a TCG VM (tools/vm/run); they print figures, they do
# not pass or fail on them. Documentation/benchmarks.md explains them.
#
#   make bench-fwd       both benchmarks below, on BENCH_KERNEL (6.1)
#   make bench-fwd-rate  forwarding rate, midway vs Linux IPv4 forwarding
#   make bench-fwd-routes  route install rate, netlink batch vs ip -batch
#
# Variables: BENCH_KERNEL (6.1 or 6.12), BENCH_ROUTES (100000),
# BENCH_ROUNDS (6), BENCH_INTERVAL (5).

BENCH_KERNEL	?= 6.1
BENCH_ROUTES	?= 100000
BENCH_ROUNDS	?= 6
BENCH_INTERVAL	?= 5

ROUTE_BENCH	:= $(BUILD)/bench/route_bench
ROUTE_BENCH_OBJS := $(BUILD)/obj/tools/bench/route_bench.o

.PHONY: bench-fwd bench-fwd-rate bench-fwd-routes bench-fwd-build

bench: bench-fwd

# The module for the kernel the VM boots, mwctl, route_bench.
bench-fwd-build: userspace $(ROUTE_BENCH)
	$(MAKE) -C $(ROOT) module KDIR=$(if $(filter 6.12%,$(BENCH_KERNEL)),$(KDIR_612),$(KDIR_61))

$(ROUTE_BENCH): $(ROUTE_BENCH_OBJS) $(LIBMIDWAY)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $(ROUTE_BENCH_OBJS) $(LIBMIDWAY) $(NL_LIBS)

bench-fwd: bench-fwd-build
	$(ROOT)/tools/bench/fwd_bench.sh --kernel $(BENCH_KERNEL) \
		--rounds $(BENCH_ROUNDS) --interval $(BENCH_INTERVAL)
	$(ROOT)/tools/bench/route_bench.sh --kernel $(BENCH_KERNEL) \
		--routes $(BENCH_ROUTES)

bench-fwd-rate: bench-fwd-build
	$(ROOT)/tools/bench/fwd_bench.sh --kernel $(BENCH_KERNEL) \
		--rounds $(BENCH_ROUNDS) --interval $(BENCH_INTERVAL)

bench-fwd-routes: bench-fwd-build
	$(ROOT)/tools/bench/route_bench.sh --kernel $(BENCH_KERNEL) \
		--routes $(BENCH_ROUTES)

-include $(ROUTE_BENCH_OBJS:.o=.d)
