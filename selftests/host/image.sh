#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# pmemctl image create, info and check on regular files, as an ordinary user, with
# no module: sizes, label formats, QEMU slots' cookies, BTTs, sparse
# layout, refusals that change nothing, and a damaged image found out;
# info --json says the same as the text (and who maps the file).
# (selftests/vm/220-image.sh boots these images in a guest.)
. "$(dirname "$0")/lib.sh"

pmemctl=$top/userspace/pmemctl
img=$work/img
mkdir -p "$img"
chmod 755 "$work"
chown nobody "$img" 2>/dev/null
# As nobody when this runs as root: an image needs only the file's rights.
as_user() {
	if [ "$(id -u)" = 0 ]; then
		setpriv --reuid=nobody --regid=nogroup --clear-groups "$pmemctl" "$@"
	else
		"$pmemctl" "$@"
	fi
}
ofile=$work/out efile=$work/err

run() { as_user "$@" >"$ofile" 2>"$efile"; }
# A process that maps FILE, as a guest's QEMU does: its pid in $mapper.
map_file() {
	python3 -c '
import mmap, sys, time
f = open(sys.argv[1], "r+b")
m = mmap.mmap(f.fileno(), 4096)
print("mapped", flush=True)
time.sleep(30)' "$1" >"$work/mapper" &
	mapper=$!
	for _ in $(seq 50); do grep -q mapped "$work/mapper" && break; sleep 0.1; done
}
has() { grep -qF -- "$1" "$ofile"; }

# --- v1.2 labels, BTT, slot 0 ------------------------------------------
uuid=6f1c2a3b-4d5e-4f60-8172-93a4b5c6d7e8
check "create: a 1 GiB BTT image, v1.2 labels, slot 0, as nobody" \
	run image create "$img/a.img" --size 1G --btt --name db --uuid $uuid
diag "$(head -3 "$ofile")"
check "create says the size it made, rounded up from 1 GiB" \
	grep -qE "created .*a\.img: a 1\.[0-9]+ GiB \([0-9]+ bytes\) BTT disk of 512-byte sectors, uuid $uuid, name db, on v1\.2 labels for QEMU slot 0" "$ofile"
check "create prints QEMU options with share=on" \
	grep -qE "memory-backend-file,id=pmem0,share=on,mem-path=$img/a.img,size=[0-9]+$" "$ofile"
check "create prints the nvdimm device with the label size" \
	grep -qF "nvdimm,id=nvdimm0,memdev=pmem0,slot=0,label-size=131072" "$ofile"
check "create prints libvirt XML with access='shared'" \
	grep -qF "<memory model='nvdimm' access='shared'>" "$ofile"
size=$(stat -c %s "$img/a.img")
check_eq "the file is a multiple of 2 MiB" 0 $((size % (2 << 20)))
check "the file belongs to the user who made it" test "$(stat -c %U "$img/a.img")" = "$( [ "$(id -u)" = 0 ] && echo nobody || id -un)"
check "info reads it" run image info "$img/a.img"
diag "$(cat "$ofile" | head -8)"
check "info: slot 0's v1.2 cookie, as QEMU's NFIT gives it (0x00ba90120012b4dc)" \
	has "(interleave-set cookie 0x00ba90120012b4dc) fit QEMU slot 0 only"
check "info: the namespace with its uuid, name and claim btt2" \
	grep -qE "^namespace $uuid name db: .* at 0, 512-byte sectors, claim btt2$" "$ofile"
check "info: a consistent BTT 2.0 of at least 1 GiB" \
	grep -qE "^  BTT 2\.0: consistent, 1 arena\(s\), [0-9]+ sectors of 512 bytes" "$ofile"
sectors=$(sed -nE 's/^  BTT 2\.0: consistent, 1 arena\(s\), ([0-9]+) sectors.*/\1/p' "$ofile")
check "info: the BTT holds at least the 1 GiB asked" test "${sectors:-0}" -ge $(((1 << 30) / 512))

# --- info --json: the same facts, for programs ------------------------------
check "info --json reads it (0)" run image info "$img/a.img" --json
j() { jq -r "$1" "$ofile"; }
check_eq "  geometry: file, label area, alignment, region, in bytes" \
	"$size 131072 4096 $((size - 131072))" \
	"$(j '"\(.file_size) \(.label_area_size) \(.align) \(.region_size)"')"
