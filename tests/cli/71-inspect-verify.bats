#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
#
# tcectl inspect and verify: what a checkpoint file holds and whether it is
# whole; and the checkpoint file as a target (FILE, FILE:N) of the verbs
# that read tables: dump, translate and who-maps answer from it as they
# do from the live table.

load test_helper

setup() {
	OUT="$BATS_TEST_TMPDIR/out"
	mkdir -p "$OUT"
}

# crc32 FILE: the CRC-32 of FILE's bytes as 0x%08x, from gzip's trailer.
crc32() {
	printf '0x%s' "$(gzip -c < "$1" | tail -c 8 | od -An -N4 -tx4 --endian=little | tr -d ' ')"
}

# section_size FILE NAME: the size of section NAME in bytes.
section_size() {
	local line name type addr off size _
	while IFS= read -r line; do
		case $line in *"] "*) ;; *) continue ;; esac
		read -r name type addr off size _ <<<"${line#*]}"
		[ "$name" = "$2" ] && { echo "$((16#$size))"; return 0; }
	done < <(readelf -SW "$1")
	return 1
}

# utc SECONDS: the date as inspect prints it.
utc() {
	date -u -d "@$1" '+%Y-%m-%d %H:%M:%S UTC'
}

# checkpoint FILE TARGET...: a checkpoint that must succeed, its summary dropped.
checkpoint() {
	local file=$1
	shift
	"$TCECTL" checkpoint -o "$file" "$@" > /dev/null
}

@test "inspect: where and when, then one row per table" {
	start_holder 8K:mixed 8K:direct 8K:mixed:16
	local before after
	before=$(date +%s)
	checkpoint "$OUT/c.tce" "$HOLDER_PID:$FD0" "$HOLDER_PID:$FD1,liobn=0x80000001" \
		"$HOLDER_PID:$FD2,page=64K,offset=0x800000000000000,liobn=0x10"
	after=$(date +%s)
	local time
	time=$("$TCECTL" inspect --json "$OUT/c.tce" | jq .[0].time)
	[ "$time" -ge "$before" ]
	[ "$time" -le "$after" ]
	run_tcectl inspect "$OUT/c.tce"
	assert_success
	[ "$stderr" = "" ]
	local row="%3s %-10s %8s %-18s %9s %9s %10s %-10s %s\n"
	# shellcheck disable=SC2059
	assert_output "$(cat <<EOF
checkpoint $OUT/c.tce: format 2, little-endian entries
taken $(utc "$time") on $(uname -n), kernel $(uname -r)
process $HOLDER_PID (tce-holder), guest unnamed, consistent (2 passes)
$(printf "$row" N LIOBN PAGESIZE OFFSET ENTRIES MAPPED STORED CRC32 FROM \
	0 - 4K 0x0 8192 15 "$(section_size "$OUT/c.tce" .tce.0)" \
	"$(crc32 "/proc/$HOLDER_PID/fd/$FD0")" "$HOLDER_PID:$FD0" \
	1 0x80000001 4K 0x0 8192 8192 "$(section_size "$OUT/c.tce" .tce.1)" \
	"$(crc32 "/proc/$HOLDER_PID/fd/$FD1")" "$HOLDER_PID:$FD1" \
	2 0x10 64K 0x800000000000000 8192 15 "$(section_size "$OUT/c.tce" .tce.2)" \
	"$(crc32 "/proc/$HOLDER_PID/fd/$FD2")" "$HOLDER_PID:$FD2")
EOF
)"
}

@test "inspect: a --freeze checkpoint took one pass; a big-endian one says so" {
	start_holder 8K:mixed
	"$TCECTL" checkpoint --freeze --byte-order big --no-compress -o "$OUT/c.tce" "$HOLDER_PID:$FD0" > /dev/null
	run_tcectl inspect "$OUT/c.tce"
	assert_success
	[ "${lines[0]}" = "checkpoint $OUT/c.tce: format 2, big-endian entries" ]
	[ "${lines[2]}" = "process $HOLDER_PID (tce-holder), guest unnamed, consistent (1 pass)" ]
	# The checksum is of the entries as the file stores them: big-endian.
	objcopy -I elf64-big --dump-section .tce.0="$OUT/t0" "$OUT/c.tce" "$OUT/copy.o"
	[ "${lines[4]}" = "$(printf '%3s %-10s %8s %-18s %9s %9s %10s %-10s %s' 0 - 4K 0x0 8192 15 65536 \
		"$(crc32 "$OUT/t0")" "$HOLDER_PID:$FD0")" ]
}

