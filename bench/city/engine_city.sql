-- bench/city/engine_city.sql — the large city as the data of the engine
-- benchmark (CITY=SCALE bench/engine.sh): after bench/city/generate, the
-- benchmark's time is the anchor day at 02:00 (Asia/Shanghai); the scheduler
-- ran until ten days before then and stopped, so the catch-up bench/measure.py
-- times raises what fell due during those ten days in a city of a million
-- units. Writes bench.setting as bench/load.sql does.

\set ON_ERROR_STOP 1
CREATE SCHEMA IF NOT EXISTS bench;
CREATE TABLE bench.setting AS
SELECT s.value::timestamptz + interval '2 hours' AS as_of,
	   s.value::timestamptz + interval '2 hours' - interval '10 days' AS outage_from,
	   (SELECT count(*) FROM escalation.tracked_item) AS items
FROM city_gen.setting s WHERE s.name = 'anchor_ts';
-- The scheduler ran until the outage.
SELECT escalation.run(outage_from) AS raised FROM bench.setting \gset
\echo raised :raised warnings before the outage
VACUUM ANALYZE;
