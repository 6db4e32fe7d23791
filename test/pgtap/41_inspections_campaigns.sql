-- Inspections and campaigns: inspectors belong to the inspecting department, work
-- under a campaign falls within its period and scope, a campaign cannot end before
-- it starts, and campaign progress by district as of any day matches crafted data.
BEGIN;
CREATE EXTENSION IF NOT EXISTS escalation;
SELECT plan(28);
\ir fixtures/40_work.sql

INSERT INTO escalation.unit (id, name, region, supervision_level, industry_code, business_status) OVERRIDING SYSTEM VALUE VALUES
	(4005, '济南已关停机械厂', '370102001', 'district', 'S12', 'closed'),
	(4006, '济南泉城建筑工程有限公司', '370102001', 'district', 'S21', 'operating');

-- Inspections -------------------------------------------------------------------

SELECT escalation.inspect(4001, 4210, ARRAY[4211, 4212]::bigint[], 'on_site', 'enforcement', '粉尘防爆', '发现2处隐患',
	'2025-02-20 09:00+08', office_id => 4215) AS routine \gset
SELECT results_eq(format('SELECT department_id, unit_id, kind, mode, region::text FROM escalation.inspection WHERE id = %s', :routine),
	$$VALUES (4210::bigint, 4001::bigint, 'enforcement'::escalation.inspection_kind, 'on_site'::escalation.inspection_mode, '370102001')$$,
	'escalation.inspect records an inspection with the unit''s region');
SELECT results_eq(format('SELECT person_id, department_id, unit_id FROM escalation.inspection_inspector WHERE inspection_id = %s ORDER BY 1', :routine),
	$$VALUES (4211::bigint, 4210::bigint, 4001::bigint), (4212::bigint, 4210::bigint, 4001::bigint)$$,
	'and its inspectors, with department and unit taken from the inspection');
SELECT throws_ok($$SELECT escalation.inspect(4001, 4210, ARRAY[4211, 4221]::bigint[], inspected_at => '2025-02-21+08')$$,
	'23503', NULL, 'an inspector of another department is rejected');
SELECT throws_ok(format($$INSERT INTO escalation.inspection_inspector (inspection_id, person_id) VALUES (%s, 4411)$$, :routine),
	'23503', format('inspector 4411 works in department 4410, not in department 4210 that made inspection %s', :routine),
	'the error names the inspector and both departments');
SELECT throws_ok($$SELECT escalation.inspect(4001, 4210, office_id => 4415, inspected_at => '2025-02-21+08')$$,
	'23503', NULL, 'an office of another department is rejected');
SELECT is((SELECT count(*) FROM escalation.inspection), 1::bigint, 'the rejected inspections left nothing behind');

-- Campaigns -----------------------------------------------------------------------

SELECT throws_ok($$INSERT INTO escalation.campaign (name, kind, organiser_id, starts_on, ends_on)
	VALUES ('春季专项整治', 'special_rectification', 4110, '2025-03-01', '2025-02-01')$$,
	'23514', 'campaign "春季专项整治" ends on 2025-02-01 before it starts on 2025-03-01',
	'a campaign that ends before it starts is rejected');
SELECT throws_ok($$INSERT INTO escalation.campaign (name, kind, organiser_id, scope_regions, starts_on, ends_on)
	VALUES ('历下区专项督查', 'special_oversight', 4210, '{370103}', '2025-03-01', '2025-03-31')$$,
	'23514', 'campaign scope region 370103 is outside region 370102 of organiser 4210 ("历下区应急管理局")',
	'a district cannot deploy a campaign in another district');
SELECT throws_ok($$INSERT INTO escalation.campaign (name, kind, organiser_id, scope_industries, starts_on, ends_on)
	VALUES ('专项整治', 'special_rectification', 4110, '{S12,X99}', '2025-03-01', '2025-03-31')$$,
	'23503', 'campaign scope industry "X99" does not exist', 'an unknown industry in the scope is rejected');

INSERT INTO escalation.campaign (id, name, kind, organiser_id, scope_regions, scope_industries, starts_on, ends_on, targets, goal_coverage) OVERRIDING SYSTEM VALUE
VALUES (41001, '2025年春季安全生产专项整治', 'special_rectification', 4110, '{370102,370103}', '{S12,S10,S05,S16}',
		'2025-03-01', '2025-03-31', '重点行业企业全覆盖检查', 1.0);
