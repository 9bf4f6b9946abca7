# SPDX-License-Identifier: GPL-2.0-or-later
#
# checkpoint, inspect, verify, diff and restore on minivmm's four real
# tables (4K pages at 0, 64K and 16M pages at 0x800000000000000), each
# labelled with its geometry and liobn.  The checkpoint describes exactly
# the tables the guest filled and verifies; then the guest itself changes
# entries with H_PUT_TCE, H_PUT_TCE_INDIRECT and H_STUFF_TCE, and diff lists
# exactly those changes (text, per entry, JSON) and exits 1; restore writes
# back exactly those entries, after which the guest reads (H_GET_TCE) the
# checkpoint's value at every IOBA it changed and at every entry of the
# table, the whole table holds nothing else, and diff exits 0.  The undo
# file of each restore brings the guest's changes back, and the undo of that
# undo holds the checkpoint's very table (same CRC32).  restore --reset
# clears a table (the guest reads 0 where it had entries), and so does a
# --reset of the whole process; the checkpoint and the undo file bring them
# back.  Right after each command no other process holds a table, and each
# table can be re-created (no EBUSY).
. "$PAYLOAD/lib/checkpoint.sh"

ck_start || exit 0
liobns=$(all_liobns)
F=$TC_DIR/tables.tce
names="vscsi pci0 ddw64k ddw16m"

# The control: no_holders below sees a process that holds a table's fd or
# a mapping of it.
for what in fd map; do
	tcepeek "$pid" "$(tfield vscsi fd)" hold "$what" >"$TC_DIR/hold" 2>&1 &
	holder=$!
	# shellcheck disable=SC2016  # wait_for evaluates the string
	wait_for 'grep -q "^holding $what pid=$holder\$" "$TC_DIR/hold"' 100 || diag <"$TC_DIR/hold"
	is "$(holders)" "$holder tcepeek" "control: a process holding a table's $what is seen as a holder"
	kill "$holder"
	wait "$holder"
done

# The checkpoint: four labelled targets, one file.
t0=$(date +%s)
ck_checkpoint_all "$F"
t1=$(date +%s)
tc_rc 0 "checkpoint exits 0"
is "$(sed 's/, [0-9]* bytes of entries,/, N bytes of entries,/' "$TC_OUT")" \
	"wrote $F: 4 tables, 553 mapped entries, N bytes of entries, consistent" \
	"checkpoint: 4 tables, 553 mapped entries (32 + 513 + 3 + 5), consistent"
is "$(tc_stderr)" "" "checkpoint writes nothing to stderr"
wrote_bytes=$(sed -n 's/.*, \([0-9]*\) bytes of entries,.*/\1/p' "$TC_OUT")

tc inspect "$F"
tc_rc 0 "inspect exits 0"
is "$(sed -n 1p "$TC_OUT")" "checkpoint $F: format 2, little-endian entries" \
	"inspect: format 2, little-endian entries (the host's order)"
is "$(sed -n 3p "$TC_OUT")" "process $pid (minivmm), guest unnamed, consistent (2 passes)" \
	"inspect: taken from minivmm, consistent after 2 passes (no --freeze)"
is "$(sed -n 4p "$TC_OUT")" \
	"  N LIOBN      PAGESIZE OFFSET               ENTRIES    MAPPED     STORED CRC32      FROM" \
	"inspect: the table heading"
page_of() {
	case $1 in vscsi | pci0) echo 4K ;; ddw64k) echo 64K ;; ddw16m) echo 16M ;; esac
}
want=$(n=0; for name in $names; do
	liobn=$(tfield "$name" liobn)
	echo "$n $liobn $(page_of "$name") $(tfield "$name" bus_offset) $(tfield "$name" entries) $(model_count "$liobn") $pid:$(tfield "$name" fd)"
	n=$((n + 1))
done)
is "$(awk 'NR > 4 { print $1, $2, $3, $4, $5, $6, $9 }' "$TC_OUT")" "$want" \
	"inspect: each table's liobn, page size, bus offset, entries, mapped entries and pid:fd"
