-- Warning handling (预警业务处理, §9, §14–16, §21, §23): every warning gets an
-- addressee when it is raised, and the command centre (应急指挥中心) of its
-- screen works it through a closed loop: 签收 sign, 下发 dispatch, 反馈
-- feedback by the addressee department, 审核 review (办结 accept or 退回
-- return). Each step is an event of the stream, so the screens follow it live.
-- Handling a warning never resolves it: only handling its item does.

------------------------------------------------------------------------------
-- Who handles (应急指挥中心、用户所属部门)
------------------------------------------------------------------------------

DO $roles$
BEGIN
	IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'escalation_command_centre') THEN
		CREATE ROLE escalation_command_centre NOLOGIN;
	END IF;
END
$roles$;

-- Which department a login role works for, so that feedback can be given by
-- the addressee department only.
CREATE TABLE escalation.user_department (
	role_name name NOT NULL,
	department_id bigint NOT NULL,
	created_at timestamptz NOT NULL DEFAULT statement_timestamp(),
	CONSTRAINT user_department_pkey PRIMARY KEY (role_name),
	CONSTRAINT user_department_department_fkey FOREIGN KEY (department_id) REFERENCES escalation.department (id)
);
CREATE INDEX user_department_department_idx ON escalation.user_department (department_id);
COMMENT ON TABLE escalation.user_department IS
	'Maps a login role to the department it works for; only a role of the department a warning was dispatched to may give its feedback. 用户所属部门';
COMMENT ON COLUMN escalation.user_department.role_name IS 'Login role. 数据库登录角色';
COMMENT ON COLUMN escalation.user_department.department_id IS 'Department the role works for. 所属部门';
COMMENT ON COLUMN escalation.user_department.created_at IS 'When the mapping was entered. 创建时间';
SELECT pg_catalog.pg_extension_config_dump('escalation.user_department', '');

CREATE TRIGGER user_department_check_role BEFORE INSERT OR UPDATE OF role_name ON escalation.user_department
	FOR EACH ROW EXECUTE FUNCTION escalation_internal.user_region_check_role();

------------------------------------------------------------------------------
-- The timers on people (处置时限): the city's values over the shipped ones
------------------------------------------------------------------------------

CREATE TYPE escalation.handling_timer AS ENUM ('sign', 'reply');
COMMENT ON TYPE escalation.handling_timer IS
	'Timer on the people who handle a warning (处置时限): sign 签收时限 (from raising), reply 反馈时限 (from dispatch or return, when no reply_by is given).';

CREATE TABLE escalation.handling_timer_override (
	timer escalation.handling_timer NOT NULL,
	within interval NOT NULL,
	changed_at timestamptz NOT NULL DEFAULT statement_timestamp(),
	changed_by name NOT NULL DEFAULT current_user,
	CONSTRAINT handling_timer_override_pkey PRIMARY KEY (timer),
	CONSTRAINT handling_timer_positive CHECK (within > interval '0'),
	CONSTRAINT handling_timer_in_days_and_hours
		CHECK (date_part('month', within) = 0 AND date_part('year', within) = 0 AND within <= interval '365 days')
);
COMMENT ON TABLE escalation.handling_timer_override IS
	'The city''s values of the handling timers, replacing the shipped ones (sign 1 day, reply 3 days); escalation.handling_rule shows the values in force. 处置时限调整';
COMMENT ON COLUMN escalation.handling_timer_override.timer IS 'sign or reply. 时限类型';
COMMENT ON COLUMN escalation.handling_timer_override.within IS 'Time allowed (days count as 24 hours). 时限';
COMMENT ON COLUMN escalation.handling_timer_override.changed_at IS 'When it was changed. 调整时间';
COMMENT ON COLUMN escalation.handling_timer_override.changed_by IS 'Role that changed it. 调整人';
SELECT pg_catalog.pg_extension_config_dump('escalation.handling_timer_override', '');

CREATE VIEW escalation.handling_rule AS
	SELECT d.timer, coalesce(o.within, d.within) AS within, d.within AS shipped, o.timer IS NOT NULL AS changed
	FROM (VALUES ('sign'::escalation.handling_timer, interval '1 day'),
				 ('reply'::escalation.handling_timer, interval '3 days')) AS d(timer, within)
	LEFT JOIN escalation.handling_timer_override o ON o.timer = d.timer;
COMMENT ON VIEW escalation.handling_rule IS
	'The handling timers in force (处置时限): a warning not signed within sign of its raising, or not answered by its reply deadline (dispatch or return plus reply unless given), is overdue. The city office changes them in escalation.handling_timer_override.';
COMMENT ON COLUMN escalation.handling_rule.timer IS 'sign or reply. 时限类型';
COMMENT ON COLUMN escalation.handling_rule.within IS 'Time allowed, in force. 时限';
COMMENT ON COLUMN escalation.handling_rule.shipped IS 'The shipped value. 默认时限';
COMMENT ON COLUMN escalation.handling_rule.changed IS 'The city changed it. 是否已调整';

