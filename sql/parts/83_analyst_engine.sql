-- Analyst views of the ladders, the work list, the runs and the warnings (分析视图): escalation.<table>_analyst,
-- as 81_analyst_objects.sql explains.

CREATE VIEW escalation.rule_default_analyst WITH (security_invoker = true) AS
	SELECT t.kind,
		escalation.warning_kind_label(t.kind) AS kind_label,
		t.origin,
		escalation.level_label(t.origin) AS origin_label,
		t.stage,
		t.delay,
		t.screen,
		escalation.level_label(t.screen) AS screen_label,
		t.action,
		escalation.warning_action_label(t.action) AS action_label
	FROM escalation.rule_default t;
COMMENT ON VIEW escalation.rule_default_analyst IS
	'What an analyst may read of escalation.rule_default, for BI tools: its permitted columns, region and uscc codes as text, enum columns with their Chinese labels. 默认预警规则（分析视图）';
COMMENT ON COLUMN escalation.rule_default_analyst.kind IS 'Kind of warning. 预警类型';
COMMENT ON COLUMN escalation.rule_default_analyst.kind_label IS 'kind in Chinese (escalation.warning_kind_label). 预警类型（中文）';
COMMENT ON COLUMN escalation.rule_default_analyst.origin IS 'Origin of the item: city, or district (which covers street origin). 事项来源层级';
COMMENT ON COLUMN escalation.rule_default_analyst.origin_label IS 'origin in Chinese (escalation.level_label). 事项来源层级（中文）';
COMMENT ON COLUMN escalation.rule_default_analyst.stage IS 'Stage number, 1 to n. 预警级次';
COMMENT ON COLUMN escalation.rule_default_analyst.delay IS 'Time from the previous stage (stage 1: from the item''s start). 间隔时间';
COMMENT ON COLUMN escalation.rule_default_analyst.screen IS 'Screen the stage shows on: district or city. 预警大屏层级';
COMMENT ON COLUMN escalation.rule_default_analyst.screen_label IS 'screen in Chinese (escalation.level_label). 预警大屏层级（中文）';
COMMENT ON COLUMN escalation.rule_default_analyst.action IS 'Action of that level''s office. 处置动作';
COMMENT ON COLUMN escalation.rule_default_analyst.action_label IS 'action in Chinese (escalation.warning_action_label). 处置动作（中文）';

CREATE VIEW escalation.rule_override_analyst WITH (security_invoker = true) AS
	SELECT t.kind,
		escalation.warning_kind_label(t.kind) AS kind_label,
		t.origin,
		escalation.level_label(t.origin) AS origin_label,
		t.stage,
		t.delay,
		t.screen,
		escalation.level_label(t.screen) AS screen_label,
		t.action,
		escalation.warning_action_label(t.action) AS action_label,
		t.removed,
		t.changed_at,
		t.changed_by
	FROM escalation.rule_override t;
COMMENT ON VIEW escalation.rule_override_analyst IS
	'What an analyst may read of escalation.rule_override, for BI tools: its permitted columns, region and uscc codes as text, enum columns with their Chinese labels. 预警规则调整记录（分析视图）';
COMMENT ON COLUMN escalation.rule_override_analyst.kind IS 'Kind of warning. 预警类型';
COMMENT ON COLUMN escalation.rule_override_analyst.kind_label IS 'kind in Chinese (escalation.warning_kind_label). 预警类型（中文）';
COMMENT ON COLUMN escalation.rule_override_analyst.origin IS 'Origin of the item: city or district. 事项来源层级';
COMMENT ON COLUMN escalation.rule_override_analyst.origin_label IS 'origin in Chinese (escalation.level_label). 事项来源层级（中文）';
COMMENT ON COLUMN escalation.rule_override_analyst.stage IS 'Stage number, 1 to 9. 预警级次';
COMMENT ON COLUMN escalation.rule_override_analyst.delay IS 'Time from the previous stage (stage 1: from the item''s start); NULL when removed. 间隔时间';
COMMENT ON COLUMN escalation.rule_override_analyst.screen IS 'Screen the stage shows on; NULL when removed. 预警大屏层级';
COMMENT ON COLUMN escalation.rule_override_analyst.screen_label IS 'screen in Chinese (escalation.level_label). 预警大屏层级（中文）';
COMMENT ON COLUMN escalation.rule_override_analyst.action IS 'Action of that level''s office; NULL when removed. 处置动作';
COMMENT ON COLUMN escalation.rule_override_analyst.action_label IS 'action in Chinese (escalation.warning_action_label). 处置动作（中文）';
COMMENT ON COLUMN escalation.rule_override_analyst.removed IS 'The shipped stage with this key is deleted. 已删除';
COMMENT ON COLUMN escalation.rule_override_analyst.changed_at IS 'When the change was made. 调整时间';
COMMENT ON COLUMN escalation.rule_override_analyst.changed_by IS 'Role that made the change. 调整人';

