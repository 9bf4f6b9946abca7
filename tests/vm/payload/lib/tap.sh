# SPDX-License-Identifier: GPL-2.0-or-later
#
# TAP-style reporting for the VM payload (busybox sh); sourced.  Every result
# is appended to $TAP_LOG, so numbering runs on across test files and
# run-tests.sh can count them at the end.
#
#   ok DESC / not_ok DESC          report a result
#   check DESC CMD [ARG...]        ok if CMD succeeds; its output as diagnostics if not
#   is GOT WANT DESC               ok if the strings are equal
#   diag TEXT / ... | diag         "# " lines
#   now / since START [DIGITS]     seconds of uptime; seconds since START
#                                  (DIGITS decimals, default 1), for timings

: "${TAP_LOG:=/tmp/tap.log}"

_tap_report() {
	_tap_n=$(($(wc -l <"$TAP_LOG" 2>/dev/null || echo 0) + 1))
	echo "$1" >>"$TAP_LOG"
	echo "$1 $_tap_n - $2"
}

ok() { _tap_report ok "$*"; }
not_ok() { _tap_report "not ok" "$*"; }

diag() {
	if [ $# -gt 0 ]; then
		echo "# $*"
	else
		sed 's/^/#   /'
	fi
}

check() {
	_tap_desc=$1
	shift
	if _tap_out=$("$@" 2>&1); then
		ok "$_tap_desc"
	else
		not_ok "$_tap_desc"
		printf '%s\n' "$_tap_out" | tail -n 20 | diag
		return 1
	fi
}

is() {
	if [ "$1" = "$2" ]; then
		ok "$3"
	else
		not_ok "$3"
		diag "got:  '$1'"
		diag "want: '$2'"
		return 1
	fi
}

# Value of KEY in a line of "word key=value ..." fields.
field() {
	for _kv in $2; do
		case $_kv in "$1="*) echo "${_kv#*=}"; return 0 ;; esac
	done
	return 1
}

# Wait up to $2 tenths of a second for command $1 (a string) to succeed.
wait_for() {
	_tap_i=0
	while ! eval "$1" 2>/dev/null; do
		_tap_i=$((_tap_i + 1))
		[ $_tap_i -le "$2" ] || return 1
		sleep 0.1
	done
}

now() { cut -d' ' -f1 /proc/uptime; }
since() { awk -v a="$1" -v b="$(now)" -v f="%.${2:-1}f" 'BEGIN { printf f, b - a }'; }
