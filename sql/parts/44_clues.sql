-- Transferred violation clues (移交违法线索, §9): a department hands a clue to the
-- competent department, which accepts, rejects or forwards it; the engine reads
-- the clue timestamps named in docs/ARCHITECTURE.md.

------------------------------------------------------------------------------
-- Transferred violation clues (移交违法线索)
------------------------------------------------------------------------------

CREATE TYPE escalation.clue_handling AS ENUM ('accepted', 'rejected', 'forwarded');
COMMENT ON TYPE escalation.clue_handling IS
	'How the receiving department handled a transferred violation clue: accepted and filed 受理立案, rejected with a reason 不予受理, forwarded to the competent department 转办.';

CREATE FUNCTION escalation.clue_handling_label(handling escalation.clue_handling) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN CASE handling
	WHEN 'accepted' THEN '受理立案'
	WHEN 'rejected' THEN '不予受理'
	WHEN 'forwarded' THEN '转办'
END;
COMMENT ON FUNCTION escalation.clue_handling_label(escalation.clue_handling) IS
	'Chinese label of a clue handling. 线索处理方式名称';

CREATE TABLE escalation.clue (
	id bigint GENERATED ALWAYS AS IDENTITY,
	unit_id bigint,
	from_department bigint NOT NULL,
	to_department bigint NOT NULL,
	transferred_at timestamptz NOT NULL DEFAULT statement_timestamp(),
	facts text,
	legal_basis text,
	inspection_id bigint,
	hazard_id bigint,
	forwarded_from bigint,
	handling escalation.clue_handling,
	handled_at timestamptz,
	handled_by bigint,
	case_number text,
	handling_note text,
	forwarded_to bigint,
	region escalation.region NOT NULL,
	created_at timestamptz NOT NULL DEFAULT statement_timestamp(),
	created_by name NOT NULL DEFAULT CURRENT_USER,
	CONSTRAINT clue_pkey PRIMARY KEY (id),
	CONSTRAINT clue_unit_fkey FOREIGN KEY (unit_id) REFERENCES escalation.unit (id),
	CONSTRAINT clue_from_department_fkey FOREIGN KEY (from_department) REFERENCES escalation.department (id),
	CONSTRAINT clue_to_department_fkey FOREIGN KEY (to_department) REFERENCES escalation.department (id),
	CONSTRAINT clue_inspection_fkey FOREIGN KEY (inspection_id) REFERENCES escalation.inspection (id),
	CONSTRAINT clue_hazard_fkey FOREIGN KEY (hazard_id) REFERENCES escalation.hazard (id),
	CONSTRAINT clue_forwarded_from_fkey FOREIGN KEY (forwarded_from) REFERENCES escalation.clue (id),
	CONSTRAINT clue_handled_by_of_department FOREIGN KEY (handled_by, to_department)
		REFERENCES escalation.person (id, department_id),
	CONSTRAINT clue_forwarded_to_fkey FOREIGN KEY (forwarded_to) REFERENCES escalation.department (id),
	CONSTRAINT clue_not_to_itself CHECK (to_department <> from_department),
	CONSTRAINT clue_handled_after_transfer CHECK (handled_at >= transferred_at),
	CONSTRAINT clue_handling_has_time CHECK (handling IS NULL OR handled_at IS NOT NULL),
	CONSTRAINT clue_rejection_has_reason CHECK (handling IS DISTINCT FROM 'rejected' OR nullif(btrim(handling_note), '') IS NOT NULL),
	CONSTRAINT clue_forward_has_target CHECK ((handling IS NOT DISTINCT FROM 'forwarded') = (forwarded_to IS NOT NULL)),
	CONSTRAINT clue_forward_elsewhere CHECK (forwarded_to <> to_department)
);
CREATE INDEX clue_region_idx ON escalation.clue (region);
CREATE INDEX clue_to_department_idx ON escalation.clue (to_department, transferred_at);
CREATE INDEX clue_from_department_idx ON escalation.clue (from_department, transferred_at);
CREATE INDEX clue_unit_idx ON escalation.clue (unit_id) WHERE unit_id IS NOT NULL;
CREATE INDEX clue_transferred_at_idx ON escalation.clue (transferred_at);
CREATE UNIQUE INDEX clue_one_forward_per_clue ON escalation.clue (forwarded_from) WHERE forwarded_from IS NOT NULL;
COMMENT ON TABLE escalation.clue IS
	'Violation clues transferred by a department to the department competent to act (移交违法线索, §8, §17), and how the receiver handled them: accepted and filed, rejected with a reason, or forwarded (which hands the clue on as a new clue from the receiver). 违法线索移交';
