#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Beyond one host, NVMe over TCP: guest A exports a pmemdisk raw disk and a
# BTT disk with the kernel's own nvmet (configfs, nvmet-tcp); guest B, on a
# private link between the two guests (run-vm --link: unix sockets on the
# host, no host address), connects with nvme-tcp and writes through it with
# O_DIRECT and a flush. A reads back what B read, byte for byte, while the
# disks are exported, and refuses to remove an exported disk. Then A's
# power is cut (kill -9 of its QEMU) and A boots again and exports the same
# disks: B, still connected, reconnects by itself, reads what it flushed
# before the cut, writes more, and A reads that too.
. "$(dirname "$0")/lib.sh"

a_dimm=$(dimm_path a0) b_dimm=$(dimm_path b0)
nqn=nqn.2026-12.io.pmemdisk:export
tag=$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')
mib=16 blocks=$((16 * 256))

# A's side, both boots: the disks exported by name. A namespace keeps the
# disk's uuid and the subsystem a fixed serial, so that B, reconnecting
# after A's reboot, finds the same namespaces (nvme-core drops one whose
# identifiers changed).
a_lib='
. /pmd/tests/lib.sh
pdev() { pmemctl list --json | jq -r ".disks[] | select(.name == \"$1\") | .$2"; }
n=/sys/kernel/config/nvmet s=/sys/kernel/config/nvmet/subsystems/'$nqn'
export_ns() { # export_ns NSID NAME
	mkdir $s/namespaces/$1 &&
	echo -n /dev/$(pdev $2 disk) >$s/namespaces/$1/device_path &&
	echo $(pdev $2 uuid) >$s/namespaces/$1/device_uuid &&
	echo 1 >$s/namespaces/$1/enable
}
export_disks() {
	modprobe nvmet_tcp && mount -t configfs none /sys/kernel/config &&
	mkdir $s && echo 1 >$s/attr_allow_any_host && echo 0123456789abcdef >$s/attr_serial &&
	export_ns 1 raw && export_ns 2 btt &&
	mkdir $n/ports/1 && echo tcp >$n/ports/1/addr_trtype &&
	echo ipv4 >$n/ports/1/addr_adrfam && echo 10.99.0.1 >$n/ports/1/addr_traddr &&
	echo 4420 >$n/ports/1/addr_trsvcid && ln -s $s $n/ports/1/subsystems/
}
unexport_disks() {
	echo 0 >$s/namespaces/1/enable && echo 0 >$s/namespaces/2/enable &&
	rm $n/ports/1/subsystems/'$nqn'
}
sums() { echo $(dev_sum /dev/$(pdev raw disk) 0 '$blocks') $(dev_sum /dev/$(pdev btt disk) 0 '$blocks'); }
'

guest_start 0 "A: pmemdisk disks exported by nvmet, then a power cut" --expect 137 \
	--smp 1 --dimm "$a_dimm:256M" --kill-on CUT-A-NOW <<GUEST
$a_lib
insmod /pmd/pmemdisk.ko
pmemctl init-labels dimm0 --yes >/dev/null
check "a raw disk" pmemctl create --region 0 --size 64M --name raw
check "a BTT disk" pmemctl create --region 0 --size 64M --name btt --btt --sector-size 4096
check "the link is up" link_up 0
check "both disks exported on 10.99.0.1:4420" export_disks
check_fails "pmemctl remove of an exported disk is refused" pmemctl remove raw --yes
check "the refused disk is still there" test -b /dev/\$(pdev raw disk)

# B writes, flushes and reads back, then sends what it read.
set -- \$(link_recv 5000)
check_eq "B saw the raw disk's size" "\$(pdev raw size)" "\${2:-}"
check_eq "B saw the BTT disk's size" "\$(pdev btt size)" "\${4:-}"
check_eq "the disks hold what B wrote, flushed and read" "\${3:-} \${5:-}" "\$(sums)"
echo "CUT-A-NOW"
sleep 600
GUEST

