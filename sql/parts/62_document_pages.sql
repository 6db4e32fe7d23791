-- The documents as printed (公文版面): what escalation-worker's A4 pages of a
-- supervision order and a circular read, every value in Chinese, through
-- SECURITY DEFINER functions that apply the screens' scope (screen_scope), as
-- screen_warnings does (docs/DOCUMENTS.md).

-- A day as a document dates it: 2026年3月1日.
CREATE FUNCTION escalation.document_date(at timestamptz) RETURNS text
LANGUAGE sql STABLE STRICT PARALLEL SAFE
RETURN to_char(at AT TIME ZONE coalesce(nullif(pg_catalog.current_setting('escalation.timezone', true), ''), 'Asia/Shanghai'),
			   'YYYY"年"FMMM"月"FMDD"日"');
COMMENT ON FUNCTION escalation.document_date(timestamptz) IS
	'The day of a time in escalation.timezone as documents write it: 2026年3月1日. 公文日期';

-- A length of time as a circular writes it: 5天3小时.
CREATE FUNCTION escalation.document_duration(span interval) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN CASE
	WHEN span < interval '1 hour' THEN '不足1小时'
	ELSE concat(nullif(floor(extract(epoch FROM span) / 86400)::bigint, 0) || '天',
				nullif(floor(extract(epoch FROM span) / 3600)::bigint % 24, 0) || '小时')
END;
COMMENT ON FUNCTION escalation.document_duration(interval) IS
	'A length of time as documents write it, in days and hours of 24 hours: 5天3小时, 不足1小时. 时长表述';

-- Whether the caller may read a document of a region on the screens' terms.
CREATE FUNCTION escalation_internal.document_visible(region escalation.region) RETURNS boolean
LANGUAGE sql STABLE SET search_path = pg_catalog, escalation, pg_temp
BEGIN ATOMIC
	SELECT c.sees_all OR coalesce(document_visible.region OPERATOR(escalation.<@) c.region, false)
	FROM escalation.screen_scope() c;
END;
COMMENT ON FUNCTION escalation_internal.document_visible(escalation.region) IS
	'True when the caller sees a region on the screens (screen_scope): unmapped admin, analyst and screen roles everything, a mapped role its region. 公文可见';

CREATE FUNCTION escalation.document_list(for_screen escalation.region DEFAULT NULL)
RETURNS TABLE (
	document text,
	id bigint,
	number text,
	title text,
	issuing_office_name text,
	addressee_name text,
	issued_at timestamptz,
	issued_date text,
	state_label text)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, escalation, pg_temp
BEGIN ATOMIC
	SELECT 'order', o.id, o.number, o.title, d.name, coalesce(a.name, '（无承办部门）'), o.issued_at,
		escalation.document_date(o.issued_at),
		CASE WHEN o.replied_at IS NULL AND o.reply_due_at < now() THEN '逾期未回复'
			 WHEN o.replied_at IS NULL THEN '待回复'
			 WHEN o.replied_at > o.reply_due_at THEN '逾期回复' ELSE '已回复' END
	FROM escalation.supervision_order o
	LEFT JOIN escalation.department d ON d.id = o.issued_by
	LEFT JOIN escalation.department a ON a.id = o.addressee_department_id
	WHERE (document_list.for_screen IS NULL OR o.issuing_region = document_list.for_screen)
		AND escalation_internal.document_visible(o.region)
	UNION ALL
	SELECT 'circular', c.id, c.number, c.title, d.name, '各区县（功能区）安委会办公室、市安委会有关成员单位', c.issued_at,
		escalation.document_date(c.issued_at),
		CASE WHEN EXISTS (SELECT 1 FROM escalation.circular x WHERE x.corrects = c.id) THEN '已更正'
			 WHEN c.corrects IS NOT NULL THEN '更正' ELSE '已印发' END
	FROM escalation.circular c
	JOIN escalation.department d ON d.id = c.issued_by
	WHERE (document_list.for_screen IS NULL OR escalation.region_city(document_list.for_screen) = d.region)
		AND (SELECT s.sees_all OR s.region IS NOT NULL FROM escalation.screen_scope() s)
	ORDER BY 7 DESC, 1, 2 DESC;