check_eq "  v1.2 labels, slot 0, one slot used" "v1.2 0 false 1" \
	"$(j '"\(.label_state) \(.slot) \(.any_slot) \(.label_slots_used)"')"
# (jq reads numbers as doubles: the 64-bit cookie is compared as printed)
check "  slot 0's v1.2 cookie, 0x00ba90120012b4dc" \
	grep -qxF "  \"isetcookie\": $((0x00ba90120012b4dc))," "$ofile"
check_eq "  the namespace: uuid, name, mode, sector size, offset, claim" \
	"$uuid db btt 512 0 btt2 false" \
	"$(j '.namespaces[0] | "\(.uuid) \(.name) \(.mode) \(.sector_size) \(.offset) \(.claim) \(.updating)"')"
check_eq "  its BTT: 2.0, consistent, the sectors the text gives" \
	"2.0 consistent $sectors 512 $((sectors * 512)) 0 0" \
	"$(j '.namespaces[0].btt | "\(.version) \(.state) \(.sectors) \(.sector_size) \(.size) \(.blocks_missing) \(.repaired)"')"
check_eq "  no problems, users or warnings" "0 0 0" \
	"$(j '"\(.problems) \(.users | length) \(.warnings | length)"')"
check "  the QEMU options create printed" \
	grep -qF -- "-device $(j .qemu.device)" <(as_user image info "$img/a.img")
check_eq "  and the libvirt XML" "<memory model='nvdimm' access='shared'>" \
	"$(j .libvirt | head -n 1)"
check "info --json is one JSON text that the schema accepts" \
	"$top/selftests/json-validate" "$top/userspace/schema/image-info.json" "$ofile"

# --- v1.1 labels, 4 KiB sectors, slot 1 ---------------------------------
check "create: v1.1 labels, 4096-byte sectors, slot 1" \
	run image create "$img/b.img" --size 64M --labels v1.1 --btt --sector-size 4096 --slot 1
check "info: slot 1's v1.1 cookie" \
	run image info "$img/b.img"
check "info: v1.1 labels" has "v1.1 labels, 1 of"
check "info: the cookie fits slot 1" has "fit QEMU slot 1 only"
check "info: a BTT 1.1 (at 4 KiB) of 4096-byte sectors" \
	grep -qE "^  BTT 1\.1: consistent, 1 arena\(s\), [0-9]+ sectors of 4096 bytes" "$ofile"
check "slot 0's v1.1 cookie is 0x002468ac00123456" \
	run image create "$img/b0.img" --size 16M --labels v1.1
as_user image info "$img/b0.img" >"$ofile" 2>&1
check "  (as QEMU's NFIT gives it)" has "(interleave-set cookie 0x002468ac00123456) fit QEMU slot 0 only"

# --- label-less ---------------------------------------------------------
check "create: a label-less BTT image" \
	run image create "$img/c.img" --size 100M --btt --labels none
check "it says any slot fits" has "label-less (any slot)"
check "QEMU gets no label-size for it" \
	grep -qxF "  -device nvdimm,id=nvdimm0,memdev=pmem0,slot=0" "$ofile"
check "info: label-less with a BTT 1.1" run image info "$img/c.img"
check "  whose sectors hold 100 MiB" \
	grep -qE "^  BTT 1\.1: consistent, 1 arena\(s\), [0-9]+ sectors of 512 bytes \(([0-9]+) bytes\)" "$ofile"
run image info "$img/c.img" --json
check_eq "  --json: label-less, any slot, one namespace with no uuid, name or claim" \
	"label-less 0 null true null null null" \
	"$(jq -r '"\(.label_state) \(.label_area_size) \(.slot) \(.any_slot) \(.namespaces[0] | "\(.uuid) \(.name) \(.claim)")"' "$ofile")"
check "  and a BTT 1.1 at 4 KiB of at least 100 MiB" \
	jq -e '.namespaces[0].btt | .version == "1.1" and .start == 4096 and .size >= 104857600' "$ofile"
