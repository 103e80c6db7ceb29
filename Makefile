# SPDX-License-Identifier: GPL-2.0
#
# pmemdisk: the kernel module, pmemctl, the selftests and the test VM.
#
#   make                 module for KVER, pmemctl, plb, selftests
#   make KVER=<release>  the same against another installed kernel
#   make deps            install everything the project needs (apt-get)
#   make demo            boot a VM with emulated NVDIMMs and show pmemdisk
#   make check           host tests, fuzz smoke, checkpatch, VM tests (6.1, 6.12)
#   make check-long      the suites make check skips (it names them and why),
#                        and the writecache power cuts at length
#   make check-debug     VM tests on a KASAN/lockdep/kmemleak 6.1 kernel built
#                        once into $PMD_CACHE (not part of make check;
#                        SUITES='30-*' for some; make debug-kernel: the kernel)
#   make bench           benchmarks (not tests)
#   make install         on a real host: module for the running kernel,
#                        pmemctl, man pages, udev rule, completion, libplb
#                        with plb.h and plb.pc (install.mk; also uninstall,
#                        install-dkms, install-plb, deb)
#   make fuzz            fuzz the portable parsers (FUZZ_SECONDS per target)
#
# Kernel builds happen in build/kmod/<release>/ (a copy of the sources), so
# builds for different kernels never share object files; the module of the
# last build is also copied to driver/pmemdisk.ko.

SHELL := /bin/bash
SRC := $(CURDIR)
BUILD := $(SRC)/build

# The Debian kernels `make deps` installs; newest of each series. They are
# looked up when make reads this file, so a target that needs them after
# `deps` has installed them runs in a second make (see "demo, check, bench").
# PMD_KERNEL_ROOT: kernels that are not installed in / (the debug kernel of
# check-debug; selftests/host/fresh-machine.sh's empty one).
kver_of = $(shell ls $(PMD_KERNEL_ROOT)/lib/modules 2>/dev/null | \
	grep -E '^$(1)' | sort -V | tail -n 1)
KVER_61 := $(call kver_of,6\.1\.)
KVER_612 := $(call kver_of,6\.12\.)
# Installing acts on the host itself, so there KVER defaults to the running
# kernel; building and testing default to the Debian 6.1 kernel.
ifneq ($(filter install install-module install-dkms uninstall uninstall-module \
	uninstall-dkms,$(MAKECMDGOALS)),)
KVER ?= $(shell uname -r)
endif
KVER ?= $(KVER_61)
KVERS ?= $(KVER_61) $(KVER_612)
# A kernel that is not installed in / (the debug kernel of check-debug)
# keeps its boot/ and lib/modules/ under PMD_KERNEL_ROOT; qemu/run-vm and
# qemu/mkinitramfs read the same variable. KDIR: the tree modules are built
# against.
KDIR ?= $(PMD_KERNEL_ROOT)/lib/modules/$(KVER)/build

CC ?= gcc
WARN := -Wall -Wextra -Werror -Wno-unused-parameter
USER_CFLAGS := -O2 -g $(WARN) -I$(SRC)
# kselftest_harness.h compares its operands as given: signedness is the
# test's business there.
TEST_CFLAGS := $(USER_CFLAGS) -Wno-sign-compare

# kselftest_harness.h and checkpatch.pl come from the linux-source-6.1
# tarball, extracted at build time (never committed).
LINUX_TARBALL := /usr/src/linux-source-6.1.tar.xz
KSRC_EXTRACT := $(BUILD)/linux-source
KSFT := $(KSRC_EXTRACT)/tools/testing/selftests
CHECKPATCH := $(KSRC_EXTRACT)/scripts/checkpatch.pl

