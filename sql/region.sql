-- escalation.region: input, output, every error a user can meet, the
-- hierarchy functions, containment, ordering, btree/hash support and the
-- binary format.
SET search_path = public, escalation;
-- Binary files are written to and read from the output folder's results/ (\copy cannot take
-- a variable, so move there).
\getenv abs_builddir PG_ABS_BUILDDIR
\cd :abs_builddir/results

-- Valid codes: Jinan (city, districts, the high-tech zone, streets and towns),
-- Shandong, Dongguan (a city with streets directly under it), Beijing.
SELECT code, code::region AS region
FROM (VALUES ('370000'), ('370100'), ('370102'), ('370176'), ('370102001'),
			 ('370114101'), ('370116110'), ('441900'), ('441900003'),
			 ('110000'), ('110100'), ('110101'), ('810000'), ('820000'), ('710000')) v(code);

-- Surrounding white space is ignored; the output is the bare code.
SELECT ' 370102 '::region AS padded, E'\t370102001\n'::region AS tab_newline;

-- text <-> region: explicit cast from text, assignment cast to text.
SELECT '370103002'::text::region AS from_text, '370103002'::region::text AS to_text;
CREATE TEMP TABLE code_text (code text);
INSERT INTO code_text VALUES ('370102'::region);
SELECT code FROM code_text;
-- no implicit or assignment cast from text: a text value must be cast.
CREATE TEMP TABLE region_only (r region);
INSERT INTO region_only SELECT code FROM code_text;
INSERT INTO region_only SELECT code::region FROM code_text;
-- the key is not the code: there is no cast from integers.
SELECT 370102::region;

