-- Demo data, part 2: Jinan's supervision-responsibility database (监管责任数据库):
-- the city's and every district's Party committee, government and functional
-- departments, every street office, their offices and lead offices, people with
-- masked phones, duties with some history, liaisons, and who supervises each of
-- the units of part 1 — with a few deliberate gaps for the gap report to show.
-- Also a few login roles mapped to their regions. Deterministic: every choice is
-- a hash of a stable key. Run by ./demo after demo/20_units.sql.

\set ON_ERROR_STOP on

BEGIN;
SET LOCAL search_path = escalation, public;

-- A stable number in [0, 2^32) for a key.
CREATE FUNCTION pg_temp.demo_hash(key text) RETURNS bigint
LANGUAGE sql IMMUTABLE STRICT
RETURN ('x' || substr(md5(key), 1, 8))::bit(32)::bigint;

-- Functional departments (职能部门) at city and district level. The city name is
-- the one the industry list uses for the competent department (市 + city name).
CREATE TEMP TABLE demo_bureau (n int, city_name text, district_name text, lead_office text, offices text[]) ON COMMIT DROP;
INSERT INTO demo_bureau VALUES
	(1, '应急管理局', '应急管理局', '安全生产综合协调', ARRAY['危险化学品安全监督管理', '工贸行业安全监督管理', '应急指挥中心']),
	(2, '住房和城乡建设局', '住房和城乡建设局', '质量安全监督', ARRAY['建筑市场监管', '城建档案']),
	(3, '交通运输局', '交通运输局', '安全监督', ARRAY['运输管理', '综合执法']),
	(4, '市场监督管理局', '市场监督管理局', '特种设备安全监察', ARRAY['食品生产监督管理', '综合执法']),
	(5, '消防救援支队', '消防救援大队', '防火监督', ARRAY['战训', '灭火救援']),
	(6, '工业和信息化局', '工业和信息化局', '安全生产', ARRAY['原材料工业', '装备工业']),
	(7, '商务局', '商务局', '安全生产', ARRAY['市场运行', '流通业发展']),
	(8, '城乡水务局', '城乡水务局', '安全监督', ARRAY['燃气管理', '供排水管理']),
	(9, '城市管理局', '城市管理局', '安全生产', ARRAY['供热管理', '市容环卫']),
	(10, '发展和改革委员会', '发展和改革局', '能源安全', ARRAY['电力', '经济运行']),
	(11, '教育局', '教育和体育局', '安全稳定', ARRAY['基础教育', '职业教育']),
	(12, '卫生健康委员会', '卫生健康局', '安全生产', ARRAY['医政医管', '应急办']),
	(13, '民政局', '民政局', '安全生产', ARRAY['养老服务', '社会事务']),
	(14, '文化和旅游局', '文化和旅游局', '安全生产', ARRAY['市场管理', '资源开发']),
	(15, '农业农村局', '农业农村局', '安全生产', ARRAY['农业机械化', '种植业管理']);

-- Districts, with the prefix their departments carry.
CREATE TEMP TABLE demo_district ON COMMIT DROP AS
SELECT d.code AS region, d.name,
	   CASE WHEN d.code = '370176' THEN '济南高新区' ELSE d.name END AS prefix
FROM division d WHERE region_level(d.code) = 'district';

------------------------------------------------------------------------------
-- Departments
------------------------------------------------------------------------------

INSERT INTO department (name, region, parent_id, kind) VALUES
	('中共济南市委员会', '370100', NULL, 'party_committee'),
	('济南市人民政府', '370100', NULL, 'government');

INSERT INTO department (name, region, parent_id, kind)
SELECT '济南市' || b.city_name, '370100', (SELECT id FROM department WHERE name = '济南市人民政府'), 'functional_department'
FROM demo_bureau b ORDER BY b.n;

INSERT INTO department (name, region, parent_id, kind)
SELECT x.name, d.region, p.id, x.kind
FROM demo_district d
CROSS JOIN LATERAL (VALUES
	(1, CASE WHEN d.region = '370176' THEN '中共济南高新技术产业开发区工作委员会' ELSE '中共' || d.name || '委员会' END,
	 'party_committee'::department_kind, '中共济南市委员会'),
	(2, CASE WHEN d.region = '370176' THEN '济南高新技术产业开发区管理委员会' ELSE d.name || '人民政府' END,
	 CASE WHEN d.region = '370176' THEN 'zone_committee' ELSE 'government' END::department_kind, '济南市人民政府')
) AS x (n, name, kind, parent_name)
JOIN department p ON p.name = x.parent_name
ORDER BY d.region, x.n;

