-- What the screens read, and who may read it: screen_warning shows one row per
-- item and screen at its latest stage, with Chinese labels, names, days
-- overdue and the escalated mark; warning_events() returns raised, resolved
-- and acknowledged events in event order after a given id; the screen role
-- reads these and nothing else; a district's command centre sees and
-- acknowledges only the warnings of the district; run() is for the city office.
BEGIN;
CREATE EXTENSION IF NOT EXISTS escalation;
SELECT plan(39);
\ir fixtures/50_engine.sql

CREATE ROLE t57_screen LOGIN IN ROLE escalation_screen;
CREATE ROLE t57_lixia LOGIN IN ROLE escalation_user, escalation_command_centre;
CREATE ROLE t57_shizhong LOGIN IN ROLE escalation_user;
CREATE ROLE t57_analyst LOGIN IN ROLE escalation_analyst;
INSERT INTO escalation.user_region (role_name, region) VALUES ('t57_lixia', '370102'), ('t57_shizhong', '370103');
DO $grant$
DECLARE
	r text;
BEGIN
	FOREACH r IN ARRAY ARRAY['t57_screen', 't57_lixia', 't57_shizhong', 't57_analyst'] LOOP
		EXECUTE format('GRANT SELECT, INSERT, UPDATE ON pg_temp.__tcache__ TO %I', r);
		EXECUTE format('GRANT USAGE ON ALL SEQUENCES IN SCHEMA pg_temp TO %I', r);
	END LOOP;
END
$grant$;

-- A hazard in 历下区 five and a half days past its deadline (two stages), a
-- licence in 市中区 expired a day ago (one stage).
INSERT INTO escalation.hazard (id, unit_id, found_by, found_at, grade, needs_recheck, rectify_deadline) OVERRIDING SYSTEM VALUE
VALUES (901, 10, 2, now() - interval '10 days', 'general', true, now() - interval '5 days 12 hours');
INSERT INTO escalation.licence (id, unit_id, kind, valid_until) OVERRIDING SYSTEM VALUE
VALUES (902, 12, '安全生产许可证', (now() - interval '2 days')::date);
SELECT is(escalation.run(now()), 3::bigint, 'three stages are due');

SELECT results_eq(
	$$SELECT kind::text, kind_label, stage::int, top_stage::int, screen::text, screen_label, screen_region::text, screen_region_name,
			 district_name, street_name, unit_name, department_name, action_label, days_overdue, escalated
	  FROM escalation.screen_warning WHERE subject_id = 901 ORDER BY screen DESC$$,
	$$VALUES ('hazard_overdue', '一般隐患逾期未整改', 1, 2, 'district', '区级大屏', '370102', '历下区', '历下区', '解放路街道',
			  '济南泉城机械有限公司', '历下区应急管理局', '督办', 5, true),
			 ('hazard_overdue', '一般隐患逾期未整改', 2, 2, 'city', '市级大屏', '370100', '济南市', '历下区', '解放路街道',
			  '济南泉城机械有限公司', '历下区应急管理局', '督办', 5, false)$$,
	'the district screen keeps the hazard marked as escalated; the city screen shows its stage 2; labels and names in Chinese');
SELECT results_eq(
	$$SELECT kind_label, stage::int, screen_region::text, district_name, action_label, escalated FROM escalation.screen_warning WHERE subject_id = 902$$,
	$$VALUES ('安全生产许可证件逾期', 1, '370103', '市中区', '督办', false)$$,
	'the licence shows on the 市中区 screen');

-- One screen at a time, as the worker asks: the same rows as the view filtered.
SELECT results_eq(
	$$SELECT subject_id, stage::int, top_stage::int, screen::text, days_overdue, escalated
	  FROM escalation.screen_warnings('370100') ORDER BY subject_id$$,
	$$VALUES (901::bigint, 2, 2, 'city', 5, false)$$,
	'the city screen alone: the hazard at stage 2, overdue since its first stage on the district screen');
