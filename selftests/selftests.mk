# SPDX-License-Identifier: GPL-2.0
#
# Selftests: the C API tests (kselftest harness, raw libnl-genl-3 through
# selftests/nl_helpers.h) and their helper programs, built to
# $(BUILD)/selftests/<name>. Included by the top Makefile, which defines
# ROOT, BUILD, CC, CFLAGS, NL_CFLAGS and NL_LIBS.
#
# The kselftest headers are not part of the repo: they come from Debian's
# linux-source-6.12, extracted into $(BUILD)/linux-src/ by tools/deps.sh, or
# by the rule below if deps.sh has not run.
#
# selftests/run (make check) runs what selftests/tests.list names; see
# Documentation/testing.md.

KSFT_DIR	:= $(BUILD)/linux-src/tools/testing/selftests
KSFT_HEADERS	:= $(KSFT_DIR)/kselftest.h $(KSFT_DIR)/kselftest_harness.h

# C tests (one binary each, run in a VM each) and helper programs.
SELFTESTS_TESTS	:= api_router api_port api_route api_host api_misc api_tunnel \
		   api_events api_dump api_faults

SELFTESTS_HELPERS := mkobjs zk_put zk_expire topo_test
SELFTESTS_BINS	:= $(addprefix $(BUILD)/selftests/, \
		   $(SELFTESTS_TESTS) $(SELFTESTS_HELPERS))

# The harness's comparison macros mix signedness by design.
SELFTESTS_CFLAGS := -D_GNU_SOURCE -I$(KSFT_DIR) -I$(ROOT)/selftests \
		    -Wno-sign-compare -Wno-missing-field-initializers -Wno-clobbered

SELFTESTS_DEPS	:= $(ROOT)/selftests/nl_helpers.h $(ROOT)/selftests/mw_test.h \
		   $(ROOT)/uapi/linux/midway.h $(KSFT_HEADERS)

.PHONY: selftests
selftests: $(SELFTESTS_BINS)

# Tests that also check what the client library (mwnl) makes of the kernel's
# answers (-EINTR for an interrupted dump, -ENOBUFS for lost events).
SELFTESTS_MWNL	:= $(addprefix $(BUILD)/selftests/, api_dump api_events)
$(SELFTESTS_MWNL): $(LIBMIDWAY) $(ROOT)/userspace/lib/mwnl.h
$(SELFTESTS_MWNL): SELFTESTS_LIBS := $(LIBMIDWAY)

# zk_put writes raw ZooKeeper nodes (selftests/midwayd.sh).
$(BUILD)/selftests/zk_put: $(LIBMIDWAY)
$(BUILD)/selftests/zk_put: SELFTESTS_CFLAGS += $(ZK_CFLAGS)
$(BUILD)/selftests/zk_put: SELFTESTS_LIBS := $(LIBMIDWAY) $(ZK_LIBS) $(CRYPTO_LIBS) $(CJSON_LIBS)

# topo_test: the topology's journal of changes (runs on the host).
$(BUILD)/selftests/topo_test: $(LIBMIDWAY)
$(BUILD)/selftests/topo_test: SELFTESTS_LIBS := $(LIBMIDWAY) $(CJSON_LIBS)

# zk_expire ends a controller's session (selftests/midwayd.sh).
$(BUILD)/selftests/zk_expire: SELFTESTS_CFLAGS += $(ZK_CFLAGS)
$(BUILD)/selftests/zk_expire: SELFTESTS_LIBS := $(ZK_LIBS)

$(SELFTESTS_BINS): $(BUILD)/selftests/%: $(ROOT)/selftests/%.c $(SELFTESTS_DEPS)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(SELFTESTS_CFLAGS) $(NL_CFLAGS) $(LDFLAGS) \
		-o $@ $< $(SELFTESTS_LIBS) $(NL_LIBS)

# Fallback when tools/deps.sh has not extracted the headers: take them from
# the cached (or downloaded) linux-source-6.12 package, nothing else of it.
KSFT_DEB_GLOB	:= $(BUILD)/cache/linux-source-6.12_*.deb

$(KSFT_HEADERS) &:
	@set -e; mkdir -p $(BUILD)/cache $(BUILD)/linux-src; \
	deb=$$(ls $(KSFT_DEB_GLOB) 2>/dev/null | sort -V | tail -n 1); \
	if [ -z "$$deb" ]; then \
		echo "selftests: fetching linux-source-6.12 for the kselftest headers"; \
		(cd $(BUILD)/cache && apt-get download linux-source-6.12); \
		deb=$$(ls $(KSFT_DEB_GLOB) | sort -V | tail -n 1); \
	fi; \
	echo "selftests: extracting kselftest headers from $$deb"; \
	dpkg-deb --fsys-tarfile "$$deb" | \
		tar -xO --wildcards '*/linux-source-6.12.tar.xz' | \
		tar -xJ -C $(BUILD)/linux-src --strip-components=1 --wildcards \
			'*/tools/testing/selftests/kselftest.h' \
			'*/tools/testing/selftests/kselftest_harness.h'; \
	test -f $(KSFT_DIR)/kselftest.h -a -f $(KSFT_DIR)/kselftest_harness.h; \
	touch $(KSFT_HEADERS)

# Helpers that speak through libmidway, the project's own netlink client.
SELFTESTS_MWNL	:= $(BUILD)/selftests/route_churn $(BUILD)/selftests/port_flap

selftests: $(SELFTESTS_MWNL)

$(SELFTESTS_MWNL): $(BUILD)/selftests/%: $(ROOT)/selftests/%.c \
		$(BUILD)/lib/libmidway.a $(ROOT)/uapi/linux/midway.h
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(NL_CFLAGS) $(LDFLAGS) -o $@ $< \
		$(BUILD)/lib/libmidway.a $(NL_LIBS)
