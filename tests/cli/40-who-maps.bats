#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
#
# tcectl who-maps: which IO bus addresses reach a guest address range, on
# the "mixed" layout of tests/fixtures/tce-holder.c (entries 0-3 and 16-19
# both map 0x10000000-0x10003fff; entry 8 has no permission bits).

load test_helper

HEADING="TABLE        LIOBN      IOBA                  GPA                   PERM PAGES"

# One line of text output: TABLE LIOBN IOBA-RANGE GPA-RANGE PERM PAGES.
hit() {
	printf '%-12s %-10s %s %s %-4s %s\n' "$@"
}

@test "every extent that maps the range, aliases included" {
	start_holder 8K:mixed
	run_tcectl who-maps "$HOLDER_PID:$FD0" 0x10000000-0x10003fff
	assert_success
	assert_output "$(echo "$HEADING"
		hit "$HOLDER_PID:$FD0" - 0x00000000-0x00003fff 0x10000000-0x10003fff rw 4
		hit "$HOLDER_PID:$FD0" - 0x00010000-0x00013fff 0x10000000-0x10003fff rw 4)"
	[ "$stderr" = "$(memfd_warning who-maps "$FD0")" ]
}

@test "a range that covers part of an extent gives the IO bus addresses of that part" {
	start_holder 8K:mixed
	run_tcectl who-maps "$HOLDER_PID:$FD0" 0x10001000-0x10002fff
	assert_success
	assert_output "$(echo "$HEADING"
		hit "$HOLDER_PID:$FD0" - 0x00001000-0x00002fff 0x10001000-0x10002fff rw 2
		hit "$HOLDER_PID:$FD0" - 0x00011000-0x00012fff 0x10001000-0x10002fff rw 2)"
}

@test "a range inside one page gives that whole page" {
	start_holder 8K:mixed
	run_tcectl who-maps -n "$HOLDER_PID:$FD0" 0x20001800-0x20001900
	assert_success
	assert_output "$(hit "$HOLDER_PID:$FD0" - 0x00005000-0x00005fff 0x20001000-0x20001fff r 1)"
}

@test "GPA alone and GPA+LENGTH are ranges too" {
	start_holder 8K:mixed
	run_tcectl who-maps -n "$HOLDER_PID:$FD0" 0x30000abc
	assert_success
	assert_output "$(hit "$HOLDER_PID:$FD0" - 0x00006000-0x00006fff 0x30000000-0x30000fff w 1)"
	run_tcectl who-maps -n "$HOLDER_PID:$FD0" 0x1ffff000+0x3000
	assert_success
	assert_output "$(hit "$HOLDER_PID:$FD0" - 0x00004000-0x00005fff 0x20000000-0x20001fff r 2)"
	run_tcectl who-maps -n "$HOLDER_PID:$FD0" 0x10000000+8K
	assert_success
	assert_output "$(hit "$HOLDER_PID:$FD0" - 0x00000000-0x00001fff 0x10000000-0x10001fff rw 2
		hit "$HOLDER_PID:$FD0" - 0x00010000-0x00011fff 0x10000000-0x10001fff rw 2)"
}

@test "extents that are not contiguous in guest memory are reported apart" {
	start_holder 8K:mixed
	run_tcectl who-maps -n "$HOLDER_PID:$FD0" 0x50000000-0x50002fff
	assert_success
	assert_output "$(hit "$HOLDER_PID:$FD0" - 0x00009000-0x00009fff 0x50000000-0x50000fff rw 1
		hit "$HOLDER_PID:$FD0" - 0x0000a000-0x0000afff 0x50002000-0x50002fff rw 1)"
}

@test "several targets, each with its own geometry and liobn" {
	start_holder 8K:mixed 8K:mixed:16
	run_tcectl who-maps "$HOLDER_PID:$FD0" "$HOLDER_PID:$FD1,liobn=0x80000001,shift=16" 0x10001000-0x10002fff
	assert_success
	assert_output "$(echo "$HEADING"
		hit "$HOLDER_PID:$FD0" - 0x00001000-0x00002fff 0x10001000-0x10002fff rw 2
		hit "$HOLDER_PID:$FD0" - 0x00011000-0x00012fff 0x10001000-0x10002fff rw 2
		hit "$HOLDER_PID:$FD1" 0x80000001 0x00000000-0x0000ffff 0x10000000-0x1000ffff rw 1
		hit "$HOLDER_PID:$FD1" 0x80000001 0x00100000-0x0010ffff 0x10000000-0x1000ffff rw 1)"
	[ "$stderr" = "$(memfd_warning who-maps "$FD0"; echo; memfd_warning who-maps "$FD1")" ]
}

