-- What the big screens (大屏) and BI tools read: Chinese labels, the active
-- warnings per screen, and the event stream the screen worker follows.

------------------------------------------------------------------------------
-- Labels (中文标签)
------------------------------------------------------------------------------

CREATE FUNCTION escalation.warning_kind_label(kind escalation.warning_kind) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
-- Compared as text: a kind added by an upgrade cannot be a constant of a
-- function body created in the upgrade's transaction.
RETURN CASE kind::text
	WHEN 'hazard_overdue' THEN '一般隐患逾期未整改'
	WHEN 'major_hazard' THEN '疑似重大事故隐患未确认'
	WHEN 'clue' THEN '移交违法线索未处理'
	WHEN 'licence_expired' THEN '安全生产许可证件逾期'
	WHEN 'dual_prevention_idle' THEN '双重预防机制未正常运行'
	WHEN 'handling_sign' THEN '预警超时未签收'
	WHEN 'handling_reply' THEN '预警逾期未反馈'
	WHEN 'major_hazard_listed' THEN '挂牌督办重大事故隐患逾期未治理'
END;
COMMENT ON FUNCTION escalation.warning_kind_label(escalation.warning_kind) IS
	'Chinese label of a kind of warning, as the screens show it. 预警类型名称';

-- The label of one warning: a hazard's overdue warning says whose failure it is.
CREATE FUNCTION escalation.warning_label(kind escalation.warning_kind, warning_id bigint) RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE
BEGIN ATOMIC
	SELECT coalesce(
		(SELECT '一般隐患' || o.failure_label FROM escalation.hazard_overdue_warning o
		 WHERE warning_label.kind = 'hazard_overdue' AND o.warning_id = warning_label.warning_id),
		escalation.warning_kind_label(warning_label.kind));
END;
COMMENT ON FUNCTION escalation.warning_label(escalation.warning_kind, bigint) IS
	'Chinese label of one warning as the screens show it: the kind''s label, for a hazard''s overdue warning the failure it records, 一般隐患逾期未整改 (the unit) or 一般隐患逾期未复查 (the department; escalation.hazard_overdue_warning). 预警名称';

CREATE FUNCTION escalation.warning_action_label(action escalation.warning_action) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN CASE action
	WHEN 'confirm' THEN '通知确认'
	WHEN 'supervise' THEN '督办'
	WHEN 'circulate' THEN '通报'
END;
COMMENT ON FUNCTION escalation.warning_action_label(escalation.warning_action) IS
	'Chinese label of an action. 处置动作名称';

CREATE FUNCTION escalation.warning_resolution_label(reason escalation.warning_resolution) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN CASE reason::text
	WHEN 'closed' THEN '隐患已销号'
	WHEN 'confirmed' THEN '已确认为重大事故隐患'
	WHEN 'ruled_out' THEN '已排除重大事故隐患'
	WHEN 'handled' THEN '线索已处理'
	WHEN 'renewed' THEN '证件已换发'
	WHEN 'ran' THEN '双重预防机制已恢复运行'
	WHEN 'rescheduled' THEN '已延期，重新起算'
	WHEN 'withdrawn' THEN '事项已撤销'
	WHEN 'signed' THEN '预警已签收'
	WHEN 'answered' THEN '预警已反馈'
END;
COMMENT ON FUNCTION escalation.warning_resolution_label(escalation.warning_resolution) IS
	'Chinese label of why a warning was resolved. 解除原因名称';

CREATE FUNCTION escalation.screen_label(screen escalation.level) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN CASE screen WHEN 'city' THEN '市级大屏' WHEN 'district' THEN '区级大屏' END;
COMMENT ON FUNCTION escalation.screen_label(escalation.level) IS
	'Chinese label of a screen level. 大屏层级名称';

------------------------------------------------------------------------------
-- Who may read the screens (大屏读取范围)
------------------------------------------------------------------------------

-- What the caller may see on the screens: a role mapped in user_region sees
-- the warnings within its region; unmapped admin, analyst and screen roles see
-- every warning; anybody else none.
CREATE FUNCTION escalation.screen_scope(OUT region escalation.region, OUT sees_all boolean)
LANGUAGE sql STABLE PARALLEL RESTRICTED SET search_path = pg_catalog, escalation, pg_temp
BEGIN ATOMIC
	SELECT c.region,
		c.region IS NULL AND (
			pg_catalog.pg_has_role(escalation.acting_role(), 'escalation_admin', 'USAGE')
			OR pg_catalog.pg_has_role(escalation.acting_role(), 'escalation_analyst', 'USAGE')
			OR pg_catalog.pg_has_role(escalation.acting_role(), 'escalation_screen', 'USAGE'))
	FROM (SELECT escalation.current_region() AS region) c;
