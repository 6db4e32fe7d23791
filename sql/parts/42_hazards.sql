-- Hazards (安全隐患, §8–10): the hazard table with its grades and timestamps, its
-- history, and the triggers that allow a change only as one legal lifecycle step.
-- The warning engine reads the hazard timestamps named in docs/ARCHITECTURE.md;
-- the lifecycle rules here keep those timestamps honest. The functions users call
-- for each step are in 43_hazard_lifecycle.sql.

------------------------------------------------------------------------------
-- Vocabulary (分类)
------------------------------------------------------------------------------

CREATE TYPE escalation.hazard_source AS ENUM ('inspection', 'self_report');
COMMENT ON TYPE escalation.hazard_source IS
	'How a hazard became known: found by a department''s inspection 检查发现, or reported by the unit''s own hazard investigation 企业自查上报.';

CREATE TYPE escalation.hazard_category AS ENUM
	('fire', 'electrical', 'machinery', 'special_equipment', 'hazardous_chemicals', 'dust_explosion',
	 'confined_space', 'gas', 'ammonia_refrigeration', 'working_at_height', 'construction', 'occupational_health',
	 'emergency', 'management', 'other');
COMMENT ON TYPE escalation.hazard_category IS
	'Category of a hazard: fire 消防, electrical 用电, machinery 机械设备, special equipment 特种设备, hazardous chemicals 危险化学品, dust explosion 粉尘防爆, confined space 有限空间, gas 燃气, ammonia refrigeration 涉氨制冷, working at height 高处作业, construction 建筑施工, occupational health 职业卫生, emergency preparedness 应急管理, safety management 安全管理, other 其他.';

CREATE TYPE escalation.hazard_grade AS ENUM ('general', 'suspected_major', 'major', 'not_major');
COMMENT ON TYPE escalation.hazard_grade IS
	'Grade of a hazard: general 一般隐患, suspected major accident hazard 疑似重大事故隐患, and the outcome of confirming a suspected one: major 重大事故隐患 (confirmed) or not major 非重大 (ruled out, then handled as a general hazard).';

CREATE TYPE escalation.hazard_status AS ENUM ('rectifying', 'rectified', 'verified', 'closed');
COMMENT ON TYPE escalation.hazard_status IS
	'Where a hazard is in its lifecycle: rectifying 整改中, rectified 已整改 (awaiting re-inspection or closing), verified 复查合格 (passed re-inspection), closed 已销号.';

CREATE TYPE escalation.hazard_step AS ENUM
	('confirm_major', 'rule_out', 'set_deadline', 'extend', 'rectify', 'recheck_pass', 'recheck_fail', 'close', 'edit');
COMMENT ON TYPE escalation.hazard_step IS
	'A lifecycle step of a hazard: confirmed major 确认为重大事故隐患, ruled out 排除（非重大）, deadline set 设定整改期限, deadline extended 延期, rectified 整改完成, re-inspection passed 复查合格, re-inspection failed 复查不合格, closed 销号, description edited 信息更正.';

CREATE TYPE escalation.recheck_result AS ENUM ('pass', 'fail');
COMMENT ON TYPE escalation.recheck_result IS
	'Result of a re-inspection (复查): pass 合格, fail 不合格.';

------------------------------------------------------------------------------
-- Labels and small helpers
------------------------------------------------------------------------------

CREATE FUNCTION escalation.hazard_status_label(status escalation.hazard_status) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN CASE status
	WHEN 'rectifying' THEN '整改中'
	WHEN 'rectified' THEN '已整改'
	WHEN 'verified' THEN '复查合格'
	WHEN 'closed' THEN '已销号'
END;
COMMENT ON FUNCTION escalation.hazard_status_label(escalation.hazard_status) IS
	'Chinese label of a hazard status. 隐患状态名称';

CREATE FUNCTION escalation.hazard_grade_label(grade escalation.hazard_grade) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN CASE grade
	WHEN 'general' THEN '一般隐患'
	WHEN 'suspected_major' THEN '疑似重大事故隐患'
	WHEN 'major' THEN '重大事故隐患'
	WHEN 'not_major' THEN '非重大隐患'
END;
COMMENT ON FUNCTION escalation.hazard_grade_label(escalation.hazard_grade) IS
	'Chinese label of a hazard grade. 隐患等级名称';

------------------------------------------------------------------------------
-- Hazards (隐患) and their lifecycle
------------------------------------------------------------------------------

-- The status that a hazard's timestamps imply.
CREATE FUNCTION escalation.hazard_status_of(
	rectified_at timestamptz,
	recheck_result escalation.recheck_result,
	rechecked_at timestamptz,
	closed_at timestamptz
) RETURNS escalation.hazard_status
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN CASE
	WHEN closed_at IS NOT NULL THEN 'closed'::escalation.hazard_status
	WHEN rectified_at IS NULL THEN 'rectifying'::escalation.hazard_status
	WHEN recheck_result = 'pass' THEN 'verified'::escalation.hazard_status
	WHEN recheck_result = 'fail' AND rechecked_at >= rectified_at THEN 'rectifying'::escalation.hazard_status
	ELSE 'rectified'::escalation.hazard_status
END;
COMMENT ON FUNCTION escalation.hazard_status_of(timestamptz, escalation.recheck_result, timestamptz, timestamptz) IS
	'The status implied by a hazard''s rectification, re-inspection and closing: closed once closed_at is set; rectifying until rectified, and again after a failed re-inspection until rectified anew; verified after a passed re-inspection; rectified otherwise. 隐患状态推导';

