-- The screens' role reads warnings and nothing personal. With both districts'
-- data in place, the screen role (escalation_screen) reads every table and view
-- it may (the catalog says which: four, listed here so that a new grant is
-- looked at) and calls every function it may execute (from pg_proc, with ids of
-- both districts): no answer holds a person's name or phone, a unit's legal
-- representative or safety contact, or the people named in hazards, runs and
-- risk points. The columns the platform marks as personal data it cannot read
-- at all. A screen role mapped to a district sees that district's warnings only.
BEGIN;
CREATE EXTENSION IF NOT EXISTS escalation;
\ir fixtures/90_escape.sql
CREATE ROLE t92_screen_lixia LOGIN IN ROLE escalation_screen;
SELECT plan(11);
SELECT pg_temp.t90_grant_tap();
GRANT SELECT, INSERT, UPDATE ON pg_temp.__tcache__ TO t92_screen_lixia;
GRANT USAGE ON ALL SEQUENCES IN SCHEMA pg_temp TO t92_screen_lixia;
SELECT pg_temp.t90_base();
SELECT pg_temp.t90_foreign();
INSERT INTO escalation.user_region (role_name, region, note) VALUES ('t92_screen_lixia', '370102', '历下区大屏');

-- Personal data of both districts: what the platform marks so (person rows; the
-- unit columns commented "personal data") and the names of people written into
-- hazards, dual-prevention runs and risk points.
CREATE TEMP TABLE t92_personal AS
	SELECT DISTINCT v AS value FROM (
		SELECT unnest(ARRAY[p.name, p.phone, p.title]) FROM escalation.person p
		UNION ALL SELECT unnest(ARRAY[u.legal_representative, u.contact_name, u.contact_phone]) FROM escalation.unit u
		UNION ALL SELECT h.rectified_by FROM escalation.hazard h
		UNION ALL SELECT r.checked_by FROM escalation.dp_run r
		UNION ALL SELECT k.responsible FROM escalation.dp_risk_point k) AS x (v)
	WHERE v IS NOT NULL;

SELECT is((SELECT array_agg(c.relname::text ORDER BY c.relname) FROM pg_class c
		   WHERE c.relnamespace = 'escalation'::regnamespace
			 AND EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
						 AND has_column_privilege('escalation_screen', c.oid, a.attnum, 'SELECT'))),
	ARRAY['division', 'industry', 'responsibility_gap_summary', 'screen_warning'],
	'the screen role can read four relations of the schema: divisions, industries, the gap summary and the screen view');
SELECT is_empty($$
	SELECT c.relname::text, a.attname::text FROM pg_class c
	JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
	WHERE c.relnamespace = 'escalation'::regnamespace
		AND (col_description(c.oid, a.attnum) ILIKE '%personal data%' OR obj_description(c.oid, 'pg_class') ILIKE '%personal data%')
		AND (has_column_privilege('escalation_screen', c.oid, a.attnum, 'SELECT')
			 OR has_column_privilege('escalation_analyst', c.oid, a.attnum, 'SELECT') AND a.attname IN ('phone', 'contact_phone'))$$,
	'no column the platform marks as personal data is readable by the screen role (nor a phone by analysts)');
SELECT ok((SELECT count(*) FROM t92_personal) >= 20, 'both districts hold personal data to look for (' || (SELECT count(*) FROM t92_personal) || ' values)');

SET LOCAL ROLE t90_screen;
SELECT throws_ok('SELECT name, phone FROM escalation.person', '42501', 'permission denied for table person',
	'the screen role cannot read people');
SELECT throws_ok('SELECT legal_representative, contact_name, contact_phone FROM escalation.unit', '42501',
	'permission denied for table unit', 'nor units'' legal representatives and safety contacts');
SELECT throws_ok('SELECT old_row FROM escalation.unit_history', '42501', 'permission denied for table unit_history',
	'nor the history of units, which holds their old rows');
RESET ROLE;

CREATE TEMP TABLE t92_answer AS
	SELECT p.what, p.vector, pg_temp.t90_probe('t90_screen', '"$user", public', p.statement, false) AS answer
	FROM pg_temp.t90_probes('t90_screen') p;
SELECT ok((SELECT count(DISTINCT what) FROM t92_answer) >= 20
		  AND (SELECT count(*) FROM t92_answer WHERE what IN ('escalation.screen_warnings(escalation.region)', 'escalation.screen_warning')
													AND answer LIKE 'ok: %市中秘密化工有限公司%') = 2,
	format('the screen role''s %s calls and queries reach %s functions and relations, and the warnings of both districts',
		   (SELECT count(*) FROM t92_answer), (SELECT count(DISTINCT what) FROM t92_answer)));
SELECT is_empty($$
	SELECT a.what, a.vector, p.value FROM t92_answer a JOIN t92_personal p ON strpos(a.answer, p.value) > 0$$,
	'no answer to the screen role, from any function it may call or relation it may read, holds personal data');
SELECT is_empty($$
	SELECT c.relname::text, p.privilege FROM pg_class c
	CROSS JOIN (VALUES ('INSERT'), ('UPDATE'), ('DELETE'), ('TRUNCATE'), ('USAGE')) AS p (privilege)
	WHERE c.relnamespace = 'escalation'::regnamespace
		AND CASE WHEN c.relkind = 'S' THEN p.privilege = 'USAGE' AND has_sequence_privilege('escalation_screen', c.oid, 'USAGE')
				 ELSE p.privilege <> 'USAGE' AND has_table_privilege('escalation_screen', c.oid, p.privilege) END$$,
	'the screen role may change no table and draw from no sequence');

-- A screen role mapped to a district: that district's warnings, including those escalated to the city.
SET LOCAL ROLE t92_screen_lixia;
SELECT results_eq($$SELECT count(*) > 0, count(*) FILTER (WHERE district::text <> '370102') FROM escalation.screen_warning$$,
	$$VALUES (true, 0::bigint)$$,
	'a district screen''s role sees its district''s warnings in screen_warning, and no other district''s');
SELECT results_eq($$SELECT count(*) > 0, count(*) FILTER (WHERE district::text <> '370102') FROM escalation.warning_events(0)$$,
	$$VALUES (true, 0::bigint)$$,
	'and its district''s events in warning_events(), and no other district''s');
RESET ROLE;

SELECT * FROM finish();
ROLLBACK;