CREATE VIEW escalation.run_log_analyst WITH (security_invoker = true) AS
	SELECT t.run_id,
		t.as_of,
		t.started_at,
		t.finished_at,
		t.items,
		t.raised,
		t.resolved,
		t.status,
		t.message,
		t.sqlstate,
		t.username,
		t.pid
	FROM escalation.run_log t;
COMMENT ON VIEW escalation.run_log_analyst IS
	'What an analyst may read of escalation.run_log, for BI tools: its permitted columns, region and uscc codes as text, enum columns with their Chinese labels. 运行记录（分析视图）';
COMMENT ON COLUMN escalation.run_log_analyst.run_id IS 'Run id. 运行编号';
COMMENT ON COLUMN escalation.run_log_analyst.as_of IS 'The time the run escalated to. 计算截止时间';
COMMENT ON COLUMN escalation.run_log_analyst.started_at IS 'When the run started. 开始时间';
COMMENT ON COLUMN escalation.run_log_analyst.finished_at IS 'When it finished. 结束时间';
COMMENT ON COLUMN escalation.run_log_analyst.items IS 'Work the run looked at: items with something of their own due (handled, withdrawn, moved start), and stages due. 处理事项数';
COMMENT ON COLUMN escalation.run_log_analyst.raised IS 'Warnings raised. 新发预警数';
COMMENT ON COLUMN escalation.run_log_analyst.resolved IS 'Warnings resolved. 解除预警数';
COMMENT ON COLUMN escalation.run_log_analyst.status IS 'succeeded, or failed (nothing of the run was kept). 运行状态';
COMMENT ON COLUMN escalation.run_log_analyst.message IS 'Error message of a failed run. 错误信息';
COMMENT ON COLUMN escalation.run_log_analyst.sqlstate IS 'SQLSTATE of the error of a failed run. 错误代码';
COMMENT ON COLUMN escalation.run_log_analyst.username IS 'Role that ran it (the job''s role under pg_cron). 运行角色';
COMMENT ON COLUMN escalation.run_log_analyst.pid IS 'Backend process id. 进程号';

CREATE VIEW escalation.stage_due_analyst WITH (security_invoker = true) AS
	SELECT t.kind,
		escalation.warning_kind_label(t.kind) AS kind_label,
		t.subject_id,
		t.started_at,
		t.stage,
		t.due_at,
		t.fires_until,
		t.origin,
		escalation.level_label(t.origin) AS origin_label,
		t.unit_id,
		t.department_id,
		t.region::text AS region,
		t.district::text AS district,
		t.city::text AS city
	FROM escalation.stage_due t;
COMMENT ON VIEW escalation.stage_due_analyst IS
	'What an analyst may read of escalation.stage_due, for BI tools: its permitted columns, region and uscc codes as text, enum columns with their Chinese labels. 预警级次排程（分析视图）';
