-- The hazard lifecycle as users walk it (隐患闭环管理, §9): report, confirm or rule
-- out, extend, rectify, re-inspect and close a hazard, each step one function
-- that the triggers of 42_hazards.sql check (extensions are asked for and
-- decided in 47_hazard_extensions.sql, which also holds every hazard's
-- timeline); the state of every hazard as it stood at an instant.

-- Lock a hazard for a lifecycle step, with a clear error when it is not there.
CREATE FUNCTION escalation.hazard_lock(hazard_id bigint) RETURNS escalation.hazard
LANGUAGE plpgsql SET search_path = pg_catalog, escalation, pg_temp AS
$$
DECLARE
	h escalation.hazard;
BEGIN
	SELECT * INTO h FROM escalation.hazard WHERE id = hazard_lock.hazard_id FOR UPDATE;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'hazard % does not exist', coalesce(hazard_lock.hazard_id::text, 'NULL')
			USING ERRCODE = 'no_data_found',
				  DETAIL = 'There is no hazard with this id that you may change.';
	END IF;
	RETURN h;
END
$$;
COMMENT ON FUNCTION escalation.hazard_lock(bigint) IS
	'Locks a hazard the caller may change and returns it; raises no_data_found (P0002) otherwise. 锁定隐患';

-- Report a hazard: found in an inspection, or self-reported by the unit.
CREATE FUNCTION escalation.hazard_report(
	description text,
	rectify_deadline timestamptz DEFAULT NULL,
	inspection_id bigint DEFAULT NULL,
	unit_id bigint DEFAULT NULL,
	found_by bigint DEFAULT NULL,
	grade escalation.hazard_grade DEFAULT 'general',
	category escalation.hazard_category DEFAULT 'other',
	measures text DEFAULT NULL,
	needs_recheck boolean DEFAULT true,
	found_at timestamptz DEFAULT NULL,
	location text DEFAULT NULL,
	source escalation.hazard_source DEFAULT NULL,
	campaign_id bigint DEFAULT NULL
) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, escalation, pg_temp AS
$$
#variable_conflict use_column
DECLARE
	insp escalation.inspection;
	new_id bigint;
BEGIN
	PERFORM escalation.require_argument(hazard_report.description, 'description');
	IF hazard_report.grade NOT IN ('general', 'suspected_major') THEN
		RAISE EXCEPTION 'a hazard is reported as general or suspected_major, not %', hazard_report.grade
			USING ERRCODE = 'invalid_parameter_value',
				  HINT = 'Report it as suspected_major and confirm it with escalation.hazard_confirm().';
	END IF;
	IF hazard_report.inspection_id IS NOT NULL THEN
		SELECT * INTO insp FROM escalation.inspection i WHERE i.id = hazard_report.inspection_id;
		IF NOT FOUND THEN
			RAISE EXCEPTION 'inspection % does not exist', hazard_report.inspection_id USING ERRCODE = 'no_data_found';
		END IF;
		IF hazard_report.source = 'self_report' THEN
			RAISE EXCEPTION 'a self-reported hazard does not belong to an inspection' USING ERRCODE = 'invalid_parameter_value';
		END IF;
	ELSE
		PERFORM escalation.require_argument(hazard_report.unit_id, 'unit_id');
		PERFORM escalation.require_argument(hazard_report.found_by, 'found_by');
	END IF;
	INSERT INTO escalation.hazard
		(unit_id, found_by, found_at, source, inspection_id, campaign_id, description, category, location, grade,
		 needs_recheck, measures, rectify_deadline)
	VALUES
		(coalesce(hazard_report.unit_id, insp.unit_id), coalesce(hazard_report.found_by, insp.department_id),
		 coalesce(hazard_report.found_at, insp.inspected_at, statement_timestamp()),
		 coalesce(hazard_report.source, 'inspection'), hazard_report.inspection_id, hazard_report.campaign_id,
		 hazard_report.description, hazard_report.category, hazard_report.location, hazard_report.grade,
		 coalesce(hazard_report.needs_recheck, true), hazard_report.measures, hazard_report.rectify_deadline)
	RETURNING id INTO new_id;
	RETURN new_id;
