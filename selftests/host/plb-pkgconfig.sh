#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# libplb as an application gets it: make install-plb puts the shared
# library (soname libplb.so.0), plb.h, plb.pc and plb(3) under DESTDIR; an
# application compiles and links with nothing but
# 'pkg-config --cflags --libs plb', runs against the installed libplb.so.0
# (dynamically: the library is not copied into it), commits records and
# recovers the same records. The library exports exactly the functions
# plb.h declares; uninstall-plb leaves nothing behind.
. "$(dirname "$0")/lib.sh"

version=$(pmd_version)
root=$work/root
make_q() { make --no-print-directory -C "$top" "$@" >"$work/make.log" 2>&1 ||
	{ cat "$work/make.log"; return 1; }; }

check "make install-plb DESTDIR succeeds" make_q install-plb DESTDIR="$root"
lib=$root/usr/local/lib
check_eq "installs the library, its links, header, pkg-config file and man page" \
	"$(printf '%s\n' usr/local/include/plb.h usr/local/lib/libplb.so \
		usr/local/lib/libplb.so.0 "usr/local/lib/libplb.so.$version" \
		usr/local/lib/pkgconfig/plb.pc usr/local/share/man/man3/plb.3 | sort)" \
	"$(cd "$root" && find . \( -type f -o -type l \) | sed 's|^\./||' | sort)"
check_eq "libplb.so -> libplb.so.0 -> libplb.so.$version, by soname" \
	"libplb.so.$version libplb.so.$version libplb.so.0" \
	"$(readlink "$lib/libplb.so") $(readlink "$lib/libplb.so.0") \
$(readelf -d "$lib/libplb.so.$version" | sed -n 's/.*Library soname: \[\(.*\)\]/\1/p')"

# pkg-config sees only what was installed under DESTDIR
export PKG_CONFIG_LIBDIR=$lib/pkgconfig PKG_CONFIG_SYSROOT_DIR=$root
check_eq "pkg-config --modversion plb is $version" "$version" "$(pkg-config --modversion plb)"
flags=$(pkg-config --cflags --libs plb | sed 's/ *$//')
check_eq "pkg-config --cflags --libs plb" "-I$root/usr/local/include -L$lib -lplb" "$flags"

cat >"$work/app.c" <<'C'
#include <stdio.h>
#include <string.h>

#include <plb.h>

static int print(void *ctx, uint64_t lsn, const void *rec, size_t len)
{
	printf("%s%llu %.*s\n", (const char *)ctx, (unsigned long long)lsn, (int)len,
	       (const char *)rec);
	return 0;
}

int main(int argc, char **argv)
{
	static const char *const recs[] = { "begin", "update t1", "commit" };
	struct plb_recovery st;
	struct plb *plb;
	unsigned int i;

	if (plb_open(argv[1], argv[2], 1 << 20, PLB_ALLOW_NO_MAP_SYNC, &plb)) {
		fprintf(stderr, "open: %s\n", plb_why());
		return 1;
	}
	for (i = 0; i < 3; i++)
		if (plb_commit(plb, recs[i], strlen(recs[i]), NULL)) {
			fprintf(stderr, "commit: %s\n", plb_why());
			return 1;
		}
	if (plb_close(plb) || plb_recover(argv[1], argv[2], print, "lsn ", &st)) {
		fprintf(stderr, "close or recover: %s\n", plb_why());
		return 1;
	}
	printf("last %llu\n", (unsigned long long)st.last_lsn);
	return argc == 3 ? 0 : 1;
}
C
# shellcheck disable=SC2086
if cc -std=c11 -Wall -Wextra -Werror -pedantic -o "$work/app" "$work/app.c" $flags \
	2>"$work/cc.log"; then
	ok "an application compiles and links with pkg-config's flags alone"
else
	not_ok "an application compiles and links with pkg-config's flags alone" "$(cat "$work/cc.log")"
	finish
fi
check_eq "it needs libplb.so.0 at run time" "libplb.so.0" \
	"$(readelf -d "$work/app" | sed -n 's/.*NEEDED.*\[\(libplb[^]]*\)\].*/\1/p')"
check_eq "it has no copy of the library" "" "$(nm "$work/app" | grep -E ' [Tt] plb_')"
out=$(LD_LIBRARY_PATH=$lib "$work/app" "$work/buf" "$work/log" 2>&1)
check_eq "it commits three records and recovers them, in order" \
	"$(printf 'lsn 1 begin\nlsn 2 update t1\nlsn 3 commit\nlast 3')" "$out"
check_eq "it resolved plb_commit from the installed library" "$(readlink -f "$lib/libplb.so.0")" \
	"$(LD_LIBRARY_PATH=$lib ldd "$work/app" | sed -n 's/.*libplb\.so\.0 => \([^ ]*\) .*/\1/p' |
		xargs readlink -f)"
check_eq "without the library it does not start (it is linked dynamically)" 127 \
	"$(env -u LD_LIBRARY_PATH "$work/app" "$work/buf" "$work/log" >/dev/null 2>&1; echo $?)"

# the ABI: the functions of plb.h, versioned LIBPLB_0, and nothing else
declared=$(sed -n 's/^[a-z].*[ *]\(plb_[a-z0-9_]*\)(.*/\1/p' "$top/plb/plb.h" |
	grep -v '^plb_record_span$' | sort)
exported=$(nm -D --defined-only "$lib/libplb.so.$version" | awk '$2 == "T" { print $3 }' |
	sed 's/@@LIBPLB_0$//' | sort)
check_eq "libplb exports exactly the functions plb.h declares" "$declared" "$exported"

check "make uninstall-plb succeeds" make_q uninstall-plb DESTDIR="$root"
check_eq "uninstall-plb removes everything install-plb put there" "" \
	"$(cd "$root" && find . \( -type f -o -type l \))"
finish
