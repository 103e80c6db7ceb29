#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The disk lifecycle with pmemctl: init-labels (both versions), create on one
# and several regions (rounding, dry run, names, uuids, 4096 sectors, a
# 2-way interleaved set), refusals with reasons that change nothing, remove
# while open refused, remove; after a reboot the same disks come back with
# the same uuid, name, size, sector size and data, numbered in region/offset
# order, with udev's by-id and by-name links; the in-kernel
# libnvdimm and ndctl see the disks pmemdisk made; 200 create/remove cycles
# (raw and BTT, NVDIMMs and an interleaved set) that leave nothing behind.
. "$(dirname "$0")/lib.sh"

dimms=(--dimm "$(dimm_path d0):256M:128K" --dimm "$(dimm_path d1):256M:128K")
tag=$(head -c 8 /dev/urandom | od -An -tx1 | tr -d ' \n')
uuid_c=5a1e0001-2b3c-4d5e-8f90-a1b2c3d4e5f6
uuid_c2=5a1e0002-2b3c-4d5e-8f90-a1b2c3d4e5f6

guest "the provisioning ABI: refusals, privileges, dry run" <<'GUEST'
. /pmd/tests/lib.sh
insmod /pmd/pmemdisk.ko sim=64M
check "init-labels dimm0" pmemctl init-labels dimm0 --yes
/pmd/tests/admin_test || t_failed=1
finish
GUEST

guest "init-labels, create, refusals, remove" "${dimms[@]}" --append "$slub_debug_exact" <<GUEST
. /pmd/tests/lib.sh
insmod /pmd/pmemdisk.ko sim=2x32M
# dimm0, dimm1: the NVDIMMs (region0, region1); dimm2, dimm3: region2, 2-way
check_eq "fresh: three label-less disks" 3 "\$(pmemctl list --json | jq '.disks | length')"
out=\$(pmemctl create --region 0 --size 16M 2>&1); rc=\$?
check_eq "create on a label-less region: exit 1 and why" "1 yes" "\$rc \$(echo "\$out" | grep -q 'has no labels' && echo yes)"
out=\$(pmemctl init-labels dimm0 2>&1 < /dev/null); rc=\$?
check_eq "init-labels without a terminal or --yes: exit 5" "5 yes" "\$rc \$(echo "\$out" | grep -q 'pass --yes' && echo yes)"
check_eq "... and nothing changed" label-less "\$(pmemctl devices --json | jq -r '.devices[0].label_state')"

check "init-labels dimm0 v1.1" pmemctl init-labels dimm0 --label-version 1.1 --yes
check "init-labels dimm1 (v1.2 by default) and the simulated pair" pmemctl init-labels 1 dimm2 dimm3 --yes
check_eq "label states" "v1.1 v1.2 v1.2 v1.2" "\$(pmemctl devices --json | jq -r '[.devices[].label_state] | join(" ")')"
check_eq "no disks once every region has empty labels" 0 "\$(pmemctl list --json | jq '.disks | length')"

check "create a: 32M on region0" pmemctl create --region 0 --size 32M --name a
out=\$(pmemctl create --region region0 --size 21M --name b --sector-size 4096)
diag "\$out"
check "create b: 21M rounds up to 22M and says so" sh -c "echo '\$out' | grep -q 'created pmemdisk1: 22 MiB (23068672 bytes)' && echo '\$out' | grep -q 'rounded up from 21 MiB'"
out=\$(pmemctl create --region 1 --size 64M --name c --uuid $uuid_c --dry-run)
check "a dry run says what it would do" sh -c "echo '\$out' | grep -q 'would create a 64 MiB .* on region1 at offset 0'"
check_eq "... and creates nothing" 2 "\$(pmemctl list --json | jq '.disks | length')"
check "create c: 64M on region1 with a given uuid" pmemctl create --region 1 --size 64M --name c --uuid $uuid_c
check "create d: 10M on the 2-way set rounds up to 12M" pmemctl create --region 2 --size 10M --name d
check_eq "four disks, numbered in creation order" "0:a:33554432:512 1:b:23068672:4096 2:c:67108864:512 3:d:12582912:512" \
	"\$(pmemctl list --json | jq -r '[.disks[] | "\(.number):\(.name):\(.size):\(.sector_size)"] | join(" ")')"
