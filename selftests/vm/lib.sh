# SPDX-License-Identifier: GPL-2.0
#
# Host-side helpers for VM test suites (selftests/vm/*.sh).
#
# A suite is a host script that boots one or more guests through
# qemu/run-vm and prints KTAP. Guest scripts print KTAP lines too (see
# guest/lib.sh); guest() renumbers them into one sequence for the suite and
# turns a guest that did not finish into a failure. Call plan_end at the end.
#
#   . "$(dirname "$0")/lib.sh"
#   dimm=$(dimm_path d0)                  # backing file kept for the suite
#   guest "what this boot does" [run-vm options] <<'EOF'
#   . /pmd/tests/lib.sh
#   check "module loads" insmod /pmd/pmemdisk.ko
#   finish
#   EOF
#   plan_end
#
# PMD_CONSOLE_CHECK=1 (make check-debug) adds a result per boot: its kernel
# console shows no report of the debug kernel's checkers, and kmemleak found
# no leak of pmemdisk's (console_check). PMD_CONSOLE_DIR keeps every guest's
# console log there as <KVER>_<suite>_boot<N>.console.

set -uo pipefail
: "${KVER:?KVER must name the kernel release to boot}"
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
work=$(mktemp -d /tmp/pmd-suite.XXXXXX)
trap 'rm -rf "$work"' EXIT
suite_n=0
suite_failed=0
boot_n=0

echo "KTAP version 1"

# Result lines of the suite itself (host-side checks).
h_ok() { suite_n=$((suite_n + 1)); echo "ok $suite_n $1"; }
h_not_ok() {
	suite_n=$((suite_n + 1))
	[ -n "${2:-}" ] && echo "$2" | sed 's/^/# /'
	echo "not ok $suite_n $1"
	suite_failed=1
}
h_skip() { suite_n=$((suite_n + 1)); echo "ok $suite_n $1 # SKIP $2"; }
h_check() { # h_check NAME COND-COMMAND...
	local name=$1
	shift
	if "$@"; then h_ok "$name"; else h_not_ok "$name" "failed: $*"; fi
}

dimm_path() { echo "$work/$1.img"; }

# Kernel arguments for a boot that checks for leaks with mem_snapshot and
# check_no_leak (guest/lib.sh): exact slab object counts.
slub_debug_exact='slub_debug=U;-,bio-*'

# guest DESC [--expect STATUS] [run-vm options]: the guest script comes on
# stdin. Returns the guest's exit status (or run-vm's 124/125/126/137).
# Without --expect, a boot that exits non-zero must have reported a failure
# itself, or one is added; with --expect, the status must be STATUS.
guest() {
	local desc=$1 expect=""
	shift
	if [ "${1:-}" = --expect ]; then
		expect=$2
		shift 2
	fi
	boot_n=$((boot_n + 1))
	cat >"$work/guest$boot_n.sh"
	echo "# boot $boot_n: $desc"
	run_guest "$boot_n" "$@"
	guest_report "$boot_n" "$desc" $? "$expect"
}

# run_guest N [run-vm options]: boot N's script through run-vm.
run_guest() {
	local n=$1
	shift
	"$top/qemu/run-vm" --kver "$KVER" --quiet --out "$work/guest$n.out" \
		--console "$work/guest$n.console" "$@" "$work/guest$n.sh" \
		2>"$work/guest$n.err"
}

