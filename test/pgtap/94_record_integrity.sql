-- Record integrity: what a district user (历下区, 370102) writes is written in
-- its own name, at plausible times, under ids and audit stamps the database
-- chooses. Each block runs an attack as the attacker would (a login role of
-- 370102, another of 370103 where two parties are needed) and shows how it is
-- answered now:
--   1. acting in another region's department's name: 42501, nothing changes;
--   2. infinite, ancient or future times: 22008 naming the value, nothing
--      changes; the window is a setting of the city office;
--   3. choosing, squatting or renumbering ids, drawing sequence numbers;
--   4. forging unit_history through a temporary trigger, forging audit columns.
BEGIN;
CREATE EXTENSION IF NOT EXISTS escalation;
\ir fixtures/90_escape.sql
SELECT plan(63);
SELECT pg_temp.t90_grant_tap();
SELECT pg_temp.t90_base();
SELECT pg_temp.t90_foreign();
SET LOCAL timezone = 'Asia/Shanghai';

-- How many rows a superuser sees in the tables a department's name fills.
CREATE FUNCTION pg_temp.t94_counts() RETURNS text
LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS
$$
SELECT format('inspection %s hazard %s clue %s history %s dp %s assessment %s',
	(SELECT count(*) FROM escalation.inspection), (SELECT count(*) FROM escalation.hazard),
	(SELECT count(*) FROM escalation.clue), (SELECT count(*) FROM escalation.hazard_history),
	(SELECT count(*) FROM escalation.dual_prevention), (SELECT count(*) FROM escalation.dp_assessment))
$$;
SET LOCAL ROLE t90_lixia;
SELECT lives_ok($$SELECT escalation.hazard_recheck(9263, 9210, true, '复查合格', rechecked_at => now() - interval '1 hour')$$,
	'the own department re-inspects hazard 9263 (closed below)');
RESET ROLE;
-- What the calling role is answered: "accepted", or "<SQLSTATE>: <message>"
-- (with " | <detail>" when there is one).
CREATE FUNCTION pg_temp.t94_error(statement text) RETURNS text
LANGUAGE plpgsql AS
$$
DECLARE
	detail text;
BEGIN
	EXECUTE statement;
	RETURN 'accepted';
EXCEPTION WHEN OTHERS THEN
	GET STACKED DIAGNOSTICS detail = PG_EXCEPTION_DETAIL;
	RETURN SQLSTATE || ': ' || SQLERRM || coalesce(nullif(' | ' || detail, ' | '), '');
END
$$;
CREATE TEMP TABLE t94_before AS SELECT pg_temp.t94_counts() AS counts;
GRANT SELECT ON t94_before TO t90_lixia;

------------------------------------------------------------------------------
-- 1. Acting in the name of another district's department (市中区应急管理局 9410)
------------------------------------------------------------------------------

SET LOCAL ROLE t90_lixia;
SELECT throws_ok($$SELECT escalation.inspect(9201, 9410, inspected_at => now() - interval '1 hour')$$,
	'42501', 'department 9410 is outside your region 370102',
	'inspect() in the name of another district''s department is refused (it would fill that department''s scorecard)');
SELECT throws_ok($$INSERT INTO escalation.inspection (department_id, unit_id, inspected_at) VALUES (9410, 9201, now() - interval '1 hour')$$,
	'42501', 'department 9410 is outside your region 370102',
	'so is a direct INSERT of such an inspection');
SELECT throws_ok($$SELECT escalation.hazard_report('冒名隐患', now() + interval '7 days', unit_id => 9201, found_by => 9410,
													source => 'self_report', found_at => now() - interval '1 hour')$$,
	'42501', 'department 9410 is outside your region 370102',
	'a self-reported hazard cannot name another district''s department as found_by');
SELECT throws_ok($$SELECT escalation.clue_transfer(9410, 9300, '冒名线索', unit_id => 9201, transferred_at => now() - interval '1 hour')$$,
	'42501', 'department 9410 is outside your region 370102',
	'clue_transfer() from another district''s department is refused');
SELECT throws_ok($$SELECT escalation.hazard_extend(9261, now() + interval '30 days', '冒名延期', 9410)$$,
	'42501', 'department 9410 is outside your region 370102',
	'hazard_extend() in another district''s department''s name is refused');
