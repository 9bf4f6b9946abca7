# SPDX-License-Identifier: GPL-2.0-or-later
#
# The fixture against the real kernel: the tables minivmm creates hold what
# the guest's hypercalls asked for, another process can reach them through
# pidfd_getfd, and their lifetime behaves as tcectl assumes.
. "$PAYLOAD/lib/minivmm.sh"

vmm_begin || exit 0
pid=$VMM_PID
tce_link=anon_inode:kvm-spapr-tce

is "$(grep -c '^table ' "$VMM_DESC")" 4 "four tables described"
is "$(grep -c "$tce_link\$" /proc/"$pid"/maps)" 4 "four table mappings in /proc/PID/maps"
is "$(grep "$tce_link\$" /proc/"$pid"/maps | awk '{print $2}' | sort -u)" rw-s \
	"table mappings are rw-s"

round_up_8192() { echo $((($1 + 8191) / 8192 * 8192)); }

for name in vscsi pci0 ddw64k ddw16m; do
	line=$(vmm_table $name)
	liobn=$(field liobn "$line")
	fd=$(field fd "$line")
	entries=$(field entries "$line")
	is "$(readlink /proc/"$pid"/fd/"$fd")" $tce_link "$name: fd $fd is a TCE table"
	# Every mappable entry: the kernel's writes and nothing else.
	check "$name: the kernel holds exactly the hypercalls' entries" \
		vmm_verify "$liobn" "$fd" "$entries"
	# 64 KiB pages: the mappable size is the entry count rounded up to 8192.
	is "$(tcepeek "$pid" "$fd" size)" "size entries=$(round_up_8192 "$entries")" \
		"$name: $entries entries map as $(round_up_8192 "$entries")"
done

is "$(grep -c "^entry liobn=0x71000003 " "$VMM_DESC")" 32 \
	"vscsi: put, indirect, stuff (clear and poison) left 32 entries"
is "$(grep -c "^entry liobn=0x80000000 " "$VMM_DESC")" 513 \
	"pci0: a 512-entry indirect list and the last entry"

# H_GET_TCE reads what the kernel wrote.
is "$(field tce "$(vmm get 0x71000003 0x0)")" 0x1000003 "H_GET_TCE returns the H_PUT_TCE value"

# Written through a mapping in another process, read by the guest.
vscsi_fd=$(field fd "$(vmm_table vscsi)")
tcepeek "$pid" "$vscsi_fd" write 100 0x7777001 >/dev/null
is "$(field tce "$(vmm get 0x71000003 0x64000)")" 0x7777001 \
	"H_GET_TCE returns a value written through another process's mapping"
is "$(field tce "$(vmm peek 0x71000003 100)")" 0x7777001 \
	"the VMM's own mapping shows the same value"
ddw16m_fd=$(field fd "$(vmm_table ddw16m)")
tcepeek "$pid" "$ddw16m_fd" write 5 0x5000003 >/dev/null
is "$(field tce "$(vmm get 0x80000101 0x800000005000000)")" 0x5000003 \
	"same at the high bus offset with 16 MiB pages"

# And the other way round: a guest write is visible in another process at once.
vmm put 0x71000003 0x65000 0x1234003 >/dev/null
is "$(tcepeek "$pid" "$vscsi_fd" read 0x65)" "entry index=101 tce=0x1234003" \
	"an H_PUT_TCE is visible through another process's mapping"
is "$(tcepeek "$pid" "$vscsi_fd" read 0 1)" "entry index=0 tce=0x1000003" \
	"entries are host byte order u64s at offset 8 * index"

# What the kernel refuses, or leaves to userspace.
is "$(field rc "$(vmm put 0x71000003 0x10000000 0x1000003)")" -4 \
	"H_PUT_TCE past the window: H_PARAMETER"
is "$(field by "$(vmm put 0x4242 0x0 0x1000003)")" userspace \
	"H_PUT_TCE to an unknown liobn goes to userspace"
is "$(field by "$(vmm put 0x71000003 0x0 0x40000003)")" userspace \
	"H_PUT_TCE of a GPA outside guest memory goes to userspace"
is "$(field rc "$(vmm stuff 0x71000003 0x0 0x1000003 1)")" -4 \
	"H_STUFF_TCE with permission bits: H_PARAMETER"
is "$(field rc "$(vmm hcall 0x13c 0x80000000 0x0 0x3000 513)")" -4 \
	"H_PUT_TCE_INDIRECT of 513 entries: H_PARAMETER"

# Creation errors the kernel documents.
is "$(field result "$(vmm create 0x71000003 12 0 512)")" EBUSY "a used liobn: EBUSY"
is "$(field result "$(vmm create 0x5000 12 0 0)")" EINVAL "size 0: EINVAL"
is "$(field result "$(vmm create 0x5001 11 0 512)")" EINVAL "page_shift 11: EINVAL"
is "$(field result "$(vmm create 0x5002 35 0 512)")" EINVAL "page_shift 35: EINVAL"

# Lifetime: a borrowed fd or a mapping keeps the table, and its liobn, alive.
hold_then_recreate() {
	_name=$1 _what=$2
	case $_what in
	both) _held="fd and a mapping" ;;
	map) _held="mapping (fd closed)" ;;
	*) _held="fd (no mapping)" ;;
	esac
	_line=$(vmm_table "$_name")
	_liobn=$(field liobn "$_line")
	_fd=$(field fd "$_line")
	_out=$VMM_DIR/hold.$_name
	rm -f "$_out"
	tcepeek "$pid" "$_fd" hold "$_what" >"$_out" 2>&1 &
	_holder=$!
	# The holder names its pid once it has the table.
	if ! wait_for 'grep -q "^holding .* pid=$_holder\$" "$_out"' 100; then
		not_ok "$_name: tcepeek holds the table's $_held"
		diag <"$_out"
		kill $_holder 2>/dev/null
		return
	fi
	is "$(field result "$(vmm recreate "$_liobn")")" EBUSY \
		"$_name: re-creation fails with EBUSY while another process holds its $_held"
	kill $_holder
	wait $_holder
	_out=$(vmm recreate "$_liobn")
	is "$(field result "$_out")" ok "$_name: re-creation works once the holder is gone"
	# The new table is empty: nothing of the old one survives.
	_fd=$(field fd "$_out")
	check "$_name: the re-created table is empty" \
		vmm_verify none "$_fd" "$(field entries "$_line")"
	# Keep the description in step for later tests.
	vmm tables >"$VMM_DESC.new" && mv "$VMM_DESC.new" "$VMM_DESC"
}
hold_then_recreate ddw64k map
hold_then_recreate vscsi fd
hold_then_recreate pci0 both

vmm_end
exit 0
