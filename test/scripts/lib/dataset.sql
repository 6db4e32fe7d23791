-- The rest of a city for the dump and restore test (test/scripts/73_*.py), on
-- top of a small backlog (test/scripts/lib/backlog.sql): rows in every table
-- of the extension, written the way the platform's users write them (its
-- functions where it has them), so that a dump has something to lose in each:
-- offices, people and duties; supervision; a city's own industry category;
-- safety rules; campaigns with their targets; inspections with inspectors; the
-- whole lifecycle of some hazards; dual prevention risk points, check tasks,
-- runs and assessments; a changed ladder; login roles mapped to regions; a wider
-- deadline horizon; a run of the engine and an acknowledged warning.
--
--   psql -v t0="'2026-01-05 08:00+08'" -f test/scripts/lib/dataset.sql

\set ON_ERROR_STOP on
SET timezone = 'Asia/Shanghai';
-- The region type's operators live in the extension's schema.
SET search_path = escalation, public;

-- Offices, people and duties of every department.
INSERT INTO escalation.office (department_id, name, is_lead)
SELECT d.id, o.name, o.lead
FROM escalation.department d
CROSS JOIN (VALUES ('安全生产综合协调科', true), ('执法监察大队', false)) AS o(name, lead)
ORDER BY d.id, o.lead DESC;

INSERT INTO escalation.person (department_id, name, title, phone)
SELECT d.id, d.name || p.who, p.title, '1390531' || lpad((d.id * 10 + p.n)::text, 4, '0')
FROM escalation.department d
CROSS JOIN (VALUES (1, ' 局长', '局长'), (2, ' 副局长', '副局长'), (3, ' 联络员', '科员'), (4, ' 执法员', '科员'))
	AS p(n, who, title)
ORDER BY d.id, p.n;

INSERT INTO escalation.duty (department_id, person_id, role, office_id, period)
SELECT p.department_id, p.id, r.role,
	CASE WHEN r.role = 'liaison' THEN (SELECT o.id FROM escalation.office o WHERE o.department_id = p.department_id AND o.is_lead) END,
	daterange('2025-01-01', NULL)
FROM escalation.person p
JOIN (VALUES ('局长', 'first_responsible'::escalation.duty_role), ('副局长', 'responsible_in_charge'), ('科员', 'liaison'))
	AS r(title, role) ON r.title = p.title AND (p.title <> '科员' OR p.name LIKE '%联络员')
ORDER BY p.id;

-- Every unit: territorial supervision by its district's department, and the
-- city's for units the city supervises.
INSERT INTO escalation.supervision_assignment (unit_id, department_id, office_id, supervisor_id, supervision_type, period)
SELECT u.id, d.id,
	(SELECT o.id FROM escalation.office o WHERE o.department_id = d.id AND NOT o.is_lead),
	(SELECT p.id FROM escalation.person p WHERE p.department_id = d.id AND p.name LIKE '%执法员'),
	CASE WHEN d.level = 'city' THEN 'industry_supervision' ELSE 'territorial' END::escalation.supervision_type,
	daterange('2025-01-01', NULL)
FROM escalation.unit u
JOIN escalation.department d
	ON d.region = escalation.region_district(u.region) OR (u.supervision_level = 'city' AND d.level = 'city')
ORDER BY u.id, d.id;

-- The city's own industry category, units in it, and their safety rules.
INSERT INTO escalation.industry (code, name, category, dual_prevention_scope, dual_prevention_mandatory)
VALUES ('JN01', '城市燃气储配站（市定）', '工矿商贸', 'hazardous_chemicals', true);
UPDATE escalation.unit SET industry_code = 'JN01', employees = 40 + id % 60 WHERE id % 5 = 1;
-- Two units with dust operations of more than 10 workers that never enrolled (§12 应建未建).
UPDATE escalation.unit u SET employees = 60, dust_workers = 12
WHERE u.id IN (SELECT x.id FROM escalation.unit x
			   WHERE x.business_status = 'operating' AND x.social_function = 'enterprise'
				 AND NOT EXISTS (SELECT 1 FROM escalation.dual_prevention p WHERE p.unit_id = x.id)
			   ORDER BY x.id LIMIT 2);

INSERT INTO escalation.safety_rule (unit_id, title, category, document_ref, issued_on)
SELECT u.id, r.title, r.category, format('%s-AQ-%s', u.id, r.n), date '2025-03-01' + r.n
FROM escalation.unit u
CROSS JOIN (VALUES (1, '全员安全生产责任制', 'responsibility'), (2, '隐患排查治理制度', 'hazard_inspection'))
	AS r(n, title, category)
