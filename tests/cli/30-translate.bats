#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
#
# tcectl translate: IO bus address to guest physical address, on the
# "mixed" layout of tests/fixtures/tce-holder.c.

load test_helper

@test "a mapped address: its guest address, permission and raw entry" {
	start_holder 8K:mixed
	run_tcectl translate "$HOLDER_PID:$FD0" 0x4123
	assert_success
	assert_output "ioba 0x4123: $HOLDER_PID:$FD0 entry 4, gpa 0x20000123, perm r, raw 0x0000000020000001"
	[ "$stderr" = "$(memfd_warning translate "$FD0")" ]
}

@test "an address in decimal is the same address" {
	start_holder 8K:mixed
	run_tcectl translate "$HOLDER_PID:$FD0" 16675
	assert_success
	assert_output "ioba 0x4123: $HOLDER_PID:$FD0 entry 4, gpa 0x20000123, perm r, raw 0x0000000020000001"
}

@test "an unmapped address: 'not mapped' and exit 1" {
	start_holder 8K:mixed
	run_tcectl translate "$HOLDER_PID:$FD0" 0x7000
	assert_failure 1
	assert_output "ioba 0x7000: $HOLDER_PID:$FD0 entry 7, not mapped"
	[ "$stderr" = "$(memfd_warning translate "$FD0")" ]
}

@test "an entry without permission bits still translates, with perm -" {
	start_holder 8K:mixed
	run_tcectl translate "$HOLDER_PID:$FD0" 0x8fff
	assert_success
	assert_output "ioba 0x8fff: $HOLDER_PID:$FD0 entry 8, gpa 0x40000fff, perm -, raw 0x0000000040000000"
}

@test "several addresses: one line each, in order; exit 1 when any is unmapped" {
	start_holder 8K:mixed
	run_tcectl translate "$HOLDER_PID:$FD0" 0x0 0x7000 0x9fff 0x1fff000 0x6000
	assert_failure 1
	assert_output "$(cat <<EOF
ioba 0x0: $HOLDER_PID:$FD0 entry 0, gpa 0x10000000, perm rw, raw 0x0000000010000003
ioba 0x7000: $HOLDER_PID:$FD0 entry 7, not mapped
ioba 0x9fff: $HOLDER_PID:$FD0 entry 9, gpa 0x50000fff, perm rw, raw 0x0000000050000003
ioba 0x1fff000: $HOLDER_PID:$FD0 entry 8191, gpa 0x60000000, perm rw, raw 0x0000000060000003
ioba 0x6000: $HOLDER_PID:$FD0 entry 6, gpa 0x30000000, perm w, raw 0x0000000030000002
EOF
)"
	[ "$stderr" = "$(memfd_warning translate "$FD0")" ]
	run_tcectl translate "$HOLDER_PID:$FD0" 0x10000 0x13fff
	assert_success
	assert_output "$(cat <<EOF
ioba 0x10000: $HOLDER_PID:$FD0 entry 16, gpa 0x10000000, perm rw, raw 0x0000000010000003
ioba 0x13fff: $HOLDER_PID:$FD0 entry 19, gpa 0x10003fff, perm rw, raw 0x0000000010003003
EOF
)"
}

@test "a change to the table shows in the next translation" {
	start_holder 8K:mixed
	run_tcectl translate "$HOLDER_PID:$FD0" 0x7010
	assert_failure 1
	holder_cmd set 0 7 0x0000123456789002
	run_tcectl translate "$HOLDER_PID:$FD0" 0x7010
	assert_success
	assert_output "ioba 0x7010: $HOLDER_PID:$FD0 entry 7, gpa 0x123456789010, perm w, raw 0x0000123456789002"
}

@test "--json with one address: an array of one object" {
	start_holder 8K:mixed
	run_tcectl translate --json "$HOLDER_PID:$FD0" 0x4123
	assert_success
	echo "$output" | jq -e 'type == "array" and length == 1'
	echo "$output" | jq -e --argjson pid "$HOLDER_PID" --argjson fd "$FD0" '.[0] |
		type == "object" and
		keys_unsorted == ["pid","fd","ioba","index","mapped","gpa","perm","raw"] and
		. == {pid: $pid, fd: $fd, ioba: "0x4123", index: 4, mapped: true,
		      gpa: "0x20000123", perm: "r", raw: "0x20000001"}'
}

