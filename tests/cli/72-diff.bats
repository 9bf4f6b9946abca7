#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
#
# tcectl diff A B: each side live or a checkpoint file.  Like diff(1): no
# output and exit 0 when the same, the changes and exit 1 when not, exit 2
# on trouble.  Tables pair by liobn, else by fd, else by order (warned).

load test_helper

setup() {
	OUT="$BATS_TEST_TMPDIR/out"
	mkdir -p "$OUT"
}

checkpoint() { # FILE TARGET...
	local file=$1
	shift
	"$TCECTL" checkpoint -o "$file" "$@" > /dev/null
}

# change_mixed: changes to table 0 (a "mixed" one) that make one of each
# kind of change: entry 6 w -> rw, 7 added, 8 removed, 100-101 added
# (one run), 8191 rw -> w.
change_mixed() {
	holder_cmd set 0 6 0x30000003
	holder_cmd set 0 7 0x30001003
	holder_cmd set 0 8 0
	holder_cmd set 0 100 0x70000001
	holder_cmd set 0 101 0x70001001
	holder_cmd set 0 8191 0x60000002
}

# The lines diff prints for change_mixed, from before to after.
mixed_changes() {
	cat <<'EOF'
- 0x00006000-0x00006fff 0x30000000-0x30000fff w        1
+ 0x00006000-0x00006fff 0x30000000-0x30000fff rw       1
+ 0x00007000-0x00007fff 0x30001000-0x30001fff rw       1
- 0x00008000-0x00008fff 0x40000000-0x40000fff -        1
+ 0x00064000-0x00065fff 0x70000000-0x70001fff r        2
- 0x01fff000-0x01ffffff 0x60000000-0x60000fff rw       1
+ 0x01fff000-0x01ffffff 0x60000000-0x60000fff w        1
EOF
}

@test "the same tables: no output, exit 0 (file and live, both ways)" {
	start_holder 8K:mixed 8K:direct
	checkpoint "$OUT/c.tce" "$HOLDER_PID:$FD0" "$HOLDER_PID:$FD1"
	run_tcectl diff "$OUT/c.tce:0" "$HOLDER_PID:$FD0"
	assert_success
	assert_output ""
	[ "$stderr" = "" ]
	run_tcectl diff "$HOLDER_PID:$FD1" "$OUT/c.tce:1"
	assert_success
	assert_output ""
	[ "$stderr" = "" ]
}

@test "the same tables: no output, exit 0 (file and file, live and live)" {
	start_holder 8K:mixed 8K:mixed
	checkpoint "$OUT/a.tce" "$HOLDER_PID:$FD0" "$HOLDER_PID:$FD1"
	"$TCECTL" checkpoint --no-compress --byte-order big -o "$OUT/b.tce" "$HOLDER_PID:$FD0" "$HOLDER_PID:$FD1" > /dev/null
	run_tcectl diff "$OUT/a.tce" "$OUT/b.tce"
	assert_success
	assert_output ""
	[ "$stderr" = "" ]
	run_tcectl diff "$HOLDER_PID:$FD0" "$HOLDER_PID:$FD0"
	assert_success
	assert_output ""
	[ "$stderr" = "" ]
	run_tcectl diff "$HOLDER_PID:$FD0,liobn=1" "$HOLDER_PID:$FD1,liobn=1"
	assert_success
	assert_output ""
	[ "$stderr" = "" ]
}

@test "a bare PID against its checkpoint: every table compared" {
	start_holder 8K:mixed 8K:direct
	run_tcectl_tce_fds "$FD0 $FD1" checkpoint -o "$OUT/c.tce" "$HOLDER_PID"
	assert_success
	run_tcectl_tce_fds "$FD0 $FD1" diff "$OUT/c.tce" "$HOLDER_PID"
	assert_success
	assert_output ""
	holder_cmd set 1 5 0
	run_tcectl_tce_fds "$FD0 $FD1" diff "$OUT/c.tce" "$HOLDER_PID"
	assert_failure 1
	assert_output "$(cat <<EOF
--- $OUT/c.tce:1
+++ $HOLDER_PID:$FD1
- 0x00005000-0x00005fff 0x00005000-0x00005fff rw       1
added 0, removed 1, changed 0 entries
EOF
)"
}

