-- The gap report (不落空挡、不留盲区): nothing on clean data; on crafted data
-- exactly one row per defect, of every kind, with its region; duties and
-- supervisions count only within their period; closed units need no
-- supervision; the per-district summary agrees with the detail, and each role
-- sees the part of both that belongs to it.
BEGIN;
CREATE EXTENSION IF NOT EXISTS escalation;
SELECT plan(23);
\ir fixtures/30_responsibility.sql
SET LOCAL search_path = escalation, public;

-- Clean data
SELECT is_empty('SELECT * FROM escalation.responsibility_gap', 'the gap report is empty on complete responsibility data');
SELECT results_eq($$SELECT region::text, level, units, departments, gaps FROM escalation.responsibility_gap_summary$$,
	$$VALUES ('370100', 'city'::escalation.level, 0::bigint, 2::bigint, 0::bigint),
			 ('370102', 'district', 2, 3, 0),
			 ('370103', 'district', 1, 3, 0)$$,
	'the summary lists the city and both districts with their units, departments and no gap');

-- Crafted defects, one of each kind
INSERT INTO unit (id, name, region, supervision_level, business_status) OVERRIDING SYSTEM VALUE VALUES
	(1005, '无属地单位', '370103002', 'street', 'operating'),
	(1006, '已关闭单位', '370103002', 'street', 'closed'),
	(1007, '无行业监管单位', '370102001', 'street', 'suspended');
INSERT INTO supervision_assignment (unit_id, department_id, supervisor_id, supervision_type) VALUES
	(1005, 700, 723, 'industry_supervision'),
	(1007, 500, 523, 'territorial'),
	(1007, 300, 323, 'special_supervision');
-- a supervision without a named supervisor
INSERT INTO supervision_assignment (id, unit_id, department_id, supervision_type) OVERRIDING SYSTEM VALUE VALUES (2001, 1002, 600, 'other');
-- a 历下 unit supervised by a 市中 department
INSERT INTO supervision_assignment (id, unit_id, department_id, supervisor_id, supervision_type) OVERRIDING SYSTEM VALUE
VALUES (2002, 1001, 700, 723, 'special_supervision');
-- a department with nothing: no first responsible, in-charge, lead office or liaison
INSERT INTO department (id, name, region, parent_id) OVERRIDING SYSTEM VALUE VALUES (960, '市中区城市管理局', '370103', 600);
-- the city emergency bureau's first responsible left yesterday; a successor starts tomorrow
UPDATE duty SET period = daterange(lower(period), current_date) WHERE id = 230;
INSERT INTO duty (department_id, person_id, role, period) VALUES (200, 221, 'first_responsible', daterange(current_date + 1, NULL));
-- a unit whose territorial supervision has ended
UPDATE supervision_assignment SET period = daterange(lower(period), current_date) WHERE unit_id = 1003 AND supervision_type = 'territorial';
-- three liaisons, as after a restore that bypassed the triggers or a race under repeatable read
SET LOCAL session_replication_role = replica;
INSERT INTO duty (department_id, person_id, role, period, region) VALUES
	(700, 720, 'liaison', daterange('2024-01-01', NULL), '370103'),
	(700, 721, 'liaison', daterange('2024-01-01', NULL), '370103');
SET LOCAL session_replication_role = origin;
-- A warning about a clue the database does not know: nobody answers for it.
INSERT INTO warning (kind, subject_id, stage, screen, screen_region, action, due_at, region, district)
VALUES ('clue', 999999, 1, 'district', '370103', 'supervise', now(), '370103002', '370103');

SELECT results_eq($$SELECT g.reason::text, g.region::text, g.district::text, g.unit_id, g.department_id, g.assignment_id
					FROM escalation.responsibility_gap g ORDER BY g.reason, g.unit_id, g.department_id$$,
	$$VALUES ('unit_no_territorial', '370102001', '370102', 1003::bigint, NULL::bigint, NULL::bigint),
			 ('unit_no_territorial', '370103002', '370103', 1005, NULL, NULL),
			 ('unit_no_industry', '370102001', '370102', 1007, NULL, NULL),
			 ('supervision_no_supervisor', '370103002', '370103', 1002, 600, 2001),
			 ('supervision_outside_region', '370102001', '370102', 1001, 700, 2002),
			 ('department_no_first_responsible', '370100', '370100', NULL, 200, NULL),
			 ('department_no_first_responsible', '370103', '370103', NULL, 960, NULL),
			 ('department_no_responsible_in_charge', '370103', '370103', NULL, 960, NULL),
			 ('department_no_lead_office', '370103', '370103', NULL, 960, NULL),
			 ('department_no_liaison', '370103', '370103', NULL, 960, NULL),
			 ('department_too_many_liaisons', '370103', '370103', NULL, 700, NULL),
			 ('warning_no_addressee', '370103002', '370103', NULL, NULL, NULL)$$,
	'the gap report finds exactly the crafted defects, each with its region and district');
SELECT is((SELECT array_agg(DISTINCT reason ORDER BY reason) FROM escalation.responsibility_gap),
	enum_range(NULL::escalation.gap_reason), 'every kind of gap is found');
SELECT is((SELECT count(*) FROM escalation.responsibility_gap WHERE reason_label IS NULL OR reason_label !~ '[一-龥]'), 0::bigint,
	'every gap carries its Chinese label');
-- The warning goes (the counts below are of the responsibility data alone).
DELETE FROM warning WHERE subject_id = 999999;
SELECT is((SELECT reason_label FROM escalation.responsibility_gap WHERE reason = 'unit_no_territorial' LIMIT 1),
	'未落实属地管理责任', 'the label of a unit without territorial responsibility');