@test "--json for an unmapped address: mapped false, gpa null, exit 1" {
	start_holder 8K:mixed
	run_tcectl translate -j "$HOLDER_PID:$FD0" 0x7000
	assert_failure 1
	echo "$output" | jq -e --argjson pid "$HOLDER_PID" --argjson fd "$FD0" '
		. == [{pid: $pid, fd: $fd, ioba: "0x7000", index: 7, mapped: false,
		      gpa: null, perm: "-", raw: "0x0"}]'
}

@test "--json with several addresses: an array, in order" {
	start_holder 8K:mixed
	run_tcectl translate -j "$HOLDER_PID:$FD0" 0x4123 0x7000 0x6fff
	assert_failure 1
	echo "$output" | jq -e '
		type == "array" and length == 3 and
		map(.ioba) == ["0x4123","0x7000","0x6fff"] and
		map(.mapped) == [true,false,true] and
		map(.gpa) == ["0x20000123",null,"0x30000fff"] and
		map(.perm) == ["r","-","w"] and
		map(.index) == [4,7,6]'
}

@test "--pretty prints the array indented" {
	start_holder 8K:mixed
	run_tcectl translate --pretty "$HOLDER_PID:$FD0" 0x0
	assert_success
	assert_output "$(cat <<EOF
[
  {
    "pid": $HOLDER_PID,
    "fd": $FD0,
    "ioba": "0x0",
    "index": 0,
    "mapped": true,
    "gpa": "0x10000000",
    "perm": "rw",
    "raw": "0x10000003"
  }
]
EOF
)"
}

@test "-n changes nothing: translate has no headings" {
	start_holder 8K:mixed
	run_tcectl translate -n "$HOLDER_PID:$FD0" 0x4123
	assert_success
	assert_output "ioba 0x4123: $HOLDER_PID:$FD0 entry 4, gpa 0x20000123, perm r, raw 0x0000000020000001"
}

@test "offset= and page= place the window on the bus" {
	start_holder 8K:mixed:16
	run_tcectl translate "$HOLDER_PID:$FD0,page=64K,offset=0x800000000000000" 0x800000000041234 0x80000001fffffff
	assert_success
	assert_output "$(cat <<EOF
ioba 0x800000000041234: $HOLDER_PID:$FD0 entry 4, gpa 0x20001234, perm r, raw 0x0000000020000001
ioba 0x80000001fffffff: $HOLDER_PID:$FD0 entry 8191, gpa 0x6000ffff, perm rw, raw 0x0000000060000003
EOF
)"
}

@test "shift=16: the low 16 bits of the address are the offset in the page" {
	start_holder 8K:mixed:16
	run_tcectl translate "$HOLDER_PID:$FD0,shift=16,liobn=5" 0x9abcd
	assert_success
	assert_output "ioba 0x9abcd: $HOLDER_PID:$FD0 entry 9, gpa 0x5000abcd, perm rw, raw 0x0000000050000003"
}

