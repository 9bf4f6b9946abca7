# SPDX-License-Identifier: GPL-2.0-or-later
#
# restore into tables the VMM has re-created since the checkpoint, as QEMU
# does on a reset: every table is destroyed and created again, empty, in an
# order that hands each one another table's old fd.  A checkpoint labelled
# with liobns still finds each table by its label: restore of a one-table
# file (FILE) or of one table of a file (FILE:N) into the new fd writes
# every entry of the checkpoint, and the guest reads them all back with
# H_GET_TCE; the table holds nothing else.  A file table whose liobn differs
# from the label is refused (exit 6), and so is, unlabelled, the table that
# now sits behind the fd the file recorded (its geometry differs): nothing
# is written.  Checkpoints that list the same four tables in another order
# pair by liobn: diff of the two files exits 0 and its JSON pairs each table
# with its own liobn; after the guest changes two tables, diff names exactly
# those two pairs and changes; restoring a table from the reordered file
# takes its own table.  Right after each command each table can be
# re-created (no EBUSY).
. "$PAYLOAD/lib/checkpoint.sh"

ck_start || exit 0
liobns=$(all_liobns)
F=$TC_DIR/tables.tce
names="vscsi pci0 ddw64k ddw16m"

# The checkpoints: all four tables in one file, and vscsi and pci0 alone.
ck_checkpoint_all "$F"
tc_rc 0 "checkpoint of the four tables exits 0"
for name in vscsi pci0; do
	tcx "$name: checkpoint of one table" "$(tfield "$name" liobn)" \
		checkpoint -o "$TC_DIR/$name.tce" "$(tgt "$name")"
	tc_rc 0 "$name: checkpoint of one table exits 0"
done
for name in $names; do eval "old_$name=\$(tfield $name fd)"; done
tc inspect "$F"
# shellcheck disable=SC2154  # set by eval above
is "$(awk 'NR > 4 { print $9 }' "$TC_OUT" | tr '\n' ' ')" \
	"$pid:$old_vscsi $pid:$old_pci0 $pid:$old_ddw64k $pid:$old_ddw16m " \
	"the file records the fd each table was read from"

# The VMM drops every table and creates it again: each gets another's old fd.
# recreated VAR COMMAND...: VAR gets the new table's fd.
recreated() {
	_rd_var=$1
	shift
	_rd_ans=$(vmm "$@")
	is "$(field result "$_rd_ans")" ok "the VMM: $* (result=ok)" || diag "minivmm: $_rd_ans"
	eval "$_rd_var=\$(field fd \"\$_rd_ans\")"
}
vmm close 0x71000003 >/dev/null
recreated fd_pci0 recreate 0x80000000
recreated fd_vscsi create 0x71000003 12 0 65536 legacy
vmm close 0x80000001 >/dev/null
recreated fd_ddw16m recreate 0x80000101
recreated fd_ddw64k create 0x80000001 16 0x800000000000000 1000
# shellcheck disable=SC2154  # set by eval above
is "$fd_vscsi $fd_pci0 $fd_ddw64k $fd_ddw16m" "$old_pci0 $old_vscsi $old_ddw16m $old_ddw64k" \
	"the re-created tables swapped fds: vscsi <-> pci0, ddw64k <-> ddw16m"
for name in $names; do model_empty "$(tfield "$name" liobn)"; done
vmm_refresh
for name in $names; do
	guest_sees "$name: re-created, empty" "$(tfield "$name" liobn)"
done

# Refused: the labelled vscsi and the file's pci0 table (liobns differ).
target=$(tgt vscsi)
tc restore --yes --undo="$TC_DIR/undo.refused" "$F:1" "$target"
no_holders "restore FILE:1 (pci0) into vscsi"
tc_rc 6 "restore of the file's pci0 table into the table labelled vscsi exits 6"
is "$(cat "$TC_OUT")|$(tc_stderr)" \
	"|tcectl: restore: live table ${target%%,*} is labelled liobn 0x71000003, and $F holds liobn 0x80000000; label it with the checkpoint's liobn" \
	"restore FILE:1 into vscsi: the message names both liobns"
is "$([ -e "$TC_DIR/undo.refused" ] && echo written)" "" "the refused restore wrote no undo file"
guest_sees "vscsi: after the refused restore of pci0's table" 0x71000003
tc_recreate "the refused restore FILE:1 into vscsi" 0x71000003

# Refused: no label given, the fd the file recorded for pci0 is vscsi's
# now, and minivmm's record of it says liobn 0x71000003.
target=$pid:$(tfield vscsi fd)
tc restore --yes --undo="$TC_DIR/undo.refused" "$F:1" "$target"
no_holders "restore FILE:1 into the fd pci0 had"
tc_rc 6 "restore of pci0's table into the fd it was read from, now vscsi's, exits 6"
is "$(cat "$TC_OUT")|$(tc_stderr)" \
	"|tcectl: restore: live table $target is labelled liobn 0x71000003, and $F holds liobn 0x80000000; label it with the checkpoint's liobn" \
	"restore FILE:1 into pci0's old fd: the record's liobn keeps them apart"
