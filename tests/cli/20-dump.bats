#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
#
# tcectl dump: extents, entries, ranges, permission filters, and the text,
# CSV, JSON and raw formats.  The "mixed" layout is the one documented in
# tests/fixtures/tce-holder.c; tables are 8K entries so they fill whole
# pages on any host.

load test_helper

# run_tcectl_to FILE ARGS...: tcectl with stdout in FILE (binary output).
run_tcectl_to() {
	local file=$1
	shift
	run --separate-stderr sh -c 'file=$1; shift; exec "$@" > "$file"' sh "$file" "$TCECTL" "$@"
}

# A process with fd 3 on /dev/null, fd 4 on a pipe and fd 5 on an empty file.
start_fd_process() {
	: > "$BATS_TEST_TMPDIR/empty"
	sleep 1000 3</dev/null 4< <(:) 5<"$BATS_TEST_TMPDIR/empty" &
	FD_PID=$!
	local _
	for _ in $(seq 1 200); do
		[ -e "/proc/$FD_PID/fd/5" ] && break
		sleep 0.01
	done
}

teardown() {
	stop_holder
	if [ -n "${FD_PID:-}" ]; then
		kill "$FD_PID" 2>/dev/null || true
		wait "$FD_PID" 2>/dev/null || true
	fi
}

# The extents of the "mixed" layout, 4K pages at bus offset 0.
mixed_extents() {
	cat <<EOF
0x00000000-0x00003fff 0x10000000-0x10003fff rw       4
0x00004000-0x00005fff 0x20000000-0x20001fff r        2
0x00006000-0x00006fff 0x30000000-0x30000fff w        1
0x00008000-0x00008fff 0x40000000-0x40000fff -        1
0x00009000-0x00009fff 0x50000000-0x50000fff rw       1
0x0000a000-0x0000afff 0x50002000-0x50002fff rw       1
0x00010000-0x00013fff 0x10000000-0x10003fff rw       4
0x01fff000-0x01ffffff 0x60000000-0x60000fff rw       1
EOF
}

@test "by default a table is shown as extents, with a title and a summary" {
	start_holder 8K:mixed
	run_tcectl dump "$HOLDER_PID:$FD0"
	assert_success
	assert_output "$(cat <<EOF
table $HOLDER_PID:$FD0 (tce-holder), liobn unknown, 4K pages, bus offset 0x0, 8192 entries (geometry assumed: give page=, offset=)
IOBA                  GPA                   PERM PAGES
$(mixed_extents)
entries 8192, mapped 15, extents 8
EOF
)"
}

@test "an fd that is not a kvm-spapr-tce table draws one warning line on stderr" {
	start_holder 8K:mixed
	run_tcectl dump -n "$HOLDER_PID:$FD0"
	assert_success
	[ "$stderr" = "tcectl: dump: warning: fd $FD0 of pid $HOLDER_PID is '/memfd:tce-holder (deleted)', not a kvm-spapr-tce table; decoding it anyway" ]
}

@test "a kvm-spapr-tce fd with no mapping known: read through its fd, with the holding warning" {
	start_holder 8K:mixed
	run_tcectl_tce_fds "$FD0" dump -n "$HOLDER_PID:$FD0"
	assert_success
	assert_output "$(mixed_extents)"
	[ "$stderr" = "$(holding_warning dump "$HOLDER_PID:$FD0")" ]
}

@test "a bare PID dumps every TCE table it holds" {
	start_holder 8K:mixed 8K:empty 8K:direct
	run_tcectl_tce_fds "$FD0 $FD2" dump "$HOLDER_PID"
	assert_success
	assert_output "$(cat <<EOF
table $HOLDER_PID:$FD0 (tce-holder), liobn unknown, 4K pages, bus offset 0x0, 8192 entries (geometry assumed: give page=, offset=)
IOBA                  GPA                   PERM PAGES
$(mixed_extents)
entries 8192, mapped 15, extents 8

table $HOLDER_PID:$FD2 (tce-holder), liobn unknown, 4K pages, bus offset 0x0, 8192 entries (geometry assumed: give page=, offset=)
IOBA                  GPA                   PERM PAGES
0x00000000-0x01ffffff 0x00000000-0x01ffffff rw    8192
entries 8192, mapped 8192, extents 1
EOF
)"
	[ "$stderr" = "$(holding_warning dump "$HOLDER_PID:$FD0"; holding_warning dump "$HOLDER_PID:$FD2")" ]
}

@test "an empty table has no extents" {
	start_holder 8K:empty
	run_tcectl dump "$HOLDER_PID:$FD0"
	assert_success
	assert_output "$(cat <<EOF
table $HOLDER_PID:$FD0 (tce-holder), liobn unknown, 4K pages, bus offset 0x0, 8192 entries (geometry assumed: give page=, offset=)
IOBA                  GPA                   PERM PAGES
entries 8192, mapped 0, extents 0
EOF
)"
}

@test "several targets: one block each, separated by an empty line" {
	start_holder 8K:mixed 8K:direct
	run_tcectl dump "$HOLDER_PID:$FD0,entries=32" "$HOLDER_PID:$FD1,entries=2,liobn=7"
	assert_success
	assert_output "$(cat <<EOF
table $HOLDER_PID:$FD0 (tce-holder), liobn unknown, 4K pages, bus offset 0x0, 32 entries
IOBA                  GPA                   PERM PAGES
$(mixed_extents | head -n 7)
entries 32, mapped 14, extents 7

table $HOLDER_PID:$FD1 (tce-holder), liobn 0x7, 4K pages, bus offset 0x0, 2 entries
IOBA                  GPA                   PERM PAGES
0x00000000-0x00001fff 0x00000000-0x00001fff rw       2
entries 2, mapped 2, extents 1
EOF
)"
	[ "$stderr" = "$(memfd_warning dump "$FD0"; echo; memfd_warning dump "$FD1")" ]
}