COMMENT ON COLUMN escalation.stage_due_analyst.kind IS 'Kind of warning. 预警类型';
COMMENT ON COLUMN escalation.stage_due_analyst.kind_label IS 'kind in Chinese (escalation.warning_kind_label). 预警类型（中文）';
COMMENT ON COLUMN escalation.stage_due_analyst.subject_id IS 'The item''s id (unit id for dual prevention). 事项编号';
COMMENT ON COLUMN escalation.stage_due_analyst.started_at IS 'Start of the episode the stage belongs to. 本轮起算时间';
COMMENT ON COLUMN escalation.stage_due_analyst.stage IS 'Stage number. 预警级次';
COMMENT ON COLUMN escalation.stage_due_analyst.due_at IS 'When the stage falls due: the start plus the delays of the ladder up to it. 应预警时间';
COMMENT ON COLUMN escalation.stage_due_analyst.fires_until IS 'The item''s handling or withdrawal, whichever comes first: the stage fires only if it falls due before then; NULL if neither is known. 有效截止时间';
COMMENT ON COLUMN escalation.stage_due_analyst.origin IS 'Which ladder of the kind the item climbs. 事项来源层级';
COMMENT ON COLUMN escalation.stage_due_analyst.origin_label IS 'origin in Chinese (escalation.level_label). 事项来源层级（中文）';
COMMENT ON COLUMN escalation.stage_due_analyst.unit_id IS 'The unit, if any. 生产经营单位';
COMMENT ON COLUMN escalation.stage_due_analyst.department_id IS 'The finding or transferring department, if any. 发现/移交部门';
COMMENT ON COLUMN escalation.stage_due_analyst.region IS 'The item''s region. 所属区划';
COMMENT ON COLUMN escalation.stage_due_analyst.district IS 'Its district: the screen of district stages. 所属区县';
COMMENT ON COLUMN escalation.stage_due_analyst.city IS 'Its city: the screen of city stages. 所属城市';

CREATE VIEW escalation.tracked_item_analyst WITH (security_invoker = true) AS
	SELECT t.kind,
		escalation.warning_kind_label(t.kind) AS kind_label,
		t.subject_id,
		t.started_at,
		t.start_set_at,
		t.handled_at,
		t.withdrawn_at,
		t.superseded_at,
		t.next_due_at,
		t.unit_id,
		t.department_id,
		t.origin,
		escalation.level_label(t.origin) AS origin_label,
		t.handled_reason,
		escalation.warning_resolution_label(t.handled_reason) AS handled_reason_label,
		t.region::text AS region,
		t.district::text AS district,
		t.city::text AS city
	FROM escalation.tracked_item t;
COMMENT ON VIEW escalation.tracked_item_analyst IS
	'What an analyst may read of escalation.tracked_item, for BI tools: its permitted columns, region and uscc codes as text, enum columns with their Chinese labels. 预警事项跟踪（分析视图）';
COMMENT ON COLUMN escalation.tracked_item_analyst.kind IS 'Kind of warning. 预警类型';
COMMENT ON COLUMN escalation.tracked_item_analyst.kind_label IS 'kind in Chinese (escalation.warning_kind_label). 预警类型（中文）';
COMMENT ON COLUMN escalation.tracked_item_analyst.subject_id IS 'The item''s id (unit id for dual prevention). 事项编号';
COMMENT ON COLUMN escalation.tracked_item_analyst.started_at IS 'Start of the current episode of the ladder. 本轮起算时间';
COMMENT ON COLUMN escalation.tracked_item_analyst.start_set_at IS 'When the source data says its start was last set (a deadline extension), if it says. 起算时间设定时间';
COMMENT ON COLUMN escalation.tracked_item_analyst.handled_at IS 'When the current episode was handled, if it was. 处理时间';
COMMENT ON COLUMN escalation.tracked_item_analyst.withdrawn_at IS 'When the item stopped qualifying (deleted, regraded, ...), if it did. 撤销时间';
COMMENT ON COLUMN escalation.tracked_item_analyst.superseded_at IS 'When the start moved while warnings of the old start were active; they are resolved as rescheduled then. 起算时间变更时间';
COMMENT ON COLUMN escalation.tracked_item_analyst.next_due_at IS 'When a run must next deal with the item itself: its handling (to resolve its warnings, or to start the next idle episode of dual prevention), its withdrawal or its moved start; NULL when nothing but its stages can happen until its data changes. 下次处理时间';
COMMENT ON COLUMN escalation.tracked_item_analyst.unit_id IS 'The unit, if any. 生产经营单位';
COMMENT ON COLUMN escalation.tracked_item_analyst.department_id IS 'The finding or transferring department, if any. 发现/移交部门';
COMMENT ON COLUMN escalation.tracked_item_analyst.origin IS 'Which ladder of the kind the item climbs. 事项来源层级';
COMMENT ON COLUMN escalation.tracked_item_analyst.origin_label IS 'origin in Chinese (escalation.level_label). 事项来源层级（中文）';
COMMENT ON COLUMN escalation.tracked_item_analyst.handled_reason IS 'How it is handled. 处理方式';
COMMENT ON COLUMN escalation.tracked_item_analyst.handled_reason_label IS 'handled_reason in Chinese (escalation.warning_resolution_label). 处理方式（中文）';
COMMENT ON COLUMN escalation.tracked_item_analyst.region IS 'The item''s region. 所属区划';
COMMENT ON COLUMN escalation.tracked_item_analyst.district IS 'Its district: the screen of district stages. 所属区县';
COMMENT ON COLUMN escalation.tracked_item_analyst.city IS 'Its city: the screen of city stages. 所属城市';

