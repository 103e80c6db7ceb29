#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# pmemctl's command lines come from one option table per command: every
# command's --help (and -h) shows the synopsis 'pmemctl help' gives it and a
# line for each of its options; the parser takes exactly the options its
# help lists, anywhere on the line, and refuses the rest with exit 2 before
# it opens /dev/pmemdisk-ctl. Without the module loaded (as here), a command
# line the parser accepts reaches the control device and exits 3.
. "$(dirname "$0")/lib.sh"

pmemctl=$top/userspace/pmemctl
make --no-print-directory -C "$top" pmemctl >/dev/null 2>&1 ||
	{ not_ok "pmemctl builds"; finish; }
[ -e /dev/pmemdisk-ctl ] && { skip "cmdline" "pmemdisk.ko is loaded here"; finish; }

# run ARGS...: "<exit status> <first line of stderr>"
run() {
	local err rc
	err=$("$pmemctl" "$@" 2>&1 >/dev/null); rc=$?
	echo "$rc ${err%%$'\n'*}"
}

usage=$("$pmemctl" help)
commands=$(sed -n 's/^  \([a-z-]*\).*/\1/p' <<<"$usage")
check_eq "pmemctl help lists the thirteen commands" 13 "$(wc -w <<<"$commands")"
for c in $commands; do
	line=$(grep -E "^  $c( |$)" <<<"$usage" | sed 's/^  //')
	help=$("$pmemctl" "$c" --help); rc=$?
	check_eq "$c --help exits 0 and starts with the synopsis of 'pmemctl help'" \
		"0 usage: pmemctl $line" "$rc $(head -n 1 <<<"$help")"
	check_eq "$c -h is $c --help" "$help" "$("$pmemctl" "$c" -h)"
	opts=$(grep -oE -- '--[a-z-]+' <<<"$line" | sort -u)
	listed=$(sed -n '/^options:/,$p' <<<"$help" | grep -oE -- '--[a-z-]+' | sort -u)
	check_eq "$c --help describes each option of its synopsis, and --help" \
		"$(printf '%s\n' $opts --help | sort -u)" "$listed"
	check_eq "$c refuses an option it does not have, exit 2" \
		"2 pmemctl $c: unknown option '--no-such-option'" "$(run "$c" --no-such-option)"
done

# Every option of every listing is taken, in long and short spelling.
for c in devices regions list; do
	for o in "--output name" "-o name" --noheadings -n --raw -r --bytes -b --json; do
		# shellcheck disable=SC2086
		check_eq "$c $o: parsed, then the module is asked (exit 3)" 3 \
			"$(run $c $o | cut -d' ' -f1)"
	done
	check_eq "$c: --json with a table option is refused" 2 "$(run $c --json -r | cut -d' ' -f1)"
	check_eq "$c: an operand is refused" "2 pmemctl $c: unexpected argument 'x'" "$(run $c x)"
done

# Options after operands, values, and what each table requires.
accepted=(
	"create --region region1 --size 1.5G --name a\ b --uuid 6e0ab4f2-5c3d-4b8a-9f10-2a3b4c5d6e7f --sector-size 4096 --mode fsdax --map dev --align 2M --dry-run"
	"create --size 64M --btt --region 0"
	"remove a b --yes"
	"init-labels dimm0 1 --label-version 1.1 --yes"
	"init-labels --all"
	"reset-id a --uuid 6e0ab4f2-5c3d-4b8a-9f10-2a3b4c5d6e7f"
	"check a --repair --json"
	"convert a --raw --sector-size 512 --yes"
	"convert --btt a"
	"read-labels dimm3 --json"
	"version"
)
for a in "${accepted[@]}"; do
	# shellcheck disable=SC2086
	check_eq "accepted, asks the module: pmemctl $a" 3 "$(eval run $a | cut -d' ' -f1)"
done
refused=(
	"create --size 64M|pmemctl create: --region is required"
	"create --region 0 --size 64M --sector-size 1024|pmemctl create: bad value '1024' for --sector-size"
	"create --region 0 --size 64M --mode dax|pmemctl create: bad value 'dax' for --mode"
	"create --region 0 --size lots|pmemctl create: bad value 'lots' for --size"
	"create --region 0 --size 64M --uuid nope|pmemctl create: bad value 'nope' for --uuid"
	"create --region 0 --size 64M --map mem|pmemctl create: --map and --align are for --mode fsdax or devdax"
	"create --region 0 --size 64M --btt --mode devdax|pmemctl create: --btt is --mode btt; it cannot go with --mode devdax"
	"create --region 0 --size|pmemctl create: no value for --size"
	"remove --yes|pmemctl remove: missing DISK..."
	"init-labels|pmemctl init-labels: missing DEVICE..."
	"init-labels dimm0 --all|pmemctl init-labels: DEVICE... or --all, not both"
	"init-labels disk0|pmemctl init-labels: bad argument 'disk0'"
	"init-labels --all --label-version 1.3|pmemctl init-labels: bad value '1.3' for --label-version"
	"reset-id|pmemctl reset-id: missing DISK"
	"reset-id a b|pmemctl reset-id: unexpected argument 'b'"
	"check a --json=yes|pmemctl check: unknown option '--json=yes'"
	"convert a|pmemctl convert: --btt or --raw is required"
	"convert a --btt --raw|pmemctl convert: --btt and --raw exclude each other"
	"read-labels dimmX|pmemctl read-labels: bad device 'dimmX'"
	"version now|pmemctl version: unexpected argument 'now'"
)
for r in "${refused[@]}"; do
	# shellcheck disable=SC2086
	check_eq "refused with exit 2: pmemctl ${r%%|*}" "2 ${r#*|}" "$(run ${r%%|*})"
done
n=$(seq 0 64 | sed 's/^/d/' | tr '\n' ' ')
# shellcheck disable=SC2086
check_eq "remove takes at most 64 disks at once" "2 pmemctl remove: at most 64 at once" \
	"$(run remove $n)"
finish
