#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Label storage areas: pmemdisk finds each DIMM's label transport (Intel DSM
# on QEMU; RAM for simulated DIMMs), reports a fresh area as label-less, and
# reads the index blocks that Linux's ndctl writes, both label versions,
# counting ndctl's namespace label. The DIMM ids pmemdisk derives from the
# NFIT match ndctl's. The ACPI _LSI/_LSR transport reads the same labels;
# a label write the firmware does not keep (QEMU's _LSW) is caught by the
# read-back, and after such failures of remove, create, reset-id and
# convert the module believes what a fresh load of the labels finds.
# (Compatibility test: it loads the in-kernel nfit.)
. "$(dirname "$0")/lib.sh"

dimms=(--dimm "$(dimm_path d0):128M:128K" --dimm "$(dimm_path d1):128M:128K")

guest "fresh label areas, then ndctl init-labels and create-namespace" "${dimms[@]}" <<'GUEST'
. /pmd/tests/lib.sh
check "load with a simulated region too" insmod /pmd/pmemdisk.ko sim=16M
msgs=$(dmesg | grep 'pmemdisk: dimm')
diag "$msgs"
check_eq "both NVDIMMs: label area via the Intel DSM, no valid index" 2 \
	"$(echo "$msgs" | grep -c '128 KiB label area via Intel DSM: no valid index (label-less)')"
check "the simulated DIMM has its area in RAM" sh -c "echo '$msgs' | grep -q 'dimm2 (sim-2): 128 KiB label area via RAM (simulated)'"
check "unload" rmmod pmemdisk

modprobe nfit
for i in $(seq 50); do [ -e /sys/bus/nd/devices/region1 ] && break; sleep 0.1; done
ndctl disable-region all >/dev/null
check "ndctl init-labels v1.1 on nmem0" ndctl init-labels -f -V 1.1 nmem0
check "ndctl init-labels v1.2 on nmem1" ndctl init-labels -f -V 1.2 nmem1
ndctl enable-region all >/dev/null
check "ndctl create-namespace on the v1.2 DIMM's region" ndctl create-namespace -r region1 -m raw -s 32M -n compat
ids=$(ndctl list -D | sed -n 's/.*"id":"\([^"]*\)".*/\1/p' | sort | tr '\n' ' ')
ndctl disable-region all >/dev/null
rmmod nd_pmem nd_btt nfit 2>/dev/null
check_fails "the in-kernel nfit is gone" sh -c 'lsmod | grep -q "^nfit "'

mark_dmesg
check "pmemdisk loads after nfit" insmod /pmd/pmemdisk.ko
msgs=$(dmesg_new | grep 'pmemdisk: dimm')
diag "$msgs"
check "dimm0 has ndctl's v1.1 index, no label in use" sh -c "echo '$msgs' | grep -q 'dimm0 .*labels v1.1' && echo '$msgs' | grep -q 'dimm0: 0 of 1020 label slots in use'"
check "dimm1 has ndctl's v1.2 index and its namespace label" sh -c "echo '$msgs' | grep -q 'dimm1 .*labels v1.2' && echo '$msgs' | grep -q 'dimm1: 1 of 510 label slots in use'"
ours=$(echo "$msgs" | sed -n 's/.*dimm[0-9] (\([^)]*\)).*/\1/p' | sort | tr '\n' ' ')
check_eq "DIMM ids match ndctl's" "$ids" "$ours"
check "unload" rmmod pmemdisk

