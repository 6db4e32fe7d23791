-- Analyst views of campaigns, inspections, hazards, clues and dual prevention (分析视图): escalation.<table>_analyst,
-- as 81_analyst_objects.sql explains.

CREATE VIEW escalation.campaign_analyst WITH (security_invoker = true) AS
	SELECT t.id,
		t.name,
		t.kind,
		escalation.campaign_kind_label(t.kind) AS kind_label,
		t.organiser_id,
		t.scope_regions::text[] AS scope_regions,
		t.scope_industries,
		t.starts_on,
		t.ends_on,
		t.targets,
		t.goal_coverage,
		t.basis,
		t.region::text AS region,
		t.created_at,
		t.created_by
	FROM escalation.campaign t;
COMMENT ON VIEW escalation.campaign_analyst IS
	'What an analyst may read of escalation.campaign, for BI tools: its permitted columns, region and uscc codes as text, enum columns with their Chinese labels. 大检查、专项整治、综合和专项督查（分析视图）';
COMMENT ON COLUMN escalation.campaign_analyst.id IS 'Campaign id (generated). 专项工作编号';
COMMENT ON COLUMN escalation.campaign_analyst.name IS 'Name, e.g. 2024年安全生产大检查. 名称';
COMMENT ON COLUMN escalation.campaign_analyst.kind IS 'Major inspection, special rectification, comprehensive or special oversight. 类别';
COMMENT ON COLUMN escalation.campaign_analyst.kind_label IS 'kind in Chinese (escalation.campaign_kind_label). 类别（中文）';
COMMENT ON COLUMN escalation.campaign_analyst.organiser_id IS 'Department that deploys and dispatches it, e.g. the work-safety committee office. 组织部门';
COMMENT ON COLUMN escalation.campaign_analyst.scope_regions IS 'Regions it covers, each within the organiser''s region; empty = the organiser''s whole region. 范围（区划）';
COMMENT ON COLUMN escalation.campaign_analyst.scope_industries IS 'Industry codes it covers (escalation.industry); empty = every industry. 范围（行业）';
COMMENT ON COLUMN escalation.campaign_analyst.starts_on IS 'First day. 开始日期';
COMMENT ON COLUMN escalation.campaign_analyst.ends_on IS 'Last day; not before starts_on. 结束日期';
COMMENT ON COLUMN escalation.campaign_analyst.targets IS 'Targets and tasks in words (目标任务); the target units are listed in escalation.campaign_target.';
COMMENT ON COLUMN escalation.campaign_analyst.goal_coverage IS 'Share of target units to be inspected, 0..1 (e.g. 1.000 = every one). 检查覆盖率目标';
COMMENT ON COLUMN escalation.campaign_analyst.basis IS 'Document that deploys it (文件依据), e.g. a notice number.';
COMMENT ON COLUMN escalation.campaign_analyst.region IS 'Region of the organiser (kept by trigger, for row-level security); users of the regions it covers can read it too. 所属区划';
COMMENT ON COLUMN escalation.campaign_analyst.created_at IS 'When the campaign was entered. 录入时间';
COMMENT ON COLUMN escalation.campaign_analyst.created_by IS 'Role that entered it. 录入人';

CREATE VIEW escalation.campaign_target_analyst WITH (security_invoker = true) AS
	SELECT t.campaign_id,
		t.unit_id,
		t.added_at,
		t.region::text AS region
	FROM escalation.campaign_target t;
COMMENT ON VIEW escalation.campaign_target_analyst IS
	'What an analyst may read of escalation.campaign_target, for BI tools: its permitted columns, region and uscc codes as text, enum columns with their Chinese labels. 专项工作目标单位（分析视图）';
COMMENT ON COLUMN escalation.campaign_target_analyst.campaign_id IS 'The campaign. 专项工作';
COMMENT ON COLUMN escalation.campaign_target_analyst.unit_id IS 'A unit to be covered; must lie within the campaign''s scope. 目标单位';
COMMENT ON COLUMN escalation.campaign_target_analyst.added_at IS 'When the unit was put on the list. 列入时间';
COMMENT ON COLUMN escalation.campaign_target_analyst.region IS 'Region of the unit (kept by trigger, for row-level security). 所属区划';

CREATE VIEW escalation.inspection_analyst WITH (security_invoker = true) AS
	SELECT t.id,
		t.department_id,
		t.office_id,
		t.unit_id,
		t.kind,
		escalation.inspection_kind_label(t.kind) AS kind_label,
		t.mode,
		escalation.inspection_mode_label(t.mode) AS mode_label,
		t.campaign_id,
		t.inspected_at,
		t.checked,
		t.findings,
		t.region::text AS region,
		t.created_at,
		t.created_by
	FROM escalation.inspection t;