SELECT is((SELECT region::text FROM escalation.campaign WHERE id = 41001), '370100', 'a campaign carries its organiser''s region');
SELECT is(escalation.campaign_enlist(41001, '2025-03-01+08'), 4::bigint,
	'enlisting adds the operating units within scope regions and industries');
SELECT results_eq('SELECT unit_id FROM escalation.campaign_target WHERE campaign_id = 41001 ORDER BY 1',
	$$VALUES (4001::bigint), (4002::bigint), (4003::bigint), (4004::bigint)$$,
	'closed units and units of other industries are left out');
SELECT is(escalation.campaign_enlist(41001), 0::bigint, 'enlisting again adds nothing');
SELECT throws_ok($$INSERT INTO escalation.campaign_target (campaign_id, unit_id) VALUES (41001, 4006)$$,
	'23514', 'unit 4006 is outside the scope of campaign 41001', 'a target outside the scope is rejected');

SELECT throws_ok($$SELECT escalation.inspect(4001, 4210, inspected_at => '2025-04-02+08', campaign_id => 41001)$$,
	'23514', 'inspection on 2025-04-02 is outside the period of campaign 41001 ("2025年春季安全生产专项整治"), 2025-03-01 to 2025-03-31',
	'an inspection after the campaign cannot be under it');
SELECT throws_ok($$SELECT escalation.inspect(4006, 4300, inspected_at => '2025-03-02+08', campaign_id => 41001)$$,
	'23514', 'unit 4006 is outside the scope of campaign 41001 ("2025年春季安全生产专项整治")',
	'an inspection of a unit outside the scope cannot be under it');

-- Work under the campaign: four inspections, four hazards.
INSERT INTO escalation.inspection (id, department_id, unit_id, mode, campaign_id, inspected_at) OVERRIDING SYSTEM VALUE VALUES
	(41101, 4210, 4001, 'on_site', 41001, '2025-03-03 09:00+08'),
	(41102, 4300, 4001, 'online', 41001, '2025-03-05 09:00+08'),
	(41103, 4410, 4003, 'on_site', 41001, '2025-03-10 09:00+08'),
	(41104, 4210, 4002, 'online', 41001, '2025-03-20 09:00+08');
INSERT INTO escalation.hazard (id, unit_id, found_by, found_at, inspection_id, description, grade, rectify_deadline) OVERRIDING SYSTEM VALUE VALUES
	(41201, 4001, 4210, '2025-03-03 10:00+08', 41101, '除尘器泄爆口朝向人员通道', 'general', '2025-03-10 18:00+08'),
	(41202, 4001, 4210, '2025-03-03 10:00+08', 41101, '粉尘清扫记录缺失', 'general', '2025-03-06 18:00+08'),
	(41203, 4003, 4410, '2025-03-10 10:00+08', 41103, '反应釜紧急切断装置失效', 'suspected_major', NULL),
	(41204, 4002, 4210, '2025-03-20 10:00+08', 41104, '冷库应急照明损坏', 'general', '2025-03-27 18:00+08');
SELECT is((SELECT campaign_id FROM escalation.hazard WHERE id = 41201), 41001::bigint,
	'a hazard takes its campaign from its inspection');
SELECT throws_ok($$INSERT INTO escalation.hazard (unit_id, found_by, found_at, inspection_id, campaign_id, rectify_deadline)
	VALUES (4001, 4210, '2025-02-20 10:00+08', (SELECT min(id) FROM escalation.inspection), 41001, '2025-03-20+08')$$,
	'23514', NULL, 'a hazard cannot claim a campaign its inspection was not under');

DO $steps$
BEGIN
	PERFORM escalation.hazard_rectify(41201, '王强', rectified_at => '2025-03-05 10:00+08');
	PERFORM escalation.hazard_recheck(41201, 4210, false, '泄爆口仍朝向通道', '2025-03-12 18:00+08', rechecked_at => '2025-03-06 10:00+08');
	PERFORM escalation.hazard_rectify(41201, '王强', rectified_at => '2025-03-08 10:00+08');
	PERFORM escalation.hazard_recheck(41201, 4210, true, rechecked_at => '2025-03-09 10:00+08');
	PERFORM escalation.hazard_close(41201, 4210, closed_at => '2025-03-09 11:00+08');
	PERFORM escalation.hazard_rectify(41204, '李娜', rectified_at => '2025-03-22 10:00+08');
