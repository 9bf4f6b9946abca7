#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# make bench: tcectl's speed on the largest tables, as ratios against
# baselines measured in the same run on the same bytes.
#
# The tables: 16,777,216 entries (128 MiB), 1% mapped in 300 extents, and
# the same with 0.1% of its entries changed, held by tests/fixtures/tce-holder
# in a separate process.
set -euo pipefail

TCECTL=${TCECTL:?} TCE_HOLDER=${TCE_HOLDER:?} MKCKPT=${MKCKPT:?}
RUNS=${RUNS:-7}
work=$(mktemp -d)
holder=
cleanup() { [ -n "$holder" ] && kill "$holder" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

"$TCE_HOLDER" "$work" 16M:sparse 16M:sparse-changed &
holder=$!
for _ in $(seq 200); do [ -e "$work/info" ] && break; sleep 0.05; done
{ read -r fd entries _; read -r fd2 _; } < "$work/info"
target="$holder:$fd"
table="/proc/$holder/fd/$fd"
table_kb=$((entries * 8 / 1024))

# best_ns CMD...: the fastest of $RUNS runs, in nanoseconds (the least
# disturbed by other load on the machine).
best_ns() {
	local best= start end
	for _ in $(seq "$RUNS"); do
		start=$(date +%s%N)
		# 1 is an answer (cmp and diff: the inputs differ), not a failure.
		"$@" > /dev/null 2>&1 || [ $? -eq 1 ] || { echo "bench: failed: $*" >&2; exit 2; }
		end=$(date +%s%N)
		(( best == 0 || end - start < best )) && best=$((end - start))
	done
	echo "$best"
}

ms() { awk -v ns="$1" 'BEGIN { printf "%.1f ms", ns / 1e6 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
verdict() { awk -v r="$1" -v lim="$2" -v op="$3" 'BEGIN { ok = op == "<=" ? r <= lim : r >= lim; print ok ? "met" : "MISSED" }'; }

misses=0
report() {	# name ratio op limit detail
	local v
	v=$(verdict "$2" "$4" "$3")
	[ "$v" = met ] || misses=$((misses + 1))
	printf '%-34s %8s  (target %s %s)  %-6s %s\n' "$1" "$2" "$3" "$4" "$v" "$5"
}

echo "table: $entries entries ($((table_kb / 1024)) MiB), $(("$TCECTL" list --noheadings -o MAPPED "$target" 2>/dev/null) || true) mapped; best of $RUNS runs"

cat_ns=$(best_ns cat "$table")
# tcectl reads the table through the holder's own mapping (process_vm_readv);
# --attach=fd maps a duplicate of its fd instead, as tcectl did before.
dump_ns=$(best_ns "$TCECTL" dump "$target")
report "dump (extents) / cat" "$(ratio "$dump_ns" "$cat_ns")" "<=" 1.5 \
	"dump $(ms "$dump_ns"), cat $(ms "$cat_ns")"
fd_dump_ns=$(best_ns "$TCECTL" dump --attach=fd "$target")
printf '%-34s %8s  (for comparison)        %s\n' "dump --attach=fd / cat" "$(ratio "$fd_dump_ns" "$cat_ns")" \
	"dump --attach=fd $(ms "$fd_dump_ns")"

od_ns=$(best_ns od -An -tx8 -v "$table")
all_ns=$(best_ns "$TCECTL" dump --entries --all "$target")
report "od / dump --entries --all" "$(ratio "$od_ns" "$all_ns")" ">=" 4 \
	"od $(ms "$od_ns"), dump --all $(ms "$all_ns")"

# Nothing of the table is mapped into tcectl now: its whole peak RSS counts.
peak_kb=$(/usr/bin/time -f %M "$TCECTL" dump "$target" 2>&1 >/dev/null | tail -1)
report "dump peak memory, MiB" "$(ratio "$peak_kb" 1024)" "<=" 16 \
	"peak RSS ${peak_kb} kB, table ${table_kb} kB"

# --- checkpoint, diff, restore (same filesystem for every file) ---------------
other="$holder:$fd2"
cat "$table" > "$work/a.raw"
cat "/proc/$holder/fd/$fd2" > "$work/b.raw"
cp_ns=$(best_ns cp "$work/a.raw" "$work/copy.raw")
ckpt_ns=$(best_ns "$TCECTL" checkpoint -o "$work/a.tce" "$target")
report "checkpoint / cp of the raw table" "$(ratio "$ckpt_ns" "$cp_ns")" "<=" 3 \
	"checkpoint $(ms "$ckpt_ns"), cp $(ms "$cp_ns")"
size=$(stat -c %s "$work/a.tce")
report "checkpoint size, % of the raw table" "$(awk -v a="$size" -v b=$((entries * 8)) 'BEGIN { printf "%.2f", 100 * a / b }')" "<=" 2 \
	"$size bytes"

# The codec alone: zstd's encode from a checkpoint target (decode + encode),
# its decode in verify (decode + CRC-32), in MiB of entries a second.
mibs() { awk -v b="$1" -v ns="$2" 'BEGIN { printf "%.0f MiB/s", b / 1048576 / (ns / 1e9) }'; }
verify_ns=$(best_ns "$TCECTL" verify "$work/a.tce")
recode_ns=$(best_ns "$TCECTL" checkpoint -o "$work/recode.tce" "$work/a.tce")
printf '%-34s %8s  (for comparison)        %s\n' "zstd decode (verify)" "$(ms "$verify_ns")" \
	"$(mibs $((entries * 8)) "$verify_ns") of entries"
printf '%-34s %8s  (for comparison)        %s\n' "zstd decode + encode (file to file)" "$(ms "$recode_ns")" \
	"$(mibs $((entries * 8)) "$recode_ns") of entries"

# Memory of verify whatever the entries: no run at all, one page, and a
# crafted file that decodes to 1 GiB; and the time of many small tables.
"$MKCKPT" random "$work/random.tce"
"$MKCKPT" one-page "$work/one-page.tce"
"$MKCKPT" equal-2^27 "$work/equal.tce"
"$MKCKPT" tables-60000 "$work/many.tce"
for f in random one-page equal; do
	start=$(date +%s%N)
	rss=$(/usr/bin/time -f %M "$TCECTL" verify "$work/$f.tce" 2>&1 >/dev/null | tail -1)
	end=$(date +%s%N)
	v=met
	[ "$rss" -lt 65536 ] || { v=MISSED; misses=$((misses + 1)); }
	printf '%-34s %8s  bar < 65536 KiB: %-6s %s\n' "verify peak RSS, $f" "$rss KiB" "$v" \
		"$(stat -c %s "$work/$f.tce") bytes, $(ms $((end - start)))"
done
many_ns=$(best_ns "$TCECTL" verify "$work/many.tce")
report "verify of 60,000 tables, s" "$(awk -v ns="$many_ns" 'BEGIN { printf "%.2f", ns / 1e9 }')" "<=" 1 \
	"$(ms "$many_ns")"

# translate decodes a file's table once, however many addresses it is given.
one_ns=$(best_ns "$TCECTL" translate "$work/a.tce" 0x1000)
twenty=$(seq 1 20 | awk '{ printf "0x%x ", $1 * 0x1000000 }')
# shellcheck disable=SC2086
twenty_ns=$(best_ns "$TCECTL" translate "$work/a.tce" $twenty)
report "translate FILE: 20 addresses / 1" "$(ratio "$twenty_ns" "$one_ns")" "<=" 2 \
	"20: $(ms "$twenty_ns"), 1: $(ms "$one_ns")"

# GNU cmp acts as cmp -s, stopping at the first difference, when its output
# is /dev/null: list every difference into a file instead.
cmp_list() { cmp -l "$work/a.raw" "$work/b.raw" > "$work/cmp.out"; }
cmp_ns=$(best_ns cmp_list)
diff_ns=$(best_ns "$TCECTL" diff "$target" "$other")
file_diff_ns=$(best_ns "$TCECTL" diff "$work/a.tce" "$other")
changed=$( ("$TCECTL" diff --json "$target" "$other" 2>/dev/null || true) | jq '.[0] | .added + .removed + .changed')
report "diff (live, live) / cmp -l" "$(ratio "$diff_ns" "$cmp_ns")" "<=" 2 \
	"diff $(ms "$diff_ns"), cmp -l $(ms "$cmp_ns"); $changed entries differ"
report "diff (checkpoint, live) / cmp -l" "$(ratio "$file_diff_ns" "$cmp_ns")" "<=" 2 \
	"diff $(ms "$file_diff_ns")"

# Each run puts the changed table back: restore a, then restore b's checkpoint.
"$TCECTL" checkpoint -o "$work/b.tce" "$other" > /dev/null 2>&1
restore_once() {
	"$TCECTL" restore --force --yes --undo "$work/undo.tce" "$work/a.tce" "$other" > "$work/restore.out" 2>&1 &&
	"$TCECTL" restore --force --yes --undo "$work/undo2.tce" "$work/b.tce" "$other" > /dev/null 2>&1
}
restore_ns=$(best_ns restore_once)
restore_ns=$((restore_ns / 2))
written=$(awk '/^restored/ { print $2 }' "$work/restore.out")
# restore reads a checkpoint into a live table: its diff is (checkpoint, live).
report "restore / diff (checkpoint, live)" "$(ratio "$restore_ns" "$file_diff_ns")" "<=" 2 \
	"restore $(ms "$restore_ns") writing $written entries (diff: $changed)"
[ "$written" = "$changed" ] || { echo "restore wrote $written entries, not the $changed that differ"; misses=$((misses + 1)); }

# --- watch ----------------------------------------------------------------------
# 30 tables, one of them a 16M-entry table with 1% mapped, watched on a
# pseudo-terminal (script(1)): the CPU a refresh costs, as a share of one
# core at the default interval of 1 s, and the peak memory after 10 and
# after $WATCH_REFRESHES refreshes, 0.1 s apart, which must stay flat.
WATCH_REFRESHES=${WATCH_REFRESHES:-600}
mkdir "$work/watch"
specs=(16M:sparse)
for _ in $(seq 29); do specs+=(64K:mixed); done
"$TCE_HOLDER" "$work/watch" "${specs[@]}" &
watched=$!
for _ in $(seq 200); do [ -e "$work/watch/info" ] && break; sleep 0.05; done
wtargets=$(awk -v p="$watched" '{ printf "%s:%s ", p, $1 }' "$work/watch/info")
# watch_time OUT ARGS...: tcectl watch ARGS on a pseudo-terminal; OUT gets
# "elapsed user system peak-RSS-KiB".
watch_time() {
	local out=$1
	shift
	TERM=xterm script -qec "$(printf '%q ' /usr/bin/time -o "$out" -f '%e %U %S %M' "$TCECTL" watch "$@")" \
		/dev/null > /dev/null
}
# shellcheck disable=SC2086
watch_time "$work/w-cpu" -d 0.2 -n 26 $wtargets
read -r _ user sys _ < "$work/w-cpu"
report "watch: % of a core, 30 tables, 1 s" "$(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.1f", 100 * (u + s) / 26 }')" \
	"<=" 10 "$(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.1f ms of CPU a refresh (user %.1f, system %.1f)", 1000 * (u + s) / 26, 1000 * u / 26, 1000 * s / 26 }')"
