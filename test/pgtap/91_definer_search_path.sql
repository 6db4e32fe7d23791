-- SECURITY DEFINER functions and a hostile search_path. The catalog says every
-- SECURITY DEFINER function, every function whose body is parsed when it runs
-- and every C function that runs SQL pins search_path = pg_catalog, escalation,
-- pg_temp. Then it is tried: a schema of look-alikes (now(), count(*), =, <@,
-- tables named unit, department, user_region, a pg_roles that makes everyone a
-- superuser) is put first in the search_path, and the district user makes
-- temporary look-alikes of its own (domains named text, timestamptz, date, ...
-- and tables named like the platform's), which PostgreSQL searches before
-- pg_catalog unless a function names pg_temp last. Every look-alike reports to
-- t91_evil.spy(), which takes a session advisory lock keyed by the role it runs
-- as (a lock survives the rolled-back subtransaction of each probe). With every
-- function recompiled among the look-alikes, the district user and the city
-- office make every call, statement and query of the escape suite and a few
-- that move units and departments, close a unit, forward a clue, acknowledge a
-- warning, work one through its handling loop, insert one by hand and change a rule: nothing of the look-alikes may run, every answer
-- must equal the answer under a plain search_path, and every SECURITY DEFINER
-- function of the schema must have been called.
BEGIN;
CREATE EXTENSION IF NOT EXISTS escalation;
\ir fixtures/90_escape.sql
-- A city industry that §12 names, for the probe that marks it no longer mandatory.
INSERT INTO escalation.industry (code, name, dual_prevention_scope, dual_prevention_mandatory)
VALUES ('T91', '测试粉尘行业', 'dust', true);
SELECT plan(9);
SELECT pg_temp.t90_grant_tap();
SELECT pg_temp.t90_base();
-- The district user is also its district's command centre and works for its emergency bureau.
GRANT escalation_command_centre TO t90_lixia;
INSERT INTO escalation.user_department (role_name, department_id) VALUES ('t90_lixia', 9210);
-- A notification sender, a channel and one notification waiting: the sender's
-- functions are probed too.
CREATE ROLE t91_sender LOGIN IN ROLE escalation_sender;
INSERT INTO escalation.notification_channel (name, kind, endpoint) VALUES ('t91 robot', 'wecom', 'https://127.0.0.1:9/send?key=t91');
INSERT INTO escalation.notification (idempotency_key, channel_id, address, subject, body, warning_id, event, person_id, recipient, region)
SELECT 't91', c.id, '13800009213', '预警', '预警', w.id, 'raised', 9213, 'liaison', w.region
FROM escalation.notification_channel c, escalation.warning w
WHERE w.id = (SELECT min(x.id) FROM escalation.warning x WHERE x.district OPERATOR(escalation.=) '370102');
SET LOCAL track_functions = 'all';

-- The catalog.
SELECT is_empty($$
	SELECT p.oid::regprocedure::text, p.proconfig::text FROM pg_proc p
	WHERE p.pronamespace IN ('escalation'::regnamespace, 'escalation_internal'::regnamespace) AND p.prosecdef
		AND NOT coalesce('search_path=pg_catalog, escalation, pg_temp' = ANY (p.proconfig), false)$$,
	'every SECURITY DEFINER function pins search_path = pg_catalog, escalation, pg_temp (pg_temp last)');
SELECT is_empty($$
	SELECT p.oid::regprocedure::text, l.lanname::text FROM pg_proc p JOIN pg_language l ON l.oid = p.prolang
	WHERE p.pronamespace IN ('escalation'::regnamespace, 'escalation_internal'::regnamespace)
		AND (l.lanname = 'plpgsql' OR (l.lanname = 'sql' AND p.prosqlbody IS NULL))
		AND NOT coalesce('search_path=pg_catalog, escalation, pg_temp' = ANY (p.proconfig), false)$$,
	'every PL/pgSQL function and SQL function with a string body pins the same search_path (their code is parsed, and PL/pgSQL''s types kept for the session, when they run)');
SELECT is((SELECT array_agg(p.oid::regprocedure::text ORDER BY p.proname) FROM pg_proc p
		   WHERE p.pronamespace IN ('escalation'::regnamespace, 'escalation_internal'::regnamespace) AND p.prolang = (SELECT oid FROM pg_language WHERE lanname = 'c')
			 AND p.provolatile <> 'i' AND NOT 'internal'::regtype = ANY (p.proargtypes::oid[])
			 AND NOT coalesce('search_path=pg_catalog, escalation, pg_temp' = ANY (p.proconfig), false)),
	ARRAY['escalation.caller_sees_region(escalation.region,boolean)', 'escalation_internal.check_departments(bigint[],bigint[],text[])',
		  'escalation_internal.check_times(timestamp with time zone[],timestamp with time zone[],text[],boolean)',
		  'escalation.licence_expires_at(date)', 'escalation.lock_event_stream()'],
	'of the C functions that are not immutable, only five that run no SQL leave search_path alone (run() and acknowledge() pin it)');

-- The look-alikes: a schema of them, owned by the test, usable by everyone.
CREATE SCHEMA t91_evil;
GRANT USAGE ON SCHEMA t91_evil TO PUBLIC;
CREATE FUNCTION t91_evil.spy(what text) RETURNS boolean
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS
$$
BEGIN
	PERFORM pg_catalog.pg_advisory_lock(91, (SELECT r.oid::pg_catalog.int4 FROM pg_catalog.pg_roles r
											 WHERE r.rolname OPERATOR(pg_catalog.=) current_user));
	PERFORM pg_catalog.pg_advisory_lock(92, pg_catalog.hashtext(what));
	RETURN true;
END
$$;
CREATE TABLE t91_evil.spied (what text PRIMARY KEY);

DO $evil$
DECLARE
	f record;
	t record;
	o text;
	n int := 0;
BEGIN
	-- Functions named like pg_catalog's: (name, arguments, result, what they return).
	FOR f IN SELECT * FROM (VALUES
		('now', '', 'timestamptz', 'pg_catalog.now()'),
		('statement_timestamp', '', 'timestamptz', 'pg_catalog.statement_timestamp()'),
		('clock_timestamp', '', 'timestamptz', 'pg_catalog.clock_timestamp()'),
		('current_setting', 'a text', 'text', 'pg_catalog.current_setting(a)'),
		('current_setting', 'a text, b boolean', 'text', 'pg_catalog.current_setting(a, b)'),
		('nextval', 'a regclass', 'bigint', 'pg_catalog.nextval(a)'),
		('btrim', 'a text', 'text', 'pg_catalog.btrim(a)'),
		('lower', 'a text', 'text', 'pg_catalog.lower(a)'),
		('upper', 'a text', 'text', 'pg_catalog.upper(a)'),
		('length', 'a text', 'integer', 'pg_catalog.length(a)'),
		('md5', 'a text', 'text', 'pg_catalog.md5(a)'),
		('format', 'a text', 'text', 'pg_catalog.format(a)'),
		('format', 'a text, VARIADIC b text[]', 'text', 'pg_catalog.format(a, VARIADIC b)'),
		('isfinite', 'a timestamptz', 'boolean', 'pg_catalog.isfinite(a)'),
		('isfinite', 'a date', 'boolean', 'pg_catalog.isfinite(a)'),
		('pg_has_role', 'a name, b name, c text', 'boolean', 'pg_catalog.pg_has_role(a, b, c)'),
		('pg_advisory_xact_lock', 'a bigint', 'void', 'pg_catalog.pg_advisory_xact_lock(a)'),
		('hashtextextended', 'a text, b bigint', 'bigint', 'pg_catalog.hashtextextended(a, b)'),
		('date_trunc', 'a text, b timestamptz', 'timestamptz', 'pg_catalog.date_trunc(a, b)'),
		('extract', 'a text, b timestamptz', 'numeric', 'pg_catalog.extract(a, b)'),
		('extract', 'a text, b interval', 'numeric', 'pg_catalog.extract(a, b)'),
		('daterange', 'a date, b date', 'daterange', 'pg_catalog.daterange(a, b)'),
		('round', 'a numeric, b integer', 'numeric', 'pg_catalog.round(a, b)'),
		('array_to_string', 'a anyarray, b text', 'text', 'pg_catalog.array_to_string(a, b)'),
		('cardinality', 'a anyarray', 'integer', 'pg_catalog.cardinality(a)'),
		('array_position', 'a anycompatiblearray, b anycompatible', 'integer', 'pg_catalog.array_position(a, b)'),
		('array_remove', 'a anycompatiblearray, b anycompatible', 'anycompatiblearray', 'pg_catalog.array_remove(a, b)'),
		('to_jsonb', 'a anyelement', 'jsonb', 'pg_catalog.to_jsonb(a)'),
		('isempty', 'a anyrange', 'boolean', 'pg_catalog.isempty(a)'),
		('lower_inf', 'a anyrange', 'boolean', 'pg_catalog.lower_inf(a)'),
		('lower', 'a anyrange', 'anyelement', 'pg_catalog.lower(a)'),
		('upper', 'a anyrange', 'anyelement', 'pg_catalog.upper(a)'),
		('enum_range', 'a anyenum', 'anyarray', 'pg_catalog.enum_range(a)'),
		('current_region', '', 'escalation.region', '''370103''::escalation.region')) AS x (name, args, result, body)
	LOOP
		n := n + 1;
		EXECUTE format('CREATE FUNCTION t91_evil.%I(%s) RETURNS %s LANGUAGE sql VOLATILE AS %L',
					   f.name, f.args, f.result,
					   format('SELECT CASE WHEN t91_evil.spy(%L) THEN %s END', f.name || '(' || f.args || ')', f.body));
		INSERT INTO t91_evil.spied VALUES (f.name || '(' || f.args || ')');
	END LOOP;
	-- unnest is a set-returning function.
	CREATE FUNCTION t91_evil.unnest(a anyarray) RETURNS SETOF anyelement LANGUAGE sql VOLATILE AS
		$f$SELECT x FROM pg_catalog.unnest(a) AS x WHERE t91_evil.spy('unnest(a anyarray)')$f$;
	INSERT INTO t91_evil.spied VALUES ('unnest(a anyarray)');
	-- Aggregates.
	CREATE FUNCTION t91_evil.count_step(s bigint) RETURNS bigint LANGUAGE sql VOLATILE AS
		$f$SELECT CASE WHEN t91_evil.spy('count(*)') THEN s OPERATOR(pg_catalog.+) 1 END$f$;
	CREATE AGGREGATE t91_evil.count(*) (SFUNC = t91_evil.count_step, STYPE = bigint, INITCOND = '0');
	CREATE FUNCTION t91_evil.array_agg_step(s anycompatiblearray, v anycompatible) RETURNS anycompatiblearray
		LANGUAGE sql VOLATILE AS $f$SELECT CASE WHEN t91_evil.spy('array_agg') THEN pg_catalog.array_append(s, v) END$f$;
	CREATE AGGREGATE t91_evil.array_agg(anycompatible) (SFUNC = t91_evil.array_agg_step, STYPE = anycompatiblearray);
	CREATE FUNCTION t91_evil.bool_or_step(s boolean, v boolean) RETURNS boolean LANGUAGE sql VOLATILE AS
		$f$SELECT CASE WHEN t91_evil.spy('bool_or') THEN coalesce(s, false) OR v END$f$;
	CREATE AGGREGATE t91_evil.bool_or(boolean) (SFUNC = t91_evil.bool_or_step, STYPE = boolean);
	INSERT INTO t91_evil.spied VALUES ('count(*)'), ('array_agg'), ('bool_or');
	-- Operators on the types the platform compares, each calling the real one.
	FOR t IN SELECT * FROM (VALUES ('bigint', 'pg_catalog'), ('integer', 'pg_catalog'), ('text', 'pg_catalog'),
								   ('name', 'pg_catalog'), ('timestamptz', 'pg_catalog'), ('date', 'pg_catalog'),
								   ('escalation.region', 'escalation')) AS x (typ, owner)
	LOOP
		FOREACH o IN ARRAY ARRAY['=', '<>', '<', '<=', '>', '>=']
		LOOP
			n := n + 1;
			EXECUTE format('CREATE FUNCTION t91_evil.op_%s(a %s, b %s) RETURNS boolean LANGUAGE sql VOLATILE AS %L',
						   n, t.typ, t.typ,
						   format('SELECT CASE WHEN t91_evil.spy(%L) THEN a OPERATOR(%s.%s) b END', o || ' ' || t.typ, t.owner, o));
			EXECUTE format('CREATE OPERATOR t91_evil.%s (LEFTARG = %s, RIGHTARG = %s, FUNCTION = t91_evil.op_%s)', o, t.typ, t.typ, n);
			INSERT INTO t91_evil.spied VALUES (o || ' ' || t.typ);
		END LOOP;
	END LOOP;
	FOR f IN SELECT * FROM (VALUES ('<@', 'escalation.region', 'escalation.region', 'escalation'),
								   ('@>', 'escalation.region', 'escalation.region', 'escalation'),
								   ('@>', 'daterange', 'date', 'pg_catalog'), ('&&', 'daterange', 'daterange', 'pg_catalog'),
								   ('||', 'text', 'text', 'pg_catalog')) AS x (op, l, r, owner)
	LOOP
		n := n + 1;
		EXECUTE format('CREATE FUNCTION t91_evil.op_%s(a %s, b %s) RETURNS %s LANGUAGE sql VOLATILE AS %L',
					   n, f.l, f.r, CASE WHEN f.op = '||' THEN 'text' ELSE 'boolean' END,
					   format('SELECT CASE WHEN t91_evil.spy(%L) THEN a OPERATOR(%s.%s) b END', f.op || ' ' || f.l, f.owner, f.op));
		EXECUTE format('CREATE OPERATOR t91_evil.%s (LEFTARG = %s, RIGHTARG = %s, FUNCTION = t91_evil.op_%s)', f.op, f.l, f.r, n);
		INSERT INTO t91_evil.spied VALUES (f.op || ' ' || f.l);
	END LOOP;
END
$evil$;
-- Tables named like the platform's, and a pg_roles in which everyone is a superuser.
CREATE TABLE t91_evil.user_region (role_name name, region escalation.region);
INSERT INTO t91_evil.user_region VALUES ('t90_lixia', '370103');
CREATE TABLE t91_evil.unit AS SELECT * FROM escalation.unit WITH NO DATA;
CREATE TABLE t91_evil.department AS SELECT * FROM escalation.department WITH NO DATA;
CREATE TABLE t91_evil.warning AS SELECT * FROM escalation.warning WITH NO DATA;
CREATE VIEW t91_evil.pg_roles AS SELECT r.rolname, true AS rolsuper, r.oid FROM pg_catalog.pg_roles r;
GRANT SELECT ON ALL TABLES IN SCHEMA t91_evil TO PUBLIC;

-- What the district user shadows in its temporary schema: types PostgreSQL
-- looks up there first unless pg_temp is named last, and tables.
CREATE FUNCTION pg_temp.t91_shadow_types() RETURNS text[]
LANGUAGE sql IMMUTABLE RETURN ARRAY['text', 'timestamptz', 'date', 'name', 'jsonb', 'daterange', 'regclass', 'int8', 'int4', 'float8'];
CREATE FUNCTION pg_temp.t91_shadow_tables() RETURNS text[]
LANGUAGE sql IMMUTABLE RETURN ARRAY['unit', 'department', 'person', 'hazard', 'clue', 'campaign', 'warning', 'user_region',
									'dual_prevention', 'supervision_assignment', 'division'];
INSERT INTO t91_evil.spied SELECT 'temporary domain ' || t FROM unnest(pg_temp.t91_shadow_types()) AS t;

-- The calls the escape suite makes, and a few that fire the remaining triggers.
CREATE FUNCTION pg_temp.t91_probes()
RETURNS TABLE (who name, what text, vector text, statement text)
LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS
$$
SELECT 't90_lixia'::name, p.what, p.vector, p.statement FROM pg_temp.t90_probes('t90_lixia') p
UNION ALL
SELECT 't90_admin', p.what, p.vector, p.statement FROM pg_temp.t90_probes('t90_admin') p WHERE p.statement IS NOT NULL
UNION ALL
SELECT x.who, x.what, 'own', x.statement FROM (VALUES
	('t90_lixia'::name, 'move a unit', $s$UPDATE escalation.unit SET region = '370102002' WHERE id = 9201 RETURNING *$s$),
	('t90_lixia', 'move a department', $s$UPDATE escalation.department SET region = '370102002' WHERE id = 9300 RETURNING *$s$),
	('t90_lixia', 'close a unit', $s$UPDATE escalation.unit SET business_status = 'closed' WHERE id = 9202 RETURNING *$s$),
	('t90_lixia', 'forward a clue',
	 $s$SELECT * FROM escalation.clue_handle(9271, 'forwarded', forward_to => 9210::pg_catalog.int8, handled_at => '2024-06-01 10:00+08'::pg_catalog.timestamptz)$s$),
	('t90_lixia', 'acknowledge a warning',
	 format('SELECT * FROM escalation.acknowledge(%s::pg_catalog.int8, %L::pg_catalog.text)',
			(SELECT min(w.id) FROM escalation.warning w WHERE w.district OPERATOR(escalation.=) '370102'), '已处置')),
	('t90_lixia', 'work a warning through its loop',
	 replace($s$SELECT escalation.warning_review(escalation.warning_feedback(escalation.warning_dispatch(
		escalation.warning_sign({id}::pg_catalog.int8) * 0 + {id}, 9210) * 0 + {id}, '已整改') * 0 + {id}, false, '退回') > 0 AS reviewed$s$,
		'{id}', (SELECT min(w.id) FROM escalation.warning w
				 WHERE w.screen_region OPERATOR(escalation.=) '370102' AND w.resolved_at IS NULL)::text)),
	(session_user, 'insert a warning by hand',
	 $s$INSERT INTO escalation.warning (kind, subject_id, stage, screen, screen_region, action, due_at)
		VALUES ('hazard_overdue', 9261, 9, 'city', '370100', 'circulate', '2024-06-20 10:00+08') RETURNING kind, subject_id, stage$s$),
	('t90_admin', 'extend a hazard on the city screen on a request made in time',
	 $s$SELECT (escalation.hazard_extend(9261, '2024-05-20 18:00+08'::pg_catalog.timestamptz, '同意延期'::pg_catalog.text,
			9110::pg_catalog.int8, '2024-06-01 10:00+08'::pg_catalog.timestamptz)).id
		FROM (SELECT escalation.hazard_extension_request(9261, '2024-05-20 18:00+08'::pg_catalog.timestamptz, '配件未到'::pg_catalog.text,
			'历下申请人'::pg_catalog.text, '2024-05-05 10:00+08'::pg_catalog.timestamptz) OFFSET 0) r$s$),
	('t90_admin', 'refuse an extension',
	 $s$SELECT (escalation.hazard_extension_refuse(9261, 9110::pg_catalog.int8, '不予延期'::pg_catalog.text,
			'2024-06-01 10:00+08'::pg_catalog.timestamptz)).approved
		FROM (SELECT escalation.hazard_extension_request(9261, '2024-05-20 18:00+08'::pg_catalog.timestamptz, '配件未到'::pg_catalog.text,
			'历下申请人'::pg_catalog.text, '2024-05-05 10:00+08'::pg_catalog.timestamptz) OFFSET 0) r$s$),
	('t90_admin', 'run', $s$SELECT * FROM escalation.run()$s$),
	('t90_lixia', 'answer a supervision order',
	 $s$SELECT escalation.supervision_order_reply(1, '已整改'::pg_catalog.text) IS NOT NULL AS answered$s$),
	('t90_admin', 'caution a unit', $s$SELECT escalation.admonition_record('caution'::pg_catalog.text, 9220, NULL, 9201,
		'逾期'::pg_catalog.text, '2024-06-01 10:00+08'::pg_catalog.timestamptz) > 0 AS recorded$s$),
	('t90_admin', 'issue and correct a circular',
	 $s$SELECT escalation.circular_correct(c, '更正'::pg_catalog.text) > 0 AS corrected FROM (SELECT escalation.circular_issue() AS c OFFSET 0) x$s$),
	(session_user, 'delete a warning by hand',
	 $s$DELETE FROM escalation.warning WHERE id OPERATOR(pg_catalog.=) (SELECT w.id FROM escalation.warning w ORDER BY w.id DESC LIMIT 1) RETURNING kind, subject_id, stage$s$),
	('t90_admin', 'rename an issuing office',
	 $s$UPDATE escalation.document_office SET short_name = '历下区安办' WHERE department_id = 9220 RETURNING *$s$),
	('t90_lixia', 'write the closing time of a hazard (the check of listed major hazards)',
	 $s$UPDATE escalation.hazard SET closed_at = closed_at WHERE id = 9261 RETURNING id$s$),
	('t90_admin', 'schedule', $s$SELECT escalation.schedule('*/5 * * * *') > 0 AS job$s$),
	('t91_sender', 'claim, send and count notifications',
	 $s$SELECT c.attempts, escalation.notification_result(c.id, true, 'ok'::pg_catalog.text) IS NULL AS recorded, m.delivered
		FROM escalation.notification_claim('t91', 10) c, escalation.notification_metrics() m$s$),
	-- Rules are changed by the superuser (escalation_admin has no rights on rule_override).
	(session_user, 'change a rule',
	 $s$UPDATE escalation.rule SET delay = '2 days' WHERE kind = 'clue' AND origin = 'district' AND stage = 1 RETURNING *$s$),
	(session_user, 'mark an industry no longer mandatory for dual prevention',
	 $s$UPDATE escalation.industry SET dual_prevention_mandatory = false WHERE code OPERATOR(pg_catalog.=) 'T91'::pg_catalog.text RETURNING code$s$))
	AS x (who, what, statement)
$$;

-- Functions recompile at their next call once their catalog row changes.
CREATE FUNCTION pg_temp.t91_recompile() RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS
$$
DECLARE
	f record;
BEGIN
	FOR f IN SELECT p.oid::regprocedure AS fn, p.procost FROM pg_proc p
			 WHERE p.pronamespace IN ('escalation'::regnamespace, 'escalation_internal'::regnamespace) AND p.prolang IN (SELECT oid FROM pg_language WHERE lanname IN ('plpgsql', 'sql'))
	LOOP
		EXECUTE format('ALTER FUNCTION %s COST %s', f.fn, f.procost);
	END LOOP;
END
$$;

-- Every probe among the look-alikes (made by the district user in its session's
-- temporary schema, and t91_evil first in the path), in order and in reverse,
-- then, with them gone, under a plain path; one statement, so all see the same
-- statement_timestamp().
CREATE FUNCTION pg_temp.t91_attack()
RETURNS TABLE (who name, what text, vector text, statement text, hostile text, hostile_reversed text, plain text)
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS
$$
DECLARE
	probes text[][];
	answers text[] := '{}';
	again text[] := '{}';
	shadow text;
	i int;
BEGIN
	SELECT array_agg(ARRAY[p.who::text, p.what, p.vector, p.statement] ORDER BY p.who, p.what, p.vector) INTO probes
	FROM pg_temp.t91_probes() p;

	PERFORM pg_temp.t91_recompile();
	PERFORM set_config('role', 't90_lixia', true);
	FOREACH shadow IN ARRAY pg_temp.t91_shadow_types()
	LOOP
		EXECUTE format('CREATE DOMAIN pg_temp.%I AS pg_catalog.%I CHECK (t91_evil.spy(%L))', shadow, shadow, 'temporary domain ' || shadow);
	END LOOP;
	FOREACH shadow IN ARRAY pg_temp.t91_shadow_tables()
	LOOP
		EXECUTE format('CREATE TABLE pg_temp.%I AS SELECT * FROM t91_evil.unit', shadow);
	END LOOP;
	PERFORM set_config('role', 'none', true);

	FOR i IN 1 .. array_length(probes, 1) LOOP
		answers := answers || pg_temp.t90_probe(probes[i][1]::name, 't91_evil, pg_catalog, escalation, public', probes[i][4], false);
	END LOOP;
	-- Once more in reverse, everything compiled afresh: a function the caller
	-- calls directly then compiles among the look-alikes before definer code
	-- calls it (its compiled form is kept for the session).
	PERFORM pg_temp.t91_recompile();
	FOR i IN REVERSE array_length(probes, 1) .. 1 LOOP
		again[i] := pg_temp.t90_probe(probes[i][1]::name, 't91_evil, pg_catalog, escalation, public', probes[i][4], false);
	END LOOP;

	FOREACH shadow IN ARRAY pg_temp.t91_shadow_types()
	LOOP
		EXECUTE format('DROP DOMAIN pg_temp.%I CASCADE', shadow);
	END LOOP;
	FOREACH shadow IN ARRAY pg_temp.t91_shadow_tables()
	LOOP
		EXECUTE format('DROP TABLE pg_temp.%I', shadow);
	END LOOP;
	PERFORM pg_temp.t91_recompile();

	FOR i IN 1 .. array_length(probes, 1) LOOP
		who := probes[i][1];
		what := probes[i][2];
		vector := probes[i][3];
		statement := probes[i][4];
		hostile := answers[i];
		hostile_reversed := again[i];
		plain := pg_temp.t90_probe(probes[i][1]::name, 'pg_catalog, escalation, public', probes[i][4], false);
		RETURN NEXT;
	END LOOP;
END
$$;

CREATE TEMP TABLE t91_answer AS SELECT * FROM pg_temp.t91_attack();
CREATE TEMP TABLE t91_ran AS
	SELECT l.classid, l.objid FROM pg_locks l
	WHERE l.locktype = 'advisory' AND l.pid = pg_backend_pid() AND l.classid IN (91, 92);
SELECT pg_advisory_unlock_all();

SELECT is_empty($$SELECT r.rolname::text FROM t91_ran x JOIN pg_roles r ON r.oid = x.objid WHERE x.classid = 91$$,
	'no look-alike ran, as any role: not the city office''s, not the district user''s, not the owner''s');
SELECT is_empty($$SELECT s.what FROM t91_evil.spied s JOIN t91_ran x ON x.classid = 92 AND x.objid = hashtext(s.what)::oid$$,
	'none of the look-alike functions, aggregates, operators or temporary domains was called');
SELECT ok((SELECT count(*) FROM t91_answer WHERE who = 't90_lixia') > 150 AND (SELECT count(*) FROM t91_answer WHERE who = 't90_admin') > 150
		  AND (SELECT count(*) FROM t91_evil.spied) > 80,
	format('the district user and the city office made %s calls and statements among %s look-alikes',
		   (SELECT count(*) FROM t91_answer), (SELECT count(*) FROM t91_evil.spied)));
-- A regclass prints qualified while a look-alike table of that name hides it.
CREATE FUNCTION pg_temp.t91_unqualified(answer text) RETURNS text[]
LANGUAGE sql IMMUTABLE
RETURN (SELECT array_agg(l ORDER BY l)
		FROM regexp_split_to_table(replace(regexp_replace(answer, '^ok: ', ''), 'escalation.', ''), E'\n') AS l);
SELECT is_empty($$SELECT who::text, what, vector, hostile, hostile_reversed, plain FROM t91_answer
				  WHERE pg_temp.t91_unqualified(hostile) IS DISTINCT FROM pg_temp.t91_unqualified(plain)
					 OR pg_temp.t91_unqualified(hostile_reversed) IS DISTINCT FROM pg_temp.t91_unqualified(plain)$$,
	'every call, statement and query answers the same among the look-alikes as under a plain search_path');
SELECT is_empty($$
	SELECT p.oid::regprocedure::text FROM pg_proc p
	WHERE p.pronamespace IN ('escalation'::regnamespace, 'escalation_internal'::regnamespace) AND p.prosecdef
		AND NOT EXISTS (SELECT 1 FROM pg_stat_xact_user_functions s WHERE s.funcid = p.oid AND s.calls > 0)$$,
	'every SECURITY DEFINER function of the schema was called among the look-alikes');
SELECT is((SELECT count(*) FROM t91_answer WHERE what = 'acknowledge a warning' AND hostile LIKE 'ok: %'), 1::bigint,
	'acknowledge(), which writes as the owner of the warnings, did its work among the look-alikes');

SELECT * FROM finish();
ROLLBACK;
