#!/usr/bin/env bash
# bench/writes.sh — what writes cost, on a throwaway cluster:
#   1. the region access check of SECURITY DEFINER code
#      (escalation.caller_sees_region) in µs per row, per kind of caller;
#   2. a batch of hazards through escalation.hazard against the same insert
#      into a copy of the table without triggers (bench/access.sql);
#   3. the demo's data (demo/20..50) dumped with pg_dump -Fc and restored into
#      a new database: seconds, and the COPY statements that took a second or more.
#
#   bench/writes.sh            KEEP=1 leaves the cluster running
#
# About three minutes on an idle machine (most of it loading the demo).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/tools/cluster.sh"

ensure_packages
# A private copy of PostgreSQL with this checkout's extension, as ./check uses,
# so that a benchmark never changes the system's installation.
throwaway_cluster "$top" bench "log_min_duration_statement = 1000"
psql -qX -v ON_ERROR_STOP=1 -d postgres -c 'CREATE DATABASE escalation' >/dev/null
psql -qX -v ON_ERROR_STOP=1 -c 'CREATE EXTENSION pg_cron' -c 'CREATE EXTENSION escalation' >/dev/null

log "1, 2: the access check and a batch of hazards"
psql -qX -v ON_ERROR_STOP=1 -f "$top/bench/access.sql"

log "3: loading the demo's data"
for f in "$top"/demo/[2-5]0_*.sql; do
	(cd "$top" && psql -qX -v ON_ERROR_STOP=1 -f "$f" >/dev/null)
done
psql -qX -v ON_ERROR_STOP=1 -c 'SELECT escalation.unschedule()' >/dev/null
psql -qXAt -c "SELECT format('%s rows in the extension''s tables', sum(n_live_tup)) FROM pg_stat_user_tables WHERE schemaname = 'escalation'"
pg_dump -Fc -f "$work/demo.dump" -d escalation 2>/dev/null
# The same database name again: pg_cron lives in cron.database_name.
psql -qX -d postgres -c 'DROP DATABASE escalation WITH (FORCE)' -c 'CREATE DATABASE escalation' >/dev/null
mark=$(wc -l <"$work/postgres.log")
started=$(date +%s.%N)
pg_restore --exit-on-error -d escalation "$work/demo.dump"
ended=$(date +%s.%N)
echo "The demo restores (pg_restore of pg_dump -Fc into a new database) in $(echo "$ended - $started" | bc | xargs printf '%.1f') s"
echo "Statements of the restore that took 1 s or more:"
tail -n +"$((mark + 1))" "$work/postgres.log" \
	| sed -n 's/.*duration: \([0-9.]*\) ms  statement: \(COPY [^ ]*\|[A-Z]* [A-Z]* [^ ]*\).*/  \1 ms  \2/p'
