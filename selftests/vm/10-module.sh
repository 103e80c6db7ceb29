#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# pmemdisk.ko loads and unloads cleanly, creates /dev/pmemdisk-ctl (0600),
# answers the version request, and pmemctl reports both versions.
. "$(dirname "$0")/lib.sh"

guest "load, version, unload" --dimm "$(dimm_path d0):256M" <<'GUEST'
. /pmd/tests/lib.sh
check "pmemdisk.ko loads" insmod /pmd/pmemdisk.ko
check "/dev/pmemdisk-ctl exists" test -c /dev/pmemdisk-ctl
/pmd/tests/ctl_test
[ $? -eq 0 ] || t_failed=1

out=$(pmemctl version 2>&1); rc=$?
diag "$out"
# the tool's ABI (whatever uapi/pmemdisk.h says), and the module's the same
abi=$(echo "$out" | sed -n 's/^pmemctl 0\.1\.0 (ABI \([0-9]*\.[0-9]*\))$/\1/p')
[ $rc -eq 0 ] && [ -n "$abi" ] &&
	echo "$out" | grep -qx "pmemdisk.ko 0.1.0 (ABI $abi) on Linux $(uname -r)" &&
	ok "pmemctl version prints the tool's and the module's versions" ||
	not_ok "pmemctl version prints the tool's and the module's versions"

check "pmemdisk.ko unloads" rmmod pmemdisk
check_fails "/dev/pmemdisk-ctl is gone after unload" test -e /dev/pmemdisk-ctl
out=$(pmemctl version 2>&1); rc=$?
diag "$out"
[ $rc -eq 3 ] && echo "$out" | grep -q "is pmemdisk.ko loaded?" &&
	ok "pmemctl version without the module exits 3 and says why" ||
	not_ok "pmemctl version without the module exits 3 and says why" "status $rc"

cycles=0
for i in $(seq 20); do
	insmod /pmd/pmemdisk.ko && pmemctl version >/dev/null && rmmod pmemdisk || break
	cycles=$i
done
[ $cycles -eq 20 ] && ok "20 load/version/unload cycles" ||
	not_ok "20 load/version/unload cycles" "cycle $((cycles + 1)) failed"
check_dmesg_clean
finish
GUEST
plan_end
