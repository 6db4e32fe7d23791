-- pg_cron's run history of the engine's jobs does not grow for ever:
-- schedule() also creates the daily job escalation-purge-history, and
-- purge_job_history() deletes the history rows of this database's escalation-*
-- jobs older than escalation.run_log_retention (or the interval given), and
-- nothing else. unschedule() removes both jobs. Scheduling from another
-- database is not silently lost: schedule() refuses to take over an
-- escalation-run job of another database, and the hint for a database without
-- pg_cron names jobs after that database.
BEGIN;
CREATE EXTENSION IF NOT EXISTS escalation;
SELECT plan(15);

SELECT escalation.schedule() AS run_job \gset
SELECT results_eq($$SELECT schedule, command FROM cron.job WHERE jobname = 'escalation-purge-history'$$,
	$$VALUES ('17 3 * * *'::text, 'SELECT escalation.purge_job_history()'::text)$$,
	'schedule() also creates the daily job that purges the run history');
SELECT is(escalation.schedule('*/5 * * * *'), :run_job::bigint, 'schedule() again keeps the run job''s id');
SELECT is((SELECT count(*) FROM cron.job WHERE jobname LIKE 'escalation-%'), 2::bigint, 'and still two jobs');

-- History: old and recent rows of both jobs, of a job of another database and
-- of a job not named escalation-*.
SELECT cron.schedule('someone-elses-job', '0 0 * * *', 'SELECT 1') AS other_job \gset
SELECT cron.schedule_in_database('escalation-run-elsewhere', '* * * * *', 'SELECT escalation.run()', 'postgres')
	AS elsewhere_job \gset
INSERT INTO cron.job_run_details (jobid, job_pid, database, username, command, status, return_message, start_time, end_time)
SELECT j.jobid, 1, j.database, j.username, j.command, 'succeeded', '1 row',
	now() - age.d - interval '1 second', now() - age.d
FROM cron.job j
CROSS JOIN (VALUES (interval '1 hour'), (interval '3 days'), (interval '8 days'), (interval '40 days')) AS age(d);
SELECT is(escalation.purge_job_history(), 4::bigint,
	'purge_job_history() deletes the rows of this database''s escalation jobs older than 7 days (4)');
SELECT is((SELECT string_agg(x.jobname || ' ' || x.n, ', ' ORDER BY x.jobname)
		   FROM (SELECT j.jobname::text AS jobname, count(*) AS n FROM cron.job_run_details d JOIN cron.job j USING (jobid)
				 GROUP BY j.jobname) x),
	'escalation-purge-history 2, escalation-run 2, escalation-run-elsewhere 4, someone-elses-job 4',
	'the recent rows stay, and the rows of other databases'' and other jobs');
SET LOCAL escalation.run_log_retention = '2d';
SELECT is(escalation.purge_job_history(), 2::bigint, 'the retention is escalation.run_log_retention (2 days: 2 more)');
SELECT is(escalation.purge_job_history('30 minutes'), 2::bigint, 'or the interval given');
SET LOCAL escalation.run_log_retention = 0;
INSERT INTO cron.job_run_details (jobid, job_pid, database, username, command, status, start_time, end_time)
VALUES (:run_job, 1, current_database(), current_user, 'SELECT escalation.run()', 'failed',
		now() - interval '1 year', NULL);
SELECT is(escalation.purge_job_history(), 0::bigint, 'a retention of 0 keeps every row');
RESET escalation.run_log_retention;
SELECT is(escalation.purge_job_history(), 1::bigint, 'a run that never ended counts from its start');

-- Another database's escalation-run job is not taken over.
SELECT is(escalation.unschedule(), true, 'unschedule() removes the run job');
SELECT is((SELECT count(*) FROM cron.job WHERE jobname IN ('escalation-run', 'escalation-purge-history')), 0::bigint,
	'and the purge job');
UPDATE cron.job SET jobname = 'escalation-run' WHERE jobid = :elsewhere_job;
SELECT throws_ok($$SELECT escalation.schedule()$$, '42710',
	'a pg_cron job named escalation-run or escalation-purge-history already runs in database "postgres"',
	'schedule() refuses to update an escalation-run job of another database');
SELECT is((SELECT database FROM cron.job WHERE jobname = 'escalation-run'), 'postgres', 'which stays as it was');

-- The hint for a database without pg_cron names the jobs after it.
SELECT ok(position(format('cron.schedule_in_database(%L, ''* * * * *'', ''SELECT escalation.run()'', %L)',
						   'escalation-run-' || current_database(), current_database())
				   IN escalation_internal.cron_hint('escalation')) > 0,
	'the hint for another database schedules the engine in a job named after this database');
SELECT ok(position(format('cron.schedule(%L', 'escalation-purge-history-' || current_database())
				   IN escalation_internal.cron_hint('escalation')) > 0,
	'and its history purge too');

SELECT * FROM finish();
ROLLBACK;
