-- Forwarding chains of clues (§17): the ladder of a forwarded clue runs from
-- the first transfer of its chain, so forwarding street → district → city →
-- back passes the clock on (step by step and in catch-up); after the limit
-- (rules data) only the city work-safety committee office may forward.
BEGIN;
CREATE EXTENSION IF NOT EXISTS escalation;
SELECT plan(14);
\ir fixtures/50_engine.sql

CREATE TEMP TABLE s AS SELECT timestamptz '2024-03-01 09:00+08' AS s;
CREATE FUNCTION pg_temp.at(d interval) RETURNS timestamptz LANGUAGE sql RETURN (SELECT s FROM s) + d;
INSERT INTO escalation.department (id, name, region, kind) OVERRIDING SYSTEM VALUE VALUES (5, '济南市安委会办公室', '370100', 'safety_committee_office');

-- Street office 3 transfers to district 2 on day 0; 2 forwards to the city
-- bureau 1 on day 2 (before its 3 days ran out).
CREATE TEMP TABLE c AS SELECT escalation.clue_transfer(3, 2, '无证经营危化品', unit_id => 10, transferred_at => pg_temp.at('0')) AS a;
SELECT lives_ok($$SELECT escalation.clue_handle((SELECT a FROM c), 'forwarded', '属市级职权', forward_to => 1, handled_at => pg_temp.at('2 days'))$$,
	'the district forwards the clue to the city on day 2');
ALTER TABLE c ADD COLUMN b bigint;
UPDATE c SET b = (SELECT id FROM escalation.clue WHERE forwarded_from = c.a);
SELECT results_eq($$SELECT started_at - pg_temp.at('0'), forwards FROM escalation.clue_chain((SELECT b FROM c))$$,
	$$VALUES (interval '0', 1)$$, 'the forwarded clue''s chain starts at the first transfer, one forward ago');
SELECT is(escalation.run(pg_temp.at('3 days') - interval '1 second'), 0::bigint, 'nothing is due before day 3');
SELECT is(escalation.run(pg_temp.at('3 days')), 1::bigint, 'on day 3, three days after the first transfer, the forwarded clue climbs');
SELECT results_eq($$SELECT subject_id = (SELECT b FROM c), stage::int, due_at - pg_temp.at('0') FROM escalation.warning WHERE kind = 'clue'$$,
	$$VALUES (true, 1, interval '3 days')$$, 'the forward did not restart the 3 days');

-- The city bureau forwards it back to the street on day 4 and the street
-- forwards it to the other district on day 5; one catch-up run on day 6.
SELECT lives_ok($$SELECT escalation.clue_handle((SELECT b FROM c), 'forwarded', '退回属地', forward_to => 3, handled_at => pg_temp.at('4 days'))$$,
	'the city bureau forwards it back to the street office');
ALTER TABLE c ADD COLUMN c bigint, ADD COLUMN d bigint;
UPDATE c SET c = (SELECT id FROM escalation.clue WHERE forwarded_from = c.b);
SELECT lives_ok($$SELECT escalation.clue_handle((SELECT c FROM c), 'forwarded', '属市中区', forward_to => 4, handled_at => pg_temp.at('5 days'))$$,
	'the street office forwards it to another district: the third forward');
UPDATE c SET d = (SELECT id FROM escalation.clue WHERE forwarded_from = c.c);
SELECT lives_ok($$SELECT escalation.run(pg_temp.at('6 days'))$$, 'one run on day 6');
SELECT results_eq($$SELECT w.stage::int, w.due_at - pg_temp.at('0') FROM escalation.warning w
					WHERE w.kind = 'clue' AND w.subject_id = (SELECT d FROM c) ORDER BY w.stage$$,
	$$VALUES (1, interval '3 days'), (2, '6 days')$$,
	'the last receiver inherits the clock: stages 1 and 2 of the chain, each at its own due time');

-- The limit.
SELECT throws_like($$SELECT escalation.clue_handle((SELECT d FROM c), 'forwarded', '再转', forward_to => 2, handled_at => pg_temp.at('6 days 1 hour'))$$,
	'clue % has been forwarded 3 times, the most allowed: only the city work-safety committee office may forward it',
	'a fourth forward is refused');
SELECT throws_like($$SELECT escalation.clue_handle((SELECT d FROM c), 'forwarded', '报市安委办', forward_to => 5, handled_at => pg_temp.at('6 days 1 hour'))$$,
	'clue % has been forwarded 3 times%', 'even to the city office: the receiver is not the city office');
INSERT INTO escalation.rule_limit_override (name, amount) VALUES ('clue_forward_count', 4);
SELECT lives_ok($$SELECT escalation.clue_handle((SELECT d FROM c), 'forwarded', '报市安委办', forward_to => 5, handled_at => pg_temp.at('6 days 1 hour'))$$,
	'with the limit at 4 (rules data) the district forwards it to the city office');
SELECT lives_ok($$SELECT escalation.clue_handle((SELECT id FROM escalation.clue WHERE forwarded_from = (SELECT d FROM c)), 'forwarded', '指定管辖',
					forward_to => 2, handled_at => pg_temp.at('6 days 2 hours'))$$,
	'beyond the limit the city office may still forward it');
SELECT results_eq($$SELECT forwards FROM escalation.clue c2, escalation.clue_chain(c2.id) WHERE c2.to_department = 2 AND c2.from_department = 5$$,
	$$VALUES (5)$$, 'the chain counts five forwards');

SELECT * FROM finish();
ROLLBACK;