END
$$;
COMMENT ON FUNCTION escalation.hazard_report(text, timestamptz, bigint, bigint, bigint, escalation.hazard_grade, escalation.hazard_category, text, boolean, timestamptz, text, escalation.hazard_source, bigint) IS
	'Enters a hazard found in an inspection (unit, department and time taken from it) or self-reported by a unit (give unit_id, found_by = the supervising department it reports to, source => ''self_report''); a general hazard needs a rectify_deadline. Returns the hazard id. 隐患登记';

-- Confirm a suspected major hazard as major, or rule it out.
CREATE FUNCTION escalation.hazard_confirm(
	hazard_id bigint,
	major boolean,
	confirmed_by bigint,
	note text,
	rectify_deadline timestamptz DEFAULT NULL,
	needs_recheck boolean DEFAULT true,
	confirmed_at timestamptz DEFAULT statement_timestamp()
) RETURNS escalation.hazard
LANGUAGE plpgsql SET search_path = pg_catalog, escalation, pg_temp AS
$$
#variable_conflict use_column
DECLARE
	h escalation.hazard;
BEGIN
	PERFORM escalation.require_argument(hazard_confirm.major, 'major');
	PERFORM escalation.require_argument(hazard_confirm.confirmed_by, 'confirmed_by');
	PERFORM escalation.require_argument(hazard_confirm.note, 'note');
	PERFORM escalation.require_argument(hazard_confirm.confirmed_at, 'confirmed_at');
	h := escalation.hazard_lock(hazard_confirm.hazard_id);
	IF hazard_confirm.major AND coalesce(hazard_confirm.rectify_deadline, h.rectify_deadline) IS NULL THEN
		RAISE EXCEPTION 'confirming hazard % as major needs a rectify_deadline', h.id
			USING ERRCODE = 'null_value_not_allowed',
				  DETAIL = 'A major accident hazard is rectified under a governance plan (治理方案) with a deadline.';
	END IF;
	UPDATE escalation.hazard
	SET grade = CASE WHEN hazard_confirm.major THEN 'major' ELSE 'not_major' END::escalation.hazard_grade,
		confirmed_at = hazard_confirm.confirmed_at,
		confirmed_by = hazard_confirm.confirmed_by,
		confirm_note = hazard_confirm.note,
		needs_recheck = hazard_confirm.major OR coalesce(hazard_confirm.needs_recheck, true),
		rectify_deadline = coalesce(hazard_confirm.rectify_deadline, h.rectify_deadline)
	WHERE id = h.id
	RETURNING * INTO h;
	RETURN h;
END
$$;
COMMENT ON FUNCTION escalation.hazard_confirm(bigint, boolean, bigint, text, timestamptz, boolean, timestamptz) IS
	'Confirms a suspected major hazard as major (重大事故隐患) or rules it out (not_major, then handled as a general hazard), by a department with a note; a confirmed major hazard, and a ruled-out one that needs re-inspection, needs a rectify_deadline (given here unless already set). 疑似重大隐患确认';

-- Extend a hazard's rectification deadline, with the reason.
CREATE FUNCTION escalation.hazard_extend(
	hazard_id bigint,
	new_deadline timestamptz,
	reason text,
	extended_by bigint,
	extended_at timestamptz DEFAULT statement_timestamp()
) RETURNS escalation.hazard
LANGUAGE plpgsql SET search_path = pg_catalog, escalation, pg_temp AS
$$
#variable_conflict use_column
DECLARE
	h escalation.hazard;
