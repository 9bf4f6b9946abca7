#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
#
# The target syntax every verb shares:
#   PID | PID:FD | PID:FD,KEY=VALUE...  (shift, page, offset, liobn, entries)
#   FILE | FILE:N                     (a checkpoint)
# A malformed target is a usage error (exit 2) before anything is opened;
# text that is not PID syntax names a file, and a missing one is exit 3.

load test_helper

HINT="give PID, PID:FD or PID@ADDR (each table with ,KEY=VALUE,...: shift, page, offset, liobn, entries) or a checkpoint FILE"
KEYS="keys: shift, page, offset, liobn, entries"

# refused TARGET MESSAGE: every verb refuses TARGET with exit 2, nothing on
# stdout, and "tcectl: VERB: MESSAGE" on stderr.
refused() {
	STATUS=2 refused_with "$@"
}

# STATUS=N refused_with TARGET MESSAGE: the same with exit status N.
refused_with() {
	local target=$1 message=$2 verb
	local -a extra
	for verb in list dump translate who-maps; do
		case $verb in
		translate|who-maps) extra=(0x1000) ;;
		*) extra=() ;;
		esac
		run_tcectl "$verb" "$target" "${extra[@]}"
		assert_failure "$STATUS"
		assert_output ""
		[ "$stderr" = "tcectl: $verb: $message" ] ||
			{ echo "$verb '$target': $stderr" >&2; return 1; }
	done
}

@test "a PID that is not a positive decimal number" {
	local t
	for t in 0 99999999999 2147483648 0:3 12:3x 12:0x3 '12:3 '; do
		refused "$t" "'$t' is not a target; $HINT"
	done
	refused '' "an empty target; $HINT"
}

@test "what is not PID syntax names a checkpoint file, and none exists" {
	local t
	for t in abc 12a ' 12' '12 ' +12 0x10 ./12; do
		STATUS=3 refused_with "$t" "'$t' is neither a process (PID, PID:FD, PID@ADDR) nor a checkpoint file; give PID, PID:FD, PID@ADDR or FILE"
	done
}

@test "nothing usable after the colon" {
	local t
	for t in 12: 12:x 12:-1 12:,shift=16; do
		refused "$t" "'$t' is not a target: no file descriptor after ':'; $HINT"
	done
}

@test "a file descriptor number too large" {
	refused 12:99999999999 "'12:99999999999' is not a target: 99999999999 is not a file descriptor number"
	refused 12:2147483648 "'12:2147483648' is not a target: 2147483648 is not a file descriptor number"
}

@test "a geometry after a bare PID" {
	refused 12,shift=16 "'12,shift=16': a geometry describes one table; give PID:FD,KEY=VALUE (see tcectl list 12)"
	refused 12, "'12,': a geometry describes one table; give PID:FD,KEY=VALUE (see tcectl list 12)"
}

@test "an item that is not KEY=VALUE" {
	refused 12:3,shift "'shift' in target '12:3,shift' is not KEY=VALUE; $KEYS"
	refused 12:3,=5 "'=5' in target '12:3,=5' is not KEY=VALUE; $KEYS"
	refused 12:3,shift= "'shift=' in target '12:3,shift=' is not KEY=VALUE; $KEYS"
	refused 12:3,liobn=1,offset "'offset' in target '12:3,liobn=1,offset' is not KEY=VALUE; $KEYS"
}

@test "an empty item, at the end or between commas" {
	refused 12:3, "'' in target '12:3,' is not KEY=VALUE; $KEYS"
	refused 12:3,,shift=16 "'' in target '12:3,,shift=16' is not KEY=VALUE; $KEYS"
}

@test "an unknown key; keys are lowercase" {
	refused 12:3,bogus=1 "unknown key 'bogus' in target '12:3,bogus=1'; $KEYS"
	refused 12:3,SHIFT=16 "unknown key 'SHIFT' in target '12:3,SHIFT=16'; $KEYS"
	refused 12:3,shift=16,size=4 "unknown key 'size' in target '12:3,shift=16,size=4'; $KEYS"
}

