-- Containment served by a btree index: on a million generated regions,
-- "region <@ x" and "x @> region" become a key range in the index, for a
-- literal, a stable function (as a row-level-security policy uses), a
-- parameter of a generic plan and a correlated subquery; the results equal a
-- sequential scan and an independent prefix test; the row estimates are close.
SET search_path = public, escalation;
-- Plans without parallel workers, so they do not depend on the machine.
SET max_parallel_workers_per_gather = 0;

-- 1,000,000 units over 13 Jinan districts, 3 Qingdao districts and Dongguan
-- (streets directly under the city): 40 streets each, every 100th unit at
-- district level. Deterministic.
CREATE TABLE units_1m (id int PRIMARY KEY, region region NOT NULL);
INSERT INTO units_1m
SELECT i, (d[1 + i % 17] || CASE WHEN i % 100 = 0 THEN '' ELSE lpad((1 + (i / 17) % 40)::text, 3, '0') END)::region
FROM generate_series(1, 1000000) i,
	 (SELECT ARRAY['370102', '370103', '370104', '370105', '370112', '370113', '370114', '370115', '370116',
				   '370117', '370124', '370126', '370176', '370202', '370203', '370211', '441900'] AS d) a;
CREATE INDEX units_1m_region ON units_1m (region);
VACUUM ANALYZE units_1m;

-- A stable function on the right side, not inlined (like current_region()).
CREATE FUNCTION test_region() RETURNS region
	LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog
	AS $$ SELECT '370103'::escalation.region $$;

-- The index is used: a district, a street, Dongguan, the commuted form, a
-- stable function, both forms with it.
EXPLAIN (COSTS OFF) SELECT count(*) FROM units_1m WHERE region <@ '370102';
EXPLAIN (COSTS OFF) SELECT count(*) FROM units_1m WHERE region <@ '370102001';
EXPLAIN (COSTS OFF) SELECT count(*) FROM units_1m WHERE region <@ '441900';
EXPLAIN (COSTS OFF) SELECT count(*) FROM units_1m WHERE '370102' @> region;
EXPLAIN (COSTS OFF) SELECT count(*) FROM units_1m WHERE region <@ test_region();
EXPLAIN (COSTS OFF) SELECT count(*) FROM units_1m WHERE test_region() @> region;
-- A plain index scan needs no recheck: the range is exact.
EXPLAIN (COSTS OFF) SELECT id FROM units_1m WHERE region <@ '370102013' ORDER BY region, id LIMIT 3;
-- A parameter of a generic plan.
PREPARE within(region) AS SELECT count(*) FROM units_1m WHERE region <@ $1;
SET plan_cache_mode = force_generic_plan;
EXPLAIN (COSTS OFF) EXECUTE within('370104');
EXECUTE within('370104');
RESET plan_cache_mode;
DEALLOCATE within;
-- A correlated subquery: the outer value is a parameter of each scan.
CREATE TEMP TABLE bounds (b region);
INSERT INTO bounds VALUES ('370000'), ('370100'), ('370200'), ('440000'), ('441900'),
	('370102'), ('370176'), ('370211'), ('370102001'), ('370102040'), ('370102041'),
	('441900003'), ('110000'), ('370199'), ('820000');
EXPLAIN (COSTS OFF) SELECT b, (SELECT count(*) FROM units_1m WHERE region <@ b) FROM bounds;
-- A city holds three quarters of the rows: the planner prefers a sequential scan.
EXPLAIN (COSTS OFF) SELECT count(*) FROM units_1m WHERE region <@ '370100';

-- Not turned into a range: a volatile right side, a column containing a
-- value (its ancestors are no range), and a column on both sides.
EXPLAIN (COSTS OFF) SELECT count(*) FROM units_1m
WHERE region <@ (CASE WHEN random() < 2 THEN '370102' END)::region;
EXPLAIN (COSTS OFF) SELECT count(*) FROM units_1m WHERE region @> '370102001';
EXPLAIN (COSTS OFF) SELECT count(*) FROM units_1m WHERE region <@ region_parent(region);

