#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Get everything the VM tests need:
#  - host tools, with apt-get install: qemu-system-ppc, the ppc64el cross
#    compiler and C library, kmod (depmod), cpio;
#  - into the cache ($TCECTL_VM_CACHE, else $XDG_CACHE_HOME/tcectl-vm, else
#    ~/.cache/tcectl-vm): Debian's newest ppc64el kernel, busybox-static, and
#    a sysroot with static libelf/zlib/zstd/ncurses for cross-building tcectl.
#
# ppc64el packages are fetched through a private apt state in the cache
# (its own architecture, index and lock), so the host's dpkg architectures and
# apt lists are left exactly as they were.  A second run downloads nothing.
set -eu -o pipefail
. "$(dirname "$0")/lib.sh"

usage() {
	cat <<EOF
usage: $VM_PROG [--update] [--print-env] [-q]

  --update     refresh the ppc64el package index and take the newest kernel
  --print-env  print the cache's environment (shell assignments) and exit
  -q           say nothing when the cache is already complete
EOF
}

update=0 quiet=0
while [ $# -gt 0 ]; do
	case $1 in
	--update) update=1 ;;
	--print-env) vm_load_env; cat "$VM_ENV"; exit 0 ;;
	-q) quiet=1 ;;
	-h|--help) usage; exit 0 ;;
	*) usage >&2; exit 2 ;;
	esac
	shift
done

HOST_PACKAGES="qemu-system-ppc gcc-$VM_TRIPLET binutils-$VM_TRIPLET
	libc6-dev-ppc64el-cross kmod cpio"
# Static libraries and headers for tcectl; only unpacked, never installed.
# json-c parses QEMU's monitor replies (tcectl list's device names).
SYSROOT_PACKAGES=(libelf-dev libelf1 zlib1g-dev libzstd-dev libncurses-dev libjson-c-dev libjson-c5)

ensure_host_packages() {
	local missing=() p

	for p in $HOST_PACKAGES; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q ' installed$' ||
			missing+=("$p")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	local sudo=()
	if [ "$(id -u)" != 0 ]; then
		command -v sudo >/dev/null ||
			die "missing host packages: ${missing[*]}; install them as root: apt-get install ${missing[*]}"
		sudo=(sudo)
	fi
	msg "installing host packages: ${missing[*]}"
	# The host index may be stale or empty on a fresh machine.
	"${sudo[@]}" apt-get update -q || msg "warning: apt-get update reported errors; trying the install anyway"
	"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" ||
		die "apt-get install ${missing[*]} failed"
}

# The cache is complete when env.sh exists and everything it names exists.
cache_complete() {
	[ -r "$VM_ENV" ] || return 1
	(
		# shellcheck source=/dev/null
		. "$VM_ENV"
		[ -r "$TCECTL_VM_VMLINUX" ] && [ -r "$TCECTL_VM_MODULES/modules.dep" ] &&
			[ -x "$TCECTL_VM_BUSYBOX" ] && [ -r "$TCECTL_VM_SYSROOT/usr/include/libelf.h" ] &&
			[ -r "$TCECTL_VM_SYSROOT/usr/lib/$VM_TRIPLET/libncursesw.a" ] &&
			[ -r "$TCECTL_VM_SYSROOT/usr/lib/$VM_TRIPLET/libjson-c.a" ] &&
			[ "$TCECTL_VM_LIBS" = "$VM_LIBS" ]
	)
}

DEB_DIR=$VM_CACHE/debs

setup_private_apt() {
	mkdir -p "$VM_APT_DIR/state/lists/partial" "$VM_APT_DIR/cache/archives/partial" "$DEB_DIR"
	[ -e "$VM_APT_DIR/status" ] || : >"$VM_APT_DIR/status"
	# The host's sources and apt.conf.d (proxies, mirrors) still apply.
	{
		echo "Dir::State \"$VM_APT_DIR/state\";"
		echo "Dir::State::status \"$VM_APT_DIR/status\";"
		echo "Dir::Cache \"$VM_APT_DIR/cache\";"
		echo 'APT::Architecture "ppc64el";'
		echo 'APT::Architectures { "ppc64el"; };'
		# _apt cannot write into a user's cache directory.
		echo 'APT::Sandbox::User "root";'
	} >"$VM_APT_DIR/apt.conf"
}

have_index() {
	compgen -G "$VM_APT_DIR/state/lists/*_binary-ppc64el_Packages*" >/dev/null
}

update_index() {
	msg "updating the private ppc64el package index"
	# The ppc64el security index is often out of sync on the mirrors and
	# makes apt-get exit non-zero although the main archive is fine, so
	# judge by whether the packages we need are known afterwards.
	if ! papt_get update >"$VM_APT_DIR/update.log" 2>&1; then
		msg "note: apt-get update reported errors (see $VM_APT_DIR/update.log):"
		grep -E '^(E|W):' "$VM_APT_DIR/update.log" | head -5 >&2 || true
	fi
	have_index || die "no ppc64el package index could be downloaded; see $VM_APT_DIR/update.log"
}

# The kernel package the linux-image-powerpc64le metapackage points at.
newest_kernel_package() {
	local pkg

	pkg=$(papt_cache depends linux-image-powerpc64le 2>/dev/null |
		sed -n 's/^ *Depends: \(linux-image-[0-9.]*-[0-9]*-powerpc64le\)$/\1/p' | head -1)
	if [ -z "$pkg" ]; then
		# Fall back to the highest ABI among the 6.1 kernels.
		pkg=$(papt_cache pkgnames linux-image-6.1.0- 2>/dev/null |
			grep -E '^linux-image-6\.1\.0-[0-9]+-powerpc64le$' | sort -V | tail -1)
	fi
	[ -n "$pkg" ] || die "no linux-image-*-powerpc64le package in the ppc64el index"
	echo "$pkg"
}

