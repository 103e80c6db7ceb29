#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# DAX disks: fsdax (a block device filesystems map: mount -o dax, MAP_SYNC)
# and devdax (/dev/pmemdax<N>, whose mmap maps the pmem itself):
#   - pmemctl create --mode fsdax|devdax [--map mem|dev] [--align]: listed
#     with their mode and DAX settings; the info block on the media is
#     Linux's; bad combinations are refused with a reason;
#   - ext4 and xfs mount with -o dax on fsdax disks, MAP_SYNC mappings work
#     there and are refused on a BTT disk's filesystem; data stored through
#     the mappings is there after a reboot;
#   - devdax: MAP_SHARED mappings at the disk's alignment, stores, a reboot,
#     the same bytes; private and misaligned mappings are refused; a disk
#     that is mapped or mounted cannot be removed;
#   - memory failure (madvise(MADV_HWPOISON) on a mapped page, poison_test):
#     devdax (4K and 2M), ext4 and xfs (rmapbt: XFS's notify-failure path)
#     -o dax files: the mapping process gets SIGBUS (BUS_MCEERR_AR) at the
#     page, the disk's badblocks lists it, the rest and other disks work;
#   - pmemdisk -> Linux: nd_pmem and device-dax find our namespaces as fsdax
#     and devdax with the same uuids, and read the same filesystem and bytes;
#   - Linux -> pmemdisk: fsdax and devdax namespaces ndctl made are found as
#     such, their filesystem and bytes intact.
# (Compatibility test: it loads the in-kernel nfit, nd_pmem and dax_pmem.)
. "$(dirname "$0")/lib.sh"

d0=$(dimm_path d0) d1=$(dimm_path d1)
dimms=(--dimm "$d0:1G:128K" --dimm "$d1:512M:128K")
tag=$(head -c 8 /dev/urandom | od -An -tx1 | tr -d ' \n')
seed=$((0x${tag:0:8}))

# the disks of the first boot, by name: mode and what is on them
#   xfsd  fsdax, map dev, 400 MiB, xfs rmapbt (dimm0, v1.2 labels)
#   ext4m fsdax, map mem, 64 MiB, ext4      (dimm0)
#   dd2m  devdax, 2 MiB alignment, 64 MiB   (dimm0)
#   bttx  BTT, 32 MiB, ext4 (no DAX)        (dimm0)
#   v11f  fsdax, map dev, 64 MiB, ext4      (dimm1, v1.1 labels: no claim class)
#   v11d  devdax, 4 KiB alignment, 32 MiB   (dimm1)
common=$(cat <<'COMMON'
. /pmd/tests/lib.sh
daxmap=/pmd/tests/daxmap_test
modprobe ext4; modprobe xfs
# disk NAME: the device of the disk named NAME
disk() { pmemctl list --json | jq -r ".disks[] | select(.name == \"$1\") | if .mode == \"devdax\" then .dax.device else \"/dev/\" + .disk end"; }
COMMON
)

guest "create fsdax, devdax and BTT disks; filesystems, mappings, stores" "${dimms[@]}" --timeout 900 <<GUEST
$common
mark_dmesg
check "pmemdisk.ko loads" insmod /pmd/pmemdisk.ko
check "init-labels: dimm0 v1.2, dimm1 v1.1" sh -c \
	"pmemctl init-labels dimm0 --yes && pmemctl init-labels dimm1 --label-version 1.1 --yes"
check "create fsdax (map dev) 400M, fsdax (map mem) 64M, devdax 64M, BTT 32M on region0" sh -c \
	"pmemctl create --region 0 --size 400M --mode fsdax --name xfsd &&
	 pmemctl create --region 0 --size 64M --mode fsdax --map mem --name ext4m &&
	 pmemctl create --region 0 --size 64M --mode devdax --name dd2m &&
	 pmemctl create --region 0 --size 32M --mode btt --name bttx"
check "create fsdax 64M and devdax 32M (--align 4K) on region1 (v1.1 labels)" sh -c \
	"pmemctl create --region 1 --size 64M --mode fsdax --name v11f &&
	 pmemctl create --region 1 --size 32M --mode devdax --align 4K --name v11d"
check_eq "listed with their modes and DAX settings" \
	'xfsd fsdax dev 2097152 ext4m fsdax mem 2097152 dd2m devdax dev 2097152 bttx btt null null v11f fsdax dev 2097152 v11d devdax dev 4096' \
	"\$(pmemctl list --json | jq -r '[.disks[] | "\(.name) \(.mode) \(.dax.map) \(.dax.align)"] | join(" ")')"
