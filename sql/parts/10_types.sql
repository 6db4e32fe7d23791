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

-- Text on the other side and min/max, for BI tools and drivers (docs/BI.md):
-- JDBC binds setString as varchar, ODBC and hand-written SQL compare with text
-- columns. The text side is read as a region (an invalid code is an error, as
-- in a literal); the functions are SQL that the planner inlines into the
-- region operator, so a btree index on the region column still serves them.

CREATE FUNCTION escalation.region_eq_text(code escalation.region, other text) RETURNS boolean
	LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
	RETURN code OPERATOR(escalation.=) other::escalation.region;
CREATE FUNCTION escalation.text_eq_region(other text, code escalation.region) RETURNS boolean
	LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
	RETURN other::escalation.region OPERATOR(escalation.=) code;
CREATE FUNCTION escalation.region_ne_text(code escalation.region, other text) RETURNS boolean
	LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
	RETURN code OPERATOR(escalation.<>) other::escalation.region;
CREATE FUNCTION escalation.text_ne_region(other text, code escalation.region) RETURNS boolean
	LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
	RETURN other::escalation.region OPERATOR(escalation.<>) code;
CREATE FUNCTION escalation.region_contained_text(code escalation.region, other text) RETURNS boolean
	LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
	RETURN code OPERATOR(escalation.<@) other::escalation.region;
CREATE FUNCTION escalation.text_contains_region(other text, code escalation.region) RETURNS boolean
	LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
	RETURN other::escalation.region OPERATOR(escalation.@>) code;
CREATE FUNCTION escalation.region_contains_text(code escalation.region, other text) RETURNS boolean
	LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
	RETURN code OPERATOR(escalation.@>) other::escalation.region;
CREATE FUNCTION escalation.text_contained_region(other text, code escalation.region) RETURNS boolean
	LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
	RETURN other::escalation.region OPERATOR(escalation.<@) code;
COMMENT ON FUNCTION escalation.region_eq_text(escalation.region, text) IS
	'region = text: the text read as a region code is the same region (an invalid code is an error). 区划代码与文本相等';
COMMENT ON FUNCTION escalation.text_eq_region(text, escalation.region) IS
	'text = region: the text read as a region code is the same region (an invalid code is an error). 文本与区划代码相等';
COMMENT ON FUNCTION escalation.region_ne_text(escalation.region, text) IS
	'region <> text: the text read as a region code is another region. 区划代码与文本不等';
COMMENT ON FUNCTION escalation.text_ne_region(text, escalation.region) IS
	'text <> region: the text read as a region code is another region. 文本与区划代码不等';
COMMENT ON FUNCTION escalation.region_contained_text(escalation.region, text) IS
	'region <@ text: the region lies within the region the text codes, or is it. 区划属于（文本）';
COMMENT ON FUNCTION escalation.text_contains_region(text, escalation.region) IS
	'text @> region: the region the text codes contains the region, or is it. 区划包含（文本）';
COMMENT ON FUNCTION escalation.region_contains_text(escalation.region, text) IS
	'region @> text: the region contains the region the text codes, or is it. 区划包含（文本）';
COMMENT ON FUNCTION escalation.text_contained_region(text, escalation.region) IS
	'text <@ region: the region the text codes lies within the region, or is it. 区划属于（文本）';

CREATE OPERATOR escalation.= (
	LEFTARG = escalation.region, RIGHTARG = text, FUNCTION = escalation.region_eq_text,
	COMMUTATOR = OPERATOR(escalation.=), NEGATOR = OPERATOR(escalation.<>),
	RESTRICT = eqsel, JOIN = eqjoinsel
);
CREATE OPERATOR escalation.= (
	LEFTARG = text, RIGHTARG = escalation.region, FUNCTION = escalation.text_eq_region,
	COMMUTATOR = OPERATOR(escalation.=), NEGATOR = OPERATOR(escalation.<>),
	RESTRICT = eqsel, JOIN = eqjoinsel
);
CREATE OPERATOR escalation.<> (
	LEFTARG = escalation.region, RIGHTARG = text, FUNCTION = escalation.region_ne_text,
	COMMUTATOR = OPERATOR(escalation.<>), NEGATOR = OPERATOR(escalation.=),
	RESTRICT = neqsel, JOIN = neqjoinsel
);
CREATE OPERATOR escalation.<> (
	LEFTARG = text, RIGHTARG = escalation.region, FUNCTION = escalation.text_ne_region,
	COMMUTATOR = OPERATOR(escalation.<>), NEGATOR = OPERATOR(escalation.=),
	RESTRICT = neqsel, JOIN = neqjoinsel
);
CREATE OPERATOR escalation.<@ (
	LEFTARG = escalation.region, RIGHTARG = text, FUNCTION = escalation.region_contained_text,
	COMMUTATOR = OPERATOR(escalation.@>),
	RESTRICT = contsel, JOIN = contjoinsel
);
CREATE OPERATOR escalation.@> (
	LEFTARG = text, RIGHTARG = escalation.region, FUNCTION = escalation.text_contains_region,
	COMMUTATOR = OPERATOR(escalation.<@),
	RESTRICT = contsel, JOIN = contjoinsel
);
CREATE OPERATOR escalation.@> (
	LEFTARG = escalation.region, RIGHTARG = text, FUNCTION = escalation.region_contains_text,
	COMMUTATOR = OPERATOR(escalation.<@),
	RESTRICT = contsel, JOIN = contjoinsel
);
CREATE OPERATOR escalation.<@ (
	LEFTARG = text, RIGHTARG = escalation.region, FUNCTION = escalation.text_contained_region,
	COMMUTATOR = OPERATOR(escalation.@>),
	RESTRICT = contsel, JOIN = contjoinsel
);
COMMENT ON OPERATOR escalation.= (escalation.region, text) IS
	'Same region as the code in the text (a JDBC setString parameter, a text column). 等于';
