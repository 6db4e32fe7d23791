-- Notifications to people (docs/NOTIFICATIONS.md): a run writes exactly the
-- notifications the rules name (liaisons, the unit's supervisor, the
-- in-charge person from stage 3, through the enabled channels of each kind,
-- SMS and e-mail only to people with that address), in Chinese, and those of
-- the supervision orders (督办单) its 督办 stages issue; a catch-up
-- run writes the same notifications as hourly runs; a rerun writes none and
-- writing an event again writes nothing (the idempotency key); the city's
-- rule changes apply; a dispatch and a return tell the department concerned,
-- an acceptance nobody; the timeline shows them; channel endpoints and
-- secrets are unreadable to analysts, district users and screens, and the
-- sending functions are the sender's alone; the sender's claim, lease,
-- repeat, backoff, give-up and late result; bad input is refused with its
-- SQLSTATE. Claims skipping locked rows across sessions:
-- test/scripts/57_outbox_claims.py.
BEGIN;
CREATE EXTENSION IF NOT EXISTS escalation;
SELECT plan(74);
\ir fixtures/50_engine.sql

-- 历下区应急管理局 (2): liaisons 王 (mobile, e-mail) and 陈 (mobile), 李
-- in charge (mobile), 孙 first responsible, 赵 the named supervisor of 泉城机械
-- (mobile only). 市中区应急管理局 (4): liaison 周.
INSERT INTO escalation.person (id, department_id, name, title, mobile, email) OVERRIDING SYSTEM VALUE VALUES
	(21, 2, '王联络', '科员', '13800000021', 'wang@lixia.example.cn'),
	(22, 2, '李分管', '副局长', '13800000022', NULL),
	(23, 2, '赵监管', '科长', '13800000023', NULL),
	(25, 2, '陈联络', '科员', '13800000025', NULL),
	(26, 2, '孙局长', '局长', '13800000026', 'sun@lixia.example.cn'),
	(41, 4, '周联络', '科员', '13900000041', 'zhou@shizhong.example.cn');
INSERT INTO escalation.duty (department_id, person_id, role, period) VALUES
	(2, 21, 'liaison', daterange('2024-01-01', NULL)), (2, 25, 'liaison', daterange('2024-01-01', NULL)),
	(2, 22, 'responsible_in_charge', daterange('2024-01-01', NULL)), (2, 26, 'first_responsible', daterange('2024-01-01', NULL)),
	(4, 41, 'liaison', daterange('2024-01-01', NULL));
INSERT INTO escalation.supervision_assignment (unit_id, department_id, supervisor_id, supervision_type, period) VALUES
	(10, 2, 23, 'industry_supervision', daterange('2024-01-01', NULL));