SELECT throws_ok($$SELECT escalation.hazard_confirm(9262, true, 9410, '冒名确认', now() + interval '30 days')$$,
	'42501', 'department 9410 is outside your region 370102',
	'hazard_confirm() in another district''s department''s name is refused');
SELECT throws_ok($$SELECT escalation.hazard_close(9263, 9410, '冒名销号', now() - interval '1 minute')$$,
	'42501', 'department 9410 is outside your region 370102',
	'hazard_close() in another district''s department''s name is refused');
SELECT throws_ok($$SELECT escalation.dp_enrol(9201, 9410, now() - interval '1 hour')$$,
	'42501', 'department 9410 is outside your region 370102',
	'dp_enrol() in another district''s department''s name is refused');
SELECT throws_ok($$INSERT INTO escalation.dp_assessment (unit_id, department_id, state, assessed_at) VALUES (9202, 9410, 'good', now() - interval '1 hour')$$,
	'42501', 'department 9410 is outside your region 370102',
	'an assessment in another district''s department''s name is refused');
SELECT throws_ok($$SELECT escalation.inspect(9201, 9100, inspected_at => now() - interval '1 hour')$$,
	'42501', 'department 9100 is outside your region 370102',
	'a district user does not act in the city government''s name either');
SELECT is(pg_temp.t94_counts(), (SELECT counts FROM t94_before),
	'none of the refused calls changed anything');
RESET ROLE;
UPDATE t94_before SET counts = pg_temp.t94_counts();

SET LOCAL ROLE t90_lixia;
SELECT lives_ok($$SELECT escalation.inspect(9201, 9210, inspected_at => now() - interval '1 hour')$$,
	'inspect() in the name of the own district''s department works');
SELECT lives_ok($$SELECT escalation.clue_transfer(9210, 9410, '移交市中区', unit_id => 9201, transferred_at => now() - interval '1 hour')$$,
	'a clue still goes to another district''s department (only the sender is checked)');
SELECT lives_ok($$SELECT escalation.hazard_close(9263, 9210, '销号', now() - interval '1 minute')$$,
	'hazard_close() by the own department works');
RESET ROLE;
SET LOCAL ROLE t90_admin;
SELECT lives_ok($$SELECT escalation.inspect(9601, 9410, inspected_at => now() - interval '1 hour')$$,
	'the city office records work of any district''s department');
RESET ROLE;

------------------------------------------------------------------------------
-- 2. Times: finite, within the history window, events not in the future,
--    deadlines within the horizon (escalation.time_window)
------------------------------------------------------------------------------

UPDATE t94_before SET counts = pg_temp.t94_counts();

SET LOCAL ROLE t90_lixia;
SELECT throws_ok($$SELECT escalation.hazard_extend(9261, 'infinity', '无限延期', 9210)$$,
	'22008', 'rectify_deadline must be a finite time: "infinity"',
	'extending an overdue hazard to infinity (which withdrew its city circular) is refused');
SELECT throws_ok($$SELECT escalation.hazard_extend(9261, '9999-12-31 00:00+08', '远期延期', 9210)$$,
	'22008', NULL, 'extending it to year 9999 is refused');
SELECT throws_ok($$SELECT escalation.hazard_report('远古隐患', now() + interval '7 days', unit_id => 9201, found_by => 9210,
													found_at => '4000-01-01 00:00+08 BC')$$,
	'22008', NULL, 'a hazard found in 4000 BC (every stage due at once) is refused');
SELECT throws_ok($$SELECT escalation.hazard_report('未来隐患', now() + interval '7 days', unit_id => 9201, found_by => 9210,
													found_at => now() + interval '1 day')$$,
	'22008', NULL, 'a hazard found tomorrow is refused');
SELECT throws_ok($$SELECT escalation.hazard_report('无限期隐患', 'infinity', unit_id => 9201, found_by => 9210,
													found_at => now() - interval '1 hour')$$,
	'22008', NULL, 'a hazard reported with an infinite deadline (never overdue) is refused');
SELECT throws_ok($$SELECT escalation.clue_transfer(9210, 9300, '远古线索', unit_id => 9201, transferred_at => '-infinity')$$,
	'22008', NULL, 'a clue transferred at -infinity is refused');
SELECT throws_ok($$SELECT escalation.clue_transfer(9210, 9300, '未来线索', unit_id => 9201, transferred_at => now() + interval '2 days')$$,
	'22008', NULL, 'a clue transferred in two days is refused');