COMMENT ON OPERATOR escalation.= (text, escalation.region) IS
	'Same region as the code in the text (a JDBC setString parameter, a text column). 等于';
COMMENT ON OPERATOR escalation.<> (escalation.region, text) IS
	'Another region than the code in the text. 不等于';
COMMENT ON OPERATOR escalation.<> (text, escalation.region) IS
	'Another region than the code in the text. 不等于';
COMMENT ON OPERATOR escalation.<@ (escalation.region, text) IS
	'Is within or is the region coded in the text: "column <@ parameter" uses a btree index on the column. 属于';
COMMENT ON OPERATOR escalation.@> (text, escalation.region) IS
	'The region coded in the text contains or is: "parameter @> column" uses a btree index on the column. 包含';
COMMENT ON OPERATOR escalation.@> (escalation.region, text) IS
	'Contains or is the region coded in the text. 包含';
COMMENT ON OPERATOR escalation.<@ (text, escalation.region) IS
	'The region coded in the text is within or is. 属于';

CREATE FUNCTION escalation.region_smaller(escalation.region, escalation.region) RETURNS escalation.region
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION escalation.region_larger(escalation.region, escalation.region) RETURNS escalation.region
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION escalation.region_smaller(escalation.region, escalation.region) IS
	'The region that sorts first (the step of min). 较小的区划代码';
COMMENT ON FUNCTION escalation.region_larger(escalation.region, escalation.region) IS
	'The region that sorts last (the step of max). 较大的区划代码';
CREATE AGGREGATE escalation.min(escalation.region) (
	SFUNC = escalation.region_smaller, STYPE = escalation.region,
	COMBINEFUNC = escalation.region_smaller, SORTOP = OPERATOR(escalation.<), PARALLEL = SAFE
);
CREATE AGGREGATE escalation.max(escalation.region) (
	SFUNC = escalation.region_larger, STYPE = escalation.region,
	COMBINEFUNC = escalation.region_larger, SORTOP = OPERATOR(escalation.>), PARALLEL = SAFE
);
COMMENT ON AGGREGATE escalation.min(escalation.region) IS
	'First region code in region order (a region sorts before its descendants); a btree index answers it. 最小区划代码';
COMMENT ON AGGREGATE escalation.max(escalation.region) IS
	'Last region code in region order; a btree index answers it. 最大区划代码';

REVOKE ALL ON FUNCTION escalation.region_eq_text(escalation.region, text), escalation.text_eq_region(text, escalation.region),
	escalation.region_ne_text(escalation.region, text), escalation.text_ne_region(text, escalation.region),
	escalation.region_contained_text(escalation.region, text), escalation.text_contains_region(text, escalation.region),
	escalation.region_contains_text(escalation.region, text), escalation.text_contained_region(text, escalation.region),
	escalation.min(escalation.region), escalation.max(escalation.region)
	FROM PUBLIC;
GRANT EXECUTE ON FUNCTION escalation.region_eq_text(escalation.region, text), escalation.text_eq_region(text, escalation.region),
	escalation.region_ne_text(escalation.region, text), escalation.text_ne_region(text, escalation.region),
	escalation.region_contained_text(escalation.region, text), escalation.text_contains_region(text, escalation.region),
	escalation.region_contains_text(escalation.region, text), escalation.text_contained_region(text, escalation.region),
	escalation.min(escalation.region), escalation.max(escalation.region)
	TO escalation_admin, escalation_user, escalation_analyst, escalation_screen;

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

-- Text on the other side and min/max, for BI tools and drivers (docs/BI.md),
-- as for regions: the text is read as a credit code (any case; an invalid
-- code is an error) and the inlined function uses the uscc index.

CREATE FUNCTION escalation.uscc_eq_text(code escalation.uscc, other text) RETURNS boolean
	LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
	RETURN code OPERATOR(escalation.=) other::escalation.uscc;
CREATE FUNCTION escalation.text_eq_uscc(other text, code escalation.uscc) RETURNS boolean
	LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
	RETURN other::escalation.uscc OPERATOR(escalation.=) code;
CREATE FUNCTION escalation.uscc_ne_text(code escalation.uscc, other text) RETURNS boolean
	LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
	RETURN code OPERATOR(escalation.<>) other::escalation.uscc;
