# SPDX-License-Identifier: GPL-2.0-or-later
#
# term-run.sh DIR CMD [ARG...]: what a terminal of lib/term.sh runs (busybox
# sh).  Notes the terminal's settings, runs CMD in the foreground with its pid
# in DIR/pid and its standard error in DIR/stderr, then its exit status in
# DIR/rc, once the settings after it are in DIR/stty.after; then stays, so
# the screen CMD left can still be read, until the terminal closes.  A ^C
# typed into the terminal reaches CMD; this shell only notes it and waits on.
dir=$1 hup=
shift
trap ':' INT TERM
trap 'hup=1' HUP
stty -a >"$dir/stty.before" 2>&1
# shellcheck disable=SC2016  # $$ and "$@" belong to the inner shell
sh -c 'echo $$ >"$0.tmp" && mv "$0.tmp" "$0" && exec "$@"' "$dir/pid" "$@" 2>"$dir/stderr"
echo $? >"$dir/rc.tmp"
stty -a >"$dir/stty.after" 2>&1
mv "$dir/rc.tmp" "$dir/rc"
[ -z "$hup" ] || exit 0
# Only the terminal's closing (SIGHUP) ends the wait.
trap '' INT TERM
trap - HUP
exec sleep 86400
