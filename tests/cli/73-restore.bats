#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
#
# tcectl restore FILE TARGET and restore --reset TARGET: write a
# checkpoint's entries back into live tables (or clear them), with the
# process stopped, after saving what they held as an undo checkpoint.
# The holder's memfd is read back byte for byte through /proc/PID/fd.

load test_helper

setup() {
	OUT="$BATS_TEST_TMPDIR/out"
	mkdir -p "$OUT"
}

teardown() {
	# A test that failed with the holder stopped must still end.
	[ -n "${HOLDER_PID:-}" ] && kill -CONT "$HOLDER_PID" 2>/dev/null
	[ -n "${WATCH_FLAG:-}" ] && touch "$WATCH_FLAG.end"
	[ -n "${WATCH_PID:-}" ] && wait "$WATCH_PID" 2>/dev/null
	stop_holder
}

checkpoint() { # FILE TARGET...
	local file=$1
	shift
	"$TCECTL" checkpoint -o "$file" "$@" > /dev/null
}

# save NAME: a copy of table 0's bytes as they are now.
save() {
	cp "/proc/$HOLDER_PID/fd/$FD0" "$BATS_TEST_TMPDIR/$1"
}

# same_as NAME: table 0 holds what save NAME saw.
same_as() {
	cmp "/proc/$HOLDER_PID/fd/$FD0" "$BATS_TEST_TMPDIR/$1"
}

# change_mixed: six entries of table 0 (a "mixed" one) changed, added or removed.
change_mixed() {
	holder_cmd set 0 6 0x30000003
	holder_cmd set 0 7 0x30001003
	holder_cmd set 0 8 0
	holder_cmd set 0 100 0x70000001
	holder_cmd set 0 101 0x70001001
	holder_cmd set 0 8191 0x60000002
}

# The plan to undo change_mixed: each entry as it is (-) and as it will be (+).
undo_mixed_plan() {
	cat <<'EOF'
- 0x00006000-0x00006fff 0x30000000-0x30000fff rw       1
+ 0x00006000-0x00006fff 0x30000000-0x30000fff w        1
- 0x00007000-0x00007fff 0x30001000-0x30001fff rw       1
+ 0x00008000-0x00008fff 0x40000000-0x40000fff -        1
- 0x00064000-0x00065fff 0x70000000-0x70001fff r        2
- 0x01fff000-0x01ffffff 0x60000000-0x60000fff w        1
+ 0x01fff000-0x01ffffff 0x60000000-0x60000fff rw       1
EOF
}

