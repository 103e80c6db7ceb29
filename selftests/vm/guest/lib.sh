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

# No oops, BUG, WARNING, lockdep splat, sleep in atomic context, hung task
# or leak report in the kernel log since the script started (a debug
# kernel's kmemleak announces itself at boot, which is no report).
check_dmesg_clean() {
	local bad
	local re='BUG:|WARNING:|Oops|general protection|Call Trace|possible circular locking|possible recursive locking|inconsistent lock state|sleeping function called|blocked for more than|KASAN|kmemleak: [0-9]+ new suspected'
	bad=$(kernel_log | grep -E "$re" | head -20)
	if [ -z "$bad" ]; then ok "${1:-kernel log has no oops, BUG or WARNING}"; else
		diag "$bad"
		diag "the first one in context:"
		diag "$(dmesg | grep -E -m 1 -B 10 -A 30 "$re")"
		not_ok "${1:-kernel log has no oops, BUG or WARNING}"; fi
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

# Memory use, for leak checks: mem_snapshot FILE writes "slab:CACHE OBJECTS"
# for every slab cache, and "meminfo:SUnreclaim", "meminfo:VmallocUsed" (kB)
# and "vmalloc:areas" (areas in /proc/vmallocinfo not waiting to be purged), after dropping
# caches and letting RCU-deferred frees finish. Boot with $slub_debug_exact
# (run-vm --append): a debugged cache keeps no free objects in per-CPU
# slabs, so its active count is exact instead of off by up to a few slabs.
# The bio-* caches are left out: they are made and destroyed with the first
# and last disk, and 6.1 leaks a debugfs dentry and inode for every debugged
# cache destroyed (debugfs_lookup() without dput() in slub.c).
mem_snapshot() { # mem_snapshot FILE
	sync
	echo 3 >/proc/sys/vm/drop_caches
	sleep 1
	{
		awk 'NR > 2 { print "slab:" $1, $2 }
			$1 == "vmap_area" { print "vmap_area:kB", int($3 * $4 / 1024) }' /proc/slabinfo
		awk '/^(SUnreclaim|VmallocUsed):/ { print "meminfo:" substr($1, 1, length($1) - 1), $2 }' /proc/meminfo
		echo "vmalloc:areas $(grep -vc unpurged /proc/vmallocinfo)"
	} >"$1"
}

# mem_growth BEFORE AFTER: "KEY DELTA" for every value that changed
mem_growth() {
	awk 'NR == FNR { a[$1] = $2; next } $2 != a[$1] { print $1, $2 - a[$1] }' "$1" "$2"
}

# check_no_leak NAME BEFORE AFTER CYCLES: ok when no slab cache holds
# CYCLES/2 or more objects than before (a leak of one object per cycle
# fails, whatever its size), unreclaimable slab grew less than 256 kB
# (less what vmap_area holds: 6.12 keeps thousands of them, hundreds of kB,
# until its lazy purge),
# vmalloc use less than 256 kB and the busy vmalloc areas fewer than
# CYCLES/2 (a kworker started meanwhile brings a 16 kB stack; a leak of one
# page per cycle fails both). vmap_area objects are left out: freed areas are purged
# lazily, so their count swings by hundreds (vmalloc:areas counts the busy ones).
check_no_leak() {
	local name=$1 before=$2 after=$3 cycles=$4 bad
	bad=$(mem_growth "$before" "$after" | awk -v n="$cycles" '
		$1 == "slab:vmap_area" { next }
		$1 == "vmap_area:kB" { vmap = $2; next }
		$1 == "meminfo:SUnreclaim" { sunr = $2; next }
		$1 ~ /^slab:/ && $2 >= n / 2 { print; next }
		$1 == "meminfo:VmallocUsed" && $2 >= 256 { print; next }
		$1 == "vmalloc:areas" && $2 >= n / 2 { print }
		END { if (sunr - vmap >= 256) print "meminfo:SUnreclaim (less vmap_area) " sunr - vmap }')
	diag "$name: changes: $(mem_growth "$before" "$after" | tr '\n' ' ')"
	if [ -z "$bad" ]; then
		ok "$name"
	else
		not_ok "$name" "grew: $bad
$(for c in $(echo "$bad" | sed -n 's/^slab:\([^ ]*\) .*/\1/p'); do
	echo "allocations live in $c, by caller:"
	grep -E "^ *[0-9]+ " /sys/kernel/debug/slab/"$c"/alloc_traces 2>/dev/null | sort -rn | head -5
done)"
	fi
}

# ---- two guests on one private link (selftests/vm/lib.sh's guest_start)
# link_up END: eth0 of this guest at 10.99.0.<END+1>/24, an address that
# exists only on the unix-socket link between the two guests.
link_up() {
	modprobe virtio_pci 2>/dev/null
	modprobe virtio_net || return 1
	local i
	for i in $(seq 100); do [ -e /sys/class/net/eth0 ] && break; sleep 0.1; done
	ip addr add 10.99.0.$(($1 + 1))/24 dev eth0 && ip link set eth0 up
}
peer_of() { echo 10.99.0.$((2 - $1)); } # peer_of END: the other end's address

# link_send ADDR PORT MESSAGE: one line to a link_recv on the other guest,
# retried while it is not listening yet (up to LINK_WAIT seconds, 600).
link_send() {
	local i
	for i in $(seq "${LINK_WAIT:-600}"); do
		echo "$3" | nc -w 5 "$1" "$2" 2>/dev/null && return 0
		sleep 1
	done
	return 1
}
# link_recv PORT: print the line a link_send sends (waits up to LINK_WAIT).
link_recv() {
	timeout "${LINK_WAIT:-600}" nc -l -p "$1" </dev/null
}
