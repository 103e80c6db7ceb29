#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make install / make uninstall into a DESTDIR: every file lands where udev,
# modprobe, man and bash-completion look for it, with the right mode; depmod
# -b indexes the module so modprobe resolves "pmemdisk" to it; the shipped
# modprobe.d file is inert until uncommented, parses when uncommented, and is
# never overwritten or removed once changed; PREFIX moves what it should;
# uninstall removes everything install put there. Nothing outside DESTDIR.
. "$(dirname "$0")/lib.sh"

kver=${kvers%% *}
d=$work/dest
make_q() { make --no-print-directory -C "$top" "$@" >"$work/make.log" 2>&1 ||
	{ cat "$work/make.log"; return 1; }; }
real_dep=/lib/modules/$kver/modules.dep
real_dep_before=$(stat -c %Y "$real_dep" 2>/dev/null)

check "make install DESTDIR KVER=$kver succeeds" make_q install DESTDIR="$d" KVER="$kver"

# file, mode
expected="lib/modules/$kver/extra/pmemdisk.ko 644
usr/local/sbin/pmemctl 755
usr/local/share/man/man8/pmemctl.8 644
usr/local/share/man/man4/pmemdisk.4 644
usr/local/share/bash-completion/completions/pmemctl 644
lib/udev/rules.d/60-pmemdisk.rules 644
etc/modprobe.d/pmemdisk.conf 644
usr/local/lib/libplb.so.$(pmd_version) 644
usr/local/include/plb.h 644
usr/local/lib/pkgconfig/plb.pc 644
usr/local/share/man/man3/plb.3 644"
# and the links to libplb's file: by soname, and for the linker
links="usr/local/lib/libplb.so.0
usr/local/lib/libplb.so"
while read -r f mode; do
	if [ ! -f "$d/$f" ]; then
		not_ok "installs /$f" "missing"
	else
		check_eq "installs /$f mode $mode" "$mode" "$(stat -c %a "$d/$f")"
	fi
done <<<"$expected"
installed=$(cd "$d" && find . \( -type f -o -type l \) ! -path "./lib/modules/$kver/modules.*" |
	sed 's|^\./||' | sort)
for l in $links; do
	check_eq "installs the link /$l to libplb" "libplb.so.$(pmd_version)" "$(readlink "$d/$l")"
done
check_eq "installs nothing else" "$( (echo "$expected" | cut -d' ' -f1; echo "$links") | sort)" \
	"$installed"

check_eq "the module is the one built for $kver" "$kver" \
	"$(modinfo -F vermagic "$d/lib/modules/$kver/extra/pmemdisk.ko" | cut -d' ' -f1)"
check "depmod -b indexed it in modules.dep" \
	grep -qx "extra/pmemdisk.ko:" "$d/lib/modules/$kver/modules.dep"
check_eq "modprobe resolves pmemdisk to the installed module" \
	"insmod $d/lib/modules/$kver/extra/pmemdisk.ko" \
	"$(modprobe -d "$d" -S "$kver" -C /dev/null --show-depends pmemdisk 2>&1 | sed 's/ *$//')"
check "the installed pmemctl runs" "$d/usr/local/sbin/pmemctl" help
check "the installed rule is the repository's" \
	cmp "$top/userspace/60-pmemdisk.rules" "$d/lib/udev/rules.d/60-pmemdisk.rules"

# The example configuration: inert as shipped, valid once uncommented.
conf=$d/etc/modprobe.d/pmemdisk.conf
# (--showconfig adds options from the kernel command line: compare with
# an empty configuration)
showconfig() { modprobe -d "$d" -S "$kver" -C "$1" --showconfig 2>&1; }
mkdir -p "$work/empty"
check_eq "the shipped modprobe.d file sets nothing" "$(showconfig "$work/empty")" \
	"$(showconfig "$d/etc/modprobe.d")"
