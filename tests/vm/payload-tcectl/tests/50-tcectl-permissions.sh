# SPDX-License-Identifier: GPL-2.0-or-later
#
# Who may attach, on the real kernel, and what tcectl says when it may not:
# another uid is refused (exit 4, a message naming both uids), also in the
# bare PID form, where /proc/PID/fd cannot be read; the VMM's own uid is
# refused when the VMM is not dumpable; with a dumpable VMM of its own uid it
# works under Yama ptrace_scope 0 but not 1 (tcectl is not the VMM's
# ancestor) or 2, where root still works.  ptrace_scope is set back to 0 at
# the end (3 is tested last, in 90-tcectl-yama3.sh, as it cannot be undone).
# Every table can be re-created right after each attempt.
. "$PAYLOAD/lib/tcectl.sh"

U=1000
yama=/proc/sys/kernel/yama/ptrace_scope
cols=PID,COMM,FD,ENTRIES,MAPPED,RW,R,W,NONE
hint="see tcectl(1) PERMISSIONS"

# The refusal tcectl VERB prints for PID, with the middle part WHY.
refused() {
	echo "tcectl: $1: cannot attach to pid $2: Operation not permitted; $3; $hint"
}
no_fds() {
	echo "tcectl: $1: cannot read the file descriptors of pid $2: Permission denied; $3; $hint"
}

# Start minivmm as uid $U (with minivmm's ARGS), in a directory it may write.
vmm_start_as_user() {
	# shellcheck disable=SC2034  # minivmm.sh uses it
	VMM_DIR=/tmp/minivmm-u$U.$$
	_old_umask=$(umask)
	umask 000
	# vmm_start runs "minivmm ... &": this makes that process become runas.
	# shellcheck disable=SC2317  # called by vmm_start
	minivmm() { exec runas "$U" "$U" "$PAYLOAD/bin/minivmm" "$@"; }
	vmm_start "$@"
	_vsu_rc=$?
	unset -f minivmm
	umask "$_old_umask"
	return $_vsu_rc
}

if [ -r "$yama" ]; then
	is "$(cat $yama)" 0 "the kernel has Yama, with ptrace_scope 0"
else
	not_ok "the kernel has Yama ($yama)"
fi

# --- (a) root's VMM, tcectl as uid 1000 ---
if ! vmm_start; then
	not_ok "minivmm starts as root"
	exit 0
fi
ok "minivmm starts as root"
vmm_save_golden
pid=$VMM_PID
why="run as root or with CAP_SYS_PTRACE (pid $pid runs as uid 0, not $U)"

fd=$(tfield vscsi fd)
tc_as $U list "$pid:$fd"
tc_recreate "list as uid $U" 0x71000003
tc_rc 4 "list PID:FD of root's VMM as uid $U exits 4"
is "$(cat "$TC_ERR")" "$(refused list "$pid" "$why")" "list as uid $U: the message names both uids"
is "$TC_RC:$(cat "$TC_OUT")" "4:" "list as uid $U: nothing on stdout"

for verb in dump translate who-maps; do
	fd=$(tfield vscsi fd)
	case $verb in
	dump) tc_as $U dump "$pid:$fd" ;;
	*) tc_as $U $verb "$pid:$fd" 0x1000 ;;
	esac
	tc_recreate "$verb as uid $U" 0x71000003
	tc_rc 4 "$verb PID:FD of root's VMM as uid $U exits 4"
	is "$(cat "$TC_ERR")" "$(refused $verb "$pid" "$why")" "$verb as uid $U: the same message"
done

tc_as $U list "$pid"
tc_rc 4 "list PID of root's VMM as uid $U exits 4 (its /proc/PID/fd is closed to uid $U)"
is "$(cat "$TC_ERR")" "$(no_fds list "$pid" "$why")" "list PID as uid $U: the message names both uids"
# shellcheck disable=SC2046
tc_recreate "list PID as uid $U" $(all_liobns)

tc_as $U list -n
is "$TC_RC:$(cat "$TC_OUT")" "0:" "list (host-wide) as uid $U exits 0 and finds no table it may read"
is "$(sed 's/warning: [0-9][0-9]* processes/warning: N processes/' "$TC_ERR")" \
	"tcectl: list: warning: N processes could not be inspected; run as root or with CAP_SYS_PTRACE to see them all" \
	"list (host-wide) as uid $U warns about the processes it could not inspect"
# shellcheck disable=SC2046
tc_recreate "list (host-wide) as uid $U" $(all_liobns)

vmm_end "minivmm (root)"

# --- (b) uid 1000's non-dumpable VMM, tcectl as uid 1000 ---
kvm_mode=$(stat -c %a /dev/kvm)
chmod 0666 /dev/kvm
if ! vmm_start_as_user -D; then
	not_ok "minivmm -D starts as uid $U"