CORE_SRCS := $(wildcard driver/core/*.c)
CORE_HDRS := $(wildcard driver/core/*.h)
PMEMCTL_SRCS := $(wildcard userspace/*.c)
PMEMCTL_HDRS := $(wildcard userspace/*.h uapi/*.h)
HOST_TEST_SRCS := $(wildcard selftests/host/*_test.c)
HOST_TESTS := $(patsubst selftests/host/%.c,$(BUILD)/host/%,$(HOST_TEST_SRCS))
HOST_LIB_SRCS := $(filter-out $(HOST_TEST_SRCS),$(wildcard selftests/host/*.c))
GUEST_TEST_SRCS := $(wildcard selftests/vm/*_test.c)
GUEST_TESTS := $(patsubst selftests/vm/%.c,$(BUILD)/guest/%,$(GUEST_TEST_SRCS))
FUZZ_SRCS := $(wildcard selftests/fuzz/*_fuzz.c)
FUZZ_NAMES := $(patsubst selftests/fuzz/%_fuzz.c,%,$(FUZZ_SRCS))
FUZZ_LIB_SRCS := selftests/fuzz/fuzzmedia.c
FUZZ_HDRS := $(wildcard selftests/fuzz/*.h)
PLB_DIR := plb
PLB_LIB_SRCS := $(PLB_DIR)/plb.c $(PLB_DIR)/crc32c.c
PLB_HDRS := $(wildcard $(PLB_DIR)/*.h)
PLB_TOOLS := $(PLB_DIR)/plb-crashtest $(PLB_DIR)/plb-bench
# libplb.so.0 (its ABI: plb/libplb.map) is libplb.so.<release of pmemdisk>
PLB_SOVERSION := 0
PLB_SO := libplb.so.$(shell sed -n 's/^\#define PMEMDISK_VERSION "\(.*\)"/\1/p' driver/version.h)

.PHONY: all module pmemctl plb plb-lib selftests deps demo check check-run check-long check-long-run bench clean \
	checkpatch initramfs modules-all help fuzzers fuzz debug-kernel check-debug \
	demo-run bench-run fuzz-run need-kver need-kvers

all: module pmemctl plb selftests

help:
	@sed -n '3,23p' Makefile | sed 's/^# \{0,1\}//'

# ---------------------------------------------------------------- deps
# Everything the project needs, from Debian's archive. A quick no-op when all
# of it is installed (dpkg-query only; apt-get runs only for what is missing).
DEB_PACKAGES := build-essential bc bison flex libelf-dev libssl-dev kmod cpio \
	busybox-static qemu-system-x86 util-linux xz-utils zstd \
	linux-image-amd64 linux-headers-amd64 \
	linux-image-6.12-amd64 linux-headers-6.12-amd64 linux-source-6.1 \
	fio e2fsprogs xfsprogs ndctl daxctl jq udev gnuplot-nox drbd-utils dmsetup lvm2 \
	dkms dh-dkms debhelper dpkg-dev fakeroot lintian bash-completion \
	man-db groff-base clang libclang-rt-dev \
	pkg-config libjson-c-dev uuid-dev libsmartcols-dev python3-jsonschema

deps:
	@missing=$$(dpkg-query -W -f='$${db:Status-Abbrev} $${Package}\n' \
		$(DEB_PACKAGES) 2>/dev/null | awk '$$1 == "ii" { print $$2 }' | \
		sort | comm -13 - <(printf '%s\n' $(DEB_PACKAGES) | sort)); \
	if [ -n "$$missing" ]; then \
		echo "deps: installing:" $$missing; \
		apt-get update -q && DEBIAN_FRONTEND=noninteractive \
		apt-get install -y -q --no-install-recommends $$missing; \
	else \
		echo "deps: all $(words $(DEB_PACKAGES)) packages present"; \
	fi

# -------------------------------------------------------------- module
module:
	@if [ -z "$(KVER)" ] || [ ! -d $(KDIR) ]; then \
		echo "no kernel headers for '$(KVER)' in $(KDIR):" \
			"install them (Debian: apt-get install linux-headers-$(KVER))," \
			"or 'make deps' for the test kernels" >&2; \
		exit 1; fi
	@mkdir -p $(BUILD)/kmod/$(KVER)
	@tar -c Kbuild $$(find driver uapi -name '*.[ch]') | tar -x -C $(BUILD)/kmod/$(KVER)
	$(MAKE) -C $(KDIR) M=$(BUILD)/kmod/$(KVER) modules
	@cp $(BUILD)/kmod/$(KVER)/pmemdisk.ko driver/pmemdisk.ko

modules-all:
	@for k in $(KVERS); do $(MAKE) --no-print-directory KVER=$$k module || exit 1; done

# ------------------------------------------------------------- pmemctl
pmemctl: userspace/pmemctl

# pmemctl decodes label areas with the portable core (read-labels) and
# writes --json with json-c, uuids with libuuid, tables with libsmartcols;
# pkg-config gives the flags of its libraries.
# CPPFLAGS, CFLAGS and LDFLAGS from the environment come last (packaging
# passes hardening flags that way).
PMEMCTL_LIBS := json-c uuid smartcols
PMEMCTL_PKG_CFLAGS = $(shell pkg-config --cflags $(PMEMCTL_LIBS))
PMEMCTL_PKG_LIBS = $(shell pkg-config --libs $(PMEMCTL_LIBS))

userspace/pmemctl: $(PMEMCTL_SRCS) $(PMEMCTL_HDRS) $(CORE_SRCS) $(CORE_HDRS)
	@pkg-config --exists $(PMEMCTL_LIBS) || \
		{ echo "pmemctl needs $(PMEMCTL_LIBS) (pkg-config): run 'make deps'" >&2; exit 1; }
	$(CC) $(USER_CFLAGS) $(PMEMCTL_PKG_CFLAGS) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ \
		$(PMEMCTL_SRCS) $(CORE_SRCS) $(PMEMCTL_PKG_LIBS)

# ----------------------------------------------------------------- plb
# The persisted log buffer, plain C11 with libc and pthread only: the shared
# library applications link (build/plb/libplb.so.*, installed with plb.h,
# plb.pc and plb(3) by install-plb; see install.mk), a static one, and its
# tools. The tools are static: the guest initramfs takes them without
# libraries. plb-lib is the shared library alone (what make deb builds).
PLB_CFLAGS := -std=c11 -O2 -g -Wall -Wextra -Werror -pthread

plb: plb-lib $(BUILD)/plb/libplb.a $(PLB_TOOLS)

plb-lib: $(BUILD)/plb/$(PLB_SO)

$(BUILD)/plb/%.o: $(PLB_DIR)/%.c $(PLB_HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(PLB_CFLAGS) -c -o $@ $<

$(BUILD)/plb/libplb.a: $(BUILD)/plb/plb.o $(BUILD)/plb/crc32c.o
	$(AR) rcs $@ $^

$(PLB_TOOLS): $(PLB_DIR)/%: $(BUILD)/plb/%.o $(BUILD)/plb/tool.o $(BUILD)/plb/libplb.a
	$(CC) $(PLB_CFLAGS) -static -o $@ $^

# The shared library exports the plb_* functions of plb.h and nothing else
# (libplb.map), takes the packager's CFLAGS and LDFLAGS (hardening), and
# may leave no symbol unresolved (-z defs).
$(BUILD)/plb/pic/%.o: $(PLB_DIR)/%.c $(PLB_HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(PLB_CFLAGS) $(CPPFLAGS) $(CFLAGS) -fPIC -c -o $@ $<

$(BUILD)/plb/$(PLB_SO): $(BUILD)/plb/pic/plb.o $(BUILD)/plb/pic/crc32c.o $(PLB_DIR)/libplb.map
	$(CC) $(PLB_CFLAGS) $(CFLAGS) $(LDFLAGS) -shared -Wl,-z,defs \
		-Wl,-soname,libplb.so.$(PLB_SOVERSION) -Wl,--version-script,$(PLB_DIR)/libplb.map \
		-o $@ $(filter %.o,$^)
	ln -sf $(PLB_SO) $(BUILD)/plb/libplb.so.$(PLB_SOVERSION)
	ln -sf libplb.so.$(PLB_SOVERSION) $(BUILD)/plb/libplb.so

# ----------------------------------------------------------- selftests
$(KSRC_EXTRACT)/.stamp: $(LINUX_TARBALL)
	@echo "extracting kselftest harness and checkpatch from $(LINUX_TARBALL)"
	@rm -rf $(KSRC_EXTRACT) && mkdir -p $(KSRC_EXTRACT)
	@tar -xJf $(LINUX_TARBALL) -C $(KSRC_EXTRACT) --strip-components=1 \
		linux-source-6.1/tools/testing/selftests/kselftest_harness.h \
		linux-source-6.1/tools/testing/selftests/kselftest.h \
		linux-source-6.1/scripts/checkpatch.pl \
		linux-source-6.1/scripts/spelling.txt \
		linux-source-6.1/scripts/const_structs.checkpatch
	@touch $@

$(LINUX_TARBALL):
	@echo "$(LINUX_TARBALL) missing: run 'make deps'" >&2; exit 1

selftests: $(HOST_TESTS) $(GUEST_TESTS) $(BUILD)/host/plb-crashtest

$(BUILD)/host/%_test: selftests/host/%_test.c $(HOST_LIB_SRCS) $(CORE_SRCS) \
		$(CORE_HDRS) $(wildcard selftests/host/*.h uapi/*.h) $(KSRC_EXTRACT)/.stamp
	@mkdir -p $(dir $@)
	$(CC) $(TEST_CFLAGS) -fsanitize=address,undefined -I$(KSFT) -o $@ \
		$< $(HOST_LIB_SRCS) $(CORE_SRCS)

# plb's tests build the library from its sources with the sanitizers, any
# report fatal; the crash test (selftests/host/plb-crash.sh) kills a
# sanitized plb-crashtest.
PLB_SAN := -fsanitize=address,undefined -fno-sanitize-recover=all

$(BUILD)/host/plb_test: selftests/host/plb_test.c $(PLB_LIB_SRCS) $(PLB_HDRS) \
		$(KSRC_EXTRACT)/.stamp
	@mkdir -p $(dir $@)
	$(CC) $(TEST_CFLAGS) -pthread $(PLB_SAN) -I$(KSFT) -o $@ $< $(PLB_LIB_SRCS)

$(BUILD)/host/plb-crashtest: $(PLB_DIR)/plb-crashtest.c $(PLB_DIR)/tool.c \
		$(PLB_LIB_SRCS) $(PLB_HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(PLB_CFLAGS) $(PLB_SAN) -o $@ $< $(PLB_DIR)/tool.c $(PLB_LIB_SRCS)

# pmemctl's table printer with synthetic states: userspace/ without main,
# linked like pmemctl.
PMEMCTL_LIB_SRCS := $(filter-out userspace/pmemctl.c,$(PMEMCTL_SRCS))

$(BUILD)/host/pmemctl_table_test: selftests/host/pmemctl_table_test.c $(PMEMCTL_LIB_SRCS) \
		$(PMEMCTL_HDRS) $(CORE_SRCS) $(CORE_HDRS) $(KSRC_EXTRACT)/.stamp
	@mkdir -p $(dir $@)
	$(CC) $(TEST_CFLAGS) $(PMEMCTL_PKG_CFLAGS) -fsanitize=address,undefined -I$(KSFT) \
		-DPMEMCTL_MAN='"$(SRC)/userspace/pmemctl.8"' -o $@ $< $(PMEMCTL_LIB_SRCS) \
		$(CORE_SRCS) $(PMEMCTL_PKG_LIBS)

# pmemctl image create cut short on the simulated medium: userspace/ without
# main, and the simulated medium.
$(BUILD)/host/image_create_test: selftests/host/image_create_test.c $(PMEMCTL_LIB_SRCS) \
		$(PMEMCTL_HDRS) $(CORE_SRCS) $(CORE_HDRS) selftests/host/simmedia.c \
		selftests/host/simmedia.h $(KSRC_EXTRACT)/.stamp
	@mkdir -p $(dir $@)
	$(CC) $(TEST_CFLAGS) $(PMEMCTL_PKG_CFLAGS) -fsanitize=address,undefined -I$(KSFT) \
		-o $@ $< $(PMEMCTL_LIB_SRCS) selftests/host/simmedia.c $(CORE_SRCS) \
		$(PMEMCTL_PKG_LIBS)

# Guest test programs are static: the initramfs needs no libraries for them.
$(BUILD)/guest/%_test: selftests/vm/%_test.c uapi/pmemdisk.h $(KSRC_EXTRACT)/.stamp
	@mkdir -p $(dir $@)
	$(CC) $(TEST_CFLAGS) -static -I$(KSFT) -o $@ $<

# ------------------------------------------------------------- fuzzing
# libFuzzer targets (selftests/fuzz/<name>_fuzz.c) over the portable core,
# with ASan and UBSan; any sanitizer report aborts, so the fuzzer counts it.
# Debian's clang ships libFuzzer in libclang-rt-dev (make deps). The seed
# corpus is written at build time by the same harness linked with seeds.c.
FUZZ_CC := clang
FUZZ_CFLAGS := -g -O1 $(WARN) -I$(SRC) -fsanitize=fuzzer,address,undefined \
	-fno-sanitize-recover=all
FUZZ_SECONDS ?= 300

fuzzers: $(foreach n,$(FUZZ_NAMES),$(BUILD)/fuzz/$(n)_fuzz $(BUILD)/fuzz/seeds/$(n)/.stamp)

$(BUILD)/fuzz/%_fuzz: selftests/fuzz/%_fuzz.c $(FUZZ_LIB_SRCS) $(FUZZ_HDRS) \
		$(CORE_SRCS) $(CORE_HDRS)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -o $@ $< $(FUZZ_LIB_SRCS) $(CORE_SRCS)

$(BUILD)/fuzz/%_seeds: selftests/fuzz/%_fuzz.c selftests/fuzz/seeds.c \
		$(FUZZ_LIB_SRCS) $(FUZZ_HDRS) $(CORE_SRCS) $(CORE_HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(USER_CFLAGS) -o $@ $< selftests/fuzz/seeds.c $(FUZZ_LIB_SRCS) $(CORE_SRCS)

# kept, so a second make has nothing to do
.PRECIOUS: $(BUILD)/fuzz/%_seeds
$(BUILD)/fuzz/seeds/%/.stamp: $(BUILD)/fuzz/%_seeds
	@rm -rf $(dir $@) && mkdir -p $(dir $@)
	$< $(dir $@)
	@touch $@

# The long run: corpora grow in build/fuzz/corpus/ from run to run.
# The parsers on the host, then the ioctl fuzzer in a guest of KVER with
# FUZZ_IOCTL_CALLS calls per worker (make check runs 4000).
FUZZ_IOCTL_CALLS ?= 100000

fuzz-run: need-kver fuzzers all
	@selftests/fuzz/run --seconds $(FUZZ_SECONDS) $(BUILD)/fuzz
	@$(MAKE) --no-print-directory module >/dev/null
	@qemu/mkinitramfs $(KVER) >/dev/null
	@PMD_FUZZ_CALLS=$(FUZZ_IOCTL_CALLS) selftests/run --kvers "$(KVER)" \
		--only "$(KVER)/130-ioctl-fuzz"

checkpatch: $(KSRC_EXTRACT)/.stamp
	@selftests/checkpatch.sh $(CHECKPATCH)

# ------------------------------------------------------------- the VM
initramfs: need-kver all
	qemu/mkinitramfs $(KVER)

# ------------------------------------------------- demo, check, bench
# Each of these needs what `make deps` installs, and make computed KVER,
# KVERS and every other variable when it read this file, before deps ran:
# on a fresh machine they were empty then. So deps runs first and the work
# itself runs in a second make, which reads this file again
# (selftests/host/fresh-machine.sh proves it on an empty kernel tree).
demo check bench fuzz: deps
	@$(MAKE) --no-print-directory $@-run

# The kernels the recipes below name must exist: say so, rather than pass
# an empty release to a script.
need-kver:
	@if [ -z "$(KVER)" ]; then \
		echo "no Debian 6.1 kernel in $(PMD_KERNEL_ROOT)/lib/modules:" \
			"run 'make deps', or name one with KVER=<release>" >&2; exit 1; fi
# KVERS by default is both series: both must be there.
need-kvers:
ifeq ($(origin KVERS),file)
	@if [ -z "$(KVER_61)" ] || [ -z "$(KVER_612)" ]; then \
		echo "the Debian 6.1 and 6.12 kernels are not both in" \
			"$(PMD_KERNEL_ROOT)/lib/modules (found '$(KVERS)'):" \
			"run 'make deps'" >&2; exit 1; fi
endif

demo-run: need-kver all
	@qemu/mkinitramfs $(KVER) >/dev/null
	@qemu/demo $(KVER)

# One guest image per kernel: its module (build output in a log) and its
# initramfs.
vm-image-%:
	@mkdir -p $(BUILD)
	@echo "building pmemdisk.ko and the guest initramfs for $*"
	@$(MAKE) --no-print-directory KVER=$* module >$(BUILD)/module-$*.log 2>&1 || \
		{ cat $(BUILD)/module-$*.log; echo "module build failed for $*" >&2; exit 1; }
	@qemu/mkinitramfs $* >/dev/null

# Suites make check reports as skipped, with the reason; make check-long
# runs them. On 6.12 the kernel's NVMe/TCP target died of a double fault in
# nvmet_tcp_io_work (a corrupted slab freelist) in 2 of 7 runs of
# 200-nvme-tcp under TCG, and in 0 of 4 runs that exported brd disks
# instead: not explained yet (issue 20), so it must not decide make check.
CHECK_SKIPS := '6.12*/200-nvme-tcp=on 6.12 the nvmet_tcp target died of a double fault in 2 of 7 TCG runs, not yet explained (make check-long runs it)'
# It also runs 230-writecache with 10 power cuts per kernel (make check
# makes 2).
LONG_SUITES := @(6.12*/200-nvme-tcp|*/230-writecache)

check-run: need-kvers pmemctl plb selftests fuzzers $(KSRC_EXTRACT)/.stamp
	@for k in $(KVERS); do $(MAKE) --no-print-directory vm-image-$$k || exit 1; done
	@selftests/run --kvers "$(KVERS)" --checkpatch $(CHECKPATCH) --skip $(CHECK_SKIPS)

# What make check skips, run: the last line is selftests/run's summary.
check-long: deps
	@$(MAKE) --no-print-directory check-long-run

check-long-run: need-kvers pmemctl plb selftests
	@for k in $(KVERS); do $(MAKE) --no-print-directory vm-image-$$k || exit 1; done
	@WC_CUTS=10 selftests/run --kvers "$(KVERS)" --only '$(LONG_SUITES)'

# The debug kernel (KASAN, lockdep, kmemleak) from the linux-source-6.1
# tarball: built once into ${PMD_CACHE:-/var/cache/pmemdisk}/debug-kernel/,
# outside the clone (qemu/mkdebugkernel), then the VM suites on it
# (selftests/check-debug). Not part of make check: the build takes most of
# an hour on two cores. Both scripts find the kernel themselves, when they
# run.
SUITES ?= *
debug-kernel: deps
	@qemu/mkdebugkernel

check-debug: debug-kernel
	@selftests/check-debug '$(SUITES)'

bench-run: need-kver all
	@qemu/mkinitramfs $(KVER) >/dev/null
	@bench/io.sh $(KVER)
	@bench/mkfs.sh $(KVER)
	@bench/lifecycle.sh $(KVER)
	@bench/plb.sh $(KVER)

include install.mk

clean:
	rm -rf $(BUILD) userspace/pmemctl $(PLB_TOOLS) driver/pmemdisk.ko
	rm -f pmemdisk.ko pmemdisk.mod* pmemdisk.o .pmemdisk* modules.order Module.symvers
	find driver \( -name '*.o' -o -name '.*.cmd' \) -delete
