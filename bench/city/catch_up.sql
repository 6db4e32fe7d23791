-- bench/city/catch_up.sql — the first escalation.run() after the load: it
-- raises every stage that fell due up to the benchmarks' time (the anchor day,
-- 02:00 Asia/Shanghai, inside the window where nothing of the generated data
-- falls due) and resolves those whose item was handled since. Prints what the
-- run did and how long it took.

\set ON_ERROR_STOP on
\pset footer off
SET TimeZone = 'Asia/Shanghai';

SELECT value::timestamptz + interval '2 hours' AS bench_time FROM city_gen.setting WHERE name = 'anchor_ts' \gset
SELECT escalation.run(:'bench_time') IS NOT NULL AS ran \gset
\if :ran
\else
	\echo 'catch_up.sql: the run failed; see escalation.run_log'
	SELECT 1 / 0 AS run_failed;
\endif

\echo 'Catch-up run (the first run after the load):'
SELECT as_of, items, raised, resolved,
	   round(1000 * extract(epoch FROM finished_at - started_at)::numeric) AS milliseconds,
	   round((raised + resolved) / nullif(extract(epoch FROM finished_at - started_at), 0)::numeric) AS events_per_second
FROM escalation.run_log ORDER BY run_id DESC LIMIT 1;
\echo 'Active warnings by screen after it:'
SELECT screen_region::text AS screen, count(*) AS items_on_screen
FROM escalation.screen_warning GROUP BY 1 ORDER BY 1;
