#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make deb: builds the pmemdisk-dkms, pmemctl, libplb0 and libplb-dev
# packages (and the native source package) in build/deb/ and nowhere else;
# each package holds what the matching make install target installs (the
# DKMS sources, pmemdisk.4, the modprobe.d conffile; pmemctl, pmemctl.8,
# completion, udev rule; libplb.so.0; plb.h, libplb.so, plb.pc, plb.3), with
# dkms maintainer scripts only in pmemdisk-dkms; an application builds with
# 'pkg-config --cflags --libs plb' against the unpacked libplb packages and
# runs; lintian finds no error in any of them (its warnings, if any, are
# printed as diagnostics).
. "$(dirname "$0")/lib.sh"

version=$(pmd_version)
arch=$(dpkg --print-architecture)
out=$top/build/deb
dkms_deb=$out/pmemdisk-dkms_${version}_all.deb
tool_deb=$out/pmemctl_${version}_${arch}.deb
lib_deb=$out/libplb0_${version}_${arch}.deb
dev_deb=$out/libplb-dev_${version}_${arch}.deb
multiarch=$(dpkg-architecture -qDEB_HOST_MULTIARCH)
tree_state() { git -C "$top" status --porcelain 2>/dev/null; ls "$top"/.. | grep -E '\.(deb|changes|buildinfo|dsc)$'; }
before=$(tree_state)

if make --no-print-directory -C "$top" deb >"$work/deb.log" 2>&1; then
	ok "make deb succeeds"
else
	not_ok "make deb succeeds" "$(tail -n 40 "$work/deb.log")"
	finish
fi
check_eq "it leaves nothing outside build/" "$before" "$(tree_state)"
check_eq "build/deb holds the four packages" \
	"$(printf '%s\n' "$tool_deb" "$dkms_deb" "$lib_deb" "$dev_deb" | sort)" \
	"$(ls "$out"/*.deb | sort)"

# contents DEB: "mode path" of its files, docs left out
contents() {
	dpkg-deb -c "$1" | awk '$1 !~ /^d/ { sub(/^\./, "", $6); print $1, $6 }' |
		grep -v ' /usr/share/doc/' | sort
}
# installed DIR: the same for what a make install put in DIR
installed() {
	(cd "$1" && find . ! -type d -printf '%M %p\n') |
		sed -e 's| \.| |' -e '\|/share/man/man[0-9]/|s|$|.gz|' | sort
}
field() { dpkg-deb -f "$1" "$2"; }

# ---- pmemdisk-dkms: what make install-dkms installs, for DKMS
check_eq "pmemdisk-dkms version is $version" "$version" "$(field "$dkms_deb" Version)"
check_eq "pmemdisk-dkms is Architecture: all" all "$(field "$dkms_deb" Architecture)"
grep -q '\bdkms\b' <<<"$(field "$dkms_deb" Depends)" && ok "pmemdisk-dkms depends on dkms" ||
	not_ok "pmemdisk-dkms depends on dkms" "$(field "$dkms_deb" Depends)"
make --no-print-directory -C "$top" install-dkms DESTDIR="$work/dkms" PREFIX=/usr >/dev/null 2>&1
want=$(cd "$work/dkms" && find . -type f | sed -e 's|^\.||' -e 's|\.4$|.4.gz|' |
	sed 's/^/-rw-r--r-- /' | sort)
check_eq "pmemdisk-dkms holds what make install-dkms installs" "$want" "$(contents "$dkms_deb")"
dpkg-deb -e "$dkms_deb" "$work/dkms-ctl"
check_eq "/etc/modprobe.d/pmemdisk.conf is a conffile" /etc/modprobe.d/pmemdisk.conf \
	"$(cat "$work/dkms-ctl/conffiles" 2>/dev/null)"
grep -q "DKMS_NAME=pmemdisk" "$work/dkms-ctl/postinst" 2>/dev/null &&
	grep -q "DKMS_VERSION=$version" "$work/dkms-ctl/postinst" &&
	grep -q "common.postinst" "$work/dkms-ctl/postinst" &&
	ok "its postinst has dkms add, build and install pmemdisk/$version" ||
	not_ok "its postinst has dkms add, build and install pmemdisk/$version"
grep -q 'dkms remove -m $DKMS_NAME -v $DKMS_VERSION --all' "$work/dkms-ctl/prerm" 2>/dev/null &&
	grep -q "DKMS_NAME=pmemdisk" "$work/dkms-ctl/prerm" &&
	ok "its prerm has dkms remove --all" ||
	not_ok "its prerm has dkms remove --all" "$(cat "$work/dkms-ctl/prerm" 2>&1)"

# ---- pmemctl: what make install-tools installs with PREFIX=/usr
check_eq "pmemctl version is $version" "$version" "$(field "$tool_deb" Version)"
check_eq "pmemctl is Architecture: $arch" "$arch" "$(field "$tool_deb" Architecture)"
grep -q dkms <<<"$(field "$tool_deb" Depends)" &&
	not_ok "pmemctl does not depend on dkms" "$(field "$tool_deb" Depends)" ||
	ok "pmemctl does not depend on dkms"
