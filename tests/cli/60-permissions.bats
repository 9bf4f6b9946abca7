#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Attaching as another user: refused with exit 4 and a message that names
# what stands in the way.  Needs root, to run as uid 65534 with setpriv.

load test_helper

NOBODY=65534

setup() {
	[ "$(id -u)" -eq 0 ] || { echo "these tests must run as root" >&2; return 1; }
	# Copies of the binaries in a directory uid 65534 can reach.
	NOBODY_DIR=$(mktemp -d "${TMPDIR:-/tmp}/tcectl-perm.XXXXXX")
	chmod 755 "$NOBODY_DIR"
	cp "$TCECTL" "$NOBODY_DIR/tcectl"
	cp "$TCE_HOLDER" "$NOBODY_DIR/tce-holder"
}

teardown() {
	stop_holder
	rm -rf "$NOBODY_DIR"
}

as_nobody() {
	setpriv --reuid=$NOBODY --regid=$NOBODY --clear-groups "$@"
}

run_tcectl_as_nobody() {
	run --separate-stderr as_nobody "$NOBODY_DIR/tcectl" "$@"
}

# start_holder_as_nobody dumpable|nondumpable SPEC...: start_holder, but the
# holder runs as uid 65534, made non-dumpable as QEMU is after a uid change.
start_holder_as_nobody() {
	local mode=$1
	shift
	HOLDER_DIR="$NOBODY_DIR/holder"
	mkdir "$HOLDER_DIR"
	chown $NOBODY:$NOBODY "$HOLDER_DIR"
	local -a env=(env -u TCE_HOLDER_NONDUMPABLE)
	[ "$mode" = nondumpable ] && env=(env TCE_HOLDER_NONDUMPABLE=1)
	# env and setpriv exec, so $! is the holder itself.
	"${env[@]}" setpriv --reuid=$NOBODY --regid=$NOBODY --clear-groups \
		"$NOBODY_DIR/tce-holder" "$HOLDER_DIR" "$@" 3>&- &
	HOLDER_PID=$!
	wait_holder_ready
}

# What the permission messages add about Yama, when it restricts ptrace.
yama_clause() {
	local scope
	scope=$(cat /proc/sys/kernel/yama/ptrace_scope 2>/dev/null) || return 0
	[ "$scope" = 0 ] && return 0
	printf '; Yama ptrace_scope is %s' "$scope"
	[ "$scope" = 3 ] && printf ', which forbids attaching at all'
	return 0
}

attach_refused() { # VERB PID WHY
	echo "tcectl: $1: cannot attach to pid $2: Operation not permitted; run as root or with CAP_SYS_PTRACE$3$(yama_clause); see tcectl(1) PERMISSIONS"
}

fds_refused() { # VERB PID WHY
	echo "tcectl: $1: cannot read the file descriptors of pid $2: Permission denied; run as root or with CAP_SYS_PTRACE$3$(yama_clause); see tcectl(1) PERMISSIONS"
}

@test "PID:FD of another uid's process: exit 4 naming both uids and the fix" {
	start_holder 8K:mixed
	run_tcectl_as_nobody dump "$HOLDER_PID:$FD0"
	assert_failure 4
	assert_output ""
	[ "$stderr" = "$(attach_refused dump "$HOLDER_PID" " (pid $HOLDER_PID runs as uid 0, not $NOBODY)")" ]
}

@test "a bare PID of another uid's process: exit 4, its fds cannot be read" {
	start_holder 8K:mixed
	run_tcectl_as_nobody dump "$HOLDER_PID"
	assert_failure 4
	assert_output ""
	[ "$stderr" = "$(fds_refused dump "$HOLDER_PID" " (pid $HOLDER_PID runs as uid 0, not $NOBODY)")" ]
}

@test "every verb refuses another uid's process with exit 4" {
	start_holder 8K:mixed
	local why=" (pid $HOLDER_PID runs as uid 0, not $NOBODY)"
	run_tcectl_as_nobody list "$HOLDER_PID:$FD0"
	assert_failure 4
	assert_output ""
	[ "$stderr" = "$(attach_refused list "$HOLDER_PID" "$why")" ]
	run_tcectl_as_nobody list "$HOLDER_PID"
	assert_failure 4
	[ "$stderr" = "$(fds_refused list "$HOLDER_PID" "$why")" ]
	run_tcectl_as_nobody translate "$HOLDER_PID:$FD0" 0x0
	assert_failure 4
	assert_output ""
	[ "$stderr" = "$(attach_refused translate "$HOLDER_PID" "$why")" ]
	run_tcectl_as_nobody who-maps -n "$HOLDER_PID:$FD0" 0x10000000
	assert_failure 4
	assert_output ""
	[ "$stderr" = "$(attach_refused who-maps "$HOLDER_PID" "$why")" ]
}