guest_start 1 "B: connects over NVMe/TCP, writes, flushes; reconnects after A's power cut" \
	--smp 1 --dimm "$b_dimm:128M" <<GUEST
. /pmd/tests/lib.sh
check "the link is up" link_up 1
modprobe nvme_tcp
ok=0
for i in \$(seq 300); do
	echo "transport=tcp,traddr=10.99.0.1,trsvcid=4420,nqn=$nqn,ctrl_loss_tmo=600,reconnect_delay=2" \
		>/dev/nvme-fabrics 2>/dev/null && { ok=1; break; }
	sleep 1
done
check_eq "connected to A's subsystem" 1 \$ok
for i in \$(seq 100); do [ -b /dev/nvme0n2 ] && break; sleep 0.1; done
check "both namespaces are here" test -b /dev/nvme0n1 -a -b /dev/nvme0n2
check_eq "they are A's export" "$nqn" "\$(cat /sys/class/nvme/nvme0/subsysnqn)"
# the block device of namespace ID (6.12 names them in no fixed order)
ns_dev() { grep -lx "\$1" /sys/block/nvme0n*/nsid | cut -d/ -f4; }
ns1=\$(ns_dev 1) ns2=\$(ns_dev 2)
check_eq "a volatile write cache: flushes are sent to A" "write back" "\$(cat /sys/block/\$ns1/queue/write_cache)"
write_flush() { # write_flush DEV TAG: the pattern, O_DIRECT, then a flush (fsync)
	pattern \$2 $((mib << 20)) >/tmp/data &&
	dd if=/tmp/data of=/dev/\$1 bs=1M oflag=direct conv=fsync 2>/dev/null
}
want() { pattern \$1 $((mib << 20)) | sha256sum | cut -d' ' -f1; }
for d in \$ns1 \$ns2; do
	check "\$d: $mib MiB written with O_DIRECT, then a flush (fsync)" write_flush \$d $tag-1-\$d
	check_eq "\$d: reads back what was written" "\$(want $tag-1-\$d)" "\$(dev_sum /dev/\$d 0 $blocks)"
done
check "told A what it read" link_send 10.99.0.1 5000 "SIZES \$(blockdev --getsize64 /dev/\$ns1) \$(dev_sum /dev/\$ns1 0 $blocks) \$(blockdev --getsize64 /dev/\$ns2) \$(dev_sum /dev/\$ns2 0 $blocks)"

# A's power is cut now; these reads wait for the reconnection to A's next boot
for d in \$ns1 \$ns2; do
	check_eq "\$d: after A's power cut and reboot, B reads what it flushed" \
		"\$(want $tag-1-\$d)" "\$(dev_sum /dev/\$d 0 $blocks)"
done
check_eq "the controller reconnected" live "\$(cat /sys/class/nvme/nvme0/state)"
for d in \$ns1 \$ns2; do
	check "\$d: written again and flushed" write_flush \$d $tag-2-\$d
done
check "disconnect" sh -c "echo 1 >/sys/class/nvme/nvme0/delete_controller"
check "told A what it wrote" link_send 10.99.0.1 5001 "\$(want $tag-2-\$ns1) \$(want $tag-2-\$ns2)"
finish
GUEST

guest_wait $((boot_n - 1))
guest_start 0 "A again after the cut: the same disks exported, B's writes on them" \
	--smp 1 --dimm "$a_dimm:256M" <<GUEST
$a_lib
insmod /pmd/pmemdisk.ko
check_eq "both disks come back from their labels" "raw btt" "\$(pdev raw mode) \$(pdev btt mode)"
check "the link is up" link_up 0
check "both disks exported again" export_disks
msg=\$(link_recv 5001)
check_eq "the disks hold what B wrote after the reconnection" "\$msg" "\$(sums)"
check "the export goes" unexport_disks
check "the BTT disk's metadata is consistent" pmemctl check btt
check "the disk can be removed now" pmemctl remove raw --yes
finish
GUEST
guest_join
plan_end
