#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Beyond one host, NVMe over TCP: guest A exports a pmemdisk raw disk and a
# BTT disk with the kernel's own nvmet (configfs, nvmet-tcp); guest B, on a
# private link between the two guests (run-vm --link: unix sockets on the
# host, no host address), connects with nvme-tcp and writes through it with
# O_DIRECT and a flush. A reads back what B read, byte for byte, while the
# disks are exported, and again after its own reboot. While exported,
# pmemctl remove of the disk is refused.
. "$(dirname "$0")/lib.sh"

a_dimm=$(dimm_path a0) b_dimm=$(dimm_path b0)
nqn=nqn.2026-12.io.pmemdisk:export
tag=$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')
mib=16

guest_start 0 "A: pmemdisk disks exported by nvmet" --smp 1 --dimm "$a_dimm:256M" <<GUEST
. /pmd/tests/lib.sh
insmod /pmd/pmemdisk.ko
pmemctl init-labels dimm0 --yes >/dev/null
check "a raw disk" pmemctl create --region 0 --size 64M --name raw
check "a BTT disk" pmemctl create --region 0 --size 64M --name btt --btt --sector-size 4096
pdev() { pmemctl list --json | jq -r ".disks[] | select(.name == \"\$1\") | .disk"; }
raw=/dev/\$(pdev raw) btt=/dev/\$(pdev btt)
check "the link is up" link_up 0

modprobe nvmet_tcp
mount -t configfs none /sys/kernel/config 2>/dev/null
n=/sys/kernel/config/nvmet
export_ns() { # export_ns NSID DEV
	mkdir \$n/subsystems/$nqn/namespaces/\$1 &&
	echo -n "\$2" >\$n/subsystems/$nqn/namespaces/\$1/device_path &&
	echo 1 >\$n/subsystems/$nqn/namespaces/\$1/enable
}
check "nvmet subsystem" sh -c "mkdir \$n/subsystems/$nqn && echo 1 >\$n/subsystems/$nqn/attr_allow_any_host"
check "namespace 1: the raw disk" export_ns 1 \$raw
check "namespace 2: the BTT disk" export_ns 2 \$btt
check "a TCP port on the link" sh -c "mkdir \$n/ports/1 && echo tcp >\$n/ports/1/addr_trtype &&
	echo ipv4 >\$n/ports/1/addr_adrfam && echo 10.99.0.1 >\$n/ports/1/addr_traddr &&
	echo 4420 >\$n/ports/1/addr_trsvcid && ln -s \$n/subsystems/$nqn \$n/ports/1/subsystems/$nqn"
check_fails "pmemctl remove of an exported disk is refused" pmemctl remove \${raw#/dev/} --yes
check "the refused disk is still there" test -b \$raw

# B writes, flushes and reads back, then sends what it read.
msg=\$(link_recv 5000)
diag "B said: \$msg"
set -- \$msg
check_eq "B saw the raw disk's size" "\$(blockdev --getsize64 \$raw)" "\${2:-}"
check_eq "B saw the BTT disk's size" "\$(blockdev --getsize64 \$btt)" "\${4:-}"
check_eq "the raw disk holds what B wrote and read" "\${3:-none}" "\$(dev_sum \$raw 0 $((mib * 256)))"
check_eq "the BTT disk holds what B wrote and read" "\${5:-none}" "\$(dev_sum \$btt 0 $((mib * 256)))"
echo "SUMS \$(dev_sum \$raw 0 $((mib * 256))) \$(dev_sum \$btt 0 $((mib * 256)))"

# B has disconnected: the export goes, and the disk is A's again
echo 0 >\$n/subsystems/$nqn/namespaces/1/enable
echo 0 >\$n/subsystems/$nqn/namespaces/2/enable
rm \$n/ports/1/subsystems/$nqn
check "with the export gone, pmemctl check of the BTT disk is clean" pmemctl check \${btt#/dev/}
finish
GUEST

guest_start 1 "B: connects over NVMe/TCP, writes, flushes, reads back" --smp 1 --dimm "$b_dimm:128M" <<GUEST
. /pmd/tests/lib.sh
check "the link is up" link_up 1
modprobe nvme_tcp
ok=0
for i in \$(seq 300); do
	echo "transport=tcp,traddr=10.99.0.1,trsvcid=4420,nqn=$nqn" >/dev/nvme-fabrics 2>/dev/null && { ok=1; break; }
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
write_flush() { # write_flush DEV: the pattern, O_DIRECT, then a flush (fsync)
	pattern $tag-\$1 $((mib << 20)) >/tmp/data &&
	dd if=/tmp/data of=/dev/\$1 bs=1M oflag=direct conv=fsync 2>/dev/null
}
for d in \$ns1 \$ns2; do
	check "\$d: $mib MiB written with O_DIRECT, then a flush (fsync)" write_flush \$d
	check_eq "\$d: reads back what was written" \
		"\$(pattern $tag-\$d $((mib << 20)) | sha256sum | cut -d' ' -f1)" "\$(dev_sum /dev/\$d 0 $((mib * 256)))"
done
msg="SIZES \$(blockdev --getsize64 /dev/\$ns1) \$(dev_sum /dev/\$ns1 0 $((mib * 256)))"
msg="\$msg \$(blockdev --getsize64 /dev/\$ns2) \$(dev_sum /dev/\$ns2 0 $((mib * 256)))"
check "disconnect" sh -c "echo 1 >/sys/class/nvme/nvme0/delete_controller"
check "told A what it read" link_send 10.99.0.1 5000 "\$msg"
finish
GUEST
guest_join

sums=$(from_boot 1 SUMS)
guest "A again: the disks B wrote come back from their labels with B's data" --smp 1 --dimm "$a_dimm:256M" <<GUEST
. /pmd/tests/lib.sh
insmod /pmd/pmemdisk.ko
pdev() { pmemctl list --json | jq -r ".disks[] | select(.name == \"\$1\") | .disk"; }
raw=/dev/\$(pdev raw) btt=/dev/\$(pdev btt)
check_eq "both disks hold what B wrote" "${sums:-none}" "\$(dev_sum \$raw 0 $((mib * 256))) \$(dev_sum \$btt 0 $((mib * 256)))"
check_eq "the BTT disk is still a BTT disk" btt "\$(pmemctl list --json | jq -r '.disks[] | select(.name == "btt") | .mode')"
finish
GUEST
h_check "A's sums came out of boot 1" test -n "$sums"
plan_end
