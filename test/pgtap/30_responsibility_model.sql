-- The responsibility model: the department tree, offices, people, duties and
-- supervision assignments accept good data, and every kind of bad input is
-- rejected with its SQLSTATE and a message naming the offending values,
-- leaving nothing behind.
BEGIN;
CREATE EXTENSION IF NOT EXISTS escalation;
SELECT plan(66);
\ir fixtures/30_responsibility.sql
SET LOCAL search_path = escalation, public;

-- Tables and their contract columns
SELECT has_table('escalation', t, 'table escalation.' || t || ' exists')
FROM unnest(ARRAY['department', 'office', 'person', 'duty', 'supervision_assignment', 'user_region']) AS t;
SELECT columns_are('escalation', 'department',
	ARRAY['id', 'name', 'level', 'region', 'parent_id', 'kind', 'created_at'],
	'department has the contract columns id, name, level, region, parent_id plus kind and created_at');
SELECT lives_ok($$INSERT INTO escalation.department (name, level, region, parent_id)
				  VALUES ('济南市住房和城乡建设局', 'city', '370100', 100)$$,
	'an INSERT giving only the contract columns of department succeeds');
SELECT is((SELECT count(*) FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
		   WHERE n.nspname = 'escalation' AND c.relkind IN ('r', 'v')
			 AND c.relname IN ('department', 'office', 'person', 'duty', 'supervision_assignment', 'user_region',
							   'responsibility_gap', 'responsibility_gap_summary')
			 AND obj_description(c.oid, 'pg_class') IS NULL), 0::bigint,
	'every table and view of the responsibility database has a comment');
SELECT is((SELECT count(*) FROM pg_catalog.pg_attribute a JOIN pg_catalog.pg_class c ON c.oid = a.attrelid
		   JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
		   WHERE n.nspname = 'escalation' AND a.attnum > 0 AND NOT a.attisdropped
			 AND c.relname IN ('department', 'office', 'person', 'duty', 'supervision_assignment', 'user_region',
							   'responsibility_gap', 'responsibility_gap_summary')
			 AND col_description(c.oid, a.attnum) IS NULL), 0::bigint,
	'every column of the responsibility database has a comment');

-- The department tree
INSERT INTO department (id, name, region, parent_id) OVERRIDING SYSTEM VALUE VALUES (900, '千佛山街道办事处', '370102002', 300);
SELECT is((SELECT level FROM department WHERE id = 900), 'street'::level,
	'a department''s level is filled from its region when omitted');
SELECT throws_ok($$INSERT INTO escalation.department (name, level, region) VALUES ('错层部门', 'district', '370102001')$$,
	'23514', 'new row for relation "department" violates check constraint "department_level_matches_region"',
	'a department whose level is not its region''s level is rejected');
SELECT throws_ok($$INSERT INTO escalation.department (name, region) VALUES ('山东省某厅', '370000')$$,
	'23514', 'department "山东省某厅" cannot be in region 370000: it has no platform level',
	'a department in a province code (no platform level) is rejected');
SELECT throws_ok($$INSERT INTO escalation.department (name, region, parent_id) VALUES ('越界街道', '370103001', 300)$$,
	'23514', 'parent department 300 ("历下区人民政府", region 370102) does not contain region 370103001 of department "越界街道"',
	'a department whose parent''s region does not contain its region is rejected');
SELECT throws_ok($$INSERT INTO escalation.department (name, region, kind) VALUES ('某街道', '370102', 'street_office')$$,
	'23514', 'new row for relation "department" violates check constraint "department_street_office_at_street"',
	'a street office above street level is rejected');
SELECT throws_ok($$UPDATE escalation.department SET parent_id = 400 WHERE id = 300$$,
	'23514', 'department 300 ("历下区人民政府") cannot report to department 400, which reports to it',
	'a cycle in the department tree is rejected');
SELECT throws_ok($$UPDATE escalation.department SET parent_id = 300 WHERE id = 300$$,
	'23514', 'department 300 ("历下区人民政府") cannot report to department 300, which reports to it',
	'a department cannot be its own parent');
