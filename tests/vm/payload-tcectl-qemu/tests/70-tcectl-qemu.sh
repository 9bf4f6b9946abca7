# SPDX-License-Identifier: GPL-2.0-or-later
#
# tcectl against a real QEMU running a Linux guest under KVM (check.sh -Q):
# list finds QEMU's three tables (v-scsi 65536 entries, PCI window 0 262144,
# the 64-bit DDW window 16 entries, mappable as 8192: tcectl knows the 16 from
# QEMU's record of the table, tcepeek only the 8192); with the guest frozen,
# dump of the v-scsi table shows exactly the DMA mappings the guest's own
# driver made, as an independent reader (tcepeek) sees them, and list counts
# the same; the DDW table, read with 16M pages at 0x800000000000000, is one
# extent of 16 pages mapping guest 0x0-0xfffffff rw.  QEMU's fds, mappings
# and state are the same after tcectl read them, and QEMU keeps running.
# QEMU is given -name guest=tcevm: vm:tcevm reads as its pid.
. "$PAYLOAD/lib/tcectl.sh"

tc_need_qemu "tcectl against a real QEMU" || exit 0

if ! qemu_guest_start -name guest=tcevm; then
	not_ok "QEMU boots a KVM guest with v-scsi and virtio-pci disks"
	exit 0
fi
ok "QEMU boots a KVM guest with v-scsi and virtio-pci disks"
check "the guest read its v-scsi disk" grep -q 'guest: read /dev/sda' "$QG_DIR/console.log"
check "the guest read its virtio-pci disk" grep -q 'guest: read /dev/vda' "$QG_DIR/console.log"
qpid=$QG_PID
fds=$(qemu_guest_tce_fds | sort -n)

# Which table is which, by its size (tcepeek, not tcectl, tells).
vscsi="" pci0="" ddw=""
for fd in $fds; do
	case $(tcepeek "$qpid" "$fd" size) in
	"size entries=65536") vscsi=$fd ;;
	"size entries=262144") pci0=$fd ;;
	"size entries=8192") ddw=$fd ;;
	esac
done
is "$(echo "$fds" | wc -w) ${vscsi:+vscsi} ${pci0:+pci0} ${ddw:+ddw}" "3 vscsi pci0 ddw" \
	"QEMU holds three tables: 65536, 262144 and 8192 mappable entries"

# Freeze the guest, so that the table stays still while two readers look.
kill -STOP "$qpid"
for fd in $fds; do
	tcepeek "$qpid" "$fd" scan >"$TC_DIR/scan.$fd"
done

before=$(proc_snapshot "$qpid")
tc list --raw -n -o PID,COMM,FD,ENTRIES,MAPPED,TYPE "$qpid"
after=$(proc_snapshot "$qpid")
tc_rc 0 "list QEMU_PID exits 0"
is "$(cat "$TC_OUT")" "$(for fd in $fds; do
	s=$(cat "$TC_DIR/scan.$fd")
	entries=$(field entries "$s")
	[ "$fd" = "$ddw" ] && entries=16
	echo "$qpid qemu-system-ppc $fd $entries $(field nonzero "$s") kvm"
done)" "list QEMU_PID: the three tables, their sizes (the DDW window's 16 entries from QEMU's record) and the entries in use, as tcepeek counts them"
is "$after" "$before" "list leaves QEMU's fds, mappings and state as they were"

# The v-scsi table: what the guest's ibmvscsi driver mapped.
tc dump --entries --csv -n "$qpid:$vscsi,liobn=0x71000003"
tc_rc 0 "dump of the v-scsi table exits 0"
cp "$TC_OUT" "$TC_DIR/vscsi.csv"
tcepeek "$qpid" "$vscsi" read 0 65536 | grep -v 'tce=0x0$' |
	sed 's/entry index=\([0-9]*\) tce=\(.*\)/\1 \2/' >"$TC_DIR/vscsi.peek"
