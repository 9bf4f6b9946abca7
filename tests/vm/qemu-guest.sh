#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Prepare a real QEMU guest to run inside the test VM (check.sh -Q):
#  - QEMU for ppc64el: its package closure downloaded through fetch.sh's
#    private apt state, unpacked, and cut down to qemu-system-ppc64, the
#    shared libraries it loads and the SLOF firmware ($VM_CACHE/qemu/root);
#  - the guest: the same kernel and a busybox initramfs that loads the v-scsi
#    and virtio-pci disk drivers and reads both disks, plus the outer tests
#    (payload-qemu/), as a payload overlay ($VM_BUILD/qemu-guest).
# Prints "ROOT OVERLAY" on standard output.
set -eu -o pipefail
. "$(dirname "$0")/lib.sh"

case ${1:-} in
-h|--help) echo "usage: $VM_PROG   (prints the QEMU root tree and the payload overlay)"; exit 0 ;;
"") ;;
*) echo "usage: $VM_PROG" >&2; exit 2 ;;
esac

vm_load_env
[ -r "$VM_APT_DIR/apt.conf" ] || die "no private apt state; run tests/vm/fetch.sh first"
QEMU_CACHE=$VM_CACHE/qemu
ROOT=$QEMU_CACHE/root
OVERLAY=$VM_BUILD/qemu-guest
GUEST_MODULES=(ibmvscsi sd_mod virtio_pci virtio_blk)

# Copy qemu-system-ppc64, what it loads and its firmware from the unpacked
# @1 into @2.
cut_down() {
	local full=$1 stage=$2

	mkdir -p "$stage/usr/bin" "$stage/lib64" "$stage/usr/share/qemu"
	cp "$full/usr/bin/qemu-system-ppc64" "$stage/usr/bin/"
	vm_copy_libs "$full" "$stage/lib/$VM_TRIPLET" "$full/usr/bin/qemu-system-ppc64"
	# The program interpreter, where the binary asks for it.
	cp -L "$full/lib/$VM_TRIPLET/ld64.so.2" "$stage/lib64/ld64.so.2"
	cp "$full/usr/share/qemu/slof.bin" "$full/usr/share/qemu/vof.bin" "$stage/usr/share/qemu/"
}

prepare_root() {
	local debs=$QEMU_CACHE/debs full stage

	[ -x "$ROOT/usr/bin/qemu-system-ppc64" ] && return 0
	msg "downloading qemu-system-ppc:ppc64el and its dependencies"
	vm_download_closure "$debs" "$QEMU_CACHE.log" qemu-system-ppc ||
		die "cannot download QEMU's packages (see $QEMU_CACHE.log)"
	full=$(mktemp -d "${TMPDIR:-/tmp}/tcectl-qemu-full.XXXXXX")
	stage=$QEMU_CACHE/root.tmp
	rm -rf "$stage"
	vm_unpack_merged "$full" "$debs"/*.deb
	cut_down "$full" "$stage"
	rm -rf "$full"
	mv "$stage" "$ROOT"
	msg "QEMU tree: $(du -sh "$ROOT" | cut -f1) in $ROOT"
}

prepare_overlay() {
	local mods=() m

	rm -rf "$OVERLAY"
	mkdir -p "$OVERLAY/guest"
	cp -a "$VM_DIR/payload-qemu/." "$OVERLAY/"
	cp "$TCECTL_VM_VMLINUX" "$OVERLAY/guest/vmlinux"
	for m in "${GUEST_MODULES[@]}"; do mods+=(-m "$m"); done
	"$VM_DIR/mkinitramfs.sh" -o "$OVERLAY/guest/initramfs.cpio" \
		-p "$VM_DIR/guest-payload" "${mods[@]}"
}

command -v "$VM_TRIPLET-readelf" >/dev/null || die "no $VM_TRIPLET-readelf; run tests/vm/fetch.sh"
mkdir -p "$QEMU_CACHE"
prepare_root
prepare_overlay
echo "$ROOT $OVERLAY"
