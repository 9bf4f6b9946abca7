#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
#
# tcectl metrics: the tables in Prometheus' text exposition format, on
# standard output or atomically in node_exporter's textfile directory,
# checked by promtool and scraped by a real node_exporter.

load test_helper

setup() {
	OUT="$BATS_TEST_TMPDIR/out"
	mkdir -p "$OUT"
	VMM_CMD=()
	NODE_EXPORTER_PID=
	GRAB_PID=
}

teardown() {
	if [ -n "${NODE_EXPORTER_PID:-}" ]; then
		kill "$NODE_EXPORTER_PID" 2>/dev/null || true
		wait "$NODE_EXPORTER_PID" 2>/dev/null || true
	fi
	[ -z "${GRAB_PID:-}" ] || kill "$GRAB_PID" 2>/dev/null || true
	stop_holder
}

# The duration varies: the exact tests compare everything else.
DURATION_RE='^tcectl_scrape_duration_seconds [0-9]+\.[0-9]{6}$'

# without_duration: stdin without its duration sample, which must be there.
without_duration() {
	local text
	text=$(cat)
	grep -Eq "$DURATION_RE" <<<"$text" || { echo "no duration sample" >&2; return 1; }
	grep -Ev "$DURATION_RE" <<<"$text"
}

# scrape_tail TARGET UP ERRORS TABLES: the run's own series, but the duration.
scrape_tail() {
	cat <<EOF
# HELP tcectl_target_up 1 when every table of the target could be read, else 0 (the reason is on tcectl's standard error); with no target, one per process that holds a table.
# TYPE tcectl_target_up gauge
tcectl_target_up{target="$1"} $2
# HELP tcectl_scrape_errors Targets that could not be read whole.
# TYPE tcectl_scrape_errors gauge
tcectl_scrape_errors $3
# HELP tcectl_uninspectable_processes Processes tcectl was not allowed to look into when searching the host.
# TYPE tcectl_uninspectable_processes gauge
tcectl_uninspectable_processes 0
# HELP tcectl_tables Tables read.
# TYPE tcectl_tables gauge
tcectl_tables $4
# HELP tcectl_scrape_duration_seconds Seconds tcectl took to find and read the tables.
# TYPE tcectl_scrape_duration_seconds gauge
EOF
}

# findings_exposition TABLE CRITICAL WARNING NOTICE: the findings family of one table.
findings_exposition() {
	cat <<EOF
# HELP tcectl_table_findings Findings tcectl check reports about the table, by severity; an alias between two tables counts once, on the table check reports it on.
# TYPE tcectl_table_findings gauge
tcectl_table_findings{table="$1",severity="critical"} $2
tcectl_table_findings{table="$1",severity="warning"} $3
tcectl_table_findings{table="$1",severity="notice"} $4
EOF
}

# mixed_exposition TABLE: the table series of one 8K:mixed table (tce-holder.c fill_mixed).
# Its findings are check's (83-check.bats): with no -m, the guest's RAM is
# estimated from the holder's mappings (52K), so four runs of entries lie
# outside it (critical); a write-only entry, a poison entry and an alias
# inside the table are notices.
mixed_exposition() {
	cat <<EOF
# HELP tcectl_table_entries Entries in the table's DMA window.
# TYPE tcectl_table_entries gauge
tcectl_table_entries{table="$1"} 8192
# HELP tcectl_table_mapped_entries Non-zero entries: those that map a guest page.
# TYPE tcectl_table_mapped_entries gauge
tcectl_table_mapped_entries{table="$1"} 15
# HELP tcectl_table_mapped_entries_by_permission Non-zero entries by what they let the device do: rw, r (read only), w (write only), none (an address without permission bits); they sum to tcectl_table_mapped_entries.
# TYPE tcectl_table_mapped_entries_by_permission gauge
tcectl_table_mapped_entries_by_permission{table="$1",permission="rw"} 11
tcectl_table_mapped_entries_by_permission{table="$1",permission="r"} 2
tcectl_table_mapped_entries_by_permission{table="$1",permission="w"} 1
tcectl_table_mapped_entries_by_permission{table="$1",permission="none"} 1
# HELP tcectl_table_window_bytes Bytes of IO bus address space the table's window covers.
# TYPE tcectl_table_window_bytes gauge
tcectl_table_window_bytes{table="$1"} 33554432
$(findings_exposition "$1" 4 0 3)
# HELP tcectl_table_info Always 1: the names of a table, to join with its other series on the table label.
# TYPE tcectl_table_info gauge
EOF
}

# temporaries DIR: what a write left behind besides tcectl.prom (there should be nothing).
temporaries() {
	find "$1" -mindepth 1 -maxdepth 1 ! -name tcectl.prom -printf '%f\n'
}

