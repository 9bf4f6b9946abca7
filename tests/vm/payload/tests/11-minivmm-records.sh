# SPDX-License-Identifier: GPL-2.0-or-later
#
# minivmm keeps a QEMU-like record of each table in its heap (QEMU 7.2's
# SpaprTceTable: 160 bytes of DeviceState, then liobn, nb_table, bus_offset,
# page_shift, table, ..., fd), kept current on close, recreate and create;
# with -R it keeps none.  Read from outside with tcepeek (process_vm_readv),
# as a reader of QEMU's records would.
. "$PAYLOAD/lib/minivmm.sh"

# "tcepeek PID mem ADDR 56" at a record's liobn field -> its fields.
decode() {
	awk '
	function hexbyte(s) { return index("0123456789abcdef", substr(s, 1, 1)) * 16 + index("0123456789abcdef", substr(s, 2, 1)) - 17 }
	function u(off, n,  v, k) { v = 0; for (k = n - 1; k >= 0; k--) v = v * 256 + b[off + k]; return v }
	function x(off, n,  s, k) {
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

# What the record of table line $1 must hold.
want_record() {
	_wr_liobn=$(field liobn "$1")
	_wr_win=0
	case $_wr_liobn in 0x80000000|0x80000?00) _wr_win=1 ;; esac
	echo "liobn=$_wr_liobn nb_table=$(field entries "$1") bus_offset=$(field bus_offset "$1") page_shift=$(field page_shift "$1") table=$(field map "$1") mig_nb_table=0 mig_table=0x0 bypass=0 need_vfio=0 skipping_replay=0 def_win=$_wr_win fd=$(field fd "$1")"
}

vmm_begin || exit 0

for name in vscsi pci0 ddw64k ddw16m; do
	line=$(vmm_table $name)
	rec=$(field record "$line") map=$(field map "$line")
	is "$(tcepeek "$VMM_PID" mem "$rec" 56 | decode)" "$(want_record "$line")" \
		"$name: the record at $rec holds the table's liobn, size, bus offset, page shift, mapping and fd"
	is "$(tcepeek "$VMM_PID" mem $((rec - 160)) 160 | awk '{ for (i = 2; i <= NF; i++) if ($i != "00") n++ } END { print n + 0 }')" 0 \
		"$name: 160 zero bytes stand for DeviceState before it"
	# The one word in the heap pointing at the mapping is the record's table field.
	is "$(tcepeek "$VMM_PID" find "$map" | grep 'region=\[heap\]')" \
		"found addr=$(printf '0x%x' $((rec + 24))) region=[heap]" \
		"$name: in minivmm's heap only the record points at the mapping"
	is "$(vmm record "$(field liobn "$line")" | cut -d' ' -f2,4-)" \
		"addr=$rec $(want_record "$line" | awk '{ print $1, $2, $3, $4, $5, $11, $12 }')" \
		"$name: 'record' reports what is in memory"
done

# Close: QEMU's spapr_tce_table_disable clears all but the liobn.
line=$(vmm_table pci0)
rec=$(field record "$line")
vmm close 0x80000000 >/dev/null
is "$(tcepeek "$VMM_PID" mem "$rec" 56 | decode)" \
	"liobn=0x80000000 nb_table=0 bus_offset=0x0 page_shift=0 table=0x0 mig_nb_table=0 mig_table=0x0 bypass=0 need_vfio=0 skipping_replay=0 def_win=1 fd=-1" \
	"close: the record stays, with fd -1, no table, nb_table, bus_offset and page_shift 0"
# Create again with another geometry: the same record, the new table.
vmm create 0x80000000 16 0x40000000 4096 >/dev/null
line=$(vmm tables | grep ' liobn=0x80000000 ')
is "$(field record "$line")" "$rec" "create of a closed liobn: the same record"
is "$(tcepeek "$VMM_PID" mem "$rec" 56 | decode)" "$(want_record "$line")" \
	"create: the record holds the new table's geometry, mapping and fd"
# Recreate: a new fd and mapping.
vmm recreate 0x71000003 >/dev/null
line=$(vmm tables | grep ' liobn=0x71000003 ')
is "$(tcepeek "$VMM_PID" mem "$(field record "$line")" 56 | decode)" "$(want_record "$line")" \
	"recreate: the record holds the new mapping and fd"
# A new liobn: a new record.
vmm create 0x80000301 16 0x800000000000000 100 >/dev/null
line=$(vmm tables | grep ' liobn=0x80000301 ')
is "$(tcepeek "$VMM_PID" mem "$(field record "$line")" 56 | decode)" "$(want_record "$line")" \
	"create of a new liobn: a new record with its geometry"
# forge: a second, stale record pointing at the same mapping.
forged=$(vmm forge 0x80000301)
is "$(tcepeek "$VMM_PID" find "$(field map "$line")" | grep -c 'region=\[heap\]')" 2 \
	"forge: two records in the heap point at the same mapping"
is "$(tcepeek "$VMM_PID" mem "$(field addr "$forged")" 56 | decode)" "$(want_record "$line")" \
	"forge: the decoy is a copy"
vmm_end

# -R: no records at all.
if ! vmm_start -R; then
	not_ok "minivmm -R starts"
	exit 0
fi
is "$(grep -c ' record=none$' "$VMM_DESC")" 4 "-R: every table line says record=none"
line=$(vmm_table pci0)
is "$(tcepeek "$VMM_PID" find "$(field map "$line")" | grep -c 'region=\[heap\]')" 0 \
	"-R: nothing in minivmm's heap points at a mapping"
vmm record 0x80000000 >/dev/null
is $? 1 "-R: 'record' fails"
vmm_end
exit 0
