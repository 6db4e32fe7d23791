-- Extensions of a hazard's rectification deadline (隐患整改延期, §15): the unit
-- or the inspector asks before the deadline, the supervising department grants
-- or refuses with a reason, within limits the city sets (escalation.rule_limit).
-- Once a stage of the overdue ladder has fallen due, an extension no longer
-- moves the ladder: its warnings stay, and only the work-safety committee
-- office of the screen the hazard is on may grant one.

CREATE TABLE escalation.hazard_extension (
	id bigint GENERATED ALWAYS AS IDENTITY,
	hazard_id bigint NOT NULL,
	unit_id bigint NOT NULL,
	requested_at timestamptz NOT NULL,
	requested_by text,
	requested_deadline timestamptz NOT NULL,
	reason text NOT NULL,
	deadline_then timestamptz NOT NULL,
	decided_at timestamptz,
	decided_by bigint,
	approved boolean,
	decision_note text,
	granted_deadline timestamptz,
	after_warning boolean,
	ladder_start timestamptz,
	recorded_at timestamptz NOT NULL DEFAULT statement_timestamp(),
	recorded_by name NOT NULL,
	region escalation.region NOT NULL,
	CONSTRAINT hazard_extension_pkey PRIMARY KEY (id),
	CONSTRAINT hazard_extension_hazard_fkey FOREIGN KEY (hazard_id) REFERENCES escalation.hazard (id) ON DELETE CASCADE,
	CONSTRAINT hazard_extension_decided_by_fkey FOREIGN KEY (decided_by) REFERENCES escalation.department (id),
	CONSTRAINT hazard_extension_later_deadline CHECK (requested_deadline > deadline_then),
	CONSTRAINT hazard_extension_decision_complete
		CHECK ((decided_at IS NULL) = (approved IS NULL) AND (decided_at IS NULL) = (decided_by IS NULL)
			   AND (decided_at IS NULL OR decision_note IS NOT NULL)),
	CONSTRAINT hazard_extension_grant_complete
		CHECK (coalesce(approved, false) = (granted_deadline IS NOT NULL)
			   AND (granted_deadline IS NULL) = (ladder_start IS NULL)
			   AND (granted_deadline IS NULL) = (after_warning IS NULL))
);
CREATE UNIQUE INDEX hazard_extension_one_pending_idx ON escalation.hazard_extension (hazard_id) WHERE decided_at IS NULL;
CREATE INDEX hazard_extension_hazard_idx ON escalation.hazard_extension (hazard_id, id);
CREATE INDEX hazard_extension_region_idx ON escalation.hazard_extension (region);
COMMENT ON TABLE escalation.hazard_extension IS
	'Extension requests of hazards'' rectification deadlines and their decisions (隐患延期申请与审批): asked before the deadline, granted or refused by the supervising department with a reason; one granted after a stage of the overdue ladder fell due keeps the ladder (and its warnings) where they are. Written by escalation.hazard_extension_request(), escalation.hazard_extension_refuse() and escalation.hazard_extend().';
