#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Raw disks on QEMU NVDIMMs found through the ACPI NFIT: one disk per DIMM,
# as large as the region the firmware describes; fio write+verify; bad
# blocks; write-zeroes and no discard; queue limits; the module stays loaded
# while a disk is open or mounted; data survives a guest reboot.
. "$(dirname "$0")/lib.sh"

d0=$(dimm_path d0) d1=$(dimm_path d1)
# QEMU gives the guest the backing size minus the label area.
size0=$(( (256 << 20) - (128 << 10) ))
size1=$(( (128 << 20) - (256 << 10) ))
dimms=(--dimm "$d0:256M:128K" --dimm "$d1:128M:256K")
tag=$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')

guest "discover, I/O, bad blocks, lifetime" "${dimms[@]}" <<GUEST
. /pmd/tests/lib.sh
check "pmemdisk.ko loads" insmod /pmd/pmemdisk.ko
check "one disk per NVDIMM" test -b /dev/pmemdisk0 -a -b /dev/pmemdisk1 -a ! -e /dev/pmemdisk2
check_eq "pmemdisk0 is the 256M DIMM's region" $size0 \$(blockdev --getsize64 /dev/pmemdisk0)
check_eq "pmemdisk1 is the 128M DIMM's region" $size1 \$(blockdev --getsize64 /dev/pmemdisk1)
s=/sys/block/pmemdisk0/pmemdisk
check_eq "sysfs size" $size0 "\$(cat \$s/size)"
check_eq "sysfs region" region0 "\$(cat \$s/region)"
check_eq "sysfs atomicity" none "\$(cat \$s/atomicity)"
check_eq "sysfs persistence_domain (QEMU has no capabilities)" unknown "\$(cat \$s/persistence_domain)"
check_eq "sysfs dimms of pmemdisk1" dimm1 "\$(cat /sys/block/pmemdisk1/pmemdisk/dimms)"
check_fails "no uuid attribute on a label-less disk" test -e \$s/uuid
claims=\$(grep -c ' : pmemdisk\$' /proc/iomem)
check_eq "both ranges claimed in /proc/iomem" 2 "\$claims"
iomem=\$(grep ' : pmemdisk\$' /proc/iomem | head -n1 | sed 's/ : .*//')
start=\$((0x\${iomem%-*})) end=\$((0x\${iomem#*-}))
check_eq "claimed range is the whole region" $size0 \$((end - start + 1))

q=/sys/block/pmemdisk0/queue
check_eq "non-rotational" 0 "\$(cat \$q/rotational)"
check_eq "write cache declared (flushes reach us)" "write back" "\$(cat \$q/write_cache)"
check_eq "FUA supported" 1 "\$(cat \$q/fua)"
check_eq "logical block 512" 512 "\$(cat \$q/logical_block_size)"
# A discard would be a rewrite of the range with zeroes: mkfs's whole-disk
# discard would rewrite the disk. Write-zeroes only, 1 MiB a bio.
check_eq "no discard offered, write-zeroes 1 MiB a bio" "0 1048576" \
	"\$(cat \$q/discard_max_bytes) \$(cat \$q/write_zeroes_max_bytes)"

check "fio write+verify, 4 jobs, buffered, pmemdisk0" fio --name=v --filename=/dev/pmemdisk0 \
	--rw=randwrite --bs=4k --size=32M --numjobs=4 --offset_increment=48M --verify=crc32c \
	--verify_fatal=1 --do_verify=1 --fsync_on_close=1 --group_reporting --minimal
check "fio write+verify, direct, mixed sizes, pmemdisk1" fio --name=v --filename=/dev/pmemdisk1 \
	--rw=write --bsrange=512-128k --size=64M --direct=1 --verify=md5 --verify_fatal=1 --minimal

# bad blocks: sectors 16..23 of pmemdisk1
pattern $tag 1048576 | dd of=/dev/pmemdisk1 bs=4096 oflag=direct 2>/dev/null
echo "16 8" > /sys/block/pmemdisk1/badblocks
check_eq "badblocks lists the injected range" "16 8" "\$(cat /sys/block/pmemdisk1/badblocks)"
check_fails "read of a bad sector fails" read_sectors /dev/pmemdisk1 20 1
check "read next to the bad range succeeds" read_sectors /dev/pmemdisk1 8 8
check "partial write over the bad range succeeds" zero_sectors /dev/pmemdisk1 16 4
check_eq "partial write clears only what it covered" "20 4" "\$(cat /sys/block/pmemdisk1/badblocks)"
check_fails "the rest of the range still fails" read_sectors /dev/pmemdisk1 20 1
check "full write of the rest succeeds" zero_sectors /dev/pmemdisk1 20 4
check_eq "badblocks list is empty" "" "\$(cat /sys/block/pmemdisk1/badblocks)"
check_eq "the range reads back what was written" "\$(head -c 4096 /dev/zero | sha256sum)" \
	"\$(dd if=/dev/pmemdisk1 bs=4096 skip=2 count=1 iflag=direct 2>/dev/null | sha256sum)"

# write-zeroes reads back as zeroes, over several bios; data around it is
# kept; a discard is refused and changes nothing
psum() { pattern $tag 6291456 | tail -c +\$((\$1 + 1)) | head -c \$2 | sha256sum | cut -d' ' -f1; }
zero3m=\$(head -c 3145728 /dev/zero | sha256sum | cut -d' ' -f1)
pattern $tag 6291456 | dd of=/dev/pmemdisk1 bs=4096 seek=256 oflag=direct 2>/dev/null
check_fails "blkdiscard is refused" /usr/sbin/blkdiscard -o 2097152 -l 1048576 /dev/pmemdisk1
check_eq "the refused discard changed nothing" \$(psum 0 6291456) \$(dev_sum /dev/pmemdisk1 256 1536)
check "blkdiscard -z 3 MiB + 4 KiB (4 bios)" /usr/sbin/blkdiscard -z -o 2097152 -l 3149824 /dev/pmemdisk1
check_eq "zeroed range reads zeroes" \$zero3m \$(dev_sum /dev/pmemdisk1 512 768)
check_eq "and its last 4 KiB" \$(head -c 4096 /dev/zero | sha256sum | cut -d' ' -f1) \$(dev_sum /dev/pmemdisk1 1280 1)
check_eq "data before it is intact" \$(psum 0 1048576) \$(dev_sum /dev/pmemdisk1 256 256)
check_eq "data after it is intact" \$(psum 4198400 2093056) \$(dev_sum /dev/pmemdisk1 1281 511)

# lifetime: an open or mounted disk pins the module
exec 3</dev/pmemdisk0
check_fails "unload refused while a disk is open" rmmod pmemdisk
exec 3<&-
check "mkfs.ext4" mkfs.ext4 -q -F /dev/pmemdisk0
check "mount ext4" mount -t ext4 /dev/pmemdisk0 /mnt
check "write a file" sh -c 'pattern() { yes "\$1" | head -c "\$2"; }; pattern $tag 2000000 > /mnt/f && sync'
check_fails "unload refused while mounted" rmmod pmemdisk
check "umount" umount /mnt
check "unload once nothing holds a disk" rmmod pmemdisk
check_fails "disks gone after unload" test -e /dev/pmemdisk0
check_eq "no claim left in /proc/iomem" 0 "\$(grep -c pmemdisk /proc/iomem)"

# data for the next boot, at 1 MiB into pmemdisk1
insmod /pmd/pmemdisk.ko
pattern reboot-$tag 1048576 | dd of=/dev/pmemdisk1 bs=4096 seek=256 oflag=direct 2>/dev/null
sync
check_dmesg_clean
finish
GUEST

h_check "the write reached the backing file" grep -qa "reboot-$tag" "$d1"

guest "after reboot: data intact" "${dimms[@]}" <<GUEST
. /pmd/tests/lib.sh
insmod /pmd/pmemdisk.ko
check_eq "pmemdisk1 block 256.. reads what the last boot wrote" \
	"\$(pattern reboot-$tag 1048576 | sha256sum | cut -d' ' -f1)" "\$(dev_sum /dev/pmemdisk1 256 256)"
check "ext4 on pmemdisk0 mounts after reboot" mount -t ext4 /dev/pmemdisk0 /mnt
check_eq "the file reads back identical" "\$(pattern $tag 2000000 | sha256sum)" "\$(sha256sum < /mnt/f)"
umount /mnt
check "e2fsck finds the filesystem clean" e2fsck -fn /dev/pmemdisk0
check_dmesg_clean
finish
GUEST
plan_end
