-- Operating the engine: bad arguments to run() are refused and change nothing;
-- invalid rules are refused with messages naming what is wrong, a gap in a
-- ladder at commit; acknowledge() records who and when and refuses unknown,
-- resolved and already acknowledged warnings; a failing run leaves nothing
-- but its row in the run log; the run log is pruned by its retention; the
-- platform time zone is validated and decides licence expiry; pg_cron
-- scheduling is idempotent and explains itself when pg_cron is missing.
BEGIN;
CREATE EXTENSION IF NOT EXISTS escalation;
SELECT plan(49);
\ir fixtures/50_engine.sql

INSERT INTO escalation.hazard (id, unit_id, found_by, found_at, grade, needs_recheck, rectify_deadline) OVERRIDING SYSTEM VALUE
VALUES (801, 10, 2, '2024-02-20 09:00+08', 'general', true, '2024-03-01 09:00+08');

-- run(): bad as_of.
SELECT throws_ok($$SELECT escalation.run(NULL)$$, '22004', 'as_of must not be null', 'run(NULL) is refused');
SELECT throws_ok($$SELECT escalation.run('infinity')$$, '22008', 'as_of must be a finite time: "infinity"', 'run(infinity) is refused');
SELECT throws_like($$SELECT escalation.run(now() + interval '2 minutes')$$, 'as_of is too far in the future: %',
	'run() two minutes after the clock is refused (escalation.run_clock_skew is one minute)');
SELECT throws_like($$SELECT escalation.run(now() + interval '23 hours')$$, 'as_of is too far in the future: %',
	'run() a day ahead of the clock, which 0.1.0 accepted, is refused');
SELECT is((SELECT count(*) FROM escalation.warning) + (SELECT count(*) FROM escalation.run_log), 0::bigint,
	'refused runs raise nothing and are not logged');

-- Rules: what is wrong is said.
SELECT throws_ok($$UPDATE escalation.rule SET delay = '-1 day' WHERE kind = 'clue' AND origin = 'district' AND stage = 1$$,
	'23514', 'negative delay of rule (clue, district, stage 1): "-1 days"', 'a negative delay is refused');
SELECT throws_ok($$UPDATE escalation.rule SET delay = '1 mon' WHERE kind = 'clue' AND origin = 'district' AND stage = 1$$,
	'23514', 'invalid delay of rule (clue, district, stage 1): "1 mon"', 'a delay in months is refused');
SELECT throws_ok($$INSERT INTO escalation.rule (kind, origin, stage, delay, screen, action) VALUES ('clue', 'street', 1, '1 day', 'district', 'supervise')$$,
	'23514', 'invalid origin of rule (clue, street, stage 1): "street"', 'an origin other than city or district is refused');
SELECT throws_ok($$INSERT INTO escalation.rule (kind, origin, stage, delay, screen, action) VALUES ('fire', 'city', 3, '1 day', 'city', 'supervise')$$,
	'22P02', NULL, 'an unknown kind is refused');
SELECT throws_ok($$INSERT INTO escalation.rule (kind, origin, stage, delay, screen, action) VALUES ('clue', 'city', 3, '1 day', 'city', 'ignore')$$,
	'22P02', NULL, 'an unknown action is refused');
SELECT throws_ok($$UPDATE escalation.rule SET screen = 'district' WHERE kind = 'clue' AND origin = 'city' AND stage = 1$$,
	'23514', 'invalid screen of rule (clue, city, stage 1): "district"', 'a city item on a district screen is refused');
SELECT throws_ok($$UPDATE escalation.rule SET stage = 4 WHERE kind = 'clue' AND origin = 'city' AND stage = 2$$,
	'0A000', 'cannot change kind, origin or stage of a rule: (clue, city, 2)', 'renumbering in place is refused');
SELECT throws_ok($$INSERT INTO escalation.rule (kind, origin, stage, delay, screen, action) VALUES ('clue', 'city', 2, '1 day', 'city', 'supervise')$$,
	'23505', 'rule (clue, city, stage 2) already exists', 'a stage that exists cannot be inserted again');
SELECT throws_ok($t$DO $do$ BEGIN
		DELETE FROM escalation.rule WHERE kind = 'clue' AND origin = 'district' AND stage = 2;
		SET CONSTRAINTS escalation.rule_ladder_contiguous IMMEDIATE;
	END $do$$t$,
	'23514', 'ladder (clue, district) has stages 1, 3, not 1..2', 'a gap in a ladder is refused at commit');
