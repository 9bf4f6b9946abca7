# SPDX-License-Identifier: GPL-2.0-or-later
# Shared by every tests/cli/*.bats file.
#
# TCECTL and TCE_HOLDER name the binaries under test; the Makefile sets them.

bats_require_minimum_version 1.5.0

# load_library NAME: what bats_load_library NAME does, without its cost.
# Every test is a new shell that loads the libraries again, and their
# load.bash finds each file it sources with $(dirname "${BASH_SOURCE[0]}"):
# a fork and an exec of dirname(1) for each of 15 files, a tenth of a
# second of CPU a test.  The same load.bash, run with that directory
# written in, sources the same files with no fork.
load_library() {
	local path code
	if ! find_in_bats_lib_path path "$1" || [[ $path != */load.bash ]]; then
		bats_load_library "$1"
		return
	fi
	IFS= read -r -d '' code < "$path" || true
	eval "${code//'$(dirname "${BASH_SOURCE[0]}")'/${path%/load.bash}}"
}
load_library bats-support
load_library bats-assert

export LC_ALL=C
: "${TCECTL:?set TCECTL to the tcectl binary (make check does)}"
: "${TCE_HOLDER:?set TCE_HOLDER to the tce-holder fixture (make check does)}"

# run tcectl with bats' `run`, stdout and stderr kept apart.
run_tcectl() {
	run --separate-stderr "$TCECTL" "$@"
}

# start_holder SPEC...: a tce-holder process holding memfd tables.
# Sets HOLDER_PID, HOLDER_DIR and FD0, FD1, ... (one per SPEC, in order).
# HOLDER_VIA, an array, is a command that execs the holder (a fake monitor
# whose socket the holder then listens on, as QEMU does).
start_holder() {
	HOLDER_DIR=$(mktemp -d "$BATS_TEST_TMPDIR/holder.XXXXXX")
	"${HOLDER_VIA[@]}" "$TCE_HOLDER" "$HOLDER_DIR" "$@" 3>&- &
	HOLDER_PID=$!
	wait_holder_ready
}

# wait_holder_ready: after a holder was started in $HOLDER_DIR, wait for its
# info file and set FD0, FD1, ... from it.
wait_holder_ready() {
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

# fake_fd_view "FD..." DIR: DIR becomes a copy of /proc/$HOLDER_PID/fd in
# which those fds link to anon_inode:kvm-spapr-tce.
fake_fd_view() {
	local link fd
	rm -rf "$2"
	mkdir "$2"
	for link in /proc/"$HOLDER_PID"/fd/*; do
		ln -s "$(readlink "$link")" "$2/${link##*/}"
	done
	for fd in $1; do
		ln -sfn anon_inode:kvm-spapr-tce "$2/$fd"
	done
}

# [TCE_OUT=FILE] run_tcectl_tce_fds "FD..." ARGS...: tcectl in a private mount namespace in
# which /proc/$HOLDER_PID/fd shows those fds as anon_inode:kvm-spapr-tce,
# so the holder passes for a VMM.  Other fds keep their links.
run_tcectl_tce_fds() {
	local fds=$1 view="$BATS_TEST_TMPDIR/tce-fds"
	shift
	fake_fd_view "$fds" "$view"
	# TCE_OUT, when set, receives tcectl's standard output (for --raw).
	run --separate-stderr unshare --mount --propagation private -- \
		sh -c 'mount --bind "$1" "/proc/$2/fd" && out=$3 && shift 3 &&
		       if [ -n "$out" ]; then exec "$@" > "$out"; else exec "$@"; fi' \
		sh "$view" "$HOLDER_PID" "${TCE_OUT:-}" "$TCECTL" "$@"
}

# fake_vmm_view "FD..." VIEW MAPS: VIEW as fake_fd_view makes it, and MAPS
# a copy of /proc/$HOLDER_PID/maps in which the mappings of those fds are
# anon_inode:kvm-spapr-tce.
fake_vmm_view() {
	local fd inodes=""
	for fd in $1; do
		inodes="$inodes $(stat -L -c %i "/proc/$HOLDER_PID/fd/$fd")"
	done
	fake_fd_view "$1" "$2"
	awk -v inodes="$inodes" 'BEGIN { n = split(inodes, v, " "); for (i = 1; i <= n; i++) want[v[i]] = 1 }
		$5 in want && $2 ~ /s$/ { print $1, $2, $3, $4, $5, "anon_inode:kvm-spapr-tce"; next }
		{ print }' "/proc/$HOLDER_PID/maps" > "$3"
}