INSERT INTO department (name, region, parent_id, kind)
SELECT d.prefix || b.district_name, d.region, g.id, 'functional_department'
FROM demo_district d
JOIN department g ON g.region = d.region AND g.kind IN ('government', 'zone_committee')
CROSS JOIN demo_bureau b
ORDER BY d.region, b.n;

INSERT INTO department (name, region, parent_id, kind)
SELECT CASE WHEN s.name LIKE '%街道' THEN s.name || '办事处'
			WHEN s.name LIKE '%镇' THEN s.name || '人民政府'
			WHEN s.name LIKE '%开发区' THEN s.name || '管理委员会'
			WHEN s.name LIKE '%公园' THEN s.name || '管理服务中心'
			ELSE s.name END,
	   s.code, g.id, 'street_office'
FROM division s
JOIN department g ON g.region = region_district(s.code) AND g.kind IN ('government', 'zone_committee')
WHERE region_level(s.code) = 'street'
ORDER BY s.code;

-- The work-safety committee offices (安委会办公室) of the city and each
-- district: they decide on extensions of hazards already on their screen.
INSERT INTO department (name, region, parent_id, kind)
SELECT '济南市安全生产委员会办公室', '370100', (SELECT id FROM department WHERE name = '济南市人民政府'), 'safety_committee_office';
INSERT INTO department (name, region, parent_id, kind)
SELECT d.name || '安全生产委员会办公室', d.region, g.id, 'safety_committee_office'
FROM demo_district d
JOIN department g ON g.region = d.region AND g.kind IN ('government', 'zone_committee')
ORDER BY d.region;

------------------------------------------------------------------------------
-- Offices (处/科室): the first of each department is its lead office
------------------------------------------------------------------------------

CREATE TEMP TABLE demo_office_plan ON COMMIT DROP AS
SELECT d.id AS department_id, o.n, o.name, o.n = 1 AS is_lead, o.supervises
FROM department d
LEFT JOIN demo_bureau b ON d.kind = 'functional_department'
	AND d.name IN ('济南市' || b.city_name, (SELECT prefix FROM demo_district WHERE region = d.region) || b.district_name)
CROSS JOIN LATERAL (
	SELECT u.n, u.name || CASE WHEN d.kind = 'functional_department' THEN CASE d.level WHEN 'city' THEN '处' ELSE '科' END ELSE '' END,
		   d.kind IN ('functional_department', 'street_office') AND u.n <= 2
	FROM unnest(CASE d.kind
		WHEN 'functional_department' THEN b.lead_office || b.offices
		WHEN 'street_office' THEN ARRAY['应急管理办公室', '综合行政执法办公室', '党政办公室']
		WHEN 'party_committee' THEN ARRAY['办公室', '督查室']
		ELSE ARRAY['办公室', '应急管理工作处', '督查室'] END) WITH ORDINALITY AS u(name, n)
) o (n, name, supervises);

INSERT INTO office (department_id, name, is_lead, responsibilities)
SELECT p.department_id, p.name, p.is_lead,
	   CASE WHEN p.is_lead THEN '牵头负责本部门安全生产工作的综合协调、督导检查和信息报送'
			WHEN p.supervises THEN '负责分管行业领域监管对象的日常监督检查'
			ELSE '按分工承担相关安全生产工作' END
FROM demo_office_plan p
ORDER BY p.department_id, p.n;

------------------------------------------------------------------------------
-- People: leaders, office heads, liaisons and supervisors, with masked phones
------------------------------------------------------------------------------

CREATE TEMP TABLE demo_post (post text, title_functional text, title_government text, title_party text, title_street text, holders int)
ON COMMIT DROP;
INSERT INTO demo_post VALUES
	('former_head', '局长', '区长', '书记', '主任', 1),
	('head', '局长', '区长', '书记', '主任', 1),
	('deputy', '副局长', '副区长', '副书记', '副主任', 1),
	('other_deputy', '副局长', '副区长', '常委', '副主任', 1),
	('lead_office_head', '科长', '主任', '主任', '主任', 1),
	('office_head', '科长', '处长', '主任', '主任', 1),
	('liaison', '科员', '科员', '科员', '科员', 2),
	('supervisor', '执法人员', '工作人员', '工作人员', '安全监管员', 3);

