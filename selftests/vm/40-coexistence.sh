#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# pmemdisk and the in-kernel NVDIMM stack on one machine: with nfit and
# nd_pmem bound first, pmemdisk loads, refuses their ranges with a message
# that names the owner, keeps its hands off their data, and a simulated
# region still works beside them. The same for legacy e820 ranges owned by
# nd_e820. (Compatibility test: it loads the in-kernel modules.)
. "$(dirname "$0")/lib.sh"

guest "nfit and nd_pmem own the NVDIMM" --dimm "$(dimm_path d0):128M" <<'GUEST'
. /pmd/tests/lib.sh
modprobe nfit && modprobe nd_pmem
for i in $(seq 50); do [ -b /dev/pmem0 ] && break; sleep 0.1; done
check "in-kernel nd_pmem made /dev/pmem0" test -b /dev/pmem0
echo in-kernel-data | dd of=/dev/pmem0 bs=4096 seek=8 conv=fsync 2>/dev/null
mark_dmesg
check "pmemdisk.ko loads beside them" insmod /pmd/pmemdisk.ko sim=32M
msg=$(dmesg_new | grep 'pmemdisk: skipping')
diag "$msg"
echo "$msg" | grep -q 'owned by nfit' && ok "the refusal names nfit as the owner" ||
	not_ok "the refusal names nfit as the owner"
check_eq "only the simulated region became a disk" "pmemdisk0" "$(ls /sys/block | grep pmemdisk)"
check_eq "it is the simulated one" volatile "$(cat /sys/block/pmemdisk0/pmemdisk/persistence_domain)"
pattern sim 1048576 | dd of=/dev/pmemdisk0 bs=4096 oflag=direct 2>/dev/null
check_eq "the simulated disk reads back what was written" "$(pattern sim 1048576 | sha256sum)" \
	"$(dd if=/dev/pmemdisk0 bs=4096 count=256 iflag=direct 2>/dev/null | sha256sum)"
check_eq "nd_pmem's data is untouched" in-kernel-data "$(dd if=/dev/pmem0 bs=4096 skip=8 count=1 2>/dev/null | head -n1)"
check "pmemdisk unloads" rmmod pmemdisk
check "nd_pmem still serves I/O" dd if=/dev/pmem0 of=/dev/null bs=1M count=4
check_dmesg_clean
finish
GUEST

guest "nd_e820 owns a memmap range" --append "memmap=32M!1536M" <<'GUEST'
. /pmd/tests/lib.sh
modprobe nd_e820 && modprobe nd_pmem
for i in $(seq 50); do [ -b /dev/pmem0 ] && break; sleep 0.1; done
check "in-kernel nd_e820 made /dev/pmem0" test -b /dev/pmem0
mark_dmesg
check "pmemdisk.ko loads beside it" insmod /pmd/pmemdisk.ko
msg=$(dmesg_new | grep 'pmemdisk: skipping')
diag "$msg"
echo "$msg" | grep -q 'owned by nd_e820' && ok "the refusal names nd_e820 as the owner" ||
	not_ok "the refusal names nd_e820 as the owner"
check_fails "no pmemdisk for that range" test -e /dev/pmemdisk0
check "pmemdisk unloads" rmmod pmemdisk
check_dmesg_clean
finish
GUEST
plan_end
