-- escalation: database core of a city work-safety supervision platform
-- (安全生产综合监管平台). The install script is assembled from sql/parts/.

\echo Use "CREATE EXTENSION escalation" to load this file. \quit

-- Group roles of the platform. Roles belong to the cluster, not to the database,
-- so they are created only when missing and survive DROP EXTENSION.
DO $roles$
DECLARE
	r text;
BEGIN
	FOREACH r IN ARRAY ARRAY['escalation_admin', 'escalation_user', 'escalation_analyst', 'escalation_screen']
	LOOP
		IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = r) THEN
			EXECUTE format('CREATE ROLE %I NOLOGIN', r);
		END IF;
	END LOOP;
END
$roles$;

COMMENT ON SCHEMA escalation IS
	'Work-safety supervision platform: supervised objects, responsibility, hazards, dual prevention and warnings. 安全生产综合监管平台';

REVOKE ALL ON SCHEMA escalation FROM PUBLIC;
GRANT USAGE ON SCHEMA escalation TO escalation_admin, escalation_user, escalation_analyst, escalation_screen;
-- Types: administrative levels, classification enums, and the C identifier types
-- escalation.region (administrative division code) and escalation.uscc (unified
-- social credit code).

CREATE TYPE escalation.level AS ENUM ('city', 'district', 'street');
COMMENT ON TYPE escalation.level IS
	'Administrative level of the platform: city 市, district 区县 (incl. functional zones 功能区), street 街道/镇.';

CREATE TYPE escalation.social_function AS ENUM
	('enterprise', 'private_non_enterprise', 'social_organisation', 'public_institution', 'nine_small_venue');
COMMENT ON TYPE escalation.social_function IS
	'Social function of a unit (社会功能): enterprise 企业, private non-enterprise 民办非企业, social organisation 社会团体, public institution 事业单位, nine small venues 九小场所.';

CREATE TYPE escalation.supervision_type AS ENUM
	('industry_supervision', 'industry_authority', 'special_supervision', 'territorial', 'other');
COMMENT ON TYPE escalation.supervision_type IS
	'Supervision type (监管类型): industry supervision 行业监管, industry authority 行业主管, special supervision 专项监管, territorial 属地管理, other 其他管理.';

---------------------------------------------------------------------------
-- escalation.region (src/region.c): a 6- or 9-digit administrative division
-- code stored as an int4 key (docs/ARCHITECTURE.md, "Regions").
---------------------------------------------------------------------------

CREATE TYPE escalation.region;

CREATE FUNCTION escalation.region_in(cstring) RETURNS escalation.region
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION escalation.region_out(escalation.region) RETURNS cstring
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION escalation.region_recv(internal) RETURNS escalation.region
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION escalation.region_send(escalation.region) RETURNS bytea
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE TYPE escalation.region (
	INPUT = escalation.region_in,
	OUTPUT = escalation.region_out,
	RECEIVE = escalation.region_recv,
	SEND = escalation.region_send,
	INTERNALLENGTH = 4,
	PASSEDBYVALUE,
	ALIGNMENT = int4,
	STORAGE = plain
);
COMMENT ON TYPE escalation.region IS
	'Administrative division code 行政区划代码 (GB/T 2260): 6 digits for a province 省 (xx0000), city 市 (xxxx00) or district 区县, 9 digits for a street or town 街道/乡镇.';

COMMENT ON FUNCTION escalation.region_in(cstring) IS
	'Input of a region: a 6- or 9-digit code, checked. 行政区划代码输入';
COMMENT ON FUNCTION escalation.region_out(escalation.region) IS
	'Output of a region: its 6 or 9 digits. 行政区划代码输出';
COMMENT ON FUNCTION escalation.region_recv(internal) IS
	'Binary input of a region (version byte, int4 key), checked like text input. 行政区划代码二进制输入';
COMMENT ON FUNCTION escalation.region_send(escalation.region) IS
	'Binary output of a region (version byte, int4 key). 行政区划代码二进制输出';

CREATE FUNCTION escalation.region_eq(escalation.region, escalation.region) RETURNS boolean
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT LEAKPROOF PARALLEL SAFE;
CREATE FUNCTION escalation.region_ne(escalation.region, escalation.region) RETURNS boolean
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT LEAKPROOF PARALLEL SAFE;
CREATE FUNCTION escalation.region_lt(escalation.region, escalation.region) RETURNS boolean
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT LEAKPROOF PARALLEL SAFE;
CREATE FUNCTION escalation.region_le(escalation.region, escalation.region) RETURNS boolean
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT LEAKPROOF PARALLEL SAFE;
CREATE FUNCTION escalation.region_gt(escalation.region, escalation.region) RETURNS boolean
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT LEAKPROOF PARALLEL SAFE;
CREATE FUNCTION escalation.region_ge(escalation.region, escalation.region) RETURNS boolean
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT LEAKPROOF PARALLEL SAFE;
CREATE FUNCTION escalation.region_cmp(escalation.region, escalation.region) RETURNS integer
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT LEAKPROOF PARALLEL SAFE;
CREATE FUNCTION escalation.region_sortsupport(internal) RETURNS void
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION escalation.region_hash(escalation.region) RETURNS integer
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT LEAKPROOF PARALLEL SAFE;
CREATE FUNCTION escalation.region_hash_extended(escalation.region, bigint) RETURNS bigint
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT LEAKPROOF PARALLEL SAFE;

COMMENT ON FUNCTION escalation.region_eq(escalation.region, escalation.region) IS
	'Same region code (operator =). 区划代码相等';
COMMENT ON FUNCTION escalation.region_ne(escalation.region, escalation.region) IS
	'Different region codes (operator <>). 区划代码不等';
COMMENT ON FUNCTION escalation.region_lt(escalation.region, escalation.region) IS
	'Sorts before (operator <); a region sorts before its descendants. 区划代码排序在前';
COMMENT ON FUNCTION escalation.region_le(escalation.region, escalation.region) IS
	'Sorts before or equal (operator <=). 区划代码排序在前或相等';
COMMENT ON FUNCTION escalation.region_gt(escalation.region, escalation.region) IS
	'Sorts after (operator >). 区划代码排序在后';
COMMENT ON FUNCTION escalation.region_ge(escalation.region, escalation.region) IS
	'Sorts after or equal (operator >=). 区划代码排序在后或相等';
COMMENT ON FUNCTION escalation.region_cmp(escalation.region, escalation.region) IS
	'Btree comparison of two regions: -1, 0 or 1. 区划代码比较';
COMMENT ON FUNCTION escalation.region_sortsupport(internal) IS
	'Btree sort support of regions (fast sorting). 区划代码排序支持';
COMMENT ON FUNCTION escalation.region_hash(escalation.region) IS
	'Hash of a region for hash indexes and hash joins. 区划代码哈希';
COMMENT ON FUNCTION escalation.region_hash_extended(escalation.region, bigint) IS
	'Seeded 64-bit hash of a region. 区划代码扩展哈希';

CREATE OPERATOR escalation.= (
	LEFTARG = escalation.region, RIGHTARG = escalation.region,
	FUNCTION = escalation.region_eq,
	COMMUTATOR = OPERATOR(escalation.=), NEGATOR = OPERATOR(escalation.<>),
	RESTRICT = eqsel, JOIN = eqjoinsel, HASHES, MERGES
);
CREATE OPERATOR escalation.<> (
	LEFTARG = escalation.region, RIGHTARG = escalation.region,
	FUNCTION = escalation.region_ne,
	COMMUTATOR = OPERATOR(escalation.<>), NEGATOR = OPERATOR(escalation.=),
	RESTRICT = neqsel, JOIN = neqjoinsel
);
CREATE OPERATOR escalation.< (
	LEFTARG = escalation.region, RIGHTARG = escalation.region,
	FUNCTION = escalation.region_lt,
	COMMUTATOR = OPERATOR(escalation.>), NEGATOR = OPERATOR(escalation.>=),
	RESTRICT = scalarltsel, JOIN = scalarltjoinsel
);
CREATE OPERATOR escalation.<= (
	LEFTARG = escalation.region, RIGHTARG = escalation.region,
	FUNCTION = escalation.region_le,
	COMMUTATOR = OPERATOR(escalation.>=), NEGATOR = OPERATOR(escalation.>),
	RESTRICT = scalarlesel, JOIN = scalarlejoinsel
);
CREATE OPERATOR escalation.> (
	LEFTARG = escalation.region, RIGHTARG = escalation.region,
	FUNCTION = escalation.region_gt,
	COMMUTATOR = OPERATOR(escalation.<), NEGATOR = OPERATOR(escalation.<=),
	RESTRICT = scalargtsel, JOIN = scalargtjoinsel
);
CREATE OPERATOR escalation.>= (
	LEFTARG = escalation.region, RIGHTARG = escalation.region,
	FUNCTION = escalation.region_ge,
	COMMUTATOR = OPERATOR(escalation.<=), NEGATOR = OPERATOR(escalation.<),
	RESTRICT = scalargesel, JOIN = scalargejoinsel
);

CREATE OPERATOR CLASS escalation.region_ops
	DEFAULT FOR TYPE escalation.region USING btree AS
		OPERATOR 1 escalation.<,
		OPERATOR 2 escalation.<=,
		OPERATOR 3 escalation.=,
		OPERATOR 4 escalation.>=,
		OPERATOR 5 escalation.>,
		FUNCTION 1 escalation.region_cmp(escalation.region, escalation.region),
		FUNCTION 2 escalation.region_sortsupport(internal);

CREATE OPERATOR CLASS escalation.region_hash_ops
	DEFAULT FOR TYPE escalation.region USING hash AS
		OPERATOR 1 escalation.=,
		FUNCTION 1 escalation.region_hash(escalation.region),
		FUNCTION 2 escalation.region_hash_extended(escalation.region, bigint);

-- Containment: the functions behind @> and <@, their planner support (a
-- btree range on the key) and their selectivity estimators.

CREATE FUNCTION escalation.region_upper(escalation.region) RETURNS escalation.region
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT LEAKPROOF PARALLEL SAFE;
COMMENT ON FUNCTION escalation.region_upper(escalation.region) IS
	'The greatest code within a region: every region r within x has x <= r <= region_upper(x). Used by the index support of <@ and @>. 区划范围上界';

CREATE FUNCTION escalation.region_contained_support(internal) RETURNS internal
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION escalation.region_contains_support(internal) RETURNS internal
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION escalation.region_contained_support(internal) IS
	'Planner support of <@: turns "column <@ value" into a btree key range. 区划包含的索引支持';
COMMENT ON FUNCTION escalation.region_contains_support(internal) IS
	'Planner support of @>: turns "value @> column" into a btree key range. 区划包含的索引支持';

CREATE FUNCTION escalation.region_contains(escalation.region, escalation.region) RETURNS boolean
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT LEAKPROOF PARALLEL SAFE
	SUPPORT escalation.region_contains_support;
CREATE FUNCTION escalation.region_contained(escalation.region, escalation.region) RETURNS boolean
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT LEAKPROOF PARALLEL SAFE
	SUPPORT escalation.region_contained_support;
COMMENT ON FUNCTION escalation.region_contains(escalation.region, escalation.region) IS
	'a @> b: region a contains region b or is b. 区划包含';
COMMENT ON FUNCTION escalation.region_contained(escalation.region, escalation.region) IS
	'a <@ b: region a lies within region b or is b. 区划属于';

CREATE FUNCTION escalation.region_contains_sel(internal, oid, internal, integer) RETURNS double precision
	AS 'MODULE_PATHNAME' LANGUAGE C STABLE STRICT PARALLEL SAFE;
CREATE FUNCTION escalation.region_contained_sel(internal, oid, internal, integer) RETURNS double precision
	AS 'MODULE_PATHNAME' LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION escalation.region_contains_sel(internal, oid, internal, integer) IS
	'Selectivity estimator of @> from the column statistics. 区划包含选择率估计';
COMMENT ON FUNCTION escalation.region_contained_sel(internal, oid, internal, integer) IS
	'Selectivity estimator of <@ from the column statistics. 区划属于选择率估计';

CREATE OPERATOR escalation.@> (
	LEFTARG = escalation.region, RIGHTARG = escalation.region,
	FUNCTION = escalation.region_contains,
	COMMUTATOR = OPERATOR(escalation.<@),
	RESTRICT = escalation.region_contains_sel, JOIN = contjoinsel
);
CREATE OPERATOR escalation.<@ (
	LEFTARG = escalation.region, RIGHTARG = escalation.region,
	FUNCTION = escalation.region_contained,
	COMMUTATOR = OPERATOR(escalation.@>),
	RESTRICT = escalation.region_contained_sel, JOIN = contjoinsel
);
COMMENT ON OPERATOR escalation.@> (escalation.region, escalation.region) IS
	'Contains or is: a btree index on the right-hand column serves "x @> column". 包含';
COMMENT ON OPERATOR escalation.<@ (escalation.region, escalation.region) IS
	'Is within or is: a btree index on the left-hand column serves "column <@ x". 属于';

-- Hierarchy.

CREATE FUNCTION escalation.region_level(escalation.region) RETURNS escalation.level
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION escalation.region_parent(escalation.region) RETURNS escalation.region
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION escalation.region_district(escalation.region) RETURNS escalation.region
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION escalation.region_city(escalation.region) RETURNS escalation.region
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION escalation.region_level(escalation.region) IS
	'Platform level of a region: city 市 (xxxx00), district 区县, street 街道/镇 (9 digits); NULL for a province code (xx0000), which has no platform level. 区划层级';
COMMENT ON FUNCTION escalation.region_parent(escalation.region) IS
	'Parent region: a street''s district (or its city when the first 6 digits are a city, e.g. 441900003 → 441900), a district''s city, a city''s province; NULL for a province. 上级区划';
COMMENT ON FUNCTION escalation.region_district(escalation.region) IS
	'District of a street, or the district itself; NULL for a city, a province, or a street directly in a city. 所属区县';
COMMENT ON FUNCTION escalation.region_city(escalation.region) IS
	'City (xxxx00) of a city, district or street; NULL for a province. 所属市';

---------------------------------------------------------------------------
-- escalation.uscc (src/uscc.c): the 18-character unified social credit code
-- (GB 32100-2015), stored upper case in 18 bytes.
---------------------------------------------------------------------------

CREATE TYPE escalation.uscc;

CREATE FUNCTION escalation.uscc_in(cstring) RETURNS escalation.uscc
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION escalation.uscc_out(escalation.uscc) RETURNS cstring
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION escalation.uscc_recv(internal) RETURNS escalation.uscc
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION escalation.uscc_send(escalation.uscc) RETURNS bytea
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE TYPE escalation.uscc (
	INPUT = escalation.uscc_in,
	OUTPUT = escalation.uscc_out,
	RECEIVE = escalation.uscc_recv,
	SEND = escalation.uscc_send,
	INTERNALLENGTH = 18,
	ALIGNMENT = char,
	STORAGE = plain
);
COMMENT ON TYPE escalation.uscc IS
	'Unified social credit code 统一社会信用代码 (GB 32100-2015): 18 characters, check character verified, stored upper case.';

COMMENT ON FUNCTION escalation.uscc_in(cstring) IS
	'Input of a unified social credit code: 18 characters in any case, checked. 统一社会信用代码输入';
COMMENT ON FUNCTION escalation.uscc_out(escalation.uscc) IS
	'Output of a unified social credit code in upper case. 统一社会信用代码输出';
COMMENT ON FUNCTION escalation.uscc_recv(internal) IS
	'Binary input of a unified social credit code (version byte, 18 characters), checked like text input. 统一社会信用代码二进制输入';
COMMENT ON FUNCTION escalation.uscc_send(escalation.uscc) IS
	'Binary output of a unified social credit code (version byte, 18 characters). 统一社会信用代码二进制输出';

CREATE FUNCTION escalation.uscc_eq(escalation.uscc, escalation.uscc) RETURNS boolean
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT LEAKPROOF PARALLEL SAFE;
CREATE FUNCTION escalation.uscc_ne(escalation.uscc, escalation.uscc) RETURNS boolean
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT LEAKPROOF PARALLEL SAFE;
CREATE FUNCTION escalation.uscc_lt(escalation.uscc, escalation.uscc) RETURNS boolean
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT LEAKPROOF PARALLEL SAFE;
CREATE FUNCTION escalation.uscc_le(escalation.uscc, escalation.uscc) RETURNS boolean
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT LEAKPROOF PARALLEL SAFE;
CREATE FUNCTION escalation.uscc_gt(escalation.uscc, escalation.uscc) RETURNS boolean
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT LEAKPROOF PARALLEL SAFE;
CREATE FUNCTION escalation.uscc_ge(escalation.uscc, escalation.uscc) RETURNS boolean
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT LEAKPROOF PARALLEL SAFE;
CREATE FUNCTION escalation.uscc_cmp(escalation.uscc, escalation.uscc) RETURNS integer
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT LEAKPROOF PARALLEL SAFE;
CREATE FUNCTION escalation.uscc_hash(escalation.uscc) RETURNS integer
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT LEAKPROOF PARALLEL SAFE;
CREATE FUNCTION escalation.uscc_hash_extended(escalation.uscc, bigint) RETURNS bigint
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT LEAKPROOF PARALLEL SAFE;

COMMENT ON FUNCTION escalation.uscc_eq(escalation.uscc, escalation.uscc) IS
	'Same credit code (operator =). 信用代码相等';
COMMENT ON FUNCTION escalation.uscc_ne(escalation.uscc, escalation.uscc) IS
	'Different credit codes (operator <>). 信用代码不等';
COMMENT ON FUNCTION escalation.uscc_lt(escalation.uscc, escalation.uscc) IS
	'Sorts before (operator <), character by character. 信用代码排序在前';
COMMENT ON FUNCTION escalation.uscc_le(escalation.uscc, escalation.uscc) IS
	'Sorts before or equal (operator <=). 信用代码排序在前或相等';
COMMENT ON FUNCTION escalation.uscc_gt(escalation.uscc, escalation.uscc) IS
	'Sorts after (operator >). 信用代码排序在后';
COMMENT ON FUNCTION escalation.uscc_ge(escalation.uscc, escalation.uscc) IS
	'Sorts after or equal (operator >=). 信用代码排序在后或相等';
COMMENT ON FUNCTION escalation.uscc_cmp(escalation.uscc, escalation.uscc) IS
	'Btree comparison of two credit codes: -1, 0 or 1. 信用代码比较';
COMMENT ON FUNCTION escalation.uscc_hash(escalation.uscc) IS
	'Hash of a credit code for hash indexes and hash joins. 信用代码哈希';
COMMENT ON FUNCTION escalation.uscc_hash_extended(escalation.uscc, bigint) IS
	'Seeded 64-bit hash of a credit code. 信用代码扩展哈希';

CREATE OPERATOR escalation.= (
	LEFTARG = escalation.uscc, RIGHTARG = escalation.uscc,
	FUNCTION = escalation.uscc_eq,
	COMMUTATOR = OPERATOR(escalation.=), NEGATOR = OPERATOR(escalation.<>),
	RESTRICT = eqsel, JOIN = eqjoinsel, HASHES, MERGES
);
CREATE OPERATOR escalation.<> (
	LEFTARG = escalation.uscc, RIGHTARG = escalation.uscc,
	FUNCTION = escalation.uscc_ne,
	COMMUTATOR = OPERATOR(escalation.<>), NEGATOR = OPERATOR(escalation.=),
	RESTRICT = neqsel, JOIN = neqjoinsel
);
CREATE OPERATOR escalation.< (
	LEFTARG = escalation.uscc, RIGHTARG = escalation.uscc,
	FUNCTION = escalation.uscc_lt,
	COMMUTATOR = OPERATOR(escalation.>), NEGATOR = OPERATOR(escalation.>=),
	RESTRICT = scalarltsel, JOIN = scalarltjoinsel
);
CREATE OPERATOR escalation.<= (
	LEFTARG = escalation.uscc, RIGHTARG = escalation.uscc,
	FUNCTION = escalation.uscc_le,
	COMMUTATOR = OPERATOR(escalation.>=), NEGATOR = OPERATOR(escalation.>),
	RESTRICT = scalarlesel, JOIN = scalarlejoinsel
);
CREATE OPERATOR escalation.> (
	LEFTARG = escalation.uscc, RIGHTARG = escalation.uscc,
	FUNCTION = escalation.uscc_gt,
	COMMUTATOR = OPERATOR(escalation.<), NEGATOR = OPERATOR(escalation.<=),
	RESTRICT = scalargtsel, JOIN = scalargtjoinsel
);
CREATE OPERATOR escalation.>= (
	LEFTARG = escalation.uscc, RIGHTARG = escalation.uscc,
	FUNCTION = escalation.uscc_ge,
	COMMUTATOR = OPERATOR(escalation.<=), NEGATOR = OPERATOR(escalation.<),
	RESTRICT = scalargesel, JOIN = scalargejoinsel
);

CREATE OPERATOR CLASS escalation.uscc_ops
	DEFAULT FOR TYPE escalation.uscc USING btree AS
		OPERATOR 1 escalation.<,
		OPERATOR 2 escalation.<=,
		OPERATOR 3 escalation.=,
		OPERATOR 4 escalation.>=,
		OPERATOR 5 escalation.>,
		FUNCTION 1 escalation.uscc_cmp(escalation.uscc, escalation.uscc);

CREATE OPERATOR CLASS escalation.uscc_hash_ops
	DEFAULT FOR TYPE escalation.uscc USING hash AS
		OPERATOR 1 escalation.=,
		FUNCTION 1 escalation.uscc_hash(escalation.uscc),
		FUNCTION 2 escalation.uscc_hash_extended(escalation.uscc, bigint);

CREATE FUNCTION escalation.uscc_region(escalation.uscc) RETURNS escalation.region
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION escalation.uscc_region(escalation.uscc) IS
	'Registering region of a unit: characters 3-8 of its credit code as a region; NULL when they are not a valid region code. 登记管理机关行政区划码';

CREATE FUNCTION escalation.uscc_complete(text) RETURNS escalation.uscc
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION escalation.uscc_complete(text) IS
	'The credit code made of the given first 17 characters and their check character (for data generators and data entry). 补全校验码';
-- The supervised-object database (监管对象数据库, §4–5): administrative divisions,
-- industry categories, production and business units, their licences and safety
-- management rules, and the history of every change to them.

------------------------------------------------------------------------------
-- Administrative divisions (行政区划): names for region codes
------------------------------------------------------------------------------

CREATE TABLE escalation.division (
	code escalation.region NOT NULL,
	name text NOT NULL,
	CONSTRAINT division_pkey PRIMARY KEY (code),
	CONSTRAINT division_name_not_blank CHECK (btrim(name) <> '')
);
COMMENT ON TABLE escalation.division IS
	'Administrative divisions known to the platform, with their names; loaded from the city''s list of division codes. 行政区划';
COMMENT ON COLUMN escalation.division.code IS 'Division code (6 digits: province/city/district; 9 digits: street/town). 区划代码';
COMMENT ON COLUMN escalation.division.name IS 'Official name, e.g. 历下区, 解放路街道. 名称';
SELECT pg_catalog.pg_extension_config_dump('escalation.division', '');

------------------------------------------------------------------------------
-- Industry categories (行业分类)
------------------------------------------------------------------------------

CREATE TYPE escalation.dual_prevention_scope AS ENUM
	('non_coal_mine', 'metal_smelting', 'hazardous_chemicals', 'food_processing', 'dust');
COMMENT ON TYPE escalation.dual_prevention_scope IS
	'Which clause of §12 brings an industry into the dual prevention mechanism (双重预防机制): non-coal mine 非煤矿山, metal smelting 金属冶炼, hazardous-chemical production or storage 危险化学品生产、储存 (mandatory for the whole industry); food processing 食品加工 (mandatory with ammonia refrigeration 涉氨制冷); dust 粉尘涉爆 (mandatory with more than 10 workers in dust operations).';

CREATE TABLE escalation.industry (
	code text NOT NULL,
	name text NOT NULL,
	category text,
	competent_department text,
	dual_prevention_scope escalation.dual_prevention_scope,
	dual_prevention_mandatory boolean NOT NULL DEFAULT false,
	builtin boolean NOT NULL DEFAULT false,
	CONSTRAINT industry_pkey PRIMARY KEY (code),
	CONSTRAINT industry_name_key UNIQUE (name),
	CONSTRAINT industry_code_format CHECK (code ~ '^[0-9A-Za-z._-]{1,16}$'),
	CONSTRAINT industry_name_not_blank CHECK (btrim(name) <> ''),
	CONSTRAINT industry_mandatory_has_scope CHECK (NOT dual_prevention_mandatory OR dual_prevention_scope IS NOT NULL)
);
COMMENT ON TABLE escalation.industry IS
	'Industry categories of the city''s work-safety task division (《济南市安全生产工作任务分工》, 119 categories in the city''s list); the extension ships a starter list (builtin). 行业分类';
COMMENT ON COLUMN escalation.industry.code IS 'Industry code: 1-16 letters, digits, dot, dash or underscore. 行业代码';
COMMENT ON COLUMN escalation.industry.name IS 'Industry name. 行业名称';
COMMENT ON COLUMN escalation.industry.category IS 'Broad sector, e.g. 工矿商贸, 交通运输, 建设工程. 行业大类';
COMMENT ON COLUMN escalation.industry.competent_department IS 'Name of the competent city department in the task division. 行业主管/监管部门';
COMMENT ON COLUMN escalation.industry.dual_prevention_scope IS 'The §12 clause that concerns this industry, if any. 双重预防机制适用条款';
COMMENT ON COLUMN escalation.industry.dual_prevention_mandatory IS 'True when every unit of the industry must run the dual prevention mechanism (§12). 是否必须建立双重预防机制';
COMMENT ON COLUMN escalation.industry.builtin IS 'Shipped with the extension; read-only, restored by CREATE EXTENSION rather than by pg_dump. 内置';
SELECT pg_catalog.pg_extension_config_dump('escalation.industry', 'WHERE NOT builtin');

INSERT INTO escalation.industry (code, name, category, competent_department, dual_prevention_scope, dual_prevention_mandatory, builtin) VALUES
	('S01', '非煤矿山', '工矿商贸', '市应急管理局', 'non_coal_mine', true, true),
	('S02', '金属冶炼', '工矿商贸', '市应急管理局', 'metal_smelting', true, true),
	('S03', '钢铁', '工矿商贸', '市应急管理局', 'metal_smelting', true, true),
	('S04', '有色金属冶炼', '工矿商贸', '市应急管理局', 'metal_smelting', true, true),
	('S05', '危险化学品生产', '工矿商贸', '市应急管理局', 'hazardous_chemicals', true, true),
	('S06', '危险化学品储存', '工矿商贸', '市应急管理局', 'hazardous_chemicals', true, true),
	('S07', '危险化学品经营（带储存设施）', '工矿商贸', '市应急管理局', 'hazardous_chemicals', true, true),
	('S08', '危险化学品经营（不带储存设施）', '工矿商贸', '市应急管理局', NULL, false, true),
	('S09', '烟花爆竹经营', '工矿商贸', '市应急管理局', NULL, false, true),
	('S10', '食品加工', '工矿商贸', '市工业和信息化局', 'food_processing', false, true),
	('S11', '粉尘涉爆', '工矿商贸', '市应急管理局', 'dust', false, true),
	('S12', '机械制造', '工矿商贸', '市工业和信息化局', NULL, false, true),
	('S13', '建材', '工矿商贸', '市工业和信息化局', NULL, false, true),
	('S14', '纺织', '工矿商贸', '市工业和信息化局', NULL, false, true),
	('S15', '轻工', '工矿商贸', '市工业和信息化局', NULL, false, true),
	('S16', '商贸', '工矿商贸', '市商务局', NULL, false, true),
	('S17', '仓储物流', '交通运输', '市交通运输局', NULL, false, true),
	('S18', '道路运输', '交通运输', '市交通运输局', NULL, false, true),
	('S19', '城市公共交通', '交通运输', '市交通运输局', NULL, false, true),
	('S20', '城市轨道交通', '交通运输', '市交通运输局', NULL, false, true),
	('S21', '建筑施工', '建设工程', '市住房和城乡建设局', NULL, false, true),
	('S22', '城镇燃气', '城市运行', '市城乡水务局', NULL, false, true),
	('S23', '城市供热', '城市运行', '市城市管理局', NULL, false, true),
	('S24', '电力', '城市运行', '市发展和改革委员会', NULL, false, true),
	('S25', '特种设备使用', '特种设备', '市市场监督管理局', NULL, false, true),
	('S26', '消防安全重点单位', '消防', '市消防救援支队', NULL, false, true),
	('S27', '人员密集场所', '消防', '市消防救援支队', NULL, false, true),
	('S28', '学校', '公共服务', '市教育局', NULL, false, true),
	('S29', '医疗机构', '公共服务', '市卫生健康委员会', NULL, false, true),
	('S30', '养老机构', '公共服务', '市民政局', NULL, false, true),
	('S31', '旅游景区', '文化旅游', '市文化和旅游局', NULL, false, true),
	('S32', '文化娱乐场所', '文化旅游', '市文化和旅游局', NULL, false, true),
	('S33', '宾馆饭店', '文化旅游', '市文化和旅游局', NULL, false, true),
	('S34', '商场超市', '工矿商贸', '市商务局', NULL, false, true),
	('S35', '民用爆炸物品', '工矿商贸', '市工业和信息化局', NULL, false, true),
	('S36', '农业机械', '农业农村', '市农业农村局', NULL, false, true),
	('S37', '水利工程', '城市运行', '市城乡水务局', NULL, false, true),
	('S38', '九小场所', '其他', '属地街道（镇）', NULL, false, true);