n=$(wc -l <"$TC_DIR/vscsi.peek")
check "the guest's driver has v-scsi mappings in use ($n)" [ "$n" -gt 0 ]
is "$(awk -F, '{ print $4, $8 }' "$TC_DIR/vscsi.csv")" "$(cat "$TC_DIR/vscsi.peek")" \
	"dump --entries of the v-scsi table: exactly the (index, raw) pairs tcepeek reads"
is "$(awk -F, '{ print $1, $2, $3 }' "$TC_DIR/vscsi.csv" | sort -u)" "$qpid $vscsi 0x71000003" \
	"dump --entries of the v-scsi table: pid, fd, liobn columns"
is "$(awk -F, '$7 != "rw" && $7 != "r" && $7 != "w" { bad++ } END { print bad + 0 }' "$TC_DIR/vscsi.csv")" 0 \
	"every v-scsi mapping gives the device a permission"
is "$(awk -F, "$HEX_AWK"'hexval($6) >= 268435456 { bad++ } END { print bad + 0 }' "$TC_DIR/vscsi.csv")" 0 \
	"every v-scsi mapping reaches the guest's 256 MiB"

tc dump --csv -n "$qpid:$vscsi,liobn=0x71000003"
tc_rc 0 "dump (extents) of the v-scsi table exits 0"
is "$(expand_extents 12 csv <"$TC_OUT" | sort)" \
	"$(awk "$HEX_AWK"'{ print hexstr($1 * 4096), $2 }' "$TC_DIR/vscsi.peek" | sort)" \
	"the v-scsi extents cover exactly the entries tcepeek reads"

# The DDW window: the guest's direct map of its memory in 16 MiB pages.
tc dump --csv -n "$qpid:$ddw,page=16M,offset=0x800000000000000"
tc_rc 0 "dump of the DDW table exits 0"
is "$(cat "$TC_OUT")" "$qpid,$ddw,0x80000001,0x800000000000000,0x80000000fffffff,0x0,0xfffffff,rw,16" \
	"the DDW table (liobn 0x80000001 from QEMU's record) is one extent: 16 pages of 16M mapping guest 0x0-0xfffffff rw"
tc translate "$qpid:$ddw,page=16M,offset=0x800000000000000" 0x800000001234567 0x80000000fffffff
tc_rc 0 "translate in the DDW window exits 0"
is "$(cat "$TC_OUT")" "ioba 0x800000001234567: $qpid:$ddw entry 1, gpa 0x1234567, perm rw, raw 0x0000000001000003
ioba 0x80000000fffffff: $qpid:$ddw entry 15, gpa 0xfffffff, perm rw, raw 0x000000000f000003" \
	"translate in the DDW window: the direct map"

# PCI window 0: as tcepeek sees it (the guest uses the DDW window instead).
tc list --raw -n -o FD,ENTRIES,MAPPED "$qpid:$pci0"
is "$(cat "$TC_OUT")" "$pci0 $(field entries "$(cat "$TC_DIR/scan.$pci0")") $(field nonzero "$(cat "$TC_DIR/scan.$pci0")")" \
	"list of PCI window 0: 262144 entries, in use as tcepeek counts"

