-- The record-integrity checks in C answer every caller and every argument
-- shape as the PL/pgSQL functions they replaced did (bench/checks.sql keeps
-- those: this file passes against them too, but for its last test):
--   1. the department check (escalation_internal.check_departments,
--      src/access.c) reads the department's and the caller's region afresh on
--      every call: a department moved to another region, or a role mapped to
--      another, counts at once, in the same transaction and statement;
--   2. the time check (escalation_internal.check_times,
--      src/record_integrity.c), with the settings of escalation.time_window
--      read with the caller's rights, as they are at the time of the call.
BEGIN;
CREATE EXTENSION IF NOT EXISTS escalation;
\ir fixtures/90_escape.sql
SELECT plan(56);
SELECT pg_temp.t90_grant_tap();
SELECT pg_temp.t90_base();
SET LOCAL timezone = 'Asia/Shanghai';

------------------------------------------------------------------------------
-- 1. The department check
------------------------------------------------------------------------------

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
GRANT EXECUTE ON FUNCTION escalation_internal.check_departments(bigint[], bigint[], text[]),
	escalation_internal.check_times(timestamptz[], timestamptz[], text[], boolean) TO PUBLIC;

-- What role who is answered when it calls a check (SELECT call): "accepted",
-- or "<SQLSTATE>: <message> | <detail> | <hint>".
CREATE FUNCTION pg_temp.t95_as(who name, call text) RETURNS text
LANGUAGE plpgsql AS
$$
DECLARE
	detail text;
	hint text;
	answer text;
BEGIN
	BEGIN
		PERFORM set_config('role', who, true);
		EXECUTE 'SELECT ' || call;
		answer := 'accepted';
		PERFORM set_config('role', 'none', true);
	EXCEPTION WHEN OTHERS THEN
		GET STACKED DIAGNOSTICS detail = PG_EXCEPTION_DETAIL, hint = PG_EXCEPTION_HINT;
		answer := format('%s: %s | %s | %s', SQLSTATE, SQLERRM, detail, hint);
	END;
	RETURN answer;
END
$$;
CREATE FUNCTION pg_temp.t95_answer(who name, ids bigint[], was bigint[], names text[]) RETURNS text
LANGUAGE sql AS
$$SELECT pg_temp.t95_as(who, format('escalation_internal.check_departments(%L::bigint[], %L::bigint[], %L::text[])', ids, was, names))$$;

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

------------------------------------------------------------------------------
-- 2. The time check
------------------------------------------------------------------------------

-- What role who is answered for times ats.
CREATE FUNCTION pg_temp.t95_times(who name, ats timestamptz[], was timestamptz[], names text[], deadline boolean)
RETURNS text
LANGUAGE sql AS
$$SELECT pg_temp.t95_as(who, format('escalation_internal.check_times(%L::timestamptz[], %L::timestamptz[], %L::text[], %L::boolean)',
									 ats, was, names, deadline))$$;

-- The answers with their details. The check names the server clock, the
-- time of the statement that calls it: {clock} in an expected answer.
CREATE FUNCTION pg_temp.t95_infinite(c text, t timestamptz) RETURNS text
LANGUAGE sql AS $$SELECT format('22008: %s must be a finite time: "%s" |  | ', c, t)$$;
CREATE FUNCTION pg_temp.t95_ancient(c text, t timestamptz, history interval) RETURNS text
LANGUAGE sql AS
$$SELECT format('22008: %s %s is before the platform''s history window | Times lie at most %s before now (escalation.time_window: history). | ',
				c, t, history)$$;
CREATE FUNCTION pg_temp.t95_beyond(c text, t timestamptz, horizon interval) RETURNS text
LANGUAGE sql AS
$$SELECT format('22008: %s %s is beyond the deadline horizon | Deadlines lie at most %s after now (escalation.time_window: deadline_horizon). | ',
				c, t, horizon)$$;
CREATE FUNCTION pg_temp.t95_future(c text, t timestamptz, skew interval) RETURNS text
LANGUAGE sql AS
$$SELECT format('22008: %s %s is in the future | The server clock reads {clock}; an event may be at most %s ahead of it (escalation.time_window: clock_skew). | ',
				c, t, skew)$$;

CREATE TEMP TABLE t95_time_case (n int, who name, ats timestamptz[], was timestamptz[], names text[], deadline boolean,
								 expected text, what text);