END;
COMMENT ON FUNCTION escalation.screen_scope() IS
	'What the calling role may see on the screens: its mapped region, or (sees_all) every warning for unmapped admin, analyst and screen roles. 大屏可见范围';

------------------------------------------------------------------------------
-- Who was told, as counts (通知情况): what the screens show of the outbox
------------------------------------------------------------------------------

-- The notifications of a warning counted by state and by kind of channel, for
-- the screens: no person, no address, no channel name.
CREATE FUNCTION escalation_internal.warning_notified(warning_id bigint)
RETURNS TABLE (notified integer, notified_pending integer, notified_delivered integer, notified_failed integer,
	notified_last_delivered_at timestamptz, notified_channels jsonb)
LANGUAGE sql STABLE
BEGIN ATOMIC
	SELECT coalesce(sum(k.total), 0)::integer, coalesce(sum(k.pending), 0)::integer,
		coalesce(sum(k.delivered), 0)::integer, coalesce(sum(k.failed), 0)::integer, max(k.last_delivered_at),
		coalesce(jsonb_agg(jsonb_build_object('kind', k.kind, 'label', escalation.notification_channel_kind_label(k.kind),
			'count', k.total, 'pending', k.pending, 'delivered', k.delivered, 'failed', k.failed,
			'last_delivered_at', k.last_delivered_at) ORDER BY k.kind), '[]')
	FROM (
		SELECT c.kind, count(*) AS total, count(*) FILTER (WHERE n.state IN ('pending', 'sending')) AS pending,
			count(*) FILTER (WHERE n.state = 'delivered') AS delivered, count(*) FILTER (WHERE n.state = 'failed') AS failed,
			max(n.delivered_at) AS last_delivered_at
		FROM escalation.notification n
		JOIN escalation.notification_channel c ON c.id = n.channel_id
		WHERE n.warning_id = warning_notified.warning_id
		GROUP BY c.kind
	) k;
END;
COMMENT ON FUNCTION escalation_internal.warning_notified(bigint) IS
	'The notifications of a warning as the screens show them: how many, not yet delivered (pending or sending), delivered and failed, the last delivery, and the same per kind of channel (a JSON array of kind, label, count, pending, delivered, failed, last_delivered_at); no person, address or channel name. 预警通知情况';

------------------------------------------------------------------------------
-- Active warnings per screen (大屏在办预警)
------------------------------------------------------------------------------

CREATE FUNCTION escalation.screen_warnings(for_screen escalation.region DEFAULT NULL)
RETURNS TABLE (
	warning_id bigint,
	kind escalation.warning_kind,
	kind_label text,
	subject_id bigint,
	stage smallint,
	top_stage smallint,
	screen escalation.level,
	screen_label text,
	screen_region escalation.region,
	screen_region_name text,
	district escalation.region,
	district_name text,
	street escalation.region,
	street_name text,
	unit_id bigint,
	unit_name text,
	department_id bigint,
	department_name text,
	action escalation.warning_action,
	action_label text,
	started_at timestamptz,
	first_due_at timestamptz,
	due_at timestamptz,
	raised_at timestamptz,
	days_overdue integer,
	escalated boolean,
	acknowledged_at timestamptz,
	handling_state escalation.handling_state,
	handling_state_label text,
	handling_overdue boolean,
	addressee_department_id bigint,
	addressee_name text,
	reply_due_at timestamptz,
	notified integer,
	notified_pending integer,
	notified_delivered integer,
	notified_failed integer,
	notified_last_delivered_at timestamptz,
	notified_channels jsonb)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, escalation, pg_temp AS