@test "offset= moves the IO bus addresses" {
	start_holder 8K:mixed:16
	run_tcectl who-maps -n "$HOLDER_PID:$FD0,page=64K,offset=0x800000000000000" 0x60000000
	assert_success
	assert_output "$(hit "$HOLDER_PID:$FD0" - 0x80000001fff0000-0x80000001fffffff 0x60000000-0x6000ffff rw 1)"
}

@test "a 64-bit DDW window among 32-bit ones: every column stays aligned" {
	start_holder 8K:mixed 8K:mixed:16
	run_tcectl who-maps "$HOLDER_PID:$FD0" "$HOLDER_PID:$FD1,page=64K,offset=0x800000000000000" 0x60000000
	assert_success
	local table ioba="%-35s"
	table=$(printf '%-12s' "$HOLDER_PID:$FD0")
	assert_output "$(printf "%-${#table}s %-10s $ioba %-21s %-4s %s\n" TABLE LIOBN IOBA GPA PERM PAGES \
		"$HOLDER_PID:$FD0" - 0x01fff000-0x01ffffff 0x60000000-0x60000fff rw 1 \
		"$HOLDER_PID:$FD1" - 0x80000001fff0000-0x80000001fffffff 0x60000000-0x6000ffff rw 1)"
}

@test "an entry that maps guest page 0 right after one at the top of the address space" {
	start_holder 8K:empty
	holder_cmd set 0 5 -0xffd	# 0xfffffffffffff003
	holder_cmd set 0 6 0x3
	run_tcectl who-maps "$HOLDER_PID:$FD0" 0x0-0xfff
	assert_success
	assert_output "$(echo "$HEADING"
		hit "$HOLDER_PID:$FD0" - 0x00006000-0x00006fff 0x00000000-0x00000fff rw 1)"
}

@test "no table maps the range: no output, exit 1" {
	start_holder 8K:mixed
	run_tcectl who-maps "$HOLDER_PID:$FD0" 0x70000000-0x7fffffff
	assert_failure 1
	assert_output ""
	[ "$stderr" = "$(memfd_warning who-maps "$FD0")" ]
	run_tcectl who-maps -n "$HOLDER_PID:$FD0" 0x0-0xfffffff
	assert_failure 1
	assert_output ""
}

@test "entries without permission bits are left out" {
	start_holder 8K:mixed
	run_tcectl who-maps -n "$HOLDER_PID:$FD0" 0x40000000-0x40000fff
	assert_failure 1
	assert_output ""
	run_tcectl who-maps -n "$HOLDER_PID:$FD0" 0x3ffff000-0x50000fff
	assert_success
	assert_output "$(hit "$HOLDER_PID:$FD0" - 0x00009000-0x00009fff 0x50000000-0x50000fff rw 1)"
}

@test "an entry that loses its permission bits stops mapping" {
	start_holder 8K:mixed
	run_tcectl who-maps -n "$HOLDER_PID:$FD0" 0x50000000
	assert_success
	holder_cmd set 0 9 0x50000000
	run_tcectl who-maps -n "$HOLDER_PID:$FD0" 0x50000000
	assert_failure 1
	assert_output ""
	holder_cmd set 0 9 0x50000001
	run_tcectl who-maps -n "$HOLDER_PID:$FD0" 0x50000000
	assert_success
	assert_output "$(hit "$HOLDER_PID:$FD0" - 0x00009000-0x00009fff 0x50000000-0x50000fff r 1)"
}

