# SPDX-License-Identifier: GPL-2.0
#
# KTAP helpers for guest-side test scripts (installed as /pmd/tests/lib.sh).
#
#   . /pmd/tests/lib.sh
#   check "name of the behaviour" command args...   # ok if it exits 0
#   check_fails "name" command args...              # ok if it exits non-zero
#   ok "name" / not_ok "name" "why" / skip "name" "why"
#   finish                                          # exit status: 0 if no failure
#
# Output of a checked command is printed as "# " diagnostics when it fails.

t_n=0
t_failed=0

ok() { t_n=$((t_n + 1)); echo "ok $t_n $1"; }

not_ok() {
	t_n=$((t_n + 1))
	[ -n "${2:-}" ] && echo "# $2"
	echo "not ok $t_n $1"
	t_failed=1
}

skip() { t_n=$((t_n + 1)); echo "ok $t_n $1 # SKIP ${2:-}"; }

diag() { echo "$*" | sed 's/^/# /'; }

check() {
	local name=$1 out
	shift
	if out=$("$@" 2>&1); then
		ok "$name"
	else
		diag "$out"
		not_ok "$name" "command failed: $*"
	fi
}

check_fails() {
	local name=$1 out
	shift
	if out=$("$@" 2>&1); then
		diag "$out"
		not_ok "$name" "command succeeded but should have failed: $*"
	else
		ok "$name"
	fi
}

# No oops, BUG, WARNING or lockdep splat in the kernel log so far.
check_dmesg_clean() {
	local bad
	bad=$(dmesg | grep -E 'BUG:|WARNING:|Oops|general protection|Call Trace|possible circular locking|KASAN|kmemleak' | head -20)
	if [ -z "$bad" ]; then ok "${1:-kernel log has no oops, BUG or WARNING}"; else
		diag "$bad"; not_ok "${1:-kernel log has no oops, BUG or WARNING}"; fi
}

finish() { exit "$t_failed"; }
