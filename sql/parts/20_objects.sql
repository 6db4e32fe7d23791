-- The supervised-object database (监管对象数据库, §4–5): administrative divisions,
-- industry categories, production and business units, their licences and safety
-- management rules, and the history of every change to them.

------------------------------------------------------------------------------
-- Administrative divisions (行政区划): names for region codes
------------------------------------------------------------------------------

CREATE TABLE escalation.division (
	code escalation.region NOT NULL,
	name text NOT NULL,
	CONSTRAINT division_pkey PRIMARY KEY (code),
	CONSTRAINT division_name_not_blank CHECK (btrim(name) <> '')
);
COMMENT ON TABLE escalation.division IS
	'Administrative divisions known to the platform, with their names; loaded from the city''s list of division codes. 行政区划';
COMMENT ON COLUMN escalation.division.code IS 'Division code (6 digits: province/city/district; 9 digits: street/town). 区划代码';
COMMENT ON COLUMN escalation.division.name IS 'Official name, e.g. 历下区, 解放路街道. 名称';
SELECT pg_catalog.pg_extension_config_dump('escalation.division', '');

------------------------------------------------------------------------------
-- Industry categories (行业分类)
------------------------------------------------------------------------------

CREATE TYPE escalation.dual_prevention_scope AS ENUM
	('non_coal_mine', 'metal_smelting', 'hazardous_chemicals', 'food_processing', 'dust');
COMMENT ON TYPE escalation.dual_prevention_scope IS
	'Which clause of §12 brings an industry into the dual prevention mechanism (双重预防机制): non-coal mine 非煤矿山, metal smelting 金属冶炼, hazardous-chemical production or storage 危险化学品生产、储存 (mandatory for the whole industry); food processing 食品加工 (mandatory with ammonia refrigeration 涉氨制冷); dust 粉尘涉爆 (mandatory with more than 10 workers in dust operations).';

CREATE TABLE escalation.industry (
	code text NOT NULL,
	name text NOT NULL,
	category text,
	competent_department text,
	dual_prevention_scope escalation.dual_prevention_scope,
	dual_prevention_mandatory boolean NOT NULL DEFAULT false,
	builtin boolean NOT NULL DEFAULT false,
	CONSTRAINT industry_pkey PRIMARY KEY (code),
	CONSTRAINT industry_name_key UNIQUE (name),
	CONSTRAINT industry_code_format CHECK (code ~ '^[0-9A-Za-z._-]{1,16}$'),
	CONSTRAINT industry_name_not_blank CHECK (btrim(name) <> ''),
	CONSTRAINT industry_mandatory_has_scope CHECK (NOT dual_prevention_mandatory OR dual_prevention_scope IS NOT NULL)
);
COMMENT ON TABLE escalation.industry IS
	'Industry categories of the city''s work-safety task division (《济南市安全生产工作任务分工》, 119 categories in the city''s list); the extension ships a starter list (builtin). 行业分类';
COMMENT ON COLUMN escalation.industry.code IS 'Industry code: 1-16 letters, digits, dot, dash or underscore. 行业代码';
COMMENT ON COLUMN escalation.industry.name IS 'Industry name. 行业名称';
COMMENT ON COLUMN escalation.industry.category IS 'Broad sector, e.g. 工矿商贸, 交通运输, 建设工程. 行业大类';
COMMENT ON COLUMN escalation.industry.competent_department IS 'Name of the competent city department in the task division. 行业主管/监管部门';
COMMENT ON COLUMN escalation.industry.dual_prevention_scope IS 'The §12 clause that concerns this industry, if any. 双重预防机制适用条款';
COMMENT ON COLUMN escalation.industry.dual_prevention_mandatory IS 'True when every unit of the industry must run the dual prevention mechanism (§12). 是否必须建立双重预防机制';
COMMENT ON COLUMN escalation.industry.builtin IS 'Shipped with the extension; read-only, restored by CREATE EXTENSION rather than by pg_dump. 内置';
SELECT pg_catalog.pg_extension_config_dump('escalation.industry', 'WHERE NOT builtin');

