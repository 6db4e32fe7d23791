-- What analysts and BI tools read (分析与数据字典): a Chinese label for every
-- enum, every enum value with its label (enum_label), one view per table an
-- analyst may read with exactly the columns the analyst may read
-- (<table>_analyst: region and uscc codes as text, enum columns with their
-- labels), and the data dictionary of the extension's objects.

------------------------------------------------------------------------------
-- Chinese labels of the enums that had none (中文标签)
------------------------------------------------------------------------------

CREATE FUNCTION escalation.level_label(level escalation.level) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN CASE level WHEN 'city' THEN '市级' WHEN 'district' THEN '区县级' WHEN 'street' THEN '街道（镇）级' END;
COMMENT ON FUNCTION escalation.level_label(escalation.level) IS 'Chinese label of an administrative level. 层级名称';

CREATE FUNCTION escalation.social_function_label(social_function escalation.social_function) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN CASE social_function
	WHEN 'enterprise' THEN '企业'
	WHEN 'private_non_enterprise' THEN '民办非企业'
	WHEN 'social_organisation' THEN '社会团体'
	WHEN 'public_institution' THEN '事业单位'
	WHEN 'nine_small_venue' THEN '九小场所'
END;
COMMENT ON FUNCTION escalation.social_function_label(escalation.social_function) IS
	'Chinese label of a unit''s social function. 社会功能名称';

CREATE FUNCTION escalation.supervision_type_label(supervision_type escalation.supervision_type) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN CASE supervision_type
	WHEN 'industry_supervision' THEN '行业监管'
	WHEN 'industry_authority' THEN '行业主管'
	WHEN 'special_supervision' THEN '专项监管'
	WHEN 'territorial' THEN '属地管理'
	WHEN 'other' THEN '其他管理'
END;
COMMENT ON FUNCTION escalation.supervision_type_label(escalation.supervision_type) IS
	'Chinese label of a supervision type. 监管类型名称';

CREATE FUNCTION escalation.dual_prevention_scope_label(scope escalation.dual_prevention_scope) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN CASE scope
	WHEN 'non_coal_mine' THEN '非煤矿山'
	WHEN 'metal_smelting' THEN '金属冶炼'
	WHEN 'hazardous_chemicals' THEN '危险化学品生产、储存'
	WHEN 'food_processing' THEN '食品加工（涉氨制冷）'
	WHEN 'dust' THEN '粉尘涉爆'
END;
COMMENT ON FUNCTION escalation.dual_prevention_scope_label(escalation.dual_prevention_scope) IS
	'Chinese label of the clause that brings an industry into the dual prevention mechanism. 双重预防机制适用范围名称';

CREATE FUNCTION escalation.business_status_label(status escalation.business_status) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN CASE status WHEN 'operating' THEN '在营' WHEN 'suspended' THEN '停产停业' WHEN 'closed' THEN '关闭注销' END;
COMMENT ON FUNCTION escalation.business_status_label(escalation.business_status) IS
	'Chinese label of a unit''s business status. 经营状态名称';

CREATE FUNCTION escalation.inspection_kind_label(kind escalation.inspection_kind) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN CASE kind WHEN 'enforcement' THEN '执法' WHEN 'supervision' THEN '监督' WHEN 'inspection' THEN '检查' END;
COMMENT ON FUNCTION escalation.inspection_kind_label(escalation.inspection_kind) IS
	'Chinese label of an inspection kind. 检查类别名称';

CREATE FUNCTION escalation.inspection_mode_label(mode escalation.inspection_mode) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN CASE mode WHEN 'on_site' THEN '现场检查' WHEN 'online' THEN '网上巡查' END;
COMMENT ON FUNCTION escalation.inspection_mode_label(escalation.inspection_mode) IS
	'Chinese label of an inspection mode. 检查方式名称';

CREATE FUNCTION escalation.hazard_source_label(source escalation.hazard_source) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN CASE source WHEN 'inspection' THEN '检查发现' WHEN 'self_report' THEN '企业自查上报' END;
COMMENT ON FUNCTION escalation.hazard_source_label(escalation.hazard_source) IS
	'Chinese label of how a hazard became known. 隐患来源名称';

CREATE FUNCTION escalation.hazard_category_label(category escalation.hazard_category) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN CASE category
	WHEN 'fire' THEN '消防'
	WHEN 'electrical' THEN '用电'
	WHEN 'machinery' THEN '机械设备'
	WHEN 'special_equipment' THEN '特种设备'
	WHEN 'hazardous_chemicals' THEN '危险化学品'
	WHEN 'dust_explosion' THEN '粉尘防爆'
	WHEN 'confined_space' THEN '有限空间'
	WHEN 'gas' THEN '燃气'
	WHEN 'ammonia_refrigeration' THEN '涉氨制冷'
	WHEN 'working_at_height' THEN '高处作业'
	WHEN 'construction' THEN '建筑施工'
	WHEN 'occupational_health' THEN '职业卫生'
	WHEN 'emergency' THEN '应急管理'
	WHEN 'management' THEN '安全管理'
	WHEN 'other' THEN '其他'
END;
COMMENT ON FUNCTION escalation.hazard_category_label(escalation.hazard_category) IS
	'Chinese label of a hazard category. 隐患类别名称';

CREATE FUNCTION escalation.hazard_step_label(step escalation.hazard_step) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN CASE step
	WHEN 'confirm_major' THEN '确认为重大事故隐患'
	WHEN 'rule_out' THEN '排除（非重大）'
	WHEN 'set_deadline' THEN '设定整改期限'
	WHEN 'extend' THEN '延期'
	WHEN 'rectify' THEN '整改完成'
	WHEN 'recheck_pass' THEN '复查合格'
	WHEN 'recheck_fail' THEN '复查不合格'
	WHEN 'close' THEN '销号'
	WHEN 'edit' THEN '信息更正'
