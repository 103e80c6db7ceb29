#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Images made offline by `pmemctl image create` on the host, booted as
# QEMU NVDIMMs: Linux's own stack (nfit, nd_pmem, nd_btt, ndctl) finds each
# namespace with the uuid, name, mode, sector size and size pmemctl
# promised and stores data through its BTT; `pmemctl image info` then finds
# those BTTs consistent on the host; and pmemdisk serves the same images as
# BTT disks with the same identity and data. Three images, three slots:
# v1.2 labels (slot 0), v1.1 labels with 4 KiB sectors (slot 1), and a
# label-less one (slot 2, no label area).
. "$(dirname "$0")/lib.sh"

pmemctl=$top/userspace/pmemctl
a=$(dimm_path a) b=$(dimm_path b) c=$(dimm_path c)
ua=0a1b2c3d-4e5f-4061-8273-94a5b6c7d8e9 ub=1b2c3d4e-5f60-4172-8384-a5b6c7d8e9fa
made() { sed -nE 's/^created .*: a .* \(([0-9]+) bytes\).*/\1/p' "$work/$1.out"; }
"$pmemctl" image create "$a" --size 64M --btt --name img-a --uuid $ua >"$work/a.out" 2>&1
h_check "image create: v1.2 labels, BTT, slot 0" test $? = 0 -a -n "$(made a)"
"$pmemctl" image create "$b" --size 48M --btt --labels v1.1 --sector-size 4096 \
	--uuid $ub --slot 1 >"$work/b.out" 2>&1
h_check "image create: v1.1 labels, BTT of 4096-byte sectors, slot 1" test $? = 0 -a -n "$(made b)"
"$pmemctl" image create "$c" --size 32M --btt --labels none >"$work/c.out" 2>&1
h_check "image create: label-less BTT" test $? = 0 -a -n "$(made c)"
dimms=(--dimm "$a:$(stat -c %s "$a")" --dimm "$b:$(stat -c %s "$b")"
       --dimm "$c:$(stat -c %s "$c"):0")

# What the guests are told: the uuids and the sizes pmemctl promised.
env_script() {
	echo "ua=$ua ub=$ub size_a=$(made a) size_b=$(made b) size_c=$(made c)"
	cat
}

env_script <<'GUEST' | guest "Linux's own stack finds the images' namespaces" "${dimms[@]}"
. /pmd/tests/lib.sh
modprobe nfit && modprobe nd_pmem && modprobe nd_btt
for i in $(seq 100); do [ "$(ls /dev/pmem*s 2>/dev/null | wc -l)" -ge 3 ] && break; sleep 0.1; done
# in sector mode "uuid" is the BTT's; the namespace's is "raw_uuid" (-v)
ns() { ndctl list -N -v | jq -cM "[.[] | .uuid = (.raw_uuid // .uuid) | $1][0] // empty"; }
diag "$(ndctl list -N -v | jq -cM '.[] | {dev, mode, size, uuid, raw_uuid, name, sector_size}')"
check_eq "v1.2 image: uuid, name, sector mode, 512-byte sectors, size promised" \
	"img-a sector 512 $size_a" "$(ns "select(.uuid == \"$ua\")" | jq -r '"\(.name) \(.mode) \(.sector_size) \(.size)"')"
check_eq "v1.1 image: uuid, sector mode, 4096-byte sectors, size promised" \
	"sector 4096 $size_b" "$(ns "select(.uuid == \"$ub\")" | jq -r '"\(.mode) \(.sector_size) \(.size)"')"
check_eq "label-less image: sector mode, size promised" "sector $size_c" \
	"$(ns "select(.uuid != \"$ua\" and .uuid != \"$ub\")" | jq -r '"\(.mode) \(.size)"')"
for u in "$ua" "$ub" other; do
	if [ $u = other ]; then sel="select(.uuid != \"$ua\" and .uuid != \"$ub\")"; else sel="select(.uuid == \"$u\")"; fi
	dev=/dev/$(ns "$sel" | jq -r .blockdev)
	pattern "$u" 8388608 | dd of=$dev bs=1M oflag=direct 2>/dev/null
	check_eq "$u: data written through nd_btt reads back" "$(pattern "$u" 8388608 | sha256sum)" \
		"$(dd if=$dev bs=1M count=8 iflag=direct 2>/dev/null | sha256sum)"
