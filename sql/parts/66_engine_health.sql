-- The engine's health (预警引擎运行状况), for monitors and the screen worker's
-- /healthz and /metrics: a failing escalation.run() logs its failure in
-- escalation.run_log while its scheduler may report success, and the stages
-- it leaves unraised wait in escalation.stage_due.

CREATE FUNCTION escalation.engine_health(
	OUT checked_at timestamptz,
	OUT last_run_at timestamptz,
	OUT last_run_status text,
	OUT last_success_at timestamptz,
	OUT last_success_as_of timestamptz,
	OUT last_failure_at timestamptz,
	OUT last_failure_sqlstate text,
	OUT last_failure_message text,
	OUT oldest_due_at timestamptz,
	OUT due_stages bigint)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, escalation, pg_temp
BEGIN ATOMIC
	SELECT now(), r.finished_at, r.status, s.finished_at, s.as_of, f.finished_at, f.sqlstate, f.message,
		d.oldest, d.n
	FROM (SELECT 1) one
	LEFT JOIN LATERAL (SELECT l.finished_at, l.status FROM escalation.run_log l
					   ORDER BY l.run_id DESC LIMIT 1) r ON true
	LEFT JOIN LATERAL (SELECT l.finished_at, l.as_of FROM escalation.run_log l WHERE l.status = 'succeeded'
					   ORDER BY l.run_id DESC LIMIT 1) s ON true
	LEFT JOIN LATERAL (SELECT l.finished_at, l.sqlstate, l.message FROM escalation.run_log l WHERE l.status = 'failed'
					   ORDER BY l.run_id DESC LIMIT 1) f ON true
	CROSS JOIN LATERAL (SELECT min(sd.due_at) AS oldest, count(*) AS n FROM escalation.stage_due sd
						WHERE sd.due_at <= now()) d;
END;
COMMENT ON FUNCTION escalation.engine_health() IS
	'How the engine (escalation.run()) is doing, from escalation.run_log and escalation.stage_due: when it last ran and how that ended, its last success (and the as_of it escalated to), its last failure (SQLSTATE and message), and the stages due by now that no run has raised yet (the oldest due time and how many). A run that succeeds at now() raises every stage due, so a stage long overdue means runs fail or do not happen. 预警引擎运行状况';

REVOKE ALL ON FUNCTION escalation.engine_health() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION escalation.engine_health() TO escalation_admin, escalation_analyst, escalation_screen;
