-- bench/city/worker_items.sql — the items that make the worker benchmark's
-- warnings: :rate per second for :seconds seconds after :v0, each due at its
-- own millisecond, so a run as of v0 + k steps raises exactly the items of
-- step k. Seven in ten are general hazards reaching their rectification
-- deadline, the rest suspected major hazards found then and violation clues
-- transferred three days before, at units all over the city (district and city
-- origin, so every screen gets its share). Entered through the real tables.

\set ON_ERROR_STOP on
SET TimeZone = 'Asia/Shanghai';

CREATE TEMP TABLE bench_item AS
SELECT x.n, x.unit_id, x.due,
	   CASE WHEN x.n % 20 < 14 THEN 'overdue' WHEN x.n % 20 < 17 THEN 'suspected' ELSE 'clue' END AS kind
FROM (SELECT n, city_gen.open_unit(n, 310) AS unit_id,
			 :'v0'::timestamptz + n * (interval '1 second' / :rate) AS due
	  FROM generate_series(1, :rate * :seconds) n OFFSET 0) x;

INSERT INTO escalation.hazard (unit_id, found_by, found_at, grade, needs_recheck, rectify_deadline, description, category, location)
SELECT i.unit_id, city_gen.finder(i.unit_id, i.n, 311),
	   CASE i.kind WHEN 'overdue' THEN i.due - interval '7 days' ELSE i.due END,
	   CASE i.kind WHEN 'overdue' THEN 'general' ELSE 'suspected_major' END::escalation.hazard_grade,
	   true,
	   CASE i.kind WHEN 'overdue' THEN i.due END,
	   CASE i.kind WHEN 'overdue' THEN '安全出口锁闭' ELSE '液氨储罐区未设置泄漏报警装置' END,
	   CASE i.kind WHEN 'overdue' THEN 'fire' ELSE 'ammonia_refrigeration' END::escalation.hazard_category,
	   '生产车间'
FROM bench_item i WHERE i.kind <> 'clue' ORDER BY i.n;

INSERT INTO escalation.clue (unit_id, from_department, to_department, transferred_at, facts, legal_basis)
SELECT c.unit_id, c.from_id, city_gen.receiver(c.from_id, c.n, 313), c.due - interval '3 days',
	   '违规储存危险化学品', '《中华人民共和国安全生产法》'
FROM (SELECT i.*, city_gen.finder(i.unit_id, i.n, 312) AS from_id FROM bench_item i WHERE i.kind = 'clue' OFFSET 0) c
ORDER BY c.n;

SELECT count(*) FILTER (WHERE kind = 'overdue') AS overdue, count(*) FILTER (WHERE kind = 'suspected') AS suspected,
	   count(*) FILTER (WHERE kind = 'clue') AS clues, min(due) AS first_due, max(due) AS last_due
FROM bench_item \gset
\echo 'worker items:' :overdue 'hazards reaching their deadline,' :suspected 'suspected major hazards,' :clues 'clues; due from' :first_due 'to' :last_due
