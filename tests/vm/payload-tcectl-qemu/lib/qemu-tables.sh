# SPDX-License-Identifier: GPL-2.0-or-later
#
# What QEMU itself says about its TCE tables, as an oracle for tcectl;
# sourced after tap.sh, tcectl.sh and qemu-guest.sh, for a QEMU started with
# QG_TRACE=$QG_TRACE_TABLES.  QEMU tells no fd through QMP: the fd and the
# address of QEMU's mapping come from the trace, the rest from QOM.
#
#   qt_tables      one line per table QEMU has now, by liobn:
#                  "liobn= fd= table= shift= offset= entries= device= type="
#                  liobn, fd (-1 for a table in QEMU's own memory) and table
#                  (QEMU's mapping of the fd, or its heap copy): the liobn's
#                  last spapr_iommu_new_table line; shift: 12, or the page size
#                  of the liobn's last spapr_iommu_ddw_create line; offset and
#                  window (entries = window >> shift): QOM properties addr and
#                  size of the memory region tce-iommu-LIOBN[0] (size 0: the
#                  window is off, no line); device: phbN-winW or vio-LIOBN;
#                  type: kvm or emulated
#   qt_device LIOBN                phbN-winW (0x80000000 | N << 8 | W) or vio-LIOBN
#   qt_rows PID                    qt_tables as the rows "tcectl list --raw -n -o
#                                  $QT_COLUMNS PID" should print, MAPPED from
#                                  $QT_MAPPED_DIR/LIOBN (a tcepeek scan), else "?"
#   rec_decode     "tcepeek PID mem ADDR 56" output on stdin (ADDR: a record's
#                  liobn field) -> "liobn= nb_table= bus_offset= page_shift=
#                  table= mig_nb_table= mig_table= bypass= need_vfio=
#                  skipping_replay= def_win= fd=", QEMU 7.2's SpaprTceTable
#                  after its DeviceState
#   rec_find PID TABLE LIOBN       the addresses of the liobn fields of the
#                  records in PID's heap whose table pointer (+24) is TABLE and
#                  whose liobn is LIOBN, one a line

# shellcheck disable=SC2034  # for the tests that source this
QT_COLUMNS=TABLE,PID,FD,LIOBN,SHIFT,OFFSET,ENTRIES,MAPPED,SOURCE,TYPE,VIA,DEVICE
QT_MAPPED_DIR=${QT_MAPPED_DIR:-$TC_DIR/mapped}

qt_device() {
	_qd=$(($1))
	if [ $((_qd & 0xffff0000)) -eq $((0x80000000)) ]; then
		echo "phb$(((_qd >> 8) & 0xff))-win$((_qd & 0xff))"
	else
		printf 'vio-%x\n' "$_qd"
	fi
}

# A JSON reply {"return": N} -> N.
_qt_num() {
	sed -n 's/^{"return": *\([0-9]*\)}.*/\1/p'
}

