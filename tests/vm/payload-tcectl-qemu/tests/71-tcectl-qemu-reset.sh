# SPDX-License-Identifier: GPL-2.0-or-later
#
# tcectl must not break a guest that resets while tcectl reads its tables.
# On every machine reset QEMU closes each PCI host bridge's window-0 table
# and creates it again under the same liobn; if another process holds a
# reference to the old table's file at that instant (a borrowed fd, or a
# mapping of it), the kernel answers EBUSY and QEMU falls back to a table in
# its own memory ("KVM: Failed to create TCE64 table", trace
# spapr_iommu_new_table fd=-1).  A guest with two PHBs (so two tables are
# re-created per reset) is reset again and again while list, dump,
# checkpoint and translate of QEMU run back to back: every reset must give
# QEMU its in-kernel tables back, as many as after a reset with nothing
# reading, and no tcectl may die of a signal.
#
# With TCECTL_VM_STRESS=1 (the hazard shows in a few resets in a hundred, too
# rarely for a short run to be sure of it), two more series.  The same loop
# with --attach=fd, which borrows each table's fd and maps it while it reads:
# how often QEMU lost a table is reported, not judged (tcectl spends most of
# each run reading QEMU's records and maps, holding nothing, so the window is
# narrow).  And the control: tcepeek scanning QEMU's tables back to back
# (pidfd_getfd + mmap and nothing else, as tcectl read tables before it read
# them through QEMU's own mappings) must make QEMU lose a table at least once.
#
# TCECTL_VM_RESETS: resets per series (default 30; 100 with TCECTL_VM_STRESS=1).
. "$PAYLOAD/lib/tcectl.sh"

tc_need_qemu "tcectl and a resetting QEMU guest" || exit 0

stress=${TCECTL_VM_STRESS:-0}
if [ "$stress" = 1 ]; then resets=${TCECTL_VM_RESETS:-100}; else resets=${TCECTL_VM_RESETS:-30}; fi
nphb=2

# The guest need not finish booting: every reset starts it again anyway.
# shellcheck disable=SC2034  # read by qemu_guest_start
QG_RESETTABLE=1 QG_VIRTIO_PHB=1 QG_TRACE=$QG_TRACE_TABLES QG_WAIT=qmp
if ! qemu_guest_start -netdev user,id=net0 -device spapr-vlan,netdev=net0; then
	not_ok "QEMU starts a KVM guest with two PHBs, v-scsi and spapr-vlan"
	exit 0
fi
ok "QEMU starts a KVM guest with two PHBs, v-scsi and spapr-vlan"
qpid=$QG_PID

new_tables() { qemu_guest_trace spapr_iommu_new_table | wc -l; }
emulated() { qemu_guest_trace spapr_iommu_new_table | grep -c ' fd=-1$'; }
failed_creates() { grep -c 'Failed to create' "$QG_DIR/qemu.out"; }
nfds() { qemu_guest_tce_fds | wc -l; }
# A pause of 0.1-0.9 s, different each time.
pause() { sleep "$(awk -v r="$(od -An -N1 -tu1 /dev/urandom)" 'BEGIN { printf "%.1f", 0.1 + (r % 9) / 10 }')"; }

# One reset, then wait until QEMU has made every PHB's window 0 again
# (the trace says so), and a little more.  Status 1 if it did not.
reset_once() {
	_ro_want=$(($(new_tables) + nphb))
	qemu_guest_reset || { diag "system_reset was refused"; return 1; }
	if ! wait_for "[ \$(new_tables) -ge $_ro_want ]" 200; then
		diag "QEMU did not re-create its PHB tables within 20 s of a reset"
		return 1
	fi
	sleep 0.2
}

# What QEMU holds after a reset with nothing else reading.
reset_once && reset_once
quiet_fds=$(nfds)
is "$(emulated) $(failed_creates)" "0 0" "two resets with nothing reading: every table in the kernel"
# v-scsi and spapr-vlan keep theirs; each PHB gets window 0 back; DDW
# windows come back only when the guest asks again.
is "$quiet_fds" 4 "after a reset QEMU holds four tables: v-scsi, spapr-vlan and each PHB's window 0"