check_eq "c has the uuid it was given" $uuid_c "\$(pmemctl list --json | jq -r '.disks[] | select(.name == "c") | .uuid')"
check_eq "d spans both simulated devices" '["dimm2","dimm3"]' "\$(pmemctl list --json | jq -cM '.disks[3].physical_devices')"
check_eq "the 4096-sector disk has 4096-byte blocks" 4096 "\$(cat /sys/block/pmemdisk1/queue/logical_block_size)"
check_eq "region0 space left" \$((\$(pmemctl regions --json | jq '.regions[0].size') - 56623104)) \
	"\$(pmemctl regions --json | jq '.regions[0].available_size')"

out=\$(pmemctl create --region 0 --size 1T 2>&1); rc=\$?
diag "\$out"
check_eq "oversize: exit 1 naming the largest free extent" "1 yes" \
	"\$rc \$(echo "\$out" | grep -q 'no free extent of 1 TiB; the largest is' && echo yes)"
out=\$(pmemctl create --region 1 --size 8M --uuid $uuid_c 2>&1); rc=\$?
check_eq "duplicate uuid: exit 1" "1 yes" "\$rc \$(echo "\$out" | grep -q 'uuid exists' && echo yes)"
out=\$(pmemctl create --region 9 --size 8M 2>&1); rc=\$?
check_eq "unknown region: exit 1" "1 yes" "\$rc \$(echo "\$out" | grep -q 'no such region' && echo yes)"
out=\$(pmemctl create --region 1 --size 8M --uuid not-a-uuid 2>&1); rc=\$?
check_eq "bad uuid: usage error" 2 "\$rc"
out=\$(pmemctl create --region 1 --size 8M --sector-size 1024 2>&1); rc=\$?
check_eq "bad sector size: usage error" 2 "\$rc"
out=\$(pmemctl create --region 1 --size 8M --btt --dry-run 2>&1); rc=\$?
check_eq "btt dry run: an 8M BTT needs a 16 MiB arena, so it grows and says so" "0 yes" \
	"\$rc \$(echo "\$out" | grep -q 'would create a .* BTT disk' && echo "\$out" | grep -q 'a BTT.s namespace also holds its map and log' && echo yes)"
check_eq "no refusal changed anything" 4 "\$(pmemctl list --json | jq '.disks | length')"

# read-labels decodes what is on each device; reset-id changes a uuid
check_eq "read-labels dimm0: v1.1, the labels of a and b" "v1.1 a,b 1,1" \
	"\$(pmemctl read-labels dimm0 --json | jq -r '"\(.label_state) \([.labels[].name] | sort | join(",")) \([.labels[].nlabel] | join(","))"')"
check_eq "read-labels dimm1: c's label, raw, 64 MiB" "$uuid_c raw 67108864 true" \
	"\$(pmemctl read-labels 1 --json | jq -r '.labels[0] | "\(.uuid) \(.claim) \(.rawsize) \(.valid)"')"
