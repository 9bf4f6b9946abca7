# SPDX-License-Identifier: GPL-2.0-or-later
#
# Run a real QEMU with a KVM guest inside the test VM; sourced after tap.sh.
# Needs the payload built by check.sh -Q: QEMU's files merged into /, the
# guest's kernel and initramfs in $PAYLOAD/guest/.
#
#   qemu_guest_start [QEMU_ARGS...]  start QEMU (pseries, KVM, 256 MiB, a
#                                    v-scsi disk and a virtio-pci disk behind
#                                    the IOMMU), wait until the guest has read
#                                    both disks; sets QG_PID, QG_DIR
#   qemu_guest_tce_fds               QEMU's kvm-spapr-tce fds, one per line
#   qemu_guest_stop                  SIGTERM, then wait; status = QEMU's
#
# QMP listens on $QG_DIR/qmp.sock; the guest console is $QG_DIR/console.log.

QG_DIR=${QG_DIR:-/tmp/qemu-guest.$$}
QG_READY='@@@ qemu-guest ready @@@'
QG_BOOT_TIMEOUT=${QG_BOOT_TIMEOUT:-240}

qemu_guest_start() {
	mkdir -p "$QG_DIR"
	rm -f "$QG_DIR/console.log" "$QG_DIR/qemu.pid"
	# Distinct contents, so a wrong disk shows in a diff.
	dd if=/dev/zero bs=1M count=8 2>/dev/null | tr '\0' 'S' >"$QG_DIR/vscsi.img"
	dd if=/dev/zero bs=1M count=8 2>/dev/null | tr '\0' 'V' >"$QG_DIR/virtio.img"
	# The caps match what the emulated host offers; QEMU refuses otherwise.
	# The nested host has no in-kernel XIVE, so QEMU emulates the irqchip.
	qemu-system-ppc64 \
		-M pseries,accel=kvm,kernel-irqchip=off,cap-cfpc=broken,cap-sbbc=broken,cap-ibs=broken,cap-ccf-assist=off \
		-m 256M -smp 1 -nodefaults -display none -monitor none \
		-serial "file:$QG_DIR/console.log" \
		-qmp "unix:$QG_DIR/qmp.sock,server=on,wait=off" \
		-kernel "$PAYLOAD/guest/vmlinux" -initrd "$PAYLOAD/guest/initramfs.cpio" \
		-append "console=hvc0 quiet panic=-1" -no-reboot \
		-drive "if=none,id=vscsi-disk,file=$QG_DIR/vscsi.img,format=raw" \
		-device spapr-vscsi,id=vscsi0 \
		-device scsi-hd,drive=vscsi-disk,bus=vscsi0.0 \
		-drive "if=none,id=virtio-disk,file=$QG_DIR/virtio.img,format=raw" \
		-device virtio-blk-pci,drive=virtio-disk,disable-legacy=on,iommu_platform=on \
		"$@" >"$QG_DIR/qemu.out" 2>&1 &
	QG_PID=$!
	if ! wait_for "grep -q '$QG_READY' '$QG_DIR/console.log' || ! kill -0 $QG_PID" \
	     $((QG_BOOT_TIMEOUT * 10)) || ! grep -q "$QG_READY" "$QG_DIR/console.log"; then
		diag "the nested guest did not come up; QEMU said:"
		diag <"$QG_DIR/qemu.out"
		diag "guest console (last lines):"
		tail -n 20 "$QG_DIR/console.log" 2>/dev/null | diag
		kill $QG_PID 2>/dev/null
		wait $QG_PID 2>/dev/null
		return 1
	fi
}

qemu_guest_tce_fds() {
	for _qg_fd in /proc/"$QG_PID"/fd/*; do
		[ "$(readlink "$_qg_fd")" = anon_inode:kvm-spapr-tce ] && echo "${_qg_fd##*/}"
	done
}

qemu_guest_stop() {
	kill -TERM "$QG_PID"
	wait "$QG_PID"
}
