-- Documents (公文, §9, §14–19, §22): the supervision orders (督办单) the engine
-- issues for every stage whose action is 督办, the circulars (通报) the city
-- office compiles from the stages whose action is 通报 and the orders left
-- unanswered, and the interviews and cautions (约谈、警示) the offices record.
-- Numbers are gapless per issuing office, series and year: a counter row per
-- office, series and year, advanced in the transaction that issues
-- (docs/DOCUMENTS.md).

------------------------------------------------------------------------------
-- The issuing offices (发文机关) and their counters (文号)
------------------------------------------------------------------------------

CREATE TABLE escalation.document_office (
	department_id bigint NOT NULL,
	short_name text NOT NULL,
	region escalation.region NOT NULL,
	created_at timestamptz NOT NULL DEFAULT statement_timestamp(),
	CONSTRAINT document_office_pkey PRIMARY KEY (department_id),
	CONSTRAINT document_office_department_fkey FOREIGN KEY (department_id) REFERENCES escalation.department (id),
	CONSTRAINT document_office_short_name_key UNIQUE (short_name),
	CONSTRAINT document_office_short_name_not_blank CHECK (btrim(short_name) <> '' AND short_name !~ '\s')
);
CREATE UNIQUE INDEX document_office_region_idx ON escalation.document_office (region);
COMMENT ON TABLE escalation.document_office IS
	'The offices that issue documents (发文机关): the work-safety committee office (安委会办公室) of the city and of each district, with the short name that heads their document numbers (济安办, 历下安办). One per region; the engine issues a supervision order from the office of the screen''s region. 发文机关';
COMMENT ON COLUMN escalation.document_office.department_id IS 'The office, a department of kind safety_committee_office at city or district level. 发文机关（部门）';
COMMENT ON COLUMN escalation.document_office.short_name IS 'Short name in document numbers, e.g. 济安办, 历下安办. 机关代字';
COMMENT ON COLUMN escalation.document_office.region IS 'Region of the office (follows the department). 所属区划';
COMMENT ON COLUMN escalation.document_office.created_at IS 'When the office was registered. 创建时间';
SELECT pg_catalog.pg_extension_config_dump('escalation.document_office', '');
SELECT escalation.follow_department_region('escalation.document_office');

-- Trigger: only a work-safety committee office of the city or a district issues documents.
CREATE FUNCTION escalation_internal.document_office_check() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, escalation, pg_temp AS
$$
DECLARE
	d escalation.department;
BEGIN
	SELECT * INTO d FROM escalation.department x WHERE x.id = NEW.department_id;
	IF FOUND AND (d.kind <> 'safety_committee_office' OR d.level NOT IN ('city', 'district')) THEN
		RAISE EXCEPTION 'department % ("%") cannot issue documents: it is a % of level %', d.id, d.name, d.kind, d.level
			USING ERRCODE = 'check_violation',
				  DETAIL = 'Supervision orders and circulars are issued by the work-safety committee office (安委会办公室) of the city or a district.',
				  HINT = 'Register the department of kind safety_committee_office of that region.';
	END IF;
	NEW.short_name := btrim(NEW.short_name);
	RETURN NEW;
END
$$;
COMMENT ON FUNCTION escalation_internal.document_office_check() IS
	'Trigger: an issuing office is a work-safety committee office (安委会办公室) of the city or a district. 发文机关校验';
CREATE TRIGGER document_office_check BEFORE INSERT OR UPDATE ON escalation.document_office
	FOR EACH ROW EXECUTE FUNCTION escalation_internal.document_office_check();

CREATE TABLE escalation.document_sequence (
	office_id bigint NOT NULL,
	series text NOT NULL,
	year integer NOT NULL,
	last_number integer NOT NULL DEFAULT 0,
	region escalation.region NOT NULL,
	CONSTRAINT document_sequence_pkey PRIMARY KEY (office_id, series, year),
	CONSTRAINT document_sequence_office_fkey FOREIGN KEY (office_id) REFERENCES escalation.document_office (department_id),
	CONSTRAINT document_sequence_series_known CHECK (series IN ('order', 'circular')),
	CONSTRAINT document_sequence_year_plausible CHECK (year BETWEEN 2000 AND 2999),
	CONSTRAINT document_sequence_not_negative CHECK (last_number >= 0)
);
CREATE INDEX document_sequence_region_idx ON escalation.document_sequence (region);
COMMENT ON TABLE escalation.document_sequence IS
	'The counters of document numbers (文号序号): the last number an office issued in a series and year. Issuing advances the row in the issuing transaction, so a rolled-back run leaves no gap and concurrent issuers wait for each other. The city may raise a counter (numbers issued on paper before the platform), never lower it. 发文序号';
COMMENT ON COLUMN escalation.document_sequence.office_id IS 'The issuing office (document_office). 发文机关';
COMMENT ON COLUMN escalation.document_sequence.series IS 'order 督办单 (督〔year〕n号) or circular 通报 (通〔year〕n号). 文种';
COMMENT ON COLUMN escalation.document_sequence.year IS 'Year of issue in escalation.timezone. 年度';
COMMENT ON COLUMN escalation.document_sequence.last_number IS 'The last number issued; the next document takes the one after. 已用序号';
COMMENT ON COLUMN escalation.document_sequence.region IS 'Region of the office (follows the department). 所属区划';
SELECT pg_catalog.pg_extension_config_dump('escalation.document_sequence', '');
SELECT escalation.follow_department_region('escalation.document_sequence', 'office_id');

-- Trigger: a counter only moves forward, and stays the counter of its office, series and year.
CREATE FUNCTION escalation_internal.document_sequence_check() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, escalation, pg_temp AS
$$
BEGIN
	IF (NEW.office_id, NEW.series, NEW.year) IS DISTINCT FROM (OLD.office_id, OLD.series, OLD.year) THEN
		RAISE EXCEPTION 'the counter of office %, series % and year % cannot be moved to another', OLD.office_id, OLD.series, OLD.year
			USING ERRCODE = 'object_not_in_prerequisite_state';
	END IF;
	IF NEW.last_number < OLD.last_number THEN
		RAISE EXCEPTION 'the counter of office %, series % and year % cannot go back from % to %',
				OLD.office_id, OLD.series, OLD.year, OLD.last_number, NEW.last_number
			USING ERRCODE = 'object_not_in_prerequisite_state',
				  DETAIL = 'Numbers up to the counter are issued; issuing one again would repeat a document number.';
	END IF;
	RETURN NEW;
END
$$;
COMMENT ON FUNCTION escalation_internal.document_sequence_check() IS
	'Trigger: a document counter only moves forward and keeps its office, series and year. 发文序号校验';
CREATE TRIGGER document_sequence_check BEFORE UPDATE ON escalation.document_sequence
	FOR EACH ROW EXECUTE FUNCTION escalation_internal.document_sequence_check();

-- The number a document of a series takes, from the counter row it advances.
CREATE FUNCTION escalation_internal.document_next(office_id bigint, series text, year integer) RETURNS integer
LANGUAGE sql SET search_path = pg_catalog, escalation, pg_temp
BEGIN ATOMIC
	INSERT INTO escalation.document_sequence AS s (office_id, series, year, last_number, region)
	SELECT o.department_id, document_next.series, document_next.year, 1, o.region
	FROM escalation.document_office o WHERE o.department_id = document_next.office_id
	ON CONFLICT ON CONSTRAINT document_sequence_pkey DO UPDATE SET last_number = s.last_number + 1
	RETURNING s.last_number;
END;
COMMENT ON FUNCTION escalation_internal.document_next(bigint, text, integer) IS
	'Advances the counter of an office, series and year and returns the number taken; the row stays locked until the transaction ends. 取下一文号序号';

CREATE FUNCTION escalation.document_number(short_name text, series text, year integer, sequence integer) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN short_name || CASE series WHEN 'order' THEN '督' WHEN 'circular' THEN '通' END || '〔' || year || '〕' || sequence || '号';
COMMENT ON FUNCTION escalation.document_number(text, text, integer, integer) IS
	'A document number as written on the document: 济安办督〔2026〕5号, 济安办通〔2026〕3号. 文号';

-- The reply deadline of an order is a limit of the ladders, which the city office may change.
INSERT INTO escalation.rule_limit_default (name, amount, span, description) VALUES
	('supervision_order_reply_within', NULL, '3 days', 'Time the addressee of a supervision order has to reply. 督办单回复期限');

------------------------------------------------------------------------------
-- Supervision orders (督办单)
------------------------------------------------------------------------------