END;
COMMENT ON FUNCTION escalation.hazard_step_label(escalation.hazard_step) IS
	'Chinese label of a hazard lifecycle step. 隐患处理步骤名称';

CREATE FUNCTION escalation.recheck_result_label(result escalation.recheck_result) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN CASE result WHEN 'pass' THEN '合格' WHEN 'fail' THEN '不合格' END;
COMMENT ON FUNCTION escalation.recheck_result_label(escalation.recheck_result) IS
	'Chinese label of a re-inspection result. 复查结果名称';

CREATE FUNCTION escalation.dp_control_level_label(level escalation.dp_control_level) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN CASE level WHEN 'company' THEN '公司级' WHEN 'workshop' THEN '车间级' WHEN 'team' THEN '班组级' WHEN 'post' THEN '岗位级' END;
COMMENT ON FUNCTION escalation.dp_control_level_label(escalation.dp_control_level) IS
	'Chinese label of a control level of dual prevention. 管控层级名称';

CREATE FUNCTION escalation.dp_check_result_label(result escalation.dp_check_result) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN CASE result WHEN 'normal' THEN '正常' WHEN 'hazards_found' THEN '发现隐患' END;
COMMENT ON FUNCTION escalation.dp_check_result_label(escalation.dp_check_result) IS
	'Chinese label of the outcome of a scheduled self-inspection. 排查结果名称';

------------------------------------------------------------------------------
-- Every enum value with its Chinese label (枚举值中文对照)
------------------------------------------------------------------------------

CREATE VIEW escalation.enum_label AS
	SELECT 'business_status'::text AS enum_type, v::text AS value, escalation.business_status_label(v) AS label
	FROM unnest(enum_range(NULL::escalation.business_status)) v
	UNION ALL SELECT 'campaign_kind', v::text, escalation.campaign_kind_label(v) FROM unnest(enum_range(NULL::escalation.campaign_kind)) v
	UNION ALL SELECT 'clue_handling', v::text, escalation.clue_handling_label(v) FROM unnest(enum_range(NULL::escalation.clue_handling)) v
	UNION ALL SELECT 'department_kind', v::text, escalation.department_kind_label(v) FROM unnest(enum_range(NULL::escalation.department_kind)) v
	UNION ALL SELECT 'dp_check_result', v::text, escalation.dp_check_result_label(v) FROM unnest(enum_range(NULL::escalation.dp_check_result)) v
	UNION ALL SELECT 'dp_control_level', v::text, escalation.dp_control_level_label(v) FROM unnest(enum_range(NULL::escalation.dp_control_level)) v
	UNION ALL SELECT 'dp_risk_grade', v::text, escalation.dp_risk_grade_label(v) FROM unnest(enum_range(NULL::escalation.dp_risk_grade)) v
	UNION ALL SELECT 'dual_prevention_scope', v::text, escalation.dual_prevention_scope_label(v) FROM unnest(enum_range(NULL::escalation.dual_prevention_scope)) v
	UNION ALL SELECT 'duty_role', v::text, escalation.duty_role_label(v) FROM unnest(enum_range(NULL::escalation.duty_role)) v
	UNION ALL SELECT 'gap_reason', v::text, escalation.gap_reason_label(v) FROM unnest(enum_range(NULL::escalation.gap_reason)) v
	UNION ALL SELECT 'handling_state', v::text, escalation.handling_state_label(v) FROM unnest(enum_range(NULL::escalation.handling_state)) v
	UNION ALL SELECT 'handling_step', v::text, escalation.handling_step_label(v) FROM unnest(enum_range(NULL::escalation.handling_step)) v
	UNION ALL SELECT 'handling_timer', v::text, escalation.handling_timer_label(v) FROM unnest(enum_range(NULL::escalation.handling_timer)) v
	UNION ALL SELECT 'hazard_category', v::text, escalation.hazard_category_label(v) FROM unnest(enum_range(NULL::escalation.hazard_category)) v
	UNION ALL SELECT 'hazard_grade', v::text, escalation.hazard_grade_label(v) FROM unnest(enum_range(NULL::escalation.hazard_grade)) v
	UNION ALL SELECT 'hazard_source', v::text, escalation.hazard_source_label(v) FROM unnest(enum_range(NULL::escalation.hazard_source)) v
	UNION ALL SELECT 'hazard_status', v::text, escalation.hazard_status_label(v) FROM unnest(enum_range(NULL::escalation.hazard_status)) v
	UNION ALL SELECT 'hazard_step', v::text, escalation.hazard_step_label(v) FROM unnest(enum_range(NULL::escalation.hazard_step)) v
	UNION ALL SELECT 'inspection_kind', v::text, escalation.inspection_kind_label(v) FROM unnest(enum_range(NULL::escalation.inspection_kind)) v
	UNION ALL SELECT 'inspection_mode', v::text, escalation.inspection_mode_label(v) FROM unnest(enum_range(NULL::escalation.inspection_mode)) v
	UNION ALL SELECT 'level', v::text, escalation.level_label(v) FROM unnest(enum_range(NULL::escalation.level)) v
	UNION ALL SELECT 'recheck_result', v::text, escalation.recheck_result_label(v) FROM unnest(enum_range(NULL::escalation.recheck_result)) v
	UNION ALL SELECT 'safety_state', v::text, escalation.safety_state_label(v) FROM unnest(enum_range(NULL::escalation.safety_state)) v
	UNION ALL SELECT 'social_function', v::text, escalation.social_function_label(v) FROM unnest(enum_range(NULL::escalation.social_function)) v
	UNION ALL SELECT 'supervision_type', v::text, escalation.supervision_type_label(v) FROM unnest(enum_range(NULL::escalation.supervision_type)) v
	UNION ALL SELECT 'warning_action', v::text, escalation.warning_action_label(v) FROM unnest(enum_range(NULL::escalation.warning_action)) v
	UNION ALL SELECT 'warning_kind', v::text, escalation.warning_kind_label(v) FROM unnest(enum_range(NULL::escalation.warning_kind)) v
	UNION ALL SELECT 'warning_resolution', v::text, escalation.warning_resolution_label(v) FROM unnest(enum_range(NULL::escalation.warning_resolution)) v;
