-- Hazard investigation and rectification (安全隐患排查整治, §8–10): campaigns,
-- inspections, hazards with their enforced lifecycle and history, and transferred
-- violation clues. The warning engine reads the hazard and clue timestamps named in
-- docs/ARCHITECTURE.md; the lifecycle rules here keep those timestamps honest.

------------------------------------------------------------------------------
-- Vocabulary (分类)
------------------------------------------------------------------------------

CREATE TYPE escalation.campaign_kind AS ENUM
	('major_inspection', 'special_rectification', 'comprehensive_oversight', 'special_oversight');
COMMENT ON TYPE escalation.campaign_kind IS
	'Kind of campaign (§8, §10): city-wide major inspection 安全生产大检查, special rectification 专项整治行动, comprehensive oversight 综合督查, special oversight 专项督查.';

CREATE TYPE escalation.inspection_kind AS ENUM ('enforcement', 'supervision', 'inspection');
COMMENT ON TYPE escalation.inspection_kind IS
	'What an inspection is (§8): law enforcement 执法, supervision 监督, inspection 检查.';

CREATE TYPE escalation.inspection_mode AS ENUM ('on_site', 'online');
COMMENT ON TYPE escalation.inspection_mode IS
	'How an inspection is made (§5, §8): on site 现场检查, online patrol of the unit''s platform data 网上巡查.';

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

CREATE TYPE escalation.clue_handling AS ENUM ('accepted', 'rejected', 'forwarded');
COMMENT ON TYPE escalation.clue_handling IS
	'How the receiving department handled a transferred violation clue: accepted and filed 受理立案, rejected with a reason 不予受理, forwarded to the competent department 转办.';

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

CREATE FUNCTION escalation.campaign_kind_label(kind escalation.campaign_kind) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN CASE kind
	WHEN 'major_inspection' THEN '安全生产大检查'
	WHEN 'special_rectification' THEN '专项整治行动'
	WHEN 'comprehensive_oversight' THEN '综合督查'
	WHEN 'special_oversight' THEN '专项督查'
END;
COMMENT ON FUNCTION escalation.campaign_kind_label(escalation.campaign_kind) IS
	'Chinese label of a campaign kind. 专项工作类别名称';

CREATE FUNCTION escalation.clue_handling_label(handling escalation.clue_handling) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN CASE handling
	WHEN 'accepted' THEN '受理立案'
	WHEN 'rejected' THEN '不予受理'
	WHEN 'forwarded' THEN '转办'
END;
COMMENT ON FUNCTION escalation.clue_handling_label(escalation.clue_handling) IS
	'Chinese label of a clue handling. 线索处理方式名称';

-- The first instant of a calendar day in the platform's time zone.
CREATE FUNCTION escalation.day_start(day date) RETURNS timestamptz
LANGUAGE sql STABLE STRICT PARALLEL SAFE
RETURN day::timestamp AT TIME ZONE coalesce(nullif(pg_catalog.current_setting('escalation.timezone', true), ''),
											'Asia/Shanghai');
COMMENT ON FUNCTION escalation.day_start(date) IS
	'The instant a calendar day starts in the platform''s time zone (setting escalation.timezone, default Asia/Shanghai); periods given as dates run from day_start(first) to day_start(last + 1). 自然日起点';

-- The calendar day of an instant in the platform's time zone.
CREATE FUNCTION escalation.local_day(at timestamptz) RETURNS date
LANGUAGE sql STABLE STRICT PARALLEL SAFE
RETURN (at AT TIME ZONE coalesce(nullif(pg_catalog.current_setting('escalation.timezone', true), ''),
								 'Asia/Shanghai'))::date;
COMMENT ON FUNCTION escalation.local_day(timestamptz) IS
	'The calendar day of an instant in the platform''s time zone (setting escalation.timezone). 所属自然日';

-- Whether the calling role may read (or, writing, change) rows of a region: what
-- the row-level-security policies allow, for SECURITY DEFINER functions that
-- reach across districts on purpose.
CREATE FUNCTION escalation.caller_sees_region(region escalation.region, writing boolean DEFAULT false) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER PARALLEL RESTRICTED SET search_path = pg_catalog, escalation, pg_temp
BEGIN ATOMIC
	SELECT coalesce(bool_or(r.rolsuper
						   OR pg_catalog.pg_has_role(r.oid, 'escalation_admin', 'USAGE')
						   OR (NOT caller_sees_region.writing AND pg_catalog.pg_has_role(r.oid, 'escalation_analyst', 'USAGE'))
						   OR (pg_catalog.pg_has_role(r.oid, 'escalation_user', 'USAGE')
							   AND caller_sees_region.region OPERATOR(escalation.<@) escalation.current_region())), false)
	FROM pg_catalog.pg_roles r
	WHERE r.rolname = escalation.acting_role();
END;
COMMENT ON FUNCTION escalation.caller_sees_region(escalation.region, boolean) IS
	'True when row-level security lets the calling role read rows of the region (writing: change them): superusers and escalation_admin everywhere, escalation_analyst reading everywhere, escalation_user within its mapped region. 当前用户是否可访问该区划';

-- The name of a department, whichever region it belongs to.
CREATE FUNCTION escalation.department_label(department_id bigint) RETURNS text
LANGUAGE sql STABLE STRICT SECURITY DEFINER PARALLEL SAFE SET search_path = pg_catalog, escalation, pg_temp
BEGIN ATOMIC
	SELECT d.name FROM escalation.department d WHERE d.id = department_label.department_id;
END;
COMMENT ON FUNCTION escalation.department_label(bigint) IS
	'Name of a department of any region (names of departments are public; their people are not), for views that show a campaign''s organiser or a clue''s departments across districts. 部门名称';

-- Does a department answer for a unit on a day: it holds a supervision assignment
-- for the unit, or a department above one that does (the superior may re-inspect
-- in its place).
CREATE FUNCTION escalation.supervises(department_id bigint, unit_id bigint, on_day date DEFAULT current_date)
RETURNS boolean
LANGUAGE sql STABLE STRICT SECURITY DEFINER PARALLEL SAFE SET search_path = pg_catalog, escalation, pg_temp
BEGIN ATOMIC
	WITH RECURSIVE answerable (id, depth) AS (
		SELECT a.department_id, 0
		FROM escalation.supervision_assignment a
		WHERE a.unit_id = supervises.unit_id AND a.period @> supervises.on_day
		UNION
		SELECT d.parent_id, up.depth + 1
		FROM answerable up
		JOIN escalation.department d ON d.id = up.id
		WHERE d.parent_id IS NOT NULL AND up.depth < 32
	)
	SELECT EXISTS (SELECT 1 FROM answerable WHERE id = supervises.department_id)
		AND EXISTS (SELECT 1 FROM escalation.unit u
					WHERE u.id = supervises.unit_id AND escalation.caller_sees_region(u.region));
END;
COMMENT ON FUNCTION escalation.supervises(bigint, bigint, date) IS
	'True when the department holds a supervision assignment for the unit on the day (监管责任), or is above such a department in the department tree (上级部门); false for a unit outside the caller''s region. 是否负有监管责任';

------------------------------------------------------------------------------
-- Campaigns (大检查、专项整治、综合和专项督查, §10)
------------------------------------------------------------------------------

CREATE TABLE escalation.campaign (
	id bigint GENERATED BY DEFAULT AS IDENTITY,
	name text NOT NULL,
	kind escalation.campaign_kind NOT NULL,
	organiser_id bigint NOT NULL,
	scope_regions escalation.region[] NOT NULL DEFAULT '{}',
	scope_industries text[] NOT NULL DEFAULT '{}',
	starts_on date NOT NULL,
	ends_on date NOT NULL,
	targets text,
	goal_coverage numeric(4, 3),
	basis text,
	region escalation.region NOT NULL,
	created_at timestamptz NOT NULL DEFAULT statement_timestamp(),
	created_by name NOT NULL DEFAULT CURRENT_USER,
	CONSTRAINT campaign_pkey PRIMARY KEY (id),
	CONSTRAINT campaign_organiser_fkey FOREIGN KEY (organiser_id) REFERENCES escalation.department (id),
	CONSTRAINT campaign_name_not_blank CHECK (btrim(name) <> ''),
	CONSTRAINT campaign_period_order CHECK (ends_on >= starts_on),
	CONSTRAINT campaign_goal_coverage_share CHECK (goal_coverage BETWEEN 0 AND 1),
	CONSTRAINT campaign_scope_no_null CHECK (array_position(scope_regions, NULL) IS NULL
											AND array_position(scope_industries, NULL) IS NULL)
);
CREATE INDEX campaign_region_idx ON escalation.campaign (region);
CREATE INDEX campaign_organiser_idx ON escalation.campaign (organiser_id);
COMMENT ON TABLE escalation.campaign IS
	'Campaigns deployed by city, district or street (§8, §10): major inspections, special rectification, comprehensive and special oversight, with scope, period and targets; progress is dispatched periodically (定期调度) with escalation.campaign_progress. 大检查、专项整治、综合和专项督查';
COMMENT ON COLUMN escalation.campaign.id IS 'Campaign id (generated). 专项工作编号';
COMMENT ON COLUMN escalation.campaign.name IS 'Name, e.g. 2024年安全生产大检查. 名称';
COMMENT ON COLUMN escalation.campaign.kind IS 'Major inspection, special rectification, comprehensive or special oversight. 类别';
COMMENT ON COLUMN escalation.campaign.organiser_id IS 'Department that deploys and dispatches it, e.g. the work-safety committee office. 组织部门';
COMMENT ON COLUMN escalation.campaign.scope_regions IS 'Regions it covers, each within the organiser''s region; empty = the organiser''s whole region. 范围（区划）';
COMMENT ON COLUMN escalation.campaign.scope_industries IS 'Industry codes it covers (escalation.industry); empty = every industry. 范围（行业）';
COMMENT ON COLUMN escalation.campaign.starts_on IS 'First day. 开始日期';
COMMENT ON COLUMN escalation.campaign.ends_on IS 'Last day; not before starts_on. 结束日期';
COMMENT ON COLUMN escalation.campaign.targets IS 'Targets and tasks in words (目标任务); the target units are listed in escalation.campaign_target.';
COMMENT ON COLUMN escalation.campaign.goal_coverage IS 'Share of target units to be inspected, 0..1 (e.g. 1.000 = every one). 检查覆盖率目标';
COMMENT ON COLUMN escalation.campaign.basis IS 'Document that deploys it (文件依据), e.g. a notice number.';
COMMENT ON COLUMN escalation.campaign.region IS 'Region of the organiser (kept by trigger, for row-level security); users of the regions it covers can read it too. 所属区划';
COMMENT ON COLUMN escalation.campaign.created_at IS 'When the campaign was entered. 录入时间';
COMMENT ON COLUMN escalation.campaign.created_by IS 'Role that entered it. 录入人';
COMMENT ON CONSTRAINT campaign_period_order ON escalation.campaign IS
	'A campaign cannot end before it starts (ends_on >= starts_on). 结束日期不得早于开始日期';
SELECT pg_catalog.pg_extension_config_dump('escalation.campaign', '');
SELECT pg_catalog.pg_extension_config_dump('escalation.campaign_id_seq', '');
SELECT escalation.follow_department_region('escalation.campaign', 'organiser_id');

-- Trigger: a campaign's period is ordered, its scope lies within its organiser's
-- region and names known industries.
CREATE FUNCTION escalation.campaign_check() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, escalation, pg_temp AS
$$
DECLARE
	organiser escalation.department;
	outside escalation.region;
	unknown text;