@test "a page shift outside 12..34" {
	local v
	for v in 0 11 35 64 x 12x -1 0x; do
		refused "12:3,shift=$v" "'$v' in target '12:3,shift=$v' is not an IOMMU page size: give shift=12..34 or page=4K, 64K, 2M, 16M..."
	done
}

@test "a page size that is not a power of two from 4K to 16G" {
	local v
	for v in 0 1 2K 3K 96K 32G 4X 4KB x 0x; do
		refused "12:3,page=$v" "'$v' in target '12:3,page=$v' is not an IOMMU page size: give shift=12..34 or page=4K, 64K, 2M, 16M..."
	done
}

@test "a bus offset that is not an address" {
	local v
	for v in zz -1 0x 0x1g 1K 99999999999999999999; do
		refused "12:3,offset=$v" "bus offset '$v' in target '12:3,offset=$v' is not an address"
	done
}

@test "a bus offset that is not aligned to the page, whatever the key order" {
	refused 12:3,offset=0x800 "bus offset 0x800 is not aligned to the 4096-byte IOMMU page; give an offset that is a multiple of the page size"
	refused 12:3,offset=0x1000,page=64K "bus offset 0x1000 is not aligned to the 65536-byte IOMMU page; give an offset that is a multiple of the page size"
	refused 12:3,shift=16,offset=4096 "bus offset 0x1000 is not aligned to the 65536-byte IOMMU page; give an offset that is a multiple of the page size"
}

@test "a liobn that is not a 32-bit number" {
	local v
	for v in 0x100000000 4294967296 -1 x 0x; do
		refused "12:3,liobn=$v" "liobn '$v' in target '12:3,liobn=$v' is not a 32-bit number"
	done
}

@test "an entry count that is not a positive number" {
	local v
	for v in 0 x -1 1Q 0x; do
		refused "12:3,entries=$v" "entry count '$v' in target '12:3,entries=$v' is not a positive number"
	done
}

@test "a geometry too long to be one" {
	local t
	t="12:3,liobn=1$(printf ',shift=12%.0s' $(seq 1 40))"
	refused "$t" "'$t' is not a target; $HINT"
}

@test "the first bad target is the one reported" {
	run_tcectl dump 1:3 0 12:3,bogus=1
	assert_failure 2
	[ "$stderr" = "tcectl: dump: '0' is not a target; $HINT" ]
}

@test "--json: a malformed target is one object with error and status" {
	local verb
	local -a extra
	for verb in list dump translate who-maps; do
		case $verb in
		translate|who-maps) extra=(0x1000) ;;
		*) extra=() ;;
		esac
		run_tcectl "$verb" --json 12:3,liobn=x "${extra[@]}"
		assert_failure 2
		echo "$output" | jq -e '
			keys_unsorted == ["error","status"] and .status == 2 and
			.error == "liobn '"'x'"' in target '"'12:3,liobn=x'"' is not a 32-bit number"'
		[ "$stderr" = "tcectl: $verb: liobn 'x' in target '12:3,liobn=x' is not a 32-bit number" ]
	done
}

@test "what a geometry accepts: hex or decimal, size suffixes, any order" {
	start_holder 8K:mixed
	run_tcectl list -r -n -o shift,pagesize,offset,liobn,entries,window \
		"$HOLDER_PID:$FD0,shift=0x10" \
		"$HOLDER_PID:$FD0,page=4k" \
		"$HOLDER_PID:$FD0,offset=65536,shift=16,entries=1K" \
		"$HOLDER_PID:$FD0,liobn=4294967295,page=2M" \
		"$HOLDER_PID:$FD0,page=16G,entries=1" \
		"$HOLDER_PID:$FD0,shift=12,liobn=0"
	assert_success
	assert_output "$(cat <<'EOF'
16 64K 0x0  8192 512M
12 4K 0x0  8192 32M
16 64K 0x10000  1024 64M
21 2M 0x0 0xffffffff 8192 16G
34 16G 0x0  1 16G
12 4K 0x0 0x0 8192 32M
EOF
)"
}
