-- escalation 0.1.0 → 0.2.0 (升级脚本)
--
-- Every schema change of release 0.2.0, in the order it was made. The fresh
-- install script (sql/parts/) and this script must give the same extension:
-- test/scripts/74_upgrade.sh installs 0.1.0 with data, walks this script and
-- compares the result with a fresh install of 0.2.0.
\echo Use "ALTER EXTENSION escalation UPDATE TO '0.2.0'" to load this file. \quit

-- BI tools and drivers (docs/BI.md): region and credit-code comparison with
-- text (JDBC setString binds varchar), containment with text, min and max.

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
