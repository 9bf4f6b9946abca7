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
readelf=$VM_TRIPLET-readelf

# Shared libraries @1 asks for by name.
needed() {
	"$readelf" -d "$1" | sed -n 's/.*(NEEDED).*Shared library: \[\(.*\)\]/\1/p'
}

# Copy qemu-system-ppc64 and what it loads from the unpacked @1 into $ROOT.
cut_down() {
	local full=$1 stage=$2 queue=() seen=" " lib path f d

	mkdir -p "$stage/usr/bin" "$stage/lib/$VM_TRIPLET" "$stage/lib64" "$stage/usr/share/qemu"
	cp "$full/usr/bin/qemu-system-ppc64" "$stage/usr/bin/"
	queue=("$full/usr/bin/qemu-system-ppc64")
	while [ ${#queue[@]} -gt 0 ]; do
		f=${queue[0]}
		queue=("${queue[@]:1}")
		for lib in $(needed "$f"); do
			case $seen in *" $lib "*) continue ;; esac
			seen+="$lib "
			path=
			for d in lib usr/lib; do
				[ -e "$full/$d/$VM_TRIPLET/$lib" ] && { path=$full/$d/$VM_TRIPLET/$lib; break; }
			done
			[ -n "$path" ] || die "qemu-system-ppc64 needs $lib, which its packages lack"
			# -L: the file itself under its soname, no symlink chains.
			cp -L "$path" "$stage/lib/$VM_TRIPLET/$lib"
			queue+=("$path")
		done
	done
	# The program interpreter, where the binary asks for it.
	cp -L "$full/lib/$VM_TRIPLET/ld64.so.2" "$stage/lib64/ld64.so.2"
	cp "$full/usr/share/qemu/slof.bin" "$full/usr/share/qemu/vof.bin" "$stage/usr/share/qemu/"
}

prepare_root() {
	local debs=$QEMU_CACHE/debs full stage d deb

	[ -x "$ROOT/usr/bin/qemu-system-ppc64" ] && return 0
	mkdir -p "$debs/partial"
	msg "downloading qemu-system-ppc:ppc64el and its dependencies"
	# An empty dpkg status: apt fetches the whole closure, libc included.
	papt_get -y --download-only --no-install-recommends \
		-o Dir::Cache::archives="$debs/" install qemu-system-ppc >"$QEMU_CACHE.log" 2>&1 || {
		tail -n 20 "$QEMU_CACHE.log" >&2
		die "cannot download QEMU's packages (see $QEMU_CACHE.log)"
	}
	full=$(mktemp -d "${TMPDIR:-/tmp}/tcectl-qemu-full.XXXXXX")
	stage=$QEMU_CACHE/root.tmp
	rm -rf "$stage"
	# Merged /usr, as on a Debian 12 system; the symlinks must survive tar.
	mkdir -p "$full/usr/bin" "$full/usr/lib" "$full/usr/lib64" "$full/usr/sbin"
	for d in bin lib lib64 sbin; do ln -s "usr/$d" "$full/$d"; done
	for deb in "$debs"/*.deb; do
		dpkg-deb --fsys-tarfile "$deb" | tar -C "$full" -x --keep-directory-symlink ||
			die "cannot unpack $deb"
	done
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

command -v "$readelf" >/dev/null || die "no $readelf; run tests/vm/fetch.sh"
mkdir -p "$QEMU_CACHE"
prepare_root
prepare_overlay
echo "$ROOT $OVERLAY"
