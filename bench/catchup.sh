#!/usr/bin/env bash
# bench/catchup.sh — a catch-up after an outage, with everything 0.2.0 does for
# each warning raised (addressee, supervision order, sign timer, notifications,
# province feed), on a throwaway cluster of default settings:
#   bench/load.sql with ITEMS items (default 20,000), as of 2026-12-07 12:00+08;
#   a run as of the outage's start (ten days before); then, ROUNDS times (default
#   3), the catch-up run to as_of inside a transaction that is rolled back, so
#   every round raises the same stages. Prints the stages raised, the time of
#   each round and stages per second, and for the last round what the
#   warning table's triggers and the functions they call took (self time,
#   track_functions = all), as "# figure:" lines.
#
#   bench/catchup.sh [ITEMS]      ROUNDS=n for more rounds, KEEP=1 keeps the cluster
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/tools/cluster.sh"
items=${1:-20000}
rounds=${ROUNDS:-3}
as_of='2026-12-07 12:00+08'

ensure_packages
throwaway_cluster "$top" catchup "track_functions = 'all'"
psql -qX -v ON_ERROR_STOP=1 -d postgres -c 'CREATE DATABASE escalation' >/dev/null
psql -qX -v ON_ERROR_STOP=1 -c 'CREATE EXTENSION escalation' >/dev/null
log "loading $items items"
psql -qX -v ON_ERROR_STOP=1 -v items="$items" -v as_of="$as_of" -f "$top/bench/load.sql" >/dev/null
psql -qXAt -v ON_ERROR_STOP=1 -c "SELECT escalation.run((SELECT outage_from FROM bench.setting))" >/dev/null
figure() { printf '# figure: %s = %s\n' "$1" "$2"; }
figure "items" "$items"
figure "warnings raised before the outage" "$(psql -qXAt -c 'SELECT count(*) FROM escalation.warning')"

for round in $(seq 1 "$rounds"); do
	# One session and transaction: the timed run and the function counters
	# (pg_stat_xact_user_functions) are of the same transaction.
	out=$(psql -qXAt -v ON_ERROR_STOP=1 <<SQL
BEGIN;
SELECT clock_timestamp() AS t0 \gset
SELECT escalation.run('$as_of') AS raised \gset
SELECT round(extract(epoch FROM clock_timestamp() - :'t0') * 1000, 1) AS ms \gset
SELECT format('%s %s', :raised, :ms);
SELECT format('orders %s, addressees %s, sign timers %s, province rows %s',
	(SELECT count(*) FROM escalation.supervision_order), (SELECT count(*) FROM escalation.warning_addressee),
	(SELECT count(*) FROM escalation.tracked_item WHERE kind::text = 'handling_sign'),
	(SELECT count(*) FROM escalation.province_warning));
SELECT format('%s: %s calls, %s ms', schemaname || '.' || funcname, calls, round(self_time::numeric, 1))
FROM pg_stat_xact_user_functions WHERE self_time >= 50 ORDER BY self_time DESC;
ROLLBACK;
SQL
)
	read -r raised ms <<<"$(sed -n 1p <<<"$out")"
	figure "round $round: stages raised" "$raised"
	figure "round $round: catch-up" "$ms ms = $(python3 -c "print(f'{$raised / ($ms / 1000):,.0f}')") stages/s"
	figure "round $round: written" "$(sed -n 2p <<<"$out")"
	if [ "$round" = "$rounds" ]; then
		sed -n '3,$p' <<<"$out" | sed 's/^/# self time: /'
	fi
done
figure "load average" "$(cut -d' ' -f1-3 /proc/loadavg)"
