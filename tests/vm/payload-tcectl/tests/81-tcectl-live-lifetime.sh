# SPDX-License-Identifier: GPL-2.0-or-later
#
# Watching never holds a table.  While tcectl monitor and tcectl watch
# both follow minivmm's four tables, the VMM destroys and re-creates each
# of them in turn, a refresh of each between the two steps: every
# re-creation succeeds (no EBUSY), and the table shows as removed, then
# added again under its new fd: monitor prints table-removed and then
# table-added, watch (paused, a refresh per space key) marks the row "-"
# and then shows the new one marked "+".  Then, while a monitor and watch
# refresh as often as they may, the VMM destroys and at once re-creates a
# table, again and again: every re-creation succeeds.  Neither says a word
# of error, and watch gives the terminal back as it was.  The control: a
# process that holds a table's fd, or a mapping of it, makes the same
# re-creation fail with EBUSY.
#
# TCECTL_VM_CYCLES: re-creations without a pause (default 20).
. "$PAYLOAD/lib/monitor.sh"
. "$PAYLOAD/lib/watch.sh"

cycles=${TCECTL_VM_CYCLES:-20}
tc_vmm_begin || exit 0
liobns=$(all_liobns)
ntables=$(echo "$liobns" | wc -w)
M=$TC_DIR/monitor
M2=$TC_DIR/monitor.busy

# The liobn of cycle $1: each of the tables in turn.
liobn_of() {
	echo "$liobns" | tr ' ' '\n' | grep . | sed -n "$(($1 % ntables + 1))p"
}

# How many lines of monitor's about LIOBN are of kind EVENT (table-added...).
events_of() {
	grep -c "\"event\":\"$2\",.*\"liobn\":\"$1\"" "$M"
}

# The control: a holder makes re-creation fail.
for what in fd map; do
	tcepeek "$pid" "$(tfield vscsi fd)" hold "$what" >"$TC_DIR/hold" 2>&1 &
	holder=$!
	# shellcheck disable=SC2016  # wait_for evaluates the string
	wait_for 'grep -q "^holding $what pid=$holder\$" "$TC_DIR/hold"' 100 || diag <"$TC_DIR/hold"
	is "$(field result "$(vmm recreate 0x71000003)")" EBUSY \
		"control: while another process holds the v-scsi table's $what, re-creating it fails with EBUSY"
	kill "$holder"
	wait "$holder"
	is "$(field result "$(vmm recreate 0x71000003)")" ok "control: once the holder is gone, re-creation works"
done

mon_start "$M" -i 0.2 "$pid"
if ! watch_start w -d 0.5 "$pid" || ! mon_wait "$M" "$ntables" 200; then
	not_ok "monitor and watch show minivmm's tables"
	diag <"$M.err"
	mon_stop "$M"
	term_end
	vmm_end
	exit 0
fi
ok "monitor and watch show minivmm's tables"

# Series 1: each table destroyed, a refresh, re-created, a refresh.
term_keys w p
ebusy="" lost=""
i=0
while [ $i -lt "$ntables" ]; do
	liobn=$(liobn_of $i)
	fd=$(watch_rows w | grep " liobn=$liobn " | sed 's/.* table=[0-9]*:\([0-9]*\) .*/\1/')
	removed=$(events_of "$liobn" table-removed) added=$(events_of "$liobn" table-added)
	vmm close "$liobn" >/dev/null
	watch_step w || lost="$lost watch-step:$i"
	watch_rows w | grep -q "^state=- .* table=$pid:$fd liobn=$liobn " || lost="$lost watch-removed:$i"
	wait_for "[ \$(events_of $liobn table-removed) -gt $removed ]" 100 || lost="$lost monitor-removed:$i"
	ans=$(vmm recreate "$liobn")
	[ "$(field result "$ans")" = ok ] || ebusy="$ebusy [$i: $ans]"
	watch_step w || lost="$lost watch-step:$i"
	rows=$(watch_rows w)
	echo "$rows" | grep -q "^state=+ .* table=$pid:$(field fd "$ans") liobn=$liobn " || lost="$lost watch-added:$i"
	[ "$(echo "$rows" | grep -c .)" = "$ntables" ] || lost="$lost watch-rows:$i"
	wait_for "[ \$(events_of $liobn table-added) -gt $added ]" 100 || lost="$lost monitor-added:$i"
	i=$((i + 1))
