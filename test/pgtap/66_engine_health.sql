-- escalation.engine_health() tells how the engine is doing: nothing before any
-- run; the stages due by now that no run has raised (the oldest, how many);
-- a successful run and the as_of it escalated to; a failed run with its
-- SQLSTATE and message, the last success kept beside it; and only the
-- platform's all-seeing roles and the screens may call it.
BEGIN;
CREATE EXTENSION IF NOT EXISTS escalation;
SELECT plan(10);
\ir fixtures/50_engine.sql

SELECT results_eq($$SELECT checked_at, last_run_at, last_run_status, last_success_at, last_failure_at, oldest_due_at, due_stages
					FROM escalation.engine_health()$$,
	$$VALUES (now(), NULL::timestamptz, NULL::text, NULL::timestamptz, NULL::timestamptz, NULL::timestamptz, 0::bigint)$$,
	'before any run and with nothing tracked: no run, nothing due');

-- A general hazard past its deadline: its three stages fall due on 2024-03-01, -04 and later.
INSERT INTO escalation.hazard (id, unit_id, found_by, found_at, grade, needs_recheck, rectify_deadline) OVERRIDING SYSTEM VALUE
VALUES (661, 10, 2, '2024-02-20 09:00+08', 'general', true, '2024-03-01 09:00+08');
SELECT results_eq($$SELECT oldest_due_at, due_stages FROM escalation.engine_health()$$,
	$$SELECT min(due_at), count(*) FROM escalation.stage_due WHERE subject_id = 661$$,
	'every stage of the overdue hazard is due and unraised; the oldest is its first');
SELECT cmp_ok((SELECT due_stages FROM escalation.engine_health()), '>=', 2::bigint, 'more than one stage is waiting');

SELECT is(escalation.run('2024-03-05 00:00+08'), 2::bigint, 'a run up to 2024-03-05 raises two stages');
SELECT results_eq($$SELECT last_run_status, last_success_at, last_success_as_of, last_failure_at FROM escalation.engine_health()$$,
	$$SELECT 'succeeded', finished_at, '2024-03-05 00:00+08'::timestamptz, NULL::timestamptz FROM escalation.run_log$$,
	'the successful run is the last run and the last success, with its as_of');
SELECT results_eq($$SELECT oldest_due_at, due_stages FROM escalation.engine_health()$$,
	$$SELECT min(due_at), count(*) FROM escalation.stage_due WHERE subject_id = 661$$,
	'the stages after that as_of still wait (due by now)');

-- A run that fails: the caller sees NULL, the health shows the failure.
ALTER TABLE escalation.warning ADD CONSTRAINT test_health_refuses CHECK (stage < 3) NOT VALID;
SELECT is(escalation.run('2024-03-20 00:00+08'), NULL::bigint, 'a run that fails returns NULL');
SELECT results_eq($$SELECT last_run_status, last_failure_sqlstate, last_failure_message LIKE '%test_health_refuses%',
						   last_success_as_of, last_failure_at = last_run_at FROM escalation.engine_health()$$,
	$$VALUES ('failed', '23514', true, '2024-03-05 00:00+08'::timestamptz, true)$$,
	'the failed run is the last run, with its SQLSTATE and message; the last success is still the earlier run');

SELECT results_eq($$SELECT r, has_function_privilege(r, 'escalation.engine_health()', 'EXECUTE')
					FROM unnest(ARRAY['escalation_admin', 'escalation_analyst', 'escalation_screen']) AS r$$,
	$$VALUES ('escalation_admin', true), ('escalation_analyst', true), ('escalation_screen', true)$$,
	'admins, analysts and the screens may read the engine''s health');
SELECT ok(NOT has_function_privilege('escalation_user', 'escalation.engine_health()', 'EXECUTE')
		  AND NOT has_function_privilege('public', 'escalation.engine_health()', 'EXECUTE'),
	'district users and PUBLIC may not (a failure''s message may name any district''s data)');

SELECT * FROM finish();
ROLLBACK;
