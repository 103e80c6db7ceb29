# SPDX-License-Identifier: GPL-2.0
#
# Installing pmemdisk on a host (included by the Makefile):
#
#   make install           pmemdisk.ko into /lib/modules/$(KVER)/extra and
#                          depmod, plus everything of install-tools and
#                          install-modconf; KVER defaults to the running kernel
#   make install-tools     pmemctl, pmemctl.8, bash completion, udev rule
#   make install-plb       libplb for applications: install-plb-lib (the
#                          shared library libplb.so.0) and install-plb-dev
#                          (plb.h, libplb.so, plb.pc for pkg-config, plb(3))
#   make install-dkms      the module's sources into /usr/src/pmemdisk-VERSION
#                          and (without DESTDIR) dkms install for $(KVER);
#                          plus install-modconf
#   make uninstall, uninstall-tools, uninstall-plb, uninstall-dkms
#                          the reverse
#   make deb               Debian packages pmemdisk-dkms, pmemctl, libplb0
#                          and libplb-dev in build/deb/
#
# install-modconf (part of install and install-dkms) installs pmemdisk.4 and
# /etc/modprobe.d/pmemdisk.conf, the latter only where none is: it holds the
# admin's settings, so it is never overwritten, and uninstall removes it only
# while it is unchanged.
#
# DESTDIR and PREFIX are honoured, and LIBDIR (PREFIX/lib; Debian's is
# /usr/lib/<multiarch>) for libplb and plb.pc; udev and modprobe read only their own
# directories, so UDEVRULESDIR and MODPROBEDIR do not follow PREFIX. With
# DESTDIR, depmod works on DESTDIR (depmod -b) and dkms is not run.

VERSION := $(shell sed -n 's/^\#define PMEMDISK_VERSION "\(.*\)"/\1/p' $(SRC)/driver/version.h)

PREFIX ?= /usr/local
SBINDIR ?= $(PREFIX)/sbin
MANDIR ?= $(PREFIX)/share/man
LIBDIR ?= $(PREFIX)/lib
INCLUDEDIR ?= $(PREFIX)/include
PKGCONFIGDIR ?= $(LIBDIR)/pkgconfig
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
UDEVRULESDIR ?= /lib/udev/rules.d
MODPROBEDIR ?= /etc/modprobe.d
MODDIR ?= /lib/modules/$(KVER)/extra
DKMSSRCDIR ?= /usr/src/pmemdisk-$(VERSION)

