-- Analyst views of the supervised objects and the responsibility database (分析视图).

------------------------------------------------------------------------------
-- Analyst views (分析视图): escalation.<table>_analyst for every table an
-- analyst may read, with exactly the columns the analyst may read (unit, person
-- and unit_history hold personal and contact data the analyst may not see, so
-- SELECT * on them fails with 42501). Region and uscc codes are text, as BI
-- drivers read them; every enum column comes with its Chinese label as
-- <column>_label. The views run with the caller's rights (security_invoker).
------------------------------------------------------------------------------

CREATE VIEW escalation.division_analyst WITH (security_invoker = true) AS
	SELECT t.code::text AS code,
		t.name
	FROM escalation.division t;
COMMENT ON VIEW escalation.division_analyst IS
	'What an analyst may read of escalation.division, for BI tools: its permitted columns, region and uscc codes as text, enum columns with their Chinese labels. 行政区划（分析视图）';
COMMENT ON COLUMN escalation.division_analyst.code IS 'Division code (6 digits: province/city/district; 9 digits: street/town). 区划代码';
COMMENT ON COLUMN escalation.division_analyst.name IS 'Official name, e.g. 历下区, 解放路街道. 名称';

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

GRANT SELECT ON
	escalation.division_analyst,
	escalation.industry_analyst,
	escalation.unit_analyst,
	escalation.licence_analyst,
	escalation.safety_rule_analyst,
	escalation.unit_history_analyst,
	escalation.department_analyst,
	escalation.office_analyst,
	escalation.person_analyst,
	escalation.duty_analyst,
	escalation.supervision_assignment_analyst
TO escalation_admin, escalation_analyst;
