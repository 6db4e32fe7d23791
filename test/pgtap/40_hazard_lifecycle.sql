-- The hazard lifecycle: every legal step through the functions and as a direct
-- UPDATE, every illegal one rejected with its SQLSTATE and message and nothing
-- changed, and every step kept in history with who, when, from and to.
BEGIN;
CREATE EXTENSION IF NOT EXISTS escalation;
SELECT plan(74);
\ir fixtures/40_work.sql

-- An inspection of unit 4001 by 历下区应急管理局 with its two inspectors.
INSERT INTO escalation.inspection (id, department_id, unit_id, inspected_at, checked, findings) OVERRIDING SYSTEM VALUE
VALUES (40100, 4210, 4001, '2025-03-01 09:00+08', '粉尘防爆专项检查', '除尘系统存在隐患');
INSERT INTO escalation.inspection_inspector (inspection_id, person_id) VALUES (40100, 4211), (40100, 4212);

-- Reporting ------------------------------------------------------------------

SELECT escalation.hazard_report('除尘器未设置泄爆装置', '2025-03-08 18:00+08', inspection_id => 40100,
	category => 'dust_explosion', measures => '加装泄爆片') AS reported \gset
SELECT results_eq(
	format('SELECT unit_id, found_by, found_at, status, grade, needs_recheck, region::text, deadline_set_by, step_no
			FROM escalation.hazard WHERE id = %s', :reported),
	$$VALUES (4001::bigint, 4210::bigint, '2025-03-01 09:00+08'::timestamptz, 'rectifying'::escalation.hazard_status,
			  'general'::escalation.hazard_grade, true, '370102001', 4210::bigint, 0)$$,
	'a hazard reported from an inspection takes unit, department and time from it, is being rectified, and carries the unit''s region');
SELECT is((SELECT count(*) FROM escalation.hazard_history WHERE hazard_id = :reported), 0::bigint,
	'entering a hazard writes no history step (the entry is the hazard row itself)');
SELECT results_eq(
	format('SELECT step, to_status, department_id, event_at FROM escalation.hazard_timeline WHERE hazard_id = %s', :reported),
	$$VALUES ('report', 'rectifying'::escalation.hazard_status, 4210::bigint, '2025-03-01 09:00+08'::timestamptz)$$,
	'the timeline starts with the report by the finding department at the time found');

SELECT lives_ok($$SELECT escalation.hazard_report('安全培训记录缺失', '2025-03-20+08', unit_id => 4001, found_by => 4300,
	source => 'self_report', category => 'management', found_at => '2025-03-02+08')$$,
	'a unit self-reports a hazard to its supervising department');
SELECT lives_ok($$SELECT escalation.hazard_report('液氨储罐区未设置泄漏报警', unit_id => 4002, found_by => 4300,
	grade => 'suspected_major', found_at => '2025-03-01+08')$$,
	'a suspected major hazard is reported without a deadline');

SELECT throws_ok($$SELECT escalation.hazard_report('消防通道堵塞', '2025-02-28+08', unit_id => 4001, found_by => 4210,
	found_at => '2025-03-01+08')$$,
	'23514', 'rectify_deadline 2025-02-28 00:00:00+08 of the new hazard is before its found_at 2025-03-01 00:00:00+08',
	'a deadline before discovery is rejected');
SELECT throws_ok($$INSERT INTO escalation.hazard (unit_id, found_by, found_at, rectify_deadline)
	VALUES (4001, 4210, '2025-03-01+08', '2025-02-01+08')$$,
	'23514', NULL, 'a direct INSERT with a deadline before discovery is rejected too');
SELECT throws_ok($$SELECT escalation.hazard_report('配电箱无防护', unit_id => 4001, found_by => 4210)$$,
	'23502', NULL, 'a general hazard needs a rectification deadline');
SELECT throws_ok($$SELECT escalation.hazard_report('配电箱无防护', '2030-01-01+08', unit_id => 4001, found_by => 4210,
	grade => 'major')$$,
	'22023', 'a hazard is reported as general or suspected_major, not major',
	'a hazard is not reported as confirmed major');
SELECT throws_ok($$SELECT escalation.hazard_report('  ', '2030-01-01+08', unit_id => 4001, found_by => 4210)$$,
	'22004', 'argument description must not be empty', 'a hazard needs a description');
SELECT throws_ok($$SELECT escalation.hazard_report('配电箱无防护', '2030-01-01+08', inspection_id => 40100, unit_id => 4002)$$,
	'23514', NULL, 'a hazard of another unit cannot belong to the inspection');
SELECT throws_ok($$SELECT escalation.hazard_report('配电箱无防护', '2030-01-01+08', inspection_id => 40100,
	found_at => '2025-02-01+08')$$,
	'23514', 'hazard found_at 2025-02-01 00:00:00+08 is before its inspection 40100 at 2025-03-01 09:00:00+08',
	'a hazard cannot be found before its inspection');
SELECT throws_ok($$INSERT INTO escalation.hazard (unit_id, found_by, found_at, grade, rectify_deadline, confirmed_at)
	VALUES (4001, 4210, '2025-03-01+08', 'general', '2025-03-09+08', '2025-03-02+08')$$,
	'23514', NULL, 'confirmed_at on a general hazard is rejected');
SELECT lives_ok($$INSERT INTO escalation.hazard (id, unit_id, found_by, found_at, grade, needs_recheck, rectify_deadline,
	confirmed_at, closed_at) OVERRIDING SYSTEM VALUE VALUES (40999, 4001, 4210, '2025-01-01+08', 'general', true, '2025-01-10+08', NULL, '2025-01-09+08')$$,
	'an INSERT with only the core columns, already closed (an import), is accepted');
SELECT is((SELECT status FROM escalation.hazard WHERE id = 40999), 'closed'::escalation.hazard_status,
	'its status follows from its timestamps');

-- A general hazard through every step -----------------------------------------

INSERT INTO escalation.hazard (id, unit_id, found_by, found_at, inspection_id, description, rectify_deadline) OVERRIDING SYSTEM VALUE
VALUES (40001, 4001, 4210, '2025-03-01 10:00+08', 40100, '除尘管道积尘', '2025-03-08 18:00+08');

SELECT throws_ok($$SELECT escalation.hazard_close(40001, 4210, closed_at => '2025-03-02+08')$$,
	'55000', 'cannot close hazard 40001: it is "rectifying" (整改中), grade "general" (一般隐患)',
	'a hazard being rectified cannot be closed');
SELECT throws_ok($$SELECT escalation.hazard_recheck(40001, 4210, true, rechecked_at => '2025-03-02+08')$$,
	'55000', 'cannot re-inspect hazard 40001: it is "rectifying" (整改中), grade "general" (一般隐患)',
	'a hazard being rectified cannot be re-inspected');
SELECT throws_ok($$SELECT escalation.hazard_confirm(40001, true, 4210, '确认')$$,
	'55000', 'cannot confirm hazard 40001: it is "rectifying" (整改中), grade "general" (一般隐患)',
	'a general hazard cannot be confirmed');

SELECT lives_ok($$SELECT escalation.hazard_extend(40001, '2025-03-15 18:00+08', '除尘设备配件采购周期长', 4210, '2025-03-05+08')$$,
	'a hazard being rectified gets its deadline extended with a reason');
SELECT results_eq($$SELECT step, from_deadline, to_deadline, department_id, event_at, note FROM escalation.hazard_history
	WHERE hazard_id = 40001 ORDER BY id DESC LIMIT 1$$,
	$$VALUES ('extend'::escalation.hazard_step, '2025-03-08 18:00+08'::timestamptz, '2025-03-15 18:00+08'::timestamptz,
			  4210::bigint, '2025-03-05+08'::timestamptz, '除尘设备配件采购周期长')$$,
	'the extension is kept in history with old and new deadline, department, time and reason');
SELECT throws_ok($$SELECT escalation.hazard_extend(40001, '2025-03-10+08', '缩短', 4210, '2025-03-06+08')$$,
	'23514', 'new rectify_deadline 2025-03-10 00:00:00+08 of hazard 40001 is not after its current deadline 2025-03-15 18:00:00+08',
	'an extension cannot move the deadline earlier');
SELECT throws_ok($$UPDATE escalation.hazard SET rectify_deadline = '2025-03-30+08' WHERE id = 40001$$,
	'23502', 'extending the deadline of hazard 40001 needs a new deadline_reason',
	'a direct UPDATE of the deadline without a reason is rejected');
SELECT lives_ok($$UPDATE escalation.hazard SET rectify_deadline = '2025-03-16 18:00+08', deadline_reason = '春节后复工延迟',
	deadline_set_by = 4210, deadline_set_at = '2025-03-06+08' WHERE id = 40001$$,
	'a direct UPDATE of the deadline with a reason is an extension');
SELECT throws_ok($$UPDATE escalation.hazard SET rectify_deadline = NULL WHERE id = 40001$$,
	'55000', NULL, 'a deadline cannot be removed');
SELECT throws_ok($$UPDATE escalation.hazard SET needs_recheck = false WHERE id = 40001$$,
	'55000', 'needs_recheck of hazard 40001 cannot be changed on its own', 'needs_recheck is not changed on its own');
SELECT throws_ok($$UPDATE escalation.hazard SET found_at = '2025-03-01 08:00+08' WHERE id = 40001$$,
	'55000', 'column found_at of hazard 40001 cannot be changed', 'found_at is fixed');
SELECT throws_ok($$UPDATE escalation.hazard SET unit_id = 4002 WHERE id = 40001$$,
	'55000', 'column unit_id of hazard 40001 cannot be changed', 'the unit is fixed');
SELECT throws_ok($$UPDATE escalation.hazard SET status = 'closed' WHERE id = 40001$$,
	'428C9', NULL, 'the status is never set directly');
SELECT throws_ok($$UPDATE escalation.hazard SET rectified_at = '2025-03-07+08', rectified_by = '王强', closed_at = '2025-03-07+08'
	WHERE id = 40001$$,
	'55000', 'cannot close hazard 40001: it is "rectifying" (整改中), grade "general" (一般隐患)',
	'one statement takes one lifecycle step');
SELECT throws_ok($$SELECT escalation.hazard_rectify(40001, '王强', rectified_at => '2025-02-01+08')$$,
	'23514', NULL, 'a rectification before discovery is rejected');
SELECT throws_ok($$SELECT escalation.hazard_rectify(40001, NULL)$$,
	'22004', 'argument rectified_by must not be empty', 'a rectification names who is accountable');

SELECT is((SELECT row(status, rectify_deadline, rectified_at, step_no)::text FROM escalation.hazard WHERE id = 40001),
	row('rectifying'::escalation.hazard_status, '2025-03-16 18:00+08'::timestamptz, NULL::timestamptz, 2)::text,
	'the rejected statements changed nothing');
SELECT is((SELECT count(*) FROM escalation.hazard_history WHERE hazard_id = 40001), 2::bigint,
	'and recorded nothing');

SELECT lives_ok($$SELECT escalation.hazard_rectify(40001, '王强', '清理积尘并建立清扫制度', '2025-03-10+08')$$,
	'the unit rectifies the hazard');
SELECT is((SELECT status FROM escalation.hazard WHERE id = 40001), 'rectified'::escalation.hazard_status, 'it is rectified');
SELECT throws_ok($$SELECT escalation.hazard_rectify(40001, '王强', rectified_at => '2025-03-11+08')$$,
	'55000', 'cannot rectify hazard 40001: it is "rectified" (已整改), grade "general" (一般隐患)',
	'a rectified hazard is not rectified again');
SELECT throws_ok($$SELECT escalation.hazard_extend(40001, '2025-04-01+08', '再延期', 4210, '2025-03-11+08')$$,
	'55000', 'cannot extend hazard 40001: it is "rectified" (已整改), grade "general" (一般隐患)',
	'a rectified hazard gets no extension');
SELECT throws_ok($$SELECT escalation.hazard_close(40001, 4210, closed_at => '2025-03-11+08')$$,
	'55000', 'cannot close hazard 40001: it is "rectified" (已整改), grade "general" (一般隐患)',
	'a hazard that needs re-inspection cannot be closed without one');
SELECT throws_ok($$SELECT escalation.hazard_recheck(40001, 4220, true, rechecked_at => '2025-03-11+08')$$,
	'42501', 'department 4220 does not supervise unit 4001 and cannot re-inspect hazard 40001',
	'a department that does not supervise the unit cannot re-inspect');
SELECT throws_ok($$SELECT escalation.hazard_recheck(40001, 4410, true, rechecked_at => '2025-03-11+08')$$,
	'42501', NULL, 'nor can a supervising department of another district');
SELECT throws_ok($$SELECT escalation.hazard_recheck(40001, 4210, false, rechecked_at => '2025-03-11+08')$$,
	'22004', 'a failed re-inspection needs new_deadline', 'a failed re-inspection needs a new deadline');
SELECT throws_ok($$UPDATE escalation.hazard SET rechecked_at = '2025-03-11+08', rechecked_by = 4210, recheck_result = 'fail'
	WHERE id = 40001$$,
	'23514', NULL, 'a failed re-inspection by direct UPDATE needs a new deadline too');
SELECT throws_ok($$SELECT escalation.hazard_recheck(40001, 4210, true, rechecked_at => '2025-03-09+08')$$,
	'23514', NULL, 'a re-inspection before the rectification is rejected');

SELECT lives_ok($$SELECT escalation.hazard_recheck(40001, 4300, false, '积尘仍超标', '2025-03-25+08', 4301, '2025-03-11+08')$$,
	'the territorial street office re-inspects and fails it with a new deadline');
SELECT results_eq($$SELECT status, rectify_deadline, deadline_set_by, recheck_result FROM escalation.hazard WHERE id = 40001$$,
	$$VALUES ('rectifying'::escalation.hazard_status, '2025-03-25+08'::timestamptz, 4300::bigint, 'fail'::escalation.recheck_result)$$,
	'a failed re-inspection sends it back to rectification with the new deadline');
SELECT results_eq($$SELECT step, from_status, to_status, department_id, person_id, event_at, to_deadline FROM escalation.hazard_history
	WHERE hazard_id = 40001 ORDER BY id DESC LIMIT 1$$,
	$$VALUES ('recheck_fail'::escalation.hazard_step, 'rectified'::escalation.hazard_status, 'rectifying'::escalation.hazard_status,
			  4300::bigint, 4301::bigint, '2025-03-11+08'::timestamptz, '2025-03-25+08'::timestamptz)$$,
	'the failed re-inspection is kept with its department, inspector, time and new deadline');
SELECT throws_ok($$SELECT escalation.hazard_rectify(40001, '王强', rectified_at => '2025-03-11+08')$$,
	'23514', NULL, 'the new rectification comes after the failed re-inspection');
SELECT lives_ok($$UPDATE escalation.hazard SET rectified_at = '2025-03-18+08', rectified_by = '王强', rectification_note = '增设除尘风机'
	WHERE id = 40001$$,
	'a direct UPDATE that rectifies is a legal step');
SELECT lives_ok($$SELECT escalation.hazard_recheck(40001, 4200, true, '复查合格', rechecked_at => '2025-03-19+08')$$,
	'the district government, above a supervising department, may re-inspect');
SELECT is((SELECT status FROM escalation.hazard WHERE id = 40001), 'verified'::escalation.hazard_status,
	'a passed re-inspection verifies it');
SELECT throws_ok($$SELECT escalation.hazard_recheck(40001, 4210, true, rechecked_at => '2025-03-20+08')$$,
	'55000', 'cannot re-inspect hazard 40001: it is "verified" (复查合格), grade "general" (一般隐患)',
	'a verified hazard is not re-inspected again');
SELECT throws_ok($$SELECT escalation.hazard_close(40001, 4210, closed_at => '2025-03-18+08')$$,
	'23514', NULL, 'closing before the re-inspection is rejected');
SELECT lives_ok($$SELECT escalation.hazard_close(40001, 4210, '复查合格，予以销号', '2025-03-19 12:00+08')$$,
	'a verified hazard is closed');
SELECT throws_ok($$SELECT escalation.hazard_close(40001, 4210, closed_at => '2025-03-20+08')$$,
	'55000', 'cannot change hazard 40001: it is "closed" (已销号), grade "general" (一般隐患)',
	'a closed hazard cannot be closed again');
SELECT throws_ok($$UPDATE escalation.hazard SET description = '改写' WHERE id = 40001$$,
	'55000', NULL, 'a closed hazard is final');

SELECT results_eq($$SELECT step, from_status::text, to_status::text, event_at FROM escalation.hazard_timeline
	WHERE hazard_id = 40001 ORDER BY seq$$,
	$$VALUES ('report', NULL, 'rectifying', '2025-03-01 10:00+08'::timestamptz),
			 ('extend', 'rectifying', 'rectifying', '2025-03-05+08'),
			 ('extend', 'rectifying', 'rectifying', '2025-03-06+08'),
			 ('rectify', 'rectifying', 'rectified', '2025-03-10+08'),
			 ('recheck_fail', 'rectified', 'rectifying', '2025-03-11+08'),
			 ('rectify', 'rectifying', 'rectified', '2025-03-18+08'),
			 ('recheck_pass', 'rectified', 'verified', '2025-03-19+08'),
			 ('close', 'verified', 'closed', '2025-03-19 12:00+08')$$,
	'the timeline holds every step from report to closing, in order');
SELECT is((SELECT array_agg(DISTINCT recorded_by) FROM escalation.hazard_history WHERE hazard_id = 40001),
	ARRAY[current_user]::name[], 'every step records the acting role');
SELECT results_eq($$SELECT status::text, rectify_deadline FROM escalation.hazard_as_of('2025-03-12+08', ARRAY[40001::bigint])$$,
	$$VALUES ('rectifying', '2025-03-25+08'::timestamptz)$$,
	'the state as of a past day comes from the history');

-- Without re-inspection ----------------------------------------------------------

SELECT throws_ok($$INSERT INTO escalation.hazard (id, unit_id, found_by, found_at, description, needs_recheck, rectify_deadline) OVERRIDING SYSTEM VALUE
	VALUES (40002, 4001, 4210, '2025-03-01+08', '灭火器过期', false, '2025-03-03+08')$$,
	'23514', NULL, 'a hazard not rectified on the spot is not entered without re-inspection');
INSERT INTO escalation.hazard (id, unit_id, found_by, found_at, description, needs_recheck, rectify_deadline, rectified_at, rectified_by, rectification_note) OVERRIDING SYSTEM VALUE
VALUES (40002, 4001, 4210, '2025-03-01+08', '灭火器过期', false, '2025-03-03+08', '2025-03-01 10:00+08', '王强', '更换灭火器');
SELECT lives_ok($$SELECT escalation.hazard_close(40002, 4210, closed_at => '2025-03-02 12:00+08')$$,
	'and closed without a re-inspection');

-- Edits ---------------------------------------------------------------------------

INSERT INTO escalation.hazard (id, unit_id, found_by, found_at, description, rectify_deadline) OVERRIDING SYSTEM VALUE
VALUES (40003, 4001, 4210, '2025-03-01+08', '配电箱', '2025-03-30+08');
SELECT lives_ok($$UPDATE escalation.hazard SET description = '配电箱未接地', location = '二号车间' WHERE id = 40003$$,
	'the description of an open hazard can be corrected');
SELECT is((SELECT note FROM escalation.hazard_history WHERE hazard_id = 40003 AND step = 'edit'),
	'changed: description, location', 'the correction is kept in history with the columns changed');

-- Suspected major hazards ------------------------------------------------------------

INSERT INTO escalation.hazard (id, unit_id, found_by, found_at, description, grade) OVERRIDING SYSTEM VALUE
VALUES (40010, 4002, 4300, '2025-03-01+08', '液氨管道腐蚀', 'suspected_major'),
	   (40011, 4002, 4300, '2025-03-01+08', '冷库门无应急开启装置', 'suspected_major'),
	   (40012, 4002, 4300, '2025-03-01+08', '氨压缩机房通风不足', 'suspected_major'),
	   (40013, 4002, 4300, '2025-03-01+08', '速冻间氨阀门泄漏', 'suspected_major');

SELECT lives_ok($$SELECT escalation.hazard_rectify(40010, '李娜', rectified_at => '2025-03-02+08')$$,
	'a suspected major hazard can be rectified before confirmation');
SELECT throws_ok($$SELECT escalation.hazard_close(40010, 4210, closed_at => '2025-03-03+08')$$,
	'55000', 'cannot close hazard 40010: it is "rectified" (已整改), grade "suspected_major" (疑似重大事故隐患)',
	'a suspected major hazard cannot be closed before confirmation');
SELECT throws_ok($$UPDATE escalation.hazard SET grade = 'general' WHERE id = 40011$$,
	'55000', 'cannot confirm hazard 40011: it is "rectifying" (整改中), grade "suspected_major" (疑似重大事故隐患)',
	'a suspected major hazard does not become general');
SELECT throws_ok($$SELECT escalation.hazard_confirm(40011, true, 4210, '专家论证确认为重大事故隐患', confirmed_at => '2025-03-03+08')$$,
	'22004', 'confirming hazard 40011 as major needs a rectify_deadline',
	'a confirmed major hazard needs a deadline');
SELECT lives_ok($$SELECT escalation.hazard_confirm(40011, true, 4210, '专家论证确认为重大事故隐患', '2025-04-30+08', false,
	'2025-03-03+08')$$,
	'a suspected major hazard is confirmed major with a deadline');
SELECT results_eq($$SELECT grade, confirmed_at, confirmed_by, needs_recheck, deadline_set_by FROM escalation.hazard WHERE id = 40011$$,
	$$VALUES ('major'::escalation.hazard_grade, '2025-03-03+08'::timestamptz, 4210::bigint, true, 4210::bigint)$$,
	'confirmation sets grade and confirmed_at; a major hazard always needs re-inspection');
SELECT throws_ok($$SELECT escalation.hazard_confirm(40011, false, 4210, '再次确认', '2025-04-30+08')$$,
	'55000', 'cannot confirm hazard 40011: it is "rectifying" (整改中), grade "major" (重大事故隐患)',
	'a hazard is confirmed once');
SELECT lives_ok($$UPDATE escalation.hazard SET grade = 'not_major', confirmed_at = '2025-03-04+08', confirmed_by = 4210,
	confirm_note = '经核查不属于重大事故隐患', rectify_deadline = '2025-03-20+08', needs_recheck = false WHERE id = 40012$$,
	'a direct UPDATE rules a suspected major hazard out, with its deadline');
SELECT results_eq($$SELECT step, from_grade, to_grade, department_id, event_at, note FROM escalation.hazard_history
	WHERE hazard_id = 40012$$,
	$$VALUES ('rule_out'::escalation.hazard_step, 'suspected_major'::escalation.hazard_grade, 'not_major'::escalation.hazard_grade,
			  4210::bigint, '2025-03-04+08'::timestamptz, '经核查不属于重大事故隐患')$$,
	'ruling out is kept in history with the grades');
SELECT throws_ok($$UPDATE escalation.hazard SET confirmed_at = '2025-03-05+08' WHERE id = 40010$$,
	'55000', NULL, 'confirmed_at does not move without a confirmation');
SELECT lives_ok($$SELECT escalation.hazard_extend(40013, '2025-03-31+08', '确认前先行限期整改', 4300, '2025-03-02+08')$$,
	'hazard_extend sets the first deadline of a suspected major hazard');

SELECT throws_ok($$SELECT escalation.hazard_rectify(49999, '某人')$$,
	'P0002', 'hazard 49999 does not exist', 'a missing hazard is named');

SELECT * FROM finish();
ROLLBACK;
