-- Transferred violation clues: transfer to the competent department, handling by
-- acceptance, rejection with reason or forwarding (which hands a new clue on),
-- handling once only, the receiver's access across districts, and bad input.
BEGIN;
CREATE EXTENSION IF NOT EXISTS escalation;
SELECT plan(31);
\ir fixtures/40_work.sql
SELECT pg_temp.t40_grant_tap();

SELECT escalation.clue_transfer(4300, 4210, '未经许可擅自储存易燃液体约2吨', '《安全生产法》第三十九条', 4001,
	'2025-03-01 10:00+08') AS c1 \gset
SELECT results_eq(format('SELECT from_department, to_department, unit_id, transferred_at, handled_at, handling, region::text
	FROM escalation.clue WHERE id = %s', :c1),
	$$VALUES (4300::bigint, 4210::bigint, 4001::bigint, '2025-03-01 10:00+08'::timestamptz, NULL::timestamptz,
			  NULL::escalation.clue_handling, '370102001')$$,
	'a street office transfers a clue about a unit to the district''s competent department; it carries the unit''s region');
SELECT escalation.clue_transfer(4410, 4120, '辖区内存在非法加油点线索', '《危险化学品安全管理条例》第七十七条',
	transferred_at => '2025-03-01 10:00+08') AS c2 \gset
SELECT is((SELECT region::text FROM escalation.clue WHERE id = :c2), '370103',
	'a clue without a unit carries the transferring department''s region');
SELECT throws_ok($$SELECT escalation.clue_transfer(4210, 4210, '线索', transferred_at => '2025-03-01+08')$$,
	'23514', 'clue cannot be transferred from department 4210 to itself', 'a department does not transfer a clue to itself');
SELECT throws_ok($$SELECT escalation.clue_transfer(4300, 4210, '', transferred_at => '2025-03-01+08')$$,
	'22004', 'argument facts must not be empty', 'a clue states what was found');
SELECT lives_ok($$INSERT INTO escalation.clue (unit_id, from_department, to_department, transferred_at, handled_at)
	VALUES (4001, 4300, 4210, '2025-02-01+08', '2025-02-02+08')$$,
	'an INSERT with only the core columns, already handled (an import), is accepted');

-- Acceptance
SELECT lives_ok(format($$SELECT escalation.clue_handle(%s, 'accepted', '已立案调查', '历应急罚立〔2025〕12号', handled_by => 4211,
	handled_at => '2025-03-02 15:00+08')$$, :c1), 'the receiver accepts and files the clue');
SELECT results_eq(format('SELECT handling, handled_at, handled_by, case_number FROM escalation.clue WHERE id = %s', :c1),
	$$VALUES ('accepted'::escalation.clue_handling, '2025-03-02 15:00+08'::timestamptz, 4211::bigint, '历应急罚立〔2025〕12号')$$,
	'acceptance records when, by whom and the case number');
SELECT throws_ok(format($$SELECT escalation.clue_handle(%s, 'rejected', '重复', handled_at => '2025-03-03+08')$$, :c1),
	'55000', format('cannot handle clue %s: it was already handled (受理立案) at 2025-03-02 15:00:00+08', :c1),
	'a clue is handled once');
SELECT throws_ok(format($$UPDATE escalation.clue SET handled_at = '2025-03-05+08' WHERE id = %s$$, :c1),
	'55000', NULL, 'its handling time is final');
SELECT throws_ok(format($$UPDATE escalation.clue SET to_department = 4220 WHERE id = %s$$, :c1),
	'55000', format('column to_department of clue %s cannot be changed', :c1), 'the receiving department is fixed');
SELECT throws_ok(format($$UPDATE escalation.clue SET transferred_at = '2025-03-02+08' WHERE id = %s$$, :c1),
	'55000', format('column transferred_at of clue %s cannot be changed', :c1), 'the transfer time is fixed');

-- Rejection
SELECT escalation.clue_transfer(4300, 4210, '某商铺违规使用液化气', transferred_at => '2025-03-01 10:00+08', unit_id => 4002) AS c3 \gset
SELECT throws_ok(format($$SELECT escalation.clue_handle(%s, 'rejected', handled_at => '2025-03-02+08')$$, :c3),
	'22004', 'argument note must not be empty', 'a rejection needs its reason');
SELECT throws_ok(format($$UPDATE escalation.clue SET handling = 'rejected', handled_at = '2025-03-02+08' WHERE id = %s$$, :c3),
	'23502', 'rejecting a clue needs the reason in handling_note', 'also by direct UPDATE');
SELECT throws_ok(format($$SELECT escalation.clue_handle(%s, 'rejected', '不属于本部门职责', '案号', handled_at => '2025-03-02+08')$$, :c3),
	'22023', 'case_number is given only when accepting a clue', 'a rejection carries no case number');
SELECT throws_ok(format($$SELECT escalation.clue_handle(%s, 'accepted', handled_at => '2025-02-28+08')$$, :c3),
	'23514', 'clue handled_at 2025-02-28 00:00:00+08 is before its transferred_at 2025-03-01 10:00:00+08',
	'a clue is not handled before it was transferred');
SELECT is((SELECT handled_at FROM escalation.clue WHERE id = :c3), NULL::timestamptz, 'the rejected attempts changed nothing');
SELECT lives_ok(format($$SELECT escalation.clue_handle(%s, 'rejected', '经核查，液化气使用符合规定，不予受理', handled_at => '2025-03-02+08')$$, :c3),
	'the receiver rejects a clue with the reason');

-- Forwarding
SELECT escalation.clue_transfer(4300, 4220, '食品企业冷库液氨泄漏隐患线索', '《安全生产法》第四十一条', 4002,
	'2025-03-01 10:00+08') AS c4 \gset
SELECT throws_ok(format($$SELECT escalation.clue_handle(%s, 'forwarded', handled_at => '2025-03-02+08')$$, :c4),
	'22004', 'argument forward_to must not be empty', 'a forward names the competent department');
SELECT throws_ok(format($$SELECT escalation.clue_handle(%s, 'forwarded', forward_to => 4220, handled_at => '2025-03-02+08')$$, :c4),
	'23514', 'clue cannot be forwarded to department 4220, which received it', 'a forward goes elsewhere');
SELECT lives_ok(format($$SELECT escalation.clue_handle(%s, 'forwarded', '涉氨制冷属应急管理部门监管', forward_to => 4210,
	handled_at => '2025-03-02 09:00+08')$$, :c4),
	'the market regulator forwards the clue to the emergency management bureau');
SELECT is((SELECT handled_at FROM escalation.clue WHERE id = :c4), '2025-03-02 09:00+08'::timestamptz,
	'the forward handles the clue for the receiver (its ladder stops)');
SELECT results_eq(format('SELECT from_department, to_department, unit_id, transferred_at, facts, legal_basis, handled_at
	FROM escalation.clue WHERE forwarded_from = %s', :c4),
	$$VALUES (4220::bigint, 4210::bigint, 4002::bigint, '2025-03-02 09:00+08'::timestamptz, '食品企业冷库液氨泄漏隐患线索',
			  '《安全生产法》第四十一条', NULL::timestamptz)$$,
	'and hands a new clue from the receiver to the competent department, transferred at the forward');
SELECT throws_ok(format($$INSERT INTO escalation.clue (from_department, to_department, forwarded_from) VALUES (4210, 4120, %s)$$, :c4),
	'23505', NULL, 'a clue is forwarded once');

-- Handling without detail (the core columns only)
SELECT escalation.clue_transfer(4300, 4210, '线索', transferred_at => '2025-03-01 10:00+08', unit_id => 4001) AS c5 \gset
SELECT lives_ok(format($$UPDATE escalation.clue SET handled_at = '2025-03-03+08' WHERE id = %s$$, :c5),
	'recording only handled_at handles a clue');

-- The receiver of another district
SELECT escalation.clue_transfer(4300, 4410, '企业跨区设置危化品仓库', unit_id => 4001, transferred_at => '2025-03-01 10:00+08') AS c6 \gset
SET LOCAL ROLE t40_shizhong;
SELECT results_eq('SELECT clue_id, unit_name, from_department_name, to_department_name, handling_label FROM escalation.clue_inbox',
	format($$VALUES (%s::bigint, '济南泉城机械有限公司', '解放路街道办事处', '市中区应急管理局', '待处理')$$, :c6),
	'a district user''s inbox holds the clue transferred to a department of its district about a unit elsewhere');
SELECT is((SELECT count(*) FROM escalation.clue WHERE id = :c6), 0::bigint,
	'while the clue table, by the unit''s region, does not show it');
SELECT lives_ok(format($$SELECT escalation.clue_handle(%s, 'accepted', handled_at => '2025-03-02+08')$$, :c6),
	'and records its handling');
SELECT throws_ok(format($$SELECT escalation.clue_handle(%s, 'accepted', handled_at => '2025-03-02+08')$$, :c5),
	'P0002', format('clue %s does not exist', :c5), 'another district''s clue is out of reach');
RESET ROLE;
SELECT escalation.clue_transfer(4300, 4410, '企业跨区存放危化品', unit_id => 4001, transferred_at => '2025-03-01 11:00+08') AS c7 \gset
SET LOCAL ROLE t40_lixia;
SELECT throws_ok(format($$SELECT escalation.clue_handle(%s, 'accepted', handled_at => '2025-03-02+08')$$, :c7),
	'42501', format('clue %s was transferred to department 4410 ("市中区应急管理局"); its handling is recorded by that department''s region', :c7),
	'the sending district does not record the receiver''s handling');
SELECT is((SELECT count(*) FROM escalation.clue_inbox WHERE clue_id = :c7), 0::bigint, 'nor has it in its inbox');
RESET ROLE;
SET LOCAL ROLE t40_analyst;
SELECT throws_ok(format($$SELECT escalation.clue_handle(%s, 'accepted', handled_at => '2025-03-02+08')$$, :c5),
	'42501', NULL, 'the analyst cannot handle clues');
RESET ROLE;

SELECT * FROM finish();
ROLLBACK;
