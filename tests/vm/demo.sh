#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# make demo: tcectl on a real POWER KVM host with a real guest, from any
# x86 machine.  Through check.sh -Q (which fetches and installs what it
# needs on the first run, then boots), it boots Debian's ppc64el kernel on an
# emulated POWER9, starts QEMU with a Linux guest under KVM inside it, waits
# until the guest has used its disks, shows `tcectl list` and a dump of each
# of QEMU's three TCE tables, powers off, and prints timings.
set -eu -o pipefail
. "$(dirname "$0")/lib.sh"

usage() {
	cat <<EOF
usage: $VM_PROG -T TCECTL [-t SECONDS] [-v]

  -T TCECTL    tcectl cross-built for ppc64el, static (see tests/vm/README.md)
  -t SECONDS   VM time limit (default 600)
  -v           show the whole console of the emulated host
EOF
}

tcectl='' check_args=()
while getopts T:t:vh opt; do
	case $opt in
	T) tcectl=$OPTARG ;;
	t) check_args+=(-t "$OPTARG") ;;
	v) check_args+=(-v) ;;
	h) usage; exit 0 ;;
	*) usage >&2; exit 2 ;;
	esac
done
shift $((OPTIND - 1))
if [ $# -ne 0 ] || [ -z "$tcectl" ]; then
	usage >&2
	exit 2
fi
[ -x "$tcectl" ] || die "tcectl '$tcectl' is not an executable"

t0=$(vm_now)
msg "booting an emulated POWER9 host with a QEMU/KVM guest inside (TCG: no KVM needed here);"
msg "the first run installs host packages and fills a cache of about 470 MB (see tests/vm/README.md)"
log=$(mktemp "${TMPDIR:-/tmp}/tcectl-demo.XXXXXX")
trap 'rm -f "$log" "$log.err"' EXIT

# The payload's output: drop the test-runner's lines, keep "@@ time" lines
# for the end.
set +e
"$VM_DIR/check.sh" -Q -T "$tcectl" -p "$VM_DIR/payload-demo" \
	-e TCECTL_VM_TESTS=00-demo.sh "${check_args[@]}" 2>"$log.err" |
	tee "$log" |
	sed -u -e '/^@@ time /d' -e '/^ok [0-9]/d' -e '/^# 00-demo.sh/d' \
		-e '/^[0-9]* passed, 0 failed$/d' -e 's/^# kernel /host: kernel /'
status=${PIPESTATUS[0]}
set -e

echo
if [ "$status" != 0 ]; then
	cat "$log.err" >&2
	die "the demo failed (status $status); console log: ${TCECTL_VM_BUILD:-$VM_DIR/build}/console.log"
fi
times=$(sed -n 's/^check\.sh: times: //p' "$log.err")
echo "timings:"
sed -n 's/^@@ time \(.*\): \(.*\)$/  \1: \2/p' "$log"
# "fetch 0.1 s, build 1.2 s, VM 23.5 s, total 24.8 s"
echo "$times" | tr ',' '\n' | sed 's/^ *//; s/^fetch/  fetch (cached after the first run):/;
	s/^build/  build (fixtures, QEMU tree, initramfs):/; s/^VM/  emulated POWER host, boot to power-off:/;
	s/^total/  check.sh in all:/'
echo "  demo in all: $(vm_elapsed "$t0") s"
