-- The warning engine (预警管理, §14–19): the kinds of warnings, the warnings and
-- the event stream's numbers, the run log, the engine's entry point (run();
-- the engine itself is src/engine.c) and scheduling with pg_cron.
-- The ladders are in 52_rules.sql, the engine's work list in 54_work_list.sql.

------------------------------------------------------------------------------
-- Kinds, actions and resolutions (预警类型、处置动作、解除原因)
------------------------------------------------------------------------------

CREATE TYPE escalation.warning_kind AS ENUM
	('hazard_overdue', 'major_hazard', 'clue', 'licence_expired', 'dual_prevention_idle',
	 'handling_sign', 'handling_reply', 'major_hazard_listed');
COMMENT ON TYPE escalation.warning_kind IS
	'Kind of warning (预警类型): hazard_overdue 一般隐患逾期未整改 (§15), major_hazard 疑似重大事故隐患未确认 (§16), clue 移交线索未处理 (§17), licence_expired 安全生产许可类证件逾期 (§18), dual_prevention_idle 双重预防机制未正常运行 (§19), handling_sign 预警超时未签收, handling_reply 预警逾期未反馈 (§14, the handling timers), major_hazard_listed 挂牌督办重大事故隐患逾期未治理 (§14). Values added after 0.1.0 come last, in the order the upgrade adds them.';

CREATE TYPE escalation.warning_action AS ENUM ('confirm', 'supervise', 'circulate');
COMMENT ON TYPE escalation.warning_action IS
	'What the office of the screen''s level does at a stage (处置动作): confirm 通知确认, supervise 督办, circulate 通报.';

CREATE TYPE escalation.warning_resolution AS ENUM
	('closed', 'confirmed', 'ruled_out', 'handled', 'renewed', 'ran', 'rescheduled', 'withdrawn',
	 'signed', 'answered');
COMMENT ON TYPE escalation.warning_resolution IS
	'Why a warning was resolved (解除原因): closed 隐患已销号, confirmed 已确认为重大事故隐患, ruled_out 已排除重大事故隐患, handled 线索已处理, renewed 证件已换发, ran 双重预防机制已恢复运行, rescheduled 起算时间已变更（如延期）, withdrawn 事项已撤销或不再适用, signed 预警已签收, answered 预警已反馈.';

------------------------------------------------------------------------------
-- Warnings (预警) and the event stream's numbers
------------------------------------------------------------------------------

CREATE SEQUENCE escalation.warning_event_seq;
COMMENT ON SEQUENCE escalation.warning_event_seq IS
	'Numbers every event the screens must see: a warning raised (its id), resolved (resolved_seq), acknowledged (ack_seq). 预警事件序号';
SELECT pg_catalog.pg_extension_config_dump('escalation.warning_event_seq', '');