SELECT is((SELECT count(*) FROM escalation.rule_override), 0::bigint, 'refused rule changes leave no trace');
SELECT is((SELECT array_agg(stage ORDER BY stage) FROM escalation.rule WHERE kind = 'clue' AND origin = 'district'),
	ARRAY[1, 2, 3]::smallint[], 'the ladder is as shipped');
SELECT lives_ok($t$DO $do$ BEGIN
		DELETE FROM escalation.rule WHERE kind = 'clue' AND origin = 'city' AND stage = 2;
		SET CONSTRAINTS escalation.rule_ladder_contiguous IMMEDIATE;
	END $do$$t$, 'removing the last stage keeps the ladder contiguous');
SELECT results_eq($$SELECT kind::text, origin::text, stage::int, removed, changed_by::text FROM escalation.rule_override$$,
	$$VALUES ('clue', 'city', 2, true, current_user::text)$$,
	'the removal of a shipped stage is recorded, with who made it');
SELECT is((SELECT count(*) FROM escalation.rule WHERE kind = 'clue' AND origin = 'city'), 1::bigint,
	'the rules in force have one stage left for city clues');

-- acknowledge().
SELECT is(escalation.run('2024-03-05 00:00+08'), 2::bigint, 'the hazard climbs two stages');
SELECT throws_ok($$SELECT escalation.acknowledge(NULL, 'x')$$, '22004', 'warning_id must not be null', 'acknowledge(NULL) is refused');
SELECT throws_ok($$SELECT escalation.acknowledge(987654321, '已收到')$$, 'P0002', 'warning 987654321 does not exist',
	'an unknown warning cannot be acknowledged');
SELECT cmp_ok(escalation.acknowledge((SELECT id FROM escalation.warning WHERE subject_id = 801 AND stage = 1), '已通知区应急局督办'),
	'>', (SELECT max(id) FROM escalation.warning), 'acknowledging returns a new event id');
SELECT results_eq($$SELECT acknowledged_at, acknowledged_by::text, ack_note FROM escalation.warning WHERE subject_id = 801 AND stage = 1$$,
	$$VALUES (now(), current_user::text, '已通知区应急局督办')$$,
	'the acknowledgement records when, who and the note');
SELECT throws_like($$SELECT escalation.acknowledge((SELECT id FROM escalation.warning WHERE subject_id = 801 AND stage = 1), 'again')$$,
	'warning % is already signed', 'a warning is acknowledged (signed) once');
INSERT INTO escalation.licence (id, unit_id, kind, valid_until, superseded_at) OVERRIDING SYSTEM VALUE VALUES (802, 10, '安全生产许可证', '2024-03-01', '2024-03-03 10:00+08');
SELECT is(escalation.run('2024-03-05 00:00+08'), 1::bigint, 'a licence renewed late raises its stage 1');
SELECT throws_like($$SELECT escalation.acknowledge((SELECT id FROM escalation.warning WHERE kind = 'licence_expired' AND subject_id = 802), NULL)$$,
	'warning % is already resolved', 'a resolved warning cannot be acknowledged');

-- A failing run: nothing of it stays, its row in the run log says why.
ALTER TABLE escalation.warning ADD CONSTRAINT test_no_third_stage CHECK (stage < 3) NOT VALID;
SELECT is(escalation.run('2024-03-10 00:00+08'), NULL::bigint, 'a run that fails returns NULL');
SELECT results_eq($$SELECT status, sqlstate, message LIKE '%test_no_third_stage%', raised FROM escalation.run_log ORDER BY run_id DESC LIMIT 1$$,
	$$VALUES ('failed', '23514', true, 0::bigint)$$, 'the failed run is logged with its error and raised nothing');
SELECT is((SELECT max(stage) FROM escalation.warning WHERE subject_id = 801 AND kind = 'hazard_overdue'), 2::smallint,
	'the failed run left no warning behind');
