# SPDX-License-Identifier: GPL-2.0-or-later
#
# What the kernel writes after a tcectl command shows in the next one: after
# a dump, the guest's H_PUT_TCE, H_STUFF_TCE (clearing, and writing entries
# without permission bits) and H_PUT_TCE_INDIRECT change the table, and the
# next dump shows exactly the entries they added or cleared, nothing else.
# Each table can be re-created right after each dump.
. "$PAYLOAD/lib/tcectl.sh"

tc_vmm_begin || exit 0

# dump NAME: dump --entries --csv -n of table NAME, rows without pid/fd
# (they change when the table is re-created) in $TC_DIR/NAME.rows.
dump_rows() {
	tcx "$1: dump --entries --csv -n" "$(tfield "$1" liobn)" dump --entries --csv -n "$(tgt "$1")"
	tc_rc 0 "$1: dump exits 0"
	cut -d, -f3- "$TC_OUT" | sort >"$TC_DIR/$1.rows"
}

# hypercall DESC COMMAND...: a hypercall the kernel must handle.
hypercall() {
	_hc_desc=$1
	shift
	_hc_ans=$(vmm "$@")
	is "$(field rc "$_hc_ans") $(field by "$_hc_ans")" "0 kernel" "$_hc_desc: the kernel handles it"
}

# changes NAME: what the last dump of NAME added (+) and removed (-),
# compared with the dump before it.
changes() {
	diff "$TC_DIR/$1.before" "$TC_DIR/$1.rows" | grep '^[-+][^-+]' | sort
}

# H_PUT_TCE: one new entry in vscsi.
dump_rows vscsi
mv "$TC_DIR/vscsi.rows" "$TC_DIR/vscsi.before"
hypercall "H_PUT_TCE vscsi 0x5000" put 0x71000003 0x5000 0x3456003
dump_rows vscsi
is "$(changes vscsi)" "+0x71000003,5,0x5000,0x3456000,rw,0x3456003" \
	"after H_PUT_TCE, the next dump shows exactly the new entry 5"

# H_STUFF_TCE with 0: clears 8 entries of pci0's 512-entry run.
dump_rows pci0
mv "$TC_DIR/pci0.rows" "$TC_DIR/pci0.before"
hypercall "H_STUFF_TCE pci0 0x3f0000 0 x8" stuff 0x80000000 0x3f0000 0 8
dump_rows pci0
is "$(changes pci0)" "$(i=1008; while [ $i -lt 1016 ]; do
	printf '%s0x80000000,%d,0x%x,0x%x,rw,0x%x\n' - $i $((i << 12)) $((0x1000000 + (i - 1000) * 4096)) $((0x1000003 + (i - 1000) * 4096))
	i=$((i + 1))
done | sort)" "after H_STUFF_TCE of 0, the next dump lacks exactly entries 1008..1015"

# H_STUFF_TCE of an address without permission bits: 4 entries in ddw64k.
dump_rows ddw64k
mv "$TC_DIR/ddw64k.rows" "$TC_DIR/ddw64k.before"
hypercall "H_STUFF_TCE ddw64k 0x800000000020000 0x70000 x4" stuff 0x80000001 0x800000000020000 0x70000 4
dump_rows ddw64k
is "$(changes ddw64k)" "+0x80000001,2,0x800000000020000,0x70000,-,0x70000
+0x80000001,3,0x800000000030000,0x70000,-,0x70000
+0x80000001,4,0x800000000040000,0x70000,-,0x70000
+0x80000001,5,0x800000000050000,0x70000,-,0x70000" \
	"after H_STUFF_TCE of a poison value, the next dump shows exactly entries 2..5 with perm -"

# H_PUT_TCE_INDIRECT: two entries of 16 MiB, read-only and write-only.
dump_rows ddw16m
mv "$TC_DIR/ddw16m.rows" "$TC_DIR/ddw16m.before"
hypercall "H_PUT_TCE_INDIRECT ddw16m 0x800000004000000" indirect 0x80000101 0x800000004000000 0x3000001 0x2000002
dump_rows ddw16m
is "$(changes ddw16m)" "+0x80000101,4,0x800000004000000,0x3000000,r,0x3000001
+0x80000101,5,0x800000005000000,0x2000000,w,0x2000002" \
	"after H_PUT_TCE_INDIRECT, the next dump shows exactly entries 4 and 5"

# A write that replaces an entry: H_PUT_TCE over vscsi entry 0.
dump_rows vscsi
mv "$TC_DIR/vscsi.rows" "$TC_DIR/vscsi.before"
hypercall "H_PUT_TCE vscsi 0x0 (replacing)" put 0x71000003 0x0 0x3ff0001
dump_rows vscsi
is "$(changes vscsi)" "+0x71000003,0,0x0,0x3ff0000,r,0x3ff0001
-0x71000003,0,0x0,0x1000000,rw,0x1000003" \
	"after H_PUT_TCE over entry 0, the next dump shows its new value instead of the old"

vmm_end
exit 0