@test "--entries shows every non-zero entry with its raw value" {
	start_holder 8K:mixed
	run_tcectl dump --entries "$HOLDER_PID:$FD0"
	assert_success
	assert_output "$(cat <<EOF
table $HOLDER_PID:$FD0 (tce-holder), liobn unknown, 4K pages, bus offset 0x0, 8192 entries (geometry assumed: give page=, offset=)
INDEX IOBA       GPA        PERM RAW
    0 0x00000000 0x10000000 rw   0x0000000010000003
    1 0x00001000 0x10001000 rw   0x0000000010001003
    2 0x00002000 0x10002000 rw   0x0000000010002003
    3 0x00003000 0x10003000 rw   0x0000000010003003
    4 0x00004000 0x20000000 r    0x0000000020000001
    5 0x00005000 0x20001000 r    0x0000000020001001
    6 0x00006000 0x30000000 w    0x0000000030000002
    8 0x00008000 0x40000000 -    0x0000000040000000
    9 0x00009000 0x50000000 rw   0x0000000050000003
   10 0x0000a000 0x50002000 rw   0x0000000050002003
   16 0x00010000 0x10000000 rw   0x0000000010000003
   17 0x00011000 0x10001000 rw   0x0000000010001003
   18 0x00012000 0x10002000 rw   0x0000000010002003
   19 0x00013000 0x10003000 rw   0x0000000010003003
 8191 0x01fff000 0x60000000 rw   0x0000000060000003
entries 8192, mapped 15, extents 8
EOF
)"
}

# Entries 5-7 map the last guest page of the 64-bit space, then pages 0 and 1
# (tce-holder takes values as signed: -0xffd is 0xfffffffffffff003).
set_wrapping_entries() {
	holder_cmd set 0 5 -0xffd
	holder_cmd set 0 6 0x3
	holder_cmd set 0 7 0x1003
}

@test "a run ends where the next guest page would lie past 2^64" {
	start_holder 8K:empty
	set_wrapping_entries
	run_tcectl dump -n "$HOLDER_PID:$FD0"
	assert_success
	assert_output "$(cat <<EOF
0x00005000-0x00005fff 0xfffffffffffff000-0xffffffffffffffff rw       1
0x00006000-0x00007fff 0x0000000000000000-0x0000000000001fff rw       2
EOF
)"
}

@test "--entries prints every digit of a guest address, whatever the page size" {
	start_holder 8K:empty
	holder_cmd set 0 0 0x3
	holder_cmd set 0 9 -0xffd
	run_tcectl dump --entries -n "$HOLDER_PID:$FD0,page=16M"
	assert_success
	assert_output "$(cat <<EOF
    0 0x0000000000 0x0000000000000000 rw   0x0000000000000003
    9 0x0009000000 0xfffffffffffff000 rw   0xfffffffffffff003
EOF
)"
	run_tcectl dump --entries -n --range 0x90000 "$HOLDER_PID:$FD0,page=64K"
	assert_success
	assert_output "    9 0x00090000 0xfffffffffffff000 rw   0xfffffffffffff003"
}

@test "--all shows the empty entries too" {
	start_holder 8K:mixed
	run_tcectl dump --all "$HOLDER_PID:$FD0,entries=12"
	assert_success
	assert_output "$(cat <<EOF
table $HOLDER_PID:$FD0 (tce-holder), liobn unknown, 4K pages, bus offset 0x0, 12 entries
INDEX IOBA       GPA        PERM RAW
    0 0x00000000 0x10000000 rw   0x0000000010000003
    1 0x00001000 0x10001000 rw   0x0000000010001003
    2 0x00002000 0x10002000 rw   0x0000000010002003
    3 0x00003000 0x10003000 rw   0x0000000010003003
    4 0x00004000 0x20000000 r    0x0000000020000001
    5 0x00005000 0x20001000 r    0x0000000020001001
    6 0x00006000 0x30000000 w    0x0000000030000002
    7 0x00007000 0x00000000 -    0x0000000000000000
    8 0x00008000 0x40000000 -    0x0000000040000000
    9 0x00009000 0x50000000 rw   0x0000000050000003
   10 0x0000a000 0x50002000 rw   0x0000000050002003
   11 0x0000b000 0x00000000 -    0x0000000000000000
entries 12, mapped 10, extents 6
EOF
)"
}

@test "-a prints one line per entry of the whole table" {
	start_holder 8K:sparse
	run_tcectl dump -a "$HOLDER_PID:$FD0"
	assert_success
	[ "${#lines[@]}" -eq $((8192 + 3)) ]
	[ "${lines[1]}" = "INDEX IOBA       GPA          PERM RAW" ]
	[ "${lines[2]}" = "    0 0x00000000 0x0100000000 rw   0x0000000100000003" ]
	[ "${lines[3]}" = "    1 0x00001000 0x0000000000 -    0x0000000000000000" ]
	[ "${lines[8193]}" = " 8191 0x01fff000 0x0000000000 -    0x0000000000000000" ]
	[ "${lines[8194]}" = "entries 8192, mapped 300, extents 300" ]
	run_tcectl dump -a -n "$HOLDER_PID:$FD0,entries=100"
	assert_success
	[ "${#lines[@]}" -eq 100 ]
	[ "${lines[99]}" = "   99 0x00063000 0x000000000 -    0x0000000000000000" ]
}

