-- escalation 0.1.0 → 0.2.0 (升级脚本)
--
-- Every schema change of release 0.2.0, in the order it was made. The fresh
-- install script (sql/parts/) and this script must give the same extension:
-- test/scripts/74_upgrade.sh installs 0.1.0 with data, walks this script and
-- compares the result with a fresh install of 0.2.0.
\echo Use "ALTER EXTENSION escalation UPDATE TO '0.2.0'" to load this file. \quit

------------------------------------------------------------------------------
-- Engine: one definition of the stage arithmetic (src/ladder.c), used by the
-- engine and by the SQL that keeps its work list; the C functions' symbols
-- carry the prefix escalation_ (the library keeps the old names for 0.1.0).
------------------------------------------------------------------------------

CREATE FUNCTION escalation.stage_due_at(started_at timestamptz, due_after interval) RETURNS timestamptz
AS 'MODULE_PATHNAME', 'escalation_stage_due_at'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION escalation.stage_due_at(timestamptz, interval) IS
	'When a stage falls due: the item''s start plus the stage''s offset (days of 24 hours), infinity past the end of time. 应预警时间';

CREATE FUNCTION escalation.stage_fires(due_at timestamptz, handled_at timestamptz, withdrawn_at timestamptz)
RETURNS boolean
AS 'MODULE_PATHNAME', 'escalation_stage_fires'
LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION escalation.stage_fires(timestamptz, timestamptz, timestamptz) IS
	'Whether a stage due at due_at fires: the item was not handled or withdrawn at or before it (NULL: not yet). 级次是否触发';

CREATE OR REPLACE VIEW escalation.rule_offset AS
	SELECT r.kind, r.origin, r.stage,
		sum(r.delay) OVER (PARTITION BY r.kind, r.origin ORDER BY r.stage) AS due_after
	FROM escalation.rule r;
COMMENT ON VIEW escalation.rule_offset IS
	'For each stage in force, how long after the item''s start it falls due (sum of the delays up to it); the due time is escalation.stage_due_at(start, due_after), a day counting as 24 hours. 预警级次起算间隔';

CREATE OR REPLACE FUNCTION escalation.item_event_due(kind escalation.warning_kind, first_due timestamptz,
	handled_at timestamptz, withdrawn_at timestamptz, superseded_at timestamptz)
RETURNS timestamptz
AS 'MODULE_PATHNAME', 'escalation_item_event_due'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE OR REPLACE FUNCTION escalation.retime_items(kind escalation.warning_kind, origin escalation.level, subjects bigint[])
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

CREATE OR REPLACE FUNCTION escalation.licence_expires_at(valid_until date) RETURNS timestamptz
AS 'MODULE_PATHNAME', 'escalation_licence_expires_at'
LANGUAGE C STABLE STRICT PARALLEL SAFE;

CREATE OR REPLACE FUNCTION escalation.run(as_of timestamptz DEFAULT now()) RETURNS bigint
AS 'MODULE_PATHNAME', 'escalation_run'
LANGUAGE C VOLATILE SECURITY DEFINER SET search_path = pg_catalog, escalation, pg_temp
SET enable_hashjoin = off SET enable_mergejoin = off SET jit = off;

CREATE OR REPLACE FUNCTION escalation.lock_event_stream() RETURNS void
AS 'MODULE_PATHNAME', 'escalation_lock_event_stream'
LANGUAGE C VOLATILE;

CREATE OR REPLACE FUNCTION escalation.acknowledge(warning_id bigint, note text DEFAULT NULL) RETURNS bigint
AS 'MODULE_PATHNAME', 'escalation_acknowledge'
LANGUAGE C VOLATILE SET search_path = pg_catalog, escalation, pg_temp;

-- The stage arithmetic: PUBLIC may not run it, the platform's readers may.
REVOKE ALL ON FUNCTION escalation.stage_due_at(timestamptz, interval),
	escalation.stage_fires(timestamptz, timestamptz, timestamptz)
FROM PUBLIC;
GRANT EXECUTE ON FUNCTION escalation.stage_due_at(timestamptz, interval),
	escalation.stage_fires(timestamptz, timestamptz, timestamptz)
	TO escalation_admin, escalation_user, escalation_analyst;