is "$(awk 'NR > 4 { n += $7 } END { print n }' "$TC_OUT")" "$wrote_bytes" \
	"inspect: the tables' stored bytes add up to what checkpoint reported"
awk 'NR > 4 { print $8 }' "$TC_OUT" >"$TC_DIR/crcs"
tc inspect --json "$F"
when=$(sed -n 's/.*"time":\([0-9]*\),.*/\1/p' "$TC_OUT")
is "$([ -n "$when" ] && [ "$when" -ge "$t0" ] && [ "$when" -le "$t1" ] && echo yes)" yes \
	"inspect --json: taken while the checkpoint ran ($t0 <= '$when' <= $t1)"
is "$(sed -n 's/.*"hostname":"\([^"]*\)","kernel":"\([^"]*\)".*/\1 \2/p' "$TC_OUT")" "$(hostname) $(uname -r)" \
	"inspect --json: this host's name and kernel"
tc verify "$F"
tc_rc 0 "verify exits 0"
is "$(cat "$TC_OUT")" "$F: ok, 4 tables, every checksum matches" "verify: every checksum matches"

# The guest changes entries of every table.
guest "vscsi: H_PUT_TCE adds entry 5" put 0x71000003 0x5000 0x3456003
guest "vscsi: H_PUT_TCE overwrites entry 0" put 0x71000003 0x0 0x3ff0001
guest "vscsi: H_STUFF_TCE clears the poison entries 256, 257" stuff 0x71000003 0x100000 0 2
guest "pci0: H_STUFF_TCE clears entries 1008..1015" stuff 0x80000000 0x3f0000 0 8
guest "pci0: H_PUT_TCE_INDIRECT adds entries 131072, 131073" \
	indirect 0x80000000 0x20000000 0x2222003 0x2223001
guest "ddw64k: H_PUT_TCE overwrites entry 0" put 0x80000001 0x800000000000000 0x50001
guest "ddw64k: H_PUT_TCE of 0 clears entry 999" put 0x80000001 0x800000003e70000 0
guest "ddw16m: H_STUFF_TCE clears entries 0, 1" stuff 0x80000101 0x800000000000000 0 2
guest "ddw16m: H_PUT_TCE_INDIRECT adds entries 4, 5" \
	indirect 0x80000101 0x800000004000000 0x1000001 0x2000002
model_save changed
for name in $names; do
	guest_sees "$name, before any tcectl command" "$(tfield "$name" liobn)"
done

# What diff must print for each table, and how many entries restore writes.
diff_of() {
	_do_fd=$pid:$(tfield "$1" fd)
	case $1 in
	vscsi) cat <<EOF ;;
--- $F:0
+++ $_do_fd
- 0x00000000-0x00000fff 0x01000000-0x01000fff rw       1
+ 0x00000000-0x00000fff 0x03ff0000-0x03ff0fff r        1
+ 0x00005000-0x00005fff 0x03456000-0x03456fff rw       1
- 0x00100000-0x00100fff 0x03000000-0x03000fff -        1
- 0x00101000-0x00101fff 0x03000000-0x03000fff -        1
added 1, removed 2, changed 1 entries
EOF
	pci0) cat <<EOF ;;
--- $F:1
+++ $_do_fd
- 0x003f0000-0x003f7fff 0x01008000-0x0100ffff rw       8
+ 0x20000000-0x20000fff 0x02222000-0x02222fff rw       1
+ 0x20001000-0x20001fff 0x02223000-0x02223fff r        1
added 2, removed 8, changed 0 entries
EOF
	ddw64k) cat <<EOF ;;