CREATE TABLE escalation.supervision_order (
	id bigint GENERATED ALWAYS AS IDENTITY,
	number text,
	year integer NOT NULL,
	sequence integer,
	issued_by bigint,
	issuing_level escalation.level NOT NULL,
	issuing_region escalation.region NOT NULL,
	addressee_department_id bigint,
	warning_id bigint NOT NULL,
	title text NOT NULL,
	items text NOT NULL,
	measures text NOT NULL,
	issued_at timestamptz NOT NULL,
	reply_due_at timestamptz NOT NULL,
	replied_at timestamptz,
	reply text,
	replied_by name,
	region escalation.region NOT NULL,
	CONSTRAINT supervision_order_pkey PRIMARY KEY (id),
	CONSTRAINT supervision_order_number_key UNIQUE (number),
	CONSTRAINT supervision_order_office_year_sequence_key UNIQUE (issued_by, year, sequence),
	CONSTRAINT supervision_order_warning_key UNIQUE (warning_id),
	CONSTRAINT supervision_order_issued_by_fkey FOREIGN KEY (issued_by) REFERENCES escalation.department (id),
	CONSTRAINT supervision_order_addressee_fkey FOREIGN KEY (addressee_department_id) REFERENCES escalation.department (id),
	CONSTRAINT supervision_order_numbered_by_office CHECK ((number IS NULL) = (issued_by IS NULL) AND (number IS NULL) = (sequence IS NULL)),
	CONSTRAINT supervision_order_level_city_or_district CHECK (issuing_level IN ('city', 'district')),
	CONSTRAINT supervision_order_reply_complete CHECK ((replied_at IS NULL) = (reply IS NULL) AND (replied_at IS NULL) = (replied_by IS NULL))
);
CREATE INDEX supervision_order_region_idx ON escalation.supervision_order (region);
CREATE INDEX supervision_order_addressee_idx ON escalation.supervision_order (addressee_department_id);
CREATE INDEX supervision_order_reply_due_idx ON escalation.supervision_order (reply_due_at) WHERE replied_at IS NULL;
CREATE INDEX supervision_order_issued_at_idx ON escalation.supervision_order (issued_at);
COMMENT ON TABLE escalation.supervision_order IS
	'Supervision orders (督办单): one for every warning whose stage''s action is 督办, issued by the engine in the run that raises it, from the work-safety committee office of the screen''s region to the warning''s addressee department, with the items, the measures required and a reply deadline. Written only by the engine''s trigger; the reply only by supervision_order_reply or the feedback on its warning. 督办单';
COMMENT ON COLUMN escalation.supervision_order.id IS 'Order id (generated). 督办单编号';
COMMENT ON COLUMN escalation.supervision_order.number IS 'Document number, e.g. 历下安办督〔2026〕17号; NULL while the screen''s region has no issuing office (document_office). 文号';
COMMENT ON COLUMN escalation.supervision_order.year IS 'Year of issue in escalation.timezone. 年度';
COMMENT ON COLUMN escalation.supervision_order.sequence IS 'Number within the office and year (gapless). 序号';
COMMENT ON COLUMN escalation.supervision_order.issued_by IS 'The issuing office (安委会办公室 of the screen''s region); NULL when none is registered. 发文机关';
COMMENT ON COLUMN escalation.supervision_order.issuing_level IS 'Level of the issuing office: the warning''s screen, district or city. 督办层级';
COMMENT ON COLUMN escalation.supervision_order.issuing_region IS 'Region of the issuing office: the warning''s screen region. 督办区划';
COMMENT ON COLUMN escalation.supervision_order.addressee_department_id IS 'The department it is addressed to: the warning''s addressee decided at raising; NULL when none was found. 主送部门';
COMMENT ON COLUMN escalation.supervision_order.warning_id IS 'The warning (the 督办 stage) it was issued for; deleted with it. 预警编号';
COMMENT ON COLUMN escalation.supervision_order.title IS 'Title of the document. 标题';
COMMENT ON COLUMN escalation.supervision_order.items IS 'The item supervised, as written on the order: kind, unit, what and since when. 督办事项';
COMMENT ON COLUMN escalation.supervision_order.measures IS 'The measures required of the addressee. 工作要求';
COMMENT ON COLUMN escalation.supervision_order.issued_at IS 'When it was issued (the run that raised the warning). 发文时间';
COMMENT ON COLUMN escalation.supervision_order.reply_due_at IS 'Reply deadline: issue plus rule_limit supervision_order_reply_within (3 days as shipped). 回复期限';
COMMENT ON COLUMN escalation.supervision_order.replied_at IS 'When the addressee replied. 回复时间';
COMMENT ON COLUMN escalation.supervision_order.reply IS 'The reply: what was done. 回复内容';
COMMENT ON COLUMN escalation.supervision_order.replied_by IS 'Role that replied. 回复人';
COMMENT ON COLUMN escalation.supervision_order.region IS 'Region of the warning, for row-level security. 所属区划';
SELECT pg_catalog.pg_extension_config_dump('escalation.supervision_order', '');
SELECT pg_catalog.pg_extension_config_dump('escalation.supervision_order_id_seq', '');

-- What an order or a circular says of a warning's item.
CREATE FUNCTION escalation_internal.document_item(w escalation.warning) RETURNS text
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, escalation, pg_temp AS
$$
DECLARE
	unit_name text := (SELECT u.name FROM escalation.unit u WHERE u.id = w.unit_id);
	what text;
BEGIN
	IF w.kind IN ('hazard_overdue', 'major_hazard') THEN
		SELECT concat_ws('，', nullif(btrim(h.description), ''), nullif(btrim(h.location), '') || '（位置）',
				'发现于' || to_char(h.found_at AT TIME ZONE escalation_internal.document_zone(), 'YYYY"年"FMMM"月"FMDD"日"'),
				'整改期限' || to_char(h.rectify_deadline AT TIME ZONE escalation_internal.document_zone(), 'YYYY"年"FMMM"月"FMDD"日"'))
		INTO what FROM escalation.hazard h WHERE h.id = w.subject_id;
	ELSIF w.kind = 'clue' THEN
		SELECT concat_ws('，', nullif(btrim(c.facts), ''),
				'移交于' || to_char(c.transferred_at AT TIME ZONE escalation_internal.document_zone(), 'YYYY"年"FMMM"月"FMDD"日"'),
				'移交部门' || escalation.department_label(c.from_department), '接收部门' || escalation.department_label(c.to_department))
		INTO what FROM escalation.clue c WHERE c.id = w.subject_id;
	ELSIF w.kind = 'licence_expired' THEN
		SELECT concat_ws('，', l.kind || coalesce('（' || l.number || '）', ''),
				'有效期至' || to_char(l.valid_until, 'YYYY"年"FMMM"月"FMDD"日"'))
		INTO what FROM escalation.licence l WHERE l.id = w.subject_id;
	ELSE
		what := '自' || to_char(w.started_at AT TIME ZONE escalation_internal.document_zone(), 'YYYY"年"FMMM"月"FMDD"日"')
			|| '起未正常运行双重预防机制';
	END IF;
	RETURN concat_ws('：', nullif(concat_ws('', unit_name, escalation.warning_kind_label(w.kind)), ''), what);
END
$$;
COMMENT ON FUNCTION escalation_internal.document_item(escalation.warning) IS
	'What a document says of a warning''s item, in Chinese: unit, kind, description, since when. 公文事项表述';

CREATE FUNCTION escalation_internal.document_zone() RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE
RETURN coalesce(nullif(pg_catalog.current_setting('escalation.timezone', true), ''), 'Asia/Shanghai');
COMMENT ON FUNCTION escalation_internal.document_zone() IS
	'The time zone documents are dated in (escalation.timezone). 公文时区';

-- The measures an order requires, by kind of item.
CREATE FUNCTION escalation_internal.supervision_order_measures(kind escalation.warning_kind, reply_due_at timestamptz) RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE SET search_path = pg_catalog, escalation, pg_temp
-- Compared as text: a kind added by an upgrade cannot be a constant of a
-- function body created in the upgrade's transaction.
RETURN CASE kind::text
	WHEN 'hazard_overdue' THEN '立即督促生产经营单位完成隐患整改，落实复查销号；整改期间采取有效防范措施，确保安全。'
	WHEN 'major_hazard' THEN '立即组织对疑似重大事故隐患进行确认，属实的依法挂牌督办、限期整改，不属实的说明理由。'
	WHEN 'clue' THEN '立即对移交的违法线索依法调查处理，或按规定转办，并反馈处理结果。'
	WHEN 'licence_expired' THEN '立即督促生产经营单位办理许可证件延续，证件失效期间依法责令停止相关生产经营活动。'
	WHEN 'dual_prevention_idle' THEN '立即督促生产经营单位恢复双重预防机制正常运行，按时开展风险管控和隐患排查。'
	WHEN 'handling_sign' THEN '立即签收预警并组织处置，说明未按时签收的原因。'
	WHEN 'handling_reply' THEN '立即组织处置并反馈办理情况，说明逾期未反馈的原因。'
	WHEN 'major_hazard_listed' THEN '立即督促生产经营单位按治理方案完成重大事故隐患治理，落实治理期间的安全防范措施，治理完成后申请销号。'
	ELSE '立即组织处置并反馈办理情况。'
END || '请于' || to_char(reply_due_at AT TIME ZONE escalation_internal.document_zone(), 'YYYY"年"FMMM"月"FMDD"日"HH24:MI')
	|| '前将办理情况书面回复。';
