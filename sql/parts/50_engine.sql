-- The warning engine (预警管理, §14–19): the ladders as data, the warnings, the
-- per-item tracking that lets a run touch only due work, the run log, and
-- scheduling with pg_cron. The engine itself is escalation.run() in src/engine.c.

------------------------------------------------------------------------------
-- Kinds, actions and resolutions (预警类型、处置动作、解除原因)
------------------------------------------------------------------------------

CREATE TYPE escalation.warning_kind AS ENUM
	('hazard_overdue', 'major_hazard', 'clue', 'licence_expired', 'dual_prevention_idle');
COMMENT ON TYPE escalation.warning_kind IS
	'Kind of warning (预警类型): hazard_overdue 一般隐患逾期未整改 (§15), major_hazard 疑似重大事故隐患未确认 (§16), clue 移交线索未处理 (§17), licence_expired 安全生产许可类证件逾期 (§18), dual_prevention_idle 双重预防机制未正常运行 (§19).';

CREATE TYPE escalation.warning_action AS ENUM ('confirm', 'supervise', 'circulate');
COMMENT ON TYPE escalation.warning_action IS
	'What the office of the screen''s level does at a stage (处置动作): confirm 通知确认, supervise 督办, circulate 通报.';

CREATE TYPE escalation.warning_resolution AS ENUM
	('closed', 'confirmed', 'ruled_out', 'handled', 'renewed', 'ran', 'rescheduled', 'withdrawn');
COMMENT ON TYPE escalation.warning_resolution IS
	'Why a warning was resolved (解除原因): closed 隐患已销号, confirmed 已确认为重大事故隐患, ruled_out 已排除重大事故隐患, handled 线索已处理, renewed 证件已换发, ran 双重预防机制已恢复运行, rescheduled 起算时间已变更（如延期）, withdrawn 事项已撤销或不再适用.';

------------------------------------------------------------------------------
-- The ladders (预警规则): shipped defaults, the city's changes, the rules in force
------------------------------------------------------------------------------

-- Shipped ladders of §15–19. Read-only for users: a city changes the rules in
-- force (escalation.rule), which records its changes in rule_override, so
-- pg_dump keeps exactly the city's changes and a restore re-creates them on
-- top of the defaults the extension ships.
CREATE TABLE escalation.rule_default (
	kind escalation.warning_kind NOT NULL,
	origin escalation.level NOT NULL,
	stage smallint NOT NULL,
	delay interval NOT NULL,
	screen escalation.level NOT NULL,
	action escalation.warning_action NOT NULL,
	CONSTRAINT rule_default_pkey PRIMARY KEY (kind, origin, stage)
);
COMMENT ON TABLE escalation.rule_default IS
	'The ladders of the operating rules (§15–19) as shipped with the extension; the rules in force are escalation.rule. 默认预警规则';
COMMENT ON COLUMN escalation.rule_default.kind IS 'Kind of warning. 预警类型';
COMMENT ON COLUMN escalation.rule_default.origin IS 'Origin of the item: city, or district (which covers street origin). 事项来源层级';
COMMENT ON COLUMN escalation.rule_default.stage IS 'Stage number, 1 to n. 预警级次';
COMMENT ON COLUMN escalation.rule_default.delay IS 'Time from the previous stage (stage 1: from the item''s start). 间隔时间';
COMMENT ON COLUMN escalation.rule_default.screen IS 'Screen the stage shows on: district or city. 预警大屏层级';
COMMENT ON COLUMN escalation.rule_default.action IS 'Action of that level''s office. 处置动作';

INSERT INTO escalation.rule_default (kind, origin, stage, delay, screen, action) VALUES
	('hazard_overdue', 'district', 1, '0', 'district', 'supervise'),
	('hazard_overdue', 'district', 2, '3 days', 'city', 'supervise'),
	('hazard_overdue', 'district', 3, '3 days', 'city', 'circulate'),
	('hazard_overdue', 'city', 1, '0', 'city', 'supervise'),
	('hazard_overdue', 'city', 2, '3 days', 'city', 'circulate'),
	('major_hazard', 'district', 1, '0', 'district', 'confirm'),
	('major_hazard', 'district', 2, '3 days', 'city', 'supervise'),
	('major_hazard', 'district', 3, '3 days', 'city', 'circulate'),
	('major_hazard', 'city', 1, '0', 'city', 'confirm'),
	('major_hazard', 'city', 2, '3 days', 'city', 'circulate'),
	('clue', 'district', 1, '3 days', 'district', 'supervise'),
	('clue', 'district', 2, '3 days', 'city', 'supervise'),
	('clue', 'district', 3, '3 days', 'city', 'circulate'),
	('clue', 'city', 1, '3 days', 'city', 'supervise'),
	('clue', 'city', 2, '3 days', 'city', 'circulate'),
	('licence_expired', 'district', 1, '0', 'district', 'supervise'),
	('licence_expired', 'district', 2, '3 days', 'city', 'supervise'),
	('licence_expired', 'district', 3, '3 days', 'city', 'circulate'),
	('licence_expired', 'city', 1, '0', 'city', 'supervise'),
	('licence_expired', 'city', 2, '3 days', 'city', 'circulate'),
	('dual_prevention_idle', 'district', 1, '7 days', 'district', 'supervise'),
	('dual_prevention_idle', 'district', 2, '3 days', 'city', 'supervise'),
	('dual_prevention_idle', 'district', 3, '3 days', 'city', 'circulate'),
	('dual_prevention_idle', 'city', 1, '7 days', 'city', 'supervise'),
	('dual_prevention_idle', 'city', 2, '3 days', 'city', 'circulate');

-- The city's changes to the shipped ladders: a row replaces the shipped stage
-- with the same key, adds a stage, or (removed) deletes a shipped stage.
CREATE TABLE escalation.rule_override (
	kind escalation.warning_kind NOT NULL,
	origin escalation.level NOT NULL,
	stage smallint NOT NULL,
	delay interval,
	screen escalation.level,
	action escalation.warning_action,
	removed boolean NOT NULL DEFAULT false,
	changed_at timestamptz NOT NULL DEFAULT statement_timestamp(),
	changed_by name NOT NULL DEFAULT current_user,
	CONSTRAINT rule_override_pkey PRIMARY KEY (kind, origin, stage),
	CONSTRAINT rule_origin_city_or_district CHECK (origin IN ('city', 'district')),
	CONSTRAINT rule_stage_between_1_and_9 CHECK (stage BETWEEN 1 AND 9),
	CONSTRAINT rule_stage_defined_unless_removed
		CHECK (removed OR (delay IS NOT NULL AND screen IS NOT NULL AND action IS NOT NULL)),
	CONSTRAINT rule_delay_not_negative CHECK (delay >= interval '0'),
	CONSTRAINT rule_delay_in_days_and_hours
		CHECK (date_part('month', delay) = 0 AND date_part('year', delay) = 0 AND delay <= interval '3650 days'),
	CONSTRAINT rule_screen_city_or_district CHECK (screen IN ('city', 'district')),
	CONSTRAINT rule_city_origin_on_city_screen CHECK (origin = 'district' OR screen = 'city')
);
COMMENT ON TABLE escalation.rule_override IS
	'The city''s changes to the shipped ladders, written through escalation.rule; kept by pg_dump. 预警规则调整记录';