CREATE TABLE escalation.warning (
	id bigint NOT NULL DEFAULT nextval('escalation.warning_event_seq'),
	kind escalation.warning_kind NOT NULL,
	subject_id bigint NOT NULL,
	stage smallint NOT NULL,
	origin escalation.level NOT NULL,
	screen escalation.level NOT NULL,
	screen_region escalation.region NOT NULL,
	action escalation.warning_action NOT NULL,
	started_at timestamptz NOT NULL,
	due_at timestamptz NOT NULL,
	raised_at timestamptz NOT NULL DEFAULT now(),
	resolved_at timestamptz,
	resolved_reason escalation.warning_resolution,
	resolved_seq bigint,
	acknowledged_at timestamptz,
	acknowledged_by name,
	ack_note text,
	ack_seq bigint,
	region escalation.region NOT NULL,
	district escalation.region,
	unit_id bigint,
	department_id bigint,
	CONSTRAINT warning_pkey PRIMARY KEY (id),
	-- The item's id first: it tells rows apart at the first column compared.
	CONSTRAINT warning_item_stage_key UNIQUE (subject_id, kind, started_at, stage),
	CONSTRAINT warning_stage_between_1_and_9 CHECK (stage BETWEEN 1 AND 9),
	CONSTRAINT warning_origin_city_or_district CHECK (origin IN ('city', 'district')),
	CONSTRAINT warning_screen_city_or_district CHECK (screen IN ('city', 'district')),
	CONSTRAINT warning_acknowledged_with_time CHECK (ack_seq IS NULL OR acknowledged_at IS NOT NULL)
);
CREATE UNIQUE INDEX warning_resolved_seq_idx ON escalation.warning (resolved_seq) WHERE resolved_seq IS NOT NULL;
CREATE UNIQUE INDEX warning_ack_seq_idx ON escalation.warning (ack_seq) WHERE ack_seq IS NOT NULL;
CREATE INDEX warning_region_idx ON escalation.warning (region);
CREATE INDEX warning_active_idx ON escalation.warning (screen_region, district) WHERE resolved_at IS NULL;
-- What was raised in a period (BI, the screens' history) and what fell due in
-- one (the scorecard).
CREATE INDEX warning_raised_at_idx ON escalation.warning (raised_at);
CREATE INDEX warning_due_at_idx ON escalation.warning (due_at);

COMMENT ON TABLE escalation.warning IS
	'Warnings (预警): one row per stage raised for an item, kept for ever with its resolution and acknowledgement for assessment (§21, §23). Raised by escalation.run().';
COMMENT ON COLUMN escalation.warning.id IS 'Warning id, also the event id of its raising (increasing). 预警编号';
COMMENT ON COLUMN escalation.warning.kind IS 'Kind of warning. 预警类型';
COMMENT ON COLUMN escalation.warning.subject_id IS 'The item: hazard, clue or licence id, or the unit id for dual prevention. 预警事项编号';
COMMENT ON COLUMN escalation.warning.stage IS 'Stage of the ladder, 1..n. 预警级次';
COMMENT ON COLUMN escalation.warning.origin IS 'Origin of the item: city or district (district covers street). 事项来源层级';
COMMENT ON COLUMN escalation.warning.screen IS 'Screen it shows on: district or city. 预警大屏层级';
COMMENT ON COLUMN escalation.warning.screen_region IS 'District code for a district screen, city code for the city screen. 预警大屏区划';
COMMENT ON COLUMN escalation.warning.action IS 'Action of the screen''s office: confirm, supervise, circulate. 处置动作';
COMMENT ON COLUMN escalation.warning.started_at IS 'Start of the item''s ladder (deadline, discovery, transfer, expiry, last normal run); identifies the episode. 起算时间';
COMMENT ON COLUMN escalation.warning.due_at IS 'When the stage fell due. 应预警时间';
COMMENT ON COLUMN escalation.warning.raised_at IS 'When the run raised it (later than due_at after an outage). 预警发出时间';
COMMENT ON COLUMN escalation.warning.resolved_at IS 'When the item was handled (or rescheduled, withdrawn); NULL while active. 解除时间';
COMMENT ON COLUMN escalation.warning.resolved_reason IS 'Why it was resolved. 解除原因';
COMMENT ON COLUMN escalation.warning.resolved_seq IS 'Event id of the resolution. 解除事件序号';
COMMENT ON COLUMN escalation.warning.acknowledged_at IS 'When the command centre acknowledged it (§21). 签收时间';
COMMENT ON COLUMN escalation.warning.acknowledged_by IS 'Role that acknowledged it. 签收人';
COMMENT ON COLUMN escalation.warning.ack_note IS 'Handling note given with the acknowledgement. 处置说明';
COMMENT ON COLUMN escalation.warning.ack_seq IS 'Event id of the acknowledgement. 签收事件序号';
COMMENT ON COLUMN escalation.warning.region IS 'Region of the item (its unit''s, else its originating department''s), for row-level security. 所属区划';
COMMENT ON COLUMN escalation.warning.district IS 'District of the item; a district screen also keeps its items that escalated to the city. 所属区县';
COMMENT ON COLUMN escalation.warning.unit_id IS 'The unit concerned, if any. 生产经营单位';
COMMENT ON COLUMN escalation.warning.department_id IS 'The department that found or transferred the item, if any (for the scorecard). 发现/移交部门';
SELECT pg_catalog.pg_extension_config_dump('escalation.warning', '');

-- The event stream's lock (事件锁): every writer of events takes an EXCLUSIVE
-- lock on this empty table until it commits, so event ids become visible in
-- order. No role of the platform has a privilege on it or on its schema, so
-- no user's session can take a conflicting lock and stall the engine; the
-- engine's C code takes it without a privilege check (src/engine_events.c).
CREATE TABLE escalation_internal.event_stream ();
COMMENT ON TABLE escalation_internal.event_stream IS
	'Empty: the lock on it orders the event stream''s writers; nobody but the engine can take it. 预警事件锁';
REVOKE ALL ON escalation_internal.event_stream FROM PUBLIC;

-- Trigger (per statement): writers of warnings take the event stream's lock
-- before any id is drawn, so ids become visible in order.
CREATE FUNCTION escalation_internal.warning_lock_events() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, escalation, pg_temp AS
$$
BEGIN
	PERFORM escalation.lock_event_stream();
	RETURN NULL;
END
$$;
COMMENT ON FUNCTION escalation_internal.warning_lock_events() IS
	'Trigger: takes the event stream''s lock before warnings are inserted, so event ids commit in order. 预警事件加锁';
CREATE TRIGGER warning_lock_events BEFORE INSERT ON escalation.warning
	FOR EACH STATEMENT EXECUTE FUNCTION escalation_internal.warning_lock_events();

-- Trigger: a warning inserted by hand with only the public columns.
CREATE FUNCTION escalation_internal.warning_fill_defaults() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, escalation, pg_temp AS
$$
BEGIN
	NEW.started_at := coalesce(NEW.started_at, NEW.due_at);
	NEW.origin := coalesce(NEW.origin, NEW.screen);
	NEW.district := coalesce(NEW.district, escalation.region_district(NEW.screen_region));
	NEW.region := coalesce(NEW.region, NEW.district, NEW.screen_region);
	RETURN NEW;
END
$$;
COMMENT ON FUNCTION escalation_internal.warning_fill_defaults() IS
	'Trigger: fills started_at, origin, district and region of a warning inserted with only the public columns. 预警默认值';
CREATE TRIGGER warning_fill_defaults BEFORE INSERT ON escalation.warning
	FOR EACH ROW WHEN (NEW.started_at IS NULL OR NEW.origin IS NULL OR NEW.region IS NULL)
	EXECUTE FUNCTION escalation_internal.warning_fill_defaults();

------------------------------------------------------------------------------
-- The run log (运行记录)
------------------------------------------------------------------------------

CREATE SEQUENCE escalation.run_log_run_id_seq;
CREATE TABLE escalation.run_log (
	run_id bigint NOT NULL DEFAULT nextval('escalation.run_log_run_id_seq'),
	as_of timestamptz NOT NULL,
	started_at timestamptz NOT NULL,
	finished_at timestamptz NOT NULL,
	items bigint NOT NULL,
	raised bigint NOT NULL,
	resolved bigint NOT NULL,
	status text NOT NULL,
	message text,
	sqlstate text,
	username name NOT NULL,
	pid integer NOT NULL,
	CONSTRAINT run_log_pkey PRIMARY KEY (run_id),
	CONSTRAINT run_log_status_known CHECK (status IN ('succeeded', 'failed')),
	CONSTRAINT run_log_failure_has_message CHECK ((status = 'failed') = (message IS NOT NULL))
);
ALTER SEQUENCE escalation.run_log_run_id_seq OWNED BY escalation.run_log.run_id;
CREATE INDEX run_log_started_at_idx ON escalation.run_log (started_at);
COMMENT ON TABLE escalation.run_log IS
	'One row per escalation.run() (运行记录), successful or failed; rows older than escalation.run_log_retention are deleted by later runs.';
COMMENT ON COLUMN escalation.run_log.run_id IS 'Run id. 运行编号';
COMMENT ON COLUMN escalation.run_log.as_of IS 'The time the run escalated to. 计算截止时间';
COMMENT ON COLUMN escalation.run_log.started_at IS 'When the run started. 开始时间';
COMMENT ON COLUMN escalation.run_log.finished_at IS 'When it finished. 结束时间';
COMMENT ON COLUMN escalation.run_log.items IS 'Work the run looked at: items with something of their own due (handled, withdrawn, moved start), and stages due. 处理事项数';
COMMENT ON COLUMN escalation.run_log.raised IS 'Warnings raised. 新发预警数';
COMMENT ON COLUMN escalation.run_log.resolved IS 'Warnings resolved. 解除预警数';
COMMENT ON COLUMN escalation.run_log.status IS 'succeeded, or failed (nothing of the run was kept). 运行状态';
COMMENT ON COLUMN escalation.run_log.message IS 'Error message of a failed run. 错误信息';
COMMENT ON COLUMN escalation.run_log.sqlstate IS 'SQLSTATE of the error of a failed run. 错误代码';
COMMENT ON COLUMN escalation.run_log.username IS 'Role that ran it (the job''s role under pg_cron). 运行角色';
COMMENT ON COLUMN escalation.run_log.pid IS 'Backend process id. 进程号';
SELECT pg_catalog.pg_extension_config_dump('escalation.run_log', '');
SELECT pg_catalog.pg_extension_config_dump('escalation.run_log_run_id_seq', '');

------------------------------------------------------------------------------
-- The engine (C) and the event stream's writers
------------------------------------------------------------------------------

-- The engine's statements look up a batch of items or warnings by key. Hash and
-- merge joins are never right for them, but the planner picks them when its
-- statistics lag behind tables that a catch-up run grows by millions of rows;
-- and compiling a plan to machine code costs more than running it.
CREATE FUNCTION escalation.run(as_of timestamptz DEFAULT now()) RETURNS bigint
AS 'MODULE_PATHNAME', 'escalation_run'
LANGUAGE C VOLATILE SECURITY DEFINER SET search_path = pg_catalog, escalation, pg_temp
SET enable_hashjoin = off SET enable_mergejoin = off SET jit = off;
COMMENT ON FUNCTION escalation.run(timestamptz) IS
	'Raises every ladder stage due at or before as_of whose item was not handled by its due time, resolves the warnings of handled items, sends one NOTIFY escalation_warning, logs the run; returns the number of warnings raised (NULL if the run failed: see escalation.run_log; a cancel or timeout is an error). as_of may lie after the server clock by escalation.run_clock_skew at most. 执行预警升级';

CREATE FUNCTION escalation.lock_event_stream() RETURNS void
AS 'MODULE_PATHNAME', 'escalation_lock_event_stream'
LANGUAGE C VOLATILE;
COMMENT ON FUNCTION escalation.lock_event_stream() IS
	'Takes the lock that every writer of warning events holds until it commits (on escalation_internal.event_stream), so event ids commit in order. 预警事件锁';

------------------------------------------------------------------------------
-- Scheduling with pg_cron (定时运行)
------------------------------------------------------------------------------

-- What to run in the cron database to schedule the engine of this one. pg_cron
-- updates a job of the same name and user without changing its database, so
-- the jobs are named after this database: 'escalation-run' there may be
-- another database's job already.
CREATE FUNCTION escalation_internal.cron_hint(cron_database text) RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE
RETURN format('In database "%s" run: SELECT cron.schedule_in_database(%L, ''* * * * *'', ''SELECT escalation.run()'', %L); '
			  'and, so that pg_cron''s run history of this database does not grow for ever: '
			  'SELECT cron.schedule(%L, ''17 3 * * *'', %L);',
			  cron_database, 'escalation-run-' || pg_catalog.current_database(), pg_catalog.current_database(),
			  'escalation-purge-history-' || pg_catalog.current_database(),
			  format('DELETE FROM cron.job_run_details WHERE jobid IN (SELECT jobid FROM cron.job WHERE database = %L '
					 'AND jobname LIKE ''escalation-%%'') AND coalesce(end_time, start_time) < now() - interval ''7 days''',
					 pg_catalog.current_database()));
COMMENT ON FUNCTION escalation_internal.cron_hint(text) IS
	'The statements to run in pg_cron''s database (cron_database) to schedule this database''s engine and the purge of its run history, with job names of this database. 跨库定时任务提示';

-- Fail clearly unless pg_cron is installed in this database.
CREATE FUNCTION escalation_internal.require_cron() RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, escalation, pg_temp AS
$$
DECLARE
	cron_database text := current_setting('cron.database_name', true);
BEGIN
	IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_extension WHERE extname = 'pg_cron') THEN
		RAISE EXCEPTION 'pg_cron is not installed in database "%"', current_database()
			USING ERRCODE = 'object_not_in_prerequisite_state',
				  DETAIL = CASE
					WHEN cron_database IS NULL THEN 'The pg_cron library is not loaded by this server.'
					ELSE format('pg_cron runs its jobs from database "%s".', cron_database) END,
				  HINT = CASE
					WHEN cron_database IS NULL OR cron_database = current_database() THEN
						format('Set shared_preload_libraries = ''pg_cron'' and cron.database_name = ''%s'', restart, and CREATE EXTENSION pg_cron; or call escalation.run() every minute from another scheduler.', current_database())
					ELSE escalation_internal.cron_hint(cron_database) END;
	END IF;
