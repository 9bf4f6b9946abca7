#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
#
# tcectl monitor [TARGET...]: the tables followed refresh after refresh,
# one JSON object a line.  Each test runs monitor in the background, makes
# changes with the holder while monitor sleeps between two refreshes (so
# that one refresh sees each step whole), waits for the lines they must
# give, then stops it and compares the whole output.

load test_helper

setup_file() {
	# The system call monitor sleeps in between refreshes, for between_refreshes.
	PPOLL_NR=$(printf '#include <sys/syscall.h>\nSYS_ppoll\n' | cpp -P | tail -n 1)
	export PPOLL_NR
}

setup() {
	OUT="$BATS_TEST_TMPDIR/out"
	mkdir -p "$OUT"
	MON_PID=
	VMM_CMD=()
}

teardown() {
	if [ -n "${MON_PID:-}" ]; then
		kill -CONT "$MON_PID" 2>/dev/null || true
		kill -KILL "$MON_PID" 2>/dev/null || true
		wait "$MON_PID" 2>/dev/null || true
	fi
	stop_holder
}

# start_monitor ARGS...: tcectl monitor ARGS in the background, its output
# in $OUT/stdout and $OUT/stderr; with VMM_CMD set (vmm_cmd), in that view.
# (env: a background job of a script starts with SIGINT ignored, and
# monitor keeps a signal ignored at start so.)
start_monitor() {
	# Emptied now: the job's own redirections come when it runs.
	: >"$OUT/stdout"
	: >"$OUT/stderr"
	"${VMM_CMD[@]}" env --default-signal=INT,TERM,HUP "$TCECTL" monitor "$@" \
		>"$OUT/stdout" 2>"$OUT/stderr" &
	MON_PID=$!
}