CREATE FUNCTION escalation.handling_within(timer escalation.handling_timer) RETURNS interval
LANGUAGE sql STABLE SECURITY DEFINER PARALLEL SAFE SET search_path = pg_catalog, escalation, pg_temp
BEGIN ATOMIC
	SELECT r.within FROM escalation.handling_rule r WHERE r.timer = handling_within.timer;
END;
COMMENT ON FUNCTION escalation.handling_within(escalation.handling_timer) IS
	'The time a handling timer allows, as in force. 处置时限';

------------------------------------------------------------------------------
-- The addressee (承办部门): decided when the warning is raised
------------------------------------------------------------------------------

CREATE TABLE escalation.warning_addressee (
	warning_id bigint NOT NULL,
	department_id bigint,
	supervisor_id bigint,
	basis text NOT NULL,
	region escalation.region NOT NULL,
	decided_at timestamptz NOT NULL DEFAULT now(),
	CONSTRAINT warning_addressee_pkey PRIMARY KEY (warning_id),
	CONSTRAINT warning_addressee_warning_fkey FOREIGN KEY (warning_id) REFERENCES escalation.warning (id) ON DELETE CASCADE,
	CONSTRAINT warning_addressee_department_fkey FOREIGN KEY (department_id) REFERENCES escalation.department (id),
	CONSTRAINT warning_addressee_supervisor_fkey FOREIGN KEY (supervisor_id) REFERENCES escalation.person (id),
	CONSTRAINT warning_addressee_basis_known
		CHECK (basis IN ('finder', 'supervision', 'territorial', 'receiver', 'office', 'none')),
	CONSTRAINT warning_addressee_none_without_department CHECK ((basis = 'none') = (department_id IS NULL))
);
CREATE INDEX warning_addressee_region_idx ON escalation.warning_addressee (region);
CREATE INDEX warning_addressee_department_idx ON escalation.warning_addressee (department_id);
COMMENT ON TABLE escalation.warning_addressee IS
	'The addressee of each warning (预警承办部门), decided when it is raised: hazards the finding department (else the unit''s supervising department at the stage''s level), clues the receiving department, licences and dual prevention the unit''s supervising department at its supervision level, else the territorial one. basis none: no addressee could be found. 预警承办部门';
COMMENT ON COLUMN escalation.warning_addressee.warning_id IS 'The warning. 预警编号';
COMMENT ON COLUMN escalation.warning_addressee.department_id IS 'The responsible department; NULL when none could be found. 承办部门';
COMMENT ON COLUMN escalation.warning_addressee.supervisor_id IS 'The unit''s named supervisor in that department (supervision_assignment), if any. 监管责任人';
COMMENT ON COLUMN escalation.warning_addressee.basis IS 'How it was found: finder 发现部门, supervision 行业监管部门, territorial 属地部门, receiver 接收部门 (of a clue, or of the dispatch a handling_reply warning is about), office 安委会办公室 (of the screen a handling_sign warning is about), none 无承办部门. 确定依据';
COMMENT ON COLUMN escalation.warning_addressee.region IS 'Region of the warning, for row-level security. 所属区划';
COMMENT ON COLUMN escalation.warning_addressee.decided_at IS 'When it was decided. 确定时间';
SELECT pg_catalog.pg_extension_config_dump('escalation.warning_addressee', '');

-- The department that answers for a warning, from the responsibility database
-- as it stands on the warning's day.
CREATE FUNCTION escalation_internal.warning_addressee_of(w escalation.warning,
	OUT department_id bigint, OUT supervisor_id bigint, OUT basis text)
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, escalation, pg_temp AS
$$
DECLARE
	on_day date := escalation.local_day(w.raised_at);
	wanted escalation.level;