state_of() { # PID
	local stat
	read -r stat < "/proc/$1/stat"
	stat=${stat##*) }
	echo "${stat%% *}"
}

# watch_stopped PID: in the background, until $WATCH_FLAG.end exists, watch
# PID's state; $WATCH_FLAG holds "T" once PID was seen stopped.
watch_stopped() {
	WATCH_FLAG="$BATS_TEST_TMPDIR/watch"
	rm -f "$WATCH_FLAG" "$WATCH_FLAG.end" "$WATCH_FLAG.ready"
	: > "$WATCH_FLAG"
	(
		local stat
		while [ ! -e "$WATCH_FLAG.end" ]; do
			read -r stat < "/proc/$1/stat" || break
			: > "$WATCH_FLAG.ready"
			stat=${stat##*) }
			if [ "${stat%% *}" = T ]; then
				echo T > "$WATCH_FLAG"
				break
			fi
		done
	) 3>&- &
	WATCH_PID=$!
	local _
	for _ in $(seq 1 500); do
		[ -e "$WATCH_FLAG.ready" ] && return 0
		sleep 0.01
	done
	echo "the state watcher did not start" >&2
	return 1
}

end_watch() { # prints what the watcher saw: T or nothing
	touch "$WATCH_FLAG.end"
	wait "$WATCH_PID"
	WATCH_PID=
	cat "$WATCH_FLAG"
}

# undo_files DIR: the undo checkpoints restore made there.
undo_files() {
	find "$1" -maxdepth 1 -name "$2" -printf '%f\n' | sort
}

# start_vfio_holder SPEC...: start_holder, but the holder also holds an fd
# on /dev/vfio/0, as a VMM with a VFIO device does.  The /dev/vfio it sees
# is on a tmpfs in a mount namespace of its own: nothing changes outside.
start_vfio_holder() {
	HOLDER_DIR=$(mktemp -d "$BATS_TEST_TMPDIR/holder.XXXXXX")
	unshare --mount --propagation private -- sh -c '
		mount -t tmpfs tcectl-test /dev && mkdir /dev/vfio && : > /dev/vfio/0 &&
		exec 9< /dev/vfio/0 && exec "$@"' sh "$TCE_HOLDER" "$HOLDER_DIR" "$@" 3>&- &
	HOLDER_PID=$!
	wait_holder_ready
	[ "$(readlink "/proc/$HOLDER_PID/fd/9")" = /dev/vfio/0 ]
}

@test "the round trip: checkpoint, change, diff, restore --yes, diff again" {
	start_holder 8K:mixed
	save checkpointed
	checkpoint "$OUT/c.tce" "$HOLDER_PID:$FD0"
	change_mixed
	save changed
	run_tcectl diff "$OUT/c.tce" "$HOLDER_PID:$FD0"
	assert_failure 1
	assert_output "$(cat <<EOF
--- $OUT/c.tce:0
+++ $HOLDER_PID:$FD0
- 0x00006000-0x00006fff 0x30000000-0x30000fff w        1
+ 0x00006000-0x00006fff 0x30000000-0x30000fff rw       1
+ 0x00007000-0x00007fff 0x30001000-0x30001fff rw       1
- 0x00008000-0x00008fff 0x40000000-0x40000fff -        1
+ 0x00064000-0x00065fff 0x70000000-0x70001fff r        2
- 0x01fff000-0x01ffffff 0x60000000-0x60000fff rw       1
+ 0x01fff000-0x01ffffff 0x60000000-0x60000fff w        1
added 3, removed 1, changed 2 entries
EOF
)"
	run_tcectl_vmm "$FD0" restore --yes "$OUT/c.tce" "$HOLDER_PID:$FD0"
	assert_success
	[ "$stderr" = "" ]
	local undo
	undo=$(undo_files "$OUT" "c.tce.undo-$HOLDER_PID-*")
	[[ $undo =~ ^c\.tce\.undo-$HOLDER_PID-[0-9]{8}T[0-9]{6}Z$ ]]
	assert_output "restored 6 entries in 1 table of pid $HOLDER_PID; undo with: tcectl restore $OUT/$undo $HOLDER_PID:$FD0"
	run_tcectl diff "$OUT/c.tce" "$HOLDER_PID:$FD0"
	assert_success
	assert_output ""
	same_as checkpointed
	local i
	for i in 6 7 8 100 101 8191; do
		run holder_cmd get 0 "$i"
		assert_output "$(od -An -j $((i * 8)) -N8 -tx8 "$BATS_TEST_TMPDIR/checkpointed" | sed 's/^ */0x/')"
	done
	run holder_cmd get 0 6
	assert_output 0x0000000030000002
	run holder_cmd get 0 7
	assert_output 0x0000000000000000
	run holder_cmd get 0 8
	assert_output 0x0000000040000000
	# The undo checkpoint holds the tables as they were before.
	run_tcectl diff "$OUT/$undo" "$HOLDER_PID:$FD0"
	assert_failure 1
	run_tcectl_vmm "$FD0" restore --yes "$OUT/$undo" "$HOLDER_PID:$FD0"
	assert_success
	same_as changed
}

@test "the undo checkpoint is a whole checkpoint of the tables as they were" {
	start_holder 8K:mixed
	checkpoint "$OUT/c.tce" "$HOLDER_PID:$FD0"
	holder_cmd set 0 7 0x30001003
	run_tcectl_vmm "$FD0" restore --yes --undo "$OUT/undo.tce" "$OUT/c.tce" "$HOLDER_PID:$FD0"
	assert_success
	run_tcectl verify "$OUT/undo.tce"
	assert_success
	run_tcectl inspect --json "$OUT/undo.tce"
	echo "$output" | jq -e --argjson p "$HOLDER_PID" --argjson fd "$FD0" --arg host "$(uname -n)" \
		--arg kernel "$(uname -r)" '
		.[0] | .pid == $p and .comm == "tce-holder" and .hostname == $host and .kernel == $kernel and
		       .consistent == true and
		       [.tables[] | [.pid, .fd, .entries, .mapped]] == [[$p, $fd, 8192, 16]]'
}

@test "restore from a big-endian checkpoint puts back the same entries" {
	start_holder 8K:mixed
	save checkpointed
	"$TCECTL" checkpoint --byte-order big -o "$OUT/be.tce" "$HOLDER_PID:$FD0" > /dev/null
	change_mixed
	run_tcectl_vmm "$FD0" restore --yes --undo "$OUT/undo.tce" "$OUT/be.tce" "$HOLDER_PID:$FD0"
	assert_success
	assert_output "restored 6 entries in 1 table of pid $HOLDER_PID; undo with: tcectl restore $OUT/undo.tce $HOLDER_PID:$FD0"
	same_as checkpointed
}

@test "--dry-run prints the plan and changes nothing" {
	start_holder 8K:mixed
	checkpoint "$OUT/c.tce" "$HOLDER_PID:$FD0"
	change_mixed
	save changed
	run_tcectl_vmm "$FD0" restore --dry-run "$OUT/c.tce" "$HOLDER_PID:$FD0"
	assert_success
	assert_output "$HOLDER_PID:$FD0: 6 entries to write
$(undo_mixed_plan)"
	[ "$stderr" = "" ]
	same_as changed
	[ "$(ls -A "$OUT")" = c.tce ]
	# --yes does not make a dry run write.
	run_tcectl_vmm "$FD0" restore --dry-run --yes "$OUT/c.tce" "$HOLDER_PID:$FD0"
	assert_success
	same_as changed
	[ "$(ls -A "$OUT")" = c.tce ]
}

@test "nothing to write: said, no question asked, and no undo file" {
	start_holder 8K:mixed 8K:direct
	checkpoint "$OUT/c.tce" "$HOLDER_PID:$FD0" "$HOLDER_PID:$FD1"
	run_tcectl_vmm "$FD0" restore --yes "$OUT/c.tce:0" "$HOLDER_PID:$FD0"
	assert_success
	assert_output "nothing to write: the tables already hold it"
	[ "$stderr" = "" ]
	# Without --yes, after the lines of --dry-run.
	run_tcectl_vmm "$FD1" restore "$OUT/c.tce:1" "$HOLDER_PID:$FD1" < /dev/null
	assert_success
	assert_output "$HOLDER_PID:$FD1: 0 entries to write
nothing to write: the tables already hold it"
	[ "$stderr" = "" ]
	run_tcectl_vmm "$FD1" restore --dry-run "$OUT/c.tce:1" "$HOLDER_PID:$FD1"
	assert_success
	assert_output "$HOLDER_PID:$FD1: 0 entries to write
nothing to write: the tables already hold it"
	[ "$(ls -A "$OUT")" = c.tce ]
}

@test "an undo checkpoint that cannot be written: nothing written, the process resumed" {
	start_holder 8K:mixed
	checkpoint "$OUT/c.tce" "$HOLDER_PID:$FD0"
	holder_cmd set 0 7 0x30001003
	save changed
	run_tcectl_vmm "$FD0" restore --yes --undo "$OUT/no/dir/undo.tce" "$OUT/c.tce" "$HOLDER_PID:$FD0"
	assert_failure 7
	assert_output ""
	[ "$stderr" = "tcectl: restore: undo file $OUT/no/dir/undo.tce: cannot create a file in '$OUT/no/dir': No such file or directory; choose a writable directory; no table was touched" ]
	same_as changed
	[ "$(state_of "$HOLDER_PID")" != T ]
	[ "$(ls -A "$OUT")" = c.tce ]
}

@test "without --yes and without a terminal: refused, exit 2, nothing changed" {
	start_holder 8K:mixed
	checkpoint "$OUT/c.tce" "$HOLDER_PID:$FD0"
	change_mixed
	save changed
	run_tcectl_vmm "$FD0" restore "$OUT/c.tce" "$HOLDER_PID:$FD0" < /dev/null
	assert_failure 2
	assert_output ""
	[ "$stderr" = "tcectl: restore: restore rewrites a running guest's DMA mappings; confirm with --yes (or run it on a terminal)" ]
	same_as changed
	[ "$(ls -A "$OUT")" = c.tce ]
}

@test "--json: a refusal is a JSON error; nothing changed" {
	start_holder 8K:mixed
	checkpoint "$OUT/c.tce" "$HOLDER_PID:$FD0"
	holder_cmd set 0 7 0x30001003
	save changed
	run_tcectl_vmm "$FD0" restore --json "$OUT/c.tce" "$HOLDER_PID:$FD0" < /dev/null
	assert_failure 2
	echo "$output" | jq -e '. == {error: "restore rewrites a running guest'"'"'s DMA mappings; confirm with --yes (or run it on a terminal)", status: 2}'
	[ "$stderr" = "tcectl: restore: restore rewrites a running guest's DMA mappings; confirm with --yes (or run it on a terminal)" ]
	same_as changed
}

@test "on a terminal: n refuses, y restores" {
	start_holder 8K:mixed
	save checkpointed
	checkpoint "$OUT/c.tce" "$HOLDER_PID:$FD0"
	change_mixed
	save changed
	local cmd prompt
	vmm_cmd "$FD0"
	cmd=$(printf '%q ' "${VMM_CMD[@]}" "$TCECTL" restore --undo "$OUT/undo.tce" "$OUT/c.tce" "$HOLDER_PID:$FD0")
	prompt="tcectl: restore: write 6 entries into 1 table of pid $HOLDER_PID? [y/N] "
	run script -E never -qec "$cmd" /dev/null <<<"n"
	assert_failure 1
	[ "$output" = "${prompt}not confirmed; nothing was written"$'\r' ]
	same_as changed
	[ ! -e "$OUT/undo.tce" ]
	run script -E never -qec "$cmd" /dev/null <<<""
	assert_failure 1
	same_as changed
	run script -E never -qec "$cmd" /dev/null <<<"y"
	assert_success
	[ "$output" = "${prompt}restored 6 entries in 1 table of pid $HOLDER_PID; undo with: tcectl restore $OUT/undo.tce $HOLDER_PID:$FD0"$'\r' ]
	same_as checkpointed
	"$TCECTL" verify "$OUT/undo.tce"
	run_tcectl_vmm "$FD0" restore --yes "$OUT/undo.tce" "$HOLDER_PID:$FD0"
	assert_success
	same_as changed
}

@test "--undo FILE: the undo checkpoint goes there, and is named in the output" {
	start_holder 8K:mixed
	checkpoint "$OUT/c.tce" "$HOLDER_PID:$FD0"
	holder_cmd set 0 20 0x1003
	save changed
	mkdir "$OUT/undo"
	run_tcectl_vmm "$FD0" restore --yes --undo "$OUT/undo/first.tce" "$OUT/c.tce" "$HOLDER_PID:$FD0"
	assert_success
	assert_output "restored 1 entry in 1 table of pid $HOLDER_PID; undo with: tcectl restore $OUT/undo/first.tce $HOLDER_PID:$FD0"
	[ "$(ls -A "$OUT/undo")" = first.tce ]
	[ "$(undo_files "$OUT" 'c.tce.undo-*')" = "" ]
	run_tcectl diff -n "$OUT/undo/first.tce" "$HOLDER_PID:$FD0"
	assert_failure 1
	assert_output "--- $OUT/undo/first.tce:0
+++ $HOLDER_PID:$FD0
- 0x00014000-0x00014fff 0x00001000-0x00001fff rw       1"
	# The undo command it printed works as printed (with --yes).
	run_tcectl_vmm "$FD0" restore --yes "$OUT/undo/first.tce" "$HOLDER_PID:$FD0"
	assert_success
	same_as changed
}

@test "--reset clears every entry, keeping an undo checkpoint in the current directory" {
	start_holder 8K:mixed
	save before
	cd "$OUT"
	run_tcectl_vmm "$FD0" restore --reset --yes "$HOLDER_PID:$FD0"
	assert_success
	local undo
	undo=$(undo_files "$OUT" "tcectl-undo-$HOLDER_PID-*.tce")
	[[ $undo =~ ^tcectl-undo-$HOLDER_PID-[0-9]{8}T[0-9]{6}Z\.tce$ ]]
	assert_output "restored 15 entries in 1 table of pid $HOLDER_PID; undo with: tcectl restore $undo $HOLDER_PID:$FD0"
	run_tcectl list -o fd,entries,mapped "$HOLDER_PID:$FD0"
	assert_success
	assert_output "$(printf '%2s %7s %6s\n' FD ENTRIES MAPPED "$FD0" 8192 0)"
	cmp "/proc/$HOLDER_PID/fd/$FD0" <(head -c 65536 /dev/zero)
	run_tcectl_vmm "$FD0" restore --yes "$undo" "$HOLDER_PID:$FD0"
	assert_success
	same_as before
}

@test "--reset --dry-run lists what would be cleared" {
	start_holder 8K:mixed
	save before
	run_tcectl_vmm "$FD0" restore --reset --dry-run "$HOLDER_PID:$FD0,entries=12"
	assert_success
	assert_output "$(cat <<EOF
$HOLDER_PID:$FD0: 10 entries to write
- 0x00000000-0x00003fff 0x10000000-0x10003fff rw       4
- 0x00004000-0x00005fff 0x20000000-0x20001fff r        2
- 0x00006000-0x00006fff 0x30000000-0x30000fff w        1
- 0x00008000-0x00008fff 0x40000000-0x40000fff -        1
- 0x00009000-0x00009fff 0x50000000-0x50000fff rw       1
- 0x0000a000-0x0000afff 0x50002000-0x50002fff rw       1
EOF
)"
	same_as before
}