SELECT throws_ok($$UPDATE escalation.department SET region = '370104' WHERE id = 300$$,
	'23514', 'department 300 ("历下区人民政府") cannot move to region 370104: its sub-department 400 ("历下区应急管理局") is in region 370102',
	'a department cannot move away from the regions of its sub-departments');
SELECT throws_ok($$INSERT INTO escalation.department (name, region) VALUES ('历下区人民政府', '370102')$$,
	'23505', 'duplicate key value violates unique constraint "department_region_name_key"',
	'two departments of one region cannot share a name');

-- Restoring a dump writes rows in storage order: a child may come before its parent
SELECT lives_ok($$INSERT INTO escalation.department (id, name, region, parent_id) OVERRIDING SYSTEM VALUE VALUES (921, '先行子部门', '370102', 920);
				  INSERT INTO escalation.department (id, name, region, parent_id) OVERRIDING SYSTEM VALUE VALUES (920, '后到父部门', '370102', 300);
				  SET CONSTRAINTS escalation.department_parent_fkey IMMEDIATE$$,
	'a department may be entered before its parent within one transaction');
SET CONSTRAINTS escalation.department_parent_fkey DEFERRED;
SELECT throws_ok($$INSERT INTO escalation.department (name, region, parent_id) VALUES ('孤儿部门', '370102', 999999);
				   SET CONSTRAINTS escalation.department_parent_fkey IMMEDIATE$$,
	'23503', 'insert or update on table "department" violates foreign key constraint "department_parent_fkey"',
	'a department whose parent never arrives is rejected');
SET CONSTRAINTS escalation.department_parent_fkey DEFERRED;

-- Rows of a department follow the department's region
INSERT INTO department (id, name, region, parent_id) OVERRIDING SYSTEM VALUE VALUES (910, '历下区城市管理局', '370102', 100);
INSERT INTO office (id, department_id, name, is_lead) OVERRIDING SYSTEM VALUE VALUES (911, 910, '安全科', true);
INSERT INTO person (id, department_id, name) OVERRIDING SYSTEM VALUE VALUES (912, 910, '周明');
INSERT INTO duty (department_id, person_id, role) VALUES (910, 912, 'first_responsible');
SELECT is((SELECT array_agg(DISTINCT r::text) FROM (
			SELECT region FROM office WHERE department_id = 910 UNION ALL
			SELECT region FROM person WHERE department_id = 910 UNION ALL
			SELECT region FROM duty WHERE department_id = 910) x (r)), ARRAY['370102'],
	'offices, people and duties take their department''s region');
SELECT lives_ok($$INSERT INTO escalation.office (department_id, name, region) VALUES (910, '法规科', '370199')$$,
	'a region given for an office is overridden by the department''s');
SELECT is((SELECT region::text FROM office WHERE department_id = 910 AND name = '法规科'), '370102',
	'the office got the department''s region, not the one given');
UPDATE department SET region = '370103' WHERE id = 910;
SELECT is((SELECT array_agg(DISTINCT r::text) FROM (
			SELECT region FROM office WHERE department_id = 910 UNION ALL
			SELECT region FROM person WHERE department_id = 910 UNION ALL
			SELECT region FROM duty WHERE department_id = 910) x (r)), ARRAY['370103'],
	'moving a department moves its offices, people and duties');

-- Offices
SELECT throws_ok($$INSERT INTO escalation.office (department_id, name, is_lead) VALUES (400, '第二牵头科', true)$$,
	'23505', 'department 400 already has lead office 410 ("安全生产综合协调科")',
	'a second lead office of a department is rejected, naming the current one');
SELECT throws_ok($$SET LOCAL session_replication_role = replica;
				   INSERT INTO escalation.office (department_id, name, is_lead, region) VALUES (400, '第二牵头科', true, '370102')$$,
	'23505', 'duplicate key value violates unique constraint "office_one_lead_per_department"',
	'the unique index keeps one lead office even when triggers are bypassed');
RESET session_replication_role;
SELECT lives_ok($$UPDATE escalation.office SET is_lead = (id = 411) WHERE department_id = 400$$,
	'the lead office can move to another office in one statement');