SELECT throws_ok($$SELECT escalation.clue_handle(9271, 'accepted', handled_at => 'infinity')$$,
	'22008', NULL, 'a clue handled at infinity is refused');
SELECT throws_ok($$SELECT escalation.inspect(9201, 9210, inspected_at => now() + interval '1 day')$$,
	'22008', NULL, 'an inspection tomorrow is refused');
SELECT throws_ok($$SELECT escalation.hazard_rectify(9261, '整改人', rectified_at => now() + interval '1 day')$$,
	'22008', NULL, 'a rectification tomorrow is refused');
SELECT throws_ok($$SELECT escalation.dp_record_run(9202, ran_at => now() + interval '3 days')$$,
	'22008', NULL, 'a dual-prevention run in three days (keeping the idle ladder quiet) is refused');
SELECT throws_ok($$SELECT escalation.licence_renew(9221, '(鲁)LX-新', '2026-01-01', '2028-12-31', '4000-01-01 00:00+08 BC')$$,
	'22008', NULL, 'renewing an expired licence in 4000 BC (its expiry handled before it happened) is refused');
SELECT throws_ok($$SELECT escalation.dp_enrol(9201, 9210, '1900-01-01 00:00+08')$$,
	'22008', NULL, 'an enrolment in 1900 is refused');
SELECT throws_ok($$UPDATE escalation.hazard SET rectify_deadline = 'infinity', deadline_reason = '直接改' WHERE id = 9261$$,
	'22008', NULL, 'a direct UPDATE of a deadline to infinity is refused');
SELECT throws_ok($$INSERT INTO escalation.hazard (unit_id, found_by, found_at, rectify_deadline) VALUES (9201, 9210, '0001-01-01 00:00+08', now())$$,
	'22008', NULL, 'a direct INSERT of an ancient hazard is refused');
SELECT is(pg_temp.t94_counts(), (SELECT counts FROM t94_before),
	'none of the refused times changed anything');
SELECT lives_ok($$SELECT escalation.hazard_extend(escalation.hazard_report('延期测试', now() + interval '7 days', unit_id => 9201,
																		 found_by => 9210),
												  now() + interval '30 days', '正常延期', 9210)$$,
	'an extension within the horizon (before the deadline, by the finder) works');
SELECT lives_ok($$SELECT escalation.hazard_report('两分钟后', now() + interval '7 days', unit_id => 9201, found_by => 9210,
												  found_at => statement_timestamp() + interval '2 minutes')$$,
	'an event two minutes ahead of the server clock is within the clock skew');
SELECT throws_ok($$INSERT INTO escalation.time_window (name, value) VALUES ('clock_skew', '1 day')$$,
	'42501', NULL, 'a district user cannot widen the window');
RESET ROLE;
SET LOCAL ROLE t90_lixia;
SELECT matches(pg_temp.t94_error($p$SELECT escalation.hazard_extend(9261, '9999-12-31 00:00+08', '远期延期', 9210)$p$),
	'^22008: rectify_deadline 9999-12-31 .* is beyond the deadline horizon',
	'the message names the column and the offending value');
RESET ROLE;

SET LOCAL ROLE t90_admin;
SELECT lives_ok($$INSERT INTO escalation.time_window (name, value) VALUES ('deadline_horizon', '10000 years')$$,
	'the city office sets the deadline horizon');
RESET ROLE;
SET LOCAL ROLE t90_lixia;
SELECT lives_ok($$SELECT escalation.hazard_report('远期整改', '9999-12-31 00:00+08', unit_id => 9201, found_by => 9210)$$,
	'with a wider horizon a deadline in year 9999 is accepted');
SELECT throws_ok($$SELECT escalation.hazard_extend(9261, 'infinity', '无限延期', 9210)$$,
	'22008', NULL, 'but infinity never is');
RESET ROLE;
SELECT throws_ok($$INSERT INTO escalation.time_window (name, value) VALUES ('clock_skew', '-1 minute')$$,
	'23514', NULL, 'a window setting is a positive interval');
SELECT throws_ok($$INSERT INTO escalation.time_window (name, value) VALUES ('deadline_horizon', '6 months')$$,
	'23514', NULL, 'the horizon and the history window are never narrower than a year (what is accepted without reading the settings)');

------------------------------------------------------------------------------
-- 3. Ids: chosen by the database only; sequences out of users' reach
------------------------------------------------------------------------------

