#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Damaged checkpoint files: cut short, not ELF, another class, magic or
# version, a wrong checksum, a missing section, a changed entry count, a
# broken zlib stream...  Each is made from a good checkpoint by patching
# bytes with dd.  Every verb that reads one fails with one line that names
# the file and what is wrong: exit 6 (2 for diff), and a restore from it
# changes nothing.  The damage to entries is found by verify and by the
# verbs that read them, not by inspect, which reads only the records.

load test_helper

NOBODY=65534

setup() {
	OUT="$BATS_TEST_TMPDIR/out"
	mkdir -p "$OUT"
	start_holder 8K:mixed 8K:direct
	"$TCECTL" checkpoint -o "$OUT/good.tce" "$HOLDER_PID:$FD0" "$HOLDER_PID:$FD1,liobn=0x80000001" > /dev/null
	"$TCECTL" checkpoint --no-compress -o "$OUT/raw.tce" "$HOLDER_PID:$FD0" "$HOLDER_PID:$FD1" > /dev/null
	# From here on a restore from either file would write entry 7.
	holder_cmd set 0 7 0x30001003
	cp "/proc/$HOLDER_PID/fd/$FD0" "$BATS_TEST_TMPDIR/table0"
}

teardown() {
	stop_holder
	[ -n "${NOBODY_DIR:-}" ] && rm -rf "$NOBODY_DIR"
	return 0
}

# patch FILE OUT OLD NEW [N]: OUT is FILE with the Nth (default first)
# occurrence of the text OLD replaced by NEW, of the same length.
patch() {
	local off
	[ "${#3}" -eq "${#4}" ] || { echo "patch: '$3' and '$4' differ in length" >&2; return 1; }
	off=$(grep -obaF -- "$3" "$1" | sed -n "${5:-1}s/:.*//p")
	[ -n "$off" ] || { echo "patch: no '$3' in $1" >&2; return 1; }
	cp "$1" "$2"
	printf '%s' "$4" | dd of="$2" bs=1 seek="$off" conv=notrunc status=none
}

# poke FILE OFFSET BYTES: write BYTES (printf escapes) at OFFSET.
poke() {
	# shellcheck disable=SC2059
	printf "$3" | dd of="$1" bs=1 seek="$2" conv=notrunc status=none
}

# section_at FILE NAME: "OFFSET SIZE" of section NAME, in decimal.
section_at() {
	local line name type addr off size _
	while IFS= read -r line; do
		case $line in *"] "*) ;; *) continue ;; esac
		read -r name type addr off size _ <<<"${line#*]}"
		[ "$name" = "$2" ] && { echo "$((16#$off)) $((16#$size))"; return 0; }
	done < <(readelf -SW "$1")
	return 1
}

# nothing_changed: the holder's table 0 is as setup left it, and no undo
# checkpoint was made.
nothing_changed() {
	cmp "/proc/$HOLDER_PID/fd/$FD0" "$BATS_TEST_TMPDIR/table0"
	[ -z "$(find "$OUT" -name '*undo*')" ]
}

# rejected FILE MESSAGE [entries]: every verb that reads FILE fails with
# exactly "tcectl: VERB: MESSAGE" on stderr and nothing on stdout: exit 6,
# 2 for diff.  With "entries" the damage is in the entries of table 0,
# which inspect does not read: it succeeds.
rejected() {
	local f=$1 msg=$2 level=${3:-} verb
	local -a extra
	run_tcectl verify "$f"
	assert_failure 6
	assert_output ""
	[ "$stderr" = "tcectl: verify: $msg" ] || { echo "verify: $stderr" >&2; return 1; }
	run_tcectl inspect "$f"
	if [ "$level" = entries ]; then
		assert_success
		[ "$stderr" = "" ]
	else
		assert_failure 6
		assert_output ""
		[ "$stderr" = "tcectl: inspect: $msg" ] || { echo "inspect: $stderr" >&2; return 1; }
	fi
	for verb in dump list translate who-maps; do
		case $verb in
		translate) extra=(0x1000) ;;
		who-maps) extra=(0x10000000) ;;
		*) extra=() ;;
		esac
		run_tcectl "$verb" "$f:0" "${extra[@]}"
		assert_failure 6
		assert_output ""
		[ "$stderr" = "tcectl: $verb: $msg" ] || { echo "$verb: $stderr" >&2; return 1; }
	done
	run_tcectl diff "$f:0" "$HOLDER_PID:$FD0"
	assert_failure 2
	assert_output ""
	[ "$stderr" = "tcectl: diff: $msg" ] || { echo "diff: $stderr" >&2; return 1; }
	run_tcectl restore --yes "$f:0" "$HOLDER_PID:$FD0"
	assert_failure 6
	assert_output ""
	[ "$stderr" = "tcectl: restore: $msg" ] || { echo "restore: $stderr" >&2; return 1; }
	nothing_changed
}

