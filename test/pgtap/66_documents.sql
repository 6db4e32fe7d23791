-- Documents (公文): the engine issues a supervision order for exactly the
-- stages whose action is 督办, in the run that raises them, numbered gapless
-- per issuing office and year across a catch-up and a rolled-back run; a rerun
-- issues nothing; the city raises a counter but never lowers it; an issued order
-- keeps what it says; only the addressee department replies, once, and a reply
-- to a dispatched warning is its feedback. A circular lists exactly the 通报
-- stages raised in its period and the orders left unanswered past their
-- deadline, grouped by district and department; only the city's command centre
-- (or an administrator) issues it; bad periods and roles fail with their
-- SQLSTATE and change nothing; an issued circular cannot be changed, a
-- correction is a new circular naming it. Interviews and cautions are recorded
-- by an office within its region; the document scorecard counts it all.
BEGIN;
CREATE EXTENSION IF NOT EXISTS escalation;
SELECT plan(66);
\ir fixtures/50_engine.sql

-- The offices: the city's and 历下区's have short names; 市中区 has none.
INSERT INTO escalation.department (id, name, level, region, kind) OVERRIDING SYSTEM VALUE VALUES
	(5, '济南市安委会办公室', 'city', '370100', 'safety_committee_office'),
	(6, '历下区安委会办公室', 'district', '370102', 'safety_committee_office');
INSERT INTO escalation.document_office (department_id, short_name) VALUES (5, '济安办'), (6, '历下安办');

CREATE ROLE t66_city_centre LOGIN IN ROLE escalation_user, escalation_command_centre;
CREATE ROLE t66_lixia_centre LOGIN IN ROLE escalation_user, escalation_command_centre;
CREATE ROLE t66_lixia_dept LOGIN IN ROLE escalation_user;
CREATE ROLE t66_shizhong_dept LOGIN IN ROLE escalation_user;
CREATE ROLE t66_analyst LOGIN IN ROLE escalation_analyst;
INSERT INTO escalation.user_region (role_name, region) VALUES
	('t66_city_centre', '370100'), ('t66_lixia_centre', '370102'), ('t66_lixia_dept', '370102'), ('t66_shizhong_dept', '370103');
INSERT INTO escalation.user_department (role_name, department_id) VALUES ('t66_lixia_dept', 2), ('t66_shizhong_dept', 4);
DO $grant$
DECLARE
	r text;
BEGIN
	FOREACH r IN ARRAY ARRAY['t66_city_centre', 't66_lixia_centre', 't66_lixia_dept', 't66_shizhong_dept', 't66_analyst'] LOOP
		EXECUTE format('GRANT SELECT, INSERT, UPDATE ON pg_temp.__tcache__ TO %I', r);
		EXECUTE format('GRANT USAGE ON ALL SEQUENCES IN SCHEMA pg_temp TO %I', r);
	END LOOP;
END
$grant$;

-- A hazard of 泉城机械 found by 历下区应急管理局, a week past its deadline
-- (历下区 督办, city 督办, city 通报); expired licences of 大观园商贸
-- (市中区 督办: no office there) and 历下化工 (city 督办).
INSERT INTO escalation.hazard (id, unit_id, found_by, found_at, grade, needs_recheck, rectify_deadline, description)
OVERRIDING SYSTEM VALUE VALUES (601, 10, 2, now() - interval '10 days', 'general', true, now() - interval '7 days', '配电箱未接地');
INSERT INTO escalation.licence (id, unit_id, kind, valid_until) OVERRIDING SYSTEM VALUE VALUES
	(602, 12, '安全生产许可证', (now() - interval '2 days')::date),
	(603, 11, '危险化学品经营许可证', (now() - interval '2 days')::date);
CREATE TEMP TABLE yr AS SELECT extract(year FROM escalation.local_day(now()))::int AS y;
GRANT SELECT ON yr TO PUBLIC;