SELECT is_empty($$
	SELECT c.relname::text, a.attname::text FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
	WHERE c.relnamespace = 'escalation'::regnamespace AND a.attidentity = 'd'$$,
	'every identity column of the schema is GENERATED ALWAYS');
SELECT is_empty($$
	SELECT c.relname::text, a.attname::text, r.rolname::text, p.priv FROM pg_attribute a
	JOIN pg_class c ON c.oid = a.attrelid
	CROSS JOIN (VALUES ('INSERT'), ('UPDATE')) AS p (priv)
	CROSS JOIN pg_roles r
	WHERE c.relnamespace = 'escalation'::regnamespace AND a.attidentity <> '' AND r.rolname LIKE 'escalation\_%'
		AND has_column_privilege(r.oid, c.oid, a.attnum, p.priv)$$,
	'no platform role may insert or update an identity column');
SELECT is_empty($$
	SELECT c.relname::text, r.rolname::text FROM pg_class c CROSS JOIN pg_roles r
	WHERE c.relnamespace = 'escalation'::regnamespace AND c.relkind = 'S' AND r.rolname LIKE 'escalation\_%'
		AND has_sequence_privilege(r.oid, c.oid, 'USAGE, SELECT, UPDATE')
		AND NOT (c.relname = 'warning_event_seq' AND r.rolname = 'escalation_admin')$$,
	'no platform role may use or read a sequence (the city office draws event numbers by inserting warnings)');

SET LOCAL ROLE t90_lixia;
SELECT throws_ok($$INSERT INTO escalation.hazard (id, unit_id, found_by, found_at, rectify_deadline)
				   VALUES (900001, 9201, 9210, now() - interval '1 hour', now() + interval '7 days')$$,
	'428C9', NULL, 'a district user cannot choose a hazard''s id');
SELECT throws_ok($$INSERT INTO escalation.hazard (id, unit_id, found_by, found_at, rectify_deadline) OVERRIDING SYSTEM VALUE
				   VALUES (900001, 9201, 9210, now() - interval '1 hour', now() + interval '7 days')$$,
	'42501', NULL, 'not even with OVERRIDING SYSTEM VALUE');
SELECT throws_ok($$UPDATE escalation.hazard SET id = 900002 WHERE id = 9261$$,
	'428C9', NULL, 'a district user cannot renumber a hazard (which withdrew and raised its warnings again)');
SELECT throws_ok($$UPDATE escalation.hazard SET id = DEFAULT WHERE id = 9261$$,
	'42501', NULL, 'not even to a fresh number');
SELECT throws_ok($$SELECT nextval('escalation.hazard_id_seq')$$,
	'42501', NULL, 'a district user cannot draw (burn) city-wide hazard numbers');
SELECT throws_ok($$SELECT pg_sequence_last_value('escalation.clue_id_seq')$$,
	'42501', NULL, 'nor read how many clues the city has');
RESET ROLE;

-- Squatting: 370102 takes the next ids, then 370103 enters its work.
SET LOCAL ROLE t90_lixia;
SELECT throws_ok($$INSERT INTO escalation.inspection (id, department_id, unit_id, inspected_at) OVERRIDING SYSTEM VALUE
				   SELECT n, 9210, 9201, now() - interval '1 hour'
				   FROM generate_series(nextval('escalation.inspection_id_seq') + 1, currval('escalation.inspection_id_seq') + 50) n$$,
	'42501', NULL, '370102 cannot learn and take the next 50 inspection ids');
RESET ROLE;
SET LOCAL ROLE t90_shizhong;
SELECT lives_ok($$SELECT escalation.inspect(9601, 9410, inspected_at => now() - interval '1 hour')$$,
	'370103 enters its inspection under the next id');
RESET ROLE;

------------------------------------------------------------------------------
-- 4. History and audit columns are written by the database only
------------------------------------------------------------------------------

CREATE TEMP TABLE t94_bait (x int);
GRANT INSERT ON t94_bait TO t90_lixia;
CREATE FUNCTION pg_temp.t94_forge() RETURNS trigger LANGUAGE plpgsql AS
$$
BEGIN
	INSERT INTO escalation.unit_history (unit_id, region, table_name, row_id, operation, changed_by, changed_at, new_row)
	VALUES (9201, '370102001', 'unit', 9201, 'UPDATE', 't90_admin', '2020-01-01 00:00+08', '{"name": "伪造"}');
	RETURN NULL;
