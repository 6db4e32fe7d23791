-- The gap report of the responsibility database (不落空挡、不留盲区, §7): every unit
-- without territorial or industry supervision, every supervision without a named
-- supervisor, every department without its responsible people, lead office or
-- liaison, listed and counted per district.

CREATE TYPE escalation.gap_reason AS ENUM
	('unit_no_territorial', 'unit_no_industry', 'supervision_no_supervisor', 'supervision_outside_region',
	 'department_no_first_responsible', 'department_no_responsible_in_charge', 'department_no_lead_office',
	 'department_no_liaison', 'department_too_many_liaisons', 'warning_no_addressee');
COMMENT ON TYPE escalation.gap_reason IS
	'Defect of the responsibility database: unit without territorial responsibility, unit without industry supervision, supervision without named supervisor, supervision by a department outside the unit''s region, department without first responsible person, without responsible-in-charge, without lead office, without liaison, with more than two liaisons, an active warning for which it names no addressee. 监管责任缺项';

CREATE FUNCTION escalation.gap_reason_label(reason escalation.gap_reason) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
-- Compared as text: a reason added by an upgrade cannot be a constant of a
-- function body created in the upgrade's transaction.
RETURN CASE reason::text
	WHEN 'unit_no_territorial' THEN '未落实属地管理责任'
	WHEN 'unit_no_industry' THEN '未落实行业监管（主管）责任'
	WHEN 'supervision_no_supervisor' THEN '监管责任未明确到人'
	WHEN 'supervision_outside_region' THEN '监管部门辖区不含单位所在地'
	WHEN 'department_no_first_responsible' THEN '未明确第一责任人'
	WHEN 'department_no_responsible_in_charge' THEN '未明确分管责任人'
	WHEN 'department_no_lead_office' THEN '未明确牵头处（科）室'
	WHEN 'department_no_liaison' THEN '未明确联络员'
	WHEN 'department_too_many_liaisons' THEN '联络员超过2名'
	WHEN 'warning_no_addressee' THEN '预警无承办部门'
END;
COMMENT ON FUNCTION escalation.gap_reason_label(escalation.gap_reason) IS
	'Chinese label of a gap reason. 缺项名称';

-- The warnings whose addressee the responsibility database could not name
-- (defined by 57_handling_timers.sql, once the warnings exist): declared here
-- with its columns, empty, so that the gap report can read it.
CREATE VIEW escalation.warning_gap_source WITH (security_invoker = true) AS
	SELECT NULL::escalation.gap_reason AS reason, NULL::escalation.region AS region, NULL::bigint AS unit_id,
		NULL::text AS subject, NULL::text AS detail, NULL::timestamptz AS raised_at, NULL::timestamptz AS resolved_at
	WHERE false;

-- Every defect of the responsibility database on a day, as the caller may see it.
CREATE FUNCTION escalation.responsibility_gaps(on_day date DEFAULT current_date)
RETURNS TABLE (
	reason escalation.gap_reason,
	reason_label text,
	region escalation.region,
	district escalation.region,
	unit_id bigint,
	department_id bigint,
	assignment_id bigint,
	subject text,
	detail text)