# What DKMS builds from: the Kbuild tree of the module and nothing else.
DKMS_FILES := dkms.conf Kbuild $(sort $(wildcard driver/*.[ch] driver/core/*.[ch] uapi/*.h))

# depmod for $(KVER), on DESTDIR when there is one: never the host's own
# module tree when installing somewhere else.
DEPMOD = depmod $(if $(DESTDIR),-b $(DESTDIR)) $(KVER)

.PHONY: install uninstall install-module uninstall-module install-tools \
	uninstall-tools install-modconf uninstall-modconf install-dkms \
	uninstall-dkms install-dkms-src install-plb install-plb-lib install-plb-dev \
	uninstall-plb deb

install: install-module install-tools install-plb

uninstall: uninstall-module uninstall-tools uninstall-plb

# ------------------------------------------------------------- module
install-module: module install-modconf
	install -D -m 0644 $(BUILD)/kmod/$(KVER)/pmemdisk.ko $(DESTDIR)$(MODDIR)/pmemdisk.ko
	$(DEPMOD)

uninstall-module: uninstall-modconf
	rm -f $(DESTDIR)$(MODDIR)/pmemdisk.ko
	-rmdir --ignore-fail-on-non-empty $(DESTDIR)$(MODDIR) 2>/dev/null
	@if [ -d $(DESTDIR)/lib/modules/$(KVER) ]; then echo "$(DEPMOD)"; $(DEPMOD); fi

install-modconf:
	install -D -m 0644 driver/pmemdisk.4 $(DESTDIR)$(MANDIR)/man4/pmemdisk.4
	@conf=$(DESTDIR)$(MODPROBEDIR)/pmemdisk.conf; \
	if [ -e "$$conf" ]; then \
		echo "keeping $$conf (the shipped example is etc/modprobe.d/pmemdisk.conf)"; \
	else \
		echo "install -D -m 0644 etc/modprobe.d/pmemdisk.conf $$conf"; \
		install -D -m 0644 etc/modprobe.d/pmemdisk.conf "$$conf"; \
	fi

uninstall-modconf:
	rm -f $(DESTDIR)$(MANDIR)/man4/pmemdisk.4
	@conf=$(DESTDIR)$(MODPROBEDIR)/pmemdisk.conf; \
	if cmp -s etc/modprobe.d/pmemdisk.conf "$$conf"; then \
		echo "rm -f $$conf"; rm -f "$$conf"; \
	elif [ -e "$$conf" ]; then \
		echo "keeping $$conf: it was changed (remove it by hand if it is no longer needed)"; \
	fi

# -------------------------------------------------------------- tools
install-tools: pmemctl
	install -D -m 0755 userspace/pmemctl $(DESTDIR)$(SBINDIR)/pmemctl
	install -D -m 0644 userspace/pmemctl.8 $(DESTDIR)$(MANDIR)/man8/pmemctl.8
	install -D -m 0644 userspace/pmemctl.bash-completion $(DESTDIR)$(BASHCOMPDIR)/pmemctl
	install -D -m 0644 userspace/60-pmemdisk.rules $(DESTDIR)$(UDEVRULESDIR)/60-pmemdisk.rules
	@# a running udev picks the rule up now, not at the next boot
	@if [ -z "$(DESTDIR)" ] && udevadm control --reload 2>/dev/null; then \
		echo "udev rules reloaded"; fi

uninstall-tools:
	rm -f $(DESTDIR)$(SBINDIR)/pmemctl $(DESTDIR)$(MANDIR)/man8/pmemctl.8 \
		$(DESTDIR)$(BASHCOMPDIR)/pmemctl $(DESTDIR)$(UDEVRULESDIR)/60-pmemdisk.rules
	@if [ -z "$(DESTDIR)" ]; then udevadm control --reload 2>/dev/null || true; fi

# ---------------------------------------------------------------- plb
# The runtime library (libplb0) and what building against it needs
# (libplb-dev), as Debian splits them; ldconfig runs only on the host itself.
install-plb: install-plb-lib install-plb-dev

install-plb-lib: plb-lib
	install -D -m 0644 $(BUILD)/plb/$(PLB_SO) $(DESTDIR)$(LIBDIR)/$(PLB_SO)
	ln -sf $(PLB_SO) $(DESTDIR)$(LIBDIR)/libplb.so.$(PLB_SOVERSION)
	@if [ -z "$(DESTDIR)" ]; then echo ldconfig; ldconfig; fi

install-plb-dev:
	install -D -m 0644 plb/plb.h $(DESTDIR)$(INCLUDEDIR)/plb.h
	install -d $(DESTDIR)$(LIBDIR) $(DESTDIR)$(PKGCONFIGDIR)
	ln -sf $(PLB_SO) $(DESTDIR)$(LIBDIR)/libplb.so
	sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@LIBDIR@|$(LIBDIR)|' \
		-e 's|@INCLUDEDIR@|$(INCLUDEDIR)|' -e 's|@VERSION@|$(VERSION)|' \
		plb/plb.pc.in >$(DESTDIR)$(PKGCONFIGDIR)/plb.pc
	chmod 0644 $(DESTDIR)$(PKGCONFIGDIR)/plb.pc
	install -D -m 0644 plb/plb.3 $(DESTDIR)$(MANDIR)/man3/plb.3

uninstall-plb:
	rm -f $(DESTDIR)$(LIBDIR)/$(PLB_SO) $(DESTDIR)$(LIBDIR)/libplb.so.$(PLB_SOVERSION) \
		$(DESTDIR)$(LIBDIR)/libplb.so $(DESTDIR)$(INCLUDEDIR)/plb.h \
		$(DESTDIR)$(PKGCONFIGDIR)/plb.pc $(DESTDIR)$(MANDIR)/man3/plb.3
	@if [ -z "$(DESTDIR)" ]; then echo ldconfig; ldconfig; fi

# --------------------------------------------------------------- dkms
install-dkms-src:
	@for f in $(DKMS_FILES); do \
		install -D -m 0644 $$f $(DESTDIR)$(DKMSSRCDIR)/$$f || exit 1; done
	@echo "installed the module's sources in $(DESTDIR)$(DKMSSRCDIR)"

install-dkms: install-dkms-src install-modconf
	@if [ -z "$(DESTDIR)" ]; then \
		dkms status -m pmemdisk -v $(VERSION) | grep -q . || \
			dkms add -m pmemdisk -v $(VERSION) || exit 1; \
		dkms install -m pmemdisk -v $(VERSION) -k $(KVER) || exit 1; \
	fi

uninstall-dkms: uninstall-modconf
	@if [ -z "$(DESTDIR)" ] && dkms status -m pmemdisk -v $(VERSION) | grep -q .; then \
		echo "dkms remove -m pmemdisk -v $(VERSION) --all"; \
		dkms remove -m pmemdisk -v $(VERSION) --all || exit 1; \
	fi
	rm -rf $(DESTDIR)$(DKMSSRCDIR)

# ---------------------------------------------------------------- deb
# dpkg-buildpackage writes its results next to the tree it builds, so it
# builds a copy of the sources in build/deb/pmemdisk-VERSION/ and the
# packages land in build/deb/: the native source package (so that lintian
# checks debian/ too) and the binary ones, unsigned.
DEB_SRC_FILES := Makefile install.mk Kbuild dkms.conf README.md debian etc \
	driver uapi userspace plb

deb:
	@rm -rf $(BUILD)/deb && mkdir -p $(BUILD)/deb/pmemdisk-$(VERSION)
	@tar -c --exclude='*.o' --exclude='*.ko' --exclude='.*.cmd' \
		--exclude=userspace/pmemctl --exclude=plb/plb-crashtest \
		--exclude=plb/plb-bench $(DEB_SRC_FILES) | \
		tar -x -C $(BUILD)/deb/pmemdisk-$(VERSION)
	cd $(BUILD)/deb/pmemdisk-$(VERSION) && \
		DEB_BUILD_OPTIONS="noautodbgsym $${DEB_BUILD_OPTIONS:-}" \
		dpkg-buildpackage -us -uc
	@ls $(BUILD)/deb/*.deb