INSERT INTO t95_time_case
SELECT n, who, ats, was, names, deadline, expected, what FROM (VALUES
	(1, 't90_lixia'::name, ARRAY[now() - interval '1 hour'], NULL::timestamptz[], '{inspected_at}'::text[], false, 'accepted',
	 'an event an hour ago is accepted'),
	(2, 't90_lixia', '{infinity}', NULL, '{inspected_at}', false, pg_temp.t95_infinite('inspected_at', 'infinity'),
	 'an infinite event is refused: 22008 naming the column and the value'),
	(3, 't90_lixia', '{-infinity}', NULL, '{rectify_deadline}', true, pg_temp.t95_infinite('rectify_deadline', '-infinity'),
	 'so is a deadline at -infinity'),
	(4, 't90_lixia', '{infinity}', NULL, NULL, false, pg_temp.t95_infinite('<NULL>', 'infinity'),
	 'no column names: the message says <NULL>, as RAISE printed it'),
	(5, 't90_lixia', ARRAY[now() + interval '1 day'], NULL, '{found_at}', false,
	 pg_temp.t95_future('found_at', now() + interval '1 day', '5 minutes'),
	 'an event tomorrow is in the future: the detail names the server clock and the skew'),
	(6, 't90_lixia', ARRAY[now() + interval '2 minutes'], NULL, '{found_at}', false, 'accepted',
	 'an event two minutes ahead is within the default skew of 5 minutes'),
	(7, 't90_lixia', ARRAY[now() - interval '2 years'], NULL, '{found_at}', false, 'accepted',
	 'an event two years back is within the default history of 30 years'),
	(8, 't90_lixia', '{"1900-01-01 00:00+08"}', NULL, '{since}', false,
	 pg_temp.t95_ancient('since', '1900-01-01 00:00+08', '30 years'),
	 'an event in 1900 is before the history window'),
	(9, 't90_lixia', ARRAY[now() + interval '2 years'], NULL, '{rectify_deadline}', true, 'accepted',
	 'a deadline two years ahead is within the default horizon of 3 years'),
	(10, 't90_lixia', '{"9999-12-31 00:00+08"}', NULL, '{rectify_deadline}', true,
	 pg_temp.t95_beyond('rectify_deadline', '9999-12-31 00:00+08', '3 years'),
	 'a deadline in year 9999 is beyond the horizon'),
	(11, 't90_lixia', '{"1900-01-01 00:00+08"}', NULL, '{rectify_deadline}', true,
	 pg_temp.t95_ancient('rectify_deadline', '1900-01-01 00:00+08', '30 years'),
	 'a deadline in 1900 is before the history window'),
	(12, 't90_lixia', ARRAY[now() + interval '3 days'], NULL, '{x}', NULL, 'accepted',
	 'with deadline NULL a time ahead is not checked against the skew or the horizon'),
	(13, 't90_lixia', '{"1900-01-01 00:00+08"}', NULL, '{x}', NULL,
	 pg_temp.t95_ancient('x', '1900-01-01 00:00+08', '30 years'),
	 'but the history window holds'),
	(14, 't90_lixia', '{infinity}', '{infinity}', '{rectify_deadline}', true, 'accepted',
	 'a time a statement keeps (was = ats) is not checked'),
	(15, 't90_lixia', ARRAY[now() - interval '1 hour', NULL, 'infinity', '1900-01-01 00:00+08'], NULL, '{a,b,c,d}', false,
	 pg_temp.t95_infinite('c', 'infinity'),
	 'of several, the first refused is named; a NULL time is skipped'),
	(16, 't90_lixia', '[0:0]={infinity}', NULL, '{a}', false, 'accepted',
	 'subscripts 1 to the length are checked, as PL/pgSQL read them'),
	(17, 't90_lixia', '{{infinity}}', NULL, '{a}', false, 'accepted',
	 'a two-dimensional array has no elements at single subscripts'),
	(18, 't90_lixia', NULL, NULL, NULL, false, 'accepted',
	 'no times at all'),
	(19, 't95_outsider', ARRAY[now() - interval '1 hour'], NULL, '{a}', false, 'accepted',
	 'a role without rights on the settings has a time within a year checked without them'),
	(20, 't95_outsider', ARRAY[now() + interval '1 day'], NULL, '{a}', false,
	 '42501: permission denied for schema escalation |  | ',
	 'but a time that needs the settings is read with the caller''s rights: no USAGE on the schema'),
	(21, 't90_analyst', ARRAY[now() + interval '1 day'], NULL, '{a}', false,
	 '42501: permission denied for table time_window |  | ',
	 'an analyst may not read the settings either'),
	(22, current_user, ARRAY[now() + interval '1 day'], NULL, '{a}', false,
	 pg_temp.t95_future('a', now() + interval '1 day', '5 minutes'),
	 'a superuser''s times are checked too')
) AS c (n, who, ats, was, names, deadline, expected, what);
SELECT is(pg_temp.t95_times(c.who, c.ats, c.was, c.names, c.deadline), replace(c.expected, '{clock}', statement_timestamp()::text),
	format('%s: %s', c.who, c.what))
FROM t95_time_case c ORDER BY c.n;

-- The settings as they are at the call, changed within the transaction.
INSERT INTO escalation.time_window (name, value) VALUES ('clock_skew', '2 days'), ('history', '200 years');
SELECT is(pg_temp.t95_times('t90_lixia', ARRAY[now() + interval '1 day', '1900-01-01 00:00+08'], NULL, '{a,b}', false), 'accepted',
	'with a skew of 2 days and a history of 200 years set earlier in the transaction, tomorrow and 1900 are accepted');
UPDATE escalation.time_window SET value = '1 hour' WHERE name = 'clock_skew';
SELECT is(pg_temp.t95_times('t90_lixia', ARRAY[now() + interval '1 day'], NULL, '{a}', false),
	replace(pg_temp.t95_future('a', now() + interval '1 day', '01:00:00'), '{clock}', statement_timestamp()::text),
	'narrowed to an hour, tomorrow is refused and the detail names the new skew');

------------------------------------------------------------------------------
-- The functions as installed (and as the upgrade script leaves them)
------------------------------------------------------------------------------

SELECT is((SELECT array_agg(l.lanname::text ORDER BY p.proname) FROM pg_proc p JOIN pg_language l ON l.oid = p.prolang
		   WHERE p.oid IN ('escalation_internal.check_departments(bigint[], bigint[], text[])'::regprocedure,
						   'escalation_internal.check_times(timestamptz[], timestamptz[], text[], boolean)'::regprocedure)),
	'{c,c}', 'both checks are C functions');

SELECT * FROM finish();
ROLLBACK;