INSERT INTO escalation.industry (code, name, category, competent_department, dual_prevention_scope, dual_prevention_mandatory, builtin) VALUES
	('S01', '非煤矿山', '工矿商贸', '市应急管理局', 'non_coal_mine', true, true),
	('S02', '金属冶炼', '工矿商贸', '市应急管理局', 'metal_smelting', true, true),
	('S03', '钢铁', '工矿商贸', '市应急管理局', 'metal_smelting', true, true),
	('S04', '有色金属冶炼', '工矿商贸', '市应急管理局', 'metal_smelting', true, true),
	('S05', '危险化学品生产', '工矿商贸', '市应急管理局', 'hazardous_chemicals', true, true),
	('S06', '危险化学品储存', '工矿商贸', '市应急管理局', 'hazardous_chemicals', true, true),
	('S07', '危险化学品经营（带储存设施）', '工矿商贸', '市应急管理局', 'hazardous_chemicals', true, true),
	('S08', '危险化学品经营（不带储存设施）', '工矿商贸', '市应急管理局', NULL, false, true),
	('S09', '烟花爆竹经营', '工矿商贸', '市应急管理局', NULL, false, true),
	('S10', '食品加工', '工矿商贸', '市工业和信息化局', 'food_processing', false, true),
	('S11', '粉尘涉爆', '工矿商贸', '市应急管理局', 'dust', false, true),
	('S12', '机械制造', '工矿商贸', '市工业和信息化局', NULL, false, true),
	('S13', '建材', '工矿商贸', '市工业和信息化局', NULL, false, true),
	('S14', '纺织', '工矿商贸', '市工业和信息化局', NULL, false, true),
	('S15', '轻工', '工矿商贸', '市工业和信息化局', NULL, false, true),
	('S16', '商贸', '工矿商贸', '市商务局', NULL, false, true),
	('S17', '仓储物流', '交通运输', '市交通运输局', NULL, false, true),
	('S18', '道路运输', '交通运输', '市交通运输局', NULL, false, true),
	('S19', '城市公共交通', '交通运输', '市交通运输局', NULL, false, true),
	('S20', '城市轨道交通', '交通运输', '市交通运输局', NULL, false, true),
	('S21', '建筑施工', '建设工程', '市住房和城乡建设局', NULL, false, true),
	('S22', '城镇燃气', '城市运行', '市城乡水务局', NULL, false, true),
	('S23', '城市供热', '城市运行', '市城市管理局', NULL, false, true),
	('S24', '电力', '城市运行', '市发展和改革委员会', NULL, false, true),
	('S25', '特种设备使用', '特种设备', '市市场监督管理局', NULL, false, true),
	('S26', '消防安全重点单位', '消防', '市消防救援支队', NULL, false, true),
	('S27', '人员密集场所', '消防', '市消防救援支队', NULL, false, true),
	('S28', '学校', '公共服务', '市教育局', NULL, false, true),
	('S29', '医疗机构', '公共服务', '市卫生健康委员会', NULL, false, true),
	('S30', '养老机构', '公共服务', '市民政局', NULL, false, true),
	('S31', '旅游景区', '文化旅游', '市文化和旅游局', NULL, false, true),
	('S32', '文化娱乐场所', '文化旅游', '市文化和旅游局', NULL, false, true),
	('S33', '宾馆饭店', '文化旅游', '市文化和旅游局', NULL, false, true),
	('S34', '商场超市', '工矿商贸', '市商务局', NULL, false, true),
	('S35', '民用爆炸物品', '工矿商贸', '市工业和信息化局', NULL, false, true),
	('S36', '农业机械', '农业农村', '市农业农村局', NULL, false, true),
	('S37', '水利工程', '城市运行', '市城乡水务局', NULL, false, true),
	('S38', '九小场所', '其他', '属地街道（镇）', NULL, false, true);
-- Starter rows are part of the extension: pg_dump leaves them out and CREATE
-- EXTENSION brings them back, so they must not drift from the shipped text. The
-- guard is created after the starter rows, so only this script ships them.
CREATE FUNCTION escalation_internal.industry_protect_builtin() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, escalation, pg_temp AS
$$
BEGIN
	IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.builtin THEN
		RAISE EXCEPTION 'industry "%" is a starter category shipped with the extension and cannot be changed', OLD.code
			USING ERRCODE = 'insufficient_privilege',
				  HINT = 'Load the city''s own list with codes of its own; starter categories stay available beside it.';
	END IF;
	IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.builtin THEN
		RAISE EXCEPTION 'industry "%" cannot be marked builtin', NEW.code
			USING ERRCODE = 'insufficient_privilege',
				  DETAIL = 'Only the extension''s install script ships builtin categories.';
	END IF;
	RETURN CASE TG_OP WHEN 'DELETE' THEN OLD ELSE NEW END;
END
$$;
COMMENT ON FUNCTION escalation_internal.industry_protect_builtin() IS
	'Trigger: keeps the shipped starter industry categories read-only. 保护内置行业分类';
CREATE TRIGGER industry_protect_builtin BEFORE INSERT OR UPDATE OR DELETE ON escalation.industry
	FOR EACH ROW EXECUTE FUNCTION escalation_internal.industry_protect_builtin();