BEGIN
	IF NEW.ends_on < NEW.starts_on THEN
		RAISE EXCEPTION 'campaign "%" ends on % before it starts on %', NEW.name, NEW.ends_on, NEW.starts_on
			USING ERRCODE = 'check_violation', CONSTRAINT = 'campaign_period_order',
				  DETAIL = 'ends_on must be on or after starts_on.';
	END IF;
	SELECT * INTO organiser FROM escalation.department WHERE id = NEW.organiser_id;
	IF FOUND THEN
		SELECT r INTO outside FROM unnest(NEW.scope_regions) AS r
		WHERE NOT (organiser.region OPERATOR(escalation.@>) r) LIMIT 1;
		IF FOUND THEN
			RAISE EXCEPTION 'campaign scope region % is outside region % of organiser % ("%")',
					outside, organiser.region, organiser.id, organiser.name
				USING ERRCODE = 'check_violation',
					  DETAIL = 'A department deploys campaigns within its own region.';
		END IF;
	END IF;
	-- A restore may bring the city's own industries after the campaigns.
	SELECT i INTO unknown FROM unnest(NEW.scope_industries) AS i
	WHERE NOT EXISTS (SELECT 1 FROM escalation.industry x WHERE x.code = i) LIMIT 1;
	IF FOUND AND NOT escalation.restoring() THEN
		RAISE EXCEPTION 'campaign scope industry "%" does not exist', unknown
			USING ERRCODE = 'foreign_key_violation',
				  DETAIL = 'scope_industries lists codes of escalation.industry.';
	END IF;
	RETURN NEW;
END
$$;
COMMENT ON FUNCTION escalation.campaign_check() IS
	'Trigger: a campaign ends on or after its start, its scope regions lie within its organiser''s region, its scope industries exist. 专项工作校验';
CREATE TRIGGER campaign_check BEFORE INSERT OR UPDATE ON escalation.campaign
	FOR EACH ROW EXECUTE FUNCTION escalation.campaign_check();

-- Does a campaign's scope cover a unit (region and industry).
CREATE FUNCTION escalation.campaign_covers(campaign_id bigint, unit_id bigint) RETURNS boolean
LANGUAGE sql STABLE STRICT SECURITY DEFINER PARALLEL SAFE SET search_path = pg_catalog, escalation, pg_temp
BEGIN ATOMIC
	SELECT EXISTS (
		SELECT 1
		FROM escalation.campaign c, escalation.unit u
		WHERE c.id = campaign_covers.campaign_id AND u.id = campaign_covers.unit_id
			AND CASE WHEN cardinality(c.scope_regions) = 0 THEN u.region OPERATOR(escalation.<@) c.region
					 ELSE u.region OPERATOR(escalation.<@) ANY (c.scope_regions) END
			AND (cardinality(c.scope_industries) = 0 OR u.industry_code = ANY (c.scope_industries))
			AND escalation.caller_sees_region(u.region));
END;
COMMENT ON FUNCTION escalation.campaign_covers(bigint, bigint) IS
	'True when the unit lies within the campaign''s scope regions (or the organiser''s region when none are listed) and industries; false for a unit outside the caller''s region. 是否在专项工作范围内';

-- The campaigns a caller works under: those of its region and those deployed above it.
CREATE FUNCTION escalation.visible_campaigns() RETURNS SETOF escalation.campaign
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, escalation, pg_temp
BEGIN ATOMIC
	SELECT c.* FROM escalation.campaign c
	WHERE escalation.caller_sees_region(c.region)
	   OR c.region OPERATOR(escalation.@>) escalation.current_region()
	ORDER BY c.starts_on DESC, c.id;
END;
COMMENT ON FUNCTION escalation.visible_campaigns() IS
	'The campaigns the caller can read in escalation.campaign plus those deployed by a city or district above its region: a district works under the city''s campaigns without being able to change them. 可见专项工作';

CREATE TABLE escalation.campaign_target (
	campaign_id bigint NOT NULL,
	unit_id bigint NOT NULL,
	added_at timestamptz NOT NULL DEFAULT statement_timestamp(),
	region escalation.region NOT NULL,
	CONSTRAINT campaign_target_pkey PRIMARY KEY (campaign_id, unit_id),
	CONSTRAINT campaign_target_campaign_fkey FOREIGN KEY (campaign_id) REFERENCES escalation.campaign (id)
		ON DELETE CASCADE,
	CONSTRAINT campaign_target_unit_fkey FOREIGN KEY (unit_id) REFERENCES escalation.unit (id)
);
CREATE INDEX campaign_target_unit_idx ON escalation.campaign_target (unit_id);
CREATE INDEX campaign_target_region_idx ON escalation.campaign_target (region);
COMMENT ON TABLE escalation.campaign_target IS
	'Target units of a campaign (检查对象清单): coverage in escalation.campaign_progress is measured against this list. 专项工作目标单位';
COMMENT ON COLUMN escalation.campaign_target.campaign_id IS 'The campaign. 专项工作';
COMMENT ON COLUMN escalation.campaign_target.unit_id IS 'A unit to be covered; must lie within the campaign''s scope. 目标单位';
COMMENT ON COLUMN escalation.campaign_target.added_at IS 'When the unit was put on the list. 列入时间';
COMMENT ON COLUMN escalation.campaign_target.region IS 'Region of the unit (kept by trigger, for row-level security). 所属区划';
SELECT pg_catalog.pg_extension_config_dump('escalation.campaign_target', '');
SELECT escalation.follow_unit_region('escalation.campaign_target');

-- Trigger: a target unit lies within its campaign's scope.
CREATE FUNCTION escalation.campaign_target_check() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, escalation, pg_temp AS
$$
BEGIN
	-- Also for a campaign that is not there: a campaign of another district
	-- must look the same, and its foreign key would not tell them apart.
	IF NOT escalation.campaign_covers(NEW.campaign_id, NEW.unit_id) THEN
		RAISE EXCEPTION 'unit % is outside the scope of campaign %', NEW.unit_id, NEW.campaign_id
			USING ERRCODE = 'check_violation',
				  DETAIL = 'A target unit lies within the scope regions and industries of a campaign of its region or above it.';
	END IF;
	RETURN NEW;
END
$$;
COMMENT ON FUNCTION escalation.campaign_target_check() IS
	'Trigger: rejects a target unit outside its campaign''s scope. 目标单位范围校验';
CREATE TRIGGER campaign_target_check BEFORE INSERT OR UPDATE OF campaign_id, unit_id ON escalation.campaign_target
	FOR EACH ROW EXECUTE FUNCTION escalation.campaign_target_check();

-- List every unit in a campaign's scope that is not closed as a target.
CREATE FUNCTION escalation.campaign_enlist(campaign_id bigint, added_at timestamptz DEFAULT statement_timestamp())
RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, escalation, pg_temp AS
$$
#variable_conflict use_column
DECLARE
	added bigint;
BEGIN
	IF NOT EXISTS (SELECT 1 FROM escalation.campaign c WHERE c.id = campaign_enlist.campaign_id) THEN
		RAISE EXCEPTION 'campaign % does not exist', campaign_enlist.campaign_id USING ERRCODE = 'no_data_found';
	END IF;
	INSERT INTO escalation.campaign_target (campaign_id, unit_id, added_at)
	SELECT campaign_enlist.campaign_id, u.id, campaign_enlist.added_at
	FROM escalation.campaign c
	JOIN escalation.unit u
		ON CASE WHEN cardinality(c.scope_regions) = 0 THEN u.region OPERATOR(escalation.<@) c.region
				ELSE u.region OPERATOR(escalation.<@) ANY (c.scope_regions) END
	WHERE c.id = campaign_enlist.campaign_id
		AND (cardinality(c.scope_industries) = 0 OR u.industry_code = ANY (c.scope_industries))
		AND u.business_status <> 'closed'
	ORDER BY u.id
	ON CONFLICT ON CONSTRAINT campaign_target_pkey DO NOTHING;
	GET DIAGNOSTICS added = ROW_COUNT;
	RETURN added;
END
$$;
COMMENT ON FUNCTION escalation.campaign_enlist(bigint, timestamptz) IS
	'Adds every unit within a campaign''s scope that is not closed (and that the caller can see) to its target list; returns how many were added. 生成目标单位清单';

------------------------------------------------------------------------------
-- Inspections (执法、监督、检查, §8–9)
------------------------------------------------------------------------------

CREATE TABLE escalation.inspection (
	id bigint GENERATED BY DEFAULT AS IDENTITY,
	department_id bigint NOT NULL,
	office_id bigint,
	unit_id bigint NOT NULL,
	kind escalation.inspection_kind NOT NULL DEFAULT 'inspection',
	mode escalation.inspection_mode NOT NULL DEFAULT 'on_site',
	campaign_id bigint,
	inspected_at timestamptz NOT NULL DEFAULT statement_timestamp(),
	checked text,
	findings text,
	region escalation.region NOT NULL,
	created_at timestamptz NOT NULL DEFAULT statement_timestamp(),
	created_by name NOT NULL DEFAULT CURRENT_USER,
	CONSTRAINT inspection_pkey PRIMARY KEY (id),
	CONSTRAINT inspection_id_department_unit_key UNIQUE (id, department_id, unit_id),
	CONSTRAINT inspection_department_fkey FOREIGN KEY (department_id) REFERENCES escalation.department (id),
	CONSTRAINT inspection_office_of_department FOREIGN KEY (office_id, department_id)
		REFERENCES escalation.office (id, department_id),
	CONSTRAINT inspection_unit_fkey FOREIGN KEY (unit_id) REFERENCES escalation.unit (id),
	CONSTRAINT inspection_campaign_fkey FOREIGN KEY (campaign_id) REFERENCES escalation.campaign (id)
);
CREATE INDEX inspection_region_idx ON escalation.inspection (region);
CREATE INDEX inspection_department_idx ON escalation.inspection (department_id, inspected_at);
CREATE INDEX inspection_unit_idx ON escalation.inspection (unit_id, inspected_at);
CREATE INDEX inspection_campaign_idx ON escalation.inspection (campaign_id) WHERE campaign_id IS NOT NULL;
CREATE INDEX inspection_inspected_at_idx ON escalation.inspection (inspected_at);
COMMENT ON TABLE escalation.inspection IS
	'Routine enforcement, supervision and inspection of a unit by a department (§8–9), on site or as online patrol, optionally under a campaign: the "quantity" of a department''s work. 执法、监督、检查记录';
COMMENT ON COLUMN escalation.inspection.id IS 'Inspection id (generated). 检查编号';
COMMENT ON COLUMN escalation.inspection.department_id IS 'Department that inspected. 检查部门';
COMMENT ON COLUMN escalation.inspection.office_id IS 'Its office that carried it out. 承办处科室';
COMMENT ON COLUMN escalation.inspection.unit_id IS 'The unit inspected. 被检查单位';
COMMENT ON COLUMN escalation.inspection.kind IS 'Enforcement, supervision or inspection. 检查性质';
COMMENT ON COLUMN escalation.inspection.mode IS 'On site or online patrol. 检查方式（现场检查/网上巡查）';
COMMENT ON COLUMN escalation.inspection.campaign_id IS 'Campaign it was made under, if any; the date must fall within the campaign and the unit within its scope. 所属专项工作';
COMMENT ON COLUMN escalation.inspection.inspected_at IS 'When the inspection took place. 检查时间';
COMMENT ON COLUMN escalation.inspection.checked IS 'What was checked. 检查内容';
COMMENT ON COLUMN escalation.inspection.findings IS 'What was found, in words; hazards found are rows of escalation.hazard. 检查情况';
COMMENT ON COLUMN escalation.inspection.region IS 'Region of the unit (kept by trigger, for row-level security). 所属区划';
COMMENT ON COLUMN escalation.inspection.created_at IS 'When the inspection was entered. 录入时间';
COMMENT ON COLUMN escalation.inspection.created_by IS 'Role that entered it. 录入人';
SELECT pg_catalog.pg_extension_config_dump('escalation.inspection', '');
SELECT pg_catalog.pg_extension_config_dump('escalation.inspection_id_seq', '');
SELECT escalation.follow_unit_region('escalation.inspection');

-- Raise a clear error unless a campaign may hold work on a unit at an instant.
CREATE FUNCTION escalation.campaign_admits(campaign_id bigint, unit_id bigint, at timestamptz, what text)
RETURNS void
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, escalation, pg_temp AS
$$
DECLARE
	c escalation.campaign;
	day date := escalation.local_day(at);