BEGIN
	-- A handling timer's warning goes to whoever failed to act on the warning
	-- below (57_handling_timers.sql): the office of its screen's region, or
	-- the department it was dispatched to.
	IF w.kind::text IN ('handling_sign', 'handling_reply') THEN
		SELECT d.id, CASE WHEN w.kind::text = 'handling_sign' THEN 'office' ELSE 'receiver' END
		INTO department_id, basis
		FROM escalation.department d WHERE d.id = w.department_id;
		basis := coalesce(basis, 'none');
		RETURN;
	END IF;
	IF w.kind = 'clue' THEN
		SELECT c.to_department, 'receiver' INTO department_id, basis FROM escalation.clue c WHERE c.id = w.subject_id;
	ELSIF w.kind::text IN ('hazard_overdue', 'major_hazard', 'major_hazard_listed') THEN
		department_id := w.department_id;
		basis := 'finder';
	END IF;
	-- A department that is gone (or data loaded past the foreign keys) is no addressee.
	IF NOT EXISTS (SELECT 1 FROM escalation.department d WHERE d.id = warning_addressee_of.department_id) THEN
		department_id := NULL;
		basis := NULL;
	END IF;
	IF department_id IS NOT NULL THEN
		IF w.unit_id IS NOT NULL THEN
			SELECT a.supervisor_id INTO supervisor_id FROM escalation.supervision_assignment a
			WHERE a.unit_id = w.unit_id AND a.department_id = warning_addressee_of.department_id AND a.period @> on_day;
		END IF;
		RETURN;
	END IF;

	-- The unit's supervising department: a hazard's at the stage's level, a
	-- licence's or a dual prevention's at the unit's supervision level; the
	-- territorial one when that level has none.
	SELECT CASE WHEN w.kind::text IN ('hazard_overdue', 'major_hazard', 'major_hazard_listed') THEN w.screen ELSE u.supervision_level END
	INTO wanted FROM escalation.unit u WHERE u.id = w.unit_id;
	SELECT a.department_id, a.supervisor_id,
		CASE WHEN a.supervision_type = 'territorial' THEN 'territorial' ELSE 'supervision' END
	INTO department_id, supervisor_id, basis
	FROM escalation.supervision_assignment a
	WHERE a.unit_id = w.unit_id AND a.period @> on_day
	  AND ((a.level = wanted AND a.supervision_type <> 'territorial') OR a.supervision_type = 'territorial')
	ORDER BY a.supervision_type = 'territorial', a.level = wanted DESC, a.supervision_type, a.department_id
	LIMIT 1;
	basis := coalesce(basis, 'none');
END
$$;
COMMENT ON FUNCTION escalation_internal.warning_addressee_of(escalation.warning) IS
	'The addressee of a warning from the responsibility database on its day: department, the unit''s named supervisor there, and the basis (finder, receiver, supervision, territorial, none). 确定承办部门';

-- Trigger (per statement): every warning, raised by the engine or inserted by
-- hand, gets its addressee. The engine's writer fires it once for all the
-- warnings of a run (src/engine_store.c).
CREATE FUNCTION escalation_internal.warning_address() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, escalation, pg_temp AS
$$
BEGIN
	-- A restore brings back the addressees decided when the warnings were raised.
	IF escalation.restoring() THEN
		RETURN NULL;
	END IF;
	INSERT INTO escalation.warning_addressee (warning_id, department_id, supervisor_id, basis, region, decided_at)
	SELECT r.id, a.department_id, a.supervisor_id, a.basis, r.region, r.raised_at
	FROM raised r CROSS JOIN LATERAL escalation_internal.warning_addressee_of(r) a
	ORDER BY r.id;
	RETURN NULL;
END
$$;
COMMENT ON FUNCTION escalation_internal.warning_address() IS
	'Trigger (per statement): records the addressee of each warning an INSERT or a run raised. 记录承办部门';
CREATE TRIGGER warning_address AFTER INSERT ON escalation.warning REFERENCING NEW TABLE AS raised
	FOR EACH STATEMENT EXECUTE FUNCTION escalation_internal.warning_address();

------------------------------------------------------------------------------
-- The steps (处置过程): one row per step, each an event of the stream
------------------------------------------------------------------------------

CREATE TYPE escalation.handling_step AS ENUM ('sign', 'dispatch', 'feedback', 'review');
COMMENT ON TYPE escalation.handling_step IS
	'A step of warning handling (处置环节): sign 签收, dispatch 下发, feedback 反馈, review 审核 (办结 or 退回).';

CREATE TYPE escalation.handling_state AS ENUM ('raised', 'signed', 'dispatched', 'answered', 'returned', 'closed');
COMMENT ON TYPE escalation.handling_state IS
	'Where the handling of a warning stands (处置状态): raised 未签收, signed 已签收, dispatched 已下发, answered 已反馈, returned 已退回, closed 已办结.';

CREATE TABLE escalation.warning_step (
	id bigint NOT NULL,
	warning_id bigint NOT NULL,
	step escalation.handling_step NOT NULL,
	done_at timestamptz NOT NULL DEFAULT now(),
	done_by name NOT NULL,
	department_id bigint,
	reply_by timestamptz,
	accepted boolean,
	note text,
	region escalation.region NOT NULL,
	CONSTRAINT warning_step_pkey PRIMARY KEY (id),
	CONSTRAINT warning_step_warning_fkey FOREIGN KEY (warning_id) REFERENCES escalation.warning (id) ON DELETE CASCADE,
	CONSTRAINT warning_step_department_fkey FOREIGN KEY (department_id) REFERENCES escalation.department (id),
	CONSTRAINT warning_step_dispatch_has_addressee CHECK (step NOT IN ('dispatch', 'feedback') OR department_id IS NOT NULL),
	CONSTRAINT warning_step_dispatch_has_deadline CHECK (step <> 'dispatch' OR reply_by IS NOT NULL),
	CONSTRAINT warning_step_review_has_verdict CHECK ((step = 'review') = (accepted IS NOT NULL)),
	CONSTRAINT warning_step_return_has_deadline CHECK (accepted IS DISTINCT FROM false OR reply_by IS NOT NULL)
);
CREATE INDEX warning_step_warning_idx ON escalation.warning_step (warning_id, id);
CREATE INDEX warning_step_region_idx ON escalation.warning_step (region);
CREATE UNIQUE INDEX warning_step_signed_once_idx ON escalation.warning_step (warning_id) WHERE step = 'sign';
COMMENT ON TABLE escalation.warning_step IS
	'The handling timeline of each warning (预警处置过程): who did which step when, with the note; written only by warning_sign, warning_dispatch, warning_feedback and warning_review. 预警处置记录';
