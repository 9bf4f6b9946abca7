#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
#
# tcectl checkpoint: whole tables into one ELF file (tcectl-checkpoint(5)),
# written whole or not at all.  The files are checked with binutils
# (readelf, objcopy) as well as with tcectl itself.  Tables are 8K entries
# (64 KiB, whole pages on any host); the signal and --freeze tests use a
# 16M-entry table so that reading it takes long enough to be caught.

load test_helper

setup() {
	OUT="$BATS_TEST_TMPDIR/out"
	mkdir -p "$OUT"
}

teardown() {
	[ -n "${NOBODY_DIR:-}" ] && rm -rf "$NOBODY_DIR"
	[ -n "${WATCH_FLAG:-}" ] && touch "$WATCH_FLAG.end"
	[ -n "${WATCH_PID:-}" ] && wait "$WATCH_PID" 2>/dev/null
	if [ -n "${SETTER_PID:-}" ]; then
		kill "$SETTER_PID" 2>/dev/null || true
		wait "$SETTER_PID" 2>/dev/null || true
	fi
	stop_holder
}

# section_info FILE NAME: "OFFSET SIZE FLAGS" of section NAME (decimal; FLAGS
# as readelf prints them, "-" for none).
section_info() {
	local line name type addr off size es flags
	while IFS= read -r line; do
		case $line in *"] "*) ;; *) continue ;; esac
		read -r name type addr off size es flags _ <<<"${line#*]}"
		[ "$name" = "$2" ] || continue
		case $flags in [0-9]*) flags=- ;; esac
		echo "$((16#$off)) $((16#$size)) $flags"
		return 0
	done < <(readelf -SW "$1")
	echo "no section $2 in $1" >&2
	return 1
}

# note_records FILE: the description of every note readelf -n shows, its
# NUL-separated records one a line, an empty line after each note.
note_records() {
	local hex
	readelf -nW "$1" | sed -n 's/^.*description data: *//p' | while read -r hex; do
		# shellcheck disable=SC2059
		printf "$(sed 's/\([0-9a-f][0-9a-f]\) */\\x\1/g' <<<"$hex")" | tr '\0' '\n'
		echo
	done
}

# crc32 FILE: the CRC-32 of FILE's bytes as 0x%08x, from gzip's trailer.
crc32() {
	printf '0x%s' "$(gzip -c < "$1" | tail -c 8 | od -An -N4 -tx4 --endian=little | tr -d ' ')"
}