@test "inspect: a thousand tables and more: the N column widens, the rows stay in line" {
	start_holder 8K:mixed
	local -a targets=()
	local n
	for ((n = 0; n <= 1000; n++)); do
		targets+=("$HOLDER_PID:$FD0")
	done
	checkpoint "$OUT/c.tce" "${targets[@]}"
	run_tcectl inspect "$OUT/c.tce"
	assert_success
	[ "${#lines[@]}" -eq 1005 ]
	local row="%4s %-10s %8s %-18s %9s %9s %10s %-10s %s" crc
	crc=$(crc32 "/proc/$HOLDER_PID/fd/$FD0")
	# shellcheck disable=SC2059
	[ "${lines[3]}" = "$(printf "$row" N LIOBN PAGESIZE OFFSET ENTRIES MAPPED STORED CRC32 FROM)" ]
	# shellcheck disable=SC2059
	[ "${lines[4]}" = "$(printf "$row" 0 - 4K 0x0 8192 15 "$(section_size "$OUT/c.tce" .tce.0)" \
		"$crc" "$HOLDER_PID:$FD0")" ]
	# shellcheck disable=SC2059
	[ "${lines[1004]}" = "$(printf "$row" 1000 - 4K 0x0 8192 15 "$(section_size "$OUT/c.tce" .tce.1000)" \
		"$crc" "$HOLDER_PID:$FD0")" ]
}

@test "inspect: several files, one block each, separated by an empty line" {
	start_holder 8K:mixed
	checkpoint "$OUT/a.tce" "$HOLDER_PID:$FD0"
	checkpoint "$OUT/b.tce" "$HOLDER_PID:$FD0,entries=32"
	run_tcectl inspect "$OUT/a.tce"
	local a=$output
	run_tcectl inspect "$OUT/b.tce"
	local b=$output
	run_tcectl inspect "$OUT/a.tce" "$OUT/b.tce"
	assert_success
	assert_output "$a

$b"
	[ "${#lines[@]}" -eq 10 ]
}

@test "inspect --json: every key, with its type" {
	start_holder 8K:mixed 8K:direct
	checkpoint "$OUT/c.tce" "$HOLDER_PID:$FD0" "$HOLDER_PID:$FD1,liobn=0x80000001"
	run_tcectl inspect --json "$OUT/c.tce"
	assert_success
	[ "$stderr" = "" ]
	echo "$output" | jq -e --arg f "$OUT/c.tce" --arg host "$(uname -n)" --arg kernel "$(uname -r)" \
		--argjson p "$HOLDER_PID" --argjson f0 "$FD0" --argjson f1 "$FD1" \
		--arg c0 "$(crc32 "/proc/$HOLDER_PID/fd/$FD0")" --arg c1 "$(crc32 "/proc/$HOLDER_PID/fd/$FD1")" \
		--argjson s0 "$(section_size "$OUT/c.tce" .tce.0)" --argjson s1 "$(section_size "$OUT/c.tce" .tce.1)" '
		length == 1 and (.[0] | keys_unsorted == ["file", "version", "byte_order", "time", "hostname",
			"kernel", "pid", "comm", "guest", "consistent", "passes", "tables"]) and
		(.[0].time | type) == "number" and
		(.[0] | del(.time)) == {file: $f, version: 2, byte_order: "little", hostname: $host,
			kernel: $kernel, pid: $p, comm: "tce-holder", guest: "", consistent: true, passes: 2,
			tables: [
			 {index: 0, liobn: null, page_shift: 12, bus_offset: "0x0", entries: 8192, mapped: 15,
			  compressed: true, codec: "zstd", stored_bytes: $s0, crc32: $c0, pid: $p, fd: $f0},
			 {index: 1, liobn: "0x80000001", page_shift: 12, bus_offset: "0x0", entries: 8192,
			  mapped: 8192, compressed: true, codec: "zstd", stored_bytes: $s1, crc32: $c1, pid: $p, fd: $f1}]} and
		(.[0].tables[0] | keys_unsorted) == ["index", "liobn", "page_shift", "bus_offset", "entries",
			"mapped", "compressed", "codec", "stored_bytes", "crc32", "pid", "fd"]'
}

