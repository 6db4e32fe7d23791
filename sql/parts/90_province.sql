-- A province sees its cities (省级汇聚) by logical replication (docs/PROVINCE.md).
-- A city keeps escalation.province_warning filled from its warnings (the
-- city-level ones and every circular) and publishes it; the province's
-- database, with the same extension, subscribes to each city, so the rows of
-- every city land in the same table, keyed by (city, warning_id). The
-- province numbers what arrives as its own event stream for its screen.

------------------------------------------------------------------------------
-- The published table (城市上报预警)
------------------------------------------------------------------------------

CREATE TABLE escalation.province_warning (
	city escalation.region NOT NULL,
	warning_id bigint NOT NULL,
	kind escalation.warning_kind NOT NULL,
	subject_id bigint NOT NULL,
	started_at timestamptz NOT NULL,
	stage smallint NOT NULL,
	screen escalation.level NOT NULL,
	action escalation.warning_action NOT NULL,
	region escalation.region NOT NULL,
	district escalation.region,
	district_name text,
	unit_id bigint,
	unit_name text,
	due_at timestamptz NOT NULL,
	raised_at timestamptz NOT NULL,
	resolved_at timestamptz,
	resolved_reason escalation.warning_resolution,
	acknowledged_at timestamptz,
	province_key bigint,
	CONSTRAINT province_warning_pkey PRIMARY KEY (city, warning_id),
	CONSTRAINT province_warning_city_is_a_city CHECK (escalation.region_level(city) = 'city')
);
CREATE INDEX province_warning_region_idx ON escalation.province_warning (region);
CREATE INDEX province_warning_active_idx ON escalation.province_warning (city, kind, subject_id)
	WHERE resolved_at IS NULL;
COMMENT ON TABLE escalation.province_warning IS
	'Warnings a city reports to its province (城市上报预警): every warning of the city screen and every circular, with names, kept by a trigger on escalation.warning and published as escalation_province; in the province database, the rows of every subscribed city, read-only. 省级汇聚预警';
COMMENT ON COLUMN escalation.province_warning.city IS 'The city (xxxx00) the warning belongs to; with warning_id, the key across cities. 所属市';
COMMENT ON COLUMN escalation.province_warning.warning_id IS 'The warning''s id in its city (escalation.warning.id). 市预警编号';
COMMENT ON COLUMN escalation.province_warning.kind IS 'Kind of warning. 预警类型';
COMMENT ON COLUMN escalation.province_warning.subject_id IS 'The item in its city (hazard, clue, licence, dual prevention). 预警事项';
COMMENT ON COLUMN escalation.province_warning.started_at IS 'Start of the item''s episode. 起算时间';
COMMENT ON COLUMN escalation.province_warning.stage IS 'Stage of the ladder. 预警级次';
COMMENT ON COLUMN escalation.province_warning.screen IS 'Screen of the stage in its city: city, or district for a district circular. 预警大屏';
COMMENT ON COLUMN escalation.province_warning.action IS 'Action of the screen''s office: confirm, supervise, circulate. 处置动作';
COMMENT ON COLUMN escalation.province_warning.region IS 'Region of the item (its unit''s or department''s). 所属区划';
COMMENT ON COLUMN escalation.province_warning.district IS 'District of the item. 所属区县';
COMMENT ON COLUMN escalation.province_warning.district_name IS 'Its name in the city. 区县名称';
COMMENT ON COLUMN escalation.province_warning.unit_id IS 'The unit in its city, if the item has one. 单位';
COMMENT ON COLUMN escalation.province_warning.unit_name IS 'Its name when the stage was raised. 单位名称';
COMMENT ON COLUMN escalation.province_warning.due_at IS 'When the stage fell due. 应预警时间';
COMMENT ON COLUMN escalation.province_warning.raised_at IS 'When the city raised it. 预警时间';
COMMENT ON COLUMN escalation.province_warning.resolved_at IS 'When the item was handled; NULL while active. 解除时间';
COMMENT ON COLUMN escalation.province_warning.resolved_reason IS 'Why it was resolved. 解除原因';
COMMENT ON COLUMN escalation.province_warning.acknowledged_at IS 'When the screen''s office acknowledged it. 确认时间';
COMMENT ON COLUMN escalation.province_warning.province_key IS 'In the province: the event id of its arrival, unique across cities (not published; NULL in a city). 省级编号';
SELECT escalation.enable_region_security('escalation.province_warning');
GRANT SELECT ON escalation.province_warning TO escalation_admin, escalation_user, escalation_analyst;
-- The feed writes as whoever writes the warning: run() and acknowledge() as the
-- extension's owner, the city office as itself (it may insert warnings). In a
-- province, the trigger below refuses every write but the subscriptions'.
GRANT INSERT, UPDATE ON escalation.province_warning TO escalation_admin;

