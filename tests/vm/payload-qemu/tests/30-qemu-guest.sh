# SPDX-License-Identifier: GPL-2.0-or-later
#
# A real QEMU running a Linux guest under KVM: its TCE tables exist, can be
# borrowed with pidfd_getfd, and hold the guest's live DMA mappings.
. "$PAYLOAD/lib/qemu-guest.sh"

start=$(date +%s)
if ! qemu_guest_start; then
	not_ok "QEMU boots a KVM guest with v-scsi and virtio-pci disks"
	exit 0
fi
ok "QEMU boots a KVM guest with v-scsi and virtio-pci disks"
diag "guest ready after $(($(date +%s) - start)) s"
[ ! -s "$QG_DIR/qemu.out" ] || diag <"$QG_DIR/qemu.out"
check "the guest read its v-scsi disk" grep -q 'guest: read /dev/sda' "$QG_DIR/console.log"
check "the guest read its virtio-pci disk" grep -q 'guest: read /dev/vda' "$QG_DIR/console.log"

fds=$(qemu_guest_tce_fds)
for fd in $fds; do
	diag "fd $fd: $(tcepeek "$QG_PID" "$fd" scan)"
done
is "$(echo "$fds" | wc -w)" 3 "QEMU holds three TCE tables (v-scsi, PCI window 0, DDW)"

# Tell the tables apart by what they hold, as tcectl has to.
vscsi="" pci0="" ddw=""
for fd in $fds; do
	s=$(tcepeek "$QG_PID" "$fd" scan)
	case "$(field entries "$s") $(field first_tce "$s")" in
	"65536 "?*) vscsi=$fd ;;
	"262144 "*) pci0=$fd ;;
	*" 0x3") ddw=$fd ;;
	esac
done
if [ -n "$vscsi" ]; then
	ok "the v-scsi table (65536 entries) holds mappings"
else
	not_ok "the v-scsi table (65536 entries) holds mappings"
fi
# The guest maps all its memory through the 64-bit window, 16 MiB at a time.
if [ -n "$ddw" ]; then
	is "$(tcepeek "$QG_PID" "$ddw" read 0 16 | sed 's/.*tce=//' | tr '\n' ' ')" \
		"$(i=0; while [ $i -lt 16 ]; do printf '0x%x ' $((i * 16777216 + 3)); i=$((i + 1)); done)" \
		"the DDW table direct-maps the guest's 256 MiB in 16 MiB pages"
else
	not_ok "the DDW table direct-maps the guest's 256 MiB in 16 MiB pages"
fi

qemu_guest_end
exit 0
