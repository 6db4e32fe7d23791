-- Analyst views of the documents (分析视图): supervision orders, circulars and their items, the issuing
-- offices and their counters, interviews and cautions; escalation.<table>_analyst, as
-- 81_analyst_objects.sql explains.

CREATE VIEW escalation.document_office_analyst WITH (security_invoker = true) AS
	SELECT t.department_id,
		t.short_name,
		t.region::text AS region,
		t.created_at
	FROM escalation.document_office t;
COMMENT ON VIEW escalation.document_office_analyst IS
	'What an analyst may read of escalation.document_office, for BI tools: its permitted columns, region and uscc codes as text, enum columns with their Chinese labels. 发文机关（分析视图）';
COMMENT ON COLUMN escalation.document_office_analyst.department_id IS 'The office, a department of kind safety_committee_office at city or district level. 发文机关（部门）';
COMMENT ON COLUMN escalation.document_office_analyst.short_name IS 'Short name in document numbers, e.g. 济安办, 历下安办. 机关代字';
COMMENT ON COLUMN escalation.document_office_analyst.region IS 'Region of the office (follows the department). 所属区划';
COMMENT ON COLUMN escalation.document_office_analyst.created_at IS 'When the office was registered. 创建时间';

CREATE VIEW escalation.document_sequence_analyst WITH (security_invoker = true) AS
	SELECT t.office_id,
		t.series,
		t.year,
		t.last_number,
		t.region::text AS region
	FROM escalation.document_sequence t;
COMMENT ON VIEW escalation.document_sequence_analyst IS
	'What an analyst may read of escalation.document_sequence, for BI tools: its permitted columns, region and uscc codes as text, enum columns with their Chinese labels. 发文序号（分析视图）';
COMMENT ON COLUMN escalation.document_sequence_analyst.office_id IS 'The issuing office (document_office). 发文机关';
COMMENT ON COLUMN escalation.document_sequence_analyst.series IS 'order 督办单 (督〔year〕n号) or circular 通报 (通〔year〕n号). 文种';
COMMENT ON COLUMN escalation.document_sequence_analyst.year IS 'Year of issue in escalation.timezone. 年度';
COMMENT ON COLUMN escalation.document_sequence_analyst.last_number IS 'The last number issued; the next document takes the one after. 已用序号';
COMMENT ON COLUMN escalation.document_sequence_analyst.region IS 'Region of the office (follows the department). 所属区划';

CREATE VIEW escalation.supervision_order_analyst WITH (security_invoker = true) AS
	SELECT t.id,
		t.number,
		t.year,
		t.sequence,
		t.issued_by,
		t.issuing_level,
		escalation.level_label(t.issuing_level) AS issuing_level_label,
		t.issuing_region::text AS issuing_region,
		t.addressee_department_id,
		t.warning_id,
		t.title,
		t.items,
		t.measures,
		t.issued_at,
		t.reply_due_at,
		t.replied_at,
		t.reply,
		t.replied_by,
		t.region::text AS region
	FROM escalation.supervision_order t;
COMMENT ON VIEW escalation.supervision_order_analyst IS
	'What an analyst may read of escalation.supervision_order, for BI tools: its permitted columns, region and uscc codes as text, enum columns with their Chinese labels. 督办单（分析视图）';
COMMENT ON COLUMN escalation.supervision_order_analyst.id IS 'Order id (generated). 督办单编号';
COMMENT ON COLUMN escalation.supervision_order_analyst.number IS 'Document number, e.g. 历下安办督〔2026〕17号; NULL while the screen''s region has no issuing office (document_office). 文号';
COMMENT ON COLUMN escalation.supervision_order_analyst.year IS 'Year of issue in escalation.timezone. 年度';
COMMENT ON COLUMN escalation.supervision_order_analyst.sequence IS 'Number within the office and year (gapless). 序号';
COMMENT ON COLUMN escalation.supervision_order_analyst.issued_by IS 'The issuing office (安委会办公室 of the screen''s region); NULL when none is registered. 发文机关';
COMMENT ON COLUMN escalation.supervision_order_analyst.issuing_level IS 'Level of the issuing office: the warning''s screen, district or city. 督办层级';
COMMENT ON COLUMN escalation.supervision_order_analyst.issuing_level_label IS 'issuing_level in Chinese (escalation.level_label). 督办层级（中文）';
COMMENT ON COLUMN escalation.supervision_order_analyst.issuing_region IS 'Region of the issuing office: the warning''s screen region. 督办区划';
COMMENT ON COLUMN escalation.supervision_order_analyst.addressee_department_id IS 'The department it is addressed to: the warning''s addressee decided at raising; NULL when none was found. 主送部门';
COMMENT ON COLUMN escalation.supervision_order_analyst.warning_id IS 'The warning (the 督办 stage) it was issued for. 预警编号';
COMMENT ON COLUMN escalation.supervision_order_analyst.title IS 'Title of the document. 标题';
COMMENT ON COLUMN escalation.supervision_order_analyst.items IS 'The item supervised, as written on the order: kind, unit, what and since when. 督办事项';
COMMENT ON COLUMN escalation.supervision_order_analyst.measures IS 'The measures required of the addressee. 工作要求';
COMMENT ON COLUMN escalation.supervision_order_analyst.issued_at IS 'When it was issued (the run that raised the warning). 发文时间';
COMMENT ON COLUMN escalation.supervision_order_analyst.reply_due_at IS 'Reply deadline: issue plus rule_limit supervision_order_reply_within (3 days as shipped). 回复期限';
COMMENT ON COLUMN escalation.supervision_order_analyst.replied_at IS 'When the addressee replied. 回复时间';
COMMENT ON COLUMN escalation.supervision_order_analyst.reply IS 'The reply: what was done. 回复内容';
COMMENT ON COLUMN escalation.supervision_order_analyst.replied_by IS 'Role that replied. 回复人';
COMMENT ON COLUMN escalation.supervision_order_analyst.region IS 'Region of the warning, for row-level security. 所属区划';