LANGUAGE sql STABLE
BEGIN ATOMIC
	WITH live_unit AS (
		SELECT u.id, u.name, u.region FROM escalation.unit u WHERE u.business_status <> 'closed'
	), live_assignment AS (
		SELECT a.id, a.unit_id, a.department_id, a.supervisor_id, a.supervision_type, a.region, a.department_region
		FROM escalation.supervision_assignment a
		WHERE a.period @> on_day
	), unit_gap AS (
		SELECT 'unit_no_territorial'::escalation.gap_reason AS reason, u.region, u.id AS unit_id,
			NULL::bigint AS department_id, NULL::bigint AS assignment_id, u.name AS subject,
			'no current territorial supervision (属地管理)' AS detail
		FROM live_unit u
		WHERE NOT EXISTS (SELECT 1 FROM live_assignment a WHERE a.unit_id = u.id AND a.supervision_type = 'territorial')
		UNION ALL
		SELECT 'unit_no_industry', u.region, u.id, NULL, NULL, u.name,
			'no current industry supervision or industry authority (行业监管/行业主管)'
		FROM live_unit u
		WHERE NOT EXISTS (SELECT 1 FROM live_assignment a
						  WHERE a.unit_id = u.id AND a.supervision_type IN ('industry_supervision', 'industry_authority'))
	), assignment_gap AS (
		SELECT 'supervision_no_supervisor'::escalation.gap_reason AS reason, a.region, a.unit_id, a.department_id,
			a.id AS assignment_id, u.name AS subject,
			format('%s by %s has no named supervisor', a.supervision_type,
				   coalesce(d.name, 'department ' || a.department_id)) AS detail
		FROM live_assignment a
		JOIN live_unit u ON u.id = a.unit_id
		LEFT JOIN escalation.department d ON d.id = a.department_id
		WHERE a.supervisor_id IS NULL
		UNION ALL
		SELECT 'supervision_outside_region', a.region, a.unit_id, a.department_id, a.id, u.name,
			format('%s (region %s) does not cover unit region %s',
				   coalesce(d.name, 'department ' || a.department_id), a.department_region, a.region)
		FROM live_assignment a
		JOIN live_unit u ON u.id = a.unit_id
		LEFT JOIN escalation.department d ON d.id = a.department_id
		WHERE NOT (a.department_region OPERATOR(escalation.@>) a.region)
	), department_state AS (
		SELECT d.id, d.name, d.region,
			count(*) FILTER (WHERE t.role = 'first_responsible') AS first_responsible,
			count(*) FILTER (WHERE t.role = 'responsible_in_charge') AS in_charge,
			count(*) FILTER (WHERE t.role = 'liaison') AS liaisons,
			EXISTS (SELECT 1 FROM escalation.office o WHERE o.department_id = d.id AND o.is_lead) AS has_lead_office
		FROM escalation.department d
		LEFT JOIN escalation.duty t ON t.department_id = d.id AND t.period @> on_day
		GROUP BY d.id, d.name, d.region
	), department_gap AS (
		SELECT g.reason, s.region, NULL::bigint AS unit_id, s.id AS department_id, NULL::bigint AS assignment_id,
			s.name AS subject, g.detail
		FROM department_state s
		CROSS JOIN LATERAL (VALUES
			('department_no_first_responsible'::escalation.gap_reason, s.first_responsible = 0,
			 'no current first responsible person (第一责任人)'),
			('department_no_responsible_in_charge', s.in_charge = 0,
			 'no current responsible-in-charge (分管责任人)'),
			('department_no_lead_office', NOT s.has_lead_office,
			 'no lead office for work safety (牵头处科室)'),
			('department_no_liaison', s.liaisons = 0,
			 'no current liaison (联络员)'),
			('department_too_many_liaisons', s.liaisons > 2,
			 format('%s current liaisons, at most 2 allowed', s.liaisons))
		) AS g (reason, applies, detail)
		WHERE g.applies
	), warning_gap AS (
		-- Warnings active at the end of the day that nobody was found to answer for.
		SELECT g.reason, g.region, g.unit_id, NULL::bigint AS department_id, NULL::bigint AS assignment_id,
			g.subject, g.detail
		FROM escalation.warning_gap_source g
		WHERE g.raised_at < escalation.day_start(on_day + 1)
		  AND (g.resolved_at IS NULL OR g.resolved_at >= escalation.day_start(on_day + 1))
	)
	SELECT x.reason, escalation.gap_reason_label(x.reason), x.region,
		coalesce(escalation.region_district(x.region), escalation.region_city(x.region)),
		x.unit_id, x.department_id, x.assignment_id, x.subject, x.detail
	FROM (SELECT * FROM unit_gap UNION ALL SELECT * FROM assignment_gap UNION ALL SELECT * FROM department_gap
		  UNION ALL SELECT * FROM warning_gap) x;
END;
COMMENT ON FUNCTION escalation.responsibility_gaps(date) IS
	'Every defect of the responsibility database on a day (不落空挡、不留盲区), limited to the rows the caller may see; closed units need no supervision; warnings active at the end of the day without an addressee (§7). 监管责任缺项清单';

CREATE VIEW escalation.responsibility_gap WITH (security_invoker = true) AS
	SELECT * FROM escalation.responsibility_gaps(current_date);
COMMENT ON VIEW escalation.responsibility_gap IS
	'Today''s defects of the responsibility database, one row per defect, limited to the caller''s region (不落空挡、不留盲区). 监管责任缺项';