END
$$;
COMMENT ON FUNCTION escalation_internal.require_cron() IS
	'Raises a clear error, with what to do, unless pg_cron is installed in this database. 检查定时任务扩展';

-- Delete pg_cron's run history of this database's escalation jobs.
CREATE FUNCTION escalation.purge_job_history(keep interval DEFAULT NULL) RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, escalation, pg_temp AS
$$
DECLARE
	-- The setting reads as '7d' once the module is loaded and as written before
	-- (a pg_cron session may not have loaded it yet); both read as an interval.
	retention interval := coalesce(keep, nullif(current_setting('escalation.run_log_retention', true), '')::interval,
								   interval '7 days');
	purged bigint;
BEGIN
	PERFORM escalation_internal.require_cron();
	IF retention <= interval '0' THEN
		RETURN 0;
	END IF;
	DELETE FROM cron.job_run_details d
	USING cron.job j
	WHERE j.jobid = d.jobid AND j.database = current_database() AND j.jobname LIKE 'escalation-%'
		AND coalesce(d.end_time, d.start_time) < statement_timestamp() - retention;
	GET DIAGNOSTICS purged = ROW_COUNT;
	RETURN purged;
END
$$;
COMMENT ON FUNCTION escalation.purge_job_history(interval) IS
	'Deletes the rows of cron.job_run_details of this database''s jobs named escalation-* that ended longer ago than keep (default: escalation.run_log_retention, 7 days; 0 keeps them); returns how many. The job "escalation-purge-history" calls it daily. 清理定时任务运行记录';

