-- The dual prevention mechanism (双重预防机制, §11–13): which units §12 obliges to
-- run it, their enrolment under platform management, graded risk points and their
-- controls, scheduled hazard self-inspection tasks and the runs that prove the
-- mechanism works, the regulators' periodic assessment of each unit's safety state,
-- and the inspection frequency that differentiated supervision recommends.

------------------------------------------------------------------------------
-- Vocabulary (分类)
------------------------------------------------------------------------------

CREATE TYPE escalation.dp_risk_grade AS ENUM ('red', 'orange', 'yellow', 'blue');
COMMENT ON TYPE escalation.dp_risk_grade IS
	'Four-colour risk grade (安全风险四色分级): red 重大风险, orange 较大风险, yellow 一般风险, blue 低风险; sorts from highest to lowest.';

CREATE TYPE escalation.dp_control_level AS ENUM ('company', 'workshop', 'team', 'post');
COMMENT ON TYPE escalation.dp_control_level IS
	'Level that controls a risk or runs a check (分级管控): company 公司级, workshop 车间级, team 班组级, post 岗位级.';

CREATE TYPE escalation.dp_check_result AS ENUM ('normal', 'hazards_found');
COMMENT ON TYPE escalation.dp_check_result IS
	'Outcome of a scheduled self-inspection: normal 正常, hazards found 发现隐患 (either way the mechanism ran).';

CREATE TYPE escalation.safety_state AS ENUM ('good', 'fairly_good', 'average', 'poor');
COMMENT ON TYPE escalation.safety_state IS
	'Overall safety state of a unit from the regulators'' periodic assessment (安全生产状况整体评估, §13): good 好, fairly good 较好, average 一般, poor 差.';

CREATE FUNCTION escalation.dp_risk_grade_label(grade escalation.dp_risk_grade) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN CASE grade
	WHEN 'red' THEN '重大风险'
	WHEN 'orange' THEN '较大风险'
	WHEN 'yellow' THEN '一般风险'
	WHEN 'blue' THEN '低风险'
END;
COMMENT ON FUNCTION escalation.dp_risk_grade_label(escalation.dp_risk_grade) IS
	'Chinese label of a risk grade. 风险等级名称';

CREATE FUNCTION escalation.safety_state_label(state escalation.safety_state) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN CASE state
	WHEN 'good' THEN '好'
	WHEN 'fairly_good' THEN '较好'
	WHEN 'average' THEN '一般'
	WHEN 'poor' THEN '差'
END;
COMMENT ON FUNCTION escalation.safety_state_label(escalation.safety_state) IS
	'Chinese label of a safety state. 安全生产状况名称';

------------------------------------------------------------------------------
-- Who must run it (§12)
------------------------------------------------------------------------------

-- The §12 clauses that oblige a unit, from its industry and its own data.
CREATE FUNCTION escalation.dp_reasons(
	industry_scope escalation.dual_prevention_scope,
	industry_mandatory boolean,
	ammonia_refrigeration boolean,
	dust_workers integer
) RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN array_remove(ARRAY[
	CASE WHEN industry_mandatory THEN industry_scope::text END,
	CASE WHEN industry_scope = 'food_processing' AND ammonia_refrigeration
		 AND NOT coalesce(industry_mandatory, false) THEN 'food_processing' END,
	CASE WHEN dust_workers > 10
		 AND NOT (coalesce(industry_mandatory, false) AND industry_scope = 'dust') THEN 'dust' END
], NULL);
COMMENT ON FUNCTION escalation.dp_reasons(escalation.dual_prevention_scope, boolean, boolean, integer) IS
	'The §12 clauses that make dual prevention mandatory, one rule at a time: an industry marked mandatory (non-coal mine 非煤矿山, metal smelting 金属冶炼, hazardous-chemical production or storage 危险化学品生产、储存, or any industry the city marks); food processing with ammonia refrigeration (食品加工类涉氨制冷); more than 10 workers in dust operations (粉尘作业人员大于10人), in any industry. Returns the clause codes (dual_prevention_scope values). 双重预防机制强制建设条款';