SELECT is((SELECT detail FROM escalation.responsibility_gap WHERE reason = 'department_too_many_liaisons'),
	'3 current liaisons, at most 2 allowed', 'the detail of too many liaisons gives the count');
SELECT is((SELECT detail FROM escalation.responsibility_gap WHERE reason = 'supervision_outside_region'),
	'市中区应急管理局 (region 370103) does not cover unit region 370102001',
	'the detail of a supervision outside the region names the department and both regions');
SELECT is_empty($$SELECT * FROM escalation.responsibility_gap WHERE unit_id = 1006$$,
	'a closed unit with no supervision is not a gap');
SELECT is((SELECT count(*) FROM escalation.responsibility_gaps(current_date + 1) WHERE department_id = 200), 0::bigint,
	'from tomorrow the successor is the current first responsible person');
SELECT is((SELECT count(*) FROM escalation.responsibility_gaps('2023-12-31') WHERE reason = 'unit_no_territorial'), 5::bigint,
	'before any supervision began every unit that is not closed lacks territorial responsibility');

-- The summary agrees with the detail
SELECT results_eq($$SELECT region::text, units, departments, gaps, units_without_territorial, units_without_industry,
						   supervisions_without_supervisor, supervisions_outside_region,
						   departments_without_first_responsible, departments_without_responsible_in_charge,
						   departments_without_lead_office, departments_without_liaison, departments_with_too_many_liaisons
					FROM escalation.responsibility_gap_summary$$,
	$$VALUES ('370100', 0::bigint, 2::bigint, 1::bigint, 0::bigint, 0::bigint, 0::bigint, 0::bigint, 1::bigint, 0::bigint, 0::bigint, 0::bigint, 0::bigint),
			 ('370102', 3, 3, 3, 1, 1, 0, 1, 0, 0, 0, 0, 0),
			 ('370103', 2, 4, 7, 1, 0, 1, 0, 1, 1, 1, 1, 1)$$,
	'the summary counts each kind of gap per district and for the city, and closed units are not counted');
SELECT is((SELECT sum(gaps) FROM escalation.responsibility_gap_summary),
	(SELECT count(*) FROM escalation.responsibility_gap)::numeric, 'the summary accounts for every gap of the detail');
SELECT is((SELECT region_name FROM escalation.responsibility_gap_summary WHERE region = '370102'::escalation.region), NULL,
	'the region name comes from escalation.division (empty in this test)');
INSERT INTO division (code, name) VALUES ('370102', '历下区');
SELECT is((SELECT region_name FROM escalation.responsibility_gap_summary WHERE region = '370102'::escalation.region), '历下区',
	'the summary names the district from escalation.division');

-- What each role sees of it
SET ROLE t30_lixia;
SELECT results_eq($$SELECT g.reason::text, g.unit_id FROM escalation.responsibility_gap g ORDER BY g.reason, g.unit_id$$,
	$$VALUES ('unit_no_territorial', 1003::bigint), ('unit_no_industry', 1007), ('supervision_outside_region', 1001)$$,
	'a district user sees its own gaps, including a supervision of its unit by another district''s department');
SELECT results_eq($$SELECT region::text, gaps FROM escalation.responsibility_gap_summary$$,
	$$VALUES ('370102', 3::bigint)$$, 'a district user''s summary is its own district''s');
RESET ROLE;
SET ROLE t30_shizhong;
SELECT is((SELECT count(*) FROM escalation.responsibility_gap), 7::bigint, 'the other district user sees its seven gaps');
SELECT is_empty($$SELECT * FROM escalation.responsibility_gap WHERE district <> '370103'::escalation.region$$,
	'the other district user sees no gap outside its district');
RESET ROLE;
SET ROLE t30_city;
SELECT is((SELECT count(*) FROM escalation.responsibility_gap), 11::bigint, 'a user mapped to the city sees every gap');
RESET ROLE;
SET ROLE t30_analyst;
SELECT is((SELECT count(*) FROM escalation.responsibility_gap), 11::bigint, 'the analyst sees every gap');
RESET ROLE;
SET ROLE t30_screen;
SELECT is((SELECT sum(gaps) FROM escalation.responsibility_gap_summary), 11::numeric,
	'the screen sees the counts of every district');
RESET ROLE;

-- Repairing the defects empties the report
DELETE FROM supervision_assignment WHERE id = 2002;
UPDATE supervision_assignment SET supervisor_id = 623 WHERE id = 2001;
INSERT INTO supervision_assignment (unit_id, department_id, supervisor_id, supervision_type) VALUES
	(1005, 800, 823, 'territorial'),
	(1007, 400, 423, 'industry_supervision');
UPDATE supervision_assignment SET period = daterange(lower(period), NULL) WHERE unit_id = 1003 AND supervision_type = 'territorial';
DELETE FROM duty WHERE department_id = 200 AND person_id = 221 AND role = 'first_responsible';
UPDATE duty SET period = daterange(lower(period), NULL) WHERE id = 230;
DELETE FROM duty WHERE department_id = 700 AND role = 'liaison' AND person_id IN (720, 721);
INSERT INTO office (department_id, name, is_lead) VALUES (960, '安全生产科', true);
INSERT INTO person (id, department_id, name) OVERRIDING SYSTEM VALUE VALUES (961, 960, '刘洋'), (962, 960, '陈静'), (963, 960, '赵磊');
INSERT INTO duty (department_id, person_id, role) VALUES
	(960, 961, 'first_responsible'), (960, 962, 'responsible_in_charge'), (960, 963, 'liaison');
SELECT is_empty('SELECT * FROM escalation.responsibility_gap', 'once every defect is repaired the gap report is empty again');

SELECT * FROM finish();
ROLLBACK;
