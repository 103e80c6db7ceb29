#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The JSON Schemas of pmemctl's --json output (userspace/schema/): each is
# a valid JSON Schema, says the schema number pmemctl writes
# (PMEMCTL_JSON_SCHEMA), and exists for exactly the commands 'pmemctl help'
# shows with --json; documents pmemctl printed in a guest
# (selftests/host/json/, kept by the VM suite 85-json-schema with
# PMD_JSON_OUT) are valid, and the same documents made wrong are not: a
# key missing, a key added, any value of the wrong type, another schema
# number, a key given twice. The VM suite 85-json-schema checks the output
# of the pmemctl being tested the same way. image info --json needs no
# guest: its documents are made here, of label-less, v1.1 and v1.2 images,
# raw and BTT, one of an unaligned size and one with a damaged BTT.
. "$(dirname "$0")/lib.sh"

schemas=$top/userspace/schema
validate=$top/selftests/json-validate
fixtures=$top/selftests/host/json
command -v jq >/dev/null || { not_ok "jq is installed (make deps)"; finish; }
python3 -c 'import jsonschema' 2>/dev/null ||
	{ not_ok "python3-jsonschema is installed (make deps)"; finish; }
make --no-print-directory -C "$top" pmemctl >/dev/null 2>&1 ||
	{ not_ok "pmemctl builds"; finish; }

