-- escalation.uscc: input, case folding, every error a user can meet, the
-- check character against an independent computation, uscc_complete,
-- uscc_region, ordering, btree/hash support and the binary format.
SET search_path = public, escalation;
-- Binary files are written to and read from the output folder's results/ (\copy cannot take
-- a variable, so move there).
\getenv abs_builddir PG_ABS_BUILDDIR
\cd :abs_builddir/results

-- Valid codes, upper case stored whatever the input case; surrounding white
-- space is ignored. Check characters 0 and Y are the two ends of the charset.
SELECT code, code::uscc AS uscc
FROM (VALUES ('91350100M000100Y43'), ('91350100m000100y43'), ('  91370102ma3c4b5l1x '),
			 ('91370100163040126D'), ('12370000004609210F'), ('52370102MA00000A18'),
			 ('91370102MA3C4B5LC0'), ('91370102MA3C4B5LNY')) v(code);
SELECT '91350100m000100y43'::uscc = '91350100M000100Y43'::uscc AS case_folded;

-- text <-> uscc: explicit cast from text, assignment cast to text.
SELECT '91350100m000100y43'::text::uscc AS from_text, '91350100m000100y43'::uscc::text AS to_text;

-- Errors: wrong length (the length is named).
SELECT ''::uscc;
SELECT '91350100M000100Y4'::uscc;
SELECT '91350100M000100Y433'::uscc;
SELECT '91350100-M000100Y43'::uscc;
-- Errors: a character outside the charset (named with its position); I, O,
-- Z, S and V are never used, in either case.
SELECT 'I1350100M000100Y43'::uscc;
SELECT '91350100O000100Y43'::uscc;
SELECT '91350100M000100Z43'::uscc;
SELECT '9135010SM000100Y43'::uscc;
SELECT '91350100M0V0100Y43'::uscc;
SELECT '91350100m000100y4o'::uscc;
SELECT '9135 0100M000100Y4'::uscc;
SELECT '91350100Ｍ000100Y43'::uscc;
SELECT '91350100M000100Y4码'::uscc;
-- Errors: a wrong check character (the expected one is named).
SELECT '91350100M000100Y44'::uscc;
SELECT '91370102MA3C4B5LC1'::uscc;
SELECT '91370102ma3c4b5lnx'::uscc;

-- The check character against an independent computation (GB 32100-2015:
-- weights 3^i mod 31, check = 31 - sum mod 31, 31 -> 0) on 3000 deterministic
-- 17-character prefixes.
CREATE FUNCTION pg_temp.check_char(prefix text) RETURNS text LANGUAGE sql IMMUTABLE AS $$
	SELECT substr(cs, ((31 - sum((strpos(cs, substr(prefix, i::int, 1)) - 1) * w) % 31) % 31 + 1)::int, 1)
	FROM (SELECT '0123456789ABCDEFGHJKLMNPQRTUWXY'::text AS cs) c,
		 unnest('{1,3,9,27,19,26,16,17,20,29,25,13,8,24,10,30,28}'::int[]) WITH ORDINALITY AS t(w, i)
	GROUP BY cs
$$;
CREATE TEMP TABLE prefixes AS
SELECT n, string_agg(substr('0123456789ABCDEFGHJKLMNPQRTUWXY',
							1 + ('x' || substr(md5(n || ':' || k), 1, 4))::bit(16)::int % 31, 1),
					 '' ORDER BY k) AS prefix
FROM generate_series(1, 3000) n, generate_series(1, 17) k
GROUP BY n;
SELECT count(*) AS prefixes,
	   count(*) FILTER (WHERE uscc_complete(prefix)::text <> prefix || pg_temp.check_char(prefix)) AS disagreements,
	   count(DISTINCT pg_temp.check_char(prefix)) AS distinct_check_characters
FROM prefixes;
-- Of the 31 candidate last characters, exactly one is accepted.
CREATE FUNCTION pg_temp.is_uscc(code text) RETURNS boolean LANGUAGE plpgsql AS $$
BEGIN
	PERFORM code::escalation.uscc;
	RETURN true;