COMMENT ON FUNCTION escalation_internal.supervision_order_measures(escalation.warning_kind, timestamptz) IS
	'The measures a supervision order requires for a kind of item, with its reply deadline, in Chinese. 督办工作要求';

-- Trigger (per statement): the engine (or an INSERT by hand) raising 督办
-- stages issues their orders, numbered by the office of each warning's screen
-- region in the order the warnings were raised: one counter update per office
-- and year however many orders a run issues.
CREATE FUNCTION escalation_internal.warning_issue_order() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, escalation, pg_temp AS
$$
DECLARE
	reply_within interval := coalesce(escalation.rule_limit_span('supervision_order_reply_within'), interval '3 days');
BEGIN
	-- A restore brings back the orders as they were issued.
	IF escalation.restoring() THEN
		RETURN NULL;
	END IF;
	WITH due AS (
		SELECT r.id, o.department_id AS office_id, o.short_name, y.yr,
			escalation.stage_due_at(r.raised_at, reply_within) AS reply_due_at,
			row_number() OVER (PARTITION BY o.department_id, y.yr ORDER BY r.id) AS k
		FROM raised r
		CROSS JOIN LATERAL (SELECT extract(year FROM escalation.local_day(r.raised_at))::integer) y(yr)
		LEFT JOIN escalation.document_office o ON o.region = r.screen_region
		WHERE r.action = 'supervise'
		  -- A warning put back with its id after a TRUNCATE (which leaves the orders) keeps its order.
		  AND NOT EXISTS (SELECT 1 FROM escalation.supervision_order s WHERE s.warning_id = r.id)
	), counts AS (
		SELECT d.office_id, d.yr, count(*)::integer AS n FROM due d WHERE d.office_id IS NOT NULL GROUP BY d.office_id, d.yr
	), taken AS (
		-- Counters in a fixed order, so that two transactions never wait for each other's.
		INSERT INTO escalation.document_sequence AS s (office_id, series, year, last_number, region)
		SELECT c.office_id, 'order', c.yr, c.n, o.region
		FROM counts c JOIN escalation.document_office o ON o.department_id = c.office_id
		ORDER BY c.office_id, c.yr
		ON CONFLICT ON CONSTRAINT document_sequence_pkey DO UPDATE SET last_number = s.last_number + EXCLUDED.last_number
		RETURNING s.office_id, s.year, s.last_number
	)
	INSERT INTO escalation.supervision_order (number, year, sequence, issued_by, issuing_level, issuing_region,
		addressee_department_id, warning_id, title, items, measures, issued_at, reply_due_at, region)
	SELECT escalation.document_number(d.short_name, 'order', d.yr, q.seq), d.yr, q.seq, d.office_id, w.screen,
		w.screen_region, a.department_id, d.id,
		'关于' || coalesce(u.name, '') || escalation.warning_kind_label(w.kind) || '问题的督办单',
		escalation_internal.document_item(w), escalation_internal.supervision_order_measures(w.kind, d.reply_due_at),
		w.raised_at, d.reply_due_at, w.region
	FROM due d
	-- The row as stored, of the table's type (a transition table's rows are records).
	JOIN escalation.warning w ON w.id = d.id
	LEFT JOIN counts c ON c.office_id = d.office_id AND c.yr = d.yr
	LEFT JOIN taken t ON t.office_id = d.office_id AND t.year = d.yr
	CROSS JOIN LATERAL (SELECT t.last_number - c.n + d.k::integer) q(seq)
	-- warning_address (earlier in name order) has recorded the addressees.
	LEFT JOIN escalation.warning_addressee a ON a.warning_id = d.id
	LEFT JOIN escalation.unit u ON u.id = w.unit_id
	ORDER BY d.id;
	RETURN NULL;
END
$$;
COMMENT ON FUNCTION escalation_internal.warning_issue_order() IS
	'Trigger (per statement): each warning an INSERT or a run raised whose action is 督办 gets its supervision order: the next numbers of the office of its screen''s region and year, in the order of the warnings, addressed to the warning''s addressee (recorded by warning_address), reply due after rule_limit supervision_order_reply_within. 签发督办单';
-- Named to fire after warning_address (triggers of one event fire in name order).
CREATE TRIGGER warning_issue_order AFTER INSERT ON escalation.warning REFERENCING NEW TABLE AS raised
	FOR EACH STATEMENT EXECUTE FUNCTION escalation_internal.warning_issue_order();

-- Trigger: an order keeps what it was issued with; only the reply is written, once.
CREATE FUNCTION escalation_internal.supervision_order_check() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, escalation, pg_temp AS
$$
BEGIN
	IF (NEW.id, NEW.number, NEW.year, NEW.sequence, NEW.issued_by, NEW.issuing_level, NEW.issuing_region,
		NEW.addressee_department_id, NEW.warning_id, NEW.title, NEW.items, NEW.measures, NEW.issued_at, NEW.reply_due_at, NEW.region)
	   IS DISTINCT FROM
	   (OLD.id, OLD.number, OLD.year, OLD.sequence, OLD.issued_by, OLD.issuing_level, OLD.issuing_region,
		OLD.addressee_department_id, OLD.warning_id, OLD.title, OLD.items, OLD.measures, OLD.issued_at, OLD.reply_due_at, OLD.region)
	THEN
		RAISE EXCEPTION 'supervision order % (%) cannot be changed', OLD.id, coalesce(OLD.number, '无文号')
			USING ERRCODE = 'object_not_in_prerequisite_state',
				  DETAIL = 'An issued order keeps its number, addressee, items and deadline; only its reply is recorded.';
	END IF;
	IF OLD.replied_at IS NOT NULL AND (NEW.replied_at, NEW.reply, NEW.replied_by) IS DISTINCT FROM (OLD.replied_at, OLD.reply, OLD.replied_by) THEN
		RAISE EXCEPTION 'supervision order % (%) is already answered', OLD.id, coalesce(OLD.number, '无文号')
			USING ERRCODE = 'object_not_in_prerequisite_state',
				  DETAIL = format('Role "%s" replied at %s.', OLD.replied_by, OLD.replied_at);
	END IF;
	RETURN NEW;
END
$$;
COMMENT ON FUNCTION escalation_internal.supervision_order_check() IS
	'Trigger: an issued supervision order cannot be changed but for its reply, written once. 督办单不可更改';
CREATE TRIGGER supervision_order_check BEFORE UPDATE ON escalation.supervision_order
	FOR EACH ROW EXECUTE FUNCTION escalation_internal.supervision_order_check();

-- Trigger: the addressee's feedback on the order's warning is the order's reply.
CREATE FUNCTION escalation_internal.warning_step_order_reply() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, escalation, pg_temp AS
$$
BEGIN
	IF NEW.step <> 'feedback' OR escalation.restoring() THEN
		RETURN NULL;
	END IF;
	UPDATE escalation.supervision_order s
	SET replied_at = NEW.done_at, reply = coalesce(NEW.note, ''), replied_by = NEW.done_by
	WHERE s.warning_id = NEW.warning_id AND s.replied_at IS NULL AND s.addressee_department_id = NEW.department_id;
	RETURN NULL;
END
$$;
COMMENT ON FUNCTION escalation_internal.warning_step_order_reply() IS
	'Trigger: feedback by the addressee department on a warning answers its supervision order (the first feedback is the reply). 反馈即督办回复';
CREATE TRIGGER warning_step_order_reply AFTER INSERT ON escalation.warning_step
	FOR EACH ROW EXECUTE FUNCTION escalation_internal.warning_step_order_reply();

CREATE FUNCTION escalation.supervision_order_reply(order_id bigint, reply text) RETURNS timestamptz
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, escalation, pg_temp AS
$$
DECLARE
	o escalation.supervision_order;
	h escalation.warning_handling;
	who name := escalation.acting_role();
	mine bigint := (SELECT ud.department_id FROM escalation.user_department ud WHERE ud.role_name = escalation.acting_role());
