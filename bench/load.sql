-- bench/load.sql — the benchmark's data: :items items across the five kinds,
-- whose first stage falls due at a random moment between 16 days before
-- :'as_of' and 8 days after it; a tenth of them are handled (closed, confirmed,
-- handled, renewed, run) at a random moment around their due time. The
-- scheduler ran until 10 days before as_of and then stopped: bench/engine.sh
-- runs the engine once as of then, and the catch-up at as_of raises what fell
-- due during the outage. Loaded with triggers off (session_replication_role =
-- replica) and tracked with escalation.resync_items(), the bulk-load path of
-- docs/ENGINE.md ("How a run stays cheap").
\set ON_ERROR_STOP 1
SET session_replication_role = replica;
SELECT setseed(0.42) \gset

CREATE SCHEMA IF NOT EXISTS bench;
CREATE TABLE bench.setting AS
SELECT :'as_of'::timestamptz AS as_of, :'as_of'::timestamptz - interval '10 days' AS outage_from, :items::bigint AS items;

-- Jinan's districts, twenty streets each, one department per district and street.
CREATE TEMP TABLE district AS
SELECT code::escalation.region AS code FROM unnest(ARRAY['370102', '370103', '370104', '370105', '370112', '370113',
	'370114', '370115', '370116', '370117', '370124', '370126', '370176']) AS code;
INSERT INTO escalation.division (code, name) VALUES ('370100', '济南市') ON CONFLICT DO NOTHING;
INSERT INTO escalation.division (code, name) SELECT code, '区县' || code FROM district ON CONFLICT DO NOTHING;
CREATE TEMP TABLE street AS
SELECT (d.code::text || lpad(s::text, 3, '0'))::escalation.region AS code, d.code AS district
FROM district d CROSS JOIN generate_series(1, 20) s;
INSERT INTO escalation.division (code, name) SELECT code, '街道' || code FROM street ON CONFLICT DO NOTHING;

INSERT INTO escalation.department (id, name, level, region) OVERRIDING SYSTEM VALUE
SELECT 1, '济南市应急管理局', 'city'::escalation.level, '370100'::escalation.region
UNION ALL SELECT 100 + row_number() OVER (), '区应急管理局' || code, 'district', code FROM district
UNION ALL SELECT 1000 + row_number() OVER (), '街道办事处' || code, 'street', code FROM street;

CREATE TEMP TABLE dept AS SELECT array_agg(id ORDER BY id) AS ids, array_agg(region ORDER BY id) AS regions FROM escalation.department;
CREATE TEMP TABLE streets AS SELECT array_agg(code ORDER BY code) AS codes FROM street;

-- Units: at least one per dual-prevention item, a fifth of the items in all.
INSERT INTO escalation.unit (id, name, region, supervision_level) OVERRIDING SYSTEM VALUE
SELECT i, '单位' || i, s.codes[1 + (i % cardinality(s.codes))],
	CASE WHEN i % 10 = 0 THEN 'city' WHEN i % 10 < 5 THEN 'district' ELSE 'street' END::escalation.level
FROM generate_series(1, greatest(:items / 5, 1)) i, streets s;

CREATE TEMP TABLE unit_region AS SELECT id, region FROM escalation.unit;
CREATE UNIQUE INDEX ON unit_region (id);
CREATE TEMP TABLE n AS SELECT count(*) AS units FROM escalation.unit;

-- When an item's first stage falls due: between 16 days before as_of and 8 after.
CREATE FUNCTION pg_temp.due() RETURNS timestamptz LANGUAGE sql VOLATILE
RETURN date_trunc('second', (SELECT as_of FROM bench.setting) - interval '16 days' + random() * interval '24 days');
-- When a tenth of the items are handled: two days before to ten days after due.
CREATE FUNCTION pg_temp.handled(due timestamptz) RETURNS timestamptz LANGUAGE sql VOLATILE
RETURN CASE WHEN random() < 0.1 THEN date_trunc('second', due - interval '2 days' + random() * interval '12 days') END;