CREATE TABLE escalation.hazard (
	id bigint GENERATED ALWAYS AS IDENTITY,
	unit_id bigint NOT NULL,
	found_by bigint NOT NULL,
	found_at timestamptz NOT NULL DEFAULT statement_timestamp(),
	source escalation.hazard_source NOT NULL DEFAULT 'inspection',
	inspection_id bigint,
	campaign_id bigint,
	description text,
	category escalation.hazard_category NOT NULL DEFAULT 'other',
	location text,
	grade escalation.hazard_grade NOT NULL DEFAULT 'general',
	needs_recheck boolean NOT NULL DEFAULT true,
	measures text,
	rectify_deadline timestamptz,
	deadline_set_at timestamptz,
	deadline_set_by bigint,
	deadline_reason text,
	confirmed_at timestamptz,
	confirmed_by bigint,
	confirm_note text,
	rectified_at timestamptz,
	rectified_by text,
	rectification_note text,
	rechecked_at timestamptz,
	rechecked_by bigint,
	recheck_inspector bigint,
	recheck_result escalation.recheck_result,
	recheck_note text,
	closed_at timestamptz,
	closed_by bigint,
	close_note text,
	status escalation.hazard_status NOT NULL
		GENERATED ALWAYS AS (escalation.hazard_status_of(rectified_at, recheck_result, rechecked_at, closed_at)) STORED,
	step_no integer NOT NULL DEFAULT 0,
	last_step escalation.hazard_step,
	region escalation.region NOT NULL,
	created_at timestamptz NOT NULL DEFAULT statement_timestamp(),
	created_by name NOT NULL DEFAULT CURRENT_USER,
	CONSTRAINT hazard_pkey PRIMARY KEY (id),
	CONSTRAINT hazard_unit_fkey FOREIGN KEY (unit_id) REFERENCES escalation.unit (id),
	CONSTRAINT hazard_found_by_fkey FOREIGN KEY (found_by) REFERENCES escalation.department (id),
	CONSTRAINT hazard_inspection_fkey FOREIGN KEY (inspection_id) REFERENCES escalation.inspection (id),
	CONSTRAINT hazard_campaign_fkey FOREIGN KEY (campaign_id) REFERENCES escalation.campaign (id),
	CONSTRAINT hazard_deadline_set_by_fkey FOREIGN KEY (deadline_set_by) REFERENCES escalation.department (id),
	CONSTRAINT hazard_confirmed_by_fkey FOREIGN KEY (confirmed_by) REFERENCES escalation.department (id),
	CONSTRAINT hazard_rechecked_by_fkey FOREIGN KEY (rechecked_by) REFERENCES escalation.department (id),
	CONSTRAINT hazard_recheck_inspector_of_department FOREIGN KEY (recheck_inspector, rechecked_by)
		REFERENCES escalation.person (id, department_id),
	CONSTRAINT hazard_closed_by_fkey FOREIGN KEY (closed_by) REFERENCES escalation.department (id),
	CONSTRAINT hazard_self_report_has_no_inspection CHECK (source <> 'self_report' OR inspection_id IS NULL),
	CONSTRAINT hazard_deadline_after_discovery CHECK (rectify_deadline >= found_at),
	CONSTRAINT hazard_deadline_required CHECK (rectify_deadline IS NOT NULL OR grade IN ('suspected_major', 'major')
											   OR (grade = 'not_major' AND NOT needs_recheck)),
	CONSTRAINT hazard_confirmation_consistent CHECK ((grade IN ('major', 'not_major')) = (confirmed_at IS NOT NULL)),
	CONSTRAINT hazard_confirmed_after_discovery CHECK (confirmed_at >= found_at),
	CONSTRAINT hazard_major_needs_recheck CHECK (grade <> 'major' OR needs_recheck),
	CONSTRAINT hazard_rectified_after_discovery CHECK (rectified_at >= found_at),
	CONSTRAINT hazard_rectified_by_named CHECK (rectified_at IS NULL OR rectified_by IS NOT NULL),
	CONSTRAINT hazard_recheck_complete CHECK ((rechecked_at IS NULL) = (recheck_result IS NULL)
											 AND (rechecked_at IS NULL OR rechecked_by IS NOT NULL)),
	CONSTRAINT hazard_recheck_after_rectification CHECK (rechecked_at IS NULL
		OR (rectified_at IS NOT NULL AND (rectified_at <= rechecked_at OR recheck_result = 'fail'))),
	CONSTRAINT hazard_closed_after_steps CHECK (closed_at >= found_at AND closed_at >= coalesce(rectified_at, found_at)
												AND closed_at >= coalesce(rechecked_at, found_at)
												AND closed_at >= coalesce(confirmed_at, found_at)),
	CONSTRAINT hazard_closed_not_suspected CHECK (closed_at IS NULL OR grade <> 'suspected_major')
);
CREATE INDEX hazard_region_idx ON escalation.hazard (region);
CREATE INDEX hazard_unit_idx ON escalation.hazard (unit_id, found_at);
CREATE INDEX hazard_found_by_idx ON escalation.hazard (found_by, found_at);
CREATE INDEX hazard_inspection_idx ON escalation.hazard (inspection_id) WHERE inspection_id IS NOT NULL;
CREATE INDEX hazard_campaign_idx ON escalation.hazard (campaign_id) WHERE campaign_id IS NOT NULL;
CREATE INDEX hazard_open_idx ON escalation.hazard (rectify_deadline) WHERE closed_at IS NULL;
CREATE INDEX hazard_found_at_idx ON escalation.hazard (found_at);
COMMENT ON TABLE escalation.hazard IS
	'Hazards (隐患) found by inspections or reported by units, with their rectification (整改), re-inspection (复查) and closing (销号). Lifecycle steps are made with escalation.hazard_confirm/_extend/_rectify/_recheck/_close or the equivalent UPDATE; a trigger rejects any other change and escalation.hazard_history keeps every step. 隐患排查治理台账';