------------------------------------------------------------------------------
-- Production and business units (生产经营单位)
------------------------------------------------------------------------------

CREATE TYPE escalation.business_status AS ENUM ('operating', 'suspended', 'closed');
COMMENT ON TYPE escalation.business_status IS
	'Business status of a unit: operating 在营, suspended 停产停业, closed 关闭注销.';

CREATE TABLE escalation.unit (
	id bigint GENERATED ALWAYS AS IDENTITY,
	name text NOT NULL,
	uscc escalation.uscc,
	region escalation.region NOT NULL,
	supervision_level escalation.level NOT NULL,
	social_function escalation.social_function NOT NULL DEFAULT 'enterprise',
	industry_code text,
	supervision_types escalation.supervision_type[] NOT NULL DEFAULT '{}',
	address text,
	legal_representative text,
	contact_name text,
	contact_phone text,
	employees integer,
	dust_workers integer NOT NULL DEFAULT 0,
	ammonia_refrigeration boolean NOT NULL DEFAULT false,
	business_status escalation.business_status NOT NULL DEFAULT 'operating',
	created_at timestamptz NOT NULL DEFAULT statement_timestamp(),
	updated_at timestamptz NOT NULL DEFAULT statement_timestamp(),
	CONSTRAINT unit_pkey PRIMARY KEY (id),
	CONSTRAINT unit_uscc_key UNIQUE (uscc),
	CONSTRAINT unit_industry_fkey FOREIGN KEY (industry_code) REFERENCES escalation.industry (code) ON UPDATE CASCADE,
	CONSTRAINT unit_name_not_blank CHECK (btrim(name) <> ''),
	CONSTRAINT unit_region_street_or_district CHECK (coalesce(escalation.region_level(region) IN ('street', 'district'), false)),
	CONSTRAINT unit_employees_not_negative CHECK (employees >= 0),
	CONSTRAINT unit_dust_workers_within_employees CHECK (dust_workers >= 0 AND (employees IS NULL OR dust_workers <= employees)),
	CONSTRAINT unit_supervision_types_no_null CHECK (array_position(supervision_types, NULL) IS NULL)
);
CREATE INDEX unit_region_idx ON escalation.unit (region);
CREATE INDEX unit_industry_idx ON escalation.unit (industry_code);
CREATE INDEX unit_name_idx ON escalation.unit (name);

COMMENT ON TABLE escalation.unit IS
	'Production and business units under supervision (监管对象: 生产经营单位), classified by social function, industry, supervision type and level (§4).';
COMMENT ON COLUMN escalation.unit.id IS 'Unit id (generated). 单位编号';
COMMENT ON COLUMN escalation.unit.name IS 'Registered name. 单位名称';
COMMENT ON COLUMN escalation.unit.uscc IS 'Unified social credit code; may be missing for nine-small-venue units. 统一社会信用代码';
COMMENT ON COLUMN escalation.unit.region IS 'Street/town (9 digits) or district (6 digits) where the unit is. 所在街道（镇）/区县';
COMMENT ON COLUMN escalation.unit.supervision_level IS 'Level that supervises the unit: city, district or street. 监管层级';
COMMENT ON COLUMN escalation.unit.social_function IS 'Social function. 社会功能';
COMMENT ON COLUMN escalation.unit.industry_code IS 'Industry category (escalation.industry). 行业类型';
COMMENT ON COLUMN escalation.unit.supervision_types IS 'Supervision types the unit falls under (§4 classification; the responsible departments are in the responsibility database). 监管类型';
COMMENT ON COLUMN escalation.unit.address IS 'Address of the premises. 地址';
COMMENT ON COLUMN escalation.unit.legal_representative IS 'Legal representative (personal data). 法定代表人';
COMMENT ON COLUMN escalation.unit.contact_name IS 'Safety contact person (personal data). 安全联系人';
COMMENT ON COLUMN escalation.unit.contact_phone IS 'Phone of the safety contact (personal data; not visible to analysts). 联系电话';
COMMENT ON COLUMN escalation.unit.employees IS 'Number of employees. 从业人员数';
COMMENT ON COLUMN escalation.unit.dust_workers IS 'Workers in dust operations (粉尘作业人员); more than 10 makes dual prevention mandatory (§12).';
COMMENT ON COLUMN escalation.unit.ammonia_refrigeration IS 'Uses ammonia refrigeration (涉氨制冷); with food processing it makes dual prevention mandatory (§12).';
COMMENT ON COLUMN escalation.unit.business_status IS 'Operating, suspended or closed. 经营状态';
COMMENT ON COLUMN escalation.unit.created_at IS 'When the unit was entered. 创建时间';
COMMENT ON COLUMN escalation.unit.updated_at IS 'When the unit was last changed. 更新时间';
SELECT pg_catalog.pg_extension_config_dump('escalation.unit', '');
SELECT pg_catalog.pg_extension_config_dump('escalation.unit_id_seq', '');

