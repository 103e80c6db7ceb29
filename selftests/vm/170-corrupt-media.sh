#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Damaged media between boots: the host flips bytes in the label areas and
# in BTT info blocks of the DIMMs' backing files. The module loads, each
# damaged disk is reported in the kernel log with the reason (a BTT with a
# damaged info block is served from its backup), every other disk and its
# data are untouched, and garbage anywhere in a label area crashes nothing.
. "$(dirname "$0")/lib.sh"

d0=$(dimm_path d0) d1=$(dimm_path d1)
dimm_size=$((128 << 20)) label_size=$((128 << 10))
dimms=(--dimm "$d0:128M:128K" --dimm "$d1:128M:128K")
tag=$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')

# flip FILE OFFSET: invert one byte of a DIMM's backing file, in place.
flip() {
	python3 - "$1" "$2" <<'PY'
import sys
path, off = sys.argv[1], int(sys.argv[2])
with open(path, "r+b") as f:
    f.seek(off)
    b = f.read(1)[0]
    f.seek(off)
    f.write(bytes([b ^ 0xff]))
PY
}

# label_at FILE NAME LABEL_SIZE: the file offset of the label named NAME
# in the label area at the end of FILE (index blocks are 256 bytes each at
# 128 KiB; slots follow them).
label_at() {
	python3 - "$1" "$2" "$3" "$dimm_size" "$label_size" <<'PY'
import sys
path, name, lsize, size, area = sys.argv[1], sys.argv[2].encode(), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
base = size - area
with open(path, "rb") as f:
    f.seek(base)
    lsa = f.read(area)
for off in range(512, area - lsize + 1, lsize):
    if lsa[off + 16:off + 16 + len(name) + 1] == name + b"\0":
        print(base + off)
        break
PY
}

guest "four disks with data, two per DIMM" "${dimms[@]}" <<GUEST
. /pmd/tests/lib.sh
check "pmemdisk.ko loads" insmod /pmd/pmemdisk.ko
check "init-labels dimm0 v1.2, dimm1 v1.1" sh -c \
	"pmemctl init-labels dimm0 --yes && pmemctl init-labels dimm1 --label-version 1.1 --yes"
check "raw r0 and BTT b0 on region0, raw r1 and BTT b1 on region1" sh -c \
	"pmemctl create --region 0 --size 16M --name r0 && pmemctl create --region 0 --size 32M --name b0 --btt && \
	 pmemctl create --region 1 --size 16M --name r1 && pmemctl create --region 1 --size 32M --name b1 --btt"
check_eq "placed one after the other" "r0:0 b0:16777216 r1:0 b1:16777216" \
	"\$(pmemctl list --json | jq -r '[.disks[] | "\(.name):\(.offset)"] | join(" ")')"
for n in r0 b0 r1 b1; do
	d=\$(pmemctl list --json | jq -r ".disks[] | select(.name == \"\$n\") | .disk")
	pattern $tag-\$n 1048576 | dd of=/dev/\$d bs=4096 oflag=direct 2>/dev/null
	check_eq "\$n written" "\$(pattern $tag-\$n 1048576 | sha256sum | cut -d' ' -f1)" "\$(dev_sum /dev/\$d 0 256)"
done
check_dmesg_clean
finish
GUEST

# r0's v1.2 label fails its checksum; r1's v1.1 label (no checksum) gets a
# wrong interleave-set cookie; b0's BTT 2.0 info block (namespace offset 0)
# and b1's BTT 1.1 info block (offset 4 KiB) fail their checksums.
off_r0=$(label_at "$d0" r0 256) off_r1=$(label_at "$d1" r1 128)
h_check "the host finds r0's and r1's labels in the backing files" test -n "$off_r0" -a -n "$off_r1"
flip "$d0" $((off_r0 + 20))		# a name byte: the checksum no longer matches
flip "$d1" $((off_r1 + 88))		# the first byte of the interleave-set cookie
flip "$d0" $(((16 << 20) + 64))		# b0's info block, inside its uuid
flip "$d1" $(((16 << 20) + 4096 + 64))	# b1's info block

