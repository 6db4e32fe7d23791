-- The engine's work list (预警事项跟踪): every item that can climb a ladder, read
-- from the source tables; the tracked items and the stages they wait for, kept
-- in step with the sources and the rules by triggers, so that a run touches only
-- due work.

------------------------------------------------------------------------------
-- Items and their tracking (预警事项跟踪): what a run looks at
------------------------------------------------------------------------------

-- When a licence valid until a date expires (escalation.timezone, src/engine_time.c).
CREATE FUNCTION escalation.licence_expires_at(valid_until date) RETURNS timestamptz
AS 'MODULE_PATHNAME', 'escalation_licence_expires_at'
LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION escalation.licence_expires_at(date) IS
	'When a licence valid until a date expires: the start of the next day in escalation.timezone. 证件逾期时间';

-- Origin level of an item from the level of its department or unit.
CREATE FUNCTION escalation.item_origin(level escalation.level) RETURNS escalation.level
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN CASE WHEN level = 'city' THEN 'city'::escalation.level ELSE 'district'::escalation.level END;
COMMENT ON FUNCTION escalation.item_origin(escalation.level) IS
	'Origin of an item from its department''s or unit''s level: city stays city, district and street are district. 事项来源层级';

-- When a unit runs dual prevention normally again after an idle episode that begins at or after a time.
CREATE FUNCTION escalation.dp_first_run_after(unit_id bigint, after timestamptz) RETURNS timestamptz
LANGUAGE sql STABLE PARALLEL SAFE
BEGIN ATOMIC
	SELECT e.handled_at FROM escalation.dp_idle_episode(dp_first_run_after.unit_id, after) e;
END;
COMMENT ON FUNCTION escalation.dp_first_run_after(bigint, timestamptz) IS
	'When the unit runs dual prevention normally again (its enrolment, its next run, or its check tasks back within the share) after the idle episode that begins at or after a time (escalation.dp_idle_episode), NULL if it has not. 此后首次正常运行时间';

-- The items of the handling timers (处置时限, 57_handling_timers.sql, which
-- defines this view): declared here with its columns, empty, so that
-- item_source can read it before the handling tables exist.
CREATE VIEW escalation.handling_timer_source AS
	SELECT NULL::escalation.warning_kind AS kind, NULL::bigint AS subject_id, NULL::escalation.level AS origin,
		NULL::timestamptz AS started_at, NULL::timestamptz AS start_set_at, NULL::timestamptz AS handled_at,
		NULL::escalation.warning_resolution AS handled_reason, NULL::timestamptz AS withdrawn_at,
		NULL::bigint AS unit_id, NULL::bigint AS department_id, NULL::escalation.region AS region
	WHERE false;

-- The confirmed major hazards listed for supervision (挂牌督办,
-- 57_major_hazard_listing.sql, which defines this view), declared likewise.
CREATE VIEW escalation.major_hazard_listing_source AS
	SELECT NULL::escalation.warning_kind AS kind, NULL::bigint AS subject_id, NULL::escalation.level AS origin,
		NULL::timestamptz AS started_at, NULL::timestamptz AS start_set_at, NULL::timestamptz AS handled_at,
		NULL::escalation.warning_resolution AS handled_reason, NULL::timestamptz AS withdrawn_at,
		NULL::bigint AS unit_id, NULL::bigint AS department_id, NULL::escalation.region AS region
	WHERE false;