-- Results: the index route, a forced sequential scan and an independent
-- count (codes whose text starts with the bound's significant digits) agree,
-- for every level of bound (the bounds above), including bounds with no rows.
-- Rows per prefix of their code: 2, 4 and 6 digits, and 9 for streets.
CREATE TEMP TABLE by_prefix AS
SELECT p, count(*) AS n
FROM (SELECT region::text AS code FROM units_1m) u,
	 LATERAL (VALUES (left(code, 2)), (left(code, 4)), (left(code, 6)),
					 (CASE WHEN length(code) = 9 THEN code END)) v(p)
WHERE p IS NOT NULL
GROUP BY p;
CREATE FUNCTION pg_temp.counts() RETURNS TABLE (b region, n bigint, ids numeric)
	LANGUAGE sql STABLE AS $$
	SELECT b, (SELECT count(*) FROM units_1m WHERE region <@ b),
			  (SELECT sum(id) FROM units_1m WHERE b @> region)
	FROM bounds
$$;
SET enable_seqscan = off;
CREATE TEMP TABLE by_index AS SELECT * FROM pg_temp.counts();
RESET enable_seqscan;
SET enable_indexscan = off;
SET enable_indexonlyscan = off;
SET enable_bitmapscan = off;
CREATE TEMP TABLE by_seqscan AS SELECT * FROM pg_temp.counts();
RESET enable_bitmapscan;
RESET enable_indexonlyscan;
RESET enable_indexscan;
SELECT b, i.n AS by_index, s.n AS by_seqscan, coalesce(p.n, 0) AS by_prefix,
	   i.n = s.n AND i.n = coalesce(p.n, 0) AND i.ids IS NOT DISTINCT FROM s.ids AS agree
FROM by_index i
	 JOIN by_seqscan s USING (b)
	 LEFT JOIN by_prefix p ON p.p = left(b::text, CASE region_level(b) WHEN 'city' THEN 4
							WHEN 'district' THEN 6 WHEN 'street' THEN 9 ELSE 2 END)
ORDER BY b;

-- Row estimates of <@ and @> are within a factor of two of the truth (so the
-- planner picks the index for small regions and not for large ones).
CREATE FUNCTION pg_temp.estimate_ratio(condition text) RETURNS numeric LANGUAGE plpgsql AS $$
DECLARE
	plan json;
	actual bigint;
BEGIN
	EXECUTE 'EXPLAIN (FORMAT JSON) SELECT * FROM units_1m WHERE ' || condition INTO plan;
	EXECUTE 'SELECT count(*) FROM units_1m WHERE ' || condition INTO actual;
	RETURN round((plan -> 0 -> 'Plan' ->> 'Plan Rows')::numeric / actual, 1);
END
$$;
SELECT condition, pg_temp.estimate_ratio(condition) BETWEEN 0.5 AND 2 AS within_factor_two
FROM unnest(ARRAY['region <@ ''370102''', 'region <@ ''370102001''', 'region <@ ''370100''',
				  'region <@ ''370000''', 'region <@ ''441900''', '''370211'' @> region',
				  'region @> ''370102013''', '''370102013'' <@ region']) condition;

-- A row-level-security policy with a stable function on the right side uses
-- the index, for a role that the policy applies to.
CREATE ROLE regress_region_official;
GRANT USAGE ON SCHEMA escalation TO regress_region_official;
GRANT SELECT ON units_1m TO regress_region_official;
ALTER TABLE units_1m ENABLE ROW LEVEL SECURITY;
CREATE POLICY units_1m_own_region ON units_1m TO regress_region_official
	USING (region <@ test_region());
SET ROLE regress_region_official;
EXPLAIN (COSTS OFF) SELECT count(*) FROM units_1m;
SELECT count(*) FROM units_1m;
EXPLAIN (COSTS OFF) SELECT count(*) FROM units_1m WHERE region <@ '370103005';
SELECT count(*) FROM units_1m WHERE region <@ '370103005';
SELECT count(*) AS outside_own_region FROM units_1m WHERE region <@ '370102';
RESET ROLE;
DROP TABLE units_1m;
DROP FUNCTION test_region();
REVOKE USAGE ON SCHEMA escalation FROM regress_region_official;
DROP ROLE regress_region_official;
