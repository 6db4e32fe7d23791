-- Dual prevention: the §12 scope rules one by one, enrolment and withdrawal, runs
-- (rejected for a unit not enrolled or outside its enrolment), risk points and
-- tasks, and the inspection frequency that differentiated supervision recommends.
BEGIN;
CREATE EXTENSION IF NOT EXISTS escalation;
SELECT plan(53);
\ir fixtures/40_work.sql

-- §12, one rule at a time ----------------------------------------------------------

INSERT INTO escalation.unit (id, name, region, supervision_level, industry_code, employees, dust_workers,
							 ammonia_refrigeration, social_function, business_status) OVERRIDING SYSTEM VALUE VALUES
	(4501, '济南石料矿业有限公司', '370102001', 'district', 'S01', 50, 0, false, 'enterprise', 'operating'),
	(4502, '济南钢城冶金有限公司', '370102001', 'district', 'S02', 300, 0, false, 'enterprise', 'operating'),
	(4503, '济南特钢有限公司', '370102001', 'city', 'S03', 900, 0, false, 'enterprise', 'operating'),
	(4504, '济南铝业有限公司', '370102001', 'district', 'S04', 200, 0, false, 'enterprise', 'operating'),
	(4505, '济南精细化工有限公司', '370102001', 'district', 'S05', 80, 0, false, 'enterprise', 'operating'),
	(4506, '济南危化品仓储有限公司', '370102001', 'district', 'S06', 30, 0, false, 'enterprise', 'operating'),
	(4507, '济南化工贸易有限公司', '370102001', 'district', 'S07', 12, 0, false, 'enterprise', 'operating'),
	(4508, '济南化学品销售有限公司', '370102001', 'district', 'S08', 6, 0, false, 'enterprise', 'operating'),
	(4509, '济南冷鲜食品有限公司', '370102001', 'district', 'S10', 40, 0, true, 'enterprise', 'operating'),
	(4510, '济南糕点食品有限公司', '370102001', 'district', 'S10', 40, 0, false, 'enterprise', 'operating'),
	(4511, '济南冷链物流有限公司', '370102001', 'district', 'S17', 40, 0, true, 'enterprise', 'operating'),
	(4512, '济南木业有限公司', '370102001', 'district', 'S11', 30, 11, false, 'enterprise', 'operating'),
	(4513, '济南家具有限公司', '370102001', 'district', 'S12', 30, 10, false, 'enterprise', 'operating'),
	(4514, '济南面粉食品有限公司', '370102001', 'district', 'S10', 60, 12, true, 'enterprise', 'operating'),
	(4515, '济南已关停化工有限公司', '370102001', 'district', 'S05', 0, 0, false, 'enterprise', 'closed'),
	(4516, '济南职业学院实训中心', '370102001', 'district', 'S05', 100, 0, false, 'public_institution', 'operating'),
	(4517, '济南某商贸有限公司', '370102001', 'district', NULL, 5, 0, false, 'enterprise', 'operating'),
	(4518, '济南停产化工有限公司', '370102001', 'district', 'S05', 60, 0, false, 'enterprise', 'suspended');

SELECT results_eq($$SELECT u, r.required, r.reasons, r.exemption
	FROM unnest(ARRAY[4501, 4502, 4503, 4504, 4505, 4506, 4507]::bigint[]) AS u, escalation.dual_prevention_required(u) r$$,
	$$VALUES (4501::bigint, true, '{non_coal_mine}'::text[], NULL::text), (4502, true, '{metal_smelting}', NULL),
			 (4503, true, '{metal_smelting}', NULL), (4504, true, '{metal_smelting}', NULL),
			 (4505, true, '{hazardous_chemicals}', NULL), (4506, true, '{hazardous_chemicals}', NULL),
			 (4507, true, '{hazardous_chemicals}', NULL)$$,
	'non-coal mines, metal smelting and hazardous-chemical production and storage are mandatory (§12)');