COMMENT ON COLUMN escalation.hazard.id IS 'Hazard id (generated). 隐患编号';
COMMENT ON COLUMN escalation.hazard.unit_id IS 'The unit where the hazard is. 隐患单位';
COMMENT ON COLUMN escalation.hazard.found_by IS 'Department that found it (for a self-reported hazard: the supervising department it was reported to); its level decides the warning ladder''s origin. 发现部门';
COMMENT ON COLUMN escalation.hazard.found_at IS 'When it was found (for an inspection: at or after the inspection). 发现时间';
COMMENT ON COLUMN escalation.hazard.source IS 'Found by an inspection, or self-reported by the unit. 隐患来源';
COMMENT ON COLUMN escalation.hazard.inspection_id IS 'The inspection that found it (same unit and department). 所属检查';
COMMENT ON COLUMN escalation.hazard.campaign_id IS 'Campaign it was found under (taken from the inspection when omitted). 所属专项工作';
COMMENT ON COLUMN escalation.hazard.description IS 'What the hazard is. 隐患描述';
COMMENT ON COLUMN escalation.hazard.category IS 'Category (fire, electrical, hazardous chemicals, ...). 隐患类别';
COMMENT ON COLUMN escalation.hazard.location IS 'Where at the unit. 隐患部位';
COMMENT ON COLUMN escalation.hazard.grade IS 'general, suspected_major, and after confirmation major or not_major; only a suspected major hazard changes grade. 隐患等级';
COMMENT ON COLUMN escalation.hazard.needs_recheck IS 'Closing requires a passed re-inspection; always true for a confirmed major hazard. 是否需要复查';
COMMENT ON COLUMN escalation.hazard.measures IS 'Rectification measures required. 整改措施';
COMMENT ON COLUMN escalation.hazard.rectify_deadline IS 'Rectification deadline; not before found_at; required for a general hazard and for a ruled-out one that needs re-inspection (escalation.hazard_confirm also requires it for a confirmed major hazard: the deadline of its governance plan); moved only later (extension) or anew by a failed re-inspection. 整改期限';
COMMENT ON COLUMN escalation.hazard.deadline_set_at IS 'When the current deadline was set or extended. 期限设定时间';
COMMENT ON COLUMN escalation.hazard.deadline_set_by IS 'Department that set or extended the current deadline. 期限设定部门';
COMMENT ON COLUMN escalation.hazard.deadline_reason IS 'Why the current deadline was set or extended (required for an extension). 延期理由';
COMMENT ON COLUMN escalation.hazard.confirmed_at IS 'When a suspected major hazard was confirmed major or ruled out; set exactly when grade is major or not_major. 确认时间';
COMMENT ON COLUMN escalation.hazard.confirmed_by IS 'Department that confirmed or ruled it out. 确认部门';
COMMENT ON COLUMN escalation.hazard.confirm_note IS 'Basis of the confirmation. 确认意见';
COMMENT ON COLUMN escalation.hazard.rectified_at IS 'When the unit completed the (latest) rectification. 整改完成时间';
COMMENT ON COLUMN escalation.hazard.rectified_by IS 'Who at the unit is accountable for the rectification. 整改责任人';
COMMENT ON COLUMN escalation.hazard.rectification_note IS 'What was done. 整改情况';
COMMENT ON COLUMN escalation.hazard.rechecked_at IS 'When the latest re-inspection took place. 复查时间';
COMMENT ON COLUMN escalation.hazard.rechecked_by IS 'Department that re-inspected; it supervises the unit, or is above one that does. 复查部门';
COMMENT ON COLUMN escalation.hazard.recheck_inspector IS 'Person of that department who re-inspected. 复查人员';
COMMENT ON COLUMN escalation.hazard.recheck_result IS 'Result of the latest re-inspection: pass or fail. 复查结论';
COMMENT ON COLUMN escalation.hazard.recheck_note IS 'Notes of the latest re-inspection. 复查意见';
COMMENT ON COLUMN escalation.hazard.closed_at IS 'When the hazard was closed (销号); final. 销号时间';
COMMENT ON COLUMN escalation.hazard.closed_by IS 'Department that closed it. 销号部门';
COMMENT ON COLUMN escalation.hazard.close_note IS 'Notes on closing. 销号意见';
COMMENT ON COLUMN escalation.hazard.status IS 'rectifying, rectified, verified or closed, derived from the timestamps (never set directly). 隐患状态';
COMMENT ON COLUMN escalation.hazard.step_no IS 'Number of lifecycle steps taken since the hazard was entered (maintained by trigger). 处理步骤数';
COMMENT ON COLUMN escalation.hazard.last_step IS 'The latest lifecycle step (maintained by trigger). 最近处理步骤';
COMMENT ON COLUMN escalation.hazard.region IS 'Region of the unit (kept by trigger, for row-level security). 所属区划';
COMMENT ON COLUMN escalation.hazard.created_at IS 'When the hazard was entered. 录入时间';
COMMENT ON COLUMN escalation.hazard.created_by IS 'Role that entered it. 录入人';
COMMENT ON CONSTRAINT hazard_deadline_after_discovery ON escalation.hazard IS
	'The rectification deadline cannot be before the hazard was found. 整改期限不得早于发现时间';
COMMENT ON CONSTRAINT hazard_deadline_required ON escalation.hazard IS
	'A general hazard, and a ruled-out one that needs re-inspection, has a rectification deadline (what the overdue ladder measures). 须明确整改期限';
COMMENT ON CONSTRAINT hazard_confirmation_consistent ON escalation.hazard IS
	'confirmed_at is set exactly when the grade is major or not_major. 确认时间与等级一致';
COMMENT ON CONSTRAINT hazard_closed_not_suspected ON escalation.hazard IS
	'A suspected major hazard is confirmed or ruled out before it is closed. 疑似重大隐患须先确认';
SELECT pg_catalog.pg_extension_config_dump('escalation.hazard', '');
SELECT pg_catalog.pg_extension_config_dump('escalation.hazard_id_seq', '');
SELECT escalation.follow_unit_region('escalation.hazard');

CREATE TABLE escalation.hazard_history (
	id bigint GENERATED ALWAYS AS IDENTITY,
	hazard_id bigint NOT NULL,
	unit_id bigint NOT NULL,
	step escalation.hazard_step NOT NULL,
	from_status escalation.hazard_status NOT NULL,
	to_status escalation.hazard_status NOT NULL,
	from_grade escalation.hazard_grade NOT NULL,
	to_grade escalation.hazard_grade NOT NULL,
	from_deadline timestamptz,
	to_deadline timestamptz,
	department_id bigint,
	person_id bigint,
	event_at timestamptz NOT NULL,
	note text,
	recorded_at timestamptz NOT NULL DEFAULT statement_timestamp(),
	recorded_by name NOT NULL,
	region escalation.region NOT NULL,
	CONSTRAINT hazard_history_pkey PRIMARY KEY (id),
	CONSTRAINT hazard_history_hazard_fkey FOREIGN KEY (hazard_id) REFERENCES escalation.hazard (id) ON DELETE CASCADE
);
CREATE INDEX hazard_history_hazard_idx ON escalation.hazard_history (hazard_id, event_at, id);
CREATE INDEX hazard_history_region_idx ON escalation.hazard_history (region);
CREATE INDEX hazard_history_department_idx ON escalation.hazard_history (department_id, event_at);
COMMENT ON TABLE escalation.hazard_history IS
	'Every lifecycle step of every hazard after it was entered: which step, from which status and grade to which, the deadline before and after, the acting department, when it happened and who recorded it; written only by the hazard trigger. 隐患处理记录';
