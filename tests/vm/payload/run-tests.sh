#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Runs inside the test VM (busybox sh): every tests/*.sh in name order, each
# in its own shell and under a time limit, then prints the closing
# "N passed, N failed" line.  Exit status 0 only if something passed and
# nothing failed.
#
# Environment (set with run.sh -e VAR=VALUE):
#   TCECTL_VM_TESTS         comma-separated globs of test files to run,
#                           e.g. 10-*,50-tcectl-dump.sh (default: all)
#   TCECTL_VM_TEST_TIMEOUT  seconds per test file (default 300)

PAYLOAD=$(cd "$(dirname "$0")" && pwd)
TAP_LOG=/tmp/tap.log
export PAYLOAD TAP_LOG
export PATH="$PAYLOAD/bin:$PATH"
: >"$TAP_LOG"
. "$PAYLOAD/lib/tap.sh"

selected() {
	[ -z "${TCECTL_VM_TESTS:-}" ] && return 0
	_old_ifs=$IFS
	IFS=,
	for _glob in $TCECTL_VM_TESTS; do
		# shellcheck disable=SC2254
		case $1 in $_glob) IFS=$_old_ifs; return 0 ;; esac
	done
	IFS=$_old_ifs
	return 1
}

echo "# kernel $(uname -r), $(nproc) cpu(s), $(grep -m1 KernelPageSize /proc/self/smaps | tr -s ' ')"
for t in "$PAYLOAD"/tests/*.sh; do
	[ -e "$t" ] || continue
	name=${t##*/}
	selected "$name" || continue
	echo "# $name"
	start=$(date +%s)
	timeout "${TCECTL_VM_TEST_TIMEOUT:-300}" sh "$t"
	rc=$?
	echo "# $name took $(($(date +%s) - start)) s"
	# A test file reports through tap.sh and exits 0; anything else aborted.
	[ $rc -eq 0 ] || not_ok "$name exited with status $rc"
done

passed=$(grep -c '^ok' "$TAP_LOG")
failed=$(grep -c '^not ok' "$TAP_LOG")
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