END
$steps$;

-- Progress (定期调度) --------------------------------------------------------------

SELECT results_eq($$SELECT district::text, target_units, covered_units, coverage, inspections, on_site_inspections, online_inspections,
		hazards_found, hazards_rectified, hazards_closed, hazards_overdue
	FROM escalation.campaign_progress(41001, '2025-03-05') ORDER BY district NULLS LAST$$,
	$$VALUES ('370102', 2::bigint, 1::bigint, 0.5000, 2::bigint, 1::bigint, 1::bigint, 2::bigint, 1::bigint, 0::bigint, 0::bigint),
			 ('370103', 2, 0, 0.0000, 0, 0, 0, 0, 0, 0, 0),
			 (NULL, 4, 1, 0.2500, 2, 1, 1, 2, 1, 0, 0)$$,
	'on 5 March: one target inspected twice (on site and online), two hazards found, one rectified');
SELECT results_eq($$SELECT district::text, hazards_found, hazards_rectified, hazards_closed, hazards_overdue
	FROM escalation.campaign_progress(41001, '2025-03-07') WHERE district::text = '370102'$$,
	$$VALUES ('370102', 2::bigint, 0::bigint, 0::bigint, 1::bigint)$$,
	'on 7 March the failed re-inspection has sent the rectified hazard back, and the other one is overdue');
SELECT results_eq($$SELECT district::text, district_name, target_units, covered_units, coverage, inspections, on_site_inspections,
		online_inspections, inspected_units, hazards_found, major_hazards_found, hazards_rectified, hazards_closed, hazards_overdue,
		rectification_rate
	FROM escalation.campaign_progress(41001, '2025-03-31') ORDER BY district NULLS LAST$$,
	$$VALUES ('370102', NULL::text, 2::bigint, 2::bigint, 1.0000, 3::bigint, 1::bigint, 2::bigint, 2::bigint, 3::bigint, 0::bigint,
			  2::bigint, 1::bigint, 1::bigint, 0.6667),
			 ('370103', NULL, 2, 1, 0.5000, 1, 1, 0, 1, 1, 1, 0, 0, 0, 0.0000),
			 (NULL, '合计', 4, 3, 0.7500, 4, 2, 2, 3, 4, 1, 2, 1, 1, 0.5000)$$,
	'on the last day: coverage, inspections by mode, hazards found, rectified, closed and overdue by district and in total');
SELECT is((SELECT count(*) FROM escalation.campaign_progress(41001, '2025-02-28')), 3::bigint,
	'before the campaign starts the targets are listed with no work yet');
SELECT is((SELECT inspections FROM escalation.campaign_progress(41001, '2025-02-28') WHERE district IS NULL), 0::bigint,
	'and no inspections');
INSERT INTO escalation.division (code, name) VALUES ('370102', '历下区') ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name;
SELECT is((SELECT district_name FROM escalation.campaign_progress(41001, '2025-03-31') WHERE district::text = '370102'), '历下区',
	'districts are named from the division list');

SELECT results_eq($$SELECT campaign_id, kind_label, target_units, covered_units, hazards_found, goal_met
	FROM escalation.campaign_overview WHERE campaign_id = 41001$$,
	$$VALUES (41001::bigint, '专项整治行动', 4::bigint, 3::bigint, 4::bigint, false)$$,
	'the overview shows an ended campaign as of its last day, short of its coverage goal');

SELECT throws_ok($$UPDATE escalation.campaign SET ends_on = '2025-02-27' WHERE id = 41001$$,
	'23514', NULL, 'a campaign cannot be moved to end before it starts');
SELECT is((SELECT ends_on FROM escalation.campaign WHERE id = 41001), '2025-03-31'::date, 'and is left as it was');
SELECT is((SELECT count(*) FROM escalation.campaign_progress(41001, NULL)), 0::bigint,
	'a NULL day gives no progress rows');

SELECT * FROM finish();
ROLLBACK;
