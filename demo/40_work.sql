-- Demo data, part 3: two months of hazard investigation and dual prevention in
-- Jinan, ending now: inspections by the supervising departments (on site and
-- online), the hazards they found through every step of their lifecycle (some
-- overdue, some suspected major awaiting confirmation), violation clues between
-- departments, three campaigns with their target lists, and the dual prevention
-- mechanism of the units §12 obliges (risk points, scheduled checks, runs — some
-- units idle — and assessments). Deterministic: every choice is a hash of a stable
-- key, every time relative to the moment it is loaded. Run by ./demo after
-- demo/20_units.sql and demo/30_responsibility.sql.

\set ON_ERROR_STOP on

BEGIN;
SET LOCAL search_path = escalation, public;

-- A stable number in [0, 1) for a key.
CREATE FUNCTION pg_temp.draw(key text) RETURNS double precision
LANGUAGE sql IMMUTABLE STRICT
RETURN ('x' || substr(md5(key), 1, 8))::bit(32)::bigint / 4294967296.0;

-- Two months of work arrive at once: the warning engine's tracking triggers on the
-- tables loaded here are set aside, and its tracking is rebuilt once at the end
-- (escalation.resync_items) instead of once per statement.
CREATE TEMP TABLE demo_tracking ON COMMIT DROP AS
SELECT t.tgrelid::regclass AS tbl, t.tgname
FROM pg_catalog.pg_trigger t
JOIN pg_catalog.pg_proc f ON f.oid = t.tgfoid
WHERE f.proname = 'track_source' AND f.pronamespace = 'escalation_internal'::regnamespace AND t.tgenabled <> 'D'
	AND t.tgrelid = ANY (ARRAY['escalation.hazard', 'escalation.clue', 'escalation.dual_prevention', 'escalation.dp_run',
							   'escalation.dp_check_task', 'escalation.dp_obligation']::regclass[]);
DO $off$
DECLARE
	t record;
BEGIN
	FOR t IN SELECT * FROM demo_tracking ORDER BY tbl::text, tgname LOOP
		EXECUTE format('ALTER TABLE %s DISABLE TRIGGER %I', t.tbl, t.tgname);
	END LOOP;
END
$off$;

-- The moment the demo's two months end.
CREATE TEMP TABLE demo_clock ON COMMIT DROP AS SELECT date_trunc('minute', now()) AS t0;
CREATE FUNCTION pg_temp.t0() RETURNS timestamptz LANGUAGE sql STABLE RETURN (SELECT t0 FROM demo_clock);

-- A moment of the working day (08:30–17:30, platform time) on the day of an instant.
CREATE FUNCTION pg_temp.work_hours(day timestamptz, r double precision) RETURNS timestamptz
LANGUAGE sql STABLE
RETURN (escalation.local_day(day)::timestamp + interval '8 hours 30 minutes' + r * interval '9 hours')
	AT TIME ZONE coalesce(nullif(current_setting('escalation.timezone', true), ''), 'Asia/Shanghai');

-- Pick an element of a text array from a number in [0, 1).
CREATE FUNCTION pg_temp.pick(choices text[], r double precision) RETURNS text
LANGUAGE sql IMMUTABLE
RETURN choices[1 + floor(r * cardinality(choices))::int];

------------------------------------------------------------------------------
-- Campaigns (§10)
------------------------------------------------------------------------------

INSERT INTO campaign (name, kind, organiser_id, scope_regions, scope_industries, starts_on, ends_on, targets, goal_coverage, basis)
SELECT c.name, c.kind::campaign_kind, d.id, c.scope::region[], c.industries, local_day(pg_temp.t0()) + c.starts,
	   local_day(pg_temp.t0()) + c.ends, c.targets, c.goal, c.basis
FROM (VALUES
	(1, '全市危险化学品和工贸行业安全生产大检查', 'major_inspection', '济南市应急管理局', '{}',
	 ARRAY['S01','S02','S03','S04','S05','S06','S07','S11'], -45, 15,
	 '对非煤矿山、冶金、危险化学品和粉尘涉爆企业开展全覆盖检查，发现问题隐患全部建立台账、限期整改', 1.000,
	 '济安办发〔2025〕8号'),
	(2, '历下区城镇燃气和人员密集场所专项整治', 'special_rectification', '历下区人民政府', '{370102}',
	 ARRAY['S22','S27','S33','S34'], -30, 30,
	 '燃气使用场所和人员密集场所检查覆盖率不低于90%，重大事故隐患动态清零', 0.900, '历安办发〔2025〕3号'),
	(3, '粉尘涉爆企业安全生产专项督查', 'special_oversight', '济南市应急管理局', '{370112,370114}',
	 ARRAY['S11','S12','S13'], -60, -40,
	 '督查历城区、章丘区粉尘涉爆企业除尘系统、防爆措施落实情况', 0.800, '济安办函〔2025〕12号')
) AS c (n, name, kind, organiser, scope, industries, starts, ends, targets, goal, basis)
JOIN department d ON d.name = c.organiser
ORDER BY c.n;

