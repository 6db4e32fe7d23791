-- bench/access.sql — what the per-row checks of writes cost, on a small city
-- made inside one transaction that is rolled back at the end:
--   1. escalation.caller_sees_region() per row, for a superuser, an
--      escalation_admin member and a district user (escalation_user mapped to
--      its district), against the same scan without the check;
--   2. a batch of hazards entered through escalation.hazard (its triggers and
--      foreign keys) against the same insert into a copy of the table with the
--      same columns, defaults, CHECKs and indexes but no trigger and no foreign
--      key (region joined from the unit, as the trigger would fill it).
--
--   psql -d DB -f bench/access.sql [-v rows=200000] [-v hazards=20000]
--
-- Needs a superuser (it creates two roles, rolled back with everything else).

\set ON_ERROR_STOP on
\pset footer off
\if :{?rows}
\else
	\set rows 200000
\endif
\if :{?hazards}
\else
	\set hazards 20000
\endif
SET search_path = escalation, public;
SET TimeZone = 'Asia/Shanghai';

BEGIN;

-- Seconds a query takes; warm: run it once before (to fill caches), untimed.
CREATE FUNCTION pg_temp.seconds(query text, warm boolean DEFAULT true) RETURNS numeric
LANGUAGE plpgsql AS
$$
DECLARE
	t0 timestamptz;
BEGIN
	IF warm THEN
		EXECUTE query;
	END IF;
	t0 := clock_timestamp();
	EXECUTE query;
	RETURN extract(epoch FROM clock_timestamp() - t0);
END
$$;

INSERT INTO escalation.division (code, name)
VALUES ('370100', '济南市'), ('370102', '历下区'), ('370103', '市中区'),
	   ('370102001', '解放路街道'), ('370103001', '大观园街道')
ON CONFLICT DO NOTHING;
INSERT INTO escalation.department (name, level, region) VALUES ('历下区应急管理局（测）', 'district', '370102');
SELECT id AS dept FROM escalation.department WHERE name = '历下区应急管理局（测）' \gset
INSERT INTO escalation.unit (name, region, supervision_level)
SELECT format('基准测试单位%s', i), CASE WHEN i % 2 = 0 THEN '370102001' ELSE '370103001' END::escalation.region, 'street'
FROM generate_series(1, 200) i;
CREATE TEMP TABLE bench_unit AS
	SELECT id, region, row_number() OVER (ORDER BY id) AS n FROM escalation.unit WHERE name LIKE '基准测试单位%';

CREATE ROLE bench_admin IN ROLE escalation_admin;
CREATE ROLE bench_district IN ROLE escalation_user;
INSERT INTO escalation.user_region (role_name, region) VALUES ('bench_district', '370102');

-- 1. The access check per row.
CREATE TEMP TABLE probe AS
	SELECT i, CASE WHEN i % 2 = 0 THEN '370102001' ELSE '370103001' END::escalation.region AS region
	FROM generate_series(1, :rows) i;
ANALYZE probe;
GRANT SELECT ON probe TO bench_admin, bench_district;
CREATE TEMP TABLE figure (what text, seconds numeric, per_row_us numeric);

SELECT pg_temp.seconds('SELECT count(*) FROM probe WHERE region IS NOT NULL') AS base \gset
SELECT pg_temp.seconds('SELECT count(*) FROM probe WHERE escalation.caller_sees_region(region)') AS superuser \gset
SET ROLE bench_admin;
SELECT pg_temp.seconds('SELECT count(*) FROM probe WHERE escalation.caller_sees_region(region)') AS admin \gset
SET ROLE bench_district;
SELECT pg_temp.seconds('SELECT count(*) FROM probe WHERE escalation.caller_sees_region(region)') AS district \gset
SELECT pg_temp.seconds('SELECT count(*) FROM probe WHERE escalation.caller_sees_region(region, true)') AS district_writing \gset
RESET ROLE;
INSERT INTO figure (what, seconds) VALUES
	('caller_sees_region, superuser', :superuser),
	('caller_sees_region, escalation_admin', :admin),
	('caller_sees_region, district user (escalation_user)', :district),
	('caller_sees_region writing, district user', :district_writing);