state_of() { # PID: its state letter in /proc/PID/stat
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

# wait_exec PID: wait until the background job PID runs tcectl, so that a
# signal reaches tcectl and not the shell that starts it.
wait_exec() {
	local tcectl _ state
	tcectl=$(readlink -f "$TCECTL")
	for _ in $(seq 1 5000); do
		[ "$(readlink "/proc/$1/exe" 2>/dev/null)" = "$tcectl" ] && return 0
		# Ended already (a zombie until waited for): nothing to catch.
		read -r _ _ state _ < "/proc/$1/stat" 2>/dev/null || return 0
		[ "$state" = Z ] && return 0
	done
	return 0	# it ran and ended already
}

# wait_stopped PID JOB: wait until PID is stopped, while the background job
# JOB runs; fails if JOB ends first (it was too quick to be caught).
wait_stopped() {
	local stat
	while [ -e "/proc/$2" ]; do
		read -r stat < "/proc/$1/stat"
		stat=${stat##*) }
		[ "${stat%% *}" = T ] && return 0
	done
	return 1
}

# temporaries DIR: the temporary files a checkpoint leaves in DIR (there
# should be none): .NAME.XXXXXX
temporaries() {
	find "$1" -maxdepth 1 -name '.*.??????' -printf '%f\n'
}

@test "checkpoint writes the file and says so in one line" {
	start_holder 8K:mixed 8K:direct
	run_tcectl checkpoint --no-compress -o "$OUT/c.tce" "$HOLDER_PID:$FD0" "$HOLDER_PID:$FD1"
	assert_success
	assert_output "wrote $OUT/c.tce: 2 tables, 8207 mapped entries, 131072 bytes of entries, consistent"
	[ "$stderr" = "" ]
	[ -f "$OUT/c.tce" ]
	[ "$(temporaries "$OUT")" = "" ]
	run_tcectl verify "$OUT/c.tce"
	assert_success
	assert_output "$OUT/c.tce: ok, 2 tables, every checksum matches"
}

@test "the bytes of entries are the sizes of the compressed sections" {
	start_holder 8K:mixed 8K:direct
	run_tcectl checkpoint -o "$OUT/c.tce" "$HOLDER_PID:$FD0" "$HOLDER_PID:$FD1"
	assert_success
	local s0 s1
	read -r _ s0 _ < <(section_info "$OUT/c.tce" .tce.0)
	read -r _ s1 _ < <(section_info "$OUT/c.tce" .tce.1)
	[ "$s0" -lt 65536 ]
	[ "$s1" -lt 65536 ]
	assert_output "wrote $OUT/c.tce: 2 tables, 8207 mapped entries, $((s0 + s1)) bytes of entries, consistent"
}

@test "the file is mode 0600 whatever the umask, and an existing file becomes 0600" {
	start_holder 8K:mixed
	run --separate-stderr sh -c 'umask 000 && exec "$@"' sh "$TCECTL" checkpoint -o "$OUT/c.tce" "$HOLDER_PID:$FD0"
	assert_success
	[ "$(stat -c %a "$OUT/c.tce")" = 600 ]
	chmod 644 "$OUT/c.tce"
	run_tcectl checkpoint -o "$OUT/c.tce" "$HOLDER_PID:$FD0"
	assert_success
	[ "$(stat -c %a "$OUT/c.tce")" = 600 ]
}

@test "-o that is a FIFO, a device, a directory or a symbolic link: exit 2, the node left as it was" {
	start_holder 8K:mixed
	mkfifo "$OUT/fifo"
	mknod "$OUT/null" c 1 3
	mkdir "$OUT/dir"
	ln -s c.tce "$OUT/link"
	local name kind
	for name in fifo:a\ FIFO null:a\ device dir:a\ directory link:a\ symbolic\ link; do
		kind=${name#*:} name=${name%%:*}
		run_tcectl checkpoint -o "$OUT/$name" "$HOLDER_PID:$FD0"
		assert_failure 2
		assert_output ""
		[ "$stderr" = "tcectl: checkpoint: checkpoint '$OUT/$name' is $kind, not a regular file; tcectl replaces only regular files: give another name" ]
	done
	[ -p "$OUT/fifo" ] && [ -c "$OUT/null" ] && [ -d "$OUT/dir" ] && [ -L "$OUT/link" ]
	[ "$(ls -A "$OUT" | sort | tr '\n' ' ')" = "dir fifo link null " ]
	run_tcectl checkpoint -o '' "$HOLDER_PID:$FD0"
	assert_failure 2
	[ "$stderr" = "tcectl: checkpoint: an empty checkpoint name; give a file name" ]
}

@test "--json: file, tables, mapped, stored_bytes, consistent and passes" {
	start_holder 8K:mixed 8K:direct
	run_tcectl checkpoint --json --no-compress -o "$OUT/c.tce" "$HOLDER_PID:$FD0" "$HOLDER_PID:$FD1"
	assert_success
	echo "$output" | jq -e --arg f "$OUT/c.tce" '
		(keys_unsorted == ["file", "tables", "mapped", "stored_bytes", "consistent", "passes"]) and
		. == {file: $f, tables: 2, mapped: 8207, stored_bytes: 131072, consistent: true, passes: 2}'
	[ "${#lines[@]}" -eq 1 ]
	run_tcectl checkpoint -j --freeze -o "$OUT/d.tce" "$HOLDER_PID:$FD0"
	assert_success
	echo "$output" | jq -e '(.file | type) == "string" and (.tables | type) == "number" and
		(.mapped | type) == "number" and (.stored_bytes | type) == "number" and
		(.consistent | type) == "boolean" and .passes == 1 and .mapped == 15'
}

@test "-o FILE is required; so is a target" {
	start_holder 8K:mixed
	cd "$OUT"
	run_tcectl checkpoint "$HOLDER_PID:$FD0"
	assert_failure 2
	assert_output ""
	[ "$stderr" = "tcectl: checkpoint: no output file; give -o FILE" ]
	run_tcectl checkpoint -o "$OUT/c.tce"
	assert_failure 2
	assert_output ""
	[ "$stderr" = "tcectl: checkpoint: no target; usage: tcectl checkpoint [OPTION...] -o FILE TARGET..." ]
	run_tcectl checkpoint "$HOLDER_PID:$FD0" -o
	assert_failure 2
	[ "$stderr" = "tcectl: checkpoint: option '-o' needs a value; see 'tcectl checkpoint --help'" ]
	[ "$(ls -A "$OUT")" = "" ]
}

@test "--json: an error is the whole document; -n is accepted" {
	start_holder 8K:mixed
	run_tcectl checkpoint --json "$HOLDER_PID:$FD0"
	assert_failure 2
	[ "$stderr" = "tcectl: checkpoint: no output file; give -o FILE" ]
	echo "$output" | jq -e '. == {error: "no output file; give -o FILE", status: 2}'
	run_tcectl checkpoint --json -o "$OUT/c.tce" "$HOLDER_PID:$FD0" "$HOLDER_PID:99"
	assert_failure 3
	echo "$output" | jq -e --argjson p "$HOLDER_PID" '
		. == {error: "pid \($p) has no fd 99; see its tables with tcectl list \($p)", status: 3}'
	[ ! -e "$OUT/c.tce" ]
	run_tcectl checkpoint -n -o "$OUT/c.tce" "$HOLDER_PID:$FD0"
	assert_success
	assert_output "wrote $OUT/c.tce: 1 table, 15 mapped entries, $("$TCECTL" inspect --json "$OUT/c.tce" | jq .[0].tables[0].stored_bytes) bytes of entries, consistent"
}

@test "a directory that may not be written: exit 4, nothing left behind" {
	start_holder 8K:mixed
	"$TCECTL" checkpoint -o "$OUT/c.tce" "$HOLDER_PID:$FD0" > /dev/null
	NOBODY_DIR=$(mktemp -d "${TMPDIR:-/tmp}/tcectl-ckpt.XXXXXX")
	chmod 755 "$NOBODY_DIR"
	mkdir -m 755 "$NOBODY_DIR/ro"
	cp "$TCECTL" "$NOBODY_DIR/tcectl"
	cp "$OUT/c.tce" "$NOBODY_DIR/c.tce"
	chmod 644 "$NOBODY_DIR/c.tce"
	# A FILE target: nothing to attach to, only the directory stands in the way.
	run --separate-stderr setpriv --reuid=65534 --regid=65534 --clear-groups \
		"$NOBODY_DIR/tcectl" checkpoint -o "$NOBODY_DIR/ro/copy.tce" "$NOBODY_DIR/c.tce"
	assert_failure 4
	assert_output ""
	[ "$stderr" = "tcectl: checkpoint: cannot create a file in '$NOBODY_DIR/ro': Permission denied; choose a writable directory" ]
	[ "$(ls -A "$NOBODY_DIR/ro")" = "" ]
}

@test "--freeze on a process that was stopped already: read, and left stopped" {
	start_holder 8K:mixed
	kill -STOP "$HOLDER_PID"
	run_tcectl checkpoint --freeze -o "$OUT/c.tce" "$HOLDER_PID:$FD0"
	local st=$status now
	now=$(state_of "$HOLDER_PID")
	kill -CONT "$HOLDER_PID"
	[ "$st" -eq 0 ]
	[ "$now" = T ]
	run_tcectl verify "$OUT/c.tce"
	assert_success
}

@test "a bare PID saves every table it holds, in fd order" {
	start_holder 8K:mixed 8K:empty 8K:direct
	run_tcectl_tce_fds "$FD0 $FD2" checkpoint -o "$OUT/c.tce" "$HOLDER_PID"
	assert_success
	local summary=$output
	run_tcectl inspect --json "$OUT/c.tce"
	assert_success
	echo "$output" | jq -e --argjson p "$HOLDER_PID" --argjson a "$FD0" --argjson b "$FD2" '
		[.[0].tables[] | [.pid, .fd, .mapped]] == [[$p, $a, 15], [$p, $b, 8192]]'
	[ "$summary" = "wrote $OUT/c.tce: 2 tables, 8207 mapped entries, $(jq '[.[0].tables[].stored_bytes] | add' <<<"$output") bytes of entries, consistent" ]
}

@test "several targets, each with its labels: the file records liobn and geometry" {
	start_holder 8K:mixed 8K:mixed:16 8K:direct
	run_tcectl checkpoint -o "$OUT/c.tce" "$HOLDER_PID:$FD0" \
		"$HOLDER_PID:$FD1,page=64K,offset=0x800000000000000,liobn=0x80000001" \
		"$HOLDER_PID:$FD2,liobn=7,entries=4K"
	assert_success
	[ "${output%%, *}" = "wrote $OUT/c.tce: 3 tables" ]
	run_tcectl inspect --json "$OUT/c.tce"
	assert_success
	echo "$output" | jq -e --argjson p "$HOLDER_PID" --argjson f0 "$FD0" --argjson f1 "$FD1" --argjson f2 "$FD2" '
		[.[0].tables[] | {index, liobn, page_shift, bus_offset, entries, mapped, pid, fd}] == [
		 {index: 0, liobn: null, page_shift: 12, bus_offset: "0x0", entries: 8192, mapped: 15, pid: $p, fd: $f0},
		 {index: 1, liobn: "0x80000001", page_shift: 16, bus_offset: "0x800000000000000", entries: 8192, mapped: 15, pid: $p, fd: $f1},
		 {index: 2, liobn: "0x7", page_shift: 12, bus_offset: "0x0", entries: 4096, mapped: 4096, pid: $p, fd: $f2}]'
	# The labels come back with the tables.
	run_tcectl dump -n -R 0x800000000040000+128K "$OUT/c.tce:1"
	assert_success
	assert_output "0x800000000040000-0x80000000005ffff 0x20000000-0x2001ffff r        2"
	run_tcectl dump "$OUT/c.tce:2"
	assert_success
	assert_output "$(cat <<EOF
table $HOLDER_PID:$FD2 (tce-holder), liobn 0x7, 4K pages, bus offset 0x0, 4096 entries
IOBA                  GPA                   PERM PAGES
0x00000000-0x00ffffff 0x00000000-0x00ffffff rw    4096
entries 4096, mapped 4096, extents 1
EOF
)"
}

@test "--no-compress: sections of entries*8 bytes, not flagged C, the table's own bytes" {
	start_holder 8K:mixed 8K:direct
	run_tcectl checkpoint --no-compress -o "$OUT/raw.tce" "$HOLDER_PID:$FD0" "$HOLDER_PID:$FD1,entries=1K"
	assert_success
	run section_info "$OUT/raw.tce" .tce.0
	[ "${output#* }" = "65536 -" ]
	run section_info "$OUT/raw.tce" .tce.1
	[ "${output#* }" = "8192 -" ]
	run_tcectl inspect --json "$OUT/raw.tce"
	echo "$output" | jq -e '[.[0].tables[] | [.compressed, .stored_bytes]] == [[false, 65536], [false, 8192]]'
	objcopy -I elf64-little --dump-section .tce.0="$OUT/t0" --dump-section .tce.1="$OUT/t1" \
		"$OUT/raw.tce" "$OUT/copy.o"
	cmp "$OUT/t0" "/proc/$HOLDER_PID/fd/$FD0"
	cmp "$OUT/t1" <(head -c 8192 "/proc/$HOLDER_PID/fd/$FD1")
}

@test "compressed sections carry flag C and inflate to the raw entries" {
	start_holder 8K:mixed 8K:direct
	"$TCECTL" checkpoint -o "$OUT/z.tce" "$HOLDER_PID:$FD0" "$HOLDER_PID:$FD1" > /dev/null
	"$TCECTL" checkpoint --no-compress -o "$OUT/raw.tce" "$HOLDER_PID:$FD0" "$HOLDER_PID:$FD1" > /dev/null
	run section_info "$OUT/z.tce" .tce.0
	[ "${output##* }" = C ]
	run section_info "$OUT/z.tce" .tce.1
	[ "${output##* }" = C ]
	run section_info "$OUT/z.tce" .note.tcectl
	[ "${output##* }" = - ]
	run_tcectl inspect --json "$OUT/z.tce"
	echo "$output" | jq -e '[.[0].tables[].compressed] == [true, true]'
	# Elf64_Chdr: ELFCOMPRESS_ZSTD, 8 bytes an entry, aligned to 8; then a zstd frame.
	objcopy -I elf64-little --dump-section .tce.0="$OUT/z0" "$OUT/z.tce" "$OUT/copy.o"
	[ "$(od -An -tx8 -N24 --endian=little "$OUT/z0" | tr -s ' \n' ' ')" = " 0000000000000002 0000000000010000 0000000000000008 " ]
	[ "$(od -An -tx1 -j24 -N4 "$OUT/z0")" = " 28 b5 2f fd" ]
	# readelf -z decompresses a standard Elf64_Chdr + zstd section.
	local n
	for n in 0 1; do
		[ "$(readelf -z -x .tce.$n "$OUT/z.tce")" = "$(readelf -x .tce.$n "$OUT/raw.tce")" ]
	done
}

@test "--byte-order big: a big-endian file that reads back the same entries" {
	start_holder 8K:mixed 8K:direct
	"$TCECTL" checkpoint -o "$OUT/le.tce" "$HOLDER_PID:$FD0" "$HOLDER_PID:$FD1" > /dev/null
	run_tcectl checkpoint --byte-order big -o "$OUT/be.tce" "$HOLDER_PID:$FD0" "$HOLDER_PID:$FD1"
	assert_success
	[ "$(readelf -h "$OUT/be.tce" | sed -n 's/^ *Data: *//p')" = "2's complement, big endian" ]
	[ "$(readelf -h "$OUT/le.tce" | sed -n 's/^ *Data: *//p')" = "2's complement, little endian" ]
	run_tcectl verify "$OUT/be.tce"
	assert_success
	run_tcectl inspect "$OUT/be.tce"
	[ "${lines[0]}" = "checkpoint $OUT/be.tce: format 2, big-endian entries" ]
	local what
	for what in "dump" "dump --entries" "dump --json" "dump --csv" "list"; do
		# shellcheck disable=SC2086
		run_tcectl $what "$OUT/le.tce"
		assert_success
		local le=$output
		# shellcheck disable=SC2086
		run_tcectl $what "$OUT/be.tce"
		assert_success
		assert_output "$le"
	done
	run_tcectl diff "$OUT/le.tce" "$OUT/be.tce"
	assert_success
	assert_output ""
}

@test "--byte-order big: the compression header is big-endian too" {
	start_holder 8K:mixed
	"$TCECTL" checkpoint --byte-order big -o "$OUT/be.tce" "$HOLDER_PID:$FD0" > /dev/null
	objcopy -I elf64-big --dump-section .tce.0="$OUT/z0" "$OUT/be.tce" "$OUT/copy.o"
	[ "$(od -An -tx4 -N8 --endian=big "$OUT/z0" | tr -s ' \n' ' ')" = " 00000002 00000000 " ]
	[ "$(od -An -tx8 -j8 -N16 --endian=big "$OUT/z0" | tr -s ' \n' ' ')" = " 0000000000010000 0000000000000008 " ]
	readelf -z -x .tce.0 "$OUT/be.tce" > /dev/null
}

@test "--byte-order big --no-compress: each entry stored big-endian" {
	start_holder 8K:mixed
	"$TCECTL" checkpoint --byte-order big --no-compress -o "$OUT/be.tce" "$HOLDER_PID:$FD0" > /dev/null
	objcopy -I elf64-big --dump-section .tce.0="$OUT/t0" "$OUT/be.tce" "$OUT/copy.o"
	[ "$(od -An -v -tx8 --endian=big "$OUT/t0")" = \
	  "$(od -An -v -tx8 --endian=little "/proc/$HOLDER_PID/fd/$FD0")" ]
	run cmp -s "$OUT/t0" "/proc/$HOLDER_PID/fd/$FD0"
	assert_failure 1
	run_tcectl dump -n -e "$OUT/be.tce"
	assert_success
	assert_line --index 0 "    0 0x00000000 0x10000000 rw   0x0000000010000003"
	assert_line --index 14 " 8191 0x01fff000 0x60000000 rw   0x0000000060000003"
}

@test "--byte-order little and host; anything else is refused" {
	start_holder 8K:mixed
	"$TCECTL" checkpoint --byte-order little -o "$OUT/le.tce" "$HOLDER_PID:$FD0" > /dev/null
	"$TCECTL" checkpoint --byte-order host -o "$OUT/host.tce" "$HOLDER_PID:$FD0" > /dev/null
	local host=little
	[ "$(printf '\1\0' | od -An -tu2 | tr -d ' ')" = 1 ] || host=big
	[ "$(readelf -h "$OUT/host.tce" | sed -n 's/^ *Data: *//p')" = "2's complement, $host endian" ]
	[ "$(readelf -h "$OUT/le.tce" | sed -n 's/^ *Data: *//p')" = "2's complement, little endian" ]
	local b
	for b in middle BIG '' network; do
		run_tcectl checkpoint --byte-order "$b" -o "$OUT/x.tce" "$HOLDER_PID:$FD0"
		assert_failure 2
		assert_output ""
		[ "$stderr" = "tcectl: checkpoint: '$b' is not a byte order; give host, little or big" ]
	done
	[ ! -e "$OUT/x.tce" ]
}

@test "readelf -n lists the format, snapshot and table notes with their records" {
	start_holder 8K:mixed 8K:direct
	run_tcectl checkpoint --no-compress -o "$OUT/c.tce" "$HOLDER_PID:$FD0" "$HOLDER_PID:$FD1,liobn=0x10"
	assert_success
	run readelf -hW "$OUT/c.tce"
	assert_success
	assert_line --regexp '^ *Class: +ELF64$'
	assert_line --regexp '^ *Type: +NONE \(None\)$'
	assert_line --regexp '^ *Machine: +PowerPC64$'
	assert_line --regexp '^ *Number of program headers: +0$'
	run readelf -nW "$OUT/c.tce"
	assert_success
	assert_line "Displaying notes found in: .note.tcectl"
	[ "$(grep -c '^ *tcectl  *0x' <<<"$output")" -eq 4 ]
	local time crc0 crc1
	time=$("$TCECTL" inspect --json "$OUT/c.tce" | jq .[0].time)
	crc0=$(crc32 "/proc/$HOLDER_PID/fd/$FD0")
	crc1=$(crc32 "/proc/$HOLDER_PID/fd/$FD1")
	run note_records "$OUT/c.tce"
	assert_success
	assert_output "$(cat <<EOF
magic=tcectl-checkpoint
version=2

time=$time
hostname=$(uname -n)
kernel=$(uname -r)
pid=$HOLDER_PID
comm=tce-holder
guest=
consistent=yes
passes=2
tables=2

section=.tce.0
geometry=assumed
page_shift=12
bus_offset=0x0
entries=8192
mapped=15
crc32=$crc0
pid=$HOLDER_PID
fd=$FD0
comm=tce-holder
fd_link=/memfd:tce-holder (deleted)

section=.tce.1
liobn=0x10
geometry=assumed
page_shift=12
bus_offset=0x0
entries=8192
mapped=8192
crc32=$crc1
pid=$HOLDER_PID
fd=$FD1
comm=tce-holder
fd_link=/memfd:tce-holder (deleted)
EOF
)"
}

@test "a table that holds still is consistent; --freeze reads it once" {
	start_holder 8K:mixed
	"$TCECTL" checkpoint -o "$OUT/c.tce" "$HOLDER_PID:$FD0" > /dev/null
	"$TCECTL" checkpoint --freeze -o "$OUT/f.tce" "$HOLDER_PID:$FD0" > /dev/null
	run note_records "$OUT/c.tce"
	assert_line consistent=yes
	assert_line passes=2
	run note_records "$OUT/f.tce"
	assert_line consistent=yes
	assert_line passes=1
	run_tcectl inspect --json "$OUT/c.tce" "$OUT/f.tce"
	echo "$output" | jq -e '[.[] | [.consistent, .passes]] == [[true, 2], [true, 1]]'
}

@test "a table that keeps changing while it is read: NOT consistent after 5 passes" {
	start_holder 16M:sparse
	(
		local i=0
		while holder_cmd set 0 1 $(( (i << 12) | 3 )); do
			i=$((i + 1))
		done
	) 3>&- &
	SETTER_PID=$!
	local try
	# Entry 1 changes a few hundred times a second; a loaded machine may
	# still let two passes in a row see the same value: try again.
	for try in 1 2 3; do
		run_tcectl checkpoint -o "$OUT/c.tce" "$HOLDER_PID:$FD0"
		assert_success
		[[ $output == "wrote $OUT/c.tce: 1 table, 167700 mapped entries, "* ]]
		[ "${output##*, }" = "NOT consistent: the tables changed while read" ] && break
	done
	[ "${output##*, }" = "NOT consistent: the tables changed while read" ]
	run note_records "$OUT/c.tce"
	assert_line consistent=no
	assert_line passes=5
	run_tcectl inspect --json "$OUT/c.tce"
	echo "$output" | jq -e '.[0] | .consistent == false and .passes == 5'
	run_tcectl inspect "$OUT/c.tce"
	[ "${lines[2]}" = "process $HOLDER_PID (tce-holder), guest unnamed, NOT consistent (5 passes)" ]
}

@test "a failing target among good ones: nothing is written, an existing file is left as it was" {
	start_holder 8K:mixed 8K:direct
	"$TCECTL" checkpoint -o "$OUT/c.tce" "$HOLDER_PID:$FD1" > /dev/null
	cp -p "$OUT/c.tce" "$BATS_TEST_TMPDIR/before"
	local inode
	inode=$(stat -c %i "$OUT/c.tce")
	run_tcectl checkpoint -o "$OUT/c.tce" "$HOLDER_PID:$FD0" "$HOLDER_PID:99" "$HOLDER_PID:$FD1"
	assert_failure 3
	assert_output ""
	[ "$stderr" = "tcectl: checkpoint: pid $HOLDER_PID has no fd 99; see its tables with tcectl list $HOLDER_PID" ]
	cmp "$OUT/c.tce" "$BATS_TEST_TMPDIR/before"
	[ "$(stat -c %i "$OUT/c.tce")" = "$inode" ]
	run_tcectl checkpoint -o "$OUT/new.tce" "$HOLDER_PID:$FD0" 4194304
	assert_failure 3
	[ "$stderr" = "tcectl: checkpoint: no process with pid 4194304; check the pid with ps or tcectl list" ]
	[ ! -e "$OUT/new.tce" ]
	[ "$(ls -A "$OUT")" = "c.tce" ]
}

@test "a directory that cannot take the file: exit and nothing left behind" {
	start_holder 8K:mixed
	run_tcectl checkpoint -o "$OUT/no/such/dir/c.tce" "$HOLDER_PID:$FD0"
	assert_failure 7
	assert_output ""
	[ "$stderr" = "tcectl: checkpoint: cannot create a file in '$OUT/no/such/dir': No such file or directory; choose a writable directory" ]
	[ "$(ls -A "$OUT")" = "" ]
}

@test "SIGINT or SIGTERM at any moment: the old file or the whole new one, never a temporary" {
	start_holder 16M:sparse
	local f="$OUT/c.tce" keep="$BATS_TEST_TMPDIR/keep" i sig st inode killed=0 finished=0
	"$TCECTL" checkpoint -o "$f" "$HOLDER_PID:$FD0" > /dev/null
	for i in $(seq 1 12); do
		sig=TERM
		[ $((i % 2)) -eq 0 ] && sig=INT
		if [ $((i % 3)) -eq 0 ]; then
			rm -f "$f" "$keep"
		else
			[ -e "$f" ] || "$TCECTL" checkpoint -o "$f" "$HOLDER_PID:$FD0" > /dev/null
			cp "$f" "$keep"
			inode=$(stat -c %i "$f")
		fi
		# env: a background job of a script starts with SIGINT ignored.
		env --default-signal=INT,TERM "$TCECTL" checkpoint -o "$f" "$HOLDER_PID:$FD0" \
			> /dev/null 2>&1 3>&- &
		local job=$!
		wait_exec "$job"
		sleep "0.0$((RANDOM % 4))"
		kill -s "$sig" "$job" 2>/dev/null || true
		st=0
		wait "$job" || st=$?
		case $st in
		0) finished=$((finished + 1)) ;;
		130|143) killed=$((killed + 1)) ;;
		*) echo "round $i: tcectl exited $st" >&2; return 1 ;;
		esac
		if [ ! -e "$f" ]; then
			# Killed before the rename: no file, as before.
			[ "$st" -ne 0 ] && [ ! -e "$keep" ] ||
				{ echo "round $i (SIG$sig, exit $st): the file is gone" >&2; return 1; }
		elif [ -e "$keep" ] && [ "$(stat -c %i "$f")" = "$inode" ]; then
			# Killed before the rename: the old file, untouched.
			[ "$st" -ne 0 ] && cmp "$f" "$keep" && "$TCECTL" verify "$f" > /dev/null ||
				{ echo "round $i (SIG$sig, exit $st): the old file was changed" >&2; return 1; }
		else
			# Renamed into place (perhaps killed just after): a whole new file.
			"$TCECTL" verify "$f" > /dev/null ||
				{ echo "round $i (SIG$sig, exit $st): the new file does not verify" >&2; return 1; }
		fi
		[ "$(temporaries "$OUT")" = "" ] ||
			{ echo "round $i (SIG$sig, exit $st): left $(find "$OUT" -name '.*.??????' -printf '%f, %s bytes, mode %m')" >&2; return 1; }
	done
	echo "killed $killed, finished $finished"
	[ "$killed" -gt 0 ]
}

