-- The printable documents (公文打印): what the screen worker lays out as a
-- supervision order (督办单) or a circular (通报) on an A4 page, and each
-- screen's list of them, read from the records of 58_documents.sql (their
-- title, items, measures and ladder as issued). Dates are in Chinese form;
-- the worker only escapes and places the words. Each function shows only
-- what the caller may see on the screens (escalation.screen_scope), so a
-- worker whose role is mapped to a district prints that district's orders
-- alone. Orders without a number (no issuing office registered) are not
-- documents and are not shown.

------------------------------------------------------------------------------
-- Wording (公文用语)
------------------------------------------------------------------------------

-- A date in the form of a document's date (成文日期): 2026年12月7日, in the
-- platform's time zone.
CREATE FUNCTION escalation_internal.document_date(at timestamptz) RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE SET search_path = pg_catalog, escalation, pg_temp
RETURN to_char(escalation.local_day(at), 'FMYYYY"年"FMMM"月"FMDD"日"');
COMMENT ON FUNCTION escalation_internal.document_date(timestamptz) IS
	'A time as the date of a document, in Chinese form (2026年12月7日) in the platform''s time zone (escalation.timezone). 成文日期格式';

-- How long an item was overdue, in whole days.
CREATE FUNCTION escalation_internal.document_overdue(overdue interval) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE SET search_path = pg_catalog, escalation, pg_temp
RETURN CASE WHEN overdue < interval '1 day' THEN '逾期不足1天'
	ELSE format('逾期%s天', floor(extract(epoch FROM overdue) / 86400)::bigint) END;
COMMENT ON FUNCTION escalation_internal.document_overdue(interval) IS
	'How long an item is overdue, in whole days (逾期N天, 逾期不足1天). 逾期时长';

-- The screen whose list of documents holds an office's: the city's, or the
-- office's district.
CREATE FUNCTION escalation_internal.document_list_screen(level escalation.level, region escalation.region) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE SET search_path = pg_catalog, escalation, pg_temp
RETURN CASE WHEN level = 'city' THEN 'city' ELSE escalation.region_district(region)::text END;
COMMENT ON FUNCTION escalation_internal.document_list_screen(escalation.level, escalation.region) IS
	'The screen whose list of documents holds those of an issuing office of a level and region: "city", or the district code. 所属大屏';

------------------------------------------------------------------------------
-- A supervision order (督办单)
------------------------------------------------------------------------------

CREATE FUNCTION escalation.order_document(order_id bigint)
RETURNS TABLE (
	id bigint,
	number text,
	title text,
	issuer_name text,
	addressee_name text,
	list_screen text,
	issued_at timestamptz,
	issued_on text,
	reply_due_on text,
	replied_on text,
	reply text,
	opening text,
	items text,
	unit_name text,
	district_name text,
	street_name text,
	department_name text,
	kind_label text,
	overdue_text text,
	history text,
	measures text)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, escalation, pg_temp
BEGIN ATOMIC
	SELECT o.id, o.number, o.title, i.name, coalesce(a.name, '有关部门'),
		escalation_internal.document_list_screen(o.issuing_level, o.issuing_region),
		o.issued_at, escalation_internal.document_date(o.issued_at), escalation_internal.document_date(o.reply_due_at),
		CASE WHEN o.replied_at IS NOT NULL THEN escalation_internal.document_date(o.replied_at) END, o.reply,
		'经安全生产综合监管平台预警，下列事项已超过办理期限，经逐级提醒仍未办理到位。依据《济南市安全生产综合监管平台运行管理制度（暂行）》有关规定，现予督办。',
		o.items, u.name, dn.name,
		CASE WHEN escalation.region_level(w.region) = 'street' THEN st.name END,
		ad.name, escalation.warning_kind_label(w.kind),
		escalation_internal.document_overdue(o.issued_at - w.started_at),
		escalation_internal.document_ladder(w, o.issued_at),
		o.measures
	FROM escalation.supervision_order o
	JOIN escalation.warning w ON w.id = o.warning_id
	JOIN escalation.department i ON i.id = o.issued_by
	CROSS JOIN escalation.screen_scope() c
	LEFT JOIN escalation.department a ON a.id = o.addressee_department_id
	LEFT JOIN escalation.department ad ON ad.id = w.department_id
	LEFT JOIN escalation.unit u ON u.id = w.unit_id
	LEFT JOIN escalation.division dn ON dn.code = w.district
	LEFT JOIN escalation.division st ON st.code = w.region
	WHERE o.id = order_document.order_id AND o.number IS NOT NULL
	  AND (c.sees_all OR o.region OPERATOR(escalation.<@) c.region);
END;
COMMENT ON FUNCTION escalation.order_document(bigint) IS
	'A supervision order as a printable document: number, title, issuing office, addressee, date, the item as issued with its unit, district, street, finding or transferring department, kind, how long it was overdue at issue and its ladder up to then, the measures required, the reply deadline and the reply. No row for an order without a number or one the caller may not see on the screens (escalation.screen_scope). The screen worker prints it at /order/<id>. 督办单（打印）';

------------------------------------------------------------------------------
-- A circular (通报)
------------------------------------------------------------------------------

CREATE FUNCTION escalation.circular_document(circular_id bigint)
RETURNS TABLE (
	id bigint,
	number text,
	title text,
	issuer_name text,
	addressee_name text,
	list_screen text,
	issued_at timestamptz,
	issued_on text,
	opening text,
	closing text,
	item_no integer,
	district_name text,
	department_name text,
	unit_name text,
	kind_label text,
	item text,
	overdue_text text,
	history text)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, escalation, pg_temp
