-- The warning rules (预警规则, §15–19): the ladders as data. The shipped ladders,
-- the city's changes to them, the rules in force with their checks, and the
-- cumulative due offsets the engine reads.

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

-- Every shipped ladder: the rows of rule_default, and (redefined by the parts
-- that add them, 57_handling_timers.sql) the ladders of kinds added after
-- 0.1.0, derived from rules data of their own. An upgrade cannot insert rows
-- of a kind it adds to the enum (docs/ENGINE-INTERNALS.md, "Warning kinds
-- added by an upgrade"), so those ladders are not rows of rule_default.
CREATE VIEW escalation.rule_shipped AS
	SELECT d.kind, d.origin, d.stage, d.delay, d.screen, d.action
	FROM escalation.rule_default d;
COMMENT ON VIEW escalation.rule_shipped IS
	'Every ladder as shipped: the rows of rule_default and the ladders of the kinds added after 0.1.0, derived from rules data of their own (the handling timers of escalation.handling_rule; the listed major hazards). 默认预警规则（含派生）';
COMMENT ON COLUMN escalation.rule_shipped.kind IS 'Kind of warning. 预警类型';
COMMENT ON COLUMN escalation.rule_shipped.origin IS 'Origin of the item. 事项来源层级';
COMMENT ON COLUMN escalation.rule_shipped.stage IS 'Stage number, 1 to n. 预警级次';
COMMENT ON COLUMN escalation.rule_shipped.delay IS 'Time from the previous stage (stage 1: from the item''s start). 间隔时间';
COMMENT ON COLUMN escalation.rule_shipped.screen IS 'Screen the stage shows on. 预警大屏层级';
COMMENT ON COLUMN escalation.rule_shipped.action IS 'Action of that level''s office. 处置动作';

CREATE VIEW escalation.rule AS
	SELECT d.kind, d.origin, d.stage, d.delay, d.screen, d.action, false AS changed
	FROM escalation.rule_shipped d
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
CREATE FUNCTION escalation_internal.rule_write() RETURNS trigger
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
		IF EXISTS (SELECT 1 FROM escalation.rule_shipped d
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
COMMENT ON FUNCTION escalation_internal.rule_write() IS
	'Trigger: turns INSERT, UPDATE and DELETE on escalation.rule into the city''s changes (rule_override). 预警规则写入';
CREATE TRIGGER rule_write INSTEAD OF INSERT OR UPDATE OR DELETE ON escalation.rule
	FOR EACH ROW EXECUTE FUNCTION escalation_internal.rule_write();

-- Trigger: one stage's values, checked with messages that say what is wrong.
CREATE FUNCTION escalation_internal.rule_check_stage() RETURNS trigger
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
COMMENT ON FUNCTION escalation_internal.rule_check_stage() IS
	'Trigger: rejects an invalid stage (unknown origin, stage outside 1..9, negative or month-based delay, district screen for a city item) with a clear error. 预警规则校验';
CREATE TRIGGER rule_check_stage BEFORE INSERT OR UPDATE ON escalation.rule_override
	FOR EACH ROW EXECUTE FUNCTION escalation_internal.rule_check_stage();

-- Trigger (deferred to commit): every ladder touched keeps stages 1..n.
CREATE FUNCTION escalation_internal.rule_check_ladder() RETURNS trigger
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
COMMENT ON FUNCTION escalation_internal.rule_check_ladder() IS
	'Constraint trigger, deferred to commit: the stages of every changed ladder are numbered 1..n without gaps. 预警规则级次连续性校验';
CREATE CONSTRAINT TRIGGER rule_ladder_contiguous AFTER INSERT OR UPDATE OR DELETE ON escalation.rule_override
	DEFERRABLE INITIALLY DEFERRED
	FOR EACH ROW EXECUTE FUNCTION escalation_internal.rule_check_ladder();

------------------------------------------------------------------------------
-- Privileges
------------------------------------------------------------------------------

GRANT SELECT ON escalation.rule, escalation.rule_offset TO escalation_admin, escalation_user, escalation_analyst;
GRANT INSERT, UPDATE, DELETE ON escalation.rule TO escalation_admin;
-- The view's trigger writes the override table with the caller's rights; the
-- override table's own checks validate every change, however it is made.
GRANT INSERT, UPDATE, DELETE ON escalation.rule_override TO escalation_admin;
GRANT SELECT ON escalation.rule_default, escalation.rule_shipped, escalation.rule_override TO escalation_admin, escalation_analyst;

REVOKE ALL ON FUNCTION escalation_internal.rule_write(), escalation_internal.rule_check_stage(), escalation_internal.rule_check_ladder()
FROM PUBLIC;

------------------------------------------------------------------------------
-- The limits of the ladders (预警规则限值): how often and how far an item may
-- be put off, and the deadlines the text leaves to the city
------------------------------------------------------------------------------

-- Shipped limits. Read-only for users, like rule_default: the city's changes
-- are rows of rule_limit_override, which pg_dump keeps.
CREATE TABLE escalation.rule_limit_default (
	name text NOT NULL,
	amount numeric,
	span interval,
	description text NOT NULL,
	CONSTRAINT rule_limit_default_pkey PRIMARY KEY (name),
	CONSTRAINT rule_limit_default_amount_or_span CHECK ((amount IS NULL) <> (span IS NULL))
);
COMMENT ON TABLE escalation.rule_limit_default IS
	'The limits of the ladders as shipped (延期次数与时长、复查期限等); the limits in force are escalation.rule_limit. 默认预警规则限值';
COMMENT ON COLUMN escalation.rule_limit_default.name IS 'Name of the limit. 限值名称';
COMMENT ON COLUMN escalation.rule_limit_default.amount IS 'A count or a share, for limits that are numbers. 数量/比例';
COMMENT ON COLUMN escalation.rule_limit_default.span IS 'A length of time (days of 24 hours), for limits that are durations. 时长';
COMMENT ON COLUMN escalation.rule_limit_default.description IS 'What the limit governs. 说明';

INSERT INTO escalation.rule_limit_default (name, amount, span, description) VALUES
	('hazard_extension_count', 2, NULL, 'Extensions (延期) a hazard may be granted in all. 隐患延期次数上限'),
	('hazard_extension_total', NULL, '30 days', 'Total time all extensions of a hazard may add to its deadline. 隐患延期累计时长上限'),
	('hazard_recheck_within', NULL, '3 days', 'Time the supervising department has to re-inspect a hazard rectified on time; after it the hazard climbs as 逾期未复查. 复查期限'),
	('clue_forward_count', 3, NULL, 'Forwards (转办) a clue may go through before only the city office may forward it. 线索转办次数上限'),
	('dual_prevention_task_share', 1, NULL, 'Share (0 to 1) of the check tasks that fell due which must not be overdue for a unit to run dual prevention normally (§19 正常运行); 1: every one. 按期排查任务比例'),
	('dual_prevention_enrol_within', NULL, '30 days', 'Time a unit §12 obliges has to come under platform management before it climbs the §19 ladder. 应建单位纳入管理期限');

-- The city's changes to the shipped limits.
CREATE TABLE escalation.rule_limit_override (
	name text NOT NULL,
	amount numeric,
	span interval,
	changed_at timestamptz NOT NULL DEFAULT statement_timestamp(),
	changed_by name NOT NULL DEFAULT current_user,
	CONSTRAINT rule_limit_override_pkey PRIMARY KEY (name),
	CONSTRAINT rule_limit_override_name_fkey FOREIGN KEY (name) REFERENCES escalation.rule_limit_default (name),
	CONSTRAINT rule_limit_override_amount_or_span CHECK ((amount IS NULL) <> (span IS NULL)),
	CONSTRAINT rule_limit_override_amount_not_negative CHECK (amount >= 0),
	CONSTRAINT rule_limit_override_span_in_days
		CHECK (span >= interval '0' AND date_part('month', span) = 0 AND date_part('year', span) = 0
			   AND span <= interval '3650 days')
);
COMMENT ON TABLE escalation.rule_limit_override IS
	'The city''s changes to the shipped limits of the ladders; kept by pg_dump. 预警规则限值调整记录';
COMMENT ON COLUMN escalation.rule_limit_override.name IS 'Name of the limit (one of rule_limit_default). 限值名称';
COMMENT ON COLUMN escalation.rule_limit_override.amount IS 'The city''s count or share. 数量/比例';
COMMENT ON COLUMN escalation.rule_limit_override.span IS 'The city''s length of time. 时长';
COMMENT ON COLUMN escalation.rule_limit_override.changed_at IS 'When the change was made. 调整时间';
COMMENT ON COLUMN escalation.rule_limit_override.changed_by IS 'Role that made the change. 调整人';
SELECT pg_catalog.pg_extension_config_dump('escalation.rule_limit_override', '');

CREATE VIEW escalation.rule_limit AS
	SELECT d.name, coalesce(o.amount, CASE WHEN o.name IS NULL THEN d.amount END) AS amount,
		coalesce(o.span, CASE WHEN o.name IS NULL THEN d.span END) AS span, o.name IS NOT NULL AS changed, d.description
	FROM escalation.rule_limit_default d
	LEFT JOIN escalation.rule_limit_override o ON o.name = d.name;
COMMENT ON VIEW escalation.rule_limit IS
	'The limits of the ladders in force (预警规则限值): shipped values unless the city office changed them in escalation.rule_limit_override. 预警规则限值';
COMMENT ON COLUMN escalation.rule_limit.name IS 'Name of the limit. 限值名称';
COMMENT ON COLUMN escalation.rule_limit.amount IS 'A count or a share. 数量/比例';
COMMENT ON COLUMN escalation.rule_limit.span IS 'A length of time. 时长';
COMMENT ON COLUMN escalation.rule_limit.changed IS 'The city changed it. 是否已调整';
COMMENT ON COLUMN escalation.rule_limit.description IS 'What the limit governs. 说明';

-- One limit in force, as a number or as a length of time.
CREATE FUNCTION escalation.rule_limit_amount(name text) RETURNS numeric
LANGUAGE sql STABLE PARALLEL SAFE SET search_path = pg_catalog, escalation, pg_temp
BEGIN ATOMIC
	SELECT l.amount FROM escalation.rule_limit l WHERE l.name = rule_limit_amount.name;
END;
COMMENT ON FUNCTION escalation.rule_limit_amount(text) IS
	'The count or share of a limit in force (escalation.rule_limit). 预警规则限值（数量）';
CREATE FUNCTION escalation.rule_limit_span(name text) RETURNS interval
LANGUAGE sql STABLE PARALLEL SAFE SET search_path = pg_catalog, escalation, pg_temp
BEGIN ATOMIC
	SELECT l.span FROM escalation.rule_limit l WHERE l.name = rule_limit_span.name;
END;
COMMENT ON FUNCTION escalation.rule_limit_span(text) IS
	'The length of time of a limit in force (escalation.rule_limit). 预警规则限值（时长）';

-- Trigger (per statement): a changed re-inspection deadline re-times the hazards.
CREATE FUNCTION escalation_internal.rule_limit_retime() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, escalation, pg_temp AS
$$
BEGIN
	-- A restore brings back the tracking rows themselves.
	IF escalation.restoring() THEN
		RETURN NULL;
	END IF;
	PERFORM escalation.sync_items('hazard_overdue', NULL);
	PERFORM escalation.sync_items('dual_prevention_idle', NULL);
	RETURN NULL;
END
$$;
COMMENT ON FUNCTION escalation_internal.rule_limit_retime() IS
	'Trigger: after a change of the limits, hazards climbing the overdue ladder get their start from the re-inspection deadline in force, and dual prevention items their idle episodes from the task share and grace period in force. 限值变更后重算';
CREATE TRIGGER rule_limit_retime AFTER INSERT OR UPDATE OR DELETE ON escalation.rule_limit_override
	FOR EACH STATEMENT EXECUTE FUNCTION escalation_internal.rule_limit_retime();

GRANT SELECT ON escalation.rule_limit TO escalation_admin, escalation_user, escalation_analyst;
GRANT SELECT ON escalation.rule_limit_default TO escalation_admin, escalation_analyst;
GRANT SELECT, INSERT, UPDATE, DELETE ON escalation.rule_limit_override TO escalation_admin;
GRANT SELECT ON escalation.rule_limit_override TO escalation_analyst;
REVOKE ALL ON FUNCTION escalation.rule_limit_amount(text), escalation.rule_limit_span(text),
	escalation_internal.rule_limit_retime() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION escalation.rule_limit_amount(text), escalation.rule_limit_span(text)
	TO escalation_admin, escalation_user, escalation_analyst;
