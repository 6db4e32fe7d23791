-- Notifications to people (预警通知, §16, §21): a transactional outbox. When a
-- stage is raised, a supervision order (督办单) issued, or a handling step needs
-- a department (下发 dispatch, 退回 return), the same transaction writes one notification per recipient and
-- channel: the recipients come from the responsibility database (the
-- department's liaisons 联络员, the unit's named supervisor, the department's
-- in-charge person) by rules as data, the channels (企业微信 and 钉钉 group
-- robots, an SMS gateway, e-mail) are data the city office configures. The
-- sending role claims pending rows, delivers them and records the outcome
-- (escalation-worker's sender, docs/NOTIFICATIONS.md).

------------------------------------------------------------------------------
-- The sending role (发送角色)
------------------------------------------------------------------------------

DO $roles$
BEGIN
	IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'escalation_sender') THEN
		CREATE ROLE escalation_sender NOLOGIN;
	END IF;
END
$roles$;

------------------------------------------------------------------------------
-- A person's addresses (联系方式): mobile for SMS and robot mentions, e-mail
------------------------------------------------------------------------------

ALTER TABLE escalation.person
	ADD COLUMN mobile text,
	ADD COLUMN email text,
	ADD CONSTRAINT person_mobile_format CHECK (mobile ~ '^\+?[0-9]{6,15}$'),
	ADD CONSTRAINT person_email_format CHECK (email ~ '^[^@[:space:]]+@[^@[:space:]]+\.[^@[:space:]]+$');
COMMENT ON COLUMN escalation.person.mobile IS
	'Mobile number notifications are sent to by SMS and mentioned on group robots (personal data: not visible to analysts or screens); digits, optionally with a leading +. 手机号码';
COMMENT ON COLUMN escalation.person.email IS
	'E-mail address notifications are sent to (personal data: not visible to analysts or screens). 电子邮箱';
SELECT escalation_internal.grant_column_writes('escalation.person', '{escalation_admin,escalation_user}');

------------------------------------------------------------------------------
-- Channels (通知渠道)
------------------------------------------------------------------------------

CREATE TYPE escalation.notification_channel_kind AS ENUM ('wecom', 'dingtalk', 'sms', 'email');
COMMENT ON TYPE escalation.notification_channel_kind IS
	'Kind of notification channel (通知渠道类型): wecom 企业微信群机器人, dingtalk 钉钉群机器人, sms 短信网关, email 电子邮件.';

CREATE TYPE escalation.notification_state AS ENUM ('pending', 'sending', 'delivered', 'failed');
COMMENT ON TYPE escalation.notification_state IS
	'Where a notification stands (通知状态): pending 待发送, sending 发送中, delivered 已送达, failed 发送失败.';

CREATE FUNCTION escalation.notification_channel_kind_label(kind escalation.notification_channel_kind) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN CASE kind
	WHEN 'wecom' THEN '企业微信'
	WHEN 'dingtalk' THEN '钉钉'
	WHEN 'sms' THEN '短信'
	WHEN 'email' THEN '电子邮件'
END;
COMMENT ON FUNCTION escalation.notification_channel_kind_label(escalation.notification_channel_kind) IS
	'Chinese label of a kind of notification channel. 通知渠道类型名称';

CREATE FUNCTION escalation.notification_state_label(state escalation.notification_state) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN CASE state
	WHEN 'pending' THEN '待发送'
	WHEN 'sending' THEN '发送中'
	WHEN 'delivered' THEN '已送达'
	WHEN 'failed' THEN '发送失败'
END;
COMMENT ON FUNCTION escalation.notification_state_label(escalation.notification_state) IS
	'Chinese label of the state of a notification. 通知状态名称';

CREATE TABLE escalation.notification_channel (
	id bigint GENERATED ALWAYS AS IDENTITY,
	name text NOT NULL,
	kind escalation.notification_channel_kind NOT NULL,
	endpoint text NOT NULL,
	secret text,
	settings jsonb NOT NULL DEFAULT '{}',
	rate_per_minute integer,
	enabled boolean NOT NULL DEFAULT true,
	created_at timestamptz NOT NULL DEFAULT statement_timestamp(),
	created_by name NOT NULL DEFAULT current_user,
	CONSTRAINT notification_channel_pkey PRIMARY KEY (id),
	CONSTRAINT notification_channel_name_key UNIQUE (name),
	CONSTRAINT notification_channel_name_not_blank CHECK (btrim(name) <> ''),
	CONSTRAINT notification_channel_rate_positive CHECK (rate_per_minute > 0)
);
COMMENT ON TABLE escalation.notification_channel IS
	'The channels notifications are sent through, configured by the city office: 企业微信 and 钉钉 group-robot webhooks, an SMS gateway over HTTP, an SMTP server. Endpoints, secrets and settings are readable only by the city office and escalation_sender. 通知渠道';
COMMENT ON COLUMN escalation.notification_channel.id IS 'Channel id (generated). 渠道编号';
COMMENT ON COLUMN escalation.notification_channel.name IS 'Unique name, e.g. 市应急局值班群. 渠道名称';
COMMENT ON COLUMN escalation.notification_channel.kind IS 'wecom, dingtalk, sms or email. 渠道类型';
COMMENT ON COLUMN escalation.notification_channel.endpoint IS 'Robot webhook or SMS gateway URL (http:// or https://), or the mail server (smtp://host:port or smtps://host:port). 接入地址';
COMMENT ON COLUMN escalation.notification_channel.secret IS '钉钉 signing secret (SEC...), SMS API token or SMTP password; NULL when none. 密钥';
COMMENT ON COLUMN escalation.notification_channel.settings IS 'A JSON object: for sms method, content_type and the body template ({{address}}, {{text}}, {{subject}}, {{key}}); for email from and user. 渠道参数';
COMMENT ON COLUMN escalation.notification_channel.rate_per_minute IS 'Messages the provider accepts a minute (企业微信 robots: 20); NULL = no limit. 每分钟发送上限';
COMMENT ON COLUMN escalation.notification_channel.enabled IS 'Whether notifications are written for it and sent through it. 是否启用';
COMMENT ON COLUMN escalation.notification_channel.created_at IS 'When the channel was entered. 创建时间';
COMMENT ON COLUMN escalation.notification_channel.created_by IS 'Role that entered it. 创建人';
SELECT pg_catalog.pg_extension_config_dump('escalation.notification_channel', '');
SELECT pg_catalog.pg_extension_config_dump('escalation.notification_channel_id_seq', '');

-- A URL whose scheme is one of those allowed, with a host.
CREATE FUNCTION escalation_internal.notification_url_ok(url text, schemes text[]) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN url ~ '^[A-Za-z][A-Za-z0-9+.-]*://[^[:space:]/?#@]+([/?#][^[:space:]]*)?$'
	AND lower(substring(url FROM '^([A-Za-z][A-Za-z0-9+.-]*)://')) = ANY (schemes);
