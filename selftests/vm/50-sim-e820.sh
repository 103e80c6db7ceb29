#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Simulated regions (sim=) including 2- and 4-way interleaved sets, and
# legacy e820 type-12 ranges (memmap=nn!ss): the right sizes, DIMM lists and
# persistence domain; bad sim= values refused with a reason; and 100
# load/unload cycles that leave no memory behind.
. "$(dirname "$0")/lib.sh"

guest "simulated regions beside one NVDIMM" --dimm "$(dimm_path d0):64M" <<'GUEST'
. /pmd/tests/lib.sh
mark_dmesg
check_fails "sim=3x is refused" insmod /pmd/pmemdisk.ko sim=64M,3x
check "the refusal names the bad entry" sh -c "dmesg | grep -q \"sim=64M,3x: '3x' is not\""
check_fails "sim=5M (not 2 MiB aligned) is refused" insmod /pmd/pmemdisk.ko sim=5M
check_fails "sim=17x8M (more than 16 ways) is refused" insmod /pmd/pmemdisk.ko sim=17x8M
check_fails "nothing was left behind by refusals" test -e /dev/pmemdisk0

# The NVDIMM comes first (pmemdisk0, dimm0), then sim= in the order given.
check "load with sim=64M,2x32M,4x16M" insmod /pmd/pmemdisk.ko sim=64M,2x32M,4x16M
check_eq "the NVDIMM is pmemdisk0" unknown "$(cat /sys/block/pmemdisk0/pmemdisk/persistence_domain)"
for n in 1 2 3; do
	check_eq "pmemdisk$n is 64 MiB" 67108864 "$(blockdev --getsize64 /dev/pmemdisk$n)"
	check_eq "pmemdisk$n is volatile" volatile "$(cat /sys/block/pmemdisk$n/pmemdisk/persistence_domain)"
done
check_eq "1-way DIMM list" "dimm1" "$(cat /sys/block/pmemdisk1/pmemdisk/dimms)"
check_eq "2-way DIMM list" "dimm2 dimm3" "$(cat /sys/block/pmemdisk2/pmemdisk/dimms)"
check_eq "4-way DIMM list" "dimm4 dimm5 dimm6 dimm7" "$(cat /sys/block/pmemdisk3/pmemdisk/dimms)"
check "fio verify on the 4-way disk" fio --name=v --filename=/dev/pmemdisk3 --rw=randwrite \
	--bs=4k --size=64M --direct=1 --verify=crc32c --verify_fatal=1 --minimal
check "unload" rmmod pmemdisk

# 100 load/unload cycles: slab and vmalloc use return to where they were
insmod /pmd/pmemdisk.ko sim=32M,2x16M && rmmod pmemdisk
sync; echo 3 > /proc/sys/vm/drop_caches
slab0=$(awk '/^SUnreclaim:/ {print $2}' /proc/meminfo)
vm0=$(awk '/^VmallocUsed:/ {print $2}' /proc/meminfo)
cycles=0
for i in $(seq 100); do
	insmod /pmd/pmemdisk.ko sim=32M,2x16M && dd if=/dev/pmemdisk1 of=/dev/null bs=1M count=1 2>/dev/null &&
		rmmod pmemdisk || break
	cycles=$i
done
check_eq "100 load/read/unload cycles" 100 $cycles
insmod /pmd/pmemdisk.ko sim=32M,2x16M
loaded=$(grep -c '\[pmemdisk\]' /proc/vmallocinfo)
diag "while loaded, /proc/vmallocinfo has $loaded areas of pmemdisk (NVDIMM mapping, simulated regions)"
check "the vmalloc probe sees pmemdisk's areas while loaded" test "$loaded" -ge 3
rmmod pmemdisk
sync; echo 3 > /proc/sys/vm/drop_caches
slab1=$(awk '/^SUnreclaim:/ {print $2}' /proc/meminfo)
vm1=$(awk '/^VmallocUsed:/ {print $2}' /proc/meminfo)
diag "SUnreclaim ${slab0} kB -> ${slab1} kB, VmallocUsed ${vm0} kB -> ${vm1} kB"
# The debug kernel (make check-debug) measures nothing here: KASAN's
# quarantine keeps freed objects in slab (1.6 MB more after the cycles),
# and its kmemleak check, after this boot, is what looks for leaks.
if [ -e /sys/kernel/debug/kmemleak ]; then
	skip "unreclaimable slab grew less than 256 kB over 100 cycles" \
		"KASAN's quarantine holds freed objects in slab; kmemleak checks this boot"
elif [ $((slab1 - slab0)) -lt 256 ]; then
	ok "unreclaimable slab grew less than 256 kB over 100 cycles"
else
	not_ok "unreclaimable slab grew less than 256 kB over 100 cycles" "grew $((slab1 - slab0)) kB"
fi
[ $((vm1 - vm0)) -lt 64 ] && ok "vmalloc use back to its baseline (within 64 kB)" ||
	not_ok "vmalloc use back to its baseline (within 64 kB)" "grew $((vm1 - vm0)) kB"
check_eq "no vmalloc area of pmemdisk remains" 0 "$(grep -c '\[pmemdisk\]' /proc/vmallocinfo)"
check_eq "no claim left in /proc/iomem" 0 "$(grep -c pmemdisk /proc/iomem)"
check_dmesg_clean
finish
GUEST

guest "legacy e820 range" --append "memmap=32M!1536M" <<'GUEST'
. /pmd/tests/lib.sh
mark_dmesg
check "load" insmod /pmd/pmemdisk.ko
check_eq "the memmap range is pmemdisk0, 32 MiB" 33554432 "$(blockdev --getsize64 /dev/pmemdisk0)"
check "dmesg says it came from e820" sh -c "dmesg | grep -q 'region0: e820, 32 MiB at 0x0*60000000'"
check_eq "e820 persistence is unknown" unknown "$(cat /sys/block/pmemdisk0/pmemdisk/persistence_domain)"
check "fio verify on it" fio --name=v --filename=/dev/pmemdisk0 --rw=randwrite --bs=4k \
	--size=32M --direct=1 --verify=crc32c --verify_fatal=1 --minimal
check "unload" rmmod pmemdisk
check_dmesg_clean
finish
GUEST
plan_end
