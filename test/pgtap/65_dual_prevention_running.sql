-- §19 "正常运行" as a test the city sets (docs/RULES.md, "§19 正常运行"): a unit
-- with check tasks runs normally while every task that fell due has a run of
-- its own (or the share rule_limit dual_prevention_task_share of them); it is
-- idle from the moment a task's check is overdue until the tasks are back
-- within the share, and 7 days of that climb the ladder. A unit §12 obliges
-- that is not enrolled is idle from the day it became obliged plus the grace
-- period (rule_limit dual_prevention_enrol_within) until it enrols; an
-- enrolment later ends that episode and the unit's own idle clock starts. The
-- same data gives the same warnings in one catch-up run and in daily runs
-- while the data arrives.
BEGIN;
CREATE EXTENSION IF NOT EXISTS escalation;
SELECT plan(25);
\ir fixtures/50_engine.sql

CREATE TEMP TABLE s AS SELECT timestamptz '2024-03-01 09:00+08' AS s;
CREATE FUNCTION pg_temp.at(d interval) RETURNS timestamptz LANGUAGE sql RETURN (SELECT s FROM s) + d;

INSERT INTO escalation.industry (code, name, dual_prevention_scope, dual_prevention_mandatory)
VALUES ('T65', '测试粉尘涉爆', 'dust', true);

-- 40-44, 48, 49: enrolled on day 0, not obliged. 45-47: obliged from day 0
-- (registered then, in an industry §12 names) and not enrolled.
INSERT INTO escalation.unit (id, name, region, supervision_level, industry_code, created_at) OVERRIDING SYSTEM VALUE
SELECT i, '运行测试单位' || i, '370102001', 'street', CASE WHEN i BETWEEN 45 AND 47 THEN 'T65' END, pg_temp.at('0')
FROM generate_series(40, 49) i;
INSERT INTO escalation.dual_prevention (unit_id, since)
SELECT i, pg_temp.at('0') FROM generate_series(40, 49) i WHERE i NOT BETWEEN 45 AND 47;
INSERT INTO escalation.dp_check_task (id, unit_id, name, every, starts_at) OVERRIDING SYSTEM VALUE VALUES
	(401, 40, '日常巡检', '1 day', pg_temp.at('0')),
	(411, 41, '日常巡检', '1 day', pg_temp.at('0')),
	(421, 42, '日常巡检', '1 day', pg_temp.at('0')), (422, 42, '周检', '7 days', pg_temp.at('0')),
	(431, 43, '日常巡检', '1 day', pg_temp.at('0')),
	(441, 44, '日常巡检', '1 day', pg_temp.at('0')),
	(481, 48, '日常巡检', '1 day', pg_temp.at('0')),
	(491, 49, '日常巡检', '1 day', pg_temp.at('0'));

SELECT results_eq($$SELECT unit_id, obliged_since FROM escalation.dp_obligation ORDER BY unit_id$$,
	$$VALUES (45::bigint, pg_temp.at('0')), (46, pg_temp.at('0')), (47, pg_temp.at('0'))$$,
	'units §12 obliges that are not enrolled are recorded as obliged from their registration; the others are not');

-- What happens, in days after day 0 (enrolments before runs at the same time).
-- 40: runs its daily task on days 1-3 at the due time, then stops.
-- 41: runs its daily task at every due time.  42: runs its daily task at every
-- due time, never its weekly one.  43: runs its daily task one second late
-- on day 1, then a day after each run.  44: runs every day without naming the task.  48: runs on day 1,
-- then exactly 7 days after the check fell due (day 9), then stops.  49: the
-- same, one second later.  46: enrols on day 20, runs on day 22.  47: enrols
-- on day 41.  45: never enrols.
CREATE TEMP TABLE ev (at interval, unit bigint, task bigint, what text);
INSERT INTO ev
SELECT make_interval(days => d), 40, 401, 'run' FROM generate_series(1, 3) d
UNION ALL SELECT make_interval(days => d), 41, 411, 'run' FROM generate_series(1, 59) d
UNION ALL SELECT make_interval(days => d), 42, 421, 'run' FROM generate_series(1, 59) d
UNION ALL SELECT make_interval(days => d, secs => 1), 43, 431, 'run' FROM generate_series(1, 59) d
UNION ALL SELECT make_interval(days => d), 44, NULL, 'run' FROM generate_series(1, 59) d
UNION ALL VALUES ('1 day'::interval, 48, 481, 'run'), ('9 days', 48, 481, 'run'),
	('1 day', 49, 491, 'run'), ('9 days 1 second', 49, 491, 'run'),
	('20 days', 46, NULL, 'enrol'), ('22 days', 46, NULL, 'run'), ('41 days', 47, NULL, 'enrol');

