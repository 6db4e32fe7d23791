-- The department scorecard (§9, §23): how active (quantity, 量) and how effective
-- (quality, 质) each department and each district was over a period, from the
-- inspections, hazards and clues of 41–44 and the warnings of 50_engine.sql.
-- Periods are calendar days in the platform's time zone; every figure that judges
-- an outcome is taken as it stood at the end of the period (or now, if earlier),
-- so a past period's score does not change with later events.

CREATE TYPE escalation.scorecard_line AS (
	scope text,
	department_id bigint,
	department_name text,
	department_level escalation.level,
	district escalation.region,
	district_name text,
	from_day date,
	to_day date,
	inspections bigint,
	on_site_inspections bigint,
	online_inspections bigint,
	units_covered bigint,
	hazards_found bigint,
	major_hazards_found bigint,
	clues_transferred bigint,
	clues_received bigint,
	hazards_due bigint,
	rectified_on_time bigint,
	on_time_rate numeric,
	overdue_unrectified bigint,
	rechecks_needed bigint,
	rechecked bigint,
	recheck_rate numeric,
	median_days_to_rectify numeric,
	clues_due bigint,
	clues_handled_in_time bigint,
	clue_in_time_rate numeric,
	warnings bigint,
	warnings_stage1 bigint,
	warnings_stage2 bigint,
	warnings_stage3 bigint,
	supervision_orders bigint,
	circulars bigint
);
COMMENT ON TYPE escalation.scorecard_line IS
	'One line of the scorecard (考评): a department, or a district, over a period; quantity (检查、覆盖、发现) and quality (按期整改、复查、整改用时、线索按时处理、预警、通报). 考评指标';
COMMENT ON COLUMN escalation.scorecard_line.scope IS 'department, or district (all departments of the district and its streets; the city code for city departments). 考评对象类别';
COMMENT ON COLUMN escalation.scorecard_line.department_id IS 'The department (NULL for a district line). 部门';
COMMENT ON COLUMN escalation.scorecard_line.department_name IS 'Its name. 部门名称';
COMMENT ON COLUMN escalation.scorecard_line.department_level IS 'Its level. 部门层级';
COMMENT ON COLUMN escalation.scorecard_line.district IS 'District of the department(s); the city code for city-level departments. 区县';
COMMENT ON COLUMN escalation.scorecard_line.district_name IS 'Its name. 区县名称';
COMMENT ON COLUMN escalation.scorecard_line.from_day IS 'First day of the period. 统计起始日';
COMMENT ON COLUMN escalation.scorecard_line.to_day IS 'Last day of the period. 统计截止日';
COMMENT ON COLUMN escalation.scorecard_line.inspections IS 'Inspections made in the period. 检查次数';
COMMENT ON COLUMN escalation.scorecard_line.on_site_inspections IS 'Of which on site. 现场检查次数';
COMMENT ON COLUMN escalation.scorecard_line.online_inspections IS 'Of which online patrol. 网上巡查次数';
COMMENT ON COLUMN escalation.scorecard_line.units_covered IS 'Distinct units inspected. 检查覆盖单位数';
COMMENT ON COLUMN escalation.scorecard_line.hazards_found IS 'Hazards found (or received as self-reports) in the period. 发现隐患数';
COMMENT ON COLUMN escalation.scorecard_line.major_hazards_found IS 'Of which reported as suspected major accident hazards. 发现疑似重大事故隐患数';
COMMENT ON COLUMN escalation.scorecard_line.clues_transferred IS 'Violation clues transferred to other departments. 移交线索数';
COMMENT ON COLUMN escalation.scorecard_line.clues_received IS 'Violation clues received from other departments. 接收线索数';
COMMENT ON COLUMN escalation.scorecard_line.hazards_due IS 'Hazards found in the period whose deadline passed by its end. 到期隐患数';
COMMENT ON COLUMN escalation.scorecard_line.rectified_on_time IS 'Of those, rectified by the (possibly extended) deadline. 按期整改数';
COMMENT ON COLUMN escalation.scorecard_line.on_time_rate IS 'rectified_on_time / hazards_due. 按期整改率';
COMMENT ON COLUMN escalation.scorecard_line.overdue_unrectified IS 'Hazards found in the period still being rectified past their deadline at its end. 逾期未整改数';
COMMENT ON COLUMN escalation.scorecard_line.rechecks_needed IS 'Hazards found in the period that need re-inspection and were rectified by its end. 应复查数';
COMMENT ON COLUMN escalation.scorecard_line.rechecked IS 'Of those, re-inspected by its end. 已复查数';
COMMENT ON COLUMN escalation.scorecard_line.recheck_rate IS 'rechecked / rechecks_needed. 复查率';
COMMENT ON COLUMN escalation.scorecard_line.median_days_to_rectify IS 'Median days from discovery to (latest) rectification of the hazards found in the period and rectified by its end. 整改用时中位数（天）';
COMMENT ON COLUMN escalation.scorecard_line.clues_due IS 'Clues received in the period handled by its end or pending more than 3 days. 应处理线索数';
COMMENT ON COLUMN escalation.scorecard_line.clues_handled_in_time IS 'Of those, handled within 3 days of the transfer (§17). 按时处理线索数';
COMMENT ON COLUMN escalation.scorecard_line.clue_in_time_rate IS 'clues_handled_in_time / clues_due. 线索按时处理率';
COMMENT ON COLUMN escalation.scorecard_line.warnings IS 'Warning stages that fell due in the period: hazards of the finding department, clues of the receiving department; for a district also its units'' licence and dual prevention warnings. 预警次数';
COMMENT ON COLUMN escalation.scorecard_line.warnings_stage1 IS 'Of which stage 1. 一级预警';
COMMENT ON COLUMN escalation.scorecard_line.warnings_stage2 IS 'Of which stage 2. 二级预警';
COMMENT ON COLUMN escalation.scorecard_line.warnings_stage3 IS 'Of which stage 3 or later. 三级预警';
COMMENT ON COLUMN escalation.scorecard_line.supervision_orders IS 'Of which with a supervision order (督办). 督办次数';
COMMENT ON COLUMN escalation.scorecard_line.circulars IS 'Of which circulated city-wide (通报). 通报次数';