COMMENT ON COLUMN escalation.warning_step.id IS 'Event id of the step (the acknowledgement''s for a signing). 事件序号';
COMMENT ON COLUMN escalation.warning_step.warning_id IS 'The warning. 预警编号';
COMMENT ON COLUMN escalation.warning_step.step IS 'sign, dispatch, feedback or review. 处置环节';
COMMENT ON COLUMN escalation.warning_step.done_at IS 'When. 处置时间';
COMMENT ON COLUMN escalation.warning_step.done_by IS 'Role that did it. 处置人';
COMMENT ON COLUMN escalation.warning_step.department_id IS 'dispatch: the department it went to; feedback: the department that answered. 承办部门';
COMMENT ON COLUMN escalation.warning_step.reply_by IS 'dispatch and return: the reply deadline. 反馈期限';
COMMENT ON COLUMN escalation.warning_step.accepted IS 'review: true 办结, false 退回. 审核结果';
COMMENT ON COLUMN escalation.warning_step.note IS 'What was done, the reason, references to attachments. 处置说明';
COMMENT ON COLUMN escalation.warning_step.region IS 'Region of the warning, for row-level security. 所属区划';
SELECT pg_catalog.pg_extension_config_dump('escalation.warning_step', '');

CREATE FUNCTION escalation.handling_state_label(state escalation.handling_state) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN CASE state
	WHEN 'raised' THEN '未签收'
	WHEN 'signed' THEN '已签收'
	WHEN 'dispatched' THEN '已下发'
	WHEN 'answered' THEN '已反馈'
	WHEN 'returned' THEN '已退回'
	WHEN 'closed' THEN '已办结'
END;
COMMENT ON FUNCTION escalation.handling_state_label(escalation.handling_state) IS
	'Chinese label of a handling state, as the screens show it. 处置状态名称';

CREATE FUNCTION escalation.handling_step_label(step escalation.handling_step) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN CASE step WHEN 'sign' THEN '签收' WHEN 'dispatch' THEN '下发' WHEN 'feedback' THEN '反馈' WHEN 'review' THEN '审核' END;
COMMENT ON FUNCTION escalation.handling_step_label(escalation.handling_step) IS
	'Chinese label of a handling step. 处置环节名称';

CREATE FUNCTION escalation.handling_timer_label(timer escalation.handling_timer) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN CASE timer WHEN 'sign' THEN '签收时限' WHEN 'reply' THEN '反馈时限' END;
COMMENT ON FUNCTION escalation.handling_timer_label(escalation.handling_timer) IS
	'Chinese label of a handling timer. 处置时限名称';

CREATE VIEW escalation.warning_handling WITH (security_invoker = true) AS
	SELECT w.id AS warning_id,
		CASE h.last_step
			WHEN 'sign' THEN 'signed' WHEN 'dispatch' THEN 'dispatched' WHEN 'feedback' THEN 'answered'
			WHEN 'review' THEN CASE WHEN h.last_accepted THEN 'closed' ELSE 'returned' END
			ELSE 'raised' END::escalation.handling_state AS state,
		a.department_id AS addressee_department_id,
		h.signed_at, h.signed_by, h.dispatched_at, h.reply_due_at, h.replied_at, h.reviewed_at, h.accepted,
		h.dispatched_to, a.basis AS addressee_basis,
		escalation.stage_due_at(w.raised_at, escalation.handling_within('sign')) AS sign_due_at,
		-- Overdue: not signed in time (while the warning is active), or not answered by the reply deadline.
		coalesce(h.signed_at, CASE WHEN w.resolved_at IS NULL THEN now() END)
			> escalation.stage_due_at(w.raised_at, escalation.handling_within('sign')) AS sign_overdue,
		coalesce(h.last_step = 'dispatch' OR (h.last_step = 'review' AND NOT h.last_accepted), false) AS awaiting_reply,
		coalesce((h.last_step = 'dispatch' OR (h.last_step = 'review' AND NOT h.last_accepted)) AND now() > h.reply_due_at,
				 false) AS reply_overdue
	FROM escalation.warning w
	LEFT JOIN escalation.warning_addressee a ON a.warning_id = w.id
	LEFT JOIN LATERAL (
		SELECT (array_agg(s.step ORDER BY s.id DESC))[1] AS last_step,
			(array_agg(s.accepted ORDER BY s.id DESC))[1] AS last_accepted,
			min(s.done_at) FILTER (WHERE s.step = 'sign') AS signed_at,
			min(s.done_by) FILTER (WHERE s.step = 'sign') AS signed_by,
			max(s.done_at) FILTER (WHERE s.step = 'dispatch') AS dispatched_at,
			(array_agg(s.department_id ORDER BY s.id DESC) FILTER (WHERE s.step = 'dispatch'))[1] AS dispatched_to,
			(array_agg(s.reply_by ORDER BY s.id DESC) FILTER (WHERE s.reply_by IS NOT NULL))[1] AS reply_due_at,
			max(s.done_at) FILTER (WHERE s.step = 'feedback') AS replied_at,
			max(s.done_at) FILTER (WHERE s.step = 'review') AS reviewed_at,
			(array_agg(s.accepted ORDER BY s.id DESC) FILTER (WHERE s.step = 'review'))[1] AS accepted
		FROM escalation.warning_step s WHERE s.warning_id = w.id
	) h ON true;