# shellcheck disable=SC2086
watch_time "$work/w-10" -d 0.1 -n 10 $wtargets
# shellcheck disable=SC2086
watch_time "$work/w-many" -d 0.1 -n "$WATCH_REFRESHES" $wtargets
read -r _ _ _ rss_10 < "$work/w-10"
read -r _ _ _ rss_many < "$work/w-many"
report "watch: peak MiB, $WATCH_REFRESHES - 10 refreshes" "$(awk -v a="$rss_many" -v b="$rss_10" 'BEGIN { printf "%.2f", (a - b) / 1024 }')" \
	"<=" 1 "peak RSS after 10: $rss_10 kB, after $WATCH_REFRESHES: $rss_many kB"

# monitor, its batch twin, on the same tables: the CPU of a refresh, and
# its memory after 600 refreshes against after 10 while a table changes
# all the time (every refresh then reports changes).
# shellcheck disable=SC2086
mon_cpu=$(/usr/bin/time -f '%U %S' "$TCECTL" monitor --summary -i 0.2 -c 26 $wtargets 2>&1 >/dev/null | tail -1 |
	awk '{ print $1 + $2 }')
report "monitor: % of a core, 30 tables, 1 s" "$(awk -v c="$mon_cpu" 'BEGIN { printf "%.1f", 100 * c / 26 }')" \
	"<=" 10 "$(awk -v c="$mon_cpu" 'BEGIN { printf "%.1f ms of CPU a refresh", 1000 * c / 26 }')"