COMMENT ON VIEW escalation.inspection_analyst IS
	'What an analyst may read of escalation.inspection, for BI tools: its permitted columns, region and uscc codes as text, enum columns with their Chinese labels. 执法、监督、检查记录（分析视图）';
COMMENT ON COLUMN escalation.inspection_analyst.id IS 'Inspection id (generated). 检查编号';
COMMENT ON COLUMN escalation.inspection_analyst.department_id IS 'Department that inspected. 检查部门';
COMMENT ON COLUMN escalation.inspection_analyst.office_id IS 'Its office that carried it out. 承办处科室';
COMMENT ON COLUMN escalation.inspection_analyst.unit_id IS 'The unit inspected. 被检查单位';
COMMENT ON COLUMN escalation.inspection_analyst.kind IS 'Enforcement, supervision or inspection. 检查性质';
COMMENT ON COLUMN escalation.inspection_analyst.kind_label IS 'kind in Chinese (escalation.inspection_kind_label). 检查性质（中文）';
COMMENT ON COLUMN escalation.inspection_analyst.mode IS 'On site or online patrol. 检查方式（现场检查/网上巡查）';
COMMENT ON COLUMN escalation.inspection_analyst.mode_label IS 'mode in Chinese (escalation.inspection_mode_label). 检查方式（现场检查/网上巡查）（中文）';
COMMENT ON COLUMN escalation.inspection_analyst.campaign_id IS 'Campaign it was made under, if any; the date must fall within the campaign and the unit within its scope. 所属专项工作';
COMMENT ON COLUMN escalation.inspection_analyst.inspected_at IS 'When the inspection took place. 检查时间';
COMMENT ON COLUMN escalation.inspection_analyst.checked IS 'What was checked. 检查内容';
COMMENT ON COLUMN escalation.inspection_analyst.findings IS 'What was found, in words; hazards found are rows of escalation.hazard. 检查情况';
COMMENT ON COLUMN escalation.inspection_analyst.region IS 'Region of the unit (kept by trigger, for row-level security). 所属区划';
COMMENT ON COLUMN escalation.inspection_analyst.created_at IS 'When the inspection was entered. 录入时间';
COMMENT ON COLUMN escalation.inspection_analyst.created_by IS 'Role that entered it. 录入人';

CREATE VIEW escalation.inspection_inspector_analyst WITH (security_invoker = true) AS
	SELECT t.inspection_id,
		t.person_id,
		t.department_id,
		t.unit_id,
		t.region::text AS region
	FROM escalation.inspection_inspector t;
COMMENT ON VIEW escalation.inspection_inspector_analyst IS
	'What an analyst may read of escalation.inspection_inspector, for BI tools: its permitted columns, region and uscc codes as text, enum columns with their Chinese labels. 检查人员（分析视图）';
COMMENT ON COLUMN escalation.inspection_inspector_analyst.inspection_id IS 'The inspection. 检查';
COMMENT ON COLUMN escalation.inspection_inspector_analyst.person_id IS 'An inspector, a person of the inspecting department. 检查人员';
COMMENT ON COLUMN escalation.inspection_inspector_analyst.department_id IS 'The inspecting department (filled from the inspection). 检查部门';
COMMENT ON COLUMN escalation.inspection_inspector_analyst.unit_id IS 'The unit inspected (filled from the inspection). 被检查单位';
COMMENT ON COLUMN escalation.inspection_inspector_analyst.region IS 'Region of the unit (kept by trigger, for row-level security). 所属区划';

CREATE VIEW escalation.hazard_analyst WITH (security_invoker = true) AS
	SELECT t.id,
		t.unit_id,
		t.found_by,
		t.found_at,
		t.source,
		escalation.hazard_source_label(t.source) AS source_label,
		t.inspection_id,
		t.campaign_id,
		t.description,
		t.category,
		escalation.hazard_category_label(t.category) AS category_label,
		t.location,
		t.grade,
		escalation.hazard_grade_label(t.grade) AS grade_label,
		t.needs_recheck,
		t.measures,
		t.rectify_deadline,
		t.deadline_set_at,
		t.deadline_set_by,
		t.deadline_reason,
		t.confirmed_at,
		t.confirmed_by,
		t.confirm_note,
		t.rectified_at,
		t.rectified_by,
		t.rectification_note,
		t.rechecked_at,
		t.rechecked_by,
		t.recheck_inspector,
		t.recheck_result,
		escalation.recheck_result_label(t.recheck_result) AS recheck_result_label,
		t.recheck_note,
		t.closed_at,
		t.closed_by,
		t.close_note,
		t.status,
		escalation.hazard_status_label(t.status) AS status_label,
		t.step_no,
		t.last_step,
		escalation.hazard_step_label(t.last_step) AS last_step_label,
		t.region::text AS region,
		t.created_at,
		t.created_by
	FROM escalation.hazard t;