CREATE VIEW escalation.circular_analyst WITH (security_invoker = true) AS
	SELECT t.id,
		t.number,
		t.year,
		t.sequence,
		t.issued_by,
		t.period,
		t.issued_at,
		t.issued_by_role,
		t.title,
		t.corrects,
		t.correction_reason
	FROM escalation.circular t;
COMMENT ON VIEW escalation.circular_analyst IS
	'What an analyst may read of escalation.circular, for BI tools: its permitted columns, region and uscc codes as text, enum columns with their Chinese labels. 通报（分析视图）';
COMMENT ON COLUMN escalation.circular_analyst.id IS 'Circular id (generated). 通报编号';
COMMENT ON COLUMN escalation.circular_analyst.number IS 'Document number, e.g. 济安办通〔2026〕3号. 文号';
COMMENT ON COLUMN escalation.circular_analyst.year IS 'Year of issue in escalation.timezone. 年度';
COMMENT ON COLUMN escalation.circular_analyst.sequence IS 'Number within the office and year (gapless). 序号';
COMMENT ON COLUMN escalation.circular_analyst.issued_by IS 'The issuing office: the city''s work-safety committee office. 发文机关';
COMMENT ON COLUMN escalation.circular_analyst.period IS 'The period circulated, bounded and in the past. 通报期间';
COMMENT ON COLUMN escalation.circular_analyst.issued_at IS 'When it was issued. 发文时间';
COMMENT ON COLUMN escalation.circular_analyst.issued_by_role IS 'Role that issued it (the pg_cron job''s role for the weekly circular). 签发人';
COMMENT ON COLUMN escalation.circular_analyst.title IS 'Title of the document. 标题';
COMMENT ON COLUMN escalation.circular_analyst.corrects IS 'The circular this one corrects (更正); NULL for a regular circular. 更正的通报';
COMMENT ON COLUMN escalation.circular_analyst.correction_reason IS 'Why the correction was issued. 更正原因';

CREATE VIEW escalation.circular_item_analyst WITH (security_invoker = true) AS
	SELECT t.circular_id,
		t.warning_id,
		t.item_no,
		t.reason,
		t.order_id,
		t.kind,
		escalation.warning_kind_label(t.kind) AS kind_label,
		t.stage,
		t.unit_id,
		t.unit_name,
		t.district::text AS district,
		t.district_name,
		t.department_id,
		t.department_name,
		t.item,
		t.overdue_since,
		t.overdue_by,
		t.handled_at,
		t.ladder
	FROM escalation.circular_item t;
COMMENT ON VIEW escalation.circular_item_analyst IS
	'What an analyst may read of escalation.circular_item, for BI tools: its permitted columns, region and uscc codes as text, enum columns with their Chinese labels. 通报事项（分析视图）';