COMMENT ON COLUMN escalation.hazard_extension.id IS 'Request id. 申请编号';
COMMENT ON COLUMN escalation.hazard_extension.hazard_id IS 'The hazard. 隐患';
COMMENT ON COLUMN escalation.hazard_extension.unit_id IS 'Its unit. 隐患单位';
COMMENT ON COLUMN escalation.hazard_extension.requested_at IS 'When it was asked for; before the deadline then in force. 申请时间';
COMMENT ON COLUMN escalation.hazard_extension.requested_by IS 'Who asked (the unit''s person or the inspector); NULL when the granting department extended in time on its own inspection. 申请人';
COMMENT ON COLUMN escalation.hazard_extension.requested_deadline IS 'The deadline asked for. 申请延期至';
COMMENT ON COLUMN escalation.hazard_extension.reason IS 'Why the unit needs more time. 申请理由';
COMMENT ON COLUMN escalation.hazard_extension.deadline_then IS 'The deadline in force when it was asked for. 原整改期限';
COMMENT ON COLUMN escalation.hazard_extension.decided_at IS 'When it was granted or refused; NULL while pending. 审批时间';
COMMENT ON COLUMN escalation.hazard_extension.decided_by IS 'Department that granted or refused it. 审批部门';
COMMENT ON COLUMN escalation.hazard_extension.approved IS 'Granted (true) or refused (false). 是否批准';
COMMENT ON COLUMN escalation.hazard_extension.decision_note IS 'The reason of the grant or refusal. 审批意见';
COMMENT ON COLUMN escalation.hazard_extension.granted_deadline IS 'The deadline granted (at most the one asked for). 批准延期至';
COMMENT ON COLUMN escalation.hazard_extension.after_warning IS 'Granted after a stage of the overdue ladder fell due: the warnings stay and the ladder keeps its start. 预警后延期';
COMMENT ON COLUMN escalation.hazard_extension.ladder_start IS 'Start of the overdue ladder after the grant: the granted deadline, or the old start for a grant after a warning. 延期后预警起算时间';
COMMENT ON COLUMN escalation.hazard_extension.recorded_at IS 'When it was recorded. 记录时间';
COMMENT ON COLUMN escalation.hazard_extension.recorded_by IS 'Role that recorded it. 记录人';
COMMENT ON COLUMN escalation.hazard_extension.region IS 'Region of the unit (kept by trigger, for row-level security). 所属区划';
SELECT pg_catalog.pg_extension_config_dump('escalation.hazard_extension', '');
SELECT pg_catalog.pg_extension_config_dump('escalation.hazard_extension_id_seq', '');
SELECT escalation.follow_unit_region('escalation.hazard_extension');

-- Where a hazard's overdue ladder stands at an instant: its origin, start,
-- the screen of the last stage due by then or already raised (NULL if none)
-- and that screen's region.
CREATE FUNCTION escalation_internal.hazard_ladder_at(hazard_id bigint, at timestamptz,
	OUT origin escalation.level, OUT started_at timestamptz, OUT screen escalation.level, OUT screen_region escalation.region)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, escalation, pg_temp AS
$$
BEGIN
	-- plpgsql, not an atomic body: the work list (54_work_list.sql) reads this
	-- part's table, so it is created after it.
	SELECT s.origin, s.started_at, st.screen,
		CASE st.screen WHEN 'city' THEN s.city ELSE coalesce(s.district, s.city) END
	INTO origin, started_at, screen, screen_region
	FROM escalation.item_source s
	LEFT JOIN LATERAL (
		SELECT r.screen FROM escalation.rule r JOIN escalation.rule_offset o USING (kind, origin, stage)
		WHERE r.kind = s.kind AND r.origin = s.origin
		  AND (escalation.stage_due_at(s.started_at, o.due_after) <= hazard_ladder_at.at
			   -- A raised warning counts whatever time the caller claims.
			   OR EXISTS (SELECT 1 FROM escalation.warning w
						  WHERE w.kind = s.kind AND w.subject_id = s.subject_id AND w.started_at = s.started_at
							AND w.stage = r.stage))
		ORDER BY r.stage DESC LIMIT 1) st ON true
	WHERE s.kind = 'hazard_overdue' AND s.subject_id = hazard_ladder_at.hazard_id;
END
$$;
COMMENT ON FUNCTION escalation_internal.hazard_ladder_at(bigint, timestamptz) IS
	'Where the overdue ladder of a hazard stands at an instant: origin, start, screen of the last stage due by then or already raised (NULL if none) and the region of that screen. 隐患预警所处级次';

-- Refuse an extension step with SQLSTATE 55000 and the hazard's state.
CREATE FUNCTION escalation_internal.hazard_extension_refused(hazard_id bigint, message text, detail text, hint text DEFAULT NULL)
RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, escalation, pg_temp AS
$$
BEGIN
	RAISE EXCEPTION '%', message
		USING ERRCODE = 'object_not_in_prerequisite_state', DETAIL = detail,
			  HINT = coalesce(hint, format('See escalation.hazard_extension for the requests of hazard %s.', hazard_id));
END
$$;
COMMENT ON FUNCTION escalation_internal.hazard_extension_refused(bigint, text, text, text) IS
	'Raises SQLSTATE 55000 for an extension that the rules do not allow. 拒绝延期';

-- Whether a department may decide on an extension of a hazard at an instant:
-- before a warning the department that found it or one supervising the unit;
-- after one, only the safety committee office of the screen it is on.
CREATE FUNCTION escalation_internal.hazard_extension_decider(h escalation.hazard, department_id bigint, at timestamptz,
	OUT after_warning boolean, OUT ladder_start timestamptz)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, escalation, pg_temp AS