-- The scorecard of every department (per_department) or district over a period.
CREATE FUNCTION escalation.scorecard_lines(from_day date, to_day date, per_department boolean)
RETURNS SETOF escalation.scorecard_line
LANGUAGE sql STABLE
BEGIN ATOMIC
	WITH bounds AS (
		SELECT escalation.day_start(scorecard_lines.from_day) AS lo,
			least(escalation.day_start(scorecard_lines.to_day + 1), statement_timestamp()) AS judged
	), hi AS (
		SELECT escalation.day_start(scorecard_lines.to_day + 1) AS hi
	), dept AS (
		SELECT d.id, d.name, d.level,
			coalesce(escalation.region_district(d.region), escalation.region_city(d.region)) AS district,
			CASE WHEN scorecard_lines.per_department THEN d.id END AS k_dept
		FROM escalation.department d
	), insp AS (
		SELECT d.k_dept, d.district AS k_district,
			count(*) AS inspections,
			count(*) FILTER (WHERE i.mode = 'on_site') AS on_site,
			count(*) FILTER (WHERE i.mode = 'online') AS online,
			count(DISTINCT i.unit_id) AS units
		FROM escalation.inspection i
		JOIN dept d ON d.id = i.department_id
		CROSS JOIN bounds b CROSS JOIN hi
		WHERE i.inspected_at >= b.lo AND i.inspected_at < hi.hi
		GROUP BY d.k_dept, d.district
	), found AS (
		SELECT h.id, h.found_by, h.found_at, h.grade, h.needs_recheck
		FROM escalation.hazard h, bounds b, hi
		WHERE h.found_at >= b.lo AND h.found_at < hi.hi
	), judged AS (
		SELECT f.*, s.status, s.rectify_deadline, coalesce(s.rectified_at, s.closed_at) AS done_at, s.rechecked_at, b.judged
		FROM bounds b
		CROSS JOIN LATERAL escalation.hazard_as_of(b.judged - interval '1 microsecond', ARRAY(SELECT f.id FROM found f)) s
		JOIN found f ON f.id = s.hazard_id
	), haz AS (
		SELECT d.k_dept, d.district AS k_district,
			count(*) AS found,
			count(*) FILTER (WHERE j.grade <> 'general') AS major_found,
			count(*) FILTER (WHERE j.rectify_deadline < j.judged) AS due,
			count(*) FILTER (WHERE j.rectify_deadline < j.judged AND j.status <> 'rectifying'
							 AND j.done_at <= j.rectify_deadline) AS on_time,
			count(*) FILTER (WHERE j.status = 'rectifying' AND j.rectify_deadline < j.judged) AS overdue,
			count(*) FILTER (WHERE j.needs_recheck AND (j.status <> 'rectifying' OR j.rechecked_at IS NOT NULL)) AS recheck_needed,
			count(*) FILTER (WHERE j.needs_recheck AND j.rechecked_at IS NOT NULL) AS rechecked,
			percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM j.done_at - j.found_at) / 86400)
				FILTER (WHERE j.status <> 'rectifying' AND j.done_at IS NOT NULL) AS median_days
		FROM judged j
		JOIN dept d ON d.id = j.found_by
		GROUP BY d.k_dept, d.district
	), clue_out AS (
		SELECT d.k_dept, d.district AS k_district, count(*) AS transferred
		FROM escalation.clue c
		JOIN dept d ON d.id = c.from_department
		CROSS JOIN bounds b CROSS JOIN hi
		WHERE c.transferred_at >= b.lo AND c.transferred_at < hi.hi
		GROUP BY d.k_dept, d.district
	), clue_in AS (
		SELECT d.k_dept, d.district AS k_district,
			count(*) AS received,
			count(*) FILTER (WHERE c.handled_at < b.judged OR c.transferred_at + interval '3 days' < b.judged) AS due,
			count(*) FILTER (WHERE c.handled_at < b.judged AND c.handled_at <= c.transferred_at + interval '3 days') AS in_time
		FROM escalation.clue c
		JOIN dept d ON d.id = c.to_department
		CROSS JOIN bounds b CROSS JOIN hi
		WHERE c.transferred_at >= b.lo AND c.transferred_at < hi.hi
		GROUP BY d.k_dept, d.district
	), warn AS (
		SELECT d.k_dept, coalesce(d.district, w.district) AS k_district,
			count(*) AS warnings,
			count(*) FILTER (WHERE w.stage = 1) AS stage1,
			count(*) FILTER (WHERE w.stage = 2) AS stage2,
			count(*) FILTER (WHERE w.stage >= 3) AS stage3,
			count(*) FILTER (WHERE w.action = 'supervise') AS supervise,
			count(*) FILTER (WHERE w.action = 'circulate') AS circulate
		FROM escalation.warning w
		LEFT JOIN escalation.clue c ON w.kind = 'clue' AND c.id = w.subject_id
		LEFT JOIN dept d ON d.id = CASE WHEN w.kind = 'clue' THEN c.to_department ELSE w.department_id END
		CROSS JOIN bounds b CROSS JOIN hi
		WHERE w.due_at >= b.lo AND w.due_at < hi.hi
			AND (NOT scorecard_lines.per_department OR d.id IS NOT NULL)
		GROUP BY d.k_dept, coalesce(d.district, w.district)
	), subject AS (
		SELECT DISTINCT d.k_dept, d.district AS k_district FROM dept d
		UNION
		SELECT w.k_dept, w.k_district FROM warn w
	)
	SELECT CASE WHEN scorecard_lines.per_department THEN 'department' ELSE 'district' END,
		k.k_dept, d.name, d.level, k.k_district, dv.name, scorecard_lines.from_day, scorecard_lines.to_day,
		coalesce(i.inspections, 0), coalesce(i.on_site, 0), coalesce(i.online, 0), coalesce(i.units, 0),
		coalesce(h.found, 0), coalesce(h.major_found, 0), coalesce(co.transferred, 0), coalesce(ci.received, 0),
		coalesce(h.due, 0), coalesce(h.on_time, 0), round(h.on_time::numeric / nullif(h.due, 0), 4),
		coalesce(h.overdue, 0), coalesce(h.recheck_needed, 0), coalesce(h.rechecked, 0),
		round(h.rechecked::numeric / nullif(h.recheck_needed, 0), 4), round(h.median_days::numeric, 1),
		coalesce(ci.due, 0), coalesce(ci.in_time, 0), round(ci.in_time::numeric / nullif(ci.due, 0), 4),
		coalesce(w.warnings, 0), coalesce(w.stage1, 0), coalesce(w.stage2, 0), coalesce(w.stage3, 0),
		coalesce(w.supervise, 0), coalesce(w.circulate, 0)
	FROM subject k
	LEFT JOIN dept d ON d.id = k.k_dept
	LEFT JOIN escalation.division dv ON dv.code = k.k_district
	LEFT JOIN insp i ON i.k_dept IS NOT DISTINCT FROM k.k_dept AND i.k_district = k.k_district
	LEFT JOIN haz h ON h.k_dept IS NOT DISTINCT FROM k.k_dept AND h.k_district = k.k_district
	LEFT JOIN clue_out co ON co.k_dept IS NOT DISTINCT FROM k.k_dept AND co.k_district = k.k_district
	LEFT JOIN clue_in ci ON ci.k_dept IS NOT DISTINCT FROM k.k_dept AND ci.k_district = k.k_district
	LEFT JOIN warn w ON w.k_dept IS NOT DISTINCT FROM k.k_dept AND w.k_district = k.k_district
	ORDER BY k.k_district, d.level, d.name, k.k_dept;
