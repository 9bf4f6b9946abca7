#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# make fuzz: replay the regressions, then fuzz the checkpoint reader for a
# bounded time and say what came of it, in TAP lines make check counts.
#
#   tests/fuzz/run.sh BUILD_DIR SECONDS
#
# BUILD_DIR holds fuzz_checkpoint (make fuzz-build).  The corpus it works
# on is BUILD_DIR/corpus: the seeds and regressions of the tree copied in,
# plus what earlier runs found, so the tree's corpus never grows.  A crash,
# leak, timeout or out-of-memory input is left as BUILD_DIR/crash-* (leak-*,
# timeout-*, oom-*) and the run fails.  FUZZ_FLAGS adds libFuzzer options.
set -uo pipefail

cd "$(dirname "$0")/../.." || exit 2
build=${1:?usage: run.sh BUILD_DIR SECONDS}
seconds=${2:?usage: run.sh BUILD_DIR SECONDS}
fuzzer=$build/fuzz_checkpoint
log=$build/fuzz.log

# Reports name source lines: the symbolizer is in llvm (tests/deps.sh).
if [ -z "${ASAN_SYMBOLIZER_PATH:-}" ] && ! command -v llvm-symbolizer >/dev/null; then
	for s in /usr/lib/llvm-*/bin/llvm-symbolizer; do
		[ -x "$s" ] && export ASAN_SYMBOLIZER_PATH=$s
	done
fi
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

mkdir -p "$build/corpus"
cp tests/fuzz/corpus/* "$build/corpus/"
regressions=(tests/fuzz/regressions/*)
[ -e "${regressions[0]}" ] || regressions=()
if [ "${#regressions[@]}" -gt 0 ]; then
	cp "${regressions[@]}" "$build/corpus/"
fi
# Artifacts of this run only: earlier ones are moved aside, not lost.
mkdir -p "$build/old-artifacts"
for a in "$build"/crash-* "$build"/leak-* "$build"/timeout-* "$build"/oom-*; do
	[ -e "$a" ] && mv "$a" "$build/old-artifacts/"
done

failed=0

# Each regression on its own first: one that
# fails again is named, and fails the run until src/ is fixed.
for r in "${regressions[@]}"; do
	if "$fuzzer" "$r" >"$build/regression.log" 2>&1; then
		echo "ok - fuzz: regression ${r##*/} runs clean"
	else
		echo "not ok - fuzz: regression ${r##*/} fails again ($build/regression.log)"
		grep -E '^(SUMMARY|fuzz_checkpoint:)|runtime error| in .* /.*/(src|cli)/' \
			"$build/regression.log" | head -12 | sed 's/^/# /'
		failed=1
	fi
done

echo "# fuzzing for ${seconds}s over $(find "$build/corpus" -type f | wc -l) inputs in $build/corpus"
# shellcheck disable=SC2086
"$fuzzer" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
	-dict=tests/fuzz/checkpoint.dict -artifact_prefix="$build/" -print_final_stats=1 \
	${FUZZ_FLAGS:-} "$build/corpus" >"$log" 2>&1
rc=$?

runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
speed=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
rss=$(sed -n 's/^stat::peak_rss_mb: *//p' "$log" | tail -1)
cov=$(grep -oE 'cov: [0-9]+ ft: [0-9]+ corp: [0-9]+/[^ ]+' "$log" | tail -1)
artifacts=$(ls -d "$build"/crash-* "$build"/leak-* "$build"/timeout-* "$build"/oom-* 2>/dev/null)
echo "# ${runs:-?} executions, ${speed:-?} exec/s, peak RSS ${rss:-?} MB; ${cov:-no coverage line}"
if [ -n "$artifacts" ] || [ "$rc" -ne 0 ]; then
	echo "not ok - fuzz: fuzz_checkpoint found a problem (exit status $rc)"
	grep -E '^(==[0-9]+==ERROR|SUMMARY|fuzz_checkpoint:|    #[0-9]+ )|runtime error' "$log" |
		head -40 | sed 's/^/# /'
	for a in $artifacts; do
		echo "# reproduce: $fuzzer $a"
	done
	echo "# full log: $log"
	failed=1
else
	echo "ok - fuzz: ${runs:-?} executions in ${seconds}s (${speed:-?}/s), no crash, leak or timeout"
fi
exit "$failed"