COMMENT ON VIEW escalation.hazard_analyst IS
	'What an analyst may read of escalation.hazard, for BI tools: its permitted columns, region and uscc codes as text, enum columns with their Chinese labels. 隐患排查治理台账（分析视图）';
COMMENT ON COLUMN escalation.hazard_analyst.id IS 'Hazard id (generated). 隐患编号';
COMMENT ON COLUMN escalation.hazard_analyst.unit_id IS 'The unit where the hazard is. 隐患单位';
COMMENT ON COLUMN escalation.hazard_analyst.found_by IS 'Department that found it (for a self-reported hazard: the supervising department it was reported to); its level decides the warning ladder''s origin. 发现部门';
COMMENT ON COLUMN escalation.hazard_analyst.found_at IS 'When it was found (for an inspection: at or after the inspection). 发现时间';
COMMENT ON COLUMN escalation.hazard_analyst.source IS 'Found by an inspection, or self-reported by the unit. 隐患来源';
COMMENT ON COLUMN escalation.hazard_analyst.source_label IS 'source in Chinese (escalation.hazard_source_label). 隐患来源（中文）';
COMMENT ON COLUMN escalation.hazard_analyst.inspection_id IS 'The inspection that found it (same unit and department). 所属检查';
COMMENT ON COLUMN escalation.hazard_analyst.campaign_id IS 'Campaign it was found under (taken from the inspection when omitted). 所属专项工作';
COMMENT ON COLUMN escalation.hazard_analyst.description IS 'What the hazard is. 隐患描述';
COMMENT ON COLUMN escalation.hazard_analyst.category IS 'Category (fire, electrical, hazardous chemicals, ...). 隐患类别';
COMMENT ON COLUMN escalation.hazard_analyst.category_label IS 'category in Chinese (escalation.hazard_category_label). 隐患类别（中文）';
COMMENT ON COLUMN escalation.hazard_analyst.location IS 'Where at the unit. 隐患部位';
COMMENT ON COLUMN escalation.hazard_analyst.grade IS 'general, suspected_major, and after confirmation major or not_major; only a suspected major hazard changes grade. 隐患等级';
COMMENT ON COLUMN escalation.hazard_analyst.grade_label IS 'grade in Chinese (escalation.hazard_grade_label). 隐患等级（中文）';
COMMENT ON COLUMN escalation.hazard_analyst.needs_recheck IS 'Closing requires a passed re-inspection; always true for a confirmed major hazard. 是否需要复查';
COMMENT ON COLUMN escalation.hazard_analyst.measures IS 'Rectification measures required. 整改措施';
COMMENT ON COLUMN escalation.hazard_analyst.rectify_deadline IS 'Rectification deadline; not before found_at; required for a general hazard and for a ruled-out one that needs re-inspection (escalation.hazard_confirm also requires it for a confirmed major hazard: the deadline of its governance plan); moved only later (extension) or anew by a failed re-inspection. 整改期限';
COMMENT ON COLUMN escalation.hazard_analyst.deadline_set_at IS 'When the current deadline was set or extended. 期限设定时间';
COMMENT ON COLUMN escalation.hazard_analyst.deadline_set_by IS 'Department that set or extended the current deadline. 期限设定部门';
COMMENT ON COLUMN escalation.hazard_analyst.deadline_reason IS 'Why the current deadline was set or extended (required for an extension). 延期理由';
COMMENT ON COLUMN escalation.hazard_analyst.confirmed_at IS 'When a suspected major hazard was confirmed major or ruled out; set exactly when grade is major or not_major. 确认时间';
COMMENT ON COLUMN escalation.hazard_analyst.confirmed_by IS 'Department that confirmed or ruled it out. 确认部门';
COMMENT ON COLUMN escalation.hazard_analyst.confirm_note IS 'Basis of the confirmation. 确认意见';
COMMENT ON COLUMN escalation.hazard_analyst.rectified_at IS 'When the unit completed the (latest) rectification. 整改完成时间';
COMMENT ON COLUMN escalation.hazard_analyst.rectified_by IS 'Who at the unit is accountable for the rectification. 整改责任人';
COMMENT ON COLUMN escalation.hazard_analyst.rectification_note IS 'What was done. 整改情况';
COMMENT ON COLUMN escalation.hazard_analyst.rechecked_at IS 'When the latest re-inspection took place. 复查时间';
COMMENT ON COLUMN escalation.hazard_analyst.rechecked_by IS 'Department that re-inspected; it supervises the unit, or is above one that does. 复查部门';
COMMENT ON COLUMN escalation.hazard_analyst.recheck_inspector IS 'Person of that department who re-inspected. 复查人员';
COMMENT ON COLUMN escalation.hazard_analyst.recheck_result IS 'Result of the latest re-inspection: pass or fail. 复查结论';
COMMENT ON COLUMN escalation.hazard_analyst.recheck_result_label IS 'recheck_result in Chinese (escalation.recheck_result_label). 复查结论（中文）';
COMMENT ON COLUMN escalation.hazard_analyst.recheck_note IS 'Notes of the latest re-inspection. 复查意见';
COMMENT ON COLUMN escalation.hazard_analyst.closed_at IS 'When the hazard was closed (销号); final. 销号时间';
COMMENT ON COLUMN escalation.hazard_analyst.closed_by IS 'Department that closed it. 销号部门';
COMMENT ON COLUMN escalation.hazard_analyst.close_note IS 'Notes on closing. 销号意见';
COMMENT ON COLUMN escalation.hazard_analyst.status IS 'rectifying, rectified, verified or closed, derived from the timestamps (never set directly). 隐患状态';
COMMENT ON COLUMN escalation.hazard_analyst.status_label IS 'status in Chinese (escalation.hazard_status_label). 隐患状态（中文）';
COMMENT ON COLUMN escalation.hazard_analyst.step_no IS 'Number of lifecycle steps taken since the hazard was entered (maintained by trigger). 处理步骤数';
COMMENT ON COLUMN escalation.hazard_analyst.last_step IS 'The latest lifecycle step (maintained by trigger). 最近处理步骤';
COMMENT ON COLUMN escalation.hazard_analyst.last_step_label IS 'last_step in Chinese (escalation.hazard_step_label). 最近处理步骤（中文）';
COMMENT ON COLUMN escalation.hazard_analyst.region IS 'Region of the unit (kept by trigger, for row-level security). 所属区划';
COMMENT ON COLUMN escalation.hazard_analyst.created_at IS 'When the hazard was entered. 录入时间';
COMMENT ON COLUMN escalation.hazard_analyst.created_by IS 'Role that entered it. 录入人';