check "devdax disks are character devices /dev/pmemdax<N>" sh -c \
	"[ -c \$(disk dd2m) ] && [ -c \$(disk v11d) ] && echo \$(disk dd2m) | grep -q '^/dev/pmemdax[0-9]'"
check_eq "usable sizes: 400M needs a 416M namespace (8M info block and page map), 64M an 80M one" \
	"408 78 78" "\$(pmemctl list --json | jq -r '[.disks[] | select(.mode != "btt") | .size / 1048576] | .[0:3] | join(" ")')"
check_eq "a devdax disk's sysfs size and align, as device-dax's" \
	"\$(pmemctl list --json | jq -r '.disks[] | select(.name == "dd2m") | "\(.size) 2097152"')" \
	"\$(cat /sys/class/misc/\$(basename \$(disk dd2m))/size) \$(cat /sys/class/misc/\$(basename \$(disk dd2m))/align)"
check_eq "sysfs says fsdax" fsdax "\$(cat /sys/block/\$(basename \$(disk xfsd))/pmemdisk/mode)"
out=\$(pmemctl create --region 0 --size 20M --mode fsdax --dry-run 2>&1); rc=\$?
diag "\$out"
# (asked again rather than echoed: the note has an apostrophe)
check "a DAX dry run says how the module rounds: 2 MiB x lcm(devices, 8) in all, not per device" sh -c \
	"[ \$rc = 0 ] && pmemctl create --region 0 --size 20M --mode fsdax --dry-run 2>&1 |
	 grep -q 'multiple of 2 MiB x lcm(devices of the region, 8) in all'"
# refusals, each with its reason
out=\$(pmemctl create --region 0 --size 64M --mode fsdax --align 1G 2>&1); rc=\$?
check "fsdax with --align 1G is refused as a usage error" sh -c "[ \$rc = 2 ] && echo '\$out' | grep -q 'fsdax disk maps 2M pages'"
out=\$(pmemctl create --region 0 --size 64M --map mem 2>&1); rc=\$?
check "--map without a DAX mode is refused" sh -c "[ \$rc = 2 ] && echo '\$out' | grep -q 'for --mode fsdax or devdax'"
out=\$(pmemctl create --region 0 --size 64M --mode devdax --btt 2>&1); rc=\$?
check "--btt with --mode devdax is refused" sh -c "[ \$rc = 2 ] && echo '\$out' | grep -q 'cannot go with --mode devdax'"
out=\$(pmemctl convert \$(disk ext4m | xargs basename) --btt --yes 2>&1); rc=\$?
check "convert of a DAX disk is refused with the reason" sh -c "[ \$rc != 0 ] && echo '\$out' | grep -q 'remove it and create it anew'"
out=\$(pmemctl reset-id \$(disk ext4m | xargs basename) 2>&1); rc=\$?
check "reset-id of a DAX disk is refused with the reason" sh -c "[ \$rc != 0 ] && echo '\$out' | grep -q 'remove it and create it anew'"

# filesystems with -o dax
check "mkfs.xfs (rmapbt) on xfsd, mount -o dax" sh -c "mkfs.xfs -q -f -m rmapbt=1 \$(disk xfsd) && mkdir -p /mx && mount -o dax \$(disk xfsd) /mx"
check "mkfs.ext4 on ext4m, mount -o dax" sh -c "mkfs.ext4 -q -F -b 4096 \$(disk ext4m) && mkdir -p /me && mount -o dax \$(disk ext4m) /me"
check "mkfs.ext4 on v11f, mount -o dax" sh -c "mkfs.ext4 -q -F -b 4096 \$(disk v11f) && mkdir -p /mv && mount -o dax \$(disk v11f) /mv"
check "mkfs.ext4 on bttx, mount (a BTT has no DAX)" sh -c "mkfs.ext4 -q -F -b 4096 \$(disk bttx) && mkdir -p /mb && mount \$(disk bttx) /mb"
check_eq "the kernel mounted the three fsdax filesystems with dax" 3 "\$(grep -c 'dax' /proc/mounts)"
check_fails "mount -o dax on the BTT disk's filesystem fails" sh -c "umount /mb && mount -o dax \$(disk bttx) /mb"
check "(the BTT filesystem mounts again without dax)" mount \$(disk bttx) /mb
for m in /mx /me /mv /mb; do fallocate -l 8M \$m/log; done
for m in /mx /me /mv; do
	check "MAP_SYNC mapping of a file on \$m (fsdax)" \$daxmap mapsync \$m/log
