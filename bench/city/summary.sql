-- bench/city/summary.sql — what bench/city/generate.sql loaded, how long each
-- phase took, how large the tables are, and how much of the load time the
-- extension's triggers took (pg_stat_user_functions, with track_functions =
-- all set by the generator). Run in a new session after the load, so the
-- loading session's statistics have been flushed.

\set ON_ERROR_STOP on
\pset footer off
SET TimeZone = 'Asia/Shanghai';

\echo
\echo 'Load by phase (set-based INSERT ... SELECT through the real tables, triggers on):'
SELECT phase, rows, seconds, rows_per_second FROM (
	SELECT seq, phase, rows,
		   round(extract(epoch FROM finished_at - started_at)::numeric, 1) AS seconds,
		   round(rows / nullif(extract(epoch FROM finished_at - started_at), 0)::numeric) AS rows_per_second
	FROM city_gen.load_log
	UNION ALL
	SELECT max(seq) + 1, 'total', NULL, round(extract(epoch FROM max(finished_at) - min(started_at))::numeric, 1), NULL
	FROM city_gen.load_log
) l
ORDER BY seq;

\echo 'The city:'
SELECT 'units' AS what, count(*) AS rows FROM escalation.unit
UNION ALL SELECT 'hazards', count(*) FROM escalation.hazard
UNION ALL SELECT '  of them open (not closed)', count(*) FROM escalation.hazard WHERE closed_at IS NULL
UNION ALL SELECT 'licences', count(*) FROM escalation.licence
UNION ALL SELECT 'dual-prevention units', count(*) FROM escalation.dual_prevention
UNION ALL SELECT 'dual-prevention runs', count(*) FROM escalation.dp_run
UNION ALL SELECT 'clues', count(*) FROM escalation.clue
UNION ALL SELECT 'departments', count(*) FROM escalation.department
UNION ALL SELECT 'unit history entries', count(*) FROM escalation.unit_history
UNION ALL SELECT 'tracked items (the engine''s work list)', count(*) FROM escalation.tracked_item
UNION ALL SELECT '  with handling or withdrawal due at the anchor', count(*) FROM escalation.tracked_item
	WHERE next_due_at <= (SELECT value::timestamptz FROM city_gen.setting WHERE name = 'anchor_ts')
UNION ALL SELECT 'stages waiting to fall due', count(*) FROM escalation.stage_due
UNION ALL SELECT '  due at the anchor', count(*) FROM escalation.stage_due
	WHERE due_at <= (SELECT value::timestamptz FROM city_gen.setting WHERE name = 'anchor_ts');

\echo 'Sizes (tables with their indexes and TOAST):'
SELECT c.relname AS "table", pg_size_pretty(pg_total_relation_size(c.oid)) AS total,
	   pg_size_pretty(pg_relation_size(c.oid)) AS heap, pg_size_pretty(pg_indexes_size(c.oid)) AS indexes
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = 'escalation' AND c.relkind = 'r' AND pg_total_relation_size(c.oid) > 1024 * 1024
ORDER BY pg_total_relation_size(c.oid) DESC;
SELECT pg_size_pretty(pg_database_size(current_database())) AS database_size;

\echo 'Time in the extension''s functions during the load (total includes what they call):'
SELECT f.funcname AS function, f.calls, round(f.total_time::numeric / 1000, 1) AS total_seconds,
	   round(f.self_time::numeric / 1000, 1) AS self_seconds,
	   round((1000 * f.total_time / nullif(f.calls, 0))::numeric, 1) AS microseconds_per_call
FROM pg_stat_user_functions f
WHERE f.schemaname = 'escalation' AND f.total_time >= 100
ORDER BY f.total_time DESC;