# [TCE_OUT=FILE] run_tcectl_vmm "FD..." ARGS...: as run_tcectl_tce_fds, and
# /proc/$HOLDER_PID/maps shows the holder's mappings of those fds as
# anon_inode:kvm-spapr-tce, as a VMM's mappings of its tables: the view of a
# QEMU, whose records (holder_cmd record ...) pair each fd with its mapping.
run_tcectl_vmm() {
	local fds=$1 view="$BATS_TEST_TMPDIR/tce-fds" maps="$BATS_TEST_TMPDIR/maps"
	shift
	fake_vmm_view "$fds" "$view" "$maps"
	run --separate-stderr unshare --mount --propagation private -- \
		sh -c 'mount --bind "$1" "/proc/$2/fd" && mount --bind "$3" "/proc/$2/maps" &&
		       out=$4 && shift 4 &&
		       if [ -n "$out" ]; then exec "$@" > "$out"; else exec "$@"; fi' \
		sh "$view" "$HOLDER_PID" "$maps" "${TCE_OUT:-}" "$TCECTL" "$@"
}

# map_addr FD: the address at which the holder maps fd FD, as 0x...
map_addr() {
	local ino
	ino=$(stat -L -c %i "/proc/$HOLDER_PID/fd/$1")
	awk -v ino="$ino" '$5 == ino && $2 ~ /s$/ { split($1, r, "-"); print "0x" r[1]; exit }' \
		"/proc/$HOLDER_PID/maps"
}

# holding_warning VERB TABLE: the line a table read through a duplicate of its fd draws.
holding_warning() {
	echo "tcectl: $1: warning: reading table $2 through a duplicate of its fd: no mapping of it is known, and holding it can make a resetting VMM lose the table; see tcectl(1) HOLDING A TABLE"
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

# memfd_warning VERB FD: the warning a memfd stand-in for a table draws.
memfd_warning() {
	printf "tcectl: %s: warning: fd %s of pid %s is '/memfd:tce-holder (deleted)', not a kvm-spapr-tce table; decoding it anyway" \
		"$1" "$2" "$HOLDER_PID"
}

# vmm_cmd "FD..." [NAME=PATH...]: sets VMM_CMD, an array that runs the
# command given after it in the view of run_tcectl_vmm: for a tcectl run in
# the background or under script(1).  Each NAME=PATH also shows PATH as
# /proc/$HOLDER_PID/NAME in that view (a FIFO as cmdline holds a reader of
# it until the test writes; a directory as task fakes the threads' states).
vmm_cmd() {
	local fds=$1 view="$BATS_TEST_TMPDIR/vmm-fds" maps="$BATS_TEST_TMPDIR/vmm-maps" bind
	local script='mount --bind "$1" "/proc/$2/fd" && mount --bind "$3" "/proc/$2/maps"'
	shift
	fake_vmm_view "$fds" "$view" "$maps"
	for bind in "$@"; do
		script="$script && mount --bind '${bind#*=}' \"/proc/\$2/${bind%%=*}\""
	done
	VMM_CMD=(unshare --mount --propagation private -- sh -c "$script && shift 3 && exec \"\$@\""
		 sh "$view" "$HOLDER_PID" "$maps")
}

# fake_task_fifo DIR: DIR becomes a /proc/$HOLDER_PID/task whose one
# thread's stat is the FIFO DIR/$HOLDER_PID/stat: a reader of the state
# waits until the test writes a line, "$HOLDER_PID (tce-holder) R" or "... T".
fake_task_fifo() {
	rm -rf "$1"
	mkdir -p "$1/$HOLDER_PID"
	mkfifo "$1/$HOLDER_PID/stat"
}

# wait_state PID STATE: until PID's state letter is STATE (5 s at most).
wait_state() {
	local stat _
	for _ in $(seq 1 500); do
		read -r stat < "/proc/$1/stat" || return 1
		stat=${stat##*) }
		[ "${stat%% *}" = "$2" ] && return 0
		sleep 0.01
	done
	echo "pid $1 did not reach state $2" >&2
	return 1
}

# grab MODE [FD]: another process takes the holder's fd FD (default FD0):
# keeps the fd, a mapping of it, or both.  Sets GRAB_PID, GRAB_FD, GRAB_ADDR.
grab() {
	local ready="$BATS_TEST_TMPDIR/grab.$RANDOM" i
	"$TCE_HOLDER" --grab "$HOLDER_PID" "${2:-$FD0}" "$1" "$ready" 3>&- &
	GRAB_PID=$!
	for i in $(seq 1 200); do
		[ -s "$ready" ] && break
		sleep 0.01
	done
	read -r GRAB_FD GRAB_ADDR < "$ready"
}
