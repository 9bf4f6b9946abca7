# SPDX-License-Identifier: GPL-2.0-or-later
#
# tcectl who-maps over minivmm's four real tables, each with its geometry:
# for guest ranges that entries of several tables map (aliases at different
# bus addresses, in 4K, 64K and 16M pages), it finds exactly the IO bus
# addresses whose entries, with a permission bit, cover the range, and
# nothing for memory that only entries without permission bits name
# (exit 1).  Every table can be re-created right after each search.
. "$PAYLOAD/lib/tcectl.sh"

tc_vmm_begin || exit 0
liobns=$(all_liobns)

# The results expected for GPA range LO-HI in tables NAME...: computed from
# the hypercalls' entries and each table's page size, in target order.
expect_maps() {
	_lo=$1 _hi=$2
	shift 2
	for _name in "$@"; do
		golden "$(tfield "$_name" liobn)" |
			maps_gpa "$(tfield "$_name" page_shift)" "$_lo" "$_hi" |
			sed "s/^/pid=$pid fd=$(tfield "$_name" fd) liobn=$(tfield "$_name" liobn) /"
	done
}

# who-maps RANGE LO HI COUNT DESC: search all four tables for RANGE (LO-HI
# as numbers), expect COUNT results.
who_maps() {
	_range=$1 _lo=$2 _hi=$3 _count=$4 _desc=$5
	_want=$(expect_maps "$_lo" "$_hi" vscsi pci0 ddw64k ddw16m)
	is "$(echo "$_want" | grep -c .)" "$_count" "who-maps $_range: $_desc"
	tcx "who-maps $_range" "$liobns" who-maps --json \
		"$(tgt vscsi)" "$(tgt pci0)" "$(tgt ddw64k)" "$(tgt ddw16m)" "$_range"
	tc_rc 0 "who-maps $_range exits 0"
	is "$(json_rows <"$TC_OUT")" "$_want" "who-maps $_range: exactly the IOBAs that map it"
}

# vscsi entry 0 (4K), pci0 entry 1000 (4K) and ddw16m entry 1 (16M).
who_maps 0x1000000-0x1000fff 0x1000000 0x1000fff 3 \
	"the expectation: three aliases in three tables"
# vscsi entries 16..19 (r, w, rw, r: one result each) and ddw16m entry 2.
who_maps 0x2000000+16K 0x2000000 0x2003fff 5 \
	"the expectation: four 4K entries with different permissions, one 16M entry"
# ddw64k entry 999 (r, 64K), ddw16m entries 0 (rw) and 15 (r): both map GPA 0.
who_maps 0x30000-0x3ffff 0x30000 0x3ffff 3 \
	"the expectation: a 64K entry and two 16M entries"
# Only ddw16m entry 3: the vscsi entries 256..259 naming it have no permission.
who_maps 0x3000000 0x3000000 0x3000000 1 \
	"the expectation: one 16M entry; the entries without permission bits do not count"
# pci0's last entry (r) and ddw16m entry 3.
who_maps 0x3fff000-0x3ffffff 0x3fff000 0x3ffffff 2 \
	"the expectation: pci0's last entry and a 16M entry"

# Text output of the first search, exactly.
fd_v=$(tfield vscsi fd) fd_p=$(tfield pci0 fd) fd_d=$(tfield ddw16m fd)
tcx "who-maps (text)" "$liobns" who-maps -n \
	"$(tgt vscsi)" "$(tgt pci0)" "$(tgt ddw64k)" "$(tgt ddw16m)" 0x1000000-0x1000fff
tc_rc 0 "who-maps (text) exits 0"
is "$(tr -s ' ' <"$TC_OUT")" "$pid:$fd_v 0x71000003 0x00000000-0x00000fff 0x01000000-0x01000fff rw 1
$pid:$fd_p 0x80000000 0x003e8000-0x003e8fff 0x01000000-0x01000fff rw 1
$pid:$fd_d 0x80000101 0x800000001000000-0x800000001ffffff 0x01000000-0x01ffffff rw 1" \
	"who-maps (text): table, liobn, IOBA range, GPA range, perm, pages"

# In vscsi alone, 0x3000000 is named only by entries without permission bits.
tcx "who-maps of poison only" 0x71000003 who-maps --json "$(tgt vscsi)" 0x3000000-0x3000fff
is "$TC_RC:$(tr -d ' \n' <"$TC_OUT")" "1:[]" \
	"who-maps of memory only entries without permission bits name: exit 1, an empty array" ||
	diag <"$TC_ERR"

# Guest memory past what any entry maps.
tcx "who-maps of unmapped memory" "$liobns" who-maps -n \
	"$(tgt vscsi)" "$(tgt pci0)" "$(tgt ddw64k)" "$(tgt ddw16m)" 0x8000000+1M
is "$TC_RC:$(cat "$TC_OUT")" "1:" "who-maps of memory no entry maps: exit 1, nothing printed with -n" ||
	diag <"$TC_ERR"

# A PID target: every table of the process, each with the geometry of
# minivmm's record of it (no keys given).
fd_v=$(tfield vscsi fd) fd_p=$(tfield pci0 fd) fd_d=$(tfield ddw16m fd)
tcx "who-maps PID" "$liobns" who-maps --json "$pid" 0x1000000-0x1000fff
tc_rc 0 "who-maps PID exits 0"
is "$(json_rows <"$TC_OUT" | awk '{ print $2, $4, $5, $6 }')" \
	"fd=$fd_v index=0 ioba=0x0 gpa=0x1000000
fd=$fd_p index=1000 ioba=0x3e8000 gpa=0x1000000
fd=$fd_d index=1 ioba=0x800000001000000 gpa=0x1000000" \
	"who-maps PID: the three aliases, at the bus addresses of each table's own geometry"

vmm_end
exit 0