COMMENT ON VIEW escalation.enum_label IS
	'Every value of every enum of the extension with its Chinese label, a lookup table for BI tools. 枚举值中文对照';
COMMENT ON COLUMN escalation.enum_label.enum_type IS 'The enum type (in schema escalation). 枚举类型';
COMMENT ON COLUMN escalation.enum_label.value IS 'The value as stored. 取值';
COMMENT ON COLUMN escalation.enum_label.label IS 'Its Chinese label. 中文名称';

------------------------------------------------------------------------------
-- Analyst views (分析视图): escalation.<table>_analyst for every table an
-- analyst may read, with exactly the columns the analyst may read (unit, person
-- and unit_history hold personal and contact data the analyst may not see, so
-- SELECT * on them fails with 42501). Region and uscc codes are text, as BI
-- drivers read them; every enum column comes with its Chinese label as
-- <column>_label. The views run with the caller's rights (security_invoker).
------------------------------------------------------------------------------

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

CREATE VIEW escalation.department_analyst WITH (security_invoker = true) AS
	SELECT t.id,
		t.name,
		t.level,
		escalation.level_label(t.level) AS level_label,
		t.region::text AS region,
		t.parent_id,
		t.kind,
		escalation.department_kind_label(t.kind) AS kind_label,
		t.created_at
	FROM escalation.department t;
COMMENT ON VIEW escalation.department_analyst IS
	'What an analyst may read of escalation.department, for BI tools: its permitted columns, region and uscc codes as text, enum columns with their Chinese labels. 部门/单位（分析视图）';
COMMENT ON COLUMN escalation.department_analyst.id IS 'Department id (generated). 部门编号';
COMMENT ON COLUMN escalation.department_analyst.name IS 'Full name, unique within its region, e.g. 济南市应急管理局. 部门名称';
COMMENT ON COLUMN escalation.department_analyst.level IS 'City, district or street; must be the level of region (filled from it when omitted). 层级';
COMMENT ON COLUMN escalation.department_analyst.level_label IS 'level in Chinese (escalation.level_label). 层级（中文）';
COMMENT ON COLUMN escalation.department_analyst.region IS 'The city, district or street the department answers for. 所属区划';
COMMENT ON COLUMN escalation.department_analyst.parent_id IS 'Department it reports to; its region contains this one''s. 上级部门';
COMMENT ON COLUMN escalation.department_analyst.kind IS 'Party committee, government, functional department, street office, ... 部门类别';
COMMENT ON COLUMN escalation.department_analyst.kind_label IS 'kind in Chinese (escalation.department_kind_label). 部门类别（中文）';
COMMENT ON COLUMN escalation.department_analyst.created_at IS 'When the department was entered. 创建时间';

CREATE VIEW escalation.division_analyst WITH (security_invoker = true) AS
	SELECT t.code::text AS code,
		t.name
	FROM escalation.division t;
COMMENT ON VIEW escalation.division_analyst IS
	'What an analyst may read of escalation.division, for BI tools: its permitted columns, region and uscc codes as text, enum columns with their Chinese labels. 行政区划（分析视图）';
COMMENT ON COLUMN escalation.division_analyst.code IS 'Division code (6 digits: province/city/district; 9 digits: street/town). 区划代码';
COMMENT ON COLUMN escalation.division_analyst.name IS 'Official name, e.g. 历下区, 解放路街道. 名称';

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
COMMENT ON COLUMN escalation.dp_run_analyst.task_id IS 'The scheduled task completed, of the same unit. 排查任务';
COMMENT ON COLUMN escalation.dp_run_analyst.result IS 'normal or hazards_found. 排查结果';
COMMENT ON COLUMN escalation.dp_run_analyst.result_label IS 'result in Chinese (escalation.dp_check_result_label). 排查结果（中文）';
COMMENT ON COLUMN escalation.dp_run_analyst.hazard_id IS 'The hazard self-reported from this check, if any. 上报隐患';
COMMENT ON COLUMN escalation.dp_run_analyst.checked_by IS 'Who at the unit checked. 排查人';
COMMENT ON COLUMN escalation.dp_run_analyst.note IS 'Notes. 备注';
COMMENT ON COLUMN escalation.dp_run_analyst.region IS 'Region of the unit (kept by trigger, for row-level security). 所属区划';
COMMENT ON COLUMN escalation.dp_run_analyst.recorded_at IS 'When it was recorded. 录入时间';
COMMENT ON COLUMN escalation.dp_run_analyst.recorded_by IS 'Role that recorded it. 录入人';

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

CREATE VIEW escalation.duty_analyst WITH (security_invoker = true) AS
	SELECT t.id,
		t.department_id,
		t.person_id,
		t.role,
		escalation.duty_role_label(t.role) AS role_label,
		t.office_id,
		t.period,
		t.note,
		t.region::text AS region,
		t.created_at,
		t.created_by
	FROM escalation.duty t;