BEGIN
	-- A campaign the caller does not work under is one that does not exist.
	SELECT * INTO c FROM escalation.campaign x
	WHERE x.id = campaign_admits.campaign_id
		AND (escalation.caller_sees_region(x.region) OR x.region OPERATOR(escalation.@>) escalation.current_region());
	IF NOT FOUND THEN
		RAISE EXCEPTION 'campaign % does not exist', campaign_admits.campaign_id USING ERRCODE = 'foreign_key_violation';
	END IF;
	IF day NOT BETWEEN c.starts_on AND c.ends_on THEN
		RAISE EXCEPTION '% on % is outside the period of campaign % ("%"), % to %',
				what, day, c.id, c.name, c.starts_on, c.ends_on
			USING ERRCODE = 'check_violation',
				  DETAIL = 'Work under a campaign falls within its period.';
	END IF;
	IF NOT escalation.campaign_covers(c.id, campaign_admits.unit_id) THEN
		RAISE EXCEPTION 'unit % is outside the scope of campaign % ("%")', campaign_admits.unit_id, c.id, c.name
			USING ERRCODE = 'check_violation',
				  DETAIL = 'Work under a campaign concerns units within its scope regions and industries.';
	END IF;
END
$$;
COMMENT ON FUNCTION escalation.campaign_admits(bigint, bigint, timestamptz, text) IS
	'Raises an error unless the instant falls within the campaign''s period and the unit within its scope. 专项工作范围与期间校验';

-- Trigger: an inspection under a campaign falls within the campaign.
CREATE FUNCTION escalation.inspection_check() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, escalation, pg_temp AS
$$
BEGIN
	IF NEW.campaign_id IS NOT NULL THEN
		PERFORM escalation.campaign_admits(NEW.campaign_id, NEW.unit_id, NEW.inspected_at, 'inspection');
	END IF;
	RETURN NEW;
END
$$;
COMMENT ON FUNCTION escalation.inspection_check() IS
	'Trigger: an inspection under a campaign falls within the campaign''s period and scope. 检查记录校验';
CREATE TRIGGER inspection_check BEFORE INSERT OR UPDATE OF campaign_id, unit_id, inspected_at ON escalation.inspection
	FOR EACH ROW EXECUTE FUNCTION escalation.inspection_check();

CREATE TABLE escalation.inspection_inspector (
	inspection_id bigint NOT NULL,
	person_id bigint NOT NULL,
	department_id bigint NOT NULL,
	unit_id bigint NOT NULL,
	region escalation.region NOT NULL,
	CONSTRAINT inspection_inspector_pkey PRIMARY KEY (inspection_id, person_id),
	CONSTRAINT inspection_inspector_inspection_fkey FOREIGN KEY (inspection_id, department_id, unit_id)
		REFERENCES escalation.inspection (id, department_id, unit_id) ON DELETE CASCADE ON UPDATE CASCADE,
	CONSTRAINT inspection_inspector_person_of_department FOREIGN KEY (person_id, department_id)
		REFERENCES escalation.person (id, department_id)
);
CREATE INDEX inspection_inspector_person_idx ON escalation.inspection_inspector (person_id);
CREATE INDEX inspection_inspector_region_idx ON escalation.inspection_inspector (region);
COMMENT ON TABLE escalation.inspection_inspector IS
	'Inspectors of an inspection: people of the inspecting department (a joint inspection is recorded once per department). 检查人员';
COMMENT ON COLUMN escalation.inspection_inspector.inspection_id IS 'The inspection. 检查';
COMMENT ON COLUMN escalation.inspection_inspector.person_id IS 'An inspector, a person of the inspecting department. 检查人员';
COMMENT ON COLUMN escalation.inspection_inspector.department_id IS 'The inspecting department (filled from the inspection). 检查部门';
COMMENT ON COLUMN escalation.inspection_inspector.unit_id IS 'The unit inspected (filled from the inspection). 被检查单位';
COMMENT ON COLUMN escalation.inspection_inspector.region IS 'Region of the unit (kept by trigger, for row-level security). 所属区划';
SELECT pg_catalog.pg_extension_config_dump('escalation.inspection_inspector', '');
SELECT escalation.follow_unit_region('escalation.inspection_inspector');

-- Trigger: take department and unit from the inspection; name a stranger clearly.
CREATE FUNCTION escalation.inspection_inspector_fill() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, escalation, pg_temp AS
$$
DECLARE
	insp escalation.inspection;
	other bigint;
BEGIN
	-- Rows the caller may not see are treated as missing: the inspection here,
	-- the person by the foreign key (the same error either way).
	SELECT * INTO insp FROM escalation.inspection WHERE id = NEW.inspection_id AND escalation.caller_sees_region(region);
	IF NOT FOUND THEN
		RAISE EXCEPTION 'inspection % does not exist', NEW.inspection_id USING ERRCODE = 'foreign_key_violation';
	END IF;
	NEW.department_id := insp.department_id;
	NEW.unit_id := insp.unit_id;
	SELECT p.department_id INTO other FROM escalation.person p
	WHERE p.id = NEW.person_id AND escalation.caller_sees_region(p.region);
	IF FOUND AND other <> insp.department_id THEN
		RAISE EXCEPTION 'inspector % works in department %, not in department % that made inspection %',
				NEW.person_id, other, insp.department_id, insp.id
			USING ERRCODE = 'foreign_key_violation', CONSTRAINT = 'inspection_inspector_person_of_department',
				  HINT = 'Record a joint inspection once per department, each with its own inspectors.';
	END IF;
	RETURN NEW;
END
$$;
COMMENT ON FUNCTION escalation.inspection_inspector_fill() IS
	'Trigger: fills an inspector row''s department and unit from its inspection and rejects a person of another department with a clear message. 检查人员校验';
CREATE TRIGGER inspection_inspector_fill BEFORE INSERT OR UPDATE ON escalation.inspection_inspector
	FOR EACH ROW EXECUTE FUNCTION escalation.inspection_inspector_fill();

-- Record an inspection with its inspectors and return its id.
CREATE FUNCTION escalation.inspect(
	unit_id bigint,
	department_id bigint,
	inspectors bigint[] DEFAULT '{}',
	mode escalation.inspection_mode DEFAULT 'on_site',
	kind escalation.inspection_kind DEFAULT 'inspection',
	checked text DEFAULT NULL,
	findings text DEFAULT NULL,
	inspected_at timestamptz DEFAULT statement_timestamp(),
	campaign_id bigint DEFAULT NULL,
	office_id bigint DEFAULT NULL
) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, escalation, pg_temp AS
$$
#variable_conflict use_column
DECLARE
	new_id bigint;
BEGIN
	PERFORM escalation.require_argument(inspect.unit_id, 'unit_id');
	PERFORM escalation.require_argument(inspect.department_id, 'department_id');
	PERFORM escalation.require_argument(inspect.inspected_at, 'inspected_at');
	INSERT INTO escalation.inspection
		(unit_id, department_id, mode, kind, checked, findings, inspected_at, campaign_id, office_id)
	VALUES
		(inspect.unit_id, inspect.department_id, coalesce(inspect.mode, 'on_site'), coalesce(inspect.kind, 'inspection'),
		 inspect.checked, inspect.findings, inspect.inspected_at, inspect.campaign_id, inspect.office_id)
	RETURNING id INTO new_id;
	INSERT INTO escalation.inspection_inspector (inspection_id, person_id)
	SELECT DISTINCT new_id, p FROM unnest(inspect.inspectors) AS p;
	RETURN new_id;