CREATE FUNCTION escalation.schedule(schedule text DEFAULT '* * * * *') RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, escalation, pg_temp AS
$$
DECLARE
	job bigint;
	other text;
BEGIN
	IF schedule IS NULL OR btrim(schedule) = '' THEN
		RAISE EXCEPTION 'schedule must not be empty'
			USING ERRCODE = 'invalid_parameter_value',
				  HINT = 'Give a cron schedule, e.g. ''* * * * *'' for every minute.';
	END IF;
	PERFORM escalation_internal.require_cron();
	-- pg_cron would update such a job and leave it running in its database.
	SELECT j.database INTO other FROM cron.job j
	WHERE j.jobname IN ('escalation-run', 'escalation-purge-history') AND j.username = current_user
		AND j.database <> current_database()
	LIMIT 1;
	IF FOUND THEN
		RAISE EXCEPTION 'a pg_cron job named escalation-run or escalation-purge-history already runs in database "%"', other
			USING ERRCODE = 'duplicate_object',
				  DETAIL = 'pg_cron would change that job''s schedule and leave it in its database; this database would not be scheduled.',
				  HINT = format('Rename it to escalation-run-%s (UPDATE cron.job SET jobname = ... WHERE jobname = ''escalation-run'' AND database = %L), then call escalation.schedule() again.', other, other);
	END IF;
	SELECT cron.schedule('escalation-run', schedule, 'SELECT escalation.run()') INTO job;
	PERFORM cron.schedule('escalation-purge-history', '17 3 * * *', 'SELECT escalation.purge_job_history()');
	RETURN job;