COMMENT ON FUNCTION escalation_internal.notification_url_ok(text, text[]) IS
	'True when a URL has one of the schemes, a host and no spaces. 地址格式校验';

-- Trigger: an endpoint the sender can use, settings as a JSON object.
CREATE FUNCTION escalation_internal.notification_channel_check() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, escalation, pg_temp AS
$$
BEGIN
	IF NEW.kind = 'email' THEN
		IF NOT escalation_internal.notification_url_ok(NEW.endpoint, '{smtp,smtps}')
		   OR NEW.endpoint ~ '^[^:]+://[^/]+/.' THEN
			RAISE EXCEPTION 'invalid endpoint of email channel "%": "%"', NEW.name, NEW.endpoint
				USING ERRCODE = 'invalid_parameter_value',
					  HINT = 'An email channel names its mail server as smtp://host:port or smtps://host:port.';
		END IF;
	ELSIF NOT escalation_internal.notification_url_ok(NEW.endpoint, '{http,https}') THEN
		RAISE EXCEPTION 'invalid endpoint of % channel "%": "%"', NEW.kind, NEW.name, NEW.endpoint
			USING ERRCODE = 'invalid_parameter_value',
				  HINT = 'Robots and SMS gateways are reached at an http:// or https:// URL.';
	END IF;
	IF jsonb_typeof(NEW.settings) <> 'object' THEN
		RAISE EXCEPTION 'settings of channel "%" must be a JSON object: %', NEW.name, NEW.settings
			USING ERRCODE = 'invalid_parameter_value';
	END IF;
	IF NEW.kind = 'sms' AND coalesce(upper(NEW.settings ->> 'method'), 'POST') NOT IN ('GET', 'POST', 'PUT') THEN
		RAISE EXCEPTION 'invalid method of sms channel "%": "%"', NEW.name, NEW.settings ->> 'method'
			USING ERRCODE = 'invalid_parameter_value', HINT = 'An SMS gateway is called with GET, POST or PUT.';
	END IF;
	RETURN NEW;
END
$$;
COMMENT ON FUNCTION escalation_internal.notification_channel_check() IS
	'Trigger: a robot or SMS endpoint is an http(s) URL, a mail server smtp(s)://host:port, settings a JSON object; invalid_parameter_value naming the value otherwise. 渠道配置校验';
CREATE TRIGGER notification_channel_check BEFORE INSERT OR UPDATE ON escalation.notification_channel
	FOR EACH ROW EXECUTE FUNCTION escalation_internal.notification_channel_check();

-- Settings of the messages (通知设置).
CREATE TABLE escalation.notification_setting (
	name text NOT NULL,
	value text NOT NULL,
	changed_at timestamptz NOT NULL DEFAULT statement_timestamp(),
	changed_by name NOT NULL DEFAULT current_user,
	CONSTRAINT notification_setting_pkey PRIMARY KEY (name),
	CONSTRAINT notification_setting_name_known CHECK (name IN ('screen_base_url'))
);
COMMENT ON TABLE escalation.notification_setting IS
	'Settings of the notifications, entered by the city office: screen_base_url, the address of the screen worker that links in messages point to (https://host:port). 通知设置';
COMMENT ON COLUMN escalation.notification_setting.name IS 'Name of the setting: screen_base_url. 设置名称';
COMMENT ON COLUMN escalation.notification_setting.value IS 'Its value. 设置值';
COMMENT ON COLUMN escalation.notification_setting.changed_at IS 'When it was set. 设置时间';
COMMENT ON COLUMN escalation.notification_setting.changed_by IS 'Role that set it. 设置人';
SELECT pg_catalog.pg_extension_config_dump('escalation.notification_setting', '');

-- Trigger: the screens' address is an http(s) URL.
CREATE FUNCTION escalation_internal.notification_setting_check() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, escalation, pg_temp AS
$$
BEGIN
	IF NEW.name = 'screen_base_url' AND NOT escalation_internal.notification_url_ok(NEW.value, '{http,https}') THEN
		RAISE EXCEPTION 'invalid screen_base_url: "%"', NEW.value
			USING ERRCODE = 'invalid_parameter_value', HINT = 'Give the screen worker''s address, e.g. https://screen.example.cn:8080.';
	END IF;
	RETURN NEW;
END
$$;
COMMENT ON FUNCTION escalation_internal.notification_setting_check() IS
	'Trigger: screen_base_url is an http(s) URL; invalid_parameter_value naming the value otherwise. 通知设置校验';
CREATE TRIGGER notification_setting_check BEFORE INSERT OR UPDATE ON escalation.notification_setting
	FOR EACH ROW EXECUTE FUNCTION escalation_internal.notification_setting_check();

------------------------------------------------------------------------------
-- Who is told when, by which kind of channel (通知规则): shipped, and the
-- city's changes
------------------------------------------------------------------------------

CREATE TABLE escalation.notification_rule_default (
	event text NOT NULL,
	from_stage smallint NOT NULL,
	recipient text NOT NULL,
	channel_kind escalation.notification_channel_kind NOT NULL,
	CONSTRAINT notification_rule_default_pkey PRIMARY KEY (event, from_stage, recipient, channel_kind)
);
COMMENT ON TABLE escalation.notification_rule_default IS
	'Who is told of what, as shipped (默认通知规则); the rules in force are escalation.notification_rule. 默认通知规则';
COMMENT ON COLUMN escalation.notification_rule_default.event IS 'raised 预警发出, order 督办单签发, dispatch 预警下发, return 预警退回. 通知事件';
COMMENT ON COLUMN escalation.notification_rule_default.from_stage IS 'The rule applies to warnings of this stage and above. 起始级次';
COMMENT ON COLUMN escalation.notification_rule_default.recipient IS 'Who, in the department concerned: liaison 联络员, supervisor the unit''s named supervisor 监管责任人, in_charge 分管责任人, first_responsible 第一责任人. 通知对象';
COMMENT ON COLUMN escalation.notification_rule_default.channel_kind IS 'Through every enabled channel of this kind. 渠道类型';

