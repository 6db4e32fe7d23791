-- Handling before, at and after each due time (docs/RULES.md, 'What "handled"
-- (处理) means': a stage fires when it is due and the item was not handled at
-- or before its due time): for every kind and every stage of the district ladder,
-- items handled one second before, exactly at, and one second after the stage's
-- due time. Stages due before the handling are raised, later stages never are,
-- and the raised warnings are resolved at the handling time with the kind's
-- reason.
BEGIN;
CREATE EXTENSION IF NOT EXISTS escalation;
SELECT plan(13);
\ir fixtures/50_engine.sql

-- Units for dual prevention, one per item (the unit is the item).
INSERT INTO escalation.unit (id, name, region, supervision_level) OVERRIDING SYSTEM VALUE
SELECT 20 + i, '测试双重预防单位' || i, '370102001', 'street' FROM generate_series(0, 8) i;

-- The matrix: kind x stage k of the district ladder x handling offset from
-- its due time. due(k) is start + the ladder's offset of stage k.
CREATE TEMP TABLE matrix AS
SELECT kind, kind_no, k, off_no, off,
	start_at + stage_offset[k] + off AS handled_at, start_at, stage_offset,
	kind_no * 1000 + k * 10 + off_no AS subject_id
FROM (VALUES
		('hazard_overdue', 1, timestamptz '2024-03-01 09:00+08', ARRAY[interval '0', '3 days', '6 days']),
		('major_hazard', 2, timestamptz '2024-03-01 09:00+08', ARRAY[interval '0', '3 days', '6 days']),
		('clue', 3, timestamptz '2024-03-01 09:00+08', ARRAY[interval '3 days', '6 days', '9 days']),
		('licence_expired', 4, timestamptz '2024-03-01 00:00+08', ARRAY[interval '0', '3 days', '6 days']),
		('dual_prevention_idle', 5, timestamptz '2024-03-01 09:00+08', ARRAY[interval '7 days', '10 days', '13 days'])
	) AS kinds(kind, kind_no, start_at, stage_offset)
CROSS JOIN generate_series(1, 3) AS k
CROSS JOIN (VALUES (0, interval '-1 second'), (1, interval '0'), (2, interval '1 second')) AS offs(off_no, off);

-- A hazard cannot be confirmed before it was found, and stage 1 of the major
-- hazard ladder is due when it is found: that one combination does not exist.
DELETE FROM matrix WHERE kind = 'major_hazard' AND k = 1 AND off_no = 0;

-- Dual prevention items are units 20..28.
UPDATE matrix SET subject_id = 20 + (k - 1) * 3 + off_no WHERE kind = 'dual_prevention_idle';

INSERT INTO escalation.hazard (id, unit_id, found_by, found_at, grade, needs_recheck, rectify_deadline, closed_at) OVERRIDING SYSTEM VALUE
SELECT subject_id, 10, 2, start_at - interval '10 days', 'general', true, start_at, handled_at
FROM matrix WHERE kind = 'hazard_overdue';
INSERT INTO escalation.hazard (id, unit_id, found_by, found_at, grade, needs_recheck, confirmed_at) OVERRIDING SYSTEM VALUE
SELECT subject_id, 10, 2, start_at, CASE WHEN k = 2 THEN 'not_major' ELSE 'major' END::escalation.hazard_grade, false, handled_at
FROM matrix WHERE kind = 'major_hazard';
INSERT INTO escalation.clue (id, unit_id, from_department, to_department, transferred_at, handled_at) OVERRIDING SYSTEM VALUE
SELECT subject_id, 10, 2, 4, start_at, handled_at FROM matrix WHERE kind = 'clue';
INSERT INTO escalation.licence (id, unit_id, kind, valid_until, superseded_at) OVERRIDING SYSTEM VALUE
SELECT subject_id, 10, '安全生产许可证', date '2024-02-29', handled_at FROM matrix WHERE kind = 'licence_expired';
INSERT INTO escalation.dual_prevention (unit_id, since)
SELECT subject_id, start_at FROM matrix WHERE kind = 'dual_prevention_idle';
INSERT INTO escalation.dp_run (unit_id, ran_at)
SELECT subject_id, handled_at FROM matrix WHERE kind = 'dual_prevention_idle';

SELECT is((SELECT count(*) FROM matrix), 44::bigint, '44 items: five kinds, three stages, three handling times each (but one)');

-- Expected: stage j is raised iff due(j) < handled, i.e. j < k, or j = k when
-- handled one second after; resolved at the handling time.
CREATE TEMP TABLE expected AS
SELECT m.kind, m.subject_id, j AS stage, m.handled_at AS resolved_at,
	CASE m.kind
		WHEN 'hazard_overdue' THEN 'closed'
		WHEN 'major_hazard' THEN CASE WHEN m.k = 2 THEN 'ruled_out' ELSE 'confirmed' END
		WHEN 'clue' THEN 'handled'
		WHEN 'licence_expired' THEN 'renewed'
		ELSE 'ran' END AS reason