COMMENT ON VIEW escalation.warning_handling IS
	'Where the handling of each warning stands (预警处置状态): state raised, signed, dispatched, answered, returned or closed, the addressee, the latest time of each step, the reply deadline and whether a timer is overdue. 预警处置状态';
COMMENT ON COLUMN escalation.warning_handling.warning_id IS 'The warning. 预警编号';
COMMENT ON COLUMN escalation.warning_handling.state IS 'raised 未签收, signed 已签收, dispatched 已下发, answered 已反馈, returned 已退回, closed 已办结. 处置状态';
COMMENT ON COLUMN escalation.warning_handling.addressee_department_id IS 'The addressee decided at raising; NULL when none was found. 承办部门';
COMMENT ON COLUMN escalation.warning_handling.signed_at IS 'When the command centre signed it. 签收时间';
COMMENT ON COLUMN escalation.warning_handling.signed_by IS 'Role that signed it. 签收人';
COMMENT ON COLUMN escalation.warning_handling.dispatched_at IS 'When it was (last) dispatched. 下发时间';
COMMENT ON COLUMN escalation.warning_handling.reply_due_at IS 'The reply deadline in force (of the dispatch, or of the latest return). 反馈期限';
COMMENT ON COLUMN escalation.warning_handling.replied_at IS 'When the latest feedback came. 反馈时间';
COMMENT ON COLUMN escalation.warning_handling.reviewed_at IS 'When the latest review was made. 审核时间';
COMMENT ON COLUMN escalation.warning_handling.accepted IS 'The latest review: true 办结, false 退回. 审核结果';
COMMENT ON COLUMN escalation.warning_handling.dispatched_to IS 'The department it was dispatched to. 下发部门';
COMMENT ON COLUMN escalation.warning_handling.addressee_basis IS 'How the addressee was found (finder, receiver, supervision, territorial, none). 承办部门确定依据';
COMMENT ON COLUMN escalation.warning_handling.sign_due_at IS 'When it must be signed by (raising plus the sign timer). 签收期限';
COMMENT ON COLUMN escalation.warning_handling.sign_overdue IS 'Signed late, or still unsigned past the sign deadline while active. 签收超时';
COMMENT ON COLUMN escalation.warning_handling.awaiting_reply IS 'Dispatched or returned, waiting for the addressee''s feedback. 待反馈';
COMMENT ON COLUMN escalation.warning_handling.reply_overdue IS 'Waiting for feedback past the reply deadline. 反馈超时';

------------------------------------------------------------------------------
-- The step functions (处置环节)
------------------------------------------------------------------------------

-- The warning a step is asked for, locked, as far as the caller may see it.
CREATE FUNCTION escalation_internal.handling_warning(warning_id bigint, fn text) RETURNS escalation.warning
LANGUAGE plpgsql SET search_path = pg_catalog, escalation, pg_temp AS
$$
DECLARE
	w escalation.warning;
BEGIN
	IF warning_id IS NULL THEN
		RAISE EXCEPTION 'warning_id must not be null'
			USING ERRCODE = 'null_value_not_allowed', DETAIL = format('escalation.%s() needs the id of a warning.', fn);
	END IF;
	-- Every writer of events takes the stream's lock first; it also orders the steps of one warning.
	PERFORM escalation.lock_event_stream();
	SELECT * INTO w FROM escalation.warning x WHERE x.id = handling_warning.warning_id FOR UPDATE;
	IF NOT FOUND OR NOT escalation.caller_sees_region(w.region) THEN
		RAISE EXCEPTION 'warning % does not exist', warning_id
			USING ERRCODE = 'no_data_found',
				  DETAIL = format('No warning with this id is visible to role "%s".', escalation.acting_role());
	END IF;
	RETURN w;
