-- Roles and row-level security, proved while logged in as each role: a district
-- or street official reads and changes only rows within its region, the analyst
-- reads everything but writes nothing and never sees phone numbers, the screen
-- role reads only the gap summary, and the district policy is answered by an
-- index range on region.
BEGIN;
CREATE EXTENSION IF NOT EXISTS escalation;
SELECT plan(78);
\ir fixtures/30_responsibility.sql

INSERT INTO escalation.licence (id, unit_id, kind, valid_until) OVERRIDING SYSTEM VALUE VALUES
	(1101, 1001, '安全生产许可证', '2026-12-31'),
	(1102, 1002, '安全生产许可证', '2026-12-31');

-- Shows the plan of a query, run as the current role.
CREATE FUNCTION pg_temp.plan_of(query text) RETURNS text
LANGUAGE plpgsql AS
$$
DECLARE
	line text;
	plan text := '';
BEGIN
	FOR line IN EXECUTE 'EXPLAIN (COSTS OFF) ' || query LOOP
		plan := plan || line || E'\n';
	END LOOP;
	RETURN plan;
END
$$;

-- Catalog: every regional table is protected, nothing is granted to PUBLIC
SELECT is((SELECT array_agg(c.relname::text ORDER BY c.relname) FROM pg_catalog.pg_class c
		   JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attname = 'region' AND NOT a.attisdropped
		   WHERE c.relnamespace = 'escalation'::regnamespace AND c.relkind = 'r' AND NOT c.relrowsecurity
			 AND (has_table_privilege('escalation_user', c.oid, 'SELECT') OR c.relname NOT IN ('user_region', 'stage_due'))), NULL,
	'every table of schema escalation with a region column has row-level security (user_region and the engine''s stage_due are not readable by district users)');
SELECT is((SELECT array_agg(c.relname::text ORDER BY c.relname) FROM pg_catalog.pg_class c
		   JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attname = 'region' AND NOT a.attisdropped
		   WHERE c.relnamespace = 'escalation'::regnamespace AND c.relkind = 'r' AND c.relrowsecurity
			 AND (SELECT array_agg(p.polname::text ORDER BY p.polname) FROM pg_catalog.pg_policy p WHERE p.polrelid = c.oid)
				 IS DISTINCT FROM ARRAY['region_admin', 'region_analyst', 'region_user']), NULL,
	'every protected table has exactly the three policies written by enable_region_security');
SELECT ok(c.relrowsecurity, 'row-level security is on for escalation.' || c.relname)
FROM pg_catalog.pg_class c
WHERE c.oid IN ('escalation.unit'::regclass, 'escalation.licence'::regclass, 'escalation.safety_rule'::regclass,
				'escalation.unit_history'::regclass, 'escalation.department'::regclass, 'escalation.office'::regclass,
				'escalation.person'::regclass, 'escalation.duty'::regclass, 'escalation.supervision_assignment'::regclass)
ORDER BY c.relname;
SELECT is((SELECT array_agg(c.relname::text ORDER BY c.relname) FROM pg_catalog.pg_class c,
		   LATERAL aclexplode(c.relacl) acl
		   WHERE c.relnamespace = 'escalation'::regnamespace AND acl.grantee = 0), NULL,
	'no table, view or sequence of schema escalation is granted to PUBLIC');
SELECT is((SELECT array_agg(p.oid::regprocedure::text ORDER BY 1) FROM pg_catalog.pg_proc p
		   WHERE p.pronamespace IN ('escalation'::regnamespace, 'escalation_internal'::regnamespace) AND p.prosecdef
			 AND (p.proacl IS NULL OR EXISTS (SELECT 1 FROM aclexplode(p.proacl) acl WHERE acl.grantee = 0))), NULL,
	'no SECURITY DEFINER function of schema escalation or escalation_internal is executable by PUBLIC');
SELECT is((SELECT array_agg(p.oid::regprocedure::text ORDER BY 1) FROM pg_catalog.pg_proc p
		   WHERE p.pronamespace IN ('escalation'::regnamespace, 'escalation_internal'::regnamespace) AND p.prosecdef
			 AND NOT coalesce(EXISTS (SELECT 1 FROM unnest(p.proconfig) c WHERE c LIKE 'search\_path=%'), false)), NULL,
	'every SECURITY DEFINER function of schema escalation or escalation_internal pins its search_path');