END;
COMMENT ON FUNCTION escalation.document_list(escalation.region) IS
	'The documents of a screen, newest first: the supervision orders its office issued (for_screen: the screen''s region; NULL every order) and the circulars of its city, with number, title, issuing office, addressee, date and state (待回复, 已回复, 逾期回复, 逾期未回复; 已印发, 更正, 已更正), on the screens'' terms (screen_scope). 公文列表';

CREATE FUNCTION escalation.supervision_order_page(order_id bigint)
RETURNS TABLE (
	id bigint,
	number text,
	title text,
	issuing_office_name text,
	issuing_short_name text,
	issuing_level_label text,
	addressee_name text,
	warning_id bigint,
	kind_label text,
	stage smallint,
	unit_name text,
	district_name text,
	items text,
	measures text,
	issued_at timestamptz,
	issued_date text,
	reply_due_at timestamptz,
	reply_due_text text,
	replied_at timestamptz,
	replied_date text,
	reply text,
	state_label text,
	ladder text,
	overdue_text text,
	overdue_days integer)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, escalation, pg_temp
BEGIN ATOMIC
	SELECT o.id, coalesce(o.number, '（未编号）'), o.title, coalesce(d.name, '安全生产委员会办公室'), f.short_name,
		CASE o.issuing_level WHEN 'city' THEN '市级' ELSE '区级' END, coalesce(a.name, '（无承办部门）'),
		o.warning_id, escalation.warning_kind_label(w.kind), w.stage, u.name, dv.name, o.items, o.measures,
		o.issued_at, escalation.document_date(o.issued_at), o.reply_due_at,
		to_char(o.reply_due_at AT TIME ZONE coalesce(nullif(pg_catalog.current_setting('escalation.timezone', true), ''), 'Asia/Shanghai'),
				'YYYY"年"FMMM"月"FMDD"日"HH24:MI') || '前',
		o.replied_at, escalation.document_date(o.replied_at), o.reply,
		CASE WHEN o.replied_at IS NULL AND o.reply_due_at < now() THEN '逾期未回复'
			 WHEN o.replied_at IS NULL THEN '待回复'
			 WHEN o.replied_at > o.reply_due_at THEN '逾期回复' ELSE '已回复' END,
		escalation_internal.document_ladder(w, o.issued_at),
		'逾期' || escalation.document_duration(greatest(o.issued_at - w.started_at, interval '0')),
		floor(extract(epoch FROM greatest(o.issued_at - w.started_at, interval '0')) / 86400)::integer
	FROM escalation.supervision_order o
	JOIN escalation.warning w ON w.id = o.warning_id
	LEFT JOIN escalation.document_office f ON f.department_id = o.issued_by
	LEFT JOIN escalation.department d ON d.id = o.issued_by
	LEFT JOIN escalation.department a ON a.id = o.addressee_department_id
	LEFT JOIN escalation.unit u ON u.id = w.unit_id
	LEFT JOIN escalation.division dv ON dv.code = w.district
	WHERE o.id = supervision_order_page.order_id AND escalation_internal.document_visible(o.region);
END;
COMMENT ON FUNCTION escalation.supervision_order_page(bigint) IS
	'One supervision order as its printed page shows it, in Chinese: number (（未编号） while its region has no issuing office), title, issuing office, addressee, the item, the measures, issue date, reply deadline, the reply and its state, the ladder''s history up to the order (ladder) and how long the item was overdue when it was issued (from the ladder''s start: overdue_text, overdue_days); no row unless the caller sees it on the screens. 督办单版面';

CREATE FUNCTION escalation.circular_page(circular_id bigint)
RETURNS TABLE (
	id bigint,
	number text,
	title text,
	issuing_office_name text,
	issuing_short_name text,
	period_text text,
	issued_at timestamptz,
	issued_date text,
	corrects bigint,
	corrects_number text,
	correction_reason text,
	corrected_by_number text,
	items bigint,
	circulated bigint,
	orders_overdue bigint,
	districts bigint,
	departments bigint,
	body text)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, escalation, pg_temp