@test "--freeze stops the holder while its table is read and resumes it after" {
	start_holder 16M:sparse
	local try seen=
	# A loaded machine may run the whole read between two looks: try again.
	for try in 1 2 3 4 5; do
		watch_stopped "$HOLDER_PID"
		run_tcectl checkpoint --freeze -o "$OUT/c.tce" "$HOLDER_PID:$FD0"
		assert_success
		seen=$(end_watch)
		[ "$(state_of "$HOLDER_PID")" != T ]
		[ "$seen" = T ] && break
	done
	[ "$seen" = T ]
	holder_cmd set 0 0 0x1003
	run holder_cmd get 0 0
	assert_output 0x0000000000001003
}

@test "without --freeze the holder is never stopped" {
	start_holder 16M:sparse
	watch_stopped "$HOLDER_PID"
	run_tcectl checkpoint -o "$OUT/c.tce" "$HOLDER_PID:$FD0"
	assert_success
	[ "$(end_watch)" = "" ]
}

@test "--freeze: SIGINT or SIGTERM to tcectl mid-read still resumes the holder" {
	start_holder 16M:sparse
	local sig st job caught=0 try
	for try in $(seq 1 20); do
		sig=INT
		[ $((try % 2)) -eq 0 ] && sig=TERM
		env --default-signal=INT,TERM "$TCECTL" checkpoint --freeze -o "$OUT/c.tce" \
			"$HOLDER_PID:$FD0" > /dev/null 2>&1 3>&- &
		job=$!
		if ! wait_stopped "$HOLDER_PID" "$job"; then
			wait "$job"	# done before it could be caught; try again
			rm -f "$OUT/c.tce"
			continue
		fi
		kill -s "$sig" "$job"
		st=0
		wait "$job" || st=$?
		[ "$st" -eq $((128 + $(kill -l "$sig"))) ] || { echo "SIG$sig: exit $st" >&2; return 1; }
		[ "$(state_of "$HOLDER_PID")" != T ] || { echo "SIG$sig: the holder was left stopped" >&2; return 1; }
		[ ! -e "$OUT/c.tce" ]
		[ "$(temporaries "$OUT")" = "" ]
		caught=$((caught + 1))
		[ "$caught" -eq 4 ] && break
	done
	[ "$caught" -eq 4 ]
	holder_cmd set 0 0 0x1003
}