COMMENT ON COLUMN escalation.rule_override.kind IS 'Kind of warning. 预警类型';
COMMENT ON COLUMN escalation.rule_override.origin IS 'Origin of the item: city or district. 事项来源层级';
COMMENT ON COLUMN escalation.rule_override.stage IS 'Stage number, 1 to 9. 预警级次';
COMMENT ON COLUMN escalation.rule_override.delay IS 'Time from the previous stage (stage 1: from the item''s start); NULL when removed. 间隔时间';
COMMENT ON COLUMN escalation.rule_override.screen IS 'Screen the stage shows on; NULL when removed. 预警大屏层级';
COMMENT ON COLUMN escalation.rule_override.action IS 'Action of that level''s office; NULL when removed. 处置动作';
COMMENT ON COLUMN escalation.rule_override.removed IS 'The shipped stage with this key is deleted. 已删除';
COMMENT ON COLUMN escalation.rule_override.changed_at IS 'When the change was made. 调整时间';
COMMENT ON COLUMN escalation.rule_override.changed_by IS 'Role that made the change. 调整人';
SELECT pg_catalog.pg_extension_config_dump('escalation.rule_override', '');

CREATE VIEW escalation.rule AS
	SELECT d.kind, d.origin, d.stage, d.delay, d.screen, d.action, false AS changed
	FROM escalation.rule_default d
	WHERE NOT EXISTS (SELECT 1 FROM escalation.rule_override o
					  WHERE o.kind = d.kind AND o.origin = d.origin AND o.stage = d.stage)
	UNION ALL
	SELECT o.kind, o.origin, o.stage, o.delay, o.screen, o.action, true
	FROM escalation.rule_override o
	WHERE NOT o.removed;
COMMENT ON VIEW escalation.rule IS
	'The warning ladders in force (预警规则): for each kind and origin, stages 1..n with the delay from the previous stage, the screen and the action. Change a rule with UPDATE, add a stage with INSERT, remove one with DELETE; stages must stay numbered 1..n (checked at commit).';
COMMENT ON COLUMN escalation.rule.kind IS 'Kind of warning. 预警类型';
COMMENT ON COLUMN escalation.rule.origin IS 'Origin of the item: city (a city department or city-level unit) or district (district or street). 事项来源层级';
COMMENT ON COLUMN escalation.rule.stage IS 'Stage number, 1 to n (at most 9). 预警级次';
COMMENT ON COLUMN escalation.rule.delay IS 'Time from the previous stage; for stage 1 from the item''s start (deadline, discovery, transfer, expiry, last normal run). Days count as 24 hours. 间隔时间';
COMMENT ON COLUMN escalation.rule.screen IS 'Screen the stage shows on: district or city. 预警大屏层级';
COMMENT ON COLUMN escalation.rule.action IS 'Action of that level''s office: confirm, supervise or circulate. 处置动作';
COMMENT ON COLUMN escalation.rule.changed IS 'The stage differs from the shipped rules. 是否已调整';

-- The stage arithmetic of the ladders (src/ladder.c), the same for the
-- engine and for the SQL that keeps its work list: a day counts as 24 hours,
-- so that a due time does not depend on the session's time zone.
CREATE FUNCTION escalation.stage_due_at(started_at timestamptz, due_after interval) RETURNS timestamptz
AS 'MODULE_PATHNAME', 'escalation_stage_due_at'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION escalation.stage_due_at(timestamptz, interval) IS
	'When a stage falls due: the item''s start plus the stage''s offset (days of 24 hours), infinity past the end of time. 应预警时间';

CREATE FUNCTION escalation.stage_fires(due_at timestamptz, handled_at timestamptz, withdrawn_at timestamptz)
RETURNS boolean
AS 'MODULE_PATHNAME', 'escalation_stage_fires'
LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION escalation.stage_fires(timestamptz, timestamptz, timestamptz) IS
	'Whether a stage due at due_at fires: the item was not handled or withdrawn at or before it (NULL: not yet). 级次是否触发';

-- Cumulative due offsets of the stages in force; a stage falls due at
-- escalation.stage_due_at(start, due_after).
CREATE VIEW escalation.rule_offset AS
	SELECT r.kind, r.origin, r.stage,
		sum(r.delay) OVER (PARTITION BY r.kind, r.origin ORDER BY r.stage) AS due_after
	FROM escalation.rule r;
COMMENT ON VIEW escalation.rule_offset IS
	'For each stage in force, how long after the item''s start it falls due (sum of the delays up to it); the due time is escalation.stage_due_at(start, due_after), a day counting as 24 hours. 预警级次起算间隔';
COMMENT ON COLUMN escalation.rule_offset.kind IS 'Kind of warning. 预警类型';
COMMENT ON COLUMN escalation.rule_offset.origin IS 'Origin of the item. 事项来源层级';
COMMENT ON COLUMN escalation.rule_offset.stage IS 'Stage number. 预警级次';
COMMENT ON COLUMN escalation.rule_offset.due_after IS 'Time from the item''s start to the stage''s due time. 距起算时间';

-- Trigger: writes to escalation.rule become rows of rule_override.
CREATE FUNCTION escalation.rule_write() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, escalation, pg_temp AS
$$
BEGIN
	IF TG_OP = 'UPDATE' AND (NEW.kind, NEW.origin, NEW.stage) IS DISTINCT FROM (OLD.kind, OLD.origin, OLD.stage) THEN
		RAISE EXCEPTION 'cannot change kind, origin or stage of a rule: (%, %, %)', OLD.kind, OLD.origin, OLD.stage
			USING ERRCODE = 'feature_not_supported',
				  HINT = 'Renumber a ladder with DELETE and INSERT in one transaction.';
	END IF;
	IF TG_OP = 'INSERT' AND EXISTS (
		SELECT 1 FROM escalation.rule r WHERE (r.kind, r.origin, r.stage) = (NEW.kind, NEW.origin, NEW.stage))
	THEN
		RAISE EXCEPTION 'rule (%, %, stage %) already exists', NEW.kind, NEW.origin, NEW.stage
			USING ERRCODE = 'unique_violation',
				  HINT = 'Change an existing stage with UPDATE.';
	END IF;

	IF TG_OP = 'DELETE' THEN
		IF EXISTS (SELECT 1 FROM escalation.rule_default d
				   WHERE (d.kind, d.origin, d.stage) = (OLD.kind, OLD.origin, OLD.stage)) THEN
			INSERT INTO escalation.rule_override AS o (kind, origin, stage, removed)
			VALUES (OLD.kind, OLD.origin, OLD.stage, true)
			ON CONFLICT (kind, origin, stage) DO UPDATE
				SET delay = NULL, screen = NULL, action = NULL, removed = true,
					changed_at = statement_timestamp(), changed_by = current_user;
		ELSE
			DELETE FROM escalation.rule_override o
			WHERE (o.kind, o.origin, o.stage) = (OLD.kind, OLD.origin, OLD.stage);
		END IF;
		RETURN OLD;
	END IF;

	INSERT INTO escalation.rule_override AS o (kind, origin, stage, delay, screen, action)
	VALUES (NEW.kind, NEW.origin, NEW.stage, NEW.delay, NEW.screen, NEW.action)
	ON CONFLICT (kind, origin, stage) DO UPDATE
		SET delay = EXCLUDED.delay, screen = EXCLUDED.screen, action = EXCLUDED.action, removed = false,
			changed_at = statement_timestamp(), changed_by = current_user;
	NEW.changed := true;
	RETURN NEW;
