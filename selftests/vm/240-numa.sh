#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# NUMA: a guest with two nodes and an NVDIMM on each (run-vm --numa 2:
# QEMU's nvdimm node=, the NFIT SPA's proximity domain). Linux's own nfit
# says which node each region is on; pmemdisk must say the same, in
# pmemctl regions and list (table and JSON) and in each disk's sysfs, so an
# admin can put one DAX filesystem per node (SAP HANA's layout). A
# simulated region has no node, and says so.
. "$(dirname "$0")/lib.sh"

guest "two nodes, one NVDIMM on each" --numa 2 --mem 2G --smp 2 \
	--dimm "$(dimm_path d0):64M:128K" --dimm "$(dimm_path d1):128M:128K" <<'GUEST'
. /pmd/tests/lib.sh
check_eq "the guest has two online nodes" 0-1 "$(cat /sys/devices/system/node/online)"

# Linux's view first: the node of each region (a DIMM less its 128 KiB label area).
modprobe nfit
for i in $(seq 50); do [ "$(ls -d /sys/bus/nd/devices/region* 2>/dev/null | wc -l)" = 2 ] && break; sleep 0.1; done
linux=""
for r in /sys/bus/nd/devices/region*; do
	linux="$linux $(cat $r/size):$(cat $r/numa_node):$(cat $r/target_node)"
done
linux=$(echo $linux | tr ' ' '\n' | sort -n | tr '\n' ' ')
check_eq "Linux puts the 64 MiB region on node 0, the 128 MiB one on node 1" \
	"66977792:0:0 134086656:1:1 " "$linux"
unbind=""
for drv in /sys/bus/acpi/drivers/nfit /sys/bus/platform/drivers/nfit; do
	[ -e $drv/ACPI0012:00 ] && unbind=$drv/unbind
done
check "unbind nfit" sh -c "echo ACPI0012:00 > $unbind"

check "load pmemdisk with a simulated region too" insmod /pmd/pmemdisk.ko sim=16M
ours=$(pmemctl regions --json | jq -r '.regions[] | "\(.size):\(.numa_node):\(.target_node)"' | sort -n | tr '\n' ' ')
check_eq "pmemctl regions --json: the nodes Linux said; the simulated region none" \
	"16777216:null:null 66977792:0:0 134086656:1:1 " "$ours"
check_eq "the regions table has a Node column with 0 and 1" "- 0 1" \
	"$(pmemctl regions --noheadings --bytes -o Size,Node | sort -n | awk '{ print ($2 == "" ? "-" : $2) }' | tr '\n' ' ' | sed 's/ $//')"

# One disk per node, as a HANA host has one volume per node.
for d in 0 1; do
	check "init-labels dimm$d" pmemctl init-labels dimm$d --yes
done
for r in $(pmemctl regions --json | jq -r '.regions[] | select(.numa_node != null) | "\(.region):\(.numa_node)"'); do
	check "a disk on ${r%%:*} named node${r##*:}" \
		pmemctl create --region "${r%%:*}" --size 16M --name "node${r##*:}"
done
list=$(pmemctl list --json | jq -r '.disks[] | select(.name != null) | "\(.name):\(.numa_node):\(.target_node)"' | sort | tr '\n' ' ')
check_eq "pmemctl list --json: each disk on its region's node" "node0:0:0 node1:1:1 " "$list"
for n in 0 1; do
	disk=$(pmemctl list --json | jq -r ".disks[] | select(.name == \"node$n\") | .disk")
	check_eq "$disk sysfs numa_node" "$n" "$(cat /sys/block/$disk/pmemdisk/numa_node)"
	check_eq "$disk sysfs target_node" "$n" "$(cat /sys/block/$disk/pmemdisk/target_node)"
done
sim=$(pmemctl list --json | jq -r '.disks[] | select(.name == null) | .disk')
check_eq "the simulated disk $sim says no node (-1), as Linux does" "-1 -1" \
	"$(cat /sys/block/$sim/pmemdisk/numa_node) $(cat /sys/block/$sim/pmemdisk/target_node)"
check "the list table has a Node column" sh -c "pmemctl list | head -n 1 | grep -qw Node"
check "unload" rmmod pmemdisk
check_dmesg_clean
finish
GUEST
plan_end