@test "PID:FD gives the exact exposition of the fixture's table" {
	start_holder 8K:mixed -- -m 256M
	run_tcectl metrics "$HOLDER_PID:$FD0"
	assert_success
	run without_duration <<<"$output"
	assert_success
	assert_output "$(mixed_exposition "$HOLDER_PID:$FD0"
		echo "tcectl_table_info{table=\"$HOLDER_PID:$FD0\",pid=\"$HOLDER_PID\",fd=\"$FD0\",comm=\"tce-holder\",vm=\"tce-holder\",liobn=\"\",device=\"\",source=\"assumed\",type=\"other\"} 1"
		scrape_tail "$HOLDER_PID:$FD0" 1 0 1)"
	[ "$stderr" = "$(memfd_warning metrics "$FD0")" ]
}

# findings_of TABLE: the table's findings samples in $output.
findings_of() {
	grep -F "tcectl_table_findings{table=\"$1\"," <<<"$output"
}

@test "planted entries: findings counted per severity exactly as check reports them" {
	start_holder 8K:empty 8K:empty -- -m 256M
	holder_cmd set 0 1 0x1007		# reserved bits: a warning
	holder_cmd set 0 2 0x20000003		# 512M, past the 256M of -m: critical
	holder_cmd set 1 3 0x3000		# an address without permission: a notice
	run_tcectl metrics "$HOLDER_PID:$FD0" "$HOLDER_PID:$FD1"
	assert_success
	local metrics_output=$output
	run findings_of "$HOLDER_PID:$FD0"
	assert_output "$(findings_exposition "$HOLDER_PID:$FD0" 1 1 0 | grep -v '^#')"
	output=$metrics_output
	run findings_of "$HOLDER_PID:$FD1"
	assert_output "$(findings_exposition "$HOLDER_PID:$FD1" 0 0 1 | grep -v '^#')"
	# The same counts as check's own, table by table.
	run_tcectl check --json "$HOLDER_PID:$FD0" "$HOLDER_PID:$FD1"
	assert_failure 1
	jq -r '.tables[] | "tcectl_table_findings{table=\"\(.table)\",severity=\"critical\"} \(.critical)",
			"tcectl_table_findings{table=\"\(.table)\",severity=\"warning\"} \(.warning)",
			"tcectl_table_findings{table=\"\(.table)\",severity=\"notice\"} \(.notice)"' \
		<<<"$output" > "$OUT/want"
	[ "$(wc -l < "$OUT/want")" -eq 6 ]
	diff -u "$OUT/want" <(grep '^tcectl_table_findings{' <<<"$metrics_output")
	# Findings do not fail a scrape: they are figures, not trouble.
	run grep -x 'tcectl_scrape_errors 0' <<<"$metrics_output"
	assert_success
}

@test "a foreign holder is a critical finding of the VMM's table; the holder's copy has none" {
	start_holder 8K:direct -- -m 1G
	grab fd
	run_tcectl metrics "$HOLDER_PID:$FD0"
	assert_success
	run findings_of "$HOLDER_PID:$FD0"
	assert_output "$(findings_exposition "$HOLDER_PID:$FD0" 1 0 0 | grep -v '^#')"
	# Both read: the table is checked under its VMM once, the grabber's copy counts 0.
	run_tcectl metrics "$HOLDER_PID:$FD0" "$GRAB_PID:$GRAB_FD"
	assert_success
	local metrics_output=$output
	run findings_of "$HOLDER_PID:$FD0"
	assert_output "$(findings_exposition "$HOLDER_PID:$FD0" 1 0 0 | grep -v '^#')"
	output=$metrics_output
	run findings_of "$GRAB_PID:$GRAB_FD"
	assert_output "$(findings_exposition "$GRAB_PID:$GRAB_FD" 0 0 0 | grep -v '^#')"
	# Without the grabber, nothing.
	kill "$GRAB_PID"
	wait "$GRAB_PID" 2>/dev/null || true
	GRAB_PID=
	run_tcectl metrics "$HOLDER_PID:$FD0"
	assert_success
	run findings_of "$HOLDER_PID:$FD0"
	assert_output "$(findings_exposition "$HOLDER_PID:$FD0" 0 0 0 | grep -v '^#')"
}

@test "promtool check metrics passes on the output" {
	start_holder 8K:mixed 8K:direct 8K:sparse 8K:empty 64K:direct
	# PID: the holder's fds pass for kvm-spapr-tce tables.
	run_tcectl_tce_fds "$FD0 $FD1 $FD2 $FD3 $FD4" metrics "$HOLDER_PID"
	assert_success
	printf '%s\n' "$output" > "$OUT/m.prom"
	run promtool check metrics < "$OUT/m.prom"
	assert_success
	assert_output ""
	# promtool itself fails a broken file: the check above could fail.
	printf 'tcectl_x{a="b} 1\n' > "$OUT/bad.prom"
	run promtool check metrics < "$OUT/bad.prom"
	assert_failure
}

