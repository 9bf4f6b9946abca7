# SPDX-License-Identifier: GPL-2.0-or-later
#
# checkpoint, diff and restore of minivmm's 16,777,216-entry table (128 MiB,
# 64K pages at 0x800000000000000), and how they pause the VMM.  Sampled
# from /proc/PID/stat while tcectl runs: checkpoint --freeze stops minivmm
# (state T) during the read, in one pass, and it runs and answers again
# afterwards; ended by SIGTERM or SIGINT midway, it dies of the signal,
# minivmm runs again and no file is left; without --freeze it is never
# stopped (two passes).  The guest changes entries at the start, middle and
# end of the table with H_PUT_TCE and H_STUFF_TCE; diff lists exactly
# those, and restore stops minivmm while it writes them back, resumes it,
# and the guest reads the checkpoint's values (H_GET_TCE), the whole table
# holding nothing else.  A VMM that was already stopped by someone else
# stays stopped after restore, with or without --already-paused, and
# restore --already-paused never stops a running one.  Times are printed as
# diagnostics.  Right after each command the table can be re-created (no
# EBUSY).
. "$PAYLOAD/lib/checkpoint.sh"

ck_start -b || exit 0
big=0x80000201
B=$TC_DIR/big.tce

stopped() {
	case $WATCH_STATES in
	*T*) echo "stopped" ;;
	*) echo "never stopped (states '$WATCH_STATES' in $WATCH_POLLS samples)" ;;
	esac
}

# A freshly created table: its first read allocates every page, so a read
# lasts long enough to be seen from outside.
tc_recreate "a fresh big table" "$big"

is "$(vmm_state)" S "before checkpoint --freeze, minivmm is running (S: waiting for a command)"
target=$(tgt big)
tc_watched checkpoint --freeze -o "$B" "$target"
after=$(vmm_state)
diag "checkpoint --freeze of the big table: $TC_MS ms, $WATCH_POLLS samples of minivmm's state"
tc_rc 0 "checkpoint --freeze of the big table exits 0"
is "$(sed 's/, [0-9]* bytes of entries,/, N bytes of entries,/' "$TC_OUT")" \
	"wrote $B: 1 table, 18 mapped entries, N bytes of entries, consistent" \
	"checkpoint --freeze of the big table: 1 table, 18 mapped entries, consistent"
is "$(stopped)" stopped "checkpoint --freeze: minivmm is stopped (T) while its table is read"
is "$after" S "checkpoint --freeze: minivmm runs again afterwards"
check "checkpoint --freeze: minivmm answers a command afterwards" vmm tables
tc_recreate "checkpoint --freeze" "$big"
tc inspect "$B"
is "$(sed -n 3p "$TC_OUT")" "process $pid (minivmm), guest unnamed, consistent (1 pass)" \
	"checkpoint --freeze read the frozen table in one pass"
is "$(awk 'NR > 4 { print $1, $2, $3, $4, $5, $6, $9 }' "$TC_OUT")" \
	"0 $big 64K 0x800000000000000 16777216 18 ${target%%,*}" \
	"inspect: the big table's liobn, page size, bus offset, 16777216 entries, 18 mapped"

# checkpoint --freeze ended by SIGTERM or SIGINT while minivmm is stopped:
# tcectl dies of the signal, minivmm runs again, and neither the file nor a
# temporary is left.  tcectl runs in the foreground (a background job of a
# script starts with SIGINT ignored); a watcher sends the signal.
mkdir -p "$TC_DIR/signalled"
for sig in TERM INT; do
	tc_recreate "before checkpoint --freeze is sent SIG$sig" "$big"
	rm -f "$TC_DIR/tcectl.pid"
	(
		i=0
		while [ ! -s "$TC_DIR/tcectl.pid" ] || [ "$(vmm_state)" != T ]; do
			i=$((i + 1))
			[ $i -lt 20000 ] || exit 1
		done
		kill -s "$sig" "$(cat "$TC_DIR/tcectl.pid")"
	) &
	watcher=$!
	sh -c 'echo $$ >"$1" && shift && exec tcectl "$@"' sh "$TC_DIR/tcectl.pid" \
		checkpoint --freeze -o "$TC_DIR/signalled/big.tce" "$(tgt big)" >"$TC_OUT" 2>"$TC_ERR"
	TC_RC=$?
	wait "$watcher"
	is "$?" 0 "SIG$sig: sent while checkpoint --freeze had minivmm stopped"
	tc_rc $((128 + $(kill -l "$sig"))) "SIG$sig: checkpoint --freeze dies of the signal"
	is "$(vmm_state)" S "SIG$sig: minivmm runs again"
	check "SIG$sig: minivmm answers a command" vmm tables
	is "$(ls -A "$TC_DIR/signalled")" "" "SIG$sig: no checkpoint file and no temporary file is left"
	no_holders "checkpoint --freeze ended by SIG$sig"
	tc_recreate "checkpoint --freeze ended by SIG$sig" "$big"
done

# The control: without --freeze nobody stops it.
tc_watched checkpoint -o "$TC_DIR/unfrozen.tce" "$(tgt big)"
diag "checkpoint of the big table without --freeze: $TC_MS ms, $WATCH_POLLS samples of minivmm's state"
tc_rc 0 "checkpoint without --freeze exits 0"
is "$(stopped) $([ "$WATCH_POLLS" -gt 0 ] && echo sampled)" \
	"never stopped (states 'S' in $WATCH_POLLS samples) sampled" \
	"checkpoint without --freeze: minivmm is never stopped while it runs"