BEGIN
	PERFORM escalation.require_argument(hazard_extend.new_deadline, 'new_deadline');
	PERFORM escalation.require_argument(hazard_extend.reason, 'reason');
	PERFORM escalation.require_argument(hazard_extend.extended_by, 'extended_by');
	PERFORM escalation.require_argument(hazard_extend.extended_at, 'extended_at');
	h := escalation.hazard_lock(hazard_extend.hazard_id);
	UPDATE escalation.hazard
	SET rectify_deadline = hazard_extend.new_deadline,
		deadline_reason = hazard_extend.reason,
		deadline_set_by = hazard_extend.extended_by,
		deadline_set_at = hazard_extend.extended_at
	WHERE id = h.id
	RETURNING * INTO h;
	RETURN h;
END
$$;
COMMENT ON FUNCTION escalation.hazard_extend(bigint, timestamptz, text, bigint, timestamptz) IS
	'Grants an extension (延期) of the rectification deadline of a hazard being rectified: the pending request (escalation.hazard_extension_request), or before the deadline the department''s own, within the limits of escalation.rule_limit, by the department that found the hazard or supervises the unit, or once a warning fell due only by the safety committee office of its screen (the warnings then stay); records the reason and the department. Also sets the first deadline of a suspected major hazard that has none. 隐患整改延期审批';

-- Record that the unit has rectified a hazard.
CREATE FUNCTION escalation.hazard_rectify(
	hazard_id bigint,
	rectified_by text,
	note text DEFAULT NULL,
	rectified_at timestamptz DEFAULT statement_timestamp()
) RETURNS escalation.hazard
LANGUAGE plpgsql SET search_path = pg_catalog, escalation, pg_temp AS
$$
#variable_conflict use_column
DECLARE
	h escalation.hazard;
BEGIN
	PERFORM escalation.require_argument(hazard_rectify.rectified_by, 'rectified_by');
	PERFORM escalation.require_argument(hazard_rectify.rectified_at, 'rectified_at');
	h := escalation.hazard_lock(hazard_rectify.hazard_id);
	UPDATE escalation.hazard
	SET rectified_at = hazard_rectify.rectified_at,
		rectified_by = hazard_rectify.rectified_by,
		rectification_note = hazard_rectify.note
	WHERE id = h.id
	RETURNING * INTO h;
	RETURN h;
END
$$;
COMMENT ON FUNCTION escalation.hazard_rectify(bigint, text, text, timestamptz) IS
	'Records that the unit completed the rectification of a hazard being rectified (整改完成), naming who is accountable. 隐患整改完成';

-- Record a re-inspection; a failed one sends the hazard back with a new deadline.
CREATE FUNCTION escalation.hazard_recheck(
	hazard_id bigint,
	rechecked_by bigint,
	passed boolean,
	note text DEFAULT NULL,
	new_deadline timestamptz DEFAULT NULL,
	inspector bigint DEFAULT NULL,
	rechecked_at timestamptz DEFAULT statement_timestamp()
) RETURNS escalation.hazard
LANGUAGE plpgsql SET search_path = pg_catalog, escalation, pg_temp AS
$$
#variable_conflict use_column
DECLARE
	h escalation.hazard;
BEGIN
	PERFORM escalation.require_argument(hazard_recheck.rechecked_by, 'rechecked_by');
	PERFORM escalation.require_argument(hazard_recheck.passed, 'passed');
	PERFORM escalation.require_argument(hazard_recheck.rechecked_at, 'rechecked_at');
	IF hazard_recheck.passed AND hazard_recheck.new_deadline IS NOT NULL THEN
		RAISE EXCEPTION 'a passed re-inspection takes no new_deadline' USING ERRCODE = 'invalid_parameter_value';
	END IF;
	IF NOT hazard_recheck.passed AND hazard_recheck.new_deadline IS NULL THEN
		RAISE EXCEPTION 'a failed re-inspection needs new_deadline' USING ERRCODE = 'null_value_not_allowed',
			DETAIL = 'The hazard goes back to rectification with a new deadline.';
	END IF;
	h := escalation.hazard_lock(hazard_recheck.hazard_id);
	UPDATE escalation.hazard
	SET rechecked_at = hazard_recheck.rechecked_at,
		rechecked_by = hazard_recheck.rechecked_by,
		recheck_inspector = hazard_recheck.inspector,
		recheck_result = CASE WHEN hazard_recheck.passed THEN 'pass' ELSE 'fail' END::escalation.recheck_result,
		recheck_note = hazard_recheck.note,
		rectify_deadline = coalesce(hazard_recheck.new_deadline, h.rectify_deadline)
	WHERE id = h.id
	RETURNING * INTO h;
	RETURN h;
