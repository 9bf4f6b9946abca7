# SPDX-License-Identifier: GPL-2.0-or-later
#
# Watching never holds a table.  While tcectl monitor, then tcectl watch,
# follow minivmm's four tables, the VMM destroys and re-creates them, each
# liobn in turn, waiting for a refresh in between: every re-creation
# succeeds (no EBUSY) and the table shows as removed, then added again
# under its new fd: monitor prints table-removed and then table-added (two
# rounds of the tables), watch marks the row "-" and then shows the new
# one marked "+" (one round, a refresh at a time: paused, the space key).
# Then, while monitor or watch refresh as often as they may, the VMM
# destroys and at once re-creates a table, again and again: every
# re-creation succeeds.  Neither says a word of error.  The control: a
# process that holds a table's fd, or a mapping of it, makes the same
# re-creation fail with EBUSY.
#
# TCECTL_VM_CYCLES: re-creations of each series without a pause (default 20).
. "$PAYLOAD/lib/monitor.sh"
. "$PAYLOAD/lib/watch.sh"

cycles=${TCECTL_VM_CYCLES:-20}
tc_vmm_begin || exit 0
t0=$(now)
liobns=$(all_liobns)
ntables=$(echo "$liobns" | wc -w)
M=$TC_DIR/monitor

# The liobn of cycle $1: each of the tables in turn.
liobn_of() {
	echo "$liobns" | tr ' ' '\n' | grep . | sed -n "$(($1 % ntables + 1))p"
}

# Monitor's lines about LIOBN of kind EVENT (table-added, table-removed).
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

diag "$(since "$t0") s"
# Series 1: monitor, a refresh between destroying and re-creating.
mon_start "$M" -i 0.2 "$pid"
mon_wait "$M" "$ntables" 200 || diag "monitor did not report the tables"
ebusy="" lost=""
rounds=$((2 * ntables))
i=0
while [ $i -lt "$rounds" ]; do
	liobn=$(liobn_of $i)
	removed=$(events_of "$liobn" table-removed) added=$(events_of "$liobn" table-added)
	vmm close "$liobn" >/dev/null
	wait_for "[ \$(events_of $liobn table-removed) -gt $removed ]" 100 || lost="$lost removed:$i"
	ans=$(vmm recreate "$liobn")
	[ "$(field result "$ans")" = ok ] || ebusy="$ebusy [$i: $ans]"
	wait_for "[ \$(events_of $liobn table-added) -gt $added ]" 100 || lost="$lost added:$i"
	i=$((i + 1))
done
is "$ebusy" "" "monitor: each of $rounds re-creations of a table destroyed during monitor succeeds (no EBUSY)"
is "$lost" "" "monitor: each destroyed table shows as table-removed, each re-created one as table-added"
# Per liobn: added (first refresh), then removed and added again, cycle after
# cycle; each removed line is the table added just before (same fd).
seq=""
for liobn in $liobns; do
	seq="$seq $(grep "\"liobn\":\"$liobn\"" "$M" | mon_fields event fd | awk '
		$1 == "event=table-added" { if (state == "added") bad++; state = "added"; fd = $2; n++ }
		$1 == "event=table-removed" { if (state != "added" || $2 != fd) bad++; state = "removed" }
		$1 !~ /^event=table-/ { other++ }
		END { printf "%d/%d/%d", n, bad + 0, other + 0 }')"
done
want=""
for liobn in $liobns; do
	n=0 i=0
	while [ $i -lt "$rounds" ]; do
		[ "$(liobn_of $i)" = "$liobn" ] && n=$((n + 1))
		i=$((i + 1))
	done
	want="$want $((n + 1))/0/0"
done
is "$seq" "$want" \
	"monitor: per table, table-added, then table-removed (same fd) and table-added again each cycle, nothing out of turn (added/bad/other)"

diag "$(since "$t0") s"
# Series 2: monitor refreshing as often as it may, no pause in the VMM.
M2=$TC_DIR/monitor.busy
mon_start "$M2" -i 0.01 "$pid"
mon_wait "$M2" "$ntables" 200 || diag "the busy monitor did not report the tables"
ebusy=""
i=0
while [ $i -lt "$cycles" ]; do
	ans=$(vmm recreate "$(liobn_of $i)")
	[ "$(field result "$ans")" = ok ] || ebusy="$ebusy [$i: $ans]"
	i=$((i + 1))