END;
COMMENT ON FUNCTION escalation.scorecard_lines(date, date, boolean) IS
	'The lines of escalation.scorecard, for a period already checked. 考评计算';

-- The scorecard of every department or district over a checked period.
CREATE FUNCTION escalation.scorecard(from_day date, to_day date, per_department boolean)
RETURNS SETOF escalation.scorecard_line
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, escalation, pg_temp AS
$$
BEGIN
	IF from_day IS NULL OR to_day IS NULL OR per_department IS NULL THEN
		RAISE EXCEPTION 'a scorecard needs from_day, to_day and per_department'
			USING ERRCODE = 'null_value_not_allowed';
	END IF;
	IF to_day < from_day THEN
		RAISE EXCEPTION 'scorecard period ends on % before it starts on %', to_day, from_day
			USING ERRCODE = 'invalid_parameter_value', DETAIL = 'to_day is the last day of the period, on or after from_day.';
	END IF;
	RETURN QUERY SELECT * FROM escalation.scorecard_lines(from_day, to_day, per_department);
END
$$;
COMMENT ON FUNCTION escalation.scorecard(date, date, boolean) IS
	'The scorecard of every department (per_department) or district over the days from_day..to_day, limited to the rows the caller may see; outcomes are judged as they stood at the end of the period, or now if that is earlier. 考评';