-- The cities a province subscribes to: its subscriptions named
-- escalation_city_<city code> (docs/PROVINCE.md), with the names it knows.
CREATE VIEW escalation.province_city AS
SELECT substr(s.subname, 17)::escalation.region AS city,
	   coalesce(d.name, substr(s.subname, 17)) AS name,
	   s.subname AS subscription,
	   s.subenabled AS enabled
FROM pg_catalog.pg_subscription s
LEFT JOIN escalation.division d ON d.code::text = substr(s.subname, 17)
WHERE s.subdbid = (SELECT b.oid FROM pg_catalog.pg_database b WHERE b.datname = pg_catalog.current_database())
	AND s.subname ~ '^escalation_city_[0-9]{4}00$';
COMMENT ON VIEW escalation.province_city IS
	'In a province database, the cities it subscribes to: its subscriptions named escalation_city_<city code>; empty in a city. 省级汇聚城市';
COMMENT ON COLUMN escalation.province_city.city IS 'The city code. 市';
COMMENT ON COLUMN escalation.province_city.name IS 'Its name in escalation.division (the code if it has none). 市名称';
COMMENT ON COLUMN escalation.province_city.subscription IS 'The subscription that brings its rows. 订阅名';
COMMENT ON COLUMN escalation.province_city.enabled IS 'Whether the subscription is enabled. 订阅启用';
GRANT SELECT ON escalation.province_city TO escalation_admin, escalation_user, escalation_analyst;

CREATE SEQUENCE escalation.province_event_seq;
COMMENT ON SEQUENCE escalation.province_event_seq IS
	'In a province database, numbers the events of its screen as they arrive from the cities. 省级预警事件序号';

CREATE TABLE escalation.province_event (
	event_id bigint NOT NULL,
	city escalation.region NOT NULL,
	warning_id bigint NOT NULL,
	event text NOT NULL,
	CONSTRAINT province_event_pkey PRIMARY KEY (event_id),
	CONSTRAINT province_event_known CHECK (event IN ('raised', 'resolved', 'acknowledged'))
);
COMMENT ON TABLE escalation.province_event IS
	'In a province database, the event stream of its screen: a city''s warning arrived (raised), was resolved or acknowledged, in the order the province committed them. 省级预警事件';
COMMENT ON COLUMN escalation.province_event.event_id IS 'From province_event_seq; commits in order. 事件序号';
COMMENT ON COLUMN escalation.province_event.city IS 'The city of the warning. 所属市';
COMMENT ON COLUMN escalation.province_event.warning_id IS 'The warning''s id in its city. 市预警编号';
COMMENT ON COLUMN escalation.province_event.event IS 'raised, resolved or acknowledged. 事件';
GRANT SELECT ON escalation.province_event TO escalation_admin;

------------------------------------------------------------------------------
-- In a city: keeping the published table (城市侧)
------------------------------------------------------------------------------

