-- Common helpers (公共函数) that parts of every concern call: calendar days in
-- the platform's time zone, whether the session restores a dump, and the check
-- of a required argument.

-- The first instant of a calendar day in the platform's time zone.
CREATE FUNCTION escalation.day_start(day date) RETURNS timestamptz
LANGUAGE sql STABLE STRICT PARALLEL SAFE
RETURN day::timestamp AT TIME ZONE coalesce(nullif(pg_catalog.current_setting('escalation.timezone', true), ''),
											'Asia/Shanghai');
COMMENT ON FUNCTION escalation.day_start(date) IS
	'The instant a calendar day starts in the platform''s time zone (setting escalation.timezone, default Asia/Shanghai); periods given as dates run from day_start(first) to day_start(last + 1). 自然日起点';

-- The calendar day of an instant in the platform's time zone.
CREATE FUNCTION escalation.local_day(at timestamptz) RETURNS date
LANGUAGE sql STABLE STRICT PARALLEL SAFE
RETURN (at AT TIME ZONE coalesce(nullif(pg_catalog.current_setting('escalation.timezone', true), ''),
								 'Asia/Shanghai'))::date;
COMMENT ON FUNCTION escalation.local_day(timestamptz) IS
	'The calendar day of an instant in the platform''s time zone (setting escalation.timezone). 所属自然日';

-- Whether this session is restoring a dump. pg_dump's scripts and pg_restore set
-- row_security = off (with it off, a query that row-level security would filter
-- fails instead), which no working session of the platform does. Triggers ask
-- it for every row: a body parsed at creation needs no search_path of its own,
-- so the planner inlines it instead of calling a function that sets one.
CREATE FUNCTION escalation.restoring() RETURNS boolean
LANGUAGE sql STABLE PARALLEL SAFE
RETURN pg_catalog.current_setting('row_security') = 'off';
COMMENT ON FUNCTION escalation.restoring() IS
	'True while a dump is being restored (row_security = off): triggers that derive rows skip them, the dump brings them back. 是否正在恢复转储';

-- Raise an error when a required argument of a lifecycle function is missing.
CREATE FUNCTION escalation.require_argument(value anyelement, name text) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, escalation, pg_temp AS
$$
BEGIN
	IF value IS NULL OR (pg_typeof(value) = 'text'::regtype AND btrim(value::text) = '') THEN
		RAISE EXCEPTION 'argument % must not be empty', name USING ERRCODE = 'null_value_not_allowed';
	END IF;
END
$$;
COMMENT ON FUNCTION escalation.require_argument(anyelement, text) IS
	'Raises null_value_not_allowed (22004) naming the argument when it is NULL or blank text. 必填参数校验';

-- A period of days given to a report (the scorecards): both ends, in order.
CREATE FUNCTION escalation.require_period(from_day date, to_day date) RETURNS void
LANGUAGE plpgsql IMMUTABLE SET search_path = pg_catalog, escalation, pg_temp AS
$$
BEGIN
	IF from_day IS NULL OR to_day IS NULL OR to_day < from_day THEN
		RAISE EXCEPTION 'invalid period: % to %', coalesce(from_day::text, 'NULL'), coalesce(to_day::text, 'NULL')
			USING ERRCODE = 'invalid_parameter_value', DETAIL = 'to_day is the last day of the period, on or after from_day.';
	END IF;
END
$$;
COMMENT ON FUNCTION escalation.require_period(date, date) IS
	'Raises invalid_parameter_value (22023) naming both days unless from_day and to_day are given and to_day is not before from_day. 统计期间校验';

------------------------------------------------------------------------------
-- Privileges
------------------------------------------------------------------------------

REVOKE ALL ON FUNCTION
	escalation.day_start(date), escalation.local_day(timestamptz), escalation.restoring(),
	escalation.require_argument(anyelement, text)
FROM PUBLIC;
GRANT EXECUTE ON FUNCTION escalation.day_start(date), escalation.local_day(timestamptz)
TO escalation_admin, escalation_user, escalation_analyst, escalation_screen;
-- The history trigger asks it while a user's change runs.
GRANT EXECUTE ON FUNCTION escalation.restoring() TO escalation_admin, escalation_user;
GRANT EXECUTE ON FUNCTION escalation.require_argument(anyelement, text) TO escalation_admin, escalation_user;
REVOKE ALL ON FUNCTION escalation.require_period(date, date) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION escalation.require_period(date, date)
TO escalation_admin, escalation_user, escalation_analyst, escalation_screen;
