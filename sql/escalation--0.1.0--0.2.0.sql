-- escalation 0.1.0 → 0.2.0 (升级脚本)
--
-- Every schema change of release 0.2.0, in the order it was made. The fresh
-- install script (sql/parts/) and this script must give the same extension:
-- test/scripts/74_upgrade.py installs 0.1.0 with data, walks this script and
-- compares the result with a fresh install of 0.2.0.
\echo Use "ALTER EXTENSION escalation UPDATE TO '0.2.0'" to load this file. \quit

------------------------------------------------------------------------------
-- Internal functions move to schema escalation_internal (内部函数): every
-- trigger function, and the helpers only SECURITY DEFINER code calls
-- (hazard_refuse, hazard_check_row, campaign_admits); no role of the platform
-- may use the schema or execute them (docs/SQL-LAYOUT.md).
------------------------------------------------------------------------------

-- What users do not call (内部函数): trigger functions, which their triggers call
-- without a privilege check, and helpers that only SECURITY DEFINER code calls
-- (as the extension's owner). No role of the platform may use the schema.
CREATE SCHEMA escalation_internal;
COMMENT ON SCHEMA escalation_internal IS
	'Internals of the escalation extension, not for users: trigger functions, and helpers that only SECURITY DEFINER functions call; no role of the platform may use the schema. 内部函数';
ALTER FUNCTION escalation.hazard_refuse(bigint, text, escalation.hazard_status, escalation.hazard_grade, text, text) SET SCHEMA escalation_internal;
ALTER FUNCTION escalation.hazard_check_row(escalation.hazard, boolean) SET SCHEMA escalation_internal;
ALTER FUNCTION escalation.campaign_admits(bigint, bigint, timestamptz, text) SET SCHEMA escalation_internal;
ALTER FUNCTION escalation.user_region_check_role() SET SCHEMA escalation_internal;
ALTER FUNCTION escalation.industry_protect_builtin() SET SCHEMA escalation_internal;
ALTER FUNCTION escalation.set_region_from_unit() SET SCHEMA escalation_internal;
ALTER FUNCTION escalation.propagate_unit_region() SET SCHEMA escalation_internal;
ALTER FUNCTION escalation.touch_updated_at() SET SCHEMA escalation_internal;
ALTER FUNCTION escalation.record_unit_history() SET SCHEMA escalation_internal;
ALTER FUNCTION escalation.unit_history_guard() SET SCHEMA escalation_internal;
ALTER FUNCTION escalation.department_check_tree() SET SCHEMA escalation_internal;
ALTER FUNCTION escalation.set_region_from_department() SET SCHEMA escalation_internal;
ALTER FUNCTION escalation.propagate_department_region() SET SCHEMA escalation_internal;
ALTER FUNCTION escalation.office_check_lead() SET SCHEMA escalation_internal;
ALTER FUNCTION escalation.duty_check() SET SCHEMA escalation_internal;
ALTER FUNCTION escalation.supervision_assignment_check() SET SCHEMA escalation_internal;
ALTER FUNCTION escalation.campaign_check() SET SCHEMA escalation_internal;
ALTER FUNCTION escalation.campaign_target_check() SET SCHEMA escalation_internal;
ALTER FUNCTION escalation.inspection_check() SET SCHEMA escalation_internal;
ALTER FUNCTION escalation.inspection_inspector_fill() SET SCHEMA escalation_internal;
ALTER FUNCTION escalation.hazard_check_insert() SET SCHEMA escalation_internal;
ALTER FUNCTION escalation.hazard_check_step() SET SCHEMA escalation_internal;
ALTER FUNCTION escalation.hazard_record_step() SET SCHEMA escalation_internal;
ALTER FUNCTION escalation.clue_check() SET SCHEMA escalation_internal;
ALTER FUNCTION escalation.clue_forward_on() SET SCHEMA escalation_internal;
ALTER FUNCTION escalation.dual_prevention_check() SET SCHEMA escalation_internal;
ALTER FUNCTION escalation.dual_prevention_unit_closed() SET SCHEMA escalation_internal;
ALTER FUNCTION escalation.dp_run_check() SET SCHEMA escalation_internal;
ALTER FUNCTION escalation.warning_lock_events() SET SCHEMA escalation_internal;
ALTER FUNCTION escalation.warning_fill_defaults() SET SCHEMA escalation_internal;
ALTER FUNCTION escalation.rule_write() SET SCHEMA escalation_internal;
ALTER FUNCTION escalation.rule_check_stage() SET SCHEMA escalation_internal;
ALTER FUNCTION escalation.rule_check_ladder() SET SCHEMA escalation_internal;
ALTER FUNCTION escalation.track_source() SET SCHEMA escalation_internal;
ALTER FUNCTION escalation.track_owner() SET SCHEMA escalation_internal;
ALTER FUNCTION escalation.rule_retime() SET SCHEMA escalation_internal;
REVOKE ALL ON FUNCTION
	escalation_internal.hazard_refuse(bigint, text, escalation.hazard_status, escalation.hazard_grade, text, text),
	escalation_internal.hazard_check_row(escalation.hazard, boolean), escalation_internal.dual_prevention_check()
FROM escalation_admin, escalation_user;

-- The functions whose code names a function that moved.

CREATE OR REPLACE FUNCTION escalation.follow_unit_region(tbl regclass, fill boolean DEFAULT true) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, escalation, pg_temp AS
$$
BEGIN
	IF fill THEN
		EXECUTE format('CREATE TRIGGER %I BEFORE INSERT OR UPDATE OF unit_id, region ON %s '
					   'FOR EACH ROW EXECUTE FUNCTION escalation_internal.set_region_from_unit()',
					   (SELECT relname FROM pg_class WHERE oid = tbl) || '_region_from_unit', tbl);
	END IF;
	INSERT INTO escalation.unit_region_follower (tbl) VALUES (tbl) ON CONFLICT DO NOTHING;
END
$$;

CREATE OR REPLACE FUNCTION escalation.follow_department_region(tbl regclass, via name DEFAULT 'department_id') RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, escalation, pg_temp AS
$$
BEGIN
	EXECUTE format('CREATE TRIGGER %I BEFORE INSERT OR UPDATE OF %I, region ON %s '
				   'FOR EACH ROW EXECUTE FUNCTION escalation_internal.set_region_from_department(%L)',
				   (SELECT relname FROM pg_catalog.pg_class WHERE oid = tbl) || '_region_from_department', via, tbl, via);
	INSERT INTO escalation.department_region_follower (tbl, via) VALUES (tbl, via)
	ON CONFLICT ON CONSTRAINT department_region_follower_pkey DO UPDATE SET via = EXCLUDED.via;
END
$$;

CREATE OR REPLACE FUNCTION escalation_internal.inspection_check() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, escalation, pg_temp AS
$$
BEGIN
	IF NEW.campaign_id IS NOT NULL THEN
		PERFORM escalation_internal.campaign_admits(NEW.campaign_id, NEW.unit_id, NEW.inspected_at, 'inspection');
	END IF;
	RETURN NEW;
END
$$;

CREATE OR REPLACE FUNCTION escalation_internal.hazard_check_insert() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, escalation, pg_temp AS
$$
DECLARE
	insp escalation.inspection;
BEGIN
	IF NEW.inspection_id IS NOT NULL THEN
		SELECT * INTO insp FROM escalation.inspection WHERE id = NEW.inspection_id AND escalation.caller_sees_region(region);
		IF NOT FOUND THEN
			RAISE EXCEPTION 'inspection % does not exist', NEW.inspection_id
				USING ERRCODE = 'foreign_key_violation', DETAIL = 'hazard.inspection_id must name an inspection you can see.';
		ELSE
			IF insp.unit_id <> NEW.unit_id OR insp.department_id <> NEW.found_by THEN
				RAISE EXCEPTION 'hazard of unit % found by department % cannot belong to inspection % of unit % by department %',
						NEW.unit_id, NEW.found_by, insp.id, insp.unit_id, insp.department_id
					USING ERRCODE = 'check_violation',
						  DETAIL = 'A hazard found in an inspection is at the inspected unit and found by the inspecting department.';
			END IF;
			IF NEW.found_at < insp.inspected_at THEN
				RAISE EXCEPTION 'hazard found_at % is before its inspection % at %', NEW.found_at, insp.id, insp.inspected_at
					USING ERRCODE = 'check_violation';
			END IF;
			IF NEW.campaign_id IS NULL THEN
				NEW.campaign_id := insp.campaign_id;
			ELSIF NEW.campaign_id IS DISTINCT FROM insp.campaign_id THEN
				RAISE EXCEPTION 'hazard campaign % differs from campaign % of its inspection %',
						NEW.campaign_id, coalesce(insp.campaign_id::text, 'NULL'), insp.id
					USING ERRCODE = 'check_violation';
			END IF;
		END IF;
	END IF;
	IF NEW.campaign_id IS NOT NULL THEN
		PERFORM escalation_internal.campaign_admits(NEW.campaign_id, NEW.unit_id, NEW.found_at, 'hazard');
	END IF;
	IF NEW.grade = 'major' THEN
		NEW.needs_recheck := true;
	END IF;
	IF NEW.rectify_deadline IS NOT NULL THEN
		NEW.deadline_set_at := coalesce(NEW.deadline_set_at, NEW.confirmed_at, NEW.found_at);
		NEW.deadline_set_by := coalesce(NEW.deadline_set_by, NEW.confirmed_by, NEW.found_by);
	END IF;
	-- Who entered it and how far it has come are the platform's to say, except
	-- when a dump brings them back.
	IF NOT escalation.restoring() THEN
		NEW.step_no := 0;
		NEW.last_step := NULL;
		NEW.created_by := escalation.acting_role();
	END IF;
	PERFORM escalation_internal.hazard_check_row(NEW, true);
	RETURN NEW;
END
$$;

CREATE OR REPLACE FUNCTION escalation_internal.hazard_check_step() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, escalation, pg_temp AS
$$
DECLARE
	step escalation.hazard_step;
	closing boolean := (NEW.closed_at, NEW.closed_by, NEW.close_note) IS DISTINCT FROM (OLD.closed_at, OLD.closed_by, OLD.close_note);
	rechecking boolean := (NEW.rechecked_at, NEW.rechecked_by, NEW.recheck_inspector, NEW.recheck_result, NEW.recheck_note)
		IS DISTINCT FROM (OLD.rechecked_at, OLD.rechecked_by, OLD.recheck_inspector, OLD.recheck_result, OLD.recheck_note);
	rectifying boolean := (NEW.rectified_at, NEW.rectified_by, NEW.rectification_note)
		IS DISTINCT FROM (OLD.rectified_at, OLD.rectified_by, OLD.rectification_note);
	confirming boolean := (NEW.grade, NEW.confirmed_at, NEW.confirmed_by, NEW.confirm_note)
		IS DISTINCT FROM (OLD.grade, OLD.confirmed_at, OLD.confirmed_by, OLD.confirm_note);
	deadline_moves boolean := NEW.rectify_deadline IS DISTINCT FROM OLD.rectify_deadline;
	deadline_info boolean := (NEW.deadline_set_at, NEW.deadline_set_by, NEW.deadline_reason)
		IS DISTINCT FROM (OLD.deadline_set_at, OLD.deadline_set_by, OLD.deadline_reason);
	recheck_moves boolean := NEW.needs_recheck IS DISTINCT FROM OLD.needs_recheck;
	editing boolean := (NEW.description, NEW.category, NEW.location, NEW.measures)
		IS DISTINCT FROM (OLD.description, OLD.category, OLD.location, OLD.measures);
	fixed text;
	others text[] := '{}';
BEGIN
	-- Maintained columns are the trigger's, whatever the statement says.
	NEW.step_no := OLD.step_no;
	NEW.last_step := OLD.last_step;
	NEW.created_at := OLD.created_at;
	NEW.created_by := OLD.created_by;

	fixed := CASE
		WHEN NEW.unit_id <> OLD.unit_id THEN 'unit_id'
		WHEN NEW.found_by <> OLD.found_by THEN 'found_by'
		WHEN NEW.found_at <> OLD.found_at THEN 'found_at'
		WHEN NEW.source <> OLD.source THEN 'source'
		WHEN NEW.inspection_id IS DISTINCT FROM OLD.inspection_id THEN 'inspection_id'
		WHEN NEW.campaign_id IS DISTINCT FROM OLD.campaign_id THEN 'campaign_id'
	END;
	IF fixed IS NOT NULL THEN
		RAISE EXCEPTION 'column % of hazard % cannot be changed', fixed, OLD.id
			USING ERRCODE = 'object_not_in_prerequisite_state',
				  DETAIL = 'Where, by whom and when a hazard was found is fixed when it is entered.',
				  HINT = 'Enter a new hazard and close or delete the wrong one.';
	END IF;

	IF OLD.closed_at IS NOT NULL THEN
		IF closing OR rechecking OR rectifying OR confirming OR deadline_moves OR deadline_info OR recheck_moves OR editing THEN
			PERFORM escalation_internal.hazard_refuse(OLD.id, 'change', OLD.status, OLD.grade,
				format('Hazard %s was closed (销号) at %s; a closed hazard is final.', OLD.id, OLD.closed_at),
				'Enter a new hazard if the problem has come back.');
		END IF;
		RETURN NEW;
	END IF;

	IF closing THEN
		step := 'close';
		others := array_remove(ARRAY[CASE WHEN rechecking THEN 're-inspection' END, CASE WHEN rectifying THEN 'rectification' END,
			CASE WHEN confirming THEN 'confirmation' END, CASE WHEN deadline_moves OR deadline_info THEN 'deadline' END,
			CASE WHEN recheck_moves THEN 'needs_recheck' END], NULL);
	ELSIF rechecking THEN
		step := CASE WHEN NEW.recheck_result = 'fail' THEN 'recheck_fail' ELSE 'recheck_pass' END::escalation.hazard_step;
		others := array_remove(ARRAY[CASE WHEN rectifying THEN 'rectification' END, CASE WHEN confirming THEN 'confirmation' END,
			CASE WHEN recheck_moves THEN 'needs_recheck' END,
			CASE WHEN (deadline_moves OR deadline_info) AND NEW.recheck_result IS DISTINCT FROM 'fail' THEN 'deadline' END], NULL);
	ELSIF rectifying THEN
		step := 'rectify';
		others := array_remove(ARRAY[CASE WHEN confirming THEN 'confirmation' END,
			CASE WHEN deadline_moves OR deadline_info THEN 'deadline' END, CASE WHEN recheck_moves THEN 'needs_recheck' END], NULL);
	ELSIF confirming THEN
		step := CASE WHEN NEW.grade = 'major' THEN 'confirm_major' ELSE 'rule_out' END::escalation.hazard_step;
	ELSIF deadline_moves OR deadline_info THEN
		step := CASE WHEN OLD.rectify_deadline IS NULL THEN 'set_deadline' ELSE 'extend' END::escalation.hazard_step;
		IF recheck_moves THEN
			others := ARRAY['needs_recheck'];
		END IF;
	ELSIF recheck_moves THEN
		RAISE EXCEPTION 'needs_recheck of hazard % cannot be changed on its own', OLD.id
			USING ERRCODE = 'object_not_in_prerequisite_state',
				  DETAIL = 'Whether a hazard needs re-inspection is decided when it is entered, or when a suspected major hazard is ruled out.';
	ELSIF editing THEN
		step := 'edit';
	ELSE
		RETURN NEW;
	END IF;

	IF editing AND step <> 'edit' THEN
		others := others || 'description'::text;
	END IF;
	IF cardinality(others) > 0 THEN
		PERFORM escalation_internal.hazard_refuse(OLD.id, replace(step::text, '_', ' '), OLD.status, OLD.grade,
			format('One statement takes one lifecycle step; this one also changes: %s.', array_to_string(others, ', ')),
			'Make each step with its own statement, e.g. escalation.hazard_rectify() and then escalation.hazard_close().');
	END IF;

	CASE step
	WHEN 'close' THEN
		IF NEW.closed_at IS NULL THEN
			RAISE EXCEPTION 'closing hazard % needs closed_at', OLD.id USING ERRCODE = 'not_null_violation';
		ELSIF OLD.grade = 'suspected_major' THEN
			PERFORM escalation_internal.hazard_refuse(OLD.id, 'close', OLD.status, OLD.grade,
				'A suspected major hazard must be confirmed or ruled out before it is closed.',
				'Call escalation.hazard_confirm() first.');
		ELSIF OLD.status = 'rectifying' THEN
			PERFORM escalation_internal.hazard_refuse(OLD.id, 'close', OLD.status, OLD.grade,
				CASE WHEN OLD.recheck_result = 'fail'
					 THEN format('Its re-inspection at %s failed and it has not been rectified again.', OLD.rechecked_at)
					 ELSE 'It has not been rectified.' END,
				'Record the rectification with escalation.hazard_rectify() first.');
		ELSIF OLD.needs_recheck AND OLD.status <> 'verified' THEN
			PERFORM escalation_internal.hazard_refuse(OLD.id, 'close', OLD.status, OLD.grade,
				'It needs a passed re-inspection (复查合格) before it is closed.',
				'Record the re-inspection with escalation.hazard_recheck() first.');
		END IF;
	WHEN 'recheck_pass', 'recheck_fail' THEN
		IF OLD.status <> 'rectified' THEN
			PERFORM escalation_internal.hazard_refuse(OLD.id, 're-inspect', OLD.status, OLD.grade,
				CASE OLD.status WHEN 'verified' THEN 'It has already passed re-inspection.'
								ELSE 'Only a rectified hazard is re-inspected.' END);
		END IF;
		IF NEW.rechecked_at IS NULL OR NEW.recheck_result IS NULL OR NEW.rechecked_by IS NULL THEN
			RAISE EXCEPTION 're-inspecting hazard % needs rechecked_at, recheck_result and rechecked_by', OLD.id
				USING ERRCODE = 'not_null_violation';
		END IF;
		IF NEW.rechecked_at < OLD.rectified_at THEN
			RAISE EXCEPTION 'rechecked_at % of hazard % is before its rectification at %', NEW.rechecked_at, OLD.id, OLD.rectified_at
				USING ERRCODE = 'check_violation';
		END IF;
		IF NOT escalation.supervises(NEW.rechecked_by, OLD.unit_id, escalation.local_day(NEW.rechecked_at)) THEN
			RAISE EXCEPTION 'department % does not supervise unit % and cannot re-inspect hazard %',
					NEW.rechecked_by, OLD.unit_id, OLD.id
				USING ERRCODE = 'insufficient_privilege',
					  DETAIL = format('On %s department %s holds no supervision assignment for unit %s and is not above a department that does.',
									  escalation.local_day(NEW.rechecked_at), NEW.rechecked_by, OLD.unit_id),
					  HINT = 'The re-inspection is made by a supervising department (escalation.supervision_assignment).';
		END IF;
		IF step = 'recheck_fail' THEN
			IF NOT deadline_moves OR NEW.rectify_deadline <= NEW.rechecked_at THEN
				RAISE EXCEPTION 'a failed re-inspection of hazard % needs a new rectify_deadline after %', OLD.id, NEW.rechecked_at
					USING ERRCODE = 'check_violation',
						  DETAIL = format('rectify_deadline is %s.', coalesce(NEW.rectify_deadline::text, 'NULL')),
						  HINT = 'Pass new_deadline to escalation.hazard_recheck().';
			END IF;
			NEW.deadline_set_at := NEW.rechecked_at;
			NEW.deadline_set_by := NEW.rechecked_by;
			IF NEW.deadline_reason IS NOT DISTINCT FROM OLD.deadline_reason THEN
				NEW.deadline_reason := '复查不合格，重新限期整改';
			END IF;
		END IF;
	WHEN 'rectify' THEN
		IF OLD.status <> 'rectifying' THEN
			PERFORM escalation_internal.hazard_refuse(OLD.id, 'rectify', OLD.status, OLD.grade,
				'It has already been rectified; a rectification is undone only by a failed re-inspection.');
		END IF;
		IF NEW.rectified_at IS NULL OR NEW.rectified_by IS NULL THEN
			RAISE EXCEPTION 'rectifying hazard % needs rectified_at and rectified_by', OLD.id
				USING ERRCODE = 'not_null_violation';
		END IF;
		IF OLD.recheck_result = 'fail' AND NEW.rectified_at <= OLD.rechecked_at THEN
			RAISE EXCEPTION 'rectified_at % of hazard % is not after its failed re-inspection at %',
					NEW.rectified_at, OLD.id, OLD.rechecked_at
				USING ERRCODE = 'check_violation';
		END IF;
	WHEN 'confirm_major', 'rule_out' THEN
		IF OLD.grade <> 'suspected_major' THEN
			PERFORM escalation_internal.hazard_refuse(OLD.id, 'confirm', OLD.status, OLD.grade,
				'Only a suspected major hazard (疑似重大事故隐患) is confirmed or ruled out, once.');
		END IF;
		IF NEW.grade NOT IN ('major', 'not_major') THEN
			PERFORM escalation_internal.hazard_refuse(OLD.id, 'confirm', OLD.status, OLD.grade,
				format('Confirming sets grade major (confirmed) or not_major (ruled out), not %s.', NEW.grade));
		END IF;
		IF NEW.confirmed_at IS NULL THEN
			RAISE EXCEPTION 'confirming hazard % needs confirmed_at', OLD.id USING ERRCODE = 'not_null_violation';
		END IF;
		IF NEW.grade = 'major' THEN
			NEW.needs_recheck := true;
		END IF;
		IF deadline_moves THEN
			IF NEW.rectify_deadline < NEW.confirmed_at THEN
				RAISE EXCEPTION 'rectify_deadline % set at confirmation of hazard % is before confirmed_at %',
						NEW.rectify_deadline, OLD.id, NEW.confirmed_at
					USING ERRCODE = 'check_violation';
			END IF;
			NEW.deadline_set_at := NEW.confirmed_at;
			NEW.deadline_set_by := NEW.confirmed_by;
		END IF;
	WHEN 'set_deadline', 'extend' THEN
		IF OLD.status <> 'rectifying' THEN
			PERFORM escalation_internal.hazard_refuse(OLD.id, replace(step::text, '_', ' '), OLD.status, OLD.grade,
				'The rectification deadline is set or extended only while the hazard is being rectified.');
		END IF;
		IF NEW.rectify_deadline IS NULL THEN
			PERFORM escalation_internal.hazard_refuse(OLD.id, 'remove the deadline of', OLD.status, OLD.grade,
				'A rectification deadline, once set, is only extended.');
		END IF;
		IF step = 'extend' THEN
			IF NEW.rectify_deadline <= OLD.rectify_deadline THEN
				RAISE EXCEPTION 'new rectify_deadline % of hazard % is not after its current deadline %',
						NEW.rectify_deadline, OLD.id, OLD.rectify_deadline
					USING ERRCODE = 'check_violation',
						  DETAIL = 'An extension (延期) moves the deadline later.';
			END IF;
			IF nullif(btrim(NEW.deadline_reason), '') IS NULL OR NOT deadline_info THEN
				RAISE EXCEPTION 'extending the deadline of hazard % needs a new deadline_reason', OLD.id
					USING ERRCODE = 'not_null_violation',
						  DETAIL = 'Every extension (延期) records why it was granted.',
						  HINT = 'Use escalation.hazard_extend(hazard_id, new_deadline, reason, department_id).';
			END IF;
		ELSIF NEW.rectify_deadline < OLD.found_at THEN
			PERFORM escalation_internal.hazard_check_row(NEW);
		END IF;
		IF NEW.deadline_set_at IS NOT DISTINCT FROM OLD.deadline_set_at THEN
			NEW.deadline_set_at := statement_timestamp();
		END IF;
		IF NEW.deadline_set_at < OLD.found_at THEN
			RAISE EXCEPTION 'deadline_set_at % of hazard % is before its found_at %', NEW.deadline_set_at, OLD.id, OLD.found_at
				USING ERRCODE = 'check_violation';
		END IF;
	ELSE
		NULL;
	END CASE;

	PERFORM escalation_internal.hazard_check_row(NEW);
	NEW.step_no := OLD.step_no + 1;
	NEW.last_step := step;
	RETURN NEW;
END
$$;

------------------------------------------------------------------------------
-- The pg_cron check behind schedule() and unschedule() moves to
-- escalation_internal (内部函数).
------------------------------------------------------------------------------

ALTER FUNCTION escalation.require_cron() SET SCHEMA escalation_internal;

CREATE OR REPLACE FUNCTION escalation.schedule(schedule text DEFAULT '* * * * *') RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, escalation, pg_temp AS
$$
DECLARE
	job bigint;
BEGIN
	IF schedule IS NULL OR btrim(schedule) = '' THEN
		RAISE EXCEPTION 'schedule must not be empty'
			USING ERRCODE = 'invalid_parameter_value',
				  HINT = 'Give a cron schedule, e.g. ''* * * * *'' for every minute.';
	END IF;
	PERFORM escalation_internal.require_cron();
	SELECT cron.schedule('escalation-run', schedule, 'SELECT escalation.run()') INTO job;
	RETURN job;
END
$$;

CREATE OR REPLACE FUNCTION escalation.unschedule() RETURNS boolean
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, escalation, pg_temp AS
$$
BEGIN
	PERFORM escalation_internal.require_cron();
	IF NOT EXISTS (SELECT 1 FROM cron.job j WHERE j.jobname = 'escalation-run' AND j.username = current_user) THEN
		RETURN false;
	END IF;
	PERFORM cron.unschedule('escalation-run');
	RETURN true;
END
$$;

-- Engine: one definition of the stage arithmetic (src/ladder.c), used by the
-- engine and by the SQL that keeps its work list; the C functions' symbols
-- carry the prefix escalation_ (the library keeps the old names for 0.1.0).
------------------------------------------------------------------------------

CREATE FUNCTION escalation.stage_due_at(started_at timestamptz, due_after interval) RETURNS timestamptz
AS 'MODULE_PATHNAME', 'escalation_stage_due_at'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION escalation.stage_due_at(timestamptz, interval) IS
	'When a stage falls due: the item''s start plus the stage''s offset (days of 24 hours), infinity past the end of time. 应预警时间';

CREATE FUNCTION escalation.stage_fires(due_at timestamptz, handled_at timestamptz, withdrawn_at timestamptz)
RETURNS boolean
AS 'MODULE_PATHNAME', 'escalation_stage_fires'
LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION escalation.stage_fires(timestamptz, timestamptz, timestamptz) IS
	'Whether a stage due at due_at fires: the item was not handled or withdrawn at or before it (NULL: not yet). 级次是否触发';

CREATE OR REPLACE VIEW escalation.rule_offset AS
	SELECT r.kind, r.origin, r.stage,
		sum(r.delay) OVER (PARTITION BY r.kind, r.origin ORDER BY r.stage) AS due_after
	FROM escalation.rule r;
COMMENT ON VIEW escalation.rule_offset IS
	'For each stage in force, how long after the item''s start it falls due (sum of the delays up to it); the due time is escalation.stage_due_at(start, due_after), a day counting as 24 hours. 预警级次起算间隔';

CREATE OR REPLACE FUNCTION escalation.item_event_due(kind escalation.warning_kind, first_due timestamptz,
	handled_at timestamptz, withdrawn_at timestamptz, superseded_at timestamptz)
RETURNS timestamptz
AS 'MODULE_PATHNAME', 'escalation_item_event_due'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE OR REPLACE FUNCTION escalation.retime_items(kind escalation.warning_kind, origin escalation.level, subjects bigint[])
RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, escalation, pg_temp AS
$$
DECLARE
	ladder escalation.level;
	first_due_after interval;
	gone bigint[];
BEGIN
	-- One ladder at a time: its first delay is a constant of the statement.
	FOREACH ladder IN ARRAY ARRAY['city', 'district']::escalation.level[] LOOP
		CONTINUE WHEN origin IS NOT NULL AND origin <> ladder;
		SELECT o.due_after INTO first_due_after
		FROM escalation.rule_offset o WHERE o.kind = retime_items.kind AND o.origin = ladder AND o.stage = 1;
		EXECUTE $q$
			UPDATE escalation.tracked_item t
			SET next_due_at = escalation.item_event_due(t.kind, escalation.stage_due_at(t.started_at, $4),
														 t.handled_at, t.withdrawn_at, t.superseded_at)
			WHERE t.kind = $1 AND t.origin = $2 AND ($3 IS NULL OR t.subject_id = ANY ($3))
			  AND t.next_due_at IS DISTINCT FROM
				  escalation.item_event_due(t.kind, escalation.stage_due_at(t.started_at, $4),
											t.handled_at, t.withdrawn_at, t.superseded_at)
		$q$ USING kind, ladder, subjects, first_due_after;
	END LOOP;

	EXECUTE $q$
		WITH finished AS (
			DELETE FROM escalation.tracked_item t
			WHERE t.kind = $1 AND ($2 IS NULL OR t.origin = $2) AND ($3 IS NULL OR t.subject_id = ANY ($3))
			  AND t.next_due_at IS NULL AND (t.handled_at IS NOT NULL OR t.withdrawn_at IS NOT NULL)
			RETURNING t.subject_id)
		SELECT array_agg(subject_id) FROM finished
	$q$ INTO gone USING kind, origin, subjects;

	-- The waiting stages: those of the items' current episodes that are not
	-- raised and fall due before the item is handled or withdrawn.
	IF origin IS NULL THEN
		EXECUTE $q$
			DELETE FROM escalation.stage_due s WHERE s.kind = $1 AND ($2 IS NULL OR s.subject_id = ANY ($2))
		$q$ USING kind, subjects;
	ELSE
		EXECUTE $q$
			DELETE FROM escalation.stage_due s
			WHERE s.kind = $1 AND (s.subject_id = ANY ($3)
				OR EXISTS (SELECT 1 FROM escalation.tracked_item t
						   WHERE t.subject_id = s.subject_id AND t.kind = s.kind AND t.origin = $2))
		$q$ USING kind, origin, gone;
	END IF;
	EXECUTE $q$
		INSERT INTO escalation.stage_due (kind, subject_id, started_at, stage, due_at, fires_until, origin,
			unit_id, department_id, region, district, city)
		SELECT t.kind, t.subject_id, t.started_at, o.stage, escalation.stage_due_at(t.started_at, o.due_after),
			least(t.handled_at, t.withdrawn_at), t.origin, t.unit_id, t.department_id, t.region, t.district, t.city
		FROM escalation.tracked_item t
		JOIN escalation.rule_offset o ON o.kind = t.kind AND o.origin = t.origin
		WHERE t.kind = $1 AND ($2 IS NULL OR t.origin = $2) AND ($3 IS NULL OR t.subject_id = ANY ($3))
		  AND escalation.stage_fires(escalation.stage_due_at(t.started_at, o.due_after), t.handled_at, t.withdrawn_at)
		  AND NOT EXISTS (SELECT 1 FROM escalation.warning w
						  WHERE w.subject_id = t.subject_id AND w.kind = t.kind
							AND w.started_at = t.started_at AND w.stage = o.stage)
	$q$ USING kind, origin, subjects;
END
$$;

CREATE OR REPLACE FUNCTION escalation.licence_expires_at(valid_until date) RETURNS timestamptz
AS 'MODULE_PATHNAME', 'escalation_licence_expires_at'
LANGUAGE C STABLE STRICT PARALLEL SAFE;

CREATE OR REPLACE FUNCTION escalation.run(as_of timestamptz DEFAULT now()) RETURNS bigint
AS 'MODULE_PATHNAME', 'escalation_run'
LANGUAGE C VOLATILE SECURITY DEFINER SET search_path = pg_catalog, escalation, pg_temp
SET enable_hashjoin = off SET enable_mergejoin = off SET jit = off;

CREATE OR REPLACE FUNCTION escalation.lock_event_stream() RETURNS void
AS 'MODULE_PATHNAME', 'escalation_lock_event_stream'
LANGUAGE C VOLATILE;

CREATE OR REPLACE FUNCTION escalation.acknowledge(warning_id bigint, note text DEFAULT NULL) RETURNS bigint
AS 'MODULE_PATHNAME', 'escalation_acknowledge'
LANGUAGE C VOLATILE SET search_path = pg_catalog, escalation, pg_temp;

-- The stage arithmetic: PUBLIC may not run it, the platform's readers may.
REVOKE ALL ON FUNCTION escalation.stage_due_at(timestamptz, interval),
	escalation.stage_fires(timestamptz, timestamptz, timestamptz)
FROM PUBLIC;
GRANT EXECUTE ON FUNCTION escalation.stage_due_at(timestamptz, interval),
	escalation.stage_fires(timestamptz, timestamptz, timestamptz)
	TO escalation_admin, escalation_user, escalation_analyst;