CREATE FUNCTION escalation.department_scorecard(from_day date, to_day date)
RETURNS SETOF escalation.scorecard_line
LANGUAGE sql STABLE
BEGIN ATOMIC
	SELECT * FROM escalation.scorecard(department_scorecard.from_day, department_scorecard.to_day, true);
END;
COMMENT ON FUNCTION escalation.department_scorecard(date, date) IS
	'Scorecard per department over the days from_day..to_day (§9, §23): quantity — inspections (on site, online), units covered, hazards found, clues transferred and received; quality — hazards rectified by the deadline, re-inspected, median days to rectify, clues handled within 3 days, warnings by stage, supervision orders and circulars. Every department the caller can see has a line, also with no activity. 部门考评';

CREATE FUNCTION escalation.district_scorecard(from_day date, to_day date)
RETURNS SETOF escalation.scorecard_line
LANGUAGE sql STABLE
BEGIN ATOMIC
	SELECT * FROM escalation.scorecard(district_scorecard.from_day, district_scorecard.to_day, false);
END;
COMMENT ON FUNCTION escalation.district_scorecard(date, date) IS
	'Scorecard per district over the days from_day..to_day: the work of the departments of the district and its streets (city departments form the city''s line), plus every warning on the district''s items, licences and dual prevention included. 区县考评';

-- The months a monthly scorecard view shows: this one and the eleven before.
CREATE FUNCTION escalation.scorecard_months()
RETURNS TABLE (month date, from_day date, to_day date)
LANGUAGE sql STABLE
BEGIN ATOMIC
	SELECT m::date, m::date, (m + interval '1 month' - interval '1 day')::date
	FROM generate_series(date_trunc('month', escalation.local_day(statement_timestamp())) - interval '11 months',
						 date_trunc('month', escalation.local_day(statement_timestamp())), interval '1 month') AS m;
END;
COMMENT ON FUNCTION escalation.scorecard_months() IS
	'The current calendar month and the eleven before it, in the platform''s time zone, with their first and last days. 考评月份';

-- Through scorecard(), which the planner cannot inline: inlined, the lines of
-- a month were planned for unknown days, which took ten times as long.
CREATE VIEW escalation.department_scorecard_monthly WITH (security_invoker = true) AS
	SELECT m.month, s.*
	FROM escalation.scorecard_months() m
	CROSS JOIN LATERAL escalation.scorecard(m.from_day, m.to_day, true) s;
COMMENT ON VIEW escalation.department_scorecard_monthly IS
	'Department scorecard for each of the last twelve calendar months (the current month judged as of now), for BI tools; filter on month and department. 部门月度考评';