CREATE VIEW escalation.warning_analyst WITH (security_invoker = true) AS
	SELECT t.id,
		t.kind,
		escalation.warning_kind_label(t.kind) AS kind_label,
		t.subject_id,
		t.stage,
		t.origin,
		escalation.level_label(t.origin) AS origin_label,
		t.screen,
		escalation.level_label(t.screen) AS screen_label,
		t.screen_region::text AS screen_region,
		t.action,
		escalation.warning_action_label(t.action) AS action_label,
		t.started_at,
		t.due_at,
		t.raised_at,
		t.resolved_at,
		t.resolved_reason,
		escalation.warning_resolution_label(t.resolved_reason) AS resolved_reason_label,
		t.resolved_seq,
		t.acknowledged_at,
		t.acknowledged_by,
		t.ack_note,
		t.ack_seq,
		t.region::text AS region,
		t.district::text AS district,
		t.unit_id,
		t.department_id
	FROM escalation.warning t;
COMMENT ON VIEW escalation.warning_analyst IS
	'What an analyst may read of escalation.warning, for BI tools: its permitted columns, region and uscc codes as text, enum columns with their Chinese labels. 预警（分析视图）';
COMMENT ON COLUMN escalation.warning_analyst.id IS 'Warning id, also the event id of its raising (increasing). 预警编号';
COMMENT ON COLUMN escalation.warning_analyst.kind IS 'Kind of warning. 预警类型';
COMMENT ON COLUMN escalation.warning_analyst.kind_label IS 'kind in Chinese (escalation.warning_kind_label). 预警类型（中文）';
COMMENT ON COLUMN escalation.warning_analyst.subject_id IS 'The item: hazard, clue or licence id, or the unit id for dual prevention. 预警事项编号';
COMMENT ON COLUMN escalation.warning_analyst.stage IS 'Stage of the ladder, 1..n. 预警级次';
COMMENT ON COLUMN escalation.warning_analyst.origin IS 'Origin of the item: city or district (district covers street). 事项来源层级';
COMMENT ON COLUMN escalation.warning_analyst.origin_label IS 'origin in Chinese (escalation.level_label). 事项来源层级（中文）';
COMMENT ON COLUMN escalation.warning_analyst.screen IS 'Screen it shows on: district or city. 预警大屏层级';
COMMENT ON COLUMN escalation.warning_analyst.screen_label IS 'screen in Chinese (escalation.level_label). 预警大屏层级（中文）';
COMMENT ON COLUMN escalation.warning_analyst.screen_region IS 'District code for a district screen, city code for the city screen. 预警大屏区划';
COMMENT ON COLUMN escalation.warning_analyst.action IS 'Action of the screen''s office: confirm, supervise, circulate. 处置动作';
COMMENT ON COLUMN escalation.warning_analyst.action_label IS 'action in Chinese (escalation.warning_action_label). 处置动作（中文）';
COMMENT ON COLUMN escalation.warning_analyst.started_at IS 'Start of the item''s ladder (deadline, discovery, transfer, expiry, last normal run); identifies the episode. 起算时间';
COMMENT ON COLUMN escalation.warning_analyst.due_at IS 'When the stage fell due. 应预警时间';
COMMENT ON COLUMN escalation.warning_analyst.raised_at IS 'When the run raised it (later than due_at after an outage). 预警发出时间';
COMMENT ON COLUMN escalation.warning_analyst.resolved_at IS 'When the item was handled (or rescheduled, withdrawn); NULL while active. 解除时间';
COMMENT ON COLUMN escalation.warning_analyst.resolved_reason IS 'Why it was resolved. 解除原因';
COMMENT ON COLUMN escalation.warning_analyst.resolved_reason_label IS 'resolved_reason in Chinese (escalation.warning_resolution_label). 解除原因（中文）';
COMMENT ON COLUMN escalation.warning_analyst.resolved_seq IS 'Event id of the resolution. 解除事件序号';
COMMENT ON COLUMN escalation.warning_analyst.acknowledged_at IS 'When the command centre acknowledged it (§21). 签收时间';
COMMENT ON COLUMN escalation.warning_analyst.acknowledged_by IS 'Role that acknowledged it. 签收人';
COMMENT ON COLUMN escalation.warning_analyst.ack_note IS 'Handling note given with the acknowledgement. 处置说明';
COMMENT ON COLUMN escalation.warning_analyst.ack_seq IS 'Event id of the acknowledgement. 签收事件序号';
COMMENT ON COLUMN escalation.warning_analyst.region IS 'Region of the item (its unit''s, else its originating department''s), for row-level security. 所属区划';
COMMENT ON COLUMN escalation.warning_analyst.district IS 'District of the item; a district screen also keeps its items that escalated to the city. 所属区县';
COMMENT ON COLUMN escalation.warning_analyst.unit_id IS 'The unit concerned, if any. 生产经营单位';
COMMENT ON COLUMN escalation.warning_analyst.department_id IS 'The department that found or transferred the item, if any (for the scorecard). 发现/移交部门';