$$
BEGIN
	IF escalation.region_level(for_screen) NOT IN ('district', 'city') THEN
		RAISE EXCEPTION 'not a screen: %', for_screen
			USING ERRCODE = 'invalid_parameter_value',
				  DETAIL = format('%s is a %s; the screens are the districts'' and the city''s.',
								  for_screen, escalation.region_level(for_screen));
	END IF;
	-- The rows to rank, on_screen marking those the screen shows. For a
	-- district: the active warnings of the items it shows, on every screen,
	-- found through the district's entries in warning_active_idx. Without a
	-- screen, or for the city, whose screen shows most active warnings: every
	-- active warning.
	RETURN QUERY
	WITH family AS (
		SELECT w.*, for_screen IS NULL OR w.screen_region = for_screen AS on_screen
		FROM escalation.warning w CROSS JOIN escalation.screen_scope() c
		WHERE (for_screen IS NULL OR escalation.region_level(for_screen) = 'city') AND w.resolved_at IS NULL
		  AND (c.sees_all OR w.region OPERATOR(escalation.<@) c.region)
		UNION ALL
		SELECT w.*, w.screen_region = for_screen
				OR (w.screen_region = escalation.region_city(for_screen) AND coalesce(w.district = for_screen, false))
		FROM escalation.warning w CROSS JOIN escalation.screen_scope() c
		WHERE escalation.region_level(for_screen) = 'district' AND w.resolved_at IS NULL
		  AND (c.sees_all OR w.region OPERATOR(escalation.<@) c.region)
		  AND (w.subject_id, w.kind, w.started_at) IN (
				SELECT x.subject_id, x.kind, x.started_at FROM escalation.warning x
				WHERE x.resolved_at IS NULL
				  AND (x.screen_region = for_screen
					   OR (x.screen_region = escalation.region_city(for_screen) AND x.district = for_screen)))
	), active AS (
		SELECT f.*,
			-- One condition for the rows kept, so the planner's estimate of
			-- them stays that of one filter (it picks the joins below by it).
			CASE WHEN f.on_screen THEN row_number() OVER (PARTITION BY f.kind, f.subject_id, f.started_at, f.screen_region
														  ORDER BY f.stage DESC) END AS latest,
			max(f.stage) OVER (PARTITION BY f.kind, f.subject_id, f.started_at) AS item_stage,
			min(f.due_at) OVER (PARTITION BY f.kind, f.subject_id, f.started_at) AS item_due_at
		FROM family f
	)
	SELECT a.id, a.kind, escalation.warning_label(a.kind, a.id), a.subject_id, a.stage, a.item_stage,
		a.screen, escalation.screen_label(a.screen), a.screen_region, sr.name, a.district, dn.name,
		CASE WHEN escalation.region_level(a.region) = 'street' THEN a.region END,
		CASE WHEN escalation.region_level(a.region) = 'street' THEN st.name END,
		a.unit_id, u.name, a.department_id, dp.name,
		a.action, escalation.warning_action_label(a.action),
		a.started_at, a.item_due_at, a.due_at, a.raised_at,
		floor(extract(epoch FROM now() - a.item_due_at) / 86400)::integer,
		a.item_stage > a.stage,
		a.acknowledged_at,
		h.state, escalation.handling_state_label(h.state), coalesce(h.sign_overdue AND h.state = 'raised' OR h.reply_overdue, false),
		h.addressee_department_id, coalesce(ad.name, '无承办部门'), h.reply_due_at,
		nt.notified, nt.notified_pending, nt.notified_delivered, nt.notified_failed, nt.notified_last_delivered_at,
		nt.notified_channels
	FROM active a
	CROSS JOIN LATERAL escalation_internal.warning_notified(a.id) nt
	LEFT JOIN escalation.warning_handling h ON h.warning_id = a.id
	LEFT JOIN escalation.department ad ON ad.id = h.addressee_department_id
	LEFT JOIN escalation.division sr ON sr.code = a.screen_region
	LEFT JOIN escalation.division dn ON dn.code = a.district
	LEFT JOIN escalation.division st ON st.code = a.region
	LEFT JOIN escalation.unit u ON u.id = a.unit_id
	LEFT JOIN escalation.department dp ON dp.id = a.department_id
	WHERE a.latest = 1;
END
$$;
COMMENT ON FUNCTION escalation.screen_warnings(escalation.region) IS
	'Active warnings, one row per item and screen (its latest stage there), with Chinese labels and names and the notifications counted by state and kind of channel, limited to what the caller may see (escalation.screen_scope). With for_screen (a district or the city), only what that screen shows: its own rows and, for a district, its items escalated to the city screen. 大屏在办预警';

CREATE VIEW escalation.screen_warning AS SELECT * FROM escalation.screen_warnings();
COMMENT ON VIEW escalation.screen_warning IS
	'Active warnings per screen (大屏在办预警): one row per item and screen at its latest stage there, with unit, street and district names, Chinese labels, days overdue and whether it has escalated beyond this screen. What the screens and BI tools read.';
