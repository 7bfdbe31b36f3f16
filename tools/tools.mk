# SPDX-License-Identifier: GPL-2.0
#
# Tools: mwctl, the debugging command line (tools/mwctl/). Included by the top
# Makefile after userspace/userspace.mk, which provides libmidway.a and the
# rule for objects.

MWCTL		:= $(BUILD)/bin/mwctl
MWCTL_SRCS	:= $(sort $(wildcard $(ROOT)/tools/mwctl/*.c))
MWCTL_OBJS	:= $(MWCTL_SRCS:$(ROOT)/%.c=$(BUILD)/obj/%.o)

USERSPACE_CFLAGS_tools_mwctl = $(CJSON_CFLAGS)

userspace: $(MWCTL)

$(MWCTL): $(MWCTL_OBJS) $(LIBMIDWAY)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $(MWCTL_OBJS) $(LIBMIDWAY) \
		$(NL_LIBS) $(CJSON_LIBS)

-include $(MWCTL_OBJS:.o=.d)

# mwtopo, the operator's command line for the topology in ZooKeeper
# (tools/mwtopo/, Documentation/zookeeper.md).
MWTOPO		:= $(BUILD)/bin/mwtopo
MWTOPO_SRCS	:= $(sort $(wildcard $(ROOT)/tools/mwtopo/*.c))
MWTOPO_OBJS	:= $(MWTOPO_SRCS:$(ROOT)/%.c=$(BUILD)/obj/%.o)

USERSPACE_CFLAGS_tools_mwtopo = $(CJSON_CFLAGS) $(ZK_CFLAGS)
USERSPACE_BINS	+= $(MWTOPO)
INSTALL_BINS	+= $(MWTOPO)
INSTALL_MANS	+= Documentation/man/mwtopo.8

userspace: $(MWTOPO)

$(MWTOPO): $(MWTOPO_OBJS) $(LIBMIDWAY)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $(MWTOPO_OBJS) $(LIBMIDWAY) \
		$(NL_LIBS) $(CJSON_LIBS) $(ZK_LIBS) $(CRYPTO_LIBS)

-include $(MWTOPO_OBJS:.o=.d)