-- Every item that can climb a ladder, from the source tables.
CREATE VIEW escalation.item_source AS
	SELECT i.kind, i.subject_id, i.origin, i.started_at, i.start_set_at, i.handled_at, i.handled_reason, i.withdrawn_at, i.unit_id,
		i.department_id, i.region, escalation.region_district(i.region) AS district,
		escalation.region_city(i.region) AS city
	FROM (
		SELECT 'hazard_overdue'::escalation.warning_kind AS kind, h.id AS subject_id,
			escalation.item_origin(coalesce(d.level, u.supervision_level)) AS origin,
			-- Rectified by the deadline: the department's re-inspection is due
			-- (逾期未复查); else the unit's deadline (逾期未整改).
			CASE WHEN h.needs_recheck AND h.status <> 'rectifying'
					  AND h.rectified_at <= coalesce(x.ladder_start, h.rectify_deadline)
				 THEN escalation.stage_due_at(h.rectified_at,
						(SELECT l.span FROM escalation.rule_limit l WHERE l.name = 'hazard_recheck_within'))
				 ELSE coalesce(x.ladder_start, h.rectify_deadline) END AS started_at,
			h.deadline_set_at AS start_set_at,
			CASE WHEN h.needs_recheck THEN h.closed_at ELSE least(h.closed_at, h.rectified_at) END AS handled_at,
			'closed'::escalation.warning_resolution AS handled_reason, NULL::timestamptz AS withdrawn_at,
			h.unit_id, h.found_by AS department_id, coalesce(u.region, d.region) AS region
		FROM escalation.hazard h
		LEFT JOIN escalation.unit u ON u.id = h.unit_id
		LEFT JOIN escalation.department d ON d.id = h.found_by
		-- An extension granted after a warning keeps the ladder's start.
		LEFT JOIN LATERAL (
			SELECT e.ladder_start FROM escalation.hazard_extension e
			WHERE e.hazard_id = h.id AND e.approved AND e.granted_deadline = h.rectify_deadline
			ORDER BY e.id DESC LIMIT 1) x ON true
		WHERE h.grade IN ('general', 'not_major') AND isfinite(h.rectify_deadline)
		UNION ALL
		SELECT 'major_hazard', h.id,
			escalation.item_origin(coalesce(d.level, u.supervision_level)),
			h.found_at, NULL, least(h.confirmed_at, h.closed_at),
			CASE WHEN h.confirmed_at IS NULL OR h.closed_at < h.confirmed_at THEN 'closed'
				 WHEN h.grade = 'not_major' THEN 'ruled_out'
				 ELSE 'confirmed' END::escalation.warning_resolution, NULL,
			h.unit_id, h.found_by, coalesce(u.region, d.region)
		FROM escalation.hazard h
		LEFT JOIN escalation.unit u ON u.id = h.unit_id
		LEFT JOIN escalation.department d ON d.id = h.found_by
		WHERE h.grade <> 'general' AND isfinite(h.found_at)
		UNION ALL
		SELECT 'clue', c.id,
			escalation.item_origin(coalesce(d.level, u.supervision_level)),
			-- A forwarded clue's clock runs from the first transfer of its chain.
			CASE WHEN c.forwarded_from IS NULL THEN c.transferred_at ELSE (escalation.clue_chain(c.id)).started_at END,
			NULL, c.handled_at, 'handled', NULL,
			c.unit_id, c.from_department, coalesce(u.region, d.region)
		FROM escalation.clue c
		LEFT JOIN escalation.unit u ON u.id = c.unit_id
		LEFT JOIN escalation.department d ON d.id = c.from_department
		WHERE isfinite(c.transferred_at)
		UNION ALL
		SELECT 'licence_expired', l.id, escalation.item_origin(u.supervision_level),
			escalation.licence_expires_at(l.valid_until), NULL, l.superseded_at, 'renewed', NULL,
			l.unit_id, NULL::bigint, u.region
		FROM escalation.licence l
		JOIN escalation.unit u ON u.id = l.unit_id
		WHERE l.safety_licence AND isfinite(l.valid_until)
		UNION ALL
		-- Enrolled units, and units §12 obliged before they enrolled (49_dual_prevention_running.sql).
		SELECT 'dual_prevention_idle', u.id, escalation.item_origin(u.supervision_level),
			e.started_at, p.since, e.handled_at, 'ran', p.withdrawn_at,
			u.id, NULL::bigint, u.region
		FROM escalation.unit u
		LEFT JOIN escalation.dual_prevention p ON p.unit_id = u.id
		LEFT JOIN escalation.dp_obligation o ON o.unit_id = u.id
		CROSS JOIN LATERAL escalation.dp_idle_episode(u.id, least(p.since, o.obliged_since)) e
		WHERE (p.unit_id IS NOT NULL OR o.unit_id IS NOT NULL) AND isfinite(least(p.since, o.obliged_since))
		UNION ALL
		SELECT * FROM escalation.handling_timer_source
		UNION ALL
		SELECT * FROM escalation.major_hazard_listing_source
	) i
	WHERE i.region IS NOT NULL;
COMMENT ON VIEW escalation.item_source IS
	'Every item that can climb a warning ladder, read from the hazards, clues, licences, dual-prevention enrolments, the units §12 obliges, the handling of warnings (escalation.handling_timer_source) and the listed major hazards (escalation.major_hazard_listing_source): its origin, start, handling and region. The engine tracks it in escalation.tracked_item. 预警事项来源';