UPDATE figure SET per_row_us = 1e6 * (seconds - :base) / :rows;

\echo 'The access check, per row (scan of' :rows 'rows without the check:' :base 's):'
SELECT what, round(seconds, 3) AS seconds, round(per_row_us, 2) AS microseconds_per_row FROM figure;

-- 2. Hazards through the real table against a copy without triggers.
CREATE TABLE escalation.hazard_plain (LIKE escalation.hazard INCLUDING ALL);
CREATE TEMP TABLE hazard_row AS
	SELECT u.id AS unit_id, u.region, :dept::bigint AS found_by,
		timestamptz '2026-11-01 09:00+08' + (i % 720) * interval '1 hour' AS found_at,
		'general'::escalation.hazard_grade AS grade,
		timestamptz '2026-11-01 09:00+08' + (i % 720) * interval '1 hour' + interval '15 days' AS rectify_deadline,
		format('基准测试隐患 %s', i) AS description
	FROM generate_series(1, :hazards) i JOIN bench_unit u ON u.n = 1 + i % 200;
ANALYZE hazard_row;
TRUNCATE figure;

-- Warm the trigger functions' caches with a few rows each way, then time the batch.
SAVEPOINT warm;
INSERT INTO escalation.hazard_plain (unit_id, region, found_by, found_at, grade, rectify_deadline, description)
	SELECT unit_id, region, found_by, found_at, grade, rectify_deadline, description FROM hazard_row LIMIT 20;
INSERT INTO escalation.hazard (unit_id, found_by, found_at, grade, rectify_deadline, description)
	SELECT unit_id, found_by, found_at, grade, rectify_deadline, description FROM hazard_row LIMIT 20;
ROLLBACK TO SAVEPOINT warm;
SAVEPOINT plain;
SELECT pg_temp.seconds('INSERT INTO escalation.hazard_plain (unit_id, region, found_by, found_at, grade, rectify_deadline, description)
	SELECT unit_id, region, found_by, found_at, grade, rectify_deadline, description FROM hazard_row', false) AS plain \gset
ROLLBACK TO -- Warm the trigger functions' caches with a few rows each way, then time the batch.
SAVEPOINT warm;
INSERT INTO escalation.hazard_plain (unit_id, region, found_by, found_at, grade, rectify_deadline, description)
	SELECT unit_id, region, found_by, found_at, grade, rectify_deadline, description FROM hazard_row LIMIT 20;
INSERT INTO escalation.hazard (unit_id, found_by, found_at, grade, rectify_deadline, description)
	SELECT unit_id, found_by, found_at, grade, rectify_deadline, description FROM hazard_row LIMIT 20;
ROLLBACK TO SAVEPOINT warm;
SAVEPOINT plain;
SAVEPOINT real_table;
SELECT pg_temp.seconds('INSERT INTO escalation.hazard (unit_id, found_by, found_at, grade, rectify_deadline, description)
	SELECT unit_id, found_by, found_at, grade, rectify_deadline, description FROM hazard_row', false) AS real_table \gset
ROLLBACK TO SAVEPOINT real_table;

INSERT INTO figure VALUES
	('into a copy without triggers and foreign keys', :plain, 1e6 * :plain / :hazards),
	('through escalation.hazard (triggers, foreign keys)', :real_table, 1e6 * :real_table / :hazards);
\echo 'A batch of' :hazards 'hazards (each way rolled back):'
SELECT what, round(seconds, 3) AS seconds, round(per_row_us, 1) AS microseconds_per_row FROM figure;
SELECT round(:real_table / :plain, 2) AS ratio \gset
\echo 'through the real table it costs' :ratio 'times the insert into the copy'

ROLLBACK;