ALTER TABLE escalation.warning DROP CONSTRAINT test_no_third_stage;
SELECT is(escalation.run('2024-03-10 00:00+08'), 1::bigint, 'the next run catches up what the failed one could not');
SELECT results_eq($$SELECT status, message, items, raised FROM escalation.run_log ORDER BY run_id DESC LIMIT 1$$,
	$$VALUES ('succeeded', NULL::text, 1::bigint, 1::bigint)$$, 'a successful run is logged with what it did');

-- A stage inserted by hand before the engine raises it: the run still succeeds.
INSERT INTO escalation.hazard (id, unit_id, found_by, found_at, grade, needs_recheck, rectify_deadline) OVERRIDING SYSTEM VALUE
VALUES (803, 10, 2, '2024-03-01 09:00+08', 'general', true, '2024-03-11 09:00+08');
INSERT INTO escalation.warning (kind, subject_id, started_at, stage, screen, screen_region, action, due_at, raised_at)
VALUES ('hazard_overdue', 803, '2024-03-11 09:00+08', 1, 'district', '370102', 'supervise', '2024-03-11 09:00+08', now());
SELECT is(escalation.run('2024-03-14 09:00+08'), 1::bigint,
	'a run finds stage 1 already raised by hand, keeps it, and raises only stage 2');
SELECT results_eq($$SELECT stage::int, count(*)::int FROM escalation.warning WHERE subject_id = 803 GROUP BY stage ORDER BY stage$$,
	$$VALUES (1, 1), (2, 1)$$, 'each stage once');

-- Run log retention.
INSERT INTO escalation.run_log (as_of, started_at, finished_at, items, raised, resolved, status, username, pid)
VALUES (now() - interval '3 hours', now() - interval '3 hours', now() - interval '3 hours', 0, 0, 0, 'succeeded', current_user, 0);
SET LOCAL escalation.run_log_retention = '1h';
SELECT lives_ok($$SELECT escalation.run(now())$$, 'a run with a retention of one hour');
SELECT is((SELECT count(*) FROM escalation.run_log WHERE started_at < now() - interval '1 hour'), 0::bigint,
	'rows older than the retention are pruned by the run');
SELECT cmp_ok((SELECT count(*) FROM escalation.run_log), '>', 0::bigint, 'recent rows are kept');
SELECT lives_ok($$SELECT escalation.run(now() + interval '50 seconds')$$,
	'a run within escalation.run_clock_skew of the clock is accepted');

-- The platform time zone.
SELECT throws_ok($$SET escalation.timezone = 'Mars/Olympus_Mons'$$, '22023',
	'invalid value for parameter "escalation.timezone": "Mars/Olympus_Mons"', 'an unknown time zone is refused');
SELECT is(escalation.licence_expires_at('2024-02-29'), timestamptz '2024-03-01 00:00+08',
	'valid until February 29 expires at the start of March 1 in Asia/Shanghai');
SET LOCAL escalation.timezone = 'UTC';
SELECT is(escalation.licence_expires_at('2024-02-29'), timestamptz '2024-03-01 00:00+00', 'and in UTC where the platform says so');
RESET escalation.timezone;

-- pg_cron.
SELECT isnt(escalation.schedule(), NULL, 'schedule() creates the job');
SELECT results_eq($$SELECT schedule, command FROM cron.job WHERE jobname = 'escalation-run'$$,
	$$VALUES ('* * * * *'::text, 'SELECT escalation.run()'::text)$$, 'one job, every minute, calling run()');
SELECT is(escalation.schedule('*/5 * * * *'), (SELECT jobid FROM cron.job WHERE jobname = 'escalation-run'),
	'schedule() again updates the same job');
SELECT results_eq($$SELECT schedule FROM cron.job WHERE jobname = 'escalation-run'$$, $$VALUES ('*/5 * * * *'::text)$$,
	'with the new schedule');
SELECT throws_ok($$SELECT escalation.schedule(NULL)$$, '22023', 'schedule must not be empty', 'an empty schedule is refused');
SELECT is(escalation.unschedule(), true, 'unschedule() removes the job');
SELECT is(escalation.unschedule(), false, 'unschedule() again finds nothing to remove');
DROP EXTENSION pg_cron;
SELECT throws_ok($$SELECT escalation.schedule()$$, '55000', 'pg_cron is not installed in database "' || current_database() || '"',
	'without pg_cron, schedule() says what is missing');

SELECT * FROM finish();
ROLLBACK;