-- 1. Orders, issued by the engine's runs: a catch-up to 3½ days ago, a run rolled back, the run to now.
SELECT is(escalation.run(now() - interval '3 days 12 hours'), 2::bigint, 'the catch-up run raises the hazard''s two 督办 stages');
SELECT results_eq(
	$$SELECT o.number, o.issued_by, o.addressee_department_id, o.issuing_level::text FROM escalation.supervision_order o
	  JOIN escalation.warning w ON w.id = o.warning_id ORDER BY w.id$$,
	$$SELECT * FROM (VALUES (format('历下安办督〔%s〕1号', (SELECT y FROM yr)), 6::bigint, 2::bigint, 'district'),
							(format('济安办督〔%s〕1号', (SELECT y FROM yr)), 5, 2, 'city')) v$$,
	'each 督办 stage has its order from the office of its screen, numbered 1 there, addressed to the warning''s addressee');
SAVEPOINT before_run;
SELECT is(escalation.run(now()), 3::bigint, 'a run that will be rolled back raises three stages');
SELECT is((SELECT last_number FROM escalation.document_sequence WHERE office_id = 5 AND series = 'order'), 2,
	'and takes the city''s number 2');
ROLLBACK TO SAVEPOINT before_run;
SELECT is((SELECT last_number FROM escalation.document_sequence WHERE office_id = 5 AND series = 'order'), 1,
	'rolled back, the counter is back at 1');
SELECT is(escalation.run(now()), 3::bigint, 'the run to now raises the 通报 stage and the two licences'' 督办 stages');
SELECT results_eq(
	$$SELECT w.subject_id, w.stage::int, o.number FROM escalation.supervision_order o
	  JOIN escalation.warning w ON w.id = o.warning_id ORDER BY w.id$$,
	$$SELECT * FROM (VALUES (601::bigint, 1, format('历下安办督〔%s〕1号', (SELECT y FROM yr))),
							(601, 2, format('济安办督〔%s〕1号', (SELECT y FROM yr))),
							(602, 1, NULL),
							(603, 1, format('济安办督〔%s〕2号', (SELECT y FROM yr)))) v$$,
	'the city''s next order is 2 (no gap from the rolled-back run); 市中区 has no office, so its order has no number');
SELECT set_eq($$SELECT warning_id FROM escalation.supervision_order$$,
	$$SELECT id FROM escalation.warning WHERE action = 'supervise'$$, 'an order exists for exactly the 督办 stages');
SELECT is_empty($$
	SELECT issued_by, year FROM escalation.supervision_order WHERE number IS NOT NULL GROUP BY issued_by, year
	HAVING min(sequence) <> 1 OR max(sequence) <> count(*) OR count(DISTINCT sequence) <> count(*)$$,
	'numbers are 1..n per office and year');
SELECT is(escalation.run(now()), 0::bigint, 'a rerun raises nothing');
SELECT is((SELECT count(*) FROM escalation.supervision_order), 4::bigint, 'and issues nothing');
SELECT results_eq(
	$$SELECT reply_due_at = issued_at + interval '3 days', issued_at = raised_at, title, items
	  FROM escalation.supervision_order o JOIN escalation.warning w ON w.id = o.warning_id
	  WHERE w.subject_id = 601 AND w.stage = 1$$,
	$$VALUES (true, true, '关于济南泉城机械有限公司一般隐患逾期未整改问题的督办单',
			  '济南泉城机械有限公司一般隐患逾期未整改：配电箱未接地，发现于' || escalation.document_date(now() - interval '10 days')
			  || '，整改期限' || escalation.document_date(now() - interval '7 days'))$$,
	'issued when raised, reply due three days later, with title and item');

SELECT results_eq(
	$$SELECT p.number, p.addressee_name, p.state_label, p.ladder, p.overdue_text, p.overdue_days
	  FROM escalation.supervision_order o JOIN escalation.warning w ON w.id = o.warning_id,
		escalation.supervision_order_page(o.id) p WHERE w.subject_id = 601 AND w.stage = 2$$,
	$$SELECT format('济安办督〔%s〕1号', (SELECT y FROM yr)), '历下区应急管理局', '待回复',
		format('%1$s区级督办（历下安办督〔%3$s〕1号） → %2$s市级督办（济安办督〔%3$s〕1号）',
			   to_char(now() - interval '7 days', 'FMMM"月"FMDD"日"'), to_char(now() - interval '4 days', 'FMMM"月"FMDD"日"'),
			   (SELECT y FROM yr)),
		'逾期' || escalation.document_duration((SELECT o.issued_at - w.started_at FROM escalation.supervision_order o
			JOIN escalation.warning w ON w.id = o.warning_id WHERE w.subject_id = 601 AND w.stage = 2)), 7$$,
	'the printed order gives the ladder''s history up to it and how long the item was overdue');