@test "after changes: exit 1, the changed, added and removed runs, and a count" {
	start_holder 8K:mixed
	checkpoint "$OUT/c.tce" "$HOLDER_PID:$FD0"
	change_mixed
	run_tcectl diff "$OUT/c.tce" "$HOLDER_PID:$FD0"
	assert_failure 1
	assert_output "$(cat <<EOF
--- $OUT/c.tce:0
+++ $HOLDER_PID:$FD0
$(mixed_changes)
added 3, removed 1, changed 2 entries
EOF
)"
	[ "$stderr" = "" ]
}

@test "a changed run ends where its guest pages would wrap past 2^64" {
	start_holder 8K:empty
	holder_cmd set 0 5 -0xffd	# 0xfffffffffffff003
	holder_cmd set 0 6 0x3
	checkpoint "$OUT/c.tce" "$HOLDER_PID:$FD0"
	holder_cmd set 0 5 0
	holder_cmd set 0 6 0
	run_tcectl diff -n "$OUT/c.tce" "$HOLDER_PID:$FD0"
	assert_failure 1
	assert_output "$(cat <<EOF
--- $OUT/c.tce:0
+++ $HOLDER_PID:$FD0
- 0x00005000-0x00005fff 0xfffffffffffff000-0xffffffffffffffff rw       1
- 0x00006000-0x00006fff 0x0000000000000000-0x0000000000000fff rw       1
EOF
)"
}

@test "a full output is trouble: exit 2, as for any other" {
	start_holder 8K:mixed
	checkpoint "$OUT/c.tce" "$HOLDER_PID:$FD0"
	change_mixed
	run --separate-stderr sh -c 'exec "$@" > /dev/full' sh "$TCECTL" diff "$OUT/c.tce" "$HOLDER_PID:$FD0"
	assert_failure 2
	[ "$stderr" = "tcectl: diff: cannot write the output: No space left on device" ]
}

@test "B to A is the same diff the other way round" {
	start_holder 8K:mixed
	checkpoint "$OUT/c.tce" "$HOLDER_PID:$FD0"
	change_mixed
	run_tcectl diff "$HOLDER_PID:$FD0" "$OUT/c.tce"
	assert_failure 1
	assert_output "$(cat <<EOF
--- $HOLDER_PID:$FD0
+++ $OUT/c.tce:0
- 0x00006000-0x00006fff 0x30000000-0x30000fff rw       1
+ 0x00006000-0x00006fff 0x30000000-0x30000fff w        1
- 0x00007000-0x00007fff 0x30001000-0x30001fff rw       1
+ 0x00008000-0x00008fff 0x40000000-0x40000fff -        1
- 0x00064000-0x00065fff 0x70000000-0x70001fff r        2
- 0x01fff000-0x01ffffff 0x60000000-0x60000fff w        1
+ 0x01fff000-0x01ffffff 0x60000000-0x60000fff rw       1
added 1, removed 3, changed 2 entries
EOF
)"
}

@test "file against file and live against live show the same changes" {
	start_holder 8K:mixed 8K:mixed
	checkpoint "$OUT/before.tce" "$HOLDER_PID:$FD0"
	change_mixed
	checkpoint "$OUT/after.tce" "$HOLDER_PID:$FD0"
	run_tcectl diff -n "$OUT/before.tce" "$OUT/after.tce"
	assert_failure 1
	assert_output "--- $OUT/before.tce:0
+++ $OUT/after.tce:0
$(mixed_changes)"
	# Table 1 is still the untouched "mixed" layout.
	run_tcectl diff -n "$HOLDER_PID:$FD1,liobn=5" "$HOLDER_PID:$FD0,liobn=5"
	assert_failure 1
	assert_output "--- $HOLDER_PID:$FD1
+++ $HOLDER_PID:$FD0
$(mixed_changes)"
}

@test "-n leaves out the count line only" {
	start_holder 8K:mixed
	checkpoint "$OUT/c.tce" "$HOLDER_PID:$FD0"
	holder_cmd set 0 7 0x30001003
	run_tcectl diff --noheadings "$OUT/c.tce" "$HOLDER_PID:$FD0"
	assert_failure 1
	assert_output "--- $OUT/c.tce:0
+++ $HOLDER_PID:$FD0
+ 0x00007000-0x00007fff 0x30001000-0x30001fff rw       1"
}