FROM matrix m CROSS JOIN generate_series(1, 3) AS j
WHERE j < m.k OR (j = m.k AND m.off > interval '0');

SELECT lives_ok($$SELECT escalation.run('2024-04-01 00:00+08')$$, 'one run a month later catches up every item');

SELECT set_eq(
	$$SELECT w.kind::text, w.subject_id, w.stage::int, w.resolved_at, w.resolved_reason::text
	  FROM escalation.warning w JOIN matrix m ON m.kind = w.kind::text AND m.subject_id = w.subject_id AND w.started_at = m.start_at$$,
	$$SELECT kind, subject_id, stage, resolved_at, reason FROM expected$$,
	'stages due before the handling are raised, resolved at the handling time with the kind''s reason; none other');

SELECT is((SELECT count(*) FROM escalation.warning w JOIN matrix m ON m.kind = w.kind::text AND m.subject_id = w.subject_id
		   WHERE w.started_at = m.start_at), 60::bigint,
	'the matrix raises 60 stages in all (0+0+1, 1+1+2, 2+2+3 per kind)');
SELECT is((SELECT count(*) FROM escalation.warning w JOIN matrix m ON m.kind = w.kind::text AND m.subject_id = w.subject_id
		   WHERE w.started_at = m.start_at AND w.stage = m.k AND m.off <= interval '0'), 0::bigint,
	'a stage whose item is handled one second before or exactly at its due time is never raised');
SELECT is((SELECT count(*) FROM escalation.warning w JOIN matrix m ON m.kind = w.kind::text AND m.subject_id = w.subject_id
		   WHERE m.k = 1 AND m.off <= interval '0' AND w.started_at = m.start_at), 0::bigint,
	'an item handled at or before its first due time never appears on a screen');

-- Dual prevention: the normal run that handled an episode started the next one,
-- which has climbed its whole ladder by 2024-04-01.
SELECT set_eq(
	$$SELECT w.subject_id, w.stage::int, w.due_at, w.resolved_at FROM escalation.warning w
	  JOIN matrix m ON m.kind = 'dual_prevention_idle' AND m.subject_id = w.subject_id
	  WHERE w.kind = 'dual_prevention_idle' AND w.started_at = m.handled_at$$,
	$$SELECT m.subject_id, j, m.handled_at + m.stage_offset[j], NULL::timestamptz
	  FROM matrix m CROSS JOIN generate_series(1, 3) j WHERE m.kind = 'dual_prevention_idle'$$,
	'each normal run starts a new idle episode whose stages fall due 7, 10 and 13 days after it');

SELECT is((SELECT count(*) FROM escalation.tracked_item WHERE kind <> 'dual_prevention_idle' AND kind::text NOT LIKE 'handling%'), 0::bigint,
	'handled items whose warnings are resolved leave the work list');
SELECT set_eq($$SELECT subject_id FROM escalation.tracked_item WHERE kind::text LIKE 'handling%'$$,
	$$SELECT id FROM escalation.warning WHERE resolved_at IS NULL$$,
	'what stays of the handling timers is the sign timer of each active warning');

-- Resolution happens when the handling time is reached, not before.
INSERT INTO escalation.hazard (id, unit_id, found_by, found_at, grade, needs_recheck, rectify_deadline, closed_at) OVERRIDING SYSTEM VALUE
VALUES (9001, 10, 2, '2024-05-01 09:00+08', 'general', true, '2024-05-10 09:00+08', '2024-05-14 12:00+08');
SELECT is(escalation.run('2024-05-14 11:59:59+08'), 2::bigint, 'before its handling, the late hazard climbs two stages');
SELECT is((SELECT count(*) FROM escalation.warning WHERE subject_id = 9001 AND kind = 'hazard_overdue' AND resolved_at IS NULL),
	2::bigint, 'one second before the handling time its warnings are active');
SELECT is(escalation.run('2024-05-14 12:00+08'), 0::bigint, 'at the handling time nothing is raised');
SELECT results_eq(
	$$SELECT stage::int, resolved_at, resolved_reason::text FROM escalation.warning
	  WHERE subject_id = 9001 AND kind = 'hazard_overdue' ORDER BY stage$$,
	$$VALUES (1, timestamptz '2024-05-14 12:00+08', 'closed'), (2, timestamptz '2024-05-14 12:00+08', 'closed')$$,
	'at the handling time both warnings are resolved as closed, and stage 3 never comes');

SELECT * FROM finish();
ROLLBACK;