COMMENT ON VIEW escalation.duty_analyst IS
	'What an analyst may read of escalation.duty, for BI tools: its permitted columns, region and uscc codes as text, enum columns with their Chinese labels. 安全生产责任分工（分析视图）';
COMMENT ON COLUMN escalation.duty_analyst.id IS 'Duty id (generated). 责任编号';
COMMENT ON COLUMN escalation.duty_analyst.department_id IS 'Department the duty is held in. 部门';
COMMENT ON COLUMN escalation.duty_analyst.person_id IS 'The person; must work in the department. 责任人';
COMMENT ON COLUMN escalation.duty_analyst.role IS 'Which duty: first responsible, responsible-in-charge, other in-charge, lead/other office, liaison. 责任类别';
COMMENT ON COLUMN escalation.duty_analyst.role_label IS 'role in Chinese (escalation.duty_role_label). 责任类别（中文）';
COMMENT ON COLUMN escalation.duty_analyst.office_id IS 'Office of the department the duty is tied to (required for office duties). 处科室';
COMMENT ON COLUMN escalation.duty_analyst.period IS 'Days the duty is held: [first day, first day no longer held); open end = still held. 任职期间';
COMMENT ON COLUMN escalation.duty_analyst.note IS 'What the duty covers, in the department''s words. 分工说明';
COMMENT ON COLUMN escalation.duty_analyst.region IS 'Region of the department (kept by trigger, for row-level security). 所属区划';
COMMENT ON COLUMN escalation.duty_analyst.created_at IS 'When the duty was entered. 录入时间';
COMMENT ON COLUMN escalation.duty_analyst.created_by IS 'Role that entered it. 录入人';

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

CREATE VIEW escalation.industry_analyst WITH (security_invoker = true) AS
	SELECT t.code,
		t.name,
		t.category,
		t.competent_department,
		t.dual_prevention_scope,
		escalation.dual_prevention_scope_label(t.dual_prevention_scope) AS dual_prevention_scope_label,
		t.dual_prevention_mandatory,
		t.builtin
	FROM escalation.industry t;
COMMENT ON VIEW escalation.industry_analyst IS
	'What an analyst may read of escalation.industry, for BI tools: its permitted columns, region and uscc codes as text, enum columns with their Chinese labels. 行业分类（分析视图）';
COMMENT ON COLUMN escalation.industry_analyst.code IS 'Industry code: 1-16 letters, digits, dot, dash or underscore. 行业代码';
COMMENT ON COLUMN escalation.industry_analyst.name IS 'Industry name. 行业名称';
COMMENT ON COLUMN escalation.industry_analyst.category IS 'Broad sector, e.g. 工矿商贸, 交通运输, 建设工程. 行业大类';
COMMENT ON COLUMN escalation.industry_analyst.competent_department IS 'Name of the competent city department in the task division. 行业主管/监管部门';
COMMENT ON COLUMN escalation.industry_analyst.dual_prevention_scope IS 'The §12 clause that concerns this industry, if any. 双重预防机制适用条款';
COMMENT ON COLUMN escalation.industry_analyst.dual_prevention_scope_label IS 'dual_prevention_scope in Chinese (escalation.dual_prevention_scope_label). 双重预防机制适用条款（中文）';
COMMENT ON COLUMN escalation.industry_analyst.dual_prevention_mandatory IS 'True when every unit of the industry must run the dual prevention mechanism (§12). 是否必须建立双重预防机制';
COMMENT ON COLUMN escalation.industry_analyst.builtin IS 'Shipped with the extension; read-only, restored by CREATE EXTENSION rather than by pg_dump. 内置';

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

CREATE VIEW escalation.licence_analyst WITH (security_invoker = true) AS
	SELECT t.id,
		t.unit_id,
		t.kind,
		t.number,
		t.issuer,
		t.valid_from,
		t.valid_until,
		t.safety_licence,
		t.superseded_at,
		t.superseded_by,
		t.region::text AS region,
		t.created_at
	FROM escalation.licence t;
COMMENT ON VIEW escalation.licence_analyst IS
	'What an analyst may read of escalation.licence, for BI tools: its permitted columns, region and uscc codes as text, enum columns with their Chinese labels. 证件（分析视图）';
COMMENT ON COLUMN escalation.licence_analyst.id IS 'Licence id (generated). 证件编号';
COMMENT ON COLUMN escalation.licence_analyst.unit_id IS 'The unit holding the licence. 持证单位';
COMMENT ON COLUMN escalation.licence_analyst.kind IS 'Kind of licence, e.g. 安全生产许可证, 危险化学品经营许可证. 证件类型';
COMMENT ON COLUMN escalation.licence_analyst.number IS 'Licence number as printed. 证件号码';
COMMENT ON COLUMN escalation.licence_analyst.issuer IS 'Issuing authority. 发证机关';
COMMENT ON COLUMN escalation.licence_analyst.valid_from IS 'First day of validity. 有效期起';
COMMENT ON COLUMN escalation.licence_analyst.valid_until IS 'Last day of validity; it expires at the start of the next day in escalation.timezone. 有效期至';
COMMENT ON COLUMN escalation.licence_analyst.safety_licence IS 'A safety-production licence, watched by the licence_expired ladder. 是否安全生产许可类证件';
COMMENT ON COLUMN escalation.licence_analyst.superseded_at IS 'When the licence was renewed or otherwise superseded (handles its expiry). 换发/失效处理时间';
COMMENT ON COLUMN escalation.licence_analyst.superseded_by IS 'The licence that replaced it, when renewed. 换发后的证件';
COMMENT ON COLUMN escalation.licence_analyst.region IS 'Region of the unit (kept by trigger, for row-level security). 所属区划';
COMMENT ON COLUMN escalation.licence_analyst.created_at IS 'When the licence was entered. 录入时间';