INSERT INTO escalation.notification_rule_default (event, from_stage, recipient, channel_kind) VALUES
	('raised', 1, 'liaison', 'wecom'), ('raised', 1, 'liaison', 'dingtalk'), ('raised', 1, 'liaison', 'email'),
	('raised', 1, 'supervisor', 'sms'), ('raised', 3, 'in_charge', 'sms'), ('raised', 3, 'in_charge', 'email'),
	('dispatch', 1, 'liaison', 'wecom'), ('dispatch', 1, 'liaison', 'dingtalk'), ('dispatch', 1, 'liaison', 'sms'),
	('dispatch', 1, 'liaison', 'email'), ('dispatch', 1, 'supervisor', 'sms'),
	('return', 1, 'liaison', 'wecom'), ('return', 1, 'liaison', 'dingtalk'), ('return', 1, 'liaison', 'sms'),
	('order', 1, 'liaison', 'sms'), ('order', 1, 'in_charge', 'sms'), ('order', 1, 'in_charge', 'email');

CREATE TABLE escalation.notification_rule_override (
	event text NOT NULL,
	from_stage smallint NOT NULL,
	recipient text NOT NULL,
	channel_kind escalation.notification_channel_kind NOT NULL,
	enabled boolean NOT NULL,
	changed_at timestamptz NOT NULL DEFAULT statement_timestamp(),
	changed_by name NOT NULL DEFAULT current_user,
	CONSTRAINT notification_rule_override_pkey PRIMARY KEY (event, from_stage, recipient, channel_kind),
	CONSTRAINT notification_rule_override_event_known CHECK (event IN ('raised', 'order', 'dispatch', 'return')),
	CONSTRAINT notification_rule_override_stage_between_1_and_9 CHECK (from_stage BETWEEN 1 AND 9),
	CONSTRAINT notification_rule_override_recipient_known
		CHECK (recipient IN ('liaison', 'supervisor', 'in_charge', 'first_responsible'))
);
COMMENT ON TABLE escalation.notification_rule_override IS
	'The city''s changes to the shipped notification rules: a row with enabled adds a rule, without it switches a shipped rule off; kept by pg_dump. 通知规则调整';
COMMENT ON COLUMN escalation.notification_rule_override.event IS 'raised, order, dispatch or return. 通知事件';
COMMENT ON COLUMN escalation.notification_rule_override.from_stage IS 'The rule applies to warnings of this stage and above (1..9). 起始级次';
COMMENT ON COLUMN escalation.notification_rule_override.recipient IS 'liaison, supervisor, in_charge or first_responsible. 通知对象';
COMMENT ON COLUMN escalation.notification_rule_override.channel_kind IS 'Kind of channel. 渠道类型';
COMMENT ON COLUMN escalation.notification_rule_override.enabled IS 'true adds the rule, false switches it off. 是否启用';
COMMENT ON COLUMN escalation.notification_rule_override.changed_at IS 'When the change was made. 调整时间';
COMMENT ON COLUMN escalation.notification_rule_override.changed_by IS 'Role that made it. 调整人';
SELECT pg_catalog.pg_extension_config_dump('escalation.notification_rule_override', '');

CREATE VIEW escalation.notification_rule AS
	SELECT coalesce(o.event, d.event) AS event, coalesce(o.from_stage, d.from_stage) AS from_stage,
		coalesce(o.recipient, d.recipient) AS recipient, coalesce(o.channel_kind, d.channel_kind) AS channel_kind,
		coalesce(o.enabled, true) AS enabled, d.event IS NOT NULL AS shipped, o.event IS NOT NULL AS changed
	FROM escalation.notification_rule_default d
	FULL JOIN escalation.notification_rule_override o
		ON o.event = d.event AND o.from_stage = d.from_stage AND o.recipient = d.recipient AND o.channel_kind = d.channel_kind;
COMMENT ON VIEW escalation.notification_rule IS
	'The notification rules in force (通知规则): at which event, from which stage, who of the department concerned is told through which kind of channel; the shipped rules with the city''s changes. 通知规则';
COMMENT ON COLUMN escalation.notification_rule.event IS 'raised 预警发出, order 督办单签发, dispatch 预警下发, return 预警退回. 通知事件';
COMMENT ON COLUMN escalation.notification_rule.from_stage IS 'Applies to warnings of this stage and above. 起始级次';
COMMENT ON COLUMN escalation.notification_rule.recipient IS 'liaison 联络员, supervisor 监管责任人, in_charge 分管责任人, first_responsible 第一责任人. 通知对象';
COMMENT ON COLUMN escalation.notification_rule.channel_kind IS 'Kind of channel. 渠道类型';
COMMENT ON COLUMN escalation.notification_rule.enabled IS 'In force (false: a shipped rule the city switched off). 是否启用';
COMMENT ON COLUMN escalation.notification_rule.shipped IS 'A shipped rule. 是否默认规则';
COMMENT ON COLUMN escalation.notification_rule.changed IS 'The city changed or added it. 是否已调整';

------------------------------------------------------------------------------
-- The outbox (通知发件箱)
------------------------------------------------------------------------------

CREATE TABLE escalation.notification (
	id bigint GENERATED ALWAYS AS IDENTITY,
	idempotency_key text NOT NULL,
	channel_id bigint NOT NULL,
	address text,
	subject text NOT NULL,
	body text NOT NULL,
	link text,
	warning_id bigint NOT NULL,
	created_at timestamptz NOT NULL DEFAULT now(),
	state escalation.notification_state NOT NULL DEFAULT 'pending',
	attempts integer NOT NULL DEFAULT 0,
	next_attempt_at timestamptz DEFAULT now(),
	lease_until timestamptz,
	delivered_at timestamptz,
	failed_at timestamptz,
	last_error text,
	provider_answer text,
	repeats integer NOT NULL DEFAULT 0,
	event text NOT NULL,
	step_id bigint,
	order_id bigint,
	person_id bigint NOT NULL,
	recipient text NOT NULL,
	claimed_by text,
	region escalation.region NOT NULL,
	outcome_seq bigint,
	CONSTRAINT notification_pkey PRIMARY KEY (id),
	CONSTRAINT notification_idempotency_key_key UNIQUE (idempotency_key),
	CONSTRAINT notification_channel_fkey FOREIGN KEY (channel_id) REFERENCES escalation.notification_channel (id),
	CONSTRAINT notification_warning_fkey FOREIGN KEY (warning_id) REFERENCES escalation.warning (id) ON DELETE CASCADE,
	CONSTRAINT notification_step_fkey FOREIGN KEY (step_id) REFERENCES escalation.warning_step (id) ON DELETE CASCADE,
	CONSTRAINT notification_order_fkey FOREIGN KEY (order_id) REFERENCES escalation.supervision_order (id) ON DELETE CASCADE,
	CONSTRAINT notification_person_fkey FOREIGN KEY (person_id) REFERENCES escalation.person (id),
	CONSTRAINT notification_event_known CHECK (event IN ('raised', 'order', 'dispatch', 'return')),
	CONSTRAINT notification_step_of_handling CHECK ((event IN ('dispatch', 'return')) = (step_id IS NOT NULL)),
	CONSTRAINT notification_order_of_order CHECK ((event = 'order') = (order_id IS NOT NULL)),
	CONSTRAINT notification_recipient_known CHECK (recipient IN ('liaison', 'supervisor', 'in_charge', 'first_responsible')),
	CONSTRAINT notification_delivered_with_time CHECK ((state = 'delivered') = (delivered_at IS NOT NULL)),
	CONSTRAINT notification_failed_with_time CHECK ((state = 'failed') = (failed_at IS NOT NULL)),
	CONSTRAINT notification_sending_with_lease CHECK ((state = 'sending') = (lease_until IS NOT NULL)),
	CONSTRAINT notification_open_with_next_attempt CHECK ((state IN ('pending', 'sending')) = (next_attempt_at IS NOT NULL)),
	CONSTRAINT notification_counts_not_negative CHECK (attempts >= 0 AND repeats >= 0 AND repeats <= attempts)
);
-- What a sender claims next: open rows by when they are due.
CREATE INDEX notification_due_idx ON escalation.notification (next_attempt_at, id) WHERE state IN ('pending', 'sending');
CREATE INDEX notification_warning_idx ON escalation.notification (warning_id);
CREATE INDEX notification_step_idx ON escalation.notification (step_id) WHERE step_id IS NOT NULL;
CREATE INDEX notification_order_idx ON escalation.notification (order_id) WHERE order_id IS NOT NULL;
CREATE INDEX notification_person_idx ON escalation.notification (person_id);
CREATE INDEX notification_channel_idx ON escalation.notification (channel_id);
CREATE INDEX notification_region_idx ON escalation.notification (region);
-- What the screens' event stream reads after an event id.
CREATE INDEX notification_outcome_seq_idx ON escalation.notification (outcome_seq) WHERE outcome_seq IS NOT NULL;
COMMENT ON TABLE escalation.notification IS
	'The notification outbox (通知发件箱): one row per recipient and channel of a raised stage, a supervision order, a dispatch or a return, written in the transaction that raised or recorded it; the sender claims it, delivers it at least once and records the outcome. 预警通知';