done
check_eq "MAP_SYNC on the BTT disk's ext4 is refused" "mapsync refused: Operation not supported" "\$(\$daxmap mapsync /mb/log)"
for m in /mx /me /mv; do
	check "store 8M through a MAP_SYNC mapping on \$m" \$daxmap write \$m/log 0 8388608 $seed --sync
done
check "remove of a mounted fsdax disk is refused" sh -c "! pmemctl remove \$(disk xfsd | xargs basename) --yes 2>&1 | grep -q removed"

# devdax
out=\$(\$daxmap write \$(disk dd2m) 2097152 4194304 $seed); rc=\$?
check_eq "store 4M at offset 2M of dd2m (2M alignment)" 0 \$rc
check_eq "with 2 MiB pages: one fault per 2 MiB" "2 page faults" "\$(echo "\$out" | grep -o '[0-9]* page faults')"
check "store 1M at offset 4K of v11d (4K alignment)" \$daxmap write \$(disk v11d) 4096 1048576 $seed
check_eq "a mapping of dd2m starts 2M-aligned" "addr-aligned yes" "\$(\$daxmap align \$(disk dd2m) 4194304 2097152)"
check "a MAP_PRIVATE mapping of a devdax disk is refused" \$daxmap private \$(disk dd2m) 2097152
check_fails "a 4K mapping of a 2M-aligned devdax disk is refused" \$daxmap check \$(disk dd2m) 0 4096 $seed
check_fails "mapping past the end of a devdax disk fails" \$daxmap check \$(disk v11d) 33554432 4096 $seed
exec 3<>\$(disk dd2m)
out=\$(pmemctl remove \$(basename \$(disk dd2m)) --yes 2>&1); rc=\$?
check "remove pmemdax<N> of an open devdax disk is refused: it is open" sh -c \
	"[ \$rc != 0 ] && echo '\$out' | grep -q 'the disk is open or mounted'"
exec 3>&-

# memory failure, last in this boot: the poisoned pages stay bad until unload
fallocate -l 1M /mx/poison; fallocate -l 1M /me/poison; fallocate -l 1M /mv/other
POISON_DEVDAX_4K=\$(disk v11d) POISON_DEVDAX_2M=\$(disk dd2m) POISON_EXT4=/me/poison \
	POISON_XFS=/mx/poison POISON_OTHER=/mv/other /pmd/tests/poison_test || t_failed=1
check_eq "dd2m's sysfs badblocks lists the page poisoned at 16M + 4K" "32776 8" \
	"\$(cat /sys/class/misc/\$(basename \$(disk dd2m))/badblocks)"
check "dd2m: the 4M stored at 2M still reads back" \$daxmap check \$(disk dd2m) 2097152 4194304 $seed
check "v11d: the 1M stored at 4K still reads back" \$daxmap check \$(disk v11d) 4096 1048576 $seed
echo "UUIDS \$(pmemctl list --json | jq -r '[.disks[] | select(.name == "xfsd" or .name == "dd2m") | .uuid] | sort | join(" ")')"
check "umount all" sh -c "umount /mx && umount /me && umount /mv && umount /mb"
check "unload" rmmod pmemdisk
check_dmesg_clean
finish
GUEST

our_uuids=$(from_guest UUIDS)

guest "after a reboot: the same filesystems and bytes" "${dimms[@]}" --timeout 900 <<GUEST
$common
mark_dmesg
check "pmemdisk.ko loads" insmod /pmd/pmemdisk.ko
check_eq "the disks came back with their modes" \
	"xfsd fsdax ext4m fsdax dd2m devdax bttx btt v11f fsdax v11d devdax" \
	"\$(pmemctl list --json | jq -r '[.disks[] | "\(.name) \(.mode)"] | join(" ")')"
check "mount -o dax xfsd, ext4m, v11f" sh -c \
	"mkdir -p /mx /me /mv && mount -o dax \$(disk xfsd) /mx && mount -o dax \$(disk ext4m) /me && mount -o dax \$(disk v11f) /mv"
for m in /mx /me /mv; do
	check "\$m: what the MAP_SYNC stores wrote is there" \$daxmap check \$m/log 0 8388608 $seed
done
check "dd2m: the 4M stored at 2M is there" \$daxmap check \$(disk dd2m) 2097152 4194304 $seed
check "v11d: the 1M stored at 4K is there" \$daxmap check \$(disk v11d) 4096 1048576 $seed
check_fails "and dd2m's first 2M were not written by it" \$daxmap check \$(disk dd2m) 0 2097152 $seed
check "umount, unload" sh -c "umount /mx && umount /me && umount /mv && rmmod pmemdisk"
check_dmesg_clean
finish
GUEST

