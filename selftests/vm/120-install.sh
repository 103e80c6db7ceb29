#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# pmemdisk as a host gets it from 'make install': the installed tree is
# unpacked in the guest's /, depmod indexes extra/pmemdisk.ko, and
# 'modprobe pmemdisk' loads it with the options of /etc/modprobe.d. The
# shipped modprobe.d example, uncommented as its comments say, keeps udev's
# modprobe of the NVDIMM root device and of the e820 pmem device from loading
# nfit and nd_e820, so pmemdisk owns both ranges; its hand-over recipe for
# an in-kernel stack loaded anyway (unbind nfit, nd_e820) works. The
# installed udev rule names disks, and the installed bash completion
# completes the real pmemctl's disk, device and region names.
. "$(dirname "$0")/lib.sh"

dest=$work/dest
if make --no-print-directory -C "$top" install DESTDIR="$dest" KVER="$KVER" PREFIX=/usr \
	>"$work/install.log" 2>&1; then
	h_ok "make install DESTDIR KVER=$KVER PREFIX=/usr"
else
	h_not_ok "make install DESTDIR KVER=$KVER PREFIX=/usr" "$(tail -n 20 "$work/install.log")"
	plan_end
fi
# depmod -b's index covers DESTDIR alone: the guest runs depmod itself, as
# make install does on a host.
tar -C "$dest" --exclude="./lib/modules/$KVER/modules.*" -cf "$work/install.tar" .

guest "installed module, modprobe.d, udev rule, completion" --dimm "$(dimm_path d0):256M" \
	--append "memmap=32M!1536M" --file "$work/install.tar:/pmd/install.tar" <<'GUEST'
. /pmd/tests/lib.sh
# kmod's tools, as on a host: busybox sh runs its own applets for bare
# modprobe, depmod and modinfo.
modprobe() { /sbin/modprobe "$@"; }
depmod() { /sbin/depmod "$@"; }
modinfo() { /sbin/modinfo "$@"; }
kver=$(uname -r)
ko=/lib/modules/$kver/extra/pmemdisk.ko
P=/usr/sbin/pmemctl
conf=/etc/modprobe.d/pmemdisk.conf
tar -xf /pmd/install.tar -C /
check "the installed tree unpacks in /" test -f $ko -a -x $P -a -f $conf
check "depmod -a" depmod -a
check "modules.dep lists extra/pmemdisk.ko" grep -q '^extra/pmemdisk.ko:' /lib/modules/$kver/modules.dep
check_eq "modinfo pmemdisk finds the installed module" $ko "$(modinfo -F filename pmemdisk)"

# udev loads nfit and nd_e820 at boot by their devices' modaliases.
nfit_alias=$(cat /sys/bus/acpi/devices/ACPI0012:00/modalias)
e820_alias=$(cat /sys/bus/platform/devices/e820_pmem/modalias)
diag "modaliases: $nfit_alias $e820_alias"
for a in "$nfit_alias nfit" "$e820_alias nd_e820"; do
	set -- $a
	out=$(modprobe -n -v "$1" 2>&1)
	case "$out" in *"/$2.ko"*) ok "as shipped, modprobe.d leaves $2 to load for $1" ;;
	*) not_ok "as shipped, modprobe.d leaves $2 to load for $1" "$out" ;; esac
done
# What the example tells the admin: uncomment the blacklist; set an option.
sed -i -e 's/^#blacklist /blacklist /' -e 's/^#options pmemdisk sim=1G$/options pmemdisk sim=64M/' $conf
diag "$(grep -v '^#' $conf | grep .)"
for a in "$nfit_alias" "$e820_alias"; do
	check_eq "uncommented, the blacklist keeps modprobe $a from loading anything" \
		"" "$(modprobe -n -v "$a" 2>&1)"
	modprobe "$a" 2>/dev/null
done
check_eq "neither nfit nor nd_e820 is loaded" "" "$(grep -E '^(nfit|nd_e820) ' /proc/modules)"

mark_dmesg
check "modprobe pmemdisk loads the installed module" modprobe pmemdisk
check_eq "it honours 'options pmemdisk sim=64M' from modprobe.d" 64M \
	"$(cat /sys/module/pmemdisk/parameters/sim)"
owners() { # what each disk sits on: dimm0 (NFIT), "" (e820), volatile (sim)
	for d in /sys/block/pmemdisk*/pmemdisk; do
		if [ "$(cat $d/persistence_domain)" = volatile ]; then echo sim
		else echo "$(cat $d/dimms)"; fi
	done | tr '\n' ,
}
check_eq "pmemdisk owns the NVDIMM (pmemdisk0), the memmap range (1), the simulated region (2)" \
	"dimm0,,sim," "$(owners)"