SELECT campaign_enlist(c.id, pg_temp.work_hours(day_start(c.starts_on), 0.1)) FROM campaign c ORDER BY c.id;

------------------------------------------------------------------------------
-- Inspections (执法、监督、检查): each supervising department visits its units
------------------------------------------------------------------------------

CREATE TEMP TABLE demo_visit ON COMMIT DROP AS
SELECT a.unit_id, a.department_id, a.supervisor_id, d.kind AS department_kind, u.industry_code,
	   pg_temp.work_hours(pg_temp.t0() - (1 + floor(pg_temp.draw('day' || a.id || '/' || k) * 58)) * interval '1 day',
						  pg_temp.draw('hour' || a.id || '/' || k)) AS at,
	   pg_temp.draw('mode' || a.id || '/' || k) AS r_mode, pg_temp.draw('kind' || a.id || '/' || k) AS r_kind,
	   pg_temp.draw('campaign' || a.id || '/' || k) AS r_campaign
FROM supervision_assignment a
JOIN unit u ON u.id = a.unit_id
JOIN department d ON d.id = a.department_id
CROSS JOIN LATERAL generate_series(1, floor(pg_temp.draw('visits' || a.id) ^ 2 * 3)::int) AS k
WHERE u.business_status <> 'closed' AND upper_inf(a.period)
	AND d.kind IN ('functional_department', 'street_office')
ORDER BY a.id, k;

-- Campaign targets the routine visits missed get a visit of their own during the campaign.
INSERT INTO demo_visit
SELECT t.unit_id, a.department_id, a.supervisor_id, d.kind, u.industry_code,
	   pg_temp.work_hours(greatest(day_start(c.starts_on),
								   least(day_start(c.ends_on), pg_temp.t0() - interval '1 day')
								   - pg_temp.draw('cday' || t.campaign_id || '/' || t.unit_id)
									 * (least(day_start(c.ends_on), pg_temp.t0() - interval '1 day') - day_start(c.starts_on))),
						  pg_temp.draw('chour' || t.campaign_id || '/' || t.unit_id)),
	   pg_temp.draw('cmode' || t.campaign_id || '/' || t.unit_id) * 0.8,
	   pg_temp.draw('ckind' || t.campaign_id || '/' || t.unit_id), 0
FROM campaign_target t
JOIN campaign c ON c.id = t.campaign_id
JOIN unit u ON u.id = t.unit_id
JOIN LATERAL (SELECT a.department_id, a.supervisor_id FROM supervision_assignment a
			  WHERE a.unit_id = t.unit_id AND a.supervision_type <> 'territorial' AND upper_inf(a.period)
			  ORDER BY a.id LIMIT 1) a ON true
JOIN department d ON d.id = a.department_id
WHERE pg_temp.draw('cvisit' || t.campaign_id || '/' || t.unit_id) < c.goal_coverage * 0.8
ORDER BY t.campaign_id, t.unit_id;

INSERT INTO inspection (department_id, unit_id, kind, mode, campaign_id, inspected_at, checked, findings)
SELECT v.department_id, v.unit_id,
	   CASE WHEN v.department_kind = 'street_office' THEN 'inspection'
			WHEN v.r_kind < 0.3 THEN 'enforcement' WHEN v.r_kind < 0.5 THEN 'supervision' ELSE 'inspection' END::inspection_kind,
	   CASE WHEN v.r_mode < 0.25 THEN 'online' ELSE 'on_site' END::inspection_mode,
	   (SELECT c.id FROM campaign c JOIN campaign_target t ON t.campaign_id = c.id AND t.unit_id = v.unit_id
		WHERE local_day(v.at) BETWEEN c.starts_on AND c.ends_on AND v.r_campaign < 0.85 ORDER BY c.id LIMIT 1),
	   v.at,
	   CASE WHEN v.r_mode < 0.25 THEN '网上巡查：证照信息、安全管理制度、隐患排查记录、双重预防机制运行数据'
			ELSE CASE v.industry_code
				WHEN 'S01' THEN '边坡稳定、爆破作业、排土场、特种作业人员持证'
				WHEN 'S05' THEN '重大危险源监控、自动化控制系统、动火作业审批、应急物资'
				WHEN 'S06' THEN '储罐区防火堤、可燃气体报警、装卸作业管理'
				WHEN 'S07' THEN '危险化学品储存场所、经营台账、安全标签'
				WHEN 'S10' THEN '液氨制冷系统、冷库门安全装置、应急照明'
				WHEN 'S11' THEN '除尘系统、泄爆隔爆装置、粉尘清扫制度'
				WHEN 'S21' THEN '脚手架、起重机械、临边洞口防护、施工用电'
				WHEN 'S22' THEN '燃气管道、调压设施、泄漏报警、巡检记录'
				ELSE '安全生产责任制落实、消防设施、用电安全、安全教育培训' END END,
	   CASE WHEN v.r_kind < 0.55 THEN '检查中发现问题隐患，已当场下达责令限期整改指令书' ELSE '未发现明显问题' END
