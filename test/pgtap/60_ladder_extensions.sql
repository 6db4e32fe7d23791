-- Extensions (延期) with approval (§15): asked before the deadline, granted or
-- refused by the department that found the hazard or supervises its unit,
-- within the city's limits; once a stage fell due, only the safety committee
-- office of the hazard's screen may grant one, and the warnings stay on the
-- record, whether the runs raised them before the extension (step by step) or
-- after it (catch-up).
BEGIN;
CREATE EXTENSION IF NOT EXISTS escalation;
SELECT plan(40);
\ir fixtures/50_engine.sql

CREATE TEMP TABLE s AS SELECT timestamptz '2024-03-01 09:00+08' AS s;
CREATE FUNCTION pg_temp.at(d interval) RETURNS timestamptz LANGUAGE sql RETURN (SELECT s FROM s) + d;

INSERT INTO escalation.department (id, name, region, kind) OVERRIDING SYSTEM VALUE VALUES
	(5, '济南市安委会办公室', '370100', 'safety_committee_office'),
	(6, '历下区安委会办公室', '370102', 'safety_committee_office'),
	(7, '大观园街道办事处', '370103002', 'street_office');
INSERT INTO escalation.supervision_assignment (unit_id, department_id, supervision_type, level, period)
VALUES (10, 2, 'territorial', 'district', daterange('2024-01-01', NULL));

INSERT INTO escalation.hazard (id, unit_id, found_by, found_at, grade, needs_recheck, rectify_deadline) OVERRIDING SYSTEM VALUE VALUES
	(701, 10, 2, pg_temp.at('-5 days'), 'general', true, pg_temp.at('0'));

-- The abuse: a hazard on the city's circular, extended by a street office of
-- another district (step by step: the runs raised the stages first).
SELECT is(escalation.run(pg_temp.at('6 days')), 3::bigint, 'hazard 701 climbs to the city circular (通报) by day 6');
SELECT throws_like($$SELECT escalation.hazard_extend(701, pg_temp.at('20 days'), '设备采购周期长', 7, pg_temp.at('6 days 1 hour'))$$,
	'hazard 701 has no extension request made before its deadline%',
	'an extension after the deadline without a request made before it is refused');
SELECT throws_like($$SELECT escalation.hazard_extension_request(701, pg_temp.at('20 days'), '设备采购周期长', '张经理', pg_temp.at('0'))$$,
	'extension request of hazard 701 at % comes after its deadline %',
	'a request at the deadline itself is too late');
SELECT lives_ok($$SELECT escalation.hazard_extension_request(701, pg_temp.at('20 days'), '设备采购周期长', '张经理', pg_temp.at('-1 second'))$$,
	'a request one second before the deadline is accepted');
SELECT throws_like($$SELECT escalation.hazard_extend(701, pg_temp.at('20 days'), '同意延期', 7, pg_temp.at('6 days 1 hour'))$$,
	'department 7 cannot decide on an extension of hazard 701, which is on the city screen of 370100%',
	'the street office of another district cannot grant it');
SELECT throws_like($$SELECT escalation.hazard_extend(701, pg_temp.at('20 days'), '同意延期', 2, pg_temp.at('6 days 1 hour'))$$,
	'department 2 cannot decide on an extension of hazard 701%',
	'after the warnings, not even the department that found it');
SELECT throws_like($$SELECT escalation.hazard_extend(701, pg_temp.at('20 days'), '同意延期', 6, pg_temp.at('6 days 1 hour'))$$,
	'department 6 cannot decide on an extension of hazard 701, which is on the city screen%',
	'nor the district office once it is on the city screen');
SELECT throws_like($$SELECT escalation.hazard_extend(701, pg_temp.at('20 days'), '倒签', 2, pg_temp.at('-2 hours'))$$,
	'department 2 cannot decide on an extension of hazard 701, which is on the city screen%',
	'a grant back-dated before the deadline is refused once the warnings were raised');
SELECT lives_ok($$SELECT escalation.hazard_extend(701, pg_temp.at('20 days'), '市安委办同意延期，警示保留', 5, pg_temp.at('6 days 1 hour'))$$,
	'the city office of the screen it is on may grant it');
SELECT lives_ok($$SELECT escalation.run(pg_temp.at('30 days'))$$, 'a run after the new deadline');
SELECT results_eq($$SELECT stage::int, resolved_at IS NULL, resolved_reason::text FROM escalation.warning
					WHERE kind = 'hazard_overdue' AND subject_id = 701 ORDER BY stage$$,
	$$VALUES (1, true, NULL::text), (2, true, NULL), (3, true, NULL)$$,
	'the three warnings stay active: none is resolved as rescheduled, and no second ladder starts');
