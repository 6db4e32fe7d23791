-- §15 for every hazard with a deadline (隐患逾期): a hazard is entered without
-- re-inspection only when it was rectified on the spot, and a warning of the
-- overdue ladder says which failure it is and whose: 逾期未整改 (the unit did not
-- rectify by the deadline) or 逾期未复查 (the unit did, the department did not
-- re-inspect within escalation.rule_limit hazard_recheck_within).

-- Trigger: a hazard entered without re-inspection must have been rectified on
-- the spot (当场整改): on its day of discovery, recorded with its entry.
CREATE FUNCTION escalation_internal.hazard_check_on_the_spot() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, escalation, pg_temp AS
$$
BEGIN
	IF escalation.restoring() THEN
		RETURN NEW;
	END IF;
	IF NEW.rectified_at IS NULL OR escalation.local_day(NEW.rectified_at) <> escalation.local_day(NEW.found_at) THEN
		RAISE EXCEPTION 'a hazard entered with needs_recheck = false must have been rectified on the spot, but this one has rectified_at % and found_at %',
				coalesce(NEW.rectified_at::text, 'NULL'), NEW.found_at
			USING ERRCODE = 'check_violation', CONSTRAINT = 'hazard_no_recheck_only_on_the_spot',
				  DETAIL = 'Every general hazard with a deadline climbs the overdue ladder (§15) until it is re-inspected and closed; only one rectified on the spot (当场整改) needs no re-inspection.',
				  HINT = 'Enter it with needs_recheck = true, or with rectified_at and rectified_by on its day of discovery.';
	END IF;
	RETURN NEW;
END
$$;
COMMENT ON FUNCTION escalation_internal.hazard_check_on_the_spot() IS
	'Trigger: refuses a general hazard entered with needs_recheck = false unless it is entered rectified on its day of discovery (当场整改). 免复查仅限当场整改';
CREATE TRIGGER hazard_check_on_the_spot BEFORE INSERT ON escalation.hazard
	FOR EACH ROW WHEN (NOT NEW.needs_recheck AND NEW.grade = 'general')
	EXECUTE FUNCTION escalation_internal.hazard_check_on_the_spot();

-- Every warning of the overdue ladder with its failure and the party it addresses.
CREATE VIEW escalation.hazard_overdue_warning WITH (security_invoker = true) AS
	SELECT w.id AS warning_id, w.subject_id AS hazard_id, w.stage, w.screen, w.action, w.started_at, w.due_at,
		w.resolved_at, f.failure,
		CASE f.failure WHEN 'not_rectified' THEN '逾期未整改' ELSE '逾期未复查' END AS failure_label,
		CASE f.failure WHEN 'not_rectified' THEN 'unit' ELSE 'department' END AS addressee,
		h.unit_id, CASE f.failure WHEN 'not_rechecked' THEN h.found_by END AS addressee_department,
		w.region
	FROM escalation.warning w
	JOIN escalation.hazard h ON h.id = w.subject_id
	CROSS JOIN LATERAL (
		-- As the hazard stood when the ladder started: rectified means the
		-- re-inspection was what fell due.
		SELECT CASE WHEN a.status <> 'rectifying' THEN 'not_rechecked' ELSE 'not_rectified' END AS failure
		FROM escalation.hazard_as_of(w.started_at, ARRAY[w.subject_id]) a
		-- Said again outside the function, so that the hazard is read by its key.
		WHERE a.hazard_id = w.subject_id) f
	WHERE w.kind = 'hazard_overdue';
COMMENT ON VIEW escalation.hazard_overdue_warning IS
	'Every warning of the §15 overdue ladder with the failure it records and whom it addresses: 逾期未整改 the unit (not rectified by the deadline), 逾期未复查 the department that found the hazard (rectified in time, not re-inspected within rule_limit hazard_recheck_within). 隐患逾期预警（区分整改与复查）';
COMMENT ON COLUMN escalation.hazard_overdue_warning.warning_id IS 'The warning. 预警';
COMMENT ON COLUMN escalation.hazard_overdue_warning.hazard_id IS 'The hazard. 隐患';
COMMENT ON COLUMN escalation.hazard_overdue_warning.stage IS 'Stage number. 预警级次';
COMMENT ON COLUMN escalation.hazard_overdue_warning.screen IS 'Screen it shows on. 预警大屏层级';
COMMENT ON COLUMN escalation.hazard_overdue_warning.action IS 'Action of that level''s office. 处置动作';
COMMENT ON COLUMN escalation.hazard_overdue_warning.started_at IS 'Start of its ladder: the rectification or the re-inspection deadline. 起算时间';
COMMENT ON COLUMN escalation.hazard_overdue_warning.due_at IS 'When the stage fell due. 应预警时间';
COMMENT ON COLUMN escalation.hazard_overdue_warning.resolved_at IS 'When it was resolved; NULL while active. 解除时间';
COMMENT ON COLUMN escalation.hazard_overdue_warning.failure IS 'not_rectified (the unit''s failure) or not_rechecked (the department''s). 逾期类型';
COMMENT ON COLUMN escalation.hazard_overdue_warning.failure_label IS '逾期未整改 or 逾期未复查. 逾期类型名称';
COMMENT ON COLUMN escalation.hazard_overdue_warning.addressee IS 'Whose failure: unit or department. 责任方';
COMMENT ON COLUMN escalation.hazard_overdue_warning.unit_id IS 'The hazard''s unit. 隐患单位';
COMMENT ON COLUMN escalation.hazard_overdue_warning.addressee_department IS 'For 逾期未复查: the department that found the hazard and re-inspects it. 责任部门';
COMMENT ON COLUMN escalation.hazard_overdue_warning.region IS 'Region of the item. 所属区划';

GRANT SELECT ON escalation.hazard_overdue_warning TO escalation_admin, escalation_user, escalation_analyst;
REVOKE ALL ON FUNCTION escalation_internal.hazard_check_on_the_spot() FROM PUBLIC;