@test "the good files are read by every verb (the baseline of this file)" {
	local f
	for f in "$OUT/good.tce" "$OUT/raw.tce"; do
		run_tcectl verify "$f"
		assert_success
		run_tcectl inspect "$f"
		assert_success
		run_tcectl diff -n "$f:0" "$HOLDER_PID:$FD0"
		assert_failure 1
		assert_output "--- $f:0
+++ $HOLDER_PID:$FD0
+ 0x00007000-0x00007fff 0x30001000-0x30001fff rw       1"
		run_tcectl restore --dry-run "$f:0" "$HOLDER_PID:$FD0"
		assert_success
		assert_output "$HOLDER_PID:$FD0: 1 entry to write
- 0x00007000-0x00007fff 0x30001000-0x30001fff rw       1"
	done
	nothing_changed
}

@test "an empty file, and one too short to hold an ELF identification" {
	: > "$OUT/empty.tce"
	rejected "$OUT/empty.tce" "checkpoint '$OUT/empty.tce': not an ELF file; it is not a tcectl checkpoint, or it is damaged"
	head -c 3 "$OUT/good.tce" > "$OUT/3.tce"
	rejected "$OUT/3.tce" "checkpoint '$OUT/3.tce': not an ELF file; it is not a tcectl checkpoint, or it is damaged"
}

@test "a checkpoint cut short anywhere: exit 6, and the message says it is truncated" {
	local size note_off note_size sec_off sec_size n f verb bad=
	size=$(stat -c %s "$OUT/good.tce")
	read -r note_off note_size < <(section_at "$OUT/good.tce" .note.tcectl)
	read -r sec_off sec_size < <(section_at "$OUT/good.tce" .tce.1)
	# In the ELF identification, the header, the note, a table, the section headers.
	for n in 16 40 64 $((note_off + note_size / 2)) $((sec_off + sec_size / 2)) $((size - 1)); do
		f="$OUT/cut-$n.tce"
		head -c "$n" "$OUT/good.tce" > "$f"
		for verb in verify inspect dump; do
			run_tcectl "$verb" "$f"
			[ "$status" -eq 6 ] && [ -z "$output" ] && [ "${#stderr_lines[@]}" -eq 1 ] &&
				[[ $stderr == "tcectl: $verb: checkpoint '$f': "*truncated* ]] ||
				bad+="cut at $n of $size bytes: exit $status: $stderr"$'\n'
		done
		run_tcectl restore --yes "$f" "$HOLDER_PID:$FD0"
		assert_failure 6
		assert_output ""
	done
	nothing_changed
	[ -z "$bad" ] || { printf '%s' "$bad" >&2; return 1; }
}

@test "not an ELF file" {
	printf 'tcectl-checkpoint\nversion=1\n' > "$OUT/text.tce"
	rejected "$OUT/text.tce" "checkpoint '$OUT/text.tce': not an ELF file; it is not a tcectl checkpoint, or it is damaged"
}

@test "an ELF file that is no checkpoint: tcectl itself" {
	cp "$TCECTL" "$OUT/elf.tce"
	rejected "$OUT/elf.tce" "checkpoint '$OUT/elf.tce': no .note.tcectl section; it is not a tcectl checkpoint, or it is damaged"
}

@test "a 32-bit ELF class" {
	cp "$OUT/good.tce" "$OUT/class32.tce"
	poke "$OUT/class32.tce" 4 '\001'
	rejected "$OUT/class32.tce" "checkpoint '$OUT/class32.tce': not a 64-bit ELF file; it is not a tcectl checkpoint, or it is damaged"
}

@test "a byte order that is neither little nor big" {
	cp "$OUT/good.tce" "$OUT/order.tce"
	poke "$OUT/order.tce" 5 '\003'
	rejected "$OUT/order.tce" "checkpoint '$OUT/order.tce': not an ELF file; it is not a tcectl checkpoint, or it is damaged"
}

