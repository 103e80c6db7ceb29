#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The persisted log buffer (plb/) on pmemdisk's DAX disks: a commit
# is durable when plb_commit() returns, whatever kills the writer.
#   - process kills: plb-crashtest commits records from two threads into a
#     buffer on an fsdax filesystem (MAP_SYNC) and on a devdax disk, and is
#     killed with SIGKILL at random moments, 8 times each; after every kill,
#     recovery finds every acknowledged commit, in order, nothing torn;
#   - power cuts: the same while the host kills the whole guest at a random
#     moment, 4 times (fsdax and devdax in turn); the next boot recovers and
#     checks every commit the host saw acknowledged before the cut.
. "$(dirname "$0")/lib.sh"

d0=$(dimm_path d0)
# the logs take a few hundred MiB: a devdax writer commits tens of
# thousands of records a second, and every run appends to its log
dimms=(--dimm "$d0:1G:128K")
cuts=${PLB_CUTS:-4}
kills=${PLB_KILLS:-8}

common=$(cat <<'COMMON'
. /pmd/tests/lib.sh
PATH=/pmd/bin:$PATH
modprobe ext4
# the buffer of target fs or dev, and its log (on the fsdax filesystem)
buffer() { [ "$1" = fs ] && echo /m/plb.buf || pmemctl list --json | jq -r '.disks[] | select(.name == "plbdev") | .dax.device'; }
fsdev() { echo "/dev/$(pmemctl list --json | jq -r '.disks[] | select(.name == "plbfs") | .disk')"; }
mount_fs() { mkdir -p /m && mount -o dax "$(fsdev)" /m; }
# the LSNs a writer acknowledged, from its output; a line cut short by the
# kill is a prefix of an LSN, so a smaller one, which the durability of the
# whole one implies anyway (recovery gives back LSNs 1..n without a gap)
acks() { grep -E '^[0-9]+$' "$1"; }
COMMON
)

guest "process kills: every acknowledged commit survives, in order" "${dimms[@]}" --timeout 900 <<GUEST
$common
check "pmemdisk.ko loads" insmod /pmd/pmemdisk.ko
check "an fsdax disk and a devdax disk" sh -c \
	"pmemctl init-labels dimm0 --yes >/dev/null &&
	 pmemctl create --region 0 --size 768M --mode fsdax --name plbfs >/dev/null &&
	 pmemctl create --region 0 --size 64M --mode devdax --name plbdev >/dev/null"
check "ext4 on the fsdax disk" mkfs.ext4 -q -F -b 4096 \$(fsdev)
check "mounted -o dax" mount_fs
for t in fs dev; do
	: >/tmp/acked.\$t
	for i in \$(seq $kills); do
		out=/tmp/ack.\$t.\$i
		: >\$out
		plb-crashtest write \$(buffer \$t) /m/plb-\$t.log --threads 2 >\$out &
		# kill it while it commits: after its first acknowledgement
		for w in \$(seq 300); do [ -s \$out ] && break; sleep 0.05; done
		sleep 0.\$((RANDOM % 9 + 1))
		kill -9 \$! 2>/dev/null; wait \$! 2>/dev/null
		acks \$out >>/tmp/acked.\$t
		check "\$t kill \$i: recovery has all \$(wc -l </tmp/acked.\$t) acknowledged commits, in order, none torn" \
			plb-crashtest verify \$(buffer \$t) /m/plb-\$t.log /tmp/acked.\$t
	done
	check_eq "\$t: commits were acknowledged" yes "\$([ -s /tmp/acked.\$t ] && echo yes)"
done
umount /m
check_dmesg_clean
finish
GUEST

# Power cuts: boot n verifies what cut n-1 left, then writes until cut n.
target_of() { [ $(($1 % 2)) = 1 ] && echo fs || echo dev; }
for cut in $(seq 0 "$cuts"); do
	t=$(target_of "$cut") prev=$(target_of $((cut - 1)))
	touch "$work/acked.fs" "$work/acked.dev"
	verify=""
	if [ "$cut" -gt 0 ]; then
		verify="check \"after cut $cut: recovery of the $prev buffer has all \$(wc -l </acked) acknowledged commits\" \
plb-crashtest verify \$(buffer $prev) /m/plb-$prev.log /acked"
	fi
	if [ "$cut" = "$cuts" ]; then
		guest "verify the last cut" "${dimms[@]}" --timeout 600 \
			--file "$work/acked.$prev:/acked" <<GUEST
$common
check "pmemdisk.ko loads" insmod /pmd/pmemdisk.ko
check "the filesystem mounts -o dax" mount_fs
$verify
umount /m
check_dmesg_clean
finish
GUEST
		break
	fi
	guest "cut $((cut + 1)) of $cuts: writing to the $t buffer" --expect 137 "${dimms[@]}" \
		--timeout 600 --kill-on PLB-CUT-NOW --kill-delay-ms $((300 + RANDOM % 1500)) \
		--file "$work/acked.$prev:/acked" <<GUEST
$common
check "pmemdisk.ko loads" insmod /pmd/pmemdisk.ko
check "the filesystem mounts -o dax" mount_fs
$verify
# the cut comes a random moment after the first acknowledgement
plb-crashtest write \$(buffer $t) /m/plb-$t.log --threads 2 | {
	read -r lsn && echo "\$lsn" && echo PLB-CUT-NOW
	cat
}
GUEST
	# what the host saw acknowledged before the cut (see acks() above)
	grep -E '^[0-9]+$' "$work/guest$boot_n.out" >>"$work/acked.$t"
	h_check "cut $((cut + 1)): the host saw commits acknowledged" test -s "$work/acked.$t"
done

plan_end
