#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Simulated regions (sim=) including 2- and 4-way interleaved sets, and
# legacy e820 type-12 ranges (memmap=nn!ss): the right sizes, DIMM lists and
# persistence domain; bad sim= values refused with a reason; and 200
# load/unload cycles, with a labelled NVDIMM holding a raw and a BTT disk and
# two simulated regions, that leave no slab object, vmalloc area, iomem
# claim or module memory behind.
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

check_dmesg_clean
finish
GUEST

guest "200 load/unload cycles leave nothing behind" --append "$slub_debug_exact" \
	--dimm "$(dimm_path d1):64M:128K" <<'GUEST'
. /pmd/tests/lib.sh
sim=8M,2x4M
check "load with a fresh NVDIMM and sim=$sim" insmod /pmd/pmemdisk.ko sim=$sim
check "init-labels on the NVDIMM" pmemctl init-labels dimm0 --yes
check "a raw disk and a BTT disk on it" sh -c \
	"pmemctl create --region 0 --size 8M --name lr && pmemctl create --region 0 --size 16M --btt --name lb"
lb=$(pmemctl list --json | jq -r '.disks[] | select(.name == "lb") | .disk')
pattern lb-data 1048576 | dd of=/dev/$lb bs=4096 seek=4 oflag=direct 2>/dev/null
sum=$(pattern lb-data 1048576 | sha256sum | cut -d' ' -f1)
lb_size=$(cat /sys/block/$lb/pmemdisk/size)
# what every load must show: disk, size and atomicity, in number order
disks() {
	local d size atom out=""
	for d in /sys/block/pmemdisk*; do
		read -r size <$d/pmemdisk/size
		read -r atom <$d/pmemdisk/atomicity
		out="$out ${d##*/}:$size:$atom"
	done
	echo "$out"
}
# the NVDIMM's disks keep the numbers they were made with (their records
# hold them: lr took pmemdisk0, freed by init-labels, lb pmemdisk3); the
# simulated, label-less ones take the others
before=$(disks)
rmmod pmemdisk
insmod /pmd/pmemdisk.ko sim=$sim
want=$(disks)
check_eq "four disks come back with the numbers they had, the BTT one $lb" \
	" pmemdisk0:8388608:none pmemdisk1:8388608:none pmemdisk2:8388608:none $lb:$lb_size:btt" "$before"
check_eq "... at every load" "$before" "$want"
modsize() { local n s rest; while read -r n s rest; do [ "$n" = pmemdisk ] && echo "$s"; done </proc/modules; }
size0=$(modsize)
loaded=$(grep -c '\[pmemdisk\]' /proc/vmallocinfo)
diag "while loaded, /proc/vmallocinfo has $loaded areas of pmemdisk; its module memory is $size0 bytes"
check "the vmalloc probe sees pmemdisk's areas while loaded (the simulated regions)" test "$loaded" -ge 3
rmmod pmemdisk
insmod /pmd/pmemdisk.ko sim=$sim && rmmod pmemdisk	# first-use caches fill here
mem_snapshot /tmp/mem0
cycles=0 wrong=""
for i in $(seq 200); do
	insmod /pmd/pmemdisk.ko sim=$sim || break
	got="$(disks) $(modsize)"
	[ "$got" = "$want $size0" ] || wrong="$wrong cycle $i:$got;"
	rmmod pmemdisk || break
	cycles=$i
done
mem_snapshot /tmp/mem1
check_eq "200 load/unload cycles" 200 $cycles
check_eq "every load made the same four disks, in the same module memory" "" "$wrong"
# The debug kernel (make check-debug) measures nothing here: KASAN's
# quarantine keeps freed objects in slab, and its kmemleak check, after
# this boot, is what looks for leaks.
if [ -e /sys/kernel/debug/kmemleak ]; then
	skip "200 load/unload cycles leave no slab object, vmalloc area or unreclaimable memory behind" \
		"KASAN's quarantine holds freed objects in slab; kmemleak checks this boot"
else
	check_no_leak "200 load/unload cycles leave no slab object, vmalloc area or unreclaimable memory behind" \
		/tmp/mem0 /tmp/mem1 $cycles
fi
check_eq "no vmalloc area of pmemdisk remains" 0 "$(grep -c '\[pmemdisk\]' /proc/vmallocinfo)"
check_eq "no claim left in /proc/iomem" 0 "$(grep -c pmemdisk /proc/iomem)"
check_fails "no module left in /sys/module" test -e /sys/module/pmemdisk
check "load once more" insmod /pmd/pmemdisk.ko
check_eq "the BTT disk still holds its data" "$sum" "$(dev_sum /dev/$lb 4 256)"
check "unload" rmmod pmemdisk
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
