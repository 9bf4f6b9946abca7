# SPDX-License-Identifier: GPL-2.0-or-later
#
# A terminal for full-screen programs (tcectl watch), through tmux (the
# tier's tmux-root.sh puts it in the VM); sourced after tap.sh.  Each
# terminal is a tmux session on a socket of our own, running the program
# under lib/term-run.sh, which notes the terminal's settings (stty -a)
# before and after it, its exit status and its standard error.
#
#   term_start NAME COLS ROWS CMD [ARG...]  CMD in a new COLSxROWS terminal
#                          (TERM=screen, LANG=C.UTF-8); status 1 if tmux
#                          could not start it; CMD's pid: term_pid NAME
#   term_screen NAME       what the terminal shows, one line per row
#                          (blanks at the end of a row dropped)
#   term_wait NAME ERE [TENTHS]  wait (default 10 s) until a row of the
#                          screen matches the extended regular expression
#                          ERE, or CMD has exited; status 1 if no row does
#   term_keys NAME KEY...  type keys (tmux key names: q, Enter, Up, C-c)
#   term_resize NAME COLS ROWS   resize the terminal (CMD gets SIGWINCH)
#   term_pid NAME          CMD's pid
#   term_wait_exit NAME [TENTHS] wait (default 10 s) until CMD has exited;
#                          status 1 if it has not
#   term_rc NAME           CMD's exit status, once it has exited
#   term_stty NAME before|after   stty -a of the terminal before CMD
#                          started and after it exited
#   term_stderr NAME       what CMD wrote to standard error
#   term_stop NAME         close the terminal (and CMD, if still running)
#   term_end               close every terminal and stop tmux

TERM_DIR=${TERM_DIR:-/tmp/term.$$}
TERM_SOCKET=tcectl-test.$$

# Debian's tmux would say TERM=tmux-256color, which the VM has no terminfo
# for; "screen" is tmux's own default and is there (mkinitramfs.sh).
_term() {
	[ -e "$TERM_DIR/tmux.conf" ] || {
		mkdir -p "$TERM_DIR"
		echo 'set-option -g default-terminal screen' >"$TERM_DIR/tmux.conf"
	}
	LANG=C.UTF-8 tmux -L "$TERM_SOCKET" -f "$TERM_DIR/tmux.conf" "$@"
}

term_start() {
	_ts_name=$1 _ts_cols=$2 _ts_rows=$3
	shift 3
	rm -rf "${TERM_DIR:?}/$_ts_name"
	mkdir -p "$TERM_DIR/$_ts_name"
	# One shell command line for tmux: every word quoted.
	_ts_cmd="exec sh '$PAYLOAD/lib/term-run.sh' '$TERM_DIR/$_ts_name'"
	for _ts_arg in "$@"; do
		_ts_cmd="$_ts_cmd '$(printf '%s' "$_ts_arg" | sed "s/'/'\\\\''/g")'"
	done
	if ! _term new-session -d -s "$_ts_name" -x "$_ts_cols" -y "$_ts_rows" "$_ts_cmd" \
		>"$TERM_DIR/$_ts_name/tmux.out" 2>&1; then
		diag "tmux could not start a terminal:"
		diag <"$TERM_DIR/$_ts_name/tmux.out"
		return 1
	fi
	# The pid file appears once term-run.sh has started CMD.
	wait_for "[ -s '$TERM_DIR/$_ts_name/pid' ] || [ -e '$TERM_DIR/$_ts_name/rc' ]" 100
}

term_screen() {
	_term capture-pane -p -t "$1"
}

term_wait() {
	wait_for "term_screen '$1' | grep -qE -- '$2' || [ -e '$TERM_DIR/$1/rc' ]" "${3:-100}" &&
		term_screen "$1" | grep -qE -- "$2"
}

term_keys() {
	_tk_name=$1
	shift
	_term send-keys -t "$_tk_name" "$@"
}

term_resize() {
	_term resize-window -t "$1" -x "$2" -y "$3"
}

term_pid() {
	cat "$TERM_DIR/$1/pid" 2>/dev/null
}

term_wait_exit() {
	wait_for "[ -e '$TERM_DIR/$1/rc' ]" "${2:-100}"
}

term_rc() {
	cat "$TERM_DIR/$1/rc" 2>/dev/null
}

term_stty() {
	cat "$TERM_DIR/$1/stty.$2" 2>/dev/null
}

term_stderr() {
	cat "$TERM_DIR/$1/stderr" 2>/dev/null
}

term_stop() {
	_tp_pid=$(term_pid "$1")
	if [ -n "$_tp_pid" ] && [ ! -e "$TERM_DIR/$1/rc" ]; then
		kill "$_tp_pid" 2>/dev/null
	fi
	_term kill-session -t "$1" 2>/dev/null
}

term_end() {
	for _te_dir in "$TERM_DIR"/*/; do
		[ -d "$_te_dir" ] || continue
		_te_pid=$(cat "$_te_dir/pid" 2>/dev/null)
		[ -z "$_te_pid" ] || [ -e "$_te_dir/rc" ] || kill "$_te_pid" 2>/dev/null
	done
	_term kill-server 2>/dev/null
	return 0
}