-- Copy warnings of the city screen, and circulars, with names, or follow their
-- resolution and acknowledgement: one statement for any number of them.
CREATE FUNCTION escalation_internal.province_copy(ids bigint[]) RETURNS void
LANGUAGE sql SET search_path = pg_catalog, escalation, pg_temp
BEGIN ATOMIC
	INSERT INTO escalation.province_warning AS p
		(city, warning_id, kind, subject_id, started_at, stage, screen, action, region, district, district_name,
		 unit_id, unit_name, due_at, raised_at, resolved_at, resolved_reason, acknowledged_at)
	SELECT escalation.region_city(w.region), w.id, w.kind, w.subject_id, w.started_at, w.stage, w.screen, w.action,
		w.region, w.district, d.name, w.unit_id, u.name, w.due_at, w.raised_at, w.resolved_at, w.resolved_reason,
		w.acknowledged_at
	FROM escalation.warning w
	LEFT JOIN escalation.division d ON d.code = w.district
	LEFT JOIN escalation.unit u ON u.id = w.unit_id
	WHERE w.id = ANY (province_copy.ids) AND (w.screen = 'city' OR w.action = 'circulate')
	ORDER BY w.id
	ON CONFLICT (city, warning_id) DO UPDATE
		SET resolved_at = EXCLUDED.resolved_at, resolved_reason = EXCLUDED.resolved_reason,
			acknowledged_at = EXCLUDED.acknowledged_at
		WHERE (p.resolved_at, p.resolved_reason, p.acknowledged_at)
			IS DISTINCT FROM (EXCLUDED.resolved_at, EXCLUDED.resolved_reason, EXCLUDED.acknowledged_at);
END;
COMMENT ON FUNCTION escalation_internal.province_copy(bigint[]) IS
	'Copies the warnings of the city screen and circulars among ids into escalation.province_warning, with the names of their district and unit, or brings their resolution and acknowledgement up to date. 城市上报预警';

-- Trigger (per row) of escalation.warning: a warning of the city screen, or a
-- circular, resolved or acknowledged.
CREATE FUNCTION escalation_internal.feed_province() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, escalation, pg_temp AS
$$
BEGIN
	PERFORM escalation_internal.province_copy(ARRAY[NEW.id]);
	RETURN NULL;
END
$$;
COMMENT ON FUNCTION escalation_internal.feed_province() IS
	'Trigger of escalation.warning: follows the resolution and acknowledgement of a warning of the city screen, or a circular, in escalation.province_warning. 城市上报预警状态';

-- Trigger (per statement) of escalation.warning: the warnings an INSERT or a run raised.
CREATE FUNCTION escalation_internal.feed_province_raised() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, escalation, pg_temp AS
$$
BEGIN
	PERFORM escalation_internal.province_copy(ARRAY(SELECT r.id FROM raised r WHERE r.screen = 'city' OR r.action = 'circulate'));
	RETURN NULL;
END
$$;
COMMENT ON FUNCTION escalation_internal.feed_province_raised() IS
	'Trigger (per statement) of escalation.warning: copies the warnings of the city screen, and circulars, that an INSERT or a run raised into escalation.province_warning. 城市上报预警';

