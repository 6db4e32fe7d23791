-- What the catalog must say about privileges, for every object of the schema,
-- so that a new object cannot open a door by its defaults: nothing for PUBLIC
-- (a function is executable by PUBLIC unless that is revoked), SECURITY DEFINER
-- functions only for the platform's roles, views over protected tables with
-- the caller's rights unless only all-seeing roles read them, and the district
-- policy the same on every protected table. What users do not call lives in
-- schema escalation_internal, which no role of the platform may use.
BEGIN;
CREATE EXTENSION IF NOT EXISTS escalation;
SELECT plan(12);

SELECT is_empty($$SELECT a.privilege_type::text FROM pg_namespace n, aclexplode(n.nspacl) a
				  WHERE n.nspname = 'escalation' AND a.grantee = 0$$,
	'PUBLIC has no privilege on schema escalation');
SELECT is_empty($$
	SELECT c.relname::text, a.privilege_type::text FROM pg_class c, aclexplode(c.relacl) a
	WHERE c.relnamespace = 'escalation'::regnamespace AND a.grantee = 0
	UNION ALL
	SELECT c.relname || '.' || t.attname, a.privilege_type FROM pg_class c
	JOIN pg_attribute t ON t.attrelid = c.oid AND t.attnum > 0, aclexplode(t.attacl) a
	WHERE c.relnamespace = 'escalation'::regnamespace AND a.grantee = 0$$,
	'no table, view, sequence or column of the schema is granted to PUBLIC');
SELECT is_empty($$
	SELECT p.oid::regprocedure::text, l.lanname::text, p.provolatile::text FROM pg_proc p JOIN pg_language l ON l.oid = p.prolang
	WHERE p.pronamespace IN ('escalation'::regnamespace, 'escalation_internal'::regnamespace)
		AND (p.proacl IS NULL OR EXISTS (SELECT 1 FROM aclexplode(p.proacl) a WHERE a.grantee = 0))
		AND NOT (l.lanname = 'c' AND (p.provolatile = 'i' OR 'internal'::regtype = ANY (p.proargtypes::oid[])))$$,
	'PUBLIC may execute only the C functions of the identifier types (input, output, comparison, hashing, planner support), pure like PostgreSQL''s own');
SELECT is_empty($$
	SELECT p.oid::regprocedure::text, a.grantee::regrole::text FROM pg_proc p, aclexplode(p.proacl) a
	WHERE p.pronamespace IN ('escalation'::regnamespace, 'escalation_internal'::regnamespace) AND p.prosecdef AND a.grantee <> p.proowner
		AND a.grantee NOT IN ('escalation_admin'::regrole, 'escalation_user'::regrole, 'escalation_analyst'::regrole,
							  'escalation_screen'::regrole, 'escalation_sender'::regrole)$$,
	'a SECURITY DEFINER function is executable only by its owner, the platform''s four roles and the notification sender');

-- The internal schema: trigger functions and the helpers behind SECURITY
-- DEFINER code, out of the users' schema and out of their reach.
SELECT ok(EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = 'escalation_internal')
		  AND NOT EXISTS (SELECT 1 FROM pg_namespace n, aclexplode(coalesce(n.nspacl, acldefault('n', n.nspowner))) a
						  WHERE n.nspname = 'escalation_internal' AND a.grantee <> n.nspowner),
	'schema escalation_internal exists and nobody but its owner may use it: not PUBLIC, not the platform''s roles');
SELECT is_empty($$
	SELECT p.oid::regprocedure::text, r.rolname::text FROM pg_proc p, pg_roles r
	WHERE p.pronamespace = 'escalation_internal'::regnamespace
		AND r.rolname IN ('escalation_admin', 'escalation_user', 'escalation_analyst', 'escalation_screen', 'escalation_sender')
		AND has_function_privilege(r.oid, p.oid, 'EXECUTE')$$,
	'no function of escalation_internal is executable by the platform''s roles, whatever the schema allows');
