# SPDX-License-Identifier: GPL-2.0-or-later
#
# Run a real QEMU with a KVM guest inside the test VM; sourced (brings
# tap.sh along).
# Needs the payload built by check.sh -Q: QEMU's files merged into /, the
# guest's kernel and initramfs in $PAYLOAD/guest/.
#
#   qemu_guest_start [QEMU_ARGS...]  start QEMU (pseries, KVM, 256 MiB, a
#                                    v-scsi disk and a virtio-pci disk behind
#                                    the IOMMU), wait until the guest has read
#                                    both disks; sets QG_PID, QG_DIR
#   qemu_guest_tce_fds               QEMU's kvm-spapr-tce fds, one per line
#   qemu_guest_qmp COMMAND...        QMP commands (JSON), one reply a line
#   qemu_guest_hmp COMMAND           an HMP command line, e.g. 'info mtree'
#   qemu_guest_reset [wait]          QMP system_reset; with "wait", also wait
#                                    until the rebooted guest is ready again
#   qemu_guest_ready_count           how often the guest said it is ready
#   qemu_guest_trace EVENT           QEMU's trace lines of EVENT, without any
#                                    "pid@time:" prefix ("EVENT key=value ...")
#   qemu_guest_stop                  SIGTERM, then wait; status = QEMU's
#   qemu_guest_end                   qemu_guest_stop, reported as the test
#                                    "QEMU stops on SIGTERM"
#
# Set before qemu_guest_start:
#   QG_RESETTABLE=1    leave out -no-reboot: with it, QEMU exits on a reset
#                      (system_reset included) instead of rebooting the guest
#   QG_VIRTIO_PHB=N    put the virtio-pci disk behind a PCI host bridge of its
#                      own, spapr-pci-host-bridge index N, id phbN
#   QG_WAIT=qmp        return once QMP answers, without waiting for the guest
#   QG_TRACE="EV..."   enable these trace events (Debian's QEMU uses the log
#                      backend: the lines go to $QG_DIR/qemu.out)
# QG_TRACE_TABLES is the usual set: spapr_iommu_new_table (liobn, table, fd:
# -1 for a table in QEMU's own memory) and spapr_iommu_ddw_create.
#
# QMP listens on $QG_DIR/qmp.sock; the guest console is $QG_DIR/console.log.

. "$PAYLOAD/lib/tap.sh"

QG_DIR=${QG_DIR:-/tmp/qemu-guest.$$}
QG_READY='@@@ qemu-guest ready @@@'
QG_BOOT_TIMEOUT=${QG_BOOT_TIMEOUT:-240}
# shellcheck disable=SC2034  # for the tests that source this
QG_TRACE_TABLES="spapr_iommu_new_table spapr_iommu_ddw_create"

qemu_guest_start() {
	mkdir -p "$QG_DIR"
	rm -f "$QG_DIR/console.log" "$QG_DIR/qemu.pid"
	# Distinct contents, so a wrong disk shows in a diff.
	dd if=/dev/zero bs=1M count=8 2>/dev/null | tr '\0' 'S' >"$QG_DIR/vscsi.img"
	dd if=/dev/zero bs=1M count=8 2>/dev/null | tr '\0' 'V' >"$QG_DIR/virtio.img"
	_qg_reboot=-no-reboot _qg_phb="" _qg_bus="" _qg_trace=""
	[ "${QG_RESETTABLE:-0}" = 1 ] && _qg_reboot=""
	if [ -n "${QG_VIRTIO_PHB:-}" ]; then
		_qg_phb="-device spapr-pci-host-bridge,index=$QG_VIRTIO_PHB,id=phb$QG_VIRTIO_PHB"
		_qg_bus=",bus=phb$QG_VIRTIO_PHB.0"
	fi
	for _qg_ev in ${QG_TRACE:-}; do
		_qg_trace="$_qg_trace -trace $_qg_ev"
	done
	# The caps match what the emulated host offers; QEMU refuses otherwise.
	# Unquoted: $_qg_reboot, $_qg_trace and $_qg_phb are zero or more words.
	# shellcheck disable=SC2086
	# The nested host has no in-kernel XIVE, so QEMU emulates the irqchip.
	qemu-system-ppc64 \
		-M pseries,accel=kvm,kernel-irqchip=off,cap-cfpc=broken,cap-sbbc=broken,cap-ibs=broken,cap-ccf-assist=off \
		-m 256M -smp 1 -nodefaults -display none -monitor none \
		-serial "file:$QG_DIR/console.log" \
		-qmp "unix:$QG_DIR/qmp.sock,server=on,wait=off" \
		-kernel "$PAYLOAD/guest/vmlinux" -initrd "$PAYLOAD/guest/initramfs.cpio" \
		-append "console=hvc0 quiet panic=-1" $_qg_reboot $_qg_trace \
		-drive "if=none,id=vscsi-disk,file=$QG_DIR/vscsi.img,format=raw" \
		-device spapr-vscsi,id=vscsi0 \
		-device scsi-hd,drive=vscsi-disk,bus=vscsi0.0 \
		-drive "if=none,id=virtio-disk,file=$QG_DIR/virtio.img,format=raw" \
		$_qg_phb \
		-device "virtio-blk-pci,drive=virtio-disk,disable-legacy=on,iommu_platform=on$_qg_bus" \
		"$@" >"$QG_DIR/qemu.out" 2>&1 &
	QG_PID=$!
	if [ "${QG_WAIT:-}" = qmp ]; then
		wait_for "qemu_guest_qmp '{\"execute\":\"query-status\"}' >/dev/null || ! kill -0 $QG_PID" 600 &&
			kill -0 $QG_PID 2>/dev/null && return 0
		diag "QEMU did not answer on QMP; it said:"
		diag <"$QG_DIR/qemu.out"
		kill $QG_PID 2>/dev/null
		wait $QG_PID 2>/dev/null
		return 1
	fi
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

qemu_guest_qmp() {
	qmp -t "${QG_QMP_TIMEOUT:-20}" "$QG_DIR/qmp.sock" "$@"
}

qemu_guest_hmp() {
	qmp -t "${QG_QMP_TIMEOUT:-20}" -H "$QG_DIR/qmp.sock" "$1"
}

qemu_guest_ready_count() {
	grep -c "$QG_READY" "$QG_DIR/console.log" 2>/dev/null
}

qemu_guest_reset() {
	_qg_ready=$(qemu_guest_ready_count)
	qemu_guest_qmp '{"execute":"system_reset"}' >/dev/null || return 1
	[ "${1:-}" = wait ] || return 0
	wait_for "[ \$(qemu_guest_ready_count) -gt $_qg_ready ] || ! kill -0 $QG_PID" \
		$((QG_BOOT_TIMEOUT * 10)) && [ "$(qemu_guest_ready_count)" -gt "$_qg_ready" ]
}

# The log backend may prefix "PID@SECONDS.USEC:" (with -msg timestamp=on).
qemu_guest_trace() {
	sed -n "s/^\([0-9]*@[0-9.]*:\)\{0,1\}\($1 .*\)/\2/p" "$QG_DIR/qemu.out"
}

qemu_guest_stop() {
	kill -TERM "$QG_PID"
	wait "$QG_PID"
}

qemu_guest_end() {
	if qemu_guest_stop; then ok "QEMU stops on SIGTERM"; else not_ok "QEMU stops on SIGTERM"; fi
}
