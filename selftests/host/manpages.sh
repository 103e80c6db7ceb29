#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The man pages pmemctl.8, pmemdisk.4 and plb.3 render without a groff or man
# warning (the check lintian makes), have a whatis entry, carry the
# release of driver/version.h, are found by man where make install puts
# them, and say what the code has: pmemdisk.4 every module parameter, sysfs
# attribute and ioctl, the control device's mode and the udev links;
# pmemctl.8 every command, with the synopsis pmemctl's option tables give;
# plb.3 every function of plb.h.
. "$(dirname "$0")/lib.sh"

version=$(pmd_version)
pages="userspace/pmemctl.8 driver/pmemdisk.4 plb/plb.3"

for p in $pages; do
	f=$top/$p
	out=$(groff -man -Tutf8 -ww -z "$f" 2>&1)
	check_eq "$p: groff -man -ww gives no warning" "" "$out"
	# as lintian runs it (groff-message, manpage-has-errors-from-man)
	out=$(LC_ALL=C.UTF-8 MANROFFSEQ='' MANWIDTH=80 \
		man --warnings -E UTF-8 -l -Tutf8 -Z "$f" 2>&1 >/dev/null)
	check_eq "$p: man --warnings gives no warning" "" "$out"
	name=$(basename "$p" | cut -d. -f1)
	grep -q ": \"$name - " <<<"$(lexgrog "$f" 2>&1)" &&
		ok "$p: lexgrog finds its whatis entry" ||
		not_ok "$p: lexgrog finds its whatis entry" "$(lexgrog "$f" 2>&1)"
	check_eq "$p: .TH names release $version" "pmemdisk $version" \
		"$(sed -n 's/^\.TH [A-Z]* [0-9] "[^"]*" "\([^"]*\)".*/\1/p' "$f")"
done

# Rendered text without line breaks in paragraphs, for "does the page say
# X" checks.
text() { MANWIDTH=1000 man -l "$top/$1" 2>/dev/null | col -b | tr -s ' '; }

# ---- pmemdisk.4 against the driver
page=$(text driver/pmemdisk.4)
for p in $(grep -ho 'module_param(\w*' "$top"/driver/*.c | cut -d'(' -f2 | sort -u); do
	grep -qE "^[[:space:]]*$p=" <<<"$page" && ok "pmemdisk.4 documents parameter $p=" ||
		not_ok "pmemdisk.4 documents parameter $p="
done
attrs=$(sed -n '/^static struct attribute \*pmdisk_disk_attrs/,/NULL/s/.*&dev_attr_\(\w*\)\.attr.*/\1/p' \
	"$top/driver/disk.c")
[ -n "$attrs" ] || not_ok "found the sysfs attributes in driver/disk.c"
sysfs=$(echo "$page" | sed -n '/^SYSFS/,/^IOCTLS/p')
for a in $attrs; do
	grep -qE "^[[:space:]]*$a([[:space:]]|$)" <<<"$sysfs" && ok "pmemdisk.4 documents sysfs attribute $a" ||
		not_ok "pmemdisk.4 documents sysfs attribute $a"
done
for ioc in $(grep -o '^#define PMEMDISK_IOC_[A-Z_]*' "$top/uapi/pmemdisk.h" | cut -d' ' -f2 |
	grep -v MAGIC); do
	grep -qE "^[[:space:]]*$ioc$" <<<"$page" && ok "pmemdisk.4 documents $ioc" ||
		not_ok "pmemdisk.4 documents $ioc"
done
mode=$(sed -n 's/.*\.mode = \(0[0-7]*\),.*/\1/p' "$top/driver/ctl.c")
grep -q "misc device, mode $mode" <<<"$page" && ok "pmemdisk.4 gives /dev/pmemdisk-ctl mode $mode" ||
	not_ok "pmemdisk.4 gives /dev/pmemdisk-ctl mode $mode"
for link in by-id by-name; do
	grep -q "SYMLINK+=\"disk/$link/pmemdisk-" "$top/userspace/60-pmemdisk.rules" &&
		grep -q "/dev/disk/$link/pmemdisk-" <<<"$page" &&
		ok "pmemdisk.4 names the udev rule's $link links" ||
		not_ok "pmemdisk.4 names the udev rule's $link links"
done

# ---- pmemctl.8 against pmemctl
page=$(text userspace/pmemctl.8)
make --no-print-directory -C "$top" pmemctl >/dev/null 2>&1 || not_ok "pmemctl builds"
usage=$("$top/userspace/pmemctl" help)
commands=$(sed -n 's/^  \([a-z-]*\).*/\1/p' <<<"$usage")
[ -n "$commands" ] || not_ok "found pmemctl's commands in 'pmemctl help'"
cmds=$(sed -n '/^COMMANDS/,/^JSON OUTPUT/p' <<<"$page" | sed 's/^[[:space:]]*//')
for c in $commands; do
	grep -qE "^$c( |$)" <<<"$cmds" &&
		ok "pmemctl.8 documents command $c" || not_ok "pmemctl.8 documents command $c"
	# the synopsis pmemctl generates from the command's option table
	line=$(grep -E "^  $c( |$)" <<<"$usage" | sed 's/^  //')
	[ "$line" = "$c" ] && continue
	grep -qxF -- "$line" <<<"$cmds" &&
		ok "pmemctl.8 gives $c the synopsis of its option table" ||
		not_ok "pmemctl.8 gives $c the synopsis of its option table" "pmemctl help: $line"
done
grep -q 'pmemdisk(4)' <<<"$page" && ok "pmemctl.8 refers to pmemdisk(4)" ||
	not_ok "pmemctl.8 refers to pmemdisk(4)"

# ---- plb.3 against plb.h: every function applications can call
page=$(text plb/plb.3)
funcs=$(sed -n 's/^[a-z].*[ *]\(plb_[a-z0-9_]*\)(.*/\1/p' "$top/plb/plb.h" | grep -v '^plb_record_span$')
[ -n "$funcs" ] || not_ok "found the functions of plb/plb.h"
for fn in $funcs; do
	grep -q "^NAME" <<<"$page" && grep -A3 "^NAME" <<<"$page" | grep -qw "$fn" &&
		grep -q "$fn(" <<<"$(sed -n '/^SYNOPSIS/,/^DESCRIPTION/p' <<<"$page")" &&
		ok "plb.3 names and declares $fn" || not_ok "plb.3 names and declares $fn"
done

# ---- installed, man finds them by name and section
d=$work/dest
if make --no-print-directory -C "$top" install-tools install-modconf install-plb-dev \
	DESTDIR="$d" >/dev/null 2>&1; then
	for want in "4 pmemdisk man4/pmemdisk.4" "8 pmemctl man8/pmemctl.8" "3 plb man3/plb.3"; do
		set -- $want
		check_eq "man $1 $2 finds the installed page" \
			"$d/usr/local/share/man/$3" "$(MANPATH=$d/usr/local/share/man man -w "$1" "$2" 2>&1)"
	done
else
	not_ok "make install-tools install-modconf install-plb-dev DESTDIR"
fi
finish