END
$$;
CREATE TRIGGER t94_forge AFTER INSERT ON t94_bait FOR EACH ROW EXECUTE FUNCTION pg_temp.t94_forge();
SET LOCAL ROLE t90_lixia;
SELECT throws_ok($$INSERT INTO t94_bait VALUES (1)$$, '42501', NULL,
	'a history entry written by the user''s own temporary trigger (trigger depth 2) is refused');
SELECT throws_ok($$INSERT INTO escalation.unit_history (unit_id, region, table_name, row_id, operation, changed_by, changed_at)
				   VALUES (9201, '370102001', 'unit', 9201, 'UPDATE', 't90_admin', now())$$,
	'42501', NULL, 'so is one inserted directly');
RESET ROLE;
SELECT is((SELECT count(*) FROM escalation.unit_history WHERE changed_by = 't90_admin')::int, 0,
	'no forged history entry exists');
SET LOCAL ROLE t90_lixia;
UPDATE escalation.unit SET address = '历下区解放路1号（更正）' WHERE id = 9201;
RESET ROLE;
SELECT is((SELECT changed_by::text FROM escalation.unit_history WHERE unit_id = 9201 AND operation = 'UPDATE' ORDER BY id DESC LIMIT 1),
	't90_lixia', 'a real change is still recorded, in the acting role''s name');

-- Every audit column a user could write before: forged on INSERT and on UPDATE.
CREATE TEMP TABLE t94_forgery (tbl text, statement text);
INSERT INTO t94_forgery VALUES
	('unit', $s$INSERT INTO escalation.unit (name, region, supervision_level, created_at, updated_at) VALUES ('伪造单位', '370102001', 'district', '2001-01-01', '2001-01-01')$s$),
	('licence', $s$INSERT INTO escalation.licence (unit_id, kind, valid_until, created_at) VALUES (9201, '证', '2027-01-01', '2001-01-01')$s$),
	('department', $s$INSERT INTO escalation.department (name, region, created_at) VALUES ('伪造部门', '370102', '2001-01-01')$s$),
	('duty', $s$INSERT INTO escalation.duty (department_id, person_id, role, created_at, created_by) VALUES (9210, 9213, 'other_in_charge', '2001-01-01', 't90_admin')$s$),
	('supervision_assignment', $s$INSERT INTO escalation.supervision_assignment (unit_id, department_id, supervision_type, created_at, created_by) VALUES (9201, 9200, 'other', '2001-01-01', 't90_admin')$s$),
	('campaign', $s$INSERT INTO escalation.campaign (name, kind, organiser_id, starts_on, ends_on, created_at, created_by) VALUES ('伪造专项', 'special_oversight', 9210, '2026-01-01', '2026-12-31', '2001-01-01', 't90_admin')$s$),
	('inspection', $s$INSERT INTO escalation.inspection (department_id, unit_id, inspected_at, created_at, created_by) VALUES (9210, 9201, now() - interval '1 hour', '2001-01-01', 't90_admin')$s$),
	('hazard', $s$INSERT INTO escalation.hazard (unit_id, found_by, found_at, rectify_deadline, created_at) VALUES (9201, 9210, now() - interval '1 hour', now() + interval '7 days', '2001-01-01')$s$),
	('clue', $s$INSERT INTO escalation.clue (unit_id, from_department, to_department, transferred_at, created_at) VALUES (9201, 9210, 9300, now() - interval '1 hour', '2001-01-01')$s$),
	('dual_prevention', $s$INSERT INTO escalation.dual_prevention (unit_id, since, enrolled_by, created_at) VALUES (9201, now() - interval '1 hour', 9210, '2001-01-01')$s$),
	('dp_run', $s$INSERT INTO escalation.dp_run (unit_id, ran_at, recorded_at) VALUES (9202, now() - interval '1 hour', '2001-01-01')$s$),
	('dp_assessment', $s$INSERT INTO escalation.dp_assessment (unit_id, department_id, state, assessed_at, created_at, created_by) VALUES (9202, 9210, 'good', now() - interval '1 hour', '2001-01-01', 't90_admin')$s$),
	('duty update', $s$UPDATE escalation.duty SET created_at = '2001-01-01', created_by = 't90_admin' WHERE id = 9216$s$),
	('inspection update', $s$UPDATE escalation.inspection SET created_at = '2001-01-01', created_by = 't90_admin' WHERE id = 9251$s$),
	('unit update', $s$UPDATE escalation.unit SET created_at = '2001-01-01', updated_at = '2001-01-01' WHERE id = 9201$s$);
