#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# pmem as a cache tier: a pmemdisk fsdax disk as the pmem-mode ("p") cache
# of Linux's dm-writecache in front of a slower disk (a virtio disk on a
# host file, slowed by QEMU's I/O throttling):
#   - dmsetup: data written through the cache reads back; past the cache's
#     size the oldest blocks are written back to the slow disk; after
#     "flush" and the table's removal the slow disk alone holds every byte;
#   - LVM: lvconvert --type writecache --cachevol on the fsdax disk, then
#     --splitcache: the origin volume alone holds every byte;
#   - a disk held by device-mapper: remove, convert and reset-id are
#     refused naming the holder (dm-N and its name, the LVM volume), and
#     pmemctl list shows it;
#   - on 6.12 a raw or BTT disk (no DAX) is refused as the cache, with the
#     kernel's reason (never tried on 6.1: its dm-writecache dereferences
#     NULL there);
#   - power cuts: a writer appends records to a file on ext4 on the cached
#     volume and fsyncs every $M; QEMU is killed at a random moment; after
#     the same table is loaded again every record up to the last fsync the
#     host saw is there and intact, every later 4 KiB record is whole or
#     absent, and e2fsck -fn is clean after the journal replay.
# WC_CUTS power cuts (default 2; make check-long runs 10 per kernel).
. "$(dirname "$0")/lib.sh"

d0=$(dimm_path d0)
origin=$work/origin.img
truncate -s 256M "$origin"
# the slow disk: at most 400 I/O requests a second
vm=(--dimm "$d0:512M:128K" --qemu-arg -drive
    --qemu-arg "file=$origin,if=virtio,format=raw,throttling.iops-total=400")
cuts=${WC_CUTS:-2}
M=16	# records between two fsyncs
case "$KVER" in 6.1.*) old_dm=1 ;; *) old_dm=0 ;; esac

common=$(cat <<'COMMON'
. /pmd/tests/lib.sh
PATH=/pmd/bin:$PATH
export DM_DISABLE_UDEV=1	# no udev: libdevmapper makes the /dev nodes
mkdir -p /run/lock/lvm /run/lvm /m
modprobe virtio_pci 2>/dev/null; modprobe virtio_blk; modprobe dm_writecache; modprobe ext4
for i in $(seq 50); do [ -b /dev/vda ] && break; sleep 0.1; done
insmod /pmd/pmemdisk.ko
disk() { pmemctl list --json | jq -r ".disks[] | select(.name == \"$1\") | .disk"; }
# the dm-writecache table: the slow disk, cached by fsdax disk $1 (pmem mode)
wc_table() { echo "0 $(blockdev --getsz /dev/vda) writecache p /dev/vda /dev/$1 4096 0"; }
wc_up() { dmsetup create wc --table "$(wc_table $(disk cache))"; }
# status: "0 N writecache <error> <blocks> <free> <under writeback> ...":
# the blocks in use and under writeback
wc_used() { dmsetup status "$1" | awk '{ print $5 - $6, $7 }'; }
# ---- the power cuts' log: record i is 4 KiB of "record i" lines
rec() { yes "record $1" | head -c 4096; }
recs() { local i=$1; while [ "$i" -le "$2" ]; do rec "$i"; i=$((i + 1)); done; }
# make_log: a new cache disk, the table, ext4 on the cached volume
make_log() {
	pmemctl init-labels dimm0 --yes >/dev/null &&
	pmemctl create --region 0 --size 64M --mode fsdax --name cache >/dev/null &&
	dd if=/dev/zero of=/dev/$(disk cache) bs=4096 count=1 oflag=direct 2>/dev/null &&
	wc_up && mkfs.ext4 -q -F -b 4096 /dev/mapper/wc && mkdir -p /m
}
log_records() { echo $(( $(stat -c %s /m/log) / 4096 )); }
# records 1..N of the log are the writer's
log_prefix_is() { recs 1 "$1" | cmp -n $(($1 * 4096)) - /m/log; }
# the records after N that are neither the writer's nor zero
log_torn_after() {
	local i=$(($1 + 1)) n=$(log_records) b zero
	zero=$(head -c 4096 /dev/zero | sha256sum)
	while [ "$i" -le "$n" ]; do
		b=$(dd if=/m/log bs=4096 skip=$((i - 1)) count=1 2>/dev/null | sha256sum)
		[ "$b" = "$(rec $i | sha256sum)" ] || [ "$b" = "$zero" ] || echo -n " $i"
		i=$((i + 1))
	done
}
# check_log FLUSHED: after a cut, with the table loaded again
check_log() {
	check "the journal replays (mount, umount)" sh -c 'mount /dev/mapper/wc /m && umount /m'
	check "e2fsck -fn is clean" e2fsck -fn /dev/mapper/wc
	mount /dev/mapper/wc /m
	diag "the log has $(log_records) whole records; the host saw $1 flushed"
	check "every record up to the last flush the host saw ($1) is there and intact" log_prefix_is "$1"
	check_eq "every later record is whole or zero (none torn)" "" "$(log_torn_after "$1")"
	umount /m
}
# write_log FROM: append records after FROM (the log cut there first),
# fsync every M and say so; WC-CUT-NOW after the first fsync
write_log() {
	local i=$1 M=$2
	# (journal commits every second: records after the last fsync survive
	# a cut too, and must be whole)
	mount -o commit=1 /dev/mapper/wc /m && touch /m/log || return 1
	dd if=/dev/null of=/m/log bs=4096 seek="$i" 2>/dev/null
	while :; do
		i=$((i + 1))
		rec $i >>/m/log
		if [ $((i % M)) = 0 ]; then
			sync /m/log && echo "FLUSHED $i"
			[ "$i" -lt $(($1 + 2 * M)) ] && echo WC-CUT-NOW
		fi
	done
}
COMMON
)