END
$$;
COMMENT ON FUNCTION escalation.rule_write() IS
	'Trigger: turns INSERT, UPDATE and DELETE on escalation.rule into the city''s changes (rule_override). 预警规则写入';
CREATE TRIGGER rule_write INSTEAD OF INSERT OR UPDATE OR DELETE ON escalation.rule
	FOR EACH ROW EXECUTE FUNCTION escalation.rule_write();

-- Trigger: one stage's values, checked with messages that say what is wrong.
CREATE FUNCTION escalation.rule_check_stage() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, escalation, pg_temp AS
$$
DECLARE
	what text := format('rule (%s, %s, stage %s)', NEW.kind, NEW.origin, NEW.stage);
BEGIN
	IF NEW.origin NOT IN ('city', 'district') THEN
		RAISE EXCEPTION 'invalid origin of %: "%"', what, NEW.origin
			USING ERRCODE = 'check_violation',
				  DETAIL = 'An item''s origin is city or district; district covers items of street origin.';
	END IF;
	IF NEW.stage NOT BETWEEN 1 AND 9 THEN
		RAISE EXCEPTION 'invalid stage of %: %', what, NEW.stage
			USING ERRCODE = 'check_violation', DETAIL = 'Stages are numbered 1 to 9.';
	END IF;
	IF NEW.removed THEN
		RETURN NEW;
	END IF;
	IF NEW.delay IS NULL OR NEW.screen IS NULL OR NEW.action IS NULL THEN
		RAISE EXCEPTION 'incomplete %: delay, screen and action are required', what
			USING ERRCODE = 'not_null_violation';
	END IF;
	IF NEW.delay < interval '0' THEN
		RAISE EXCEPTION 'negative delay of %: "%"', what, NEW.delay
			USING ERRCODE = 'check_violation',
				  DETAIL = 'A stage falls due at or after the stage before it (stage 1: at or after the item''s start).';
	END IF;
	IF date_part('month', NEW.delay) <> 0 OR date_part('year', NEW.delay) <> 0 OR NEW.delay > interval '3650 days' THEN
		RAISE EXCEPTION 'invalid delay of %: "%"', what, NEW.delay
			USING ERRCODE = 'check_violation',
				  DETAIL = 'Delays are given in days, hours and minutes (a day is 24 hours), at most 3650 days; months have no fixed length.';
	END IF;
	IF NEW.screen NOT IN ('city', 'district') THEN
		RAISE EXCEPTION 'invalid screen of %: "%"', what, NEW.screen
			USING ERRCODE = 'check_violation', DETAIL = 'Warnings show on the district screens or on the city screen.';
	END IF;
	IF NEW.origin = 'city' AND NEW.screen <> 'city' THEN
		RAISE EXCEPTION 'invalid screen of %: "%"', what, NEW.screen
			USING ERRCODE = 'check_violation',
				  DETAIL = 'Items of city origin show on the city screen; a city department''s item may have no district.';
	END IF;
	-- A restore brings back when and by whom the change was made.
	IF NOT escalation.restoring() THEN
		NEW.changed_at := statement_timestamp();
		NEW.changed_by := current_user;
	END IF;
	RETURN NEW;
END
$$;
COMMENT ON FUNCTION escalation.rule_check_stage() IS
	'Trigger: rejects an invalid stage (unknown origin, stage outside 1..9, negative or month-based delay, district screen for a city item) with a clear error. 预警规则校验';
CREATE TRIGGER rule_check_stage BEFORE INSERT OR UPDATE ON escalation.rule_override
	FOR EACH ROW EXECUTE FUNCTION escalation.rule_check_stage();

-- Trigger (deferred to commit): every ladder touched keeps stages 1..n.
CREATE FUNCTION escalation.rule_check_ladder() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, escalation, pg_temp AS
$$
DECLARE
	ladder record;
	stages smallint[];
BEGIN
	FOR ladder IN
		SELECT DISTINCT l.kind, l.origin
		FROM (VALUES (CASE WHEN TG_OP <> 'INSERT' THEN OLD.kind END, CASE WHEN TG_OP <> 'INSERT' THEN OLD.origin END),
					 (CASE WHEN TG_OP <> 'DELETE' THEN NEW.kind END, CASE WHEN TG_OP <> 'DELETE' THEN NEW.origin END))
			 AS l(kind, origin)
		WHERE l.kind IS NOT NULL
	LOOP
		SELECT array_agg(r.stage ORDER BY r.stage) INTO stages
		FROM escalation.rule r WHERE r.kind = ladder.kind AND r.origin = ladder.origin;
		IF stages IS NOT NULL AND stages <> (SELECT array_agg(i::smallint ORDER BY i) FROM generate_series(1, cardinality(stages)) i) THEN
			RAISE EXCEPTION 'ladder (%, %) has stages %, not 1..%', ladder.kind, ladder.origin,
				array_to_string(stages, ', '), cardinality(stages)
				USING ERRCODE = 'check_violation',
					  DETAIL = 'The stages of a ladder must be numbered 1 to n without gaps.',
					  HINT = 'Add or renumber the missing stages in the same transaction.';
		END IF;
	END LOOP;
	RETURN NULL;
END
$$;
COMMENT ON FUNCTION escalation.rule_check_ladder() IS
	'Constraint trigger, deferred to commit: the stages of every changed ladder are numbered 1..n without gaps. 预警规则级次连续性校验';
CREATE CONSTRAINT TRIGGER rule_ladder_contiguous AFTER INSERT OR UPDATE OR DELETE ON escalation.rule_override
	DEFERRABLE INITIALLY DEFERRED
	FOR EACH ROW EXECUTE FUNCTION escalation.rule_check_ladder();

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

-- Trigger (per statement): writers of warnings take the event stream's lock
-- before any id is drawn, so ids become visible in order.
CREATE FUNCTION escalation.warning_lock_events() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, escalation, pg_temp AS
$$
BEGIN
	PERFORM escalation.lock_event_stream();
	RETURN NULL;
END
$$;
COMMENT ON FUNCTION escalation.warning_lock_events() IS
	'Trigger: takes the event stream''s lock before warnings are inserted, so event ids commit in order. 预警事件加锁';
CREATE TRIGGER warning_lock_events BEFORE INSERT ON escalation.warning
	FOR EACH STATEMENT EXECUTE FUNCTION escalation.warning_lock_events();

-- Trigger: a warning inserted by hand with only the public columns.
CREATE FUNCTION escalation.warning_fill_defaults() RETURNS trigger
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
COMMENT ON FUNCTION escalation.warning_fill_defaults() IS
	'Trigger: fills started_at, origin, district and region of a warning inserted with only the public columns. 预警默认值';
CREATE TRIGGER warning_fill_defaults BEFORE INSERT ON escalation.warning
	FOR EACH ROW WHEN (NEW.started_at IS NULL OR NEW.origin IS NULL OR NEW.region IS NULL)
	EXECUTE FUNCTION escalation.warning_fill_defaults();

-- When a licence valid until a date expires (escalation.timezone, src/engine_time.c).
CREATE FUNCTION escalation.licence_expires_at(valid_until date) RETURNS timestamptz
AS 'MODULE_PATHNAME', 'escalation_licence_expires_at'
LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION escalation.licence_expires_at(date) IS
	'When a licence valid until a date expires: the start of the next day in escalation.timezone. 证件逾期时间';

------------------------------------------------------------------------------
-- Items and their tracking (预警事项跟踪): what a run looks at
------------------------------------------------------------------------------