FROM demo_visit v
ORDER BY v.at, v.unit_id, v.department_id;

-- Inspectors: the named supervisor and, on site, a colleague.
INSERT INTO inspection_inspector (inspection_id, person_id)
SELECT i.id, p.id
FROM inspection i
CROSS JOIN LATERAL (
	SELECT x.id FROM person x WHERE x.department_id = i.department_id AND x.title IN ('执法人员', '安全监管员')
	ORDER BY md5(x.id || '/' || i.id) LIMIT CASE WHEN i.mode = 'on_site' THEN 2 ELSE 1 END) p
ORDER BY i.id, p.id;

------------------------------------------------------------------------------
-- Hazards found, and their lifecycle up to now
------------------------------------------------------------------------------

CREATE TEMP TABLE demo_hazard_word (category text, industries text[], words text[]) ON COMMIT DROP;
INSERT INTO demo_hazard_word VALUES
	('fire', NULL, ARRAY['疏散通道堆放杂物','安全出口指示标志损坏','灭火器压力不足','室内消火栓被遮挡','消防控制室值班人员未持证']),
	('electrical', NULL, ARRAY['配电箱未接地','电气线路私拉乱接','配电室无挡鼠板','漏电保护器失效']),
	('management', NULL, ARRAY['安全教育培训记录缺失','隐患排查台账未及时更新','应急预案未按期演练','特种作业人员证书过期']),
	('machinery', ARRAY['S12','S13','S14','S15'], ARRAY['设备传动部位无防护罩','冲压设备双手按钮失效','砂轮机防护罩缺失']),
	('dust_explosion', ARRAY['S03','S11','S12'], ARRAY['除尘器未设置泄爆装置','粉尘清扫记录缺失','除尘管道积尘严重','除尘系统未设置锁气卸灰装置']),
	('hazardous_chemicals', ARRAY['S05','S06','S07','S08'], ARRAY['可燃气体报警仪未定期检定','储罐区防火堤破损','危险化学品混存','重大危险源监控数据中断']),
	('ammonia_refrigeration', ARRAY['S10'], ARRAY['液氨储罐区未设置泄漏报警','氨压缩机房通风不足','冷库门无应急开启装置']),
	('gas', ARRAY['S22','S33','S34'], ARRAY['燃气管道穿越卧室','燃气泄漏报警器失效','液化气钢瓶超期未检']),
	('construction', ARRAY['S21'], ARRAY['脚手架连墙件缺失','临边防护栏杆缺失','塔吊限位装置失效']),
	('special_equipment', ARRAY['S25','S17'], ARRAY['叉车未定期检验','压力容器安全阀超期未校验']),
	('working_at_height', ARRAY['S01','S21'], ARRAY['高处作业未系安全带','边坡防护网破损']);

CREATE TEMP TABLE demo_found ON COMMIT DROP AS
SELECT i.id AS inspection_id, i.unit_id, i.department_id, i.inspected_at, i.mode, u.industry_code,
	   w.category, pg_temp.pick(w.words, pg_temp.draw('words' || i.id || '/' || k)) AS description,
	   pg_temp.draw('suspected' || i.id || '/' || k)
		   < CASE WHEN u.industry_code IN ('S01','S02','S03','S04','S05','S06','S07','S22') OR u.ammonia_refrigeration
				  THEN 0.04 ELSE 0.006 END AS suspected,
	   (ARRAY[3, 7, 7, 15, 15, 30])[1 + floor(pg_temp.draw('days' || i.id || '/' || k) * 6)::int] AS days,
	   pg_temp.draw('recheck' || i.id || '/' || k) < 0.85 AS needs_recheck
FROM inspection i
JOIN unit u ON u.id = i.unit_id
CROSS JOIN LATERAL generate_series(1, CASE WHEN i.mode = 'online' THEN (pg_temp.draw('found' || i.id) < 0.1)::int
										   WHEN pg_temp.draw('found' || i.id) < 0.35
										   THEN 1 + floor(pg_temp.draw('more' || i.id) ^ 3 * 2)::int ELSE 0 END) AS k
CROSS JOIN LATERAL (
	SELECT x.category, x.words FROM demo_hazard_word x
	WHERE CASE WHEN i.mode = 'online' THEN x.category = 'management'
			   ELSE x.industries IS NULL OR u.industry_code = ANY (x.industries) END
	ORDER BY md5(x.category || i.id || '/' || k) LIMIT 1) w