SELECT results_eq($$SELECT after_warning, ladder_start = pg_temp.at('0'), granted_deadline = pg_temp.at('20 days'), decided_by
					FROM escalation.hazard_extension WHERE hazard_id = 701$$,
	$$VALUES (true, true, true, 5::bigint)$$,
	'the grant is recorded as after a warning, keeping the ladder''s start');
SELECT results_eq($$SELECT step, department_id FROM escalation.hazard_timeline WHERE hazard_id = 701 AND step <> 'report'
					ORDER BY event_at, seq$$,
	$$VALUES ('extension_request', NULL::bigint), ('extend_after_warning', 5::bigint)$$,
	'the timeline shows the request and the grant after the warning');
SELECT lives_ok($$SELECT escalation.hazard_rectify(701, '张经理', NULL, pg_temp.at('19 days'))$$, 'it is rectified');
SELECT lives_ok($$SELECT escalation.hazard_recheck(701, 2, true, NULL, NULL, NULL, pg_temp.at('20 days'))$$, 're-inspected');
SELECT lives_ok($$SELECT escalation.hazard_close(701, 2, NULL, pg_temp.at('21 days'))$$, 'and closed');
SELECT lives_ok($$SELECT escalation.run(pg_temp.at('31 days'))$$, 'a run after closing');
SELECT is((SELECT count(*) FROM escalation.warning WHERE kind = 'hazard_overdue' AND subject_id = 701 AND resolved_reason = 'closed'),
	3::bigint, 'only closing (销号) resolves them');

INSERT INTO escalation.hazard (id, unit_id, found_by, found_at, grade, needs_recheck, rectify_deadline) OVERRIDING SYSTEM VALUE VALUES
	(702, 10, 2, pg_temp.at('0'), 'general', true, pg_temp.at('10 days'));

-- Catch-up: the grant comes after the deadline but before any run raised the
-- stage; the stages still fall due from the old deadline.
SELECT lives_ok($$SELECT escalation.hazard_extension_request(702, pg_temp.at('20 days'), '节假日停工', '李主任', pg_temp.at('10 days') - interval '1 second')$$,
	'hazard 702: request one second before its deadline');
SELECT throws_like($$SELECT escalation.hazard_extend(702, pg_temp.at('20 days'), '同意', 2, pg_temp.at('10 days'))$$,
	'department 2 cannot decide on an extension of hazard 702, which is on the district screen of 370102%',
	'at the deadline the first stage is due: the finder can no longer grant');
SELECT lives_ok($$SELECT escalation.hazard_extend(702, pg_temp.at('20 days'), '区安委办同意', 6, pg_temp.at('10 days'))$$,
	'the district office grants it at the deadline');
SELECT lives_ok($$SELECT escalation.run(pg_temp.at('31 days'))$$, 'one catch-up run afterwards');
SELECT results_eq($$SELECT stage::int, due_at - pg_temp.at('10 days'), resolved_at IS NULL FROM escalation.warning
					WHERE kind = 'hazard_overdue' AND subject_id = 702 ORDER BY stage$$,
	$$VALUES (1, interval '0', true), (2, '3 days', true), (3, '6 days', true)$$,
	'the catch-up run raises the stages of the old deadline, which stay active');

-- Decisions before the deadline, with no run in between.
INSERT INTO escalation.hazard (id, unit_id, found_by, found_at, grade, needs_recheck, rectify_deadline) OVERRIDING SYSTEM VALUE VALUES
	(703, 10, 2, pg_temp.at('0'), 'general', true, pg_temp.at('10 days')),
	(704, 10, 2, pg_temp.at('0'), 'general', true, pg_temp.at('10 days')),
	(705, 10, 2, pg_temp.at('0'), 'general', true, pg_temp.at('10 days')),
	(706, 10, 2, pg_temp.at('0'), 'general', true, pg_temp.at('10 days'));

-- Refusal, and a grant before the deadline.
SELECT lives_ok($$SELECT escalation.hazard_extension_request(703, pg_temp.at('15 days'), '资金未到位', '王厂长', pg_temp.at('1 day'))$$,
	'hazard 703: a request');
SELECT throws_like($$SELECT escalation.hazard_extension_request(703, pg_temp.at('16 days'), '再申请', '王厂长', pg_temp.at('1 day'))$$,
	'hazard 703 already has a pending extension request', 'one pending request at a time');
