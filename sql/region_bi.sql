-- What BI tools and drivers send (docs/BI.md): the operators of escalation's
-- types live in schema escalation, so the default search_path does not find
-- them and the setup adds the schema; then a text or varchar on the other
-- side (JDBC binds setString as varchar) compares, contains and is contained
-- as a code, in either order, a btree index on the column still serves it
-- (the SQL functions are inlined), an invalid text is the type's own error,
-- and min and max work on regions and credit codes (answered by an index).
SET max_parallel_workers_per_gather = 0;

-- The default search_path: the literal filter, the join and containment fail.
RESET search_path;
SHOW search_path;
CREATE TABLE bi_unit (id int PRIMARY KEY, region escalation.region NOT NULL, uscc escalation.uscc UNIQUE);
CREATE TABLE bi_division (code escalation.region PRIMARY KEY, name text NOT NULL);
SELECT count(*) FROM bi_unit WHERE region = '370102';
SELECT count(*) FROM bi_division d JOIN bi_unit h ON d.code = h.region;
SELECT count(*) FROM bi_unit WHERE region <@ '370102';
SELECT min(region) FROM bi_unit;

-- The setup of docs/BI.md (ALTER DATABASE ... SET search_path) gives sessions this path.
SET search_path = "$user", public, escalation;

-- 4,000 units over two districts of Jinan, their streets and a district
-- directly: ids 1..4000, every unit with a credit code registered in its district.
INSERT INTO bi_division VALUES ('370100', '济南市'), ('370102', '历下区'), ('370103', '市中区');
INSERT INTO bi_unit
SELECT i, r, uscc_complete('91' || left(r::text, 6) || 'MA3C' || lpad(i::text, 5, '0'))
FROM generate_series(1, 4000) i,
	 LATERAL (SELECT ((ARRAY['370102', '370103'])[1 + i % 2] ||
					  CASE WHEN i % 10 = 0 THEN '' ELSE lpad((1 + i % 7)::text, 3, '0') END)::region AS r) g;
CREATE INDEX bi_unit_region ON bi_unit (region);
VACUUM ANALYZE bi_unit;

-- Literals (unknown) keep choosing the region operators.
SELECT count(*) FROM bi_unit WHERE region = '370102';
SELECT count(*) FROM bi_division d JOIN bi_unit h ON d.code = h.region;
SELECT count(*) FROM bi_unit WHERE region <@ '370102';
SELECT count(*) FROM bi_unit WHERE '370102' @> region;

-- text and varchar on either side: the same answers as the region literal.
SELECT count(*) FILTER (WHERE region = '370102'::text) AS eq_text,
	   count(*) FILTER (WHERE '370102'::text = region) AS text_eq,
	   count(*) FILTER (WHERE region = '370102'::varchar) AS eq_varchar,
	   count(*) FILTER (WHERE '370102'::varchar = region) AS varchar_eq,
	   count(*) FILTER (WHERE region <> '370102'::text) AS ne_text,
	   count(*) FILTER (WHERE '370102'::varchar <> region) AS varchar_ne,
	   count(*) FILTER (WHERE region = ' 370102003 '::text) AS padded_street
FROM bi_unit;
SELECT count(*) FILTER (WHERE region <@ '370102'::text) AS within_text,
	   count(*) FILTER (WHERE '370102'::varchar @> region) AS varchar_contains,
	   count(*) FILTER (WHERE region @> '370102003'::text) AS contains_text,
	   count(*) FILTER (WHERE '370102003'::varchar <@ region) AS varchar_within,
	   count(*) FILTER (WHERE region <@ '370100'::text) AS within_city
FROM bi_unit;
-- A text column joined to a region column, both ways round.
CREATE TABLE bi_code (code text, label text);
INSERT INTO bi_code VALUES ('370102', 'district'), ('370102001', 'street'), ('370103005', 'street');
SELECT c.label, c.code, count(u.id) FROM bi_code c JOIN bi_unit u ON c.code = u.region GROUP BY 1, 2 ORDER BY 2;
SELECT c.code, count(u.id) FROM bi_code c JOIN bi_unit u ON u.region <@ c.code GROUP BY 1 ORDER BY 1;
-- NULL on either side is NULL, as for any comparison.
SELECT '370102'::region = NULL::text AS region_null, NULL::varchar = '370102'::region AS null_region,
	   NULL::region <@ '370102'::text AS null_within;

-- An invalid text is the error of the region type, naming the value.
SELECT count(*) FROM bi_unit WHERE region = 'Lixia'::text;
SELECT count(*) FROM bi_unit WHERE '370102000'::varchar = region;
SELECT count(*) FROM bi_unit WHERE region <@ '99'::text;

-- The index serves text and varchar, a parameter of a generic plan too:
-- the operator's function is inlined into the region operator.
EXPLAIN (COSTS OFF) SELECT id FROM bi_unit WHERE region = '370102001'::varchar;
EXPLAIN (COSTS OFF) SELECT id FROM bi_unit WHERE '370102001'::text = region;
EXPLAIN (COSTS OFF) SELECT id FROM bi_unit WHERE region <@ '370102001'::text;
EXPLAIN (COSTS OFF) SELECT id FROM bi_unit WHERE '370102001'::varchar @> region;
PREPARE by_code(varchar) AS SELECT count(*) FROM bi_unit WHERE region = $1;
SET plan_cache_mode = force_generic_plan;
EXPLAIN (COSTS OFF) EXECUTE by_code('370102');
EXECUTE by_code('370102');
RESET plan_cache_mode;

-- min and max: region order (a region before its streets), NULL when empty,
-- the same as ordering; answered from the index; grouped.
SELECT min(region), max(region) FROM bi_unit;
SELECT (SELECT region FROM bi_unit ORDER BY region LIMIT 1) AS first,
	   (SELECT region FROM bi_unit ORDER BY region DESC LIMIT 1) AS last;
SELECT min(region), max(region) FROM bi_unit WHERE false;
SELECT min(r), max(r) FROM (VALUES ('370102001'::region), (NULL), ('370102'), ('370000'), ('370102999')) v(r);
EXPLAIN (COSTS OFF) SELECT max(region) FROM bi_unit;
SELECT region_district(region) AS district, min(region), max(region), count(*)
FROM bi_unit GROUP BY 1 ORDER BY 1;

-- Credit codes: text and varchar on either side, any case (JDBC setString),
-- an invalid code is the type's error; min and max; the index serves text.
SELECT count(*) FILTER (WHERE uscc = '91370102MA3C00002H'::text) AS eq_text,
	   count(*) FILTER (WHERE '91370102ma3c00002h'::varchar = uscc) AS lower_varchar_eq,
	   count(*) FILTER (WHERE uscc = uscc_complete('91370102MA3C00002')::text) AS eq_completed,
	   count(*) FILTER (WHERE uscc <> '91370102MA3C00002H'::text) AS ne_text,
	   count(*) FILTER (WHERE '91370102MA3C00002H'::varchar <> uscc) AS varchar_ne
FROM bi_unit;
SELECT count(*) FROM bi_unit WHERE uscc = '91370102MA3C00002X'::varchar;
SELECT count(*) FROM bi_unit WHERE 'MA3C00002H'::text = uscc;
SELECT min(uscc), max(uscc) FROM bi_unit;
SELECT min(uscc), max(uscc) FROM bi_unit WHERE false;
EXPLAIN (COSTS OFF) SELECT id FROM bi_unit WHERE uscc = '91370102MA3C00002H'::varchar;
EXPLAIN (COSTS OFF) SELECT min(uscc) FROM bi_unit;