qt_tables() {
	qemu_guest_trace spapr_iommu_new_table >"$TC_DIR/qt.new"
	qemu_guest_trace spapr_iommu_ddw_create >"$TC_DIR/qt.ddw"
	for _qt_liobn in $(sed -n 's/.* liobn=\(0x[0-9a-f]*\) .*/\1/p' "$TC_DIR/qt.new" | sort -u); do
		_qt_line=$(grep " liobn=$_qt_liobn " "$TC_DIR/qt.new" | tail -n 1)
		_qt_fd=$(field fd "$_qt_line")
		_qt_table=$(field table "$_qt_line")
		_qt_shift=12
		_qt_pg=$(sed -n "s/.*page size=\(0x[0-9a-f]*\),.* liobn=$_qt_liobn\$/\1/p" "$TC_DIR/qt.ddw" | tail -n 1)
		if [ -n "$_qt_pg" ]; then
			_qt_shift=0
			while [ $((1 << _qt_shift)) -lt $((_qt_pg)) ]; do _qt_shift=$((_qt_shift + 1)); done
		fi
		_qt_mr="tce-iommu-${_qt_liobn#0x}[0]"
		qemu_guest_qmp \
			"{\"execute\":\"qom-get\",\"arguments\":{\"path\":\"$_qt_mr\",\"property\":\"addr\"}}" \
			"{\"execute\":\"qom-get\",\"arguments\":{\"path\":\"$_qt_mr\",\"property\":\"size\"}}" \
			>"$TC_DIR/qt.qom" || { diag "QOM has no $_qt_mr:"; diag <"$TC_DIR/qt.qom"; continue; }
		_qt_addr=$(sed -n 1p "$TC_DIR/qt.qom" | _qt_num)
		_qt_size=$(sed -n 2p "$TC_DIR/qt.qom" | _qt_num)
		if [ -z "$_qt_size" ] || [ "$_qt_size" = 0 ]; then
			continue
		fi
		_qt_type=kvm
		[ "$_qt_fd" = -1 ] && _qt_type=emulated
		printf 'liobn=%s fd=%s table=%s shift=%s offset=0x%x entries=%s device=%s type=%s\n' \
			"$_qt_liobn" "$_qt_fd" "$_qt_table" "$_qt_shift" "$_qt_addr" \
			$((_qt_size >> _qt_shift)) "$(qt_device "$_qt_liobn")" "$_qt_type"
	done
}

qt_rows() {
	while read -r _qr_line; do
		_qr_liobn=$(field liobn "$_qr_line")
		_qr_fd=$(field fd "$_qr_line")
		_qr_mapped="?"
		[ -r "$QT_MAPPED_DIR/$_qr_liobn" ] && _qr_mapped=$(cat "$QT_MAPPED_DIR/$_qr_liobn")
		if [ "$_qr_fd" = -1 ]; then
			_qr_table="$1@$(field table "$_qr_line")" _qr_fd=- _qr_via=memory
		else
			_qr_table="$1:$_qr_fd" _qr_via=mapping
		fi
		echo "$_qr_table $1 $_qr_fd $_qr_liobn $(field shift "$_qr_line")" \
			"$(field offset "$_qr_line") $(field entries "$_qr_line") $_qr_mapped qemu" \
			"$(field type "$_qr_line") $_qr_via $(field device "$_qr_line")"
	done
}

rec_decode() {
	awk '
	function hexbyte(s) { return index("0123456789abcdef", substr(s, 1, 1)) * 16 + index("0123456789abcdef", substr(s, 2, 1)) - 17 }
	function u(off, n,  v, k) { v = 0; for (k = n - 1; k >= 0; k--) v = v * 256 + b[off + k]; return v }
	function x(off, n,  s, k, t) {
		s = ""
		for (k = n - 1; k >= 0; k--) s = s sprintf("%02x", b[off + k])
		sub(/^0+/, "", s)
		return "0x" (s == "" ? "0" : s)
	}
	{ for (i = 2; i <= NF; i++) b[n++] = hexbyte($i) }
	END {
		fd = u(52, 4); if (fd >= 2147483648) fd -= 4294967296
		printf "liobn=%s nb_table=%d bus_offset=%s page_shift=%d table=%s mig_nb_table=%d mig_table=%s", \
			x(0, 4), u(4, 4), x(8, 8), u(16, 4), x(24, 8), u(32, 4), x(40, 8)
		printf " bypass=%d need_vfio=%d skipping_replay=%d def_win=%d fd=%d\n", \
			b[48], b[49], b[50], b[51], fd
	}'
}

rec_find() {
	tcepeek "$1" find "$2" | sed -n 's/^found addr=\(0x[0-9a-f]*\) .*/\1/p' | while read -r _rf_at; do
		_rf_rec=$(printf '0x%x' $((_rf_at - 24)))
		[ "$(tcepeek "$1" mem "$_rf_rec" 4 | rec_decode | cut -d' ' -f1)" = "liobn=$3" ] &&
			echo "$_rf_rec"
	done
}