out=$("$validate" --schemas "$schemas"/*.json)
check_eq "every file in userspace/schema/ is a valid JSON Schema" \
	"$(ls "$schemas"/*.json | sed 's/^/ok /')" "$out"
number=$(sed -n 's/^#define PMEMCTL_JSON_SCHEMA \([0-9]*\)$/\1/p' "$top/userspace/json_out.h")
check_eq "each schema wants the schema number pmemctl writes ($number)" \
	"$(ls "$schemas"/*.json | sed "s/.*/$number/")" \
	"$(for s in "$schemas"/*.json; do jq '.properties.schema.const' "$s"; done)"
# the commands with --json: 'pmemctl help' lists them, and 'pmemctl image
# --help' its subcommands (image info: schema image-info.json)
json_cmds=$({ "$top/userspace/pmemctl" help | sed -n -E 's/^  ([a-z-]+) .*--json.*/\1/p'
	      "$top/userspace/pmemctl" image --help |
		sed -n -E 's/^  image ([a-z-]+) .*--json.*/image-\1/p'; } | sort)
check_eq "a schema for exactly the commands with --json" "$json_cmds" \
	"$(ls "$schemas" | sed 's/\.json$//' | sort)"

# --- image info --json, made here: image info needs no guest --------------
docs=$work/docs
img=$work/img
mkdir -p "$docs" "$img"
cp "$fixtures"/*.json "$docs/"
# image_doc LABEL CREATE-ARGS...: an image made so, and its info --json
image_doc() {
	local label=$1
	shift
	"$top/userspace/pmemctl" image create "$img/$label.img" "$@" >/dev/null &&
		"$top/userspace/pmemctl" image info "$img/$label.img" --json \
			>"$docs/image-info.$label.json"
}
check "image info --json: v1.2 labels, BTT 2.0" image_doc v1.2-btt --size 64M --btt --name db
check "image info --json: v1.1 labels, BTT 1.1 of 4 KiB sectors, slot 3" \
	image_doc v1.1-btt --size 32M --labels v1.1 --btt --sector-size 4096 --slot 3
check "image info --json: v1.2 labels, raw, 2 MiB alignment" \
	image_doc v1.2-raw --size 16M --align 2M --name 'a "quoted" \ name'
check "image info --json: label-less BTT" image_doc none-btt --size 20M --labels none --btt
check "image info --json: label-less raw" image_doc none-raw --size 16M --labels none
# a size not a multiple of 2 MiB: a warning
truncate -s +4K "$img/none-raw.img"
"$top/userspace/pmemctl" image info "$img/none-raw.img" --json >"$docs/image-info.unaligned.json"
check "  one whose size is not a multiple of 2 MiB warns" \
	jq -e '.warnings | any(startswith("the size is not a multiple of 2 MiB"))' \
	"$docs/image-info.unaligned.json"
# a damaged BTT: info still prints the document, says so, and exits 1
cp "$img/v1.2-btt.img" "$img/damaged.img"
printf 'XXXXXXXX' | dd of="$img/damaged.img" conv=notrunc bs=1 seek=0 status=none
dd if=/dev/zero of="$img/damaged.img" conv=notrunc bs=4096 seek=2 count=64 status=none
"$top/userspace/pmemctl" image info "$img/damaged.img" --json >"$docs/image-info.damaged.json"
check_eq "image info --json of a damaged BTT exits 1" 1 $?
check_eq "  its BTT is damaged, one problem" "damaged 1" \
	"$(jq -r '"\(.namespaces[0].btt.state) \(.problems)"' "$docs/image-info.damaged.json")"

# wrong DOC: the document DOC made wrong in every way below, one file each
# in $work/wrong/, named for what is wrong.
wrong() {
	local doc=$1 base list key k
	base=$work/wrong/$(basename "$doc" .json)
	jq '.schema = 2' "$doc" >"$base.schema-2.json"
	jq '. + {"unknown_key": 1}' "$doc" >"$base.top-key-added.json"
	for k in $(jq -r 'keys_unsorted[]' "$doc"); do
		jq --arg k "$k" 'del(.[$k])' "$doc" >"$base.no-$k.json"
		jq --arg k "$k" '.[$k] = {"wrong": true}' "$doc" >"$base.$k-wrong-type.json"
	done
	# a listing's or the labels' first object: each of its keys
	list=$(jq -r 'to_entries[] | select(.value | type == "array" and length > 0 and
		(.[0] | type) == "object") | .key' "$doc" | head -n 1)
	[ -n "$list" ] || return 0
	jq --arg l "$list" '.[$l][0] += {"unknown_key": 1}' "$doc" >"$base.$list-key-added.json"
	for key in $(jq -r --arg l "$list" '.[$l][0] | keys_unsorted[]' "$doc"); do
		jq --arg l "$list" --arg k "$key" 'del(.[$l][0][$k])' "$doc" \
			>"$base.$list-no-$key.json"
		jq --arg l "$list" --arg k "$key" '.[$l][0][$k] = {"wrong": true}' "$doc" \
			>"$base.$list-$key-wrong-type.json"
	done
}

for cmd in $json_cmds; do
	cmdline=${cmd/image-/image }
	list=$(ls "$docs/$cmd".*.json 2>/dev/null)
	[ -n "$list" ] || { not_ok "selftests/host/json/ has pmemctl $cmdline --json output"; continue; }
	out=$("$validate" "$schemas/$cmd.json" $list)
	check_eq "pmemctl $cmdline --json as printed (in a guest; image: here) is valid" \
		"$(printf '%s\n' $list | sed 's/^/ok /')" "$out"
	rm -rf "$work/wrong" && mkdir -p "$work/wrong"
	for d in $list; do wrong "$d"; done
	n=$(ls "$work/wrong" | wc -l)
	out=$("$validate" "$schemas/$cmd.json" "$work"/wrong/*.json | grep -v '^FAIL ')
	check_eq "each of $n wrong pmemctl $cmdline documents fails" "" "$out"
done

d=$(ls "$fixtures"/list.*.json | head -n 1)
sed '0,/"schema": 1,/s//"schema": 1, "schema": 1,/' "$d" >"$work/twice.json"
check_fails "a key given twice fails" "$validate" "$schemas/list.json" "$work/twice.json"
{ cat "$d"; echo '{}'; } >"$work/trailing.json"
check_fails "text after the document fails" "$validate" "$schemas/list.json" "$work/trailing.json"
check "the unchanged document passes" "$validate" "$schemas/list.json" "$d"
finish