------------------------------------------------------------------------------
-- Rows that belong to a unit carry the unit's region (for row-level security)
------------------------------------------------------------------------------

CREATE TABLE escalation.unit_region_follower (
	tbl regclass NOT NULL,
	CONSTRAINT unit_region_follower_pkey PRIMARY KEY (tbl)
);
COMMENT ON TABLE escalation.unit_region_follower IS
	'Tables whose rows carry a copy of their unit''s region; changing a unit''s region updates them. 随单位区划同步的表';
COMMENT ON COLUMN escalation.unit_region_follower.tbl IS 'The table (has unit_id and region columns). 表';
-- The extension's own registrations come back with CREATE EXTENSION; a city's
-- own tables (registered by follow_unit_region) are configuration that pg_dump must keep.
SELECT pg_catalog.pg_extension_config_dump('escalation.unit_region_follower',
	'WHERE NOT EXISTS (SELECT FROM pg_catalog.pg_depend d WHERE d.classid = ''pg_catalog.pg_class''::pg_catalog.regclass '
	'AND d.objid = tbl::pg_catalog.oid AND d.deptype = ''e'')');

-- Trigger: fill region from the row's unit.
CREATE FUNCTION escalation_internal.set_region_from_unit() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, escalation, pg_temp AS
$$
DECLARE
	unit_region escalation.region;
BEGIN
	IF NEW.unit_id IS NULL THEN
		RETURN NEW;
	END IF;
	SELECT u.region INTO unit_region FROM escalation.unit u WHERE u.id = NEW.unit_id;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'unit % does not exist', NEW.unit_id
			USING ERRCODE = 'foreign_key_violation',
				  DETAIL = format('%s.unit_id must name a unit you can see.', TG_TABLE_NAME);
	END IF;
	NEW.region := unit_region;
	RETURN NEW;
END
$$;
COMMENT ON FUNCTION escalation_internal.set_region_from_unit() IS
	'Trigger: sets a row''s region to its unit''s region. 按单位填写区划';

-- Register a table whose rows follow their unit's region.
CREATE FUNCTION escalation.follow_unit_region(tbl regclass, fill boolean DEFAULT true) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, escalation, pg_temp AS
$$
BEGIN
	IF fill THEN
		-- A restore brings the regions with the rows: no call per row then.
		EXECUTE format('CREATE TRIGGER %I BEFORE INSERT OR UPDATE OF unit_id, region ON %s '
					   'FOR EACH ROW WHEN (NOT escalation.restoring()) EXECUTE FUNCTION escalation_internal.set_region_from_unit()',
					   (SELECT relname FROM pg_class WHERE oid = tbl) || '_region_from_unit', tbl);
	END IF;
	INSERT INTO escalation.unit_region_follower (tbl) VALUES (tbl) ON CONFLICT DO NOTHING;
END
$$;
COMMENT ON FUNCTION escalation.follow_unit_region(regclass, boolean) IS
	'Makes a table''s region follow its unit: a trigger fills it (unless fill is false) and unit moves update it. 注册随单位区划同步的表';

-- Trigger: a unit that moves carries its dependent rows with it.
CREATE FUNCTION escalation_internal.propagate_unit_region() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, escalation, pg_temp AS
$$
DECLARE
	follower regclass;
BEGIN
	FOR follower IN SELECT tbl FROM escalation.unit_region_follower ORDER BY tbl::oid
	LOOP
		EXECUTE format('UPDATE %s SET region = $1 WHERE unit_id = $2 AND region <> $1', follower)
			USING NEW.region, NEW.id;
	END LOOP;
	RETURN NULL;
END
$$;
COMMENT ON FUNCTION escalation_internal.propagate_unit_region() IS
	'Trigger: copies a unit''s new region to every registered table. 单位区划变更同步';
REVOKE ALL ON FUNCTION escalation_internal.propagate_unit_region() FROM PUBLIC;
CREATE TRIGGER unit_propagate_region AFTER UPDATE OF region ON escalation.unit
	FOR EACH ROW WHEN (OLD.region IS DISTINCT FROM NEW.region)
	EXECUTE FUNCTION escalation_internal.propagate_unit_region();

-- Trigger: stamp updated_at.
CREATE FUNCTION escalation_internal.touch_updated_at() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, escalation, pg_temp AS
$$
BEGIN
	NEW.updated_at := statement_timestamp();
	RETURN NEW;