@test "a wrong magic in the format record" {
	patch "$OUT/good.tce" "$OUT/magic.tce" magic=tcectl-checkpoint magic=tcectl-checkpoinx
	rejected "$OUT/magic.tce" "checkpoint '$OUT/magic.tce': no format record; it is not a tcectl checkpoint, or it is damaged"
}

@test "a format version this tcectl does not read" {
	patch "$OUT/good.tce" "$OUT/v3.tce" version=2 version=3
	rejected "$OUT/v3.tce" "checkpoint '$OUT/v3.tce': format version 3 is not one this tcectl reads (1 to 2); use a tcectl that knows it"
	patch "$OUT/good.tce" "$OUT/v0.tce" version=2 version=0
	rejected "$OUT/v0.tce" "checkpoint '$OUT/v0.tce': format version 0 is not one this tcectl reads (1 to 2); use a tcectl that knows it"
	patch "$OUT/good.tce" "$OUT/vx.tce" version=2 versiox=2
	rejected "$OUT/vx.tce" "checkpoint '$OUT/vx.tce': the format record has no version; it is not a tcectl checkpoint, or it is damaged"
}

@test "a snapshot record without its table count, or with the wrong one" {
	patch "$OUT/good.tce" "$OUT/nocount.tce" tables=2 tablez=2
	rejected "$OUT/nocount.tce" "checkpoint '$OUT/nocount.tce': the snapshot record has no table count; it is not a tcectl checkpoint, or it is damaged"
	patch "$OUT/good.tce" "$OUT/three.tce" tables=2 tables=3
	rejected "$OUT/three.tce" "checkpoint '$OUT/three.tce': 3 tables announced, 2 found; the file is damaged"
}

@test "a checksum record that does not match the entries" {
	local crc
	crc=$("$TCECTL" inspect --json "$OUT/good.tce" | jq -r '.[0].tables[0].crc32')
	patch "$OUT/good.tce" "$OUT/crc.tce" "crc32=$crc" "crc32=0x00000000"
	rejected "$OUT/crc.tce" "checkpoint '$OUT/crc.tce': table 0: the entries' checksum is $crc, the record says 0x00000000; the file is damaged" entries
}

@test "an entry changed in an uncompressed table: the checksum finds it" {
	local off size crc now
	read -r off size < <(section_at "$OUT/raw.tce" .tce.0)
	crc=$("$TCECTL" inspect --json "$OUT/raw.tce" | jq -r '.[0].tables[0].crc32')
	cp "$OUT/raw.tce" "$OUT/flip.tce"
	# Entry 4 (0x20000001) becomes 0x21000001.
	poke "$OUT/flip.tce" $((off + 4 * 8 + 3)) '\041'
	now=$(printf '0x%s' "$(tail -c +$((off + 1)) "$OUT/flip.tce" | head -c "$size" | gzip -c | tail -c 8 |
		od -An -N4 -tx4 --endian=little | tr -d ' ')")
	[ "$now" != "$crc" ]
	rejected "$OUT/flip.tce" "checkpoint '$OUT/flip.tce': table 0: the entries' checksum is $now, the record says $crc; the file is damaged" entries
}