END
$$;
COMMENT ON FUNCTION escalation.hazard_recheck(bigint, bigint, boolean, text, timestamptz, bigint, timestamptz) IS
	'Records a re-inspection (复查) of a rectified hazard by a department that supervises the unit (or one above it): passed, or failed with a new rectification deadline. 隐患复查';

-- Close a hazard (销号).
CREATE FUNCTION escalation.hazard_close(
	hazard_id bigint,
	closed_by bigint,
	note text DEFAULT NULL,
	closed_at timestamptz DEFAULT statement_timestamp()
) RETURNS escalation.hazard
LANGUAGE plpgsql SET search_path = pg_catalog, escalation, pg_temp AS
$$
#variable_conflict use_column
DECLARE
	h escalation.hazard;
BEGIN
	PERFORM escalation.require_argument(hazard_close.closed_by, 'closed_by');
	PERFORM escalation.require_argument(hazard_close.closed_at, 'closed_at');
	h := escalation.hazard_lock(hazard_close.hazard_id);
	UPDATE escalation.hazard
	SET closed_at = hazard_close.closed_at,
		closed_by = hazard_close.closed_by,
		close_note = hazard_close.note
	WHERE id = h.id
	RETURNING * INTO h;
	RETURN h;
END
$$;
COMMENT ON FUNCTION escalation.hazard_close(bigint, bigint, text, timestamptz) IS
	'Closes (销号) a rectified hazard: one that needs re-inspection only after a passed re-inspection; a suspected major hazard only after confirmation. 隐患销号';

-- The state of every hazard found by an instant, as it stood at that instant.
CREATE FUNCTION escalation.hazard_as_of(at timestamptz, only_ids bigint[] DEFAULT NULL)
RETURNS TABLE (
	hazard_id bigint,
	status escalation.hazard_status,
	grade escalation.hazard_grade,
	rectify_deadline timestamptz,
	rectified_at timestamptz,
	rechecked_at timestamptz,
	closed_at timestamptz)