END
$$;
COMMENT ON FUNCTION escalation_internal.handling_warning(bigint, text) IS
	'The warning a handling step names, locked under the event stream''s lock; no_data_found unless the caller may see it. 取待处置预警';

-- Only the command centre of the warning's screen signs, dispatches and reviews.
CREATE FUNCTION escalation_internal.handling_require_centre(w escalation.warning, action text) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, escalation, pg_temp AS
$$
DECLARE
	who name := escalation.acting_role();
BEGIN
	IF EXISTS (SELECT 1 FROM pg_catalog.pg_roles r WHERE r.rolname = who AND r.rolsuper) THEN
		RETURN;
	END IF;
	IF NOT (pg_catalog.pg_has_role(who, 'escalation_command_centre', 'USAGE')
			AND escalation.current_region() IS NOT DISTINCT FROM w.screen_region) THEN
		RAISE EXCEPTION 'role "%" cannot % warning %: it shows on the % of %', who, action, w.id,
				escalation.screen_label(w.screen),
				coalesce((SELECT d.name FROM escalation.division d WHERE d.code = w.screen_region), w.screen_region::text)
			USING ERRCODE = 'insufficient_privilege',
				  HINT = format('Warnings are handled by the command centre (应急指挥中心) of their screen: a member of escalation_command_centre mapped to region %s in escalation.user_region.', w.screen_region);
	END IF;
END
$$;
COMMENT ON FUNCTION escalation_internal.handling_require_centre(escalation.warning, text) IS
	'Raises insufficient_privilege naming the warning and its screen unless the caller is the command centre of that screen (a member of escalation_command_centre mapped to the screen''s region). 校验指挥中心';

-- A step refused because the warning is not in a state that allows it.
CREATE FUNCTION escalation_internal.handling_refuse(w escalation.warning, action text, hint text) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, escalation, pg_temp AS
$$
DECLARE
	st escalation.handling_state := (SELECT h.state FROM escalation.warning_handling h WHERE h.warning_id = w.id);
BEGIN
	RAISE EXCEPTION 'warning % cannot be %: it is %', w.id, action, st
		USING ERRCODE = 'object_not_in_prerequisite_state',
			  DETAIL = format('Its handling state is %s (%s).', st, escalation.handling_state_label(st)),
			  HINT = hint;
END
$$;
COMMENT ON FUNCTION escalation_internal.handling_refuse(escalation.warning, text, text) IS
	'Raises object_not_in_prerequisite_state naming the warning and its handling state. 处置环节校验';

-- Record a step and tell the screens.
CREATE FUNCTION escalation_internal.handling_record(w escalation.warning, step escalation.handling_step,
	department_id bigint, reply_by timestamptz, accepted boolean, note text, event_id bigint DEFAULT NULL)
RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, escalation, pg_temp AS
$$
DECLARE
	id bigint := coalesce(event_id, nextval('escalation.warning_event_seq'));
BEGIN
	INSERT INTO escalation.warning_step (id, warning_id, step, done_at, done_by, department_id, reply_by, accepted, note, region)
	VALUES (id, w.id, step, now(), escalation.acting_role(), department_id, reply_by, accepted, nullif(btrim(note), ''), w.region);
	PERFORM pg_catalog.pg_notify('escalation_warning', id || '-' || id);
	RETURN id;
END
$$;
COMMENT ON FUNCTION escalation_internal.handling_record(escalation.warning, escalation.handling_step, bigint, timestamptz, boolean, text, bigint) IS
	'Writes one handling step and sends its event''s NOTIFY; returns the event id. 记录处置环节';

CREATE FUNCTION escalation.warning_sign(warning_id bigint, note text DEFAULT NULL) RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, escalation, pg_temp AS
$$
DECLARE
	w escalation.warning := escalation_internal.handling_warning(warning_id, 'warning_sign');
	ev bigint;
BEGIN
	PERFORM escalation_internal.handling_require_centre(w, 'sign');
	IF w.resolved_at IS NOT NULL THEN
		RAISE EXCEPTION 'warning % is already resolved', w.id
			USING ERRCODE = 'object_not_in_prerequisite_state',
				  DETAIL = format('It was resolved at %s (%s); only active warnings can be signed.', w.resolved_at, w.resolved_reason);
	END IF;
	IF w.acknowledged_at IS NOT NULL THEN
		RAISE EXCEPTION 'warning % is already signed', w.id
			USING ERRCODE = 'object_not_in_prerequisite_state',
				  DETAIL = format('Role "%s" signed it at %s.', w.acknowledged_by, w.acknowledged_at);
	END IF;
	UPDATE escalation.warning x
	SET acknowledged_at = now(), acknowledged_by = escalation.acting_role(), ack_note = nullif(btrim(note), ''),
		ack_seq = nextval('escalation.warning_event_seq')
	WHERE x.id = w.id
	RETURNING x.ack_seq INTO ev;
	RETURN escalation_internal.handling_record(w, 'sign', NULL, NULL, NULL, note, ev);