@test "an address past the window: exit 2 naming the window; the others are still translated" {
	start_holder 8K:mixed
	run_tcectl translate "$HOLDER_PID:$FD0" 0x0 0x2000000
	assert_failure 2
	assert_output "ioba 0x0: $HOLDER_PID:$FD0 entry 0, gpa 0x10000000, perm rw, raw 0x0000000010000003"
	[ "$stderr" = "$(memfd_warning translate "$FD0")
tcectl: translate: table $HOLDER_PID:$FD0: IO bus address 0x2000000 is outside the window 0x0-0x1ffffff; give the table's bus offset and page size (TARGET,offset=ADDR,page=SIZE)" ]
}

@test "an address below the bus offset: exit 2 naming the window" {
	start_holder 8K:mixed:16
	run_tcectl translate "$HOLDER_PID:$FD0,page=64K,offset=0x800000000000000" 0x4000
	assert_failure 2
	assert_output ""
	[ "$stderr" = "$(memfd_warning translate "$FD0")
tcectl: translate: table $HOLDER_PID:$FD0: IO bus address 0x4000 is outside the window 0x800000000000000-0x80000001fffffff; give the table's bus offset and page size (TARGET,offset=ADDR,page=SIZE)" ]
}

@test "entries=N: an address past the cut window is outside it" {
	start_holder 8K:mixed
	run_tcectl translate "$HOLDER_PID:$FD0,entries=16" 0x10000
	assert_failure 2
	[ "$stderr" = "$(memfd_warning translate "$FD0")
tcectl: translate: table $HOLDER_PID:$FD0: IO bus address 0x10000 is outside the window 0x0-0xffff; give the table's bus offset and page size (TARGET,offset=ADDR,page=SIZE)" ]
}

@test "--json with one address outside the window: an array of its error element" {
	start_holder 8K:mixed
	run_tcectl translate -j "$HOLDER_PID:$FD0" 0x2000000
	assert_failure 2
	echo "$output" | jq -e 'type == "array" and length == 1'
	echo "$output" | jq -e '.[0] |
		keys_unsorted == ["target","error","status"] and .status == 2 and
		.error == "table '"$HOLDER_PID:$FD0"': IO bus address 0x2000000 is outside the window 0x0-0x1ffffff; give the table'"'"'s bus offset and page size (TARGET,offset=ADDR,page=SIZE)"'
}

@test "--json with several addresses: one outside the window is an error element" {
	start_holder 8K:mixed
	run_tcectl translate -j "$HOLDER_PID:$FD0" 0x2000000 0x0
	assert_failure 2
	echo "$output" | jq -e '
		length == 2 and
		(.[0] | keys_unsorted == ["target","error","status"] and .status == 2 and
			(.error | startswith("table '"$HOLDER_PID:$FD0"': IO bus address 0x2000000 is outside"))) and
		(.[1] | .ioba == "0x0" and .gpa == "0x10000000" and .mapped == true)'
}

@test "a bare PID with one TCE table is that table" {
	start_holder 8K:empty 8K:mixed
	run_tcectl_tce_fds "$FD1" translate "$HOLDER_PID" 0x4123
	assert_success
	assert_output "ioba 0x4123: $HOLDER_PID:$FD1 entry 4, gpa 0x20000123, perm r, raw 0x0000000020000001"
	[ "$stderr" = "" ]
}

@test "a bare PID with several TCE tables is refused, naming how many" {
	start_holder 8K:mixed 8K:direct
	run_tcectl_tce_fds "$FD0 $FD1" translate "$HOLDER_PID" 0x0
	assert_failure 2
	assert_output ""
	[ "$stderr" = "tcectl: translate: pid $HOLDER_PID holds 2 TCE tables; name one as PID:FD (see tcectl list $HOLDER_PID)" ]
}

@test "a bare PID without TCE tables: exit 3" {
	start_holder 8K:mixed
	run_tcectl translate "$HOLDER_PID" 0x0
	assert_failure 3
	assert_output ""
	[ "$stderr" = "tcectl: translate: pid $HOLDER_PID (tce-holder) holds no kvm-spapr-tce tables; is it a KVM guest's VMM? to decode another fd give PID:FD" ]
}

@test "a process that does not exist: exit 3" {
	run_tcectl translate 4194304:3 0x0
	assert_failure 3
	assert_output ""
	[ "$stderr" = "tcectl: translate: no process with pid 4194304; check the pid with ps or tcectl list" ]
	run_tcectl translate -j 4194304:3 0x0
	assert_failure 3
	echo "$output" | jq -e '. == {error: "no process with pid 4194304; check the pid with ps or tcectl list", status: 3}'
}

@test "an fd the process does not have: exit 3" {
	start_holder 8K:mixed
	run_tcectl translate "$HOLDER_PID:99" 0x0
	assert_failure 3
	[ "$stderr" = "tcectl: translate: pid $HOLDER_PID has no fd 99; see its tables with tcectl list $HOLDER_PID" ]
}

@test "an argument that is not an address: exit 2" {
	local a
	for a in zz 0x 0x10k 1K 99999999999999999999 ''; do
		run_tcectl translate 1:3 0x0 "$a"
		assert_failure 2
		assert_output ""
		[ "$stderr" = "tcectl: translate: '$a' is not an IO bus address; give a number such as 0x1000" ]
	done
}

@test "no address, or no target: exit 2" {
	run_tcectl translate 1:3
	assert_failure 2
	[ "$stderr" = "tcectl: translate: no IO bus address; usage: tcectl translate [OPTION...] TARGET IOBA..." ]
	run_tcectl translate
	assert_failure 2
	[ "$stderr" = "tcectl: translate: no target; usage: tcectl translate [OPTION...] TARGET IOBA..." ]
	run_tcectl translate 0x1000 0x2000
	assert_failure 3
	[ "$stderr" = "tcectl: translate: '0x1000' is neither a process (PID, PID:FD, PID@ADDR) nor a checkpoint file; give PID, PID:FD, PID@ADDR or FILE" ]
}
