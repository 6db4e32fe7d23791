-- Record integrity (记录可信): what users enter is entered in the name of a
-- department of their own region, at a plausible time, under ids and audit
-- stamps the database writes. The helpers here are the one place of each check;
-- the triggers of every table that takes a department or a time from a user call
-- them (docs/SECURITY-HARDENING.md lists where).

-- The window of plausible times (时间合理范围) for what users enter.
CREATE TABLE escalation.time_window (
	name text NOT NULL,
	value interval NOT NULL,
	note text,
	CONSTRAINT time_window_pkey PRIMARY KEY (name),
	CONSTRAINT time_window_name_known CHECK (name IN ('clock_skew', 'deadline_horizon', 'history')),
	-- Never narrower than the window check_times() accepts without reading
	-- this table.
	CONSTRAINT time_window_value_at_least_floor CHECK (value > interval '0'
		AND (name = 'clock_skew' OR value >= interval '1 year'))
);
COMMENT ON TABLE escalation.time_window IS
	'Settings of the window of plausible times for what users enter (times of events, deadlines); a setting not listed takes its default: clock_skew 5 minutes, deadline_horizon 3 years, history 30 years. Only the city office changes them. 时间合理范围设置';
COMMENT ON COLUMN escalation.time_window.name IS 'clock_skew: how far ahead of the server clock an event (found, transferred, rectified, closed, run, ...) may be; deadline_horizon: how far ahead a deadline may be; history: how far back any time may be. 设置项';
COMMENT ON COLUMN escalation.time_window.value IS 'The interval: positive, and at least 1 year for deadline_horizon and history (times within a year of now are accepted without reading this table). 时长';
COMMENT ON COLUMN escalation.time_window.note IS 'Why the city set it so. 备注';
SELECT pg_catalog.pg_extension_config_dump('escalation.time_window', '');

-- Raise an error unless every department that acts lies within the caller's
-- region. C (src/access.c), like check_times: triggers call them for every
-- row they write, and in C a department check is two index probes (the
-- caller's region, the department's) instead of a PL/pgSQL call with a query.
CREATE FUNCTION escalation_internal.check_departments(ids bigint[], was bigint[], names text[]) RETURNS void
AS 'MODULE_PATHNAME', 'escalation_check_departments'
LANGUAGE C STABLE;
COMMENT ON FUNCTION escalation_internal.check_departments(bigint[], bigint[], text[]) IS
	'Raises insufficient_privilege (42501) naming the first department in ids (whose value differs from was: a new or changed value) that lies outside the calling role''s region; superusers and the city office act for any department. 经办部门辖区校验';

-- Raise an error unless every time lies within the window of plausible times
-- (C, src/record_integrity.c).
CREATE FUNCTION escalation_internal.check_times(ats timestamptz[], was timestamptz[], names text[], deadline boolean)
RETURNS void
AS 'MODULE_PATHNAME', 'escalation_check_times'
LANGUAGE C STABLE;
COMMENT ON FUNCTION escalation_internal.check_times(timestamptz[], timestamptz[], text[], boolean) IS
	'Raises datetime_field_overflow (22008) naming the first time in ats (whose value differs from was: a new or changed value) that is infinite, earlier than the history window, or later than now plus the clock skew (events) or the deadline horizon (deadline = true); the window is escalation.time_window, read only for a time more than a year back or ahead, or an event ahead of the clock. 时间合理性校验';

-- Grant INSERT and UPDATE of every column of a table but its identity, generated
-- and audit columns, which the database writes.
CREATE FUNCTION escalation_internal.grant_column_writes(tbl regclass, roles name[]) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, escalation, pg_temp AS
$$
DECLARE
	cols text;
	r name;
BEGIN
	SELECT string_agg(quote_ident(a.attname), ', ' ORDER BY a.attnum) INTO cols
	FROM pg_catalog.pg_attribute a
	WHERE a.attrelid = tbl AND a.attnum > 0 AND NOT a.attisdropped AND a.attidentity = '' AND a.attgenerated = ''
		AND a.attname NOT IN ('created_at', 'created_by', 'updated_at', 'recorded_at', 'recorded_by');
	FOREACH r IN ARRAY roles LOOP
		EXECUTE format('REVOKE INSERT, UPDATE ON %s FROM %I', tbl, r);
		EXECUTE format('GRANT INSERT (%s), UPDATE (%s) ON %s TO %I', cols, cols, tbl, r);
	END LOOP;
END
$$;
COMMENT ON FUNCTION escalation_internal.grant_column_writes(regclass, name[]) IS
	'Grants roles INSERT and UPDATE of every column of a table except identity, generated and audit columns (created_at/by, updated_at, recorded_at/by), which only the database writes; run again after a release adds columns. 按列授予写权限';

SELECT escalation_internal.grant_column_writes('escalation.user_region', '{escalation_admin}');

GRANT SELECT ON escalation.time_window TO escalation_admin, escalation_user;
GRANT INSERT, UPDATE, DELETE ON escalation.time_window TO escalation_admin;
REVOKE ALL ON FUNCTION
	escalation_internal.check_departments(bigint[], bigint[], text[]),
	escalation_internal.check_times(timestamptz[], timestamptz[], text[], boolean),
	escalation_internal.grant_column_writes(regclass, name[])
FROM PUBLIC;