SELECT results_eq($$SELECT required, reasons FROM escalation.dual_prevention_required(4508)$$,
	$$VALUES (false, '{}'::text[])$$, 'hazardous-chemical trade without storage is not');
SELECT results_eq($$SELECT required, reasons, reason_labels FROM escalation.dual_prevention_required(4509)$$,
	$$VALUES (true, '{food_processing}'::text[], '{食品加工类涉氨制冷}'::text[])$$,
	'food processing with ammonia refrigeration is mandatory');
SELECT results_eq($$SELECT required, reasons FROM escalation.dual_prevention_required(4510)$$,
	$$VALUES (false, '{}'::text[])$$, 'food processing without ammonia refrigeration is not');
SELECT results_eq($$SELECT required, reasons FROM escalation.dual_prevention_required(4511)$$,
	$$VALUES (false, '{}'::text[])$$, 'ammonia refrigeration outside food processing is not (§12 names food processing)');
SELECT results_eq($$SELECT required, reasons, reason_labels FROM escalation.dual_prevention_required(4512)$$,
	$$VALUES (true, '{dust}'::text[], '{具有粉尘作业场所且作业人员大于10人}'::text[])$$,
	'dust operations with 11 workers are mandatory');
SELECT results_eq($$SELECT required, reasons FROM escalation.dual_prevention_required(4513)$$,
	$$VALUES (false, '{}'::text[])$$, 'dust operations with exactly 10 workers are not (more than 10)');
SELECT results_eq($$SELECT required, reasons FROM escalation.dual_prevention_required(4001)$$,
	$$VALUES (true, '{dust}'::text[])$$, 'the dust rule applies in any industry');
SELECT results_eq($$SELECT required, reasons FROM escalation.dual_prevention_required(4514)$$,
	$$VALUES (true, '{food_processing,dust}'::text[])$$, 'every clause that applies is named');
SELECT results_eq($$SELECT required, reasons, exemption FROM escalation.dual_prevention_required(4515)$$,
	$$VALUES (false, '{hazardous_chemicals}'::text[], 'closed')$$, 'a closed unit is exempt, the clause still shown');
SELECT results_eq($$SELECT required, reasons, exemption FROM escalation.dual_prevention_required(4516)$$,
	$$VALUES (false, '{hazardous_chemicals}'::text[], 'not_enterprise')$$, '§12 names enterprises: an institution is exempt');
SELECT results_eq($$SELECT required, exemption FROM escalation.dual_prevention_required(4518)$$,
	$$VALUES (true, NULL::text)$$, 'a suspended enterprise stays required');
SELECT results_eq($$SELECT required, reasons, exemption FROM escalation.dual_prevention_required(4517)$$,
	$$VALUES (false, '{}'::text[], NULL::text)$$, 'a unit without an industry or dust workers is not');
INSERT INTO escalation.industry (code, name, dual_prevention_scope, dual_prevention_mandatory)
VALUES ('C01', '城市燃气储配站（市定）', 'hazardous_chemicals', true);
UPDATE escalation.unit SET industry_code = 'C01' WHERE id = 4517;
SELECT results_eq($$SELECT required, reasons FROM escalation.dual_prevention_required(4517)$$,
	$$VALUES (true, '{hazardous_chemicals}'::text[])$$, 'an industry the city marks mandatory makes its units required');
SELECT throws_ok($$SELECT * FROM escalation.dual_prevention_required(49999)$$,
	'P0002', 'unit 49999 does not exist', 'a missing unit is named');

-- Enrolment ------------------------------------------------------------------------

SELECT lives_ok($$SELECT escalation.dp_enrol(4001, 4210, now() - interval '30 days', '粉尘作业人员15人')$$,
	'a mandatory unit is enrolled');
SELECT results_eq($$SELECT region::text, enrolled_by FROM escalation.dual_prevention WHERE unit_id = 4001$$,
	$$VALUES ('370102001', 4210::bigint)$$, 'the enrolment carries the unit''s region');
