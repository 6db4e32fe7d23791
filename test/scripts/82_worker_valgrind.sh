#!/usr/bin/env bash
# 82_worker_valgrind.sh — the worker's program-level test (60_worker.py) with
# every escalation-worker it starts running under valgrind's memcheck: the
# test still passes, and each worker process ends with no memory error and
# no definitely or indirectly lost block.
#
# The test starts its workers through test/scripts/lib/escalation_test.py,
# which puts ESCALATION_WORKER_WRAPPER in front of the worker's command line.
set -uo pipefail
top=${ESCALATION_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
work=$(mktemp -d /tmp/escalation-valgrind.XXXXXX)
trap 'rm -rf "$work"' EXIT
. "$top/test/scripts/lib/tap.sh"

export ESCALATION_WORKER_WRAPPER="valgrind --tool=memcheck --error-exitcode=99 --leak-check=full
	--show-leak-kinds=definite,indirect --errors-for-leak-kinds=definite,indirect
	--track-origins=yes --fair-sched=yes --num-callers=30 --log-file=$work/memcheck.%p.log"

started=$SECONDS
"$top/test/scripts/60_worker.py" >"$work/60_worker.tap" 2>&1
status=$?
planned=$(sed -n 's/^1\.\.\([0-9]*\)$/\1/p' "$work/60_worker.tap")
passed=$(grep -c '^ok ' "$work/60_worker.tap")
[ -n "$planned" ] && [ "$passed" = "$planned" ] || status=1
ok $status "60_worker.py passes with its workers under valgrind (${passed}/${planned:-?} in $((SECONDS - started)) s)"
[ $status -eq 0 ] || grep -vE '^ok ' "$work/60_worker.tap" | tail -40 | diag

logs=("$work"/memcheck.*.log)
[ -e "${logs[0]}" ] || logs=()
# Every worker must have run to its end under memcheck: a summary per process.
bad=0
for f in "${logs[@]}"; do
	grep -q 'ERROR SUMMARY: 0 errors' "$f" || bad=1
done
[ ${#logs[@]} -gt 0 ] || bad=1
ok $bad "no memory error in any of the ${#logs[@]} worker processes"
if [ $bad -ne 0 ]; then
	[ ${#logs[@]} -gt 0 ] || echo "no worker ran under valgrind" | diag
	for f in "${logs[@]}"; do
		grep -q 'ERROR SUMMARY: 0 errors' "$f" && continue
		echo "== $(basename "$f")"
		grep -vE '^==[0-9]+== *$' "$f" | head -60
	done | diag
fi

bad=0
for f in "${logs[@]}"; do
	if ! grep -q 'All heap blocks were freed' "$f" &&
		! { grep -q 'definitely lost: 0 bytes' "$f" && grep -q 'indirectly lost: 0 bytes' "$f"; }; then
		bad=1
	fi
done
[ ${#logs[@]} -gt 0 ] || bad=1
ok $bad "no definitely or indirectly lost memory when the workers stop"
for f in "${logs[@]}"; do
	echo "# $(basename "$f" .log): $(grep -m1 -oE 'total heap usage: .*' "$f" || echo 'no heap summary (killed?)')"
done
[ $bad -eq 0 ] || for f in "${logs[@]}"; do grep -A6 'LEAK SUMMARY' "$f"; done | diag

tap_done
