-- One stage arithmetic for the engine and the SQL of its work list
-- (src/ladder.c): the SQL functions count a ladder as the engine does, at
-- the boundaries (handled or withdrawn exactly at a due time, one
-- microsecond after it, days of 24 hours across a daylight-saving change,
-- the end of time); after a run the work list the engine wrote equals the one
-- the SQL rebuilds from the same data; and the engine's one write path (its
-- direct table writer) inserts, updates, deletes and claims rows, and refuses
-- a table it cannot write with an error that names it.
BEGIN;
CREATE EXTENSION IF NOT EXISTS escalation;
SELECT plan(24);
\ir fixtures/50_engine.sql

-- The functions at their boundaries.
SELECT is(escalation.stage_due_at('2024-03-01 09:00+08', due_after), timestamptz '2024-03-07 09:00:00.000001+08',
	'stage_due_at of a rule_offset sums the delays, a day as 24 hours, to the microsecond')
FROM (SELECT sum(d) OVER (ORDER BY n) AS due_after, n FROM (VALUES (1, interval '3 days'), (2, interval '3 days 0.000001 s')) AS v(n, d)) o
WHERE n = 2;
SELECT throws_ok($$SELECT escalation.stage_due_at('2024-03-01 09:00+08', '1 mon')$$, '42P17',
	'warning ladder delay cannot be counted: "1 mon"', 'a delay in months cannot be counted');
SELECT is(escalation.stage_due_at('2024-03-09 12:00+00', '24:00:00'), timestamptz '2024-03-10 12:00+00',
	'stage_due_at adds absolute time');
SET LOCAL timezone = 'America/New_York';
SELECT is(escalation.stage_due_at('2024-03-09 12:00-05', '1 day'), timestamptz '2024-03-10 13:00-04',
	'a day is 24 hours across a daylight-saving change, whatever the session''s time zone');
RESET timezone;
SET LOCAL timezone = 'Asia/Shanghai';
SELECT is(escalation.stage_due_at('294276-12-31 23:00+00', '2 hours'), timestamptz 'infinity',
	'a due time past the end of time is infinity, as the engine counts it');
SELECT results_eq($$SELECT escalation.stage_fires('2024-03-01 09:00+08', h, w)
	FROM (VALUES (NULL::timestamptz, NULL::timestamptz), ('2024-03-01 09:00+08', NULL), ('2024-03-01 09:00:00.000001+08', NULL),
				 (NULL, '2024-03-01 09:00+08'), (NULL, '2024-03-01 09:00:00.000001+08'),
				 ('2024-03-02 09:00+08', '2024-03-01 09:00+08')) AS v(h, w)$$,
	$$VALUES (true), (false), (true), (false), (true), (false)$$,
	'stage_fires: unless handled or withdrawn at or before the due time');
SELECT results_eq($$SELECT escalation.item_event_due(k::escalation.warning_kind, f, h, w, s)
	FROM (VALUES ('clue', timestamptz '2024-03-04 09:00+08', timestamptz '2024-03-05 09:00+08', NULL::timestamptz, NULL::timestamptz),
				 ('clue', '2024-03-04 09:00+08', '2024-03-04 09:00+08', NULL, NULL),
				 ('clue', NULL, '2024-03-04 09:00+08', NULL, NULL),
				 ('dual_prevention_idle', '2024-03-08 09:00+08', '2024-03-02 09:00+08', NULL, NULL),
				 ('clue', '2024-03-04 09:00+08', '2024-03-05 09:00+08', '2024-03-03 09:00+08', '2024-03-02 09:00+08'),
				 ('clue', NULL, NULL, NULL, NULL)) AS v(k, f, h, w, s)$$,
	$$VALUES ('2024-03-05 09:00+08'::timestamptz), (NULL), (NULL), ('2024-03-02 09:00+08'), ('2024-03-02 09:00+08'), (NULL)$$,
	'item_event_due: a handling after the first due time, any for dual prevention, the earliest of withdrawal and moved start');

-- The engine at the same boundaries: clues of the district ladder (due 3, 6, 9
-- days after the transfer), handled exactly at a due time, one microsecond
-- after it, or not at all.
INSERT INTO escalation.clue (id, unit_id, from_department, to_department, transferred_at, handled_at) OVERRIDING SYSTEM VALUE
SELECT 600 + n, 12, 4, 2, '2024-03-01 09:00+08', h
FROM (VALUES (1, timestamptz '2024-03-04 09:00+08'), (2, '2024-03-04 09:00:00.000001+08'),
			 (3, '2024-03-07 09:00+08'), (4, '2024-03-07 09:00:00.000001+08'), (5, NULL)) AS v(n, h);