COMMENT ON COLUMN escalation.clue.id IS 'Clue id (generated). 线索编号';
COMMENT ON COLUMN escalation.clue.unit_id IS 'The unit concerned, if known. 涉及单位';
COMMENT ON COLUMN escalation.clue.from_department IS 'Department that transferred the clue; its level decides the warning ladder''s origin. 移交部门';
COMMENT ON COLUMN escalation.clue.to_department IS 'The competent department it was transferred to, which must handle it. 接收部门';
COMMENT ON COLUMN escalation.clue.transferred_at IS 'When it was transferred; the 3-day handling clock starts here. 移交时间';
COMMENT ON COLUMN escalation.clue.facts IS 'What was found (违法事实). 线索内容';
COMMENT ON COLUMN escalation.clue.legal_basis IS 'Laws and articles the facts fall under. 法律依据';
COMMENT ON COLUMN escalation.clue.inspection_id IS 'The inspection that found it, if any. 来源检查';
COMMENT ON COLUMN escalation.clue.hazard_id IS 'The hazard it concerns, if any. 相关隐患';
COMMENT ON COLUMN escalation.clue.forwarded_from IS 'The clue this one continues, when a receiver forwarded it (转办). 转办来源线索';
COMMENT ON COLUMN escalation.clue.handling IS 'accepted (filed), rejected (with reason) or forwarded; NULL while pending, or when only handled_at was recorded. 处理方式';
COMMENT ON COLUMN escalation.clue.handled_at IS 'When the receiving department handled it (final); ends the clue ladder. 处理时间';
COMMENT ON COLUMN escalation.clue.handled_by IS 'Person of the receiving department who handled it. 经办人';
COMMENT ON COLUMN escalation.clue.case_number IS 'Case number when accepted and filed. 立案号';
COMMENT ON COLUMN escalation.clue.handling_note IS 'Notes; the reason when rejected. 处理意见（不予受理理由）';
COMMENT ON COLUMN escalation.clue.forwarded_to IS 'Department it was forwarded to; a new clue from the receiver to it is created. 转办部门';
COMMENT ON COLUMN escalation.clue.region IS 'Region of the unit, or of the transferring department when there is no unit (kept by trigger, for row-level security). 所属区划';
COMMENT ON COLUMN escalation.clue.created_at IS 'When the clue was entered. 录入时间';
COMMENT ON COLUMN escalation.clue.created_by IS 'Role that entered it. 录入人';
COMMENT ON CONSTRAINT clue_rejection_has_reason ON escalation.clue IS
	'A rejected clue (不予受理) records the reason in handling_note. 不予受理须说明理由';
SELECT pg_catalog.pg_extension_config_dump('escalation.clue', '');
SELECT pg_catalog.pg_extension_config_dump('escalation.clue_id_seq', '');
SELECT escalation.follow_unit_region('escalation.clue');

-- Trigger: validate a clue and its handling; handling is final.
CREATE FUNCTION escalation_internal.clue_check() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, escalation, pg_temp AS
$$
DECLARE
	fixed text;
	unseen record;
