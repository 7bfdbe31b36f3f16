# SPDX-License-Identifier: GPL-2.0
#
# The forwarding table (kmod/fib.c) built natively, with the kernel API shim
# of userspace/kcompat/: its unit test and its benchmark against DPDK's
# rte_lpm. Included by the top Makefile, which defines ROOT, BUILD, CC,
# CFLAGS and PKG_CONFIG.
#
#   make fib-test     build $(BUILD)/selftests/fib_test (runs on the host)
#   make check-fib    build it and run it (TAP)
#   make bench-fib    build $(BUILD)/bench/fib_bench and run it (1M prefixes;
#                     rte_lpm's own inserts take a few minutes)
#
# No -march=native: the binaries must run on any machine like this one. On
# x86-64, -mpopcnt (present since 2008) so that popcount is one instruction,
# as in the kernel, where hweight64() is patched to POPCNT at boot.

FIB_TEST	:= $(BUILD)/selftests/fib_test
FIB_BENCH	:= $(BUILD)/bench/fib_bench
FIB_OBJ		:= $(BUILD)/fib
FIB_CFLAGS	= $(CFLAGS) -I$(ROOT)/userspace/kcompat -I$(ROOT)/kmod \
		  -I$(ROOT)/tools/bench \
		  $(if $(filter x86_64,$(shell uname -m)),-mpopcnt)
DPDK_CFLAGS	= $(shell $(PKG_CONFIG) --cflags libdpdk 2>/dev/null)
DPDK_LIBS	= $(shell $(PKG_CONFIG) --libs libdpdk 2>/dev/null || \
		    echo -lrte_lpm -lrte_eal)

.PHONY: fib-test check-fib bench-fib

fib-test: $(FIB_TEST)

check-fib: $(FIB_TEST)
	$(FIB_TEST)

bench: bench-fib

bench-fib: $(FIB_BENCH)
	$(FIB_BENCH)

$(FIB_OBJ)/fib.o: $(ROOT)/kmod/fib.c
	@mkdir -p $(@D)
	$(CC) $(FIB_CFLAGS) -MMD -MP -c -o $@ $<

# The prefix generator shared by the test and the benchmark.
$(FIB_OBJ)/fib_gen.o: $(ROOT)/tools/bench/fib_gen.c
	@mkdir -p $(@D)
	$(CC) $(FIB_CFLAGS) -MMD -MP -c -o $@ $<

$(FIB_OBJ)/fib_test.o: $(ROOT)/selftests/fib_test.c
	@mkdir -p $(@D)
	$(CC) $(FIB_CFLAGS) -MMD -MP -c -o $@ $<

$(FIB_OBJ)/fib_bench.o: $(ROOT)/tools/bench/fib_bench.c
	@mkdir -p $(@D)
	$(CC) $(FIB_CFLAGS) $(DPDK_CFLAGS) -MMD -MP -c -o $@ $<

$(FIB_TEST): $(FIB_OBJ)/fib_test.o $(FIB_OBJ)/fib.o $(FIB_OBJ)/fib_gen.o
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ -lpthread

$(FIB_BENCH): $(FIB_OBJ)/fib_bench.o $(FIB_OBJ)/fib.o $(FIB_OBJ)/fib_gen.o
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(DPDK_LIBS)

-include $(FIB_OBJ)/*.d