-- The engine writes warnings straight into the table and fires its AFTER
-- triggers, the statement ones once for all the warnings of a run
-- (src/engine_store.c; src/engine_items.c lists these two among the warning
-- table's own triggers): the copies are made in the transaction that raises
-- the warnings and roll back with them. Resolutions and acknowledgements are
-- SQL UPDATEs, followed AFTER them.
CREATE TRIGGER warning_province_feed AFTER INSERT ON escalation.warning REFERENCING NEW TABLE AS raised
	FOR EACH STATEMENT EXECUTE FUNCTION escalation_internal.feed_province_raised();
CREATE TRIGGER warning_province_follow AFTER UPDATE OF resolved_at, resolved_reason, acknowledged_at
	ON escalation.warning FOR EACH ROW
	WHEN (NEW.screen = 'city' OR NEW.action = 'circulate')
	EXECUTE FUNCTION escalation_internal.feed_province();

-- Publish the city's province_warning, after filling it with the warnings
-- raised before. The province's CREATE SUBSCRIPTION makes the slot.
CREATE FUNCTION escalation.publish_for_province() RETURNS text
LANGUAGE plpgsql SET search_path = pg_catalog, escalation, pg_temp AS
$$
DECLARE
	cities text;
BEGIN
	IF current_setting('wal_level') <> 'logical' THEN
		RAISE EXCEPTION 'wal_level is "%", logical replication needs "logical"', current_setting('wal_level')
			USING ERRCODE = 'object_not_in_prerequisite_state',
				  HINT = 'Set wal_level = logical in postgresql.conf and restart the server.';
	END IF;
	IF EXISTS (SELECT FROM escalation.province_city) THEN
		RAISE EXCEPTION 'database "%" is a province: it subscribes to cities and publishes nothing', current_database()
			USING ERRCODE = 'object_not_in_prerequisite_state';
	END IF;
	SELECT string_agg(DISTINCT escalation.region_city(u.region)::text, ', ') INTO cities FROM escalation.unit u;
	IF cities LIKE '%,%' THEN
		RAISE EXCEPTION 'database "%" holds units of more than one city: %', current_database(), cities
			USING ERRCODE = 'object_not_in_prerequisite_state',
				  HINT = 'A province subscribes to one database per city.';
	END IF;
	-- Through the trigger, which copies what it copies for the engine.
	UPDATE escalation.warning w SET resolved_at = w.resolved_at
	WHERE (w.screen = 'city' OR w.action = 'circulate')
		AND NOT EXISTS (SELECT FROM escalation.province_warning p
						WHERE p.city = escalation.region_city(w.region) AND p.warning_id = w.id);
	IF NOT EXISTS (SELECT FROM pg_publication WHERE pubname = 'escalation_province') THEN
		-- province_key is the province's own numbering: left out.
		CREATE PUBLICATION escalation_province FOR TABLE escalation.province_warning
			(city, warning_id, kind, subject_id, started_at, stage, screen, action, region, district, district_name,
			 unit_id, unit_name, due_at, raised_at, resolved_at, resolved_reason, acknowledged_at);
	END IF;
	RETURN 'escalation_province';
END
$$;
COMMENT ON FUNCTION escalation.publish_for_province() IS
	'In a city (wal_level = logical), the one command that lets the province subscribe: fills escalation.province_warning with the warnings raised so far and creates the publication escalation_province. Idempotent. 向省级发布';

------------------------------------------------------------------------------
-- In the province: subscriptions, read-only copies, the event stream (省级侧)
------------------------------------------------------------------------------

-- Local writes to the province's copy are refused, once per statement; the
-- subscription's apply worker runs with session_replication_role = replica,
-- where these triggers are off.
CREATE FUNCTION escalation_internal.province_read_only() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, escalation, pg_temp AS
$$
BEGIN
	IF EXISTS (SELECT FROM escalation.province_city) THEN
		RAISE EXCEPTION 'escalation.province_warning is read-only in a province database: rows come from the cities'
			USING ERRCODE = 'insufficient_privilege',
				  HINT = 'Change the warning in its city; the subscription brings the change.';
	END IF;
	RETURN NULL;
END
$$;
COMMENT ON FUNCTION escalation_internal.province_read_only() IS
	'Trigger of escalation.province_warning: in a province database (one with subscribed cities), refuses every write but the subscriptions''. 省级只读';
CREATE TRIGGER province_warning_read_only BEFORE INSERT OR UPDATE OR DELETE ON escalation.province_warning
	FOR EACH STATEMENT EXECUTE FUNCTION escalation_internal.province_read_only();
CREATE TRIGGER province_warning_no_truncate BEFORE TRUNCATE ON escalation.province_warning
	FOR EACH STATEMENT EXECUTE FUNCTION escalation_internal.province_read_only();

-- A row arriving from a city: number its events, in commit order.
CREATE FUNCTION escalation_internal.province_number_events() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, escalation, pg_temp AS
$$
BEGIN
	-- Apply workers of several cities commit concurrently: one lock, held to
	-- commit, keeps event numbers in commit order (as lock_event_stream does).
	PERFORM pg_advisory_xact_lock('escalation.province_event_seq'::regclass::oid::bigint);
	IF TG_OP = 'INSERT' THEN
		NEW.province_key := nextval('escalation.province_event_seq');
		INSERT INTO escalation.province_event VALUES (NEW.province_key, NEW.city, NEW.warning_id, 'raised');
	ELSE
		NEW.province_key := OLD.province_key;
	END IF;
	IF NEW.resolved_at IS NOT NULL AND (TG_OP = 'INSERT' OR OLD.resolved_at IS NULL) THEN
		INSERT INTO escalation.province_event
		VALUES (nextval('escalation.province_event_seq'), NEW.city, NEW.warning_id, 'resolved');
	END IF;
	IF NEW.acknowledged_at IS NOT NULL AND (TG_OP = 'INSERT' OR OLD.acknowledged_at IS NULL) THEN
		INSERT INTO escalation.province_event
		VALUES (nextval('escalation.province_event_seq'), NEW.city, NEW.warning_id, 'acknowledged');
	END IF;
	-- A wake-up for the worker, as run() sends; one per transaction (same payload).
	PERFORM pg_notify('escalation_warning', 'province');
	RETURN NEW;
END
$$;
COMMENT ON FUNCTION escalation_internal.province_number_events() IS
	'Trigger of escalation.province_warning, enabled for replication only: numbers the province''s events (raised, resolved, acknowledged) as a city''s rows arrive, and gives each row its province_key. 省级事件编号';
CREATE TRIGGER province_warning_events BEFORE INSERT OR UPDATE ON escalation.province_warning
	FOR EACH ROW EXECUTE FUNCTION escalation_internal.province_number_events();
ALTER TABLE escalation.province_warning ENABLE REPLICA TRIGGER province_warning_events;

------------------------------------------------------------------------------
-- The province's screen (省级大屏)
------------------------------------------------------------------------------

-- The province screens: one per province code of the subscribed cities.
CREATE FUNCTION escalation.province_screens(OUT code text, OUT name text, OUT level text)
RETURNS SETOF record
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, escalation, pg_temp AS
$$
	SELECT p.code::text, coalesce(d.name, p.code::text), 'province'
	FROM (SELECT DISTINCT escalation.region_parent(c.city) AS code FROM escalation.province_city c) p
	LEFT JOIN escalation.division d ON d.code = p.code
	ORDER BY 1
$$;
COMMENT ON FUNCTION escalation.province_screens() IS
	'In a province database, its screens: one per province of the subscribed cities (code xx0000, name, level ''province''); escalation-worker --province lists them. 省级大屏列表';

-- The city-level warnings of the province, as its screen shows them.
CREATE VIEW escalation.province_screen_warning AS
SELECT w.province_key AS warning_id, w.kind, w.city::text || '-' || w.subject_id AS subject_id, w.started_at,
	   w.stage, w.screen, escalation.region_parent(w.city) AS screen_region, w.district, w.city,
	   coalesce(c.name, w.city::text) AS city_name, w.district_name, w.unit_id, w.unit_name,
	   escalation.warning_kind_label(w.kind) AS kind_label, w.action,
	   escalation.warning_action_label(w.action) AS action_label,
	   (SELECT min(o.due_at) FROM escalation.province_warning o
		WHERE o.city = w.city AND o.subject_id = w.subject_id AND o.kind = w.kind
			AND o.started_at = w.started_at) AS first_due_at,
	   w.due_at, w.raised_at, w.resolved_at, w.resolved_reason, w.acknowledged_at,
	   w.warning_id AS city_warning_id
FROM escalation.province_warning w
LEFT JOIN escalation.province_city c ON c.city = w.city
WHERE w.screen = 'city';
COMMENT ON VIEW escalation.province_screen_warning IS
	'In a province database, the warnings of every subscribed city''s city screen, with names and labels; subject_id is "<city>-<item>" and warning_id the row''s province_key, so the items of different cities stay apart on the province screen. 省级大屏预警';
COMMENT ON COLUMN escalation.province_screen_warning.screen_region IS 'The province (xx0000): the screen that shows it. 省级大屏';
COMMENT ON COLUMN escalation.province_screen_warning.city_name IS 'Name of the city. 市名称';
COMMENT ON COLUMN escalation.province_screen_warning.first_due_at IS 'Earliest due time of the item''s episode. 首次应预警时间';
COMMENT ON COLUMN escalation.province_screen_warning.city_warning_id IS 'The warning''s id in its city. 市预警编号';

CREATE VIEW escalation.province_event_row AS
SELECT e.event_id, e.event, v.*
FROM escalation.province_event e
JOIN escalation.province_screen_warning v ON v.city = e.city AND v.city_warning_id = e.warning_id;
COMMENT ON VIEW escalation.province_event_row IS
	'In a province database, its screen''s events with the warning''s row (escalation.province_screen_warning). 省级大屏事件';

CREATE FUNCTION escalation.province_events(after bigint, max_rows integer DEFAULT 1000)
RETURNS SETOF escalation.province_event_row
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, escalation, pg_temp AS
$$
	SELECT * FROM escalation.province_event_row r WHERE r.event_id > after ORDER BY r.event_id LIMIT max_rows
$$;
COMMENT ON FUNCTION escalation.province_events(bigint, integer) IS
	'The province screen''s events after an event id, in event order, at most max_rows; escalation-worker --province reads it as a city''s worker reads warning_events(). Event numbers commit in order. 省级预警事件流';

CREATE FUNCTION escalation.province_events_tail(keep integer) RETURNS bigint
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, escalation, pg_temp AS
$$
	SELECT coalesce((SELECT r.event_id FROM escalation.province_event_row r
					 ORDER BY r.event_id DESC OFFSET greatest(keep, 0) LIMIT 1), 0)
$$;
COMMENT ON FUNCTION escalation.province_events_tail(integer) IS
	'The event id after which the province screen''s last keep events lie (0 when there are no more than keep). 最近省级事件起点';

CREATE FUNCTION escalation.province_screen_warnings(for_screen escalation.region)
RETURNS SETOF escalation.province_screen_warning
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, escalation, pg_temp AS
$$
	SELECT DISTINCT ON (v.city, v.kind, v.subject_id) v.*
	FROM escalation.province_screen_warning v
	WHERE v.resolved_at IS NULL AND v.screen_region = for_screen
	ORDER BY v.city, v.kind, v.subject_id, v.stage DESC, v.warning_id DESC
$$;
COMMENT ON FUNCTION escalation.province_screen_warnings(escalation.region) IS
	'The active warnings of a province screen, one row per item of each city (its highest active stage). 省级大屏在办预警';

CREATE VIEW escalation.province_city_count AS
SELECT c.city, c.name,
	   count(w.warning_id) FILTER (WHERE w.screen = 'city' AND w.resolved_at IS NULL) AS active,
	   count(w.warning_id) FILTER (WHERE w.screen = 'city' AND w.resolved_at IS NULL AND w.action = 'supervise') AS supervised,
	   count(w.warning_id) FILTER (WHERE w.resolved_at IS NULL AND w.action = 'circulate') AS circulated,
	   count(w.warning_id) FILTER (WHERE w.screen = 'city') AS raised,
	   max(w.raised_at) AS last_raised_at
FROM escalation.province_city c
LEFT JOIN escalation.province_warning w ON w.city = c.city
GROUP BY c.city, c.name;
COMMENT ON VIEW escalation.province_city_count IS
	'In a province database, per subscribed city: its active city-level warnings, of which with a supervision order, its active circulars, all city-level warnings received, the last one''s time. 各市预警统计';
COMMENT ON COLUMN escalation.province_city_count.active IS 'Active warnings of the city screen. 在办预警';
COMMENT ON COLUMN escalation.province_city_count.supervised IS 'Of which with a supervision order. 督办';
COMMENT ON COLUMN escalation.province_city_count.circulated IS 'Active circulars (city or district). 通报';
COMMENT ON COLUMN escalation.province_city_count.raised IS 'City-level warnings received, active or not. 累计预警';
COMMENT ON COLUMN escalation.province_city_count.last_raised_at IS 'When the last one was raised. 最近预警时间';

GRANT SELECT ON escalation.province_screen_warning, escalation.province_event_row, escalation.province_city_count
	TO escalation_admin, escalation_analyst;
REVOKE ALL ON FUNCTION escalation_internal.feed_province(), escalation_internal.feed_province_raised(),
	escalation_internal.province_copy(bigint[]), escalation.publish_for_province(),
	escalation_internal.province_read_only(), escalation_internal.province_number_events(), escalation.province_screens(), escalation.province_events(bigint, integer),
	escalation.province_events_tail(integer), escalation.province_screen_warnings(escalation.region)
FROM PUBLIC;
GRANT EXECUTE ON FUNCTION escalation.province_screens(), escalation.province_events(bigint, integer),
	escalation.province_events_tail(integer), escalation.province_screen_warnings(escalation.region)
TO escalation_admin, escalation_analyst, escalation_screen;

-- What an analyst reads of the province's copy (the pattern of 81_analyst_objects.sql).
CREATE VIEW escalation.province_warning_analyst WITH (security_invoker = true) AS
	SELECT t.city::text AS city,
		t.warning_id,
		t.kind,
		escalation.warning_kind_label(t.kind) AS kind_label,
		t.subject_id,
		t.started_at,
		t.stage,
		t.screen,
		escalation.level_label(t.screen) AS screen_label,
		t.action,
		escalation.warning_action_label(t.action) AS action_label,
		t.region::text AS region,
		t.district::text AS district,
		t.district_name,
		t.unit_id,
		t.unit_name,
		t.due_at,
		t.raised_at,
		t.resolved_at,
		t.resolved_reason,
		escalation.warning_resolution_label(t.resolved_reason) AS resolved_reason_label,
		t.acknowledged_at,
		t.province_key
	FROM escalation.province_warning t;
COMMENT ON VIEW escalation.province_warning_analyst IS
	'What an analyst may read of escalation.province_warning, for BI tools: region codes as text, enum columns with their Chinese labels. 省级汇聚预警（分析视图）';
COMMENT ON COLUMN escalation.province_warning_analyst.city IS 'The city (xxxx00) the warning belongs to. 所属市';
COMMENT ON COLUMN escalation.province_warning_analyst.warning_id IS 'The warning''s id in its city. 市预警编号';
COMMENT ON COLUMN escalation.province_warning_analyst.kind IS 'Kind of warning. 预警类型';
COMMENT ON COLUMN escalation.province_warning_analyst.kind_label IS 'kind in Chinese. 预警类型（中文）';
COMMENT ON COLUMN escalation.province_warning_analyst.subject_id IS 'The item in its city. 预警事项';
COMMENT ON COLUMN escalation.province_warning_analyst.started_at IS 'Start of the item''s episode. 起算时间';
COMMENT ON COLUMN escalation.province_warning_analyst.stage IS 'Stage of the ladder. 预警级次';
COMMENT ON COLUMN escalation.province_warning_analyst.screen IS 'Screen of the stage in its city. 预警大屏';
COMMENT ON COLUMN escalation.province_warning_analyst.screen_label IS 'screen in Chinese. 预警大屏（中文）';
COMMENT ON COLUMN escalation.province_warning_analyst.action IS 'Action of the screen''s office. 处置动作';
COMMENT ON COLUMN escalation.province_warning_analyst.action_label IS 'action in Chinese. 处置动作（中文）';
COMMENT ON COLUMN escalation.province_warning_analyst.region IS 'Region of the item, as text. 所属区划';
COMMENT ON COLUMN escalation.province_warning_analyst.district IS 'District of the item, as text. 所属区县';
COMMENT ON COLUMN escalation.province_warning_analyst.district_name IS 'Its name in the city. 区县名称';
COMMENT ON COLUMN escalation.province_warning_analyst.unit_id IS 'The unit in its city. 单位';
COMMENT ON COLUMN escalation.province_warning_analyst.unit_name IS 'Its name when the stage was raised. 单位名称';
COMMENT ON COLUMN escalation.province_warning_analyst.due_at IS 'When the stage fell due. 应预警时间';
COMMENT ON COLUMN escalation.province_warning_analyst.raised_at IS 'When the city raised it. 预警时间';
COMMENT ON COLUMN escalation.province_warning_analyst.resolved_at IS 'When the item was handled; NULL while active. 解除时间';
COMMENT ON COLUMN escalation.province_warning_analyst.resolved_reason IS 'Why it was resolved. 解除原因';
COMMENT ON COLUMN escalation.province_warning_analyst.resolved_reason_label IS 'resolved_reason in Chinese. 解除原因（中文）';
COMMENT ON COLUMN escalation.province_warning_analyst.acknowledged_at IS 'When the screen''s office acknowledged it. 确认时间';
COMMENT ON COLUMN escalation.province_warning_analyst.province_key IS 'In the province: the event id of its arrival. 省级编号';
GRANT SELECT ON escalation.province_warning_analyst TO escalation_admin, escalation_analyst;
