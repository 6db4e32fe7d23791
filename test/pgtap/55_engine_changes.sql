-- Items whose data changes while they climb: a deadline extension (延期)
-- granted after a warning leaves the warnings and the ladder as they were,
-- one granted in time moves the ladder to the new deadline; a renewal that is annulled
-- reopens the item, whose later stages then fire while the resolved ones stay
-- resolved; a unit that moves or changes supervision level takes its pending
-- stages with it; a changed rule applies to items already climbing; a
-- deleted item's warnings are withdrawn; runs repeat without duplicates; and a
-- warning inserted by hand with only the public columns is accepted.
BEGIN;
CREATE EXTENSION IF NOT EXISTS escalation;
SELECT plan(28);
\ir fixtures/50_engine.sql

CREATE TEMP TABLE s AS SELECT timestamptz '2024-03-01 09:00+08' AS s;
CREATE FUNCTION pg_temp.at(d interval) RETURNS timestamptz LANGUAGE sql RETURN (SELECT s FROM s) + d;

-- A kind's warnings of one item: stage, start and due in days after S, resolution.
CREATE FUNCTION pg_temp.ladder(k text, item bigint)
RETURNS TABLE (stage int, episode interval, due interval, resolved interval, reason text, screen_region text)
LANGUAGE sql AS
$$
	SELECT w.stage::int, w.started_at - s.s, w.due_at - s.s, w.resolved_at - s.s, w.resolved_reason::text, w.screen_region::text
	FROM escalation.warning w, s WHERE w.kind::text = k AND w.subject_id = item ORDER BY w.due_at, w.stage
$$;

INSERT INTO escalation.unit (id, name, region, supervision_level) OVERRIDING SYSTEM VALUE VALUES
	(13, '济南搬迁机电有限公司', '370103002', 'district'),
	(14, '济南升级化工有限公司', '370103002', 'district');

-- Deadline extended after two stages were raised: by the city office of the
-- screen the hazard is on, on a request made in time; the warnings stay.
INSERT INTO escalation.department (id, name, region, kind) OVERRIDING SYSTEM VALUE VALUES (5, '济南市安委会办公室', '370100', 'safety_committee_office');
INSERT INTO escalation.hazard (id, unit_id, found_by, found_at, grade, needs_recheck, rectify_deadline) OVERRIDING SYSTEM VALUE
VALUES (501, 10, 2, pg_temp.at('-5 days'), 'general', true, pg_temp.at('0'));
SELECT escalation.hazard_extension_request(501, pg_temp.at('10 days'), '设备采购周期长', '张经理', pg_temp.at('-1 day'));
SELECT is(escalation.run(pg_temp.at('4 days')), 2::bigint, 'the hazard climbs two stages past its deadline');
SELECT lives_ok($$SELECT escalation.hazard_extend(501, pg_temp.at('10 days'), '设备采购周期长', 5, pg_temp.at('4 days 1 hour'))$$,
	'its deadline is extended to day 10 on day 4');
SELECT lives_ok($$SELECT escalation.run(pg_temp.at('10 days') - interval '1 second')$$, 'a run just before the new deadline');
SELECT is((SELECT count(*) FROM escalation.warning WHERE kind = 'hazard_overdue' AND subject_id = 501 AND resolved_at IS NULL),
	3::bigint, 'before the new deadline the hazard is still on the screens, and has climbed on');
SELECT lives_ok($$SELECT escalation.run(pg_temp.at('10 days'))$$, 'a run at the new deadline');
SELECT results_eq($$SELECT * FROM pg_temp.ladder('hazard_overdue', 501)$$,
	$$VALUES (1, interval '0', interval '0', NULL::interval, NULL::text, '370102'),
			 (2, '0', '3 days', NULL, NULL, '370100'),
			 (3, '0', '6 days', NULL, NULL, '370100')$$,
	'an extension after a warning resolves nothing and starts no new ladder');

-- Deadline extended before anything was raised.
INSERT INTO escalation.hazard (id, unit_id, found_by, found_at, grade, needs_recheck, rectify_deadline) OVERRIDING SYSTEM VALUE
VALUES (502, 10, 2, pg_temp.at('11 days'), 'general', true, pg_temp.at('12 days'));
SELECT lives_ok($$SELECT escalation.hazard_extend(502, pg_temp.at('15 days'), '节假日', 2, pg_temp.at('11 days 1 hour'))$$,
	'a second hazard''s deadline is extended from day 12 to day 15 before it falls due');
SELECT lives_ok($$SELECT escalation.run(pg_temp.at('15 days') - interval '1 second')$$, 'a run after the old deadline');
SELECT is((SELECT count(*) FROM escalation.warning WHERE kind = 'hazard_overdue' AND subject_id = 502), 0::bigint,
	'the old deadline raises nothing');
SELECT lives_ok($$SELECT escalation.run(pg_temp.at('15 days'))$$, 'a run at the new deadline');
SELECT results_eq($$SELECT * FROM pg_temp.ladder('hazard_overdue', 502)$$,
	$$VALUES (1, interval '15 days', interval '15 days', NULL::interval, NULL::text, '370102')$$,
	'an extension in time leaves no trace of the old deadline on the screens');

-- A renewal annulled: the item reopens.
INSERT INTO escalation.licence (id, unit_id, kind, valid_until) OVERRIDING SYSTEM VALUE VALUES (601, 12, '安全生产许可证', '2024-03-20');
SELECT lives_ok($$SELECT escalation.run(pg_temp.at('20 days'))$$, 'a run on March 21');
SELECT results_eq($$SELECT stage, due FROM pg_temp.ladder('licence_expired', 601)$$, $$VALUES (1, interval '19 days 15 hours')$$,
	'the licence valid until March 20 expired at the start of March 21');
