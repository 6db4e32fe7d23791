-- The supervised-object database: the contract columns accept the INSERTs the
-- specification promises, every constraint rejects bad input with its SQLSTATE and
-- a message naming the value and leaves nothing behind, rows follow their unit's
-- region, licences renew, starter industries stay read-only, and every change of a
-- unit, licence or rule is kept in the history with who and when.
BEGIN;
CREATE EXTENSION IF NOT EXISTS escalation;
SELECT plan(60);
SET LOCAL search_path = escalation, public;

-- Tables, contract columns, comments, pg_dump
SELECT has_table('escalation', t, 'table escalation.' || t || ' exists')
FROM unnest(ARRAY['division', 'industry', 'unit', 'licence', 'safety_rule', 'unit_history']) AS t;
SELECT has_column('escalation', 'unit', c, 'unit has contract column ' || c)
FROM unnest(ARRAY['id', 'name', 'uscc', 'region', 'supervision_level']) AS c;
SELECT has_column('escalation', 'licence', c, 'licence has contract column ' || c)
FROM unnest(ARRAY['id', 'unit_id', 'kind', 'valid_until', 'superseded_at']) AS c;
SELECT col_type_is('escalation', 'unit', 'uscc', 'escalation', 'uscc', 'unit.uscc is an escalation.uscc');
SELECT col_type_is('escalation', 'unit', 'region', 'escalation', 'region', 'unit.region is an escalation.region');
SELECT is((SELECT count(*) FROM pg_catalog.pg_attribute a JOIN pg_catalog.pg_class c ON c.oid = a.attrelid
		   WHERE c.relnamespace = 'escalation'::regnamespace AND a.attnum > 0 AND NOT a.attisdropped
			 AND c.relname IN ('division', 'industry', 'unit', 'licence', 'safety_rule', 'unit_history')
			 AND (col_description(c.oid, a.attnum) IS NULL OR obj_description(c.oid, 'pg_class') IS NULL)),
	0::bigint, 'every table and column of the supervised-object database has a comment');
SELECT is((SELECT array_agg(t ORDER BY t) FROM unnest(ARRAY['division', 'industry', 'unit', 'licence', 'safety_rule', 'unit_history']) t
		   WHERE ('escalation.' || t)::regclass::oid <> ALL (SELECT unnest(extconfig) FROM pg_catalog.pg_extension WHERE extname = 'escalation')),
	NULL, 'every table of user data is kept by pg_dump');

-- The specification's INSERTs, giving only the listed columns
SELECT lives_ok($$INSERT INTO escalation.unit (name, uscc, region, supervision_level)
				  VALUES ('济南测试化工有限公司', '91350100M000100Y43', '370102001', 'district')$$,
	'an INSERT into unit giving only the contract columns succeeds');
SELECT lives_ok($$INSERT INTO escalation.unit (name, uscc, region, supervision_level)
				  VALUES ('历下区某小吃店', NULL, '370102002', 'street')$$,
	'a unit without a credit code (nine small venues) is accepted');
SELECT lives_ok($$INSERT INTO escalation.licence (unit_id, kind, valid_until, superseded_at)
				  SELECT id, '安全生产许可证', '2026-12-31', NULL FROM escalation.unit WHERE uscc = '91350100M000100Y43'$$,
	'an INSERT into licence giving only the contract columns succeeds');
SELECT is((SELECT l.region::text FROM escalation.licence l JOIN escalation.unit u ON u.id = l.unit_id
		   WHERE u.uscc = '91350100M000100Y43'), '370102001',
	'a licence takes its unit''s region');
SELECT is((SELECT safety_licence FROM escalation.licence l JOIN escalation.unit u ON u.id = l.unit_id
		   WHERE u.uscc = '91350100M000100Y43'), true,
	'a licence entered without saying otherwise is a safety-production licence');
SELECT is((SELECT uscc::text FROM escalation.unit WHERE name = '济南测试化工有限公司'), '91350100M000100Y43',
	'the credit code is kept as given');