ORDER BY i.id, k;

-- A hazard that needs no re-inspection is one rectified on the spot (当场整改).
INSERT INTO hazard (unit_id, found_by, found_at, inspection_id, description, category, grade, needs_recheck, measures, rectify_deadline,
					rectified_at, rectified_by)
SELECT f.unit_id, f.department_id, f.inspected_at + interval '40 minutes', f.inspection_id, f.description,
	   f.category::hazard_category,
	   CASE WHEN f.suspected THEN 'suspected_major' ELSE 'general' END::hazard_grade,
	   f.suspected OR f.needs_recheck,
	   CASE WHEN f.suspected OR f.needs_recheck THEN '按照相关标准规范立即整改，整改完成后报告' ELSE '检查人员督促当场整改完毕' END,
	   CASE WHEN NOT f.suspected THEN f.inspected_at + f.days * interval '1 day' END,
	   CASE WHEN NOT (f.suspected OR f.needs_recheck) THEN f.inspected_at + interval '70 minutes' END,
	   CASE WHEN NOT (f.suspected OR f.needs_recheck) THEN '现场负责人' END
FROM demo_found f
ORDER BY f.inspected_at, f.inspection_id;

-- Play each hazard forward to now: confirmation, extensions, rectification,
-- re-inspection (some failed), closing. Most finish before their deadline, one in
-- seven late, one in twenty-five is never rectified.
DO $lifecycle$
DECLARE
	h record;
	t0 timestamptz := pg_temp.t0();
	late boolean;
	step_at timestamptz;
	deadline timestamptz;
	rectified timestamptz;
	checked timestamptz;
	inspector bigint;
BEGIN
	FOR h IN SELECT x.* FROM escalation.hazard x WHERE x.source = 'inspection' ORDER BY x.id
	LOOP
		deadline := h.rectify_deadline;
		SELECT ii.person_id INTO inspector FROM escalation.inspection_inspector ii
		WHERE ii.inspection_id = h.inspection_id ORDER BY ii.person_id LIMIT 1;
		-- Rectified on the spot: closed once the department has seen it.
		IF NOT h.needs_recheck AND h.grade = 'general' THEN
			step_at := h.rectified_at + interval '4 hours';
			CONTINUE WHEN step_at > t0;
			PERFORM escalation.hazard_close(h.id, h.found_by, '当场整改完毕，予以销号', step_at);
			CONTINUE;
		END IF;

		IF h.grade = 'suspected_major' THEN
			step_at := h.found_at + (0.5 + pg_temp.draw('confirm at' || h.id) * 4) * interval '1 day';
			CONTINUE WHEN step_at > t0 - interval '1 hour' OR pg_temp.draw('unconfirmed' || h.id) < 0.25;
			IF pg_temp.draw('major' || h.id) < 0.4 THEN
				deadline := step_at + (30 + floor(pg_temp.draw('plan' || h.id) * 30)) * interval '1 day';
				PERFORM escalation.hazard_confirm(h.id, true, h.found_by, '经专家论证，确认为重大事故隐患，实行挂牌督办',
												  deadline, true, step_at);
			ELSE
				deadline := step_at + (7 + floor(pg_temp.draw('plan' || h.id) * 8)) * interval '1 day';
				PERFORM escalation.hazard_confirm(h.id, false, h.found_by, '经核查，不属于重大事故隐患，按一般隐患限期整改',
												  deadline, true, step_at);
			END IF;
		END IF;

		IF pg_temp.draw('extend' || h.id) < 0.05 AND h.found_at + (deadline - h.found_at) / 2 < t0 THEN
			step_at := h.found_at + (deadline - h.found_at) / 2;
			deadline := deadline + (7 + floor(pg_temp.draw('extend by' || h.id) * 9)) * interval '1 day';
			PERFORM escalation.hazard_extend(h.id, deadline,
				pg_temp.pick(ARRAY['整改所需设备采购周期较长', '需停产检修，申请延期整改', '涉及施工改造，需办理审批手续'],
							 pg_temp.draw('reason' || h.id)),
				h.found_by, step_at);
		END IF;

		CONTINUE WHEN pg_temp.draw('fate' || h.id) < 0.04;
		late := pg_temp.draw('fate' || h.id) < 0.18;
		rectified := h.found_at + (deadline - h.found_at)
			* CASE WHEN late THEN 1.05 + pg_temp.draw('rectify' || h.id) * 0.6 ELSE 0.2 + pg_temp.draw('rectify' || h.id) * 0.45 END;
		CONTINUE WHEN rectified > t0 - interval '1 hour';
		PERFORM escalation.hazard_rectify(h.id, pg_temp.pick(ARRAY['王伟', '李强', '张敏', '刘洋', '陈静', '杨磊'],
															 pg_temp.draw('who' || h.id)),
										  '已按要求完成整改，整改前后照片已上传', rectified);

		checked := rectified + CASE WHEN late THEN (0.5 + pg_temp.draw('check' || h.id) * 2.5) * interval '1 day'
									ELSE (deadline - rectified) * (0.2 + pg_temp.draw('check' || h.id) * 0.5) END;
		CONTINUE WHEN checked > t0 - interval '1 hour' OR pg_temp.draw('unchecked' || h.id) < 0.05;
		IF pg_temp.draw('failed' || h.id) < 0.1 THEN
			deadline := checked + (5 + floor(pg_temp.draw('new deadline' || h.id) * 6)) * interval '1 day';
			PERFORM escalation.hazard_recheck(h.id, h.found_by, false, '整改不到位，责令重新整改', deadline, inspector, checked);
			rectified := checked + (deadline - checked) * (0.3 + pg_temp.draw('again' || h.id) * 0.5);
			CONTINUE WHEN rectified > t0 - interval '1 hour';
			PERFORM escalation.hazard_rectify(h.id, '安全管理负责人', '重新整改完成', rectified);
			checked := rectified + (deadline - rectified) * (0.3 + pg_temp.draw('check again' || h.id) * 0.5);
			CONTINUE WHEN checked > t0 - interval '1 hour';
		END IF;
		PERFORM escalation.hazard_recheck(h.id, h.found_by, true, '复查合格', NULL, inspector, checked);
		step_at := checked + CASE WHEN deadline > checked THEN (deadline - checked) / 4 ELSE interval '2 hours' END;
		CONTINUE WHEN step_at > t0 OR pg_temp.draw('open' || h.id) < 0.04;
		PERFORM escalation.hazard_close(h.id, h.found_by, '复查合格，予以销号', step_at);
	END LOOP;
