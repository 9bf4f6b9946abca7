# SPDX-License-Identifier: GPL-2.0-or-later
#
# tcectl list on the real kernel: host-wide and with a PID it finds exactly
# minivmm's four tables, with the entry counts the kernel lets it map (64 KiB
# host pages: rounded up to 8192) and the MAPPED/RW/R/W/NONE counts of the
# entries the guest's hypercalls left; with a geometry it shows the true
# length.  It exits 0, is not killed by a signal, leaves minivmm as it was,
# and holds no table afterwards: every table it read can be re-created at
# once.
. "$PAYLOAD/lib/tap.sh"
. "$PAYLOAD/lib/minivmm.sh"
. "$PAYLOAD/lib/tcectl.sh"

if ! vmm_start; then
	not_ok "minivmm starts and creates its tables"
	exit 0
fi
ok "minivmm starts and creates its tables"
vmm_save_golden
pid=$VMM_PID
liobns=$(all_liobns)
is "$(echo "$liobns" | tr '\n' ' ')" "0x71000003 0x80000000 0x80000001 0x80000101 " "minivmm holds four tables"

cols=PID,COMM,FD,ENTRIES,MAPPED,RW,R,W,NONE
want=$(list_rows)
is "$(echo "$want" | awk '{ print $4 }' | tr '\n' ' ')" "65536 262144 8192 8192 " \
	"the expected ENTRIES are 65536, 262144 and twice 8192 (1000 and 16 rounded up)"

# Host-wide: nothing but minivmm holds a table in the VM.
before=$(proc_snapshot "$pid")
tc list --raw -n -o "$cols"
after=$(proc_snapshot "$pid")
tc_rc 0 "list (host-wide) exits 0"
check "list (host-wide) is not killed by a signal" [ "$TC_RC" -lt 128 ]
is "$(cat "$TC_OUT")" "$want" "list (host-wide) shows exactly minivmm's 4 tables, with the kernel's counts"
is "$(cat "$TC_ERR")" "" "list (host-wide) writes nothing to stderr"
is "$after" "$before" "list (host-wide) leaves minivmm's fds, mappings and state as they were"
# shellcheck disable=SC2086
tc_recreate "list (host-wide)" $liobns

# The default columns too, host-wide.
tcx "list (host-wide, default columns)" "$liobns" list
tc_rc 0 "list (host-wide, default columns) exits 0"
is "$(sed 1d "$TC_OUT" | awk '{ print $1, $2, $4, $5, $6, $7, $8 }')" \
	"$(echo "$want" | awk '{ print $1, $2, $4, $5, $6, $7, $8 }')" \
	"list (host-wide, default columns): PID COMM ENTRIES MAPPED RW R W of the 4 tables"
is "$(head -n 1 "$TC_OUT" | tr -s ' ' | sed 's/^ //')" "PID COMM FD ENTRIES MAPPED RW R W WINDOW" \
	"list: the default headings"

want=$(list_rows)
before=$(proc_snapshot "$pid")
tc list --raw -n -o "$cols" "$pid"
after=$(proc_snapshot "$pid")
tc_rc 0 "list PID exits 0"
check "list PID is not killed by a signal" [ "$TC_RC" -lt 128 ]
is "$(cat "$TC_OUT")" "$want" "list PID shows exactly the 4 tables, with the kernel's counts"
is "$after" "$before" "list PID leaves minivmm's fds, mappings and state as they were"
# shellcheck disable=SC2086
tc_recreate "list PID" $liobns

# JSON, default keys.
want=$(list_rows | awk '{ printf "pid=%s comm=%s fd=%s entries=%s mapped=%s rw=%s r=%s w=%s window_size=%.0f\n", $1, $2, $3, $4, $5, $6, $7, $8, $4 * 4096 }')
tcx "list --json PID" "$liobns" list --json "$pid"
tc_rc 0 "list --json PID exits 0"
is "$(json_rows <"$TC_OUT")" "$want" "list --json PID: the same counts, window_size = entries * 4 KiB"

# With each table's geometry: its true length, shift and offset.
want=$(list_rows geometry | while read -r p c fd entries rest; do
	line=$(grep "^table .* fd=$fd " "$VMM_DESC")
	echo "$p $c $fd $entries $rest $(field liobn "$line") $(field page_shift "$line") $(field bus_offset "$line")"
done)
targets="$(tgt vscsi) $(tgt pci0) $(tgt ddw64k) $(tgt ddw16m)"
# shellcheck disable=SC2086
tcx "list with geometries" "$liobns" list --raw -n -o "$cols,LIOBN,SHIFT,OFFSET" $targets
tc_rc 0 "list PID:FD,geometry... exits 0"
is "$(cat "$TC_OUT")" "$want" \
	"list with geometries: true lengths 65536 262144 1000 16, liobns, shifts and offsets"

# The re-created tables are new files: list finds them, with the
# refilled entries.
want=$(list_rows)
tcx "list after re-creation" "$liobns" list --raw -n -o "$cols" "$pid"
tc_rc 0 "list PID after the tables were re-created exits 0"
is "$(cat "$TC_OUT")" "$want" "list PID after re-creation shows the re-created tables with the refilled counts"

if vmm_stop; then ok "minivmm quits cleanly"; else not_ok "minivmm quits cleanly"; fi
exit 0