-- Origin level of an item from the level of its department or unit.
CREATE FUNCTION escalation.item_origin(level escalation.level) RETURNS escalation.level
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN CASE WHEN level = 'city' THEN 'city'::escalation.level ELSE 'district'::escalation.level END;
COMMENT ON FUNCTION escalation.item_origin(escalation.level) IS
	'Origin of an item from its department''s or unit''s level: city stays city, district and street are district. 事项来源层级';

-- First normal dual-prevention run of a unit after a time.
CREATE FUNCTION escalation.dp_first_run_after(unit_id bigint, after timestamptz) RETURNS timestamptz
LANGUAGE sql STABLE PARALLEL SAFE
BEGIN ATOMIC
	SELECT min(r.ran_at) FROM escalation.dp_run r WHERE r.unit_id = dp_first_run_after.unit_id AND r.ran_at > after;
END;
COMMENT ON FUNCTION escalation.dp_first_run_after(bigint, timestamptz) IS
	'The first normal run of the dual prevention mechanism of a unit after a time, NULL if none. 此后首次正常运行时间';

-- Every item that can climb a ladder, from the source tables.
CREATE VIEW escalation.item_source AS
	SELECT i.kind, i.subject_id, i.origin, i.started_at, i.start_set_at, i.handled_at, i.handled_reason, i.withdrawn_at, i.unit_id,
		i.department_id, i.region, escalation.region_district(i.region) AS district,
		escalation.region_city(i.region) AS city
	FROM (
		SELECT 'hazard_overdue'::escalation.warning_kind AS kind, h.id AS subject_id,
			escalation.item_origin(coalesce(d.level, u.supervision_level)) AS origin,
			h.rectify_deadline AS started_at, h.deadline_set_at AS start_set_at, h.closed_at AS handled_at,
			'closed'::escalation.warning_resolution AS handled_reason, NULL::timestamptz AS withdrawn_at,
			h.unit_id, h.found_by AS department_id, coalesce(u.region, d.region) AS region
		FROM escalation.hazard h
		LEFT JOIN escalation.unit u ON u.id = h.unit_id
		LEFT JOIN escalation.department d ON d.id = h.found_by
		WHERE h.needs_recheck AND h.grade IN ('general', 'not_major') AND isfinite(h.rectify_deadline)
		UNION ALL
		SELECT 'major_hazard', h.id,
			escalation.item_origin(coalesce(d.level, u.supervision_level)),
			h.found_at, NULL, least(h.confirmed_at, h.closed_at),
			CASE WHEN h.confirmed_at IS NULL OR h.closed_at < h.confirmed_at THEN 'closed'
				 WHEN h.grade = 'not_major' THEN 'ruled_out'
				 ELSE 'confirmed' END::escalation.warning_resolution, NULL,
			h.unit_id, h.found_by, coalesce(u.region, d.region)
		FROM escalation.hazard h
		LEFT JOIN escalation.unit u ON u.id = h.unit_id
		LEFT JOIN escalation.department d ON d.id = h.found_by
		WHERE h.grade <> 'general' AND isfinite(h.found_at)
		UNION ALL
		SELECT 'clue', c.id,
			escalation.item_origin(coalesce(d.level, u.supervision_level)),
			c.transferred_at, NULL, c.handled_at, 'handled', NULL,
			c.unit_id, c.from_department, coalesce(u.region, d.region)
		FROM escalation.clue c
		LEFT JOIN escalation.unit u ON u.id = c.unit_id
		LEFT JOIN escalation.department d ON d.id = c.from_department
		WHERE isfinite(c.transferred_at)
		UNION ALL
		SELECT 'licence_expired', l.id, escalation.item_origin(u.supervision_level),
			escalation.licence_expires_at(l.valid_until), NULL, l.superseded_at, 'renewed', NULL,
			l.unit_id, NULL::bigint, u.region
		FROM escalation.licence l
		JOIN escalation.unit u ON u.id = l.unit_id
		WHERE l.safety_licence AND isfinite(l.valid_until)
		UNION ALL
		SELECT 'dual_prevention_idle', p.unit_id, escalation.item_origin(u.supervision_level),
			p.since, p.since, escalation.dp_first_run_after(p.unit_id, p.since), 'ran', p.withdrawn_at,
			p.unit_id, NULL::bigint, u.region
		FROM escalation.dual_prevention p
		JOIN escalation.unit u ON u.id = p.unit_id
		WHERE isfinite(p.since)
	) i
	WHERE i.region IS NOT NULL;
COMMENT ON VIEW escalation.item_source IS
	'Every item that can climb a warning ladder, read from the hazards, clues, licences and dual-prevention enrolments: its origin, start, handling and region. The engine tracks it in escalation.tracked_item. 预警事项来源';
COMMENT ON COLUMN escalation.item_source.kind IS 'Kind of warning the item climbs. 预警类型';
COMMENT ON COLUMN escalation.item_source.subject_id IS 'Hazard, clue or licence id, or unit id for dual prevention. 事项编号';
COMMENT ON COLUMN escalation.item_source.origin IS 'city or district: the level of the finding/transferring department, else of the unit''s supervision. 事项来源层级';
COMMENT ON COLUMN escalation.item_source.started_at IS 'Start of the ladder: rectification deadline, discovery, transfer, licence expiry, or enrolment in dual prevention. 起算时间';
COMMENT ON COLUMN escalation.item_source.start_set_at IS 'When the start was last set, where the data records it (a hazard''s deadline extension, a re-enrolment); a moved start resolves the old start''s warnings at this time, else when the move is seen. 起算时间设定时间';
COMMENT ON COLUMN escalation.item_source.handled_at IS 'When it was handled (for dual prevention: the first normal run after the start). 处理时间';
COMMENT ON COLUMN escalation.item_source.handled_reason IS 'How it is handled. 处理方式';
COMMENT ON COLUMN escalation.item_source.withdrawn_at IS 'When it stopped being watched although it still exists (a unit withdrawn from dual prevention management). 撤销时间';
COMMENT ON COLUMN escalation.item_source.unit_id IS 'The unit, if any. 生产经营单位';
COMMENT ON COLUMN escalation.item_source.department_id IS 'The finding or transferring department, if any. 发现/移交部门';
COMMENT ON COLUMN escalation.item_source.region IS 'The unit''s region, else the department''s. 所属区划';
COMMENT ON COLUMN escalation.item_source.district IS 'District of the region (NULL for a city department''s item without a unit). 所属区县';
COMMENT ON COLUMN escalation.item_source.city IS 'City of the region. 所属城市';

-- One row per item that a run may still have to look at.
CREATE TABLE escalation.tracked_item (
	kind escalation.warning_kind NOT NULL,
	subject_id bigint NOT NULL,
	started_at timestamptz NOT NULL,
	start_set_at timestamptz,
	handled_at timestamptz,
	withdrawn_at timestamptz,
	superseded_at timestamptz,
	next_due_at timestamptz,
	unit_id bigint,
	department_id bigint,
	origin escalation.level NOT NULL,
	handled_reason escalation.warning_resolution,
	region escalation.region NOT NULL,
	district escalation.region,
	city escalation.region NOT NULL,
	CONSTRAINT tracked_item_pkey PRIMARY KEY (subject_id, kind)
);
CREATE INDEX tracked_item_next_due_idx ON escalation.tracked_item (next_due_at) WHERE next_due_at IS NOT NULL;
CREATE INDEX tracked_item_region_idx ON escalation.tracked_item (region);
COMMENT ON TABLE escalation.tracked_item IS
	'The engine''s work list (预警事项跟踪): one row per open item, kept by triggers on the source tables; its stages waiting to fall due are rows of escalation.stage_due, and next_due_at says when its handling, withdrawal or moved start must be dealt with. A run reads only what is due, through indexes. Rebuilt from the sources by escalation.resync_items().';