SELECT lives_ok($$INSERT INTO escalation.unit (name, uscc, region, supervision_level)
				  VALUES ('小写代码公司', escalation.uscc_complete('91370102ma3c5xq4g'), '370102003', 'street')$$,
	'a credit code may be given in lower case');
SELECT is((SELECT uscc::text FROM escalation.unit WHERE name = '小写代码公司'), escalation.uscc_complete('91370102MA3C5XQ4G')::text,
	'a lower-case credit code is stored in upper case');

-- Bad input: clear errors, nothing left behind
CREATE TEMP TABLE counts_before AS
SELECT (SELECT count(*) FROM escalation.unit) AS units, (SELECT count(*) FROM escalation.licence) AS licences,
	   (SELECT count(*) FROM escalation.unit_history) AS history;
SELECT throws_ok($$INSERT INTO escalation.unit (name, uscc, region, supervision_level)
				   VALUES ('市级代码单位', NULL, '370100', 'city')$$,
	'23514', NULL, 'a unit whose region is a city code is rejected (23514)');
SELECT throws_like($$INSERT INTO escalation.unit (name, uscc, region, supervision_level)
					 VALUES ('省级代码单位', NULL, '370000', 'city')$$,
	'%unit_region_street_or_district%', 'a unit whose region is a province code is rejected by unit_region_street_or_district');
SELECT throws_ok($$INSERT INTO escalation.unit (name, uscc, region, supervision_level)
				   VALUES ('重复代码公司', '91350100m000100y43', '370102004', 'street')$$,
	'23505', NULL, 'a credit code already used by another unit is rejected, whatever its case (23505)');
SELECT throws_like($$INSERT INTO escalation.unit (name, uscc, region, supervision_level)
					 VALUES ('坏代码公司', '91350100M000100Y44', '370102004', 'street')$$,
	'%invalid unified social credit code%91350100M000100Y44%', 'a credit code with a wrong check character is rejected, naming it');
SELECT throws_ok($$INSERT INTO escalation.unit (name, uscc, region, supervision_level)
				   VALUES ('   ', NULL, '370102004', 'street')$$,
	'23514', 'new row for relation "unit" violates check constraint "unit_name_not_blank"', 'a blank unit name is rejected');
SELECT throws_ok($$INSERT INTO escalation.unit (name, region, supervision_level, employees, dust_workers)
				   VALUES ('粉尘公司', '370102004', 'street', 5, 12)$$,
	'23514', 'new row for relation "unit" violates check constraint "unit_dust_workers_within_employees"',
	'more workers in dust operations than employees is rejected');
SELECT throws_ok($$INSERT INTO escalation.unit (name, region, supervision_level, industry_code)
				   VALUES ('未知行业公司', '370102004', 'street', 'NOPE')$$,
	'23503', NULL, 'a unit of an unknown industry is rejected (23503)');
SELECT throws_ok($$INSERT INTO escalation.licence (unit_id, kind, valid_from, valid_until)
				   SELECT id, '安全生产许可证', '2027-01-01', '2026-01-01' FROM escalation.unit WHERE uscc = '91350100M000100Y43'$$,
	'23514', 'new row for relation "licence" violates check constraint "licence_validity_order"',
	'a licence valid until before it is valid from is rejected');
SELECT throws_ok($$INSERT INTO escalation.licence (unit_id, kind, valid_until) VALUES (-1, '安全生产许可证', '2027-01-01')$$,
	'23503', 'unit -1 does not exist', 'a licence of a unit that does not exist is rejected, naming the unit');
SELECT throws_ok($$INSERT INTO escalation.unit (name, region, supervision_level) VALUES ('好单位', '370102005', 'street'),
					('坏单位', '370100', 'street')$$,
	'23514', NULL, 'a multi-row INSERT with one bad row fails as a whole');