BEGIN ATOMIC
	SELECT c.id, c.number, c.title, d.name, f.short_name,
		escalation.document_date(lower(c.period)) || '至' || escalation.document_date(upper(c.period)),
		c.issued_at, escalation.document_date(c.issued_at), c.corrects, p.number, c.correction_reason, q.number,
		n.items, n.circulated, n.orders_overdue, n.districts, n.departments,
		CASE WHEN c.corrects IS NOT NULL THEN '因' || c.correction_reason || '，现对' || p.number || '予以更正，以本通报为准。' ELSE '' END
			|| escalation.document_date(lower(c.period)) || '至' || escalation.document_date(upper(c.period))
			|| '，全市安全生产综合监管平台'
			|| CASE WHEN n.items = 0 THEN '无需通报事项。'
				ELSE '升级至市级通报的预警' || n.circulated || '项，督办单逾期未回复' || n.orders_overdue || '件，涉及'
					|| n.districts || '个区县（功能区）、' || n.departments || '个部门。现将有关情况通报如下：' END
	FROM escalation.circular c
	JOIN escalation.department d ON d.id = c.issued_by
	LEFT JOIN escalation.document_office f ON f.department_id = c.issued_by
	LEFT JOIN escalation.circular p ON p.id = c.corrects
	LEFT JOIN escalation.circular q ON q.corrects = c.id
	CROSS JOIN LATERAL (
		SELECT count(*) AS items, count(*) FILTER (WHERE i.reason = 'circulate') AS circulated,
			count(*) FILTER (WHERE i.reason = 'order_overdue') AS orders_overdue,
			count(DISTINCT i.district) AS districts, count(DISTINCT i.department_id) AS departments
		FROM escalation.circular_item i WHERE i.circular_id = c.id) n
	WHERE c.id = circular_page.circular_id
		AND (SELECT s.sees_all OR s.region IS NOT NULL FROM escalation.screen_scope() s);
END;
COMMENT ON FUNCTION escalation.circular_page(bigint) IS
	'One circular''s head and opening as its printed page shows them, in Chinese: number, title, issuing office, period, date, the circular it corrects (or that corrects it), counts and the opening paragraph. 通报版面';

CREATE FUNCTION escalation.circular_page_items(circular_id bigint)
RETURNS TABLE (
	item_no integer,
	district_name text,
	department_name text,
	unit_name text,
	kind_label text,
	reason_label text,
	stage smallint,
	item text,
	order_number text,
	overdue_text text,
	handled_text text,
	ladder text,
	warning_id bigint)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, escalation, pg_temp
BEGIN ATOMIC
	SELECT i.item_no, coalesce(i.district_name, '市本级'), coalesce(i.department_name, '（无承办部门）'), i.unit_name,
		escalation.warning_kind_label(i.kind), CASE i.reason WHEN 'circulate' THEN '预警通报' ELSE '督办逾期未回复' END,
		i.stage, i.item, o.number,
		CASE i.reason WHEN 'circulate' THEN '逾期' ELSE '超过回复期限' END || escalation.document_duration(i.overdue_by),
		CASE WHEN i.handled_at IS NULL THEN '未处理' ELSE escalation.document_date(i.handled_at) || '已处理' END,
		i.ladder, i.warning_id
	FROM escalation.circular_item i
	LEFT JOIN escalation.supervision_order o ON o.id = i.order_id
	WHERE i.circular_id = circular_page_items.circular_id
		AND (SELECT s.sees_all OR s.region IS NOT NULL FROM escalation.screen_scope() s)
	ORDER BY i.item_no;
END;
COMMENT ON FUNCTION escalation.circular_page_items(bigint) IS
	'The items of a circular in print order (by district, then department), in Chinese: district (市本级 without one), department, unit, kind, reason (预警通报 or 督办逾期未回复), the item, the order''s number, how long overdue, whether handled, the ladder''s history. 通报事项版面';

REVOKE ALL ON FUNCTION escalation.document_date(timestamptz), escalation.document_duration(interval),
	escalation_internal.document_visible(escalation.region), escalation.document_list(escalation.region),
	escalation.supervision_order_page(bigint), escalation.circular_page(bigint), escalation.circular_page_items(bigint)
FROM PUBLIC;
GRANT EXECUTE ON FUNCTION escalation.document_date(timestamptz), escalation.document_duration(interval),
	escalation.document_list(escalation.region),
	escalation.supervision_order_page(bigint), escalation.circular_page(bigint), escalation.circular_page_items(bigint)
TO escalation_admin, escalation_user, escalation_analyst, escalation_screen;