@test "a bare PID: every table restored" {
	start_holder 8K:mixed 8K:direct
	run_tcectl_tce_fds "$FD0 $FD1" checkpoint -o "$OUT/c.tce" "$HOLDER_PID"
	assert_success
	holder_cmd set 0 7 0x30001003
	holder_cmd set 1 7 0
	run_tcectl_tce_fds "$FD0 $FD1" restore --yes --undo "$OUT/undo.tce" "$OUT/c.tce" "$HOLDER_PID"
	assert_success
	assert_output "restored 2 entries in 2 tables of pid $HOLDER_PID; undo with: tcectl restore $OUT/undo.tce $HOLDER_PID"
	run_tcectl_tce_fds "$FD0 $FD1" diff "$OUT/c.tce" "$HOLDER_PID"
	assert_success
	assert_output ""
}

@test "tables pair by liobn, as diff pairs them" {
	start_holder 8K:mixed 8K:mixed
	checkpoint "$OUT/c.tce" "$HOLDER_PID:$FD1,liobn=0x10"
	holder_cmd set 1 20 0x1003
	save before
	# Restored into fd FD0, labelled with the liobn of the table in the file.
	run_tcectl_vmm "$FD0" restore --yes --dry-run "$OUT/c.tce" "$HOLDER_PID:$FD0,liobn=0x10"
	assert_success
	assert_output "$HOLDER_PID:$FD0: 0 entries to write
nothing to write: the tables already hold it"
	[ "$stderr" = "" ]
	run_tcectl_vmm "$FD1" restore --yes --undo "$OUT/undo.tce" "$OUT/c.tce" "$HOLDER_PID:$FD1,liobn=0x10"
	assert_success
	assert_output "restored 1 entry in 1 table of pid $HOLDER_PID; undo with: tcectl restore $OUT/undo.tce $HOLDER_PID:$FD1,liobn=0x10"
	same_as before
	run holder_cmd get 1 20
	assert_output 0x0000000000000000
	# The label travels with the undo file.
	run_tcectl inspect --json "$OUT/undo.tce"
	echo "$output" | jq -e '.[0].tables[0].liobn == "0x10"'
}