@test "every value equals list --json's, table by table" {
	start_holder 8K:mixed 8K:direct 8K:sparse 8K:empty 64K:sparse
	local fds="$FD0 $FD1 $FD2 $FD3 $FD4"
	run_tcectl_tce_fds "$fds" metrics "$HOLDER_PID"
	assert_success
	printf '%s\n' "$output" > "$OUT/m.prom"
	run_tcectl_tce_fds "$fds" list --json -o table,entries,mapped,rw,r,w,none,window "$HOLDER_PID"
	assert_success
	jq -r '.[] | "tcectl_table_entries{table=\"\(.table)\"} \(.entries)",
			"tcectl_table_mapped_entries{table=\"\(.table)\"} \(.mapped)",
			"tcectl_table_mapped_entries_by_permission{table=\"\(.table)\",permission=\"rw\"} \(.rw)",
			"tcectl_table_mapped_entries_by_permission{table=\"\(.table)\",permission=\"r\"} \(.r)",
			"tcectl_table_mapped_entries_by_permission{table=\"\(.table)\",permission=\"w\"} \(.w)",
			"tcectl_table_mapped_entries_by_permission{table=\"\(.table)\",permission=\"none\"} \(.none)",
			"tcectl_table_window_bytes{table=\"\(.table)\"} \(.window_size)"' <<<"$output" |
		sort > "$OUT/want"
	[ "$(wc -l < "$OUT/want")" -eq 35 ]
	grep -E '^tcectl_table_(entries|mapped_entries|mapped_entries_by_permission|window_bytes)\{' \
		"$OUT/m.prom" | sort > "$OUT/got"
	diff -u "$OUT/want" "$OUT/got"
	run grep -c '^tcectl_table_info{' "$OUT/m.prom"
	assert_output 5
	run grep -x 'tcectl_tables 5' "$OUT/m.prom"
	assert_success
}

@test "with no target, metrics searches the host as list does" {
	start_holder 8K:mixed 8K:direct
	run_tcectl_vmm "$FD0 $FD1" metrics
	assert_success
	[ "$stderr" = "" ]
	printf '%s\n' "$output" > "$OUT/m.prom"
	# Read through the VMM's own mappings (no record pairs them with fds): PID@ADDR.
	local t0 t1
	t0="$HOLDER_PID@$(map_addr "$FD0")"
	t1="$HOLDER_PID@$(map_addr "$FD1")"
	run bash -c "grep -E '^tcectl_table_(mapped_entries|info)\{table=\"$HOLDER_PID@' '$OUT/m.prom' | sort"
	assert_output "$( (echo "tcectl_table_mapped_entries{table=\"$t0\"} 15"
		echo "tcectl_table_mapped_entries{table=\"$t1\"} 8192"
		for t in "$t0" "$t1"; do
			echo "tcectl_table_info{table=\"$t\",pid=\"$HOLDER_PID\",fd=\"\",comm=\"tce-holder\",vm=\"tce-holder\",liobn=\"\",device=\"\",source=\"assumed\",type=\"kvm\"} 1"
		done) | sort)"
	run grep -x "tcectl_target_up{target=\"$HOLDER_PID\"} 1" "$OUT/m.prom"
	assert_success
	run grep -x 'tcectl_scrape_errors 0' "$OUT/m.prom"
	assert_success
	run promtool check metrics < "$OUT/m.prom"
	assert_success
}

@test "a table named twice is one set of series: no duplicates" {
	start_holder 8K:mixed 8K:direct
	run_tcectl_tce_fds "$FD0 $FD1" metrics "$HOLDER_PID:$FD0" "$HOLDER_PID" "$HOLDER_PID:$FD0"
	assert_success
	printf '%s\n' "$output" > "$OUT/m.prom"
	run bash -c "grep -v '^#' '$OUT/m.prom' | sed 's/ [^ ]*\$//' | sort | uniq -d"
	assert_output ""
	run grep -c '^tcectl_table_info{' "$OUT/m.prom"
	assert_output 2
	# Each target is a series of its own, the same one twice too: its text differs not.
	run grep '^tcectl_target_up{' "$OUT/m.prom"
	assert_output "$(printf '%s\n' "tcectl_target_up{target=\"$HOLDER_PID:$FD0\"} 1" \
		"tcectl_target_up{target=\"$HOLDER_PID\"} 1")"
}

