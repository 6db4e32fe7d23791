-- §15 for every hazard with a deadline: a hazard is entered without
-- re-inspection only when rectified on the spot; a hazard rectified by its
-- deadline climbs from its re-inspection deadline (逾期未复查, addressed to the
-- department), one not rectified from its rectification deadline (逾期未整改,
-- addressed to the unit); step by step and in catch-up runs, at the boundaries.
BEGIN;
CREATE EXTENSION IF NOT EXISTS escalation;
SELECT plan(21);
\ir fixtures/50_engine.sql

CREATE TEMP TABLE s AS SELECT timestamptz '2024-03-01 09:00+08' AS s;
CREATE FUNCTION pg_temp.at(d interval) RETURNS timestamptz LANGUAGE sql RETURN (SELECT s FROM s) + d;
INSERT INTO escalation.supervision_assignment (unit_id, department_id, supervision_type, level, period)
VALUES (10, 2, 'territorial', 'district', daterange('2024-01-01', NULL));

-- Entering without re-inspection.
SELECT throws_like($$SELECT escalation.hazard_report('楼梯扶手松动', pg_temp.at('10 days'), unit_id => 10, found_by => 2,
						needs_recheck => false, found_at => pg_temp.at('0'))$$,
	'a hazard entered with needs_recheck = false must have been rectified on the spot, but this one has rectified_at NULL%',
	'a hazard not rectified on the spot cannot be entered without re-inspection');
SELECT throws_ok($$INSERT INTO escalation.hazard (id, unit_id, found_by, found_at, grade, needs_recheck, rectify_deadline, rectified_at, rectified_by) OVERRIDING SYSTEM VALUE
					VALUES (800, 10, 2, pg_temp.at('0'), 'general', false, pg_temp.at('10 days'), pg_temp.at('1 day'), '张经理')$$,
	'23514', NULL, 'nor one rectified the next day');
SELECT lives_ok($$INSERT INTO escalation.hazard (id, unit_id, found_by, found_at, grade, needs_recheck, rectify_deadline, rectified_at, rectified_by) OVERRIDING SYSTEM VALUE
					VALUES (801, 10, 2, pg_temp.at('0'), 'general', false, pg_temp.at('10 days'), pg_temp.at('2 hours'), '张经理')$$,
	'one rectified on the spot is entered without re-inspection');

INSERT INTO escalation.hazard (id, unit_id, found_by, found_at, grade, needs_recheck, rectify_deadline) OVERRIDING SYSTEM VALUE VALUES
	(802, 10, 2, pg_temp.at('0'), 'general', true, pg_temp.at('10 days')),
	(803, 10, 2, pg_temp.at('0'), 'general', true, pg_temp.at('10 days')),
	(804, 10, 2, pg_temp.at('0'), 'general', true, pg_temp.at('10 days')),
	(805, 10, 2, pg_temp.at('0'), 'general', true, pg_temp.at('10 days'));
-- 802 rectified on day 5, 803 exactly at the deadline, 804 one second after it;
-- 805 never.
SELECT escalation.hazard_rectify(802, '张经理', NULL, pg_temp.at('5 days'));
SELECT escalation.hazard_rectify(803, '张经理', NULL, pg_temp.at('10 days'));

-- Step by step.
SELECT is(escalation.run(pg_temp.at('8 days') - interval '1 second'), 0::bigint, 'nothing is due before day 8');
SELECT is(escalation.run(pg_temp.at('8 days')), 1::bigint, 'on day 8, three days after its rectification, hazard 802 is due for re-inspection');
SELECT results_eq($$SELECT hazard_id::int, stage::int, failure::text, failure_label, addressee, addressee_department
					FROM escalation.hazard_overdue_warning ORDER BY hazard_id, stage$$,
	$$VALUES (802, 1, 'not_rechecked', '逾期未复查', 'department', 2::bigint)$$,
	'its warning is 逾期未复查, addressed to the department that found it');