CREATE FUNCTION escalation.text_ne_uscc(other text, code escalation.uscc) RETURNS boolean
	LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
	RETURN other::escalation.uscc OPERATOR(escalation.<>) code;
COMMENT ON FUNCTION escalation.uscc_eq_text(escalation.uscc, text) IS
	'uscc = text: the text read as a credit code (any case) is the same code (an invalid code is an error). 信用代码与文本相等';
COMMENT ON FUNCTION escalation.text_eq_uscc(text, escalation.uscc) IS
	'text = uscc: the text read as a credit code (any case) is the same code (an invalid code is an error). 文本与信用代码相等';
COMMENT ON FUNCTION escalation.uscc_ne_text(escalation.uscc, text) IS
	'uscc <> text: the text read as a credit code is another code. 信用代码与文本不等';
COMMENT ON FUNCTION escalation.text_ne_uscc(text, escalation.uscc) IS
	'text <> uscc: the text read as a credit code is another code. 文本与信用代码不等';

CREATE OPERATOR escalation.= (
	LEFTARG = escalation.uscc, RIGHTARG = text, FUNCTION = escalation.uscc_eq_text,
	COMMUTATOR = OPERATOR(escalation.=), NEGATOR = OPERATOR(escalation.<>),
	RESTRICT = eqsel, JOIN = eqjoinsel
);
CREATE OPERATOR escalation.= (
	LEFTARG = text, RIGHTARG = escalation.uscc, FUNCTION = escalation.text_eq_uscc,
	COMMUTATOR = OPERATOR(escalation.=), NEGATOR = OPERATOR(escalation.<>),
	RESTRICT = eqsel, JOIN = eqjoinsel
);
CREATE OPERATOR escalation.<> (
	LEFTARG = escalation.uscc, RIGHTARG = text, FUNCTION = escalation.uscc_ne_text,
	COMMUTATOR = OPERATOR(escalation.<>), NEGATOR = OPERATOR(escalation.=),
	RESTRICT = neqsel, JOIN = neqjoinsel
);
CREATE OPERATOR escalation.<> (
	LEFTARG = text, RIGHTARG = escalation.uscc, FUNCTION = escalation.text_ne_uscc,
	COMMUTATOR = OPERATOR(escalation.<>), NEGATOR = OPERATOR(escalation.=),
	RESTRICT = neqsel, JOIN = neqjoinsel
);
COMMENT ON OPERATOR escalation.= (escalation.uscc, text) IS
	'Same credit code as the text (a JDBC setString parameter, a text column). 等于';
COMMENT ON OPERATOR escalation.= (text, escalation.uscc) IS
	'Same credit code as the text (a JDBC setString parameter, a text column). 等于';
COMMENT ON OPERATOR escalation.<> (escalation.uscc, text) IS
	'Another credit code than the text. 不等于';
COMMENT ON OPERATOR escalation.<> (text, escalation.uscc) IS
	'Another credit code than the text. 不等于';

CREATE FUNCTION escalation.uscc_smaller(escalation.uscc, escalation.uscc) RETURNS escalation.uscc
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION escalation.uscc_larger(escalation.uscc, escalation.uscc) RETURNS escalation.uscc
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION escalation.uscc_smaller(escalation.uscc, escalation.uscc) IS
	'The credit code that sorts first (the step of min). 较小的信用代码';
COMMENT ON FUNCTION escalation.uscc_larger(escalation.uscc, escalation.uscc) IS
	'The credit code that sorts last (the step of max). 较大的信用代码';
CREATE AGGREGATE escalation.min(escalation.uscc) (
	SFUNC = escalation.uscc_smaller, STYPE = escalation.uscc,
	COMBINEFUNC = escalation.uscc_smaller, SORTOP = OPERATOR(escalation.<), PARALLEL = SAFE
);
CREATE AGGREGATE escalation.max(escalation.uscc) (
	SFUNC = escalation.uscc_larger, STYPE = escalation.uscc,
	COMBINEFUNC = escalation.uscc_larger, SORTOP = OPERATOR(escalation.>), PARALLEL = SAFE
);
COMMENT ON AGGREGATE escalation.min(escalation.uscc) IS
	'First credit code in character order; a btree index answers it. 最小信用代码';
COMMENT ON AGGREGATE escalation.max(escalation.uscc) IS
	'Last credit code in character order; a btree index answers it. 最大信用代码';

REVOKE ALL ON FUNCTION escalation.uscc_eq_text(escalation.uscc, text), escalation.text_eq_uscc(text, escalation.uscc),
	escalation.uscc_ne_text(escalation.uscc, text), escalation.text_ne_uscc(text, escalation.uscc),
	escalation.min(escalation.uscc), escalation.max(escalation.uscc)
	FROM PUBLIC;
GRANT EXECUTE ON FUNCTION escalation.uscc_eq_text(escalation.uscc, text), escalation.text_eq_uscc(text, escalation.uscc),
	escalation.uscc_ne_text(escalation.uscc, text), escalation.text_ne_uscc(text, escalation.uscc),
	escalation.min(escalation.uscc), escalation.max(escalation.uscc)
	TO escalation_admin, escalation_user, escalation_analyst, escalation_screen;