COMMENT ON COLUMN escalation.hazard_history.id IS 'Entry id (increasing). 记录编号';
COMMENT ON COLUMN escalation.hazard_history.hazard_id IS 'The hazard. 隐患';
COMMENT ON COLUMN escalation.hazard_history.unit_id IS 'Its unit. 隐患单位';
COMMENT ON COLUMN escalation.hazard_history.step IS 'The step taken. 处理步骤';
COMMENT ON COLUMN escalation.hazard_history.from_status IS 'Status before the step. 原状态';
COMMENT ON COLUMN escalation.hazard_history.to_status IS 'Status after the step. 新状态';
COMMENT ON COLUMN escalation.hazard_history.from_grade IS 'Grade before the step. 原等级';
COMMENT ON COLUMN escalation.hazard_history.to_grade IS 'Grade after the step. 新等级';
COMMENT ON COLUMN escalation.hazard_history.from_deadline IS 'Rectification deadline before the step. 原整改期限';
COMMENT ON COLUMN escalation.hazard_history.to_deadline IS 'Rectification deadline after the step. 新整改期限';
COMMENT ON COLUMN escalation.hazard_history.department_id IS 'Department that took the step (confirming, setting the deadline, re-inspecting or closing); NULL for the unit''s rectification. 处理部门';
COMMENT ON COLUMN escalation.hazard_history.person_id IS 'Person who re-inspected, for re-inspections. 处理人员';
COMMENT ON COLUMN escalation.hazard_history.event_at IS 'When the step happened (the step''s own timestamp on the hazard). 处理时间';
COMMENT ON COLUMN escalation.hazard_history.note IS 'Reason or notes given with the step; for an edit, the columns changed. 处理意见';
COMMENT ON COLUMN escalation.hazard_history.recorded_at IS 'When the step was recorded. 记录时间';
COMMENT ON COLUMN escalation.hazard_history.recorded_by IS 'Role that recorded it (the session''s acting role). 记录人';
COMMENT ON COLUMN escalation.hazard_history.region IS 'Region of the unit (kept by trigger, for row-level security). 所属区划';
SELECT pg_catalog.pg_extension_config_dump('escalation.hazard_history', '');
SELECT pg_catalog.pg_extension_config_dump('escalation.hazard_history_id_seq', '');
SELECT escalation.follow_unit_region('escalation.hazard_history', false);

-- Raise the error for a lifecycle step a hazard's state does not allow.
CREATE FUNCTION escalation_internal.hazard_refuse(
	hazard_id bigint,
	step text,
	status escalation.hazard_status,
	grade escalation.hazard_grade,
	detail text,
	hint text DEFAULT NULL
) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, escalation, pg_temp AS
$$
DECLARE
	message text := format('cannot %s hazard %s: it is "%s" (%s), grade "%s" (%s)', step, hazard_id,
						   status, escalation.hazard_status_label(status), grade, escalation.hazard_grade_label(grade));
BEGIN
	IF hint IS NULL THEN
		RAISE EXCEPTION USING ERRCODE = 'object_not_in_prerequisite_state', MESSAGE = message, DETAIL = detail;
	END IF;
	RAISE EXCEPTION USING ERRCODE = 'object_not_in_prerequisite_state', MESSAGE = message, DETAIL = detail, HINT = hint;
END
$$;
COMMENT ON FUNCTION escalation_internal.hazard_refuse(bigint, text, escalation.hazard_status, escalation.hazard_grade, text, text) IS
	'Raises SQLSTATE 55000 naming the refused step and the hazard''s current status and grade. 拒绝非法处理步骤';

-- Raise a clear error for a row whose timestamps or grade contradict each other.
CREATE FUNCTION escalation_internal.hazard_check_row(h escalation.hazard, entering boolean DEFAULT false) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, escalation, pg_temp AS
$$
DECLARE
	what text := CASE WHEN entering THEN 'the new hazard' ELSE format('hazard %s', h.id) END;
BEGIN
	IF h.rectify_deadline < h.found_at THEN
		RAISE EXCEPTION 'rectify_deadline % of % is before its found_at %',
				h.rectify_deadline, what, h.found_at
			USING ERRCODE = 'check_violation', CONSTRAINT = 'hazard_deadline_after_discovery',
				  DETAIL = 'A rectification deadline cannot be earlier than the discovery of the hazard.';
	END IF;
	IF h.rectify_deadline IS NULL AND (h.grade = 'general' OR (h.grade = 'not_major' AND h.needs_recheck)) THEN
		RAISE EXCEPTION '% of grade % needs a rectify_deadline', what, h.grade
			USING ERRCODE = 'not_null_violation', CONSTRAINT = 'hazard_deadline_required',
				  DETAIL = 'A general hazard, and a ruled-out one that needs re-inspection, is rectified by a deadline.';
	END IF;
	IF (h.grade IN ('major', 'not_major')) <> (h.confirmed_at IS NOT NULL) THEN
		RAISE EXCEPTION '% of grade % has confirmed_at %', what, h.grade,
				coalesce(h.confirmed_at::text, 'NULL')
			USING ERRCODE = 'check_violation', CONSTRAINT = 'hazard_confirmation_consistent',
				  DETAIL = 'confirmed_at is set exactly when a suspected major hazard has been confirmed (major) or ruled out (not_major).';
	END IF;
	IF h.confirmed_at < h.found_at OR h.rectified_at < h.found_at OR h.closed_at < h.found_at THEN
		RAISE EXCEPTION '% has a step before its found_at %', what, h.found_at
			USING ERRCODE = 'check_violation',
				  DETAIL = format('confirmed_at %s, rectified_at %s, closed_at %s: none can be earlier than the discovery.',
								  coalesce(h.confirmed_at::text, 'NULL'), coalesce(h.rectified_at::text, 'NULL'),
								  coalesce(h.closed_at::text, 'NULL'));
	END IF;
	IF h.rectified_at IS NOT NULL AND h.rectified_by IS NULL THEN
		RAISE EXCEPTION '% is rectified without rectified_by', what
			USING ERRCODE = 'not_null_violation', CONSTRAINT = 'hazard_rectified_by_named',
				  DETAIL = 'A rectification names who at the unit is accountable for it.';
	END IF;
	IF (h.rechecked_at IS NULL) <> (h.recheck_result IS NULL) OR (h.rechecked_at IS NOT NULL AND h.rechecked_by IS NULL) THEN
		RAISE EXCEPTION '% has an incomplete re-inspection', what
			USING ERRCODE = 'not_null_violation', CONSTRAINT = 'hazard_recheck_complete',
				  DETAIL = 'A re-inspection has a time (rechecked_at), a result (recheck_result) and a department (rechecked_by).';
	END IF;
	IF h.rechecked_at IS NOT NULL AND NOT coalesce(h.rectified_at <= h.rechecked_at OR h.recheck_result = 'fail', false) THEN
		RAISE EXCEPTION '% was re-inspected at % without a rectification before it', what,
				h.rechecked_at
			USING ERRCODE = 'check_violation', CONSTRAINT = 'hazard_recheck_after_rectification',
				  DETAIL = format('rectified_at is %s.', coalesce(h.rectified_at::text, 'NULL'));
	END IF;
	IF h.closed_at IS NOT NULL AND h.grade = 'suspected_major' THEN
		RAISE EXCEPTION '% cannot be closed while it is a suspected major hazard', what
			USING ERRCODE = 'check_violation', CONSTRAINT = 'hazard_closed_not_suspected',
				  DETAIL = 'A suspected major hazard is confirmed or ruled out before it is closed.';
	END IF;
	IF h.closed_at < greatest(h.rectified_at, h.rechecked_at, h.confirmed_at) THEN
		RAISE EXCEPTION '% was closed at % before its last step at %', what, h.closed_at,
				greatest(h.rectified_at, h.rechecked_at, h.confirmed_at)
			USING ERRCODE = 'check_violation', CONSTRAINT = 'hazard_closed_after_steps';
	END IF;