done
is "$ebusy" "" "each of the $ntables tables, destroyed under monitor and watch, is re-created (no EBUSY)"
is "$lost" "" \
	"each destroyed table is reported removed, then re-created one added: by monitor, and by watch (row marked -, then +; $ntables rows)"
[ -z "$lost" ] || term_screen w | diag
# Per liobn: added (first refresh), then removed and added again; each
# removed line is the table added just before (same fd).
seq="" want=""
for liobn in $liobns; do
	seq="$seq $(grep "\"liobn\":\"$liobn\"" "$M" | mon_fields event fd | awk '
		$1 == "event=table-added" { if (state == "added") bad++; state = "added"; fd = $2; n++ }
		$1 == "event=table-removed" { if (state != "added" || $2 != fd) bad++; state = "removed" }
		$1 !~ /^event=table-/ { other++ }
		END { printf "%d/%d/%d", n, bad + 0, other + 0 }')"
	want="$want 2/0/0"
done
is "$seq" "$want" \
	"monitor: per table, table-added, table-removed (same fd), table-added, nothing else (added/out of turn/other)"

# Series 2: re-created at once, again and again, while watch refreshes
# every 0.1 s and a second monitor as often as it may.
term_keys w p d
term_keys w -l 0.1
term_keys w Enter
term_wait w 'every 0\.1s' 50 || diag "watch did not take the interval 0.1 s"
mon_start "$M2" -i 0.01 "$pid"
mon_wait "$M2" "$ntables" 200 || diag "the busy monitor did not report the tables"
ebusy=""
i=0
while [ $i -lt "$cycles" ]; do
	ans=$(vmm recreate "$(liobn_of $i)")
	[ "$(field result "$ans")" = ok ] || ebusy="$ebusy [$i: $ans]"
	i=$((i + 1))
done
is "$ebusy" "" "each of $cycles re-creations right after destroying succeeds while watch -d 0.1 and monitor -i 0.01 refresh (no EBUSY)"
check "both monitors and watch still run" kill -0 "$(cat "$M.pid")" "$(cat "$M2.pid")" "$(term_pid w)"
# shellcheck disable=SC2016  # wait_for evaluates the string
wait_for '[ "$(watch_rows w | grep -c "^state=\. ")" = "$ntables" ]' 50
is "$(watch_rows w | sed 's/^state=\([^ ]*\) .* table=\([^ ]*\) liobn=\([^ ]*\) .*/\1 \2 \3/' | sort)" \
	"$(vmm tables | while read -r line; do echo ". $pid:$(field fd "$line") $(field liobn "$line")"; done | sort)" \
	"watch: then a row for each table, under its fd of now"

mon_stop "$M"
rc1=$?
mon_stop "$M2"
is "$rc1 $?" "0 0" "both monitors end with status 0 on SIGTERM"
is "$(grep -h '"event":"error"' "$M" "$M2")$(cat "$M.err" "$M2.err")" "" \
	"monitor: not one error while tables came and went"
term_keys w q
term_wait_exit w 100
is "$(term_rc w)" 0 "watch: q ends it with status 0"
is "$(term_stderr w)" "" "watch: not one error while tables came and went"
is "$(term_stty w after)" "$(term_stty w before)" "watch: the terminal's settings are restored"
term_end

vmm_refresh
is "$(grep -c '^table ' "$VMM_DESC") $(for f in /proc/"$pid"/fd/*; do readlink "$f"; done | grep -c kvm-spapr-tce)" \
	"$ntables $ntables" "minivmm holds its $ntables tables in the kernel at the end"
vmm_end
exit 0
