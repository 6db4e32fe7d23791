-- The scorecard on crafted March data with known answers: quantity and quality per
-- department and per district, warnings raised by escalation.run() attributed to the
-- finding department (hazards) or the receiving department (clues), outcomes judged
-- at the end of the period, and bad periods rejected.
BEGIN;
CREATE EXTENSION IF NOT EXISTS escalation;
SELECT plan(22);
\ir fixtures/40_work.sql
SELECT pg_temp.t40_grant_tap();
SET LOCAL timezone = 'Asia/Shanghai';

-- Inspections: 历下区应急管理局 (4210) three in March (two on site at 4001, one online at
-- 4002) and one in February; 解放路街道 (4300) one online; 市中区应急管理局 (4410) one on site.
INSERT INTO escalation.inspection (department_id, unit_id, mode, inspected_at) VALUES
	(4210, 4001, 'on_site', '2025-03-02 09:00+08'),
	(4210, 4001, 'on_site', '2025-03-10 09:00+08'),
	(4210, 4002, 'online', '2025-03-20 09:00+08'),
	(4210, 4002, 'on_site', '2025-02-20 09:00+08'),
	(4300, 4001, 'online', '2025-03-15 09:00+08'),
	(4410, 4003, 'on_site', '2025-03-05 09:00+08');

-- Hazards found by 4210: H1 rectified and closed in time (3 days); H2 rectified late
-- (8 days), not re-inspected in March; H3 never rectified; H4 suspected major, never
-- confirmed; H5 due in April; H6 found in February. 4300 receives a self-report H7,
-- rectified in 2 days and re-inspected by the street office.
INSERT INTO escalation.hazard (id, unit_id, found_by, found_at, description, grade, needs_recheck, rectify_deadline, source) OVERRIDING SYSTEM VALUE VALUES
	(70001, 4001, 4210, '2025-03-02 10:00+08', 'H1', 'general', true, '2025-03-09 10:00+08', 'inspection'),
	(70002, 4001, 4210, '2025-03-02 10:00+08', 'H2', 'general', true, '2025-03-06 18:00+08', 'inspection'),
	(70003, 4001, 4210, '2025-03-10 10:00+08', 'H3', 'general', true, '2025-03-20 18:00+08', 'inspection'),
	(70004, 4002, 4210, '2025-03-20 10:00+08', 'H4', 'suspected_major', true, NULL, 'inspection'),
	(70005, 4002, 4210, '2025-03-25 10:00+08', 'H5', 'general', true, '2025-04-10 18:00+08', 'inspection'),
	(70006, 4001, 4210, '2025-02-20 10:00+08', 'H6', 'general', true, '2025-02-27 18:00+08', 'inspection'),
	(70007, 4001, 4300, '2025-03-15 10:00+08', 'H7', 'general', true, '2025-03-18 18:00+08', 'self_report');
DO $steps$
BEGIN
	PERFORM escalation.hazard_rectify(70001, '王强', rectified_at => '2025-03-05 10:00+08');
	PERFORM escalation.hazard_recheck(70001, 4210, true, rechecked_at => '2025-03-06 09:00+08');
	PERFORM escalation.hazard_close(70001, 4210, closed_at => '2025-03-06 10:00+08');
	PERFORM escalation.hazard_rectify(70002, '王强', rectified_at => '2025-03-10 10:00+08');
	PERFORM escalation.hazard_rectify(70007, '李娜', rectified_at => '2025-03-17 10:00+08');
	PERFORM escalation.hazard_recheck(70007, 4300, true, rechecked_at => '2025-03-18 09:00+08');
	PERFORM escalation.hazard_close(70007, 4300, closed_at => '2025-03-18 10:00+08');
	PERFORM escalation.hazard_rectify(70006, '王强', rectified_at => '2025-02-25 10:00+08');
	PERFORM escalation.hazard_recheck(70006, 4210, true, rechecked_at => '2025-02-26 10:00+08');
	PERFORM escalation.hazard_close(70006, 4210, closed_at => '2025-02-26 11:00+08');
END
$steps$;

-- Clues from 4300 to 4210: C1 handled in 2 days, C2 after 10 days, C3 pending but
-- transferred too late in March to be due.
INSERT INTO escalation.clue (id, unit_id, from_department, to_department, transferred_at, handled_at) OVERRIDING SYSTEM VALUE VALUES
	(70101, 4001, 4300, 4210, '2025-03-03 10:00+08', '2025-03-05 10:00+08'),
	(70102, 4001, 4300, 4210, '2025-03-10 10:00+08', '2025-03-20 10:00+08'),
	(70103, 4001, 4300, 4210, '2025-03-30 10:00+08', NULL);