@test "hostile command names and VM names are escaped, and the output stays valid" {
	# A binary named with a quote, a backslash, an escape and a byte that is not
	# UTF-8 (the kernel keeps a command name to its first line: the VM name has one).
	local name=$'a"b\\c\x1bd\xffe'
	cp "$TCE_HOLDER" "$BATS_TEST_TMPDIR/$name"
	HOLDER_DIR=$(mktemp -d "$BATS_TEST_TMPDIR/holder.XXXXXX")
	"$BATS_TEST_TMPDIR/$name" "$HOLDER_DIR" 8K:mixed -- -name $'guest=vm"\\\x1b[31m\nx,debug-threads=on' 3>&- &
	HOLDER_PID=$!
	wait_holder_ready
	run_tcectl metrics "$HOLDER_PID:$FD0"
	assert_success
	printf '%s\n' "$output" > "$OUT/m.prom"
	run grep '^tcectl_table_info{' "$OUT/m.prom"
	assert_output "tcectl_table_info{table=\"$HOLDER_PID:$FD0\",pid=\"$HOLDER_PID\",fd=\"$FD0\",comm=\"a\\\"b\\\\c"$'\xef\xbf\xbd'"d"$'\xef\xbf\xbd'"e\",vm=\"vm\\\"\\\\"$'\xef\xbf\xbd'"[31m\\nx\",liobn=\"\",device=\"\",source=\"assumed\",type=\"other\"} 1"
	run promtool check metrics < "$OUT/m.prom"
	assert_success
	# Every line is a comment or one sample: no name broke a line.
	run grep -cvE '^(# |[a-z_]+(\{.*\})? [0-9.]+$)' "$OUT/m.prom"
	assert_output 0
}

@test "a target that fails is a series too, and the exit status says so" {
	start_holder 8K:mixed
	run_tcectl metrics "$HOLDER_PID:$FD0" 4194304
	assert_failure 3
	[ "$stderr" = "$(memfd_warning metrics "$FD0")
tcectl: metrics: no process with pid 4194304; check the pid with ps or tcectl list" ]
	run grep -E '^tcectl_(target_up|scrape_errors|tables)' <<<"$output"
	assert_output "$(printf '%s\n' "tcectl_target_up{target=\"$HOLDER_PID:$FD0\"} 1" \
		'tcectl_target_up{target="4194304"} 0' 'tcectl_scrape_errors 1' 'tcectl_tables 1')"
}

@test "bad options and targets: one line, exit 2, nothing on stdout" {
	run_tcectl metrics --bogus
	assert_failure 2
	assert_output ""
	[ "$stderr" = "tcectl: metrics: unknown option '--bogus'; see 'tcectl metrics --help'" ]
	run_tcectl metrics --textfile-dir
	assert_failure 2
	assert_output ""
	[ "$stderr" = "tcectl: metrics: option '--textfile-dir' needs a value; see 'tcectl metrics --help'" ]
	run_tcectl metrics --textfile-dir ''
	assert_failure 2
	assert_output ""
	[ "$stderr" = "tcectl: metrics: --textfile-dir needs a directory, not ''" ]
	run_tcectl metrics 12:
	assert_failure 2
	assert_output ""
	[ "$stderr" = "tcectl: metrics: '12:' is not a target: no file descriptor after ':'; give PID, PID:FD or PID@ADDR (each table with ,KEY=VALUE,...: shift, page, offset, liobn, entries) or a checkpoint FILE" ]
	: > "$OUT/c.tce"
	run_tcectl metrics "$OUT/c.tce"
	assert_failure 2
	assert_output ""
	[ "$stderr" = "tcectl: metrics: '$OUT/c.tce' is not a live target (PID, PID:FD or PID@ADDR): metrics reads live tables; see a checkpoint file with tcectl inspect" ]
	run_tcectl metrics --attach=both
	assert_failure 2
	[ "$stderr" = "tcectl: metrics: --attach takes 'mapping' or 'fd', not 'both'" ]
}

@test "--textfile-dir writes DIR/tcectl.prom, mode 0644, and nothing else" {
	start_holder 8K:mixed -- -m 256M
	umask 077
	run_tcectl metrics --textfile-dir "$OUT" "$HOLDER_PID:$FD0"
	assert_success
	assert_output ""
	[ "$stderr" = "$(memfd_warning metrics "$FD0")" ]
	[ "$(stat -c %a "$OUT/tcectl.prom")" = 644 ]
	[ "$(temporaries "$OUT")" = "" ]
	run without_duration < "$OUT/tcectl.prom"
	assert_output "$(mixed_exposition "$HOLDER_PID:$FD0"
		echo "tcectl_table_info{table=\"$HOLDER_PID:$FD0\",pid=\"$HOLDER_PID\",fd=\"$FD0\",comm=\"tce-holder\",vm=\"tce-holder\",liobn=\"\",device=\"\",source=\"assumed\",type=\"other\"} 1"
		scrape_tail "$HOLDER_PID:$FD0" 1 0 1)"
	# A second run replaces it: a new inode, never the old file rewritten.
	local inode
	inode=$(stat -c %i "$OUT/tcectl.prom")
	holder_cmd set 0 100 0x1003
	run_tcectl metrics --textfile-dir "$OUT/" "$HOLDER_PID:$FD0"
	assert_success
	[ "$(stat -c %i "$OUT/tcectl.prom")" != "$inode" ]
	run grep -x "tcectl_table_mapped_entries{table=\"$HOLDER_PID:$FD0\"} 16" "$OUT/tcectl.prom"
	assert_success
	[ "$(temporaries "$OUT")" = "" ]
}