-- Units of dual prevention: one never runs, one runs on day 8 (a new idle
-- episode the engine starts itself), one is withdrawn exactly at a due time.
INSERT INTO escalation.unit (id, name, region, supervision_level) OVERRIDING SYSTEM VALUE
SELECT 60 + i, '双重预防单位' || i, '370102001', 'street' FROM generate_series(0, 2) i;
INSERT INTO escalation.dual_prevention (unit_id, since)
SELECT 60 + i, '2024-03-01 09:00+08' FROM generate_series(0, 2) i;
INSERT INTO escalation.dp_run (unit_id, ran_at) VALUES (61, '2024-03-09 09:00+08');
UPDATE escalation.dual_prevention SET withdrawn_at = '2024-03-11 09:00+08', withdraw_reason = '企业关闭' WHERE unit_id = 62;
-- An ordinary hazard and one whose failed re-inspection sets a new deadline (its old episode is rescheduled).
INSERT INTO escalation.hazard (id, unit_id, found_by, found_at, grade, needs_recheck, rectify_deadline) OVERRIDING SYSTEM VALUE VALUES
	(610, 10, 2, '2024-02-20 09:00+08', 'general', true, '2024-03-01 09:00+08'),
	(611, 10, 2, '2024-02-20 09:00+08', 'general', true, '2024-03-01 09:00+08');
INSERT INTO escalation.supervision_assignment (unit_id, department_id, supervision_type, level, period)
VALUES (10, 2, 'territorial', 'district', daterange('2024-01-01', NULL));
SELECT escalation.run('2024-03-02 09:00+08');
SELECT escalation.hazard_rectify(611, '张经理', NULL, '2024-03-02 10:00+08');
SELECT escalation.hazard_recheck(611, 2, false, '整改不到位', '2024-03-20 09:00+08', NULL, '2024-03-03 09:00+08');

CREATE TEMP TABLE stat_before AS
	SELECT relid, relname, n_tup_ins, n_tup_upd, n_tup_del FROM pg_stat_xact_user_tables WHERE schemaname = 'escalation';
SELECT is(escalation.run('2024-03-12 09:00+08'), 13::bigint,
	'a run raises every stage due that fires: 2 of the hazard, 7 of the clues, 4 of dual prevention');
CREATE TEMP TABLE stat_run AS
	SELECT b.relname, a.n_tup_ins - b.n_tup_ins AS ins, a.n_tup_upd - b.n_tup_upd AS upd, a.n_tup_del - b.n_tup_del AS del
	FROM pg_stat_xact_user_tables a JOIN stat_before b USING (relid);
SELECT is((SELECT count(*) FROM escalation.tracked_item WHERE kind = 'clue' AND subject_id BETWEEN 601 AND 604), 0::bigint,
	'handled clues are finished: their work-list rows deleted by the writer');
SELECT results_eq($$SELECT subject_id::int, array_agg(stage::int ORDER BY stage) FROM escalation.warning
	WHERE kind = 'clue' GROUP BY subject_id ORDER BY subject_id$$,
	$$VALUES (602, ARRAY[1]), (603, ARRAY[1]), (604, ARRAY[1, 2]), (605, ARRAY[1, 2, 3])$$,
	'a clue handled exactly at a due time does not raise that stage; one microsecond later it does');
SELECT is_empty($$SELECT w.id FROM escalation.warning w
	JOIN escalation.rule_offset o ON o.kind = w.kind AND o.origin = w.origin AND o.stage = w.stage
	WHERE w.due_at <> escalation.stage_due_at(w.started_at, o.due_after)$$,
	'every warning''s due time is stage_due_at of its start and its rule_offset');
SELECT is_empty($$SELECT w.id FROM escalation.warning w
	JOIN escalation.tracked_item t ON t.kind = w.kind AND t.subject_id = w.subject_id AND t.started_at = w.started_at
	WHERE NOT escalation.stage_fires(w.due_at, t.handled_at, t.withdrawn_at)$$,
	'every warning of a tracked item''s episode is a stage that fires by stage_fires');