--- $F:2
+++ $_do_fd
- 0x800000000000000-0x80000000000ffff 0x00010000-0x0001ffff rw       1
+ 0x800000000000000-0x80000000000ffff 0x00050000-0x0005ffff r        1
- 0x800000003e70000-0x800000003e7ffff 0x00030000-0x0003ffff r        1
added 0, removed 1, changed 1 entries
EOF
	ddw16m) cat <<EOF ;;
--- $F:3
+++ $_do_fd
- 0x800000000000000-0x800000001ffffff 0x00000000-0x01ffffff rw       2
+ 0x800000004000000-0x800000004ffffff 0x01000000-0x01ffffff r        1
+ 0x800000005000000-0x800000005ffffff 0x02000000-0x02ffffff w        1
added 2, removed 2, changed 0 entries
EOF
	esac
}
writes_of() {
	case $1 in vscsi) echo 4 ;; pci0) echo 10 ;; ddw64k) echo 2 ;; ddw16m) echo 4 ;; esac
}

n=0
for name in $names; do
	liobn=$(tfield "$name" liobn)
	tcx "$name: diff FILE:$n TARGET" "$liobn" diff "$F:$n" "$(tgt "$name")"
	tc_rc 1 "$name: diff of the checkpoint and the changed table exits 1"
	is "$(cat "$TC_OUT")" "$(diff_of "$name")" "$name: diff lists exactly the guest's changes"
	is "$(tc_stderr)" "" "$name: diff writes nothing to stderr"
	n=$((n + 1))
done

tcx "pci0: diff --entries" 0x80000000 diff --entries "$F:1" "$(tgt pci0)"
tc_rc 1 "pci0: diff --entries exits 1"
is "$(cat "$TC_OUT")" "--- $F:1
+++ $pid:$(tfield pci0 fd)
$(i=1008; while [ $i -lt 1016 ]; do
	printf '%s 0x%08x-0x%08x 0x%08x-0x%08x rw       1\n' - $((i << 12)) $(((i << 12) + 4095)) \
		$((0x1000000 + (i - 1000) * 4096)) $((0x1000000 + (i - 1000) * 4096 + 4095))
	i=$((i + 1))
done)
+ 0x20000000-0x20000fff 0x02222000-0x02222fff rw       1
+ 0x20001000-0x20001fff 0x02223000-0x02223fff r        1
added 2, removed 8, changed 0 entries" "pci0: diff --entries lists each of the 8 cleared entries on its own line"

tcx "ddw16m: diff --json" 0x80000101 diff --json "$F:3" "$(tgt ddw16m)"
tc_rc 1 "ddw16m: diff --json exits 1"
is "$(cat "$TC_OUT")" "[{\"a\":\"$F:3\",\"b\":\"$pid:$(tfield ddw16m fd)\",\"liobn\":\"0x80000101\",\"matched_by\":\"liobn\",\"changes\":[\
{\"kind\":\"removed\",\"index\":0,\"ioba\":\"0x800000000000000\",\"pages\":2,\"old\":{\"gpa\":\"0x0\",\"perm\":\"rw\",\"raw\":\"0x3\"},\"new\":null},\
{\"kind\":\"added\",\"index\":4,\"ioba\":\"0x800000004000000\",\"pages\":1,\"old\":null,\"new\":{\"gpa\":\"0x1000000\",\"perm\":\"r\",\"raw\":\"0x1000001\"}},\
{\"kind\":\"added\",\"index\":5,\"ioba\":\"0x800000005000000\",\"pages\":1,\"old\":null,\"new\":{\"gpa\":\"0x2000000\",\"perm\":\"w\",\"raw\":\"0x2000002\"}}],\
\"added\":2,\"removed\":2,\"changed\":0}]" \
	"ddw16m: diff --json: the pair matched by liobn, and exactly the guest's changes"