END
$lifecycle$;

------------------------------------------------------------------------------
-- Violation clues (移交违法线索): streets to the competent district department,
-- district departments to the city; most handled in time, some late, some pending
------------------------------------------------------------------------------

CREATE TEMP TABLE demo_clue_plan ON COMMIT DROP AS
SELECT u.id AS unit_id, s.department_id AS from_department, d.department_id AS to_department, u.industry_code,
	   pg_temp.work_hours(pg_temp.t0() - (1 + floor(pg_temp.draw('clue day' || d.id) * 55)) * interval '1 day',
						  pg_temp.draw('clue hour' || d.id)) AS transferred_at
FROM unit u
JOIN supervision_assignment s ON s.unit_id = u.id AND s.supervision_type = 'territorial' AND upper_inf(s.period)
JOIN supervision_assignment d ON d.unit_id = u.id AND d.supervision_type <> 'territorial' AND upper_inf(d.period)
	AND d.department_id <> s.department_id
WHERE u.business_status <> 'closed' AND pg_temp.draw('clue' || d.id) < 0.04
ORDER BY u.id, d.id;

INSERT INTO clue (unit_id, from_department, to_department, transferred_at, facts, legal_basis)
SELECT p.unit_id, p.from_department, p.to_department, p.transferred_at,
	   CASE p.industry_code
		   WHEN 'S07' THEN '网格巡查发现该单位超许可范围储存危险化学品'
		   WHEN 'S08' THEN '网格巡查发现该单位在经营场所存放危险化学品'
		   WHEN 'S21' THEN '巡查发现施工现场特种作业人员无证上岗'
		   WHEN 'S22' THEN '群众举报该单位燃气设施违规改装'
		   WHEN 'S10' THEN '巡查发现该单位涉氨制冷设施未经安全评价投入使用'
		   ELSE '网格巡查发现该单位未按规定组织安全生产教育培训，从业人员未经培训上岗' END,
	   CASE p.industry_code
		   WHEN 'S07' THEN '《危险化学品安全管理条例》第八十条'
		   WHEN 'S08' THEN '《危险化学品安全管理条例》第七十七条'
		   WHEN 'S22' THEN '《城镇燃气管理条例》第四十九条'
		   ELSE '《中华人民共和国安全生产法》第九十七条' END
FROM demo_clue_plan p
ORDER BY p.transferred_at, p.unit_id;

-- District emergency bureaus pass clues about city-supervised units to the city bureau.
INSERT INTO clue (unit_id, from_department, to_department, transferred_at, facts, legal_basis)
SELECT u.id, dd.id, cd.id,
	   pg_temp.work_hours(pg_temp.t0() - (1 + floor(pg_temp.draw('city clue day' || u.id) * 50)) * interval '1 day',
						  pg_temp.draw('city clue hour' || u.id)),
	   '检查发现该市级监管企业重大危险源未按规定登记建档', '《中华人民共和国安全生产法》第一百零一条'