@test "-e is --entries" {
	start_holder 8K:mixed
	run_tcectl dump -e -n "$HOLDER_PID:$FD0,entries=8"
	assert_success
	local short=$output
	run_tcectl dump --entries -n "$HOLDER_PID:$FD0,entries=8"
	assert_success
	assert_output "$short"
	[ "${#lines[@]}" -eq 7 ]
}

@test "--range IOBA shows the one entry that holds the address" {
	start_holder 8K:mixed
	run_tcectl dump --range 0x4800 "$HOLDER_PID:$FD0"
	assert_success
	assert_output "$(cat <<EOF
table $HOLDER_PID:$FD0 (tce-holder), liobn unknown, 4K pages, bus offset 0x0, 8192 entries (geometry assumed: give page=, offset=)
IOBA                  GPA                   PERM PAGES
0x00004000-0x00004fff 0x20000000-0x20000fff r        1
entries 8192, mapped 1, extents 1
EOF
)"
}

@test "--range IOBA-IOBA cuts extents at its ends" {
	start_holder 8K:mixed
	run_tcectl dump -n --range 0x5000-0x10fff "$HOLDER_PID:$FD0"
	assert_success
	assert_output "$(cat <<'EOF'
0x00005000-0x00005fff 0x20001000-0x20001fff r        1
0x00006000-0x00006fff 0x30000000-0x30000fff w        1
0x00008000-0x00008fff 0x40000000-0x40000fff -        1
0x00009000-0x00009fff 0x50000000-0x50000fff rw       1
0x0000a000-0x0000afff 0x50002000-0x50002fff rw       1
0x00010000-0x00010fff 0x10000000-0x10000fff rw       1
EOF
)"
}

@test "--range IOBA+LENGTH is the same as IOBA-(IOBA+LENGTH-1)" {
	start_holder 8K:mixed
	run_tcectl dump -R 0x4000+0x6000 "$HOLDER_PID:$FD0"
	assert_success
	local plus=$output
	run_tcectl dump -R 0x4000-0x9fff "$HOLDER_PID:$FD0"
	assert_success
	assert_output "$plus"
	assert_output "$(cat <<EOF
table $HOLDER_PID:$FD0 (tce-holder), liobn unknown, 4K pages, bus offset 0x0, 8192 entries (geometry assumed: give page=, offset=)
IOBA                  GPA                   PERM PAGES
0x00004000-0x00005fff 0x20000000-0x20001fff r        2
0x00006000-0x00006fff 0x30000000-0x30000fff w        1
0x00008000-0x00008fff 0x40000000-0x40000fff -        1
0x00009000-0x00009fff 0x50000000-0x50000fff rw       1
entries 8192, mapped 5, extents 4
EOF
)"
	run_tcectl dump -n -R 0x1000+4K "$HOLDER_PID:$FD0"
	assert_success
	assert_output "0x00001000-0x00001fff 0x10001000-0x10001fff rw       1"
}

@test "--range with --entries and --all lists the entries of the range" {
	start_holder 8K:mixed
	run_tcectl dump -n --all --range 0x6000-0x7fff "$HOLDER_PID:$FD0"
	assert_success
	assert_output "$(cat <<'EOF'
    6 0x00006000 0x30000000 w    0x0000000030000002
    7 0x00007000 0x00000000 -    0x0000000000000000
EOF
)"
	run_tcectl dump -n -e -R 0x6000-0x8000 "$HOLDER_PID:$FD0"
	assert_success
	assert_output "$(cat <<'EOF'
    6 0x00006000 0x30000000 w    0x0000000030000002
    8 0x00008000 0x40000000 -    0x0000000040000000
EOF
)"
}

@test "--range that runs past the window is clipped to it" {
	start_holder 8K:mixed
	run_tcectl dump -n -R 0x1fff000-0xffffffffffffffff "$HOLDER_PID:$FD0"
	assert_success
	assert_output "0x01fff000-0x01ffffff 0x60000000-0x60000fff rw       1"
}

@test "--range wholly outside the window: exit 2 naming the window" {
	start_holder 8K:mixed
	run_tcectl dump -R 0x2000000 "$HOLDER_PID:$FD0"
	assert_failure 2
	assert_output ""
	[ "$stderr" = "$(echo "tcectl: dump: table $HOLDER_PID:$FD0: IO bus address 0x2000000 is outside the window 0x0-0x1ffffff; give the table's bus offset and page size (TARGET,offset=ADDR,page=SIZE)")" ]
	run_tcectl dump -R 0x0-0xfff "$HOLDER_PID:$FD0,offset=0x10000"
	assert_failure 2
	[ "${stderr##*$'\n'}" = "tcectl: dump: table $HOLDER_PID:$FD0: IO bus address 0xfff is outside the window 0x10000-0x200ffff; give the table's bus offset and page size (TARGET,offset=ADDR,page=SIZE)" ]
}

@test "a bad --range is refused with exit 2" {
	local r
	for r in '' x -5 0x 0x10-0x5 0x10+0 0x10- 0x10+ 1K 0x1000-0x2000x 0xffffffffffffffff+2 99999999999999999999; do
		run_tcectl dump --range "$r" 1:3
		assert_failure 2
		assert_output ""
		[ "$stderr" = "tcectl: dump: '$r' is not an IO bus address range; give IOBA, IOBA-IOBA or IOBA+LENGTH" ]
	done
	run_tcectl dump 1:3 --range
	assert_failure 2
	[ "$stderr" = "tcectl: dump: option '--range' needs a value; see 'tcectl dump --help'" ]
}

@test "--perm with one permission shows only those extents and counts them" {
	start_holder 8K:mixed
	run_tcectl dump --perm w "$HOLDER_PID:$FD0"
	assert_success
	assert_output "$(cat <<EOF
table $HOLDER_PID:$FD0 (tce-holder), liobn unknown, 4K pages, bus offset 0x0, 8192 entries (geometry assumed: give page=, offset=)
IOBA                  GPA                   PERM PAGES
0x00006000-0x00006fff 0x30000000-0x30000fff w        1
entries 8192, mapped 1, extents 1
EOF
)"
}