COMMENT ON COLUMN escalation.department_scorecard_monthly.month IS 'First day of the month. 月份';

CREATE VIEW escalation.district_scorecard_monthly WITH (security_invoker = true) AS
	SELECT m.month, s.*
	FROM escalation.scorecard_months() m
	CROSS JOIN LATERAL escalation.scorecard(m.from_day, m.to_day, false) s;
COMMENT ON VIEW escalation.district_scorecard_monthly IS
	'District scorecard for each of the last twelve calendar months (the current month judged as of now), for BI tools. 区县月度考评';
COMMENT ON COLUMN escalation.district_scorecard_monthly.month IS 'First day of the month. 月份';

DO $comments$
DECLARE
	v text;
	a record;
BEGIN
	-- The views share the columns of escalation.scorecard_line: so do their comments.
	FOREACH v IN ARRAY ARRAY['department_scorecard_monthly', 'district_scorecard_monthly']
	LOOP
		FOR a IN
			SELECT t.attname, pg_catalog.col_description(t.attrelid, t.attnum) AS note
			FROM pg_catalog.pg_attribute t
			WHERE t.attrelid = 'escalation.scorecard_line'::regclass AND t.attnum > 0 AND NOT t.attisdropped
		LOOP
			EXECUTE format('COMMENT ON COLUMN escalation.%I.%I IS %L', v, a.attname, a.note);
		END LOOP;
	END LOOP;
END
$comments$;

REVOKE ALL ON FUNCTION
	escalation.scorecard_lines(date, date, boolean), escalation.scorecard(date, date, boolean),
	escalation.department_scorecard(date, date), escalation.district_scorecard(date, date),
	escalation.scorecard_months()
FROM PUBLIC;
GRANT EXECUTE ON FUNCTION
	escalation.scorecard_lines(date, date, boolean), escalation.scorecard(date, date, boolean),
	escalation.department_scorecard(date, date), escalation.district_scorecard(date, date),
	escalation.scorecard_months()
TO escalation_admin, escalation_user, escalation_analyst;
GRANT SELECT ON escalation.department_scorecard_monthly, escalation.district_scorecard_monthly
	TO escalation_admin, escalation_user, escalation_analyst;

------------------------------------------------------------------------------
-- How fast warnings were handled (预警处置考评, §9, §23)
------------------------------------------------------------------------------

CREATE FUNCTION escalation.handling_scorecard(from_day date, to_day date, per_department boolean DEFAULT true)
RETURNS TABLE (
	department_id bigint,
	department_name text,
	district escalation.region,
	district_name text,
	addressed bigint,
	signed bigint,
	signed_on_time bigint,
	dispatched bigint,
	answered bigint,
	answered_on_time bigint,
	returned bigint,
	closed bigint,
	median_hours_to_sign numeric,
	median_hours_to_answer numeric)
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, escalation, pg_temp AS
$$
BEGIN
	PERFORM escalation.require_period(from_day, to_day);
	RETURN QUERY
	WITH fact AS (
		SELECT w.id, a.department_id AS dept, coalesce(w.district, escalation.region_city(w.screen_region)) AS dist,
			w.raised_at, s.signed_at, s.dispatched_at, s.first_reply_by, s.answered_at, s.was_returned, s.was_closed
		FROM escalation.warning w
		LEFT JOIN escalation.warning_addressee a ON a.warning_id = w.id
		CROSS JOIN LATERAL (
			SELECT min(x.done_at) FILTER (WHERE x.step = 'sign') AS signed_at,
				min(x.done_at) FILTER (WHERE x.step = 'dispatch') AS dispatched_at,
				(array_agg(x.reply_by ORDER BY x.id) FILTER (WHERE x.step = 'dispatch'))[1] AS first_reply_by,
				min(x.done_at) FILTER (WHERE x.step = 'feedback') AS answered_at,
				coalesce(bool_or(x.step = 'review' AND NOT x.accepted), false) AS was_returned,
				coalesce(bool_or(x.step = 'review' AND x.accepted), false) AS was_closed
			FROM escalation.warning_step x WHERE x.warning_id = w.id) s
		WHERE w.raised_at >= escalation.day_start(from_day) AND w.raised_at < escalation.day_start(to_day + 1)
	)
	SELECT CASE WHEN per_department THEN f.dept END, CASE WHEN per_department THEN d.name END,
		CASE WHEN NOT per_department THEN f.dist END, CASE WHEN NOT per_department THEN dv.name END,
		count(*), count(f.signed_at),
		count(*) FILTER (WHERE f.signed_at <= escalation.stage_due_at(f.raised_at, escalation.handling_within('sign'))),
		count(f.dispatched_at), count(f.answered_at),
		count(*) FILTER (WHERE f.answered_at <= f.first_reply_by),
		count(*) FILTER (WHERE f.was_returned), count(*) FILTER (WHERE f.was_closed),
		round((percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM f.signed_at - f.raised_at)) / 3600)::numeric, 1),
		round((percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM f.answered_at - f.dispatched_at)) / 3600)::numeric, 1)
	FROM fact f
	LEFT JOIN escalation.department d ON per_department AND d.id = f.dept
	LEFT JOIN escalation.division dv ON NOT per_department AND dv.code = f.dist
	GROUP BY 1, 2, 3, 4
	ORDER BY 1, 3;
