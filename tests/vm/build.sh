#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Cross-compile the VM test fixtures (minivmm, tcepeek, runas, qmp) for ppc64el, static,
# so the initramfs needs no shared libraries.
set -eu -o pipefail
. "$(dirname "$0")/lib.sh"

usage() {
	cat <<EOF
usage: $VM_PROG [-o DIR]

Builds DIR/minivmm, DIR/tcepeek, DIR/runas and DIR/qmp (default DIR: $VM_BUILD/bin).
CC overrides the compiler ($VM_TRIPLET-gcc).
EOF
}

out=$VM_BUILD/bin
while getopts o:h opt; do
	case $opt in
	o) out=$OPTARG ;;
	h) usage; exit 0 ;;
	*) usage >&2; exit 2 ;;
	esac
done

cc=${CC:-$VM_TRIPLET-gcc}
command -v "$cc" >/dev/null || die "no $cc; run tests/vm/fetch.sh to install the cross compiler"
cflags=(-std=gnu11 -O2 -g -Wall -Wextra -Werror)

mkdir -p "$out"
"$cc" "${cflags[@]}" -static -o "$out/minivmm" "$VM_DIR/minivmm.c" "$VM_DIR/guest.S" ||
	die "cannot build minivmm"
"$cc" "${cflags[@]}" -static -o "$out/tcepeek" "$VM_DIR/tcepeek.c" ||
	die "cannot build tcepeek"
"$cc" "${cflags[@]}" -static -o "$out/runas" "$VM_DIR/runas.c" ||
	die "cannot build runas"
"$cc" "${cflags[@]}" -static -o "$out/qmp" "$VM_DIR/qmp.c" ||
	die "cannot build qmp"
