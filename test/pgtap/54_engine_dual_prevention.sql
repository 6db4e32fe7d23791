-- Dual prevention idle episodes (§19; docs/RULES.md, "§19 正常运行"): enrolment and
-- every normal run start a 7-day clock; stage k of an episode fires at its due
-- time if no normal run happened after the episode's start and at or before
-- that time. A unit idle for 30 days climbs its ladder once; a unit that runs
-- again and then goes idle climbs a new ladder from that run; a run exactly at
-- a due time prevents that stage; withdrawal from management resolves the
-- active warnings; enrolling again starts afresh.
BEGIN;
CREATE EXTENSION IF NOT EXISTS escalation;
SELECT plan(14);
\ir fixtures/50_engine.sql

INSERT INTO escalation.unit (id, name, region, supervision_level) OVERRIDING SYSTEM VALUE
SELECT 30 + i, '双重预防单位' || i, '370102001', 'street' FROM generate_series(0, 6) i;
INSERT INTO escalation.dual_prevention (unit_id, since)
SELECT 30 + i, '2024-03-01 09:00+08' FROM generate_series(0, 6) i;

CREATE TEMP TABLE s AS SELECT timestamptz '2024-03-01 09:00+08' AS s;
CREATE FUNCTION pg_temp.at(d interval) RETURNS timestamptz LANGUAGE sql RETURN (SELECT s FROM s) + d;

-- 30: never runs. 31: runs every two days until day 10. 32: runs exactly at
-- day 7. 33: one second after day 7. 34: runs on day 11 after climbing two
-- stages, then idles. 35: withdrawn on day 8. 36: runs on days 3 and 6 only.
INSERT INTO escalation.dp_run (unit_id, ran_at) VALUES
	(31, pg_temp.at('2 days')), (31, pg_temp.at('4 days')), (31, pg_temp.at('6 days')),
	(31, pg_temp.at('8 days')), (31, pg_temp.at('10 days')),
	(32, pg_temp.at('7 days')),
	(33, pg_temp.at('7 days 1 second')),
	(34, pg_temp.at('11 days')),
	(36, pg_temp.at('3 days')), (36, pg_temp.at('6 days'));
UPDATE escalation.dual_prevention SET withdrawn_at = pg_temp.at('8 days'), withdraw_reason = '企业关闭'
WHERE unit_id = 35;

SELECT cmp_ok(escalation.run(pg_temp.at('30 days')), '>', 0::bigint, 'one run 30 days later catches up every unit');

-- A unit's dual prevention warnings, in days after the enrolment.
CREATE FUNCTION pg_temp.ladder(unit bigint) RETURNS TABLE (episode interval, stage int, due interval, resolved interval, reason text)
LANGUAGE sql AS
$$
	SELECT w.started_at - s.s, w.stage::int, w.due_at - s.s, w.resolved_at - s.s, w.resolved_reason::text
	FROM escalation.warning w, s WHERE w.kind = 'dual_prevention_idle' AND w.subject_id = unit ORDER BY w.due_at
$$;

SELECT results_eq('SELECT * FROM pg_temp.ladder(30)',
	$$VALUES (interval '0', 1, interval '7 days', NULL::interval, NULL::text), ('0', 2, '10 days', NULL, NULL), ('0', 3, '13 days', NULL, NULL)$$,
	'idle for 30 days after enrolment: the ladder is climbed once, on days 7, 10 and 13');
SELECT results_eq('SELECT * FROM pg_temp.ladder(31)',
	$$VALUES (interval '10 days', 1, interval '17 days', NULL::interval, NULL::text), ('10 days', 2, '20 days', NULL, NULL), ('10 days', 3, '23 days', NULL, NULL)$$,
	'running every two days holds the clock off; the ladder starts 7 days after the last run');
SELECT results_eq('SELECT * FROM pg_temp.ladder(32)',
	$$VALUES (interval '7 days', 1, interval '14 days', NULL::interval, NULL::text), ('7 days', 2, '17 days', NULL, NULL), ('7 days', 3, '20 days', NULL, NULL)$$,
	'a run exactly at the due time of stage 1 prevents it and starts the next episode');
SELECT results_eq('SELECT * FROM pg_temp.ladder(33)',
	$$VALUES (interval '0', 1, interval '7 days', interval '7 days 1 second', 'ran'),
			 ('7 days 1 second', 1, '14 days 1 second', NULL, NULL), ('7 days 1 second', 2, '17 days 1 second', NULL, NULL),
			 ('7 days 1 second', 3, '20 days 1 second', NULL, NULL)$$,
	'a run one second after the due time comes too late: stage 1 fires and is resolved by the run');
SELECT results_eq('SELECT * FROM pg_temp.ladder(34)',
	$$VALUES (interval '0', 1, interval '7 days', interval '11 days', 'ran'), ('0', 2, '10 days', '11 days', 'ran'),
			 ('11 days', 1, '18 days', NULL, NULL), ('11 days', 2, '21 days', NULL, NULL), ('11 days', 3, '24 days', NULL, NULL)$$,
	'a unit that runs again and then goes idle climbs a new ladder from that run');
SELECT results_eq('SELECT * FROM pg_temp.ladder(35)',
	$$VALUES (interval '0', 1, interval '7 days', interval '8 days', 'withdrawn')$$,
	'withdrawal from management resolves the active warning then, and no later stage fires');
SELECT results_eq('SELECT * FROM pg_temp.ladder(36)',
	$$VALUES (interval '6 days', 1, interval '13 days', NULL::interval, NULL::text), ('6 days', 2, '16 days', NULL, NULL), ('6 days', 3, '19 days', NULL, NULL)$$,
	'episodes ended by a run within 7 days raise nothing');

SELECT is(escalation.run(pg_temp.at('60 days')), 0::bigint, 'a month later nothing new: every idle unit stays at the top of its ladder');
SELECT is((SELECT count(*) FROM escalation.tracked_item WHERE kind = 'dual_prevention_idle' AND subject_id = 35), 0::bigint,
	'a withdrawn unit leaves the work list once its warnings are resolved');
SELECT results_eq($$SELECT started_at, (SELECT count(*) FROM escalation.stage_due s WHERE s.kind = t.kind AND s.subject_id = t.subject_id)
					 FROM escalation.tracked_item t WHERE kind = 'dual_prevention_idle' AND subject_id = 34$$,
	$$VALUES (pg_temp.at('11 days'), 0::bigint)$$,
	'the work list holds the episode the unit is in, with no stage left to wait for at the top of its ladder');

-- Enrolled again on day 40: a fresh ladder from then.
UPDATE escalation.dual_prevention SET since = pg_temp.at('40 days'), withdrawn_at = NULL, withdraw_reason = NULL WHERE unit_id = 35;
SELECT is(escalation.run(pg_temp.at('47 days') - interval '1 second'), 0::bigint, 'enrolled again on day 40: nothing before day 47');
SELECT is(escalation.run(pg_temp.at('47 days')), 1::bigint, 'enrolled again on day 40: stage 1 on day 47');
SELECT results_eq($$SELECT * FROM pg_temp.ladder(35) WHERE episode = '40 days'$$,
	$$VALUES (interval '40 days', 1, interval '47 days', NULL::interval, NULL::text)$$,
	'the new enrolment''s ladder starts at its since');

SELECT * FROM finish();
ROLLBACK;