BEGIN
	PERFORM escalation.require_argument(order_id, 'order_id');
	-- The feedback step it may record takes the event stream's lock: take it first, as every writer of events does.
	PERFORM escalation.lock_event_stream();
	SELECT * INTO o FROM escalation.supervision_order s WHERE s.id = order_id FOR UPDATE;
	IF NOT FOUND OR NOT escalation.caller_sees_region(o.region) THEN
		RAISE EXCEPTION 'supervision order % does not exist', order_id
			USING ERRCODE = 'no_data_found',
				  DETAIL = format('No supervision order with this id is visible to role "%s".', who);
	END IF;
	IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles r WHERE r.rolname = who AND r.rolsuper)
	   AND (o.addressee_department_id IS NULL OR mine IS DISTINCT FROM o.addressee_department_id) THEN
		RAISE EXCEPTION 'role "%" cannot answer supervision order % (%): it is addressed to %', who, o.id,
				coalesce(o.number, '无文号'), coalesce(escalation.department_label(o.addressee_department_id), 'no department')
			USING ERRCODE = 'insufficient_privilege',
				  HINT = 'An order is answered by a role of its addressee department (escalation.user_department).';
	END IF;
	IF o.replied_at IS NOT NULL THEN
		RAISE EXCEPTION 'supervision order % (%) is already answered', o.id, coalesce(o.number, '无文号')
			USING ERRCODE = 'object_not_in_prerequisite_state',
				  DETAIL = format('Role "%s" replied at %s.', o.replied_by, o.replied_at);
	END IF;
	IF reply IS NULL OR btrim(reply) = '' THEN
		RAISE EXCEPTION 'the reply to supervision order % (%) must say what was done', o.id, coalesce(o.number, '无文号')
			USING ERRCODE = 'null_value_not_allowed';
	END IF;
	-- A warning dispatched to the addressee and waiting for its feedback: the reply is that feedback.
	SELECT * INTO h FROM escalation.warning_handling x WHERE x.warning_id = o.warning_id;
	IF h.awaiting_reply AND h.dispatched_to = o.addressee_department_id THEN
		PERFORM escalation.warning_feedback(o.warning_id, reply);
	ELSE
		UPDATE escalation.supervision_order s
		SET replied_at = now(), reply = btrim(supervision_order_reply.reply), replied_by = who
		WHERE s.id = o.id;
	END IF;
	RETURN (SELECT s.replied_at FROM escalation.supervision_order s WHERE s.id = o.id);
END
$$;
COMMENT ON FUNCTION escalation.supervision_order_reply(bigint, text) IS
	'回复: a role of the addressee department answers a supervision order, saying what was done; when the order''s warning waits for that department''s feedback, the reply is given as its feedback (warning_feedback). Returns when the reply was recorded. 督办单回复';

------------------------------------------------------------------------------
-- Circulars (通报)
------------------------------------------------------------------------------

CREATE TABLE escalation.circular (
	id bigint GENERATED ALWAYS AS IDENTITY,
	number text NOT NULL,
	year integer NOT NULL,
	sequence integer NOT NULL,
	issued_by bigint NOT NULL,
	period tstzrange NOT NULL,
	issued_at timestamptz NOT NULL DEFAULT statement_timestamp(),
	issued_by_role name NOT NULL,
	title text NOT NULL,
	corrects bigint,
	correction_reason text,
	CONSTRAINT circular_pkey PRIMARY KEY (id),
	CONSTRAINT circular_number_key UNIQUE (number),
	CONSTRAINT circular_office_year_sequence_key UNIQUE (issued_by, year, sequence),
	CONSTRAINT circular_corrects_key UNIQUE (corrects),
	CONSTRAINT circular_issued_by_fkey FOREIGN KEY (issued_by) REFERENCES escalation.department (id),
	CONSTRAINT circular_corrects_fkey FOREIGN KEY (corrects) REFERENCES escalation.circular (id),
	CONSTRAINT circular_period_bounded CHECK (NOT isempty(period) AND NOT lower_inf(period) AND NOT upper_inf(period)),
	CONSTRAINT circular_correction_has_reason CHECK ((corrects IS NULL) = (correction_reason IS NULL)),
	-- A period is circulated once; a correction repeats the period of the circular it corrects.
	CONSTRAINT circular_periods_do_not_overlap EXCLUDE USING gist (period WITH &&) WHERE (corrects IS NULL)
);
COMMENT ON TABLE escalation.circular IS
	'Circulars (通报) of the city''s work-safety committee office: one per period, listing the warnings whose action is 通报 raised in it and the supervision orders whose reply fell due in it unanswered (circular_item). Published to the whole city, so every platform role reads them. Immutable once issued; a correction is a new circular naming the one it corrects. Issued by circular_issue and circular_correct. 通报';
COMMENT ON COLUMN escalation.circular.id IS 'Circular id (generated). 通报编号';
COMMENT ON COLUMN escalation.circular.number IS 'Document number, e.g. 济安办通〔2026〕3号. 文号';
COMMENT ON COLUMN escalation.circular.year IS 'Year of issue in escalation.timezone. 年度';
COMMENT ON COLUMN escalation.circular.sequence IS 'Number within the office and year (gapless). 序号';
COMMENT ON COLUMN escalation.circular.issued_by IS 'The issuing office: the city''s work-safety committee office. 发文机关';
COMMENT ON COLUMN escalation.circular.period IS 'The period circulated, bounded and in the past. 通报期间';
COMMENT ON COLUMN escalation.circular.issued_at IS 'When it was issued. 发文时间';
COMMENT ON COLUMN escalation.circular.issued_by_role IS 'Role that issued it (the pg_cron job''s role for the weekly circular). 签发人';
COMMENT ON COLUMN escalation.circular.title IS 'Title of the document. 标题';
COMMENT ON COLUMN escalation.circular.corrects IS 'The circular this one corrects (更正); NULL for a regular circular. 更正的通报';
COMMENT ON COLUMN escalation.circular.correction_reason IS 'Why the correction was issued. 更正原因';
SELECT pg_catalog.pg_extension_config_dump('escalation.circular', '');
SELECT pg_catalog.pg_extension_config_dump('escalation.circular_id_seq', '');

CREATE TABLE escalation.circular_item (
	circular_id bigint NOT NULL,
	warning_id bigint NOT NULL,
	item_no integer NOT NULL,
	reason text NOT NULL,
	order_id bigint,
	kind escalation.warning_kind NOT NULL,
	stage smallint NOT NULL,
	unit_id bigint,
	unit_name text,
	district escalation.region,
	district_name text,
	department_id bigint,
	department_name text,
	item text NOT NULL,
	overdue_since timestamptz NOT NULL,
	overdue_by interval NOT NULL,
	handled_at timestamptz,
	ladder text NOT NULL,
	CONSTRAINT circular_item_pkey PRIMARY KEY (circular_id, warning_id),
	CONSTRAINT circular_item_item_no_key UNIQUE (circular_id, item_no),
	CONSTRAINT circular_item_circular_fkey FOREIGN KEY (circular_id) REFERENCES escalation.circular (id),
	CONSTRAINT circular_item_order_fkey FOREIGN KEY (order_id) REFERENCES escalation.supervision_order (id),
	CONSTRAINT circular_item_unit_fkey FOREIGN KEY (unit_id) REFERENCES escalation.unit (id),
	CONSTRAINT circular_item_department_fkey FOREIGN KEY (department_id) REFERENCES escalation.department (id),
	CONSTRAINT circular_item_reason_known CHECK (reason IN ('circulate', 'order_overdue')),
	CONSTRAINT circular_item_order_when_overdue CHECK ((reason = 'order_overdue') = (order_id IS NOT NULL))
);
CREATE INDEX circular_item_warning_idx ON escalation.circular_item (warning_id);
CREATE INDEX circular_item_department_idx ON escalation.circular_item (department_id);
CREATE INDEX circular_item_district_idx ON escalation.circular_item (district);
COMMENT ON TABLE escalation.circular_item IS
	'The items of a circular (通报事项), in the order printed (by district, then department): each warning whose action is 通报 raised in its period, and each supervision order whose reply fell due in it unanswered while its item was unhandled, with what the circular says of it as it stood when issued. 通报事项';
COMMENT ON COLUMN escalation.circular_item.circular_id IS 'The circular. 通报编号';
COMMENT ON COLUMN escalation.circular_item.warning_id IS 'The warning: the 通报 stage, or the 督办 stage of the overdue order. 预警编号';
COMMENT ON COLUMN escalation.circular_item.item_no IS 'Place in the circular, 1..n, grouped by district and department. 序号';
COMMENT ON COLUMN escalation.circular_item.reason IS 'circulate 预警通报 (a 通报 stage) or order_overdue 督办逾期未回复. 通报事由';
COMMENT ON COLUMN escalation.circular_item.order_id IS 'order_overdue: the supervision order not answered in time. 督办单编号';
COMMENT ON COLUMN escalation.circular_item.kind IS 'Kind of warning. 预警类型';
COMMENT ON COLUMN escalation.circular_item.stage IS 'Stage of the ladder. 预警级次';
COMMENT ON COLUMN escalation.circular_item.unit_id IS 'The unit concerned, if any. 生产经营单位';
COMMENT ON COLUMN escalation.circular_item.unit_name IS 'Its name as printed. 单位名称';
COMMENT ON COLUMN escalation.circular_item.district IS 'District of the item; NULL for a city item without one. 所属区县';
COMMENT ON COLUMN escalation.circular_item.district_name IS 'Its name as printed. 区县名称';
COMMENT ON COLUMN escalation.circular_item.department_id IS 'The department that answers for it (the warning''s addressee). 责任部门';
COMMENT ON COLUMN escalation.circular_item.department_name IS 'Its name as printed. 部门名称';
COMMENT ON COLUMN escalation.circular_item.item IS 'What the circular says of the item. 通报事项';
COMMENT ON COLUMN escalation.circular_item.overdue_since IS 'Since when it is overdue: the ladder''s start (circulate) or the order''s reply deadline (order_overdue). 逾期起算时间';
COMMENT ON COLUMN escalation.circular_item.overdue_by IS 'How long it had been overdue when circulated, or until it was handled (answered) if earlier. 逾期时长';
COMMENT ON COLUMN escalation.circular_item.handled_at IS 'When the item was handled (the warning resolved), if before the circular. 处理时间';
COMMENT ON COLUMN escalation.circular_item.ladder IS 'The history of the ladder up to the circular: each stage''s day, screen and action. 预警升级过程';
SELECT pg_catalog.pg_extension_config_dump('escalation.circular_item', '');