@test "a non-dumpable process of the same uid: exit 4 with the dumpable hint" {
	start_holder_as_nobody nondumpable 8K:mixed
	run_tcectl_as_nobody dump "$HOLDER_PID:$FD0"
	assert_failure 4
	assert_output ""
	[ "$stderr" = "$(attach_refused dump "$HOLDER_PID" " (pid $HOLDER_PID is not dumpable, so its own uid cannot attach)")" ]
}

@test "a non-dumpable process of the same uid as a bare PID: exit 4 with the dumpable hint" {
	start_holder_as_nobody nondumpable 8K:mixed
	run_tcectl_as_nobody list "$HOLDER_PID"
	assert_failure 4
	assert_output ""
	[ "$stderr" = "$(fds_refused list "$HOLDER_PID" " (pid $HOLDER_PID is not dumpable, so its own uid cannot attach)")" ]
}

@test "a dumpable process of the same uid can be read" {
	start_holder_as_nobody dumpable 8K:mixed
	run_tcectl_as_nobody dump -n -R 0x0-0x6fff "$HOLDER_PID:$FD0"
	local scope
	scope=$(cat /proc/sys/kernel/yama/ptrace_scope 2>/dev/null) || scope=0
	if [ "$scope" != 0 ]; then
		# Yama 1 and up let only ancestors or CAP_SYS_PTRACE attach.
		assert_failure 4
		[ "$stderr" = "$(attach_refused dump "$HOLDER_PID" "")" ]
		return
	fi
	assert_success
	assert_output "$(cat <<'EOF'
0x00000000-0x00003fff 0x10000000-0x10003fff rw       4
0x00004000-0x00005fff 0x20000000-0x20001fff r        2
0x00006000-0x00006fff 0x30000000-0x30000fff w        1
EOF
)"
}

@test "root reads a non-dumpable process of another uid" {
	start_holder_as_nobody nondumpable 8K:mixed
	run_tcectl list -r -o pid,fd,mapped "$HOLDER_PID:$FD0"
	assert_success
	assert_output "$(printf '%s\n' 'PID FD MAPPED' "$HOLDER_PID $FD0 15")"
}

@test "--json: each refused target is an element with target, error and status" {
	start_holder 8K:mixed
	run_tcectl_as_nobody dump --json "$HOLDER_PID:$FD0" "$HOLDER_PID"
	assert_failure 4
	local why=" (pid $HOLDER_PID runs as uid 0, not $NOBODY)"
	local attach fds
	attach=$(attach_refused dump "$HOLDER_PID" "$why")
	fds=$(fds_refused dump "$HOLDER_PID" "$why")
	echo "$output" | jq -e --arg t1 "$HOLDER_PID:$FD0" --arg t2 "$HOLDER_PID" \
		--arg e1 "${attach#tcectl: dump: }" --arg e2 "${fds#tcectl: dump: }" '
		length == 2 and all(keys_unsorted == ["target","error","status"]) and
		.[0] == {target: $t1, error: $e1, status: 4} and
		.[1] == {target: $t2, error: $e2, status: 4}'
	[ "$stderr" = "$(echo "$attach"; echo "$fds")" ]
	run_tcectl_as_nobody list -j "$HOLDER_PID:$FD0"
	assert_failure 4
	echo "$output" | jq -e '.[0].status == 4 and (.[0].status | type) == "number"'
}

@test "--json: a refusal before any output is one object with error and status" {
	start_holder 8K:mixed
	run_tcectl_as_nobody translate -j "$HOLDER_PID:$FD0" 0x0
	assert_failure 4
	local msg
	msg=$(attach_refused translate "$HOLDER_PID" " (pid $HOLDER_PID runs as uid 0, not $NOBODY)")
	echo "$output" | jq -e --arg e "${msg#tcectl: translate: }" '
		keys_unsorted == ["error","status"] and . == {error: $e, status: 4}'
}

@test "host-wide list as another uid warns about the processes it cannot see, and succeeds" {
	start_holder 8K:mixed
	run_tcectl_as_nobody list
	assert_success
	[[ "$stderr" =~ ^tcectl:\ list:\ warning:\ [1-9][0-9]*\ processes\ could\ not\ be\ inspected\;\ run\ as\ root\ or\ with\ CAP_SYS_PTRACE\ to\ see\ them\ all$ ]]
	# With no target, VM is a default column.
	[[ "${lines[0]}" =~ ^TABLE\ +COMM\ +VM\ +LIOBN ]]
}
