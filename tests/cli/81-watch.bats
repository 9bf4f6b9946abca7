#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
#
# tcectl watch on a real terminal: a tmux server of its own per test runs
# watch in a 120x30 pane, keys are typed with send-keys and the screen is
# read with capture-pane (-e for its attributes).  The pane runs watch from
# a script that records stty -a before and after it, its exit status and
# its pid.  Most tests refresh with a long interval and the space key (a
# refresh now), so that what a refresh shows is known exactly.

load test_helper

setup() {
	SOCK="tcectl-watch-$$-$BATS_TEST_NUMBER"
	PANE=$BATS_TEST_TMPDIR/pane
	WIDTH=120
	WATCH_PREFIX=()
	OTHER_PID=
}

teardown() {
	tmux -L "$SOCK" kill-server 2>/dev/null || true
	if [ -n "$OTHER_PID" ]; then
		kill "$OTHER_PID" 2>/dev/null || true
		wait "$OTHER_PID" 2>/dev/null || true
	fi
	stop_holder
}

# start_watch ARGS...: tcectl watch ARGS in the pane, WATCH_PREFIX (env
# VAR=VALUE..., or a VMM view) before it; its stderr goes to $PANE/stderr.
# Waits until watch runs (its pid in $PANE/pid, as WATCH_PID).
start_watch() {
	mkdir -p "$PANE"
	rm -f "$PANE"/*
	{
		printf 'stty -a > %q\n' "$PANE/stty.before"
		printf 'sh -c %q sh %q' 'echo $$ > "$1/pid.tmp"; mv "$1/pid.tmp" "$1/pid"; shift; exec "$@"' "$PANE"
		printf ' %q' "${WATCH_PREFIX[@]}" "$TCECTL" watch "$@"
		printf ' 2> %q\n' "$PANE/stderr"
		printf 'echo $? > %q\n' "$PANE/status.tmp"
		printf 'stty -a > %q\n' "$PANE/stty.after"
		printf 'mv %q %q\n' "$PANE/status.tmp" "$PANE/status"
		printf 'exec sleep 3600\n'
	} > "$PANE/run.sh"
	tmux -L "$SOCK" -f /dev/null new-session -d -x "$WIDTH" -y 30 "bash $PANE/run.sh"
	local _
	for _ in $(seq 1 200); do
		[ -e "$PANE/pid" ] && break
		sleep 0.02
	done
	WATCH_PID=$(cat "$PANE/pid")
}

keys() {
	tmux -L "$SOCK" send-keys "$@"
}

# The pane as text (-e: with its attributes as escape sequences).
screen() {
	tmux -L "$SOCK" capture-pane -p "$@"
}

# Line N (0-based) of the pane.
screen_line() {
	screen | sed -n "$(($1 + 1))p"
}

# wait_screen TEXT: until a line of the pane holds TEXT (10 s at most).
wait_screen() {
	local _
	for _ in $(seq 1 200); do
		screen | grep -qF -- "$1" && return 0
		sleep 0.05
	done
	echo "the screen never showed '$1'; it shows:" >&2
	screen >&2
	return 1
}

# wait_refresh N: until the title says refresh N.
wait_refresh() {
	wait_screen "- refresh $1"
}

# wait_exit: until watch has ended and the script recorded its status.
wait_exit() {
	local _
	for _ in $(seq 1 200); do
		[ -e "$PANE/status" ] && return 0
		sleep 0.05
	done
	echo "watch did not end; the screen:" >&2
	screen >&2
	return 1
}

# The rows as watch lays them out: each argument a row of fields split by
# '|' (STATE VM TABLE LIOBN DEVICE PAGE WINDOW MAPPED RW R W EXTENTS MAP/s
# UNMAP/s CHG/s MAPPED/ENTRIES), the headings first; columns as wide as
# their widest cell, numbers right-aligned, and after USE the occupancy
# bar that fills the screen's width up to 50 characters (none under 5),
# all cut at the screen's edge.
expect_rows() {
	local width=$WIDTH
	printf '%s\n' "$@" | awk -F'|' -v W="$width" '
		{ n++; for (i = 1; i <= NF; i++) f[n, i] = $i; nf[n] = NF }
		END {
			heads = "VM TABLE LIOBN DEVICE PAGE WINDOW MAPPED RW R W EXTENTS MAP/s UNMAP/s CHG/s USE"
			split(heads, h, " ")
			for (c = 1; c <= 15; c++) w[c] = length(h[c])
			for (r = 1; r <= n; r++)
				for (c = 1; c <= 14; c++) {
					v = f[r, c + 1]; if (v == "") v = "-"; cell[r, c] = v
					if (length(v) > w[c]) w[c] = length(v)
				}
			w[15] = 6
			line = " "
			for (c = 1; c <= 15; c++)
				line = line " " (c <= 4 || c == 15 ? sprintf("%-*s", w[c], h[c]) : sprintf("%*s", w[c], h[c]))
			line = substr(line, 1, W); sub(/ +$/, "", line); print line
			for (r = 1; r <= n; r++) {
				split(f[r, 16], u, "/"); use = u[2] ? u[1] / u[2] : 0
				line = f[r, 1]
				for (c = 1; c <= 14; c++)
					line = line " " (c <= 4 ? sprintf("%-*s", w[c], cell[r, c]) : sprintf("%*s", w[c], cell[r, c]))
				line = line " " sprintf("%5.1f%%", 100 * use) " "
				bar = W - length(line) - 3; if (bar < 5) bar = 0; if (bar > 50) bar = 50
				fill = int(use * bar + 0.5); if (fill == 0 && use > 0) fill = 1
				s = "["; for (k = 0; k < bar; k++) s = s (k < fill ? "#" : "."); s = s "]"
				if (!bar) s = ""
				line = substr(line s, 1, W); sub(/ +$/, "", line); print line
			}
		}'
}

# The lines of the list: the headings and the rows, from line 3 on, up to the first empty one.
screen_rows() {
	screen | awk 'NR >= 4 { if ($0 == "") exit; print }'
}

@test "the first screen: its header and every row's figures, exact" {
	start_holder 8K:mixed 8K:sparse 8K:empty
	start_watch -d 3600 "$HOLDER_PID:$FD0" "$HOLDER_PID:$FD1" "$HOLDER_PID:$FD2"
	wait_refresh 1
	run screen_line 0
	assert_output --regexp "^tcectl watch - $(hostname) - [0-2][0-9]:[0-5][0-9]:[0-5][0-9] - every 3600s - refresh 1\$"
	run screen_line 1
	assert_output "1 VM, 3 tables, 24576 entries, 315 mapped; maps/s -, unmaps/s -, changes/s -"
	run screen_line 2
	assert_output "sort VM, A to Z"
	run screen_rows
	# No rates yet: the first refresh has no refresh before it.
	assert_output "$(expect_rows \
		" |tce-holder|$HOLDER_PID:$FD0|||4K|32M|15|11|2|1|8|-|-|-|15/8192" \
		" |tce-holder|$HOLDER_PID:$FD1|||4K|32M|300|100|100|100|300|-|-|-|300/8192" \
		" |tce-holder|$HOLDER_PID:$FD2|||4K|32M|0|0|0|0|0|-|-|-|0/8192")"
	run screen_line 29
	assert_output "q quit  ? help  Enter open  / filter  < > sort  r reverse  p pause  + - d interval"
	# The memfd stand-ins draw no warning across the screen.
	[ ! -s "$PANE/stderr" ]
	# The next refresh has rates: nothing changed.
	keys Space
	wait_refresh 2
	run screen_line 1
	assert_output "1 VM, 3 tables, 24576 entries, 315 mapped; maps/s 0, unmaps/s 0, changes/s 0"
	run screen_rows
	assert_output "$(expect_rows \
		" |tce-holder|$HOLDER_PID:$FD0|||4K|32M|15|11|2|1|8|0|0|0|15/8192" \
		" |tce-holder|$HOLDER_PID:$FD1|||4K|32M|300|100|100|100|300|0|0|0|300/8192" \
		" |tce-holder|$HOLDER_PID:$FD2|||4K|32M|0|0|0|0|0|0|0|0|0/8192")"
}

@test "every VMM of the host, with the liobn and device of QEMU's records" {
	start_holder 64K:mixed 8K:direct
	holder_cmd record 0 0x71000003 12 0
	holder_cmd record 1 0x80000101 24 0x800000000000000 16
	vmm_cmd "$FD0 $FD1"
	WATCH_PREFIX=("${VMM_CMD[@]}")
	start_watch -d 3600
	wait_refresh 1
	run screen_line 1
	assert_output "1 VM, 2 tables, 65552 entries, 31 mapped; maps/s -, unmaps/s -, changes/s -"
	run screen_rows
	assert_output "$(expect_rows \
		" |tce-holder|$HOLDER_PID:$FD0|0x71000003|vio-71000003|4K|256M|15|11|2|1|8|-|-|-|15/65536" \
		" |tce-holder|$HOLDER_PID:$FD1|0x80000101|phb1-win1|16M|256M|16|16|0|0|16|-|-|-|16/16")"
}

@test "a table whose mapping is not known: an error on the status line, not read through its fd" {
	start_holder 8K:mixed 8K:direct
	# Two table fds, two table mappings, no QEMU record: nothing pairs them.
	vmm_cmd "$FD0 $FD1"
	WATCH_PREFIX=("${VMM_CMD[@]}")
	start_watch -d 3600 "$HOLDER_PID:$FD1"
	wait_refresh 1
	run screen_line 29
	assert_output "$(printf '%s' "error: no mapping of fd $FD1 of pid $HOLDER_PID is known (no QEMU record pairs it, and nothing else does); give --attach=fd to read it through a duplicate of its fd, or read the mappings: tcectl list $HOLDER_PID" | cut -c1-120)"
	run screen_line 4
	assert_output "no tables"
	tmux -L "$SOCK" kill-server
	# A VMM that maps none of its tables: they are there, and not read.
	local view=$BATS_TEST_TMPDIR/fd-view
	fake_fd_view "$FD0 $FD1" "$view"
	WATCH_PREFIX=(unshare --mount --propagation private -- sh -c 'mount --bind "$1" "/proc/$2/fd" && shift 2 && exec "$@"'
		      sh "$view" "$HOLDER_PID")
	start_watch -d 3600 "$HOLDER_PID"
	wait_refresh 1
	run screen_line 29
	assert_output "$(printf '%s' "error: no mapping of the 2 kvm-spapr-tce tables of pid $HOLDER_PID is known (no QEMU record pairs them, and nothing else does); give --attach=fd to read them through duplicates of their fds" | cut -c1-120)"
	tmux -L "$SOCK" kill-server
	# Asked for, the fd is read.
	WATCH_PREFIX=("${VMM_CMD[@]}")
	start_watch -d 3600 --attach=fd "$HOLDER_PID:$FD1"
	wait_refresh 1
	run screen_rows
	assert_output "$(expect_rows " |tce-holder|$HOLDER_PID:$FD1|||4K|32M|8192|8192|0|0|1|-|-|-|8192/8192")"
	run screen_line 29
	assert_output "q quit  ? help  Enter open  / filter  < > sort  r reverse  p pause  + - d interval"
}

@test "a change shows in the next refresh: figures, rates and the table's marked extents" {
	start_holder 8K:mixed
	start_watch -d 3600 "$HOLDER_PID:$FD0"
	wait_refresh 1
	holder_cmd fill 0 100 50 0x70000003 4096
	holder_cmd set 0 2 0x12345003
	holder_cmd set 0 10 0
	keys Space
	wait_refresh 2
	run screen_line 1
	assert_output --regexp "^1 VM, 1 table, 8192 entries, 64 mapped; maps/s [0-9.]+K?, unmaps/s [0-9.]+, changes/s [0-9.]+\$"
	local row
	row=$(screen_rows | sed -n 2p)
	[[ "$row" =~ ^\ \ tce-holder\ $HOLDER_PID:$FD0\ +-\ +-\ +4K\ +32M\ +64\ +60\ +2\ +1\ +10\ +([0-9.K]+)\ +([0-9.]+)\ +([0-9.]+)\ +0\.8%\ \[ ]] ||
		fail "unexpected row: $row"
	[ "${BASH_REMATCH[1]}" != 0 ] && [ "${BASH_REMATCH[2]}" != 0 ] && [ "${BASH_REMATCH[3]}" != 0 ] ||
		fail "rates of the change are zero: $row"
	# Open the table: the last refresh's changes are marked and highlighted.
	keys Enter
	wait_screen "at the last refresh:"
	run screen_line 1
	assert_output "table $HOLDER_PID:$FD0  vm tce-holder  liobn -  device -  type /memfd:tce-holder (deleted)"
	run screen_line 2
	assert_output "4K pages from 0x0, window 32M: 8192 entries, 64 mapped (rw 60, r 2, w 1), 10 extents"
	run screen_line 3
	assert_output "at the last refresh: 50 mapped, 1 unmapped, 1 changed entries"
	run bash -c "tmux -L $SOCK capture-pane -p | sed -n '5,17p'"
	assert_output "$(cat <<'EOF'
  IOBA                  GPA                   PERM PAGES
  0x00000000-0x00001fff 0x10000000-0x10001fff rw       2
* 0x00002000-0x00002fff 0x12345000-0x12345fff rw       1
  0x00003000-0x00003fff 0x10003000-0x10003fff rw       1
  0x00004000-0x00005fff 0x20000000-0x20001fff r        2
  0x00006000-0x00006fff 0x30000000-0x30000fff w        1
  0x00008000-0x00008fff 0x40000000-0x40000fff -        1
  0x00009000-0x00009fff 0x50000000-0x50000fff rw       1
- 0x0000a000-0x0000afff 0x50002000-0x50002fff rw       1  unmapped
  0x00010000-0x00013fff 0x10000000-0x10003fff rw       4
+ 0x00064000-0x00095fff 0x70000000-0x70031fff rw      50
  0x01fff000-0x01ffffff 0x60000000-0x60000fff rw       1

EOF
)"
	# Highlighted: bold, in colour; unchanged lines plain.
	run bash -c "tmux -L $SOCK capture-pane -p -e | sed -n '6,8p'"
	assert_line --index 1 --regexp $'^\e\\[1m\e\\[33m\\* 0x00002000'
	assert_line --index 2 --regexp $'^\e\\[0m.*  0x00003000'
	# A refresh with no change leaves nothing marked.
	keys Space
	wait_refresh 3
	wait_screen "at the last refresh: 0 mapped, 0 unmapped, 0 changed entries"
	run screen
	refute_output --partial "unmapped"$'\n'
	refute_output --regexp $'\n[-+*] 0x'
	run screen_line 29
	assert_output "Esc back  Up Down PgUp PgDn scroll  p pause  ? help   lines 1-10 of 10"
	keys Escape
	wait_screen "q quit  ? help"
}

@test "a change shows by itself at the next refresh of a short interval" {
	start_holder 8K:mixed
	start_watch -d 0.1 "$HOLDER_PID:$FD0"
	wait_refresh 2
	holder_cmd fill 0 100 50 0x70000003 4096
	wait_screen "1 VM, 1 table, 8192 entries, 65 mapped;"
}

@test "a table created later comes as added; one closed shows once as removed, then goes" {
	start_holder 8K:mixed 8K:sparse
	# The fd the next table of the holder will get: the lowest free one.
	local next=3
	while [ -e "/proc/$HOLDER_PID/fd/$next" ]; do next=$((next + 1)); done
	start_watch -d 3600 "$HOLDER_PID:$FD0" "$HOLDER_PID:$FD1" "$HOLDER_PID:$next"
	wait_refresh 1
	run screen_line 1
	assert_output "1 VM, 2 tables, 16384 entries, 315 mapped; maps/s -, unmaps/s -, changes/s -"
	# The fd of the table it adds is the target given at the start.
	run holder_cmd add 8K:direct
	assert_output "2 $next"
	keys Space
	wait_refresh 2
	run screen_line 1
	assert_output "1 VM, 3 tables, 24576 entries, 8507 mapped; maps/s 0, unmaps/s 0, changes/s 0"
	# Added: no rates yet, bold in green.
	run screen_rows
	assert_output "$(expect_rows \
		" |tce-holder|$HOLDER_PID:$FD0|||4K|32M|15|11|2|1|8|0|0|0|15/8192" \
		" |tce-holder|$HOLDER_PID:$FD1|||4K|32M|300|100|100|100|300|0|0|0|300/8192" \
		"+|tce-holder|$HOLDER_PID:$next|||4K|32M|8192|8192|0|0|1|-|-|-|8192/8192")"
	run bash -c "tmux -L $SOCK capture-pane -p -e | sed -n 7p"
	assert_output --regexp $'^\e\\[(0;)?1m\e\\[32m.*\\+ tce-holder'
	holder_cmd close 1
	keys Space
	wait_refresh 3
	run screen_line 1
	assert_output "1 VM, 2 tables, 16384 entries, 8207 mapped; maps/s 0, unmaps/s 0, changes/s 0"
	# Removed: its last figures, no rates, dim in red.
	run screen_rows
	assert_output "$(expect_rows \
		" |tce-holder|$HOLDER_PID:$FD0|||4K|32M|15|11|2|1|8|0|0|0|15/8192" \
		"-|tce-holder|$HOLDER_PID:$FD1|||4K|32M|300|100|100|100|300|-|-|-|300/8192" \
		" |tce-holder|$HOLDER_PID:$next|||4K|32M|8192|8192|0|0|1|0|0|0|8192/8192")"
	run bash -c "tmux -L $SOCK capture-pane -p -e | sed -n 6p"
	assert_output --regexp $'^\e\\[(0;)?2m\e\\[31m.*- tce-holder'
	keys Space
	wait_refresh 4
	run screen_rows
	assert_output "$(expect_rows \
		" |tce-holder|$HOLDER_PID:$FD0|||4K|32M|15|11|2|1|8|0|0|0|15/8192" \
		" |tce-holder|$HOLDER_PID:$next|||4K|32M|8192|8192|0|0|1|0|0|0|8192/8192")"
	[ ! -s "$PANE/stderr" ]
}

# The TABLE cells of the rows, in order.
row_tables() {
	screen_rows | awk 'NR > 1 { print $2 }' | tr '\n' ' '
}

@test "< and > move the sort column, r reverses it: the rows' order is exact" {
	start_holder 8K:mixed 8K:sparse 8K:empty
	start_watch -d 3600 "$HOLDER_PID:$FD0" "$HOLDER_PID:$FD1" "$HOLDER_PID:$FD2"
	wait_refresh 1
	local a=$HOLDER_PID:$FD0 b=$HOLDER_PID:$FD1 c=$HOLDER_PID:$FD2
	assert_equal "$(row_tables)" "$a $b $c "
	# VM, TABLE, LIOBN, DEVICE, PAGE, WINDOW, MAPPED.
	keys '>' '>' '>' '>' '>' '>'
	wait_screen "sort MAPPED, largest first"
	assert_equal "$(row_tables)" "$b $a $c "
	keys r
	wait_screen "sort MAPPED, smallest first"
	assert_equal "$(row_tables)" "$c $a $b "
	keys '<'
	wait_screen "sort WINDOW, smallest first"
	assert_equal "$(row_tables)" "$a $b $c "
	keys '<' '<' '<' '<'
	wait_screen "sort TABLE, by pid and fd, reversed"
	assert_equal "$(row_tables)" "$c $b $a "
	# Left of the first column is the last: USE.
	keys '<' '<'
	wait_screen "sort USE, smallest first"
	assert_equal "$(row_tables)" "$c $a $b "
	# The sort column's heading is bold and underlined in the reverse line.
	run bash -c "tmux -L $SOCK capture-pane -p -e | sed -n 4p"
	assert_output --regexp $'\e\\[1;4mUSE'
}

@test "/ filters by part of a VM name or by a PID; an empty filter shows all" {
	start_holder 8K:mixed
	local p1=$HOLDER_PID f1=$FD0
	OTHER_PID=$HOLDER_PID
	TCE_HOLDER_COMM=vm-beta start_holder 8K:sparse
	start_watch -d 3600 "$p1:$f1" "$HOLDER_PID:$FD0"
	wait_refresh 1
	assert_equal "$(row_tables)" "$p1:$f1 $HOLDER_PID:$FD0 "
	run screen_line 1
	assert_output "2 VMs, 2 tables, 16384 entries, 315 mapped; maps/s -, unmaps/s -, changes/s -"
	keys /
	wait_screen "filter (part of a VM name, or a PID; empty shows all):"
	keys BET Enter
	wait_screen "sort VM, A to Z; filter 'BET': 1 of 2"
	assert_equal "$(row_tables)" "$HOLDER_PID:$FD0 "
	# The totals stay those of every table.
	run screen_line 1
	assert_output "2 VMs, 2 tables, 16384 entries, 315 mapped; maps/s -, unmaps/s -, changes/s -"
	# f is / too; the prompt starts with the filter, Backspace erases it.
	keys f BSpace BSpace BSpace "$p1" Enter
	wait_screen "filter '$p1': 1 of 2"
	assert_equal "$(row_tables)" "$p1:$f1 "
	keys / nothing-like-it Enter
	wait_screen "filter '${p1}nothing-like-it': 0 of 2"
	wait_screen "no table matches the filter"
	# Ctrl-U empties the prompt.
	keys / C-u Enter
	wait_screen "sort VM, A to Z"
	run screen_line 2
	assert_output "sort VM, A to Z"
	assert_equal "$(row_tables)" "$p1:$f1 $HOLDER_PID:$FD0 "
}

@test "Enter opens the selected table; j and k move the selection; Esc, q and Backspace go back" {
	start_holder 8K:mixed 8K:sparse
	start_watch -d 3600 "$HOLDER_PID:$FD0" "$HOLDER_PID:$FD1"
	wait_refresh 1
	# The selected row is in reverse video: the first, then the second.
	run bash -c "tmux -L $SOCK capture-pane -p -e | sed -n 6p"
	assert_output --regexp $'^\e\\[0m[^\e]*(\e\\[[349]9m)*  tce-holder'
	keys j
	wait_screen "tcectl watch - "
	for _ in $(seq 1 100); do
		screen -e | sed -n 6p | grep -q $'^\e\\[[0-9;]*7m' && break
		sleep 0.05
	done
	run bash -c "tmux -L $SOCK capture-pane -p -e | sed -n 6p"
	assert_output --regexp $'^\e\\[[0-9;]*7m  tce-holder'
	keys Enter
	wait_screen "table $HOLDER_PID:$FD1 "
	run screen_line 2
	assert_output "4K pages from 0x0, window 32M: 8192 entries, 300 mapped (rw 100, r 100, w 100), 300 extents"
	run screen_line 5
	assert_output "  0x00000000-0x00000fff 0x0100000000-0x0100000fff rw       1"
	# 300 lines: End shows the last, PgUp goes back a screen, Home the first.
	keys End
	wait_screen "lines 277-300 of 300"
	run screen_line 28
	assert_output "  0x01f89000-0x01f89fff 0x13b0000000-0x13b0000fff w        1"
	keys PPage
	wait_screen "lines 253-276 of 300"
	keys Home
	wait_screen "lines 1-24 of 300"
	keys Down Down
	wait_screen "lines 3-26 of 300"
	keys q
	wait_screen "q quit  ? help"
	keys k Enter
	wait_screen "table $HOLDER_PID:$FD0 "
	keys BSpace
	wait_screen "q quit  ? help"
	keys Enter
	wait_screen "table $HOLDER_PID:$FD0 "
	keys Escape
	wait_screen "q quit  ? help"
	# q in the list quits, with status 0.
	keys q
	wait_exit
	assert_equal "$(cat "$PANE/status")" 0
}

@test "p pauses: the refreshes stop, the keys still work; p again resumes" {
	start_holder 8K:mixed
	start_watch -d 0.1 "$HOLDER_PID:$FD0"
	wait_refresh 2
	keys p
	wait_screen "  PAUSED"
	local title
	title=$(screen_line 0)
	holder_cmd fill 0 100 50 0x70000003 4096
	sleep 0.5
	assert_equal "$(screen_line 0)" "$title"
	run screen_line 1
	assert_output --partial " 15 mapped;"
	keys '>'
	wait_screen "sort TABLE"
	keys p
	wait_screen "65 mapped;"
	run screen_line 0
	refute_output --partial "PAUSED"
}

@test "+ and - double and halve the interval within 0.1 to 3600 s; d asks for it" {
	start_holder 8K:mixed
	start_watch -d 1 "$HOLDER_PID:$FD0"
	wait_refresh 1
	keys +
	wait_screen "- every 2s -"
	run screen_line 29
	assert_output "refresh every 2s"
	keys - - -
	wait_screen "- every 0.25s -"
	keys - - -
	wait_screen "- every 0.1s -"
	keys d
	wait_screen "refresh interval in seconds (0.1 to 3600):"
	keys 0.3 Enter
	wait_screen "- every 0.3s -"
	keys d 5000 Enter
	wait_screen "the interval takes seconds from 0.1 to 3600, not '5000'"
	keys d 3000 Enter + +
	wait_screen "- every 3600s -"
	# Esc leaves the prompt without a change.
	keys d 7 Escape
	sleep 0.1
	wait_screen "- every 3600s -"
}

@test "? shows the keys; any key goes back" {
	start_holder 8K:mixed
	start_watch -d 3600 "$HOLDER_PID:$FD0"
	wait_refresh 1
	keys '?'
	wait_screen "Press any key to go back."
	run screen_line 1
	assert_output "tcectl watch: the TCE tables, refreshed like top"
	screen | grep -qxF "  p              pause or resume the refreshes"
	keys x
	wait_screen "q quit  ? help"
}

@test "a resized terminal is drawn at its new width: the bar follows" {
	start_holder 8K:mixed
	start_watch -d 3600 "$HOLDER_PID:$FD0"
	wait_refresh 1
	local row
	row=" |tce-holder|$HOLDER_PID:$FD0|||4K|32M|15|11|2|1|8|-|-|-|15/8192"
	assert_equal "$(screen_rows)" "$(expect_rows "$row")"
	WIDTH=140
	tmux -L "$SOCK" resize-window -x 140 -y 30
	local expected _
	expected=$(expect_rows "$row")
	for _ in $(seq 1 100); do
		[ "$(screen_rows)" = "$expected" ] && break
		sleep 0.05
	done
	assert_equal "$(screen_rows)" "$expected"
	# Narrower than the row: it is cut at the edge, never wrapped.
	WIDTH=60
	tmux -L "$SOCK" resize-window -x 60 -y 12
	expected=$(expect_rows "$row")
	for _ in $(seq 1 100); do
		[ "$(screen_rows)" = "$expected" ] && break
		sleep 0.05
	done
	assert_equal "$(screen_rows)" "$expected"
	assert_equal "$(screen_line 11)" "q quit  ? help  Enter open  / filter  < > sort  r reverse  p"
	assert_equal "$(cat "$PANE/status" 2>/dev/null)" ""
}

# watch_ended_by SIGNAL STATUS: the terminal as it was, and the exit status of a death by SIGNAL.
watch_ended_by() {
	start_holder 8K:mixed
	start_watch -d 0.2 "$HOLDER_PID:$FD0"
	wait_refresh 2
	kill "-$1" "$WATCH_PID"
	wait_exit
	assert_equal "$(cat "$PANE/status")" "$2"
	assert_equal "$(cat "$PANE/stty.after")" "$(cat "$PANE/stty.before")"
	[ ! -s "$PANE/stderr" ]
	# The screen is the shell's again: curses has left its alternate screen.
	run screen
	refute_output --partial "tcectl watch - "
}

@test "the terminal is restored after SIGINT: status 130" {
	watch_ended_by INT 130
}

@test "the terminal is restored after SIGTERM: status 143" {
	watch_ended_by TERM 143
}

@test "the terminal is restored after SIGHUP: status 129" {
	watch_ended_by HUP 129
}

@test "a terminal that hangs up while SIGHUP is ignored: watch ends, status 7" {
	start_holder 8K:mixed
	mkdir -p "$PANE"
	# As under nohup: SIGHUP ignored by the shell and by watch after it.
	tmux -L "$SOCK" -f /dev/null new-session -d -x 120 -y 30 \
		"trap '' HUP; $TCECTL watch -d 3600 $HOLDER_PID:$FD0 2> $PANE/stderr; echo \$? > $PANE/status"
	wait_refresh 1
	tmux -L "$SOCK" kill-server
	wait_exit
	assert_equal "$(cat "$PANE/status")" 7
	assert_equal "$(cat "$PANE/stderr")" "tcectl: watch: the terminal's input has ended; for scripts and logs use tcectl monitor"
}

@test "the terminal is restored after q: status 0" {
	start_holder 8K:mixed
	start_watch -d 0.2 "$HOLDER_PID:$FD0"
	wait_refresh 1
	keys q
	wait_exit
	assert_equal "$(cat "$PANE/status")" 0
	assert_equal "$(cat "$PANE/stty.after")" "$(cat "$PANE/stty.before")"
	[ ! -s "$PANE/stderr" ]
}

@test "-n COUNT exits by itself after COUNT refreshes, with status 0" {
	start_holder 8K:mixed
	start_watch -d 0.1 -n 2 "$HOLDER_PID:$FD0"
	wait_exit
	assert_equal "$(cat "$PANE/status")" 0
	assert_equal "$(cat "$PANE/stty.after")" "$(cat "$PANE/stty.before")"
	[ ! -s "$PANE/stderr" ]
}

@test "bad -d and -n values: exit 2 with the message" {
	local bad
	for bad in 0.05 3601 1e3 0x10 ''; do
		run_tcectl watch -d "$bad"
		assert_failure 2
		assert_output ""
		[ "$stderr" = "tcectl: watch: --interval takes seconds from 0.1 to 3600, not '$bad'" ] ||
			fail "-d '$bad': $stderr"
	done
	for bad in 0 2.5; do
		run_tcectl watch --count="$bad"
		assert_failure 2
		[ "$stderr" = "tcectl: watch: --count takes a number of refreshes from 1, not '$bad'" ] ||
			fail "-n '$bad': $stderr"
	done
	run_tcectl watch -j
	assert_failure 2
	[ "$stderr" = "tcectl: watch: unknown option '-j'; see 'tcectl watch --help'" ]
}

@test "a checkpoint file or a process that does not exist: exit 2 and 3" {
	start_holder 8K:mixed
	"$TCECTL" checkpoint -o "$BATS_TEST_TMPDIR/c.tce" "$HOLDER_PID:$FD0" 2>/dev/null
	run_tcectl watch "$BATS_TEST_TMPDIR/c.tce"
	assert_failure 2
	[ "$stderr" = "tcectl: watch: '$BATS_TEST_TMPDIR/c.tce' is a checkpoint file: watch follows live tables; see a file with tcectl inspect or tcectl dump" ]
	local pid=$HOLDER_PID
	stop_holder
	run_tcectl watch "$pid:$FD0"
	assert_failure 3
	[ "$stderr" = "tcectl: watch: no process with pid $pid; check the pid with ps or tcectl list" ]
}

@test "no terminal: exit 2, pointing to tcectl monitor" {
	run_tcectl watch
	assert_failure 2
	assert_output ""
	[ "$stderr" = "tcectl: watch: standard output is not a terminal; for scripts and logs use tcectl monitor" ]
	# Standard output a terminal, standard input not: it reads its keys there.
	WATCH_PREFIX=(env)
	start_holder 8K:mixed
	mkdir -p "$PANE"
	tmux -L "$SOCK" -f /dev/null new-session -d -x 120 -y 30 \
		"$TCECTL watch $HOLDER_PID:$FD0 < /dev/null 2> $PANE/stderr; echo \$? > $PANE/status; exec sleep 3600"
	wait_exit
	assert_equal "$(cat "$PANE/status")" 2
	assert_equal "$(cat "$PANE/stderr")" "tcectl: watch: standard input is not a terminal, and watch reads its keys there; for scripts and logs use tcectl monitor"
	# A terminal type curses does not know, or none.
	tmux -L "$SOCK" kill-server
	rm -f "$PANE/status"
	tmux -L "$SOCK" -f /dev/null new-session -d -x 120 -y 30 \
		"TERM=no-such-term $TCECTL watch $HOLDER_PID:$FD0 2> $PANE/stderr; echo \$? > $PANE/status; exec sleep 3600"
	wait_exit
	assert_equal "$(cat "$PANE/status")" 2
	assert_equal "$(cat "$PANE/stderr")" "tcectl: watch: cannot drive terminal type 'no-such-term' (TERM); set TERM to the terminal's type, or for scripts and logs use tcectl monitor"
}

@test "NO_COLOR: no colour, attributes only; TERM=vt100 works in monochrome" {
	start_holder 8K:mixed 8K:sparse
	start_watch -d 3600 "$HOLDER_PID:$FD0" "$HOLDER_PID:$FD1"
	wait_refresh 1
	# With colours, the bar is cyan.
	run screen -e
	assert_output --regexp $'\e\\[36m#'
	tmux -L "$SOCK" kill-server
	local term
	for term in "env NO_COLOR=1" "env TERM=vt100"; do
		read -ra WATCH_PREFIX <<<"$term"
		start_watch -d 3600 "$HOLDER_PID:$FD0" "$HOLDER_PID:$FD1"
		wait_refresh 1
		holder_cmd close 1
		keys Space
		wait_refresh 2
		assert_equal "$(screen_rows)" "$(expect_rows \
			" |tce-holder|$HOLDER_PID:$FD0|||4K|32M|15|11|2|1|8|0|0|0|15/8192" \
			"-|tce-holder|$HOLDER_PID:$FD1|||4K|32M|300|100|100|100|300|-|-|-|300/8192")"
		# No SGR colour (30-49, 90-107, 38;5/48;5) anywhere; reverse video stays.
		run screen -e
		refute_output --regexp $'\e\\[([0-9;]*;)?(3[0-8]|4[0-8]|9[0-7]|10[0-7])(;[0-9;]*)?m'
		assert_output --regexp $'\e\\[7m'
		tmux -L "$SOCK" kill-server
		stop_holder
		start_holder 8K:mixed 8K:sparse
	done
}