BEGIN
	IF TG_OP = 'UPDATE' THEN
		fixed := CASE
			WHEN NEW.unit_id IS DISTINCT FROM OLD.unit_id THEN 'unit_id'
			WHEN NEW.from_department <> OLD.from_department THEN 'from_department'
			WHEN NEW.to_department <> OLD.to_department THEN 'to_department'
			WHEN NEW.transferred_at <> OLD.transferred_at THEN 'transferred_at'
			WHEN NEW.forwarded_from IS DISTINCT FROM OLD.forwarded_from THEN 'forwarded_from'
		END;
		IF fixed IS NOT NULL THEN
			RAISE EXCEPTION 'column % of clue % cannot be changed', fixed, OLD.id
				USING ERRCODE = 'object_not_in_prerequisite_state',
					  DETAIL = 'Who transferred a clue to whom, and when, is fixed when it is transferred.';
		END IF;
		IF OLD.handled_at IS NOT NULL
		   AND (NEW.handling, NEW.handled_at, NEW.handled_by, NEW.case_number, NEW.handling_note, NEW.forwarded_to)
			   IS DISTINCT FROM (OLD.handling, OLD.handled_at, OLD.handled_by, OLD.case_number, OLD.handling_note, OLD.forwarded_to) THEN
			RAISE EXCEPTION 'cannot handle clue %: it was already handled (%) at %', OLD.id,
					coalesce(escalation.clue_handling_label(OLD.handling), '已处理'), OLD.handled_at
				USING ERRCODE = 'object_not_in_prerequisite_state',
					  DETAIL = 'A clue is handled once; its handling is final.';
		END IF;
		NEW.created_at := OLD.created_at;
		NEW.created_by := OLD.created_by;
	ELSIF NOT escalation.restoring() THEN
		NEW.created_by := escalation.acting_role();
	END IF;
	-- A clue names hazards, inspections and clues its author may see; the clue
	-- a forward creates (one trigger deeper) continues one the receiver may not.
	IF pg_trigger_depth() = 1 THEN
		SELECT r.what, r.id INTO unseen
		FROM (VALUES
			('hazard', NEW.hazard_id, CASE WHEN TG_OP = 'UPDATE' THEN OLD.hazard_id END,
			 (SELECT h.region FROM escalation.hazard h WHERE h.id = NEW.hazard_id)),
			('inspection', NEW.inspection_id, CASE WHEN TG_OP = 'UPDATE' THEN OLD.inspection_id END,
			 (SELECT i.region FROM escalation.inspection i WHERE i.id = NEW.inspection_id)),
			('clue', NEW.forwarded_from, CASE WHEN TG_OP = 'UPDATE' THEN OLD.forwarded_from END,
			 (SELECT c.region FROM escalation.clue c WHERE c.id = NEW.forwarded_from))) AS r (what, id, was, region)
		WHERE r.id IS NOT NULL AND r.id IS DISTINCT FROM r.was AND NOT escalation.caller_sees_region(r.region)
		LIMIT 1;
		IF FOUND THEN
			RAISE EXCEPTION '% % does not exist', unseen.what, unseen.id
				USING ERRCODE = 'foreign_key_violation', DETAIL = format('A clue names a %s you may see.', unseen.what);
		END IF;
	END IF;
	IF NEW.to_department = NEW.from_department THEN
		RAISE EXCEPTION 'clue cannot be transferred from department % to itself', NEW.from_department
			USING ERRCODE = 'check_violation', CONSTRAINT = 'clue_not_to_itself',
				  DETAIL = 'A clue goes to another, competent department.';
	END IF;
	IF NEW.handled_at < NEW.transferred_at THEN
		RAISE EXCEPTION 'clue handled_at % is before its transferred_at %', NEW.handled_at, NEW.transferred_at
			USING ERRCODE = 'check_violation', CONSTRAINT = 'clue_handled_after_transfer';
	END IF;
	IF NEW.handling IS NOT NULL AND NEW.handled_at IS NULL THEN
		RAISE EXCEPTION 'clue handling % needs handled_at', NEW.handling
			USING ERRCODE = 'not_null_violation', CONSTRAINT = 'clue_handling_has_time';
	END IF;
	IF NEW.handling = 'rejected' AND nullif(btrim(NEW.handling_note), '') IS NULL THEN
		RAISE EXCEPTION 'rejecting a clue needs the reason in handling_note'
			USING ERRCODE = 'not_null_violation', CONSTRAINT = 'clue_rejection_has_reason',
				  DETAIL = 'A clue that is not accepted (不予受理) records why.';
	END IF;
	IF (NEW.handling IS NOT DISTINCT FROM 'forwarded') <> (NEW.forwarded_to IS NOT NULL) THEN
		RAISE EXCEPTION 'a forwarded clue names forwarded_to, and only a forwarded clue does'
			USING ERRCODE = 'check_violation', CONSTRAINT = 'clue_forward_has_target';
	END IF;
	IF NEW.forwarded_to = NEW.to_department THEN
		RAISE EXCEPTION 'clue cannot be forwarded to department %, which received it', NEW.forwarded_to
			USING ERRCODE = 'check_violation', CONSTRAINT = 'clue_forward_elsewhere';
	END IF;
	IF NEW.unit_id IS NULL THEN
		SELECT d.region INTO NEW.region FROM escalation.department d WHERE d.id = NEW.from_department;
	END IF;
	IF NOT escalation.restoring() THEN
		PERFORM escalation_internal.check_departments(ARRAY[NEW.from_department], ARRAY[OLD.from_department], '{from_department}');
		PERFORM escalation_internal.check_times(ARRAY[NEW.transferred_at, NEW.handled_at], ARRAY[OLD.transferred_at, OLD.handled_at],
			'{transferred_at,handled_at}', false);
	END IF;
	RETURN NEW;
