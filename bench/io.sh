#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# bench/io.sh [KVER]: pmemdisk against the in-kernel drivers, in ONE guest
# boot on emulated NVDIMMs of the same kind:
#   - raw: pmemdisk's raw disk vs nd_pmem (a raw namespace made by ndctl)
#     vs brd (RAM, for scale);
#   - BTT: pmemdisk's BTT vs nd_btt (sector namespaces made by ndctl), at
#     512- and 4096-byte sectors.
# The in-kernel stack owns DIMM 0 first and its rows run; then it is
# unbound and unloaded, pmemdisk takes DIMM 1 and its rows run. fio:
# 4 KiB random read and write with psync at queue depth 1, one job and two
# jobs; 128 KiB sequential read and write; 4 KiB random read and write with
# io_uring at queue depth 32. Every row BENCH_REPS (3) times: the median
# and the spread. Writes bench/results.md and bench/results.png.
#
# The guest runs under TCG with -icount shift=0: its clock advances 1 ns per
# guest instruction, so IOPS measure instructions per I/O and repeat to a
# fraction of a percent whatever else the host does. Absolute numbers mean
# little; the ratios within one boot are the result. A benchmark, not a
# test: nothing here passes or fails on speed.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
kver=${1:-$(ls /lib/modules | grep -E '^6\.1\.' | sort -V | tail -n 1)}
work=$(mktemp -d /tmp/pmd-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT
runtime=${BENCH_RUNTIME:-2}
reps=${BENCH_REPS:-3}
out_md=${BENCH_OUT:-$top/bench/results.md}
out_png=${out_md%.md}.png

# id  fio arguments (after --filename, --size, --direct, --time_based)
workloads="
rr4k1 --rw=randread --bs=4k --ioengine=psync --iodepth=1 --numjobs=1
rw4k1 --rw=randwrite --bs=4k --ioengine=psync --iodepth=1 --numjobs=1
rr4k2 --rw=randread --bs=4k --ioengine=psync --iodepth=1 --numjobs=2
rw4k2 --rw=randwrite --bs=4k --ioengine=psync --iodepth=1 --numjobs=2
sr128k --rw=read --bs=128k --ioengine=psync --iodepth=1 --numjobs=1
sw128k --rw=write --bs=128k --ioengine=psync --iodepth=1 --numjobs=1
rr4kq32 --rw=randread --bs=4k --ioengine=io_uring --iodepth=32 --numjobs=1
rw4kq32 --rw=randwrite --bs=4k --ioengine=io_uring --iodepth=32 --numjobs=1
"

cat >"$work/bench.sh" <<GUEST
. /pmd/tests/lib.sh
set -u
# run_rows LABEL=DEV...: every workload, $reps times, on every device
run_rows() {
	local pair label dev id args r j
	for pair in "\$@"; do
		dev=\${pair#*=}
		# reads must hit written blocks: fill the range once
		dd if=/dev/zero of=\$dev bs=1M count=128 oflag=direct 2>/dev/null
	done
	echo "$workloads" | while read -r id args; do
		[ -n "\$id" ] || continue
		for r in \$(seq $reps); do
			for pair in "\$@"; do
				label=\${pair%%=*} dev=\${pair#*=}
				j=\$(fio --name=b --filename=\$dev --size=128M --direct=1 \
					--time_based --runtime=$runtime --group_reporting \$args \
					--output-format=json 2>/dev/null)
				echo "ROW \$id \$label \$r \$(echo "\$j" | jq -r '.jobs[0] | "\(.read.iops + .write.iops) \(.read.bw + .write.bw)"')"
			done
		done
	done
}

# --- the in-kernel stack on DIMM 0, brd in RAM
modprobe nfit; modprobe nd_pmem; modprobe nd_btt
for i in \$(seq 50); do [ -e /sys/bus/nd/devices/region0 ] && break; sleep 0.1; done
ndctl disable-region all >/dev/null
ndctl init-labels -f nmem0 >/dev/null
ndctl enable-region region0 >/dev/null
ndctl create-namespace -r region0 -m raw -s 256M -n linraw >/dev/null
ndctl create-namespace -r region0 -m sector -l 512 -s 160M -n lin512 >/dev/null
ndctl create-namespace -r region0 -m sector -l 4096 -s 160M -n lin4096 >/dev/null
bdev() { ndctl list -N | jq -r ".[] | select(.name == \"\$1\") | .blockdev"; }
modprobe brd rd_nr=1 rd_size=262144
echo "DEVICES nd_pmem=/dev/\$(bdev linraw) nd_btt-512=/dev/\$(bdev lin512) nd_btt-4096=/dev/\$(bdev lin4096) brd=/dev/ram0"
run_rows nd_pmem=/dev/\$(bdev linraw) brd=/dev/ram0 nd_btt-512=/dev/\$(bdev lin512) \
	nd_btt-4096=/dev/\$(bdev lin4096)

# --- pmemdisk on DIMM 1, once the in-kernel stack has let go
ndctl disable-region all >/dev/null
rmmod nd_pmem nd_btt nfit
insmod /pmd/pmemdisk.ko
pmemctl init-labels dimm1 --yes >/dev/null
pmemctl create --region 1 --size 256M --name raw >/dev/null
pmemctl create --region 1 --size 150M --name b512 --btt --sector-size 512 >/dev/null
pmemctl create --region 1 --size 150M --name b4096 --btt --sector-size 4096 >/dev/null
pdev() { pmemctl list --json | jq -r ".disks[] | select(.name == \"\$1\") | .disk"; }
echo "DEVICES pmemdisk=/dev/\$(pdev raw) pmemdisk-512=/dev/\$(pdev b512) pmemdisk-4096=/dev/\$(pdev b4096)"
run_rows pmemdisk=/dev/\$(pdev raw) pmemdisk-512=/dev/\$(pdev b512) pmemdisk-4096=/dev/\$(pdev b4096)
echo DONE
GUEST

nwl=$(echo "$workloads" | grep -c .)
echo "bench: one guest boot on $kver, $((nwl * 7 * reps)) fio runs (roughly $((nwl * 7 * reps * (runtime * 3 + 8) / 60 + 3)) minutes)" >&2
"$top/qemu/run-vm" --kver "$kver" --quiet --smp 1 --timeout 7200 \
	--qemu-arg -icount --qemu-arg shift=0,align=off,sleep=off \
	--dimm "$work/nv0.img:1G:128K" --dimm "$work/nv1.img:1G:128K" \
	--out "$work/out.log" "$work/bench.sh" || {
	echo "bench: the guest failed" >&2; cat "$work/out.log" >&2; exit 1; }
grep -q '^DONE' "$work/out.log" || { echo "bench: the guest did not finish" >&2; cat "$work/out.log" >&2; exit 1; }
[ -n "${BENCH_KEEP:-}" ] && cp "$work/out.log" "$BENCH_KEEP"

# ---- tables ---------------------------------------------------------------
stats() { # stats ID LABEL FIELD: "median min max" (FIELD 5: IOPS, 6: KiB/s)
	awk -v id="$1" -v l="$2" -v f="$3" '$1 == "ROW" && $2 == id && $3 == l {print $f}' \
		"$work/out.log" | sort -g |
		awk '{v[NR]=$1} END {if (NR) printf "%.0f %.0f %.0f\n", v[int((NR+1)/2)], v[1], v[NR]; else print "0 0 0"}'
}
desc_of() {
	case $1 in
	rr4k1) echo "4K randread, psync qd1, 1 job" ;;
	rw4k1) echo "4K randwrite, psync qd1, 1 job" ;;
	rr4k2) echo "4K randread, psync qd1, 2 jobs" ;;
	rw4k2) echo "4K randwrite, psync qd1, 2 jobs" ;;
	sr128k) echo "128K seq read, psync qd1" ;;
	sw128k) echo "128K seq write, psync qd1" ;;
	rr4kq32) echo "4K randread, io_uring qd32" ;;
	rw4kq32) echo "4K randwrite, io_uring qd32" ;;
	esac
}
# cell ID LABEL: "median (min-max)" in IOPS, or MiB/s for 128K rows
cell() {
	local f=5 m lo hi
	case $1 in *128k) f=6 ;; esac
	read -r m lo hi < <(stats "$1" "$2" $f)
	if [ $f = 6 ]; then
		awk -v m="$m" -v a="$lo" -v b="$hi" 'BEGIN {printf "%.0f MiB/s (%.0f-%.0f)", m/1024, a/1024, b/1024}'
	else
		echo "$m ($lo-$hi)"
	fi
}
ratio() { # ratio ID A B: median(A) / median(B)
	local f=5 a b
	case $1 in *128k) f=6 ;; esac
	a=$(stats "$1" "$2" $f | cut -d' ' -f1)
	b=$(stats "$1" "$3" $f | cut -d' ' -f1)
	awk -v a="$a" -v b="$b" 'BEGIN {printf (b > 0 ? "%.2f" : "0"), a / b}'
}
ids=$(echo "$workloads" | awk 'NF {print $1}')
: >"$work/chart.dat"
{
	echo "# pmemdisk vs the in-kernel NVDIMM drivers"
	echo
	echo "Generated by \`make bench\` (bench/io.sh) on $(date -u +%Y-%m-%d), tree $(git -C "$top" describe --always --dirty 2>/dev/null || echo unknown)."
	echo "Host: $(nproc) CPUs, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(sed -n 's/^model name.*: //p' /proc/cpuinfo | head -n 1)."
	echo "Guest: Debian kernel $kver, QEMU TCG, 1 vCPU (icount runs one), \`-icount shift=0\` (1 ns of guest time"
	echo "per guest instruction: IOPS here count instructions per I/O, not wall-clock speed;"
	echo "runs repeat to a fraction of a percent). One boot, two 1 GiB emulated NVDIMMs: the"
	echo "in-kernel nfit/nd_pmem/nd_btt own DIMM 0 for their rows, then pmemdisk owns DIMM 1."
	echo "fio, direct I/O on the block device, 128 MiB range, ${runtime} s per run, $reps runs per"
	echo "row: median (min-max). Ratios are of the medians; above 1 means pmemdisk is faster."
	echo
	echo "## Raw: pmemdisk vs nd_pmem (and brd)"
	echo
	echo "| workload | pmemdisk | nd_pmem | brd | pmemdisk / nd_pmem | brd / nd_pmem |"
	echo "|---|---|---|---|---|---|"
	for id in $ids; do
		r=$(ratio "$id" pmemdisk nd_pmem)
		echo "| $(desc_of "$id") | $(cell "$id" pmemdisk) | $(cell "$id" nd_pmem) | $(cell "$id" brd) | **${r}x** | $(ratio "$id" brd nd_pmem)x |"
		echo "\"raw: $(desc_of "$id")\" $r" >>"$work/chart.dat"
	done
	for ss in 512 4096; do
		echo
		echo "## BTT, $ss-byte sectors: pmemdisk vs nd_btt"
		echo
		echo "| workload | pmemdisk | nd_btt | pmemdisk / nd_btt |"
		echo "|---|---|---|---|"
		for id in $ids; do
			r=$(ratio "$id" pmemdisk-$ss nd_btt-$ss)
			echo "| $(desc_of "$id") | $(cell "$id" pmemdisk-$ss) | $(cell "$id" nd_btt-$ss) | **${r}x** |"
			echo "\"BTT $ss: $(desc_of "$id")\" $r" >>"$work/chart.dat"
		done
	done
	echo
	echo "Targets (benchmark targets, not tests): raw >= 1.0x nd_pmem on every row; BTT >= 1.3x"
	echo "nd_btt on 4K random write and >= 1.0x on 4K random read, at both sector sizes."
	echo
	echo "![pmemdisk / in-kernel driver, per row]($(basename "$out_png"))"
} >"$out_md"

gnuplot <<GP
set terminal pngcairo size 1100,900 font "sans,9" noenhanced
set output "$out_png"
set title "pmemdisk / in-kernel driver (median of $reps runs; $kver, TCG -icount)"
set style fill solid 0.8 border -1
set boxwidth 0.7
set yrange [0:*]
set xtics rotate by -60 left
set ytics nomirror
set grid ytics
set key off
set bmargin 16
set rmargin 10
plot "$work/chart.dat" using 0:2:xtic(1) with boxes lc rgb "#3a6ea5", \
	1.0 with lines lc rgb "black" dt 2, 1.3 with lines lc rgb "#a53a3a" dt 3
GP
cat "$out_md"
echo "bench: wrote $out_md and $out_png" >&2