EXCEPTION WHEN invalid_text_representation THEN
	RETURN false;
END
$$;
SELECT count(*) FILTER (WHERE accepted <> 1) AS prefixes_not_accepted_once
FROM (SELECT n, count(*) FILTER (WHERE pg_temp.is_uscc(prefix || c)) AS accepted
	  FROM (SELECT * FROM prefixes WHERE n <= 300) p,
		   unnest(string_to_array('0123456789ABCDEFGHJKLMNPQRTUWXY', NULL)) c
	  GROUP BY n) s;

-- uscc_complete: the first 17 characters, any case, get their check character.
SELECT uscc_complete('91350100M000100Y4') AS spec_example, uscc_complete('91370102ma3c4b5lc') AS lower;
SELECT uscc_complete('91350100M000100Y') AS too_short;
SELECT uscc_complete('91350100M000100Y43') AS full_code;
SELECT uscc_complete('91350100M000100I4') AS bad_character;

-- uscc_region: characters 3-8 as a region, NULL when they are no valid code.
SELECT code, uscc_region(code::uscc) AS region, region_level(uscc_region(code::uscc)) AS level
FROM (VALUES ('91350100M000100Y43'), ('91370102MA3C4B5L1X'), ('12370000004609210F'),
			 ('9137A102MA3C4B5L1R'), ('91000000MA3C4B5L1T'), ('91370012MA3C4B5L18')) v(code);
SELECT uscc_region('91370102MA3C4B5L1X') <@ '370100' AS registered_in_jinan;

-- Ordering: character by character, digits before letters.
CREATE TEMP TABLE codes (c uscc);
INSERT INTO codes VALUES ('91370102MA3C4B5L1X'), ('12370000004609210F'), ('91350100M000100Y43'),
	('52370102MA00000A18'), ('91370102MA3C4B5LC0'), ('91370102MA3C4B5LNY'), ('91370100163040126D');
SELECT c FROM codes ORDER BY c;
SELECT '12370000004609210F'::uscc < '52370102MA00000A18' AS lt,
	   '91370102MA3C4B5L1X'::uscc <= '91370102ma3c4b5l1x' AS le,
	   '91370102MA3C4B5LNY'::uscc > '91370102MA3C4B5LC0' AS gt,
	   '91370102MA3C4B5LNY'::uscc >= '91370102MA3C4B5LNY' AS ge,
	   '91370102MA3C4B5LNY'::uscc <> '91370102MA3C4B5LC0' AS ne;

-- Btree: a unique index that sees through case, and a merge join.
CREATE TEMP TABLE registry (c uscc PRIMARY KEY, name text);
INSERT INTO registry SELECT uscc_complete(prefix), 'unit ' || n FROM prefixes;
INSERT INTO registry VALUES ('91350100M000100Y43', 'first');
INSERT INTO registry VALUES ('91350100m000100y43', 'same code in lower case');
SET enable_seqscan = off;
SET enable_bitmapscan = off;
EXPLAIN (COSTS OFF) SELECT name FROM registry WHERE c = '91350100m000100y43';
SELECT name FROM registry WHERE c = '91350100m000100y43';
RESET enable_bitmapscan;
RESET enable_seqscan;
SET enable_hashjoin = off;
SET enable_nestloop = off;
EXPLAIN (COSTS OFF) SELECT count(*) FROM codes JOIN registry USING (c);
SELECT count(*) FROM codes JOIN registry USING (c);
RESET enable_nestloop;
RESET enable_hashjoin;