SELECT throws_ok($$SELECT escalation.dp_enrol(4001, 4210)$$, '23505', NULL, 'a unit is enrolled once');
SELECT throws_ok($$SELECT escalation.dp_enrol(4515, 4210)$$,
	'55000', 'unit 4515 ("济南已关停化工有限公司") is closed and cannot be enrolled in dual prevention management',
	'a closed unit is not enrolled');
SELECT lives_ok($$INSERT INTO escalation.dual_prevention (unit_id, since) VALUES (4003, now() - interval '20 days')$$,
	'an INSERT with only the core columns enrols a unit');
SELECT results_eq($$SELECT unit_id, required, enrolled FROM escalation.dual_prevention_coverage
	WHERE unit_id IN (4001, 4002, 4003, 4004) ORDER BY unit_id$$,
	$$VALUES (4001::bigint, true, true), (4002, true, false), (4003, true, true)$$,
	'coverage lists the units §12 concerns and whether they are under management (4002 still to be enrolled)');

-- Runs -----------------------------------------------------------------------------

SELECT throws_ok($$SELECT escalation.dp_record_run(4004, ran_at => now() - interval '1 day')$$,
	'23503', 'unit 4004 is not enrolled in dual prevention management', 'a run for a unit not enrolled is rejected');
SELECT throws_ok($$INSERT INTO escalation.dp_run (unit_id, ran_at) VALUES (4002, now())$$,
	'23503', 'unit 4002 is not enrolled in dual prevention management', 'also by direct INSERT');
SELECT throws_ok($$SELECT escalation.dp_record_run(4001, ran_at => now() - interval '40 days')$$,
	'23514', NULL, 'a run before the enrolment is rejected');
SELECT is((SELECT count(*) FROM escalation.dp_run), 0::bigint, 'the rejected runs left nothing behind');

INSERT INTO escalation.dp_risk_point (id, unit_id, name, risk_grade, hazard_factors, control_measures, control_level) OVERRIDING SYSTEM VALUE
VALUES (45001, 4001, '布袋除尘器', 'orange', '粉尘爆炸', '泄爆、隔爆、定期清灰', 'workshop'),
	   (45002, 4001, '抛光工位', 'yellow', '粉尘积聚', '每班清扫', 'post'),
	   (45003, 4003, '氯化反应釜', 'red', '中毒、爆炸', '自动化控制、紧急切断、双人操作', 'company');
INSERT INTO escalation.dp_check_task (id, unit_id, risk_point_id, name, every, starts_at) OVERRIDING SYSTEM VALUE
VALUES (45101, 4001, 45001, '除尘器日巡检', '1 day', now() - interval '30 days'),
	   (45102, 4003, 45003, '反应釜班检', '8 hours', now() - interval '20 days');
SELECT throws_ok($$INSERT INTO escalation.dp_risk_point (unit_id, name, risk_grade, control_measures)
	VALUES (4004, '仓库', 'blue', '通风')$$,
	'23503', NULL, 'risk points belong to enrolled units');
SELECT throws_ok($$INSERT INTO escalation.dp_risk_point (unit_id, name, risk_grade, control_measures)
	VALUES (4001, '配电室', 'blue', ' ')$$,
	'23514', NULL, 'a risk point has control measures');
SELECT throws_ok($$INSERT INTO escalation.dp_check_task (unit_id, risk_point_id, name, every) VALUES (4003, 45001, '巡检', '1 day')$$,
	'23503', NULL, 'a task checks a risk point of its own unit');
SELECT throws_ok($$INSERT INTO escalation.dp_check_task (unit_id, name, every) VALUES (4001, '巡检', '0')$$,
	'23514', NULL, 'a task repeats at a real interval');

SELECT escalation.dp_record_run(4001, 45101, 'normal', '张伟', ran_at => now() - interval '2 days') AS run1 \gset
SELECT results_eq(format('SELECT unit_id, task_id, result, region::text FROM escalation.dp_run WHERE id = %s', :run1),
	$$VALUES (4001::bigint, 45101::bigint, 'normal'::escalation.dp_check_result, '370102001')$$,
	'a completed scheduled check is recorded as a run');
