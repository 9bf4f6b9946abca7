#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
#
# How live tables are reached: through the holder's own mapping (nothing
# held), through a duplicate of the fd (--attach=fd, or when no mapping is
# known), and which mapping is which table, from QEMU-style records the
# holder keeps in its heap (run_tcectl_vmm shows its memfds and their
# mappings as kvm-spapr-tce tables, as a QEMU's look).

load test_helper

@test "a memfd's table is read through the holder's mapping of it, found by its inode" {
	start_holder 8K:mixed
	run_tcectl list -r -o TABLE,VIA,TYPE "$HOLDER_PID:$FD0"
	assert_success
	assert_output "$(printf '%s\n' 'TABLE VIA TYPE' "$HOLDER_PID:$FD0 mapping /memfd:tce-holder\\x20(deleted)")"
	run_tcectl list -r -n -o VIA --attach=fd "$HOLDER_PID:$FD0"
	assert_success
	assert_output "fd"
}

@test "--attach=fd and the mapping read the same entries" {
	start_holder 8K:mixed 8K:sparse
	local via_map via_fd
	run_tcectl dump --entries -n "$HOLDER_PID:$FD0" "$HOLDER_PID:$FD1"
	assert_success
	via_map=$output
	run_tcectl dump --entries -n --attach=fd "$HOLDER_PID:$FD0" "$HOLDER_PID:$FD1"
	assert_success
	[ "$output" = "$via_map" ]
	run_tcectl dump --entries -n --attach=mapping "$HOLDER_PID:$FD0" "$HOLDER_PID:$FD1"
	assert_success
	[ "$output" = "$via_map" ]
}

@test "--attach takes mapping or fd, nothing else" {
	run_tcectl list --attach=both 1
	assert_failure 2
	assert_output ""
	[ "$stderr" = "tcectl: list: --attach takes 'mapping' or 'fd', not 'both'" ]
	run_tcectl inspect --attach=fd x.tce
	assert_failure 2
	[ "$stderr" = "tcectl: inspect: unknown option '--attach'; see 'tcectl inspect --help'" ]
}

@test "PID@ADDR names a table by its mapping: the same table as PID:FD" {
	start_holder 8K:mixed 8K:direct
	local addr
	addr=$(map_addr "$FD1")
	run_tcectl dump -n "$HOLDER_PID:$FD1"
	assert_success
	local by_fd=$output
	run_tcectl dump -n "$HOLDER_PID@$addr"
	assert_success
	[ "$output" = "$by_fd" ]
	[ "$stderr" = "tcectl: dump: warning: the mapping at $addr of pid $HOLDER_PID is not a kvm-spapr-tce table; decoding it anyway" ]
	run_tcectl list -r -n -o TABLE,FD,ENTRIES,VIA "$HOLDER_PID@$addr,liobn=9"
	assert_success
	assert_output "$HOLDER_PID@$addr  8192 mapping"
}

@test "PID@ADDR that is no mapping's start, or not an address: exit 3 or 2" {
	start_holder 8K:mixed
	local addr
	addr=$(map_addr "$FD0")
	run_tcectl list "$HOLDER_PID@0x1000"
	assert_failure 3
	[ "$stderr" = "tcectl: list: pid $HOLDER_PID has no shared mapping that starts at 0x1000; see the tables it maps with tcectl list $HOLDER_PID" ]
	run_tcectl dump "$HOLDER_PID@zz"
	assert_failure 2
	[ "$stderr" = "tcectl: dump: '$HOLDER_PID@zz' is not a target: 'zz' after '@' is not an address; give PID@0xADDR as tcectl list shows it" ]
	run_tcectl dump "$HOLDER_PID@"
	assert_failure 2
	[ "$stderr" = "tcectl: dump: '$HOLDER_PID@' is not a target: '' after '@' is not an address; give PID@0xADDR as tcectl list shows it" ]
	run_tcectl dump --attach=fd "$HOLDER_PID@$addr"
	assert_failure 2
	[ "$stderr" = "tcectl: dump: '$HOLDER_PID@$addr' names a mapping, not an fd: --attach=fd cannot read it; give PID:FD" ]
}