COMMENT ON COLUMN escalation.notification.id IS 'Notification id (generated). 通知编号';
COMMENT ON COLUMN escalation.notification.idempotency_key IS 'event-source-person-channel (escalation.notification_key; the source is the warning, order or step): the same notification is never written twice; the sender derives its Message-ID from it. 幂等键';
COMMENT ON COLUMN escalation.notification.channel_id IS 'The channel it goes through. 通知渠道';
COMMENT ON COLUMN escalation.notification.address IS 'Mobile (SMS, the mention on a robot) or e-mail address of the recipient; NULL on a robot when the person has no mobile (the group is told without a mention). 接收地址';
COMMENT ON COLUMN escalation.notification.subject IS 'Subject line, in Chinese. 通知标题';
COMMENT ON COLUMN escalation.notification.body IS 'Text, in Chinese: what, where, stage, action, deadline. 通知正文';
COMMENT ON COLUMN escalation.notification.link IS 'Link to the warning on its screen (setting screen_base_url); NULL when not set. 大屏链接';
COMMENT ON COLUMN escalation.notification.warning_id IS 'The warning. 预警编号';
COMMENT ON COLUMN escalation.notification.created_at IS 'When it was written (the raising or the step). 生成时间';
COMMENT ON COLUMN escalation.notification.state IS 'pending, sending, delivered or failed. 通知状态';
COMMENT ON COLUMN escalation.notification.attempts IS 'Times a sender claimed it. 发送次数';
COMMENT ON COLUMN escalation.notification.next_attempt_at IS 'When a sender may claim it (next); NULL once delivered or failed. 下次发送时间';
COMMENT ON COLUMN escalation.notification.lease_until IS 'While sending: when the claim lapses and another sender may claim it again. 租约到期时间';
COMMENT ON COLUMN escalation.notification.delivered_at IS 'When the provider accepted it. 送达时间';
COMMENT ON COLUMN escalation.notification.failed_at IS 'When it was given up. 失败时间';
COMMENT ON COLUMN escalation.notification.last_error IS 'Why the latest attempt failed. 最近错误';
COMMENT ON COLUMN escalation.notification.provider_answer IS 'What the provider answered last (may hold personal data). 渠道应答';
COMMENT ON COLUMN escalation.notification.repeats IS 'Sends whose outcome was never recorded (a sender lost mid-send), so the recipient may have it twice. 可能重复发送次数';
COMMENT ON COLUMN escalation.notification.event IS 'raised 预警发出, order 督办单签发, dispatch 预警下发, return 预警退回. 通知事件';
COMMENT ON COLUMN escalation.notification.step_id IS 'The handling step (warning_step) of a dispatch or return; NULL otherwise. 处置环节编号';
COMMENT ON COLUMN escalation.notification.order_id IS 'The supervision order (supervision_order) of an order notification; NULL otherwise. 督办单编号';
COMMENT ON COLUMN escalation.notification.person_id IS 'The person told. 通知对象';
COMMENT ON COLUMN escalation.notification.recipient IS 'Why the person is told: liaison, supervisor, in_charge, first_responsible. 通知对象类别';
COMMENT ON COLUMN escalation.notification.claimed_by IS 'The sender that claimed it last. 发送进程';
COMMENT ON COLUMN escalation.notification.region IS 'Region of the warning, for row-level security. 所属区划';
COMMENT ON COLUMN escalation.notification.outcome_seq IS 'Event id (escalation.warning_event_seq) of its outcome, delivered or failed: the screens'' event notified of its warning; NULL while open. 结果事件编号';
SELECT pg_catalog.pg_extension_config_dump('escalation.notification', '');
SELECT pg_catalog.pg_extension_config_dump('escalation.notification_id_seq', '');

-- How long a failed send waits, and when to give up.
INSERT INTO escalation.rule_limit_default (name, amount, span, description) VALUES
	('notification_backoff_base', NULL, '30 seconds', 'Wait after the first failed send of a notification; it doubles with every further failure. 通知重试初始间隔'),
	('notification_backoff_cap', NULL, '1 hour', 'Longest wait between two sends of a notification. 通知重试最长间隔'),
	('notification_give_up_after', NULL, '1 day', 'Age at which a notification not yet delivered is marked failed. 通知放弃时限');

------------------------------------------------------------------------------
-- Writing notifications (生成通知)
------------------------------------------------------------------------------

CREATE FUNCTION escalation.notification_key(event text, source_id bigint, person_id bigint, channel_id bigint) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN format('%s-%s-p%s-c%s', event, source_id, person_id, channel_id);
COMMENT ON FUNCTION escalation.notification_key(text, bigint, bigint, bigint) IS
	'The idempotency key of a notification: its event, the warning (raised), order (order) or step (dispatch, return) id, the person and the channel. 通知幂等键';