-- Starter rows are part of the extension: pg_dump leaves them out and CREATE
-- EXTENSION brings them back, so they must not drift from the shipped text. The
-- guard is created after the starter rows, so only this script ships them.
CREATE FUNCTION escalation.industry_protect_builtin() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, escalation, pg_temp AS
$$
BEGIN
	IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.builtin THEN
		RAISE EXCEPTION 'industry "%" is a starter category shipped with the extension and cannot be changed', OLD.code
			USING ERRCODE = 'insufficient_privilege',
				  HINT = 'Load the city''s own list with codes of its own; starter categories stay available beside it.';
	END IF;
	IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.builtin THEN
		RAISE EXCEPTION 'industry "%" cannot be marked builtin', NEW.code
			USING ERRCODE = 'insufficient_privilege',
				  DETAIL = 'Only the extension''s install script ships builtin categories.';
	END IF;
	RETURN CASE TG_OP WHEN 'DELETE' THEN OLD ELSE NEW END;
END
$$;
COMMENT ON FUNCTION escalation.industry_protect_builtin() IS
	'Trigger: keeps the shipped starter industry categories read-only. 保护内置行业分类';
CREATE TRIGGER industry_protect_builtin BEFORE INSERT OR UPDATE OR DELETE ON escalation.industry
	FOR EACH ROW EXECUTE FUNCTION escalation.industry_protect_builtin();


------------------------------------------------------------------------------
-- Production and business units (生产经营单位)
------------------------------------------------------------------------------

CREATE TYPE escalation.business_status AS ENUM ('operating', 'suspended', 'closed');
COMMENT ON TYPE escalation.business_status IS
	'Business status of a unit: operating 在营, suspended 停产停业, closed 关闭注销.';

CREATE TABLE escalation.unit (
	id bigint GENERATED BY DEFAULT AS IDENTITY,
	name text NOT NULL,
	uscc escalation.uscc,
	region escalation.region NOT NULL,
	supervision_level escalation.level NOT NULL,
	social_function escalation.social_function NOT NULL DEFAULT 'enterprise',
	industry_code text,
	supervision_types escalation.supervision_type[] NOT NULL DEFAULT '{}',
	address text,
	legal_representative text,
	contact_name text,
	contact_phone text,
	employees integer,
	dust_workers integer NOT NULL DEFAULT 0,
	ammonia_refrigeration boolean NOT NULL DEFAULT false,
	business_status escalation.business_status NOT NULL DEFAULT 'operating',
	created_at timestamptz NOT NULL DEFAULT statement_timestamp(),
	updated_at timestamptz NOT NULL DEFAULT statement_timestamp(),
	CONSTRAINT unit_pkey PRIMARY KEY (id),
	CONSTRAINT unit_uscc_key UNIQUE (uscc),
	CONSTRAINT unit_industry_fkey FOREIGN KEY (industry_code) REFERENCES escalation.industry (code) ON UPDATE CASCADE,
	CONSTRAINT unit_name_not_blank CHECK (btrim(name) <> ''),
	CONSTRAINT unit_region_street_or_district CHECK (coalesce(escalation.region_level(region) IN ('street', 'district'), false)),
	CONSTRAINT unit_employees_not_negative CHECK (employees >= 0),
	CONSTRAINT unit_dust_workers_within_employees CHECK (dust_workers >= 0 AND (employees IS NULL OR dust_workers <= employees)),
	CONSTRAINT unit_supervision_types_no_null CHECK (array_position(supervision_types, NULL) IS NULL)
);
CREATE INDEX unit_region_idx ON escalation.unit (region);
CREATE INDEX unit_industry_idx ON escalation.unit (industry_code);
CREATE INDEX unit_name_idx ON escalation.unit (name);

COMMENT ON TABLE escalation.unit IS
	'Production and business units under supervision (监管对象: 生产经营单位), classified by social function, industry, supervision type and level (§4).';
COMMENT ON COLUMN escalation.unit.id IS 'Unit id (generated). 单位编号';
COMMENT ON COLUMN escalation.unit.name IS 'Registered name. 单位名称';
COMMENT ON COLUMN escalation.unit.uscc IS 'Unified social credit code; may be missing for nine-small-venue units. 统一社会信用代码';
COMMENT ON COLUMN escalation.unit.region IS 'Street/town (9 digits) or district (6 digits) where the unit is. 所在街道（镇）/区县';
COMMENT ON COLUMN escalation.unit.supervision_level IS 'Level that supervises the unit: city, district or street. 监管层级';
COMMENT ON COLUMN escalation.unit.social_function IS 'Social function. 社会功能';
COMMENT ON COLUMN escalation.unit.industry_code IS 'Industry category (escalation.industry). 行业类型';
COMMENT ON COLUMN escalation.unit.supervision_types IS 'Supervision types the unit falls under (§4 classification; the responsible departments are in the responsibility database). 监管类型';
COMMENT ON COLUMN escalation.unit.address IS 'Address of the premises. 地址';
COMMENT ON COLUMN escalation.unit.legal_representative IS 'Legal representative (personal data). 法定代表人';
COMMENT ON COLUMN escalation.unit.contact_name IS 'Safety contact person (personal data). 安全联系人';
COMMENT ON COLUMN escalation.unit.contact_phone IS 'Phone of the safety contact (personal data; not visible to analysts). 联系电话';
COMMENT ON COLUMN escalation.unit.employees IS 'Number of employees. 从业人员数';
COMMENT ON COLUMN escalation.unit.dust_workers IS 'Workers in dust operations (粉尘作业人员); more than 10 makes dual prevention mandatory (§12).';
COMMENT ON COLUMN escalation.unit.ammonia_refrigeration IS 'Uses ammonia refrigeration (涉氨制冷); with food processing it makes dual prevention mandatory (§12).';
COMMENT ON COLUMN escalation.unit.business_status IS 'Operating, suspended or closed. 经营状态';
COMMENT ON COLUMN escalation.unit.created_at IS 'When the unit was entered. 创建时间';
COMMENT ON COLUMN escalation.unit.updated_at IS 'When the unit was last changed. 更新时间';
SELECT pg_catalog.pg_extension_config_dump('escalation.unit', '');
SELECT pg_catalog.pg_extension_config_dump('escalation.unit_id_seq', '');

------------------------------------------------------------------------------
-- Rows that belong to a unit carry the unit's region (for row-level security)
------------------------------------------------------------------------------

CREATE TABLE escalation.unit_region_follower (
	tbl regclass NOT NULL,
	CONSTRAINT unit_region_follower_pkey PRIMARY KEY (tbl)
);
COMMENT ON TABLE escalation.unit_region_follower IS
	'Tables whose rows carry a copy of their unit''s region; changing a unit''s region updates them. 随单位区划同步的表';
COMMENT ON COLUMN escalation.unit_region_follower.tbl IS 'The table (has unit_id and region columns). 表';

-- Trigger: fill region from the row's unit.
CREATE FUNCTION escalation.set_region_from_unit() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, escalation, pg_temp AS
$$
DECLARE
	unit_region escalation.region;
BEGIN
	IF NEW.unit_id IS NULL THEN
		RETURN NEW;
	END IF;
	SELECT u.region INTO unit_region FROM escalation.unit u WHERE u.id = NEW.unit_id;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'unit % does not exist', NEW.unit_id
			USING ERRCODE = 'foreign_key_violation',
				  DETAIL = format('%s.unit_id must name a unit you can see.', TG_TABLE_NAME);
	END IF;
	NEW.region := unit_region;
	RETURN NEW;
END
$$;
COMMENT ON FUNCTION escalation.set_region_from_unit() IS
	'Trigger: sets a row''s region to its unit''s region. 按单位填写区划';

-- Register a table whose rows follow their unit's region.
CREATE FUNCTION escalation.follow_unit_region(tbl regclass, fill boolean DEFAULT true) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, escalation, pg_temp AS
$$
BEGIN
	IF fill THEN
		EXECUTE format('CREATE TRIGGER %I BEFORE INSERT OR UPDATE OF unit_id, region ON %s '
					   'FOR EACH ROW EXECUTE FUNCTION escalation.set_region_from_unit()',
					   (SELECT relname FROM pg_class WHERE oid = tbl) || '_region_from_unit', tbl);
	END IF;
	INSERT INTO escalation.unit_region_follower (tbl) VALUES (tbl) ON CONFLICT DO NOTHING;
END
$$;
COMMENT ON FUNCTION escalation.follow_unit_region(regclass, boolean) IS
	'Makes a table''s region follow its unit: a trigger fills it (unless fill is false) and unit moves update it. 注册随单位区划同步的表';

-- Trigger: a unit that moves carries its dependent rows with it.
CREATE FUNCTION escalation.propagate_unit_region() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, escalation, pg_temp AS
$$
DECLARE
	follower regclass;
BEGIN
	FOR follower IN SELECT tbl FROM escalation.unit_region_follower ORDER BY tbl::oid
	LOOP
		EXECUTE format('UPDATE %s SET region = $1 WHERE unit_id = $2 AND region <> $1', follower)
			USING NEW.region, NEW.id;
	END LOOP;
	RETURN NULL;
END
$$;
COMMENT ON FUNCTION escalation.propagate_unit_region() IS
	'Trigger: copies a unit''s new region to every registered table. 单位区划变更同步';
REVOKE ALL ON FUNCTION escalation.propagate_unit_region() FROM PUBLIC;
CREATE TRIGGER unit_propagate_region AFTER UPDATE OF region ON escalation.unit
	FOR EACH ROW WHEN (OLD.region IS DISTINCT FROM NEW.region)
	EXECUTE FUNCTION escalation.propagate_unit_region();

-- Trigger: stamp updated_at.
CREATE FUNCTION escalation.touch_updated_at() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, escalation, pg_temp AS
$$
BEGIN
	NEW.updated_at := statement_timestamp();
	RETURN NEW;
END
$$;
COMMENT ON FUNCTION escalation.touch_updated_at() IS 'Trigger: sets updated_at to the statement time. 更新时间戳';
CREATE TRIGGER unit_touch_updated_at BEFORE UPDATE ON escalation.unit
	FOR EACH ROW EXECUTE FUNCTION escalation.touch_updated_at();

------------------------------------------------------------------------------
-- Licences and certificates (证件)
------------------------------------------------------------------------------

CREATE TABLE escalation.licence (
	id bigint GENERATED BY DEFAULT AS IDENTITY,
	unit_id bigint NOT NULL,
	kind text NOT NULL,
	number text,
	issuer text,
	valid_from date,
	valid_until date NOT NULL,
	safety_licence boolean NOT NULL DEFAULT true,
	superseded_at timestamptz,
	superseded_by bigint,
	region escalation.region NOT NULL,
	created_at timestamptz NOT NULL DEFAULT statement_timestamp(),
	CONSTRAINT licence_pkey PRIMARY KEY (id),
	CONSTRAINT licence_id_unit_key UNIQUE (id, unit_id),
	CONSTRAINT licence_unit_fkey FOREIGN KEY (unit_id) REFERENCES escalation.unit (id),
	-- The renewal is a licence of the same unit (also: no licence of another
	-- district can be named, which its existence would otherwise betray).
	CONSTRAINT licence_superseded_by_fkey FOREIGN KEY (superseded_by, unit_id) REFERENCES escalation.licence (id, unit_id),
	CONSTRAINT licence_kind_not_blank CHECK (btrim(kind) <> ''),
	CONSTRAINT licence_validity_order CHECK (valid_from IS NULL OR valid_from <= valid_until),
	CONSTRAINT licence_superseded_by_needs_time CHECK (superseded_by IS NULL OR superseded_at IS NOT NULL),
	CONSTRAINT licence_not_superseded_by_itself CHECK (superseded_by <> id)
);
CREATE INDEX licence_unit_idx ON escalation.licence (unit_id);
CREATE INDEX licence_region_idx ON escalation.licence (region);
CREATE INDEX licence_valid_until_idx ON escalation.licence (valid_until) WHERE superseded_at IS NULL;

COMMENT ON TABLE escalation.licence IS
	'Licences and certificates of units, with validity; safety-production licences (安全生产许可类证件) that expire unhandled climb the licence_expired ladder (§18). 证件';
COMMENT ON COLUMN escalation.licence.id IS 'Licence id (generated). 证件编号';
COMMENT ON COLUMN escalation.licence.unit_id IS 'The unit holding the licence. 持证单位';
COMMENT ON COLUMN escalation.licence.kind IS 'Kind of licence, e.g. 安全生产许可证, 危险化学品经营许可证. 证件类型';
COMMENT ON COLUMN escalation.licence.number IS 'Licence number as printed. 证件号码';
COMMENT ON COLUMN escalation.licence.issuer IS 'Issuing authority. 发证机关';
COMMENT ON COLUMN escalation.licence.valid_from IS 'First day of validity. 有效期起';
COMMENT ON COLUMN escalation.licence.valid_until IS 'Last day of validity; it expires at the start of the next day in escalation.timezone. 有效期至';
COMMENT ON COLUMN escalation.licence.safety_licence IS 'A safety-production licence, watched by the licence_expired ladder. 是否安全生产许可类证件';
COMMENT ON COLUMN escalation.licence.superseded_at IS 'When the licence was renewed or otherwise superseded (handles its expiry). 换发/失效处理时间';
COMMENT ON COLUMN escalation.licence.superseded_by IS 'The licence that replaced it, when renewed. 换发后的证件';
COMMENT ON COLUMN escalation.licence.region IS 'Region of the unit (kept by trigger, for row-level security). 所属区划';
COMMENT ON COLUMN escalation.licence.created_at IS 'When the licence was entered. 录入时间';
SELECT pg_catalog.pg_extension_config_dump('escalation.licence', '');
SELECT pg_catalog.pg_extension_config_dump('escalation.licence_id_seq', '');
SELECT escalation.follow_unit_region('escalation.licence');

-- Renew a licence: enter the new one and mark the old one superseded by it.
CREATE FUNCTION escalation.licence_renew(
	licence_id bigint,
	new_number text,
	new_valid_from date,
	new_valid_until date,
	renewed_at timestamptz DEFAULT statement_timestamp()
) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, escalation, pg_temp AS
$$
DECLARE
	old escalation.licence;
	new_id bigint;
BEGIN
	SELECT * INTO old FROM escalation.licence WHERE id = licence_id FOR UPDATE;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'licence % does not exist', licence_id USING ERRCODE = 'no_data_found';
	END IF;
	IF old.superseded_at IS NOT NULL THEN
		RAISE EXCEPTION 'licence % was already superseded at %', licence_id, old.superseded_at
			USING ERRCODE = 'object_not_in_prerequisite_state',
				  HINT = 'Renew the licence that replaced it.';
	END IF;
	INSERT INTO escalation.licence (unit_id, kind, number, issuer, valid_from, valid_until, safety_licence)
	VALUES (old.unit_id, old.kind, new_number, old.issuer, new_valid_from, new_valid_until, old.safety_licence)
	RETURNING id INTO new_id;
	UPDATE escalation.licence SET superseded_at = renewed_at, superseded_by = new_id WHERE id = licence_id;
	RETURN new_id;
END
$$;
COMMENT ON FUNCTION escalation.licence_renew(bigint, text, date, date, timestamptz) IS
	'Renews a licence: enters the new one and marks the old one superseded (which handles its expiry warning). 证件换发';

------------------------------------------------------------------------------
-- Safety management rules and documents (安全管理制度, §5)
------------------------------------------------------------------------------

CREATE TABLE escalation.safety_rule (
	id bigint GENERATED BY DEFAULT AS IDENTITY,
	unit_id bigint NOT NULL,
	title text NOT NULL,
	category text NOT NULL DEFAULT 'other',
	document_ref text,
	issued_on date,
	revised_on date,
	region escalation.region NOT NULL,
	CONSTRAINT safety_rule_pkey PRIMARY KEY (id),
	CONSTRAINT safety_rule_unit_fkey FOREIGN KEY (unit_id) REFERENCES escalation.unit (id),
	CONSTRAINT safety_rule_title_not_blank CHECK (btrim(title) <> ''),
	CONSTRAINT safety_rule_category_known CHECK (category IN
		('responsibility', 'training', 'hazard_inspection', 'risk_control', 'emergency', 'operating_procedure', 'equipment', 'other')),
	CONSTRAINT safety_rule_revision_order CHECK (revised_on IS NULL OR issued_on IS NULL OR revised_on >= issued_on)
);
CREATE INDEX safety_rule_unit_idx ON escalation.safety_rule (unit_id);
CREATE INDEX safety_rule_region_idx ON escalation.safety_rule (region);
COMMENT ON TABLE escalation.safety_rule IS
	'Safety management rules and documents kept by a unit (§5). 安全管理制度';
COMMENT ON COLUMN escalation.safety_rule.id IS 'Rule id (generated). 制度编号';
COMMENT ON COLUMN escalation.safety_rule.unit_id IS 'The unit. 单位';
COMMENT ON COLUMN escalation.safety_rule.title IS 'Title of the rule or document. 制度名称';
COMMENT ON COLUMN escalation.safety_rule.category IS 'responsibility 安全生产责任制, training 教育培训, hazard_inspection 隐患排查, risk_control 风险管控, emergency 应急管理, operating_procedure 操作规程, equipment 设备设施, other 其他.';
COMMENT ON COLUMN escalation.safety_rule.document_ref IS 'Where the document is kept (number, file reference or address). 文件索引';
COMMENT ON COLUMN escalation.safety_rule.issued_on IS 'Date issued. 发布日期';
COMMENT ON COLUMN escalation.safety_rule.revised_on IS 'Date last revised. 修订日期';
COMMENT ON COLUMN escalation.safety_rule.region IS 'Region of the unit (kept by trigger, for row-level security). 所属区划';
SELECT pg_catalog.pg_extension_config_dump('escalation.safety_rule', '');
SELECT pg_catalog.pg_extension_config_dump('escalation.safety_rule_id_seq', '');
SELECT escalation.follow_unit_region('escalation.safety_rule');

------------------------------------------------------------------------------
-- History of the supervised-object database (动态维护记录, §5)
------------------------------------------------------------------------------

CREATE TABLE escalation.unit_history (
	id bigint GENERATED ALWAYS AS IDENTITY,
	unit_id bigint NOT NULL,
	region escalation.region NOT NULL,
	table_name name NOT NULL,
	row_id bigint NOT NULL,
	operation text NOT NULL,
	changed_by name NOT NULL,
	changed_at timestamptz NOT NULL,
	changed_columns text[],
	old_row jsonb,
	new_row jsonb,
	CONSTRAINT unit_history_pkey PRIMARY KEY (id),
	CONSTRAINT unit_history_operation_known CHECK (operation IN ('INSERT', 'UPDATE', 'DELETE'))
);
CREATE INDEX unit_history_unit_idx ON escalation.unit_history (unit_id, changed_at);
CREATE INDEX unit_history_region_idx ON escalation.unit_history (region);
COMMENT ON TABLE escalation.unit_history IS
	'Every insert, update and delete of a unit, licence or safety rule: who, when, old and new values (§5, auditable). 监管对象变更记录';
COMMENT ON COLUMN escalation.unit_history.id IS 'History entry id. 记录编号';
COMMENT ON COLUMN escalation.unit_history.unit_id IS 'The unit concerned. 单位';
COMMENT ON COLUMN escalation.unit_history.region IS 'Region of the unit at the time (follows later moves). 所属区划';
COMMENT ON COLUMN escalation.unit_history.table_name IS 'unit, licence or safety_rule. 数据表';
COMMENT ON COLUMN escalation.unit_history.row_id IS 'Id of the changed row. 记录编号';
COMMENT ON COLUMN escalation.unit_history.operation IS 'INSERT, UPDATE or DELETE. 操作';
COMMENT ON COLUMN escalation.unit_history.changed_by IS 'Role that made the change (its SET ROLE, else its login role; also for changes made through platform functions). 操作人';
COMMENT ON COLUMN escalation.unit_history.changed_at IS 'Time of the statement that made the change. 操作时间';
COMMENT ON COLUMN escalation.unit_history.changed_columns IS 'Columns whose value changed (UPDATE). 变更字段';
COMMENT ON COLUMN escalation.unit_history.old_row IS 'The row before the change. 变更前';
COMMENT ON COLUMN escalation.unit_history.new_row IS 'The row after the change. 变更后';
SELECT pg_catalog.pg_extension_config_dump('escalation.unit_history', '');
SELECT pg_catalog.pg_extension_config_dump('escalation.unit_history_id_seq', '');
SELECT escalation.follow_unit_region('escalation.unit_history', false);

-- Whether this session is restoring a dump. pg_dump's scripts and pg_restore set
-- row_security = off (with it off, a query that row-level security would filter
-- fails instead), which no working session of the platform does.
CREATE FUNCTION escalation.restoring() RETURNS boolean
LANGUAGE sql STABLE PARALLEL SAFE SET search_path = pg_catalog, escalation, pg_temp AS
$$ SELECT current_setting('row_security') = 'off' $$;
COMMENT ON FUNCTION escalation.restoring() IS
	'True while a dump is being restored (row_security = off): triggers that derive rows skip them, the dump brings them back. 是否正在恢复转储';

-- Trigger: record a change of a unit, licence or safety rule.
CREATE FUNCTION escalation.record_unit_history() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, escalation, pg_temp AS
$$
DECLARE
	old_row jsonb := CASE WHEN TG_OP <> 'INSERT' THEN to_jsonb(OLD) END;
	new_row jsonb := CASE WHEN TG_OP <> 'DELETE' THEN to_jsonb(NEW) END;
	changed text[];
	row_unit bigint;
	row_region escalation.region;
BEGIN
	IF escalation.restoring() THEN
		RETURN NULL;
	END IF;
	IF TG_OP = 'UPDATE' THEN
		SELECT array_agg(n.key ORDER BY n.key) INTO changed
		FROM jsonb_each(new_row) n
		WHERE n.key <> 'updated_at' AND n.value IS DISTINCT FROM old_row -> n.key;
		IF changed IS NULL THEN
			RETURN NULL;
		END IF;
	END IF;
	row_unit := (coalesce(new_row, old_row) ->> CASE TG_TABLE_NAME WHEN 'unit' THEN 'id' ELSE 'unit_id' END)::bigint;
	row_region := (coalesce(new_row, old_row) ->> 'region')::escalation.region;
	INSERT INTO escalation.unit_history
		(unit_id, region, table_name, row_id, operation, changed_by, changed_at, changed_columns, old_row, new_row)
	VALUES
		(row_unit, row_region, TG_TABLE_NAME, (coalesce(new_row, old_row) ->> 'id')::bigint, TG_OP,
		 escalation.acting_role(), statement_timestamp(), changed, old_row, new_row);
	RETURN NULL;
END
$$;
COMMENT ON FUNCTION escalation.record_unit_history() IS
	'Trigger: writes an escalation.unit_history entry for a change of a unit, licence or safety rule. 记录变更';

-- Trigger: history is written only by the history trigger, never by hand.
CREATE FUNCTION escalation.unit_history_guard() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, escalation, pg_temp AS
$$
BEGIN
	-- A superuser may restore a dump (COPY fires this trigger at depth 1).
	IF (TG_OP <> 'INSERT' OR pg_trigger_depth() < 2)
	   AND NOT (SELECT rolsuper FROM pg_catalog.pg_roles WHERE rolname = current_user) THEN
		RAISE EXCEPTION 'escalation.unit_history is written only by the platform''s change triggers'
			USING ERRCODE = 'insufficient_privilege';
	END IF;
	RETURN NEW;
END
$$;
COMMENT ON FUNCTION escalation.unit_history_guard() IS
	'Trigger: rejects history entries not written by a change trigger. 变更记录防篡改';
CREATE TRIGGER unit_history_guard BEFORE INSERT OR DELETE ON escalation.unit_history
	FOR EACH ROW EXECUTE FUNCTION escalation.unit_history_guard();

CREATE TRIGGER unit_record_history AFTER INSERT OR UPDATE OR DELETE ON escalation.unit
	FOR EACH ROW EXECUTE FUNCTION escalation.record_unit_history();
CREATE TRIGGER licence_record_history AFTER INSERT OR UPDATE OR DELETE ON escalation.licence
	FOR EACH ROW EXECUTE FUNCTION escalation.record_unit_history();
CREATE TRIGGER safety_rule_record_history AFTER INSERT OR UPDATE OR DELETE ON escalation.safety_rule
	FOR EACH ROW EXECUTE FUNCTION escalation.record_unit_history();

------------------------------------------------------------------------------
-- Privileges (row-level security policies come with the responsibility part)
------------------------------------------------------------------------------

GRANT SELECT ON escalation.division, escalation.industry TO escalation_admin, escalation_user, escalation_analyst, escalation_screen;
GRANT INSERT, UPDATE, DELETE ON escalation.division, escalation.industry TO escalation_admin;

GRANT SELECT, INSERT, UPDATE, DELETE ON escalation.unit, escalation.licence, escalation.safety_rule TO escalation_admin;
GRANT SELECT, INSERT, UPDATE ON escalation.unit, escalation.licence, escalation.safety_rule TO escalation_user;
GRANT SELECT ON escalation.unit_history TO escalation_admin, escalation_user;
GRANT INSERT ON escalation.unit_history TO escalation_admin, escalation_user;
GRANT SELECT ON escalation.licence, escalation.safety_rule TO escalation_analyst;
GRANT SELECT (id, name, uscc, region, supervision_level, social_function, industry_code, supervision_types, address,
			  employees, dust_workers, ammonia_refrigeration, business_status, created_at, updated_at)
	ON escalation.unit TO escalation_analyst;
GRANT SELECT (id, unit_id, region, table_name, row_id, operation, changed_by, changed_at, changed_columns)
	ON escalation.unit_history TO escalation_analyst;
GRANT USAGE ON SEQUENCE escalation.unit_id_seq, escalation.licence_id_seq, escalation.safety_rule_id_seq
	TO escalation_admin, escalation_user;
GRANT EXECUTE ON FUNCTION escalation.licence_renew(bigint, text, date, date, timestamptz) TO escalation_admin, escalation_user;
REVOKE ALL ON FUNCTION escalation.licence_renew(bigint, text, date, date, timestamptz) FROM PUBLIC;
REVOKE ALL ON FUNCTION
	escalation.industry_protect_builtin(), escalation.set_region_from_unit(),
	escalation.follow_unit_region(regclass, boolean), escalation.touch_updated_at(), escalation.restoring(),
	escalation.record_unit_history(), escalation.unit_history_guard()
FROM PUBLIC;
-- The history trigger asks it while a user's change runs.
GRANT EXECUTE ON FUNCTION escalation.restoring() TO escalation_admin, escalation_user;
GRANT EXECUTE ON FUNCTION escalation.follow_unit_region(regclass, boolean) TO escalation_admin;
-- The supervision-responsibility database (监管责任数据库, §6–7, §21): departments
-- at each level, their offices, people and duties, which department, office and
-- named supervisor answers for every unit; the gap report (不落空挡、不留盲区); and
-- the access model of the platform: the login-role-to-region map and the
-- row-level-security pattern every regional table follows.

------------------------------------------------------------------------------
-- Who is calling, and which region they may see (用户辖区)
------------------------------------------------------------------------------

CREATE TABLE escalation.user_region (
	role_name name NOT NULL,
	region escalation.region NOT NULL,
	note text,
	created_at timestamptz NOT NULL DEFAULT statement_timestamp(),
	CONSTRAINT user_region_pkey PRIMARY KEY (role_name),
	CONSTRAINT user_region_region_has_level CHECK (escalation.region_level(region) IS NOT NULL)
);
COMMENT ON TABLE escalation.user_region IS
	'Maps a database login role to the region it works for (city, district or street); row-level security shows such a role only the rows within that region. 用户辖区';
COMMENT ON COLUMN escalation.user_region.role_name IS 'Login role (a member of escalation_user, or a screen role). 数据库登录角色';
COMMENT ON COLUMN escalation.user_region.region IS 'City, district or street code the role may see and change. 辖区';
COMMENT ON COLUMN escalation.user_region.note IS 'Who the role belongs to, e.g. the office or the official. 备注';
COMMENT ON COLUMN escalation.user_region.created_at IS 'When the mapping was entered. 创建时间';
SELECT pg_catalog.pg_extension_config_dump('escalation.user_region', '');

-- Trigger: a mapping must name a role that exists.
CREATE FUNCTION escalation.user_region_check_role() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, escalation, pg_temp AS
$$
BEGIN
	IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = NEW.role_name) THEN
		RAISE EXCEPTION 'role "%" does not exist', NEW.role_name
			USING ERRCODE = 'undefined_object',
				  DETAIL = 'escalation.user_region.role_name must name an existing database role.',
				  HINT = 'Create the login role first, e.g. CREATE ROLE name LOGIN IN ROLE escalation_user.';
	END IF;
	RETURN NEW;
END
$$;
COMMENT ON FUNCTION escalation.user_region_check_role() IS
	'Trigger: rejects a region mapping for a role that does not exist. 校验登录角色';
CREATE TRIGGER user_region_check_role BEFORE INSERT OR UPDATE OF role_name ON escalation.user_region
	FOR EACH ROW EXECUTE FUNCTION escalation.user_region_check_role();

-- The role the session acts as: SECURITY DEFINER replaces current_user with the
-- function's owner, but neither the login role nor SET ROLE's setting changes.
CREATE FUNCTION escalation.acting_role() RETURNS name
LANGUAGE sql STABLE PARALLEL RESTRICTED
RETURN coalesce(nullif(pg_catalog.current_setting('role'), 'none'), SESSION_USER)::name;
COMMENT ON FUNCTION escalation.acting_role() IS
	'The role the session acts as (its SET ROLE, else its login role), also inside SECURITY DEFINER functions. 当前操作角色';

-- The calling role's region; NULL for a role that is not mapped.
CREATE FUNCTION escalation.current_region() RETURNS escalation.region
LANGUAGE sql STABLE SECURITY DEFINER PARALLEL RESTRICTED SET search_path = pg_catalog, escalation, pg_temp
BEGIN ATOMIC
	SELECT ur.region FROM escalation.user_region ur WHERE ur.role_name = escalation.acting_role();
END;
COMMENT ON FUNCTION escalation.current_region() IS
	'Region of the calling login role from escalation.user_region, NULL when the role is not mapped; row-level-security policies compare rows with it. 当前用户辖区';

------------------------------------------------------------------------------
-- The row-level-security pattern (行级安全)
------------------------------------------------------------------------------