END
$$;
COMMENT ON FUNCTION escalation_internal.clue_check() IS
	'Trigger: a clue goes to another department, is handled after its transfer and only once, a rejection has a reason, a forward names another department; a clue without a unit takes the transferring department''s region. 线索移交与处理校验';
CREATE TRIGGER clue_check BEFORE INSERT OR UPDATE ON escalation.clue
	FOR EACH ROW EXECUTE FUNCTION escalation_internal.clue_check();

-- Trigger: a forward hands the clue on as a new clue from the receiver.
CREATE FUNCTION escalation_internal.clue_forward_on() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, escalation, pg_temp AS
$$
BEGIN
	INSERT INTO escalation.clue
		(unit_id, from_department, to_department, transferred_at, facts, legal_basis, inspection_id, hazard_id, forwarded_from)
	VALUES
		(NEW.unit_id, NEW.to_department, NEW.forwarded_to, NEW.handled_at, NEW.facts, NEW.legal_basis,
		 NEW.inspection_id, NEW.hazard_id, NEW.id);
	RETURN NULL;
END
$$;
COMMENT ON FUNCTION escalation_internal.clue_forward_on() IS
	'Trigger: when a receiver forwards a clue (转办), creates the clue from the receiver to the department it was forwarded to, transferred at the handling time. 转办生成新线索';
CREATE TRIGGER clue_forward_on AFTER UPDATE OF handling ON escalation.clue
	FOR EACH ROW WHEN (NEW.handling = 'forwarded' AND OLD.handling IS DISTINCT FROM 'forwarded')
	EXECUTE FUNCTION escalation_internal.clue_forward_on();

-- Transfer a violation clue to the competent department.
CREATE FUNCTION escalation.clue_transfer(
	from_department bigint,
	to_department bigint,
	facts text,
	legal_basis text DEFAULT NULL,
	unit_id bigint DEFAULT NULL,
	transferred_at timestamptz DEFAULT statement_timestamp(),
	inspection_id bigint DEFAULT NULL,
	hazard_id bigint DEFAULT NULL
) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, escalation, pg_temp AS
$$
#variable_conflict use_column
DECLARE
	new_id bigint;
BEGIN
	PERFORM escalation.require_argument(clue_transfer.from_department, 'from_department');
	PERFORM escalation.require_argument(clue_transfer.to_department, 'to_department');
	PERFORM escalation.require_argument(clue_transfer.facts, 'facts');
	PERFORM escalation.require_argument(clue_transfer.transferred_at, 'transferred_at');
	INSERT INTO escalation.clue (from_department, to_department, facts, legal_basis, unit_id, transferred_at, inspection_id, hazard_id)
	VALUES (clue_transfer.from_department, clue_transfer.to_department, clue_transfer.facts, clue_transfer.legal_basis,
			clue_transfer.unit_id, clue_transfer.transferred_at, clue_transfer.inspection_id, clue_transfer.hazard_id)
	RETURNING id INTO new_id;
	RETURN new_id;
END
$$;
COMMENT ON FUNCTION escalation.clue_transfer(bigint, bigint, text, text, bigint, timestamptz, bigint, bigint) IS
	'Transfers a violation clue (移交违法线索) from a department to the competent department; returns the clue id. 移交线索';

-- Handle a transferred clue: accept, reject or forward it.
CREATE FUNCTION escalation.clue_handle(
	clue_id bigint,
	handling escalation.clue_handling,
	note text DEFAULT NULL,
	case_number text DEFAULT NULL,
	forward_to bigint DEFAULT NULL,
	handled_by bigint DEFAULT NULL,
	handled_at timestamptz DEFAULT statement_timestamp()
) RETURNS escalation.clue
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, escalation, pg_temp AS
$$
#variable_conflict use_column
DECLARE
	c escalation.clue;
	receiver escalation.department;
