-- What the record-integrity checks cost (记录可信校验的开销): microseconds per row
-- of the department-region check (escalation_internal.check_departments) and of the time
-- checks (escalation_internal.check_times), called alone by a district user, and as the
-- triggers call them when a district user inserts inspections and hazards (the
-- same INSERT timed with the helpers as installed, with the department check
-- as it was in PL/pgSQL, and with both helpers replaced by empty ones, rounds
-- alternating). The PL/pgSQL department check is kept here, as the baseline
-- the C one (src/access.c) is measured against. Run it as a
-- superuser on a database with the extension; everything it makes is rolled back:
--
--   psql -X -f bench/checks.sql            (rows: -v n=100000, the default)
--
-- A helper's figure is the best of three rounds; an INSERT's the best of 15
-- rounds of 2,000 rows each (short rounds, so that some run unpreempted on a
-- shared machine).
\set ON_ERROR_STOP 1
\if :{?n}
\else
\set n 100000
\endif
BEGIN;
SET LOCAL timezone = 'Asia/Shanghai';
SET LOCAL client_min_messages = warning;
INSERT INTO escalation.division (code, name) VALUES ('370100', '济南市'), ('370102', '历下区'), ('370102001', '解放路街道')
ON CONFLICT (code) DO NOTHING;
CREATE ROLE bench_checks_district IN ROLE escalation_user;
INSERT INTO escalation.user_region (role_name, region, note) VALUES ('bench_checks_district', '370102', '基准测试');
INSERT INTO escalation.department (name, region) VALUES ('基准历下区应急管理局', '370102') RETURNING id AS dept \gset
INSERT INTO escalation.unit (name, region, supervision_level) VALUES ('基准机械有限公司', '370102001', 'district') RETURNING id AS unit \gset
-- The helpers are the platform's own (no role may call them); the bench role may,
-- until the rollback.
GRANT USAGE ON SCHEMA escalation_internal TO bench_checks_district;
GRANT EXECUTE ON FUNCTION escalation_internal.check_departments(bigint[], bigint[], text[]),
	escalation_internal.check_times(timestamptz[], timestamptz[], text[], boolean) TO bench_checks_district;

-- The department and time checks as they were in PL/pgSQL before they moved
-- to C: the baseline (the same answers: test/pgtap/95_record_checks.sql passes
-- against both).
CREATE FUNCTION pg_temp.check_departments_plpgsql(ids bigint[], was bigint[], names text[]) RETURNS void
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, escalation, pg_temp AS
$$
DECLARE
	dept_region escalation.region;
	caller_region escalation.region;
	inside boolean;
BEGIN
	FOR i IN 1 .. coalesce(array_length(ids, 1), 0) LOOP
		CONTINUE WHEN ids[i] IS NULL OR ids[i] IS NOT DISTINCT FROM was[i] OR ids[i] = ANY (ids[1:i - 1]);
		SELECT d.region, ur.region, coalesce(d.region OPERATOR(escalation.<@) ur.region, false)
		INTO dept_region, caller_region, inside
		FROM escalation.department d
		LEFT JOIN escalation.user_region ur ON ur.role_name = escalation.acting_role()
		WHERE d.id = ids[i];
		CONTINUE WHEN NOT FOUND OR inside;
		IF NOT escalation.caller_sees_region(dept_region, true) THEN
			RAISE EXCEPTION 'department % is outside your region %', ids[i], coalesce(caller_region::text, '(none)')
				USING ERRCODE = 'insufficient_privilege',
					  DETAIL = format('%s names the department that acts; a role acts in the name of departments of its own region only.', names[i]),
					  HINT = 'Each region records the work of its own departments; the city office records work of any department.';
		END IF;
	END LOOP;
END
$$;

CREATE FUNCTION pg_temp.check_times_plpgsql(ats timestamptz[], was timestamptz[], names text[], deadline boolean)
RETURNS void
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, escalation, pg_temp AS
$$
DECLARE
	clock timestamptz := pg_catalog.statement_timestamp();
	skew interval;
	horizon interval;
	history interval;
	at timestamptz;