-- A safety licence of 4001 that expired on 10 March: warnings of the district, of no department.
INSERT INTO escalation.licence (unit_id, kind, valid_until) VALUES (4001, '安全生产许可证', '2025-03-09');

SELECT is(escalation.run('2025-03-31 23:59:59+08'), 15::bigint,
	'the engine raises March''s warnings: three stages each for H2, H3, H4, the clue handled late and the expired licence');

SELECT results_eq($$SELECT inspections, on_site_inspections, online_inspections, units_covered, hazards_found, major_hazards_found,
		clues_transferred, clues_received
	FROM escalation.department_scorecard('2025-03-01', '2025-03-31') WHERE department_id = 4210$$,
	$$VALUES (3::bigint, 2::bigint, 1::bigint, 2::bigint, 5::bigint, 1::bigint, 0::bigint, 3::bigint)$$,
	'quantity of 历下区应急管理局: three inspections (two on site, one online) of two units, five hazards, one suspected major, three clues received');
SELECT results_eq($$SELECT hazards_due, rectified_on_time, on_time_rate, overdue_unrectified, rechecks_needed, rechecked, recheck_rate,
		median_days_to_rectify
	FROM escalation.department_scorecard('2025-03-01', '2025-03-31') WHERE department_id = 4210$$,
	$$VALUES (3::bigint, 1::bigint, 0.3333, 1::bigint, 2::bigint, 1::bigint, 0.5000, 5.5)$$,
	'its quality: one of three due hazards rectified on time, one overdue, one of two rectified re-inspected, median 5.5 days');
SELECT results_eq($$SELECT clues_due, clues_handled_in_time, clue_in_time_rate
	FROM escalation.department_scorecard('2025-03-01', '2025-03-31') WHERE department_id = 4210$$,
	$$VALUES (2::bigint, 1::bigint, 0.5000)$$,
	'one of its two due clues was handled within 3 days (the third is not due by the end of March)');
SELECT results_eq($$SELECT warnings, warnings_stage1, warnings_stage2, warnings_stage3, supervision_orders, circulars
	FROM escalation.department_scorecard('2025-03-01', '2025-03-31') WHERE department_id = 4210$$,
	$$VALUES (12::bigint, 4::bigint, 4::bigint, 4::bigint, 7::bigint, 4::bigint)$$,
	'its warnings: its hazards H2, H3, H4 and the clue it received late, three stages each; 7 supervision orders, 4 circulars');
SELECT results_eq($$SELECT clues_transferred, warnings, hazards_found, hazards_due, rectified_on_time, rechecks_needed, median_days_to_rectify
	FROM escalation.department_scorecard('2025-03-01', '2025-03-31') WHERE department_id = 4300$$,
	$$VALUES (3::bigint, 0::bigint, 1::bigint, 1::bigint, 1::bigint, 1::bigint, 2.0)$$,
	'the street office transferred three clues and is not blamed for the receiver''s delay; its self-reported hazard was rectified on time');
SELECT results_eq($$SELECT inspections, hazards_found, warnings, on_time_rate
	FROM escalation.department_scorecard('2025-03-01', '2025-03-31') WHERE department_id = 4220$$,
	$$VALUES (0::bigint, 0::bigint, 0::bigint, NULL::numeric)$$,
	'an inactive department has its line of zeros');
SELECT is((SELECT count(*) FROM escalation.department_scorecard('2025-03-01', '2025-03-31')), 10::bigint,
	'every department has a line');

SELECT results_eq($$SELECT inspections, on_site_inspections, online_inspections, units_covered, hazards_found, hazards_due,
		rectified_on_time, on_time_rate, overdue_unrectified, rechecks_needed, rechecked, median_days_to_rectify
	FROM escalation.district_scorecard('2025-03-01', '2025-03-31') WHERE district::text = '370102'$$,
	$$VALUES (4::bigint, 2::bigint, 2::bigint, 2::bigint, 6::bigint, 4::bigint, 2::bigint, 0.5000, 1::bigint, 3::bigint, 2::bigint, 3.0)$$,
	'历下区: the work of its district and street departments together, the median over all its hazards');
