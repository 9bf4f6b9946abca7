# SPDX-License-Identifier: GPL-2.0-or-later
#
# tcectl dump of each of minivmm's real tables (4K pages at 0, 64K and 16M
# pages at 0x800000000000000), with the geometry from minivmm's description:
# the entries it prints are exactly the ones the guest's hypercalls left (as
# CSV and JSON), its extents (text, CSV and JSON) cover exactly those entries
# and are the runs they make, and its JSON names the right liobn, page shift,
# bus offset, length and count.  Every table can be re-created right after
# each dump.
. "$PAYLOAD/lib/tcectl.sh"

tc_vmm_begin || exit 0

page_label() {
	case $1 in 12) echo 4K ;; 16) echo 64K ;; 24) echo 16M ;; *) echo "2^$1" ;; esac
}

for name in vscsi pci0 ddw64k ddw16m; do
	liobn=$(tfield $name liobn)
	shift_=$(tfield $name page_shift)
	offset=$(tfield $name bus_offset)
	entries=$(tfield $name entries)
	nmapped=$(golden "$liobn" | wc -l)
	want_pairs=$(golden "$liobn" | awk '{ print substr($4, 6), substr($5, 5) }' | sort)
	want_extents=$(golden "$liobn" | entries_extents "$shift_")
	nextents=$(echo "$want_extents" | wc -l)
	# Anchors, so that an empty description cannot pass for an empty dump.
	case $name in
	vscsi) want_counts="32 32" ;;
	pci0) want_counts="513 2" ;;
	ddw64k) want_counts="3 3" ;;
	ddw16m) want_counts="5 2" ;;
	esac
	is "$nmapped $nextents" "$want_counts" \
		"$name: the hypercalls left $nmapped entries in $nextents runs (liobn $liobn, shift $shift_, offset $offset)"

	# Every non-zero entry, as CSV.
	fd=$(tfield $name fd)
	tcx "$name: dump --entries --csv -n" "$liobn" dump --entries --csv -n "$(tgt $name)"
	tc_rc 0 "$name: dump --entries --csv exits 0"
	is "$(awk -F, '{ print $5, $8 }' "$TC_OUT" | sort)" "$want_pairs" \
		"$name: dump --entries --csv: the (ioba, raw) pairs are exactly the hypercalls' entries"
	is "$(cat "$TC_OUT")" "$(golden "$liobn" | entries_csv "$pid" "$fd" "$liobn" "$shift_")" \
		"$name: dump --entries --csv: every row (pid, fd, liobn, index, ioba, gpa, perm, raw) exact"

	# The extents as text, expanded back into entries.
	fd=$(tfield $name fd)
	tcx "$name: dump (text)" "$liobn" dump "$(tgt $name)"
	tc_rc 0 "$name: dump exits 0"
	is "$(expand_extents "$shift_" text <"$TC_OUT" | sort)" "$want_pairs" \
		"$name: dump (text): the extents cover exactly the hypercalls' entries"
	is "$(head -n 1 "$TC_OUT")" \
		"table $pid:$fd (minivmm), liobn $liobn ($(liobn_device "$liobn")), $(page_label "$shift_") pages, bus offset $offset, $entries entries" \
		"$name: dump (text): the title names the table and its geometry"
	is "$(tail -n 1 "$TC_OUT")" "entries $entries, mapped $nmapped, extents $nextents" \
		"$name: dump (text): the summary counts"

	# The extents as CSV.
	fd=$(tfield $name fd)
	tcx "$name: dump --csv -n" "$liobn" dump --csv -n "$(tgt $name)"
	tc_rc 0 "$name: dump --csv exits 0"
	is "$(expand_extents "$shift_" csv <"$TC_OUT" | sort)" "$want_pairs" \
		"$name: dump --csv: the extents cover exactly the hypercalls' entries"
	is "$(cut -d, -f1-3 "$TC_OUT" | sort -u)" "$pid,$fd,$liobn" "$name: dump --csv: pid, fd and liobn columns"

	# JSON: the table's fields, then its extents.
	fd=$(tfield $name fd)
	tcx "$name: dump --json" "$liobn" dump --json "$(tgt $name)"
	tc_rc 0 "$name: dump --json exits 0"
	is "$(sed 's/"extents":\[[^]]*\],//' "$TC_OUT" | json_rows)" \
		"pid=$pid fd=$fd comm=minivmm fd_link=anon_inode:kvm-spapr-tce liobn=$liobn page_shift=$shift_ bus_offset=$offset entries=$entries table=$pid:$fd device=$(liobn_device "$liobn") source=given type=kvm via=mapping emulated=false mapped=$nmapped extent_count=$nextents" \
		"$name: dump --json: liobn, page_shift, bus_offset, entries, mapped, extent_count"
	is "$(sed 's/.*"extents":\[\([^]]*\)\].*/[\1]/' "$TC_OUT" | json_rows)" "$want_extents" \
		"$name: dump --json: the extents are the runs of the hypercalls' entries"

	# JSON entries.
	fd=$(tfield $name fd)
	tcx "$name: dump --entries --json" "$liobn" dump --entries --json "$(tgt $name)"
	tc_rc 0 "$name: dump --entries --json exits 0"
	is "$(sed 's/.*"tces":\[\([^]]*\)\].*/[\1]/' "$TC_OUT" | json_rows | awk '{ print substr($2, 6), substr($5, 5) }' | sort)" \
		"$want_pairs" "$name: dump --entries --json: the (ioba, raw) pairs are exactly the hypercalls' entries"
done

# Without entries=, a window is as long as the kernel lets it be mapped:
# 1000 entries of 64 KiB are 8192 mappable ones, the rest of them zero.
fd=$(tfield ddw64k fd)
tcx "ddw64k: dump without entries=" 0x80000001 dump --csv -n "$pid:$fd,shift=16,offset=0x800000000000000"
tc_rc 0 "ddw64k without entries=: exits 0"
is "$(expand_extents 16 csv <"$TC_OUT" | sort)" "$(golden 0x80000001 | awk '{ print substr($4, 6), substr($5, 5) }' | sort)" \
	"ddw64k without entries=: the same entries, nothing past the 1000th"
fd=$(tfield ddw64k fd)
tcx "ddw64k: dump --json without entries=" 0x80000001 dump --json "$pid:$fd,shift=16,offset=0x800000000000000"
is "$(sed 's/.*"entries":\([0-9]*\).*/\1/' "$TC_OUT")" 1000 "ddw64k without entries=: 1000 entries, from minivmm's record"

# A range reads and shows only the entries in it.
fd=$(tfield pci0 fd)
tcx "pci0: dump --range" 0x80000000 dump --entries --csv -n --range=0x3e8000+0x2000 "$(tgt pci0)"
tc_rc 0 "pci0: dump --range exits 0"
is "$(awk -F, '{ print $4, $5, $8 }' "$TC_OUT")" "1000 0x3e8000 0x1000003
1001 0x3e9000 0x1001003" "pci0: dump --range=0x3e8000+0x2000 shows entries 1000 and 1001"

vmm_end
exit 0