END
$$;
COMMENT ON FUNCTION escalation_internal.touch_updated_at() IS 'Trigger: sets updated_at to the statement time. 更新时间戳';
CREATE TRIGGER unit_touch_updated_at BEFORE UPDATE ON escalation.unit
	FOR EACH ROW EXECUTE FUNCTION escalation_internal.touch_updated_at();

------------------------------------------------------------------------------
-- Licences and certificates (证件)
------------------------------------------------------------------------------

CREATE TABLE escalation.licence (
	id bigint GENERATED ALWAYS AS IDENTITY,
	unit_id bigint NOT NULL,
	kind text NOT NULL,
	number text,
	issuer text,
	valid_from date,
	valid_until date NOT NULL,
	safety_licence boolean NOT NULL DEFAULT true,
	superseded_at timestamptz,
	superseded_by bigint,
	region escalation.region NOT NULL,
	created_at timestamptz NOT NULL DEFAULT statement_timestamp(),
	CONSTRAINT licence_pkey PRIMARY KEY (id),
	CONSTRAINT licence_id_unit_key UNIQUE (id, unit_id),
	CONSTRAINT licence_unit_fkey FOREIGN KEY (unit_id) REFERENCES escalation.unit (id),
	-- The renewal is a licence of the same unit (also: no licence of another
	-- district can be named, which its existence would otherwise betray).
	CONSTRAINT licence_superseded_by_fkey FOREIGN KEY (superseded_by, unit_id) REFERENCES escalation.licence (id, unit_id),
	CONSTRAINT licence_kind_not_blank CHECK (btrim(kind) <> ''),
	CONSTRAINT licence_validity_order CHECK (valid_from IS NULL OR valid_from <= valid_until),
	CONSTRAINT licence_superseded_by_needs_time CHECK (superseded_by IS NULL OR superseded_at IS NOT NULL),
	CONSTRAINT licence_not_superseded_by_itself CHECK (superseded_by <> id)
);
CREATE INDEX licence_unit_idx ON escalation.licence (unit_id);
CREATE INDEX licence_region_idx ON escalation.licence (region);
CREATE INDEX licence_valid_until_idx ON escalation.licence (valid_until) WHERE superseded_at IS NULL;

COMMENT ON TABLE escalation.licence IS
	'Licences and certificates of units, with validity; safety-production licences (安全生产许可类证件) that expire unhandled climb the licence_expired ladder (§18). 证件';
COMMENT ON COLUMN escalation.licence.id IS 'Licence id (generated). 证件编号';
COMMENT ON COLUMN escalation.licence.unit_id IS 'The unit holding the licence. 持证单位';
COMMENT ON COLUMN escalation.licence.kind IS 'Kind of licence, e.g. 安全生产许可证, 危险化学品经营许可证. 证件类型';
COMMENT ON COLUMN escalation.licence.number IS 'Licence number as printed. 证件号码';
COMMENT ON COLUMN escalation.licence.issuer IS 'Issuing authority. 发证机关';
COMMENT ON COLUMN escalation.licence.valid_from IS 'First day of validity. 有效期起';
COMMENT ON COLUMN escalation.licence.valid_until IS 'Last day of validity; it expires at the start of the next day in escalation.timezone. 有效期至';
COMMENT ON COLUMN escalation.licence.safety_licence IS 'A safety-production licence, watched by the licence_expired ladder. 是否安全生产许可类证件';
COMMENT ON COLUMN escalation.licence.superseded_at IS 'When the licence was renewed or otherwise superseded (handles its expiry). 换发/失效处理时间';
COMMENT ON COLUMN escalation.licence.superseded_by IS 'The licence that replaced it, when renewed. 换发后的证件';
COMMENT ON COLUMN escalation.licence.region IS 'Region of the unit (kept by trigger, for row-level security). 所属区划';
COMMENT ON COLUMN escalation.licence.created_at IS 'When the licence was entered. 录入时间';
SELECT pg_catalog.pg_extension_config_dump('escalation.licence', '');
SELECT pg_catalog.pg_extension_config_dump('escalation.licence_id_seq', '');
SELECT escalation.follow_unit_region('escalation.licence');

-- Trigger: a licence is superseded at a plausible time.
CREATE FUNCTION escalation_internal.licence_check() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, escalation, pg_temp AS
$$
BEGIN
	IF NOT escalation.restoring() THEN
		PERFORM escalation_internal.check_times(ARRAY[NEW.superseded_at], ARRAY[OLD.superseded_at], '{superseded_at}', false);
	END IF;
	RETURN NEW;