-- The people of a department who may be told, on a day. Without a SET clause
-- the planner inlines it into the writing statement: called as a function it
-- is planned again at every call (0.3 ms a warning).
CREATE FUNCTION escalation_internal.notification_recipients(department_id bigint, unit_id bigint, on_day date)
RETURNS TABLE (recipient text, person_id bigint)
LANGUAGE sql STABLE
BEGIN ATOMIC
	SELECT CASE d.role WHEN 'liaison' THEN 'liaison' WHEN 'responsible_in_charge' THEN 'in_charge' ELSE 'first_responsible' END,
		d.person_id
	FROM escalation.duty d
	WHERE d.department_id = notification_recipients.department_id
	  AND d.role IN ('liaison', 'responsible_in_charge', 'first_responsible') AND d.period @> notification_recipients.on_day
	UNION ALL
	SELECT 'supervisor', a.supervisor_id
	FROM escalation.supervision_assignment a
	WHERE a.unit_id = notification_recipients.unit_id AND a.department_id = notification_recipients.department_id
	  AND a.period @> notification_recipients.on_day AND a.supervisor_id IS NOT NULL;
END;
COMMENT ON FUNCTION escalation_internal.notification_recipients(bigint, bigint, date) IS
	'Who of a department may be told of a unit''s warning on a day: its liaisons, in-charge and first responsible persons (duty), the unit''s named supervisor there (supervision_assignment). 通知对象';

-- An instant as the messages show it, in the platform's time zone.
CREATE FUNCTION escalation_internal.notification_time(at timestamptz) RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE
RETURN to_char(at AT TIME ZONE coalesce(nullif(pg_catalog.current_setting('escalation.timezone', true), ''), 'Asia/Shanghai'),
			   'YYYY-MM-DD HH24:MI');
COMMENT ON FUNCTION escalation_internal.notification_time(timestamptz) IS
	'An instant as messages show it (YYYY-MM-DD HH24:MI in escalation.timezone). 通知时间格式';

-- The text of a notification.
CREATE FUNCTION escalation_internal.notification_message(event text, w escalation.warning, department_id bigint,
	reply_by timestamptz, note text, OUT subject text, OUT body text, OUT link text)
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, escalation, pg_temp AS
$$
DECLARE
	what text := escalation.warning_kind_label(w.kind);
	who text := coalesce((SELECT u.name FROM escalation.unit u WHERE u.id = w.unit_id),
						 (SELECT d.name FROM escalation.department d WHERE d.id = w.department_id), '（无单位）');
	area text := coalesce((SELECT v.name FROM escalation.division v WHERE v.code = coalesce(w.district, w.screen_region)),
						  coalesce(w.district, w.screen_region)::text);
	base text := (SELECT rtrim(s.value, '/') FROM escalation.notification_setting s WHERE s.name = 'screen_base_url');
	sign_hours numeric := extract(epoch FROM escalation.handling_within('sign')) / 3600;
	head text := CASE notification_message.event WHEN 'raised' THEN '安全生产预警' WHEN 'order' THEN '督办单'
											   WHEN 'dispatch' THEN '预警下发' ELSE '预警退回' END;
	start_label text := CASE w.kind WHEN 'hazard_overdue' THEN '整改（复查）期限' WHEN 'major_hazard' THEN '发现时间'
								   WHEN 'clue' THEN '移交时间' WHEN 'licence_expired' THEN '证件到期'
								   WHEN 'major_hazard_listed' THEN '治理期限' WHEN 'handling_reply' THEN '反馈期限'
								   WHEN 'handling_sign' THEN '预警发布时间' ELSE '起算时间' END;
	action text;
BEGIN
	IF event = 'raised' THEN
		action := format('%s；请于%s内签收', escalation.warning_action_label(w.action),
						 CASE WHEN sign_hours % 24 = 0 THEN (sign_hours / 24)::bigint || '天' ELSE round(sign_hours, 1) || '小时' END);
	ELSIF event = 'order' THEN
		-- An order's note is its document number.
		action := format('已签发督办单%s，请于%s前反馈整改情况', coalesce('（' || note || '）', ''),
						 escalation_internal.notification_time(reply_by));
	ELSIF event = 'dispatch' THEN
		action := format('已下发至%s，请于%s前反馈', escalation.department_label(department_id),
						 escalation_internal.notification_time(reply_by));
	ELSE
		action := format('反馈已被退回，请于%s前重新反馈', escalation_internal.notification_time(reply_by));
	END IF;
	subject := format('【%s】%s：%s（%s）第%s级', head, what, who, area, w.stage);
	body := concat_ws(E'\n',
		format('【%s】%s', head, what),
		format('单位：%s（%s）', who, area),
		format('级次：第%s级 · %s · %s', w.stage, escalation.screen_label(w.screen), escalation.warning_action_label(w.action)),
		format('%s：%s；应预警时间：%s', start_label, escalation_internal.notification_time(w.started_at),
			   escalation_internal.notification_time(w.due_at)),
		format('处置：%s', action),
		CASE WHEN event <> 'order' AND nullif(btrim(note), '') IS NOT NULL THEN format('说明：%s', btrim(note)) END);
	link := CASE WHEN base IS NOT NULL THEN format('%s/screen/%s#warning-%s', base, w.screen_region, w.id) END;
END
$$;
COMMENT ON FUNCTION escalation_internal.notification_message(text, escalation.warning, bigint, timestamptz, text) IS
	'Subject, text and link of a notification, in Chinese: what (kind), where (unit, district), stage, screen and action, the item''s date and the stage''s due time, what to do by when; the link to the warning on its screen apart (the text names no id, so a catch-up writes the same text). 通知内容';

-- Write the notifications of an event: one per person and channel the rules in
-- force name, nothing twice (the idempotency key), and wake the senders.
CREATE FUNCTION escalation_internal.notification_write(event text, w escalation.warning, source_id bigint,
	department_id bigint, on_day date, reply_by timestamptz, note text) RETURNS integer
LANGUAGE plpgsql SET search_path = pg_catalog, escalation, pg_temp AS
$$
DECLARE
	m record;
	written integer;
