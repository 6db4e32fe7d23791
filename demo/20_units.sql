-- Demo data, part 1: Jinan's divisions and a few thousand plausible supervised units
-- with valid credit codes, licences and safety rules. Deterministic: the same data on
-- every run. Run by ./demo with psql from the checkout (paths are relative to it).

\set ON_ERROR_STOP on
SET search_path = escalation, public;

BEGIN;

CREATE TEMP TABLE demo_division (code text, name text, level text, parent text) ON COMMIT DROP;
\copy demo_division FROM 'demo/data/jinan-regions.csv' WITH (FORMAT csv, HEADER)

INSERT INTO escalation.division (code, name)
SELECT '370000', '山东省'
UNION ALL
SELECT code::escalation.region, name FROM demo_division
ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name;

SELECT setseed(0.2022);

-- Word stock for names.
CREATE TEMP TABLE demo_word AS
SELECT * FROM unnest(ARRAY['泉城','齐鲁','鲁信','华盛','明湖','趵突','历山','舜耕','千佛','东岳','黄河','泰和',
	'汇通','恒源','金诺','瑞丰','鑫达','宏图','顺达','盛华','同力','天成','新元','广源','丰泽','中锐',
	'海川','正泰','嘉禾','永安','荣昌','九州','华鲁','鲁能','龙山','章丘','莱芜','钢城','济阳','商河',
	'平阴','长清','玉符','锦屏','大明','华山','卧龙','凤鸣','清泉','博远']) WITH ORDINALITY AS w(word, n);

CREATE TEMP TABLE demo_person_name AS
SELECT s || g AS name, row_number() OVER () AS n
FROM unnest(ARRAY['王','李','张','刘','陈','杨','赵','黄','周','吴','徐','孙','马','朱','胡','郭','何','高','林','罗']) s,
	 unnest(ARRAY['伟','芳','娜','敏','静','强','磊','军','洋','勇','艳','杰','涛','明','超','秀英','建国','海燕','志刚','立新']) g;

-- Industry mix: weights per starter category, and the suffix a name of that trade ends in.
CREATE TEMP TABLE demo_industry (code text, weight int, suffix text, small boolean);
INSERT INTO demo_industry VALUES
	('S01', 2, '矿业有限公司', false), ('S02', 2, '冶金有限公司', false), ('S03', 2, '钢铁有限公司', false),
	('S04', 1, '有色金属有限公司', false), ('S05', 4, '化工有限公司', false), ('S06', 2, '化工仓储有限公司', false),
	('S07', 3, '化工贸易有限公司', false), ('S08', 3, '化学品销售有限公司', false), ('S09', 2, '烟花爆竹经营部', false),
	('S10', 8, '食品有限公司', false), ('S11', 4, '木业有限公司', false), ('S12', 10, '机械制造有限公司', false),
	('S13', 5, '建材有限公司', false), ('S14', 3, '纺织有限公司', false), ('S15', 4, '轻工制品有限公司', false),
	('S16', 8, '商贸有限公司', false), ('S17', 6, '物流有限公司', false), ('S18', 4, '运输有限公司', false),
	('S19', 1, '公交有限公司', false), ('S21', 8, '建筑工程有限公司', false), ('S22', 2, '燃气有限公司', false),
	('S23', 1, '热力有限公司', false), ('S24', 1, '电力工程有限公司', false), ('S25', 4, '设备安装有限公司', false),
	('S27', 4, '购物广场', false), ('S28', 3, '学校', false), ('S29', 3, '医院', false), ('S30', 2, '养老院', false),
	('S31', 1, '景区管理有限公司', false), ('S32', 3, '娱乐有限公司', false), ('S33', 4, '酒店有限公司', false),
	('S34', 5, '超市有限公司', false), ('S38', 14, '', true);

-- Cumulative weights, to draw an industry from a uniform number.
CREATE TEMP TABLE demo_industry_pick AS
SELECT code, suffix, small,
	   sum(weight) OVER (ORDER BY code) - weight AS lo,
	   sum(weight) OVER (ORDER BY code) AS hi,
	   sum(weight) OVER () AS total
