# SPDX-License-Identifier: GPL-2.0
#
# Userspace: libmidway.a (the netlink client library, userspace/lib/) and the
# list of programs. Included by the top Makefile, which defines ROOT, BUILD,
# CC, CFLAGS, NL_CFLAGS and NL_LIBS.
#
# Objects go to $(BUILD)/obj/<path of the source>.o. A fragment that adds a
# program appends it to USERSPACE_BINS (and to INSTALL_BINS, INSTALL_MANS if
# it is installed) and states "userspace: <program>": prerequisites written
# here could not see what later fragments append.

# libmidway holds the netlink client (mwnl) and, for midwayd and mwtopo, the
# topology documents (topo: cJSON) and the ZooKeeper helpers (zkc:
# libzookeeper-mt, libcrypto for digest ACLs). A program links only the
# objects it uses, so mwctl needs neither ZooKeeper nor OpenSSL.
LIBMIDWAY	:= $(BUILD)/lib/libmidway.a
LIBMIDWAY_SRCS	:= userspace/lib/mwnl.c userspace/lib/topo.c userspace/lib/zkc.c
LIBMIDWAY_OBJS	:= $(LIBMIDWAY_SRCS:%.c=$(BUILD)/obj/%.o)

CJSON_CFLAGS	= $(shell $(PKG_CONFIG) --cflags libcjson 2>/dev/null)
CJSON_LIBS	= $(shell $(PKG_CONFIG) --libs libcjson 2>/dev/null || echo -lcjson)
ZK_CFLAGS	= -DTHREADED
ZK_LIBS		= -lzookeeper_mt
CRYPTO_LIBS	= $(shell $(PKG_CONFIG) --libs libcrypto 2>/dev/null || echo -lcrypto)
USERSPACE_CFLAGS_userspace_lib = $(CJSON_CFLAGS) $(ZK_CFLAGS)

USERSPACE_BINS	+= $(BUILD)/bin/mwctl
INSTALL_BINS	+= $(BUILD)/bin/mwctl
INSTALL_MANS	+= Documentation/man/mwctl.8

userspace: $(LIBMIDWAY)

$(LIBMIDWAY): $(LIBMIDWAY_OBJS)
	@mkdir -p $(@D)
	rm -f $@
	$(AR) rcs $@ $^

# Every userspace object: sources under $(ROOT), dependencies tracked by
# -MMD. Per-directory flags go in USERSPACE_CFLAGS_<dir> (slashes as _).
$(BUILD)/obj/%.o: $(ROOT)/%.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(NL_CFLAGS) \
		$(USERSPACE_CFLAGS_$(subst /,_,$(patsubst %/,%,$(dir $*)))) \
		-MMD -MP -c -o $@ $<

-include $(LIBMIDWAY_OBJS:.o=.d)

# midwayd, the controller (userspace/midwayd/).
MIDWAYD		:= $(BUILD)/bin/midwayd
MIDWAYD_SRCS	:= $(sort $(wildcard $(ROOT)/userspace/midwayd/*.c))
MIDWAYD_OBJS	:= $(MIDWAYD_SRCS:$(ROOT)/%.c=$(BUILD)/obj/%.o)
USERSPACE_CFLAGS_userspace_midwayd = $(CJSON_CFLAGS) $(ZK_CFLAGS)
USERSPACE_BINS	+= $(MIDWAYD)
INSTALL_BINS	+= $(MIDWAYD)
INSTALL_MANS	+= Documentation/man/midwayd.8

userspace: $(MIDWAYD)

$(MIDWAYD): $(MIDWAYD_OBJS) $(LIBMIDWAY)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $(MIDWAYD_OBJS) $(LIBMIDWAY) \
		$(NL_LIBS) $(CJSON_LIBS) $(ZK_LIBS) $(CRYPTO_LIBS) -lpthread

-include $(MIDWAYD_OBJS:.o=.d)
