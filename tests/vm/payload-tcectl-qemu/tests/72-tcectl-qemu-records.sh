# SPDX-License-Identifier: GPL-2.0-or-later
#
# tcectl names each of QEMU's tables from QEMU's own records of them.  A
# guest with two PCI host bridges (the virtio-pci disk behind the second, so
# the guest makes a DDW window there) and two VIO devices whose tables are
# the same size (v-scsi and spapr-vlan), QEMU traced.  The oracle is QEMU:
# liobn, fd and mapping from its spapr_iommu_new_table trace, page size from
# spapr_iommu_ddw_create, bus offset and window from QOM (the memory region
# tce-iommu-LIOBN[0]); the entries in use from tcepeek, with the guest
# stopped.  tcectl list must report every table's liobn, page shift, bus
# offset, exact entry count, in-use count, source qemu, type kvm, read
# through QEMU's mapping, and the device; so again after a reset, with the
# tables QEMU made anew.  The records themselves are checked too (QEMU 7.2's
# SpaprTceTable layout), independently of tcectl, with tcepeek.  list runs
# with --no-qmp: the names under test are the records', not the monitor's
# (70-tcectl-qemu.sh checks those).
#
# Then a table QEMU had to keep in its own memory, made on purpose: tcepeek
# holds PHB 0's window-0 fd across a reset, QEMU cannot re-create the table
# and falls back; tcectl lists it as emulated, read from QEMU's memory, and
# dumps it.
#
# TCECTL_VM_CAPTURE=1 prints "@@ record" lines: each record's bytes (from
# 160 bytes before the liobn field, 224 in all), with the matching maps lines
# and fds, the emulated table's too, as kept in tests/vm/records/.
. "$PAYLOAD/lib/tcectl.sh"

tc_need_qemu "tcectl and QEMU's records" || exit 0
. "$PAYLOAD/lib/qemu-tables.sh"

# shellcheck disable=SC2034  # read by qemu_guest_start
QG_RESETTABLE=1 QG_VIRTIO_PHB=1 QG_TRACE=$QG_TRACE_TABLES
if ! qemu_guest_start -netdev user,id=net0 -device spapr-vlan,netdev=net0; then
	not_ok "QEMU boots a KVM guest with two PHBs, v-scsi and spapr-vlan"
	exit 0
fi
ok "QEMU boots a KVM guest with two PHBs, v-scsi and spapr-vlan"
qpid=$QG_PID
check "the guest read its virtio-pci disk behind the second PHB" \
	grep -q 'guest: read /dev/vda' "$QG_DIR/console.log"
qemu_guest_trace spapr_iommu_new_table | diag
qemu_guest_trace spapr_iommu_ddw_create | diag

# compare_list WHEN: the oracle against tcectl list, with the guest stopped.
compare_list() {
	qt_tables >"$TC_DIR/oracle"
	diag "$1: QEMU's tables:"
	diag <"$TC_DIR/oracle"
	# QOM's view against HMP's: each window's bus range in "info mtree".
	qemu_guest_hmp 'info mtree' >"$TC_DIR/mtree"
	is "$(sed -n 's/^ *\([0-9a-f]*-[0-9a-f]*\) .*: tce-iommu-\([0-9a-f]*\)$/0x\2 \1/p' "$TC_DIR/mtree" | sort -u)" \
		"$(while read -r _cl_line; do
			_cl_lo=$(($(field offset "$_cl_line")))
			_cl_hi=$((_cl_lo + ($(field entries "$_cl_line") << $(field shift "$_cl_line")) - 1))
			printf '%s %016x-%016x\n' "$(field liobn "$_cl_line")" "$_cl_lo" "$_cl_hi"
		done <"$TC_DIR/oracle" | sort -u)" \
		"$1: info mtree shows each table's window where QOM and the trace put it"
	kill -STOP "$qpid"
	rm -rf "$QT_MAPPED_DIR"
	mkdir -p "$QT_MAPPED_DIR"
	while read -r _cl_line; do
		_cl_fd=$(field fd "$_cl_line")
		[ "$_cl_fd" = -1 ] && continue
		field nonzero "$(tcepeek "$qpid" "$_cl_fd" scan)" \
			>"$QT_MAPPED_DIR/$(field liobn "$_cl_line")"
	done <"$TC_DIR/oracle"
	tc list --no-qmp --raw -n -o "$QT_COLUMNS" "$qpid"
	kill -CONT "$qpid"
	tc_rc 0 "$1: list QEMU_PID exits 0"
	is "$(sort "$TC_OUT")" "$(qt_rows "$qpid" <"$TC_DIR/oracle" | sort)" \
		"$1: list QEMU_PID: every table's liobn, page shift, bus offset, entries, in use, source, type, how read, device, as QEMU says"
}