check "read-labels prints a table" sh -c "pmemctl read-labels dimm1 | grep -q 'labels v1.2 (256 bytes)'"
exec 3</dev/pmemdisk2
out=\$(pmemctl reset-id c --uuid $uuid_c2 2>&1); rc=\$?
check_eq "reset-id while open: exit 1" "1 yes" "\$rc \$(echo "\$out" | grep -q 'open or mounted' && echo yes)"
exec 3<&-
check "reset-id c" pmemctl reset-id c --uuid $uuid_c2
check_eq "c has its new uuid" $uuid_c2 "\$(pmemctl list --json | jq -r '.disks[] | select(.name == "c") | .uuid')"
check_eq "only the new label is on dimm1" "$uuid_c2" "\$(pmemctl read-labels dimm1 --json | jq -r '[.labels[].uuid] | join(",")')"
old_d=\$(pmemctl list --json | jq -r '.disks[] | select(.name == "d") | .uuid')
check "reset-id of the 2-way disk d" pmemctl reset-id d
new_d=\$(pmemctl list --json | jq -r '.disks[] | select(.name == "d") | .uuid')
check_eq "both devices of d carry its new uuid, positions 0 and 1" "\$new_d:0 \$new_d:1" \
	"\$(for x in 2 3; do pmemctl read-labels \$x --json | jq -r '.labels[] | "\(.uuid):\(.position)"'; done | tr '\n' ' ' | sed 's/ \$//')"
check "d's uuid changed" test "\$old_d" != "\$new_d"
check_eq "the two-phase update ended: one label per device of d, none flagged UPDATING (0x8)" "1:0 1:0" \
	"\$(for x in 2 3; do pmemctl read-labels \$x --json | jq -r '"\(.labels | length):\([.labels[].flags] | add)"'; done | tr '\n' ' ' | sed 's/ \$//')"

for n in a b c d; do
	d=\$(pmemctl list --json | jq -r ".disks[] | select(.name == \"\$n\") | .disk")
	pattern $tag-\$n 1048576 | dd of=/dev/\$d bs=4096 seek=4 oflag=direct 2>/dev/null
done
exec 3</dev/pmemdisk1
out=\$(pmemctl remove b --yes 2>&1); rc=\$?
check_eq "remove while open: exit 1, disk kept" "1 yes 4" \
	"\$rc \$(echo "\$out" | grep -q 'open or mounted' && echo yes) \$(pmemctl list --json | jq '.disks | length')"
exec 3<&-

# Remove racing opens: a remove either finds the disk open and refuses, or
# holds it closed from its check to its end (opens meanwhile get EBUSY).
pmemctl create --region 2 --size 4M --name race >/dev/null
rd=\$(pmemctl list --json | jq -r '.disks[] | select(.name == "race") | .disk')
( while [ -b /dev/\$rd ]; do dd if=/dev/\$rd of=/dev/null bs=4096 count=1 2>/dev/null; done ) &
opener=\$!
outcomes=""
for i in \$(seq 50); do
	out=\$(pmemctl remove race --yes 2>&1) && { outcomes="\$outcomes removed"; break; }
	echo "\$out" | grep -q 'open or mounted' || { outcomes="\$outcomes other:\$out"; break; }
	outcomes="\$outcomes busy"
done
wait \$opener
diag "remove racing opens:\$outcomes"
check "remove racing opens: refused as open until it removed the disk" \
	sh -c "echo '\$outcomes' | grep -qE '^( busy)* removed\\\$'"
check_fails "the raced disk is gone" test -b /dev/\$rd

check "remove d by number" pmemctl remove pmemdisk3 --yes
check "remove b by name" pmemctl remove b --yes
check_eq "a and c remain" "a c" "\$(pmemctl list --json | jq -r '[.disks[].name] | join(" ")')"
check_eq "region0's space is free again but for a" \$((\$(pmemctl regions --json | jq '.regions[0].size') - 33554432)) \
	"\$(pmemctl regions --json | jq '.regions[0].available_size')"