@test "verify: one ok line per whole file, exit 0" {
	start_holder 8K:mixed 8K:direct
	checkpoint "$OUT/a.tce" "$HOLDER_PID:$FD0" "$HOLDER_PID:$FD1"
	"$TCECTL" checkpoint --no-compress --byte-order big -o "$OUT/b.tce" "$HOLDER_PID:$FD1" > /dev/null
	run_tcectl verify "$OUT/a.tce"
	assert_success
	assert_output "$OUT/a.tce: ok, 2 tables, every checksum matches"
	[ "$stderr" = "" ]
	run_tcectl verify "$OUT/a.tce" "$OUT/b.tce"
	assert_success
	assert_output "$OUT/a.tce: ok, 2 tables, every checksum matches
$OUT/b.tce: ok, 1 table, every checksum matches"
	run_tcectl verify --json "$OUT/a.tce" "$OUT/b.tce"
	assert_success
	echo "$output" | jq -e --arg a "$OUT/a.tce" --arg b "$OUT/b.tce" '
		. == [{file: $a, tables: 2, ok: true}, {file: $b, tables: 1, ok: true}]'
}

@test "verify: a damaged file among whole ones: exit 6, the others still checked" {
	start_holder 8K:mixed
	checkpoint "$OUT/a.tce" "$HOLDER_PID:$FD0"
	printf 'not a checkpoint\n' > "$OUT/bad.tce"
	run_tcectl verify "$OUT/bad.tce" "$OUT/a.tce"
	assert_failure 6
	assert_output "$OUT/a.tce: ok, 1 table, every checksum matches"
	[ "$stderr" = "tcectl: verify: checkpoint '$OUT/bad.tce': not an ELF file; it is not a tcectl checkpoint, or it is damaged" ]
	run_tcectl verify --json "$OUT/a.tce" "$OUT/bad.tce"
	assert_failure 6
	echo "$output" | jq -e --arg a "$OUT/a.tce" --arg b "$OUT/bad.tce" '
		. == [{file: $a, tables: 1, ok: true},
		      {target: $b, status: 6,
		       error: "checkpoint '"'"'\($b)'"'"': not an ELF file; it is not a tcectl checkpoint, or it is damaged"}]'
}

@test "verify: a mapped count the data does not have: exit 6, the file was altered" {
	start_holder 8K:mixed
	checkpoint "$OUT/a.tce" "$HOLDER_PID:$FD0"
	# The record says 15 mapped entries; 16 has the same length.
	local off
	off=$(grep -obaF mapped=15 "$OUT/a.tce" | cut -d: -f1)
	cp "$OUT/a.tce" "$OUT/m.tce"
	printf 'mapped=16' | dd of="$OUT/m.tce" bs=1 seek="$off" conv=notrunc status=none
	run_tcectl verify "$OUT/m.tce"
	assert_failure 6
	assert_output ""
	[ "$stderr" = "tcectl: verify: checkpoint '$OUT/m.tce': table 0: the record says 16 mapped entries, the data has 15; the file was altered" ]
	run_tcectl dump "$OUT/m.tce"
	assert_failure 6
}

@test "inspect names each table's codec; version-1 files still verify and dump" {
	local data=$BATS_TEST_DIRNAME/../unit/data
	start_holder 8K:mixed
	checkpoint "$OUT/z.tce" "$HOLDER_PID:$FD0"
	"$TCECTL" checkpoint --no-compress -o "$OUT/raw.tce" "$HOLDER_PID:$FD0" > /dev/null
	run_tcectl inspect --json "$OUT/z.tce" "$OUT/raw.tce" "$data/v1-zlib-le.tce" "$data/v1-raw-le.tce" \
		"$data/v1-zlib-be.tce"
	assert_success
	echo "$output" | jq -e '[.[] | [.version, (.tables[] | .codec)]] ==
		[[2, "zstd"], [2, "none"], [1, "zlib", "zlib"], [1, "none", "none"], [1, "zlib", "zlib"]]'
	run_tcectl verify "$data/v1-zlib-le.tce" "$data/v1-raw-le.tce" "$data/v1-zlib-be.tce"
	assert_success
	run_tcectl dump "$data/v1-zlib-le.tce:1"
	assert_success
	local zlib=$output
	run_tcectl dump "$data/v1-zlib-be.tce:1"
	assert_output "$zlib"
	run_tcectl dump "$data/v1-raw-le.tce:1"
	assert_output "$zlib"
	[ "${lines[3]}" = "0x800000000c80000-0x800000000c8ffff 0x00005550-0x0001554f r        1" ]
}

