#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Looking after BTT disks with pmemctl: check finds a damaged info block (the
# host flips a byte of it between boots), load uses the backup meanwhile,
# check --repair restores it; reset-id keeps a BTT's data; convert between raw
# and BTT, label-less regions included, refused while open and for a raw
# check; privileges; the progress of a long check. Data is compared by
# checksum at every step.
. "$(dirname "$0")/lib.sh"

d0=$(dimm_path d0)
d1=$(dimm_path d1)
dimms=(--dimm "$d0:256M:128K" --dimm "$d1:64M:128K")
tag=$(head -c 8 /dev/urandom | od -An -tx1 | tr -d ' \n')

guest "two BTT disks with data, check, reset-id" "${dimms[@]}" <<GUEST
. /pmd/tests/lib.sh
insmod /pmd/pmemdisk.ko
check "init-labels dimm0" pmemctl init-labels dimm0 --yes
check "create BTT a (4096)" pmemctl create --region 0 --size 64M --btt --sector-size 4096 --name a
check "create BTT b (512)" pmemctl create --region 0 --size 32M --btt --name b
check "create raw c" pmemctl create --region 0 --size 16M --name c
for d in a b; do
	dev=/dev/\$(pmemctl list --json | jq -r ".disks[] | select(.name == \"\$d\") | .disk")
	pattern $tag-\$d \$((8 << 20)) | dd of=\$dev bs=4096 oflag=direct 2>/dev/null
	dev_sum \$dev 0 2048 > /tmp/\$d.sum
done
check_eq "check a: consistent, exit 0" "0 true" "\$(pmemctl check a --json > /tmp/c.json; echo \$?) \$(jq -r .consistent /tmp/c.json)"
check_eq "check counted one arena and nothing wrong" "1 0 0 0 0" \
	"\$(jq -r '"\(.arenas) \(.info_bad) \(.blocks_missing) \(.blocks_duplicate) \(.flog_bad)"' /tmp/c.json)"
out=\$(pmemctl check c 2>&1); rc=\$?
check_eq "check of a raw disk: refused with why" "1 yes" "\$rc \$(echo "\$out" | grep -q 'not a BTT disk' && echo yes)"
out=\$(/usr/bin/setpriv --reuid=65534 --regid=65534 --clear-groups pmemctl check a 2>&1); rc=\$?
check_eq "check needs root" 4 "\$rc"
old=\$(pmemctl list --json | jq -r '.disks[] | select(.name == "a") | .uuid')
check "reset-id a" pmemctl reset-id a
new=\$(pmemctl list --json | jq -r '.disks[] | select(.name == "a") | .uuid')
check "a has a new uuid" test "\$old" != "\$new"
check_eq "a: data kept through reset-id" "\$(cat /tmp/a.sum)" "\$(dev_sum /dev/\$(pmemctl list --json | jq -r '.disks[] | select(.name == "a") | .disk') 0 2048)"
echo "A-OFFSET \$(pmemctl list --json | jq -r '.disks[] | select(.name == "a") | .offset')"
echo "SUMS \$(cat /tmp/a.sum) \$(cat /tmp/b.sum)"
check_dmesg_clean
finish
GUEST
a_off=$(sed -n 's/^A-OFFSET \([0-9]*\).*/\1/p' "$work/guest$boot_n.out")
read -r a_sum b_sum < <(sed -n 's/^SUMS \(.*\)/\1/p' "$work/guest$boot_n.out")
h_check "the guest reported a's offset and the sums" test -n "$a_off" -a -n "$b_sum"

# A byte of a's primary info block (BTT 2.0: namespace offset 0) flipped:
# the signature stays, the checksum fails. DIMM offset = region offset here.
h_check "flip a byte in a's info block" sh -c \
	"printf '\\377' | dd of='$d0' bs=1 seek=$((a_off + 512)) conv=notrunc 2>/dev/null"

guest "the backup stands in; check finds it; repair restores it" "${dimms[@]}" <<GUEST
. /pmd/tests/lib.sh
insmod /pmd/pmemdisk.ko
adev=/dev/\$(pmemctl list --json | jq -r '.disks[] | select(.name == "a") | .disk')
check "load says it used the backup" sh -c "dmesg | grep -q 'BTT: arena 0: info block bad checksum; using its backup'"
check_eq "a: data intact through the backup" "$a_sum" "\$(dev_sum \$adev 0 2048)"
out=\$(pmemctl check a --json); rc=\$?
check_eq "check: not consistent, exit 1, one bad info block" "1 false 1" "\$rc \$(echo "\$out" | jq -r '"\(.consistent) \(.info_bad)"')"
out=\$(pmemctl check a --repair --json); rc=\$?
check_eq "check --repair: consistent, something repaired" "0 true yes" \
	"\$rc \$(echo "\$out" | jq -r '"\(.consistent) \(if .repaired > 0 then "yes" else "no" end)"')"
check_eq "check again: consistent, nothing bad" "0 0" "\$(pmemctl check a --json > /tmp/c.json; echo \$?) \$(jq -r .info_bad /tmp/c.json)"
check_eq "a: data intact after the repair" "$a_sum" "\$(dev_sum \$adev 0 2048)"
finish
GUEST

