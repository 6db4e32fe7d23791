-- bench/city/generate.sql — a large city for the benchmarks, loaded the way a
-- migration would: set-based INSERT … SELECT through the real tables, in
-- batches, with every trigger of the extension on (regions filled from the
-- unit, hazard and clue checks, change history, the engine's item tracking).
--
-- Run by bench/city/generate, which sets the variables below, in a database
-- where CREATE EXTENSION escalation was done and no unit exists yet, from the
-- top of the checkout (the division list is read from demo/data).
--
--   scale   1 = 1,000,000 units, 5,000,000 hazards (1,000,000 open),
--           200,000 licences, 100,000 dual-prevention units, 50,000 clues;
--           every count scales linearly
--   seed    every value is a hash of (row number, seed, column), so the same
--           seed, scale and anchor give the same rows whatever the plan
--   anchor  the day the data stands at: everything happened before its start
--           (00:00 Asia/Shanghai), and nothing of the data falls due after
--           00:00 and before 07:00 of that day, so a benchmark owns that window
--   batch   rows per INSERT statement (each statement its own transaction)
--
-- Row ids are given explicitly (1..n per table, as a migration keeps its source
-- ids) and the identity sequences are moved past them at the end.

\set ON_ERROR_STOP on
\set QUIET on
SET client_min_messages = warning;
SET TimeZone = 'Asia/Shanghai';
-- The region and credit-code operators live in the extension's schema.
SET search_path = escalation, public;
-- What the triggers cost is read from pg_stat_user_functions at the end.
SET track_functions = 'all';

SELECT NOT EXISTS (SELECT 1 FROM escalation.unit) AS empty \gset
\if :empty
\else
	\echo 'generate.sql: escalation.unit is not empty: generate the city into a fresh database'
	SELECT 1 / 0 AS not_an_empty_database;
\endif

DROP SCHEMA IF EXISTS city_gen CASCADE;
CREATE SCHEMA city_gen;
COMMENT ON SCHEMA city_gen IS 'The large-city generator of bench/city: its draws, plans and load log.';

SELECT round(1000000 * (:'scale')::numeric)::bigint AS n_units,
	   round(5000000 * (:'scale')::numeric)::bigint AS n_hazards,
	   round(1000000 * (:'scale')::numeric)::bigint AS n_open,
	   round(200000 * (:'scale')::numeric)::bigint AS n_licences,
	   round(30000 * (:'scale')::numeric)::bigint AS n_renewed,
	   round(1000 * (:'scale')::numeric)::bigint AS n_expired,
	   round(100000 * (:'scale')::numeric)::bigint AS n_dp,
	   round(50000 * (:'scale')::numeric)::bigint AS n_clues,
	   escalation.day_start((:'anchor')::date) AS anchor_ts
\gset
SELECT :n_hazards - :n_open AS n_closed, :n_licences - :n_renewed AS n_current \gset

-- One row per phase of the load.
CREATE TABLE city_gen.load_log (
	phase text PRIMARY KEY,
	seq serial,
	rows bigint,
	started_at timestamptz NOT NULL DEFAULT clock_timestamp(),
	finished_at timestamptz
);

CREATE TABLE city_gen.setting (name text PRIMARY KEY, value text NOT NULL);

-- Plans the procedures below fill and read.
CREATE TABLE city_gen.licensed (rank bigint PRIMARY KEY, unit_id bigint NOT NULL, kind text NOT NULL, issuer text NOT NULL);
CREATE TABLE city_gen.dp_unit (rank bigint PRIMARY KEY, unit_id bigint NOT NULL, district_n int NOT NULL,
	since_day int NOT NULL, stopped timestamptz NOT NULL);
CREATE TABLE city_gen.dp_run_plan (id bigint PRIMARY KEY, unit_id bigint NOT NULL, ran_at timestamptz NOT NULL);
INSERT INTO city_gen.setting VALUES
	('scale', :'scale'), ('seed', :'seed'), ('anchor', :'anchor'), ('anchor_ts', :'anchor_ts'),
	('quiet_until', (:'anchor_ts'::timestamptz + interval '7 hours')::text);

------------------------------------------------------------------------------
-- Deterministic draws
------------------------------------------------------------------------------

-- A uniform number in [0, 1) for row n and column salt, fixed by the seed.
CREATE FUNCTION city_gen.u(n bigint, salt int) RETURNS float8
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN (hashint8extended(n, (:'seed')::bigint * 7919 + salt) & 4503599627370495)::float8 / 4503599627370496.0;

-- An integer in [0, k) for row n and column salt.
CREATE FUNCTION city_gen.pick(n bigint, salt int, k int) RETURNS int
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN floor(city_gen.u(n, salt) * k)::int;

-- A time of the working day, 08:00 to 18:00, on the day d days after the anchor.
CREATE FUNCTION city_gen.daytime(d int, n bigint, salt int) RETURNS timestamptz
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN (:'anchor_ts')::timestamptz + d * interval '1 day' + interval '8 hours' + city_gen.u(n, salt) * interval '10 hours';

-- Midnight ending the day d days after the anchor (a deadline "by that day").
CREATE FUNCTION city_gen.day_end(d int) RETURNS timestamptz
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN (:'anchor_ts')::timestamptz + (d + 1) * interval '1 day';

-- Digit i (0 = last) of n in base 31, in the credit-code alphabet.
CREATE FUNCTION city_gen.digit31(n bigint, i int) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN substr('0123456789ABCDEFGHJKLMNPQRTUWXY', (n / (31::bigint ^ i)::bigint % 31)::int + 1, 1);

-- Seven base-31 digits of n (the body of a generated organisation code).
CREATE FUNCTION city_gen.code31(n bigint) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN city_gen.digit31(n, 6) || city_gen.digit31(n, 5) || city_gen.digit31(n, 4) || city_gen.digit31(n, 3)
	|| city_gen.digit31(n, 2) || city_gen.digit31(n, 1) || city_gen.digit31(n, 0);

-- An element of a text array, by a draw.
CREATE FUNCTION city_gen.one_of(choices text[], n bigint, salt int) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN choices[1 + city_gen.pick(n, salt, cardinality(choices))];

-- Words for names, and people's names.
CREATE FUNCTION city_gen.word(n bigint, salt int) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN city_gen.one_of(ARRAY['泉城','齐鲁','华盛','明湖','历山','舜耕','千佛','东岳','黄河','泰和','汇通','恒源','金诺',
	'瑞丰','鑫达','宏图','顺达','盛华','同力','天成','新元','广源','丰泽','海川','正泰','嘉禾','永安','荣昌','九州','龙山',
	'玉符','锦屏','大明','华山','卧龙','凤鸣','清泉','博远','鲁润','鹊华'], n, salt);
CREATE FUNCTION city_gen.person(n bigint, salt int) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN city_gen.one_of(ARRAY['王','李','张','刘','陈','杨','赵','黄','周','吴','徐','孙','马','朱','胡','郭','何','高','林','罗'], n, salt)
	|| city_gen.one_of(ARRAY['伟','芳','娜','敏','静','强','磊','军','洋','勇','艳','杰','涛','明','超','秀英','建国','海燕','志刚','立新'], n, salt + 1);

------------------------------------------------------------------------------
-- Divisions and departments
------------------------------------------------------------------------------

INSERT INTO city_gen.load_log (phase) VALUES ('divisions, departments');

CREATE TEMP TABLE division_csv (code text, name text, level text, parent text);
\copy division_csv FROM 'demo/data/jinan-regions.csv' WITH (FORMAT csv, HEADER)
INSERT INTO escalation.division (code, name)
SELECT '370000', '山东省' UNION ALL SELECT code::escalation.region, name FROM division_csv
ON CONFLICT (code) DO NOTHING;

CREATE TABLE city_gen.district AS
SELECT (row_number() OVER (ORDER BY code) - 1)::int AS n, code::escalation.region AS district, name
FROM division_csv WHERE level = 'district';
CREATE TABLE city_gen.street AS
SELECT (row_number() OVER (ORDER BY s.code) - 1)::int AS n, s.code::escalation.region AS street, s.name,
	   d.n AS district_n, d.district, d.name AS district_name
FROM division_csv s JOIN city_gen.district d ON d.district = s.parent::escalation.region
WHERE s.level = 'street';
ALTER TABLE city_gen.street ADD PRIMARY KEY (n);
SELECT count(*) AS n_streets, array_agg(district_n ORDER BY n)::text AS street_district FROM city_gen.street \gset

-- The functional departments every level has (三管三必须), by slot.
CREATE TABLE city_gen.bureau (slot int PRIMARY KEY, name text NOT NULL);
INSERT INTO city_gen.bureau VALUES
	(0, '应急管理局'), (1, '住房和城乡建设局'), (2, '交通运输局'), (3, '市场监督管理局'), (4, '工业和信息化局'),
	(5, '商务局'), (6, '城乡水务局'), (7, '城市管理局'), (8, '教育局'), (9, '卫生健康委员会'),
	(10, '民政局'), (11, '文化和旅游局'), (12, '农业农村局'), (13, '自然资源和规划局'), (14, '消防救援机构');

-- Department ids follow from where a department is, so that the generator
-- names one with arithmetic: the city government 1, city bureau 2 + slot,
-- district government 100 + 20 n, its bureaus 101 + 20 n + slot, street office
-- 1000 + street n.
CREATE FUNCTION city_gen.city_bureau(slot int) RETURNS bigint
LANGUAGE sql IMMUTABLE PARALLEL SAFE RETURN 2 + slot;
CREATE FUNCTION city_gen.district_bureau(district_n int, slot int) RETURNS bigint
LANGUAGE sql IMMUTABLE PARALLEL SAFE RETURN 101 + 20 * district_n + slot;
CREATE FUNCTION city_gen.street_office(street_n int) RETURNS bigint
LANGUAGE sql IMMUTABLE PARALLEL SAFE RETURN 1000 + street_n;

INSERT INTO escalation.department (id, name, region, parent_id, kind) OVERRIDING SYSTEM VALUE
SELECT * FROM (
	SELECT 1::bigint, '济南市人民政府', '370100'::escalation.region, NULL::bigint, 'government'::escalation.department_kind
	UNION ALL
	SELECT city_gen.city_bureau(b.slot), '济南市' || b.name, '370100', 1, 'functional_department' FROM city_gen.bureau b
	UNION ALL
	SELECT 100 + 20 * d.n, d.name || '人民政府', d.district, 1, 'government' FROM city_gen.district d
	UNION ALL
	SELECT city_gen.district_bureau(d.n, b.slot), d.name || b.name, d.district, 100 + 20 * d.n, 'functional_department'
	FROM city_gen.district d CROSS JOIN city_gen.bureau b
	UNION ALL
	SELECT city_gen.street_office(s.n), s.name || CASE WHEN s.name LIKE '%镇' THEN '人民政府' ELSE '办事处' END, s.street,
		   100 + 20 * s.district_n, 'street_office'
	FROM city_gen.street s
) d (id, name, region, parent_id, kind)
ORDER BY id;

UPDATE city_gen.load_log SET finished_at = clock_timestamp(), rows = (SELECT count(*) FROM escalation.department)
WHERE phase = 'divisions, departments';

------------------------------------------------------------------------------
-- Units (生产经营单位)
------------------------------------------------------------------------------

-- Industry mix: weight per starter category, the ending of a unit's name and
-- the safety licence its trade needs; the nine small venues (S38) are drawn
-- apart, a quarter of all units.
CREATE TABLE city_gen.industry (code text PRIMARY KEY, weight int NOT NULL, suffix text NOT NULL, licence text, issuer text);
INSERT INTO city_gen.industry VALUES
	('S01', 2, '矿业有限公司', '安全生产许可证', '山东省应急管理厅'), ('S02', 2, '冶金有限公司', '安全生产许可证', '山东省应急管理厅'),
	('S03', 2, '钢铁有限公司', '安全生产许可证', '山东省应急管理厅'), ('S04', 1, '有色金属有限公司', '安全生产许可证', '山东省应急管理厅'),
	('S05', 4, '化工有限公司', '安全生产许可证', '山东省应急管理厅'), ('S06', 3, '化工仓储有限公司', '危险化学品经营许可证', '济南市应急管理局'),
	('S07', 5, '化工贸易有限公司', '危险化学品经营许可证', '济南市应急管理局'), ('S08', 6, '化学品销售有限公司', '危险化学品经营许可证', '济南市应急管理局'),
	('S09', 3, '烟花爆竹经营部', '烟花爆竹经营许可证', '济南市应急管理局'), ('S10', 6, '食品有限公司', NULL, NULL),
	('S11', 4, '木业有限公司', NULL, NULL), ('S12', 10, '机械制造有限公司', NULL, NULL), ('S13', 5, '建材有限公司', NULL, NULL),
	('S14', 3, '纺织有限公司', NULL, NULL), ('S15', 4, '轻工制品有限公司', NULL, NULL), ('S16', 9, '商贸有限公司', NULL, NULL),
	('S17', 6, '物流有限公司', NULL, NULL), ('S18', 4, '运输有限公司', NULL, NULL), ('S19', 1, '公交有限公司', NULL, NULL),
	('S21', 12, '建筑工程有限公司', '安全生产许可证', '山东省住房和城乡建设厅'), ('S22', 2, '燃气有限公司', '燃气经营许可证', '济南市城乡水务局'),
	('S23', 1, '热力有限公司', NULL, NULL), ('S24', 1, '电力工程有限公司', NULL, NULL), ('S25', 3, '设备安装有限公司', NULL, NULL),
	('S26', 2, '物业管理有限公司', NULL, NULL), ('S27', 3, '购物广场', NULL, NULL), ('S28', 2, '学校', NULL, NULL),
	('S29', 2, '医院', NULL, NULL), ('S30', 1, '养老院', NULL, NULL), ('S31', 1, '景区管理有限公司', NULL, NULL),
	('S32', 2, '娱乐有限公司', NULL, NULL), ('S33', 3, '酒店有限公司', NULL, NULL), ('S34', 4, '超市有限公司', NULL, NULL),
	('S36', 1, '农机服务有限公司', NULL, NULL), ('S37', 1, '水利工程有限公司', NULL, NULL);

-- 1000 slots shared out by weight, to draw an industry with one hash join.
CREATE TABLE city_gen.industry_slot AS
SELECT s AS slot, i.code, i.suffix
FROM (SELECT code, suffix,
			 (1000 * (sum(weight) OVER (ORDER BY code) - weight) / sum(weight) OVER ())::int AS lo,
			 (1000 * sum(weight) OVER (ORDER BY code) / sum(weight) OVER ())::int AS hi
	  FROM city_gen.industry) i
CROSS JOIN LATERAL generate_series(i.lo, i.hi - 1) s;
ALTER TABLE city_gen.industry_slot ADD PRIMARY KEY (slot);

-- What other tables need to know of a unit, as functions of its id.
CREATE FUNCTION city_gen.unit_street(unit bigint) RETURNS int
LANGUAGE sql IMMUTABLE PARALLEL SAFE RETURN city_gen.pick(unit, 1, :n_streets);
CREATE FUNCTION city_gen.unit_district(unit bigint) RETURNS int
LANGUAGE sql IMMUTABLE PARALLEL SAFE RETURN (:'street_district'::int[])[city_gen.unit_street(unit) + 1];
CREATE FUNCTION city_gen.unit_small(unit bigint) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE RETURN city_gen.u(unit, 2) < 0.25;
CREATE FUNCTION city_gen.unit_level(unit bigint) RETURNS escalation.level
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN CASE WHEN city_gen.unit_small(unit) THEN 'street'
			WHEN city_gen.u(unit, 3) < 0.03 THEN 'city'
			WHEN city_gen.u(unit, 3) < 0.40 THEN 'district'
			ELSE 'street' END::escalation.level;
CREATE FUNCTION city_gen.unit_closed(unit bigint) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE RETURN city_gen.u(unit, 4) >= 0.985;

-- A unit that is not closed, for open work: the first of three draws that is not.
CREATE FUNCTION city_gen.open_unit(n bigint, salt int) RETURNS bigint
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN CASE WHEN NOT city_gen.unit_closed(1 + city_gen.pick(n, salt, :n_units)) THEN 1 + city_gen.pick(n, salt, :n_units)
			WHEN NOT city_gen.unit_closed(1 + city_gen.pick(n, salt + 1, :n_units)) THEN 1 + city_gen.pick(n, salt + 1, :n_units)
			ELSE 1 + city_gen.pick(n, salt + 2, :n_units) END;

-- The department that found a hazard at a unit, or transferred a clue about
-- it: the unit's street office or a bureau of its district or of the city,
-- by the unit's supervision level; city bureaus also inspect lower levels.
CREATE FUNCTION city_gen.finder(unit bigint, n bigint, salt int) RETURNS bigint
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN CASE WHEN city_gen.unit_level(unit) = 'city' OR city_gen.u(n, salt) < 0.03
			THEN city_gen.city_bureau(city_gen.pick(n, salt + 1, 15))
			WHEN city_gen.unit_level(unit) = 'street' AND city_gen.u(n, salt + 2) < 0.7
			THEN city_gen.street_office(city_gen.unit_street(unit))
			ELSE city_gen.district_bureau(city_gen.unit_district(unit), city_gen.pick(n, salt + 1, 15)) END;

-- Load units n in [lo, hi].
CREATE PROCEDURE city_gen.load_units(lo bigint, hi bigint)
LANGUAGE sql
BEGIN ATOMIC
	INSERT INTO escalation.unit (id, name, uscc, region, supervision_level, social_function, industry_code,
		supervision_types, address, legal_representative, contact_name, contact_phone, employees, dust_workers,
		ammonia_refrigeration, business_status) OVERRIDING SYSTEM VALUE
	SELECT x.g,
		CASE WHEN x.small
			 THEN city_gen.word(x.g, 10) || city_gen.one_of(ARRAY['小吃店','便利店','理发店','小旅馆','网吧','五金店',
				'洗浴中心','小作坊','棋牌室','快餐店'], x.g, 11)
			 ELSE '济南' || city_gen.word(x.g, 10) || city_gen.word(x.g, 12) || i.suffix END,
		CASE WHEN x.small AND city_gen.u(x.g, 13) < 0.6 THEN NULL
			 ELSE escalation.uscc_complete(
				CASE WHEN x.small THEN '92' WHEN i.code IN ('S28', 'S29') THEN '12' WHEN i.code = 'S30' THEN '52' ELSE '91' END
				|| s.district::text || 'MA' || city_gen.code31(x.g)) END,
		s.street,
		city_gen.unit_level(x.g),
		CASE WHEN x.small THEN 'nine_small_venue' WHEN i.code IN ('S28', 'S29') THEN 'public_institution'
			 WHEN i.code = 'S30' THEN 'private_non_enterprise' ELSE 'enterprise' END::escalation.social_function,
		CASE WHEN x.small THEN 'S38' ELSE i.code END,
		CASE WHEN x.small THEN ARRAY['territorial'] ELSE ARRAY['industry_supervision', 'territorial'] END::escalation.supervision_type[],
		s.district_name || s.name || city_gen.word(x.g, 14) || '路' || (1 + city_gen.pick(x.g, 15, 400)) || '号',
		city_gen.person(x.g, 16), city_gen.person(x.g, 18),
		'1' || city_gen.one_of(ARRAY['38','39','58','59','86','87','35','37'], x.g, 20)
			|| lpad(city_gen.pick(x.g, 21, 100000000)::text, 8, '0'),
		CASE WHEN x.small THEN 2 + city_gen.pick(x.g, 22, 8)
			 ELSE greatest(10 + floor(800 * city_gen.u(x.g, 22) ^ 3)::int, d.dust + 5) END,
		CASE WHEN x.small THEN 0 ELSE d.dust END,
		i.code = 'S10' AND NOT x.small AND city_gen.u(x.g, 23) < 0.3,
		CASE WHEN city_gen.unit_closed(x.g) THEN 'closed'
			 WHEN city_gen.u(x.g, 4) < 0.025 THEN 'suspended'
			 ELSE 'operating' END::escalation.business_status
	FROM (SELECT g, city_gen.unit_small(g) AS small FROM generate_series(lo, hi) g OFFSET 0) x
	JOIN city_gen.street s ON s.n = city_gen.unit_street(x.g)
	JOIN city_gen.industry_slot i ON i.slot = city_gen.pick(x.g, 24, 1000)
	CROSS JOIN LATERAL (SELECT CASE WHEN i.code = 'S11' THEN 5 + city_gen.pick(x.g, 25, 40)
									WHEN i.code IN ('S03', 'S12', 'S13') AND city_gen.u(x.g, 26) < 0.5 THEN city_gen.pick(x.g, 25, 30)
									WHEN i.code = 'S10' AND city_gen.u(x.g, 26) < 0.3 THEN city_gen.pick(x.g, 25, 15)
									ELSE 0 END AS dust) d
	ORDER BY x.g;
END;

------------------------------------------------------------------------------
-- Licences (证件): safety licences of the trades that need one
------------------------------------------------------------------------------

-- Licensed units in draw order: the first n_expired hold an expired licence
-- nobody renewed, the next n_renewed a current licence that replaced an
-- earlier one, the rest one current licence.
CREATE PROCEDURE city_gen.plan_licences()
LANGUAGE sql
BEGIN ATOMIC
	INSERT INTO city_gen.licensed (rank, unit_id, kind, issuer)
	SELECT row_number() OVER (ORDER BY city_gen.u(u.id, 60), u.id), u.id, i.licence, i.issuer
	FROM escalation.unit u JOIN city_gen.industry i ON i.code = u.industry_code
	WHERE i.licence IS NOT NULL AND u.business_status <> 'closed';
END;

-- Load the licences of ranks [lo, hi]: current ones first, their predecessors after.
CREATE PROCEDURE city_gen.load_licences(lo bigint, hi bigint, predecessors boolean)
LANGUAGE sql
BEGIN ATOMIC
	INSERT INTO escalation.licence (id, unit_id, kind, number, issuer, valid_from, valid_until, safety_licence,
		superseded_at, superseded_by) OVERRIDING SYSTEM VALUE
	SELECT v.id, v.unit_id, v.kind, 'JN' || to_char(v.valid_until - 1095, 'YYYY') || '-' || lpad(v.id::text, 7, '0'),
		v.issuer, v.valid_until - 1095, v.valid_until, true,
		CASE WHEN predecessors THEN
			CASE WHEN city_gen.u(v.rank, 63) < 0.05 AND v.valid_until < (:'anchor')::date - 12
				 THEN city_gen.daytime(v.valid_until - (:'anchor')::date + 1 + city_gen.pick(v.rank, 64, 10), v.rank, 65)
				 ELSE city_gen.daytime(v.valid_until - (:'anchor')::date - 30, v.rank, 65) END END,
		CASE WHEN predecessors THEN v.rank END
	FROM (SELECT l.rank, l.unit_id, l.kind, l.issuer,
				 CASE WHEN predecessors THEN :n_current + l.rank - :n_expired ELSE l.rank END AS id,
				 CASE WHEN predecessors THEN c.valid_until - 1096 ELSE c.valid_until END AS valid_until
		  FROM city_gen.licensed l
		  CROSS JOIN LATERAL (
			SELECT CASE WHEN l.rank <= :n_expired THEN (:'anchor')::date - 1 - city_gen.pick(l.rank, 61, 20)
						ELSE (:'anchor')::date + 1 + city_gen.pick(l.rank, 62, 1095) END AS valid_until) c
		  WHERE l.rank BETWEEN lo AND hi) v
	ORDER BY v.id;
END;

------------------------------------------------------------------------------
-- Dual prevention (双重预防机制): enrolments and their runs
------------------------------------------------------------------------------

-- The enrolled units: enterprises §12 obliges first, then others, by draw;
-- each with its enrolment time and the time after which it stopped running
-- (a few stopped 7 to 20 days ago and are idle now).
CREATE PROCEDURE city_gen.plan_dual_prevention()
LANGUAGE sql
BEGIN ATOMIC
	INSERT INTO city_gen.dp_unit (rank, unit_id, district_n, since_day, stopped)
	SELECT r.rank, r.unit_id, city_gen.unit_district(r.unit_id), -(14 + city_gen.pick(r.unit_id, 71, 106)),
		   CASE WHEN city_gen.u(r.unit_id, 73) < 0.02
				THEN :'anchor_ts'::timestamptz - (7 + 13 * city_gen.u(r.unit_id, 74)) * interval '1 day'
				ELSE :'anchor_ts'::timestamptz END
	FROM (SELECT u.id AS unit_id,
				 row_number() OVER (ORDER BY (i.dual_prevention_mandatory OR u.dust_workers > 10
											  OR (i.dual_prevention_scope = 'food_processing' AND u.ammonia_refrigeration)) DESC,
										 city_gen.u(u.id, 70), u.id) AS rank
		  FROM escalation.unit u JOIN escalation.industry i ON i.code = u.industry_code
		  WHERE u.social_function = 'enterprise' AND u.business_status <> 'closed') r
	WHERE r.rank <= :n_dp;

	-- Runs every 2 to 6 days at a working-day time (the 7-day clock never
	-- lapses), except 1.5 % of the intervals, 8 to 11 days (a past idle episode).
	INSERT INTO city_gen.dp_run_plan (id, unit_id, ran_at)
	SELECT row_number() OVER (ORDER BY r.unit_id, r.ran_at), r.unit_id, r.ran_at
	FROM (SELECT p.unit_id, p.stopped,
				 city_gen.daytime(p.since_day + (sum(k.days) OVER (PARTITION BY p.unit_id ORDER BY k.k))::int,
								  p.unit_id * 64 + k.k, 76) AS ran_at
		  FROM city_gen.dp_unit p
		  CROSS JOIN LATERAL (
			SELECT k, CASE WHEN city_gen.u(p.unit_id * 64 + k, 75) < 0.015 THEN 8 + city_gen.pick(p.unit_id * 64 + k, 77, 4)
						   ELSE 2 + city_gen.pick(p.unit_id * 64 + k, 77, 5) END AS days
			FROM generate_series(1, 60) k) k) r
	WHERE r.ran_at < r.stopped;
END;

CREATE PROCEDURE city_gen.load_dual_prevention(lo bigint, hi bigint)
LANGUAGE sql
BEGIN ATOMIC
	INSERT INTO escalation.dual_prevention (unit_id, since, enrolled_by, note)
	SELECT p.unit_id, city_gen.daytime(p.since_day, p.unit_id, 72), city_gen.district_bureau(p.district_n, 0), '按《济南市安全生产工作任务分工》纳入平台管理'
	FROM city_gen.dp_unit p WHERE p.rank BETWEEN lo AND hi ORDER BY p.unit_id;
END;

CREATE PROCEDURE city_gen.load_dp_runs(lo bigint, hi bigint)
LANGUAGE sql
BEGIN ATOMIC
	INSERT INTO escalation.dp_run (id, unit_id, ran_at, result, checked_by) OVERRIDING SYSTEM VALUE
	SELECT r.id, r.unit_id, r.ran_at,
		   CASE WHEN city_gen.u(r.id, 78) < 0.1 THEN 'hazards_found' ELSE 'normal' END::escalation.dp_check_result,
		   city_gen.person(r.id, 79)
	FROM city_gen.dp_run_plan r WHERE r.id BETWEEN lo AND hi ORDER BY r.id;
END;

------------------------------------------------------------------------------
-- Hazards (隐患)
------------------------------------------------------------------------------

-- Hazards n in [lo, hi]. The first n_closed were closed after rectification
-- (2 % of them after their deadline), found over the three years before the
-- anchor in id order; the others are open: about 0.4 % already past their
-- deadline (by 0 to 11 days), about 0.05 % suspected major hazards not yet
-- confirmed, the rest due within the next 30 days.
CREATE FUNCTION city_gen.hazard_rows(lo bigint, hi bigint)
RETURNS TABLE (id bigint, unit_id bigint, found_by bigint, found_at timestamptz, source escalation.hazard_source,
	description text, category escalation.hazard_category, location text, grade escalation.hazard_grade,
	needs_recheck boolean, measures text, rectify_deadline timestamptz, confirmed_at timestamptz, confirmed_by bigint,
	rectified_at timestamptz, rectified_by text, rechecked_at timestamptz, rechecked_by bigint,
	recheck_result escalation.recheck_result, closed_at timestamptz, closed_by bigint)
LANGUAGE sql STABLE
BEGIN ATOMIC
	SELECT h.g, h.unit_id, h.found_by, h.found_at,
		CASE WHEN city_gen.u(h.g, 130) < 0.08 THEN 'self_report' ELSE 'inspection' END::escalation.hazard_source,
		city_gen.one_of(ARRAY['消防通道堵塞','灭火器过期失效','配电箱未上锁','电气线路私拉乱接','安全防护装置缺失',
			'特种设备未定期检验','危险化学品储存不规范','粉尘清扫记录缺失','有限空间作业未审批','燃气报警装置失效',
			'液氨管道阀门锈蚀','高处作业未系安全带','脚手架搭设不规范','职业危害告知缺失','应急预案未演练',
			'安全培训记录不全','疏散指示标志损坏','安全出口锁闭','防爆电器不符合要求','警示标识缺失'], h.g, 131),
		(enum_range(NULL::escalation.hazard_category))[1 + city_gen.pick(h.g, 132, 15)],
		city_gen.one_of(ARRAY['生产车间','仓库','配电室','锅炉房','厨房','办公楼','储罐区','装卸区','宿舍','停车场'], h.g, 133),
		h.grade, h.needs_recheck,
		'限期整改，整改完成后申请复查',
		h.deadline,
		CASE WHEN h.grade IN ('major', 'not_major') THEN h.confirmed_at END,
		CASE WHEN h.grade IN ('major', 'not_major') THEN h.found_by END,
		h.rectified_at,
		CASE WHEN h.rectified_at IS NOT NULL THEN city_gen.person(h.g, 134) END,
		CASE WHEN h.closed_at IS NOT NULL AND h.needs_recheck THEN h.closed_at - interval '2 hours' END,
		CASE WHEN h.closed_at IS NOT NULL AND h.needs_recheck THEN h.found_by END,
		CASE WHEN h.closed_at IS NOT NULL AND h.needs_recheck THEN 'pass'::escalation.recheck_result END,
		h.closed_at,
		CASE WHEN h.closed_at IS NOT NULL THEN h.found_by END
	FROM (
		SELECT t.*,
			CASE WHEN t.class = 'closed' AND t.late THEN t.deadline + (0.5 + 9.5 * city_gen.u(t.g, 120)) * interval '1 day'
				 WHEN t.class = 'closed' THEN t.deadline - (1 + city_gen.u(t.g, 120)) * interval '1 day' END AS closed_at,
			CASE WHEN t.class = 'closed' AND t.late THEN t.deadline + (0.5 + 9.5 * city_gen.u(t.g, 120)) * interval '1 day' - interval '1 day'
				 WHEN t.class = 'closed' THEN t.deadline - (2 + city_gen.u(t.g, 120)) * interval '1 day'
				 WHEN t.class = 'overdue' AND city_gen.u(t.g, 121) < 0.2 THEN t.deadline - interval '1 day'
				 WHEN t.class = 'open' AND city_gen.u(t.g, 121) < 0.3
				 THEN t.found_at + city_gen.u(t.g, 122) * (:'anchor_ts'::timestamptz - t.found_at) END AS rectified_at
		FROM (
			SELECT c.*,
				city_gen.finder(c.unit_id, c.g, 103) AS found_by,
				CASE c.class
					WHEN 'closed' THEN city_gen.daytime(c.found_day, c.g, 112)
					WHEN 'overdue' THEN city_gen.daytime(c.deadline_day - 7 - city_gen.pick(c.g, 114, 24), c.g, 112)
					ELSE city_gen.daytime(c.found_day, c.g, 112) END AS found_at,
				CASE WHEN c.class <> 'suspected' THEN city_gen.day_end(c.deadline_day) END AS deadline,
				CASE WHEN c.class = 'closed' AND city_gen.u(c.g, 117) >= 0.7
					 THEN city_gen.daytime(c.found_day, c.g, 112) + (0.5 + 4.5 * city_gen.u(c.g, 118)) * interval '1 day'
					 ELSE city_gen.daytime(c.found_day, c.g, 112) END AS confirmed_at,
				CASE c.grade WHEN 'major' THEN true
							 WHEN 'not_major' THEN c.class = 'open' OR city_gen.u(c.g, 116) < 0.6
							 WHEN 'suspected_major' THEN true
							 ELSE c.class = 'overdue' OR city_gen.u(c.g, 116) < 0.8 END AS needs_recheck,
				c.class = 'closed' AND city_gen.u(c.g, 119) < 0.02 AS late
			FROM (
				SELECT k.*,
					CASE k.class
						WHEN 'closed' THEN
							CASE WHEN city_gen.u(k.g, 110) < 0.005 THEN 'major'
								 WHEN city_gen.u(k.g, 110) < 0.035 THEN 'not_major' ELSE 'general' END
						WHEN 'overdue' THEN 'general'
						WHEN 'suspected' THEN 'suspected_major'
						ELSE CASE WHEN city_gen.u(k.g, 111) < 0.01 THEN 'major'
								  WHEN city_gen.u(k.g, 111) < 0.03 THEN 'not_major' ELSE 'general' END
					END::escalation.hazard_grade AS grade,
					CASE k.class
						WHEN 'closed' THEN -1095 + floor(1050 * (k.g - 1)::float8 / greatest(:n_closed, 1))::int
						WHEN 'suspected' THEN -(1 + city_gen.pick(k.g, 113, 14))
						ELSE -(1 + city_gen.pick(k.g, 113, 30)) END AS found_day,
					CASE k.class
						WHEN 'closed' THEN -1095 + floor(1050 * (k.g - 1)::float8 / greatest(:n_closed, 1))::int
										   + 7 + city_gen.pick(k.g, 114, 24)
						WHEN 'overdue' THEN -1 - city_gen.pick(k.g, 115, 12)
						ELSE city_gen.pick(k.g, 115, 30) END AS deadline_day
				FROM (
					SELECT g,
						CASE WHEN g <= :n_closed THEN 1 + city_gen.pick(g, 100, :n_units) ELSE city_gen.open_unit(g, 100) END AS unit_id,
						CASE WHEN g <= :n_closed THEN 'closed'
							 WHEN city_gen.u(g, 101) < 0.004 THEN 'overdue'
							 WHEN city_gen.u(g, 101) < 0.0045 THEN 'suspected'
							 ELSE 'open' END AS class
					FROM generate_series(lo, hi) g
					OFFSET 0
				) k
				OFFSET 0
			) c
			OFFSET 0
		) t
		OFFSET 0
	) h
	ORDER BY h.g;
END;

-- The columns of a hazard the generator fills, in hazard_rows' order.
\set hazard_columns 'id, unit_id, found_by, found_at, source, description, category, location, grade, needs_recheck, measures, rectify_deadline, confirmed_at, confirmed_by, rectified_at, rectified_by, rechecked_at, rechecked_by, recheck_result, closed_at, closed_by'

INSERT INTO city_gen.setting VALUES ('hazard_columns', :'hazard_columns'), ('n_hazards', :'n_hazards');

-- Load hazards n in [lo, hi].
CREATE PROCEDURE city_gen.load_hazards(lo bigint, hi bigint)
LANGUAGE sql
BEGIN ATOMIC
	INSERT INTO escalation.hazard (:hazard_columns)
	SELECT * FROM city_gen.hazard_rows(lo, hi);
END;

------------------------------------------------------------------------------
-- Transferred violation clues (移交违法线索)
------------------------------------------------------------------------------

-- The competent department a department transfers a clue to: another bureau
-- of the same city or district, or for a street office a bureau of its district.
CREATE FUNCTION city_gen.receiver(from_id bigint, n bigint, salt int) RETURNS bigint
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN CASE WHEN from_id < 100 THEN city_gen.city_bureau(((from_id - 2) + 1 + city_gen.pick(n, salt, 14))::int % 15)
			WHEN from_id < 1000 THEN city_gen.district_bureau(((from_id - 101) / 20)::int,
															  (((from_id - 101) % 20) + 1 + city_gen.pick(n, salt, 14))::int % 15)
			ELSE city_gen.district_bureau((:'street_district'::int[])[from_id - 1000 + 1], city_gen.pick(n, salt, 15)) END;

-- Load clues n in [lo, hi]: 3 % pending (transferred within the last 15 days),
-- the rest handled, 5 % of those after the 3 days of §17.
CREATE PROCEDURE city_gen.load_clues(lo bigint, hi bigint)
LANGUAGE sql
BEGIN ATOMIC
	INSERT INTO escalation.clue (id, unit_id, from_department, to_department, transferred_at, facts, legal_basis,
		handling, handled_at, case_number, handling_note) OVERRIDING SYSTEM VALUE
	SELECT c.g, c.unit_id, c.from_id, city_gen.receiver(c.from_id, c.g, 206), c.transferred_at,
		city_gen.one_of(ARRAY['未取得安全生产许可证擅自生产','违规储存危险化学品','特种设备作业人员无证上岗',
			'消防设施未保持完好有效','未按规定开展安全生产教育培训','违法分包建设工程','燃气经营不规范'], c.g, 209),
		'《中华人民共和国安全生产法》',
		CASE WHEN NOT c.pending THEN
			CASE WHEN city_gen.u(c.g, 208) < 0.85 THEN 'accepted' ELSE 'rejected' END::escalation.clue_handling END,
		CASE WHEN NOT c.pending THEN
			c.transferred_at + CASE WHEN city_gen.u(c.g, 207) < 0.05 THEN 3.1 + 6 * city_gen.u(c.g, 210)
									ELSE 0.05 + 2.85 * city_gen.u(c.g, 210) END * interval '1 day' END,
		CASE WHEN NOT c.pending AND city_gen.u(c.g, 208) < 0.85 THEN 'JN-XS-' || lpad(c.g::text, 8, '0') END,
		CASE WHEN NOT c.pending AND city_gen.u(c.g, 208) >= 0.85 THEN '不属于本部门法定职责，已退回移交部门' END
	FROM (
		SELECT x.g, x.unit_id, x.pending,
			CASE WHEN x.unit_id IS NOT NULL THEN city_gen.finder(x.unit_id, x.g, 203)
				 ELSE city_gen.district_bureau(city_gen.pick(x.g, 204, 13), city_gen.pick(x.g, 205, 15)) END AS from_id,
			CASE WHEN x.pending THEN city_gen.daytime(-(1 + city_gen.pick(x.g, 202, 15)), x.g, 211)
				 ELSE city_gen.daytime(-(16 + city_gen.pick(x.g, 202, 350)), x.g, 211) END AS transferred_at
		FROM (SELECT g, CASE WHEN city_gen.u(g, 200) < 0.9 THEN city_gen.open_unit(g, 212) END AS unit_id,
					 city_gen.u(g, 201) < 0.03 AS pending
			  FROM generate_series(lo, hi) g
			  OFFSET 0) x
		OFFSET 0
	) c
	ORDER BY c.g;
END;

------------------------------------------------------------------------------
-- The load, phase by phase, in batches
------------------------------------------------------------------------------

-- Every batch is followed by ANALYZE of the table it filled and of the
-- engine's tracking table, and batches grow from small to full size, as a
-- careful migration goes: the tracking triggers plan their statements with
-- the statistics of the moment, and statistics that know a tenth of the rows
-- make them join row by row (quadratic in the batch).
\set analyze_tracking 'ANALYZE escalation.tracked_item, escalation.stage_due'

-- The batches [lo, hi] covering first..last: 1000 rows, then each batch twice
-- the one before up to size rows, so that no batch more than doubles what the
-- statistics of the last ANALYZE know.
CREATE FUNCTION city_gen.batches(first bigint, last bigint, size bigint) RETURNS TABLE (lo bigint, hi bigint)
LANGUAGE sql IMMUTABLE
BEGIN ATOMIC
	WITH RECURSIVE b (lo, n) AS (
		SELECT first, least(size, 1000::bigint) WHERE first <= last
		UNION ALL
		SELECT b.lo + b.n, least(size, 2 * b.n) FROM b WHERE b.lo + b.n <= last
	)
	SELECT b.lo, least(b.lo + b.n - 1, last) FROM b ORDER BY b.lo;
END;

INSERT INTO city_gen.load_log (phase) VALUES ('units');
SELECT format('CALL city_gen.load_units(%s, %s)', lo, hi), 'ANALYZE escalation.unit, escalation.unit_history'
FROM city_gen.batches(1, :n_units, :batch) \gexec
UPDATE city_gen.load_log SET finished_at = clock_timestamp(), rows = (SELECT count(*) FROM escalation.unit) WHERE phase = 'units';

INSERT INTO city_gen.load_log (phase) VALUES ('licences');
CALL city_gen.plan_licences();
SELECT count(*) >= :n_current AS enough_licensed FROM city_gen.licensed \gset
\if :enough_licensed
\else
	\echo 'generate.sql: too few units of licensed trades for the licences asked for'
	SELECT 1 / 0 AS too_few_licensed_units;
\endif
SELECT format('CALL city_gen.load_licences(%s, %s, false)', lo, hi), :'analyze_tracking' || ', escalation.licence'
FROM city_gen.batches(1, :n_current, :batch) \gexec
SELECT format('CALL city_gen.load_licences(%s, %s, true)', lo, hi), :'analyze_tracking' || ', escalation.licence'
FROM city_gen.batches(:n_expired + 1, :n_expired + :n_renewed, :batch) \gexec
UPDATE city_gen.load_log SET finished_at = clock_timestamp(), rows = (SELECT count(*) FROM escalation.licence) WHERE phase = 'licences';

INSERT INTO city_gen.load_log (phase) VALUES ('dual prevention enrolments');
CALL city_gen.plan_dual_prevention();
SELECT format('CALL city_gen.load_dual_prevention(%s, %s)', lo, hi), :'analyze_tracking' || ', escalation.dual_prevention'
FROM city_gen.batches(1, :n_dp, :batch) \gexec
UPDATE city_gen.load_log SET finished_at = clock_timestamp(), rows = (SELECT count(*) FROM escalation.dual_prevention)
WHERE phase = 'dual prevention enrolments';

INSERT INTO city_gen.load_log (phase) VALUES ('dual prevention runs');
SELECT count(*) AS n_dp_runs FROM city_gen.dp_run_plan \gset
SELECT format('CALL city_gen.load_dp_runs(%s, %s)', lo, hi), :'analyze_tracking' || ', escalation.dp_run'
FROM city_gen.batches(1, :n_dp_runs, :batch) \gexec
UPDATE city_gen.load_log SET finished_at = clock_timestamp(), rows = (SELECT count(*) FROM escalation.dp_run)
WHERE phase = 'dual prevention runs';

INSERT INTO city_gen.load_log (phase) VALUES ('hazards');
SELECT format('CALL city_gen.load_hazards(%s, %s)', lo, hi), :'analyze_tracking' || ', escalation.hazard'
FROM city_gen.batches(1, :n_hazards, :batch) \gexec
UPDATE city_gen.load_log SET finished_at = clock_timestamp(), rows = (SELECT count(*) FROM escalation.hazard) WHERE phase = 'hazards';

INSERT INTO city_gen.load_log (phase) VALUES ('clues');
SELECT format('CALL city_gen.load_clues(%s, %s)', lo, hi), :'analyze_tracking' || ', escalation.clue'
FROM city_gen.batches(1, :n_clues, :batch) \gexec
UPDATE city_gen.load_log SET finished_at = clock_timestamp(), rows = (SELECT count(*) FROM escalation.clue) WHERE phase = 'clues';

-- Generated ids leave the sequences behind: move them past.
SELECT setval(pg_get_serial_sequence('escalation.department', 'id'), (SELECT max(id) FROM escalation.department)),
	   setval(pg_get_serial_sequence('escalation.unit', 'id'), :n_units),
	   setval(pg_get_serial_sequence('escalation.licence', 'id'), :n_licences),
	   setval(pg_get_serial_sequence('escalation.hazard', 'id'), :n_hazards),
	   setval(pg_get_serial_sequence('escalation.clue', 'id'), :n_clues),
	   setval(pg_get_serial_sequence('escalation.dp_run', 'id'), greatest(:n_dp_runs, 1)) \gset

INSERT INTO city_gen.load_log (phase) VALUES ('vacuum, analyze');
VACUUM (ANALYZE);
UPDATE city_gen.load_log SET finished_at = clock_timestamp() WHERE phase = 'vacuum, analyze';

SELECT value AS seed FROM city_gen.setting WHERE name = 'seed' \gset
\echo 'generate.sql: city loaded (scale' :scale ', seed' :seed ', anchor' :anchor ')'
