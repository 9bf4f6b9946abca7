#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# make bench: tcectl's speed on the largest tables, as ratios against
# baselines measured in the same run on the same bytes.
#
# The table: 16,777,216 entries (128 MiB), 1% mapped in 300 extents, held
# by tests/fixtures/tce-holder in a separate process.
set -euo pipefail

TCECTL=${TCECTL:?} TCE_HOLDER=${TCE_HOLDER:?}
RUNS=${RUNS:-7}
work=$(mktemp -d)
holder=
cleanup() { [ -n "$holder" ] && kill "$holder" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

"$TCE_HOLDER" "$work" 16M:sparse &
holder=$!
for _ in $(seq 200); do [ -e "$work/info" ] && break; sleep 0.05; done
read -r fd entries _ < "$work/info"
target="$holder:$fd"
table="/proc/$holder/fd/$fd"
table_kb=$((entries * 8 / 1024))

# best_ns CMD...: the fastest of $RUNS runs, in nanoseconds (the least
# disturbed by other load on the machine).
best_ns() {
	local best= start end
	for _ in $(seq "$RUNS"); do
		start=$(date +%s%N)
		"$@" > /dev/null 2>&1
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
dump_ns=$(best_ns "$TCECTL" dump "$target")
report "dump (extents) / cat" "$(ratio "$dump_ns" "$cat_ns")" "<=" 2 \
	"dump $(ms "$dump_ns"), cat $(ms "$cat_ns")"

od_ns=$(best_ns od -An -tx8 -v "$table")
all_ns=$(best_ns "$TCECTL" dump --entries --all "$target")
report "od / dump --entries --all" "$(ratio "$od_ns" "$all_ns")" ">=" 4 \
	"od $(ms "$od_ns"), dump --all $(ms "$all_ns")"

peak_kb=$(/usr/bin/time -f %M "$TCECTL" dump "$target" 2>&1 >/dev/null | tail -1)
extra_kb=$((peak_kb - table_kb))
report "dump peak memory beyond table, MiB" "$(ratio "$extra_kb" 1024)" "<=" 16 \
	"peak RSS ${peak_kb} kB, table ${table_kb} kB"

exit $((misses > 0))