SELECT is((SELECT ROW((SELECT count(*) FROM escalation.unit), (SELECT count(*) FROM escalation.licence),
					  (SELECT count(*) FROM escalation.unit_history))::text),
		  (SELECT ROW(units, licences, history)::text FROM counts_before),
	'the failed statements left no unit, licence or history entry behind');

-- Rows follow their unit's region
INSERT INTO escalation.safety_rule (unit_id, title, category)
SELECT id, '全员安全生产责任制', 'responsibility' FROM escalation.unit WHERE uscc = '91350100M000100Y43';
UPDATE escalation.unit SET region = '370103001' WHERE uscc = '91350100M000100Y43';
SELECT is((SELECT array_agg(DISTINCT region::text) FROM (
			 SELECT region FROM escalation.licence WHERE unit_id = (SELECT id FROM escalation.unit WHERE uscc = '91350100M000100Y43')
			 UNION ALL SELECT region FROM escalation.safety_rule WHERE unit_id = (SELECT id FROM escalation.unit WHERE uscc = '91350100M000100Y43')
			 UNION ALL SELECT region FROM escalation.unit_history WHERE unit_id = (SELECT id FROM escalation.unit WHERE uscc = '91350100M000100Y43')) r),
	ARRAY['370103001'], 'moving a unit to another street moves its licences, rules and history with it');
SELECT is((SELECT region::text FROM escalation.licence WHERE unit_id = (SELECT id FROM escalation.unit WHERE uscc = '91350100M000100Y43')),
	'370103001', 'a licence''s region cannot drift from its unit''s');

-- History: who changed what, when
SELECT is((SELECT operation || ' by ' || changed_by FROM escalation.unit_history
		   WHERE table_name = 'unit' AND unit_id = (SELECT id FROM escalation.unit WHERE uscc = '91350100M000100Y43')
		   ORDER BY id LIMIT 1), 'INSERT by ' || current_user,
	'entering a unit records an INSERT by the current role');
SELECT is((SELECT changed_columns FROM escalation.unit_history
		   WHERE table_name = 'unit' AND operation = 'UPDATE' AND unit_id = (SELECT id FROM escalation.unit WHERE uscc = '91350100M000100Y43')),
	ARRAY['region'], 'moving a unit records an UPDATE naming only the region (updated_at is not a change of its own)');
SELECT is((SELECT old_row ->> 'region' || ' -> ' || (new_row ->> 'region') FROM escalation.unit_history
		   WHERE table_name = 'unit' AND operation = 'UPDATE' AND unit_id = (SELECT id FROM escalation.unit WHERE uscc = '91350100M000100Y43')),
	'370102001 -> 370103001', 'the history keeps the old and the new values');
CREATE TEMP TABLE history_before AS SELECT count(*) AS n FROM escalation.unit_history;
UPDATE escalation.unit SET name = name WHERE uscc = '91350100M000100Y43';
SELECT is((SELECT count(*) FROM escalation.unit_history), (SELECT n FROM history_before),
	'an UPDATE that changes nothing records nothing');
SET LOCAL ROLE escalation_admin;
UPDATE escalation.unit SET employees = 130 WHERE uscc = '91350100M000100Y43';
RESET ROLE;
SELECT is((SELECT changed_by::text FROM escalation.unit_history WHERE table_name = 'unit' ORDER BY id DESC LIMIT 1),
	'escalation_admin', 'the history names the role that made the change');
DELETE FROM escalation.safety_rule WHERE unit_id = (SELECT id FROM escalation.unit WHERE uscc = '91350100M000100Y43');
SELECT is((SELECT old_row ->> 'title' FROM escalation.unit_history WHERE table_name = 'safety_rule' AND operation = 'DELETE'),
	'全员安全生产责任制', 'deleting a rule keeps the deleted row in the history');
SET LOCAL ROLE escalation_admin;
SELECT throws_ok($$INSERT INTO escalation.unit_history (unit_id, region, table_name, row_id, operation, changed_by, changed_at)
				   VALUES (1, '370102001', 'unit', 1, 'UPDATE', 'someone', now())$$,
	'42501', 'permission denied for table unit_history',
	'nobody writes the history by hand, not even the city office');