-- Record what happens after from and up to until.
CREATE FUNCTION pg_temp.happen(from_ interval, until interval) RETURNS void
LANGUAGE plpgsql AS
$$
BEGIN
	INSERT INTO escalation.dual_prevention (unit_id, since)
	SELECT e.unit, pg_temp.at(e.at) FROM ev e WHERE e.what = 'enrol' AND e.at > from_ AND e.at <= until;
	INSERT INTO escalation.dp_run (unit_id, task_id, ran_at)
	SELECT e.unit, e.task, pg_temp.at(e.at) FROM ev e WHERE e.what = 'run' AND e.at > from_ AND e.at <= until;
END
$$;

-- A unit's dual prevention warnings, in days after day 0.
CREATE FUNCTION pg_temp.ladder(unit bigint) RETURNS TABLE (episode interval, stage int, due interval, resolved interval, reason text)
LANGUAGE sql AS
$$
	SELECT w.started_at - s.s, w.stage::int, w.due_at - s.s, w.resolved_at - s.s, w.resolved_reason::text
	FROM escalation.warning w, s WHERE w.kind = 'dual_prevention_idle' AND w.subject_id = unit ORDER BY w.due_at, w.stage
$$;

-- Every unit's warnings, as one text.
CREATE FUNCTION pg_temp.ladders() RETURNS text
LANGUAGE sql AS
$$
	SELECT coalesce(string_agg(format('%s: %s', w.subject_id, l), E'\n' ORDER BY w.subject_id, l.due, l.stage), '')
	FROM (SELECT DISTINCT subject_id FROM escalation.warning WHERE kind = 'dual_prevention_idle') w,
		pg_temp.ladder(w.subject_id) l
$$;

-- Catch-up: everything recorded, then one run on day 60 (kept in psql
-- variables: the savepoint takes the rest back).
SAVEPOINT catch_up;
SELECT pg_temp.happen('-1 day', '60 days');
SELECT escalation.run(pg_temp.at('60 days')) AS caught_up_raised, pg_temp.ladders() AS caught_up \gset
ROLLBACK TO SAVEPOINT catch_up;
SELECT cmp_ok(:'caught_up_raised'::bigint, '>', 0::bigint, 'one run on day 60 catches up every unit');

-- Step by step: what happens each day is recorded, then a run at its end.
DO $$
BEGIN
	FOR d IN 0 .. 60 LOOP
		PERFORM pg_temp.happen(make_interval(days => d - 1), make_interval(days => d));
		PERFORM escalation.run(pg_temp.at(make_interval(days => d)));
	END LOOP;
END
$$;

SELECT is(pg_temp.ladders(), :'caught_up',
	'one catch-up run on day 60 and a run every day while the data arrives raise and resolve the same warnings');
SELECT cmp_ok((SELECT count(*) FROM escalation.warning WHERE kind = 'dual_prevention_idle'), '=', 27::bigint,
	'the runs raised 27 warnings in all');

SELECT results_eq('SELECT * FROM pg_temp.ladder(40)',
	$$VALUES (interval '4 days', 1, interval '11 days', NULL::interval, NULL::text), ('4 days', 2, '14 days', NULL, NULL),
			 ('4 days', 3, '17 days', NULL, NULL)$$,
	'a daily task last run on day 3 falls due on day 4: idle from then, the ladder on days 11, 14 and 17');
SELECT is_empty('SELECT * FROM pg_temp.ladder(41)', 'a task run at each due time: running normally, no warning');
SELECT results_eq('SELECT * FROM pg_temp.ladder(42)',
	$$VALUES (interval '7 days', 1, interval '14 days', NULL::interval, NULL::text), ('7 days', 2, '17 days', NULL, NULL),
			 ('7 days', 3, '20 days', NULL, NULL)$$,
	'daily runs of one task do not cover a weekly task never run: idle from its due day 7, the ladder on days 14, 17, 20');
SELECT is_empty('SELECT * FROM pg_temp.ladder(43)',
	'a check one second late: idle for a second, no warning');
SELECT results_eq('SELECT * FROM pg_temp.ladder(44)',
	$$VALUES (interval '1 day', 1, interval '8 days', NULL::interval, NULL::text), ('1 day', 2, '11 days', NULL, NULL),
			 ('1 day', 3, '14 days', NULL, NULL)$$,
	'runs that name no task do not run a unit''s check tasks: idle from the first due time');
SELECT results_eq('SELECT * FROM pg_temp.ladder(48)',
	$$VALUES (interval '10 days', 1, interval '17 days', NULL::interval, NULL::text), ('10 days', 2, '20 days', NULL, NULL),
			 ('10 days', 3, '23 days', NULL, NULL)$$,
	'the overdue check run exactly 7 days after it fell due prevents stage 1; the next check falls due a day later');