COMMENT ON COLUMN escalation.item_source.kind IS 'Kind of warning the item climbs. 预警类型';
COMMENT ON COLUMN escalation.item_source.subject_id IS 'Hazard, clue or licence id, unit id for dual prevention, warning id for handling_sign, the dispatch or return step''s id for handling_reply. 事项编号';
COMMENT ON COLUMN escalation.item_source.origin IS 'city or district: the level of the finding/transferring department, else of the unit''s supervision. 事项来源层级';
COMMENT ON COLUMN escalation.item_source.started_at IS 'Start of the ladder: rectification deadline (kept by an extension granted after a warning), or for a hazard rectified by it the re-inspection deadline (rule_limit hazard_recheck_within after the rectification), discovery, transfer (the first of a forwarding chain), licence expiry, or for dual prevention the start of the first idle episode from the enrolment or the obligation (escalation.dp_idle_episode). 起算时间';
COMMENT ON COLUMN escalation.item_source.start_set_at IS 'When the start was last set, where the data records it (a hazard''s deadline extension, a re-enrolment); a moved start resolves the old start''s warnings at this time, else when the move is seen. 起算时间设定时间';
COMMENT ON COLUMN escalation.item_source.handled_at IS 'When it was handled (a hazard: closed, or rectified when it needs no re-inspection; dual prevention: when the unit runs normally again, escalation.dp_first_run_after). 处理时间';
COMMENT ON COLUMN escalation.item_source.handled_reason IS 'How it is handled. 处理方式';
COMMENT ON COLUMN escalation.item_source.withdrawn_at IS 'When it stopped being watched although it still exists (a unit withdrawn from dual prevention management). 撤销时间';
COMMENT ON COLUMN escalation.item_source.unit_id IS 'The unit, if any. 生产经营单位';
COMMENT ON COLUMN escalation.item_source.department_id IS 'The finding or transferring department, if any. 发现/移交部门';
COMMENT ON COLUMN escalation.item_source.region IS 'The unit''s region, else the department''s. 所属区划';
COMMENT ON COLUMN escalation.item_source.district IS 'District of the region (NULL for a city department''s item without a unit). 所属区县';
COMMENT ON COLUMN escalation.item_source.city IS 'City of the region. 所属城市';

-- One row per item that a run may still have to look at.
CREATE TABLE escalation.tracked_item (
	kind escalation.warning_kind NOT NULL,
	subject_id bigint NOT NULL,
	started_at timestamptz NOT NULL,
	start_set_at timestamptz,
	handled_at timestamptz,
	withdrawn_at timestamptz,
	superseded_at timestamptz,
	next_due_at timestamptz,
	unit_id bigint,
	department_id bigint,
	origin escalation.level NOT NULL,
	handled_reason escalation.warning_resolution,
	region escalation.region NOT NULL,
	district escalation.region,
	city escalation.region NOT NULL,
	CONSTRAINT tracked_item_pkey PRIMARY KEY (subject_id, kind)
);
CREATE INDEX tracked_item_next_due_idx ON escalation.tracked_item (next_due_at) WHERE next_due_at IS NOT NULL;
CREATE INDEX tracked_item_region_idx ON escalation.tracked_item (region);
COMMENT ON TABLE escalation.tracked_item IS
	'The engine''s work list (预警事项跟踪): one row per open item, kept by triggers on the source tables; its stages waiting to fall due are rows of escalation.stage_due, and next_due_at says when its handling, withdrawal or moved start must be dealt with. A run reads only what is due, through indexes. Rebuilt from the sources by escalation.resync_items().';
COMMENT ON COLUMN escalation.tracked_item.kind IS 'Kind of warning. 预警类型';
COMMENT ON COLUMN escalation.tracked_item.subject_id IS 'The item''s id (unit id for dual prevention). 事项编号';
COMMENT ON COLUMN escalation.tracked_item.started_at IS 'Start of the current episode of the ladder. 本轮起算时间';
COMMENT ON COLUMN escalation.tracked_item.start_set_at IS 'When the source data says its start was last set (a deadline extension), if it says. 起算时间设定时间';
COMMENT ON COLUMN escalation.tracked_item.handled_at IS 'When the current episode was handled, if it was. 处理时间';
COMMENT ON COLUMN escalation.tracked_item.withdrawn_at IS 'When the item stopped qualifying (deleted, regraded, ...), if it did. 撤销时间';
COMMENT ON COLUMN escalation.tracked_item.superseded_at IS 'When the start moved while warnings of the old start were active; they are resolved as rescheduled then. 起算时间变更时间';
COMMENT ON COLUMN escalation.tracked_item.next_due_at IS 'When a run must next deal with the item itself: its handling (to resolve its warnings, or to start the next idle episode of dual prevention), its withdrawal or its moved start; NULL when nothing but its stages can happen until its data changes. 下次处理时间';
COMMENT ON COLUMN escalation.tracked_item.unit_id IS 'The unit, if any. 生产经营单位';
COMMENT ON COLUMN escalation.tracked_item.department_id IS 'The finding or transferring department, if any. 发现/移交部门';
COMMENT ON COLUMN escalation.tracked_item.origin IS 'Which ladder of the kind the item climbs. 事项来源层级';
COMMENT ON COLUMN escalation.tracked_item.handled_reason IS 'How it is handled. 处理方式';
COMMENT ON COLUMN escalation.tracked_item.region IS 'The item''s region. 所属区划';
COMMENT ON COLUMN escalation.tracked_item.district IS 'Its district: the screen of district stages. 所属区县';
COMMENT ON COLUMN escalation.tracked_item.city IS 'Its city: the screen of city stages. 所属城市';
SELECT pg_catalog.pg_extension_config_dump('escalation.tracked_item', '');

