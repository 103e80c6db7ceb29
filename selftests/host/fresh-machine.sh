#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The README's commands on a fresh machine: make reads the Makefile (and
# looks for the installed kernels) before `make deps` has installed them.
# Each command runs in a copy of the tree against an empty kernel tree
# (PMD_KERNEL_ROOT) that a stand-in for `deps` fills with two kernels, as
# apt-get would. What would boot guests or run for long (qemu/*, bench/*,
# selftests/run, the fuzzers, dpkg-buildpackage) is a stub that records how
# it was called and refuses a kernel that is not installed; the kernels'
# Kbuild is a stub that writes a pmemdisk.ko. Everything else runs as it
# would: the builds, the sub-makes, the checks of the Makefile itself.
# Nothing outside $work is touched.
. "$(dirname "$0")/lib.sh"

k61=6.1.0-999-amd64 k612=6.12.999+deb12-amd64
tree=$work/tree root=$work/root calls=$work/calls
export PMD_KERNEL_ROOT=$root PMD_STUB_CALLS=$calls

# The tree as a clone has it, with whatever this tree has built already
# (so the copy only builds what is missing); never a build/ of guests,
# modules or logs.
mkdir -p "$tree"
(cd "$top" && git ls-files -z | tar --null -T - -c) | tar -x -C "$tree"
for d in host guest fuzz plb linux-source; do
	[ -d "$top/build/$d" ] || continue
	mkdir -p "$tree/build"
	cp -a "$top/build/$d" "$tree/build/"
done
rm -rf "$tree/build/fuzz/corpus" "$tree/build/fuzz/crashes"
for f in userspace/pmemctl plb/plb-crashtest plb/plb-bench; do
	[ -f "$top/$f" ] && cp -a "$top/$f" "$tree/$f"
done

# A stub for a script that takes the kernel release first, and for those
# that take none.
cat >"$work/stub-kver" <<'EOF'
#!/bin/bash
echo "${0#$STUB_TOP/} $*" >>"$PMD_STUB_CALLS"
[ -n "${1:-}" ] && [ -d "$PMD_KERNEL_ROOT/lib/modules/$1" ] ||
	{ echo "${0##*/}: kernel '${1:-}' is not installed" >&2; exit 1; }