SELECT results_eq($$SELECT warnings, warnings_stage1, warnings_stage2, warnings_stage3, supervision_orders, circulars,
		clues_transferred, clues_received, clue_in_time_rate
	FROM escalation.district_scorecard('2025-03-01', '2025-03-31') WHERE district::text = '370102'$$,
	$$VALUES (15::bigint, 5::bigint, 5::bigint, 5::bigint, 9::bigint, 5::bigint, 3::bigint, 3::bigint, 0.5000)$$,
	'its warnings include the licence ladder of its unit, which no department carries');
SELECT results_eq($$SELECT district::text, scope, department_id, inspections, warnings
	FROM escalation.district_scorecard('2025-03-01', '2025-03-31') ORDER BY district$$,
	$$VALUES ('370100', 'district', NULL::bigint, 0::bigint, 0::bigint), ('370102', 'district', NULL, 4, 15),
			 ('370103', 'district', NULL, 1, 0)$$,
	'one line per district, and the city''s own departments as the city line');

-- Later events do not change a past period's score.
DO $later$
BEGIN
	PERFORM escalation.hazard_recheck(70002, 4210, true, rechecked_at => '2025-04-02 10:00+08');
	PERFORM escalation.hazard_rectify(70003, '王强', rectified_at => '2025-04-03 10:00+08');
	PERFORM escalation.hazard_extend(70005, '2025-04-20 18:00+08', '设备到货延迟', 4210, '2025-04-05 10:00+08');
END
$later$;
SELECT results_eq($$SELECT overdue_unrectified, rechecked, median_days_to_rectify
	FROM escalation.department_scorecard('2025-03-01', '2025-03-31') WHERE department_id = 4210$$,
	$$VALUES (1::bigint, 1::bigint, 5.5)$$,
	're-inspections and rectifications in April leave March''s score as it was');
SELECT results_eq($$SELECT hazards_found, hazards_due, overdue_unrectified, rechecks_needed, rechecked
	FROM escalation.department_scorecard('2025-03-01', '2025-04-30') WHERE department_id = 4210$$,
	$$VALUES (5::bigint, 4::bigint, 1::bigint, 3::bigint, 2::bigint)$$,
	'over March and April they count: H3 rectified late, H5 now overdue');
SELECT results_eq($$SELECT inspections, hazards_found, on_time_rate
	FROM escalation.department_scorecard('2025-02-01', '2025-02-28') WHERE department_id = 4210$$,
	$$VALUES (1::bigint, 1::bigint, 1.0000)$$, 'February stands on its own');

SELECT throws_ok($$SELECT * FROM escalation.department_scorecard('2025-03-31', '2025-03-01')$$,
	'22023', 'scorecard period ends on 2025-03-01 before it starts on 2025-03-31', 'a period ending before it starts is rejected');
SELECT throws_ok($$SELECT * FROM escalation.district_scorecard(NULL, '2025-03-01')$$,
	'22004', 'a scorecard needs from_day, to_day and per_department', 'a period needs both days');

SET LOCAL ROLE t40_lixia;
SELECT results_eq($$SELECT department_id FROM escalation.department_scorecard('2025-03-01', '2025-03-31') ORDER BY 1$$,
	$$VALUES (4200::bigint), (4210::bigint), (4220::bigint), (4300::bigint)$$,
	'a district user scores the departments of its district');
SELECT results_eq($$SELECT district::text, warnings FROM escalation.district_scorecard('2025-03-01', '2025-03-31')$$,
	$$VALUES ('370102', 15::bigint)$$, 'and its district');
RESET ROLE;

SET LOCAL ROLE t40_analyst;
SELECT is((SELECT count(*) FROM escalation.department_scorecard('2025-03-01', '2025-03-31')), 10::bigint,
	'the analyst scores every department');
RESET ROLE;
SET LOCAL ROLE t40_screen;
SELECT throws_ok($$SELECT * FROM escalation.department_scorecard('2025-03-01', '2025-03-31')$$, '42501', NULL,
	'the screen role has no scorecard');
RESET ROLE;

SELECT is((SELECT count(DISTINCT month) FROM escalation.department_scorecard_monthly), 12::bigint,
	'the monthly view covers the last twelve months');
SELECT is((SELECT count(*) FROM escalation.district_scorecard_monthly
	WHERE month = date_trunc('month', escalation.local_day(now()))::date), 3::bigint,
	'with a line per district for each month');

SELECT * FROM finish();
ROLLBACK;