churn() {	# maps and unmaps 64 entries of table 1 of the watch holder, again and again
	local k=0 first
	while :; do
		first=$(( (k * 7919) % 65000 ))
		echo "fill 1 $first 64 $(( 0x200000000 + (k % 1000) * 0x100000 + 3 )) 4096" > "$work/watch/cmd"
		read -r _ < "$work/watch/reply"
		echo "fill 1 $first 64 0 0" > "$work/watch/cmd"
		read -r _ < "$work/watch/reply"
		k=$((k + 1))
	done
}
churn &
churner=$!
# shellcheck disable=SC2086
mon_10=$(/usr/bin/time -f %M "$TCECTL" monitor -i 0.01 -c 10 $wtargets 2>&1 >/dev/null | tail -1)
# shellcheck disable=SC2086
mon_many=$(/usr/bin/time -f %M "$TCECTL" monitor -i 0.01 -c "$WATCH_REFRESHES" $wtargets 2>&1 >"$work/events" | tail -1)
kill "$churner" 2>/dev/null
wait "$churner" 2>/dev/null || true
report "monitor: peak MiB, $WATCH_REFRESHES - 10 refreshes" "$(awk -v a="$mon_many" -v b="$mon_10" 'BEGIN { printf "%.2f", (a - b) / 1024 }')" \
	"<=" 1 "peak RSS after 10: $mon_10 kB, after $WATCH_REFRESHES: $mon_many kB; $(grep -c '"event":"[mu]' "$work/events") change events meanwhile"