CREATE VIEW escalation.warning_addressee_analyst WITH (security_invoker = true) AS
	SELECT t.warning_id,
		t.department_id,
		t.supervisor_id,
		t.basis,
		t.region::text AS region,
		t.decided_at
	FROM escalation.warning_addressee t;
COMMENT ON VIEW escalation.warning_addressee_analyst IS
	'What an analyst may read of escalation.warning_addressee, for BI tools: its permitted columns, region and uscc codes as text, enum columns with their Chinese labels. 预警承办部门（分析视图）';

CREATE VIEW escalation.warning_step_analyst WITH (security_invoker = true) AS
	SELECT t.id,
		t.warning_id,
		t.step,
		escalation.handling_step_label(t.step) AS step_label,
		t.done_at,
		t.done_by,
		t.department_id,
		t.reply_by,
		t.accepted,
		t.note,
		t.region::text AS region
	FROM escalation.warning_step t;
COMMENT ON VIEW escalation.warning_step_analyst IS
	'What an analyst may read of escalation.warning_step, for BI tools: its permitted columns, region and uscc codes as text, enum columns with their Chinese labels. 预警处置记录（分析视图）';
COMMENT ON COLUMN escalation.warning_step_analyst.step_label IS 'step in Chinese (escalation.handling_step_label). 处置环节（中文）';

-- The columns keep their tables' comments.
DO $comments$
DECLARE
	a record;
BEGIN
	FOR a IN
		SELECT v.relname AS view, t.attname, pg_catalog.col_description(t.attrelid, t.attnum) AS note
		FROM (VALUES ('warning_addressee'), ('warning_step')) x (tbl)
		JOIN pg_catalog.pg_class v ON v.relname = x.tbl || '_analyst' AND v.relnamespace = 'escalation'::regnamespace
		JOIN pg_catalog.pg_attribute t ON t.attrelid = ('escalation.' || x.tbl)::regclass AND t.attnum > 0 AND NOT t.attisdropped
	LOOP
		EXECUTE format('COMMENT ON COLUMN escalation.%I.%I IS %L', a.view, a.attname, a.note);
	END LOOP;
END
$comments$;

GRANT SELECT ON
	escalation.rule_default_analyst,
	escalation.rule_override_analyst,
	escalation.run_log_analyst,
	escalation.stage_due_analyst,
	escalation.tracked_item_analyst,
	escalation.warning_analyst,
	escalation.warning_addressee_analyst,
	escalation.warning_step_analyst
TO escalation_admin, escalation_analyst;

-- The ladders' limits and the extensions of hazards' deadlines (47_hazard_extensions.sql, 52_rules.sql).
CREATE VIEW escalation.hazard_extension_analyst WITH (security_invoker = true) AS
	SELECT t.id,
		t.hazard_id,
		t.unit_id,
		t.requested_at,
		t.requested_by,
		t.requested_deadline,
		t.reason,
		t.deadline_then,
		t.decided_at,
		t.decided_by,
		t.approved,
		t.decision_note,
		t.granted_deadline,
		t.after_warning,
		t.ladder_start,
		t.recorded_at,
		t.recorded_by,
		t.region::text AS region
	FROM escalation.hazard_extension t;