@test "a damaged table is reported; the other tables are still shown" {
	local crc
	crc=$("$TCECTL" inspect --json "$OUT/good.tce" | jq -r '.[0].tables[0].crc32')
	patch "$OUT/good.tce" "$OUT/crc.tce" "crc32=$crc" "crc32=0x00000000"
	run_tcectl dump -n "$OUT/crc.tce"
	assert_failure 6
	assert_output "0x00000000-0x01ffffff 0x00000000-0x01ffffff rw    8192"
	[ "$stderr" = "tcectl: dump: checkpoint '$OUT/crc.tce': table 0: the entries' checksum is $crc, the record says 0x00000000; the file is damaged" ]
	run_tcectl verify --json "$OUT/crc.tce"
	assert_failure 6
	echo "$output" | jq -e --arg f "$OUT/crc.tce" --arg crc "$crc" '
		. == [{target: $f, status: 6,
		       error: "checkpoint '"'"'\($f)'"'"': table 0: the entries'"'"' checksum is \($crc), the record says 0x00000000; the file is damaged"}]'
}

@test "a table record whose section is missing" {
	patch "$OUT/good.tce" "$OUT/nosec.tce" section=.tce.1 section=.tce.9
	rejected "$OUT/nosec.tce" "checkpoint '$OUT/nosec.tce': table 1: its section '.tce.9' is missing"
	patch "$OUT/good.tce" "$OUT/nokey.tce" section=.tce.0 sectiox=.tce.0
	rejected "$OUT/nokey.tce" "checkpoint '$OUT/nokey.tce': table 0: its section '' is missing"
}

@test "an entry count that does not fit the section" {
	patch "$OUT/raw.tce" "$OUT/count.tce" entries=8192 entries=4096
	rejected "$OUT/count.tce" "checkpoint '$OUT/count.tce': table 0: its section has 65536 bytes, the record says 4096 entries"
	patch "$OUT/good.tce" "$OUT/zcount.tce" entries=8192 entries=4096
	rejected "$OUT/zcount.tce" "checkpoint '$OUT/zcount.tce': table 0: the compression header says 65536 bytes, the record 4096 entries"
	patch "$OUT/raw.tce" "$OUT/zero.tce" entries=8192 entries=0000
	rejected "$OUT/zero.tce" "checkpoint '$OUT/zero.tce': table 0: no valid entry count; it is not a tcectl checkpoint, or it is damaged"
}

@test "a geometry record out of range" {
	patch "$OUT/raw.tce" "$OUT/shift.tce" page_shift=12 page_shift=11
	rejected "$OUT/shift.tce" "checkpoint '$OUT/shift.tce': table 0: no valid page_shift; it is not a tcectl checkpoint, or it is damaged"
	patch "$OUT/good.tce" "$OUT/liobn.tce" liobn=0x80000001 liobn=4294967296
	rejected "$OUT/liobn.tce" "checkpoint '$OUT/liobn.tce': table 1: the liobn is not a 32-bit number"
	patch "$OUT/raw.tce" "$OUT/nocrc.tce" crc32= crc3x=
	rejected "$OUT/nocrc.tce" "checkpoint '$OUT/nocrc.tce': table 0: no checksum; it is not a tcectl checkpoint, or it is damaged"
}

@test "a bus offset not aligned to the page: the message blames the file, not the user" {
	patch "$OUT/raw.tce" "$OUT/offset.tce" bus_offset=0x0 bus_offset=0x1
	run_tcectl verify "$OUT/offset.tce"
	assert_failure 6
	assert_output ""
	[ "${#stderr_lines[@]}" -eq 1 ]
	[[ $stderr == "tcectl: verify: checkpoint '$OUT/offset.tce': table 0: bus offset 0x1 is not aligned to the 4096-byte IOMMU page"* ]]
	# The user gave no offset: the advice for a target does not apply.
	[[ $stderr != *"give an offset"* ]]
	run_tcectl restore --yes "$OUT/offset.tce:0" "$HOLDER_PID:$FD0"
	assert_failure 6
	nothing_changed
}

@test "a table section that is not PROGBITS" {
	local shoff
	shoff=$(od -An -j 40 -N8 -tu8 --endian=little "$OUT/good.tce" | tr -d ' ')
	cp "$OUT/good.tce" "$OUT/nobits.tce"
	# Section 2 is .tce.0; sh_type becomes SHT_NOBITS.
	[ "$(readelf -SW "$OUT/good.tce" | grep -c '\[ 2\] \.tce\.0 ')" -eq 1 ]
	poke "$OUT/nobits.tce" $((shoff + 2 * 64 + 4)) '\010'
	rejected "$OUT/nobits.tce" "checkpoint '$OUT/nobits.tce': table 0: its section is not PROGBITS; it is not a tcectl checkpoint, or it is damaged"
}

@test "a compression header that is neither zstd nor zlib, or of the wrong size" {
	local off size
	read -r off size < <(section_at "$OUT/good.tce" .tce.0)
	cp "$OUT/good.tce" "$OUT/type3.tce"
	poke "$OUT/type3.tce" "$off" '\003'
	rejected "$OUT/type3.tce" "checkpoint '$OUT/type3.tce': table 0: compression type 3 is neither zstd (2) nor zlib (1)"
	# zlib's type over a zstd frame: the stream is judged as zlib, and refused.
	cp "$OUT/good.tce" "$OUT/type1.tce"
	poke "$OUT/type1.tce" "$off" '\001'
	rejected "$OUT/type1.tce" "checkpoint '$OUT/type1.tce': table 0: the compressed table is corrupt (zlib: incorrect header check)" entries
	cp "$OUT/good.tce" "$OUT/chsize.tce"
	poke "$OUT/chsize.tce" $((off + 8)) '\000\001'
	rejected "$OUT/chsize.tce" "checkpoint '$OUT/chsize.tce': table 0: the compression header says 65792 bytes, the record 8192 entries"
}

@test "a damaged zstd frame: its magic, its middle" {
	local off size
	read -r off size < <(section_at "$OUT/good.tce" .tce.0)
	[ "$(od -An -tx1 -j $((off + 24)) -N4 "$OUT/good.tce")" = " 28 b5 2f fd" ]
	cp "$OUT/good.tce" "$OUT/magic.tce"
	poke "$OUT/magic.tce" $((off + 24)) '\051'
	rejected "$OUT/magic.tce" "checkpoint '$OUT/magic.tce': table 0: the compressed table is corrupt (zstd: Unknown frame descriptor)" entries
	cp "$OUT/good.tce" "$OUT/middle.tce"
	poke "$OUT/middle.tce" $((off + 24 + (size - 24) / 2)) '\377'
	cmp -s "$OUT/good.tce" "$OUT/middle.tce" && poke "$OUT/middle.tce" $((off + 24 + (size - 24) / 2)) '\000'
	run_tcectl verify "$OUT/middle.tce"
	assert_failure 6
	[ "${#stderr_lines[@]}" -eq 1 ]
	[[ $stderr == "tcectl: verify: checkpoint '$OUT/middle.tce': table 0: the "* ]]
	local msg=${stderr#tcectl: verify: }
	run_tcectl restore --yes "$OUT/middle.tce:0" "$HOLDER_PID:$FD0"
	assert_failure 6
	[ "$stderr" = "tcectl: restore: $msg" ]
	run_tcectl diff "$HOLDER_PID:$FD0" "$OUT/middle.tce:0"
	assert_failure 2
	[ "$stderr" = "tcectl: diff: $msg" ]
	nothing_changed
}

@test "a damaged zlib stream of a version-1 file: its header, its check value, its middle" {
	local v1=$BATS_TEST_DIRNAME/../unit/data/v1-zlib-le.tce off size f
	read -r off size < <(section_at "$v1" .tce.0)
	[ "$(od -An -tx1 -j $((off + 24)) -N2 "$v1")" = " 78 01" ]
	cp "$v1" "$OUT/zhead.tce"
	poke "$OUT/zhead.tce" $((off + 24)) '\171'
	cp "$v1" "$OUT/adler.tce"
	poke "$OUT/adler.tce" $((off + size - 1)) "\\$(printf '%03o' $(( $(od -An -tu1 -j $((off + size - 1)) -N1 "$v1") ^ 0xff )))"
	cp "$v1" "$OUT/middle.tce"
	poke "$OUT/middle.tce" $((off + 24 + (size - 24) / 2)) '\377'
	for f in zhead adler middle; do
		run_tcectl verify "$OUT/$f.tce"
		assert_failure 6
		assert_output ""
		[ "${#stderr_lines[@]}" -eq 1 ]
		case $f in
		zhead) [ "$stderr" = "tcectl: verify: checkpoint '$OUT/zhead.tce': table 0: the compressed table is corrupt (zlib: incorrect header check)" ] ;;
		adler) [ "$stderr" = "tcectl: verify: checkpoint '$OUT/adler.tce': table 0: the compressed table is corrupt (zlib: incorrect data check)" ] ;;
		*) [[ $stderr == "tcectl: verify: checkpoint '$OUT/middle.tce': table 0: the "* ]] ;;
		esac
		run_tcectl dump "$OUT/$f.tce:0"
		assert_failure 6
		run_tcectl inspect "$OUT/$f.tce"
		assert_success
	done
}