# the ACPI _LSI/_LSR/_LSW transport (QEMU offers it beside the DSM)
check_fails "labels=bogus: the load is refused" insmod /pmd/pmemdisk.ko labels=bogus
check "and the kernel log names the value" sh -c "dmesg | tail -n 5 | grep -q 'labels=bogus is not auto, dsm or lsx'"
mark_dmesg
check "load with labels=lsx" insmod /pmd/pmemdisk.ko labels=lsx
check_eq "the parameter reads back" lsx "$(cat /sys/module/pmemdisk/parameters/labels)"
msgs=$(dmesg_new | grep 'pmemdisk: dimm')
diag "$msgs"
check "dimm1 read through _LSx: v1.2, 1 of 510 slots" sh -c "echo '$msgs' | grep -q 'dimm1 .*via _LSI/_LSR/_LSW: labels v1.2' && echo '$msgs' | grep -q 'dimm1: 1 of 510 label slots in use'"
check_eq "read-labels through _LSR decodes ndctl's namespace label" "1 raw" \
	"$(pmemctl read-labels dimm1 --json | jq -r '"\(.labels | length) \(.labels[0].claim)"')"
# QEMU 7.2's _LSW drops the data (its AML truncates the input buffer) and
# still reports success: every label write is read back, so this must fail.
out=$(pmemctl init-labels dimm0 --yes 2>&1); rc=$?
diag "$out"
check_eq "a write the firmware dropped is caught: exit 1" "1 yes" \
	"$rc $(echo "$out" | grep -q 'writing the labels failed' && echo yes)"
check "the kernel log says the write did not stick" sh -c "dmesg | grep -q 'dimm0: label area write at .* did not stick'"
check "unload" rmmod pmemdisk
check "labels=dsm loads and reads dimm1's labels" sh -c "insmod /pmd/pmemdisk.ko labels=dsm && dmesg | tail -n 20 | grep -q 'dimm1 .*via Intel DSM: labels v1.2'"

# Label writes that fail (through QEMU's _LSW, all of them) leave the
# module believing what the labels say, which is what a fresh load finds:
# a disk whose labels stay is not freed, a disk stays what its labels say.
pdev() { pmemctl list --json | jq -r ".disks[] | select(.name == \"$1\") | .$2"; }
state() {
	pmemctl list --json | jq -c '[.disks[] | {number, name, uuid, mode, size, offset}]'
	pmemctl regions --json | jq -c '[.regions[] | {region, available_size, free_extents}]'
}
sums() { echo $(dev_sum /dev/$(pdev fa disk) 0 256) $(dev_sum /dev/$(pdev fb disk) 0 256); }
failed_io() { # failed_io DESC CMD...: exit 1 with the label I/O reason
	local out rc
	out=$("$@" 2>&1); rc=$?
	[ $rc = 1 ] && echo "$out" | grep -q 'reading or writing the labels failed' ||
		{ echo "exit $rc: $out"; return 1; }
}
check "dimm0's labels initialised through the DSM" pmemctl init-labels dimm0 --yes
check "a raw disk on it" pmemctl create --region 0 --size 16M --name fa
check "a BTT disk on it" pmemctl create --region 0 --size 16M --name fb --btt
for d in fa fb; do
	pattern $d $((1 << 20)) | dd of=/dev/$(pdev $d disk) bs=1M oflag=direct 2>/dev/null
done
data=$(sums)
check "unload" rmmod pmemdisk
check "load with labels=lsx, where every label write fails" insmod /pmd/pmemdisk.ko labels=lsx
before=$(state)
diag "$before"
check "remove: refused, the label write failed" failed_io pmemctl remove fb --yes
check_eq "remove: the disk is back, number and space kept" "$before" "$(state)"
check "create: refused, the label write failed" failed_io pmemctl create --region 0 --size 16M --name fc
check_eq "create: nothing changed" "$before" "$(state)"
check "reset-id: refused, the label write failed" failed_io pmemctl reset-id fa
check_eq "reset-id: the uuid is the one the labels keep" "$before" "$(state)"
check "convert to raw: refused, the label write failed" failed_io pmemctl convert fb --raw --yes
check_eq "convert: the disk is still the BTT its labels claim" "$before" "$(state)"
check_eq "both disks' data intact" "$data" "$(sums)"
check "unload" rmmod pmemdisk
check "load with labels=dsm" insmod /pmd/pmemdisk.ko labels=dsm
check_eq "a fresh load finds what the module believed" "$before" "$(state)"
rmmod pmemdisk
check_dmesg_clean
finish
GUEST
plan_end
