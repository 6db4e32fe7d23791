-- What analysts and BI tools read. An analyst cannot SELECT * from unit,
-- person or unit_history (column grants keep personal data out), but every
-- table an analyst may read has a view <table>_analyst that an analyst can
-- SELECT * from, with exactly the permitted columns, region and uscc codes as
-- text, every enum column with its Chinese label, and row-level security
-- applied as the caller (security_invoker). Every value of every enum has a
-- Chinese label (enum_label). data_dictionary lists every table, view,
-- column, function and type of the extension with its type and its comment
-- split into English and Chinese, and says what the caller may read.
BEGIN;
CREATE EXTENSION IF NOT EXISTS escalation;
SELECT plan(17);
\ir fixtures/30_responsibility.sql
UPDATE escalation.unit SET uscc = '91370102MA3C8E9X0F' WHERE id = 1001;

-- The tables an analyst may read (some columns or all), and their views.
CREATE TEMP TABLE readable AS
	SELECT c.oid AS tbl, c.relname, to_regclass('escalation.' || c.relname || '_analyst') AS view
	FROM pg_class c
	WHERE c.relnamespace = 'escalation'::regnamespace AND c.relkind = 'r'
		AND has_any_column_privilege('escalation_analyst', c.oid, 'SELECT');
GRANT SELECT ON readable TO PUBLIC;

SET LOCAL ROLE t30_analyst;
SELECT throws_ok('SELECT * FROM escalation.unit', '42501', 'permission denied for table unit',
	'an analyst cannot SELECT * from unit (column grants)');
SELECT throws_ok('SELECT * FROM escalation.person', '42501', 'permission denied for table person',
	'nor from person');
RESET ROLE;

SELECT is((SELECT string_agg(relname, ', ' ORDER BY relname) FROM readable WHERE view IS NULL), NULL,
	'every table an analyst may read has a view <table>_analyst');
SELECT cmp_ok((SELECT count(*) FROM readable), '>=', 29::bigint, 'at least the 29 tables of the release');

-- SELECT * from every analyst view, as an analyst.
CREATE FUNCTION pg_temp.unreadable_views() RETURNS text
LANGUAGE plpgsql AS
$$
DECLARE
	r record;
	failed text[] := '{}';
BEGIN
	FOR r IN SELECT view FROM readable ORDER BY relname LOOP
		BEGIN
			EXECUTE format('SELECT * FROM %s LIMIT 1', r.view);
		EXCEPTION WHEN insufficient_privilege THEN
			failed := failed || r.view::text;
		END;
	END LOOP;
	RETURN nullif(array_to_string(failed, ', '), '');
END
$$;
SET LOCAL ROLE t30_analyst;
SELECT is(pg_temp.unreadable_views(), NULL, 'an analyst can SELECT * from every analyst view');
SELECT is((SELECT count(*) FROM escalation.unit_analyst), 3::bigint, 'and sees every unit there (3)');
SELECT is((SELECT uscc FROM escalation.unit_analyst WHERE id = 1001), '91370102MA3C8E9X0F',
	'uscc reads as text');
SELECT is((SELECT string_agg(name || ' ' || title, ', ' ORDER BY id) FROM escalation.person_analyst WHERE id IN (120, 121)),
	(SELECT string_agg(name || ' ' || title, ', ' ORDER BY id) FROM escalation.person WHERE id IN (120, 121)),
	'person_analyst shows the people''s names and titles');
RESET ROLE;

-- The columns: exactly the permitted ones, plus a label for every enum column.
SELECT is((SELECT string_agg(format('%s.%s', r.relname, a.attname), ', ' ORDER BY r.relname, a.attnum)
		   FROM readable r
		   JOIN pg_attribute a ON a.attrelid = r.tbl AND a.attnum > 0 AND NOT a.attisdropped
		   WHERE has_column_privilege('escalation_analyst', r.tbl, a.attnum, 'SELECT')
			 <> EXISTS (SELECT 1 FROM pg_attribute v WHERE v.attrelid = r.view AND v.attname = a.attname)),
	NULL, 'each view has exactly the columns the analyst may read of its table');
