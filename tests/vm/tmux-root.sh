#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# A terminal for the test VM: tmux for ppc64el, so a test can run a full-
# screen program (tcectl watch) in a pseudo-terminal of a known size, type
# keys into it and read the screen it drew as text (capture-pane); busybox
# has no terminal emulator.  Its package closure is downloaded through
# fetch.sh's private apt state and cut down to tmux, the shared libraries it
# loads, their loader and the C.UTF-8 locale (tmux refuses to start without
# a UTF-8 locale), kept apart under /opt/tmux so they never mix with
# QEMU's libraries (-Q); /usr/bin/tmux starts tmux through that loader.
# Prints the root tree to merge into the initramfs ($VM_CACHE/tmux/root).
set -eu -o pipefail
. "$(dirname "$0")/lib.sh"

case ${1:-} in
-h|--help) echo "usage: $VM_PROG   (prints the tmux root tree)"; exit 0 ;;
"") ;;
*) echo "usage: $VM_PROG" >&2; exit 2 ;;
esac

vm_load_env
[ -r "$VM_APT_DIR/apt.conf" ] || die "no private apt state; run tests/vm/fetch.sh first"
command -v "$VM_TRIPLET-readelf" >/dev/null || die "no $VM_TRIPLET-readelf; run tests/vm/fetch.sh"
TMUX_CACHE=$VM_CACHE/tmux
ROOT=$TMUX_CACHE/root
PREFIX=/opt/tmux

prepare_root() {
	local debs=$TMUX_CACHE/debs full stage

	mkdir -p "$TMUX_CACHE"
	msg "downloading tmux:ppc64el and its dependencies"
	# libc-bin: the C.UTF-8 locale (no dependency of tmux brings it).
	vm_download_closure "$debs" "$TMUX_CACHE.log" tmux libc-bin ||
		die "cannot download tmux's packages (see $TMUX_CACHE.log)"
	full=$(mktemp -d "${TMPDIR:-/tmp}/tcectl-tmux-full.XXXXXX")
	stage=$TMUX_CACHE/root.tmp
	rm -rf "$stage"
	vm_unpack_merged "$full" "$debs"/*.deb
	mkdir -p "$stage$PREFIX/bin" "$stage/usr/bin" "$stage/usr/lib/locale"
	cp "$full/usr/bin/tmux" "$stage$PREFIX/bin/"
	vm_copy_libs "$full" "$stage$PREFIX/lib" "$full/usr/bin/tmux"
	cp -L "$full/lib/$VM_TRIPLET/ld64.so.2" "$stage$PREFIX/lib/ld64.so.2"
	cp -a "$full/usr/lib/locale/C.utf8" "$stage/usr/lib/locale/"
	# tmux forks its server without exec, so the loader need only start it.
	cat >"$stage/usr/bin/tmux" <<EOF
#!/bin/sh
exec $PREFIX/lib/ld64.so.2 --library-path $PREFIX/lib $PREFIX/bin/tmux "\$@"
EOF
	chmod 0755 "$stage/usr/bin/tmux"
	rm -rf "$full"
	rm -rf "$ROOT"
	mv "$stage" "$ROOT"
	msg "tmux tree: $(du -sh "$ROOT" | cut -f1) in $ROOT"
}

[ -x "$ROOT$PREFIX/bin/tmux" ] || prepare_root
echo "$ROOT"
