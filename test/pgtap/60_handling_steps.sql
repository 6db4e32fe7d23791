-- Warning handling, logged in as each role: every warning gets its addressee
-- when raised (finder, supervision, territorial, or none); only the command
-- centre of a warning's screen signs, dispatches and reviews it (a street
-- user, a department user, the analyst, the city centre on a district
-- warning and another district's centre cannot); feedback comes only from
-- the department it was dispatched to; a return reopens the reply clock;
-- closing needs a reason while the item is unhandled, and handling never
-- resolves a warning; every step is an event; the timers mark overdue
-- warnings and the city may change them; the handling scorecard counts it
-- all per department and per district.
BEGIN;
CREATE EXTENSION IF NOT EXISTS escalation;
SELECT plan(55);
\ir fixtures/50_engine.sql

CREATE ROLE t60_lixia_centre LOGIN IN ROLE escalation_user, escalation_command_centre;
CREATE ROLE t60_shizhong_centre LOGIN IN ROLE escalation_user, escalation_command_centre;
CREATE ROLE t60_city_centre LOGIN IN ROLE escalation_user, escalation_command_centre;
CREATE ROLE t60_street LOGIN IN ROLE escalation_user;
CREATE ROLE t60_lixia_dept LOGIN IN ROLE escalation_user;
CREATE ROLE t60_analyst LOGIN IN ROLE escalation_analyst;
INSERT INTO escalation.user_region (role_name, region) VALUES
	('t60_lixia_centre', '370102'), ('t60_shizhong_centre', '370103'), ('t60_city_centre', '370100'),
	('t60_street', '370102001'), ('t60_lixia_dept', '370102');
INSERT INTO escalation.user_department (role_name, department_id) VALUES ('t60_lixia_dept', 2), ('t60_street', 3);
DO $grant$
DECLARE
	r text;
BEGIN
	FOREACH r IN ARRAY ARRAY['t60_lixia_centre', 't60_shizhong_centre', 't60_city_centre', 't60_street', 't60_lixia_dept', 't60_analyst'] LOOP
		EXECUTE format('GRANT SELECT, INSERT, UPDATE ON pg_temp.__tcache__ TO %I', r);
		EXECUTE format('GRANT USAGE ON ALL SEQUENCES IN SCHEMA pg_temp TO %I', r);
	END LOOP;
END
$grant$;

-- 大观园商贸 (district-level) is supervised by 市中区应急管理局; 历下化工
-- (city-level) has only its street as territorial department; 泉城机械 none.
INSERT INTO escalation.supervision_assignment (unit_id, department_id, supervision_type, period) VALUES
	(12, 4, 'industry_supervision', daterange('2024-01-01', NULL)),
	(11, 3, 'territorial', daterange('2024-01-01', NULL));

