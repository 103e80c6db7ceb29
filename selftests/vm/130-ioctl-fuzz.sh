#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Random ioctls on /dev/pmemdisk-ctl (ioctlfuzz_test.c): root and
# unprivileged callers, several at once, against simulated regions with
# disks that are open meanwhile. Afterwards: no oops, BUG, WARNING or
# lockdep report; every promise of the uapi header kept on every call
# (the fuzzer checks them: ENOTTY, EPERM, refusals that write only their
# size and reason, zeroed reserved bytes); the open disks unchanged, their
# data included; the module unloads.
#
# PMD_FUZZ_CALLS sets the calls per worker (make fuzz: FUZZ_IOCTL_CALLS, 100000).
. "$(dirname "$0")/lib.sh"

calls=${PMD_FUZZ_CALLS:-4000}
seed=${PMD_FUZZ_SEED:-$RANDOM}
tag=$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')

guest "ioctl fuzzing, $calls calls per worker, seed $seed" --timeout $((600 + calls / 10)) <<GUEST
. /pmd/tests/lib.sh
check "load with three simulated regions" insmod /pmd/pmemdisk.ko sim=64M,2x32M,32M
check "labels on every device" pmemctl init-labels --all --yes
check "a raw disk on region0" pmemctl create --region 0 --size 16M --name keep-raw
check "a BTT disk on the 2-way region1" pmemctl create --region 1 --size 24M --btt --name keep-btt
for n in keep-raw keep-btt; do
	d=\$(pmemctl list --json | jq -r ".disks[] | select(.name == \"\$n\") | .disk")
	pattern $tag-\$n 1048576 | dd of=/dev/\$d bs=4096 oflag=direct 2>/dev/null
done
before=\$(pmemctl list --json | jq -c '[.disks[] | {number, uuid, name, size, sector_size, atomicity}]')
sums=\$(for d in \$(pmemctl list --json | jq -r '.disks[].disk'); do dev_sum /dev/\$d 0 256; done)
# held open through the run: no request may change them
exec 3</dev/pmemdisk0 4</dev/pmemdisk1
mark_dmesg

fuzz() { # fuzz NAME ARGS...: run the fuzzer, show its counts, ok when it found nothing
	local name=\$1 out rc
	shift
	out=\$(/pmd/tests/ioctlfuzz_test "\$@" 2>&1); rc=\$?
	diag "\$out"
	[ \$rc = 0 ] && ok "\$name" || not_ok "\$name" "ioctlfuzz_test \$* exited \$rc"
}
fuzz "root: 3 workers at once, every promise kept" -n $calls -w 3 -s $seed
fuzz "unprivileged (uid 65534, the fd opened by root): 2 workers, EPERM for every change" \
	-n $calls -w 2 -s $((seed + 1)) -u 65534
exec 3<&- 4<&-

check_dmesg_clean "kernel log: no oops, BUG, WARNING or lockdep report"
check_eq "the disks held open are as they were" "\$before" \
	"\$(pmemctl list --json | jq -c '[.disks[] | select(.name == "keep-raw" or .name == "keep-btt") | {number, uuid, name, size, sector_size, atomicity}]')"
check_eq "and so is their data" "\$sums" \
	"\$(for d in \$(pmemctl list --json | jq -r '.disks[] | select(.name == "keep-raw" or .name == "keep-btt") | .disk'); do dev_sum /dev/\$d 0 256; done)"
made=\$(pmemctl list --json | jq '[.disks[] | select(.name != "keep-raw" and .name != "keep-btt")] | length')
diag "the fuzzers created \$made disks that are still there"
check "the module unloads" rmmod pmemdisk
finish
GUEST
plan_end
