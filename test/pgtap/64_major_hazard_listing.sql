-- Confirmed major hazards listed for supervision (挂牌督办): a hazard confirmed
-- major climbs its own ladder on the governance plan's deadline (the city
-- screen's 督办 at the deadline, 通报 three days later), at its boundaries,
-- in step-by-step runs as in one catch-up run, once; closing it resolves the
-- ladder; only the listing authority (the city's work-safety committee
-- office) may close it, logged in as each role.
BEGIN;
CREATE EXTENSION IF NOT EXISTS escalation;
SELECT plan(19);
\ir fixtures/50_engine.sql

INSERT INTO escalation.department (id, name, level, region, kind) OVERRIDING SYSTEM VALUE VALUES
	(5, '历下区安委会办公室', 'district', '370102', 'safety_committee_office'),
	(6, '济南市安委会办公室', 'city', '370100', 'safety_committee_office');
CREATE ROLE t64_city_office LOGIN IN ROLE escalation_user;
CREATE ROLE t64_district_office LOGIN IN ROLE escalation_user;
CREATE ROLE t64_city_bureau LOGIN IN ROLE escalation_user;
INSERT INTO escalation.user_region (role_name, region) VALUES
	('t64_city_office', '370100'), ('t64_district_office', '370102'), ('t64_city_bureau', '370100');
INSERT INTO escalation.user_department (role_name, department_id) VALUES
	('t64_city_office', 6), ('t64_district_office', 5), ('t64_city_bureau', 1);
DO $grant$
DECLARE
	r text;
BEGIN
	FOREACH r IN ARRAY ARRAY['t64_city_office', 't64_district_office', 't64_city_bureau'] LOOP
		EXECUTE format('GRANT SELECT, INSERT, UPDATE ON pg_temp.__tcache__ TO %I', r);
		EXECUTE format('GRANT USAGE ON ALL SEQUENCES IN SCHEMA pg_temp TO %I', r);
	END LOOP;
END
$grant$;

-- 1. The ladder.
SELECT results_eq(
	$$SELECT origin::text, stage::int, delay, screen::text, action::text FROM escalation.rule
	  WHERE kind::text = 'major_hazard_listed' ORDER BY 1, 2$$,
	$$VALUES ('city', 1, interval '0', 'city', 'supervise'), ('city', 2, interval '3 days', 'city', 'circulate'),
			 ('district', 1, interval '0', 'city', 'supervise'), ('district', 2, interval '3 days', 'city', 'circulate')$$,
	'a listed major hazard climbs to the city screen''s 督办 at its governance deadline and to its 通报 three days later');

INSERT INTO escalation.supervision_assignment (unit_id, department_id, supervision_type, period)
VALUES (10, 2, 'industry_supervision', daterange('2024-01-01', NULL));

-- Major hazards of 泉城机械 found by 历下区应急管理局 and confirmed at once:
-- 951's governance plan is due on 2024-04-01 09:00, 952's thirty days later;
-- 953 is rectified and re-inspected, ready to be closed; 954 is a general hazard.
INSERT INTO escalation.hazard (id, unit_id, found_by, found_at, grade, confirmed_at, needs_recheck, rectify_deadline,
	rectified_at, rectified_by, rechecked_at, rechecked_by, recheck_result) OVERRIDING SYSTEM VALUE VALUES
	(951, 10, 2, '2024-03-01 09:00+08', 'major', '2024-03-01 09:00+08', true, '2024-04-01 09:00+08', NULL, NULL, NULL, NULL, NULL),
	(952, 10, 2, '2024-03-01 09:00+08', 'major', '2024-03-01 09:00+08', true, '2024-05-01 09:00+08', NULL, NULL, NULL, NULL, NULL),
	(953, 10, 2, '2024-03-01 09:00+08', 'major', '2024-03-01 09:00+08', true, '2024-06-01 09:00+08',
	 '2024-03-10 09:00+08', '企业负责人', '2024-03-12 09:00+08', 2, 'pass'),
	(954, 10, 2, '2024-03-01 09:00+08', 'general', NULL, true, '2024-06-01 09:00+08', NULL, NULL, NULL, NULL, NULL);
SELECT results_eq(
	$$SELECT subject_id, started_at FROM escalation.tracked_item WHERE kind::text = 'major_hazard_listed' ORDER BY 1$$,
	$$VALUES (951::bigint, '2024-04-01 09:00+08'::timestamptz), (952, '2024-05-01 09:00+08'), (953, '2024-06-01 09:00+08')$$,
	'every confirmed major hazard is listed on confirmation, on the ladder from its governance deadline');