@test "--freeze: a signal ignored at start (nohup) stays ignored, and the checkpoint completes" {
	start_holder 16M:sparse
	local job st try caught=0
	for try in $(seq 1 10); do
		env --ignore-signal=HUP "$TCECTL" checkpoint --freeze -o "$OUT/c.tce" \
			"$HOLDER_PID:$FD0" > /dev/null 2>&1 3>&- &
		job=$!
		if wait_stopped "$HOLDER_PID" "$job"; then
			kill -s HUP "$job"
			caught=1
		fi
		st=0
		wait "$job" || st=$?
		[ "$st" -eq 0 ] || { echo "exit $st after SIGHUP" >&2; return 1; }
		[ "$caught" -eq 1 ] && break
		rm -f "$OUT/c.tce"
	done
	[ "$caught" -eq 1 ]
	[ "$(state_of "$HOLDER_PID")" != T ]
	run_tcectl verify "$OUT/c.tce"
	assert_success
}

@test "the progress line is drawn on a terminal and erased before the summary" {
	start_holder 8K:mixed
	run script -qec "$(printf '%q ' "$TCECTL" checkpoint -o "$OUT/c.tce" "$HOLDER_PID:$FD0")" /dev/null < /dev/null
	assert_success
	local expect
	expect=$(printf '\rtcectl: checkpoint: reading %s (1 of 1)\033[K\r\033[Kwrote %s: 1 table, 15 mapped entries, %s bytes of entries, consistent\r' \
		"$HOLDER_PID:$FD0" "$OUT/c.tce" "$("$TCECTL" inspect --json "$OUT/c.tce" | jq .[0].tables[0].stored_bytes)")
	[ "$output" = "$expect" ]
}