COMMENT ON COLUMN escalation.tracked_item.kind IS 'Kind of warning. 预警类型';
COMMENT ON COLUMN escalation.tracked_item.subject_id IS 'The item''s id (unit id for dual prevention). 事项编号';
COMMENT ON COLUMN escalation.tracked_item.started_at IS 'Start of the current episode of the ladder. 本轮起算时间';
COMMENT ON COLUMN escalation.tracked_item.start_set_at IS 'When the source data says its start was last set (a deadline extension), if it says. 起算时间设定时间';
COMMENT ON COLUMN escalation.tracked_item.handled_at IS 'When the current episode was handled, if it was. 处理时间';
COMMENT ON COLUMN escalation.tracked_item.withdrawn_at IS 'When the item stopped qualifying (deleted, regraded, ...), if it did. 撤销时间';
COMMENT ON COLUMN escalation.tracked_item.superseded_at IS 'When the start moved while warnings of the old start were active; they are resolved as rescheduled then. 起算时间变更时间';
COMMENT ON COLUMN escalation.tracked_item.next_due_at IS 'When a run must next deal with the item itself: its handling (to resolve its warnings, or to start the next idle episode of dual prevention), its withdrawal or its moved start; NULL when nothing but its stages can happen until its data changes. 下次处理时间';
COMMENT ON COLUMN escalation.tracked_item.unit_id IS 'The unit, if any. 生产经营单位';
COMMENT ON COLUMN escalation.tracked_item.department_id IS 'The finding or transferring department, if any. 发现/移交部门';
COMMENT ON COLUMN escalation.tracked_item.origin IS 'Which ladder of the kind the item climbs. 事项来源层级';
COMMENT ON COLUMN escalation.tracked_item.handled_reason IS 'How it is handled. 处理方式';
COMMENT ON COLUMN escalation.tracked_item.region IS 'The item''s region. 所属区划';
COMMENT ON COLUMN escalation.tracked_item.district IS 'Its district: the screen of district stages. 所属区县';
COMMENT ON COLUMN escalation.tracked_item.city IS 'Its city: the screen of city stages. 所属城市';
SELECT pg_catalog.pg_extension_config_dump('escalation.tracked_item', '');

-- The stages an item still waits for (预警级次排程): one row per stage of its
-- current episode that is not raised yet and can still fire, with what its
-- warning needs of the item, rewritten whenever the item or its ladder
-- changes. A run raises the rows that fell due and deletes them; raising a
-- stage reads and writes nothing else of the item.
CREATE TABLE escalation.stage_due (
	kind escalation.warning_kind NOT NULL,
	subject_id bigint NOT NULL,
	started_at timestamptz NOT NULL,
	stage smallint NOT NULL,
	due_at timestamptz NOT NULL,
	fires_until timestamptz,
	origin escalation.level NOT NULL,
	unit_id bigint,
	department_id bigint,
	region escalation.region NOT NULL,
	district escalation.region,
	city escalation.region NOT NULL,
	CONSTRAINT stage_due_pkey PRIMARY KEY (subject_id, kind, started_at, stage)
);
CREATE INDEX stage_due_due_at_idx ON escalation.stage_due (due_at);
COMMENT ON TABLE escalation.stage_due IS
	'The stages tracked items wait for (预警级次排程): one row per stage of an item''s current episode not raised yet and not ruled out by its handling or withdrawal. escalation.run() raises the rows due by as_of and deletes them; the tracking triggers rewrite an item''s rows when its data or its ladder changes.';
COMMENT ON COLUMN escalation.stage_due.kind IS 'Kind of warning. 预警类型';
COMMENT ON COLUMN escalation.stage_due.subject_id IS 'The item''s id (unit id for dual prevention). 事项编号';
COMMENT ON COLUMN escalation.stage_due.started_at IS 'Start of the episode the stage belongs to. 本轮起算时间';
COMMENT ON COLUMN escalation.stage_due.stage IS 'Stage number. 预警级次';
COMMENT ON COLUMN escalation.stage_due.due_at IS 'When the stage falls due: the start plus the delays of the ladder up to it. 应预警时间';
COMMENT ON COLUMN escalation.stage_due.fires_until IS 'The item''s handling or withdrawal, whichever comes first: the stage fires only if it falls due before then; NULL if neither is known. 有效截止时间';
COMMENT ON COLUMN escalation.stage_due.origin IS 'Which ladder of the kind the item climbs. 事项来源层级';
COMMENT ON COLUMN escalation.stage_due.unit_id IS 'The unit, if any. 生产经营单位';
COMMENT ON COLUMN escalation.stage_due.department_id IS 'The finding or transferring department, if any. 发现/移交部门';
COMMENT ON COLUMN escalation.stage_due.region IS 'The item''s region. 所属区划';
COMMENT ON COLUMN escalation.stage_due.district IS 'Its district: the screen of district stages. 所属区县';
COMMENT ON COLUMN escalation.stage_due.city IS 'Its city: the screen of city stages. 所属城市';
SELECT pg_catalog.pg_extension_config_dump('escalation.stage_due', '');

-- When a run must next deal with an item itself (its stages are rows of
-- escalation.stage_due): its handling, if a stage can have fired before it (to
-- resolve the warnings) or always for dual prevention (to start the next idle
-- episode); its withdrawal; the move of its start. first_due is the due time
-- of the item's first stage.
CREATE FUNCTION escalation.item_event_due(kind escalation.warning_kind, first_due timestamptz,
	handled_at timestamptz, withdrawn_at timestamptz, superseded_at timestamptz)
RETURNS timestamptz
AS 'MODULE_PATHNAME', 'escalation_item_event_due'
LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION escalation.item_event_due(escalation.warning_kind, timestamptz, timestamptz, timestamptz, timestamptz) IS
	'When a run must next deal with a tracked item itself (handling, withdrawal, moved start), NULL if only its stages can happen until its data changes. 下次处理时间';

-- The start an item's tracking keeps: dual prevention walks from episode to
-- episode (each normal run starts one), so only a later enrolment moves it.
CREATE FUNCTION escalation.item_start(kind escalation.warning_kind, tracked timestamptz, source timestamptz)
RETURNS timestamptz
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN CASE WHEN kind = 'dual_prevention_idle' THEN greatest(tracked, source) ELSE source END;
COMMENT ON FUNCTION escalation.item_start(escalation.warning_kind, timestamptz, timestamptz) IS
	'Start of an item''s current episode given the tracked and the source start. 本轮起算时间';

-- Recompute when runs must deal with tracked items (of one kind, optionally
-- one origin, optionally some subjects), drop the items nothing can happen to
-- any more, and rewrite their waiting stages from the rules in force.
CREATE FUNCTION escalation.retime_items(kind escalation.warning_kind, origin escalation.level, subjects bigint[])
RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, escalation, pg_temp AS
$$
DECLARE
	ladder escalation.level;
	first_due_after interval;
	gone bigint[];