BEGIN ATOMIC
	SELECT ci.id, ci.number, ci.title, i.name, '各区县安委会办公室，市安委会各成员单位',
		escalation_internal.document_list_screen(i.level, i.region),
		ci.issued_at, escalation_internal.document_date(ci.issued_at),
		concat(CASE WHEN old.id IS NOT NULL
				   THEN format('本通报更正%s（%s），原通报所列事项以本通报为准。', old.number, ci.correction_reason) END,
			   format('现将%s至%s经平台预警升级至通报、督办逾期未回复的事项通报如下（共%s项）：',
					  escalation_internal.document_date(lower(ci.period)),
					  escalation_internal.document_date(upper(ci.period) - interval '1 microsecond'),
					  (SELECT count(*) FROM escalation.circular_item n WHERE n.circular_id = ci.id))),
		'请各区县、各有关部门对照通报事项，立即督促整改到位，举一反三，严防类似问题发生，并将整改情况按规定报送。',
		it.position, it.district_name, coalesce(it.department_name, '无承办部门'), it.unit_name,
		CASE it.reason WHEN 'order_overdue' THEN '督办逾期未回复' ELSE escalation.warning_kind_label(it.kind) END,
		it.item, escalation_internal.document_overdue(it.overdue_by), it.ladder
	FROM escalation.circular ci
	JOIN escalation.department i ON i.id = ci.issued_by
	CROSS JOIN escalation.screen_scope() c
	LEFT JOIN escalation.circular old ON old.id = ci.corrects
	LEFT JOIN escalation.circular_item it ON it.circular_id = ci.id
	WHERE ci.id = circular_document.circular_id AND (c.sees_all OR i.region OPERATOR(escalation.<@) c.region)
	ORDER BY it.position;
END;
COMMENT ON FUNCTION escalation.circular_document(bigint) IS
	'A circular as a printable document, a row per item in its printed order (item_no, by district and department): number, title, issuing office, addressees, the opening (naming the circular it corrects), each item''s district, department, unit, what is overdue and how long, and its ladder as issued; one row with NULL item columns for a circular without items. No row when the caller may not see the city office''s region (escalation.screen_scope): a role mapped to a district prints no circular. The screen worker prints it at /circular/<id>. 通报（打印）';

------------------------------------------------------------------------------
-- A screen's documents (大屏督办单与通报列表)
------------------------------------------------------------------------------

CREATE FUNCTION escalation.screen_documents(for_screen escalation.region)
RETURNS TABLE (
	kind text,
	id bigint,
	number text,
	title text,
	addressee_name text,
	issued_at timestamptz,
	issued_on text,
	reply_due_on text,
	state_label text)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, escalation, pg_temp AS
$$
BEGIN
	IF escalation.region_level(for_screen) IS DISTINCT FROM 'district' AND escalation.region_level(for_screen) IS DISTINCT FROM 'city' THEN
		RAISE EXCEPTION 'not a screen: %', for_screen
			USING ERRCODE = 'invalid_parameter_value',
				  DETAIL = 'The screens are the districts'' and the city''s.';
	END IF;
	-- A district's list: the orders about its items, whoever issued them. The
	-- city's: the orders of the city's office, and its circulars.
	RETURN QUERY
	SELECT 'order', o.id, o.number, o.title, coalesce(a.name, '有关部门'), o.issued_at,
		escalation_internal.document_date(o.issued_at), escalation_internal.document_date(o.reply_due_at),
		CASE WHEN o.replied_at IS NOT NULL AND o.replied_at <= o.reply_due_at THEN '已按时回复'
			 WHEN o.replied_at IS NOT NULL THEN '逾期后回复'
			 WHEN o.reply_due_at < now() THEN '逾期未回复' ELSE '待回复' END
	FROM escalation.supervision_order o
	JOIN escalation.warning w ON w.id = o.warning_id
	CROSS JOIN escalation.screen_scope() c
	LEFT JOIN escalation.department a ON a.id = o.addressee_department_id
	WHERE o.number IS NOT NULL
	  AND (c.sees_all OR o.region OPERATOR(escalation.<@) c.region)
	  AND CASE escalation.region_level(for_screen)
			WHEN 'district' THEN w.district = for_screen
			ELSE o.issuing_level = 'city' AND o.issuing_region = for_screen END
	UNION ALL
	SELECT 'circular', ci.id, ci.number, ci.title, '各区县安委会办公室，市安委会各成员单位', ci.issued_at,
		escalation_internal.document_date(ci.issued_at), NULL,
		CASE WHEN ci.corrects IS NOT NULL THEN '已印发（更正）' ELSE '已印发' END
	FROM escalation.circular ci
	JOIN escalation.department i ON i.id = ci.issued_by
	CROSS JOIN escalation.screen_scope() c
	WHERE escalation.region_level(for_screen) = 'city' AND i.region = for_screen
	  AND (c.sees_all OR i.region OPERATOR(escalation.<@) c.region);
END
$$;
COMMENT ON FUNCTION escalation.screen_documents(escalation.region) IS
	'A screen''s printable documents, each with its kind (order or circular), id, number, title, addressee, date, reply deadline and state: for a district, the numbered supervision orders about its items; for the city, the orders of the city''s office and its circulars; limited to what the caller may see (escalation.screen_scope). The screen worker lists them at /documents/<screen>. 督办单与通报列表';

REVOKE ALL ON FUNCTION
	escalation_internal.document_date(timestamptz), escalation_internal.document_overdue(interval),
	escalation_internal.document_list_screen(escalation.level, escalation.region),
	escalation.order_document(bigint), escalation.circular_document(bigint), escalation.screen_documents(escalation.region)
FROM PUBLIC;
GRANT EXECUTE ON FUNCTION
	escalation.order_document(bigint), escalation.circular_document(bigint), escalation.screen_documents(escalation.region)
TO escalation_admin, escalation_user, escalation_analyst, escalation_screen;
