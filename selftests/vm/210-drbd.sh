#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Beyond one host, DRBD: a protocol C resource (DRBD 8.4, the kernel's
# drbd.ko, drbd-utils' drbdadm-84) over a 512-byte BTT pmemdisk disk in
# each of two guests on a private link (run-vm --link). A is primary and
# writes 4 KiB records with O_DIRECT, printing each one DRBD acknowledged;
# its power is cut (kill -9 of QEMU) in the middle. B is promoted: every
# acknowledged record is there whole, and no record is torn. B writes on;
# A boots again, rejoins as the resync target, and ends up byte for byte
# what B has. Then both are made primary while disconnected and write: on
# reconnection DRBD detects the split brain, drops the connection and
# each keeps its own write (nothing merged).
. "$(dirname "$0")/lib.sh"

a_dimm=$(dimm_path a0) b_dimm=$(dimm_path b0)
tag=$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')
records=200 cut_after=40 mib=4

# Both guests: the resource and DRBD's directories. Timeouts for two TCG
# guests on two cores: ping-timeout and timeout in tenths of a second,
# below ping-int and connect-int (seconds).
drbd_lib='
. /pmd/tests/lib.sh
drbd_setup() { # drbd_setup NODE END
	hostname $1
	mkdir -p /var/lib/drbd /var/lock /run/drbd /etc
	cat >/etc/drbd.conf <<EOF
global { usage-count no; }
resource r0 {
	net { protocol C; ping-int 10; ping-timeout 30; connect-int 15; timeout 60; }
	device /dev/drbd0;
	disk /dev/pmemdisk0;
	meta-disk internal;
	on nodeA { address 10.99.0.1:7789; }
	on nodeB { address 10.99.0.2:7789; }
}
EOF
	link_up $2 && modprobe drbd usermode_helper=/usr/sbin/drbdadm
}
# wait_state WHAT VALUE SECONDS: drbdadm WHAT r0 says VALUE
wait_state() {
	local i
	for i in $(seq $(($3 * 2))); do
		[ "$(drbdadm $1 r0 2>/dev/null)" = "$2" ] && return 0
		sleep 0.5
	done
	diag "drbdadm $1 r0: $(drbdadm $1 r0 2>&1); /proc/drbd: $(cat /proc/drbd)"
	return 1
}
# new_node NODE END: a new BTT disk, new DRBD metadata on it, connected
new_node() {
	insmod /pmd/pmemdisk.ko
	pmemctl init-labels dimm0 --yes >/dev/null
	check "a 512-byte BTT disk" pmemctl create --region 0 --size 64M --name drbd --btt --sector-size 512
	check "DRBD and the link" drbd_setup $1 $2
	check "internal metadata" drbdadm -- --force create-md r0
	check "up" drbdadm up r0
	check "connected to the other node" wait_state cstate Connected 300
}
rec() { pattern '$tag'-$1 4096; }
# write_rec NAME N: record NAME (rec NAME) at record N of /dev/drbd0, O_DIRECT
write_rec() { rec $1 >/tmp/r && dd if=/tmp/r of=/dev/drbd0 bs=4096 seek=$2 oflag=direct 2>/dev/null; }
# split_brain: reconnect after both sides wrote as primary; DRBD must see
# it and refuse to connect rather than merge
split_brain() {
	check "reconnect" drbdadm connect r0
	check "DRBD drops the connection: StandAlone" wait_state cstate StandAlone 300
	check "the kernel log says split brain" sh -c "dmesg | grep -q \"Split-Brain detected\""
}
# check_records FIRST LAST: print HAS n, ZERO n or TORN n per 4 KiB record
check_records() {
	local n got z=$(head -c 4096 /dev/zero | sha256sum | cut -d" " -f1)
	for n in $(seq $1 $2); do
		got=$(dev_sum /dev/drbd0 $n 1)
		if [ "$got" = "$(rec $n | sha256sum | cut -d" " -f1)" ]; then echo "HAS $n"
		elif [ "$got" = "$z" ]; then echo "ZERO $n"
		else echo "TORN $n"; fi
	done
}
'

