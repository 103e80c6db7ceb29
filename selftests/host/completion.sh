#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# bash completion for pmemctl, driven the way bash drives it (COMP_WORDS,
# COMP_CWORD, then COMPREPLY): it offers exactly pmemctl's commands and each
# command's options as 'pmemctl help' lists them, option values, and disk,
# device and region names from the listings of a stub pmemctl (the VM suite
# 120-install uses the real one); where make install puts it,
# bash-completion's loader finds it.
. "$(dirname "$0")/lib.sh"

script=$top/userspace/pmemctl.bash-completion
pmemctl=$top/userspace/pmemctl
make --no-print-directory -C "$top" pmemctl >/dev/null 2>&1 ||
	{ not_ok "pmemctl builds"; finish; }

# A pmemctl that answers the three --json listings the way pmemctl does
# (json.c: two-space indent, one "key": value a line), with a disk whose
# name has a space, a label-less disk (null uuid and name), two devices and
# two regions.
mkdir -p "$work/bin"
cat >"$work/bin/pmemctl" <<'STUB'
#!/bin/bash
case "$1 ${2:-}" in
"list --json") cat <<'J' ;;
{
  "schema": 1,
  "disks": [
    {
      "disk": "pmemdisk0",
      "number": 0,
      "uuid": null,
      "name": null,
      "size": 268435456
    },
    {
      "disk": "pmemdisk1",
      "number": 1,
      "uuid": "6e0ab4f2-5c3d-4b8a-9f10-2a3b4c5d6e7f",
      "name": "redo log",
      "size": 67108864
    }
  ]
}
J
"devices --json") printf '{\n  "schema": 1,\n  "devices": [\n    {\n      "device": "dimm0",\n      "id": "8086-00000000"\n    },\n    {\n      "device": "dimm1",\n      "id": "8086-00000001"\n    }\n  ]\n}\n' ;;
"regions --json") printf '{\n  "schema": 1,\n  "regions": [\n    {\n      "region": "region0",\n      "source": "nfit"\n    },\n    {\n      "region": "region1",\n      "source": "simulated"\n    }\n  ]\n}\n' ;;
*) echo "pmemctl stub: $*" >&2; exit 3 ;;
esac
STUB
chmod +x "$work/bin/pmemctl"
# an absent module: pmemctl exits 3 for everything
mkdir -p "$work/nomod"
printf '#!/bin/sh\necho "pmemctl: /dev/pmemdisk-ctl: No such file or directory" >&2\nexit 3\n' \
	>"$work/nomod/pmemctl"
chmod +x "$work/nomod/pmemctl"

# complete [--path DIR] WORD... : what completing the last WORD offers,
# sorted, one a line.
complete_() {
	local path=$work/bin
	if [ "$1" = --path ]; then path=$2; shift 2; fi
	PATH=$path:$PATH bash --norc --noprofile -c '
		. "$1" || exit 1
		shift
		COMP_WORDS=("$@")
		COMP_CWORD=$(($# - 1))
		COMP_LINE="$*" COMP_POINT=${#COMP_LINE}
		_pmemctl pmemctl "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
		printf "%s\n" "${COMPREPLY[@]}"' _ "$script" "$@" | sort
}
lines() { printf '%s\n' "$@" | sort; }

# Commands: those of pmemctl's own help, and its global options.
commands=$("$pmemctl" help | sed -n 's/^  \([a-z-]*\).*/\1/p')
check_eq "completes every command pmemctl has, and --help, --version" \
	"$(lines $commands --help --version)" "$(complete_ pmemctl "")"
check_eq "a prefix narrows the commands" \
	"$(lines read-labels regions remove reset-id)" "$(complete_ pmemctl re)"

# Each command's options are those its help line lists.
for c in $commands; do
	opts=$("$pmemctl" help | grep -E "^  $c( |$)" | grep -oE -- '--[a-z-]+' | sort -u)
	check_eq "'pmemctl $c -' offers the options its help lists" \
		"$opts" "$(complete_ pmemctl "$c" -)"
done

# image: its commands, then each one's options as its --help lists them.
check_eq "image offers its commands" "$(lines cat check convert create info)" "$(complete_ pmemctl image "")"
for c in create info check convert cat; do
	opts=$("$pmemctl" image "$c" --help | sed -n '/^options:/,$p' | grep -oE -- '--[a-z-]+' |
		grep -vx -- --help | sort -u)
	check_eq "'pmemctl image $c -' offers the options its help lists" \
		"$opts" "$(complete_ pmemctl image "$c" -)"
done

# Names.
check_eq "disks: number, uuid and name; a label-less disk has only its number" \
	"$(lines pmemdisk0 pmemdisk1 6e0ab4f2-5c3d-4b8a-9f10-2a3b4c5d6e7f 'redo\ log' --yes)" \
	"$(complete_ pmemctl remove "")"
check_eq "a disk name with a space is offered quoted" 'redo\ log' "$(complete_ pmemctl check red)"
check_eq "more disks after the first for remove" \
	"$(lines pmemdisk0 pmemdisk1)" "$(complete_ pmemctl remove pmemdisk1 pmem)"
check_eq "only options once check has its one disk" \
	"$(lines --json --repair)" "$(complete_ pmemctl check pmemdisk1 "")"
check_eq "convert: disks after its options" "$(lines pmemdisk0 pmemdisk1)" \
	"$(complete_ pmemctl convert --btt --sector-size 4096 pm)"
check_eq "devices for read-labels" "$(lines dimm0 dimm1 --json)" \
	"$(complete_ pmemctl read-labels "")"
check_eq "devices for init-labels" "$(lines dimm0 dimm1)" \
	"$(complete_ pmemctl init-labels dimm0 d)"
check_eq "regions after create --region" "$(lines region0 region1)" \
	"$(complete_ pmemctl create --region "")"

# Option values.
check_eq "--sector-size offers 512 and 4096" "$(lines 512 4096)" \
	"$(complete_ pmemctl create --sector-size "")"
check_eq "--label-version offers 1.1 and 1.2" "$(lines 1.1 1.2)" \
	"$(complete_ pmemctl init-labels --label-version "")"
check_eq "--size takes free text: nothing offered" "" "$(complete_ pmemctl create --size "")"
check_eq "version takes nothing" "" "$(complete_ pmemctl version "")"

# Without the module: options still, no names, no noise.
check_eq "without the module, remove offers just --yes" "--yes" \
	"$(complete_ --path "$work/nomod" pmemctl remove "")"

# Installed by make install, bash-completion's loader finds it.
d=$work/dest
if make --no-print-directory -C "$top" install-tools DESTDIR="$d" >/dev/null 2>&1; then
	loaded=$(XDG_DATA_DIRS=$d/usr/local/share:/usr/share bash --norc --noprofile -c '
		. /usr/share/bash-completion/bash_completion
		__load_completion pmemctl && complete -p pmemctl' 2>&1)
	check_eq "bash-completion loads it from where make install puts it" \
		"complete -F _pmemctl pmemctl" "$loaded"
else
	not_ok "make install-tools DESTDIR"
fi
finish