BEGIN
	-- One ladder at a time: its first delay is a constant of the statement.
	FOREACH ladder IN ARRAY ARRAY['city', 'district']::escalation.level[] LOOP
		CONTINUE WHEN origin IS NOT NULL AND origin <> ladder;
		SELECT o.due_after INTO first_due_after
		FROM escalation.rule_offset o WHERE o.kind = retime_items.kind AND o.origin = ladder AND o.stage = 1;
		EXECUTE $q$
			UPDATE escalation.tracked_item t
			SET next_due_at = escalation.item_event_due(t.kind, escalation.stage_due_at(t.started_at, $4),
														 t.handled_at, t.withdrawn_at, t.superseded_at)
			WHERE t.kind = $1 AND t.origin = $2 AND ($3 IS NULL OR t.subject_id = ANY ($3))
			  AND t.next_due_at IS DISTINCT FROM
				  escalation.item_event_due(t.kind, escalation.stage_due_at(t.started_at, $4),
											t.handled_at, t.withdrawn_at, t.superseded_at)
		$q$ USING kind, ladder, subjects, first_due_after;
	END LOOP;

	EXECUTE $q$
		WITH finished AS (
			DELETE FROM escalation.tracked_item t
			WHERE t.kind = $1 AND ($2 IS NULL OR t.origin = $2) AND ($3 IS NULL OR t.subject_id = ANY ($3))
			  AND t.next_due_at IS NULL AND (t.handled_at IS NOT NULL OR t.withdrawn_at IS NOT NULL)
			RETURNING t.subject_id)
		SELECT array_agg(subject_id) FROM finished
	$q$ INTO gone USING kind, origin, subjects;

	-- The waiting stages: those of the items' current episodes that are not
	-- raised and fall due before the item is handled or withdrawn.
	IF origin IS NULL THEN
		EXECUTE $q$
			DELETE FROM escalation.stage_due s WHERE s.kind = $1 AND ($2 IS NULL OR s.subject_id = ANY ($2))
		$q$ USING kind, subjects;
	ELSE
		EXECUTE $q$
			DELETE FROM escalation.stage_due s
			WHERE s.kind = $1 AND (s.subject_id = ANY ($3)
				OR EXISTS (SELECT 1 FROM escalation.tracked_item t
						   WHERE t.subject_id = s.subject_id AND t.kind = s.kind AND t.origin = $2))
		$q$ USING kind, origin, gone;
	END IF;
	EXECUTE $q$
		INSERT INTO escalation.stage_due (kind, subject_id, started_at, stage, due_at, fires_until, origin,
			unit_id, department_id, region, district, city)
		SELECT t.kind, t.subject_id, t.started_at, o.stage, escalation.stage_due_at(t.started_at, o.due_after),
			least(t.handled_at, t.withdrawn_at), t.origin, t.unit_id, t.department_id, t.region, t.district, t.city
		FROM escalation.tracked_item t
		JOIN escalation.rule_offset o ON o.kind = t.kind AND o.origin = t.origin
		WHERE t.kind = $1 AND ($2 IS NULL OR t.origin = $2) AND ($3 IS NULL OR t.subject_id = ANY ($3))
		  AND escalation.stage_fires(escalation.stage_due_at(t.started_at, o.due_after), t.handled_at, t.withdrawn_at)
		  AND NOT EXISTS (SELECT 1 FROM escalation.warning w
						  WHERE w.subject_id = t.subject_id AND w.kind = t.kind
							AND w.started_at = t.started_at AND w.stage = o.stage)
	$q$ USING kind, origin, subjects;
END
$$;
COMMENT ON FUNCTION escalation.retime_items(escalation.warning_kind, escalation.level, bigint[]) IS
	'Recomputes when runs must deal with tracked items (all of a kind when origin and subjects are NULL), drops finished ones and rewrites their waiting stages. 重算下次处理时间与待预警级次';

-- Bring the tracking of items of a kind in line with the source tables.
CREATE FUNCTION escalation.sync_items(kind escalation.warning_kind, subjects bigint[])
RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, escalation, pg_temp AS
$$
BEGIN
	-- Items that qualify: insert, or update from the source. The tracked row is
	-- read under its lock (the ON CONFLICT branch), never from an older snapshot.
	EXECUTE $q$
		INSERT INTO escalation.tracked_item AS t
			(kind, subject_id, origin, started_at, start_set_at, handled_at, handled_reason, withdrawn_at,
			 unit_id, department_id, region, district, city)
		SELECT s.kind, s.subject_id, s.origin, s.started_at, s.start_set_at, s.handled_at, s.handled_reason, s.withdrawn_at,
			s.unit_id, s.department_id, s.region, s.district, s.city
		FROM escalation.item_source s
		WHERE s.kind = $1 AND ($2 IS NULL OR s.subject_id = ANY ($2))
		ON CONFLICT (kind, subject_id) DO UPDATE SET
			origin = EXCLUDED.origin,
			unit_id = EXCLUDED.unit_id,
			department_id = EXCLUDED.department_id,
			region = EXCLUDED.region,
			district = EXCLUDED.district,
			city = EXCLUDED.city,
			handled_reason = EXCLUDED.handled_reason,
			withdrawn_at = EXCLUDED.withdrawn_at,
			started_at = escalation.item_start(t.kind, t.started_at, EXCLUDED.started_at),
			-- A moved start: the run resolves what the old start raised.
			superseded_at = CASE WHEN escalation.item_start(t.kind, t.started_at, EXCLUDED.started_at) <> t.started_at
								 THEN coalesce(t.superseded_at, EXCLUDED.start_set_at, now()) ELSE t.superseded_at END,
			start_set_at = EXCLUDED.start_set_at,
			handled_at = CASE WHEN t.kind = 'dual_prevention_idle'
							  THEN escalation.dp_first_run_after(t.subject_id,
									 escalation.item_start(t.kind, t.started_at, EXCLUDED.started_at))
							  ELSE EXCLUDED.handled_at END
	$q$ USING kind, subjects;

	-- Items that no longer qualify: their active warnings are resolved as
	-- withdrawn by the next run; one with nothing raised or pending just goes.
	EXECUTE $q$
		WITH missing AS (
			-- A set difference, not a NOT EXISTS: right after a bulk load the
			-- planner knows too little to join a million rows well.
			SELECT t.subject_id FROM escalation.tracked_item t
			WHERE t.kind = $1 AND ($2 IS NULL OR t.subject_id = ANY ($2)) AND t.withdrawn_at IS NULL
			EXCEPT
			SELECT s.subject_id FROM escalation.item_source s
			WHERE s.kind = $1 AND ($2 IS NULL OR s.subject_id = ANY ($2))
		), gone AS (
			-- Idle: nothing raised in this episode, nothing due to raise or to deal with.
			SELECT t.kind, t.subject_id,
				t.superseded_at IS NULL AND (t.next_due_at IS NULL OR t.next_due_at > now())
				AND NOT EXISTS (SELECT 1 FROM escalation.warning w
								WHERE w.subject_id = t.subject_id AND w.kind = t.kind AND w.started_at = t.started_at)
				AND NOT EXISTS (SELECT 1 FROM escalation.stage_due s
								WHERE s.subject_id = t.subject_id AND s.kind = t.kind AND s.due_at <= now())
					AS idle
			FROM escalation.tracked_item t JOIN missing m ON m.subject_id = t.subject_id
			WHERE t.kind = $1
		), dropped AS (
			DELETE FROM escalation.tracked_item t USING gone g
			WHERE g.idle AND t.kind = g.kind AND t.subject_id = g.subject_id
		)
		UPDATE escalation.tracked_item t SET withdrawn_at = now()
		FROM gone g
		WHERE NOT g.idle AND t.kind = g.kind AND t.subject_id = g.subject_id
	$q$ USING kind, subjects;

	PERFORM escalation.retime_items(kind, NULL, subjects);