END
$$;
COMMENT ON FUNCTION escalation.warning_sign(bigint, text) IS
	'签收: the command centre of the warning''s screen signs an active warning, with a note; the screens show it as acknowledged. Returns the event id. 预警签收';

CREATE FUNCTION escalation.warning_dispatch(warning_id bigint, department_id bigint DEFAULT NULL,
	reply_by timestamptz DEFAULT NULL, note text DEFAULT NULL) RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, escalation, pg_temp AS
$$
DECLARE
	w escalation.warning := escalation_internal.handling_warning(warning_id, 'warning_dispatch');
	h escalation.warning_handling;
	target bigint;
	due timestamptz;
BEGIN
	PERFORM escalation_internal.handling_require_centre(w, 'dispatch');
	SELECT * INTO h FROM escalation.warning_handling x WHERE x.warning_id = w.id;
	IF h.state <> 'signed' THEN
		PERFORM escalation_internal.handling_refuse(w, 'dispatched',
			CASE WHEN h.state = 'raised' THEN 'Sign it first with escalation.warning_sign().'
				 ELSE 'A warning is dispatched once, after it is signed.' END);
	END IF;
	target := coalesce(warning_dispatch.department_id, h.addressee_department_id);
	IF target IS NULL THEN
		RAISE EXCEPTION 'warning % has no addressee', w.id
			USING ERRCODE = 'invalid_parameter_value',
				  DETAIL = 'The responsibility database names no department that answers for its item.',
				  HINT = 'Name the department to dispatch it to, and fill the gap in the responsibility database.';
	END IF;
	IF NOT EXISTS (SELECT 1 FROM escalation.department d WHERE d.id = target) THEN
		RAISE EXCEPTION 'department % does not exist', target
			USING ERRCODE = 'foreign_key_violation', DETAIL = format('Warning %s cannot be dispatched to it.', w.id);
	END IF;
	due := coalesce(reply_by, escalation.stage_due_at(now(), escalation.handling_within('reply')));
	IF due <= now() THEN
		RAISE EXCEPTION 'reply deadline of warning % is not in the future: %', w.id, due
			USING ERRCODE = 'invalid_parameter_value';
	END IF;
	RETURN escalation_internal.handling_record(w, 'dispatch', target, due, NULL, note);
END
$$;
COMMENT ON FUNCTION escalation.warning_dispatch(bigint, bigint, timestamptz, text) IS
	'下发: the command centre dispatches a signed warning to a department (NULL: its addressee) with a reply deadline (NULL: now plus the reply timer). Returns the event id. 预警下发';

CREATE FUNCTION escalation.warning_feedback(warning_id bigint, note text) RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, escalation, pg_temp AS
$$
DECLARE
	w escalation.warning := escalation_internal.handling_warning(warning_id, 'warning_feedback');
	h escalation.warning_handling;
	mine bigint := (SELECT ud.department_id FROM escalation.user_department ud WHERE ud.role_name = escalation.acting_role());
BEGIN
	SELECT * INTO h FROM escalation.warning_handling x WHERE x.warning_id = w.id;
	IF h.dispatched_to IS NOT NULL AND mine IS DISTINCT FROM h.dispatched_to
	   AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles r WHERE r.rolname = escalation.acting_role() AND r.rolsuper) THEN
		RAISE EXCEPTION 'role "%" cannot answer warning %: it was dispatched to department %', escalation.acting_role(), w.id,
				escalation.department_label(h.dispatched_to)
			USING ERRCODE = 'insufficient_privilege',
				  HINT = 'Feedback is given by a role of the addressee department (escalation.user_department).';
	END IF;
	IF NOT h.awaiting_reply THEN
		PERFORM escalation_internal.handling_refuse(w, 'answered', 'Feedback answers a dispatch or a return.');
	END IF;
	IF note IS NULL OR btrim(note) = '' THEN
		RAISE EXCEPTION 'feedback on warning % must say what was done', w.id
			USING ERRCODE = 'null_value_not_allowed';
	END IF;
	RETURN escalation_internal.handling_record(w, 'feedback', h.dispatched_to, NULL, NULL, note);
END
$$;
COMMENT ON FUNCTION escalation.warning_feedback(bigint, text) IS
	'反馈: a role of the department a warning was dispatched to says what was done (with references to attachments). Returns the event id. 预警反馈';

CREATE FUNCTION escalation.warning_review(warning_id bigint, accepted boolean, note text DEFAULT NULL) RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, escalation, pg_temp AS
$$
DECLARE
	w escalation.warning := escalation_internal.handling_warning(warning_id, 'warning_review');
	h escalation.warning_handling;
