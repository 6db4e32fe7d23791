-- The department check (escalation_internal.check_departments, src/access.c)
-- answers every caller and every argument shape as the PL/pgSQL function it
-- replaced did (bench/checks.sql keeps that one: this file passes against it
-- too), and reads the department's and the caller's region afresh on every
-- call: a department moved to another region, or a role mapped to another,
-- counts at once, in the same transaction and in the same statement.
BEGIN;
CREATE EXTENSION IF NOT EXISTS escalation;
\ir fixtures/90_escape.sql
SELECT plan(32);
SELECT pg_temp.t90_grant_tap();
SELECT pg_temp.t90_base();

-- A street user, a city user, a platform user with no region, and a role
-- mapped to 370102 that is no platform user.
CREATE ROLE t95_street IN ROLE escalation_user;
CREATE ROLE t95_city IN ROLE escalation_user;
CREATE ROLE t95_unmapped IN ROLE escalation_user;
CREATE ROLE t95_outsider;
INSERT INTO escalation.user_region (role_name, region, note) VALUES
	('t95_street', '370102001', '解放路街道'), ('t95_city', '370100', '济南市'), ('t95_outsider', '370102', '非平台角色');
-- The helper is the platform's own; the test roles may call it until the
-- rollback.
GRANT USAGE ON SCHEMA escalation_internal TO PUBLIC;
GRANT EXECUTE ON FUNCTION escalation_internal.check_departments(bigint[], bigint[], text[]) TO PUBLIC;

-- What role is answered: "accepted", or "<SQLSTATE>: <message> | <detail> |
-- <hint>".
CREATE FUNCTION pg_temp.t95_answer(who name, ids bigint[], was bigint[], names text[]) RETURNS text
LANGUAGE plpgsql AS
$$
DECLARE
	detail text;
	hint text;
	answer text;
BEGIN
	BEGIN
		PERFORM set_config('role', who, true);
		PERFORM escalation_internal.check_departments(ids, was, names);
		answer := 'accepted';
		PERFORM set_config('role', 'none', true);
	EXCEPTION WHEN OTHERS THEN
		GET STACKED DIAGNOSTICS detail = PG_EXCEPTION_DETAIL, hint = PG_EXCEPTION_HINT;
		answer := format('%s: %s | %s | %s', SQLSTATE, SQLERRM, detail, hint);
	END;
	RETURN answer;
END
$$;

-- The answer the check gives when it refuses department d for role region r,
-- naming column c.
CREATE FUNCTION pg_temp.t95_refused(d bigint, r text, c text) RETURNS text
LANGUAGE sql AS
$$
SELECT format('42501: department %s is outside your region %s | %s names the department that acts; a role acts in the name of departments of its own region only. | Each region records the work of its own departments; the city office records work of any department.',
			  d, r, c)
$$;

CREATE TEMP TABLE t95_case (n int, who name, ids bigint[], was bigint[], names text[], expected text, what text);
INSERT INTO t95_case VALUES
	(1, 't90_lixia', '{9210}', NULL, '{department_id}', 'accepted',
	 'a district user acts for its own district''s department'),
	(2, 't90_lixia', '{9300}', NULL, '{department_id}', 'accepted',
	 'and for a street office within its district'),
	(3, 't90_lixia', '{9410}', NULL, '{department_id}', pg_temp.t95_refused(9410, '370102', 'department_id'),
	 'not for another district''s department: 42501, naming the department, the caller''s region and the column'),
	(4, 't90_lixia', '{9100}', NULL, '{department_id}', pg_temp.t95_refused(9100, '370102', 'department_id'),
	 'nor for the city''s department'),
	(5, 't90_lixia', '{9410}', '{9410}', '{department_id}', 'accepted',
	 'a department a statement keeps (was = ids) is not checked'),
	(6, 't90_lixia', '{9410}', '{9210}', '{department_id}', pg_temp.t95_refused(9410, '370102', 'department_id'),
	 'a department a statement changes is'),
	(7, 't90_lixia', '{9210,9410,9100}', NULL, '{found_by,confirmed_by,closed_by}', pg_temp.t95_refused(9410, '370102', 'confirmed_by'),
	 'of several, the first refused is named, with its own column'),
	(8, 't90_lixia', '{NULL,9410}', '{NULL,NULL}', '{a,b}', pg_temp.t95_refused(9410, '370102', 'b'),
	 'a NULL department is skipped'),
	(9, 't90_lixia', '{9410,9410}', '{9410,NULL}', '{a,b}', 'accepted',
	 'a department repeated after a kept one is not checked again'),
	(10, 't90_lixia', '{999999}', NULL, '{department_id}', 'accepted',
	 'a department that does not exist is the foreign key''s to report'),
	(11, 't90_lixia', '{9410}', NULL, NULL, pg_temp.t95_refused(9410, '370102', ''),
	 'no column names: the detail names none'),
	(12, 't90_lixia', NULL, NULL, NULL, 'accepted',
	 'no departments at all'),
	(13, 't90_lixia', '{}', '{}', '{}', 'accepted',
	 'an empty array'),
	(14, 't90_lixia', '[0:1]={9410,9210}', NULL, '{a,b}', 'accepted',
	 'subscripts 1 to the length are checked, as PL/pgSQL read them (a lower bound of 0 hides the first element)'),
	(15, 't90_lixia', '{{9410}}', NULL, '{a}', 'accepted',
	 'a two-dimensional array has no elements at single subscripts'),
	(16, 't95_street', '{9300}', NULL, '{department_id}', 'accepted',
	 'a street user acts for its street office'),
	(17, 't95_street', '{9210}', NULL, '{department_id}', pg_temp.t95_refused(9210, '370102001', 'department_id'),
	 'not for the district''s department above it'),
	(18, 't95_city', '{9410}', NULL, '{department_id}', 'accepted',
	 'a city user acts for any department of the city'),
	(19, 't95_unmapped', '{9210}', NULL, '{department_id}', pg_temp.t95_refused(9210, '(none)', 'department_id'),
	 'a platform user with no region acts for none: "(none)"'),
	(20, 't95_outsider', '{9210}', NULL, '{department_id}', 'accepted',
	 'a role mapped to 370102 acts for its departments'),
	(21, 't95_outsider', '{9410}', NULL, '{department_id}', pg_temp.t95_refused(9410, '370102', 'department_id'),
	 'and for no other'),
	(22, 't90_analyst', '{9210}', NULL, '{department_id}', pg_temp.t95_refused(9210, '(none)', 'department_id'),
	 'an analyst reads everything but acts for no department'),
	(23, 't90_admin', '{9410,9100}', NULL, '{a,b}', 'accepted',
	 'the city office acts for any department'),
	(24, current_user, '{9410,9100}', NULL, '{a,b}', 'accepted',
	 'so does a superuser');
