-- §19 "正常运行" as a test the city sets: a unit under dual prevention
-- management runs the mechanism normally while every check task that fell due
-- has a run of its own (or the share of them in rule_limit
-- dual_prevention_task_share); a unit §12 obliges that is not enrolled is idle
-- from the day it became obliged plus a grace period (rule_limit
-- dual_prevention_enrol_within) until it enrols. The idle episodes are
-- computed from the data alone (escalation.dp_idle_episode), so the warning
-- engine and the tracking triggers agree on them in catch-up and step by step.

------------------------------------------------------------------------------
-- Units §12 obliges that were not enrolled (应建未建)
------------------------------------------------------------------------------

CREATE TABLE escalation.dp_obligation (
	unit_id bigint NOT NULL,
	obliged_since timestamptz NOT NULL,
	region escalation.region NOT NULL,
	CONSTRAINT dp_obligation_pkey PRIMARY KEY (unit_id),
	CONSTRAINT dp_obligation_unit_fkey FOREIGN KEY (unit_id) REFERENCES escalation.unit (id) ON DELETE CASCADE
);
CREATE INDEX dp_obligation_region_idx ON escalation.dp_obligation (region);
COMMENT ON TABLE escalation.dp_obligation IS
	'Units §12 obliged to run dual prevention while they were not under platform management (应建未建): from obliged_since plus the grace period (rule_limit dual_prevention_enrol_within) they climb the §19 ladder until they enrol. Kept by triggers on unit and industry; the row stays after the enrolment, as the record of a late one. 应建双重预防机制单位';
COMMENT ON COLUMN escalation.dp_obligation.unit_id IS 'The unit. 单位';
COMMENT ON COLUMN escalation.dp_obligation.obliged_since IS 'When §12 came to oblige it while it was not enrolled: its registration, or the change of its data or of its industry that made it obliged. 应建起始时间';
COMMENT ON COLUMN escalation.dp_obligation.region IS 'Region of the unit (kept by trigger, for row-level security). 所属区划';
SELECT pg_catalog.pg_extension_config_dump('escalation.dp_obligation', '');
SELECT escalation.follow_unit_region('escalation.dp_obligation');

-- Record, or forget, the obligation of units that are not enrolled.
CREATE FUNCTION escalation_internal.dp_obligation_refresh(units bigint[], obliged_at timestamptz) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, escalation, pg_temp AS
$$
BEGIN
	WITH state AS (
		SELECT u.id, u.region,
			coalesce((SELECT c.required FROM escalation.dual_prevention_coverage c WHERE c.unit_id = u.id), false) AS obliged
		FROM escalation.unit u
		WHERE u.id = ANY (units)
		  AND NOT EXISTS (SELECT 1 FROM escalation.dual_prevention p WHERE p.unit_id = u.id)
	), forgotten AS (
		DELETE FROM escalation.dp_obligation o USING state s WHERE o.unit_id = s.id AND NOT s.obliged
	)
	INSERT INTO escalation.dp_obligation (unit_id, obliged_since, region)
	SELECT s.id, obliged_at, s.region FROM state s WHERE s.obliged
	ON CONFLICT (unit_id) DO NOTHING;
END
$$;
COMMENT ON FUNCTION escalation_internal.dp_obligation_refresh(bigint[], timestamptz) IS
	'Records from obliged_at the units of the list that §12 obliges and that were never enrolled, and forgets those no longer obliged; an enrolled unit''s record stays. 应建单位登记';

-- Trigger (per row) on unit: its registration or a change of its §12 data.
CREATE FUNCTION escalation_internal.dp_obligation_unit() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, escalation, pg_temp AS
$$
BEGIN
	IF escalation.restoring() THEN
		RETURN NULL;
	END IF;
	PERFORM escalation_internal.dp_obligation_refresh(ARRAY[NEW.id],
		CASE WHEN TG_OP = 'INSERT' THEN NEW.created_at ELSE statement_timestamp() END);
	RETURN NULL;
END
$$;
COMMENT ON FUNCTION escalation_internal.dp_obligation_unit() IS
	'Trigger: a unit registered as, or changed into, one §12 obliges is recorded from its registration or the change; one no longer obliged before enrolling is forgotten. 单位应建状态同步';
-- A unit with no industry and few dust workers matches no clause of §12.
CREATE TRIGGER unit_dp_obligation_insert AFTER INSERT ON escalation.unit
	FOR EACH ROW WHEN (NEW.industry_code IS NOT NULL OR NEW.dust_workers > 10)
	EXECUTE FUNCTION escalation_internal.dp_obligation_unit();
