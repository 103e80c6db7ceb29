#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The persisted log buffer against process death: plb-crashtest (built with
# ASan and UBSan) commits records into a 64 KiB buffer on an ordinary file
# (PLB_ALLOW_NO_MAP_SYNC: the page cache outlives the process, so this is
# what a kill leaves), one or two threads, and is SIGKILLed after a random
# delay; then verify recovers and checks that every acknowledged LSN is
# there, all records whole, in order and contiguous from 1. The same buffer
# and log go through every run, so each run's open also recovers what the
# kill before left. Half the runs count their delay from the start (and may
# kill the open while it recovers, which takes longer as the log grows);
# the other half from the run's first acknowledged commit, so that kills
# land among commits however slow the open is on this machine.
#
#   PLB_CRASH_RUNS (30), PLB_CRASH_SEED (random; printed, to repeat a run)
. "$(dirname "$0")/lib.sh"

ct=$top/build/host/plb-crashtest
runs=${PLB_CRASH_RUNS:-30}
seed=${PLB_CRASH_SEED:-$$}
RANDOM=$seed
diag "seed $seed (PLB_CRASH_SEED=$seed repeats the delays)"

if [ ! -x "$ct" ]; then
	not_ok "plb-crashtest is built" "$ct missing: run 'make'"
	finish
fi

buf=$work/buffer log=$work/log acked=$work/acked
: >"$acked"
acked_runs=0 buffer_runs=0 last=0
for run in $(seq "$runs"); do
	threads=$((run % 2 + 1))
	delay_ms=$((50 + RANDOM % 750))
	"$ct" write "$buf" "$log" --threads "$threads" --allow-no-map-sync \
		>>"$acked" 2>"$work/write.err" &
	pid=$!
	if [ $((run / 2 % 2)) = 1 ]; then	# from the first commit (10 s at most)
		for i in $(seq 1000); do
			[ "$(wc -l <"$acked")" -gt "$last" ] && break
			sleep 0.01
		done
		delay_ms=$((RANDOM % 300))
	fi
	sleep "$(printf '0.%03d' "$delay_ms")"
	kill -9 "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	rc=$?
	name="run $run: $threads thread(s), killed $delay_ms ms after its $([ $((run / 2 % 2)) = 1 ] && echo first commit || echo start)"
	if [ "$rc" -ne 137 ]; then
		not_ok "$name" "the writer was not killed (exit status $rc): $(cat "$work/write.err")"
		continue
	fi
	n=$(wc -l <"$acked")
	out=$("$ct" verify "$buf" "$log" "$acked" 2>&1)
	if [ $? -eq 0 ]; then
		ok "$name, $((n - last)) more acknowledged: ${out#verify: ok: }"
	else
		not_ok "$name" "$out"
	fi
	[ "$n" -gt "$last" ] && acked_runs=$((acked_runs + 1))
	grep -qE 'buffer [1-9]' <<<"$out" && buffer_runs=$((buffer_runs + 1))
	last=$n
done

# The kills must have landed in the middle of commits, not only at startup,
# and left records that only the buffer had.
check "kills came after acknowledged commits in at least half the runs ($acked_runs of $runs)" \
	test "$acked_runs" -ge $((runs / 2))
check "recovery took records from the buffer after some kills ($buffer_runs of $runs)" \
	test "$buffer_runs" -ge 1
finish