COMMENT ON COLUMN escalation.screen_warning.warning_id IS 'Id of the item''s latest warning on this screen. 预警编号';
COMMENT ON COLUMN escalation.screen_warning.kind IS 'Kind of warning. 预警类型';
COMMENT ON COLUMN escalation.screen_warning.kind_label IS 'Kind in Chinese; for a hazard''s overdue warning, 逾期未整改 or 逾期未复查 (escalation.warning_label). 预警类型名称';
COMMENT ON COLUMN escalation.screen_warning.subject_id IS 'The item: hazard, clue or licence id, or unit id for dual prevention. 事项编号';
COMMENT ON COLUMN escalation.screen_warning.stage IS 'The item''s latest stage on this screen. 本屏预警级次';
COMMENT ON COLUMN escalation.screen_warning.top_stage IS 'The item''s highest active stage on any screen. 最高预警级次';
COMMENT ON COLUMN escalation.screen_warning.screen IS 'district or city. 大屏层级';
COMMENT ON COLUMN escalation.screen_warning.screen_label IS 'Screen level in Chinese. 大屏层级名称';
COMMENT ON COLUMN escalation.screen_warning.screen_region IS 'District code of a district screen, city code of the city screen. 大屏区划';
COMMENT ON COLUMN escalation.screen_warning.screen_region_name IS 'Name of the screen''s district or city. 大屏区划名称';
COMMENT ON COLUMN escalation.screen_warning.district IS 'District of the item. 所属区县';
COMMENT ON COLUMN escalation.screen_warning.district_name IS 'Name of the district. 区县名称';
COMMENT ON COLUMN escalation.screen_warning.street IS 'Street or town of the item, when it is in one. 所属街道（镇）';
COMMENT ON COLUMN escalation.screen_warning.street_name IS 'Name of the street or town. 街道（镇）名称';
COMMENT ON COLUMN escalation.screen_warning.unit_id IS 'The unit concerned, if any. 生产经营单位编号';
COMMENT ON COLUMN escalation.screen_warning.unit_name IS 'Name of the unit. 生产经营单位名称';
COMMENT ON COLUMN escalation.screen_warning.department_id IS 'Finding or transferring department, if any. 发现/移交部门编号';
COMMENT ON COLUMN escalation.screen_warning.department_name IS 'Name of that department. 发现/移交部门名称';
COMMENT ON COLUMN escalation.screen_warning.action IS 'Action of this screen''s office at this stage. 处置动作';
COMMENT ON COLUMN escalation.screen_warning.action_label IS 'Action in Chinese. 处置动作名称';
COMMENT ON COLUMN escalation.screen_warning.started_at IS 'Start of the item''s ladder. 起算时间';
COMMENT ON COLUMN escalation.screen_warning.first_due_at IS 'When the item''s first stage fell due (it has been overdue since). 首次预警时间';
COMMENT ON COLUMN escalation.screen_warning.due_at IS 'When this stage fell due. 本级预警时间';
COMMENT ON COLUMN escalation.screen_warning.raised_at IS 'When this stage was raised. 预警发出时间';
COMMENT ON COLUMN escalation.screen_warning.days_overdue IS 'Whole days since the first stage fell due. 逾期天数';
COMMENT ON COLUMN escalation.screen_warning.escalated IS 'A later stage of the item is active on another screen (escalated from this one). 是否已升级';
COMMENT ON COLUMN escalation.screen_warning.acknowledged_at IS 'When the command centre acknowledged this warning, if it did. 签收时间';
COMMENT ON COLUMN escalation.screen_warning.handling_state IS 'Where its handling stands (escalation.warning_handling). 处置状态';
COMMENT ON COLUMN escalation.screen_warning.handling_state_label IS 'Handling state in Chinese. 处置状态名称';
COMMENT ON COLUMN escalation.screen_warning.handling_overdue IS 'Unsigned past the sign timer, or unanswered past its reply deadline. 处置超时';
COMMENT ON COLUMN escalation.screen_warning.addressee_department_id IS 'The addressee decided at raising; NULL when none was found. 承办部门编号';
COMMENT ON COLUMN escalation.screen_warning.addressee_name IS 'Name of the addressee, 无承办部门 when none was found. 承办部门名称';
COMMENT ON COLUMN escalation.screen_warning.reply_due_at IS 'The reply deadline in force, once dispatched. 反馈期限';
COMMENT ON COLUMN escalation.screen_warning.notified IS 'Notifications written for the warning (escalation.notification), counted, no one named. 通知数';
COMMENT ON COLUMN escalation.screen_warning.notified_pending IS 'Of them not yet delivered (pending or sending). 待发送数';
COMMENT ON COLUMN escalation.screen_warning.notified_delivered IS 'Of them delivered. 送达数';
COMMENT ON COLUMN escalation.screen_warning.notified_failed IS 'Of them given up. 失败数';
COMMENT ON COLUMN escalation.screen_warning.notified_last_delivered_at IS 'When the last of them was delivered. 最近送达时间';
COMMENT ON COLUMN escalation.screen_warning.notified_channels IS 'The same per kind of channel: a JSON array of kind, label, count, pending, delivered, failed, last_delivered_at. 分渠道通知情况';