FROM unit u
JOIN department dd ON dd.region = region_district(u.region) AND dd.name LIKE '%应急管理局'
JOIN department cd ON cd.name = '济南市应急管理局'
WHERE u.supervision_level = 'city' AND u.business_status <> 'closed' AND pg_temp.draw('city clue' || u.id) < 0.1
ORDER BY u.id;

-- Three in four handled within 3 days, one in seven late, one in ten still pending.
DO $clues$
DECLARE
	c record;
	t0 timestamptz := pg_temp.t0();
	r double precision;
	at timestamptz;
	onward bigint;
BEGIN
	SELECT d.id INTO onward FROM escalation.department d WHERE d.name = '济南市市场监督管理局';
	FOR c IN SELECT x.* FROM escalation.clue x WHERE x.handled_at IS NULL ORDER BY x.id
	LOOP
		r := pg_temp.draw('clue fate' || c.id);
		at := c.transferred_at + CASE WHEN r < 0.75 THEN 0.2 + pg_temp.draw('clue days' || c.id) * 2.6
									  ELSE 3.5 + pg_temp.draw('clue days' || c.id) * 7 END * interval '1 day';
		CONTINUE WHEN r > 0.9 OR at > t0;
		r := pg_temp.draw('clue handling' || c.id);
		IF r < 0.72 OR onward = c.to_department THEN
			PERFORM escalation.clue_handle(c.id, 'accepted', '已受理，立案调查',
										   '济应急立〔' || extract(year FROM at) || '〕' || lpad(c.id::text, 4, '0') || '号',
										   handled_at => at);
		ELSIF r < 0.9 THEN
			PERFORM escalation.clue_handle(c.id, 'rejected', '经核查，线索反映问题不属实，不予受理', handled_at => at);
		ELSE
			PERFORM escalation.clue_handle(c.id, 'forwarded', '涉及特种设备，属市场监管部门职责', forward_to => onward,
										   handled_at => at);
		END IF;
	END LOOP;
END
$clues$;

------------------------------------------------------------------------------
-- Dual prevention (§11–13): the units §12 obliges, under platform management
------------------------------------------------------------------------------

-- All mandatory units but a few still to be brought in, plus large manufacturers
-- that join of their own accord.
INSERT INTO dual_prevention (unit_id, since, enrolled_by, note)
SELECT x.unit_id, x.since,
	   (SELECT a.department_id FROM supervision_assignment a WHERE a.unit_id = x.unit_id AND upper_inf(a.period)
		ORDER BY a.supervision_type <> 'territorial' DESC, a.id LIMIT 1),
	   x.note
FROM (
	SELECT c.unit_id,
		   pg_temp.work_hours(pg_temp.t0() - CASE WHEN pg_temp.draw('late enrol' || c.unit_id) < 0.85
												  THEN 56 + floor(pg_temp.draw('enrol day' || c.unit_id) * 4)
												  ELSE 20 + floor(pg_temp.draw('enrol day' || c.unit_id) * 20) END * interval '1 day',
							  pg_temp.draw('enrol hour' || c.unit_id)) AS since,
		   '依据《济南市安全生产综合监管平台运行管理制度》第十二条纳入' AS note
	FROM dual_prevention_coverage c
	WHERE c.required AND pg_temp.draw('not enrolled' || c.unit_id) > 0.03
	UNION ALL
	SELECT u.id, pg_temp.work_hours(pg_temp.t0() - 45 * interval '1 day', pg_temp.draw('enrol hour' || u.id)),
		   '规模以上企业有序开展双重预防机制建设'
	FROM unit u
	WHERE u.industry_code IN ('S12', 'S14', 'S15') AND u.dust_workers <= 10 AND u.business_status = 'operating'
		AND u.employees > 300 AND pg_temp.draw('volunteer' || u.id) < 0.3
) x
ORDER BY x.unit_id;

-- The units §12 obliges that were not brought in: registered in the platform
-- 50 to 70 days ago, so that they are past the grace period (§19 ladder).
UPDATE dp_obligation o
SET obliged_since = pg_temp.work_hours(pg_temp.t0() - (50 + floor(pg_temp.draw('obliged day' || o.unit_id) * 20)) * interval '1 day',
									   pg_temp.draw('obliged hour' || o.unit_id))
WHERE NOT EXISTS (SELECT 1 FROM dual_prevention d WHERE d.unit_id = o.unit_id);