check "a raw label-less image has no BTT" run image create "$img/d.img" --size 20M --labels none
as_user image info "$img/d.img" >"$ofile" 2>&1
check_fails "  info finds none" grep -q "BTT" "$ofile"
run image info "$img/d.img" --json
check_eq "  --json: a raw namespace, btt null" "raw null" \
	"$(jq -r '.namespaces[0] | "\(.mode) \(.btt)"' "$ofile")"
check_eq "  and the file is exactly 20 MiB" $((20 << 20)) "$(stat -c %s "$img/d.img")"

# --- sparse -------------------------------------------------------------
check "create: a 64 GiB BTT image" run image create "$img/big.img" --size 64G --btt
kib=$(du -k "$img/big.img" | cut -f1)
diag "64 GiB BTT image: $(stat -c %s "$img/big.img") bytes, $kib KiB allocated"
check "it is sparse: under 1 MiB allocated (no zero blocks written)" test "$kib" -lt 1024
check "info: its BTT is consistent" run image info "$img/big.img"
check "  (checked)" has "BTT 2.0: consistent"

# --- refusals that change nothing ----------------------------------------
sum=$(sha256sum <"$img/a.img")
run image create "$img/a.img" --size 16M
check_eq "create over an existing file: refused (1)" 1 $?
check "  with the reason" grep -qF "a.img: File exists (image create makes new files only)" "$efile"
check_eq "  and the file is unchanged" "$sum" "$(sha256sum <"$img/a.img")"
run image create "$img/e.img" --size 1G --mode fsdax
check_eq "fsdax: refused as usage (2)" 2 $?
check "  because a guest's pmem is only 4 KiB-aligned" grep -qF "only known to be 4 KiB-aligned" "$efile"
run image create "$img/e.img" --size 1000 --sector-size 512
check_eq "a size not in whole sectors: refused (2)" 2 $?
check "  with the reason" grep -qF "is not a whole number of 512-byte sectors" "$efile"
run image create "$img/e.img" --size 16M --labels none --name x
check_eq "label-less with a name: refused (2)" 2 $?
run image create "$img/e.img" --size 16M --labels v2.0
check_eq "an unknown label version: refused (2)" 2 $?
check "  naming the bad value" grep -qF "bad value 'v2.0' for --labels" "$efile"
run image create "$img/e.img" --size 16M --slot 256
check_eq "slot 256: refused (2)" 2 $?
run image create "$img/e.img" --size 16M --label-size 64K
check_eq "a label area under 128 KiB: refused (2)" 2 $?
check_fails "no refused create left a file" test -e "$img/e.img"

# --- a damaged image ------------------------------------------------------
cp "$img/a.img" "$img/bad.img"
# the BTT 2.0 info block is at 0: break its signature and its backup's
printf 'XXXXXXXX' | dd of="$img/bad.img" conv=notrunc bs=1 seek=0 status=none
run image info "$img/bad.img"
check_eq "info on a BTT whose primary info block is broken exits 1" 1 $?
check "  and says why" grep -qF "note: arena 0: info block no BTT signature" "$ofile"
printf '\377%.0s' $(seq 1 4096) | dd of="$img/bad.img" conv=notrunc bs=4096 seek=1 count=1 status=none
dd if=/dev/zero of="$img/bad.img" conv=notrunc bs=4096 seek=2 count=64 status=none
run image info "$img/bad.img"
check_eq "info on a BTT whose map and log are overwritten exits 1" 1 $?
check "  and says it is damaged" grep -qE "^  BTT 2\.0 at 0: damaged|^  note:" "$ofile"
run image info "$img/bad.img" --json
check_eq "  --json prints the document all the same, and exits 1" 1 $?
check_eq "  saying so: BTT damaged, one problem, the check's note, no sectors" \
	"damaged 1 arena 0: info block no BTT signature null" \
	"$(jq -r '"\(.namespaces[0].btt.state) \(.problems) \(.namespaces[0].notes[0]) \(.namespaces[0].btt.sectors)"' "$ofile")"

