#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# bench/lifecycle.sh [KVER]: the admin side of BTT disks, pmemdisk against
# the in-kernel nd_btt, in ONE guest boot: the time to create a BTT disk and
# to load (attach) one at 1, 4 and 16 GiB and 4096- and 512-byte sectors,
# how that grows with size, the kernel memory a 16 GiB BTT disk takes while
# attached, and create+remove pairs per second on a region that already
# holds 60 namespaces. Every figure three times, the median and the spread
# reported. Writes bench/lifecycle-results.md.
#
# Two emulated NVDIMMs of 17 GiB (sparse files, deleted afterwards): the
# in-kernel nfit, nd_pmem and nd_btt own both first and ndctl works on the
# first; then nfit is unbound and unloaded, pmemdisk.ko loaded, and pmemctl
# works on the second. Both label areas hold v1.2 labels, so both drivers
# lay out BTT 2.0. The guest runs with one vCPU and -icount shift=0: its
# clock advances 1 ns per guest instruction, so the times here are guest
# instruction counts, repeatable whatever else the host does (DESIGN.md).
# A benchmark, not a test: nothing here passes or fails on speed.
#
# BENCH_SIZES (GiB, default "1 4 16"), BENCH_SECTORS (default "4096 512"),
# BENCH_REPS (default 3), BENCH_FILL (namespaces already on the region,
# default 60) and BENCH_PAIRS (create+remove pairs per run, default 20)
# make a shorter run for trying the script out. The guest's raw output is
# kept in build/lifecycle-guest.log; BENCH_GUEST_LOG=FILE writes the report
# from such a file again without booting.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
kver=${1:-$(ls /lib/modules | grep -E '^6\.1\.' | sort -V | tail -n 1)}
work=$(mktemp -d /tmp/pmd-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT
sizes=${BENCH_SIZES:-1 4 16}
sectors=${BENCH_SECTORS:-4096 512}
reps=${BENCH_REPS:-3}
fill=${BENCH_FILL:-60}
pairs=${BENCH_PAIRS:-20}
maxsize=$(echo $sizes | tr ' ' '\n' | sort -n | tail -n 1)
memsize=$maxsize	# the size whose memory is measured
dimm=$((maxsize + 1))G

cat >"$work/bench.sh" <<GUEST
[ -n "\${BASH_VERSION:-}" ] || exec bash "\$0"
# Bash reads the clock without a fork: \$EPOCHREALTIME is gettimeofday(),
# the clock 'date +%s%N' reads, in microseconds.
set -u
err=/tmp/bench.err
die() { echo "FAILED: \$*"; cat \$err; exit 1; }
# timed WHAT DRIVER SECTOR GIB REP CMD...: one "ROW" line with the time in us
timed() {
	local what=\$1 drv=\$2 ss=\$3 gib=\$4 rep=\$5 t0 t1
	shift 5
	t0=\${EPOCHREALTIME/./}
	"\$@" >/tmp/bench.out 2>\$err || die "\$*"
	t1=\${EPOCHREALTIME/./}
	echo "ROW \$what \$drv \$ss \$gib \$rep \$((t1 - t0))"
}
# meminfo DRIVER REP WHEN: the kernel's memory, caches dropped first and the
# per-CPU counters folded in (else /proc/meminfo lags by up to a second).
# Free: the buddy allocator's free pages plus those on the per-CPU lists,
# which MemFree leaves out (an allocation from them does not move it).
meminfo() {
	sync; echo 3 >/proc/sys/vm/drop_caches; echo 1 >/proc/sys/vm/stat_refresh
	echo "MEM \$1 \$2 \$3 \$(awk '/^(MemFree|Slab|VmallocUsed|Percpu|KernelStack|PageTables):/ {sub(":", "", \$1); printf "%s=%s ", \$1, \$2}' /proc/meminfo)" \
		"Free=\$(awk '/^ *pages free/ {n += \$3} /^ *count:/ {n += \$2} END {print n * 4}' /proc/zoneinfo)"
}

# ---- the in-kernel stack: nfit, nd_pmem, nd_btt; ndctl on the first DIMM
modprobe nfit; modprobe nd_pmem; modprobe nd_btt
for i in \$(seq 100); do [ -e /sys/bus/nd/devices/region1 ] && break; sleep 0.1; done
echo "GUEST \$(uname -r), \$(ndctl --version | sed 's/^/ndctl /'), \$(nproc) vCPU, \$(awk '/MemTotal/ {printf "%d MiB RAM", \$2 / 1024}' /proc/meminfo)"
ndctl disable-region all >/dev/null 2>&1
ndctl init-labels -f -V 1.2 nmem0 >/dev/null 2>&1 || die "init-labels nmem0"
ndctl enable-region region0 >/dev/null 2>&1 || die "enable-region region0"
ndctl list -R -r region0 | jq -c '.[] | {dev, size, align}' | sed 's/^/LINUX-REGION /'

timed null - - - 1 true	# what the timing itself costs
for ss in $sectors; do
	for gib in $sizes; do
		for r in \$(seq $reps); do
			timed create nd_btt \$ss \$gib \$r \
				ndctl create-namespace -r region0 -m sector -l \$ss -s \${gib}G -n lc
			dev=\$(jq -r .dev /tmp/bench.out)
			[ \$r = $reps ] || ndctl destroy-namespace -f \$dev >/dev/null 2>&1 || die "destroy \$dev"
		done
		ndctl list -N -r region0 | jq -r '.[] | select(.name == "lc") | .size' | sed "s/^/SIZE nd_btt \$ss \$gib /"
		for r in \$(seq $reps); do
			ndctl disable-namespace \$dev >/dev/null 2>&1 || die "disable \$dev"
			timed load nd_btt \$ss \$gib \$r ndctl enable-namespace \$dev
		done
		if [ \$ss = 4096 ] && [ \$gib = $memsize ]; then
			for r in \$(seq $reps); do
				ndctl disable-namespace \$dev >/dev/null 2>&1 || die "disable \$dev"
				meminfo nd_btt \$r before
				ndctl enable-namespace \$dev >/dev/null 2>&1 || die "enable \$dev"
				meminfo nd_btt \$r after
			done
		fi
		ndctl destroy-namespace -f \$dev >/dev/null 2>&1 || die "destroy \$dev"
	done
done

# create+remove with $fill other namespaces on the region: raw, 16 MiB
# (the region's default alignment, ndctl's smallest namespace there)
for i in \$(seq $fill); do
	ndctl create-namespace -r region0 -m raw -s 16M -n fill\$i >/dev/null 2>&1 || die "fill \$i"
done
pair_ndctl() {
	local i dev
	for i in \$(seq $pairs); do
		dev=\$(ndctl create-namespace -r region0 -m raw -s 16M -n extra | jq -r .dev) &&
			ndctl destroy-namespace -f \$dev >/dev/null 2>&1 || return 1
	done
}
for r in \$(seq $reps); do
	timed pairs nd_btt - - \$r pair_ndctl
done
echo "LINUX-NAMESPACES \$(ndctl list -N -r region0 | jq length)"

# ---- hand the NVDIMMs over to pmemdisk
ndctl destroy-namespace -f all -r region0 >/dev/null 2>&1
ndctl disable-region all >/dev/null 2>&1
echo ACPI0012:00 >/sys/bus/acpi/drivers/nfit/unbind 2>/dev/null
rmmod nd_pmem nd_btt nfit || die "rmmod nfit"
insmod /pmd/pmemdisk.ko || die "insmod pmemdisk"
# region1 is the second DIMM, label-less until now
pmemctl init-labels dimm1 --yes >/dev/null 2>\$err || die "pmemctl init-labels dimm1"
pmemctl regions --json | jq -c '.regions[] | {region, size, label_state, dimms}' | sed 's/^/PMEMDISK-REGION /'

for r in \$(seq $reps); do
	rmmod pmemdisk || die "rmmod pmemdisk"
	timed insmod0 pmemdisk - - \$r insmod /pmd/pmemdisk.ko
done
for ss in $sectors; do
	for gib in $sizes; do
		for r in \$(seq $reps); do
			timed create pmemdisk \$ss \$gib \$r \
				pmemctl create --region 1 --size \${gib}G --btt --sector-size \$ss --name lc
			[ \$r = $reps ] || pmemctl remove lc --yes >/dev/null 2>\$err || die "remove lc"
		done
		pmemctl list --json | jq -r '.disks[] | select(.name == "lc") | .size' |
			sed "s/^/SIZE pmemdisk \$ss \$gib /"
		for r in \$(seq $reps); do
			rmmod pmemdisk || die "rmmod pmemdisk"
			timed load pmemdisk \$ss \$gib \$r insmod /pmd/pmemdisk.ko
		done
		if [ \$ss = 4096 ] && [ \$gib = $memsize ]; then
			for r in \$(seq $reps); do
				pmemctl remove lc --yes >/dev/null 2>\$err || die "remove lc"
				meminfo pmemdisk \$r before
				pmemctl create --region 1 --size \${gib}G --btt --sector-size \$ss --name lc \
					>/dev/null 2>\$err || die "create lc"
				meminfo pmemdisk \$r after
			done
		fi
		pmemctl remove lc --yes >/dev/null 2>\$err || die "remove lc"
	done
done

for i in \$(seq $fill); do
	pmemctl create --region 1 --size 16M --name fill\$i >/dev/null 2>\$err || die "fill \$i"
done
pair_pmemctl() {
	local i
	for i in \$(seq $pairs); do
		pmemctl create --region 1 --size 16M --name extra >/dev/null &&
			pmemctl remove extra --yes >/dev/null || return 1
	done
}
for r in \$(seq $reps); do
	timed pairs pmemdisk - - \$r pair_pmemctl
done
echo "PMEMDISK-DISKS \$(pmemctl list --json | jq '[.disks[] | select(.region == "region1")] | length')"
rmmod pmemdisk
GUEST

start=$SECONDS
if [ -n "${BENCH_GUEST_LOG:-}" ]; then
	cp "$BENCH_GUEST_LOG" "$work/out.log"	# only write the report again
else
	echo "bench: lifecycle, one guest boot on $kver (about 10 minutes)" >&2
	"$top/qemu/run-vm" --kver "$kver" --quiet --smp 1 --timeout 5400 \
		--qemu-arg -icount --qemu-arg shift=0,align=off,sleep=off \
		--dimm "$work/nv0.img:$dimm:128K" --dimm "$work/nv1.img:$dimm:128K" \
		--out "$work/out.log" "$work/bench.sh" || {
		echo "bench: the guest failed" >&2; cat "$work/out.log" >&2; exit 1; }
	echo "WALL $((SECONDS - start))" >>"$work/out.log"
	mkdir -p "$top/build" && cp "$work/out.log" "$top/build/lifecycle-guest.log"
fi
took=$(sed -n 's/^WALL //p' "$work/out.log")

log=$work/out.log
# stats WHAT DRV SS GIB: "median min max" in microseconds
stats() {
	awk -v w="$1" -v d="$2" -v s="$3" -v g="$4" \
		'$1 == "ROW" && $2 == w && $3 == d && $4 == s && $5 == g {print $7}' "$log" |
		sort -n | awk '{v[NR] = $1} END {if (NR) print v[int((NR + 1) / 2)], v[1], v[NR]; else print "- - -"}'
}
ms() { awk -v x="$1" 'BEGIN {printf (x == "-" ? "-" : "%.1f"), x / 1000}'; }
cell() { echo "$(ms "$1") ($(ms "$2")-$(ms "$3"))"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf (b > 0 && a != "-" ? "%.2fx" : "-"), a / b}'; }
perg() { awk -v x="$1" -v g="$2" 'BEGIN {printf "%.1f", x / 1000 / g}'; }
# disk DRV SS GIB: the usable size of the disk made, in GiB
disk() { awk -v d="$1" -v s="$2" -v g="$3" '$1 == "SIZE" && $2 == d && $3 == s && $4 == g {printf "%.4f", $5 / 2^30; exit}' "$log"; }
# slopes DRV WHAT SS: the marginal cost per GiB of usable disk between
# neighbouring sizes (the drivers' disks differ a little for one SIZE)
slopes() {
	local prev="" pt="" out="" g m
	for g in $sizes; do
		read -r m _ _ < <(stats "$2" "$1" "$3" "$g")
		[ "$2" = load ] && [ "$1" = pmemdisk ] && m=$((m - base))
		[ -n "$prev" ] && out+="${out:+, }$prev-$g GiB: $(awk -v a="$pt" -v b="$m" \
			-v p="$(disk "$1" "$3" "$prev")" -v q="$(disk "$1" "$3" "$g")" \
			'BEGIN {printf "%.3f", (b - a) / 1000 / (q - p)}') ms"
		prev=$g pt=$m
	done
	echo "$out"
}
# mem DRV FIELD: "median min max" over the reps of after - before, in KiB
mem() {
	awk -v d="$1" -v f="$2" '$1 == "MEM" && $2 == d {
		for (i = 5; i <= NF; i++) { split($i, kv, "="); if (kv[1] == f) v[$3, $4] = kv[2] }
		reps[$3] = 1
	} END { for (r in reps) print v[r, "after"] - v[r, "before"] }' "$log" |
		sort -n | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)], v[1], v[NR]}'
}
memsum() { # kernel allocations: Slab + VmallocUsed + Percpu + KernelStack + PageTables
	local f m l h tm=0 tl=0 th=0
	for f in Slab VmallocUsed Percpu KernelStack PageTables; do
		read -r m l h < <(mem "$1" "$f")
		tm=$((tm + m)) tl=$((tl + l)) th=$((th + h))
	done
	echo "$tm $tl $th"
}
kib_per_gib() { awk -v x="$1" -v g="$memsize" 'BEGIN {printf "%.0f", x / g}'; }