BEGIN
	FOR i IN 1 .. coalesce(array_length(ats, 1), 0) LOOP
		at := ats[i];
		CONTINUE WHEN at IS NULL OR at IS NOT DISTINCT FROM was[i];
		IF NOT isfinite(at) THEN
			RAISE EXCEPTION '% must be a finite time: "%"', names[i], at USING ERRCODE = 'datetime_field_overflow';
		END IF;
		-- Within a year back and (deadlines) a year ahead or (events) not ahead,
		-- every setting the table may hold accepts it.
		CONTINUE WHEN at >= clock - interval '1 year'
			AND at <= clock + CASE WHEN deadline THEN interval '1 year' ELSE interval '0' END;
		IF history IS NULL THEN
			SELECT coalesce(max(w.value) FILTER (WHERE w.name = 'clock_skew'), interval '5 minutes'),
				coalesce(max(w.value) FILTER (WHERE w.name = 'deadline_horizon'), interval '3 years'),
				coalesce(max(w.value) FILTER (WHERE w.name = 'history'), interval '30 years')
			INTO skew, horizon, history
			FROM escalation.time_window w;
		END IF;
		IF at < clock - history THEN
			RAISE EXCEPTION '% % is before the platform''s history window', names[i], at
				USING ERRCODE = 'datetime_field_overflow',
					  DETAIL = format('Times lie at most %s before now (escalation.time_window: history).', history);
		ELSIF deadline AND at > clock + horizon THEN
			RAISE EXCEPTION '% % is beyond the deadline horizon', names[i], at
				USING ERRCODE = 'datetime_field_overflow',
					  DETAIL = format('Deadlines lie at most %s after now (escalation.time_window: deadline_horizon).', horizon);
		ELSIF NOT deadline AND at > clock + skew THEN
			RAISE EXCEPTION '% % is in the future', names[i], at
				USING ERRCODE = 'datetime_field_overflow',
					  DETAIL = format('The server clock reads %s; an event may be at most %s ahead of it (escalation.time_window: clock_skew).',
									  clock, skew);
		END IF;
	END LOOP;
END
$$;

-- Microseconds per row of a statement over rows rows: the best of three rounds,
-- each in a subtransaction that is rolled back.
CREATE FUNCTION pg_temp.per_row(statement text, rows int) RETURNS numeric
LANGUAGE plpgsql AS
$$
DECLARE
	best numeric;
	t0 timestamptz;
	took numeric;
BEGIN
	FOR round IN 1 .. 3 LOOP
		BEGIN
			t0 := clock_timestamp();
			EXECUTE statement;
			took := extract(epoch FROM clock_timestamp() - t0) * 1e6 / rows;
			RAISE EXCEPTION USING ERRCODE = 'T9999';
		EXCEPTION WHEN SQLSTATE 'T9999' THEN
			best := least(best, took);
		END;
	END LOOP;
	RETURN round(best, 2);
END
$$;
GRANT ALL ON ALL TABLES IN SCHEMA pg_temp TO bench_checks_district;

CREATE TEMP TABLE bench_result (what text, us_per_row numeric, note text);
GRANT ALL ON bench_result TO bench_checks_district;
SET LOCAL ROLE bench_checks_district;
INSERT INTO bench_result SELECT 'loop alone', pg_temp.per_row(format(
	$s$SELECT count(f) FROM (SELECT g AS f FROM generate_series(1, %s) g) s$s$, :n), :n), 'subtracted below';
-- Each helper figure twice: the C function as installed, then the PL/pgSQL
-- baseline. In a call, {f} stands for the function, {dept} for the
-- department.
CREATE TEMP TABLE bench_call (k int, helper text, what text, call text, note text);
INSERT INTO bench_call VALUES
	(1, 'check_departments', '1 department of the caller''s region',
	 $c${f}(ARRAY[{dept}::bigint], NULL, '{department_id}')$c$, 'lookup of the department and of the caller''s region'),
	(2, 'check_departments', '4 unchanged departments',
	 $c${f}(ARRAY[{dept}, {dept}, {dept}, {dept}]::bigint[], ARRAY[{dept}, {dept}, {dept}, {dept}]::bigint[], '{a,b,c,d}')$c$,
	 'an UPDATE that keeps them: no lookup'),
	(3, 'check_times', '1 event',
	 $c${f}(ARRAY[statement_timestamp() - interval '1 hour'], NULL, '{inspected_at}', false)$c$,
	 'within a year of now: no read of escalation.time_window'),
	(4, 'check_times', '6 events',
	 $c${f}(ARRAY[statement_timestamp() - interval '6 hours', statement_timestamp() - interval '5 hours',
		statement_timestamp() - interval '4 hours', statement_timestamp() - interval '3 hours',
		statement_timestamp() - interval '2 hours', statement_timestamp() - interval '1 hour'], NULL, '{a,b,c,d,e,f}', false)$c$,
	 'a hazard entered already closed'),
	(5, 'check_times', '1 deadline',
	 $c${f}(ARRAY[statement_timestamp() + interval '7 days'], NULL, '{rectify_deadline}', true)$c$, ''),
	(6, 'check_times', '1 deadline beyond a year',
	 $c${f}(ARRAY[statement_timestamp() + interval '400 days'], NULL, '{rectify_deadline}', true)$c$,
	 'reads escalation.time_window');
GRANT SELECT ON bench_call TO bench_checks_district;
INSERT INTO bench_result
SELECT format('%s (%s), %s', c.helper, h.impl, c.what),
	pg_temp.per_row(format($s$SELECT count(f) FROM (SELECT %s AS f FROM generate_series(1, %s)) s$s$,
						   replace(replace(c.call, '{f}', h.schema || '.' || c.helper || h.suffix), '{dept}', :'dept'), :n), :n),
	c.note
FROM bench_call c, (VALUES (1, 'C', 'escalation_internal', ''), (2, 'PL/pgSQL', 'pg_temp', '_plpgsql')) AS h (k, impl, schema, suffix)
ORDER BY c.k, h.k;
RESET ROLE;