END
$$;
COMMENT ON FUNCTION escalation.sync_items(escalation.warning_kind, bigint[]) IS
	'Brings the tracking of the given items of a kind (all when subjects is NULL) in line with the source tables. 同步预警事项';

-- Rebuild the tracking of every item from the source tables.
CREATE FUNCTION escalation.resync_items() RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, escalation, pg_temp AS
$$
DECLARE
	k escalation.warning_kind;
	n bigint;
BEGIN
	FOREACH k IN ARRAY enum_range(NULL::escalation.warning_kind) LOOP
		PERFORM escalation.sync_items(k, NULL);
	END LOOP;
	SELECT count(*) INTO n FROM escalation.tracked_item;
	RETURN n;
END
$$;
COMMENT ON FUNCTION escalation.resync_items() IS
	'Re-reads every item from the source tables into escalation.tracked_item and returns how many are tracked; use it after loading data with triggers disabled, after a restore, or after changing escalation.timezone. 重建预警事项跟踪';

-- Trigger (per statement) on a source table: re-sync the items it touched.
-- Arguments: the column that names the item, then the kinds the table feeds.
CREATE FUNCTION escalation.track_source() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, escalation, pg_temp AS
$$
DECLARE
	subjects bigint[];
BEGIN
	-- A restore brings back the tracking rows themselves.
	IF escalation.restoring() THEN
		RETURN NULL;
	END IF;
	IF TG_OP = 'INSERT' THEN
		EXECUTE format('SELECT array_agg(DISTINCT n.%I) FROM new_rows n', TG_ARGV[0]) INTO subjects;
	ELSIF TG_OP = 'UPDATE' THEN
		EXECUTE format('SELECT array_agg(DISTINCT x.id) FROM (SELECT n.%1$I FROM new_rows n UNION SELECT o.%1$I FROM old_rows o) x(id)',
					   TG_ARGV[0]) INTO subjects;
	ELSIF TG_OP = 'DELETE' THEN
		EXECUTE format('SELECT array_agg(DISTINCT o.%I) FROM old_rows o', TG_ARGV[0]) INTO subjects;
	END IF;
	IF TG_OP <> 'TRUNCATE' AND subjects IS NULL THEN
		RETURN NULL;
	END IF;
	FOR i IN 1 .. TG_NARGS - 1 LOOP
		PERFORM escalation.sync_items(TG_ARGV[i]::escalation.warning_kind, subjects);
	END LOOP;
	RETURN NULL;
END
$$;
COMMENT ON FUNCTION escalation.track_source() IS
	'Trigger on hazard, clue, licence, dual_prevention and dp_run: re-syncs the tracking of the items a statement touched. 预警事项同步触发器';

DO $install$
DECLARE
	src record;
BEGIN
	FOR src IN
		SELECT * FROM (VALUES
			('hazard', 'id', ARRAY['hazard_overdue', 'major_hazard']),
			('clue', 'id', ARRAY['clue']),
			('licence', 'id', ARRAY['licence_expired']),
			('dual_prevention', 'unit_id', ARRAY['dual_prevention_idle']),
			('dp_run', 'unit_id', ARRAY['dual_prevention_idle'])) AS s(tbl, col, kinds)
	LOOP
		EXECUTE format('CREATE TRIGGER %1$I AFTER INSERT ON escalation.%2$I REFERENCING NEW TABLE AS new_rows '
					   'FOR EACH STATEMENT EXECUTE FUNCTION escalation.track_source(%3$L, %4$s)',
					   src.tbl || '_track_insert', src.tbl, src.col, array_to_string(array(SELECT quote_literal(k) FROM unnest(src.kinds) k), ', '));
		EXECUTE format('CREATE TRIGGER %1$I AFTER UPDATE ON escalation.%2$I REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows '
					   'FOR EACH STATEMENT EXECUTE FUNCTION escalation.track_source(%3$L, %4$s)',
					   src.tbl || '_track_update', src.tbl, src.col, array_to_string(array(SELECT quote_literal(k) FROM unnest(src.kinds) k), ', '));
		EXECUTE format('CREATE TRIGGER %1$I AFTER DELETE ON escalation.%2$I REFERENCING OLD TABLE AS old_rows '
					   'FOR EACH STATEMENT EXECUTE FUNCTION escalation.track_source(%3$L, %4$s)',
					   src.tbl || '_track_delete', src.tbl, src.col, array_to_string(array(SELECT quote_literal(k) FROM unnest(src.kinds) k), ', '));
		EXECUTE format('CREATE TRIGGER %1$I AFTER TRUNCATE ON escalation.%2$I '
					   'FOR EACH STATEMENT EXECUTE FUNCTION escalation.track_source(%3$L, %4$s)',
					   src.tbl || '_track_truncate', src.tbl, src.col, array_to_string(array(SELECT quote_literal(k) FROM unnest(src.kinds) k), ', '));
	END LOOP;
END
$install$;

-- Trigger: a unit or department whose region or level changes moves its items
-- (their screens, and for units their origin).
CREATE FUNCTION escalation.track_owner() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, escalation, pg_temp AS
$$
DECLARE
	k escalation.warning_kind;
	subjects bigint[];
BEGIN
	IF escalation.restoring() THEN
		RETURN NULL;
	END IF;
	FOREACH k IN ARRAY enum_range(NULL::escalation.warning_kind) LOOP
		IF TG_TABLE_NAME = 'unit' THEN
			subjects := ARRAY(SELECT s.subject_id FROM escalation.item_source s WHERE s.kind = k AND s.unit_id = NEW.id);
		ELSE
			subjects := ARRAY(SELECT s.subject_id FROM escalation.item_source s WHERE s.kind = k AND s.department_id = NEW.id);
		END IF;
		IF cardinality(subjects) > 0 THEN
			PERFORM escalation.sync_items(k, subjects);
		END IF;
	END LOOP;
	RETURN NULL;
END
$$;
COMMENT ON FUNCTION escalation.track_owner() IS
	'Trigger on unit and department: when a region, supervision level or level changes, re-syncs the items that belong to it. 单位/部门变更同步预警事项';
CREATE TRIGGER unit_track_items AFTER UPDATE OF region, supervision_level ON escalation.unit
	FOR EACH ROW WHEN (OLD.region IS DISTINCT FROM NEW.region OR OLD.supervision_level IS DISTINCT FROM NEW.supervision_level)
	EXECUTE FUNCTION escalation.track_owner();
CREATE TRIGGER department_track_items AFTER UPDATE OF region, level ON escalation.department
	FOR EACH ROW WHEN (OLD.region IS DISTINCT FROM NEW.region OR OLD.level IS DISTINCT FROM NEW.level)
	EXECUTE FUNCTION escalation.track_owner();

-- Trigger (per statement) on rule_override: items on a changed ladder get
-- their next due time from the new rules.
CREATE FUNCTION escalation.rule_retime() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, escalation, pg_temp AS
$$
DECLARE
	ladder record;
