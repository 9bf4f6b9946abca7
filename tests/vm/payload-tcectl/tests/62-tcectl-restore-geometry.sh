# SPDX-License-Identifier: GPL-2.0-or-later
#
# restore refuses a checkpoint table whose geometry differs from the live
# table's, on the real kernel: another IOMMU page size (a 4K-page table into
# one labelled page=64K), another bus offset, another length (vscsi's 65536
# entries into pci0's 262144, pci0's into vscsi, a label entries=32768, and
# a DDW window the VMM re-created with 2000 entries instead of 1000).  Each
# refusal exits 6 with the exact message, prints nothing on stdout, writes
# no undo file and not one entry: the guest, which had changed entries so
# that a restore would have work to do, reads the same values as before;
# the VMM runs again afterwards.  diff refuses the same pair with exit 2.
# The control: with the right geometry the same checkpoint restores.
# Right after each command the table can be re-created (no EBUSY).
. "$PAYLOAD/lib/checkpoint.sh"

ck_start || exit 0
F=$TC_DIR/tables.tce

ck_checkpoint_all "$F"
tc_rc 0 "checkpoint of the four tables exits 0"

guest "vscsi: H_PUT_TCE adds entry 5" put 0x71000003 0x5000 0x3456003
guest "vscsi: H_PUT_TCE overwrites entry 0" put 0x71000003 0x0 0x3ff0001
guest "pci0: H_STUFF_TCE clears entries 1008..1015" stuff 0x80000000 0x3f0000 0 8
guest "ddw64k: H_PUT_TCE overwrites entry 0" put 0x80000001 0x800000000000000 0x50001

# refused NAME DESC FILE TARGET WANT_STDERR: restore FILE TARGET (a table of
# NAME) must exit 6 with exactly WANT_STDERR and change nothing.
refused() {
	_rf_name=$1 _rf_desc=$2
	rm -f "$TC_DIR/undo.refused"
	tc restore --yes --undo="$TC_DIR/undo.refused" "$3" "$4"
	no_holders "$_rf_desc"
	tc_rc 6 "$_rf_desc: refused with exit 6"
	is "$(cat "$TC_OUT")|$(tc_stderr)" "|$5" "$_rf_desc: the message, and nothing on stdout"
	is "$([ -e "$TC_DIR/undo.refused" ] && echo written)" "" "$_rf_desc: no undo file"
	is "$(vmm_state)" S "$_rf_desc: minivmm is not left stopped"
	guest_sees "$_rf_desc: the table is unchanged" "$(tfield "$_rf_name" liobn)"
	model_verify "$_rf_desc: the table is unchanged" "$_rf_name"
	tc_recreate "$_rf_desc" "$(tfield "$_rf_name" liobn)"
}

# Another page size.
target=$pid:$(tfield vscsi fd),page=64K,liobn=0x71000003
refused vscsi "4K-page vscsi into a table labelled page=64K" "$F:0" "$target" \
	"tcectl: restore: $F:0 has 4096-byte IOMMU pages and ${target%%,*} 65536; if one is live, give its geometry (PID:FD,page=SIZE)"
tcx "diff of the 4K-page table and a table labelled page=64K" 0x71000003 diff "$F:0" "$target"
is "$TC_RC|$(cat "$TC_OUT")|$(tc_stderr)" \
	"2||tcectl: diff: $F:0 has 4096-byte IOMMU pages and ${target%%,*} 65536; if one is live, give its geometry (PID:FD,page=SIZE)" \
	"diff of the 4K-page table and a table labelled page=64K exits 2 with the same message"

# Another length: vscsi's table into pci0's fd, labelled as vscsi (the
# label wins over minivmm's record of pci0).
target=$pid:$(tfield pci0 fd),liobn=0x71000003
refused pci0 "vscsi (65536 entries) into pci0 (262144)" "$F:0" "$target" \
	"tcectl: restore: $F:0 has 65536 entries and ${target%%,*} 262144; they are not the same window"

# pci0's table into vscsi labelled as pci0.
target=$pid:$(tfield vscsi fd),shift=12,liobn=0x80000000
refused vscsi "pci0 (262144 entries) into vscsi (65536) labelled liobn=0x80000000" "$F:1" "$target" \
	"tcectl: restore: $F:1 has 262144 entries and ${target%%,*} 65536; they are not the same window"

# A label that says 32768 entries.
target=$pid:$(tfield vscsi fd),liobn=0x71000003,entries=32768
refused vscsi "vscsi into its own table labelled entries=32768" "$F:0" "$target" \
	"tcectl: restore: $F:0 has 65536 entries and ${target%%,*} 32768; they are not the same window"

# Another bus offset.
target=$pid:$(tfield ddw64k fd),shift=16,liobn=0x80000001,entries=1000,offset=0
refused ddw64k "ddw64k into its own table labelled offset=0" "$F:2" "$target" \
	"tcectl: restore: $F:2 starts at bus address 0x800000000000000 and ${target%%,*} at 0x0; if one is live, give its geometry (PID:FD,offset=ADDR)"

# The control: the right geometry, the same file.
target=$(tgt vscsi)
tc restore --yes --undo="$TC_DIR/undo.vscsi" "$F:0" "$target"
no_holders "control: vscsi restore with its geometry"
tc_rc 0 "control: restore of vscsi with its own geometry exits 0"
is "$(cat "$TC_OUT")" \
	"restored $(count 2 entry) in $(count 1 table) of pid $pid; undo with: tcectl restore $TC_DIR/undo.vscsi $target" \
	"control: restore of vscsi with its own geometry writes the 2 entries the guest changed"
model_take checkpoint 0x71000003
guest_sees "control: vscsi restored" 0x71000003
model_verify "control: vscsi restored" vscsi
tc_recreate "control: vscsi restore" 0x71000003

# The VMM re-creates the DDW window with 2000 entries: not the same window.
vmm close 0x80000001 >/dev/null
ans=$(vmm create 0x80000001 16 0x800000000000000 2000)
is "$(field result "$ans")" ok "the VMM re-creates ddw64k with 2000 entries (result=ok)" || diag "minivmm: $ans"
model_empty 0x80000001
vmm_refresh
guest "ddw64k (2000 entries): H_PUT_TCE writes entry 1500" put 0x80000001 0x800000005dc0000 0x60003
target=$(tgt ddw64k)
refused ddw64k "ddw64k's 1000-entry table into the 2000-entry window" "$F:2" "$target" \
	"tcectl: restore: $F:2 has 1000 entries and ${target%%,*} 2000; they are not the same window"

vmm_end
exit 0