@test "keys and notes the format does not describe are ignored" {
	patch "$OUT/good.tce" "$OUT/extra.tce" guest= gueso=
	run_tcectl verify "$OUT/extra.tce"
	assert_success
	run_tcectl diff "$OUT/good.tce" "$OUT/extra.tce"
	assert_success
	run_tcectl inspect --json "$OUT/extra.tce"
	echo "$output" | jq -e '.[0].guest == ""'
}

@test "a copy made by objcopy is a valid checkpoint" {
	objcopy -I elf64-little "$OUT/good.tce" "$OUT/copy.tce"
	run_tcectl verify "$OUT/copy.tce"
	assert_success
	run_tcectl diff "$OUT/good.tce" "$OUT/copy.tce"
	assert_success
	assert_output ""
}

@test "a directory: exit 6, and the message says it is a directory" {
	mkdir "$OUT/dir.tce"
	local verb
	for verb in verify inspect dump; do
		run_tcectl "$verb" "$OUT/dir.tce"
		assert_failure 6
		assert_output ""
		[ "${#stderr_lines[@]}" -eq 1 ]
		[[ $stderr == "tcectl: $verb: "*"'$OUT/dir.tce'"*[Dd]irectory* ]] || { echo "$verb: $stderr" >&2; return 1; }
	done
	run_tcectl restore --yes "$OUT/dir.tce" "$HOLDER_PID:$FD0"
	assert_failure 6
	nothing_changed
}