END
$$;
COMMENT ON FUNCTION escalation_internal.hazard_check_row(escalation.hazard, boolean) IS
	'Raises a clear error (naming field and value) for a hazard row whose deadline, grade and step timestamps contradict each other; the table''s CHECK constraints back it. 隐患记录一致性校验';

-- Trigger: validate a new hazard; tie it to its inspection and campaign.
CREATE FUNCTION escalation_internal.hazard_check_insert() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, escalation, pg_temp AS
$$
DECLARE
	insp escalation.inspection;
BEGIN
	IF NEW.inspection_id IS NOT NULL THEN
		SELECT * INTO insp FROM escalation.inspection WHERE id = NEW.inspection_id AND escalation.caller_sees_region(region);
		IF NOT FOUND THEN
			RAISE EXCEPTION 'inspection % does not exist', NEW.inspection_id
				USING ERRCODE = 'foreign_key_violation', DETAIL = 'hazard.inspection_id must name an inspection you can see.';
		ELSE
			IF insp.unit_id <> NEW.unit_id OR insp.department_id <> NEW.found_by THEN
				RAISE EXCEPTION 'hazard of unit % found by department % cannot belong to inspection % of unit % by department %',
						NEW.unit_id, NEW.found_by, insp.id, insp.unit_id, insp.department_id
					USING ERRCODE = 'check_violation',
						  DETAIL = 'A hazard found in an inspection is at the inspected unit and found by the inspecting department.';
			END IF;
			IF NEW.found_at < insp.inspected_at THEN
				RAISE EXCEPTION 'hazard found_at % is before its inspection % at %', NEW.found_at, insp.id, insp.inspected_at
					USING ERRCODE = 'check_violation';
			END IF;
			IF NEW.campaign_id IS NULL THEN
				NEW.campaign_id := insp.campaign_id;
			ELSIF NEW.campaign_id IS DISTINCT FROM insp.campaign_id THEN
				RAISE EXCEPTION 'hazard campaign % differs from campaign % of its inspection %',
						NEW.campaign_id, coalesce(insp.campaign_id::text, 'NULL'), insp.id
					USING ERRCODE = 'check_violation';
			END IF;
		END IF;
	END IF;
	IF NEW.campaign_id IS NOT NULL THEN
		PERFORM escalation_internal.campaign_admits(NEW.campaign_id, NEW.unit_id, NEW.found_at, 'hazard');
	END IF;
	IF NEW.grade = 'major' THEN
		NEW.needs_recheck := true;
	END IF;
	IF NEW.rectify_deadline IS NOT NULL THEN
		NEW.deadline_set_at := coalesce(NEW.deadline_set_at, NEW.confirmed_at, NEW.found_at);
		NEW.deadline_set_by := coalesce(NEW.deadline_set_by, NEW.confirmed_by, NEW.found_by);
	END IF;
	-- Who entered it and how far it has come are the platform's to say, except
	-- when a dump brings them back.
	IF NOT escalation.restoring() THEN
		NEW.step_no := 0;
		NEW.last_step := NULL;
		NEW.created_by := escalation.acting_role();
	END IF;
	PERFORM escalation_internal.hazard_check_row(NEW, true);
	IF NOT escalation.restoring() THEN
		PERFORM escalation_internal.check_departments(
			ARRAY[NEW.found_by, NEW.deadline_set_by, NEW.confirmed_by, NEW.rechecked_by, NEW.closed_by], NULL,
			'{found_by,deadline_set_by,confirmed_by,rechecked_by,closed_by}');
		PERFORM escalation_internal.check_times(
			ARRAY[NEW.found_at, NEW.deadline_set_at, NEW.confirmed_at, NEW.rectified_at, NEW.rechecked_at, NEW.closed_at], NULL,
			'{found_at,deadline_set_at,confirmed_at,rectified_at,rechecked_at,closed_at}', false);
		PERFORM escalation_internal.check_times(ARRAY[NEW.rectify_deadline], NULL, '{rectify_deadline}', true);
	END IF;
	RETURN NEW;
END
$$;
COMMENT ON FUNCTION escalation_internal.hazard_check_insert() IS
	'Trigger: validates a new hazard (deadline not before discovery, grade and timestamps consistent, same unit and department as its inspection, within its campaign) and fills its campaign and deadline provenance. 隐患登记校验';
CREATE TRIGGER hazard_check_insert BEFORE INSERT ON escalation.hazard
	FOR EACH ROW EXECUTE FUNCTION escalation_internal.hazard_check_insert();

-- Trigger: allow an UPDATE only as one legal lifecycle step (or an edit of the
-- description), and number the step for the history.
CREATE FUNCTION escalation_internal.hazard_check_step() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, escalation, pg_temp AS
$$
DECLARE
	step escalation.hazard_step;
	closing boolean := (NEW.closed_at, NEW.closed_by, NEW.close_note) IS DISTINCT FROM (OLD.closed_at, OLD.closed_by, OLD.close_note);
	rechecking boolean := (NEW.rechecked_at, NEW.rechecked_by, NEW.recheck_inspector, NEW.recheck_result, NEW.recheck_note)
		IS DISTINCT FROM (OLD.rechecked_at, OLD.rechecked_by, OLD.recheck_inspector, OLD.recheck_result, OLD.recheck_note);
	rectifying boolean := (NEW.rectified_at, NEW.rectified_by, NEW.rectification_note)
		IS DISTINCT FROM (OLD.rectified_at, OLD.rectified_by, OLD.rectification_note);
	confirming boolean := (NEW.grade, NEW.confirmed_at, NEW.confirmed_by, NEW.confirm_note)
		IS DISTINCT FROM (OLD.grade, OLD.confirmed_at, OLD.confirmed_by, OLD.confirm_note);
	deadline_moves boolean := NEW.rectify_deadline IS DISTINCT FROM OLD.rectify_deadline;
	deadline_info boolean := (NEW.deadline_set_at, NEW.deadline_set_by, NEW.deadline_reason)
		IS DISTINCT FROM (OLD.deadline_set_at, OLD.deadline_set_by, OLD.deadline_reason);
	recheck_moves boolean := NEW.needs_recheck IS DISTINCT FROM OLD.needs_recheck;
	editing boolean := (NEW.description, NEW.category, NEW.location, NEW.measures)
		IS DISTINCT FROM (OLD.description, OLD.category, OLD.location, OLD.measures);
	fixed text;
	others text[] := '{}';