-- Turn on row-level security for a regional table and write its policies.
CREATE FUNCTION escalation.enable_region_security(tbl regclass) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, escalation, pg_temp AS
$$
DECLARE
	col pg_catalog.pg_attribute;
BEGIN
	SELECT * INTO col FROM pg_catalog.pg_attribute a
	WHERE a.attrelid = tbl AND a.attname = 'region' AND NOT a.attisdropped;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'table % has no column "region"', tbl
			USING ERRCODE = 'undefined_column',
				  HINT = 'Add a column "region escalation.region NOT NULL" and a btree index on it.';
	END IF;
	IF col.atttypid <> 'escalation.region'::regtype THEN
		RAISE EXCEPTION 'column "region" of table % has type %, not escalation.region', tbl, col.atttypid::regtype
			USING ERRCODE = 'datatype_mismatch';
	END IF;
	IF NOT col.attnotnull THEN
		RAISE EXCEPTION 'column "region" of table % must be NOT NULL', tbl
			USING ERRCODE = 'invalid_table_definition',
				  DETAIL = 'A row without a region would be visible to nobody but the city office.';
	END IF;
	IF NOT EXISTS (
		SELECT 1 FROM pg_catalog.pg_index i
		JOIN pg_catalog.pg_class ic ON ic.oid = i.indexrelid
		JOIN pg_catalog.pg_am am ON am.oid = ic.relam
		WHERE i.indrelid = tbl AND i.indkey[0] = col.attnum AND am.amname = 'btree' AND i.indpred IS NULL)
	THEN
		RAISE EXCEPTION 'table % has no btree index on "region"', tbl
			USING ERRCODE = 'invalid_table_definition',
				  DETAIL = 'The district policy must be answered by an index range, not a scan of the whole table.',
				  HINT = format('CREATE INDEX ON %s (region);', tbl);
	END IF;

	EXECUTE format('ALTER TABLE %s ENABLE ROW LEVEL SECURITY', tbl);
	EXECUTE format('DROP POLICY IF EXISTS region_admin ON %s', tbl);
	EXECUTE format('DROP POLICY IF EXISTS region_analyst ON %s', tbl);
	EXECUTE format('DROP POLICY IF EXISTS region_user ON %s', tbl);
	EXECUTE format('CREATE POLICY region_admin ON %s TO escalation_admin USING (true) WITH CHECK (true)', tbl);
	EXECUTE format('CREATE POLICY region_analyst ON %s FOR SELECT TO escalation_analyst USING (true)', tbl);
	-- The sub-select makes the region an init-plan: looked up once per
	-- statement, and the planner support of <@ turns it into an index range.
	EXECUTE format('CREATE POLICY region_user ON %s TO escalation_user '
				   'USING (region OPERATOR(escalation.<@) (SELECT escalation.current_region())) '
				   'WITH CHECK (region OPERATOR(escalation.<@) (SELECT escalation.current_region()))', tbl);
END
$$;
COMMENT ON FUNCTION escalation.enable_region_security(regclass) IS
	'Turns on row-level security for a table with a region column and writes the platform''s policies: escalation_admin everything, escalation_analyst reads everything, escalation_user reads and writes rows within its mapped region. 启用辖区行级安全';

------------------------------------------------------------------------------
-- Departments (部门/单位) and the tree city → district → street
------------------------------------------------------------------------------

CREATE TYPE escalation.department_kind AS ENUM
	('party_committee', 'government', 'zone_committee', 'safety_committee_office', 'functional_department',
	 'street_office', 'other');
COMMENT ON TYPE escalation.department_kind IS
	'Kind of department: party committee 党委, people''s government 人民政府, functional-zone management committee 功能区管委会, work-safety committee office 安委会办公室, functional department 职能部门, street office or town government 街道办事处/镇人民政府, other 其他单位.';

CREATE TABLE escalation.department (
	id bigint GENERATED BY DEFAULT AS IDENTITY,
	name text NOT NULL,
	level escalation.level NOT NULL,
	region escalation.region NOT NULL,
	parent_id bigint,
	kind escalation.department_kind NOT NULL DEFAULT 'functional_department',
	created_at timestamptz NOT NULL DEFAULT statement_timestamp(),
	CONSTRAINT department_pkey PRIMARY KEY (id),
	CONSTRAINT department_region_name_key UNIQUE (region, name),
	-- Deferred: pg_dump writes rows in storage order, where an updated parent can
	-- follow its children.
	CONSTRAINT department_parent_fkey FOREIGN KEY (parent_id) REFERENCES escalation.department (id)
		DEFERRABLE INITIALLY DEFERRED,
	CONSTRAINT department_name_not_blank CHECK (btrim(name) <> ''),
	CONSTRAINT department_level_matches_region CHECK (level IS NOT DISTINCT FROM escalation.region_level(region)),
	CONSTRAINT department_not_own_parent CHECK (parent_id <> id),
	CONSTRAINT department_street_office_at_street CHECK (kind <> 'street_office' OR level = 'street')
);
CREATE INDEX department_region_idx ON escalation.department (region);
CREATE INDEX department_parent_idx ON escalation.department (parent_id);
COMMENT ON TABLE escalation.department IS
	'Departments (部门/单位) at city, district and street level with a duty for work safety (三管三必须); parent_id forms the tree city → district → street.';
COMMENT ON COLUMN escalation.department.id IS 'Department id (generated). 部门编号';
COMMENT ON COLUMN escalation.department.name IS 'Full name, unique within its region, e.g. 济南市应急管理局. 部门名称';
COMMENT ON COLUMN escalation.department.level IS 'City, district or street; must be the level of region (filled from it when omitted). 层级';
COMMENT ON COLUMN escalation.department.region IS 'The city, district or street the department answers for. 所属区划';
COMMENT ON COLUMN escalation.department.parent_id IS 'Department it reports to; its region contains this one''s. 上级部门';
COMMENT ON COLUMN escalation.department.kind IS 'Party committee, government, functional department, street office, ... 部门类别';
COMMENT ON COLUMN escalation.department.created_at IS 'When the department was entered. 创建时间';
SELECT pg_catalog.pg_extension_config_dump('escalation.department', '');
SELECT pg_catalog.pg_extension_config_dump('escalation.department_id_seq', '');

-- Trigger: fill level, keep the tree inside its regions and free of cycles.
CREATE FUNCTION escalation.department_check_tree() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, escalation, pg_temp AS
$$
DECLARE
	parent escalation.department;
	child escalation.department;
	ancestor bigint;
	depth int := 0;
BEGIN
	IF escalation.region_level(NEW.region) IS NULL THEN
		RAISE EXCEPTION 'department "%" cannot be in region %: it has no platform level', NEW.name, NEW.region
			USING ERRCODE = 'check_violation', CONSTRAINT = 'department_level_matches_region',
				  DETAIL = 'Departments belong to the city, a district or a street; a province code is above the platform.';
	END IF;
	IF NEW.level IS NULL THEN
		NEW.level := escalation.region_level(NEW.region);
	END IF;
	IF NEW.parent_id IS NOT NULL THEN
		SELECT * INTO parent FROM escalation.department WHERE id = NEW.parent_id;
		IF FOUND AND NOT (parent.region OPERATOR(escalation.@>) NEW.region) THEN
			RAISE EXCEPTION 'parent department % ("%", region %) does not contain region % of department "%"',
					parent.id, parent.name, parent.region, NEW.region, NEW.name
				USING ERRCODE = 'check_violation',
					  DETAIL = 'A department reports to a department of its own region or of a region that contains it.';
		END IF;
		IF TG_OP = 'UPDATE' THEN
			ancestor := NEW.parent_id;
			WHILE ancestor IS NOT NULL LOOP
				IF ancestor = NEW.id THEN
					RAISE EXCEPTION 'department % ("%") cannot report to department %, which reports to it',
							NEW.id, NEW.name, NEW.parent_id
						USING ERRCODE = 'check_violation',
							  DETAIL = 'The department tree must not contain a cycle.';
				END IF;
				depth := depth + 1;
				EXIT WHEN depth > 1000;
				SELECT d.parent_id INTO ancestor FROM escalation.department d WHERE d.id = ancestor;
			END LOOP;
		END IF;
	END IF;
	IF TG_OP = 'UPDATE' AND NEW.region IS DISTINCT FROM OLD.region THEN
		SELECT * INTO child FROM escalation.department d
		WHERE d.parent_id = NEW.id AND NOT (NEW.region OPERATOR(escalation.@>) d.region)
		ORDER BY d.id LIMIT 1;
		IF FOUND THEN
			RAISE EXCEPTION 'department % ("%") cannot move to region %: its sub-department % ("%") is in region %',
					NEW.id, NEW.name, NEW.region, child.id, child.name, child.region
				USING ERRCODE = 'check_violation',
					  DETAIL = 'A department''s region must contain the regions of the departments reporting to it.';
		END IF;
	END IF;
	RETURN NEW;
END
$$;
COMMENT ON FUNCTION escalation.department_check_tree() IS
	'Trigger: fills a department''s level from its region and keeps the department tree region-consistent and acyclic. 部门层级校验';
CREATE TRIGGER department_check_tree BEFORE INSERT OR UPDATE ON escalation.department
	FOR EACH ROW EXECUTE FUNCTION escalation.department_check_tree();

------------------------------------------------------------------------------
-- Rows that belong to a department carry the department's region
------------------------------------------------------------------------------

CREATE TABLE escalation.department_region_follower (
	tbl regclass NOT NULL,
	via name NOT NULL,
	CONSTRAINT department_region_follower_pkey PRIMARY KEY (tbl)
);
COMMENT ON TABLE escalation.department_region_follower IS
	'Tables whose rows carry a copy of their department''s region; changing a department''s region updates them. 随部门区划同步的表';
COMMENT ON COLUMN escalation.department_region_follower.tbl IS 'The table (has a region column). 表';
COMMENT ON COLUMN escalation.department_region_follower.via IS 'Its column naming the department. 部门字段';

-- Trigger: fill region from the department named by column TG_ARGV[0].
CREATE FUNCTION escalation.set_region_from_department() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, escalation, pg_temp AS
$$
DECLARE
	dept_id bigint := (to_jsonb(NEW) ->> TG_ARGV[0])::bigint;
	dept_region escalation.region;
BEGIN
	IF dept_id IS NULL THEN
		RETURN NEW;
	END IF;
	SELECT d.region INTO dept_region FROM escalation.department d WHERE d.id = dept_id;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'department % does not exist', dept_id
			USING ERRCODE = 'foreign_key_violation',
				  DETAIL = format('%s.%s must name a department you can see.', TG_TABLE_NAME, TG_ARGV[0]);
	END IF;
	NEW.region := dept_region;
	RETURN NEW;
END
$$;
COMMENT ON FUNCTION escalation.set_region_from_department() IS
	'Trigger: sets a row''s region to the region of its department. 按部门填写区划';

-- Register a table whose rows follow their department's region.
CREATE FUNCTION escalation.follow_department_region(tbl regclass, via name DEFAULT 'department_id') RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, escalation, pg_temp AS
$$
BEGIN
	EXECUTE format('CREATE TRIGGER %I BEFORE INSERT OR UPDATE OF %I, region ON %s '
				   'FOR EACH ROW EXECUTE FUNCTION escalation.set_region_from_department(%L)',
				   (SELECT relname FROM pg_catalog.pg_class WHERE oid = tbl) || '_region_from_department', via, tbl, via);
	INSERT INTO escalation.department_region_follower (tbl, via) VALUES (tbl, via)
	ON CONFLICT ON CONSTRAINT department_region_follower_pkey DO UPDATE SET via = EXCLUDED.via;
END
$$;
COMMENT ON FUNCTION escalation.follow_department_region(regclass, name) IS
	'Makes a table''s region follow the department named by column via: a trigger fills it and department moves update it. 注册随部门区划同步的表';

-- Trigger: a department that moves carries its dependent rows with it.
CREATE FUNCTION escalation.propagate_department_region() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, escalation, pg_temp AS
$$
DECLARE
	follower escalation.department_region_follower;
BEGIN
	FOR follower IN SELECT * FROM escalation.department_region_follower ORDER BY tbl::oid
	LOOP
		EXECUTE format('UPDATE %s SET region = $1 WHERE %I = $2 AND region OPERATOR(escalation.<>) $1',
					   follower.tbl, follower.via)
			USING NEW.region, NEW.id;
	END LOOP;
	UPDATE escalation.supervision_assignment SET department_region = NEW.region WHERE department_id = NEW.id;
	RETURN NULL;
END
$$;
COMMENT ON FUNCTION escalation.propagate_department_region() IS
	'Trigger: copies a department''s new region to every registered table. 部门区划变更同步';
CREATE TRIGGER department_propagate_region AFTER UPDATE OF region ON escalation.department
	FOR EACH ROW WHEN (OLD.region IS DISTINCT FROM NEW.region)
	EXECUTE FUNCTION escalation.propagate_department_region();

------------------------------------------------------------------------------
-- Offices (处/科室), one of them the lead office for work safety (牵头处科室)
------------------------------------------------------------------------------

CREATE TABLE escalation.office (
	id bigint GENERATED BY DEFAULT AS IDENTITY,
	department_id bigint NOT NULL,
	name text NOT NULL,
	is_lead boolean NOT NULL DEFAULT false,
	responsibilities text,
	region escalation.region NOT NULL,
	CONSTRAINT office_pkey PRIMARY KEY (id),
	CONSTRAINT office_id_department_key UNIQUE (id, department_id),
	CONSTRAINT office_department_name_key UNIQUE (department_id, name),
	CONSTRAINT office_department_fkey FOREIGN KEY (department_id) REFERENCES escalation.department (id),
	CONSTRAINT office_name_not_blank CHECK (btrim(name) <> '')
);
CREATE UNIQUE INDEX office_one_lead_per_department ON escalation.office (department_id) WHERE is_lead;
CREATE INDEX office_region_idx ON escalation.office (region);
COMMENT ON TABLE escalation.office IS
	'Offices (处/科室) of a department with their share of work-safety duties; at most one is the lead office (牵头处科室, §6).';
COMMENT ON COLUMN escalation.office.id IS 'Office id (generated). 处科室编号';
COMMENT ON COLUMN escalation.office.department_id IS 'The department. 所属部门';
COMMENT ON COLUMN escalation.office.name IS 'Name, unique within the department, e.g. 安全生产综合协调科. 处科室名称';
COMMENT ON COLUMN escalation.office.is_lead IS 'The lead office for work safety of its department (at most one). 是否牵头处科室';
COMMENT ON COLUMN escalation.office.responsibilities IS 'Its work-safety responsibilities (分工). 安全生产职责';
COMMENT ON COLUMN escalation.office.region IS 'Region of the department (kept by trigger, for row-level security). 所属区划';
SELECT pg_catalog.pg_extension_config_dump('escalation.office', '');
SELECT pg_catalog.pg_extension_config_dump('escalation.office_id_seq', '');
SELECT escalation.follow_department_region('escalation.office');

-- Trigger: a clear error for a second lead office (the unique index backs it).
CREATE FUNCTION escalation.office_check_lead() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, escalation, pg_temp AS
$$
DECLARE
	other escalation.office;
BEGIN
	IF NEW.is_lead THEN
		SELECT * INTO other FROM escalation.office o
		WHERE o.department_id = NEW.department_id AND o.is_lead AND o.id IS DISTINCT FROM NEW.id;
		IF FOUND THEN
			RAISE EXCEPTION 'department % already has lead office % ("%")', NEW.department_id, other.id, other.name
				USING ERRCODE = 'unique_violation', CONSTRAINT = 'office_one_lead_per_department',
					  DETAIL = format('Office "%s" cannot also be the lead office for work safety.', NEW.name),
					  HINT = 'Clear is_lead on the current lead office first, in the same transaction.';
		END IF;
	END IF;
	RETURN NEW;
END
$$;
COMMENT ON FUNCTION escalation.office_check_lead() IS
	'Trigger: rejects a second lead office of a department with a message naming the current one. 牵头处科室唯一';
CREATE TRIGGER office_check_lead BEFORE INSERT OR UPDATE OF is_lead, department_id ON escalation.office
	FOR EACH ROW EXECUTE FUNCTION escalation.office_check_lead();

------------------------------------------------------------------------------
-- People (人员) of a department
------------------------------------------------------------------------------

CREATE TABLE escalation.person (
	id bigint GENERATED BY DEFAULT AS IDENTITY,
	department_id bigint NOT NULL,
	name text NOT NULL,
	title text,
	phone text,
	region escalation.region NOT NULL,
	CONSTRAINT person_pkey PRIMARY KEY (id),
	CONSTRAINT person_id_department_key UNIQUE (id, department_id),
	CONSTRAINT person_department_fkey FOREIGN KEY (department_id) REFERENCES escalation.department (id),
	CONSTRAINT person_name_not_blank CHECK (btrim(name) <> ''),
	CONSTRAINT person_phone_format CHECK (phone ~ '^\+?[0-9*][0-9* -]{4,22}[0-9*]$')
);
CREATE INDEX person_department_idx ON escalation.person (department_id);
CREATE INDEX person_region_idx ON escalation.person (region);
COMMENT ON TABLE escalation.person IS
	'People of a department who hold work-safety duties or supervise units; personal data, protected by the department''s region. 人员';
COMMENT ON COLUMN escalation.person.id IS 'Person id (generated). 人员编号';
COMMENT ON COLUMN escalation.person.department_id IS 'Department the person works in; a transfer to another department is a new person row. 所在部门';
COMMENT ON COLUMN escalation.person.name IS 'Full name. 姓名';
COMMENT ON COLUMN escalation.person.title IS 'Post, e.g. 局长, 副主任, 科长. 职务';
COMMENT ON COLUMN escalation.person.phone IS 'Phone (personal data: not visible to analysts or screens); digits, optionally masked with *. 联系电话';
COMMENT ON COLUMN escalation.person.region IS 'Region of the department (kept by trigger, for row-level security). 所属区划';
SELECT pg_catalog.pg_extension_config_dump('escalation.person', '');
SELECT pg_catalog.pg_extension_config_dump('escalation.person_id_seq', '');
SELECT escalation.follow_department_region('escalation.person');

------------------------------------------------------------------------------
-- Duties (安全生产责任) held by people, with their period
------------------------------------------------------------------------------

CREATE TYPE escalation.duty_role AS ENUM
	('first_responsible', 'responsible_in_charge', 'other_in_charge', 'lead_office', 'other_office', 'liaison');
COMMENT ON TYPE escalation.duty_role IS
	'Work-safety duty of a person in a department (§6, §21): first responsible 第一责任人, responsible-in-charge 分管责任人, other in-charge 其他分管责任人, lead-office responsibility 牵头处科室责任, other-office responsibility 其他分工处科室责任, liaison 联络员.';

CREATE TABLE escalation.duty (
	id bigint GENERATED BY DEFAULT AS IDENTITY,
	department_id bigint NOT NULL,
	person_id bigint NOT NULL,
	role escalation.duty_role NOT NULL,
	office_id bigint,
	period daterange NOT NULL DEFAULT daterange(current_date, NULL),
	note text,
	region escalation.region NOT NULL,
	created_at timestamptz NOT NULL DEFAULT statement_timestamp(),
	created_by name NOT NULL DEFAULT CURRENT_USER,
	CONSTRAINT duty_pkey PRIMARY KEY (id),
	CONSTRAINT duty_department_fkey FOREIGN KEY (department_id) REFERENCES escalation.department (id),
	CONSTRAINT duty_person_of_department FOREIGN KEY (person_id, department_id)
		REFERENCES escalation.person (id, department_id),
	CONSTRAINT duty_office_of_department FOREIGN KEY (office_id, department_id)
		REFERENCES escalation.office (id, department_id),
	CONSTRAINT duty_office_role_needs_office CHECK (role NOT IN ('lead_office', 'other_office') OR office_id IS NOT NULL),
	CONSTRAINT duty_period_has_start CHECK (NOT isempty(period) AND NOT lower_inf(period)),
	CONSTRAINT duty_one_first_responsible EXCLUDE USING gist
		(int8range(department_id, department_id, '[]') WITH &&, period WITH &&) WHERE (role = 'first_responsible'),
	CONSTRAINT duty_one_responsible_in_charge EXCLUDE USING gist
		(int8range(department_id, department_id, '[]') WITH &&, period WITH &&) WHERE (role = 'responsible_in_charge')
);
CREATE INDEX duty_department_idx ON escalation.duty (department_id, role);
CREATE INDEX duty_person_idx ON escalation.duty (person_id);
CREATE INDEX duty_region_idx ON escalation.duty (region);
COMMENT ON TABLE escalation.duty IS
	'Work-safety duties of people in departments over time (§6, §21); a change of person ends one duty and starts another, so history is kept. 安全生产责任分工';
COMMENT ON COLUMN escalation.duty.id IS 'Duty id (generated). 责任编号';
COMMENT ON COLUMN escalation.duty.department_id IS 'Department the duty is held in. 部门';
COMMENT ON COLUMN escalation.duty.person_id IS 'The person; must work in the department. 责任人';
COMMENT ON COLUMN escalation.duty.role IS 'Which duty: first responsible, responsible-in-charge, other in-charge, lead/other office, liaison. 责任类别';
COMMENT ON COLUMN escalation.duty.office_id IS 'Office of the department the duty is tied to (required for office duties). 处科室';
COMMENT ON COLUMN escalation.duty.period IS 'Days the duty is held: [first day, first day no longer held); open end = still held. 任职期间';
COMMENT ON COLUMN escalation.duty.note IS 'What the duty covers, in the department''s words. 分工说明';
COMMENT ON COLUMN escalation.duty.region IS 'Region of the department (kept by trigger, for row-level security). 所属区划';
COMMENT ON COLUMN escalation.duty.created_at IS 'When the duty was entered. 录入时间';
COMMENT ON COLUMN escalation.duty.created_by IS 'Role that entered it. 录入人';
SELECT pg_catalog.pg_extension_config_dump('escalation.duty', '');
SELECT pg_catalog.pg_extension_config_dump('escalation.duty_id_seq', '');
SELECT escalation.follow_department_region('escalation.duty');

-- Trigger: the person and office belong to the department; one holder of a
-- single-holder post at a time; at most two liaisons at any day.
CREATE FUNCTION escalation.duty_check() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, escalation, pg_temp AS
$$
DECLARE
	p escalation.person;
	o escalation.office;
	clash record;
BEGIN
	SELECT * INTO p FROM escalation.person WHERE id = NEW.person_id;
	IF FOUND AND p.department_id <> NEW.department_id THEN
		RAISE EXCEPTION 'person % ("%") belongs to department %, not to department %',
				p.id, p.name, p.department_id, NEW.department_id
			USING ERRCODE = 'foreign_key_violation', CONSTRAINT = 'duty_person_of_department',
				  DETAIL = 'A duty is held by a person of the department it is held in.',
				  HINT = 'Enter the person in that department first.';
	END IF;
	IF NEW.office_id IS NOT NULL THEN
		SELECT * INTO o FROM escalation.office WHERE id = NEW.office_id;
		IF FOUND AND o.department_id <> NEW.department_id THEN
			RAISE EXCEPTION 'office % ("%") belongs to department %, not to department %',
					o.id, o.name, o.department_id, NEW.department_id
				USING ERRCODE = 'foreign_key_violation', CONSTRAINT = 'duty_office_of_department';
		END IF;
		IF FOUND AND NEW.role = 'lead_office' AND NOT o.is_lead THEN
			RAISE EXCEPTION 'office % ("%") is not the lead office of department %', o.id, o.name, o.department_id
				USING ERRCODE = 'check_violation',
					  DETAIL = 'A lead-office duty (牵头处科室责任) is tied to the department''s lead office.',
					  HINT = 'Use role other_office, or mark the office as lead first.';
		END IF;
	END IF;
	IF isempty(NEW.period) OR lower_inf(NEW.period) THEN
		RETURN NEW;
	END IF;

	-- Serialise duty changes per department so the checks below see every
	-- committed competitor (read committed; the exclusion constraints back the
	-- single-holder posts under any isolation level).
	PERFORM pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtextextended('escalation.duty', NEW.department_id));

	IF NEW.role IN ('first_responsible', 'responsible_in_charge') THEN
		SELECT d.id, d.period, q.name INTO clash
		FROM escalation.duty d JOIN escalation.person q ON q.id = d.person_id
		WHERE d.department_id = NEW.department_id AND d.role = NEW.role AND d.period && NEW.period
			AND d.id IS DISTINCT FROM NEW.id
		ORDER BY lower(d.period) LIMIT 1;
		IF FOUND THEN
			RAISE EXCEPTION 'department % already has a % (duty %, "%", %) overlapping %',
					NEW.department_id, escalation.duty_role_label(NEW.role), clash.id, clash.name, clash.period, NEW.period
				USING ERRCODE = 'exclusion_violation',
					  CONSTRAINT = CASE NEW.role WHEN 'first_responsible' THEN 'duty_one_first_responsible'
												 ELSE 'duty_one_responsible_in_charge' END,
					  DETAIL = 'The post has one holder at a time.',
					  HINT = 'End the current holder''s duty first, or use escalation.hand_over_duty().';
		END IF;
	END IF;

	SELECT d.id, d.period INTO clash
	FROM escalation.duty d
	WHERE d.department_id = NEW.department_id AND d.person_id = NEW.person_id AND d.role = NEW.role
		AND d.office_id IS NOT DISTINCT FROM NEW.office_id AND d.period && NEW.period
		AND d.id IS DISTINCT FROM NEW.id
	LIMIT 1;
	IF FOUND THEN
		RAISE EXCEPTION 'person % already holds this % duty in department % (duty %, %) overlapping %',
				NEW.person_id, escalation.duty_role_label(NEW.role), NEW.department_id, clash.id, clash.period, NEW.period
			USING ERRCODE = 'exclusion_violation';
	END IF;

	IF NEW.role = 'liaison' THEN
		-- Intervals that overlap pairwise share a day, so three liaisons on one
		-- day exist exactly when two existing ones overlap each other and the new one.
		SELECT a.id AS a_id, b.id AS b_id, pa.name AS a_name, pb.name AS b_name INTO clash
		FROM escalation.duty a
		JOIN escalation.duty b ON b.department_id = a.department_id AND b.role = 'liaison' AND b.id > a.id
			AND b.period && a.period
		JOIN escalation.person pa ON pa.id = a.person_id
		JOIN escalation.person pb ON pb.id = b.person_id
		WHERE a.department_id = NEW.department_id AND a.role = 'liaison'
			AND a.period && NEW.period AND b.period && NEW.period
			AND a.id IS DISTINCT FROM NEW.id AND b.id IS DISTINCT FROM NEW.id
		LIMIT 1;
		IF FOUND THEN
			RAISE EXCEPTION 'department % would have three liaisons: "%" (duty %) and "%" (duty %) already serve during %',
					NEW.department_id, clash.a_name, clash.a_id, clash.b_name, clash.b_id, NEW.period
				USING ERRCODE = 'check_violation',
					  DETAIL = 'Each department names one or two liaisons (联络员, §21).',
					  HINT = 'End one liaison''s duty before the new one starts.';
		END IF;
	END IF;
	RETURN NEW;
END
$$;
COMMENT ON FUNCTION escalation.duty_check() IS
	'Trigger: a duty''s person and office belong to its department, single-holder posts do not overlap, at most two liaisons at a time. 责任分工校验';
CREATE TRIGGER duty_check BEFORE INSERT OR UPDATE ON escalation.duty
	FOR EACH ROW EXECUTE FUNCTION escalation.duty_check();

-- Hand a duty over to another person of the department on a given day.
CREATE FUNCTION escalation.hand_over_duty(duty_id bigint, new_person_id bigint, on_day date DEFAULT current_date)
RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, escalation, pg_temp AS
$$
DECLARE
	old escalation.duty;
	new_id bigint;
BEGIN
	SELECT * INTO old FROM escalation.duty WHERE id = duty_id FOR UPDATE;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'duty % does not exist', duty_id USING ERRCODE = 'no_data_found';
	END IF;
	IF on_day IS NULL OR NOT (old.period @> on_day) OR on_day = lower(old.period) THEN
		RAISE EXCEPTION 'duty % (%) cannot be handed over on %', duty_id, old.period, coalesce(on_day::text, 'NULL')
			USING ERRCODE = 'invalid_parameter_value',
				  DETAIL = 'The hand-over day must fall after the first day of the duty and within its period.';
	END IF;
	UPDATE escalation.duty SET period = daterange(lower(old.period), on_day) WHERE id = duty_id;
	INSERT INTO escalation.duty (department_id, person_id, role, office_id, period, note)
	VALUES (old.department_id, new_person_id, old.role, old.office_id, daterange(on_day, upper(old.period)), old.note)
	RETURNING id INTO new_id;
	RETURN new_id;
END
$$;
COMMENT ON FUNCTION escalation.hand_over_duty(bigint, bigint, date) IS
	'Ends a duty the day before on_day and gives it to another person of the department from on_day; returns the new duty id. 责任人交接';

------------------------------------------------------------------------------
-- Supervision assignments (监管责任): unit → department, office, supervisor
------------------------------------------------------------------------------