@test "--entries: one line per entry, not per run" {
	start_holder 8K:mixed
	checkpoint "$OUT/c.tce" "$HOLDER_PID:$FD0"
	change_mixed
	holder_cmd set 0 0 0x11000003
	holder_cmd set 0 1 0x11001003
	run_tcectl diff -e "$OUT/c.tce" "$HOLDER_PID:$FD0"
	assert_failure 1
	assert_output "$(cat <<EOF
--- $OUT/c.tce:0
+++ $HOLDER_PID:$FD0
- 0x00000000-0x00000fff 0x10000000-0x10000fff rw       1
+ 0x00000000-0x00000fff 0x11000000-0x11000fff rw       1
- 0x00001000-0x00001fff 0x10001000-0x10001fff rw       1
+ 0x00001000-0x00001fff 0x11001000-0x11001fff rw       1
$(mixed_changes | sed '/0x00064000/d; /0x01fff000/d')
+ 0x00064000-0x00064fff 0x70000000-0x70000fff r        1
+ 0x00065000-0x00065fff 0x70001000-0x70001fff r        1
$(mixed_changes | sed -n '/0x01fff000/p')
added 3, removed 1, changed 4 entries
EOF
)"
	run_tcectl diff "$OUT/c.tce" "$HOLDER_PID:$FD0"
	assert_line --index 2 "- 0x00000000-0x00001fff 0x10000000-0x10001fff rw       2"
	assert_line --index 3 "+ 0x00000000-0x00001fff 0x11000000-0x11001fff rw       2"
}

@test "--json: kind, index, ioba, pages, old and new of each change, and the counts" {
	start_holder 8K:mixed
	checkpoint "$OUT/c.tce" "$HOLDER_PID:$FD0"
	change_mixed
	run_tcectl diff --json "$OUT/c.tce" "$HOLDER_PID:$FD0"
	assert_failure 1
	[ "$stderr" = "" ]
	echo "$output" | jq -e --arg a "$OUT/c.tce:0" --arg b "$HOLDER_PID:$FD0" '
		def v(g; p; r): {gpa: g, perm: p, raw: r};
		. == [{a: $a, b: $b, liobn: null, matched_by: "fd", changes: [
		  {kind: "changed", index: 6, ioba: "0x6000", pages: 1,
		   old: v("0x30000000"; "w"; "0x30000002"), new: v("0x30000000"; "rw"; "0x30000003")},
		  {kind: "added", index: 7, ioba: "0x7000", pages: 1, old: null,
		   new: v("0x30001000"; "rw"; "0x30001003")},
		  {kind: "removed", index: 8, ioba: "0x8000", pages: 1,
		   old: v("0x40000000"; "-"; "0x40000000"), new: null},
		  {kind: "added", index: 100, ioba: "0x64000", pages: 2, old: null,
		   new: v("0x70000000"; "r"; "0x70000001")},
		  {kind: "changed", index: 8191, ioba: "0x1fff000", pages: 1,
		   old: v("0x60000000"; "rw"; "0x60000003"), new: v("0x60000000"; "w"; "0x60000002")}],
		  added: 3, removed: 1, changed: 2}]'
	run_tcectl diff --json --entries "$OUT/c.tce" "$HOLDER_PID:$FD0"
	assert_failure 1
	echo "$output" | jq -e '[.[0].changes[] | select(.index >= 100 and .index < 200) | [.index, .ioba, .pages, .new.gpa]]
		== [[100, "0x64000", 1, "0x70000000"], [101, "0x65000", 1, "0x70001000"]]'
}

@test "--json: the same tables are listed, with no changes" {
	start_holder 8K:mixed
	checkpoint "$OUT/c.tce" "$HOLDER_PID:$FD0,liobn=0x42"
	run_tcectl diff --json "$OUT/c.tce" "$HOLDER_PID:$FD0,liobn=0x42"
	assert_success
	echo "$output" | jq -e --arg a "$OUT/c.tce:0" --arg b "$HOLDER_PID:$FD0" '
		. == [{a: $a, b: $b, liobn: "0x42", matched_by: "liobn", changes: [], added: 0, removed: 0, changed: 0}]'
}