CREATE VIEW escalation.hazard_history_analyst WITH (security_invoker = true) AS
	SELECT t.id,
		t.hazard_id,
		t.unit_id,
		t.step,
		escalation.hazard_step_label(t.step) AS step_label,
		t.from_status,
		escalation.hazard_status_label(t.from_status) AS from_status_label,
		t.to_status,
		escalation.hazard_status_label(t.to_status) AS to_status_label,
		t.from_grade,
		escalation.hazard_grade_label(t.from_grade) AS from_grade_label,
		t.to_grade,
		escalation.hazard_grade_label(t.to_grade) AS to_grade_label,
		t.from_deadline,
		t.to_deadline,
		t.department_id,
		t.person_id,
		t.event_at,
		t.note,
		t.recorded_at,
		t.recorded_by,
		t.region::text AS region
	FROM escalation.hazard_history t;
COMMENT ON VIEW escalation.hazard_history_analyst IS
	'What an analyst may read of escalation.hazard_history, for BI tools: its permitted columns, region and uscc codes as text, enum columns with their Chinese labels. 隐患处理记录（分析视图）';
COMMENT ON COLUMN escalation.hazard_history_analyst.id IS 'Entry id (increasing). 记录编号';
COMMENT ON COLUMN escalation.hazard_history_analyst.hazard_id IS 'The hazard. 隐患';
COMMENT ON COLUMN escalation.hazard_history_analyst.unit_id IS 'Its unit. 隐患单位';
COMMENT ON COLUMN escalation.hazard_history_analyst.step IS 'The step taken. 处理步骤';
COMMENT ON COLUMN escalation.hazard_history_analyst.step_label IS 'step in Chinese (escalation.hazard_step_label). 处理步骤（中文）';
COMMENT ON COLUMN escalation.hazard_history_analyst.from_status IS 'Status before the step. 原状态';
COMMENT ON COLUMN escalation.hazard_history_analyst.from_status_label IS 'from_status in Chinese (escalation.hazard_status_label). 原状态（中文）';
COMMENT ON COLUMN escalation.hazard_history_analyst.to_status IS 'Status after the step. 新状态';
COMMENT ON COLUMN escalation.hazard_history_analyst.to_status_label IS 'to_status in Chinese (escalation.hazard_status_label). 新状态（中文）';
COMMENT ON COLUMN escalation.hazard_history_analyst.from_grade IS 'Grade before the step. 原等级';
COMMENT ON COLUMN escalation.hazard_history_analyst.from_grade_label IS 'from_grade in Chinese (escalation.hazard_grade_label). 原等级（中文）';
COMMENT ON COLUMN escalation.hazard_history_analyst.to_grade IS 'Grade after the step. 新等级';
COMMENT ON COLUMN escalation.hazard_history_analyst.to_grade_label IS 'to_grade in Chinese (escalation.hazard_grade_label). 新等级（中文）';
COMMENT ON COLUMN escalation.hazard_history_analyst.from_deadline IS 'Rectification deadline before the step. 原整改期限';
COMMENT ON COLUMN escalation.hazard_history_analyst.to_deadline IS 'Rectification deadline after the step. 新整改期限';
COMMENT ON COLUMN escalation.hazard_history_analyst.department_id IS 'Department that took the step (confirming, setting the deadline, re-inspecting or closing); NULL for the unit''s rectification. 处理部门';
COMMENT ON COLUMN escalation.hazard_history_analyst.person_id IS 'Person who re-inspected, for re-inspections. 处理人员';
COMMENT ON COLUMN escalation.hazard_history_analyst.event_at IS 'When the step happened (the step''s own timestamp on the hazard). 处理时间';
COMMENT ON COLUMN escalation.hazard_history_analyst.note IS 'Reason or notes given with the step; for an edit, the columns changed. 处理意见';
COMMENT ON COLUMN escalation.hazard_history_analyst.recorded_at IS 'When the step was recorded. 记录时间';
COMMENT ON COLUMN escalation.hazard_history_analyst.recorded_by IS 'Role that recorded it (the session''s acting role). 记录人';
COMMENT ON COLUMN escalation.hazard_history_analyst.region IS 'Region of the unit (kept by trigger, for row-level security). 所属区划';

