-- The warning table's work on raised warnings runs once per statement: its
-- AFTER INSERT triggers (addressee, supervision order, notifications, sign
-- timer, province feed) are statement triggers over the rows inserted (NEW
-- TABLE), and the engine's writer fires each of them once for all the
-- warnings of a run, none for a run that raised nothing. What they write is
-- what they wrote warning by warning: every warning its addressee, every 督办
-- stage its order numbered in the order of the warnings, every warning its
-- sign timer, every city-screen warning its province row.
BEGIN;
CREATE EXTENSION IF NOT EXISTS escalation;
SELECT plan(12);
\ir fixtures/50_engine.sql

INSERT INTO escalation.department (id, name, level, region, kind) OVERRIDING SYSTEM VALUE VALUES
	(5, '历下区安委会办公室', 'district', '370102', 'safety_committee_office'),
	(6, '济南市安委会办公室', 'city', '370100', 'safety_committee_office');
INSERT INTO escalation.document_office (department_id, short_name) VALUES (5, '历下安办'), (6, '济安办');

-- 1. The triggers, as the catalog has them.
SELECT results_eq(
	$$SELECT format('%s %s %s %s', tgname::text, CASE WHEN (tgtype & 1) = 1 THEN 'row' ELSE 'statement' END, tgnewtable::text, p.proname::text) COLLATE "default"
	  FROM pg_trigger t JOIN pg_proc p ON p.oid = t.tgfoid
	  WHERE tgrelid = 'escalation.warning'::regclass AND NOT tgisinternal
		AND (tgtype & 4) = 4 AND (tgtype & 2) = 0
	  ORDER BY tgname$$,
	$$VALUES ('warning_address statement raised warning_address'),
			 ('warning_issue_order statement raised warning_issue_order'),
			 ('warning_notify statement raised warning_notify'),
			 ('warning_province_feed statement raised feed_province_raised'),
			 ('warning_track_timers statement raised warning_track_timers')$$,
	'the AFTER INSERT triggers of escalation.warning are statement triggers reading the rows inserted as "raised"');

-- 200 hazards of 泉城机械 found by 历下区, past their deadline of 2024-03-01 09:00.
INSERT INTO escalation.hazard (id, unit_id, found_by, found_at, grade, needs_recheck, rectify_deadline) OVERRIDING SYSTEM VALUE
SELECT 1000 + i, 10, 2, '2024-02-20 09:00+08', 'general', true, '2024-03-01 09:00+08'::timestamptz + i * interval '1 minute'
FROM generate_series(1, 200) i;

SET LOCAL track_functions = 'all';
CREATE TEMP TABLE calls_before AS
SELECT funcname::text AS f, calls FROM pg_stat_xact_user_functions WHERE schemaname = 'escalation_internal';
CREATE FUNCTION pg_temp.calls_since(f text) RETURNS bigint LANGUAGE sql AS
$$SELECT coalesce((SELECT calls FROM pg_stat_xact_user_functions WHERE schemaname = 'escalation_internal' AND funcname = f), 0)
	   - coalesce((SELECT calls FROM calls_before b WHERE b.f = calls_since.f), 0)$$;

-- A catch-up a week after the deadlines: every hazard's stages at once.
SELECT ok(escalation.run('2024-03-08 12:00+08') >= 400, 'a catch-up raises the stages of a week');
SELECT cmp_ok((SELECT count(*) FROM escalation.warning), '>=', 400::bigint, 'hundreds of warnings are raised');

SELECT results_eq(
	$$SELECT f, pg_temp.calls_since(f) FROM unnest(ARRAY['warning_address', 'warning_issue_order', 'warning_notify',
		'feed_province_raised', 'warning_track_timers']) f ORDER BY f$$,
	$$VALUES ('feed_province_raised', 1::bigint), ('warning_address', 1), ('warning_issue_order', 1),
			 ('warning_notify', 1), ('warning_track_timers', 1)$$,
	'the run fires each trigger once, for all its warnings');
SELECT is(pg_temp.calls_since('warning_addressee_of'), (SELECT count(*) FROM escalation.warning),
	'the addressee is decided once for each warning');

SELECT is((SELECT count(*) FROM escalation.warning w
		   WHERE NOT EXISTS (SELECT 1 FROM escalation.warning_addressee a WHERE a.warning_id = w.id)), 0::bigint,
	'every warning has its addressee');
SELECT is((SELECT count(*) FROM escalation.warning w
		   WHERE (w.action = 'supervise') <> EXISTS (SELECT 1 FROM escalation.supervision_order o WHERE o.warning_id = w.id)),
	0::bigint, 'every 督办 warning has its order, and no other warning has one');
SELECT is((SELECT string_agg(format('%s %s..%s/%s', issued_by, lo, hi, n), '; ' ORDER BY issued_by)
		   FROM (SELECT issued_by, min(sequence) AS lo, max(sequence) AS hi, count(DISTINCT sequence) AS n
				 FROM escalation.supervision_order GROUP BY issued_by) s),
	(SELECT string_agg(format('%s 1..%s/%s', issued_by, n, n), '; ' ORDER BY issued_by)
	 FROM (SELECT issued_by, count(*) AS n FROM escalation.supervision_order GROUP BY issued_by) s),
	'each office numbers its orders 1..n');
SELECT is((SELECT count(*) FROM (SELECT sequence < lag(sequence) OVER (PARTITION BY issued_by ORDER BY warning_id) AS back
								   FROM escalation.supervision_order) s WHERE back),
	0::bigint, 'the numbers follow the order of the warnings');
SELECT is((SELECT count(*) FROM escalation.tracked_item t WHERE t.kind::text = 'handling_sign'),
	(SELECT count(*) FROM escalation.warning w WHERE w.resolved_at IS NULL OR w.resolved_at > w.raised_at),
	'every warning not resolved at once has its sign timer');
SELECT is((SELECT count(*) FROM escalation.province_warning),
	(SELECT count(*) FROM escalation.warning w WHERE w.screen = 'city' OR w.action = 'circulate'),
	'every warning of the city screen is in the province feed');

-- A run with nothing due fires none of them.
DROP TABLE calls_before;
CREATE TEMP TABLE calls_before AS
SELECT funcname::text AS f, calls FROM pg_stat_xact_user_functions WHERE schemaname = 'escalation_internal';
SELECT escalation.run('2024-03-08 12:00+08');
SELECT is((SELECT sum(pg_temp.calls_since(f)) FROM unnest(ARRAY['warning_address', 'warning_issue_order', 'warning_notify',
		'feed_province_raised', 'warning_track_timers']) f), 0::numeric,
	'a run that raises nothing fires none of them');

SELECT * FROM finish();
ROLLBACK;