$$
DECLARE
	ladder record;
	dept escalation.department;
BEGIN
	SELECT * INTO dept FROM escalation.department d WHERE d.id = hazard_extension_decider.department_id;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'department % does not exist', department_id USING ERRCODE = 'foreign_key_violation';
	END IF;
	SELECT * INTO ladder FROM escalation_internal.hazard_ladder_at(h.id, at);
	after_warning := ladder.screen IS NOT NULL;
	ladder_start := ladder.started_at;
	IF after_warning THEN
		IF dept.kind IS DISTINCT FROM 'safety_committee_office' OR dept.region IS DISTINCT FROM ladder.screen_region THEN
			PERFORM escalation_internal.hazard_extension_refused(h.id,
				format('department %s cannot decide on an extension of hazard %s, which is on the %s screen of %s since its deadline %s',
					   department_id, h.id, ladder.screen, ladder.screen_region, ladder.started_at),
				'Once a stage of the overdue ladder has fallen due, only the work-safety committee office (安委会办公室) of the screen the hazard is on decides, and the warnings stay.',
				format('Ask the safety committee office of region %s.', ladder.screen_region));
		END IF;
	ELSIF department_id IS DISTINCT FROM h.found_by
		  AND NOT escalation.supervises(department_id, h.unit_id, escalation.local_day(at)) THEN
		PERFORM escalation_internal.hazard_extension_refused(h.id,
			format('department %s neither found hazard %s nor supervises its unit %s', department_id, h.id, h.unit_id),
			'An extension is decided by the department that found the hazard or one that supervises the unit (escalation.supervision_assignment).');
	END IF;
END
$$;
COMMENT ON FUNCTION escalation_internal.hazard_extension_decider(escalation.hazard, bigint, timestamptz) IS
	'Checks that a department may decide on an extension of a hazard at an instant (before a warning: the finder or a supervising department; after one: the safety committee office of its screen) and says whether a warning was due and where the ladder starts. 延期审批权限';

-- Lock a hazard the caller may change, from definer code (which row-level
-- security does not restrict), with the error escalation.hazard_lock gives.
CREATE FUNCTION escalation_internal.hazard_lock_for_caller(hazard_id bigint) RETURNS escalation.hazard
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, escalation, pg_temp AS
$$
DECLARE
	h escalation.hazard;
BEGIN
	SELECT * INTO h FROM escalation.hazard WHERE id = hazard_lock_for_caller.hazard_id FOR UPDATE;
	IF NOT FOUND OR NOT escalation.caller_sees_region(h.region, true) THEN
		RAISE EXCEPTION 'hazard % does not exist', coalesce(hazard_lock_for_caller.hazard_id::text, 'NULL')
			USING ERRCODE = 'no_data_found', DETAIL = 'There is no hazard with this id that you may change.';
	END IF;
	RETURN h;
END
$$;
COMMENT ON FUNCTION escalation_internal.hazard_lock_for_caller(bigint) IS
	'Locks a hazard the calling role may change (checked against its region, since definer code bypasses row-level security) and returns it; raises no_data_found (P0002) otherwise. 锁定当前用户可处理的隐患';

-- Ask for an extension (延期申请), before the deadline.
CREATE FUNCTION escalation.hazard_extension_request(
	hazard_id bigint,
	new_deadline timestamptz,
	reason text,
	requested_by text,
	requested_at timestamptz DEFAULT statement_timestamp()
) RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, escalation, pg_temp AS
$$
DECLARE
	h escalation.hazard;
	new_id bigint;