SELECT is((SELECT string_agg(format('%s.%s', r.relname, a.attname), ', ')
		   FROM readable r
		   JOIN pg_attribute a ON a.attrelid = r.tbl AND a.attnum > 0 AND NOT a.attisdropped
		   JOIN pg_type t ON t.oid = a.atttypid AND t.typtype = 'e'
		   WHERE has_column_privilege('escalation_analyst', r.tbl, a.attnum, 'SELECT')
			 AND NOT EXISTS (SELECT 1 FROM pg_attribute v WHERE v.attrelid = r.view AND v.attname = a.attname || '_label'
							 AND v.atttypid = 'text'::regtype)),
	NULL, 'every enum column has a text column <column>_label beside it');
SELECT is((SELECT string_agg(format('%s.%s', r.view, a.attname), ', ')
		   FROM readable r JOIN pg_attribute a ON a.attrelid = r.view AND a.attnum > 0
		   WHERE a.atttypid IN ('escalation.region'::regtype, 'escalation.uscc'::regtype,
								'escalation.region[]'::regtype)),
	NULL, 'no view column is a region or uscc: BI drivers read them as text');
SELECT is((SELECT string_agg(r.view::text, ', ') FROM readable r JOIN pg_class c ON c.oid = r.view
		   WHERE NOT coalesce(c.reloptions @> ARRAY['security_invoker=true'], false)),
	NULL, 'every view runs with the caller''s rights (row-level security applies)');
SELECT is((SELECT string_agg(format('%s.%s', r.view, a.attname), ', ')
		   FROM readable r JOIN pg_attribute a ON a.attrelid = r.view AND a.attnum > 0
		   WHERE col_description(r.view, a.attnum) IS NULL),
	NULL, 'every column of every analyst view has a comment');

-- Labels.
SELECT is((SELECT string_agg(format('%s.%s', t.typname, e.enumlabel), ', ')
		   FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid
		   LEFT JOIN escalation.enum_label l ON l.enum_type = t.typname AND l.value = e.enumlabel
		   WHERE t.typnamespace = 'escalation'::regnamespace AND (l.label IS NULL OR l.label !~ '[一-龥]')),
	NULL, 'every value of every enum has a Chinese label');

-- The data dictionary.
SELECT results_eq($$SELECT data_type, comment_en, comment_zh FROM escalation.data_dictionary
					WHERE object_name = 'escalation.unit' AND column_name = 'uscc'$$,
	$$VALUES ('escalation.uscc'::text, 'Unified social credit code; may be missing for nine-small-venue units.'::text,
			  '统一社会信用代码'::text)$$,
	'the dictionary gives a column''s type and its English and Chinese comment');
SELECT is((SELECT count(*) FROM pg_class c JOIN pg_depend d ON d.classid = 'pg_class'::regclass AND d.objid = c.oid
		   AND d.refclassid = 'pg_extension'::regclass AND d.deptype = 'e'
		   JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
		   WHERE c.relkind IN ('r', 'v') AND d.refobjid = (SELECT oid FROM pg_extension WHERE extname = 'escalation')
			 AND NOT EXISTS (SELECT 1 FROM escalation.data_dictionary x
							 WHERE x.object_name = format('escalation.%I', c.relname) AND x.column_name = a.attname)),
	0::bigint, 'every column of every table and view of the extension is in the dictionary');
SET LOCAL ROLE t30_analyst;
SELECT is((SELECT string_agg(column_name || ' ' || readable, ', ' ORDER BY column_name) FROM escalation.data_dictionary
		   WHERE object_name = 'escalation.person' AND column_name IN ('name', 'phone')),
	'name true, phone false',
	'it tells an analyst which columns it may read');
RESET ROLE;

SELECT * FROM finish();
ROLLBACK;