BEGIN
	-- Maintained columns are the trigger's, whatever the statement says.
	NEW.step_no := OLD.step_no;
	NEW.last_step := OLD.last_step;
	NEW.created_at := OLD.created_at;
	NEW.created_by := OLD.created_by;

	fixed := CASE
		WHEN NEW.unit_id <> OLD.unit_id THEN 'unit_id'
		WHEN NEW.found_by <> OLD.found_by THEN 'found_by'
		WHEN NEW.found_at <> OLD.found_at THEN 'found_at'
		WHEN NEW.source <> OLD.source THEN 'source'
		WHEN NEW.inspection_id IS DISTINCT FROM OLD.inspection_id THEN 'inspection_id'
		WHEN NEW.campaign_id IS DISTINCT FROM OLD.campaign_id THEN 'campaign_id'
	END;
	IF fixed IS NOT NULL THEN
		RAISE EXCEPTION 'column % of hazard % cannot be changed', fixed, OLD.id
			USING ERRCODE = 'object_not_in_prerequisite_state',
				  DETAIL = 'Where, by whom and when a hazard was found is fixed when it is entered.',
				  HINT = 'Enter a new hazard and close or delete the wrong one.';
	END IF;

	IF OLD.closed_at IS NOT NULL THEN
		IF closing OR rechecking OR rectifying OR confirming OR deadline_moves OR deadline_info OR recheck_moves OR editing THEN
			PERFORM escalation_internal.hazard_refuse(OLD.id, 'change', OLD.status, OLD.grade,
				format('Hazard %s was closed (销号) at %s; a closed hazard is final.', OLD.id, OLD.closed_at),
				'Enter a new hazard if the problem has come back.');
		END IF;
		RETURN NEW;
	END IF;

	IF closing THEN
		step := 'close';
		others := array_remove(ARRAY[CASE WHEN rechecking THEN 're-inspection' END, CASE WHEN rectifying THEN 'rectification' END,
			CASE WHEN confirming THEN 'confirmation' END, CASE WHEN deadline_moves OR deadline_info THEN 'deadline' END,
			CASE WHEN recheck_moves THEN 'needs_recheck' END], NULL);
	ELSIF rechecking THEN
		step := CASE WHEN NEW.recheck_result = 'fail' THEN 'recheck_fail' ELSE 'recheck_pass' END::escalation.hazard_step;
		others := array_remove(ARRAY[CASE WHEN rectifying THEN 'rectification' END, CASE WHEN confirming THEN 'confirmation' END,
			CASE WHEN recheck_moves THEN 'needs_recheck' END,
			CASE WHEN (deadline_moves OR deadline_info) AND NEW.recheck_result IS DISTINCT FROM 'fail' THEN 'deadline' END], NULL);
	ELSIF rectifying THEN
		step := 'rectify';
		others := array_remove(ARRAY[CASE WHEN confirming THEN 'confirmation' END,
			CASE WHEN deadline_moves OR deadline_info THEN 'deadline' END, CASE WHEN recheck_moves THEN 'needs_recheck' END], NULL);
	ELSIF confirming THEN
		step := CASE WHEN NEW.grade = 'major' THEN 'confirm_major' ELSE 'rule_out' END::escalation.hazard_step;
	ELSIF deadline_moves OR deadline_info THEN
		step := CASE WHEN OLD.rectify_deadline IS NULL THEN 'set_deadline' ELSE 'extend' END::escalation.hazard_step;
		IF recheck_moves THEN
			others := ARRAY['needs_recheck'];
		END IF;
	ELSIF recheck_moves THEN
		RAISE EXCEPTION 'needs_recheck of hazard % cannot be changed on its own', OLD.id
			USING ERRCODE = 'object_not_in_prerequisite_state',
				  DETAIL = 'Whether a hazard needs re-inspection is decided when it is entered, or when a suspected major hazard is ruled out.';
	ELSIF editing THEN
		step := 'edit';
	ELSE
		RETURN NEW;
	END IF;

	IF editing AND step <> 'edit' THEN
		others := others || 'description'::text;
	END IF;
	IF cardinality(others) > 0 THEN
		PERFORM escalation_internal.hazard_refuse(OLD.id, replace(step::text, '_', ' '), OLD.status, OLD.grade,
			format('One statement takes one lifecycle step; this one also changes: %s.', array_to_string(others, ', ')),
			'Make each step with its own statement, e.g. escalation.hazard_rectify() and then escalation.hazard_close().');
	END IF;

	CASE step
	WHEN 'close' THEN
		IF NEW.closed_at IS NULL THEN
			RAISE EXCEPTION 'closing hazard % needs closed_at', OLD.id USING ERRCODE = 'not_null_violation';
		ELSIF OLD.grade = 'suspected_major' THEN
			PERFORM escalation_internal.hazard_refuse(OLD.id, 'close', OLD.status, OLD.grade,
				'A suspected major hazard must be confirmed or ruled out before it is closed.',
				'Call escalation.hazard_confirm() first.');
		ELSIF OLD.status = 'rectifying' THEN
			PERFORM escalation_internal.hazard_refuse(OLD.id, 'close', OLD.status, OLD.grade,
				CASE WHEN OLD.recheck_result = 'fail'
					 THEN format('Its re-inspection at %s failed and it has not been rectified again.', OLD.rechecked_at)
					 ELSE 'It has not been rectified.' END,
				'Record the rectification with escalation.hazard_rectify() first.');
		ELSIF OLD.needs_recheck AND OLD.status <> 'verified' THEN
			PERFORM escalation_internal.hazard_refuse(OLD.id, 'close', OLD.status, OLD.grade,
				'It needs a passed re-inspection (复查合格) before it is closed.',
				'Record the re-inspection with escalation.hazard_recheck() first.');
		END IF;
	WHEN 'recheck_pass', 'recheck_fail' THEN
		IF OLD.status <> 'rectified' THEN
			PERFORM escalation_internal.hazard_refuse(OLD.id, 're-inspect', OLD.status, OLD.grade,
				CASE OLD.status WHEN 'verified' THEN 'It has already passed re-inspection.'
								ELSE 'Only a rectified hazard is re-inspected.' END);
		END IF;
		IF NEW.rechecked_at IS NULL OR NEW.recheck_result IS NULL OR NEW.rechecked_by IS NULL THEN
			RAISE EXCEPTION 're-inspecting hazard % needs rechecked_at, recheck_result and rechecked_by', OLD.id
				USING ERRCODE = 'not_null_violation';
		END IF;
		IF NEW.rechecked_at < OLD.rectified_at THEN
			RAISE EXCEPTION 'rechecked_at % of hazard % is before its rectification at %', NEW.rechecked_at, OLD.id, OLD.rectified_at
				USING ERRCODE = 'check_violation';
		END IF;
		IF NOT escalation.supervises(NEW.rechecked_by, OLD.unit_id, escalation.local_day(NEW.rechecked_at)) THEN
			RAISE EXCEPTION 'department % does not supervise unit % and cannot re-inspect hazard %',
					NEW.rechecked_by, OLD.unit_id, OLD.id
				USING ERRCODE = 'insufficient_privilege',
					  DETAIL = format('On %s department %s holds no supervision assignment for unit %s and is not above a department that does.',
									  escalation.local_day(NEW.rechecked_at), NEW.rechecked_by, OLD.unit_id),
					  HINT = 'The re-inspection is made by a supervising department (escalation.supervision_assignment).';
		END IF;
		IF step = 'recheck_fail' THEN
			IF NOT deadline_moves OR NEW.rectify_deadline <= NEW.rechecked_at THEN
				RAISE EXCEPTION 'a failed re-inspection of hazard % needs a new rectify_deadline after %', OLD.id, NEW.rechecked_at
					USING ERRCODE = 'check_violation',
						  DETAIL = format('rectify_deadline is %s.', coalesce(NEW.rectify_deadline::text, 'NULL')),
						  HINT = 'Pass new_deadline to escalation.hazard_recheck().';
			END IF;
			NEW.deadline_set_at := NEW.rechecked_at;
			NEW.deadline_set_by := NEW.rechecked_by;
			IF NEW.deadline_reason IS NOT DISTINCT FROM OLD.deadline_reason THEN
				NEW.deadline_reason := '复查不合格，重新限期整改';
			END IF;
		END IF;
	WHEN 'rectify' THEN
		IF OLD.status <> 'rectifying' THEN
			PERFORM escalation_internal.hazard_refuse(OLD.id, 'rectify', OLD.status, OLD.grade,
				'It has already been rectified; a rectification is undone only by a failed re-inspection.');
		END IF;
		IF NEW.rectified_at IS NULL OR NEW.rectified_by IS NULL THEN
			RAISE EXCEPTION 'rectifying hazard % needs rectified_at and rectified_by', OLD.id
				USING ERRCODE = 'not_null_violation';
		END IF;
		IF OLD.recheck_result = 'fail' AND NEW.rectified_at <= OLD.rechecked_at THEN
			RAISE EXCEPTION 'rectified_at % of hazard % is not after its failed re-inspection at %',
					NEW.rectified_at, OLD.id, OLD.rechecked_at
				USING ERRCODE = 'check_violation';
		END IF;
	WHEN 'confirm_major', 'rule_out' THEN
		IF OLD.grade <> 'suspected_major' THEN
			PERFORM escalation_internal.hazard_refuse(OLD.id, 'confirm', OLD.status, OLD.grade,
				'Only a suspected major hazard (疑似重大事故隐患) is confirmed or ruled out, once.');
		END IF;
		IF NEW.grade NOT IN ('major', 'not_major') THEN
			PERFORM escalation_internal.hazard_refuse(OLD.id, 'confirm', OLD.status, OLD.grade,
				format('Confirming sets grade major (confirmed) or not_major (ruled out), not %s.', NEW.grade));
		END IF;
		IF NEW.confirmed_at IS NULL THEN
			RAISE EXCEPTION 'confirming hazard % needs confirmed_at', OLD.id USING ERRCODE = 'not_null_violation';
		END IF;
		IF NEW.grade = 'major' THEN
			NEW.needs_recheck := true;
		END IF;
		IF deadline_moves THEN
			IF NEW.rectify_deadline < NEW.confirmed_at THEN
				RAISE EXCEPTION 'rectify_deadline % set at confirmation of hazard % is before confirmed_at %',
						NEW.rectify_deadline, OLD.id, NEW.confirmed_at
					USING ERRCODE = 'check_violation';
			END IF;
			NEW.deadline_set_at := NEW.confirmed_at;
			NEW.deadline_set_by := NEW.confirmed_by;
		END IF;
	WHEN 'set_deadline', 'extend' THEN
		IF OLD.status <> 'rectifying' THEN
			PERFORM escalation_internal.hazard_refuse(OLD.id, replace(step::text, '_', ' '), OLD.status, OLD.grade,
				'The rectification deadline is set or extended only while the hazard is being rectified.');
		END IF;
		IF NEW.rectify_deadline IS NULL THEN
			PERFORM escalation_internal.hazard_refuse(OLD.id, 'remove the deadline of', OLD.status, OLD.grade,
				'A rectification deadline, once set, is only extended.');
		END IF;
		IF step = 'extend' THEN
			IF NEW.rectify_deadline <= OLD.rectify_deadline THEN
				RAISE EXCEPTION 'new rectify_deadline % of hazard % is not after its current deadline %',
						NEW.rectify_deadline, OLD.id, OLD.rectify_deadline
					USING ERRCODE = 'check_violation',
						  DETAIL = 'An extension (延期) moves the deadline later.';
			END IF;
			IF nullif(btrim(NEW.deadline_reason), '') IS NULL OR NOT deadline_info THEN
				RAISE EXCEPTION 'extending the deadline of hazard % needs a new deadline_reason', OLD.id
					USING ERRCODE = 'not_null_violation',
						  DETAIL = 'Every extension (延期) records why it was granted.',
						  HINT = 'Use escalation.hazard_extend(hazard_id, new_deadline, reason, department_id).';
			END IF;
		ELSIF NEW.rectify_deadline < OLD.found_at THEN
			PERFORM escalation_internal.hazard_check_row(NEW);
		END IF;
		IF NEW.deadline_set_at IS NOT DISTINCT FROM OLD.deadline_set_at THEN
			NEW.deadline_set_at := statement_timestamp();
		END IF;
		IF NEW.deadline_set_at < OLD.found_at THEN
			RAISE EXCEPTION 'deadline_set_at % of hazard % is before its found_at %', NEW.deadline_set_at, OLD.id, OLD.found_at
				USING ERRCODE = 'check_violation';
		END IF;
	ELSE
		NULL;
	END CASE;

	PERFORM escalation_internal.hazard_check_row(NEW);
	PERFORM escalation_internal.check_departments(
		ARRAY[NEW.deadline_set_by, NEW.confirmed_by, NEW.rechecked_by, NEW.closed_by],
		ARRAY[OLD.deadline_set_by, OLD.confirmed_by, OLD.rechecked_by, OLD.closed_by],
		'{deadline_set_by,confirmed_by,rechecked_by,closed_by}');
	PERFORM escalation_internal.check_times(
		ARRAY[NEW.deadline_set_at, NEW.confirmed_at, NEW.rectified_at, NEW.rechecked_at, NEW.closed_at],
		ARRAY[OLD.deadline_set_at, OLD.confirmed_at, OLD.rectified_at, OLD.rechecked_at, OLD.closed_at],
		'{deadline_set_at,confirmed_at,rectified_at,rechecked_at,closed_at}', false);
	PERFORM escalation_internal.check_times(ARRAY[NEW.rectify_deadline], ARRAY[OLD.rectify_deadline], '{rectify_deadline}', true);
	NEW.step_no := OLD.step_no + 1;
	NEW.last_step := step;
	RETURN NEW;