CREATE VIEW escalation.clue_analyst WITH (security_invoker = true) AS
	SELECT t.id,
		t.unit_id,
		t.from_department,
		t.to_department,
		t.transferred_at,
		t.facts,
		t.legal_basis,
		t.inspection_id,
		t.hazard_id,
		t.forwarded_from,
		t.handling,
		escalation.clue_handling_label(t.handling) AS handling_label,
		t.handled_at,
		t.handled_by,
		t.case_number,
		t.handling_note,
		t.forwarded_to,
		t.region::text AS region,
		t.created_at,
		t.created_by
	FROM escalation.clue t;
COMMENT ON VIEW escalation.clue_analyst IS
	'What an analyst may read of escalation.clue, for BI tools: its permitted columns, region and uscc codes as text, enum columns with their Chinese labels. 违法线索移交（分析视图）';
COMMENT ON COLUMN escalation.clue_analyst.id IS 'Clue id (generated). 线索编号';
COMMENT ON COLUMN escalation.clue_analyst.unit_id IS 'The unit concerned, if known. 涉及单位';
COMMENT ON COLUMN escalation.clue_analyst.from_department IS 'Department that transferred the clue; its level decides the warning ladder''s origin. 移交部门';
COMMENT ON COLUMN escalation.clue_analyst.to_department IS 'The competent department it was transferred to, which must handle it. 接收部门';
COMMENT ON COLUMN escalation.clue_analyst.transferred_at IS 'When it was transferred; the 3-day handling clock starts here. 移交时间';
COMMENT ON COLUMN escalation.clue_analyst.facts IS 'What was found (违法事实). 线索内容';
COMMENT ON COLUMN escalation.clue_analyst.legal_basis IS 'Laws and articles the facts fall under. 法律依据';
COMMENT ON COLUMN escalation.clue_analyst.inspection_id IS 'The inspection that found it, if any. 来源检查';
COMMENT ON COLUMN escalation.clue_analyst.hazard_id IS 'The hazard it concerns, if any. 相关隐患';
COMMENT ON COLUMN escalation.clue_analyst.forwarded_from IS 'The clue this one continues, when a receiver forwarded it (转办). 转办来源线索';
COMMENT ON COLUMN escalation.clue_analyst.handling IS 'accepted (filed), rejected (with reason) or forwarded; NULL while pending, or when only handled_at was recorded. 处理方式';
COMMENT ON COLUMN escalation.clue_analyst.handling_label IS 'handling in Chinese (escalation.clue_handling_label). 处理方式（中文）';
COMMENT ON COLUMN escalation.clue_analyst.handled_at IS 'When the receiving department handled it (final); ends the clue ladder. 处理时间';
COMMENT ON COLUMN escalation.clue_analyst.handled_by IS 'Person of the receiving department who handled it. 经办人';
COMMENT ON COLUMN escalation.clue_analyst.case_number IS 'Case number when accepted and filed. 立案号';
COMMENT ON COLUMN escalation.clue_analyst.handling_note IS 'Notes; the reason when rejected. 处理意见（不予受理理由）';
COMMENT ON COLUMN escalation.clue_analyst.forwarded_to IS 'Department it was forwarded to; a new clue from the receiver to it is created. 转办部门';
COMMENT ON COLUMN escalation.clue_analyst.region IS 'Region of the unit, or of the transferring department when there is no unit (kept by trigger, for row-level security). 所属区划';
COMMENT ON COLUMN escalation.clue_analyst.created_at IS 'When the clue was entered. 录入时间';
COMMENT ON COLUMN escalation.clue_analyst.created_by IS 'Role that entered it. 录入人';