# tcectl's verbs back to back until $TC_DIR/stop appears; one "VERB STATUS"
# line per run in $TC_DIR/loop.$1.  "tcepeek": tcepeek's scan of every table.
tcectl_loop() {
	_tl_attach=$1 _tl_n=0
	: >"$TC_DIR/loop.$_tl_attach"
	while [ "$_tl_attach" = tcepeek ] && [ ! -e "$TC_DIR/stop" ]; do
		for _tl_fd in $(qemu_guest_tce_fds); do
			tcepeek "$qpid" "$_tl_fd" scan >/dev/null 2>&1
			echo "scan $?" >>"$TC_DIR/loop.$_tl_attach"
		done
	done
	while [ "$_tl_attach" != tcepeek ] && [ ! -e "$TC_DIR/stop" ]; do
		timeout 60 tcectl list --no-qmp --attach="$_tl_attach" "$qpid" >/dev/null 2>>"$TC_DIR/loop.err"
		echo "list $?" >>"$TC_DIR/loop.$_tl_attach"
		timeout 60 tcectl dump --attach="$_tl_attach" "$qpid" >/dev/null 2>>"$TC_DIR/loop.err"
		echo "dump $?" >>"$TC_DIR/loop.$_tl_attach"
		rm -f "$TC_DIR/loop.ckpt"
		timeout 60 tcectl checkpoint --attach="$_tl_attach" -o "$TC_DIR/loop.ckpt" "$qpid" \
			>/dev/null 2>>"$TC_DIR/loop.err"
		echo "checkpoint $?" >>"$TC_DIR/loop.$_tl_attach"
		# Each of QEMU's tables in turn, as they are now.
		_tl_fds=$(qemu_guest_tce_fds)
		_tl_count=$(echo "$_tl_fds" | grep -c .)
		if [ "$_tl_count" -gt 0 ]; then
			_tl_fd=$(echo "$_tl_fds" | sed -n "$((_tl_n % _tl_count + 1))p")
			timeout 60 tcectl translate --attach="$_tl_attach" "$qpid:$_tl_fd" 0x0 \
				>/dev/null 2>>"$TC_DIR/loop.err"
			echo "translate $?" >>"$TC_DIR/loop.$_tl_attach"
		fi
		_tl_n=$((_tl_n + 1))
	done
}

# series LABEL ATTACH: $resets resets while tcectl_loop ATTACH runs.  Sets
# S_LOST (resets after which QEMU held fewer in-kernel tables than
# $quiet_fds), S_FIRST (the first such reset, 0 if none), S_FAILED and
# S_EMULATED (new "Failed to create" lines and fd=-1 tables), S_SECONDS.
series() {
	_s_attach=$2
	_s_failed0=$(failed_creates) _s_emul0=$(emulated)
	_s_t0=$(now)
	S_LOST=0 S_FIRST=0 S_BROKEN=0
	rm -f "$TC_DIR/stop"
	tcectl_loop "$_s_attach" &
	_s_loop=$!
	_s_i=1
	while [ $_s_i -le "$resets" ]; do
		pause
		if ! reset_once; then
			S_BROKEN=1
			break
		fi
		_s_n=$(nfds)
		if [ "$_s_n" -ne "$quiet_fds" ]; then
			S_LOST=$((S_LOST + 1))
			[ "$S_FIRST" != 0 ] || S_FIRST=$_s_i
			diag "$1: reset $_s_i: QEMU holds $_s_n tables in the kernel, not $quiet_fds"
		fi
		_s_i=$((_s_i + 1))
	done
	touch "$TC_DIR/stop"
	wait "$_s_loop"
	S_SECONDS=$(since "$_s_t0")
	S_FAILED=$(($(failed_creates) - _s_failed0))
	S_EMULATED=$(($(emulated) - _s_emul0))
	S_RUNS=$(wc -l <"$TC_DIR/loop.$_s_attach")
	diag "$1: $resets resets in $S_SECONDS s, $S_RUNS runs" \
		"($(awk '$2 == 0 { n++ } END { print n + 0 }' "$TC_DIR/loop.$_s_attach") exited 0);" \
		"$S_LOST resets lost a table, first: ${S_FIRST}; QEMU printed $S_FAILED 'Failed to create'," \
		"traced $S_EMULATED tables with fd=-1"
}

