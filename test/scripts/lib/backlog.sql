-- A catch-up backlog for the reliability tests (test/scripts/7x_*.py): the data
-- of a city whose warning engine has not run for a month. Every kind of item
-- climbs its ladder; some are handled before a stage falls due, some after
-- (their warnings are raised and resolved in the same run), some never.
-- Deterministic: every choice is a hash of the item's number.
--
--   psql -v items=N -v t0="'2026-01-05 08:00+08'" -f test/scripts/lib/backlog.sql
--
-- items is the number of items (60% general hazards, 10% suspected major
-- hazards, 10% clues, 20% safety licences; dual prevention on top, one per
-- fifth unit); all of them start within the 20 days after t0, so that a run as
-- of t0 + 30 days finds every stage due. District 370112 (历城区) is kept
-- small (about 1% of the items): a screen that a test client can follow
-- without reading the whole city.

\set ON_ERROR_STOP on
SET timezone = 'Asia/Shanghai';

-- A stable number in [0, 1) for a key.
CREATE FUNCTION pg_temp.h(key text) RETURNS double precision
LANGUAGE sql IMMUTABLE STRICT
RETURN ('x' || substr(md5(key), 1, 8))::bit(32)::bigint / 4294967296.0;

-- A moment within the first days of the backlog, to the second.
CREATE FUNCTION pg_temp.moment(key text, days int) RETURNS timestamptz
LANGUAGE sql STABLE STRICT
RETURN :t0::timestamptz + date_trunc('second', pg_temp.h(key) * days * interval '1 day');

INSERT INTO escalation.division (code, name) VALUES
	('370100', '济南市'),
	('370102', '历下区'), ('370102001', '解放路街道'),
	('370103', '市中区'), ('370103002', '大观园街道'),
	('370104', '槐荫区'), ('370104001', '振兴街街道'),
	('370105', '天桥区'), ('370105001', '无影山街道'),
	('370112', '历城区'), ('370112001', '山大路街道')
ON CONFLICT (code) DO NOTHING;

INSERT INTO escalation.department (id, name, level, region) OVERRIDING SYSTEM VALUE VALUES
	(1, '济南市应急管理局', 'city', '370100'),
	(2, '历下区应急管理局', 'district', '370102'),
	(3, '市中区应急管理局', 'district', '370103'),
	(4, '槐荫区应急管理局', 'district', '370104'),
	(5, '天桥区应急管理局', 'district', '370105'),
	(6, '历城区应急管理局', 'district', '370112');

-- Units: one in fifty in 历城区, the rest spread over four districts; one in
-- ten supervised by the city, one in seven by its street, the others by the
-- district. A unit's district department is 1 + its district's position.
CREATE TEMP TABLE backlog_unit AS
SELECT u AS id,
	CASE WHEN u % 50 = 0 THEN 5 ELSE u % 4 + 1 END AS district_no
FROM generate_series(1, greatest(50, :items / 20)) u;

INSERT INTO escalation.unit (id, name, region, supervision_level) OVERRIDING SYSTEM VALUE
SELECT b.id, format('济南%s号测试企业有限公司', b.id),
	(ARRAY['370102001', '370103002', '370104001', '370105001', '370112001'])[b.district_no]::escalation.region,
	CASE WHEN b.id % 10 = 0 THEN 'city' WHEN b.id % 7 = 0 THEN 'street' ELSE 'district' END::escalation.level
FROM backlog_unit b
ORDER BY b.id;

-- Item i: its kind, unit and the department that found or transferred it.
-- Items of 历城区 are the ones whose unit is there.
CREATE TEMP TABLE backlog_item AS
SELECT i,
	CASE WHEN i % 10 < 6 THEN 'hazard' WHEN i % 10 = 6 THEN 'major' WHEN i % 10 = 7 THEN 'clue' ELSE 'licence' END AS kind,
	u.id AS unit_id,
	CASE WHEN pg_temp.h('city' || i) < 0.1 THEN 1 ELSE 1 + u.district_no END AS department_id,
	pg_temp.moment('start' || i, 20) AS started
FROM generate_series(1, :items) i
JOIN backlog_unit u ON u.id = 1 + (i * 7919) % (SELECT count(*) FROM backlog_unit);

-- One statement per kind, as a bulk import would do it.
INSERT INTO escalation.hazard (unit_id, found_by, found_at, grade, needs_recheck, rectify_deadline, closed_at, description)
SELECT b.unit_id, b.department_id, b.started - interval '2 days', 'general', true, b.started,
	CASE WHEN pg_temp.h('handled' || b.i) < 0.3 THEN b.started + (pg_temp.h('late' || b.i) * 9 - 1) * interval '1 day' END,
	'逾期未整改测试隐患 ' || b.i
FROM backlog_item b WHERE b.kind = 'hazard' ORDER BY b.i;

INSERT INTO escalation.hazard (unit_id, found_by, found_at, grade, needs_recheck, confirmed_at, description)
SELECT b.unit_id, b.department_id, b.started,
	CASE WHEN pg_temp.h('handled' || b.i) < 0.4 THEN 'major' ELSE 'suspected_major' END::escalation.hazard_grade, true,
	CASE WHEN pg_temp.h('handled' || b.i) < 0.4 THEN b.started + pg_temp.h('late' || b.i) * 8 * interval '1 day' END,
	'疑似重大事故隐患测试 ' || b.i
FROM backlog_item b WHERE b.kind = 'major' ORDER BY b.i;

INSERT INTO escalation.clue (unit_id, from_department, to_department, transferred_at, handled_at, handling, facts)
SELECT b.unit_id, b.department_id, CASE WHEN b.department_id = 1 THEN 2 ELSE 1 END, b.started,
	CASE WHEN pg_temp.h('handled' || b.i) < 0.4 THEN b.started + pg_temp.h('late' || b.i) * 12 * interval '1 day' END,
	CASE WHEN pg_temp.h('handled' || b.i) < 0.4 THEN 'accepted' END::escalation.clue_handling,
	'移交线索测试 ' || b.i
FROM backlog_item b WHERE b.kind = 'clue' ORDER BY b.i;

INSERT INTO escalation.licence (unit_id, kind, number, valid_until, superseded_at)
SELECT b.unit_id, '安全生产许可证', '（鲁）WH安许证字〔2023〕' || b.i, escalation.local_day(b.started),
	CASE WHEN pg_temp.h('handled' || b.i) < 0.4 THEN b.started + (pg_temp.h('late' || b.i) * 10 - 1) * interval '1 day' END
FROM backlog_item b WHERE b.kind = 'licence' ORDER BY b.i;

-- Dual prevention: every fifth unit, with a normal run now and then.
INSERT INTO escalation.dual_prevention (unit_id, since, enrolled_by)
SELECT u.id, pg_temp.moment('since' || u.id, 3), 1 + u.district_no
FROM backlog_unit u WHERE u.id % 5 = 1 ORDER BY u.id;
INSERT INTO escalation.dp_run (unit_id, ran_at)
SELECT p.unit_id, p.since + pg_temp.h('run' || p.unit_id || '/' || k) * 25 * interval '1 day'
FROM escalation.dual_prevention p CROSS JOIN generate_series(1, 3) k
WHERE k <= p.unit_id % 4
ORDER BY p.unit_id, k;

ANALYZE escalation.unit, escalation.hazard, escalation.clue, escalation.licence, escalation.dual_prevention, escalation.dp_run, escalation.tracked_item;
