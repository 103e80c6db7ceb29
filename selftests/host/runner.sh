#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# selftests/run's own report: counts, and the summary of what failed and
# what was skipped that it repeats just above its last line (CI shows only
# the end of a run). Runs the runner over three stand-in suites.
. "$(dirname "$0")/lib.sh"

suites=$work/suites
mkdir -p "$suites" "$work/nofuzz"
cat >"$suites/fake-pass_test" <<'T'
#!/bin/sh
echo "ok 1 first"; echo "ok 2 second"; echo "ok 3 third # SKIP not here"
T
cat >"$suites/fake-fail_test" <<'T'
#!/bin/sh
echo "ok 1 fine"; echo "not ok 2 the data read back differs"; exit 1
T
cat >"$suites/fake-silent_test" <<'T'
#!/bin/sh
exit 3
T
chmod +x "$suites"/*_test

out=$("$top/selftests/run" --host-only --host-tests "$suites" \
	--fuzz-dir "$work/nofuzz" --only 'host/fake-*' \
	--skip 'host/fake-silent*=stands in for a skipped suite')
rc=$?
diag "$(printf '%s\n' "$out" | tail -n 8)"
check_eq "the runner exits 1 when a suite failed" 1 "$rc"
check_eq "the last line counts every result" \
	"3 passed, 1 failed, 2 skipped" "$(printf '%s\n' "$out" | tail -n 1)"
tail8=$(printf '%s\n' "$out" | tail -n 7)
check "the end names the failed test" \
	grep -qxF "# host/fake-fail_test: not ok 2 the data read back differs" <<<"$tail8"
check "the end names the failed suite and its log" \
	grep -q "^# failed: host/fake-fail_test (log: .*host_fake-fail_test.log)" <<<"$tail8"
check "the end names a skipped test and why" \
	grep -qxF "# host/fake-pass_test: ok 3 third # SKIP not here" <<<"$tail8"
check "the end names a skipped suite and why" \
	grep -qxF "# skipped: host/fake-silent_test: stands in for a skipped suite" <<<"$tail8"

out=$("$top/selftests/run" --host-only --host-tests "$suites" \
	--fuzz-dir "$work/nofuzz" --only 'host/fake-silent*')
rc=$?
check_eq "a suite that exits non-zero and says nothing is a failure" 1 "$rc"
check "the end says how it failed" grep -qF \
	"# failed: host/fake-silent_test: exited with status 3 without reporting a failure" <<<"$out"
rm -f "$top"/build/test-logs/host_fake-*.log
finish
