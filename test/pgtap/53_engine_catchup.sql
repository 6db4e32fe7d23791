-- Catch-up and determinism (docs/ENGINE.md, "Exactly when a stage fires"): the
-- warnings after run(T) depend only on the data and T. A random but seeded
-- twenty days of hazards, clues, licences and dual-prevention runs (handled
-- early, late or never) is escalated three ways: a run every minute, one run
-- after a twenty-day outage, and runs at random moments; all three leave
-- exactly the same warnings, each with its own due time, resolution time and
-- reason. Running again changes nothing.
BEGIN;
CREATE EXTENSION IF NOT EXISTS escalation;
SELECT plan(11);
\ir fixtures/50_engine.sql

SELECT setseed(0.5);

-- More units: every level, both districts, streets and districts as regions.
INSERT INTO escalation.unit (id, name, region, supervision_level) OVERRIDING SYSTEM VALUE
SELECT 100 + i, '随机单位' || i,
	(ARRAY['370102001', '370103002', '370102', '370103'])[1 + i % 4]::escalation.region,
	(ARRAY['city', 'district', 'street'])[1 + (i / 4) % 3]::escalation.level
FROM generate_series(0, 39) i;

CREATE TEMP TABLE t0 AS SELECT timestamptz '2024-03-01 00:00+08' AS t0;

-- A random moment within the first n days, to the second.
CREATE FUNCTION pg_temp.moment(n int) RETURNS timestamptz
LANGUAGE sql VOLATILE
RETURN (SELECT t0 FROM t0) + date_trunc('second', random() * n * interval '1 day');

-- General hazards needing re-inspection: closed before, at, after the deadline, or never.
INSERT INTO escalation.hazard (id, unit_id, found_by, found_at, grade, needs_recheck, rectify_deadline, closed_at) OVERRIDING SYSTEM VALUE
SELECT 1000 + i, 100 + (random() * 39)::int, 1 + (random() * 3)::int, d - interval '5 days',
	'general', true, d,
	CASE WHEN random() < 0.4 THEN NULL WHEN random() < 0.1 THEN d ELSE d + (random() * 12 - 2) * interval '1 day' END
FROM (SELECT i, pg_temp.moment(12) AS d FROM generate_series(1, 80) i) x;

-- Suspected major hazards: confirmed, ruled out (then a general hazard to re-inspect), or pending.
INSERT INTO escalation.hazard (id, unit_id, found_by, found_at, grade, needs_recheck, rectify_deadline, confirmed_at) OVERRIDING SYSTEM VALUE
SELECT 2000 + i, 100 + (random() * 39)::int, 1 + (random() * 3)::int, f,
	CASE WHEN c IS NULL THEN 'suspected_major' WHEN i % 2 = 0 THEN 'major' ELSE 'not_major' END::escalation.hazard_grade,
	c IS NOT NULL AND i % 2 = 1, CASE WHEN c IS NOT NULL AND i % 2 = 1 THEN c + interval '4 days' END, c
FROM (SELECT i, f, CASE WHEN random() < 0.3 THEN NULL ELSE f + random() * 10 * interval '1 day' END AS c
	  FROM (SELECT i, pg_temp.moment(12) AS f FROM generate_series(1, 40) i) y) x;

-- Clues, some without a unit.
INSERT INTO escalation.clue (id, unit_id, from_department, to_department, transferred_at, handled_at) OVERRIDING SYSTEM VALUE
SELECT 3000 + i, CASE WHEN i % 5 = 0 THEN NULL ELSE 100 + (random() * 39)::int END, f, CASE WHEN f = 2 THEN 4 ELSE 2 END, t,
	CASE WHEN random() < 0.4 THEN NULL ELSE t + random() * 14 * interval '1 day' END
FROM (SELECT i, 1 + (random() * 3)::int AS f, pg_temp.moment(12) AS t FROM generate_series(1, 40) i) x;

-- Safety licences expiring in the window, some renewed in time.
INSERT INTO escalation.licence (id, unit_id, kind, valid_until, superseded_at) OVERRIDING SYSTEM VALUE
SELECT 4000 + i, 100 + (random() * 39)::int, '安全生产许可证', v,
	CASE WHEN random() < 0.4 THEN NULL ELSE v::timestamptz + (random() * 11 - 1) * interval '1 day' END
FROM (SELECT i, ((SELECT t0 FROM t0) + (random() * 12)::int * interval '1 day')::date AS v FROM generate_series(1, 40) i) x;

-- Dual prevention: 20 units, each with 0 to 3 normal runs at random moments.
INSERT INTO escalation.dual_prevention (unit_id, since)
SELECT 100 + i, pg_temp.moment(3) FROM generate_series(0, 19) i;
INSERT INTO escalation.dp_run (unit_id, ran_at)
SELECT p.unit_id, p.since + random() * 18 * interval '1 day'
FROM escalation.dual_prevention p CROSS JOIN generate_series(1, 6) k
WHERE k <= (p.unit_id % 4);