BEGIN
	PERFORM escalation.require_argument(hazard_extension_request.new_deadline, 'new_deadline');
	PERFORM escalation.require_argument(hazard_extension_request.reason, 'reason');
	PERFORM escalation.require_argument(hazard_extension_request.requested_by, 'requested_by');
	PERFORM escalation.require_argument(hazard_extension_request.requested_at, 'requested_at');
	h := escalation_internal.hazard_lock_for_caller(hazard_extension_request.hazard_id);
	IF h.status <> 'rectifying' OR h.rectify_deadline IS NULL THEN
		PERFORM escalation_internal.hazard_extension_refused(h.id,
			format('hazard %s is %s and has deadline %s: there is nothing to extend', h.id, h.status, coalesce(h.rectify_deadline::text, 'NULL')),
			'An extension is asked for while the hazard is being rectified under a deadline.');
	END IF;
	IF hazard_extension_request.requested_at >= h.rectify_deadline THEN
		PERFORM escalation_internal.hazard_extension_refused(h.id,
			format('extension request of hazard %s at %s comes after its deadline %s', h.id, hazard_extension_request.requested_at, h.rectify_deadline),
			'An extension (延期) is asked for before the deadline; after it the hazard is overdue.');
	END IF;
	IF hazard_extension_request.requested_at < h.found_at OR NOT isfinite(hazard_extension_request.requested_at) THEN
		RAISE EXCEPTION 'extension request of hazard % at % is before its discovery %', h.id, hazard_extension_request.requested_at, h.found_at
			USING ERRCODE = 'check_violation';
	END IF;
	IF hazard_extension_request.new_deadline <= h.rectify_deadline OR NOT isfinite(hazard_extension_request.new_deadline) THEN
		RAISE EXCEPTION 'requested deadline % of hazard % is not after its current deadline %',
				hazard_extension_request.new_deadline, h.id, h.rectify_deadline
			USING ERRCODE = 'check_violation', DETAIL = 'An extension (延期) moves the deadline later.';
	END IF;
	IF EXISTS (SELECT 1 FROM escalation.hazard_extension e WHERE e.hazard_id = h.id AND e.decided_at IS NULL) THEN
		PERFORM escalation_internal.hazard_extension_refused(h.id,
			format('hazard %s already has a pending extension request', h.id),
			'One request at a time: it is granted (escalation.hazard_extend) or refused (escalation.hazard_extension_refuse) first.');
	END IF;
	INSERT INTO escalation.hazard_extension (hazard_id, unit_id, requested_at, requested_by, requested_deadline, reason,
		deadline_then, recorded_by)
	VALUES (h.id, h.unit_id, hazard_extension_request.requested_at, hazard_extension_request.requested_by,
		hazard_extension_request.new_deadline, hazard_extension_request.reason, h.rectify_deadline, escalation.acting_role())
	RETURNING id INTO new_id;
	RETURN new_id;
END
$$;
COMMENT ON FUNCTION escalation.hazard_extension_request(bigint, timestamptz, text, text, timestamptz) IS
	'Asks for an extension (延期申请) of the rectification deadline of a hazard being rectified, before that deadline, naming who asks (the unit''s person or the inspector) and why; the supervising department grants it with escalation.hazard_extend() or refuses it with escalation.hazard_extension_refuse(). Returns the request id. 隐患延期申请';

-- Refuse the pending extension request of a hazard, with the reason.
CREATE FUNCTION escalation.hazard_extension_refuse(
	hazard_id bigint,
	refused_by bigint,
	reason text,
	refused_at timestamptz DEFAULT statement_timestamp()
) RETURNS escalation.hazard_extension
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, escalation, pg_temp AS
$$
DECLARE
	h escalation.hazard;
	req escalation.hazard_extension;
BEGIN
	PERFORM escalation.require_argument(hazard_extension_refuse.refused_by, 'refused_by');
	PERFORM escalation.require_argument(hazard_extension_refuse.reason, 'reason');
	PERFORM escalation.require_argument(hazard_extension_refuse.refused_at, 'refused_at');
	h := escalation_internal.hazard_lock_for_caller(hazard_extension_refuse.hazard_id);
	SELECT * INTO req FROM escalation.hazard_extension e WHERE e.hazard_id = h.id AND e.decided_at IS NULL FOR UPDATE;
	IF NOT FOUND THEN
		PERFORM escalation_internal.hazard_extension_refused(h.id,
			format('hazard %s has no pending extension request', h.id),
			'Only a pending request (escalation.hazard_extension_request) can be refused.');
	END IF;
	IF hazard_extension_refuse.refused_at < req.requested_at OR NOT isfinite(hazard_extension_refuse.refused_at) THEN
		RAISE EXCEPTION 'refusal at % of extension request % is before the request at %', hazard_extension_refuse.refused_at, req.id, req.requested_at
			USING ERRCODE = 'check_violation';
	END IF;
	PERFORM escalation_internal.hazard_extension_decider(h, hazard_extension_refuse.refused_by, hazard_extension_refuse.refused_at);
	UPDATE escalation.hazard_extension e
	SET decided_at = hazard_extension_refuse.refused_at, decided_by = hazard_extension_refuse.refused_by,
		approved = false, decision_note = hazard_extension_refuse.reason
	WHERE e.id = req.id
	RETURNING * INTO req;
	RETURN req;
