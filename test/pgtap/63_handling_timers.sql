-- The handling timers as warnings (handling_sign, handling_reply): a warning
-- not signed within the sign timer and a dispatch or return not answered by
-- its reply deadline raise a warning of their own, exactly once, at its due
-- time, one level up (a district warning's timers on the city screen, a city
-- warning's too), addressed to whoever failed to act; signing and answering
-- handle them, a return reopens the reply clock as a new item, the
-- resolution of the warning withdraws them; a warning without an addressee
-- is in the gap report; hourly runs and one catch-up run
-- raise the same warnings, and a rerun raises nothing. Their ladders are
-- rules data: derived from handling_rule, changed by the city.
BEGIN;
CREATE EXTENSION IF NOT EXISTS escalation;
SELECT plan(19);
\ir fixtures/50_engine.sql

-- The work-safety committee offices of 历下区 and of the city (市中区 has none).
INSERT INTO escalation.department (id, name, level, region, kind) OVERRIDING SYSTEM VALUE VALUES
	(5, '历下区安委会办公室', 'district', '370102', 'safety_committee_office'),
	(6, '济南市安委会办公室', 'city', '370100', 'safety_committee_office');

-- 1. The ladders, derived from the handling timers.
SELECT results_eq(
	$$SELECT kind::text, origin::text, stage::int, delay, screen::text, action::text, changed FROM escalation.rule
	  WHERE kind::text LIKE 'handling%' ORDER BY 1, 2$$,
	$$VALUES ('handling_reply', 'city', 1, interval '0', 'city', 'supervise', false),
			 ('handling_reply', 'district', 1, interval '0', 'city', 'supervise', false),
			 ('handling_sign', 'city', 1, interval '1 day', 'city', 'supervise', false),
			 ('handling_sign', 'district', 1, interval '1 day', 'city', 'supervise', false)$$,
	'each timer climbs one stage, on the city screen: the sign timer after raising, the reply timer at its deadline');

-- T = 2024-03-01 09:00. Hazards 901..904 of 泉城机械 past their deadline T
-- (904 found by the city), 903 closed at T+10h; the licence 905 of 大观园商贸
-- expired; their first warnings, raised at T (inserted as a run raises them).
INSERT INTO escalation.hazard (id, unit_id, found_by, found_at, grade, needs_recheck, rectify_deadline, closed_at) OVERRIDING SYSTEM VALUE VALUES
	(901, 10, 2, '2024-02-20 09:00+08', 'general', true, '2024-03-01 09:00+08', NULL),
	(902, 10, 2, '2024-02-20 09:00+08', 'general', true, '2024-03-01 09:00+08', NULL),
	(903, 10, 2, '2024-02-20 09:00+08', 'general', true, '2024-03-01 09:00+08', '2024-03-01 19:00+08'),
	(904, 10, 1, '2024-02-20 09:00+08', 'general', true, '2024-03-01 09:00+08', NULL);
INSERT INTO escalation.licence (id, unit_id, kind, valid_until) OVERRIDING SYSTEM VALUE
VALUES (905, 12, '安全生产许可证', '2024-02-29');
INSERT INTO escalation.warning (id, kind, subject_id, stage, origin, screen, screen_region, action, started_at, due_at, raised_at,
	region, district, unit_id, department_id) VALUES
	(9101, 'hazard_overdue', 901, 1, 'district', 'district', '370102', 'supervise', '2024-03-01 09:00+08', '2024-03-01 09:00+08', '2024-03-01 09:00+08', '370102001', '370102', 10, 2),
	(9102, 'hazard_overdue', 902, 1, 'district', 'district', '370102', 'supervise', '2024-03-01 09:00+08', '2024-03-01 09:00+08', '2024-03-01 09:00+08', '370102001', '370102', 10, 2),
	(9103, 'hazard_overdue', 903, 1, 'district', 'district', '370102', 'supervise', '2024-03-01 09:00+08', '2024-03-01 09:00+08', '2024-03-01 09:00+08', '370102001', '370102', 10, 2),
	(9104, 'hazard_overdue', 904, 1, 'city', 'city', '370100', 'supervise', '2024-03-01 09:00+08', '2024-03-01 09:00+08', '2024-03-01 09:00+08', '370102001', '370102', 10, 1),
	(9105, 'licence_expired', 905, 1, 'district', 'district', '370103', 'supervise', escalation.licence_expires_at('2024-02-29'),
	 escalation.licence_expires_at('2024-02-29'), '2024-03-01 09:00+08', '370103002', '370103', 12, NULL);
-- The stages they are drop out of the work list.
SELECT escalation.sync_items('hazard_overdue', NULL), escalation.sync_items('licence_expired', NULL);

SELECT results_eq(
	$$SELECT s.subject_id, s.origin::text, s.due_at, s.department_id FROM escalation.stage_due s
	  WHERE s.kind = 'handling_sign' ORDER BY s.subject_id$$,
	$$VALUES (9101::bigint, 'district', '2024-03-02 09:00+08'::timestamptz, 5::bigint),
			 (9102, 'district', '2024-03-02 09:00+08', 5), (9104, 'city', '2024-03-02 09:00+08', 6),
			 (9105, 'district', '2024-03-02 09:00+08', NULL)$$,
	'every new warning''s sign timer waits a day, but that of 9103, resolved before (903 closed at T+10h)');

-- The city allows two days to sign: the waiting stages move; back to one day.
INSERT INTO escalation.handling_timer_override (timer, within) VALUES ('sign', '2 days');
SELECT is((SELECT due_at FROM escalation.stage_due WHERE kind = 'handling_sign' AND subject_id = 9104),
	'2024-03-03 09:00+08'::timestamptz, 'a changed sign timer re-times the waiting sign timers');
DELETE FROM escalation.handling_timer_override;
SELECT is((SELECT due_at FROM escalation.stage_due WHERE kind = 'handling_sign' AND subject_id = 9104),
	'2024-03-02 09:00+08'::timestamptz, 'and back');

-- What happens, at its time: 历下区's centre signs 9102 at T+20h and 9101 at
-- T+30h, dispatches 9101 to 历下区应急管理局 at T+31h (reply by T+48h), which
-- answers at T+72h; the centre returns it at T+73h (reply by T+97h), and no
-- answer comes. The licence is renewed at T+48h.
CREATE TEMP TABLE t63_event (at interval, what text, done boolean NOT NULL DEFAULT false);
INSERT INTO t63_event (at, what) VALUES
	('20 hours', $$INSERT INTO escalation.warning_step (id, warning_id, step, done_at, done_by, region)
	  VALUES (nextval('escalation.warning_event_seq'), 9102, 'sign', '2024-03-02 05:00+08', 'centre', '370102001')$$),
	('30 hours', $$INSERT INTO escalation.warning_step (id, warning_id, step, done_at, done_by, region)
	  VALUES (nextval('escalation.warning_event_seq'), 9101, 'sign', '2024-03-02 15:00+08', 'centre', '370102001')$$),
	('31 hours', $$INSERT INTO escalation.warning_step (id, warning_id, step, done_at, done_by, department_id, reply_by, region)
	  VALUES (nextval('escalation.warning_event_seq'), 9101, 'dispatch', '2024-03-02 16:00+08', 'centre', 2, '2024-03-03 09:00+08', '370102001')$$),
	('48 hours', $$UPDATE escalation.licence SET superseded_at = '2024-03-03 09:00+08' WHERE id = 905$$),
	('72 hours', $$INSERT INTO escalation.warning_step (id, warning_id, step, done_at, done_by, department_id, note, region)
	  VALUES (nextval('escalation.warning_event_seq'), 9101, 'feedback', '2024-03-04 09:00+08', 'dept', 2, '已责令整改', '370102001')$$),
	('73 hours', $$INSERT INTO escalation.warning_step (id, warning_id, step, done_at, done_by, reply_by, accepted, note, region)
	  VALUES (nextval('escalation.warning_event_seq'), 9101, 'review', '2024-03-04 10:00+08', 'centre', '2024-03-05 10:00+08', false, '未附整改照片', '370102001')$$);

-- Apply what happened up to a time, then run as of it.
CREATE FUNCTION pg_temp.t63_until(upto interval) RETURNS bigint
LANGUAGE plpgsql AS
$$
DECLARE
	e record;
BEGIN
	FOR e IN SELECT * FROM t63_event WHERE NOT done AND at <= upto ORDER BY at LOOP
		EXECUTE e.what;
		UPDATE t63_event SET done = true WHERE at = e.at;
	END LOOP;
	RETURN escalation.run('2024-03-01 09:00+08'::timestamptz + upto);
END
$$;

-- The timers' warnings: what they are about (the warning, and for a reply
-- timer the step), when due and resolved, where shown, to whom.
CREATE FUNCTION pg_temp.t63_timers() RETURNS TABLE (kind text, warning_id bigint, step text, due_at timestamptz,
	resolved_at timestamptz, reason text, screen text, screen_region text, addressee bigint, basis text)