read -r base _ _ < <(stats insmod0 pmemdisk - -)
out=$top/bench/lifecycle-results.md
{
	echo "# BTT disk lifecycle: pmemdisk vs the in-kernel nd_btt"
	echo
	echo "Generated by \`make bench\` (bench/lifecycle.sh) on $(date -u +%Y-%m-%d); the script took $((took / 60)) min $((took % 60)) s."
	echo "Host: $(nproc) CPUs, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(sed -n 's/^model name.*: //p' /proc/cpuinfo | head -n 1)."
	echo "Guest: $(sed -n 's/^GUEST //p' "$log"), QEMU TCG, \`-icount shift=0,align=off,sleep=off\`."
	echo
	echo "**Times are guest instructions, not wall-clock time.** Under \`-icount shift=0\` the guest"
	echo "clock advances 1 ns per guest instruction, so 1 ms below is 10^6 guest instructions;"
	echo "they repeat run after run whatever the host is doing. Each time is taken inside the guest"
	echo "around one command (bash's \`\$EPOCHREALTIME\`, the clock \`date +%s%N\` reads, without"
	echo "forking); the command includes its tool's own work (ndctl walks sysfs, pmemctl opens"
	echo "/dev/pmemdisk-ctl). Measuring nothing costs $(ms "$(stats null - - - | cut -d' ' -f1)") ms. Every figure: median (min-max) of $reps runs."
	echo
	echo "Both drivers on their own emulated NVDIMM of $dimm (128 KiB label area, v1.2 labels, BTT 2.0),"
	echo "in one boot: nfit, nd_pmem and nd_btt first, ndctl on the first DIMM; then nfit unbound"
	echo "and unloaded, pmemdisk.ko loaded, pmemctl on the second DIMM."
	echo "nd_btt: \`ndctl create-namespace -m sector -l SECTOR -s SIZE\` (SIZE is the namespace;"
	echo "the disk is a little smaller). pmemdisk: \`pmemctl create --btt --sector-size SECTOR"
	echo "--size SIZE\` (SIZE is the disk; the namespace is made larger to hold the map and log)."
	echo
	echo "## Create"
	echo
	echo "| SIZE | sector | nd_btt ms | pmemdisk ms | pmemdisk / nd_btt | nd_btt ms/GiB | pmemdisk ms/GiB | usable GiB nd_btt / pmemdisk |"
	echo "|---|---|---|---|---|---|---|---|"
	for ss in $sectors; do
		for g in $sizes; do
			read -r lm ll lh < <(stats create nd_btt "$ss" "$g")
			read -r pm pl ph < <(stats create pmemdisk "$ss" "$g")
			echo "| $g GiB | $ss | $(cell "$lm" "$ll" "$lh") | $(cell "$pm" "$pl" "$ph") | $(ratio "$pm" "$lm") | $(perg "$lm" "$g") | $(perg "$pm" "$g") | $(disk nd_btt "$ss" "$g") / $(disk pmemdisk "$ss" "$g") |"
		done
	done
	echo
	echo "ms/GiB: the time over SIZE. Marginal cost per GiB of usable disk between sizes"
	echo "(the cost is linear in size when these agree; the difference of the two drivers'"
	echo "fixed costs is the intercept):"
	echo
	for ss in $sectors; do
		echo "- $ss-byte sectors: nd_btt $(slopes nd_btt create "$ss"); pmemdisk $(slopes pmemdisk create "$ss")"
	done
	echo
	echo "## Load (attach)"
	echo
	echo "nd_btt: \`ndctl disable-namespace X\`, then \`ndctl enable-namespace X\` timed. pmemdisk has"
	echo "no per-disk enable: \`insmod pmemdisk.ko\` is timed with only that BTT disk on its region,"
	echo "and with no disk there: $(cell $(stats insmod0 pmemdisk - -)) ms (module load, NFIT, both DIMMs'"
	echo "label areas through ACPI). The difference is the BTT disk's load cost. The module maps each"
	echo "whole region at load, so mapping the range is in the no-disk figure; ndctl's enable maps the"
	echo "namespace and is in nd_btt's."
	echo
	echo "| size | sector | nd_btt enable ms | pmemdisk insmod ms | pmemdisk BTT load ms (insmod - no-disk insmod) | load: pmemdisk / nd_btt | nd_btt ms/GiB | pmemdisk ms/GiB |"
	echo "|---|---|---|---|---|---|---|---|"
	for ss in $sectors; do
		for g in $sizes; do
			read -r lm ll lh < <(stats load nd_btt "$ss" "$g")
			read -r pm pl ph < <(stats load pmemdisk "$ss" "$g")
			d=$((pm - base))
			echo "| $g GiB | $ss | $(cell "$lm" "$ll" "$lh") | $(cell "$pm" "$pl" "$ph") | $(ms $d) | $(ratio "$d" "$lm") | $(perg "$lm" "$g") | $(perg "$d" "$g") |"
		done
	done
	echo
	echo "Marginal cost per GiB of usable disk between sizes (0: the load does not grow with size):"
	echo
	for ss in $sectors; do
		echo "- $ss-byte sectors: nd_btt $(slopes nd_btt load "$ss"); pmemdisk (BTT load) $(slopes pmemdisk load "$ss")"
	done
	echo
	echo "## Kernel memory per GiB of BTT disk"
	echo
	echo "A $memsize GiB BTT disk with 4096-byte sectors, attached vs not: nd_btt, the namespace enabled"
	echo "vs disabled; pmemdisk, after \`pmemctl create\` vs before (the region empty, the module"
	echo "loaded), after \`sync; echo 3 > drop_caches; echo 1 > stat_refresh\`. \"Free pages drop\" is"
	echo "everything the kernel took: the fall in free pages, the buddy allocator's (/proc/zoneinfo"
	echo "\"pages free\") plus those on the per-CPU lists (its \"count\"; MemFree leaves these out, so"
	echo "small allocations do not move it). It includes kmalloc()s over 8 KiB and page tables of"
	echo "mappings, which no /proc/meminfo field shows. \"Allocations\" is the sum of /proc/meminfo's"
	echo "Slab, VmallocUsed, Percpu, KernelStack and PageTables. Divided by $memsize for per GiB."
	echo
	echo "| driver | free pages drop KiB | per GiB KiB | allocations KiB | per GiB KiB |"
	echo "|---|---|---|---|---|"
	for d in nd_btt pmemdisk; do
		read -r fm fl fh < <(mem "$d" Free)
		read -r am al ah < <(memsum "$d")
		echo "| $d | $((-fm)) ($((-fh))-$((-fl))) | $(kib_per_gib $((-fm))) | $am ($al-$ah) | $(kib_per_gib "$am") |"
	done
	echo
	echo "The three runs scatter by up to ~150 KiB (slab caches grow and shrink between the"
	echo "readings), so what a BTT disk holds is below what this resolves: a few tens of KiB, under ~10 KiB per GiB"
	echo "at this size. It does not grow with size in either driver: both keep the map on the"
	echo "media and hold per-arena state in RAM (256 lanes' free blocks, the read-tracking"
	echo "table, map locks), one arena per 512 GiB."
	echo
	echo "## Create + remove with $fill other namespaces on the region"
	echo
	echo "$fill raw 16 MiB namespaces first (16 MiB: the region's default alignment, ndctl's smallest"
	echo "namespace there), then $pairs pairs of create + remove of one more, timed together:"
	echo "\`ndctl create-namespace -m raw -s 16M\` + \`ndctl destroy-namespace -f\`, and"
	echo "\`pmemctl create --size 16M\` + \`pmemctl remove --yes\`."
	echo
	echo "| driver | $pairs pairs, ms | pairs/s (guest time) | commands/s |"
	echo "|---|---|---|---|"
	read -r lm ll lh < <(stats pairs nd_btt - -)
	read -r pm pl ph < <(stats pairs pmemdisk - -)
	for d in nd_btt:$lm:$ll:$lh pmemdisk:$pm:$pl:$ph; do
		IFS=: read -r n m l h <<<"$d"
		echo "| $n | $(cell "$m" "$l" "$h") | $(awk -v m="$m" -v p="$pairs" 'BEGIN {printf "%.1f", p * 1e6 / m}') | $(awk -v m="$m" -v p="$pairs" 'BEGIN {printf "%.1f", 2 * p * 1e6 / m}') |"
	done
	echo
	echo "pmemctl commands per second / ndctl's: $(ratio "$lm" "$pm")."
} >"$out"
cat "$out"
echo "bench: lifecycle took ${took}s of wall time" >&2