-- The stages an item still waits for (预警级次排程): one row per stage of its
-- current episode that is not raised yet and can still fire, with what its
-- warning needs of the item, rewritten whenever the item or its ladder
-- changes. A run raises the rows that fell due and deletes them; raising a
-- stage reads and writes nothing else of the item.
CREATE TABLE escalation.stage_due (
	kind escalation.warning_kind NOT NULL,
	subject_id bigint NOT NULL,
	started_at timestamptz NOT NULL,
	stage smallint NOT NULL,
	due_at timestamptz NOT NULL,
	fires_until timestamptz,
	origin escalation.level NOT NULL,
	unit_id bigint,
	department_id bigint,
	region escalation.region NOT NULL,
	district escalation.region,
	city escalation.region NOT NULL,
	CONSTRAINT stage_due_pkey PRIMARY KEY (subject_id, kind, started_at, stage)
);
CREATE INDEX stage_due_due_at_idx ON escalation.stage_due (due_at);
COMMENT ON TABLE escalation.stage_due IS
	'The stages tracked items wait for (预警级次排程): one row per stage of an item''s current episode not raised yet and not ruled out by its handling or withdrawal. escalation.run() raises the rows due by as_of and deletes them; the tracking triggers rewrite an item''s rows when its data or its ladder changes.';
COMMENT ON COLUMN escalation.stage_due.kind IS 'Kind of warning. 预警类型';
COMMENT ON COLUMN escalation.stage_due.subject_id IS 'The item''s id (unit id for dual prevention). 事项编号';
COMMENT ON COLUMN escalation.stage_due.started_at IS 'Start of the episode the stage belongs to. 本轮起算时间';
COMMENT ON COLUMN escalation.stage_due.stage IS 'Stage number. 预警级次';
COMMENT ON COLUMN escalation.stage_due.due_at IS 'When the stage falls due: the start plus the delays of the ladder up to it. 应预警时间';
COMMENT ON COLUMN escalation.stage_due.fires_until IS 'The item''s handling or withdrawal, whichever comes first: the stage fires only if it falls due before then; NULL if neither is known. 有效截止时间';
COMMENT ON COLUMN escalation.stage_due.origin IS 'Which ladder of the kind the item climbs. 事项来源层级';
COMMENT ON COLUMN escalation.stage_due.unit_id IS 'The unit, if any. 生产经营单位';
COMMENT ON COLUMN escalation.stage_due.department_id IS 'The finding or transferring department, if any. 发现/移交部门';
COMMENT ON COLUMN escalation.stage_due.region IS 'The item''s region. 所属区划';
COMMENT ON COLUMN escalation.stage_due.district IS 'Its district: the screen of district stages. 所属区县';
COMMENT ON COLUMN escalation.stage_due.city IS 'Its city: the screen of city stages. 所属城市';
SELECT pg_catalog.pg_extension_config_dump('escalation.stage_due', '');

-- When a run must next deal with an item itself (its stages are rows of
-- escalation.stage_due): its handling, if a stage can have fired before it (to
-- resolve the warnings) or always for dual prevention (to start the next idle
-- episode); its withdrawal; the move of its start. first_due is the due time
-- of the item's first stage.
CREATE FUNCTION escalation.item_event_due(kind escalation.warning_kind, first_due timestamptz,
	handled_at timestamptz, withdrawn_at timestamptz, superseded_at timestamptz)
RETURNS timestamptz
AS 'MODULE_PATHNAME', 'escalation_item_event_due'
LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION escalation.item_event_due(escalation.warning_kind, timestamptz, timestamptz, timestamptz, timestamptz) IS
	'When a run must next deal with a tracked item itself (handling, withdrawal, moved start), NULL if only its stages can happen until its data changes. 下次处理时间';

-- The start an item's tracking keeps: dual prevention walks from episode to
-- episode (each normal run ends one), so a change of its data moves the start
-- only to the idle episode current from where the walk stands.
CREATE FUNCTION escalation.item_start(kind escalation.warning_kind, subject_id bigint, tracked timestamptz, source timestamptz)
RETURNS timestamptz
LANGUAGE sql STABLE PARALLEL SAFE
RETURN CASE WHEN kind = 'dual_prevention_idle' THEN escalation.dp_idle_start(subject_id, tracked, source) ELSE source END;
COMMENT ON FUNCTION escalation.item_start(escalation.warning_kind, bigint, timestamptz, timestamptz) IS
	'Start of an item''s current episode given the tracked and the source start. 本轮起算时间';