COMMENT ON COLUMN escalation.circular_item_analyst.circular_id IS 'The circular. 通报编号';
COMMENT ON COLUMN escalation.circular_item_analyst.warning_id IS 'The warning: the 通报 stage, or the 督办 stage of the overdue order. 预警编号';
COMMENT ON COLUMN escalation.circular_item_analyst.item_no IS 'Place in the circular, 1..n, grouped by district and department. 序号';
COMMENT ON COLUMN escalation.circular_item_analyst.reason IS 'circulate 预警通报 (a 通报 stage) or order_overdue 督办逾期未回复. 通报事由';
COMMENT ON COLUMN escalation.circular_item_analyst.order_id IS 'order_overdue: the supervision order not answered in time. 督办单编号';
COMMENT ON COLUMN escalation.circular_item_analyst.kind IS 'Kind of warning. 预警类型';
COMMENT ON COLUMN escalation.circular_item_analyst.kind_label IS 'kind in Chinese (escalation.warning_kind_label). 预警类型（中文）';
COMMENT ON COLUMN escalation.circular_item_analyst.stage IS 'Stage of the ladder. 预警级次';
COMMENT ON COLUMN escalation.circular_item_analyst.unit_id IS 'The unit concerned, if any. 生产经营单位';
COMMENT ON COLUMN escalation.circular_item_analyst.unit_name IS 'Its name as printed. 单位名称';
COMMENT ON COLUMN escalation.circular_item_analyst.district IS 'District of the item; NULL for a city item without one. 所属区县';
COMMENT ON COLUMN escalation.circular_item_analyst.district_name IS 'Its name as printed. 区县名称';
COMMENT ON COLUMN escalation.circular_item_analyst.department_id IS 'The department that answers for it (the warning''s addressee). 责任部门';
COMMENT ON COLUMN escalation.circular_item_analyst.department_name IS 'Its name as printed. 部门名称';
COMMENT ON COLUMN escalation.circular_item_analyst.item IS 'What the circular says of the item. 通报事项';
COMMENT ON COLUMN escalation.circular_item_analyst.overdue_since IS 'Since when it is overdue: the ladder''s start (circulate) or the order''s reply deadline (order_overdue). 逾期起算时间';
COMMENT ON COLUMN escalation.circular_item_analyst.overdue_by IS 'How long it had been overdue when circulated, or until it was handled (answered) if earlier. 逾期时长';
COMMENT ON COLUMN escalation.circular_item_analyst.handled_at IS 'When the item was handled (the warning resolved), if before the circular. 处理时间';
COMMENT ON COLUMN escalation.circular_item_analyst.ladder IS 'The history of the ladder up to the circular: each stage''s day, screen and action. 预警升级过程';

CREATE VIEW escalation.admonition_analyst WITH (security_invoker = true) AS
	SELECT t.id,
		t.kind,
		t.taken_by,
		t.department_id,
		t.unit_id,
		t.taken_at,
		t.reason,
		t.note,
		t.recorded_at,
		t.recorded_by,
		t.region::text AS region
	FROM escalation.admonition t;
COMMENT ON VIEW escalation.admonition_analyst IS
	'What an analyst may read of escalation.admonition, for BI tools: its permitted columns, region and uscc codes as text, enum columns with their Chinese labels. 约谈警示记录（分析视图）';
COMMENT ON COLUMN escalation.admonition_analyst.id IS 'Record id (generated). 记录编号';
COMMENT ON COLUMN escalation.admonition_analyst.kind IS 'interview 约谈 or caution 警示. 措施类别';
COMMENT ON COLUMN escalation.admonition_analyst.taken_by IS 'The office that took it (document_office). 实施机关';
COMMENT ON COLUMN escalation.admonition_analyst.department_id IS 'The department admonished (or unit_id). 被约谈/警示部门';
COMMENT ON COLUMN escalation.admonition_analyst.unit_id IS 'The unit admonished (or department_id). 被约谈/警示单位';
COMMENT ON COLUMN escalation.admonition_analyst.taken_at IS 'When it took place. 实施时间';
COMMENT ON COLUMN escalation.admonition_analyst.reason IS 'Why. 事由';
COMMENT ON COLUMN escalation.admonition_analyst.note IS 'What was required, who attended, references to the minutes. 情况说明';
COMMENT ON COLUMN escalation.admonition_analyst.recorded_at IS 'When it was recorded. 录入时间';
COMMENT ON COLUMN escalation.admonition_analyst.recorded_by IS 'Role that recorded it. 录入人';
COMMENT ON COLUMN escalation.admonition_analyst.region IS 'Region of the department or unit admonished, for row-level security. 所属区划';

CREATE VIEW escalation.admonition_basis_analyst WITH (security_invoker = true) AS
	SELECT t.admonition_id,
		t.warning_id,
		t.circular_id,
		t.region::text AS region
	FROM escalation.admonition_basis t;
COMMENT ON VIEW escalation.admonition_basis_analyst IS
	'What an analyst may read of escalation.admonition_basis, for BI tools: its permitted columns, region and uscc codes as text, enum columns with their Chinese labels. 约谈警示依据（分析视图）';
COMMENT ON COLUMN escalation.admonition_basis_analyst.admonition_id IS 'The interview or caution. 约谈警示记录';
COMMENT ON COLUMN escalation.admonition_basis_analyst.warning_id IS 'A warning that led to it (or circular_id). 预警编号';
COMMENT ON COLUMN escalation.admonition_basis_analyst.circular_id IS 'A circular that led to it (or warning_id). 通报编号';
COMMENT ON COLUMN escalation.admonition_basis_analyst.region IS 'Region of the admonition, for row-level security. 所属区划';

GRANT SELECT ON escalation.document_office_analyst, escalation.document_sequence_analyst, escalation.supervision_order_analyst, escalation.circular_analyst, escalation.circular_item_analyst, escalation.admonition_analyst, escalation.admonition_basis_analyst
TO escalation_admin, escalation_analyst;