is "$([ -e "$TC_DIR/undo.refused" ] && echo written)" "" "the refused restore wrote no undo file"
guest_sees "vscsi: after the refused restore into pci0's old fd" 0x71000003
model_verify "vscsi: after the refused restores" vscsi
tc_recreate "the refused restore FILE:1 into pci0's old fd" 0x71000003

# Each table from its checkpoint, found by its liobn label.
for name in $names; do
	liobn=$(tfield "$name" liobn)
	case $name in
	vscsi | pci0) file=$TC_DIR/$name.tce ;;
	ddw64k) file=$F:2 ;;
	ddw16m) file=$F:3 ;;
	esac
	k=$(grep -c "^entry liobn=$liobn " "$VMM_DIR/golden.checkpoint")
	target=$(tgt "$name")
	undo=$TC_DIR/undo.$name
	tc restore --yes --undo="$undo" "$file" "$target"
	no_holders "$name: restore into the re-created table"
	tc_rc 0 "$name: restore of ${file#"$TC_DIR"/} into the re-created table exits 0"
	is "$(cat "$TC_OUT")" \
		"restored $(count "$k" entry) in $(count 1 table) of pid $pid; undo with: tcectl restore $undo $target" \
		"$name: restore writes all $k entries of the checkpoint into the empty table"
	model_take checkpoint "$liobn"
	guest_sees "$name: restored into the re-created table" "$liobn"
	model_verify "$name: restored into the re-created table" "$name"
	tc diff "$file" "$target"
	is "$TC_RC:$(cat "$TC_OUT")" "0:" "$name: diff of the checkpoint and the restored table exits 0, prints nothing"
	tc_recreate "$name: restore into the re-created table" "$liobn"
done

# The same tables in another order: pci0, ddw16m, vscsi, ddw64k.
G=$TC_DIR/reordered.tce
# shellcheck disable=SC2046  # one target per table
tcx "checkpoint in another order" "$liobns" checkpoint -o "$G" \
	$(tgt pci0) $(tgt ddw16m) $(tgt vscsi) $(tgt ddw64k)
tc_rc 0 "checkpoint in another order exits 0"
tc diff "$F" "$G"
is "$TC_RC:$(cat "$TC_OUT")" "0:" "diff of the two files (same tables, other order, other fds) exits 0, prints nothing"
tc diff --json "$F" "$G"
pair() {
	printf '{"a":"%s","b":"%s","liobn":"%s","matched_by":"liobn","changes":[],"added":0,"removed":0,"changed":0}' \
		"$F:$1" "$G:$2" "$3"
}
is "$TC_RC:$(cat "$TC_OUT")" \
	"0:[$(pair 0 2 0x71000003),$(pair 1 0 0x80000000),$(pair 2 3 0x80000001),$(pair 3 1 0x80000101)]" \
	"diff --json of the two files pairs every table with its own liobn"

guest "vscsi: H_PUT_TCE adds entry 5" put 0x71000003 0x5000 0x3456003
guest "ddw16m: H_PUT_TCE overwrites entry 15" put 0x80000101 0x80000000f000000 0x3000003
H=$TC_DIR/changed.tce
# shellcheck disable=SC2046  # one target per table
tcx "checkpoint of the changed tables in the other order" "$liobns" checkpoint -o "$H" \
	$(tgt pci0) $(tgt ddw16m) $(tgt vscsi) $(tgt ddw64k)
tc_rc 0 "checkpoint of the changed tables exits 0"
tc diff "$F" "$H"
tc_rc 1 "diff of the first file and the changed one exits 1"
is "$(cat "$TC_OUT")" "--- $F:0
+++ $H:2
+ 0x00005000-0x00005fff 0x03456000-0x03456fff rw       1
added 1, removed 0, changed 0 entries
--- $F:3
+++ $H:1
- 0x80000000f000000-0x80000000fffffff 0x00000000-0x00ffffff r        1
+ 0x80000000f000000-0x80000000fffffff 0x03000000-0x03ffffff rw       1
added 0, removed 0, changed 1 entries" \
	"diff names exactly the two changed tables, each paired with its own liobn"

# Restore from the reordered file: G:2 is vscsi, G:1 is ddw16m.
for name in vscsi ddw16m; do
	liobn=$(tfield "$name" liobn)
	case $name in vscsi) n=2 ;; ddw16m) n=1 ;; esac
	target=$(tgt "$name")
	tc restore --yes --undo="$TC_DIR/undo.reordered.$name" "$G:$n" "$target"
	no_holders "$name: restore of $G:$n"
	tc_rc 0 "$name: restore of table $n of the reordered file exits 0"
	is "$(cat "$TC_OUT")" \
		"restored $(count 1 entry) in $(count 1 table) of pid $pid; undo with: tcectl restore $TC_DIR/undo.reordered.$name $target" \
		"$name: restore of table $n of the reordered file writes back the one entry the guest changed"
	model_take checkpoint "$liobn"
	guest_sees "$name: restored from the reordered file" "$liobn"
	model_verify "$name: restored from the reordered file" "$name"
	tc_recreate "$name: restore of the reordered file" "$liobn"
done

vmm_end
exit 0