COMMENT ON COLUMN escalation.responsibility_gap.reason IS 'Reason code. 缺项代码';
COMMENT ON COLUMN escalation.responsibility_gap.reason_label IS 'Reason in Chinese. 缺项';
COMMENT ON COLUMN escalation.responsibility_gap.region IS 'Region the defect belongs to: the unit''s or the department''s. 所属区划';
COMMENT ON COLUMN escalation.responsibility_gap.district IS 'District of that region; the city code for city-level departments. 所属区县';
COMMENT ON COLUMN escalation.responsibility_gap.unit_id IS 'The unit concerned, if any. 单位';
COMMENT ON COLUMN escalation.responsibility_gap.department_id IS 'The department concerned, if any. 部门';
COMMENT ON COLUMN escalation.responsibility_gap.assignment_id IS 'The supervision assignment concerned, if any. 监管责任';
COMMENT ON COLUMN escalation.responsibility_gap.subject IS 'Name of the unit or department. 名称';
COMMENT ON COLUMN escalation.responsibility_gap.detail IS 'What is missing, in words. 说明';

-- Gap counts per district (and the city), for every caller allowed to see them.
CREATE FUNCTION escalation.responsibility_gap_counts(on_day date DEFAULT current_date)
RETURNS TABLE (
	region escalation.region,
	region_name text,
	level escalation.level,
	units bigint,
	departments bigint,
	gaps bigint,
	units_without_territorial bigint,
	units_without_industry bigint,
	supervisions_without_supervisor bigint,
	supervisions_outside_region bigint,
	departments_without_first_responsible bigint,
	departments_without_responsible_in_charge bigint,
	departments_without_lead_office bigint,
	departments_without_liaison bigint,
	departments_with_too_many_liaisons bigint)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, escalation, pg_temp
BEGIN ATOMIC
	WITH area AS (
		SELECT coalesce(escalation.region_district(u.region), escalation.region_city(u.region)) AS region,
			1 AS unit, 0 AS department
		FROM escalation.unit u WHERE u.business_status <> 'closed'
		UNION ALL
		SELECT coalesce(escalation.region_district(d.region), escalation.region_city(d.region)), 0, 1
		FROM escalation.department d
	), totals AS (
		SELECT a.region, sum(a.unit) AS units, sum(a.department) AS departments FROM area a GROUP BY a.region
	), gap AS (
		SELECT g.district AS region,
			count(*) AS gaps,
			count(*) FILTER (WHERE g.reason = 'unit_no_territorial') AS unit_no_territorial,
			count(*) FILTER (WHERE g.reason = 'unit_no_industry') AS unit_no_industry,
			count(*) FILTER (WHERE g.reason = 'supervision_no_supervisor') AS supervision_no_supervisor,
			count(*) FILTER (WHERE g.reason = 'supervision_outside_region') AS supervision_outside_region,
			count(*) FILTER (WHERE g.reason = 'department_no_first_responsible') AS no_first_responsible,
			count(*) FILTER (WHERE g.reason = 'department_no_responsible_in_charge') AS no_in_charge,
			count(*) FILTER (WHERE g.reason = 'department_no_lead_office') AS no_lead_office,
			count(*) FILTER (WHERE g.reason = 'department_no_liaison') AS no_liaison,
			count(*) FILTER (WHERE g.reason = 'department_too_many_liaisons') AS too_many_liaisons
		FROM escalation.responsibility_gaps(on_day) g
		GROUP BY g.district
	), caller AS (
		SELECT escalation.current_region() AS region,
			pg_catalog.pg_has_role(escalation.acting_role(), 'escalation_admin', 'USAGE')
			OR pg_catalog.pg_has_role(escalation.acting_role(), 'escalation_analyst', 'USAGE')
			OR pg_catalog.pg_has_role(escalation.acting_role(), 'escalation_screen', 'USAGE') AS sees_city
	)
	SELECT t.region, dv.name, escalation.region_level(t.region), t.units::bigint, t.departments::bigint,
		coalesce(g.gaps, 0), coalesce(g.unit_no_territorial, 0), coalesce(g.unit_no_industry, 0),
		coalesce(g.supervision_no_supervisor, 0), coalesce(g.supervision_outside_region, 0),
		coalesce(g.no_first_responsible, 0), coalesce(g.no_in_charge, 0), coalesce(g.no_lead_office, 0),
		coalesce(g.no_liaison, 0), coalesce(g.too_many_liaisons, 0)
	FROM totals t
	LEFT JOIN gap g ON g.region = t.region
	LEFT JOIN escalation.division dv ON dv.code = t.region
	CROSS JOIN caller c
	WHERE CASE WHEN c.region IS NOT NULL THEN t.region OPERATOR(escalation.<@) c.region ELSE c.sees_city END
	ORDER BY t.region;