INSERT INTO person (department_id, name, title, phone)
SELECT d.id,
	   (ARRAY['王','李','张','刘','陈','杨','赵','黄','周','吴','徐','孙','马','朱','胡','郭','何','高','林','罗',
			  '郑','梁','谢','宋','唐','许','韩','冯','邓','曹','彭','曾','田','董','袁','潘','于','蒋','蔡','余'])
			[1 + pg_temp.demo_hash(k.key || 's') % 40]
	   || (ARRAY['伟','芳','娜','敏','静','强','磊','军','洋','勇','艳','杰','涛','明','超','霞','平','刚','桂英','建华',
				 '志强','秀兰','海涛','晓东','建军','丽娟','玉梅','春生','国庆','文博','思远','立新','红梅','德胜',
				 '振华','淑珍','宏伟','雪梅','学军','金凤'])
			[1 + pg_temp.demo_hash(k.key || 'g') % 40],
	   CASE WHEN d.level = 'city' AND d.kind = 'government' THEN replace(replace(k.title, '区长', '市长'), '处长', '主任')
			WHEN d.level = 'city' AND d.kind = 'functional_department' THEN replace(k.title, '科长', '处长')
			WHEN d.kind = 'zone_committee' THEN replace(k.title, '区长', '主任')
			WHEN d.region = ANY (ARRAY['370124', '370126']::region[]) AND d.kind = 'government' THEN replace(k.title, '区长', '县长')
			WHEN d.kind = 'functional_department' AND d.name LIKE '%委员会' THEN replace(k.title, '局长', '主任')
			WHEN d.kind = 'functional_department' AND d.name LIKE '%消防救援%' THEN replace(replace(k.title, '副局长', '副队长'), '局长', '队长')
			ELSE k.title END,
	   '1' || (ARRAY['35','36','37','38','39','58','59','86'])[1 + pg_temp.demo_hash(k.key || 'p') % 8]
	   || '****' || lpad((pg_temp.demo_hash(k.key || 'q') % 10000)::text, 4, '0')
FROM department d
CROSS JOIN LATERAL (
	SELECT p.post || '#' || i || '@' || d.region::text || d.name AS key,
		   CASE d.kind WHEN 'functional_department' THEN p.title_functional
					   WHEN 'street_office' THEN p.title_street
					   WHEN 'party_committee' THEN p.title_party
					   ELSE p.title_government END AS title,
		   p.post, i
	FROM demo_post p CROSS JOIN LATERAL generate_series(1, p.holders) AS i
	WHERE p.post <> 'supervisor' OR d.kind IN ('functional_department', 'street_office')
	ORDER BY p.post, i
) k
ORDER BY d.id, k.post, k.i;

-- Which person holds which post, recovered from the order of insertion.
CREATE TEMP TABLE demo_holder ON COMMIT DROP AS
SELECT p.id AS person_id, p.department_id, d.region::text || d.name AS dkey, k.post, k.i
FROM (SELECT p.*, row_number() OVER (PARTITION BY p.department_id ORDER BY p.id) AS rn FROM person p) p
JOIN department d ON d.id = p.department_id
JOIN LATERAL (
	SELECT q.post, q.i, row_number() OVER (ORDER BY q.post, q.i) AS rn
	FROM demo_post dp CROSS JOIN LATERAL generate_series(1, dp.holders) AS i
	CROSS JOIN LATERAL (SELECT dp.post, i) q
	WHERE dp.post <> 'supervisor' OR d.kind IN ('functional_department', 'street_office')
) k ON k.rn = p.rn;

------------------------------------------------------------------------------
-- Duties (§6, §21). The former head held the first-responsible post until a
-- hand-over; one department in ten still has its first head (no hand-over yet).
------------------------------------------------------------------------------

INSERT INTO duty (department_id, person_id, role, office_id, period, note)
SELECT h.department_id, h.person_id, r.role,
	   CASE WHEN r.role = 'lead_office' THEN (SELECT o.id FROM office o WHERE o.department_id = h.department_id AND o.is_lead)
			WHEN r.role = 'other_office' THEN (SELECT o.id FROM office o WHERE o.department_id = h.department_id AND NOT o.is_lead
											  ORDER BY o.id LIMIT 1) END,
	   daterange(DATE '2021-03-01' + (pg_temp.demo_hash('start' || h.dkey) % 200)::int, NULL),
	   r.note