END
$$;
COMMENT ON FUNCTION escalation.handling_scorecard(date, date, boolean) IS
	'How the warnings raised from_day..to_day were handled, per addressee department (per_department) or per district, as far as the caller may see them: addressed, signed, signed on time (the sign timer), dispatched, answered, answered by the first reply deadline, returned, closed, median hours to sign (from raising) and to answer (from the first dispatch). 预警处置考评';

REVOKE ALL ON FUNCTION escalation.handling_scorecard(date, date, boolean) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION escalation.handling_scorecard(date, date, boolean)
TO escalation_admin, escalation_user, escalation_analyst;

------------------------------------------------------------------------------
-- Extensions of hazards' deadlines (隐患延期考评, §15, §23)
------------------------------------------------------------------------------

CREATE FUNCTION escalation.extension_scorecard(from_day date, to_day date, per_department boolean DEFAULT true)
RETURNS TABLE (
	department_id bigint,
	department_name text,
	district escalation.region,
	district_name text,
	requested bigint,
	granted bigint,
	refused bigint,
	granted_after_warning bigint,
	days_granted numeric)
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, escalation, pg_temp AS
$$
BEGIN
	PERFORM escalation.require_period(from_day, to_day);
	RETURN QUERY
	WITH fact AS (
		SELECT h.found_by AS dept, coalesce(escalation.region_district(e.region), escalation.region_city(e.region)) AS dist,
			e.requested_at >= escalation.day_start(from_day) AND e.requested_at < escalation.day_start(to_day + 1) AS asked,
			e.decided_at >= escalation.day_start(from_day) AND e.decided_at < escalation.day_start(to_day + 1) AS decided,
			e.approved, e.after_warning, e.granted_deadline - e.deadline_then AS added
		FROM escalation.hazard_extension e
		JOIN escalation.hazard h ON h.id = e.hazard_id
		WHERE (e.requested_at >= escalation.day_start(from_day) AND e.requested_at < escalation.day_start(to_day + 1))
		   OR (e.decided_at >= escalation.day_start(from_day) AND e.decided_at < escalation.day_start(to_day + 1))
	)
	SELECT CASE WHEN per_department THEN f.dept END, CASE WHEN per_department THEN d.name END,
		CASE WHEN NOT per_department THEN f.dist END, CASE WHEN NOT per_department THEN dv.name END,
		count(*) FILTER (WHERE f.asked),
		count(*) FILTER (WHERE f.decided AND f.approved),
		count(*) FILTER (WHERE f.decided AND NOT f.approved),
		count(*) FILTER (WHERE f.decided AND f.approved AND f.after_warning),
		coalesce(round((sum(extract(epoch FROM f.added)) FILTER (WHERE f.decided AND f.approved) / 86400)::numeric, 1), 0)
	FROM fact f
	LEFT JOIN escalation.department d ON per_department AND d.id = f.dept
	LEFT JOIN escalation.division dv ON NOT per_department AND dv.code = f.dist
	GROUP BY 1, 2, 3, 4
	ORDER BY 1, 3;
END
$$;
COMMENT ON FUNCTION escalation.extension_scorecard(date, date, boolean) IS
	'Extensions (延期) of hazards'' rectification deadlines over from_day..to_day, per department that found the hazard (per_department) or per district, as far as the caller may see them: requests made, extensions granted and refused in the period, those granted after a stage of the overdue ladder was raised (the warnings stay on the record), and the days granted in all. 隐患延期考评';

REVOKE ALL ON FUNCTION escalation.extension_scorecard(date, date, boolean) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION escalation.extension_scorecard(date, date, boolean)
TO escalation_admin, escalation_user, escalation_analyst;
