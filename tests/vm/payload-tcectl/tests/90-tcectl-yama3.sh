# SPDX-License-Identifier: GPL-2.0-or-later
#
# Yama ptrace_scope 3 forbids attaching to anyone, root included: tcectl
# exits 4 and says that root was refused too and that ptrace_scope 3 forbids
# it, for PID:FD and PID targets and for another uid.  ptrace_scope 3 cannot
# be lowered again until reboot, so this file must stay the last one of the
# run (it restores nothing); the tables can still be re-created right after
# each attempt.
. "$PAYLOAD/lib/tcectl.sh"

yama=/proc/sys/kernel/yama/ptrace_scope
hint="see tcectl(1) PERMISSIONS"
if [ ! -w "$yama" ]; then
	not_ok "the kernel has Yama ($yama)"
	exit 0
fi

tc_vmm_begin || exit 0

# Before: root attaches.
fd=$(tfield vscsi fd)
tc list -n "$pid:$fd"
tc_recreate "list before Yama 3" 0x71000003
tc_rc 0 "before: root lists a table under Yama $(cat $yama)"

echo 3 >"$yama"
is "$(cat "$yama")" 3 "Yama ptrace_scope set to 3"
echo 0 >"$yama" 2>/dev/null
is "$(cat "$yama")" 3 "Yama ptrace_scope 3 cannot be lowered"

root_why="root was refused too, so a security module, a seccomp filter or a user namespace forbids it; Yama ptrace_scope is 3, which forbids attaching at all"
for verb in list dump; do
	fd=$(tfield vscsi fd)
	tc $verb "$pid:$fd"
	tc_recreate "$verb as root under Yama 3" 0x71000003
	tc_rc 4 "Yama 3: $verb PID:FD as root exits 4"
	is "$(cat "$TC_ERR")" \
		"tcectl: $verb: cannot attach to pid $pid: Operation not permitted; $root_why; $hint" \
		"Yama 3: $verb as root: the message says root was refused and why"
done

tc list "$pid"
tc_rc 4 "Yama 3: list PID as root exits 4"
is "$(sort -u "$TC_ERR") x$(wc -l <"$TC_ERR")" \
	"tcectl: list: cannot attach to pid $pid: Operation not permitted; $root_why; $hint x4" \
	"Yama 3: list PID as root: each of the 4 tables is refused with the same message"
# shellcheck disable=SC2046
tc_recreate "list PID as root under Yama 3" $(all_liobns)

fd=$(tfield pci0 fd)
tc_as 1000 list "$pid:$fd"
tc_recreate "list as uid 1000 under Yama 3" 0x80000000
tc_rc 4 "Yama 3: list PID:FD as uid 1000 exits 4"
is "$(cat "$TC_ERR")" \
	"tcectl: list: cannot attach to pid $pid: Operation not permitted; run as root or with CAP_SYS_PTRACE (pid $pid runs as uid 0, not 1000); Yama ptrace_scope is 3, which forbids attaching at all; $hint" \
	"Yama 3: list as uid 1000: the message names the uids and ptrace_scope 3"

vmm_end
exit 0
