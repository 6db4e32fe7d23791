#!/usr/bin/env bash
# 80_fuzz.sh — the libFuzzer harnesses of test/fuzz: each builds with
# AddressSanitizer and UndefinedBehaviorSanitizer, replays its kept
# regression inputs and seed corpus, then fuzzes for a bounded time (single
# job) without a crash, a sanitizer report or a broken property. Prints each
# harness's runs and executions per second.
#
# ESCALATION_FUZZ_SECONDS (default 25) sets the fuzzing time per harness.
# A failing input is copied to test/out/fuzz/ (and printed in hex) so it can
# be added to test/fuzz/regressions/<target>/ once fixed.
set -uo pipefail
top=${ESCALATION_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
fuzz=$top/test/fuzz
seconds=${ESCALATION_FUZZ_SECONDS:-25}
targets=(uscc region worker)
work=$(mktemp -d /tmp/escalation-fuzz.XXXXXX)
trap 'rm -rf "$work"' EXIT
. "$top/test/scripts/lib/tap.sh"

# Keep a failing input where the developer finds it, and print it for CI logs.
keep_artifacts() {
	local target=$1 f
	for f in "$work/$target"-crash-* "$work/$target"-leak-* "$work/$target"-timeout-* "$work/$target"-oom-*; do
		[ -e "$f" ] || continue
		mkdir -p "$top/test/out/fuzz"
		cp "$f" "$top/test/out/fuzz/"
		echo "failing input kept as test/out/fuzz/$(basename "$f"):"
		od -An -c "$f" | head -20
	done
}

make -s -C "$fuzz" OUT="$work" all >"$work/build.log" 2>&1
status=$?
ok $status "the harnesses build with clang's fuzzer, address and undefined-behaviour sanitizers"
[ $status -eq 0 ] || diag <"$work/build.log"

for t in "${targets[@]}"; do
	bin=$work/fuzz_$t
	if [ ! -x "$bin" ]; then
		ok 1 "$t: kept regression inputs and seed corpus replay cleanly (no harness)"
		ok 1 "$t: fuzzing finds no crash or property violation (no harness)"
		continue
	fi

	mapfile -t inputs < <(find "$fuzz/regressions/$t" "$fuzz/corpus/$t" -type f 2>/dev/null | sort)
	if [ ${#inputs[@]} -eq 0 ]; then
		ok 1 "$t: kept regression inputs and seed corpus replay cleanly (none found)"
	else
		"$bin" -artifact_prefix="$work/$t-" "${inputs[@]}" >"$work/$t-replay.log" 2>&1
		status=$?
		ok $status "$t: ${#inputs[@]} kept regression inputs and seed corpus files replay cleanly"
		[ $status -eq 0 ] && grep -q "Executed .* in" "$work/$t-replay.log" || {
			[ $status -ne 0 ] || echo "the replay ran no input" | diag
			tail -40 "$work/$t-replay.log" | diag
		}
	fi

	mkdir -p "$work/corpus-$t"
	"$bin" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
		-artifact_prefix="$work/$t-" "$work/corpus-$t" "$fuzz/corpus/$t" >"$work/$t-fuzz.log" 2>&1
	status=$?
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/$t-fuzz.log")
	rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$work/$t-fuzz.log")
	cov=$(grep -o 'cov: [0-9]*' "$work/$t-fuzz.log" | tail -1)
	[ -n "$runs" ] || status=1
	ok $status "$t: ${seconds} s of fuzzing finds no crash, sanitizer report or property violation"
	echo "# $t: ${runs:-?} runs in ${seconds} s, ${rate:-?} exec/s, ${cov:-cov: ?} edges, $(find "$work/corpus-$t" -type f | wc -l) new corpus inputs"
	if [ $status -ne 0 ]; then
		{ grep -v '^#[0-9]' "$work/$t-fuzz.log" | tail -60; keep_artifacts "$t"; } | diag
	fi
done

tap_done