guest "dmsetup and LVM: a pmemdisk fsdax disk caches a slow disk" "${vm[@]}" --timeout 900 <<GUEST
$common
check "labels, a 64M fsdax cache disk, a raw and a BTT disk" sh -c \
	"pmemctl init-labels dimm0 --yes && pmemctl create --region 0 --size 64M --mode fsdax --name cache &&
	 pmemctl create --region 0 --size 32M --name rawd && pmemctl create --region 0 --size 32M --mode btt --name bttd"
c=\$(disk cache)
check_eq "list: only the fsdax disk is a DAX-capable block device" "cache true rawd false bttd false" \
	"\$(pmemctl list --json | jq -r '[.disks[] | "\(.name) \(.block_dax)"] | join(" ")')"
check_eq "the fsdax disk's queue says DAX" 1 "\$(cat /sys/block/\$c/queue/dax)"
check "a new cache starts with a zero superblock" dd if=/dev/zero of=/dev/\$c bs=4096 count=1 oflag=direct
check "dmsetup create wc: writecache p on the fsdax disk" wc_up
check_eq "the table is in pmem mode" "writecache p" "\$(dmsetup table wc | awk '{ print \$3, \$4 }')"
blocks=\$(dmsetup status wc | awk '{ print \$5 }')
diag "cache blocks: \$blocks"

# the holder, by name
check_eq "list --json: the disk is held by dm-0 (wc)" "dm-0 wc null" \
	"\$(pmemctl list --json | jq -r ".disks[] | select(.name == \"cache\") | .holders[] | \"\(.device) \(.dm_name) \(.lvm_volume)\"")"
check_eq "list: the HeldBy column names it" "dm-0 (wc)" \
	"\$(pmemctl list -o Name,HeldBy --noheadings | awk '\$1 == "cache" { \$1 = ""; print substr(\$0, 2) }')"
# (convert and reset-id refuse DAX disks anyway: a raw disk under a
# linear table for those)
r=\$(disk rawd)
check "dmsetup create lin: a linear table on the raw disk" \
	dmsetup create lin --table "0 \$(blockdev --getsz /dev/\$r) linear /dev/\$r 0"