CREATE VIEW escalation.dual_prevention_analyst WITH (security_invoker = true) AS
	SELECT t.unit_id,
		t.since,
		t.enrolled_by,
		t.note,
		t.withdrawn_at,
		t.withdraw_reason,
		t.region::text AS region,
		t.created_at,
		t.created_by
	FROM escalation.dual_prevention t;
COMMENT ON VIEW escalation.dual_prevention_analyst IS
	'What an analyst may read of escalation.dual_prevention, for BI tools: its permitted columns, region and uscc codes as text, enum columns with their Chinese labels. 双重预防机制平台管理单位（分析视图）';
COMMENT ON COLUMN escalation.dual_prevention_analyst.unit_id IS 'The unit. 单位';
COMMENT ON COLUMN escalation.dual_prevention_analyst.since IS 'When it came under platform management (or came back after a withdrawal); starts the first 7-day clock. 纳入管理时间';
COMMENT ON COLUMN escalation.dual_prevention_analyst.enrolled_by IS 'Department that enrolled it. 纳入部门';
COMMENT ON COLUMN escalation.dual_prevention_analyst.note IS 'Notes, e.g. the §12 clause or a voluntary enrolment (有序开展). 备注';
COMMENT ON COLUMN escalation.dual_prevention_analyst.withdrawn_at IS 'When it left platform management (e.g. the unit closed); no run is recorded and no idle stage is due from then on. 退出管理时间';
COMMENT ON COLUMN escalation.dual_prevention_analyst.withdraw_reason IS 'Why it left. 退出原因';
COMMENT ON COLUMN escalation.dual_prevention_analyst.region IS 'Region of the unit (kept by trigger, for row-level security). 所属区划';
COMMENT ON COLUMN escalation.dual_prevention_analyst.created_at IS 'When the enrolment was entered. 录入时间';
COMMENT ON COLUMN escalation.dual_prevention_analyst.created_by IS 'Role that entered it. 录入人';

CREATE VIEW escalation.dp_obligation_analyst WITH (security_invoker = true) AS
	SELECT t.unit_id,
		t.obliged_since,
		t.region::text AS region
	FROM escalation.dp_obligation t;
COMMENT ON VIEW escalation.dp_obligation_analyst IS
	'What an analyst may read of escalation.dp_obligation, for BI tools: its permitted columns, region codes as text. 应建双重预防机制单位（分析视图）';
COMMENT ON COLUMN escalation.dp_obligation_analyst.unit_id IS 'The unit. 单位';
COMMENT ON COLUMN escalation.dp_obligation_analyst.obliged_since IS 'When §12 came to oblige it while it was not enrolled. 应建起始时间';
COMMENT ON COLUMN escalation.dp_obligation_analyst.region IS 'Region of the unit. 所属区划';

CREATE VIEW escalation.dp_risk_point_analyst WITH (security_invoker = true) AS
	SELECT t.id,
		t.unit_id,
		t.name,
		t.location,
		t.risk_grade,
		escalation.dp_risk_grade_label(t.risk_grade) AS risk_grade_label,
		t.hazard_factors,
		t.control_measures,
		t.control_level,
		escalation.dp_control_level_label(t.control_level) AS control_level_label,
		t.responsible,
		t.identified_on,
		t.retired_on,
		t.region::text AS region
	FROM escalation.dp_risk_point t;
COMMENT ON VIEW escalation.dp_risk_point_analyst IS
	'What an analyst may read of escalation.dp_risk_point, for BI tools: its permitted columns, region and uscc codes as text, enum columns with their Chinese labels. 风险点（分析视图）';