@test "a VMM's tables without records: named by their mappings, geometry assumed, nothing held" {
	start_holder 8K:mixed 8K:direct
	local a0 a1
	a0=$(map_addr "$FD0")
	a1=$(map_addr "$FD1")
	run_tcectl_vmm "$FD0 $FD1" list -r -n -o TABLE,FD,LIOBN,SOURCE,TYPE,VIA,MAPPED "$HOLDER_PID"
	assert_success
	# Two mappings, two fds: nothing says which is which, so nothing is guessed.
	assert_output "$(printf '%s\n' "$HOLDER_PID@$a0   assumed kvm mapping 15" \
		"$HOLDER_PID@$a1   assumed kvm mapping 8192" | sort)"
	[ "$stderr" = "" ]
	# One fd of them: no mapping is known to be its own, so its fd is read, with a warning.
	run_tcectl_vmm "$FD0 $FD1" list -r -n -o TABLE,VIA "$HOLDER_PID:$FD1"
	assert_success
	assert_output "$HOLDER_PID:$FD1 fd"
	[ "$stderr" = "$(holding_warning list "$HOLDER_PID:$FD1")" ]
	run_tcectl_vmm "$FD0 $FD1" list --attach=mapping "$HOLDER_PID:$FD1"
	assert_failure 2
	[ "$stderr" = "$(mapping_unknown list "$FD1" ", or read the mappings: tcectl list $HOLDER_PID")" ]
}

# mapping_unknown VERB FD [HINT]: the refusal of --attach=mapping for a table whose mapping is not known.
mapping_unknown() {
	echo "tcectl: $1: no mapping of fd $2 of pid $HOLDER_PID is known (no QEMU record pairs it, and nothing else does); give --attach=fd to read it through a duplicate of its fd (which holds the table while it is read: a VMM that resets meanwhile cannot re-create it, see tcectl(1) HOLDING A TABLE)${3:-}"
}

@test "--attach=mapping: an fd that is not there is no table, and said so" {
	start_holder 8K:mixed
	run_tcectl list --attach=mapping "$HOLDER_PID:99"
	assert_failure 3
	[ "$stderr" = "tcectl: list: pid $HOLDER_PID has no fd 99; see its tables with tcectl list $HOLDER_PID" ]
}

@test "--attach=mapping never reads a table through its fd, even when no table is mapped" {
	start_holder 8K:mixed 8K:direct
	# The fds are tables, the mappings are not: a VMM that maps none of its tables.
	run_tcectl_tce_fds "$FD0 $FD1" list --attach=mapping "$HOLDER_PID"
	assert_failure 2
	assert_output ""
	[ "$stderr" = "tcectl: list: no mapping of the 2 kvm-spapr-tce tables of pid $HOLDER_PID is known (no QEMU record pairs them, and nothing else does); give --attach=fd to read them through duplicates of their fds (which holds each table while it is read: a VMM that resets meanwhile cannot re-create it, see tcectl(1) HOLDING A TABLE)" ]
	run_tcectl_tce_fds "$FD1" list --attach=mapping "$HOLDER_PID"
	assert_failure 2
	[ "$stderr" = "tcectl: list: no mapping of the kvm-spapr-tce table of pid $HOLDER_PID is known (no QEMU record pairs it, and nothing else does); give --attach=fd to read it through a duplicate of its fd (which holds the table while it is read: a VMM that resets meanwhile cannot re-create it, see tcectl(1) HOLDING A TABLE)" ]
	run_tcectl_tce_fds "$FD0 $FD1" list --attach=mapping "$HOLDER_PID:$FD1"
	assert_failure 2
	[ "$stderr" = "$(mapping_unknown list "$FD1" ", or read the mappings: tcectl list $HOLDER_PID")" ]
	# Without --attach, through their fds, with the warning.
	run_tcectl_tce_fds "$FD0 $FD1" list -r -n -o TABLE,VIA "$HOLDER_PID"
	assert_success
	assert_output "$(printf '%s\n' "$HOLDER_PID:$FD0 fd" "$HOLDER_PID:$FD1 fd")"
}