# vm:NAME: QEMU was given -name guest=tcevm; the frozen guest's tables
# read by that name are the ones its pid gives.
tc list --raw -n -o PID,COMM,FD,LIOBN,ENTRIES,MAPPED,TYPE "$qpid"
cp "$TC_OUT" "$TC_DIR/list.pid"
tc list --raw -n -o PID,COMM,FD,LIOBN,ENTRIES,MAPPED,TYPE vm:tcevm
tc_rc 0 "list vm:tcevm exits 0"
is "$(cat "$TC_OUT")" "$(cat "$TC_DIR/list.pid")" "list vm:tcevm: what list QEMU_PID shows"
tc dump --csv -n "$qpid"
cp "$TC_OUT" "$TC_DIR/dump.pid"
tc dump --csv -n vm:tcevm
tc_rc 0 "dump vm:tcevm exits 0"
check "dump vm:tcevm: extents of the v-scsi table" grep -q "^$qpid,$vscsi," "$TC_OUT"
is "$(cat "$TC_OUT")" "$(cat "$TC_DIR/dump.pid")" "dump vm:tcevm: what dump QEMU_PID shows"
tc list vm:tcevm-none
tc_rc 3 "list of a VM name no process has exits 3"
is "$(cat "$TC_ERR")" "tcectl: list: no VM named 'tcevm-none': no process you may see has it in -name NAME or -name guest=NAME, and /run/libvirt/qemu has no status file tcevm-none.xml; give a PID (see tcectl list)" \
	"list vm:tcevm-none says how names are found"

kill -CONT "$qpid"
check "QEMU runs on after tcectl read its tables" kill -0 "$qpid"
# And while the guest runs: QEMU still holds the same three tables.
sleep 2
tc list --raw -n -o FD,ENTRIES "$qpid"
tc_rc 0 "list QEMU_PID while the guest runs exits 0"
is "$(awk '{ print $1 }' "$TC_OUT" | tr '\n' ' ')" "$(echo "$fds" | tr '\n' ' ')" \
	"list QEMU_PID while the guest runs: the same three table fds"

# check: the real guest is clean at the default severity.  Its notices (the
# DDW window maps all of the guest's RAM, so it aliases every page the
# guest also maps through v-scsi) are shown here.
tc check "$qpid"
tc_rc 0 "check of the real QEMU guest exits 0 at the default severity"
diag <"$TC_OUT"
is "$(grep -c '^critical \|^warning ' "$TC_OUT")" 0 "check of the real QEMU guest: no critical finding and no warning"
tc check --json "$qpid"
check "check takes the guest's RAM, 256M, from QEMU's monitor" \
	grep -q '"ram_size":268435456,"ram_source":"monitor"' "$TC_OUT"
tc check --no-qmp --json "$qpid"
check "check --no-qmp takes the guest's RAM, 256M, from -m on QEMU's command line" \
	grep -q '"ram_size":268435456,"ram_source":"command line -m"' "$TC_OUT"
uptime_ms() {
	awk '{ printf "%d\n", $1 * 1000 }' /proc/uptime
}
# The cost of check on the whole host, against list of the same host (both
# ask QEMU's monitor); figures for the record, not a timed test.
t0=$(uptime_ms); tc list; t1=$(uptime_ms); tc check; t2=$(uptime_ms)
diag "whole host: check took about $((t2 - t1)) ms, list about $((t1 - t0)) ms"

