-- What analysts and BI tools read (分析与数据字典), in four parts: a Chinese
-- label for every enum and every enum value with its label (enum_label) here;
-- one view per table an analyst may read with exactly the columns the analyst
-- may read (<table>_analyst, 81_ to 83_); the data dictionary of the
-- extension's objects (84_data_dictionary.sql).

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
	UNION ALL SELECT 'notification_channel_kind', v::text, escalation.notification_channel_kind_label(v) FROM unnest(enum_range(NULL::escalation.notification_channel_kind)) v
	UNION ALL SELECT 'notification_state', v::text, escalation.notification_state_label(v) FROM unnest(enum_range(NULL::escalation.notification_state)) v
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
	escalation.dp_check_result_label(escalation.dp_check_result)
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
	escalation.dp_check_result_label(escalation.dp_check_result)
TO escalation_admin, escalation_user, escalation_analyst, escalation_screen;
GRANT SELECT ON escalation.enum_label TO escalation_admin, escalation_user, escalation_analyst;
