#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# The real-kernel test tier in one command: fetch (cached), cross-build the
# fixtures, stage the payload, build the initramfs, boot it, report.  Exit
# status 0 only if every payload test passed; 3 if the VM run itself failed.
set -eu -o pipefail
. "$(dirname "$0")/lib.sh"

usage() {
	cat <<EOF
usage: $VM_PROG [-Q] [-p DIR]... [-T TCECTL] [-t SECONDS] [-e VAR=VALUE]... [-v]

  -Q           also run a real QEMU with a KVM guest inside the VM (qemu-guest.sh;
               larger initramfs, 3 GiB of VM memory)
  -p DIR       copy DIR over the payload (bin/, tests/, ... ; repeatable)
  -T TCECTL    a cross-built tcectl, installed as payload bin/tcectl
  -t SECONDS   VM time limit (default 600)
  -e VAR=VALUE environment for the payload, e.g. TCECTL_VM_TESTS=10-*
  -v           show the whole console

Environment: TCECTL_VM_PAYLOAD (colon-separated extra payload dirs),
TCECTL_VM_TCECTL (as -T), TCECTL_VM_CACHE, TCECTL_VM_BUILD ($VM_BUILD).
EOF
}

extra=() tcectl=${TCECTL_VM_TCECTL:-} timeout_s=600 run_args=() qemu=0 mk_args=()
if [ -n "${TCECTL_VM_PAYLOAD:-}" ]; then
	IFS=: read -r -a extra <<<"$TCECTL_VM_PAYLOAD"
fi
while getopts Qp:T:t:e:vh opt; do
	case $opt in
	Q) qemu=1 ;;
	p) extra+=("$OPTARG") ;;
	T) tcectl=$OPTARG ;;
	t) timeout_s=$OPTARG ;;
	e) run_args+=(-e "$OPTARG") ;;
	v) run_args+=(-v) ;;
	h) usage; exit 0 ;;
	*) usage >&2; exit 2 ;;
	esac
done
shift $((OPTIND - 1))
[ $# -eq 0 ] || { usage >&2; exit 2; }

t0=$(vm_now)
"$VM_DIR/fetch.sh" -q
t_fetch=$(vm_elapsed "$t0")

t1=$(vm_now)
mkdir -p "$VM_BUILD"
"$VM_DIR/build.sh" -o "$VM_BUILD/bin"

# tmux, for the tests that read the screen of a full-screen program.
tmux_root=$("$VM_DIR/tmux-root.sh") || die "cannot prepare tmux for the VM"
mk_args+=(-r "$tmux_root")

if [ $qemu = 1 ]; then
	read -r qemu_root qemu_overlay < <("$VM_DIR/qemu-guest.sh") ||
		die "cannot prepare the nested QEMU guest"
	[ -n "$qemu_overlay" ] || die "cannot prepare the nested QEMU guest"
	extra=("$qemu_overlay" "${extra[@]}")
	mk_args+=(-r "$qemu_root")
	run_args+=(-m 3G)
fi

# Stage the payload: ours, the fixtures, then the caller's additions.
payload=$VM_BUILD/payload
rm -rf "$payload"
cp -a "$VM_DIR/payload" "$payload"
mkdir -p "$payload/bin"
cp "$VM_BUILD/bin/minivmm" "$VM_BUILD/bin/tcepeek" "$VM_BUILD/bin/runas" \
	"$VM_BUILD/bin/qmp" "$payload/bin/"
for d in "${extra[@]}"; do
	[ -d "$d" ] || die "payload directory '$d' does not exist"
	cp -a "$d/." "$payload/"
done
if [ -n "$tcectl" ]; then
	[ -x "$tcectl" ] || die "tcectl '$tcectl' is not an executable"
	! command -v file >/dev/null || file -b "$tcectl" | grep -q 'PowerPC' ||
		msg "warning: $tcectl does not look like a ppc64el binary"
	cp "$tcectl" "$payload/bin/tcectl"
fi

"$VM_DIR/mkinitramfs.sh" -o "$VM_BUILD/initramfs.cpio" -p "$payload" "${mk_args[@]}"
t_build=$(vm_elapsed "$t1")

t2=$(vm_now)
set +e
"$VM_DIR/run.sh" -t "$timeout_s" -l "$VM_BUILD/console.log" "${run_args[@]}" \
	"$VM_BUILD/initramfs.cpio"
status=$?
set -e
t_run=$(vm_elapsed "$t2")

msg "times: fetch ${t_fetch} s, build ${t_build} s, VM ${t_run} s, total $(vm_elapsed "$t0") s"
if [ $status = 0 ]; then
	msg "PASS"
else
	msg "FAIL (status $status); console log: $VM_BUILD/console.log"
fi
exit $status
