# SPDX-License-Identifier: GPL-2.0
#
# The controller's benchmarks, included by the top Makefile after
# bench_fwd.mk (whose bench-fwd-build builds the module for BENCH_KERNEL and
# mwctl). They run midwayd and a ZooKeeper in a TCG VM (tools/vm/run) and
# print figures; they do not pass or fail on them.
# Documentation/benchmarks.md explains them.
#
#   make bench-controller        convergence (5 hosts, then the scale
#                                series) and start-up, below
#   make bench-controller-conv   carrier down/up on an uplink to the route's
#                                state in every other host's kernel, 5 hosts
#   make bench-controller-scale  the same at 25, 50, 100 hosts, with
#                                ZooKeeper's load and midwayd's memory
#   make bench-controller-start  a controller joining a 100 000-route
#                                topology until its kernel matches
#
# Variables: BENCH_KERNEL (6.1), BENCH_CONV_TRIALS (50),
# BENCH_SCALE_HOSTS ("25 50 100"), BENCH_START_ROUTES (100000). Output in
# build/bench/controller/.

BENCH_CONV_TRIALS	?= 50
BENCH_SCALE_HOSTS	?= 25 50 100
BENCH_START_ROUTES	?= 100000

CONV_PROBE	:= $(BUILD)/bench/conv_probe
ZK_LOAD		:= $(BUILD)/bench/zk_load
CONTROLLER_BENCH_OBJS := $(BUILD)/obj/tools/bench/conv_probe.o \
			 $(BUILD)/obj/tools/bench/zk_load.o
USERSPACE_CFLAGS_tools_bench = $(CJSON_CFLAGS) $(ZK_CFLAGS)

.PHONY: bench-controller bench-controller-build bench-controller-conv \
	bench-controller-scale bench-controller-start

bench: bench-controller

bench-controller-build: bench-fwd-build $(CONV_PROBE) $(ZK_LOAD)

$(CONV_PROBE): $(BUILD)/obj/tools/bench/conv_probe.o $(LIBMIDWAY)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< $(LIBMIDWAY) $(NL_LIBS)

$(ZK_LOAD): $(BUILD)/obj/tools/bench/zk_load.o $(LIBMIDWAY)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< $(LIBMIDWAY) $(NL_LIBS) \
		$(CJSON_LIBS) $(ZK_LIBS) $(CRYPTO_LIBS) -lpthread

CONTROLLER_BENCH = $(ROOT)/tools/bench/controller_bench.sh \
	--kernel $(BENCH_KERNEL) --out $(BUILD)/bench/controller

bench-controller: bench-controller-build
	$(CONTROLLER_BENCH) --trials $(BENCH_CONV_TRIALS) conv 5
	$(CONTROLLER_BENCH) --trials $(BENCH_CONV_TRIALS) scale $(BENCH_SCALE_HOSTS)
	$(CONTROLLER_BENCH) --routes $(BENCH_START_ROUTES) start

bench-controller-conv: bench-controller-build
	$(CONTROLLER_BENCH) --trials $(BENCH_CONV_TRIALS) conv 5

bench-controller-scale: bench-controller-build
	$(CONTROLLER_BENCH) --trials $(BENCH_CONV_TRIALS) scale $(BENCH_SCALE_HOSTS)

bench-controller-start: bench-controller-build
	$(CONTROLLER_BENCH) --routes $(BENCH_START_ROUTES) start

-include $(CONTROLLER_BENCH_OBJS:.o=.d)