-- The counter: the city raises it, never lowers it; the reply deadline is rules data.
UPDATE escalation.document_sequence SET last_number = 16 WHERE office_id = 5 AND series = 'order';
SELECT throws_ok($$UPDATE escalation.document_sequence SET last_number = 3 WHERE office_id = 5 AND series = 'order'$$,
	'55000', format('the counter of office 5, series order and year %s cannot go back from 16 to 3', (SELECT y FROM yr)),
	'a counter cannot go back');
INSERT INTO escalation.rule_limit_override (name, span) VALUES ('supervision_order_reply_within', '5 days');
INSERT INTO escalation.warning (kind, subject_id, stage, screen, screen_region, action, due_at, raised_at, unit_id, department_id, region)
VALUES ('hazard_overdue', 888, 1, 'city', '370100', 'supervise', now() - interval '8 days', now() - interval '8 days', 12, 4, '370103002');
UPDATE escalation.warning SET district = '370103' WHERE subject_id = 888;
SELECT results_eq(
	$$SELECT number, reply_due_at - issued_at FROM escalation.supervision_order o JOIN escalation.warning w ON w.id = o.warning_id
	  WHERE w.subject_id = 888$$,
	$$SELECT format('济安办督〔%s〕17号', (SELECT y FROM yr)), interval '5 days'$$,
	'a 督办 warning entered by hand gets the number after the raised counter and the city''s reply deadline');
SELECT throws_ok($$UPDATE escalation.supervision_order SET items = '无' WHERE number IS NOT NULL$$, '55000', NULL,
	'an issued order keeps what it says');

-- 2. Replies.
CREATE TEMP TABLE mark AS
SELECT max(o.id) FILTER (WHERE w.subject_id = 601 AND w.stage = 1) AS lixia,
	max(o.id) FILTER (WHERE w.subject_id = 601 AND w.stage = 2) AS city,
	max(w.id) FILTER (WHERE w.subject_id = 601 AND w.stage = 1) AS lixia_warning
FROM escalation.supervision_order o JOIN escalation.warning w ON w.id = o.warning_id;
GRANT SELECT ON mark TO PUBLIC;
SET ROLE t66_shizhong_dept;
SELECT throws_ok($$SELECT escalation.supervision_order_reply((SELECT lixia FROM mark), '已整改')$$, 'P0002', NULL,
	'another district''s department does not see the order');
RESET ROLE;
SET ROLE t66_lixia_centre;
SELECT throws_ok($$SELECT escalation.supervision_order_reply((SELECT lixia FROM mark), '已整改')$$, '42501',
	format('role "t66_lixia_centre" cannot answer supervision order %s (历下安办督〔%s〕1号): it is addressed to 历下区应急管理局',
		   (SELECT lixia FROM mark), (SELECT y FROM yr)),
	'the centre cannot answer for the addressee');
SELECT lives_ok($$SELECT escalation.warning_sign((SELECT lixia_warning FROM mark)), escalation.warning_dispatch((SELECT lixia_warning FROM mark))$$,
	'the 历下区 centre signs and dispatches the warning to its addressee');
RESET ROLE;
SET ROLE t66_lixia_dept;
SELECT throws_ok($$SELECT escalation.supervision_order_reply((SELECT lixia FROM mark), '  ')$$, '22004', NULL,
	'a blank reply is refused');