# File name a package's candidate version downloads to.
deb_file() {
	local name ver

	ver=$(papt_cache policy "$1" | sed -n 's/^ *Candidate: //p')
	if [ -z "$ver" ] || [ "$ver" = "(none)" ]; then
		die "package $1 is not in the ppc64el index"
	fi
	name="${1}_${ver//:/%3a}_ppc64el.deb"
	echo "$DEB_DIR/$name"
}

# Download what is not in the cache yet; status 1 if apt-get failed.
download() {
	local pkg deb todo=()

	for pkg in "$@"; do
		deb=$(deb_file "$pkg")
		[ -s "$deb" ] || todo+=("$pkg")
	done
	[ ${#todo[@]} -eq 0 ] && return 0
	msg "downloading ${todo[*]}"
	(cd "$DEB_DIR" && papt_get download "${todo[@]}") || return 1
	for pkg in "${todo[@]}"; do
		[ -s "$(deb_file "$pkg")" ] || die "download of $pkg produced no file"
	done
}

# Unpack @debs into @dir unless it already holds exactly those.
unpack() {
	local dir=$1 stamp deb
	shift
	stamp=$(printf '%s\n' "${@##*/}")
	[ -r "$dir/.unpacked" ] && [ "$(cat "$dir/.unpacked")" = "$stamp" ] && return 0
	rm -rf "$dir.tmp"
	mkdir -p "$dir.tmp"
	for deb in "$@"; do
		dpkg-deb -x "$deb" "$dir.tmp" || die "cannot unpack $deb"
	done
	printf '%s\n' "$stamp" >"$dir.tmp/.unpacked"
	rm -rf "$dir"
	mv "$dir.tmp" "$dir"
}

# What a static tcectl links, in link order; an env.sh naming other
# libraries was written for an older sysroot and is fetched again.
VM_LIBS='-lelf -lz -lzstd -lncursesw -ltinfo -ljson-c'

write_env() {
	local kver=$1 sysroot=$VM_CACHE/sysroot
	local libdir=$sysroot/usr/lib/$VM_TRIPLET

	cat >"$VM_ENV.tmp" <<EOF
# Written by tests/vm/fetch.sh; source it to cross-build for the test VM.
TCECTL_VM_CACHE='$VM_CACHE'
TCECTL_VM_KVER='$kver'
TCECTL_VM_VMLINUX='$VM_CACHE/kernel/boot/vmlinux-$kver'
TCECTL_VM_MODULES='$VM_CACHE/kernel/lib/modules/$kver'
TCECTL_VM_BUSYBOX='$VM_CACHE/busybox/bin/busybox'
TCECTL_VM_SYSROOT='$sysroot'
TCECTL_VM_CC='$VM_TRIPLET-gcc'
TCECTL_VM_CPPFLAGS='-I$sysroot/usr/include'
TCECTL_VM_LDFLAGS='-static -L$libdir'
TCECTL_VM_LIBS='$VM_LIBS'
TCECTL_VM_PKG_CONFIG_LIBDIR='$libdir/pkgconfig'
TCECTL_VM_PKG_CONFIG_SYSROOT_DIR='$sysroot'
EOF
	mv "$VM_ENV.tmp" "$VM_ENV"
}

main() {
	local start kpkg kver sysdebs=() p

	start=$(vm_now)
	ensure_host_packages
	if [ $update = 0 ] && cache_complete; then
		[ $quiet = 1 ] || msg "cache $VM_CACHE is complete; nothing to download"
		return 0
	fi
	mkdir -p "$VM_CACHE"
	setup_private_apt
	if [ $update = 1 ] || ! have_index; then
		update_index
		update=1
	fi

	kpkg=$(newest_kernel_package)
	msg "kernel package: $kpkg"
	if ! download "$kpkg" busybox-static "${SYSROOT_PACKAGES[@]}"; then
		# An old index may name files the mirror no longer has.
		[ $update = 0 ] || die "download failed (network or mirror problem; see above)"
		msg "download failed; refreshing the index and trying once more"
		update_index
		kpkg=$(newest_kernel_package)
		download "$kpkg" busybox-static "${SYSROOT_PACKAGES[@]}" ||
			die "download failed (network or mirror problem; see above)"
	fi
	kver=${kpkg#linux-image-}

	unpack "$VM_CACHE/kernel" "$(deb_file "$kpkg")"
	[ -r "$VM_CACHE/kernel/boot/vmlinux-$kver" ] || die "$kpkg has no boot/vmlinux-$kver"
	# Debian builds modules.dep at install time; the package has none.
	if [ ! -s "$VM_CACHE/kernel/lib/modules/$kver/modules.dep" ]; then
		depmod -b "$VM_CACHE/kernel" "$kver" || die "depmod failed for $kver"
	fi
	unpack "$VM_CACHE/busybox" "$(deb_file busybox-static)"
	for p in "${SYSROOT_PACKAGES[@]}"; do
		sysdebs+=("$(deb_file "$p")")
	done
	unpack "$VM_CACHE/sysroot" "${sysdebs[@]}"

	write_env "$kver"
	cache_complete || die "cache $VM_CACHE is incomplete after fetching"
	msg "cache $VM_CACHE ready in $(vm_elapsed "$start") s"
}

main