tc_recreate "checkpoint without --freeze" "$big"
tc inspect "$TC_DIR/unfrozen.tce"
is "$(sed -n 3p "$TC_OUT")" "process $pid (minivmm), guest unnamed, consistent (2 passes)" \
	"checkpoint without --freeze read the table until two passes agreed"

# The guest changes the first, middle and last entries.
guest "big: H_PUT_TCE adds entry 1" put "$big" 0x800000000010000 0x40003
guest "big: H_STUFF_TCE clears 8 of the 16 poison entries from 8388608" stuff "$big" 0x800008000000000 0 8
guest "big: H_PUT_TCE overwrites entry 16777215" put "$big" 0x80000ffffff0000 0x3ff0001
model_save changed
guest_sees "big: after the guest's changes" "$big"

t0=$(ms_now)
tc diff "$B" "$(tgt big)"
diag "diff of the big table: $(($(ms_now) - t0)) ms"
tc_recreate "diff of the big table" "$big"
tc_rc 1 "diff of the checkpoint and the changed big table exits 1"
is "$(cat "$TC_OUT")" "--- $B:0
+++ $pid:$(tfield big fd)
+ 0x800000000010000-0x80000000001ffff 0x00040000-0x0004ffff rw       1
$(i=0; while [ $i -lt 8 ]; do
	printf '%s 0x%x-0x%x 0x03330000-0x0333ffff -        1\n' - $((0x800008000000000 + (i << 16))) $((0x800008000000000 + (i << 16) + 0xffff))
	i=$((i + 1))
done)
- 0x80000ffffff0000-0x80000ffffffffff 0x00020000-0x0002ffff rw       1
+ 0x80000ffffff0000-0x80000ffffffffff 0x03ff0000-0x03ffffff r        1
added 1, removed 8, changed 1 entries" "diff lists exactly the guest's changes to the big table"

# restore: minivmm stopped while it writes, running afterwards.
is "$(vmm_state)" S "before restore, minivmm is running"
target=$(tgt big)
tc_watched restore --yes --undo="$TC_DIR/undo.big" "$B" "$target"
after=$(vmm_state)
no_holders "restore of the big table"
diag "restore of the big table: $TC_MS ms, $WATCH_POLLS samples of minivmm's state"
tc_rc 0 "restore of the big table exits 0"
is "$(cat "$TC_OUT")" \
	"restored $(count 10 entry) in $(count 1 table) of pid $pid; undo with: tcectl restore $TC_DIR/undo.big $target" \
	"restore of the big table writes exactly the 10 entries the guest changed"
is "$(stopped)" stopped "restore: minivmm is stopped (T) while the table is written"
is "$after" S "restore: minivmm runs again afterwards"
model_take checkpoint "$big"
guest_sees "big: after restore" "$big"
model_verify "big: after restore" big
tc diff "$B" "$target"
is "$TC_RC:$(cat "$TC_OUT")" "0:" "diff of the checkpoint and the restored big table exits 0, prints nothing"
tc_recreate "restore and diff of the big table" "$big"

# Stopped by someone else: restore leaves it stopped, --already-paused or not.
for paused in "" --already-paused; do
	case $paused in
	"") file=$TC_DIR/undo.big want=changed ;;
	*) file=$B want=checkpoint ;;
	esac
	kill -STOP "$pid"
	# shellcheck disable=SC2016  # wait_for evaluates the string
	wait_for '[ "$(vmm_state)" = T ]' 50
	target=$(tgt big)
	t0=$(ms_now)
	# shellcheck disable=SC2086  # no word at all, or the option
	tc restore --yes $paused --undo="$TC_DIR/undo.paused$paused" "$file" "$target"
	t1=$(ms_now)
	after=$(vmm_state)
	kill -CONT "$pid"
	diag "restore ${paused:+$paused }of the big table into a stopped VMM: $((t1 - t0)) ms"
	tc_rc 0 "restore ${paused:+$paused }into a VMM stopped by someone else exits 0"
	is "$(cat "$TC_OUT")" \
		"restored $(count 10 entry) in $(count 1 table) of pid $pid; undo with: tcectl restore $TC_DIR/undo.paused$paused $target" \
		"restore ${paused:+$paused }into a stopped VMM writes the 10 entries"
	is "$after" T "restore ${paused:+$paused }leaves a VMM that someone else stopped stopped"
	# shellcheck disable=SC2016  # wait_for evaluates the string
	wait_for '[ "$(vmm_state)" = S ]' 50
	check "minivmm answers once it is continued" vmm tables
	model_take "$want" "$big"
	guest_sees "big: after restore ${paused:+$paused }into a stopped VMM" "$big"
	tc_recreate "restore ${paused:+$paused }into a stopped VMM" "$big"
done

# --already-paused on a running VMM: tcectl does not stop it.
target=$(tgt big)
tc_watched restore --yes --already-paused --undo="$TC_DIR/undo.running" "$TC_DIR/undo.big" "$target"
no_holders "restore --already-paused of a running VMM"
diag "restore --already-paused of the big table: $TC_MS ms, $WATCH_POLLS samples of minivmm's state"
tc_rc 0 "restore --already-paused into a running VMM exits 0"
is "$(stopped) $([ "$WATCH_POLLS" -gt 0 ] && echo sampled)" \
	"never stopped (states 'S' in $WATCH_POLLS samples) sampled" \
	"restore --already-paused never stops the VMM"
model_take changed "$big"
guest_sees "big: after restore --already-paused" "$big"
model_verify "big: after restore --already-paused" big
tc_recreate "restore --already-paused" "$big"

vmm_end
exit 0