BEGIN
	PERFORM escalation.require_argument(clue_handle.handling, 'handling');
	PERFORM escalation.require_argument(clue_handle.handled_at, 'handled_at');
	IF clue_handle.handling = 'forwarded' THEN
		PERFORM escalation.require_argument(clue_handle.forward_to, 'forward_to');
	ELSIF clue_handle.forward_to IS NOT NULL THEN
		RAISE EXCEPTION 'forward_to is given only when forwarding a clue' USING ERRCODE = 'invalid_parameter_value';
	END IF;
	IF clue_handle.handling = 'rejected' THEN
		PERFORM escalation.require_argument(clue_handle.note, 'note');
	END IF;
	IF clue_handle.handling <> 'accepted' AND clue_handle.case_number IS NOT NULL THEN
		RAISE EXCEPTION 'case_number is given only when accepting a clue' USING ERRCODE = 'invalid_parameter_value';
	END IF;
	SELECT * INTO c FROM escalation.clue x WHERE x.id = clue_handle.clue_id FOR UPDATE;
	IF FOUND THEN
		SELECT * INTO receiver FROM escalation.department d WHERE d.id = c.to_department;
	END IF;
	-- The receiving side records the handling, wherever the clue came from.
	IF NOT FOUND OR NOT (escalation.caller_sees_region(receiver.region) OR escalation.caller_sees_region(c.region)) THEN
		RAISE EXCEPTION 'clue % does not exist', coalesce(clue_handle.clue_id::text, 'NULL')
			USING ERRCODE = 'no_data_found', DETAIL = 'There is no clue with this id that you may see.';
	END IF;
	IF NOT escalation.caller_sees_region(receiver.region, true) THEN
		RAISE EXCEPTION 'clue % was transferred to department % ("%"); its handling is recorded by that department''s region',
				c.id, receiver.id, receiver.name
			USING ERRCODE = 'insufficient_privilege';
	END IF;
	UPDATE escalation.clue
	SET handling = clue_handle.handling,
		handled_at = clue_handle.handled_at,
		handled_by = clue_handle.handled_by,
		case_number = clue_handle.case_number,
		handling_note = clue_handle.note,
		forwarded_to = clue_handle.forward_to
	WHERE id = c.id
	RETURNING * INTO c;
	RETURN c;
END
$$;
COMMENT ON FUNCTION escalation.clue_handle(bigint, escalation.clue_handling, text, text, bigint, bigint, timestamptz) IS
	'Records how the receiving department handled a clue: accepted (受理立案, optionally with case_number), rejected (不予受理, note = the reason) or forwarded (转办, forward_to = the competent department, which receives a new clue). Handling is final. Callable by users of the receiving department''s region, also for a clue about a unit in another district. 线索处理';

-- Clues transferred to the departments of the caller's region, wherever they came from.
CREATE FUNCTION escalation.received_clues()
RETURNS TABLE (
	clue_id bigint,
	unit_id bigint,
	unit_name text,
	from_department bigint,
	from_department_name text,
	to_department bigint,
	to_department_name text,
	transferred_at timestamptz,
	facts text,
	legal_basis text,
	forwarded_from bigint,
	handling escalation.clue_handling,
	handling_label text,
	handled_at timestamptz,
	days_to_handle numeric,
	overdue boolean)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, escalation, pg_temp
BEGIN ATOMIC
	SELECT c.id, c.unit_id, u.name, c.from_department, f.name, c.to_department, t.name, c.transferred_at, c.facts,
		c.legal_basis, c.forwarded_from, c.handling,
		coalesce(escalation.clue_handling_label(c.handling), CASE WHEN c.handled_at IS NOT NULL THEN '已处理' ELSE '待处理' END),
		c.handled_at,
		round((extract(epoch FROM coalesce(c.handled_at, statement_timestamp()) - c.transferred_at) / 86400)::numeric, 1),
		coalesce(c.handled_at, statement_timestamp()) > c.transferred_at + interval '3 days'
	FROM escalation.clue c
	JOIN escalation.department t ON t.id = c.to_department
	JOIN escalation.department f ON f.id = c.from_department
	LEFT JOIN escalation.unit u ON u.id = c.unit_id
	WHERE escalation.caller_sees_region(t.region)
	ORDER BY c.handled_at IS NULL DESC, c.transferred_at, c.id;
