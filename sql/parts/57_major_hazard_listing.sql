-- Confirmed major accident hazards listed for supervision (挂牌督办, §14,
-- issue 16): a hazard confirmed major is listed by the city when it is
-- confirmed, climbs a ladder of its own on its governance plan's deadline
-- (major_hazard_listed: the city screen's 督办 when overdue, 通报 three days
-- later) until it is closed (销号), and only the listing authority, the city's
-- work-safety committee office, closes it. docs/RULES.md says which parts are
-- the text and which are this project's reading.

------------------------------------------------------------------------------
-- The ladder (挂牌督办预警规则)
------------------------------------------------------------------------------

-- Every shipped ladder (52_rules.sql defines it with rule_default's rows
-- alone), with the ladders derived from rules data of their own: the handling
-- timers (57_handling_timers.sql: one stage on the city screen, from
-- handling_rule) and the listed major hazards: both origins climb the same
-- stages on the city screen, the city being the listing authority.
CREATE OR REPLACE VIEW escalation.rule_shipped AS
	SELECT d.kind, d.origin, d.stage, d.delay, d.screen, d.action
	FROM escalation.rule_default d
	UNION ALL
	SELECT k.kind, o.origin, 1::smallint,
		CASE WHEN h.timer = 'sign' THEN h.within ELSE interval '0' END,
		'city'::escalation.level, 'supervise'::escalation.warning_action
	FROM escalation.handling_rule h
	CROSS JOIN LATERAL (SELECT escalation.enum_value(NULL::escalation.warning_kind, 'handling_' || h.timer::text)) k(kind)
	CROSS JOIN (VALUES ('city'::escalation.level), ('district'::escalation.level)) o(origin)
	WHERE k.kind IS NOT NULL
	UNION ALL
	SELECT k.kind, o.origin, s.stage, s.delay, 'city'::escalation.level, s.action
	FROM (SELECT escalation.enum_value(NULL::escalation.warning_kind, 'major_hazard_listed')) k(kind)
	CROSS JOIN (VALUES (1::smallint, interval '0', 'supervise'::escalation.warning_action),
					   (2::smallint, interval '3 days', 'circulate'::escalation.warning_action)) s(stage, delay, action)
	CROSS JOIN (VALUES ('city'::escalation.level), ('district'::escalation.level)) o(origin)
	WHERE k.kind IS NOT NULL;

------------------------------------------------------------------------------
-- The items (挂牌督办事项)
------------------------------------------------------------------------------

-- The city of a hazard: that of its unit, else of its finder.
CREATE FUNCTION escalation.hazard_city(h escalation.hazard) RETURNS escalation.region
LANGUAGE sql STABLE PARALLEL SAFE SET search_path = pg_catalog, escalation, pg_temp
BEGIN ATOMIC
	SELECT escalation.region_city(coalesce(
		(SELECT u.region FROM escalation.unit u WHERE u.id = h.unit_id),
		(SELECT d.region FROM escalation.department d WHERE d.id = h.found_by)));
END;
COMMENT ON FUNCTION escalation.hazard_city(escalation.hazard) IS
	'The city of a hazard (of its unit, else of the department that found it): the listing authority of a confirmed major hazard. 隐患所属城市';

-- Every confirmed major hazard, from its confirmation: on the ladder from its
-- governance plan's deadline (the deadline hazard_confirm requires, moved by
-- an extension like any deadline, kept by one granted after a warning) until
-- it is closed.
CREATE OR REPLACE VIEW escalation.major_hazard_listing_source AS
	SELECT (SELECT escalation.enum_value(NULL::escalation.warning_kind, 'major_hazard_listed')) AS kind,
		h.id AS subject_id, escalation.item_origin(coalesce(d.level, u.supervision_level)) AS origin,
		coalesce(x.ladder_start, h.rectify_deadline) AS started_at, h.deadline_set_at AS start_set_at,
		h.closed_at AS handled_at, 'closed'::escalation.warning_resolution AS handled_reason,
		NULL::timestamptz AS withdrawn_at, h.unit_id, h.found_by AS department_id, coalesce(u.region, d.region) AS region
	FROM escalation.hazard h
	LEFT JOIN escalation.unit u ON u.id = h.unit_id
	LEFT JOIN escalation.department d ON d.id = h.found_by
	LEFT JOIN LATERAL (
		SELECT e.ladder_start FROM escalation.hazard_extension e
		WHERE e.hazard_id = h.id AND e.approved AND e.granted_deadline = h.rectify_deadline
		ORDER BY e.id DESC LIMIT 1) x ON true
	WHERE h.grade = 'major' AND h.confirmed_at IS NOT NULL AND isfinite(h.rectify_deadline);
COMMENT ON VIEW escalation.major_hazard_listing_source IS
	'The confirmed major hazards listed for supervision by the city (挂牌督办), a branch of escalation.item_source: on the ladder major_hazard_listed from the governance plan''s deadline until closed (销号). 挂牌督办事项';