COMMENT ON VIEW escalation.hazard_extension_analyst IS
	'What an analyst may read of escalation.hazard_extension, for BI tools: its permitted columns, region and uscc codes as text, enum columns with their Chinese labels. 隐患延期申请与审批（分析视图）';
COMMENT ON COLUMN escalation.hazard_extension_analyst.id IS 'Request id. 申请编号';
COMMENT ON COLUMN escalation.hazard_extension_analyst.hazard_id IS 'The hazard. 隐患';
COMMENT ON COLUMN escalation.hazard_extension_analyst.unit_id IS 'Its unit. 隐患单位';
COMMENT ON COLUMN escalation.hazard_extension_analyst.requested_at IS 'When it was asked for; before the deadline then in force. 申请时间';
COMMENT ON COLUMN escalation.hazard_extension_analyst.requested_by IS 'Who asked (the unit''s person or the inspector); NULL when the granting department extended in time on its own inspection. 申请人';
COMMENT ON COLUMN escalation.hazard_extension_analyst.requested_deadline IS 'The deadline asked for. 申请延期至';
COMMENT ON COLUMN escalation.hazard_extension_analyst.reason IS 'Why the unit needs more time. 申请理由';
COMMENT ON COLUMN escalation.hazard_extension_analyst.deadline_then IS 'The deadline in force when it was asked for. 原整改期限';
COMMENT ON COLUMN escalation.hazard_extension_analyst.decided_at IS 'When it was granted or refused; NULL while pending. 审批时间';
COMMENT ON COLUMN escalation.hazard_extension_analyst.decided_by IS 'Department that granted or refused it. 审批部门';
COMMENT ON COLUMN escalation.hazard_extension_analyst.approved IS 'Granted (true) or refused (false). 是否批准';
COMMENT ON COLUMN escalation.hazard_extension_analyst.decision_note IS 'The reason of the grant or refusal. 审批意见';
COMMENT ON COLUMN escalation.hazard_extension_analyst.granted_deadline IS 'The deadline granted (at most the one asked for). 批准延期至';
COMMENT ON COLUMN escalation.hazard_extension_analyst.after_warning IS 'Granted after a stage of the overdue ladder fell due: the warnings stay and the ladder keeps its start. 预警后延期';
COMMENT ON COLUMN escalation.hazard_extension_analyst.ladder_start IS 'Start of the overdue ladder after the grant: the granted deadline, or the old start for a grant after a warning. 延期后预警起算时间';
COMMENT ON COLUMN escalation.hazard_extension_analyst.recorded_at IS 'When it was recorded. 记录时间';
COMMENT ON COLUMN escalation.hazard_extension_analyst.recorded_by IS 'Role that recorded it. 记录人';
COMMENT ON COLUMN escalation.hazard_extension_analyst.region IS 'Region of the unit (kept by trigger, for row-level security). 所属区划';

CREATE VIEW escalation.rule_limit_default_analyst WITH (security_invoker = true) AS
	SELECT t.name,
		t.amount,
		t.span,
		t.description
	FROM escalation.rule_limit_default t;
COMMENT ON VIEW escalation.rule_limit_default_analyst IS
	'What an analyst may read of escalation.rule_limit_default, for BI tools: its permitted columns, region and uscc codes as text, enum columns with their Chinese labels. 默认预警规则限值（分析视图）';
COMMENT ON COLUMN escalation.rule_limit_default_analyst.name IS 'Name of the limit. 限值名称';
COMMENT ON COLUMN escalation.rule_limit_default_analyst.amount IS 'A count or a share, for limits that are numbers. 数量/比例';
COMMENT ON COLUMN escalation.rule_limit_default_analyst.span IS 'A length of time (days of 24 hours), for limits that are durations. 时长';
COMMENT ON COLUMN escalation.rule_limit_default_analyst.description IS 'What the limit governs. 说明';

CREATE VIEW escalation.rule_limit_override_analyst WITH (security_invoker = true) AS
	SELECT t.name,
		t.amount,
		t.span,
		t.changed_at,
		t.changed_by
	FROM escalation.rule_limit_override t;
COMMENT ON VIEW escalation.rule_limit_override_analyst IS
	'What an analyst may read of escalation.rule_limit_override, for BI tools: its permitted columns, region and uscc codes as text, enum columns with their Chinese labels. 预警规则限值调整记录（分析视图）';