SELECT lives_ok($$SELECT escalation.licence_renew(601, '（鲁）FM安许证字〔2024〕0601', '2024-03-21', '2027-03-20', pg_temp.at('20 days 1 hour'))$$,
	'it is renewed');
SELECT lives_ok($$SELECT escalation.run(pg_temp.at('21 days'))$$, 'a run after the renewal');
UPDATE escalation.licence SET superseded_at = NULL, superseded_by = NULL WHERE id = 601;
SELECT lives_ok($$SELECT escalation.run(pg_temp.at('26 days'))$$, 'the renewal is annulled; a run on day 26');
SELECT results_eq($$SELECT stage, due, resolved, reason FROM pg_temp.ladder('licence_expired', 601)$$,
	$$VALUES (1, interval '19 days 15 hours', interval '20 days 1 hour', 'renewed'),
			 (2, '22 days 15 hours', NULL, NULL), (3, '25 days 15 hours', NULL, NULL)$$,
	'a reopened item keeps its resolved warnings as they were and raises its later stages at their own due times');

-- A unit that moves to another district before its licence expires; a unit
-- that becomes city-supervised.
INSERT INTO escalation.licence (id, unit_id, kind, valid_until) OVERRIDING SYSTEM VALUE VALUES
	(602, 13, '安全生产许可证', '2024-03-30'), (603, 14, '安全生产许可证', '2024-03-30');
UPDATE escalation.unit SET region = '370102001' WHERE id = 13;
UPDATE escalation.unit SET supervision_level = 'city' WHERE id = 14;
SELECT lives_ok($$SELECT escalation.run(pg_temp.at('30 days'))$$, 'a run after both licences expired on March 31');
SELECT results_eq($$SELECT w.screen::text, w.screen_region::text, w.region::text, w.origin::text FROM escalation.warning w WHERE w.subject_id = 602 AND w.kind = 'licence_expired'$$,
	$$VALUES ('district', '370102', '370102001', 'district')$$,
	'the moved unit''s warning shows on its new district''s screen');
SELECT results_eq($$SELECT w.screen::text, w.screen_region::text, w.origin::text FROM escalation.warning w WHERE w.subject_id = 603 AND w.kind = 'licence_expired'$$,
	$$VALUES ('city', '370100', 'city')$$,
	'the unit now supervised by the city climbs the city ladder');

-- Rules changed while items climb.
INSERT INTO escalation.hazard (id, unit_id, found_by, found_at, grade, needs_recheck, rectify_deadline) OVERRIDING SYSTEM VALUE
VALUES (503, 10, 2, pg_temp.at('31 days'), 'general', true, pg_temp.at('32 days'));
SELECT lives_ok($$SELECT escalation.run(pg_temp.at('32 days'))$$, 'a hazard reaches stage 1 on day 32');
UPDATE escalation.rule SET delay = '1 day' WHERE kind = 'hazard_overdue' AND origin = 'district' AND stage = 2;
INSERT INTO escalation.rule (kind, origin, stage, delay, screen, action)
VALUES ('hazard_overdue', 'district', 4, '2 days', 'city', 'circulate');
SELECT lives_ok($$SELECT escalation.run(pg_temp.at('38 days'))$$, 'a run on day 38 after the change');
SELECT results_eq($$SELECT stage, due, screen_region FROM pg_temp.ladder('hazard_overdue', 503)$$,
	$$VALUES (1, interval '32 days', '370102'), (2, '33 days', '370100'), (3, '36 days', '370100'), (4, '38 days', '370100')$$,
	'an item already climbing takes the new delays, counted from its start, and the new stage');

-- Repeating a run changes nothing.
SELECT is(escalation.run(pg_temp.at('38 days')), 0::bigint, 'running again at a time already run raises nothing');

-- A deleted clue: its warning is withdrawn when the run sees the deletion.
INSERT INTO escalation.clue (id, unit_id, from_department, to_department, transferred_at) OVERRIDING SYSTEM VALUE
VALUES (701, 12, 4, 2, pg_temp.at('40 days'));
SELECT lives_ok($$SELECT escalation.run(pg_temp.at('43 days'))$$, 'the clue climbs stage 1');
DELETE FROM escalation.clue WHERE id = 701;
SELECT lives_ok($$SELECT escalation.run(now())$$, 'a run after the deletion');
SELECT results_eq($$SELECT stage::int, resolved_at, resolved_reason::text FROM escalation.warning WHERE kind = 'clue' AND subject_id = 701 ORDER BY stage$$,
	$$VALUES (1, now(), 'withdrawn'), (2, now(), 'withdrawn'), (3, now(), 'withdrawn')$$,
	'the deleted clue climbed until it was deleted (now), and its warnings are resolved as withdrawn then');

-- README.md, "The public SQL surface": an INSERT that gives only the public
-- columns succeeds.
INSERT INTO escalation.warning (kind, subject_id, stage, screen, screen_region, action, due_at, raised_at, resolved_at)
VALUES ('clue', 99999, 1, 'district', '370102', 'supervise', pg_temp.at('1 day'), pg_temp.at('1 day'), NULL);
SELECT results_eq($$SELECT started_at, origin::text, region::text, district::text FROM escalation.warning WHERE subject_id = 99999$$,
	$$VALUES (pg_temp.at('1 day'), 'district', '370102', '370102')$$,
	'a warning inserted with only the public columns gets its start, origin, region and district from them');

SELECT * FROM finish();
ROLLBACK;