FROM demo_industry;

-- Streets, numbered per district, to spread units over them.
CREATE TEMP TABLE demo_street AS
SELECT code::escalation.region AS street, parent::escalation.region AS district,
	   row_number() OVER (ORDER BY code) - 1 AS n, count(*) OVER () AS total
FROM demo_division WHERE level = 'street';

-- The units: 3,000 of them, credit codes valid and registered in the unit's district.
CREATE TEMP TABLE demo_unit AS
SELECT r.g AS n,
	   s.street, s.district,
	   i.code AS industry_code, i.suffix, i.small,
	   r1, r2, r3,
	   CASE WHEN i.code IN ('S11','S12','S13','S03') THEN floor(r3 * 30)::int
			WHEN i.code = 'S10' THEN floor(r3 * 12)::int ELSE 0 END AS dust
FROM (SELECT g, random() AS r1, random() AS r2, random() AS r3, random() AS r4, random() AS r5
	  FROM generate_series(1, 3000) g) r
JOIN demo_street s ON s.n = floor(r.r4 * s.total)
JOIN demo_industry_pick i ON floor(r.r5 * i.total) >= i.lo AND floor(r.r5 * i.total) < i.hi;

INSERT INTO escalation.unit (name, uscc, region, supervision_level, social_function, industry_code,
	supervision_types, address, legal_representative, contact_name, contact_phone, employees, dust_workers,
	ammonia_refrigeration, business_status)
SELECT
	CASE WHEN u.small
		 THEN w.word || (ARRAY['小吃店','便利店','理发店','小旅馆','网吧','五金店','洗浴中心','小作坊'])[1 + floor(u.r1 * 8)::int]
		 ELSE '济南' || w.word || w2.word || u.suffix END,
	CASE WHEN u.small AND u.r2 < 0.6 THEN NULL
		 ELSE escalation.uscc_complete(
			CASE WHEN u.small THEN '92' WHEN u.industry_code IN ('S28','S29','S30') THEN '12' ELSE '91' END
			|| left(u.district::text, 6)
			|| 'MA' || upper(translate(substr(md5('unit' || u.n), 1, 7), 'io', '37'))) END,
	u.street,
	CASE WHEN u.industry_code IN ('S01','S03','S05','S22','S19') AND u.r3 < 0.5 THEN 'city'
		 WHEN u.small OR u.r3 > 0.55 THEN 'street'
		 ELSE 'district' END::escalation.level,
	CASE WHEN u.small THEN 'nine_small_venue'
		 WHEN u.industry_code IN ('S28','S29') THEN 'public_institution'
		 WHEN u.industry_code = 'S30' THEN 'private_non_enterprise'
		 ELSE 'enterprise' END::escalation.social_function,
	u.industry_code,
	CASE WHEN u.small THEN ARRAY['territorial']
		 ELSE ARRAY['industry_supervision','territorial'] END::escalation.supervision_type[],
	d.name || (SELECT name FROM demo_division WHERE code = u.street::text) || w.word || '路' || (1 + floor(u.r1 * 300))::int || '号',
	p.name, p2.name,
	'1' || (ARRAY['38','39','58','59','86','87'])[1 + floor(u.r2 * 6)::int] || lpad((floor(u.r3 * 100000000))::bigint::text, 8, '0'),
	CASE WHEN u.small THEN 2 + floor(u.r1 * 8)::int ELSE greatest(20 + floor(u.r1 * u.r2 * 800)::int, u.dust + 5) END,
	u.dust,
	u.industry_code = 'S10' AND u.r2 < 0.35,
	CASE WHEN u.r3 < 0.03 THEN 'suspended' WHEN u.r3 > 0.985 THEN 'closed' ELSE 'operating' END::escalation.business_status