-- Trigger: an issued circular and its items are never changed or deleted.
CREATE FUNCTION escalation_internal.circular_refuse_change() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, escalation, pg_temp AS
$$
DECLARE
	c escalation.circular;
	target bigint;
BEGIN
	-- Two statements: a record's missing field is an error only when read.
	IF TG_TABLE_NAME = 'circular' THEN
		target := OLD.id;
	ELSE
		target := OLD.circular_id;
	END IF;
	SELECT * INTO c FROM escalation.circular x WHERE x.id = target;
	RAISE EXCEPTION 'circular % (%) is issued and cannot be changed', c.id, c.number
		USING ERRCODE = 'object_not_in_prerequisite_state',
			  DETAIL = format('%s of %s refused: an issued circular is a record.', TG_OP, TG_TABLE_NAME),
			  HINT = 'Issue a correction with escalation.circular_correct(), which names the circular it corrects.';
END
$$;
COMMENT ON FUNCTION escalation_internal.circular_refuse_change() IS
	'Trigger: refuses any UPDATE or DELETE of an issued circular or its items, naming the circular''s number. 通报不可更改';
CREATE TRIGGER circular_refuse_change BEFORE UPDATE OR DELETE ON escalation.circular
	FOR EACH ROW EXECUTE FUNCTION escalation_internal.circular_refuse_change();
CREATE TRIGGER circular_item_refuse_change BEFORE UPDATE OR DELETE ON escalation.circular_item
	FOR EACH ROW EXECUTE FUNCTION escalation_internal.circular_refuse_change();

-- The documents name warnings without foreign keys: a key into escalation.warning
-- would make pg_dump load the warnings before the units, and the province's
-- copy of a warning, made as it is restored, would lose the unit's name. This
-- trigger keeps them in step instead.
CREATE FUNCTION escalation_internal.warning_documents_delete() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, escalation, pg_temp AS
$$
DECLARE
	c escalation.circular;
BEGIN
	SELECT x.* INTO c FROM escalation.circular x JOIN escalation.circular_item i ON i.circular_id = x.id
	WHERE i.warning_id = OLD.id ORDER BY x.id LIMIT 1;
	IF FOUND THEN
		RAISE EXCEPTION 'warning % is listed in circular % (%) and cannot be deleted', OLD.id, c.id, c.number
			USING ERRCODE = 'foreign_key_violation';
	END IF;
	IF EXISTS (SELECT 1 FROM escalation.admonition_basis b WHERE b.warning_id = OLD.id) THEN
		RAISE EXCEPTION 'warning % led to an interview or caution and cannot be deleted', OLD.id
			USING ERRCODE = 'foreign_key_violation';
	END IF;
	DELETE FROM escalation.supervision_order s WHERE s.warning_id = OLD.id;
	RETURN OLD;
END
$$;
COMMENT ON FUNCTION escalation_internal.warning_documents_delete() IS
	'Trigger: a deleted warning takes its supervision order with it; a warning listed in a circular or named by an interview or caution cannot be deleted. 预警删除与公文';
CREATE TRIGGER warning_documents_delete BEFORE DELETE ON escalation.warning
	FOR EACH ROW EXECUTE FUNCTION escalation_internal.warning_documents_delete();

-- The history of an item's ladder up to a time, as a circular prints it.
CREATE FUNCTION escalation_internal.document_ladder(w escalation.warning, up_to timestamptz) RETURNS text
LANGUAGE sql STABLE SET search_path = pg_catalog, escalation, pg_temp
BEGIN ATOMIC
	SELECT string_agg(to_char(x.due_at AT TIME ZONE escalation_internal.document_zone(), 'FMMM"月"FMDD"日"')
			|| CASE x.screen WHEN 'city' THEN '市级' ELSE '区级' END
			|| CASE x.action WHEN 'confirm' THEN '通知确认' WHEN 'supervise' THEN '督办' ELSE '通报' END
			|| coalesce('（' || o.number || '）', ''),
		' → ' ORDER BY x.stage)
	FROM escalation.warning x
	LEFT JOIN escalation.supervision_order o ON o.warning_id = x.id
	WHERE x.subject_id = w.subject_id AND x.kind = w.kind AND x.started_at = w.started_at AND x.raised_at <= up_to;
END;
COMMENT ON FUNCTION escalation_internal.document_ladder(escalation.warning, timestamptz) IS
	'The stages an item''s ladder raised up to a time, in Chinese: the day each fell due, level, action and the order''s number (3月1日区级督办（历下安办督〔2026〕17号） → …). 预警升级过程';

-- Who acts for an office: a superuser, escalation_admin, or the command
-- centre mapped to the office's region.
CREATE FUNCTION escalation_internal.acts_for_office(office escalation.document_office) RETURNS boolean
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, escalation, pg_temp AS
$$
DECLARE
	who name := escalation.acting_role();
BEGIN
	RETURN EXISTS (SELECT 1 FROM pg_catalog.pg_roles r WHERE r.rolname = who AND r.rolsuper)
		OR pg_catalog.pg_has_role(who, 'escalation_admin', 'USAGE')
		OR (pg_catalog.pg_has_role(who, 'escalation_command_centre', 'USAGE')
			AND escalation.current_region() IS NOT DISTINCT FROM office.region);
END
$$;
COMMENT ON FUNCTION escalation_internal.acts_for_office(escalation.document_office) IS
	'Whether the caller acts for an issuing office: a superuser, escalation_admin, or the command centre (escalation_command_centre) mapped to the office''s region. 公文机关经办人校验';

-- Who may issue a circular: the city's command centre, the city office's
-- administrators and the pg_cron job that runs as one of them.
CREATE FUNCTION escalation_internal.circular_require_issuer(office escalation.document_office, action text) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, escalation, pg_temp AS
$$
DECLARE
	who name := escalation.acting_role();
BEGIN
	IF escalation_internal.acts_for_office(office) THEN
		RETURN;
	END IF;
	RAISE EXCEPTION 'role "%" cannot % a circular of %', who, action, escalation.department_label(office.department_id)
		USING ERRCODE = 'insufficient_privilege',
			  HINT = format('Circulars are issued by the city''s command centre (a member of escalation_command_centre mapped to region %s) or by escalation_admin.', office.region);
END
$$;
COMMENT ON FUNCTION escalation_internal.circular_require_issuer(escalation.document_office, text) IS
	'Raises insufficient_privilege unless the caller is a superuser, escalation_admin, or the city''s command centre (escalation_command_centre mapped to the office''s region). 校验通报签发人';

-- The city office that issues circulars: the caller's city's, else the only one.
CREATE FUNCTION escalation_internal.circular_office() RETURNS escalation.document_office
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, escalation, pg_temp AS
$$
DECLARE
	office escalation.document_office;
	mine escalation.region := escalation.region_city(escalation.current_region());
BEGIN
	SELECT * INTO office FROM escalation.document_office o
	WHERE escalation.region_level(o.region) = 'city' AND (mine IS NULL OR o.region = mine)
	ORDER BY o.region;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'no city office is registered to issue circulars%', coalesce(' for city ' || mine::text, '')
			USING ERRCODE = 'object_not_in_prerequisite_state',
				  HINT = 'Register the city''s work-safety committee office (安委会办公室) with its short name in escalation.document_office.';
	END IF;
	RETURN office;
END
$$;
COMMENT ON FUNCTION escalation_internal.circular_office() IS
	'The city office that issues circulars: the one of the caller''s city, else the first city office registered in document_office; object_not_in_prerequisite_state when none is. 通报发文机关';

-- Compile and number a circular of a period (the caller has checked it).
CREATE FUNCTION escalation_internal.circular_compile(office escalation.document_office, period tstzrange,
	corrects bigint, reason text) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, escalation, pg_temp AS
$$
DECLARE
	now_at timestamptz := statement_timestamp();
	yr integer := extract(year FROM escalation.local_day(now_at))::integer;
	n integer;
	id bigint;
	zone text := escalation_internal.document_zone();
