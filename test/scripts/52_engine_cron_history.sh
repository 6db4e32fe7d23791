#!/usr/bin/env bash
# 52_engine_cron_history.sh — under real pg_cron, the run history of the
# engine's jobs is purged: escalation.schedule() creates the job
# escalation-purge-history next to escalation-run; made to fire this minute,
# it deletes the history rows of this database's escalation jobs older than
# escalation.run_log_retention and keeps the recent ones and those of other
# jobs; its own run is recorded as succeeded. The jobs and the extension are
# removed at the end.
set -uo pipefail

. "${ESCALATION_TOP:?run me through ./check}/test/scripts/lib/tap.sh"

db=${PGDATABASE:-escalation}
q() { psql -qXAt -v ON_ERROR_STOP=1 -d "$db" -c "$1"; }

cleanup() {
	q "SELECT escalation.unschedule()" >/dev/null 2>&1 || true
	q "SELECT cron.unschedule('someone-elses-job')" >/dev/null 2>&1 || true
	q "DROP EXTENSION IF EXISTS escalation CASCADE" >/dev/null 2>&1 || true
}
trap cleanup EXIT

q "CREATE EXTENSION IF NOT EXISTS escalation" >/dev/null
# Daily at a minute that is not now: only the purge job is made to fire.
run_job=$(q "SELECT escalation.schedule('59 23 31 12 *')")
purge_job=$(q "SELECT jobid FROM cron.job WHERE jobname = 'escalation-purge-history'")
[ -n "$purge_job" ] && [ "$(q "SELECT command FROM cron.job WHERE jobid = $purge_job")" = "SELECT escalation.purge_job_history()" ]
ok $? "escalation.schedule() creates the job escalation-purge-history (id $purge_job) beside escalation-run (id $run_job)"

other_job=$(q "SELECT cron.schedule('someone-elses-job', '59 23 31 12 *', 'SELECT 1')")
q "INSERT INTO cron.job_run_details (jobid, job_pid, database, username, command, status, start_time, end_time)
   SELECT j.jobid, 1, j.database, j.username, j.command, 'succeeded', now() - a.d - interval '1 s', now() - a.d
   FROM cron.job j CROSS JOIN (VALUES (interval '1 day'), (interval '10 days'), (interval '100 days')) a(d)
   WHERE j.jobid IN ($run_job, $other_job)" >/dev/null

# pg_cron starts jobs at the top of each minute: wait up to three minutes.
q "SELECT cron.alter_job($purge_job, schedule => '* * * * *')" >/dev/null
deadline=$((SECONDS + 180))
status=""
while [ $SECONDS -lt $deadline ]; do
	status=$(q "SELECT status FROM cron.job_run_details WHERE jobid = $purge_job AND status <> 'running' LIMIT 1")
	[ -n "$status" ] && break
	sleep 2
done
[ "$status" = succeeded ]
ok $? "pg_cron ran the purge job and recorded it as succeeded" "status: '$status'"

left=$(q "SELECT count(*) FROM cron.job_run_details WHERE jobid = $run_job")
[ "$left" = 1 ]
ok $? "it deleted escalation-run's history older than 7 days and kept the day-old row" "rows left: $left"

left=$(q "SELECT count(*) FROM cron.job_run_details WHERE jobid = $other_job")
[ "$left" = 3 ]
ok $? "it kept every row of a job that is not the engine's" "rows left: $left"

[ "$(q "SELECT escalation.unschedule()")" = t ] \
	&& [ "$(q "SELECT count(*) FROM cron.job WHERE jobname IN ('escalation-run', 'escalation-purge-history')")" = 0 ]
ok $? "escalation.unschedule() removes both jobs"

tap_done