-- The same INSERT with the helpers as installed (C), with the PL/pgSQL
-- baselines, and with empty helpers, rounds alternating, as the district
-- user; the best of each.
CREATE FUNCTION pg_temp.insert_cost(what text, statement text, rows int, rounds int) RETURNS void
LANGUAGE plpgsql AS
$$
DECLARE
	helpers regprocedure[] := ARRAY['escalation_internal.check_departments(bigint[], bigint[], text[])',
									'escalation_internal.check_times(timestamptz[], timestamptz[], text[], boolean)'];
	installed text[] := ARRAY(SELECT pg_get_functiondef(h) FROM unnest(helpers) AS h);
	-- mode 1: as installed; 2: the PL/pgSQL baselines under the helpers' names; 3: empty
	bodies text[] := ARRAY[
		installed,
		ARRAY(SELECT regexp_replace(pg_get_functiondef(format('pg_temp.%s_plpgsql(%s)', p.proname,
															  oidvectortypes(p.proargtypes))::regprocedure),
									'FUNCTION pg_temp(_\d+)?\.(\w+)_plpgsql\(', 'FUNCTION escalation_internal.\2(')
			  FROM unnest(helpers) WITH ORDINALITY AS h (fn, k) JOIN pg_proc p ON p.oid = h.fn ORDER BY h.k),
		ARRAY(SELECT format('CREATE OR REPLACE FUNCTION %s.%I(%s) RETURNS void LANGUAGE plpgsql AS $e$ BEGIN END $e$',
							p.pronamespace::regnamespace, p.proname, pg_get_function_arguments(p.oid))
			  FROM unnest(helpers) WITH ORDINALITY AS h (fn, k) JOIN pg_proc p ON p.oid = h.fn ORDER BY h.k)];
	best numeric[] := ARRAY[NULL, NULL, NULL];
	t0 timestamptz;
BEGIN
	FOR k IN 1 .. 2 LOOP
		IF bodies[2][k] NOT LIKE '%FUNCTION escalation_internal.check_%LANGUAGE plpgsql%' THEN
			RAISE EXCEPTION 'a PL/pgSQL baseline did not take the helper''s name: %', bodies[2][k];
		END IF;
	END LOOP;
	FOR round IN 1 .. rounds LOOP
		FOR mode IN 1 .. 3 LOOP
			FOR k IN 1 .. 2 LOOP
				EXECUTE bodies[mode][k];
			END LOOP;
			BEGIN
				PERFORM set_config('role', 'bench_checks_district', true);
				t0 := clock_timestamp();
				EXECUTE statement;
				best[mode] := least(best[mode], extract(epoch FROM clock_timestamp() - t0) * 1e6 / rows);
				RAISE EXCEPTION USING ERRCODE = 'T9999';
			EXCEPTION WHEN SQLSTATE 'T9999' THEN
				NULL;
			END;
		END LOOP;
	END LOOP;
	FOR k IN 1 .. 2 LOOP
		EXECUTE installed[k];
	END LOOP;
	INSERT INTO bench_result VALUES
		(what || ', checks on', round(best[1], 2), format('best of %s rounds of %s rows', rounds, rows)),
		(what || ', checks on, PL/pgSQL', round(best[2], 2), 'the same rounds, alternating'),
		(what || ', empty helpers', round(best[3], 2), 'the same rounds, alternating');
END
$$;
\set inserts 2000
SELECT pg_temp.insert_cost('INSERT inspection', format(
	$s$INSERT INTO escalation.inspection (department_id, unit_id, inspected_at)
	   SELECT %s, %s, statement_timestamp() - interval '1 hour' FROM generate_series(1, %s)$s$, :dept, :unit, :inserts), :inserts, 15);
SELECT pg_temp.insert_cost('INSERT hazard', format(
	$s$INSERT INTO escalation.hazard (unit_id, found_by, found_at, rectify_deadline)
	   SELECT %s, %s, statement_timestamp() - interval '1 hour', statement_timestamp() + interval '7 days'
	   FROM generate_series(1, %s)$s$, :unit, :dept, :inserts), :inserts, 15);

\pset footer off
SELECT r.what, r.us_per_row AS "µs per row",
	CASE WHEN r.what LIKE 'check%' THEN r.us_per_row - l.us_per_row END AS "µs per row, loop subtracted", r.note
FROM bench_result r, (SELECT us_per_row FROM bench_result WHERE what = 'loop alone') l
UNION ALL
SELECT 'INSERT ' || t || ': the checks' || CASE m.k WHEN 1 THEN ' (C)' ELSE ' (PL/pgSQL)' END, NULL,
	on_.us_per_row - off_.us_per_row, 'checks on minus empty helpers'
FROM unnest(ARRAY['inspection', 'hazard']) AS t,
	(VALUES (1, ''), (2, ', PL/pgSQL')) AS m (k, label),
	LATERAL (SELECT us_per_row FROM bench_result WHERE what = 'INSERT ' || t || ', checks on' || m.label) on_,
	LATERAL (SELECT us_per_row FROM bench_result WHERE what = 'INSERT ' || t || ', empty helpers') off_;
ROLLBACK;