------------------------------------------------------------------------------
-- The event stream (预警事件流): what the screen worker follows
------------------------------------------------------------------------------

CREATE FUNCTION escalation.warning_events(after bigint, max_rows integer DEFAULT 1000)
RETURNS TABLE (
	event_id bigint,
	event text,
	warning_id bigint,
	kind escalation.warning_kind,
	subject_id bigint,
	started_at timestamptz,
	stage smallint,
	screen escalation.level,
	screen_region escalation.region,
	district escalation.region,
	unit_id bigint,
	unit_name text,
	street_name text,
	kind_label text,
	action escalation.warning_action,
	action_label text,
	first_due_at timestamptz,
	due_at timestamptz,
	raised_at timestamptz,
	resolved_at timestamptz,
	resolved_reason escalation.warning_resolution,
	acknowledged_at timestamptz,
	handling_state escalation.handling_state,
	handling_overdue boolean,
	notified integer,
	notified_pending integer,
	notified_delivered integer,
	notified_failed integer,
	notified_last_delivered_at timestamptz,
	notified_channels jsonb)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, escalation, pg_temp AS
$$
DECLARE
	scope record;
BEGIN
	IF after IS NULL THEN
		RAISE EXCEPTION 'after must not be null'
			USING ERRCODE = 'null_value_not_allowed', HINT = 'Pass 0 to read from the first event.';
	END IF;
	IF max_rows IS NULL OR max_rows NOT BETWEEN 1 AND 100000 THEN
		RAISE EXCEPTION 'max_rows must be between 1 and 100000: %', coalesce(max_rows::text, 'NULL')
			USING ERRCODE = 'invalid_parameter_value';
	END IF;
	SELECT * INTO scope FROM escalation.screen_scope();
	RETURN QUERY
	SELECT e.event_id, e.event, w.id, w.kind, w.subject_id, w.started_at, w.stage, w.screen, w.screen_region,
		w.district, w.unit_id, u.name, CASE WHEN escalation.region_level(w.region) = 'street' THEN st.name END,
		escalation.warning_label(w.kind, w.id), w.action, escalation.warning_action_label(w.action),
		-- When the item's episode first fell due: its first stage's warning,
		-- through the item-stage key (an episode's stages are resolved together).
		(SELECT min(f.due_at) FROM escalation.warning f
		 WHERE f.subject_id = w.subject_id AND f.kind = w.kind AND f.started_at = w.started_at),
		w.due_at, w.raised_at, w.resolved_at, w.resolved_reason, w.acknowledged_at,
		h.state, coalesce(h.sign_overdue AND h.state = 'raised' OR h.reply_overdue, false),
		nt.notified, nt.notified_pending, nt.notified_delivered, nt.notified_failed, nt.notified_last_delivered_at,
		nt.notified_channels
	FROM (
		SELECT x.event_id, x.event, x.id FROM (
			SELECT v.id AS event_id, 'raised' AS event, v.id, v.region FROM escalation.warning v WHERE v.id > after
			UNION ALL
			SELECT v.resolved_seq, 'resolved', v.id, v.region FROM escalation.warning v WHERE v.resolved_seq > after
			UNION ALL
			SELECT v.ack_seq, 'acknowledged', v.id, v.region FROM escalation.warning v WHERE v.ack_seq > after
			UNION ALL
			SELECT s.id, 'handled', s.warning_id, s.region FROM escalation.warning_step s
			WHERE s.id > after AND s.step <> 'sign'
			UNION ALL
			SELECT n.outcome_seq, 'notified', n.warning_id, n.region FROM escalation.notification n
			WHERE n.outcome_seq > after
		) x
		WHERE scope.sees_all OR x.region OPERATOR(escalation.<@) scope.region
		ORDER BY x.event_id
		LIMIT max_rows
	) e
	JOIN escalation.warning w ON w.id = e.id
	CROSS JOIN LATERAL escalation_internal.warning_notified(w.id) nt
	LEFT JOIN escalation.warning_handling h ON h.warning_id = w.id
	LEFT JOIN escalation.unit u ON u.id = w.unit_id
	LEFT JOIN escalation.division st ON st.code = w.region
	ORDER BY e.event_id;
END
$$;
COMMENT ON FUNCTION escalation.warning_events(bigint, integer) IS
	'The warning events (raised, resolved, acknowledged, handled for the later handling steps, and notified when a notification of the warning was delivered or failed) after an event id, in event order, at most max_rows, limited to what the caller may see (escalation.screen_scope), with the names and labels a screen shows and the warning''s notifications counted (escalation_internal.warning_notified); the screen worker reads it after every NOTIFY escalation_warning. Event ids commit in order, so reading after the last id seen never misses one. 预警事件流';

-- Where a reader that keeps only recent events starts: the screen worker at
-- start needs the last events for Last-Event-ID resumes, not all of history.
CREATE FUNCTION escalation.warning_events_tail(keep integer)
RETURNS bigint
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, escalation, pg_temp AS
$$
DECLARE
	scope record;
	start bigint;
BEGIN
	IF keep IS NULL OR keep NOT BETWEEN 1 AND 10000000 THEN
		RAISE EXCEPTION 'keep must be between 1 and 10000000: %', coalesce(keep::text, 'NULL')
			USING ERRCODE = 'invalid_parameter_value';
	END IF;
	SELECT * INTO scope FROM escalation.screen_scope();
	SELECT x.event_id INTO start FROM (
		SELECT v.id AS event_id, v.region FROM escalation.warning v
		UNION ALL
		SELECT v.resolved_seq, v.region FROM escalation.warning v WHERE v.resolved_seq IS NOT NULL
		UNION ALL
		SELECT v.ack_seq, v.region FROM escalation.warning v WHERE v.ack_seq IS NOT NULL
		UNION ALL
		SELECT s.id, s.region FROM escalation.warning_step s WHERE s.step <> 'sign'
		UNION ALL
		SELECT n.outcome_seq, n.region FROM escalation.notification n WHERE n.outcome_seq IS NOT NULL
	) x
	WHERE scope.sees_all OR x.region OPERATOR(escalation.<@) scope.region
	ORDER BY x.event_id DESC
	OFFSET keep LIMIT 1;
	RETURN coalesce(start, 0);
END
$$;
COMMENT ON FUNCTION escalation.warning_events_tail(integer) IS
	'The event id after which the caller''s last keep warning events lie (0 when there are no more than keep): warning_events() read after it gives exactly those. The screen worker starts there instead of reading all of history. 最近预警事件起点';

REVOKE ALL ON FUNCTION
	escalation.warning_kind_label(escalation.warning_kind), escalation.warning_action_label(escalation.warning_action),
	escalation.warning_resolution_label(escalation.warning_resolution), escalation.screen_label(escalation.level),
	escalation.screen_scope(), escalation.screen_warnings(escalation.region), escalation.warning_events(bigint, integer),
	escalation.warning_events_tail(integer)
FROM PUBLIC;
GRANT EXECUTE ON FUNCTION
	escalation.warning_kind_label(escalation.warning_kind), escalation.warning_action_label(escalation.warning_action),
	escalation.warning_resolution_label(escalation.warning_resolution), escalation.screen_label(escalation.level),
	escalation.screen_scope(), escalation.screen_warnings(escalation.region), escalation.warning_events(bigint, integer),
	escalation.warning_events_tail(integer)
TO escalation_admin, escalation_user, escalation_analyst, escalation_screen;
REVOKE ALL ON FUNCTION escalation_internal.warning_notified(bigint) FROM PUBLIC;
REVOKE ALL ON FUNCTION escalation.warning_label(escalation.warning_kind, bigint) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION escalation.warning_label(escalation.warning_kind, bigint)
	TO escalation_admin, escalation_user, escalation_analyst;
GRANT SELECT ON escalation.screen_warning TO escalation_admin, escalation_user, escalation_analyst, escalation_screen;