@test "--perm with a list, and rw alone" {
	start_holder 8K:mixed
	run_tcectl dump --perm r,w "$HOLDER_PID:$FD0"
	assert_success
	assert_output "$(cat <<EOF
table $HOLDER_PID:$FD0 (tce-holder), liobn unknown, 4K pages, bus offset 0x0, 8192 entries (geometry assumed: give page=, offset=)
IOBA                  GPA                   PERM PAGES
0x00004000-0x00005fff 0x20000000-0x20001fff r        2
0x00006000-0x00006fff 0x30000000-0x30000fff w        1
entries 8192, mapped 3, extents 2
EOF
)"
	run_tcectl dump -n -P rw "$HOLDER_PID:$FD0"
	assert_success
	assert_output "$(mixed_extents | grep ' rw ')"
}

@test "--perm - shows the non-zero entries without permission bits" {
	start_holder 8K:mixed
	run_tcectl dump -e --perm - "$HOLDER_PID:$FD0"
	assert_success
	assert_output "$(cat <<EOF
table $HOLDER_PID:$FD0 (tce-holder), liobn unknown, 4K pages, bus offset 0x0, 8192 entries (geometry assumed: give page=, offset=)
INDEX IOBA       GPA        PERM RAW
    8 0x00008000 0x40000000 -    0x0000000040000000
entries 8192, mapped 1, extents 1
EOF
)"
}

@test "--perm with --all: empty entries count as '-'" {
	start_holder 8K:mixed
	run_tcectl dump -n -a --perm -,w "$HOLDER_PID:$FD0,entries=12"
	assert_success
	assert_output "$(cat <<'EOF'
    6 0x00006000 0x30000000 w    0x0000000030000002
    7 0x00007000 0x00000000 -    0x0000000000000000
    8 0x00008000 0x40000000 -    0x0000000040000000
   11 0x0000b000 0x00000000 -    0x0000000000000000
EOF
)"
}

@test "a bad --perm list is refused with exit 2" {
	local p
	for p in '' x rwx RW 'rw,' rw,,r ,r 'r w'; do
		run_tcectl dump --perm "$p" 1:3
		assert_failure 2
		assert_output ""
		[ "$stderr" = "tcectl: dump: '$p' is not a permission list; give a comma-separated list of rw, r, w and -" ]
	done
}

@test "-n leaves out the title, the headings and the summary" {
	start_holder 8K:mixed
	run_tcectl dump -n "$HOLDER_PID:$FD0"
	assert_success
	assert_output "$(mixed_extents)"
	run_tcectl dump --noheadings -e "$HOLDER_PID:$FD0,entries=2"
	assert_success
	assert_output "$(cat <<'EOF'
    0 0x00000000 0x10000000 rw   0x0000000010000003
    1 0x00001000 0x10001000 rw   0x0000000010001003
EOF
)"
}

@test "--csv: extents with their header row" {
	start_holder 8K:mixed
	run_tcectl dump --csv "$HOLDER_PID:$FD0"
	assert_success
	local p="$HOLDER_PID,$FD0,"
	assert_output "$(cat <<EOF
pid,fd,liobn,ioba_first,ioba_last,gpa_first,gpa_last,perm,pages
$p,0x0,0x3fff,0x10000000,0x10003fff,rw,4
$p,0x4000,0x5fff,0x20000000,0x20001fff,r,2
$p,0x6000,0x6fff,0x30000000,0x30000fff,w,1
$p,0x8000,0x8fff,0x40000000,0x40000fff,-,1
$p,0x9000,0x9fff,0x50000000,0x50000fff,rw,1
$p,0xa000,0xafff,0x50002000,0x50002fff,rw,1
$p,0x10000,0x13fff,0x10000000,0x10003fff,rw,4
$p,0x1fff000,0x1ffffff,0x60000000,0x60000fff,rw,1
EOF
)"
}

@test "--csv --entries: entries with their header row" {
	start_holder 8K:mixed
	run_tcectl dump --csv --entries "$HOLDER_PID:$FD0,entries=12"
	assert_success
	local p="$HOLDER_PID,$FD0,"
	assert_output "$(cat <<EOF
pid,fd,liobn,index,ioba,gpa,perm,raw
$p,0,0x0,0x10000000,rw,0x10000003
$p,1,0x1000,0x10001000,rw,0x10001003
$p,2,0x2000,0x10002000,rw,0x10002003
$p,3,0x3000,0x10003000,rw,0x10003003
$p,4,0x4000,0x20000000,r,0x20000001
$p,5,0x5000,0x20001000,r,0x20001001
$p,6,0x6000,0x30000000,w,0x30000002
$p,8,0x8000,0x40000000,-,0x40000000
$p,9,0x9000,0x50000000,rw,0x50000003
$p,10,0xa000,0x50002000,rw,0x50002003
EOF
)"
}