CREATE TEMP TABLE outcome (schedule text, kind text, subject_id bigint, started_at timestamptz, stage int, origin text,
	screen text, screen_region text, action text, due_at timestamptz, resolved_at timestamptz, resolved_reason text,
	region text, district text, unit_id bigint, department_id bigint);

-- Record the warnings as the named schedule left them, then forget them all.
CREATE FUNCTION pg_temp.keep_and_reset(schedule text) RETURNS void
LANGUAGE plpgsql AS
$$
BEGIN
	INSERT INTO outcome
	SELECT schedule, kind, subject_id, started_at, stage, origin, screen, screen_region, action, due_at,
		resolved_at, resolved_reason, region, district, unit_id, department_id
	FROM escalation.warning;
	DELETE FROM escalation.warning;
	DELETE FROM escalation.tracked_item;
	PERFORM escalation.resync_items();
END
$$;

-- 1. A run every minute for twenty days.
DO $$
DECLARE
	t timestamptz := (SELECT t0 FROM t0);
BEGIN
	WHILE t <= (SELECT t0 FROM t0) + interval '20 days' LOOP
		PERFORM escalation.run(t);
		t := t + interval '1 minute';
	END LOOP;
END
$$;
SELECT cmp_ok((SELECT count(*) FROM escalation.run_log WHERE status = 'succeeded'), '>=', 28801::bigint,
	'28801 runs, one every minute for twenty days');
SELECT pg_temp.keep_and_reset('minute');

-- 2. The scheduler was down for twenty days: one run.
SELECT cmp_ok(escalation.run((SELECT t0 FROM t0) + interval '20 days'), '>', 0::bigint,
	'one run after a twenty-day outage raises the backlog');
SELECT cmp_ok((SELECT count(*) FROM escalation.warning WHERE resolved_at IS NOT NULL), '>', 50::bigint,
	'the catch-up resolves many of the warnings it raises itself');
SELECT is((SELECT count(*) FROM escalation.warning WHERE resolved_at IS NOT NULL AND (resolved_seq IS NULL OR resolved_seq <= id)),
	0::bigint, 'a warning raised and resolved by one run carries both events, its resolution numbered after its raising');
SELECT pg_temp.keep_and_reset('catch-up');

-- 3. Runs at 40 random moments, then at the end.
DO $$
DECLARE
	t timestamptz;
BEGIN
	FOR t IN SELECT pg_temp.moment(20) FROM generate_series(1, 40) ORDER BY 1 LOOP
		PERFORM escalation.run(t);
	END LOOP;
	PERFORM escalation.run((SELECT t0 FROM t0) + interval '20 days');
END
$$;
SELECT is(escalation.run((SELECT t0 FROM t0) + interval '20 days'), 0::bigint, 'running again at the same time raises nothing');
SELECT pg_temp.keep_and_reset('random');

SELECT cmp_ok((SELECT count(*) FROM outcome WHERE schedule = 'minute'), '>', 200::bigint,
	'the data set is not trivial: hundreds of warnings');
SELECT cmp_ok((SELECT count(*) FROM outcome WHERE schedule = 'minute' AND resolved_at IS NOT NULL), '>', 50::bigint,
	'and many of them resolved within the twenty days');
SELECT cmp_ok((SELECT count(DISTINCT (subject_id, started_at)) FROM outcome WHERE schedule = 'minute' AND kind = 'dual_prevention_idle'), '>', 20::bigint,
	'dual prevention climbed ladders in more than one idle episode per unit');
SELECT set_eq(
	$$SELECT kind, subject_id, started_at, stage, origin, screen, screen_region, action, due_at, resolved_at, resolved_reason, region, district, unit_id, department_id FROM outcome WHERE schedule = 'catch-up'$$,
	$$SELECT kind, subject_id, started_at, stage, origin, screen, screen_region, action, due_at, resolved_at, resolved_reason, region, district, unit_id, department_id FROM outcome WHERE schedule = 'minute'$$,
	'one run after twenty days leaves exactly the warnings of a run every minute');
SELECT set_eq(
	$$SELECT kind, subject_id, started_at, stage, origin, screen, screen_region, action, due_at, resolved_at, resolved_reason, region, district, unit_id, department_id FROM outcome WHERE schedule = 'random'$$,
	$$SELECT kind, subject_id, started_at, stage, origin, screen, screen_region, action, due_at, resolved_at, resolved_reason, region, district, unit_id, department_id FROM outcome WHERE schedule = 'minute'$$,
	'runs at random moments leave exactly the warnings of a run every minute');
SELECT is((SELECT count(*) FROM outcome WHERE schedule = 'minute'),
	(SELECT count(DISTINCT (kind, subject_id, started_at, stage)) FROM outcome WHERE schedule = 'minute'),
	'no stage of any episode was raised twice');

SELECT * FROM finish();
ROLLBACK;