END
$$;
COMMENT ON FUNCTION escalation.inspect(bigint, bigint, bigint[], escalation.inspection_mode, escalation.inspection_kind, text, text, timestamptz, bigint, bigint) IS
	'Records an inspection of a unit by a department with its inspectors (people of that department), on site or online patrol, optionally under a campaign; returns its id. 登记检查';

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
	id bigint GENERATED BY DEFAULT AS IDENTITY,
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
	id bigint GENERATED BY DEFAULT AS IDENTITY,
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
CREATE FUNCTION escalation.hazard_refuse(
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
COMMENT ON FUNCTION escalation.hazard_refuse(bigint, text, escalation.hazard_status, escalation.hazard_grade, text, text) IS
	'Raises SQLSTATE 55000 naming the refused step and the hazard''s current status and grade. 拒绝非法处理步骤';

-- Raise a clear error for a row whose timestamps or grade contradict each other.
CREATE FUNCTION escalation.hazard_check_row(h escalation.hazard, entering boolean DEFAULT false) RETURNS void
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
COMMENT ON FUNCTION escalation.hazard_check_row(escalation.hazard, boolean) IS
	'Raises a clear error (naming field and value) for a hazard row whose deadline, grade and step timestamps contradict each other; the table''s CHECK constraints back it. 隐患记录一致性校验';

-- Trigger: validate a new hazard; tie it to its inspection and campaign.
CREATE FUNCTION escalation.hazard_check_insert() RETURNS trigger
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
		PERFORM escalation.campaign_admits(NEW.campaign_id, NEW.unit_id, NEW.found_at, 'hazard');
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
	PERFORM escalation.hazard_check_row(NEW, true);
	RETURN NEW;
END
$$;
COMMENT ON FUNCTION escalation.hazard_check_insert() IS
	'Trigger: validates a new hazard (deadline not before discovery, grade and timestamps consistent, same unit and department as its inspection, within its campaign) and fills its campaign and deadline provenance. 隐患登记校验';
CREATE TRIGGER hazard_check_insert BEFORE INSERT ON escalation.hazard
	FOR EACH ROW EXECUTE FUNCTION escalation.hazard_check_insert();

-- Trigger: allow an UPDATE only as one legal lifecycle step (or an edit of the
-- description), and number the step for the history.
CREATE FUNCTION escalation.hazard_check_step() RETURNS trigger
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
			PERFORM escalation.hazard_refuse(OLD.id, 'change', OLD.status, OLD.grade,
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
		PERFORM escalation.hazard_refuse(OLD.id, replace(step::text, '_', ' '), OLD.status, OLD.grade,
			format('One statement takes one lifecycle step; this one also changes: %s.', array_to_string(others, ', ')),
			'Make each step with its own statement, e.g. escalation.hazard_rectify() and then escalation.hazard_close().');
	END IF;

	CASE step
	WHEN 'close' THEN
		IF NEW.closed_at IS NULL THEN
			RAISE EXCEPTION 'closing hazard % needs closed_at', OLD.id USING ERRCODE = 'not_null_violation';
		ELSIF OLD.grade = 'suspected_major' THEN
			PERFORM escalation.hazard_refuse(OLD.id, 'close', OLD.status, OLD.grade,
				'A suspected major hazard must be confirmed or ruled out before it is closed.',
				'Call escalation.hazard_confirm() first.');
		ELSIF OLD.status = 'rectifying' THEN
			PERFORM escalation.hazard_refuse(OLD.id, 'close', OLD.status, OLD.grade,
				CASE WHEN OLD.recheck_result = 'fail'
					 THEN format('Its re-inspection at %s failed and it has not been rectified again.', OLD.rechecked_at)
					 ELSE 'It has not been rectified.' END,
				'Record the rectification with escalation.hazard_rectify() first.');
		ELSIF OLD.needs_recheck AND OLD.status <> 'verified' THEN
			PERFORM escalation.hazard_refuse(OLD.id, 'close', OLD.status, OLD.grade,
				'It needs a passed re-inspection (复查合格) before it is closed.',
				'Record the re-inspection with escalation.hazard_recheck() first.');
		END IF;
	WHEN 'recheck_pass', 'recheck_fail' THEN
		IF OLD.status <> 'rectified' THEN
			PERFORM escalation.hazard_refuse(OLD.id, 're-inspect', OLD.status, OLD.grade,
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
			PERFORM escalation.hazard_refuse(OLD.id, 'rectify', OLD.status, OLD.grade,
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
			PERFORM escalation.hazard_refuse(OLD.id, 'confirm', OLD.status, OLD.grade,
				'Only a suspected major hazard (疑似重大事故隐患) is confirmed or ruled out, once.');
		END IF;
		IF NEW.grade NOT IN ('major', 'not_major') THEN
			PERFORM escalation.hazard_refuse(OLD.id, 'confirm', OLD.status, OLD.grade,
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
			PERFORM escalation.hazard_refuse(OLD.id, replace(step::text, '_', ' '), OLD.status, OLD.grade,
				'The rectification deadline is set or extended only while the hazard is being rectified.');
		END IF;
		IF NEW.rectify_deadline IS NULL THEN
			PERFORM escalation.hazard_refuse(OLD.id, 'remove the deadline of', OLD.status, OLD.grade,
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
			PERFORM escalation.hazard_check_row(NEW);
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

	PERFORM escalation.hazard_check_row(NEW);
	NEW.step_no := OLD.step_no + 1;
	NEW.last_step := step;
	RETURN NEW;
END
$$;
COMMENT ON FUNCTION escalation.hazard_check_step() IS
	'Trigger: accepts an UPDATE of a hazard only as one legal lifecycle step (confirm or rule out a suspected major hazard, set or extend the deadline, rectify, re-inspect by a supervising department, close after a passed re-inspection) or an edit of its description, with SQLSTATE 55000 naming the current status and the refused step otherwise. 隐患处理流程校验';
CREATE TRIGGER hazard_check_step BEFORE UPDATE ON escalation.hazard
	FOR EACH ROW EXECUTE FUNCTION escalation.hazard_check_step();

-- Trigger: write the history entry of a lifecycle step.
CREATE FUNCTION escalation.hazard_record_step() RETURNS trigger
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
COMMENT ON FUNCTION escalation.hazard_record_step() IS
	'Trigger: records a hazard''s lifecycle step in escalation.hazard_history (step, from/to status, grade and deadline, department, time, note, acting role). 记录隐患处理步骤';
CREATE TRIGGER hazard_record_step AFTER UPDATE ON escalation.hazard
	FOR EACH ROW WHEN (NEW.step_no <> OLD.step_no)
	EXECUTE FUNCTION escalation.hazard_record_step();

-- Lock a hazard for a lifecycle step, with a clear error when it is not there.
CREATE FUNCTION escalation.hazard_lock(hazard_id bigint) RETURNS escalation.hazard
LANGUAGE plpgsql SET search_path = pg_catalog, escalation, pg_temp AS
$$
DECLARE
	h escalation.hazard;
BEGIN
	SELECT * INTO h FROM escalation.hazard WHERE id = hazard_lock.hazard_id FOR UPDATE;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'hazard % does not exist', coalesce(hazard_lock.hazard_id::text, 'NULL')
			USING ERRCODE = 'no_data_found',
				  DETAIL = 'There is no hazard with this id that you may change.';
	END IF;
	RETURN h;
END
$$;
COMMENT ON FUNCTION escalation.hazard_lock(bigint) IS
	'Locks a hazard the caller may change and returns it; raises no_data_found (P0002) otherwise. 锁定隐患';

-- Raise an error when a required argument of a lifecycle function is missing.
CREATE FUNCTION escalation.require_argument(value anyelement, name text) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, escalation, pg_temp AS
$$
BEGIN
	IF value IS NULL OR (pg_typeof(value) = 'text'::regtype AND btrim(value::text) = '') THEN
		RAISE EXCEPTION 'argument % must not be empty', name USING ERRCODE = 'null_value_not_allowed';
	END IF;
END
$$;
COMMENT ON FUNCTION escalation.require_argument(anyelement, text) IS
	'Raises null_value_not_allowed (22004) naming the argument when it is NULL or blank text. 必填参数校验';

-- Report a hazard: found in an inspection, or self-reported by the unit.
CREATE FUNCTION escalation.hazard_report(
	description text,
	rectify_deadline timestamptz DEFAULT NULL,
	inspection_id bigint DEFAULT NULL,
	unit_id bigint DEFAULT NULL,
	found_by bigint DEFAULT NULL,
	grade escalation.hazard_grade DEFAULT 'general',
	category escalation.hazard_category DEFAULT 'other',
	measures text DEFAULT NULL,
	needs_recheck boolean DEFAULT true,
	found_at timestamptz DEFAULT NULL,
	location text DEFAULT NULL,
	source escalation.hazard_source DEFAULT NULL,
	campaign_id bigint DEFAULT NULL
) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, escalation, pg_temp AS
$$
#variable_conflict use_column
DECLARE
	insp escalation.inspection;
	new_id bigint;
BEGIN
	PERFORM escalation.require_argument(hazard_report.description, 'description');
	IF hazard_report.grade NOT IN ('general', 'suspected_major') THEN
		RAISE EXCEPTION 'a hazard is reported as general or suspected_major, not %', hazard_report.grade
			USING ERRCODE = 'invalid_parameter_value',
				  HINT = 'Report it as suspected_major and confirm it with escalation.hazard_confirm().';
	END IF;
	IF hazard_report.inspection_id IS NOT NULL THEN
		SELECT * INTO insp FROM escalation.inspection i WHERE i.id = hazard_report.inspection_id;
		IF NOT FOUND THEN
			RAISE EXCEPTION 'inspection % does not exist', hazard_report.inspection_id USING ERRCODE = 'no_data_found';
		END IF;
		IF hazard_report.source = 'self_report' THEN
			RAISE EXCEPTION 'a self-reported hazard does not belong to an inspection' USING ERRCODE = 'invalid_parameter_value';
		END IF;
	ELSE
		PERFORM escalation.require_argument(hazard_report.unit_id, 'unit_id');
		PERFORM escalation.require_argument(hazard_report.found_by, 'found_by');
	END IF;
	INSERT INTO escalation.hazard
		(unit_id, found_by, found_at, source, inspection_id, campaign_id, description, category, location, grade,
		 needs_recheck, measures, rectify_deadline)
	VALUES
		(coalesce(hazard_report.unit_id, insp.unit_id), coalesce(hazard_report.found_by, insp.department_id),
		 coalesce(hazard_report.found_at, insp.inspected_at, statement_timestamp()),
		 coalesce(hazard_report.source, 'inspection'), hazard_report.inspection_id, hazard_report.campaign_id,
		 hazard_report.description, hazard_report.category, hazard_report.location, hazard_report.grade,
		 coalesce(hazard_report.needs_recheck, true), hazard_report.measures, hazard_report.rectify_deadline)
	RETURNING id INTO new_id;
	RETURN new_id;
END
$$;
COMMENT ON FUNCTION escalation.hazard_report(text, timestamptz, bigint, bigint, bigint, escalation.hazard_grade, escalation.hazard_category, text, boolean, timestamptz, text, escalation.hazard_source, bigint) IS
	'Enters a hazard found in an inspection (unit, department and time taken from it) or self-reported by a unit (give unit_id, found_by = the supervising department it reports to, source => ''self_report''); a general hazard needs a rectify_deadline. Returns the hazard id. 隐患登记';

-- Confirm a suspected major hazard as major, or rule it out.
CREATE FUNCTION escalation.hazard_confirm(
	hazard_id bigint,
	major boolean,
	confirmed_by bigint,
	note text,
	rectify_deadline timestamptz DEFAULT NULL,
	needs_recheck boolean DEFAULT true,
	confirmed_at timestamptz DEFAULT statement_timestamp()
) RETURNS escalation.hazard
LANGUAGE plpgsql SET search_path = pg_catalog, escalation, pg_temp AS
$$
#variable_conflict use_column
DECLARE
	h escalation.hazard;
BEGIN
	PERFORM escalation.require_argument(hazard_confirm.major, 'major');
	PERFORM escalation.require_argument(hazard_confirm.confirmed_by, 'confirmed_by');
	PERFORM escalation.require_argument(hazard_confirm.note, 'note');
	PERFORM escalation.require_argument(hazard_confirm.confirmed_at, 'confirmed_at');
	h := escalation.hazard_lock(hazard_confirm.hazard_id);
	IF hazard_confirm.major AND coalesce(hazard_confirm.rectify_deadline, h.rectify_deadline) IS NULL THEN
		RAISE EXCEPTION 'confirming hazard % as major needs a rectify_deadline', h.id
			USING ERRCODE = 'null_value_not_allowed',
				  DETAIL = 'A major accident hazard is rectified under a governance plan (治理方案) with a deadline.';
	END IF;
	UPDATE escalation.hazard
	SET grade = CASE WHEN hazard_confirm.major THEN 'major' ELSE 'not_major' END::escalation.hazard_grade,
		confirmed_at = hazard_confirm.confirmed_at,
		confirmed_by = hazard_confirm.confirmed_by,
		confirm_note = hazard_confirm.note,
		needs_recheck = hazard_confirm.major OR coalesce(hazard_confirm.needs_recheck, true),
		rectify_deadline = coalesce(hazard_confirm.rectify_deadline, h.rectify_deadline)
	WHERE id = h.id
	RETURNING * INTO h;
	RETURN h;
END
$$;
COMMENT ON FUNCTION escalation.hazard_confirm(bigint, boolean, bigint, text, timestamptz, boolean, timestamptz) IS
	'Confirms a suspected major hazard as major (重大事故隐患) or rules it out (not_major, then handled as a general hazard), by a department with a note; a confirmed major hazard, and a ruled-out one that needs re-inspection, needs a rectify_deadline (given here unless already set). 疑似重大隐患确认';

-- Extend a hazard's rectification deadline, with the reason.
CREATE FUNCTION escalation.hazard_extend(
	hazard_id bigint,
	new_deadline timestamptz,
	reason text,
	extended_by bigint,
	extended_at timestamptz DEFAULT statement_timestamp()
) RETURNS escalation.hazard
LANGUAGE plpgsql SET search_path = pg_catalog, escalation, pg_temp AS
$$
#variable_conflict use_column
DECLARE
	h escalation.hazard;
BEGIN
	PERFORM escalation.require_argument(hazard_extend.new_deadline, 'new_deadline');
	PERFORM escalation.require_argument(hazard_extend.reason, 'reason');
	PERFORM escalation.require_argument(hazard_extend.extended_by, 'extended_by');
	PERFORM escalation.require_argument(hazard_extend.extended_at, 'extended_at');
	h := escalation.hazard_lock(hazard_extend.hazard_id);
	UPDATE escalation.hazard
	SET rectify_deadline = hazard_extend.new_deadline,
		deadline_reason = hazard_extend.reason,
		deadline_set_by = hazard_extend.extended_by,
		deadline_set_at = hazard_extend.extended_at
	WHERE id = h.id
	RETURNING * INTO h;
	RETURN h;
END
$$;
COMMENT ON FUNCTION escalation.hazard_extend(bigint, timestamptz, text, bigint, timestamptz) IS
	'Extends (延期) the rectification deadline of a hazard being rectified to a later time, recording the reason and the department; sets the first deadline of a suspected major hazard that has none. 隐患整改延期';

-- Record that the unit has rectified a hazard.
CREATE FUNCTION escalation.hazard_rectify(
	hazard_id bigint,
	rectified_by text,
	note text DEFAULT NULL,
	rectified_at timestamptz DEFAULT statement_timestamp()
) RETURNS escalation.hazard
LANGUAGE plpgsql SET search_path = pg_catalog, escalation, pg_temp AS
$$
#variable_conflict use_column
DECLARE
	h escalation.hazard;
BEGIN
	PERFORM escalation.require_argument(hazard_rectify.rectified_by, 'rectified_by');
	PERFORM escalation.require_argument(hazard_rectify.rectified_at, 'rectified_at');
	h := escalation.hazard_lock(hazard_rectify.hazard_id);
	UPDATE escalation.hazard
	SET rectified_at = hazard_rectify.rectified_at,
		rectified_by = hazard_rectify.rectified_by,
		rectification_note = hazard_rectify.note
	WHERE id = h.id
	RETURNING * INTO h;
	RETURN h;
END
$$;
COMMENT ON FUNCTION escalation.hazard_rectify(bigint, text, text, timestamptz) IS
	'Records that the unit completed the rectification of a hazard being rectified (整改完成), naming who is accountable. 隐患整改完成';

-- Record a re-inspection; a failed one sends the hazard back with a new deadline.
CREATE FUNCTION escalation.hazard_recheck(
	hazard_id bigint,
	rechecked_by bigint,
	passed boolean,
	note text DEFAULT NULL,
	new_deadline timestamptz DEFAULT NULL,
	inspector bigint DEFAULT NULL,
	rechecked_at timestamptz DEFAULT statement_timestamp()
) RETURNS escalation.hazard
LANGUAGE plpgsql SET search_path = pg_catalog, escalation, pg_temp AS
$$
#variable_conflict use_column
DECLARE
	h escalation.hazard;
BEGIN
	PERFORM escalation.require_argument(hazard_recheck.rechecked_by, 'rechecked_by');
	PERFORM escalation.require_argument(hazard_recheck.passed, 'passed');
	PERFORM escalation.require_argument(hazard_recheck.rechecked_at, 'rechecked_at');
	IF hazard_recheck.passed AND hazard_recheck.new_deadline IS NOT NULL THEN
		RAISE EXCEPTION 'a passed re-inspection takes no new_deadline' USING ERRCODE = 'invalid_parameter_value';
	END IF;
	IF NOT hazard_recheck.passed AND hazard_recheck.new_deadline IS NULL THEN
		RAISE EXCEPTION 'a failed re-inspection needs new_deadline' USING ERRCODE = 'null_value_not_allowed',
			DETAIL = 'The hazard goes back to rectification with a new deadline.';
	END IF;
	h := escalation.hazard_lock(hazard_recheck.hazard_id);
	UPDATE escalation.hazard
	SET rechecked_at = hazard_recheck.rechecked_at,
		rechecked_by = hazard_recheck.rechecked_by,
		recheck_inspector = hazard_recheck.inspector,
		recheck_result = CASE WHEN hazard_recheck.passed THEN 'pass' ELSE 'fail' END::escalation.recheck_result,
		recheck_note = hazard_recheck.note,
		rectify_deadline = coalesce(hazard_recheck.new_deadline, h.rectify_deadline)
	WHERE id = h.id
	RETURNING * INTO h;
	RETURN h;
END
$$;
COMMENT ON FUNCTION escalation.hazard_recheck(bigint, bigint, boolean, text, timestamptz, bigint, timestamptz) IS
	'Records a re-inspection (复查) of a rectified hazard by a department that supervises the unit (or one above it): passed, or failed with a new rectification deadline. 隐患复查';

-- Close a hazard (销号).
CREATE FUNCTION escalation.hazard_close(
	hazard_id bigint,
	closed_by bigint,
	note text DEFAULT NULL,
	closed_at timestamptz DEFAULT statement_timestamp()
) RETURNS escalation.hazard
LANGUAGE plpgsql SET search_path = pg_catalog, escalation, pg_temp AS
$$
#variable_conflict use_column
DECLARE
	h escalation.hazard;
BEGIN
	PERFORM escalation.require_argument(hazard_close.closed_by, 'closed_by');
	PERFORM escalation.require_argument(hazard_close.closed_at, 'closed_at');
	h := escalation.hazard_lock(hazard_close.hazard_id);
	UPDATE escalation.hazard
	SET closed_at = hazard_close.closed_at,
		closed_by = hazard_close.closed_by,
		close_note = hazard_close.note
	WHERE id = h.id
	RETURNING * INTO h;
	RETURN h;
END
$$;
COMMENT ON FUNCTION escalation.hazard_close(bigint, bigint, text, timestamptz) IS
	'Closes (销号) a rectified hazard: one that needs re-inspection only after a passed re-inspection; a suspected major hazard only after confirmation. 隐患销号';

-- Every hazard's timeline: its entry, then each recorded step.
CREATE VIEW escalation.hazard_timeline WITH (security_invoker = true) AS
	SELECT h.id AS hazard_id, h.unit_id, 0::bigint AS seq, 'report'::text AS step,
		NULL::escalation.hazard_status AS from_status, coalesce(f.from_status, h.status) AS to_status,
		NULL::escalation.hazard_grade AS from_grade, coalesce(f.from_grade, h.grade) AS to_grade,
		NULL::timestamptz AS from_deadline, CASE WHEN f.hazard_id IS NULL THEN h.rectify_deadline ELSE f.from_deadline END AS to_deadline,
		h.found_by AS department_id, NULL::bigint AS person_id, h.found_at AS event_at, h.description AS note,
		h.created_at AS recorded_at, h.created_by AS recorded_by, h.region
	FROM escalation.hazard h
	LEFT JOIN LATERAL (
		SELECT hh.hazard_id, hh.from_status, hh.from_grade, hh.from_deadline
		FROM escalation.hazard_history hh WHERE hh.hazard_id = h.id ORDER BY hh.id LIMIT 1) f ON true
	UNION ALL
	SELECT hh.hazard_id, hh.unit_id, hh.id, hh.step::text, hh.from_status, hh.to_status, hh.from_grade, hh.to_grade,
		hh.from_deadline, hh.to_deadline, hh.department_id, hh.person_id, hh.event_at, hh.note,
		hh.recorded_at, hh.recorded_by, hh.region
	FROM escalation.hazard_history hh;
COMMENT ON VIEW escalation.hazard_timeline IS
	'A hazard''s whole story: its entry (step report, as it was entered) followed by every recorded lifecycle step, ordered by seq. 隐患处理全过程';
COMMENT ON COLUMN escalation.hazard_timeline.hazard_id IS 'The hazard. 隐患';
COMMENT ON COLUMN escalation.hazard_timeline.unit_id IS 'Its unit. 隐患单位';
COMMENT ON COLUMN escalation.hazard_timeline.seq IS 'Order: 0 for the entry, then the history entry id. 顺序';
COMMENT ON COLUMN escalation.hazard_timeline.step IS 'report, or a hazard_step. 处理步骤';
COMMENT ON COLUMN escalation.hazard_timeline.from_status IS 'Status before. 原状态';
COMMENT ON COLUMN escalation.hazard_timeline.to_status IS 'Status after. 新状态';
COMMENT ON COLUMN escalation.hazard_timeline.from_grade IS 'Grade before. 原等级';
COMMENT ON COLUMN escalation.hazard_timeline.to_grade IS 'Grade after. 新等级';
COMMENT ON COLUMN escalation.hazard_timeline.from_deadline IS 'Deadline before. 原整改期限';
COMMENT ON COLUMN escalation.hazard_timeline.to_deadline IS 'Deadline after. 新整改期限';
COMMENT ON COLUMN escalation.hazard_timeline.department_id IS 'Acting department (the finder for the entry). 处理部门';
COMMENT ON COLUMN escalation.hazard_timeline.person_id IS 'Acting person, for re-inspections. 处理人员';
COMMENT ON COLUMN escalation.hazard_timeline.event_at IS 'When it happened. 处理时间';
COMMENT ON COLUMN escalation.hazard_timeline.note IS 'Description (entry) or the step''s note. 说明';
COMMENT ON COLUMN escalation.hazard_timeline.recorded_at IS 'When it was recorded. 记录时间';
COMMENT ON COLUMN escalation.hazard_timeline.recorded_by IS 'Role that recorded it. 记录人';
COMMENT ON COLUMN escalation.hazard_timeline.region IS 'Region of the unit. 所属区划';

-- The state of every hazard found by an instant, as it stood at that instant.
CREATE FUNCTION escalation.hazard_as_of(at timestamptz, only_ids bigint[] DEFAULT NULL)
RETURNS TABLE (
	hazard_id bigint,
	status escalation.hazard_status,
	grade escalation.hazard_grade,
	rectify_deadline timestamptz,
	rectified_at timestamptz,
	rechecked_at timestamptz,
	closed_at timestamptz)
LANGUAGE sql STABLE
BEGIN ATOMIC
	SELECT h.id,
		CASE WHEN l.hazard_id IS NOT NULL THEN l.to_status
			 WHEN f.hazard_id IS NOT NULL THEN f.from_status
			 ELSE escalation.hazard_status_of(
				CASE WHEN h.rectified_at <= hazard_as_of.at THEN h.rectified_at END,
				CASE WHEN h.rechecked_at <= hazard_as_of.at THEN h.recheck_result END,
				CASE WHEN h.rechecked_at <= hazard_as_of.at THEN h.rechecked_at END,
				CASE WHEN h.closed_at <= hazard_as_of.at THEN h.closed_at END) END,
		CASE WHEN l.hazard_id IS NOT NULL THEN l.to_grade
			 WHEN f.hazard_id IS NOT NULL THEN f.from_grade
			 WHEN h.confirmed_at > hazard_as_of.at THEN 'suspected_major'::escalation.hazard_grade
			 ELSE h.grade END,
		CASE WHEN l.hazard_id IS NOT NULL THEN l.to_deadline
			 WHEN f.hazard_id IS NOT NULL THEN f.from_deadline
			 ELSE h.rectify_deadline END,
		CASE WHEN e.any_rectify THEN e.last_rectify WHEN h.rectified_at <= hazard_as_of.at THEN h.rectified_at END,
		CASE WHEN e.any_recheck THEN e.last_recheck WHEN h.rechecked_at <= hazard_as_of.at THEN h.rechecked_at END,
		CASE WHEN h.closed_at <= hazard_as_of.at THEN h.closed_at END
	FROM escalation.hazard h
	LEFT JOIN LATERAL (
		SELECT hh.hazard_id, hh.to_status, hh.to_grade, hh.to_deadline
		FROM escalation.hazard_history hh
		WHERE hh.hazard_id = h.id AND hh.event_at <= hazard_as_of.at
		ORDER BY hh.event_at DESC, hh.id DESC LIMIT 1) l ON true
	LEFT JOIN LATERAL (
		SELECT hh.hazard_id, hh.from_status, hh.from_grade, hh.from_deadline
		FROM escalation.hazard_history hh
		WHERE hh.hazard_id = h.id
		ORDER BY hh.event_at, hh.id LIMIT 1) f ON l.hazard_id IS NULL
	CROSS JOIN LATERAL (
		SELECT coalesce(bool_or(hh.step = 'rectify'), false) AS any_rectify,
			max(hh.event_at) FILTER (WHERE hh.step = 'rectify' AND hh.event_at <= hazard_as_of.at) AS last_rectify,
			coalesce(bool_or(hh.step IN ('recheck_pass', 'recheck_fail')), false) AS any_recheck,
			max(hh.event_at) FILTER (WHERE hh.step IN ('recheck_pass', 'recheck_fail') AND hh.event_at <= hazard_as_of.at)
				AS last_recheck
		FROM escalation.hazard_history hh
		WHERE hh.hazard_id = h.id) e
	WHERE h.found_at <= hazard_as_of.at
		AND (hazard_as_of.only_ids IS NULL OR h.id = ANY (hazard_as_of.only_ids));
END;
COMMENT ON FUNCTION escalation.hazard_as_of(timestamptz, bigint[]) IS
	'Every hazard found by an instant (or those listed in only_ids) as it stood at that instant: status, grade and deadline, the latest rectification and re-inspection by then, and closing (from escalation.hazard_history; a hazard entered already advanced counts its own timestamps); limited to the rows the caller may see. 隐患时点状态';

------------------------------------------------------------------------------
-- Transferred violation clues (移交违法线索)
------------------------------------------------------------------------------

CREATE TABLE escalation.clue (
	id bigint GENERATED BY DEFAULT AS IDENTITY,
	unit_id bigint,
	from_department bigint NOT NULL,
	to_department bigint NOT NULL,
	transferred_at timestamptz NOT NULL DEFAULT statement_timestamp(),
	facts text,
	legal_basis text,
	inspection_id bigint,
	hazard_id bigint,
	forwarded_from bigint,
	handling escalation.clue_handling,
	handled_at timestamptz,
	handled_by bigint,
	case_number text,
	handling_note text,
	forwarded_to bigint,
	region escalation.region NOT NULL,
	created_at timestamptz NOT NULL DEFAULT statement_timestamp(),
	created_by name NOT NULL DEFAULT CURRENT_USER,
	CONSTRAINT clue_pkey PRIMARY KEY (id),
	CONSTRAINT clue_unit_fkey FOREIGN KEY (unit_id) REFERENCES escalation.unit (id),
	CONSTRAINT clue_from_department_fkey FOREIGN KEY (from_department) REFERENCES escalation.department (id),
	CONSTRAINT clue_to_department_fkey FOREIGN KEY (to_department) REFERENCES escalation.department (id),
	CONSTRAINT clue_inspection_fkey FOREIGN KEY (inspection_id) REFERENCES escalation.inspection (id),
	CONSTRAINT clue_hazard_fkey FOREIGN KEY (hazard_id) REFERENCES escalation.hazard (id),
	CONSTRAINT clue_forwarded_from_fkey FOREIGN KEY (forwarded_from) REFERENCES escalation.clue (id),
	CONSTRAINT clue_handled_by_of_department FOREIGN KEY (handled_by, to_department)
		REFERENCES escalation.person (id, department_id),
	CONSTRAINT clue_forwarded_to_fkey FOREIGN KEY (forwarded_to) REFERENCES escalation.department (id),
	CONSTRAINT clue_not_to_itself CHECK (to_department <> from_department),
	CONSTRAINT clue_handled_after_transfer CHECK (handled_at >= transferred_at),
	CONSTRAINT clue_handling_has_time CHECK (handling IS NULL OR handled_at IS NOT NULL),
	CONSTRAINT clue_rejection_has_reason CHECK (handling IS DISTINCT FROM 'rejected' OR nullif(btrim(handling_note), '') IS NOT NULL),
	CONSTRAINT clue_forward_has_target CHECK ((handling IS NOT DISTINCT FROM 'forwarded') = (forwarded_to IS NOT NULL)),
	CONSTRAINT clue_forward_elsewhere CHECK (forwarded_to <> to_department)
);
CREATE INDEX clue_region_idx ON escalation.clue (region);
CREATE INDEX clue_to_department_idx ON escalation.clue (to_department, transferred_at);
CREATE INDEX clue_from_department_idx ON escalation.clue (from_department, transferred_at);
CREATE INDEX clue_unit_idx ON escalation.clue (unit_id) WHERE unit_id IS NOT NULL;
CREATE INDEX clue_transferred_at_idx ON escalation.clue (transferred_at);
CREATE UNIQUE INDEX clue_one_forward_per_clue ON escalation.clue (forwarded_from) WHERE forwarded_from IS NOT NULL;
COMMENT ON TABLE escalation.clue IS
	'Violation clues transferred by a department to the department competent to act (移交违法线索, §8, §17), and how the receiver handled them: accepted and filed, rejected with a reason, or forwarded (which hands the clue on as a new clue from the receiver). 违法线索移交';
COMMENT ON COLUMN escalation.clue.id IS 'Clue id (generated). 线索编号';
COMMENT ON COLUMN escalation.clue.unit_id IS 'The unit concerned, if known. 涉及单位';
COMMENT ON COLUMN escalation.clue.from_department IS 'Department that transferred the clue; its level decides the warning ladder''s origin. 移交部门';
COMMENT ON COLUMN escalation.clue.to_department IS 'The competent department it was transferred to, which must handle it. 接收部门';
COMMENT ON COLUMN escalation.clue.transferred_at IS 'When it was transferred; the 3-day handling clock starts here. 移交时间';
COMMENT ON COLUMN escalation.clue.facts IS 'What was found (违法事实). 线索内容';
COMMENT ON COLUMN escalation.clue.legal_basis IS 'Laws and articles the facts fall under. 法律依据';
COMMENT ON COLUMN escalation.clue.inspection_id IS 'The inspection that found it, if any. 来源检查';
COMMENT ON COLUMN escalation.clue.hazard_id IS 'The hazard it concerns, if any. 相关隐患';
COMMENT ON COLUMN escalation.clue.forwarded_from IS 'The clue this one continues, when a receiver forwarded it (转办). 转办来源线索';
COMMENT ON COLUMN escalation.clue.handling IS 'accepted (filed), rejected (with reason) or forwarded; NULL while pending, or when only handled_at was recorded. 处理方式';
COMMENT ON COLUMN escalation.clue.handled_at IS 'When the receiving department handled it (final); ends the clue ladder. 处理时间';
COMMENT ON COLUMN escalation.clue.handled_by IS 'Person of the receiving department who handled it. 经办人';
COMMENT ON COLUMN escalation.clue.case_number IS 'Case number when accepted and filed. 立案号';
COMMENT ON COLUMN escalation.clue.handling_note IS 'Notes; the reason when rejected. 处理意见（不予受理理由）';
COMMENT ON COLUMN escalation.clue.forwarded_to IS 'Department it was forwarded to; a new clue from the receiver to it is created. 转办部门';
COMMENT ON COLUMN escalation.clue.region IS 'Region of the unit, or of the transferring department when there is no unit (kept by trigger, for row-level security). 所属区划';
COMMENT ON COLUMN escalation.clue.created_at IS 'When the clue was entered. 录入时间';
COMMENT ON COLUMN escalation.clue.created_by IS 'Role that entered it. 录入人';
COMMENT ON CONSTRAINT clue_rejection_has_reason ON escalation.clue IS
	'A rejected clue (不予受理) records the reason in handling_note. 不予受理须说明理由';
SELECT pg_catalog.pg_extension_config_dump('escalation.clue', '');
SELECT pg_catalog.pg_extension_config_dump('escalation.clue_id_seq', '');
SELECT escalation.follow_unit_region('escalation.clue');

-- Trigger: validate a clue and its handling; handling is final.
CREATE FUNCTION escalation.clue_check() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, escalation, pg_temp AS
$$
DECLARE
	fixed text;
	unseen record;
BEGIN
	IF TG_OP = 'UPDATE' THEN
		fixed := CASE
			WHEN NEW.unit_id IS DISTINCT FROM OLD.unit_id THEN 'unit_id'
			WHEN NEW.from_department <> OLD.from_department THEN 'from_department'
			WHEN NEW.to_department <> OLD.to_department THEN 'to_department'
			WHEN NEW.transferred_at <> OLD.transferred_at THEN 'transferred_at'
			WHEN NEW.forwarded_from IS DISTINCT FROM OLD.forwarded_from THEN 'forwarded_from'
		END;
		IF fixed IS NOT NULL THEN
			RAISE EXCEPTION 'column % of clue % cannot be changed', fixed, OLD.id
				USING ERRCODE = 'object_not_in_prerequisite_state',
					  DETAIL = 'Who transferred a clue to whom, and when, is fixed when it is transferred.';
		END IF;
		IF OLD.handled_at IS NOT NULL
		   AND (NEW.handling, NEW.handled_at, NEW.handled_by, NEW.case_number, NEW.handling_note, NEW.forwarded_to)
			   IS DISTINCT FROM (OLD.handling, OLD.handled_at, OLD.handled_by, OLD.case_number, OLD.handling_note, OLD.forwarded_to) THEN
			RAISE EXCEPTION 'cannot handle clue %: it was already handled (%) at %', OLD.id,
					coalesce(escalation.clue_handling_label(OLD.handling), '已处理'), OLD.handled_at
				USING ERRCODE = 'object_not_in_prerequisite_state',
					  DETAIL = 'A clue is handled once; its handling is final.';
		END IF;
		NEW.created_at := OLD.created_at;
		NEW.created_by := OLD.created_by;
	ELSIF NOT escalation.restoring() THEN
		NEW.created_by := escalation.acting_role();
	END IF;
	-- A clue names hazards, inspections and clues its author may see; the clue
	-- a forward creates (one trigger deeper) continues one the receiver may not.
	IF pg_trigger_depth() = 1 THEN
		SELECT r.what, r.id INTO unseen
		FROM (VALUES
			('hazard', NEW.hazard_id, CASE WHEN TG_OP = 'UPDATE' THEN OLD.hazard_id END,
			 (SELECT h.region FROM escalation.hazard h WHERE h.id = NEW.hazard_id)),
			('inspection', NEW.inspection_id, CASE WHEN TG_OP = 'UPDATE' THEN OLD.inspection_id END,
			 (SELECT i.region FROM escalation.inspection i WHERE i.id = NEW.inspection_id)),
			('clue', NEW.forwarded_from, CASE WHEN TG_OP = 'UPDATE' THEN OLD.forwarded_from END,
			 (SELECT c.region FROM escalation.clue c WHERE c.id = NEW.forwarded_from))) AS r (what, id, was, region)
		WHERE r.id IS NOT NULL AND r.id IS DISTINCT FROM r.was AND NOT escalation.caller_sees_region(r.region)
		LIMIT 1;
		IF FOUND THEN
			RAISE EXCEPTION '% % does not exist', unseen.what, unseen.id
				USING ERRCODE = 'foreign_key_violation', DETAIL = format('A clue names a %s you may see.', unseen.what);
		END IF;
	END IF;
	IF NEW.to_department = NEW.from_department THEN
		RAISE EXCEPTION 'clue cannot be transferred from department % to itself', NEW.from_department
			USING ERRCODE = 'check_violation', CONSTRAINT = 'clue_not_to_itself',
				  DETAIL = 'A clue goes to another, competent department.';
	END IF;
	IF NEW.handled_at < NEW.transferred_at THEN
		RAISE EXCEPTION 'clue handled_at % is before its transferred_at %', NEW.handled_at, NEW.transferred_at
			USING ERRCODE = 'check_violation', CONSTRAINT = 'clue_handled_after_transfer';
	END IF;
	IF NEW.handling IS NOT NULL AND NEW.handled_at IS NULL THEN
		RAISE EXCEPTION 'clue handling % needs handled_at', NEW.handling
			USING ERRCODE = 'not_null_violation', CONSTRAINT = 'clue_handling_has_time';
	END IF;
	IF NEW.handling = 'rejected' AND nullif(btrim(NEW.handling_note), '') IS NULL THEN
		RAISE EXCEPTION 'rejecting a clue needs the reason in handling_note'
			USING ERRCODE = 'not_null_violation', CONSTRAINT = 'clue_rejection_has_reason',
				  DETAIL = 'A clue that is not accepted (不予受理) records why.';
	END IF;
	IF (NEW.handling IS NOT DISTINCT FROM 'forwarded') <> (NEW.forwarded_to IS NOT NULL) THEN
		RAISE EXCEPTION 'a forwarded clue names forwarded_to, and only a forwarded clue does'
			USING ERRCODE = 'check_violation', CONSTRAINT = 'clue_forward_has_target';
	END IF;
	IF NEW.forwarded_to = NEW.to_department THEN
		RAISE EXCEPTION 'clue cannot be forwarded to department %, which received it', NEW.forwarded_to
			USING ERRCODE = 'check_violation', CONSTRAINT = 'clue_forward_elsewhere';
	END IF;
	IF NEW.unit_id IS NULL THEN
		SELECT d.region INTO NEW.region FROM escalation.department d WHERE d.id = NEW.from_department;
	END IF;
	RETURN NEW;
END
$$;
COMMENT ON FUNCTION escalation.clue_check() IS
	'Trigger: a clue goes to another department, is handled after its transfer and only once, a rejection has a reason, a forward names another department; a clue without a unit takes the transferring department''s region. 线索移交与处理校验';
CREATE TRIGGER clue_check BEFORE INSERT OR UPDATE ON escalation.clue
	FOR EACH ROW EXECUTE FUNCTION escalation.clue_check();

-- Trigger: a forward hands the clue on as a new clue from the receiver.
CREATE FUNCTION escalation.clue_forward_on() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, escalation, pg_temp AS
$$
BEGIN
	INSERT INTO escalation.clue
		(unit_id, from_department, to_department, transferred_at, facts, legal_basis, inspection_id, hazard_id, forwarded_from)
	VALUES
		(NEW.unit_id, NEW.to_department, NEW.forwarded_to, NEW.handled_at, NEW.facts, NEW.legal_basis,
		 NEW.inspection_id, NEW.hazard_id, NEW.id);
	RETURN NULL;
END
$$;
COMMENT ON FUNCTION escalation.clue_forward_on() IS
	'Trigger: when a receiver forwards a clue (转办), creates the clue from the receiver to the department it was forwarded to, transferred at the handling time. 转办生成新线索';
CREATE TRIGGER clue_forward_on AFTER UPDATE OF handling ON escalation.clue
	FOR EACH ROW WHEN (NEW.handling = 'forwarded' AND OLD.handling IS DISTINCT FROM 'forwarded')
	EXECUTE FUNCTION escalation.clue_forward_on();

-- Transfer a violation clue to the competent department.
CREATE FUNCTION escalation.clue_transfer(
	from_department bigint,
	to_department bigint,
	facts text,
	legal_basis text DEFAULT NULL,
	unit_id bigint DEFAULT NULL,
	transferred_at timestamptz DEFAULT statement_timestamp(),
	inspection_id bigint DEFAULT NULL,
	hazard_id bigint DEFAULT NULL
) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, escalation, pg_temp AS
$$
#variable_conflict use_column
DECLARE
	new_id bigint;
BEGIN
	PERFORM escalation.require_argument(clue_transfer.from_department, 'from_department');
	PERFORM escalation.require_argument(clue_transfer.to_department, 'to_department');
	PERFORM escalation.require_argument(clue_transfer.facts, 'facts');
	PERFORM escalation.require_argument(clue_transfer.transferred_at, 'transferred_at');
	INSERT INTO escalation.clue (from_department, to_department, facts, legal_basis, unit_id, transferred_at, inspection_id, hazard_id)
	VALUES (clue_transfer.from_department, clue_transfer.to_department, clue_transfer.facts, clue_transfer.legal_basis,
			clue_transfer.unit_id, clue_transfer.transferred_at, clue_transfer.inspection_id, clue_transfer.hazard_id)
	RETURNING id INTO new_id;
	RETURN new_id;
END
$$;
COMMENT ON FUNCTION escalation.clue_transfer(bigint, bigint, text, text, bigint, timestamptz, bigint, bigint) IS
	'Transfers a violation clue (移交违法线索) from a department to the competent department; returns the clue id. 移交线索';

-- Handle a transferred clue: accept, reject or forward it.
CREATE FUNCTION escalation.clue_handle(
	clue_id bigint,
	handling escalation.clue_handling,
	note text DEFAULT NULL,
	case_number text DEFAULT NULL,
	forward_to bigint DEFAULT NULL,
	handled_by bigint DEFAULT NULL,
	handled_at timestamptz DEFAULT statement_timestamp()
) RETURNS escalation.clue
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, escalation, pg_temp AS
$$
#variable_conflict use_column
DECLARE
	c escalation.clue;
	receiver escalation.department;
BEGIN
	PERFORM escalation.require_argument(clue_handle.handling, 'handling');
	PERFORM escalation.require_argument(clue_handle.handled_at, 'handled_at');
	IF clue_handle.handling = 'forwarded' THEN
		PERFORM escalation.require_argument(clue_handle.forward_to, 'forward_to');
	ELSIF clue_handle.forward_to IS NOT NULL THEN
		RAISE EXCEPTION 'forward_to is given only when forwarding a clue' USING ERRCODE = 'invalid_parameter_value';
	END IF;
	IF clue_handle.handling = 'rejected' THEN
		PERFORM escalation.require_argument(clue_handle.note, 'note');
	END IF;
	IF clue_handle.handling <> 'accepted' AND clue_handle.case_number IS NOT NULL THEN
		RAISE EXCEPTION 'case_number is given only when accepting a clue' USING ERRCODE = 'invalid_parameter_value';
	END IF;
	SELECT * INTO c FROM escalation.clue x WHERE x.id = clue_handle.clue_id FOR UPDATE;
	IF FOUND THEN
		SELECT * INTO receiver FROM escalation.department d WHERE d.id = c.to_department;
	END IF;
	-- The receiving side records the handling, wherever the clue came from.
	IF NOT FOUND OR NOT (escalation.caller_sees_region(receiver.region) OR escalation.caller_sees_region(c.region)) THEN
		RAISE EXCEPTION 'clue % does not exist', coalesce(clue_handle.clue_id::text, 'NULL')
			USING ERRCODE = 'no_data_found', DETAIL = 'There is no clue with this id that you may see.';
	END IF;
	IF NOT escalation.caller_sees_region(receiver.region, true) THEN
		RAISE EXCEPTION 'clue % was transferred to department % ("%"); its handling is recorded by that department''s region',
				c.id, receiver.id, receiver.name
			USING ERRCODE = 'insufficient_privilege';
	END IF;
	UPDATE escalation.clue
	SET handling = clue_handle.handling,
		handled_at = clue_handle.handled_at,
		handled_by = clue_handle.handled_by,
		case_number = clue_handle.case_number,
		handling_note = clue_handle.note,
		forwarded_to = clue_handle.forward_to
	WHERE id = c.id
	RETURNING * INTO c;
	RETURN c;
END
$$;
COMMENT ON FUNCTION escalation.clue_handle(bigint, escalation.clue_handling, text, text, bigint, bigint, timestamptz) IS
	'Records how the receiving department handled a clue: accepted (受理立案, optionally with case_number), rejected (不予受理, note = the reason) or forwarded (转办, forward_to = the competent department, which receives a new clue). Handling is final. Callable by users of the receiving department''s region, also for a clue about a unit in another district. 线索处理';

-- Clues transferred to the departments of the caller's region, wherever they came from.
CREATE FUNCTION escalation.received_clues()
RETURNS TABLE (
	clue_id bigint,
	unit_id bigint,
	unit_name text,
	from_department bigint,
	from_department_name text,
	to_department bigint,
	to_department_name text,
	transferred_at timestamptz,
	facts text,
	legal_basis text,
	forwarded_from bigint,
	handling escalation.clue_handling,
	handling_label text,
	handled_at timestamptz,
	days_to_handle numeric,
	overdue boolean)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, escalation, pg_temp
BEGIN ATOMIC
	SELECT c.id, c.unit_id, u.name, c.from_department, f.name, c.to_department, t.name, c.transferred_at, c.facts,
		c.legal_basis, c.forwarded_from, c.handling,
		coalesce(escalation.clue_handling_label(c.handling), CASE WHEN c.handled_at IS NOT NULL THEN '已处理' ELSE '待处理' END),
		c.handled_at,
		round((extract(epoch FROM coalesce(c.handled_at, statement_timestamp()) - c.transferred_at) / 86400)::numeric, 1),
		coalesce(c.handled_at, statement_timestamp()) > c.transferred_at + interval '3 days'
	FROM escalation.clue c
	JOIN escalation.department t ON t.id = c.to_department
	JOIN escalation.department f ON f.id = c.from_department
	LEFT JOIN escalation.unit u ON u.id = c.unit_id
	WHERE escalation.caller_sees_region(t.region)
	ORDER BY c.handled_at IS NULL DESC, c.transferred_at, c.id;
END;
COMMENT ON FUNCTION escalation.received_clues() IS
	'Clues transferred to departments within the caller''s region (all for the city office and analysts), also those about units elsewhere, pending first; overdue = not handled within 3 days (§17). 接收线索';

CREATE VIEW escalation.clue_inbox WITH (security_invoker = true) AS
	SELECT * FROM escalation.received_clues();
COMMENT ON VIEW escalation.clue_inbox IS
	'The receiving side''s list of transferred clues (线索接收台账): clues transferred to departments within the caller''s region, pending first, with the days taken or pending and whether the 3-day limit of §17 was passed. 线索接收台账';
COMMENT ON COLUMN escalation.clue_inbox.clue_id IS 'Clue. 线索编号';
COMMENT ON COLUMN escalation.clue_inbox.unit_id IS 'Unit concerned, if any. 涉及单位';
COMMENT ON COLUMN escalation.clue_inbox.unit_name IS 'Its name. 单位名称';
COMMENT ON COLUMN escalation.clue_inbox.from_department IS 'Transferring department. 移交部门';
COMMENT ON COLUMN escalation.clue_inbox.from_department_name IS 'Its name. 移交部门名称';
COMMENT ON COLUMN escalation.clue_inbox.to_department IS 'Receiving department. 接收部门';
COMMENT ON COLUMN escalation.clue_inbox.to_department_name IS 'Its name. 接收部门名称';
COMMENT ON COLUMN escalation.clue_inbox.transferred_at IS 'When transferred. 移交时间';
COMMENT ON COLUMN escalation.clue_inbox.facts IS 'What was found. 线索内容';
COMMENT ON COLUMN escalation.clue_inbox.legal_basis IS 'Legal basis. 法律依据';
COMMENT ON COLUMN escalation.clue_inbox.forwarded_from IS 'Clue it continues, when forwarded. 转办来源线索';
COMMENT ON COLUMN escalation.clue_inbox.handling IS 'accepted, rejected, forwarded, or NULL. 处理方式';
COMMENT ON COLUMN escalation.clue_inbox.handling_label IS 'Handling in Chinese (待处理 while pending). 处理状态';
COMMENT ON COLUMN escalation.clue_inbox.handled_at IS 'When handled. 处理时间';
COMMENT ON COLUMN escalation.clue_inbox.days_to_handle IS 'Days from transfer to handling, or pending so far. 处理用时（天）';
COMMENT ON COLUMN escalation.clue_inbox.overdue IS 'Not handled within 3 days of the transfer. 是否超过3天';

------------------------------------------------------------------------------
-- Campaign progress (定期调度)
------------------------------------------------------------------------------

-- Progress of a campaign by district at the end of a day.
CREATE FUNCTION escalation.campaign_progress(campaign_id bigint, as_of date DEFAULT current_date)
RETURNS TABLE (
	district escalation.region,
	district_name text,
	target_units bigint,
	covered_units bigint,
	coverage numeric,
	inspections bigint,
	on_site_inspections bigint,
	online_inspections bigint,
	inspected_units bigint,
	hazards_found bigint,
	major_hazards_found bigint,
	hazards_rectified bigint,
	hazards_closed bigint,
	hazards_overdue bigint,
	rectification_rate numeric)
LANGUAGE sql STABLE STRICT
BEGIN ATOMIC
	WITH bound AS (
		SELECT escalation.day_start(campaign_progress.as_of + 1) AS day_end
	), target AS (
		SELECT escalation.region_district(t.region) AS district, t.unit_id
		FROM escalation.campaign_target t
		WHERE t.campaign_id = campaign_progress.campaign_id
	), visit AS (
		SELECT escalation.region_district(i.region) AS district, i.unit_id, i.mode
		FROM escalation.inspection i, bound b
		WHERE i.campaign_id = campaign_progress.campaign_id AND i.inspected_at < b.day_end
	), campaign_hazard AS (
		SELECT h.id, escalation.region_district(h.region) AS district
		FROM escalation.hazard h, bound b
		WHERE h.campaign_id = campaign_progress.campaign_id AND h.found_at < b.day_end
	), found AS (
		SELECT ch.district, ch.id, s.status, s.grade, s.rectify_deadline, b.day_end
		FROM bound b
		CROSS JOIN LATERAL escalation.hazard_as_of(b.day_end - interval '1 microsecond',
			ARRAY(SELECT ch.id FROM campaign_hazard ch)) s
		JOIN campaign_hazard ch ON ch.id = s.hazard_id
	), per_district AS (
		SELECT d.district,
			(SELECT count(*) FROM target t WHERE t.district = d.district) AS target_units,
			(SELECT count(*) FROM target t WHERE t.district = d.district
				AND EXISTS (SELECT 1 FROM visit v WHERE v.unit_id = t.unit_id)) AS covered_units,
			(SELECT count(*) FROM visit v WHERE v.district = d.district) AS inspections,
			(SELECT count(*) FROM visit v WHERE v.district = d.district AND v.mode = 'on_site') AS on_site,
			(SELECT count(*) FROM visit v WHERE v.district = d.district AND v.mode = 'online') AS online,
			(SELECT count(DISTINCT v.unit_id) FROM visit v WHERE v.district = d.district) AS inspected_units,
			(SELECT count(*) FROM found f WHERE f.district = d.district) AS found,
			(SELECT count(*) FROM found f WHERE f.district = d.district AND f.grade <> 'general') AS major_found,
			(SELECT count(*) FROM found f WHERE f.district = d.district AND f.status <> 'rectifying') AS rectified,
			(SELECT count(*) FROM found f WHERE f.district = d.district AND f.status = 'closed') AS closed,
			(SELECT count(*) FROM found f WHERE f.district = d.district AND f.status = 'rectifying'
				AND f.rectify_deadline < f.day_end) AS overdue
		FROM (SELECT t.district FROM target t UNION SELECT v.district FROM visit v UNION SELECT f.district FROM found f) d
	)
	SELECT p.district, dv.name, p.target_units, p.covered_units,
		round(p.covered_units::numeric / nullif(p.target_units, 0), 4),
		p.inspections, p.on_site, p.online, p.inspected_units, p.found, p.major_found, p.rectified, p.closed, p.overdue,
		round(p.rectified::numeric / nullif(p.found, 0), 4)
	FROM per_district p
	LEFT JOIN escalation.division dv ON dv.code = p.district
	UNION ALL
	SELECT NULL, '合计', sum(p.target_units)::bigint, sum(p.covered_units)::bigint,
		round(sum(p.covered_units) / nullif(sum(p.target_units), 0), 4),
		sum(p.inspections)::bigint, sum(p.on_site)::bigint, sum(p.online)::bigint, sum(p.inspected_units)::bigint,
		sum(p.found)::bigint, sum(p.major_found)::bigint, sum(p.rectified)::bigint, sum(p.closed)::bigint,
		sum(p.overdue)::bigint, round(sum(p.rectified) / nullif(sum(p.found), 0), 4)
	FROM per_district p
	ORDER BY 1 NULLS LAST;
END;
COMMENT ON FUNCTION escalation.campaign_progress(bigint, date) IS
	'Periodic dispatch (定期调度) of a campaign at the end of a day (platform time zone), one row per district of the units concerned plus a total row (district NULL, 合计): target units and how many were inspected under the campaign (coverage), inspections on site and online, hazards found (and suspected/confirmed major ones), rectified, closed and overdue as they stood that day; limited to the rows the caller may see. 专项工作进展调度';

CREATE VIEW escalation.campaign_overview WITH (security_invoker = true) AS
	SELECT c.id AS campaign_id, c.name, c.kind, escalation.campaign_kind_label(c.kind) AS kind_label,
		c.organiser_id, escalation.department_label(c.organiser_id) AS organiser_name, c.starts_on, c.ends_on,
		CASE WHEN current_date < c.starts_on THEN 'planned' WHEN current_date > c.ends_on THEN 'ended' ELSE 'running' END AS phase,
		least(current_date, c.ends_on) AS as_of, c.goal_coverage,
		p.target_units, p.covered_units, p.coverage, p.inspections, p.hazards_found, p.hazards_rectified,
		p.hazards_closed, p.hazards_overdue,
		p.coverage >= c.goal_coverage AS goal_met
	FROM escalation.visible_campaigns() c
	LEFT JOIN LATERAL escalation.campaign_progress(c.id, least(current_date, c.ends_on)) p ON p.district IS NULL;
COMMENT ON VIEW escalation.campaign_overview IS
	'Every campaign the caller works under (escalation.visible_campaigns: its region''s and those deployed above it) with its progress today (or on its last day, once ended): the total row of escalation.campaign_progress, counting the work the caller can see. 专项工作总览';
COMMENT ON COLUMN escalation.campaign_overview.campaign_id IS 'Campaign. 专项工作';
COMMENT ON COLUMN escalation.campaign_overview.name IS 'Name. 名称';
COMMENT ON COLUMN escalation.campaign_overview.kind IS 'Kind. 类别';
COMMENT ON COLUMN escalation.campaign_overview.kind_label IS 'Kind in Chinese. 类别名称';
COMMENT ON COLUMN escalation.campaign_overview.organiser_id IS 'Organising department. 组织部门';
COMMENT ON COLUMN escalation.campaign_overview.organiser_name IS 'Its name. 组织部门名称';
COMMENT ON COLUMN escalation.campaign_overview.starts_on IS 'First day. 开始日期';
COMMENT ON COLUMN escalation.campaign_overview.ends_on IS 'Last day. 结束日期';
COMMENT ON COLUMN escalation.campaign_overview.phase IS 'planned, running or ended, today. 阶段';
COMMENT ON COLUMN escalation.campaign_overview.as_of IS 'Day the figures stand at. 统计日期';
COMMENT ON COLUMN escalation.campaign_overview.goal_coverage IS 'Coverage goal. 覆盖率目标';
COMMENT ON COLUMN escalation.campaign_overview.target_units IS 'Target units. 目标单位数';
COMMENT ON COLUMN escalation.campaign_overview.covered_units IS 'Target units inspected under the campaign. 已检查目标单位数';
COMMENT ON COLUMN escalation.campaign_overview.coverage IS 'covered_units / target_units. 覆盖率';
COMMENT ON COLUMN escalation.campaign_overview.inspections IS 'Inspections under the campaign. 检查次数';
COMMENT ON COLUMN escalation.campaign_overview.hazards_found IS 'Hazards found under the campaign. 发现隐患数';
COMMENT ON COLUMN escalation.campaign_overview.hazards_rectified IS 'Of those, rectified (or further). 已整改隐患数';
COMMENT ON COLUMN escalation.campaign_overview.hazards_closed IS 'Of those, closed. 已销号隐患数';
COMMENT ON COLUMN escalation.campaign_overview.hazards_overdue IS 'Of those, still being rectified past the deadline. 逾期未整改隐患数';
COMMENT ON COLUMN escalation.campaign_overview.goal_met IS 'Coverage reached the goal. 是否达到覆盖率目标';

------------------------------------------------------------------------------
-- Row-level security and privileges
------------------------------------------------------------------------------

SELECT escalation.enable_region_security(t)
FROM unnest(ARRAY['escalation.campaign', 'escalation.campaign_target', 'escalation.inspection',
				  'escalation.inspection_inspector', 'escalation.hazard',
				  'escalation.hazard_history', 'escalation.clue']::regclass[]) AS t;

GRANT SELECT, INSERT, UPDATE, DELETE ON escalation.campaign, escalation.campaign_target, escalation.inspection,
	escalation.inspection_inspector, escalation.hazard, escalation.clue TO escalation_admin;
GRANT SELECT ON escalation.hazard_history TO escalation_admin, escalation_user, escalation_analyst;
GRANT SELECT, INSERT, UPDATE ON escalation.campaign, escalation.inspection, escalation.hazard, escalation.clue
	TO escalation_user;
GRANT SELECT, INSERT, DELETE ON escalation.campaign_target, escalation.inspection_inspector TO escalation_user;
GRANT DELETE ON escalation.inspection TO escalation_user;
GRANT SELECT ON escalation.campaign, escalation.campaign_target, escalation.inspection,
	escalation.inspection_inspector, escalation.hazard, escalation.clue TO escalation_analyst;
GRANT SELECT ON escalation.hazard_timeline, escalation.campaign_overview, escalation.clue_inbox
	TO escalation_admin, escalation_user, escalation_analyst;
GRANT USAGE ON SEQUENCE escalation.campaign_id_seq, escalation.inspection_id_seq, escalation.hazard_id_seq,
	escalation.clue_id_seq TO escalation_admin, escalation_user;

REVOKE ALL ON FUNCTION
	escalation.hazard_status_label(escalation.hazard_status), escalation.hazard_grade_label(escalation.hazard_grade),
	escalation.campaign_kind_label(escalation.campaign_kind), escalation.clue_handling_label(escalation.clue_handling),
	escalation.day_start(date), escalation.local_day(timestamptz), escalation.supervises(bigint, bigint, date),
	escalation.campaign_check(), escalation.campaign_covers(bigint, bigint), escalation.campaign_target_check(),
	escalation.campaign_enlist(bigint, timestamptz), escalation.campaign_admits(bigint, bigint, timestamptz, text),
	escalation.inspection_check(), escalation.inspection_inspector_fill(),
	escalation.inspect(bigint, bigint, bigint[], escalation.inspection_mode, escalation.inspection_kind, text, text, timestamptz, bigint, bigint),
	escalation.hazard_status_of(timestamptz, escalation.recheck_result, timestamptz, timestamptz),
	escalation.hazard_refuse(bigint, text, escalation.hazard_status, escalation.hazard_grade, text, text),
	escalation.hazard_check_row(escalation.hazard, boolean), escalation.hazard_check_insert(), escalation.hazard_check_step(),
	escalation.hazard_record_step(), escalation.hazard_lock(bigint), escalation.require_argument(anyelement, text),
	escalation.hazard_report(text, timestamptz, bigint, bigint, bigint, escalation.hazard_grade, escalation.hazard_category, text, boolean, timestamptz, text, escalation.hazard_source, bigint),
	escalation.hazard_confirm(bigint, boolean, bigint, text, timestamptz, boolean, timestamptz),
	escalation.hazard_extend(bigint, timestamptz, text, bigint, timestamptz),
	escalation.hazard_rectify(bigint, text, text, timestamptz),
	escalation.hazard_recheck(bigint, bigint, boolean, text, timestamptz, bigint, timestamptz),
	escalation.hazard_close(bigint, bigint, text, timestamptz),
	escalation.hazard_as_of(timestamptz, bigint[]), escalation.clue_check(), escalation.clue_forward_on(),
	escalation.clue_transfer(bigint, bigint, text, text, bigint, timestamptz, bigint, bigint),
	escalation.clue_handle(bigint, escalation.clue_handling, text, text, bigint, bigint, timestamptz),
	escalation.campaign_progress(bigint, date), escalation.caller_sees_region(escalation.region, boolean),
	escalation.department_label(bigint), escalation.visible_campaigns(), escalation.received_clues()
FROM PUBLIC;
GRANT EXECUTE ON FUNCTION
	escalation.hazard_status_label(escalation.hazard_status), escalation.hazard_grade_label(escalation.hazard_grade),
	escalation.campaign_kind_label(escalation.campaign_kind), escalation.clue_handling_label(escalation.clue_handling),
	escalation.day_start(date), escalation.local_day(timestamptz),
	escalation.hazard_status_of(timestamptz, escalation.recheck_result, timestamptz, timestamptz)
TO escalation_admin, escalation_user, escalation_analyst, escalation_screen;
GRANT EXECUTE ON FUNCTION
	escalation.supervises(bigint, bigint, date), escalation.campaign_covers(bigint, bigint),
	escalation.hazard_as_of(timestamptz, bigint[]), escalation.campaign_progress(bigint, date),
	escalation.caller_sees_region(escalation.region, boolean), escalation.department_label(bigint),
	escalation.visible_campaigns(), escalation.received_clues()
TO escalation_admin, escalation_user, escalation_analyst;
GRANT EXECUTE ON FUNCTION
	escalation.campaign_enlist(bigint, timestamptz),
	escalation.inspect(bigint, bigint, bigint[], escalation.inspection_mode, escalation.inspection_kind, text, text, timestamptz, bigint, bigint),
	escalation.hazard_refuse(bigint, text, escalation.hazard_status, escalation.hazard_grade, text, text),
	escalation.hazard_check_row(escalation.hazard, boolean), escalation.hazard_lock(bigint), escalation.require_argument(anyelement, text),
	escalation.hazard_report(text, timestamptz, bigint, bigint, bigint, escalation.hazard_grade, escalation.hazard_category, text, boolean, timestamptz, text, escalation.hazard_source, bigint),
	escalation.hazard_confirm(bigint, boolean, bigint, text, timestamptz, boolean, timestamptz),
	escalation.hazard_extend(bigint, timestamptz, text, bigint, timestamptz),
	escalation.hazard_rectify(bigint, text, text, timestamptz),
	escalation.hazard_recheck(bigint, bigint, boolean, text, timestamptz, bigint, timestamptz),
	escalation.hazard_close(bigint, bigint, text, timestamptz),
	escalation.clue_transfer(bigint, bigint, text, text, bigint, timestamptz, bigint, bigint),
	escalation.clue_handle(bigint, escalation.clue_handling, text, text, bigint, bigint, timestamptz)
TO escalation_admin, escalation_user;