@test "the progress line counts the tables of a PID" {
	start_holder 8K:mixed 8K:direct
	local view="$BATS_TEST_TMPDIR/tce-fds" link
	mkdir "$view"
	for link in /proc/"$HOLDER_PID"/fd/*; do
		ln -s "$(readlink "$link")" "$view/${link##*/}"
	done
	ln -sfn anon_inode:kvm-spapr-tce "$view/$FD0"
	ln -sfn anon_inode:kvm-spapr-tce "$view/$FD1"
	run unshare --mount --propagation private -- sh -c 'mount --bind "$1" "/proc/$2/fd" && exec script -qec "$3" /dev/null' \
		sh "$view" "$HOLDER_PID" "$(printf '%q ' "$TCECTL" checkpoint -o "$OUT/c.tce" "$HOLDER_PID")" < /dev/null
	assert_success
	[ "${output%%wrote*}" = "$(printf '\rtcectl: checkpoint: reading %s (1 of 2)\033[K\rtcectl: checkpoint: reading %s (2 of 2)\033[K\r\033[K' \
		"$HOLDER_PID:$FD0" "$HOLDER_PID:$FD1")" ]
}

@test "no progress line when stderr is a file or a pipe" {
	start_holder 8K:mixed
	"$TCECTL" checkpoint -o "$OUT/c.tce" "$HOLDER_PID:$FD0" > "$BATS_TEST_TMPDIR/stdout" 2> "$BATS_TEST_TMPDIR/stderr"
	[ ! -s "$BATS_TEST_TMPDIR/stderr" ]
	[ "$(cat "$BATS_TEST_TMPDIR/stdout")" = "wrote $OUT/c.tce: 1 table, 15 mapped entries, $("$TCECTL" inspect --json "$OUT/c.tce" | jq .[0].tables[0].stored_bytes) bytes of entries, consistent" ]
	# stdout on a terminal, stderr not: still no progress line.
	run script -qec "$(printf '%q ' "$TCECTL" checkpoint -o "$OUT/d.tce" "$HOLDER_PID:$FD0") 2>$BATS_TEST_TMPDIR/stderr" /dev/null < /dev/null
	assert_success
	[ "${output:0:5}" = wrote ]
	[ ! -s "$BATS_TEST_TMPDIR/stderr" ]
}