-- 40 % general hazards needing re-inspection; stage 1 at the deadline.
INSERT INTO escalation.hazard (id, unit_id, found_by, found_at, grade, needs_recheck, rectify_deadline, closed_at, region) OVERRIDING SYSTEM VALUE
SELECT i, u, d.ids[1 + (i % cardinality(d.ids))], t - interval '5 days', 'general', true, t, pg_temp.handled(t), r.region
FROM (SELECT i, 1 + (i % (SELECT units FROM n)) AS u, pg_temp.due() AS t FROM generate_series(1, :items * 4 / 10) i) x
JOIN unit_region r ON r.id = x.u, dept d;
-- 10 % suspected major hazards; stage 1 when found; some confirmed major.
INSERT INTO escalation.hazard (id, unit_id, found_by, found_at, grade, needs_recheck, confirmed_at, region) OVERRIDING SYSTEM VALUE
SELECT :items + i, u, d.ids[1 + (i % cardinality(d.ids))], t,
	CASE WHEN c IS NULL THEN 'suspected_major' ELSE 'major' END::escalation.hazard_grade, c IS NOT NULL, c, r.region
FROM (SELECT i, u, t, CASE WHEN h < t THEN t + (t - h) ELSE h END AS c
	  FROM (SELECT i, 1 + (i % (SELECT units FROM n)) AS u, t, pg_temp.handled(t) AS h
			FROM (SELECT i, pg_temp.due() AS t FROM generate_series(1, :items / 10) i) y) z) x
JOIN unit_region r ON r.id = x.u, dept d;
-- 20 % transferred clues; stage 1 three days after the transfer.
INSERT INTO escalation.clue (id, unit_id, from_department, to_department, transferred_at, handled_at, region) OVERRIDING SYSTEM VALUE
SELECT i, u, d.ids[1 + (i % cardinality(d.ids))], CASE WHEN i % cardinality(d.ids) = 0 THEN 2 ELSE 1 END,
	t - interval '3 days', CASE WHEN h IS NOT NULL THEN greatest(h, t - interval '3 days') END, r.region
FROM (SELECT i, u, t, pg_temp.handled(t) AS h
	  FROM (SELECT i, 1 + (i % (SELECT units FROM n)) AS u, pg_temp.due() AS t FROM generate_series(1, :items * 2 / 10) i) y) x
JOIN unit_region r ON r.id = x.u, dept d;
-- 20 % safety licences; stage 1 at the start of the day after valid_until.
INSERT INTO escalation.licence (id, unit_id, kind, valid_until, safety_licence, superseded_at, region) OVERRIDING SYSTEM VALUE
SELECT i, u, '安全生产许可证', v, true, pg_temp.handled(escalation.licence_expires_at(v)), r.region
FROM (SELECT i, 1 + (i % (SELECT units FROM n)) AS u, (pg_temp.due() - interval '1 day')::date AS v
	  FROM generate_series(1, :items * 2 / 10) i) x
JOIN unit_region r ON r.id = x.u;
-- 10 % units enrolled in dual prevention; stage 1 seven days after enrolment,
-- unless a normal run (a tenth of them have one) started a new idle episode.
INSERT INTO escalation.dual_prevention (unit_id, since, region)
SELECT u.id, pg_temp.due() - interval '7 days', u.region
FROM escalation.unit u WHERE u.id <= :items / 10;
INSERT INTO escalation.dp_run (unit_id, ran_at, region)
SELECT p.unit_id, greatest(h, p.since + interval '1 second'), p.region
FROM (SELECT p.*, pg_temp.handled(p.since + interval '7 days') AS h FROM escalation.dual_prevention p) p
WHERE h IS NOT NULL;

RESET session_replication_role;
SELECT escalation.resync_items() AS tracked \gset
\echo tracked :tracked items
VACUUM ANALYZE;
-- The scheduler ran until the outage.
SELECT escalation.run(outage_from) AS raised FROM bench.setting \gset
\echo raised :raised warnings before the outage
VACUUM ANALYZE;