CREATE VIEW escalation.office_analyst WITH (security_invoker = true) AS
	SELECT t.id,
		t.department_id,
		t.name,
		t.is_lead,
		t.responsibilities,
		t.region::text AS region
	FROM escalation.office t;
COMMENT ON VIEW escalation.office_analyst IS
	'What an analyst may read of escalation.office, for BI tools: its permitted columns, region and uscc codes as text, enum columns with their Chinese labels. 处/科室（分析视图）';
COMMENT ON COLUMN escalation.office_analyst.id IS 'Office id (generated). 处科室编号';
COMMENT ON COLUMN escalation.office_analyst.department_id IS 'The department. 所属部门';
COMMENT ON COLUMN escalation.office_analyst.name IS 'Name, unique within the department, e.g. 安全生产综合协调科. 处科室名称';
COMMENT ON COLUMN escalation.office_analyst.is_lead IS 'The lead office for work safety of its department (at most one). 是否牵头处科室';
COMMENT ON COLUMN escalation.office_analyst.responsibilities IS 'Its work-safety responsibilities (分工). 安全生产职责';
COMMENT ON COLUMN escalation.office_analyst.region IS 'Region of the department (kept by trigger, for row-level security). 所属区划';

CREATE VIEW escalation.person_analyst WITH (security_invoker = true) AS
	SELECT t.id,
		t.department_id,
		t.name,
		t.title,
		t.region::text AS region
	FROM escalation.person t;
COMMENT ON VIEW escalation.person_analyst IS
	'What an analyst may read of escalation.person, for BI tools: its permitted columns, region and uscc codes as text, enum columns with their Chinese labels. 人员（分析视图）';
COMMENT ON COLUMN escalation.person_analyst.id IS 'Person id (generated). 人员编号';
COMMENT ON COLUMN escalation.person_analyst.department_id IS 'Department the person works in; a transfer to another department is a new person row. 所在部门';
COMMENT ON COLUMN escalation.person_analyst.name IS 'Full name. 姓名';
COMMENT ON COLUMN escalation.person_analyst.title IS 'Post, e.g. 局长, 副主任, 科长. 职务';
COMMENT ON COLUMN escalation.person_analyst.region IS 'Region of the department (kept by trigger, for row-level security). 所属区划';

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

CREATE VIEW escalation.safety_rule_analyst WITH (security_invoker = true) AS
	SELECT t.id,
		t.unit_id,
		t.title,
		t.category,
		t.document_ref,
		t.issued_on,
		t.revised_on,
		t.region::text AS region
	FROM escalation.safety_rule t;
COMMENT ON VIEW escalation.safety_rule_analyst IS
	'What an analyst may read of escalation.safety_rule, for BI tools: its permitted columns, region and uscc codes as text, enum columns with their Chinese labels. 安全管理制度（分析视图）';
COMMENT ON COLUMN escalation.safety_rule_analyst.id IS 'Rule id (generated). 制度编号';
COMMENT ON COLUMN escalation.safety_rule_analyst.unit_id IS 'The unit. 单位';
COMMENT ON COLUMN escalation.safety_rule_analyst.title IS 'Title of the rule or document. 制度名称';
COMMENT ON COLUMN escalation.safety_rule_analyst.category IS 'responsibility 安全生产责任制, training 教育培训, hazard_inspection 隐患排查, risk_control 风险管控, emergency 应急管理, operating_procedure 操作规程, equipment 设备设施, other 其他.';
COMMENT ON COLUMN escalation.safety_rule_analyst.document_ref IS 'Where the document is kept (number, file reference or address). 文件索引';
COMMENT ON COLUMN escalation.safety_rule_analyst.issued_on IS 'Date issued. 发布日期';
COMMENT ON COLUMN escalation.safety_rule_analyst.revised_on IS 'Date last revised. 修订日期';
COMMENT ON COLUMN escalation.safety_rule_analyst.region IS 'Region of the unit (kept by trigger, for row-level security). 所属区划';

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

CREATE VIEW escalation.supervision_assignment_analyst WITH (security_invoker = true) AS
	SELECT t.id,
		t.unit_id,
		t.department_id,
		t.office_id,
		t.supervisor_id,
		t.supervision_type,
		escalation.supervision_type_label(t.supervision_type) AS supervision_type_label,
		t.level,
		escalation.level_label(t.level) AS level_label,
		t.period,
		t.note,
		t.region::text AS region,
		t.department_region::text AS department_region,
		t.created_at,
		t.created_by
	FROM escalation.supervision_assignment t;
COMMENT ON VIEW escalation.supervision_assignment_analyst IS
	'What an analyst may read of escalation.supervision_assignment, for BI tools: its permitted columns, region and uscc codes as text, enum columns with their Chinese labels. 监管责任落实（分析视图）';
