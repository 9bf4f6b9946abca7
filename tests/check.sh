#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# make check: every tier, then one closing line for the whole run.
#
# Tiers: the build with gcc and clang (-Werror), unit tests of src/, the
# command-line tests against the memfd fixture, the same two under
# AddressSanitizer and UndefinedBehaviorSanitizer (make check-asan), a short
# fuzzing run of the checkpoint reader (make fuzz, TCECTL_FUZZ_SECONDS,
# default 20), and the real-kernel tier in an emulated POWER host
# (tests/vm).  Each tier's own results stay visible; the last line sums
# them: "N passed, N failed".
#
# The tiers run one after another: on 2 cores, the emulated host beside the
# command-line tests made both more than twice as slow (measured: 13.5
# minutes in all, against 12 for the same tiers in sequence).  The
# command-line tiers take every core themselves: their test files run side
# by side (tests/cli/bats.sh).
set -uo pipefail

cd "$(dirname "$0")/.."
log=$(mktemp -d)
trap 'rm -rf "$log"' EXIT
passed=0 failed=0

tier() {	# name command...
	local name=$1 rc t0=$SECONDS
	shift
	echo "=== $name"
	"$@" 2>&1 | tee "$log/$name"
	rc=${PIPESTATUS[0]}
	count "$name" "$rc" $((SECONDS - t0))
}

count() {	# name status seconds
	local name=$1 rc=$2
	# Count TAP lines; a tier that fails without any is one failure.
	local ok notok
	ok=$(grep -cE '^ok ' "$log/$name")
	notok=$(grep -cE '^not ok ' "$log/$name")
	if [ "$rc" -ne 0 ] && [ "$notok" -eq 0 ]; then
		notok=1
		echo "not ok - $name exited with status $rc"
	fi
	passed=$((passed + ok))
	failed=$((failed + notok))
	echo "=== $name: $ok passed, $notok failed, $3 s"
}

# Every build compiles one file per CPU: the tiers after it wait for it.
JOBS=$(nproc 2>/dev/null || echo 1)

build() {	# both compilers, warnings as errors
	make -s clean &&
	# clang's build is the sanitizer tier's (ASan and UBSan), built once.
	make -s -j"$JOBS" CC=clang SANITIZE=1 BUILD=build/asan \
		build/asan/tcectl build/asan/tce-holder build/asan/qmp-server build/asan/unit-tests &&
	echo "ok - builds with clang, no warnings" &&
	make -s -j"$JOBS" all &&
	echo "ok - builds with gcc, no warnings" &&
	cross_build
}

# CROSS_COMPILE, linked against ppc64el libelf and zlib: those of the
# real-kernel tier's sysroot, so the host's dpkg needs no foreign architecture.
cross_build() {
	tests/vm/fetch.sh &&
	eval "$(tests/vm/fetch.sh --print-env)" &&
	# build/vm: the real-kernel tier's tcectl (make vm-tcectl), built once.
	make -s -j"$JOBS" CROSS_COMPILE=powerpc64le-linux-gnu- BUILD=build/vm \
		CPPFLAGS="$TCECTL_VM_CPPFLAGS" LDFLAGS="$TCECTL_VM_LDFLAGS" LDLIBS="$TCECTL_VM_LIBS" \
		build/vm/tcectl &&
	file build/vm/tcectl | grep -q 'ELF 64-bit LSB .*PowerPC' &&
	echo "ok - cross-builds for ppc64le (CROSS_COMPILE=powerpc64le-linux-gnu-)"
}

tier build build
tier unit make -s check-unit
tier cli make -s check-cli
tier sanitize make -s check-asan
tier fuzz make -s fuzz FUZZ_SECONDS="${TCECTL_FUZZ_SECONDS:-20}"
if [ "${TCECTL_SKIP_VM:-}" = 1 ]; then
	echo "=== vm: not run (TCECTL_SKIP_VM=1)"
	echo "not ok - the real-kernel tier was not run"
	failed=$((failed + 1))
else
	tier vm make -s check-vm
fi
echo
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