SELECT is((SELECT array_agg(p.oid::regprocedure::text ORDER BY 1) FROM pg_catalog.pg_proc p
		   WHERE p.pronamespace IN ('escalation'::regnamespace, 'escalation_internal'::regnamespace)
			 AND p.proname IN ('acting_role', 'current_region', 'enable_region_security', 'follow_department_region',
							   'hand_over_duty', 'responsibility_gaps', 'responsibility_gap_counts', 'gap_reason_label',
							   'duty_role_label', 'department_kind_label', 'duty_check', 'department_check_tree',
							   'office_check_lead', 'supervision_assignment_check', 'set_region_from_department',
							   'propagate_department_region', 'user_region_check_role')
			 AND (p.proacl IS NULL OR EXISTS (SELECT 1 FROM aclexplode(p.proacl) acl WHERE acl.grantee = 0))), NULL,
	'no function of the responsibility part is executable by PUBLIC');

-- A district official (历下区, 370102)
SET ROLE t30_lixia;
SELECT is(escalation.current_region()::text, '370102', 'current_region() is the district the login role is mapped to');
SELECT results_eq('SELECT id FROM escalation.unit ORDER BY id', ARRAY[1001::bigint, 1003],
	'a district user reads only the units of its district');
SELECT results_eq('SELECT id FROM escalation.department ORDER BY id', ARRAY[300::bigint, 400, 500],
	'a district user reads only the departments of its district and its streets');
SELECT results_eq('SELECT DISTINCT unit_id FROM escalation.supervision_assignment ORDER BY 1', ARRAY[1001::bigint, 1003],
	'a district user reads the supervisions of its units only (including one by a city department)');
SELECT results_eq('SELECT DISTINCT department_id FROM escalation.person ORDER BY 1', ARRAY[300::bigint, 400, 500],
	'a district user reads only the people of its departments');
SELECT results_eq('SELECT DISTINCT department_id FROM escalation.duty ORDER BY 1', ARRAY[300::bigint, 400, 500],
	'a district user reads only the duties of its departments');
SELECT results_eq('SELECT id FROM escalation.licence ORDER BY id', ARRAY[1101::bigint],
	'a district user reads only the licences of its units');
SELECT is_empty('UPDATE escalation.unit SET name = name || ''（改）'' WHERE id = 1002 RETURNING id',
	'a district user''s UPDATE of another district''s unit touches nothing');
SELECT is_empty('UPDATE escalation.department SET name = name || ''（改）'' WHERE id IN (200, 700) RETURNING id',
	'a district user''s UPDATE of a city or another district''s department touches nothing');
SELECT is_empty('UPDATE escalation.supervision_assignment SET note = ''改'' WHERE unit_id = 1002 RETURNING id',
	'a district user''s UPDATE of another district''s supervision touches nothing');
SELECT throws_ok($$INSERT INTO escalation.unit (name, region, supervision_level) VALUES ('越界公司', '370103002', 'street')$$,
	'42501', 'new row violates row-level security policy for table "unit"',
	'a district user cannot insert a unit in another district');
SELECT throws_ok($$UPDATE escalation.unit SET region = '370103002' WHERE id = 1001$$,
	'42501', 'new row violates row-level security policy for table "unit"',
	'a district user cannot move its unit into another district');
SELECT throws_ok($$INSERT INTO escalation.department (name, region, parent_id) VALUES ('市中区某局', '370103', 600)$$,
	'42501', 'new row violates row-level security policy for table "department"',
	'a district user cannot insert a department in another district');
SELECT throws_ok($$INSERT INTO escalation.supervision_assignment (unit_id, department_id, supervision_type)
				   VALUES (1002, 400, 'special_supervision')$$,
	'23503', 'unit 1002 does not exist',
	'a district user cannot insert a supervision of another district''s unit');
SELECT throws_ok($$INSERT INTO escalation.person (department_id, name) VALUES (700, '张伟')$$,
	'23503', 'department 700 does not exist',
	'a district user cannot add people to another district''s department');
SELECT throws_ok($$DELETE FROM escalation.supervision_assignment WHERE unit_id = 1001$$,
	'42501', 'permission denied for table supervision_assignment',
	'a district user ends supervisions but cannot delete them');
SELECT lives_ok($$INSERT INTO escalation.unit (name, region, supervision_level) VALUES ('历下新公司', '370102003', 'street')$$,
	'a district user inserts a unit in a street of its district');