SELECT throws_like($$SELECT escalation.hazard_extension_refuse(703, 7, '不同意', pg_temp.at('2 days'))$$,
	'department 7 neither found hazard 703 nor supervises its unit 10', 'another district''s street office cannot refuse it');
SELECT lives_ok($$SELECT escalation.hazard_extension_refuse(703, 2, '整改措施简单，不予延期', pg_temp.at('2 days'))$$,
	'the finder refuses it with a reason');
SELECT results_eq($$SELECT step, note FROM escalation.hazard_timeline WHERE hazard_id = 703 AND step LIKE 'extension%' ORDER BY event_at$$,
	$$VALUES ('extension_request', '王厂长：资金未到位'), ('extension_refused', '整改措施简单，不予延期')$$,
	'the timeline shows the request and the refusal with its reason');
SELECT is((SELECT rectify_deadline FROM escalation.hazard WHERE id = 703), pg_temp.at('10 days'), 'a refusal leaves the deadline');
SELECT lives_ok($$SELECT escalation.hazard_extend(703, pg_temp.at('12 days'), '复核后同意', 2, pg_temp.at('3 days'))$$,
	'before the deadline the finder may extend on its own inspection');
SELECT lives_ok($$SELECT escalation.hazard_extend(703, pg_temp.at('14 days'), '再次延期', 2, pg_temp.at('4 days'))$$,
	'a second extension');
SELECT throws_like($$SELECT escalation.hazard_extend(703, pg_temp.at('15 days'), '第三次', 2, pg_temp.at('5 days'))$$,
	'hazard 703 has had 2 extensions, the most allowed', 'a third is over the limit');
INSERT INTO escalation.rule_limit_override (name, amount) VALUES ('hazard_extension_count', 3);
SELECT lives_ok($$SELECT escalation.hazard_extend(703, pg_temp.at('15 days'), '第三次', 2, pg_temp.at('5 days'))$$,
	'the city raises the limit to 3: a third is granted');

-- The total length, at its boundary, and at most what was asked for.
SELECT lives_ok($$SELECT escalation.hazard_extend(704, pg_temp.at('40 days'), '大修', 2, pg_temp.at('1 day'))$$,
	'an extension of exactly 30 days in all is allowed');
SELECT throws_like($$SELECT escalation.hazard_extend(705, pg_temp.at('40 days') + interval '1 second', '大修', 2, pg_temp.at('1 day'))$$,
	'extending hazard 705 to % would put off its deadline by 30 days 00:00:01 in all, more than 30 days',
	'one second more is refused');
SELECT lives_ok($$SELECT escalation.hazard_extension_request(706, pg_temp.at('15 days'), '配件', '赵工', pg_temp.at('1 day'))$$, 'hazard 706: a request to day 15');
SELECT throws_like($$SELECT escalation.hazard_extend(706, pg_temp.at('16 days'), '同意', 2, pg_temp.at('2 days'))$$,
	'granted deadline % of hazard 706 is after the % asked for', 'a grant cannot give more than was asked');
SELECT throws_like($$UPDATE escalation.hazard SET rectify_deadline = pg_temp.at('12 days'), deadline_reason = '直接改', deadline_set_by = 7,
					deadline_set_at = pg_temp.at('2 days') WHERE id = 706$$,
	'department 7 neither found hazard 706 nor supervises its unit 10', 'a direct UPDATE passes the same checks');

-- The scorecard counts them (隐患延期考评).
SELECT results_eq($$SELECT department_id, department_name, requested, granted, refused, granted_after_warning, days_granted
					FROM escalation.extension_scorecard('2024-02-01', '2024-04-30', true)$$,
	$$VALUES (2::bigint, '历下区应急管理局', 8::bigint, 6::bigint, 1::bigint, 2::bigint, 65.0)$$,
	'the scorecard of the department that found them: 8 requests, 6 granted (2 after a stage was raised), 1 refused, 65 days granted');
SELECT results_eq($$SELECT district::text, district_name, requested, granted, refused, granted_after_warning, days_granted
					FROM escalation.extension_scorecard('2024-03-01', '2024-03-02', false)$$,
	$$VALUES ('370102', '历下区', 4::bigint, 1::bigint, 0::bigint, 0::bigint, 30.0)$$,
	'per district over 1-2 March: the 4 requests made then and the 30 days granted on 2 March');

SELECT * FROM finish();
ROLLBACK;