SELECT throws_ok($$DELETE FROM escalation.unit_history$$, '42501', NULL, 'nobody deletes history entries');
RESET ROLE;

-- Licence renewal
SELECT isnt(escalation.licence_renew((SELECT l.id FROM escalation.licence l JOIN escalation.unit u ON u.id = l.unit_id
									  WHERE u.uscc = '91350100M000100Y43'), 'NEW-1', '2027-01-01', '2029-12-31'),
	NULL, 'a licence renews into a new licence');
SELECT is((SELECT count(*) FILTER (WHERE superseded_at IS NOT NULL AND superseded_by IS NOT NULL) || '/' || count(*)
		   FROM escalation.licence l JOIN escalation.unit u ON u.id = l.unit_id WHERE u.uscc = '91350100M000100Y43'),
	'1/2', 'the renewed licence is superseded by the new one, which is current');
SELECT throws_like($$SELECT escalation.licence_renew((SELECT l.id FROM escalation.licence l JOIN escalation.unit u ON u.id = l.unit_id
												   WHERE u.uscc = '91350100M000100Y43' AND superseded_at IS NOT NULL), 'X', NULL, '2030-01-01')$$,
	'licence % was already superseded at %', 'a superseded licence cannot be renewed again');
INSERT INTO escalation.licence (unit_id, kind, valid_until)
SELECT id, '食品经营许可证', '2028-01-01' FROM escalation.unit WHERE name = '历下区某小吃店';
SELECT throws_ok($$UPDATE escalation.licence SET superseded_at = now(),
					 superseded_by = (SELECT min(id) FROM escalation.licence WHERE unit_id <> (SELECT id FROM escalation.unit WHERE uscc = '91350100M000100Y43'))
				   WHERE superseded_at IS NULL AND unit_id = (SELECT id FROM escalation.unit WHERE uscc = '91350100M000100Y43')$$,
	'23503', NULL, 'a licence cannot be superseded by another unit''s licence');
SELECT throws_ok($$SELECT escalation.licence_renew(-5, 'X', NULL, '2030-01-01')$$, 'P0002', 'licence -5 does not exist',
	'renewing a licence that does not exist names it');

-- Industries: the starter list covers §12 and stays read-only
SELECT is((SELECT array_agg(DISTINCT dual_prevention_scope::text ORDER BY dual_prevention_scope::text) FROM escalation.industry WHERE builtin AND dual_prevention_scope IS NOT NULL),
	ARRAY['dust', 'food_processing', 'hazardous_chemicals', 'metal_smelting', 'non_coal_mine'],
	'the starter industries cover every industry §12 names');
SELECT throws_ok($$UPDATE escalation.industry SET name = '矿山' WHERE code = 'S01'$$, '42501',
	'industry "S01" is a starter category shipped with the extension and cannot be changed', 'a starter category cannot be renamed');
SELECT throws_ok($$DELETE FROM escalation.industry WHERE code = 'S01'$$, '42501', NULL, 'a starter category cannot be deleted');
SELECT throws_ok($$INSERT INTO escalation.industry (code, name, builtin) VALUES ('X1', '假内置', true)$$, '42501',
	'industry "X1" cannot be marked builtin', 'a category cannot pose as shipped');
SELECT lives_ok($$INSERT INTO escalation.industry (code, name, category, dual_prevention_scope, dual_prevention_mandatory)
				  VALUES ('101', '城市非煤矿山', '工矿商贸', 'non_coal_mine', true)$$, 'the city adds a category of its own');
SELECT throws_ok($$INSERT INTO escalation.industry (code, name, dual_prevention_mandatory) VALUES ('102', '无条款', true)$$,
	'23514', NULL, 'a mandatory category must say which §12 clause makes it so');

SELECT * FROM finish();
ROLLBACK;