CREATE TRIGGER unit_dp_obligation_update
	AFTER UPDATE OF industry_code, dust_workers, ammonia_refrigeration, business_status, social_function ON escalation.unit
	FOR EACH ROW WHEN (OLD.industry_code IS DISTINCT FROM NEW.industry_code OR OLD.dust_workers <> NEW.dust_workers
					   OR OLD.ammonia_refrigeration <> NEW.ammonia_refrigeration
					   OR OLD.business_status <> NEW.business_status OR OLD.social_function <> NEW.social_function)
	EXECUTE FUNCTION escalation_internal.dp_obligation_unit();

-- Trigger (per row) on industry: the city marks it mandatory, or no longer.
CREATE FUNCTION escalation_internal.dp_obligation_industry() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, escalation, pg_temp AS
$$
BEGIN
	IF escalation.restoring() THEN
		RETURN NULL;
	END IF;
	PERFORM escalation_internal.dp_obligation_refresh(
		ARRAY(SELECT u.id FROM escalation.unit u WHERE u.industry_code = NEW.code), statement_timestamp());
	RETURN NULL;
END
$$;
COMMENT ON FUNCTION escalation_internal.dp_obligation_industry() IS
	'Trigger: when an industry''s §12 marking changes, the obligation of its units that are not enrolled is recorded or forgotten from then. 行业应建状态同步';
CREATE TRIGGER industry_dp_obligation
	AFTER UPDATE OF dual_prevention_scope, dual_prevention_mandatory ON escalation.industry
	FOR EACH ROW WHEN (OLD.dual_prevention_scope IS DISTINCT FROM NEW.dual_prevention_scope
					   OR OLD.dual_prevention_mandatory <> NEW.dual_prevention_mandatory)
	EXECUTE FUNCTION escalation_internal.dp_obligation_industry();

------------------------------------------------------------------------------
-- Idle episodes (未正常运行时段)
------------------------------------------------------------------------------

-- The first idle episode of a unit that begins at or after a time.
CREATE FUNCTION escalation.dp_idle_episode(unit_id bigint, after timestamptz,
	OUT started_at timestamptz, OUT handled_at timestamptz)
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, escalation, pg_temp AS
$$
#variable_conflict use_variable
DECLARE
	unit bigint := dp_idle_episode.unit_id;
	enrolled timestamptz;
	idle_from timestamptz;
	share numeric;
BEGIN
	SELECT p.since INTO enrolled FROM escalation.dual_prevention p WHERE p.unit_id = unit;
	SELECT o.obliged_since + coalesce(escalation.rule_limit_span('dual_prevention_enrol_within'), interval '0')
	INTO idle_from FROM escalation.dp_obligation o WHERE o.unit_id = unit;

	-- Obliged and not enrolled: idle from the end of the grace period until the enrolment.
	IF idle_from IS NOT NULL AND (enrolled IS NULL OR greatest(after, idle_from) < enrolled) THEN
		started_at := greatest(after, idle_from);
		handled_at := enrolled;
		RETURN;
	END IF;
	started_at := greatest(after, enrolled);
	IF enrolled IS NULL THEN
		RETURN;
	END IF;

	-- No scheduled task: any run of the mechanism is a normal run.
	IF NOT EXISTS (SELECT 1 FROM escalation.dp_check_task k WHERE k.unit_id = unit AND k.active) THEN
		handled_at := (SELECT min(r.ran_at) FROM escalation.dp_run r WHERE r.unit_id = unit AND r.ran_at > started_at);
		RETURN;
	END IF;

	-- Tasks: a task is overdue from one interval after its last run (or its
	-- start) until its next run; the unit is idle while the tasks that fell
	-- due and are not overdue are fewer than the share of those that fell due.
	share := least(greatest(coalesce(escalation.rule_limit_amount('dual_prevention_task_share'), 1), 0), 1);
	WITH task AS (
		SELECT k.id, k.every, k.starts_at FROM escalation.dp_check_task k WHERE k.unit_id = unit AND k.active
	), anchor AS (
		SELECT k.id, k.every, a.at
		FROM task k
		CROSS JOIN LATERAL (
			SELECT greatest(k.starts_at, (SELECT max(r.ran_at) FROM escalation.dp_run r
										  WHERE r.task_id = k.id AND r.ran_at <= started_at))
			UNION ALL
			SELECT r.ran_at FROM escalation.dp_run r
			WHERE r.task_id = k.id AND r.ran_at > started_at AND r.ran_at > k.starts_at) a (at)
	), overdue AS (
		SELECT x.overdue_from, x.overdue_until
		FROM (SELECT escalation.stage_due_at(n.at, n.every) AS overdue_from,
					 lead(n.at) OVER (PARTITION BY n.id ORDER BY n.at) AS overdue_until
			  FROM anchor n) x
		WHERE x.overdue_until IS NULL OR (x.overdue_until > x.overdue_from AND x.overdue_until > started_at)
	), event AS (
		SELECT greatest(o.overdue_from, started_at) AS at, 1 AS late, 0 AS due FROM overdue o
		UNION ALL
		SELECT o.overdue_until, -1, 0 FROM overdue o WHERE o.overdue_until IS NOT NULL
		UNION ALL
		SELECT greatest(escalation.stage_due_at(k.starts_at, k.every), started_at), 0, 1 FROM task k
	), state AS (
		SELECT e.at, sum(sum(e.late)) OVER w AS late, sum(sum(e.due)) OVER w AS due
		FROM event e GROUP BY e.at
		WINDOW w AS (ORDER BY e.at)
	), idle AS (
		SELECT s.at, s.late > 0 AND (s.late >= s.due OR s.due - s.late < share * s.due) AS idle FROM state s
	)
	SELECT i.at, (SELECT min(j.at) FROM idle j WHERE j.at > i.at AND NOT j.idle)
	INTO started_at, handled_at
	FROM idle i WHERE i.idle ORDER BY i.at LIMIT 1;
	-- Every task runs for ever after: no idle episode is ahead.
	started_at := coalesce(started_at, 'infinity');