@test "tables paired by order: a warning" {
	start_holder 8K:mixed 8K:mixed
	checkpoint "$OUT/c.tce" "$HOLDER_PID:$FD0"
	holder_cmd set 1 7 0x30001003
	run_tcectl_vmm "$FD1" restore --dry-run "$OUT/c.tce" "$HOLDER_PID:$FD1"
	assert_success
	assert_output "$HOLDER_PID:$FD1: 1 entry to write
- 0x00007000-0x00007fff 0x30001000-0x30001fff rw       1"
	[ "$stderr" = "tcectl: restore: warning: $HOLDER_PID:$FD1 and $OUT/c.tce:0 are paired by their order: no liobn or fd in common" ]
}

@test "a table of the file that matches no live table: exit 6, nothing written" {
	start_holder 8K:mixed 8K:direct
	checkpoint "$OUT/c.tce" "$HOLDER_PID:$FD0" "$HOLDER_PID:$FD1"
	holder_cmd set 0 7 0x30001003
	save changed
	run_tcectl_vmm "$FD0" restore --yes "$OUT/c.tce" "$HOLDER_PID:$FD0"
	assert_failure 6
	assert_output ""
	[ "$stderr" = "tcectl: restore: $OUT/c.tce:1 matches no table of $HOLDER_PID:$FD0; restore one table as FILE:N, or label the live tables with liobn=" ]
	same_as changed
	[ "$(ls -A "$OUT")" = c.tce ]
	# As the message says: FILE:N.
	run_tcectl_vmm "$FD0" restore --yes --undo "$OUT/undo.tce" "$OUT/c.tce:0" "$HOLDER_PID:$FD0"
	assert_success
	run_tcectl diff "$OUT/c.tce:0" "$HOLDER_PID:$FD0"
	assert_success
}

@test "a live table that has no table in the file: exit 6, nothing written" {
	start_holder 8K:mixed 8K:direct
	checkpoint "$OUT/c.tce" "$HOLDER_PID:$FD0"
	holder_cmd set 0 7 0x30001003
	save changed
	run_tcectl_tce_fds "$FD0 $FD1" restore --yes "$OUT/c.tce" "$HOLDER_PID"
	assert_failure 6
	assert_output ""
	[ "$stderr" = "tcectl: restore: live table $HOLDER_PID:$FD1 has no partner in $OUT/c.tce; label the tables with liobn=, or give FILE:N and PID:FD" ]
	same_as changed
	[ "$(ls -A "$OUT")" = c.tce ]
}

@test "one table each side but their liobns differ: exit 6, the message names both" {
	start_holder 8K:mixed
	checkpoint "$OUT/c.tce" "$HOLDER_PID:$FD0,liobn=0x10"
	holder_cmd set 0 7 0x30001003
	save changed
	run_tcectl_vmm "$FD0" restore --yes "$OUT/c.tce" "$HOLDER_PID:$FD0,liobn=0x11"
	assert_failure 6
	assert_output ""
	[ "${#stderr_lines[@]}" -eq 1 ]
	# Not "restore it alone as PID:FD": that is what was given.
	[[ $stderr == "tcectl: restore: "*0x10*0x11* || $stderr == "tcectl: restore: "*0x11*0x10* ]]
	same_as changed
}