SELECT is((SELECT array_agg(id ORDER BY id) FROM office WHERE department_id = 400 AND is_lead), ARRAY[411::bigint],
	'after the move only the new office is the lead office');

-- People
SELECT throws_ok($$INSERT INTO escalation.person (department_id, name, phone) VALUES (400, '王强', 'call me')$$,
	'23514', 'new row for relation "person" violates check constraint "person_phone_format"',
	'a phone that is not digits (optionally masked with *) is rejected');
SELECT lives_ok($$INSERT INTO escalation.person (department_id, name, phone) VALUES (400, '王强', '139****2817')$$,
	'a masked mobile number is accepted');
SELECT throws_ok($$INSERT INTO escalation.person (department_id, name) VALUES (999999, '无部门')$$,
	'23503', 'department 999999 does not exist',
	'a person of a department that does not exist is rejected');

-- Duties: bad input
CREATE TEMP TABLE duty_before AS SELECT * FROM duty;
SELECT throws_ok($$INSERT INTO escalation.duty (department_id, person_id, role) VALUES (400, 720, 'other_in_charge')$$,
	'23503', 'person 720 ("市中区应急管理局 主要负责人") belongs to department 700, not to department 400',
	'a duty for a person of another department is rejected');
SELECT throws_ok($$INSERT INTO escalation.duty (department_id, person_id, role, office_id) VALUES (400, 423, 'other_office', 711)$$,
	'23503', 'office 711 ("监督管理科") belongs to department 700, not to department 400',
	'a duty tied to an office of another department is rejected');
SELECT throws_ok($$INSERT INTO escalation.duty (department_id, person_id, role, office_id) VALUES (500, 523, 'lead_office', 511)$$,
	'23514', 'office 511 ("监督管理科") is not the lead office of department 500',
	'a lead-office duty on an office that is not the lead office is rejected');
SELECT throws_ok($$INSERT INTO escalation.duty (department_id, person_id, role) VALUES (500, 523, 'other_office')$$,
	'23514', 'new row for relation "duty" violates check constraint "duty_office_role_needs_office"',
	'an office duty without an office is rejected');
SELECT throws_ok($$INSERT INTO escalation.duty (department_id, person_id, role, period)
				   VALUES (500, 523, 'first_responsible', daterange('2025-03-01', NULL))$$,
	'23P01', 'department 500 already has a 第一责任人 (duty 530, "解放路街道办事处 主要负责人", [2024-01-01,)) overlapping [2025-03-01,)',
	'an overlapping period for the first-responsible post is rejected, naming the holder');
SELECT throws_ok($$INSERT INTO escalation.duty (department_id, person_id, role, period)
				   VALUES (500, 523, 'responsible_in_charge', daterange('2023-06-01', '2024-01-02'))$$,
	'23P01', 'department 500 already has a 分管责任人 (duty 531, "解放路街道办事处 分管负责人", [2024-01-01,)) overlapping [2023-06-01,2024-01-02)',
	'an overlapping period for the responsible-in-charge post is rejected');
SELECT throws_ok($$SET LOCAL session_replication_role = replica;
				   INSERT INTO escalation.duty (department_id, person_id, role, period, region)
				   VALUES (500, 523, 'first_responsible', daterange('2025-03-01', NULL), '370102001')$$,
	'23P01', 'conflicting key value violates exclusion constraint "duty_one_first_responsible"',
	'the exclusion constraint keeps one first responsible person even when triggers are bypassed');
RESET session_replication_role;
SELECT throws_ok($$INSERT INTO escalation.duty (department_id, person_id, role, office_id, period)
				   VALUES (500, 522, 'liaison', 510, daterange('2024-05-01', NULL))$$,
	'23P01', 'person 522 already holds this 联络员 duty in department 500 (duty 532, [2024-01-01,)) overlapping [2024-05-01,)',
	'the same person cannot hold the same duty twice at a time');