COMMENT ON COLUMN escalation.dp_risk_point_analyst.id IS 'Risk point id (generated). 风险点编号';
COMMENT ON COLUMN escalation.dp_risk_point_analyst.unit_id IS 'The unit (enrolled in dual prevention management). 单位';
COMMENT ON COLUMN escalation.dp_risk_point_analyst.name IS 'Risk point, e.g. 液氨储罐区, 喷涂车间. 风险点名称';
COMMENT ON COLUMN escalation.dp_risk_point_analyst.location IS 'Where. 所在位置';
COMMENT ON COLUMN escalation.dp_risk_point_analyst.risk_grade IS 'Red, orange, yellow or blue. 风险等级';
COMMENT ON COLUMN escalation.dp_risk_point_analyst.risk_grade_label IS 'risk_grade in Chinese (escalation.dp_risk_grade_label). 风险等级（中文）';
COMMENT ON COLUMN escalation.dp_risk_point_analyst.hazard_factors IS 'Hazardous factors identified. 危险有害因素';
COMMENT ON COLUMN escalation.dp_risk_point_analyst.control_measures IS 'Control measures (engineering, management, training, protection, emergency). 管控措施';
COMMENT ON COLUMN escalation.dp_risk_point_analyst.control_level IS 'Level that controls it: company, workshop, team or post. 管控层级';
COMMENT ON COLUMN escalation.dp_risk_point_analyst.control_level_label IS 'control_level in Chinese (escalation.dp_control_level_label). 管控层级（中文）';
COMMENT ON COLUMN escalation.dp_risk_point_analyst.responsible IS 'Who at the unit is responsible for its control. 管控责任人';
COMMENT ON COLUMN escalation.dp_risk_point_analyst.identified_on IS 'Date identified and graded. 辨识日期';
COMMENT ON COLUMN escalation.dp_risk_point_analyst.retired_on IS 'Date it ceased to exist (process changed, equipment removed); NULL = current. 撤销日期';
COMMENT ON COLUMN escalation.dp_risk_point_analyst.region IS 'Region of the unit (kept by trigger, for row-level security). 所属区划';

CREATE VIEW escalation.dp_check_task_analyst WITH (security_invoker = true) AS
	SELECT t.id,
		t.unit_id,
		t.risk_point_id,
		t.name,
		t.content,
		t.every,
		t.control_level,
		escalation.dp_control_level_label(t.control_level) AS control_level_label,
		t.starts_at,
		t.active,
		t.region::text AS region
	FROM escalation.dp_check_task t;
COMMENT ON VIEW escalation.dp_check_task_analyst IS
	'What an analyst may read of escalation.dp_check_task, for BI tools: its permitted columns, region and uscc codes as text, enum columns with their Chinese labels. 隐患排查任务（分析视图）';
COMMENT ON COLUMN escalation.dp_check_task_analyst.id IS 'Task id (generated). 任务编号';
COMMENT ON COLUMN escalation.dp_check_task_analyst.unit_id IS 'The unit (enrolled). 单位';
COMMENT ON COLUMN escalation.dp_check_task_analyst.risk_point_id IS 'Risk point whose controls it checks, of the same unit. 风险点';
COMMENT ON COLUMN escalation.dp_check_task_analyst.name IS 'Task, e.g. 液氨储罐区日常巡检. 任务名称';
COMMENT ON COLUMN escalation.dp_check_task_analyst.content IS 'What is checked. 排查内容';
COMMENT ON COLUMN escalation.dp_check_task_analyst.every IS 'How often: between 1 hour and 366 days, e.g. ''1 day'', ''7 days''. 排查周期';
COMMENT ON COLUMN escalation.dp_check_task_analyst.control_level IS 'Level that runs it: company, workshop, team or post. 排查层级';
COMMENT ON COLUMN escalation.dp_check_task_analyst.control_level_label IS 'control_level in Chinese (escalation.dp_control_level_label). 排查层级（中文）';
COMMENT ON COLUMN escalation.dp_check_task_analyst.starts_at IS 'When the schedule starts; the first check is due one interval later. 开始时间';
COMMENT ON COLUMN escalation.dp_check_task_analyst.active IS 'Still scheduled. 是否启用';
COMMENT ON COLUMN escalation.dp_check_task_analyst.region IS 'Region of the unit (kept by trigger, for row-level security). 所属区划';

CREATE VIEW escalation.dp_run_analyst WITH (security_invoker = true) AS
	SELECT t.id,
		t.unit_id,
		t.ran_at,
		t.task_id,
		t.result,
		escalation.dp_check_result_label(t.result) AS result_label,
		t.hazard_id,
		t.checked_by,
		t.note,
		t.region::text AS region,
		t.recorded_at,
		t.recorded_by
	FROM escalation.dp_run t;