CREATE TABLE escalation.supervision_assignment (
	id bigint GENERATED BY DEFAULT AS IDENTITY,
	unit_id bigint NOT NULL,
	department_id bigint NOT NULL,
	office_id bigint,
	supervisor_id bigint,
	supervision_type escalation.supervision_type NOT NULL,
	level escalation.level NOT NULL,
	period daterange NOT NULL DEFAULT daterange(current_date, NULL),
	note text,
	region escalation.region NOT NULL,
	department_region escalation.region NOT NULL,
	created_at timestamptz NOT NULL DEFAULT statement_timestamp(),
	created_by name NOT NULL DEFAULT CURRENT_USER,
	CONSTRAINT supervision_assignment_pkey PRIMARY KEY (id),
	CONSTRAINT supervision_assignment_unit_fkey FOREIGN KEY (unit_id) REFERENCES escalation.unit (id),
	CONSTRAINT supervision_assignment_department_fkey FOREIGN KEY (department_id) REFERENCES escalation.department (id),
	CONSTRAINT supervision_assignment_office_of_department FOREIGN KEY (office_id, department_id)
		REFERENCES escalation.office (id, department_id),
	CONSTRAINT supervision_assignment_supervisor_of_department FOREIGN KEY (supervisor_id, department_id)
		REFERENCES escalation.person (id, department_id),
	CONSTRAINT supervision_assignment_period_has_start CHECK (NOT isempty(period) AND NOT lower_inf(period)),
	CONSTRAINT supervision_assignment_one_per_department EXCLUDE USING gist
		(int8range(unit_id, unit_id, '[]') WITH &&, int8range(department_id, department_id, '[]') WITH &&, period WITH &&)
);
CREATE INDEX supervision_assignment_unit_idx ON escalation.supervision_assignment (unit_id);
CREATE INDEX supervision_assignment_department_idx ON escalation.supervision_assignment (department_id);
CREATE INDEX supervision_assignment_supervisor_idx ON escalation.supervision_assignment (supervisor_id);
CREATE INDEX supervision_assignment_region_idx ON escalation.supervision_assignment (region);
COMMENT ON TABLE escalation.supervision_assignment IS
	'Who answers for a unit (§7): the department, its office and the named supervisor, under a supervision type and level, over a period; a unit usually has several (industry and territorial). 监管责任落实';
COMMENT ON COLUMN escalation.supervision_assignment.id IS 'Assignment id (generated). 监管责任编号';
COMMENT ON COLUMN escalation.supervision_assignment.unit_id IS 'The supervised unit. 监管对象';
COMMENT ON COLUMN escalation.supervision_assignment.department_id IS 'Responsible department; one current assignment per unit and department. 监管部门';
COMMENT ON COLUMN escalation.supervision_assignment.office_id IS 'Responsible office of that department. 监管处科室';
COMMENT ON COLUMN escalation.supervision_assignment.supervisor_id IS 'Named supervisor, a person of that department. 监管人员';
COMMENT ON COLUMN escalation.supervision_assignment.supervision_type IS 'Industry supervision, industry authority, special supervision, territorial or other. 监管类型';
COMMENT ON COLUMN escalation.supervision_assignment.level IS 'Level of the supervision: the department''s level (filled from it when omitted). 监管层级';
COMMENT ON COLUMN escalation.supervision_assignment.period IS 'Days the assignment holds: [first day, first day no longer); open end = current. 责任期间';
COMMENT ON COLUMN escalation.supervision_assignment.note IS 'Scope or basis of the assignment. 说明';
COMMENT ON COLUMN escalation.supervision_assignment.region IS 'Region of the unit (kept by trigger, for row-level security). 所属区划';
COMMENT ON COLUMN escalation.supervision_assignment.department_region IS 'Region of the department (kept by trigger), so that the unit''s district sees a supervision by a department outside it. 监管部门所属区划';
COMMENT ON COLUMN escalation.supervision_assignment.created_at IS 'When the assignment was entered. 录入时间';
COMMENT ON COLUMN escalation.supervision_assignment.created_by IS 'Role that entered it. 录入人';
SELECT pg_catalog.pg_extension_config_dump('escalation.supervision_assignment', '');
SELECT pg_catalog.pg_extension_config_dump('escalation.supervision_assignment_id_seq', '');
SELECT escalation.follow_unit_region('escalation.supervision_assignment');

-- Trigger: office and supervisor belong to the department; level is the department's.
CREATE FUNCTION escalation.supervision_assignment_check() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, escalation, pg_temp AS
$$
DECLARE
	dept escalation.department;
	o escalation.office;
	p escalation.person;
BEGIN
	SELECT * INTO dept FROM escalation.department WHERE id = NEW.department_id;
	IF NOT FOUND THEN
		RETURN NEW;
	END IF;
	NEW.department_region := dept.region;
	IF NEW.level IS NULL THEN
		NEW.level := dept.level;
	ELSIF NEW.level <> dept.level THEN
		RAISE EXCEPTION 'supervision level % does not match level % of department % ("%")',
				NEW.level, dept.level, dept.id, dept.name
			USING ERRCODE = 'check_violation',
				  DETAIL = 'A department supervises at its own level.',
				  HINT = 'Omit level to take the department''s.';
	END IF;
	-- An office or person the caller may not see is left to the foreign key,
	-- whose error is the same as for one that does not exist.
	IF NEW.office_id IS NOT NULL THEN
		SELECT * INTO o FROM escalation.office WHERE id = NEW.office_id AND escalation.caller_sees_region(region);
		IF FOUND AND o.department_id <> NEW.department_id THEN
			RAISE EXCEPTION 'office % ("%") belongs to department %, not to department % ("%")',
					o.id, o.name, o.department_id, dept.id, dept.name
				USING ERRCODE = 'foreign_key_violation', CONSTRAINT = 'supervision_assignment_office_of_department',
					  DETAIL = 'The responsible office is an office of the responsible department.';
		END IF;
	END IF;
	IF NEW.supervisor_id IS NOT NULL THEN
		SELECT * INTO p FROM escalation.person WHERE id = NEW.supervisor_id AND escalation.caller_sees_region(region);
		IF FOUND AND p.department_id <> NEW.department_id THEN
			RAISE EXCEPTION 'supervisor % ("%") belongs to department %, not to department % ("%")',
					p.id, p.name, p.department_id, dept.id, dept.name
				USING ERRCODE = 'foreign_key_violation', CONSTRAINT = 'supervision_assignment_supervisor_of_department',
					  DETAIL = 'The named supervisor is a person of the responsible department.';
		END IF;
	END IF;
	RETURN NEW;
END
$$;
COMMENT ON FUNCTION escalation.supervision_assignment_check() IS
	'Trigger: a supervision''s office and supervisor belong to its department, and its level is the department''s. 监管责任校验';
CREATE TRIGGER supervision_assignment_check BEFORE INSERT OR UPDATE ON escalation.supervision_assignment
	FOR EACH ROW EXECUTE FUNCTION escalation.supervision_assignment_check();

------------------------------------------------------------------------------
-- Labels (中文标签)
------------------------------------------------------------------------------

CREATE FUNCTION escalation.department_kind_label(kind escalation.department_kind) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN CASE kind
	WHEN 'party_committee' THEN '党委'
	WHEN 'government' THEN '人民政府'
	WHEN 'zone_committee' THEN '功能区管委会'
	WHEN 'safety_committee_office' THEN '安委会办公室'
	WHEN 'functional_department' THEN '职能部门'
	WHEN 'street_office' THEN '街道办事处/镇人民政府'
	WHEN 'other' THEN '其他单位'
END;
COMMENT ON FUNCTION escalation.department_kind_label(escalation.department_kind) IS
	'Chinese label of a department kind. 部门类别名称';

CREATE FUNCTION escalation.duty_role_label(role escalation.duty_role) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN CASE role
	WHEN 'first_responsible' THEN '第一责任人'
	WHEN 'responsible_in_charge' THEN '分管责任人'
	WHEN 'other_in_charge' THEN '其他分管责任人'
	WHEN 'lead_office' THEN '牵头处科室责任人'
	WHEN 'other_office' THEN '分工处科室责任人'
	WHEN 'liaison' THEN '联络员'
END;
COMMENT ON FUNCTION escalation.duty_role_label(escalation.duty_role) IS
	'Chinese label of a duty role. 责任类别名称';

------------------------------------------------------------------------------
-- The gap report (不落空挡、不留盲区)
------------------------------------------------------------------------------

CREATE TYPE escalation.gap_reason AS ENUM
	('unit_no_territorial', 'unit_no_industry', 'supervision_no_supervisor', 'supervision_outside_region',
	 'department_no_first_responsible', 'department_no_responsible_in_charge', 'department_no_lead_office',
	 'department_no_liaison', 'department_too_many_liaisons');
COMMENT ON TYPE escalation.gap_reason IS
	'Defect of the responsibility database: unit without territorial responsibility, unit without industry supervision, supervision without named supervisor, supervision by a department outside the unit''s region, department without first responsible person, without responsible-in-charge, without lead office, without liaison, with more than two liaisons. 监管责任缺项';

CREATE FUNCTION escalation.gap_reason_label(reason escalation.gap_reason) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN CASE reason
	WHEN 'unit_no_territorial' THEN '未落实属地管理责任'
	WHEN 'unit_no_industry' THEN '未落实行业监管（主管）责任'
	WHEN 'supervision_no_supervisor' THEN '监管责任未明确到人'
	WHEN 'supervision_outside_region' THEN '监管部门辖区不含单位所在地'
	WHEN 'department_no_first_responsible' THEN '未明确第一责任人'
	WHEN 'department_no_responsible_in_charge' THEN '未明确分管责任人'
	WHEN 'department_no_lead_office' THEN '未明确牵头处（科）室'
	WHEN 'department_no_liaison' THEN '未明确联络员'
	WHEN 'department_too_many_liaisons' THEN '联络员超过2名'
END;
COMMENT ON FUNCTION escalation.gap_reason_label(escalation.gap_reason) IS
	'Chinese label of a gap reason. 缺项名称';

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
	)
	SELECT x.reason, escalation.gap_reason_label(x.reason), x.region,
		coalesce(escalation.region_district(x.region), escalation.region_city(x.region)),
		x.unit_id, x.department_id, x.assignment_id, x.subject, x.detail
	FROM (SELECT * FROM unit_gap UNION ALL SELECT * FROM assignment_gap UNION ALL SELECT * FROM department_gap) x;
END;
COMMENT ON FUNCTION escalation.responsibility_gaps(date) IS
	'Every defect of the responsibility database on a day (不落空挡、不留盲区), limited to the rows the caller may see; closed units need no supervision. 监管责任缺项清单';

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
-- Row-level security and privileges
------------------------------------------------------------------------------

SELECT escalation.enable_region_security(t)
FROM unnest(ARRAY['escalation.unit', 'escalation.licence', 'escalation.safety_rule', 'escalation.unit_history',
				  'escalation.department', 'escalation.office', 'escalation.person', 'escalation.duty',
				  'escalation.supervision_assignment']::regclass[]) AS t;

-- History of duties and supervision is kept by ending periods; only the city
-- office deletes.
GRANT SELECT, INSERT, UPDATE, DELETE ON escalation.department, escalation.office, escalation.person,
	escalation.duty, escalation.supervision_assignment, escalation.user_region TO escalation_admin;
GRANT SELECT, INSERT, UPDATE ON escalation.department, escalation.office, escalation.person,
	escalation.duty, escalation.supervision_assignment TO escalation_user;
GRANT SELECT ON escalation.department, escalation.office, escalation.duty, escalation.supervision_assignment
	TO escalation_analyst;
GRANT SELECT (id, department_id, name, title, region) ON escalation.person TO escalation_analyst;
GRANT SELECT ON escalation.department_region_follower TO escalation_admin;
GRANT SELECT ON escalation.responsibility_gap TO escalation_admin, escalation_user, escalation_analyst;
GRANT SELECT ON escalation.responsibility_gap_summary
	TO escalation_admin, escalation_user, escalation_analyst, escalation_screen;

REVOKE ALL ON FUNCTION
	escalation.user_region_check_role(), escalation.acting_role(), escalation.current_region(),
	escalation.enable_region_security(regclass), escalation.department_check_tree(),
	escalation.set_region_from_department(), escalation.follow_department_region(regclass, name),
	escalation.propagate_department_region(), escalation.office_check_lead(), escalation.duty_check(),
	escalation.hand_over_duty(bigint, bigint, date), escalation.supervision_assignment_check(),
	escalation.department_kind_label(escalation.department_kind), escalation.duty_role_label(escalation.duty_role),
	escalation.gap_reason_label(escalation.gap_reason), escalation.responsibility_gaps(date),
	escalation.responsibility_gap_counts(date)
FROM PUBLIC;
GRANT EXECUTE ON FUNCTION
	escalation.acting_role(), escalation.current_region(),
	escalation.department_kind_label(escalation.department_kind), escalation.duty_role_label(escalation.duty_role),
	escalation.gap_reason_label(escalation.gap_reason), escalation.responsibility_gap_counts(date)
TO escalation_admin, escalation_user, escalation_analyst, escalation_screen;
GRANT EXECUTE ON FUNCTION escalation.responsibility_gaps(date) TO escalation_admin, escalation_user, escalation_analyst;
GRANT EXECUTE ON FUNCTION escalation.hand_over_duty(bigint, bigint, date) TO escalation_admin, escalation_user;
GRANT EXECUTE ON FUNCTION escalation.enable_region_security(regclass), escalation.follow_department_region(regclass, name)
	TO escalation_admin;
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
-- The dual prevention mechanism (双重预防机制, §11–13): which units §12 obliges to
-- run it, their enrolment under platform management, graded risk points and their
-- controls, scheduled hazard self-inspection tasks and the runs that prove the
-- mechanism works, the regulators' periodic assessment of each unit's safety state,
-- and the inspection frequency that differentiated supervision recommends.

------------------------------------------------------------------------------
-- Vocabulary (分类)
------------------------------------------------------------------------------

CREATE TYPE escalation.dp_risk_grade AS ENUM ('red', 'orange', 'yellow', 'blue');
COMMENT ON TYPE escalation.dp_risk_grade IS
	'Four-colour risk grade (安全风险四色分级): red 重大风险, orange 较大风险, yellow 一般风险, blue 低风险; sorts from highest to lowest.';

CREATE TYPE escalation.dp_control_level AS ENUM ('company', 'workshop', 'team', 'post');
COMMENT ON TYPE escalation.dp_control_level IS
	'Level that controls a risk or runs a check (分级管控): company 公司级, workshop 车间级, team 班组级, post 岗位级.';

CREATE TYPE escalation.dp_check_result AS ENUM ('normal', 'hazards_found');
COMMENT ON TYPE escalation.dp_check_result IS
	'Outcome of a scheduled self-inspection: normal 正常, hazards found 发现隐患 (either way the mechanism ran).';

CREATE TYPE escalation.safety_state AS ENUM ('good', 'fairly_good', 'average', 'poor');
COMMENT ON TYPE escalation.safety_state IS
	'Overall safety state of a unit from the regulators'' periodic assessment (安全生产状况整体评估, §13): good 好, fairly good 较好, average 一般, poor 差.';

CREATE FUNCTION escalation.dp_risk_grade_label(grade escalation.dp_risk_grade) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN CASE grade
	WHEN 'red' THEN '重大风险'
	WHEN 'orange' THEN '较大风险'
	WHEN 'yellow' THEN '一般风险'
	WHEN 'blue' THEN '低风险'
END;
COMMENT ON FUNCTION escalation.dp_risk_grade_label(escalation.dp_risk_grade) IS
	'Chinese label of a risk grade. 风险等级名称';

CREATE FUNCTION escalation.safety_state_label(state escalation.safety_state) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN CASE state
	WHEN 'good' THEN '好'
	WHEN 'fairly_good' THEN '较好'
	WHEN 'average' THEN '一般'
	WHEN 'poor' THEN '差'
END;
COMMENT ON FUNCTION escalation.safety_state_label(escalation.safety_state) IS
	'Chinese label of a safety state. 安全生产状况名称';

------------------------------------------------------------------------------
-- Who must run it (§12)
------------------------------------------------------------------------------

-- The §12 clauses that oblige a unit, from its industry and its own data.
CREATE FUNCTION escalation.dp_reasons(
	industry_scope escalation.dual_prevention_scope,
	industry_mandatory boolean,
	ammonia_refrigeration boolean,
	dust_workers integer
) RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN array_remove(ARRAY[
	CASE WHEN industry_mandatory THEN industry_scope::text END,
	CASE WHEN industry_scope = 'food_processing' AND ammonia_refrigeration
		 AND NOT coalesce(industry_mandatory, false) THEN 'food_processing' END,
	CASE WHEN dust_workers > 10
		 AND NOT (coalesce(industry_mandatory, false) AND industry_scope = 'dust') THEN 'dust' END
], NULL);
COMMENT ON FUNCTION escalation.dp_reasons(escalation.dual_prevention_scope, boolean, boolean, integer) IS
	'The §12 clauses that make dual prevention mandatory, one rule at a time: an industry marked mandatory (non-coal mine 非煤矿山, metal smelting 金属冶炼, hazardous-chemical production or storage 危险化学品生产、储存, or any industry the city marks); food processing with ammonia refrigeration (食品加工类涉氨制冷); more than 10 workers in dust operations (粉尘作业人员大于10人), in any industry. Returns the clause codes (dual_prevention_scope values). 双重预防机制强制建设条款';