@test "a directory that is missing or not a directory: exit 7, one line, nothing written" {
	start_holder 8K:mixed
	run_tcectl metrics --textfile-dir "$OUT/none" "$HOLDER_PID:$FD0"
	assert_failure 7
	assert_output ""
	[ "$stderr" = "tcectl: metrics: cannot create a file in '$OUT/none': No such file or directory; choose a writable directory" ]
	: > "$OUT/file"
	run_tcectl metrics --textfile-dir "$OUT/file" "$HOLDER_PID:$FD0"
	assert_failure 7
	assert_output ""
	[ "$stderr" = "tcectl: metrics: cannot create a file in '$OUT/file': Not a directory; choose a writable directory" ]
	[ "$(ls -A "$OUT")" = "file" ]
}

@test "a directory that may not be written: exit 4, the old file stays" {
	local dir
	dir=$(mktemp -d "${TMPDIR:-/tmp}/tcectl-metrics.XXXXXX")
	chmod 755 "$dir"
	mkdir -m 755 "$dir/ro"
	echo old > "$dir/ro/tcectl.prom"
	cp "$TCECTL" "$dir/tcectl"
	run --separate-stderr setpriv --reuid=65534 --regid=65534 --clear-groups \
		"$dir/tcectl" metrics --textfile-dir "$dir/ro" 1
	assert_failure 4
	assert_output ""
	[ "$stderr" = "tcectl: metrics: cannot create a file in '$dir/ro': Permission denied; choose a writable directory" ]
	[ "$(cat "$dir/ro/tcectl.prom")" = old ]
	[ "$(ls -A "$dir/ro")" = "tcectl.prom" ]
	rm -rf "$dir"
}