# wait_exit: until monitor has exited (10 s at most), then its status in MON_STATUS.
wait_exit() {
	local _ stat gone=
	for _ in $(seq 1 1000); do
		# Gone from /proc: the shell has reaped it already.
		read -r stat 2>/dev/null <"/proc/$MON_PID/stat" || { gone=1; break; }
		stat=${stat##*) }
		[ "${stat%% *}" = Z ] && { gone=1; break; }
		sleep 0.01
	done
	[ -n "$gone" ] || { echo "monitor did not exit" >&2; return 1; }
	MON_STATUS=0
	wait "$MON_PID" || MON_STATUS=$?
	MON_PID=
}

# wait_lines N: until monitor has written N lines (10 s at most).
wait_lines() {
	local i n=0 got
	for ((i = 0; i < 1000; i++)); do
		mapfile -t got <"$OUT/stdout"
		n=${#got[@]}
		[ "$n" -ge "$1" ] && break
		sleep 0.01
	done
	[ "$n" -eq "$1" ] || { echo "monitor wrote $n lines, not $1:" >&2; cat "$OUT/stdout" >&2; return 1; }
}

# wait_refreshes N: until monitor has printed refresh N (10 s at most):
# with --summary, a busy machine may let more follow before we look.
wait_refreshes() {
	local i
	for ((i = 0; i < 1000; i++)); do
		grep -q "\"refresh\":$1," "$OUT/stdout" && return 0
		sleep 0.01
	done
	echo "monitor never printed refresh $1:" >&2
	cat "$OUT/stdout" >&2
	return 1
}

# between_refreshes: monitor stopped (SIGSTOP) while it sleeps between two
# refreshes, never inside one, so that a change made now is seen whole by
# the next refresh.
between_refreshes() {
	local i j nr stat
	for ((i = 0; i < 500; i++)); do
		kill -STOP "$MON_PID"
		for ((j = 0; j < 100000; j++)); do
			read -r stat <"/proc/$MON_PID/stat"
			stat=${stat##*) }
			[ "${stat%% *}" = T ] && break
		done
		read -r nr _ <"/proc/$MON_PID/syscall"
		[ "$nr" = "$PPOLL_NR" ] && return 0
		kill -CONT "$MON_PID"
		sleep 0.002
	done
	echo "monitor never slept between refreshes" >&2
	return 1
}

# step CMD...: runs CMD while monitor sleeps between two refreshes.
step() {
	between_refreshes
	"$@"
	kill -CONT "$MON_PID"
}

# stop_monitor SIGNAL: ends monitor with SIGNAL; it must exit 0 with whole lines of JSON.
stop_monitor() {
	kill -"$1" "$MON_PID"
	wait_exit
	[ "$MON_STATUS" -eq 0 ] || { echo "monitor exited with $MON_STATUS after SIG$1" >&2; cat "$OUT/stderr" >&2; return 1; }
	[ ! -s "$OUT/stdout" ] || [ "$(tail -c 1 "$OUT/stdout" | od -An -c | tr -d ' ')" = '\n' ]
	jq -e . "$OUT/stdout" >/dev/null
}

# normalized: monitor's lines with each "time" (checked: RFC 3339 UTC with
# milliseconds, one per refresh) as T, and refreshes (checked: increasing)
# numbered 1, 2, ... in order: how many quiet refreshes pass between two
# steps depends on timing, which refresh reports which step does not.
normalized() {
	awk '
	{
		d = "[0-9]"
		if (!match($0, "^\\{\"time\":\"" d d d d "-" d d "-" d d "T" d d ":" d d ":" d d "\\." d d d "Z\",\"refresh\":" d "+,")) {
			print "bad line: " $0
			next
		}
		head = substr($0, 1, RLENGTH)
		t = head; sub(/^\{"time":"/, "", t); sub(/".*/, "", t)
		r = head; sub(/.*"refresh":/, "", r); sub(/,$/, "", r)
		if (r != cur) {
			if (r + 0 <= cur + 0) print "refresh " r " after " cur
			cur = r; n++; when = t
		} else if (t != when) {
			print "refresh " r " at two times"
		}
		print "{\"time\":\"T\",\"refresh\":" n "," substr($0, RLENGTH + 1)
	}' "$OUT/stdout"
}

# keys_documented: every member of monitor's lines is set with Sy in tcectl-monitor(1).
keys_documented() {
	run comm -23 <(jq -r 'keys[]' "$OUT/stdout" | sort -u) <(awk '{
		for (i = 1; i <= NF; i++) {
			if ($i != "Sy" && $i != ".Sy") continue
			for (j = i + 1; j <= NF && $j ~ /^([a-z0-9_]+|,)$/; j++)
				if ($j != ",") print $j
		}
	}' "$BATS_TEST_DIRNAME/../../man/tcectl-monitor.1" | sort -u)
	assert_success
	assert_output ""
}

# The lines expected, for the table (the "table" member and what follows
# up to "liobn") set in WHO: who FD [LIOBN] names a table of the holder.
who() {
	WHO_FD=$1
	WHO=$(printf '"vm":"tce-holder","pid":%s,"fd":%s,"table":"%s:%s","liobn":%s' \
		"$HOLDER_PID" "$1" "$HOLDER_PID" "$1" "${2:-null}")
	WHO_DEVICE=${3:-null}
}

# table REFRESH EVENT ENTRIES MAPPED RW R W NONE EXTENTS: a table-added or
# table-removed line (4K pages at bus address 0).
table() {
	printf '{"time":"T","refresh":%s,"event":"%s",%s,"device":%s,"page_shift":12,"bus_offset":"0x0","entries":%s,"mapped":%s,"rw":%s,"r":%s,"w":%s,"none":%s,"extents":%s}\n' \
		"$1" "$2" "$WHO" "$WHO_DEVICE" "$3" "$4" "$5" "$6" "$7" "$8" "$9"
}

# side KEY_PREFIX RAW: the gpa, perm and raw members of one side of a change.
side() {
	local perms=(- r w rw)
	if [ "$(($2))" -eq 0 ]; then
		printf '"%sgpa":null,"%sperm":null,"%sraw":"0x0"' "$1" "$1" "$1"
	else
		printf '"%sgpa":"0x%x","%sperm":"%s","%sraw":"0x%x"' "$1" "$(($2 & ~3))" \
			"$1" "${perms[$(($2 & 3))]}" "$1" "$(($2))"
	fi
}

# entry REFRESH EVENT INDEX PAGES RAW OLD_RAW: a map, unmap or change line (4K pages at 0).
entry() {
	printf '{"time":"T","refresh":%s,"event":"%s",%s,"index":%s,"pages":%s,"ioba":"0x%x",%s,%s}\n' \
		"$1" "$2" "$WHO" "$3" "$4" "$(($3 << 12))" "$(side "" "$5")" "$(side old_ "$6")"
}

@test "the first refresh reports each table once, as table-added with its counts; a quiet table says nothing more" {
	start_holder 8K:mixed 8K:empty
	run_tcectl monitor --count=4 --interval=0.02 "$HOLDER_PID:$FD0" "$HOLDER_PID:$FD1"
	assert_success
	printf '%s\n' "$output" >"$OUT/stdout"
	assert_equal "$(normalized)" "$(who "$FD0"; table 1 table-added 8192 15 11 2 1 1 8
		who "$FD1"; table 1 table-added 8192 0 0 0 0 0 0)"
	# The warning a stand-in table draws, once per table, not once per refresh.
	[ "$stderr" = "$(memfd_warning monitor "$FD0"; echo; memfd_warning monitor "$FD1")" ]
}

@test "the guest's name is JSON and valid UTF-8, whatever bytes its VMM chose" {
	TCE_HOLDER_COMM=$'x\xffy\xc3\xa9\e[2J' start_holder 8K:mixed
	run_tcectl monitor -c 1 "$HOLDER_PID:$FD0"
	assert_success
	iconv -f UTF-8 -t UTF-8 <<<"$output" >/dev/null
	jq -e '.vm == "x\ufffdy\u00e9\u001b[2J"' <<<"$output"
}

@test "map, unmap and change: one line per run of entries, every change and none else" {
	start_holder 8K:mixed 8K:empty
	start_monitor -i 0.05 "$HOLDER_PID:$FD0" "$HOLDER_PID:$FD1"
	wait_lines 2
	step holder_cmd set 1 5 0x12345003
	wait_lines 3
	# Four entries mapping consecutive pages: one run.
	step holder_cmd fill 1 100 4 0x40000001 0x1000
	wait_lines 4
	# One refresh sees these together: in table order, then index order.
	step eval 'holder_cmd set 0 0 0 && holder_cmd set 0 6 0x30000003 &&
		holder_cmd set 0 9 0 && holder_cmd set 0 10 0 && holder_cmd fill 1 102 2 0 0'
	wait_lines 9
	step holder_cmd fill 1 100 2 0x70000003 0x1000
	wait_lines 10
	stop_monitor INT
	assert_equal "$(normalized)" "$(
		who "$FD0"; table 1 table-added 8192 15 11 2 1 1 8
		who "$FD1"; table 1 table-added 8192 0 0 0 0 0 0
		entry 2 map 5 1 0x12345003 0
		entry 3 map 100 4 0x40000001 0
		who "$FD0"
		entry 4 unmap 0 1 0 0x10000003
		entry 4 change 6 1 0x30000003 0x30000002
		# 9 and 10 map pages that do not follow each other: two runs.
		entry 4 unmap 9 1 0 0x50000003
		entry 4 unmap 10 1 0 0x50002003
		who "$FD1"
		entry 4 unmap 102 2 0 0x40002001
		entry 5 change 100 2 0x70000003 0x40000001)"
	[ "$(cat "$OUT/stderr")" = "$(memfd_warning monitor "$FD0"; echo; memfd_warning monitor "$FD1")" ]
	keys_documented
}

@test "a run across the 262144-entry chunk boundary is one line; a table closed is table-removed with its last figures" {
	start_holder 300000:empty
	start_monitor -i 0.05 "$HOLDER_PID:$FD0"
	wait_lines 1
	step holder_cmd fill 0 262140 8 0x40000003 0x1000
	wait_lines 2
	step holder_cmd fill 0 262142 4 0x80000001 0x1000
	wait_lines 3
	step holder_cmd fill 0 262143 2 0 0
	wait_lines 4
	step holder_cmd fill 0 262143 2 0x80001001 0x1000
	wait_lines 5
	step holder_cmd close 0
	wait_lines 6
	stop_monitor TERM
	# The memfd's pages round the table up to 300032 entries.
	assert_equal "$(normalized)" "$(who "$FD0"
		table 1 table-added 300032 0 0 0 0 0 0
		entry 2 map 262140 8 0x40000003 0
		entry 3 change 262142 4 0x80000001 0x40002003
		entry 4 unmap 262143 2 0 0x80001001
		entry 5 map 262143 2 0x80001001 0
		# 262140-262141 rw, 262142-262145 r (one run across the boundary), 262146-262147 rw.
		table 6 table-removed 300032 8 4 4 0 0 3)"
}

# view_update "FD...": the view of the running monitor (vmm_cmd's) now
# shows those fds and their mappings as the holder's tables.  Changed in
# place: the monitor's bind mounts show the same directory and file.
view_update() {
	local view=$BATS_TEST_TMPDIR/vmm-fds maps=$BATS_TEST_TMPDIR/vmm-maps
	fake_vmm_view "$1" "$BATS_TEST_TMPDIR/new-fds" "$BATS_TEST_TMPDIR/new-maps"
	find "$view" -mindepth 1 -delete
	cp -P "$BATS_TEST_TMPDIR/new-fds"/* "$view"/
	cat "$BATS_TEST_TMPDIR/new-maps" >"$maps"
}

@test "a VMM that creates and destroys tables: table-added and table-removed, with their liobns" {
	start_holder 64K:mixed
	holder_cmd record 0 0x71000003 12 0
	vmm_cmd "$FD0"
	start_monitor -i 0.05 "$HOLDER_PID"
	wait_lines 1
	local new
	step eval 'new=$(holder_cmd add 8K:direct) && holder_cmd record 1 0x80000000 12 0 &&
		view_update "$FD0 ${new#* }"'
	new=${new#* }
	wait_lines 2
	step holder_cmd set 1 3 0
	wait_lines 3
	step eval 'holder_cmd close 0 && view_update "$new"'
	wait_lines 4
	stop_monitor HUP
	assert_equal "$(normalized)" "$(
		who "$FD0" '"0x71000003"' '"vio-71000003"'
		table 1 table-added 65536 15 11 2 1 1 8
		who "$new" '"0x80000000"' '"phb0-win0"'
		table 2 table-added 8192 8192 8192 0 0 0 1
		entry 3 unmap 3 1 0 0x3003
		who "$FD0" '"0x71000003"' '"vio-71000003"'
		table 4 table-removed 65536 15 11 2 1 1 8)"
	[ ! -s "$OUT/stderr" ]
	keys_documented
}

@test "a table QEMU emulates in its memory: followed there, named by its address, with one warning" {
	start_holder 8K:mixed
	holder_cmd record 0 0x71000003 12 0
	local addr
	addr=$(holder_cmd emulate 0x80000000 4096)
	vmm_cmd "$FD0"
	start_monitor -c 3 -i 0.02 "$HOLDER_PID"
	wait_exit
	assert_equal "$MON_STATUS" 0
	who "$FD0" '"0x71000003"' '"vio-71000003"'
	local kvm
	kvm=$(table 1 table-added 8192 15 11 2 1 1 8)
	assert_equal "$(normalized)" "$(printf '%s\n' "$kvm" \
		"{\"time\":\"T\",\"refresh\":1,\"event\":\"table-added\",\"vm\":\"tce-holder\",\"pid\":$HOLDER_PID,\"fd\":null,\"table\":\"$HOLDER_PID@$addr\",\"liobn\":\"0x80000000\",\"device\":\"phb0-win0\",\"page_shift\":12,\"bus_offset\":\"0x0\",\"entries\":4096,\"mapped\":1,\"rw\":1,\"r\":0,\"w\":0,\"none\":0,\"extents\":1}")"
	[ "$(cat "$OUT/stderr")" = "tcectl: monitor: warning: table $HOLDER_PID@$addr (liobn 0x80000000) is emulated by QEMU: the kernel refused to create it, so the guest's every H_PUT_TCE on it exits to QEMU; the next guest reset may bring it back" ]
}

@test "with no target, every VMM of the host is followed" {
	start_holder 64K:mixed
	holder_cmd record 0 0x71000003 12 0
	vmm_cmd "$FD0"
	start_monitor -c 1
	wait_exit
	assert_equal "$MON_STATUS" 0
	assert_equal "$(normalized)" "$(who "$FD0" '"0x71000003"' '"vio-71000003"'
		table 1 table-added 65536 15 11 2 1 1 8)"
	[ ! -s "$OUT/stderr" ]
}

@test "--summary: one line per table and refresh, with the entries mapped, unmapped and changed since the one before" {
	start_holder 8K:mixed 8K:empty
	start_monitor --summary -i 0.05 "$HOLDER_PID:$FD0" "$HOLDER_PID:$FD1"
	wait_refreshes 2
	step eval 'holder_cmd fill 1 0 16 0x10000003 0x1000 && holder_cmd set 0 0 0 &&
		holder_cmd set 0 6 0x30000003'
	for _ in $(seq 1 500); do grep -q '"maps":16' "$OUT/stdout" && break; sleep 0.01; done
	step holder_cmd close 1
	for _ in $(seq 1 500); do grep -q '"state":"removed"' "$OUT/stdout" && break; sleep 0.01; done
	stop_monitor TERM
	# The first refresh: every table added, no counts yet.
	local fixed='"page_shift":12,"bus_offset":"0x0","entries":8192'
	assert_equal "$(normalized | head -n 2)" "$(
		printf '{"time":"T","refresh":1,"event":"summary","interval":0.000,"state":"added",%s,"device":null,%s,"mapped":15,"rw":11,"r":2,"w":1,"none":1,"extents":8,"maps":0,"unmaps":0,"changes":0,"maps_per_s":0.000,"unmaps_per_s":0.000,"changes_per_s":0.000}\n' \
			"$(who "$FD0"; echo "$WHO")" "$fixed"
		printf '{"time":"T","refresh":1,"event":"summary","interval":0.000,"state":"added",%s,"device":null,%s,"mapped":0,"rw":0,"r":0,"w":0,"none":0,"extents":0,"maps":0,"unmaps":0,"changes":0,"maps_per_s":0.000,"unmaps_per_s":0.000,"changes_per_s":0.000}\n' \
			"$(who "$FD1"; echo "$WHO")" "$fixed")"
	# Every later refresh: a line per table, its interval, and rates of counts over it.
	run jq -c -s --argjson fd0 "$FD0" --argjson fd1 "$FD1" '
		group_by(.refresh) | .[1:] | map(
			(map(.state) | join(",")) as $states |
			if $states != "kept,kept" and $states != "kept,removed" and $states != "kept" then
				"refresh \(.[0].refresh): states \($states)"
			elif (map(.interval > 0) | all) | not then "refresh \(.[0].refresh): interval 0"
			else .[] | select(.maps + .unmaps + .changes > 0 or .state != "kept") |
				{fd, state, mapped, rw, r, w, none, extents, maps, unmaps, changes}
			end) | .[]' "$OUT/stdout"
	assert_success
	assert_output "$(printf '%s\n' \
		"{\"fd\":$FD0,\"state\":\"kept\",\"mapped\":14,\"rw\":11,\"r\":2,\"w\":0,\"none\":1,\"extents\":8,\"maps\":0,\"unmaps\":1,\"changes\":1}" \
		"{\"fd\":$FD1,\"state\":\"kept\",\"mapped\":16,\"rw\":16,\"r\":0,\"w\":0,\"none\":0,\"extents\":1,\"maps\":16,\"unmaps\":0,\"changes\":0}" \
		"{\"fd\":$FD1,\"state\":\"removed\",\"mapped\":16,\"rw\":16,\"r\":0,\"w\":0,\"none\":0,\"extents\":1,\"maps\":0,\"unmaps\":0,\"changes\":0}")"
	# Rates are the counts over the interval (which is rounded to milliseconds).
	run jq -e -s 'map(select(.state == "kept")) | length > 4 and
		all(.[]; (.maps_per_s - .maps / .interval | fabs) <= 0.01 * .maps_per_s + 0.001 and
			(.unmaps_per_s - .unmaps / .interval | fabs) <= 0.01 * .unmaps_per_s + 0.001 and
			(.changes_per_s - .changes / .interval | fabs) <= 0.01 * .changes_per_s + 0.001)' \
		"$OUT/stdout"
	assert_success
	keys_documented
}

@test "a table of more runs than are kept: its counts alone, null change counts, one warning" {
	start_holder 1100K:random 8K:empty
	run_tcectl monitor --summary -c 2 -i 0.02 "$HOLDER_PID:$FD0"
	assert_success
	printf '%s\n' "$output" >"$OUT/stdout"
	run jq -c '[.refresh, .state, .mapped, .maps, .unmaps, .changes, .maps_per_s, .unmaps_per_s, .changes_per_s]' "$OUT/stdout"
	assert_output "$(printf '%s\n' '[1,"added",1126400,0,0,0,0,0,0]' \
		'[2,"kept",1126400,null,null,null,null,null,null]')"
	[ "$stderr" = "$(memfd_warning monitor "$FD0"; echo
		echo "tcectl: monitor: warning: table $HOLDER_PID:$FD0 holds more than 1048576 runs of entries: its counts are followed, its changes are not")" ]
	# Without --summary: the table, then nothing, whatever changes; the
	# refresh that sees the change does see one in a table of few runs.
	start_monitor -i 0.05 "$HOLDER_PID:$FD0" "$HOLDER_PID:$FD1"
	wait_lines 2
	step eval 'holder_cmd set 0 0 0 && holder_cmd set 1 0 0x1003'
	wait_lines 3
	stop_monitor INT
	assert_equal "$(normalized | jq -r '[.refresh, .event, .fd] | @tsv')" "$(printf '%s\t%s\t%s\n' \
		1 table-added "$FD0" 1 table-added "$FD1" 2 map "$FD1")"
}

@test "--count ends after N refreshes, --duration after SECONDS, cutting the wait short" {
	start_holder 8K:mixed
	run_tcectl monitor --summary -c 3 -i 0.02 "$HOLDER_PID:$FD0"
	assert_success
	assert_equal "$(jq -r .refresh <<<"$output" | tr '\n' ' ')" "1 2 3 "
	local t0 t1 first last
	t0=$(date +%s%N)
	run_tcectl monitor --summary --duration=0.5 -i 0.2 "$HOLDER_PID:$FD0"
	t1=$(date +%s%N)
	assert_success
	[ $(((t1 - t0) / 1000000)) -ge 500 ]
	# Refreshes at 0, 0.2 and 0.4 s (later on a busy machine), none from 0.5 s on.
	assert_equal "$(jq -r .refresh <<<"$output" | tr '\n' ' ')" "$(seq -s ' ' 1 "${#lines[@]}") "
	[ "${#lines[@]}" -ge 2 ]
	[ "${#lines[@]}" -le 3 ]
	first=$(jq -r .time <<<"${lines[0]}")
	last=$(jq -r .time <<<"${lines[-1]}")
	[ $(($(date -d "$last" +%s%3N) - $(date -d "$first" +%s%3N))) -lt 500 ]
	# An interval longer than the duration: one refresh, and the end on time.
	t0=$(date +%s%N)
	run_tcectl monitor --summary --duration=0.3 -i 60 "$HOLDER_PID:$FD0"
	t1=$(date +%s%N)
	assert_success
	assert_equal "$(jq -r .refresh <<<"$output")" "1"
	[ $(((t1 - t0) / 1000000)) -ge 300 ]
	[ $(((t1 - t0) / 1000000)) -lt 5000 ]
	# Both: whichever comes first.
	run_tcectl monitor --summary --duration=60 -c 2 -i 0.02 "$HOLDER_PID:$FD0"
	assert_success
	assert_equal "$(jq -r .refresh <<<"$output" | tr '\n' ' ')" "1 2 "
}

@test "SIGINT, SIGTERM and SIGHUP end monitor after a whole line, with status 0" {
	start_holder 64K:mixed
	holder_cmd record 0 0x71000003 12 0
	vmm_cmd "$FD0"
	local sig base=0x100000003 lines
	for sig in INT TERM HUP; do
		start_monitor -i 0.02 "$HOLDER_PID"
		wait_lines 1
		# 4096 entries, none following the one before: a line each, in one refresh.
		step holder_cmd fill 0 0 4096 "$base" 0x2000
		base=$((base + 0x100000000))
		for _ in $(seq 1 500); do [ "$(wc -l <"$OUT/stdout")" -gt 1 ] && break; sleep 0.001; done
		stop_monitor "$sig"
		lines=$(wc -l <"$OUT/stdout")
		[ "$lines" -gt 1 ] || return 1
		[ "$lines" -le 4097 ] || return 1
		[ ! -s "$OUT/stderr" ] || return 1
	done
}

@test "tcectl monitor | head -1 ends at once, quietly, with status 0" {
	start_holder 64K:mixed
	holder_cmd record 0 0x71000003 12 0
	vmm_cmd "$FD0"
	local t0 t1
	t0=$(date +%s%N)
	run bash -c '"$@" 2>"$0" | head -n 1; echo "status ${PIPESTATUS[0]}"' "$OUT/stderr" \
		"${VMM_CMD[@]}" "$TCECTL" monitor -i 60 "$HOLDER_PID"
	t1=$(date +%s%N)
	assert_success
	assert_equal "${#lines[@]}" 2
	assert_equal "$(jq -r .event <<<"${lines[0]}")" "table-added"
	assert_equal "${lines[1]}" "status 0"
	[ ! -s "$OUT/stderr" ]
	# Not at the next refresh, a minute later: as soon as head is gone.
	[ $(((t1 - t0) / 1000000)) -lt 10000 ]
}

@test "a table whose mapping is not known: an error line and message, once while it lasts; --attach=fd reads it" {
	start_holder 8K:mixed
	vmm_cmd "$FD0"
	local maps=$BATS_TEST_TMPDIR/vmm-maps
	start_monitor -i 0.05 "$HOLDER_PID:$FD0"
	wait_lines 1
	# The mapping no longer shows as a table's: only its fd, which monitor does not hold.
	step eval 'cat "/proc/$HOLDER_PID/maps" >"$maps"'
	wait_lines 3
	step true
	step true
	step eval 'view_update "$FD0"'
	wait_lines 4
	step eval 'cat "/proc/$HOLDER_PID/maps" >"$maps"'
	wait_lines 6
	stop_monitor INT
	local why="no mapping of fd $FD0 of pid $HOLDER_PID is known (no QEMU record pairs it, and nothing else does); give --attach=fd to read it through a duplicate of its fd (which holds the table while it is read: a VMM that resets meanwhile cannot re-create it, see tcectl(1) HOLDING A TABLE), or read the mappings: tcectl list $HOLDER_PID"
	error() {
		printf '{"time":"T","refresh":%s,"event":"error","target":"%s:%s","status":2,"message":"%s"}\n' \
			"$1" "$HOLDER_PID" "$FD0" "$why"
	}
	# A table that cannot be read is gone from the tables followed; back, it is added again.
	assert_equal "$(normalized)" "$(who "$FD0"
		table 1 table-added 8192 15 11 2 1 1 8
		error 2
		table 2 table-removed 8192 15 11 2 1 1 8
		table 3 table-added 8192 15 11 2 1 1 8
		error 4
		table 4 table-removed 8192 15 11 2 1 1 8)"
	[ "$(cat "$OUT/stderr")" = "$(printf 'tcectl: monitor: %s\n' "$why" "$why")" ]
	keys_documented
	# Through a duplicate of its fd when asked: no error.
	cat "/proc/$HOLDER_PID/maps" >"$maps"
	run_tcectl_tce_fds "$FD0" monitor -c 2 -i 0.02 --attach=fd "$HOLDER_PID:$FD0"
	assert_success
	printf '%s\n' "$output" >"$OUT/stdout"
	assert_equal "$(normalized)" "$(who "$FD0"; table 1 table-added 8192 15 11 2 1 1 8)"
	[ "$stderr" = "" ]
}

@test "bad options and targets: one line each, exit 2; a pid that does not exist: exit 3" {
	local bad
	for bad in 0 86400.5 -1 1e3 ""; do
		run_tcectl monitor --interval="$bad" 1
		assert_failure 2
		assert_output ""
		[ "$stderr" = "tcectl: monitor: --interval takes seconds from 0.01 to 86400, such as 0.5 or 2, not '$bad'" ]
	done
	for bad in 0 1.5; do
		run_tcectl monitor -c "$bad" 1
		assert_failure 2
		[ "$stderr" = "tcectl: monitor: --count takes a number of refreshes from 1 up, not '$bad'" ]
	done
	for bad in 0.004 60s; do
		run_tcectl monitor --duration "$bad" 1
		assert_failure 2
		[ "$stderr" = "tcectl: monitor: --duration takes seconds from 0.01 to 999999999, such as 60 or 0.5, not '$bad'" ]
	done
	run_tcectl monitor --pretty 1
	assert_failure 2
	[ "$stderr" = "tcectl: monitor: --pretty would spread each object over many lines; monitor writes one a line: indent them with jq" ]
	run_tcectl monitor "$BATS_TEST_TMPDIR/vm.tce"
	assert_failure 2
	assert_output ""
	[ "$stderr" = "tcectl: monitor: '$BATS_TEST_TMPDIR/vm.tce' is not a live target (PID, PID:FD or PID@ADDR): monitor follows live tables; compare checkpoint files with tcectl diff" ]
	run_tcectl monitor --summary=1 1
	assert_failure 2
	[ "$stderr" = "tcectl: monitor: option '--summary' takes no value; see 'tcectl monitor --help'" ]
	run_tcectl monitor --attach=both 1
	assert_failure 2
	[ "$stderr" = "tcectl: monitor: --attach takes 'mapping' or 'fd', not 'both'" ]
	run_tcectl monitor -c 1 1 4194304
	assert_failure 3
	assert_output ""
	[ "$stderr" = "tcectl: monitor: no process with pid 4194304; check the pid with ps or tcectl list" ]
	# Accepted: the decimals given, and the other output options, which change nothing.
	start_holder 8K:mixed
	for bad in .5 86400; do
		run_tcectl monitor --interval="$bad" -c 1 --json --noheadings "$HOLDER_PID:$FD0"
		assert_success
		assert_equal "$(jq -r .event <<<"$output")" "table-added"
	done
}