@test "pairing by liobn: the same tables in the other order still pair" {
	start_holder 8K:mixed 8K:direct
	checkpoint "$OUT/a.tce" "$HOLDER_PID:$FD0,liobn=1" "$HOLDER_PID:$FD1,liobn=2"
	checkpoint "$OUT/b.tce" "$HOLDER_PID:$FD1,liobn=2" "$HOLDER_PID:$FD0,liobn=1"
	run_tcectl diff "$OUT/a.tce" "$OUT/b.tce"
	assert_success
	assert_output ""
	[ "$stderr" = "" ]
	run_tcectl diff -j "$OUT/a.tce" "$OUT/b.tce"
	echo "$output" | jq -e --arg a "$OUT/a.tce" --arg b "$OUT/b.tce" '
		[.[] | [.a, .b, .liobn, .matched_by]] ==
		[["\($a):0", "\($b):1", "0x1", "liobn"], ["\($a):1", "\($b):0", "0x2", "liobn"]]'
	# Against the live tables, labelled in yet another order.
	run_tcectl diff "$OUT/b.tce" "$HOLDER_PID:$FD0,liobn=1"
	assert_failure 1
	assert_output "--- $OUT/b.tce:0
+++ (none)
only in A: $OUT/b.tce:0"
}

@test "pairing by liobn wins over the fd" {
	start_holder 8K:mixed 8K:mixed
	checkpoint "$OUT/a.tce" "$HOLDER_PID:$FD0,liobn=1" "$HOLDER_PID:$FD1,liobn=2"
	holder_cmd set 1 7 0x30001003
	# The same fds, the labels swapped: fd FD0 of B is liobn 2 now.
	checkpoint "$OUT/b.tce" "$HOLDER_PID:$FD0,liobn=2" "$HOLDER_PID:$FD1,liobn=1"
	# By fd it would be A:1 and B:1 that differ.
	run_tcectl diff "$OUT/a.tce" "$OUT/b.tce"
	assert_failure 1
	assert_output "$(cat <<EOF
--- $OUT/a.tce:0
+++ $OUT/b.tce:1
+ 0x00007000-0x00007fff 0x30001000-0x30001fff rw       1
added 1, removed 0, changed 0 entries
EOF
)"
	run_tcectl diff -j "$OUT/a.tce" "$OUT/b.tce"
	echo "$output" | jq -e '[.[] | .matched_by] == ["liobn", "liobn"]'
}

@test "pairing by fd when there is no liobn, whatever the order" {
	start_holder 8K:mixed 8K:direct
	checkpoint "$OUT/a.tce" "$HOLDER_PID:$FD0" "$HOLDER_PID:$FD1"
	checkpoint "$OUT/b.tce" "$HOLDER_PID:$FD1" "$HOLDER_PID:$FD0"
	run_tcectl diff "$OUT/a.tce" "$OUT/b.tce"
	assert_success
	assert_output ""
	[ "$stderr" = "" ]
	run_tcectl diff --json "$OUT/a.tce" "$OUT/b.tce"
	echo "$output" | jq -e --arg a "$OUT/a.tce" --arg b "$OUT/b.tce" '
		[.[] | [.a, .b, .matched_by]] == [["\($a):0", "\($b):1", "fd"], ["\($a):1", "\($b):0", "fd"]]'
	holder_cmd set 1 0 0
	run_tcectl diff "$OUT/a.tce" "$HOLDER_PID:$FD1"
	assert_failure 1
	assert_output "--- $OUT/a.tce:0
+++ (none)
only in A: $OUT/a.tce:0
--- $OUT/a.tce:1
+++ $HOLDER_PID:$FD1
- 0x00000000-0x00000fff 0x00000000-0x00000fff rw       1
added 0, removed 1, changed 0 entries"
}