SELECT is_empty($$
	SELECT p.oid::regprocedure::text FROM pg_proc p
	WHERE p.pronamespace = 'escalation'::regnamespace
		AND (p.prorettype = 'trigger'::regtype
			 OR p.proname IN ('hazard_refuse', 'hazard_check_row', 'campaign_admits', 'require_cron'))$$,
	'schema escalation holds no trigger function and none of the helpers behind the hazard and campaign triggers and the scheduling functions');
SELECT is((SELECT array_agg(p.proname::text ORDER BY p.proname) FROM pg_proc p
		   WHERE p.pronamespace = 'escalation_internal'::regnamespace
			 AND p.proname IN ('hazard_refuse', 'hazard_check_row', 'campaign_admits', 'require_cron')
			 AND NOT has_function_privilege('escalation_user', p.oid, 'EXECUTE')
			 AND NOT has_function_privilege('escalation_admin', p.oid, 'EXECUTE')),
	ARRAY['campaign_admits', 'hazard_check_row', 'hazard_refuse', 'require_cron'],
	'the hazard, campaign and pg_cron checks are in escalation_internal, and neither district users nor the city office may execute them');

-- Views: which protected tables they read, and who may read them.
CREATE TEMP TABLE t93_view AS
	SELECT v.oid, v.relname::text AS name, coalesce('security_invoker=true' = ANY (v.reloptions), false) AS invoker,
		has_table_privilege('escalation_user', v.oid, 'SELECT') OR has_table_privilege('escalation_screen', v.oid, 'SELECT')
			AS partial_readers,
		array_agg(DISTINCT t.relname::text) FILTER (WHERE t.relrowsecurity) AS protected_tables,
		array_agg(DISTINCT f.oid) FILTER (WHERE f.oid IS NOT NULL) AS functions
	FROM pg_class v
	JOIN pg_rewrite r ON r.ev_class = v.oid
	JOIN pg_depend d ON d.classid = 'pg_rewrite'::regclass AND d.objid = r.oid
	LEFT JOIN pg_class t ON d.refclassid = 'pg_class'::regclass AND t.oid = d.refobjid AND t.oid <> v.oid
	LEFT JOIN pg_proc f ON d.refclassid = 'pg_proc'::regclass AND f.oid = d.refobjid
		AND f.pronamespace IN ('escalation'::regnamespace, 'escalation_internal'::regnamespace) AND f.prosecdef
	WHERE v.relnamespace = 'escalation'::regnamespace AND v.relkind = 'v'
	GROUP BY v.oid, v.relname, v.reloptions;
SELECT is_empty($$SELECT name, protected_tables::text FROM t93_view
				  WHERE protected_tables IS NOT NULL AND NOT invoker AND partial_readers$$,
	'every view over a table with row-level security runs with the caller''s rights, or only roles that read every row (city office, analysts) may read it');
SELECT is_empty($$
	SELECT v.name, f::regprocedure::text FROM t93_view v, unnest(v.functions) AS f
	WHERE NOT v.invoker AND v.partial_readers
		AND pg_get_functiondef(f) NOT LIKE '%current_region()%' AND pg_get_functiondef(f) NOT LIKE '%screen_scope()%'$$,
	'a view district users or screens read without the caller''s rights reads through SECURITY DEFINER functions that filter by the caller''s region');
SELECT is((SELECT array_agg(name ORDER BY name) FROM t93_view WHERE NOT invoker AND partial_readers AND functions IS NOT NULL),
	ARRAY['responsibility_gap_summary', 'screen_warning'],
	'those views are the gap summary and the screen view (behaviour: test/pgtap/90_rls_escape.sql, 92_screen_privacy.sql)');

SET LOCAL search_path = public;
SELECT is_empty($$
	SELECT p.tablename::text, p.policyname::text, p.qual, p.with_check FROM pg_policies p
	WHERE p.schemaname = 'escalation' AND p.policyname = 'region_user'
		AND (p.qual IS DISTINCT FROM '(region OPERATOR(escalation.<@) ( SELECT escalation.current_region() AS current_region))'
			 OR p.with_check IS DISTINCT FROM p.qual OR p.roles <> '{escalation_user}' OR p.cmd <> 'ALL')$$,
	'every district policy limits reads and writes to region <@ current_region(), for escalation_user only');

SELECT * FROM finish();
ROLLBACK;