SELECT results_eq(
	$$SELECT subject_id, stage::int, screen::text, escalated FROM escalation.screen_warnings('370102') ORDER BY screen DESC$$,
	$$VALUES (901::bigint, 1, 'district', true), (901::bigint, 2, 'city', false)$$,
	'the 历下区 screen alone: its hazard, and the hazard on the city screen');
SELECT is_empty(
	$$SELECT v.s, d.* FROM (VALUES ('370100'), ('370102'), ('370103'), ('370104')) v (s),
		LATERAL ((SELECT * FROM escalation.screen_warnings(v.s::escalation.region)
				  EXCEPT ALL SELECT * FROM escalation.screen_warning WHERE screen_region::text = v.s OR district::text = v.s)
				 UNION ALL
				 (SELECT * FROM escalation.screen_warning WHERE screen_region::text = v.s OR district::text = v.s
				  EXCEPT ALL SELECT * FROM escalation.screen_warnings(v.s::escalation.region))) d$$,
	'for the city and each district, screen_warnings(screen) is the view''s rows of that screen');
SELECT throws_ok($$SELECT * FROM escalation.screen_warnings('370102001')$$, '22023', 'not a screen: 370102001',
	'a street is not a screen');

-- The event stream.
SELECT results_eq($$SELECT event, warning_id, event_id = warning_id FROM escalation.warning_events(0) ORDER BY event_id$$,
	$$SELECT 'raised', id, true FROM escalation.warning ORDER BY id$$, 'every warning raised is an event, numbered by its id');
SELECT results_eq(
	$$SELECT subject_id, stage::int, started_at = h.rectify_deadline, first_due_at = h.rectify_deadline, due_at > first_due_at
	  FROM escalation.warning_events(0) e JOIN escalation.hazard h ON h.id = e.subject_id ORDER BY stage$$,
	$$VALUES (901::bigint, 1, true, true, false), (901::bigint, 2, true, true, true)$$,
	'an event gives the item''s episode start and first due time: stage 2 of the hazard says it has been overdue since stage 1');
SELECT is((SELECT count(*) FROM escalation.warning_events(0, 2)), 2::bigint, 'max_rows limits a page');
SELECT is((SELECT count(*) FROM escalation.warning_events((SELECT max(id) FROM escalation.warning))), 0::bigint,
	'nothing after the last event');
SELECT throws_ok($$SELECT * FROM escalation.warning_events(NULL)$$, '22004', 'after must not be null', 'after is required');
SELECT throws_ok($$SELECT * FROM escalation.warning_events(0, 0)$$, '22023', 'max_rows must be between 1 and 100000: 0',
	'a page has at least one row');

CREATE TEMP TABLE mark AS
SELECT max(id) AS last,
	max(id) FILTER (WHERE subject_id = 901 AND stage = 1) AS lixia,
	max(id) FILTER (WHERE subject_id = 902) AS shizhong
FROM escalation.warning;
GRANT SELECT ON mark TO t57_lixia, t57_screen;

-- A district's command centre: only the district's warnings, and only those to acknowledge.
SET ROLE t57_lixia;
SELECT is((SELECT count(*) FROM escalation.warning), 2::bigint, 'the 历下区 official sees the two warnings of 历下区');
SELECT is((SELECT count(*) FROM escalation.screen_warning), 2::bigint, 'and the two screen rows of its item');
SELECT throws_ok($$SELECT escalation.acknowledge((SELECT shizhong FROM mark), 'x')$$,
	'P0002', format('warning %s does not exist', (SELECT shizhong FROM mark)), 'a warning of another district cannot be acknowledged');
SELECT cmp_ok(escalation.acknowledge((SELECT lixia FROM mark), '已电话通知企业负责人'), '>', (SELECT last FROM mark),
	'its own warning can be acknowledged');
SELECT throws_ok($$SELECT escalation.run()$$, '42501', NULL, 'a district official cannot run the engine');
SELECT throws_ok($$UPDATE escalation.warning SET ack_note = 'x'$$, '42501', NULL, 'nor edit warnings directly');
RESET ROLE;
SELECT results_eq($$SELECT acknowledged_by::text COLLATE "default", ack_note FROM escalation.warning WHERE id = (SELECT lixia FROM mark)$$,
	$$VALUES ('t57_lixia', '已电话通知企业负责人')$$, 'the acknowledgement names the official''s role');