GRANT SELECT ON t94_forgery TO t90_lixia;
SET LOCAL ROLE t90_lixia;
CREATE TEMP TABLE t94_forged AS SELECT f.tbl, pg_temp.t94_error(f.statement) AS answer FROM t94_forgery f;
RESET ROLE;
SELECT is((SELECT count(*)::int FROM t94_forged), 15, 'fifteen forgeries of audit columns were tried');
SELECT is_empty($$SELECT tbl, answer FROM t94_forged WHERE answer NOT LIKE '42501: permission denied for table %'$$,
	'a district user cannot write an audit column (created_at/by, updated_at, recorded_at/by) on INSERT or UPDATE');
SELECT is_empty($$
	SELECT c.relname::text, a.attname::text, r.rolname::text, p.priv FROM pg_attribute a
	JOIN pg_class c ON c.oid = a.attrelid
	CROSS JOIN (VALUES ('INSERT'), ('UPDATE')) AS p (priv)
	CROSS JOIN pg_roles r
	WHERE c.relnamespace = 'escalation'::regnamespace AND c.relkind = 'r' AND NOT a.attisdropped
		AND a.attname IN ('created_at', 'created_by', 'updated_at', 'recorded_at', 'recorded_by')
		AND r.rolname LIKE 'escalation\_%' AND has_column_privilege(r.oid, c.oid, a.attnum, p.priv)$$,
	'no platform role may insert or update an audit column of any table');
SET LOCAL ROLE t90_lixia;
SELECT results_eq($$
	WITH x AS (INSERT INTO escalation.duty (department_id, person_id, role) VALUES (9210, 9213, 'other_in_charge')
			   RETURNING created_at = statement_timestamp() AS at_now, created_by = 't90_lixia' AS by_role)
	SELECT * FROM x$$,
	$$VALUES (true, true)$$,
	'the database stamps who entered a row and when');
RESET ROLE;

------------------------------------------------------------------------------
-- 5. The unique code of a unit answers one bit, and nothing about where
------------------------------------------------------------------------------

-- A valid code for 370102's unit 9201: the same stem with the check character
-- the type accepts.
DO $$
DECLARE
	c text;
BEGIN
	FOREACH c IN ARRAY regexp_split_to_array('0123456789ABCDEFGHJKLMNPQRTUWXY', '') LOOP
		BEGIN
			UPDATE escalation.unit SET uscc = ('91370102MA000010' || c || 'X')::escalation.uscc WHERE id = 9201;
			EXIT;
		EXCEPTION WHEN OTHERS THEN
			NULL;
		END;
	END LOOP;
END
$$;
CREATE TEMP TABLE t94_uscc AS
	SELECT (SELECT uscc::text FROM escalation.unit WHERE id = 9201) AS own, (SELECT uscc::text FROM escalation.unit WHERE id = 9601) AS theirs;
GRANT SELECT ON t94_uscc TO t90_lixia;
SET LOCAL ROLE t90_lixia;
CREATE TEMP TABLE t94_uscc_answer AS SELECT
	pg_temp.t94_error(format($s$INSERT INTO escalation.unit (name, uscc, region, supervision_level) VALUES ('重复登记', %L, '370102001', 'district')$s$, u.own)) AS own,
	pg_temp.t94_error(format($s$INSERT INTO escalation.unit (name, uscc, region, supervision_level) VALUES ('重复登记', %L, '370102001', 'district')$s$, u.theirs)) AS theirs
FROM t94_uscc u;
RESET ROLE;
SELECT ok((SELECT u.own IS NOT NULL AND a.theirs LIKE '23505: %' FROM t94_uscc u, t94_uscc_answer a),
	'registering a code that 370103 registered is refused (a legal entity is registered once in the city)');
SELECT is((SELECT replace(a.theirs, u.theirs, '<code>') FROM t94_uscc u, t94_uscc_answer a),
		  (SELECT replace(a.own, u.own, '<code>') FROM t94_uscc u, t94_uscc_answer a),
	'the answer is the same as for a code registered in the own district: it does not say where');
SELECT doesnt_match((SELECT theirs FROM t94_uscc_answer), '9601|市中|370103',
	'the answer names neither the unit, its id nor its region');

SELECT * FROM finish();
ROLLBACK;