WHERE u.id % 3 = 0
ORDER BY u.id, r.n;

-- A campaign of the city, its targets, and inspections under it.
INSERT INTO escalation.campaign (name, kind, organiser_id, scope_industries, starts_on, ends_on, targets, goal_coverage, basis)
VALUES ('城市燃气储配站安全专项整治', 'special_rectification', 1, ARRAY['JN01'],
	escalation.local_day(:t0::timestamptz), escalation.local_day(:t0::timestamptz) + 40,
	'市定燃气储配站全覆盖检查', 0.900, '济安办发〔2026〕1号');
SELECT escalation.campaign_enlist(c.id, :t0::timestamptz) FROM escalation.campaign c;

SELECT count(escalation.inspect(u.id, d.id,
		ARRAY(SELECT p.id FROM escalation.person p WHERE p.department_id = d.id AND p.name LIKE '%执法员'),
		'on_site', 'inspection', '燃气管道、泄漏报警、巡检记录', '发现问题隐患，已责令限期整改',
		:t0::timestamptz + (1 + u.id % 10) * interval '1 day',
		(SELECT t.campaign_id FROM escalation.campaign_target t WHERE t.unit_id = u.id)))
FROM escalation.unit u
JOIN escalation.department d ON d.region = escalation.region_district(u.region)
WHERE u.id % 5 = 1;

-- Hazards found at those inspections, through every step of their lifecycle.
CREATE TEMP TABLE dataset_hazard AS
SELECT i.unit_id, i.department_id, i.inspected_at,
	escalation.hazard_report('储配站可燃气体报警装置失效', i.inspected_at + interval '5 days', i.id,
		found_at => i.inspected_at, category => 'gas') AS id
FROM escalation.inspection i
ORDER BY i.id;

SELECT count(escalation.hazard_rectify(h.id, '单位安全员', '已更换报警探头', h.inspected_at + interval '3 days'))
FROM dataset_hazard h WHERE h.id % 2 = 0;
SELECT count(escalation.hazard_recheck(h.id, h.department_id, true, '复查合格', NULL, NULL, h.inspected_at + interval '4 days'))
FROM dataset_hazard h WHERE h.id % 4 = 0;
SELECT count(escalation.hazard_close(h.id, h.department_id, '销号', h.inspected_at + interval '4 days 2 hours'))
FROM dataset_hazard h WHERE h.id % 4 = 0;
SELECT count(escalation.hazard_extend(h.id, h.inspected_at + interval '12 days', '设备采购周期长', h.department_id,
		h.inspected_at + interval '4 days'))
FROM dataset_hazard h WHERE h.id % 4 = 1;

-- Dual prevention of the enrolled units: a risk point, its check task, an assessment.
INSERT INTO escalation.dp_risk_point (unit_id, name, risk_grade, hazard_factors, control_measures, control_level, identified_on)
SELECT p.unit_id, '液化气储罐区', (ARRAY['red', 'orange', 'yellow', 'blue'])[1 + p.unit_id % 4]::escalation.dp_risk_grade,
	'泄漏、火灾、爆炸', '可燃气体报警、紧急切断、每班巡检', 'company', escalation.local_day(p.since)
FROM escalation.dual_prevention p ORDER BY p.unit_id;
INSERT INTO escalation.dp_check_task (unit_id, risk_point_id, name, every, starts_at)
SELECT r.unit_id, r.id, '储罐区班检', interval '8 hours', p.since
FROM escalation.dp_risk_point r JOIN escalation.dual_prevention p USING (unit_id)
ORDER BY r.id;
INSERT INTO escalation.dp_assessment (unit_id, assessed_at, department_id, state, score, findings)
SELECT p.unit_id, p.since + interval '10 days', d.id,
	(ARRAY['good', 'fairly_good', 'average', 'poor'])[1 + p.unit_id % 4]::escalation.safety_state,
	60 + p.unit_id % 40, '运行记录基本完整'
FROM escalation.dual_prevention p
JOIN escalation.unit u ON u.id = p.unit_id
JOIN escalation.department d ON d.region = escalation.region_district(u.region)
ORDER BY p.unit_id;

-- The city changes a ladder: district hazards escalate to the city after 2 days.
UPDATE escalation.rule SET delay = interval '2 days'
WHERE kind = 'hazard_overdue' AND origin = 'district' AND stage = 2;