COMMENT ON COLUMN escalation.supervision_assignment_analyst.id IS 'Assignment id (generated). 监管责任编号';
COMMENT ON COLUMN escalation.supervision_assignment_analyst.unit_id IS 'The supervised unit. 监管对象';
COMMENT ON COLUMN escalation.supervision_assignment_analyst.department_id IS 'Responsible department; one current assignment per unit and department. 监管部门';
COMMENT ON COLUMN escalation.supervision_assignment_analyst.office_id IS 'Responsible office of that department. 监管处科室';
COMMENT ON COLUMN escalation.supervision_assignment_analyst.supervisor_id IS 'Named supervisor, a person of that department. 监管人员';
COMMENT ON COLUMN escalation.supervision_assignment_analyst.supervision_type IS 'Industry supervision, industry authority, special supervision, territorial or other. 监管类型';
COMMENT ON COLUMN escalation.supervision_assignment_analyst.supervision_type_label IS 'supervision_type in Chinese (escalation.supervision_type_label). 监管类型（中文）';
COMMENT ON COLUMN escalation.supervision_assignment_analyst.level IS 'Level of the supervision: the department''s level (filled from it when omitted). 监管层级';
COMMENT ON COLUMN escalation.supervision_assignment_analyst.level_label IS 'level in Chinese (escalation.level_label). 监管层级（中文）';
COMMENT ON COLUMN escalation.supervision_assignment_analyst.period IS 'Days the assignment holds: [first day, first day no longer); open end = current. 责任期间';
COMMENT ON COLUMN escalation.supervision_assignment_analyst.note IS 'Scope or basis of the assignment. 说明';
COMMENT ON COLUMN escalation.supervision_assignment_analyst.region IS 'Region of the unit (kept by trigger, for row-level security). 所属区划';
COMMENT ON COLUMN escalation.supervision_assignment_analyst.department_region IS 'Region of the department (kept by trigger), so that the unit''s district sees a supervision by a department outside it. 监管部门所属区划';
COMMENT ON COLUMN escalation.supervision_assignment_analyst.created_at IS 'When the assignment was entered. 录入时间';
COMMENT ON COLUMN escalation.supervision_assignment_analyst.created_by IS 'Role that entered it. 录入人';

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

CREATE VIEW escalation.unit_analyst WITH (security_invoker = true) AS
	SELECT t.id,
		t.name,
		t.uscc::text AS uscc,
		t.region::text AS region,
		t.supervision_level,
		escalation.level_label(t.supervision_level) AS supervision_level_label,
		t.social_function,
		escalation.social_function_label(t.social_function) AS social_function_label,
		t.industry_code,
		t.supervision_types,
		t.address,
		t.employees,
		t.dust_workers,
		t.ammonia_refrigeration,
		t.business_status,
		escalation.business_status_label(t.business_status) AS business_status_label,
		t.created_at,
		t.updated_at
	FROM escalation.unit t;
COMMENT ON VIEW escalation.unit_analyst IS
	'What an analyst may read of escalation.unit, for BI tools: its permitted columns, region and uscc codes as text, enum columns with their Chinese labels. 监管对象: 生产经营单位（分析视图）';
COMMENT ON COLUMN escalation.unit_analyst.id IS 'Unit id (generated). 单位编号';
COMMENT ON COLUMN escalation.unit_analyst.name IS 'Registered name. 单位名称';
COMMENT ON COLUMN escalation.unit_analyst.uscc IS 'Unified social credit code; may be missing for nine-small-venue units. 统一社会信用代码';
COMMENT ON COLUMN escalation.unit_analyst.region IS 'Street/town (9 digits) or district (6 digits) where the unit is. 所在街道（镇）/区县';
COMMENT ON COLUMN escalation.unit_analyst.supervision_level IS 'Level that supervises the unit: city, district or street. 监管层级';
COMMENT ON COLUMN escalation.unit_analyst.supervision_level_label IS 'supervision_level in Chinese (escalation.level_label). 监管层级（中文）';
COMMENT ON COLUMN escalation.unit_analyst.social_function IS 'Social function. 社会功能';
COMMENT ON COLUMN escalation.unit_analyst.social_function_label IS 'social_function in Chinese (escalation.social_function_label). 社会功能（中文）';
COMMENT ON COLUMN escalation.unit_analyst.industry_code IS 'Industry category (escalation.industry). 行业类型';
COMMENT ON COLUMN escalation.unit_analyst.supervision_types IS 'Supervision types the unit falls under (§4 classification; the responsible departments are in the responsibility database). 监管类型';
COMMENT ON COLUMN escalation.unit_analyst.address IS 'Address of the premises. 地址';
COMMENT ON COLUMN escalation.unit_analyst.employees IS 'Number of employees. 从业人员数';
COMMENT ON COLUMN escalation.unit_analyst.dust_workers IS 'Workers in dust operations (粉尘作业人员); more than 10 makes dual prevention mandatory (§12).';
COMMENT ON COLUMN escalation.unit_analyst.ammonia_refrigeration IS 'Uses ammonia refrigeration (涉氨制冷); with food processing it makes dual prevention mandatory (§12).';
COMMENT ON COLUMN escalation.unit_analyst.business_status IS 'Operating, suspended or closed. 经营状态';
COMMENT ON COLUMN escalation.unit_analyst.business_status_label IS 'business_status in Chinese (escalation.business_status_label). 经营状态（中文）';
COMMENT ON COLUMN escalation.unit_analyst.created_at IS 'When the unit was entered. 创建时间';
COMMENT ON COLUMN escalation.unit_analyst.updated_at IS 'When the unit was last changed. 更新时间';

CREATE VIEW escalation.unit_history_analyst WITH (security_invoker = true) AS
	SELECT t.id,
		t.unit_id,
		t.region::text AS region,
		t.table_name,
		t.row_id,
		t.operation,
		t.changed_by,
		t.changed_at,
		t.changed_columns
	FROM escalation.unit_history t;
COMMENT ON VIEW escalation.unit_history_analyst IS
	'What an analyst may read of escalation.unit_history, for BI tools: its permitted columns, region and uscc codes as text, enum columns with their Chinese labels. 监管对象变更记录（分析视图）';