@test "a write that fails leaves the old file as it was and no temporary file" {
	start_holder 8K:mixed
	"$TCECTL" metrics --textfile-dir "$OUT" "$HOLDER_PID:$FD0" 2>/dev/null
	cp "$OUT/tcectl.prom" "$BATS_TEST_TMPDIR/old"
	# The file is over 2 KiB: a 1 KiB file size limit fails its write midway.
	run --separate-stderr bash -c 'ulimit -f 1 && exec "$@"' sh \
		"$TCECTL" metrics --textfile-dir "$OUT" "$HOLDER_PID:$FD0"
	assert_failure 7
	assert_output ""
	[ "$stderr" = "$(memfd_warning metrics "$FD0")
tcectl: metrics: cannot write '$OUT/tcectl.prom': File too large; '$OUT/tcectl.prom' is left as it was" ]
	cmp "$OUT/tcectl.prom" "$BATS_TEST_TMPDIR/old"
	[ "$(temporaries "$OUT")" = "" ]
}

@test "SIGTERM while the temporary file exists: it is removed, the old file stays" {
	start_holder 8K:mixed
	"$TCECTL" metrics --textfile-dir "$OUT" "$HOLDER_PID:$FD0" 2>/dev/null
	cp "$OUT/tcectl.prom" "$BATS_TEST_TMPDIR/old"
	# The VM's name is read from cmdline after the temporary file is made and
	# before it is written: a FIFO there holds tcectl in the middle of its run.
	mkfifo "$BATS_TEST_TMPDIR/cmdline"
	vmm_cmd "$FD0" cmdline="$BATS_TEST_TMPDIR/cmdline"
	"${VMM_CMD[@]}" env --default-signal=TERM "$TCECTL" metrics --textfile-dir "$OUT" \
		"$HOLDER_PID:$FD0" > /dev/null 2>&1 3>&- &
	local job=$! st=0
	# Opening the FIFO returns once tcectl opened it to read: it waits there now.
	exec 8> "$BATS_TEST_TMPDIR/cmdline"
	run temporaries "$OUT"
	[[ "$output" =~ ^\.tcectl\.prom\.[A-Za-z0-9]{6}$ ]]
	kill -TERM "$job"
	wait "$job" || st=$?
	exec 8>&-
	[ "$st" -eq 143 ]
	[ "$(temporaries "$OUT")" = "" ]
	cmp "$OUT/tcectl.prom" "$BATS_TEST_TMPDIR/old"
}

@test "held on the same FIFO and let go, the run completes with the VM's name" {
	start_holder 8K:mixed
	mkfifo "$BATS_TEST_TMPDIR/cmdline"
	vmm_cmd "$FD0" cmdline="$BATS_TEST_TMPDIR/cmdline"
	"${VMM_CMD[@]}" "$TCECTL" metrics --textfile-dir "$OUT" "$HOLDER_PID:$FD0" \
		> /dev/null 2>&1 3>&- &
	local job=$! st=0
	# Fed until metrics ends: the command line is read more than once (the
	# VM's name, the monitor socket, libvirt's status file, check's -m), and
	# how often is not what this test is about.  Each open for writing waits
	# for the next reader.
	# A reader that stops early is no reason for the feeder to die: no SIGPIPE.
	local feeder
	(
		trap '' PIPE
		while :; do
			printf 'qemu-system-ppc64\0-name\0guest=vm1,debug-threads=on\0' >"$BATS_TEST_TMPDIR/cmdline"
			# Until this reader has seen the end: the next open must wait for the next one.
			sleep 0.05
		done 2>/dev/null
	) &
	feeder=$!
	wait "$job" || st=$?
	kill "$feeder" 2>/dev/null || true
	[ "$st" -eq 0 ]
	run grep '^tcectl_table_info{' "$OUT/tcectl.prom"
	assert_output "tcectl_table_info{table=\"$HOLDER_PID:$FD0\",pid=\"$HOLDER_PID\",fd=\"$FD0\",comm=\"tce-holder\",vm=\"vm1\",liobn=\"\",device=\"\",source=\"assumed\",type=\"kvm\"} 1"
	[ "$(temporaries "$OUT")" = "" ]
}

# free_port: a TCP port nothing listens on now.
free_port() {
	local port
	while :; do
		port=$((20000 + RANDOM % 40000))
		(exec 9<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || { echo "$port"; return; }
	done
}

@test "node_exporter's textfile collector scrapes what --textfile-dir wrote" {
	start_holder 8K:mixed 8K:sparse -- -m 256M
	run_tcectl metrics --textfile-dir "$OUT" "$HOLDER_PID:$FD0" "$HOLDER_PID:$FD1"
	assert_success
	local port try
	for try in 1 2 3 4 5; do
		port=$(free_port)
		prometheus-node-exporter --web.listen-address="127.0.0.1:$port" \
			--collector.disable-defaults --collector.textfile \
			--collector.textfile.directory="$OUT" > "$BATS_TEST_TMPDIR/node.log" 2>&1 &
		NODE_EXPORTER_PID=$!
		for _ in $(seq 1 100); do
			curl -sf "http://127.0.0.1:$port/metrics" > "$BATS_TEST_TMPDIR/scrape" && break 2
			kill -0 "$NODE_EXPORTER_PID" 2>/dev/null || break
			sleep 0.05
		done
		kill "$NODE_EXPORTER_PID" 2>/dev/null || true
		wait "$NODE_EXPORTER_PID" 2>/dev/null || true
		NODE_EXPORTER_PID=
	done
	[ -n "$NODE_EXPORTER_PID" ] || { cat "$BATS_TEST_TMPDIR/node.log" >&2; return 1; }
	run grep -x 'node_textfile_scrape_error 0' "$BATS_TEST_TMPDIR/scrape"
	assert_success
	run grep -E '^tcectl_table_mapped_entries(_by_permission)?\{' "$BATS_TEST_TMPDIR/scrape"
	assert_output "$(printf '%s\n' \
		"tcectl_table_mapped_entries{table=\"$HOLDER_PID:$FD0\"} 15" \
		"tcectl_table_mapped_entries{table=\"$HOLDER_PID:$FD1\"} 300" \
		"tcectl_table_mapped_entries_by_permission{permission=\"none\",table=\"$HOLDER_PID:$FD0\"} 1" \
		"tcectl_table_mapped_entries_by_permission{permission=\"none\",table=\"$HOLDER_PID:$FD1\"} 0" \
		"tcectl_table_mapped_entries_by_permission{permission=\"r\",table=\"$HOLDER_PID:$FD0\"} 2" \
		"tcectl_table_mapped_entries_by_permission{permission=\"r\",table=\"$HOLDER_PID:$FD1\"} 100" \
		"tcectl_table_mapped_entries_by_permission{permission=\"rw\",table=\"$HOLDER_PID:$FD0\"} 11" \
		"tcectl_table_mapped_entries_by_permission{permission=\"rw\",table=\"$HOLDER_PID:$FD1\"} 100" \
		"tcectl_table_mapped_entries_by_permission{permission=\"w\",table=\"$HOLDER_PID:$FD0\"} 1" \
		"tcectl_table_mapped_entries_by_permission{permission=\"w\",table=\"$HOLDER_PID:$FD1\"} 100")"
	run grep -E "^tcectl_table_findings\\{.*table=\"$HOLDER_PID:$FD0\"" "$BATS_TEST_TMPDIR/scrape"
	assert_output "$(printf '%s\n' \
		"tcectl_table_findings{severity=\"critical\",table=\"$HOLDER_PID:$FD0\"} 4" \
		"tcectl_table_findings{severity=\"notice\",table=\"$HOLDER_PID:$FD0\"} 3" \
		"tcectl_table_findings{severity=\"warning\",table=\"$HOLDER_PID:$FD0\"} 0")"
	run grep -E '^tcectl_(tables|scrape_errors) ' "$BATS_TEST_TMPDIR/scrape"
	assert_output "$(printf '%s\n' 'tcectl_scrape_errors 0' 'tcectl_tables 2')"
	# And a broken file is an error node_exporter reports: the 0 above could be 1.
	printf 'tcectl_x{a="b} 1\n' > "$OUT/broken.prom"
	curl -sf "http://127.0.0.1:$port/metrics" > "$BATS_TEST_TMPDIR/scrape"
	run grep -x 'node_textfile_scrape_error 1' "$BATS_TEST_TMPDIR/scrape"
	assert_success
}

# syscalls FILE...: the system calls in strace -f logs, one name a line, sorted.
syscalls() {
	sed -nE 's/^[0-9]+ +([a-z_0-9]+)\(.*/\1/p' "$@" | sort -u
}

# expand_filter NAME...: the system calls a SystemCallFilter= list allows.
expand_filter() {
	local n
	for n in "$@"; do
		case $n in
		@*) expand_filter $(systemd-analyze syscall-filter "$n" 2>/dev/null |
				    awk 'NR > 2 && /^    [^#]/ { print $1 }') ;;
		*) echo "$n" ;;
		esac
	done
}

