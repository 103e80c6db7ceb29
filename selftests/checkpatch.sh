#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# checkpatch.sh CHECKPATCH: run the kernel's checkpatch.pl (--no-tree) over
# every kernel-side source (driver/, driver/core/, uapi/), one KTAP result per
# file; a file passes when checkpatch reports no error and no warning.
set -uo pipefail
checkpatch=${1:?usage: checkpatch.sh PATH/TO/checkpatch.pl}
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
if [ ! -r "$checkpatch" ]; then
	echo "KTAP version 1"; echo "1..1"
	echo "not ok 1 checkpatch # $checkpatch missing: run 'make deps' and 'make'"
	exit 1
fi
files=$(git ls-files -co --exclude-standard 'driver/*.[ch]' 'uapi/*.h' 2>/dev/null)
[ -n "$files" ] || files=$(find driver uapi -name '*.[ch]' | sort)
echo "KTAP version 1"
echo "1..$(echo "$files" | wc -l)"
n=0
for f in $files; do
	n=$((n + 1))
	out=$(perl "$checkpatch" --no-tree --terse --show-types \
		-f "$f" 2>&1)
	rc=$?
	if [ "$rc" -ne 0 ] || echo "$out" | grep -qE ': (ERROR|WARNING|CHECK):'; then
		echo "$out" | sed 's/^/# /'
		echo "not ok $n checkpatch $f"
	else
		echo "ok $n checkpatch $f"
	fi
done
