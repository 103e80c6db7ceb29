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
	[ -n "${2:-}" ] && echo "$2" | sed 's/^/# /'
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

# No oops, BUG, WARNING or lockdep splat in the kernel log so far (nor a
# leak report: a debug kernel's kmemleak announces itself at boot, which is
# no report).
check_dmesg_clean() {
	local bad
	bad=$(kernel_log | grep -E 'BUG:|WARNING:|Oops|general protection|Call Trace|possible circular locking|KASAN|kmemleak: [0-9]+ new suspected' | head -20)
	if [ -z "$bad" ]; then ok "${1:-kernel log has no oops, BUG or WARNING}"; else
		diag "$bad"; not_ok "${1:-kernel log has no oops, BUG or WARNING}"; fi
}

finish() { exit "$t_failed"; }

# The kernel log; on the debug kernel of make check-debug only from where
# guest-init started the script: a report from the kernel's own boot (one
# KASAN report in an interrupt 2 ms into a TCG boot was seen) is not the
# tests' business, pmemdisk was not loaded then.
kernel_log() {
	if dmesg | grep -q 'pmd-guest: the script starts'; then
		dmesg | sed -n '/pmd-guest: the script starts/,$p'
	else
		dmesg
	fi
}

# check_eq NAME EXPECTED ACTUAL: ok when the two strings are equal.
check_eq() {
	if [ "$2" = "$3" ]; then ok "$1"; else not_ok "$1" "expected '$2', got '$3'"; fi
}

# A deterministic pattern of BYTES bytes for TAG, to write and compare.
pattern() { # pattern TAG BYTES
	yes "$1" | head -c "$2"
}

# sha256 of COUNT 4 KiB blocks of DEV starting at block SKIP.
dev_sum() { # dev_sum DEV SKIP COUNT
	dd if="$1" bs=4096 skip="$2" count="$3" iflag=direct 2>/dev/null | sha256sum | cut -d' ' -f1
}

# O_DIRECT I/O of COUNT 512-byte sectors from sector FIRST of DEV. busybox
# dd mallocs a buffer smaller than a page with no alignment and, when
# O_DIRECT refuses it, quietly retries through the page cache (a partial
# page then means a read-modify-write); a 4 KiB buffer is page-aligned.
read_sectors() { # read_sectors DEV FIRST COUNT
	dd if="$1" of=/dev/null bs=4096 iflag=skip_bytes,count_bytes,direct \
		skip=$(($2 * 512)) count=$(($3 * 512))
}
zero_sectors() { # zero_sectors DEV FIRST COUNT
	dd if=/dev/zero of="$1" bs=4096 iflag=count_bytes count=$(($3 * 512)) \
		oflag=seek_bytes,direct seek=$(($2 * 512)) conv=notrunc
}

# Kernel log lines since the last call of mark_dmesg.
mark_dmesg() { dmesg_mark=$(dmesg | wc -l); }
dmesg_new() { dmesg | tail -n +"$((${dmesg_mark:-0} + 1))"; }