-- Risk points from the unit's trade, graded in four colours.
CREATE TEMP TABLE demo_risk (industries text[], name text, grade text, factors text, measures text, level text) ON COMMIT DROP;
INSERT INTO demo_risk VALUES
	(ARRAY['S01'], '露天采场边坡', 'red', '坍塌、滑坡', '边坡在线监测、分台阶开采、定期巡查', 'company'),
	(ARRAY['S01'], '爆破器材库', 'orange', '爆炸', '双人双锁、视频监控、限量存放', 'company'),
	(ARRAY['S02','S03','S04'], '高炉炉前区域', 'red', '灼烫、煤气中毒', '煤气报警、隔离防护、作业票证', 'company'),
	(ARRAY['S02','S03','S04'], '铸造起重作业区', 'orange', '起重伤害、灼烫', '冶金起重机定期检验、专人指挥', 'workshop'),
	(ARRAY['S05','S06','S07'], '罐区', 'red', '火灾、爆炸、中毒', 'SIS系统、可燃有毒气体报警、防火堤、喷淋', 'company'),
	(ARRAY['S05','S06','S07'], '装卸作业区', 'orange', '泄漏、火灾', '静电接地、装卸作业票、专人监护', 'workshop'),
	(ARRAY['S10'], '液氨储罐区', 'red', '中毒、爆炸', '泄漏报警、喷淋、紧急切断、应急处置预案', 'company'),
	(ARRAY['S10'], '冷库速冻间', 'orange', '冻伤、窒息', '冷库门内开启装置、应急照明、呼救装置', 'workshop'),
	(ARRAY['S03','S11','S12','S13','S14','S15','S10'], '除尘系统', 'orange', '粉尘爆炸', '泄爆、隔爆、锁气卸灰、定期清灰', 'workshop'),
	(NULL, '配电室', 'yellow', '触电、电气火灾', '定期检测、绝缘防护、持证上岗', 'team'),
	(NULL, '厂区消防通道', 'blue', '火灾蔓延', '保持畅通、定期巡查', 'post'),
	(NULL, '叉车作业区', 'yellow', '车辆伤害', '限速、专人指挥、持证驾驶', 'team');

INSERT INTO dp_risk_point (unit_id, name, location, risk_grade, hazard_factors, control_measures, control_level, responsible, identified_on)
SELECT d.unit_id, r.name, r.name, r.grade::dp_risk_grade, r.factors, r.measures, r.level::dp_control_level,
	   pg_temp.pick(ARRAY['王伟', '李强', '张敏', '刘洋', '陈静', '杨磊'], pg_temp.draw('responsible' || d.unit_id || r.name)),
	   local_day(d.since) - 10
FROM dual_prevention d
JOIN unit u ON u.id = d.unit_id
JOIN demo_risk r ON r.industries IS NULL OR u.industry_code = ANY (r.industries)
WHERE r.industries IS NOT NULL OR pg_temp.draw('risk' || d.unit_id || r.name) < 0.6
ORDER BY d.unit_id, r.name;

-- One scheduled check per risk point: daily for red and orange, weekly for yellow, monthly for blue.
INSERT INTO dp_check_task (unit_id, risk_point_id, name, content, every, control_level, starts_at)
SELECT p.unit_id, p.id, p.name || CASE p.risk_grade WHEN 'red' THEN '日巡检' WHEN 'orange' THEN '日巡检' WHEN 'yellow' THEN '周检查'
										  ELSE '月检查' END,
	   '检查管控措施落实：' || p.control_measures,
	   CASE p.risk_grade WHEN 'red' THEN interval '1 day' WHEN 'orange' THEN interval '1 day'
						 WHEN 'yellow' THEN interval '7 days' ELSE interval '30 days' END,
	   p.control_level, d.since
FROM dp_risk_point p JOIN dual_prevention d ON d.unit_id = p.unit_id
ORDER BY p.id;

-- Runs: each task at its interval; one unit in seventeen stopped running 8 to 16 days
-- ago (the §19 ladder climbs), one in twenty skips half its checks.
CREATE TEMP TABLE demo_dp_habit ON COMMIT DROP AS
SELECT d.unit_id,
	   CASE WHEN pg_temp.draw('idle' || d.unit_id) < 0.06
			THEN pg_temp.t0() - (8 + pg_temp.draw('idle days' || d.unit_id) * 8) * interval '1 day'
			ELSE pg_temp.t0() END AS stops_at,
	   pg_temp.draw('patchy' || d.unit_id) < 0.05 AS patchy
FROM dual_prevention d ORDER BY d.unit_id;

INSERT INTO dp_run (unit_id, task_id, ran_at, result, checked_by)
SELECT k.unit_id, k.id, r.at, 'normal'::dp_check_result,
	   pg_temp.pick(ARRAY['王伟', '李强', '张敏', '刘洋', '陈静', '杨磊', '赵军', '孙艳'], pg_temp.draw('checker' || k.id || '/' || r.n))
FROM dp_check_task k
JOIN demo_dp_habit hb ON hb.unit_id = k.unit_id
CROSS JOIN LATERAL (
	SELECT n, k.starts_at + n * k.every + pg_temp.draw('run' || k.id || '/' || n) * least(k.every, interval '8 hours') AS at
	FROM generate_series(1, 400) AS n
	WHERE k.starts_at + n * k.every < hb.stops_at) r
