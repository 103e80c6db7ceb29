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
	local desc=$1 rc out expect="" failed_before=$suite_failed
	shift
	if [ "${1:-}" = --expect ]; then
		expect=$2
		shift 2
	fi
	suite_failed=0
	boot_n=$((boot_n + 1))
	cat >"$work/guest$boot_n.sh"
	out=$work/guest$boot_n.out
	echo "# boot $boot_n: $desc"
	"$top/qemu/run-vm" --kver "$KVER" --quiet --out "$out" \
		--console "$work/guest$boot_n.console" "$@" "$work/guest$boot_n.sh" \
		2>"$work/guest$boot_n.err"
	rc=$?
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
		[ "$rc" = "$expect" ] && h_ok "boot $boot_n exit status is $expect" ||
			h_not_ok "boot $boot_n exit status is $expect" "it was $rc"
	elif [ "$rc" -ne 0 ] && [ "$suite_failed" = 0 ]; then
		h_not_ok "boot $boot_n ($desc) finished cleanly" \
			"status $rc: $(cat "$work/guest$boot_n.err")
console tail:
$(tail -n 40 "$work/guest$boot_n.console" 2>/dev/null)"
	fi
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

# Lines the last boot printed starting with "KEY ", without it.
from_guest() { sed -n "s/^$1 //p" "$work/guest$boot_n.out"; }

plan_end() {
	echo "1..$suite_n"
	exit "$suite_failed"
}