else
	ok "minivmm -D starts as uid $U"
	vmm_save_golden
	pid=$VMM_PID
	is "$(awk '/^Uid:/ { print $2, $3, $4, $5 }' /proc/"$pid"/status) $(stat -c %u /proc/"$pid"/status)" \
		"$U $U $U $U 0" "minivmm -D runs as uid $U and is not dumpable (its /proc files belong to root)"
	why="run as root or with CAP_SYS_PTRACE (pid $pid is not dumpable, so its own uid cannot attach)"

	fd=$(tfield vscsi fd)
	tc_as $U list "$pid:$fd"
	tc_recreate "list of a non-dumpable VMM as its uid" 0x71000003
	tc_rc 4 "list PID:FD of a non-dumpable VMM as its own uid exits 4"
	is "$(cat "$TC_ERR")" "$(refused list "$pid" "$why")" "list of a non-dumpable VMM: the message says so"

	tc_as $U list "$pid"
	tc_rc 4 "list PID of a non-dumpable VMM as its own uid exits 4"
	is "$(cat "$TC_ERR")" "$(no_fds list "$pid" "$why")" "list PID of a non-dumpable VMM: the message says so"
	# shellcheck disable=SC2046
	tc_recreate "list PID of a non-dumpable VMM as its uid" $(all_liobns)

	want=$(list_rows)
	tc list --raw -n -o "$cols" "$pid"
	# shellcheck disable=SC2046
	tc_recreate "list of a non-dumpable VMM as root" $(all_liobns)
	tc_rc 0 "root lists a non-dumpable VMM of uid $U"
	is "$(cat "$TC_OUT")" "$want" "root sees its 4 tables with the kernel's counts"

	vmm_end "minivmm -D (uid $U)"
fi

# --- (c) uid 1000's dumpable VMM: tcectl as uid 1000, and Yama ---
if ! vmm_start_as_user; then
	not_ok "minivmm starts as uid $U"
	chmod "$kvm_mode" /dev/kvm
	exit 0
fi
ok "minivmm starts as uid $U"
vmm_save_golden
pid=$VMM_PID
is "$(stat -c %u /proc/"$pid"/status)" "$U" "minivmm (uid $U) is dumpable: its /proc files belong to uid $U"

# as_user_works SCOPE / root_works SCOPE / as_user_refused SCOPE
as_user_works() {
	want=$(list_rows)
	tc_as $U list --raw -n -o "$cols" "$pid"
	# shellcheck disable=SC2046
	tc_recreate "list as uid $U, Yama $1" $(all_liobns)
	tc_rc 0 "Yama $1: list PID of its own dumpable VMM as uid $U exits 0"
	is "$(cat "$TC_OUT")" "$want" "Yama $1: uid $U sees the 4 tables with the kernel's counts"
	fd=$(tfield pci0 fd)
	tc_as $U dump --entries --csv -n "$(tgt pci0)"
	tc_recreate "dump as uid $U, Yama $1" 0x80000000
	tc_rc 0 "Yama $1: dump of its own VMM's table as uid $U exits 0"
	is "$(awk -F, '{ print $5, $8 }' "$TC_OUT")" "$(golden 0x80000000 | awk '{ print substr($4, 6), substr($5, 5) }')" \
		"Yama $1: dump as uid $U shows exactly the hypercalls' entries"
}
root_works() {
	want=$(list_rows)
	tc list --raw -n -o "$cols" "$pid"
	# shellcheck disable=SC2046
	tc_recreate "list as root, Yama $1" $(all_liobns)
	tc_rc 0 "Yama $1: root lists uid $U's VMM"
	is "$(cat "$TC_OUT")" "$want" "Yama $1: root sees the 4 tables with the kernel's counts"
}
as_user_refused() {
	why="run as root or with CAP_SYS_PTRACE; Yama ptrace_scope is $1"
	fd=$(tfield ddw64k fd)
	tc_as $U list "$pid:$fd"
	tc_recreate "list as uid $U, Yama $1" 0x80000001
	case $1 in
	1) _because="tcectl is not the VMM's ancestor" ;;
	*) _because="only CAP_SYS_PTRACE may attach" ;;
	esac
	tc_rc 4 "Yama $1: list PID:FD of its own VMM as uid $U exits 4 ($_because)"
	is "$(cat "$TC_ERR")" "$(refused list "$pid" "$why")" "Yama $1: the message names the ptrace_scope"
	tc_as $U list "$pid"
	tc_rc 4 "Yama $1: list PID as uid $U exits 4"
	is "$(sort -u "$TC_ERR") x$(wc -l <"$TC_ERR")" "$(refused list "$pid" "$why") x4" \
		"Yama $1: list PID as uid $U: the /proc/PID/fd links are readable, each of the 4 attaches is refused"
	# shellcheck disable=SC2046
	tc_recreate "list PID as uid $U, Yama $1" $(all_liobns)
}

if [ -w "$yama" ]; then
	as_user_works 0
	for scope in 1 2; do
		echo $scope >"$yama"
		is "$(cat "$yama")" $scope "Yama ptrace_scope set to $scope"
		as_user_refused $scope
		root_works $scope
	done
	echo 0 >"$yama"
	is "$(cat "$yama")" 0 "Yama ptrace_scope set back to 0"
	as_user_works 0
else
	not_ok "Yama ptrace_scope can be set: no $yama"
fi

vmm_end "minivmm (uid $U)"
chmod "$kvm_mode" /dev/kvm
exit 0
