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

LIBMIDWAY	:= $(BUILD)/lib/libmidway.a
LIBMIDWAY_SRCS	:= userspace/lib/mwnl.c
LIBMIDWAY_OBJS	:= $(LIBMIDWAY_SRCS:%.c=$(BUILD)/obj/%.o)

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