# --- check and repair -------------------------------------------------------
cp "$img/a.img" "$img/fix.img"
chown nobody "$img/fix.img" 2>/dev/null	# cp ran as root
printf 'XXXXXXXX' | dd of="$img/fix.img" conv=notrunc bs=1 seek=0 status=none
run image check "$img/fix.img"
check_eq "check finds the broken info block (1)" 1 $?
check "  and says what it is" grep -qF "note: arena 0: info block no BTT signature" "$ofile"
run image check "$img/fix.img" --repair
check_eq "check --repair mends it (0)" 0 $?
check "  from its backup" grep -qF "restoring it from its backup" "$ofile"
check "  and says so" grep -qF "BTT 2.0: 1 structure(s) repaired" "$ofile"
check_eq "the repaired image is byte for byte the one before the damage" \
	"$(sha256sum <"$img/a.img")" "$(sha256sum <"$img/fix.img")"
run image check "$img/fix.img"
check_eq "a second check finds nothing (0)" 0 $?
run image check "$img/c.img"
check_eq "check of a label-less BTT image (0)" 0 $?

# --- in use -------------------------------------------------------------
map_file "$img/a.img"
# /proc/PID/maps of another user's process is readable only by root
"$pmemctl" image info "$img/a.img" >"$ofile" 2>&1
check "info (as root) warns that a running process maps the image" \
	grep -qE "^warning: in use: mapped by python3 \(pid $mapper\)" "$ofile"
"$pmemctl" image info "$img/a.img" --json >"$ofile" 2>&1
check_eq "info --json lists the process that maps it" "python3 $mapper" \
	"$(jq -r '.users[] | "\(.command) \(.pid)"' "$ofile")"
check_eq "  and warns of it" "in use: mapped by python3 (pid $mapper)" \
	"$(jq -r '.warnings[]' "$ofile")"