-- Hash: hash aggregation, hash join, DISTINCT and a hash index.
CREATE TEMP TABLE sightings AS
SELECT uscc_complete(prefix) AS c FROM prefixes, generate_series(1, 3) WHERE n <= 100;
SET enable_sort = off;
EXPLAIN (COSTS OFF) SELECT c, count(*) FROM sightings GROUP BY c;
SELECT count(*) AS groups, min(cnt), max(cnt) FROM (SELECT c, count(*) AS cnt FROM sightings GROUP BY c) g;
EXPLAIN (COSTS OFF) SELECT DISTINCT c FROM sightings;
RESET enable_sort;
SET enable_mergejoin = off;
SET enable_nestloop = off;
EXPLAIN (COSTS OFF) SELECT count(*) FROM sightings JOIN registry USING (c);
SELECT count(*) FROM sightings JOIN registry USING (c);
RESET enable_nestloop;
RESET enable_mergejoin;
CREATE INDEX sightings_hash ON sightings USING hash (c);
SET enable_seqscan = off;
EXPLAIN (COSTS OFF) SELECT count(*) FROM sightings WHERE c = '91350100M000100Y43';
SELECT count(*) FROM sightings WHERE c = (SELECT uscc_complete(prefix) FROM prefixes WHERE n = 7);
RESET enable_seqscan;
SELECT uscc_hash('91350100m000100y43') = uscc_hash('91350100M000100Y43') AS same_hash,
	   uscc_hash_extended('91350100M000100Y43', 1) <> uscc_hash_extended('91350100M000100Y43', 2) AS seeded;

-- Binary format: round trip through COPY BINARY.
\copy registry TO 'uscc.bin' WITH (FORMAT binary)
CREATE TEMP TABLE registry_back (c uscc, name text);
\copy registry_back FROM 'uscc.bin' WITH (FORMAT binary)
SELECT (SELECT count(*) FROM registry_back) AS copied,
	   (SELECT count(*) FROM (SELECT * FROM registry EXCEPT SELECT * FROM registry_back) d) AS lost;
-- The send format: version byte 1, then the 18 characters.
SELECT uscc_send('91350100m000100y43');
-- Binary input is checked like text. A binary COPY field is exactly the
-- bytes uscc_send writes, so a bytea written with binary COPY reads back
-- through uscc_recv.
CREATE TEMP TABLE from_raw (c uscc);
-- lower case is accepted and stored upper case
COPY (SELECT '\x01'::bytea || convert_to('91350100m000100y43', 'SQL_ASCII')) TO STDOUT WITH (FORMAT binary) \g field.bin
\copy from_raw FROM 'field.bin' WITH (FORMAT binary)
SELECT c FROM from_raw;
-- wrong version byte
COPY (SELECT '\x02'::bytea || convert_to('91350100M000100Y43', 'SQL_ASCII')) TO STDOUT WITH (FORMAT binary) \g field.bin
\copy from_raw FROM 'field.bin' WITH (FORMAT binary)
-- wrong check character
COPY (SELECT '\x01'::bytea || convert_to('91350100M000100Y44', 'SQL_ASCII')) TO STDOUT WITH (FORMAT binary) \g field.bin
\copy from_raw FROM 'field.bin' WITH (FORMAT binary)
-- a letter outside the charset
COPY (SELECT '\x01'::bytea || convert_to('91350100M000100I43', 'SQL_ASCII')) TO STDOUT WITH (FORMAT binary) \g field.bin
\copy from_raw FROM 'field.bin' WITH (FORMAT binary)
-- bytes that are not printable ASCII are named, not quoted
COPY (SELECT '\x01'::bytea || convert_to('91350100M000100Y4', 'SQL_ASCII') || '\xff'::bytea) TO STDOUT WITH (FORMAT binary) \g field.bin
\copy from_raw FROM 'field.bin' WITH (FORMAT binary)
-- too few bytes
COPY (SELECT '\x01'::bytea || convert_to('91350100M000100Y4', 'SQL_ASCII')) TO STDOUT WITH (FORMAT binary) \g field.bin
\copy from_raw FROM 'field.bin' WITH (FORMAT binary)
-- trailing bytes after the 18 characters
COPY (SELECT '\x01'::bytea || convert_to('91350100M000100Y430', 'SQL_ASCII')) TO STDOUT WITH (FORMAT binary) \g field.bin
\copy from_raw FROM 'field.bin' WITH (FORMAT binary)
SELECT count(*) AS rows_after_failed_loads FROM from_raw;
\! rm -f uscc.bin field.bin
