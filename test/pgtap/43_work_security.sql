-- Row-level security and privileges of inspections, hazards, history, campaigns and
-- dual prevention, logged in as each role: a district user works only in its
-- district, reads the campaigns deployed above it, the analyst only reads, the
-- screen role reads none of it.
BEGIN;
CREATE EXTENSION IF NOT EXISTS escalation;
SELECT plan(32);
\ir fixtures/40_work.sql
SELECT pg_temp.t40_grant_tap();

INSERT INTO escalation.campaign (id, name, kind, organiser_id, starts_on, ends_on) OVERRIDING SYSTEM VALUE
VALUES (43001, '全市安全生产大检查', 'major_inspection', 4110, '2025-03-01', '2025-03-31'),
	   (43002, '市中区专项督查', 'special_oversight', 4410, '2025-03-01', '2025-03-31');
INSERT INTO escalation.hazard (id, unit_id, found_by, found_at, description, rectify_deadline) OVERRIDING SYSTEM VALUE VALUES
	(43101, 4001, 4210, '2025-03-02+08', '历下隐患', '2025-03-09+08'),
	(43102, 4003, 4410, '2025-03-02+08', '市中隐患', '2025-03-09+08');
DO $enrol$
BEGIN
	PERFORM escalation.dp_enrol(4001, 4210, '2025-03-01+08');
	PERFORM escalation.dp_enrol(4003, 4410, '2025-03-01+08');
END
$enrol$;

SET LOCAL ROLE t40_lixia;
SELECT results_eq('SELECT id FROM escalation.hazard ORDER BY id', $$VALUES (43101::bigint)$$,
	'a district user sees only its district''s hazards');
SELECT results_eq('SELECT campaign_id, organiser_name FROM escalation.campaign_overview ORDER BY 1',
	$$VALUES (43001::bigint, '济南市安委会办公室')$$,
	'it works under the city-wide campaign, not another district''s');
SELECT is_empty('SELECT id FROM escalation.campaign', 'while the campaign table shows it only its own district''s campaigns');
SELECT lives_ok($$SELECT escalation.inspect(4001, 4210, ARRAY[4211]::bigint[], inspected_at => '2025-03-03+08', campaign_id => 43001)$$,
	'it records an inspection under the city-wide campaign');
SELECT is((SELECT count(*) FROM escalation.inspection), 1::bigint, 'and sees it');
SELECT is_empty($$UPDATE escalation.campaign SET name = '改名' WHERE id = 43001 RETURNING id$$,
	'it cannot change the city-wide campaign');
SELECT throws_ok($$SELECT escalation.hazard_report('越界', '2025-03-09+08', unit_id => 4003, found_by => 4210, found_at => '2025-03-02+08')$$,
	'23503', 'unit 4003 does not exist', 'it cannot report a hazard of a unit in another district');
SELECT throws_ok($$SELECT escalation.hazard_rectify(43102, '某人', rectified_at => '2025-03-03+08')$$,
	'P0002', 'hazard 43102 does not exist', 'it cannot take a step on another district''s hazard');
SELECT lives_ok($$SELECT escalation.hazard_rectify(43101, '王强', rectified_at => '2025-03-03+08')$$,
	'it takes steps on its own hazards');
SELECT is((SELECT recorded_by FROM escalation.hazard_history WHERE hazard_id = 43101), 't40_lixia'::name,
	'the history names the district user who took the step');
SELECT throws_ok($$INSERT INTO escalation.hazard_history (hazard_id, unit_id, step, from_status, to_status, from_grade, to_grade,
	event_at, recorded_by, region) VALUES (43101, 4001, 'close', 'rectified', 'closed', 'general', 'general', now(), 'x', '370102001')$$,
	'42501', NULL, 'nobody writes history by hand');
SELECT throws_ok($$DELETE FROM escalation.hazard WHERE id = 43101$$, '42501', NULL, 'a district user does not delete hazards');
SELECT results_eq('SELECT unit_id FROM escalation.dual_prevention', $$VALUES (4001::bigint)$$,
	'it sees only its district''s dual prevention enrolments');
SELECT throws_ok($$SELECT escalation.dp_record_run(4003, ran_at => '2025-03-02+08')$$,
	'23503', 'unit 4003 is not enrolled in dual prevention management',
	'and cannot record runs for another district''s units: they are not enrolled as far as it can tell');
SELECT lives_ok($$SELECT escalation.dp_record_run(4001, ran_at => '2025-03-02+08')$$, 'it records runs for its own units');
SELECT is(escalation.supervises(4410, 4003, '2025-03-02'), false,
	'supervises() tells a district user nothing about another district''s units');
SELECT is(escalation.campaign_covers(43001, 4003), false, 'nor does campaign_covers()');
SELECT throws_ok($$SELECT escalation_internal.campaign_admits(43002, 4003, now(), 'probe')$$, '42501', NULL,
	'and the campaign check behind the triggers is not callable');
RESET ROLE;
SELECT is(escalation.supervises(4410, 4003, '2025-03-02'), true, 'while a superuser (the platform''s owner) gets the answer');

SET LOCAL ROLE t40_shizhong;
SELECT results_eq('SELECT campaign_id FROM escalation.campaign_overview ORDER BY 1', $$VALUES (43001::bigint), (43002::bigint)$$,
	'the other district works under the city-wide campaign and its own');
SELECT is((SELECT count(*) FROM escalation.hazard_history), 0::bigint, 'and none of the first district''s history');
RESET ROLE;

SET LOCAL ROLE t40_city;
SELECT results_eq('SELECT id FROM escalation.hazard ORDER BY id', $$VALUES (43101::bigint), (43102::bigint)$$,
	'a city user sees every district''s hazards');
RESET ROLE;

SET LOCAL ROLE t40_analyst;
SELECT is((SELECT count(*) FROM escalation.hazard), 2::bigint, 'the analyst reads every hazard');
SELECT is((SELECT count(*) FROM escalation.inspection_inspector), 1::bigint, 'and the inspectors');
SELECT throws_ok($$UPDATE escalation.hazard SET description = 'x'$$, '42501', NULL, 'the analyst cannot change hazards');
SELECT throws_ok($$SELECT escalation.hazard_close(43101, 4210)$$, '42501', NULL, 'nor call the lifecycle functions');
SELECT throws_ok($$INSERT INTO escalation.dp_run (unit_id, ran_at) VALUES (4001, now())$$, '42501', NULL, 'nor record runs');
SELECT is((SELECT count(*) FROM escalation.campaign_progress(43001, '2025-03-31')), 2::bigint,
	'the analyst reads campaign progress');
RESET ROLE;

SET LOCAL ROLE t40_screen;
SELECT throws_ok('SELECT count(*) FROM escalation.hazard', '42501', NULL, 'the screen role does not read hazards');
SELECT throws_ok('SELECT count(*) FROM escalation.inspection_inspector', '42501', NULL, 'nor who inspected');
SELECT throws_ok('SELECT count(*) FROM escalation.dp_run', '42501', NULL, 'nor dual prevention records');
RESET ROLE;

SELECT is((SELECT count(*) FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
	WHERE n.nspname = 'escalation' AND c.relkind = 'r' AND NOT c.relrowsecurity
	  AND c.relname IN ('campaign', 'campaign_target', 'inspection', 'inspection_inspector', 'hazard', 'hazard_history', 'clue',
						'dual_prevention', 'dp_risk_point', 'dp_check_task', 'dp_run', 'dp_assessment')), 0::bigint,
	'every table of this part has row-level security');

SELECT * FROM finish();
ROLLBACK;
