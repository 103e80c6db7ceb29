#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Disks from labels: raw namespaces that Linux's ndctl made on v1.1 and v1.2
# label areas (512- and 4096-byte sectors, two in one region) appear as
# pmemdisk disks with the same uuid, name, size and sector size, and the data
# written through the in-kernel nd_pmem reads back identical. A labelled
# region no longer gets a region-wide label-less disk, and a namespace kind
# pmemdisk does not handle yet (sector) is left alone with a message.
# (Compatibility test: it loads the in-kernel nfit and nd_pmem.)
. "$(dirname "$0")/lib.sh"

dimms=(--dimm "$(dimm_path d0):256M:128K" --dimm "$(dimm_path d1):256M:128K")
tag=$(head -c 8 /dev/urandom | od -An -tx1 | tr -d ' \n')

guest "ndctl makes namespaces and writes data" "${dimms[@]}" <<GUEST
. /pmd/tests/lib.sh
modprobe nfit; modprobe nd_pmem; modprobe nd_btt
for i in \$(seq 50); do [ -e /sys/bus/nd/devices/region1 ] && break; sleep 0.1; done
ndctl disable-region all >/dev/null
check "init-labels v1.1 on nmem0" ndctl init-labels -f -V 1.1 nmem0
check "init-labels v1.2 on nmem1" ndctl init-labels -f -V 1.2 nmem1
ndctl enable-region all >/dev/null
r0=\$(ndctl list -R | sed -n 's/.*"dev":"\(region[0-9]*\)".*/\1/p' | head -n1)
check "raw namespace on the v1.1 DIMM" ndctl create-namespace -r region0 -m raw -s 32M -n alpha
check "raw 4096-sector namespace on the v1.2 DIMM" ndctl create-namespace -r region1 -m raw -s 48M -n beta -l 4096
check "second raw namespace on the v1.2 DIMM" ndctl create-namespace -r region1 -m raw -s 16M -n gamma
check "sector namespace on the v1.2 DIMM" ndctl create-namespace -r region1 -m sector -s 32M -n delta
for ns in /sys/bus/nd/devices/namespace*.*; do
	n=\$(cat \$ns/alt_name 2>/dev/null)
	case "\$n" in alpha|beta|gamma) ;; *) continue ;; esac
	dev=\$(ls \$ns/block)
	uuid=\$(cat \$ns/uuid)
	size=\$(blockdev --getsize64 /dev/\$dev)
	lbs=\$(cat /sys/block/\$dev/queue/logical_block_size)
	pattern $tag-\$n \$((4 << 20)) | dd of=/dev/\$dev bs=4096 oflag=direct 2>/dev/null
	echo "\$n \$uuid \$size \$lbs \$(dev_sum /dev/\$dev 0 1024)" | tee -a /tmp/expect
done
check_eq "three raw namespaces written through nd_pmem" 3 "\$(wc -l < /tmp/expect)"
ndctl disable-region all >/dev/null
rmmod nd_pmem nd_btt nfit 2>/dev/null

mark_dmesg
check "pmemdisk loads" insmod /pmd/pmemdisk.ko
diag "\$(dmesg_new | grep pmemdisk:)"
check_eq "three raw namespaces and a sector one became disks" 4 "\$(ls /sys/block | grep -c pmemdisk)"
while read n uuid size lbs sum; do
	d=\$(grep -l "^\$n\\\$" /sys/block/pmemdisk*/pmemdisk/name | cut -d/ -f4)
	if [ -z "\$d" ]; then not_ok "namespace \$n found by name"; continue; fi
	check_eq "\$n: same uuid" "\$uuid" "\$(cat /sys/block/\$d/pmemdisk/uuid)"
	check_eq "\$n: same size" "\$size" "\$(blockdev --getsize64 /dev/\$d)"
	check_eq "\$n: same sector size" "\$lbs" "\$(cat /sys/block/\$d/queue/logical_block_size)"
	check_eq "\$n: data written by nd_pmem reads back identical" "\$sum" "\$(dev_sum /dev/\$d 0 1024)"
done < /tmp/expect
d=\$(grep -l "^delta\\\$" /sys/block/pmemdisk*/pmemdisk/name | cut -d/ -f4)
check_eq "the sector namespace is a BTT disk" btt "\$(cat /sys/block/\$d/pmemdisk/atomicity 2>&1)"
check_eq "no label-less disk spans a labelled region" 0 "\$(dmesg | grep -c 'label-less')"
check "unload" rmmod pmemdisk
check_dmesg_clean
finish
GUEST
plan_end
