-- The ten ladders of §15–19 at their boundaries: one item per ladder; at every
-- due time, one second before it nothing new is raised, and at it exactly the
-- stages due are raised, each with its own due time, screen, screen region and
-- action as the ladder table of docs/RULES.md ("The ladders (§15–19)") says;
-- run() returns how many it raised.
BEGIN;
CREATE EXTENSION IF NOT EXISTS escalation;
SELECT plan(47);
\ir fixtures/50_engine.sql

-- One item per ladder, starting 2024-03-01 09:00 (licences expire at 00:00).
INSERT INTO escalation.hazard (id, unit_id, found_by, found_at, grade, needs_recheck, rectify_deadline) OVERRIDING SYSTEM VALUE VALUES
	(101, 10, 2, '2024-02-20 09:00+08', 'general', true, '2024-03-01 09:00+08'),
	(102, 10, 1, '2024-02-20 09:00+08', 'general', true, '2024-03-01 09:00+08'),
	(103, 10, 3, '2024-03-01 09:00+08', 'suspected_major', false, NULL),
	(104, 11, 1, '2024-03-01 09:00+08', 'suspected_major', false, NULL);
INSERT INTO escalation.clue (id, unit_id, from_department, to_department, transferred_at) OVERRIDING SYSTEM VALUE VALUES
	(201, 12, 4, 2, '2024-03-01 09:00+08'),
	(202, NULL, 1, 4, '2024-03-01 09:00+08');
INSERT INTO escalation.licence (id, unit_id, kind, valid_until) OVERRIDING SYSTEM VALUE VALUES
	(301, 12, '安全生产许可证', '2024-02-29'),
	(302, 11, '危险化学品经营许可证', '2024-02-29');
INSERT INTO escalation.dual_prevention (unit_id, since) VALUES
	(10, '2024-03-01 09:00+08'),
	(11, '2024-03-01 09:00+08');

-- The ladder table of docs/RULES.md, written out for these items.
CREATE TEMP TABLE expected (kind text, subject_id bigint, stage int, screen text, screen_region text, action text, due_at timestamptz);
INSERT INTO expected VALUES
	-- §15 general hazard found by a district department / by a city department
	('hazard_overdue', 101, 1, 'district', '370102', 'supervise', '2024-03-01 09:00+08'),
	('hazard_overdue', 101, 2, 'city', '370100', 'supervise', '2024-03-04 09:00+08'),
	('hazard_overdue', 101, 3, 'city', '370100', 'circulate', '2024-03-07 09:00+08'),
	('hazard_overdue', 102, 1, 'city', '370100', 'supervise', '2024-03-01 09:00+08'),
	('hazard_overdue', 102, 2, 'city', '370100', 'circulate', '2024-03-04 09:00+08'),
	-- §16 suspected major hazard found by a street office / by a city department
	('major_hazard', 103, 1, 'district', '370102', 'confirm', '2024-03-01 09:00+08'),
	('major_hazard', 103, 2, 'city', '370100', 'supervise', '2024-03-04 09:00+08'),
	('major_hazard', 103, 3, 'city', '370100', 'circulate', '2024-03-07 09:00+08'),
	('major_hazard', 104, 1, 'city', '370100', 'confirm', '2024-03-01 09:00+08'),
	('major_hazard', 104, 2, 'city', '370100', 'circulate', '2024-03-04 09:00+08'),
	-- §17 clue transferred by a district department (unit in 市中区) / by a city department, no unit
	('clue', 201, 1, 'district', '370103', 'supervise', '2024-03-04 09:00+08'),
	('clue', 201, 2, 'city', '370100', 'supervise', '2024-03-07 09:00+08'),
	('clue', 201, 3, 'city', '370100', 'circulate', '2024-03-10 09:00+08'),
	('clue', 202, 1, 'city', '370100', 'supervise', '2024-03-04 09:00+08'),
	('clue', 202, 2, 'city', '370100', 'circulate', '2024-03-07 09:00+08'),
	-- §18 licence of a district-level unit / of a city-level unit, valid until 2024-02-29
	('licence_expired', 301, 1, 'district', '370103', 'supervise', '2024-03-01 00:00+08'),
	('licence_expired', 301, 2, 'city', '370100', 'supervise', '2024-03-04 00:00+08'),
	('licence_expired', 301, 3, 'city', '370100', 'circulate', '2024-03-07 00:00+08'),
	('licence_expired', 302, 1, 'city', '370100', 'supervise', '2024-03-01 00:00+08'),
	('licence_expired', 302, 2, 'city', '370100', 'circulate', '2024-03-04 00:00+08'),
	-- §19 dual prevention of a street-level unit / of a city-level unit, no run since enrolment
	('dual_prevention_idle', 10, 1, 'district', '370102', 'supervise', '2024-03-08 09:00+08'),
	('dual_prevention_idle', 10, 2, 'city', '370100', 'supervise', '2024-03-11 09:00+08'),
	('dual_prevention_idle', 10, 3, 'city', '370100', 'circulate', '2024-03-14 09:00+08'),
	('dual_prevention_idle', 11, 1, 'city', '370100', 'supervise', '2024-03-08 09:00+08'),
	('dual_prevention_idle', 11, 2, 'city', '370100', 'circulate', '2024-03-11 09:00+08');