COMMENT ON COLUMN escalation.unit_history_analyst.id IS 'History entry id. 记录编号';
COMMENT ON COLUMN escalation.unit_history_analyst.unit_id IS 'The unit concerned. 单位';
COMMENT ON COLUMN escalation.unit_history_analyst.region IS 'Region of the unit at the time (follows later moves). 所属区划';
COMMENT ON COLUMN escalation.unit_history_analyst.table_name IS 'unit, licence or safety_rule. 数据表';
COMMENT ON COLUMN escalation.unit_history_analyst.row_id IS 'Id of the changed row. 记录编号';
COMMENT ON COLUMN escalation.unit_history_analyst.operation IS 'INSERT, UPDATE or DELETE. 操作';
COMMENT ON COLUMN escalation.unit_history_analyst.changed_by IS 'Role that made the change (its SET ROLE, else its login role; also for changes made through platform functions). 操作人';
COMMENT ON COLUMN escalation.unit_history_analyst.changed_at IS 'Time of the statement that made the change. 操作时间';
COMMENT ON COLUMN escalation.unit_history_analyst.changed_columns IS 'Columns whose value changed (UPDATE). 变更字段';

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
	escalation.campaign_analyst,
	escalation.campaign_target_analyst,
	escalation.clue_analyst,
	escalation.department_analyst,
	escalation.division_analyst,
	escalation.dp_assessment_analyst,
	escalation.dp_check_task_analyst,
	escalation.dp_risk_point_analyst,
	escalation.dp_run_analyst,
	escalation.dual_prevention_analyst,
	escalation.duty_analyst,
	escalation.hazard_analyst,
	escalation.hazard_history_analyst,
	escalation.industry_analyst,
	escalation.inspection_analyst,
	escalation.inspection_inspector_analyst,
	escalation.licence_analyst,
	escalation.office_analyst,
	escalation.person_analyst,
	escalation.rule_default_analyst,
	escalation.rule_override_analyst,
	escalation.run_log_analyst,
	escalation.safety_rule_analyst,
	escalation.stage_due_analyst,
	escalation.supervision_assignment_analyst,
	escalation.tracked_item_analyst,
	escalation.unit_analyst,
	escalation.unit_history_analyst,
	escalation.warning_analyst,
	escalation.warning_addressee_analyst,
	escalation.warning_step_analyst
TO escalation_admin, escalation_analyst;

------------------------------------------------------------------------------
-- The data dictionary (数据字典)
------------------------------------------------------------------------------

-- The English and the Chinese part of a comment written "English text. 中文"
-- (the Chinese part is the last sentence, without Latin letters), and the
-- first Chinese term in parentheses, for comments that have one instead.
CREATE FUNCTION escalation.comment_parts(comment text, OUT english text, OUT chinese text, OUT term text)
LANGUAGE sql IMMUTABLE PARALLEL SAFE
BEGIN ATOMIC
	SELECT coalesce(m[1], comment), rtrim(m[2], '.。 '),
		(regexp_match(comment, '\(([^()A-Za-z]*[一-龥][^()A-Za-z]*)\)'))[1]
	FROM (SELECT regexp_match(comment, '^(.*[.)])\s+([^A-Za-z]*[一-龥][^A-Za-z]*)$') AS m) x;
END;
COMMENT ON FUNCTION escalation.comment_parts(text) IS
	'Splits a comment written "English text. 中文" into its English and its Chinese part, and gives the first Chinese term in parentheses. 注释中英文拆分';

-- The rows of the data dictionary. Its search_path is pinned so that type names
-- read the same whatever the caller's (escalation's types qualified).
CREATE FUNCTION escalation.data_dictionary_rows()
RETURNS TABLE (object_type text, object_name text, column_name name, "position" integer, data_type text,
			   comment_en text, comment_zh text, comment text, readable boolean)
LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp
BEGIN ATOMIC
	WITH member AS (
		SELECT d.classid, d.objid
		FROM pg_catalog.pg_depend d
		JOIN pg_catalog.pg_extension e ON e.oid = d.refobjid
		WHERE d.refclassid = 'pg_catalog.pg_extension'::pg_catalog.regclass AND e.extname = 'escalation'
			AND d.deptype = 'e'
	), entry AS (
		SELECT CASE c.relkind WHEN 'v' THEN 'view' WHEN 'm' THEN 'materialized view' ELSE 'table' END AS object_type,
			pg_catalog.format('%I.%I', n.nspname, c.relname) AS object_name, NULL::name AS column_name,
			0 AS position, NULL::text AS data_type,
			pg_catalog.obj_description(c.oid, 'pg_class') AS comment,
			pg_catalog.has_any_column_privilege(c.oid, 'SELECT') AS readable, NULL::text AS value_labels
		FROM member m
		JOIN pg_catalog.pg_class c ON c.oid = m.objid AND m.classid = 'pg_catalog.pg_class'::pg_catalog.regclass
		JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
		WHERE c.relkind IN ('r', 'p', 'v', 'm')
		UNION ALL
		SELECT 'column', pg_catalog.format('%I.%I', n.nspname, c.relname), a.attname, a.attnum,
			pg_catalog.format_type(a.atttypid, a.atttypmod), pg_catalog.col_description(c.oid, a.attnum),
			pg_catalog.has_column_privilege(c.oid, a.attnum, 'SELECT'), NULL
		FROM member m
		JOIN pg_catalog.pg_class c ON c.oid = m.objid AND m.classid = 'pg_catalog.pg_class'::pg_catalog.regclass
		JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
		JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
		WHERE c.relkind IN ('r', 'p', 'v', 'm')
		UNION ALL
		SELECT 'function',
			pg_catalog.format('%I.%I(%s)', n.nspname, p.proname, pg_catalog.pg_get_function_identity_arguments(p.oid)),
			NULL, 0, pg_catalog.pg_get_function_result(p.oid), pg_catalog.obj_description(p.oid, 'pg_proc'),
			pg_catalog.has_function_privilege(p.oid, 'EXECUTE'), NULL
		FROM member m
		JOIN pg_catalog.pg_proc p ON p.oid = m.objid AND m.classid = 'pg_catalog.pg_proc'::pg_catalog.regclass
		JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
		UNION ALL
		SELECT CASE t.typtype WHEN 'e' THEN 'enum' WHEN 'd' THEN 'domain' WHEN 'c' THEN 'composite type' ELSE 'type' END,
			pg_catalog.format('%I.%I', n.nspname, t.typname), NULL, 0,
			CASE t.typtype WHEN 'e' THEN (SELECT pg_catalog.string_agg(pg_catalog.quote_literal(v.enumlabel), ', ' ORDER BY v.enumsortorder)
										  FROM pg_catalog.pg_enum v WHERE v.enumtypid = t.oid) END,
			pg_catalog.obj_description(t.oid, 'pg_type'), true,
			(SELECT pg_catalog.string_agg(l.label, '、' ORDER BY v.enumsortorder)
			 FROM pg_catalog.pg_enum v JOIN escalation.enum_label l ON l.enum_type = t.typname AND l.value = v.enumlabel
			 WHERE v.enumtypid = t.oid)
		FROM member m
		JOIN pg_catalog.pg_type t ON t.oid = m.objid AND m.classid = 'pg_catalog.pg_type'::pg_catalog.regclass
		JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace
	)
	SELECT e.object_type, e.object_name, e.column_name, e.position, e.data_type, p.english,
		coalesce(p.chinese, e.value_labels, p.term), e.comment, e.readable
	FROM entry e
	CROSS JOIN LATERAL escalation.comment_parts(e.comment) p;