END
$$;
COMMENT ON FUNCTION escalation_internal.hazard_check_step() IS
	'Trigger: accepts an UPDATE of a hazard only as one legal lifecycle step (confirm or rule out a suspected major hazard, set or extend the deadline, rectify, re-inspect by a supervising department, close after a passed re-inspection) or an edit of its description, with SQLSTATE 55000 naming the current status and the refused step otherwise. 隐患处理流程校验';
CREATE TRIGGER hazard_check_step BEFORE UPDATE ON escalation.hazard
	FOR EACH ROW EXECUTE FUNCTION escalation_internal.hazard_check_step();

-- Trigger: write the history entry of a lifecycle step.
CREATE FUNCTION escalation_internal.hazard_record_step() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, escalation, pg_temp AS
$$
BEGIN
	INSERT INTO escalation.hazard_history
		(hazard_id, unit_id, step, from_status, to_status, from_grade, to_grade, from_deadline, to_deadline,
		 department_id, person_id, event_at, note, recorded_by, region)
	VALUES
		(NEW.id, NEW.unit_id, NEW.last_step, OLD.status, NEW.status, OLD.grade, NEW.grade,
		 OLD.rectify_deadline, NEW.rectify_deadline,
		 CASE NEW.last_step
			WHEN 'confirm_major' THEN NEW.confirmed_by WHEN 'rule_out' THEN NEW.confirmed_by
			WHEN 'set_deadline' THEN NEW.deadline_set_by WHEN 'extend' THEN NEW.deadline_set_by
			WHEN 'recheck_pass' THEN NEW.rechecked_by WHEN 'recheck_fail' THEN NEW.rechecked_by
			WHEN 'close' THEN NEW.closed_by END,
		 CASE WHEN NEW.last_step IN ('recheck_pass', 'recheck_fail') THEN NEW.recheck_inspector END,
		 CASE NEW.last_step
			WHEN 'confirm_major' THEN NEW.confirmed_at WHEN 'rule_out' THEN NEW.confirmed_at
			WHEN 'set_deadline' THEN NEW.deadline_set_at WHEN 'extend' THEN NEW.deadline_set_at
			WHEN 'rectify' THEN NEW.rectified_at
			WHEN 'recheck_pass' THEN NEW.rechecked_at WHEN 'recheck_fail' THEN NEW.rechecked_at
			WHEN 'close' THEN NEW.closed_at
			ELSE statement_timestamp() END,
		 CASE NEW.last_step
			WHEN 'confirm_major' THEN NEW.confirm_note WHEN 'rule_out' THEN NEW.confirm_note
			WHEN 'set_deadline' THEN NEW.deadline_reason WHEN 'extend' THEN NEW.deadline_reason
			WHEN 'rectify' THEN NEW.rectification_note
			WHEN 'recheck_pass' THEN NEW.recheck_note
			WHEN 'recheck_fail' THEN concat_ws('; ', NEW.recheck_note, NEW.deadline_reason)
			WHEN 'close' THEN NEW.close_note
			WHEN 'edit' THEN 'changed: ' || array_to_string(array_remove(ARRAY[
				CASE WHEN NEW.description IS DISTINCT FROM OLD.description THEN 'description' END,
				CASE WHEN NEW.category IS DISTINCT FROM OLD.category THEN 'category' END,
				CASE WHEN NEW.location IS DISTINCT FROM OLD.location THEN 'location' END,
				CASE WHEN NEW.measures IS DISTINCT FROM OLD.measures THEN 'measures' END], NULL), ', ')
		 END,
		 escalation.acting_role(), NEW.region);
	RETURN NULL;