@test "--csv with several tables: one header row, the liobn filled in when known" {
	start_holder 8K:mixed:16 8K:direct
	run_tcectl dump --csv "$HOLDER_PID:$FD0,entries=8,liobn=0x80000001,page=64K,offset=0x800000000000000" \
		"$HOLDER_PID:$FD1"
	assert_success
	assert_output "$(cat <<EOF
pid,fd,liobn,ioba_first,ioba_last,gpa_first,gpa_last,perm,pages
$HOLDER_PID,$FD0,0x80000001,0x800000000000000,0x80000000003ffff,0x10000000,0x1003ffff,rw,4
$HOLDER_PID,$FD0,0x80000001,0x800000000040000,0x80000000005ffff,0x20000000,0x2001ffff,r,2
$HOLDER_PID,$FD0,0x80000001,0x800000000060000,0x80000000006ffff,0x30000000,0x3000ffff,w,1
$HOLDER_PID,$FD1,,0x0,0x1ffffff,0x0,0x1ffffff,rw,8192
EOF
)"
}

@test "--csv -n leaves the header row out" {
	start_holder 8K:mixed
	run_tcectl dump --csv -n -e -P w "$HOLDER_PID:$FD0"
	assert_success
	assert_output "$HOLDER_PID,$FD0,,6,0x6000,0x30000000,w,0x30000002"
}

@test "--raw writes the table's bytes as they are" {
	start_holder 8K:mixed
	run_tcectl_to "$BATS_TEST_TMPDIR/raw" dump --raw "$HOLDER_PID:$FD0"
	assert_success
	[ "$stderr" = "$(memfd_warning dump "$FD0")" ]
	[ "$(stat -c %s "$BATS_TEST_TMPDIR/raw")" -eq 65536 ]
	cmp "$BATS_TEST_TMPDIR/raw" "/proc/$HOLDER_PID/fd/$FD0"
}

@test "--raw follows changes to the table" {
	start_holder 8K:mixed
	holder_cmd set 0 7 0x7000000000000003
	run_tcectl_to "$BATS_TEST_TMPDIR/raw" dump --raw "$HOLDER_PID:$FD0"
	assert_success
	cmp "$BATS_TEST_TMPDIR/raw" "/proc/$HOLDER_PID/fd/$FD0"
	run od -A n -t x8 -j 56 -N 8 "$BATS_TEST_TMPDIR/raw"
	assert_output " 7000000000000003"
}

@test "--raw with --range writes the entries of the range only" {
	start_holder 8K:mixed
	run_tcectl_to "$BATS_TEST_TMPDIR/raw" dump --raw --range 0x4000-0x9fff "$HOLDER_PID:$FD0"
	assert_success
	[ "$(stat -c %s "$BATS_TEST_TMPDIR/raw")" -eq 48 ]
	dd if="/proc/$HOLDER_PID/fd/$FD0" of="$BATS_TEST_TMPDIR/slice" bs=8 skip=4 count=6 2>/dev/null
	cmp "$BATS_TEST_TMPDIR/raw" "$BATS_TEST_TMPDIR/slice"
}

@test "--raw refuses several targets" {
	start_holder 8K:mixed 8K:direct
	run_tcectl_to "$BATS_TEST_TMPDIR/raw" dump --raw "$HOLDER_PID:$FD0" "$HOLDER_PID:$FD1"
	assert_failure 2
	[ ! -s "$BATS_TEST_TMPDIR/raw" ]
	[ "$stderr" = "tcectl: dump: --raw writes one table; give one PID:FD" ]
}

@test "--raw refuses a bare PID that holds several tables, naming how many" {
	start_holder 8K:mixed 8K:direct 8K:sparse
	run_tcectl_tce_fds "$FD0 $FD1 $FD2" dump --raw "$HOLDER_PID"
	assert_failure 2
	assert_output ""
	[ "$stderr" = "tcectl: dump: --raw writes one table and pid $HOLDER_PID holds 3; give PID:FD (see tcectl list $HOLDER_PID)" ]
}

@test "--raw takes a bare PID that holds one table" {
	start_holder 8K:mixed 8K:direct
	TCE_OUT="$BATS_TEST_TMPDIR/raw" run_tcectl_tce_fds "$FD1" dump --raw "$HOLDER_PID"
	assert_success
	[ "$stderr" = "$(holding_warning dump "$HOLDER_PID:$FD1")" ]
	cmp "$BATS_TEST_TMPDIR/raw" "/proc/$HOLDER_PID/fd/$FD1"
	TCE_OUT="$BATS_TEST_TMPDIR/raw" run_tcectl_tce_fds "$FD1" dump --raw -R 0x1000+0x1000 "$HOLDER_PID"
	assert_success
	run od -A n -t x8 "$BATS_TEST_TMPDIR/raw"
	assert_output " 0000000000001003"
}

@test "--raw refuses to write to a terminal" {
	start_holder 8K:mixed
	# script(1) gives tcectl a terminal for stdout (and stderr).
	run script -qec "$(printf '%q ' "$TCECTL" dump --raw "$HOLDER_PID:$FD0")" /dev/null < /dev/null
	assert_failure 2
	assert_output "tcectl: dump: --raw writes binary data; redirect it to a file or a pipe"$'\r'
}

@test "--raw refuses --perm, --entries and --all" {
	local opt
	for opt in --perm=rw -e --entries -a --all; do
		run_tcectl_to "$BATS_TEST_TMPDIR/raw" dump --raw "$opt" 1:3
		assert_failure 2
		[ "$stderr" = "tcectl: dump: --raw writes every entry as it is; it takes --range but not --perm, --entries or --all" ]
	done
}