done
is "$ebusy" "" "monitor -i 0.01: each of $cycles re-creations right after destroying succeeds (no EBUSY)"
check "both monitors still run" kill -0 "$(cat "$M.pid")" "$(cat "$M2.pid")"
mon_stop "$M"
rc1=$?
mon_stop "$M2"
is "$rc1 $?" "0 0" "both monitors end with status 0 on SIGTERM"
is "$(grep -h '"event":"error"' "$M" "$M2")$(cat "$M.err" "$M2.err")" "" \
	"monitor: not one error while tables came and went"

diag "$(since "$t0") s"
# Series 3: watch, paused, one refresh (the space key) after each step.
if watch_start w -d 0.5 "$pid"; then
	ok "watch shows minivmm's tables"
	term_keys w p
	ebusy="" lost=""
	i=0
	while [ $i -lt "$ntables" ]; do
		liobn=$(liobn_of $i)
		fd=$(watch_rows w | grep " liobn=$liobn " | sed 's/.* table=[0-9]*:\([0-9]*\) .*/\1/')
		vmm close "$liobn" >/dev/null
		watch_step w || lost="$lost step:$i"
		rows=$(watch_rows w)
		echo "$rows" | grep -q "^state=- .* table=$pid:$fd liobn=$liobn " || lost="$lost removed:$i"
		ans=$(vmm recreate "$liobn")
		[ "$(field result "$ans")" = ok ] || ebusy="$ebusy [$i: $ans]"
		watch_step w || lost="$lost step:$i"
		rows=$(watch_rows w)
		echo "$rows" | grep -q "^state=+ .* table=$pid:$(field fd "$ans") liobn=$liobn " || lost="$lost added:$i"
		[ "$(echo "$rows" | grep -c .)" = "$ntables" ] || lost="$lost rows:$i"
		i=$((i + 1))
	done
	is "$ebusy" "" "watch: each of $ntables re-creations of a table destroyed during watch succeeds (no EBUSY)"
	is "$lost" "" "watch: the destroyed table's row is marked removed (-), then the re-created one's added (+), $ntables rows"
	[ -z "$lost" ] || term_screen w | diag

	diag "$(since "$t0") s"
	# Series 4: watch refreshing every 0.1 s, no pause in the VMM.
	term_keys w p d
	term_keys w -l 0.1
	term_keys w Enter
	ebusy=""
	i=0
	while [ $i -lt "$cycles" ]; do
		ans=$(vmm recreate "$(liobn_of $i)")
		[ "$(field result "$ans")" = ok ] || ebusy="$ebusy [$i: $ans]"
		i=$((i + 1))
	done
	is "$ebusy" "" "watch -d 0.1: each of $cycles re-creations right after destroying succeeds (no EBUSY)"
	# shellcheck disable=SC2016  # wait_for evaluates the string
	wait_for '[ "$(watch_rows w | grep -c "^state=\. ")" = "$ntables" ]' 50
	is "$(watch_rows w | sed 's/ liobn=\([^ ]*\) .*/ \1/' | sed 's/^state=\([^ ]*\) .* table=/\1 /' | sort)" \
		"$(vmm tables | while read -r line; do echo ". $pid:$(field fd "$line") $(field liobn "$line")"; done | sort)" \
		"watch: then a row for each table, under its fd of now"
	check "watch still runs" kill -0 "$(term_pid w)"
	term_keys w q
	term_wait_exit w 100
	is "$(term_rc w)" 0 "watch: q ends it with status 0"
	is "$(term_stderr w)" "" "watch: not one error while tables came and went"
	is "$(term_stty w after)" "$(term_stty w before)" "watch: the terminal's settings are restored"
else
	not_ok "watch shows minivmm's tables"
fi
term_end
diag "$(since "$t0") s"

vmm_refresh
is "$(grep -c '^table ' "$VMM_DESC") $(for f in /proc/"$pid"/fd/*; do readlink "$f"; done | grep -c kvm-spapr-tce)" \
	"$ntables $ntables" "minivmm holds its $ntables tables in the kernel at the end"
vmm_end
exit 0
