#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Build the test VM's initramfs: busybox, /init (init.sh), the kernel modules
# asked for and everything they depend on, a few terminfo entries, the
# payload directory as /payload, and optionally whole root trees merged in
# (for example an unpacked QEMU for nested guests).
set -eu -o pipefail
. "$(dirname "$0")/lib.sh"

usage() {
	cat <<EOF
usage: $VM_PROG -o OUT [-p PAYLOAD_DIR] [-r ROOT_DIR]... [-m MODULE]... [-z]

  -o OUT          the cpio archive to write
  -p PAYLOAD_DIR  copied to /payload; its run-tests.sh is what /init runs
  -r ROOT_DIR     merged into / first (repeatable; symlinked /bin, /lib kept)
  -m MODULE       load MODULE at boot, with its dependencies (repeatable;
                  default: kvm_hv)
  -z              gzip the archive (smaller, but slower to boot under TCG)
EOF
}

out='' payload='' roots=() modules=() gzip=0
while getopts o:p:r:m:zh opt; do
	case $opt in
	o) out=$OPTARG ;;
	p) payload=$OPTARG ;;
	r) roots+=("$OPTARG") ;;
	m) modules+=("$OPTARG") ;;
	z) gzip=1 ;;
	h) usage; exit 0 ;;
	*) usage >&2; exit 2 ;;
	esac
done
[ -n "$out" ] || { usage >&2; exit 2; }
[ ${#modules[@]} -gt 0 ] || modules=(kvm_hv)
[ -z "$payload" ] || [ -d "$payload" ] || die "payload '$payload' is not a directory"
vm_load_env

stage=$(mktemp -d "${TMPDIR:-/tmp}/tcectl-initramfs.XXXXXX")
trap 'rm -rf "$stage"' EXIT
# mktemp makes it 0700, which would become the mode of / in the VM and shut
# out every uid but root.
chmod 0755 "$stage"

for r in "${roots[@]}"; do
	[ -d "$r" ] || die "root tree '$r' is not a directory"
	# --keep-directory-symlink: a merged-/usr tree's /bin -> usr/bin survives.
	tar -C "$r" -cf - . | tar -C "$stage" -xf - --keep-directory-symlink
done

# mkdir -p follows the symlinks a merged-/usr root tree brings.
mkdir -p "$stage/bin" "$stage/etc" "$stage/lib/modules/$TCECTL_VM_KVER"
cp "$TCECTL_VM_BUSYBOX" "$stage/bin/busybox"
install -m 0755 "$VM_DIR/init.sh" "$stage/init"

# Only the modules needed, found with the host's modprobe on the cache tree.
moddir=$stage/lib/modules/$TCECTL_VM_KVER
for m in "${modules[@]}"; do
	deps=$(modprobe -d "$VM_CACHE/kernel" -S "$TCECTL_VM_KVER" --show-depends "$m") ||
		die "no module $m in kernel $TCECTL_VM_KVER"
	while read -r kind path _; do
		[ "$kind" = insmod ] || continue
		rel=${path#"$TCECTL_VM_MODULES"/}
		mkdir -p "$moddir/$(dirname "$rel")"
		cp "$path" "$moddir/$rel"
	done <<<"$deps"
done
for f in modules.order modules.builtin modules.builtin.modinfo; do
	[ -e "$TCECTL_VM_MODULES/$f" ] && cp "$TCECTL_VM_MODULES/$f" "$moddir/"
done
depmod -b "$stage" "$TCECTL_VM_KVER" || die "depmod failed on the initramfs tree"
printf '%s\n' "${modules[@]}" >"$stage/etc/modules-load"

# Statically linked ncurses still needs terminfo for a live view.
for t in d/dumb l/linux v/vt100 v/vt220 x/xterm x/xterm-256color s/screen; do
	for d in /lib/terminfo /usr/share/terminfo; do
		if [ -r "$d/$t" ]; then
			mkdir -p "$stage/etc/terminfo/${t%/*}"
			cp "$d/$t" "$stage/etc/terminfo/$t"
			break
		fi
	done
done

if [ -n "$payload" ]; then
	mkdir -p "$stage/payload"
	cp -a "$payload/." "$stage/payload/"
fi

mkdir -p "$(dirname "$out")"
(
	cd "$stage"
	find . -print0 | LC_ALL=C sort -z |
		cpio --null -o -H newc --quiet -R 0:0
) | if [ $gzip = 1 ]; then gzip -1; else cat; fi >"$out.tmp"
mv "$out.tmp" "$out"