SELECT is(escalation.supervision_order_reply((SELECT lixia FROM mark), '已督促整改，正在复查'), now(), 'the addressee replies');
SELECT results_eq(
	$$SELECT h.state::text, o.reply, o.replied_by::text COLLATE "default" FROM escalation.supervision_order o
	  JOIN escalation.warning_handling h ON h.warning_id = o.warning_id WHERE o.id = (SELECT lixia FROM mark)$$,
	$$VALUES ('answered', '已督促整改，正在复查', 't66_lixia_dept')$$,
	'the reply to a dispatched warning is its feedback');
SELECT throws_ok($$SELECT escalation.supervision_order_reply((SELECT lixia FROM mark), '再次回复')$$, '55000',
	format('supervision order %s (历下安办督〔%s〕1号) is already answered', (SELECT lixia FROM mark), (SELECT y FROM yr)),
	'an order is answered once');
SELECT is(escalation.supervision_order_reply((SELECT city FROM mark), '已部署'), now(), 'the addressee answers the city''s order');
SELECT is((SELECT state::text FROM escalation.warning_handling h JOIN escalation.supervision_order o ON o.warning_id = h.warning_id
		   WHERE o.id = (SELECT city FROM mark)), 'raised', 'of a warning not dispatched: the order alone is answered');
RESET ROLE;

-- 3. Circulars. An order answered in time, one whose item was handled before its deadline, a 通报 stage of long ago.
INSERT INTO escalation.warning (kind, subject_id, stage, screen, screen_region, action, due_at, raised_at, resolved_at,
	resolved_reason, unit_id, department_id, region, district)
VALUES ('hazard_overdue', 889, 1, 'city', '370100', 'supervise', now() - interval '9 days', now() - interval '9 days',
		now() - interval '6 days', 'closed', 12, 4, '370103002', '370103'),
	   ('hazard_overdue', 890, 3, 'city', '370100', 'circulate', now() - interval '20 days', now() - interval '20 days',
		NULL, NULL, 12, 4, '370103002', '370103');
SET ROLE t66_lixia_centre;
SELECT throws_ok($$SELECT escalation.circular_issue()$$, '42501', NULL, 'a district centre cannot issue a circular');
RESET ROLE;
SET ROLE t66_lixia_dept;
SELECT throws_ok($$SELECT escalation.circular_issue()$$, '42501', NULL, 'nor a department');
RESET ROLE;
SET ROLE t66_analyst;
SELECT throws_ok($$SELECT escalation.circular_issue()$$, '42501', NULL, 'nor the analyst');
RESET ROLE;
SET ROLE t66_city_centre;
SELECT throws_ok($$SELECT escalation.circular_issue('empty')$$, '22023', NULL, 'an empty period is refused');
SELECT throws_ok($$SELECT escalation.circular_issue(tstzrange(now() - interval '7 days', NULL))$$, '22023',
	NULL, 'an unbounded period is refused');
SELECT throws_ok($$SELECT escalation.circular_issue(tstzrange(now() - interval '7 days', now() + interval '1 day'))$$, '22008',
	NULL, 'a period reaching into the future is refused');
SELECT throws_ok($$SELECT escalation.circular_issue(tstzrange(now() - interval '7 days', statement_timestamp() + interval '1 minute'))$$,
	'22023', NULL, 'even by less than the clock skew');
SELECT throws_ok($$SELECT escalation.circular_issue(tstzrange('1900-01-01', '1900-01-08'))$$, '22008',
	NULL, 'a period before the platform''s history is refused');
SELECT is((SELECT count(*) FROM escalation.circular), 0::bigint, 'the refused calls issued nothing');
SELECT is((SELECT count(*) FROM escalation.document_sequence WHERE series = 'circular'), 0::bigint, 'and took no number');
SELECT ok(escalation.circular_issue() IS NOT NULL, 'the city''s centre issues the circular of the past week');
RESET ROLE;
CREATE TEMP TABLE c1 AS SELECT * FROM escalation.circular;
GRANT SELECT ON c1 TO PUBLIC;
SELECT results_eq($$SELECT number, issued_by, upper(period) = issued_at, upper(period) - lower(period), corrects FROM c1$$,
	$$SELECT format('济安办通〔%s〕1号', (SELECT y FROM yr)), 5::bigint, true, interval '7 days', NULL::bigint$$,
	'numbered 1 by the city office, covering the week before it');