mkdir -p "$work/uncommented"
sed -E 's/^#((blacklist|options) )/\1/' "$conf" >"$work/uncommented/pmemdisk.conf"
shown=$(showconfig "$work/uncommented")
for want in "blacklist nfit" "blacklist nd_e820" "blacklist nd_pmem" \
	"blacklist nd_btt" "options pmemdisk labels=auto" "options pmemdisk sim=1G"; do
	grep -qx "$want" <<<"$shown" && ok "uncommented, modprobe reads '$want'" ||
		not_ok "uncommented, modprobe reads '$want'" "$shown"
done
# every option the example sets is a parameter the module has
for p in $(sed -nE 's/^#options pmemdisk ([a-z_]+)=.*/\1/p' "$conf"); do
	grep -q "^$p:" <<<"$(modinfo -F parm "$d/lib/modules/$kver/extra/pmemdisk.ko")" &&
		ok "the example's option $p= is a module parameter" ||
		not_ok "the example's option $p= is a module parameter"
done

# An admin's edit survives a reinstall, and an uninstall.
echo "options pmemdisk labels=dsm" >>"$conf"
check "make install again succeeds" make_q install DESTDIR="$d" KVER="$kver"
check "reinstalling keeps the admin's modprobe.d edit" grep -qx "options pmemdisk labels=dsm" "$conf"

check "make uninstall succeeds" make_q uninstall DESTDIR="$d" KVER="$kver"
grep -q "keeping .*pmemdisk.conf: it was changed" "$work/make.log" &&
	ok "uninstall says it keeps the changed modprobe.d file" ||
	not_ok "uninstall says it keeps the changed modprobe.d file" "$(cat "$work/make.log")"
left=$(cd "$d" && find . \( -type f -o -type l \) ! -path "./lib/modules/$kver/modules.*" |
	sed 's|^\./||' | sort)
check_eq "uninstall removes everything else it installed" "etc/modprobe.d/pmemdisk.conf" "$left"
check_fails "depmod after uninstall drops pmemdisk from modules.dep" \
	grep -q pmemdisk "$d/lib/modules/$kver/modules.dep"
check_fails "uninstall removes the empty extra/ directory" test -d "$d/lib/modules/$kver/extra"

# An unchanged modprobe.d file goes with the rest.
rm -rf "$d"
make_q install DESTDIR="$d" KVER="$kver" && make_q uninstall DESTDIR="$d" KVER="$kver"
check_eq "uninstall removes an unchanged modprobe.d file too" "" \
	"$(cd "$d" && find . -type f ! -path "./lib/modules/$kver/modules.*")"

# PREFIX moves the tool, its man pages and completion; udev and modprobe
# read only their own directories.
d2=$work/prefix
check "make install-tools PREFIX=/usr succeeds" make_q install-tools DESTDIR="$d2" PREFIX=/usr
for f in usr/sbin/pmemctl usr/share/man/man8/pmemctl.8 \
	usr/share/bash-completion/completions/pmemctl lib/udev/rules.d/60-pmemdisk.rules; do
	check "PREFIX=/usr: /$f" test -f "$d2/$f"
done
check_fails "PREFIX=/usr: nothing in /usr/local" test -e "$d2/usr/local"

# KVER: the running kernel when installing, unless given.
check "make uninstall defaults KVER to the running kernel ($(uname -r))" \
	bash -c "make --no-print-directory -n -C '$top' uninstall-module DESTDIR=/nonexistent |
		grep -qF '/lib/modules/$(uname -r)/extra/pmemdisk.ko'"
check "make uninstall KVER=$kver uses $kver" \
	bash -c "make --no-print-directory -n -C '$top' uninstall-module DESTDIR=/nonexistent KVER=$kver |
		grep -qF '/lib/modules/$kver/extra/pmemdisk.ko'"

check_fails "the host's own /lib/modules/$kver got no pmemdisk" \
	test -e "/lib/modules/$kver/extra/pmemdisk.ko"
check_eq "the host's own modules.dep was not rewritten" "$real_dep_before" \
	"$(stat -c %Y "$real_dep" 2>/dev/null)"
finish