CREATE FUNCTION escalation.dp_reason_label(reason text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN CASE reason
	WHEN 'non_coal_mine' THEN '非煤矿山'
	WHEN 'metal_smelting' THEN '金属冶炼'
	WHEN 'hazardous_chemicals' THEN '危险化学品生产、储存'
	WHEN 'food_processing' THEN '食品加工类涉氨制冷'
	WHEN 'dust' THEN '具有粉尘作业场所且作业人员大于10人'
	ELSE reason
END;
COMMENT ON FUNCTION escalation.dp_reason_label(text) IS
	'Chinese wording of a §12 clause code. 条款名称';

-- Whether §12 obliges a unit to run dual prevention, and why.
CREATE FUNCTION escalation.dual_prevention_required(unit_id bigint)
RETURNS TABLE (required boolean, reasons text[], reason_labels text[], exemption text)
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, escalation, pg_temp AS
$$
#variable_conflict use_column
DECLARE
	u escalation.unit;
	i escalation.industry;
	matched text[];
BEGIN
	SELECT * INTO u FROM escalation.unit x WHERE x.id = dual_prevention_required.unit_id;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'unit % does not exist', coalesce(dual_prevention_required.unit_id::text, 'NULL')
			USING ERRCODE = 'no_data_found', DETAIL = 'There is no unit with this id that you may see.';
	END IF;
	SELECT * INTO i FROM escalation.industry x WHERE x.code = u.industry_code;
	matched := escalation.dp_reasons(i.dual_prevention_scope, coalesce(i.dual_prevention_mandatory, false),
									 u.ammonia_refrigeration, u.dust_workers);
	exemption := CASE
		WHEN u.business_status = 'closed' THEN 'closed'
		WHEN u.social_function <> 'enterprise' THEN 'not_enterprise'
	END;
	required := cardinality(matched) > 0 AND exemption IS NULL;
	reasons := matched;
	reason_labels := ARRAY(SELECT escalation.dp_reason_label(r) FROM unnest(matched) WITH ORDINALITY AS m (r, n) ORDER BY n);
	IF cardinality(matched) = 0 THEN
		exemption := NULL;
	END IF;
	RETURN NEXT;
END
$$;
COMMENT ON FUNCTION escalation.dual_prevention_required(bigint) IS
	'Whether §12 makes the dual prevention mechanism mandatory for a unit (required), the clauses that apply (reasons, reason_labels), and why a unit that matches is nevertheless exempt (exemption: closed, or not_enterprise since §12 names enterprises). 是否必须建立双重预防机制';

------------------------------------------------------------------------------
-- Enrolment under platform management (纳入平台管理)
------------------------------------------------------------------------------

CREATE TABLE escalation.dual_prevention (
	unit_id bigint NOT NULL,
	since timestamptz NOT NULL DEFAULT statement_timestamp(),
	enrolled_by bigint,
	note text,
	withdrawn_at timestamptz,
	withdraw_reason text,
	region escalation.region NOT NULL,
	created_at timestamptz NOT NULL DEFAULT statement_timestamp(),
	created_by name NOT NULL DEFAULT CURRENT_USER,
	CONSTRAINT dual_prevention_pkey PRIMARY KEY (unit_id),
	CONSTRAINT dual_prevention_unit_fkey FOREIGN KEY (unit_id) REFERENCES escalation.unit (id),
	CONSTRAINT dual_prevention_enrolled_by_fkey FOREIGN KEY (enrolled_by) REFERENCES escalation.department (id),
	CONSTRAINT dual_prevention_withdrawn_after_since CHECK (withdrawn_at >= since),
	CONSTRAINT dual_prevention_withdrawal_has_reason CHECK (withdrawn_at IS NULL OR nullif(btrim(withdraw_reason), '') IS NOT NULL)
);
CREATE INDEX dual_prevention_region_idx ON escalation.dual_prevention (region);
COMMENT ON TABLE escalation.dual_prevention IS
	'Units whose dual prevention mechanism is under platform management (纳入平台管理, §12): from since, every scheduled self-inspection is recorded in escalation.dp_run, and 7 days without one starts the dual_prevention_idle warning ladder (§19). 双重预防机制平台管理单位';
COMMENT ON COLUMN escalation.dual_prevention.unit_id IS 'The unit. 单位';
COMMENT ON COLUMN escalation.dual_prevention.since IS 'When it came under platform management (or came back after a withdrawal); starts the first 7-day clock. 纳入管理时间';
COMMENT ON COLUMN escalation.dual_prevention.enrolled_by IS 'Department that enrolled it. 纳入部门';
COMMENT ON COLUMN escalation.dual_prevention.note IS 'Notes, e.g. the §12 clause or a voluntary enrolment (有序开展). 备注';
COMMENT ON COLUMN escalation.dual_prevention.withdrawn_at IS 'When it left platform management (e.g. the unit closed); no run is recorded and no idle stage is due from then on. 退出管理时间';
COMMENT ON COLUMN escalation.dual_prevention.withdraw_reason IS 'Why it left. 退出原因';
COMMENT ON COLUMN escalation.dual_prevention.region IS 'Region of the unit (kept by trigger, for row-level security). 所属区划';
COMMENT ON COLUMN escalation.dual_prevention.created_at IS 'When the enrolment was entered. 录入时间';
COMMENT ON COLUMN escalation.dual_prevention.created_by IS 'Role that entered it. 录入人';
SELECT pg_catalog.pg_extension_config_dump('escalation.dual_prevention', '');
SELECT escalation.follow_unit_region('escalation.dual_prevention');

-- Trigger: the enrolment clock moves only by a re-enrolment after a withdrawal.
CREATE FUNCTION escalation.dual_prevention_check() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, escalation, pg_temp AS
$$
BEGIN
	IF TG_OP = 'INSERT' THEN
		IF NOT escalation.restoring() THEN
			NEW.created_by := escalation.acting_role();
		END IF;
	ELSE
		NEW.created_at := OLD.created_at;
		NEW.created_by := OLD.created_by;
		IF NEW.unit_id <> OLD.unit_id THEN
			RAISE EXCEPTION 'unit_id of a dual prevention enrolment cannot be changed'
				USING ERRCODE = 'object_not_in_prerequisite_state';
		END IF;
		IF NEW.since <> OLD.since AND (OLD.withdrawn_at IS NULL OR NEW.withdrawn_at IS NOT NULL OR NEW.since < OLD.withdrawn_at) THEN
			RAISE EXCEPTION 'since of the dual prevention enrolment of unit % cannot move from % to %', OLD.unit_id, OLD.since, NEW.since
				USING ERRCODE = 'object_not_in_prerequisite_state',
					  DETAIL = 'The enrolment time changes only when a withdrawn unit is enrolled again, at or after its withdrawal.',
					  HINT = 'Use escalation.dp_enrol() to enrol a withdrawn unit again.';
		END IF;
		IF OLD.withdrawn_at IS NOT NULL AND NEW.withdrawn_at IS NOT NULL AND NEW.withdrawn_at <> OLD.withdrawn_at THEN
			RAISE EXCEPTION 'unit % was already withdrawn from dual prevention management at %', OLD.unit_id, OLD.withdrawn_at
				USING ERRCODE = 'object_not_in_prerequisite_state';
		END IF;
		IF OLD.withdrawn_at IS NULL AND NEW.withdrawn_at < greatest(OLD.since,
				(SELECT max(r.ran_at) FROM escalation.dp_run r WHERE r.unit_id = OLD.unit_id)) THEN
			RAISE EXCEPTION 'withdrawn_at % of unit % is before its enrolment or its last recorded run', NEW.withdrawn_at, OLD.unit_id
				USING ERRCODE = 'check_violation';
		END IF;
	END IF;
	IF NEW.withdrawn_at < NEW.since THEN
		RAISE EXCEPTION 'withdrawn_at % of unit % is before its enrolment since %', NEW.withdrawn_at, NEW.unit_id, NEW.since
			USING ERRCODE = 'check_violation', CONSTRAINT = 'dual_prevention_withdrawn_after_since';
	END IF;
	IF NEW.withdrawn_at IS NOT NULL AND nullif(btrim(NEW.withdraw_reason), '') IS NULL THEN
		RAISE EXCEPTION 'withdrawing unit % from dual prevention management needs withdraw_reason', NEW.unit_id
			USING ERRCODE = 'not_null_violation', CONSTRAINT = 'dual_prevention_withdrawal_has_reason';
	END IF;
	RETURN NEW;
END
$$;
COMMENT ON FUNCTION escalation.dual_prevention_check() IS
	'Trigger: an enrolment''s since moves only when a withdrawn unit is enrolled again; a withdrawal is final until then, comes after the enrolment and the last run, and has a reason. 纳入管理校验';
CREATE TRIGGER dual_prevention_check BEFORE INSERT OR UPDATE ON escalation.dual_prevention
	FOR EACH ROW EXECUTE FUNCTION escalation.dual_prevention_check();

-- Enrol a unit, or enrol a withdrawn unit again.
CREATE FUNCTION escalation.dp_enrol(
	unit_id bigint,
	enrolled_by bigint,
	since timestamptz DEFAULT statement_timestamp(),
	note text DEFAULT NULL
) RETURNS escalation.dual_prevention
LANGUAGE plpgsql SET search_path = pg_catalog, escalation, pg_temp AS
$$
#variable_conflict use_column
DECLARE
	u escalation.unit;
	d escalation.dual_prevention;
BEGIN
	PERFORM escalation.require_argument(dp_enrol.enrolled_by, 'enrolled_by');
	PERFORM escalation.require_argument(dp_enrol.since, 'since');
	SELECT * INTO u FROM escalation.unit x WHERE x.id = dp_enrol.unit_id;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'unit % does not exist', coalesce(dp_enrol.unit_id::text, 'NULL') USING ERRCODE = 'no_data_found';
	END IF;
	IF u.business_status = 'closed' THEN
		RAISE EXCEPTION 'unit % ("%") is closed and cannot be enrolled in dual prevention management', u.id, u.name
			USING ERRCODE = 'object_not_in_prerequisite_state';
	END IF;
	SELECT * INTO d FROM escalation.dual_prevention x WHERE x.unit_id = u.id FOR UPDATE;
	IF NOT FOUND THEN
		INSERT INTO escalation.dual_prevention (unit_id, since, enrolled_by, note)
		VALUES (u.id, dp_enrol.since, dp_enrol.enrolled_by, dp_enrol.note)
		RETURNING * INTO d;
	ELSIF d.withdrawn_at IS NULL THEN
		RAISE EXCEPTION 'unit % is already under dual prevention management since %', u.id, d.since
			USING ERRCODE = 'unique_violation', CONSTRAINT = 'dual_prevention_pkey';
	ELSE
		UPDATE escalation.dual_prevention
		SET since = dp_enrol.since, enrolled_by = dp_enrol.enrolled_by, note = dp_enrol.note,
			withdrawn_at = NULL, withdraw_reason = NULL
		WHERE unit_id = u.id
		RETURNING * INTO d;
	END IF;
	RETURN d;
END
$$;
COMMENT ON FUNCTION escalation.dp_enrol(bigint, bigint, timestamptz, text) IS
	'Brings a unit that is not closed under platform dual prevention management (纳入平台管理) from since, or brings a withdrawn unit back; since starts the 7-day idle clock. 纳入双重预防机制管理';

-- Withdraw a unit from platform management.
CREATE FUNCTION escalation.dp_withdraw(
	unit_id bigint,
	reason text,
	withdrawn_at timestamptz DEFAULT statement_timestamp()
) RETURNS escalation.dual_prevention
LANGUAGE plpgsql SET search_path = pg_catalog, escalation, pg_temp AS
$$
#variable_conflict use_column
DECLARE
	d escalation.dual_prevention;
BEGIN
	PERFORM escalation.require_argument(dp_withdraw.reason, 'reason');
	PERFORM escalation.require_argument(dp_withdraw.withdrawn_at, 'withdrawn_at');
	SELECT * INTO d FROM escalation.dual_prevention x WHERE x.unit_id = dp_withdraw.unit_id FOR UPDATE;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'unit % is not enrolled in dual prevention management', coalesce(dp_withdraw.unit_id::text, 'NULL')
			USING ERRCODE = 'no_data_found';
	END IF;
	IF d.withdrawn_at IS NOT NULL THEN
		RAISE EXCEPTION 'unit % was already withdrawn from dual prevention management at %', d.unit_id, d.withdrawn_at
			USING ERRCODE = 'object_not_in_prerequisite_state';
	END IF;
	UPDATE escalation.dual_prevention
	SET withdrawn_at = dp_withdraw.withdrawn_at, withdraw_reason = dp_withdraw.reason
	WHERE unit_id = d.unit_id
	RETURNING * INTO d;
	RETURN d;
END
$$;
COMMENT ON FUNCTION escalation.dp_withdraw(bigint, text, timestamptz) IS
	'Takes a unit out of platform dual prevention management (e.g. closed or relocated) with the reason; its records stay. 退出双重预防机制管理';

-- Trigger: a unit that closes leaves dual prevention management.
CREATE FUNCTION escalation.dual_prevention_unit_closed() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, escalation, pg_temp AS
$$
BEGIN
	UPDATE escalation.dual_prevention d
	SET withdrawn_at = greatest(statement_timestamp(), d.since,
								(SELECT max(r.ran_at) FROM escalation.dp_run r WHERE r.unit_id = d.unit_id)),
		withdraw_reason = '单位关闭注销'
	WHERE d.unit_id = NEW.id AND d.withdrawn_at IS NULL;
	RETURN NULL;
END
$$;
COMMENT ON FUNCTION escalation.dual_prevention_unit_closed() IS
	'Trigger: when a unit''s business status becomes closed, withdraws it from dual prevention management (退出管理: 单位关闭注销). 单位关闭退出管理';
CREATE TRIGGER unit_dual_prevention_closed AFTER UPDATE OF business_status ON escalation.unit
	FOR EACH ROW WHEN (NEW.business_status = 'closed' AND OLD.business_status IS DISTINCT FROM 'closed')
	EXECUTE FUNCTION escalation.dual_prevention_unit_closed();

------------------------------------------------------------------------------
-- Risk points and scheduled checks (风险分级管控、隐患排查治理)
------------------------------------------------------------------------------

CREATE TABLE escalation.dp_risk_point (
	id bigint GENERATED BY DEFAULT AS IDENTITY,
	unit_id bigint NOT NULL,
	name text NOT NULL,
	location text,
	risk_grade escalation.dp_risk_grade NOT NULL,
	hazard_factors text,
	control_measures text NOT NULL,
	control_level escalation.dp_control_level NOT NULL DEFAULT 'workshop',
	responsible text,
	identified_on date NOT NULL DEFAULT current_date,
	retired_on date,
	region escalation.region NOT NULL,
	CONSTRAINT dp_risk_point_pkey PRIMARY KEY (id),
	CONSTRAINT dp_risk_point_id_unit_key UNIQUE (id, unit_id),
	CONSTRAINT dp_risk_point_enrolled FOREIGN KEY (unit_id) REFERENCES escalation.dual_prevention (unit_id),
	CONSTRAINT dp_risk_point_name_not_blank CHECK (btrim(name) <> ''),
	CONSTRAINT dp_risk_point_measures_not_blank CHECK (btrim(control_measures) <> ''),
	CONSTRAINT dp_risk_point_retired_after_identified CHECK (retired_on >= identified_on)
);
CREATE INDEX dp_risk_point_unit_idx ON escalation.dp_risk_point (unit_id);
CREATE INDEX dp_risk_point_region_idx ON escalation.dp_risk_point (region);
COMMENT ON TABLE escalation.dp_risk_point IS
	'Risk points of a unit graded in four colours with their control measures (安全风险分级管控). 风险点';
COMMENT ON COLUMN escalation.dp_risk_point.id IS 'Risk point id (generated). 风险点编号';
COMMENT ON COLUMN escalation.dp_risk_point.unit_id IS 'The unit (enrolled in dual prevention management). 单位';
COMMENT ON COLUMN escalation.dp_risk_point.name IS 'Risk point, e.g. 液氨储罐区, 喷涂车间. 风险点名称';
COMMENT ON COLUMN escalation.dp_risk_point.location IS 'Where. 所在位置';
COMMENT ON COLUMN escalation.dp_risk_point.risk_grade IS 'Red, orange, yellow or blue. 风险等级';
COMMENT ON COLUMN escalation.dp_risk_point.hazard_factors IS 'Hazardous factors identified. 危险有害因素';
COMMENT ON COLUMN escalation.dp_risk_point.control_measures IS 'Control measures (engineering, management, training, protection, emergency). 管控措施';
COMMENT ON COLUMN escalation.dp_risk_point.control_level IS 'Level that controls it: company, workshop, team or post. 管控层级';
COMMENT ON COLUMN escalation.dp_risk_point.responsible IS 'Who at the unit is responsible for its control. 管控责任人';
COMMENT ON COLUMN escalation.dp_risk_point.identified_on IS 'Date identified and graded. 辨识日期';
COMMENT ON COLUMN escalation.dp_risk_point.retired_on IS 'Date it ceased to exist (process changed, equipment removed); NULL = current. 撤销日期';
COMMENT ON COLUMN escalation.dp_risk_point.region IS 'Region of the unit (kept by trigger, for row-level security). 所属区划';
SELECT pg_catalog.pg_extension_config_dump('escalation.dp_risk_point', '');
SELECT pg_catalog.pg_extension_config_dump('escalation.dp_risk_point_id_seq', '');
SELECT escalation.follow_unit_region('escalation.dp_risk_point');

CREATE TABLE escalation.dp_check_task (
	id bigint GENERATED BY DEFAULT AS IDENTITY,
	unit_id bigint NOT NULL,
	risk_point_id bigint,
	name text NOT NULL,
	content text,
	every interval NOT NULL,
	control_level escalation.dp_control_level NOT NULL DEFAULT 'post',
	starts_at timestamptz NOT NULL DEFAULT statement_timestamp(),
	active boolean NOT NULL DEFAULT true,
	region escalation.region NOT NULL,
	CONSTRAINT dp_check_task_pkey PRIMARY KEY (id),
	CONSTRAINT dp_check_task_id_unit_key UNIQUE (id, unit_id),
	CONSTRAINT dp_check_task_enrolled FOREIGN KEY (unit_id) REFERENCES escalation.dual_prevention (unit_id),
	CONSTRAINT dp_check_task_risk_point_of_unit FOREIGN KEY (risk_point_id, unit_id)
		REFERENCES escalation.dp_risk_point (id, unit_id),
	CONSTRAINT dp_check_task_name_not_blank CHECK (btrim(name) <> ''),
	CONSTRAINT dp_check_task_every_positive CHECK (every >= interval '1 hour' AND every <= interval '366 days')
);
CREATE INDEX dp_check_task_unit_idx ON escalation.dp_check_task (unit_id);
CREATE INDEX dp_check_task_region_idx ON escalation.dp_check_task (region);
COMMENT ON TABLE escalation.dp_check_task IS
	'Scheduled hazard self-inspection tasks of a unit (隐患排查任务), each repeating every interval, usually tied to a risk point; each completed check is a row of escalation.dp_run. 隐患排查任务';
COMMENT ON COLUMN escalation.dp_check_task.id IS 'Task id (generated). 任务编号';
COMMENT ON COLUMN escalation.dp_check_task.unit_id IS 'The unit (enrolled). 单位';
COMMENT ON COLUMN escalation.dp_check_task.risk_point_id IS 'Risk point whose controls it checks, of the same unit. 风险点';
COMMENT ON COLUMN escalation.dp_check_task.name IS 'Task, e.g. 液氨储罐区日常巡检. 任务名称';
COMMENT ON COLUMN escalation.dp_check_task.content IS 'What is checked. 排查内容';
COMMENT ON COLUMN escalation.dp_check_task.every IS 'How often: between 1 hour and 366 days, e.g. ''1 day'', ''7 days''. 排查周期';
COMMENT ON COLUMN escalation.dp_check_task.control_level IS 'Level that runs it: company, workshop, team or post. 排查层级';
COMMENT ON COLUMN escalation.dp_check_task.starts_at IS 'When the schedule starts; the first check is due one interval later. 开始时间';
COMMENT ON COLUMN escalation.dp_check_task.active IS 'Still scheduled. 是否启用';
COMMENT ON COLUMN escalation.dp_check_task.region IS 'Region of the unit (kept by trigger, for row-level security). 所属区划';
COMMENT ON CONSTRAINT dp_check_task_every_positive ON escalation.dp_check_task IS
	'A check repeats at least yearly and at most hourly. 排查周期须在1小时至366天之间';
SELECT pg_catalog.pg_extension_config_dump('escalation.dp_check_task', '');
SELECT pg_catalog.pg_extension_config_dump('escalation.dp_check_task_id_seq', '');
SELECT escalation.follow_unit_region('escalation.dp_check_task');

------------------------------------------------------------------------------
-- Runs: records of normal running (正常运行记录)
------------------------------------------------------------------------------

CREATE TABLE escalation.dp_run (
	id bigint GENERATED BY DEFAULT AS IDENTITY,
	unit_id bigint NOT NULL,
	ran_at timestamptz NOT NULL DEFAULT statement_timestamp(),
	task_id bigint,
	result escalation.dp_check_result NOT NULL DEFAULT 'normal',
	hazard_id bigint,
	checked_by text,
	note text,
	region escalation.region NOT NULL,
	recorded_at timestamptz NOT NULL DEFAULT statement_timestamp(),
	recorded_by name NOT NULL DEFAULT CURRENT_USER,
	CONSTRAINT dp_run_pkey PRIMARY KEY (id),
	CONSTRAINT dp_run_enrolled FOREIGN KEY (unit_id) REFERENCES escalation.dual_prevention (unit_id),
	CONSTRAINT dp_run_task_of_unit FOREIGN KEY (task_id, unit_id) REFERENCES escalation.dp_check_task (id, unit_id),
	CONSTRAINT dp_run_hazard_fkey FOREIGN KEY (hazard_id) REFERENCES escalation.hazard (id),
	CONSTRAINT dp_run_hazard_means_found CHECK (hazard_id IS NULL OR result = 'hazards_found')
);
CREATE INDEX dp_run_unit_idx ON escalation.dp_run (unit_id, ran_at);
CREATE INDEX dp_run_task_idx ON escalation.dp_run (task_id, ran_at) WHERE task_id IS NOT NULL;
CREATE INDEX dp_run_region_idx ON escalation.dp_run (region);
COMMENT ON TABLE escalation.dp_run IS
	'Records of normal running of the dual prevention mechanism (正常运行记录): each row is a completed scheduled self-inspection of an enrolled unit, whatever it found; each run restarts the unit''s 7-day idle clock (§19). 双重预防机制运行记录';
COMMENT ON COLUMN escalation.dp_run.id IS 'Run id (generated). 记录编号';
COMMENT ON COLUMN escalation.dp_run.unit_id IS 'The unit; must be under dual prevention management at ran_at. 单位';
COMMENT ON COLUMN escalation.dp_run.ran_at IS 'When the check was completed; at or after the enrolment, before any withdrawal; fixed once recorded. 排查时间';
COMMENT ON COLUMN escalation.dp_run.task_id IS 'The scheduled task completed, of the same unit. 排查任务';
COMMENT ON COLUMN escalation.dp_run.result IS 'normal or hazards_found. 排查结果';
COMMENT ON COLUMN escalation.dp_run.hazard_id IS 'The hazard self-reported from this check, if any. 上报隐患';
COMMENT ON COLUMN escalation.dp_run.checked_by IS 'Who at the unit checked. 排查人';
COMMENT ON COLUMN escalation.dp_run.note IS 'Notes. 备注';
COMMENT ON COLUMN escalation.dp_run.region IS 'Region of the unit (kept by trigger, for row-level security). 所属区划';
COMMENT ON COLUMN escalation.dp_run.recorded_at IS 'When it was recorded. 录入时间';
COMMENT ON COLUMN escalation.dp_run.recorded_by IS 'Role that recorded it. 录入人';
SELECT pg_catalog.pg_extension_config_dump('escalation.dp_run', '');
SELECT pg_catalog.pg_extension_config_dump('escalation.dp_run_id_seq', '');
SELECT escalation.follow_unit_region('escalation.dp_run');

-- Trigger: a run belongs to an enrolled unit within its enrolment, and its time
-- and unit are fixed once recorded.
CREATE FUNCTION escalation.dp_run_check() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, escalation, pg_temp AS
$$
DECLARE
	d escalation.dual_prevention;
	hazard_unit bigint;
BEGIN
	IF TG_OP = 'UPDATE' THEN
		IF NEW.unit_id <> OLD.unit_id OR NEW.ran_at <> OLD.ran_at OR NEW.task_id IS DISTINCT FROM OLD.task_id THEN
			RAISE EXCEPTION 'unit, time and task of dual prevention run % cannot be changed', OLD.id
				USING ERRCODE = 'object_not_in_prerequisite_state',
					  DETAIL = 'A run is a record of a completed check; the warning ladder depends on its time.';
		END IF;
		NEW.recorded_at := OLD.recorded_at;
		NEW.recorded_by := OLD.recorded_by;
	ELSE
		-- An enrolment or hazard the caller may not see is one that is not there.
		SELECT * INTO d FROM escalation.dual_prevention x
		WHERE x.unit_id = NEW.unit_id AND escalation.caller_sees_region(x.region);
		IF NOT FOUND THEN
			RAISE EXCEPTION 'unit % is not enrolled in dual prevention management', NEW.unit_id
				USING ERRCODE = 'foreign_key_violation', CONSTRAINT = 'dp_run_enrolled',
					  DETAIL = 'A run of the mechanism is recorded only for a unit under platform management (escalation.dual_prevention).',
					  HINT = 'Enrol the unit first with escalation.dp_enrol().';
		END IF;
		IF NEW.ran_at < d.since THEN
			RAISE EXCEPTION 'dual prevention run of unit % at % is before its enrolment at %', NEW.unit_id, NEW.ran_at, d.since
				USING ERRCODE = 'check_violation';
		END IF;
		IF NEW.ran_at >= d.withdrawn_at THEN
			RAISE EXCEPTION 'dual prevention run of unit % at % is after its withdrawal at %', NEW.unit_id, NEW.ran_at, d.withdrawn_at
				USING ERRCODE = 'object_not_in_prerequisite_state',
					  DETAIL = format('The unit left platform management: %s.', d.withdraw_reason);
		END IF;
		IF NOT escalation.restoring() THEN
			NEW.recorded_by := escalation.acting_role();
		END IF;
	END IF;
	IF NEW.hazard_id IS NOT NULL THEN
		SELECT h.unit_id INTO hazard_unit FROM escalation.hazard h
		WHERE h.id = NEW.hazard_id AND escalation.caller_sees_region(h.region);
		IF NOT FOUND THEN
			RAISE EXCEPTION 'hazard % does not exist', NEW.hazard_id
				USING ERRCODE = 'foreign_key_violation', DETAIL = 'dp_run.hazard_id must name a hazard you can see.';
		ELSIF hazard_unit <> NEW.unit_id THEN
			RAISE EXCEPTION 'hazard % belongs to unit %, not to unit % of the run', NEW.hazard_id, hazard_unit, NEW.unit_id
				USING ERRCODE = 'foreign_key_violation';
		END IF;
	END IF;
	RETURN NEW;
END
$$;
COMMENT ON FUNCTION escalation.dp_run_check() IS
	'Trigger: rejects a run for a unit not enrolled, before its enrolment or after its withdrawal, a hazard of another unit, and any change of a run''s unit, time or task. 运行记录校验';
CREATE TRIGGER dp_run_check BEFORE INSERT OR UPDATE ON escalation.dp_run
	FOR EACH ROW EXECUTE FUNCTION escalation.dp_run_check();

-- Record a completed scheduled check.
CREATE FUNCTION escalation.dp_record_run(
	unit_id bigint,
	task_id bigint DEFAULT NULL,
	result escalation.dp_check_result DEFAULT NULL,
	checked_by text DEFAULT NULL,
	note text DEFAULT NULL,
	ran_at timestamptz DEFAULT statement_timestamp(),
	hazard_id bigint DEFAULT NULL
) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, escalation, pg_temp AS
$$
#variable_conflict use_column
DECLARE
	new_id bigint;
BEGIN
	PERFORM escalation.require_argument(dp_record_run.unit_id, 'unit_id');
	PERFORM escalation.require_argument(dp_record_run.ran_at, 'ran_at');
	INSERT INTO escalation.dp_run (unit_id, task_id, result, checked_by, note, ran_at, hazard_id)
	VALUES (dp_record_run.unit_id, dp_record_run.task_id,
			coalesce(dp_record_run.result, CASE WHEN dp_record_run.hazard_id IS NULL THEN 'normal' ELSE 'hazards_found' END::escalation.dp_check_result),
			dp_record_run.checked_by, dp_record_run.note, dp_record_run.ran_at, dp_record_run.hazard_id)
	RETURNING id INTO new_id;
	RETURN new_id;
END
$$;
COMMENT ON FUNCTION escalation.dp_record_run(bigint, bigint, escalation.dp_check_result, text, text, timestamptz, bigint) IS
	'Records a completed scheduled self-inspection of an enrolled unit (a normal run of the mechanism, 正常运行记录), optionally of a task and with the hazard it found (result defaults to hazards_found when a hazard is given, else normal); returns the run id. 记录排查运行';

------------------------------------------------------------------------------
-- Periodic overall assessment (安全生产状况整体评估, §13)
------------------------------------------------------------------------------

CREATE TABLE escalation.dp_assessment (
	id bigint GENERATED BY DEFAULT AS IDENTITY,
	unit_id bigint NOT NULL,
	assessed_at timestamptz NOT NULL DEFAULT statement_timestamp(),
	department_id bigint NOT NULL,
	state escalation.safety_state NOT NULL,
	score numeric(5, 2),
	findings text,
	region escalation.region NOT NULL,
	created_at timestamptz NOT NULL DEFAULT statement_timestamp(),
	created_by name NOT NULL DEFAULT CURRENT_USER,
	CONSTRAINT dp_assessment_pkey PRIMARY KEY (id),
	CONSTRAINT dp_assessment_enrolled FOREIGN KEY (unit_id) REFERENCES escalation.dual_prevention (unit_id),
	CONSTRAINT dp_assessment_department_fkey FOREIGN KEY (department_id) REFERENCES escalation.department (id),
	CONSTRAINT dp_assessment_score_range CHECK (score BETWEEN 0 AND 100)
);
CREATE INDEX dp_assessment_unit_idx ON escalation.dp_assessment (unit_id, assessed_at);
CREATE INDEX dp_assessment_region_idx ON escalation.dp_assessment (region);
COMMENT ON TABLE escalation.dp_assessment IS
	'Periodic overall assessments of an enrolled unit''s safety state by its regulators (安全生产状况整体评估, §13); the latest one within a year drives the recommended inspection frequency. 安全生产状况评估';
COMMENT ON COLUMN escalation.dp_assessment.id IS 'Assessment id (generated). 评估编号';
COMMENT ON COLUMN escalation.dp_assessment.unit_id IS 'The unit (enrolled). 单位';
COMMENT ON COLUMN escalation.dp_assessment.assessed_at IS 'When it was assessed. 评估时间';
COMMENT ON COLUMN escalation.dp_assessment.department_id IS 'Department that assessed it. 评估部门';
COMMENT ON COLUMN escalation.dp_assessment.state IS 'Good, fairly good, average or poor. 评估结论';
COMMENT ON COLUMN escalation.dp_assessment.score IS 'Score 0..100, when the method gives one. 评估得分';
COMMENT ON COLUMN escalation.dp_assessment.findings IS 'Findings in words. 评估意见';
COMMENT ON COLUMN escalation.dp_assessment.region IS 'Region of the unit (kept by trigger, for row-level security). 所属区划';
COMMENT ON COLUMN escalation.dp_assessment.created_at IS 'When it was entered. 录入时间';
COMMENT ON COLUMN escalation.dp_assessment.created_by IS 'Role that entered it. 录入人';
SELECT pg_catalog.pg_extension_config_dump('escalation.dp_assessment', '');
SELECT pg_catalog.pg_extension_config_dump('escalation.dp_assessment_id_seq', '');
SELECT escalation.follow_unit_region('escalation.dp_assessment');

------------------------------------------------------------------------------
-- Differentiated supervision (差异化、精准化动态监管, §13)
------------------------------------------------------------------------------

-- Days between inspections recommended for a unit's highest risk and its state.
CREATE FUNCTION escalation.dp_inspection_interval(highest_risk escalation.dp_risk_grade, state escalation.safety_state)
RETURNS integer
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN CASE coalesce(highest_risk, 'blue')
	WHEN 'red' THEN CASE state WHEN 'good' THEN 60 WHEN 'fairly_good' THEN 30 WHEN 'average' THEN 15 WHEN 'poor' THEN 7 ELSE 15 END
	WHEN 'orange' THEN CASE state WHEN 'good' THEN 90 WHEN 'fairly_good' THEN 60 WHEN 'average' THEN 30 WHEN 'poor' THEN 15 ELSE 30 END
	WHEN 'yellow' THEN CASE state WHEN 'good' THEN 180 WHEN 'fairly_good' THEN 90 WHEN 'average' THEN 60 WHEN 'poor' THEN 30 ELSE 60 END
	ELSE CASE state WHEN 'good' THEN 365 WHEN 'fairly_good' THEN 180 WHEN 'average' THEN 90 WHEN 'poor' THEN 60 ELSE 90 END
END;
COMMENT ON FUNCTION escalation.dp_inspection_interval(escalation.dp_risk_grade, escalation.safety_state) IS
	'Recommended days between regulators'' inspections (差异化监管频次) from the unit''s highest current risk grade (NULL = no risk point, as blue) and its latest assessment (NULL = none within a year): red 60/30/15/7 (15), orange 90/60/30/15 (30), yellow 180/90/60/30 (60), blue 365/180/90/60 (90) for good/fairly good/average/poor (not assessed). 建议检查间隔（天）';

CREATE VIEW escalation.dp_supervision WITH (security_invoker = true) AS
	SELECT d.unit_id, u.name AS unit_name, u.region, escalation.region_district(u.region) AS district,
		r.highest_risk, escalation.dp_risk_grade_label(r.highest_risk) AS highest_risk_label,
		coalesce(r.red, 0) AS red_points, coalesce(r.orange, 0) AS orange_points,
		coalesce(r.yellow, 0) AS yellow_points, coalesce(r.blue, 0) AS blue_points,
		a.state AS safety_state, escalation.safety_state_label(a.state) AS safety_state_label, a.assessed_at,
		escalation.dp_inspection_interval(r.highest_risk, a.state) AS interval_days,
		i.last_inspected_at,
		coalesce(i.last_inspected_at, d.since) + make_interval(days => escalation.dp_inspection_interval(r.highest_risk, a.state))
			AS next_inspection_due,
		coalesce(i.last_inspected_at, d.since) + make_interval(days => escalation.dp_inspection_interval(r.highest_risk, a.state))
			< statement_timestamp() AS inspection_due
	FROM escalation.dual_prevention d
	JOIN escalation.unit u ON u.id = d.unit_id
	LEFT JOIN LATERAL (
		SELECT min(p.risk_grade) AS highest_risk,
			count(*) FILTER (WHERE p.risk_grade = 'red') AS red, count(*) FILTER (WHERE p.risk_grade = 'orange') AS orange,
			count(*) FILTER (WHERE p.risk_grade = 'yellow') AS yellow, count(*) FILTER (WHERE p.risk_grade = 'blue') AS blue
		FROM escalation.dp_risk_point p
		WHERE p.unit_id = d.unit_id AND (p.retired_on IS NULL OR p.retired_on > current_date)) r ON true
	LEFT JOIN LATERAL (
		SELECT x.state, x.assessed_at FROM escalation.dp_assessment x
		WHERE x.unit_id = d.unit_id AND x.assessed_at > statement_timestamp() - interval '1 year'
		ORDER BY x.assessed_at DESC, x.id DESC LIMIT 1) a ON true
	LEFT JOIN LATERAL (
		SELECT max(i.inspected_at) AS last_inspected_at FROM escalation.inspection i
		WHERE i.unit_id = d.unit_id AND i.inspected_at <= statement_timestamp()) i ON true
	WHERE d.withdrawn_at IS NULL;
COMMENT ON VIEW escalation.dp_supervision IS
	'Differentiated supervision (差异化监管, §13): for every unit under dual prevention management, its highest current risk grade, latest assessment within a year, the recommended days between inspections (escalation.dp_inspection_interval), its last inspection and when the next one is due. 差异化监管建议';
COMMENT ON COLUMN escalation.dp_supervision.unit_id IS 'Unit. 单位';
COMMENT ON COLUMN escalation.dp_supervision.unit_name IS 'Its name. 单位名称';
COMMENT ON COLUMN escalation.dp_supervision.region IS 'Its region. 所属区划';
COMMENT ON COLUMN escalation.dp_supervision.district IS 'Its district. 所属区县';
COMMENT ON COLUMN escalation.dp_supervision.highest_risk IS 'Highest grade among its current risk points (NULL: none). 最高风险等级';
COMMENT ON COLUMN escalation.dp_supervision.highest_risk_label IS 'In Chinese. 最高风险等级名称';
COMMENT ON COLUMN escalation.dp_supervision.red_points IS 'Current red risk points. 重大风险点数';
COMMENT ON COLUMN escalation.dp_supervision.orange_points IS 'Current orange risk points. 较大风险点数';
COMMENT ON COLUMN escalation.dp_supervision.yellow_points IS 'Current yellow risk points. 一般风险点数';
COMMENT ON COLUMN escalation.dp_supervision.blue_points IS 'Current blue risk points. 低风险点数';
COMMENT ON COLUMN escalation.dp_supervision.safety_state IS 'Latest assessment within a year (NULL: none). 安全生产状况';
COMMENT ON COLUMN escalation.dp_supervision.safety_state_label IS 'In Chinese. 安全生产状况名称';
COMMENT ON COLUMN escalation.dp_supervision.assessed_at IS 'When that assessment was made. 评估时间';
COMMENT ON COLUMN escalation.dp_supervision.interval_days IS 'Recommended days between inspections. 建议检查间隔（天）';
COMMENT ON COLUMN escalation.dp_supervision.last_inspected_at IS 'Its latest inspection by any department. 最近检查时间';
COMMENT ON COLUMN escalation.dp_supervision.next_inspection_due IS 'Last inspection (or enrolment) plus the interval. 下次检查时间';
COMMENT ON COLUMN escalation.dp_supervision.inspection_due IS 'The next inspection is due now. 是否应检查';

CREATE VIEW escalation.dp_running WITH (security_invoker = true) AS
	SELECT d.unit_id, u.name AS unit_name, u.region, escalation.region_district(u.region) AS district,
		d.since, d.withdrawn_at, l.last_run_at,
		coalesce(l.last_run_at, d.since) AS clock_start,
		extract(epoch FROM statement_timestamp() - coalesce(l.last_run_at, d.since))::numeric / 86400 AS idle_days,
		coalesce(l.runs_7d, 0) AS runs_last_7_days,
		coalesce(t.tasks, 0) AS active_tasks, coalesce(t.overdue, 0) AS overdue_tasks
	FROM escalation.dual_prevention d
	JOIN escalation.unit u ON u.id = d.unit_id
	LEFT JOIN LATERAL (
		SELECT max(r.ran_at) AS last_run_at,
			count(*) FILTER (WHERE r.ran_at > statement_timestamp() - interval '7 days') AS runs_7d
		FROM escalation.dp_run r
		WHERE r.unit_id = d.unit_id AND r.ran_at <= statement_timestamp()) l ON true
	LEFT JOIN LATERAL (
		SELECT count(*) AS tasks,
			count(*) FILTER (WHERE coalesce(lr.last_at, k.starts_at) + k.every < statement_timestamp()) AS overdue
		FROM escalation.dp_check_task k
		LEFT JOIN LATERAL (SELECT max(r.ran_at) AS last_at FROM escalation.dp_run r WHERE r.task_id = k.id) lr ON true
		WHERE k.unit_id = d.unit_id AND k.active) t ON true
	WHERE d.withdrawn_at IS NULL;
COMMENT ON VIEW escalation.dp_running IS
	'How each unit under dual prevention management runs the mechanism now: last run, days since the clock started (idle_days; 7 or more starts the §19 ladder, which the warning engine raises), runs in the last 7 days, active and overdue scheduled tasks. 双重预防机制运行情况';
COMMENT ON COLUMN escalation.dp_running.unit_id IS 'Unit. 单位';
COMMENT ON COLUMN escalation.dp_running.unit_name IS 'Its name. 单位名称';
COMMENT ON COLUMN escalation.dp_running.region IS 'Its region. 所属区划';
COMMENT ON COLUMN escalation.dp_running.district IS 'Its district. 所属区县';
COMMENT ON COLUMN escalation.dp_running.since IS 'Under management since. 纳入管理时间';
COMMENT ON COLUMN escalation.dp_running.withdrawn_at IS 'Always NULL here (withdrawn units are left out). 退出管理时间';
COMMENT ON COLUMN escalation.dp_running.last_run_at IS 'Latest run. 最近运行时间';
COMMENT ON COLUMN escalation.dp_running.clock_start IS 'Start of the current idle clock: the latest run, or the enrolment. 计时起点';
COMMENT ON COLUMN escalation.dp_running.idle_days IS 'Days since clock_start (fractional). 未运行天数';
COMMENT ON COLUMN escalation.dp_running.runs_last_7_days IS 'Runs in the last 7 days. 近7日运行次数';
COMMENT ON COLUMN escalation.dp_running.active_tasks IS 'Active scheduled tasks. 排查任务数';
COMMENT ON COLUMN escalation.dp_running.overdue_tasks IS 'Active tasks whose next check is overdue. 逾期排查任务数';

CREATE VIEW escalation.dual_prevention_coverage WITH (security_invoker = true) AS
	SELECT u.id AS unit_id, u.name AS unit_name, u.region, escalation.region_district(u.region) AS district,
		u.industry_code, r.reasons, r.required, r.exemption,
		d.unit_id IS NOT NULL AND d.withdrawn_at IS NULL AS enrolled, d.since
	FROM escalation.unit u
	LEFT JOIN escalation.industry i ON i.code = u.industry_code
	LEFT JOIN escalation.dual_prevention d ON d.unit_id = u.id
	CROSS JOIN LATERAL (
		SELECT m.reasons,
			cardinality(m.reasons) > 0 AND u.business_status <> 'closed' AND u.social_function = 'enterprise' AS required,
			CASE WHEN cardinality(m.reasons) = 0 THEN NULL
				 WHEN u.business_status = 'closed' THEN 'closed'
				 WHEN u.social_function <> 'enterprise' THEN 'not_enterprise' END AS exemption
		FROM (SELECT escalation.dp_reasons(i.dual_prevention_scope, coalesce(i.dual_prevention_mandatory, false),
										   u.ammonia_refrigeration, u.dust_workers) AS reasons) m) r
	WHERE cardinality(r.reasons) > 0 OR d.unit_id IS NOT NULL;
COMMENT ON VIEW escalation.dual_prevention_coverage IS
	'Every unit that §12 concerns or that is enrolled: the clauses that apply, whether the mechanism is required, and whether it is under platform management; required AND NOT enrolled is a unit still to be brought in (§12 全部建立运行). 双重预防机制覆盖情况';
COMMENT ON COLUMN escalation.dual_prevention_coverage.unit_id IS 'Unit. 单位';
COMMENT ON COLUMN escalation.dual_prevention_coverage.unit_name IS 'Its name. 单位名称';
COMMENT ON COLUMN escalation.dual_prevention_coverage.region IS 'Its region. 所属区划';
COMMENT ON COLUMN escalation.dual_prevention_coverage.district IS 'Its district. 所属区县';
COMMENT ON COLUMN escalation.dual_prevention_coverage.industry_code IS 'Its industry. 行业';
COMMENT ON COLUMN escalation.dual_prevention_coverage.reasons IS '§12 clauses that apply (empty for a voluntarily enrolled unit). 适用条款';
COMMENT ON COLUMN escalation.dual_prevention_coverage.required IS 'Mandatory under §12. 是否强制';
COMMENT ON COLUMN escalation.dual_prevention_coverage.exemption IS 'Why a matching unit is not required: closed or not_enterprise. 豁免原因';
COMMENT ON COLUMN escalation.dual_prevention_coverage.enrolled IS 'Currently under platform management. 是否纳入管理';
COMMENT ON COLUMN escalation.dual_prevention_coverage.since IS 'Enrolled since. 纳入管理时间';

------------------------------------------------------------------------------
-- Row-level security and privileges
------------------------------------------------------------------------------

SELECT escalation.enable_region_security(t)
FROM unnest(ARRAY['escalation.dual_prevention', 'escalation.dp_risk_point', 'escalation.dp_check_task',
				  'escalation.dp_run', 'escalation.dp_assessment']::regclass[]) AS t;

GRANT SELECT, INSERT, UPDATE, DELETE ON escalation.dual_prevention, escalation.dp_risk_point, escalation.dp_check_task,
	escalation.dp_run, escalation.dp_assessment TO escalation_admin;
GRANT SELECT, INSERT, UPDATE ON escalation.dual_prevention, escalation.dp_risk_point, escalation.dp_check_task,
	escalation.dp_run, escalation.dp_assessment TO escalation_user;
GRANT SELECT ON escalation.dual_prevention, escalation.dp_risk_point, escalation.dp_check_task,
	escalation.dp_run, escalation.dp_assessment TO escalation_analyst;
GRANT SELECT ON escalation.dp_supervision, escalation.dp_running, escalation.dual_prevention_coverage
	TO escalation_admin, escalation_user, escalation_analyst;
GRANT USAGE ON SEQUENCE escalation.dp_risk_point_id_seq, escalation.dp_check_task_id_seq, escalation.dp_run_id_seq,
	escalation.dp_assessment_id_seq TO escalation_admin, escalation_user;

REVOKE ALL ON FUNCTION
	escalation.dp_risk_grade_label(escalation.dp_risk_grade), escalation.safety_state_label(escalation.safety_state),
	escalation.dp_reasons(escalation.dual_prevention_scope, boolean, boolean, integer), escalation.dp_reason_label(text),
	escalation.dual_prevention_required(bigint), escalation.dual_prevention_check(),
	escalation.dp_enrol(bigint, bigint, timestamptz, text), escalation.dp_withdraw(bigint, text, timestamptz),
	escalation.dual_prevention_unit_closed(), escalation.dp_run_check(),
	escalation.dp_record_run(bigint, bigint, escalation.dp_check_result, text, text, timestamptz, bigint),
	escalation.dp_inspection_interval(escalation.dp_risk_grade, escalation.safety_state)
FROM PUBLIC;
GRANT EXECUTE ON FUNCTION
	escalation.dp_risk_grade_label(escalation.dp_risk_grade), escalation.safety_state_label(escalation.safety_state),
	escalation.dp_reasons(escalation.dual_prevention_scope, boolean, boolean, integer), escalation.dp_reason_label(text),
	escalation.dp_inspection_interval(escalation.dp_risk_grade, escalation.safety_state)
TO escalation_admin, escalation_user, escalation_analyst, escalation_screen;
GRANT EXECUTE ON FUNCTION escalation.dual_prevention_required(bigint)
	TO escalation_admin, escalation_user, escalation_analyst;
GRANT EXECUTE ON FUNCTION
	escalation.dual_prevention_check(),
	escalation.dp_enrol(bigint, bigint, timestamptz, text), escalation.dp_withdraw(bigint, text, timestamptz),
	escalation.dp_record_run(bigint, bigint, escalation.dp_check_result, text, text, timestamptz, bigint)
TO escalation_admin, escalation_user;
-- The warning engine (预警管理, §14–19): the ladders as data, the warnings, the
-- per-item tracking that lets a run touch only due work, the run log, and
-- scheduling with pg_cron. The engine itself is escalation.run() in src/engine.c.

------------------------------------------------------------------------------
-- Kinds, actions and resolutions (预警类型、处置动作、解除原因)
------------------------------------------------------------------------------

CREATE TYPE escalation.warning_kind AS ENUM
	('hazard_overdue', 'major_hazard', 'clue', 'licence_expired', 'dual_prevention_idle');
COMMENT ON TYPE escalation.warning_kind IS
	'Kind of warning (预警类型): hazard_overdue 一般隐患逾期未整改 (§15), major_hazard 疑似重大事故隐患未确认 (§16), clue 移交线索未处理 (§17), licence_expired 安全生产许可类证件逾期 (§18), dual_prevention_idle 双重预防机制未正常运行 (§19).';

CREATE TYPE escalation.warning_action AS ENUM ('confirm', 'supervise', 'circulate');
COMMENT ON TYPE escalation.warning_action IS
	'What the office of the screen''s level does at a stage (处置动作): confirm 通知确认, supervise 督办, circulate 通报.';

CREATE TYPE escalation.warning_resolution AS ENUM
	('closed', 'confirmed', 'ruled_out', 'handled', 'renewed', 'ran', 'rescheduled', 'withdrawn');
COMMENT ON TYPE escalation.warning_resolution IS
	'Why a warning was resolved (解除原因): closed 隐患已销号, confirmed 已确认为重大事故隐患, ruled_out 已排除重大事故隐患, handled 线索已处理, renewed 证件已换发, ran 双重预防机制已恢复运行, rescheduled 起算时间已变更（如延期）, withdrawn 事项已撤销或不再适用.';

------------------------------------------------------------------------------
-- The ladders (预警规则): shipped defaults, the city's changes, the rules in force
------------------------------------------------------------------------------

-- Shipped ladders of §15–19. Read-only for users: a city changes the rules in
-- force (escalation.rule), which records its changes in rule_override, so
-- pg_dump keeps exactly the city's changes and a restore re-creates them on
-- top of the defaults the extension ships.
CREATE TABLE escalation.rule_default (
	kind escalation.warning_kind NOT NULL,
	origin escalation.level NOT NULL,
	stage smallint NOT NULL,
	delay interval NOT NULL,
	screen escalation.level NOT NULL,
	action escalation.warning_action NOT NULL,
	CONSTRAINT rule_default_pkey PRIMARY KEY (kind, origin, stage)
);
COMMENT ON TABLE escalation.rule_default IS
	'The ladders of the operating rules (§15–19) as shipped with the extension; the rules in force are escalation.rule. 默认预警规则';
COMMENT ON COLUMN escalation.rule_default.kind IS 'Kind of warning. 预警类型';
COMMENT ON COLUMN escalation.rule_default.origin IS 'Origin of the item: city, or district (which covers street origin). 事项来源层级';
COMMENT ON COLUMN escalation.rule_default.stage IS 'Stage number, 1 to n. 预警级次';
COMMENT ON COLUMN escalation.rule_default.delay IS 'Time from the previous stage (stage 1: from the item''s start). 间隔时间';
COMMENT ON COLUMN escalation.rule_default.screen IS 'Screen the stage shows on: district or city. 预警大屏层级';
COMMENT ON COLUMN escalation.rule_default.action IS 'Action of that level''s office. 处置动作';

INSERT INTO escalation.rule_default (kind, origin, stage, delay, screen, action) VALUES
	('hazard_overdue', 'district', 1, '0', 'district', 'supervise'),
	('hazard_overdue', 'district', 2, '3 days', 'city', 'supervise'),
	('hazard_overdue', 'district', 3, '3 days', 'city', 'circulate'),
	('hazard_overdue', 'city', 1, '0', 'city', 'supervise'),
	('hazard_overdue', 'city', 2, '3 days', 'city', 'circulate'),
	('major_hazard', 'district', 1, '0', 'district', 'confirm'),
	('major_hazard', 'district', 2, '3 days', 'city', 'supervise'),
	('major_hazard', 'district', 3, '3 days', 'city', 'circulate'),
	('major_hazard', 'city', 1, '0', 'city', 'confirm'),
	('major_hazard', 'city', 2, '3 days', 'city', 'circulate'),
	('clue', 'district', 1, '3 days', 'district', 'supervise'),
	('clue', 'district', 2, '3 days', 'city', 'supervise'),
	('clue', 'district', 3, '3 days', 'city', 'circulate'),
	('clue', 'city', 1, '3 days', 'city', 'supervise'),
	('clue', 'city', 2, '3 days', 'city', 'circulate'),
	('licence_expired', 'district', 1, '0', 'district', 'supervise'),
	('licence_expired', 'district', 2, '3 days', 'city', 'supervise'),
	('licence_expired', 'district', 3, '3 days', 'city', 'circulate'),
	('licence_expired', 'city', 1, '0', 'city', 'supervise'),
	('licence_expired', 'city', 2, '3 days', 'city', 'circulate'),
	('dual_prevention_idle', 'district', 1, '7 days', 'district', 'supervise'),
	('dual_prevention_idle', 'district', 2, '3 days', 'city', 'supervise'),
	('dual_prevention_idle', 'district', 3, '3 days', 'city', 'circulate'),
	('dual_prevention_idle', 'city', 1, '7 days', 'city', 'supervise'),
	('dual_prevention_idle', 'city', 2, '3 days', 'city', 'circulate');

-- The city's changes to the shipped ladders: a row replaces the shipped stage
-- with the same key, adds a stage, or (removed) deletes a shipped stage.
CREATE TABLE escalation.rule_override (
	kind escalation.warning_kind NOT NULL,
	origin escalation.level NOT NULL,
	stage smallint NOT NULL,
	delay interval,
	screen escalation.level,
	action escalation.warning_action,
	removed boolean NOT NULL DEFAULT false,
	changed_at timestamptz NOT NULL DEFAULT statement_timestamp(),
	changed_by name NOT NULL DEFAULT current_user,
	CONSTRAINT rule_override_pkey PRIMARY KEY (kind, origin, stage),
	CONSTRAINT rule_origin_city_or_district CHECK (origin IN ('city', 'district')),
	CONSTRAINT rule_stage_between_1_and_9 CHECK (stage BETWEEN 1 AND 9),
	CONSTRAINT rule_stage_defined_unless_removed
		CHECK (removed OR (delay IS NOT NULL AND screen IS NOT NULL AND action IS NOT NULL)),
	CONSTRAINT rule_delay_not_negative CHECK (delay >= interval '0'),
	CONSTRAINT rule_delay_in_days_and_hours
		CHECK (date_part('month', delay) = 0 AND date_part('year', delay) = 0 AND delay <= interval '3650 days'),
	CONSTRAINT rule_screen_city_or_district CHECK (screen IN ('city', 'district')),
	CONSTRAINT rule_city_origin_on_city_screen CHECK (origin = 'district' OR screen = 'city')
);
COMMENT ON TABLE escalation.rule_override IS
	'The city''s changes to the shipped ladders, written through escalation.rule; kept by pg_dump. 预警规则调整记录';
COMMENT ON COLUMN escalation.rule_override.kind IS 'Kind of warning. 预警类型';
COMMENT ON COLUMN escalation.rule_override.origin IS 'Origin of the item: city or district. 事项来源层级';
COMMENT ON COLUMN escalation.rule_override.stage IS 'Stage number, 1 to 9. 预警级次';
COMMENT ON COLUMN escalation.rule_override.delay IS 'Time from the previous stage (stage 1: from the item''s start); NULL when removed. 间隔时间';
COMMENT ON COLUMN escalation.rule_override.screen IS 'Screen the stage shows on; NULL when removed. 预警大屏层级';
COMMENT ON COLUMN escalation.rule_override.action IS 'Action of that level''s office; NULL when removed. 处置动作';
COMMENT ON COLUMN escalation.rule_override.removed IS 'The shipped stage with this key is deleted. 已删除';
COMMENT ON COLUMN escalation.rule_override.changed_at IS 'When the change was made. 调整时间';
COMMENT ON COLUMN escalation.rule_override.changed_by IS 'Role that made the change. 调整人';
SELECT pg_catalog.pg_extension_config_dump('escalation.rule_override', '');

CREATE VIEW escalation.rule AS
	SELECT d.kind, d.origin, d.stage, d.delay, d.screen, d.action, false AS changed
	FROM escalation.rule_default d
	WHERE NOT EXISTS (SELECT 1 FROM escalation.rule_override o
					  WHERE o.kind = d.kind AND o.origin = d.origin AND o.stage = d.stage)
	UNION ALL
	SELECT o.kind, o.origin, o.stage, o.delay, o.screen, o.action, true
	FROM escalation.rule_override o
	WHERE NOT o.removed;
COMMENT ON VIEW escalation.rule IS
	'The warning ladders in force (预警规则): for each kind and origin, stages 1..n with the delay from the previous stage, the screen and the action. Change a rule with UPDATE, add a stage with INSERT, remove one with DELETE; stages must stay numbered 1..n (checked at commit).';
COMMENT ON COLUMN escalation.rule.kind IS 'Kind of warning. 预警类型';
COMMENT ON COLUMN escalation.rule.origin IS 'Origin of the item: city (a city department or city-level unit) or district (district or street). 事项来源层级';
COMMENT ON COLUMN escalation.rule.stage IS 'Stage number, 1 to n (at most 9). 预警级次';
COMMENT ON COLUMN escalation.rule.delay IS 'Time from the previous stage; for stage 1 from the item''s start (deadline, discovery, transfer, expiry, last normal run). Days count as 24 hours. 间隔时间';
COMMENT ON COLUMN escalation.rule.screen IS 'Screen the stage shows on: district or city. 预警大屏层级';
COMMENT ON COLUMN escalation.rule.action IS 'Action of that level''s office: confirm, supervise or circulate. 处置动作';
COMMENT ON COLUMN escalation.rule.changed IS 'The stage differs from the shipped rules. 是否已调整';

-- Cumulative due offsets of the stages in force, in plain seconds, so that
-- start + offset does not depend on the session's time zone.
CREATE VIEW escalation.rule_offset AS
	SELECT r.kind, r.origin, r.stage,
		(sum(extract(epoch FROM r.delay)) OVER (PARTITION BY r.kind, r.origin ORDER BY r.stage))::float8
			* interval '1 second' AS due_after
	FROM escalation.rule r;
COMMENT ON VIEW escalation.rule_offset IS
	'For each stage in force, how long after the item''s start it falls due (sum of the delays up to it). 预警级次起算间隔';
COMMENT ON COLUMN escalation.rule_offset.kind IS 'Kind of warning. 预警类型';
COMMENT ON COLUMN escalation.rule_offset.origin IS 'Origin of the item. 事项来源层级';
COMMENT ON COLUMN escalation.rule_offset.stage IS 'Stage number. 预警级次';
COMMENT ON COLUMN escalation.rule_offset.due_after IS 'Time from the item''s start to the stage''s due time. 距起算时间';

-- Trigger: writes to escalation.rule become rows of rule_override.
CREATE FUNCTION escalation.rule_write() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, escalation, pg_temp AS
$$
BEGIN
	IF TG_OP = 'UPDATE' AND (NEW.kind, NEW.origin, NEW.stage) IS DISTINCT FROM (OLD.kind, OLD.origin, OLD.stage) THEN
		RAISE EXCEPTION 'cannot change kind, origin or stage of a rule: (%, %, %)', OLD.kind, OLD.origin, OLD.stage
			USING ERRCODE = 'feature_not_supported',
				  HINT = 'Renumber a ladder with DELETE and INSERT in one transaction.';
	END IF;
	IF TG_OP = 'INSERT' AND EXISTS (
		SELECT 1 FROM escalation.rule r WHERE (r.kind, r.origin, r.stage) = (NEW.kind, NEW.origin, NEW.stage))
	THEN
		RAISE EXCEPTION 'rule (%, %, stage %) already exists', NEW.kind, NEW.origin, NEW.stage
			USING ERRCODE = 'unique_violation',
				  HINT = 'Change an existing stage with UPDATE.';
	END IF;

	IF TG_OP = 'DELETE' THEN
		IF EXISTS (SELECT 1 FROM escalation.rule_default d
				   WHERE (d.kind, d.origin, d.stage) = (OLD.kind, OLD.origin, OLD.stage)) THEN
			INSERT INTO escalation.rule_override AS o (kind, origin, stage, removed)
			VALUES (OLD.kind, OLD.origin, OLD.stage, true)
			ON CONFLICT (kind, origin, stage) DO UPDATE
				SET delay = NULL, screen = NULL, action = NULL, removed = true,
					changed_at = statement_timestamp(), changed_by = current_user;
		ELSE
			DELETE FROM escalation.rule_override o
			WHERE (o.kind, o.origin, o.stage) = (OLD.kind, OLD.origin, OLD.stage);
		END IF;
		RETURN OLD;
	END IF;

	INSERT INTO escalation.rule_override AS o (kind, origin, stage, delay, screen, action)
	VALUES (NEW.kind, NEW.origin, NEW.stage, NEW.delay, NEW.screen, NEW.action)
	ON CONFLICT (kind, origin, stage) DO UPDATE
		SET delay = EXCLUDED.delay, screen = EXCLUDED.screen, action = EXCLUDED.action, removed = false,
			changed_at = statement_timestamp(), changed_by = current_user;
	NEW.changed := true;
	RETURN NEW;
END
$$;
COMMENT ON FUNCTION escalation.rule_write() IS
	'Trigger: turns INSERT, UPDATE and DELETE on escalation.rule into the city''s changes (rule_override). 预警规则写入';
CREATE TRIGGER rule_write INSTEAD OF INSERT OR UPDATE OR DELETE ON escalation.rule
	FOR EACH ROW EXECUTE FUNCTION escalation.rule_write();

-- Trigger: one stage's values, checked with messages that say what is wrong.
CREATE FUNCTION escalation.rule_check_stage() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, escalation, pg_temp AS
$$
DECLARE
	what text := format('rule (%s, %s, stage %s)', NEW.kind, NEW.origin, NEW.stage);
BEGIN
	IF NEW.origin NOT IN ('city', 'district') THEN
		RAISE EXCEPTION 'invalid origin of %: "%"', what, NEW.origin
			USING ERRCODE = 'check_violation',
				  DETAIL = 'An item''s origin is city or district; district covers items of street origin.';
	END IF;
	IF NEW.stage NOT BETWEEN 1 AND 9 THEN
		RAISE EXCEPTION 'invalid stage of %: %', what, NEW.stage
			USING ERRCODE = 'check_violation', DETAIL = 'Stages are numbered 1 to 9.';
	END IF;
	IF NEW.removed THEN
		RETURN NEW;
	END IF;
	IF NEW.delay IS NULL OR NEW.screen IS NULL OR NEW.action IS NULL THEN
		RAISE EXCEPTION 'incomplete %: delay, screen and action are required', what
			USING ERRCODE = 'not_null_violation';
	END IF;
	IF NEW.delay < interval '0' THEN
		RAISE EXCEPTION 'negative delay of %: "%"', what, NEW.delay
			USING ERRCODE = 'check_violation',
				  DETAIL = 'A stage falls due at or after the stage before it (stage 1: at or after the item''s start).';
	END IF;
	IF date_part('month', NEW.delay) <> 0 OR date_part('year', NEW.delay) <> 0 OR NEW.delay > interval '3650 days' THEN
		RAISE EXCEPTION 'invalid delay of %: "%"', what, NEW.delay
			USING ERRCODE = 'check_violation',
				  DETAIL = 'Delays are given in days, hours and minutes (a day is 24 hours), at most 3650 days; months have no fixed length.';
	END IF;
	IF NEW.screen NOT IN ('city', 'district') THEN
		RAISE EXCEPTION 'invalid screen of %: "%"', what, NEW.screen
			USING ERRCODE = 'check_violation', DETAIL = 'Warnings show on the district screens or on the city screen.';
	END IF;
	IF NEW.origin = 'city' AND NEW.screen <> 'city' THEN
		RAISE EXCEPTION 'invalid screen of %: "%"', what, NEW.screen
			USING ERRCODE = 'check_violation',
				  DETAIL = 'Items of city origin show on the city screen; a city department''s item may have no district.';
	END IF;
	-- A restore brings back when and by whom the change was made.
	IF NOT escalation.restoring() THEN
		NEW.changed_at := statement_timestamp();
		NEW.changed_by := current_user;
	END IF;
	RETURN NEW;
END
$$;
COMMENT ON FUNCTION escalation.rule_check_stage() IS
	'Trigger: rejects an invalid stage (unknown origin, stage outside 1..9, negative or month-based delay, district screen for a city item) with a clear error. 预警规则校验';
CREATE TRIGGER rule_check_stage BEFORE INSERT OR UPDATE ON escalation.rule_override
	FOR EACH ROW EXECUTE FUNCTION escalation.rule_check_stage();

-- Trigger (deferred to commit): every ladder touched keeps stages 1..n.
CREATE FUNCTION escalation.rule_check_ladder() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, escalation, pg_temp AS
$$
DECLARE
	ladder record;
	stages smallint[];
BEGIN
	FOR ladder IN
		SELECT DISTINCT l.kind, l.origin
		FROM (VALUES (CASE WHEN TG_OP <> 'INSERT' THEN OLD.kind END, CASE WHEN TG_OP <> 'INSERT' THEN OLD.origin END),
					 (CASE WHEN TG_OP <> 'DELETE' THEN NEW.kind END, CASE WHEN TG_OP <> 'DELETE' THEN NEW.origin END))
			 AS l(kind, origin)
		WHERE l.kind IS NOT NULL
	LOOP
		SELECT array_agg(r.stage ORDER BY r.stage) INTO stages
		FROM escalation.rule r WHERE r.kind = ladder.kind AND r.origin = ladder.origin;
		IF stages IS NOT NULL AND stages <> (SELECT array_agg(i::smallint ORDER BY i) FROM generate_series(1, cardinality(stages)) i) THEN
			RAISE EXCEPTION 'ladder (%, %) has stages %, not 1..%', ladder.kind, ladder.origin,
				array_to_string(stages, ', '), cardinality(stages)
				USING ERRCODE = 'check_violation',
					  DETAIL = 'The stages of a ladder must be numbered 1 to n without gaps.',
					  HINT = 'Add or renumber the missing stages in the same transaction.';
		END IF;
	END LOOP;
	RETURN NULL;
END
$$;
COMMENT ON FUNCTION escalation.rule_check_ladder() IS
	'Constraint trigger, deferred to commit: the stages of every changed ladder are numbered 1..n without gaps. 预警规则级次连续性校验';
CREATE CONSTRAINT TRIGGER rule_ladder_contiguous AFTER INSERT OR UPDATE OR DELETE ON escalation.rule_override
	DEFERRABLE INITIALLY DEFERRED
	FOR EACH ROW EXECUTE FUNCTION escalation.rule_check_ladder();

------------------------------------------------------------------------------
-- Warnings (预警) and the event stream's numbers
------------------------------------------------------------------------------

CREATE SEQUENCE escalation.warning_event_seq;
COMMENT ON SEQUENCE escalation.warning_event_seq IS
	'Numbers every event the screens must see: a warning raised (its id), resolved (resolved_seq), acknowledged (ack_seq). 预警事件序号';
SELECT pg_catalog.pg_extension_config_dump('escalation.warning_event_seq', '');

CREATE TABLE escalation.warning (
	id bigint NOT NULL DEFAULT nextval('escalation.warning_event_seq'),
	kind escalation.warning_kind NOT NULL,
	subject_id bigint NOT NULL,
	stage smallint NOT NULL,
	origin escalation.level NOT NULL,
	screen escalation.level NOT NULL,
	screen_region escalation.region NOT NULL,
	action escalation.warning_action NOT NULL,
	started_at timestamptz NOT NULL,
	due_at timestamptz NOT NULL,
	raised_at timestamptz NOT NULL DEFAULT now(),
	resolved_at timestamptz,
	resolved_reason escalation.warning_resolution,
	resolved_seq bigint,
	acknowledged_at timestamptz,
	acknowledged_by name,
	ack_note text,
	ack_seq bigint,
	region escalation.region NOT NULL,
	district escalation.region,
	unit_id bigint,
	department_id bigint,
	CONSTRAINT warning_pkey PRIMARY KEY (id),
	-- The item's id first: it tells rows apart at the first column compared.
	CONSTRAINT warning_item_stage_key UNIQUE (subject_id, kind, started_at, stage),
	CONSTRAINT warning_stage_between_1_and_9 CHECK (stage BETWEEN 1 AND 9),
	CONSTRAINT warning_origin_city_or_district CHECK (origin IN ('city', 'district')),
	CONSTRAINT warning_screen_city_or_district CHECK (screen IN ('city', 'district')),
	CONSTRAINT warning_acknowledged_with_time CHECK (ack_seq IS NULL OR acknowledged_at IS NOT NULL)
);
CREATE UNIQUE INDEX warning_resolved_seq_idx ON escalation.warning (resolved_seq) WHERE resolved_seq IS NOT NULL;
CREATE UNIQUE INDEX warning_ack_seq_idx ON escalation.warning (ack_seq) WHERE ack_seq IS NOT NULL;
CREATE INDEX warning_region_idx ON escalation.warning (region);
CREATE INDEX warning_active_idx ON escalation.warning (screen_region, district) WHERE resolved_at IS NULL;

COMMENT ON TABLE escalation.warning IS
	'Warnings (预警): one row per stage raised for an item, kept for ever with its resolution and acknowledgement for assessment (§21, §23). Raised by escalation.run().';
COMMENT ON COLUMN escalation.warning.id IS 'Warning id, also the event id of its raising (increasing). 预警编号';
COMMENT ON COLUMN escalation.warning.kind IS 'Kind of warning. 预警类型';
COMMENT ON COLUMN escalation.warning.subject_id IS 'The item: hazard, clue or licence id, or the unit id for dual prevention. 预警事项编号';
COMMENT ON COLUMN escalation.warning.stage IS 'Stage of the ladder, 1..n. 预警级次';
COMMENT ON COLUMN escalation.warning.origin IS 'Origin of the item: city or district (district covers street). 事项来源层级';
COMMENT ON COLUMN escalation.warning.screen IS 'Screen it shows on: district or city. 预警大屏层级';
COMMENT ON COLUMN escalation.warning.screen_region IS 'District code for a district screen, city code for the city screen. 预警大屏区划';
COMMENT ON COLUMN escalation.warning.action IS 'Action of the screen''s office: confirm, supervise, circulate. 处置动作';
COMMENT ON COLUMN escalation.warning.started_at IS 'Start of the item''s ladder (deadline, discovery, transfer, expiry, last normal run); identifies the episode. 起算时间';
COMMENT ON COLUMN escalation.warning.due_at IS 'When the stage fell due. 应预警时间';
COMMENT ON COLUMN escalation.warning.raised_at IS 'When the run raised it (later than due_at after an outage). 预警发出时间';
COMMENT ON COLUMN escalation.warning.resolved_at IS 'When the item was handled (or rescheduled, withdrawn); NULL while active. 解除时间';
COMMENT ON COLUMN escalation.warning.resolved_reason IS 'Why it was resolved. 解除原因';
COMMENT ON COLUMN escalation.warning.resolved_seq IS 'Event id of the resolution. 解除事件序号';
COMMENT ON COLUMN escalation.warning.acknowledged_at IS 'When the command centre acknowledged it (§21). 签收时间';
COMMENT ON COLUMN escalation.warning.acknowledged_by IS 'Role that acknowledged it. 签收人';
COMMENT ON COLUMN escalation.warning.ack_note IS 'Handling note given with the acknowledgement. 处置说明';
COMMENT ON COLUMN escalation.warning.ack_seq IS 'Event id of the acknowledgement. 签收事件序号';
COMMENT ON COLUMN escalation.warning.region IS 'Region of the item (its unit''s, else its originating department''s), for row-level security. 所属区划';
COMMENT ON COLUMN escalation.warning.district IS 'District of the item; a district screen also keeps its items that escalated to the city. 所属区县';
COMMENT ON COLUMN escalation.warning.unit_id IS 'The unit concerned, if any. 生产经营单位';
COMMENT ON COLUMN escalation.warning.department_id IS 'The department that found or transferred the item, if any (for the scorecard). 发现/移交部门';
SELECT pg_catalog.pg_extension_config_dump('escalation.warning', '');

-- Trigger (per statement): writers of warnings take the event stream's lock
-- before any id is drawn, so ids become visible in order.
CREATE FUNCTION escalation.warning_lock_events() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, escalation, pg_temp AS
$$
BEGIN
	PERFORM escalation.lock_event_stream();
	RETURN NULL;
END
$$;
COMMENT ON FUNCTION escalation.warning_lock_events() IS
	'Trigger: takes the event stream''s lock before warnings are inserted, so event ids commit in order. 预警事件加锁';
CREATE TRIGGER warning_lock_events BEFORE INSERT ON escalation.warning
	FOR EACH STATEMENT EXECUTE FUNCTION escalation.warning_lock_events();

-- Trigger: a warning inserted by hand with only the public columns.
CREATE FUNCTION escalation.warning_fill_defaults() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, escalation, pg_temp AS
$$
BEGIN
	NEW.started_at := coalesce(NEW.started_at, NEW.due_at);
	NEW.origin := coalesce(NEW.origin, NEW.screen);
	NEW.district := coalesce(NEW.district, escalation.region_district(NEW.screen_region));
	NEW.region := coalesce(NEW.region, NEW.district, NEW.screen_region);
	RETURN NEW;
END
$$;
COMMENT ON FUNCTION escalation.warning_fill_defaults() IS
	'Trigger: fills started_at, origin, district and region of a warning inserted with only the public columns. 预警默认值';
CREATE TRIGGER warning_fill_defaults BEFORE INSERT ON escalation.warning
	FOR EACH ROW WHEN (NEW.started_at IS NULL OR NEW.origin IS NULL OR NEW.region IS NULL)
	EXECUTE FUNCTION escalation.warning_fill_defaults();

-- When a licence valid until a date expires (escalation.timezone, src/engine_time.c).
CREATE FUNCTION escalation.licence_expires_at(valid_until date) RETURNS timestamptz
AS 'MODULE_PATHNAME', 'licence_expires_at'
LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION escalation.licence_expires_at(date) IS
	'When a licence valid until a date expires: the start of the next day in escalation.timezone. 证件逾期时间';

------------------------------------------------------------------------------
-- Items and their tracking (预警事项跟踪): what a run looks at
------------------------------------------------------------------------------

-- Origin level of an item from the level of its department or unit.
CREATE FUNCTION escalation.item_origin(level escalation.level) RETURNS escalation.level
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN CASE WHEN level = 'city' THEN 'city'::escalation.level ELSE 'district'::escalation.level END;
COMMENT ON FUNCTION escalation.item_origin(escalation.level) IS
	'Origin of an item from its department''s or unit''s level: city stays city, district and street are district. 事项来源层级';

-- First normal dual-prevention run of a unit after a time.
CREATE FUNCTION escalation.dp_first_run_after(unit_id bigint, after timestamptz) RETURNS timestamptz
LANGUAGE sql STABLE PARALLEL SAFE
BEGIN ATOMIC
	SELECT min(r.ran_at) FROM escalation.dp_run r WHERE r.unit_id = dp_first_run_after.unit_id AND r.ran_at > after;
END;
COMMENT ON FUNCTION escalation.dp_first_run_after(bigint, timestamptz) IS
	'The first normal run of the dual prevention mechanism of a unit after a time, NULL if none. 此后首次正常运行时间';

-- Every item that can climb a ladder, from the source tables.
CREATE VIEW escalation.item_source AS
	SELECT i.kind, i.subject_id, i.origin, i.started_at, i.start_set_at, i.handled_at, i.handled_reason, i.withdrawn_at, i.unit_id,
		i.department_id, i.region, escalation.region_district(i.region) AS district,
		escalation.region_city(i.region) AS city
	FROM (
		SELECT 'hazard_overdue'::escalation.warning_kind AS kind, h.id AS subject_id,
			escalation.item_origin(coalesce(d.level, u.supervision_level)) AS origin,
			h.rectify_deadline AS started_at, h.deadline_set_at AS start_set_at, h.closed_at AS handled_at,
			'closed'::escalation.warning_resolution AS handled_reason, NULL::timestamptz AS withdrawn_at,
			h.unit_id, h.found_by AS department_id, coalesce(u.region, d.region) AS region
		FROM escalation.hazard h
		LEFT JOIN escalation.unit u ON u.id = h.unit_id
		LEFT JOIN escalation.department d ON d.id = h.found_by
		WHERE h.needs_recheck AND h.grade IN ('general', 'not_major') AND isfinite(h.rectify_deadline)
		UNION ALL
		SELECT 'major_hazard', h.id,
			escalation.item_origin(coalesce(d.level, u.supervision_level)),
			h.found_at, NULL, least(h.confirmed_at, h.closed_at),
			CASE WHEN h.confirmed_at IS NULL OR h.closed_at < h.confirmed_at THEN 'closed'
				 WHEN h.grade = 'not_major' THEN 'ruled_out'
				 ELSE 'confirmed' END::escalation.warning_resolution, NULL,
			h.unit_id, h.found_by, coalesce(u.region, d.region)
		FROM escalation.hazard h
		LEFT JOIN escalation.unit u ON u.id = h.unit_id
		LEFT JOIN escalation.department d ON d.id = h.found_by
		WHERE h.grade <> 'general' AND isfinite(h.found_at)
		UNION ALL
		SELECT 'clue', c.id,
			escalation.item_origin(coalesce(d.level, u.supervision_level)),
			c.transferred_at, NULL, c.handled_at, 'handled', NULL,
			c.unit_id, c.from_department, coalesce(u.region, d.region)
		FROM escalation.clue c
		LEFT JOIN escalation.unit u ON u.id = c.unit_id
		LEFT JOIN escalation.department d ON d.id = c.from_department
		WHERE isfinite(c.transferred_at)
		UNION ALL
		SELECT 'licence_expired', l.id, escalation.item_origin(u.supervision_level),
			escalation.licence_expires_at(l.valid_until), NULL, l.superseded_at, 'renewed', NULL,
			l.unit_id, NULL::bigint, u.region
		FROM escalation.licence l
		JOIN escalation.unit u ON u.id = l.unit_id
		WHERE l.safety_licence AND isfinite(l.valid_until)
		UNION ALL
		SELECT 'dual_prevention_idle', p.unit_id, escalation.item_origin(u.supervision_level),
			p.since, p.since, escalation.dp_first_run_after(p.unit_id, p.since), 'ran', p.withdrawn_at,
			p.unit_id, NULL::bigint, u.region
		FROM escalation.dual_prevention p
		JOIN escalation.unit u ON u.id = p.unit_id
		WHERE isfinite(p.since)
	) i
	WHERE i.region IS NOT NULL;
COMMENT ON VIEW escalation.item_source IS
	'Every item that can climb a warning ladder, read from the hazards, clues, licences and dual-prevention enrolments: its origin, start, handling and region. The engine tracks it in escalation.tracked_item. 预警事项来源';
COMMENT ON COLUMN escalation.item_source.kind IS 'Kind of warning the item climbs. 预警类型';
COMMENT ON COLUMN escalation.item_source.subject_id IS 'Hazard, clue or licence id, or unit id for dual prevention. 事项编号';
COMMENT ON COLUMN escalation.item_source.origin IS 'city or district: the level of the finding/transferring department, else of the unit''s supervision. 事项来源层级';
COMMENT ON COLUMN escalation.item_source.started_at IS 'Start of the ladder: rectification deadline, discovery, transfer, licence expiry, or enrolment in dual prevention. 起算时间';
COMMENT ON COLUMN escalation.item_source.start_set_at IS 'When the start was last set, where the data records it (a hazard''s deadline extension, a re-enrolment); a moved start resolves the old start''s warnings at this time, else when the move is seen. 起算时间设定时间';
COMMENT ON COLUMN escalation.item_source.handled_at IS 'When it was handled (for dual prevention: the first normal run after the start). 处理时间';
COMMENT ON COLUMN escalation.item_source.handled_reason IS 'How it is handled. 处理方式';
COMMENT ON COLUMN escalation.item_source.withdrawn_at IS 'When it stopped being watched although it still exists (a unit withdrawn from dual prevention management). 撤销时间';
COMMENT ON COLUMN escalation.item_source.unit_id IS 'The unit, if any. 生产经营单位';
COMMENT ON COLUMN escalation.item_source.department_id IS 'The finding or transferring department, if any. 发现/移交部门';
COMMENT ON COLUMN escalation.item_source.region IS 'The unit''s region, else the department''s. 所属区划';
COMMENT ON COLUMN escalation.item_source.district IS 'District of the region (NULL for a city department''s item without a unit). 所属区县';
COMMENT ON COLUMN escalation.item_source.city IS 'City of the region. 所属城市';

-- One row per item that a run may still have to look at.
CREATE TABLE escalation.tracked_item (
	kind escalation.warning_kind NOT NULL,
	subject_id bigint NOT NULL,
	started_at timestamptz NOT NULL,
	start_set_at timestamptz,
	handled_at timestamptz,
	withdrawn_at timestamptz,
	superseded_at timestamptz,
	next_due_at timestamptz,
	unit_id bigint,
	department_id bigint,
	origin escalation.level NOT NULL,
	handled_reason escalation.warning_resolution,
	region escalation.region NOT NULL,
	district escalation.region,
	city escalation.region NOT NULL,
	CONSTRAINT tracked_item_pkey PRIMARY KEY (subject_id, kind)
);
CREATE INDEX tracked_item_next_due_idx ON escalation.tracked_item (next_due_at) WHERE next_due_at IS NOT NULL;
CREATE INDEX tracked_item_region_idx ON escalation.tracked_item (region);
COMMENT ON TABLE escalation.tracked_item IS
	'The engine''s work list (预警事项跟踪): one row per open item, kept by triggers on the source tables; its stages waiting to fall due are rows of escalation.stage_due, and next_due_at says when its handling, withdrawal or moved start must be dealt with. A run reads only what is due, through indexes. Rebuilt from the sources by escalation.resync_items().';
COMMENT ON COLUMN escalation.tracked_item.kind IS 'Kind of warning. 预警类型';
COMMENT ON COLUMN escalation.tracked_item.subject_id IS 'The item''s id (unit id for dual prevention). 事项编号';
COMMENT ON COLUMN escalation.tracked_item.started_at IS 'Start of the current episode of the ladder. 本轮起算时间';
COMMENT ON COLUMN escalation.tracked_item.start_set_at IS 'When the source data says its start was last set (a deadline extension), if it says. 起算时间设定时间';
COMMENT ON COLUMN escalation.tracked_item.handled_at IS 'When the current episode was handled, if it was. 处理时间';
COMMENT ON COLUMN escalation.tracked_item.withdrawn_at IS 'When the item stopped qualifying (deleted, regraded, ...), if it did. 撤销时间';
COMMENT ON COLUMN escalation.tracked_item.superseded_at IS 'When the start moved while warnings of the old start were active; they are resolved as rescheduled then. 起算时间变更时间';
COMMENT ON COLUMN escalation.tracked_item.next_due_at IS 'When a run must next deal with the item itself: its handling (to resolve its warnings, or to start the next idle episode of dual prevention), its withdrawal or its moved start; NULL when nothing but its stages can happen until its data changes. 下次处理时间';
COMMENT ON COLUMN escalation.tracked_item.unit_id IS 'The unit, if any. 生产经营单位';
COMMENT ON COLUMN escalation.tracked_item.department_id IS 'The finding or transferring department, if any. 发现/移交部门';
COMMENT ON COLUMN escalation.tracked_item.origin IS 'Which ladder of the kind the item climbs. 事项来源层级';
COMMENT ON COLUMN escalation.tracked_item.handled_reason IS 'How it is handled. 处理方式';
COMMENT ON COLUMN escalation.tracked_item.region IS 'The item''s region. 所属区划';
COMMENT ON COLUMN escalation.tracked_item.district IS 'Its district: the screen of district stages. 所属区县';
COMMENT ON COLUMN escalation.tracked_item.city IS 'Its city: the screen of city stages. 所属城市';
SELECT pg_catalog.pg_extension_config_dump('escalation.tracked_item', '');

-- The stages an item still waits for (预警级次排程): one row per stage of its
-- current episode that is not raised yet and can still fire, with what its
-- warning needs of the item, rewritten whenever the item or its ladder
-- changes. A run raises the rows that fell due and deletes them; raising a
-- stage reads and writes nothing else of the item.
CREATE TABLE escalation.stage_due (
	kind escalation.warning_kind NOT NULL,
	subject_id bigint NOT NULL,
	started_at timestamptz NOT NULL,
	stage smallint NOT NULL,
	due_at timestamptz NOT NULL,
	fires_until timestamptz,
	origin escalation.level NOT NULL,
	unit_id bigint,
	department_id bigint,
	region escalation.region NOT NULL,
	district escalation.region,
	city escalation.region NOT NULL,
	CONSTRAINT stage_due_pkey PRIMARY KEY (subject_id, kind, started_at, stage)
);
CREATE INDEX stage_due_due_at_idx ON escalation.stage_due (due_at);
COMMENT ON TABLE escalation.stage_due IS
	'The stages tracked items wait for (预警级次排程): one row per stage of an item''s current episode not raised yet and not ruled out by its handling or withdrawal. escalation.run() raises the rows due by as_of and deletes them; the tracking triggers rewrite an item''s rows when its data or its ladder changes.';
COMMENT ON COLUMN escalation.stage_due.kind IS 'Kind of warning. 预警类型';
COMMENT ON COLUMN escalation.stage_due.subject_id IS 'The item''s id (unit id for dual prevention). 事项编号';
COMMENT ON COLUMN escalation.stage_due.started_at IS 'Start of the episode the stage belongs to. 本轮起算时间';
COMMENT ON COLUMN escalation.stage_due.stage IS 'Stage number. 预警级次';
COMMENT ON COLUMN escalation.stage_due.due_at IS 'When the stage falls due: the start plus the delays of the ladder up to it. 应预警时间';
COMMENT ON COLUMN escalation.stage_due.fires_until IS 'The item''s handling or withdrawal, whichever comes first: the stage fires only if it falls due before then; NULL if neither is known. 有效截止时间';
COMMENT ON COLUMN escalation.stage_due.origin IS 'Which ladder of the kind the item climbs. 事项来源层级';
COMMENT ON COLUMN escalation.stage_due.unit_id IS 'The unit, if any. 生产经营单位';
COMMENT ON COLUMN escalation.stage_due.department_id IS 'The finding or transferring department, if any. 发现/移交部门';
COMMENT ON COLUMN escalation.stage_due.region IS 'The item''s region. 所属区划';
COMMENT ON COLUMN escalation.stage_due.district IS 'Its district: the screen of district stages. 所属区县';
COMMENT ON COLUMN escalation.stage_due.city IS 'Its city: the screen of city stages. 所属城市';
SELECT pg_catalog.pg_extension_config_dump('escalation.stage_due', '');

-- When a run must next deal with an item itself (its stages are rows of
-- escalation.stage_due): its handling, if a stage can have fired before it (to
-- resolve the warnings) or always for dual prevention (to start the next idle
-- episode); its withdrawal; the move of its start. first_due is the due time
-- of the item's first stage.
CREATE FUNCTION escalation.item_event_due(kind escalation.warning_kind, first_due timestamptz,
	handled_at timestamptz, withdrawn_at timestamptz, superseded_at timestamptz)
RETURNS timestamptz
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN least(
	CASE WHEN kind = 'dual_prevention_idle' OR first_due < handled_at THEN handled_at END,
	withdrawn_at,
	superseded_at);
COMMENT ON FUNCTION escalation.item_event_due(escalation.warning_kind, timestamptz, timestamptz, timestamptz, timestamptz) IS
	'When a run must next deal with a tracked item itself (handling, withdrawal, moved start), NULL if only its stages can happen until its data changes. 下次处理时间';

-- The start an item's tracking keeps: dual prevention walks from episode to
-- episode (each normal run starts one), so only a later enrolment moves it.
CREATE FUNCTION escalation.item_start(kind escalation.warning_kind, tracked timestamptz, source timestamptz)
RETURNS timestamptz
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN CASE WHEN kind = 'dual_prevention_idle' THEN greatest(tracked, source) ELSE source END;
COMMENT ON FUNCTION escalation.item_start(escalation.warning_kind, timestamptz, timestamptz) IS
	'Start of an item''s current episode given the tracked and the source start. 本轮起算时间';

-- Recompute when runs must deal with tracked items (of one kind, optionally
-- one origin, optionally some subjects), drop the items nothing can happen to
-- any more, and rewrite their waiting stages from the rules in force.
CREATE FUNCTION escalation.retime_items(kind escalation.warning_kind, origin escalation.level, subjects bigint[])
RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, escalation, pg_temp AS
$$
DECLARE
	ladder escalation.level;
	first_due_after interval;
	gone bigint[];
BEGIN
	-- One ladder at a time: its first delay is a constant of the statement.
	FOREACH ladder IN ARRAY ARRAY['city', 'district']::escalation.level[] LOOP
		CONTINUE WHEN origin IS NOT NULL AND origin <> ladder;
		SELECT o.due_after INTO first_due_after
		FROM escalation.rule_offset o WHERE o.kind = retime_items.kind AND o.origin = ladder AND o.stage = 1;
		EXECUTE $q$
			UPDATE escalation.tracked_item t
			SET next_due_at = escalation.item_event_due(t.kind, t.started_at + $4, t.handled_at, t.withdrawn_at, t.superseded_at)
			WHERE t.kind = $1 AND t.origin = $2 AND ($3 IS NULL OR t.subject_id = ANY ($3))
			  AND t.next_due_at IS DISTINCT FROM
				  escalation.item_event_due(t.kind, t.started_at + $4, t.handled_at, t.withdrawn_at, t.superseded_at)
		$q$ USING kind, ladder, subjects, first_due_after;
	END LOOP;

	EXECUTE $q$
		WITH finished AS (
			DELETE FROM escalation.tracked_item t
			WHERE t.kind = $1 AND ($2 IS NULL OR t.origin = $2) AND ($3 IS NULL OR t.subject_id = ANY ($3))
			  AND t.next_due_at IS NULL AND (t.handled_at IS NOT NULL OR t.withdrawn_at IS NOT NULL)
			RETURNING t.subject_id)
		SELECT array_agg(subject_id) FROM finished
	$q$ INTO gone USING kind, origin, subjects;

	-- The waiting stages: those of the items' current episodes that are not
	-- raised and fall due before the item is handled or withdrawn.
	IF origin IS NULL THEN
		EXECUTE $q$
			DELETE FROM escalation.stage_due s WHERE s.kind = $1 AND ($2 IS NULL OR s.subject_id = ANY ($2))
		$q$ USING kind, subjects;
	ELSE
		EXECUTE $q$
			DELETE FROM escalation.stage_due s
			WHERE s.kind = $1 AND (s.subject_id = ANY ($3)
				OR EXISTS (SELECT 1 FROM escalation.tracked_item t
						   WHERE t.subject_id = s.subject_id AND t.kind = s.kind AND t.origin = $2))
		$q$ USING kind, origin, gone;
	END IF;
	EXECUTE $q$
		INSERT INTO escalation.stage_due (kind, subject_id, started_at, stage, due_at, fires_until, origin,
			unit_id, department_id, region, district, city)
		SELECT t.kind, t.subject_id, t.started_at, o.stage, t.started_at + o.due_after, least(t.handled_at, t.withdrawn_at),
			t.origin, t.unit_id, t.department_id, t.region, t.district, t.city
		FROM escalation.tracked_item t
		JOIN escalation.rule_offset o ON o.kind = t.kind AND o.origin = t.origin
		WHERE t.kind = $1 AND ($2 IS NULL OR t.origin = $2) AND ($3 IS NULL OR t.subject_id = ANY ($3))
		  AND (t.handled_at IS NULL OR t.started_at + o.due_after < t.handled_at)
		  AND (t.withdrawn_at IS NULL OR t.started_at + o.due_after < t.withdrawn_at)
		  AND NOT EXISTS (SELECT 1 FROM escalation.warning w
						  WHERE w.subject_id = t.subject_id AND w.kind = t.kind
							AND w.started_at = t.started_at AND w.stage = o.stage)
	$q$ USING kind, origin, subjects;
END
$$;
COMMENT ON FUNCTION escalation.retime_items(escalation.warning_kind, escalation.level, bigint[]) IS
	'Recomputes when runs must deal with tracked items (all of a kind when origin and subjects are NULL), drops finished ones and rewrites their waiting stages. 重算下次处理时间与待预警级次';

-- Bring the tracking of items of a kind in line with the source tables.
CREATE FUNCTION escalation.sync_items(kind escalation.warning_kind, subjects bigint[])
RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, escalation, pg_temp AS
$$
BEGIN
	-- Items that qualify: insert, or update from the source. The tracked row is
	-- read under its lock (the ON CONFLICT branch), never from an older snapshot.
	EXECUTE $q$
		INSERT INTO escalation.tracked_item AS t
			(kind, subject_id, origin, started_at, start_set_at, handled_at, handled_reason, withdrawn_at,
			 unit_id, department_id, region, district, city)
		SELECT s.kind, s.subject_id, s.origin, s.started_at, s.start_set_at, s.handled_at, s.handled_reason, s.withdrawn_at,
			s.unit_id, s.department_id, s.region, s.district, s.city
		FROM escalation.item_source s
		WHERE s.kind = $1 AND ($2 IS NULL OR s.subject_id = ANY ($2))
		ON CONFLICT (kind, subject_id) DO UPDATE SET
			origin = EXCLUDED.origin,
			unit_id = EXCLUDED.unit_id,
			department_id = EXCLUDED.department_id,
			region = EXCLUDED.region,
			district = EXCLUDED.district,
			city = EXCLUDED.city,
			handled_reason = EXCLUDED.handled_reason,
			withdrawn_at = EXCLUDED.withdrawn_at,
			started_at = escalation.item_start(t.kind, t.started_at, EXCLUDED.started_at),
			-- A moved start: the run resolves what the old start raised.
			superseded_at = CASE WHEN escalation.item_start(t.kind, t.started_at, EXCLUDED.started_at) <> t.started_at
								 THEN coalesce(t.superseded_at, EXCLUDED.start_set_at, now()) ELSE t.superseded_at END,
			start_set_at = EXCLUDED.start_set_at,
			handled_at = CASE WHEN t.kind = 'dual_prevention_idle'
							  THEN escalation.dp_first_run_after(t.subject_id,
									 escalation.item_start(t.kind, t.started_at, EXCLUDED.started_at))
							  ELSE EXCLUDED.handled_at END
	$q$ USING kind, subjects;

	-- Items that no longer qualify: their active warnings are resolved as
	-- withdrawn by the next run; one with nothing raised or pending just goes.
	EXECUTE $q$
		WITH missing AS (
			-- A set difference, not a NOT EXISTS: right after a bulk load the
			-- planner knows too little to join a million rows well.
			SELECT t.subject_id FROM escalation.tracked_item t
			WHERE t.kind = $1 AND ($2 IS NULL OR t.subject_id = ANY ($2)) AND t.withdrawn_at IS NULL
			EXCEPT
			SELECT s.subject_id FROM escalation.item_source s
			WHERE s.kind = $1 AND ($2 IS NULL OR s.subject_id = ANY ($2))
		), gone AS (
			-- Idle: nothing raised in this episode, nothing due to raise or to deal with.
			SELECT t.kind, t.subject_id,
				t.superseded_at IS NULL AND (t.next_due_at IS NULL OR t.next_due_at > now())
				AND NOT EXISTS (SELECT 1 FROM escalation.warning w
								WHERE w.subject_id = t.subject_id AND w.kind = t.kind AND w.started_at = t.started_at)
				AND NOT EXISTS (SELECT 1 FROM escalation.stage_due s
								WHERE s.subject_id = t.subject_id AND s.kind = t.kind AND s.due_at <= now())
					AS idle
			FROM escalation.tracked_item t JOIN missing m ON m.subject_id = t.subject_id
			WHERE t.kind = $1
		), dropped AS (
			DELETE FROM escalation.tracked_item t USING gone g
			WHERE g.idle AND t.kind = g.kind AND t.subject_id = g.subject_id
		)
		UPDATE escalation.tracked_item t SET withdrawn_at = now()
		FROM gone g
		WHERE NOT g.idle AND t.kind = g.kind AND t.subject_id = g.subject_id
	$q$ USING kind, subjects;

	PERFORM escalation.retime_items(kind, NULL, subjects);
END
$$;
COMMENT ON FUNCTION escalation.sync_items(escalation.warning_kind, bigint[]) IS
	'Brings the tracking of the given items of a kind (all when subjects is NULL) in line with the source tables. 同步预警事项';

-- Rebuild the tracking of every item from the source tables.
CREATE FUNCTION escalation.resync_items() RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, escalation, pg_temp AS
$$
DECLARE
	k escalation.warning_kind;
	n bigint;
BEGIN
	FOREACH k IN ARRAY enum_range(NULL::escalation.warning_kind) LOOP
		PERFORM escalation.sync_items(k, NULL);
	END LOOP;
	SELECT count(*) INTO n FROM escalation.tracked_item;
	RETURN n;
END
$$;
COMMENT ON FUNCTION escalation.resync_items() IS
	'Re-reads every item from the source tables into escalation.tracked_item and returns how many are tracked; use it after loading data with triggers disabled, after a restore, or after changing escalation.timezone. 重建预警事项跟踪';

-- Trigger (per statement) on a source table: re-sync the items it touched.
-- Arguments: the column that names the item, then the kinds the table feeds.
CREATE FUNCTION escalation.track_source() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, escalation, pg_temp AS
$$
DECLARE
	subjects bigint[];
BEGIN
	-- A restore brings back the tracking rows themselves.
	IF escalation.restoring() THEN
		RETURN NULL;
	END IF;
	IF TG_OP = 'INSERT' THEN
		EXECUTE format('SELECT array_agg(DISTINCT n.%I) FROM new_rows n', TG_ARGV[0]) INTO subjects;
	ELSIF TG_OP = 'UPDATE' THEN
		EXECUTE format('SELECT array_agg(DISTINCT x.id) FROM (SELECT n.%1$I FROM new_rows n UNION SELECT o.%1$I FROM old_rows o) x(id)',
					   TG_ARGV[0]) INTO subjects;
	ELSIF TG_OP = 'DELETE' THEN
		EXECUTE format('SELECT array_agg(DISTINCT o.%I) FROM old_rows o', TG_ARGV[0]) INTO subjects;
	END IF;
	IF TG_OP <> 'TRUNCATE' AND subjects IS NULL THEN
		RETURN NULL;
	END IF;
	FOR i IN 1 .. TG_NARGS - 1 LOOP
		PERFORM escalation.sync_items(TG_ARGV[i]::escalation.warning_kind, subjects);
	END LOOP;
	RETURN NULL;
END
$$;
COMMENT ON FUNCTION escalation.track_source() IS
	'Trigger on hazard, clue, licence, dual_prevention and dp_run: re-syncs the tracking of the items a statement touched. 预警事项同步触发器';

DO $install$
DECLARE
	src record;
BEGIN
	FOR src IN
		SELECT * FROM (VALUES
			('hazard', 'id', ARRAY['hazard_overdue', 'major_hazard']),
			('clue', 'id', ARRAY['clue']),
			('licence', 'id', ARRAY['licence_expired']),
			('dual_prevention', 'unit_id', ARRAY['dual_prevention_idle']),
			('dp_run', 'unit_id', ARRAY['dual_prevention_idle'])) AS s(tbl, col, kinds)
	LOOP
		EXECUTE format('CREATE TRIGGER %1$I AFTER INSERT ON escalation.%2$I REFERENCING NEW TABLE AS new_rows '
					   'FOR EACH STATEMENT EXECUTE FUNCTION escalation.track_source(%3$L, %4$s)',
					   src.tbl || '_track_insert', src.tbl, src.col, array_to_string(array(SELECT quote_literal(k) FROM unnest(src.kinds) k), ', '));
		EXECUTE format('CREATE TRIGGER %1$I AFTER UPDATE ON escalation.%2$I REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows '
					   'FOR EACH STATEMENT EXECUTE FUNCTION escalation.track_source(%3$L, %4$s)',
					   src.tbl || '_track_update', src.tbl, src.col, array_to_string(array(SELECT quote_literal(k) FROM unnest(src.kinds) k), ', '));
		EXECUTE format('CREATE TRIGGER %1$I AFTER DELETE ON escalation.%2$I REFERENCING OLD TABLE AS old_rows '
					   'FOR EACH STATEMENT EXECUTE FUNCTION escalation.track_source(%3$L, %4$s)',
					   src.tbl || '_track_delete', src.tbl, src.col, array_to_string(array(SELECT quote_literal(k) FROM unnest(src.kinds) k), ', '));
		EXECUTE format('CREATE TRIGGER %1$I AFTER TRUNCATE ON escalation.%2$I '
					   'FOR EACH STATEMENT EXECUTE FUNCTION escalation.track_source(%3$L, %4$s)',
					   src.tbl || '_track_truncate', src.tbl, src.col, array_to_string(array(SELECT quote_literal(k) FROM unnest(src.kinds) k), ', '));
	END LOOP;
END
$install$;

-- Trigger: a unit or department whose region or level changes moves its items
-- (their screens, and for units their origin).
CREATE FUNCTION escalation.track_owner() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, escalation, pg_temp AS
$$
DECLARE
	k escalation.warning_kind;
	subjects bigint[];
BEGIN
	IF escalation.restoring() THEN
		RETURN NULL;
	END IF;
	FOREACH k IN ARRAY enum_range(NULL::escalation.warning_kind) LOOP
		IF TG_TABLE_NAME = 'unit' THEN
			subjects := ARRAY(SELECT s.subject_id FROM escalation.item_source s WHERE s.kind = k AND s.unit_id = NEW.id);
		ELSE
			subjects := ARRAY(SELECT s.subject_id FROM escalation.item_source s WHERE s.kind = k AND s.department_id = NEW.id);
		END IF;
		IF cardinality(subjects) > 0 THEN
			PERFORM escalation.sync_items(k, subjects);
		END IF;
	END LOOP;
	RETURN NULL;
END
$$;
COMMENT ON FUNCTION escalation.track_owner() IS
	'Trigger on unit and department: when a region, supervision level or level changes, re-syncs the items that belong to it. 单位/部门变更同步预警事项';
CREATE TRIGGER unit_track_items AFTER UPDATE OF region, supervision_level ON escalation.unit
	FOR EACH ROW WHEN (OLD.region IS DISTINCT FROM NEW.region OR OLD.supervision_level IS DISTINCT FROM NEW.supervision_level)
	EXECUTE FUNCTION escalation.track_owner();
CREATE TRIGGER department_track_items AFTER UPDATE OF region, level ON escalation.department
	FOR EACH ROW WHEN (OLD.region IS DISTINCT FROM NEW.region OR OLD.level IS DISTINCT FROM NEW.level)
	EXECUTE FUNCTION escalation.track_owner();

-- Trigger (per statement) on rule_override: items on a changed ladder get
-- their next due time from the new rules.
CREATE FUNCTION escalation.rule_retime() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, escalation, pg_temp AS
$$
DECLARE
	ladder record;
BEGIN
	FOR ladder IN EXECUTE
		CASE TG_OP
			WHEN 'INSERT' THEN 'SELECT DISTINCT kind, origin FROM new_rows'
			WHEN 'DELETE' THEN 'SELECT DISTINCT kind, origin FROM old_rows'
			ELSE 'SELECT kind, origin FROM new_rows UNION SELECT kind, origin FROM old_rows'
		END
	LOOP
		PERFORM escalation.retime_items(ladder.kind, ladder.origin, NULL);
	END LOOP;
	RETURN NULL;
END
$$;
COMMENT ON FUNCTION escalation.rule_retime() IS
	'Trigger: after a change of the rules, items on the changed ladders get their next due time from the new rules. 规则变更后重算';
CREATE TRIGGER rule_retime_insert AFTER INSERT ON escalation.rule_override
	REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION escalation.rule_retime();
CREATE TRIGGER rule_retime_update AFTER UPDATE ON escalation.rule_override
	REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION escalation.rule_retime();
CREATE TRIGGER rule_retime_delete AFTER DELETE ON escalation.rule_override
	REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION escalation.rule_retime();

------------------------------------------------------------------------------
-- The run log (运行记录)
------------------------------------------------------------------------------

CREATE SEQUENCE escalation.run_log_run_id_seq;
CREATE TABLE escalation.run_log (
	run_id bigint NOT NULL DEFAULT nextval('escalation.run_log_run_id_seq'),
	as_of timestamptz NOT NULL,
	started_at timestamptz NOT NULL,
	finished_at timestamptz NOT NULL,
	items bigint NOT NULL,
	raised bigint NOT NULL,
	resolved bigint NOT NULL,
	status text NOT NULL,
	message text,
	sqlstate text,
	username name NOT NULL,
	pid integer NOT NULL,
	CONSTRAINT run_log_pkey PRIMARY KEY (run_id),
	CONSTRAINT run_log_status_known CHECK (status IN ('succeeded', 'failed')),
	CONSTRAINT run_log_failure_has_message CHECK ((status = 'failed') = (message IS NOT NULL))
);
ALTER SEQUENCE escalation.run_log_run_id_seq OWNED BY escalation.run_log.run_id;
CREATE INDEX run_log_started_at_idx ON escalation.run_log (started_at);
COMMENT ON TABLE escalation.run_log IS
	'One row per escalation.run() (运行记录), successful or failed; rows older than escalation.run_log_retention are deleted by later runs.';
COMMENT ON COLUMN escalation.run_log.run_id IS 'Run id. 运行编号';
COMMENT ON COLUMN escalation.run_log.as_of IS 'The time the run escalated to. 计算截止时间';
COMMENT ON COLUMN escalation.run_log.started_at IS 'When the run started. 开始时间';
COMMENT ON COLUMN escalation.run_log.finished_at IS 'When it finished. 结束时间';
COMMENT ON COLUMN escalation.run_log.items IS 'Work the run looked at: items with something of their own due (handled, withdrawn, moved start), and stages due. 处理事项数';
COMMENT ON COLUMN escalation.run_log.raised IS 'Warnings raised. 新发预警数';
COMMENT ON COLUMN escalation.run_log.resolved IS 'Warnings resolved. 解除预警数';
COMMENT ON COLUMN escalation.run_log.status IS 'succeeded, or failed (nothing of the run was kept). 运行状态';
COMMENT ON COLUMN escalation.run_log.message IS 'Error message of a failed run. 错误信息';
COMMENT ON COLUMN escalation.run_log.sqlstate IS 'SQLSTATE of the error of a failed run. 错误代码';
COMMENT ON COLUMN escalation.run_log.username IS 'Role that ran it (the job''s role under pg_cron). 运行角色';
COMMENT ON COLUMN escalation.run_log.pid IS 'Backend process id. 进程号';
SELECT pg_catalog.pg_extension_config_dump('escalation.run_log', '');
SELECT pg_catalog.pg_extension_config_dump('escalation.run_log_run_id_seq', '');

------------------------------------------------------------------------------
-- The engine (C) and the event stream's writers
------------------------------------------------------------------------------

-- The engine's statements look up a batch of items or warnings by key. Hash and
-- merge joins are never right for them, but the planner picks them when its
-- statistics lag behind tables that a catch-up run grows by millions of rows;
-- and compiling a plan to machine code costs more than running it.
CREATE FUNCTION escalation.run(as_of timestamptz DEFAULT now()) RETURNS bigint
AS 'MODULE_PATHNAME', 'run'
LANGUAGE C VOLATILE SECURITY DEFINER SET search_path = pg_catalog, escalation, pg_temp
SET enable_hashjoin = off SET enable_mergejoin = off SET jit = off;
COMMENT ON FUNCTION escalation.run(timestamptz) IS
	'Raises every ladder stage due at or before as_of whose item was not handled by its due time, resolves the warnings of handled items, sends one NOTIFY escalation_warning, logs the run; returns the number of warnings raised (NULL if the run failed: see escalation.run_log). as_of may be at most one day after the server clock. 执行预警升级';

CREATE FUNCTION escalation.lock_event_stream() RETURNS void
AS 'MODULE_PATHNAME', 'lock_event_stream'
LANGUAGE C VOLATILE;
COMMENT ON FUNCTION escalation.lock_event_stream() IS
	'Takes the transaction-level advisory lock that every writer of warning events holds, so event ids commit in order. 预警事件锁';

CREATE FUNCTION escalation.acknowledge(warning_id bigint, note text DEFAULT NULL) RETURNS bigint
AS 'MODULE_PATHNAME', 'acknowledge'
LANGUAGE C VOLATILE SET search_path = pg_catalog, escalation, pg_temp;
COMMENT ON FUNCTION escalation.acknowledge(bigint, text) IS
	'Records that the calling role acknowledged an active warning it can see, with a handling note (§21); returns the acknowledgement''s event id. 预警签收';

------------------------------------------------------------------------------
-- Scheduling with pg_cron (定时运行)
------------------------------------------------------------------------------

-- Fail clearly unless pg_cron is installed in this database.
CREATE FUNCTION escalation.require_cron() RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, escalation, pg_temp AS
$$
DECLARE
	cron_database text := current_setting('cron.database_name', true);
BEGIN
	IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_extension WHERE extname = 'pg_cron') THEN
		RAISE EXCEPTION 'pg_cron is not installed in database "%"', current_database()
			USING ERRCODE = 'object_not_in_prerequisite_state',
				  DETAIL = CASE
					WHEN cron_database IS NULL THEN 'The pg_cron library is not loaded by this server.'
					ELSE format('pg_cron runs its jobs from database "%s".', cron_database) END,
				  HINT = CASE
					WHEN cron_database IS NULL OR cron_database = current_database() THEN
						format('Set shared_preload_libraries = ''pg_cron'' and cron.database_name = ''%s'', restart, and CREATE EXTENSION pg_cron; or call escalation.run() every minute from another scheduler.', current_database())
					ELSE format('In database "%s" run: SELECT cron.schedule_in_database(''escalation-run'', ''* * * * *'', ''SELECT escalation.run()'', ''%s'');', cron_database, current_database()) END;
	END IF;