-- A hazard of 泉城机械 found by 历下区应急管理局, past its deadline (two
-- stages: the 历下区 screen, then the city's); expired licences of
-- 大观园商贸, 历下化工 and 泉城机械.
INSERT INTO escalation.hazard (id, unit_id, found_by, found_at, grade, needs_recheck, rectify_deadline)
OVERRIDING SYSTEM VALUE VALUES (601, 10, 2, now() - interval '10 days', 'general', true, now() - interval '5 days 12 hours');
INSERT INTO escalation.licence (id, unit_id, kind, valid_until) OVERRIDING SYSTEM VALUE VALUES
	(602, 12, '安全生产许可证', (now() - interval '2 days')::date),
	(603, 11, '危险化学品经营许可证', (now() - interval '2 days')::date),
	(604, 10, '安全生产许可证', (now() - interval '2 days')::date);
SELECT is(escalation.run(now()), 5::bigint, 'five stages are raised');

CREATE TEMP TABLE mark AS
SELECT max(id) AS last,
	max(id) FILTER (WHERE subject_id = 601 AND stage = 1) AS lixia,
	max(id) FILTER (WHERE subject_id = 601 AND stage = 2) AS city,
	max(id) FILTER (WHERE subject_id = 602) AS shizhong,
	max(id) FILTER (WHERE subject_id = 603) AS territorial,
	max(id) FILTER (WHERE subject_id = 604) AS nobody
FROM escalation.warning;
GRANT SELECT ON mark TO PUBLIC;

-- 1. The addressee, decided at raising.
SELECT results_eq(
	$$SELECT w.subject_id, w.stage::int, h.state::text, h.addressee_department_id, h.addressee_basis
	  FROM escalation.warning w JOIN escalation.warning_handling h ON h.warning_id = w.id ORDER BY w.subject_id, w.stage$$,
	$$VALUES (601::bigint, 1, 'raised', 2::bigint, 'finder'), (601, 2, 'raised', 2, 'finder'),
			 (602, 1, 'raised', 4, 'supervision'), (603, 1, 'raised', 3, 'territorial'), (604, 1, 'raised', NULL, 'none')$$,
	'hazards go to their finder, licences to the supervising department at the unit''s level, else the territorial one, else nobody');
SELECT results_eq(
	$$SELECT addressee_name, handling_state_label FROM escalation.screen_warning WHERE subject_id IN (602, 604) ORDER BY subject_id$$,
	$$VALUES ('市中区应急管理局', '未签收'), ('无承办部门', '未签收')$$,
	'the screen shows the addressee, or that there is none, and the state 未签收');

-- A hazard warning whose finder is gone goes to the unit's supervising department at the stage's level.
INSERT INTO escalation.warning (kind, subject_id, stage, screen, screen_region, action, due_at, unit_id, department_id, region)
VALUES ('hazard_overdue', 777, 1, 'district', '370103', 'supervise', now(), 12, 99999, '370103002');
SELECT results_eq(
	$$SELECT a.department_id, a.basis FROM escalation.warning_addressee a JOIN escalation.warning w ON w.id = a.warning_id
	  WHERE w.subject_id = 777$$,
	$$VALUES (4::bigint, 'supervision')$$, 'a hazard whose finding department is gone goes to the unit''s supervising department');
DELETE FROM escalation.warning WHERE subject_id = 777;

-- 2. Who may not sign.
SET ROLE t60_street;
SELECT throws_ok($$SELECT escalation.acknowledge((SELECT city FROM mark), '收到')$$, '42501',
	format('role "t60_street" cannot sign warning %s: it shows on the 市级大屏 of 济南市', (SELECT city FROM mark)),
	'a street official cannot sign a city-screen warning through acknowledge()');
SELECT throws_ok($$SELECT escalation.warning_sign((SELECT lixia FROM mark))$$, '42501',
	format('role "t60_street" cannot sign warning %s: it shows on the 区级大屏 of 历下区', (SELECT lixia FROM mark)),
	'nor a district-screen warning');
RESET ROLE;
SET ROLE t60_lixia_dept;
SELECT throws_ok($$SELECT escalation.warning_sign((SELECT lixia FROM mark))$$, '42501', NULL, 'a department user cannot sign');
RESET ROLE;
SET ROLE t60_analyst;
SELECT throws_ok($$SELECT escalation.warning_sign((SELECT lixia FROM mark))$$, '42501', NULL, 'the analyst cannot sign');
SELECT is((SELECT state::text FROM escalation.warning_handling WHERE warning_id = (SELECT lixia FROM mark)), 'raised',
	'but reads the handling state');
RESET ROLE;
SET ROLE t60_shizhong_centre;
SELECT throws_ok($$SELECT escalation.warning_sign((SELECT lixia FROM mark))$$, 'P0002',
	format('warning %s does not exist', (SELECT lixia FROM mark)), 'another district''s centre cannot sign (it does not see it)');
RESET ROLE;
SET ROLE t60_city_centre;
SELECT throws_ok($$SELECT escalation.warning_sign((SELECT lixia FROM mark))$$, '42501',
	format('role "t60_city_centre" cannot sign warning %s: it shows on the 区级大屏 of 历下区', (SELECT lixia FROM mark)),
	'the city centre cannot sign a district-screen warning');
SELECT throws_ok($$SELECT escalation.warning_dispatch((SELECT city FROM mark))$$, '55000',
	format('warning %s cannot be dispatched: it is raised', (SELECT city FROM mark)),
	'an unsigned warning cannot be dispatched');
SELECT cmp_ok(escalation.acknowledge((SELECT city FROM mark), '已通知'), '>', (SELECT last FROM mark),
	'the city centre signs its warning through acknowledge()');
RESET ROLE;
SELECT is((SELECT count(*) FROM escalation.warning_step), 1::bigint, 'the refused steps left nothing');

-- 3. The loop, by the 历下区 centre and the addressee department.
SET ROLE t60_lixia_centre;
SELECT cmp_ok(escalation.warning_sign((SELECT lixia FROM mark), '已签收'), '>', (SELECT last FROM mark), 'the 历下区 centre signs');
SELECT throws_ok($$SELECT escalation.warning_sign((SELECT lixia FROM mark))$$, '55000',
	format('warning %s is already signed', (SELECT lixia FROM mark)), 'a warning is signed once');
SELECT throws_ok($$SELECT escalation.warning_feedback((SELECT lixia FROM mark), '已整改')$$, '55000',
	format('warning %s cannot be answered: it is signed', (SELECT lixia FROM mark)), 'no feedback before a dispatch');
SELECT throws_ok($$SELECT escalation.warning_dispatch((SELECT lixia FROM mark), NULL, now() - interval '1 hour')$$, '22023',
	NULL, 'a reply deadline in the past is refused');
SELECT throws_ok($$SELECT escalation.warning_dispatch((SELECT lixia FROM mark), 987654)$$, '23503',
	'department 987654 does not exist', 'an unknown department is refused');
SELECT lives_ok($$SELECT escalation.warning_dispatch((SELECT lixia FROM mark), note => '请于三日内反馈')$$,
	'it dispatches to the addressee');
SELECT results_eq(
	$$SELECT state::text, signed_by::text COLLATE "default", dispatched_to, reply_due_at = now() + interval '3 days', dispatched_at = now()
	  FROM escalation.warning_handling WHERE warning_id = (SELECT lixia FROM mark)$$,
	$$VALUES ('dispatched', 't60_lixia_centre', 2::bigint, true, true)$$,
	'dispatched to 历下区应急管理局, reply due in the default three days');
SELECT throws_ok($$SELECT escalation.warning_dispatch((SELECT lixia FROM mark))$$, '55000', NULL, 'it is dispatched once');
SELECT throws_ok($$SELECT escalation.warning_feedback((SELECT lixia FROM mark), '已整改')$$, '42501',
	format('role "t60_lixia_centre" cannot answer warning %s: it was dispatched to department 历下区应急管理局', (SELECT lixia FROM mark)),
	'the centre cannot answer for the department');
RESET ROLE;
SET ROLE t60_street;
SELECT throws_ok($$SELECT escalation.warning_feedback((SELECT lixia FROM mark), '已整改')$$, '42501', NULL,
	'a user of another department cannot answer');
RESET ROLE;
SET ROLE t60_lixia_dept;
SELECT throws_ok($$SELECT escalation.warning_feedback((SELECT lixia FROM mark), ' ')$$, '22004',
	format('feedback on warning %s must say what was done', (SELECT lixia FROM mark)), 'feedback must say something');
SELECT lives_ok($$SELECT escalation.warning_feedback((SELECT lixia FROM mark), '已责令企业停用设备，整改中；附件：整改通知书-001.pdf')$$,
	'the addressee department answers');
SELECT throws_ok($$SELECT escalation.warning_review((SELECT lixia FROM mark), true, '同意')$$, '42501', NULL,
	'the department cannot review its own answer');
RESET ROLE;
SET ROLE t60_lixia_centre;
SELECT throws_ok($$SELECT escalation.warning_review((SELECT lixia FROM mark), true)$$, '22004',
	format('warning %s cannot be closed without a reason: its item is still unhandled', (SELECT lixia FROM mark)),
	'the item is unhandled: closing needs a reason');
SELECT throws_ok($$SELECT escalation.warning_review((SELECT lixia FROM mark), false)$$, '22004',
	format('returning warning %s needs a reason', (SELECT lixia FROM mark)), 'returning needs a reason');
SELECT throws_ok($$SELECT escalation.warning_review((SELECT lixia FROM mark), NULL, 'x')$$, '22004', NULL, 'a review needs a verdict');
SELECT lives_ok($$SELECT escalation.warning_review((SELECT lixia FROM mark), false, '未说明整改期限')$$, 'the centre returns it');
SELECT results_eq(
	$$SELECT state::text, accepted, reply_due_at = now() + interval '3 days', awaiting_reply FROM escalation.warning_handling
	  WHERE warning_id = (SELECT lixia FROM mark)$$,
	$$VALUES ('returned', false, true, true)$$, 'returned: the reply clock reopens');
RESET ROLE;
SET ROLE t60_lixia_dept;
SELECT lives_ok($$SELECT escalation.warning_feedback((SELECT lixia FROM mark), '整改期限为本月底，已立案调查')$$,
	'the department answers again');
RESET ROLE;
SET ROLE t60_lixia_centre;
SELECT lives_ok($$SELECT escalation.warning_review((SELECT lixia FROM mark), true, '已立案')$$, 'the centre closes it with a reason');
SELECT throws_ok($$SELECT escalation.warning_review((SELECT lixia FROM mark), true, 'x')$$, '55000', NULL, 'a closed warning is not reviewed again');
RESET ROLE;
SET ROLE t60_lixia_dept;
SELECT throws_ok($$SELECT escalation.warning_feedback((SELECT lixia FROM mark), 'x')$$, '55000', NULL, 'nor answered');
RESET ROLE;
SELECT results_eq(
	$$SELECT step::text, done_by::text COLLATE "default", department_id, accepted, note FROM escalation.warning_timeline((SELECT lixia FROM mark))$$,
	$$VALUES ('sign', 't60_lixia_centre', NULL::bigint, NULL::boolean, '已签收'),
			 ('dispatch', 't60_lixia_centre', 2, NULL, '请于三日内反馈'),
			 ('feedback', 't60_lixia_dept', 2, NULL, '已责令企业停用设备，整改中；附件：整改通知书-001.pdf'),
			 ('review', 't60_lixia_centre', NULL, false, '未说明整改期限'),
			 ('feedback', 't60_lixia_dept', 2, NULL, '整改期限为本月底，已立案调查'),
			 ('review', 't60_lixia_centre', NULL, true, '已立案')$$,
	'the timeline keeps every step with who did it');
SELECT results_eq($$SELECT state::text, resolved_at FROM escalation.warning_handling h JOIN escalation.warning w ON w.id = h.warning_id
	  WHERE w.id = (SELECT lixia FROM mark)$$,
	$$VALUES ('closed', NULL::timestamptz)$$, 'closed, but handling the warning did not resolve it');
SELECT results_eq(
	$$SELECT event, warning_id, handling_state::text FROM escalation.warning_events((SELECT last FROM mark)) ORDER BY event_id$$,
	$$SELECT 'acknowledged', city, 'signed' FROM mark UNION ALL SELECT 'acknowledged', lixia, 'closed' FROM mark
	  UNION ALL SELECT 'handled', lixia, 'closed' FROM mark, generate_series(1, 5)$$,
	'every step is an event of the stream, carrying the warning''s handling state');

-- 4. No addressee: the centre names the department.
SET ROLE t60_lixia_centre;
SELECT lives_ok($$SELECT escalation.warning_sign((SELECT nobody FROM mark))$$, 'the centre signs the licence warning');
SELECT throws_ok($$SELECT escalation.warning_dispatch((SELECT nobody FROM mark))$$, '22023',
	format('warning %s has no addressee', (SELECT nobody FROM mark)), 'with no addressee it must name a department');
SELECT lives_ok($$SELECT escalation.warning_dispatch((SELECT nobody FROM mark), 3, now() + interval '1 day')$$,
	'it dispatches to the street office with a deadline of its own');
RESET ROLE;
SET ROLE t60_street;
SELECT lives_ok($$SELECT escalation.warning_feedback((SELECT nobody FROM mark), '已督促企业换证')$$,
	'and the street office answers');
RESET ROLE;

-- 5. The timers.
UPDATE escalation.warning SET raised_at = now() - interval '25 hours' WHERE id = (SELECT shizhong FROM mark);
SELECT results_eq($$SELECT state::text, sign_overdue FROM escalation.warning_handling WHERE warning_id = (SELECT shizhong FROM mark)$$,
	$$VALUES ('raised', true)$$, 'unsigned a day after raising: overdue');
SELECT is((SELECT handling_overdue FROM escalation.screen_warning WHERE warning_id = (SELECT shizhong FROM mark)), true,
	'and the screen says so');
INSERT INTO escalation.handling_timer_override (timer, within) VALUES ('sign', '2 days'), ('reply', '5 days');
SELECT is((SELECT sign_overdue FROM escalation.warning_handling WHERE warning_id = (SELECT shizhong FROM mark)), false,
	'the city allows two days: no longer overdue');
SET ROLE t60_shizhong_centre;
SELECT lives_ok($$SELECT escalation.warning_sign((SELECT shizhong FROM mark)); SELECT escalation.warning_dispatch((SELECT shizhong FROM mark))$$,
	'the 市中区 centre signs and dispatches');
SELECT is((SELECT reply_due_at FROM escalation.warning_handling WHERE warning_id = (SELECT shizhong FROM mark)), now() + interval '5 days',
	'the default reply deadline follows the city''s timer');
RESET ROLE;
UPDATE escalation.warning_step SET reply_by = now() - interval '1 minute' WHERE warning_id = (SELECT shizhong FROM mark) AND step = 'dispatch';
SELECT results_eq($$SELECT reply_overdue, handling_overdue FROM escalation.warning_handling h
	  JOIN escalation.screen_warning s USING (warning_id) WHERE warning_id = (SELECT shizhong FROM mark)$$,
	$$VALUES (true, true)$$, 'past the reply deadline: overdue, on the screen too');
SELECT is(escalation.run(now()), 1::bigint, 'the reply deadline passed unanswered: the engine raises one warning');
SELECT results_eq($$SELECT w.kind::text, w.screen::text, a.department_id
	  FROM escalation.warning w JOIN escalation.warning_addressee a ON a.warning_id = w.id WHERE w.kind::text LIKE 'handling%'$$,
	$$VALUES ('handling_reply', 'city', 4::bigint)$$,
	'the reply timer''s, on the city screen, addressed to 市中区应急管理局 that did not answer');

-- 6. The scorecard, with the shipped sign timer again: 市中区 signed after 25 hours, late.
DELETE FROM escalation.handling_timer_override WHERE timer = 'sign';
SELECT results_eq(
	$$SELECT department_id, addressed, signed, signed_on_time, dispatched, answered, answered_on_time, returned, closed,
			 median_hours_to_sign, median_hours_to_answer
	  FROM escalation.handling_scorecard(escalation.local_day(now()) - 2, escalation.local_day(now()))$$,
	$$VALUES (2::bigint, 2::bigint, 2::bigint, 2::bigint, 1::bigint, 1::bigint, 1::bigint, 1::bigint, 1::bigint, 0.0, 0.0),
			 (3, 1, 0, 0, 0, 0, 0, 0, 0, NULL, NULL),
			 (4, 2, 1, 0, 1, 0, 0, 0, 0, 25.0, NULL),
			 (NULL, 1, 1, 1, 1, 1, 1, 0, 0, 0.0, 0.0)$$,
	'per addressee department: addressed (the reply timer''s warning too), signed (on time), dispatched, answered (on time), returned, closed, medians');
SELECT results_eq(
	$$SELECT district::text, district_name, addressed, signed_on_time
	  FROM escalation.handling_scorecard(escalation.local_day(now()) - 2, escalation.local_day(now()), false)$$,
	$$VALUES ('370102', '历下区', 4::bigint, 3::bigint), ('370103', '市中区', 2::bigint, 0::bigint)$$,
	'per district (the reply timer''s warning counts for the department that did not answer)');
SET ROLE t60_lixia_centre;
SELECT results_eq(
	$$SELECT department_id, addressed FROM escalation.handling_scorecard(escalation.local_day(now()) - 2, escalation.local_day(now()))$$,
	$$VALUES (2::bigint, 2::bigint), (3, 1), (NULL, 1)$$,
	'a district sees the lines of its own warnings only');
RESET ROLE;
SELECT throws_ok($$SELECT * FROM escalation.handling_scorecard(current_date, current_date - 1)$$, '22023', NULL,
	'a period that ends before it starts is refused');

SELECT * FROM finish();
ROLLBACK;