SELECT throws_ok($$SELECT escalation.dp_record_run(4003, 45101, ran_at => now())$$,
	'23503', NULL, 'a run completes a task of its own unit');
SELECT lives_ok($$INSERT INTO escalation.dp_run (unit_id, ran_at) VALUES (4003, now() - interval '10 days')$$,
	'an INSERT with only the core columns records a run');
INSERT INTO escalation.hazard (id, unit_id, found_by, found_at, description, rectify_deadline, source) OVERRIDING SYSTEM VALUE
VALUES (45201, 4001, 4210, now() - interval '1 day', '除尘器灰斗积灰', now() + interval '5 days', 'self_report');
SELECT lives_ok($$SELECT escalation.dp_record_run(4001, 45101, checked_by => '张伟', ran_at => now() - interval '20 hours',
	hazard_id => 45201)$$,
	'a run that found a hazard links it');
SELECT is((SELECT result FROM escalation.dp_run WHERE hazard_id = 45201), 'hazards_found'::escalation.dp_check_result,
	'and is a run that found hazards');
SELECT throws_ok($$SELECT escalation.dp_record_run(4003, hazard_id => 45201, ran_at => now())$$,
	'23503', NULL, 'a run links only a hazard of its own unit');
SELECT throws_ok(format($$UPDATE escalation.dp_run SET ran_at = now() WHERE id = %s$$, :run1),
	'55000', format('unit, time and task of dual prevention run %s cannot be changed', :run1), 'a run''s time is fixed');
SELECT lives_ok(format($$UPDATE escalation.dp_run SET note = '补录检查人' WHERE id = %s$$, :run1), 'its note can be completed');

SELECT results_eq($$SELECT unit_id, round(idle_days)::int, runs_last_7_days, active_tasks FROM escalation.dp_running ORDER BY unit_id$$,
	$$VALUES (4001::bigint, 1, 2::bigint, 1::bigint), (4003, 10, 0, 1)$$,
	'running shows each enrolled unit''s days since its last run, recent runs and tasks');
SELECT results_eq($$SELECT unit_id, overdue_tasks FROM escalation.dp_running ORDER BY unit_id$$,
	$$VALUES (4001::bigint, 0::bigint), (4003, 1)$$, 'and its overdue scheduled tasks');

-- Withdrawal and re-enrolment
SELECT throws_ok($$SELECT escalation.dp_withdraw(4001, '搬迁', now() - interval '3 days')$$,
	'23514', NULL, 'a withdrawal cannot precede the last run');
SELECT throws_ok($$UPDATE escalation.dual_prevention SET since = now() WHERE unit_id = 4001$$,
	'55000', NULL, 'the enrolment time does not move while enrolled');
SELECT lives_ok($$SELECT escalation.dp_withdraw(4001, '企业搬迁出辖区', now() - interval '12 hours')$$, 'a unit is withdrawn');
SELECT throws_ok($$SELECT escalation.dp_record_run(4001, ran_at => now())$$,
	'55000', NULL, 'no run is recorded after the withdrawal');
SELECT lives_ok($$SELECT escalation.dp_enrol(4001, 4210, now() - interval '1 hour', '重新纳入')$$, 'a withdrawn unit is enrolled again');
SELECT results_eq($$SELECT withdrawn_at, note FROM escalation.dual_prevention WHERE unit_id = 4001$$,
	$$VALUES (NULL::timestamptz, '重新纳入')$$, 'its new enrolment starts a new clock');
SELECT lives_ok($$UPDATE escalation.unit SET business_status = 'closed' WHERE id = 4003$$, 'a unit under management closes');
SELECT results_eq($$SELECT withdrawn_at IS NOT NULL, withdraw_reason FROM escalation.dual_prevention WHERE unit_id = 4003$$,
	$$VALUES (true, '单位关闭注销')$$, 'a closed unit leaves dual prevention management');

