# SPDX-License-Identifier: GPL-2.0-or-later
#
# tcectl monitor against the guest's own hypercalls.  While monitor follows
# minivmm's four tables (and a second one with --summary), the guest makes
# three batches of H_PUT_TCE, H_PUT_TCE_INDIRECT and H_STUFF_TCE, each
# between two refreshes: both monitors are stopped while they wait for
# their next refresh, the batch runs, and they go on.  The first refresh
# reports each table once, as table-added with its counts (those of the
# entries minivmm's start-up left); each batch then shows in exactly one
# refresh, as exactly its net effect: one event per run of entries that
# changed the same way (map, unmap, change) over consecutive guest pages,
# computed here from what minivmm says the hypercalls left (its "expect"),
# so an entry written and cleared again in one batch shows nowhere, and one
# written twice shows once with its last value; and nothing else, also in
# the quiet refreshes that follow.  --summary counts the same entries.
# monitor ends with status 0 on SIGTERM, and says nothing on stderr.
. "$PAYLOAD/lib/monitor.sh"

tc_vmm_begin || exit 0
liobns=$(all_liobns)
M=$TC_DIR/monitor
S=$TC_DIR/summary

# One batch: "CMD LIOBN IOBA ARG..." lines on stdin, each a hypercall the
# kernel must handle.  Both monitors are held between two refreshes meanwhile.
batch() {
	_b_n=0 _b_bad=""
	while read -r _b_cmd; do
		[ -n "$_b_cmd" ] || continue
		# shellcheck disable=SC2086  # a command line of words
		_b_ans=$(vmm $_b_cmd)
		[ "$(field rc "$_b_ans") $(field by "$_b_ans")" = "0 kernel" ] || _b_bad="$_b_bad [$_b_cmd: $_b_ans]"
		_b_n=$((_b_n + 1))
	done
	is "$_b_bad" "" "$1: the kernel handled each of its $_b_n hypercalls"
}

# The table-added line monitor must print for each table at its first
# refresh: minivmm's description and the start-up entries.
added_rows() {
	grep '^table ' "$VMM_DESC" | while read -r _ar_line; do
		_ar_liobn=$(field liobn "$_ar_line")
		_ar_fd=$(field fd "$_ar_line")
		_ar_shift=$(field page_shift "$_ar_line")
		_ar_extents=$(golden "$_ar_liobn" | entries_extents "$_ar_shift" | wc -l)
		golden "$_ar_liobn" | awk -v who="pid=$pid fd=$_ar_fd table=$pid:$_ar_fd liobn=$_ar_liobn" \
			-v device="$(liobn_device "$_ar_liobn")" -v shift="$_ar_shift" \
			-v offset="$(field bus_offset "$_ar_line")" -v entries="$(field entries "$_ar_line")" \
			-v extents="$_ar_extents" "$HEX_AWK"'
		{ n[permname(wlow(kv($0, "tce"), 4))]++; mapped++ }
		END {
			print "refresh=1 event=table-added " who " device=" device " page_shift=" shift \
				" bus_offset=" offset " entries=" entries " mapped=" mapped + 0 " rw=" n["rw"] + 0 \
				" r=" n["r"] + 0 " w=" n["w"] + 0 " none=" n["-"] + 0 " extents=" extents
		}'
	done | mon_sort
}
ADDED_KEYS="refresh event pid fd table liobn device page_shift bus_offset entries mapped rw r w none extents"

mon_start "$M" -i 1 "$pid"
mon_start "$S" -i 1 --summary "$pid"
ntables=$(echo "$liobns" | wc -w)
if ! mon_wait "$M" "$ntables" || ! mon_wait "$S" "$ntables"; then
	not_ok "monitor reports minivmm's $ntables tables at its first refresh"
	diag <"$M.err"
	mon_stop "$M"
	mon_stop "$S"
	vmm_end
	exit 0
fi
if mon_pause "$M" && mon_pause "$S"; then
	ok "both monitors are held while they wait for a refresh"
else
	not_ok "both monitors are held while they wait for a refresh"
fi
# shellcheck disable=SC2086  # a list of keys
is "$(mon_fields $ADDED_KEYS <"$M" | mon_sort)" "$(added_rows)" \
	"first refresh: one table-added line per table, with its liobn, device, geometry and the start-up entries' counts"
is "$(grep '"refresh":1,' "$S" | mon_fields refresh event state liobn | sort)" \
	"$(for l in $liobns; do echo "refresh=1 event=summary state=added liobn=$l"; done | sort)" \
	"--summary, first refresh: one line per table, state added"

# The three batches; the model of each refresh after them from minivmm.
# shellcheck disable=SC2086  # a list of liobns
mon_state $liobns >"$TC_DIR/state.0"
: >"$TC_DIR/want"
: >"$TC_DIR/want.counts"
n=0
for b in 1 2 3; do
	t0=$(now)
	case $b in
	1) batch "batch 1: maps, a change, a map overwritten, a map undone, H_STUFF_TCE of a poison value" <<EOF ;;
put 0x71000003 0x5000 0x3456003
put 0x71000003 0x0 0x3ff0001
put 0x71000003 0x6000 0x3800003
put 0x71000003 0x6000 0
put 0x80000000 0x30000000 0x3900001
put 0x80000000 0x30000000 0x3a00002
indirect 0x80000000 0x20000000 0x2222003 0x2223003 0x2224003
stuff 0x80000101 0x800000000000000 0 2
stuff 0x71000003 0x200000 0x3b00000 4
EOF
	2) batch "batch 2: changes within extents, unmaps, maps next to an extent" <<EOF ;;
