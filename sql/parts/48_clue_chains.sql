-- Forwarding chains of clues (线索转办链, §17): the ladder of a forwarded clue
-- runs from the first transfer of its chain, so a forward passes the clock on
-- instead of restarting it; after escalation.rule_limit clue_forward_count
-- forwards only the city's work-safety committee office may forward it again.

-- The first transfer of a clue's chain and how many forwards led to it.
CREATE FUNCTION escalation.clue_chain(clue_id bigint, OUT started_at timestamptz, OUT forwards integer)
LANGUAGE sql STABLE PARALLEL SAFE SET search_path = pg_catalog, escalation, pg_temp
BEGIN ATOMIC
	WITH RECURSIVE chain (id, forwarded_from, transferred_at, depth) AS (
		SELECT c.id, c.forwarded_from, c.transferred_at, 0 FROM escalation.clue c WHERE c.id = clue_chain.clue_id
		UNION ALL
		SELECT p.id, p.forwarded_from, p.transferred_at, chain.depth + 1
		FROM chain JOIN escalation.clue p ON p.id = chain.forwarded_from
		-- A chain is a path: forwarded_from is unique and points back in time.
		WHERE chain.depth < 1000)
	SELECT ch.transferred_at, ch.depth FROM chain ch ORDER BY ch.depth DESC LIMIT 1;
END;
COMMENT ON FUNCTION escalation.clue_chain(bigint) IS
	'The first transfer of the forwarding chain a clue belongs to (its ladder''s start) and how many forwards (转办) led to the clue. 线索转办链起点与转办次数';

-- Trigger: a forward beyond the limit is the city office's alone.
CREATE FUNCTION escalation_internal.clue_check_forward() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, escalation, pg_temp AS
$$
DECLARE
	forwards integer := (escalation.clue_chain(OLD.id)).forwards;
	max_forwards numeric := escalation.rule_limit_amount('clue_forward_count');
BEGIN
	IF escalation.restoring() THEN
		RETURN NEW;
	END IF;
	IF forwards >= max_forwards AND NOT EXISTS (
		SELECT 1 FROM escalation.department d
		WHERE d.id = OLD.to_department AND d.kind = 'safety_committee_office' AND d.level = 'city') THEN
		RAISE EXCEPTION 'clue % has been forwarded % times, the most allowed: only the city work-safety committee office may forward it', OLD.id, forwards
			USING ERRCODE = 'object_not_in_prerequisite_state',
				  DETAIL = format('escalation.rule_limit clue_forward_count is %s; department %s received the clue.', max_forwards, OLD.to_department),
				  HINT = 'Accept or reject the clue, or forward it to the city work-safety committee office (安委会办公室).';
	END IF;
	RETURN NEW;
END
$$;
COMMENT ON FUNCTION escalation_internal.clue_check_forward() IS
	'Trigger: refuses a forward (转办) of a clue that has been forwarded escalation.rule_limit clue_forward_count times already, unless the city work-safety committee office received it. 线索转办次数限制';
CREATE TRIGGER clue_check_forward BEFORE UPDATE OF handling ON escalation.clue
	FOR EACH ROW WHEN (NEW.handling = 'forwarded' AND OLD.handling IS DISTINCT FROM 'forwarded')
	EXECUTE FUNCTION escalation_internal.clue_check_forward();

REVOKE ALL ON FUNCTION escalation.clue_chain(bigint), escalation_internal.clue_check_forward() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION escalation.clue_chain(bigint) TO escalation_admin, escalation_analyst;