@test "one table fd and one table mapping are each other's" {
	start_holder 8K:mixed 8K:direct
	run_tcectl_vmm "$FD1" list -r -n -o TABLE,VIA,MAPPED,SOURCE "$HOLDER_PID"
	assert_success
	assert_output "$HOLDER_PID:$FD1 mapping 8192 assumed"
	[ "$stderr" = "" ]
}

@test "QEMU's records give every table its fd, liobn, page size, bus offset and entries" {
	start_holder 64K:mixed 8K:direct
	holder_cmd record 0 0x71000003 12 0
	holder_cmd record 1 0x80000101 24 0x800000000000000 16
	run_tcectl_vmm "$FD0 $FD1" list -r -o TABLE,LIOBN,DEVICE,PAGESIZE,OFFSET,ENTRIES,MAPPED,SOURCE,VIA "$HOLDER_PID"
	assert_success
	assert_output "$(printf '%s\n' 'TABLE LIOBN DEVICE PAGESIZE OFFSET ENTRIES MAPPED SOURCE VIA' \
		"$HOLDER_PID:$FD0 0x71000003 vio-71000003 4K 0x0 65536 15 qemu mapping" \
		"$HOLDER_PID:$FD1 0x80000101 phb1-win1 16M 0x800000000000000 16 16 qemu mapping")"
	[ "$stderr" = "" ]
	run_tcectl_vmm "$FD0 $FD1" dump "$HOLDER_PID:$FD1"
	assert_success
	# Entry i of the direct table maps guest page i << 12: 16M pages read it as 16 extents.
	assert_equal "${lines[0]}" "table $HOLDER_PID:$FD1 (tce-holder), liobn 0x80000101 (phb1-win1), 16M pages, bus offset 0x800000000000000, 16 entries"
	assert_equal "${lines[2]}" "0x800000000000000-0x800000000ffffff 0x00000000-0x00ffffff rw       1"
	assert_equal "${lines[-1]}" "entries 16, mapped 16, extents 16"
	run_tcectl_vmm "$FD0 $FD1" dump --json "$HOLDER_PID:$FD1"
	echo "$output" | jq -e '.[0] | .liobn == "0x80000101" and .page_shift == 24 and .entries == 16 and
		.source == "qemu" and .device == "phb1-win1" and .via == "mapping" and .emulated == false'
}

@test "keys given in the target win over a record, with a warning when they disagree" {
	start_holder 8K:mixed
	holder_cmd record 0 0x71000003 12 0
	run_tcectl_vmm "$FD0" list -r -n -o LIOBN,SHIFT,SOURCE "$HOLDER_PID:$FD0,shift=16"
	assert_success
	assert_output "0x71000003 16 given"
	[ "$stderr" = "tcectl: list: warning: table $HOLDER_PID:$FD0: the target gives shift=16, QEMU's record of liobn 0x71000003 says shift=12; the target wins" ]
	run_tcectl_vmm "$FD0" list -r -n -o LIOBN,SHIFT,SOURCE "$HOLDER_PID:$FD0,shift=12"
	assert_success
	assert_output "0x71000003 12 given"
	[ "$stderr" = "" ]
}

@test "two records of one table void each other: nothing is guessed" {
	start_holder 8K:mixed 8K:direct
	holder_cmd record 0 0x71000003 12 0
	holder_cmd record 1 0x80000001 16 0x800000000000000
	# A forged second record of table 1 (a guest can write such bytes).
	holder_cmd record 1 0x80000000 12 0
	run_tcectl_vmm "$FD0 $FD1" list -r -n -o TABLE,LIOBN,SOURCE "$HOLDER_PID"
	assert_success
	# Table 0 keeps its record; table 1's fd and mapping are the ones left: a pair.
	assert_output "$(printf '%s\n' "$HOLDER_PID:$FD0 0x71000003 qemu" "$HOLDER_PID:$FD1  assumed")"
}

