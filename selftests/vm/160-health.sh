#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Health and unsafe shutdowns: pmemdisk's own per-disk dirty-shutdown count
# goes up when the guest is killed with the disks attached, and not after a
# clean power-off or a module unload; it follows a disk through reset-id,
# starts at 0 for a new disk, and survives Linux rewriting the labels. QEMU
# offers no SMART health, so the platform's count is unknown (null). A DIMM
# QEMU marks not armed is unhealthy, read-only, and says why.
. "$(dirname "$0")/lib.sh"

d0=$(dimm_path d0) d1=$(dimm_path d1) d2=$(dimm_path d2)
dimms=(--dimm "$d0:128M:128K" --dimm "$d1:128M:128K")
tag=$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')

guest "two disks attached, then the power is cut" --expect 137 "${dimms[@]}" \
	--timeout 300 --kill-on POWER-CUT-NOW <<GUEST
. /pmd/tests/lib.sh
check "pmemdisk.ko loads" insmod /pmd/pmemdisk.ko
check "init-labels dimm0 v1.2, dimm1 v1.1" sh -c \
	"pmemctl init-labels dimm0 --yes && pmemctl init-labels dimm1 --label-version 1.1 --yes"
check_eq "pmemdisk's indexes leave 4 KiB after the last slot" "494 988" \
	"\$(pmemctl devices --json | jq -r '[.devices[].label_slots] | join(" ")')"
check_eq "QEMU has no SMART: platform count and last shutdown unknown, status ok" \
	'[null,null,["ok"],"healthy"] [null,null,["ok"],"healthy"]' \
	"\$(pmemctl devices --json | jq -cM '.devices[] | [.unsafe_shutdown_count, .last_shutdown, .operational_status, .health]' | tr '\n' ' ' | sed 's/ \$//')"
check "create a raw disk a and a BTT disk b" sh -c \
	"pmemctl create --region 0 --size 32M --name a && pmemctl create --region 1 --size 32M --name b --btt"
check_eq "new disks: dirty-shutdown count 0, platform count unknown" "a 0 null b 0 null" \
	"\$(pmemctl list --json | jq -r '[.disks[] | "\(.name) \(.dirty_shutdown_count) \(.unsafe_shutdown_count)"] | join(" ")')"
check "the table shows both counts" sh -c "pmemctl list | head -n1 | grep -q 'UnsafeShutdownCount.*DirtyShutdownCount'"
for n in 0 1; do pattern $tag-\$n 1048576 | dd of=/dev/pmemdisk\$n bs=4096 oflag=direct 2>/dev/null; done
check_eq "data written" "\$(pattern $tag-0 1048576 | sha256sum | cut -d' ' -f1)" "\$(dev_sum /dev/pmemdisk0 0 256)"
echo POWER-CUT-NOW
sleep 120
not_ok "the power was cut"
finish
GUEST

guest "after the cut: both counted once; an unload is clean" "${dimms[@]}" <<GUEST
. /pmd/tests/lib.sh
mark_dmesg
check "pmemdisk.ko loads" insmod /pmd/pmemdisk.ko
check_eq "both disks were attached when the power went: count 1" "a 1 b 1" \
	"\$(pmemctl list --json | jq -r '[.disks[] | "\(.name) \(.dirty_shutdown_count)"] | join(" ")')"
check "the kernel log says so, per disk" sh -c \
	"dmesg | grep -q 'pmemdisk0: the system went down while it was attached.*unsafe shutdown 1 of this disk.*sectors torn' && dmesg | grep -q 'pmemdisk1: the system went down.*sectors are whole (BTT)'"
check_eq "the table shows it" 1 "\$(pmemctl list | awk 'NR == 2 { print \$(NF - 1) }')"
for n in 0 1; do
	check_eq "pmemdisk\$n: data intact" "\$(pattern $tag-\$n 1048576 | sha256sum | cut -d' ' -f1)" "\$(dev_sum /dev/pmemdisk\$n 0 256)"
done
check "unload and load again" sh -c "rmmod pmemdisk && insmod /pmd/pmemdisk.ko"
check_eq "an unload is a clean detach: still 1" "a 1 b 1" \
	"\$(pmemctl list --json | jq -r '[.disks[] | "\(.name) \(.dirty_shutdown_count)"] | join(" ")')"