END
$$;
COMMENT ON FUNCTION escalation_internal.licence_check() IS
	'Trigger: a licence is superseded (renewed, which handles its expiry) at a plausible time. 证件换发时间校验';
CREATE TRIGGER licence_check BEFORE INSERT OR UPDATE OF superseded_at ON escalation.licence
	FOR EACH ROW EXECUTE FUNCTION escalation_internal.licence_check();

-- Renew a licence: enter the new one and mark the old one superseded by it.
CREATE FUNCTION escalation.licence_renew(
	licence_id bigint,
	new_number text,
	new_valid_from date,
	new_valid_until date,
	renewed_at timestamptz DEFAULT statement_timestamp()
) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, escalation, pg_temp AS
$$
DECLARE
	old escalation.licence;
	new_id bigint;
BEGIN
	SELECT * INTO old FROM escalation.licence WHERE id = licence_id FOR UPDATE;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'licence % does not exist', licence_id USING ERRCODE = 'no_data_found';
	END IF;
	IF old.superseded_at IS NOT NULL THEN
		RAISE EXCEPTION 'licence % was already superseded at %', licence_id, old.superseded_at
			USING ERRCODE = 'object_not_in_prerequisite_state',
				  HINT = 'Renew the licence that replaced it.';
	END IF;
	INSERT INTO escalation.licence (unit_id, kind, number, issuer, valid_from, valid_until, safety_licence)
	VALUES (old.unit_id, old.kind, new_number, old.issuer, new_valid_from, new_valid_until, old.safety_licence)
	RETURNING id INTO new_id;
	UPDATE escalation.licence SET superseded_at = renewed_at, superseded_by = new_id WHERE id = licence_id;
	RETURN new_id;
END
$$;
COMMENT ON FUNCTION escalation.licence_renew(bigint, text, date, date, timestamptz) IS
	'Renews a licence: enters the new one and marks the old one superseded (which handles its expiry warning). 证件换发';

------------------------------------------------------------------------------
-- Safety management rules and documents (安全管理制度, §5)
------------------------------------------------------------------------------

CREATE TABLE escalation.safety_rule (
	id bigint GENERATED ALWAYS AS IDENTITY,
	unit_id bigint NOT NULL,
	title text NOT NULL,
	category text NOT NULL DEFAULT 'other',
	document_ref text,
	issued_on date,
	revised_on date,
	region escalation.region NOT NULL,
	CONSTRAINT safety_rule_pkey PRIMARY KEY (id),
	CONSTRAINT safety_rule_unit_fkey FOREIGN KEY (unit_id) REFERENCES escalation.unit (id),
	CONSTRAINT safety_rule_title_not_blank CHECK (btrim(title) <> ''),
	CONSTRAINT safety_rule_category_known CHECK (category IN
		('responsibility', 'training', 'hazard_inspection', 'risk_control', 'emergency', 'operating_procedure', 'equipment', 'other')),
	CONSTRAINT safety_rule_revision_order CHECK (revised_on IS NULL OR issued_on IS NULL OR revised_on >= issued_on)
);
CREATE INDEX safety_rule_unit_idx ON escalation.safety_rule (unit_id);
CREATE INDEX safety_rule_region_idx ON escalation.safety_rule (region);
COMMENT ON TABLE escalation.safety_rule IS
	'Safety management rules and documents kept by a unit (§5). 安全管理制度';
COMMENT ON COLUMN escalation.safety_rule.id IS 'Rule id (generated). 制度编号';
COMMENT ON COLUMN escalation.safety_rule.unit_id IS 'The unit. 单位';
COMMENT ON COLUMN escalation.safety_rule.title IS 'Title of the rule or document. 制度名称';
COMMENT ON COLUMN escalation.safety_rule.category IS 'responsibility 安全生产责任制, training 教育培训, hazard_inspection 隐患排查, risk_control 风险管控, emergency 应急管理, operating_procedure 操作规程, equipment 设备设施, other 其他.';
COMMENT ON COLUMN escalation.safety_rule.document_ref IS 'Where the document is kept (number, file reference or address). 文件索引';
COMMENT ON COLUMN escalation.safety_rule.issued_on IS 'Date issued. 发布日期';
COMMENT ON COLUMN escalation.safety_rule.revised_on IS 'Date last revised. 修订日期';
COMMENT ON COLUMN escalation.safety_rule.region IS 'Region of the unit (kept by trigger, for row-level security). 所属区划';
SELECT pg_catalog.pg_extension_config_dump('escalation.safety_rule', '');
SELECT pg_catalog.pg_extension_config_dump('escalation.safety_rule_id_seq', '');
SELECT escalation.follow_unit_region('escalation.safety_rule');