LANGUAGE sql STABLE
BEGIN ATOMIC
	SELECT h.id,
		CASE WHEN l.hazard_id IS NOT NULL THEN l.to_status
			 WHEN f.hazard_id IS NOT NULL THEN f.from_status
			 ELSE escalation.hazard_status_of(
				CASE WHEN h.rectified_at <= hazard_as_of.at THEN h.rectified_at END,
				CASE WHEN h.rechecked_at <= hazard_as_of.at THEN h.recheck_result END,
				CASE WHEN h.rechecked_at <= hazard_as_of.at THEN h.rechecked_at END,
				CASE WHEN h.closed_at <= hazard_as_of.at THEN h.closed_at END) END,
		CASE WHEN l.hazard_id IS NOT NULL THEN l.to_grade
			 WHEN f.hazard_id IS NOT NULL THEN f.from_grade
			 WHEN h.confirmed_at > hazard_as_of.at THEN 'suspected_major'::escalation.hazard_grade
			 ELSE h.grade END,
		CASE WHEN l.hazard_id IS NOT NULL THEN l.to_deadline
			 WHEN f.hazard_id IS NOT NULL THEN f.from_deadline
			 ELSE h.rectify_deadline END,
		CASE WHEN e.any_rectify THEN e.last_rectify WHEN h.rectified_at <= hazard_as_of.at THEN h.rectified_at END,
		CASE WHEN e.any_recheck THEN e.last_recheck WHEN h.rechecked_at <= hazard_as_of.at THEN h.rechecked_at END,
		CASE WHEN h.closed_at <= hazard_as_of.at THEN h.closed_at END
	FROM escalation.hazard h
	LEFT JOIN LATERAL (
		SELECT hh.hazard_id, hh.to_status, hh.to_grade, hh.to_deadline
		FROM escalation.hazard_history hh
		WHERE hh.hazard_id = h.id AND hh.event_at <= hazard_as_of.at
		ORDER BY hh.event_at DESC, hh.id DESC LIMIT 1) l ON true
	LEFT JOIN LATERAL (
		SELECT hh.hazard_id, hh.from_status, hh.from_grade, hh.from_deadline
		FROM escalation.hazard_history hh
		WHERE hh.hazard_id = h.id
		ORDER BY hh.event_at, hh.id LIMIT 1) f ON l.hazard_id IS NULL
	CROSS JOIN LATERAL (
		SELECT coalesce(bool_or(hh.step = 'rectify'), false) AS any_rectify,
			max(hh.event_at) FILTER (WHERE hh.step = 'rectify' AND hh.event_at <= hazard_as_of.at) AS last_rectify,
			coalesce(bool_or(hh.step IN ('recheck_pass', 'recheck_fail')), false) AS any_recheck,
			max(hh.event_at) FILTER (WHERE hh.step IN ('recheck_pass', 'recheck_fail') AND hh.event_at <= hazard_as_of.at)
				AS last_recheck
		FROM escalation.hazard_history hh
		WHERE hh.hazard_id = h.id) e
	WHERE h.found_at <= hazard_as_of.at
		AND (hazard_as_of.only_ids IS NULL OR h.id = ANY (hazard_as_of.only_ids));
END;
COMMENT ON FUNCTION escalation.hazard_as_of(timestamptz, bigint[]) IS
	'Every hazard found by an instant (or those listed in only_ids) as it stood at that instant: status, grade and deadline, the latest rectification and re-inspection by then, and closing (from escalation.hazard_history; a hazard entered already advanced counts its own timestamps); limited to the rows the caller may see. 隐患时点状态';

------------------------------------------------------------------------------
-- Privileges
------------------------------------------------------------------------------

REVOKE ALL ON FUNCTION
	escalation.hazard_lock(bigint),
	escalation.hazard_report(text, timestamptz, bigint, bigint, bigint, escalation.hazard_grade, escalation.hazard_category, text, boolean, timestamptz, text, escalation.hazard_source, bigint),
	escalation.hazard_confirm(bigint, boolean, bigint, text, timestamptz, boolean, timestamptz),
	escalation.hazard_extend(bigint, timestamptz, text, bigint, timestamptz),
	escalation.hazard_rectify(bigint, text, text, timestamptz),
	escalation.hazard_recheck(bigint, bigint, boolean, text, timestamptz, bigint, timestamptz),
	escalation.hazard_close(bigint, bigint, text, timestamptz),
	escalation.hazard_as_of(timestamptz, bigint[])
FROM PUBLIC;
GRANT EXECUTE ON FUNCTION escalation.hazard_as_of(timestamptz, bigint[]) TO escalation_admin, escalation_user, escalation_analyst;
GRANT EXECUTE ON FUNCTION
	escalation.hazard_lock(bigint),
	escalation.hazard_report(text, timestamptz, bigint, bigint, bigint, escalation.hazard_grade, escalation.hazard_category, text, boolean, timestamptz, text, escalation.hazard_source, bigint),
	escalation.hazard_confirm(bigint, boolean, bigint, text, timestamptz, boolean, timestamptz),
	escalation.hazard_extend(bigint, timestamptz, text, bigint, timestamptz),
	escalation.hazard_rectify(bigint, text, text, timestamptz),
	escalation.hazard_recheck(bigint, bigint, boolean, text, timestamptz, bigint, timestamptz),
	escalation.hazard_close(bigint, bigint, text, timestamptz)
TO escalation_admin, escalation_user;