@test "records that do not validate are ignored" {
	start_holder 8K:mixed 8K:direct 8K:sparse
	# A wrong fd, more entries than mapped, a page shift the kernel refuses, a misaligned offset.
	holder_cmd record 0 0x71000003 12 0 8192 99
	holder_cmd record 1 0x80000001 12 0 8193
	holder_cmd record 2 0x80000100 11 0
	holder_cmd record 2 0x80000101 24 0x800000000001000
	run_tcectl_vmm "$FD0 $FD1 $FD2" list -r -n -o TABLE,SOURCE "$HOLDER_PID"
	assert_success
	[ "$(cut -d' ' -f2 <<<"$output" | sort -u)" = assumed ]
	[ "${#lines[@]}" -eq 3 ]
}

@test "an emulated table: listed with TYPE emulated and a warning, dumped from QEMU's memory, never written" {
	start_holder 8K:mixed
	holder_cmd record 0 0x71000003 12 0
	local addr
	addr=$(holder_cmd emulate 0x80000000 4096)
	run_tcectl_vmm "$FD0" list -r -n -o TABLE,LIOBN,DEVICE,TYPE,VIA,ENTRIES,MAPPED,EMULATED "$HOLDER_PID"
	assert_success
	assert_output "$(printf '%s\n' "$HOLDER_PID:$FD0 0x71000003 vio-71000003 kvm mapping 8192 15 no" \
		"$HOLDER_PID@$addr 0x80000000 phb0-win0 emulated memory 4096 1 yes")"
	[ "$stderr" = "tcectl: list: warning: table $HOLDER_PID@$addr (liobn 0x80000000) is emulated by QEMU: the kernel refused to create it, so the guest's every H_PUT_TCE on it exits to QEMU; the next guest reset may bring it back" ]
	run_tcectl_vmm "$FD0" list --json -o TABLE,TYPE,EMULATED "$HOLDER_PID@$addr"
	echo "$output" | jq -e --arg t "$HOLDER_PID@$addr" '. == [{table: $t, type: "emulated", emulated: true}]'
	run_tcectl_vmm "$FD0" dump -n --entries "$HOLDER_PID@$addr"
	assert_success
	assert_output "    0 0x00000000 0x00001000 rw   0x0000000000001003"
	cd "$BATS_TEST_TMPDIR"
	run_tcectl_vmm "$FD0" restore --reset --yes "$HOLDER_PID@$addr"
	assert_failure 2
	[ "$stderr" = "tcectl: restore: table $HOLDER_PID@$addr is QEMU's emulated copy in its own memory (the kernel refused to create it); tcectl writes only kernel tables: reset the guest to get one back" ]
	# Refused before anything: no undo file either.
	[ -z "$(ls "$BATS_TEST_TMPDIR"/tcectl-undo-* 2>/dev/null)" ]
	[ "$(holder_cmd get 0 0)" = 0x0000000010000003 ]
}

@test "restore writes through the holder's mapping and reads back" {
	start_holder 8K:mixed
	run_tcectl checkpoint -o "$BATS_TEST_TMPDIR/c.tce" "$HOLDER_PID:$FD0"
	assert_success
	holder_cmd set 0 5 0x77773003
	run_tcectl_vmm "$FD0" restore --yes --undo "$BATS_TEST_TMPDIR/u.tce" "$BATS_TEST_TMPDIR/c.tce" "$HOLDER_PID:$FD0"
	assert_success
	[ "$(holder_cmd get 0 5)" = 0x0000000020001001 ]
	run_tcectl diff "$BATS_TEST_TMPDIR/c.tce" "$HOLDER_PID:$FD0"
	assert_success
}

@test "checkpoints record the geometry's source, and keep it" {
	start_holder 8K:mixed 8K:direct
	holder_cmd record 1 0x80000001 16 0x800000000000000
	run_tcectl_vmm "$FD0 $FD1" checkpoint -o "$BATS_TEST_TMPDIR/c.tce" "$HOLDER_PID"
	assert_success
	run_tcectl list -r -n -o TABLE,LIOBN,SHIFT,SOURCE,VIA "$BATS_TEST_TMPDIR/c.tce"
	assert_success
	assert_output "$(printf '%s\n' "$HOLDER_PID:$FD0  12 assumed file" "$HOLDER_PID:$FD1 0x80000001 16 qemu file")"
}
