#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# tests/cli/bats.sh BATS-ARGUMENTS...: bats, running test files side by
# side, one per CPU (TCECTL_TEST_JOBS=N for N at a time, 1 for one after the
# other).  make check-cli and make check-asan run the command-line tests so.
#
# Files run in parallel with GNU parallel (bats --jobs); the output keeps
# the files' order.  The tests of one file run in order: bats 1.8 hands a
# file's tests out through a semaphore that polls once a second, slower
# than running them one after the other when most take a tenth of one.
#
# Tests may run beside any test of another file, so a test keeps its files
# in $BATS_TEST_TMPDIR, finds its processes by PID, never by name, and
# does not count on the machine being otherwise idle.
# A test that hangs fails after this many seconds instead of stopping the
# whole run; the slowest take well under a minute, also under ASan.
export BATS_TEST_TIMEOUT="${BATS_TEST_TIMEOUT:-300}"
jobs=${TCECTL_TEST_JOBS:-$(nproc 2>/dev/null || echo 1)}
case $jobs in
'' | *[!0-9]* | 0) echo "tests/cli/bats.sh: TCECTL_TEST_JOBS=$jobs is not a number of jobs" >&2; exit 2 ;;
esac
if [ "$jobs" -gt 1 ] && ! command -v parallel >/dev/null; then
	echo "tests/cli/bats.sh: no GNU parallel (tests/deps.sh installs it): one test file at a time" >&2
	jobs=1
fi
if [ "$jobs" -gt 1 ]; then
	exec bats --jobs "$jobs" --no-parallelize-within-files "$@"
fi
exec bats "$@"