END
$$;
COMMENT ON FUNCTION escalation_internal.hazard_record_step() IS
	'Trigger: records a hazard''s lifecycle step in escalation.hazard_history (step, from/to status, grade and deadline, department, time, note, acting role). 记录隐患处理步骤';
CREATE TRIGGER hazard_record_step AFTER UPDATE ON escalation.hazard
	FOR EACH ROW WHEN (NEW.step_no <> OLD.step_no)
	EXECUTE FUNCTION escalation_internal.hazard_record_step();

------------------------------------------------------------------------------
-- Row-level security and privileges
------------------------------------------------------------------------------

SELECT escalation.enable_region_security(t)
FROM unnest(ARRAY['escalation.hazard', 'escalation.hazard_history']::regclass[]) AS t;

GRANT SELECT, INSERT, UPDATE, DELETE ON escalation.hazard TO escalation_admin;
GRANT SELECT ON escalation.hazard_history TO escalation_admin, escalation_user, escalation_analyst;
GRANT SELECT, INSERT, UPDATE ON escalation.hazard TO escalation_user;
GRANT SELECT ON escalation.hazard TO escalation_analyst;
SELECT escalation_internal.grant_column_writes('escalation.hazard', '{escalation_admin,escalation_user}');
-- Ids are drawn by the identity default, which needs no privilege: nobody draws them by hand.
REVOKE ALL ON SEQUENCE escalation.hazard_id_seq FROM escalation_admin, escalation_user;

REVOKE ALL ON FUNCTION
	escalation.hazard_status_label(escalation.hazard_status), escalation.hazard_grade_label(escalation.hazard_grade),
	escalation.hazard_status_of(timestamptz, escalation.recheck_result, timestamptz, timestamptz),
	escalation_internal.hazard_refuse(bigint, text, escalation.hazard_status, escalation.hazard_grade, text, text),
	escalation_internal.hazard_check_row(escalation.hazard, boolean), escalation_internal.hazard_check_insert(), escalation_internal.hazard_check_step(),
	escalation_internal.hazard_record_step()
FROM PUBLIC;
GRANT EXECUTE ON FUNCTION
	escalation.hazard_status_label(escalation.hazard_status), escalation.hazard_grade_label(escalation.hazard_grade),
	escalation.hazard_status_of(timestamptz, escalation.recheck_result, timestamptz, timestamptz)
TO escalation_admin, escalation_user, escalation_analyst, escalation_screen;