-- Login roles of the platform (roles belong to the cluster, not the
-- database), mapped to their regions.
DO $roles$
BEGIN
	IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'rel73_city') THEN
		CREATE ROLE rel73_city LOGIN IN ROLE escalation_user;
	END IF;
	IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'rel73_lixia') THEN
		CREATE ROLE rel73_lixia LOGIN IN ROLE escalation_user;
	END IF;
END
$roles$;
INSERT INTO escalation.user_region (role_name, region, note) VALUES
	('rel73_city', '370100', '市安委会办公室'),
	('rel73_lixia', '370102', '历下区安委会办公室');

-- The city widens the window of plausible deadlines for major hazards' governance
-- plans (release 0.2.0 on: the upgrade test loads this city into 0.1.0 too).
DO $window$
BEGIN
	IF to_regclass('escalation.time_window') IS NOT NULL THEN
		INSERT INTO escalation.time_window (name, value, note) VALUES ('deadline_horizon', '5 years', '重大事故隐患治理方案');
	END IF;
END
$window$;

-- The city gives departments 5 days to re-inspect a rectified hazard (the
-- ladders' limits, release 0.2.0 on).
DO $limits$
BEGIN
	IF to_regclass('escalation.rule_limit_override') IS NOT NULL THEN
		INSERT INTO escalation.rule_limit_override (name, span) VALUES ('hazard_recheck_within', '5 days');
	END IF;
END
$limits$;

-- From 0.2.0 on: the city's and 历下区's work-safety committee offices issue
-- documents (before the run, so its supervision orders are numbered).
DO $offices$
BEGIN
	IF to_regclass('escalation.document_office') IS NOT NULL THEN
		INSERT INTO escalation.department (id, name, region, kind) OVERRIDING SYSTEM VALUE VALUES
			(90, '济南市安委会办公室', '370100', 'safety_committee_office'), (91, '历下区安委会办公室', '370102', 'safety_committee_office');
		INSERT INTO escalation.document_office (department_id, short_name)
		SELECT d.id, CASE d.region WHEN '370100' THEN '济安办' ELSE '历下安办' END
		FROM escalation.department d WHERE d.kind = 'safety_committee_office';
	END IF;
END
$offices$;

-- From 0.2.0 on: the city's notification channels, its link setting and a rule
-- of its own, and the people's mobiles, so that the run writes notifications.
DO $notifications$
BEGIN
	IF to_regclass('escalation.notification_channel') IS NOT NULL THEN
		INSERT INTO escalation.notification_channel (name, kind, endpoint, secret, rate_per_minute) VALUES
			('市应急局值班群', 'wecom', 'https://127.0.0.1:9/cgi-bin/webhook/send?key=rel73', NULL, 20),
			('短信平台', 'sms', 'https://127.0.0.1:9/sms', 'rel73-token', NULL);
		INSERT INTO escalation.notification_setting (name, value) VALUES ('screen_base_url', 'https://screen.example.cn');
		INSERT INTO escalation.notification_rule_override (event, from_stage, recipient, channel_kind, enabled)
		VALUES ('raised', 2, 'first_responsible', 'sms', true);
		UPDATE escalation.person SET mobile = '1390000' || lpad(id::text, 4, '0');
	END IF;
END
$notifications$;

-- The engine catches up to two weeks after t0; the command centre acknowledges
-- the first city-screen warning.
SELECT escalation.run(:t0::timestamptz + interval '14 days');
SELECT escalation.acknowledge(min(w.id), '已通知区应急局督办') FROM escalation.warning w WHERE w.screen = 'city' AND w.resolved_at IS NULL;

-- From 0.2.0 on: a department's user and the city's reply timer (warning handling).
DO $handling$
BEGIN
	IF to_regclass('escalation.user_department') IS NOT NULL THEN
		INSERT INTO escalation.user_department (role_name, department_id)
		SELECT 'rel73_lixia', min(d.id) FROM escalation.department d WHERE d.region = '370102';
		INSERT INTO escalation.handling_timer_override (timer, within) VALUES ('reply', interval '5 days');
	END IF;
END
$handling$;

-- From 0.2.0 on: the city office's circular of the past week, and an
-- interview of 历下区应急管理局 for it and for a warning.
DO $documents$
DECLARE
	c bigint;
BEGIN
	IF to_regclass('escalation.circular') IS NOT NULL THEN
		c := escalation.circular_issue();
		PERFORM escalation.admonition_record('interview', o.department_id, 2, NULL, '预警逾期未处理', statement_timestamp(),
			ARRAY[(SELECT min(w.id) FROM escalation.warning w WHERE w.district = '370102')], ARRAY[c])
		FROM escalation.document_office o WHERE o.short_name = '济安办';
	END IF;
END
$documents$;