@test "a checkpoint of a checkpoint file keeps its tables and labels" {
	start_holder 8K:mixed 8K:direct
	"$TCECTL" checkpoint -o "$OUT/a.tce" "$HOLDER_PID:$FD0,liobn=0x20" "$HOLDER_PID:$FD1" > /dev/null
	run_tcectl checkpoint --byte-order big -o "$OUT/b.tce" "$OUT/a.tce"
	assert_success
	[ "${output%%, *}" = "wrote $OUT/b.tce: 2 tables" ]
	run_tcectl diff "$OUT/a.tce" "$OUT/b.tce"
	assert_success
	assert_output ""
	run_tcectl inspect --json "$OUT/a.tce" "$OUT/b.tce"
	echo "$output" | jq -e '[.[] | [.tables[] | [.liobn, .fd, .mapped]]] | .[0] == .[1]'
}

@test "--freeze: SIGBUS or SIGSEGV to tcectl while the holder is stopped resumes it" {
	start_holder 8K:mixed
	local sig st
	for sig in BUS SEGV; do
		# The guest's name is read from cmdline with the holder stopped: a FIFO holds it there.
		rm -f "$OUT/cmdline"
		mkfifo "$OUT/cmdline"
		vmm_cmd "$FD0" cmdline="$OUT/cmdline"
		(ulimit -c 0; exec "${VMM_CMD[@]}" "$TCECTL" checkpoint --freeze -o "$OUT/c.tce" \
			"$HOLDER_PID:$FD0" > /dev/null 2>&1 3>&-) &
		local job=$!
		exec 8> "$OUT/cmdline"
		wait_state "$HOLDER_PID" T
		kill -s "$sig" "$job"
		st=0
		wait "$job" || st=$?
		exec 8>&-
		# A holder left stopped is resumed, or the test could not end.
		wait_state "$HOLDER_PID" S || { kill -CONT "$HOLDER_PID"; echo "SIG$sig: left stopped" >&2; return 1; }
		[ "$st" -eq $((128 + $(kill -l "$sig"))) ] || { echo "SIG$sig: exit $st" >&2; return 1; }
		[ ! -e "$OUT/c.tce" ]
		[ "$(temporaries "$OUT")" = "" ]
	done
}

@test "--freeze past ulimit -f: exit 7 naming the file, the holder resumed, no file left" {
	start_holder 1M:random
	run bash -c "ulimit -f 64; exec '$TCECTL' checkpoint --freeze -o '$OUT/c.tce' '$HOLDER_PID:$FD0'"
	assert_failure 7
	assert_output --partial "tcectl: checkpoint: cannot write checkpoint '$OUT/c.tce': File too large"
	[ "$(state_of "$HOLDER_PID")" != T ]
	[ ! -e "$OUT/c.tce" ]
	[ "$(temporaries "$OUT")" = "" ]
}
