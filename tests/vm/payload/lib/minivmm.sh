# SPDX-License-Identifier: GPL-2.0-or-later
#
# Drive bin/minivmm from a busybox sh test; sourced (brings tap.sh along).
#
#   vmm_start [MINIVMM_ARGS...]  start it, wait until it is ready; sets
#                                VMM_PID and VMM_DESC (its description file)
#   vmm_begin [MINIVMM_ARGS...]  vmm_start, reported as the test "minivmm
#                                ARGS starts and creates its tables";
#                                status 1 if it did not start
#   vmm COMMAND [ARG...]         send one command, print the answer lines;
#                                status 0 if it answered ok, 1 fail, 2 no answer
#   vmm_table NAME               the "table" line of the table called NAME
#   vmm_expect LIOBN             the "entry" lines the hypercalls left in LIOBN
#   vmm_verify LIOBN FD ENTRIES  compare table FD (ENTRIES long) with the
#                                entries the description lists for LIOBN
#                                ("none": must be all zero), via tcepeek
#   vmm_stop                     "quit", then wait; status = minivmm's
#   vmm_end [WHO]                vmm_stop, reported as the test "WHO quits
#                                cleanly" (WHO: "minivmm ARGS" as started)
#
# The shell keeps both fifos open read-write (fds 8 and 9), so no open ever
# blocks and "read -t" can time out if minivmm dies.

. "$PAYLOAD/lib/tap.sh"

VMM_DIR=${VMM_DIR:-/tmp/minivmm.$$}

vmm_start() {
	mkdir -p "$VMM_DIR"
	rm -f "$VMM_DIR/cmd" "$VMM_DIR/resp" "$VMM_DIR/pid" "$VMM_DIR/desc"
	mkfifo "$VMM_DIR/cmd" "$VMM_DIR/resp" || return 1
	exec 8<>"$VMM_DIR/cmd" 9<>"$VMM_DIR/resp"
	minivmm -o "$VMM_DIR/desc" -p "$VMM_DIR/pid" -c "$VMM_DIR/cmd" \
		-r "$VMM_DIR/resp" "$@" >"$VMM_DIR/stdout" 2>"$VMM_DIR/stderr" 8>&- 9>&- &
	VMM_PID=$!
	VMM_DESC=$VMM_DIR/desc
	VMM_NAME="minivmm${1:+ $*}"
	if ! wait_for '[ -s "$VMM_DIR/pid" ] || ! kill -0 $VMM_PID' 300 ||
	   [ ! -s "$VMM_DIR/pid" ]; then
		diag "minivmm did not become ready:"
		diag <"$VMM_DIR/stderr"
		return 1
	fi
}

vmm_begin() {
	if ! vmm_start "$@"; then
		not_ok "minivmm${1:+ $*} starts and creates its tables"
		return 1
	fi
	ok "$VMM_NAME starts and creates its tables"
}

vmm() {
	echo "$*" >&8
	while :; do
		if ! IFS= read -r -t 30 _vmm_line <&9; then
			echo "minivmm: no answer to '$*'" >&2
			return 2
		fi
		case $_vmm_line in
		"end "*" ok") return 0 ;;
		"end "*) return 1 ;;
		*) printf '%s\n' "$_vmm_line" ;;
		esac
	done
}

vmm_table() {
	grep "^table name=$1 " "$VMM_DESC"
}

vmm_expect() {
	vmm expect "$1" | grep '^entry '
}

vmm_verify() {
	grep "^entry liobn=$1 " "$VMM_DESC" | tcepeek "$VMM_PID" "$2" verify "$3"
}

vmm_stop() {
	vmm quit >/dev/null
	wait "$VMM_PID"
	_vmm_rc=$?
	exec 8>&- 9>&-
	return $_vmm_rc
}

vmm_end() {
	if vmm_stop; then ok "${1:-$VMM_NAME} quits cleanly"; else not_ok "${1:-$VMM_NAME} quits cleanly"; fi
}