indirect 0x80000000 0x44c000 0x3c00003 0x3c01003 0x3c02003 0x3c03003
stuff 0x80000000 0x3f0000 0 8
put 0x80000001 0x800000000050000 0x50003
put 0x71000003 0x5000 0
indirect 0x71000003 0x10000 0x2000003 0x2001003 0x2002003
indirect 0x80000101 0x800000004000000 0x2000003 0x3000003
EOF
	3) batch "batch 3: H_STUFF_TCE over an extent and over poison entries, an unmap, changes of two extents" <<EOF ;;
stuff 0x80000000 0x3e8000 0x3d00000 4
stuff 0x71000003 0x100000 0 4
put 0x80000101 0x80000000f000000 0
indirect 0x80000001 0x800000003e60000 0x60003 0x70003
EOF
	esac
	# shellcheck disable=SC2086  # a list of liobns
	mon_state $liobns >"$TC_DIR/state.$b"
	t1=$(now)
	mon_runs "refresh=$((b + 1))" "$TC_DIR/state.$((b - 1))" "$TC_DIR/state.$b" >"$TC_DIR/want.$b"
	mon_counts <"$TC_DIR/want.$b" >>"$TC_DIR/want.counts"
	cat "$TC_DIR/want.$b" >>"$TC_DIR/want"
	n=$((n + $(wc -l <"$TC_DIR/want.$b")))
	lines=$(wc -l <"$M")
	mon_resume "$M"
	mon_resume "$S"
	mon_wait "$M" $((ntables + n)) 100 || diag "batch $b: monitor printed $(($(wc -l <"$M") - lines)) of $(wc -l <"$TC_DIR/want.$b") events"
	# The summary: a line per table per refresh.
	# shellcheck disable=SC2016  # wait_for evaluates the string
	wait_for '[ $(grep -c "\"state\":\"kept\"" "$S") -ge $((b * ntables)) ]' 100
	t2=$(now)
	{ mon_pause "$M" && mon_pause "$S"; } || not_ok "batch $b: both monitors are held before the next batch"
	diag "batch $b: $(since "$t0") s (hypercalls $(since "$t0" 2 | awk -v a="$(since "$t1" 2)" '{ printf "%.1f", $1 - a }') s, model $(since "$t1" 2 | awk -v a="$(since "$t2" 2)" '{ printf "%.1f", $1 - a }') s)"
done

# What the model says the batches did, checked by hand once: the rules it
# follows are the ones monitor must follow.
is "$(cut -d' ' -f2,7-9 "$TC_DIR/want.1" | tr '\n' ';')" \
"event=change index=0 pages=1 ioba=0x0;event=map index=5 pages=1 ioba=0x5000;\
event=map index=512 pages=1 ioba=0x200000;event=map index=513 pages=1 ioba=0x201000;\
event=map index=514 pages=1 ioba=0x202000;event=map index=515 pages=1 ioba=0x203000;\
event=map index=131072 pages=3 ioba=0x20000000;event=map index=196608 pages=1 ioba=0x30000000;\
event=unmap index=0 pages=2 ioba=0x800000000000000;" \
	"the model of batch 1: 9 runs (the entry mapped and unmapped again is in none, H_STUFF_TCE's 4 equal entries are 4 runs)"
is "$(cut -d' ' -f2,7-8 "$TC_DIR/want.2" | tr '\n' ';')" \
"event=unmap index=5 pages=1;event=change index=16 pages=1;event=change index=17 pages=1;\
event=unmap index=1008 pages=8;event=change index=1100 pages=4;event=map index=5 pages=1;event=map index=4 pages=2;" \
	"the model of batch 2: 7 runs (entries 16 and 17 were not consecutive pages before: two runs)"
is "$(wc -l <"$TC_DIR/want.3")" 11 "the model of batch 3: 11 runs"

# Quiet refreshes: nothing may follow.
lines=$(wc -l <"$M")
mon_resume "$M"
mon_resume "$S"
sleep 2.5
mon_stop "$M"
is "$?" 0 "monitor ends with status 0 on SIGTERM"
mon_stop "$S"
is "$?" 0 "monitor --summary ends with status 0 on SIGTERM"
is "$(cat "$M.err" "$S.err")" "" "neither monitor wrote to stderr"
is "$(($(wc -l <"$M") - lines))" 0 "two quiet refreshes after the last batch: no event"

# Every event, in refresh order; refreshes numbered as they come, since a
# batch may wait more than one interval.
# shellcheck disable=SC2086  # a list of keys
tail -n +$((ntables + 1)) "$M" | mon_fields refresh $MON_RUN_KEYS | mon_ordinals 2 | mon_sort >"$TC_DIR/got"
is "$(cat "$TC_DIR/got")" "$(mon_sort <"$TC_DIR/want")" \
	"monitor: each batch's events in one refresh, exactly its net effect, every run with its IOBA, GPA, permission and raw value on both sides"
is "$(grep -c '"vm":' "$M")" "$(wc -l <"$M")" "every line names its VM (\"vm\")"
is "$(grep -c '"time":"' "$M")" "$(wc -l <"$M")" "every line has its time"

# --summary: the refreshes in which something changed, per table.
grep '"state":"kept"' "$S" | mon_fields refresh liobn maps unmaps changes |
	grep -v 'maps=0 unmaps=0 changes=0$' | mon_ordinals 2 >"$TC_DIR/got.counts"
is "$(sort "$TC_DIR/got.counts")" "$(sort "$TC_DIR/want.counts")" \
	"--summary: each batch's entries mapped, unmapped and changed, per table, in one refresh"
is "$(grep -c '"state":"kept"' "$S")" "$(($(grep -c '"state":"kept"' "$S") / ntables * ntables))" \
	"--summary: every refresh has a line for each of the $ntables tables"

vmm_end
exit 0