@test "--json: one object per hit" {
	start_holder 8K:mixed 8K:mixed
	run_tcectl who-maps --json "$HOLDER_PID:$FD0" "$HOLDER_PID:$FD1,liobn=0x2a" 0x10001000+0x2000
	assert_success
	echo "$output" | jq -e --argjson pid "$HOLDER_PID" --argjson fd0 "$FD0" --argjson fd1 "$FD1" '
		length == 4 and
		all(keys_unsorted == ["pid","fd","liobn","index","ioba","gpa","pages","perm"]) and
		.[0] == {pid: $pid, fd: $fd0, liobn: null, index: 1, ioba: "0x1000", gpa: "0x10001000", pages: 2, perm: "rw"} and
		.[1] == {pid: $pid, fd: $fd0, liobn: null, index: 17, ioba: "0x11000", gpa: "0x10001000", pages: 2, perm: "rw"} and
		.[2] == {pid: $pid, fd: $fd1, liobn: "0x2a", index: 1, ioba: "0x1000", gpa: "0x10001000", pages: 2, perm: "rw"} and
		.[3].index == 17'
}

@test "--json with no hit: an empty array, exit 1" {
	start_holder 8K:mixed
	run_tcectl who-maps -j "$HOLDER_PID:$FD0" 0x40000000
	assert_failure 1
	assert_output "[]"
}

@test "--pretty prints the array indented" {
	start_holder 8K:mixed
	run_tcectl who-maps --pretty "$HOLDER_PID:$FD0" 0x30000000
	assert_success
	assert_output "$(cat <<EOF
[
  {
    "pid": $HOLDER_PID,
    "fd": $FD0,
    "liobn": null,
    "index": 6,
    "ioba": "0x6000",
    "gpa": "0x30000000",
    "pages": 1,
    "perm": "w"
  }
]
EOF
)"
}

@test "a failing target does not stop the others; its error wins the exit status" {
	start_holder 8K:mixed
	run_tcectl who-maps -n 4194304 "$HOLDER_PID:$FD0" 0x30000000
	assert_failure 3
	assert_output "$(hit "$HOLDER_PID:$FD0" - 0x00006000-0x00006fff 0x30000000-0x30000fff w 1)"
	[ "$stderr" = "$(echo "tcectl: who-maps: no process with pid 4194304; check the pid with ps or tcectl list"
			 memfd_warning who-maps "$FD0")" ]
}

@test "--json: a failing target is an element with target, error and status" {
	start_holder 8K:mixed
	run_tcectl who-maps -j "$HOLDER_PID:99" "$HOLDER_PID:$FD0" 0x30000000
	assert_failure 3
	echo "$output" | jq -e --arg t "$HOLDER_PID:99" --argjson pid "$HOLDER_PID" '
		length == 2 and
		.[0] == {target: $t, error: "pid \($pid) has no fd 99; see its tables with tcectl list \($pid)", status: 3} and
		(.[0] | keys_unsorted) == ["target","error","status"] and
		.[1].ioba == "0x6000"'
}

@test "a bare PID without TCE tables: exit 3" {
	start_holder 8K:mixed
	run_tcectl who-maps -n "$HOLDER_PID" 0x0
	assert_failure 3
	assert_output ""
	[ "$stderr" = "tcectl: who-maps: pid $HOLDER_PID (tce-holder) holds no kvm-spapr-tce tables; is it a KVM guest's VMM? to decode another fd give PID:FD" ]
}

@test "a bad guest address range: exit 2" {
	local r
	for r in zz 0x2-0x1 0x10+0 0x10- '' 1K 0x1000-0x2000x; do
		run_tcectl who-maps 1:3 "$r"
		assert_failure 2
		assert_output ""
		[ "$stderr" = "tcectl: who-maps: '$r' is not a guest physical address range; give GPA, GPA-GPA or GPA+LENGTH" ]
	done
}

@test "no range, or nothing at all: exit 2" {
	run_tcectl who-maps 1:3
	assert_failure 2
	[ "$stderr" = "tcectl: who-maps: no guest address range; usage: tcectl who-maps [OPTION...] TARGET... GPA[-GPA]" ]
	run_tcectl who-maps
	assert_failure 2
	[ "$stderr" = "tcectl: who-maps: no target; usage: tcectl who-maps [OPTION...] TARGET... GPA[-GPA]" ]
}

@test "every argument but the last is a target" {
	run_tcectl who-maps -n 0x1000 0x2000
	assert_failure 3
	assert_output ""
	[ "$stderr" = "tcectl: who-maps: '0x1000' is neither a process (PID, PID:FD, PID@ADDR) nor a checkpoint file; give PID, PID:FD, PID@ADDR or FILE" ]
}
