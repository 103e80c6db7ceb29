#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The test VM itself (qemu/run-vm) keeps its promises: the guest script's
# exit status comes back; DIMM backing files persist across boots; a power
# cut (kill -9 of QEMU) and a timeout are reported as such; and no QEMU is
# left behind, whether run-vm ends normally, times out, is interrupted, or is
# itself killed.
#
# Until pmemdisk has its own disks this uses the guest kernel's nd_pmem to
# reach the media; it tests the runner, not a driver.
. "$(dirname "$0")/lib.sh"

d0=$(dimm_path d0)
tag=$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')

# A QEMU using our backing file is still running?
qemu_left() { pgrep -f "mem-path=$d0" >/dev/null; }
no_qemu_left() { ! qemu_left; }

guest "exit status passes through" --expect 7 --dimm "$d0:256M" <<'GUEST'
exit 7
GUEST

guest "write a tag through nd_pmem" --dimm "$d0:256M" <<GUEST
. /pmd/tests/lib.sh
# The TSC is trusted (run-vm says why): no watchdog may flip sched_clock's
# static key under load, which once killed a guest.
check "booted with tsc=reliable" grep -qw tsc=reliable /proc/cmdline
check "clocksource is the TSC" grep -qx tsc /sys/devices/system/clocksource/clocksource0/current_clocksource
modprobe nfit && modprobe nd_pmem
for i in \$(seq 50); do [ -b /dev/pmem0 ] && break; sleep 0.1; done
check "tag written at 1 MiB" sh -c 'echo $tag | dd of=/dev/pmem0 bs=4096 seek=256 conv=fsync 2>/dev/null'
finish
GUEST

guest "power off, boot again: the tag is still there" --dimm "$d0:256M" <<GUEST
. /pmd/tests/lib.sh
modprobe nfit && modprobe nd_pmem
for i in \$(seq 50); do [ -b /dev/pmem0 ] && break; sleep 0.1; done
got=\$(dd if=/dev/pmem0 bs=4096 skip=256 count=1 2>/dev/null | head -n 1)
[ "\$got" = "$tag" ] && ok "tag read back after reboot" || not_ok "tag read back after reboot" "got '\$got'"
finish
GUEST
h_check "backing file holds the tag on the host" grep -qa "$tag" "$d0"

guest "power cut while the guest writes" --expect 137 --dimm "$d0:256M" \
	--kill-on POWERCUT-NOW --kill-delay-ms 300 <<'GUEST'
echo POWERCUT-NOW
while :; do echo still running; sleep 0.05; done
GUEST
h_check "no QEMU left after a power cut" no_qemu_left

guest "timeout" --expect 124 --dimm "$d0:256M" --timeout 20 <<'GUEST'
sleep 1000
GUEST
h_check "no QEMU left after a timeout" no_qemu_left

# Interrupt run-vm (Ctrl-C), terminate it, and kill it outright once the
# guest runs. A background job of a script starts with SIGINT ignored, so
# restore its default as a terminal's Ctrl-C would find it.
echo 'echo started; sleep 1000' >"$work/sleeper.sh"
mkdir -p "$work/tmp"
# Start the sleeper guest in the background; true once it printed "started".
# A guest that never gets there (run-vm ended on its own: a boot that died
# under TCG) is shown, and started once more, so the signal test still runs.
start_sleeper() {
	local try
	for try in 1 2; do
		rm -f "$work/sig.out" "$work/sig.err"
		TMPDIR=$work/tmp env --default-signal=INT "$top/qemu/run-vm" --kver "$KVER" --quiet \
			--timeout 120 --dimm "$d0:256M" --out "$work/sig.out" "$work/sleeper.sh" \
			2>"$work/sig.err" &
		runner=$!
		# 60 s, or more for a slow (debug) kernel whose timeouts are scaled
		for i in $(seq $((600 * ${PMD_VM_TIMEOUT_SCALE:-1}))); do
			grep -q started "$work/sig.out" 2>/dev/null && return 0
			kill -0 "$runner" 2>/dev/null || break
			sleep 0.1
		done
		wait "$runner"
		echo "# try $try: run-vm ended (status $?) before the guest started:"
		sed 's/^/#   /' "$work/sig.err" | tail -n 20
	done
	return 1
}
for sig in INT TERM KILL; do
	start_sleeper
	h_check "guest started before SIG$sig" grep -q started "$work/sig.out"
	kill -"$sig" "$runner" 2>/dev/null
	wait "$runner" 2>/dev/null
	for i in $(seq 50); do qemu_left || break; sleep 0.1; done
	h_check "no QEMU left after SIG$sig to run-vm" no_qemu_left
done
plan_end