END
$$;
COMMENT ON FUNCTION escalation.require_cron() IS
	'Raises a clear error, with what to do, unless pg_cron is installed in this database. 检查定时任务扩展';

CREATE FUNCTION escalation.schedule(schedule text DEFAULT '* * * * *') RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, escalation, pg_temp AS
$$
DECLARE
	job bigint;
BEGIN
	IF schedule IS NULL OR btrim(schedule) = '' THEN
		RAISE EXCEPTION 'schedule must not be empty'
			USING ERRCODE = 'invalid_parameter_value',
				  HINT = 'Give a cron schedule, e.g. ''* * * * *'' for every minute.';
	END IF;
	PERFORM escalation.require_cron();
	SELECT cron.schedule('escalation-run', schedule, 'SELECT escalation.run()') INTO job;
	RETURN job;
END
$$;
COMMENT ON FUNCTION escalation.schedule(text) IS
	'Creates or updates the pg_cron job "escalation-run" that calls escalation.run() on the given cron schedule (default every minute); returns the job id. 设置定时预警';

CREATE FUNCTION escalation.unschedule() RETURNS boolean
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, escalation, pg_temp AS
$$
BEGIN
	PERFORM escalation.require_cron();
	IF NOT EXISTS (SELECT 1 FROM cron.job j WHERE j.jobname = 'escalation-run' AND j.username = current_user) THEN
		RETURN false;
	END IF;
	PERFORM cron.unschedule('escalation-run');
	RETURN true;