@test "pairing by order when nothing else tells: a warning on stderr" {
	start_holder 8K:mixed 8K:mixed
	holder_cmd set 1 7 0x30001003
	run_tcectl diff "$HOLDER_PID:$FD0" "$HOLDER_PID:$FD1"
	assert_failure 1
	assert_output "--- $HOLDER_PID:$FD0
+++ $HOLDER_PID:$FD1
+ 0x00007000-0x00007fff 0x30001000-0x30001fff rw       1
added 1, removed 0, changed 0 entries"
	[ "$stderr" = "tcectl: diff: warning: $HOLDER_PID:$FD0 and $HOLDER_PID:$FD1 are paired by their order: no liobn or fd in common; label them with liobn=" ]
	run_tcectl diff -j "$HOLDER_PID:$FD0" "$HOLDER_PID:$FD1"
	echo "$output" | jq -e '.[0].matched_by == "order"'
	# Identical tables paired by order: no output, the warning all the same.
	holder_cmd set 1 7 0
	run_tcectl diff "$HOLDER_PID:$FD0" "$HOLDER_PID:$FD1"
	assert_success
	assert_output ""
	[ "$stderr" = "tcectl: diff: warning: $HOLDER_PID:$FD0 and $HOLDER_PID:$FD1 are paired by their order: no liobn or fd in common; label them with liobn=" ]
	# The same fd, one side labelled: paired by fd, no warning.
	run_tcectl diff "$HOLDER_PID:$FD0" "$HOLDER_PID:$FD0,liobn=3"
	assert_success
	[ "$stderr" = "" ]
}

@test "tables only in A or only in B: listed, exit 1" {
	start_holder 8K:mixed 8K:direct 8K:empty
	checkpoint "$OUT/a.tce" "$HOLDER_PID:$FD0,liobn=1" "$HOLDER_PID:$FD1,liobn=2"
	checkpoint "$OUT/b.tce" "$HOLDER_PID:$FD1,liobn=2" "$HOLDER_PID:$FD2,liobn=3"
	run_tcectl diff "$OUT/a.tce" "$OUT/b.tce"
	assert_failure 1
	assert_output "--- $OUT/a.tce:0
+++ (none)
only in A: $OUT/a.tce:0
--- (none)
+++ $OUT/b.tce:1
only in B: $OUT/b.tce:1"
	[ "$stderr" = "" ]
	run_tcectl diff --json "$OUT/a.tce" "$OUT/b.tce"
	assert_failure 1
	echo "$output" | jq -e --arg a "$OUT/a.tce" --arg b "$OUT/b.tce" '
		. == [{a: "\($a):0", b: null, liobn: null, matched_by: null, only_in: "a"},
		      {a: "\($a):1", b: "\($b):0", liobn: "0x2", matched_by: "liobn", changes: [],
		       added: 0, removed: 0, changed: 0},
		      {a: null, b: "\($b):1", liobn: null, matched_by: null, only_in: "b"}]'
}

@test "a geometry that differs: exit 2 and what differs" {
	start_holder 8K:mixed
	checkpoint "$OUT/c.tce" "$HOLDER_PID:$FD0"
	run_tcectl diff "$OUT/c.tce" "$HOLDER_PID:$FD0,page=64K"
	assert_failure 2
	assert_output ""
	[ "$stderr" = "tcectl: diff: $OUT/c.tce:0 has 4096-byte IOMMU pages and $HOLDER_PID:$FD0 65536; if one is live, give its geometry (PID:FD,page=SIZE)" ]
	run_tcectl diff "$OUT/c.tce" "$HOLDER_PID:$FD0,offset=0x80000000"
	assert_failure 2
	assert_output ""
	[ "$stderr" = "tcectl: diff: $OUT/c.tce:0 starts at bus address 0x0 and $HOLDER_PID:$FD0 at 0x80000000; if one is live, give its geometry (PID:FD,offset=ADDR)" ]
	run_tcectl diff "$HOLDER_PID:$FD0,entries=4K" "$OUT/c.tce"
	assert_failure 2
	assert_output ""
	[ "$stderr" = "tcectl: diff: $HOLDER_PID:$FD0 has 4096 entries and $OUT/c.tce:0 8192; they are not the same window" ]
}