@test "inspect and verify without a file: exit 2" {
	local verb
	for verb in inspect verify; do
		run_tcectl "$verb"
		assert_failure 2
		assert_output ""
		[ "$stderr" = "tcectl: $verb: no checkpoint file; usage: tcectl $verb [OPTION...] FILE..." ]
	done
}

@test "a checkpoint file that does not exist: exit 3 naming it" {
	local verb
	for verb in inspect verify; do
		run_tcectl "$verb" "$OUT/none.tce"
		assert_failure 3
		assert_output ""
		[ "$stderr" = "tcectl: $verb: cannot open checkpoint '$OUT/none.tce': No such file or directory" ]
	done
	for verb in list dump; do
		run_tcectl "$verb" "$OUT/none.tce"
		assert_failure 3
		assert_output ""
		[ "$stderr" = "tcectl: $verb: '$OUT/none.tce' is neither a process (PID, PID:FD, PID@ADDR) nor a checkpoint file; give PID, PID:FD, PID@ADDR or FILE" ]
		run_tcectl "$verb" "$OUT/none.tce:1"
		assert_failure 3
		[ "$stderr" = "tcectl: $verb: '$OUT/none.tce:1' is neither a process (PID, PID:FD, PID@ADDR) nor a checkpoint file; give PID, PID:FD, PID@ADDR or FILE" ]
	done
	run_tcectl translate "$OUT/none.tce" 0x1000
	assert_failure 3
	[ "$stderr" = "tcectl: translate: '$OUT/none.tce' is neither a process (PID, PID:FD, PID@ADDR) nor a checkpoint file; give PID, PID:FD, PID@ADDR or FILE" ]
}

@test "dump FILE gives what dump gave of the live tables, in every format" {
	start_holder 8K:mixed 8K:direct 8K:sparse
	checkpoint "$OUT/c.tce" "$HOLDER_PID:$FD0" "$HOLDER_PID:$FD1,liobn=7" "$HOLDER_PID:$FD2"
	local opts live
	for opts in "" "--entries" "--all -R 0x0-0x1ffff" "--csv" "--csv --entries" "--json" \
		    "-n --perm r,w" "-R 0x4000-0xafff"; do
		# shellcheck disable=SC2086
		run_tcectl dump $opts "$HOLDER_PID:$FD0" "$HOLDER_PID:$FD1,liobn=7" "$HOLDER_PID:$FD2"
		assert_success
		live=$output
		# shellcheck disable=SC2086
		run_tcectl dump $opts "$OUT/c.tce"
		assert_success
		[ "$stderr" = "" ]
		# How each was read differs, and only that: via "mapping", via "file".
		if [ "$opts" = --json ]; then
			[ "$(jq -c 'map(.via)' <<<"$output")" = '["file","file","file"]' ]
			live=$(jq -c 'map(del(.via))' <<<"$live")
			output=$(jq -c 'map(del(.via))' <<<"$output")
		fi
		[ "$output" = "$live" ] || { echo "dump $opts differs" >&2; diff <(echo "$live") <(echo "$output") >&2 | head -c 2000; return 1; }
	done
}

@test "dump FILE:N gives the one table; --raw its entries" {
	start_holder 8K:mixed 8K:direct
	checkpoint "$OUT/c.tce" "$HOLDER_PID:$FD0" "$HOLDER_PID:$FD1"
	run_tcectl dump "$HOLDER_PID:$FD1"
	local live=$output
	run_tcectl dump "$OUT/c.tce:1"
	assert_success
	assert_output "$live"
	run_tcectl dump -e "$OUT/c.tce:0"
	local first=$output
	run_tcectl dump -e "$HOLDER_PID:$FD0"
	assert_output "$first"
	"$TCECTL" dump --raw "$OUT/c.tce:0" > "$OUT/raw"
	cmp "$OUT/raw" "/proc/$HOLDER_PID/fd/$FD0"
}

@test "FILE:N past the last table: exit 3 naming how many there are" {
	start_holder 8K:mixed 8K:direct
	checkpoint "$OUT/c.tce" "$HOLDER_PID:$FD0" "$HOLDER_PID:$FD1"
	local verb
	local -a extra
	for verb in list dump translate who-maps; do
		case $verb in
		translate|who-maps) extra=(0x1000) ;;
		*) extra=() ;;
		esac
		run_tcectl "$verb" "$OUT/c.tce:2" "${extra[@]}"
		assert_failure 3
		assert_output ""
		[ "$stderr" = "tcectl: $verb: checkpoint '$OUT/c.tce' has 2 tables, no table 2; see tcectl inspect $OUT/c.tce" ]
	done
}

