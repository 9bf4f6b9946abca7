# SPDX-License-Identifier: GPL-2.0-or-later
#
# tcectl translate on minivmm's real tables: an IO bus address, at the start,
# inside or at the end of an IOMMU page (4K, 64K, 16M), gives the guest
# address of the entry the hypercall wrote plus the offset in the page, its
# permission and raw value (JSON and text); an empty entry is "not mapped"
# (exit 1), an entry without permission bits is mapped with perm "-", and an
# address past the window is a usage error (exit 2) with tcectl's message.
# Every table can be re-created right after each translate.
. "$PAYLOAD/lib/tcectl.sh"

tc_vmm_begin || exit 0

perm_of() {
	case $(($1 & 3)) in 3) echo rw ;; 1) echo r ;; 2) echo w ;; *) echo - ;; esac
}

for name in vscsi pci0 ddw64k ddw16m; do
	liobn=$(tfield $name liobn)
	shift_=$(tfield $name page_shift)
	offset=$(tfield $name bus_offset)
	entries=$(tfield $name entries)
	ps=$((1 << shift_))
	n=$(golden "$liobn" | wc -l)

	# The first, a middle and the last entry, each at three offsets.
	iobas="" want_json="" want_text=""
	for k in 1 $(((n + 1) / 2)) "$n"; do
		line=$(golden "$liobn" | sed -n "${k}p")
		index=$(field index "$line")
		ioba=$(field ioba "$line")
		tce=$(field tce "$line")
		for off in 0 $((ps - 1)) 0x18; do
			q=$(printf '0x%x' $((ioba + off)))
			gpa=$(printf '0x%x' $(((tce & ~(ps - 1)) + off)))
			perm=$(perm_of "$tce")
			iobas="$iobas $q"
			want_json="$want_json
pid=$pid fd=@FD@ ioba=$q index=$index mapped=true gpa=$gpa perm=$perm raw=$tce"
			want_text="$want_text
ioba $q: $pid:@FD@ entry $index, gpa $gpa, perm $perm, raw $(printf '0x%016x' $((tce)))"
		done
	done
	want_json=${want_json#?}
	want_text=${want_text#?}

	# The fd changes when a table is re-created: the expectations get it late.
	fd=$(tfield $name fd)
	# shellcheck disable=SC2086  # a list of addresses
	tcx "$name: translate --json" "$liobn" translate --json "$(tgt $name)" $iobas
	tc_rc 0 "$name: translate of 9 mapped addresses exits 0"
	is "$(json_rows <"$TC_OUT")" "$(echo "$want_json" | sed "s/@FD@/$fd/")" \
		"$name: translate --json: index, gpa (+ offset in the page), perm, raw of each entry"

	fd=$(tfield $name fd)
	# shellcheck disable=SC2086
	tcx "$name: translate (text)" "$liobn" translate "$(tgt $name)" $iobas
	tc_rc 0 "$name: translate (text) exits 0"
	is "$(cat "$TC_OUT")" "$(echo "$want_text" | sed "s/@FD@/$fd/")" "$name: translate (text): one exact line per address"

	# The first entry the hypercalls left empty.
	free=$(golden "$liobn" | awk '{ i = substr($3, 7) + 0; if (i != nx) exit; nx++ } END { print nx + 0 }')
	q=$(printf '0x%x' $((offset + free * ps + 5)))
	fd=$(tfield $name fd)
	tcx "$name: translate of an empty entry" "$liobn" translate --json "$(tgt $name)" "$q"
	tc_rc 1 "$name: translate of empty entry $free exits 1"
	is "$(json_rows <"$TC_OUT")" \
		"pid=$pid fd=$fd ioba=$q index=$free mapped=false gpa=null perm=- raw=0x0" \
		"$name: translate of an empty entry: not mapped"

	# Just past the window given by entries=.
	q=$(printf '0x%x' $((offset + entries * ps)))
	fd=$(tfield $name fd)
	tcx "$name: translate past the window" "$liobn" translate "$(tgt $name)" "$q"
	tc_rc 2 "$name: translate of $q, past the window, exits 2"
	is "$(cat "$TC_ERR")" "tcectl: translate: table $pid:$fd: IO bus address $q is outside the window $offset-$(printf '0x%x' $((offset + entries * ps - 1))); give the table's bus offset and page size (TARGET,offset=ADDR,page=SIZE)" \
		"$name: translate past the window: the message names the window"
done

# The vscsi entries 256..259 hold an address without permission bits.
q=0x102abc
fd=$(tfield vscsi fd)
tcx "vscsi: translate of a poison entry" 0x71000003 translate --json "$(tgt vscsi)" $q
tc_rc 0 "vscsi: translate of an entry without permission bits exits 0 (it is mapped)"
is "$(json_rows <"$TC_OUT")" \
	"pid=$pid fd=$fd ioba=$q index=258 mapped=true gpa=0x3000abc perm=- raw=0x3000000" \
	"vscsi: an entry without permission bits: gpa, perm -"

# A PID target that holds several tables is refused.
tcx "translate PID" "$(all_liobns)" translate "$pid" 0x0
tc_rc 2 "translate PID with four tables exits 2"

vmm_end
exit 0