FROM demo_holder h
JOIN (VALUES ('former_head', 'first_responsible'::duty_role, '全面负责本部门安全生产工作'),
			 ('deputy', 'responsible_in_charge', '分管安全生产工作'),
			 ('other_deputy', 'other_in_charge', '对分管领域安全生产工作负责'),
			 ('lead_office_head', 'lead_office', '牵头处（科）室负责人'),
			 ('office_head', 'other_office', '分工处（科）室负责人'),
			 ('liaison', 'liaison', '负责平台日常协调和联络')) AS r (post, role, note) ON r.post = h.post
WHERE h.post <> 'liaison' OR h.i = 1 OR pg_temp.demo_hash('second liaison' || h.dkey) % 3 = 0
ORDER BY h.department_id, h.person_id;

DO $handover$
BEGIN
	PERFORM escalation.hand_over_duty(t.id, h.person_id,
									  current_date - 30 - (pg_temp.demo_hash('handover' || h.dkey) % 600)::int)
	FROM escalation.duty t
	JOIN pg_temp.demo_holder h ON h.department_id = t.department_id AND h.post = 'head'
	WHERE t.role = 'first_responsible' AND pg_temp.demo_hash('keeps head' || h.dkey) % 10 <> 0
	ORDER BY t.id;
END
$handover$;

-- Deliberate gaps in the departments (the gap report lists them):
-- a head who left last month and has no successor yet,
UPDATE duty t SET period = daterange(lower(t.period), current_date - 25)
FROM department d
WHERE d.id = t.department_id AND t.role = 'first_responsible' AND upper_inf(t.period)
	AND d.name IN ('商河县农业农村局', '钢城区民政局');
-- a department whose deputy in charge was never named,
DELETE FROM duty t USING department d
WHERE d.id = t.department_id AND t.role = 'responsible_in_charge' AND d.name = '平阴县文化和旅游局';
-- a street office that has not named its lead office,
UPDATE duty t SET role = 'other_office' FROM department d
WHERE d.id = t.department_id AND t.role = 'lead_office' AND d.name = '泉城路街道办事处';
UPDATE office o SET is_lead = false FROM department d WHERE d.id = o.department_id AND d.name = '泉城路街道办事处';
-- and two departments whose liaisons left.
UPDATE duty t SET period = daterange(lower(t.period), current_date - 10)
FROM department d
WHERE d.id = t.department_id AND t.role = 'liaison' AND d.name IN ('长清区城乡水务局', '济阳区商务局');

------------------------------------------------------------------------------
-- Supervision assignments (§7): territorial by the unit's street office;
-- industry by the competent department at the unit's level (city units by the
-- city department, others by their district's); fire safety of crowded places
-- as special supervision by the district fire brigade.
------------------------------------------------------------------------------

CREATE TEMP TABLE demo_supervisor ON COMMIT DROP AS
SELECT h.department_id, h.person_id, row_number() OVER (PARTITION BY h.department_id ORDER BY h.person_id) - 1 AS k
FROM demo_holder h WHERE h.post = 'supervisor';

CREATE TEMP TABLE demo_duty_office ON COMMIT DROP AS
SELECT o.department_id, o.id AS office_id
FROM office o JOIN demo_office_plan p ON p.department_id = o.department_id AND p.name = o.name
WHERE p.supervises AND NOT p.is_lead;

CREATE TEMP TABLE demo_assignment (unit_id bigint, department_id bigint, supervision_type supervision_type, named boolean)
ON COMMIT DROP;

-- Territorial (属地管理), except three units nobody took on.
INSERT INTO demo_assignment
SELECT u.id, s.id, 'territorial', true
FROM unit u JOIN department s ON s.region = u.region AND s.kind = 'street_office'
WHERE u.business_status <> 'closed' AND pg_temp.demo_hash('territorial' || u.id) % 1000 NOT IN (7, 8, 9);

