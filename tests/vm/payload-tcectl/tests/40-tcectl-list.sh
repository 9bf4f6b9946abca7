# SPDX-License-Identifier: GPL-2.0-or-later
#
# tcectl list on the real kernel: host-wide and with a PID it finds exactly
# minivmm's four tables, with the entry counts the kernel lets it map (64 KiB
# host pages: rounded up to 8192) and the MAPPED/RW/R/W/NONE counts of the
# entries the guest's hypercalls left; with a geometry it shows the true
# length.  It exits 0, is not killed by a signal, leaves minivmm as it was,
# and holds no table afterwards: every table it read can be re-created at
# once.
. "$PAYLOAD/lib/tcectl.sh"

tc_vmm_begin || exit 0
liobns=$(all_liobns)
is "$(echo "$liobns" | tr '\n' ' ')" "0x71000003 0x80000000 0x80000001 0x80000101 " "minivmm holds four tables"

cols=PID,COMM,FD,ENTRIES,MAPPED,RW,R,W,NONE
want=$(list_rows)
is "$(echo "$want" | awk '{ print $4 }' | tr '\n' ' ')" "65536 262144 1000 16 " \
	"the expected ENTRIES are 65536, 262144, 1000 and 16: minivmm's records give each table's length"

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

# The default columns too, host-wide, where VM is one of them: "-" for
# minivmm, which has no -name and no monitor.
tcx "list (host-wide, default columns)" "$liobns" list
tc_rc 0 "list (host-wide, default columns) exits 0"
is "$(sed 1d "$TC_OUT" | awk '{ print $1, $2, $3, $6, $7, $8, $9, $10 }')" \
	"$(echo "$want" | awk '{ print $1 ":" $3, $2, "-", $4, $5, $6, $7, $8 }')" \
	"list (host-wide, default columns): TABLE COMM VM ENTRIES MAPPED RW R W of the 4 tables"
is "$(sed 1d "$TC_OUT" | awk '{ print $4, $5, $11, $12, $13 }')" \
	"$(for l in 0x71000003 0x80000000 0x80000001 0x80000101; do
		line=$(grep "^table .* liobn=$l " "$VMM_DESC")
		case $(field page_shift "$line") in 12) ps=4K ;; 16) ps=64K ;; 24) ps=16M ;; esac
		case $l in 0x71000003) dev=vio-71000003 ;; 0x80000000) dev=phb0-win0 ;;
			   0x80000001) dev=phb0-win1 ;; 0x80000101) dev=phb1-win1 ;; esac
		echo "$l $dev $ps $(field bus_offset "$line") qemu"
	done)" \
	"list (host-wide, default columns): LIOBN DEVICE PAGESIZE OFFSET SOURCE from minivmm's records"
is "$(head -n 1 "$TC_OUT" | tr -s ' ' | sed 's/^ //')" \
	"TABLE COMM VM LIOBN DEVICE ENTRIES MAPPED RW R W PAGESIZE OFFSET SOURCE" \
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
want=$(list_rows | while read -r p c fd entries mapped rw r w rest; do
	line=$(grep "^table .* fd=$fd " "$VMM_DESC")
	echo "pid=$p fd=$fd entries=$entries mapped=$mapped rw=$rw r=$r w=$w window_size=$((entries << $(field page_shift "$line")))"
done)
tcx "list --json PID" "$liobns" list --json -o pid,fd,entries,mapped,rw,r,w,window "$pid"
tc_rc 0 "list --json PID exits 0"
is "$(json_rows <"$TC_OUT")" "$want" "list --json PID: the same counts, window_size = entries << the record's page shift"

# With each table's geometry: its true length, shift and offset.
want=$(list_rows | while read -r p c fd entries rest; do
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

vmm_end
exit 0