LANGUAGE sql AS
$$
	SELECT w.kind::text, coalesce(s.warning_id, w.subject_id), s.step::text, w.due_at, w.resolved_at, w.resolved_reason::text,
		w.screen::text, w.screen_region::text, a.department_id, a.basis
	FROM escalation.warning w
	LEFT JOIN escalation.warning_step s ON w.kind = 'handling_reply' AND s.id = w.subject_id
	LEFT JOIN escalation.warning_addressee a ON a.warning_id = w.id
	WHERE w.kind::text LIKE 'handling%'
	ORDER BY 1, 2, 4
$$;

SAVEPOINT hourly;
SELECT is((SELECT sum(pg_temp.t63_until(h * interval '1 hour')) FROM generate_series(0, 23) h), 0::numeric,
	'hourly runs: nothing is raised in the first 23 hours');
SELECT is(pg_temp.t63_until('23:59:59'), 0::bigint, 'nor a second before the sign deadline');
SELECT is(pg_temp.t63_until('24 hours'), 3::bigint,
	'at the sign deadline the three unsigned warnings raise their sign timers (9102 was signed in time)');
SELECT is((SELECT sum(pg_temp.t63_until(h * interval '1 hour')) FROM generate_series(25, 120) h), 5::numeric,
	'hourly runs to T+120h raise the two reply timers and the three hazards'' stage 2 (the licence was renewed before its own)');