SELECT results_eq('SELECT * FROM pg_temp.ladder(49)',
	$$VALUES (interval '2 days', 1, interval '9 days', interval '9 days 1 second', 'ran'),
			 ('10 days 1 second', 1, '17 days 1 second', NULL, NULL), ('10 days 1 second', 2, '20 days 1 second', NULL, NULL),
			 ('10 days 1 second', 3, '23 days 1 second', NULL, NULL)$$,
	'one second later: stage 1 fires and the run resolves it');
SELECT results_eq('SELECT * FROM pg_temp.ladder(45)',
	$$VALUES (interval '30 days', 1, interval '37 days', NULL::interval, NULL::text), ('30 days', 2, '40 days', NULL, NULL),
			 ('30 days', 3, '43 days', NULL, NULL)$$,
	'obliged and never enrolled: idle after the 30 days of grace, the ladder on days 37, 40 and 43');
SELECT results_eq('SELECT * FROM pg_temp.ladder(46)',
	$$VALUES (interval '22 days', 1, interval '29 days', NULL::interval, NULL::text), ('22 days', 2, '32 days', NULL, NULL),
			 ('22 days', 3, '35 days', NULL, NULL)$$,
	'enrolled within the grace period: nothing for the obligation; its own clock runs from the enrolment and its run');
SELECT results_eq('SELECT * FROM pg_temp.ladder(47)',
	$$VALUES (interval '30 days', 1, interval '37 days', interval '41 days', 'ran'), ('30 days', 2, '40 days', '41 days', 'ran'),
			 ('41 days', 1, '48 days', NULL, NULL), ('41 days', 2, '51 days', NULL, NULL), ('41 days', 3, '54 days', NULL, NULL)$$,
	'enrolled on day 41 after two stages: they stay on the record, resolved by the enrolment; its own ladder starts then');
SELECT results_eq($$SELECT subject_id, started_at FROM escalation.tracked_item WHERE kind = 'dual_prevention_idle' AND subject_id IN (45, 47) ORDER BY 1$$,
	$$VALUES (45::bigint, pg_temp.at('30 days')), (47, pg_temp.at('41 days'))$$,
	'the work list holds obliged units by their unit id, enrolled later or not');

-- The episodes at their boundaries, from the data alone.
SELECT is(escalation.dp_idle_episode(45, pg_temp.at('0')), ROW(pg_temp.at('30 days'), NULL::timestamptz),
	'the grace period: an obliged unit is idle from day 30');
SELECT is(escalation.dp_idle_episode(41, pg_temp.at('0')), ROW(pg_temp.at('60 days'), NULL::timestamptz),
	'a task run at every due time: the first idle moment is the due time after its last run');
SELECT is(escalation.dp_idle_episode(43, pg_temp.at('0')), ROW(pg_temp.at('1 day'), pg_temp.at('1 day 1 second')),
	'a check one second late: idle for that second');
SELECT is(escalation.dp_idle_episode(43, pg_temp.at('1 day 1 second')), ROW(pg_temp.at('60 days 1 second'), NULL::timestamptz),
	'the schedule runs from the last check: the next falls due a day after the late run, and each is on time until the last');

-- The city's settings, and the items re-timed by them.
INSERT INTO escalation.rule_limit_override (name, amount) VALUES ('dual_prevention_task_share', 0.5);
SELECT is(escalation.dp_idle_episode(42, pg_temp.at('0')), ROW(pg_temp.at('60 days'), NULL::timestamptz),
	'a share of one half: one task of two on time is normal running; idle once neither is');
SELECT is((SELECT started_at FROM escalation.tracked_item WHERE kind = 'dual_prevention_idle' AND subject_id = 42), pg_temp.at('60 days'),
	'a changed share re-times the tracked items');
SELECT is((SELECT count(*) FROM escalation.tracked_item WHERE kind = 'dual_prevention_idle' AND subject_id = 42 AND superseded_at IS NOT NULL),
	1::bigint, 'the warnings of the episode that is no longer one are resolved by the next run (its start moved)');
DELETE FROM escalation.rule_limit_override WHERE name = 'dual_prevention_task_share';
INSERT INTO escalation.rule_limit_override (name, span) VALUES ('dual_prevention_enrol_within', '10 days');
SELECT is(escalation.dp_idle_episode(45, pg_temp.at('0')), ROW(pg_temp.at('10 days'), NULL::timestamptz),
	'a grace period of 10 days: idle from day 10');

-- Obligation follows the data: a unit no longer obliged before it enrols is forgotten.
UPDATE escalation.unit SET industry_code = NULL WHERE id = 45;
SELECT is((SELECT count(*) FROM escalation.dp_obligation WHERE unit_id = 45), 0::bigint,
	'a unit no longer obliged and never enrolled is forgotten');
SELECT is((SELECT withdrawn_at IS NOT NULL FROM escalation.tracked_item WHERE kind = 'dual_prevention_idle' AND subject_id = 45), true,
	'its item is withdrawn: the next run resolves its warnings');

SELECT * FROM finish();
ROLLBACK;