kill "$watched" 2>/dev/null

# --- memory a guest controls ---------------------------------------------------
# Tables without a single run: every entry random, or every entry the same
# page.  Each verb's peak RSS must stay under 64 MiB, whatever the table.
mkdir "$work/worst"
"$TCE_HOLDER" "$work/worst" 16M:random 16M:same &
worst=$!
for _ in $(seq 200); do [ -e "$work/worst/info" ] && break; sleep 0.05; done
{ read -r rfd _; read -r sfd _; } < "$work/worst/info"
peak() {	# label CMD...: peak RSS of CMD in KiB against the 64 MiB bar
	local label=$1 kb
	shift
	# Exit 1 is an answer (who-maps: nothing maps the range), not a failure.
	kb=$({ /usr/bin/time -f %M "$@" 2>&1 >/dev/null || true; } | tail -1)
	report "peak MiB: $label" "$(ratio "$kb" 1024)" "<=" 64 "${kb} kB"
}
for pattern in random same; do
	t="$worst:$([ $pattern = random ] && echo "$rfd" || echo "$sfd")"
	peak "list ($pattern)" "$TCECTL" list "$t"
	peak "dump ($pattern)" "$TCECTL" dump "$t"
	peak "dump --entries ($pattern)" "$TCECTL" dump --entries "$t"
	peak "who-maps ($pattern)" "$TCECTL" who-maps "$t" 0x7000000
	peak "checkpoint ($pattern)" "$TCECTL" checkpoint -o "$work/$pattern.tce" "$t"
	peak "dump FILE ($pattern)" "$TCECTL" dump "$work/$pattern.tce"
done
peak "restore --reset --dry-run (random)" "$TCECTL" restore --force --reset --dry-run "$worst:$rfd"
peak "restore every entry (random <- same)" "$TCECTL" restore --force --yes --undo "$work/undo-worst.tce" "$work/same.tce" "$worst:$rfd"
peak "diff (random, same)" "$TCECTL" diff "$worst:$rfd" "$worst:$sfd"
peak "diff (FILE random, FILE same)" "$TCECTL" diff "$work/random.tce" "$work/same.tce"
# watch keeps at most 2^20 runs of a table; one of more is followed by its counts.
watch_time "$work/w-random" -d 0.1 -n 3 "$worst:$rfd" "$worst:$sfd"
read -r _ _ _ kb < "$work/w-random"
report "peak MiB: watch (random, same)" "$(ratio "$kb" 1024)" "<=" 64 "${kb} kB"
peak "monitor (random, same)" "$TCECTL" monitor -i 0.01 -c 3 "$worst:$rfd" "$worst:$sfd"
kill "$worst" 2>/dev/null

exit $((misses > 0))