FROM demo_unit u
JOIN demo_word w ON w.n = 1 + (u.n % 50)
JOIN demo_word w2 ON w2.n = 1 + ((u.n / 50) % 50)
JOIN demo_division d ON d.code = u.district::text
JOIN demo_person_name p ON p.n = 1 + (u.n * 7) % 400
JOIN demo_person_name p2 ON p2.n = 1 + (u.n * 13) % 400
ORDER BY u.n;

-- Licences: the trades that need a safety-production licence (安全生产许可类证件), three
-- years' validity; a spread of expiry dates around today, some already renewed.
INSERT INTO escalation.licence (unit_id, kind, number, issuer, valid_from, valid_until, safety_licence)
SELECT u.id, k.kind,
	   '（鲁）' || k.prefix || '〔' || extract(year FROM v.valid_until - 1095)::int || '〕' || lpad(u.id::text, 5, '0'),
	   k.issuer, v.valid_until - 1095, v.valid_until, true
FROM escalation.unit u
JOIN (VALUES ('S01', '安全生产许可证', 'FM安许证字', '山东省应急管理厅'),
			 ('S02', '安全生产许可证', 'YJ安许证字', '山东省应急管理厅'),
			 ('S03', '安全生产许可证', 'YJ安许证字', '山东省应急管理厅'),
			 ('S04', '安全生产许可证', 'YJ安许证字', '山东省应急管理厅'),
			 ('S05', '安全生产许可证', 'WH安许证字', '山东省应急管理厅'),
			 ('S06', '危险化学品经营许可证', '济危化经字', '济南市应急管理局'),
			 ('S07', '危险化学品经营许可证', '济危化经字', '济南市应急管理局'),
			 ('S08', '危险化学品经营许可证', '济危化经字', '济南市应急管理局'),
			 ('S09', '烟花爆竹经营许可证', '济烟花经字', '济南市应急管理局'),
			 ('S21', '安全生产许可证', 'JZ安许证字', '山东省住房和城乡建设厅'),
			 ('S22', '燃气经营许可证', '济燃经字', '济南市城乡水务局'))
	AS k(industry, kind, prefix, issuer) ON k.industry = u.industry_code
CROSS JOIN LATERAL (SELECT current_date + (floor(random() * 900) - 60)::int + 0 * u.id::int AS valid_until) v
WHERE u.business_status <> 'closed'
ORDER BY u.id;

-- A few of the recently expired licences were renewed in time.
SELECT escalation.licence_renew(l.id, l.number || '-R', l.valid_until + 1, l.valid_until + 1096,
								(l.valid_until - 5)::timestamptz)
FROM escalation.licence l
WHERE l.valid_until < current_date AND l.id % 3 = 0
ORDER BY l.id;

-- Business licences: every unit with a credit code has one; not a safety licence.
INSERT INTO escalation.licence (unit_id, kind, number, issuer, valid_from, valid_until, safety_licence)
SELECT u.id, '营业执照', u.uscc::text, (SELECT name FROM escalation.division WHERE code = escalation.region_district(u.region)) || '行政审批服务局',
	   current_date - 2000 + (u.id % 1000)::int, current_date + 3650, false
FROM escalation.unit u WHERE u.uscc IS NOT NULL ORDER BY u.id;

-- Safety management rules for the larger units.
INSERT INTO escalation.safety_rule (unit_id, title, category, document_ref, issued_on, revised_on)
SELECT u.id, r.title, r.category, u.id || '-' || r.category, current_date - 700 + (u.id % 300)::int,
	   CASE WHEN u.id % 4 = 0 THEN current_date - (u.id % 200)::int END
FROM escalation.unit u
CROSS JOIN (VALUES ('全员安全生产责任制', 'responsibility'), ('安全教育培训制度', 'training'),
				   ('生产安全事故隐患排查治理制度', 'hazard_inspection'), ('安全风险分级管控制度', 'risk_control'),
				   ('生产安全事故应急救援预案', 'emergency')) r(title, category)
WHERE u.social_function <> 'nine_small_venue' AND u.business_status <> 'closed'
ORDER BY u.id, r.category;

COMMIT;