SELECT is(escalation.run(pg_temp.at('10 days')), 2::bigint, 'at the deadline the unrectified hazards 804 and 805 climb');
SELECT escalation.hazard_rectify(804, '张经理', NULL, pg_temp.at('10 days 1 second'));
SELECT results_eq($$SELECT hazard_id::int, stage::int, failure_label, addressee FROM escalation.hazard_overdue_warning
					WHERE hazard_id IN (804, 805) ORDER BY hazard_id, stage$$,
	$$VALUES (804, 1, '逾期未整改', 'unit'), (805, 1, '逾期未整改', 'unit')$$,
	'they are 逾期未整改, addressed to the unit; a rectification one second late does not make it the department''s');
SELECT lives_ok($$SELECT escalation.run(pg_temp.at('13 days'))$$, 'a run on day 13');
SELECT results_eq($$SELECT hazard_id::int, stage::int, failure_label, started_at - pg_temp.at('0') FROM escalation.hazard_overdue_warning
					WHERE hazard_id IN (803, 804) ORDER BY hazard_id, stage$$,
	$$VALUES (803, 1, '逾期未复查', interval '13 days'), (804, 1, '逾期未整改', '10 days'), (804, 2, '逾期未整改', '10 days')$$,
	'a rectification exactly at the deadline is in time: its re-inspection is due 3 days later');
SELECT results_eq($$SELECT DISTINCT subject_id::int, kind_label FROM escalation.screen_warnings()
					WHERE kind = 'hazard_overdue' AND subject_id IN (803, 804) ORDER BY 1$$,
	$$VALUES (803, '一般隐患逾期未复查'), (804, '一般隐患逾期未整改')$$,
	'the screens label each by its failure: 逾期未复查 for the hazard rectified in time, 逾期未整改 for the other');
SELECT results_eq($$SELECT DISTINCT subject_id::int, kind_label FROM escalation.warning_events(0)
					WHERE kind = 'hazard_overdue' AND subject_id IN (803, 804) ORDER BY 1$$,
	$$VALUES (803, '一般隐患逾期未复查'), (804, '一般隐患逾期未整改')$$,
	'and so does the event stream the screen worker follows');
SELECT is((SELECT count(*) FROM escalation.warning WHERE subject_id = 801), 0::bigint,
	'the hazard rectified on the spot raises nothing');
SELECT lives_ok($$SELECT escalation.hazard_recheck(802, 2, true, NULL, NULL, NULL, pg_temp.at('13 days 1 hour'))$$, '802 is re-inspected');
SELECT lives_ok($$SELECT escalation.hazard_close(802, 2, NULL, pg_temp.at('13 days 2 hours'))$$, 'and closed');
SELECT lives_ok($$SELECT escalation.run(pg_temp.at('14 days'))$$, 'a run after closing');
SELECT results_eq($$SELECT stage::int, resolved_reason::text FROM escalation.warning WHERE subject_id = 802 ORDER BY stage$$,
	$$VALUES (1, 'closed'), (2, 'closed')$$, 'closing resolves its 逾期未复查 warnings');

-- The re-inspection deadline is rules data; catch-up after a change.
INSERT INTO escalation.hazard (id, unit_id, found_by, found_at, grade, needs_recheck, rectify_deadline) OVERRIDING SYSTEM VALUE VALUES
	(806, 10, 2, pg_temp.at('0'), 'general', true, pg_temp.at('20 days'));
SELECT escalation.hazard_rectify(806, '张经理', NULL, pg_temp.at('14 days'));
SELECT lives_ok($$INSERT INTO escalation.rule_limit_override (name, span) VALUES ('hazard_recheck_within', '5 days')$$,
	'the city gives departments 5 days to re-inspect');
SELECT is((SELECT min(due_at) - pg_temp.at('0') FROM escalation.stage_due WHERE kind = 'hazard_overdue' AND subject_id = 806),
	interval '19 days', 'the waiting stage of hazard 806 moves to 5 days after its rectification');
SELECT lives_ok($$SELECT escalation.run(pg_temp.at('30 days'))$$, 'one catch-up run on day 30');
SELECT results_eq($$SELECT stage::int, due_at - pg_temp.at('0'), failure_label FROM escalation.hazard_overdue_warning
					WHERE hazard_id = 806 ORDER BY stage$$,
	$$VALUES (1, interval '19 days', '逾期未复查'), (2, '22 days', '逾期未复查'), (3, '25 days', '逾期未复查')$$,
	'it raises every stage of the re-inspection ladder, each at its own due time');

SELECT * FROM finish();
ROLLBACK;