BEGIN
	IF department_id IS NULL OR NOT EXISTS (SELECT 1 FROM escalation.notification_channel c WHERE c.enabled) THEN
		RETURN 0;
	END IF;
	m := escalation_internal.notification_message(event, w, department_id, reply_by, note);
	INSERT INTO escalation.notification (idempotency_key, channel_id, address, subject, body, link, warning_id,
		event, step_id, order_id, person_id, recipient, region)
	SELECT DISTINCT ON (c.id, r.person_id)
		escalation.notification_key(notification_write.event, coalesce(source_id, w.id), r.person_id, c.id),
		c.id, CASE WHEN c.kind = 'email' THEN p.email ELSE p.mobile END, m.subject, m.body, m.link, w.id,
		notification_write.event,
		CASE WHEN notification_write.event IN ('dispatch', 'return') THEN source_id END,
		CASE WHEN notification_write.event = 'order' THEN source_id END,
		r.person_id, r.recipient, w.region
	FROM escalation_internal.notification_recipients(notification_write.department_id, w.unit_id, on_day) r
	JOIN escalation.notification_rule nr
		ON nr.event = notification_write.event AND nr.recipient = r.recipient AND nr.enabled AND nr.from_stage <= w.stage
	JOIN escalation.notification_channel c ON c.kind = nr.channel_kind AND c.enabled
	JOIN escalation.person p ON p.id = r.person_id
	-- SMS and e-mail need the address; a robot tells the group without a mention.
	WHERE c.kind IN ('wecom', 'dingtalk') OR (CASE WHEN c.kind = 'email' THEN p.email ELSE p.mobile END) IS NOT NULL
	ORDER BY c.id, r.person_id, array_position(ARRAY['supervisor', 'in_charge', 'first_responsible', 'liaison'], r.recipient)
	ON CONFLICT (idempotency_key) DO NOTHING;
	GET DIAGNOSTICS written = ROW_COUNT;
	IF written > 0 THEN
		PERFORM pg_catalog.pg_notify('escalation_notification', '');
	END IF;
	RETURN written;
END
$$;
COMMENT ON FUNCTION escalation_internal.notification_write(text, escalation.warning, bigint, bigint, date, timestamptz, text) IS
	'Writes the notifications of an event of a warning (source: the order or step, NULL for the raising) to a department''s people by the rules in force, one per person and enabled channel (a person named by two rules once), none already written; sends NOTIFY escalation_notification when it wrote any. Returns how many it wrote. 生成通知';

-- Trigger (per statement): the raised stages tell their addressee departments' people.
CREATE FUNCTION escalation_internal.warning_notify() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, escalation, pg_temp AS
$$
DECLARE
	w escalation.warning;
	o escalation.supervision_order;
BEGIN
	-- A restore brings back the notifications written when the warnings were
	-- raised; with no channel enabled nothing is written.
	IF escalation.restoring() OR NOT EXISTS (SELECT 1 FROM escalation.notification_channel c WHERE c.enabled) THEN
		RETURN NULL;
	END IF;
	-- The rows as stored, of the table's type (a transition table's rows are records).
	FOR w IN SELECT x.* FROM raised r JOIN escalation.warning x ON x.id = r.id ORDER BY r.id LOOP
		-- warning_address (an earlier trigger in name order) has recorded the addressee.
		PERFORM escalation_internal.notification_write('raised', w, NULL,
			(SELECT a.department_id FROM escalation.warning_addressee a WHERE a.warning_id = w.id),
			escalation.local_day(w.raised_at), NULL, NULL);
		-- warning_issue_order (also earlier) has issued the order of a 督办 stage.
		SELECT * INTO o FROM escalation.supervision_order x WHERE x.warning_id = w.id;
		IF FOUND THEN
			PERFORM escalation_internal.notification_write('order', w, o.id, o.addressee_department_id,
				escalation.local_day(o.issued_at), o.reply_due_at, o.number);
		END IF;
	END LOOP;
	RETURN NULL;
END
$$;
COMMENT ON FUNCTION escalation_internal.warning_notify() IS
	'Trigger (per statement): writes the notifications of each stage an INSERT or a run raised, and of the supervision order it issued, to the addressee department''s people. 预警发出、督办单通知';
CREATE TRIGGER warning_notify AFTER INSERT ON escalation.warning REFERENCING NEW TABLE AS raised
	FOR EACH STATEMENT EXECUTE FUNCTION escalation_internal.warning_notify();

-- Trigger: a dispatch tells the department it goes to, a return the department
-- that answered.
CREATE FUNCTION escalation_internal.warning_step_notify() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, escalation, pg_temp AS
$$
DECLARE
	w escalation.warning;
	target bigint := NEW.department_id;
BEGIN
	IF escalation.restoring() THEN
		RETURN NULL;
	END IF;
	SELECT * INTO w FROM escalation.warning x WHERE x.id = NEW.warning_id;
	IF NEW.step = 'review' THEN
		SELECT s.department_id INTO target FROM escalation.warning_step s
		WHERE s.warning_id = NEW.warning_id AND s.step = 'dispatch' AND s.id < NEW.id
		ORDER BY s.id DESC LIMIT 1;
	END IF;
	PERFORM escalation_internal.notification_write(CASE WHEN NEW.step = 'dispatch' THEN 'dispatch' ELSE 'return' END,
		w, NEW.id, target, escalation.local_day(NEW.done_at), NEW.reply_by, NEW.note);
	RETURN NULL;
END
$$;
COMMENT ON FUNCTION escalation_internal.warning_step_notify() IS
	'Trigger: writes the notifications of a dispatch (to the department it goes to) and of a return (to the department it was dispatched to). 下发、退回通知';
CREATE TRIGGER warning_step_notify AFTER INSERT ON escalation.warning_step
	FOR EACH ROW WHEN (NEW.step = 'dispatch' OR (NEW.step = 'review' AND NOT NEW.accepted))
	EXECUTE FUNCTION escalation_internal.warning_step_notify();

------------------------------------------------------------------------------
-- Sending (发送): what the sender calls
------------------------------------------------------------------------------

CREATE FUNCTION escalation.notification_backoff(attempts integer) RETURNS interval
LANGUAGE sql STABLE PARALLEL SAFE SET search_path = pg_catalog, escalation, pg_temp
RETURN least(escalation.rule_limit_span('notification_backoff_cap'),
			 escalation.rule_limit_span('notification_backoff_base') * power(2, least(greatest(attempts, 1) - 1, 40)));
COMMENT ON FUNCTION escalation.notification_backoff(integer) IS
	'Wait after the attempts-th failed send: notification_backoff_base doubled for every failure before it, at most notification_backoff_cap (escalation.rule_limit). 通知重试间隔';

CREATE FUNCTION escalation.notification_claim(worker text, max_rows integer, lease interval DEFAULT '60 s')
RETURNS TABLE (id bigint, idempotency_key text, channel_id bigint, kind text, endpoint text, secret text, settings jsonb,
	rate_per_minute integer, address text, subject text, body text, link text, attempts integer)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, escalation, pg_temp AS
$$
#variable_conflict use_column
DECLARE
	give_up interval := escalation.rule_limit_span('notification_give_up_after');