BEGIN
	IF to_regclass('pg_temp.circular_compiled') IS NULL THEN
		CREATE TEMP TABLE circular_compiled (LIKE escalation.circular_item) ON COMMIT DROP;
	ELSE
		TRUNCATE pg_temp.circular_compiled;
	END IF;
	INSERT INTO pg_temp.circular_compiled (circular_id, warning_id, item_no, reason, order_id, kind, stage, unit_id, unit_name,
		district, district_name, department_id, department_name, item, overdue_since, overdue_by, handled_at, ladder)
	SELECT 0, f.id, row_number() OVER (ORDER BY f.district NULLS FIRST, f.department_id NULLS LAST, f.reason, f.id),
		f.reason, f.order_id, f.kind, f.stage, f.unit_id, u.name, f.district, dv.name, f.department_id, d.name,
		escalation_internal.document_item(f.w), f.since,
		greatest(least(now_at, coalesce(f.ended, now_at)) - f.since, interval '0'),
		CASE WHEN (f.w).resolved_at <= now_at THEN (f.w).resolved_at END,
		escalation_internal.document_ladder(f.w, now_at)
	FROM (
		SELECT w.id, 'circulate' AS reason, NULL::bigint AS order_id, w.kind, w.stage, w.unit_id, w.district,
			a.department_id, w.started_at AS since, w.resolved_at AS ended, w
		FROM escalation.warning w
		LEFT JOIN escalation.warning_addressee a ON a.warning_id = w.id
		WHERE w.action = 'circulate' AND w.raised_at <@ circular_compile.period
			AND escalation.region_city(w.screen_region) = office.region
		UNION ALL
		SELECT w.id, 'order_overdue', o.id, w.kind, w.stage, w.unit_id, w.district,
			o.addressee_department_id, o.reply_due_at, coalesce(o.replied_at, w.resolved_at), w
		FROM escalation.supervision_order o
		JOIN escalation.warning w ON w.id = o.warning_id
		WHERE o.reply_due_at <@ circular_compile.period
			AND escalation.region_city(o.issuing_region) = office.region
			AND (o.replied_at IS NULL OR o.replied_at > o.reply_due_at)
			AND (w.resolved_at IS NULL OR w.resolved_at > o.reply_due_at)
	) f
	LEFT JOIN escalation.unit u ON u.id = f.unit_id
	LEFT JOIN escalation.division dv ON dv.code = f.district
	LEFT JOIN escalation.department d ON d.id = f.department_id;
	-- Nothing to circulate: no circular, no number taken (unless it corrects one).
	IF corrects IS NULL AND NOT EXISTS (SELECT 1 FROM pg_temp.circular_compiled) THEN
		RETURN NULL;
	END IF;
	n := escalation_internal.document_next(office.department_id, 'circular', yr);
	INSERT INTO escalation.circular AS c (number, year, sequence, issued_by, period, issued_at, issued_by_role, title,
		corrects, correction_reason)
	VALUES (escalation.document_number(office.short_name, 'circular', yr, n), yr, n, office.department_id,
		circular_compile.period, now_at, escalation.acting_role(),
		CASE WHEN corrects IS NULL THEN '关于' ELSE '更正：关于' END
			|| to_char(lower(circular_compile.period) AT TIME ZONE zone, 'YYYY"年"FMMM"月"FMDD"日"') || '至'
			|| to_char(upper(circular_compile.period) AT TIME ZONE zone, 'YYYY"年"FMMM"月"FMDD"日"')
			|| '安全生产预警督办情况的通报',
		corrects, reason)
	RETURNING c.id INTO id;
	INSERT INTO escalation.circular_item
	SELECT id, x.warning_id, x.item_no, x.reason, x.order_id, x.kind, x.stage, x.unit_id, x.unit_name, x.district,
		x.district_name, x.department_id, x.department_name, x.item, x.overdue_since, x.overdue_by, x.handled_at, x.ladder
	FROM pg_temp.circular_compiled x;
	RETURN id;
END
$$;
COMMENT ON FUNCTION escalation_internal.circular_compile(escalation.document_office, tstzrange, bigint, text) IS
	'Compiles the items of a period (通报 stages raised in it, orders whose reply fell due in it unanswered while their item was unhandled), numbers the circular and writes it; NULL when there is nothing to circulate and it corrects nothing. 编制通报';

-- Check a period given by a user: bounded, not empty, in the past.
CREATE FUNCTION escalation_internal.circular_check_period(period tstzrange) RETURNS void
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, escalation, pg_temp AS
$$
BEGIN
	IF isempty(period) OR lower_inf(period) OR upper_inf(period) THEN
		RAISE EXCEPTION 'period of a circular must be bounded and not empty: %', period
			USING ERRCODE = 'invalid_parameter_value',
				  HINT = 'Give both ends, e.g. tstzrange(''2026-03-02 00:00+08'', ''2026-03-09 00:00+08''), or NULL for the time since the last circular.';
	END IF;
	PERFORM escalation_internal.check_times(ARRAY[lower(period), upper(period)], NULL,
		ARRAY['start of the period', 'end of the period'], false);
	IF upper(period) > statement_timestamp() THEN
		RAISE EXCEPTION 'period of a circular must lie in the past: it ends at %', upper(period)
			USING ERRCODE = 'invalid_parameter_value',
				  DETAIL = format('The server clock reads %s.', statement_timestamp());
	END IF;
END
$$;
COMMENT ON FUNCTION escalation_internal.circular_check_period(tstzrange) IS
	'Raises invalid_parameter_value for a period that is empty, unbounded or reaches past now, datetime_field_overflow for ends outside the time window. 通报期间校验';

CREATE FUNCTION escalation.circular_issue(period tstzrange DEFAULT NULL) RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, escalation, pg_temp AS
$$
DECLARE
	office escalation.document_office := escalation_internal.circular_office();
	since timestamptz;
	clash escalation.circular;
BEGIN
	PERFORM escalation_internal.circular_require_issuer(office, 'issue');
	-- One issuer of the office at a time: the period since the last circular is read after it committed.
	PERFORM 1 FROM escalation.document_office o WHERE o.department_id = office.department_id FOR UPDATE;
	IF period IS NULL THEN
		SELECT max(upper(c.period)) INTO since FROM escalation.circular c
		WHERE c.issued_by = office.department_id AND c.corrects IS NULL;
		-- A session that waited for another issuer may have started before that circular's end: nothing is new.
		IF since >= statement_timestamp() THEN
			RETURN NULL;
		END IF;
		-- The first circular covers the week before it.
		period := tstzrange(coalesce(since, statement_timestamp() - interval '7 days'), statement_timestamp());
	ELSE
		PERFORM escalation_internal.circular_check_period(period);
	END IF;
	SELECT * INTO clash FROM escalation.circular c
	WHERE c.issued_by = office.department_id AND c.corrects IS NULL AND c.period && circular_issue.period
	ORDER BY c.id LIMIT 1;
	IF FOUND THEN
		RAISE EXCEPTION 'period % overlaps circular % (%) of period %', period, clash.id, clash.number, clash.period
			USING ERRCODE = 'exclusion_violation', CONSTRAINT = 'circular_periods_do_not_overlap',
				  HINT = 'A period is circulated once; correct that circular with escalation.circular_correct().';
	END IF;
	RETURN escalation_internal.circular_compile(office, period, NULL, NULL);
END
$$;
COMMENT ON FUNCTION escalation.circular_issue(tstzrange) IS
	'Issues the city office''s circular (通报) of a period (NULL: from the end of the last circular to now; the first covers the week before): the warnings whose action is 通报 raised in it and the supervision orders whose reply fell due in it unanswered, grouped by district and department. Returns its id, or NULL when there was nothing to circulate (no number is taken). For the city''s command centre, escalation_admin and the weekly pg_cron job. 签发通报';

CREATE FUNCTION escalation.circular_correct(circular_id bigint, reason text) RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, escalation, pg_temp AS
$$
DECLARE
	c escalation.circular;
	office escalation.document_office;
	later escalation.circular;
BEGIN
	PERFORM escalation.require_argument(circular_id, 'circular_id');
	SELECT * INTO c FROM escalation.circular x WHERE x.id = circular_id;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'circular % does not exist', circular_id USING ERRCODE = 'no_data_found';
	END IF;
	SELECT * INTO office FROM escalation.document_office o WHERE o.department_id = c.issued_by;
	PERFORM escalation_internal.circular_require_issuer(office, 'correct');
	IF reason IS NULL OR btrim(reason) = '' THEN
		RAISE EXCEPTION 'the correction of circular % (%) needs a reason', c.id, c.number
			USING ERRCODE = 'null_value_not_allowed';
	END IF;
	PERFORM 1 FROM escalation.document_office o WHERE o.department_id = office.department_id FOR UPDATE;
	SELECT * INTO later FROM escalation.circular x WHERE x.corrects = c.id;
	IF FOUND THEN
		RAISE EXCEPTION 'circular % (%) is already corrected by % (%)', c.id, c.number, later.id, later.number
			USING ERRCODE = 'object_not_in_prerequisite_state',
				  HINT = 'Correct the latest circular of the chain.';
	END IF;
	RETURN escalation_internal.circular_compile(office, c.period, c.id, btrim(reason));
END
$$;
COMMENT ON FUNCTION escalation.circular_correct(bigint, text) IS
	'Issues a correction (更正) of a circular: a new numbered circular of the same period, compiled anew, naming the one it corrects and why. Returns its id. 更正通报';

