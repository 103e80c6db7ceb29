#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# pmemctl's tables on a 16-way simulated region: the devices of the set come
# out whole in regions and list (the table printer once cut every cell at
# 63 bytes), and the lsblk-style options work against the real module:
# -o/--output, --noheadings, --raw, --bytes, an unknown column and --json
# with a table option refused. (selftests/host/pmemctl_table_test covers
# long operational status words the guest cannot make.)
. "$(dirname "$0")/lib.sh"

guest "pmemctl tables of a 16-way simulated region" <<'GUEST'
. /pmd/tests/lib.sh
check "pmemdisk.ko loads with a 16-way simulated region" insmod /pmd/pmemdisk.ko sim=16x4M
dimms=$(pmemctl regions --json | jq -r '.regions[0].dimms | join(",")')
check_eq "the region has 16 devices" 16 "$(echo "$dimms" | tr ',' '\n' | wc -l)"
diag "$(pmemctl regions)"
check "pmemctl regions shows the 16 devices whole" sh -c "pmemctl regions | grep -qF -- '$dimms'"
check "pmemctl list shows the 16 devices whole" sh -c "pmemctl list | grep -qF -- '$dimms'"
num=$(pmemctl list --json | jq -r '.disks[0].number')
size=$(pmemctl list --json | jq -r '.disks[0].size')
check_eq "list -o PhysicalDeviceIds,DiskNumber --noheadings --raw: those cells, in that order" \
	"$dimms $num" "$(pmemctl list -o PhysicalDeviceIds,DiskNumber --noheadings --raw)"
check_eq "list -o size -b -n (--bytes --noheadings): the size in bytes, as --json has it" \
	"$size" "$(pmemctl list -o size -b -n | tr -d ' ')"
check_eq "regions --raw: one field per column in every row" "10 10" \
	"$(pmemctl regions --raw | awk '{ print NF }' | tr '\n' ' ' | sed 's/ $//')"
out=$(pmemctl list -o DiskNumber,Nope 2>&1); rc=$?
check_eq "an unknown column: exit 2, and the columns listed" "2 yes" \
	"$rc $(echo "$out" | grep -q 'DirtyShutdownCount' && echo yes)"
pmemctl list --json -o Size >/dev/null 2>&1; rc=$?
check_eq "--json with a table option: exit 2" 2 "$rc"
finish
GUEST
plan_end