-- Industry (行业监管/行业主管), except four units whose industry nobody claimed;
-- nine small venues go to market supervision. A few supervisions have no
-- named supervisor yet.
INSERT INTO demo_assignment
SELECT u.id, d.id,
	   CASE WHEN b.n IN (1, 4, 5) THEN 'industry_supervision' ELSE 'industry_authority' END::supervision_type,
	   pg_temp.demo_hash('named' || u.id) % 400 <> 0
FROM unit u
JOIN industry i ON i.code = u.industry_code
JOIN demo_bureau b ON '市' || b.city_name = i.competent_department
	OR (i.competent_department NOT LIKE '市%' AND b.n = 4)
JOIN department d ON d.name = CASE WHEN u.supervision_level = 'city' THEN '济南市' || b.city_name
	ELSE (SELECT prefix FROM demo_district WHERE region = region_district(u.region)) || b.district_name END
WHERE u.business_status <> 'closed' AND pg_temp.demo_hash('industry' || u.id) % 1000 NOT IN (11, 12, 13, 14);

-- Fire safety of crowded places (专项监管).
INSERT INTO demo_assignment
SELECT u.id, d.id, 'special_supervision', true
FROM unit u
JOIN department d ON d.name = (SELECT prefix FROM demo_district WHERE region = region_district(u.region)) || '消防救援大队'
WHERE u.business_status <> 'closed' AND u.industry_code IN ('S27', 'S32', 'S33', 'S34')
	AND NOT EXISTS (SELECT 1 FROM demo_assignment a WHERE a.unit_id = u.id AND a.department_id = d.id);

-- Two units on a district border entered under the neighbouring district's
-- emergency bureau (a supervision outside the unit's region).
INSERT INTO demo_assignment
SELECT u.id, d.id, 'special_supervision', true
FROM (SELECT u.id FROM unit u WHERE u.region <@ '370102' AND u.business_status <> 'closed'
	  ORDER BY pg_temp.demo_hash('border' || u.id) LIMIT 2) u
JOIN department d ON d.name = '市中区应急管理局';

INSERT INTO supervision_assignment (unit_id, department_id, office_id, supervisor_id, supervision_type, period, note)
SELECT a.unit_id, a.department_id, o.office_id, CASE WHEN a.named THEN s.person_id END, a.supervision_type,
	   daterange(DATE '2022-02-01' + (pg_temp.demo_hash('since' || a.unit_id || '/' || a.supervision_type) % 700)::int, NULL),
	   CASE a.supervision_type WHEN 'territorial' THEN '属地管理' WHEN 'special_supervision' THEN '专项监管'
		   ELSE '行业领域监管' END
FROM demo_assignment a
LEFT JOIN LATERAL (SELECT x.office_id FROM demo_duty_office x WHERE x.department_id = a.department_id
				   ORDER BY x.office_id LIMIT 1) o ON true
LEFT JOIN LATERAL (SELECT x.person_id FROM demo_supervisor x WHERE x.department_id = a.department_id
				   AND x.k = pg_temp.demo_hash('supervisor' || a.unit_id) % 3) s ON true
ORDER BY a.unit_id, a.department_id;

------------------------------------------------------------------------------
-- Login roles of the demo, mapped to their regions (password-less: the demo
-- cluster trusts local connections)
------------------------------------------------------------------------------

DO $roles$
DECLARE
	r record;
BEGIN
	FOR r IN SELECT * FROM (VALUES
		('demo_city_office', 'escalation_admin'), ('demo_lixia', 'escalation_user'),
		('demo_shizhong', 'escalation_user'), ('demo_jiefanglu', 'escalation_user'),
		('demo_analyst', 'escalation_analyst'), ('demo_screen', 'escalation_screen')) AS v (role_name, grp)
	LOOP
		IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = r.role_name) THEN
			EXECUTE format('CREATE ROLE %I LOGIN', r.role_name);
		END IF;
		IF NOT pg_catalog.pg_has_role(r.role_name, r.grp, 'MEMBER') THEN
			EXECUTE format('GRANT %I TO %I', r.grp, r.role_name);
		END IF;
	END LOOP;
END
$roles$;

INSERT INTO user_region (role_name, region, note) VALUES
	('demo_lixia', '370102', '历下区安委会办公室'),
	('demo_shizhong', '370103', '市中区安委会办公室'),
	('demo_jiefanglu', '370102001', '解放路街道应急管理办公室')
ON CONFLICT (role_name) DO UPDATE SET region = EXCLUDED.region, note = EXCLUDED.note;

COMMIT;