END
$$;
COMMENT ON FUNCTION escalation.hazard_extension_refuse(bigint, bigint, text, timestamptz) IS
	'Refuses (不予延期) the pending extension request of a hazard, by the department that may decide on it, with the reason; the deadline stays. 隐患延期不予批准';

-- Trigger: an extension of a hazard's deadline is the grant of a request,
-- within the limits, by a department that may grant it.
CREATE FUNCTION escalation_internal.hazard_check_extension() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, escalation, pg_temp AS
$$
DECLARE
	at timestamptz;
	req escalation.hazard_extension;
	decider record;
	granted_count bigint;
	granted_total interval;
	max_count numeric := escalation.rule_limit_amount('hazard_extension_count');
	max_total interval := escalation.rule_limit_span('hazard_extension_total');
BEGIN
	-- A restore brings the decisions back; a step without a new reason is
	-- refused by the step check, which names what is missing.
	IF escalation.restoring() OR nullif(btrim(NEW.deadline_reason), '') IS NULL
	   OR (NEW.deadline_set_at, NEW.deadline_set_by, NEW.deadline_reason)
		  IS NOT DISTINCT FROM (OLD.deadline_set_at, OLD.deadline_set_by, OLD.deadline_reason) THEN
		RETURN NEW;
	END IF;
	at := CASE WHEN NEW.deadline_set_at IS DISTINCT FROM OLD.deadline_set_at THEN NEW.deadline_set_at ELSE statement_timestamp() END;
	IF NEW.deadline_set_by IS NULL THEN
		RAISE EXCEPTION 'extending the deadline of hazard % needs the granting department in deadline_set_by', OLD.id
			USING ERRCODE = 'not_null_violation',
				  HINT = 'Use escalation.hazard_extend(hazard_id, new_deadline, reason, department_id).';
	END IF;
	SELECT * INTO req FROM escalation.hazard_extension e WHERE e.hazard_id = OLD.id AND e.decided_at IS NULL FOR UPDATE;
	IF NOT FOUND THEN
		IF at >= OLD.rectify_deadline THEN
			PERFORM escalation_internal.hazard_extension_refused(OLD.id,
				format('hazard %s has no extension request made before its deadline %s', OLD.id, OLD.rectify_deadline),
				format('The extension at %s comes after the deadline; an extension is asked for before it.', at),
				'Ask with escalation.hazard_extension_request() before the deadline.');
		END IF;
	ELSIF NEW.rectify_deadline > req.requested_deadline THEN
		RAISE EXCEPTION 'granted deadline % of hazard % is after the % asked for', NEW.rectify_deadline, OLD.id, req.requested_deadline
			USING ERRCODE = 'check_violation', DETAIL = 'A grant gives at most the time asked for.';
	END IF;
	decider := escalation_internal.hazard_extension_decider(OLD, NEW.deadline_set_by, at);
	SELECT count(*), coalesce(sum(e.granted_deadline - e.deadline_then), interval '0')
	INTO granted_count, granted_total
	FROM escalation.hazard_extension e WHERE e.hazard_id = OLD.id AND e.approved;
	IF granted_count + 1 > max_count THEN
		PERFORM escalation_internal.hazard_extension_refused(OLD.id,
			format('hazard %s has had %s extensions, the most allowed', OLD.id, granted_count),
			format('escalation.rule_limit hazard_extension_count is %s.', max_count));
	END IF;
	IF granted_total + (NEW.rectify_deadline - OLD.rectify_deadline) > max_total THEN
		PERFORM escalation_internal.hazard_extension_refused(OLD.id,
			format('extending hazard %s to %s would put off its deadline by %s in all, more than %s',
				   OLD.id, NEW.rectify_deadline, granted_total + (NEW.rectify_deadline - OLD.rectify_deadline), max_total),
			'escalation.rule_limit hazard_extension_total limits the time all extensions of a hazard may add.');
	END IF;
	IF req.id IS NULL THEN
		INSERT INTO escalation.hazard_extension (hazard_id, unit_id, requested_at, requested_by, requested_deadline, reason,
			deadline_then, recorded_by)
		VALUES (OLD.id, OLD.unit_id, at, NULL, NEW.rectify_deadline, coalesce(NEW.deadline_reason, ''), OLD.rectify_deadline,
			escalation.acting_role())
		RETURNING * INTO req;
	END IF;
	UPDATE escalation.hazard_extension e
	SET decided_at = at, decided_by = NEW.deadline_set_by, approved = true,
		decision_note = coalesce(NEW.deadline_reason, ''), granted_deadline = NEW.rectify_deadline,
		after_warning = decider.after_warning,
		ladder_start = CASE WHEN decider.after_warning THEN decider.ladder_start ELSE NEW.rectify_deadline END
	WHERE e.id = req.id;
	RETURN NEW;