@test "translate FILE:N answers as translate on the live table, named by the file" {
	start_holder 8K:mixed 8K:direct
	checkpoint "$OUT/c.tce" "$HOLDER_PID:$FD0" "$HOLDER_PID:$FD1"
	local addrs=(0x0 0x4800 0x6fff 0x7000 0x8000 0x1fff000)
	run_tcectl translate "$HOLDER_PID:$FD0" "${addrs[@]}"
	local live_status=$status live=$output
	[ "$live_status" -eq 1 ]
	run_tcectl translate "$OUT/c.tce:0" "${addrs[@]}"
	[ "$status" -eq "$live_status" ]
	[ "$stderr" = "" ]
	assert_output "${live//"$HOLDER_PID:$FD0"/"$OUT/c.tce:0"}"
	assert_line --index 1 "ioba 0x4800: $OUT/c.tce:0 entry 4, gpa 0x20000800, perm r, raw 0x0000000020000001"
	run_tcectl translate --json "$HOLDER_PID:$FD0" 0x4800
	live=$output
	run_tcectl translate --json "$OUT/c.tce:0" 0x4800
	assert_success
	assert_output "$live"
	echo "$output" | jq -e --argjson p "$HOLDER_PID" --argjson fd "$FD0" '
		. == [{pid: $p, fd: $fd, ioba: "0x4800", index: 4, mapped: true, gpa: "0x20000800", perm: "r", raw: "0x20000001"}]'
}

@test "translate FILE with several tables: exit 2, name one as FILE:N" {
	start_holder 8K:mixed 8K:direct
	checkpoint "$OUT/c.tce" "$HOLDER_PID:$FD0" "$HOLDER_PID:$FD1"
	run_tcectl translate "$OUT/c.tce" 0x1000
	assert_failure 2
	assert_output ""
	[ "$stderr" = "tcectl: translate: checkpoint '$OUT/c.tce' holds 2 TCE tables; name one as FILE:N (see tcectl inspect $OUT/c.tce)" ]
}

@test "who-maps FILE finds what who-maps finds in the live tables" {
	start_holder 8K:mixed 8K:direct
	checkpoint "$OUT/c.tce" "$HOLDER_PID:$FD0" "$HOLDER_PID:$FD1"
	local range live
	for range in 0x10000000 0x10001000-0x10002fff 0x5000 0x20000000+8K 0x70000000; do
		run_tcectl who-maps "$HOLDER_PID:$FD0" "$HOLDER_PID:$FD1" "$range"
		live=$output
		local live_status=$status
		run_tcectl who-maps "$OUT/c.tce" "$range"
		[ "$status" -eq "$live_status" ] || { echo "$range: exit $status, live $live_status" >&2; return 1; }
		[ "$stderr" = "" ]
		assert_output "$live"
		run_tcectl who-maps "$HOLDER_PID:$FD1" "$range"
		live=$output
		run_tcectl who-maps "$OUT/c.tce:1" "$range"
		assert_output "$live"
	done
	run_tcectl who-maps "$OUT/c.tce" 0x10000000
	assert_success
	assert_output "$(cat <<EOF
TABLE        LIOBN      IOBA                  GPA                   PERM PAGES
$(printf '%-12s' "$HOLDER_PID:$FD0") -          0x00000000-0x00000fff 0x10000000-0x10000fff rw   1
$(printf '%-12s' "$HOLDER_PID:$FD0") -          0x00010000-0x00010fff 0x10000000-0x10000fff rw   1
EOF
)"
}

@test "a live table changed after the checkpoint: the file still gives the old entries" {
	start_holder 8K:mixed
	checkpoint "$OUT/c.tce" "$HOLDER_PID:$FD0"
	holder_cmd set 0 6 0x30000003
	holder_cmd set 0 7 0x30001003
	run_tcectl dump -n -e -R 0x6000-0x7fff "$OUT/c.tce"
	assert_success
	assert_output "    6 0x00006000 0x30000000 w    0x0000000030000002"
	run_tcectl translate "$OUT/c.tce" 0x7000
	assert_failure 1
	assert_output "ioba 0x7000: $OUT/c.tce entry 7, not mapped"
}
