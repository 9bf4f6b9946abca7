# SPDX-License-Identifier: GPL-2.0-or-later
#
# The demo's part inside the emulated POWER host (tests/vm/demo.sh): start a
# real QEMU with a KVM guest, wait until the guest has used its disks, then
# show tcectl list and tcectl dump of its tables, no geometry typed.  Lines starting
# with "@@ time" carry timings back to demo.sh; it proves only that the demo
# ran (QEMU came up and every tcectl command exited 0).
. "$PAYLOAD/lib/qemu-guest.sh"

failed=0
# Print the command, then what it prints; time it.
show() {
	echo
	echo "\$ tcectl $*"
	_t=$(now)
	tcectl "$@"
	_rc=$?
	echo "@@ time tcectl $1${2:+ ${2%%,*}}: $(since "$_t" 2) s"
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
echo "@@ time QEMU guest up: $(since "$t" 2) s"
echo "The guest is up: QEMU is pid $QG_PID."

# No keys: QEMU's own records of its tables give each one's liobn, page
# size, bus offset and length, and tcectl reads them through QEMU's own
# mappings, holding nothing.
show list "$QG_PID"
show dump "$QG_PID"
tables=$(tcectl list --raw -n -o SOURCE "$QG_PID" | grep -c '^qemu$')
echo
echo "QEMU holds $tables tables whose geometry its own records gave."

qemu_guest_stop
if [ "$tables" -ge 3 ] && [ $failed -eq 0 ]; then
	ok "the demo ran"
else
	not_ok "the demo ran: a table's record was not found or a command failed"
fi
exit 0
