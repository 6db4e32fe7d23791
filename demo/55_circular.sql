-- The demo's first circular (通报) of the city office, compiled from the 通报
-- stages the catch-up run raised and the supervision orders left unanswered,
-- and the weekly pg_cron job that issues the next ones (Mondays 09:00).

\set ON_ERROR_STOP on

SELECT count(*) AS orders, count(number) AS numbered FROM escalation.supervision_order \gset
\echo documents: :orders supervision orders issued by the catch-up run, :numbered of them numbered
SELECT coalesce(escalation.circular_issue(), 0) AS circular_id \gset
SELECT coalesce((SELECT number || ', ' || (SELECT count(*) FROM escalation.circular_item i WHERE i.circular_id = c.id) || ' items'
				 FROM escalation.circular c WHERE c.id = :circular_id), '(nothing to circulate)') AS circular \gset
\echo documents: circular :circular issued
SELECT escalation.circular_schedule() AS job \gset
\echo documents: pg_cron job escalation-circular (id :job) issues the weekly circular