BEGIN
	IF worker IS NULL OR btrim(worker) = '' THEN
		RAISE EXCEPTION 'worker must not be empty' USING ERRCODE = 'null_value_not_allowed';
	END IF;
	IF max_rows IS NULL OR max_rows NOT BETWEEN 1 AND 1000 THEN
		RAISE EXCEPTION 'max_rows must be between 1 and 1000: %', coalesce(max_rows::text, 'NULL')
			USING ERRCODE = 'invalid_parameter_value';
	END IF;
	IF lease IS NULL OR lease < interval '1 second' OR lease > interval '1 hour' THEN
		RAISE EXCEPTION 'lease must be between 1 second and 1 hour: %', coalesce(lease::text, 'NULL')
			USING ERRCODE = 'invalid_parameter_value';
	END IF;

	-- Due rows past the give-up age fail instead of being sent; a lapsed lease
	-- was a send whose outcome is unknown. Each failure is an event of the
	-- screens (notified), numbered under the event stream's lock.
	IF EXISTS (SELECT 1 FROM escalation.notification x
			   WHERE x.state IN ('pending', 'sending') AND x.next_attempt_at <= now() AND x.created_at <= now() - give_up) THEN
		PERFORM escalation.lock_event_stream();
		UPDATE escalation.notification n
		SET state = 'failed', failed_at = now(), next_attempt_at = NULL, lease_until = NULL,
			repeats = n.repeats + (n.state = 'sending')::int,
			last_error = concat_ws('; ', n.last_error, format('given up after %s', give_up)),
			outcome_seq = nextval('escalation.warning_event_seq')
		WHERE n.id IN (SELECT x.id FROM escalation.notification x
					   WHERE x.state IN ('pending', 'sending') AND x.next_attempt_at <= now() AND x.created_at <= now() - give_up
					   ORDER BY x.next_attempt_at, x.id LIMIT 1000
					   FOR UPDATE SKIP LOCKED);
		IF FOUND THEN
			PERFORM pg_catalog.pg_notify('escalation_warning', '');
		END IF;
	END IF;

	RETURN QUERY
	WITH picked AS (
		SELECT x.id FROM escalation.notification x
		JOIN escalation.notification_channel c ON c.id = x.channel_id AND c.enabled
		WHERE x.state IN ('pending', 'sending') AND x.next_attempt_at <= now()
		ORDER BY x.next_attempt_at, x.id
		LIMIT max_rows
		FOR UPDATE OF x SKIP LOCKED
	), claimed AS (
		UPDATE escalation.notification n
		SET state = 'sending', attempts = n.attempts + 1, repeats = n.repeats + (n.state = 'sending')::int,
			lease_until = now() + lease, next_attempt_at = now() + lease, claimed_by = worker
		FROM picked WHERE n.id = picked.id
		RETURNING n.id, n.idempotency_key, n.channel_id, n.address, n.subject, n.body, n.link, n.attempts
	)
	SELECT cl.id, cl.idempotency_key, cl.channel_id, c.kind::text, c.endpoint, c.secret, c.settings, c.rate_per_minute,
		cl.address, cl.subject, cl.body, cl.link, cl.attempts
	FROM claimed cl JOIN escalation.notification_channel c ON c.id = cl.channel_id
	ORDER BY cl.id;
END
$$;
COMMENT ON FUNCTION escalation.notification_claim(text, integer, interval) IS
	'The sender claims up to max_rows due notifications of enabled channels, oldest first, skipping rows another sender holds (FOR UPDATE SKIP LOCKED): pending ones whose time has come, and sending ones whose lease lapsed (counted in repeats). Each becomes sending for the lease, its attempts counted. Due rows older than notification_give_up_after are marked failed instead, each an event of the screens (notified). Returns what the sender needs, the channel''s endpoint and secret with it. 领取待发送通知';

CREATE FUNCTION escalation.notification_result(id bigint, delivered boolean, answer text, retry_after interval DEFAULT NULL)
RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, escalation, pg_temp AS
$$
DECLARE
	n escalation.notification;
BEGIN
	IF notification_result.id IS NULL OR delivered IS NULL THEN
		RAISE EXCEPTION 'notification_result needs an id and the outcome: id %, delivered %',
				coalesce(notification_result.id::text, 'NULL'), coalesce(delivered::text, 'NULL')
			USING ERRCODE = 'null_value_not_allowed';
	END IF;
	IF retry_after < interval '0' OR retry_after > interval '1 day' OR NOT isfinite(now() + retry_after) THEN
		RAISE EXCEPTION 'retry_after must be between 0 and 1 day: %', retry_after
			USING ERRCODE = 'invalid_parameter_value';
	END IF;
	-- An outcome is an event of the screens (notified): its number is drawn
	-- under the event stream's lock, taken before the row's lock as the
	-- engine takes it before it writes.
	PERFORM escalation.lock_event_stream();
	SELECT * INTO n FROM escalation.notification x WHERE x.id = notification_result.id FOR UPDATE;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'notification % does not exist', notification_result.id USING ERRCODE = 'no_data_found';
	END IF;
	-- A late answer: the row was given up, or its outcome is already recorded.
	IF n.state <> 'sending' THEN
		RETURN;
	END IF;
	IF delivered THEN
		UPDATE escalation.notification x
		SET state = 'delivered', delivered_at = now(), provider_answer = left(answer, 4000),
			lease_until = NULL, next_attempt_at = NULL, outcome_seq = nextval('escalation.warning_event_seq')
		WHERE x.id = n.id;
		PERFORM pg_catalog.pg_notify('escalation_warning', '');
	ELSIF n.created_at <= now() - escalation.rule_limit_span('notification_give_up_after') THEN
		UPDATE escalation.notification x
		SET state = 'failed', failed_at = now(), last_error = left(answer, 4000), provider_answer = left(answer, 4000),
			lease_until = NULL, next_attempt_at = NULL, outcome_seq = nextval('escalation.warning_event_seq')
		WHERE x.id = n.id;
		PERFORM pg_catalog.pg_notify('escalation_warning', '');
	ELSE
		UPDATE escalation.notification x
		SET state = 'pending', last_error = left(answer, 4000), provider_answer = left(answer, 4000), lease_until = NULL,
			next_attempt_at = now() + coalesce(retry_after, escalation.notification_backoff(n.attempts))
		WHERE x.id = n.id;
	END IF;
END
$$;
COMMENT ON FUNCTION escalation.notification_result(bigint, boolean, text, interval) IS
	'The sender records the outcome of a send: delivered, or not (pending again after retry_after or the backoff, failed past notification_give_up_after), with the provider''s answer. A delivery or a failure is an event of the screens (notified, numbered in outcome_seq). A result for a notification no longer sending is ignored (a late answer). 记录发送结果';