END;
COMMENT ON FUNCTION escalation.data_dictionary_rows() IS
	'The rows of escalation.data_dictionary. 数据字典内容';

CREATE VIEW escalation.data_dictionary AS
	SELECT * FROM escalation.data_dictionary_rows();
COMMENT ON VIEW escalation.data_dictionary IS
	'The data dictionary of the extension: every table, view, column, function and type with its type and its comment, split into English and Chinese, and whether the caller may read (or call) it. 数据字典';
COMMENT ON COLUMN escalation.data_dictionary.object_type IS 'table, view, column, function, enum, type, domain or composite type. 对象类别';
COMMENT ON COLUMN escalation.data_dictionary.object_name IS 'Qualified name of the table, view, function (with its arguments) or type; for a column, its table or view. 对象名称';
COMMENT ON COLUMN escalation.data_dictionary.column_name IS 'The column, for columns. 字段名';
COMMENT ON COLUMN escalation.data_dictionary.position IS 'Position of the column in its table or view; 0 for other objects. 字段序号';
COMMENT ON COLUMN escalation.data_dictionary.data_type IS 'Type of the column, result of the function, values of the enum. 数据类型';
COMMENT ON COLUMN escalation.data_dictionary.comment_en IS 'The comment in English. 英文说明';
COMMENT ON COLUMN escalation.data_dictionary.comment_zh IS 'The Chinese term or text of the comment; for an enum, the Chinese labels of its values. 中文说明';
COMMENT ON COLUMN escalation.data_dictionary.comment IS 'The whole comment as written. 注释原文';
COMMENT ON COLUMN escalation.data_dictionary.readable IS 'Whether the caller may read the table, view or column, or call the function. 当前用户是否可读';

------------------------------------------------------------------------------
-- Privileges
------------------------------------------------------------------------------

REVOKE ALL ON FUNCTION
	escalation.level_label(escalation.level), escalation.social_function_label(escalation.social_function),
	escalation.supervision_type_label(escalation.supervision_type),
	escalation.dual_prevention_scope_label(escalation.dual_prevention_scope),
	escalation.business_status_label(escalation.business_status),
	escalation.inspection_kind_label(escalation.inspection_kind), escalation.inspection_mode_label(escalation.inspection_mode),
	escalation.hazard_source_label(escalation.hazard_source), escalation.hazard_category_label(escalation.hazard_category),
	escalation.hazard_step_label(escalation.hazard_step), escalation.recheck_result_label(escalation.recheck_result),
	escalation.dp_control_level_label(escalation.dp_control_level),
	escalation.dp_check_result_label(escalation.dp_check_result), escalation.comment_parts(text),
	escalation.data_dictionary_rows()
FROM PUBLIC;
GRANT EXECUTE ON FUNCTION
	escalation.level_label(escalation.level), escalation.social_function_label(escalation.social_function),
	escalation.supervision_type_label(escalation.supervision_type),
	escalation.dual_prevention_scope_label(escalation.dual_prevention_scope),
	escalation.business_status_label(escalation.business_status),
	escalation.inspection_kind_label(escalation.inspection_kind), escalation.inspection_mode_label(escalation.inspection_mode),
	escalation.hazard_source_label(escalation.hazard_source), escalation.hazard_category_label(escalation.hazard_category),
	escalation.hazard_step_label(escalation.hazard_step), escalation.recheck_result_label(escalation.recheck_result),
	escalation.dp_control_level_label(escalation.dp_control_level),
	escalation.dp_check_result_label(escalation.dp_check_result), escalation.comment_parts(text)
TO escalation_admin, escalation_user, escalation_analyst, escalation_screen;
GRANT EXECUTE ON FUNCTION escalation.data_dictionary_rows() TO escalation_admin, escalation_user, escalation_analyst;
GRANT SELECT ON escalation.enum_label, escalation.data_dictionary TO escalation_admin, escalation_user, escalation_analyst;