CREATE FUNCTION escalation.circular_schedule(schedule text DEFAULT '0 9 * * 1') RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, escalation, pg_temp AS
$$
BEGIN
	IF schedule IS NULL OR btrim(schedule) = '' THEN
		RAISE EXCEPTION 'schedule must not be empty'
			USING ERRCODE = 'invalid_parameter_value',
				  HINT = 'Give a cron schedule, e.g. ''0 9 * * 1'' for Mondays at 09:00.';
	END IF;
	PERFORM escalation_internal.require_cron();
	RETURN cron.schedule('escalation-circular', schedule, 'SELECT escalation.circular_issue()');
END
$$;
COMMENT ON FUNCTION escalation.circular_schedule(text) IS
	'Creates or updates the pg_cron job "escalation-circular" that issues the circular of the time since the last one (escalation.circular_issue()) on the given schedule (default Mondays 09:00, in pg_cron''s time zone); returns its job id. 设置定期通报';

CREATE FUNCTION escalation.circular_unschedule() RETURNS boolean
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, escalation, pg_temp AS
$$
BEGIN
	PERFORM escalation_internal.require_cron();
	IF NOT EXISTS (SELECT 1 FROM cron.job j WHERE j.jobname = 'escalation-circular' AND j.username = current_user
				   AND j.database = current_database()) THEN
		RETURN false;
	END IF;
	PERFORM cron.unschedule('escalation-circular');
	RETURN true;
END
$$;
COMMENT ON FUNCTION escalation.circular_unschedule() IS
	'Removes the pg_cron job "escalation-circular"; returns false if there was none. 取消定期通报';

------------------------------------------------------------------------------
-- Interviews and cautions (约谈、警示, §9)
------------------------------------------------------------------------------

CREATE TABLE escalation.admonition (
	id bigint GENERATED ALWAYS AS IDENTITY,
	kind text NOT NULL,
	taken_by bigint NOT NULL,
	department_id bigint,
	unit_id bigint,
	taken_at timestamptz NOT NULL,
	reason text NOT NULL,
	note text,
	recorded_at timestamptz NOT NULL DEFAULT statement_timestamp(),
	recorded_by name NOT NULL DEFAULT current_user,
	region escalation.region NOT NULL,
	CONSTRAINT admonition_pkey PRIMARY KEY (id),
	CONSTRAINT admonition_taken_by_fkey FOREIGN KEY (taken_by) REFERENCES escalation.document_office (department_id),
	CONSTRAINT admonition_department_fkey FOREIGN KEY (department_id) REFERENCES escalation.department (id),
	CONSTRAINT admonition_unit_fkey FOREIGN KEY (unit_id) REFERENCES escalation.unit (id),
	CONSTRAINT admonition_kind_known CHECK (kind IN ('interview', 'caution')),
	CONSTRAINT admonition_one_target CHECK ((department_id IS NULL) <> (unit_id IS NULL)),
	CONSTRAINT admonition_reason_not_blank CHECK (btrim(reason) <> '')
);
CREATE INDEX admonition_region_idx ON escalation.admonition (region);
CREATE INDEX admonition_department_idx ON escalation.admonition (department_id);
CREATE INDEX admonition_unit_idx ON escalation.admonition (unit_id);
COMMENT ON TABLE escalation.admonition IS
	'Interviews and cautions (约谈、警示, §9) the city or a district office took against a department or a unit, with the warnings and circulars that led to them (admonition_basis). Recorded by escalation.admonition_record. 约谈警示记录';
COMMENT ON COLUMN escalation.admonition.id IS 'Record id (generated). 记录编号';
COMMENT ON COLUMN escalation.admonition.kind IS 'interview 约谈 or caution 警示. 措施类别';
COMMENT ON COLUMN escalation.admonition.taken_by IS 'The office that took it (document_office). 实施机关';
COMMENT ON COLUMN escalation.admonition.department_id IS 'The department admonished (or unit_id). 被约谈/警示部门';
COMMENT ON COLUMN escalation.admonition.unit_id IS 'The unit admonished (or department_id). 被约谈/警示单位';
COMMENT ON COLUMN escalation.admonition.taken_at IS 'When it took place. 实施时间';
COMMENT ON COLUMN escalation.admonition.reason IS 'Why. 事由';
COMMENT ON COLUMN escalation.admonition.note IS 'What was required, who attended, references to the minutes. 情况说明';
COMMENT ON COLUMN escalation.admonition.recorded_at IS 'When it was recorded. 录入时间';
COMMENT ON COLUMN escalation.admonition.recorded_by IS 'Role that recorded it. 录入人';
COMMENT ON COLUMN escalation.admonition.region IS 'Region of the department or unit admonished, for row-level security. 所属区划';
SELECT pg_catalog.pg_extension_config_dump('escalation.admonition', '');
SELECT pg_catalog.pg_extension_config_dump('escalation.admonition_id_seq', '');

CREATE TABLE escalation.admonition_basis (
	admonition_id bigint NOT NULL,
	warning_id bigint,
	circular_id bigint,
	region escalation.region NOT NULL,
	CONSTRAINT admonition_basis_key UNIQUE NULLS NOT DISTINCT (admonition_id, warning_id, circular_id),
	CONSTRAINT admonition_basis_admonition_fkey FOREIGN KEY (admonition_id) REFERENCES escalation.admonition (id),
	CONSTRAINT admonition_basis_circular_fkey FOREIGN KEY (circular_id) REFERENCES escalation.circular (id),
	CONSTRAINT admonition_basis_one_document CHECK ((warning_id IS NULL) <> (circular_id IS NULL))
);
CREATE INDEX admonition_basis_region_idx ON escalation.admonition_basis (region);
CREATE INDEX admonition_basis_warning_idx ON escalation.admonition_basis (warning_id);
CREATE INDEX admonition_basis_circular_idx ON escalation.admonition_basis (circular_id);
COMMENT ON TABLE escalation.admonition_basis IS
	'What led to an interview or caution: a warning or a circular. 约谈警示依据';
COMMENT ON COLUMN escalation.admonition_basis.admonition_id IS 'The interview or caution. 约谈警示记录';
COMMENT ON COLUMN escalation.admonition_basis.warning_id IS 'A warning that led to it (or circular_id). 预警编号';
COMMENT ON COLUMN escalation.admonition_basis.circular_id IS 'A circular that led to it (or warning_id). 通报编号';
COMMENT ON COLUMN escalation.admonition_basis.region IS 'Region of the admonition, for row-level security. 所属区划';
SELECT pg_catalog.pg_extension_config_dump('escalation.admonition_basis', '');

CREATE FUNCTION escalation.admonition_record(kind text, taken_by bigint, department_id bigint, unit_id bigint,
	reason text, taken_at timestamptz DEFAULT now(), warnings bigint[] DEFAULT '{}', circulars bigint[] DEFAULT '{}',
	note text DEFAULT NULL) RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, escalation, pg_temp AS
$$
DECLARE
	office escalation.document_office;
	who name := escalation.acting_role();
	target escalation.region;
	missing bigint;
	id bigint;
BEGIN
	IF kind IS NULL OR kind NOT IN ('interview', 'caution') THEN
		RAISE EXCEPTION 'kind must be interview (约谈) or caution (警示): %', coalesce(kind, 'NULL')
			USING ERRCODE = 'invalid_parameter_value';
	END IF;
	PERFORM escalation.require_argument(taken_by, 'taken_by');
	SELECT * INTO office FROM escalation.document_office o WHERE o.department_id = taken_by;
	-- An office of another district is none the caller may name (the offices above it are known).
	IF NOT FOUND OR NOT (escalation.caller_sees_region(office.region)
						 OR coalesce(office.region OPERATOR(escalation.@>) escalation.current_region(), false)) THEN
		RAISE EXCEPTION 'department % is no issuing office', taken_by
			USING ERRCODE = 'invalid_parameter_value',
				  HINT = 'Interviews and cautions are taken by the city''s or a district''s work-safety committee office (escalation.document_office).';
	END IF;
	IF NOT escalation_internal.acts_for_office(office) THEN
		RAISE EXCEPTION 'role "%" cannot record an interview or caution of %', who, escalation.department_label(office.department_id)
			USING ERRCODE = 'insufficient_privilege',
				  HINT = format('They are recorded by the command centre of region %s (escalation_command_centre) or by escalation_admin.', office.region);
	END IF;
	IF (department_id IS NULL) = (unit_id IS NULL) THEN
		RAISE EXCEPTION 'an interview or caution names one department or one unit'
			USING ERRCODE = 'invalid_parameter_value';
	END IF;
	target := coalesce((SELECT d.region FROM escalation.department d WHERE d.id = admonition_record.department_id),
					   (SELECT u.region FROM escalation.unit u WHERE u.id = admonition_record.unit_id));
	IF target IS NULL OR NOT (target OPERATOR(escalation.<@) office.region) THEN
		RAISE EXCEPTION '% % is not within the region % of %', CASE WHEN department_id IS NULL THEN 'unit' ELSE 'department' END,
				coalesce(department_id, unit_id), office.region, escalation.department_label(office.department_id)
			USING ERRCODE = 'invalid_parameter_value',
				  DETAIL = 'An office admonishes departments and units of its own region.';
	END IF;
	IF reason IS NULL OR btrim(reason) = '' THEN
		RAISE EXCEPTION 'an interview or caution needs a reason' USING ERRCODE = 'null_value_not_allowed';
	END IF;
	PERFORM escalation.require_argument(taken_at, 'taken_at');
	PERFORM escalation_internal.check_times(ARRAY[taken_at], NULL, ARRAY['taken_at'], false);
	SELECT x INTO missing FROM unnest(coalesce(warnings, '{}')) x
	WHERE x IS NULL OR NOT EXISTS (SELECT 1 FROM escalation.warning w WHERE w.id = x
								   AND w.region OPERATOR(escalation.<@) office.region)
	LIMIT 1;
	IF FOUND THEN
		RAISE EXCEPTION 'warning % does not exist in region %', coalesce(missing::text, 'NULL'), office.region
			USING ERRCODE = 'foreign_key_violation';
	END IF;
	SELECT x INTO missing FROM unnest(coalesce(circulars, '{}')) x
	WHERE x IS NULL OR NOT EXISTS (SELECT 1 FROM escalation.circular c WHERE c.id = x)
	LIMIT 1;
	IF FOUND THEN
		RAISE EXCEPTION 'circular % does not exist', coalesce(missing::text, 'NULL')
			USING ERRCODE = 'foreign_key_violation';
	END IF;
	INSERT INTO escalation.admonition AS a (kind, taken_by, department_id, unit_id, taken_at, reason, note, recorded_by, region)
	VALUES (kind, taken_by, department_id, unit_id, taken_at, btrim(reason), nullif(btrim(note), ''), who, target)
	RETURNING a.id INTO id;
	INSERT INTO escalation.admonition_basis (admonition_id, warning_id, circular_id, region)
	SELECT DISTINCT id, x, NULL::bigint, target FROM unnest(coalesce(warnings, '{}')) x
	UNION
	SELECT DISTINCT id, NULL::bigint, x, target FROM unnest(coalesce(circulars, '{}')) x;
	RETURN id;