# Under strace, a sanitizer build's LeakSanitizer cannot stop the process at
# exit; and its own calls are not tcectl's.
# bats test_tags=no-sanitizer
@test "the service's system call filter allows every call metrics makes" {
	start_holder 8K:mixed 8K:direct
	local unit="$BATS_TEST_DIRNAME/../../contrib/systemd/tcectl-metrics.service" filter
	filter=$(sed -n 's/^SystemCallFilter=//p' "$unit")
	[ -n "$filter" ]
	# Through the VMM's mapping, host-wide, and through a duplicate fd.
	vmm_cmd "$FD0 $FD1"
	"${VMM_CMD[@]}" strace -f -qq -o "$OUT/host.trace" "$TCECTL" metrics --textfile-dir "$OUT"
	"${VMM_CMD[@]}" strace -f -qq -o "$OUT/fd.trace" "$TCECTL" metrics --attach=fd \
		"$HOLDER_PID:$FD0" > /dev/null 2>&1
	syscalls "$OUT/host.trace" "$OUT/fd.trace" > "$OUT/used"
	grep -qx process_vm_readv "$OUT/used"
	grep -qx pidfd_getfd "$OUT/used"
	grep -qx rename "$OUT/used"
	expand_filter $filter | sort -u > "$OUT/allowed"
	run comm -23 "$OUT/used" "$OUT/allowed"
	assert_output ""
	# The filter without its additions would refuse pidfd_getfd: the check can fail.
	run comm -23 "$OUT/used" <(expand_filter @system-service | sort -u)
	assert_output pidfd_getfd
}