@test "a geometry that differs: exit 6, nothing written" {
	start_holder 8K:mixed
	checkpoint "$OUT/c.tce" "$HOLDER_PID:$FD0"
	holder_cmd set 0 7 0x30001003
	save changed
	run_tcectl_vmm "$FD0" restore --yes "$OUT/c.tce" "$HOLDER_PID:$FD0,page=64K"
	assert_failure 6
	assert_output ""
	[ "$stderr" = "tcectl: restore: $OUT/c.tce:0 has 4096-byte IOMMU pages and $HOLDER_PID:$FD0 65536; if one is live, give its geometry (PID:FD,page=SIZE)" ]
	run_tcectl_vmm "$FD0" restore --yes "$OUT/c.tce" "$HOLDER_PID:$FD0,entries=4K"
	assert_failure 6
	[ "$stderr" = "tcectl: restore: $OUT/c.tce:0 has 8192 entries and $HOLDER_PID:$FD0 4096; they are not the same window" ]
	run_tcectl_vmm "$FD0" restore --yes "$OUT/c.tce" "$HOLDER_PID:$FD0,offset=0x100000000"
	assert_failure 6
	[ "$stderr" = "tcectl: restore: $OUT/c.tce:0 starts at bus address 0x0 and $HOLDER_PID:$FD0 at 0x100000000; if one is live, give its geometry (PID:FD,offset=ADDR)" ]
	same_as changed
	[ "$(ls -A "$OUT")" = c.tce ]
}

@test "restore writes into live tables only: a FILE target is refused" {
	start_holder 8K:mixed
	checkpoint "$OUT/a.tce" "$HOLDER_PID:$FD0"
	cp "$OUT/a.tce" "$OUT/b.tce"
	run_tcectl restore --yes "$OUT/a.tce" "$OUT/b.tce"
	assert_failure 2
	assert_output ""
	[ "$stderr" = "tcectl: restore: '$OUT/b.tce' is a file; restore writes into a live TARGET (PID or PID:FD)" ]
	cmp "$OUT/a.tce" "$OUT/b.tce"
	run_tcectl restore --yes "$OUT/a.tce" "$OUT/b.tce:0"
	assert_failure 2
	[ "$stderr" = "tcectl: restore: '$OUT/b.tce:0' is a file; restore writes into a live TARGET (PID or PID:FD)" ]
	run_tcectl restore --reset --yes "$OUT/b.tce"
	assert_failure 2
	[ "$stderr" = "tcectl: restore: '$OUT/b.tce' is a file; restore writes into a live TARGET (PID or PID:FD)" ]
	cmp "$OUT/a.tce" "$OUT/b.tce"
	[ "$(ls -A "$OUT" | tr '\n' ' ')" = "a.tce b.tce " ]
}

@test "restore takes FILE TARGET, or --reset TARGET" {
	run_tcectl restore
	assert_failure 2
	assert_output ""
	[ "$stderr" = "tcectl: restore: usage: tcectl restore [OPTION...] FILE TARGET, or --reset TARGET" ]
	run_tcectl restore 1:3 1:4
	assert_failure 2
	[ "$stderr" = "tcectl: restore: '1:3' is not a checkpoint file; usage: tcectl restore FILE TARGET" ]
	run_tcectl restore --reset "$BATS_TEST_TMPDIR/x.tce" 1:3
	assert_failure 2
	[ "$stderr" = "tcectl: restore: --reset takes one TARGET and no FILE" ]
	run_tcectl restore a b c
	assert_failure 2
	[ "$stderr" = "tcectl: restore: too many arguments; usage: tcectl restore [OPTION...] FILE TARGET" ]
}

@test "a process with a VFIO device: refused without --force" {
	start_vfio_holder 8K:mixed
	checkpoint "$OUT/c.tce" "$HOLDER_PID:$FD0"
	holder_cmd set 0 7 0x30001003
	save changed
	run_tcectl_vmm "$FD0" restore --yes "$OUT/c.tce" "$HOLDER_PID:$FD0"
	assert_failure 2
	assert_output ""
	[ "$stderr" = "tcectl: restore: pid $HOLDER_PID has VFIO devices: a table write does not reprogram their hardware IOMMU entries, so the guest and the device would disagree; give --force to restore anyway" ]
	same_as changed
	run_tcectl_vmm "$FD0" restore --reset --yes "$HOLDER_PID:$FD0"
	assert_failure 2
	same_as changed
	[ "$(ls -A "$OUT")" = c.tce ]
}

@test "a process with a VFIO device: --force restores" {
	start_vfio_holder 8K:mixed
	save checkpointed
	checkpoint "$OUT/c.tce" "$HOLDER_PID:$FD0"
	holder_cmd set 0 7 0x30001003
	run_tcectl_vmm "$FD0" restore --force --yes --undo "$OUT/undo.tce" "$OUT/c.tce" "$HOLDER_PID:$FD0"
	assert_success
	assert_output "restored 1 entry in 1 table of pid $HOLDER_PID; undo with: tcectl restore $OUT/undo.tce $HOLDER_PID:$FD0"
	same_as checkpointed
}

@test "by default the process is stopped while its tables are written, and resumed" {
	start_holder 16M:sparse
	checkpoint "$OUT/c.tce" "$HOLDER_PID:$FD0"
	local try seen=
	# A loaded machine may run the whole write between two looks: try again.
	for try in 1 2 3 4 5; do
		holder_cmd set 0 600 $(( (try << 12) | 3 ))
		watch_stopped "$HOLDER_PID"
		run_tcectl_vmm "$FD0" restore --yes --undo "$OUT/undo$try.tce" "$OUT/c.tce" "$HOLDER_PID:$FD0"
		assert_success
		seen=$(end_watch)
		[ "$(state_of "$HOLDER_PID")" != T ]
		[ "$seen" = T ] && break
	done
	[ "$seen" = T ]
	run holder_cmd get 0 600
	assert_output 0x0000000000000000
}