# --dry-run: the plan (as it is, as it would be), and nothing written.
target=$(tgt vscsi)
tcx "vscsi: restore --dry-run" 0x71000003 restore --dry-run --undo="$TC_DIR/undo.dry" "$F:0" "$target"
tc_rc 0 "vscsi: restore --dry-run exits 0"
is "$(cat "$TC_OUT")" "$pid:$(tfield vscsi fd): $(count 4 entry) to write
- 0x00000000-0x00000fff 0x03ff0000-0x03ff0fff r        1
+ 0x00000000-0x00000fff 0x01000000-0x01000fff rw       1
- 0x00005000-0x00005fff 0x03456000-0x03456fff rw       1
+ 0x00100000-0x00100fff 0x03000000-0x03000fff -        1
+ 0x00101000-0x00101fff 0x03000000-0x03000fff -        1" \
	"vscsi: restore --dry-run prints the 4 entries it would write, as they are (-) and as they would be (+)"
is "$([ -e "$TC_DIR/undo.dry" ] && echo written)" "" "vscsi: restore --dry-run writes no undo file"
guest_sees "vscsi: after restore --dry-run, unchanged" 0x71000003

# restore, then the undo file, table by table.
n=0
for name in $names; do
	liobn=$(tfield "$name" liobn)
	k=$(writes_of "$name")
	undo=$TC_DIR/undo.$name
	target=$(tgt "$name")
	tc restore --yes --undo="$undo" "$F:$n" "$target"
	no_holders "$name: restore"
	tc_rc 0 "$name: restore exits 0"
	is "$(cat "$TC_OUT")" \
		"restored $(count "$k" entry) in $(count 1 table) of pid $pid; undo with: tcectl restore $undo $target" \
		"$name: restore wrote exactly the $k entries the guest changed"
	model_take checkpoint "$liobn"
	guest_sees "$name: after restore" "$liobn"
	model_verify "$name: after restore" "$name"
	tc diff "$F:$n" "$target"
	tc_rc 0 "$name: diff of the checkpoint and the restored table exits 0"
	is "$(cat "$TC_OUT")" "" "$name: diff prints nothing for the restored table"
	tc_recreate "$name: restore and diff" "$liobn"

	# The undo file: one table, as the guest had left it.
	tc inspect "$undo"
	mapped=$(grep -c "^entry liobn=$liobn " "$VMM_DIR/golden.changed")
	is "$(sed -n 1p "$TC_OUT" | sed 's/^[^:]*: //')" "format 2, little-endian entries" \
		"$name: the undo file: format 2, little-endian entries"
	is "$(sed -n 2p "$TC_OUT" | sed 's/^taken [0-9-]* [0-9:]* UTC //')" "on $(hostname), kernel $(uname -r)" \
		"$name: the undo file: taken on this host, this kernel"
	is "$(sed -n 3p "$TC_OUT")" "process $pid (minivmm), guest unnamed, consistent (1 pass)" \
		"$name: the undo file was taken from minivmm, in one pass"
	is "$(awk 'NR > 4 { print $1, $2, $3, $4, $5, $6, $9 }' "$TC_OUT")" \
		"0 $liobn $(page_of "$name") $(tfield "$name" bus_offset) $(tfield "$name" entries) $mapped ${target%%,*}" \
		"$name: the undo file holds one table, labelled, with the guest's $mapped entries"
	tc verify "$undo"
	is "$TC_RC $(cat "$TC_OUT")" "0 $undo: ok, 1 table, every checksum matches" "$name: the undo file verifies"
	target=$(tgt "$name")
	tc restore --yes --undo="$undo.undo" "$undo" "$target"
	no_holders "$name: restore of the undo file"
	tc_rc 0 "$name: restore of the undo file exits 0"
	is "$(cat "$TC_OUT")" \
		"restored $(count "$k" entry) in $(count 1 table) of pid $pid; undo with: tcectl restore $undo.undo $target" \
		"$name: restore of the undo file writes the same $k entries back"
	model_take changed "$liobn"
	guest_sees "$name: after restoring the undo file" "$liobn"
	model_verify "$name: after restoring the undo file" "$name"
	tc diff "$undo" "$target"
	is "$TC_RC:$(cat "$TC_OUT")" "0:" "$name: diff of the undo file and the table exits 0, prints nothing"
	tc_recreate "$name: restore of the undo file and diff" "$liobn"
	tc inspect "$undo.undo"
	is "$(awk 'NR == 5 { print $8 }' "$TC_OUT")" "$(sed -n "$((n + 1))p" "$TC_DIR/crcs")" \
		"$name: the undo of the undo holds the checkpoint's table (the same CRC32)"
	n=$((n + 1))