sum=$(sha256sum <"$img/a.img")
"$pmemctl" image check "$img/a.img" --repair >"$ofile" 2>&1
check_eq "check --repair of an image in use: refused (1)" 1 $?
check "  naming who maps it" grep -qE "a.img is in use: mapped by python3 \(pid $mapper\); repair it when no guest runs" "$ofile"
check_eq "  and the image is unchanged" "$sum" "$(sha256sum <"$img/a.img")"
kill "$mapper"; wait "$mapper" 2>/dev/null
"$pmemctl" image info "$img/a.img" >"$ofile" 2>&1
check_fails "  and not once it is gone" grep -q "in use" "$ofile"
# ==== image convert and image cat (begin) =================================
# Known data goes in through a raw image's region bytes (DPA 0 = file offset
# 0, the namespace at 0); convert writes it through a BTT, whose sectors cat
# reads back through the BTT's map; back to raw, the region bytes again.
head -c $((3 << 20)) /dev/urandom >"$work/known"
known_len=$((3 << 20))
chmod 644 "$work/known"
cv=$img/cv
mkdir -p "$cv"
chown nobody "$cv" 2>/dev/null
# put @known at byte $2 of the raw image $1's disk
poke() { dd if="$work/known" of="$1" bs=4096 seek=$(($2 / 4096)) conv=notrunc status=none; }
# the disk of image $1 holds @known at byte $2, and zeroes up to $3 bytes in
holds() {
	as_user image cat "$1" --offset "$2" --length $known_len | cmp -s - "$work/known" &&
	as_user image cat "$1" --length "$2" | cmp -s - <(head -c "$2" /dev/zero)
}
alloc_kib() { du -k "$1" | cut -f1; }
# the disk's size in bytes, from cat's refusal to read past it
disk_bytes() {
	as_user image cat "$1" --offset $((1 << 60)) 2>&1 >/dev/null | sed -nE "s/.*the disk's ([0-9]+) bytes$/\1/p"
}
# image $1's disk reads as zeroes in its last MiB
zero_tail() {
	local n
	n=$(disk_bytes "$1")
	as_user image cat "$1" --offset $((n - (1 << 20))) | cmp -s - <(head -c $((1 << 20)) /dev/zero)
}
round_trip() {	# size sector labels
	local size=$1 ss=$2 labels=$3 r=$cv/r-$1-$2-$3.img b=$cv/b-$1-$2-$3.img
	local r2=$cv/r2-$1-$2-$3.img at=$((1 << 20)) raw_bytes rss=$2
	# a label-less raw disk has 512-byte sectors: no label keeps another size
	[ "$labels" = none ] && rss=512
	as_user image create "$r" --size "$size" --sector-size "$rss" --labels "$labels" >/dev/null ||
		{ check "create $r" false; return; }
	[ "$(id -u)" = 0 ] && chown nobody "$r"
	poke "$r" $at
	raw_bytes=$(disk_bytes "$r")
	check "$size $ss $labels: raw -> BTT" run image convert "$r" "$b" --btt --sector-size "$ss"
	check "  says what it made" grep -qE "^converted .* \(raw\) into .*: a .* BTT disk of $ss-byte sectors" "$ofile"
	check "  cat through the BTT gives the data at its place" holds "$b" $at
	check "  the BTT checks clean" run image check "$b"
	check "  the BTT image is sparse (the data and under 2 MiB more allocated)" \
		test "$(alloc_kib "$b")" -lt $((known_len / 1024 + 2048))
	check_eq "  same file size" "$(stat -c %s "$r")" "$(stat -c %s "$b")"
	local bsum=
	[ "${size%M}" != "$size" ] && bsum=$(sha256sum <"$b")
	check "  BTT -> raw" run image convert "$b" "$r2" --raw --sector-size "$rss"
	if [ -n "$bsum" ]; then
		check_eq "  the BTT source is not changed by a convert" "$bsum" "$(sha256sum <"$b")"
	fi
	check "  the raw copy holds the data at its place" holds "$r2" $at
	check "  and zeroes at its end" zero_tail "$r2"
	check_eq "  of the original size" "$raw_bytes" "$(disk_bytes "$r2")"
	if [ "${size%M}" != "$size" ]; then	# whole disks: the small ones
		check_eq "  byte for byte the original disk" \
			"$(as_user image cat "$r" | sha256sum)" "$(as_user image cat "$r2" | sha256sum)"
	fi
	check "  the raw image is sparse" test "$(alloc_kib "$r2")" -lt $((known_len / 1024 + 2048))
	if [ "$labels" != none ]; then
		as_user image info "$r" | grep '^namespace' >"$work/ns1"
		as_user image info "$r2" | grep '^namespace' >"$work/ns2"
		check "  the namespace (uuid, place, sectors, claim) is the original's" cmp -s "$work/ns1" "$work/ns2"
		as_user image info "$r" | grep 'fit QEMU slot' >"$work/ns1"
		as_user image info "$b" | grep 'fit QEMU slot' >"$work/ns2"
		check "  the BTT image's labels fit the same slot" cmp -s "$work/ns1" "$work/ns2"
	fi
	rm -f "$r" "$b" "$r2"
}
round_trip 16M 512 v1.2
round_trip 20M 4096 none
round_trip 1G 4096 v1.1
round_trip 1G 512 none
round_trip 64G 512 v1.2
round_trip 64G 4096 v1.1

# sector size changes and a new identity
as_user image create "$cv/s.img" --size 64M --slot 3 --name keep >/dev/null
[ "$(id -u)" = 0 ] && chown nobody "$cv/s.img"
poke "$cv/s.img" 4096
check "512 -> 4096-byte BTT sectors, --new-id" \
	run image convert "$cv/s.img" "$cv/s4.img" --btt --sector-size 4096 --new-id
check "  cat gives the data" holds "$cv/s4.img" 4096
as_user image info "$cv/s4.img" >"$ofile"
check "  4096-byte sectors, name kept, slot 3 kept" \
	grep -qE "^namespace [0-9a-f-]+ name keep: .*, 4096-byte sectors, claim btt2$" "$ofile"
check "  (slot)" has "fit QEMU slot 3 only"
old=$(as_user image info "$cv/s.img" | sed -nE 's/^namespace ([0-9a-f-]+).*/\1/p')
new=$(sed -nE 's/^namespace ([0-9a-f-]+).*/\1/p' "$ofile")
check "  a new uuid" test -n "$new" -a "$new" != "$old"
check "  the BTT's parent is the new uuid (it loads under it)" has "BTT 2.0: consistent"
check "without --new-id the uuid is kept" run image convert "$cv/s.img" "$cv/k.img" --btt
check "  (the same)" grep -qF "uuid $old," "$ofile"