INSERT INTO duty (id, department_id, person_id, role, period) OVERRIDING SYSTEM VALUE VALUES (540, 500, 523, 'liaison', daterange('2024-02-01', '2025-01-01'));
SELECT throws_ok($$INSERT INTO escalation.duty (department_id, person_id, role, period)
				   VALUES (500, 521, 'liaison', daterange('2024-12-01', NULL))$$,
	'23514', 'department 500 would have three liaisons: "解放路街道办事处 联络员" (duty 532) and "解放路街道办事处 监管员" (duty 540) already serve during [2024-12-01,)',
	'a third liaison at the same time is rejected, naming the two serving');
SELECT lives_ok($$INSERT INTO escalation.duty (department_id, person_id, role, period)
				  VALUES (500, 521, 'liaison', daterange('2025-01-01', NULL))$$,
	'a new second liaison starting the day another one leaves is accepted');
SELECT throws_ok($$INSERT INTO escalation.duty (department_id, person_id, role, period) VALUES (500, 521, 'other_in_charge', 'empty')$$,
	'23514', 'new row for relation "duty" violates check constraint "duty_period_has_start"',
	'a duty with an empty period is rejected');
SELECT throws_ok($$INSERT INTO escalation.duty (department_id, person_id, role, period) VALUES (500, 521, 'other_in_charge', daterange(NULL, '2025-01-01'))$$,
	'23514', 'new row for relation "duty" violates check constraint "duty_period_has_start"',
	'a duty without a first day is rejected');
SELECT throws_ok($$UPDATE escalation.person SET department_id = 400 WHERE id = 520$$,
	'23503', 'update or delete on table "person" violates foreign key constraint "duty_person_of_department" on table "duty"',
	'a person holding duties cannot silently move to another department');
SELECT is((SELECT count(*) FROM duty d WHERE NOT EXISTS (SELECT 1 FROM duty_before b WHERE b.id = d.id)), 2::bigint,
	'the rejected duties left nothing behind (only the two accepted liaisons are new)');

-- Duties: hand-over keeps history
SELECT hand_over_duty(530, 521, '2025-06-01') AS new_duty \gset
SELECT results_eq($$SELECT person_id, period FROM escalation.duty
					WHERE department_id = 500 AND role = 'first_responsible' ORDER BY lower(period)$$,
	$$VALUES (520::bigint, daterange('2024-01-01', '2025-06-01')), (521::bigint, daterange('2025-06-01', NULL))$$,
	'after hand_over_duty the old holder''s duty ends the day the new one''s starts');
SELECT throws_ok(format('SELECT escalation.hand_over_duty(%s, 520, %L)', :new_duty, '2025-06-01'),
	'22023', format('duty %s ([2025-06-01,)) cannot be handed over on 2025-06-01', :new_duty),
	'a hand-over on the first day of a duty is rejected');
SELECT throws_ok(format('SELECT escalation.hand_over_duty(%s, 720, %L)', :new_duty, '2025-07-01'),
	'23503', 'person 720 ("市中区应急管理局 主要负责人") belongs to department 700, not to department 500',
	'a hand-over to a person of another department is rejected');
SELECT is((SELECT upper(period) FROM duty WHERE id = :new_duty), NULL::date,
	'the rejected hand-over did not end the current duty');

-- Supervision assignments
CREATE TEMP TABLE assignment_before AS SELECT * FROM supervision_assignment;
SELECT throws_ok($$INSERT INTO escalation.supervision_assignment (unit_id, department_id, office_id, supervision_type)
				   VALUES (1001, 400, 711, 'special_supervision')$$,
	'23503', 'office 711 ("监督管理科") belongs to department 700, not to department 400 ("历下区应急管理局")',
	'a supervision naming an office of a different department is rejected');
SELECT throws_ok($$INSERT INTO escalation.supervision_assignment (unit_id, department_id, supervisor_id, supervision_type)
				   VALUES (1001, 300, 723, 'other')$$,
	'23503', 'supervisor 723 ("市中区应急管理局 监管员") belongs to department 700, not to department 300 ("历下区人民政府")',
	'a supervision naming a supervisor of a different department is rejected');