END
$$;
COMMENT ON FUNCTION escalation_internal.hazard_check_extension() IS
	'Trigger: an extension of a hazard''s deadline grants its pending request (or, before the deadline, the deciding department''s own), within escalation.rule_limit, by a department that may grant it; a grant after a stage fell due keeps the overdue ladder''s start. 隐患延期审批校验';
CREATE TRIGGER hazard_check_step_extension BEFORE UPDATE OF rectify_deadline ON escalation.hazard
	FOR EACH ROW
	WHEN (OLD.rectify_deadline IS NOT NULL AND NEW.rectify_deadline > OLD.rectify_deadline
		  AND NEW.rechecked_at IS NOT DISTINCT FROM OLD.rechecked_at AND NEW.confirmed_at IS NOT DISTINCT FROM OLD.confirmed_at
		  AND OLD.status = 'rectifying')
	EXECUTE FUNCTION escalation_internal.hazard_check_extension();

-- Every hazard's timeline: its entry, each recorded step, and the extension
-- requests and refusals.
CREATE VIEW escalation.hazard_timeline WITH (security_invoker = true) AS
	SELECT h.id AS hazard_id, h.unit_id, 0::bigint AS seq, 'report'::text AS step,
		NULL::escalation.hazard_status AS from_status, coalesce(f.from_status, h.status) AS to_status,
		NULL::escalation.hazard_grade AS from_grade, coalesce(f.from_grade, h.grade) AS to_grade,
		NULL::timestamptz AS from_deadline, CASE WHEN f.hazard_id IS NULL THEN h.rectify_deadline ELSE f.from_deadline END AS to_deadline,
		h.found_by AS department_id, NULL::bigint AS person_id, h.found_at AS event_at, h.description AS note,
		h.created_at AS recorded_at, h.created_by AS recorded_by, h.region
	FROM escalation.hazard h
	LEFT JOIN LATERAL (
		SELECT hh.hazard_id, hh.from_status, hh.from_grade, hh.from_deadline
		FROM escalation.hazard_history hh WHERE hh.hazard_id = h.id ORDER BY hh.id LIMIT 1) f ON true
	UNION ALL
	SELECT hh.hazard_id, hh.unit_id, hh.id, hh.step::text, hh.from_status, hh.to_status, hh.from_grade, hh.to_grade,
		hh.from_deadline, hh.to_deadline, hh.department_id, hh.person_id, hh.event_at, hh.note,
		hh.recorded_at, hh.recorded_by, hh.region
	FROM escalation.hazard_history hh
	WHERE hh.step <> 'extend'
	UNION ALL
	-- A grant after a warning says so: the warnings stayed on the record.
	SELECT hh.hazard_id, hh.unit_id, hh.id,
		CASE WHEN e.after_warning THEN 'extend_after_warning' ELSE 'extend' END,
		hh.from_status, hh.to_status, hh.from_grade, hh.to_grade,
		hh.from_deadline, hh.to_deadline, hh.department_id, hh.person_id, hh.event_at, hh.note,
		hh.recorded_at, hh.recorded_by, hh.region
	FROM escalation.hazard_history hh
	LEFT JOIN LATERAL (
		SELECT e.after_warning FROM escalation.hazard_extension e
		WHERE e.hazard_id = hh.hazard_id AND e.approved AND e.granted_deadline = hh.to_deadline AND e.decided_at = hh.event_at
		ORDER BY e.id DESC LIMIT 1) e ON true
	WHERE hh.step = 'extend'
	UNION ALL
	SELECT e.hazard_id, e.unit_id, NULL, 'extension_request', 'rectifying', 'rectifying', NULL, NULL,
		e.deadline_then, e.requested_deadline, NULL, NULL, e.requested_at, e.requested_by || '：' || e.reason,
		e.recorded_at, e.recorded_by, e.region
	FROM escalation.hazard_extension e
	WHERE e.requested_by IS NOT NULL
	UNION ALL
	SELECT e.hazard_id, e.unit_id, NULL, 'extension_refused', 'rectifying', 'rectifying', NULL, NULL,
		e.deadline_then, e.deadline_then, e.decided_by, NULL, e.decided_at, e.decision_note,
		e.recorded_at, e.recorded_by, e.region
	FROM escalation.hazard_extension e
	WHERE NOT e.approved;
