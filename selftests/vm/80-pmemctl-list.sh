#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Listing: the PMEMDISK_IOC_LIST_* ABI (list_test), and pmemctl devices,
# regions and list as tables and as JSON whose shape never depends on how
# many objects there are; free space of a labelled region around a
# destroyed namespace; root only.
. "$(dirname "$0")/lib.sh"

guest "listing ABI and pmemctl output" --dimm "$(dimm_path d0):128M" <<'GUEST'
. /pmd/tests/lib.sh
insmod /pmd/pmemdisk.ko
out=$(pmemctl list --json)
check_eq "one disk: still one object with schema and a disks array" '{"schema":1,"disks":[{"disk":"pmemdisk0"}]}' \
	"$(echo "$out" | jq -cM '{schema, disks: [.disks[] | {disk}]}')"
rmmod pmemdisk

# the listing ABI, on simulated regions only (an NVDIMM owned by nfit)
modprobe nfit; for i in $(seq 50); do [ -e /sys/bus/nd/devices/region0 ] && break; sleep 0.1; done
insmod /pmd/pmemdisk.ko sim=32M,2x16M
/pmd/tests/list_test || t_failed=1

for what in devices regions list; do
	key=$what; [ $what = list ] && key=disks
	json=$(pmemctl $what --json)
	check_eq "pmemctl $what --json has schema 1 and a $key array" "1 array" \
		"$(echo "$json" | jq -r "\"\(.schema) \(.$key | type)\"")"
	check_eq "every $key object has the same keys" 1 \
		"$(echo "$json" | jq "[.$key[] | keys] | unique | length")"
	check "pmemctl $what prints a table with a row per object" sh -c \
		"test \$(pmemctl $what | wc -l) -eq \$((1 + \$(echo '$json' | jq '.$key | length')))"
done
check_eq "disk keys" 'atomicity,block_dax,can_be_removed,dax,dirty_shutdown_count,disk,health,holders,mode,name,numa_node,number,offset,operational_status,physical_devices,readonly,region,sector_size,size,target_node,unsafe_shutdown_count,uuid' \
	"$(pmemctl list --json | jq -r '.disks[0] | keys | join(",")')"
check_eq "region keys" 'available_size,base,dimms,disks,free_extents,interleave_ways,label_state,max_available_extent,numa_node,persistence_domain,readonly,region,size,source,target_node' \
	"$(pmemctl regions --json | jq -r '.regions[0] | keys | join(",")')"
check_eq "device keys" 'device,device_id,firmware_revision,flags,handle,health,id,label_area_size,label_method,label_slots,label_slots_used,label_state,labels_writable,last_shutdown,location,operational_status,phys_id,revision_id,serial,simulated,unsafe_shutdown_count,vendor_id' \
	"$(pmemctl devices --json | jq -r '.devices[0] | keys | join(",")')"
check_eq "the 2-way disk lists both devices" '["dimm1","dimm2"]' \
	"$(pmemctl list --json | jq -cM '.disks[1].physical_devices')"
check_eq "label-less disks have null uuid and name, unknown unsafe and dirty shutdowns" 'null null null null' \
	"$(pmemctl list --json | jq -r '.disks[0] | "\(.uuid) \(.name) \(.unsafe_shutdown_count) \(.dirty_shutdown_count)"')"
out=$(/usr/bin/setpriv --reuid=65534 --regid=65534 --clear-groups pmemctl list 2>&1); rc=$?
diag "$out"
check_eq "an unprivileged user gets exit 4 and 'run as root'" "4 yes" \
	"$rc $(echo "$out" | grep -q 'run as root' && echo yes)"
rmmod pmemdisk

# free space of a labelled region: namespaces at 0-32M (destroyed) and 32-48M
ndctl disable-region region0 >/dev/null
ndctl init-labels -f -V 1.2 nmem0 >/dev/null
ndctl enable-region region0 >/dev/null
ndctl create-namespace -r region0 -m raw -s 32M -n first >/dev/null
ndctl create-namespace -r region0 -m raw -s 16M -n second >/dev/null
ndctl destroy-namespace -f namespace0.0 >/dev/null 2>&1
uuid=$(for n in /sys/bus/nd/devices/namespace0.*; do [ "$(cat $n/alt_name)" = second ] && cat $n/uuid; done)
ndctl disable-region all >/dev/null; rmmod nd_pmem nd_btt nfit
insmod /pmd/pmemdisk.ko
r=$(pmemctl regions --json)
size=$(echo "$r" | jq '.regions[0].size')
check_eq "labelled region: free extents around the namespace" \
	"[{\"offset\":0,\"size\":33554432},{\"offset\":50331648,\"size\":$((size - 50331648))}]" \
	"$(echo "$r" | jq -cM '.regions[0].free_extents')"
check_eq "available and largest extent" "$((size - 16777216)) $((size - 50331648))" \
	"$(echo "$r" | jq -r '.regions[0] | "\(.available_size) \(.max_available_extent)"')"
check_eq "the namespace is listed with ndctl's uuid and name" "$uuid second 16777216" \
	"$(pmemctl list --json | jq -r '.disks[0] | "\(.uuid) \(.name) \(.size)"')"
check_eq "the device shows its v1.2 labels" "v1.2 1 510" \
	"$(pmemctl devices --json | jq -r '.devices[0] | "\(.label_state) \(.label_slots_used) \(.label_slots)"')"
check_eq "ndctl's index has slots to the end: no room for dirty-shutdown records" null \
	"$(pmemctl list --json | jq -r '.disks[0].dirty_shutdown_count')"
check_dmesg_clean
finish
GUEST
plan_end
