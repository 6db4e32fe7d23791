#!/usr/bin/env bash
# bench/engine.sh — benchmark of the warning engine on a throwaway cluster:
# N open items across the five kinds (default 1,000,000), each with one stage
# due in the three days before now; then
#   1. catch-up: one escalation.run() raises all N due stages (stages/s, peak
#      backend memory);
#   2. a run with nothing due, and runs with about 1,000 due stages (ms);
#   3. the same catch-up limited to a tenth of the stages (peak memory again:
#      memory does not grow with the number of stages);
#   4. the same catch-up by a plain set-based SQL implementation of the ladders
#      (bench/set_based.sql), checked to raise exactly the same warnings;
#   5. the raw limit: one INSERT ... SELECT of the same warning rows.
#
#   bench/engine.sh [ITEMS]        KEEP=1 leaves the cluster running
#   CITY=SCALE bench/engine.sh     the large city of bench/city instead (scale 1 =
#                                  1,000,000 units; a 10-day outage before its 02:00)
#
# It is heavy (a few GB of disk, minutes of both cores): run it when the
# machine is otherwise idle.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/tools/cluster.sh"
items=${1:-1000000}

ensure_packages
# A private copy of PostgreSQL with this checkout's extension, as ./check uses,
# so that a benchmark never changes the system's installation.
throwaway_cluster "$top" bench "shared_buffers = '2GB'" "max_wal_size = '20GB'" "checkpoint_timeout = '1h'" \
	"work_mem = '64MB'" "maintenance_work_mem = '1GB'" "autovacuum = off"
psql -qX -v ON_ERROR_STOP=1 -d postgres -c 'CREATE DATABASE escalation' >/dev/null
psql -qX -v ON_ERROR_STOP=1 -c 'CREATE EXTENSION escalation' >/dev/null

started=$SECONDS
if [ -n "${CITY:-}" ]; then
	log "loading the large city of bench/city at scale $CITY"
	"$top/bench/city/generate" --scale "$CITY"
	psql -qX -v ON_ERROR_STOP=1 -f "$top/bench/city/engine_city.sql"
	as_of=$(psql -qXAt -c "SELECT as_of FROM bench.setting")
	items=$(psql -qXAt -c "SELECT items FROM bench.setting")
else
	log "loading $items items"
	as_of=$(psql -qXAt -c "SELECT date_trunc('second', now())")
	psql -qX -v ON_ERROR_STOP=1 -v items="$items" -v as_of="$as_of" -f "$top/bench/load.sql"
fi
log "loaded and tracked in $((SECONDS - started)) s"
psql -qX -v ON_ERROR_STOP=1 -f "$top/bench/set_based.sql" >/dev/null

[ "${NO_MEASURE:-0}" = 1 ] || python3 "$top/bench/measure.py" "$as_of" "$items"