guest_start 0 "A: primary, writes records; its power is cut" --expect 137 \
	--smp 1 --dimm "$a_dimm:128M" --kill-on "ACK $cut_after" --kill-delay-ms 200 <<GUEST
$drbd_lib
new_node nodeA 0
check "no initial sync of two new disks" drbdadm -- --clear-bitmap new-current-uuid r0
check "both up to date" wait_state dstate UpToDate/UpToDate 60
check "primary" drbdadm primary r0
check_fails "pmemctl remove of the disk under DRBD is refused" pmemctl remove drbd --yes
n=0
while [ \$n -lt $records ]; do
	write_rec \$n \$n && echo "ACK \$n"
	n=\$((n + 1))
done
GUEST

guest_start 1 "B: secondary; promoted after A's cut, every acknowledged record is there" \
	--smp 1 --dimm "$b_dimm:128M" <<GUEST
$drbd_lib
new_node nodeB 1
check "A is primary" wait_state role Secondary/Primary 300
check "A is gone: DRBD lost the connection" wait_state role Secondary/Unknown 900
check "B is promoted" drbdadm primary r0
check_records 0 $((records - 1))
for n in \$(seq $records $((records + 9))); do
	write_rec \$n \$n
done
check "B wrote 10 records while A was down" true
check "A is back, a resync target" wait_state cstate Connected 900
check "the resync ends: both up to date" wait_state dstate UpToDate/UpToDate 300
check "told A what its disk must hold" link_send 10.99.0.1 5003 \
	"\$(dd if=/dev/drbd0 bs=1M count=$mib iflag=direct 2>/dev/null | sha256sum | cut -d' ' -f1)"

# split brain: both primary while disconnected, each writes record 300
check "B disconnects, stays primary" drbdadm disconnect r0
check "B writes while disconnected" write_rec B 300
link_recv 5005 >/dev/null
link_send 10.99.0.1 5006 go
split_brain
check_eq "B keeps its own write" "\$(rec B | sha256sum | cut -d' ' -f1)" "\$(dev_sum /dev/drbd0 300 1)"
check "down" drbdadm down r0
finish
GUEST

guest_wait $((boot_n - 1))
acked=$(from_boot $((boot_n - 1)) ACK | tr '\n' ' ')
guest_start 0 "A again: rejoins as the resync target and holds what B has" \
	--smp 1 --dimm "$a_dimm:128M" <<GUEST
$drbd_lib
insmod /pmd/pmemdisk.ko
check "DRBD and the link" drbd_setup nodeA 0
check "up, on the metadata A had at the cut" drbdadm up r0
check "connected to B" wait_state cstate Connected 300
check "B is primary" wait_state role Secondary/Primary 60
check "resynced: both up to date" wait_state dstate UpToDate/UpToDate 300
msg=\$(link_recv 5003)
check_eq "A's disk holds what B's has, byte for byte" "\$msg" \
	"\$(dd if=/dev/pmemdisk0 bs=1M count=$mib iflag=direct 2>/dev/null | sha256sum | cut -d' ' -f1)"

# split brain: both primary while disconnected, each writes record 300
check "A disconnects" drbdadm disconnect r0
check "A is promoted while disconnected" drbdadm primary r0
check "A writes while disconnected" write_rec A 300
link_send 10.99.0.2 5005 go
link_recv 5006 >/dev/null
split_brain
check_eq "A keeps its own write" "\$(rec A | sha256sum | cut -d' ' -f1)" "\$(dev_sum /dev/drbd0 300 1)"
check "down" drbdadm down r0
finish
GUEST
guest_join

# Every record A saw acknowledged is on B; none is torn.
b=$((boot_n - 1))
h_check "A acknowledged records before the cut" test "$(echo $acked | wc -w)" -ge "$cut_after"
has=" $(from_boot $b HAS | tr '\n' ' ')"
missing=""
for n in $acked; do
	case "$has" in *" $n "*) ;; *) missing="$missing $n" ;; esac
done
h_check "every record A acknowledged is on B${missing:+ (missing:$missing)}" test -z "$missing"
torn=$(from_boot $b TORN | tr '\n' ' ')
h_check "no record is torn on B${torn:+ (torn: $torn)}" test -z "$torn"
plan_end