END
$$;
COMMENT ON FUNCTION escalation.dp_idle_episode(bigint, timestamptz) IS
	'The first episode of a unit not running dual prevention normally (未正常运行, §19) that begins at or after a time: when it begins (+infinity if none is ahead) and when the unit runs normally again (NULL if it has not). A unit §12 obliges and not enrolled is idle from obliged_since plus rule_limit dual_prevention_enrol_within until its enrolment; an enrolled unit without an active check task is idle from the time until its next run; one with tasks is idle while fewer than the share rule_limit dual_prevention_task_share of its tasks that fell due are not overdue (a task is overdue from one interval after its last run, or its start, until its next run). 未正常运行时段';

-- The start of a tracked idle item's current episode, after a change of its data.
CREATE FUNCTION escalation.dp_idle_start(unit_id bigint, tracked timestamptz, source timestamptz) RETURNS timestamptz
LANGUAGE sql STABLE PARALLEL SAFE
BEGIN ATOMIC
	-- The engine walked to tracked from a normal run at or before it: no
	-- episode before that run is left to deal with.
	SELECT e.started_at
	FROM escalation.dp_idle_episode(dp_idle_start.unit_id,
		greatest(source, (SELECT max(r.ran_at) FROM escalation.dp_run r
						  WHERE r.unit_id = dp_idle_start.unit_id AND r.ran_at <= tracked))) e;
END;
COMMENT ON FUNCTION escalation.dp_idle_start(bigint, timestamptz, timestamptz) IS
	'Start of the current idle episode of a tracked dual prevention item after a change of its data: the first that begins at or after the source''s start and the unit''s last run up to the tracked start. 本轮未正常运行起算时间';

------------------------------------------------------------------------------
-- Row-level security and privileges
------------------------------------------------------------------------------

SELECT escalation.enable_region_security('escalation.dp_obligation');
GRANT SELECT ON escalation.dp_obligation TO escalation_admin, escalation_user, escalation_analyst;

REVOKE ALL ON FUNCTION
	escalation_internal.dp_obligation_refresh(bigint[], timestamptz), escalation_internal.dp_obligation_unit(),
	escalation_internal.dp_obligation_industry(),
	escalation.dp_idle_episode(bigint, timestamptz), escalation.dp_idle_start(bigint, timestamptz, timestamptz)
FROM PUBLIC;
GRANT EXECUTE ON FUNCTION escalation.dp_idle_episode(bigint, timestamptz),
	escalation.dp_idle_start(bigint, timestamptz, timestamptz)
	TO escalation_admin, escalation_user, escalation_analyst;