COMMENT ON COLUMN escalation.major_hazard_listing_source.kind IS 'major_hazard_listed. 预警类型';
COMMENT ON COLUMN escalation.major_hazard_listing_source.subject_id IS 'The hazard. 隐患编号';
COMMENT ON COLUMN escalation.major_hazard_listing_source.origin IS 'Level of the finding department, else of the unit''s supervision. 事项来源层级';
COMMENT ON COLUMN escalation.major_hazard_listing_source.started_at IS 'The governance plan''s deadline (rectify_deadline; kept by an extension granted after a warning). 治理期限';
COMMENT ON COLUMN escalation.major_hazard_listing_source.start_set_at IS 'When the deadline was last set. 期限设定时间';
COMMENT ON COLUMN escalation.major_hazard_listing_source.handled_at IS 'When it was closed (销号). 销号时间';
COMMENT ON COLUMN escalation.major_hazard_listing_source.handled_reason IS 'closed. 处理方式';
COMMENT ON COLUMN escalation.major_hazard_listing_source.withdrawn_at IS 'Always NULL: a confirmed grade does not change. 撤销时间';
COMMENT ON COLUMN escalation.major_hazard_listing_source.unit_id IS 'The unit, if any. 生产经营单位';
COMMENT ON COLUMN escalation.major_hazard_listing_source.department_id IS 'The department that found it. 发现部门';
COMMENT ON COLUMN escalation.major_hazard_listing_source.region IS 'The unit''s region, else the department''s. 所属区划';

DO $install$
BEGIN
	EXECUTE 'CREATE TRIGGER hazard_listing_track_insert AFTER INSERT ON escalation.hazard REFERENCING NEW TABLE AS new_rows '
			'FOR EACH STATEMENT EXECUTE FUNCTION escalation_internal.track_source(''id'', ''major_hazard_listed'')';
	EXECUTE 'CREATE TRIGGER hazard_listing_track_update AFTER UPDATE ON escalation.hazard REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows '
			'FOR EACH STATEMENT EXECUTE FUNCTION escalation_internal.track_source(''id'', ''major_hazard_listed'')';
	EXECUTE 'CREATE TRIGGER hazard_listing_track_delete AFTER DELETE ON escalation.hazard REFERENCING OLD TABLE AS old_rows '
			'FOR EACH STATEMENT EXECUTE FUNCTION escalation_internal.track_source(''id'', ''major_hazard_listed'')';
	EXECUTE 'CREATE TRIGGER hazard_listing_track_truncate AFTER TRUNCATE ON escalation.hazard '
			'FOR EACH STATEMENT EXECUTE FUNCTION escalation_internal.track_source(''id'', ''major_hazard_listed'')';
END
$install$;

------------------------------------------------------------------------------
-- Closed only by the listing authority (销号)
------------------------------------------------------------------------------

-- Trigger: a listed major hazard is closed only by a role of the city's
-- work-safety committee office (escalation.user_department).
CREATE FUNCTION escalation_internal.major_hazard_close_check() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, escalation, pg_temp AS
$$
DECLARE
	who name := escalation.acting_role();
	city escalation.region;
BEGIN
	IF escalation.restoring() OR NEW.grade <> 'major' OR NEW.closed_at IS NULL OR OLD.closed_at IS NOT NULL
	   OR EXISTS (SELECT 1 FROM pg_catalog.pg_roles r WHERE r.rolname = who AND r.rolsuper) THEN
		RETURN NEW;
	END IF;
	city := escalation.hazard_city(NEW);
	IF NOT EXISTS (SELECT 1 FROM escalation.user_department ud
				   JOIN escalation.department d ON d.id = ud.department_id
				   WHERE ud.role_name = who AND d.kind = 'safety_committee_office' AND d.level = 'city'
					 AND d.region = city) THEN
		RAISE EXCEPTION 'role "%" cannot close hazard %: it is a major accident hazard listed for supervision by city %', who, NEW.id,
				coalesce((SELECT v.name FROM escalation.division v WHERE v.code = city), city::text)
			USING ERRCODE = 'insufficient_privilege',
				  DETAIL = format('Hazard %s was confirmed major at %s and listed for supervision (挂牌督办); only the listing authority closes it (销号).',
								  NEW.id, NEW.confirmed_at),
				  HINT = format('A role of the work-safety committee office (安委会办公室) of city %s, mapped in escalation.user_department, closes it.', city);
	END IF;
	RETURN NEW;
END
$$;
COMMENT ON FUNCTION escalation_internal.major_hazard_close_check() IS
	'Trigger: refuses (insufficient_privilege, naming the hazard) to close a confirmed major hazard unless the caller works for the city''s work-safety committee office, the listing authority (挂牌督办销号). 重大事故隐患销号校验';
CREATE TRIGGER hazard_major_close_check BEFORE UPDATE OF closed_at ON escalation.hazard
	FOR EACH ROW EXECUTE FUNCTION escalation_internal.major_hazard_close_check();

------------------------------------------------------------------------------
-- Privileges
------------------------------------------------------------------------------

GRANT SELECT ON escalation.major_hazard_listing_source TO escalation_admin, escalation_analyst;
REVOKE ALL ON FUNCTION escalation.hazard_city(escalation.hazard), escalation_internal.major_hazard_close_check() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION escalation.hazard_city(escalation.hazard) TO escalation_admin, escalation_analyst;
