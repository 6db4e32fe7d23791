-- The data dictionary of the extension's objects (数据字典), for BI tools.

------------------------------------------------------------------------------
-- The data dictionary (数据字典)
------------------------------------------------------------------------------

-- The English and the Chinese part of a comment written "English text. 中文"
-- (the Chinese part is the last sentence, without Latin letters), and the
-- first Chinese term in parentheses, for comments that have one instead.
CREATE FUNCTION escalation.comment_parts(comment text, OUT english text, OUT chinese text, OUT term text)
LANGUAGE sql IMMUTABLE PARALLEL SAFE
BEGIN ATOMIC
	SELECT coalesce(m[1], comment), rtrim(m[2], '.。 '),
		(regexp_match(comment, '\(([^()A-Za-z]*[一-龥][^()A-Za-z]*)\)'))[1]
	FROM (SELECT regexp_match(comment, '^(.*[.)])\s+([^A-Za-z]*[一-龥][^A-Za-z]*)$') AS m) x;
END;
COMMENT ON FUNCTION escalation.comment_parts(text) IS
	'Splits a comment written "English text. 中文" into its English and its Chinese part, and gives the first Chinese term in parentheses. 注释中英文拆分';

-- The rows of the data dictionary. Its search_path is pinned so that type names
-- read the same whatever the caller's (escalation's types qualified).
CREATE FUNCTION escalation.data_dictionary_rows()
RETURNS TABLE (object_type text, object_name text, column_name name, "position" integer, data_type text,
			   comment_en text, comment_zh text, comment text, readable boolean)
LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp
BEGIN ATOMIC
	WITH member AS (
		SELECT d.classid, d.objid
		FROM pg_catalog.pg_depend d
		JOIN pg_catalog.pg_extension e ON e.oid = d.refobjid
		WHERE d.refclassid = 'pg_catalog.pg_extension'::pg_catalog.regclass AND e.extname = 'escalation'
			AND d.deptype = 'e'
	), entry AS (
		SELECT CASE c.relkind WHEN 'v' THEN 'view' WHEN 'm' THEN 'materialized view' ELSE 'table' END AS object_type,
			pg_catalog.format('%I.%I', n.nspname, c.relname) AS object_name, NULL::name AS column_name,
			0 AS position, NULL::text AS data_type,
			pg_catalog.obj_description(c.oid, 'pg_class') AS comment,
			pg_catalog.has_any_column_privilege(c.oid, 'SELECT') AS readable, NULL::text AS value_labels
		FROM member m
		JOIN pg_catalog.pg_class c ON c.oid = m.objid AND m.classid = 'pg_catalog.pg_class'::pg_catalog.regclass
		JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
		WHERE c.relkind IN ('r', 'p', 'v', 'm')
		UNION ALL
		SELECT 'column', pg_catalog.format('%I.%I', n.nspname, c.relname), a.attname, a.attnum,
			pg_catalog.format_type(a.atttypid, a.atttypmod), pg_catalog.col_description(c.oid, a.attnum),
			pg_catalog.has_column_privilege(c.oid, a.attnum, 'SELECT'), NULL
		FROM member m
		JOIN pg_catalog.pg_class c ON c.oid = m.objid AND m.classid = 'pg_catalog.pg_class'::pg_catalog.regclass
		JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
		JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
		WHERE c.relkind IN ('r', 'p', 'v', 'm')
		UNION ALL
		SELECT 'function',
			pg_catalog.format('%I.%I(%s)', n.nspname, p.proname, pg_catalog.pg_get_function_identity_arguments(p.oid)),
			NULL, 0, pg_catalog.pg_get_function_result(p.oid), pg_catalog.obj_description(p.oid, 'pg_proc'),
			pg_catalog.has_function_privilege(p.oid, 'EXECUTE'), NULL
		FROM member m
		JOIN pg_catalog.pg_proc p ON p.oid = m.objid AND m.classid = 'pg_catalog.pg_proc'::pg_catalog.regclass
		JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
		UNION ALL
		SELECT CASE t.typtype WHEN 'e' THEN 'enum' WHEN 'd' THEN 'domain' WHEN 'c' THEN 'composite type' ELSE 'type' END,
			pg_catalog.format('%I.%I', n.nspname, t.typname), NULL, 0,
			CASE t.typtype WHEN 'e' THEN (SELECT pg_catalog.string_agg(pg_catalog.quote_literal(v.enumlabel), ', ' ORDER BY v.enumsortorder)
										  FROM pg_catalog.pg_enum v WHERE v.enumtypid = t.oid) END,
			pg_catalog.obj_description(t.oid, 'pg_type'), true,
			(SELECT pg_catalog.string_agg(l.label, '、' ORDER BY v.enumsortorder)
			 FROM pg_catalog.pg_enum v JOIN escalation.enum_label l ON l.enum_type = t.typname AND l.value = v.enumlabel
			 WHERE v.enumtypid = t.oid)
		FROM member m
		JOIN pg_catalog.pg_type t ON t.oid = m.objid AND m.classid = 'pg_catalog.pg_type'::pg_catalog.regclass
		JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace
	)
	SELECT e.object_type, e.object_name, e.column_name, e.position, e.data_type, p.english,
		coalesce(p.chinese, e.value_labels, p.term), e.comment, e.readable
	FROM entry e
	CROSS JOIN LATERAL escalation.comment_parts(e.comment) p;
END;
COMMENT ON FUNCTION escalation.data_dictionary_rows() IS
	'The rows of escalation.data_dictionary. 数据字典内容';

CREATE VIEW escalation.data_dictionary AS
	SELECT * FROM escalation.data_dictionary_rows();
COMMENT ON VIEW escalation.data_dictionary IS
	'The data dictionary of the extension: every table, view, column, function and type with its type and its comment, split into English and Chinese, and whether the caller may read (or call) it. 数据字典';
COMMENT ON COLUMN escalation.data_dictionary.object_type IS 'table, view, column, function, enum, type, domain or composite type. 对象类别';
COMMENT ON COLUMN escalation.data_dictionary.object_name IS 'Qualified name of the table, view, function (with its arguments) or type; for a column, its table or view. 对象名称';
COMMENT ON COLUMN escalation.data_dictionary.column_name IS 'The column, for columns. 字段名';
COMMENT ON COLUMN escalation.data_dictionary.position IS 'Position of the column in its table or view; 0 for other objects. 字段序号';
COMMENT ON COLUMN escalation.data_dictionary.data_type IS 'Type of the column, result of the function, values of the enum. 数据类型';
COMMENT ON COLUMN escalation.data_dictionary.comment_en IS 'The comment in English. 英文说明';
COMMENT ON COLUMN escalation.data_dictionary.comment_zh IS 'The Chinese term or text of the comment; for an enum, the Chinese labels of its values. 中文说明';
COMMENT ON COLUMN escalation.data_dictionary.comment IS 'The whole comment as written. 注释原文';
COMMENT ON COLUMN escalation.data_dictionary.readable IS 'Whether the caller may read the table, view or column, or call the function. 当前用户是否可读';

------------------------------------------------------------------------------
-- Privileges
------------------------------------------------------------------------------

REVOKE ALL ON FUNCTION escalation.comment_parts(text), escalation.data_dictionary_rows() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION escalation.comment_parts(text)
TO escalation_admin, escalation_user, escalation_analyst, escalation_screen;
GRANT EXECUTE ON FUNCTION escalation.data_dictionary_rows() TO escalation_admin, escalation_user, escalation_analyst;
GRANT SELECT ON escalation.data_dictionary TO escalation_admin, escalation_user, escalation_analyst;