COMMENT ON COLUMN escalation.rule_limit_override_analyst.name IS 'Name of the limit (one of rule_limit_default). 限值名称';
COMMENT ON COLUMN escalation.rule_limit_override_analyst.amount IS 'The city''s count or share. 数量/比例';
COMMENT ON COLUMN escalation.rule_limit_override_analyst.span IS 'The city''s length of time. 时长';
COMMENT ON COLUMN escalation.rule_limit_override_analyst.changed_at IS 'When the change was made. 调整时间';
COMMENT ON COLUMN escalation.rule_limit_override_analyst.changed_by IS 'Role that made the change. 调整人';

GRANT SELECT ON escalation.hazard_extension_analyst, escalation.rule_limit_default_analyst, escalation.rule_limit_override_analyst
TO escalation_admin, escalation_analyst;

-- The notification channels and the outbox (59_notifications.sql): no
-- endpoint, secret, settings, address or provider answer.
CREATE VIEW escalation.notification_channel_analyst WITH (security_invoker = true) AS
	SELECT t.id,
		t.name,
		t.kind,
		escalation.notification_channel_kind_label(t.kind) AS kind_label,
		t.rate_per_minute,
		t.enabled,
		t.created_at,
		t.created_by
	FROM escalation.notification_channel t;
COMMENT ON VIEW escalation.notification_channel_analyst IS
	'What an analyst may read of escalation.notification_channel, for BI tools: its permitted columns (no endpoint, secret or settings), enum columns with their Chinese labels. 通知渠道（分析视图）';
COMMENT ON COLUMN escalation.notification_channel_analyst.kind_label IS 'kind in Chinese (escalation.notification_channel_kind_label). 渠道类型（中文）';

CREATE VIEW escalation.notification_analyst WITH (security_invoker = true) AS
	SELECT t.id,
		t.idempotency_key,
		t.channel_id,
		t.subject,
		t.body,
		t.link,
		t.warning_id,
		t.created_at,
		t.state,
		escalation.notification_state_label(t.state) AS state_label,
		t.attempts,
		t.next_attempt_at,
		t.lease_until,
		t.delivered_at,
		t.failed_at,
		t.last_error,
		t.repeats,
		t.event,
		t.step_id,
		t.person_id,
		t.recipient,
		t.claimed_by,
		t.region::text AS region
	FROM escalation.notification t;
COMMENT ON VIEW escalation.notification_analyst IS
	'What an analyst may read of escalation.notification, for BI tools: its permitted columns (no address or provider answer), region codes as text, enum columns with their Chinese labels. 预警通知（分析视图）';
COMMENT ON COLUMN escalation.notification_analyst.state_label IS 'state in Chinese (escalation.notification_state_label). 通知状态（中文）';

-- The columns keep their tables' comments.
DO $comments$
DECLARE
	a record;
BEGIN
	FOR a IN
		SELECT v.relname AS view, t.attname, pg_catalog.col_description(t.attrelid, t.attnum) AS note
		FROM (VALUES ('notification_channel'), ('notification')) x (tbl)
		JOIN pg_catalog.pg_class v ON v.relname = x.tbl || '_analyst' AND v.relnamespace = 'escalation'::regnamespace
		JOIN pg_catalog.pg_attribute t ON t.attrelid = ('escalation.' || x.tbl)::regclass AND t.attnum > 0 AND NOT t.attisdropped
		JOIN pg_catalog.pg_attribute va ON va.attrelid = v.oid AND va.attname = t.attname
	LOOP
		EXECUTE format('COMMENT ON COLUMN escalation.%I.%I IS %L', a.view, a.attname, a.note);
	END LOOP;
END
$comments$;

GRANT SELECT ON escalation.notification_channel_analyst, escalation.notification_analyst
TO escalation_admin, escalation_analyst;