done

# --reset of one table, then the checkpoint brings it back.
target=$(tgt vscsi)
k=$(model_count 0x71000003)
tc restore --yes --reset --undo="$TC_DIR/undo.reset" "$target"
no_holders "vscsi: restore --reset"
tc_rc 0 "vscsi: restore --reset exits 0"
is "$(cat "$TC_OUT")" \
	"restored $(count "$k" entry) in $(count 1 table) of pid $pid; undo with: tcectl restore $TC_DIR/undo.reset $target" \
	"vscsi: restore --reset clears its $k entries"
model_empty 0x71000003
guest_sees "vscsi: after restore --reset" 0x71000003
model_verify "vscsi: after restore --reset, all 65536 entries are 0" vscsi
tc_recreate "vscsi: restore --reset" 0x71000003
target=$(tgt vscsi)
tc restore --yes --undo="$TC_DIR/undo.reset.undo" "$F:0" "$target"
no_holders "vscsi: restore after --reset"
tc_rc 0 "vscsi: restore of the checkpoint after --reset exits 0"
is "$(cat "$TC_OUT")" \
	"restored $(count 32 entry) in $(count 1 table) of pid $pid; undo with: tcectl restore $TC_DIR/undo.reset.undo $target" \
	"vscsi: restore writes all 32 entries of the checkpoint into the cleared table"
model_take checkpoint 0x71000003
guest_sees "vscsi: restored after --reset" 0x71000003
model_verify "vscsi: restored after --reset" vscsi
tc_recreate "vscsi: restore after --reset" 0x71000003

# --reset of the whole process, then its undo file brings every table back.
total=$(wc -l <"$VMM_DIR/golden")
model_save before-reset
tc restore --yes --reset --undo="$TC_DIR/undo.reset-all" "$pid"
no_holders "restore --reset PID"
tc_rc 0 "restore --reset PID exits 0"
is "$(cat "$TC_OUT")" \
	"restored $(count "$total" entry) in $(count 4 table) of pid $pid; undo with: tcectl restore $TC_DIR/undo.reset-all $pid" \
	"restore --reset PID clears the $total entries of the 4 tables"
for name in $names; do
	liobn=$(tfield "$name" liobn)
	model_empty "$liobn"
	guest_sees "$name: after restore --reset PID" "$liobn"
	model_verify "$name: after restore --reset PID" "$name"
done
# shellcheck disable=SC2086  # a list of liobns
tc_recreate "restore --reset PID" $liobns
tc restore --yes --undo="$TC_DIR/undo.reset-all.undo" "$TC_DIR/undo.reset-all" "$pid"
no_holders "restore of the undo file of --reset PID"
tc_rc 0 "restore of the undo file of --reset PID exits 0"
is "$(cat "$TC_OUT")" \
	"restored $(count "$total" entry) in $(count 4 table) of pid $pid; undo with: tcectl restore $TC_DIR/undo.reset-all.undo $pid" \
	"restore of the undo file of --reset PID writes the $total entries back"
cp "$VMM_DIR/golden.before-reset" "$VMM_DIR/golden"
for name in $names; do
	guest_sees "$name: after restoring the undo file of --reset PID" "$(tfield "$name" liobn)"
	model_verify "$name: after restoring the undo file of --reset PID" "$name"
done
# shellcheck disable=SC2086  # a list of liobns
tc_recreate "restore of the undo file of --reset PID" $liobns

vmm_end
exit 0