BEGIN
	PERFORM escalation_internal.handling_require_centre(w, 'review');
	SELECT * INTO h FROM escalation.warning_handling x WHERE x.warning_id = w.id;
	IF h.state <> 'answered' THEN
		PERFORM escalation_internal.handling_refuse(w, 'reviewed', 'A warning is reviewed after its addressee''s feedback.');
	END IF;
	IF accepted IS NULL THEN
		RAISE EXCEPTION 'review of warning % needs a verdict', w.id
			USING ERRCODE = 'null_value_not_allowed', HINT = 'accepted: true 办结, false 退回.';
	END IF;
	IF NOT accepted AND (note IS NULL OR btrim(note) = '') THEN
		RAISE EXCEPTION 'returning warning % needs a reason', w.id
			USING ERRCODE = 'null_value_not_allowed';
	END IF;
	IF accepted AND w.resolved_at IS NULL AND (note IS NULL OR btrim(note) = '') THEN
		RAISE EXCEPTION 'warning % cannot be closed without a reason: its item is still unhandled', w.id
			USING ERRCODE = 'null_value_not_allowed',
				  HINT = 'Give the reason for closing it, e.g. 已立案.';
	END IF;
	RETURN escalation_internal.handling_record(w, 'review', NULL,
		CASE WHEN NOT accepted THEN escalation.stage_due_at(now(), escalation.handling_within('reply')) END,
		accepted, note);
END
$$;
COMMENT ON FUNCTION escalation.warning_review(bigint, boolean, text) IS
	'审核: the command centre accepts the feedback (办结; with a reason while the item is unhandled) or returns it with a reason (退回), which reopens the reply clock. Returns the event id. 预警审核';

-- The signing step under its 0.1.0 name.
CREATE FUNCTION escalation.acknowledge(warning_id bigint, note text DEFAULT NULL) RETURNS bigint
LANGUAGE sql SET search_path = pg_catalog, escalation, pg_temp
RETURN escalation.warning_sign(warning_id, note);
COMMENT ON FUNCTION escalation.acknowledge(bigint, text) IS
	'The signing step under its 0.1.0 name: escalation.warning_sign(). 预警签收';

-- The timeline of a warning (warning_timeline) is in 59_notifications.sql: it
-- shows the notifications beside the steps.

------------------------------------------------------------------------------
-- Row-level security and privileges
------------------------------------------------------------------------------

SELECT escalation.enable_region_security(t)
FROM unnest(ARRAY['escalation.warning_addressee', 'escalation.warning_step']::regclass[]) AS t;

GRANT USAGE ON SCHEMA escalation TO escalation_command_centre;
GRANT SELECT, DELETE ON escalation.user_department, escalation.handling_timer_override TO escalation_admin;
SELECT escalation_internal.grant_column_writes(t, '{escalation_admin}')
FROM unnest(ARRAY['escalation.user_department', 'escalation.handling_timer_override']::regclass[]) AS t;
GRANT SELECT ON escalation.warning_addressee, escalation.warning_step, escalation.warning_handling, escalation.handling_rule
	TO escalation_admin, escalation_user, escalation_analyst;

REVOKE ALL ON FUNCTION
	escalation.handling_within(escalation.handling_timer),
	escalation_internal.warning_addressee_of(escalation.warning), escalation_internal.warning_address(),
	escalation.handling_state_label(escalation.handling_state),
	escalation.handling_step_label(escalation.handling_step), escalation.handling_timer_label(escalation.handling_timer),
	escalation_internal.handling_warning(bigint, text),
	escalation_internal.handling_require_centre(escalation.warning, text),
	escalation_internal.handling_refuse(escalation.warning, text, text),
	escalation_internal.handling_record(escalation.warning, escalation.handling_step, bigint, timestamptz, boolean, text, bigint),
	escalation.warning_sign(bigint, text), escalation.warning_dispatch(bigint, bigint, timestamptz, text),
	escalation.warning_feedback(bigint, text), escalation.warning_review(bigint, boolean, text),
	escalation.acknowledge(bigint, text)
FROM PUBLIC;
GRANT EXECUTE ON FUNCTION escalation.handling_within(escalation.handling_timer)
TO escalation_admin, escalation_user, escalation_analyst;
GRANT EXECUTE ON FUNCTION escalation.handling_state_label(escalation.handling_state),
	escalation.handling_step_label(escalation.handling_step), escalation.handling_timer_label(escalation.handling_timer)
TO escalation_admin, escalation_user, escalation_analyst, escalation_screen;
GRANT EXECUTE ON FUNCTION
	escalation.warning_sign(bigint, text), escalation.warning_dispatch(bigint, bigint, timestamptz, text),
	escalation.warning_feedback(bigint, text), escalation.warning_review(bigint, boolean, text),
	escalation.acknowledge(bigint, text)
TO escalation_admin, escalation_user;
