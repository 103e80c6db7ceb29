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
# of the pmemctl being tested the same way.
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
json_cmds=$("$top/userspace/pmemctl" help | sed -n -E 's/^  ([a-z-]+) .*--json.*/\1/p' | sort)
check_eq "a schema for exactly the commands with --json" "$json_cmds" \
	"$(ls "$schemas" | sed 's/\.json$//' | sort)"

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
	docs=$(ls "$fixtures/$cmd".*.json 2>/dev/null)
	[ -n "$docs" ] || { not_ok "selftests/host/json/ has pmemctl $cmd --json output"; continue; }
	out=$("$validate" "$schemas/$cmd.json" $docs)
	check_eq "pmemctl $cmd --json as printed in a guest is valid" \
		"$(printf '%s\n' $docs | sed 's/^/ok /')" "$out"
	rm -rf "$work/wrong" && mkdir -p "$work/wrong"
	for d in $docs; do wrong "$d"; done
	n=$(ls "$work/wrong" | wc -l)
	out=$("$validate" "$schemas/$cmd.json" "$work"/wrong/*.json | grep -v '^FAIL ')
	check_eq "each of $n wrong pmemctl $cmd documents fails" "" "$out"
done

d=$(ls "$fixtures"/list.*.json | head -n 1)
sed '0,/"schema": 1,/s//"schema": 1, "schema": 1,/' "$d" >"$work/twice.json"
check_fails "a key given twice fails" "$validate" "$schemas/list.json" "$work/twice.json"
{ cat "$d"; echo '{}'; } >"$work/trailing.json"
check_fails "text after the document fails" "$validate" "$schemas/list.json" "$work/trailing.json"
check "the unchanged document passes" "$validate" "$schemas/list.json" "$d"
finish
