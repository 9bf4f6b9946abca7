#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
#
# tcectl list: one row per table, its columns and formats.
# Tables are 8K entries (64 KiB) so that they fill whole pages on any host.

load test_helper

# Width of the PID column with one holder: the heading or the pid.
pid_width() {
	echo $(( ${#HOLDER_PID} > 3 ? ${#HOLDER_PID} : 3 ))
}

# Width of the TABLE column for PID:FD: the heading or the name.
table_width() {	# FD
	local name="$HOLDER_PID:$1"
	echo $(( ${#name} > 5 ? ${#name} : 5 ))
}

@test "PID:FD shows the default columns" {
	start_holder 8K:mixed
	run_tcectl list "$HOLDER_PID:$FD0"
	assert_success
	local w
	w=$(table_width "$FD0")
	assert_output "$(printf '%-*s %-10s %-5s %-6s %7s %6s %2s %1s %1s %8s %6s %s\n' \
		"$w" TABLE COMM LIOBN DEVICE ENTRIES MAPPED RW R W PAGESIZE OFFSET SOURCE \
		"$w" "$HOLDER_PID:$FD0" tce-holder - - 8192 15 11 2 1 4K 0x0 assumed)"
	[ "$stderr" = "$(memfd_warning list "$FD0")" ]
}

@test "several targets give one row each, in order, with the counts of each pattern" {
	start_holder 8K:mixed 8K:direct 8K:sparse 8K:empty
	run_tcectl list "$HOLDER_PID:$FD0" "$HOLDER_PID:$FD1" "$HOLDER_PID:$FD2" "$HOLDER_PID:$FD3"
	assert_success
	local w fmt
	w=$(table_width "$FD3")
	fmt="%-*s %-10s %-5s %-6s %7s %6s %4s %3s %3s %8s %6s %s\n"
	assert_output "$(printf "$fmt" "$w" TABLE COMM LIOBN DEVICE ENTRIES MAPPED RW R W PAGESIZE OFFSET SOURCE \
		"$w" "$HOLDER_PID:$FD0" tce-holder - - 8192 15 11 2 1 4K 0x0 assumed \
		"$w" "$HOLDER_PID:$FD1" tce-holder - - 8192 8192 8192 0 0 4K 0x0 assumed \
		"$w" "$HOLDER_PID:$FD2" tce-holder - - 8192 300 100 100 100 4K 0x0 assumed \
		"$w" "$HOLDER_PID:$FD3" tce-holder - - 8192 0 0 0 0 4K 0x0 assumed)"
	[ "$stderr" = "$(memfd_warning list "$FD0"; echo; memfd_warning list "$FD1"; echo
			 memfd_warning list "$FD2"; echo; memfd_warning list "$FD3")" ]
}

@test "-o LIST prints those columns in that order, names in any case" {
	start_holder 8K:mixed
	run_tcectl list -o fd,Mapped,none,PID "$HOLDER_PID:$FD0"
	assert_success
	local w
	w=$(pid_width)
	assert_output "$(printf '%2s %6s %4s %*s\n' FD MAPPED NONE "$w" PID \
		"$FD0" 15 1 "$w" "$HOLDER_PID")"
}

@test "--output=LIST is the long form of -o" {
	start_holder 8K:mixed
	run_tcectl list --output=extents,rw "$HOLDER_PID:$FD0"
	assert_success
	assert_output "$(printf '%s\n' 'EXTENTS RW' '      8 11')"
}

@test "-o +LIST adds columns after the default ones" {
	start_holder 8K:mixed
	run_tcectl list -o +NONE,EXTENTS,TYPE "$HOLDER_PID:$FD0"
	assert_success
	local w
	w=$(table_width "$FD0")
	assert_output "$(printf '%-*s %-10s %-5s %-6s %7s %6s %2s %1s %1s %8s %6s %-7s %4s %7s %s\n' \
		"$w" TABLE COMM LIOBN DEVICE ENTRIES MAPPED RW R W PAGESIZE OFFSET SOURCE NONE EXTENTS TYPE \
		"$w" "$HOLDER_PID:$FD0" tce-holder - - 8192 15 11 2 1 4K 0x0 assumed 1 8 '/memfd:tce-holder (deleted)')"
}

@test "--list-columns names every column with its help" {
	run_tcectl list --list-columns
	assert_success
	assert_output "$(cat <<'EOF'
TABLE      the table as a target: PID:FD, or PID@ADDR for a mapping with no fd known
PID        process id of the table's holder
COMM       command name of the holder
FD         file descriptor of the table in the holder, - when none is known
LIOBN      logical IO bus number, from QEMU's record or the target
VM         the VM's name: QEMU's monitor (query-name), else its libvirt domain's, else -name; shown by default with no TARGET
DEVICE     the table's device: its id from QEMU's monitor, TYPE,reg=/index= when it has none; without the monitor, a libvirt domain's alias, else QEMU's liobn numbering: phbN-winW, vio-REG
DEVTYPE    the device's QOM type, from QEMU's monitor
DEVPATH    the device's QOM path, from QEMU's monitor
PCI        a host bridge's PCI devices (ids, else types), from QEMU's monitor
DEVSOURCE  where DEVICE came from: qmp (QEMU's monitor), libvirt (the domain's XML) or records (the liobn)
ENTRIES    entries in the window
MAPPED     non-zero entries
RW         entries the device may read and write
R          entries the device may only read
W          entries the device may only write
NONE       non-zero entries without permission bits
EXTENTS    runs of entries mapping consecutive guest pages
SHIFT      IOMMU page shift
PAGESIZE   IOMMU page size
OFFSET     IO bus address of entry 0
WINDOW     bytes of IO bus space the window covers
SOURCE     where the geometry came from: qemu (its record), given (the target), assumed (4K at 0) or qmp (only the monitor shows it)
TYPE       kvm (a kernel table), emulated (QEMU's own copy: the kernel refused one) or what the fd is
VIA        how it was read: mapping (the VMM's own, holding nothing), fd (a duplicate), memory, file, or qmp (not read: only the monitor shows it)
EMULATED   whether QEMU emulates the table in its own memory
LINK       what the fd is, as /proc shows it
EOF
)"
	[ "$stderr" = "" ]
}

@test "--noheadings leaves the heading line out" {
	start_holder 8K:mixed 8K:direct
	run_tcectl list --noheadings -o fd,entries,mapped "$HOLDER_PID:$FD0" "$HOLDER_PID:$FD1"
	assert_success
	# Without headings, the widths are those of the cells alone.
	local w=$(( ${#FD0} > ${#FD1} ? ${#FD0} : ${#FD1} ))
	assert_output "$(printf '%*s %4s %4s\n' "$w" "$FD0" 8192 15 "$w" "$FD1" 8192 8192)"
	run_tcectl list -n -o mapped "$HOLDER_PID:$FD0"
	assert_success
	assert_output "15"
}

@test "--raw separates cells by one space and escapes blanks as \\x20" {
	start_holder 8K:mixed
	run_tcectl list --raw -o pid,liobn,fd,type,window \
		"$HOLDER_PID:$FD0" "$HOLDER_PID:$FD0,liobn=0x2a"
	assert_success
	assert_output "$(printf '%s\n' 'PID LIOBN FD TYPE WINDOW' \
		"$HOLDER_PID  $FD0 /memfd:tce-holder\\x20(deleted) 32M" \
		"$HOLDER_PID 0x2a $FD0 /memfd:tce-holder\\x20(deleted) 32M")"
}

@test "-r is --raw, and goes with --noheadings" {
	start_holder 8K:mixed
	run_tcectl list -r -n "$HOLDER_PID:$FD0"
	assert_success
	assert_output "$HOLDER_PID:$FD0 tce-holder   8192 15 11 2 1 4K 0x0 assumed"
}

@test "--json gives one object per table with the default columns as keys" {
	start_holder 8K:mixed
	run_tcectl list --json "$HOLDER_PID:$FD0"
	assert_success
	echo "$output" | jq -e --argjson pid "$HOLDER_PID" --argjson fd "$FD0" '
		length == 1 and
		(.[0] | keys_unsorted) == ["table","comm","liobn","device","entries","mapped","rw","r","w",
					   "page_size","bus_offset","source"] and
		.[0] == {table: "\($pid):\($fd)", comm: "tce-holder", liobn: null, device: null,
			 entries: 8192, mapped: 15, rw: 11, r: 2, w: 1, page_size: 4096, bus_offset: "0x0",
			 source: "assumed"}'
}

@test "--json with every column: addresses are \"0x\" strings, counts are numbers, no liobn is null" {
	start_holder 8K:mixed
	run_tcectl list -j -o pid,comm,fd,liobn,entries,mapped,rw,r,w,none,extents,shift,pagesize,offset,window,type \
		"$HOLDER_PID:$FD0" "$HOLDER_PID:$FD0,liobn=0x80000001,page=64K,offset=0x800000000000000"
	assert_success
	echo "$output" | jq -e --argjson pid "$HOLDER_PID" --argjson fd "$FD0" '
		length == 2 and
		(.[0] | keys_unsorted) == ["pid","comm","fd","liobn","entries","mapped","rw","r","w","none",
					   "extents","page_shift","page_size","bus_offset","window_size","type"] and
		.[0] == {pid: $pid, comm: "tce-holder", fd: $fd, liobn: null, entries: 8192, mapped: 15,
			 rw: 11, r: 2, w: 1, none: 1, extents: 8, page_shift: 12, page_size: 4096,
			 bus_offset: "0x0", window_size: 33554432, type: "/memfd:tce-holder (deleted)"} and
		.[1].liobn == "0x80000001" and .[1].page_shift == 16 and .[1].page_size == 65536 and
		.[1].bus_offset == "0x800000000000000" and .[1].window_size == 536870912'
}

@test "--pretty prints the --json document indented by two spaces" {
	start_holder 8K:mixed
	run_tcectl list --pretty -o pid,liobn,offset,mapped "$HOLDER_PID:$FD0"
	assert_success
	assert_output "$(cat <<EOF
[
  {
    "pid": $HOLDER_PID,
    "liobn": null,
    "bus_offset": "0x0",
    "mapped": 15
  }
]
EOF
)"
	local pretty=$output
	run_tcectl list --json -o pid,liobn,offset,mapped "$HOLDER_PID:$FD0"
	assert_success
	[ "$(jq -c . <<<"$pretty")" = "$output" ]
	run_tcectl list -p -n "$HOLDER_PID:$FD0"
	assert_success
	[ "${lines[0]}" = "[" ]
}

@test "geometry keys show in the LIOBN, ENTRIES, SHIFT, PAGESIZE, OFFSET and WINDOW columns" {
	start_holder 8K:mixed
	run_tcectl list -o fd,liobn,entries,shift,pagesize,offset,window \
		"$HOLDER_PID:$FD0" \
		"$HOLDER_PID:$FD0,liobn=0x80000001,shift=16,offset=0x800000000000000" \
		"$HOLDER_PID:$FD0,page=16M,entries=1" \
		"$HOLDER_PID:$FD0,page=2M,entries=4K,offset=0x200000,liobn=7"
	assert_success
	assert_output "$(printf '%2s %-10s %7s %5s %8s %17s %6s\n' \
		FD LIOBN ENTRIES SHIFT PAGESIZE OFFSET WINDOW \
		"$FD0" - 8192 12 4K 0x0 32M \
		"$FD0" 0x80000001 8192 16 64K 0x800000000000000 512M \
		"$FD0" - 1 24 16M 0x0 16M \
		"$FD0" 0x7 4096 21 2M 0x200000 8G)"
}

@test "entries=N cuts the window and the counts to its first N entries" {
	start_holder 8K:mixed
	run_tcectl list -r -o entries,mapped,rw,extents,window "$HOLDER_PID:$FD0,entries=32"
	assert_success
	assert_output "$(printf '%s\n' 'ENTRIES MAPPED RW EXTENTS WINDOW' '32 14 10 7 128K')"
}

@test "a bare PID lists every TCE table it holds" {
	start_holder 8K:mixed 8K:direct 8K:sparse
	run_tcectl_tce_fds "$FD0 $FD2" list -o pid,fd,mapped,type "$HOLDER_PID"
	assert_success
	local w
	w=$(pid_width)
	assert_output "$(printf '%*s %2s %6s %s\n' "$w" PID FD MAPPED TYPE \
		"$w" "$HOLDER_PID" "$FD0" 15 kvm \
		"$w" "$HOLDER_PID" "$FD2" 300 kvm)"
	[ "$stderr" = "$(holding_warning list "$HOLDER_PID:$FD0"; holding_warning list "$HOLDER_PID:$FD2")" ]
}

@test "with no target, list searches the host and leaves out the memfd holder" {
	start_holder 8K:mixed
	run_tcectl list
	assert_success
	[[ "${lines[0]}" =~ ^TABLE\ +COMM\ +VM\ +LIOBN\ +DEVICE\ +ENTRIES\ MAPPED\ +RW\ +R\ +W\ PAGESIZE\ +OFFSET\ SOURCE$ ]]
	[ "$stderr" = "" ]
	run_tcectl list -r -n -o pid
	assert_success
	run grep -cx "$HOLDER_PID" <<<"$output"
	assert_output 0
}

@test "with no target, list shows every process whose fds are TCE tables" {
	start_holder 8K:mixed 8K:direct
	run_tcectl_tce_fds "$FD0 $FD1" list -r -n -o pid,fd,entries,mapped
	assert_success
	run grep "^$HOLDER_PID " <<<"$output"
	assert_output "$(printf '%s\n' "$HOLDER_PID $FD0 8192 15" "$HOLDER_PID $FD1 8192 8192")"
}

@test "an unknown column is refused with exit 2" {
	run_tcectl list -o pid,bogus
	assert_failure 2
	assert_output ""
	[ "$stderr" = "tcectl: list: unknown column 'bogus'; see tcectl list --list-columns" ]
	run_tcectl list -o +Bogus
	assert_failure 2
	[ "$stderr" = "tcectl: list: unknown column 'Bogus'; see tcectl list --list-columns" ]
}

@test "an empty column name is refused with exit 2" {
	run_tcectl list -o ''
	assert_failure 2
	[ "$stderr" = "tcectl: list: unknown column ''; see tcectl list --list-columns" ]
	run_tcectl list -o pid,,fd
	assert_failure 2
	[ "$stderr" = "tcectl: list: unknown column ''; see tcectl list --list-columns" ]
}

@test "a trailing comma in -o is an empty column name too" {
	run_tcectl list -o pid,
	assert_failure 2
	assert_output ""
	[ "$stderr" = "tcectl: list: unknown column ''; see tcectl list --list-columns" ]
}

@test "-o takes any number of columns, repeats included" {
	start_holder 8K:mixed
	local list=pid n
	for n in $(seq 2 40); do list="$list,pid"; done
	run_tcectl list -n --raw -o "$list" "$HOLDER_PID:$FD0"
	assert_success
	assert_output "$(printf "$HOLDER_PID %.0s" $(seq 1 39))$HOLDER_PID"
}

@test "an option argp refuses is named as typed, inside a cluster too" {
	run_tcectl list -12
	assert_failure 2
	[ "$stderr" = "tcectl: list: unknown option '-1' in '-12'; see 'tcectl list --help'" ]
	run_tcectl list -xy
	assert_failure 2
	[ "$stderr" = "tcectl: list: unknown option '-x' in '-xy'; see 'tcectl list --help'" ]
	run_tcectl list -nx 1
	assert_failure 2
	[ "$stderr" = "tcectl: list: unknown option '-x' in '-nx'; see 'tcectl list --help'" ]
	run_tcectl list 1 -o
	assert_failure 2
	[ "$stderr" = "tcectl: list: option '-o' needs a value; see 'tcectl list --help'" ]
	run_tcectl list --raw=1
	assert_failure 2
	[ "$stderr" = "tcectl: list: option '--raw' takes no value; see 'tcectl list --help'" ]
	run_tcectl list --bogus
	assert_failure 2
	[ "$stderr" = "tcectl: list: unknown option '--bogus'; see 'tcectl list --help'" ]
	run_tcectl dump --p 1
	assert_failure 2
	[ "$stderr" = "tcectl: dump: ambiguous option '--p'; see 'tcectl dump --help'" ]
}

@test "a process that does not exist: exit 3, nothing on stdout" {
	run_tcectl list 4194304
	assert_failure 3
	assert_output ""
	[ "$stderr" = "tcectl: list: no process with pid 4194304; check the pid with ps or tcectl list" ]
}

@test "a bare PID without TCE tables: exit 3 naming the process" {
	start_holder 8K:mixed
	run_tcectl list "$HOLDER_PID"
	assert_failure 3
	assert_output ""
	[ "$stderr" = "tcectl: list: pid $HOLDER_PID (tce-holder) holds no kvm-spapr-tce tables; is it a KVM guest's VMM? to decode another fd give PID:FD" ]
}

@test "an fd the process does not have: exit 3" {
	start_holder 8K:mixed
	run_tcectl list "$HOLDER_PID:99"
	assert_failure 3
	assert_output ""
	[ "$stderr" = "tcectl: list: pid $HOLDER_PID has no fd 99; see its tables with tcectl list $HOLDER_PID" ]
}

@test "a failing target does not stop the others; the exit status is its own" {
	start_holder 8K:mixed
	run_tcectl list -r "$HOLDER_PID:$FD0" 4194304 "$HOLDER_PID:$FD0,liobn=1"
	assert_failure 3
	assert_output "$(printf '%s\n' 'TABLE COMM LIOBN DEVICE ENTRIES MAPPED RW R W PAGESIZE OFFSET SOURCE' \
		"$HOLDER_PID:$FD0 tce-holder   8192 15 11 2 1 4K 0x0 assumed" \
		"$HOLDER_PID:$FD0 tce-holder 0x1  8192 15 11 2 1 4K 0x0 assumed")"
	[ "$stderr" = "$(memfd_warning list "$FD0"; echo
			 echo 'tcectl: list: no process with pid 4194304; check the pid with ps or tcectl list'
			 memfd_warning list "$FD0")" ]
}

@test "--json: a failing target is an element with target, error and status" {
	start_holder 8K:mixed
	run_tcectl list --json "$HOLDER_PID:$FD0" "$HOLDER_PID:99"
	assert_failure 3
	echo "$output" | jq -e --arg t "$HOLDER_PID:99" --argjson pid "$HOLDER_PID" '
		length == 2 and
		(map(select(has("error"))) | length == 1 and
		 (.[0] | keys_unsorted) == ["target","error","status"] and
		 .[0].target == $t and .[0].status == 3 and
		 .[0].error == "pid \($pid) has no fd 99; see its tables with tcectl list \($pid)") and
		(map(select(has("table"))) | length == 1 and .[0].mapped == 15)'
	[ "$stderr" = "$(memfd_warning list "$FD0"; echo
			 echo "tcectl: list: pid $HOLDER_PID has no fd 99; see its tables with tcectl list $HOLDER_PID")" ]
}

@test "--json: an error before any table is one object with error and status" {
	run_tcectl list --json -o nosuch
	assert_failure 2
	echo "$output" | jq -e '
		keys_unsorted == ["error","status"] and
		.error == "unknown column '"'nosuch'"'; see tcectl list --list-columns" and .status == 2'
	[ "$stderr" = "tcectl: list: unknown column 'nosuch'; see tcectl list --list-columns" ]
}

@test "a process name with terminal escapes or bytes that are not UTF-8: escaped in text, valid UTF-8 in JSON" {
	TCE_HOLDER_COMM=$'a\e]0;PWN\a\e[2J' start_holder 8K:mixed
	run_tcectl list -n -o COMM "$HOLDER_PID:$FD0"
	assert_success
	assert_output 'a\x1b]0;PWN\x07\x1b[2J'
	# --raw escapes the backslashes of that too, as it does blanks.
	run_tcectl list -r -n -o COMM "$HOLDER_PID:$FD0"
	assert_output 'a\x5cx1b]0;PWN\x5cx07\x5cx1b[2J'
	run_tcectl dump "$HOLDER_PID:$FD0"
	assert_success
	[[ "${lines[0]}" == "table $HOLDER_PID:$FD0 (a\\x1b]0;PWN\\x07\\x1b[2J), liobn unknown, "* ]]
	run_tcectl list --json -o comm "$HOLDER_PID:$FD0"
	assert_success
	echo "$output" | jq -e '.[0].comm == "a\u001b]0;PWN\u0007\u001b[2J"'
	# A checkpoint keeps the name as it was; inspect escapes it the same way.
	run_tcectl checkpoint -o "$BATS_TEST_TMPDIR/c.tce" "$HOLDER_PID:$FD0"
	assert_success
	run_tcectl inspect "$BATS_TEST_TMPDIR/c.tce"
	assert_success
	[[ "${lines[2]}" == "process $HOLDER_PID (a\\x1b]0;PWN\\x07\\x1b[2J), guest unnamed, "* ]]
	stop_holder
	TCE_HOLDER_COMM=$'x\xffy\xc3\xa9\\n' start_holder 8K:mixed
	run_tcectl list -n -o COMM "$HOLDER_PID:$FD0"
	assert_success
	assert_output 'x\xffy'$'\xc3\xa9''\x5cn'
	run_tcectl list --json -o comm "$HOLDER_PID:$FD0"
	assert_success
	iconv -f UTF-8 -t UTF-8 <<<"$output" > /dev/null
	echo "$output" | jq -e '.[0].comm == "x\ufffdy\u00e9\\n"'
}