@test "QEMU's records name the liobn, device and geometry; an emulated table says so" {
	start_holder 64K:mixed 8K:direct
	holder_cmd record 0 0x71000003 12 0
	holder_cmd record 1 0x80000101 24 0x800000000000000 16
	local addr
	addr=$(holder_cmd emulate 0x80000000 512)
	run_tcectl_vmm "$FD0 $FD1" metrics "$HOLDER_PID"
	assert_success
	printf '%s\n' "$output" > "$OUT/m.prom"
	run grep -E '^tcectl_table_(info|window_bytes|mapped_entries)\{' "$OUT/m.prom"
	assert_output "$(printf '%s\n' \
		"tcectl_table_mapped_entries{table=\"$HOLDER_PID:$FD0\"} 15" \
		"tcectl_table_mapped_entries{table=\"$HOLDER_PID:$FD1\"} 16" \
		"tcectl_table_mapped_entries{table=\"$HOLDER_PID@$addr\"} 1" \
		"tcectl_table_window_bytes{table=\"$HOLDER_PID:$FD0\"} 268435456" \
		"tcectl_table_window_bytes{table=\"$HOLDER_PID:$FD1\"} 268435456" \
		"tcectl_table_window_bytes{table=\"$HOLDER_PID@$addr\"} 2097152" \
		"tcectl_table_info{table=\"$HOLDER_PID:$FD0\",pid=\"$HOLDER_PID\",fd=\"$FD0\",comm=\"tce-holder\",vm=\"tce-holder\",liobn=\"0x71000003\",device=\"vio-71000003\",source=\"qemu\",type=\"kvm\"} 1" \
		"tcectl_table_info{table=\"$HOLDER_PID:$FD1\",pid=\"$HOLDER_PID\",fd=\"$FD1\",comm=\"tce-holder\",vm=\"tce-holder\",liobn=\"0x80000101\",device=\"phb1-win1\",source=\"qemu\",type=\"kvm\"} 1" \
		"tcectl_table_info{table=\"$HOLDER_PID@$addr\",pid=\"$HOLDER_PID\",fd=\"\",comm=\"tce-holder\",vm=\"tce-holder\",liobn=\"0x80000000\",device=\"phb0-win0\",source=\"qemu\",type=\"emulated\"} 1")"
	run promtool check metrics < "$OUT/m.prom"
	assert_success
}

# --- names from QEMU's monitor (tests/fixtures/qmp-server.c) ------------------

@test "tcectl_table_info names the VM and devices as QEMU's monitor does; its RAM size counts" {
	load qmp_helper
	qmp_setup
	vm_script
	start_qmp
	start_vm -name guest=other -m 256M -qmp "unix:$QMP_SOCK,server=on,wait=off"
	run_tcectl_vmm "$FD0 $FD1" metrics "$HOLDER_PID"
	assert_success
	[ "$stderr" = "" ]
	assert_equal "$(grep '^tcectl_table_info' <<<"$output" | sed 's/,source=.*//')" "$(printf '%s\n' \
		"tcectl_table_info{table=\"$HOLDER_PID:$FD0\",pid=\"$HOLDER_PID\",fd=\"$FD0\",comm=\"tce-holder\",vm=\"vm1\",liobn=\"0x71000003\",device=\"vscsi0\"" \
		"tcectl_table_info{table=\"$HOLDER_PID:$FD1\",pid=\"$HOLDER_PID\",fd=\"$FD1\",comm=\"tce-holder\",vm=\"vm1\",liobn=\"0x80000000\",device=\"spapr-pci-host-bridge,index=0\"")"
	# The monitor's 512 MiB, not -m 256M (which puts every mapped page
	# outside, 4 runs): the mixed layout's three runs at 0x20000000 and
	# above lie outside it, the one at 0x10000000 inside.
	grep -qx "tcectl_table_findings{table=\"$HOLDER_PID:$FD0\",severity=\"critical\"} 3" <<<"$output"
	run_tcectl_vmm "$FD0 $FD1" metrics --no-qmp "$HOLDER_PID"
	grep -qx "tcectl_table_findings{table=\"$HOLDER_PID:$FD0\",severity=\"critical\"} 4" <<<"$output"
	grep -q "^tcectl_table_info{table=\"$HOLDER_PID:$FD0\",.*,vm=\"other\",liobn=\"0x71000003\",device=\"vio-71000003\"," <<<"$output"
	# Read-only, one connection for both the names and check's RAM size.
	assert_equal "$(grep -c '^connect$' "$QMP_LOG")" 1
	stop_qmp
}

@test "a monitor that fails: one warning, the records' names, the series all there" {
	load qmp_helper
	qmp_setup
	vm_script
	start_qmp garbage
	start_vm -name guest=vm2 -qmp "unix:$QMP_SOCK,server=on"
	run_tcectl_vmm "$FD0 $FD1" metrics "$HOLDER_PID"
	stop_qmp
	assert_success
	[ "$stderr" = "tcectl: metrics: warning: pid $HOLDER_PID: QMP socket $QMP_SOCK: not a QMP monitor: a greeting is not JSON (unexpected character); names from QEMU's records" ]
	grep -q "^tcectl_table_info{table=\"$HOLDER_PID:$FD0\",.*,vm=\"vm2\",liobn=\"0x71000003\",device=\"vio-71000003\"," <<<"$output"
	promtool check metrics <<<"$output"
}

@test "metrics --qmp takes one VMM's monitor; --qmp-timeout must be a number" {
	run_tcectl metrics --qmp /nonexistent 1 2
	assert_failure 2
	[ "$stderr" = "tcectl: metrics: --qmp names one VMM's monitor, but the targets are 2 processes; give tables of one" ]
	run_tcectl metrics --qmp-timeout=soon 1
	assert_failure 2
	[[ "$stderr" == "tcectl: metrics: "*"soon"* ]]
}