@test "--json goes with neither --csv nor --raw" {
	local args
	for args in "--json --csv" "--csv --json" "-j --raw" "--raw --pretty"; do
		# shellcheck disable=SC2086
		run_tcectl dump $args 1:3
		assert_failure 2
		[ "$stderr" = "tcectl: dump: --json goes with neither --csv nor --raw; choose one format" ]
		echo "$output" | jq -e 'keys_unsorted == ["error","status"] and .status == 2 and
			.error == "--json goes with neither --csv nor --raw; choose one format"'
	done
}

@test "--csv and --raw together: one line naming both, exit 2" {
	run_tcectl dump --csv --raw 1:3
	assert_failure 2
	[ "$stderr" = "tcectl: dump: --csv and --raw are two formats; choose one" ]
	run_tcectl dump --raw --csv 1:3
	assert_failure 2
	[ "$stderr" = "tcectl: dump: --raw and --csv are two formats; choose one" ]
}

@test "--json: one object per table with its extents" {
	start_holder 8K:mixed
	run_tcectl dump --json "$HOLDER_PID:$FD0"
	assert_success
	echo "$output" | jq -e --argjson pid "$HOLDER_PID" --argjson fd "$FD0" '
		length == 1 and
		(.[0] | keys_unsorted) == ["pid","fd","comm","fd_link","liobn","page_shift","bus_offset",
					   "entries","table","device","source","type","via","emulated",
					   "extents","mapped","extent_count"] and
		(.[0] | .table == "\($pid):\($fd)" and .device == null and .source == "assumed" and
		 .type == "/memfd:tce-holder (deleted)" and .via == "mapping" and .emulated == false) and
		(.[0] | .pid == $pid and .fd == $fd and .comm == "tce-holder" and
		 .fd_link == "/memfd:tce-holder (deleted)" and .liobn == null and .page_shift == 12 and
		 .bus_offset == "0x0" and .entries == 8192 and .mapped == 15 and .extent_count == 8) and
		(.[0].extents | length == 8 and
		 all(keys_unsorted == ["index","ioba","gpa","pages","perm"]) and
		 all((.index | type) == "number" and (.pages | type) == "number" and
		     (.ioba | test("^0x[0-9a-f]+$")) and (.gpa | test("^0x[0-9a-f]+$")))) and
		.[0].extents[0] == {index: 0, ioba: "0x0", gpa: "0x10000000", pages: 4, perm: "rw"} and
		.[0].extents[3] == {index: 8, ioba: "0x8000", gpa: "0x40000000", pages: 1, perm: "-"} and
		.[0].extents[7] == {index: 8191, ioba: "0x1fff000", gpa: "0x60000000", pages: 1, perm: "rw"}'
}

@test "--json --entries: tces objects with the raw value" {
	start_holder 8K:mixed
	run_tcectl dump -j -e -P r,- "$HOLDER_PID:$FD0,liobn=0x10"
	assert_success
	echo "$output" | jq -e '
		length == 1 and (.[0] | has("extents") | not) and
		.[0].liobn == "0x10" and .[0].mapped == 3 and .[0].extent_count == 2 and
		.[0].tces == [
			{index: 4, ioba: "0x4000", gpa: "0x20000000", perm: "r", raw: "0x20000001"},
			{index: 5, ioba: "0x5000", gpa: "0x20001000", perm: "r", raw: "0x20001001"},
			{index: 8, ioba: "0x8000", gpa: "0x40000000", perm: "-", raw: "0x40000000"}]'
}

@test "--json --all: empty entries are tces with raw 0x0" {
	start_holder 8K:mixed
	run_tcectl dump -j -a "$HOLDER_PID:$FD0,entries=12"
	assert_success
	echo "$output" | jq -e '
		.[0].entries == 12 and (.[0].tces | length) == 12 and
		.[0].tces[7] == {index: 7, ioba: "0x7000", gpa: "0x0", perm: "-", raw: "0x0"} and
		.[0].mapped == 10 and .[0].extent_count == 6'
}

@test "--json with several tables, and a failing one as {target, error, status}" {
	start_holder 8K:mixed 8K:empty
	run_tcectl dump -j "$HOLDER_PID:$FD0,entries=1" 4194304 "$HOLDER_PID:$FD1"
	assert_failure 3
	echo "$output" | jq -e --argjson fd0 "$FD0" --argjson fd1 "$FD1" '
		length == 3 and
		.[0].fd == $fd0 and .[0].extents == [{index: 0, ioba: "0x0", gpa: "0x10000000", pages: 1, perm: "rw"}] and
		.[1] == {target: "4194304", status: 3,
			 error: "no process with pid 4194304; check the pid with ps or tcectl list"} and
		(.[1] | keys_unsorted) == ["target","error","status"] and
		.[2].fd == $fd1 and .[2].extents == [] and .[2].mapped == 0 and .[2].extent_count == 0'
	[ "$stderr" = "$(memfd_warning dump "$FD0"; echo
			 echo "tcectl: dump: no process with pid 4194304; check the pid with ps or tcectl list"
			 memfd_warning dump "$FD1")" ]
}

@test "--pretty prints the --json document indented" {
	start_holder 8K:mixed
	run_tcectl dump --pretty -e "$HOLDER_PID:$FD0,entries=1,liobn=0x10"
	assert_success
	assert_output "$(cat <<EOF
[
  {
    "pid": $HOLDER_PID,
    "fd": $FD0,
    "comm": "tce-holder",
    "fd_link": "/memfd:tce-holder (deleted)",
    "liobn": "0x10",
    "page_shift": 12,
    "bus_offset": "0x0",
    "entries": 1,
    "table": "$HOLDER_PID:$FD0",
    "device": null,
    "source": "given",
    "type": "/memfd:tce-holder (deleted)",
    "via": "mapping",
    "emulated": false,
    "tces": [
      {
        "index": 0,
        "ioba": "0x0",
        "gpa": "0x10000000",
        "perm": "rw",
        "raw": "0x10000003"
      }
    ],
    "mapped": 1,
    "extent_count": 1
  }
]
EOF
)"
	local pretty=$output
	run_tcectl dump --json -e "$HOLDER_PID:$FD0,entries=1,liobn=0x10"
	[ "$(jq -c . <<<"$pretty")" = "$output" ]
}

