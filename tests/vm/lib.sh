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