END
$$;
COMMENT ON FUNCTION escalation.schedule(text) IS
	'Creates or updates the pg_cron job "escalation-run" that calls escalation.run() on the given cron schedule (default every minute), and the daily job "escalation-purge-history" that keeps pg_cron''s run history of them short (escalation.purge_job_history); returns the id of escalation-run. 设置定时预警';

CREATE FUNCTION escalation.unschedule() RETURNS boolean
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, escalation, pg_temp AS
$$
DECLARE
	found_run boolean;
BEGIN
	PERFORM escalation_internal.require_cron();
	found_run := EXISTS (SELECT 1 FROM cron.job j WHERE j.jobname = 'escalation-run' AND j.username = current_user
						 AND j.database = current_database());
	IF found_run THEN
		PERFORM cron.unschedule('escalation-run');
	END IF;
	IF EXISTS (SELECT 1 FROM cron.job j WHERE j.jobname = 'escalation-purge-history' AND j.username = current_user
			   AND j.database = current_database()) THEN
		PERFORM cron.unschedule('escalation-purge-history');
	END IF;
	RETURN found_run;
END
$$;
COMMENT ON FUNCTION escalation.unschedule() IS
	'Removes the pg_cron jobs "escalation-run" and "escalation-purge-history"; returns false if there was no escalation-run. 取消定时预警';

------------------------------------------------------------------------------
-- Row-level security and privileges
------------------------------------------------------------------------------

SELECT escalation.enable_region_security('escalation.warning');

GRANT SELECT ON escalation.warning TO escalation_admin, escalation_user, escalation_analyst;
GRANT INSERT ON escalation.warning TO escalation_admin;
GRANT USAGE ON SEQUENCE escalation.warning_event_seq TO escalation_admin;
GRANT SELECT ON escalation.run_log TO escalation_admin, escalation_analyst;

REVOKE ALL ON FUNCTION
	escalation_internal.warning_lock_events(), escalation_internal.warning_fill_defaults(),
	escalation.run(timestamptz), escalation.lock_event_stream(),
	escalation_internal.require_cron(), escalation.schedule(text),
	escalation.unschedule(), escalation_internal.cron_hint(text), escalation.purge_job_history(interval)
FROM PUBLIC;
GRANT EXECUTE ON FUNCTION escalation.run(timestamptz), escalation.schedule(text), escalation.unschedule(),
	escalation.purge_job_history(interval)
TO escalation_admin;