COMMENT ON VIEW escalation.hazard_timeline IS
	'A hazard''s whole story: its entry (step report, as it was entered), every recorded lifecycle step (an extension granted after a warning as extend_after_warning), every extension request (extension_request) and refusal (extension_refused); order by event_at, seq. 隐患处理全过程';
COMMENT ON COLUMN escalation.hazard_timeline.hazard_id IS 'The hazard. 隐患';
COMMENT ON COLUMN escalation.hazard_timeline.unit_id IS 'Its unit. 隐患单位';
COMMENT ON COLUMN escalation.hazard_timeline.seq IS '0 for the entry, then the history entry id; NULL for extension requests and refusals. 顺序';
COMMENT ON COLUMN escalation.hazard_timeline.step IS 'report, a hazard_step, extend_after_warning, extension_request or extension_refused. 处理步骤';
COMMENT ON COLUMN escalation.hazard_timeline.from_status IS 'Status before. 原状态';
COMMENT ON COLUMN escalation.hazard_timeline.to_status IS 'Status after. 新状态';
COMMENT ON COLUMN escalation.hazard_timeline.from_grade IS 'Grade before. 原等级';
COMMENT ON COLUMN escalation.hazard_timeline.to_grade IS 'Grade after. 新等级';
COMMENT ON COLUMN escalation.hazard_timeline.from_deadline IS 'Deadline before. 原整改期限';
COMMENT ON COLUMN escalation.hazard_timeline.to_deadline IS 'Deadline after. 新整改期限';
COMMENT ON COLUMN escalation.hazard_timeline.department_id IS 'Acting department (the finder for the entry). 处理部门';
COMMENT ON COLUMN escalation.hazard_timeline.person_id IS 'Acting person, for re-inspections. 处理人员';
COMMENT ON COLUMN escalation.hazard_timeline.event_at IS 'When it happened. 处理时间';
COMMENT ON COLUMN escalation.hazard_timeline.note IS 'Description (entry) or the step''s note. 说明';
COMMENT ON COLUMN escalation.hazard_timeline.recorded_at IS 'When it was recorded. 记录时间';
COMMENT ON COLUMN escalation.hazard_timeline.recorded_by IS 'Role that recorded it. 记录人';
COMMENT ON COLUMN escalation.hazard_timeline.region IS 'Region of the unit. 所属区划';


SELECT escalation.enable_region_security('escalation.hazard_extension');
GRANT SELECT ON escalation.hazard_extension, escalation.hazard_timeline TO escalation_admin, escalation_user, escalation_analyst;

REVOKE ALL ON FUNCTION
	escalation_internal.hazard_lock_for_caller(bigint),
	escalation_internal.hazard_ladder_at(bigint, timestamptz),
	escalation_internal.hazard_extension_refused(bigint, text, text, text),
	escalation_internal.hazard_extension_decider(escalation.hazard, bigint, timestamptz),
	escalation.hazard_extension_request(bigint, timestamptz, text, text, timestamptz),
	escalation.hazard_extension_refuse(bigint, bigint, text, timestamptz),
	escalation_internal.hazard_check_extension()
FROM PUBLIC;
GRANT EXECUTE ON FUNCTION
	escalation.hazard_extension_request(bigint, timestamptz, text, text, timestamptz),
	escalation.hazard_extension_refuse(bigint, bigint, text, timestamptz)
TO escalation_admin, escalation_user;