for cmd in "remove \$c --yes" "remove \$r --yes" "convert \$r --btt --yes" "reset-id \$r"; do
	case "\$cmd" in *\$c*) by="dm-0 (wc)" ;; *) by="dm-1 (lin)" ;; esac
	out=\$(pmemctl \$cmd 2>&1); rc=\$?
	diag "\$out"
	check "pmemctl \$cmd is refused naming the holder \$by" sh -c \
		"[ \$rc = 1 ] && echo '\$out' | grep -qF 'the disk is held by device-mapper: \$by; remove that first (Device or resource busy)'"
done
check "dmsetup remove lin" dmsetup remove lin

# data through the cache, then past its size
# (writeback starts when half the cache is used)
check "16 MiB of random data written through the cache" sh -c \
	"dd if=/dev/urandom of=/tmp/a bs=1M count=16 2>/dev/null && dd if=/tmp/a of=/dev/mapper/wc bs=1M oflag=direct"
check_eq "... reads back" "\$(sha256sum </tmp/a)" "\$(dd if=/dev/mapper/wc bs=1M count=16 iflag=direct 2>/dev/null | sha256sum)"
used=\$(wc_used wc | cut -d' ' -f1)
check "... and sits in the cache (\$used of \$blocks blocks used)" test "\$used" -ge 4096
check "96 MiB more at 16M: past the cache's size" sh -c \
	"dd if=/dev/urandom of=/tmp/b bs=1M count=96 2>/dev/null && dd if=/tmp/b of=/dev/mapper/wc bs=1M seek=16 oflag=direct"
check_eq "all 112 MiB read back" "\$(cat /tmp/a /tmp/b | sha256sum)" \
	"\$(dd if=/dev/mapper/wc bs=1M count=112 iflag=direct 2>/dev/null | sha256sum)"
# the oldest blocks were written back: the slow disk itself has them
for i in \$(seq 20); do
	[ "\$(dd if=/dev/vda bs=1M count=16 iflag=direct 2>/dev/null | sha256sum)" = "\$(sha256sum </tmp/a)" ] && break
	sleep 0.5
done
check_eq "the first 16 MiB were written back to the slow disk" "\$(sha256sum </tmp/a)" \
	"\$(dd if=/dev/vda bs=1M count=16 iflag=direct 2>/dev/null | sha256sum)"
check "dmsetup message wc 0 flush" dmsetup message wc 0 flush
check_eq "after flush: every block free, none under writeback" "0 0" "\$(wc_used wc)"
check_eq "status: no error" 0 "\$(dmsetup status wc | awk '{ print \$4 }')"
check "dmsetup remove wc" dmsetup remove wc
check_eq "the slow disk alone holds all 112 MiB" "\$(cat /tmp/a /tmp/b | sha256sum)" \
	"\$(dd if=/dev/vda bs=1M count=112 iflag=direct 2>/dev/null | sha256sum)"
check_eq "no holder once the table is gone" "0" "\$(ls /sys/block/\$c/holders | wc -l)"
rm -f /tmp/a /tmp/b

# non-DAX disks as the cache
for n in rawd bttd; do
	if [ $old_dm = 1 ]; then
		skip "the \$n disk is refused as a pmem-mode cache" "6.1's dm-writecache dereferences NULL on a cache without DAX"
		continue
	fi
	mark_dmesg
	check_fails "the \$n disk (no DAX) is refused as a pmem-mode cache" \
		dmsetup create bad --table "\$(wc_table \$(disk \$n))"
	check_eq "... the kernel says it is not a DAX device" "writecache: Cache device is not a DAX device" \
		"\$(dmesg_new | grep -o 'writecache: Cache device is not a DAX device' | head -n 1)"
done

# the LVM way
check "pvcreate, vgcreate vg on the slow disk and the fsdax disk" sh -c \
	"pvcreate -q -y /dev/vda /dev/\$c && vgcreate -q vg /dev/vda /dev/\$c"