-- Recompute when runs must deal with tracked items (of one kind, optionally
-- one origin, optionally some subjects), drop the items nothing can happen to
-- any more, and rewrite their waiting stages from the rules in force.
CREATE FUNCTION escalation.retime_items(kind escalation.warning_kind, origin escalation.level, subjects bigint[])
RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, escalation, pg_temp AS
$$
DECLARE
	ladder escalation.level;
	first_due_after interval;
	gone bigint[];
BEGIN
	-- One ladder at a time: its first delay is a constant of the statement.
	FOREACH ladder IN ARRAY ARRAY['city', 'district']::escalation.level[] LOOP
		CONTINUE WHEN origin IS NOT NULL AND origin <> ladder;
		SELECT o.due_after INTO first_due_after
		FROM escalation.rule_offset o WHERE o.kind = retime_items.kind AND o.origin = ladder AND o.stage = 1;
		EXECUTE $q$
			UPDATE escalation.tracked_item t
			SET next_due_at = escalation.item_event_due(t.kind, escalation.stage_due_at(t.started_at, $4),
														 t.handled_at, t.withdrawn_at, t.superseded_at)
			WHERE t.kind = $1 AND t.origin = $2 AND ($3 IS NULL OR t.subject_id = ANY ($3))
			  AND t.next_due_at IS DISTINCT FROM
				  escalation.item_event_due(t.kind, escalation.stage_due_at(t.started_at, $4),
											t.handled_at, t.withdrawn_at, t.superseded_at)
		$q$ USING kind, ladder, subjects, first_due_after;
	END LOOP;

	EXECUTE $q$
		WITH finished AS (
			DELETE FROM escalation.tracked_item t
			WHERE t.kind = $1 AND ($2 IS NULL OR t.origin = $2) AND ($3 IS NULL OR t.subject_id = ANY ($3))
			  AND t.next_due_at IS NULL AND (t.handled_at IS NOT NULL OR t.withdrawn_at IS NOT NULL)
			RETURNING t.subject_id)
		SELECT array_agg(subject_id) FROM finished
	$q$ INTO gone USING kind, origin, subjects;

	-- The waiting stages: those of the items' current episodes that are not
	-- raised and fall due before the item is handled or withdrawn.
	IF origin IS NULL THEN
		EXECUTE $q$
			DELETE FROM escalation.stage_due s WHERE s.kind = $1 AND ($2 IS NULL OR s.subject_id = ANY ($2))
		$q$ USING kind, subjects;
	ELSE
		EXECUTE $q$
			DELETE FROM escalation.stage_due s
			WHERE s.kind = $1 AND (s.subject_id = ANY ($3)
				OR EXISTS (SELECT 1 FROM escalation.tracked_item t
						   WHERE t.subject_id = s.subject_id AND t.kind = s.kind AND t.origin = $2))
		$q$ USING kind, origin, gone;
	END IF;
	EXECUTE $q$
		INSERT INTO escalation.stage_due (kind, subject_id, started_at, stage, due_at, fires_until, origin,
			unit_id, department_id, region, district, city)
		SELECT t.kind, t.subject_id, t.started_at, o.stage, escalation.stage_due_at(t.started_at, o.due_after),
			least(t.handled_at, t.withdrawn_at), t.origin, t.unit_id, t.department_id, t.region, t.district, t.city
		FROM escalation.tracked_item t
		JOIN escalation.rule_offset o ON o.kind = t.kind AND o.origin = t.origin
		WHERE t.kind = $1 AND ($2 IS NULL OR t.origin = $2) AND ($3 IS NULL OR t.subject_id = ANY ($3))
		  AND escalation.stage_fires(escalation.stage_due_at(t.started_at, o.due_after), t.handled_at, t.withdrawn_at)
		  AND NOT EXISTS (SELECT 1 FROM escalation.warning w
						  WHERE w.subject_id = t.subject_id AND w.kind = t.kind
							AND w.started_at = t.started_at AND w.stage = o.stage)
	$q$ USING kind, origin, subjects;
END
$$;
COMMENT ON FUNCTION escalation.retime_items(escalation.warning_kind, escalation.level, bigint[]) IS
	'Recomputes when runs must deal with tracked items (all of a kind when origin and subjects are NULL), drops finished ones and rewrites their waiting stages. 重算下次处理时间与待预警级次';