@test "--already-paused: the process is not stopped" {
	start_holder 16M:sparse
	checkpoint "$OUT/c.tce" "$HOLDER_PID:$FD0"
	holder_cmd set 0 600 0x1003
	watch_stopped "$HOLDER_PID"
	run_tcectl_vmm "$FD0" restore --yes --already-paused --undo "$OUT/undo.tce" "$OUT/c.tce" "$HOLDER_PID:$FD0"
	assert_success
	[ "$(end_watch)" = "" ]
	run holder_cmd get 0 600
	assert_output 0x0000000000000000
	run_tcectl diff "$OUT/c.tce" "$HOLDER_PID:$FD0"
	assert_success
}

@test "a process that was stopped already stays stopped" {
	start_holder 8K:mixed
	checkpoint "$OUT/c.tce" "$HOLDER_PID:$FD0"
	holder_cmd set 0 7 0x30001003
	kill -STOP "$HOLDER_PID"
	run_tcectl_vmm "$FD0" restore --yes --undo "$OUT/undo.tce" "$OUT/c.tce" "$HOLDER_PID:$FD0"
	local st=$status
	local now
	now=$(state_of "$HOLDER_PID")
	kill -CONT "$HOLDER_PID"
	[ "$st" -eq 0 ]
	[ "$now" = T ]
	run_tcectl diff "$OUT/c.tce" "$HOLDER_PID:$FD0"
	assert_success
}

@test "--json: the plan of --dry-run, and the outcome of a restore" {
	start_holder 8K:mixed
	checkpoint "$OUT/c.tce" "$HOLDER_PID:$FD0"
	holder_cmd set 0 2 0x99999003
	run_tcectl_vmm "$FD0" restore --dry-run --json "$OUT/c.tce" "$HOLDER_PID:$FD0"
	assert_success
	echo "$output" | jq -e --arg t "$HOLDER_PID:$FD0" '
		. == {dry_run: true, tables: [{table: $t, writes: 1, changes: [
			{kind: "changed", index: 2, ioba: "0x2000", pages: 1,
			 old: {gpa: "0x99999000", perm: "rw", raw: "0x99999003"},
			 new: {gpa: "0x10002000", perm: "rw", raw: "0x10002003"}}]}]}'
	[ "$(holder_cmd get 0 2)" = 0x0000000099999003 ]
	run_tcectl_vmm "$FD0" restore --yes --json --undo "$OUT/u.tce" "$OUT/c.tce" "$HOLDER_PID:$FD0"
	assert_success
	echo "$output" | jq -e --arg u "$OUT/u.tce" --argjson p "$HOLDER_PID" '
		. == {confirmed: true, restored: 1, tables: 1, pid: $p, undo: $u}'
	[ "$(holder_cmd get 0 2)" = 0x0000000010002003 ]
	run_tcectl_vmm "$FD0" restore --yes --json "$OUT/c.tce" "$HOLDER_PID:$FD0"
	assert_success
	echo "$output" | jq -e '.restored == 0 and .undo == null'
}

@test "--undo that is a FIFO or a device: exit 2 before anything is read, paused or written" {
	start_holder 8K:mixed
	run_tcectl checkpoint -o "$OUT/c.tce" "$HOLDER_PID:$FD0"
	assert_success
	holder_cmd set 0 5 0x77773003
	mkfifo "$OUT/fifo"
	mknod "$OUT/null" c 1 3
	run_tcectl_vmm "$FD0" restore --yes --undo "$OUT/fifo" "$OUT/c.tce" "$HOLDER_PID:$FD0"
	assert_failure 2
	[ "$stderr" = "tcectl: restore: undo file '$OUT/fifo' is a FIFO, not a regular file; tcectl replaces only regular files: give another name" ]
	run_tcectl_vmm "$FD0" restore --yes --undo "$OUT/null" "$OUT/c.tce" "$HOLDER_PID:$FD0"
	assert_failure 2
	[ "$stderr" = "tcectl: restore: undo file '$OUT/null' is a device, not a regular file; tcectl replaces only regular files: give another name" ]
	[ -p "$OUT/fifo" ] && [ -c "$OUT/null" ]
	[ "$(holder_cmd get 0 5)" = 0x0000000077773003 ]
}

# start_data_holder FILE SPEC...: start_holder, the holder also holding
# FILE open read-write at fd 9, as any process may hold a data file.
start_data_holder() {
	local file=$1
	shift
	HOLDER_DIR=$(mktemp -d "$BATS_TEST_TMPDIR/holder.XXXXXX")
	"$TCE_HOLDER" "$HOLDER_DIR" "$@" 3>&- 9<>"$file" &
	HOLDER_PID=$!
	wait_holder_ready
}

@test "an fd that is not a kvm-spapr-tce table: refused without --force, the file untouched" {
	head -c 65536 /dev/urandom > "$OUT/data"
	cp "$OUT/data" "$OUT/data.orig"
	start_data_holder "$OUT/data" 8K:mixed
	cd "$OUT"
	run_tcectl restore --reset --yes "$HOLDER_PID:9"
	assert_failure 2
	assert_output ""
	[ "$stderr" = "tcectl: restore: $HOLDER_PID:9 is $OUT/data, not a kvm-spapr-tce table: a restore would overwrite it; give --force to write into it anyway" ]
	cmp "$OUT/data" "$OUT/data.orig"
	[ "$(ls -A "$OUT" | tr '\n' ' ')" = "data data.orig " ]
	# A dry run writes nothing: it shows the plan.
	run_tcectl restore --reset --dry-run "$HOLDER_PID:9"
	assert_success
	cmp "$OUT/data" "$OUT/data.orig"
	# A table's stand-in that does not pass for one is refused the same way.
	run_tcectl restore --reset --yes "$HOLDER_PID:$FD0"
	assert_failure 2
	[[ $stderr == "tcectl: restore: $HOLDER_PID:$FD0 is /memfd:tce-holder (deleted), not a kvm-spapr-tce table"* ]]
	# --force is the way out the message names: the file is written.
	run_tcectl restore --reset --yes --force --undo "$OUT/undo.tce" "$HOLDER_PID:9"
	assert_success
	cmp "$OUT/data" <(head -c 65536 /dev/zero)
}