SELECT set_eq($$SELECT warning_id FROM escalation.circular_item WHERE reason = 'circulate'$$,
	$$SELECT w.id FROM escalation.warning w, c1 WHERE w.action = 'circulate' AND w.raised_at <@ c1.period$$,
	'it lists exactly the 通报 stages raised in its period');
SELECT results_eq(
	$$SELECT w.subject_id, i.reason, i.district_name, i.department_name, i.item_no FROM escalation.circular_item i
	  JOIN escalation.warning w ON w.id = i.warning_id ORDER BY i.item_no$$,
	$$VALUES (601::bigint, 'circulate', '历下区', '历下区应急管理局', 1), (888, 'order_overdue', '市中区', '市中区应急管理局', 2)$$,
	'and the orders unanswered past a deadline in it (not those whose item was handled first), by district and department');
SELECT results_eq(
	$$SELECT i.ladder, i.overdue_by >= interval '7 days', i.handled_at FROM escalation.circular_item i
	  JOIN escalation.warning w ON w.id = i.warning_id WHERE w.subject_id = 601$$,
	$$SELECT format('%1$s区级督办（历下安办督〔%4$s〕1号） → %2$s市级督办（济安办督〔%4$s〕1号） → %3$s市级通报',
				  to_char(now() - interval '7 days', 'FMMM"月"FMDD"日"'), to_char(now() - interval '4 days', 'FMMM"月"FMDD"日"'),
				  to_char(now() - interval '1 day', 'FMMM"月"FMDD"日"'), (SELECT y FROM yr)), true, NULL::timestamptz$$,
	'an item carries the history of its ladder (the day each stage fell due, the orders'' numbers), and how long it is overdue');
SELECT is(escalation.circular_issue(), NULL, 'a circular issued right after finds nothing new: no circular, no number');
SELECT is((SELECT last_number FROM escalation.document_sequence WHERE series = 'circular'), 1, 'the counter stays at 1');
SELECT throws_ok($$SELECT escalation.circular_issue(tstzrange(now() - interval '10 days', now() - interval '5 days'))$$,
	'23P01', NULL, 'a period overlapping an issued circular is refused');

-- Issued circulars cannot be changed; a correction names the one it corrects.
SELECT throws_ok($$UPDATE escalation.circular SET title = '改'$$, '55000',
	format('circular %s (济安办通〔%s〕1号) is issued and cannot be changed', (SELECT id FROM c1), (SELECT y FROM yr)),
	'an issued circular cannot be changed');
SELECT throws_ok($$DELETE FROM escalation.circular_item$$, '55000', NULL, 'nor its items deleted');
SELECT throws_ok($$DELETE FROM escalation.circular$$, '55000', NULL, 'nor the circular');
SELECT throws_ok($$DELETE FROM escalation.warning WHERE subject_id = 888$$, '23503', NULL,
	'nor a warning it lists');
SET ROLE t66_lixia_centre;
SELECT throws_ok($$SELECT escalation.circular_correct((SELECT id FROM c1), '数据有误')$$, '42501', NULL,
	'a district centre cannot correct it');
RESET ROLE;
SET ROLE t66_city_centre;
SELECT throws_ok($$SELECT escalation.circular_correct((SELECT id FROM c1), ' ')$$, '22004', NULL, 'a correction needs a reason');
SELECT ok(escalation.circular_correct((SELECT id FROM c1), '事项单位名称有误') IS NOT NULL, 'the city centre corrects it');
SELECT throws_ok($$SELECT escalation.circular_correct((SELECT id FROM c1), '再次更正')$$, '55000', NULL,
	'a circular is corrected once (the correction is corrected next)');
RESET ROLE;
SELECT results_eq(
	$$SELECT c.number, c.corrects, c.period = c1.period, c.correction_reason,
		(SELECT count(*) FROM escalation.circular_item i WHERE i.circular_id = c.id)
	  FROM escalation.circular c, c1 WHERE c.corrects IS NOT NULL$$,
	$$SELECT format('济安办通〔%s〕2号', (SELECT y FROM yr)), (SELECT id FROM c1), true, '事项单位名称有误', 2::bigint$$,
	'the correction is numbered 2, names the circular it corrects, covers its period and lists its items again');

