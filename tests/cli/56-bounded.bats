#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Memory a guest cannot grow: tables are read in chunks of 2^18 entries
# (src/cursor.h), and what is printed is the same as for one scan of the
# whole table.  A guest decides its table's contents, so the tables here
# are the worst it can make: every entry a run of its own.

load test_helper

# peak_kib CMD...: runs CMD with its output discarded; prints its peak RSS
# in KiB.  Fails when CMD exits with more than 1 (diff's "they differ").
peak_kib() {
	local rc=0
	/usr/bin/time -f '%M' -o "$BATS_TEST_TMPDIR/peak" "$@" > /dev/null 2> "$BATS_TEST_TMPDIR/stderr" || rc=$?
	[ "$rc" -le 1 ] || { cat "$BATS_TEST_TMPDIR/stderr" >&2; return 1; }
	tail -n 1 "$BATS_TEST_TMPDIR/peak"
}

# run_across_boundary FD: entries 262140..262151 of table FD map 12 consecutive pages.
run_across_boundary() {
	local i
	for i in $(seq 262140 262151); do
		holder_cmd "set $1 $i $(( 0x40000000 + (i - 262140) * 4096 + 3 ))"
	done
}

@test "a run across a chunk's end is one extent, through the mapping and through the fd" {
	start_holder 512K:empty
	run_across_boundary 0
	for via in mapping fd; do
		run_tcectl dump -n --attach=$via "$HOLDER_PID:$FD0"
		assert_success
		assert_output "0x3fffc000-0x40007fff 0x40000000-0x4000bfff rw      12"
	done
	run_tcectl list -n -r -o MAPPED,EXTENTS "$HOLDER_PID:$FD0"
	assert_success
	assert_output "12 1"
}

@test "dump --entries --all across chunks: every entry once, in order" {
	start_holder 600K:empty
	run_across_boundary 0
	# 614,400 lines: a file and one awk, not bats' output and lines.
	"$TCECTL" dump -n --entries --all "$HOLDER_PID:$FD0" > "$BATS_TEST_TMPDIR/out" 2> "$BATS_TEST_TMPDIR/err"
	[ "$(cat "$BATS_TEST_TMPDIR/err")" = "$(memfd_warning dump "$FD0")" ]
	# Line N is entry N - 1; the mapped ones are the run's 12.
	run awk '$1 != NR - 1 { print "line " NR ": " $0; exit 1 }
		/ rw / { if ($1 < 262140 || $1 > 262151) { print "mapped: " $0; exit 1 } rw++ }
		END { print NR, rw }' "$BATS_TEST_TMPDIR/out"
	assert_success
	assert_output "614400 12"
}

@test "a change across a chunk's end is one change in diff" {
	start_holder 512K:empty 512K:empty
	run_across_boundary 1
	run_tcectl diff -n "$HOLDER_PID:$FD0" "$HOLDER_PID:$FD1"
	assert_failure 1
	assert_output "$(printf '%s\n' "--- $HOLDER_PID:$FD0" "+++ $HOLDER_PID:$FD1" \
		"+ 0x3fffc000-0x40007fff 0x40000000-0x4000bfff rw      12")"
}

# Peak RSS and ulimit -v mean nothing under AddressSanitizer: not in make check-asan.
# bats test_tags=no-sanitizer
@test "list, dump, who-maps and diff stay under 64 MiB on 4M-entry tables without runs" {
	# Every entry of a "same" table maps the one page: who-maps finds
	# as many hits as entries.  Kept, a million would take 184 MiB;
	# table 2 has that many, and prints them in a second where the 4M
	# of table 1 take four.
	start_holder 4M:random 4M:same 1M:same
	local verb kib
	for verb in "list $HOLDER_PID:$FD0 $HOLDER_PID:$FD1" "dump $HOLDER_PID:$FD0" "dump $HOLDER_PID:$FD1" \
		"dump --entries $HOLDER_PID:$FD1" "who-maps $HOLDER_PID:$FD0 $HOLDER_PID:$FD2 0x7000000" \
		"diff $HOLDER_PID:$FD0 $HOLDER_PID:$FD1" "dump --attach=fd $HOLDER_PID:$FD1"; do
		# shellcheck disable=SC2086
		kib=$(peak_kib "$TCECTL" $verb)
		echo "$verb: $kib KiB"
		[ "$kib" -lt 65536 ] || return 1
	done
}

# Peak RSS and ulimit -v mean nothing under AddressSanitizer: not in make check-asan.
# bats test_tags=no-sanitizer
@test "out of memory is exit 7 with its message, never a crash" {
	start_holder 1M:random
	run bash -c "ulimit -v 9000; exec '$TCECTL' dump '$HOLDER_PID:$FD0' 2>&1 >/dev/null"
	assert_failure 7
	assert_line --partial "tcectl: dump: out of memory"
}

# Peak RSS and ulimit -v mean nothing under AddressSanitizer: not in make check-asan.
# bats test_tags=no-sanitizer
@test "checkpoint and restore stay under 64 MiB on 4M-entry tables without runs" {
	start_holder 4M:random 4M:same
	local kib
	kib=$(peak_kib "$TCECTL" checkpoint -o "$BATS_TEST_TMPDIR/same.tce" "$HOLDER_PID:$FD1")
	echo "checkpoint: $kib KiB"
	[ "$kib" -lt 65536 ]
	kib=$(peak_kib "$TCECTL" restore --force --reset --dry-run "$HOLDER_PID:$FD0")
	echo "restore --reset --dry-run: $kib KiB"
	[ "$kib" -lt 65536 ]
	# Every entry of the random table becomes the one page: 4M writes.
	kib=$(peak_kib "$TCECTL" restore --force --yes --undo "$BATS_TEST_TMPDIR/undo.tce" \
		"$BATS_TEST_TMPDIR/same.tce" "$HOLDER_PID:$FD0")
	echo "restore: $kib KiB"
	[ "$kib" -lt 65536 ]
	run_tcectl diff "$HOLDER_PID:$FD0" "$BATS_TEST_TMPDIR/same.tce"
	assert_success
	# And back, from the undo file.
	run_tcectl restore --force --yes "$BATS_TEST_TMPDIR/undo.tce" "$HOLDER_PID:$FD0"
	assert_success
	run_tcectl diff -n "$HOLDER_PID:$FD0" "$BATS_TEST_TMPDIR/undo.tce"
	assert_success
}

@test "a table of fewer runs than tcectl keeps is read whole before anything is printed" {
	# 786,432 runs, fewer than the 2^20 kept: the output (55 MB) cannot
	# drain into the pipe before the last chunk would be read.
	start_holder 768K:random
	mkfifo "$BATS_TEST_TMPDIR/go"
	"$TCECTL" dump -n "$HOLDER_PID:$FD0" 2> /dev/null |
		{ read -r _; touch "$BATS_TEST_TMPDIR/printing"; read -r _ < "$BATS_TEST_TMPDIR/go"; cat; } \
			> "$BATS_TEST_TMPDIR/out" &
	local job=$! i
	for i in $(seq 500); do [ -e "$BATS_TEST_TMPDIR/printing" ] && break; sleep 0.01; done
	# The guest changes its last entry while tcectl waits on the reader.
	holder_cmd set 0 786431 0xdead000003
	echo go > "$BATS_TEST_TMPDIR/go"
	wait "$job"
	[ "$(wc -l < "$BATS_TEST_TMPDIR/out")" -eq 786431 ]	# the first line was read
	run grep -c "dead000000-" "$BATS_TEST_TMPDIR/out"
	[ "$output" = 0 ]
}
