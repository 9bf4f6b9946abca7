#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# make check-asan: the unit tests and the command-line tests of tcectl's
# behaviour against a build with AddressSanitizer and
# UndefinedBehaviorSanitizer (SANITIZE=1).
#
#   tests/sanitize.sh BUILD_DIR
#
# Sanitizer reports go to files in one directory, not to stderr: the
# command-line tests compare stderr exactly, and a report from a process
# whose status nobody checks (a holder in the background) would be lost.
# Every report fails the run and is printed at the end.  The directory is
# world-writable because 60-permissions.bats runs the binaries as uid 65534.
#
# LeakSanitizer stops the process with ptrace at exit.  Where it cannot
# (no CAP_SYS_PTRACE in a container, Yama, a seccomp filter), it would end
# every run with a fatal error, so a probe decides: leaks are checked as
# root and as uid 65534 when the probe works for both, and not at all, with
# a line saying so, when it does not.
set -uo pipefail

cd "$(dirname "$0")/.." || exit 2
build=${1:?usage: sanitize.sh BUILD_DIR}
NOBODY=65534

logs=$(mktemp -d "${TMPDIR:-/tmp}/tcectl-sanitize.XXXXXX")
chmod 1777 "$logs"
trap 'rm -rf "$logs"' EXIT

if [ -z "${ASAN_SYMBOLIZER_PATH:-}" ] && ! command -v llvm-symbolizer >/dev/null; then
	for s in /usr/lib/llvm-*/bin/llvm-symbolizer; do
		[ -x "$s" ] && export ASAN_SYMBOLIZER_PATH=$s
	done
fi

# 86: a status no tcectl path returns, so a report shows in a failed assertion too.
san_options() {	# detect_leaks
	echo "log_path=$logs/report:exitcode=86:detect_leaks=$1:print_stacktrace=1:halt_on_error=1"
}

# The probe: a sanitized tcectl that exits normally, with leak checking on.
# Without a working LeakSanitizer it fails or leaves a report behind.
leak_probe() {	# [setpriv args...]
	local dir
	dir=$(mktemp -d "$logs/probe.XXXXXX")
	chmod 1777 "$dir"
	ASAN_OPTIONS="log_path=$dir/report:detect_leaks=1" "$@" "$build/tcectl" --version >/dev/null 2>&1 &&
		[ -z "$(ls -A "$dir")" ]
	local rc=$?
	rm -rf "$dir"
	return $rc
}

leaks=1
if ! leak_probe; then
	leaks=0
	echo "# LeakSanitizer does not work here (ptrace refused?): leaks are not checked"
elif [ "$(id -u)" -eq 0 ] &&
     ! leak_probe setpriv --reuid=$NOBODY --regid=$NOBODY --clear-groups; then
	leaks=0
	echo "# LeakSanitizer does not work as uid $NOBODY here: leaks are not checked"
else
	echo "# LeakSanitizer on, as root and as uid $NOBODY"
fi
ASAN_OPTIONS=$(san_options $leaks)
UBSAN_OPTIONS=$(san_options $leaks)
export ASAN_OPTIONS UBSAN_OPTIONS

failed=0
echo "# unit tests ($build/unit-tests)"
"$build/unit-tests" || failed=1
# Every file of tests/cli but those that check the docs and make install
# against --help: their runs of tcectl are --help and --version, which the
# other files run too.
files=()
for f in tests/cli/*.bats; do
	case ${f##*/} in 90-docs.bats | 95-install.bats) ;; *) files+=("$f") ;; esac
done
echo "# command-line tests (TCECTL=$build/tcectl): ${files[*]##*/}"
# Tests tagged no-sanitizer measure memory (peak RSS, ulimit -v), which
# the sanitizers' shadow memory makes meaningless; the plain tier runs them.
TCECTL=$(realpath "$build/tcectl") TCE_HOLDER=$(realpath "$build/tce-holder") \
	tests/cli/bats.sh --tap --filter-tags '!no-sanitizer' "${files[@]}" || failed=1

reports=$(find "$logs" -maxdepth 1 -type f -name 'report*' | sort)
if [ -n "$reports" ]; then
	for r in $reports; do
		echo "not ok - sanitizer report ${r##*/}:"
		sed 's/^/# /' "$r"
	done
	failed=1
else
	echo "ok - no sanitizer report from the unit and command-line tests$([ $leaks = 1 ] || echo ' (leaks not checked)')"
fi
exit "$failed"