SELECT is(pg_temp.t95_answer(c.who, c.ids, c.was, c.names), c.expected, format('%s: %s', c.who, c.what))
FROM t95_case c ORDER BY c.n;

-- Moves within the transaction count at once.
SELECT is(pg_temp.t95_answer('t90_lixia', '{9410}', NULL, '{department_id}'), pg_temp.t95_refused(9410, '370102', 'department_id'),
	'before the move: 市中区应急管理局 is refused to 历下');
UPDATE escalation.department SET region = '370102', parent_id = 9200 WHERE id = 9410;
SELECT is(pg_temp.t95_answer('t90_lixia', '{9410}', NULL, '{department_id}'), 'accepted',
	'moved into 370102 earlier in the transaction, it is accepted at once');
UPDATE escalation.department SET region = '370103', parent_id = 9400 WHERE id = 9410;
SELECT is(pg_temp.t95_answer('t90_lixia', '{9410}', NULL, '{department_id}'), pg_temp.t95_refused(9410, '370102', 'department_id'),
	'moved back, it is refused again');
UPDATE escalation.user_region SET region = '370103' WHERE role_name = 't90_lixia';
SELECT is(pg_temp.t95_answer('t90_lixia', '{9410,9210}', NULL, '{a,b}'), pg_temp.t95_refused(9210, '370103', 'b'),
	'a role mapped to another region counts at once: 9410 is now its own, 9210 is not');
UPDATE escalation.user_region SET region = '370102' WHERE role_name = 't90_lixia';

-- Within one statement: check, move, check again (each step of a PL/pgSQL
-- function sees what the step before changed).
CREATE FUNCTION pg_temp.t95_move_within_statement() RETURNS text[]
LANGUAGE plpgsql AS
$$
DECLARE
	answers text[];
BEGIN
	answers := answers || pg_temp.t95_answer('t90_lixia', '{9410}', NULL, '{department_id}');
	UPDATE escalation.department SET region = '370102', parent_id = 9200 WHERE id = 9410;
	answers := answers || pg_temp.t95_answer('t90_lixia', '{9410}', NULL, '{department_id}');
	UPDATE escalation.department SET region = '370103', parent_id = 9400 WHERE id = 9410;
	answers := answers || pg_temp.t95_answer('t90_lixia', '{9410}', NULL, '{department_id}');
	RETURN answers;
END
$$;
SELECT is(pg_temp.t95_move_within_statement(),
	ARRAY[pg_temp.t95_refused(9410, '370102', 'department_id'), 'accepted', pg_temp.t95_refused(9410, '370102', 'department_id')],
	'within one statement, a department moved in and out is accepted and refused as it moves');

-- As the triggers call it: an inspection in 市中's department's name, refused
-- before 9410 moves into 370102 and accepted after, in one transaction.
SET LOCAL ROLE t90_lixia;
SELECT throws_ok($$INSERT INTO escalation.inspection (department_id, unit_id, inspected_at) VALUES (9410, 9201, now() - interval '1 hour')$$,
	'42501', 'department 9410 is outside your region 370102',
	'the inspection trigger refuses 9410 for 历下');
RESET ROLE;
UPDATE escalation.department SET region = '370102', parent_id = 9200 WHERE id = 9410;
SET LOCAL ROLE t90_lixia;
SELECT lives_ok($$INSERT INTO escalation.inspection (department_id, unit_id, inspected_at) VALUES (9410, 9201, now() - interval '1 hour')$$,
	'and accepts it once 9410 is in 370102');
RESET ROLE;

-- The function as installed (and as the upgrade script leaves it).
SELECT is((SELECT l.lanname::text FROM pg_proc p JOIN pg_language l ON l.oid = p.prolang
		   WHERE p.oid = 'escalation_internal.check_departments(bigint[], bigint[], text[])'::regprocedure),
	'c', 'the department check is a C function');

SELECT * FROM finish();
ROLLBACK;