END;
COMMENT ON FUNCTION escalation.received_clues() IS
	'Clues transferred to departments within the caller''s region (all for the city office and analysts), also those about units elsewhere, pending first; overdue = not handled within 3 days (§17). 接收线索';

CREATE VIEW escalation.clue_inbox WITH (security_invoker = true) AS
	SELECT * FROM escalation.received_clues();
COMMENT ON VIEW escalation.clue_inbox IS
	'The receiving side''s list of transferred clues (线索接收台账): clues transferred to departments within the caller''s region, pending first, with the days taken or pending and whether the 3-day limit of §17 was passed. 线索接收台账';
COMMENT ON COLUMN escalation.clue_inbox.clue_id IS 'Clue. 线索编号';
COMMENT ON COLUMN escalation.clue_inbox.unit_id IS 'Unit concerned, if any. 涉及单位';
COMMENT ON COLUMN escalation.clue_inbox.unit_name IS 'Its name. 单位名称';
COMMENT ON COLUMN escalation.clue_inbox.from_department IS 'Transferring department. 移交部门';
COMMENT ON COLUMN escalation.clue_inbox.from_department_name IS 'Its name. 移交部门名称';
COMMENT ON COLUMN escalation.clue_inbox.to_department IS 'Receiving department. 接收部门';
COMMENT ON COLUMN escalation.clue_inbox.to_department_name IS 'Its name. 接收部门名称';
COMMENT ON COLUMN escalation.clue_inbox.transferred_at IS 'When transferred. 移交时间';
COMMENT ON COLUMN escalation.clue_inbox.facts IS 'What was found. 线索内容';
COMMENT ON COLUMN escalation.clue_inbox.legal_basis IS 'Legal basis. 法律依据';
COMMENT ON COLUMN escalation.clue_inbox.forwarded_from IS 'Clue it continues, when forwarded. 转办来源线索';
COMMENT ON COLUMN escalation.clue_inbox.handling IS 'accepted, rejected, forwarded, or NULL. 处理方式';
COMMENT ON COLUMN escalation.clue_inbox.handling_label IS 'Handling in Chinese (待处理 while pending). 处理状态';
COMMENT ON COLUMN escalation.clue_inbox.handled_at IS 'When handled. 处理时间';
COMMENT ON COLUMN escalation.clue_inbox.days_to_handle IS 'Days from transfer to handling, or pending so far. 处理用时（天）';
COMMENT ON COLUMN escalation.clue_inbox.overdue IS 'Not handled within 3 days of the transfer. 是否超过3天';

------------------------------------------------------------------------------
-- Row-level security and privileges
------------------------------------------------------------------------------

SELECT escalation.enable_region_security('escalation.clue');

GRANT SELECT, INSERT, UPDATE, DELETE ON escalation.clue TO escalation_admin;
GRANT SELECT, INSERT, UPDATE ON escalation.clue TO escalation_user;
GRANT SELECT ON escalation.clue TO escalation_analyst;
GRANT SELECT ON escalation.clue_inbox TO escalation_admin, escalation_user, escalation_analyst;
SELECT escalation_internal.grant_column_writes('escalation.clue', '{escalation_admin,escalation_user}');
-- Ids are drawn by the identity default, which needs no privilege: nobody draws them by hand.
REVOKE ALL ON SEQUENCE escalation.clue_id_seq FROM escalation_admin, escalation_user;

REVOKE ALL ON FUNCTION
	escalation.clue_handling_label(escalation.clue_handling), escalation_internal.clue_check(), escalation_internal.clue_forward_on(),
	escalation.clue_transfer(bigint, bigint, text, text, bigint, timestamptz, bigint, bigint),
	escalation.clue_handle(bigint, escalation.clue_handling, text, text, bigint, bigint, timestamptz),
	escalation.received_clues()
FROM PUBLIC;
GRANT EXECUTE ON FUNCTION escalation.clue_handling_label(escalation.clue_handling) TO escalation_admin, escalation_user, escalation_analyst, escalation_screen;
GRANT EXECUTE ON FUNCTION escalation.received_clues() TO escalation_admin, escalation_user, escalation_analyst;
GRANT EXECUTE ON FUNCTION
	escalation.clue_transfer(bigint, bigint, text, text, bigint, timestamptz, bigint, bigint),
	escalation.clue_handle(bigint, escalation.clue_handling, text, text, bigint, bigint, timestamptz)
TO escalation_admin, escalation_user;