compare_list "booted"
is "$(awk '{ print $7 }' "$TC_DIR/oracle" | sed 's/vio-.*/vio/' | sort | tr '\n' ' ')" \
	"device=phb0-win0 device=phb1-win0 device=phb1-win1 device=vio device=vio " \
	"QEMU has five tables: PHB 0 window 0, PHB 1 windows 0 and 1 (DDW), two VIO devices"
vio_entries=$(grep 'device=vio-' "$TC_DIR/oracle" | sed 's/.* entries=\([0-9]*\) .*/\1/' | sort -u)
is "$vio_entries" 65536 "both VIO tables have 65536 entries: their size does not tell them apart"

# For tests/vm/records/: a record's bytes from the start of its DeviceState,
# the maps lines of the table's mapping and of the record, the fd.
capture() {
	_cp_rec=$3 _cp_table=$(field table "$2") _cp_fd=$(field fd "$2")
	_cp_start=$(printf '0x%x' $((_cp_rec - 160)))
	echo "@@ record $1 table $2"
	echo "@@ record $1 record liobn_field=$_cp_rec start=$_cp_start"
	echo "@@ record $1 decoded $4"
	echo "@@ record $1 fd $_cp_fd -> $(readlink "/proc/$qpid/fd/$_cp_fd")"
	while read -r _cp_range _cp_rest; do
		_cp_lo=$((0x${_cp_range%-*})) _cp_hi=$((0x${_cp_range#*-}))
		if [ "$_cp_lo" -eq $((_cp_table)) ]; then
			echo "@@ record $1 maps-table $_cp_range $_cp_rest"
		elif [ "$_cp_lo" -le $((_cp_rec)) ] && [ $((_cp_rec)) -lt "$_cp_hi" ]; then
			echo "@@ record $1 maps-record $_cp_range $_cp_rest"
		fi
	done <"/proc/$qpid/maps"
	tcepeek "$qpid" mem "$_cp_start" 224 | sed "s/^/@@ record $1 mem /"
	# DeviceState's canonical_path (a char *, 48 bytes into the object).
	_cp_ptr=$(tcepeek "$qpid" mem $((_cp_rec - 160 + 48)) 8 |
		awk '{ for (i = 9; i >= 2; i--) s = s $i } END { print "0x" s }')
	echo "@@ record $1 canonical_path $_cp_ptr $(tcepeek "$qpid" mem "$_cp_ptr" 64 2>/dev/null | awk '
		{ for (i = 2; i <= NF && !done; i++) {
			c = index("0123456789abcdef", substr($i, 1, 1)) * 16 + index("0123456789abcdef", substr($i, 2, 1)) - 17
			if (c == 0) done = 1; else printf "%c", c } }')"
}

# QEMU 7.2's records, read with tcepeek: for each in-kernel table, exactly one
# record in QEMU's heap points at QEMU's mapping, with the table's fields.
kill -STOP "$qpid"
nrec=0
while read -r line; do
	liobn=$(field liobn "$line") fd=$(field fd "$line") table=$(field table "$line")
	recs=$(rec_find "$qpid" "$table" "$liobn")
	if [ "$(echo "$recs" | grep -c .)" != 1 ]; then
		not_ok "one record of liobn $liobn points at QEMU's mapping $table (found: $(echo "$recs" | tr '\n' ' '))"
		continue
	fi
	got=$(tcepeek "$qpid" mem "$recs" 56 | rec_decode)
	shift=$(field shift "$line")
	is "$(echo "$got" | awk '{ print $1, $2, $3, $4, $5, $12 }')" \
		"liobn=$liobn nb_table=$(field entries "$line") bus_offset=$(field offset "$line") page_shift=$shift table=$table fd=$fd" \
		"the record of $(field device "$line") ($recs): liobn, nb_table, bus_offset, page_shift, table, fd at +0, +4, +8, +16, +24, +52"
	nrec=$((nrec + 1))
	[ "${TCECTL_VM_CAPTURE:-0}" != 1 ] || capture "$nrec" "$line" "$recs" "$got"
done <"$TC_DIR/oracle"
kill -CONT "$qpid"
is "$nrec" 5 "a record for each of the five tables"

# After a reset QEMU makes the PHB tables anew (DDW again when the guest asks).
# (Often under the same fd numbers, mapped at the same addresses.)
made() { qemu_guest_trace spapr_iommu_new_table | grep -c " liobn=$1 "; }
made0="$(made 0x80000000) $(made 0x80000100) $(made 0x80000101)"
if qemu_guest_reset wait; then
	ok "the guest comes up again after a system_reset"
	# shellcheck disable=SC2086  # three numbers
	set -- $made0
	is "$(($(made 0x80000000) - $1)) $(($(made 0x80000100) - $2)) $(($(made 0x80000101) - $3))" "1 1 1" \
		"after a reset: QEMU made each PHB table anew (PHB 1's DDW when the guest asked)"
	compare_list "after a reset"
	is "$(grep -c 'device=' "$TC_DIR/oracle")" 5 "after a reset: five tables again"
else
	not_ok "the guest comes up again after a system_reset"
fi

# An emulated table on purpose: hold PHB 0's window 0 across a reset.
pci0=$(grep 'device=phb0-win0 ' "$TC_DIR/oracle")
pci0_fd=$(field fd "$pci0")
failed0=$(grep -c 'Failed to create' "$QG_DIR/qemu.out")
tcepeek "$qpid" "$pci0_fd" hold fd >"$TC_DIR/hold.out" 2>&1 &
holder=$!
wait_for "grep -q holding '$TC_DIR/hold.out'" 100
qemu_guest_reset
wait_for "[ \$(grep -c 'Failed to create' '$QG_DIR/qemu.out') -gt $failed0 ]" 200
kill "$holder"
wait "$holder"
check "QEMU could not re-create PHB 0's window 0 while tcepeek held it" \
	grep -q 'Failed to create TCE64 table for liobn 0x80000000' "$QG_DIR/qemu.out"
is "$(qemu_guest_trace spapr_iommu_new_table | grep ' liobn=0x80000000 ' | tail -n 1 | sed 's/.* fd=//')" -1 \
	"QEMU traced PHB 0's new window 0 with fd=-1: a table in its own memory"
sleep 1
qt_tables >"$TC_DIR/oracle"
diag <"$TC_DIR/oracle"
emul=$(grep 'device=phb0-win0 ' "$TC_DIR/oracle")
# QEMU's record of it: the same object, now with fd -1 and its heap copy.
recs=$(rec_find "$qpid" "$(field table "$emul")" 0x80000000)
got=$(tcepeek "$qpid" mem "$recs" 56 | rec_decode)
is "$(echo "$got" | awk '{ print $1, $2, $3, $4, $5, $11, $12 }')" \
	"liobn=0x80000000 nb_table=262144 bus_offset=0x0 page_shift=12 table=$(field table "$emul") def_win=1 fd=-1" \
	"the record of the emulated window: fd -1, table at QEMU's copy, def_win set"
[ "${TCECTL_VM_CAPTURE:-0}" != 1 ] || capture emulated "$emul" "$recs" "$got"
tc list --no-qmp --raw -n -o "$QT_COLUMNS" "$qpid"
tc_rc 0 "with an emulated table: list QEMU_PID exits 0"
# An emulated table has no fd: FD is "-" (or left empty).
is "$(grep ' 0x80000000 ' "$TC_OUT" | sed 's/^\([^ ]*\) \([^ ]*\)  /\1 \2 - /' | cut -d' ' -f1-7,9-)" \
	"$(echo "$emul" | qt_rows "$qpid" | cut -d' ' -f1-7,9-)" \
	"list: PHB 0's window 0 is emulated, read from QEMU's memory, at QEMU's copy, with its geometry"
is "$(grep -c ' kvm mapping ' "$TC_OUT")" "$(($(grep -c 'type=kvm' "$TC_DIR/oracle")))" \
	"list: the other tables are still in the kernel, read through QEMU's mappings"
tc dump "$qpid@$(field table "$emul")"
tc_rc 0 "dump QEMU_PID@ADDR of the emulated table exits 0"
tc dump "$qpid"
tc_rc 0 "dump QEMU_PID with an emulated table exits 0"

qemu_guest_end
exit 0
