-- bench/city/trigger_cost.sql — what the extension's triggers and foreign keys
-- cost when hazards are loaded: the same batch of generated hazards (ids after
-- the city's) entered two ways, each rolled back: into a copy of
-- escalation.hazard with the same columns, defaults, CHECK constraints and
-- indexes but no trigger and no foreign key (region joined from the unit, as
-- the trigger would fill it), and through escalation.hazard itself. Both
-- include generating the rows.

\set ON_ERROR_STOP on
\pset footer off
SET TimeZone = 'Asia/Shanghai';
SET search_path = escalation, public;
\if :{?probe_rows}
\else
	\set probe_rows 100000
\endif
SELECT max(CASE name WHEN 'hazard_columns' THEN value END) AS hazard_columns,
	   max(CASE name WHEN 'n_hazards' THEN value END)::bigint + 1 AS lo,
	   max(CASE name WHEN 'n_hazards' THEN value END)::bigint + :probe_rows AS hi
FROM city_gen.setting \gset

CREATE TEMP TABLE probe (way text, seconds numeric);

BEGIN;
CREATE TABLE city_gen.hazard_plain (LIKE escalation.hazard INCLUDING ALL);
SELECT clock_timestamp() AS t0 \gset
INSERT INTO city_gen.hazard_plain (:hazard_columns, region)
SELECT h.*, u.region FROM city_gen.hazard_rows(:lo, :hi) h JOIN escalation.unit u ON u.id = h.unit_id;
SELECT extract(epoch FROM clock_timestamp() - :'t0'::timestamptz) AS plain \gset
ROLLBACK;
INSERT INTO probe VALUES ('into a copy without triggers and foreign keys', :plain);

BEGIN;
SELECT clock_timestamp() AS t0 \gset
INSERT INTO escalation.hazard (:hazard_columns) SELECT * FROM city_gen.hazard_rows(:lo, :hi);
SELECT extract(epoch FROM clock_timestamp() - :'t0'::timestamptz) AS real_table \gset
ROLLBACK;
INSERT INTO probe VALUES ('through escalation.hazard (triggers, foreign keys)', :real_table);

\echo 'What a batch of' :probe_rows 'hazards costs (each way rolled back):'
SELECT way, round(seconds, 2) AS seconds, round(1e6 * seconds / :probe_rows, 1) AS microseconds_per_row FROM probe;
SELECT round(1e6 * (:real_table - :plain) / :probe_rows, 1) AS trigger_and_foreign_key_microseconds_per_row \gset
\echo 'the triggers and foreign keys add' :trigger_and_foreign_key_microseconds_per_row 'microseconds per hazard'

-- The rolled-back rows leave dead tuples behind; clear them before the benchmarks.
VACUUM (ANALYZE) escalation.hazard, escalation.tracked_item, escalation.stage_due;
