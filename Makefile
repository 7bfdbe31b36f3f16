# SPDX-License-Identifier: GPL-2.0
#
# midway top-level Makefile.
#
#   make                 build midway.ko for KDIR (default: Debian's 6.1 LTS)
#                        and the userspace programs
#   make KDIR=<tree>     build the module against another kernel tree
#   make module-debug    build (once, cached) the debug kernel and the
#                        module for it (tools/vm/debug-kernel.sh)
#   make deps            install missing Debian packages (idempotent)
#   make demo            deps, build, boot a VM and run the demo scenario
#   make check           deps, build for 6.1, 6.12 and the debug kernel,
#                        run every test in VMs
#   make bench           benchmarks (printed figures, not pass/fail)
#   make install         install the userspace programs under PREFIX
#   make lint            checkpatch --strict, sparse (C=1) and W=1 builds
#
# The module is built out of tree into build/kmod/<kernel release>/ so that
# builds for several kernels coexist; the sources are linked there.

ROOT		:= $(abspath $(dir $(lastword $(MAKEFILE_LIST))))
BUILD		:= $(ROOT)/build

# Newest Debian 6.1 and 6.12 header trees on this machine.
KDIR_61		:= $(lastword $(sort $(wildcard /lib/modules/6.1.*-amd64/build)))
KDIR_612	:= $(lastword $(sort $(wildcard /lib/modules/6.12.*-amd64/build)))
KDIR		?= $(KDIR_61)
KVER		= $(shell sed -n 's/.*UTS_RELEASE "\(.*\)"/\1/p' $(KDIR)/include/generated/utsrelease.h 2>/dev/null)
KOBJ		= $(BUILD)/kmod/$(KVER)

CC		?= gcc
CFLAGS		?= -O2 -g
CFLAGS		+= -Wall -Wextra -Wno-unused-parameter -std=gnu11 \
		   -I$(ROOT)/uapi -I$(ROOT)/userspace/lib
PKG_CONFIG	?= pkg-config
NL_CFLAGS	= $(shell $(PKG_CONFIG) --cflags libnl-genl-3.0 2>/dev/null)
NL_LIBS		= $(shell $(PKG_CONFIG) --libs libnl-genl-3.0 2>/dev/null)
PREFIX		?= /usr/local

KSRC_FILES	:= Kbuild $(wildcard kmod/*.c kmod/*.h uapi/linux/*.h)

.PHONY: all module modules userspace deps demo check bench install clean lint dkms-install \
	module-all module-debug

all: module userspace

# Kernel module -------------------------------------------------------------

module modules: $(KOBJ)/midway.ko

# A new tree with the same release (the debug kernel, rebuilt after its
# config changed) rebuilds the module too.
$(KOBJ)/midway.ko: $(KSRC_FILES) $(wildcard $(KDIR)/include/generated/autoconf.h)
	@test -n "$(KDIR)" -a -d "$(KDIR)" || \
		{ echo "no kernel headers (KDIR='$(KDIR)'): run 'make deps'"; exit 1; }
	@mkdir -p $(KOBJ)/kmod $(KOBJ)/uapi/linux
	@ln -sf $(ROOT)/Kbuild $(KOBJ)/Kbuild
	@for f in $(filter kmod/% uapi/%,$(KSRC_FILES)); do \
		ln -sf $(ROOT)/$$f $(KOBJ)/$$f; done
	@find $(KOBJ)/kmod -xtype l -delete
	$(MAKE) -C $(KDIR) M=$(KOBJ) $(KBUILD_ARGS) modules

# Build for both supported LTS kernels and the debug kernel.
module-all:
	$(MAKE) module KDIR=$(KDIR_61)
	$(MAKE) module KDIR=$(KDIR_612)
	$(MAKE) module-debug

# The debug kernel (KASAN, lockdep, PROVE_RCU, kmemleak; Documentation/vm.md)
# is built once per machine and cached outside the clone, in $MW_KCACHE
# (/var/cache/midway); the module for it gets -g, so that
# scripts/faddr2line can place a report's midway frames.
module-debug:
	@kdir=$$($(ROOT)/tools/vm/debug-kernel.sh) && \
		$(MAKE) module KDIR="$$kdir/src" KBUILD_ARGS="KCFLAGS=-g"

# Userspace -----------------------------------------------------------------

include userspace/userspace.mk
include tools/tools.mk
include selftests/selftests.mk
include tools/bench/bench.mk
include tools/bench/bench_fwd.mk
include tools/bench/bench_tunnel.mk
include tools/bench/bench_controller.mk

# Installation of dependencies, demo, tests ---------------------------------

deps:
	@$(ROOT)/tools/deps.sh

# The demo builds quietly itself (its output in build/demo/build.log).
demo: deps
	@$(ROOT)/tools/demo.sh

check: deps
	$(MAKE) module-all
	$(MAKE) userspace selftests fib-test
	$(ROOT)/selftests/run

# Benchmarks print figures; see Documentation/benchmarks.md and fib.md.
bench: deps

install: userspace
	install -d $(DESTDIR)$(PREFIX)/sbin $(DESTDIR)$(PREFIX)/share/man/man8
	install -m 0755 $(INSTALL_BINS) $(DESTDIR)$(PREFIX)/sbin/
	install -m 0644 $(INSTALL_MANS) $(DESTDIR)$(PREFIX)/share/man/man8/
	install -d $(DESTDIR)/etc/midway $(DESTDIR)/lib/systemd/system
	install -m 0644 userspace/midwayd/etc/midwayd.service \
		$(DESTDIR)/lib/systemd/system/
	test -e $(DESTDIR)/etc/midway/midwayd.conf || install -m 0644 \
		userspace/midwayd/etc/midwayd.conf $(DESTDIR)/etc/midway/

lint:
	$(ROOT)/tools/lint.sh

clean:
	rm -rf $(BUILD)
	rm -f kmod/*.o kmod/.*.cmd *.o *.ko *.mod *.mod.c .*.cmd Module.symvers modules.order

# DKMS: install the module's sources where dkms expects them, then build.
DKMS_VER := $(shell sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' dkms.conf)
dkms-install:
	rm -rf /usr/src/midway-$(DKMS_VER)
	install -d /usr/src/midway-$(DKMS_VER)
	cp -r Kbuild kmod uapi dkms.conf /usr/src/midway-$(DKMS_VER)/
	dkms install midway/$(DKMS_VER)