done
check_dmesg_clean
finish
GUEST

for f in a b c; do
	"$pmemctl" image info "$(dimm_path $f)" >"$work/$f.info" 2>&1
	h_check "image info: $f's BTT is consistent after the guest wrote through it" \
		grep -qE '^  BTT [12]\.[01]: consistent' "$work/$f.info"
done
diag_lines "$(grep -h 'BTT\|fit' "$work"/[abc].info)"

# ---- image cat, image convert (begin): no guest of their own ----
# What the guest wrote through nd_btt, read on the host through the BTT by
# image cat, then converted to raw: cat again, and the raw region bytes.
for f in a b c; do
	case $f in a) tag=$ua ;; b) tag=$ub ;; *) tag=other ;; esac
	want=$(yes "$tag" | head -c 8388608 | sha256sum)
	h_check "image cat: $f's first 8 MiB are what the guest wrote through nd_btt" \
		test "$want" = "$("$pmemctl" image cat "$(dimm_path $f)" --length 8M | sha256sum)"
	"$pmemctl" image convert "$(dimm_path $f)" "$work/$f-raw.img" --raw >"$work/$f.cv" 2>&1
	h_check "image convert --raw: $f" grep -q "^converted .* (BTT) into .*: a .* raw disk" "$work/$f.cv"
	h_check "  cat of the raw image: the same bytes" \
		test "$want" = "$("$pmemctl" image cat "$work/$f-raw.img" --length 8M | sha256sum)"
	h_check "  the raw region bytes (file offset 0): the same bytes" \
		test "$want" = "$(head -c 8388608 "$work/$f-raw.img" | sha256sum)"
	n=$("$pmemctl" image cat "$(dimm_path $f)" | wc -c)
	h_check "  the whole BTT disk ($n bytes) is the start of the raw one" \
		cmp -s <("$pmemctl" image cat "$(dimm_path $f)") <(head -c "$n" "$work/$f-raw.img")
	rm -f "$work/$f-raw.img"
done
# ---- image cat, image convert (end) ----

env_script <<'GUEST' | guest "pmemdisk serves the same images" "${dimms[@]}"
. /pmd/tests/lib.sh
check "pmemdisk loads" insmod /pmd/pmemdisk.ko
disk() { pmemctl list --json | jq -cM "[.disks[] | $1][0] // empty"; }
diag "$(pmemctl list --json | jq -cM '.disks[] | {disk, uuid, name, atomicity, sector_size, size}')"
check_eq "v1.2 image: a BTT disk with its uuid, name, sectors and size" \
	"img-a btt 512 $size_a" "$(disk "select(.uuid == \"$ua\")" | jq -r '"\(.name) \(.atomicity) \(.sector_size) \(.size)"')"
check_eq "v1.1 image: a BTT disk with its uuid, sectors and size" \
	"btt 4096 $size_b" "$(disk "select(.uuid == \"$ub\")" | jq -r '"\(.atomicity) \(.sector_size) \(.size)"')"
check_eq "label-less image: a BTT disk of the size promised" "btt $size_c" \
	"$(disk "select(.uuid != \"$ua\" and .uuid != \"$ub\")" | jq -r '"\(.atomicity) \(.size)"')"
for u in "$ua" "$ub" other; do
	if [ $u = other ]; then sel="select(.uuid != \"$ua\" and .uuid != \"$ub\")"; else sel="select(.uuid == \"$u\")"; fi
	dev=/dev/$(disk "$sel" | jq -r .disk)
	check_eq "$u: pmemdisk reads the data nd_btt wrote" "$(pattern "$u" 8388608 | sha256sum)" \
		"$(dd if=$dev bs=1M count=8 iflag=direct 2>/dev/null | sha256sum)"
done
check "pmemdisk unloads" rmmod pmemdisk
check_dmesg_clean
finish
GUEST
plan_end