@test "a file that may not be read: exit 4 (diff 2) naming it" {
	NOBODY_DIR=$(mktemp -d "${TMPDIR:-/tmp}/tcectl-bad.XXXXXX")
	chmod 755 "$NOBODY_DIR"
	cp "$TCECTL" "$NOBODY_DIR/tcectl"
	cp "$OUT/good.tce" "$NOBODY_DIR/secret.tce"
	chmod 600 "$NOBODY_DIR/secret.tce"
	local f="$NOBODY_DIR/secret.tce" verb
	for verb in verify inspect dump list; do
		run --separate-stderr setpriv --reuid=$NOBODY --regid=$NOBODY --clear-groups \
			"$NOBODY_DIR/tcectl" "$verb" "$f"
		assert_failure 4
		assert_output ""
		[ "$stderr" = "tcectl: $verb: cannot open checkpoint '$f': Permission denied" ] ||
			{ echo "$verb: $stderr" >&2; return 1; }
	done
	run --separate-stderr setpriv --reuid=$NOBODY --regid=$NOBODY --clear-groups \
		"$NOBODY_DIR/tcectl" diff "$f" "$f"
	assert_failure 2
	[ "$stderr" = "tcectl: diff: cannot open checkpoint '$f': Permission denied" ]
	# As root it reads.
	run_tcectl verify "$f"
	assert_success
}

@test "a checkpoint that cannot be written whole: one line naming file and reason, exit 7, nothing left" {
	local opt
	# Raw, and zstd in the other byte order.
	for opt in --no-compress --byte-order=big; do
		echo "an earlier file" > "$OUT/keep.tce"
		# A 4 KiB file size limit: the write fails with EFBIG, SIGXFSZ being ignored.
		run --separate-stderr bash -c 'ulimit -f 4; exec "$@"' _ "$TCECTL" checkpoint "$opt" \
			-o "$OUT/keep.tce" "$HOLDER_PID:$FD1"
		assert_failure 7
		assert_output ""
		[ "$stderr" = "tcectl: checkpoint: cannot write checkpoint '$OUT/keep.tce': File too large; the file size limit (ulimit -f) or the file system's is too small for it" ]
		[ "$(cat "$OUT/keep.tce")" = "an earlier file" ]
		[ -z "$(find "$OUT" -name '.keep.tce.*')" ]
	done
}

@test "a crafted file whose entries form no runs: verify stays within 64 MiB" {
	local off size rss
	mkdir "$BATS_TEST_TMPDIR/big"
	"$TCE_HOLDER" "$BATS_TEST_TMPDIR/big" 4M:direct 3>&- &
	local big=$!
	for _ in $(seq 200); do [ -e "$BATS_TEST_TMPDIR/big/info" ] && break; sleep 0.05; done
	"$TCECTL" checkpoint --no-compress -o "$OUT/runs.tce" "$big:$(cut -d' ' -f1 "$BATS_TEST_TMPDIR/big/info")" > /dev/null
	kill "$big"
	# Every entry the same page: 4,194,304 extents of one entry, 96 MiB as extents.
	read -r off size < <(section_at "$OUT/runs.tce" .tce.0)
	python3 - "$OUT/runs.tce" "$OUT/equal.tce" "$off" "$size" <<'PY'
import re, struct, sys, zlib
src, dst, off, size = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
data = bytearray(open(src, "rb").read())
entries = struct.pack("<Q", 0x7000003) * (size // 8)
data[off:off + size] = entries
crc = b"crc32=0x%08x" % zlib.crc32(entries)
data = re.sub(rb"crc32=0x[0-9a-f]{8}", crc, bytes(data), count=1)
open(dst, "wb").write(data)
PY
	rss=$(/usr/bin/time -f %M "$TCECTL" verify "$OUT/equal.tce" 2>&1 >/dev/null | tail -1)
	echo "verify peak RSS: $rss KiB"
	[ "$rss" -lt 65536 ]
	run_tcectl verify "$OUT/equal.tce"
	assert_success
	assert_output "$OUT/equal.tce: ok, 1 table, every checksum matches"
}
