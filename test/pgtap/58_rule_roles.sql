-- Who may change the ladders: logged in as the city office (escalation_admin), a
-- rule change through escalation.rule takes effect and is validated; a district
-- official and an analyst may read the rules but not change them.
BEGIN;
CREATE EXTENSION IF NOT EXISTS escalation;
SELECT plan(7);
SET LOCAL search_path = escalation, public;

CREATE ROLE rule_test_city LOGIN IN ROLE escalation_admin;
CREATE ROLE rule_test_district LOGIN IN ROLE escalation_user;
CREATE ROLE rule_test_analyst LOGIN IN ROLE escalation_analyst;
INSERT INTO escalation.user_region (role_name, region) VALUES ('rule_test_district', '370102');

SET LOCAL ROLE rule_test_city;
SELECT lives_ok($$UPDATE escalation.rule SET delay = '4 days' WHERE kind = 'clue' AND origin = 'district' AND stage = 1$$,
	'the city office changes a ladder''s delay through escalation.rule');
SELECT is((SELECT delay FROM escalation.rule WHERE kind = 'clue' AND origin = 'district' AND stage = 1), '4 days'::interval,
	'the changed delay is the rule in force');
SELECT is((SELECT changed_by::text FROM escalation.rule_override WHERE kind = 'clue' AND origin = 'district' AND stage = 1),
	'rule_test_city', 'the change records who made it');
SELECT throws_ok($$UPDATE escalation.rule SET delay = '-1 day' WHERE kind = 'clue' AND origin = 'district' AND stage = 2$$,
	NULL, NULL, 'the city office''s changes are still validated (no negative delay)');
RESET ROLE;

SET LOCAL ROLE rule_test_district;
SELECT ok((SELECT count(*) FROM escalation.rule) >= 10, 'a district official reads the rules');
SELECT throws_ok($$UPDATE escalation.rule SET delay = '1 day' WHERE kind = 'clue' AND origin = 'district' AND stage = 1$$,
	'42501', NULL, 'a district official cannot change a rule');
RESET ROLE;

SET LOCAL ROLE rule_test_analyst;
SELECT throws_ok($$DELETE FROM escalation.rule WHERE kind = 'clue'$$, '42501', NULL, 'an analyst cannot change a rule');
RESET ROLE;

SELECT * FROM finish();
ROLLBACK;
