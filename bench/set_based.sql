-- bench/set_based.sql — the same ladders written as a competent DBA would in
-- plain set-based SQL, for comparison with the C engine: every run computes
-- the due stages of all items from the source tables and the rules, skips
-- those already raised, inserts the rest in one statement, and resolves the
-- warnings of handled items in another. Same warning table, same lock, same
-- NOTIFY; no per-item tracking. Like the engine it relies on the lock, not
-- on ON CONFLICT, to skip stages already raised. (It covers raising and
-- handling; the benchmark's data has no rescheduled or withdrawn items.)
\set ON_ERROR_STOP 1
CREATE SCHEMA IF NOT EXISTS bench;

CREATE OR REPLACE FUNCTION bench.set_based_run(as_of timestamptz) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, escalation AS
$$
DECLARE
	raised bigint;
	resolved bigint;
	first_event bigint;
	last_event bigint;
BEGIN
	PERFORM escalation.lock_event_stream();

	DROP TABLE IF EXISTS set_based_item;
	CREATE TEMP TABLE set_based_item (
		kind escalation.warning_kind, subject_id bigint, origin escalation.level, started_at timestamptz,
		handled_at timestamptz, handled_reason escalation.warning_resolution, unit_id bigint,
		department_id bigint, region escalation.region);

	-- Every item whose first stage can be due by as_of, with its episode.
	INSERT INTO set_based_item
	SELECT 'hazard_overdue'::escalation.warning_kind, h.id, CASE WHEN d.level = 'city' THEN 'city' ELSE 'district' END::escalation.level,
		h.rectify_deadline, h.closed_at, 'closed'::escalation.warning_resolution, h.unit_id, h.found_by, u.region
	FROM escalation.hazard h
	JOIN escalation.unit u ON u.id = h.unit_id
	JOIN escalation.department d ON d.id = h.found_by
	WHERE h.needs_recheck AND h.grade IN ('general', 'not_major') AND h.rectify_deadline <= as_of
	UNION ALL
	SELECT 'major_hazard', h.id, CASE WHEN d.level = 'city' THEN 'city' ELSE 'district' END::escalation.level,
		h.found_at, least(h.confirmed_at, h.closed_at),
		CASE WHEN h.confirmed_at IS NULL OR h.closed_at < h.confirmed_at THEN 'closed'
			 WHEN h.grade = 'not_major' THEN 'ruled_out' ELSE 'confirmed' END::escalation.warning_resolution,
		h.unit_id, h.found_by, u.region
	FROM escalation.hazard h
	JOIN escalation.unit u ON u.id = h.unit_id
	JOIN escalation.department d ON d.id = h.found_by
	WHERE h.grade <> 'general' AND h.found_at <= as_of
	UNION ALL
	SELECT 'clue', c.id, CASE WHEN d.level = 'city' THEN 'city' ELSE 'district' END::escalation.level,
		c.transferred_at, c.handled_at, 'handled', c.unit_id, c.from_department, coalesce(u.region, d.region)
	FROM escalation.clue c
	JOIN escalation.department d ON d.id = c.from_department
	LEFT JOIN escalation.unit u ON u.id = c.unit_id
	WHERE c.transferred_at <= as_of
	UNION ALL
	SELECT 'licence_expired', l.id, CASE WHEN u.supervision_level = 'city' THEN 'city' ELSE 'district' END::escalation.level,
		escalation.licence_expires_at(l.valid_until), l.superseded_at, 'renewed', l.unit_id, NULL, u.region
	FROM escalation.licence l
	JOIN escalation.unit u ON u.id = l.unit_id
	WHERE l.safety_licence AND l.valid_until < as_of::date
	UNION ALL
	-- Dual prevention: one episode per enrolment and per normal run, ended by the next run.
	SELECT 'dual_prevention_idle', e.unit_id, CASE WHEN u.supervision_level = 'city' THEN 'city' ELSE 'district' END::escalation.level,
		e.started_at, e.next_run, 'ran', e.unit_id, NULL, u.region
	FROM (
		SELECT s.unit_id, s.started_at, lead(s.started_at) OVER (PARTITION BY s.unit_id ORDER BY s.started_at) AS next_run
		FROM (SELECT p.unit_id, p.since AS started_at FROM escalation.dual_prevention p
			  UNION
			  SELECT r.unit_id, r.ran_at FROM escalation.dp_run r
			  JOIN escalation.dual_prevention p ON p.unit_id = r.unit_id AND r.ran_at > p.since) s
	) e
	JOIN escalation.unit u ON u.id = e.unit_id
	WHERE e.started_at <= as_of;
	ANALYZE set_based_item;

	-- The stages due and not handled by their due time, not raised before;
	-- when a stage falls due and whether it fires is the engine's arithmetic
	-- (escalation.stage_due_at, escalation.stage_fires: src/ladder.c).
	WITH ladder AS (
		SELECT r.kind, r.origin, r.stage, r.screen, r.action, o.due_after
		FROM escalation.rule r JOIN escalation.rule_offset o USING (kind, origin, stage)
	), due AS (
		SELECT i.*, l.stage, l.screen, l.action, t.due_at
		FROM set_based_item i
		JOIN ladder l ON l.kind = i.kind AND l.origin = i.origin
		CROSS JOIN LATERAL (SELECT escalation.stage_due_at(i.started_at, l.due_after) AS due_at) t
		WHERE t.due_at <= as_of AND escalation.stage_fires(t.due_at, i.handled_at, NULL)
	), raised_rows AS (
		INSERT INTO escalation.warning AS w (kind, subject_id, started_at, stage, origin, screen, screen_region,
			action, due_at, raised_at, region, district, unit_id, department_id)
		SELECT d.kind, d.subject_id, d.started_at, d.stage, d.origin,
			CASE WHEN d.screen = 'district' AND escalation.region_district(d.region) IS NOT NULL
				 THEN 'district' ELSE 'city' END::escalation.level,
			CASE WHEN d.screen = 'district' AND escalation.region_district(d.region) IS NOT NULL
				 THEN escalation.region_district(d.region) ELSE escalation.region_city(d.region) END,
			d.action, d.due_at, clock_timestamp(), d.region, escalation.region_district(d.region), d.unit_id, d.department_id
		FROM due d
		WHERE NOT EXISTS (SELECT 1 FROM escalation.warning x
						  WHERE x.kind = d.kind AND x.subject_id = d.subject_id
							AND x.started_at = d.started_at AND x.stage = d.stage)
		RETURNING w.id
	)
	SELECT count(*), min(id), max(id) INTO raised, first_event, last_event FROM raised_rows;

	-- Warnings of items handled by as_of are resolved.
	WITH resolved_rows AS (
		UPDATE escalation.warning w
		SET resolved_at = i.handled_at, resolved_reason = i.handled_reason,
			resolved_seq = nextval('escalation.warning_event_seq')
		FROM set_based_item i
		WHERE i.handled_at <= as_of AND w.resolved_at IS NULL
		  AND w.kind = i.kind AND w.subject_id = i.subject_id AND w.started_at = i.started_at
		RETURNING w.resolved_seq
	)
	SELECT count(*) INTO resolved FROM resolved_rows;

	IF raised + resolved > 0 THEN
		PERFORM pg_notify('escalation_warning', coalesce(first_event, 0) || '-' || coalesce(last_event, 0));
	END IF;
	DROP TABLE set_based_item;
	RETURN raised;
END
$$;
COMMENT ON FUNCTION bench.set_based_run(timestamptz) IS
	'The ten ladders in plain set-based SQL, for the benchmark: raises every due stage from the source tables and resolves handled items; returns the number raised.';