make --no-print-directory -C "$top" install-tools DESTDIR="$work/tools" PREFIX=/usr >/dev/null 2>&1
want=$(cd "$work/tools" && find . -type f -printf '%m %p\n' |
	sed -e 's|^755 |-rwxr-xr-x |' -e 's|^644 |-rw-r--r-- |' -e 's| \.| |' -e 's|\.8$|.8.gz|' | sort)
check_eq "pmemctl holds what make install-tools installs" "$want" "$(contents "$tool_deb")"
dpkg-deb -e "$tool_deb" "$work/tool-ctl"
check_fails "pmemctl has no dkms maintainer scripts" grep -qs dkms "$work"/tool-ctl/p*
dpkg-deb -x "$tool_deb" "$work/tool-root"
check "the packaged pmemctl runs" "$work/tool-root/usr/sbin/pmemctl" help
grep -q 'BIND_NOW' <<<"$(readelf -d "$work/tool-root/usr/sbin/pmemctl")" &&
	ok "the packaged pmemctl has the hardening flags (bind now)" ||
	not_ok "the packaged pmemctl has the hardening flags (bind now)"

# ---- libplb0 and libplb-dev: what make install-plb-lib and -dev install
plb_dirs=(PREFIX=/usr LIBDIR=/usr/lib/$multiarch)
for p in lib dev; do
	deb=$lib_deb name=libplb0
	[ $p = dev ] && deb=$dev_deb name=libplb-dev
	check_eq "$name version is $version, Architecture: $arch" "$version $arch" \
		"$(field "$deb" Version) $(field "$deb" Architecture)"
	make --no-print-directory -C "$top" install-plb-$p DESTDIR="$work/plb-$p" \
		"${plb_dirs[@]}" >/dev/null 2>&1
	check_eq "$name holds what make install-plb-$p installs" \
		"$(installed "$work/plb-$p")" "$(contents "$deb")"
done
check_eq "libplb-dev depends on libplb0 of the same version" "libplb0 (= $version)" \
	"$(field "$dev_deb" Depends)"
dpkg-deb -e "$lib_deb" "$work/lib-ctl"
check_eq "libplb0's shlibs file names libplb.so.0" "libplb 0 libplb0 (>= $version)" \
	"$(cat "$work/lib-ctl/shlibs" 2>/dev/null)"
grep -q '^activate-noawait ldconfig$' "$work/lib-ctl/triggers" 2>/dev/null &&
	ok "libplb0 runs ldconfig (trigger)" || not_ok "libplb0 runs ldconfig (trigger)"
# an application against the unpacked packages, by pkg-config alone
dpkg-deb -x "$lib_deb" "$work/plb-root" && dpkg-deb -x "$dev_deb" "$work/plb-root"
printf '#include <plb.h>\n#include <stdio.h>\nint main(void)\n{\n\tprintf("%%08x\\n", plb_crc32c(0, "123456789", 9));\n\treturn 0;\n}\n' \
	>"$work/crc.c"
flags=$(PKG_CONFIG_LIBDIR=$work/plb-root/usr/lib/$multiarch/pkgconfig \
	PKG_CONFIG_SYSROOT_DIR=$work/plb-root pkg-config --cflags --libs plb)
# shellcheck disable=SC2086
cc -Wall -Werror -o "$work/crc" "$work/crc.c" $flags 2>"$work/cc.log" &&
	check_eq "an application built with the packages' pkg-config flags runs (CRC32C check value)" \
		e3069283 "$(LD_LIBRARY_PATH=$work/plb-root/usr/lib/$multiarch "$work/crc")" ||
	not_ok "an application builds against the unpacked libplb-dev" "$(cat "$work/cc.log")"

# ---- lintian: no errors. First make sure it reports one where one is.
mkdir -p "$work/bad/DEBIAN" "$work/bad/usr/bin"
printf 'Package: pmd-bad\nVersion: 1\nArchitecture: all\nMaintainer: x <x@example.org>\nDescription: no copyright file\n test\n' \
	>"$work/bad/DEBIAN/control"
dpkg-deb -b "$work/bad" "$work/bad.deb" >/dev/null 2>&1
bad=$(lintian --allow-root "$work/bad.deb" 2>/dev/null)
grep -q '^E: pmd-bad: no-copyright-file' <<<"$bad" &&
	ok "lintian reports errors here (a package without copyright)" ||
	not_ok "lintian reports errors here (a package without copyright)"
lintian --allow-root --info --pedantic "$out/pmemdisk_${version}_${arch}.changes" \
	>"$work/lintian.log" 2>&1
errors=$(grep -E '^E: ' "$work/lintian.log")
check_eq "lintian: no errors in the source and binary packages" "" "$errors"
others=$(grep -E '^[WIP]: ' "$work/lintian.log")
diag "lintian warnings, info and pedantic tags: ${others:-none}"
finish
