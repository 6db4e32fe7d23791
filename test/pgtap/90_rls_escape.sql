-- The row-level-security escape suite: a district user (历下区, 370102) calls
-- every function of the schema it may execute (enumerated from pg_proc), writes
-- 370103's ids into every foreign-key column it may write (checked against
-- pg_constraint), and reads, updates and deletes every table and view it may
-- (enumerated from pg_class). Each probe runs twice in one statement: before
-- 370103 has any data but its department names, and after it has data in every
-- regional table. A user who cannot read, change or learn of 370103's rows gets
-- the same answer both times, error messages included, and changes nothing of
-- 370103.
BEGIN;
CREATE EXTENSION IF NOT EXISTS escalation;
\ir fixtures/90_escape.sql
SELECT plan(7 + (SELECT count(DISTINCT what)::int FROM pg_temp.t90_probes('t90_lixia')));
SELECT pg_temp.t90_grant_tap();
SELECT pg_temp.t90_base();

CREATE TEMP TABLE t90_answer AS SELECT * FROM pg_temp.t90_worlds('t90_lixia', '"$user", public');

-- The probes cover what the catalog says a district user can reach.
SELECT is_empty($$SELECT fn::text, vector FROM pg_temp.t90_calls('t90_lixia') WHERE statement IS NULL$$,
	'every argument of every function a district user may execute gets a value (a row of 370103 for ids)');
SELECT is_empty($$
	SELECT DISTINCT c.conrelid::regclass::text, a.attname::text
	FROM pg_constraint c
	CROSS JOIN LATERAL unnest(c.conkey) AS k (attnum)
	JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum
	JOIN pg_class r ON r.oid = c.confrelid
	WHERE c.contype = 'f' AND c.connamespace = 'escalation'::regnamespace AND r.relrowsecurity
		AND (has_column_privilege('t90_lixia', c.conrelid, a.attnum, 'INSERT')
			 OR has_column_privilege('t90_lixia', c.conrelid, a.attnum, 'UPDATE'))
	EXCEPT
	SELECT s.tbl::text, s.col::text FROM pg_temp.t90_statements() s$$,
	'every foreign-key column into a protected table that a district user may write is probed with a row of 370103');
SELECT ok((SELECT array_agg(DISTINCT what) FROM t90_answer)
		  @> ARRAY['escalation.hazard_report(text,timestamp with time zone,bigint,bigint,bigint,escalation.hazard_grade,escalation.hazard_category,text,boolean,timestamp with time zone,text,escalation.hazard_source,bigint)',
				   'escalation.clue_handle(bigint,escalation.clue_handling,text,text,bigint,bigint,timestamp with time zone)',
				   'escalation.acknowledge(bigint,text)', 'escalation.warning_events(bigint,integer)',
				   'escalation.responsibility_gap_counts(date)', 'escalation.person', 'escalation.screen_warning'],
	'the enumeration reaches the lifecycle, clue, acknowledgement, event-stream and gap functions and the tables and views');
SELECT is_empty($$
	SELECT c.relname::text FROM pg_class c
	WHERE c.relnamespace = 'escalation'::regnamespace AND c.relkind = 'r' AND c.relrowsecurity
		AND NOT pg_temp.t90_has_rows_of(c.oid::regclass, '370103')$$,
	'in the second world every protected table holds rows of 370103');
SET LOCAL ROLE t90_shizhong;
SELECT results_eq($$SELECT array_agg(id ORDER BY id) FROM escalation.hazard$$, $$VALUES ('{9671,9672,9673}'::bigint[])$$,
	'a user of 370103 sees its own hazards (the data the 370102 user must not reach is there)');
RESET ROLE;
SELECT is_empty($$SELECT what, vector, after_foreign FROM t90_answer WHERE after_foreign LIKE '%; CHANGED 370103'$$,
	'no probe changed a row of 370103');

-- Department names are a public directory (a clue goes to another district's
-- department by its id); everything else of 370103 is not.
SET LOCAL ROLE t90_lixia;
SELECT is(escalation.department_label(9410), '市中区应急管理局',
	'department_label() names another district''s department: the directory of departments is public');
RESET ROLE;

-- One test per function, foreign-key column, table and view.
SELECT is_empty(
	format($$SELECT vector, before_foreign, after_foreign FROM t90_answer
			 WHERE what = %L AND before_foreign IS DISTINCT FROM after_foreign$$, w.what),
	format('%s: a 370102 user gets the same answer whether or not 370103 has data (%s probes)', w.what, w.probes))
FROM (SELECT what, count(*) AS probes FROM t90_answer GROUP BY what ORDER BY what) w;

SELECT * FROM finish();
ROLLBACK;
