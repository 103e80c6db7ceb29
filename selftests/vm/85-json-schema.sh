#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Every --json document pmemctl prints is valid against its schema in
# userspace/schema/ (<command>.json), checked on the host with
# python3-jsonschema (selftests/json-validate): the listings of NVDIMMs with
# labels v1.2 and none and of simulated DIMMs with labels v1.1, disks of
# every mode (raw, btt, fsdax, devdax) and a label-less one, a name that
# needs escaping, a BTT disk's check, read-labels of v1.2, v1.1 and
# label-less areas. Every command 'pmemctl help' shows with --json has a
# schema and is checked. PMD_JSON_OUT=DIR keeps the documents there.
. "$(dirname "$0")/lib.sh"

schemas=$top/userspace/schema
validate=$top/selftests/json-validate

guest "pmemctl --json of every command and kind of object" \
	--dimm "$(dimm_path d0):256M:128K" --dimm "$(dimm_path d1):64M:128K" <<'GUEST'
. /pmd/tests/lib.sh
# doc COMMAND LABEL ARGS...: pmemctl's --json output, base64 on one line
doc() {
	local cmd=$1 label=$2 out rc
	shift 2
	out=$(pmemctl "$cmd" "$@" --json); rc=$?
	check_eq "pmemctl $cmd${*:+ $*} --json ($label) exits 0" 0 "$rc"
	echo "JSONDOC $cmd $label $(printf '%s\n' "$out" | base64 -w 0)"
}
check "pmemdisk.ko loads with a simulated region of two DIMMs" \
	insmod /pmd/pmemdisk.ko sim=2x16M
sims=$(pmemctl devices --json | jq -r '.devices[] | select(.simulated) | .device')
sim=$(echo "$sims" | head -n 1)
simregion=$(pmemctl regions --json | jq -r '.regions[] | select(.source == "simulated") | .region')
check "init-labels: dimm0 v1.2, the simulated DIMMs v1.1" sh -c \
	"pmemctl init-labels dimm0 --yes && pmemctl init-labels $(echo $sims) --label-version 1.1 --yes"
check "create raw, btt, fsdax, devdax disks on region0 and a raw one on $simregion" sh -c \
	"pmemctl create --region 0 --size 16M --name 'a \"quoted\" \\ name	with a tab' &&
	 pmemctl create --region 0 --size 32M --btt --name bttdisk &&
	 pmemctl create --region 0 --size 32M --mode fsdax --name fsd &&
	 pmemctl create --region 0 --size 32M --mode devdax --align 4K --name dd &&
	 pmemctl create --region $simregion --size 8M --name simraw"
for c in devices regions list; do doc $c all; done
doc check btt bttdisk
doc read-labels v1.2 dimm0
doc read-labels v1.1 "$sim"
doc read-labels label-less dimm1
pmemctl remove simraw --yes >/dev/null
pmemctl init-labels dimm0 dimm1 --yes >/dev/null
doc list none
finish
GUEST

out=$work/json
mkdir -p "$out"
while read -r cmd label b64; do
	printf '%s' "$b64" | base64 -d >"$out/$cmd.$label.json"
done < <(from_guest JSONDOC)

# the commands that take --json, as 'pmemctl help' lists them
json_cmds=$("$top/userspace/pmemctl" help | sed -n -E 's/^  ([a-z-]+) .*--json.*/\1/p')
[ -n "$json_cmds" ] || h_not_ok "'pmemctl help' lists commands with --json"
for c in $json_cmds; do
	if [ ! -f "$schemas/$c.json" ]; then
		h_not_ok "pmemctl $c --json has a schema in userspace/schema/"
		continue
	fi
	docs=$(ls "$out/$c".*.json 2>/dev/null)
	[ -n "$docs" ] || { h_not_ok "pmemctl $c --json was captured"; continue; }
	for d in $docs; do
		name=$(basename "$d" .json)
		res=$("$validate" "$schemas/$c.json" "$d" 2>&1)
		if [ $? = 0 ]; then h_ok "$name is valid against schema/$c.json"
		else h_not_ok "$name is valid against schema/$c.json" "$res
$(cat "$d")"; fi
	done
done
h_check "the escaped name comes back as it was given" \
	test "$(jq -r '.disks[] | select((.name // "") | startswith("a ")) | .name' "$out/list.all.json")" = \
	"$(printf 'a "quoted" \\ name\twith a tab')"
if [ -n "${PMD_JSON_OUT:-}" ]; then
	mkdir -p "$PMD_JSON_OUT" && cp "$out"/*.json "$PMD_JSON_OUT/"
fi
plan_end