-- What the engine wrote into its work list is what the SQL writes from the same data.
CREATE TEMP TABLE engine_items AS SELECT * FROM escalation.tracked_item;
CREATE TEMP TABLE engine_stages AS SELECT * FROM escalation.stage_due;
SELECT cmp_ok((SELECT count(*) FROM engine_stages WHERE kind = 'dual_prevention_idle' AND subject_id = 61), '>', 0::bigint,
	'the engine wrote the waiting stages of the idle episode it started');
SELECT is_empty($$SELECT subject_id FROM engine_items
	WHERE next_due_at IS DISTINCT FROM escalation.item_event_due(kind,
		escalation.stage_due_at(started_at, (SELECT o.due_after FROM escalation.rule_offset o
											 WHERE o.kind = engine_items.kind AND o.origin = engine_items.origin AND o.stage = 1)),
		handled_at, withdrawn_at, superseded_at)$$,
	'every next_due_at the engine wrote is item_event_due of the item');
-- (Items the engine finished are not compared: the SQL does not know they are finished.)
SELECT escalation.resync_items();
SELECT set_eq($$SELECT kind, subject_id, started_at, handled_at, withdrawn_at, superseded_at, next_due_at FROM engine_items$$,
	$$SELECT t.kind, t.subject_id, t.started_at, t.handled_at, t.withdrawn_at, t.superseded_at, t.next_due_at
	  FROM escalation.tracked_item t JOIN engine_items e USING (kind, subject_id)$$,
	'the SQL rebuilds the items exactly as the engine left them');
SELECT set_eq($$SELECT * FROM engine_stages$$,
	$$SELECT s.* FROM escalation.stage_due s WHERE (s.kind, s.subject_id) IN (SELECT kind, subject_id FROM engine_items)$$,
	'the SQL rebuilds exactly the waiting stages the engine left');

-- The write path, during the run: the direct writer inserted warnings and the
-- stages of the new idle episode, moved items on, deleted finished ones and
-- claimed stage rows; the resolution statement updated the rescheduled warning;
-- the new warnings' trigger inserted their sign timers.
SELECT results_eq($$SELECT relname, ins > 0, upd > 0, del > 0 FROM stat_run
	WHERE relname IN ('warning', 'tracked_item', 'stage_due') ORDER BY relname$$,
	$$VALUES ('stage_due'::name, true, false, true), ('tracked_item', true, true, true), ('warning', true, true, false)$$,
	'warnings and stages inserted, items inserted (sign timers), updated and deleted, stage rows claimed, a warning resolved');
SELECT is((SELECT count(*) FROM escalation.warning WHERE resolved_reason = 'rescheduled' AND subject_id = 611), 1::bigint,
	'a moved start resolves its old episode (the resolution statement)');
SELECT is((SELECT count(*) FROM escalation.warning WHERE kind = 'dual_prevention_idle' AND subject_id = 62 AND resolved_reason = 'withdrawn'),
	1::bigint, 'a unit withdrawn exactly at a due time keeps the stage before it, resolved as withdrawn');

-- A table the writer cannot write stops the run with an error naming it.
CREATE FUNCTION pg_temp.no_op() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NULL; END $$;
CREATE TRIGGER t59_audit AFTER INSERT ON escalation.warning FOR EACH STATEMENT EXECUTE FUNCTION pg_temp.no_op();
SELECT is(escalation.run('2024-03-20 09:00+08'), NULL::bigint, 'with a trigger of its own on warning, a run fails');
SELECT results_eq($$SELECT status, sqlstate, message FROM escalation.run_log ORDER BY run_id DESC LIMIT 1$$,
	$$VALUES ('failed', '55000', 'relation "warning" cannot be written by the engine')$$,
	'and its run log row names the table');
DROP TRIGGER t59_audit ON escalation.warning;
ALTER TABLE escalation.stage_due ADD COLUMN t59_note text;
SELECT is(escalation.run('2024-03-20 09:00+08'), NULL::bigint, 'with a column of its own on stage_due, a run fails');
ALTER TABLE escalation.stage_due DROP COLUMN t59_note;
ALTER TABLE escalation.tracked_item FORCE ROW LEVEL SECURITY;
SELECT is(escalation.run('2024-03-20 09:00+08'), NULL::bigint, 'with forced row security on tracked_item, a run fails');
ALTER TABLE escalation.tracked_item NO FORCE ROW LEVEL SECURITY;
SELECT cmp_ok(escalation.run('2024-03-20 09:00+08'), '>', 0::bigint, 'the tables restored, the run succeeds');

SELECT * FROM finish();
ROLLBACK;