END
$$;
COMMENT ON FUNCTION escalation.admonition_record(text, bigint, bigint, bigint, text, timestamptz, bigint[], bigint[], text) IS
	'Records an interview (约谈) or caution (警示) an office took against a department or a unit of its region, with the warnings and circulars that led to it; for the command centre of the office''s region and escalation_admin. Returns its id. 记录约谈警示';

------------------------------------------------------------------------------
-- The scorecard of documents (公文考评, §9, §23)
------------------------------------------------------------------------------

CREATE FUNCTION escalation.document_scorecard(from_day date, to_day date, per_department boolean DEFAULT true)
RETURNS TABLE (
	department_id bigint,
	department_name text,
	district escalation.region,
	district_name text,
	orders_received bigint,
	orders_answered bigint,
	orders_answered_on_time bigint,
	orders_overdue bigint,
	circular_items bigint,
	circulars bigint,
	interviews bigint,
	cautions bigint)
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, escalation, pg_temp AS
$$
BEGIN
	PERFORM escalation.require_period(from_day, to_day);
	RETURN QUERY
	WITH span AS (
		SELECT escalation.day_start(from_day) AS lo, escalation.day_start(to_day + 1) AS hi
	), fact AS (
		SELECT o.addressee_department_id AS dept, coalesce(w.district, escalation.region_city(w.screen_region)) AS dist,
			1 AS received, (o.replied_at IS NOT NULL)::int AS answered, (o.replied_at <= o.reply_due_at)::int AS on_time,
			(o.replied_at IS NULL AND o.reply_due_at < now() AND (w.resolved_at IS NULL OR w.resolved_at > o.reply_due_at))::int AS overdue, 0 AS items, NULL::bigint AS circ,
			0 AS interview, 0 AS caution
		FROM escalation.supervision_order o JOIN escalation.warning w ON w.id = o.warning_id, span
		WHERE o.issued_at >= span.lo AND o.issued_at < span.hi
		UNION ALL
		SELECT i.department_id, coalesce(i.district, escalation.region_city(d.region)), 0, 0, 0, 0, 1, c.id, 0, 0
		FROM escalation.circular_item i
		JOIN escalation.circular c ON c.id = i.circular_id
		JOIN escalation.department d ON d.id = c.issued_by, span
		WHERE c.issued_at >= span.lo AND c.issued_at < span.hi
			AND NOT EXISTS (SELECT 1 FROM escalation.circular x WHERE x.corrects = c.id)
		UNION ALL
		SELECT a.department_id, coalesce(escalation.region_district(a.region), escalation.region_city(a.region)),
			0, 0, 0, 0, 0, NULL, (a.kind = 'interview')::int, (a.kind = 'caution')::int
		FROM escalation.admonition a, span
		WHERE a.taken_at >= span.lo AND a.taken_at < span.hi
	)
	SELECT CASE WHEN per_department THEN f.dept END, CASE WHEN per_department THEN d.name END,
		CASE WHEN NOT per_department THEN f.dist END, CASE WHEN NOT per_department THEN dv.name END,
		sum(f.received)::bigint, sum(f.answered)::bigint, coalesce(sum(f.on_time), 0)::bigint, sum(f.overdue)::bigint,
		sum(f.items)::bigint, count(DISTINCT f.circ), sum(f.interview)::bigint, sum(f.caution)::bigint
	FROM fact f
	LEFT JOIN escalation.department d ON per_department AND d.id = f.dept
	LEFT JOIN escalation.division dv ON NOT per_department AND dv.code = f.dist
	GROUP BY 1, 2, 3, 4
	ORDER BY 1, 3;
END
$$;
COMMENT ON FUNCTION escalation.document_scorecard(date, date, boolean) IS
	'Documents of from_day..to_day per department (per_department) or per district, as far as the caller may see them: supervision orders received (issued in the period), answered, answered by their deadline, unanswered past their deadline now (unless the item was handled before it); items in the circulars issued in the period and in force (not corrected) and how many of them named it; interviews (约谈) and cautions (警示) taken against it (a unit''s count for its district). 公文考评';

------------------------------------------------------------------------------
-- Row-level security and privileges
------------------------------------------------------------------------------

SELECT escalation.enable_region_security(t)
FROM unnest(ARRAY['escalation.document_office', 'escalation.document_sequence', 'escalation.supervision_order',
				  'escalation.admonition', 'escalation.admonition_basis']::regclass[]) AS t;

GRANT SELECT ON escalation.document_office, escalation.document_sequence, escalation.supervision_order,
	escalation.circular, escalation.circular_item, escalation.admonition, escalation.admonition_basis
	TO escalation_admin, escalation_user, escalation_analyst;
GRANT DELETE ON escalation.document_office TO escalation_admin;
SELECT escalation_internal.grant_column_writes(t, '{escalation_admin}')
FROM unnest(ARRAY['escalation.document_office', 'escalation.document_sequence']::regclass[]) AS t;

REVOKE ALL ON FUNCTION
	escalation_internal.document_office_check(), escalation_internal.document_sequence_check(),
	escalation_internal.document_next(bigint, text, integer), escalation.document_number(text, text, integer, integer),
	escalation_internal.document_item(escalation.warning), escalation_internal.document_zone(),
	escalation_internal.supervision_order_measures(escalation.warning_kind, timestamptz),
	escalation_internal.warning_issue_order(),
	escalation_internal.supervision_order_check(), escalation_internal.warning_step_order_reply(),
	escalation.supervision_order_reply(bigint, text),
	escalation_internal.circular_refuse_change(), escalation_internal.warning_documents_delete(),
	escalation_internal.document_ladder(escalation.warning, timestamptz),
	escalation_internal.acts_for_office(escalation.document_office),
	escalation_internal.circular_require_issuer(escalation.document_office, text), escalation_internal.circular_office(),
	escalation_internal.circular_compile(escalation.document_office, tstzrange, bigint, text),
	escalation_internal.circular_check_period(tstzrange),
	escalation.circular_issue(tstzrange), escalation.circular_correct(bigint, text),
	escalation.circular_schedule(text), escalation.circular_unschedule(),
	escalation.admonition_record(text, bigint, bigint, bigint, text, timestamptz, bigint[], bigint[], text),
	escalation.document_scorecard(date, date, boolean)
FROM PUBLIC;
GRANT EXECUTE ON FUNCTION escalation.document_number(text, text, integer, integer),
	escalation.document_scorecard(date, date, boolean)
TO escalation_admin, escalation_user, escalation_analyst;
GRANT EXECUTE ON FUNCTION escalation.supervision_order_reply(bigint, text),
	escalation.circular_issue(tstzrange), escalation.circular_correct(bigint, text),
	escalation.admonition_record(text, bigint, bigint, bigint, text, timestamptz, bigint[], bigint[], text)
TO escalation_admin, escalation_user;
GRANT EXECUTE ON FUNCTION escalation.circular_schedule(text), escalation.circular_unschedule() TO escalation_admin;