check_eq "nothing was skipped" "" "$(dmesg_new | grep 'pmemdisk: skipping')"
abi=$($P version 2>&1 | sed -n 's/^pmemctl 0\.1\.0 (ABI \([0-9]*\.[0-9]*\))$/\1/p')
check_eq "the installed pmemctl talks to it" "pmemdisk.ko 0.1.0 (ABI $abi) on Linux $kver" \
	"$($P version 2>&1 | tail -n 1)"

# The installed udev rule (not the initramfs's own copy) names a new disk.
rm -f /etc/udev/rules.d/60-pmemdisk.rules
/lib/systemd/systemd-udevd --daemon
simdev=$($P devices --json | jq -r '.devices[] | select(.simulated) | .device')
simreg=$($P regions --json | jq -r '.regions[] | select(.source == "simulated") | .region')
check "init-labels on the simulated device" $P init-labels "$simdev" --yes
check "create a disk named inst-disk" $P create --region "$simreg" --size 16M --name inst-disk
udevadm settle --timeout=30
disk=$($P list --json | jq -r '.disks[] | select(.name == "inst-disk") | .disk')
uuid=$($P list --json | jq -r '.disks[] | select(.name == "inst-disk") | .uuid')
check_eq "the installed rule links /dev/disk/by-name/pmemdisk-inst-disk" "/dev/$disk" \
	"$(readlink -f /dev/disk/by-name/pmemdisk-inst-disk)"
check_eq "and /dev/disk/by-id/pmemdisk-<uuid>" "/dev/$disk" \
	"$(readlink -f /dev/disk/by-id/pmemdisk-$uuid)"

# The installed completion with the real pmemctl.
comp() {
	PATH=/usr/sbin:/bin:/usr/bin bash -c '
		. /usr/share/bash-completion/completions/pmemctl
		COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _pmemctl
		printf "%s\n" "${COMPREPLY[@]}"' _ "$@" | sort | tr '\n' ' '
}
check_eq "completion offers every disk by number, uuid and name" \
	"$(printf '%s\n' pmemdisk0 pmemdisk1 $disk $uuid inst-disk --yes | sort | tr '\n' ' ')" \
	"$(comp pmemctl remove "")"
check_eq "completion offers the devices" "dimm0 dimm1 " "$(comp pmemctl read-labels dimm)"
check_eq "completion offers the regions" "region0 region1 region2 " \
	"$(comp pmemctl create --region "")"
check "modprobe -r pmemdisk" modprobe -r pmemdisk

# A blacklist does not stop an explicit modprobe or a module that depends
# on nfit: then pmemdisk keeps off, and the example's unbind hands over.
check "modprobe nfit, nd_e820 and nd_pmem by hand, despite the blacklist" \
	sh -c '/sbin/modprobe nfit && /sbin/modprobe nd_e820 && /sbin/modprobe nd_pmem'
for i in $(seq 50); do [ -b /dev/pmem1 ] && break; sleep 0.1; done
check "the in-kernel stack serves both ranges" test -b /dev/pmem0 -a -b /dev/pmem1
mark_dmesg
modprobe pmemdisk
for owner in nfit nd_e820; do
	case "$(dmesg_new)" in *"skipping"*"owned by $owner"*) ok "pmemdisk skips the range $owner owns and says so" ;;
	*) not_ok "pmemdisk skips the range $owner owns and says so" "$(dmesg_new)" ;; esac
done
modprobe -r pmemdisk
unbind=""
for drv in /sys/bus/acpi/drivers/nfit /sys/bus/platform/drivers/nfit; do
	[ -e $drv/ACPI0012:00 ] && unbind=$drv/unbind
done
diag "nfit is bound through ${unbind:-nothing}"
check "unbind nfit from ACPI0012:00" sh -c "echo ACPI0012:00 > $unbind"
check "unbind nd_e820 (driver e820_pmem) from e820_pmem" \
	sh -c "echo e820_pmem > /sys/bus/platform/drivers/e820_pmem/unbind"
check_fails "the in-kernel disks are gone" sh -c 'ls /dev/pmem[0-9]* 2>/dev/null | grep .'
modprobe pmemdisk
check_eq "then pmemdisk owns both ranges, nfit still loaded" "dimm0,,sim," "$(owners)"
modprobe -r pmemdisk
check_dmesg_clean
finish
GUEST
plan_end