END
$$;
COMMENT ON FUNCTION escalation.unschedule() IS
	'Removes the pg_cron job "escalation-run"; returns false if there was none. 取消定时预警';

------------------------------------------------------------------------------
-- Row-level security and privileges
------------------------------------------------------------------------------

SELECT escalation.enable_region_security(t)
FROM unnest(ARRAY['escalation.warning', 'escalation.tracked_item']::regclass[]) AS t;

GRANT SELECT ON escalation.warning TO escalation_admin, escalation_user, escalation_analyst;
GRANT INSERT ON escalation.warning TO escalation_admin;
GRANT USAGE ON SEQUENCE escalation.warning_event_seq TO escalation_admin;
GRANT SELECT ON escalation.rule, escalation.rule_offset TO escalation_admin, escalation_user, escalation_analyst;
GRANT INSERT, UPDATE, DELETE ON escalation.rule TO escalation_admin;
-- The view's trigger writes the override table with the caller's rights; the
-- override table's own checks validate every change, however it is made.
GRANT INSERT, UPDATE, DELETE ON escalation.rule_override TO escalation_admin;
GRANT SELECT ON escalation.tracked_item TO escalation_admin, escalation_user, escalation_analyst;
GRANT SELECT ON escalation.rule_default, escalation.rule_override, escalation.item_source, escalation.run_log,
	escalation.stage_due TO escalation_admin, escalation_analyst;

