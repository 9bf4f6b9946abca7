# SPDX-License-Identifier: GPL-2.0-or-later
#
# The demo's part inside the emulated POWER host (tests/vm/demo.sh): start a
# real QEMU with a KVM guest, wait until the guest has used its disks, then
# show tcectl list and a dump of each of QEMU's three tables.  Lines starting
# with "@@ time" carry timings back to demo.sh; it proves only that the demo
# ran (QEMU came up and every tcectl command exited 0).
. "$PAYLOAD/lib/tap.sh"
. "$PAYLOAD/lib/qemu-guest.sh"

now() { cut -d' ' -f1 /proc/uptime; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.2f", b - a }'; }

failed=0
# Print the command, then what it prints; time it.
show() {
	echo
	echo "\$ tcectl $*"
	_t=$(now)
	tcectl "$@"
	_rc=$?
	echo "@@ time tcectl $1${2:+ ${2%%,*}}: $(since "$_t") s"
	if [ $_rc -ne 0 ]; then
		echo "(exit status $_rc)"
		failed=$((failed + 1))
	fi
}

echo "Starting QEMU: a pseries guest under KVM, 256 MiB, with a v-scsi disk and a"
echo "virtio-pci disk behind the IOMMU, running Linux; waiting until it has used them."
t=$(now)
if ! qemu_guest_start; then
	not_ok "the QEMU guest comes up"
	exit 0
fi
echo "@@ time QEMU guest up: $(since "$t") s"
echo "The guest is up: QEMU is pid $QG_PID."

show list

# The kernel does not tell which table is which; their sizes do.  QEMU gives
# the v-scsi device liobn 0x71000003 (its reg), PCI host bridge 0 window 0
# liobn 0x80000000 and its 64-bit DDW window liobn 0x80000001.
vscsi="" pci0="" ddw=""
for row in $(tcectl list --raw -n -o FD,ENTRIES "$QG_PID" | tr ' ' :); do
	case ${row#*:} in
	65536) vscsi=${row%:*} ;;
	262144) pci0=${row%:*} ;;
	8192) ddw=${row%:*} ;;
	esac
done
echo
echo "QEMU's tables: v-scsi on fd ${vscsi:-?} (65536 entries), PCI window 0 on fd ${pci0:-?}"
echo "(262144 entries), the DDW window on fd ${ddw:-?} (16 entries of 16 MiB; 8192 mappable)."
[ -n "$vscsi" ] && show dump "$QG_PID:$vscsi,liobn=0x71000003"
[ -n "$pci0" ] && show dump "$QG_PID:$pci0,liobn=0x80000000"
[ -n "$ddw" ] && show dump "$QG_PID:$ddw,liobn=0x80000001,page=16M,offset=0x800000000000000"

qemu_guest_stop
if [ -n "$vscsi" ] && [ -n "$pci0" ] && [ -n "$ddw" ] && [ $failed -eq 0 ]; then
	ok "the demo ran"
else
	not_ok "the demo ran: a table was not found or a command failed"
fi
exit 0