# prompt_restore ARGS...: tcectl restore ARGS in the VMM view of table 0 under
# script(1), in the background, its terminal's output in $OUT/tty; sets
# SCRIPT_PID and returns once the question is asked.  answer TEXT replies.
prompt_restore() {
	mkfifo "$OUT/answer"
	vmm_cmd "$FD0"
	local cmd _
	cmd=$(printf '%q ' "${VMM_CMD[@]}" "$TCECTL" restore "$@")
	script -E never -qec "$cmd" /dev/null < "$OUT/answer" > "$OUT/tty" 2>&1 &
	SCRIPT_PID=$!
	exec 8> "$OUT/answer"
	for _ in $(seq 1 500); do
		grep -q '\[y/N\]' "$OUT/tty" && return 0
		sleep 0.01
	done
	echo "no question asked" >&2
	return 1
}

answer() { # sets status to tcectl's exit status
	echo "$1" >&8
	exec 8>&-
	status=0
	wait "$SCRIPT_PID" || status=$?
}

@test "the VMM exits while the question is asked: nothing written, said so" {
	start_holder 8K:mixed
	checkpoint "$OUT/c.tce" "$HOLDER_PID:$FD0"
	change_mixed
	prompt_restore --undo "$OUT/undo.tce" "$OUT/c.tce" "$HOLDER_PID:$FD0"
	local pid=$HOLDER_PID
	stop_holder
	answer y
	[ "$status" -eq 3 ]
	grep -qF "tcectl: restore: pid $pid exited after its tables were read; nothing was written (a process that has its pid now is not the one planned for)" "$OUT/tty"
	[ ! -e "$OUT/undo.tce" ]
	[ "$(ls -A "$OUT" | tr '\n' ' ')" = "answer c.tce tty " ]
}

@test "a table that changes while the question is asked: nothing written, said so" {
	start_holder 8K:mixed
	checkpoint "$OUT/c.tce" "$HOLDER_PID:$FD0"
	change_mixed
	prompt_restore --undo "$OUT/undo.tce" "$OUT/c.tce" "$HOLDER_PID:$FD0"
	holder_cmd set 0 30 0x12345003
	save changed
	answer y
	[ "$status" -eq 3 ]
	grep -qF "tcectl: restore: the tables of pid $HOLDER_PID changed since the restore was confirmed; nothing was written: run the command again to see the new plan" "$OUT/tty"
	same_as changed
	[ ! -e "$OUT/undo.tce" ]
	[ "$(state_of "$HOLDER_PID")" != T ]
}

@test "a table that shrinks while the question is asked: nothing written, said so" {
	start_holder 8K:mixed
	prompt_restore --reset --attach=fd --undo "$OUT/undo.tce" "$HOLDER_PID:$FD0"
	holder_cmd shrink 0 4096
	save shrunk
	answer y
	[ "$status" -eq 3 ]
	grep -qF "tcectl: restore: the tables of pid $HOLDER_PID changed since the restore was confirmed; nothing was written" "$OUT/tty"
	same_as shrunk
	[ ! -e "$OUT/undo.tce" ]
}