BEGIN
	FOR ladder IN EXECUTE
		CASE TG_OP
			WHEN 'INSERT' THEN 'SELECT DISTINCT kind, origin FROM new_rows'
			WHEN 'DELETE' THEN 'SELECT DISTINCT kind, origin FROM old_rows'
			ELSE 'SELECT kind, origin FROM new_rows UNION SELECT kind, origin FROM old_rows'
		END
	LOOP
		PERFORM escalation.retime_items(ladder.kind, ladder.origin, NULL);
	END LOOP;
	RETURN NULL;
END
$$;
COMMENT ON FUNCTION escalation.rule_retime() IS
	'Trigger: after a change of the rules, items on the changed ladders get their next due time from the new rules. 规则变更后重算';
CREATE TRIGGER rule_retime_insert AFTER INSERT ON escalation.rule_override
	REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION escalation.rule_retime();
CREATE TRIGGER rule_retime_update AFTER UPDATE ON escalation.rule_override
	REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION escalation.rule_retime();
CREATE TRIGGER rule_retime_delete AFTER DELETE ON escalation.rule_override
	REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION escalation.rule_retime();

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
	'Raises every ladder stage due at or before as_of whose item was not handled by its due time, resolves the warnings of handled items, sends one NOTIFY escalation_warning, logs the run; returns the number of warnings raised (NULL if the run failed: see escalation.run_log). as_of may be at most one day after the server clock. 执行预警升级';

CREATE FUNCTION escalation.lock_event_stream() RETURNS void
AS 'MODULE_PATHNAME', 'escalation_lock_event_stream'
LANGUAGE C VOLATILE;
COMMENT ON FUNCTION escalation.lock_event_stream() IS
	'Takes the transaction-level advisory lock that every writer of warning events holds, so event ids commit in order. 预警事件锁';

CREATE FUNCTION escalation.acknowledge(warning_id bigint, note text DEFAULT NULL) RETURNS bigint
AS 'MODULE_PATHNAME', 'escalation_acknowledge'
LANGUAGE C VOLATILE SET search_path = pg_catalog, escalation, pg_temp;
COMMENT ON FUNCTION escalation.acknowledge(bigint, text) IS
	'Records that the calling role acknowledged an active warning it can see, with a handling note (§21); returns the acknowledgement''s event id. 预警签收';

------------------------------------------------------------------------------
-- Scheduling with pg_cron (定时运行)
------------------------------------------------------------------------------

-- Fail clearly unless pg_cron is installed in this database.
CREATE FUNCTION escalation.require_cron() RETURNS void
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
					ELSE format('In database "%s" run: SELECT cron.schedule_in_database(''escalation-run'', ''* * * * *'', ''SELECT escalation.run()'', ''%s'');', cron_database, current_database()) END;
	END IF;
END
$$;
COMMENT ON FUNCTION escalation.require_cron() IS
	'Raises a clear error, with what to do, unless pg_cron is installed in this database. 检查定时任务扩展';

CREATE FUNCTION escalation.schedule(schedule text DEFAULT '* * * * *') RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, escalation, pg_temp AS
$$
DECLARE
	job bigint;
BEGIN
	IF schedule IS NULL OR btrim(schedule) = '' THEN
		RAISE EXCEPTION 'schedule must not be empty'
			USING ERRCODE = 'invalid_parameter_value',
				  HINT = 'Give a cron schedule, e.g. ''* * * * *'' for every minute.';
	END IF;
	PERFORM escalation.require_cron();
	SELECT cron.schedule('escalation-run', schedule, 'SELECT escalation.run()') INTO job;
	RETURN job;
END
$$;
COMMENT ON FUNCTION escalation.schedule(text) IS
	'Creates or updates the pg_cron job "escalation-run" that calls escalation.run() on the given cron schedule (default every minute); returns the job id. 设置定时预警';

CREATE FUNCTION escalation.unschedule() RETURNS boolean
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, escalation, pg_temp AS
$$
BEGIN
	PERFORM escalation.require_cron();
	IF NOT EXISTS (SELECT 1 FROM cron.job j WHERE j.jobname = 'escalation-run' AND j.username = current_user) THEN
		RETURN false;
	END IF;
	PERFORM cron.unschedule('escalation-run');
	RETURN true;
END
$$;
COMMENT ON FUNCTION escalation.unschedule() IS
	'Removes the pg_cron job "escalation-run"; returns false if there was none. 取消定时预警';

------------------------------------------------------------------------------
-- Row-level security and privileges
------------------------------------------------------------------------------

SELECT escalation.enable_region_security(t)
FROM unnest(ARRAY['escalation.warning', 'escalation.tracked_item']::regclass[]) AS t;

GRANT SELECT ON escalation.warning TO escalation_admin, escalation_user, escalation_analyst;
GRANT INSERT ON escalation.warning TO escalation_admin;
GRANT USAGE ON SEQUENCE escalation.warning_event_seq TO escalation_admin;
GRANT SELECT ON escalation.rule, escalation.rule_offset TO escalation_admin, escalation_user, escalation_analyst;
GRANT INSERT, UPDATE, DELETE ON escalation.rule TO escalation_admin;
-- The view's trigger writes the override table with the caller's rights; the
-- override table's own checks validate every change, however it is made.
GRANT INSERT, UPDATE, DELETE ON escalation.rule_override TO escalation_admin;
GRANT SELECT ON escalation.tracked_item TO escalation_admin, escalation_user, escalation_analyst;
GRANT SELECT ON escalation.rule_default, escalation.rule_override, escalation.item_source, escalation.run_log,
	escalation.stage_due TO escalation_admin, escalation_analyst;

REVOKE ALL ON FUNCTION
	escalation.rule_write(), escalation.rule_check_stage(), escalation.rule_check_ladder(),
	escalation.warning_lock_events(), escalation.warning_fill_defaults(),
	escalation.item_origin(escalation.level), escalation.dp_first_run_after(bigint, timestamptz),
	escalation.item_event_due(escalation.warning_kind, timestamptz, timestamptz, timestamptz, timestamptz),
	escalation.item_start(escalation.warning_kind, timestamptz, timestamptz),
	escalation.retime_items(escalation.warning_kind, escalation.level, bigint[]),
	escalation.sync_items(escalation.warning_kind, bigint[]), escalation.resync_items(),
	escalation.track_source(), escalation.track_owner(), escalation.rule_retime(),
	escalation.run(timestamptz), escalation.licence_expires_at(date), escalation.lock_event_stream(),
	escalation.acknowledge(bigint, text), escalation.require_cron(), escalation.schedule(text),
	escalation.unschedule()
FROM PUBLIC;
GRANT EXECUTE ON FUNCTION escalation.run(timestamptz), escalation.resync_items(), escalation.schedule(text),
	escalation.unschedule() TO escalation_admin;
GRANT EXECUTE ON FUNCTION escalation.acknowledge(bigint, text) TO escalation_admin, escalation_user;
GRANT EXECUTE ON FUNCTION escalation.licence_expires_at(date), escalation.item_origin(escalation.level),
	escalation.dp_first_run_after(bigint, timestamptz)
	TO escalation_admin, escalation_user, escalation_analyst;
-- The stage arithmetic: PUBLIC may not run it, the platform's readers may.
REVOKE ALL ON FUNCTION escalation.stage_due_at(timestamptz, interval),
	escalation.stage_fires(timestamptz, timestamptz, timestamptz)
FROM PUBLIC;
GRANT EXECUTE ON FUNCTION escalation.stage_due_at(timestamptz, interval),
	escalation.stage_fires(timestamptz, timestamptz, timestamptz)
	TO escalation_admin, escalation_user, escalation_analyst;
