#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# make check: every tier, then one closing line for the whole run.
#
# Tiers: the build with gcc and clang (-Werror), unit tests of src/, the
# command-line tests against the memfd fixture, the same two under
# AddressSanitizer and UndefinedBehaviorSanitizer (make check-asan), a short
# fuzzing run of the checkpoint reader (make fuzz, TCECTL_FUZZ_SECONDS,
# default 30), and the real-kernel tier in an emulated POWER host
# (tests/vm).  Each tier's own results stay visible; the last line sums
# them: "N passed, N failed".
#
# The real-kernel tier runs an emulated CPU on one host thread for minutes;
# it starts right after the build and runs beside the other tiers, and its
# output is shown when it ends, so that 2 cores finish in time.
set -uo pipefail

cd "$(dirname "$0")/.."
log=$(mktemp -d)
vm_pid=
# The background tier is a session of its own: stopping make check stops all of it.
trap '[ -z "$vm_pid" ] || kill -- -"$vm_pid" 2>/dev/null; rm -rf "$log"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
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

build() {	# both compilers, warnings as errors
	make -s clean &&
	make -s CC=clang BUILD=build/clang all &&
	echo "ok - builds with clang, no warnings" &&
	make -s all &&
	echo "ok - builds with gcc, no warnings" &&
	cross_build
}

# CROSS_COMPILE, linked against ppc64el libelf and zlib: those of the
# real-kernel tier's sysroot, so the host's dpkg needs no foreign architecture.
cross_build() {
	tests/vm/fetch.sh &&
	eval "$(tests/vm/fetch.sh --print-env)" &&
	make -s CROSS_COMPILE=powerpc64le-linux-gnu- BUILD=build/cross \
		CPPFLAGS="$TCECTL_VM_CPPFLAGS" LDFLAGS="$TCECTL_VM_LDFLAGS" LDLIBS="$TCECTL_VM_LIBS" \
		build/cross/tcectl &&
	file build/cross/tcectl | grep -q 'ELF 64-bit LSB .*PowerPC' &&
	echo "ok - cross-builds for ppc64le (CROSS_COMPILE=powerpc64le-linux-gnu-)"
}

tier build build
if [ "${TCECTL_SKIP_VM:-}" != 1 ]; then
	vm_t0=$SECONDS
	setsid make -s check-vm >"$log/vm" 2>&1 </dev/null &
	vm_pid=$!
	echo "=== vm: started in the background (pid $vm_pid); its output follows the other tiers"
fi
tier unit make -s check-unit
tier cli make -s check-cli
tier sanitize make -s check-asan
tier fuzz make -s fuzz FUZZ_SECONDS="${TCECTL_FUZZ_SECONDS:-30}"
if [ "${TCECTL_SKIP_VM:-}" = 1 ]; then
	echo "=== vm: not run (TCECTL_SKIP_VM=1)"
	echo "not ok - the real-kernel tier was not run"
	failed=$((failed + 1))
else
	echo "=== vm"
	wait "$vm_pid"
	vm_rc=$?
	vm_pid=
	cat "$log/vm"
	count vm "$vm_rc" $((SECONDS - vm_t0))
fi
echo
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