guest "after the repair the primary is used again; convert" "${dimms[@]}" <<GUEST
. /pmd/tests/lib.sh
insmod /pmd/pmemdisk.ko
check_fails "no backup is used any more" sh -c "dmesg | grep -q 'using its backup'"
bdev=/dev/\$(pmemctl list --json | jq -r '.disks[] | select(.name == "b") | .disk')
check_eq "b: data intact" "$b_sum" "\$(dev_sum \$bdev 0 2048)"

exec 3<\$bdev
out=\$(pmemctl convert b --raw --yes 2>&1); rc=\$?
exec 3<&-
check_eq "convert while open: refused, busy" "1 yes" "\$rc \$(echo "\$out" | grep -q 'open or mounted' && echo yes)"
check_eq "... and b is still a BTT with its data" "btt $b_sum" \
	"\$(pmemctl list --json | jq -r '.disks[] | select(.name == "b") | .atomicity') \$(dev_sum \$bdev 0 2048)"
out=\$(pmemctl convert b --raw 2>&1 </dev/null); rc=\$?
check_eq "convert without a terminal or --yes: declined" 5 "\$rc"
check "convert b to raw" pmemctl convert b --raw --yes
# 34 MiB: create grew the namespace of a 32 MiB BTT to hold its map and log
check_eq "b is raw, the whole namespace usable" "none 35651584" \
	"\$(pmemctl list --json | jq -r '.disks[] | select(.name == "b") | "\(.atomicity) \(.size)"')"
check "convert b back to BTT with 4096-byte sectors" pmemctl convert b --btt --sector-size 4096 --yes
check_eq "b is a 4096-byte BTT" "btt 4096" \
	"\$(pmemctl list --json | jq -r '.disks[] | select(.name == "b") | "\(.atomicity) \(.sector_size)"')"
bdev=/dev/\$(pmemctl list --json | jq -r '.disks[] | select(.name == "b") | .disk')
pattern $tag-b2 \$((4 << 20)) | dd of=\$bdev bs=4096 oflag=direct 2>/dev/null
dev_sum \$bdev 0 1024 > /tmp/b2.sum
echo "B2 \$(cat /tmp/b2.sum)"

# the label-less DIMM: its one raw disk becomes a BTT 1.1 at 4 KiB
ldisk=\$(pmemctl list --json | jq -r '.disks[] | select(.uuid == null) | .disk')
check "convert the label-less disk to BTT" pmemctl convert \$ldisk --btt --yes
check_eq "the label-less disk is a BTT" btt "\$(cat /sys/block/\$ldisk/pmemdisk/atomicity)"
pattern $tag-l \$((4 << 20)) | dd of=/dev/\$ldisk bs=4096 oflag=direct 2>/dev/null
echo "L \$ldisk \$(dev_sum /dev/\$ldisk 0 1024)"
out=\$(pmemctl convert \$ldisk --raw --sector-size 4096 --yes 2>&1); rc=\$?
check_eq "a label-less raw disk cannot keep 4096-byte sectors" "1 yes" "\$rc \$(echo "\$out" | grep -q 'sector size' && echo yes)"
check_dmesg_clean
finish
GUEST
b2_sum=$(sed -n 's/^B2 \(.*\)/\1/p' "$work/guest$boot_n.out")
read -r ldisk l_sum < <(sed -n 's/^L \(.*\)/\1/p' "$work/guest$boot_n.out")

guest "converted disks come back as converted" "${dimms[@]}" <<GUEST
. /pmd/tests/lib.sh
insmod /pmd/pmemdisk.ko
bdev=/dev/\$(pmemctl list --json | jq -r '.disks[] | select(.name == "b") | .disk')
check_eq "b: a 4096-byte BTT with its data" "btt 4096 $b2_sum" \
	"\$(cat /sys/block/\${bdev#/dev/}/pmemdisk/atomicity) \$(cat /sys/block/\${bdev#/dev/}/queue/logical_block_size) \$(dev_sum \$bdev 0 1024)"
check_eq "the label-less BTT is found again with its data" "btt $l_sum" \
	"\$(cat /sys/block/$ldisk/pmemdisk/atomicity) \$(dev_sum /dev/$ldisk 0 1024)"
check "convert the label-less disk back to raw" pmemctl convert $ldisk --raw --yes
check_eq "it is raw again, spanning its region" "none 66977792" \
	"\$(pmemctl list --json | jq -r '.disks[] | select(.uuid == null) | "\(.atomicity) \(.size)"')"
rmmod pmemdisk && insmod /pmd/pmemdisk.ko
check_eq "and stays raw after a reload" none "\$(pmemctl list --json | jq -r '.disks[] | select(.uuid == null) | .atomicity')"
check_dmesg_clean
finish
GUEST

guest "progress of a long check, as PMEMDISK_IOC_PROGRESS reports it" --mem 3G <<'GUEST'
. /pmd/tests/lib.sh
insmod /pmd/pmemdisk.ko sim=1G
check "convert the 1 GiB simulated disk to a 512-byte BTT" pmemctl convert pmemdisk0 --btt --yes
PMD_BTT_DISK=0 /pmd/tests/progress_test || t_failed=1
finish
GUEST
plan_end