-- Bring the tracking of items of a kind in line with the source tables.
CREATE FUNCTION escalation.sync_items(kind escalation.warning_kind, subjects bigint[])
RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, escalation, pg_temp AS
$$
BEGIN
	-- Items that qualify: insert, or update from the source. The tracked row is
	-- read under its lock (the ON CONFLICT branch), never from an older snapshot.
	EXECUTE $q$
		INSERT INTO escalation.tracked_item AS t
			(kind, subject_id, origin, started_at, start_set_at, handled_at, handled_reason, withdrawn_at,
			 unit_id, department_id, region, district, city)
		SELECT s.kind, s.subject_id, s.origin, s.started_at, s.start_set_at, s.handled_at, s.handled_reason, s.withdrawn_at,
			s.unit_id, s.department_id, s.region, s.district, s.city
		FROM escalation.item_source s
		WHERE s.kind = $1 AND ($2 IS NULL OR s.subject_id = ANY ($2))
		ON CONFLICT (kind, subject_id) DO UPDATE SET
			origin = EXCLUDED.origin,
			unit_id = EXCLUDED.unit_id,
			department_id = EXCLUDED.department_id,
			region = EXCLUDED.region,
			district = EXCLUDED.district,
			city = EXCLUDED.city,
			handled_reason = EXCLUDED.handled_reason,
			withdrawn_at = EXCLUDED.withdrawn_at,
			started_at = escalation.item_start(t.kind, t.subject_id, t.started_at, EXCLUDED.started_at),
			-- A moved start: the run resolves what the old start raised (an idle
			-- episode that raised nothing just moves on).
			superseded_at = CASE WHEN escalation.item_start(t.kind, t.subject_id, t.started_at, EXCLUDED.started_at) <> t.started_at
									  AND (t.kind <> 'dual_prevention_idle'
										   OR EXISTS (SELECT 1 FROM escalation.warning w
													  WHERE w.subject_id = t.subject_id AND w.kind = t.kind
														AND w.started_at = t.started_at AND w.resolved_at IS NULL))
								 THEN coalesce(t.superseded_at, EXCLUDED.start_set_at, now()) ELSE t.superseded_at END,
			start_set_at = EXCLUDED.start_set_at,
			handled_at = CASE WHEN t.kind = 'dual_prevention_idle'
							  THEN escalation.dp_first_run_after(t.subject_id,
									 escalation.item_start(t.kind, t.subject_id, t.started_at, EXCLUDED.started_at))
							  ELSE EXCLUDED.handled_at END
	$q$ USING kind, subjects;

	-- Items that no longer qualify: their active warnings are resolved as
	-- withdrawn by the next run; one with nothing raised or pending just goes.
	EXECUTE $q$
		WITH missing AS (
			-- A set difference, not a NOT EXISTS: right after a bulk load the
			-- planner knows too little to join a million rows well.
			SELECT t.subject_id FROM escalation.tracked_item t
			WHERE t.kind = $1 AND ($2 IS NULL OR t.subject_id = ANY ($2)) AND t.withdrawn_at IS NULL
			EXCEPT
			SELECT s.subject_id FROM escalation.item_source s
			WHERE s.kind = $1 AND ($2 IS NULL OR s.subject_id = ANY ($2))
		), gone AS (
			-- Idle: nothing raised in this episode, nothing due to raise or to deal with.
			SELECT t.kind, t.subject_id,
				t.superseded_at IS NULL AND (t.next_due_at IS NULL OR t.next_due_at > now())
				AND NOT EXISTS (SELECT 1 FROM escalation.warning w
								WHERE w.subject_id = t.subject_id AND w.kind = t.kind AND w.started_at = t.started_at)
				AND NOT EXISTS (SELECT 1 FROM escalation.stage_due s
								WHERE s.subject_id = t.subject_id AND s.kind = t.kind AND s.due_at <= now())
					AS idle
			FROM escalation.tracked_item t JOIN missing m ON m.subject_id = t.subject_id
			WHERE t.kind = $1
		), dropped AS (
			DELETE FROM escalation.tracked_item t USING gone g
			WHERE g.idle AND t.kind = g.kind AND t.subject_id = g.subject_id
		)
		UPDATE escalation.tracked_item t SET withdrawn_at = now()
		FROM gone g
		WHERE NOT g.idle AND t.kind = g.kind AND t.subject_id = g.subject_id
	$q$ USING kind, subjects;

	PERFORM escalation.retime_items(kind, NULL, subjects);
	-- The handling timers of the items' active warnings end with them.
	PERFORM escalation_internal.sync_handling_timers(kind, subjects);
END
$$;
COMMENT ON FUNCTION escalation.sync_items(escalation.warning_kind, bigint[]) IS
	'Brings the tracking of the given items of a kind (all when subjects is NULL) in line with the source tables. 同步预警事项';

-- Rebuild the tracking of every item from the source tables.
CREATE FUNCTION escalation.resync_items() RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, escalation, pg_temp AS
$$
DECLARE
	k escalation.warning_kind;
	n bigint;
BEGIN
	FOREACH k IN ARRAY enum_range(NULL::escalation.warning_kind) LOOP
		PERFORM escalation.sync_items(k, NULL);
	END LOOP;
	SELECT count(*) INTO n FROM escalation.tracked_item;
	RETURN n;
