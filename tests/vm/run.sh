#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Boot the test VM: Debian's ppc64el kernel on an emulated POWER9 pseries
# machine with nested KVM-HV (TCG; the host needs no KVM), with the given
# initramfs.  Prints the payload's output, keeps the whole console in a log,
# and exits with the payload's status, or 3 if the run itself went wrong:
# timeout, no end marker, or a kernel oops/BUG/WARNING/panic in the log.
set -eu -o pipefail
. "$(dirname "$0")/lib.sh"

usage() {
	cat <<EOF
usage: $VM_PROG [-t SECONDS] [-m MEM] [-c CPUS] [-l LOG] [-e VAR=VALUE]... [-a ARGS] [-v] INITRD

  -t SECONDS   give up after this long (default 300)
  -m MEM       guest memory (default 2G)
  -c CPUS      guest CPUs (default 1; TCG runs them on one host thread each)
  -l LOG       console log (default: console.log beside INITRD)
  -e VAR=VALUE put VAR in the environment of /init and the payload
  -a ARGS      more kernel command-line words
  -v           show the whole console, not only the payload's part
EOF
}

timeout_s=300 mem=2G cpus=1 log='' append='' verbose=0
while getopts t:m:c:l:e:a:vh opt; do
	case $opt in
	t) timeout_s=$OPTARG ;;
	m) mem=$OPTARG ;;
	c) cpus=$OPTARG ;;
	l) log=$OPTARG ;;
	e) [[ $OPTARG == [A-Za-z_]*=* && $OPTARG != *[[:space:]]* ]] ||
		die "-e wants VAR=VALUE without blanks"
	   append+=" $OPTARG" ;;
	a) append+=" $OPTARG" ;;
	v) verbose=1 ;;
	h) usage; exit 0 ;;
	*) usage >&2; exit 2 ;;
	esac
done
shift $((OPTIND - 1))
[ $# -eq 1 ] || { usage >&2; exit 2; }
initrd=$1
[ -r "$initrd" ] || die "no initramfs '$initrd'"
[ -n "$log" ] || log=$(dirname "$initrd")/console.log
vm_load_env
command -v qemu-system-ppc64 >/dev/null || die "no qemu-system-ppc64; run tests/vm/fetch.sh"

BEGIN='@@@ tcectl-vm payload begin @@@'
END_RE='@@@ tcectl-vm payload end status=[0-9]+ @@@'
# Kernel trouble, in the console or in the dmesg /init prints at the end.
KERNEL_TROUBLE='Kernel panic|Oops[: ]|BUG: |kernel BUG at|WARNING: CPU|Unable to handle kernel|Call Trace:|cut here|soft lockup|hung_task|rcu_sched detected stall|rcu: INFO'

# The caps silence warnings about Spectre mitigations TCG cannot emulate;
# cap-nested-hv lets the guest kernel run KVM-HV guests of its own.
machine=pseries,cap-nested-hv=on,cap-cfpc=broken,cap-sbbc=broken,cap-ibs=broken,cap-ccf-assist=off
# panic=-1 reboots at once on a panic; -no-reboot turns that into an exit.
cmdline="console=hvc0 quiet panic=-1$append"

start=$(vm_now)
set +e
timeout -k 10 "$timeout_s" qemu-system-ppc64 -M "$machine" -cpu POWER9 -smp "$cpus" -m "$mem" \
	-nographic -nodefaults -serial mon:stdio -no-reboot \
	-kernel "$TCECTL_VM_VMLINUX" -initrd "$initrd" -append "$cmdline" </dev/null 2>&1 |
	tr -d '\r' | tee "$log" |
	if [ $verbose = 1 ]; then cat; else sed -u -n "/$BEGIN/,/@@@ tcectl-vm payload end/{/@@@ tcectl-vm/!p}"; fi
qemu_rc=${PIPESTATUS[0]}
set -e
elapsed=$(vm_elapsed "$start")

trouble=0
if [ "$qemu_rc" = 124 ] || [ "$qemu_rc" = 137 ]; then
	msg "FAIL: the VM did not finish within $timeout_s s; last console lines ($log):"
	tail -n 20 "$log" >&2
	trouble=1
elif [ "$qemu_rc" != 0 ]; then
	msg "FAIL: qemu-system-ppc64 exited with status $qemu_rc; console log: $log"
	tail -n 20 "$log" >&2
	trouble=1
fi
if grep -nE "$KERNEL_TROUBLE" "$log" >"$log.trouble"; then
	msg "FAIL: the kernel reported a problem ($log):"
	head -n 40 "$log.trouble" >&2
	trouble=1
fi
rm -f "$log.trouble"
if grep -q 'unhandled signal' "$log"; then
	msg "warning: a process in the VM died of a signal:"
	grep 'unhandled signal' "$log" | head -n 5 >&2
fi

status=$(grep -oE "$END_RE" "$log" | tail -n 1 | sed 's/.*status=\([0-9]*\).*/\1/' || true)
if [ -z "$status" ]; then
	if ! grep -q "$BEGIN" "$log"; then
		msg "FAIL: the payload never started; console log: $log"
		[ $trouble = 1 ] || tail -n 20 "$log" >&2
	else
		msg "FAIL: the payload did not finish (no end marker); console log: $log"
	fi
	trouble=1
fi

msg "VM run took $elapsed s; console log: $log"
[ $trouble = 0 ] || exit 3
exit "$status"
