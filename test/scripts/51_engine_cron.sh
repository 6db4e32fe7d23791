#!/usr/bin/env bash
# 51_engine_cron.sh — a real pg_cron job calls escalation.run(): the test
# cluster preloads pg_cron for database "escalation" (cron.database_name),
# escalation.schedule() creates the job, and within a couple of minutes the
# job's runs appear in escalation.run_log and in cron.job_run_details and the
# due warnings are raised. The job and the extension are removed at the end.
set -uo pipefail

. "${ESCALATION_TOP:?run me through ./check}/test/scripts/lib/tap.sh"

db=${PGDATABASE:-escalation}
q() { psql -qXAt -v ON_ERROR_STOP=1 -d "$db" -c "$1"; }

cleanup() {
	q "SELECT escalation.unschedule()" >/dev/null 2>&1 || true
	q "DROP EXTENSION IF EXISTS escalation CASCADE" >/dev/null 2>&1 || true
}
trap cleanup EXIT

[ "$(q "SELECT current_setting('cron.database_name')")" = "$db" ]
ok $? "pg_cron runs its jobs in database $db"

q "CREATE EXTENSION IF NOT EXISTS escalation" >/dev/null
q "INSERT INTO escalation.division (code, name) VALUES ('370100', '济南市'), ('370102', '历下区'), ('370102001', '解放路街道')
   ON CONFLICT DO NOTHING;
   INSERT INTO escalation.department (id, name, level, region) OVERRIDING SYSTEM VALUE VALUES (9102, '历下区应急管理局', 'district', '370102');
   INSERT INTO escalation.unit (id, name, region, supervision_level) OVERRIDING SYSTEM VALUE VALUES (9110, '济南泉城机械有限公司', '370102001', 'street');
   INSERT INTO escalation.hazard (unit_id, found_by, found_at, grade, needs_recheck, rectify_deadline)
   SELECT 9110, 9102, now() - interval '10 days', 'general', true, now() - i * interval '1 day' FROM generate_series(1, 5) i;" >/dev/null

job=$(q "SELECT escalation.schedule('* * * * *')")
[ -n "$job" ] && [ "$(q "SELECT count(*) FROM cron.job WHERE jobname = 'escalation-run'")" = 1 ]
ok $? "escalation.schedule() creates one job named escalation-run (id $job)"
[ "$(q "SELECT escalation.schedule('* * * * *')")" = "$job" ]
ok $? "scheduling again keeps the same job"

# pg_cron starts jobs at the top of each minute: wait up to three minutes.
deadline=$((SECONDS + 180))
runs=0
while [ $SECONDS -lt $deadline ]; do
	runs=$(q "SELECT count(*) FROM escalation.run_log WHERE status = 'succeeded'")
	[ "$runs" -gt 0 ] && break
	sleep 2
done
[ "$runs" -gt 0 ]
ok $? "the job ran escalation.run() within three minutes" "run_log: $(q "SELECT * FROM escalation.run_log")"

warnings=$(q "SELECT count(*) FROM escalation.warning")
[ "$warnings" = 8 ]
ok $? "the job raised the due warnings (8: five hazards one to five days past their deadline, three of them three days or more)" "warnings: $warnings"

status=""
deadline=$((SECONDS + 30))
while [ $SECONDS -lt $deadline ]; do
	status=$(q "SELECT string_agg(DISTINCT status, ',') FROM cron.job_run_details WHERE jobid = $job AND status <> 'running'")
	[ -n "$status" ] && break
	sleep 1
done
[ "$status" = succeeded ]
ok $? "pg_cron records the job's run as succeeded" "status: $status"

[ "$(q "SELECT escalation.unschedule()")" = t ] && [ "$(q "SELECT count(*) FROM cron.job WHERE jobname = 'escalation-run'")" = 0 ]
ok $? "escalation.unschedule() removes the job"

tap_done