CREATE FUNCTION pg_temp.t64_listed(hazard bigint) RETURNS TABLE (stage int, due_after interval, screen text, action text,
	resolved_after interval, reason text, addressee bigint)
LANGUAGE sql AS
$$
	SELECT w.stage::int, w.due_at - w.started_at, w.screen::text, w.action::text, w.resolved_at - w.started_at,
		w.resolved_reason::text, a.department_id
	FROM escalation.warning w LEFT JOIN escalation.warning_addressee a ON a.warning_id = w.id
	WHERE w.kind::text = 'major_hazard_listed' AND w.subject_id = hazard ORDER BY w.stage
$$;

-- 2. Step by step, at the boundaries of 951's ladder.
SELECT is(escalation.run('2024-04-01 08:59:59+08'), 0::bigint, 'a second before the governance deadline nothing is raised');
SELECT is(escalation.run('2024-04-01 09:00+08'), 1::bigint, 'at the deadline the city screen''s 督办');
SELECT is(escalation.run('2024-04-04 08:59:59+08'), 0::bigint, 'a second before the 通报, nothing more');
SELECT is(escalation.run('2024-04-04 09:00+08'), 1::bigint, 'three days after the deadline the 通报');
SELECT is(escalation.run('2024-04-20 09:00+08'), 0::bigint, 'and nothing more weeks later');
SELECT results_eq('SELECT * FROM pg_temp.t64_listed(951)',
	$$VALUES (1, interval '0', 'city', 'supervise', NULL::interval, NULL::text, 2::bigint),
			 (2, interval '3 days', 'city', 'circulate', NULL, NULL, 2)$$,
	'each stage once, both on the city screen, addressed to the department that found it');

-- 3. 952 in one catch-up run, weeks late: the same stages at the same times.
SELECT is(escalation.run('2024-05-20 09:00+08'), 2::bigint, 'one catch-up run, weeks late, raises both stages of 952');
SELECT is((SELECT json_agg(t)::text FROM pg_temp.t64_listed(952) t), (SELECT json_agg(t)::text FROM pg_temp.t64_listed(951) t),
	'one catch-up run raises exactly the stages the step-by-step runs raised');
SELECT is(escalation.run('2024-05-20 09:00+08'), 0::bigint, 'a rerun raises nothing');

-- 4. Only the listing authority closes a listed major hazard.
SET ROLE t64_district_office;
SELECT throws_ok($$SELECT escalation.hazard_close(953, 5, '治理完成', '2024-05-20 10:00+08')$$, '42501',
	'role "t64_district_office" cannot close hazard 953: it is a major accident hazard listed for supervision by city 济南市',
	'the district''s office cannot close it');
RESET ROLE;
SET ROLE t64_city_bureau;
SELECT throws_ok($$SELECT escalation.hazard_close(953, 1, '治理完成', '2024-05-20 10:00+08')$$, '42501', NULL,
	'nor a city department other than the office');
RESET ROLE;
SELECT is((SELECT closed_at FROM escalation.hazard WHERE id = 953), NULL::timestamptz, 'and it stays open');
SET ROLE t64_district_office;
SELECT lives_ok($$UPDATE escalation.hazard SET description = '更正' WHERE id = 954$$,
	'(the district''s office may write its hazards)');
RESET ROLE;
SET ROLE t64_city_office;
SELECT lives_ok($$SELECT escalation.hazard_close(953, 6, '治理完成，销号', '2024-05-20 10:00+08')$$,
	'the city''s work-safety committee office closes it (销号)');
RESET ROLE;
SELECT is((SELECT closed_at FROM escalation.hazard WHERE id = 953), '2024-05-20 10:00+08'::timestamptz, 'closed');

-- 5. Closing 951 resolves its ladder.
UPDATE escalation.hazard SET rectified_at = '2024-05-01 09:00+08', rectified_by = '企业负责人' WHERE id = 951;
UPDATE escalation.hazard SET rechecked_at = '2024-05-02 09:00+08', rechecked_by = 2, recheck_result = 'pass' WHERE id = 951;
UPDATE escalation.hazard SET closed_at = '2024-05-03 09:00+08', closed_by = 6 WHERE id = 951;
SELECT is(escalation.run('2024-05-20 09:00+08'), 0::bigint, 'closing raises nothing');
SELECT results_eq('SELECT stage, resolved_after, reason FROM pg_temp.t64_listed(951)',
	$$VALUES (1, interval '32 days', 'closed'), (2, interval '32 days', 'closed')$$,
	'closing (销号) resolves both stages at the closing time');

SELECT * FROM finish();
ROLLBACK;