END
$$;
COMMENT ON FUNCTION escalation.resync_items() IS
	'Re-reads every item from the source tables into escalation.tracked_item and returns how many are tracked; use it after loading data with triggers disabled, after a restore, or after changing escalation.timezone. 重建预警事项跟踪';

-- Trigger (per statement) on a source table: re-sync the items it touched.
-- Arguments: the column that names the item, then the kinds the table feeds.
CREATE FUNCTION escalation_internal.track_source() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, escalation, pg_temp AS
$$
DECLARE
	subjects bigint[];
BEGIN
	-- A restore brings back the tracking rows themselves.
	IF escalation.restoring() THEN
		RETURN NULL;
	END IF;
	IF TG_OP = 'INSERT' THEN
		EXECUTE format('SELECT array_agg(DISTINCT n.%I) FROM new_rows n', TG_ARGV[0]) INTO subjects;
	ELSIF TG_OP = 'UPDATE' THEN
		EXECUTE format('SELECT array_agg(DISTINCT x.id) FROM (SELECT n.%1$I FROM new_rows n UNION SELECT o.%1$I FROM old_rows o) x(id)',
					   TG_ARGV[0]) INTO subjects;
	ELSIF TG_OP = 'DELETE' THEN
		EXECUTE format('SELECT array_agg(DISTINCT o.%I) FROM old_rows o', TG_ARGV[0]) INTO subjects;
	END IF;
	IF TG_OP <> 'TRUNCATE' AND subjects IS NULL THEN
		RETURN NULL;
	END IF;
	FOR i IN 1 .. TG_NARGS - 1 LOOP
		PERFORM escalation.sync_items(TG_ARGV[i]::escalation.warning_kind, subjects);
	END LOOP;
	RETURN NULL;
END
$$;
COMMENT ON FUNCTION escalation_internal.track_source() IS
	'Trigger on hazard, clue, licence, dual_prevention, dp_run, dp_check_task and dp_obligation: re-syncs the tracking of the items a statement touched. 预警事项同步触发器';

DO $install$
DECLARE
	src record;
BEGIN
	FOR src IN
		SELECT * FROM (VALUES
			('hazard', 'id', ARRAY['hazard_overdue', 'major_hazard']),
			('clue', 'id', ARRAY['clue']),
			('licence', 'id', ARRAY['licence_expired']),
			('dual_prevention', 'unit_id', ARRAY['dual_prevention_idle']),
			('dp_run', 'unit_id', ARRAY['dual_prevention_idle']),
			('dp_check_task', 'unit_id', ARRAY['dual_prevention_idle']),
			('dp_obligation', 'unit_id', ARRAY['dual_prevention_idle'])) AS s(tbl, col, kinds)
	LOOP
		EXECUTE format('CREATE TRIGGER %1$I AFTER INSERT ON escalation.%2$I REFERENCING NEW TABLE AS new_rows '
					   'FOR EACH STATEMENT EXECUTE FUNCTION escalation_internal.track_source(%3$L, %4$s)',
					   src.tbl || '_track_insert', src.tbl, src.col, array_to_string(array(SELECT quote_literal(k) FROM unnest(src.kinds) k), ', '));
		EXECUTE format('CREATE TRIGGER %1$I AFTER UPDATE ON escalation.%2$I REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows '
					   'FOR EACH STATEMENT EXECUTE FUNCTION escalation_internal.track_source(%3$L, %4$s)',
					   src.tbl || '_track_update', src.tbl, src.col, array_to_string(array(SELECT quote_literal(k) FROM unnest(src.kinds) k), ', '));
		EXECUTE format('CREATE TRIGGER %1$I AFTER DELETE ON escalation.%2$I REFERENCING OLD TABLE AS old_rows '
					   'FOR EACH STATEMENT EXECUTE FUNCTION escalation_internal.track_source(%3$L, %4$s)',
					   src.tbl || '_track_delete', src.tbl, src.col, array_to_string(array(SELECT quote_literal(k) FROM unnest(src.kinds) k), ', '));
		EXECUTE format('CREATE TRIGGER %1$I AFTER TRUNCATE ON escalation.%2$I '
					   'FOR EACH STATEMENT EXECUTE FUNCTION escalation_internal.track_source(%3$L, %4$s)',
					   src.tbl || '_track_truncate', src.tbl, src.col, array_to_string(array(SELECT quote_literal(k) FROM unnest(src.kinds) k), ', '));
	END LOOP;
END
$install$;

-- Trigger: a unit or department whose region or level changes moves its items
-- (their screens, and for units their origin).
CREATE FUNCTION escalation_internal.track_owner() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, escalation, pg_temp AS
$$
DECLARE
	k escalation.warning_kind;
	subjects bigint[];