# --- Device and VM names from QEMU's monitor (QMP) ---------------------------
# QEMU serves one QMP client at a time: the test client (qmp) asks first and
# has ended before tcectl connects, so neither ever waits on the other.
# The oracle is QEMU's own qom-list: for each table's liobn, the owner that
# has the child tce-table-<liobn>; its id under /machine/peripheral, else
# its type and the property QEMU numbers it by (index, reg).
qom() {	# COMMAND ARGS_JSON: one reply line
	qemu_guest_qmp "{\"execute\":\"$1\",\"arguments\":$2}"
}
qom_children() {	# PATH: "NAME TYPE" per child<...> or link<...> property
	qom qom-list "{\"path\":\"$1\"}" | tr '{' '\n' |
		sed -n 's/.*"name": "\([^"]*\)", "type": "\(child\|link\)<\([^>]*\)>".*/\1 \3/p'
}
: >"$TC_DIR/qmp.want"
: >"$TC_DIR/qmp.pci"
vm_name=$(qemu_guest_qmp '{"execute":"query-name"}' | sed -n 's/.*"name": "\([^"]*\)".*/\1/p')
for container in /machine/peripheral /machine/peripheral-anon /machine/unattached; do
	qom_children "$container" >"$TC_DIR/qmp.owners"
	while read -r name type; do
		case $type in spapr-*) ;; *) continue ;; esac
		owner=$container/$name
		qom_children "$owner" >"$TC_DIR/qmp.children"
		while read -r child ctype; do
			case $child in tce-table-*) ;; *) continue ;; esac
			liobn=${child#tce-table-}
			if [ "$container" = /machine/peripheral ]; then
				device=$name
			elif [ "${type%pci-host-bridge}" != "$type" ]; then
				device="$type,index=$(qom qom-get "{\"path\":\"$owner\",\"property\":\"index\"}" |
					sed -n 's/.*"return": \([0-9]*\).*/\1/p')"
			else
				device="$type,reg=$(printf '0x%08x' "0x$liobn")"
			fi
			echo "0x$liobn $device $type" >>"$TC_DIR/qmp.want"
		done <"$TC_DIR/qmp.children"
		bus=$(awk '$2 == "PCI" { print $1; exit }' "$TC_DIR/qmp.children")
		[ -z "$bus" ] || qom_children "$owner/$bus" | awk '$1 ~ /^child\[/ { print $2 }' >>"$TC_DIR/qmp.pci"
	done <"$TC_DIR/qmp.owners"
done
diag <"$TC_DIR/qmp.want"
tc list --raw -n --no-qmp -o LIOBN "$qpid"
want=$(while read -r liobn; do
	w=$(grep "^$liobn " "$TC_DIR/qmp.want")
	echo "$liobn $(echo "$w" | cut -d' ' -f2) $(echo "$w" | cut -d' ' -f3) $vm_name qmp kvm"
done <"$TC_OUT")
start=$(uptime_ms)
tc list --raw -n --qmp-timeout=20000 -o LIOBN,DEVICE,DEVTYPE,VM,DEVSOURCE,TYPE "$qpid"
diag "list with QMP took about $(( $(uptime_ms) - start )) ms"
tc_rc 0 "list with QMP reachable exits 0"
is "$(cat "$TC_ERR")" "" "list with QMP reachable: no warning"
is "$(cat "$TC_OUT")" "$want" \
	"list names every table's device as QEMU's qom-list shows it, VM '$vm_name' as query-name does"
pci_want=$(tr '\n' ',' <"$TC_DIR/qmp.pci" | sed 's/,$//')
tc list --raw -n --qmp-timeout=20000 -o LIOBN,PCI "$qpid:$pci0"
is "$(cat "$TC_OUT")" "0x80000000 $pci_want" \
	"the host bridge's PCI devices are those on its bus in qom-list ($pci_want)"

# The monitor gone in the middle of a command: a proxy that cuts both
# connections a few bytes into QEMU's fifth line (the reply to a qom-list).
proxy=$QG_DIR/proxy.sock
tc list --raw -n --no-qmp -o LIOBN,DEVICE,DEVSOURCE "$qpid"
cp "$TC_OUT" "$TC_DIR/records.names"
qmp -t 30 -P "$proxy" -n 4 "$QG_DIR/qmp.sock" &
proxy_pid=$!
wait_for "[ -S '$proxy' ]" 100
tc list --raw -n --qmp="$proxy" --qmp-timeout=20000 -o LIOBN,DEVICE,DEVSOURCE "$qpid"
tc_rc 0 "list with the monitor gone mid-command exits 0"
wait "$proxy_pid"
is "$(cat "$TC_ERR")" "tcectl: list: warning: pid $qpid: QMP socket $proxy: the monitor closed the connection in the middle of a reply to 'qom-list'; device names from QEMU's records" \
	"list with the monitor gone mid-command: one warning"
is "$(cat "$TC_OUT")" "$(cat "$TC_DIR/records.names")" \
	"list with the monitor gone mid-command: the names from QEMU's records"
check "QEMU still answers QMP after the proxy cut it off" qemu_guest_qmp '{"execute":"query-status"}'

qemu_guest_end
exit 0