# Two guests at once, on one private link (run-vm --link): the script of
# each comes on stdin of guest_start; guest_join waits for both and reports
# them in the order started. They find each other at 10.99.0.1 (link end 0)
# and 10.99.0.2 (end 1), addresses that exist only on that link (see
# guest/lib.sh's link_up).
#   guest_start 0 "A exports" [run-vm options] <<'EOF' ... EOF
#   guest_start 1 "B imports" [run-vm options] <<'EOF' ... EOF
#   guest_join
# guest_start takes --expect STATUS after DESC as guest() does; guest_wait
# BOOT waits for one boot (to start the next on its end of the link, after
# a power cut) and guest_join reports it with the others.
pair_boots=() pair_pids=() pair_descs=() pair_expect=() pair_status=()
link_dir=$work/link
guest_start() {
	local end=$1 desc=$2 expect=""
	shift 2
	if [ "${1:-}" = --expect ]; then
		expect=$2
		shift 2
	fi
	mkdir -p "$link_dir"
	boot_n=$((boot_n + 1))
	cat >"$work/guest$boot_n.sh"
	run_guest "$boot_n" --link "$link_dir:$end" "$@" &
	pair_pids+=($!) pair_boots+=("$boot_n") pair_descs+=("$desc")
	pair_expect+=("$expect") pair_status+=("")
}
guest_wait() {
	local i
	for i in "${!pair_boots[@]}"; do
		[ "${pair_boots[i]}" = "$1" ] && [ -z "${pair_status[i]}" ] || continue
		wait "${pair_pids[i]}"
		pair_status[i]=$?
	done
}
guest_join() {
	local i rc=0
	for i in "${!pair_pids[@]}"; do
		guest_wait "${pair_boots[i]}"
		echo "# boot ${pair_boots[i]}: ${pair_descs[i]}"
		guest_report "${pair_boots[i]}" "${pair_descs[i]}" "${pair_status[i]}" \
			"${pair_expect[i]}" || rc=$?
	done
	pair_boots=() pair_pids=() pair_descs=() pair_expect=() pair_status=()
	return "$rc"
}

# guest_why N STATUS: the status of boot N with what run-vm said of it and
# the guest console's last lines (a panic's trace is there).
guest_why() {
	echo "$2: $(cat "$work/guest$1.err")
console tail:
$(tail -n 40 "$work/guest$1.console" 2>/dev/null)"
}

# guest_report N DESC STATUS [EXPECT]: boot N's results in the suite's.
guest_report() {
	local n=$1 desc=$2 rc=$3 expect=${4:-} failed_before=$suite_failed
	local out=$work/guest$n.out
	suite_failed=0
	# Renumber the guest's result lines into the suite's sequence; keep
	# its diagnostics; drop its own headers and plans.
	while IFS= read -r line; do
		# what a terminal shows: the text after the last carriage return
		# (pmemctl draws progress on the guest's terminal and clears it)
		line=${line##*$'\r'}
		case "$line" in
		"ok "[0-9]*|"not ok "[0-9]*)
			suite_n=$((suite_n + 1))
			case "$line" in "not ok"*) suite_failed=1 ;; esac
			echo "$line" | sed -E "s/^(not )?ok [0-9]+/\\1ok $suite_n/" ;;
		"TAP version"*|"KTAP version"*|1..*) ;;
		"#"*) echo "$line" ;;
		*) echo "# $line" ;;
		esac
	done <"$out"
	if [ -n "$expect" ]; then
		[ "$rc" = "$expect" ] && h_ok "boot $n exit status is $expect" ||
			h_not_ok "boot $n exit status is $expect" "it was $(guest_why "$n" "$rc")"
	elif [ "$rc" -ne 0 ] && [ "$suite_failed" = 0 ]; then
		h_not_ok "boot $n ($desc) finished cleanly" "status $(guest_why "$n" "$rc")"
	fi
	if [ -n "${PMD_CONSOLE_DIR:-}" ]; then
		mkdir -p "$PMD_CONSOLE_DIR"
		cp "$work/guest$n.console" \
			"$PMD_CONSOLE_DIR/${KVER}_$(basename "$0" .sh)_boot$n.console" 2>/dev/null
	fi
	[ "${PMD_CONSOLE_CHECK:-0}" = 1 ] && console_check "$work/guest$n.console" "$n"
	[ "$failed_before" = 1 ] && suite_failed=1
	return "$rc"
}

# guest() that also says how long the boot took.
tguest() {
	local t0=$SECONDS rc
	guest "$@"
	rc=$?
	echo "# boot $boot_n took $((SECONDS - t0)) s"
	return $rc
}

# Lines the last boot (from_boot: boot N) printed starting with "KEY ",
# without it.
from_guest() { from_boot "$boot_n" "$1"; }
from_boot() { sed -n "s/^$2 //p" "$work/guest$1.out"; }

# What the debug kernel's checkers print: KASAN, UBSAN, lockdep ("WARNING:
# possible circular locking dependency detected", "inconsistent lock
# state", ...), might_sleep ("BUG: sleeping function called from invalid
# context"), debugobjects, list debugging, and any other BUG, WARNING or
# oops.
console_bad='BUG:|WARNING:|KASAN|UBSAN|ODEBUG|Oops|general protection fault|Kernel panic|possible circular locking|inconsistent lock state|sleeping function called from invalid context|list_(add|del) corruption'