COMMENT ON VIEW escalation.dp_run_analyst IS
	'What an analyst may read of escalation.dp_run, for BI tools: its permitted columns, region and uscc codes as text, enum columns with their Chinese labels. 双重预防机制运行记录（分析视图）';
COMMENT ON COLUMN escalation.dp_run_analyst.id IS 'Run id (generated). 记录编号';
COMMENT ON COLUMN escalation.dp_run_analyst.unit_id IS 'The unit; must be under dual prevention management at ran_at. 单位';
COMMENT ON COLUMN escalation.dp_run_analyst.ran_at IS 'When the check was completed; at or after the enrolment, before any withdrawal; fixed once recorded. 排查时间';
COMMENT ON COLUMN escalation.dp_run_analyst.task_id IS 'The scheduled task completed, of the same unit; a run that names no task runs none of the unit''s tasks (§19). 排查任务';
COMMENT ON COLUMN escalation.dp_run_analyst.result IS 'normal or hazards_found. 排查结果';
COMMENT ON COLUMN escalation.dp_run_analyst.result_label IS 'result in Chinese (escalation.dp_check_result_label). 排查结果（中文）';
COMMENT ON COLUMN escalation.dp_run_analyst.hazard_id IS 'The hazard self-reported from this check, if any. 上报隐患';
COMMENT ON COLUMN escalation.dp_run_analyst.checked_by IS 'Who at the unit checked. 排查人';
COMMENT ON COLUMN escalation.dp_run_analyst.note IS 'Notes. 备注';
COMMENT ON COLUMN escalation.dp_run_analyst.region IS 'Region of the unit (kept by trigger, for row-level security). 所属区划';
COMMENT ON COLUMN escalation.dp_run_analyst.recorded_at IS 'When it was recorded. 录入时间';
COMMENT ON COLUMN escalation.dp_run_analyst.recorded_by IS 'Role that recorded it. 录入人';

CREATE VIEW escalation.dp_assessment_analyst WITH (security_invoker = true) AS
	SELECT t.id,
		t.unit_id,
		t.assessed_at,
		t.department_id,
		t.state,
		escalation.safety_state_label(t.state) AS state_label,
		t.score,
		t.findings,
		t.region::text AS region,
		t.created_at,
		t.created_by
	FROM escalation.dp_assessment t;
COMMENT ON VIEW escalation.dp_assessment_analyst IS
	'What an analyst may read of escalation.dp_assessment, for BI tools: its permitted columns, region and uscc codes as text, enum columns with their Chinese labels. 安全生产状况评估（分析视图）';
COMMENT ON COLUMN escalation.dp_assessment_analyst.id IS 'Assessment id (generated). 评估编号';
COMMENT ON COLUMN escalation.dp_assessment_analyst.unit_id IS 'The unit (enrolled). 单位';
COMMENT ON COLUMN escalation.dp_assessment_analyst.assessed_at IS 'When it was assessed. 评估时间';
COMMENT ON COLUMN escalation.dp_assessment_analyst.department_id IS 'Department that assessed it. 评估部门';
COMMENT ON COLUMN escalation.dp_assessment_analyst.state IS 'Good, fairly good, average or poor. 评估结论';
COMMENT ON COLUMN escalation.dp_assessment_analyst.state_label IS 'state in Chinese (escalation.safety_state_label). 评估结论（中文）';
COMMENT ON COLUMN escalation.dp_assessment_analyst.score IS 'Score 0..100, when the method gives one. 评估得分';
COMMENT ON COLUMN escalation.dp_assessment_analyst.findings IS 'Findings in words. 评估意见';
COMMENT ON COLUMN escalation.dp_assessment_analyst.region IS 'Region of the unit (kept by trigger, for row-level security). 所属区划';
COMMENT ON COLUMN escalation.dp_assessment_analyst.created_at IS 'When it was entered. 录入时间';
COMMENT ON COLUMN escalation.dp_assessment_analyst.created_by IS 'Role that entered it. 录入人';

GRANT SELECT ON
	escalation.campaign_analyst,
	escalation.campaign_target_analyst,
	escalation.inspection_analyst,
	escalation.inspection_inspector_analyst,
	escalation.hazard_analyst,
	escalation.hazard_history_analyst,
	escalation.clue_analyst,
	escalation.dual_prevention_analyst,
	escalation.dp_obligation_analyst,
	escalation.dp_risk_point_analyst,
	escalation.dp_check_task_analyst,
	escalation.dp_run_analyst,
	escalation.dp_assessment_analyst
TO escalation_admin, escalation_analyst;
