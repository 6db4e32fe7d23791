-- bench/city/city_screen.sql — bring the city screen to exactly :target active
-- warnings (items shown) at the benchmarks' time: record that many more
-- overdue general hazards found by city bureaus (city origin, so their first
-- stage shows on the city screen), through the real table, and run the engine.

\set ON_ERROR_STOP on
SET TimeZone = 'Asia/Shanghai';

SELECT value::timestamptz + interval '2 hours' AS bench_time FROM city_gen.setting WHERE name = 'anchor_ts' \gset
SELECT count(*) AS on_screen FROM escalation.screen_warning WHERE screen_region::text = '370100' OR district::text = '370100' \gset
SELECT :on_screen <= :target AS fits \gset
\if :fits
\else
	\echo 'city_screen.sql: the city screen already shows' :on_screen 'items, more than' :target
	SELECT 1 / 0 AS city_screen_too_full;
\endif

INSERT INTO escalation.hazard (unit_id, found_by, found_at, grade, needs_recheck, rectify_deadline, description, category, location)
SELECT x.unit_id, city_gen.city_bureau(city_gen.pick(x.n, 301, 15)),
	   :'bench_time'::timestamptz - interval '10 days' - x.n * interval '1 second', 'general', true,
	   :'bench_time'::timestamptz - interval '1 hour' - x.n * interval '1 second',
	   '市级督查发现：消防设施未保持完好有效', 'fire', '生产车间'
FROM (SELECT n, city_gen.open_unit(n, 300) AS unit_id FROM generate_series(1, :target - :on_screen) n OFFSET 0) x;

SELECT escalation.run(:'bench_time') IS NOT NULL AS ran \gset
SELECT count(*) AS on_screen FROM escalation.screen_warning WHERE screen_region::text = '370100' OR district::text = '370100' \gset
\echo 'city screen: ' :on_screen 'active warnings'
SELECT :on_screen = :target AS exact \gset
\if :exact
\else
	SELECT 1 / 0 AS city_screen_not_at_target;
\endif