SELECT throws_ok($$INSERT INTO escalation.supervision_assignment (unit_id, department_id, supervision_type, level)
				   VALUES (1001, 300, 'other', 'city')$$,
	'23514', 'supervision level city does not match level district of department 300 ("历下区人民政府")',
	'a supervision at a level other than the department''s is rejected');
SELECT throws_ok($$INSERT INTO escalation.supervision_assignment (unit_id, department_id, supervision_type)
				   VALUES (1001, 400, 'special_supervision')$$,
	'23P01', 'conflicting key value violates exclusion constraint "supervision_assignment_one_per_department"',
	'a second current supervision of a unit by the same department is rejected');
SELECT throws_ok($$INSERT INTO escalation.supervision_assignment (unit_id, department_id, supervision_type)
				   VALUES (999999, 400, 'special_supervision')$$,
	'23503', 'unit 999999 does not exist',
	'a supervision of a unit that does not exist is rejected');
SELECT results_eq($$SELECT * FROM escalation.supervision_assignment ORDER BY id$$,
	$$SELECT * FROM pg_temp.assignment_before ORDER BY id$$,
	'the rejected supervisions changed nothing');
INSERT INTO supervision_assignment (unit_id, department_id, supervisor_id, supervision_type)
VALUES (1001, 300, 323, 'other');
SELECT results_eq($$SELECT level, region::text, department_region::text FROM escalation.supervision_assignment
					WHERE unit_id = 1001 AND department_id = 300$$,
	$$VALUES ('district'::escalation.level, '370102001', '370102')$$,
	'a supervision takes its level from the department, its region from the unit and keeps the department''s region');
UPDATE unit SET region = '370102002' WHERE id = 1001;
SELECT is((SELECT array_agg(DISTINCT region::text) FROM supervision_assignment WHERE unit_id = 1001), ARRAY['370102002'],
	'moving a unit moves its supervisions');
UPDATE department SET region = '370102002', parent_id = 300 WHERE id = 500;
SELECT is((SELECT array_agg(DISTINCT department_region::text) FROM supervision_assignment WHERE department_id = 500),
	ARRAY['370102002'], 'moving a department updates the department region kept on its supervisions');
UPDATE supervision_assignment SET period = daterange(lower(period), '2025-01-01') WHERE unit_id = 1001 AND department_id = 400;
SELECT lives_ok($$INSERT INTO escalation.supervision_assignment (unit_id, department_id, supervisor_id, supervision_type, period)
				  VALUES (1001, 400, 420, 'industry_supervision', daterange('2025-01-01', NULL))$$,
	'a department takes up a unit again once its earlier supervision has ended');

-- The region map
SELECT throws_ok($$INSERT INTO escalation.user_region (role_name, region) VALUES ('t30_nobody', '370102')$$,
	'42704', 'role "t30_nobody" does not exist',
	'mapping a role that does not exist is rejected');
SELECT throws_ok($$INSERT INTO escalation.user_region (role_name, region) VALUES ('t30_unmapped', '370000')$$,
	'23514', 'new row for relation "user_region" violates check constraint "user_region_region_has_level"',
	'mapping a role to a province code is rejected');
SELECT throws_ok($$INSERT INTO escalation.user_region (role_name, region) VALUES ('t30_lixia', '370103')$$,
	'23505', 'duplicate key value violates unique constraint "user_region_pkey"',
	'a role is mapped to one region only');

-- enable_region_security refuses tables that do not follow the pattern
CREATE TABLE pg_temp.no_region (id int);
CREATE TABLE pg_temp.text_region (region text NOT NULL);
CREATE TABLE pg_temp.unindexed_region (region escalation.region NOT NULL);
SELECT throws_ok($$SELECT escalation.enable_region_security('pg_temp.no_region')$$,
	'42703', NULL, 'enable_region_security rejects a table without a region column');
SELECT throws_ok($$SELECT escalation.enable_region_security('pg_temp.text_region')$$,
	'42804', NULL, 'enable_region_security rejects a region column of another type');
SELECT throws_ok($$SELECT escalation.enable_region_security('pg_temp.unindexed_region')$$,
	'42P16', NULL, 'enable_region_security rejects a region column without a btree index');

SELECT * FROM finish();
ROLLBACK;
