-- Campaign progress (定期调度, §10): how far each district got with a campaign's
-- targets, inspections and hazards at the end of a day, from the campaigns,
-- inspections and hazards of 40–43.

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
-- Privileges
------------------------------------------------------------------------------

GRANT SELECT ON escalation.campaign_overview TO escalation_admin, escalation_user, escalation_analyst;

REVOKE ALL ON FUNCTION escalation.campaign_progress(bigint, date) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION escalation.campaign_progress(bigint, date) TO escalation_admin, escalation_user, escalation_analyst;