INSERT INTO escalation.notification_channel (id, name, kind, endpoint, secret, settings, rate_per_minute)
OVERRIDING SYSTEM VALUE VALUES
	(1, '历下群', 'wecom', 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k-67', NULL, '{}', 20),
	(2, '钉钉群', 'dingtalk', 'https://oapi.dingtalk.com/robot/send?access_token=t-67', 'SEC67', '{}', NULL),
	(3, '短信网关', 'sms', 'http://127.0.0.1:9/sms', 'token-67',
	 '{"method":"POST","content_type":"application/json","body":"{\"phone\":\"{{address}}\",\"text\":\"{{text}}\"}"}', NULL),
	(4, '邮件', 'email', 'smtps://mail.example.cn:465', 'password-67', '{"from":"yujing@example.cn","user":"yujing"}', NULL);
UPDATE escalation.notification_channel SET enabled = false WHERE id = 2;
INSERT INTO escalation.notification_setting (name, value) VALUES ('screen_base_url', 'https://screen.example.cn/');

-- A hazard of 泉城机械 found by 历下区应急管理局, its deadline 7 days ago
-- (three stages due), and a licence of 大观园商贸 without a supervising
-- department of its own (no addressee: nobody to tell).
CREATE TEMP TABLE t0 AS SELECT date_trunc('hour', now()) - interval '7 days 1 hour' AS t0;
INSERT INTO escalation.hazard (id, unit_id, found_by, found_at, grade, needs_recheck, rectify_deadline)
OVERRIDING SYSTEM VALUE VALUES
	(671, 10, 2, (SELECT t0 FROM t0) - interval '10 days', 'general', true, (SELECT t0 FROM t0)),
	(672, 10, 2, (SELECT t0 FROM t0) - interval '5 days', 'general', true, (SELECT t0 FROM t0) + interval '2 days 5 hours'),
	(673, 12, 4, (SELECT t0 FROM t0) - interval '5 days', 'general', true, (SELECT t0 FROM t0) + interval '1 day');

-- The notifications, without ids: the same whichever run wrote them.
CREATE TYPE pg_temp.written_row AS (subject_id bigint, stage smallint, event text, person_id bigint,
	channel_id bigint, recipient text, address text, subject text, body text, link text);
CREATE FUNCTION pg_temp.written() RETURNS SETOF pg_temp.written_row
LANGUAGE sql AS
$$
	SELECT w.subject_id, w.stage, n.event, n.person_id, n.channel_id, n.recipient, n.address, n.subject,
		-- An order's reply deadline counts from its issue (58_documents.sql), the run's clock.
		CASE WHEN n.event = 'order' THEN regexp_replace(n.body, '请于.*前', '请于…前') ELSE n.body END,
		regexp_replace(n.link, '#warning-[0-9]+$', '#warning-ID')
	FROM escalation.notification n JOIN escalation.warning w ON w.id = n.warning_id
$$;

-- 1. Catch-up equals hourly runs.
SAVEPOINT hourly;
DO $hourly$
DECLARE
	t timestamptz := (SELECT t0 FROM t0) - interval '1 hour';
BEGIN
	WHILE t <= now() LOOP
		PERFORM escalation.run(t);
		t := t + interval '1 hour';
	END LOOP;
	PERFORM escalation.run(now());
END
$hourly$;
-- Kept on the client: the rollback to the savepoint takes every table back.
SELECT jsonb_agg(x)::text AS by_hour FROM pg_temp.written() x \gset
ROLLBACK TO SAVEPOINT hourly;
CREATE TEMP TABLE by_hour AS
SELECT * FROM jsonb_populate_recordset(NULL::pg_temp.written_row, :'by_hour'::jsonb);
SELECT is(escalation.run(now()), 8::bigint, 'one catch-up run raises the eight stages of the three hazards');
SELECT set_eq('SELECT * FROM pg_temp.written()', 'SELECT * FROM by_hour',
	'it writes exactly the notifications the hourly runs wrote, with the same text');
SELECT cmp_ok((SELECT count(*) FROM by_hour), '>', 0::bigint, 'and those are some');

-- 2. Exactly the recipients the shipped rules name.
SELECT set_eq(
	$$SELECT subject_id, stage, person_id, channel_id, recipient, address FROM pg_temp.written() WHERE subject_id = 671 AND event = 'raised'$$,
	$$VALUES (671::bigint, 1::smallint, 21::bigint, 1::bigint, 'liaison', '13800000021'), (671, 1, 25, 1, 'liaison', '13800000025'),
			 (671, 1, 21, 4, 'liaison', 'wang@lixia.example.cn'), (671, 1, 23, 3, 'supervisor', '13800000023'),
			 (671, 2, 21, 1, 'liaison', '13800000021'), (671, 2, 25, 1, 'liaison', '13800000025'),
			 (671, 2, 21, 4, 'liaison', 'wang@lixia.example.cn'), (671, 2, 23, 3, 'supervisor', '13800000023'),
			 (671, 3, 21, 1, 'liaison', '13800000021'), (671, 3, 25, 1, 'liaison', '13800000025'),
			 (671, 3, 21, 4, 'liaison', 'wang@lixia.example.cn'), (671, 3, 23, 3, 'supervisor', '13800000023'),
			 (671, 3, 22, 3, 'in_charge', '13800000022')$$,
	'every stage tells the liaisons on the robot and by e-mail (if they have one) and the unit''s supervisor by SMS; stage 3 also the in-charge person; the disabled 钉钉 channel nobody');
SELECT set_eq($$SELECT stage, person_id, channel_id FROM pg_temp.written() WHERE subject_id = 673 AND event = 'raised'$$,
	$$VALUES (1::smallint, 41::bigint, 1::bigint), (1, 41, 4), (2, 41, 1), (2, 41, 4), (3, 41, 1), (3, 41, 4)$$,
	'a 市中区 hazard tells 市中区''s liaison (it has no supervisor there)');
SELECT is((SELECT count(*) FROM escalation.notification n JOIN escalation.person p ON p.id = n.person_id WHERE p.id = 26), 0::bigint,
	'no shipped rule tells the first responsible person');
SELECT set_eq($$SELECT w.stage, n.person_id, n.channel_id, n.recipient, n.order_id = o.id
				FROM escalation.notification n JOIN escalation.warning w ON w.id = n.warning_id
				JOIN escalation.supervision_order o ON o.warning_id = w.id
				WHERE w.subject_id = 671 AND n.event = 'order'$$,
	$$VALUES (1::smallint, 21::bigint, 3::bigint, 'liaison', true), (1, 25, 3, 'liaison', true), (1, 22, 3, 'in_charge', true),
			 (2, 21, 3, 'liaison', true), (2, 25, 3, 'liaison', true), (2, 22, 3, 'in_charge', true)$$,
	'the supervision orders of the two 督办 stages tell the liaisons and the in-charge person by SMS (he has no e-mail)');
SELECT matches((SELECT n.body FROM escalation.notification n JOIN escalation.warning w ON w.id = n.warning_id
				WHERE w.subject_id = 671 AND w.stage = 1 AND n.event = 'order' AND n.person_id = 22),
	E'^【督办单】一般隐患逾期未整改\n单位：济南泉城机械有限公司（历下区）\n.*\n处置：已签发督办单，请于.*前反馈整改情况$',
	'an order''s text says it was issued and by when to answer');
SELECT is((SELECT count(*) FROM escalation.notification WHERE state = 'pending' AND attempts = 0 AND repeats = 0
		   AND next_attempt_at = created_at), (SELECT count(*) FROM escalation.notification),
	'every notification starts pending, due at once');
SELECT is((SELECT count(DISTINCT idempotency_key) FROM escalation.notification), (SELECT count(*) FROM escalation.notification),
	'every notification has its own idempotency key');
SELECT is((SELECT idempotency_key FROM escalation.notification n JOIN escalation.warning w ON w.id = n.warning_id
		   WHERE w.subject_id = 671 AND w.stage = 3 AND n.person_id = 22),
	(SELECT format('raised-%s-p22-c3', id) FROM escalation.warning WHERE subject_id = 671 AND stage = 3),
	'the key is event, warning, person and channel');

-- 3. The message, in Chinese.
SELECT is((SELECT subject FROM pg_temp.written() WHERE subject_id = 671 AND stage = 2 AND person_id = 21 AND channel_id = 1),
	'【安全生产预警】一般隐患逾期未整改：济南泉城机械有限公司（历下区）第2级', 'the subject: kind, unit, district, stage');
SELECT is((SELECT body FROM pg_temp.written() WHERE subject_id = 671 AND stage = 2 AND person_id = 21 AND channel_id = 1),
	E'【安全生产预警】一般隐患逾期未整改\n单位：济南泉城机械有限公司（历下区）\n级次：第2级 · 市级大屏 · 督办\n'
	|| format(E'整改（复查）期限：%s；应预警时间：%s\n处置：督办；请于1天内签收',
			  to_char((SELECT t0 FROM t0) AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD HH24:MI'),
			  to_char((SELECT t0 FROM t0) AT TIME ZONE 'Asia/Shanghai' + interval '3 days', 'YYYY-MM-DD HH24:MI')),
	'the text: what, where, stage, screen, action, deadline, what to do');
SELECT is((SELECT link FROM escalation.notification n JOIN escalation.warning w ON w.id = n.warning_id
		   WHERE w.subject_id = 671 AND w.stage = 2 LIMIT 1),
	(SELECT format('https://screen.example.cn/screen/370100#warning-%s', id) FROM escalation.warning WHERE subject_id = 671 AND stage = 2),
	'the link points to the warning on its screen');

-- 4. Reruns and rewrites write nothing.
CREATE TEMP TABLE before AS SELECT count(*) AS n FROM escalation.notification;
SELECT is(escalation.run(now()), 0::bigint, 'a rerun raises nothing');
SELECT is((SELECT count(*) FROM escalation.notification), (SELECT n FROM before), 'and writes no notification');
SELECT is((SELECT sum(escalation_internal.notification_write('raised', w, NULL, 2, current_date, NULL, NULL))
		   FROM escalation.warning w WHERE w.subject_id = 671), 0::bigint,
	'writing the raising of the same warnings again writes nothing (the idempotency key)');
SELECT is((SELECT count(*) FROM escalation.notification), (SELECT n FROM before), 'the outbox is unchanged');

-- 5. The city's rules: the first responsible person by e-mail from stage 2; no SMS to supervisors.
INSERT INTO escalation.notification_rule_override (event, from_stage, recipient, channel_kind, enabled) VALUES
	('raised', 2, 'first_responsible', 'email', true), ('raised', 1, 'supervisor', 'sms', false);
SELECT results_eq($$SELECT enabled, shipped, changed FROM escalation.notification_rule
					WHERE event = 'raised' AND recipient IN ('first_responsible', 'supervisor') ORDER BY recipient$$,
	$$VALUES (true, false, true), (false, true, true)$$, 'notification_rule shows the rule added and the one switched off');
INSERT INTO escalation.hazard (id, unit_id, found_by, found_at, grade, needs_recheck, rectify_deadline)
OVERRIDING SYSTEM VALUE VALUES (674, 10, 2, now() - interval '9 days', 'general', true, now() - interval '4 days');
SELECT is(escalation.run(now()), 2::bigint, 'a new hazard raises two stages');
SELECT set_eq($$SELECT stage, person_id, channel_id FROM pg_temp.written() WHERE subject_id = 674 AND event = 'raised'$$,
	$$VALUES (1::smallint, 21::bigint, 1::bigint), (1, 25, 1), (1, 21, 4), (2, 21, 1), (2, 25, 1), (2, 21, 4), (2, 26, 4)$$,
	'the changed rules apply: the first responsible by e-mail at stage 2, no supervisor by SMS');
DELETE FROM escalation.notification_rule_override;

-- 6. Dispatch and return.
CREATE TEMP TABLE w1 AS SELECT id FROM escalation.warning WHERE subject_id = 671 AND stage = 1;
SELECT escalation.warning_sign((SELECT id FROM w1), '收到');
SELECT is((SELECT count(*) FROM escalation.notification WHERE warning_id = (SELECT id FROM w1)), 7::bigint,
	'signing tells nobody');
CREATE TEMP TABLE d1 AS SELECT escalation.warning_dispatch((SELECT id FROM w1), 2, now() + interval '2 days', '请核查') AS step;
SELECT set_eq($$SELECT person_id, channel_id, recipient, address FROM escalation.notification WHERE step_id = (SELECT step FROM d1)$$,
	$$VALUES (21::bigint, 1::bigint, 'liaison', '13800000021'), (25, 1, 'liaison', '13800000025'),
			 (21, 3, 'liaison', '13800000021'), (25, 3, 'liaison', '13800000025'),
			 (21, 4, 'liaison', 'wang@lixia.example.cn'), (23, 3, 'supervisor', '13800000023')$$,
	'a dispatch tells the department''s liaisons on the robot, by SMS and by e-mail, and the unit''s supervisor by SMS');
SELECT is((SELECT body FROM escalation.notification WHERE step_id = (SELECT step FROM d1) AND channel_id = 1 LIMIT 1),
	E'【预警下发】一般隐患逾期未整改\n单位：济南泉城机械有限公司（历下区）\n级次：第1级 · 区级大屏 · 督办\n'
	|| format(E'整改（复查）期限：%s；应预警时间：%1$s\n处置：已下发至历下区应急管理局，请于%s前反馈\n说明：请核查',
			  to_char((SELECT t0 FROM t0) AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD HH24:MI'),
			  to_char((now() + interval '2 days') AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD HH24:MI')),
	'its text names the department, the reply deadline and the note');
SELECT escalation.warning_feedback((SELECT id FROM w1), '已责令停产整改');
CREATE TEMP TABLE r1 AS SELECT escalation.warning_review((SELECT id FROM w1), false, '整改材料不全') AS step;
SELECT set_eq($$SELECT person_id, channel_id, event FROM escalation.notification WHERE step_id = (SELECT step FROM r1)$$,
	$$VALUES (21::bigint, 1::bigint, 'return'), (25, 1, 'return'), (21, 3, 'return'), (25, 3, 'return')$$,
	'a return tells the department it was dispatched to, on the robot and by SMS');
SELECT matches((SELECT body FROM escalation.notification WHERE step_id = (SELECT step FROM r1) LIMIT 1),
	E'处置：反馈已被退回，请于.*前重新反馈\n说明：整改材料不全$', 'its text says it was returned, why, and by when to answer');
SELECT escalation.warning_feedback((SELECT id FROM w1), '已补充整改材料');
SELECT escalation.warning_review((SELECT id FROM w1), true, '已立案');
SELECT is((SELECT count(*) FROM escalation.notification WHERE warning_id = (SELECT id FROM w1)), 17::bigint,
	'feedback and acceptance tell nobody: 4 for the raising, 3 for its order, 6 for the dispatch, 4 for the return');

-- 7. The timeline and the record.
SELECT results_eq(
	$$SELECT coalesce(step::text, '-'), count(*) FILTER (WHERE notification_id IS NULL), count(notification_id)
	  FROM escalation.warning_timeline((SELECT id FROM w1)) GROUP BY event_id, step ORDER BY event_id$$,
	$$VALUES ('-', 0::bigint, 7::bigint), ('sign', 1, 0), ('dispatch', 1, 6), ('feedback', 1, 0), ('review', 1, 4),
			 ('feedback', 1, 0), ('review', 1, 0)$$,
	'the timeline shows each step followed by the notifications it caused, the raising''s and its order''s first');
SELECT is((SELECT note || ' ' || channel_name || ' ' || delivery FROM escalation.warning_timeline((SELECT id FROM w1))
		   WHERE step = 'dispatch' AND notification_id IS NOT NULL ORDER BY notification_id LIMIT 1),
	'通知王联络（联络员） 历下群（企业微信） 待发送', 'a notification row says who, through which channel, and its state');
SELECT is((SELECT string_agg(x, ', ' ORDER BY x COLLATE "C")
		   FROM (SELECT DISTINCT person_name || '/' || channel_kind_label || '/' || state_label AS x
				 FROM escalation.notification_log WHERE warning_id = (SELECT id FROM w1) AND event = 'return') l),
	'王联络/企业微信/待发送, 王联络/短信/待发送, 陈联络/企业微信/待发送, 陈联络/短信/待发送',
	'notification_log says who was told through which channel, and the state');

-- 8. Who may read channels and call the sender's functions.
CREATE ROLE t67_analyst LOGIN IN ROLE escalation_analyst;
CREATE ROLE t67_lixia LOGIN IN ROLE escalation_user;
CREATE ROLE t67_screen LOGIN IN ROLE escalation_screen;
CREATE ROLE t67_sender LOGIN IN ROLE escalation_sender;
INSERT INTO escalation.user_region (role_name, region) VALUES ('t67_lixia', '370102');
GRANT SELECT ON w1 TO t67_analyst, t67_lixia;
SET ROLE t67_analyst;
SELECT throws_ok('SELECT secret FROM escalation.notification_channel', '42501', NULL, 'an analyst cannot read channel secrets');
SELECT throws_ok('SELECT endpoint FROM escalation.notification_channel', '42501', NULL, 'nor endpoints');
SELECT is((SELECT string_agg(name || ' ' || kind_label, ', ' ORDER BY id) FROM escalation.notification_channel_analyst),
	'历下群 企业微信, 钉钉群 钉钉, 短信网关 短信, 邮件 电子邮件', 'but reads the channels'' names and kinds in its view');
SELECT throws_ok('SELECT address FROM escalation.notification', '42501', NULL, 'an analyst cannot read the addresses');
SELECT is((SELECT count(*) FROM escalation.notification_log_analyst WHERE warning_id = (SELECT id FROM w1)), 17::bigint,
	'but reads the record without them');
SELECT throws_ok($$SELECT * FROM escalation.notification_claim('t67', 10)$$, '42501', NULL, 'an analyst cannot claim notifications');
RESET ROLE;
SET ROLE t67_lixia;
SELECT throws_ok('SELECT secret FROM escalation.notification_channel', '42501', NULL, 'a district user cannot read channel secrets');
SELECT throws_ok('SELECT * FROM escalation.notification_channel', '42501', NULL, 'nor the whole channel');
SELECT is((SELECT count(*) FROM escalation.notification_log WHERE channel_kind = 'sms' AND warning_id = (SELECT id FROM w1)), 9::bigint,
	'a 历下区 user reads the record of its district''s warnings, addresses included');
SELECT throws_ok($$SELECT escalation.notification_result(1, true, 'ok')$$, '42501', NULL, 'a district user cannot record results');
RESET ROLE;
SET ROLE t67_screen;
SELECT throws_ok('SELECT secret FROM escalation.notification_channel', '42501', NULL, 'a screen cannot read channel secrets');
RESET ROLE;

-- 9. The sender: claim, lease, repeat, backoff, give-up, late results.
UPDATE escalation.notification SET state = 'delivered', delivered_at = now(), next_attempt_at = NULL
WHERE warning_id <> (SELECT id FROM w1);
UPDATE escalation.notification_channel SET enabled = false WHERE kind = 'email';
SET ROLE t67_sender;
SELECT is((SELECT secret FROM escalation.notification_channel WHERE id = 4), 'password-67', 'the sender reads channel secrets');
CREATE TEMP TABLE c1 AS SELECT * FROM escalation.notification_claim('sender-a', 5);
RESET ROLE;
SELECT results_eq('SELECT id, attempts FROM c1 ORDER BY id',
	$$SELECT id, 1 FROM escalation.notification WHERE warning_id = (SELECT id FROM w1) AND channel_id <> 4 ORDER BY id LIMIT 5$$,
	'a claim returns up to max_rows due notifications, oldest first, each with its first attempt');
SELECT is((SELECT count(*) FROM escalation.notification WHERE state = 'sending' AND claimed_by = 'sender-a'
		   AND lease_until = now() + interval '60 s'), 5::bigint, 'they are sending under a lease of 60 s');
SELECT is((SELECT string_agg(DISTINCT c.kind || ' ' || c.endpoint || ' ' || coalesce(c.secret, '-'), ', ') FROM c1 c WHERE c.kind = 'sms'),
	'sms http://127.0.0.1:9/sms token-67', 'with their channel''s kind, endpoint and secret');
SET ROLE t67_sender;
CREATE TEMP TABLE c2 AS SELECT * FROM escalation.notification_claim('sender-b', 100);
RESET ROLE;
SELECT is((SELECT count(*) FROM c2 WHERE id IN (SELECT id FROM c1)), 0::bigint, 'a second claim does not take leased rows');
SELECT is((SELECT count(*) FROM c2), 10::bigint, 'it takes the other ten; the disabled e-mail channel''s two stay pending');

-- A lapsed lease: the send's outcome is unknown, so its next send is a repeat.
UPDATE escalation.notification SET lease_until = now() - interval '1 s', next_attempt_at = now() - interval '1 s'
WHERE id = (SELECT min(id) FROM c1);
SET ROLE t67_sender;
SELECT results_eq($$SELECT id, attempts FROM escalation.notification_claim('sender-b', 10)$$,
	$$SELECT min(id), 2 FROM c1$$, 'a row whose lease lapsed is claimed again');
RESET ROLE;
SELECT is((SELECT repeats FROM escalation.notification WHERE id = (SELECT min(id) FROM c1)), 1, 'and counted as a repeat');

-- Failures back off exponentially up to the cap; a provider's Retry-After wins.
SET ROLE t67_sender;
SELECT escalation.notification_result((SELECT min(id) FROM c1), false, 'HTTP 500');
SELECT escalation.notification_result((SELECT max(id) FROM c1), false, '{"errcode":45009}', interval '17 s');
SELECT escalation.notification_result((SELECT min(id) FROM c2), true, '{"errcode":0,"errmsg":"ok"}');
RESET ROLE;
SELECT results_eq($$SELECT state::text, next_attempt_at - now(), last_error FROM escalation.notification
					WHERE id IN ((SELECT min(id) FROM c1), (SELECT max(id) FROM c1)) ORDER BY id$$,
	$$VALUES ('pending', interval '60 s', 'HTTP 500'), ('pending', interval '17 s', '{"errcode":45009}')$$,
	'a failed second attempt waits 60 s; a rate-limited one the time the provider asked');
SELECT results_eq($$SELECT state::text, delivered_at = now(), provider_answer, lease_until IS NULL FROM escalation.notification
					WHERE id = (SELECT min(id) FROM c2)$$,
	$$VALUES ('delivered', true, '{"errcode":0,"errmsg":"ok"}', true)$$, 'a delivery is recorded with the provider''s answer');
SELECT is(ARRAY[escalation.notification_backoff(1), escalation.notification_backoff(3), escalation.notification_backoff(12)],
	ARRAY[interval '30 s', interval '120 s', interval '1 hour'], 'the backoff doubles from 30 s up to the cap of an hour');
INSERT INTO escalation.rule_limit_override (name, span) VALUES ('notification_backoff_base', '5 s'), ('notification_backoff_cap', '1 min');
SELECT is(ARRAY[escalation.notification_backoff(1), escalation.notification_backoff(12)], ARRAY[interval '5 s', interval '1 min'],
	'the city changes base and cap in rule_limit');

-- A late answer is ignored.
SET ROLE t67_sender;
SELECT escalation.notification_result((SELECT min(id) FROM c2), false, 'timeout');
RESET ROLE;
SELECT is((SELECT state::text || ' ' || coalesce(last_error, '-') FROM escalation.notification WHERE id = (SELECT min(id) FROM c2)),
	'delivered -', 'a result for a notification no longer sending is ignored');

-- Give-up: past the age a due row fails instead of being sent, and so does a failed send.
UPDATE escalation.notification SET created_at = now() - interval '25 hours'
WHERE id IN ((SELECT min(id) FROM c1), (SELECT max(id) FROM c2));
UPDATE escalation.notification SET next_attempt_at = now() WHERE id = (SELECT min(id) FROM c1);
SET ROLE t67_sender;
SELECT is((SELECT count(*) FROM escalation.notification_claim('sender-a', 10) c WHERE c.id = (SELECT min(id) FROM c1)), 0::bigint,
	'a due notification older than the give-up age is not claimed');
SELECT escalation.notification_result((SELECT max(id) FROM c2), false, 'HTTP 503');
RESET ROLE;
SELECT results_eq($$SELECT state::text, failed_at IS NOT NULL, next_attempt_at IS NULL FROM escalation.notification
					WHERE id IN ((SELECT min(id) FROM c1), (SELECT max(id) FROM c2)) ORDER BY id$$,
	$$VALUES ('failed', true, true), ('failed', true, true)$$,
	'it is marked failed, and so is one whose send fails past that age');
SELECT results_eq('SELECT delivered, failed, pending FROM escalation.notification_metrics()',
	$$SELECT count(*) FILTER (WHERE state = 'delivered'), count(*) FILTER (WHERE state = 'failed'),
			 count(*) FILTER (WHERE state IN ('pending', 'sending')) FROM escalation.notification$$,
	'the metrics count delivered, failed and not yet delivered notifications');

-- 9b. The screens see the outcomes as counts: each delivery or failure is an
-- event of their stream (notified), and rows and events count the warning's
-- notifications by state and kind of channel, naming nobody.
SET ROLE t67_screen;
CREATE TEMP TABLE t67_events AS SELECT * FROM escalation.warning_events(0, 100000);
CREATE TEMP TABLE t67_rows AS SELECT * FROM escalation.screen_warning;
RESET ROLE;
SELECT results_eq($$SELECT event_id, warning_id FROM t67_events WHERE event = 'notified' ORDER BY event_id$$,
	$$SELECT outcome_seq, warning_id FROM escalation.notification WHERE id IN ((SELECT min(id) FROM c1), (SELECT min(id) FROM c2),
		(SELECT max(id) FROM c2)) ORDER BY outcome_seq$$,
	'the screen role reads one notified event per delivery or failure: the two given up and the one delivered');
SELECT results_eq($$SELECT notified, notified_pending, notified_delivered, notified_failed, notified_last_delivered_at
					FROM t67_events WHERE event = 'notified' ORDER BY event_id DESC LIMIT 1$$,
	$$SELECT count(*)::int, (count(*) FILTER (WHERE state IN ('pending', 'sending')))::int,
		(count(*) FILTER (WHERE state = 'delivered'))::int, (count(*) FILTER (WHERE state = 'failed'))::int,
		max(delivered_at) FROM escalation.notification WHERE warning_id = (SELECT id FROM w1)$$,
	'the last one counts the warning''s notifications: written, not yet delivered, delivered, failed, the last delivery');
SELECT is((SELECT string_agg(c ->> 'label' || ' ' || (c ->> 'count') || ' 送达 ' || (c ->> 'delivered') || ' 失败 ' || (c ->> 'failed'),
							 ' · ' ORDER BY c ->> 'kind')
		   FROM t67_events e, jsonb_array_elements(e.notified_channels) c
		   WHERE e.event_id = (SELECT max(event_id) FROM t67_events WHERE event = 'notified')),
	(SELECT string_agg(escalation.notification_channel_kind_label(k) || ' ' || n || ' 送达 ' || d || ' 失败 ' || f, ' · ' ORDER BY k::text)
	 FROM (SELECT c.kind AS k, count(*) AS n, count(*) FILTER (WHERE x.state = 'delivered') AS d,
				  count(*) FILTER (WHERE x.state = 'failed') AS f
		   FROM escalation.notification x JOIN escalation.notification_channel c ON c.id = x.channel_id
		   WHERE x.warning_id = (SELECT id FROM w1) GROUP BY c.kind) y),
	'and the same by kind of channel, with its Chinese label');
SELECT results_eq($$SELECT notified, notified_delivered FROM t67_rows ORDER BY warning_id$$,
	$$SELECT (SELECT count(*) FROM escalation.notification n WHERE n.warning_id = v.warning_id)::int,
		(SELECT count(*) FROM escalation.notification n WHERE n.warning_id = v.warning_id AND n.state = 'delivered')::int
	  FROM escalation.screen_warning v ORDER BY v.warning_id$$,
	'the screen rows count their warnings'' notifications as well');
SELECT is_empty($$
	SELECT v.value FROM (SELECT unnest(ARRAY[name, mobile, email]) FROM escalation.person
						 UNION SELECT address FROM escalation.notification) v (value)
	WHERE v.value IS NOT NULL
	  AND (EXISTS (SELECT 1 FROM t67_events e WHERE row_to_json(e)::text LIKE '%' || v.value || '%')
		   OR EXISTS (SELECT 1 FROM t67_rows r WHERE row_to_json(r)::text LIKE '%' || v.value || '%'))$$,
	'no person''s name, mobile or e-mail and no address is in what the screen role reads');

-- 10. Bad input.
SELECT throws_ok($$INSERT INTO escalation.notification_channel (name, kind, endpoint) VALUES ('x', 'sms', 'ftp://gw.example.cn/send')$$,
	'22023', 'invalid endpoint of sms channel "x": "ftp://gw.example.cn/send"', 'an SMS gateway is an http(s) URL');
SELECT throws_ok($$INSERT INTO escalation.notification_channel (name, kind, endpoint) VALUES ('y', 'email', 'https://mail.example.cn')$$,
	'22023', 'invalid endpoint of email channel "y": "https://mail.example.cn"', 'a mail server is smtp(s)://host:port');
SELECT throws_ok($$UPDATE escalation.notification_channel SET endpoint = 'https://qyapi weixin' WHERE id = 1$$,
	'22023', NULL, 'a URL with a space is refused');
SELECT throws_ok($$UPDATE escalation.notification_channel SET settings = '[1]' WHERE id = 3$$,
	'22023', 'settings of channel "短信网关" must be a JSON object: [1]', 'settings are a JSON object');
SELECT throws_ok($$UPDATE escalation.notification_setting SET value = 'javascript:alert(1)'$$,
	'22023', 'invalid screen_base_url: "javascript:alert(1)"', 'the screens'' address is an http(s) URL');
SELECT throws_ok($$UPDATE escalation.person SET mobile = '138-0000' WHERE id = 21$$, '23514', NULL, 'a mobile is digits');
SELECT throws_ok($$SELECT * FROM escalation.notification_claim('a', 0)$$, '22023', 'max_rows must be between 1 and 1000: 0',
	'a claim of no rows is refused');
SELECT throws_ok($$SELECT * FROM escalation.notification_claim(' ', 5)$$, '22004', 'worker must not be empty', 'a claim names its sender');
SELECT throws_ok($$SELECT * FROM escalation.notification_claim('a', 5, interval '0')$$, '22023',
	'lease must be between 1 second and 1 hour: 00:00:00', 'a lease is at least a second');
SELECT throws_ok($$SELECT escalation.notification_result(1, false, 'x', interval '-1 s')$$, '22023',
	'retry_after must be between 0 and 1 day: -00:00:01', 'retry_after is not negative');
SELECT throws_ok($$SELECT escalation.notification_result(-5, true, 'x')$$, 'P0002', 'notification -5 does not exist',
	'a result for an unknown notification');
SELECT throws_ok($$SELECT escalation.notification_result(1, NULL, 'x')$$, '22004', NULL, 'a result says whether it was delivered');

SELECT * FROM finish();
ROLLBACK;