@test "--already-paused: a table that shrinks between the plan and the write is not written" {
	start_holder 8K:mixed
	mkfifo "$OUT/cmdline"
	# The undo file reads the guest's name from cmdline: the test shrinks the table then.
	vmm_cmd "$FD0" cmdline="$OUT/cmdline"
	"${VMM_CMD[@]}" "$TCECTL" restore --reset --yes --already-paused --attach=fd \
		--undo "$OUT/undo.tce" "$HOLDER_PID:$FD0" > "$OUT/stdout" 2> "$OUT/stderr" &
	local tcectl=$!
	exec 8> "$OUT/cmdline"
	holder_cmd shrink 0 4096
	save shrunk
	printf 'tce-holder\0' >&8
	exec 8>&-
	local rc=0
	wait "$tcectl" || rc=$?
	[ "$rc" -eq 3 ]
	[ "$(cat "$OUT/stderr")" = "tcectl: restore: table $HOLDER_PID:$FD0 has 4096 entries of 4096 bytes at bus address 0x0 now, not the 8192 of 4096 bytes at 0x0 the plan was made for; it changed: nothing was written to it
tcectl: restore: no table was written; undo file $OUT/undo.tce holds them as they are" ]
	same_as shrunk
}

# paused_restore ARGS...: tcectl restore ARGS in the VMM view of table 0, in
# the background, held while it saves the undo file (its read of cmdline
# waits on a FIFO), the VMM stopped; sets TCECTL_PID.  go_on lets it go.
paused_restore() {
	mkfifo "$OUT/cmdline"
	vmm_cmd "$FD0" cmdline="$OUT/cmdline"
	# env: tcectl keeps a signal ignored at start ignored, and a job in
	# the background of a shell started that way (make check run from a
	# script's background job) would have SIGINT and SIGQUIT ignored.
	(ulimit -c 0; exec env --default-signal=INT,QUIT "${VMM_CMD[@]}" "$TCECTL" restore "$@" \
		> "$OUT/stdout" 2> "$OUT/stderr") &
	TCECTL_PID=$!
	exec 8> "$OUT/cmdline"
	wait_state "$HOLDER_PID" T
}

go_on() { # sets status to tcectl's exit status
	# tcectl may be gone, and with it the FIFO's reader: only a subshell gets the SIGPIPE.
	(printf 'tce-holder\0' >&8) 2>/dev/null || true
	exec 8>&-
	status=0
	wait "$TCECTL_PID" || status=$?
}

@test "SIGINT before the first write: nothing written, the VMM resumed, said so, exit 130" {
	start_holder 8K:mixed
	checkpoint "$OUT/c.tce" "$HOLDER_PID:$FD0"
	change_mixed
	save changed
	paused_restore --yes --undo "$OUT/undo.tce" "$OUT/c.tce" "$HOLDER_PID:$FD0"
	kill -INT "$TCECTL_PID"
	go_on
	[ "$status" -eq 130 ] || { echo "exit $status: $(cat "$OUT/stderr")" >&2; return 1; }
	[ "$(cat "$OUT/stderr")" = "tcectl: restore: interrupted by SIGINT before any table was written: the tables of pid $HOLDER_PID are untouched; no undo file was kept" ]
	same_as changed
	[ "$(state_of "$HOLDER_PID")" != T ]
	[ "$(ls -A "$OUT" | tr '\n' ' ')" = "c.tce cmdline stderr stdout " ]
}

@test "SIGTERM while tables are written: what was written is put back, the undo file named, exit 143" {
	start_holder 4M:direct 8K:mixed
	save before
	cp "/proc/$HOLDER_PID/fd/$FD1" "$BATS_TEST_TMPDIR/before1"
	vmm_cmd "$FD0 $FD1"
	holder_cmd record 0 0x10 12 0
	holder_cmd record 1 0x11 12 0
	"${VMM_CMD[@]}" "$TCECTL" restore --reset --yes --undo "$OUT/undo.tce" "$HOLDER_PID" \
		> "$OUT/stdout" 2> "$OUT/stderr" &
	local tcectl=$! _
	# Entry 1 of table 0 is cleared among the first writes: interrupt then.
	for _ in $(seq 1 2000); do
		[ "$(od -An -j 8 -N8 -tx8 "/proc/$HOLDER_PID/fd/$FD0" | tr -d ' ')" = 0000000000000000 ] && break
		sleep 0.001
	done
	# (SIGTERM: a job started with & ignores SIGINT, and tcectl keeps it so.)
	kill -TERM "$tcectl"
	status=0
	wait "$tcectl" || status=$?
	[ "$status" -eq 143 ]
	[[ $(cat "$OUT/stderr") =~ ^"tcectl: restore: interrupted by SIGTERM: the "[0-9]+" entries written were put back, so the tables of pid $HOLDER_PID hold what they held before, as undo file $OUT/undo.tce does"$ ]]
	[ "$(cat "$OUT/stdout")" = "" ]
	same_as before
	cmp "/proc/$HOLDER_PID/fd/$FD1" "$BATS_TEST_TMPDIR/before1"
	[ "$(state_of "$HOLDER_PID")" != T ]
	"$TCECTL" verify "$OUT/undo.tce"
}

@test "a fault or a quit while the VMM is stopped: the VMM resumed, no file left, tcectl dies of it" {
	start_holder 8K:mixed
	checkpoint "$OUT/c.tce" "$HOLDER_PID:$FD0"
	change_mixed
	save changed
	local sig code
	for sig in BUS SEGV QUIT; do
		paused_restore --yes --undo "$OUT/undo.tce" "$OUT/c.tce" "$HOLDER_PID:$FD0"
		kill -"$sig" "$TCECTL_PID"
		go_on
		code=$(kill -l "$sig")
		[ "$status" -eq $((128 + code)) ] || { echo "SIG$sig: exit $status: $(cat "$OUT/stderr")" >&2; return 1; }
		wait_state "$HOLDER_PID" S
		same_as changed
		[ "$(ls -A "$OUT" | tr '\n' ' ')" = "c.tce cmdline stderr stdout " ]
		rm "$OUT/cmdline"
	done
}

@test "ulimit -f: the undo file cannot be written; nothing written, the VMM resumed, no file left" {
	start_holder 8K:direct
	checkpoint "$OUT/c.tce" "$HOLDER_PID:$FD0"
	holder_cmd set 0 7 0
	save changed
	vmm_cmd "$FD0"
	run --separate-stderr bash -c 'ulimit -f 1; exec "$@"' sh "${VMM_CMD[@]}" "$TCECTL" restore --yes \
		--undo "$OUT/undo.tce" "$OUT/c.tce" "$HOLDER_PID:$FD0"
	assert_failure 7
	# How the writer words EFBIG is its own; the undo file and the tables are named here.
	[[ $stderr == "tcectl: restore: undo file $OUT/undo.tce: "*"; no table was touched" ]]
	[ "${#stderr_lines[@]}" -eq 1 ]
	same_as changed
	[ "$(state_of "$HOLDER_PID")" != T ]
	[ "$(ls -A "$OUT")" = c.tce ]
}

@test "two restores in one second: the second undo file's name ends in -2" {
	start_holder 8K:mixed
	checkpoint "$OUT/c.tce" "$HOLDER_PID:$FD0"
	holder_cmd set 0 7 0x30001003
	# The names of this second and the next two are taken already.
	local now d stamp
	now=$(date +%s)
	for d in 0 1 2; do
		stamp=$(date -u -d "@$((now + d))" +%Y%m%dT%H%M%SZ)
		echo taken > "$OUT/c.tce.undo-$HOLDER_PID-$stamp"
	done
	run_tcectl_vmm "$FD0" restore --yes "$OUT/c.tce" "$HOLDER_PID:$FD0"
	assert_success
	[[ $output =~ ^"restored 1 entry in 1 table of pid $HOLDER_PID; undo with: tcectl restore $OUT/c.tce.undo-$HOLDER_PID-"[0-9]{8}T[0-9]{6}Z-2" $HOLDER_PID:$FD0"$ ]]
	local undo=${output#*restore }
	undo=${undo%% *}
	"$TCECTL" verify "$undo"
	[ "$(cat "${undo%-2}")" = taken ]
}

@test "the docs give the exit status the code gives: 1 when the answer is no, 2 without a terminal" {
	local man="$BATS_TEST_DIRNAME/../../man"
	grep -qx 'The restore was not confirmed at the prompt; nothing was written.' "$man/tcectl-restore.1"
	awk '/^\.Sh EXIT STATUS/,/^\.Sh EXAMPLES/' "$man/tcectl.1" > "$OUT/exit"
	grep -q 'not confirmed at its prompt' "$OUT/exit"
	! grep -q 'or is not confirmed' "$OUT/exit"
}