CREATE FUNCTION escalation.dp_reason_label(reason text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN CASE reason
	WHEN 'non_coal_mine' THEN '非煤矿山'
	WHEN 'metal_smelting' THEN '金属冶炼'
	WHEN 'hazardous_chemicals' THEN '危险化学品生产、储存'
	WHEN 'food_processing' THEN '食品加工类涉氨制冷'
	WHEN 'dust' THEN '具有粉尘作业场所且作业人员大于10人'
	ELSE reason
END;
COMMENT ON FUNCTION escalation.dp_reason_label(text) IS
	'Chinese wording of a §12 clause code. 条款名称';

-- Whether §12 obliges a unit to run dual prevention, and why.
CREATE FUNCTION escalation.dual_prevention_required(unit_id bigint)
RETURNS TABLE (required boolean, reasons text[], reason_labels text[], exemption text)
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, escalation, pg_temp AS
$$
#variable_conflict use_column
DECLARE
	u escalation.unit;
	i escalation.industry;
	matched text[];
BEGIN
	SELECT * INTO u FROM escalation.unit x WHERE x.id = dual_prevention_required.unit_id;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'unit % does not exist', coalesce(dual_prevention_required.unit_id::text, 'NULL')
			USING ERRCODE = 'no_data_found', DETAIL = 'There is no unit with this id that you may see.';
	END IF;
	SELECT * INTO i FROM escalation.industry x WHERE x.code = u.industry_code;
	matched := escalation.dp_reasons(i.dual_prevention_scope, coalesce(i.dual_prevention_mandatory, false),
									 u.ammonia_refrigeration, u.dust_workers);
	exemption := CASE
		WHEN u.business_status = 'closed' THEN 'closed'
		WHEN u.social_function <> 'enterprise' THEN 'not_enterprise'
	END;
	required := cardinality(matched) > 0 AND exemption IS NULL;
	reasons := matched;
	reason_labels := ARRAY(SELECT escalation.dp_reason_label(r) FROM unnest(matched) WITH ORDINALITY AS m (r, n) ORDER BY n);
	IF cardinality(matched) = 0 THEN
		exemption := NULL;
	END IF;
	RETURN NEXT;
END
$$;
COMMENT ON FUNCTION escalation.dual_prevention_required(bigint) IS
	'Whether §12 makes the dual prevention mechanism mandatory for a unit (required), the clauses that apply (reasons, reason_labels), and why a unit that matches is nevertheless exempt (exemption: closed, or not_enterprise since §12 names enterprises). 是否必须建立双重预防机制';

------------------------------------------------------------------------------
-- Enrolment under platform management (纳入平台管理)
------------------------------------------------------------------------------

CREATE TABLE escalation.dual_prevention (
	unit_id bigint NOT NULL,
	since timestamptz NOT NULL DEFAULT statement_timestamp(),
	enrolled_by bigint,
	note text,
	withdrawn_at timestamptz,
	withdraw_reason text,
	region escalation.region NOT NULL,
	created_at timestamptz NOT NULL DEFAULT statement_timestamp(),
	created_by name NOT NULL DEFAULT CURRENT_USER,
	CONSTRAINT dual_prevention_pkey PRIMARY KEY (unit_id),
	CONSTRAINT dual_prevention_unit_fkey FOREIGN KEY (unit_id) REFERENCES escalation.unit (id),
	CONSTRAINT dual_prevention_enrolled_by_fkey FOREIGN KEY (enrolled_by) REFERENCES escalation.department (id),
	CONSTRAINT dual_prevention_withdrawn_after_since CHECK (withdrawn_at >= since),
	CONSTRAINT dual_prevention_withdrawal_has_reason CHECK (withdrawn_at IS NULL OR nullif(btrim(withdraw_reason), '') IS NOT NULL)
);
CREATE INDEX dual_prevention_region_idx ON escalation.dual_prevention (region);
COMMENT ON TABLE escalation.dual_prevention IS
	'Units whose dual prevention mechanism is under platform management (纳入平台管理, §12): from since, every scheduled self-inspection is recorded in escalation.dp_run, and 7 days of not running normally (escalation.dp_idle_episode) climb the dual_prevention_idle warning ladder (§19). 双重预防机制平台管理单位';
COMMENT ON COLUMN escalation.dual_prevention.unit_id IS 'The unit. 单位';
COMMENT ON COLUMN escalation.dual_prevention.since IS 'When it came under platform management (or came back after a withdrawal); starts the first 7-day clock. 纳入管理时间';
COMMENT ON COLUMN escalation.dual_prevention.enrolled_by IS 'Department that enrolled it. 纳入部门';
COMMENT ON COLUMN escalation.dual_prevention.note IS 'Notes, e.g. the §12 clause or a voluntary enrolment (有序开展). 备注';
COMMENT ON COLUMN escalation.dual_prevention.withdrawn_at IS 'When it left platform management (e.g. the unit closed); no run is recorded and no idle stage is due from then on. 退出管理时间';
COMMENT ON COLUMN escalation.dual_prevention.withdraw_reason IS 'Why it left. 退出原因';
COMMENT ON COLUMN escalation.dual_prevention.region IS 'Region of the unit (kept by trigger, for row-level security). 所属区划';
COMMENT ON COLUMN escalation.dual_prevention.created_at IS 'When the enrolment was entered. 录入时间';
COMMENT ON COLUMN escalation.dual_prevention.created_by IS 'Role that entered it. 录入人';
SELECT pg_catalog.pg_extension_config_dump('escalation.dual_prevention', '');
SELECT escalation.follow_unit_region('escalation.dual_prevention');

-- Trigger: the enrolment clock moves only by a re-enrolment after a withdrawal.
CREATE FUNCTION escalation_internal.dual_prevention_check() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, escalation, pg_temp AS
$$
BEGIN
	IF TG_OP = 'INSERT' THEN
		IF NOT escalation.restoring() THEN
			NEW.created_by := escalation.acting_role();
		END IF;
	ELSE
		NEW.created_at := OLD.created_at;
		NEW.created_by := OLD.created_by;
		IF NEW.unit_id <> OLD.unit_id THEN
			RAISE EXCEPTION 'unit_id of a dual prevention enrolment cannot be changed'
				USING ERRCODE = 'object_not_in_prerequisite_state';
		END IF;
		IF NEW.since <> OLD.since AND (OLD.withdrawn_at IS NULL OR NEW.withdrawn_at IS NOT NULL OR NEW.since < OLD.withdrawn_at) THEN
			RAISE EXCEPTION 'since of the dual prevention enrolment of unit % cannot move from % to %', OLD.unit_id, OLD.since, NEW.since
				USING ERRCODE = 'object_not_in_prerequisite_state',
					  DETAIL = 'The enrolment time changes only when a withdrawn unit is enrolled again, at or after its withdrawal.',
					  HINT = 'Use escalation.dp_enrol() to enrol a withdrawn unit again.';
		END IF;
		IF OLD.withdrawn_at IS NOT NULL AND NEW.withdrawn_at IS NOT NULL AND NEW.withdrawn_at <> OLD.withdrawn_at THEN
			RAISE EXCEPTION 'unit % was already withdrawn from dual prevention management at %', OLD.unit_id, OLD.withdrawn_at
				USING ERRCODE = 'object_not_in_prerequisite_state';
		END IF;
		IF OLD.withdrawn_at IS NULL AND NEW.withdrawn_at < greatest(OLD.since,
				(SELECT max(r.ran_at) FROM escalation.dp_run r WHERE r.unit_id = OLD.unit_id)) THEN
			RAISE EXCEPTION 'withdrawn_at % of unit % is before its enrolment or its last recorded run', NEW.withdrawn_at, OLD.unit_id
				USING ERRCODE = 'check_violation';
		END IF;
	END IF;
	IF NEW.withdrawn_at < NEW.since THEN
		RAISE EXCEPTION 'withdrawn_at % of unit % is before its enrolment since %', NEW.withdrawn_at, NEW.unit_id, NEW.since
			USING ERRCODE = 'check_violation', CONSTRAINT = 'dual_prevention_withdrawn_after_since';
	END IF;
	IF NEW.withdrawn_at IS NOT NULL AND nullif(btrim(NEW.withdraw_reason), '') IS NULL THEN
		RAISE EXCEPTION 'withdrawing unit % from dual prevention management needs withdraw_reason', NEW.unit_id
			USING ERRCODE = 'not_null_violation', CONSTRAINT = 'dual_prevention_withdrawal_has_reason';
	END IF;
	IF NOT escalation.restoring() THEN
		PERFORM escalation_internal.check_departments(ARRAY[NEW.enrolled_by], ARRAY[OLD.enrolled_by], '{enrolled_by}');
		PERFORM escalation_internal.check_times(ARRAY[NEW.since, NEW.withdrawn_at], ARRAY[OLD.since, OLD.withdrawn_at],
			'{since,withdrawn_at}', false);
	END IF;
	RETURN NEW;
END
$$;
COMMENT ON FUNCTION escalation_internal.dual_prevention_check() IS
	'Trigger: an enrolment''s since moves only when a withdrawn unit is enrolled again; a withdrawal is final until then, comes after the enrolment and the last run, and has a reason. 纳入管理校验';
CREATE TRIGGER dual_prevention_check BEFORE INSERT OR UPDATE ON escalation.dual_prevention
	FOR EACH ROW EXECUTE FUNCTION escalation_internal.dual_prevention_check();

-- Enrol a unit, or enrol a withdrawn unit again.
CREATE FUNCTION escalation.dp_enrol(
	unit_id bigint,
	enrolled_by bigint,
	since timestamptz DEFAULT statement_timestamp(),
	note text DEFAULT NULL
) RETURNS escalation.dual_prevention
LANGUAGE plpgsql SET search_path = pg_catalog, escalation, pg_temp AS
$$
#variable_conflict use_column
DECLARE
	u escalation.unit;
	d escalation.dual_prevention;
BEGIN
	PERFORM escalation.require_argument(dp_enrol.enrolled_by, 'enrolled_by');
	PERFORM escalation.require_argument(dp_enrol.since, 'since');
	SELECT * INTO u FROM escalation.unit x WHERE x.id = dp_enrol.unit_id;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'unit % does not exist', coalesce(dp_enrol.unit_id::text, 'NULL') USING ERRCODE = 'no_data_found';
	END IF;
	IF u.business_status = 'closed' THEN
		RAISE EXCEPTION 'unit % ("%") is closed and cannot be enrolled in dual prevention management', u.id, u.name
			USING ERRCODE = 'object_not_in_prerequisite_state';
	END IF;
	SELECT * INTO d FROM escalation.dual_prevention x WHERE x.unit_id = u.id FOR UPDATE;
	IF NOT FOUND THEN
		INSERT INTO escalation.dual_prevention (unit_id, since, enrolled_by, note)
		VALUES (u.id, dp_enrol.since, dp_enrol.enrolled_by, dp_enrol.note)
		RETURNING * INTO d;
	ELSIF d.withdrawn_at IS NULL THEN
		RAISE EXCEPTION 'unit % is already under dual prevention management since %', u.id, d.since
			USING ERRCODE = 'unique_violation', CONSTRAINT = 'dual_prevention_pkey';
	ELSE
		UPDATE escalation.dual_prevention
		SET since = dp_enrol.since, enrolled_by = dp_enrol.enrolled_by, note = dp_enrol.note,
			withdrawn_at = NULL, withdraw_reason = NULL
		WHERE unit_id = u.id
		RETURNING * INTO d;
	END IF;
	RETURN d;
END
$$;
COMMENT ON FUNCTION escalation.dp_enrol(bigint, bigint, timestamptz, text) IS
	'Brings a unit that is not closed under platform dual prevention management (纳入平台管理) from since, or brings a withdrawn unit back; since starts the 7-day idle clock. 纳入双重预防机制管理';

-- Withdraw a unit from platform management.
CREATE FUNCTION escalation.dp_withdraw(
	unit_id bigint,
	reason text,
	withdrawn_at timestamptz DEFAULT statement_timestamp()
) RETURNS escalation.dual_prevention
LANGUAGE plpgsql SET search_path = pg_catalog, escalation, pg_temp AS
$$
#variable_conflict use_column
DECLARE
	d escalation.dual_prevention;
BEGIN
	PERFORM escalation.require_argument(dp_withdraw.reason, 'reason');
	PERFORM escalation.require_argument(dp_withdraw.withdrawn_at, 'withdrawn_at');
	SELECT * INTO d FROM escalation.dual_prevention x WHERE x.unit_id = dp_withdraw.unit_id FOR UPDATE;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'unit % is not enrolled in dual prevention management', coalesce(dp_withdraw.unit_id::text, 'NULL')
			USING ERRCODE = 'no_data_found';
	END IF;
	IF d.withdrawn_at IS NOT NULL THEN
		RAISE EXCEPTION 'unit % was already withdrawn from dual prevention management at %', d.unit_id, d.withdrawn_at
			USING ERRCODE = 'object_not_in_prerequisite_state';
	END IF;
	UPDATE escalation.dual_prevention
	SET withdrawn_at = dp_withdraw.withdrawn_at, withdraw_reason = dp_withdraw.reason
	WHERE unit_id = d.unit_id
	RETURNING * INTO d;
	RETURN d;
END
$$;
COMMENT ON FUNCTION escalation.dp_withdraw(bigint, text, timestamptz) IS
	'Takes a unit out of platform dual prevention management (e.g. closed or relocated) with the reason; its records stay. 退出双重预防机制管理';

-- Trigger: a unit that closes leaves dual prevention management.
CREATE FUNCTION escalation_internal.dual_prevention_unit_closed() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, escalation, pg_temp AS
$$
BEGIN
	UPDATE escalation.dual_prevention d
	SET withdrawn_at = greatest(statement_timestamp(), d.since,
								(SELECT max(r.ran_at) FROM escalation.dp_run r WHERE r.unit_id = d.unit_id)),
		withdraw_reason = '单位关闭注销'
	WHERE d.unit_id = NEW.id AND d.withdrawn_at IS NULL;
	RETURN NULL;
END
$$;
COMMENT ON FUNCTION escalation_internal.dual_prevention_unit_closed() IS
	'Trigger: when a unit''s business status becomes closed, withdraws it from dual prevention management (退出管理: 单位关闭注销). 单位关闭退出管理';
CREATE TRIGGER unit_dual_prevention_closed AFTER UPDATE OF business_status ON escalation.unit
	FOR EACH ROW WHEN (NEW.business_status = 'closed' AND OLD.business_status IS DISTINCT FROM 'closed')
	EXECUTE FUNCTION escalation_internal.dual_prevention_unit_closed();

------------------------------------------------------------------------------
-- Risk points and scheduled checks (风险分级管控、隐患排查治理)
------------------------------------------------------------------------------

CREATE TABLE escalation.dp_risk_point (
	id bigint GENERATED ALWAYS AS IDENTITY,
	unit_id bigint NOT NULL,
	name text NOT NULL,
	location text,
	risk_grade escalation.dp_risk_grade NOT NULL,
	hazard_factors text,
	control_measures text NOT NULL,
	control_level escalation.dp_control_level NOT NULL DEFAULT 'workshop',
	responsible text,
	identified_on date NOT NULL DEFAULT current_date,
	retired_on date,
	region escalation.region NOT NULL,
	CONSTRAINT dp_risk_point_pkey PRIMARY KEY (id),
	CONSTRAINT dp_risk_point_id_unit_key UNIQUE (id, unit_id),
	CONSTRAINT dp_risk_point_enrolled FOREIGN KEY (unit_id) REFERENCES escalation.dual_prevention (unit_id),
	CONSTRAINT dp_risk_point_name_not_blank CHECK (btrim(name) <> ''),
	CONSTRAINT dp_risk_point_measures_not_blank CHECK (btrim(control_measures) <> ''),
	CONSTRAINT dp_risk_point_retired_after_identified CHECK (retired_on >= identified_on)
);
CREATE INDEX dp_risk_point_unit_idx ON escalation.dp_risk_point (unit_id);
CREATE INDEX dp_risk_point_region_idx ON escalation.dp_risk_point (region);
COMMENT ON TABLE escalation.dp_risk_point IS
	'Risk points of a unit graded in four colours with their control measures (安全风险分级管控). 风险点';
COMMENT ON COLUMN escalation.dp_risk_point.id IS 'Risk point id (generated). 风险点编号';
COMMENT ON COLUMN escalation.dp_risk_point.unit_id IS 'The unit (enrolled in dual prevention management). 单位';
COMMENT ON COLUMN escalation.dp_risk_point.name IS 'Risk point, e.g. 液氨储罐区, 喷涂车间. 风险点名称';
COMMENT ON COLUMN escalation.dp_risk_point.location IS 'Where. 所在位置';
COMMENT ON COLUMN escalation.dp_risk_point.risk_grade IS 'Red, orange, yellow or blue. 风险等级';
COMMENT ON COLUMN escalation.dp_risk_point.hazard_factors IS 'Hazardous factors identified. 危险有害因素';
COMMENT ON COLUMN escalation.dp_risk_point.control_measures IS 'Control measures (engineering, management, training, protection, emergency). 管控措施';
COMMENT ON COLUMN escalation.dp_risk_point.control_level IS 'Level that controls it: company, workshop, team or post. 管控层级';
COMMENT ON COLUMN escalation.dp_risk_point.responsible IS 'Who at the unit is responsible for its control. 管控责任人';
COMMENT ON COLUMN escalation.dp_risk_point.identified_on IS 'Date identified and graded. 辨识日期';
COMMENT ON COLUMN escalation.dp_risk_point.retired_on IS 'Date it ceased to exist (process changed, equipment removed); NULL = current. 撤销日期';
COMMENT ON COLUMN escalation.dp_risk_point.region IS 'Region of the unit (kept by trigger, for row-level security). 所属区划';
SELECT pg_catalog.pg_extension_config_dump('escalation.dp_risk_point', '');
SELECT pg_catalog.pg_extension_config_dump('escalation.dp_risk_point_id_seq', '');
SELECT escalation.follow_unit_region('escalation.dp_risk_point');

CREATE TABLE escalation.dp_check_task (
	id bigint GENERATED ALWAYS AS IDENTITY,
	unit_id bigint NOT NULL,
	risk_point_id bigint,
	name text NOT NULL,
	content text,
	every interval NOT NULL,
	control_level escalation.dp_control_level NOT NULL DEFAULT 'post',
	starts_at timestamptz NOT NULL DEFAULT statement_timestamp(),
	active boolean NOT NULL DEFAULT true,
	region escalation.region NOT NULL,
	CONSTRAINT dp_check_task_pkey PRIMARY KEY (id),
	CONSTRAINT dp_check_task_id_unit_key UNIQUE (id, unit_id),
	CONSTRAINT dp_check_task_enrolled FOREIGN KEY (unit_id) REFERENCES escalation.dual_prevention (unit_id),
	CONSTRAINT dp_check_task_risk_point_of_unit FOREIGN KEY (risk_point_id, unit_id)
		REFERENCES escalation.dp_risk_point (id, unit_id),
	CONSTRAINT dp_check_task_name_not_blank CHECK (btrim(name) <> ''),
	CONSTRAINT dp_check_task_every_positive CHECK (every >= interval '1 hour' AND every <= interval '366 days')
);
CREATE INDEX dp_check_task_unit_idx ON escalation.dp_check_task (unit_id);
CREATE INDEX dp_check_task_region_idx ON escalation.dp_check_task (region);
COMMENT ON TABLE escalation.dp_check_task IS
	'Scheduled hazard self-inspection tasks of a unit (隐患排查任务), each repeating every interval, usually tied to a risk point; each completed check is a row of escalation.dp_run. 隐患排查任务';
COMMENT ON COLUMN escalation.dp_check_task.id IS 'Task id (generated). 任务编号';
COMMENT ON COLUMN escalation.dp_check_task.unit_id IS 'The unit (enrolled). 单位';
COMMENT ON COLUMN escalation.dp_check_task.risk_point_id IS 'Risk point whose controls it checks, of the same unit. 风险点';
COMMENT ON COLUMN escalation.dp_check_task.name IS 'Task, e.g. 液氨储罐区日常巡检. 任务名称';
COMMENT ON COLUMN escalation.dp_check_task.content IS 'What is checked. 排查内容';
COMMENT ON COLUMN escalation.dp_check_task.every IS 'How often: between 1 hour and 366 days, e.g. ''1 day'', ''7 days''. 排查周期';
COMMENT ON COLUMN escalation.dp_check_task.control_level IS 'Level that runs it: company, workshop, team or post. 排查层级';
COMMENT ON COLUMN escalation.dp_check_task.starts_at IS 'When the schedule starts; the first check is due one interval later. 开始时间';
COMMENT ON COLUMN escalation.dp_check_task.active IS 'Still scheduled. 是否启用';
COMMENT ON COLUMN escalation.dp_check_task.region IS 'Region of the unit (kept by trigger, for row-level security). 所属区划';
COMMENT ON CONSTRAINT dp_check_task_every_positive ON escalation.dp_check_task IS
	'A check repeats at least yearly and at most hourly. 排查周期须在1小时至366天之间';
SELECT pg_catalog.pg_extension_config_dump('escalation.dp_check_task', '');
SELECT pg_catalog.pg_extension_config_dump('escalation.dp_check_task_id_seq', '');
SELECT escalation.follow_unit_region('escalation.dp_check_task');

------------------------------------------------------------------------------
-- Runs: records of normal running (正常运行记录)
------------------------------------------------------------------------------

CREATE TABLE escalation.dp_run (
	id bigint GENERATED ALWAYS AS IDENTITY,
	unit_id bigint NOT NULL,
	ran_at timestamptz NOT NULL DEFAULT statement_timestamp(),
	task_id bigint,
	result escalation.dp_check_result NOT NULL DEFAULT 'normal',
	hazard_id bigint,
	checked_by text,
	note text,
	region escalation.region NOT NULL,
	recorded_at timestamptz NOT NULL DEFAULT statement_timestamp(),
	recorded_by name NOT NULL DEFAULT CURRENT_USER,
	CONSTRAINT dp_run_pkey PRIMARY KEY (id),
	CONSTRAINT dp_run_enrolled FOREIGN KEY (unit_id) REFERENCES escalation.dual_prevention (unit_id),
	CONSTRAINT dp_run_task_of_unit FOREIGN KEY (task_id, unit_id) REFERENCES escalation.dp_check_task (id, unit_id),
	CONSTRAINT dp_run_hazard_fkey FOREIGN KEY (hazard_id) REFERENCES escalation.hazard (id),
	CONSTRAINT dp_run_hazard_means_found CHECK (hazard_id IS NULL OR result = 'hazards_found')
);
CREATE INDEX dp_run_unit_idx ON escalation.dp_run (unit_id, ran_at);
CREATE INDEX dp_run_task_idx ON escalation.dp_run (task_id, ran_at) WHERE task_id IS NOT NULL;
CREATE INDEX dp_run_region_idx ON escalation.dp_run (region);
COMMENT ON TABLE escalation.dp_run IS
	'Records of normal running of the dual prevention mechanism (正常运行记录): each row is a completed scheduled self-inspection of an enrolled unit, whatever it found; a run of a task keeps that task on schedule, and a unit without tasks is kept running by any run (§19, escalation.dp_idle_episode). 双重预防机制运行记录';
COMMENT ON COLUMN escalation.dp_run.id IS 'Run id (generated). 记录编号';
COMMENT ON COLUMN escalation.dp_run.unit_id IS 'The unit; must be under dual prevention management at ran_at. 单位';
COMMENT ON COLUMN escalation.dp_run.ran_at IS 'When the check was completed; at or after the enrolment, before any withdrawal; fixed once recorded. 排查时间';
COMMENT ON COLUMN escalation.dp_run.task_id IS 'The scheduled task completed, of the same unit; a run that names no task runs none of the unit''s tasks (§19). 排查任务';
COMMENT ON COLUMN escalation.dp_run.result IS 'normal or hazards_found. 排查结果';
COMMENT ON COLUMN escalation.dp_run.hazard_id IS 'The hazard self-reported from this check, if any. 上报隐患';
COMMENT ON COLUMN escalation.dp_run.checked_by IS 'Who at the unit checked. 排查人';
COMMENT ON COLUMN escalation.dp_run.note IS 'Notes. 备注';
COMMENT ON COLUMN escalation.dp_run.region IS 'Region of the unit (kept by trigger, for row-level security). 所属区划';
COMMENT ON COLUMN escalation.dp_run.recorded_at IS 'When it was recorded. 录入时间';
COMMENT ON COLUMN escalation.dp_run.recorded_by IS 'Role that recorded it. 录入人';
SELECT pg_catalog.pg_extension_config_dump('escalation.dp_run', '');
SELECT pg_catalog.pg_extension_config_dump('escalation.dp_run_id_seq', '');
SELECT escalation.follow_unit_region('escalation.dp_run');

-- Trigger: a run belongs to an enrolled unit within its enrolment, and its time
-- and unit are fixed once recorded.
CREATE FUNCTION escalation_internal.dp_run_check() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, escalation, pg_temp AS
$$
DECLARE
	d escalation.dual_prevention;
	hazard_unit bigint;
BEGIN
	IF TG_OP = 'UPDATE' THEN
		IF NEW.unit_id <> OLD.unit_id OR NEW.ran_at <> OLD.ran_at OR NEW.task_id IS DISTINCT FROM OLD.task_id THEN
			RAISE EXCEPTION 'unit, time and task of dual prevention run % cannot be changed', OLD.id
				USING ERRCODE = 'object_not_in_prerequisite_state',
					  DETAIL = 'A run is a record of a completed check; the warning ladder depends on its time.';
		END IF;
		NEW.recorded_at := OLD.recorded_at;
		NEW.recorded_by := OLD.recorded_by;
	ELSE
		-- An enrolment or hazard the caller may not see is one that is not there.
		SELECT * INTO d FROM escalation.dual_prevention x
		WHERE x.unit_id = NEW.unit_id AND escalation.caller_sees_region(x.region);
		IF NOT FOUND THEN
			RAISE EXCEPTION 'unit % is not enrolled in dual prevention management', NEW.unit_id
				USING ERRCODE = 'foreign_key_violation', CONSTRAINT = 'dp_run_enrolled',
					  DETAIL = 'A run of the mechanism is recorded only for a unit under platform management (escalation.dual_prevention).',
					  HINT = 'Enrol the unit first with escalation.dp_enrol().';
		END IF;
		IF NEW.ran_at < d.since THEN
			RAISE EXCEPTION 'dual prevention run of unit % at % is before its enrolment at %', NEW.unit_id, NEW.ran_at, d.since
				USING ERRCODE = 'check_violation';
		END IF;
		IF NEW.ran_at >= d.withdrawn_at THEN
			RAISE EXCEPTION 'dual prevention run of unit % at % is after its withdrawal at %', NEW.unit_id, NEW.ran_at, d.withdrawn_at
				USING ERRCODE = 'object_not_in_prerequisite_state',
					  DETAIL = format('The unit left platform management: %s.', d.withdraw_reason);
		END IF;
		IF NOT escalation.restoring() THEN
			NEW.recorded_by := escalation.acting_role();
			PERFORM escalation_internal.check_times(ARRAY[NEW.ran_at], NULL, '{ran_at}', false);
		END IF;
	END IF;
	IF NEW.hazard_id IS NOT NULL THEN
		SELECT h.unit_id INTO hazard_unit FROM escalation.hazard h
		WHERE h.id = NEW.hazard_id AND escalation.caller_sees_region(h.region);
		IF NOT FOUND THEN
			RAISE EXCEPTION 'hazard % does not exist', NEW.hazard_id
				USING ERRCODE = 'foreign_key_violation', DETAIL = 'dp_run.hazard_id must name a hazard you can see.';
		ELSIF hazard_unit <> NEW.unit_id THEN
			RAISE EXCEPTION 'hazard % belongs to unit %, not to unit % of the run', NEW.hazard_id, hazard_unit, NEW.unit_id
				USING ERRCODE = 'foreign_key_violation';
		END IF;
	END IF;
	RETURN NEW;
END
$$;
COMMENT ON FUNCTION escalation_internal.dp_run_check() IS
	'Trigger: rejects a run for a unit not enrolled, before its enrolment or after its withdrawal, a hazard of another unit, and any change of a run''s unit, time or task. 运行记录校验';
-- A restore brings back runs that were checked when they were recorded (the
-- foreign keys still hold them to their enrolment); checking each again made
-- the runs most of the time of restoring the demo.
CREATE TRIGGER dp_run_check BEFORE INSERT OR UPDATE ON escalation.dp_run
	FOR EACH ROW WHEN (NOT escalation.restoring()) EXECUTE FUNCTION escalation_internal.dp_run_check();

-- Record a completed scheduled check.
CREATE FUNCTION escalation.dp_record_run(
	unit_id bigint,
	task_id bigint DEFAULT NULL,
	result escalation.dp_check_result DEFAULT NULL,
	checked_by text DEFAULT NULL,
	note text DEFAULT NULL,
	ran_at timestamptz DEFAULT statement_timestamp(),
	hazard_id bigint DEFAULT NULL
) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, escalation, pg_temp AS
$$
#variable_conflict use_column
DECLARE
	new_id bigint;
BEGIN
	PERFORM escalation.require_argument(dp_record_run.unit_id, 'unit_id');
	PERFORM escalation.require_argument(dp_record_run.ran_at, 'ran_at');
	INSERT INTO escalation.dp_run (unit_id, task_id, result, checked_by, note, ran_at, hazard_id)
	VALUES (dp_record_run.unit_id, dp_record_run.task_id,
			coalesce(dp_record_run.result, CASE WHEN dp_record_run.hazard_id IS NULL THEN 'normal' ELSE 'hazards_found' END::escalation.dp_check_result),
			dp_record_run.checked_by, dp_record_run.note, dp_record_run.ran_at, dp_record_run.hazard_id)
	RETURNING id INTO new_id;
	RETURN new_id;
END
$$;
COMMENT ON FUNCTION escalation.dp_record_run(bigint, bigint, escalation.dp_check_result, text, text, timestamptz, bigint) IS
	'Records a completed scheduled self-inspection of an enrolled unit (a normal run of the mechanism, 正常运行记录), optionally of a task and with the hazard it found (result defaults to hazards_found when a hazard is given, else normal); returns the run id. 记录排查运行';

------------------------------------------------------------------------------
-- Periodic overall assessment (安全生产状况整体评估, §13)
------------------------------------------------------------------------------

CREATE TABLE escalation.dp_assessment (
	id bigint GENERATED ALWAYS AS IDENTITY,
	unit_id bigint NOT NULL,
	assessed_at timestamptz NOT NULL DEFAULT statement_timestamp(),
	department_id bigint NOT NULL,
	state escalation.safety_state NOT NULL,
	score numeric(5, 2),
	findings text,
	region escalation.region NOT NULL,
	created_at timestamptz NOT NULL DEFAULT statement_timestamp(),
	created_by name NOT NULL DEFAULT CURRENT_USER,
	CONSTRAINT dp_assessment_pkey PRIMARY KEY (id),
	CONSTRAINT dp_assessment_enrolled FOREIGN KEY (unit_id) REFERENCES escalation.dual_prevention (unit_id),
	CONSTRAINT dp_assessment_department_fkey FOREIGN KEY (department_id) REFERENCES escalation.department (id),
	CONSTRAINT dp_assessment_score_range CHECK (score BETWEEN 0 AND 100)
);
CREATE INDEX dp_assessment_unit_idx ON escalation.dp_assessment (unit_id, assessed_at);
CREATE INDEX dp_assessment_region_idx ON escalation.dp_assessment (region);
COMMENT ON TABLE escalation.dp_assessment IS
	'Periodic overall assessments of an enrolled unit''s safety state by its regulators (安全生产状况整体评估, §13); the latest one within a year drives the recommended inspection frequency. 安全生产状况评估';
COMMENT ON COLUMN escalation.dp_assessment.id IS 'Assessment id (generated). 评估编号';
COMMENT ON COLUMN escalation.dp_assessment.unit_id IS 'The unit (enrolled). 单位';
COMMENT ON COLUMN escalation.dp_assessment.assessed_at IS 'When it was assessed. 评估时间';
COMMENT ON COLUMN escalation.dp_assessment.department_id IS 'Department that assessed it. 评估部门';
COMMENT ON COLUMN escalation.dp_assessment.state IS 'Good, fairly good, average or poor. 评估结论';
COMMENT ON COLUMN escalation.dp_assessment.score IS 'Score 0..100, when the method gives one. 评估得分';
COMMENT ON COLUMN escalation.dp_assessment.findings IS 'Findings in words. 评估意见';
COMMENT ON COLUMN escalation.dp_assessment.region IS 'Region of the unit (kept by trigger, for row-level security). 所属区划';
COMMENT ON COLUMN escalation.dp_assessment.created_at IS 'When it was entered. 录入时间';
COMMENT ON COLUMN escalation.dp_assessment.created_by IS 'Role that entered it. 录入人';
SELECT pg_catalog.pg_extension_config_dump('escalation.dp_assessment', '');
SELECT pg_catalog.pg_extension_config_dump('escalation.dp_assessment_id_seq', '');
SELECT escalation.follow_unit_region('escalation.dp_assessment');

-- Trigger: an assessment is made by a department of the caller's region, at a plausible time.
CREATE FUNCTION escalation_internal.dp_assessment_check() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, escalation, pg_temp AS
$$
BEGIN
	IF NOT escalation.restoring() THEN
		PERFORM escalation_internal.check_departments(ARRAY[NEW.department_id], ARRAY[OLD.department_id], '{department_id}');
		PERFORM escalation_internal.check_times(ARRAY[NEW.assessed_at], ARRAY[OLD.assessed_at], '{assessed_at}', false);
	END IF;
	RETURN NEW;
END
$$;
COMMENT ON FUNCTION escalation_internal.dp_assessment_check() IS
	'Trigger: an assessment is made by a department within the caller''s region, at a plausible time. 评估记录校验';
CREATE TRIGGER dp_assessment_check BEFORE INSERT OR UPDATE ON escalation.dp_assessment
	FOR EACH ROW EXECUTE FUNCTION escalation_internal.dp_assessment_check();

------------------------------------------------------------------------------
-- Differentiated supervision (差异化、精准化动态监管, §13)
------------------------------------------------------------------------------

-- Days between inspections recommended for a unit's highest risk and its state.
CREATE FUNCTION escalation.dp_inspection_interval(highest_risk escalation.dp_risk_grade, state escalation.safety_state)
RETURNS integer
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN CASE coalesce(highest_risk, 'blue')
	WHEN 'red' THEN CASE state WHEN 'good' THEN 60 WHEN 'fairly_good' THEN 30 WHEN 'average' THEN 15 WHEN 'poor' THEN 7 ELSE 15 END
	WHEN 'orange' THEN CASE state WHEN 'good' THEN 90 WHEN 'fairly_good' THEN 60 WHEN 'average' THEN 30 WHEN 'poor' THEN 15 ELSE 30 END
	WHEN 'yellow' THEN CASE state WHEN 'good' THEN 180 WHEN 'fairly_good' THEN 90 WHEN 'average' THEN 60 WHEN 'poor' THEN 30 ELSE 60 END
	ELSE CASE state WHEN 'good' THEN 365 WHEN 'fairly_good' THEN 180 WHEN 'average' THEN 90 WHEN 'poor' THEN 60 ELSE 90 END
END;
COMMENT ON FUNCTION escalation.dp_inspection_interval(escalation.dp_risk_grade, escalation.safety_state) IS
	'Recommended days between regulators'' inspections (差异化监管频次) from the unit''s highest current risk grade (NULL = no risk point, as blue) and its latest assessment (NULL = none within a year): red 60/30/15/7 (15), orange 90/60/30/15 (30), yellow 180/90/60/30 (60), blue 365/180/90/60 (90) for good/fairly good/average/poor (not assessed). 建议检查间隔（天）';

CREATE VIEW escalation.dp_supervision WITH (security_invoker = true) AS
	SELECT d.unit_id, u.name AS unit_name, u.region, escalation.region_district(u.region) AS district,
		r.highest_risk, escalation.dp_risk_grade_label(r.highest_risk) AS highest_risk_label,
		coalesce(r.red, 0) AS red_points, coalesce(r.orange, 0) AS orange_points,
		coalesce(r.yellow, 0) AS yellow_points, coalesce(r.blue, 0) AS blue_points,
		a.state AS safety_state, escalation.safety_state_label(a.state) AS safety_state_label, a.assessed_at,
		escalation.dp_inspection_interval(r.highest_risk, a.state) AS interval_days,
		i.last_inspected_at,
		coalesce(i.last_inspected_at, d.since) + make_interval(days => escalation.dp_inspection_interval(r.highest_risk, a.state))
			AS next_inspection_due,
		coalesce(i.last_inspected_at, d.since) + make_interval(days => escalation.dp_inspection_interval(r.highest_risk, a.state))
			< statement_timestamp() AS inspection_due
	FROM escalation.dual_prevention d
	JOIN escalation.unit u ON u.id = d.unit_id
	LEFT JOIN LATERAL (
		SELECT min(p.risk_grade) AS highest_risk,
			count(*) FILTER (WHERE p.risk_grade = 'red') AS red, count(*) FILTER (WHERE p.risk_grade = 'orange') AS orange,
			count(*) FILTER (WHERE p.risk_grade = 'yellow') AS yellow, count(*) FILTER (WHERE p.risk_grade = 'blue') AS blue
		FROM escalation.dp_risk_point p
		WHERE p.unit_id = d.unit_id AND (p.retired_on IS NULL OR p.retired_on > current_date)) r ON true
	LEFT JOIN LATERAL (
		SELECT x.state, x.assessed_at FROM escalation.dp_assessment x
		WHERE x.unit_id = d.unit_id AND x.assessed_at > statement_timestamp() - interval '1 year'
		ORDER BY x.assessed_at DESC, x.id DESC LIMIT 1) a ON true
	LEFT JOIN LATERAL (
		SELECT max(i.inspected_at) AS last_inspected_at FROM escalation.inspection i
		WHERE i.unit_id = d.unit_id AND i.inspected_at <= statement_timestamp()) i ON true
	WHERE d.withdrawn_at IS NULL;
COMMENT ON VIEW escalation.dp_supervision IS
	'Differentiated supervision (差异化监管, §13): for every unit under dual prevention management, its highest current risk grade, latest assessment within a year, the recommended days between inspections (escalation.dp_inspection_interval), its last inspection and when the next one is due. 差异化监管建议';
COMMENT ON COLUMN escalation.dp_supervision.unit_id IS 'Unit. 单位';
COMMENT ON COLUMN escalation.dp_supervision.unit_name IS 'Its name. 单位名称';
COMMENT ON COLUMN escalation.dp_supervision.region IS 'Its region. 所属区划';
COMMENT ON COLUMN escalation.dp_supervision.district IS 'Its district. 所属区县';
COMMENT ON COLUMN escalation.dp_supervision.highest_risk IS 'Highest grade among its current risk points (NULL: none). 最高风险等级';
COMMENT ON COLUMN escalation.dp_supervision.highest_risk_label IS 'In Chinese. 最高风险等级名称';
COMMENT ON COLUMN escalation.dp_supervision.red_points IS 'Current red risk points. 重大风险点数';
COMMENT ON COLUMN escalation.dp_supervision.orange_points IS 'Current orange risk points. 较大风险点数';
COMMENT ON COLUMN escalation.dp_supervision.yellow_points IS 'Current yellow risk points. 一般风险点数';
COMMENT ON COLUMN escalation.dp_supervision.blue_points IS 'Current blue risk points. 低风险点数';
COMMENT ON COLUMN escalation.dp_supervision.safety_state IS 'Latest assessment within a year (NULL: none). 安全生产状况';
COMMENT ON COLUMN escalation.dp_supervision.safety_state_label IS 'In Chinese. 安全生产状况名称';
COMMENT ON COLUMN escalation.dp_supervision.assessed_at IS 'When that assessment was made. 评估时间';
COMMENT ON COLUMN escalation.dp_supervision.interval_days IS 'Recommended days between inspections. 建议检查间隔（天）';
COMMENT ON COLUMN escalation.dp_supervision.last_inspected_at IS 'Its latest inspection by any department. 最近检查时间';
COMMENT ON COLUMN escalation.dp_supervision.next_inspection_due IS 'Last inspection (or enrolment) plus the interval. 下次检查时间';
COMMENT ON COLUMN escalation.dp_supervision.inspection_due IS 'The next inspection is due now. 是否应检查';

CREATE VIEW escalation.dp_running WITH (security_invoker = true) AS
	SELECT d.unit_id, u.name AS unit_name, u.region, escalation.region_district(u.region) AS district,
		d.since, d.withdrawn_at, l.last_run_at,
		coalesce(l.last_run_at, d.since) AS clock_start,
		extract(epoch FROM statement_timestamp() - coalesce(l.last_run_at, d.since))::numeric / 86400 AS idle_days,
		coalesce(l.runs_7d, 0) AS runs_last_7_days,
		coalesce(t.tasks, 0) AS active_tasks, coalesce(t.overdue, 0) AS overdue_tasks
	FROM escalation.dual_prevention d
	JOIN escalation.unit u ON u.id = d.unit_id
	LEFT JOIN LATERAL (
		SELECT max(r.ran_at) AS last_run_at,
			count(*) FILTER (WHERE r.ran_at > statement_timestamp() - interval '7 days') AS runs_7d
		FROM escalation.dp_run r
		WHERE r.unit_id = d.unit_id AND r.ran_at <= statement_timestamp()) l ON true
	LEFT JOIN LATERAL (
		SELECT count(*) AS tasks,
			count(*) FILTER (WHERE coalesce(lr.last_at, k.starts_at) + k.every < statement_timestamp()) AS overdue
		FROM escalation.dp_check_task k
		LEFT JOIN LATERAL (SELECT max(r.ran_at) AS last_at FROM escalation.dp_run r WHERE r.task_id = k.id) lr ON true
		WHERE k.unit_id = d.unit_id AND k.active) t ON true
	WHERE d.withdrawn_at IS NULL;
COMMENT ON VIEW escalation.dp_running IS
	'How each unit under dual prevention management runs the mechanism now: last run, days since the clock started (idle_days; 7 or more starts the §19 ladder, which the warning engine raises), runs in the last 7 days, active and overdue scheduled tasks. 双重预防机制运行情况';
COMMENT ON COLUMN escalation.dp_running.unit_id IS 'Unit. 单位';
COMMENT ON COLUMN escalation.dp_running.unit_name IS 'Its name. 单位名称';
COMMENT ON COLUMN escalation.dp_running.region IS 'Its region. 所属区划';
COMMENT ON COLUMN escalation.dp_running.district IS 'Its district. 所属区县';
COMMENT ON COLUMN escalation.dp_running.since IS 'Under management since. 纳入管理时间';
COMMENT ON COLUMN escalation.dp_running.withdrawn_at IS 'Always NULL here (withdrawn units are left out). 退出管理时间';
COMMENT ON COLUMN escalation.dp_running.last_run_at IS 'Latest run. 最近运行时间';
COMMENT ON COLUMN escalation.dp_running.clock_start IS 'Start of the current idle clock: the latest run, or the enrolment. 计时起点';
COMMENT ON COLUMN escalation.dp_running.idle_days IS 'Days since clock_start (fractional). 未运行天数';
COMMENT ON COLUMN escalation.dp_running.runs_last_7_days IS 'Runs in the last 7 days. 近7日运行次数';
COMMENT ON COLUMN escalation.dp_running.active_tasks IS 'Active scheduled tasks. 排查任务数';
COMMENT ON COLUMN escalation.dp_running.overdue_tasks IS 'Active tasks whose next check is overdue. 逾期排查任务数';

CREATE VIEW escalation.dual_prevention_coverage WITH (security_invoker = true) AS
	SELECT u.id AS unit_id, u.name AS unit_name, u.region, escalation.region_district(u.region) AS district,
		u.industry_code, r.reasons, r.required, r.exemption,
		d.unit_id IS NOT NULL AND d.withdrawn_at IS NULL AS enrolled, d.since
	FROM escalation.unit u
	LEFT JOIN escalation.industry i ON i.code = u.industry_code
	LEFT JOIN escalation.dual_prevention d ON d.unit_id = u.id
	CROSS JOIN LATERAL (
		SELECT m.reasons,
			cardinality(m.reasons) > 0 AND u.business_status <> 'closed' AND u.social_function = 'enterprise' AS required,
			CASE WHEN cardinality(m.reasons) = 0 THEN NULL
				 WHEN u.business_status = 'closed' THEN 'closed'
				 WHEN u.social_function <> 'enterprise' THEN 'not_enterprise' END AS exemption
		FROM (SELECT escalation.dp_reasons(i.dual_prevention_scope, coalesce(i.dual_prevention_mandatory, false),
										   u.ammonia_refrigeration, u.dust_workers) AS reasons) m) r
	WHERE cardinality(r.reasons) > 0 OR d.unit_id IS NOT NULL;
COMMENT ON VIEW escalation.dual_prevention_coverage IS
	'Every unit that §12 concerns or that is enrolled: the clauses that apply, whether the mechanism is required, and whether it is under platform management; required AND NOT enrolled is a unit still to be brought in (§12 全部建立运行). 双重预防机制覆盖情况';
COMMENT ON COLUMN escalation.dual_prevention_coverage.unit_id IS 'Unit. 单位';
COMMENT ON COLUMN escalation.dual_prevention_coverage.unit_name IS 'Its name. 单位名称';
COMMENT ON COLUMN escalation.dual_prevention_coverage.region IS 'Its region. 所属区划';
COMMENT ON COLUMN escalation.dual_prevention_coverage.district IS 'Its district. 所属区县';
COMMENT ON COLUMN escalation.dual_prevention_coverage.industry_code IS 'Its industry. 行业';
COMMENT ON COLUMN escalation.dual_prevention_coverage.reasons IS '§12 clauses that apply (empty for a voluntarily enrolled unit). 适用条款';
COMMENT ON COLUMN escalation.dual_prevention_coverage.required IS 'Mandatory under §12. 是否强制';
COMMENT ON COLUMN escalation.dual_prevention_coverage.exemption IS 'Why a matching unit is not required: closed or not_enterprise. 豁免原因';
COMMENT ON COLUMN escalation.dual_prevention_coverage.enrolled IS 'Currently under platform management. 是否纳入管理';
COMMENT ON COLUMN escalation.dual_prevention_coverage.since IS 'Enrolled since. 纳入管理时间';

------------------------------------------------------------------------------
-- Row-level security and privileges
------------------------------------------------------------------------------

SELECT escalation.enable_region_security(t)
FROM unnest(ARRAY['escalation.dual_prevention', 'escalation.dp_risk_point', 'escalation.dp_check_task',
				  'escalation.dp_run', 'escalation.dp_assessment']::regclass[]) AS t;

GRANT SELECT, INSERT, UPDATE, DELETE ON escalation.dual_prevention, escalation.dp_risk_point, escalation.dp_check_task,
	escalation.dp_run, escalation.dp_assessment TO escalation_admin;
GRANT SELECT, INSERT, UPDATE ON escalation.dual_prevention, escalation.dp_risk_point, escalation.dp_check_task,
	escalation.dp_run, escalation.dp_assessment TO escalation_user;
GRANT SELECT ON escalation.dual_prevention, escalation.dp_risk_point, escalation.dp_check_task,
	escalation.dp_run, escalation.dp_assessment TO escalation_analyst;
GRANT SELECT ON escalation.dp_supervision, escalation.dp_running, escalation.dual_prevention_coverage
	TO escalation_admin, escalation_user, escalation_analyst;
SELECT escalation_internal.grant_column_writes(t, '{escalation_admin,escalation_user}')
FROM unnest(ARRAY['escalation.dual_prevention', 'escalation.dp_risk_point', 'escalation.dp_check_task',
				  'escalation.dp_run', 'escalation.dp_assessment']::regclass[]) AS t;
-- Ids are drawn by the identity default, which needs no privilege: nobody draws them by hand.
REVOKE ALL ON SEQUENCE escalation.dp_risk_point_id_seq, escalation.dp_check_task_id_seq, escalation.dp_run_id_seq,
	escalation.dp_assessment_id_seq FROM escalation_admin, escalation_user;

REVOKE ALL ON FUNCTION
	escalation.dp_risk_grade_label(escalation.dp_risk_grade), escalation.safety_state_label(escalation.safety_state),
	escalation.dp_reasons(escalation.dual_prevention_scope, boolean, boolean, integer), escalation.dp_reason_label(text),
	escalation.dual_prevention_required(bigint), escalation_internal.dual_prevention_check(),
	escalation.dp_enrol(bigint, bigint, timestamptz, text), escalation.dp_withdraw(bigint, text, timestamptz),
	escalation_internal.dual_prevention_unit_closed(), escalation_internal.dp_run_check(),
	escalation_internal.dp_assessment_check(),
	escalation.dp_record_run(bigint, bigint, escalation.dp_check_result, text, text, timestamptz, bigint),
	escalation.dp_inspection_interval(escalation.dp_risk_grade, escalation.safety_state)
FROM PUBLIC;
GRANT EXECUTE ON FUNCTION
	escalation.dp_risk_grade_label(escalation.dp_risk_grade), escalation.safety_state_label(escalation.safety_state),
	escalation.dp_reasons(escalation.dual_prevention_scope, boolean, boolean, integer), escalation.dp_reason_label(text),
	escalation.dp_inspection_interval(escalation.dp_risk_grade, escalation.safety_state)
TO escalation_admin, escalation_user, escalation_analyst, escalation_screen;
GRANT EXECUTE ON FUNCTION escalation.dual_prevention_required(bigint)
	TO escalation_admin, escalation_user, escalation_analyst;
GRANT EXECUTE ON FUNCTION
	escalation.dp_enrol(bigint, bigint, timestamptz, text), escalation.dp_withdraw(bigint, text, timestamptz),
	escalation.dp_record_run(bigint, bigint, escalation.dp_check_result, text, text, timestamptz, bigint)
TO escalation_admin, escalation_user;