------------------------------------------------------------------------------
-- History of the supervised-object database (动态维护记录, §5)
------------------------------------------------------------------------------

CREATE TABLE escalation.unit_history (
	id bigint GENERATED ALWAYS AS IDENTITY,
	unit_id bigint NOT NULL,
	region escalation.region NOT NULL,
	table_name name NOT NULL,
	row_id bigint NOT NULL,
	operation text NOT NULL,
	changed_by name NOT NULL,
	changed_at timestamptz NOT NULL,
	changed_columns text[],
	old_row jsonb,
	new_row jsonb,
	CONSTRAINT unit_history_pkey PRIMARY KEY (id),
	CONSTRAINT unit_history_operation_known CHECK (operation IN ('INSERT', 'UPDATE', 'DELETE'))
);
CREATE INDEX unit_history_unit_idx ON escalation.unit_history (unit_id, changed_at);
CREATE INDEX unit_history_region_idx ON escalation.unit_history (region);
COMMENT ON TABLE escalation.unit_history IS
	'Every insert, update and delete of a unit, licence or safety rule: who, when, old and new values (§5, auditable). 监管对象变更记录';
COMMENT ON COLUMN escalation.unit_history.id IS 'History entry id. 记录编号';
COMMENT ON COLUMN escalation.unit_history.unit_id IS 'The unit concerned. 单位';
COMMENT ON COLUMN escalation.unit_history.region IS 'Region of the unit at the time (follows later moves). 所属区划';
COMMENT ON COLUMN escalation.unit_history.table_name IS 'unit, licence or safety_rule. 数据表';
COMMENT ON COLUMN escalation.unit_history.row_id IS 'Id of the changed row. 记录编号';
COMMENT ON COLUMN escalation.unit_history.operation IS 'INSERT, UPDATE or DELETE. 操作';
COMMENT ON COLUMN escalation.unit_history.changed_by IS 'Role that made the change (its SET ROLE, else its login role; also for changes made through platform functions). 操作人';
COMMENT ON COLUMN escalation.unit_history.changed_at IS 'Time of the statement that made the change. 操作时间';
COMMENT ON COLUMN escalation.unit_history.changed_columns IS 'Columns whose value changed (UPDATE). 变更字段';
COMMENT ON COLUMN escalation.unit_history.old_row IS 'The row before the change. 变更前';
COMMENT ON COLUMN escalation.unit_history.new_row IS 'The row after the change. 变更后';
SELECT pg_catalog.pg_extension_config_dump('escalation.unit_history', '');
SELECT pg_catalog.pg_extension_config_dump('escalation.unit_history_id_seq', '');
SELECT escalation.follow_unit_region('escalation.unit_history', false);


-- Trigger: record a change of a unit, licence or safety rule.
CREATE FUNCTION escalation_internal.record_unit_history() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, escalation, pg_temp AS
$$
DECLARE
	old_row jsonb := CASE WHEN TG_OP <> 'INSERT' THEN to_jsonb(OLD) END;
	new_row jsonb := CASE WHEN TG_OP <> 'DELETE' THEN to_jsonb(NEW) END;
	changed text[];
	row_unit bigint;
	row_region escalation.region;
BEGIN
	IF escalation.restoring() THEN
		RETURN NULL;
	END IF;
	IF TG_OP = 'UPDATE' THEN
		SELECT array_agg(n.key ORDER BY n.key) INTO changed
		FROM jsonb_each(new_row) n
		WHERE n.key <> 'updated_at' AND n.value IS DISTINCT FROM old_row -> n.key;
		IF changed IS NULL THEN
			RETURN NULL;
		END IF;
	END IF;
	row_unit := (coalesce(new_row, old_row) ->> CASE TG_TABLE_NAME WHEN 'unit' THEN 'id' ELSE 'unit_id' END)::bigint;
	row_region := (coalesce(new_row, old_row) ->> 'region')::escalation.region;
	INSERT INTO escalation.unit_history
		(unit_id, region, table_name, row_id, operation, changed_by, changed_at, changed_columns, old_row, new_row)
	VALUES
		(row_unit, row_region, TG_TABLE_NAME, (coalesce(new_row, old_row) ->> 'id')::bigint, TG_OP,
		 escalation.acting_role(), statement_timestamp(), changed, old_row, new_row);
	RETURN NULL;
END
$$;
COMMENT ON FUNCTION escalation_internal.record_unit_history() IS
	'Trigger: writes an escalation.unit_history entry for a change of a unit, licence or safety rule. 记录变更';