-- Who was told (通知记录), with the labels of 60_screen.sql.
CREATE VIEW escalation.notification_log_analyst WITH (security_invoker = true) AS
	SELECT n.id AS notification_id, n.warning_id, w.kind, escalation.warning_kind_label(w.kind) AS kind_label, w.stage,
		n.event, CASE n.event WHEN 'raised' THEN '预警发出' WHEN 'dispatch' THEN '预警下发' ELSE '预警退回' END AS event_label,
		n.created_at AS notified_at, n.person_id, p.name AS person_name, p.department_id, d.name AS department_name,
		n.recipient,
		CASE n.recipient WHEN 'liaison' THEN '联络员' WHEN 'supervisor' THEN '监管责任人' WHEN 'in_charge' THEN '分管责任人'
			ELSE '第一责任人' END AS recipient_label,
		n.channel_id, c.name AS channel_name, c.kind AS channel_kind,
		escalation.notification_channel_kind_label(c.kind) AS channel_kind_label,
		n.state, escalation.notification_state_label(n.state) AS state_label, n.attempts, n.repeats,
		n.delivered_at, n.failed_at, n.last_error, n.region::text AS region
	FROM escalation.notification n
	JOIN escalation.warning w ON w.id = n.warning_id
	JOIN escalation.notification_channel c ON c.id = n.channel_id
	LEFT JOIN escalation.person p ON p.id = n.person_id
	LEFT JOIN escalation.department d ON d.id = p.department_id;
COMMENT ON VIEW escalation.notification_log_analyst IS
	'Who was told of which warning, when, through which channel, and whether it was delivered or failed (通知记录), without the recipients'' addresses: for analysts and BI tools, as far as the caller may see. 通知记录（分析视图）';

CREATE VIEW escalation.notification_log WITH (security_invoker = true) AS
	SELECT l.*, n.address
	FROM escalation.notification_log_analyst l
	JOIN escalation.notification n ON n.id = l.notification_id;
COMMENT ON VIEW escalation.notification_log IS
	'Who was told of which warning, when, through which channel and at which address, and whether it was delivered or failed (通知记录), as far as the caller may see. 通知记录';

-- The columns of the record.
DO $comments$
DECLARE
	v text;
	c record;
BEGIN
	FOREACH v IN ARRAY ARRAY['notification_log_analyst', 'notification_log'] LOOP
		FOR c IN SELECT * FROM (VALUES
			('notification_id', 'The notification. 通知编号'), ('warning_id', 'The warning. 预警编号'),
			('kind', 'Kind of warning. 预警类型'), ('kind_label', 'kind in Chinese. 预警类型（中文）'),
			('stage', 'Stage of the warning. 预警级次'),
			('event', 'raised, dispatch or return. 通知事件'), ('event_label', 'event in Chinese. 通知事件（中文）'),
			('notified_at', 'When the notification was written. 通知时间'),
			('person_id', 'The person told. 通知对象'), ('person_name', 'Name of the person. 姓名'),
			('department_id', 'The person''s department. 所在部门'), ('department_name', 'Its name. 部门名称'),
			('recipient', 'Why the person is told: liaison, supervisor, in_charge, first_responsible. 通知对象类别'),
			('recipient_label', 'recipient in Chinese. 通知对象类别（中文）'),
			('channel_id', 'The channel. 通知渠道'), ('channel_name', 'Name of the channel. 渠道名称'),
			('channel_kind', 'Kind of channel. 渠道类型'), ('channel_kind_label', 'channel_kind in Chinese. 渠道类型（中文）'),
			('state', 'pending, sending, delivered or failed. 通知状态'), ('state_label', 'state in Chinese. 通知状态（中文）'),
			('attempts', 'Times a sender claimed it. 发送次数'),
			('repeats', 'Sends whose outcome was never recorded. 可能重复发送次数'),
			('delivered_at', 'When the provider accepted it. 送达时间'), ('failed_at', 'When it was given up. 失败时间'),
			('last_error', 'Why the latest attempt failed. 最近错误'), ('region', 'Region of the warning, as text. 所属区划'),
			('address', 'Mobile or e-mail address it went to. 接收地址')) x (col, note)
		WHERE EXISTS (SELECT 1 FROM pg_catalog.pg_attribute a
					  WHERE a.attrelid = ('escalation.' || v)::regclass AND a.attname = x.col)
		LOOP
			EXECUTE format('COMMENT ON COLUMN escalation.%I.%I IS %L', v, c.col, c.note);
		END LOOP;
	END LOOP;
END
$comments$;

GRANT SELECT ON escalation.notification_log TO escalation_admin, escalation_user;
GRANT SELECT ON escalation.notification_log_analyst TO escalation_admin, escalation_user, escalation_analyst;
