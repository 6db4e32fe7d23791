-- Campaigns (大检查、专项整治、综合和专项督查, §10): what a city or district deploys,
-- its period, scope and target units, and the rule that work under a campaign
-- falls within them. Their progress is in 46_campaign_progress.sql.

------------------------------------------------------------------------------
-- Campaigns (大检查、专项整治、综合和专项督查, §10)
------------------------------------------------------------------------------

CREATE TYPE escalation.campaign_kind AS ENUM
	('major_inspection', 'special_rectification', 'comprehensive_oversight', 'special_oversight');
COMMENT ON TYPE escalation.campaign_kind IS
	'Kind of campaign (§8, §10): city-wide major inspection 安全生产大检查, special rectification 专项整治行动, comprehensive oversight 综合督查, special oversight 专项督查.';

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

CREATE TABLE escalation.campaign (
	id bigint GENERATED ALWAYS AS IDENTITY,
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
CREATE FUNCTION escalation_internal.campaign_check() RETURNS trigger
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
COMMENT ON FUNCTION escalation_internal.campaign_check() IS
	'Trigger: a campaign ends on or after its start, its scope regions lie within its organiser''s region, its scope industries exist. 专项工作校验';
CREATE TRIGGER campaign_check BEFORE INSERT OR UPDATE ON escalation.campaign
	FOR EACH ROW EXECUTE FUNCTION escalation_internal.campaign_check();

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
CREATE FUNCTION escalation_internal.campaign_target_check() RETURNS trigger
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
COMMENT ON FUNCTION escalation_internal.campaign_target_check() IS
	'Trigger: rejects a target unit outside its campaign''s scope. 目标单位范围校验';
CREATE TRIGGER campaign_target_check BEFORE INSERT OR UPDATE OF campaign_id, unit_id ON escalation.campaign_target
	FOR EACH ROW EXECUTE FUNCTION escalation_internal.campaign_target_check();

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

-- Raise a clear error unless a campaign may hold work on a unit at an instant.
CREATE FUNCTION escalation_internal.campaign_admits(campaign_id bigint, unit_id bigint, at timestamptz, what text)
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
COMMENT ON FUNCTION escalation_internal.campaign_admits(bigint, bigint, timestamptz, text) IS
	'Raises an error unless the instant falls within the campaign''s period and the unit within its scope. 专项工作范围与期间校验';

------------------------------------------------------------------------------
-- Row-level security and privileges
------------------------------------------------------------------------------

SELECT escalation.enable_region_security(t)
FROM unnest(ARRAY['escalation.campaign', 'escalation.campaign_target']::regclass[]) AS t;

GRANT SELECT, INSERT, UPDATE, DELETE ON escalation.campaign, escalation.campaign_target TO escalation_admin;
GRANT SELECT, INSERT, UPDATE ON escalation.campaign TO escalation_user;
GRANT SELECT, INSERT, DELETE ON escalation.campaign_target TO escalation_user;
GRANT SELECT ON escalation.campaign, escalation.campaign_target TO escalation_analyst;
SELECT escalation_internal.grant_column_writes('escalation.campaign', '{escalation_admin,escalation_user}');
-- Ids are drawn by the identity default, which needs no privilege: nobody draws them by hand.
REVOKE ALL ON SEQUENCE escalation.campaign_id_seq FROM escalation_admin, escalation_user;

REVOKE ALL ON FUNCTION
	escalation.campaign_kind_label(escalation.campaign_kind), escalation_internal.campaign_check(),
	escalation.campaign_covers(bigint, bigint), escalation.visible_campaigns(), escalation_internal.campaign_target_check(),
	escalation.campaign_enlist(bigint, timestamptz), escalation_internal.campaign_admits(bigint, bigint, timestamptz, text)
FROM PUBLIC;
GRANT EXECUTE ON FUNCTION escalation.campaign_kind_label(escalation.campaign_kind) TO escalation_admin, escalation_user, escalation_analyst, escalation_screen;
GRANT EXECUTE ON FUNCTION escalation.campaign_covers(bigint, bigint), escalation.visible_campaigns() TO escalation_admin, escalation_user, escalation_analyst;
GRANT EXECUTE ON FUNCTION escalation.campaign_enlist(bigint, timestamptz) TO escalation_admin, escalation_user;