-- Trigger: history is written only by the history trigger, never by hand.
CREATE FUNCTION escalation_internal.unit_history_guard() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, escalation, pg_temp AS
$$
BEGIN
	-- Only the change trigger (it runs as the table's owner) and a superuser
	-- restoring a dump write history, whatever the trigger depth: a user's own
	-- temporary trigger is one level deeper too.
	IF NOT (SELECT r.rolsuper OR (TG_OP = 'INSERT' AND r.oid = c.relowner)
			FROM pg_catalog.pg_roles r, pg_catalog.pg_class c
			WHERE r.rolname = current_user AND c.oid = TG_RELID) THEN
		RAISE EXCEPTION 'escalation.unit_history is written only by the platform''s change triggers'
			USING ERRCODE = 'insufficient_privilege';
	END IF;
	RETURN CASE TG_OP WHEN 'DELETE' THEN OLD ELSE NEW END;
END
$$;
COMMENT ON FUNCTION escalation_internal.unit_history_guard() IS
	'Trigger: rejects history entries not written by a change trigger. 变更记录防篡改';
CREATE TRIGGER unit_history_guard BEFORE INSERT OR DELETE ON escalation.unit_history
	FOR EACH ROW EXECUTE FUNCTION escalation_internal.unit_history_guard();

CREATE TRIGGER unit_record_history AFTER INSERT OR UPDATE OR DELETE ON escalation.unit
	FOR EACH ROW EXECUTE FUNCTION escalation_internal.record_unit_history();
CREATE TRIGGER licence_record_history AFTER INSERT OR UPDATE OR DELETE ON escalation.licence
	FOR EACH ROW EXECUTE FUNCTION escalation_internal.record_unit_history();
CREATE TRIGGER safety_rule_record_history AFTER INSERT OR UPDATE OR DELETE ON escalation.safety_rule
	FOR EACH ROW EXECUTE FUNCTION escalation_internal.record_unit_history();

------------------------------------------------------------------------------
-- Row-level security and privileges
------------------------------------------------------------------------------

SELECT escalation.enable_region_security(t)
FROM unnest(ARRAY['escalation.unit', 'escalation.licence', 'escalation.safety_rule',
				  'escalation.unit_history']::regclass[]) AS t;

GRANT SELECT ON escalation.division, escalation.industry TO escalation_admin, escalation_user, escalation_analyst, escalation_screen;
GRANT INSERT, UPDATE, DELETE ON escalation.division, escalation.industry TO escalation_admin;

GRANT SELECT, INSERT, UPDATE, DELETE ON escalation.unit, escalation.licence, escalation.safety_rule TO escalation_admin;
GRANT SELECT, INSERT, UPDATE ON escalation.unit, escalation.licence, escalation.safety_rule TO escalation_user;
GRANT SELECT ON escalation.unit_history TO escalation_admin, escalation_user;
GRANT SELECT ON escalation.licence, escalation.safety_rule TO escalation_analyst;
GRANT SELECT (id, name, uscc, region, supervision_level, social_function, industry_code, supervision_types, address,
			  employees, dust_workers, ammonia_refrigeration, business_status, created_at, updated_at)
	ON escalation.unit TO escalation_analyst;
GRANT SELECT (id, unit_id, region, table_name, row_id, operation, changed_by, changed_at, changed_columns)
	ON escalation.unit_history TO escalation_analyst;
SELECT escalation_internal.grant_column_writes(t, '{escalation_admin,escalation_user}')
FROM unnest(ARRAY['escalation.unit', 'escalation.licence', 'escalation.safety_rule']::regclass[]) AS t;
-- Ids are drawn by the identity default, which needs no privilege: nobody draws them by hand.
REVOKE ALL ON SEQUENCE escalation.unit_id_seq, escalation.licence_id_seq, escalation.safety_rule_id_seq
	FROM escalation_admin, escalation_user;
GRANT EXECUTE ON FUNCTION escalation.licence_renew(bigint, text, date, date, timestamptz) TO escalation_admin, escalation_user;
REVOKE ALL ON FUNCTION escalation.licence_renew(bigint, text, date, date, timestamptz) FROM PUBLIC;
REVOKE ALL ON FUNCTION
	escalation_internal.industry_protect_builtin(), escalation_internal.set_region_from_unit(),
	escalation.follow_unit_region(regclass, boolean), escalation_internal.touch_updated_at(),
	escalation_internal.record_unit_history(), escalation_internal.unit_history_guard(),
	escalation_internal.licence_check()
FROM PUBLIC;
GRANT EXECUTE ON FUNCTION escalation.follow_unit_region(regclass, boolean) TO escalation_admin;