SET ROLE t57_shizhong;
SELECT results_eq($$SELECT subject_id FROM escalation.warning$$, $$VALUES (902::bigint)$$,
	'the 市中区 official sees only the licence of 市中区');
RESET ROLE;

-- Resolution is an event too.
SELECT lives_ok($$SELECT escalation.licence_renew(902, 'X-1', current_date, current_date + 1095, now())$$, 'the licence is renewed');
SELECT is(escalation.run(now()), 0::bigint, 'a run resolves it, raising nothing');
SELECT results_eq($$SELECT event, warning_id FROM escalation.warning_events((SELECT last FROM mark)) ORDER BY event_id$$,
	$$SELECT 'acknowledged', lixia FROM mark UNION ALL SELECT 'resolved', shizhong FROM mark$$,
	'after the last raised event come the acknowledgement and the resolution, in the order they happened');
SELECT results_eq($$SELECT resolved_reason::text, resolved_at FROM escalation.warning_events((SELECT last FROM mark)) WHERE event = 'resolved'$$,
	$$VALUES ('renewed', now())$$, 'the resolution says why and when');
SELECT is((SELECT count(*) FROM escalation.screen_warning WHERE subject_id = 902), 0::bigint, 'a resolved warning leaves the screens');

-- The screen role: screen view and events, nothing else.
SET ROLE t57_screen;
SELECT is((SELECT count(*) FROM escalation.screen_warning), 2::bigint, 'the screen role reads every active screen row');
SELECT is((SELECT count(*) FROM escalation.warning_events(0)), 5::bigint, 'and every event');
SELECT results_eq($$SELECT event_id FROM escalation.warning_events(escalation.warning_events_tail(2)) ORDER BY 1$$,
	$$SELECT event_id FROM (SELECT event_id FROM escalation.warning_events(0) ORDER BY 1 DESC LIMIT 2) last_two ORDER BY 1$$,
	'warning_events_tail(2): reading after it gives exactly the last two events');
SELECT is(escalation.warning_events_tail(5), 0::bigint, 'with no more events than asked for, the tail starts at 0');
SELECT is(escalation.warning_events_tail(4), (SELECT min(event_id) FROM escalation.warning_events(0)),
	'asking for all but one, the tail starts after the first event');
SELECT throws_ok($$SELECT escalation.warning_events_tail(0)$$, '22023', 'keep must be between 1 and 10000000: 0',
	'a tail of no events is refused');
SELECT throws_ok($$SELECT count(*) FROM escalation.warning$$, '42501', NULL, 'but not the warning table (handling notes)');
SELECT throws_ok($$SELECT count(*) FROM escalation.unit$$, '42501', NULL, 'nor units (contacts)');
SELECT throws_ok($$SELECT count(*) FROM escalation.person$$, '42501', NULL, 'nor persons');
SELECT throws_ok($$SELECT escalation.acknowledge((SELECT lixia FROM mark), 'x')$$, '42501', NULL, 'and it cannot acknowledge');
RESET ROLE;

-- The analyst reads everything and writes nothing.
SET ROLE t57_analyst;
SELECT is((SELECT count(*) FROM escalation.warning), 3::bigint, 'the analyst reads every warning');
SELECT throws_ok($$INSERT INTO escalation.warning (kind, subject_id, stage, screen, screen_region, action, due_at) VALUES ('clue', 1, 1, 'city', '370100', 'supervise', now())$$,
	'42501', NULL, 'the analyst cannot insert warnings');
RESET ROLE;

SELECT is((SELECT count(*) FROM information_schema.role_table_grants
		   WHERE table_schema = 'escalation' AND grantee = 'PUBLIC'
			 AND table_name IN ('warning', 'tracked_item', 'run_log', 'rule', 'rule_override', 'screen_warning')), 0::bigint,
	'nothing of the engine is granted to PUBLIC');

SELECT * FROM finish();
ROLLBACK;