# refusals: a reason, exit 1 (2: usage), SRC unchanged, no DST left
refused() {	# code what-message description command...
	local code=$1 msg=$2 what=$3 keep=$4
	shift 4
	local before after
	before=$(sha256sum <"$keep" 2>/dev/null)
	run "$@"
	check_eq "$what: refused ($code)" "$code" $?
	check "  with the reason" grep -qF -- "$msg" "$efile"
	after=$(sha256sum <"$keep" 2>/dev/null)
	check_eq "  the source is unchanged" "$before" "$after"
	check_fails "  no new file" test -e "$cv/new.img"
	check_fails "  no temporary file left" compgen -G "$cv/new.img.pmemctl-*"
}
# (operand 1 of `refused` after the description is what must stay unchanged)
refused 1 "DST exists (convert makes new files only); nothing changed" "DST exists" \
	"$cv/k.img" image convert "$cv/s.img" "$cv/k.img" --raw
as_user image create "$cv/full.img" --size 16M >/dev/null
[ "$(id -u)" = 0 ] && chown nobody "$cv/full.img"
dd if=/dev/urandom of="$cv/full.img" bs=1M count=16 conv=notrunc status=none
refused 1 "(a BTT's map and log take the rest), and data lies up to byte 16777216:" \
	"raw -> BTT of a full disk (data would be lost)" \
	"$cv/full.img" image convert "$cv/full.img" "$cv/new.img" --btt
check "  saying how much" grep -qE "would hold 15.72 MiB \(16487424 bytes\) of the 16 MiB now there .*: 283 KiB \(289792 bytes\) would be lost" "$efile"
as_user image create "$cv/small.img" --size 14M >/dev/null
refused 1 "the namespace is 14680064 bytes: a BTT needs at least 16777216" \
	"a BTT on a namespace under 16 MiB" \
	"$cv/small.img" image convert "$cv/small.img" "$cv/new.img" --btt
as_user image create "$cv/ll.img" --size 20M --labels none >/dev/null
refused 1 "a label-less raw disk has 512-byte sectors" "label-less raw of 4096-byte sectors" \
	"$cv/ll.img" image convert "$cv/ll.img" "$cv/new.img" --raw --sector-size 4096
refused 1 "--new-id: a label-less image has no uuid" "--new-id label-less" \
	"$cv/ll.img" image convert "$cv/ll.img" "$cv/new.img" --btt --new-id
cp "$img/bad.img" "$cv/bad.img"
refused 1 "its BTT is damaged (image check says more)" "a damaged BTT" \
	"$cv/bad.img" image convert "$cv/bad.img" "$cv/new.img" --raw
refused 1 "its BTT is damaged" "cat of a damaged BTT" "$cv/bad.img" image cat "$cv/bad.img"
refused 2 "--btt and --raw exclude each other" "--btt and --raw" \
	"$cv/s.img" image convert "$cv/s.img" "$cv/new.img" --btt --raw
refused 2 "" "neither --btt nor --raw" "$cv/s.img" image convert "$cv/s.img" "$cv/new.img"
refused 1 "ends beyond the disk's 67108864 bytes" "cat past the end" \
	"$cv/s.img" image cat "$cv/s.img" --offset 67108864 --length 1
refused 1 "No such file or directory" "a missing SRC" \
	"$cv/s.img" image convert "$cv/none.img" "$cv/new.img" --raw
run image cat "$cv/s.img" --offset 67108000
check_eq "cat of the last 864 bytes" 864 "$(wc -c <"$ofile")"

# in use (root reads other users' maps, as with check --repair above)
map_file "$cv/s.img"
if [ "$(id -u)" = 0 ]; then
	as_user() { "$pmemctl" "$@"; }
	refused 1 "it is in use: mapped by python3 (pid $mapper)" "convert of an image in use" \
		"$cv/s.img" image convert "$cv/s.img" "$cv/new.img" --btt
	refused 1 "it is in use: mapped by python3 (pid $mapper)" "cat of an image in use" \
		"$cv/s.img" image cat "$cv/s.img"
fi
kill "$mapper"; wait "$mapper" 2>/dev/null
check "cat works once nobody maps it" holds "$cv/s.img" 4096
# ==== image convert and image cat (end) ===================================

finish