WHERE r.at < hb.stops_at AND NOT (hb.patchy AND pg_temp.draw('skip' || k.id || '/' || r.n) < 0.5)
ORDER BY r.at, k.id;

-- A few checks found hazards, self-reported to the supervising department.
DO $self_reported$
DECLARE
	r record;
	t0 timestamptz := pg_temp.t0();
	hazard bigint;
BEGIN
	FOR r IN
		SELECT x.id, x.unit_id, x.ran_at, k.name,
			(SELECT a.department_id FROM escalation.supervision_assignment a WHERE a.unit_id = x.unit_id AND upper_inf(a.period)
			 ORDER BY a.supervision_type <> 'territorial' DESC, a.id LIMIT 1) AS department_id
		FROM escalation.dp_run x JOIN escalation.dp_check_task k ON k.id = x.task_id
		WHERE x.ran_at < t0 - interval '1 day' AND pg_temp.draw('self report' || x.id) < 0.003
		ORDER BY x.id
	LOOP
		CONTINUE WHEN r.department_id IS NULL;
		hazard := escalation.hazard_report(r.name || '：检查发现管控措施落实不到位', r.ran_at + interval '5 days',
			unit_id => r.unit_id, found_by => r.department_id, source => 'self_report', category => 'management',
			found_at => r.ran_at, measures => '立即整改并补充记录');
		UPDATE escalation.dp_run SET result = 'hazards_found', hazard_id = hazard WHERE id = r.id;
		IF r.ran_at + interval '3 days 1 hour' < least(t0, statement_timestamp()) THEN
			PERFORM escalation.hazard_rectify(hazard, '企业安全管理员', '已整改', r.ran_at + interval '2 days');
			PERFORM escalation.hazard_recheck(hazard, r.department_id, true, '复查合格', rechecked_at => r.ran_at + interval '3 days');
			PERFORM escalation.hazard_close(hazard, r.department_id, '企业自查自改，予以销号', r.ran_at + interval '3 days 1 hour');
		END IF;
	END LOOP;
END
$self_reported$;

-- Assessments of the overall safety state (§13) for most enrolled units.
INSERT INTO dp_assessment (unit_id, assessed_at, department_id, state, score, findings)
SELECT d.unit_id,
	   pg_temp.work_hours(pg_temp.t0() - (10 + floor(pg_temp.draw('assess day' || d.unit_id) * 40)) * interval '1 day',
						  pg_temp.draw('assess hour' || d.unit_id)),
	   d.enrolled_by, s.state::safety_state, s.score,
	   CASE s.state WHEN 'good' THEN '双重预防机制运行有效，风险管控到位'
					WHEN 'fairly_good' THEN '机制运行基本正常，个别风险点管控措施需完善'
					WHEN 'average' THEN '隐患排查不够深入，部分任务未按期完成'
					ELSE '机制运行不正常，重大风险管控存在漏洞，列为重点监管对象' END
FROM dual_prevention d
CROSS JOIN LATERAL (SELECT pg_temp.draw('state' || d.unit_id) AS r, pg_temp.draw('score' || d.unit_id) AS q) x
CROSS JOIN LATERAL (
	SELECT CASE WHEN x.r < 0.3 THEN 'good' WHEN x.r < 0.7 THEN 'fairly_good' WHEN x.r < 0.92 THEN 'average' ELSE 'poor' END AS state,
		   CASE WHEN x.r < 0.3 THEN 90 + floor(x.q * 10) WHEN x.r < 0.7 THEN 80 + floor(x.q * 10)
				WHEN x.r < 0.92 THEN 65 + floor(x.q * 15) ELSE 40 + floor(x.q * 20) END AS score) s
WHERE d.enrolled_by IS NOT NULL AND pg_temp.draw('assessed' || d.unit_id) < 0.7
ORDER BY d.unit_id;

-- Two idle units left platform management: they moved away.
SELECT count(dp_withdraw(d.unit_id, '企业搬迁至外市，已办理迁出手续',
						 greatest((SELECT max(r.ran_at) FROM dp_run r WHERE r.unit_id = d.unit_id), d.since) + interval '1 hour'))
FROM (SELECT x.unit_id, x.since FROM dual_prevention x JOIN demo_dp_habit hb ON hb.unit_id = x.unit_id
	  WHERE hb.stops_at < pg_temp.t0() ORDER BY x.unit_id LIMIT 2) d;

-- Back to tracking every change, from a tracking rebuilt from what was loaded.
DO $on$
DECLARE
	t record;
BEGIN
	FOR t IN SELECT * FROM demo_tracking ORDER BY tbl::text, tgname LOOP
		EXECUTE format('ALTER TABLE %s ENABLE TRIGGER %I', t.tbl, t.tgname);
	END LOOP;
END
$on$;
SELECT escalation.resync_items();

COMMIT;