check "lvcreate main (200M, slow disk) and fast (48M, fsdax disk, inactive)" sh -c \
	"lvcreate -q -y -n main -L 200M vg /dev/vda && lvcreate -q -y -n fast -L 48M vg /dev/\$c &&
	 lvchange -an vg/fast"
check "lvconvert --type writecache --cachevol fast vg/main" lvconvert -q -y --type writecache --cachevol fast vg/main
check_eq "LVM chose pmem mode" "writecache p" "\$(dmsetup table vg-main | awk '{ print \$3, \$4 }')"
lvs -a -o name,segtype,devices vg | sed 's/^/# /'
held=\$(pmemctl list --json | jq -r ".disks[] | select(.name == \"cache\") | .holders[] | .lvm_volume")
check_eq "list --json: the disk is held by the LVM volume vg/fast_cvol" "vg/fast_cvol" "\$held"
out=\$(pmemctl remove \$c --yes 2>&1); rc=\$?
diag "\$out"
check "remove of the cache disk is refused naming the LVM volume" sh -c \
	"[ \$rc = 1 ] && echo '\$out' | grep -q 'held by device-mapper: dm-[0-9]* (LVM volume vg/fast_cvol)'"
check "64 MiB of random data through the cached volume (48 MiB cache)" sh -c \
	"dd if=/dev/urandom of=/tmp/a bs=1M count=64 2>/dev/null && dd if=/tmp/a of=/dev/mapper/vg-main bs=1M oflag=direct"
check_eq "... reads back" "\$(sha256sum </tmp/a)" "\$(dd if=/dev/mapper/vg-main bs=1M count=64 iflag=direct 2>/dev/null | sha256sum)"
check "lvconvert --splitcache vg/main" lvconvert -q -y --splitcache vg/main
check_eq "vg/main is linear again" linear "\$(dmsetup table vg-main | awk '{ print \$3 }')"
check_eq "the origin volume alone holds the 64 MiB" "\$(sha256sum </tmp/a)" \
	"\$(dd if=/dev/mapper/vg-main bs=1M count=64 iflag=direct 2>/dev/null | sha256sum)"
check "vgremove vg, pvremove" sh -c "vgremove -q -f vg && pvremove -q /dev/vda /dev/\$c"
check_eq "the disk is free again" true "\$(pmemctl list --json | jq -r '.disks[] | select(.name == "cache") | .can_be_removed')"
check_dmesg_clean
finish
GUEST

# Power cuts. Boot 0 makes the cached ext4; boot n checks what cut n left
# and appends until cut n+1. The host keeps what the writer printed:
# "FLUSHED n" after an fsync that covered records 1..n returned.
flushed=0
for cut in $(seq 0 "$cuts"); do
	if [ "$cut" = 0 ]; then
		prep='check "a cache disk, the table, ext4 on the cached volume" make_log'
	else
		prep="check \"after cut $cut: the same table loads on the cache\" wc_up
check_log $flushed"
	fi
	if [ "$cut" = "$cuts" ]; then
		guest "verify the last cut" "${vm[@]}" --timeout 600 <<GUEST
$common
$prep
check "dmsetup message wc 0 flush, remove" sh -c "dmsetup message wc 0 flush && dmsetup remove wc"
check "e2fsck -fn of the slow disk alone is clean" e2fsck -fn /dev/vda
check_dmesg_clean
finish
GUEST
		break
	fi
	guest "cut $((cut + 1)) of $cuts: appending records, fsync every $M" --expect 137 "${vm[@]}" \
		--timeout 600 --kill-on WC-CUT-NOW --kill-delay-ms $((300 + RANDOM % 2000)) <<GUEST
$common
$prep
write_log $flushed $M
GUEST
	last=$(from_guest FLUSHED | tail -n 1)
	h_check "cut $((cut + 1)): the host saw a flush (record ${last:-none})" test -n "$last"
	[ -n "$last" ] && flushed=$last
done

plan_end