check_dmesg_clean
finish
GUEST

guest "after a clean power-off: no count; reset-id, re-create, Linux's labels" "${dimms[@]}" <<GUEST
. /pmd/tests/lib.sh
mark_dmesg
check "pmemdisk.ko loads" insmod /pmd/pmemdisk.ko
check_eq "a clean power-off does not count" "a 1 b 1" \
	"\$(pmemctl list --json | jq -r '[.disks[] | "\(.name) \(.dirty_shutdown_count)"] | join(" ")')"
check_fails "and the kernel log has no unsafe shutdown" sh -c "dmesg_new | grep -q 'went down while'"
check "reset-id a" pmemctl reset-id pmemdisk0
check_eq "a's count follows it to its new uuid" 1 "\$(pmemctl list --json | jq -r '.disks[] | select(.name == "a") | .dirty_shutdown_count')"
uuid_b=\$(pmemctl list --json | jq -r '.disks[] | select(.name == "b") | .uuid')
check "remove b, create b2 with b's uuid" sh -c \
	"pmemctl remove pmemdisk1 --yes && pmemctl create --region 1 --size 16M --name b2 --uuid \$uuid_b"
check_eq "a new disk starts at 0" 0 "\$(pmemctl list --json | jq -r '.disks[] | select(.name == "b2") | .dirty_shutdown_count')"
rmmod pmemdisk

# Linux updates the labels of pmemdisk's area: the index keeps its slots,
# the records after them stay
modprobe nfit; modprobe nd_pmem
for i in \$(seq 50); do [ -e /sys/bus/nd/devices/region0 ] && break; sleep 0.2; done
check "ndctl create-namespace on pmemdisk's v1.2 area" ndctl create-namespace -r region0 -m raw -s 16M -n linux
check_eq "ndctl lists a and the new namespace on it" "a linux" \
	"\$(ndctl list -N -r region0 | jq -r '[.[].name] | sort | join(" ")')"
ndctl disable-region all >/dev/null; rmmod nd_pmem nd_btt nfit 2>/dev/null
check "pmemdisk.ko loads again" insmod /pmd/pmemdisk.ko
check_eq "after Linux's update: a still 1, Linux's namespace and b2 0" "a 1 b2 0 linux 0" \
	"\$(pmemctl list --json | jq -r '[.disks[] | "\(.name) \(.dirty_shutdown_count)"] | sort | join(" ")')"
check_dmesg_clean
finish
GUEST

guest "a DIMM that is not armed" --dimm "$d2:64M:128K:unarmed" <<GUEST
. /pmd/tests/lib.sh
check "pmemdisk.ko loads" insmod /pmd/pmemdisk.ko
check_eq "the device: unhealthy, not_armed, flag shown" 'unhealthy ["not_armed"] ["not_armed"]' \
	"\$(pmemctl devices --json | jq -cM '.devices[0] | [.health, .operational_status, .flags]' | jq -r '"\(.[0]) \(.[1] | tojson) \(.[2] | tojson)"')"
check_eq "its disk: unhealthy, read-only, and says why" 'unhealthy true ["not_armed","read_only"]' \
	"\$(pmemctl list --json | jq -r '.disks[0] | "\(.health) \(.readonly) \(.operational_status | tojson)"')"
check_eq "the block device is read-only" 1 "\$(cat /sys/block/pmemdisk0/ro)"
check_fails "a write is refused" sh -c "echo x | dd of=/dev/pmemdisk0 bs=512 count=1 conv=notrunc 2>/dev/null"
check "init-labels works: the label area is firmware, not the pmem" pmemctl init-labels dimm0 --yes
out=\$(pmemctl create --region 0 --size 16M 2>&1); rc=\$?
diag "\$out"
check_eq "create on it is refused: exit 1, read-only named" "1 yes" "\$rc \$(echo "\$out" | grep -qi 'read-only' && echo yes)"
check_eq "... and nothing was created" 0 "\$(pmemctl list --json | jq '.disks | length')"
finish
GUEST
plan_end