# The loop must actually work: on a quiet guest, every verb exits 0.
tc list --attach=mapping --raw -n -o FD "$qpid"
tc_rc 0 "tcectl list --attach=mapping QEMU_PID exits 0"
if [ "$TC_RC" = 2 ] || grep -q -i 'attach' "$TC_ERR"; then
	diag "this tcectl has no --attach=mapping; the series would test nothing"
	qemu_guest_stop
	exit 0
fi

series "tcectl (mapping)" mapping
is "$S_BROKEN" 0 "QEMU re-created its PHB tables after each of $resets resets"
is "$S_FAILED" 0 "while tcectl read the tables through QEMU's mappings, no reset failed to create a table"
is "$S_EMULATED" 0 "no table fell back to QEMU's memory (trace: no fd=-1)"
is "$S_LOST" 0 "after every reset QEMU held as many in-kernel tables as after a quiet reset ($quiet_fds)"
is "$(awk '$2 >= 124 { print }' "$TC_DIR/loop.mapping")" "" "no tcectl run died of a signal or timed out"
# translate exits 1 for an address that is not mapped: an answer too.
for verb in list dump checkpoint translate; do
	n=$(awk -v v=$verb '$1 == v && ($2 == 0 || (v == "translate" && $2 == 1)) { n++ } END { print n + 0 }' "$TC_DIR/loop.mapping")
	check "tcectl $verb answered during the resets ($n times)" [ "$n" -gt 0 ]
done
[ ! -s "$TC_DIR/loop.err" ] || { diag "tcectl said (last lines):"; sort "$TC_DIR/loop.err" | uniq -c | sort -rn | head -n 8 | diag; }
: >"$TC_DIR/loop.err"
check "QEMU runs on" kill -0 "$qpid"

if [ "$stress" = 1 ]; then
	series "tcectl --attach=fd" fd
	is "$S_BROKEN" 0 "--attach=fd: QEMU re-created its PHB tables after each of $resets resets"
	is "$S_EMULATED" "$S_FAILED" "--attach=fd: each failure left a table in QEMU's memory (trace fd=-1)"
	is "$(awk '$2 >= 124 { print }' "$TC_DIR/loop.fd")" "" "--attach=fd: no tcectl run died of a signal or timed out"
	echo "@@ reset-series attach=fd resets=$resets failed=$S_FAILED lost=$S_LOST first=$S_FIRST seconds=$S_SECONDS runs=$S_RUNS"
	reset_once

	series "control (tcepeek)" tcepeek
	is "$S_BROKEN" 0 "control: QEMU re-created its PHB tables after each of $resets resets"
	check "control: borrowing fds (tcepeek) made a reset fail to create a table ($S_FAILED times in $resets resets, first at reset $S_FIRST, $S_SECONDS s)" \
		[ "$S_FAILED" -gt 0 ]
	is "$S_EMULATED" "$S_FAILED" "control: each failure left a table in QEMU's memory (trace fd=-1)"
	check "control: the failures showed as fewer in-kernel tables after a reset ($S_LOST resets)" \
		[ "$S_LOST" -gt 0 ]
	echo "@@ reset-series control=tcepeek resets=$resets failed=$S_FAILED lost=$S_LOST first=$S_FIRST seconds=$S_SECONDS runs=$S_RUNS"
	# A reset with nothing reading gives QEMU its tables back.
	reset_once
	is "$(nfds)" "$quiet_fds" "control: a quiet reset afterwards gives QEMU all its in-kernel tables back"
fi

qemu_guest_end
exit 0