CREATE FUNCTION escalation.notification_metrics()
RETURNS TABLE (delivered bigint, failed bigint, pending bigint, oldest_pending_age interval)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, escalation, pg_temp
BEGIN ATOMIC
	SELECT count(*) FILTER (WHERE n.state = 'delivered'), count(*) FILTER (WHERE n.state = 'failed'),
		count(*) FILTER (WHERE n.state IN ('pending', 'sending')),
		coalesce(now() - min(n.created_at) FILTER (WHERE n.state IN ('pending', 'sending')), interval '0')
	FROM escalation.notification n;
END;
COMMENT ON FUNCTION escalation.notification_metrics() IS
	'For the sender''s /metrics: notifications delivered, failed, not yet delivered (pending or sending), and the age of the oldest not yet delivered (0 when none). 通知发送统计';

-- The handling of a warning with its notifications (moved here from
-- 56_handling.sql, which comes before the outbox). Who was told of what:
-- escalation.notification_log in 83_analyst_engine.sql, after the labels.
CREATE FUNCTION escalation.warning_timeline(warning_id bigint)
RETURNS TABLE (event_id bigint, step escalation.handling_step, done_at timestamptz, done_by name,
	department_id bigint, department_name text, reply_by timestamptz, accepted boolean, note text,
	notification_id bigint, channel_name text, delivery text)
LANGUAGE sql STABLE
BEGIN ATOMIC
	SELECT t.event_id, t.step, t.done_at, t.done_by, t.department_id, t.department_name, t.reply_by, t.accepted, t.note,
		t.notification_id, t.channel_name, t.delivery
	FROM (
		SELECT s.id AS event_id, s.step, s.done_at, s.done_by, s.department_id, d.name AS department_name,
			s.reply_by, s.accepted, s.note, NULL::bigint AS notification_id, NULL::text AS channel_name, NULL::text AS delivery
		FROM escalation.warning_step s
		LEFT JOIN escalation.department d ON d.id = s.department_id
		WHERE s.warning_id = warning_timeline.warning_id
		UNION ALL
		SELECT coalesce(n.step_id, n.warning_id), s.step, n.created_at, NULL::name, p.department_id, d.name,
			NULL::timestamptz, NULL::boolean,
			format('%s%s（%s）', CASE WHEN n.event = 'order' THEN '督办单通知' ELSE '通知' END, p.name, CASE n.recipient WHEN 'liaison' THEN '联络员' WHEN 'supervisor' THEN '监管责任人'
										   WHEN 'in_charge' THEN '分管责任人' ELSE '第一责任人' END),
			n.id, format('%s（%s）', c.name, escalation.notification_channel_kind_label(c.kind)),
			escalation.notification_state_label(n.state)
		FROM escalation.notification n
		JOIN escalation.notification_channel c ON c.id = n.channel_id
		LEFT JOIN escalation.warning_step s ON s.id = n.step_id
		LEFT JOIN escalation.person p ON p.id = n.person_id
		LEFT JOIN escalation.department d ON d.id = p.department_id
		WHERE n.warning_id = warning_timeline.warning_id
	) t
	ORDER BY t.event_id, t.notification_id NULLS FIRST;
END;
COMMENT ON FUNCTION escalation.warning_timeline(bigint) IS
	'The handling steps of a warning in order, each followed by the notifications it caused (the raising''s first: who, through which channel, delivered or not), as far as the caller may see them. 预警处置过程';

------------------------------------------------------------------------------
-- Row-level security and privileges
------------------------------------------------------------------------------

SELECT escalation.enable_region_security('escalation.notification');

GRANT USAGE ON SCHEMA escalation TO escalation_sender;
-- Endpoints, secrets and settings: the city office and the sender only.
GRANT SELECT, DELETE ON escalation.notification_channel, escalation.notification_setting,
	escalation.notification_rule_override TO escalation_admin;
SELECT escalation_internal.grant_column_writes(t, '{escalation_admin}')
FROM unnest(ARRAY['escalation.notification_channel', 'escalation.notification_setting',
				  'escalation.notification_rule_override']::regclass[]) AS t;
GRANT SELECT ON escalation.notification_channel TO escalation_sender;
GRANT SELECT (id, name, kind, rate_per_minute, enabled, created_at, created_by) ON escalation.notification_channel
	TO escalation_user, escalation_analyst;
GRANT SELECT ON escalation.notification_rule_default TO escalation_admin;
GRANT SELECT ON escalation.notification_rule TO escalation_admin, escalation_user, escalation_analyst;
-- The outbox: written by the triggers and the sender's functions only.
GRANT SELECT ON escalation.notification TO escalation_admin, escalation_user;
GRANT SELECT (id, idempotency_key, channel_id, subject, body, link, warning_id, created_at, state, attempts,
	next_attempt_at, lease_until, delivered_at, failed_at, last_error, repeats, event, step_id, order_id, person_id, recipient,
	claimed_by, region) ON escalation.notification TO escalation_analyst;

REVOKE ALL ON FUNCTION
	escalation.notification_channel_kind_label(escalation.notification_channel_kind),
	escalation.notification_state_label(escalation.notification_state),
	escalation_internal.notification_url_ok(text, text[]), escalation_internal.notification_channel_check(),
	escalation_internal.notification_setting_check(),
	escalation.notification_key(text, bigint, bigint, bigint),
	escalation_internal.notification_recipients(bigint, bigint, date),
	escalation_internal.notification_time(timestamptz),
	escalation_internal.notification_message(text, escalation.warning, bigint, timestamptz, text),
	escalation_internal.notification_write(text, escalation.warning, bigint, bigint, date, timestamptz, text),
	escalation_internal.warning_notify(), escalation_internal.warning_step_notify(),
	escalation.notification_backoff(integer), escalation.notification_claim(text, integer, interval),
	escalation.notification_result(bigint, boolean, text, interval), escalation.notification_metrics(),
	escalation.warning_timeline(bigint)
FROM PUBLIC;
GRANT EXECUTE ON FUNCTION
	escalation.notification_channel_kind_label(escalation.notification_channel_kind),
	escalation.notification_state_label(escalation.notification_state)
TO escalation_admin, escalation_user, escalation_analyst, escalation_screen;
GRANT EXECUTE ON FUNCTION escalation.notification_backoff(integer), escalation.warning_timeline(bigint)
TO escalation_admin, escalation_user, escalation_analyst;
GRANT EXECUTE ON FUNCTION escalation.notification_key(text, bigint, bigint, bigint) TO escalation_admin, escalation_analyst;
GRANT EXECUTE ON FUNCTION escalation.notification_claim(text, integer, interval),
	escalation.notification_result(bigint, boolean, text, interval), escalation.notification_metrics()
TO escalation_sender;