# 200 create/remove cycles, raw and BTT, on the simulated 2-way set and on
# both NVDIMMs (their labels through ACPI): no label slot, slab object,
# vmalloc area or unreclaimable memory left behind
cycle() { # cycle I: create and remove the disk of cycle I
	case \$((\$1 % 4)) in
	0) set -- --region 0 --size 16M --btt ;;	# v1.1 labels: BTT 1.1
	1) set -- --region 2 --size 16M --btt --sector-size 4096 ;;
	2) set -- --region 1 --size 4M ;;
	3) set -- --region 2 --size 4M ;;
	esac
	pmemctl create "\$@" --name cyc >/dev/null 2>&1 && pmemctl remove cyc --yes >/dev/null 2>&1
}
slots() { pmemctl devices --json | jq -r '[.devices[].label_slots_used] | join(" ")'; }
for i in 1 2 3 4; do cycle \$i; done	# first-use caches fill here
used0=\$(slots)
mem_snapshot /tmp/mem0
ok_cycles=0
for i in \$(seq 200); do
	cycle \$i || break
	ok_cycles=\$i
done
mem_snapshot /tmp/mem1
check_eq "200 create/remove cycles" 200 \$ok_cycles
check_eq "label slots in use back to where they were" "\$used0" "\$(slots)"
check_no_leak "200 create/remove cycles leave no slab object, vmalloc area or unreclaimable memory behind" \
	/tmp/mem0 /tmp/mem1 \$ok_cycles
check_dmesg_clean
finish
GUEST

guest "after reboot: the same disks with their data" "${dimms[@]}" <<GUEST
. /pmd/tests/lib.sh
/lib/systemd/systemd-udevd --daemon
insmod /pmd/pmemdisk.ko
udevadm settle --timeout=30
check_eq "udev: /dev/disk/by-id/pmemdisk-<uuid> names c" /dev/pmemdisk2 "\$(readlink -f /dev/disk/by-id/pmemdisk-$uuid_c2)"
check_eq "udev: /dev/disk/by-name/pmemdisk-a names a" /dev/pmemdisk0 "\$(readlink -f /dev/disk/by-name/pmemdisk-a)"
# Numbers come back from the dirty-shutdown records: c was pmemdisk2 while b
# existed and stays pmemdisk2 now that b is gone (region order would say 1).
check_eq "a and c come back with number, name, size and sector size" "0:a:33554432:512 2:c:67108864:512" \
	"\$(pmemctl list --json | jq -r '[.disks[] | "\(.number):\(.name):\(.size):\(.sector_size)"] | join(" ")')"
check_eq "c keeps its new uuid" $uuid_c2 "\$(pmemctl list --json | jq -r '.disks[1].uuid')"
for n in a c; do
	d=\$(pmemctl list --json | jq -r ".disks[] | select(.name == \"\$n\") | .disk")
	check_eq "\$n: data intact" "\$(pattern $tag-\$n 1048576 | sha256sum | cut -d' ' -f1)" "\$(dev_sum /dev/\$d 4 256)"
done
rmmod pmemdisk

# the in-kernel stack reads what pmemdisk wrote, both label versions
modprobe nfit; modprobe nd_pmem
for i in \$(seq 50); do [ -b /dev/pmem1 ] && break; sleep 0.2; done
for n in a c; do
	ns=""
	for x in /sys/bus/nd/devices/namespace*.*; do
		[ "\$(cat \$x/alt_name 2>/dev/null)" = \$n ] && ns=\$x
	done
	if [ -z "\$ns" ]; then not_ok "ndctl sees \$n"; continue; fi
	dev=\$(ls \$ns/block 2>/dev/null)
	check_eq "ndctl sees \$n with its size" "\$( [ \$n = a ] && echo 33554432 || echo 67108864)" "\$(cat \$ns/size)"
	[ \$n = c ] && check_eq "ndctl sees c's new uuid" $uuid_c2 "\$(cat \$ns/uuid)"
	check_eq "nd_pmem reads \$n's data" "\$(pattern $tag-\$n 1048576 | sha256sum | cut -d' ' -f1)" "\$(dev_sum /dev/\$dev 4 256)"
done
check_eq "ndctl list shows exactly the two namespaces" "a c" "\$(ndctl list -N | jq -r '[.[].name] | sort | join(" ")')"
check_dmesg_clean
finish
GUEST
plan_end