-- Errors: wrong length (the length is named).
SELECT ''::region;
SELECT '37010'::region;
SELECT '3701021'::region;
SELECT '37010200'::region;
SELECT '3701020011'::region;
-- Errors: a character that is not a digit (named with its position).
SELECT '37010a'::region;
SELECT '3701 02'::region;
SELECT '-370102'::region;
SELECT '370102.1'::region;
SELECT '３７０１０２'::region;
SELECT '370102街道'::region;
-- Errors: the first two digits are not a province-level code.
SELECT '000000'::region;
SELECT '100000'::region;
SELECT '380000'::region;
SELECT '990101001'::region;
-- Errors: a district under no city (xx00yy); county-level units directly
-- under a province are numbered xx90yy.
SELECT '370012'::region;
SELECT '370012001'::region;
-- Errors: a 9-digit code ending in 000 (that is the district's own code).
SELECT '370102000'::region;
SELECT '441900000'::region;
-- Errors: a street directly in a province.
SELECT '370000001'::region;

-- Every province-level prefix that is accepted (all others are rejected).
CREATE FUNCTION pg_temp.is_region(code text) RETURNS boolean LANGUAGE plpgsql AS $$
BEGIN
	PERFORM code::escalation.region;
	RETURN true;
EXCEPTION WHEN invalid_text_representation THEN
	RETURN false;
END
$$;
SELECT string_agg(p, ' ' ORDER BY p) AS provinces
FROM (SELECT lpad(n::text, 2, '0') AS p FROM generate_series(0, 99) n) s
WHERE pg_temp.is_region(p || '0000');
-- City 90 (province-administered county-level units) is a city like any other.
SELECT '429004'::region AS xiantao, region_parent('429004'), region_level('429004');

-- Level, parent, district and city for each level.
SELECT r AS region, region_level(r) AS level, region_parent(r) AS parent,
	   region_district(r) AS district, region_city(r) AS city
FROM (VALUES ('370000'::region), ('370100'), ('370102'), ('370176'), ('370102001'),
			 ('370114101'), ('441900'), ('441900003'), ('110000'), ('110101'),
			 ('110101001')) v(r);
-- The hierarchy functions are strict.
SELECT region_level(NULL) IS NULL AS level, region_parent(NULL) IS NULL AS parent,
	   region_district(NULL) IS NULL AS district, region_city(NULL) IS NULL AS city;
-- Walking up with region_parent ends at the province.
WITH RECURSIVE up(r, depth) AS (
	SELECT '370114101'::region, 0
	UNION ALL
	SELECT region_parent(r), depth + 1 FROM up WHERE region_parent(r) IS NOT NULL
)
SELECT depth, r, region_level(r) FROM up ORDER BY depth;

-- region_upper: the greatest code within a region, always a valid code.
SELECT r, region_upper(r), region_upper(r)::text::region = region_upper(r) AS reparses
FROM (VALUES ('370000'::region), ('370100'), ('370102'), ('370102001'),
			 ('820000'), ('441900')) v(r);

-- Containment truth table: row a, column b, 1 when a @> b.
CREATE TEMP TABLE sample (r region);
INSERT INTO sample VALUES ('370000'), ('370100'), ('370102'), ('370102001'),
	('370102013'), ('370103'), ('370103002'), ('370200'), ('441900'), ('441900003');
SELECT a.r AS a, string_agg(CASE WHEN a.r @> b.r THEN '1' ELSE '.' END, ' ' ORDER BY b.r) AS "a @> b for b in key order"
FROM sample a CROSS JOIN sample b
GROUP BY a.r ORDER BY a.r;
-- <@ is the commutator of @>, and both are reflexive.
SELECT count(*) FILTER (WHERE (a.r @> b.r) <> (b.r <@ a.r)) AS commutator_mismatches,
	   count(*) FILTER (WHERE a.r = b.r AND NOT a.r @> b.r) AS not_reflexive
FROM sample a CROSS JOIN sample b;
-- Containment agrees with the parent chain on every pair of Jinan codes
-- and their neighbours: a @> b exactly when a is b or one of its ancestors.
CREATE TEMP TABLE jinan (r region);
INSERT INTO jinan
SELECT format('%s%s', d, s)::region
FROM unnest(ARRAY['370102', '370103', '370104', '370105', '370112', '370113', '370114',
				  '370115', '370116', '370117', '370124', '370126', '370176']) d,
	 unnest(ARRAY['', '001', '002', '013', '101', '999']) s;
INSERT INTO jinan VALUES ('370000'), ('370100'), ('370199'), ('370199999'), ('370200'),
	('370202'), ('370202001'), ('360000'), ('441900'), ('441900003');
WITH RECURSIVE ancestors(r, a) AS (
	SELECT r, r FROM jinan
	UNION ALL
	SELECT r, region_parent(a) FROM ancestors WHERE region_parent(a) IS NOT NULL
)
SELECT count(*) AS pairs,
	   count(*) FILTER (WHERE (x.r @> y.r) <> EXISTS (SELECT 1 FROM ancestors WHERE ancestors.r = y.r AND ancestors.a = x.r)) AS disagreements
FROM jinan x CROSS JOIN jinan y;
-- Strict: NULL in, NULL out.
SELECT '370102'::region @> NULL AS contains_null, NULL <@ '370102'::region AS null_within;

-- Ordering: a region sorts directly before its descendants.
SELECT r FROM sample ORDER BY r;
SELECT r FROM sample ORDER BY r DESC LIMIT 3;
SELECT '370102'::region < '370102001' AS lt, '370102001'::region < '370103' AS lt_next,
	   '370102'::region <= '370102' AS le, '370103'::region > '370102999' AS gt,
	   '370100'::region >= '370000' AS ge, '370102'::region = ' 370102' AS eq,
	   '370102'::region <> '370102001' AS ne;

-- Btree: a unique index, merge join, and the sort support.
CREATE TEMP TABLE regions (r region PRIMARY KEY, n int);
INSERT INTO regions SELECT r, row_number() OVER (ORDER BY r) FROM jinan;
INSERT INTO regions VALUES ('370102', 0);
SET enable_seqscan = off;
SET enable_bitmapscan = off;
EXPLAIN (COSTS OFF) SELECT n FROM regions WHERE r = '370102001';
SELECT n FROM regions WHERE r = '370102001';
RESET enable_bitmapscan;
RESET enable_seqscan;
SET enable_hashjoin = off;
SET enable_nestloop = off;
EXPLAIN (COSTS OFF) SELECT count(*) FROM jinan JOIN regions USING (r);
SELECT count(*) FROM jinan JOIN regions USING (r);
RESET enable_nestloop;
RESET enable_hashjoin;

-- Hash: hash aggregation, hash join, DISTINCT and a hash index.
SET enable_sort = off;
EXPLAIN (COSTS OFF) SELECT region_district(r), count(*) FROM jinan GROUP BY 1;
SELECT region_district(r) AS district, count(*) FROM jinan GROUP BY 1 ORDER BY 1;
EXPLAIN (COSTS OFF) SELECT DISTINCT region_city(r) FROM jinan;
SELECT count(DISTINCT region_city(r)) AS cities FROM jinan;
RESET enable_sort;
SET enable_mergejoin = off;
SET enable_nestloop = off;
EXPLAIN (COSTS OFF) SELECT count(*) FROM jinan a JOIN sample b ON a.r = b.r;
SELECT count(*) FROM jinan a JOIN sample b ON a.r = b.r;
RESET enable_nestloop;
RESET enable_mergejoin;
CREATE INDEX jinan_hash ON jinan USING hash (r);
SET enable_seqscan = off;
EXPLAIN (COSTS OFF) SELECT count(*) FROM jinan WHERE r = '370114101';
SELECT count(*) FROM jinan WHERE r = '370114101';
RESET enable_seqscan;
-- The hash of a region does not depend on how it was typed.
SELECT region_hash('370102') = region_hash(' 370102 ') AS same_hash,
	   region_hash_extended('370102', 1) <> region_hash_extended('370102', 2) AS seeded;

-- Binary format: round trip through COPY BINARY.
\copy (SELECT r FROM jinan ORDER BY r) TO 'region.bin' WITH (FORMAT binary)
CREATE TEMP TABLE jinan_back (r region);
\copy jinan_back FROM 'region.bin' WITH (FORMAT binary)
SELECT (SELECT count(*) FROM jinan_back) AS copied,
	   (SELECT count(*) FROM (SELECT r FROM jinan EXCEPT SELECT r FROM jinan_back) d) AS lost;
-- The send format: version byte 1, then the key as int4 (370102001 and 370102000).
SELECT region_send('370102001'), region_send('370102');
-- Binary input is checked like text. A binary COPY field is exactly the
-- bytes region_send writes, so a bytea written with binary COPY reads back
-- through region_recv.
CREATE TEMP TABLE from_raw (r region);
COPY (SELECT '\x01160f4ef1'::bytea) TO STDOUT WITH (FORMAT binary) \g field.bin
\copy from_raw FROM 'field.bin' WITH (FORMAT binary)
SELECT r FROM from_raw;
-- wrong version byte
COPY (SELECT '\x02160f4ef1'::bytea) TO STDOUT WITH (FORMAT binary) \g field.bin
\copy from_raw FROM 'field.bin' WITH (FORMAT binary)
-- a key outside every code (999999999)
COPY (SELECT '\x013b9ac9ff'::bytea) TO STDOUT WITH (FORMAT binary) \g field.bin
\copy from_raw FROM 'field.bin' WITH (FORMAT binary)
-- a key of an impossible code: 370012 (no city), 370000001 (street in a province)
COPY (SELECT '\x01160def60'::bytea) TO STDOUT WITH (FORMAT binary) \g field.bin
\copy from_raw FROM 'field.bin' WITH (FORMAT binary)
COPY (SELECT '\x01160dc081'::bytea) TO STDOUT WITH (FORMAT binary) \g field.bin
\copy from_raw FROM 'field.bin' WITH (FORMAT binary)
-- a truncated key
COPY (SELECT '\x01160d'::bytea) TO STDOUT WITH (FORMAT binary) \g field.bin
\copy from_raw FROM 'field.bin' WITH (FORMAT binary)
SELECT count(*) AS rows_after_failed_loads FROM from_raw;
\! rm -f region.bin field.bin
