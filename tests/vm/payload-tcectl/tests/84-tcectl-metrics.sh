# SPDX-License-Identifier: GPL-2.0-or-later
#
# tcectl metrics on the real kernel: host-wide it gives exactly minivmm's
# four tables, with the counts the kernel's entries give (as list's), and
# names them from minivmm's QEMU-style records (liobn, device, source qemu,
# type kvm); --textfile-dir writes the same whole, mode 0644, with no
# temporary file left; it holds no table afterwards; and a user who may
# not look into minivmm sees no table and the count of processes it could
# not inspect, not an empty success.
. "$PAYLOAD/lib/tcectl.sh"

tc_vmm_begin || exit 0
liobns=$(all_liobns)

# The table series metrics should give for minivmm, from list_rows (by fd).
want_series() {
	list_rows | while read -r p c fd entries mapped rw r w none; do
		line=$(grep "^table .* fd=$fd " "$VMM_DESC")
		t="$p:$fd"
		echo "tcectl_table_entries{table=\"$t\"} $entries"
		echo "tcectl_table_mapped_entries{table=\"$t\"} $mapped"
		echo "tcectl_table_mapped_entries_by_permission{table=\"$t\",permission=\"rw\"} $rw"
		echo "tcectl_table_mapped_entries_by_permission{table=\"$t\",permission=\"r\"} $r"
		echo "tcectl_table_mapped_entries_by_permission{table=\"$t\",permission=\"w\"} $w"
		echo "tcectl_table_mapped_entries_by_permission{table=\"$t\",permission=\"none\"} $none"
		echo "tcectl_table_window_bytes{table=\"$t\"} $((entries << $(field page_shift "$line")))"
		liobn=$(field liobn "$line")
		echo "tcectl_table_info{table=\"$t\",pid=\"$p\",fd=\"$fd\",comm=\"$c\",vm=\"$c\",liobn=\"$liobn\",device=\"$(liobn_device "$liobn")\",source=\"qemu\",type=\"kvm\"} 1"
	done | sort
}

# The figures list --json gives; findings are check's, counted by its own tests.
table_series() {
	grep '^tcectl_table_' "$1" | grep -v '^tcectl_table_findings{' | sort
}

want=$(want_series)
tcx "metrics (host-wide)" "$liobns" metrics
tc_rc 0 "metrics (host-wide) exits 0"
is "$(cat "$TC_ERR")" "" "metrics (host-wide) writes nothing to stderr"
is "$(table_series "$TC_OUT")" "$want" \
	"metrics (host-wide): minivmm's 4 tables, the kernel's counts, names from its records"
is "$(grep -E '^tcectl_(target_up|scrape_errors|uninspectable_processes|tables) ' "$TC_OUT"; grep '^tcectl_target_up{' "$TC_OUT")" \
	"$(printf '%s\n' 'tcectl_scrape_errors 0' 'tcectl_uninspectable_processes 0' 'tcectl_tables 4' \
		"tcectl_target_up{target=\"$pid\"} 1")" \
	"metrics (host-wide): one target, up; no errors; 4 tables"
check "metrics (host-wide): a duration" grep -Eq '^tcectl_scrape_duration_seconds [0-9]+\.[0-9]{6}$' "$TC_OUT"

# The textfile: the same series, whole, and nothing else in the directory.
dir=$TC_DIR/prom
mkdir -p "$dir"
want=$(want_series)
tcx "metrics --textfile-dir" "$liobns" metrics --textfile-dir "$dir"
tc_rc 0 "metrics --textfile-dir exits 0"
is "$(cat "$TC_OUT")$(cat "$TC_ERR")" "" "metrics --textfile-dir prints nothing"
is "$(table_series "$dir/tcectl.prom")" "$want" "metrics --textfile-dir: the same table series in tcectl.prom"
is "$(ls -A "$dir")" "tcectl.prom" "metrics --textfile-dir leaves no temporary file"
is "$(stat -c %a "$dir/tcectl.prom")" 644 "metrics --textfile-dir: tcectl.prom is mode 0644"

# Without the right to look into minivmm: no table, and why, in the series.
tc_as 1000 metrics
tc_rc 0 "metrics as uid 1000 exits 0 (the host search ended)"
is "$(grep -E '^tcectl_tables ' "$TC_OUT")" "tcectl_tables 0" "metrics as uid 1000 sees no table"
check "metrics as uid 1000 counts the processes it could not inspect" \
	awk '$1 == "tcectl_uninspectable_processes" && $2 > 0 { found = 1 } END { exit !found }' "$TC_OUT"
check "metrics as uid 1000 says so on stderr" grep -q 'could not be inspected' "$TC_ERR"

vmm_end
exit 0
