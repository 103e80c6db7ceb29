# SPDX-License-Identifier: GPL-2.0
#
# Helpers for host shell suites (selftests/host/*.sh): suites that run once
# on the build machine, not in a guest, and print KTAP. selftests/run runs
# each of them as host/<name>.
#
#   . "$(dirname "$0")/lib.sh"
#   check "what it proves" command args...     # ok when it exits 0
#   check_fails "what it proves" command...    # ok when it exits non-zero
#   check_eq "what it proves" EXPECTED ACTUAL
#   ok NAME / not_ok NAME [WHY] / skip NAME WHY / diag TEXT
#   finish                                     # plan line, exit status
#
# $top is the source tree, $work a private directory removed at exit,
# $kvers the kernel releases to test against: PMD_KVERS (comma-separated,
# as selftests/run passes them) or the newest Debian 6.1 and 6.12 kernels
# installed, as the Makefile picks them.
#
# These suites must never change the machine itself: everything they install
# goes below $work (DESTDIR, private DKMS trees, depmod -b).

set -uo pipefail
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
work=$(mktemp -d /tmp/pmd-host.XXXXXX)
trap 'rm -rf "$work"' EXIT

newest_kver() { ls /lib/modules 2>/dev/null | grep -E "^$1" | sort -V | tail -n 1; }
if [ -n "${PMD_KVERS:-}" ]; then
	kvers=$(echo ${PMD_KVERS//,/ })	# shellcheck disable=SC2086
else
	kvers="$(newest_kver '6\.1\.') $(newest_kver '6\.12\.')"
fi

echo "KTAP version 1"

# ok, not_ok, skip, diag, check, check_fails, check_eq: the same KTAP
# helpers the guest scripts use (plain sh, so bash reads them too).
. "$top/selftests/vm/guest/lib.sh"

# The release pmemdisk says it is, from driver/version.h.
pmd_version() { sed -n 's/^#define PMEMDISK_VERSION "\(.*\)"/\1/p' "$top/driver/version.h"; }

finish() {
	echo "1..$t_n"
	exit "$t_failed"
}