guest "Linux reads pmemdisk's DAX namespaces; ndctl makes its own" "${dimms[@]}" --timeout 900 <<GUEST
$common
modprobe nfit; modprobe nd_pmem; modprobe dax_pmem; modprobe device_dax 2>/dev/null
for i in \$(seq 100); do [ "\$(ndctl list -N 2>/dev/null | jq length)" = 6 ] && break; sleep 0.2; done
ns() { ndctl list -N | jq -r ".[] | select(.name == \"\$1\") | \$2"; }
check_eq "ndctl sees our modes" "xfsd fsdax ext4m fsdax dd2m devdax bttx sector v11f fsdax v11d devdax" \
	"\$(for n in xfsd ext4m dd2m bttx v11f v11d; do echo -n "\$n \$(ns \$n .mode) "; done | sed 's/ \$//')"
check_eq "with our namespace uuids" "$our_uuids" \
	"\$(ndctl list -N -v | jq -r '[.[] | select(.name == "xfsd" or .name == "dd2m") | .raw_uuid] | sort | join(" ")')"
check_eq "and our maps and alignments" "dev 2097152 mem 2097152 dev 2097152" \
	"\$(for n in xfsd ext4m dd2m; do echo -n "\$(ns \$n .map) \$(ns \$n .align) "; done | sed 's/ \$//')"
check "Linux mounts xfsd and ext4m with -o dax" sh -c \
	"mkdir -p /mx /me && mount -o dax /dev/\$(ns xfsd .blockdev) /mx && mount -o dax /dev/\$(ns ext4m .blockdev) /me"
check "Linux reads the stores in xfsd's file" \$daxmap check /mx/log 0 8388608 $seed
check "Linux reads the stores in ext4m's file" \$daxmap check /me/log 0 8388608 $seed
check "device-dax reads dd2m's bytes" \$daxmap check /dev/\$(ns dd2m .chardev) 2097152 4194304 $seed
umount /mx; umount /me
# (region0: QEMU puts dimm1 right after dimm0's pmem, so region1 does not
# start on the 16 MiB boundary ndctl wants for its own DAX namespaces)
check "ndctl create-namespace -m fsdax and -m devdax on dimm0's free space" sh -c \
	"ndctl create-namespace -r region0 -m fsdax -s 64M -n lxf >/dev/null &&
	 ndctl create-namespace -r region0 -m devdax -s 64M -n lxd >/dev/null"
check "mkfs.ext4 on Linux's fsdax namespace, mount -o dax, MAP_SYNC stores" sh -c \
	"mkfs.ext4 -q -F -b 4096 /dev/\$(ns lxf .blockdev) && mkdir -p /ml && mount -o dax /dev/\$(ns lxf .blockdev) /ml &&
	 fallocate -l 4M /ml/log && \$daxmap write /ml/log 0 4194304 $((seed + 1)) --sync && umount /ml"
check "stores through Linux's device-dax" \$daxmap write /dev/\$(ns lxd .chardev) 0 2097152 $((seed + 2))
# ndctl's uuid of a DAX namespace is its info block's; raw_uuid the namespace's
nsv() { ndctl list -N -v | jq -r ".[] | select(.name == \"\$1\") | .raw_uuid"; }
echo "LX \$(nsv lxf) \$(nsv lxd)"
finish
GUEST
read -r lxf_uuid lxd_uuid <<<"$(from_guest LX)"

guest "pmemdisk reads Linux's fsdax and devdax namespaces" "${dimms[@]}" --timeout 900 <<GUEST
$common
mark_dmesg
check "pmemdisk.ko loads" insmod /pmd/pmemdisk.ko
check_eq "Linux's namespaces are fsdax and devdax disks with their uuids" \
	"lxf fsdax $lxf_uuid lxd devdax $lxd_uuid" \
	"\$(pmemctl list --json | jq -r '[.disks[] | select(.name == "lxf" or .name == "lxd") | "\(.name) \(.mode) \(.uuid)"] | join(" ")')"
check "mount -o dax Linux's ext4" sh -c "mkdir -p /ml && mount -o dax \$(disk lxf) /ml"
check "its MAP_SYNC stores are there" \$daxmap check /ml/log 0 4194304 $((seed + 1))
check "the device-dax stores are there" \$daxmap check \$(disk lxd) 0 2097152 $((seed + 2))
check "umount, unload" sh -c "umount /ml && rmmod pmemdisk"
check_dmesg_clean
finish
GUEST

plan_end