SELECT is((SELECT count(DISTINCT (kind, subject_id)) FROM expected), 10::bigint, 'one item per ladder: ten ladders');
SELECT is((SELECT count(*) FROM escalation.tracked_item), 10::bigint, 'every item is tracked as soon as it is written');
SELECT set_eq('SELECT kind::text, subject_id, stage::int, due_at FROM escalation.stage_due',
	'SELECT kind::text, subject_id, stage, due_at FROM expected',
	'each of the 25 stages waits in stage_due with its due time as soon as its item is written');

-- Walk the distinct due times: one second before, then at each.
CREATE FUNCTION pg_temp.walk() RETURNS SETOF text
LANGUAGE plpgsql AS
$$
DECLARE
	due timestamptz;
	raised bigint;
	actual CONSTANT text := 'SELECT kind::text, subject_id, stage::int, screen::text, screen_region::text, action::text, due_at FROM escalation.warning';
BEGIN
	FOR due IN SELECT DISTINCT e.due_at FROM expected e ORDER BY 1 LOOP
		raised := escalation.run(due - interval '1 second');
		RETURN NEXT is(raised, 0::bigint, format('run one second before %s raises nothing', due));
		RETURN NEXT set_eq(actual, format('SELECT * FROM expected WHERE due_at < %L', due),
						   format('one second before %s exactly the stages due earlier are raised', due));
		raised := escalation.run(due);
		RETURN NEXT is(raised, (SELECT count(*) FROM expected e WHERE e.due_at = due),
					   format('run at %s raises the stages due then', due));
		RETURN NEXT set_eq(actual, format('SELECT * FROM expected WHERE due_at <= %L', due),
						   format('at %s every stage due by then is raised with its screen, region, action and due time', due));
	END LOOP;
END
$$;
SELECT * FROM pg_temp.walk();

SELECT is((SELECT count(*) FROM escalation.warning WHERE resolved_at IS NULL), 25::bigint,
	'all 25 stages of the ten ladders are active at the end');
SELECT is(escalation.run('2024-04-01 00:00+08'), 0::bigint, 'a ladder does not repeat: nothing more is raised weeks later');
SELECT is((SELECT count(*) FROM escalation.tracked_item WHERE next_due_at IS NOT NULL), 0::bigint,
	'items at the top of their ladder wait for handling, not for a run');
SELECT is((SELECT count(*) FROM escalation.stage_due WHERE kind::text NOT IN ('handling_sign', 'handling_reply')), 0::bigint,
	'a raised stage no longer waits: stage_due holds only the sign timers of the new warnings');

SELECT * FROM finish();
ROLLBACK;