SELECT lives_ok($$INSERT INTO escalation.department (name, region, parent_id, kind) VALUES ('趵突泉街道办事处', '370102003', 300, 'street_office')$$,
	'a district user inserts a street office of its district');
SELECT lives_ok($$INSERT INTO escalation.supervision_assignment (unit_id, department_id, supervision_type)
				  SELECT u.id, d.id, 'territorial' FROM escalation.unit u, escalation.department d
				  WHERE u.name = '历下新公司' AND d.name = '趵突泉街道办事处'$$,
	'a district user assigns territorial supervision of its unit to its street office');
SELECT lives_ok($$UPDATE escalation.person SET phone = '13900001111' WHERE id = 320$$,
	'a district user updates the phone of a person of its district');
SELECT results_eq('SELECT region::text FROM escalation.responsibility_gap_summary', ARRAY['370102'],
	'a district user''s gap summary holds its district only');
RESET ROLE;
SELECT is((SELECT name FROM escalation.unit WHERE id = 1002), '济南大观园商贸有限公司',
	'the other district''s unit is unchanged');
SELECT is((SELECT count(*) FROM escalation.supervision_assignment WHERE note IS NOT NULL), 0::bigint,
	'the other district''s supervisions are unchanged');

-- A street official (解放路街道, 370102001)
SET ROLE t30_jiefang;
SELECT results_eq('SELECT id FROM escalation.department ORDER BY id', ARRAY[500::bigint],
	'a street user reads only its street''s departments, not the district''s');
SELECT results_eq('SELECT id FROM escalation.unit ORDER BY id', ARRAY[1001::bigint, 1003],
	'a street user reads the units of its street');
SELECT throws_ok($$UPDATE escalation.unit SET region = '370102003' WHERE id = 1001$$,
	'42501', 'new row violates row-level security policy for table "unit"',
	'a street user cannot move a unit to a neighbouring street');
SELECT is_empty('SELECT * FROM escalation.responsibility_gap_summary',
	'a street user sees no district summary (it counts other streets)');
RESET ROLE;

-- A city official mapped to the city code, and a user nobody mapped
SET ROLE t30_city;
SELECT is((SELECT count(*) FROM escalation.department), 9::bigint, 'a user mapped to the city reads every department');
SELECT is((SELECT count(*) FROM escalation.unit), 4::bigint, 'a user mapped to the city reads every unit');
RESET ROLE;
SET ROLE t30_unmapped;
SELECT is(escalation.current_region()::text, NULL, 'current_region() is NULL for a role that is not mapped');
SELECT is_empty('SELECT * FROM escalation.unit', 'an unmapped user reads no unit');
SELECT is_empty('SELECT * FROM escalation.department', 'an unmapped user reads no department');
SELECT is_empty('SELECT * FROM escalation.responsibility_gap_summary', 'an unmapped user reads no gap summary');
SELECT throws_ok($$INSERT INTO escalation.department (name, region, parent_id) VALUES ('某局', '370102', 300)$$,
	'42501', 'new row violates row-level security policy for table "department"',
	'an unmapped user inserts nothing');
RESET ROLE;

-- The analyst
SET ROLE t30_analyst;
SELECT is((SELECT count(*) FROM escalation.unit), 4::bigint, 'the analyst reads every unit');
SELECT is((SELECT count(*) FROM escalation.supervision_assignment), 7::bigint, 'the analyst reads every supervision');
SELECT is((SELECT count(*) FROM escalation.person), 32::bigint, 'the analyst reads every person''s name and post');
SELECT throws_ok('SELECT phone FROM escalation.person', '42501', 'permission denied for table person',
	'the analyst cannot read people''s phone numbers');
SELECT throws_ok('SELECT * FROM escalation.person', '42501', 'permission denied for table person',
	'the analyst cannot read whole person rows');
SELECT throws_ok('SELECT contact_phone FROM escalation.unit', '42501', 'permission denied for table unit',
	'the analyst cannot read units'' contact phones');
SELECT throws_ok($$INSERT INTO escalation.department (name, region) VALUES ('某局', '370102')$$,
	'42501', 'permission denied for table department', 'the analyst cannot insert departments');
SELECT throws_ok($$UPDATE escalation.supervision_assignment SET note = 'x'$$,
	'42501', 'permission denied for table supervision_assignment', 'the analyst cannot update supervisions');
