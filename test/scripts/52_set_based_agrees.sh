#!/usr/bin/env bash
# 52_set_based_agrees.sh — the benchmark's set-based ladders (bench/set_based.sql)
# raise and resolve exactly the warnings the engine does: the benchmark's data
# (bench/load.sql, 3,000 items, an outage of ten days) caught up once by
# escalation.run() and once, from the same state, by bench.set_based_run(); the
# two sets of warnings (item, stage, screen, action, due time, resolution) are
# equal. Runs in a database of its own, dropped at the end.
set -uo pipefail

top=${ESCALATION_TOP:?}
db=t52_set_based
n=0 failed=0
ok() { # ok CONDITION-EXIT-STATUS NAME [DIAG]
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; failed=$((failed + 1)); [ -n "${3:-}" ] && echo "$3" | sed 's/^/#   /'; fi
}
q() { psql -qXAt -v ON_ERROR_STOP=1 -d "$db" -c "$1"; }
cleanup() { psql -qX -d postgres -c "DROP DATABASE IF EXISTS $db" >/dev/null 2>&1 || true; }
trap cleanup EXIT

COLUMNS="kind, subject_id, started_at, stage, origin, screen, screen_region, action, due_at,
	resolved_at, resolved_reason, region, district, unit_id, department_id"

echo "1..4"
cleanup
psql -qX -v ON_ERROR_STOP=1 -d postgres -c "CREATE DATABASE $db" >/dev/null
q "CREATE EXTENSION escalation" >/dev/null
as_of=$(q "SELECT date_trunc('second', now())")
psql -qX -v ON_ERROR_STOP=1 -d "$db" -v items=3000 -v as_of="$as_of" -f "$top/bench/load.sql" >/dev/null
psql -qX -v ON_ERROR_STOP=1 -d "$db" -f "$top/bench/set_based.sql" >/dev/null 2>&1
q "CREATE TABLE bench.warning_snapshot AS SELECT * FROM escalation.warning" >/dev/null
before=$(q "SELECT count(*) FROM escalation.warning")

raised=$(q "SELECT escalation.run('$as_of')")
[ -n "$raised" ] && [ "$raised" -gt 100 ]
ok $? "the engine catches up the outage ($raised warnings raised, $before before)"
q "CREATE TABLE bench.engine_final AS SELECT $COLUMNS FROM escalation.warning" >/dev/null
resolved=$(q "SELECT count(*) FROM bench.engine_final WHERE resolved_at IS NOT NULL")
[ "$resolved" -gt 0 ]
ok $? "some of the warnings are resolved ($resolved)"

q "TRUNCATE escalation.warning CASCADE; INSERT INTO escalation.warning SELECT * FROM bench.warning_snapshot" >/dev/null
set_raised=$(q "SET client_min_messages = warning; SELECT bench.set_based_run('$as_of')")
[ "$set_raised" = "$raised" ]
ok $? "the set-based ladders raise as many ($set_raised)"
differ=$(q "SELECT count(*) FROM ((TABLE bench.engine_final EXCEPT ALL SELECT $COLUMNS FROM escalation.warning)
	UNION ALL (SELECT $COLUMNS FROM escalation.warning EXCEPT ALL TABLE bench.engine_final)) d")
[ "$differ" = 0 ]
ok $? "their warnings are exactly the engine's (rows differing: $differ)"

[ "$failed" -eq 0 ]