EOF
cat >"$work/stub-any" <<'EOF'
#!/bin/bash
echo "${0#$STUB_TOP/} $*" >>"$PMD_STUB_CALLS"
# selftests/run --kvers "K...": every one installed
while [ $# -gt 0 ]; do
	if [ "$1" = --kvers ]; then
		[ -n "$2" ] || { echo "${0##*/}: --kvers is empty" >&2; exit 1; }
		for k in $2; do
			[ -d "$PMD_KERNEL_ROOT/lib/modules/$k" ] ||
				{ echo "${0##*/}: kernel '$k' is not installed" >&2; exit 1; }
		done
	fi
	shift
done
EOF
chmod +x "$work/stub-kver" "$work/stub-any"
export STUB_TOP=$tree
for s in qemu/mkinitramfs qemu/demo bench/io.sh bench/mkfs.sh bench/lifecycle.sh bench/plb.sh; do
	cp "$work/stub-kver" "$tree/$s"
done
for s in selftests/run selftests/fuzz/run selftests/check-debug qemu/mkdebugkernel; do
	cp "$work/stub-any" "$tree/$s"
done
mkdir -p "$work/bin"
cat >"$work/bin/dpkg-buildpackage" <<'EOF'
#!/bin/bash
echo "dpkg-buildpackage $* in ${PWD#$STUB_TOP/}" >>"$PMD_STUB_CALLS"
touch ../pmemdisk-stub.deb
EOF
chmod +x "$work/bin/dpkg-buildpackage"

# deps, as apt-get would leave it: two kernels whose Kbuild builds a stub
# module. Given after the Makefile, its recipe replaces the real one in
# the make that reads it (make warns about that); the second make the
# Makefile starts reads the Makefile alone.
cat >"$work/kbuild.mk" <<'EOF'
modules:
	@test -f $(M)/Kbuild && echo "a module for @KVER@" >$(M)/pmemdisk.ko
EOF
cat >"$work/deps.mk" <<EOF
deps:
	@for k in $k61 $k612; do mkdir -p \$(PMD_KERNEL_ROOT)/lib/modules/\$\$k/build && \\
		sed "s/@KVER@/\$\$k/" $work/kbuild.mk >\$(PMD_KERNEL_ROOT)/lib/modules/\$\$k/build/Makefile || \\
		exit 1; done
EOF
cat >"$work/nodeps.mk" <<'EOF'
deps:
	@true
EOF

# fresh DEPS_MK TARGET...: make TARGET... in the copy, on an empty kernel
# tree, with DEPS_MK as deps; its output in $work/out.
fresh() {
	local deps=$1
	shift
	rm -rf "$root" "$calls" && mkdir -p "$root"
	: >"$calls"
	PATH=$work/bin:$PATH make --no-print-directory -C "$tree" \
		-f Makefile -f "$work/$deps" "$@" >"$work/out" 2>&1
}
calls_are() { # calls_are DESC EXPECTED-LINES
	if [ "$(cat "$calls")" = "$2" ]; then
		ok "$1"
	else
		not_ok "$1"
		diag "expected:"; diag "$2"; diag "got:"; diag "$(cat "$calls")"
		diag "make said:"; diag "$(tail -n 15 "$work/out")"
	fi
}
ran() { # ran DESC: make exited 0
	if [ "$1" = 0 ]; then ok "$2"; else not_ok "$2"; diag "$(tail -n 15 "$work/out")"; fi
}

check "the kernel tree starts empty: the Makefile finds no kernel" \
	test -z "$(PMD_KERNEL_ROOT=$root make --no-print-directory -s -C "$tree" \
		-f Makefile -f - print-kvers <<<'print-kvers: ; @echo $(KVER) $(KVERS)')"

fresh deps.mk demo
ran $? "make demo on a fresh machine"
calls_are "make demo builds the initramfs for, and boots, the kernel deps installed" \
"qemu/mkinitramfs $k61
qemu/demo $k61"
check "make demo built the module for that kernel" \
	grep -q "a module for $k61" "$tree/build/kmod/$k61/pmemdisk.ko"

fresh deps.mk check
ran $? "make check on a fresh machine"
# the suites make check skips, with their reason (the Makefile's CHECK_SKIPS)
skips=$(sed -n "s/^CHECK_SKIPS := '\(.*\)'\$/\1/p" "$tree/Makefile")
calls_are "make check builds both kernels' guests and tests on both" \
"qemu/mkinitramfs $k61
qemu/mkinitramfs $k612
selftests/run --kvers $k61 $k612 --checkpatch $tree/build/linux-source/scripts/checkpatch.pl --skip $skips"

fresh deps.mk bench
ran $? "make bench on a fresh machine"
calls_are "make bench runs every benchmark on the kernel deps installed" \
"qemu/mkinitramfs $k61
bench/io.sh $k61
bench/mkfs.sh $k61
bench/lifecycle.sh $k61
bench/plb.sh $k61"

fresh deps.mk fuzz FUZZ_SECONDS=7
ran $? "make fuzz on a fresh machine"
calls_are "make fuzz fuzzes the parsers, then the ioctls on the kernel deps installed" \
"selftests/fuzz/run --seconds 7 $tree/build/fuzz
qemu/mkinitramfs $k61
selftests/run --kvers $k61 --only $k61/130-ioctl-fuzz"

fresh deps.mk check-debug SUITES='30-*'
ran $? "make check-debug on a fresh machine"
calls_are "make check-debug builds the debug kernel, then runs the suites asked for" \
"qemu/mkdebugkernel 
selftests/check-debug 30-*"

# Those two need no more than the apt-get the README names (no kernel).
version=$(pmd_version)
fresh nodeps.mk install-dkms DESTDIR="$work/stage"
ran $? "make install-dkms in a tree that never built anything"
check "install-dkms installed the module's sources" \
	test -f "$work/stage/usr/src/pmemdisk-$version/dkms.conf"
fresh nodeps.mk deb
ran $? "make deb in a tree that never built anything"
calls_are "make deb builds the packages from a copy of the sources" \
	"dpkg-buildpackage -us -uc in build/deb/pmemdisk-$version"
check "the copy deb builds from has the sources and no build products" \
	test -f "$tree/build/deb/pmemdisk-$version/debian/control" -a \
	! -e "$tree/build/deb/pmemdisk-$version/userspace/pmemctl"

# Where deps could not install the kernels, the commands say so.
fresh nodeps.mk demo
[ $? -ne 0 ] && grep -q "no Debian 6.1 kernel in $root/lib/modules: run 'make deps'" "$work/out" &&
	[ ! -s "$calls" ]
ran $? "make demo without the kernels stops, says why and runs nothing"
fresh nodeps.mk check
[ $? -ne 0 ] && grep -q "the Debian 6.1 and 6.12 kernels are not both in" "$work/out" &&
	[ ! -s "$calls" ]
ran $? "make check without the kernels stops, says why and runs nothing"

finish