REVOKE ALL ON FUNCTION
	escalation.rule_write(), escalation.rule_check_stage(), escalation.rule_check_ladder(),
	escalation.warning_lock_events(), escalation.warning_fill_defaults(),
	escalation.item_origin(escalation.level), escalation.dp_first_run_after(bigint, timestamptz),
	escalation.item_event_due(escalation.warning_kind, timestamptz, timestamptz, timestamptz, timestamptz),
	escalation.item_start(escalation.warning_kind, timestamptz, timestamptz),
	escalation.retime_items(escalation.warning_kind, escalation.level, bigint[]),
	escalation.sync_items(escalation.warning_kind, bigint[]), escalation.resync_items(),
	escalation.track_source(), escalation.track_owner(), escalation.rule_retime(),
	escalation.run(timestamptz), escalation.licence_expires_at(date), escalation.lock_event_stream(),
	escalation.acknowledge(bigint, text), escalation.require_cron(), escalation.schedule(text),
	escalation.unschedule()
FROM PUBLIC;
GRANT EXECUTE ON FUNCTION escalation.run(timestamptz), escalation.resync_items(), escalation.schedule(text),
	escalation.unschedule() TO escalation_admin;
GRANT EXECUTE ON FUNCTION escalation.acknowledge(bigint, text) TO escalation_admin, escalation_user;
GRANT EXECUTE ON FUNCTION escalation.licence_expires_at(date), escalation.item_origin(escalation.level),
	escalation.dp_first_run_after(bigint, timestamptz)
	TO escalation_admin, escalation_user, escalation_analyst;
-- What the big screens (大屏) and BI tools read: Chinese labels, the active
-- warnings per screen, and the event stream the screen worker follows.

------------------------------------------------------------------------------
-- Labels (中文标签)
------------------------------------------------------------------------------

CREATE FUNCTION escalation.warning_kind_label(kind escalation.warning_kind) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN CASE kind
	WHEN 'hazard_overdue' THEN '一般隐患逾期未整改'
	WHEN 'major_hazard' THEN '疑似重大事故隐患未确认'
	WHEN 'clue' THEN '移交违法线索未处理'
	WHEN 'licence_expired' THEN '安全生产许可证件逾期'
	WHEN 'dual_prevention_idle' THEN '双重预防机制未正常运行'
END;
COMMENT ON FUNCTION escalation.warning_kind_label(escalation.warning_kind) IS
	'Chinese label of a kind of warning, as the screens show it. 预警类型名称';

CREATE FUNCTION escalation.warning_action_label(action escalation.warning_action) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN CASE action
	WHEN 'confirm' THEN '通知确认'
	WHEN 'supervise' THEN '督办'
	WHEN 'circulate' THEN '通报'
END;
COMMENT ON FUNCTION escalation.warning_action_label(escalation.warning_action) IS
	'Chinese label of an action. 处置动作名称';

CREATE FUNCTION escalation.warning_resolution_label(reason escalation.warning_resolution) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN CASE reason
	WHEN 'closed' THEN '隐患已销号'
	WHEN 'confirmed' THEN '已确认为重大事故隐患'
	WHEN 'ruled_out' THEN '已排除重大事故隐患'
	WHEN 'handled' THEN '线索已处理'
	WHEN 'renewed' THEN '证件已换发'
	WHEN 'ran' THEN '双重预防机制已恢复运行'
	WHEN 'rescheduled' THEN '已延期，重新起算'
	WHEN 'withdrawn' THEN '事项已撤销'
END;
COMMENT ON FUNCTION escalation.warning_resolution_label(escalation.warning_resolution) IS
	'Chinese label of why a warning was resolved. 解除原因名称';

CREATE FUNCTION escalation.screen_label(screen escalation.level) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN CASE screen WHEN 'city' THEN '市级大屏' WHEN 'district' THEN '区级大屏' END;
COMMENT ON FUNCTION escalation.screen_label(escalation.level) IS
	'Chinese label of a screen level. 大屏层级名称';

------------------------------------------------------------------------------
-- Who may read the screens (大屏读取范围)
------------------------------------------------------------------------------

-- What the caller may see on the screens: a role mapped in user_region sees
-- the warnings within its region; unmapped admin, analyst and screen roles see
-- every warning; anybody else none.
CREATE FUNCTION escalation.screen_scope(OUT region escalation.region, OUT sees_all boolean)
LANGUAGE sql STABLE PARALLEL RESTRICTED SET search_path = pg_catalog, escalation, pg_temp
BEGIN ATOMIC
	SELECT c.region,
		c.region IS NULL AND (
			pg_catalog.pg_has_role(escalation.acting_role(), 'escalation_admin', 'USAGE')
			OR pg_catalog.pg_has_role(escalation.acting_role(), 'escalation_analyst', 'USAGE')
			OR pg_catalog.pg_has_role(escalation.acting_role(), 'escalation_screen', 'USAGE'))
	FROM (SELECT escalation.current_region() AS region) c;
END;
COMMENT ON FUNCTION escalation.screen_scope() IS
	'What the calling role may see on the screens: its mapped region, or (sees_all) every warning for unmapped admin, analyst and screen roles. 大屏可见范围';

------------------------------------------------------------------------------
-- Active warnings per screen (大屏在办预警)
------------------------------------------------------------------------------

CREATE FUNCTION escalation.screen_warnings(for_screen escalation.region DEFAULT NULL)
RETURNS TABLE (
	warning_id bigint,
	kind escalation.warning_kind,
	kind_label text,
	subject_id bigint,
	stage smallint,
	top_stage smallint,
	screen escalation.level,
	screen_label text,
	screen_region escalation.region,
	screen_region_name text,
	district escalation.region,
	district_name text,
	street escalation.region,
	street_name text,
	unit_id bigint,
	unit_name text,
	department_id bigint,
	department_name text,
	action escalation.warning_action,
	action_label text,
	started_at timestamptz,
	first_due_at timestamptz,
	due_at timestamptz,
	raised_at timestamptz,
	days_overdue integer,
	escalated boolean,
	acknowledged_at timestamptz)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, escalation, pg_temp AS
$$
BEGIN
	IF escalation.region_level(for_screen) NOT IN ('district', 'city') THEN
		RAISE EXCEPTION 'not a screen: %', for_screen
			USING ERRCODE = 'invalid_parameter_value',
				  DETAIL = format('%s is a %s; the screens are the districts'' and the city''s.',
								  for_screen, escalation.region_level(for_screen));
	END IF;
	-- The rows to rank, on_screen marking those the screen shows. For a
	-- district: the active warnings of the items it shows, on every screen,
	-- found through the district's entries in warning_active_idx. Without a
	-- screen, or for the city, whose screen shows most active warnings: every
	-- active warning.
	RETURN QUERY
	WITH family AS (
		SELECT w.*, for_screen IS NULL OR w.screen_region = for_screen AS on_screen
		FROM escalation.warning w CROSS JOIN escalation.screen_scope() c
		WHERE (for_screen IS NULL OR escalation.region_level(for_screen) = 'city') AND w.resolved_at IS NULL
		  AND (c.sees_all OR w.region OPERATOR(escalation.<@) c.region)
		UNION ALL
		SELECT w.*, w.screen_region = for_screen
				OR (w.screen_region = escalation.region_city(for_screen) AND coalesce(w.district = for_screen, false))
		FROM escalation.warning w CROSS JOIN escalation.screen_scope() c
		WHERE escalation.region_level(for_screen) = 'district' AND w.resolved_at IS NULL
		  AND (c.sees_all OR w.region OPERATOR(escalation.<@) c.region)
		  AND (w.subject_id, w.kind, w.started_at) IN (
				SELECT x.subject_id, x.kind, x.started_at FROM escalation.warning x
				WHERE x.resolved_at IS NULL
				  AND (x.screen_region = for_screen
					   OR (x.screen_region = escalation.region_city(for_screen) AND x.district = for_screen)))
	), active AS (
		SELECT f.*,
			-- One condition for the rows kept, so the planner's estimate of
			-- them stays that of one filter (it picks the joins below by it).
			CASE WHEN f.on_screen THEN row_number() OVER (PARTITION BY f.kind, f.subject_id, f.started_at, f.screen_region
														  ORDER BY f.stage DESC) END AS latest,
			max(f.stage) OVER (PARTITION BY f.kind, f.subject_id, f.started_at) AS item_stage,
			min(f.due_at) OVER (PARTITION BY f.kind, f.subject_id, f.started_at) AS item_due_at
		FROM family f
	)
	SELECT a.id, a.kind, escalation.warning_kind_label(a.kind), a.subject_id, a.stage, a.item_stage,
		a.screen, escalation.screen_label(a.screen), a.screen_region, sr.name, a.district, dn.name,
		CASE WHEN escalation.region_level(a.region) = 'street' THEN a.region END,
		CASE WHEN escalation.region_level(a.region) = 'street' THEN st.name END,
		a.unit_id, u.name, a.department_id, dp.name,
		a.action, escalation.warning_action_label(a.action),
		a.started_at, a.item_due_at, a.due_at, a.raised_at,
		floor(extract(epoch FROM now() - a.item_due_at) / 86400)::integer,
		a.item_stage > a.stage,
		a.acknowledged_at
	FROM active a
	LEFT JOIN escalation.division sr ON sr.code = a.screen_region
	LEFT JOIN escalation.division dn ON dn.code = a.district
	LEFT JOIN escalation.division st ON st.code = a.region
	LEFT JOIN escalation.unit u ON u.id = a.unit_id
	LEFT JOIN escalation.department dp ON dp.id = a.department_id
	WHERE a.latest = 1;
END
$$;
COMMENT ON FUNCTION escalation.screen_warnings(escalation.region) IS
	'Active warnings, one row per item and screen (its latest stage there), with Chinese labels and names, limited to what the caller may see (escalation.screen_scope). With for_screen (a district or the city), only what that screen shows: its own rows and, for a district, its items escalated to the city screen. 大屏在办预警';

CREATE VIEW escalation.screen_warning AS SELECT * FROM escalation.screen_warnings();
COMMENT ON VIEW escalation.screen_warning IS
	'Active warnings per screen (大屏在办预警): one row per item and screen at its latest stage there, with unit, street and district names, Chinese labels, days overdue and whether it has escalated beyond this screen. What the screens and BI tools read.';
COMMENT ON COLUMN escalation.screen_warning.warning_id IS 'Id of the item''s latest warning on this screen. 预警编号';
COMMENT ON COLUMN escalation.screen_warning.kind IS 'Kind of warning. 预警类型';
COMMENT ON COLUMN escalation.screen_warning.kind_label IS 'Kind in Chinese. 预警类型名称';
COMMENT ON COLUMN escalation.screen_warning.subject_id IS 'The item: hazard, clue or licence id, or unit id for dual prevention. 事项编号';
COMMENT ON COLUMN escalation.screen_warning.stage IS 'The item''s latest stage on this screen. 本屏预警级次';
COMMENT ON COLUMN escalation.screen_warning.top_stage IS 'The item''s highest active stage on any screen. 最高预警级次';
COMMENT ON COLUMN escalation.screen_warning.screen IS 'district or city. 大屏层级';
COMMENT ON COLUMN escalation.screen_warning.screen_label IS 'Screen level in Chinese. 大屏层级名称';
COMMENT ON COLUMN escalation.screen_warning.screen_region IS 'District code of a district screen, city code of the city screen. 大屏区划';
COMMENT ON COLUMN escalation.screen_warning.screen_region_name IS 'Name of the screen''s district or city. 大屏区划名称';
COMMENT ON COLUMN escalation.screen_warning.district IS 'District of the item. 所属区县';
COMMENT ON COLUMN escalation.screen_warning.district_name IS 'Name of the district. 区县名称';
COMMENT ON COLUMN escalation.screen_warning.street IS 'Street or town of the item, when it is in one. 所属街道（镇）';
COMMENT ON COLUMN escalation.screen_warning.street_name IS 'Name of the street or town. 街道（镇）名称';
COMMENT ON COLUMN escalation.screen_warning.unit_id IS 'The unit concerned, if any. 生产经营单位编号';
COMMENT ON COLUMN escalation.screen_warning.unit_name IS 'Name of the unit. 生产经营单位名称';
COMMENT ON COLUMN escalation.screen_warning.department_id IS 'Finding or transferring department, if any. 发现/移交部门编号';
COMMENT ON COLUMN escalation.screen_warning.department_name IS 'Name of that department. 发现/移交部门名称';
COMMENT ON COLUMN escalation.screen_warning.action IS 'Action of this screen''s office at this stage. 处置动作';
COMMENT ON COLUMN escalation.screen_warning.action_label IS 'Action in Chinese. 处置动作名称';
COMMENT ON COLUMN escalation.screen_warning.started_at IS 'Start of the item''s ladder. 起算时间';
COMMENT ON COLUMN escalation.screen_warning.first_due_at IS 'When the item''s first stage fell due (it has been overdue since). 首次预警时间';
COMMENT ON COLUMN escalation.screen_warning.due_at IS 'When this stage fell due. 本级预警时间';
COMMENT ON COLUMN escalation.screen_warning.raised_at IS 'When this stage was raised. 预警发出时间';
COMMENT ON COLUMN escalation.screen_warning.days_overdue IS 'Whole days since the first stage fell due. 逾期天数';
COMMENT ON COLUMN escalation.screen_warning.escalated IS 'A later stage of the item is active on another screen (escalated from this one). 是否已升级';
COMMENT ON COLUMN escalation.screen_warning.acknowledged_at IS 'When the command centre acknowledged this warning, if it did. 签收时间';

------------------------------------------------------------------------------
-- The event stream (预警事件流): what the screen worker follows
------------------------------------------------------------------------------

CREATE FUNCTION escalation.warning_events(after bigint, max_rows integer DEFAULT 1000)
RETURNS TABLE (
	event_id bigint,
	event text,
	warning_id bigint,
	kind escalation.warning_kind,
	subject_id bigint,
	started_at timestamptz,
	stage smallint,
	screen escalation.level,
	screen_region escalation.region,
	district escalation.region,
	unit_id bigint,
	unit_name text,
	street_name text,
	kind_label text,
	action escalation.warning_action,
	action_label text,
	first_due_at timestamptz,
	due_at timestamptz,
	raised_at timestamptz,
	resolved_at timestamptz,
	resolved_reason escalation.warning_resolution,
	acknowledged_at timestamptz)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, escalation, pg_temp AS
$$
DECLARE
	scope record;
BEGIN
	IF after IS NULL THEN
		RAISE EXCEPTION 'after must not be null'
			USING ERRCODE = 'null_value_not_allowed', HINT = 'Pass 0 to read from the first event.';
	END IF;
	IF max_rows IS NULL OR max_rows NOT BETWEEN 1 AND 100000 THEN
		RAISE EXCEPTION 'max_rows must be between 1 and 100000: %', coalesce(max_rows::text, 'NULL')
			USING ERRCODE = 'invalid_parameter_value';
	END IF;
	SELECT * INTO scope FROM escalation.screen_scope();
	RETURN QUERY
	SELECT e.event_id, e.event, w.id, w.kind, w.subject_id, w.started_at, w.stage, w.screen, w.screen_region,
		w.district, w.unit_id, u.name, CASE WHEN escalation.region_level(w.region) = 'street' THEN st.name END,
		escalation.warning_kind_label(w.kind), w.action, escalation.warning_action_label(w.action),
		-- When the item's episode first fell due: its first stage's warning,
		-- through the item-stage key (an episode's stages are resolved together).
		(SELECT min(f.due_at) FROM escalation.warning f
		 WHERE f.subject_id = w.subject_id AND f.kind = w.kind AND f.started_at = w.started_at),
		w.due_at, w.raised_at, w.resolved_at, w.resolved_reason, w.acknowledged_at
	FROM (
		SELECT x.event_id, x.event, x.id FROM (
			SELECT v.id AS event_id, 'raised' AS event, v.id, v.region FROM escalation.warning v WHERE v.id > after
			UNION ALL
			SELECT v.resolved_seq, 'resolved', v.id, v.region FROM escalation.warning v WHERE v.resolved_seq > after
			UNION ALL
			SELECT v.ack_seq, 'acknowledged', v.id, v.region FROM escalation.warning v WHERE v.ack_seq > after
		) x
		WHERE scope.sees_all OR x.region OPERATOR(escalation.<@) scope.region
		ORDER BY x.event_id
		LIMIT max_rows
	) e
	JOIN escalation.warning w ON w.id = e.id
	LEFT JOIN escalation.unit u ON u.id = w.unit_id
	LEFT JOIN escalation.division st ON st.code = w.region
	ORDER BY e.event_id;
END
$$;
COMMENT ON FUNCTION escalation.warning_events(bigint, integer) IS
	'The warning events (raised, resolved, acknowledged) after an event id, in event order, at most max_rows, limited to what the caller may see (escalation.screen_scope), with the names and labels a screen shows; the screen worker reads it after every NOTIFY escalation_warning. Event ids commit in order, so reading after the last id seen never misses one. 预警事件流';

-- Where a reader that keeps only recent events starts: the screen worker at
-- start needs the last events for Last-Event-ID resumes, not all of history.
CREATE FUNCTION escalation.warning_events_tail(keep integer)
RETURNS bigint
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, escalation, pg_temp AS
$$
DECLARE
	scope record;
	start bigint;
BEGIN
	IF keep IS NULL OR keep NOT BETWEEN 1 AND 10000000 THEN
		RAISE EXCEPTION 'keep must be between 1 and 10000000: %', coalesce(keep::text, 'NULL')
			USING ERRCODE = 'invalid_parameter_value';
	END IF;
	SELECT * INTO scope FROM escalation.screen_scope();
	SELECT x.event_id INTO start FROM (
		SELECT v.id AS event_id, v.region FROM escalation.warning v
		UNION ALL
		SELECT v.resolved_seq, v.region FROM escalation.warning v WHERE v.resolved_seq IS NOT NULL
		UNION ALL
		SELECT v.ack_seq, v.region FROM escalation.warning v WHERE v.ack_seq IS NOT NULL
	) x
	WHERE scope.sees_all OR x.region OPERATOR(escalation.<@) scope.region
	ORDER BY x.event_id DESC
	OFFSET keep LIMIT 1;
	RETURN coalesce(start, 0);
END
$$;
COMMENT ON FUNCTION escalation.warning_events_tail(integer) IS
	'The event id after which the caller''s last keep warning events lie (0 when there are no more than keep): warning_events() read after it gives exactly those. The screen worker starts there instead of reading all of history. 最近预警事件起点';

REVOKE ALL ON FUNCTION
	escalation.warning_kind_label(escalation.warning_kind), escalation.warning_action_label(escalation.warning_action),
	escalation.warning_resolution_label(escalation.warning_resolution), escalation.screen_label(escalation.level),
	escalation.screen_scope(), escalation.screen_warnings(escalation.region), escalation.warning_events(bigint, integer),
	escalation.warning_events_tail(integer)
FROM PUBLIC;
GRANT EXECUTE ON FUNCTION
	escalation.warning_kind_label(escalation.warning_kind), escalation.warning_action_label(escalation.warning_action),
	escalation.warning_resolution_label(escalation.warning_resolution), escalation.screen_label(escalation.level),
	escalation.screen_scope(), escalation.screen_warnings(escalation.region), escalation.warning_events(bigint, integer),
	escalation.warning_events_tail(integer)
TO escalation_admin, escalation_user, escalation_analyst, escalation_screen;
GRANT SELECT ON escalation.screen_warning TO escalation_admin, escalation_user, escalation_analyst, escalation_screen;
-- The department scorecard (§9, §23): how active (quantity, 量) and how effective
-- (quality, 质) each department and each district was over a period, from the
-- inspections, hazards and clues of 40_hazards.sql and the warnings of 50_engine.sql.
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

CREATE VIEW escalation.department_scorecard_monthly WITH (security_invoker = true) AS
	SELECT m.month, s.*
	FROM escalation.scorecard_months() m
	CROSS JOIN LATERAL escalation.scorecard_lines(m.from_day, m.to_day, true) s;
COMMENT ON VIEW escalation.department_scorecard_monthly IS
	'Department scorecard for each of the last twelve calendar months (the current month judged as of now), for BI tools; filter on month and department. 部门月度考评';
COMMENT ON COLUMN escalation.department_scorecard_monthly.month IS 'First day of the month. 月份';

CREATE VIEW escalation.district_scorecard_monthly WITH (security_invoker = true) AS
	SELECT m.month, s.*
	FROM escalation.scorecard_months() m
	CROSS JOIN LATERAL escalation.scorecard_lines(m.from_day, m.to_day, false) s;
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
