# SPDX-License-Identifier: GPL-2.0-or-later
#
# A 16,777,216-entry table (128 MiB, 64 KiB IOMMU pages at the DDW bus
# offset): the kernel writes its first, middle and last entries, and the
# whole table reads back as exactly those.
. "$PAYLOAD/lib/minivmm.sh"

vmm_begin -b || exit 0
pid=$VMM_PID

line=$(vmm_table big)
liobn=$(field liobn "$line")
fd=$(field fd "$line")
is "$(field entries "$line") $(field bus_offset "$line")" "16777216 0x800000000000000" \
	"big: 16777216 entries at bus offset 0x800000000000000"
is "$(tcepeek "$pid" "$fd" size)" "size entries=16777216" "big: all 16777216 entries map"
is "$(tcepeek "$pid" "$fd" read 16777215)" "entry index=16777215 tce=0x20003" \
	"big: the kernel wrote the last entry"
is "$(tcepeek "$pid" "$fd" read 8388608 16 | grep -c 'tce=0x3330000$')" 16 \
	"big: H_STUFF_TCE wrote 16 entries in the middle"
# Reading it all allocates every page of the table: 128 MiB of guest memory.
check "big: the kernel holds exactly the hypercalls' entries" \
	vmm_verify "$liobn" "$fd" 16777216
is "$(field tce "$(vmm get "$liobn" 0x80000ffffff0000)")" 0x20003 \
	"big: H_GET_TCE of the last entry"

vmm_end
exit 0