@test "shift=16 and page=64K give 64 KiB pages" {
	start_holder 8K:mixed:16
	run_tcectl dump "$HOLDER_PID:$FD0,shift=16"
	assert_success
	assert_output "$(cat <<EOF
table $HOLDER_PID:$FD0 (tce-holder), liobn unknown, 64K pages, bus offset 0x0, 8192 entries
IOBA                  GPA                   PERM PAGES
0x00000000-0x0003ffff 0x10000000-0x1003ffff rw       4
0x00040000-0x0005ffff 0x20000000-0x2001ffff r        2
0x00060000-0x0006ffff 0x30000000-0x3000ffff w        1
0x00080000-0x0008ffff 0x40000000-0x4000ffff -        1
0x00090000-0x0009ffff 0x50000000-0x5000ffff rw       1
0x000a0000-0x000affff 0x50020000-0x5002ffff rw       1
0x00100000-0x0013ffff 0x10000000-0x1003ffff rw       4
0x1fff0000-0x1fffffff 0x60000000-0x6000ffff rw       1
entries 8192, mapped 15, extents 8
EOF
)"
	local shifted=$output
	run_tcectl dump "$HOLDER_PID:$FD0,page=64K"
	assert_success
	assert_output "$shifted"
}

@test "a table of 64K pages read with 4K pages falls apart into single pages" {
	start_holder 8K:mixed:16
	run_tcectl dump -n -R 0x0-0x3fff "$HOLDER_PID:$FD0"
	assert_success
	assert_output "$(cat <<'EOF'
0x00000000-0x00000fff 0x10000000-0x10000fff rw       1
0x00001000-0x00001fff 0x10010000-0x10010fff rw       1
0x00002000-0x00002fff 0x10020000-0x10020fff rw       1
0x00003000-0x00003fff 0x10030000-0x10030fff rw       1
EOF
)"
}

@test "offset= and liobn= move the IO bus addresses and name the table" {
	start_holder 8K:mixed:16
	run_tcectl dump "$HOLDER_PID:$FD0,page=64K,offset=0x800000000000000,liobn=0x80000001"
	assert_success
	assert_output "$(cat <<EOF
table $HOLDER_PID:$FD0 (tce-holder), liobn 0x80000001 (phb0-win1), 64K pages, bus offset 0x800000000000000, 8192 entries
IOBA                                GPA                   PERM PAGES
0x800000000000000-0x80000000003ffff 0x10000000-0x1003ffff rw       4
0x800000000040000-0x80000000005ffff 0x20000000-0x2001ffff r        2
0x800000000060000-0x80000000006ffff 0x30000000-0x3000ffff w        1
0x800000000080000-0x80000000008ffff 0x40000000-0x4000ffff -        1
0x800000000090000-0x80000000009ffff 0x50000000-0x5000ffff rw       1
0x8000000000a0000-0x8000000000affff 0x50020000-0x5002ffff rw       1
0x800000000100000-0x80000000013ffff 0x10000000-0x1003ffff rw       4
0x80000001fff0000-0x80000001fffffff 0x60000000-0x6000ffff rw       1
entries 8192, mapped 15, extents 8
EOF
)"
	run_tcectl dump -n -e -R 0x800000000040000+128K "$HOLDER_PID:$FD0,page=64K,offset=0x800000000000000"
	assert_success
	assert_output "$(cat <<'EOF'
    4 0x800000000040000 0x20000000 r    0x0000000020000001
    5 0x800000000050000 0x20010000 r    0x0000000020010001
EOF
)"
}

@test "entries=N cuts the window to its first N entries" {
	start_holder 8K:mixed
	run_tcectl dump "$HOLDER_PID:$FD0,entries=32"
	assert_success
	assert_output "$(cat <<EOF
table $HOLDER_PID:$FD0 (tce-holder), liobn unknown, 4K pages, bus offset 0x0, 32 entries
IOBA                  GPA                   PERM PAGES
$(mixed_extents | head -n 7)
entries 32, mapped 14, extents 7
EOF
)"
	run_tcectl dump -R 0x20000 "$HOLDER_PID:$FD0,entries=32"
	assert_failure 2
	[ "${stderr##*$'\n'}" = "tcectl: dump: table $HOLDER_PID:$FD0: IO bus address 0x20000 is outside the window 0x0-0x1ffff; give the table's bus offset and page size (TARGET,offset=ADDR,page=SIZE)" ]
}

@test "entries=N larger than the table: exit 2 naming the most it can be" {
	start_holder 8K:mixed
	run_tcectl dump "$HOLDER_PID:$FD0,entries=9000"
	assert_failure 2
	assert_output ""
	[ "$stderr" = "tcectl: dump: entries=9000 is more than the 8192 entries table $HOLDER_PID:$FD0 maps; give at most 8192" ]
}

@test "a window that runs past the 64-bit bus space: exit 2" {
	start_holder 8K:mixed
	run_tcectl dump "$HOLDER_PID:$FD0,offset=0xffffffffff000000"
	assert_failure 2
	assert_output ""
	[ "$stderr" = "tcectl: dump: a window of 8192 entries of 2^12 bytes at bus offset 0xffffffffff000000 runs past the 64-bit bus space; check the offset and page size" ]
}

