-- The handling timers as warnings (处置时限预警, §14, issue 13): a warning not
-- signed within the sign timer (handling_sign, 超时未签收) and a dispatch or
-- return not answered by its reply deadline (handling_reply, 逾期未反馈) are
-- items of their own kinds, raised by the engine one level up (a district
-- warning's timers show on the city screen; a city warning's stay there) and
-- addressed to whoever failed to act (docs/HANDLING.md, "The timers as
-- warnings"). The kinds were added after 0.1.0: nothing here evaluates them
-- when it is created (docs/ENGINE-INTERNALS.md, "Warning kinds added by an
-- upgrade").

------------------------------------------------------------------------------
-- Enum values added by an upgrade
------------------------------------------------------------------------------

-- The value label of the enum of type, or NULL while it cannot be used: in
-- the transaction of the upgrade that adds it, PostgreSQL refuses a new enum
-- value ("unsafe use of new value"). The views that name the new values call
-- it in an uncorrelated subquery, once per query, so that within the upgrade
-- they show nothing of the new kinds instead of failing. A value is unsafe
-- when its row in pg_enum was written by the current transaction and its
-- type's was not (a type created in the transaction may use its values; an
-- upgrade run in a subtransaction is not recognised, and fails as without
-- this). In
-- escalation, not escalation_internal: a view calls it with its reader's
-- rights.
CREATE FUNCTION escalation.enum_value(type anyenum, label text) RETURNS anyenum
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, escalation, pg_temp AS
$$
DECLARE
	result ALIAS FOR $0;
BEGIN
	IF EXISTS (SELECT 1 FROM pg_catalog.pg_enum e JOIN pg_catalog.pg_type t ON t.oid = e.enumtypid
			   WHERE e.enumtypid = pg_catalog.pg_typeof(type) AND e.enumlabel = label
				 AND e.xmin = pg_catalog.xid(pg_catalog.pg_current_xact_id_if_assigned())
				 AND t.xmin <> e.xmin) THEN
		RETURN NULL;
	END IF;
	result := label;
	RETURN result;
END
$$;
COMMENT ON FUNCTION escalation.enum_value(anyenum, text) IS
	'The value label of the enum type of its first argument, NULL within the transaction that added it (where it cannot be used yet). 枚举值（新增值可用时）';

------------------------------------------------------------------------------
-- The ladders of the timers (处置时限预警规则): derived from handling_rule
------------------------------------------------------------------------------

-- One stage each, on the city screen: handling_sign falls due the sign timer
-- after the warning was raised, handling_reply at the reply deadline (which
-- the dispatch or return set from the reply timer, or the centre gave). The
-- city changes them through escalation.rule like any ladder; the sign delay
-- also follows escalation.handling_timer_override. escalation.rule_shipped
-- derives them from handling_rule; it is defined once, with every derived
-- ladder, in 57_major_hazard_listing.sql.

------------------------------------------------------------------------------
-- The items of the timers (处置时限事项)
------------------------------------------------------------------------------

-- When the engine resolves a warning that is still active: its item's
-- handling or withdrawal for the current episode, the move of its start for
-- an earlier one (the work list knows both as soon as the sources change).
CREATE FUNCTION escalation.warning_ends_at(w escalation.warning, t escalation.tracked_item)
RETURNS timestamptz
LANGUAGE sql STABLE PARALLEL SAFE
RETURN coalesce(w.resolved_at,
	CASE WHEN t.started_at = w.started_at THEN least(t.handled_at, t.withdrawn_at) ELSE t.superseded_at END);
COMMENT ON FUNCTION escalation.warning_ends_at(escalation.warning, escalation.tracked_item) IS
	'When a warning is (or will be) resolved, from its resolution or from the work-list row of its item; NULL while unknown. 预警解除时间';

-- The work-safety committee office (安委会办公室) of a screen's region, which
-- answers for its command centre's signing. In escalation: a view calls it
-- with its reader's rights.
CREATE FUNCTION escalation.screen_office(screen_region escalation.region) RETURNS bigint
LANGUAGE sql STABLE PARALLEL SAFE
RETURN (SELECT d.id FROM escalation.department d
		WHERE d.region = screen_region AND d.kind = 'safety_committee_office' ORDER BY d.id LIMIT 1);
COMMENT ON FUNCTION escalation.screen_office(escalation.region) IS
	'The work-safety committee office of a screen''s region (the lowest id if several), NULL if none. 大屏所在区划的安委会办公室';

CREATE OR REPLACE VIEW escalation.handling_timer_source AS
	-- Every warning but a timer's own: signed within the sign timer, or the
	-- timer's warning goes to the office (安委会办公室) of its screen's region.
	SELECT (SELECT escalation.enum_value(NULL::escalation.warning_kind, 'handling_sign')) AS kind,
		w.id AS subject_id, w.screen AS origin, w.raised_at AS started_at, NULL::timestamptz AS start_set_at,
		s.done_at AS handled_at, 'signed'::text::escalation.warning_resolution AS handled_reason,
		escalation.warning_ends_at(w, t) AS withdrawn_at, w.unit_id,
		escalation.screen_office(w.screen_region) AS department_id,
		w.region
	FROM escalation.warning w
	LEFT JOIN escalation.warning_step s ON s.warning_id = w.id AND s.step = 'sign'
	LEFT JOIN escalation.tracked_item t ON t.subject_id = w.subject_id AND t.kind = w.kind
	-- Raised and resolved at once (a catch-up run): no sign timer can run out.
	WHERE w.kind::text NOT IN ('handling_sign', 'handling_reply')
	  AND (w.resolved_at IS NULL OR w.resolved_at > w.raised_at)
	UNION ALL
	-- Every dispatch and return: answered by its reply deadline, or the
	-- timer's warning goes to the department it was dispatched to.
	SELECT (SELECT escalation.enum_value(NULL::escalation.warning_kind, 'handling_reply')),
		s.id, w.screen, s.reply_by, NULL,
		(SELECT min(f.done_at) FROM escalation.warning_step f
		 WHERE f.warning_id = s.warning_id AND f.step = 'feedback' AND f.id > s.id),
		'answered'::text::escalation.warning_resolution,
		escalation.warning_ends_at(w, t), w.unit_id,
		(SELECT x.department_id FROM escalation.warning_step x
		 WHERE x.warning_id = s.warning_id AND x.step = 'dispatch' AND x.id <= s.id ORDER BY x.id DESC LIMIT 1),
		w.region
	FROM escalation.warning_step s
	JOIN escalation.warning w ON w.id = s.warning_id
	LEFT JOIN escalation.tracked_item t ON t.subject_id = w.subject_id AND t.kind = w.kind
	WHERE (s.step = 'dispatch' OR (s.step = 'review' AND NOT s.accepted))
	  AND w.kind::text NOT IN ('handling_sign', 'handling_reply');
COMMENT ON VIEW escalation.handling_timer_source IS
	'The items of the handling timers, a branch of escalation.item_source: handling_sign per warning (from its raising; handled by its signing), handling_reply per dispatch or return (from its reply deadline; handled by the next feedback); both withdrawn when the warning is resolved. Timer warnings have no timers of their own. 处置时限事项';
COMMENT ON COLUMN escalation.handling_timer_source.kind IS 'handling_sign or handling_reply. 预警类型';
COMMENT ON COLUMN escalation.handling_timer_source.subject_id IS 'handling_sign: the warning; handling_reply: the dispatch or return (warning_step) whose reply deadline runs. 事项编号';
COMMENT ON COLUMN escalation.handling_timer_source.origin IS 'The screen of the warning: its timers climb one level up from there. 事项来源层级';
COMMENT ON COLUMN escalation.handling_timer_source.started_at IS 'handling_sign: when the warning was raised; handling_reply: the reply deadline. 起算时间';
COMMENT ON COLUMN escalation.handling_timer_source.start_set_at IS 'Always NULL. 起算时间设定时间';
COMMENT ON COLUMN escalation.handling_timer_source.handled_at IS 'When it was signed, or answered after the dispatch or return. 处理时间';
COMMENT ON COLUMN escalation.handling_timer_source.handled_reason IS 'signed or answered. 处理方式';
COMMENT ON COLUMN escalation.handling_timer_source.withdrawn_at IS 'When the warning is resolved. 撤销时间';
COMMENT ON COLUMN escalation.handling_timer_source.unit_id IS 'The warning''s unit, if any. 生产经营单位';
COMMENT ON COLUMN escalation.handling_timer_source.department_id IS 'Who failed to act: the work-safety committee office of the warning''s screen (sign), the department it was dispatched to (reply). 责任部门';
COMMENT ON COLUMN escalation.handling_timer_source.region IS 'The warning''s region. 所属区划';

------------------------------------------------------------------------------
-- Keeping the work list in step (处置时限事项同步)
------------------------------------------------------------------------------

-- Re-sync the timers of some warnings (and of some dispatch or return steps
-- that are gone).
CREATE FUNCTION escalation_internal.sync_warning_timers(warnings bigint[], steps bigint[] DEFAULT NULL)
RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, escalation, pg_temp AS
$$
DECLARE
	sign escalation.warning_kind;
	reply escalation.warning_kind;
	replies bigint[];
BEGIN
	IF coalesce(cardinality(warnings), 0) + coalesce(cardinality(steps), 0) = 0 THEN
		RETURN;
	END IF;
	sign := escalation.enum_value(NULL::escalation.warning_kind, 'handling_sign');
	reply := escalation.enum_value(NULL::escalation.warning_kind, 'handling_reply');
	-- In the transaction of the upgrade that adds the kinds: resync after it.
	IF sign IS NULL OR reply IS NULL THEN
		RETURN;
	END IF;
	IF cardinality(warnings) > 0 THEN
		PERFORM escalation.sync_items(sign, warnings);
	END IF;
	replies := ARRAY(SELECT s.id FROM escalation.warning_step s
					 WHERE s.warning_id = ANY (warnings) AND (s.step = 'dispatch' OR (s.step = 'review' AND NOT s.accepted))
					 UNION SELECT unnest(steps));
	IF cardinality(replies) > 0 THEN
		PERFORM escalation.sync_items(reply, replies);
	END IF;
END
$$;
COMMENT ON FUNCTION escalation_internal.sync_warning_timers(bigint[], bigint[]) IS
	'Brings the handling timers of the given warnings (and of the given dispatch or return steps) in line with their sources. 同步处置时限事项';

-- Called by escalation.sync_items at its end: the timers of the active
-- warnings of the items it synced learn when those warnings end.
CREATE FUNCTION escalation_internal.sync_handling_timers(kind escalation.warning_kind, subjects bigint[])
RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, escalation, pg_temp AS
$$
BEGIN
	IF kind::text IN ('handling_sign', 'handling_reply') THEN
		RETURN;
	END IF;
	PERFORM escalation_internal.sync_warning_timers(ARRAY(
		SELECT w.id FROM escalation.warning w
		WHERE w.kind = sync_handling_timers.kind AND (subjects IS NULL OR w.subject_id = ANY (subjects))
		  AND w.resolved_at IS NULL));
END
$$;
COMMENT ON FUNCTION escalation_internal.sync_handling_timers(escalation.warning_kind, bigint[]) IS
	'After a sync of items of a kind: re-syncs the handling timers of their active warnings, which end when the items do. 同步预警的处置时限';

-- Trigger (per statement) on warning: the new warnings' sign timers start.
CREATE FUNCTION escalation_internal.warning_track_timers() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, escalation, pg_temp AS
$$
DECLARE
	sign escalation.warning_kind := 'handling_sign';
	-- The stages of the ladder in force: while the city has not changed it,
	-- the one stage rule_shipped derives from the sign timer (read directly:
	-- escalation.rule costs more than the rest of this trigger together).
	overridden boolean := EXISTS (SELECT 1 FROM escalation.rule_override x WHERE x.kind = sign);
BEGIN
	IF escalation.restoring() THEN
		RETURN NULL;
	END IF;
	-- What escalation.sync_items would write for them (handling_timer_source),
	-- in one statement however many warnings a run raised.
	WITH w AS MATERIALIZED (
		SELECT r.id, r.raised_at, r.screen, r.unit_id, r.region, so.id AS office,
			-- The timer ends when the warning does: resolved, or its item handled, withdrawn or superseded.
			coalesce(r.resolved_at,
				(SELECT CASE WHEN t.started_at = r.started_at THEN least(t.handled_at, t.withdrawn_at) ELSE t.superseded_at END
				 FROM escalation.tracked_item t WHERE t.subject_id = r.subject_id AND t.kind = r.kind)) AS until
		FROM raised r
		-- escalation.screen_office
		LEFT JOIN (SELECT DISTINCT ON (d.region) d.region, d.id FROM escalation.department d
				   WHERE d.kind = 'safety_committee_office' ORDER BY d.region, d.id) so ON so.region = r.screen_region
		-- A timer's own warning has none; a warning raised and resolved at once has none.
		WHERE r.kind::text NOT IN ('handling_sign', 'handling_reply')
		  AND (r.resolved_at IS NULL OR r.resolved_at > r.raised_at)
	), started AS (
		INSERT INTO escalation.stage_due (kind, subject_id, started_at, stage, due_at, fires_until, origin,
			unit_id, department_id, region, district, city)
		SELECT sign, w.id, w.raised_at, o.stage, escalation.stage_due_at(w.raised_at, o.due_after), w.until, w.screen,
			w.unit_id, w.office, w.region, escalation.region_district(w.region), escalation.region_city(w.region)
		FROM w
		CROSS JOIN LATERAL (
			SELECT 1::smallint, h.within FROM escalation.handling_rule h WHERE h.timer = 'sign' AND NOT overridden
			UNION ALL
			SELECT x.stage, x.due_after FROM escalation.rule_offset x WHERE x.kind = sign AND x.origin = w.screen AND overridden
		) o(stage, due_after)
		WHERE escalation.stage_fires(escalation.stage_due_at(w.raised_at, o.due_after), NULL, w.until)
		ON CONFLICT DO NOTHING
		RETURNING *
	)
	-- A warning resolved before its sign timer could run out has no stage: nothing is tracked.
	INSERT INTO escalation.tracked_item (kind, subject_id, origin, started_at, start_set_at, handled_at, handled_reason,
		withdrawn_at, next_due_at, unit_id, department_id, region, district, city)
	SELECT s.kind, s.subject_id, s.origin, s.started_at, NULL, NULL, 'signed', s.fires_until,
		escalation.item_event_due(sign, s.first_due, NULL, s.fires_until, NULL), s.unit_id, s.department_id,
		s.region, s.district, s.city
	FROM (SELECT x.*, min(x.due_at) OVER (PARTITION BY x.subject_id) AS first_due FROM started x) s
	WHERE s.stage = 1
	ORDER BY s.subject_id
	ON CONFLICT (subject_id, kind) DO NOTHING;
	RETURN NULL;
END
$$;
COMMENT ON FUNCTION escalation_internal.warning_track_timers() IS
	'Trigger (per statement): the warnings an INSERT or a run raised start their sign timers in the work list. 预警签收时限跟踪';
CREATE TRIGGER warning_track_timers AFTER INSERT ON escalation.warning REFERENCING NEW TABLE AS raised
	FOR EACH STATEMENT EXECUTE FUNCTION escalation_internal.warning_track_timers();

-- Trigger (per statement) on warning_step: a signing, dispatch, feedback or
-- return moves the timers of its warning.
CREATE FUNCTION escalation_internal.warning_step_track_timers() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, escalation, pg_temp AS
$$
DECLARE
	warnings bigint[];
	gone bigint[];
BEGIN
	IF escalation.restoring() THEN
		RETURN NULL;
	END IF;
	IF TG_OP IN ('INSERT', 'UPDATE') THEN
		warnings := ARRAY(SELECT DISTINCT n.warning_id FROM new_rows n);
	END IF;
	IF TG_OP IN ('UPDATE', 'DELETE') THEN
		warnings := warnings || ARRAY(SELECT DISTINCT o.warning_id FROM old_rows o);
		gone := ARRAY(SELECT o.id FROM old_rows o);
	END IF;
	PERFORM escalation_internal.sync_warning_timers(warnings, gone);
	RETURN NULL;
END
$$;
COMMENT ON FUNCTION escalation_internal.warning_step_track_timers() IS
	'Trigger: a handling step re-syncs the handling timers of its warning (signed, answered, a new reply deadline). 处置环节同步处置时限';
CREATE TRIGGER warning_step_track_insert AFTER INSERT ON escalation.warning_step
	REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION escalation_internal.warning_step_track_timers();
CREATE TRIGGER warning_step_track_update AFTER UPDATE ON escalation.warning_step
	REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
	FOR EACH STATEMENT EXECUTE FUNCTION escalation_internal.warning_step_track_timers();
CREATE TRIGGER warning_step_track_delete AFTER DELETE ON escalation.warning_step
	REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION escalation_internal.warning_step_track_timers();

-- Trigger (per statement) on handling_timer_override: a changed sign timer
-- re-times the sign timers (the reply deadlines already set stay).
CREATE FUNCTION escalation_internal.handling_timer_retime() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, escalation, pg_temp AS
$$
DECLARE
	sign escalation.warning_kind := escalation.enum_value(NULL::escalation.warning_kind, 'handling_sign');
BEGIN
	IF escalation.restoring() OR sign IS NULL THEN
		RETURN NULL;
	END IF;
	PERFORM escalation.retime_items(sign, NULL, NULL);
	RETURN NULL;
END
$$;
COMMENT ON FUNCTION escalation_internal.handling_timer_retime() IS
	'Trigger: after a change of the handling timers, the sign timers fall due from the new value. 处置时限变更后重算';
CREATE TRIGGER handling_timer_retime AFTER INSERT OR UPDATE OR DELETE ON escalation.handling_timer_override
	FOR EACH STATEMENT EXECUTE FUNCTION escalation_internal.handling_timer_retime();

------------------------------------------------------------------------------
-- Warnings without an addressee in the gap report (§7)
------------------------------------------------------------------------------

CREATE OR REPLACE VIEW escalation.warning_gap_source WITH (security_invoker = true) AS
	SELECT 'warning_no_addressee'::text::escalation.gap_reason AS reason, w.region, w.unit_id,
		format('预警 %s（%s）', w.id, w.kind) AS subject,
		format('warning %s (%s of item %s, stage %s, %s screen of %s) has no addressee: the responsibility database names no department that answers for it',
			   w.id, w.kind, w.subject_id, w.stage, w.screen, w.screen_region) AS detail,
		w.raised_at, w.resolved_at
	FROM escalation.warning w
	JOIN escalation.warning_addressee a ON a.warning_id = w.id
	WHERE a.basis = 'none';
COMMENT ON VIEW escalation.warning_gap_source IS
	'Warnings whose addressee the responsibility database could not name (basis none), for the gap report escalation.responsibility_gaps (§7), as far as the caller may see them. 无承办部门的预警';
COMMENT ON COLUMN escalation.warning_gap_source.reason IS 'Always warning_no_addressee. 缺项代码';
COMMENT ON COLUMN escalation.warning_gap_source.region IS 'Region of the warning. 所属区划';
COMMENT ON COLUMN escalation.warning_gap_source.unit_id IS 'Its unit, if any. 生产经营单位';
COMMENT ON COLUMN escalation.warning_gap_source.subject IS 'The warning, in Chinese. 缺项对象';
COMMENT ON COLUMN escalation.warning_gap_source.detail IS 'What is missing. 说明';
COMMENT ON COLUMN escalation.warning_gap_source.raised_at IS 'When the warning was raised. 预警时间';
COMMENT ON COLUMN escalation.warning_gap_source.resolved_at IS 'When it was resolved, if it was. 解除时间';

------------------------------------------------------------------------------
-- Privileges
------------------------------------------------------------------------------

GRANT SELECT ON escalation.warning_gap_source TO escalation_admin, escalation_user, escalation_analyst;

GRANT SELECT ON escalation.handling_timer_source TO escalation_admin, escalation_analyst;
REVOKE ALL ON FUNCTION
	escalation.enum_value(anyenum, text),
	escalation.warning_ends_at(escalation.warning, escalation.tracked_item),
	escalation.screen_office(escalation.region)
FROM PUBLIC;
-- Called by the views (rule, item_source) with their readers' rights.
GRANT EXECUTE ON FUNCTION escalation.enum_value(anyenum, text)
TO escalation_admin, escalation_user, escalation_analyst;
GRANT EXECUTE ON FUNCTION escalation.warning_ends_at(escalation.warning, escalation.tracked_item),
	escalation.screen_office(escalation.region)
TO escalation_admin, escalation_analyst;
REVOKE ALL ON FUNCTION
	escalation_internal.sync_warning_timers(bigint[], bigint[]),
	escalation_internal.sync_handling_timers(escalation.warning_kind, bigint[]),
	escalation_internal.warning_track_timers(), escalation_internal.warning_step_track_timers(),
	escalation_internal.handling_timer_retime()
FROM PUBLIC;