SELECT throws_ok($$DELETE FROM escalation.duty$$,
	'42501', 'permission denied for table duty', 'the analyst cannot delete duties');
SELECT throws_ok($$UPDATE escalation.unit SET name = 'x'$$,
	'42501', 'permission denied for table unit', 'the analyst cannot update units');
SELECT throws_ok($$SELECT escalation.hand_over_duty(330, 321)$$,
	'42501', 'permission denied for function hand_over_duty', 'the analyst cannot hand duties over');
SELECT lives_ok('SELECT * FROM escalation.responsibility_gap', 'the analyst reads the gap report');
SELECT results_eq('SELECT region::text FROM escalation.responsibility_gap_summary',
	ARRAY['370100', '370102', '370103'], 'the analyst reads the gap summary of the city and every district');
RESET ROLE;

-- The screen
SET ROLE t30_screen;
SELECT throws_ok('SELECT name FROM escalation.person', '42501', 'permission denied for table person',
	'the screen role cannot read people');
SELECT throws_ok('SELECT name FROM escalation.unit', '42501', 'permission denied for table unit',
	'the screen role cannot read units');
SELECT throws_ok('SELECT * FROM escalation.duty', '42501', 'permission denied for table duty',
	'the screen role cannot read duties');
SELECT throws_ok('SELECT * FROM escalation.user_region', '42501', 'permission denied for table user_region',
	'the screen role cannot read the region map');
SELECT throws_ok('SELECT * FROM escalation.responsibility_gap', '42501', 'permission denied for view responsibility_gap',
	'the screen role cannot read the gap details (they name units)');
SELECT results_eq('SELECT region::text FROM escalation.responsibility_gap_summary',
	ARRAY['370100', '370102', '370103'], 'the screen role reads the gap summary of the city and every district');
RESET ROLE;

-- The city office
SET ROLE t30_admin;
SELECT is((SELECT count(*) FROM escalation.person WHERE phone IS NOT NULL), 32::bigint,
	'the city office reads everyone''s phone');
SELECT lives_ok($$DELETE FROM escalation.supervision_assignment
				  WHERE unit_id = (SELECT u.id FROM escalation.unit u WHERE u.name = '历下新公司')$$,
	'the city office deletes a supervision entered by mistake');
SELECT lives_ok($$INSERT INTO escalation.user_region (role_name, region) VALUES ('t30_unmapped', '370103')$$,
	'the city office maps a login role to a district');
RESET ROLE;
SET ROLE t30_unmapped;
SELECT results_eq('SELECT id FROM escalation.unit ORDER BY id', ARRAY[1002::bigint],
	'once mapped, the login role reads its district''s units');
RESET ROLE;
SET ROLE t30_lixia;
SELECT throws_ok($$INSERT INTO escalation.user_region (role_name, region) VALUES ('t30_lixia', '370100')$$,
	'42501', 'permission denied for table user_region', 'a district user cannot widen its own region');
SELECT throws_ok($$SELECT escalation.enable_region_security('escalation.unit')$$,
	'42501', 'permission denied for function enable_region_security', 'a district user cannot rewrite policies');
RESET ROLE;

-- The district policy is answered by an index range on region, with the
-- caller's region looked up once per statement
INSERT INTO escalation.unit (name, region, supervision_level)
SELECT '测试单位' || g, CASE WHEN g % 13 = 0 THEN '370102001' ELSE '3701' || lpad((3 + g % 10)::text, 2, '0') || '001' END::escalation.region, 'street'
FROM generate_series(1, 6000) AS g;
ANALYZE escalation.unit;
SET ROLE t30_lixia;
SELECT diag(pg_temp.plan_of('SELECT * FROM escalation.unit'));
SELECT matches(pg_temp.plan_of('SELECT * FROM escalation.unit'), 'Index Cond: .*region',
	'a district user''s scan of units uses the region index (the policy becomes an index range)');
SELECT matches(pg_temp.plan_of('SELECT * FROM escalation.unit'), 'InitPlan',
	'the caller''s region is computed once per statement (init plan), not per row');
SELECT doesnt_match(pg_temp.plan_of('SELECT * FROM escalation.unit'), 'Seq Scan',
	'a district user''s scan of units does not read the whole table');
SELECT is((SELECT count(*) FROM escalation.unit), 464::bigint, 'the district user counts its own units only');
RESET ROLE;

SELECT * FROM finish();
ROLLBACK;
