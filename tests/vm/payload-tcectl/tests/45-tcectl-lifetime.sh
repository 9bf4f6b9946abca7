# SPDX-License-Identifier: GPL-2.0-or-later
#
# tcectl holds a table only while it reads it.  With minivmm's 16,777,216-
# entry table: list finds the five tables; a dump --entries --all of the big
# one is stopped by a reader that takes only its first line, so tcectl sits
# blocked on its output with 16 million lines to go, and then it has neither
# a mapping nor an fd of the table, the VMM re-creates that liobn (result=ok,
# not EBUSY) while tcectl still runs, and tcectl still finishes the old
# table's contents and exits 0.  The control: a process that does hold a
# mapping makes the same re-creation fail with EBUSY.
. "$PAYLOAD/lib/tcectl.sh"

tc_vmm_begin -b || exit 0
liobns=$(all_liobns)
big=0x80000201
tce_link=anon_inode:kvm-spapr-tce

# list: five tables, the big one with all its 16,777,216 entries.
want=$(list_rows)
is "$(echo "$want" | awk '$4 == 16777216 { print $5, $6, $7, $8, $9 }')" "18 2 0 0 16" \
	"the expectation: the big table has 18 entries in use, 2 rw and 16 without permission"
tcx "list (host-wide, with the big table)" "$liobns" list --raw -n -o PID,COMM,FD,ENTRIES,MAPPED,RW,R,W,NONE
tc_rc 0 "list (host-wide) with the big table exits 0"
is "$(cat "$TC_OUT")" "$want" "list (host-wide) shows exactly minivmm's 5 tables, with the kernel's counts"
want=$(list_rows)
tcx "list PID (with the big table)" "$liobns" list --raw -n -o PID,COMM,FD,ENTRIES,MAPPED,RW,R,W,NONE "$pid"
tc_rc 0 "list PID with the big table exits 0"
is "$(cat "$TC_OUT")" "$want" "list PID shows exactly the 5 tables"

# Control: a mapping held by another process keeps the liobn busy, so the
# checks below can fail.
fd=$(tfield big fd)
tcepeek "$pid" "$fd" hold map >"$TC_DIR/hold" 2>&1 &
holder=$!
# shellcheck disable=SC2016  # wait_for evaluates the string
if wait_for 'grep -q "^holding map pid=$holder\$" "$TC_DIR/hold"' 100; then
	is "$(field result "$(vmm recreate $big)")" EBUSY \
		"control: while another process maps the big table, re-creating it fails with EBUSY"
else
	not_ok "control: tcepeek holds a mapping of the big table"
	diag <"$TC_DIR/hold"
fi
kill $holder 2>/dev/null
wait $holder
is "$(field result "$(vmm recreate $big)")" ok "control: once the holder is gone, re-creation works"
vmm_refill $big || not_ok "refill of the big table"
vmm_refresh

# The dump, stopped on its output after the first line.
target=$(tgt big)
fd=$(tfield big fd)
rm -f "$TC_DIR/stream"
mkfifo "$TC_DIR/stream"
tcectl dump --entries --all "$target" >"$TC_DIR/stream" 2>"$TC_ERR" &
tpid=$!
exec 7<"$TC_DIR/stream"
IFS= read -r title <&7
is "$title" "table $pid:$fd (minivmm), liobn $big ($(liobn_device "$big")), 64K pages, bus offset 0x800000000000000, 16777216 entries" \
	"dump --entries --all of the big table has begun its output"
# Printing means it is done with the table; give the kernel a moment anyway.
# shellcheck disable=SC2016  # wait_for evaluates the string
wait_for '! grep -q "$tce_link" /proc/"$tpid"/maps' 50
maps=$(grep -c "$tce_link" /proc/"$tpid"/maps 2>/dev/null)
[ -e /proc/"$tpid" ] || maps=gone
fds=$(for f in /proc/"$tpid"/fd/*; do readlink "$f"; done 2>/dev/null | grep -c "$tce_link")
is "$maps $fds" "0 0" "while it prints, tcectl has no mapping and no fd of a TCE table"
check "the dump is still running before the re-creation" kill -0 "$tpid"
ans=$(vmm recreate $big)
is "$(field result "$ans")" ok \
	"while tcectl prints the big table, the VMM re-creates its liobn (not EBUSY)" || diag "$ans"
check "the dump is still running after the re-creation" kill -0 "$tpid"
is "$(grep -c "$tce_link\$" /proc/"$pid"/maps) $(readlink /proc/"$pid"/fd/"$(field fd "$ans")")" "5 $tce_link" \
	"the VMM holds the new table: a TCE fd, 5 table mappings"
last=$(tail -c 200 <&7 | tail -n 1)
exec 7<&-
wait "$tpid"
rc=$?
is "$rc" 0 "the dump exits 0 after the table it read was re-created"
is "$last" "entries 16777216, mapped 18, extents 18" \
	"the dump printed the old table's 18 entries (the new one is empty)"
is "$(cat "$TC_ERR")" "" "the dump writes nothing to stderr"
rm -f "$TC_DIR/stream"

# The new table is empty until the guest writes it.
vmm_refresh
tcx "dump of the re-created big table" "$big" dump --csv -n "$(tgt big)"
is "$TC_RC:$(cat "$TC_OUT")" "0:" "the re-created big table is empty: dump exits 0 and shows no extent" ||
	diag <"$TC_ERR"

vmm_end
exit 0