guest "after the damage: reported, the others untouched" "${dimms[@]}" <<GUEST
. /pmd/tests/lib.sh
mark_dmesg
check "pmemdisk.ko loads" insmod /pmd/pmemdisk.ko
check_eq "r0 and r1 are gone, b0 and b1 are served" "b0 b1" \
	"\$(pmemctl list --json | jq -r '[.disks[].name] | sort | join(" ")')"
log=\$(dmesg_new)
diag "\$(echo "\$log" | grep -E 'skipped|BTT:')"
check "r0: the log names the damaged label slot" sh -c \
	"echo '\$log' | grep -qE 'region0: DIMM 0, slot [0-9]+: in use but not a valid label \\(damaged\\?\\): skipped'"
check "r1: the log says its label is not of this interleave set" sh -c \
	"echo '\$log' | grep -q 'region1: label .*: does not belong to this interleave set'"
check "b0 and b1: the log says the info block is damaged and the backup used" sh -c \
	"test \\\$(echo '\$log' | grep -c 'BTT: arena 0: info block .*; using its backup') -eq 2"
for n in b0 b1; do
	d=\$(pmemctl list --json | jq -r ".disks[] | select(.name == \"\$n\") | .disk")
	check_eq "\$n: data intact" "\$(pattern $tag-\$n 1048576 | sha256sum | cut -d' ' -f1)" "\$(dev_sum /dev/\$d 0 256)"
	check_eq "\$n: its atomicity is still btt" btt "\$(pmemctl list --json | jq -r ".disks[] | select(.name == \"\$n\") | .atomicity")"
done
check_eq "r0's label is void, so region0 counts only b0's 34 MiB as used (as Linux does)" \
	"\$(pmemctl regions --json | jq '.regions[0].size - 35651584')" \
	"\$(pmemctl regions --json | jq '.regions[0].available_size')"
out=\$(pmemctl read-labels dimm0 --json 2>&1); rc=\$?
check_eq "read-labels still decodes the damaged area" 0 \$rc
check_dmesg_clean
finish
GUEST

# Garbage: 64 random bytes flipped all over dimm0's label area (its index
# blocks included), dimm1's area overwritten with random bytes.
python3 - "$d0" "$d1" "$dimm_size" "$label_size" <<'PY'
import os, random, sys
d0, d1, size, area = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
rng = random.Random(os.urandom(8))
with open(d0, "r+b") as f:
    for _ in range(64):
        off = size - area + rng.randrange(area)
        f.seek(off)
        b = f.read(1)[0]
        f.seek(off)
        f.write(bytes([b ^ (1 << rng.randrange(8))]))
with open(d1, "r+b") as f:
    f.seek(size - area)
    f.write(os.urandom(area))
PY

guest "label areas full of damage: nothing crashes" "${dimms[@]}" <<GUEST
. /pmd/tests/lib.sh
check "pmemdisk.ko loads" insmod /pmd/pmemdisk.ko
diag "\$(pmemctl devices --json | jq -cM '[.devices[] | {device, label_state, label_slots_used}]')"
diag "\$(pmemctl list --json | jq -cM '[.disks[] | {disk, name, size, atomicity}]')"
check "pmemctl lists devices, regions and disks" sh -c "pmemctl devices >/dev/null && pmemctl regions >/dev/null && pmemctl list >/dev/null"
check_eq "random bytes are no index: dimm1 is label-less" label-less \
	"\$(pmemctl devices --json | jq -r '.devices[1].label_state')"
for d in \$(pmemctl list --json | jq -r '.disks[].disk'); do
	dd if=/dev/\$d of=/dev/null bs=1M count=4 iflag=direct 2>/dev/null
done
check "every disk it serves can be read" true
check "it unloads" rmmod pmemdisk
check_dmesg_clean
finish
GUEST
plan_end
