# SPDX-License-Identifier: GPL-2.0-or-later
# Shared by every tests/cli/*.bats file.
#
# TCECTL and TCE_HOLDER name the binaries under test; the Makefile sets them.

bats_require_minimum_version 1.5.0
bats_load_library bats-support
bats_load_library bats-assert

export LC_ALL=C
: "${TCECTL:?set TCECTL to the tcectl binary (make check does)}"
: "${TCE_HOLDER:?set TCE_HOLDER to the tce-holder fixture (make check does)}"

# run tcectl with bats' `run`, stdout and stderr kept apart.
run_tcectl() {
	run --separate-stderr "$TCECTL" "$@"
}

# start_holder SPEC...: a tce-holder process holding memfd tables.
# Sets HOLDER_PID, HOLDER_DIR and FD0, FD1, ... (one per SPEC, in order).
start_holder() {
	HOLDER_DIR=$(mktemp -d "$BATS_TEST_TMPDIR/holder.XXXXXX")
	"$TCE_HOLDER" "$HOLDER_DIR" "$@" 3>&- &
	HOLDER_PID=$!
	local i
	for i in $(seq 1 200); do
		[ -e "$HOLDER_DIR/info" ] && break
		sleep 0.01
	done
	[ -e "$HOLDER_DIR/info" ] || { echo "tce-holder did not start" >&2; return 1; }
	local n=0 fd rest
	while read -r fd rest; do
		eval "FD$n=$fd"
		n=$((n + 1))
	done < "$HOLDER_DIR/info"
}

# holder_cmd LINE: send one command, fail unless it answers "ok" (or print the value for get).
holder_cmd() {
	echo "$*" > "$HOLDER_DIR/cmd"
	local answer
	read -r answer < "$HOLDER_DIR/reply"
	case "$answer" in
	error*) echo "tce-holder: $answer" >&2; return 1 ;;
	ok) ;;
	*) echo "$answer" ;;
	esac
}

stop_holder() {
	if [ -n "${HOLDER_PID:-}" ]; then
		kill "$HOLDER_PID" 2>/dev/null || true
		wait "$HOLDER_PID" 2>/dev/null || true
		HOLDER_PID=
	fi
}

teardown() {
	stop_holder
}