# tcectl(1) JSON OUTPUT: an error in one pair is on stderr and an element
# {target, error, status} of the array.
@test "--json: a pair that cannot be compared is an error element, its error on stderr too" {
	start_holder 8K:mixed 8K:mixed:16
	checkpoint "$OUT/c.tce" "$HOLDER_PID:$FD0" "$HOLDER_PID:$FD1,page=64K"
	run_tcectl_tce_fds "$FD0 $FD1" diff --json "$OUT/c.tce" "$HOLDER_PID"
	assert_failure 2
	[ "$stderr" = "tcectl: diff: $OUT/c.tce:1 has 65536-byte IOMMU pages and $HOLDER_PID:$FD1 4096; if one is live, give its geometry (PID:FD,page=SIZE)" ]
	echo "$output" | jq -e --arg a "$OUT/c.tce:0" --arg b "$HOLDER_PID:$FD0" --arg t "$OUT/c.tce:1" '
		. == [{a: $a, b: $b, liobn: null, matched_by: "fd", changes: [], added: 0, removed: 0, changed: 0},
		      {target: $t, error: "\($t) has 65536-byte IOMMU pages and '"$HOLDER_PID:$FD1"' 4096; if one is live, give its geometry (PID:FD,page=SIZE)", status: 6}]'
	# In text, the pair that can be compared still is.
	holder_cmd set 0 7 0x30001003
	run_tcectl_tce_fds "$FD0 $FD1" diff "$OUT/c.tce" "$HOLDER_PID"
	assert_failure 2
	assert_output "--- $OUT/c.tce:0
+++ $HOLDER_PID:$FD0
+ 0x00007000-0x00007fff 0x30001000-0x30001fff rw       1
added 1, removed 0, changed 0 entries"
}

@test "--json: an error before anything is compared is the whole document" {
	run_tcectl diff --json "$OUT/none.tce" 1:3
	assert_failure 2
	[ "$stderr" = "tcectl: diff: '$OUT/none.tce' is neither a process (PID, PID:FD, PID@ADDR) nor a checkpoint file; give PID, PID:FD, PID@ADDR or FILE" ]
	echo "$output" | jq -e --arg f "$OUT/none.tce" '
		. == {error: "'"'"'\($f)'"'"' is neither a process (PID, PID:FD, PID@ADDR) nor a checkpoint file; give PID, PID:FD, PID@ADDR or FILE", status: 3}'
}

@test "a damaged or missing file: exit 2" {
	start_holder 8K:mixed
	checkpoint "$OUT/c.tce" "$HOLDER_PID:$FD0"
	head -c -100 "$OUT/c.tce" > "$OUT/cut.tce"
	printf 'not a checkpoint\n' > "$OUT/text.tce"
	run_tcectl diff "$OUT/text.tce" "$HOLDER_PID:$FD0"
	assert_failure 2
	assert_output ""
	[ "$stderr" = "tcectl: diff: checkpoint '$OUT/text.tce': not an ELF file; it is not a tcectl checkpoint, or it is damaged" ]
	run_tcectl diff "$OUT/c.tce" "$OUT/cut.tce"
	assert_failure 2
	assert_output ""
	[ "${#stderr_lines[@]}" -eq 1 ]
	[ "${stderr#"tcectl: diff: checkpoint '$OUT/cut.tce': "}" != "$stderr" ]
	run_tcectl diff "$OUT/c.tce" "$OUT/none.tce"
	assert_failure 2
	[ "$stderr" = "tcectl: diff: '$OUT/none.tce' is neither a process (PID, PID:FD, PID@ADDR) nor a checkpoint file; give PID, PID:FD, PID@ADDR or FILE" ]
	run_tcectl diff "$OUT/c.tce:1" "$HOLDER_PID:$FD0"
	assert_failure 2
	[ "$stderr" = "tcectl: diff: checkpoint '$OUT/c.tce' has 1 table, no table 1; see tcectl inspect $OUT/c.tce" ]
}

@test "diff takes exactly two sides" {
	run_tcectl diff 1:3
	assert_failure 2
	assert_output ""
	[ "$stderr" = "tcectl: diff: diff compares two sides; usage: tcectl diff [OPTION...] A B" ]
	run_tcectl diff
	assert_failure 2
	[ "$stderr" = "tcectl: diff: diff compares two sides; usage: tcectl diff [OPTION...] A B" ]
	run_tcectl diff 1:3 1:4 1:5
	assert_failure 2
	[ "$stderr" = "tcectl: diff: too many arguments; usage: tcectl diff [OPTION...] A B" ]
}