BEGIN
	IF escalation.restoring() THEN
		RETURN NULL;
	END IF;
	FOREACH k IN ARRAY enum_range(NULL::escalation.warning_kind) LOOP
		IF TG_TABLE_NAME = 'unit' THEN
			subjects := ARRAY(SELECT s.subject_id FROM escalation.item_source s WHERE s.kind = k AND s.unit_id = NEW.id);
		ELSE
			subjects := ARRAY(SELECT s.subject_id FROM escalation.item_source s WHERE s.kind = k AND s.department_id = NEW.id);
		END IF;
		IF cardinality(subjects) > 0 THEN
			PERFORM escalation.sync_items(k, subjects);
		END IF;
	END LOOP;
	RETURN NULL;
END
$$;
COMMENT ON FUNCTION escalation_internal.track_owner() IS
	'Trigger on unit and department: when a region, supervision level or level changes, re-syncs the items that belong to it. 单位/部门变更同步预警事项';
CREATE TRIGGER unit_track_items AFTER UPDATE OF region, supervision_level ON escalation.unit
	FOR EACH ROW WHEN (OLD.region IS DISTINCT FROM NEW.region OR OLD.supervision_level IS DISTINCT FROM NEW.supervision_level)
	EXECUTE FUNCTION escalation_internal.track_owner();
CREATE TRIGGER department_track_items AFTER UPDATE OF region, level ON escalation.department
	FOR EACH ROW WHEN (OLD.region IS DISTINCT FROM NEW.region OR OLD.level IS DISTINCT FROM NEW.level)
	EXECUTE FUNCTION escalation_internal.track_owner();

-- Trigger (per statement) on rule_override: items on a changed ladder get
-- their next due time from the new rules.
CREATE FUNCTION escalation_internal.rule_retime() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, escalation, pg_temp AS
$$
DECLARE
	ladder record;
BEGIN
	FOR ladder IN EXECUTE
		CASE TG_OP
			WHEN 'INSERT' THEN 'SELECT DISTINCT kind, origin FROM new_rows'
			WHEN 'DELETE' THEN 'SELECT DISTINCT kind, origin FROM old_rows'
			ELSE 'SELECT kind, origin FROM new_rows UNION SELECT kind, origin FROM old_rows'
		END
	LOOP
		PERFORM escalation.retime_items(ladder.kind, ladder.origin, NULL);
	END LOOP;
	RETURN NULL;
END
$$;
COMMENT ON FUNCTION escalation_internal.rule_retime() IS
	'Trigger: after a change of the rules, items on the changed ladders get their next due time from the new rules. 规则变更后重算';
CREATE TRIGGER rule_retime_insert AFTER INSERT ON escalation.rule_override
	REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION escalation_internal.rule_retime();
CREATE TRIGGER rule_retime_update AFTER UPDATE ON escalation.rule_override
	REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION escalation_internal.rule_retime();
CREATE TRIGGER rule_retime_delete AFTER DELETE ON escalation.rule_override
	REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION escalation_internal.rule_retime();

------------------------------------------------------------------------------
-- Row-level security and privileges
------------------------------------------------------------------------------

SELECT escalation.enable_region_security('escalation.tracked_item');

GRANT SELECT ON escalation.tracked_item TO escalation_admin, escalation_user, escalation_analyst;
GRANT SELECT ON escalation.item_source, escalation.stage_due TO escalation_admin, escalation_analyst;

REVOKE ALL ON FUNCTION
	escalation.licence_expires_at(date), escalation.item_origin(escalation.level),
	escalation.dp_first_run_after(bigint, timestamptz),
	escalation.item_event_due(escalation.warning_kind, timestamptz, timestamptz, timestamptz, timestamptz),
	escalation.item_start(escalation.warning_kind, bigint, timestamptz, timestamptz),
	escalation.retime_items(escalation.warning_kind, escalation.level, bigint[]),
	escalation.sync_items(escalation.warning_kind, bigint[]), escalation.resync_items(),
	escalation_internal.track_source(), escalation_internal.track_owner(), escalation_internal.rule_retime()
FROM PUBLIC;
GRANT EXECUTE ON FUNCTION escalation.resync_items() TO escalation_admin;
GRANT EXECUTE ON FUNCTION escalation.licence_expires_at(date), escalation.item_origin(escalation.level),
	escalation.dp_first_run_after(bigint, timestamptz)
	TO escalation_admin, escalation_user, escalation_analyst;
-- The stage arithmetic: PUBLIC may not run it, the platform's readers may.
REVOKE ALL ON FUNCTION escalation.stage_due_at(timestamptz, interval),
	escalation.stage_fires(timestamptz, timestamptz, timestamptz)
FROM PUBLIC;
GRANT EXECUTE ON FUNCTION escalation.stage_due_at(timestamptz, interval),
	escalation.stage_fires(timestamptz, timestamptz, timestamptz)
	TO escalation_admin, escalation_user, escalation_analyst;