-- 4. Interviews and cautions.
SET ROLE t66_lixia_centre;
SELECT throws_ok($$SELECT escalation.admonition_record('caution', 5, NULL, 10, '多次逾期')$$, '42501', NULL,
	'a district centre cannot record for the city office');
SELECT throws_ok($$SELECT escalation.admonition_record('caution', 6, 4, NULL, '多次逾期')$$, '22023', NULL,
	'nor against a department of another district');
SELECT throws_ok($$SELECT escalation.admonition_record('reprimand', 6, NULL, 10, '多次逾期')$$, '22023', NULL,
	'the kind is interview or caution');
SELECT throws_ok($$SELECT escalation.admonition_record('caution', 6, NULL, 10, '多次逾期', now() + interval '1 day')$$, '22008', NULL,
	'a caution in the future is refused');
SELECT ok(escalation.admonition_record('caution', 6, NULL, 10, '隐患逾期未整改', now(),
		  ARRAY[(SELECT lixia_warning FROM mark)]) IS NOT NULL, 'the 历下区 centre cautions 泉城机械 for its warning');
RESET ROLE;
SET ROLE t66_city_centre;
SELECT ok(escalation.admonition_record('interview', 5, 2, NULL, '通报事项逾期', now(), '{}', ARRAY[(SELECT id FROM c1)]) IS NOT NULL,
	'the city centre interviews 历下区应急管理局 for the circular');
RESET ROLE;
SELECT results_eq($$SELECT a.kind, b.warning_id IS NOT NULL, b.circular_id IS NOT NULL FROM escalation.admonition a
	JOIN escalation.admonition_basis b ON b.admonition_id = a.id ORDER BY a.id$$,
	$$VALUES ('caution', true, false), ('interview', false, true)$$, 'each is linked to what led to it');

-- 5. The scorecard and what analysts read.
SELECT results_eq(
	$$SELECT department_id, orders_received, orders_answered, orders_answered_on_time, orders_overdue, circular_items, circulars, interviews, cautions
	  FROM escalation.document_scorecard(escalation.local_day(now()) - 10, escalation.local_day(now()))
	  WHERE department_id = 2$$,
	$$VALUES (2::bigint, 2::bigint, 2::bigint, 2::bigint, 0::bigint, 1::bigint, 1::bigint, 1::bigint, 0::bigint)$$,
	'per department: orders received and answered on time, items in the circulars in force, interviews');
SELECT results_eq(
	$$SELECT district::text, orders_received, orders_overdue, circular_items, interviews, cautions
	  FROM escalation.document_scorecard(escalation.local_day(now()) - 10, escalation.local_day(now()), false) ORDER BY district$$,
	$$VALUES ('370102', 3::bigint, 0::bigint, 1::bigint, 1::bigint, 1::bigint), ('370103', 3, 1, 1, 0, 0)$$,
	'per district: a unit''s caution counts for its district');
SELECT throws_ok($$SELECT * FROM escalation.document_scorecard(current_date, current_date - 1)$$, '22023', NULL,
	'a period that ends before it starts is refused');
SET ROLE t66_analyst;
SELECT is((SELECT count(*) FROM escalation.supervision_order_analyst), 6::bigint, 'the analyst reads every order');
SELECT is((SELECT string_agg(reason, ',' ORDER BY item_no) FROM escalation.circular_item_analyst
		   WHERE circular_id = (SELECT id FROM c1)), 'circulate,order_overdue', 'and the circulars'' items');
RESET ROLE;
SET ROLE t66_lixia_dept;
SELECT is((SELECT count(*) FROM escalation.supervision_order), 3::bigint, 'a district user reads the orders of its district');
SELECT is((SELECT count(*) FROM escalation.circular), 2::bigint, 'and every circular: they are published city-wide');
RESET ROLE;

SELECT * FROM finish();
ROLLBACK;
