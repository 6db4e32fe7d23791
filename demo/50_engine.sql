-- Demo: escalate the demo data as of now — one catch-up run raises every stage
-- that fell due while the data "happened" — then let pg_cron run the engine
-- every minute, as the city would.

\set ON_ERROR_STOP on

-- Data loaded with triggers on is already tracked; this makes sure of it.
SELECT escalation.resync_items() AS tracked \gset
SELECT escalation.run() AS raised \gset
\echo escalation: :tracked items tracked, :raised warnings raised by the catch-up run
SELECT escalation.schedule('* * * * *') AS job \gset
\echo escalation: pg_cron job escalation-run (id :job) runs escalation.run() every minute

-- What the screens show now.
SELECT screen_label AS "大屏", screen_region_name AS "区划", kind_label AS "预警类型", count(*) AS "在办预警"
FROM escalation.screen_warning
GROUP BY screen, screen_label, screen_region, screen_region_name, kind, kind_label
ORDER BY screen, screen_region, kind;
