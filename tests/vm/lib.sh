# SPDX-License-Identifier: GPL-2.0-or-later
# Shared by the host-side scripts of the VM test tier; sourced, not run.
# shellcheck disable=SC2034  # the variables are for the scripts that source this

VM_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
VM_PROG=${0##*/}

# Downloads and unpacked packages live outside the tree so clones share them.
VM_CACHE=${TCECTL_VM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/tcectl-vm}
# Build products (binaries, initramfs, console log) of this tree.
VM_BUILD=${TCECTL_VM_BUILD:-$VM_DIR/build}
VM_ENV=$VM_CACHE/env.sh
# fetch.sh's private apt state for ppc64el packages (the host's stays untouched).
VM_APT_DIR=$VM_CACHE/apt

# Debian's triplet for the cross toolchain.
VM_TRIPLET=powerpc64le-linux-gnu

msg() { printf '%s: %s\n' "$VM_PROG" "$*" >&2; }
die() { printf '%s: error: %s\n' "$VM_PROG" "$*" >&2; exit 1; }

# depmod and modprobe live in /sbin, which a user's PATH may lack.
PATH=$PATH:/usr/sbin:/sbin

# apt-get and apt-cache through that private state.
papt_get() { APT_CONFIG=$VM_APT_DIR/apt.conf apt-get -q "$@"; }
papt_cache() { APT_CONFIG=$VM_APT_DIR/apt.conf apt-cache "$@"; }

# Load what fetch.sh recorded; refuse with the fix if it has not run.
vm_load_env() {
	[ -r "$VM_ENV" ] || die "no VM cache in $VM_CACHE; run tests/vm/fetch.sh first"
	# shellcheck source=/dev/null
	. "$VM_ENV"
	[ -r "$TCECTL_VM_VMLINUX" ] || die "kernel $TCECTL_VM_VMLINUX is missing; run tests/vm/fetch.sh"
}

# Seconds since the epoch with a fraction, for the timing report.
vm_now() { date +%s.%N; }
vm_elapsed() { awk -v a="$1" -v b="$(vm_now)" 'BEGIN { printf "%.1f", b - a }'; }

# A package's whole dependency closure as .deb files in @1 (libc included:
# the private apt state's dpkg status is empty), through the private apt
# state; apt's output in @2.  Status 1, with the last lines shown, if apt fails.
vm_download_closure() {
	local debs=$1 log=$2
	shift 2
	mkdir -p "$debs/partial"
	papt_get -y --download-only --no-install-recommends \
		-o Dir::Cache::archives="$debs/" install "$@" >"$log" 2>&1 || {
		tail -n 20 "$log" >&2
		return 1
	}
}

# Unpack .deb files into @1 as a merged-/usr tree (/bin, /lib, ... are
# symlinks into /usr, as on a Debian 12 system; tar keeps them).
vm_unpack_merged() {
	local full=$1 deb d
	shift
	mkdir -p "$full/usr/bin" "$full/usr/lib" "$full/usr/lib64" "$full/usr/sbin"
	for d in bin lib lib64 sbin; do ln -s "usr/$d" "$full/$d"; done
	for deb in "$@"; do
		dpkg-deb --fsys-tarfile "$deb" | tar -C "$full" -x --keep-directory-symlink ||
			die "cannot unpack $deb"
	done
}

# Copy the shared libraries the ppc64el programs @3... load, and the libraries
# those load, from the unpacked tree @1 into the directory @2, each under its
# soname (the file itself, no symlink chains).
vm_copy_libs() {
	local full=$1 dest=$2 queue seen=" " f lib path d
	shift 2
	queue=("$@")
	mkdir -p "$dest"
	while [ ${#queue[@]} -gt 0 ]; do
		f=${queue[0]}
		queue=("${queue[@]:1}")
		for lib in $("$VM_TRIPLET-readelf" -d "$f" |
			sed -n 's/.*(NEEDED).*Shared library: \[\(.*\)\]/\1/p'); do
			case $seen in *" $lib "*) continue ;; esac
			seen+="$lib "
			path=
			for d in lib usr/lib; do
				[ -e "$full/$d/$VM_TRIPLET/$lib" ] && { path=$full/$d/$VM_TRIPLET/$lib; break; }
			done
			[ -n "$path" ] || die "${f##*/} needs $lib, which its packages lack"
			cp -L "$path" "$dest/$lib"
			queue+=("$path")
		done
	done
}