@test "a window that ends at the top of the bus space is fine" {
	start_holder 8K:mixed
	run_tcectl dump -n -R 0xfffffffffffff000 "$HOLDER_PID:$FD0,offset=0xfffffffffe000000"
	assert_success
	assert_output "0xfffffffffffff000-0xffffffffffffffff 0x60000000-0x60000fff rw       1"
}

@test "a change to the table shows in the next dump" {
	start_holder 8K:mixed
	run_tcectl dump -n -e -R 0x6000-0x7fff "$HOLDER_PID:$FD0"
	assert_success
	assert_output "    6 0x00006000 0x30000000 w    0x0000000030000002"
	holder_cmd set 0 7 0x30001003
	holder_cmd set 0 6 0x30000003
	run holder_cmd get 0 7
	assert_output "0x0000000030001003"
	run_tcectl dump -n -e -R 0x6000-0x7fff "$HOLDER_PID:$FD0"
	assert_success
	assert_output "$(cat <<'EOF'
    6 0x00006000 0x30000000 rw   0x0000000030000003
    7 0x00007000 0x30001000 rw   0x0000000030001003
EOF
)"
	run_tcectl dump -n -R 0x4000-0x8fff "$HOLDER_PID:$FD0"
	assert_output "$(cat <<'EOF'
0x00004000-0x00005fff 0x20000000-0x20001fff r        2
0x00006000-0x00007fff 0x30000000-0x30001fff rw       2
0x00008000-0x00008fff 0x40000000-0x40000fff -        1
EOF
)"
}

@test "no target: exit 2" {
	run_tcectl dump -e
	assert_failure 2
	assert_output ""
	[ "$stderr" = "tcectl: dump: no target; usage: tcectl dump [OPTION...] TARGET..." ]
}

@test "a process that does not exist: exit 3" {
	run_tcectl dump 4194304:3
	assert_failure 3
	assert_output ""
	[ "$stderr" = "tcectl: dump: no process with pid 4194304; check the pid with ps or tcectl list" ]
	run_tcectl dump 4194304
	assert_failure 3
	[ "$stderr" = "tcectl: dump: no process with pid 4194304; check the pid with ps or tcectl list" ]
}

@test "a process that has ended: exit 3" {
	sleep 0 &
	local dead=$!
	wait "$dead"
	run_tcectl dump "$dead:3"
	assert_failure 3
	[ "$stderr" = "tcectl: dump: no process with pid $dead; check the pid with ps or tcectl list" ]
}

@test "a bare PID without TCE tables: exit 3 naming the process" {
	start_holder 8K:mixed
	run_tcectl dump "$HOLDER_PID"
	assert_failure 3
	assert_output ""
	[ "$stderr" = "tcectl: dump: pid $HOLDER_PID (tce-holder) holds no kvm-spapr-tce tables; is it a KVM guest's VMM? to decode another fd give PID:FD" ]
	run_tcectl dump "$$"
	assert_failure 3
	[ "$stderr" = "tcectl: dump: pid $$ ($(cat /proc/$$/comm)) holds no kvm-spapr-tce tables; is it a KVM guest's VMM? to decode another fd give PID:FD" ]
}

@test "an fd the process does not have: exit 3" {
	start_holder 8K:mixed
	run_tcectl dump "$HOLDER_PID:99"
	assert_failure 3
	assert_output ""
	[ "$stderr" = "tcectl: dump: pid $HOLDER_PID has no fd 99; see its tables with tcectl list $HOLDER_PID" ]
}

@test "an fd that cannot be mapped: exit 3" {
	start_fd_process
	run_tcectl dump "$FD_PID:3"
	assert_failure 3
	assert_output ""
	[ "$stderr" = "tcectl: dump: fd 3 of pid $FD_PID (/dev/null) cannot be mapped: No such device; it is not a TCE table" ]
	run_tcectl dump "$FD_PID:4"
	assert_failure 3
	[ "$stderr" = "tcectl: dump: fd 4 of pid $FD_PID ($(readlink "/proc/$FD_PID/fd/4")) cannot be mapped: No such device; it is not a TCE table" ]
}

@test "an fd that maps no entries: exit 3" {
	start_fd_process
	run_tcectl dump "$FD_PID:5"
	assert_failure 3
	assert_output ""
	[ "$stderr" = "tcectl: dump: fd 5 of pid $FD_PID ($BATS_TEST_TMPDIR/empty) maps no entries; it is not a TCE table, or an empty one" ]
}

@test "a failing target does not stop the others" {
	start_holder 8K:mixed
	run_tcectl dump -n "$HOLDER_PID:99" "$HOLDER_PID:$FD0,entries=4"
	assert_failure 3
	assert_output "0x00000000-0x00003fff 0x10000000-0x10003fff rw       4"
	[ "$stderr" = "$(echo "tcectl: dump: pid $HOLDER_PID has no fd 99; see its tables with tcectl list $HOLDER_PID"
			 memfd_warning dump "$FD0")" ]
}

@test "--json: an error before any table is one object with error and status" {
	run_tcectl dump -j 4194304:x
	assert_failure 2
	echo "$output" | jq -e '
		. == {error: "'"'4194304:x'"' is not a target: no file descriptor after '"':'"'; give PID, PID:FD or PID@ADDR (each table with ,KEY=VALUE,...: shift, page, offset, liobn, entries) or a checkpoint FILE",
		      status: 2}'
}
