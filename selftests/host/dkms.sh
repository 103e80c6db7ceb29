#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# DKMS: the source tree 'make install-dkms' installs (the one pmemdisk-dkms
# ships) goes through dkms add, build, install and remove for each test
# kernel, none of them the running one, in a private DKMS tree. The module
# DKMS builds is the Makefile's module: same sources (srcversion), same
# kernel interface (imported symbols and their CRCs, which is where Kbuild's
# feature checks on the target's headers show), and modinfo documents it.
# Nothing is left in the machine's own /var/lib/dkms, /usr/src or
# /lib/modules.
. "$(dirname "$0")/lib.sh"

version=$(pmd_version)
src=$work/src tree=$work/tree root=$work/root
mkdir -p "$src" "$tree" "$root/lib/modules" "$work/tmp"
# dkms writes temporary files in TMPDIR and signs modules with a key it
# generates when missing: keep both in $work, not in /tmp or /var/lib/dkms.
export TMPDIR=$work/tmp mok_signing_key=$work/mok.key mok_certificate=$work/mok.pub
dkms_() { dkms --dkmstree "$tree" --sourcetree "$src" --installtree "$root/lib/modules" "$@"; }
host_state() { ls -A /var/lib/dkms /usr/src 2>/dev/null; ls /lib/modules/*/updates/dkms 2>/dev/null; }
host_before=$(host_state)

# One version, said in three places.
check_eq "dkms.conf's PACKAGE_VERSION is driver/version.h's $version" "$version" \
	"$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' "$top/dkms.conf")"
check_eq "debian/changelog's version is $version" "$version" \
	"$(dpkg-parsechangelog -l "$top/debian/changelog" -S Version)"

check "make install-dkms DESTDIR installs the sources" \
	make --no-print-directory -C "$top" install-dkms DESTDIR="$work/stage"
mv "$work/stage/usr/src/pmemdisk-$version" "$src/" 2>/dev/null
check "Kbuild and dkms.conf are at the top of the source tree" \
	test -f "$src/pmemdisk-$version/Kbuild" -a -f "$src/pmemdisk-$version/dkms.conf"
check_eq "the source tree holds Kbuild's sources and nothing else" \
	"$(cd "$top" && ls Kbuild dkms.conf driver/*.[ch] driver/core/*.[ch] uapi/*.h | sort)" \
	"$(cd "$src/pmemdisk-$version" && find . -type f | sed 's|^\./||' | sort)"
check "dkms add" dkms_ add -m pmemdisk -v "$version"

for k in $kvers; do
	ko=$tree/pmemdisk/$version/$k/x86_64/module/pmemdisk.ko
	if dkms_ build -m pmemdisk -v "$version" -k "$k" >"$work/build-$k.log" 2>&1; then
		ok "dkms build for $k (not the running kernel)"
	else
		not_ok "dkms build for $k (not the running kernel)" "$(tail -n 30 "$work/build-$k.log")"
		continue
	fi
	# dkms compresses as the kernel's own modules are (6.12: .ko.xz)
	[ -f "$ko" ] || ko=$(ls "$ko".* 2>/dev/null | head -n 1)
	[ -f "$ko" ] || { not_ok "dkms kept the built module for $k"; continue; }
	log=$tree/pmemdisk/$version/$k/x86_64/log/make.log
	check_fails "the $k build log has no warning" grep -qi 'warning:' "$log"
	check_eq "its vermagic is $k" "$k" "$(modinfo -F vermagic "$ko" | cut -d' ' -f1)"
	check_eq "modinfo version is $version" "$version" "$(modinfo -F version "$ko")"
	check_eq "modinfo license is GPL" GPL "$(modinfo -F license "$ko")"
	for f in description author; do
		[ -n "$(modinfo -F "$f" "$ko")" ] && ok "modinfo has a $f" || not_ok "modinfo has a $f"
	done
	for p in $(grep -ho 'module_param(\w*' "$top"/driver/*.c | cut -d'(' -f2 | sort -u); do
		grep -qE "^$p:.{20,}" <<<"$(modinfo -F parm "$ko")" &&
			ok "modinfo describes parameter $p" ||
			not_ok "modinfo describes parameter $p" "$(modinfo -F parm "$ko")"
	done

	# The same module as 'make module KVER=$k'.
	if make --no-print-directory -C "$top" KVER="$k" module >"$work/make-$k.log" 2>&1; then
		mine=$top/build/kmod/$k/pmemdisk.ko
		check_eq "same srcversion as the Makefile's module for $k" \
			"$(modinfo -F srcversion "$mine")" "$(modinfo -F srcversion "$ko")"
		dkms_ko=$work/dkms-$k.ko
		case "$ko" in
		*.xz) xz -dc "$ko" >"$dkms_ko" ;;
		*.zst) zstd -qdc "$ko" >"$dkms_ko" ;;
		*) cp "$ko" "$dkms_ko" ;;
		esac
		check_eq "same kernel symbols and CRCs as the Makefile's module for $k" \
			"$(modprobe --dump-modversions "$mine" | sort)" \
			"$(modprobe --dump-modversions "$dkms_ko" | sort)"
	else
		not_ok "make module KVER=$k" "$(tail -n 20 "$work/make-$k.log")"
	fi

	mkdir -p "$root/lib/modules/$k"	# dkms installs only into existing kernels
	check "dkms install for $k (private tree, no depmod)" \
		dkms_ install --no-depmod -m pmemdisk -v "$version" -k "$k"
	depmod -b "$root" "$k" 2>/dev/null
	check "it lands in updates/dkms/ and modules.dep knows it" \
		grep -qE "^updates/dkms/pmemdisk\.ko(\.xz|\.zst)?:" "$root/lib/modules/$k/modules.dep"
	check "dkms status says installed for $k" \
		grep -q ': installed' <<<"$(dkms --dkmstree "$tree" status -m pmemdisk -v "$version" -k "$k" 2>/dev/null)"
done

check "dkms remove --all" dkms_ remove -m pmemdisk -v "$version" --all --no-depmod
check_eq "nothing of pmemdisk is left in the private DKMS tree" "" \
	"$(find "$tree" -mindepth 1 2>/dev/null)"
check_eq "the modules are gone from the install tree" "" \
	"$(find "$root" -name 'pmemdisk.ko*')"
check_eq "the machine's /var/lib/dkms, /usr/src and updates/dkms are as before" \
	"$host_before" "$(host_state)"
finish