END;
COMMENT ON FUNCTION escalation.responsibility_gap_counts(date) IS
	'Gap counts by reason per district and for the city''s own departments on a day; a role mapped in user_region sees the districts within its region, unmapped admin, analyst and screen roles see all. 监管责任缺项统计';

CREATE VIEW escalation.responsibility_gap_summary AS
	SELECT * FROM escalation.responsibility_gap_counts(current_date);
COMMENT ON VIEW escalation.responsibility_gap_summary IS
	'Today''s gap counts per district and for the city level, for screens and assessment (不落空挡、不留盲区). 监管责任缺项统计';
COMMENT ON COLUMN escalation.responsibility_gap_summary.region IS 'District code, or the city code for city-level departments. 区县';
COMMENT ON COLUMN escalation.responsibility_gap_summary.region_name IS 'Name of the district or city. 名称';
COMMENT ON COLUMN escalation.responsibility_gap_summary.level IS 'district, or city for the city row. 层级';
COMMENT ON COLUMN escalation.responsibility_gap_summary.units IS 'Units not closed in the district. 监管对象数';
COMMENT ON COLUMN escalation.responsibility_gap_summary.departments IS 'Departments of the district and its streets. 部门数';
COMMENT ON COLUMN escalation.responsibility_gap_summary.gaps IS 'All defects. 缺项总数';
COMMENT ON COLUMN escalation.responsibility_gap_summary.units_without_territorial IS 'Units without territorial responsibility. 未落实属地管理责任';
COMMENT ON COLUMN escalation.responsibility_gap_summary.units_without_industry IS 'Units without industry supervision or authority. 未落实行业监管（主管）责任';
COMMENT ON COLUMN escalation.responsibility_gap_summary.supervisions_without_supervisor IS 'Supervisions without a named supervisor. 监管责任未明确到人';
COMMENT ON COLUMN escalation.responsibility_gap_summary.supervisions_outside_region IS 'Supervisions by a department outside the unit''s region. 监管部门辖区不含单位所在地';
COMMENT ON COLUMN escalation.responsibility_gap_summary.departments_without_first_responsible IS 'Departments without first responsible person. 未明确第一责任人';
COMMENT ON COLUMN escalation.responsibility_gap_summary.departments_without_responsible_in_charge IS 'Departments without responsible-in-charge. 未明确分管责任人';
COMMENT ON COLUMN escalation.responsibility_gap_summary.departments_without_lead_office IS 'Departments without lead office. 未明确牵头处（科）室';
COMMENT ON COLUMN escalation.responsibility_gap_summary.departments_without_liaison IS 'Departments without liaison. 未明确联络员';
COMMENT ON COLUMN escalation.responsibility_gap_summary.departments_with_too_many_liaisons IS 'Departments with more than two liaisons. 联络员超过2名';

------------------------------------------------------------------------------
-- Privileges
------------------------------------------------------------------------------

GRANT SELECT ON escalation.responsibility_gap TO escalation_admin, escalation_user, escalation_analyst;
GRANT SELECT ON escalation.responsibility_gap_summary
	TO escalation_admin, escalation_user, escalation_analyst, escalation_screen;

REVOKE ALL ON FUNCTION
	escalation.gap_reason_label(escalation.gap_reason), escalation.responsibility_gaps(date),
	escalation.responsibility_gap_counts(date)
FROM PUBLIC;
GRANT EXECUTE ON FUNCTION
	escalation.gap_reason_label(escalation.gap_reason), escalation.responsibility_gap_counts(date)
TO escalation_admin, escalation_user, escalation_analyst, escalation_screen;
GRANT EXECUTE ON FUNCTION escalation.responsibility_gaps(date) TO escalation_admin, escalation_user, escalation_analyst;