-- Differentiated supervision ------------------------------------------------------------

SELECT results_eq($$SELECT g, s, escalation.dp_inspection_interval(g, s)
	FROM unnest(enum_range(NULL::escalation.dp_risk_grade) || NULL::escalation.dp_risk_grade) AS g,
		 unnest(enum_range(NULL::escalation.safety_state) || NULL::escalation.safety_state) AS s
	ORDER BY g NULLS LAST, s NULLS LAST$$,
	$$VALUES ('red'::escalation.dp_risk_grade, 'good'::escalation.safety_state, 60), ('red', 'fairly_good', 30), ('red', 'average', 15),
			 ('red', 'poor', 7), ('red', NULL, 15),
			 ('orange', 'good', 90), ('orange', 'fairly_good', 60), ('orange', 'average', 30), ('orange', 'poor', 15), ('orange', NULL, 30),
			 ('yellow', 'good', 180), ('yellow', 'fairly_good', 90), ('yellow', 'average', 60), ('yellow', 'poor', 30), ('yellow', NULL, 60),
			 ('blue', 'good', 365), ('blue', 'fairly_good', 180), ('blue', 'average', 90), ('blue', 'poor', 60), ('blue', NULL, 90),
			 (NULL, 'good', 365), (NULL, 'fairly_good', 180), (NULL, 'average', 90), (NULL, 'poor', 60), (NULL, NULL, 90)$$,
	'the frequency table: days between inspections by highest risk and assessed state');

SELECT is((escalation.dp_enrol(4002, 4210, now() - interval '60 days')).unit_id, 4002::bigint, 'a second unit is enrolled');
INSERT INTO escalation.dp_risk_point (unit_id, name, risk_grade, control_measures, identified_on, retired_on)
VALUES (4002, '液氨储罐区', 'red', '泄漏报警、喷淋、应急处置', current_date - 60, NULL),
	   (4002, '旧氨压缩机', 'red', '已拆除', current_date - 60, current_date - 10),
	   (4002, '包装车间', 'yellow', '安全操作规程', current_date - 60, NULL);
INSERT INTO escalation.dp_assessment (unit_id, assessed_at, department_id, state, score)
VALUES (4002, now() - interval '400 days', 4210, 'good', 95);
SELECT results_eq($$SELECT highest_risk, red_points, yellow_points, safety_state, interval_days FROM escalation.dp_supervision
	WHERE unit_id = 4002$$,
	$$VALUES ('red'::escalation.dp_risk_grade, 1::bigint, 1::bigint, NULL::escalation.safety_state, 15)$$,
	'a red risk point and no assessment within a year: inspect every 15 days (retired points and old assessments do not count)');
INSERT INTO escalation.dp_assessment (unit_id, assessed_at, department_id, state, score)
VALUES (4002, now() - interval '30 days', 4210, 'poor', 55);
INSERT INTO escalation.inspection (unit_id, department_id, inspected_at) VALUES (4002, 4210, now() - interval '10 days');
SELECT results_eq($$SELECT safety_state_label, interval_days, next_inspection_due::date, inspection_due FROM escalation.dp_supervision
	WHERE unit_id = 4002$$,
	$$VALUES ('差', 7, (now() - interval '3 days')::date, true)$$,
	'after a poor assessment: every 7 days, counted from the last inspection, so one is due now');
SELECT throws_ok($$INSERT INTO escalation.dp_assessment (unit_id, department_id, state, score) VALUES (4002, 4210, 'good', 120)$$,
	'23514', NULL, 'an assessment score lies within 0..100');
SELECT throws_ok($$INSERT INTO escalation.dp_assessment (unit_id, department_id, state) VALUES (4004, 4410, 'good')$$,
	'23503', NULL, 'only enrolled units are assessed');

SELECT * FROM finish();
ROLLBACK;