SELECT results_eq('SELECT * FROM pg_temp.t63_timers()',
	$$VALUES
		('handling_reply', 9101::bigint, 'dispatch', '2024-03-03 09:00+08'::timestamptz, '2024-03-04 09:00+08'::timestamptz, 'answered',
		 'city', '370100', 2::bigint, 'receiver'),
		('handling_reply', 9101, 'review', '2024-03-05 10:00+08', NULL, NULL, 'city', '370100', 2, 'receiver'),
		('handling_sign', 9101, NULL, '2024-03-02 09:00+08', '2024-03-02 15:00+08', 'signed', 'city', '370100', 5, 'office'),
		('handling_sign', 9104, NULL, '2024-03-02 09:00+08', NULL, NULL, 'city', '370100', 6, 'office'),
		('handling_sign', 9105, NULL, '2024-03-02 09:00+08', '2024-03-03 09:00+08', 'withdrawn', 'city', '370100', NULL, 'none')$$,
	'sign timers: handled by the signing, withdrawn with the renewed licence''s warning, addressed to the office of the screen below (市中区 has none); reply timers: answered late, and the return reopens a new one, addressed to the department that did not answer; all on the city screen');
SELECT is(pg_temp.t63_until('120 hours'), 0::bigint, 'a rerun raises nothing');
SELECT t63_hourly FROM (SELECT json_agg(t ORDER BY t.kind, t.warning_id, t.due_at)::text AS t63_hourly FROM pg_temp.t63_timers() t) x \gset
ROLLBACK TO SAVEPOINT hourly;

-- The same history, with one run at the end.
UPDATE t63_event SET done = false;
SELECT lives_ok($$DO $d$ DECLARE e record; BEGIN
	FOR e IN SELECT * FROM t63_event ORDER BY at LOOP EXECUTE e.what; END LOOP; END $d$ $$,
	'everything happens, and no run runs for five days');
SELECT is(escalation.run('2024-03-06 09:00+08'), 8::bigint,
	'one catch-up run raises the five timers and the three hazards'' stage 2');
SELECT is((SELECT json_agg(t ORDER BY t.kind, t.warning_id, t.due_at)::text FROM pg_temp.t63_timers() t), :'t63_hourly',
	'the catch-up run raised exactly the timers the hourly runs raised, with the same due times, resolutions, screens and addressees');
SELECT is(escalation.run('2024-03-06 09:00+08'), 0::bigint, 'a rerun raises nothing');

-- The timers' warnings have no timers of their own; the screens name them.
SELECT is((SELECT count(*) FROM escalation.tracked_item t JOIN escalation.warning w ON w.id = t.subject_id
		   WHERE t.kind = 'handling_sign' AND w.kind::text LIKE 'handling%'), 0::bigint,
	'a timer''s warning has no sign timer');
SELECT results_eq(
	$$SELECT DISTINCT escalation.warning_kind_label(kind) FROM escalation.warning WHERE kind::text LIKE 'handling%' ORDER BY 1$$,
	$$VALUES ('预警超时未签收'), ('预警逾期未反馈')$$, 'the screens name the kinds in Chinese');
SELECT results_eq(
	$$SELECT DISTINCT escalation.warning_resolution_label(resolved_reason) FROM escalation.warning
	  WHERE kind::text LIKE 'handling%' AND resolved_reason::text IN ('signed', 'answered') ORDER BY 1$$,
	$$VALUES ('预警已反馈'), ('预警已签收')$$, 'and the resolutions');

-- A warning nobody was found to answer for is a gap of the responsibility database (§7).
SELECT results_eq(
	$$SELECT reason::text, reason_label, district::text, unit_id, subject FROM escalation.responsibility_gaps('2024-03-02')
	  WHERE reason::text = 'warning_no_addressee'$$,
	$$VALUES ('warning_no_addressee', '预警无承办部门', '370103', 12::bigint, '预警 9105（licence_expired）')$$,
	'the gap report lists the licence warning of 大观园商贸, which no department answers for, on a day it is active');
SELECT is_empty(
	$$SELECT 1 FROM escalation.responsibility_gaps('2024-03-04') WHERE reason::text = 'warning_no_addressee'$$,
	'and not once it is resolved');

SELECT * FROM finish();
ROLLBACK;