# console_check FILE: two results for the boot whose console is FILE. Every
# kmemleak record is printed; a leak counts as pmemdisk's when its backtrace
# names pmemdisk or an address inside the module where guest-init saw it
# loaded (its /proc/modules lines, sampled every half second). A bare
# address outside them (a load shorter than that, another module unloaded
# since, freed init code) is printed as unattributed.
console_check() {
	local f=$1 boot_n=${2:-$boot_n} bad leaks n start=1
	# A report before guest-init started the script came from the kernel's
	# own boot, before pmemdisk could be loaded: shown, not counted.
	n=$(grep -n 'pmd-guest: the script starts' "$f" | head -n 1 | cut -d: -f1)
	if [ -n "$n" ]; then
		start=$n
		bad=$(head -n "$n" "$f" | grep -E -A 30 "$console_bad" | head -n 60)
		[ -z "$bad" ] || diag_lines "in the kernel's boot, before the script (not counted):
$bad"
	fi
	# (kmemleak's hex dumps left out: leaked text is not a report)
	bad=$(tail -n +"$start" "$f" | grep -Ev '^ +([0-9a-f]{2} ){8}' |
		grep -E -A 30 "$console_bad" | head -n 120)
	if [ -z "$bad" ]; then
		h_ok "boot $boot_n kernel log has no KASAN, lockdep, BUG or WARNING report"
	else
		h_not_ok "boot $boot_n kernel log has no KASAN, lockdep, BUG or WARNING report" "$bad"
	fi
	grep -q '@@PMD-KMEMLEAK-END@@' "$f" || return 0
	leaks=$(sed -n '/@@PMD-KMEMLEAK-BEGIN@@/,/@@PMD-KMEMLEAK-END@@/p' "$f" |
		tr -d '\r' | leak_records)
	[ -n "$leaks" ] && diag_lines "$leaks"
	n=$(grep -c '^PMEMDISK: ' <<<"$leaks")
	if [ "$n" -gt 0 ]; then
		h_not_ok "boot $boot_n kmemleak finds no leak of pmemdisk's" \
			"$n leaks above are pmemdisk's"
	else
		h_ok "boot $boot_n kmemleak finds no leak of pmemdisk's"
	fi
}
diag_lines() { printf '%s\n' "$1" | sed 's/^/# /'; }

# kmemleak's records on stdin, one per "unreferenced object" line, each
# printed with a tag first: PMEMDISK, UNATTRIBUTED (some frame is an address
# in no loaded module) or OTHER. Addresses are compared in bash's 64-bit
# arithmetic (awk's doubles cannot hold them).
leak_records() {
	local line rec="" ours=0 unknown=0 a w i bases=() ends=()
	flush_leak() {
		[ -n "$rec" ] || return 0
		if [ "$ours" = 1 ]; then w=PMEMDISK
		elif [ "$unknown" = 1 ]; then w=UNATTRIBUTED
		else w=OTHER; fi
		printf '%s: %s\n' "$w" "$rec"
		rec="" ours=0 unknown=0
	}
	while IFS= read -r line; do
		case "$line" in
		"pmemdisk "[0-9]*)
			read -r _ w _ _ _ a _ <<<"$line"
			bases+=($((a))) ends+=($((a + w))) ;;
		"unreferenced object"*) flush_leak; rec=$line ;;
		*@@PMD-KMEMLEAK-END@@*) flush_leak ;;
		*)
			[ -n "$rec" ] || continue
			rec+=$'\n'$line
			case "$line" in *pmemdisk*) ours=1 ;; esac
			if [[ $line =~ \]\ (0x[0-9a-f]+)$ ]]; then
				a=$((BASH_REMATCH[1])) w=0
				for i in "${!bases[@]}"; do
					[ "$a" -ge "${bases[i]}" ] && [ "$a" -lt "${ends[i]}" ] && w=1
				done
				if [ "$w" = 1 ]; then ours=1; else unknown=1; fi
			fi ;;
		esac
	done
}

plan_end() {
	echo "1..$suite_n"
	exit "$suite_failed"
}
