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

------------------------------------------------------------------------------
-- The engine's health for monitors and the screen worker (sql/parts/66_engine_health.sql)
------------------------------------------------------------------------------

CREATE FUNCTION escalation.engine_health(
	OUT checked_at timestamptz,
	OUT last_run_at timestamptz,
	OUT last_run_status text,
	OUT last_success_at timestamptz,
	OUT last_success_as_of timestamptz,
	OUT last_failure_at timestamptz,
	OUT last_failure_sqlstate text,
	OUT last_failure_message text,
	OUT oldest_due_at timestamptz,
	OUT due_stages bigint)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, escalation, pg_temp
BEGIN ATOMIC
	SELECT now(), r.finished_at, r.status, s.finished_at, s.as_of, f.finished_at, f.sqlstate, f.message,
		d.oldest, d.n
	FROM (SELECT 1) one
	LEFT JOIN LATERAL (SELECT l.finished_at, l.status FROM escalation.run_log l
					   ORDER BY l.run_id DESC LIMIT 1) r ON true
	LEFT JOIN LATERAL (SELECT l.finished_at, l.as_of FROM escalation.run_log l WHERE l.status = 'succeeded'
					   ORDER BY l.run_id DESC LIMIT 1) s ON true
	LEFT JOIN LATERAL (SELECT l.finished_at, l.sqlstate, l.message FROM escalation.run_log l WHERE l.status = 'failed'
					   ORDER BY l.run_id DESC LIMIT 1) f ON true
	CROSS JOIN LATERAL (SELECT min(sd.due_at) AS oldest, count(*) AS n FROM escalation.stage_due sd
						WHERE sd.due_at <= now()) d;
END;
COMMENT ON FUNCTION escalation.engine_health() IS
	'How the engine (escalation.run()) is doing, from escalation.run_log and escalation.stage_due: when it last ran and how that ended, its last success (and the as_of it escalated to), its last failure (SQLSTATE and message), and the stages due by now that no run has raised yet (the oldest due time and how many). A run that succeeds at now() raises every stage due, so a stage long overdue means runs fail or do not happen. 预警引擎运行状况';

REVOKE ALL ON FUNCTION escalation.engine_health() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION escalation.engine_health() TO escalation_admin, escalation_analyst, escalation_screen;

-- Access checks in C: caller_sees_region() costs microseconds, not a SQL call
------------------------------------------------------------------------------

CREATE OR REPLACE FUNCTION escalation.caller_sees_region(region escalation.region, writing boolean DEFAULT false) RETURNS boolean
AS 'MODULE_PATHNAME', 'escalation_caller_sees_region'
LANGUAGE C STABLE PARALLEL RESTRICTED;

------------------------------------------------------------------------------
-- pg_dump keeps a city's own registrations (follow_unit_region,
-- follow_department_region), not the extension's own
------------------------------------------------------------------------------

SELECT pg_catalog.pg_extension_config_dump('escalation.unit_region_follower',
	'WHERE NOT EXISTS (SELECT FROM pg_catalog.pg_depend d WHERE d.classid = ''pg_catalog.pg_class''::pg_catalog.regclass '
	'AND d.objid = tbl::pg_catalog.oid AND d.deptype = ''e'')');
SELECT pg_catalog.pg_extension_config_dump('escalation.department_region_follower',
	'WHERE NOT EXISTS (SELECT FROM pg_catalog.pg_depend d WHERE d.classid = ''pg_catalog.pg_class''::pg_catalog.regclass '
	'AND d.objid = tbl::pg_catalog.oid AND d.deptype = ''e'')');

------------------------------------------------------------------------------
-- pg_cron's run history of the engine's jobs is purged daily; scheduling from
-- another database names its jobs after that database
------------------------------------------------------------------------------

-- What to run in the cron database to schedule the engine of this one. pg_cron
-- updates a job of the same name and user without changing its database, so
-- the jobs are named after this database: 'escalation-run' there may be
-- another database's job already.
CREATE FUNCTION escalation_internal.cron_hint(cron_database text) RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE
RETURN format('In database "%s" run: SELECT cron.schedule_in_database(%L, ''* * * * *'', ''SELECT escalation.run()'', %L); '
			  'and, so that pg_cron''s run history of this database does not grow for ever: '
			  'SELECT cron.schedule(%L, ''17 3 * * *'', %L);',
			  cron_database, 'escalation-run-' || pg_catalog.current_database(), pg_catalog.current_database(),
			  'escalation-purge-history-' || pg_catalog.current_database(),
			  format('DELETE FROM cron.job_run_details WHERE jobid IN (SELECT jobid FROM cron.job WHERE database = %L '
					 'AND jobname LIKE ''escalation-%%'') AND coalesce(end_time, start_time) < now() - interval ''7 days''',
					 pg_catalog.current_database()));
COMMENT ON FUNCTION escalation_internal.cron_hint(text) IS
	'The statements to run in pg_cron''s database (cron_database) to schedule this database''s engine and the purge of its run history, with job names of this database. 跨库定时任务提示';

-- Fail clearly unless pg_cron is installed in this database.
CREATE OR REPLACE FUNCTION escalation_internal.require_cron() RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, escalation, pg_temp AS
$$
DECLARE
	cron_database text := current_setting('cron.database_name', true);
BEGIN
	IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_extension WHERE extname = 'pg_cron') THEN
		RAISE EXCEPTION 'pg_cron is not installed in database "%"', current_database()
			USING ERRCODE = 'object_not_in_prerequisite_state',
				  DETAIL = CASE
					WHEN cron_database IS NULL THEN 'The pg_cron library is not loaded by this server.'
					ELSE format('pg_cron runs its jobs from database "%s".', cron_database) END,
				  HINT = CASE
					WHEN cron_database IS NULL OR cron_database = current_database() THEN
						format('Set shared_preload_libraries = ''pg_cron'' and cron.database_name = ''%s'', restart, and CREATE EXTENSION pg_cron; or call escalation.run() every minute from another scheduler.', current_database())
					ELSE escalation_internal.cron_hint(cron_database) END;
	END IF;
END
$$;
COMMENT ON FUNCTION escalation_internal.require_cron() IS
	'Raises a clear error, with what to do, unless pg_cron is installed in this database. 检查定时任务扩展';

-- Delete pg_cron's run history of this database's escalation jobs.
CREATE FUNCTION escalation.purge_job_history(keep interval DEFAULT NULL) RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, escalation, pg_temp AS
$$
DECLARE
	-- The setting reads as '7d' once the module is loaded and as written before
	-- (a pg_cron session may not have loaded it yet); both read as an interval.
	retention interval := coalesce(keep, nullif(current_setting('escalation.run_log_retention', true), '')::interval,
								   interval '7 days');
	purged bigint;
BEGIN
	PERFORM escalation_internal.require_cron();
	IF retention <= interval '0' THEN
		RETURN 0;
	END IF;
	DELETE FROM cron.job_run_details d
	USING cron.job j
	WHERE j.jobid = d.jobid AND j.database = current_database() AND j.jobname LIKE 'escalation-%'
		AND coalesce(d.end_time, d.start_time) < statement_timestamp() - retention;
	GET DIAGNOSTICS purged = ROW_COUNT;
	RETURN purged;
END
$$;
COMMENT ON FUNCTION escalation.purge_job_history(interval) IS
	'Deletes the rows of cron.job_run_details of this database''s jobs named escalation-* that ended longer ago than keep (default: escalation.run_log_retention, 7 days; 0 keeps them); returns how many. The job "escalation-purge-history" calls it daily. 清理定时任务运行记录';

CREATE OR REPLACE FUNCTION escalation.schedule(schedule text DEFAULT '* * * * *') RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, escalation, pg_temp AS
$$
DECLARE
	job bigint;
	other text;
BEGIN
	IF schedule IS NULL OR btrim(schedule) = '' THEN
		RAISE EXCEPTION 'schedule must not be empty'
			USING ERRCODE = 'invalid_parameter_value',
				  HINT = 'Give a cron schedule, e.g. ''* * * * *'' for every minute.';
	END IF;
	PERFORM escalation_internal.require_cron();
	-- pg_cron would update such a job and leave it running in its database.
	SELECT j.database INTO other FROM cron.job j
	WHERE j.jobname IN ('escalation-run', 'escalation-purge-history') AND j.username = current_user
		AND j.database <> current_database()
	LIMIT 1;
	IF FOUND THEN
		RAISE EXCEPTION 'a pg_cron job named escalation-run or escalation-purge-history already runs in database "%"', other
			USING ERRCODE = 'duplicate_object',
				  DETAIL = 'pg_cron would change that job''s schedule and leave it in its database; this database would not be scheduled.',
				  HINT = format('Rename it to escalation-run-%s (UPDATE cron.job SET jobname = ... WHERE jobname = ''escalation-run'' AND database = %L), then call escalation.schedule() again.', other, other);
	END IF;
	SELECT cron.schedule('escalation-run', schedule, 'SELECT escalation.run()') INTO job;
	PERFORM cron.schedule('escalation-purge-history', '17 3 * * *', 'SELECT escalation.purge_job_history()');
	RETURN job;
END
$$;
COMMENT ON FUNCTION escalation.schedule(text) IS
	'Creates or updates the pg_cron job "escalation-run" that calls escalation.run() on the given cron schedule (default every minute), and the daily job "escalation-purge-history" that keeps pg_cron''s run history of them short (escalation.purge_job_history); returns the id of escalation-run. 设置定时预警';

CREATE OR REPLACE FUNCTION escalation.unschedule() RETURNS boolean
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, escalation, pg_temp AS
$$
DECLARE
	found_run boolean;
BEGIN
	PERFORM escalation_internal.require_cron();
	found_run := EXISTS (SELECT 1 FROM cron.job j WHERE j.jobname = 'escalation-run' AND j.username = current_user
						 AND j.database = current_database());
	IF found_run THEN
		PERFORM cron.unschedule('escalation-run');
	END IF;
	IF EXISTS (SELECT 1 FROM cron.job j WHERE j.jobname = 'escalation-purge-history' AND j.username = current_user
			   AND j.database = current_database()) THEN
		PERFORM cron.unschedule('escalation-purge-history');
	END IF;
	RETURN found_run;
END
$$;
COMMENT ON FUNCTION escalation.unschedule() IS
	'Removes the pg_cron jobs "escalation-run" and "escalation-purge-history"; returns false if there was no escalation-run. 取消定时预警';

REVOKE ALL ON FUNCTION escalation_internal.cron_hint(text), escalation.purge_job_history(interval) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION escalation.purge_job_history(interval) TO escalation_admin;

-- A database whose engine pg_cron already runs gets the purge job now (cron.job
-- is read only when pg_cron is there: a statement naming it fails without).
DO $upgrade$
BEGIN
	IF EXISTS (SELECT 1 FROM pg_catalog.pg_extension WHERE extname = 'pg_cron') THEN
		EXECUTE $job$
			SELECT cron.schedule('escalation-purge-history', '17 3 * * *', 'SELECT escalation.purge_job_history()')
			FROM cron.job j
			WHERE j.jobname = 'escalation-run' AND j.username = current_user AND j.database = current_database()
		$job$;
	END IF;
END
$upgrade$;

------------------------------------------------------------------------------
-- Indexes on the warnings' times
------------------------------------------------------------------------------

CREATE INDEX warning_raised_at_idx ON escalation.warning (raised_at);
CREATE INDEX warning_due_at_idx ON escalation.warning (due_at);

------------------------------------------------------------------------------
-- What analysts and BI tools read: Chinese labels of every enum, enum_label,
-- the analyst views <table>_analyst, the data dictionary
------------------------------------------------------------------------------

------------------------------------------------------------------------------
-- Chinese labels of the enums that had none (中文标签)
------------------------------------------------------------------------------

CREATE FUNCTION escalation.level_label(level escalation.level) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN CASE level WHEN 'city' THEN '市级' WHEN 'district' THEN '区县级' WHEN 'street' THEN '街道（镇）级' END;
COMMENT ON FUNCTION escalation.level_label(escalation.level) IS 'Chinese label of an administrative level. 层级名称';

CREATE FUNCTION escalation.social_function_label(social_function escalation.social_function) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN CASE social_function
	WHEN 'enterprise' THEN '企业'
	WHEN 'private_non_enterprise' THEN '民办非企业'
	WHEN 'social_organisation' THEN '社会团体'
	WHEN 'public_institution' THEN '事业单位'
	WHEN 'nine_small_venue' THEN '九小场所'
END;
COMMENT ON FUNCTION escalation.social_function_label(escalation.social_function) IS
	'Chinese label of a unit''s social function. 社会功能名称';

CREATE FUNCTION escalation.supervision_type_label(supervision_type escalation.supervision_type) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN CASE supervision_type
	WHEN 'industry_supervision' THEN '行业监管'
	WHEN 'industry_authority' THEN '行业主管'
	WHEN 'special_supervision' THEN '专项监管'
	WHEN 'territorial' THEN '属地管理'
	WHEN 'other' THEN '其他管理'
END;
COMMENT ON FUNCTION escalation.supervision_type_label(escalation.supervision_type) IS
	'Chinese label of a supervision type. 监管类型名称';

CREATE FUNCTION escalation.dual_prevention_scope_label(scope escalation.dual_prevention_scope) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN CASE scope
	WHEN 'non_coal_mine' THEN '非煤矿山'
	WHEN 'metal_smelting' THEN '金属冶炼'
	WHEN 'hazardous_chemicals' THEN '危险化学品生产、储存'
	WHEN 'food_processing' THEN '食品加工（涉氨制冷）'
	WHEN 'dust' THEN '粉尘涉爆'
END;
COMMENT ON FUNCTION escalation.dual_prevention_scope_label(escalation.dual_prevention_scope) IS
	'Chinese label of the clause that brings an industry into the dual prevention mechanism. 双重预防机制适用范围名称';

CREATE FUNCTION escalation.business_status_label(status escalation.business_status) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN CASE status WHEN 'operating' THEN '在营' WHEN 'suspended' THEN '停产停业' WHEN 'closed' THEN '关闭注销' END;
COMMENT ON FUNCTION escalation.business_status_label(escalation.business_status) IS
	'Chinese label of a unit''s business status. 经营状态名称';

CREATE FUNCTION escalation.inspection_kind_label(kind escalation.inspection_kind) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN CASE kind WHEN 'enforcement' THEN '执法' WHEN 'supervision' THEN '监督' WHEN 'inspection' THEN '检查' END;
COMMENT ON FUNCTION escalation.inspection_kind_label(escalation.inspection_kind) IS
	'Chinese label of an inspection kind. 检查类别名称';

CREATE FUNCTION escalation.inspection_mode_label(mode escalation.inspection_mode) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN CASE mode WHEN 'on_site' THEN '现场检查' WHEN 'online' THEN '网上巡查' END;
COMMENT ON FUNCTION escalation.inspection_mode_label(escalation.inspection_mode) IS
	'Chinese label of an inspection mode. 检查方式名称';

CREATE FUNCTION escalation.hazard_source_label(source escalation.hazard_source) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN CASE source WHEN 'inspection' THEN '检查发现' WHEN 'self_report' THEN '企业自查上报' END;
COMMENT ON FUNCTION escalation.hazard_source_label(escalation.hazard_source) IS
	'Chinese label of how a hazard became known. 隐患来源名称';

CREATE FUNCTION escalation.hazard_category_label(category escalation.hazard_category) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN CASE category
	WHEN 'fire' THEN '消防'
	WHEN 'electrical' THEN '用电'
	WHEN 'machinery' THEN '机械设备'
	WHEN 'special_equipment' THEN '特种设备'
	WHEN 'hazardous_chemicals' THEN '危险化学品'
	WHEN 'dust_explosion' THEN '粉尘防爆'
	WHEN 'confined_space' THEN '有限空间'
	WHEN 'gas' THEN '燃气'
	WHEN 'ammonia_refrigeration' THEN '涉氨制冷'
	WHEN 'working_at_height' THEN '高处作业'
	WHEN 'construction' THEN '建筑施工'
	WHEN 'occupational_health' THEN '职业卫生'
	WHEN 'emergency' THEN '应急管理'
	WHEN 'management' THEN '安全管理'
	WHEN 'other' THEN '其他'
END;
COMMENT ON FUNCTION escalation.hazard_category_label(escalation.hazard_category) IS
	'Chinese label of a hazard category. 隐患类别名称';

CREATE FUNCTION escalation.hazard_step_label(step escalation.hazard_step) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN CASE step
	WHEN 'confirm_major' THEN '确认为重大事故隐患'
	WHEN 'rule_out' THEN '排除（非重大）'
	WHEN 'set_deadline' THEN '设定整改期限'
	WHEN 'extend' THEN '延期'
	WHEN 'rectify' THEN '整改完成'
	WHEN 'recheck_pass' THEN '复查合格'
	WHEN 'recheck_fail' THEN '复查不合格'
	WHEN 'close' THEN '销号'
	WHEN 'edit' THEN '信息更正'
END;
COMMENT ON FUNCTION escalation.hazard_step_label(escalation.hazard_step) IS
	'Chinese label of a hazard lifecycle step. 隐患处理步骤名称';

CREATE FUNCTION escalation.recheck_result_label(result escalation.recheck_result) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN CASE result WHEN 'pass' THEN '合格' WHEN 'fail' THEN '不合格' END;
COMMENT ON FUNCTION escalation.recheck_result_label(escalation.recheck_result) IS
	'Chinese label of a re-inspection result. 复查结果名称';

CREATE FUNCTION escalation.dp_control_level_label(level escalation.dp_control_level) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN CASE level WHEN 'company' THEN '公司级' WHEN 'workshop' THEN '车间级' WHEN 'team' THEN '班组级' WHEN 'post' THEN '岗位级' END;
COMMENT ON FUNCTION escalation.dp_control_level_label(escalation.dp_control_level) IS
	'Chinese label of a control level of dual prevention. 管控层级名称';

CREATE FUNCTION escalation.dp_check_result_label(result escalation.dp_check_result) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN CASE result WHEN 'normal' THEN '正常' WHEN 'hazards_found' THEN '发现隐患' END;
COMMENT ON FUNCTION escalation.dp_check_result_label(escalation.dp_check_result) IS
	'Chinese label of the outcome of a scheduled self-inspection. 排查结果名称';

------------------------------------------------------------------------------
-- Every enum value with its Chinese label (枚举值中文对照)
------------------------------------------------------------------------------

CREATE VIEW escalation.enum_label AS
	SELECT 'business_status'::text AS enum_type, v::text AS value, escalation.business_status_label(v) AS label
	FROM unnest(enum_range(NULL::escalation.business_status)) v
	UNION ALL SELECT 'campaign_kind', v::text, escalation.campaign_kind_label(v) FROM unnest(enum_range(NULL::escalation.campaign_kind)) v
	UNION ALL SELECT 'clue_handling', v::text, escalation.clue_handling_label(v) FROM unnest(enum_range(NULL::escalation.clue_handling)) v
	UNION ALL SELECT 'department_kind', v::text, escalation.department_kind_label(v) FROM unnest(enum_range(NULL::escalation.department_kind)) v
	UNION ALL SELECT 'dp_check_result', v::text, escalation.dp_check_result_label(v) FROM unnest(enum_range(NULL::escalation.dp_check_result)) v
	UNION ALL SELECT 'dp_control_level', v::text, escalation.dp_control_level_label(v) FROM unnest(enum_range(NULL::escalation.dp_control_level)) v
	UNION ALL SELECT 'dp_risk_grade', v::text, escalation.dp_risk_grade_label(v) FROM unnest(enum_range(NULL::escalation.dp_risk_grade)) v
	UNION ALL SELECT 'dual_prevention_scope', v::text, escalation.dual_prevention_scope_label(v) FROM unnest(enum_range(NULL::escalation.dual_prevention_scope)) v
	UNION ALL SELECT 'duty_role', v::text, escalation.duty_role_label(v) FROM unnest(enum_range(NULL::escalation.duty_role)) v
	UNION ALL SELECT 'gap_reason', v::text, escalation.gap_reason_label(v) FROM unnest(enum_range(NULL::escalation.gap_reason)) v
	UNION ALL SELECT 'hazard_category', v::text, escalation.hazard_category_label(v) FROM unnest(enum_range(NULL::escalation.hazard_category)) v
	UNION ALL SELECT 'hazard_grade', v::text, escalation.hazard_grade_label(v) FROM unnest(enum_range(NULL::escalation.hazard_grade)) v
	UNION ALL SELECT 'hazard_source', v::text, escalation.hazard_source_label(v) FROM unnest(enum_range(NULL::escalation.hazard_source)) v
	UNION ALL SELECT 'hazard_status', v::text, escalation.hazard_status_label(v) FROM unnest(enum_range(NULL::escalation.hazard_status)) v
	UNION ALL SELECT 'hazard_step', v::text, escalation.hazard_step_label(v) FROM unnest(enum_range(NULL::escalation.hazard_step)) v
	UNION ALL SELECT 'inspection_kind', v::text, escalation.inspection_kind_label(v) FROM unnest(enum_range(NULL::escalation.inspection_kind)) v
	UNION ALL SELECT 'inspection_mode', v::text, escalation.inspection_mode_label(v) FROM unnest(enum_range(NULL::escalation.inspection_mode)) v
	UNION ALL SELECT 'level', v::text, escalation.level_label(v) FROM unnest(enum_range(NULL::escalation.level)) v
	UNION ALL SELECT 'recheck_result', v::text, escalation.recheck_result_label(v) FROM unnest(enum_range(NULL::escalation.recheck_result)) v
	UNION ALL SELECT 'safety_state', v::text, escalation.safety_state_label(v) FROM unnest(enum_range(NULL::escalation.safety_state)) v
	UNION ALL SELECT 'social_function', v::text, escalation.social_function_label(v) FROM unnest(enum_range(NULL::escalation.social_function)) v
	UNION ALL SELECT 'supervision_type', v::text, escalation.supervision_type_label(v) FROM unnest(enum_range(NULL::escalation.supervision_type)) v
	UNION ALL SELECT 'warning_action', v::text, escalation.warning_action_label(v) FROM unnest(enum_range(NULL::escalation.warning_action)) v
	UNION ALL SELECT 'warning_kind', v::text, escalation.warning_kind_label(v) FROM unnest(enum_range(NULL::escalation.warning_kind)) v
	UNION ALL SELECT 'warning_resolution', v::text, escalation.warning_resolution_label(v) FROM unnest(enum_range(NULL::escalation.warning_resolution)) v;
COMMENT ON VIEW escalation.enum_label IS
	'Every value of every enum of the extension with its Chinese label, a lookup table for BI tools. 枚举值中文对照';
COMMENT ON COLUMN escalation.enum_label.enum_type IS 'The enum type (in schema escalation). 枚举类型';
COMMENT ON COLUMN escalation.enum_label.value IS 'The value as stored. 取值';
COMMENT ON COLUMN escalation.enum_label.label IS 'Its Chinese label. 中文名称';

------------------------------------------------------------------------------
-- Analyst views (分析视图): escalation.<table>_analyst for every table an
-- analyst may read, with exactly the columns the analyst may read (unit, person
-- and unit_history hold personal and contact data the analyst may not see, so
-- SELECT * on them fails with 42501). Region and uscc codes are text, as BI
-- drivers read them; every enum column comes with its Chinese label as
-- <column>_label. The views run with the caller's rights (security_invoker).
------------------------------------------------------------------------------

CREATE VIEW escalation.campaign_analyst WITH (security_invoker = true) AS
	SELECT t.id,
		t.name,
		t.kind,
		escalation.campaign_kind_label(t.kind) AS kind_label,
		t.organiser_id,
		t.scope_regions::text[] AS scope_regions,
		t.scope_industries,
		t.starts_on,
		t.ends_on,
		t.targets,
		t.goal_coverage,
		t.basis,
		t.region::text AS region,
		t.created_at,
		t.created_by
	FROM escalation.campaign t;
COMMENT ON VIEW escalation.campaign_analyst IS
	'What an analyst may read of escalation.campaign, for BI tools: its permitted columns, region and uscc codes as text, enum columns with their Chinese labels. 大检查、专项整治、综合和专项督查（分析视图）';
COMMENT ON COLUMN escalation.campaign_analyst.id IS 'Campaign id (generated). 专项工作编号';
COMMENT ON COLUMN escalation.campaign_analyst.name IS 'Name, e.g. 2024年安全生产大检查. 名称';
COMMENT ON COLUMN escalation.campaign_analyst.kind IS 'Major inspection, special rectification, comprehensive or special oversight. 类别';
COMMENT ON COLUMN escalation.campaign_analyst.kind_label IS 'kind in Chinese (escalation.campaign_kind_label). 类别（中文）';
COMMENT ON COLUMN escalation.campaign_analyst.organiser_id IS 'Department that deploys and dispatches it, e.g. the work-safety committee office. 组织部门';
COMMENT ON COLUMN escalation.campaign_analyst.scope_regions IS 'Regions it covers, each within the organiser''s region; empty = the organiser''s whole region. 范围（区划）';
COMMENT ON COLUMN escalation.campaign_analyst.scope_industries IS 'Industry codes it covers (escalation.industry); empty = every industry. 范围（行业）';
COMMENT ON COLUMN escalation.campaign_analyst.starts_on IS 'First day. 开始日期';
COMMENT ON COLUMN escalation.campaign_analyst.ends_on IS 'Last day; not before starts_on. 结束日期';
COMMENT ON COLUMN escalation.campaign_analyst.targets IS 'Targets and tasks in words (目标任务); the target units are listed in escalation.campaign_target.';
COMMENT ON COLUMN escalation.campaign_analyst.goal_coverage IS 'Share of target units to be inspected, 0..1 (e.g. 1.000 = every one). 检查覆盖率目标';
COMMENT ON COLUMN escalation.campaign_analyst.basis IS 'Document that deploys it (文件依据), e.g. a notice number.';
COMMENT ON COLUMN escalation.campaign_analyst.region IS 'Region of the organiser (kept by trigger, for row-level security); users of the regions it covers can read it too. 所属区划';
COMMENT ON COLUMN escalation.campaign_analyst.created_at IS 'When the campaign was entered. 录入时间';
COMMENT ON COLUMN escalation.campaign_analyst.created_by IS 'Role that entered it. 录入人';

CREATE VIEW escalation.campaign_target_analyst WITH (security_invoker = true) AS
	SELECT t.campaign_id,
		t.unit_id,
		t.added_at,
		t.region::text AS region
	FROM escalation.campaign_target t;
COMMENT ON VIEW escalation.campaign_target_analyst IS
	'What an analyst may read of escalation.campaign_target, for BI tools: its permitted columns, region and uscc codes as text, enum columns with their Chinese labels. 专项工作目标单位（分析视图）';
COMMENT ON COLUMN escalation.campaign_target_analyst.campaign_id IS 'The campaign. 专项工作';
COMMENT ON COLUMN escalation.campaign_target_analyst.unit_id IS 'A unit to be covered; must lie within the campaign''s scope. 目标单位';
COMMENT ON COLUMN escalation.campaign_target_analyst.added_at IS 'When the unit was put on the list. 列入时间';
COMMENT ON COLUMN escalation.campaign_target_analyst.region IS 'Region of the unit (kept by trigger, for row-level security). 所属区划';

CREATE VIEW escalation.clue_analyst WITH (security_invoker = true) AS
	SELECT t.id,
		t.unit_id,
		t.from_department,
		t.to_department,
		t.transferred_at,
		t.facts,
		t.legal_basis,
		t.inspection_id,
		t.hazard_id,
		t.forwarded_from,
		t.handling,
		escalation.clue_handling_label(t.handling) AS handling_label,
		t.handled_at,
		t.handled_by,
		t.case_number,
		t.handling_note,
		t.forwarded_to,
		t.region::text AS region,
		t.created_at,
		t.created_by
	FROM escalation.clue t;
COMMENT ON VIEW escalation.clue_analyst IS
	'What an analyst may read of escalation.clue, for BI tools: its permitted columns, region and uscc codes as text, enum columns with their Chinese labels. 违法线索移交（分析视图）';
COMMENT ON COLUMN escalation.clue_analyst.id IS 'Clue id (generated). 线索编号';
COMMENT ON COLUMN escalation.clue_analyst.unit_id IS 'The unit concerned, if known. 涉及单位';
COMMENT ON COLUMN escalation.clue_analyst.from_department IS 'Department that transferred the clue; its level decides the warning ladder''s origin. 移交部门';
COMMENT ON COLUMN escalation.clue_analyst.to_department IS 'The competent department it was transferred to, which must handle it. 接收部门';
COMMENT ON COLUMN escalation.clue_analyst.transferred_at IS 'When it was transferred; the 3-day handling clock starts here. 移交时间';
COMMENT ON COLUMN escalation.clue_analyst.facts IS 'What was found (违法事实). 线索内容';
COMMENT ON COLUMN escalation.clue_analyst.legal_basis IS 'Laws and articles the facts fall under. 法律依据';
COMMENT ON COLUMN escalation.clue_analyst.inspection_id IS 'The inspection that found it, if any. 来源检查';
COMMENT ON COLUMN escalation.clue_analyst.hazard_id IS 'The hazard it concerns, if any. 相关隐患';
COMMENT ON COLUMN escalation.clue_analyst.forwarded_from IS 'The clue this one continues, when a receiver forwarded it (转办). 转办来源线索';
COMMENT ON COLUMN escalation.clue_analyst.handling IS 'accepted (filed), rejected (with reason) or forwarded; NULL while pending, or when only handled_at was recorded. 处理方式';
COMMENT ON COLUMN escalation.clue_analyst.handling_label IS 'handling in Chinese (escalation.clue_handling_label). 处理方式（中文）';
COMMENT ON COLUMN escalation.clue_analyst.handled_at IS 'When the receiving department handled it (final); ends the clue ladder. 处理时间';
COMMENT ON COLUMN escalation.clue_analyst.handled_by IS 'Person of the receiving department who handled it. 经办人';
COMMENT ON COLUMN escalation.clue_analyst.case_number IS 'Case number when accepted and filed. 立案号';
COMMENT ON COLUMN escalation.clue_analyst.handling_note IS 'Notes; the reason when rejected. 处理意见（不予受理理由）';
COMMENT ON COLUMN escalation.clue_analyst.forwarded_to IS 'Department it was forwarded to; a new clue from the receiver to it is created. 转办部门';
COMMENT ON COLUMN escalation.clue_analyst.region IS 'Region of the unit, or of the transferring department when there is no unit (kept by trigger, for row-level security). 所属区划';
COMMENT ON COLUMN escalation.clue_analyst.created_at IS 'When the clue was entered. 录入时间';
COMMENT ON COLUMN escalation.clue_analyst.created_by IS 'Role that entered it. 录入人';

CREATE VIEW escalation.department_analyst WITH (security_invoker = true) AS
	SELECT t.id,
		t.name,
		t.level,
		escalation.level_label(t.level) AS level_label,
		t.region::text AS region,
		t.parent_id,
		t.kind,
		escalation.department_kind_label(t.kind) AS kind_label,
		t.created_at
	FROM escalation.department t;
COMMENT ON VIEW escalation.department_analyst IS
	'What an analyst may read of escalation.department, for BI tools: its permitted columns, region and uscc codes as text, enum columns with their Chinese labels. 部门/单位（分析视图）';
COMMENT ON COLUMN escalation.department_analyst.id IS 'Department id (generated). 部门编号';
COMMENT ON COLUMN escalation.department_analyst.name IS 'Full name, unique within its region, e.g. 济南市应急管理局. 部门名称';
COMMENT ON COLUMN escalation.department_analyst.level IS 'City, district or street; must be the level of region (filled from it when omitted). 层级';
COMMENT ON COLUMN escalation.department_analyst.level_label IS 'level in Chinese (escalation.level_label). 层级（中文）';
COMMENT ON COLUMN escalation.department_analyst.region IS 'The city, district or street the department answers for. 所属区划';
COMMENT ON COLUMN escalation.department_analyst.parent_id IS 'Department it reports to; its region contains this one''s. 上级部门';
COMMENT ON COLUMN escalation.department_analyst.kind IS 'Party committee, government, functional department, street office, ... 部门类别';
COMMENT ON COLUMN escalation.department_analyst.kind_label IS 'kind in Chinese (escalation.department_kind_label). 部门类别（中文）';
COMMENT ON COLUMN escalation.department_analyst.created_at IS 'When the department was entered. 创建时间';

CREATE VIEW escalation.division_analyst WITH (security_invoker = true) AS
	SELECT t.code::text AS code,
		t.name
	FROM escalation.division t;
COMMENT ON VIEW escalation.division_analyst IS
	'What an analyst may read of escalation.division, for BI tools: its permitted columns, region and uscc codes as text, enum columns with their Chinese labels. 行政区划（分析视图）';
COMMENT ON COLUMN escalation.division_analyst.code IS 'Division code (6 digits: province/city/district; 9 digits: street/town). 区划代码';
COMMENT ON COLUMN escalation.division_analyst.name IS 'Official name, e.g. 历下区, 解放路街道. 名称';

CREATE VIEW escalation.dp_assessment_analyst WITH (security_invoker = true) AS
	SELECT t.id,
		t.unit_id,
		t.assessed_at,
		t.department_id,
		t.state,
		escalation.safety_state_label(t.state) AS state_label,
		t.score,
		t.findings,
		t.region::text AS region,
		t.created_at,
		t.created_by
	FROM escalation.dp_assessment t;
COMMENT ON VIEW escalation.dp_assessment_analyst IS
	'What an analyst may read of escalation.dp_assessment, for BI tools: its permitted columns, region and uscc codes as text, enum columns with their Chinese labels. 安全生产状况评估（分析视图）';
COMMENT ON COLUMN escalation.dp_assessment_analyst.id IS 'Assessment id (generated). 评估编号';
COMMENT ON COLUMN escalation.dp_assessment_analyst.unit_id IS 'The unit (enrolled). 单位';
COMMENT ON COLUMN escalation.dp_assessment_analyst.assessed_at IS 'When it was assessed. 评估时间';
COMMENT ON COLUMN escalation.dp_assessment_analyst.department_id IS 'Department that assessed it. 评估部门';
COMMENT ON COLUMN escalation.dp_assessment_analyst.state IS 'Good, fairly good, average or poor. 评估结论';
COMMENT ON COLUMN escalation.dp_assessment_analyst.state_label IS 'state in Chinese (escalation.safety_state_label). 评估结论（中文）';
COMMENT ON COLUMN escalation.dp_assessment_analyst.score IS 'Score 0..100, when the method gives one. 评估得分';
COMMENT ON COLUMN escalation.dp_assessment_analyst.findings IS 'Findings in words. 评估意见';
COMMENT ON COLUMN escalation.dp_assessment_analyst.region IS 'Region of the unit (kept by trigger, for row-level security). 所属区划';
COMMENT ON COLUMN escalation.dp_assessment_analyst.created_at IS 'When it was entered. 录入时间';
COMMENT ON COLUMN escalation.dp_assessment_analyst.created_by IS 'Role that entered it. 录入人';

CREATE VIEW escalation.dp_check_task_analyst WITH (security_invoker = true) AS
	SELECT t.id,
		t.unit_id,
		t.risk_point_id,
		t.name,
		t.content,
		t.every,
		t.control_level,
		escalation.dp_control_level_label(t.control_level) AS control_level_label,
		t.starts_at,
		t.active,
		t.region::text AS region
	FROM escalation.dp_check_task t;
COMMENT ON VIEW escalation.dp_check_task_analyst IS
	'What an analyst may read of escalation.dp_check_task, for BI tools: its permitted columns, region and uscc codes as text, enum columns with their Chinese labels. 隐患排查任务（分析视图）';
COMMENT ON COLUMN escalation.dp_check_task_analyst.id IS 'Task id (generated). 任务编号';
COMMENT ON COLUMN escalation.dp_check_task_analyst.unit_id IS 'The unit (enrolled). 单位';
COMMENT ON COLUMN escalation.dp_check_task_analyst.risk_point_id IS 'Risk point whose controls it checks, of the same unit. 风险点';
COMMENT ON COLUMN escalation.dp_check_task_analyst.name IS 'Task, e.g. 液氨储罐区日常巡检. 任务名称';
COMMENT ON COLUMN escalation.dp_check_task_analyst.content IS 'What is checked. 排查内容';
COMMENT ON COLUMN escalation.dp_check_task_analyst.every IS 'How often: between 1 hour and 366 days, e.g. ''1 day'', ''7 days''. 排查周期';
COMMENT ON COLUMN escalation.dp_check_task_analyst.control_level IS 'Level that runs it: company, workshop, team or post. 排查层级';
COMMENT ON COLUMN escalation.dp_check_task_analyst.control_level_label IS 'control_level in Chinese (escalation.dp_control_level_label). 排查层级（中文）';
COMMENT ON COLUMN escalation.dp_check_task_analyst.starts_at IS 'When the schedule starts; the first check is due one interval later. 开始时间';
COMMENT ON COLUMN escalation.dp_check_task_analyst.active IS 'Still scheduled. 是否启用';
COMMENT ON COLUMN escalation.dp_check_task_analyst.region IS 'Region of the unit (kept by trigger, for row-level security). 所属区划';

CREATE VIEW escalation.dp_risk_point_analyst WITH (security_invoker = true) AS
	SELECT t.id,
		t.unit_id,
		t.name,
		t.location,
		t.risk_grade,
		escalation.dp_risk_grade_label(t.risk_grade) AS risk_grade_label,
		t.hazard_factors,
		t.control_measures,
		t.control_level,
		escalation.dp_control_level_label(t.control_level) AS control_level_label,
		t.responsible,
		t.identified_on,
		t.retired_on,
		t.region::text AS region
	FROM escalation.dp_risk_point t;
COMMENT ON VIEW escalation.dp_risk_point_analyst IS
	'What an analyst may read of escalation.dp_risk_point, for BI tools: its permitted columns, region and uscc codes as text, enum columns with their Chinese labels. 风险点（分析视图）';
COMMENT ON COLUMN escalation.dp_risk_point_analyst.id IS 'Risk point id (generated). 风险点编号';
COMMENT ON COLUMN escalation.dp_risk_point_analyst.unit_id IS 'The unit (enrolled in dual prevention management). 单位';
COMMENT ON COLUMN escalation.dp_risk_point_analyst.name IS 'Risk point, e.g. 液氨储罐区, 喷涂车间. 风险点名称';
COMMENT ON COLUMN escalation.dp_risk_point_analyst.location IS 'Where. 所在位置';
COMMENT ON COLUMN escalation.dp_risk_point_analyst.risk_grade IS 'Red, orange, yellow or blue. 风险等级';
COMMENT ON COLUMN escalation.dp_risk_point_analyst.risk_grade_label IS 'risk_grade in Chinese (escalation.dp_risk_grade_label). 风险等级（中文）';
COMMENT ON COLUMN escalation.dp_risk_point_analyst.hazard_factors IS 'Hazardous factors identified. 危险有害因素';
COMMENT ON COLUMN escalation.dp_risk_point_analyst.control_measures IS 'Control measures (engineering, management, training, protection, emergency). 管控措施';
COMMENT ON COLUMN escalation.dp_risk_point_analyst.control_level IS 'Level that controls it: company, workshop, team or post. 管控层级';
COMMENT ON COLUMN escalation.dp_risk_point_analyst.control_level_label IS 'control_level in Chinese (escalation.dp_control_level_label). 管控层级（中文）';
COMMENT ON COLUMN escalation.dp_risk_point_analyst.responsible IS 'Who at the unit is responsible for its control. 管控责任人';
COMMENT ON COLUMN escalation.dp_risk_point_analyst.identified_on IS 'Date identified and graded. 辨识日期';
COMMENT ON COLUMN escalation.dp_risk_point_analyst.retired_on IS 'Date it ceased to exist (process changed, equipment removed); NULL = current. 撤销日期';
COMMENT ON COLUMN escalation.dp_risk_point_analyst.region IS 'Region of the unit (kept by trigger, for row-level security). 所属区划';

CREATE VIEW escalation.dp_run_analyst WITH (security_invoker = true) AS
	SELECT t.id,
		t.unit_id,
		t.ran_at,
		t.task_id,
		t.result,
		escalation.dp_check_result_label(t.result) AS result_label,
		t.hazard_id,
		t.checked_by,
		t.note,
		t.region::text AS region,
		t.recorded_at,
		t.recorded_by
	FROM escalation.dp_run t;
COMMENT ON VIEW escalation.dp_run_analyst IS
	'What an analyst may read of escalation.dp_run, for BI tools: its permitted columns, region and uscc codes as text, enum columns with their Chinese labels. 双重预防机制运行记录（分析视图）';
COMMENT ON COLUMN escalation.dp_run_analyst.id IS 'Run id (generated). 记录编号';
COMMENT ON COLUMN escalation.dp_run_analyst.unit_id IS 'The unit; must be under dual prevention management at ran_at. 单位';
COMMENT ON COLUMN escalation.dp_run_analyst.ran_at IS 'When the check was completed; at or after the enrolment, before any withdrawal; fixed once recorded. 排查时间';
COMMENT ON COLUMN escalation.dp_run_analyst.task_id IS 'The scheduled task completed, of the same unit. 排查任务';
COMMENT ON COLUMN escalation.dp_run_analyst.result IS 'normal or hazards_found. 排查结果';
COMMENT ON COLUMN escalation.dp_run_analyst.result_label IS 'result in Chinese (escalation.dp_check_result_label). 排查结果（中文）';
COMMENT ON COLUMN escalation.dp_run_analyst.hazard_id IS 'The hazard self-reported from this check, if any. 上报隐患';
COMMENT ON COLUMN escalation.dp_run_analyst.checked_by IS 'Who at the unit checked. 排查人';
COMMENT ON COLUMN escalation.dp_run_analyst.note IS 'Notes. 备注';
COMMENT ON COLUMN escalation.dp_run_analyst.region IS 'Region of the unit (kept by trigger, for row-level security). 所属区划';
COMMENT ON COLUMN escalation.dp_run_analyst.recorded_at IS 'When it was recorded. 录入时间';
COMMENT ON COLUMN escalation.dp_run_analyst.recorded_by IS 'Role that recorded it. 录入人';

CREATE VIEW escalation.dual_prevention_analyst WITH (security_invoker = true) AS
	SELECT t.unit_id,
		t.since,
		t.enrolled_by,
		t.note,
		t.withdrawn_at,
		t.withdraw_reason,
		t.region::text AS region,
		t.created_at,
		t.created_by
	FROM escalation.dual_prevention t;
COMMENT ON VIEW escalation.dual_prevention_analyst IS
	'What an analyst may read of escalation.dual_prevention, for BI tools: its permitted columns, region and uscc codes as text, enum columns with their Chinese labels. 双重预防机制平台管理单位（分析视图）';
COMMENT ON COLUMN escalation.dual_prevention_analyst.unit_id IS 'The unit. 单位';
COMMENT ON COLUMN escalation.dual_prevention_analyst.since IS 'When it came under platform management (or came back after a withdrawal); starts the first 7-day clock. 纳入管理时间';
COMMENT ON COLUMN escalation.dual_prevention_analyst.enrolled_by IS 'Department that enrolled it. 纳入部门';
COMMENT ON COLUMN escalation.dual_prevention_analyst.note IS 'Notes, e.g. the §12 clause or a voluntary enrolment (有序开展). 备注';
COMMENT ON COLUMN escalation.dual_prevention_analyst.withdrawn_at IS 'When it left platform management (e.g. the unit closed); no run is recorded and no idle stage is due from then on. 退出管理时间';
COMMENT ON COLUMN escalation.dual_prevention_analyst.withdraw_reason IS 'Why it left. 退出原因';
COMMENT ON COLUMN escalation.dual_prevention_analyst.region IS 'Region of the unit (kept by trigger, for row-level security). 所属区划';
COMMENT ON COLUMN escalation.dual_prevention_analyst.created_at IS 'When the enrolment was entered. 录入时间';
COMMENT ON COLUMN escalation.dual_prevention_analyst.created_by IS 'Role that entered it. 录入人';

CREATE VIEW escalation.duty_analyst WITH (security_invoker = true) AS
	SELECT t.id,
		t.department_id,
		t.person_id,
		t.role,
		escalation.duty_role_label(t.role) AS role_label,
		t.office_id,
		t.period,
		t.note,
		t.region::text AS region,
		t.created_at,
		t.created_by
	FROM escalation.duty t;
COMMENT ON VIEW escalation.duty_analyst IS
	'What an analyst may read of escalation.duty, for BI tools: its permitted columns, region and uscc codes as text, enum columns with their Chinese labels. 安全生产责任分工（分析视图）';
COMMENT ON COLUMN escalation.duty_analyst.id IS 'Duty id (generated). 责任编号';
COMMENT ON COLUMN escalation.duty_analyst.department_id IS 'Department the duty is held in. 部门';
COMMENT ON COLUMN escalation.duty_analyst.person_id IS 'The person; must work in the department. 责任人';
COMMENT ON COLUMN escalation.duty_analyst.role IS 'Which duty: first responsible, responsible-in-charge, other in-charge, lead/other office, liaison. 责任类别';
COMMENT ON COLUMN escalation.duty_analyst.role_label IS 'role in Chinese (escalation.duty_role_label). 责任类别（中文）';
COMMENT ON COLUMN escalation.duty_analyst.office_id IS 'Office of the department the duty is tied to (required for office duties). 处科室';
COMMENT ON COLUMN escalation.duty_analyst.period IS 'Days the duty is held: [first day, first day no longer held); open end = still held. 任职期间';
COMMENT ON COLUMN escalation.duty_analyst.note IS 'What the duty covers, in the department''s words. 分工说明';
COMMENT ON COLUMN escalation.duty_analyst.region IS 'Region of the department (kept by trigger, for row-level security). 所属区划';
COMMENT ON COLUMN escalation.duty_analyst.created_at IS 'When the duty was entered. 录入时间';
COMMENT ON COLUMN escalation.duty_analyst.created_by IS 'Role that entered it. 录入人';

CREATE VIEW escalation.hazard_analyst WITH (security_invoker = true) AS
	SELECT t.id,
		t.unit_id,
		t.found_by,
		t.found_at,
		t.source,
		escalation.hazard_source_label(t.source) AS source_label,
		t.inspection_id,
		t.campaign_id,
		t.description,
		t.category,
		escalation.hazard_category_label(t.category) AS category_label,
		t.location,
		t.grade,
		escalation.hazard_grade_label(t.grade) AS grade_label,
		t.needs_recheck,
		t.measures,
		t.rectify_deadline,
		t.deadline_set_at,
		t.deadline_set_by,
		t.deadline_reason,
		t.confirmed_at,
		t.confirmed_by,
		t.confirm_note,
		t.rectified_at,
		t.rectified_by,
		t.rectification_note,
		t.rechecked_at,
		t.rechecked_by,
		t.recheck_inspector,
		t.recheck_result,
		escalation.recheck_result_label(t.recheck_result) AS recheck_result_label,
		t.recheck_note,
		t.closed_at,
		t.closed_by,
		t.close_note,
		t.status,
		escalation.hazard_status_label(t.status) AS status_label,
		t.step_no,
		t.last_step,
		escalation.hazard_step_label(t.last_step) AS last_step_label,
		t.region::text AS region,
		t.created_at,
		t.created_by
	FROM escalation.hazard t;
COMMENT ON VIEW escalation.hazard_analyst IS
	'What an analyst may read of escalation.hazard, for BI tools: its permitted columns, region and uscc codes as text, enum columns with their Chinese labels. 隐患排查治理台账（分析视图）';
COMMENT ON COLUMN escalation.hazard_analyst.id IS 'Hazard id (generated). 隐患编号';
COMMENT ON COLUMN escalation.hazard_analyst.unit_id IS 'The unit where the hazard is. 隐患单位';
COMMENT ON COLUMN escalation.hazard_analyst.found_by IS 'Department that found it (for a self-reported hazard: the supervising department it was reported to); its level decides the warning ladder''s origin. 发现部门';
COMMENT ON COLUMN escalation.hazard_analyst.found_at IS 'When it was found (for an inspection: at or after the inspection). 发现时间';
COMMENT ON COLUMN escalation.hazard_analyst.source IS 'Found by an inspection, or self-reported by the unit. 隐患来源';
COMMENT ON COLUMN escalation.hazard_analyst.source_label IS 'source in Chinese (escalation.hazard_source_label). 隐患来源（中文）';
COMMENT ON COLUMN escalation.hazard_analyst.inspection_id IS 'The inspection that found it (same unit and department). 所属检查';
COMMENT ON COLUMN escalation.hazard_analyst.campaign_id IS 'Campaign it was found under (taken from the inspection when omitted). 所属专项工作';
COMMENT ON COLUMN escalation.hazard_analyst.description IS 'What the hazard is. 隐患描述';
COMMENT ON COLUMN escalation.hazard_analyst.category IS 'Category (fire, electrical, hazardous chemicals, ...). 隐患类别';
COMMENT ON COLUMN escalation.hazard_analyst.category_label IS 'category in Chinese (escalation.hazard_category_label). 隐患类别（中文）';
COMMENT ON COLUMN escalation.hazard_analyst.location IS 'Where at the unit. 隐患部位';
COMMENT ON COLUMN escalation.hazard_analyst.grade IS 'general, suspected_major, and after confirmation major or not_major; only a suspected major hazard changes grade. 隐患等级';
COMMENT ON COLUMN escalation.hazard_analyst.grade_label IS 'grade in Chinese (escalation.hazard_grade_label). 隐患等级（中文）';
COMMENT ON COLUMN escalation.hazard_analyst.needs_recheck IS 'Closing requires a passed re-inspection; always true for a confirmed major hazard. 是否需要复查';
COMMENT ON COLUMN escalation.hazard_analyst.measures IS 'Rectification measures required. 整改措施';
COMMENT ON COLUMN escalation.hazard_analyst.rectify_deadline IS 'Rectification deadline; not before found_at; required for a general hazard and for a ruled-out one that needs re-inspection (escalation.hazard_confirm also requires it for a confirmed major hazard: the deadline of its governance plan); moved only later (extension) or anew by a failed re-inspection. 整改期限';
COMMENT ON COLUMN escalation.hazard_analyst.deadline_set_at IS 'When the current deadline was set or extended. 期限设定时间';
COMMENT ON COLUMN escalation.hazard_analyst.deadline_set_by IS 'Department that set or extended the current deadline. 期限设定部门';
COMMENT ON COLUMN escalation.hazard_analyst.deadline_reason IS 'Why the current deadline was set or extended (required for an extension). 延期理由';
COMMENT ON COLUMN escalation.hazard_analyst.confirmed_at IS 'When a suspected major hazard was confirmed major or ruled out; set exactly when grade is major or not_major. 确认时间';
COMMENT ON COLUMN escalation.hazard_analyst.confirmed_by IS 'Department that confirmed or ruled it out. 确认部门';
COMMENT ON COLUMN escalation.hazard_analyst.confirm_note IS 'Basis of the confirmation. 确认意见';
COMMENT ON COLUMN escalation.hazard_analyst.rectified_at IS 'When the unit completed the (latest) rectification. 整改完成时间';
COMMENT ON COLUMN escalation.hazard_analyst.rectified_by IS 'Who at the unit is accountable for the rectification. 整改责任人';
COMMENT ON COLUMN escalation.hazard_analyst.rectification_note IS 'What was done. 整改情况';
COMMENT ON COLUMN escalation.hazard_analyst.rechecked_at IS 'When the latest re-inspection took place. 复查时间';
COMMENT ON COLUMN escalation.hazard_analyst.rechecked_by IS 'Department that re-inspected; it supervises the unit, or is above one that does. 复查部门';
COMMENT ON COLUMN escalation.hazard_analyst.recheck_inspector IS 'Person of that department who re-inspected. 复查人员';
COMMENT ON COLUMN escalation.hazard_analyst.recheck_result IS 'Result of the latest re-inspection: pass or fail. 复查结论';
COMMENT ON COLUMN escalation.hazard_analyst.recheck_result_label IS 'recheck_result in Chinese (escalation.recheck_result_label). 复查结论（中文）';
COMMENT ON COLUMN escalation.hazard_analyst.recheck_note IS 'Notes of the latest re-inspection. 复查意见';
COMMENT ON COLUMN escalation.hazard_analyst.closed_at IS 'When the hazard was closed (销号); final. 销号时间';
COMMENT ON COLUMN escalation.hazard_analyst.closed_by IS 'Department that closed it. 销号部门';
COMMENT ON COLUMN escalation.hazard_analyst.close_note IS 'Notes on closing. 销号意见';
COMMENT ON COLUMN escalation.hazard_analyst.status IS 'rectifying, rectified, verified or closed, derived from the timestamps (never set directly). 隐患状态';
COMMENT ON COLUMN escalation.hazard_analyst.status_label IS 'status in Chinese (escalation.hazard_status_label). 隐患状态（中文）';
COMMENT ON COLUMN escalation.hazard_analyst.step_no IS 'Number of lifecycle steps taken since the hazard was entered (maintained by trigger). 处理步骤数';
COMMENT ON COLUMN escalation.hazard_analyst.last_step IS 'The latest lifecycle step (maintained by trigger). 最近处理步骤';
COMMENT ON COLUMN escalation.hazard_analyst.last_step_label IS 'last_step in Chinese (escalation.hazard_step_label). 最近处理步骤（中文）';
COMMENT ON COLUMN escalation.hazard_analyst.region IS 'Region of the unit (kept by trigger, for row-level security). 所属区划';
COMMENT ON COLUMN escalation.hazard_analyst.created_at IS 'When the hazard was entered. 录入时间';
COMMENT ON COLUMN escalation.hazard_analyst.created_by IS 'Role that entered it. 录入人';

CREATE VIEW escalation.hazard_history_analyst WITH (security_invoker = true) AS
	SELECT t.id,
		t.hazard_id,
		t.unit_id,
		t.step,
		escalation.hazard_step_label(t.step) AS step_label,
		t.from_status,
		escalation.hazard_status_label(t.from_status) AS from_status_label,
		t.to_status,
		escalation.hazard_status_label(t.to_status) AS to_status_label,
		t.from_grade,
		escalation.hazard_grade_label(t.from_grade) AS from_grade_label,
		t.to_grade,
		escalation.hazard_grade_label(t.to_grade) AS to_grade_label,
		t.from_deadline,
		t.to_deadline,
		t.department_id,
		t.person_id,
		t.event_at,
		t.note,
		t.recorded_at,
		t.recorded_by,
		t.region::text AS region
	FROM escalation.hazard_history t;
COMMENT ON VIEW escalation.hazard_history_analyst IS
	'What an analyst may read of escalation.hazard_history, for BI tools: its permitted columns, region and uscc codes as text, enum columns with their Chinese labels. 隐患处理记录（分析视图）';
COMMENT ON COLUMN escalation.hazard_history_analyst.id IS 'Entry id (increasing). 记录编号';
COMMENT ON COLUMN escalation.hazard_history_analyst.hazard_id IS 'The hazard. 隐患';
COMMENT ON COLUMN escalation.hazard_history_analyst.unit_id IS 'Its unit. 隐患单位';
COMMENT ON COLUMN escalation.hazard_history_analyst.step IS 'The step taken. 处理步骤';
COMMENT ON COLUMN escalation.hazard_history_analyst.step_label IS 'step in Chinese (escalation.hazard_step_label). 处理步骤（中文）';
COMMENT ON COLUMN escalation.hazard_history_analyst.from_status IS 'Status before the step. 原状态';
COMMENT ON COLUMN escalation.hazard_history_analyst.from_status_label IS 'from_status in Chinese (escalation.hazard_status_label). 原状态（中文）';
COMMENT ON COLUMN escalation.hazard_history_analyst.to_status IS 'Status after the step. 新状态';
COMMENT ON COLUMN escalation.hazard_history_analyst.to_status_label IS 'to_status in Chinese (escalation.hazard_status_label). 新状态（中文）';
COMMENT ON COLUMN escalation.hazard_history_analyst.from_grade IS 'Grade before the step. 原等级';
COMMENT ON COLUMN escalation.hazard_history_analyst.from_grade_label IS 'from_grade in Chinese (escalation.hazard_grade_label). 原等级（中文）';
COMMENT ON COLUMN escalation.hazard_history_analyst.to_grade IS 'Grade after the step. 新等级';
COMMENT ON COLUMN escalation.hazard_history_analyst.to_grade_label IS 'to_grade in Chinese (escalation.hazard_grade_label). 新等级（中文）';
COMMENT ON COLUMN escalation.hazard_history_analyst.from_deadline IS 'Rectification deadline before the step. 原整改期限';
COMMENT ON COLUMN escalation.hazard_history_analyst.to_deadline IS 'Rectification deadline after the step. 新整改期限';
COMMENT ON COLUMN escalation.hazard_history_analyst.department_id IS 'Department that took the step (confirming, setting the deadline, re-inspecting or closing); NULL for the unit''s rectification. 处理部门';
COMMENT ON COLUMN escalation.hazard_history_analyst.person_id IS 'Person who re-inspected, for re-inspections. 处理人员';
COMMENT ON COLUMN escalation.hazard_history_analyst.event_at IS 'When the step happened (the step''s own timestamp on the hazard). 处理时间';
COMMENT ON COLUMN escalation.hazard_history_analyst.note IS 'Reason or notes given with the step; for an edit, the columns changed. 处理意见';
COMMENT ON COLUMN escalation.hazard_history_analyst.recorded_at IS 'When the step was recorded. 记录时间';
COMMENT ON COLUMN escalation.hazard_history_analyst.recorded_by IS 'Role that recorded it (the session''s acting role). 记录人';
COMMENT ON COLUMN escalation.hazard_history_analyst.region IS 'Region of the unit (kept by trigger, for row-level security). 所属区划';

CREATE VIEW escalation.industry_analyst WITH (security_invoker = true) AS
	SELECT t.code,
		t.name,
		t.category,
		t.competent_department,
		t.dual_prevention_scope,
		escalation.dual_prevention_scope_label(t.dual_prevention_scope) AS dual_prevention_scope_label,
		t.dual_prevention_mandatory,
		t.builtin
	FROM escalation.industry t;
COMMENT ON VIEW escalation.industry_analyst IS
	'What an analyst may read of escalation.industry, for BI tools: its permitted columns, region and uscc codes as text, enum columns with their Chinese labels. 行业分类（分析视图）';
COMMENT ON COLUMN escalation.industry_analyst.code IS 'Industry code: 1-16 letters, digits, dot, dash or underscore. 行业代码';
COMMENT ON COLUMN escalation.industry_analyst.name IS 'Industry name. 行业名称';
COMMENT ON COLUMN escalation.industry_analyst.category IS 'Broad sector, e.g. 工矿商贸, 交通运输, 建设工程. 行业大类';
COMMENT ON COLUMN escalation.industry_analyst.competent_department IS 'Name of the competent city department in the task division. 行业主管/监管部门';
COMMENT ON COLUMN escalation.industry_analyst.dual_prevention_scope IS 'The §12 clause that concerns this industry, if any. 双重预防机制适用条款';
COMMENT ON COLUMN escalation.industry_analyst.dual_prevention_scope_label IS 'dual_prevention_scope in Chinese (escalation.dual_prevention_scope_label). 双重预防机制适用条款（中文）';
COMMENT ON COLUMN escalation.industry_analyst.dual_prevention_mandatory IS 'True when every unit of the industry must run the dual prevention mechanism (§12). 是否必须建立双重预防机制';
COMMENT ON COLUMN escalation.industry_analyst.builtin IS 'Shipped with the extension; read-only, restored by CREATE EXTENSION rather than by pg_dump. 内置';

CREATE VIEW escalation.inspection_analyst WITH (security_invoker = true) AS
	SELECT t.id,
		t.department_id,
		t.office_id,
		t.unit_id,
		t.kind,
		escalation.inspection_kind_label(t.kind) AS kind_label,
		t.mode,
		escalation.inspection_mode_label(t.mode) AS mode_label,
		t.campaign_id,
		t.inspected_at,
		t.checked,
		t.findings,
		t.region::text AS region,
		t.created_at,
		t.created_by
	FROM escalation.inspection t;
COMMENT ON VIEW escalation.inspection_analyst IS
	'What an analyst may read of escalation.inspection, for BI tools: its permitted columns, region and uscc codes as text, enum columns with their Chinese labels. 执法、监督、检查记录（分析视图）';
COMMENT ON COLUMN escalation.inspection_analyst.id IS 'Inspection id (generated). 检查编号';
COMMENT ON COLUMN escalation.inspection_analyst.department_id IS 'Department that inspected. 检查部门';
COMMENT ON COLUMN escalation.inspection_analyst.office_id IS 'Its office that carried it out. 承办处科室';
COMMENT ON COLUMN escalation.inspection_analyst.unit_id IS 'The unit inspected. 被检查单位';
COMMENT ON COLUMN escalation.inspection_analyst.kind IS 'Enforcement, supervision or inspection. 检查性质';
COMMENT ON COLUMN escalation.inspection_analyst.kind_label IS 'kind in Chinese (escalation.inspection_kind_label). 检查性质（中文）';
COMMENT ON COLUMN escalation.inspection_analyst.mode IS 'On site or online patrol. 检查方式（现场检查/网上巡查）';
COMMENT ON COLUMN escalation.inspection_analyst.mode_label IS 'mode in Chinese (escalation.inspection_mode_label). 检查方式（现场检查/网上巡查）（中文）';
COMMENT ON COLUMN escalation.inspection_analyst.campaign_id IS 'Campaign it was made under, if any; the date must fall within the campaign and the unit within its scope. 所属专项工作';
COMMENT ON COLUMN escalation.inspection_analyst.inspected_at IS 'When the inspection took place. 检查时间';
COMMENT ON COLUMN escalation.inspection_analyst.checked IS 'What was checked. 检查内容';
COMMENT ON COLUMN escalation.inspection_analyst.findings IS 'What was found, in words; hazards found are rows of escalation.hazard. 检查情况';
COMMENT ON COLUMN escalation.inspection_analyst.region IS 'Region of the unit (kept by trigger, for row-level security). 所属区划';
COMMENT ON COLUMN escalation.inspection_analyst.created_at IS 'When the inspection was entered. 录入时间';
COMMENT ON COLUMN escalation.inspection_analyst.created_by IS 'Role that entered it. 录入人';

CREATE VIEW escalation.inspection_inspector_analyst WITH (security_invoker = true) AS
	SELECT t.inspection_id,
		t.person_id,
		t.department_id,
		t.unit_id,
		t.region::text AS region
	FROM escalation.inspection_inspector t;
COMMENT ON VIEW escalation.inspection_inspector_analyst IS
	'What an analyst may read of escalation.inspection_inspector, for BI tools: its permitted columns, region and uscc codes as text, enum columns with their Chinese labels. 检查人员（分析视图）';
COMMENT ON COLUMN escalation.inspection_inspector_analyst.inspection_id IS 'The inspection. 检查';
COMMENT ON COLUMN escalation.inspection_inspector_analyst.person_id IS 'An inspector, a person of the inspecting department. 检查人员';
COMMENT ON COLUMN escalation.inspection_inspector_analyst.department_id IS 'The inspecting department (filled from the inspection). 检查部门';
COMMENT ON COLUMN escalation.inspection_inspector_analyst.unit_id IS 'The unit inspected (filled from the inspection). 被检查单位';
COMMENT ON COLUMN escalation.inspection_inspector_analyst.region IS 'Region of the unit (kept by trigger, for row-level security). 所属区划';

CREATE VIEW escalation.licence_analyst WITH (security_invoker = true) AS
	SELECT t.id,
		t.unit_id,
		t.kind,
		t.number,
		t.issuer,
		t.valid_from,
		t.valid_until,
		t.safety_licence,
		t.superseded_at,
		t.superseded_by,
		t.region::text AS region,
		t.created_at
	FROM escalation.licence t;
COMMENT ON VIEW escalation.licence_analyst IS
	'What an analyst may read of escalation.licence, for BI tools: its permitted columns, region and uscc codes as text, enum columns with their Chinese labels. 证件（分析视图）';
COMMENT ON COLUMN escalation.licence_analyst.id IS 'Licence id (generated). 证件编号';
COMMENT ON COLUMN escalation.licence_analyst.unit_id IS 'The unit holding the licence. 持证单位';
COMMENT ON COLUMN escalation.licence_analyst.kind IS 'Kind of licence, e.g. 安全生产许可证, 危险化学品经营许可证. 证件类型';
COMMENT ON COLUMN escalation.licence_analyst.number IS 'Licence number as printed. 证件号码';
COMMENT ON COLUMN escalation.licence_analyst.issuer IS 'Issuing authority. 发证机关';
COMMENT ON COLUMN escalation.licence_analyst.valid_from IS 'First day of validity. 有效期起';
COMMENT ON COLUMN escalation.licence_analyst.valid_until IS 'Last day of validity; it expires at the start of the next day in escalation.timezone. 有效期至';
COMMENT ON COLUMN escalation.licence_analyst.safety_licence IS 'A safety-production licence, watched by the licence_expired ladder. 是否安全生产许可类证件';
COMMENT ON COLUMN escalation.licence_analyst.superseded_at IS 'When the licence was renewed or otherwise superseded (handles its expiry). 换发/失效处理时间';
COMMENT ON COLUMN escalation.licence_analyst.superseded_by IS 'The licence that replaced it, when renewed. 换发后的证件';
COMMENT ON COLUMN escalation.licence_analyst.region IS 'Region of the unit (kept by trigger, for row-level security). 所属区划';
COMMENT ON COLUMN escalation.licence_analyst.created_at IS 'When the licence was entered. 录入时间';

CREATE VIEW escalation.office_analyst WITH (security_invoker = true) AS
	SELECT t.id,
		t.department_id,
		t.name,
		t.is_lead,
		t.responsibilities,
		t.region::text AS region
	FROM escalation.office t;
COMMENT ON VIEW escalation.office_analyst IS
	'What an analyst may read of escalation.office, for BI tools: its permitted columns, region and uscc codes as text, enum columns with their Chinese labels. 处/科室（分析视图）';
COMMENT ON COLUMN escalation.office_analyst.id IS 'Office id (generated). 处科室编号';
COMMENT ON COLUMN escalation.office_analyst.department_id IS 'The department. 所属部门';
COMMENT ON COLUMN escalation.office_analyst.name IS 'Name, unique within the department, e.g. 安全生产综合协调科. 处科室名称';
COMMENT ON COLUMN escalation.office_analyst.is_lead IS 'The lead office for work safety of its department (at most one). 是否牵头处科室';
COMMENT ON COLUMN escalation.office_analyst.responsibilities IS 'Its work-safety responsibilities (分工). 安全生产职责';
COMMENT ON COLUMN escalation.office_analyst.region IS 'Region of the department (kept by trigger, for row-level security). 所属区划';

CREATE VIEW escalation.person_analyst WITH (security_invoker = true) AS
	SELECT t.id,
		t.department_id,
		t.name,
		t.title,
		t.region::text AS region
	FROM escalation.person t;
COMMENT ON VIEW escalation.person_analyst IS
	'What an analyst may read of escalation.person, for BI tools: its permitted columns, region and uscc codes as text, enum columns with their Chinese labels. 人员（分析视图）';
COMMENT ON COLUMN escalation.person_analyst.id IS 'Person id (generated). 人员编号';
COMMENT ON COLUMN escalation.person_analyst.department_id IS 'Department the person works in; a transfer to another department is a new person row. 所在部门';
COMMENT ON COLUMN escalation.person_analyst.name IS 'Full name. 姓名';
COMMENT ON COLUMN escalation.person_analyst.title IS 'Post, e.g. 局长, 副主任, 科长. 职务';
COMMENT ON COLUMN escalation.person_analyst.region IS 'Region of the department (kept by trigger, for row-level security). 所属区划';

CREATE VIEW escalation.rule_default_analyst WITH (security_invoker = true) AS
	SELECT t.kind,
		escalation.warning_kind_label(t.kind) AS kind_label,
		t.origin,
		escalation.level_label(t.origin) AS origin_label,
		t.stage,
		t.delay,
		t.screen,
		escalation.level_label(t.screen) AS screen_label,
		t.action,
		escalation.warning_action_label(t.action) AS action_label
	FROM escalation.rule_default t;
COMMENT ON VIEW escalation.rule_default_analyst IS
	'What an analyst may read of escalation.rule_default, for BI tools: its permitted columns, region and uscc codes as text, enum columns with their Chinese labels. 默认预警规则（分析视图）';
COMMENT ON COLUMN escalation.rule_default_analyst.kind IS 'Kind of warning. 预警类型';
COMMENT ON COLUMN escalation.rule_default_analyst.kind_label IS 'kind in Chinese (escalation.warning_kind_label). 预警类型（中文）';
COMMENT ON COLUMN escalation.rule_default_analyst.origin IS 'Origin of the item: city, or district (which covers street origin). 事项来源层级';
COMMENT ON COLUMN escalation.rule_default_analyst.origin_label IS 'origin in Chinese (escalation.level_label). 事项来源层级（中文）';
COMMENT ON COLUMN escalation.rule_default_analyst.stage IS 'Stage number, 1 to n. 预警级次';
COMMENT ON COLUMN escalation.rule_default_analyst.delay IS 'Time from the previous stage (stage 1: from the item''s start). 间隔时间';
COMMENT ON COLUMN escalation.rule_default_analyst.screen IS 'Screen the stage shows on: district or city. 预警大屏层级';
COMMENT ON COLUMN escalation.rule_default_analyst.screen_label IS 'screen in Chinese (escalation.level_label). 预警大屏层级（中文）';
COMMENT ON COLUMN escalation.rule_default_analyst.action IS 'Action of that level''s office. 处置动作';
COMMENT ON COLUMN escalation.rule_default_analyst.action_label IS 'action in Chinese (escalation.warning_action_label). 处置动作（中文）';

CREATE VIEW escalation.rule_override_analyst WITH (security_invoker = true) AS
	SELECT t.kind,
		escalation.warning_kind_label(t.kind) AS kind_label,
		t.origin,
		escalation.level_label(t.origin) AS origin_label,
		t.stage,
		t.delay,
		t.screen,
		escalation.level_label(t.screen) AS screen_label,
		t.action,
		escalation.warning_action_label(t.action) AS action_label,
		t.removed,
		t.changed_at,
		t.changed_by
	FROM escalation.rule_override t;
COMMENT ON VIEW escalation.rule_override_analyst IS
	'What an analyst may read of escalation.rule_override, for BI tools: its permitted columns, region and uscc codes as text, enum columns with their Chinese labels. 预警规则调整记录（分析视图）';
COMMENT ON COLUMN escalation.rule_override_analyst.kind IS 'Kind of warning. 预警类型';
COMMENT ON COLUMN escalation.rule_override_analyst.kind_label IS 'kind in Chinese (escalation.warning_kind_label). 预警类型（中文）';
COMMENT ON COLUMN escalation.rule_override_analyst.origin IS 'Origin of the item: city or district. 事项来源层级';
COMMENT ON COLUMN escalation.rule_override_analyst.origin_label IS 'origin in Chinese (escalation.level_label). 事项来源层级（中文）';
COMMENT ON COLUMN escalation.rule_override_analyst.stage IS 'Stage number, 1 to 9. 预警级次';
COMMENT ON COLUMN escalation.rule_override_analyst.delay IS 'Time from the previous stage (stage 1: from the item''s start); NULL when removed. 间隔时间';
COMMENT ON COLUMN escalation.rule_override_analyst.screen IS 'Screen the stage shows on; NULL when removed. 预警大屏层级';
COMMENT ON COLUMN escalation.rule_override_analyst.screen_label IS 'screen in Chinese (escalation.level_label). 预警大屏层级（中文）';
COMMENT ON COLUMN escalation.rule_override_analyst.action IS 'Action of that level''s office; NULL when removed. 处置动作';
COMMENT ON COLUMN escalation.rule_override_analyst.action_label IS 'action in Chinese (escalation.warning_action_label). 处置动作（中文）';
COMMENT ON COLUMN escalation.rule_override_analyst.removed IS 'The shipped stage with this key is deleted. 已删除';
COMMENT ON COLUMN escalation.rule_override_analyst.changed_at IS 'When the change was made. 调整时间';
COMMENT ON COLUMN escalation.rule_override_analyst.changed_by IS 'Role that made the change. 调整人';

CREATE VIEW escalation.run_log_analyst WITH (security_invoker = true) AS
	SELECT t.run_id,
		t.as_of,
		t.started_at,
		t.finished_at,
		t.items,
		t.raised,
		t.resolved,
		t.status,
		t.message,
		t.sqlstate,
		t.username,
		t.pid
	FROM escalation.run_log t;
COMMENT ON VIEW escalation.run_log_analyst IS
	'What an analyst may read of escalation.run_log, for BI tools: its permitted columns, region and uscc codes as text, enum columns with their Chinese labels. 运行记录（分析视图）';
COMMENT ON COLUMN escalation.run_log_analyst.run_id IS 'Run id. 运行编号';
COMMENT ON COLUMN escalation.run_log_analyst.as_of IS 'The time the run escalated to. 计算截止时间';
COMMENT ON COLUMN escalation.run_log_analyst.started_at IS 'When the run started. 开始时间';
COMMENT ON COLUMN escalation.run_log_analyst.finished_at IS 'When it finished. 结束时间';
COMMENT ON COLUMN escalation.run_log_analyst.items IS 'Work the run looked at: items with something of their own due (handled, withdrawn, moved start), and stages due. 处理事项数';
COMMENT ON COLUMN escalation.run_log_analyst.raised IS 'Warnings raised. 新发预警数';
COMMENT ON COLUMN escalation.run_log_analyst.resolved IS 'Warnings resolved. 解除预警数';
COMMENT ON COLUMN escalation.run_log_analyst.status IS 'succeeded, or failed (nothing of the run was kept). 运行状态';
COMMENT ON COLUMN escalation.run_log_analyst.message IS 'Error message of a failed run. 错误信息';
COMMENT ON COLUMN escalation.run_log_analyst.sqlstate IS 'SQLSTATE of the error of a failed run. 错误代码';
COMMENT ON COLUMN escalation.run_log_analyst.username IS 'Role that ran it (the job''s role under pg_cron). 运行角色';
COMMENT ON COLUMN escalation.run_log_analyst.pid IS 'Backend process id. 进程号';

CREATE VIEW escalation.safety_rule_analyst WITH (security_invoker = true) AS
	SELECT t.id,
		t.unit_id,
		t.title,
		t.category,
		t.document_ref,
		t.issued_on,
		t.revised_on,
		t.region::text AS region
	FROM escalation.safety_rule t;
COMMENT ON VIEW escalation.safety_rule_analyst IS
	'What an analyst may read of escalation.safety_rule, for BI tools: its permitted columns, region and uscc codes as text, enum columns with their Chinese labels. 安全管理制度（分析视图）';
COMMENT ON COLUMN escalation.safety_rule_analyst.id IS 'Rule id (generated). 制度编号';
COMMENT ON COLUMN escalation.safety_rule_analyst.unit_id IS 'The unit. 单位';
COMMENT ON COLUMN escalation.safety_rule_analyst.title IS 'Title of the rule or document. 制度名称';
COMMENT ON COLUMN escalation.safety_rule_analyst.category IS 'responsibility 安全生产责任制, training 教育培训, hazard_inspection 隐患排查, risk_control 风险管控, emergency 应急管理, operating_procedure 操作规程, equipment 设备设施, other 其他.';
COMMENT ON COLUMN escalation.safety_rule_analyst.document_ref IS 'Where the document is kept (number, file reference or address). 文件索引';
COMMENT ON COLUMN escalation.safety_rule_analyst.issued_on IS 'Date issued. 发布日期';
COMMENT ON COLUMN escalation.safety_rule_analyst.revised_on IS 'Date last revised. 修订日期';
COMMENT ON COLUMN escalation.safety_rule_analyst.region IS 'Region of the unit (kept by trigger, for row-level security). 所属区划';

CREATE VIEW escalation.stage_due_analyst WITH (security_invoker = true) AS
	SELECT t.kind,
		escalation.warning_kind_label(t.kind) AS kind_label,
		t.subject_id,
		t.started_at,
		t.stage,
		t.due_at,
		t.fires_until,
		t.origin,
		escalation.level_label(t.origin) AS origin_label,
		t.unit_id,
		t.department_id,
		t.region::text AS region,
		t.district::text AS district,
		t.city::text AS city
	FROM escalation.stage_due t;
COMMENT ON VIEW escalation.stage_due_analyst IS
	'What an analyst may read of escalation.stage_due, for BI tools: its permitted columns, region and uscc codes as text, enum columns with their Chinese labels. 预警级次排程（分析视图）';
COMMENT ON COLUMN escalation.stage_due_analyst.kind IS 'Kind of warning. 预警类型';
COMMENT ON COLUMN escalation.stage_due_analyst.kind_label IS 'kind in Chinese (escalation.warning_kind_label). 预警类型（中文）';
COMMENT ON COLUMN escalation.stage_due_analyst.subject_id IS 'The item''s id (unit id for dual prevention). 事项编号';
COMMENT ON COLUMN escalation.stage_due_analyst.started_at IS 'Start of the episode the stage belongs to. 本轮起算时间';
COMMENT ON COLUMN escalation.stage_due_analyst.stage IS 'Stage number. 预警级次';
COMMENT ON COLUMN escalation.stage_due_analyst.due_at IS 'When the stage falls due: the start plus the delays of the ladder up to it. 应预警时间';
COMMENT ON COLUMN escalation.stage_due_analyst.fires_until IS 'The item''s handling or withdrawal, whichever comes first: the stage fires only if it falls due before then; NULL if neither is known. 有效截止时间';
COMMENT ON COLUMN escalation.stage_due_analyst.origin IS 'Which ladder of the kind the item climbs. 事项来源层级';
COMMENT ON COLUMN escalation.stage_due_analyst.origin_label IS 'origin in Chinese (escalation.level_label). 事项来源层级（中文）';
COMMENT ON COLUMN escalation.stage_due_analyst.unit_id IS 'The unit, if any. 生产经营单位';
COMMENT ON COLUMN escalation.stage_due_analyst.department_id IS 'The finding or transferring department, if any. 发现/移交部门';
COMMENT ON COLUMN escalation.stage_due_analyst.region IS 'The item''s region. 所属区划';
COMMENT ON COLUMN escalation.stage_due_analyst.district IS 'Its district: the screen of district stages. 所属区县';
COMMENT ON COLUMN escalation.stage_due_analyst.city IS 'Its city: the screen of city stages. 所属城市';

CREATE VIEW escalation.supervision_assignment_analyst WITH (security_invoker = true) AS
	SELECT t.id,
		t.unit_id,
		t.department_id,
		t.office_id,
		t.supervisor_id,
		t.supervision_type,
		escalation.supervision_type_label(t.supervision_type) AS supervision_type_label,
		t.level,
		escalation.level_label(t.level) AS level_label,
		t.period,
		t.note,
		t.region::text AS region,
		t.department_region::text AS department_region,
		t.created_at,
		t.created_by
	FROM escalation.supervision_assignment t;
COMMENT ON VIEW escalation.supervision_assignment_analyst IS
	'What an analyst may read of escalation.supervision_assignment, for BI tools: its permitted columns, region and uscc codes as text, enum columns with their Chinese labels. 监管责任落实（分析视图）';
COMMENT ON COLUMN escalation.supervision_assignment_analyst.id IS 'Assignment id (generated). 监管责任编号';
COMMENT ON COLUMN escalation.supervision_assignment_analyst.unit_id IS 'The supervised unit. 监管对象';
COMMENT ON COLUMN escalation.supervision_assignment_analyst.department_id IS 'Responsible department; one current assignment per unit and department. 监管部门';
COMMENT ON COLUMN escalation.supervision_assignment_analyst.office_id IS 'Responsible office of that department. 监管处科室';
COMMENT ON COLUMN escalation.supervision_assignment_analyst.supervisor_id IS 'Named supervisor, a person of that department. 监管人员';
COMMENT ON COLUMN escalation.supervision_assignment_analyst.supervision_type IS 'Industry supervision, industry authority, special supervision, territorial or other. 监管类型';
COMMENT ON COLUMN escalation.supervision_assignment_analyst.supervision_type_label IS 'supervision_type in Chinese (escalation.supervision_type_label). 监管类型（中文）';
COMMENT ON COLUMN escalation.supervision_assignment_analyst.level IS 'Level of the supervision: the department''s level (filled from it when omitted). 监管层级';
COMMENT ON COLUMN escalation.supervision_assignment_analyst.level_label IS 'level in Chinese (escalation.level_label). 监管层级（中文）';
COMMENT ON COLUMN escalation.supervision_assignment_analyst.period IS 'Days the assignment holds: [first day, first day no longer); open end = current. 责任期间';
COMMENT ON COLUMN escalation.supervision_assignment_analyst.note IS 'Scope or basis of the assignment. 说明';
COMMENT ON COLUMN escalation.supervision_assignment_analyst.region IS 'Region of the unit (kept by trigger, for row-level security). 所属区划';
COMMENT ON COLUMN escalation.supervision_assignment_analyst.department_region IS 'Region of the department (kept by trigger), so that the unit''s district sees a supervision by a department outside it. 监管部门所属区划';
COMMENT ON COLUMN escalation.supervision_assignment_analyst.created_at IS 'When the assignment was entered. 录入时间';
COMMENT ON COLUMN escalation.supervision_assignment_analyst.created_by IS 'Role that entered it. 录入人';

CREATE VIEW escalation.tracked_item_analyst WITH (security_invoker = true) AS
	SELECT t.kind,
		escalation.warning_kind_label(t.kind) AS kind_label,
		t.subject_id,
		t.started_at,
		t.start_set_at,
		t.handled_at,
		t.withdrawn_at,
		t.superseded_at,
		t.next_due_at,
		t.unit_id,
		t.department_id,
		t.origin,
		escalation.level_label(t.origin) AS origin_label,
		t.handled_reason,
		escalation.warning_resolution_label(t.handled_reason) AS handled_reason_label,
		t.region::text AS region,
		t.district::text AS district,
		t.city::text AS city
	FROM escalation.tracked_item t;
COMMENT ON VIEW escalation.tracked_item_analyst IS
	'What an analyst may read of escalation.tracked_item, for BI tools: its permitted columns, region and uscc codes as text, enum columns with their Chinese labels. 预警事项跟踪（分析视图）';
COMMENT ON COLUMN escalation.tracked_item_analyst.kind IS 'Kind of warning. 预警类型';
COMMENT ON COLUMN escalation.tracked_item_analyst.kind_label IS 'kind in Chinese (escalation.warning_kind_label). 预警类型（中文）';
COMMENT ON COLUMN escalation.tracked_item_analyst.subject_id IS 'The item''s id (unit id for dual prevention). 事项编号';
COMMENT ON COLUMN escalation.tracked_item_analyst.started_at IS 'Start of the current episode of the ladder. 本轮起算时间';
COMMENT ON COLUMN escalation.tracked_item_analyst.start_set_at IS 'When the source data says its start was last set (a deadline extension), if it says. 起算时间设定时间';
COMMENT ON COLUMN escalation.tracked_item_analyst.handled_at IS 'When the current episode was handled, if it was. 处理时间';
COMMENT ON COLUMN escalation.tracked_item_analyst.withdrawn_at IS 'When the item stopped qualifying (deleted, regraded, ...), if it did. 撤销时间';
COMMENT ON COLUMN escalation.tracked_item_analyst.superseded_at IS 'When the start moved while warnings of the old start were active; they are resolved as rescheduled then. 起算时间变更时间';
COMMENT ON COLUMN escalation.tracked_item_analyst.next_due_at IS 'When a run must next deal with the item itself: its handling (to resolve its warnings, or to start the next idle episode of dual prevention), its withdrawal or its moved start; NULL when nothing but its stages can happen until its data changes. 下次处理时间';
COMMENT ON COLUMN escalation.tracked_item_analyst.unit_id IS 'The unit, if any. 生产经营单位';
COMMENT ON COLUMN escalation.tracked_item_analyst.department_id IS 'The finding or transferring department, if any. 发现/移交部门';
COMMENT ON COLUMN escalation.tracked_item_analyst.origin IS 'Which ladder of the kind the item climbs. 事项来源层级';
COMMENT ON COLUMN escalation.tracked_item_analyst.origin_label IS 'origin in Chinese (escalation.level_label). 事项来源层级（中文）';
COMMENT ON COLUMN escalation.tracked_item_analyst.handled_reason IS 'How it is handled. 处理方式';
COMMENT ON COLUMN escalation.tracked_item_analyst.handled_reason_label IS 'handled_reason in Chinese (escalation.warning_resolution_label). 处理方式（中文）';
COMMENT ON COLUMN escalation.tracked_item_analyst.region IS 'The item''s region. 所属区划';
COMMENT ON COLUMN escalation.tracked_item_analyst.district IS 'Its district: the screen of district stages. 所属区县';
COMMENT ON COLUMN escalation.tracked_item_analyst.city IS 'Its city: the screen of city stages. 所属城市';

CREATE VIEW escalation.unit_analyst WITH (security_invoker = true) AS
	SELECT t.id,
		t.name,
		t.uscc::text AS uscc,
		t.region::text AS region,
		t.supervision_level,
		escalation.level_label(t.supervision_level) AS supervision_level_label,
		t.social_function,
		escalation.social_function_label(t.social_function) AS social_function_label,
		t.industry_code,
		t.supervision_types,
		t.address,
		t.employees,
		t.dust_workers,
		t.ammonia_refrigeration,
		t.business_status,
		escalation.business_status_label(t.business_status) AS business_status_label,
		t.created_at,
		t.updated_at
	FROM escalation.unit t;
COMMENT ON VIEW escalation.unit_analyst IS
	'What an analyst may read of escalation.unit, for BI tools: its permitted columns, region and uscc codes as text, enum columns with their Chinese labels. 监管对象: 生产经营单位（分析视图）';
COMMENT ON COLUMN escalation.unit_analyst.id IS 'Unit id (generated). 单位编号';
COMMENT ON COLUMN escalation.unit_analyst.name IS 'Registered name. 单位名称';
COMMENT ON COLUMN escalation.unit_analyst.uscc IS 'Unified social credit code; may be missing for nine-small-venue units. 统一社会信用代码';
COMMENT ON COLUMN escalation.unit_analyst.region IS 'Street/town (9 digits) or district (6 digits) where the unit is. 所在街道（镇）/区县';
COMMENT ON COLUMN escalation.unit_analyst.supervision_level IS 'Level that supervises the unit: city, district or street. 监管层级';
COMMENT ON COLUMN escalation.unit_analyst.supervision_level_label IS 'supervision_level in Chinese (escalation.level_label). 监管层级（中文）';
COMMENT ON COLUMN escalation.unit_analyst.social_function IS 'Social function. 社会功能';
COMMENT ON COLUMN escalation.unit_analyst.social_function_label IS 'social_function in Chinese (escalation.social_function_label). 社会功能（中文）';
COMMENT ON COLUMN escalation.unit_analyst.industry_code IS 'Industry category (escalation.industry). 行业类型';
COMMENT ON COLUMN escalation.unit_analyst.supervision_types IS 'Supervision types the unit falls under (§4 classification; the responsible departments are in the responsibility database). 监管类型';
COMMENT ON COLUMN escalation.unit_analyst.address IS 'Address of the premises. 地址';
COMMENT ON COLUMN escalation.unit_analyst.employees IS 'Number of employees. 从业人员数';
COMMENT ON COLUMN escalation.unit_analyst.dust_workers IS 'Workers in dust operations (粉尘作业人员); more than 10 makes dual prevention mandatory (§12).';
COMMENT ON COLUMN escalation.unit_analyst.ammonia_refrigeration IS 'Uses ammonia refrigeration (涉氨制冷); with food processing it makes dual prevention mandatory (§12).';
COMMENT ON COLUMN escalation.unit_analyst.business_status IS 'Operating, suspended or closed. 经营状态';
COMMENT ON COLUMN escalation.unit_analyst.business_status_label IS 'business_status in Chinese (escalation.business_status_label). 经营状态（中文）';
COMMENT ON COLUMN escalation.unit_analyst.created_at IS 'When the unit was entered. 创建时间';
COMMENT ON COLUMN escalation.unit_analyst.updated_at IS 'When the unit was last changed. 更新时间';

CREATE VIEW escalation.unit_history_analyst WITH (security_invoker = true) AS
	SELECT t.id,
		t.unit_id,
		t.region::text AS region,
		t.table_name,
		t.row_id,
		t.operation,
		t.changed_by,
		t.changed_at,
		t.changed_columns
	FROM escalation.unit_history t;
COMMENT ON VIEW escalation.unit_history_analyst IS
	'What an analyst may read of escalation.unit_history, for BI tools: its permitted columns, region and uscc codes as text, enum columns with their Chinese labels. 监管对象变更记录（分析视图）';
COMMENT ON COLUMN escalation.unit_history_analyst.id IS 'History entry id. 记录编号';
COMMENT ON COLUMN escalation.unit_history_analyst.unit_id IS 'The unit concerned. 单位';
COMMENT ON COLUMN escalation.unit_history_analyst.region IS 'Region of the unit at the time (follows later moves). 所属区划';
COMMENT ON COLUMN escalation.unit_history_analyst.table_name IS 'unit, licence or safety_rule. 数据表';
COMMENT ON COLUMN escalation.unit_history_analyst.row_id IS 'Id of the changed row. 记录编号';
COMMENT ON COLUMN escalation.unit_history_analyst.operation IS 'INSERT, UPDATE or DELETE. 操作';
COMMENT ON COLUMN escalation.unit_history_analyst.changed_by IS 'Role that made the change (its SET ROLE, else its login role; also for changes made through platform functions). 操作人';
COMMENT ON COLUMN escalation.unit_history_analyst.changed_at IS 'Time of the statement that made the change. 操作时间';
COMMENT ON COLUMN escalation.unit_history_analyst.changed_columns IS 'Columns whose value changed (UPDATE). 变更字段';

CREATE VIEW escalation.warning_analyst WITH (security_invoker = true) AS
	SELECT t.id,
		t.kind,
		escalation.warning_kind_label(t.kind) AS kind_label,
		t.subject_id,
		t.stage,
		t.origin,
		escalation.level_label(t.origin) AS origin_label,
		t.screen,
		escalation.level_label(t.screen) AS screen_label,
		t.screen_region::text AS screen_region,
		t.action,
		escalation.warning_action_label(t.action) AS action_label,
		t.started_at,
		t.due_at,
		t.raised_at,
		t.resolved_at,
		t.resolved_reason,
		escalation.warning_resolution_label(t.resolved_reason) AS resolved_reason_label,
		t.resolved_seq,
		t.acknowledged_at,
		t.acknowledged_by,
		t.ack_note,
		t.ack_seq,
		t.region::text AS region,
		t.district::text AS district,
		t.unit_id,
		t.department_id
	FROM escalation.warning t;
COMMENT ON VIEW escalation.warning_analyst IS
	'What an analyst may read of escalation.warning, for BI tools: its permitted columns, region and uscc codes as text, enum columns with their Chinese labels. 预警（分析视图）';
COMMENT ON COLUMN escalation.warning_analyst.id IS 'Warning id, also the event id of its raising (increasing). 预警编号';
COMMENT ON COLUMN escalation.warning_analyst.kind IS 'Kind of warning. 预警类型';
COMMENT ON COLUMN escalation.warning_analyst.kind_label IS 'kind in Chinese (escalation.warning_kind_label). 预警类型（中文）';
COMMENT ON COLUMN escalation.warning_analyst.subject_id IS 'The item: hazard, clue or licence id, or the unit id for dual prevention. 预警事项编号';
COMMENT ON COLUMN escalation.warning_analyst.stage IS 'Stage of the ladder, 1..n. 预警级次';
COMMENT ON COLUMN escalation.warning_analyst.origin IS 'Origin of the item: city or district (district covers street). 事项来源层级';
COMMENT ON COLUMN escalation.warning_analyst.origin_label IS 'origin in Chinese (escalation.level_label). 事项来源层级（中文）';
COMMENT ON COLUMN escalation.warning_analyst.screen IS 'Screen it shows on: district or city. 预警大屏层级';
COMMENT ON COLUMN escalation.warning_analyst.screen_label IS 'screen in Chinese (escalation.level_label). 预警大屏层级（中文）';
COMMENT ON COLUMN escalation.warning_analyst.screen_region IS 'District code for a district screen, city code for the city screen. 预警大屏区划';
COMMENT ON COLUMN escalation.warning_analyst.action IS 'Action of the screen''s office: confirm, supervise, circulate. 处置动作';
COMMENT ON COLUMN escalation.warning_analyst.action_label IS 'action in Chinese (escalation.warning_action_label). 处置动作（中文）';
COMMENT ON COLUMN escalation.warning_analyst.started_at IS 'Start of the item''s ladder (deadline, discovery, transfer, expiry, last normal run); identifies the episode. 起算时间';
COMMENT ON COLUMN escalation.warning_analyst.due_at IS 'When the stage fell due. 应预警时间';
COMMENT ON COLUMN escalation.warning_analyst.raised_at IS 'When the run raised it (later than due_at after an outage). 预警发出时间';
COMMENT ON COLUMN escalation.warning_analyst.resolved_at IS 'When the item was handled (or rescheduled, withdrawn); NULL while active. 解除时间';
COMMENT ON COLUMN escalation.warning_analyst.resolved_reason IS 'Why it was resolved. 解除原因';
COMMENT ON COLUMN escalation.warning_analyst.resolved_reason_label IS 'resolved_reason in Chinese (escalation.warning_resolution_label). 解除原因（中文）';
COMMENT ON COLUMN escalation.warning_analyst.resolved_seq IS 'Event id of the resolution. 解除事件序号';
COMMENT ON COLUMN escalation.warning_analyst.acknowledged_at IS 'When the command centre acknowledged it (§21). 签收时间';
COMMENT ON COLUMN escalation.warning_analyst.acknowledged_by IS 'Role that acknowledged it. 签收人';
COMMENT ON COLUMN escalation.warning_analyst.ack_note IS 'Handling note given with the acknowledgement. 处置说明';
COMMENT ON COLUMN escalation.warning_analyst.ack_seq IS 'Event id of the acknowledgement. 签收事件序号';
COMMENT ON COLUMN escalation.warning_analyst.region IS 'Region of the item (its unit''s, else its originating department''s), for row-level security. 所属区划';
COMMENT ON COLUMN escalation.warning_analyst.district IS 'District of the item; a district screen also keeps its items that escalated to the city. 所属区县';
COMMENT ON COLUMN escalation.warning_analyst.unit_id IS 'The unit concerned, if any. 生产经营单位';
COMMENT ON COLUMN escalation.warning_analyst.department_id IS 'The department that found or transferred the item, if any (for the scorecard). 发现/移交部门';

GRANT SELECT ON
	escalation.campaign_analyst,
	escalation.campaign_target_analyst,
	escalation.clue_analyst,
	escalation.department_analyst,
	escalation.division_analyst,
	escalation.dp_assessment_analyst,
	escalation.dp_check_task_analyst,
	escalation.dp_risk_point_analyst,
	escalation.dp_run_analyst,
	escalation.dual_prevention_analyst,
	escalation.duty_analyst,
	escalation.hazard_analyst,
	escalation.hazard_history_analyst,
	escalation.industry_analyst,
	escalation.inspection_analyst,
	escalation.inspection_inspector_analyst,
	escalation.licence_analyst,
	escalation.office_analyst,
	escalation.person_analyst,
	escalation.rule_default_analyst,
	escalation.rule_override_analyst,
	escalation.run_log_analyst,
	escalation.safety_rule_analyst,
	escalation.stage_due_analyst,
	escalation.supervision_assignment_analyst,
	escalation.tracked_item_analyst,
	escalation.unit_analyst,
	escalation.unit_history_analyst,
	escalation.warning_analyst
TO escalation_admin, escalation_analyst;

------------------------------------------------------------------------------
-- The data dictionary (数据字典)
------------------------------------------------------------------------------

-- The English and the Chinese part of a comment written "English text. 中文"
-- (the Chinese part is the last sentence, without Latin letters), and the
-- first Chinese term in parentheses, for comments that have one instead.
CREATE FUNCTION escalation.comment_parts(comment text, OUT english text, OUT chinese text, OUT term text)
LANGUAGE sql IMMUTABLE PARALLEL SAFE
BEGIN ATOMIC
	SELECT coalesce(m[1], comment), rtrim(m[2], '.。 '),
		(regexp_match(comment, '\(([^()A-Za-z]*[一-龥][^()A-Za-z]*)\)'))[1]
	FROM (SELECT regexp_match(comment, '^(.*[.)])\s+([^A-Za-z]*[一-龥][^A-Za-z]*)$') AS m) x;
END;
COMMENT ON FUNCTION escalation.comment_parts(text) IS
	'Splits a comment written "English text. 中文" into its English and its Chinese part, and gives the first Chinese term in parentheses. 注释中英文拆分';

-- The rows of the data dictionary. Its search_path is pinned so that type names
-- read the same whatever the caller's (escalation's types qualified).
CREATE FUNCTION escalation.data_dictionary_rows()
RETURNS TABLE (object_type text, object_name text, column_name name, "position" integer, data_type text,
			   comment_en text, comment_zh text, comment text, readable boolean)
LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp
BEGIN ATOMIC
	WITH member AS (
		SELECT d.classid, d.objid
		FROM pg_catalog.pg_depend d
		JOIN pg_catalog.pg_extension e ON e.oid = d.refobjid
		WHERE d.refclassid = 'pg_catalog.pg_extension'::pg_catalog.regclass AND e.extname = 'escalation'
			AND d.deptype = 'e'
	), entry AS (
		SELECT CASE c.relkind WHEN 'v' THEN 'view' WHEN 'm' THEN 'materialized view' ELSE 'table' END AS object_type,
			pg_catalog.format('%I.%I', n.nspname, c.relname) AS object_name, NULL::name AS column_name,
			0 AS position, NULL::text AS data_type,
			pg_catalog.obj_description(c.oid, 'pg_class') AS comment,
			pg_catalog.has_any_column_privilege(c.oid, 'SELECT') AS readable, NULL::text AS value_labels
		FROM member m
		JOIN pg_catalog.pg_class c ON c.oid = m.objid AND m.classid = 'pg_catalog.pg_class'::pg_catalog.regclass
		JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
		WHERE c.relkind IN ('r', 'p', 'v', 'm')
		UNION ALL
		SELECT 'column', pg_catalog.format('%I.%I', n.nspname, c.relname), a.attname, a.attnum,
			pg_catalog.format_type(a.atttypid, a.atttypmod), pg_catalog.col_description(c.oid, a.attnum),
			pg_catalog.has_column_privilege(c.oid, a.attnum, 'SELECT'), NULL
		FROM member m
		JOIN pg_catalog.pg_class c ON c.oid = m.objid AND m.classid = 'pg_catalog.pg_class'::pg_catalog.regclass
		JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
		JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
		WHERE c.relkind IN ('r', 'p', 'v', 'm')
		UNION ALL
		SELECT 'function',
			pg_catalog.format('%I.%I(%s)', n.nspname, p.proname, pg_catalog.pg_get_function_identity_arguments(p.oid)),
			NULL, 0, pg_catalog.pg_get_function_result(p.oid), pg_catalog.obj_description(p.oid, 'pg_proc'),
			pg_catalog.has_function_privilege(p.oid, 'EXECUTE'), NULL
		FROM member m
		JOIN pg_catalog.pg_proc p ON p.oid = m.objid AND m.classid = 'pg_catalog.pg_proc'::pg_catalog.regclass
		JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
		UNION ALL
		SELECT CASE t.typtype WHEN 'e' THEN 'enum' WHEN 'd' THEN 'domain' WHEN 'c' THEN 'composite type' ELSE 'type' END,
			pg_catalog.format('%I.%I', n.nspname, t.typname), NULL, 0,
			CASE t.typtype WHEN 'e' THEN (SELECT pg_catalog.string_agg(pg_catalog.quote_literal(v.enumlabel), ', ' ORDER BY v.enumsortorder)
										  FROM pg_catalog.pg_enum v WHERE v.enumtypid = t.oid) END,
			pg_catalog.obj_description(t.oid, 'pg_type'), true,
			(SELECT pg_catalog.string_agg(l.label, '、' ORDER BY v.enumsortorder)
			 FROM pg_catalog.pg_enum v JOIN escalation.enum_label l ON l.enum_type = t.typname AND l.value = v.enumlabel
			 WHERE v.enumtypid = t.oid)
		FROM member m
		JOIN pg_catalog.pg_type t ON t.oid = m.objid AND m.classid = 'pg_catalog.pg_type'::pg_catalog.regclass
		JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace
	)
	SELECT e.object_type, e.object_name, e.column_name, e.position, e.data_type, p.english,
		coalesce(p.chinese, e.value_labels, p.term), e.comment, e.readable
	FROM entry e
	CROSS JOIN LATERAL escalation.comment_parts(e.comment) p;
END;
COMMENT ON FUNCTION escalation.data_dictionary_rows() IS
	'The rows of escalation.data_dictionary. 数据字典内容';

CREATE VIEW escalation.data_dictionary AS
	SELECT * FROM escalation.data_dictionary_rows();
COMMENT ON VIEW escalation.data_dictionary IS
	'The data dictionary of the extension: every table, view, column, function and type with its type and its comment, split into English and Chinese, and whether the caller may read (or call) it. 数据字典';
COMMENT ON COLUMN escalation.data_dictionary.object_type IS 'table, view, column, function, enum, type, domain or composite type. 对象类别';
COMMENT ON COLUMN escalation.data_dictionary.object_name IS 'Qualified name of the table, view, function (with its arguments) or type; for a column, its table or view. 对象名称';
COMMENT ON COLUMN escalation.data_dictionary.column_name IS 'The column, for columns. 字段名';
COMMENT ON COLUMN escalation.data_dictionary.position IS 'Position of the column in its table or view; 0 for other objects. 字段序号';
COMMENT ON COLUMN escalation.data_dictionary.data_type IS 'Type of the column, result of the function, values of the enum. 数据类型';
COMMENT ON COLUMN escalation.data_dictionary.comment_en IS 'The comment in English. 英文说明';
COMMENT ON COLUMN escalation.data_dictionary.comment_zh IS 'The Chinese term or text of the comment; for an enum, the Chinese labels of its values. 中文说明';
COMMENT ON COLUMN escalation.data_dictionary.comment IS 'The whole comment as written. 注释原文';
COMMENT ON COLUMN escalation.data_dictionary.readable IS 'Whether the caller may read the table, view or column, or call the function. 当前用户是否可读';

------------------------------------------------------------------------------
-- Privileges
------------------------------------------------------------------------------

REVOKE ALL ON FUNCTION
	escalation.level_label(escalation.level), escalation.social_function_label(escalation.social_function),
	escalation.supervision_type_label(escalation.supervision_type),
	escalation.dual_prevention_scope_label(escalation.dual_prevention_scope),
	escalation.business_status_label(escalation.business_status),
	escalation.inspection_kind_label(escalation.inspection_kind), escalation.inspection_mode_label(escalation.inspection_mode),
	escalation.hazard_source_label(escalation.hazard_source), escalation.hazard_category_label(escalation.hazard_category),
	escalation.hazard_step_label(escalation.hazard_step), escalation.recheck_result_label(escalation.recheck_result),
	escalation.dp_control_level_label(escalation.dp_control_level),
	escalation.dp_check_result_label(escalation.dp_check_result), escalation.comment_parts(text),
	escalation.data_dictionary_rows()
FROM PUBLIC;
GRANT EXECUTE ON FUNCTION
	escalation.level_label(escalation.level), escalation.social_function_label(escalation.social_function),
	escalation.supervision_type_label(escalation.supervision_type),
	escalation.dual_prevention_scope_label(escalation.dual_prevention_scope),
	escalation.business_status_label(escalation.business_status),
	escalation.inspection_kind_label(escalation.inspection_kind), escalation.inspection_mode_label(escalation.inspection_mode),
	escalation.hazard_source_label(escalation.hazard_source), escalation.hazard_category_label(escalation.hazard_category),
	escalation.hazard_step_label(escalation.hazard_step), escalation.recheck_result_label(escalation.recheck_result),
	escalation.dp_control_level_label(escalation.dp_control_level),
	escalation.dp_check_result_label(escalation.dp_check_result), escalation.comment_parts(text)
TO escalation_admin, escalation_user, escalation_analyst, escalation_screen;
GRANT EXECUTE ON FUNCTION escalation.data_dictionary_rows() TO escalation_admin, escalation_user, escalation_analyst;
GRANT SELECT ON escalation.enum_label, escalation.data_dictionary TO escalation_admin, escalation_user, escalation_analyst;

------------------------------------------------------------------------------
-- The monthly scorecard views compute each month through scorecard()
------------------------------------------------------------------------------

CREATE OR REPLACE VIEW escalation.department_scorecard_monthly WITH (security_invoker = true) AS
	SELECT m.month, s.*
	FROM escalation.scorecard_months() m
	CROSS JOIN LATERAL escalation.scorecard(m.from_day, m.to_day, true) s;
CREATE OR REPLACE VIEW escalation.district_scorecard_monthly WITH (security_invoker = true) AS
	SELECT m.month, s.*
	FROM escalation.scorecard_months() m
	CROSS JOIN LATERAL escalation.scorecard(m.from_day, m.to_day, false) s;

------------------------------------------------------------------------------
-- restoring() is inlined where triggers ask it for every row
------------------------------------------------------------------------------

CREATE OR REPLACE FUNCTION escalation.restoring() RETURNS boolean
LANGUAGE sql STABLE PARALLEL SAFE
RETURN pg_catalog.current_setting('row_security') = 'off';

------------------------------------------------------------------------------
-- A restore calls no trigger function per row to fill regions or to check
-- dual prevention runs
------------------------------------------------------------------------------

-- Register a table whose rows follow their unit's region.
CREATE OR REPLACE FUNCTION escalation.follow_unit_region(tbl regclass, fill boolean DEFAULT true) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, escalation, pg_temp AS
$$
BEGIN
	IF fill THEN
		-- A restore brings the regions with the rows: no call per row then.
		EXECUTE format('CREATE TRIGGER %I BEFORE INSERT OR UPDATE OF unit_id, region ON %s '
					   'FOR EACH ROW WHEN (NOT escalation.restoring()) EXECUTE FUNCTION escalation_internal.set_region_from_unit()',
					   (SELECT relname FROM pg_class WHERE oid = tbl) || '_region_from_unit', tbl);
	END IF;
	INSERT INTO escalation.unit_region_follower (tbl) VALUES (tbl) ON CONFLICT DO NOTHING;
END
$$;

CREATE OR REPLACE FUNCTION escalation.follow_department_region(tbl regclass, via name DEFAULT 'department_id') RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, escalation, pg_temp AS
$$
BEGIN
	-- A restore brings the regions with the rows: no call per row then.
	EXECUTE format('CREATE TRIGGER %I BEFORE INSERT OR UPDATE OF %I, region ON %s '
				   'FOR EACH ROW WHEN (NOT escalation.restoring()) '
				   'EXECUTE FUNCTION escalation_internal.set_region_from_department(%L)',
				   (SELECT relname FROM pg_catalog.pg_class WHERE oid = tbl) || '_region_from_department', via, tbl, via);
	INSERT INTO escalation.department_region_follower (tbl, via) VALUES (tbl, via)
	ON CONFLICT ON CONSTRAINT department_region_follower_pkey DO UPDATE SET via = EXCLUDED.via;
END
$$;

-- The extension's own tables get their region triggers again, with the WHEN
-- clause (a city's own tables keep theirs).
DO $upgrade$
DECLARE
	t record;
BEGIN
	FOR t IN
		SELECT f.tbl, c.relname, tg.tgname
		FROM escalation.unit_region_follower f
		JOIN pg_catalog.pg_class c ON c.oid = f.tbl
		JOIN pg_catalog.pg_trigger tg ON tg.tgrelid = f.tbl AND tg.tgname = c.relname || '_region_from_unit'
		WHERE EXISTS (SELECT 1 FROM pg_catalog.pg_depend d WHERE d.classid = 'pg_catalog.pg_class'::pg_catalog.regclass
					  AND d.objid = f.tbl AND d.deptype = 'e')
		ORDER BY f.tbl::oid
	LOOP
		EXECUTE format('DROP TRIGGER %I ON %s', t.tgname, t.tbl);
		EXECUTE format('CREATE TRIGGER %I BEFORE INSERT OR UPDATE OF unit_id, region ON %s '
					   'FOR EACH ROW WHEN (NOT escalation.restoring()) EXECUTE FUNCTION escalation_internal.set_region_from_unit()',
					   t.tgname, t.tbl);
	END LOOP;
	FOR t IN
		SELECT f.tbl, f.via, c.relname || '_region_from_department' AS tgname
		FROM escalation.department_region_follower f
		JOIN pg_catalog.pg_class c ON c.oid = f.tbl
		WHERE EXISTS (SELECT 1 FROM pg_catalog.pg_depend d WHERE d.classid = 'pg_catalog.pg_class'::pg_catalog.regclass
					  AND d.objid = f.tbl AND d.deptype = 'e')
		ORDER BY f.tbl::oid
	LOOP
		EXECUTE format('DROP TRIGGER %I ON %s', t.tgname, t.tbl);
		EXECUTE format('CREATE TRIGGER %I BEFORE INSERT OR UPDATE OF %I, region ON %s '
					   'FOR EACH ROW WHEN (NOT escalation.restoring()) '
					   'EXECUTE FUNCTION escalation_internal.set_region_from_department(%L)',
					   t.tgname, t.via, t.tbl, t.via);
	END LOOP;
END
$upgrade$;

DROP TRIGGER dp_run_check ON escalation.dp_run;
CREATE TRIGGER dp_run_check BEFORE INSERT OR UPDATE ON escalation.dp_run
	FOR EACH ROW WHEN (NOT escalation.restoring()) EXECUTE FUNCTION escalation_internal.dp_run_check();

-- BI tools and drivers (docs/BI.md): region and credit-code comparison with
-- text (JDBC setString binds varchar), containment with text, min and max.

CREATE FUNCTION escalation.region_eq_text(code escalation.region, other text) RETURNS boolean
	LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
	RETURN code OPERATOR(escalation.=) other::escalation.region;
CREATE FUNCTION escalation.text_eq_region(other text, code escalation.region) RETURNS boolean
	LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
	RETURN other::escalation.region OPERATOR(escalation.=) code;
CREATE FUNCTION escalation.region_ne_text(code escalation.region, other text) RETURNS boolean
	LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
	RETURN code OPERATOR(escalation.<>) other::escalation.region;
CREATE FUNCTION escalation.text_ne_region(other text, code escalation.region) RETURNS boolean
	LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
	RETURN other::escalation.region OPERATOR(escalation.<>) code;
CREATE FUNCTION escalation.region_contained_text(code escalation.region, other text) RETURNS boolean
	LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
	RETURN code OPERATOR(escalation.<@) other::escalation.region;
CREATE FUNCTION escalation.text_contains_region(other text, code escalation.region) RETURNS boolean
	LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
	RETURN other::escalation.region OPERATOR(escalation.@>) code;
CREATE FUNCTION escalation.region_contains_text(code escalation.region, other text) RETURNS boolean
	LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
	RETURN code OPERATOR(escalation.@>) other::escalation.region;
CREATE FUNCTION escalation.text_contained_region(other text, code escalation.region) RETURNS boolean
	LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
	RETURN other::escalation.region OPERATOR(escalation.<@) code;
COMMENT ON FUNCTION escalation.region_eq_text(escalation.region, text) IS
	'region = text: the text read as a region code is the same region (an invalid code is an error). 区划代码与文本相等';
COMMENT ON FUNCTION escalation.text_eq_region(text, escalation.region) IS
	'text = region: the text read as a region code is the same region (an invalid code is an error). 文本与区划代码相等';
COMMENT ON FUNCTION escalation.region_ne_text(escalation.region, text) IS
	'region <> text: the text read as a region code is another region. 区划代码与文本不等';
COMMENT ON FUNCTION escalation.text_ne_region(text, escalation.region) IS
	'text <> region: the text read as a region code is another region. 文本与区划代码不等';
COMMENT ON FUNCTION escalation.region_contained_text(escalation.region, text) IS
	'region <@ text: the region lies within the region the text codes, or is it. 区划属于（文本）';
COMMENT ON FUNCTION escalation.text_contains_region(text, escalation.region) IS
	'text @> region: the region the text codes contains the region, or is it. 区划包含（文本）';
COMMENT ON FUNCTION escalation.region_contains_text(escalation.region, text) IS
	'region @> text: the region contains the region the text codes, or is it. 区划包含（文本）';
COMMENT ON FUNCTION escalation.text_contained_region(text, escalation.region) IS
	'text <@ region: the region the text codes lies within the region, or is it. 区划属于（文本）';

CREATE OPERATOR escalation.= (
	LEFTARG = escalation.region, RIGHTARG = text, FUNCTION = escalation.region_eq_text,
	COMMUTATOR = OPERATOR(escalation.=), NEGATOR = OPERATOR(escalation.<>),
	RESTRICT = eqsel, JOIN = eqjoinsel
);
CREATE OPERATOR escalation.= (
	LEFTARG = text, RIGHTARG = escalation.region, FUNCTION = escalation.text_eq_region,
	COMMUTATOR = OPERATOR(escalation.=), NEGATOR = OPERATOR(escalation.<>),
	RESTRICT = eqsel, JOIN = eqjoinsel
);
CREATE OPERATOR escalation.<> (
	LEFTARG = escalation.region, RIGHTARG = text, FUNCTION = escalation.region_ne_text,
	COMMUTATOR = OPERATOR(escalation.<>), NEGATOR = OPERATOR(escalation.=),
	RESTRICT = neqsel, JOIN = neqjoinsel
);
CREATE OPERATOR escalation.<> (
	LEFTARG = text, RIGHTARG = escalation.region, FUNCTION = escalation.text_ne_region,
	COMMUTATOR = OPERATOR(escalation.<>), NEGATOR = OPERATOR(escalation.=),
	RESTRICT = neqsel, JOIN = neqjoinsel
);
CREATE OPERATOR escalation.<@ (
	LEFTARG = escalation.region, RIGHTARG = text, FUNCTION = escalation.region_contained_text,
	COMMUTATOR = OPERATOR(escalation.@>),
	RESTRICT = contsel, JOIN = contjoinsel
);
CREATE OPERATOR escalation.@> (
	LEFTARG = text, RIGHTARG = escalation.region, FUNCTION = escalation.text_contains_region,
	COMMUTATOR = OPERATOR(escalation.<@),
	RESTRICT = contsel, JOIN = contjoinsel
);
CREATE OPERATOR escalation.@> (
	LEFTARG = escalation.region, RIGHTARG = text, FUNCTION = escalation.region_contains_text,
	COMMUTATOR = OPERATOR(escalation.<@),
	RESTRICT = contsel, JOIN = contjoinsel
);
CREATE OPERATOR escalation.<@ (
	LEFTARG = text, RIGHTARG = escalation.region, FUNCTION = escalation.text_contained_region,
	COMMUTATOR = OPERATOR(escalation.@>),
	RESTRICT = contsel, JOIN = contjoinsel
);
COMMENT ON OPERATOR escalation.= (escalation.region, text) IS
	'Same region as the code in the text (a JDBC setString parameter, a text column). 等于';
COMMENT ON OPERATOR escalation.= (text, escalation.region) IS
	'Same region as the code in the text (a JDBC setString parameter, a text column). 等于';
COMMENT ON OPERATOR escalation.<> (escalation.region, text) IS
	'Another region than the code in the text. 不等于';
COMMENT ON OPERATOR escalation.<> (text, escalation.region) IS
	'Another region than the code in the text. 不等于';
COMMENT ON OPERATOR escalation.<@ (escalation.region, text) IS
	'Is within or is the region coded in the text: "column <@ parameter" uses a btree index on the column. 属于';
COMMENT ON OPERATOR escalation.@> (text, escalation.region) IS
	'The region coded in the text contains or is: "parameter @> column" uses a btree index on the column. 包含';
COMMENT ON OPERATOR escalation.@> (escalation.region, text) IS
	'Contains or is the region coded in the text. 包含';
COMMENT ON OPERATOR escalation.<@ (text, escalation.region) IS
	'The region coded in the text is within or is. 属于';

CREATE FUNCTION escalation.region_smaller(escalation.region, escalation.region) RETURNS escalation.region
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION escalation.region_larger(escalation.region, escalation.region) RETURNS escalation.region
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION escalation.region_smaller(escalation.region, escalation.region) IS
	'The region that sorts first (the step of min). 较小的区划代码';
COMMENT ON FUNCTION escalation.region_larger(escalation.region, escalation.region) IS
	'The region that sorts last (the step of max). 较大的区划代码';
CREATE AGGREGATE escalation.min(escalation.region) (
	SFUNC = escalation.region_smaller, STYPE = escalation.region,
	COMBINEFUNC = escalation.region_smaller, SORTOP = OPERATOR(escalation.<), PARALLEL = SAFE
);
CREATE AGGREGATE escalation.max(escalation.region) (
	SFUNC = escalation.region_larger, STYPE = escalation.region,
	COMBINEFUNC = escalation.region_larger, SORTOP = OPERATOR(escalation.>), PARALLEL = SAFE
);
COMMENT ON AGGREGATE escalation.min(escalation.region) IS
	'First region code in region order (a region sorts before its descendants); a btree index answers it. 最小区划代码';
COMMENT ON AGGREGATE escalation.max(escalation.region) IS
	'Last region code in region order; a btree index answers it. 最大区划代码';

REVOKE ALL ON FUNCTION escalation.region_eq_text(escalation.region, text), escalation.text_eq_region(text, escalation.region),
	escalation.region_ne_text(escalation.region, text), escalation.text_ne_region(text, escalation.region),
	escalation.region_contained_text(escalation.region, text), escalation.text_contains_region(text, escalation.region),
	escalation.region_contains_text(escalation.region, text), escalation.text_contained_region(text, escalation.region),
	escalation.min(escalation.region), escalation.max(escalation.region)
	FROM PUBLIC;
GRANT EXECUTE ON FUNCTION escalation.region_eq_text(escalation.region, text), escalation.text_eq_region(text, escalation.region),
	escalation.region_ne_text(escalation.region, text), escalation.text_ne_region(text, escalation.region),
	escalation.region_contained_text(escalation.region, text), escalation.text_contains_region(text, escalation.region),
	escalation.region_contains_text(escalation.region, text), escalation.text_contained_region(text, escalation.region),
	escalation.min(escalation.region), escalation.max(escalation.region)
	TO escalation_admin, escalation_user, escalation_analyst, escalation_screen;

CREATE FUNCTION escalation.uscc_eq_text(code escalation.uscc, other text) RETURNS boolean
	LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
	RETURN code OPERATOR(escalation.=) other::escalation.uscc;
CREATE FUNCTION escalation.text_eq_uscc(other text, code escalation.uscc) RETURNS boolean
	LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
	RETURN other::escalation.uscc OPERATOR(escalation.=) code;
CREATE FUNCTION escalation.uscc_ne_text(code escalation.uscc, other text) RETURNS boolean
	LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
	RETURN code OPERATOR(escalation.<>) other::escalation.uscc;
CREATE FUNCTION escalation.text_ne_uscc(other text, code escalation.uscc) RETURNS boolean
	LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
	RETURN other::escalation.uscc OPERATOR(escalation.<>) code;
COMMENT ON FUNCTION escalation.uscc_eq_text(escalation.uscc, text) IS
	'uscc = text: the text read as a credit code (any case) is the same code (an invalid code is an error). 信用代码与文本相等';
COMMENT ON FUNCTION escalation.text_eq_uscc(text, escalation.uscc) IS
	'text = uscc: the text read as a credit code (any case) is the same code (an invalid code is an error). 文本与信用代码相等';
COMMENT ON FUNCTION escalation.uscc_ne_text(escalation.uscc, text) IS
	'uscc <> text: the text read as a credit code is another code. 信用代码与文本不等';
COMMENT ON FUNCTION escalation.text_ne_uscc(text, escalation.uscc) IS
	'text <> uscc: the text read as a credit code is another code. 文本与信用代码不等';

CREATE OPERATOR escalation.= (
	LEFTARG = escalation.uscc, RIGHTARG = text, FUNCTION = escalation.uscc_eq_text,
	COMMUTATOR = OPERATOR(escalation.=), NEGATOR = OPERATOR(escalation.<>),
	RESTRICT = eqsel, JOIN = eqjoinsel
);
CREATE OPERATOR escalation.= (
	LEFTARG = text, RIGHTARG = escalation.uscc, FUNCTION = escalation.text_eq_uscc,
	COMMUTATOR = OPERATOR(escalation.=), NEGATOR = OPERATOR(escalation.<>),
	RESTRICT = eqsel, JOIN = eqjoinsel
);
CREATE OPERATOR escalation.<> (
	LEFTARG = escalation.uscc, RIGHTARG = text, FUNCTION = escalation.uscc_ne_text,
	COMMUTATOR = OPERATOR(escalation.<>), NEGATOR = OPERATOR(escalation.=),
	RESTRICT = neqsel, JOIN = neqjoinsel
);
CREATE OPERATOR escalation.<> (
	LEFTARG = text, RIGHTARG = escalation.uscc, FUNCTION = escalation.text_ne_uscc,
	COMMUTATOR = OPERATOR(escalation.<>), NEGATOR = OPERATOR(escalation.=),
	RESTRICT = neqsel, JOIN = neqjoinsel
);
COMMENT ON OPERATOR escalation.= (escalation.uscc, text) IS
	'Same credit code as the text (a JDBC setString parameter, a text column). 等于';
COMMENT ON OPERATOR escalation.= (text, escalation.uscc) IS
	'Same credit code as the text (a JDBC setString parameter, a text column). 等于';
COMMENT ON OPERATOR escalation.<> (escalation.uscc, text) IS
	'Another credit code than the text. 不等于';
COMMENT ON OPERATOR escalation.<> (text, escalation.uscc) IS
	'Another credit code than the text. 不等于';

CREATE FUNCTION escalation.uscc_smaller(escalation.uscc, escalation.uscc) RETURNS escalation.uscc
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION escalation.uscc_larger(escalation.uscc, escalation.uscc) RETURNS escalation.uscc
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION escalation.uscc_smaller(escalation.uscc, escalation.uscc) IS
	'The credit code that sorts first (the step of min). 较小的信用代码';
COMMENT ON FUNCTION escalation.uscc_larger(escalation.uscc, escalation.uscc) IS
	'The credit code that sorts last (the step of max). 较大的信用代码';
CREATE AGGREGATE escalation.min(escalation.uscc) (
	SFUNC = escalation.uscc_smaller, STYPE = escalation.uscc,
	COMBINEFUNC = escalation.uscc_smaller, SORTOP = OPERATOR(escalation.<), PARALLEL = SAFE
);
CREATE AGGREGATE escalation.max(escalation.uscc) (
	SFUNC = escalation.uscc_larger, STYPE = escalation.uscc,
	COMBINEFUNC = escalation.uscc_larger, SORTOP = OPERATOR(escalation.>), PARALLEL = SAFE
);
COMMENT ON AGGREGATE escalation.min(escalation.uscc) IS
	'First credit code in character order; a btree index answers it. 最小信用代码';
COMMENT ON AGGREGATE escalation.max(escalation.uscc) IS
	'Last credit code in character order; a btree index answers it. 最大信用代码';

REVOKE ALL ON FUNCTION escalation.uscc_eq_text(escalation.uscc, text), escalation.text_eq_uscc(text, escalation.uscc),
	escalation.uscc_ne_text(escalation.uscc, text), escalation.text_ne_uscc(text, escalation.uscc),
	escalation.min(escalation.uscc), escalation.max(escalation.uscc)
	FROM PUBLIC;
GRANT EXECUTE ON FUNCTION escalation.uscc_eq_text(escalation.uscc, text), escalation.text_eq_uscc(text, escalation.uscc),
	escalation.uscc_ne_text(escalation.uscc, text), escalation.text_ne_uscc(text, escalation.uscc),
	escalation.min(escalation.uscc), escalation.max(escalation.uscc)
	TO escalation_admin, escalation_user, escalation_analyst, escalation_screen;
-- Nobody stalls the engine (引擎防阻塞): the event stream's lock is a lock on
-- a table no user can lock, and a run's as_of may lie after the clock by
-- escalation.run_clock_skew only.
------------------------------------------------------------------------------

CREATE TABLE escalation_internal.event_stream ();
COMMENT ON TABLE escalation_internal.event_stream IS
	'Empty: the lock on it orders the event stream''s writers; nobody but the engine can take it. 预警事件锁';
REVOKE ALL ON escalation_internal.event_stream FROM PUBLIC;

COMMENT ON FUNCTION escalation.run(timestamptz) IS
	'Raises every ladder stage due at or before as_of whose item was not handled by its due time, resolves the warnings of handled items, sends one NOTIFY escalation_warning, logs the run; returns the number of warnings raised (NULL if the run failed: see escalation.run_log; a cancel or timeout is an error). as_of may lie after the server clock by escalation.run_clock_skew at most. 执行预警升级';
COMMENT ON FUNCTION escalation.lock_event_stream() IS
	'Takes the lock that every writer of warning events holds until it commits (on escalation_internal.event_stream), so event ids commit in order. 预警事件锁';

------------------------------------------------------------------------------
-- Record integrity (记录可信): departments that act lie within the caller's
-- region, times are finite and plausible (escalation.time_window), identity
-- columns are GENERATED ALWAYS and written by nobody, sequences and audit
-- columns are out of users' reach, unit_history is written only by its trigger
------------------------------------------------------------------------------

-- The window of plausible times (时间合理范围) for what users enter.
CREATE TABLE escalation.time_window (
	name text NOT NULL,
	value interval NOT NULL,
	note text,
	CONSTRAINT time_window_pkey PRIMARY KEY (name),
	CONSTRAINT time_window_name_known CHECK (name IN ('clock_skew', 'deadline_horizon', 'history')),
	-- Never narrower than the window check_times() accepts without reading
	-- this table.
	CONSTRAINT time_window_value_at_least_floor CHECK (value > interval '0'
		AND (name = 'clock_skew' OR value >= interval '1 year'))
);
COMMENT ON TABLE escalation.time_window IS
	'Settings of the window of plausible times for what users enter (times of events, deadlines); a setting not listed takes its default: clock_skew 5 minutes, deadline_horizon 3 years, history 30 years. Only the city office changes them. 时间合理范围设置';
COMMENT ON COLUMN escalation.time_window.name IS 'clock_skew: how far ahead of the server clock an event (found, transferred, rectified, closed, run, ...) may be; deadline_horizon: how far ahead a deadline may be; history: how far back any time may be. 设置项';
COMMENT ON COLUMN escalation.time_window.value IS 'The interval: positive, and at least 1 year for deadline_horizon and history (times within a year of now are accepted without reading this table). 时长';
COMMENT ON COLUMN escalation.time_window.note IS 'Why the city set it so. 备注';
SELECT pg_catalog.pg_extension_config_dump('escalation.time_window', '');

-- Raise an error unless every department that acts lies within the caller's region.
CREATE FUNCTION escalation_internal.check_departments(ids bigint[], was bigint[], names text[]) RETURNS void
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, escalation, pg_temp AS
$$
DECLARE
	dept_region escalation.region;
	caller_region escalation.region;
	inside boolean;
BEGIN
	FOR i IN 1 .. coalesce(array_length(ids, 1), 0) LOOP
		CONTINUE WHEN ids[i] IS NULL OR ids[i] IS NOT DISTINCT FROM was[i] OR ids[i] = ANY (ids[1:i - 1]);
		-- One lookup answers the usual case: a department of the caller's region.
		SELECT d.region, ur.region, coalesce(d.region OPERATOR(escalation.<@) ur.region, false)
		INTO dept_region, caller_region, inside
		FROM escalation.department d
		LEFT JOIN escalation.user_region ur ON ur.role_name = escalation.acting_role()
		WHERE d.id = ids[i];
		-- A department that does not exist is the foreign key's to report.
		CONTINUE WHEN NOT FOUND OR inside;
		IF NOT escalation.caller_sees_region(dept_region, true) THEN
			RAISE EXCEPTION 'department % is outside your region %', ids[i], coalesce(caller_region::text, '(none)')
				USING ERRCODE = 'insufficient_privilege',
					  DETAIL = format('%s names the department that acts; a role acts in the name of departments of its own region only.', names[i]),
					  HINT = 'Each region records the work of its own departments; the city office records work of any department.';
		END IF;
	END LOOP;
END
$$;
COMMENT ON FUNCTION escalation_internal.check_departments(bigint[], bigint[], text[]) IS
	'Raises insufficient_privilege (42501) naming the first department in ids (whose value differs from was: a new or changed value) that lies outside the calling role''s region; superusers and the city office act for any department. 经办部门辖区校验';

-- Raise an error unless every time lies within the window of plausible times.
CREATE FUNCTION escalation_internal.check_times(ats timestamptz[], was timestamptz[], names text[], deadline boolean)
RETURNS void
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, escalation, pg_temp AS
$$
DECLARE
	clock timestamptz := pg_catalog.statement_timestamp();
	skew interval;
	horizon interval;
	history interval;
	at timestamptz;
BEGIN
	FOR i IN 1 .. coalesce(array_length(ats, 1), 0) LOOP
		at := ats[i];
		CONTINUE WHEN at IS NULL OR at IS NOT DISTINCT FROM was[i];
		IF NOT isfinite(at) THEN
			RAISE EXCEPTION '% must be a finite time: "%"', names[i], at USING ERRCODE = 'datetime_field_overflow';
		END IF;
		-- Within a year back and (deadlines) a year ahead or (events) not ahead,
		-- every setting the table may hold accepts it.
		CONTINUE WHEN at >= clock - interval '1 year'
			AND at <= clock + CASE WHEN deadline THEN interval '1 year' ELSE interval '0' END;
		IF history IS NULL THEN
			SELECT coalesce(max(w.value) FILTER (WHERE w.name = 'clock_skew'), interval '5 minutes'),
				coalesce(max(w.value) FILTER (WHERE w.name = 'deadline_horizon'), interval '3 years'),
				coalesce(max(w.value) FILTER (WHERE w.name = 'history'), interval '30 years')
			INTO skew, horizon, history
			FROM escalation.time_window w;
		END IF;
		IF at < clock - history THEN
			RAISE EXCEPTION '% % is before the platform''s history window', names[i], at
				USING ERRCODE = 'datetime_field_overflow',
					  DETAIL = format('Times lie at most %s before now (escalation.time_window: history).', history);
		ELSIF deadline AND at > clock + horizon THEN
			RAISE EXCEPTION '% % is beyond the deadline horizon', names[i], at
				USING ERRCODE = 'datetime_field_overflow',
					  DETAIL = format('Deadlines lie at most %s after now (escalation.time_window: deadline_horizon).', horizon);
		ELSIF NOT deadline AND at > clock + skew THEN
			RAISE EXCEPTION '% % is in the future', names[i], at
				USING ERRCODE = 'datetime_field_overflow',
					  DETAIL = format('The server clock reads %s; an event may be at most %s ahead of it (escalation.time_window: clock_skew).',
									  clock, skew);
		END IF;
	END LOOP;
END
$$;
COMMENT ON FUNCTION escalation_internal.check_times(timestamptz[], timestamptz[], text[], boolean) IS
	'Raises datetime_field_overflow (22008) naming the first time in ats (whose value differs from was: a new or changed value) that is infinite, earlier than the history window, or later than now plus the clock skew (events) or the deadline horizon (deadline = true); the window is escalation.time_window, read only for a time more than a year back or ahead, or an event ahead of the clock. 时间合理性校验';

-- Grant INSERT and UPDATE of every column of a table but its identity, generated
-- and audit columns, which the database writes.
CREATE FUNCTION escalation_internal.grant_column_writes(tbl regclass, roles name[]) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, escalation, pg_temp AS
$$
DECLARE
	cols text;
	r name;
BEGIN
	SELECT string_agg(quote_ident(a.attname), ', ' ORDER BY a.attnum) INTO cols
	FROM pg_catalog.pg_attribute a
	WHERE a.attrelid = tbl AND a.attnum > 0 AND NOT a.attisdropped AND a.attidentity = '' AND a.attgenerated = ''
		AND a.attname NOT IN ('created_at', 'created_by', 'updated_at', 'recorded_at', 'recorded_by');
	FOREACH r IN ARRAY roles LOOP
		EXECUTE format('REVOKE INSERT, UPDATE ON %s FROM %I', tbl, r);
		EXECUTE format('GRANT INSERT (%s), UPDATE (%s) ON %s TO %I', cols, cols, tbl, r);
	END LOOP;
END
$$;
COMMENT ON FUNCTION escalation_internal.grant_column_writes(regclass, name[]) IS
	'Grants roles INSERT and UPDATE of every column of a table except identity, generated and audit columns (created_at/by, updated_at, recorded_at/by), which only the database writes; run again after a release adds columns. 按列授予写权限';

SELECT escalation_internal.grant_column_writes('escalation.user_region', '{escalation_admin}');

GRANT SELECT ON escalation.time_window TO escalation_admin, escalation_user;
GRANT INSERT, UPDATE, DELETE ON escalation.time_window TO escalation_admin;
REVOKE ALL ON FUNCTION
	escalation_internal.check_departments(bigint[], bigint[], text[]),
	escalation_internal.check_times(timestamptz[], timestamptz[], text[], boolean),
	escalation_internal.grant_column_writes(regclass, name[])
FROM PUBLIC;

-- Trigger: record a change of a unit, licence or safety rule.
CREATE OR REPLACE FUNCTION escalation_internal.record_unit_history() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, escalation, pg_temp AS
$$
DECLARE
	old_row jsonb := CASE WHEN TG_OP <> 'INSERT' THEN to_jsonb(OLD) END;
	new_row jsonb := CASE WHEN TG_OP <> 'DELETE' THEN to_jsonb(NEW) END;
	changed text[];
	row_unit bigint;
	row_region escalation.region;
BEGIN
	IF escalation.restoring() THEN
		RETURN NULL;
	END IF;
	IF TG_OP = 'UPDATE' THEN
		SELECT array_agg(n.key ORDER BY n.key) INTO changed
		FROM jsonb_each(new_row) n
		WHERE n.key <> 'updated_at' AND n.value IS DISTINCT FROM old_row -> n.key;
		IF changed IS NULL THEN
			RETURN NULL;
		END IF;
	END IF;
	row_unit := (coalesce(new_row, old_row) ->> CASE TG_TABLE_NAME WHEN 'unit' THEN 'id' ELSE 'unit_id' END)::bigint;
	row_region := (coalesce(new_row, old_row) ->> 'region')::escalation.region;
	INSERT INTO escalation.unit_history
		(unit_id, region, table_name, row_id, operation, changed_by, changed_at, changed_columns, old_row, new_row)
	VALUES
		(row_unit, row_region, TG_TABLE_NAME, (coalesce(new_row, old_row) ->> 'id')::bigint, TG_OP,
		 escalation.acting_role(), statement_timestamp(), changed, old_row, new_row);
	RETURN NULL;
END
$$;

-- Trigger: history is written only by the history trigger, never by hand.
CREATE OR REPLACE FUNCTION escalation_internal.unit_history_guard() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, escalation, pg_temp AS
$$
BEGIN
	-- Only the change trigger (it runs as the table's owner) and a superuser
	-- restoring a dump write history, whatever the trigger depth: a user's own
	-- temporary trigger is one level deeper too.
	IF NOT (SELECT r.rolsuper OR (TG_OP = 'INSERT' AND r.oid = c.relowner)
			FROM pg_catalog.pg_roles r, pg_catalog.pg_class c
			WHERE r.rolname = current_user AND c.oid = TG_RELID) THEN
		RAISE EXCEPTION 'escalation.unit_history is written only by the platform''s change triggers'
			USING ERRCODE = 'insufficient_privilege';
	END IF;
	RETURN CASE TG_OP WHEN 'DELETE' THEN OLD ELSE NEW END;
END
$$;

-- Trigger: an inspection under a campaign falls within the campaign.
CREATE OR REPLACE FUNCTION escalation_internal.inspection_check() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, escalation, pg_temp AS
$$
BEGIN
	IF NEW.campaign_id IS NOT NULL THEN
		PERFORM escalation_internal.campaign_admits(NEW.campaign_id, NEW.unit_id, NEW.inspected_at, 'inspection');
	END IF;
	IF NOT escalation.restoring() THEN
		PERFORM escalation_internal.check_departments(ARRAY[NEW.department_id], ARRAY[OLD.department_id], '{department_id}');
		PERFORM escalation_internal.check_times(ARRAY[NEW.inspected_at], ARRAY[OLD.inspected_at], '{inspected_at}', false);
	END IF;
	RETURN NEW;
END
$$;

-- Trigger: validate a new hazard; tie it to its inspection and campaign.
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
	IF NOT escalation.restoring() THEN
		PERFORM escalation_internal.check_departments(
			ARRAY[NEW.found_by, NEW.deadline_set_by, NEW.confirmed_by, NEW.rechecked_by, NEW.closed_by], NULL,
			'{found_by,deadline_set_by,confirmed_by,rechecked_by,closed_by}');
		PERFORM escalation_internal.check_times(
			ARRAY[NEW.found_at, NEW.deadline_set_at, NEW.confirmed_at, NEW.rectified_at, NEW.rechecked_at, NEW.closed_at], NULL,
			'{found_at,deadline_set_at,confirmed_at,rectified_at,rechecked_at,closed_at}', false);
		PERFORM escalation_internal.check_times(ARRAY[NEW.rectify_deadline], NULL, '{rectify_deadline}', true);
	END IF;
	RETURN NEW;
END
$$;

-- Trigger: allow an UPDATE only as one legal lifecycle step (or an edit of the
-- description), and number the step for the history.
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
	PERFORM escalation_internal.check_departments(
		ARRAY[NEW.deadline_set_by, NEW.confirmed_by, NEW.rechecked_by, NEW.closed_by],
		ARRAY[OLD.deadline_set_by, OLD.confirmed_by, OLD.rechecked_by, OLD.closed_by],
		'{deadline_set_by,confirmed_by,rechecked_by,closed_by}');
	PERFORM escalation_internal.check_times(
		ARRAY[NEW.deadline_set_at, NEW.confirmed_at, NEW.rectified_at, NEW.rechecked_at, NEW.closed_at],
		ARRAY[OLD.deadline_set_at, OLD.confirmed_at, OLD.rectified_at, OLD.rechecked_at, OLD.closed_at],
		'{deadline_set_at,confirmed_at,rectified_at,rechecked_at,closed_at}', false);
	PERFORM escalation_internal.check_times(ARRAY[NEW.rectify_deadline], ARRAY[OLD.rectify_deadline], '{rectify_deadline}', true);
	NEW.step_no := OLD.step_no + 1;
	NEW.last_step := step;
	RETURN NEW;
END
$$;

-- Trigger: validate a clue and its handling; handling is final.
CREATE OR REPLACE FUNCTION escalation_internal.clue_check() RETURNS trigger
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

-- Trigger: the enrolment clock moves only by a re-enrolment after a withdrawal.
CREATE OR REPLACE FUNCTION escalation_internal.dual_prevention_check() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, escalation, pg_temp AS
$$
BEGIN
	IF TG_OP = 'INSERT' THEN
		IF NOT escalation.restoring() THEN
			NEW.created_by := escalation.acting_role();
		END IF;
	ELSE
		NEW.created_at := OLD.created_at;
		NEW.created_by := OLD.created_by;
		IF NEW.unit_id <> OLD.unit_id THEN
			RAISE EXCEPTION 'unit_id of a dual prevention enrolment cannot be changed'
				USING ERRCODE = 'object_not_in_prerequisite_state';
		END IF;
		IF NEW.since <> OLD.since AND (OLD.withdrawn_at IS NULL OR NEW.withdrawn_at IS NOT NULL OR NEW.since < OLD.withdrawn_at) THEN
			RAISE EXCEPTION 'since of the dual prevention enrolment of unit % cannot move from % to %', OLD.unit_id, OLD.since, NEW.since
				USING ERRCODE = 'object_not_in_prerequisite_state',
					  DETAIL = 'The enrolment time changes only when a withdrawn unit is enrolled again, at or after its withdrawal.',
					  HINT = 'Use escalation.dp_enrol() to enrol a withdrawn unit again.';
		END IF;
		IF OLD.withdrawn_at IS NOT NULL AND NEW.withdrawn_at IS NOT NULL AND NEW.withdrawn_at <> OLD.withdrawn_at THEN
			RAISE EXCEPTION 'unit % was already withdrawn from dual prevention management at %', OLD.unit_id, OLD.withdrawn_at
				USING ERRCODE = 'object_not_in_prerequisite_state';
		END IF;
		IF OLD.withdrawn_at IS NULL AND NEW.withdrawn_at < greatest(OLD.since,
				(SELECT max(r.ran_at) FROM escalation.dp_run r WHERE r.unit_id = OLD.unit_id)) THEN
			RAISE EXCEPTION 'withdrawn_at % of unit % is before its enrolment or its last recorded run', NEW.withdrawn_at, OLD.unit_id
				USING ERRCODE = 'check_violation';
		END IF;
	END IF;
	IF NEW.withdrawn_at < NEW.since THEN
		RAISE EXCEPTION 'withdrawn_at % of unit % is before its enrolment since %', NEW.withdrawn_at, NEW.unit_id, NEW.since
			USING ERRCODE = 'check_violation', CONSTRAINT = 'dual_prevention_withdrawn_after_since';
	END IF;
	IF NEW.withdrawn_at IS NOT NULL AND nullif(btrim(NEW.withdraw_reason), '') IS NULL THEN
		RAISE EXCEPTION 'withdrawing unit % from dual prevention management needs withdraw_reason', NEW.unit_id
			USING ERRCODE = 'not_null_violation', CONSTRAINT = 'dual_prevention_withdrawal_has_reason';
	END IF;
	IF NOT escalation.restoring() THEN
		PERFORM escalation_internal.check_departments(ARRAY[NEW.enrolled_by], ARRAY[OLD.enrolled_by], '{enrolled_by}');
		PERFORM escalation_internal.check_times(ARRAY[NEW.since, NEW.withdrawn_at], ARRAY[OLD.since, OLD.withdrawn_at],
			'{since,withdrawn_at}', false);
	END IF;
	RETURN NEW;
END
$$;

-- Trigger: a run belongs to an enrolled unit within its enrolment, and its time
-- and unit are fixed once recorded.
CREATE OR REPLACE FUNCTION escalation_internal.dp_run_check() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, escalation, pg_temp AS
$$
DECLARE
	d escalation.dual_prevention;
	hazard_unit bigint;
BEGIN
	IF TG_OP = 'UPDATE' THEN
		IF NEW.unit_id <> OLD.unit_id OR NEW.ran_at <> OLD.ran_at OR NEW.task_id IS DISTINCT FROM OLD.task_id THEN
			RAISE EXCEPTION 'unit, time and task of dual prevention run % cannot be changed', OLD.id
				USING ERRCODE = 'object_not_in_prerequisite_state',
					  DETAIL = 'A run is a record of a completed check; the warning ladder depends on its time.';
		END IF;
		NEW.recorded_at := OLD.recorded_at;
		NEW.recorded_by := OLD.recorded_by;
	ELSE
		-- An enrolment or hazard the caller may not see is one that is not there.
		SELECT * INTO d FROM escalation.dual_prevention x
		WHERE x.unit_id = NEW.unit_id AND escalation.caller_sees_region(x.region);
		IF NOT FOUND THEN
			RAISE EXCEPTION 'unit % is not enrolled in dual prevention management', NEW.unit_id
				USING ERRCODE = 'foreign_key_violation', CONSTRAINT = 'dp_run_enrolled',
					  DETAIL = 'A run of the mechanism is recorded only for a unit under platform management (escalation.dual_prevention).',
					  HINT = 'Enrol the unit first with escalation.dp_enrol().';
		END IF;
		IF NEW.ran_at < d.since THEN
			RAISE EXCEPTION 'dual prevention run of unit % at % is before its enrolment at %', NEW.unit_id, NEW.ran_at, d.since
				USING ERRCODE = 'check_violation';
		END IF;
		IF NEW.ran_at >= d.withdrawn_at THEN
			RAISE EXCEPTION 'dual prevention run of unit % at % is after its withdrawal at %', NEW.unit_id, NEW.ran_at, d.withdrawn_at
				USING ERRCODE = 'object_not_in_prerequisite_state',
					  DETAIL = format('The unit left platform management: %s.', d.withdraw_reason);
		END IF;
		IF NOT escalation.restoring() THEN
			NEW.recorded_by := escalation.acting_role();
			PERFORM escalation_internal.check_times(ARRAY[NEW.ran_at], NULL, '{ran_at}', false);
		END IF;
	END IF;
	IF NEW.hazard_id IS NOT NULL THEN
		SELECT h.unit_id INTO hazard_unit FROM escalation.hazard h
		WHERE h.id = NEW.hazard_id AND escalation.caller_sees_region(h.region);
		IF NOT FOUND THEN
			RAISE EXCEPTION 'hazard % does not exist', NEW.hazard_id
				USING ERRCODE = 'foreign_key_violation', DETAIL = 'dp_run.hazard_id must name a hazard you can see.';
		ELSIF hazard_unit <> NEW.unit_id THEN
			RAISE EXCEPTION 'hazard % belongs to unit %, not to unit % of the run', NEW.hazard_id, hazard_unit, NEW.unit_id
				USING ERRCODE = 'foreign_key_violation';
		END IF;
	END IF;
	RETURN NEW;
END
$$;

-- Trigger: an assessment is made by a department of the caller's region, at a plausible time.
CREATE FUNCTION escalation_internal.dp_assessment_check() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, escalation, pg_temp AS
$$
BEGIN
	IF NOT escalation.restoring() THEN
		PERFORM escalation_internal.check_departments(ARRAY[NEW.department_id], ARRAY[OLD.department_id], '{department_id}');
		PERFORM escalation_internal.check_times(ARRAY[NEW.assessed_at], ARRAY[OLD.assessed_at], '{assessed_at}', false);
	END IF;
	RETURN NEW;
END
$$;
COMMENT ON FUNCTION escalation_internal.dp_assessment_check() IS
	'Trigger: an assessment is made by a department within the caller''s region, at a plausible time. 评估记录校验';
CREATE TRIGGER dp_assessment_check BEFORE INSERT OR UPDATE ON escalation.dp_assessment
	FOR EACH ROW EXECUTE FUNCTION escalation_internal.dp_assessment_check();
REVOKE ALL ON FUNCTION escalation_internal.dp_assessment_check() FROM PUBLIC;

DROP TRIGGER inspection_check ON escalation.inspection;
CREATE TRIGGER inspection_check BEFORE INSERT OR UPDATE OF campaign_id, unit_id, inspected_at, department_id ON escalation.inspection
	FOR EACH ROW EXECUTE FUNCTION escalation_internal.inspection_check();

ALTER TABLE escalation.unit ALTER COLUMN id SET GENERATED ALWAYS;
ALTER TABLE escalation.licence ALTER COLUMN id SET GENERATED ALWAYS;
ALTER TABLE escalation.safety_rule ALTER COLUMN id SET GENERATED ALWAYS;
ALTER TABLE escalation.department ALTER COLUMN id SET GENERATED ALWAYS;
ALTER TABLE escalation.office ALTER COLUMN id SET GENERATED ALWAYS;
ALTER TABLE escalation.person ALTER COLUMN id SET GENERATED ALWAYS;
ALTER TABLE escalation.duty ALTER COLUMN id SET GENERATED ALWAYS;
ALTER TABLE escalation.supervision_assignment ALTER COLUMN id SET GENERATED ALWAYS;
ALTER TABLE escalation.campaign ALTER COLUMN id SET GENERATED ALWAYS;
ALTER TABLE escalation.inspection ALTER COLUMN id SET GENERATED ALWAYS;
ALTER TABLE escalation.hazard ALTER COLUMN id SET GENERATED ALWAYS;
ALTER TABLE escalation.hazard_history ALTER COLUMN id SET GENERATED ALWAYS;
ALTER TABLE escalation.clue ALTER COLUMN id SET GENERATED ALWAYS;
ALTER TABLE escalation.dp_risk_point ALTER COLUMN id SET GENERATED ALWAYS;
ALTER TABLE escalation.dp_check_task ALTER COLUMN id SET GENERATED ALWAYS;
ALTER TABLE escalation.dp_run ALTER COLUMN id SET GENERATED ALWAYS;
ALTER TABLE escalation.dp_assessment ALTER COLUMN id SET GENERATED ALWAYS;

REVOKE USAGE ON SEQUENCE escalation.unit_id_seq, escalation.licence_id_seq, escalation.safety_rule_id_seq,
	escalation.campaign_id_seq, escalation.inspection_id_seq, escalation.hazard_id_seq, escalation.clue_id_seq,
	escalation.dp_risk_point_id_seq, escalation.dp_check_task_id_seq, escalation.dp_run_id_seq,
	escalation.dp_assessment_id_seq
FROM escalation_admin, escalation_user;
REVOKE INSERT ON escalation.unit_history FROM escalation_admin, escalation_user;
SELECT escalation_internal.grant_column_writes(t, '{escalation_admin,escalation_user}')
FROM unnest(ARRAY['escalation.unit', 'escalation.licence', 'escalation.safety_rule', 'escalation.department',
				  'escalation.office', 'escalation.person', 'escalation.duty', 'escalation.supervision_assignment',
				  'escalation.campaign', 'escalation.inspection', 'escalation.hazard', 'escalation.clue',
				  'escalation.dual_prevention', 'escalation.dp_risk_point', 'escalation.dp_check_task',
				  'escalation.dp_run', 'escalation.dp_assessment']::regclass[]) AS t;

-- Trigger: a licence is superseded at a plausible time.
CREATE FUNCTION escalation_internal.licence_check() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, escalation, pg_temp AS
$$
BEGIN
	IF NOT escalation.restoring() THEN
		PERFORM escalation_internal.check_times(ARRAY[NEW.superseded_at], ARRAY[OLD.superseded_at], '{superseded_at}', false);
	END IF;
	RETURN NEW;
END
$$;
COMMENT ON FUNCTION escalation_internal.licence_check() IS
	'Trigger: a licence is superseded (renewed, which handles its expiry) at a plausible time. 证件换发时间校验';
CREATE TRIGGER licence_check BEFORE INSERT OR UPDATE OF superseded_at ON escalation.licence
	FOR EACH ROW EXECUTE FUNCTION escalation_internal.licence_check();
REVOKE ALL ON FUNCTION escalation_internal.licence_check() FROM PUBLIC;

-- ---------------------------------------------------------------------------
-- A province by logical replication (省级汇聚, docs/PROVINCE.md): the published
-- province_warning and its feed from warning, publish_for_province(), the
-- province's cities, event stream and screen (sql/parts/90_province.sql).
-- ---------------------------------------------------------------------------

------------------------------------------------------------------------------
-- The published table (城市上报预警)
------------------------------------------------------------------------------

CREATE TABLE escalation.province_warning (
	city escalation.region NOT NULL,
	warning_id bigint NOT NULL,
	kind escalation.warning_kind NOT NULL,
	subject_id bigint NOT NULL,
	started_at timestamptz NOT NULL,
	stage smallint NOT NULL,
	screen escalation.level NOT NULL,
	action escalation.warning_action NOT NULL,
	region escalation.region NOT NULL,
	district escalation.region,
	district_name text,
	unit_id bigint,
	unit_name text,
	due_at timestamptz NOT NULL,
	raised_at timestamptz NOT NULL,
	resolved_at timestamptz,
	resolved_reason escalation.warning_resolution,
	acknowledged_at timestamptz,
	province_key bigint,
	CONSTRAINT province_warning_pkey PRIMARY KEY (city, warning_id),
	CONSTRAINT province_warning_city_is_a_city CHECK (escalation.region_level(city) = 'city')
);
CREATE INDEX province_warning_region_idx ON escalation.province_warning (region);
CREATE INDEX province_warning_active_idx ON escalation.province_warning (city, kind, subject_id)
	WHERE resolved_at IS NULL;
COMMENT ON TABLE escalation.province_warning IS
	'Warnings a city reports to its province (城市上报预警): every warning of the city screen and every circular, with names, kept by a trigger on escalation.warning and published as escalation_province; in the province database, the rows of every subscribed city, read-only. 省级汇聚预警';
COMMENT ON COLUMN escalation.province_warning.city IS 'The city (xxxx00) the warning belongs to; with warning_id, the key across cities. 所属市';
COMMENT ON COLUMN escalation.province_warning.warning_id IS 'The warning''s id in its city (escalation.warning.id). 市预警编号';
COMMENT ON COLUMN escalation.province_warning.kind IS 'Kind of warning. 预警类型';
COMMENT ON COLUMN escalation.province_warning.subject_id IS 'The item in its city (hazard, clue, licence, dual prevention). 预警事项';
COMMENT ON COLUMN escalation.province_warning.started_at IS 'Start of the item''s episode. 起算时间';
COMMENT ON COLUMN escalation.province_warning.stage IS 'Stage of the ladder. 预警级次';
COMMENT ON COLUMN escalation.province_warning.screen IS 'Screen of the stage in its city: city, or district for a district circular. 预警大屏';
COMMENT ON COLUMN escalation.province_warning.action IS 'Action of the screen''s office: confirm, supervise, circulate. 处置动作';
COMMENT ON COLUMN escalation.province_warning.region IS 'Region of the item (its unit''s or department''s). 所属区划';
COMMENT ON COLUMN escalation.province_warning.district IS 'District of the item. 所属区县';
COMMENT ON COLUMN escalation.province_warning.district_name IS 'Its name in the city. 区县名称';
COMMENT ON COLUMN escalation.province_warning.unit_id IS 'The unit in its city, if the item has one. 单位';
COMMENT ON COLUMN escalation.province_warning.unit_name IS 'Its name when the stage was raised. 单位名称';
COMMENT ON COLUMN escalation.province_warning.due_at IS 'When the stage fell due. 应预警时间';
COMMENT ON COLUMN escalation.province_warning.raised_at IS 'When the city raised it. 预警时间';
COMMENT ON COLUMN escalation.province_warning.resolved_at IS 'When the item was handled; NULL while active. 解除时间';
COMMENT ON COLUMN escalation.province_warning.resolved_reason IS 'Why it was resolved. 解除原因';
COMMENT ON COLUMN escalation.province_warning.acknowledged_at IS 'When the screen''s office acknowledged it. 确认时间';
COMMENT ON COLUMN escalation.province_warning.province_key IS 'In the province: the event id of its arrival, unique across cities (not published; NULL in a city). 省级编号';
SELECT escalation.enable_region_security('escalation.province_warning');
GRANT SELECT ON escalation.province_warning TO escalation_admin, escalation_user, escalation_analyst;
-- The feed writes as whoever writes the warning: run() and acknowledge() as the
-- extension's owner, the city office as itself (it may insert warnings). In a
-- province, the trigger below refuses every write but the subscriptions'.
GRANT INSERT, UPDATE ON escalation.province_warning TO escalation_admin;

-- The cities a province subscribes to: its subscriptions named
-- escalation_city_<city code> (docs/PROVINCE.md), with the names it knows.
CREATE VIEW escalation.province_city AS
SELECT substr(s.subname, 17)::escalation.region AS city,
	   coalesce(d.name, substr(s.subname, 17)) AS name,
	   s.subname AS subscription,
	   s.subenabled AS enabled
FROM pg_catalog.pg_subscription s
LEFT JOIN escalation.division d ON d.code::text = substr(s.subname, 17)
WHERE s.subdbid = (SELECT b.oid FROM pg_catalog.pg_database b WHERE b.datname = pg_catalog.current_database())
	AND s.subname ~ '^escalation_city_[0-9]{4}00$';
COMMENT ON VIEW escalation.province_city IS
	'In a province database, the cities it subscribes to: its subscriptions named escalation_city_<city code>; empty in a city. 省级汇聚城市';
COMMENT ON COLUMN escalation.province_city.city IS 'The city code. 市';
COMMENT ON COLUMN escalation.province_city.name IS 'Its name in escalation.division (the code if it has none). 市名称';
COMMENT ON COLUMN escalation.province_city.subscription IS 'The subscription that brings its rows. 订阅名';
COMMENT ON COLUMN escalation.province_city.enabled IS 'Whether the subscription is enabled. 订阅启用';
GRANT SELECT ON escalation.province_city TO escalation_admin, escalation_user, escalation_analyst;

CREATE SEQUENCE escalation.province_event_seq;
COMMENT ON SEQUENCE escalation.province_event_seq IS
	'In a province database, numbers the events of its screen as they arrive from the cities. 省级预警事件序号';

CREATE TABLE escalation.province_event (
	event_id bigint NOT NULL,
	city escalation.region NOT NULL,
	warning_id bigint NOT NULL,
	event text NOT NULL,
	CONSTRAINT province_event_pkey PRIMARY KEY (event_id),
	CONSTRAINT province_event_known CHECK (event IN ('raised', 'resolved', 'acknowledged'))
);
COMMENT ON TABLE escalation.province_event IS
	'In a province database, the event stream of its screen: a city''s warning arrived (raised), was resolved or acknowledged, in the order the province committed them. 省级预警事件';
COMMENT ON COLUMN escalation.province_event.event_id IS 'From province_event_seq; commits in order. 事件序号';
COMMENT ON COLUMN escalation.province_event.city IS 'The city of the warning. 所属市';
COMMENT ON COLUMN escalation.province_event.warning_id IS 'The warning''s id in its city. 市预警编号';
COMMENT ON COLUMN escalation.province_event.event IS 'raised, resolved or acknowledged. 事件';
GRANT SELECT ON escalation.province_event TO escalation_admin;

------------------------------------------------------------------------------
-- In a city: keeping the published table (城市侧)
------------------------------------------------------------------------------

-- A city's warning of the city screen, or a circular: copy it, with names.
CREATE FUNCTION escalation_internal.feed_province() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, escalation, pg_temp AS
$$
BEGIN
	INSERT INTO escalation.province_warning AS p
		(city, warning_id, kind, subject_id, started_at, stage, screen, action, region, district, district_name,
		 unit_id, unit_name, due_at, raised_at, resolved_at, resolved_reason, acknowledged_at)
	VALUES (escalation.region_city(NEW.region), NEW.id, NEW.kind, NEW.subject_id, NEW.started_at, NEW.stage,
			NEW.screen, NEW.action, NEW.region, NEW.district,
			(SELECT d.name FROM escalation.division d WHERE d.code = NEW.district),
			NEW.unit_id, (SELECT u.name FROM escalation.unit u WHERE u.id = NEW.unit_id),
			NEW.due_at, NEW.raised_at, NEW.resolved_at, NEW.resolved_reason, NEW.acknowledged_at)
	ON CONFLICT (city, warning_id) DO UPDATE
		SET resolved_at = EXCLUDED.resolved_at, resolved_reason = EXCLUDED.resolved_reason,
			acknowledged_at = EXCLUDED.acknowledged_at
		WHERE (p.resolved_at, p.resolved_reason, p.acknowledged_at)
			IS DISTINCT FROM (EXCLUDED.resolved_at, EXCLUDED.resolved_reason, EXCLUDED.acknowledged_at);
	RETURN NEW;
END
$$;
COMMENT ON FUNCTION escalation_internal.feed_province() IS
	'Trigger of escalation.warning: copies a warning of the city screen, or a circular, into escalation.province_warning, and follows its resolution and acknowledgement. 城市上报预警';

-- The engine writes warnings straight into the table, outside any query of
-- its own, and runs their BEFORE triggers (src/engine_store.c; src/engine.c
-- lists these two among the warning table's own triggers): the copy is made
-- BEFORE INSERT, the last of the insert triggers by name, and rolls back with
-- the warning if its insert fails. Resolutions and acknowledgements are SQL
-- UPDATEs, followed AFTER them.
CREATE TRIGGER warning_province_feed BEFORE INSERT ON escalation.warning FOR EACH ROW
	WHEN (NEW.screen = 'city' OR NEW.action = 'circulate')
	EXECUTE FUNCTION escalation_internal.feed_province();
CREATE TRIGGER warning_province_follow AFTER UPDATE OF resolved_at, resolved_reason, acknowledged_at
	ON escalation.warning FOR EACH ROW
	WHEN (NEW.screen = 'city' OR NEW.action = 'circulate')
	EXECUTE FUNCTION escalation_internal.feed_province();

-- Publish the city's province_warning, after filling it with the warnings
-- raised before. The province's CREATE SUBSCRIPTION makes the slot.
CREATE FUNCTION escalation.publish_for_province() RETURNS text
LANGUAGE plpgsql SET search_path = pg_catalog, escalation, pg_temp AS
$$
DECLARE
	cities text;
BEGIN
	IF current_setting('wal_level') <> 'logical' THEN
		RAISE EXCEPTION 'wal_level is "%", logical replication needs "logical"', current_setting('wal_level')
			USING ERRCODE = 'object_not_in_prerequisite_state',
				  HINT = 'Set wal_level = logical in postgresql.conf and restart the server.';
	END IF;
	IF EXISTS (SELECT FROM escalation.province_city) THEN
		RAISE EXCEPTION 'database "%" is a province: it subscribes to cities and publishes nothing', current_database()
			USING ERRCODE = 'object_not_in_prerequisite_state';
	END IF;
	SELECT string_agg(DISTINCT escalation.region_city(u.region)::text, ', ') INTO cities FROM escalation.unit u;
	IF cities LIKE '%,%' THEN
		RAISE EXCEPTION 'database "%" holds units of more than one city: %', current_database(), cities
			USING ERRCODE = 'object_not_in_prerequisite_state',
				  HINT = 'A province subscribes to one database per city.';
	END IF;
	-- Through the trigger, which copies what it copies for the engine.
	UPDATE escalation.warning w SET resolved_at = w.resolved_at
	WHERE (w.screen = 'city' OR w.action = 'circulate')
		AND NOT EXISTS (SELECT FROM escalation.province_warning p
						WHERE p.city = escalation.region_city(w.region) AND p.warning_id = w.id);
	IF NOT EXISTS (SELECT FROM pg_publication WHERE pubname = 'escalation_province') THEN
		-- province_key is the province's own numbering: left out.
		CREATE PUBLICATION escalation_province FOR TABLE escalation.province_warning
			(city, warning_id, kind, subject_id, started_at, stage, screen, action, region, district, district_name,
			 unit_id, unit_name, due_at, raised_at, resolved_at, resolved_reason, acknowledged_at);
	END IF;
	RETURN 'escalation_province';
END
$$;
COMMENT ON FUNCTION escalation.publish_for_province() IS
	'In a city (wal_level = logical), the one command that lets the province subscribe: fills escalation.province_warning with the warnings raised so far and creates the publication escalation_province. Idempotent. 向省级发布';

------------------------------------------------------------------------------
-- In the province: subscriptions, read-only copies, the event stream (省级侧)
------------------------------------------------------------------------------

-- Local writes to the province's copy are refused; the subscription's apply
-- worker runs with session_replication_role = replica, where this trigger is off.
CREATE FUNCTION escalation_internal.province_read_only() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, escalation, pg_temp AS
$$
BEGIN
	IF EXISTS (SELECT FROM escalation.province_city) THEN
		RAISE EXCEPTION 'escalation.province_warning is read-only in a province database: rows come from the cities'
			USING ERRCODE = 'insufficient_privilege',
				  HINT = 'Change the warning in its city; the subscription brings the change.';
	END IF;
	RETURN CASE TG_OP WHEN 'DELETE' THEN OLD ELSE NEW END;
END
$$;
COMMENT ON FUNCTION escalation_internal.province_read_only() IS
	'Trigger of escalation.province_warning: in a province database (one with subscribed cities), refuses every write but the subscriptions''. 省级只读';
CREATE TRIGGER province_warning_read_only BEFORE INSERT OR UPDATE OR DELETE ON escalation.province_warning
	FOR EACH ROW EXECUTE FUNCTION escalation_internal.province_read_only();
CREATE TRIGGER province_warning_no_truncate BEFORE TRUNCATE ON escalation.province_warning
	FOR EACH STATEMENT EXECUTE FUNCTION escalation_internal.province_read_only();

-- A row arriving from a city: number its events, in commit order.
CREATE FUNCTION escalation_internal.province_number_events() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, escalation, pg_temp AS
$$
BEGIN
	-- Apply workers of several cities commit concurrently: one lock, held to
	-- commit, keeps event numbers in commit order (as lock_event_stream does).
	PERFORM pg_advisory_xact_lock('escalation.province_event_seq'::regclass::oid::bigint);
	IF TG_OP = 'INSERT' THEN
		NEW.province_key := nextval('escalation.province_event_seq');
		INSERT INTO escalation.province_event VALUES (NEW.province_key, NEW.city, NEW.warning_id, 'raised');
	ELSE
		NEW.province_key := OLD.province_key;
	END IF;
	IF NEW.resolved_at IS NOT NULL AND (TG_OP = 'INSERT' OR OLD.resolved_at IS NULL) THEN
		INSERT INTO escalation.province_event
		VALUES (nextval('escalation.province_event_seq'), NEW.city, NEW.warning_id, 'resolved');
	END IF;
	IF NEW.acknowledged_at IS NOT NULL AND (TG_OP = 'INSERT' OR OLD.acknowledged_at IS NULL) THEN
		INSERT INTO escalation.province_event
		VALUES (nextval('escalation.province_event_seq'), NEW.city, NEW.warning_id, 'acknowledged');
	END IF;
	-- A wake-up for the worker, as run() sends; one per transaction (same payload).
	PERFORM pg_notify('escalation_warning', 'province');
	RETURN NEW;
END
$$;
COMMENT ON FUNCTION escalation_internal.province_number_events() IS
	'Trigger of escalation.province_warning, enabled for replication only: numbers the province''s events (raised, resolved, acknowledged) as a city''s rows arrive, and gives each row its province_key. 省级事件编号';
CREATE TRIGGER province_warning_events BEFORE INSERT OR UPDATE ON escalation.province_warning
	FOR EACH ROW EXECUTE FUNCTION escalation_internal.province_number_events();
ALTER TABLE escalation.province_warning ENABLE REPLICA TRIGGER province_warning_events;

------------------------------------------------------------------------------
-- The province's screen (省级大屏)
------------------------------------------------------------------------------

-- The province screens: one per province code of the subscribed cities.
CREATE FUNCTION escalation.province_screens(OUT code text, OUT name text, OUT level text)
RETURNS SETOF record
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, escalation, pg_temp AS
$$
	SELECT p.code::text, coalesce(d.name, p.code::text), 'province'
	FROM (SELECT DISTINCT escalation.region_parent(c.city) AS code FROM escalation.province_city c) p
	LEFT JOIN escalation.division d ON d.code = p.code
	ORDER BY 1
$$;
COMMENT ON FUNCTION escalation.province_screens() IS
	'In a province database, its screens: one per province of the subscribed cities (code xx0000, name, level ''province''); escalation-worker --province lists them. 省级大屏列表';

-- The city-level warnings of the province, as its screen shows them.
CREATE VIEW escalation.province_screen_warning AS
SELECT w.province_key AS warning_id, w.kind, w.city::text || '-' || w.subject_id AS subject_id, w.started_at,
	   w.stage, w.screen, escalation.region_parent(w.city) AS screen_region, w.district, w.city,
	   coalesce(c.name, w.city::text) AS city_name, w.district_name, w.unit_id, w.unit_name,
	   escalation.warning_kind_label(w.kind) AS kind_label, w.action,
	   escalation.warning_action_label(w.action) AS action_label,
	   (SELECT min(o.due_at) FROM escalation.province_warning o
		WHERE o.city = w.city AND o.subject_id = w.subject_id AND o.kind = w.kind
			AND o.started_at = w.started_at) AS first_due_at,
	   w.due_at, w.raised_at, w.resolved_at, w.resolved_reason, w.acknowledged_at,
	   w.warning_id AS city_warning_id
FROM escalation.province_warning w
LEFT JOIN escalation.province_city c ON c.city = w.city
WHERE w.screen = 'city';
COMMENT ON VIEW escalation.province_screen_warning IS
	'In a province database, the warnings of every subscribed city''s city screen, with names and labels; subject_id is "<city>-<item>" and warning_id the row''s province_key, so the items of different cities stay apart on the province screen. 省级大屏预警';
COMMENT ON COLUMN escalation.province_screen_warning.screen_region IS 'The province (xx0000): the screen that shows it. 省级大屏';
COMMENT ON COLUMN escalation.province_screen_warning.city_name IS 'Name of the city. 市名称';
COMMENT ON COLUMN escalation.province_screen_warning.first_due_at IS 'Earliest due time of the item''s episode. 首次应预警时间';
COMMENT ON COLUMN escalation.province_screen_warning.city_warning_id IS 'The warning''s id in its city. 市预警编号';

CREATE VIEW escalation.province_event_row AS
SELECT e.event_id, e.event, v.*
FROM escalation.province_event e
JOIN escalation.province_screen_warning v ON v.city = e.city AND v.city_warning_id = e.warning_id;
COMMENT ON VIEW escalation.province_event_row IS
	'In a province database, its screen''s events with the warning''s row (escalation.province_screen_warning). 省级大屏事件';

CREATE FUNCTION escalation.province_events(after bigint, max_rows integer DEFAULT 1000)
RETURNS SETOF escalation.province_event_row
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, escalation, pg_temp AS
$$
	SELECT * FROM escalation.province_event_row r WHERE r.event_id > after ORDER BY r.event_id LIMIT max_rows
$$;
COMMENT ON FUNCTION escalation.province_events(bigint, integer) IS
	'The province screen''s events after an event id, in event order, at most max_rows; escalation-worker --province reads it as a city''s worker reads warning_events(). Event numbers commit in order. 省级预警事件流';

CREATE FUNCTION escalation.province_events_tail(keep integer) RETURNS bigint
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, escalation, pg_temp AS
$$
	SELECT coalesce((SELECT r.event_id FROM escalation.province_event_row r
					 ORDER BY r.event_id DESC OFFSET greatest(keep, 0) LIMIT 1), 0)
$$;
COMMENT ON FUNCTION escalation.province_events_tail(integer) IS
	'The event id after which the province screen''s last keep events lie (0 when there are no more than keep). 最近省级事件起点';

CREATE FUNCTION escalation.province_screen_warnings(for_screen escalation.region)
RETURNS SETOF escalation.province_screen_warning
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, escalation, pg_temp AS
$$
	SELECT DISTINCT ON (v.city, v.kind, v.subject_id) v.*
	FROM escalation.province_screen_warning v
	WHERE v.resolved_at IS NULL AND v.screen_region = for_screen
	ORDER BY v.city, v.kind, v.subject_id, v.stage DESC, v.warning_id DESC
$$;
COMMENT ON FUNCTION escalation.province_screen_warnings(escalation.region) IS
	'The active warnings of a province screen, one row per item of each city (its highest active stage). 省级大屏在办预警';

CREATE VIEW escalation.province_city_count AS
SELECT c.city, c.name,
	   count(w.warning_id) FILTER (WHERE w.screen = 'city' AND w.resolved_at IS NULL) AS active,
	   count(w.warning_id) FILTER (WHERE w.screen = 'city' AND w.resolved_at IS NULL AND w.action = 'supervise') AS supervised,
	   count(w.warning_id) FILTER (WHERE w.resolved_at IS NULL AND w.action = 'circulate') AS circulated,
	   count(w.warning_id) FILTER (WHERE w.screen = 'city') AS raised,
	   max(w.raised_at) AS last_raised_at
FROM escalation.province_city c
LEFT JOIN escalation.province_warning w ON w.city = c.city
GROUP BY c.city, c.name;
COMMENT ON VIEW escalation.province_city_count IS
	'In a province database, per subscribed city: its active city-level warnings, of which with a supervision order, its active circulars, all city-level warnings received, the last one''s time. 各市预警统计';
COMMENT ON COLUMN escalation.province_city_count.active IS 'Active warnings of the city screen. 在办预警';
COMMENT ON COLUMN escalation.province_city_count.supervised IS 'Of which with a supervision order. 督办';
COMMENT ON COLUMN escalation.province_city_count.circulated IS 'Active circulars (city or district). 通报';
COMMENT ON COLUMN escalation.province_city_count.raised IS 'City-level warnings received, active or not. 累计预警';
COMMENT ON COLUMN escalation.province_city_count.last_raised_at IS 'When the last one was raised. 最近预警时间';

GRANT SELECT ON escalation.province_screen_warning, escalation.province_event_row, escalation.province_city_count
	TO escalation_admin, escalation_analyst;
REVOKE ALL ON FUNCTION escalation_internal.feed_province(), escalation.publish_for_province(),
	escalation_internal.province_read_only(), escalation_internal.province_number_events(), escalation.province_screens(), escalation.province_events(bigint, integer),
	escalation.province_events_tail(integer), escalation.province_screen_warnings(escalation.region)
FROM PUBLIC;
GRANT EXECUTE ON FUNCTION escalation.province_screens(), escalation.province_events(bigint, integer),
	escalation.province_events_tail(integer), escalation.province_screen_warnings(escalation.region)
TO escalation_admin, escalation_analyst, escalation_screen;

-- What an analyst reads of the province's copy (the pattern of 80_analyst.sql).
CREATE VIEW escalation.province_warning_analyst WITH (security_invoker = true) AS
	SELECT t.city::text AS city,
		t.warning_id,
		t.kind,
		escalation.warning_kind_label(t.kind) AS kind_label,
		t.subject_id,
		t.started_at,
		t.stage,
		t.screen,
		escalation.level_label(t.screen) AS screen_label,
		t.action,
		escalation.warning_action_label(t.action) AS action_label,
		t.region::text AS region,
		t.district::text AS district,
		t.district_name,
		t.unit_id,
		t.unit_name,
		t.due_at,
		t.raised_at,
		t.resolved_at,
		t.resolved_reason,
		escalation.warning_resolution_label(t.resolved_reason) AS resolved_reason_label,
		t.acknowledged_at,
		t.province_key
	FROM escalation.province_warning t;
COMMENT ON VIEW escalation.province_warning_analyst IS
	'What an analyst may read of escalation.province_warning, for BI tools: region codes as text, enum columns with their Chinese labels. 省级汇聚预警（分析视图）';
COMMENT ON COLUMN escalation.province_warning_analyst.city IS 'The city (xxxx00) the warning belongs to. 所属市';
COMMENT ON COLUMN escalation.province_warning_analyst.warning_id IS 'The warning''s id in its city. 市预警编号';
COMMENT ON COLUMN escalation.province_warning_analyst.kind IS 'Kind of warning. 预警类型';
COMMENT ON COLUMN escalation.province_warning_analyst.kind_label IS 'kind in Chinese. 预警类型（中文）';
COMMENT ON COLUMN escalation.province_warning_analyst.subject_id IS 'The item in its city. 预警事项';
COMMENT ON COLUMN escalation.province_warning_analyst.started_at IS 'Start of the item''s episode. 起算时间';
COMMENT ON COLUMN escalation.province_warning_analyst.stage IS 'Stage of the ladder. 预警级次';
COMMENT ON COLUMN escalation.province_warning_analyst.screen IS 'Screen of the stage in its city. 预警大屏';
COMMENT ON COLUMN escalation.province_warning_analyst.screen_label IS 'screen in Chinese. 预警大屏（中文）';
COMMENT ON COLUMN escalation.province_warning_analyst.action IS 'Action of the screen''s office. 处置动作';
COMMENT ON COLUMN escalation.province_warning_analyst.action_label IS 'action in Chinese. 处置动作（中文）';
COMMENT ON COLUMN escalation.province_warning_analyst.region IS 'Region of the item, as text. 所属区划';
COMMENT ON COLUMN escalation.province_warning_analyst.district IS 'District of the item, as text. 所属区县';
COMMENT ON COLUMN escalation.province_warning_analyst.district_name IS 'Its name in the city. 区县名称';
COMMENT ON COLUMN escalation.province_warning_analyst.unit_id IS 'The unit in its city. 单位';
COMMENT ON COLUMN escalation.province_warning_analyst.unit_name IS 'Its name when the stage was raised. 单位名称';
COMMENT ON COLUMN escalation.province_warning_analyst.due_at IS 'When the stage fell due. 应预警时间';
COMMENT ON COLUMN escalation.province_warning_analyst.raised_at IS 'When the city raised it. 预警时间';
COMMENT ON COLUMN escalation.province_warning_analyst.resolved_at IS 'When the item was handled; NULL while active. 解除时间';
COMMENT ON COLUMN escalation.province_warning_analyst.resolved_reason IS 'Why it was resolved. 解除原因';
COMMENT ON COLUMN escalation.province_warning_analyst.resolved_reason_label IS 'resolved_reason in Chinese. 解除原因（中文）';
COMMENT ON COLUMN escalation.province_warning_analyst.acknowledged_at IS 'When the screen''s office acknowledged it. 确认时间';
COMMENT ON COLUMN escalation.province_warning_analyst.province_key IS 'In the province: the event id of its arrival. 省级编号';
GRANT SELECT ON escalation.province_warning_analyst TO escalation_admin, escalation_analyst;

------------------------------------------------------------------------------
-- Warning handling (预警业务处理, docs/HANDLING.md): the command centre role,
-- role-to-department map, the handling timers, every warning's addressee
-- decided at raising, the handling steps as events of the stream,
-- warning_sign/dispatch/feedback/review (acknowledge() becomes the signing
-- step), and the handling state on the screens and in the event stream.
------------------------------------------------------------------------------

------------------------------------------------------------------------------
-- Who handles (应急指挥中心、用户所属部门)
------------------------------------------------------------------------------

DO $roles$
BEGIN
	IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'escalation_command_centre') THEN
		CREATE ROLE escalation_command_centre NOLOGIN;
	END IF;
END
$roles$;

-- Which department a login role works for, so that feedback can be given by
-- the addressee department only.
CREATE TABLE escalation.user_department (
	role_name name NOT NULL,
	department_id bigint NOT NULL,
	created_at timestamptz NOT NULL DEFAULT statement_timestamp(),
	CONSTRAINT user_department_pkey PRIMARY KEY (role_name),
	CONSTRAINT user_department_department_fkey FOREIGN KEY (department_id) REFERENCES escalation.department (id)
);
CREATE INDEX user_department_department_idx ON escalation.user_department (department_id);
COMMENT ON TABLE escalation.user_department IS
	'Maps a login role to the department it works for; only a role of the department a warning was dispatched to may give its feedback. 用户所属部门';
COMMENT ON COLUMN escalation.user_department.role_name IS 'Login role. 数据库登录角色';
COMMENT ON COLUMN escalation.user_department.department_id IS 'Department the role works for. 所属部门';
COMMENT ON COLUMN escalation.user_department.created_at IS 'When the mapping was entered. 创建时间';
SELECT pg_catalog.pg_extension_config_dump('escalation.user_department', '');

CREATE TRIGGER user_department_check_role BEFORE INSERT OR UPDATE OF role_name ON escalation.user_department
	FOR EACH ROW EXECUTE FUNCTION escalation_internal.user_region_check_role();

------------------------------------------------------------------------------
-- The timers on people (处置时限): the city's values over the shipped ones
------------------------------------------------------------------------------

CREATE TYPE escalation.handling_timer AS ENUM ('sign', 'reply');
COMMENT ON TYPE escalation.handling_timer IS
	'Timer on the people who handle a warning (处置时限): sign 签收时限 (from raising), reply 反馈时限 (from dispatch or return, when no reply_by is given).';

CREATE TABLE escalation.handling_timer_override (
	timer escalation.handling_timer NOT NULL,
	within interval NOT NULL,
	changed_at timestamptz NOT NULL DEFAULT statement_timestamp(),
	changed_by name NOT NULL DEFAULT current_user,
	CONSTRAINT handling_timer_override_pkey PRIMARY KEY (timer),
	CONSTRAINT handling_timer_positive CHECK (within > interval '0'),
	CONSTRAINT handling_timer_in_days_and_hours
		CHECK (date_part('month', within) = 0 AND date_part('year', within) = 0 AND within <= interval '365 days')
);
COMMENT ON TABLE escalation.handling_timer_override IS
	'The city''s values of the handling timers, replacing the shipped ones (sign 1 day, reply 3 days); escalation.handling_rule shows the values in force. 处置时限调整';
COMMENT ON COLUMN escalation.handling_timer_override.timer IS 'sign or reply. 时限类型';
COMMENT ON COLUMN escalation.handling_timer_override.within IS 'Time allowed (days count as 24 hours). 时限';
COMMENT ON COLUMN escalation.handling_timer_override.changed_at IS 'When it was changed. 调整时间';
COMMENT ON COLUMN escalation.handling_timer_override.changed_by IS 'Role that changed it. 调整人';
SELECT pg_catalog.pg_extension_config_dump('escalation.handling_timer_override', '');

CREATE VIEW escalation.handling_rule AS
	SELECT d.timer, coalesce(o.within, d.within) AS within, d.within AS shipped, o.timer IS NOT NULL AS changed
	FROM (VALUES ('sign'::escalation.handling_timer, interval '1 day'),
				 ('reply'::escalation.handling_timer, interval '3 days')) AS d(timer, within)
	LEFT JOIN escalation.handling_timer_override o ON o.timer = d.timer;
COMMENT ON VIEW escalation.handling_rule IS
	'The handling timers in force (处置时限): a warning not signed within sign of its raising, or not answered by its reply deadline (dispatch or return plus reply unless given), is overdue. The city office changes them in escalation.handling_timer_override.';
COMMENT ON COLUMN escalation.handling_rule.timer IS 'sign or reply. 时限类型';
COMMENT ON COLUMN escalation.handling_rule.within IS 'Time allowed, in force. 时限';
COMMENT ON COLUMN escalation.handling_rule.shipped IS 'The shipped value. 默认时限';
COMMENT ON COLUMN escalation.handling_rule.changed IS 'The city changed it. 是否已调整';

CREATE FUNCTION escalation.handling_within(timer escalation.handling_timer) RETURNS interval
LANGUAGE sql STABLE SECURITY DEFINER PARALLEL SAFE SET search_path = pg_catalog, escalation, pg_temp
BEGIN ATOMIC
	SELECT r.within FROM escalation.handling_rule r WHERE r.timer = handling_within.timer;
END;
COMMENT ON FUNCTION escalation.handling_within(escalation.handling_timer) IS
	'The time a handling timer allows, as in force. 处置时限';

------------------------------------------------------------------------------
-- The addressee (承办部门): decided when the warning is raised
------------------------------------------------------------------------------

CREATE TABLE escalation.warning_addressee (
	warning_id bigint NOT NULL,
	department_id bigint,
	supervisor_id bigint,
	basis text NOT NULL,
	region escalation.region NOT NULL,
	decided_at timestamptz NOT NULL DEFAULT now(),
	CONSTRAINT warning_addressee_pkey PRIMARY KEY (warning_id),
	CONSTRAINT warning_addressee_warning_fkey FOREIGN KEY (warning_id) REFERENCES escalation.warning (id) ON DELETE CASCADE,
	CONSTRAINT warning_addressee_department_fkey FOREIGN KEY (department_id) REFERENCES escalation.department (id),
	CONSTRAINT warning_addressee_supervisor_fkey FOREIGN KEY (supervisor_id) REFERENCES escalation.person (id),
	CONSTRAINT warning_addressee_basis_known
		CHECK (basis IN ('finder', 'supervision', 'territorial', 'receiver', 'none')),
	CONSTRAINT warning_addressee_none_without_department CHECK ((basis = 'none') = (department_id IS NULL))
);
CREATE INDEX warning_addressee_region_idx ON escalation.warning_addressee (region);
CREATE INDEX warning_addressee_department_idx ON escalation.warning_addressee (department_id);
COMMENT ON TABLE escalation.warning_addressee IS
	'The addressee of each warning (预警承办部门), decided when it is raised: hazards the finding department (else the unit''s supervising department at the stage''s level), clues the receiving department, licences and dual prevention the unit''s supervising department at its supervision level, else the territorial one. basis none: no addressee could be found. 预警承办部门';
COMMENT ON COLUMN escalation.warning_addressee.warning_id IS 'The warning. 预警编号';
COMMENT ON COLUMN escalation.warning_addressee.department_id IS 'The responsible department; NULL when none could be found. 承办部门';
COMMENT ON COLUMN escalation.warning_addressee.supervisor_id IS 'The unit''s named supervisor in that department (supervision_assignment), if any. 监管责任人';
COMMENT ON COLUMN escalation.warning_addressee.basis IS 'How it was found: finder 发现部门, supervision 行业监管部门, territorial 属地部门, receiver 接收部门, none 无承办部门. 确定依据';
COMMENT ON COLUMN escalation.warning_addressee.region IS 'Region of the warning, for row-level security. 所属区划';
COMMENT ON COLUMN escalation.warning_addressee.decided_at IS 'When it was decided. 确定时间';
SELECT pg_catalog.pg_extension_config_dump('escalation.warning_addressee', '');

-- The department that answers for a warning, from the responsibility database
-- as it stands on the warning's day.
CREATE FUNCTION escalation_internal.warning_addressee_of(w escalation.warning,
	OUT department_id bigint, OUT supervisor_id bigint, OUT basis text)
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, escalation, pg_temp AS
$$
DECLARE
	on_day date := escalation.local_day(w.raised_at);
	wanted escalation.level;
BEGIN
	IF w.kind = 'clue' THEN
		SELECT c.to_department, 'receiver' INTO department_id, basis FROM escalation.clue c WHERE c.id = w.subject_id;
	ELSIF w.kind IN ('hazard_overdue', 'major_hazard') THEN
		department_id := w.department_id;
		basis := 'finder';
	END IF;
	-- A department that is gone (or data loaded past the foreign keys) is no addressee.
	IF NOT EXISTS (SELECT 1 FROM escalation.department d WHERE d.id = warning_addressee_of.department_id) THEN
		department_id := NULL;
		basis := NULL;
	END IF;
	IF department_id IS NOT NULL THEN
		IF w.unit_id IS NOT NULL THEN
			SELECT a.supervisor_id INTO supervisor_id FROM escalation.supervision_assignment a
			WHERE a.unit_id = w.unit_id AND a.department_id = warning_addressee_of.department_id AND a.period @> on_day;
		END IF;
		RETURN;
	END IF;

	-- The unit's supervising department: a hazard's at the stage's level, a
	-- licence's or a dual prevention's at the unit's supervision level; the
	-- territorial one when that level has none.
	SELECT CASE WHEN w.kind IN ('hazard_overdue', 'major_hazard') THEN w.screen ELSE u.supervision_level END
	INTO wanted FROM escalation.unit u WHERE u.id = w.unit_id;
	SELECT a.department_id, a.supervisor_id,
		CASE WHEN a.supervision_type = 'territorial' THEN 'territorial' ELSE 'supervision' END
	INTO department_id, supervisor_id, basis
	FROM escalation.supervision_assignment a
	WHERE a.unit_id = w.unit_id AND a.period @> on_day
	  AND ((a.level = wanted AND a.supervision_type <> 'territorial') OR a.supervision_type = 'territorial')
	ORDER BY a.supervision_type = 'territorial', a.level = wanted DESC, a.supervision_type, a.department_id
	LIMIT 1;
	basis := coalesce(basis, 'none');
END
$$;
COMMENT ON FUNCTION escalation_internal.warning_addressee_of(escalation.warning) IS
	'The addressee of a warning from the responsibility database on its day: department, the unit''s named supervisor there, and the basis (finder, receiver, supervision, territorial, none). 确定承办部门';

-- Trigger: every warning, raised by the engine or inserted by hand, gets its addressee.
CREATE FUNCTION escalation_internal.warning_address() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, escalation, pg_temp AS
$$
BEGIN
	-- A restore brings back the addressees decided when the warnings were raised.
	IF escalation.restoring() THEN
		RETURN NULL;
	END IF;
	INSERT INTO escalation.warning_addressee (warning_id, department_id, supervisor_id, basis, region, decided_at)
	SELECT NEW.id, a.department_id, a.supervisor_id, a.basis, NEW.region, NEW.raised_at
	FROM escalation_internal.warning_addressee_of(NEW) a;
	RETURN NULL;
END
$$;
COMMENT ON FUNCTION escalation_internal.warning_address() IS
	'Trigger: records the addressee of a warning when it is raised. 记录承办部门';
CREATE TRIGGER warning_address AFTER INSERT ON escalation.warning
	FOR EACH ROW EXECUTE FUNCTION escalation_internal.warning_address();

------------------------------------------------------------------------------
-- The steps (处置过程): one row per step, each an event of the stream
------------------------------------------------------------------------------

CREATE TYPE escalation.handling_step AS ENUM ('sign', 'dispatch', 'feedback', 'review');
COMMENT ON TYPE escalation.handling_step IS
	'A step of warning handling (处置环节): sign 签收, dispatch 下发, feedback 反馈, review 审核 (办结 or 退回).';

CREATE TYPE escalation.handling_state AS ENUM ('raised', 'signed', 'dispatched', 'answered', 'returned', 'closed');
COMMENT ON TYPE escalation.handling_state IS
	'Where the handling of a warning stands (处置状态): raised 未签收, signed 已签收, dispatched 已下发, answered 已反馈, returned 已退回, closed 已办结.';

CREATE TABLE escalation.warning_step (
	id bigint NOT NULL,
	warning_id bigint NOT NULL,
	step escalation.handling_step NOT NULL,
	done_at timestamptz NOT NULL DEFAULT now(),
	done_by name NOT NULL,
	department_id bigint,
	reply_by timestamptz,
	accepted boolean,
	note text,
	region escalation.region NOT NULL,
	CONSTRAINT warning_step_pkey PRIMARY KEY (id),
	CONSTRAINT warning_step_warning_fkey FOREIGN KEY (warning_id) REFERENCES escalation.warning (id) ON DELETE CASCADE,
	CONSTRAINT warning_step_department_fkey FOREIGN KEY (department_id) REFERENCES escalation.department (id),
	CONSTRAINT warning_step_dispatch_has_addressee CHECK (step NOT IN ('dispatch', 'feedback') OR department_id IS NOT NULL),
	CONSTRAINT warning_step_dispatch_has_deadline CHECK (step <> 'dispatch' OR reply_by IS NOT NULL),
	CONSTRAINT warning_step_review_has_verdict CHECK ((step = 'review') = (accepted IS NOT NULL)),
	CONSTRAINT warning_step_return_has_deadline CHECK (accepted IS DISTINCT FROM false OR reply_by IS NOT NULL)
);
CREATE INDEX warning_step_warning_idx ON escalation.warning_step (warning_id, id);
CREATE INDEX warning_step_region_idx ON escalation.warning_step (region);
CREATE UNIQUE INDEX warning_step_signed_once_idx ON escalation.warning_step (warning_id) WHERE step = 'sign';
COMMENT ON TABLE escalation.warning_step IS
	'The handling timeline of each warning (预警处置过程): who did which step when, with the note; written only by warning_sign, warning_dispatch, warning_feedback and warning_review. 预警处置记录';
COMMENT ON COLUMN escalation.warning_step.id IS 'Event id of the step (the acknowledgement''s for a signing). 事件序号';
COMMENT ON COLUMN escalation.warning_step.warning_id IS 'The warning. 预警编号';
COMMENT ON COLUMN escalation.warning_step.step IS 'sign, dispatch, feedback or review. 处置环节';
COMMENT ON COLUMN escalation.warning_step.done_at IS 'When. 处置时间';
COMMENT ON COLUMN escalation.warning_step.done_by IS 'Role that did it. 处置人';
COMMENT ON COLUMN escalation.warning_step.department_id IS 'dispatch: the department it went to; feedback: the department that answered. 承办部门';
COMMENT ON COLUMN escalation.warning_step.reply_by IS 'dispatch and return: the reply deadline. 反馈期限';
COMMENT ON COLUMN escalation.warning_step.accepted IS 'review: true 办结, false 退回. 审核结果';
COMMENT ON COLUMN escalation.warning_step.note IS 'What was done, the reason, references to attachments. 处置说明';
COMMENT ON COLUMN escalation.warning_step.region IS 'Region of the warning, for row-level security. 所属区划';
SELECT pg_catalog.pg_extension_config_dump('escalation.warning_step', '');

CREATE FUNCTION escalation.handling_state_label(state escalation.handling_state) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN CASE state
	WHEN 'raised' THEN '未签收'
	WHEN 'signed' THEN '已签收'
	WHEN 'dispatched' THEN '已下发'
	WHEN 'answered' THEN '已反馈'
	WHEN 'returned' THEN '已退回'
	WHEN 'closed' THEN '已办结'
END;
COMMENT ON FUNCTION escalation.handling_state_label(escalation.handling_state) IS
	'Chinese label of a handling state, as the screens show it. 处置状态名称';

CREATE VIEW escalation.warning_handling WITH (security_invoker = true) AS
	SELECT w.id AS warning_id,
		CASE h.last_step
			WHEN 'sign' THEN 'signed' WHEN 'dispatch' THEN 'dispatched' WHEN 'feedback' THEN 'answered'
			WHEN 'review' THEN CASE WHEN h.last_accepted THEN 'closed' ELSE 'returned' END
			ELSE 'raised' END::escalation.handling_state AS state,
		a.department_id AS addressee_department_id,
		h.signed_at, h.signed_by, h.dispatched_at, h.reply_due_at, h.replied_at, h.reviewed_at, h.accepted,
		h.dispatched_to, a.basis AS addressee_basis,
		escalation.stage_due_at(w.raised_at, escalation.handling_within('sign')) AS sign_due_at,
		-- Overdue: not signed in time (while the warning is active), or not answered by the reply deadline.
		coalesce(h.signed_at, CASE WHEN w.resolved_at IS NULL THEN now() END)
			> escalation.stage_due_at(w.raised_at, escalation.handling_within('sign')) AS sign_overdue,
		coalesce(h.last_step = 'dispatch' OR (h.last_step = 'review' AND NOT h.last_accepted), false) AS awaiting_reply,
		coalesce((h.last_step = 'dispatch' OR (h.last_step = 'review' AND NOT h.last_accepted)) AND now() > h.reply_due_at,
				 false) AS reply_overdue
	FROM escalation.warning w
	LEFT JOIN escalation.warning_addressee a ON a.warning_id = w.id
	LEFT JOIN LATERAL (
		SELECT (array_agg(s.step ORDER BY s.id DESC))[1] AS last_step,
			(array_agg(s.accepted ORDER BY s.id DESC))[1] AS last_accepted,
			min(s.done_at) FILTER (WHERE s.step = 'sign') AS signed_at,
			min(s.done_by) FILTER (WHERE s.step = 'sign') AS signed_by,
			max(s.done_at) FILTER (WHERE s.step = 'dispatch') AS dispatched_at,
			(array_agg(s.department_id ORDER BY s.id DESC) FILTER (WHERE s.step = 'dispatch'))[1] AS dispatched_to,
			(array_agg(s.reply_by ORDER BY s.id DESC) FILTER (WHERE s.reply_by IS NOT NULL))[1] AS reply_due_at,
			max(s.done_at) FILTER (WHERE s.step = 'feedback') AS replied_at,
			max(s.done_at) FILTER (WHERE s.step = 'review') AS reviewed_at,
			(array_agg(s.accepted ORDER BY s.id DESC) FILTER (WHERE s.step = 'review'))[1] AS accepted
		FROM escalation.warning_step s WHERE s.warning_id = w.id
	) h ON true;
COMMENT ON VIEW escalation.warning_handling IS
	'Where the handling of each warning stands (预警处置状态): state raised, signed, dispatched, answered, returned or closed, the addressee, the latest time of each step, the reply deadline and whether a timer is overdue. 预警处置状态';
COMMENT ON COLUMN escalation.warning_handling.warning_id IS 'The warning. 预警编号';
COMMENT ON COLUMN escalation.warning_handling.state IS 'raised 未签收, signed 已签收, dispatched 已下发, answered 已反馈, returned 已退回, closed 已办结. 处置状态';
COMMENT ON COLUMN escalation.warning_handling.addressee_department_id IS 'The addressee decided at raising; NULL when none was found. 承办部门';
COMMENT ON COLUMN escalation.warning_handling.signed_at IS 'When the command centre signed it. 签收时间';
COMMENT ON COLUMN escalation.warning_handling.signed_by IS 'Role that signed it. 签收人';
COMMENT ON COLUMN escalation.warning_handling.dispatched_at IS 'When it was (last) dispatched. 下发时间';
COMMENT ON COLUMN escalation.warning_handling.reply_due_at IS 'The reply deadline in force (of the dispatch, or of the latest return). 反馈期限';
COMMENT ON COLUMN escalation.warning_handling.replied_at IS 'When the latest feedback came. 反馈时间';
COMMENT ON COLUMN escalation.warning_handling.reviewed_at IS 'When the latest review was made. 审核时间';
COMMENT ON COLUMN escalation.warning_handling.accepted IS 'The latest review: true 办结, false 退回. 审核结果';
COMMENT ON COLUMN escalation.warning_handling.dispatched_to IS 'The department it was dispatched to. 下发部门';
COMMENT ON COLUMN escalation.warning_handling.addressee_basis IS 'How the addressee was found (finder, receiver, supervision, territorial, none). 承办部门确定依据';
COMMENT ON COLUMN escalation.warning_handling.sign_due_at IS 'When it must be signed by (raising plus the sign timer). 签收期限';
COMMENT ON COLUMN escalation.warning_handling.sign_overdue IS 'Signed late, or still unsigned past the sign deadline while active. 签收超时';
COMMENT ON COLUMN escalation.warning_handling.awaiting_reply IS 'Dispatched or returned, waiting for the addressee''s feedback. 待反馈';
COMMENT ON COLUMN escalation.warning_handling.reply_overdue IS 'Waiting for feedback past the reply deadline. 反馈超时';

------------------------------------------------------------------------------
-- The step functions (处置环节)
------------------------------------------------------------------------------

-- The warning a step is asked for, locked, as far as the caller may see it.
CREATE FUNCTION escalation_internal.handling_warning(warning_id bigint, fn text) RETURNS escalation.warning
LANGUAGE plpgsql SET search_path = pg_catalog, escalation, pg_temp AS
$$
DECLARE
	w escalation.warning;
BEGIN
	IF warning_id IS NULL THEN
		RAISE EXCEPTION 'warning_id must not be null'
			USING ERRCODE = 'null_value_not_allowed', DETAIL = format('escalation.%s() needs the id of a warning.', fn);
	END IF;
	-- Every writer of events takes the stream's lock first; it also orders the steps of one warning.
	PERFORM escalation.lock_event_stream();
	SELECT * INTO w FROM escalation.warning x WHERE x.id = handling_warning.warning_id FOR UPDATE;
	IF NOT FOUND OR NOT escalation.caller_sees_region(w.region) THEN
		RAISE EXCEPTION 'warning % does not exist', warning_id
			USING ERRCODE = 'no_data_found',
				  DETAIL = format('No warning with this id is visible to role "%s".', escalation.acting_role());
	END IF;
	RETURN w;
END
$$;
COMMENT ON FUNCTION escalation_internal.handling_warning(bigint, text) IS
	'The warning a handling step names, locked under the event stream''s lock; no_data_found unless the caller may see it. 取待处置预警';

-- Only the command centre of the warning's screen signs, dispatches and reviews.
CREATE FUNCTION escalation_internal.handling_require_centre(w escalation.warning, action text) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, escalation, pg_temp AS
$$
DECLARE
	who name := escalation.acting_role();
BEGIN
	IF EXISTS (SELECT 1 FROM pg_catalog.pg_roles r WHERE r.rolname = who AND r.rolsuper) THEN
		RETURN;
	END IF;
	IF NOT (pg_catalog.pg_has_role(who, 'escalation_command_centre', 'USAGE')
			AND escalation.current_region() IS NOT DISTINCT FROM w.screen_region) THEN
		RAISE EXCEPTION 'role "%" cannot % warning %: it shows on the % of %', who, action, w.id,
				escalation.screen_label(w.screen),
				coalesce((SELECT d.name FROM escalation.division d WHERE d.code = w.screen_region), w.screen_region::text)
			USING ERRCODE = 'insufficient_privilege',
				  HINT = format('Warnings are handled by the command centre (应急指挥中心) of their screen: a member of escalation_command_centre mapped to region %s in escalation.user_region.', w.screen_region);
	END IF;
END
$$;
COMMENT ON FUNCTION escalation_internal.handling_require_centre(escalation.warning, text) IS
	'Raises insufficient_privilege naming the warning and its screen unless the caller is the command centre of that screen (a member of escalation_command_centre mapped to the screen''s region). 校验指挥中心';

-- A step refused because the warning is not in a state that allows it.
CREATE FUNCTION escalation_internal.handling_refuse(w escalation.warning, action text, hint text) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, escalation, pg_temp AS
$$
DECLARE
	st escalation.handling_state := (SELECT h.state FROM escalation.warning_handling h WHERE h.warning_id = w.id);
BEGIN
	RAISE EXCEPTION 'warning % cannot be %: it is %', w.id, action, st
		USING ERRCODE = 'object_not_in_prerequisite_state',
			  DETAIL = format('Its handling state is %s (%s).', st, escalation.handling_state_label(st)),
			  HINT = hint;
END
$$;
COMMENT ON FUNCTION escalation_internal.handling_refuse(escalation.warning, text, text) IS
	'Raises object_not_in_prerequisite_state naming the warning and its handling state. 处置环节校验';

-- Record a step and tell the screens.
CREATE FUNCTION escalation_internal.handling_record(w escalation.warning, step escalation.handling_step,
	department_id bigint, reply_by timestamptz, accepted boolean, note text, event_id bigint DEFAULT NULL)
RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, escalation, pg_temp AS
$$
DECLARE
	id bigint := coalesce(event_id, nextval('escalation.warning_event_seq'));
BEGIN
	INSERT INTO escalation.warning_step (id, warning_id, step, done_at, done_by, department_id, reply_by, accepted, note, region)
	VALUES (id, w.id, step, now(), escalation.acting_role(), department_id, reply_by, accepted, nullif(btrim(note), ''), w.region);
	PERFORM pg_catalog.pg_notify('escalation_warning', id || '-' || id);
	RETURN id;
END
$$;
COMMENT ON FUNCTION escalation_internal.handling_record(escalation.warning, escalation.handling_step, bigint, timestamptz, boolean, text, bigint) IS
	'Writes one handling step and sends its event''s NOTIFY; returns the event id. 记录处置环节';

CREATE FUNCTION escalation.warning_sign(warning_id bigint, note text DEFAULT NULL) RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, escalation, pg_temp AS
$$
DECLARE
	w escalation.warning := escalation_internal.handling_warning(warning_id, 'warning_sign');
	ev bigint;
BEGIN
	PERFORM escalation_internal.handling_require_centre(w, 'sign');
	IF w.resolved_at IS NOT NULL THEN
		RAISE EXCEPTION 'warning % is already resolved', w.id
			USING ERRCODE = 'object_not_in_prerequisite_state',
				  DETAIL = format('It was resolved at %s (%s); only active warnings can be signed.', w.resolved_at, w.resolved_reason);
	END IF;
	IF w.acknowledged_at IS NOT NULL THEN
		RAISE EXCEPTION 'warning % is already signed', w.id
			USING ERRCODE = 'object_not_in_prerequisite_state',
				  DETAIL = format('Role "%s" signed it at %s.', w.acknowledged_by, w.acknowledged_at);
	END IF;
	UPDATE escalation.warning x
	SET acknowledged_at = now(), acknowledged_by = escalation.acting_role(), ack_note = nullif(btrim(note), ''),
		ack_seq = nextval('escalation.warning_event_seq')
	WHERE x.id = w.id
	RETURNING x.ack_seq INTO ev;
	RETURN escalation_internal.handling_record(w, 'sign', NULL, NULL, NULL, note, ev);
END
$$;
COMMENT ON FUNCTION escalation.warning_sign(bigint, text) IS
	'签收: the command centre of the warning''s screen signs an active warning, with a note; the screens show it as acknowledged. Returns the event id. 预警签收';

CREATE FUNCTION escalation.warning_dispatch(warning_id bigint, department_id bigint DEFAULT NULL,
	reply_by timestamptz DEFAULT NULL, note text DEFAULT NULL) RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, escalation, pg_temp AS
$$
DECLARE
	w escalation.warning := escalation_internal.handling_warning(warning_id, 'warning_dispatch');
	h escalation.warning_handling;
	target bigint;
	due timestamptz;
BEGIN
	PERFORM escalation_internal.handling_require_centre(w, 'dispatch');
	SELECT * INTO h FROM escalation.warning_handling x WHERE x.warning_id = w.id;
	IF h.state <> 'signed' THEN
		PERFORM escalation_internal.handling_refuse(w, 'dispatched',
			CASE WHEN h.state = 'raised' THEN 'Sign it first with escalation.warning_sign().'
				 ELSE 'A warning is dispatched once, after it is signed.' END);
	END IF;
	target := coalesce(warning_dispatch.department_id, h.addressee_department_id);
	IF target IS NULL THEN
		RAISE EXCEPTION 'warning % has no addressee', w.id
			USING ERRCODE = 'invalid_parameter_value',
				  DETAIL = 'The responsibility database names no department that answers for its item.',
				  HINT = 'Name the department to dispatch it to, and fill the gap in the responsibility database.';
	END IF;
	IF NOT EXISTS (SELECT 1 FROM escalation.department d WHERE d.id = target) THEN
		RAISE EXCEPTION 'department % does not exist', target
			USING ERRCODE = 'foreign_key_violation', DETAIL = format('Warning %s cannot be dispatched to it.', w.id);
	END IF;
	due := coalesce(reply_by, escalation.stage_due_at(now(), escalation.handling_within('reply')));
	IF due <= now() THEN
		RAISE EXCEPTION 'reply deadline of warning % is not in the future: %', w.id, due
			USING ERRCODE = 'invalid_parameter_value';
	END IF;
	RETURN escalation_internal.handling_record(w, 'dispatch', target, due, NULL, note);
END
$$;
COMMENT ON FUNCTION escalation.warning_dispatch(bigint, bigint, timestamptz, text) IS
	'下发: the command centre dispatches a signed warning to a department (NULL: its addressee) with a reply deadline (NULL: now plus the reply timer). Returns the event id. 预警下发';

CREATE FUNCTION escalation.warning_feedback(warning_id bigint, note text) RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, escalation, pg_temp AS
$$
DECLARE
	w escalation.warning := escalation_internal.handling_warning(warning_id, 'warning_feedback');
	h escalation.warning_handling;
	mine bigint := (SELECT ud.department_id FROM escalation.user_department ud WHERE ud.role_name = escalation.acting_role());
BEGIN
	SELECT * INTO h FROM escalation.warning_handling x WHERE x.warning_id = w.id;
	IF h.dispatched_to IS NOT NULL AND mine IS DISTINCT FROM h.dispatched_to
	   AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles r WHERE r.rolname = escalation.acting_role() AND r.rolsuper) THEN
		RAISE EXCEPTION 'role "%" cannot answer warning %: it was dispatched to department %', escalation.acting_role(), w.id,
				escalation.department_label(h.dispatched_to)
			USING ERRCODE = 'insufficient_privilege',
				  HINT = 'Feedback is given by a role of the addressee department (escalation.user_department).';
	END IF;
	IF NOT h.awaiting_reply THEN
		PERFORM escalation_internal.handling_refuse(w, 'answered', 'Feedback answers a dispatch or a return.');
	END IF;
	IF note IS NULL OR btrim(note) = '' THEN
		RAISE EXCEPTION 'feedback on warning % must say what was done', w.id
			USING ERRCODE = 'null_value_not_allowed';
	END IF;
	RETURN escalation_internal.handling_record(w, 'feedback', h.dispatched_to, NULL, NULL, note);
END
$$;
COMMENT ON FUNCTION escalation.warning_feedback(bigint, text) IS
	'反馈: a role of the department a warning was dispatched to says what was done (with references to attachments). Returns the event id. 预警反馈';

CREATE FUNCTION escalation.warning_review(warning_id bigint, accepted boolean, note text DEFAULT NULL) RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, escalation, pg_temp AS
$$
DECLARE
	w escalation.warning := escalation_internal.handling_warning(warning_id, 'warning_review');
	h escalation.warning_handling;
BEGIN
	PERFORM escalation_internal.handling_require_centre(w, 'review');
	SELECT * INTO h FROM escalation.warning_handling x WHERE x.warning_id = w.id;
	IF h.state <> 'answered' THEN
		PERFORM escalation_internal.handling_refuse(w, 'reviewed', 'A warning is reviewed after its addressee''s feedback.');
	END IF;
	IF accepted IS NULL THEN
		RAISE EXCEPTION 'review of warning % needs a verdict', w.id
			USING ERRCODE = 'null_value_not_allowed', HINT = 'accepted: true 办结, false 退回.';
	END IF;
	IF NOT accepted AND (note IS NULL OR btrim(note) = '') THEN
		RAISE EXCEPTION 'returning warning % needs a reason', w.id
			USING ERRCODE = 'null_value_not_allowed';
	END IF;
	IF accepted AND w.resolved_at IS NULL AND (note IS NULL OR btrim(note) = '') THEN
		RAISE EXCEPTION 'warning % cannot be closed without a reason: its item is still unhandled', w.id
			USING ERRCODE = 'null_value_not_allowed',
				  HINT = 'Give the reason for closing it, e.g. 已立案.';
	END IF;
	RETURN escalation_internal.handling_record(w, 'review', NULL,
		CASE WHEN NOT accepted THEN escalation.stage_due_at(now(), escalation.handling_within('reply')) END,
		accepted, note);
END
$$;
COMMENT ON FUNCTION escalation.warning_review(bigint, boolean, text) IS
	'审核: the command centre accepts the feedback (办结; with a reason while the item is unhandled) or returns it with a reason (退回), which reopens the reply clock. Returns the event id. 预警审核';

-- The signing step under its 0.1.0 name.
CREATE OR REPLACE FUNCTION escalation.acknowledge(warning_id bigint, note text DEFAULT NULL) RETURNS bigint
LANGUAGE sql SET search_path = pg_catalog, escalation, pg_temp
RETURN escalation.warning_sign(warning_id, note);
COMMENT ON FUNCTION escalation.acknowledge(bigint, text) IS
	'The signing step under its 0.1.0 name: escalation.warning_sign(). 预警签收';

CREATE FUNCTION escalation.warning_timeline(warning_id bigint)
RETURNS TABLE (event_id bigint, step escalation.handling_step, done_at timestamptz, done_by name,
	department_id bigint, department_name text, reply_by timestamptz, accepted boolean, note text)
LANGUAGE sql STABLE
BEGIN ATOMIC
	SELECT s.id, s.step, s.done_at, s.done_by, s.department_id, d.name, s.reply_by, s.accepted, s.note
	FROM escalation.warning_step s
	LEFT JOIN escalation.department d ON d.id = s.department_id
	WHERE s.warning_id = warning_timeline.warning_id
	ORDER BY s.id;
END;
COMMENT ON FUNCTION escalation.warning_timeline(bigint) IS
	'The handling steps of a warning in order, as far as the caller may see them. 预警处置过程';

------------------------------------------------------------------------------
-- Row-level security and privileges
------------------------------------------------------------------------------

SELECT escalation.enable_region_security(t)
FROM unnest(ARRAY['escalation.warning_addressee', 'escalation.warning_step']::regclass[]) AS t;

GRANT USAGE ON SCHEMA escalation TO escalation_command_centre;
GRANT SELECT, DELETE ON escalation.user_department, escalation.handling_timer_override TO escalation_admin;
SELECT escalation_internal.grant_column_writes(t, '{escalation_admin}')
FROM unnest(ARRAY['escalation.user_department', 'escalation.handling_timer_override']::regclass[]) AS t;
GRANT SELECT ON escalation.warning_addressee, escalation.warning_step, escalation.warning_handling, escalation.handling_rule
	TO escalation_admin, escalation_user, escalation_analyst;

REVOKE ALL ON FUNCTION
	escalation.handling_within(escalation.handling_timer),
	escalation_internal.warning_addressee_of(escalation.warning), escalation_internal.warning_address(),
	escalation.handling_state_label(escalation.handling_state),
	escalation_internal.handling_warning(bigint, text),
	escalation_internal.handling_require_centre(escalation.warning, text),
	escalation_internal.handling_refuse(escalation.warning, text, text),
	escalation_internal.handling_record(escalation.warning, escalation.handling_step, bigint, timestamptz, boolean, text, bigint),
	escalation.warning_sign(bigint, text), escalation.warning_dispatch(bigint, bigint, timestamptz, text),
	escalation.warning_feedback(bigint, text), escalation.warning_review(bigint, boolean, text),
	escalation.acknowledge(bigint, text), escalation.warning_timeline(bigint)
FROM PUBLIC;
GRANT EXECUTE ON FUNCTION escalation.handling_within(escalation.handling_timer), escalation.warning_timeline(bigint)
TO escalation_admin, escalation_user, escalation_analyst;
GRANT EXECUTE ON FUNCTION escalation.handling_state_label(escalation.handling_state)
TO escalation_admin, escalation_user, escalation_analyst, escalation_screen;
GRANT EXECUTE ON FUNCTION
	escalation.warning_sign(bigint, text), escalation.warning_dispatch(bigint, bigint, timestamptz, text),
	escalation.warning_feedback(bigint, text), escalation.warning_review(bigint, boolean, text),
	escalation.acknowledge(bigint, text)
TO escalation_admin, escalation_user;

-- The warnings of 0.1.0 get their addressees, and an acknowledgement becomes
-- the signing step it is now.
INSERT INTO escalation.warning_addressee (warning_id, department_id, supervisor_id, basis, region, decided_at)
SELECT w.id, a.department_id, a.supervisor_id, a.basis, w.region, w.raised_at
FROM escalation.warning w
CROSS JOIN LATERAL escalation_internal.warning_addressee_of(w) a;
INSERT INTO escalation.warning_step (id, warning_id, step, done_at, done_by, note, region)
SELECT w.ack_seq, w.id, 'sign', w.acknowledged_at, coalesce(w.acknowledged_by, ''), w.ack_note, w.region
FROM escalation.warning w
WHERE w.ack_seq IS NOT NULL;

-- The screens and the event stream carry the handling state.
DROP VIEW escalation.screen_warning;
DROP FUNCTION escalation.screen_warnings(escalation.region);
DROP FUNCTION escalation.warning_events(bigint, integer);

CREATE FUNCTION escalation.screen_warnings(for_screen escalation.region DEFAULT NULL)
RETURNS TABLE (
	warning_id bigint,
	kind escalation.warning_kind,
	kind_label text,
	subject_id bigint,
	stage smallint,
	top_stage smallint,
	screen escalation.level,
	screen_label text,
	screen_region escalation.region,
	screen_region_name text,
	district escalation.region,
	district_name text,
	street escalation.region,
	street_name text,
	unit_id bigint,
	unit_name text,
	department_id bigint,
	department_name text,
	action escalation.warning_action,
	action_label text,
	started_at timestamptz,
	first_due_at timestamptz,
	due_at timestamptz,
	raised_at timestamptz,
	days_overdue integer,
	escalated boolean,
	acknowledged_at timestamptz,
	handling_state escalation.handling_state,
	handling_state_label text,
	handling_overdue boolean,
	addressee_department_id bigint,
	addressee_name text,
	reply_due_at timestamptz)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, escalation, pg_temp AS
$$
BEGIN
	IF escalation.region_level(for_screen) NOT IN ('district', 'city') THEN
		RAISE EXCEPTION 'not a screen: %', for_screen
			USING ERRCODE = 'invalid_parameter_value',
				  DETAIL = format('%s is a %s; the screens are the districts'' and the city''s.',
								  for_screen, escalation.region_level(for_screen));
	END IF;
	-- The rows to rank, on_screen marking those the screen shows. For a
	-- district: the active warnings of the items it shows, on every screen,
	-- found through the district's entries in warning_active_idx. Without a
	-- screen, or for the city, whose screen shows most active warnings: every
	-- active warning.
	RETURN QUERY
	WITH family AS (
		SELECT w.*, for_screen IS NULL OR w.screen_region = for_screen AS on_screen
		FROM escalation.warning w CROSS JOIN escalation.screen_scope() c
		WHERE (for_screen IS NULL OR escalation.region_level(for_screen) = 'city') AND w.resolved_at IS NULL
		  AND (c.sees_all OR w.region OPERATOR(escalation.<@) c.region)
		UNION ALL
		SELECT w.*, w.screen_region = for_screen
				OR (w.screen_region = escalation.region_city(for_screen) AND coalesce(w.district = for_screen, false))
		FROM escalation.warning w CROSS JOIN escalation.screen_scope() c
		WHERE escalation.region_level(for_screen) = 'district' AND w.resolved_at IS NULL
		  AND (c.sees_all OR w.region OPERATOR(escalation.<@) c.region)
		  AND (w.subject_id, w.kind, w.started_at) IN (
				SELECT x.subject_id, x.kind, x.started_at FROM escalation.warning x
				WHERE x.resolved_at IS NULL
				  AND (x.screen_region = for_screen
					   OR (x.screen_region = escalation.region_city(for_screen) AND x.district = for_screen)))
	), active AS (
		SELECT f.*,
			-- One condition for the rows kept, so the planner's estimate of
			-- them stays that of one filter (it picks the joins below by it).
			CASE WHEN f.on_screen THEN row_number() OVER (PARTITION BY f.kind, f.subject_id, f.started_at, f.screen_region
														  ORDER BY f.stage DESC) END AS latest,
			max(f.stage) OVER (PARTITION BY f.kind, f.subject_id, f.started_at) AS item_stage,
			min(f.due_at) OVER (PARTITION BY f.kind, f.subject_id, f.started_at) AS item_due_at
		FROM family f
	)
	SELECT a.id, a.kind, escalation.warning_kind_label(a.kind), a.subject_id, a.stage, a.item_stage,
		a.screen, escalation.screen_label(a.screen), a.screen_region, sr.name, a.district, dn.name,
		CASE WHEN escalation.region_level(a.region) = 'street' THEN a.region END,
		CASE WHEN escalation.region_level(a.region) = 'street' THEN st.name END,
		a.unit_id, u.name, a.department_id, dp.name,
		a.action, escalation.warning_action_label(a.action),
		a.started_at, a.item_due_at, a.due_at, a.raised_at,
		floor(extract(epoch FROM now() - a.item_due_at) / 86400)::integer,
		a.item_stage > a.stage,
		a.acknowledged_at,
		h.state, escalation.handling_state_label(h.state), coalesce(h.sign_overdue AND h.state = 'raised' OR h.reply_overdue, false),
		h.addressee_department_id, coalesce(ad.name, '无承办部门'), h.reply_due_at
	FROM active a
	LEFT JOIN escalation.warning_handling h ON h.warning_id = a.id
	LEFT JOIN escalation.department ad ON ad.id = h.addressee_department_id
	LEFT JOIN escalation.division sr ON sr.code = a.screen_region
	LEFT JOIN escalation.division dn ON dn.code = a.district
	LEFT JOIN escalation.division st ON st.code = a.region
	LEFT JOIN escalation.unit u ON u.id = a.unit_id
	LEFT JOIN escalation.department dp ON dp.id = a.department_id
	WHERE a.latest = 1;
END
$$;
COMMENT ON FUNCTION escalation.screen_warnings(escalation.region) IS
	'Active warnings, one row per item and screen (its latest stage there), with Chinese labels and names, limited to what the caller may see (escalation.screen_scope). With for_screen (a district or the city), only what that screen shows: its own rows and, for a district, its items escalated to the city screen. 大屏在办预警';

CREATE VIEW escalation.screen_warning AS SELECT * FROM escalation.screen_warnings();
COMMENT ON VIEW escalation.screen_warning IS
	'Active warnings per screen (大屏在办预警): one row per item and screen at its latest stage there, with unit, street and district names, Chinese labels, days overdue and whether it has escalated beyond this screen. What the screens and BI tools read.';
COMMENT ON COLUMN escalation.screen_warning.warning_id IS 'Id of the item''s latest warning on this screen. 预警编号';
COMMENT ON COLUMN escalation.screen_warning.kind IS 'Kind of warning. 预警类型';
COMMENT ON COLUMN escalation.screen_warning.kind_label IS 'Kind in Chinese. 预警类型名称';
COMMENT ON COLUMN escalation.screen_warning.subject_id IS 'The item: hazard, clue or licence id, or unit id for dual prevention. 事项编号';
COMMENT ON COLUMN escalation.screen_warning.stage IS 'The item''s latest stage on this screen. 本屏预警级次';
COMMENT ON COLUMN escalation.screen_warning.top_stage IS 'The item''s highest active stage on any screen. 最高预警级次';
COMMENT ON COLUMN escalation.screen_warning.screen IS 'district or city. 大屏层级';
COMMENT ON COLUMN escalation.screen_warning.screen_label IS 'Screen level in Chinese. 大屏层级名称';
COMMENT ON COLUMN escalation.screen_warning.screen_region IS 'District code of a district screen, city code of the city screen. 大屏区划';
COMMENT ON COLUMN escalation.screen_warning.screen_region_name IS 'Name of the screen''s district or city. 大屏区划名称';
COMMENT ON COLUMN escalation.screen_warning.district IS 'District of the item. 所属区县';
COMMENT ON COLUMN escalation.screen_warning.district_name IS 'Name of the district. 区县名称';
COMMENT ON COLUMN escalation.screen_warning.street IS 'Street or town of the item, when it is in one. 所属街道（镇）';
COMMENT ON COLUMN escalation.screen_warning.street_name IS 'Name of the street or town. 街道（镇）名称';
COMMENT ON COLUMN escalation.screen_warning.unit_id IS 'The unit concerned, if any. 生产经营单位编号';
COMMENT ON COLUMN escalation.screen_warning.unit_name IS 'Name of the unit. 生产经营单位名称';
COMMENT ON COLUMN escalation.screen_warning.department_id IS 'Finding or transferring department, if any. 发现/移交部门编号';
COMMENT ON COLUMN escalation.screen_warning.department_name IS 'Name of that department. 发现/移交部门名称';
COMMENT ON COLUMN escalation.screen_warning.action IS 'Action of this screen''s office at this stage. 处置动作';
COMMENT ON COLUMN escalation.screen_warning.action_label IS 'Action in Chinese. 处置动作名称';
COMMENT ON COLUMN escalation.screen_warning.started_at IS 'Start of the item''s ladder. 起算时间';
COMMENT ON COLUMN escalation.screen_warning.first_due_at IS 'When the item''s first stage fell due (it has been overdue since). 首次预警时间';
COMMENT ON COLUMN escalation.screen_warning.due_at IS 'When this stage fell due. 本级预警时间';
COMMENT ON COLUMN escalation.screen_warning.raised_at IS 'When this stage was raised. 预警发出时间';
COMMENT ON COLUMN escalation.screen_warning.days_overdue IS 'Whole days since the first stage fell due. 逾期天数';
COMMENT ON COLUMN escalation.screen_warning.escalated IS 'A later stage of the item is active on another screen (escalated from this one). 是否已升级';
COMMENT ON COLUMN escalation.screen_warning.acknowledged_at IS 'When the command centre acknowledged this warning, if it did. 签收时间';
COMMENT ON COLUMN escalation.screen_warning.handling_state IS 'Where its handling stands (escalation.warning_handling). 处置状态';
COMMENT ON COLUMN escalation.screen_warning.handling_state_label IS 'Handling state in Chinese. 处置状态名称';
COMMENT ON COLUMN escalation.screen_warning.handling_overdue IS 'Unsigned past the sign timer, or unanswered past its reply deadline. 处置超时';
COMMENT ON COLUMN escalation.screen_warning.addressee_department_id IS 'The addressee decided at raising; NULL when none was found. 承办部门编号';
COMMENT ON COLUMN escalation.screen_warning.addressee_name IS 'Name of the addressee, 无承办部门 when none was found. 承办部门名称';
COMMENT ON COLUMN escalation.screen_warning.reply_due_at IS 'The reply deadline in force, once dispatched. 反馈期限';

CREATE FUNCTION escalation.warning_events(after bigint, max_rows integer DEFAULT 1000)
RETURNS TABLE (
	event_id bigint,
	event text,
	warning_id bigint,
	kind escalation.warning_kind,
	subject_id bigint,
	started_at timestamptz,
	stage smallint,
	screen escalation.level,
	screen_region escalation.region,
	district escalation.region,
	unit_id bigint,
	unit_name text,
	street_name text,
	kind_label text,
	action escalation.warning_action,
	action_label text,
	first_due_at timestamptz,
	due_at timestamptz,
	raised_at timestamptz,
	resolved_at timestamptz,
	resolved_reason escalation.warning_resolution,
	acknowledged_at timestamptz,
	handling_state escalation.handling_state,
	handling_overdue boolean)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, escalation, pg_temp AS
$$
DECLARE
	scope record;
BEGIN
	IF after IS NULL THEN
		RAISE EXCEPTION 'after must not be null'
			USING ERRCODE = 'null_value_not_allowed', HINT = 'Pass 0 to read from the first event.';
	END IF;
	IF max_rows IS NULL OR max_rows NOT BETWEEN 1 AND 100000 THEN
		RAISE EXCEPTION 'max_rows must be between 1 and 100000: %', coalesce(max_rows::text, 'NULL')
			USING ERRCODE = 'invalid_parameter_value';
	END IF;
	SELECT * INTO scope FROM escalation.screen_scope();
	RETURN QUERY
	SELECT e.event_id, e.event, w.id, w.kind, w.subject_id, w.started_at, w.stage, w.screen, w.screen_region,
		w.district, w.unit_id, u.name, CASE WHEN escalation.region_level(w.region) = 'street' THEN st.name END,
		escalation.warning_kind_label(w.kind), w.action, escalation.warning_action_label(w.action),
		-- When the item's episode first fell due: its first stage's warning,
		-- through the item-stage key (an episode's stages are resolved together).
		(SELECT min(f.due_at) FROM escalation.warning f
		 WHERE f.subject_id = w.subject_id AND f.kind = w.kind AND f.started_at = w.started_at),
		w.due_at, w.raised_at, w.resolved_at, w.resolved_reason, w.acknowledged_at,
		h.state, coalesce(h.sign_overdue AND h.state = 'raised' OR h.reply_overdue, false)
	FROM (
		SELECT x.event_id, x.event, x.id FROM (
			SELECT v.id AS event_id, 'raised' AS event, v.id, v.region FROM escalation.warning v WHERE v.id > after
			UNION ALL
			SELECT v.resolved_seq, 'resolved', v.id, v.region FROM escalation.warning v WHERE v.resolved_seq > after
			UNION ALL
			SELECT v.ack_seq, 'acknowledged', v.id, v.region FROM escalation.warning v WHERE v.ack_seq > after
			UNION ALL
			SELECT s.id, 'handled', s.warning_id, s.region FROM escalation.warning_step s
			WHERE s.id > after AND s.step <> 'sign'
		) x
		WHERE scope.sees_all OR x.region OPERATOR(escalation.<@) scope.region
		ORDER BY x.event_id
		LIMIT max_rows
	) e
	JOIN escalation.warning w ON w.id = e.id
	LEFT JOIN escalation.warning_handling h ON h.warning_id = w.id
	LEFT JOIN escalation.unit u ON u.id = w.unit_id
	LEFT JOIN escalation.division st ON st.code = w.region
	ORDER BY e.event_id;
END
$$;
COMMENT ON FUNCTION escalation.warning_events(bigint, integer) IS
	'The warning events (raised, resolved, acknowledged, and handled for the later handling steps) after an event id, in event order, at most max_rows, limited to what the caller may see (escalation.screen_scope), with the names and labels a screen shows; the screen worker reads it after every NOTIFY escalation_warning. Event ids commit in order, so reading after the last id seen never misses one. 预警事件流';

-- Where a reader that keeps only recent events starts: the screen worker at
-- start needs the last events for Last-Event-ID resumes, not all of history.
CREATE OR REPLACE FUNCTION escalation.warning_events_tail(keep integer)
RETURNS bigint
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, escalation, pg_temp AS
$$
DECLARE
	scope record;
	start bigint;
BEGIN
	IF keep IS NULL OR keep NOT BETWEEN 1 AND 10000000 THEN
		RAISE EXCEPTION 'keep must be between 1 and 10000000: %', coalesce(keep::text, 'NULL')
			USING ERRCODE = 'invalid_parameter_value';
	END IF;
	SELECT * INTO scope FROM escalation.screen_scope();
	SELECT x.event_id INTO start FROM (
		SELECT v.id AS event_id, v.region FROM escalation.warning v
		UNION ALL
		SELECT v.resolved_seq, v.region FROM escalation.warning v WHERE v.resolved_seq IS NOT NULL
		UNION ALL
		SELECT v.ack_seq, v.region FROM escalation.warning v WHERE v.ack_seq IS NOT NULL
		UNION ALL
		SELECT s.id, s.region FROM escalation.warning_step s WHERE s.step <> 'sign'
	) x
	WHERE scope.sees_all OR x.region OPERATOR(escalation.<@) scope.region
	ORDER BY x.event_id DESC
	OFFSET keep LIMIT 1;
	RETURN coalesce(start, 0);
END
$$;
COMMENT ON FUNCTION escalation.warning_events_tail(integer) IS
	'The event id after which the caller''s last keep warning events lie (0 when there are no more than keep): warning_events() read after it gives exactly those. The screen worker starts there instead of reading all of history. 最近预警事件起点';

REVOKE ALL ON FUNCTION escalation.screen_warnings(escalation.region), escalation.warning_events(bigint, integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION escalation.screen_warnings(escalation.region), escalation.warning_events(bigint, integer)
TO escalation_admin, escalation_user, escalation_analyst, escalation_screen;
GRANT SELECT ON escalation.screen_warning TO escalation_admin, escalation_user, escalation_analyst, escalation_screen;

------------------------------------------------------------------------------
-- Warning handling: how fast warnings were handled (预警处置考评, §9, §23)
------------------------------------------------------------------------------

CREATE FUNCTION escalation.handling_scorecard(from_day date, to_day date, per_department boolean DEFAULT true)
RETURNS TABLE (
	department_id bigint,
	department_name text,
	district escalation.region,
	district_name text,
	addressed bigint,
	signed bigint,
	signed_on_time bigint,
	dispatched bigint,
	answered bigint,
	answered_on_time bigint,
	returned bigint,
	closed bigint,
	median_hours_to_sign numeric,
	median_hours_to_answer numeric)
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, escalation, pg_temp AS
$$
BEGIN
	PERFORM escalation.require_period(from_day, to_day);
	RETURN QUERY
	WITH fact AS (
		SELECT w.id, a.department_id AS dept, coalesce(w.district, escalation.region_city(w.screen_region)) AS dist,
			w.raised_at, s.signed_at, s.dispatched_at, s.first_reply_by, s.answered_at, s.was_returned, s.was_closed
		FROM escalation.warning w
		LEFT JOIN escalation.warning_addressee a ON a.warning_id = w.id
		CROSS JOIN LATERAL (
			SELECT min(x.done_at) FILTER (WHERE x.step = 'sign') AS signed_at,
				min(x.done_at) FILTER (WHERE x.step = 'dispatch') AS dispatched_at,
				(array_agg(x.reply_by ORDER BY x.id) FILTER (WHERE x.step = 'dispatch'))[1] AS first_reply_by,
				min(x.done_at) FILTER (WHERE x.step = 'feedback') AS answered_at,
				coalesce(bool_or(x.step = 'review' AND NOT x.accepted), false) AS was_returned,
				coalesce(bool_or(x.step = 'review' AND x.accepted), false) AS was_closed
			FROM escalation.warning_step x WHERE x.warning_id = w.id) s
		WHERE w.raised_at >= escalation.day_start(from_day) AND w.raised_at < escalation.day_start(to_day + 1)
	)
	SELECT CASE WHEN per_department THEN f.dept END, CASE WHEN per_department THEN d.name END,
		CASE WHEN NOT per_department THEN f.dist END, CASE WHEN NOT per_department THEN dv.name END,
		count(*), count(f.signed_at),
		count(*) FILTER (WHERE f.signed_at <= escalation.stage_due_at(f.raised_at, escalation.handling_within('sign'))),
		count(f.dispatched_at), count(f.answered_at),
		count(*) FILTER (WHERE f.answered_at <= f.first_reply_by),
		count(*) FILTER (WHERE f.was_returned), count(*) FILTER (WHERE f.was_closed),
		round((percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM f.signed_at - f.raised_at)) / 3600)::numeric, 1),
		round((percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM f.answered_at - f.dispatched_at)) / 3600)::numeric, 1)
	FROM fact f
	LEFT JOIN escalation.department d ON per_department AND d.id = f.dept
	LEFT JOIN escalation.division dv ON NOT per_department AND dv.code = f.dist
	GROUP BY 1, 2, 3, 4
	ORDER BY 1, 3;
END
$$;
COMMENT ON FUNCTION escalation.handling_scorecard(date, date, boolean) IS
	'How the warnings raised from_day..to_day were handled, per addressee department (per_department) or per district, as far as the caller may see them: addressed, signed, signed on time (the sign timer), dispatched, answered, answered by the first reply deadline, returned, closed, median hours to sign (from raising) and to answer (from the first dispatch). 预警处置考评';

REVOKE ALL ON FUNCTION escalation.handling_scorecard(date, date, boolean) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION escalation.handling_scorecard(date, date, boolean)
TO escalation_admin, escalation_user, escalation_analyst;

------------------------------------------------------------------------------
-- Warning handling for analysts and BI tools: labels of the handling enums in
-- enum_label, analyst views of the addressees and the handling steps.
------------------------------------------------------------------------------

CREATE FUNCTION escalation.handling_step_label(step escalation.handling_step) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN CASE step WHEN 'sign' THEN '签收' WHEN 'dispatch' THEN '下发' WHEN 'feedback' THEN '反馈' WHEN 'review' THEN '审核' END;
COMMENT ON FUNCTION escalation.handling_step_label(escalation.handling_step) IS
	'Chinese label of a handling step. 处置环节名称';

CREATE FUNCTION escalation.handling_timer_label(timer escalation.handling_timer) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN CASE timer WHEN 'sign' THEN '签收时限' WHEN 'reply' THEN '反馈时限' END;
COMMENT ON FUNCTION escalation.handling_timer_label(escalation.handling_timer) IS
	'Chinese label of a handling timer. 处置时限名称';
REVOKE ALL ON FUNCTION escalation.handling_step_label(escalation.handling_step),
	escalation.handling_timer_label(escalation.handling_timer)
FROM PUBLIC;
GRANT EXECUTE ON FUNCTION escalation.handling_step_label(escalation.handling_step),
	escalation.handling_timer_label(escalation.handling_timer)
TO escalation_admin, escalation_user, escalation_analyst, escalation_screen;

CREATE OR REPLACE VIEW escalation.enum_label AS
	SELECT 'business_status'::text AS enum_type, v::text AS value, escalation.business_status_label(v) AS label
	FROM unnest(enum_range(NULL::escalation.business_status)) v
	UNION ALL SELECT 'campaign_kind', v::text, escalation.campaign_kind_label(v) FROM unnest(enum_range(NULL::escalation.campaign_kind)) v
	UNION ALL SELECT 'clue_handling', v::text, escalation.clue_handling_label(v) FROM unnest(enum_range(NULL::escalation.clue_handling)) v
	UNION ALL SELECT 'department_kind', v::text, escalation.department_kind_label(v) FROM unnest(enum_range(NULL::escalation.department_kind)) v
	UNION ALL SELECT 'dp_check_result', v::text, escalation.dp_check_result_label(v) FROM unnest(enum_range(NULL::escalation.dp_check_result)) v
	UNION ALL SELECT 'dp_control_level', v::text, escalation.dp_control_level_label(v) FROM unnest(enum_range(NULL::escalation.dp_control_level)) v
	UNION ALL SELECT 'dp_risk_grade', v::text, escalation.dp_risk_grade_label(v) FROM unnest(enum_range(NULL::escalation.dp_risk_grade)) v
	UNION ALL SELECT 'dual_prevention_scope', v::text, escalation.dual_prevention_scope_label(v) FROM unnest(enum_range(NULL::escalation.dual_prevention_scope)) v
	UNION ALL SELECT 'duty_role', v::text, escalation.duty_role_label(v) FROM unnest(enum_range(NULL::escalation.duty_role)) v
	UNION ALL SELECT 'gap_reason', v::text, escalation.gap_reason_label(v) FROM unnest(enum_range(NULL::escalation.gap_reason)) v
	UNION ALL SELECT 'handling_state', v::text, escalation.handling_state_label(v) FROM unnest(enum_range(NULL::escalation.handling_state)) v
	UNION ALL SELECT 'handling_step', v::text, escalation.handling_step_label(v) FROM unnest(enum_range(NULL::escalation.handling_step)) v
	UNION ALL SELECT 'handling_timer', v::text, escalation.handling_timer_label(v) FROM unnest(enum_range(NULL::escalation.handling_timer)) v
	UNION ALL SELECT 'hazard_category', v::text, escalation.hazard_category_label(v) FROM unnest(enum_range(NULL::escalation.hazard_category)) v
	UNION ALL SELECT 'hazard_grade', v::text, escalation.hazard_grade_label(v) FROM unnest(enum_range(NULL::escalation.hazard_grade)) v
	UNION ALL SELECT 'hazard_source', v::text, escalation.hazard_source_label(v) FROM unnest(enum_range(NULL::escalation.hazard_source)) v
	UNION ALL SELECT 'hazard_status', v::text, escalation.hazard_status_label(v) FROM unnest(enum_range(NULL::escalation.hazard_status)) v
	UNION ALL SELECT 'hazard_step', v::text, escalation.hazard_step_label(v) FROM unnest(enum_range(NULL::escalation.hazard_step)) v
	UNION ALL SELECT 'inspection_kind', v::text, escalation.inspection_kind_label(v) FROM unnest(enum_range(NULL::escalation.inspection_kind)) v
	UNION ALL SELECT 'inspection_mode', v::text, escalation.inspection_mode_label(v) FROM unnest(enum_range(NULL::escalation.inspection_mode)) v
	UNION ALL SELECT 'level', v::text, escalation.level_label(v) FROM unnest(enum_range(NULL::escalation.level)) v
	UNION ALL SELECT 'recheck_result', v::text, escalation.recheck_result_label(v) FROM unnest(enum_range(NULL::escalation.recheck_result)) v
	UNION ALL SELECT 'safety_state', v::text, escalation.safety_state_label(v) FROM unnest(enum_range(NULL::escalation.safety_state)) v
	UNION ALL SELECT 'social_function', v::text, escalation.social_function_label(v) FROM unnest(enum_range(NULL::escalation.social_function)) v
	UNION ALL SELECT 'supervision_type', v::text, escalation.supervision_type_label(v) FROM unnest(enum_range(NULL::escalation.supervision_type)) v
	UNION ALL SELECT 'warning_action', v::text, escalation.warning_action_label(v) FROM unnest(enum_range(NULL::escalation.warning_action)) v
	UNION ALL SELECT 'warning_kind', v::text, escalation.warning_kind_label(v) FROM unnest(enum_range(NULL::escalation.warning_kind)) v
	UNION ALL SELECT 'warning_resolution', v::text, escalation.warning_resolution_label(v) FROM unnest(enum_range(NULL::escalation.warning_resolution)) v;

CREATE VIEW escalation.warning_addressee_analyst WITH (security_invoker = true) AS
	SELECT t.warning_id,
		t.department_id,
		t.supervisor_id,
		t.basis,
		t.region::text AS region,
		t.decided_at
	FROM escalation.warning_addressee t;
COMMENT ON VIEW escalation.warning_addressee_analyst IS
	'What an analyst may read of escalation.warning_addressee, for BI tools: its permitted columns, region and uscc codes as text, enum columns with their Chinese labels. 预警承办部门（分析视图）';

CREATE VIEW escalation.warning_step_analyst WITH (security_invoker = true) AS
	SELECT t.id,
		t.warning_id,
		t.step,
		escalation.handling_step_label(t.step) AS step_label,
		t.done_at,
		t.done_by,
		t.department_id,
		t.reply_by,
		t.accepted,
		t.note,
		t.region::text AS region
	FROM escalation.warning_step t;
COMMENT ON VIEW escalation.warning_step_analyst IS
	'What an analyst may read of escalation.warning_step, for BI tools: its permitted columns, region and uscc codes as text, enum columns with their Chinese labels. 预警处置记录（分析视图）';
COMMENT ON COLUMN escalation.warning_step_analyst.step_label IS 'step in Chinese (escalation.handling_step_label). 处置环节（中文）';

-- The columns keep their tables' comments.
DO $comments$
DECLARE
	a record;
BEGIN
	FOR a IN
		SELECT v.relname AS view, t.attname, pg_catalog.col_description(t.attrelid, t.attnum) AS note
		FROM (VALUES ('warning_addressee'), ('warning_step')) x (tbl)
		JOIN pg_catalog.pg_class v ON v.relname = x.tbl || '_analyst' AND v.relnamespace = 'escalation'::regnamespace
		JOIN pg_catalog.pg_attribute t ON t.attrelid = ('escalation.' || x.tbl)::regclass AND t.attnum > 0 AND NOT t.attisdropped
	LOOP
		EXECUTE format('COMMENT ON COLUMN escalation.%I.%I IS %L', a.view, a.attname, a.note);
	END LOOP;
END
$comments$;

GRANT SELECT ON escalation.warning_addressee_analyst, escalation.warning_step_analyst TO escalation_admin, escalation_analyst;

------------------------------------------------------------------------------
-- Extensions with approval (延期审批): the limits of the ladders as rules
-- data, extension requests and decisions, and a ladder an extension granted
-- after a warning does not move (sql/parts/52_rules.sql, 47_hazard_extensions.sql).
------------------------------------------------------------------------------

------------------------------------------------------------------------------
-- The limits of the ladders (预警规则限值): how often and how far an item may
-- be put off, and the deadlines the text leaves to the city
------------------------------------------------------------------------------

-- Shipped limits. Read-only for users, like rule_default: the city's changes
-- are rows of rule_limit_override, which pg_dump keeps.
CREATE TABLE escalation.rule_limit_default (
	name text NOT NULL,
	amount numeric,
	span interval,
	description text NOT NULL,
	CONSTRAINT rule_limit_default_pkey PRIMARY KEY (name),
	CONSTRAINT rule_limit_default_amount_or_span CHECK ((amount IS NULL) <> (span IS NULL))
);
COMMENT ON TABLE escalation.rule_limit_default IS
	'The limits of the ladders as shipped (延期次数与时长、复查期限等); the limits in force are escalation.rule_limit. 默认预警规则限值';
COMMENT ON COLUMN escalation.rule_limit_default.name IS 'Name of the limit. 限值名称';
COMMENT ON COLUMN escalation.rule_limit_default.amount IS 'A count or a share, for limits that are numbers. 数量/比例';
COMMENT ON COLUMN escalation.rule_limit_default.span IS 'A length of time (days of 24 hours), for limits that are durations. 时长';
COMMENT ON COLUMN escalation.rule_limit_default.description IS 'What the limit governs. 说明';

INSERT INTO escalation.rule_limit_default (name, amount, span, description) VALUES
	('hazard_extension_count', 2, NULL, 'Extensions (延期) a hazard may be granted in all. 隐患延期次数上限'),
	('hazard_extension_total', NULL, '30 days', 'Total time all extensions of a hazard may add to its deadline. 隐患延期累计时长上限'),
	('hazard_recheck_within', NULL, '3 days', 'Time the supervising department has to re-inspect a hazard rectified on time; after it the hazard climbs as 逾期未复查. 复查期限'),
	('clue_forward_count', 3, NULL, 'Forwards (转办) a clue may go through before only the city office may forward it. 线索转办次数上限');

-- The city's changes to the shipped limits.
CREATE TABLE escalation.rule_limit_override (
	name text NOT NULL,
	amount numeric,
	span interval,
	changed_at timestamptz NOT NULL DEFAULT statement_timestamp(),
	changed_by name NOT NULL DEFAULT current_user,
	CONSTRAINT rule_limit_override_pkey PRIMARY KEY (name),
	CONSTRAINT rule_limit_override_name_fkey FOREIGN KEY (name) REFERENCES escalation.rule_limit_default (name),
	CONSTRAINT rule_limit_override_amount_or_span CHECK ((amount IS NULL) <> (span IS NULL)),
	CONSTRAINT rule_limit_override_amount_not_negative CHECK (amount >= 0),
	CONSTRAINT rule_limit_override_span_in_days
		CHECK (span >= interval '0' AND date_part('month', span) = 0 AND date_part('year', span) = 0
			   AND span <= interval '3650 days')
);
COMMENT ON TABLE escalation.rule_limit_override IS
	'The city''s changes to the shipped limits of the ladders; kept by pg_dump. 预警规则限值调整记录';
COMMENT ON COLUMN escalation.rule_limit_override.name IS 'Name of the limit (one of rule_limit_default). 限值名称';
COMMENT ON COLUMN escalation.rule_limit_override.amount IS 'The city''s count or share. 数量/比例';
COMMENT ON COLUMN escalation.rule_limit_override.span IS 'The city''s length of time. 时长';
COMMENT ON COLUMN escalation.rule_limit_override.changed_at IS 'When the change was made. 调整时间';
COMMENT ON COLUMN escalation.rule_limit_override.changed_by IS 'Role that made the change. 调整人';
SELECT pg_catalog.pg_extension_config_dump('escalation.rule_limit_override', '');

CREATE VIEW escalation.rule_limit AS
	SELECT d.name, coalesce(o.amount, CASE WHEN o.name IS NULL THEN d.amount END) AS amount,
		coalesce(o.span, CASE WHEN o.name IS NULL THEN d.span END) AS span, o.name IS NOT NULL AS changed, d.description
	FROM escalation.rule_limit_default d
	LEFT JOIN escalation.rule_limit_override o ON o.name = d.name;
COMMENT ON VIEW escalation.rule_limit IS
	'The limits of the ladders in force (预警规则限值): shipped values unless the city office changed them in escalation.rule_limit_override. 预警规则限值';
COMMENT ON COLUMN escalation.rule_limit.name IS 'Name of the limit. 限值名称';
COMMENT ON COLUMN escalation.rule_limit.amount IS 'A count or a share. 数量/比例';
COMMENT ON COLUMN escalation.rule_limit.span IS 'A length of time. 时长';
COMMENT ON COLUMN escalation.rule_limit.changed IS 'The city changed it. 是否已调整';
COMMENT ON COLUMN escalation.rule_limit.description IS 'What the limit governs. 说明';

-- One limit in force, as a number or as a length of time.
CREATE FUNCTION escalation.rule_limit_amount(name text) RETURNS numeric
LANGUAGE sql STABLE PARALLEL SAFE SET search_path = pg_catalog, escalation, pg_temp
BEGIN ATOMIC
	SELECT l.amount FROM escalation.rule_limit l WHERE l.name = rule_limit_amount.name;
END;
COMMENT ON FUNCTION escalation.rule_limit_amount(text) IS
	'The count or share of a limit in force (escalation.rule_limit). 预警规则限值（数量）';
CREATE FUNCTION escalation.rule_limit_span(name text) RETURNS interval
LANGUAGE sql STABLE PARALLEL SAFE SET search_path = pg_catalog, escalation, pg_temp
BEGIN ATOMIC
	SELECT l.span FROM escalation.rule_limit l WHERE l.name = rule_limit_span.name;
END;
COMMENT ON FUNCTION escalation.rule_limit_span(text) IS
	'The length of time of a limit in force (escalation.rule_limit). 预警规则限值（时长）';

-- Trigger (per statement): a changed re-inspection deadline re-times the hazards.
CREATE FUNCTION escalation_internal.rule_limit_retime() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, escalation, pg_temp AS
$$
BEGIN
	-- A restore brings back the tracking rows themselves.
	IF escalation.restoring() THEN
		RETURN NULL;
	END IF;
	PERFORM escalation.sync_items('hazard_overdue', NULL);
	RETURN NULL;
END
$$;
COMMENT ON FUNCTION escalation_internal.rule_limit_retime() IS
	'Trigger: after a change of the limits, hazards climbing the overdue ladder get their start from the re-inspection deadline in force. 限值变更后重算';
CREATE TRIGGER rule_limit_retime AFTER INSERT OR UPDATE OR DELETE ON escalation.rule_limit_override
	FOR EACH STATEMENT EXECUTE FUNCTION escalation_internal.rule_limit_retime();

GRANT SELECT ON escalation.rule_limit TO escalation_admin, escalation_user, escalation_analyst;
GRANT SELECT ON escalation.rule_limit_default TO escalation_admin, escalation_analyst;
GRANT SELECT, INSERT, UPDATE, DELETE ON escalation.rule_limit_override TO escalation_admin;
GRANT SELECT ON escalation.rule_limit_override TO escalation_analyst;
REVOKE ALL ON FUNCTION escalation.rule_limit_amount(text), escalation.rule_limit_span(text),
	escalation_internal.rule_limit_retime() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION escalation.rule_limit_amount(text), escalation.rule_limit_span(text)
	TO escalation_admin, escalation_user, escalation_analyst;

DROP VIEW escalation.hazard_timeline;

-- Extensions of a hazard's rectification deadline (隐患整改延期, §15): the unit
-- or the inspector asks before the deadline, the supervising department grants
-- or refuses with a reason, within limits the city sets (escalation.rule_limit).
-- Once a stage of the overdue ladder has fallen due, an extension no longer
-- moves the ladder: its warnings stay, and only the work-safety committee
-- office of the screen the hazard is on may grant one.

CREATE TABLE escalation.hazard_extension (
	id bigint GENERATED ALWAYS AS IDENTITY,
	hazard_id bigint NOT NULL,
	unit_id bigint NOT NULL,
	requested_at timestamptz NOT NULL,
	requested_by text,
	requested_deadline timestamptz NOT NULL,
	reason text NOT NULL,
	deadline_then timestamptz NOT NULL,
	decided_at timestamptz,
	decided_by bigint,
	approved boolean,
	decision_note text,
	granted_deadline timestamptz,
	after_warning boolean,
	ladder_start timestamptz,
	recorded_at timestamptz NOT NULL DEFAULT statement_timestamp(),
	recorded_by name NOT NULL,
	region escalation.region NOT NULL,
	CONSTRAINT hazard_extension_pkey PRIMARY KEY (id),
	CONSTRAINT hazard_extension_hazard_fkey FOREIGN KEY (hazard_id) REFERENCES escalation.hazard (id) ON DELETE CASCADE,
	CONSTRAINT hazard_extension_decided_by_fkey FOREIGN KEY (decided_by) REFERENCES escalation.department (id),
	CONSTRAINT hazard_extension_later_deadline CHECK (requested_deadline > deadline_then),
	CONSTRAINT hazard_extension_decision_complete
		CHECK ((decided_at IS NULL) = (approved IS NULL) AND (decided_at IS NULL) = (decided_by IS NULL)
			   AND (decided_at IS NULL OR decision_note IS NOT NULL)),
	CONSTRAINT hazard_extension_grant_complete
		CHECK (coalesce(approved, false) = (granted_deadline IS NOT NULL)
			   AND (granted_deadline IS NULL) = (ladder_start IS NULL)
			   AND (granted_deadline IS NULL) = (after_warning IS NULL))
);
CREATE UNIQUE INDEX hazard_extension_one_pending_idx ON escalation.hazard_extension (hazard_id) WHERE decided_at IS NULL;
CREATE INDEX hazard_extension_hazard_idx ON escalation.hazard_extension (hazard_id, id);
CREATE INDEX hazard_extension_region_idx ON escalation.hazard_extension (region);
COMMENT ON TABLE escalation.hazard_extension IS
	'Extension requests of hazards'' rectification deadlines and their decisions (隐患延期申请与审批): asked before the deadline, granted or refused by the supervising department with a reason; one granted after a stage of the overdue ladder fell due keeps the ladder (and its warnings) where they are. Written by escalation.hazard_extension_request(), escalation.hazard_extension_refuse() and escalation.hazard_extend().';
COMMENT ON COLUMN escalation.hazard_extension.id IS 'Request id. 申请编号';
COMMENT ON COLUMN escalation.hazard_extension.hazard_id IS 'The hazard. 隐患';
COMMENT ON COLUMN escalation.hazard_extension.unit_id IS 'Its unit. 隐患单位';
COMMENT ON COLUMN escalation.hazard_extension.requested_at IS 'When it was asked for; before the deadline then in force. 申请时间';
COMMENT ON COLUMN escalation.hazard_extension.requested_by IS 'Who asked (the unit''s person or the inspector); NULL when the granting department extended in time on its own inspection. 申请人';
COMMENT ON COLUMN escalation.hazard_extension.requested_deadline IS 'The deadline asked for. 申请延期至';
COMMENT ON COLUMN escalation.hazard_extension.reason IS 'Why the unit needs more time. 申请理由';
COMMENT ON COLUMN escalation.hazard_extension.deadline_then IS 'The deadline in force when it was asked for. 原整改期限';
COMMENT ON COLUMN escalation.hazard_extension.decided_at IS 'When it was granted or refused; NULL while pending. 审批时间';
COMMENT ON COLUMN escalation.hazard_extension.decided_by IS 'Department that granted or refused it. 审批部门';
COMMENT ON COLUMN escalation.hazard_extension.approved IS 'Granted (true) or refused (false). 是否批准';
COMMENT ON COLUMN escalation.hazard_extension.decision_note IS 'The reason of the grant or refusal. 审批意见';
COMMENT ON COLUMN escalation.hazard_extension.granted_deadline IS 'The deadline granted (at most the one asked for). 批准延期至';
COMMENT ON COLUMN escalation.hazard_extension.after_warning IS 'Granted after a stage of the overdue ladder fell due: the warnings stay and the ladder keeps its start. 预警后延期';
COMMENT ON COLUMN escalation.hazard_extension.ladder_start IS 'Start of the overdue ladder after the grant: the granted deadline, or the old start for a grant after a warning. 延期后预警起算时间';
COMMENT ON COLUMN escalation.hazard_extension.recorded_at IS 'When it was recorded. 记录时间';
COMMENT ON COLUMN escalation.hazard_extension.recorded_by IS 'Role that recorded it. 记录人';
COMMENT ON COLUMN escalation.hazard_extension.region IS 'Region of the unit (kept by trigger, for row-level security). 所属区划';
SELECT pg_catalog.pg_extension_config_dump('escalation.hazard_extension', '');
SELECT pg_catalog.pg_extension_config_dump('escalation.hazard_extension_id_seq', '');
SELECT escalation.follow_unit_region('escalation.hazard_extension');

-- Where a hazard's overdue ladder stands at an instant: its origin, start,
-- the screen of the last stage due by then or already raised (NULL if none)
-- and that screen's region.
CREATE FUNCTION escalation_internal.hazard_ladder_at(hazard_id bigint, at timestamptz,
	OUT origin escalation.level, OUT started_at timestamptz, OUT screen escalation.level, OUT screen_region escalation.region)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, escalation, pg_temp AS
$$
BEGIN
	-- plpgsql, not an atomic body: the work list (54_work_list.sql) reads this
	-- part's table, so it is created after it.
	SELECT s.origin, s.started_at, st.screen,
		CASE st.screen WHEN 'city' THEN s.city ELSE coalesce(s.district, s.city) END
	INTO origin, started_at, screen, screen_region
	FROM escalation.item_source s
	LEFT JOIN LATERAL (
		SELECT r.screen FROM escalation.rule r JOIN escalation.rule_offset o USING (kind, origin, stage)
		WHERE r.kind = s.kind AND r.origin = s.origin
		  AND (escalation.stage_due_at(s.started_at, o.due_after) <= hazard_ladder_at.at
			   -- A raised warning counts whatever time the caller claims.
			   OR EXISTS (SELECT 1 FROM escalation.warning w
						  WHERE w.kind = s.kind AND w.subject_id = s.subject_id AND w.started_at = s.started_at
							AND w.stage = r.stage))
		ORDER BY r.stage DESC LIMIT 1) st ON true
	WHERE s.kind = 'hazard_overdue' AND s.subject_id = hazard_ladder_at.hazard_id;
END
$$;
COMMENT ON FUNCTION escalation_internal.hazard_ladder_at(bigint, timestamptz) IS
	'Where the overdue ladder of a hazard stands at an instant: origin, start, screen of the last stage due by then or already raised (NULL if none) and the region of that screen. 隐患预警所处级次';

-- Refuse an extension step with SQLSTATE 55000 and the hazard's state.
CREATE FUNCTION escalation_internal.hazard_extension_refused(hazard_id bigint, message text, detail text, hint text DEFAULT NULL)
RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, escalation, pg_temp AS
$$
BEGIN
	RAISE EXCEPTION '%', message
		USING ERRCODE = 'object_not_in_prerequisite_state', DETAIL = detail,
			  HINT = coalesce(hint, format('See escalation.hazard_extension for the requests of hazard %s.', hazard_id));
END
$$;
COMMENT ON FUNCTION escalation_internal.hazard_extension_refused(bigint, text, text, text) IS
	'Raises SQLSTATE 55000 for an extension that the rules do not allow. 拒绝延期';

-- Whether a department may decide on an extension of a hazard at an instant:
-- before a warning the department that found it or one supervising the unit;
-- after one, only the safety committee office of the screen it is on.
CREATE FUNCTION escalation_internal.hazard_extension_decider(h escalation.hazard, department_id bigint, at timestamptz,
	OUT after_warning boolean, OUT ladder_start timestamptz)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, escalation, pg_temp AS
$$
DECLARE
	ladder record;
	dept escalation.department;
BEGIN
	SELECT * INTO dept FROM escalation.department d WHERE d.id = hazard_extension_decider.department_id;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'department % does not exist', department_id USING ERRCODE = 'foreign_key_violation';
	END IF;
	SELECT * INTO ladder FROM escalation_internal.hazard_ladder_at(h.id, at);
	after_warning := ladder.screen IS NOT NULL;
	ladder_start := ladder.started_at;
	IF after_warning THEN
		IF dept.kind IS DISTINCT FROM 'safety_committee_office' OR dept.region IS DISTINCT FROM ladder.screen_region THEN
			PERFORM escalation_internal.hazard_extension_refused(h.id,
				format('department %s cannot decide on an extension of hazard %s, which is on the %s screen of %s since its deadline %s',
					   department_id, h.id, ladder.screen, ladder.screen_region, ladder.started_at),
				'Once a stage of the overdue ladder has fallen due, only the work-safety committee office (安委会办公室) of the screen the hazard is on decides, and the warnings stay.',
				format('Ask the safety committee office of region %s.', ladder.screen_region));
		END IF;
	ELSIF department_id IS DISTINCT FROM h.found_by
		  AND NOT escalation.supervises(department_id, h.unit_id, escalation.local_day(at)) THEN
		PERFORM escalation_internal.hazard_extension_refused(h.id,
			format('department %s neither found hazard %s nor supervises its unit %s', department_id, h.id, h.unit_id),
			'An extension is decided by the department that found the hazard or one that supervises the unit (escalation.supervision_assignment).');
	END IF;
END
$$;
COMMENT ON FUNCTION escalation_internal.hazard_extension_decider(escalation.hazard, bigint, timestamptz) IS
	'Checks that a department may decide on an extension of a hazard at an instant (before a warning: the finder or a supervising department; after one: the safety committee office of its screen) and says whether a warning was due and where the ladder starts. 延期审批权限';

-- Lock a hazard the caller may change, from definer code (which row-level
-- security does not restrict), with the error escalation.hazard_lock gives.
CREATE FUNCTION escalation_internal.hazard_lock_for_caller(hazard_id bigint) RETURNS escalation.hazard
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, escalation, pg_temp AS
$$
DECLARE
	h escalation.hazard;
BEGIN
	SELECT * INTO h FROM escalation.hazard WHERE id = hazard_lock_for_caller.hazard_id FOR UPDATE;
	IF NOT FOUND OR NOT escalation.caller_sees_region(h.region, true) THEN
		RAISE EXCEPTION 'hazard % does not exist', coalesce(hazard_lock_for_caller.hazard_id::text, 'NULL')
			USING ERRCODE = 'no_data_found', DETAIL = 'There is no hazard with this id that you may change.';
	END IF;
	RETURN h;
END
$$;
COMMENT ON FUNCTION escalation_internal.hazard_lock_for_caller(bigint) IS
	'Locks a hazard the calling role may change (checked against its region, since definer code bypasses row-level security) and returns it; raises no_data_found (P0002) otherwise. 锁定当前用户可处理的隐患';

-- Ask for an extension (延期申请), before the deadline.
CREATE FUNCTION escalation.hazard_extension_request(
	hazard_id bigint,
	new_deadline timestamptz,
	reason text,
	requested_by text,
	requested_at timestamptz DEFAULT statement_timestamp()
) RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, escalation, pg_temp AS
$$
DECLARE
	h escalation.hazard;
	new_id bigint;
BEGIN
	PERFORM escalation.require_argument(hazard_extension_request.new_deadline, 'new_deadline');
	PERFORM escalation.require_argument(hazard_extension_request.reason, 'reason');
	PERFORM escalation.require_argument(hazard_extension_request.requested_by, 'requested_by');
	PERFORM escalation.require_argument(hazard_extension_request.requested_at, 'requested_at');
	h := escalation_internal.hazard_lock_for_caller(hazard_extension_request.hazard_id);
	IF h.status <> 'rectifying' OR h.rectify_deadline IS NULL THEN
		PERFORM escalation_internal.hazard_extension_refused(h.id,
			format('hazard %s is %s and has deadline %s: there is nothing to extend', h.id, h.status, coalesce(h.rectify_deadline::text, 'NULL')),
			'An extension is asked for while the hazard is being rectified under a deadline.');
	END IF;
	IF hazard_extension_request.requested_at >= h.rectify_deadline THEN
		PERFORM escalation_internal.hazard_extension_refused(h.id,
			format('extension request of hazard %s at %s comes after its deadline %s', h.id, hazard_extension_request.requested_at, h.rectify_deadline),
			'An extension (延期) is asked for before the deadline; after it the hazard is overdue.');
	END IF;
	IF hazard_extension_request.requested_at < h.found_at OR NOT isfinite(hazard_extension_request.requested_at) THEN
		RAISE EXCEPTION 'extension request of hazard % at % is before its discovery %', h.id, hazard_extension_request.requested_at, h.found_at
			USING ERRCODE = 'check_violation';
	END IF;
	IF hazard_extension_request.new_deadline <= h.rectify_deadline OR NOT isfinite(hazard_extension_request.new_deadline) THEN
		RAISE EXCEPTION 'requested deadline % of hazard % is not after its current deadline %',
				hazard_extension_request.new_deadline, h.id, h.rectify_deadline
			USING ERRCODE = 'check_violation', DETAIL = 'An extension (延期) moves the deadline later.';
	END IF;
	IF EXISTS (SELECT 1 FROM escalation.hazard_extension e WHERE e.hazard_id = h.id AND e.decided_at IS NULL) THEN
		PERFORM escalation_internal.hazard_extension_refused(h.id,
			format('hazard %s already has a pending extension request', h.id),
			'One request at a time: it is granted (escalation.hazard_extend) or refused (escalation.hazard_extension_refuse) first.');
	END IF;
	INSERT INTO escalation.hazard_extension (hazard_id, unit_id, requested_at, requested_by, requested_deadline, reason,
		deadline_then, recorded_by)
	VALUES (h.id, h.unit_id, hazard_extension_request.requested_at, hazard_extension_request.requested_by,
		hazard_extension_request.new_deadline, hazard_extension_request.reason, h.rectify_deadline, escalation.acting_role())
	RETURNING id INTO new_id;
	RETURN new_id;
END
$$;
COMMENT ON FUNCTION escalation.hazard_extension_request(bigint, timestamptz, text, text, timestamptz) IS
	'Asks for an extension (延期申请) of the rectification deadline of a hazard being rectified, before that deadline, naming who asks (the unit''s person or the inspector) and why; the supervising department grants it with escalation.hazard_extend() or refuses it with escalation.hazard_extension_refuse(). Returns the request id. 隐患延期申请';

-- Refuse the pending extension request of a hazard, with the reason.
CREATE FUNCTION escalation.hazard_extension_refuse(
	hazard_id bigint,
	refused_by bigint,
	reason text,
	refused_at timestamptz DEFAULT statement_timestamp()
) RETURNS escalation.hazard_extension
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, escalation, pg_temp AS
$$
DECLARE
	h escalation.hazard;
	req escalation.hazard_extension;
BEGIN
	PERFORM escalation.require_argument(hazard_extension_refuse.refused_by, 'refused_by');
	PERFORM escalation.require_argument(hazard_extension_refuse.reason, 'reason');
	PERFORM escalation.require_argument(hazard_extension_refuse.refused_at, 'refused_at');
	h := escalation_internal.hazard_lock_for_caller(hazard_extension_refuse.hazard_id);
	SELECT * INTO req FROM escalation.hazard_extension e WHERE e.hazard_id = h.id AND e.decided_at IS NULL FOR UPDATE;
	IF NOT FOUND THEN
		PERFORM escalation_internal.hazard_extension_refused(h.id,
			format('hazard %s has no pending extension request', h.id),
			'Only a pending request (escalation.hazard_extension_request) can be refused.');
	END IF;
	IF hazard_extension_refuse.refused_at < req.requested_at OR NOT isfinite(hazard_extension_refuse.refused_at) THEN
		RAISE EXCEPTION 'refusal at % of extension request % is before the request at %', hazard_extension_refuse.refused_at, req.id, req.requested_at
			USING ERRCODE = 'check_violation';
	END IF;
	PERFORM escalation_internal.hazard_extension_decider(h, hazard_extension_refuse.refused_by, hazard_extension_refuse.refused_at);
	UPDATE escalation.hazard_extension e
	SET decided_at = hazard_extension_refuse.refused_at, decided_by = hazard_extension_refuse.refused_by,
		approved = false, decision_note = hazard_extension_refuse.reason
	WHERE e.id = req.id
	RETURNING * INTO req;
	RETURN req;
END
$$;
COMMENT ON FUNCTION escalation.hazard_extension_refuse(bigint, bigint, text, timestamptz) IS
	'Refuses (不予延期) the pending extension request of a hazard, by the department that may decide on it, with the reason; the deadline stays. 隐患延期不予批准';

-- Trigger: an extension of a hazard's deadline is the grant of a request,
-- within the limits, by a department that may grant it.
CREATE FUNCTION escalation_internal.hazard_check_extension() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, escalation, pg_temp AS
$$
DECLARE
	at timestamptz;
	req escalation.hazard_extension;
	decider record;
	granted_count bigint;
	granted_total interval;
	max_count numeric := escalation.rule_limit_amount('hazard_extension_count');
	max_total interval := escalation.rule_limit_span('hazard_extension_total');
BEGIN
	-- A restore brings the decisions back; a step without a new reason is
	-- refused by the step check, which names what is missing.
	IF escalation.restoring() OR nullif(btrim(NEW.deadline_reason), '') IS NULL
	   OR (NEW.deadline_set_at, NEW.deadline_set_by, NEW.deadline_reason)
		  IS NOT DISTINCT FROM (OLD.deadline_set_at, OLD.deadline_set_by, OLD.deadline_reason) THEN
		RETURN NEW;
	END IF;
	at := CASE WHEN NEW.deadline_set_at IS DISTINCT FROM OLD.deadline_set_at THEN NEW.deadline_set_at ELSE statement_timestamp() END;
	IF NEW.deadline_set_by IS NULL THEN
		RAISE EXCEPTION 'extending the deadline of hazard % needs the granting department in deadline_set_by', OLD.id
			USING ERRCODE = 'not_null_violation',
				  HINT = 'Use escalation.hazard_extend(hazard_id, new_deadline, reason, department_id).';
	END IF;
	SELECT * INTO req FROM escalation.hazard_extension e WHERE e.hazard_id = OLD.id AND e.decided_at IS NULL FOR UPDATE;
	IF NOT FOUND THEN
		IF at >= OLD.rectify_deadline THEN
			PERFORM escalation_internal.hazard_extension_refused(OLD.id,
				format('hazard %s has no extension request made before its deadline %s', OLD.id, OLD.rectify_deadline),
				format('The extension at %s comes after the deadline; an extension is asked for before it.', at),
				'Ask with escalation.hazard_extension_request() before the deadline.');
		END IF;
	ELSIF NEW.rectify_deadline > req.requested_deadline THEN
		RAISE EXCEPTION 'granted deadline % of hazard % is after the % asked for', NEW.rectify_deadline, OLD.id, req.requested_deadline
			USING ERRCODE = 'check_violation', DETAIL = 'A grant gives at most the time asked for.';
	END IF;
	decider := escalation_internal.hazard_extension_decider(OLD, NEW.deadline_set_by, at);
	SELECT count(*), coalesce(sum(e.granted_deadline - e.deadline_then), interval '0')
	INTO granted_count, granted_total
	FROM escalation.hazard_extension e WHERE e.hazard_id = OLD.id AND e.approved;
	IF granted_count + 1 > max_count THEN
		PERFORM escalation_internal.hazard_extension_refused(OLD.id,
			format('hazard %s has had %s extensions, the most allowed', OLD.id, granted_count),
			format('escalation.rule_limit hazard_extension_count is %s.', max_count));
	END IF;
	IF granted_total + (NEW.rectify_deadline - OLD.rectify_deadline) > max_total THEN
		PERFORM escalation_internal.hazard_extension_refused(OLD.id,
			format('extending hazard %s to %s would put off its deadline by %s in all, more than %s',
				   OLD.id, NEW.rectify_deadline, granted_total + (NEW.rectify_deadline - OLD.rectify_deadline), max_total),
			'escalation.rule_limit hazard_extension_total limits the time all extensions of a hazard may add.');
	END IF;
	IF req.id IS NULL THEN
		INSERT INTO escalation.hazard_extension (hazard_id, unit_id, requested_at, requested_by, requested_deadline, reason,
			deadline_then, recorded_by)
		VALUES (OLD.id, OLD.unit_id, at, NULL, NEW.rectify_deadline, coalesce(NEW.deadline_reason, ''), OLD.rectify_deadline,
			escalation.acting_role())
		RETURNING * INTO req;
	END IF;
	UPDATE escalation.hazard_extension e
	SET decided_at = at, decided_by = NEW.deadline_set_by, approved = true,
		decision_note = coalesce(NEW.deadline_reason, ''), granted_deadline = NEW.rectify_deadline,
		after_warning = decider.after_warning,
		ladder_start = CASE WHEN decider.after_warning THEN decider.ladder_start ELSE NEW.rectify_deadline END
	WHERE e.id = req.id;
	RETURN NEW;
END
$$;
COMMENT ON FUNCTION escalation_internal.hazard_check_extension() IS
	'Trigger: an extension of a hazard''s deadline grants its pending request (or, before the deadline, the deciding department''s own), within escalation.rule_limit, by a department that may grant it; a grant after a stage fell due keeps the overdue ladder''s start. 隐患延期审批校验';
CREATE TRIGGER hazard_check_step_extension BEFORE UPDATE OF rectify_deadline ON escalation.hazard
	FOR EACH ROW
	WHEN (OLD.rectify_deadline IS NOT NULL AND NEW.rectify_deadline > OLD.rectify_deadline
		  AND NEW.rechecked_at IS NOT DISTINCT FROM OLD.rechecked_at AND NEW.confirmed_at IS NOT DISTINCT FROM OLD.confirmed_at
		  AND OLD.status = 'rectifying')
	EXECUTE FUNCTION escalation_internal.hazard_check_extension();

-- Every hazard's timeline: its entry, each recorded step, and the extension
-- requests and refusals.
CREATE VIEW escalation.hazard_timeline WITH (security_invoker = true) AS
	SELECT h.id AS hazard_id, h.unit_id, 0::bigint AS seq, 'report'::text AS step,
		NULL::escalation.hazard_status AS from_status, coalesce(f.from_status, h.status) AS to_status,
		NULL::escalation.hazard_grade AS from_grade, coalesce(f.from_grade, h.grade) AS to_grade,
		NULL::timestamptz AS from_deadline, CASE WHEN f.hazard_id IS NULL THEN h.rectify_deadline ELSE f.from_deadline END AS to_deadline,
		h.found_by AS department_id, NULL::bigint AS person_id, h.found_at AS event_at, h.description AS note,
		h.created_at AS recorded_at, h.created_by AS recorded_by, h.region
	FROM escalation.hazard h
	LEFT JOIN LATERAL (
		SELECT hh.hazard_id, hh.from_status, hh.from_grade, hh.from_deadline
		FROM escalation.hazard_history hh WHERE hh.hazard_id = h.id ORDER BY hh.id LIMIT 1) f ON true
	UNION ALL
	SELECT hh.hazard_id, hh.unit_id, hh.id, hh.step::text, hh.from_status, hh.to_status, hh.from_grade, hh.to_grade,
		hh.from_deadline, hh.to_deadline, hh.department_id, hh.person_id, hh.event_at, hh.note,
		hh.recorded_at, hh.recorded_by, hh.region
	FROM escalation.hazard_history hh
	WHERE hh.step <> 'extend'
	UNION ALL
	-- A grant after a warning says so: the warnings stayed on the record.
	SELECT hh.hazard_id, hh.unit_id, hh.id,
		CASE WHEN e.after_warning THEN 'extend_after_warning' ELSE 'extend' END,
		hh.from_status, hh.to_status, hh.from_grade, hh.to_grade,
		hh.from_deadline, hh.to_deadline, hh.department_id, hh.person_id, hh.event_at, hh.note,
		hh.recorded_at, hh.recorded_by, hh.region
	FROM escalation.hazard_history hh
	LEFT JOIN LATERAL (
		SELECT e.after_warning FROM escalation.hazard_extension e
		WHERE e.hazard_id = hh.hazard_id AND e.approved AND e.granted_deadline = hh.to_deadline AND e.decided_at = hh.event_at
		ORDER BY e.id DESC LIMIT 1) e ON true
	WHERE hh.step = 'extend'
	UNION ALL
	SELECT e.hazard_id, e.unit_id, NULL, 'extension_request', 'rectifying', 'rectifying', NULL, NULL,
		e.deadline_then, e.requested_deadline, NULL, NULL, e.requested_at, e.requested_by || '：' || e.reason,
		e.recorded_at, e.recorded_by, e.region
	FROM escalation.hazard_extension e
	WHERE e.requested_by IS NOT NULL
	UNION ALL
	SELECT e.hazard_id, e.unit_id, NULL, 'extension_refused', 'rectifying', 'rectifying', NULL, NULL,
		e.deadline_then, e.deadline_then, e.decided_by, NULL, e.decided_at, e.decision_note,
		e.recorded_at, e.recorded_by, e.region
	FROM escalation.hazard_extension e
	WHERE NOT e.approved;
COMMENT ON VIEW escalation.hazard_timeline IS
	'A hazard''s whole story: its entry (step report, as it was entered), every recorded lifecycle step (an extension granted after a warning as extend_after_warning), every extension request (extension_request) and refusal (extension_refused); order by event_at, seq. 隐患处理全过程';
COMMENT ON COLUMN escalation.hazard_timeline.hazard_id IS 'The hazard. 隐患';
COMMENT ON COLUMN escalation.hazard_timeline.unit_id IS 'Its unit. 隐患单位';
COMMENT ON COLUMN escalation.hazard_timeline.seq IS '0 for the entry, then the history entry id; NULL for extension requests and refusals. 顺序';
COMMENT ON COLUMN escalation.hazard_timeline.step IS 'report, a hazard_step, extend_after_warning, extension_request or extension_refused. 处理步骤';
COMMENT ON COLUMN escalation.hazard_timeline.from_status IS 'Status before. 原状态';
COMMENT ON COLUMN escalation.hazard_timeline.to_status IS 'Status after. 新状态';
COMMENT ON COLUMN escalation.hazard_timeline.from_grade IS 'Grade before. 原等级';
COMMENT ON COLUMN escalation.hazard_timeline.to_grade IS 'Grade after. 新等级';
COMMENT ON COLUMN escalation.hazard_timeline.from_deadline IS 'Deadline before. 原整改期限';
COMMENT ON COLUMN escalation.hazard_timeline.to_deadline IS 'Deadline after. 新整改期限';
COMMENT ON COLUMN escalation.hazard_timeline.department_id IS 'Acting department (the finder for the entry). 处理部门';
COMMENT ON COLUMN escalation.hazard_timeline.person_id IS 'Acting person, for re-inspections. 处理人员';
COMMENT ON COLUMN escalation.hazard_timeline.event_at IS 'When it happened. 处理时间';
COMMENT ON COLUMN escalation.hazard_timeline.note IS 'Description (entry) or the step''s note. 说明';
COMMENT ON COLUMN escalation.hazard_timeline.recorded_at IS 'When it was recorded. 记录时间';
COMMENT ON COLUMN escalation.hazard_timeline.recorded_by IS 'Role that recorded it. 记录人';
COMMENT ON COLUMN escalation.hazard_timeline.region IS 'Region of the unit. 所属区划';


SELECT escalation.enable_region_security('escalation.hazard_extension');
GRANT SELECT ON escalation.hazard_extension, escalation.hazard_timeline TO escalation_admin, escalation_user, escalation_analyst;

REVOKE ALL ON FUNCTION
	escalation_internal.hazard_lock_for_caller(bigint),
	escalation_internal.hazard_ladder_at(bigint, timestamptz),
	escalation_internal.hazard_extension_refused(bigint, text, text, text),
	escalation_internal.hazard_extension_decider(escalation.hazard, bigint, timestamptz),
	escalation.hazard_extension_request(bigint, timestamptz, text, text, timestamptz),
	escalation.hazard_extension_refuse(bigint, bigint, text, timestamptz),
	escalation_internal.hazard_check_extension()
FROM PUBLIC;
GRANT EXECUTE ON FUNCTION
	escalation.hazard_extension_request(bigint, timestamptz, text, text, timestamptz),
	escalation.hazard_extension_refuse(bigint, bigint, text, timestamptz)
TO escalation_admin, escalation_user;

COMMENT ON FUNCTION escalation.hazard_extend(bigint, timestamptz, text, bigint, timestamptz) IS
	'Grants an extension (延期) of the rectification deadline of a hazard being rectified: the pending request (escalation.hazard_extension_request), or before the deadline the department''s own, within the limits of escalation.rule_limit, by the department that found the hazard or supervises the unit, or once a warning fell due only by the safety committee office of its screen (the warnings then stay); records the reason and the department. Also sets the first deadline of a suspected major hazard that has none. 隐患整改延期审批';

------------------------------------------------------------------------------
-- §15 for every hazard with a deadline (sql/parts/56_hazard_overdue.sql): no
-- re-inspection only when rectified on the spot; 逾期未整改 or 逾期未复查.
------------------------------------------------------------------------------

-- §15 for every hazard with a deadline (隐患逾期): a hazard is entered without
-- re-inspection only when it was rectified on the spot, and a warning of the
-- overdue ladder says which failure it is and whose: 逾期未整改 (the unit did not
-- rectify by the deadline) or 逾期未复查 (the unit did, the department did not
-- re-inspect within escalation.rule_limit hazard_recheck_within).

-- Trigger: a hazard entered without re-inspection must have been rectified on
-- the spot (当场整改): on its day of discovery, recorded with its entry.
CREATE FUNCTION escalation_internal.hazard_check_on_the_spot() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, escalation, pg_temp AS
$$
BEGIN
	IF escalation.restoring() THEN
		RETURN NEW;
	END IF;
	IF NEW.rectified_at IS NULL OR escalation.local_day(NEW.rectified_at) <> escalation.local_day(NEW.found_at) THEN
		RAISE EXCEPTION 'a hazard entered with needs_recheck = false must have been rectified on the spot, but this one has rectified_at % and found_at %',
				coalesce(NEW.rectified_at::text, 'NULL'), NEW.found_at
			USING ERRCODE = 'check_violation', CONSTRAINT = 'hazard_no_recheck_only_on_the_spot',
				  DETAIL = 'Every general hazard with a deadline climbs the overdue ladder (§15) until it is re-inspected and closed; only one rectified on the spot (当场整改) needs no re-inspection.',
				  HINT = 'Enter it with needs_recheck = true, or with rectified_at and rectified_by on its day of discovery.';
	END IF;
	RETURN NEW;
END
$$;
COMMENT ON FUNCTION escalation_internal.hazard_check_on_the_spot() IS
	'Trigger: refuses a general hazard entered with needs_recheck = false unless it is entered rectified on its day of discovery (当场整改). 免复查仅限当场整改';
CREATE TRIGGER hazard_check_on_the_spot BEFORE INSERT ON escalation.hazard
	FOR EACH ROW WHEN (NOT NEW.needs_recheck AND NEW.grade = 'general')
	EXECUTE FUNCTION escalation_internal.hazard_check_on_the_spot();

-- Every warning of the overdue ladder with its failure and the party it addresses.
CREATE VIEW escalation.hazard_overdue_warning WITH (security_invoker = true) AS
	SELECT w.id AS warning_id, w.subject_id AS hazard_id, w.stage, w.screen, w.action, w.started_at, w.due_at,
		w.resolved_at, f.failure,
		CASE f.failure WHEN 'not_rectified' THEN '逾期未整改' ELSE '逾期未复查' END AS failure_label,
		CASE f.failure WHEN 'not_rectified' THEN 'unit' ELSE 'department' END AS addressee,
		h.unit_id, CASE f.failure WHEN 'not_rechecked' THEN h.found_by END AS addressee_department,
		w.region
	FROM escalation.warning w
	JOIN escalation.hazard h ON h.id = w.subject_id
	CROSS JOIN LATERAL (
		-- As the hazard stood when the ladder started: rectified means the
		-- re-inspection was what fell due.
		SELECT CASE WHEN a.status <> 'rectifying' THEN 'not_rechecked' ELSE 'not_rectified' END AS failure
		FROM escalation.hazard_as_of(w.started_at, ARRAY[w.subject_id]) a) f
	WHERE w.kind = 'hazard_overdue';
COMMENT ON VIEW escalation.hazard_overdue_warning IS
	'Every warning of the §15 overdue ladder with the failure it records and whom it addresses: 逾期未整改 the unit (not rectified by the deadline), 逾期未复查 the department that found the hazard (rectified in time, not re-inspected within rule_limit hazard_recheck_within). 隐患逾期预警（区分整改与复查）';
COMMENT ON COLUMN escalation.hazard_overdue_warning.warning_id IS 'The warning. 预警';
COMMENT ON COLUMN escalation.hazard_overdue_warning.hazard_id IS 'The hazard. 隐患';
COMMENT ON COLUMN escalation.hazard_overdue_warning.stage IS 'Stage number. 预警级次';
COMMENT ON COLUMN escalation.hazard_overdue_warning.screen IS 'Screen it shows on. 预警大屏层级';
COMMENT ON COLUMN escalation.hazard_overdue_warning.action IS 'Action of that level''s office. 处置动作';
COMMENT ON COLUMN escalation.hazard_overdue_warning.started_at IS 'Start of its ladder: the rectification or the re-inspection deadline. 起算时间';
COMMENT ON COLUMN escalation.hazard_overdue_warning.due_at IS 'When the stage fell due. 应预警时间';
COMMENT ON COLUMN escalation.hazard_overdue_warning.resolved_at IS 'When it was resolved; NULL while active. 解除时间';
COMMENT ON COLUMN escalation.hazard_overdue_warning.failure IS 'not_rectified (the unit''s failure) or not_rechecked (the department''s). 逾期类型';
COMMENT ON COLUMN escalation.hazard_overdue_warning.failure_label IS '逾期未整改 or 逾期未复查. 逾期类型名称';
COMMENT ON COLUMN escalation.hazard_overdue_warning.addressee IS 'Whose failure: unit or department. 责任方';
COMMENT ON COLUMN escalation.hazard_overdue_warning.unit_id IS 'The hazard''s unit. 隐患单位';
COMMENT ON COLUMN escalation.hazard_overdue_warning.addressee_department IS 'For 逾期未复查: the department that found the hazard and re-inspects it. 责任部门';
COMMENT ON COLUMN escalation.hazard_overdue_warning.region IS 'Region of the item. 所属区划';

GRANT SELECT ON escalation.hazard_overdue_warning TO escalation_admin, escalation_user, escalation_analyst;
REVOKE ALL ON FUNCTION escalation_internal.hazard_check_on_the_spot() FROM PUBLIC;

------------------------------------------------------------------------------
-- Forwarding chains of clues (sql/parts/48_clue_chains.sql): a forward passes
-- the clock on; a limit on forwards.
------------------------------------------------------------------------------

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

------------------------------------------------------------------------------
-- Analyst views of the ladders' new tables (sql/parts/83_analyst_engine.sql).
------------------------------------------------------------------------------

-- The ladders' limits and the extensions of hazards' deadlines (47_hazard_extensions.sql, 52_rules.sql).
CREATE VIEW escalation.hazard_extension_analyst WITH (security_invoker = true) AS
	SELECT t.id,
		t.hazard_id,
		t.unit_id,
		t.requested_at,
		t.requested_by,
		t.requested_deadline,
		t.reason,
		t.deadline_then,
		t.decided_at,
		t.decided_by,
		t.approved,
		t.decision_note,
		t.granted_deadline,
		t.after_warning,
		t.ladder_start,
		t.recorded_at,
		t.recorded_by,
		t.region::text AS region
	FROM escalation.hazard_extension t;
COMMENT ON VIEW escalation.hazard_extension_analyst IS
	'What an analyst may read of escalation.hazard_extension, for BI tools: its permitted columns, region and uscc codes as text, enum columns with their Chinese labels. 隐患延期申请与审批（分析视图）';
COMMENT ON COLUMN escalation.hazard_extension_analyst.id IS 'Request id. 申请编号';
COMMENT ON COLUMN escalation.hazard_extension_analyst.hazard_id IS 'The hazard. 隐患';
COMMENT ON COLUMN escalation.hazard_extension_analyst.unit_id IS 'Its unit. 隐患单位';
COMMENT ON COLUMN escalation.hazard_extension_analyst.requested_at IS 'When it was asked for; before the deadline then in force. 申请时间';
COMMENT ON COLUMN escalation.hazard_extension_analyst.requested_by IS 'Who asked (the unit''s person or the inspector); NULL when the granting department extended in time on its own inspection. 申请人';
COMMENT ON COLUMN escalation.hazard_extension_analyst.requested_deadline IS 'The deadline asked for. 申请延期至';
COMMENT ON COLUMN escalation.hazard_extension_analyst.reason IS 'Why the unit needs more time. 申请理由';
COMMENT ON COLUMN escalation.hazard_extension_analyst.deadline_then IS 'The deadline in force when it was asked for. 原整改期限';
COMMENT ON COLUMN escalation.hazard_extension_analyst.decided_at IS 'When it was granted or refused; NULL while pending. 审批时间';
COMMENT ON COLUMN escalation.hazard_extension_analyst.decided_by IS 'Department that granted or refused it. 审批部门';
COMMENT ON COLUMN escalation.hazard_extension_analyst.approved IS 'Granted (true) or refused (false). 是否批准';
COMMENT ON COLUMN escalation.hazard_extension_analyst.decision_note IS 'The reason of the grant or refusal. 审批意见';
COMMENT ON COLUMN escalation.hazard_extension_analyst.granted_deadline IS 'The deadline granted (at most the one asked for). 批准延期至';
COMMENT ON COLUMN escalation.hazard_extension_analyst.after_warning IS 'Granted after a stage of the overdue ladder fell due: the warnings stay and the ladder keeps its start. 预警后延期';
COMMENT ON COLUMN escalation.hazard_extension_analyst.ladder_start IS 'Start of the overdue ladder after the grant: the granted deadline, or the old start for a grant after a warning. 延期后预警起算时间';
COMMENT ON COLUMN escalation.hazard_extension_analyst.recorded_at IS 'When it was recorded. 记录时间';
COMMENT ON COLUMN escalation.hazard_extension_analyst.recorded_by IS 'Role that recorded it. 记录人';
COMMENT ON COLUMN escalation.hazard_extension_analyst.region IS 'Region of the unit (kept by trigger, for row-level security). 所属区划';

CREATE VIEW escalation.rule_limit_default_analyst WITH (security_invoker = true) AS
	SELECT t.name,
		t.amount,
		t.span,
		t.description
	FROM escalation.rule_limit_default t;
COMMENT ON VIEW escalation.rule_limit_default_analyst IS
	'What an analyst may read of escalation.rule_limit_default, for BI tools: its permitted columns, region and uscc codes as text, enum columns with their Chinese labels. 默认预警规则限值（分析视图）';
COMMENT ON COLUMN escalation.rule_limit_default_analyst.name IS 'Name of the limit. 限值名称';
COMMENT ON COLUMN escalation.rule_limit_default_analyst.amount IS 'A count or a share, for limits that are numbers. 数量/比例';
COMMENT ON COLUMN escalation.rule_limit_default_analyst.span IS 'A length of time (days of 24 hours), for limits that are durations. 时长';
COMMENT ON COLUMN escalation.rule_limit_default_analyst.description IS 'What the limit governs. 说明';

CREATE VIEW escalation.rule_limit_override_analyst WITH (security_invoker = true) AS
	SELECT t.name,
		t.amount,
		t.span,
		t.changed_at,
		t.changed_by
	FROM escalation.rule_limit_override t;
COMMENT ON VIEW escalation.rule_limit_override_analyst IS
	'What an analyst may read of escalation.rule_limit_override, for BI tools: its permitted columns, region and uscc codes as text, enum columns with their Chinese labels. 预警规则限值调整记录（分析视图）';
COMMENT ON COLUMN escalation.rule_limit_override_analyst.name IS 'Name of the limit (one of rule_limit_default). 限值名称';
COMMENT ON COLUMN escalation.rule_limit_override_analyst.amount IS 'The city''s count or share. 数量/比例';
COMMENT ON COLUMN escalation.rule_limit_override_analyst.span IS 'The city''s length of time. 时长';
COMMENT ON COLUMN escalation.rule_limit_override_analyst.changed_at IS 'When the change was made. 调整时间';
COMMENT ON COLUMN escalation.rule_limit_override_analyst.changed_by IS 'Role that made the change. 调整人';

GRANT SELECT ON escalation.hazard_extension_analyst, escalation.rule_limit_default_analyst, escalation.rule_limit_override_analyst
TO escalation_admin, escalation_analyst;
-- Every item that can climb a ladder, from the source tables.
CREATE OR REPLACE VIEW escalation.item_source AS
	SELECT i.kind, i.subject_id, i.origin, i.started_at, i.start_set_at, i.handled_at, i.handled_reason, i.withdrawn_at, i.unit_id,
		i.department_id, i.region, escalation.region_district(i.region) AS district,
		escalation.region_city(i.region) AS city
	FROM (
		SELECT 'hazard_overdue'::escalation.warning_kind AS kind, h.id AS subject_id,
			escalation.item_origin(coalesce(d.level, u.supervision_level)) AS origin,
			-- Rectified by the deadline: the department's re-inspection is due
			-- (逾期未复查); else the unit's deadline (逾期未整改).
			CASE WHEN h.needs_recheck AND h.status <> 'rectifying'
					  AND h.rectified_at <= coalesce(x.ladder_start, h.rectify_deadline)
				 THEN escalation.stage_due_at(h.rectified_at,
						(SELECT l.span FROM escalation.rule_limit l WHERE l.name = 'hazard_recheck_within'))
				 ELSE coalesce(x.ladder_start, h.rectify_deadline) END AS started_at,
			h.deadline_set_at AS start_set_at,
			CASE WHEN h.needs_recheck THEN h.closed_at ELSE least(h.closed_at, h.rectified_at) END AS handled_at,
			'closed'::escalation.warning_resolution AS handled_reason, NULL::timestamptz AS withdrawn_at,
			h.unit_id, h.found_by AS department_id, coalesce(u.region, d.region) AS region
		FROM escalation.hazard h
		LEFT JOIN escalation.unit u ON u.id = h.unit_id
		LEFT JOIN escalation.department d ON d.id = h.found_by
		-- An extension granted after a warning keeps the ladder's start.
		LEFT JOIN LATERAL (
			SELECT e.ladder_start FROM escalation.hazard_extension e
			WHERE e.hazard_id = h.id AND e.approved AND e.granted_deadline = h.rectify_deadline
			ORDER BY e.id DESC LIMIT 1) x ON true
		WHERE h.grade IN ('general', 'not_major') AND isfinite(h.rectify_deadline)
		UNION ALL
		SELECT 'major_hazard', h.id,
			escalation.item_origin(coalesce(d.level, u.supervision_level)),
			h.found_at, NULL, least(h.confirmed_at, h.closed_at),
			CASE WHEN h.confirmed_at IS NULL OR h.closed_at < h.confirmed_at THEN 'closed'
				 WHEN h.grade = 'not_major' THEN 'ruled_out'
				 ELSE 'confirmed' END::escalation.warning_resolution, NULL,
			h.unit_id, h.found_by, coalesce(u.region, d.region)
		FROM escalation.hazard h
		LEFT JOIN escalation.unit u ON u.id = h.unit_id
		LEFT JOIN escalation.department d ON d.id = h.found_by
		WHERE h.grade <> 'general' AND isfinite(h.found_at)
		UNION ALL
		SELECT 'clue', c.id,
			escalation.item_origin(coalesce(d.level, u.supervision_level)),
			-- A forwarded clue's clock runs from the first transfer of its chain.
			CASE WHEN c.forwarded_from IS NULL THEN c.transferred_at ELSE (escalation.clue_chain(c.id)).started_at END,
			NULL, c.handled_at, 'handled', NULL,
			c.unit_id, c.from_department, coalesce(u.region, d.region)
		FROM escalation.clue c
		LEFT JOIN escalation.unit u ON u.id = c.unit_id
		LEFT JOIN escalation.department d ON d.id = c.from_department
		WHERE isfinite(c.transferred_at)
		UNION ALL
		SELECT 'licence_expired', l.id, escalation.item_origin(u.supervision_level),
			escalation.licence_expires_at(l.valid_until), NULL, l.superseded_at, 'renewed', NULL,
			l.unit_id, NULL::bigint, u.region
		FROM escalation.licence l
		JOIN escalation.unit u ON u.id = l.unit_id
		WHERE l.safety_licence AND isfinite(l.valid_until)
		UNION ALL
		SELECT 'dual_prevention_idle', p.unit_id, escalation.item_origin(u.supervision_level),
			p.since, p.since, escalation.dp_first_run_after(p.unit_id, p.since), 'ran', p.withdrawn_at,
			p.unit_id, NULL::bigint, u.region
		FROM escalation.dual_prevention p
		JOIN escalation.unit u ON u.id = p.unit_id
		WHERE isfinite(p.since)
	) i
	WHERE i.region IS NOT NULL;
COMMENT ON VIEW escalation.item_source IS
	'Every item that can climb a warning ladder, read from the hazards, clues, licences and dual-prevention enrolments: its origin, start, handling and region. The engine tracks it in escalation.tracked_item. 预警事项来源';
COMMENT ON COLUMN escalation.item_source.kind IS 'Kind of warning the item climbs. 预警类型';
COMMENT ON COLUMN escalation.item_source.subject_id IS 'Hazard, clue or licence id, or unit id for dual prevention. 事项编号';
COMMENT ON COLUMN escalation.item_source.origin IS 'city or district: the level of the finding/transferring department, else of the unit''s supervision. 事项来源层级';
COMMENT ON COLUMN escalation.item_source.started_at IS 'Start of the ladder: rectification deadline (kept by an extension granted after a warning), or for a hazard rectified by it the re-inspection deadline (rule_limit hazard_recheck_within after the rectification), discovery, transfer (the first of a forwarding chain), licence expiry, or enrolment in dual prevention. 起算时间';
COMMENT ON COLUMN escalation.item_source.start_set_at IS 'When the start was last set, where the data records it (a hazard''s deadline extension, a re-enrolment); a moved start resolves the old start''s warnings at this time, else when the move is seen. 起算时间设定时间';
COMMENT ON COLUMN escalation.item_source.handled_at IS 'When it was handled (a hazard: closed, or rectified when it needs no re-inspection; dual prevention: the first normal run after the start). 处理时间';
COMMENT ON COLUMN escalation.item_source.handled_reason IS 'How it is handled. 处理方式';
COMMENT ON COLUMN escalation.item_source.withdrawn_at IS 'When it stopped being watched although it still exists (a unit withdrawn from dual prevention management). 撤销时间';
COMMENT ON COLUMN escalation.item_source.unit_id IS 'The unit, if any. 生产经营单位';
COMMENT ON COLUMN escalation.item_source.department_id IS 'The finding or transferring department, if any. 发现/移交部门';
COMMENT ON COLUMN escalation.item_source.region IS 'The unit''s region, else the department''s. 所属区划';
COMMENT ON COLUMN escalation.item_source.district IS 'District of the region (NULL for a city department''s item without a unit). 所属区县';
COMMENT ON COLUMN escalation.item_source.city IS 'City of the region. 所属城市';

-- Existing items are re-timed from the new sources.
SELECT escalation.sync_items('hazard_overdue', NULL);
SELECT escalation.sync_items('clue', NULL);

-- ---------------------------------------------------------------------------
-- The record-integrity checks in C (经办部门辖区校验、时间合理性校验,
-- sql/parts/17_record_integrity.sql, src/access.c, src/record_integrity.c):
-- the same answers, SQLSTATEs and messages as the PL/pgSQL functions above,
-- at a few microseconds per row (bench/checks.sql). Grants and comments stay.
-- ---------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION escalation_internal.check_departments(ids bigint[], was bigint[], names text[]) RETURNS void
AS 'MODULE_PATHNAME', 'escalation_check_departments'
LANGUAGE C STABLE;
CREATE OR REPLACE FUNCTION escalation_internal.check_times(ats timestamptz[], was timestamptz[], names text[], deadline boolean)
RETURNS void
AS 'MODULE_PATHNAME', 'escalation_check_times'
LANGUAGE C STABLE;

------------------------------------------------------------------------------
-- §19 正常运行 as a test the city sets (49_dual_prevention_running.sql): check
-- tasks that fell due must have runs (or a share of them), units §12 obliges
-- that never enrolled climb the ladder after a grace period, and the
-- dual_prevention_idle items are re-timed from their idle episodes.
------------------------------------------------------------------------------
CREATE TABLE escalation.dp_obligation (
	unit_id bigint NOT NULL,
	obliged_since timestamptz NOT NULL,
	region escalation.region NOT NULL,
	CONSTRAINT dp_obligation_pkey PRIMARY KEY (unit_id),
	CONSTRAINT dp_obligation_unit_fkey FOREIGN KEY (unit_id) REFERENCES escalation.unit (id) ON DELETE CASCADE
);
CREATE INDEX dp_obligation_region_idx ON escalation.dp_obligation (region);
COMMENT ON TABLE escalation.dp_obligation IS
	'Units §12 obliged to run dual prevention while they were not under platform management (应建未建): from obliged_since plus the grace period (rule_limit dual_prevention_enrol_within) they climb the §19 ladder until they enrol. Kept by triggers on unit and industry; the row stays after the enrolment, as the record of a late one. 应建双重预防机制单位';
COMMENT ON COLUMN escalation.dp_obligation.unit_id IS 'The unit. 单位';
COMMENT ON COLUMN escalation.dp_obligation.obliged_since IS 'When §12 came to oblige it while it was not enrolled: its registration, or the change of its data or of its industry that made it obliged. 应建起始时间';
COMMENT ON COLUMN escalation.dp_obligation.region IS 'Region of the unit (kept by trigger, for row-level security). 所属区划';
SELECT pg_catalog.pg_extension_config_dump('escalation.dp_obligation', '');
SELECT escalation.follow_unit_region('escalation.dp_obligation');

-- Record, or forget, the obligation of units that are not enrolled.
CREATE FUNCTION escalation_internal.dp_obligation_refresh(units bigint[], obliged_at timestamptz) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, escalation, pg_temp AS
$$
BEGIN
	WITH state AS (
		SELECT u.id, u.region,
			coalesce((SELECT c.required FROM escalation.dual_prevention_coverage c WHERE c.unit_id = u.id), false) AS obliged
		FROM escalation.unit u
		WHERE u.id = ANY (units)
		  AND NOT EXISTS (SELECT 1 FROM escalation.dual_prevention p WHERE p.unit_id = u.id)
	), forgotten AS (
		DELETE FROM escalation.dp_obligation o USING state s WHERE o.unit_id = s.id AND NOT s.obliged
	)
	INSERT INTO escalation.dp_obligation (unit_id, obliged_since, region)
	SELECT s.id, obliged_at, s.region FROM state s WHERE s.obliged
	ON CONFLICT (unit_id) DO NOTHING;
END
$$;
COMMENT ON FUNCTION escalation_internal.dp_obligation_refresh(bigint[], timestamptz) IS
	'Records from obliged_at the units of the list that §12 obliges and that were never enrolled, and forgets those no longer obliged; an enrolled unit''s record stays. 应建单位登记';

-- Trigger (per row) on unit: its registration or a change of its §12 data.
CREATE FUNCTION escalation_internal.dp_obligation_unit() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, escalation, pg_temp AS
$$
BEGIN
	IF escalation.restoring() THEN
		RETURN NULL;
	END IF;
	PERFORM escalation_internal.dp_obligation_refresh(ARRAY[NEW.id],
		CASE WHEN TG_OP = 'INSERT' THEN NEW.created_at ELSE statement_timestamp() END);
	RETURN NULL;
END
$$;
COMMENT ON FUNCTION escalation_internal.dp_obligation_unit() IS
	'Trigger: a unit registered as, or changed into, one §12 obliges is recorded from its registration or the change; one no longer obliged before enrolling is forgotten. 单位应建状态同步';
-- A unit with no industry and few dust workers matches no clause of §12.
CREATE TRIGGER unit_dp_obligation_insert AFTER INSERT ON escalation.unit
	FOR EACH ROW WHEN (NEW.industry_code IS NOT NULL OR NEW.dust_workers > 10)
	EXECUTE FUNCTION escalation_internal.dp_obligation_unit();
CREATE TRIGGER unit_dp_obligation_update
	AFTER UPDATE OF industry_code, dust_workers, ammonia_refrigeration, business_status, social_function ON escalation.unit
	FOR EACH ROW WHEN (OLD.industry_code IS DISTINCT FROM NEW.industry_code OR OLD.dust_workers <> NEW.dust_workers
					   OR OLD.ammonia_refrigeration <> NEW.ammonia_refrigeration
					   OR OLD.business_status <> NEW.business_status OR OLD.social_function <> NEW.social_function)
	EXECUTE FUNCTION escalation_internal.dp_obligation_unit();

-- Trigger (per row) on industry: the city marks it mandatory, or no longer.
CREATE FUNCTION escalation_internal.dp_obligation_industry() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, escalation, pg_temp AS
$$
BEGIN
	IF escalation.restoring() THEN
		RETURN NULL;
	END IF;
	PERFORM escalation_internal.dp_obligation_refresh(
		ARRAY(SELECT u.id FROM escalation.unit u WHERE u.industry_code = NEW.code), statement_timestamp());
	RETURN NULL;
END
$$;
COMMENT ON FUNCTION escalation_internal.dp_obligation_industry() IS
	'Trigger: when an industry''s §12 marking changes, the obligation of its units that are not enrolled is recorded or forgotten from then. 行业应建状态同步';
CREATE TRIGGER industry_dp_obligation
	AFTER UPDATE OF dual_prevention_scope, dual_prevention_mandatory ON escalation.industry
	FOR EACH ROW WHEN (OLD.dual_prevention_scope IS DISTINCT FROM NEW.dual_prevention_scope
					   OR OLD.dual_prevention_mandatory <> NEW.dual_prevention_mandatory)
	EXECUTE FUNCTION escalation_internal.dp_obligation_industry();

------------------------------------------------------------------------------
-- Idle episodes (未正常运行时段)
------------------------------------------------------------------------------

-- The first idle episode of a unit that begins at or after a time.
CREATE FUNCTION escalation.dp_idle_episode(unit_id bigint, after timestamptz,
	OUT started_at timestamptz, OUT handled_at timestamptz)
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, escalation, pg_temp AS
$$
#variable_conflict use_variable
DECLARE
	unit bigint := dp_idle_episode.unit_id;
	enrolled timestamptz;
	idle_from timestamptz;
	share numeric;
BEGIN
	SELECT p.since INTO enrolled FROM escalation.dual_prevention p WHERE p.unit_id = unit;
	SELECT o.obliged_since + coalesce(escalation.rule_limit_span('dual_prevention_enrol_within'), interval '0')
	INTO idle_from FROM escalation.dp_obligation o WHERE o.unit_id = unit;

	-- Obliged and not enrolled: idle from the end of the grace period until the enrolment.
	IF idle_from IS NOT NULL AND (enrolled IS NULL OR greatest(after, idle_from) < enrolled) THEN
		started_at := greatest(after, idle_from);
		handled_at := enrolled;
		RETURN;
	END IF;
	started_at := greatest(after, enrolled);
	IF enrolled IS NULL THEN
		RETURN;
	END IF;

	-- No scheduled task: any run of the mechanism is a normal run.
	IF NOT EXISTS (SELECT 1 FROM escalation.dp_check_task k WHERE k.unit_id = unit AND k.active) THEN
		handled_at := (SELECT min(r.ran_at) FROM escalation.dp_run r WHERE r.unit_id = unit AND r.ran_at > started_at);
		RETURN;
	END IF;

	-- Tasks: a task is overdue from one interval after its last run (or its
	-- start) until its next run; the unit is idle while the tasks that fell
	-- due and are not overdue are fewer than the share of those that fell due.
	share := least(greatest(coalesce(escalation.rule_limit_amount('dual_prevention_task_share'), 1), 0), 1);
	WITH task AS (
		SELECT k.id, k.every, k.starts_at FROM escalation.dp_check_task k WHERE k.unit_id = unit AND k.active
	), anchor AS (
		SELECT k.id, k.every, a.at
		FROM task k
		CROSS JOIN LATERAL (
			SELECT greatest(k.starts_at, (SELECT max(r.ran_at) FROM escalation.dp_run r
										  WHERE r.task_id = k.id AND r.ran_at <= started_at))
			UNION ALL
			SELECT r.ran_at FROM escalation.dp_run r
			WHERE r.task_id = k.id AND r.ran_at > started_at AND r.ran_at > k.starts_at) a (at)
	), overdue AS (
		SELECT x.overdue_from, x.overdue_until
		FROM (SELECT escalation.stage_due_at(n.at, n.every) AS overdue_from,
					 lead(n.at) OVER (PARTITION BY n.id ORDER BY n.at) AS overdue_until
			  FROM anchor n) x
		WHERE x.overdue_until IS NULL OR (x.overdue_until > x.overdue_from AND x.overdue_until > started_at)
	), event AS (
		SELECT greatest(o.overdue_from, started_at) AS at, 1 AS late, 0 AS due FROM overdue o
		UNION ALL
		SELECT o.overdue_until, -1, 0 FROM overdue o WHERE o.overdue_until IS NOT NULL
		UNION ALL
		SELECT greatest(escalation.stage_due_at(k.starts_at, k.every), started_at), 0, 1 FROM task k
	), state AS (
		SELECT e.at, sum(sum(e.late)) OVER w AS late, sum(sum(e.due)) OVER w AS due
		FROM event e GROUP BY e.at
		WINDOW w AS (ORDER BY e.at)
	), idle AS (
		SELECT s.at, s.late > 0 AND (s.late >= s.due OR s.due - s.late < share * s.due) AS idle FROM state s
	)
	SELECT i.at, (SELECT min(j.at) FROM idle j WHERE j.at > i.at AND NOT j.idle)
	INTO started_at, handled_at
	FROM idle i WHERE i.idle ORDER BY i.at LIMIT 1;
	-- Every task runs for ever after: no idle episode is ahead.
	started_at := coalesce(started_at, 'infinity');
END
$$;
COMMENT ON FUNCTION escalation.dp_idle_episode(bigint, timestamptz) IS
	'The first episode of a unit not running dual prevention normally (未正常运行, §19) that begins at or after a time: when it begins (+infinity if none is ahead) and when the unit runs normally again (NULL if it has not). A unit §12 obliges and not enrolled is idle from obliged_since plus rule_limit dual_prevention_enrol_within until its enrolment; an enrolled unit without an active check task is idle from the time until its next run; one with tasks is idle while fewer than the share rule_limit dual_prevention_task_share of its tasks that fell due are not overdue (a task is overdue from one interval after its last run, or its start, until its next run). 未正常运行时段';

-- The start of a tracked idle item's current episode, after a change of its data.
CREATE FUNCTION escalation.dp_idle_start(unit_id bigint, tracked timestamptz, source timestamptz) RETURNS timestamptz
LANGUAGE sql STABLE PARALLEL SAFE
BEGIN ATOMIC
	-- The engine walked to tracked from a normal run at or before it: no
	-- episode before that run is left to deal with.
	SELECT e.started_at
	FROM escalation.dp_idle_episode(dp_idle_start.unit_id,
		greatest(source, (SELECT max(r.ran_at) FROM escalation.dp_run r
						  WHERE r.unit_id = dp_idle_start.unit_id AND r.ran_at <= tracked))) e;
END;
COMMENT ON FUNCTION escalation.dp_idle_start(bigint, timestamptz, timestamptz) IS
	'Start of the current idle episode of a tracked dual prevention item after a change of its data: the first that begins at or after the source''s start and the unit''s last run up to the tracked start. 本轮未正常运行起算时间';

------------------------------------------------------------------------------
-- Row-level security and privileges
------------------------------------------------------------------------------

SELECT escalation.enable_region_security('escalation.dp_obligation');
GRANT SELECT ON escalation.dp_obligation TO escalation_admin, escalation_user, escalation_analyst;

REVOKE ALL ON FUNCTION
	escalation_internal.dp_obligation_refresh(bigint[], timestamptz), escalation_internal.dp_obligation_unit(),
	escalation_internal.dp_obligation_industry(),
	escalation.dp_idle_episode(bigint, timestamptz), escalation.dp_idle_start(bigint, timestamptz, timestamptz)
FROM PUBLIC;
GRANT EXECUTE ON FUNCTION escalation.dp_idle_episode(bigint, timestamptz),
	escalation.dp_idle_start(bigint, timestamptz, timestamptz)
	TO escalation_admin, escalation_user, escalation_analyst;

INSERT INTO escalation.rule_limit_default (name, amount, span, description) VALUES
	('dual_prevention_task_share', 1, NULL, 'Share (0 to 1) of the check tasks that fell due which must not be overdue for a unit to run dual prevention normally (§19 正常运行); 1: every one. 按期排查任务比例'),
	('dual_prevention_enrol_within', NULL, '30 days', 'Time a unit §12 obliges has to come under platform management before it climbs the §19 ladder. 应建单位纳入管理期限');
CREATE OR REPLACE FUNCTION escalation_internal.rule_limit_retime() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, escalation, pg_temp AS
$$
BEGIN
	-- A restore brings back the tracking rows themselves.
	IF escalation.restoring() THEN
		RETURN NULL;
	END IF;
	PERFORM escalation.sync_items('hazard_overdue', NULL);
	PERFORM escalation.sync_items('dual_prevention_idle', NULL);
	RETURN NULL;
END
$$;
COMMENT ON FUNCTION escalation_internal.rule_limit_retime() IS
	'Trigger: after a change of the limits, hazards climbing the overdue ladder get their start from the re-inspection deadline in force, and dual prevention items their idle episodes from the task share and grace period in force. 限值变更后重算';
-- When a unit runs dual prevention normally again after an idle episode that begins at or after a time.
CREATE OR REPLACE FUNCTION escalation.dp_first_run_after(unit_id bigint, after timestamptz) RETURNS timestamptz
LANGUAGE sql STABLE PARALLEL SAFE
BEGIN ATOMIC
	SELECT e.handled_at FROM escalation.dp_idle_episode(dp_first_run_after.unit_id, after) e;
END;
COMMENT ON FUNCTION escalation.dp_first_run_after(bigint, timestamptz) IS
	'When the unit runs dual prevention normally again (its enrolment, its next run, or its check tasks back within the share) after the idle episode that begins at or after a time (escalation.dp_idle_episode), NULL if it has not. 此后首次正常运行时间';

-- The start an item's tracking keeps: dual prevention walks from episode to
-- episode (each normal run ends one), so a change of its data moves the start
-- only to the idle episode current from where the walk stands.
CREATE FUNCTION escalation.item_start(kind escalation.warning_kind, subject_id bigint, tracked timestamptz, source timestamptz)
RETURNS timestamptz
LANGUAGE sql STABLE PARALLEL SAFE
RETURN CASE WHEN kind = 'dual_prevention_idle' THEN escalation.dp_idle_start(subject_id, tracked, source) ELSE source END;
COMMENT ON FUNCTION escalation.item_start(escalation.warning_kind, bigint, timestamptz, timestamptz) IS
	'Start of an item''s current episode given the tracked and the source start. 本轮起算时间';

REVOKE ALL ON FUNCTION escalation.item_start(escalation.warning_kind, bigint, timestamptz, timestamptz) FROM PUBLIC;

-- Bring the tracking of items of a kind in line with the source tables.
CREATE OR REPLACE FUNCTION escalation.sync_items(kind escalation.warning_kind, subjects bigint[])
RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, escalation, pg_temp AS
$$
BEGIN
	-- Items that qualify: insert, or update from the source. The tracked row is
	-- read under its lock (the ON CONFLICT branch), never from an older snapshot.
	EXECUTE $q$
		INSERT INTO escalation.tracked_item AS t
			(kind, subject_id, origin, started_at, start_set_at, handled_at, handled_reason, withdrawn_at,
			 unit_id, department_id, region, district, city)
		SELECT s.kind, s.subject_id, s.origin, s.started_at, s.start_set_at, s.handled_at, s.handled_reason, s.withdrawn_at,
			s.unit_id, s.department_id, s.region, s.district, s.city
		FROM escalation.item_source s
		WHERE s.kind = $1 AND ($2 IS NULL OR s.subject_id = ANY ($2))
		ON CONFLICT (kind, subject_id) DO UPDATE SET
			origin = EXCLUDED.origin,
			unit_id = EXCLUDED.unit_id,
			department_id = EXCLUDED.department_id,
			region = EXCLUDED.region,
			district = EXCLUDED.district,
			city = EXCLUDED.city,
			handled_reason = EXCLUDED.handled_reason,
			withdrawn_at = EXCLUDED.withdrawn_at,
			started_at = escalation.item_start(t.kind, t.subject_id, t.started_at, EXCLUDED.started_at),
			-- A moved start: the run resolves what the old start raised (an idle
			-- episode that raised nothing just moves on).
			superseded_at = CASE WHEN escalation.item_start(t.kind, t.subject_id, t.started_at, EXCLUDED.started_at) <> t.started_at
									  AND (t.kind <> 'dual_prevention_idle'
										   OR EXISTS (SELECT 1 FROM escalation.warning w
													  WHERE w.subject_id = t.subject_id AND w.kind = t.kind
														AND w.started_at = t.started_at AND w.resolved_at IS NULL))
								 THEN coalesce(t.superseded_at, EXCLUDED.start_set_at, now()) ELSE t.superseded_at END,
			start_set_at = EXCLUDED.start_set_at,
			handled_at = CASE WHEN t.kind = 'dual_prevention_idle'
							  THEN escalation.dp_first_run_after(t.subject_id,
									 escalation.item_start(t.kind, t.subject_id, t.started_at, EXCLUDED.started_at))
							  ELSE EXCLUDED.handled_at END
	$q$ USING kind, subjects;

	-- Items that no longer qualify: their active warnings are resolved as
	-- withdrawn by the next run; one with nothing raised or pending just goes.
	EXECUTE $q$
		WITH missing AS (
			-- A set difference, not a NOT EXISTS: right after a bulk load the
			-- planner knows too little to join a million rows well.
			SELECT t.subject_id FROM escalation.tracked_item t
			WHERE t.kind = $1 AND ($2 IS NULL OR t.subject_id = ANY ($2)) AND t.withdrawn_at IS NULL
			EXCEPT
			SELECT s.subject_id FROM escalation.item_source s
			WHERE s.kind = $1 AND ($2 IS NULL OR s.subject_id = ANY ($2))
		), gone AS (
			-- Idle: nothing raised in this episode, nothing due to raise or to deal with.
			SELECT t.kind, t.subject_id,
				t.superseded_at IS NULL AND (t.next_due_at IS NULL OR t.next_due_at > now())
				AND NOT EXISTS (SELECT 1 FROM escalation.warning w
								WHERE w.subject_id = t.subject_id AND w.kind = t.kind AND w.started_at = t.started_at)
				AND NOT EXISTS (SELECT 1 FROM escalation.stage_due s
								WHERE s.subject_id = t.subject_id AND s.kind = t.kind AND s.due_at <= now())
					AS idle
			FROM escalation.tracked_item t JOIN missing m ON m.subject_id = t.subject_id
			WHERE t.kind = $1
		), dropped AS (
			DELETE FROM escalation.tracked_item t USING gone g
			WHERE g.idle AND t.kind = g.kind AND t.subject_id = g.subject_id
		)
		UPDATE escalation.tracked_item t SET withdrawn_at = now()
		FROM gone g
		WHERE NOT g.idle AND t.kind = g.kind AND t.subject_id = g.subject_id
	$q$ USING kind, subjects;

	PERFORM escalation.retime_items(kind, NULL, subjects);
END
$$;
COMMENT ON FUNCTION escalation.sync_items(escalation.warning_kind, bigint[]) IS
	'Brings the tracking of the given items of a kind (all when subjects is NULL) in line with the source tables. 同步预警事项';

DROP FUNCTION escalation.item_start(escalation.warning_kind, timestamptz, timestamptz);

-- Every item that can climb a ladder, from the source tables.
CREATE OR REPLACE VIEW escalation.item_source AS
	SELECT i.kind, i.subject_id, i.origin, i.started_at, i.start_set_at, i.handled_at, i.handled_reason, i.withdrawn_at, i.unit_id,
		i.department_id, i.region, escalation.region_district(i.region) AS district,
		escalation.region_city(i.region) AS city
	FROM (
		SELECT 'hazard_overdue'::escalation.warning_kind AS kind, h.id AS subject_id,
			escalation.item_origin(coalesce(d.level, u.supervision_level)) AS origin,
			-- Rectified by the deadline: the department's re-inspection is due
			-- (逾期未复查); else the unit's deadline (逾期未整改).
			CASE WHEN h.needs_recheck AND h.status <> 'rectifying'
					  AND h.rectified_at <= coalesce(x.ladder_start, h.rectify_deadline)
				 THEN escalation.stage_due_at(h.rectified_at,
						(SELECT l.span FROM escalation.rule_limit l WHERE l.name = 'hazard_recheck_within'))
				 ELSE coalesce(x.ladder_start, h.rectify_deadline) END AS started_at,
			h.deadline_set_at AS start_set_at,
			CASE WHEN h.needs_recheck THEN h.closed_at ELSE least(h.closed_at, h.rectified_at) END AS handled_at,
			'closed'::escalation.warning_resolution AS handled_reason, NULL::timestamptz AS withdrawn_at,
			h.unit_id, h.found_by AS department_id, coalesce(u.region, d.region) AS region
		FROM escalation.hazard h
		LEFT JOIN escalation.unit u ON u.id = h.unit_id
		LEFT JOIN escalation.department d ON d.id = h.found_by
		-- An extension granted after a warning keeps the ladder's start.
		LEFT JOIN LATERAL (
			SELECT e.ladder_start FROM escalation.hazard_extension e
			WHERE e.hazard_id = h.id AND e.approved AND e.granted_deadline = h.rectify_deadline
			ORDER BY e.id DESC LIMIT 1) x ON true
		WHERE h.grade IN ('general', 'not_major') AND isfinite(h.rectify_deadline)
		UNION ALL
		SELECT 'major_hazard', h.id,
			escalation.item_origin(coalesce(d.level, u.supervision_level)),
			h.found_at, NULL, least(h.confirmed_at, h.closed_at),
			CASE WHEN h.confirmed_at IS NULL OR h.closed_at < h.confirmed_at THEN 'closed'
				 WHEN h.grade = 'not_major' THEN 'ruled_out'
				 ELSE 'confirmed' END::escalation.warning_resolution, NULL,
			h.unit_id, h.found_by, coalesce(u.region, d.region)
		FROM escalation.hazard h
		LEFT JOIN escalation.unit u ON u.id = h.unit_id
		LEFT JOIN escalation.department d ON d.id = h.found_by
		WHERE h.grade <> 'general' AND isfinite(h.found_at)
		UNION ALL
		SELECT 'clue', c.id,
			escalation.item_origin(coalesce(d.level, u.supervision_level)),
			-- A forwarded clue's clock runs from the first transfer of its chain.
			CASE WHEN c.forwarded_from IS NULL THEN c.transferred_at ELSE (escalation.clue_chain(c.id)).started_at END,
			NULL, c.handled_at, 'handled', NULL,
			c.unit_id, c.from_department, coalesce(u.region, d.region)
		FROM escalation.clue c
		LEFT JOIN escalation.unit u ON u.id = c.unit_id
		LEFT JOIN escalation.department d ON d.id = c.from_department
		WHERE isfinite(c.transferred_at)
		UNION ALL
		SELECT 'licence_expired', l.id, escalation.item_origin(u.supervision_level),
			escalation.licence_expires_at(l.valid_until), NULL, l.superseded_at, 'renewed', NULL,
			l.unit_id, NULL::bigint, u.region
		FROM escalation.licence l
		JOIN escalation.unit u ON u.id = l.unit_id
		WHERE l.safety_licence AND isfinite(l.valid_until)
		UNION ALL
		-- Enrolled units, and units §12 obliged before they enrolled (49_dual_prevention_running.sql).
		SELECT 'dual_prevention_idle', u.id, escalation.item_origin(u.supervision_level),
			e.started_at, p.since, e.handled_at, 'ran', p.withdrawn_at,
			u.id, NULL::bigint, u.region
		FROM escalation.unit u
		LEFT JOIN escalation.dual_prevention p ON p.unit_id = u.id
		LEFT JOIN escalation.dp_obligation o ON o.unit_id = u.id
		CROSS JOIN LATERAL escalation.dp_idle_episode(u.id, least(p.since, o.obliged_since)) e
		WHERE (p.unit_id IS NOT NULL OR o.unit_id IS NOT NULL) AND isfinite(least(p.since, o.obliged_since))
	) i
	WHERE i.region IS NOT NULL;
COMMENT ON VIEW escalation.item_source IS
	'Every item that can climb a warning ladder, read from the hazards, clues, licences, dual-prevention enrolments and the units §12 obliges: its origin, start, handling and region. The engine tracks it in escalation.tracked_item. 预警事项来源';
COMMENT ON COLUMN escalation.item_source.kind IS 'Kind of warning the item climbs. 预警类型';
COMMENT ON COLUMN escalation.item_source.subject_id IS 'Hazard, clue or licence id, or unit id for dual prevention. 事项编号';
COMMENT ON COLUMN escalation.item_source.origin IS 'city or district: the level of the finding/transferring department, else of the unit''s supervision. 事项来源层级';
COMMENT ON COLUMN escalation.item_source.started_at IS 'Start of the ladder: rectification deadline (kept by an extension granted after a warning), or for a hazard rectified by it the re-inspection deadline (rule_limit hazard_recheck_within after the rectification), discovery, transfer (the first of a forwarding chain), licence expiry, or for dual prevention the start of the first idle episode from the enrolment or the obligation (escalation.dp_idle_episode). 起算时间';
COMMENT ON COLUMN escalation.item_source.start_set_at IS 'When the start was last set, where the data records it (a hazard''s deadline extension, a re-enrolment); a moved start resolves the old start''s warnings at this time, else when the move is seen. 起算时间设定时间';
COMMENT ON COLUMN escalation.item_source.handled_at IS 'When it was handled (a hazard: closed, or rectified when it needs no re-inspection; dual prevention: when the unit runs normally again, escalation.dp_first_run_after). 处理时间';
COMMENT ON COLUMN escalation.item_source.handled_reason IS 'How it is handled. 处理方式';
COMMENT ON COLUMN escalation.item_source.withdrawn_at IS 'When it stopped being watched although it still exists (a unit withdrawn from dual prevention management). 撤销时间';
COMMENT ON COLUMN escalation.item_source.unit_id IS 'The unit, if any. 生产经营单位';
COMMENT ON COLUMN escalation.item_source.department_id IS 'The finding or transferring department, if any. 发现/移交部门';
COMMENT ON COLUMN escalation.item_source.region IS 'The unit''s region, else the department''s. 所属区划';
COMMENT ON COLUMN escalation.item_source.district IS 'District of the region (NULL for a city department''s item without a unit). 所属区县';
COMMENT ON COLUMN escalation.item_source.city IS 'City of the region. 所属城市';

COMMENT ON FUNCTION escalation_internal.track_source() IS
	'Trigger on hazard, clue, licence, dual_prevention, dp_run, dp_check_task and dp_obligation: re-syncs the tracking of the items a statement touched. 预警事项同步触发器';

DO $upgrade$
DECLARE
	tbl text;
BEGIN
	FOREACH tbl IN ARRAY ARRAY['dp_check_task', 'dp_obligation'] LOOP
		EXECUTE format('CREATE TRIGGER %1$I AFTER INSERT ON escalation.%2$I REFERENCING NEW TABLE AS new_rows '
					   'FOR EACH STATEMENT EXECUTE FUNCTION escalation_internal.track_source(%3$L, %4$L)',
					   tbl || '_track_insert', tbl, 'unit_id', 'dual_prevention_idle');
		EXECUTE format('CREATE TRIGGER %1$I AFTER UPDATE ON escalation.%2$I REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows '
					   'FOR EACH STATEMENT EXECUTE FUNCTION escalation_internal.track_source(%3$L, %4$L)',
					   tbl || '_track_update', tbl, 'unit_id', 'dual_prevention_idle');
		EXECUTE format('CREATE TRIGGER %1$I AFTER DELETE ON escalation.%2$I REFERENCING OLD TABLE AS old_rows '
					   'FOR EACH STATEMENT EXECUTE FUNCTION escalation_internal.track_source(%3$L, %4$L)',
					   tbl || '_track_delete', tbl, 'unit_id', 'dual_prevention_idle');
		EXECUTE format('CREATE TRIGGER %1$I AFTER TRUNCATE ON escalation.%2$I '
					   'FOR EACH STATEMENT EXECUTE FUNCTION escalation_internal.track_source(%3$L, %4$L)',
					   tbl || '_track_truncate', tbl, 'unit_id', 'dual_prevention_idle');
	END LOOP;
END
$upgrade$;

CREATE VIEW escalation.dp_obligation_analyst WITH (security_invoker = true) AS
	SELECT t.unit_id,
		t.obliged_since,
		t.region::text AS region
	FROM escalation.dp_obligation t;
COMMENT ON VIEW escalation.dp_obligation_analyst IS
	'What an analyst may read of escalation.dp_obligation, for BI tools: its permitted columns, region codes as text. 应建双重预防机制单位（分析视图）';
COMMENT ON COLUMN escalation.dp_obligation_analyst.unit_id IS 'The unit. 单位';
COMMENT ON COLUMN escalation.dp_obligation_analyst.obliged_since IS 'When §12 came to oblige it while it was not enrolled. 应建起始时间';
COMMENT ON COLUMN escalation.dp_obligation_analyst.region IS 'Region of the unit. 所属区划';

GRANT SELECT ON escalation.dp_obligation_analyst TO escalation_admin, escalation_analyst;

-- Units §12 obliges today that never enrolled: obliged since their registration.
INSERT INTO escalation.dp_obligation (unit_id, obliged_since, region)
SELECT c.unit_id, u.created_at, u.region
FROM escalation.dual_prevention_coverage c
JOIN escalation.unit u ON u.id = c.unit_id
WHERE c.required AND NOT EXISTS (SELECT 1 FROM escalation.dual_prevention p WHERE p.unit_id = c.unit_id);

-- The dual prevention items are re-timed from their idle episodes.
SELECT escalation.sync_items('dual_prevention_idle', NULL);

------------------------------------------------------------------------------
-- The screens label a hazard's overdue warning by its failure (逾期未整改 or
-- 逾期未复查, escalation.hazard_overdue_warning).
------------------------------------------------------------------------------

-- The label of one warning: a hazard's overdue warning says whose failure it is.
CREATE FUNCTION escalation.warning_label(kind escalation.warning_kind, warning_id bigint) RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE
BEGIN ATOMIC
	SELECT coalesce(
		(SELECT '一般隐患' || o.failure_label FROM escalation.hazard_overdue_warning o
		 WHERE warning_label.kind = 'hazard_overdue' AND o.warning_id = warning_label.warning_id),
		escalation.warning_kind_label(warning_label.kind));
END;
COMMENT ON FUNCTION escalation.warning_label(escalation.warning_kind, bigint) IS
	'Chinese label of one warning as the screens show it: the kind''s label, for a hazard''s overdue warning the failure it records, 一般隐患逾期未整改 (the unit) or 一般隐患逾期未复查 (the department; escalation.hazard_overdue_warning). 预警名称';

CREATE OR REPLACE FUNCTION escalation.screen_warnings(for_screen escalation.region DEFAULT NULL)
RETURNS TABLE (
	warning_id bigint,
	kind escalation.warning_kind,
	kind_label text,
	subject_id bigint,
	stage smallint,
	top_stage smallint,
	screen escalation.level,
	screen_label text,
	screen_region escalation.region,
	screen_region_name text,
	district escalation.region,
	district_name text,
	street escalation.region,
	street_name text,
	unit_id bigint,
	unit_name text,
	department_id bigint,
	department_name text,
	action escalation.warning_action,
	action_label text,
	started_at timestamptz,
	first_due_at timestamptz,
	due_at timestamptz,
	raised_at timestamptz,
	days_overdue integer,
	escalated boolean,
	acknowledged_at timestamptz,
	handling_state escalation.handling_state,
	handling_state_label text,
	handling_overdue boolean,
	addressee_department_id bigint,
	addressee_name text,
	reply_due_at timestamptz)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, escalation, pg_temp AS
$$
BEGIN
	IF escalation.region_level(for_screen) NOT IN ('district', 'city') THEN
		RAISE EXCEPTION 'not a screen: %', for_screen
			USING ERRCODE = 'invalid_parameter_value',
				  DETAIL = format('%s is a %s; the screens are the districts'' and the city''s.',
								  for_screen, escalation.region_level(for_screen));
	END IF;
	-- The rows to rank, on_screen marking those the screen shows. For a
	-- district: the active warnings of the items it shows, on every screen,
	-- found through the district's entries in warning_active_idx. Without a
	-- screen, or for the city, whose screen shows most active warnings: every
	-- active warning.
	RETURN QUERY
	WITH family AS (
		SELECT w.*, for_screen IS NULL OR w.screen_region = for_screen AS on_screen
		FROM escalation.warning w CROSS JOIN escalation.screen_scope() c
		WHERE (for_screen IS NULL OR escalation.region_level(for_screen) = 'city') AND w.resolved_at IS NULL
		  AND (c.sees_all OR w.region OPERATOR(escalation.<@) c.region)
		UNION ALL
		SELECT w.*, w.screen_region = for_screen
				OR (w.screen_region = escalation.region_city(for_screen) AND coalesce(w.district = for_screen, false))
		FROM escalation.warning w CROSS JOIN escalation.screen_scope() c
		WHERE escalation.region_level(for_screen) = 'district' AND w.resolved_at IS NULL
		  AND (c.sees_all OR w.region OPERATOR(escalation.<@) c.region)
		  AND (w.subject_id, w.kind, w.started_at) IN (
				SELECT x.subject_id, x.kind, x.started_at FROM escalation.warning x
				WHERE x.resolved_at IS NULL
				  AND (x.screen_region = for_screen
					   OR (x.screen_region = escalation.region_city(for_screen) AND x.district = for_screen)))
	), active AS (
		SELECT f.*,
			-- One condition for the rows kept, so the planner's estimate of
			-- them stays that of one filter (it picks the joins below by it).
			CASE WHEN f.on_screen THEN row_number() OVER (PARTITION BY f.kind, f.subject_id, f.started_at, f.screen_region
														  ORDER BY f.stage DESC) END AS latest,
			max(f.stage) OVER (PARTITION BY f.kind, f.subject_id, f.started_at) AS item_stage,
			min(f.due_at) OVER (PARTITION BY f.kind, f.subject_id, f.started_at) AS item_due_at
		FROM family f
	)
	SELECT a.id, a.kind, escalation.warning_label(a.kind, a.id), a.subject_id, a.stage, a.item_stage,
		a.screen, escalation.screen_label(a.screen), a.screen_region, sr.name, a.district, dn.name,
		CASE WHEN escalation.region_level(a.region) = 'street' THEN a.region END,
		CASE WHEN escalation.region_level(a.region) = 'street' THEN st.name END,
		a.unit_id, u.name, a.department_id, dp.name,
		a.action, escalation.warning_action_label(a.action),
		a.started_at, a.item_due_at, a.due_at, a.raised_at,
		floor(extract(epoch FROM now() - a.item_due_at) / 86400)::integer,
		a.item_stage > a.stage,
		a.acknowledged_at,
		h.state, escalation.handling_state_label(h.state), coalesce(h.sign_overdue AND h.state = 'raised' OR h.reply_overdue, false),
		h.addressee_department_id, coalesce(ad.name, '无承办部门'), h.reply_due_at
	FROM active a
	LEFT JOIN escalation.warning_handling h ON h.warning_id = a.id
	LEFT JOIN escalation.department ad ON ad.id = h.addressee_department_id
	LEFT JOIN escalation.division sr ON sr.code = a.screen_region
	LEFT JOIN escalation.division dn ON dn.code = a.district
	LEFT JOIN escalation.division st ON st.code = a.region
	LEFT JOIN escalation.unit u ON u.id = a.unit_id
	LEFT JOIN escalation.department dp ON dp.id = a.department_id
	WHERE a.latest = 1;
END
$$;
COMMENT ON FUNCTION escalation.screen_warnings(escalation.region) IS
	'Active warnings, one row per item and screen (its latest stage there), with Chinese labels and names, limited to what the caller may see (escalation.screen_scope). With for_screen (a district or the city), only what that screen shows: its own rows and, for a district, its items escalated to the city screen. 大屏在办预警';

COMMENT ON COLUMN escalation.screen_warning.kind_label IS 'Kind in Chinese; for a hazard''s overdue warning, 逾期未整改 or 逾期未复查 (escalation.warning_label). 预警类型名称';

CREATE OR REPLACE FUNCTION escalation.warning_events(after bigint, max_rows integer DEFAULT 1000)
RETURNS TABLE (
	event_id bigint,
	event text,
	warning_id bigint,
	kind escalation.warning_kind,
	subject_id bigint,
	started_at timestamptz,
	stage smallint,
	screen escalation.level,
	screen_region escalation.region,
	district escalation.region,
	unit_id bigint,
	unit_name text,
	street_name text,
	kind_label text,
	action escalation.warning_action,
	action_label text,
	first_due_at timestamptz,
	due_at timestamptz,
	raised_at timestamptz,
	resolved_at timestamptz,
	resolved_reason escalation.warning_resolution,
	acknowledged_at timestamptz,
	handling_state escalation.handling_state,
	handling_overdue boolean)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, escalation, pg_temp AS
$$
DECLARE
	scope record;
BEGIN
	IF after IS NULL THEN
		RAISE EXCEPTION 'after must not be null'
			USING ERRCODE = 'null_value_not_allowed', HINT = 'Pass 0 to read from the first event.';
	END IF;
	IF max_rows IS NULL OR max_rows NOT BETWEEN 1 AND 100000 THEN
		RAISE EXCEPTION 'max_rows must be between 1 and 100000: %', coalesce(max_rows::text, 'NULL')
			USING ERRCODE = 'invalid_parameter_value';
	END IF;
	SELECT * INTO scope FROM escalation.screen_scope();
	RETURN QUERY
	SELECT e.event_id, e.event, w.id, w.kind, w.subject_id, w.started_at, w.stage, w.screen, w.screen_region,
		w.district, w.unit_id, u.name, CASE WHEN escalation.region_level(w.region) = 'street' THEN st.name END,
		escalation.warning_label(w.kind, w.id), w.action, escalation.warning_action_label(w.action),
		-- When the item's episode first fell due: its first stage's warning,
		-- through the item-stage key (an episode's stages are resolved together).
		(SELECT min(f.due_at) FROM escalation.warning f
		 WHERE f.subject_id = w.subject_id AND f.kind = w.kind AND f.started_at = w.started_at),
		w.due_at, w.raised_at, w.resolved_at, w.resolved_reason, w.acknowledged_at,
		h.state, coalesce(h.sign_overdue AND h.state = 'raised' OR h.reply_overdue, false)
	FROM (
		SELECT x.event_id, x.event, x.id FROM (
			SELECT v.id AS event_id, 'raised' AS event, v.id, v.region FROM escalation.warning v WHERE v.id > after
			UNION ALL
			SELECT v.resolved_seq, 'resolved', v.id, v.region FROM escalation.warning v WHERE v.resolved_seq > after
			UNION ALL
			SELECT v.ack_seq, 'acknowledged', v.id, v.region FROM escalation.warning v WHERE v.ack_seq > after
			UNION ALL
			SELECT s.id, 'handled', s.warning_id, s.region FROM escalation.warning_step s
			WHERE s.id > after AND s.step <> 'sign'
		) x
		WHERE scope.sees_all OR x.region OPERATOR(escalation.<@) scope.region
		ORDER BY x.event_id
		LIMIT max_rows
	) e
	JOIN escalation.warning w ON w.id = e.id
	LEFT JOIN escalation.warning_handling h ON h.warning_id = w.id
	LEFT JOIN escalation.unit u ON u.id = w.unit_id
	LEFT JOIN escalation.division st ON st.code = w.region
	ORDER BY e.event_id;
END
$$;
COMMENT ON FUNCTION escalation.warning_events(bigint, integer) IS
	'The warning events (raised, resolved, acknowledged, and handled for the later handling steps) after an event id, in event order, at most max_rows, limited to what the caller may see (escalation.screen_scope), with the names and labels a screen shows; the screen worker reads it after every NOTIFY escalation_warning. Event ids commit in order, so reading after the last id seen never misses one. 预警事件流';

REVOKE ALL ON FUNCTION escalation.warning_label(escalation.warning_kind, bigint) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION escalation.warning_label(escalation.warning_kind, bigint)
	TO escalation_admin, escalation_user, escalation_analyst;

------------------------------------------------------------------------------
-- The scorecard counts extensions of hazards' deadlines (隐患延期考评, §15, §23)
------------------------------------------------------------------------------

CREATE FUNCTION escalation.extension_scorecard(from_day date, to_day date, per_department boolean DEFAULT true)
RETURNS TABLE (
	department_id bigint,
	department_name text,
	district escalation.region,
	district_name text,
	requested bigint,
	granted bigint,
	refused bigint,
	granted_after_warning bigint,
	days_granted numeric)
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, escalation, pg_temp AS
$$
BEGIN
	PERFORM escalation.require_period(from_day, to_day);
	RETURN QUERY
	WITH fact AS (
		SELECT h.found_by AS dept, coalesce(escalation.region_district(e.region), escalation.region_city(e.region)) AS dist,
			e.requested_at >= escalation.day_start(from_day) AND e.requested_at < escalation.day_start(to_day + 1) AS asked,
			e.decided_at >= escalation.day_start(from_day) AND e.decided_at < escalation.day_start(to_day + 1) AS decided,
			e.approved, e.after_warning, e.granted_deadline - e.deadline_then AS added
		FROM escalation.hazard_extension e
		JOIN escalation.hazard h ON h.id = e.hazard_id
		WHERE (e.requested_at >= escalation.day_start(from_day) AND e.requested_at < escalation.day_start(to_day + 1))
		   OR (e.decided_at >= escalation.day_start(from_day) AND e.decided_at < escalation.day_start(to_day + 1))
	)
	SELECT CASE WHEN per_department THEN f.dept END, CASE WHEN per_department THEN d.name END,
		CASE WHEN NOT per_department THEN f.dist END, CASE WHEN NOT per_department THEN dv.name END,
		count(*) FILTER (WHERE f.asked),
		count(*) FILTER (WHERE f.decided AND f.approved),
		count(*) FILTER (WHERE f.decided AND NOT f.approved),
		count(*) FILTER (WHERE f.decided AND f.approved AND f.after_warning),
		coalesce(round((sum(extract(epoch FROM f.added)) FILTER (WHERE f.decided AND f.approved) / 86400)::numeric, 1), 0)
	FROM fact f
	LEFT JOIN escalation.department d ON per_department AND d.id = f.dept
	LEFT JOIN escalation.division dv ON NOT per_department AND dv.code = f.dist
	GROUP BY 1, 2, 3, 4
	ORDER BY 1, 3;
END
$$;
COMMENT ON FUNCTION escalation.extension_scorecard(date, date, boolean) IS
	'Extensions (延期) of hazards'' rectification deadlines over from_day..to_day, per department that found the hazard (per_department) or per district, as far as the caller may see them: requests made, extensions granted and refused in the period, those granted after a stage of the overdue ladder was raised (the warnings stay on the record), and the days granted in all. 隐患延期考评';

REVOKE ALL ON FUNCTION escalation.extension_scorecard(date, date, boolean) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION escalation.extension_scorecard(date, date, boolean)
TO escalation_admin, escalation_user, escalation_analyst;

-- The comments of the dual prevention tables say what runs count for (§19).
COMMENT ON TABLE escalation.dual_prevention IS
	'Units whose dual prevention mechanism is under platform management (纳入平台管理, §12): from since, every scheduled self-inspection is recorded in escalation.dp_run, and 7 days of not running normally (escalation.dp_idle_episode) climb the dual_prevention_idle warning ladder (§19). 双重预防机制平台管理单位';
COMMENT ON TABLE escalation.dp_run IS
	'Records of normal running of the dual prevention mechanism (正常运行记录): each row is a completed scheduled self-inspection of an enrolled unit, whatever it found; a run of a task keeps that task on schedule, and a unit without tasks is kept running by any run (§19, escalation.dp_idle_episode). 双重预防机制运行记录';
COMMENT ON COLUMN escalation.dp_run.task_id IS 'The scheduled task completed, of the same unit; a run that names no task runs none of the unit''s tasks (§19). 排查任务';
COMMENT ON COLUMN escalation.dp_run_analyst.task_id IS 'The scheduled task completed, of the same unit; a run that names no task runs none of the unit''s tasks (§19). 排查任务';

------------------------------------------------------------------------------
-- Documents (公文): supervision orders, circulars, interviews and cautions
-- (sql/parts/58_documents.sql, issue 14)
------------------------------------------------------------------------------

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

-- Issue the order of a 督办 warning: numbered by the office of its screen's region.
CREATE FUNCTION escalation_internal.supervision_order_issue(w escalation.warning) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, escalation, pg_temp AS
$$
DECLARE
	office escalation.document_office;
	yr integer := extract(year FROM escalation.local_day(w.raised_at))::integer;
	n integer;
	due timestamptz := escalation.stage_due_at(w.raised_at,
		coalesce(escalation.rule_limit_span('supervision_order_reply_within'), interval '3 days'));
	unit_name text := (SELECT u.name FROM escalation.unit u WHERE u.id = w.unit_id);
	id bigint;
BEGIN
	SELECT * INTO office FROM escalation.document_office o WHERE o.region = w.screen_region;
	IF FOUND THEN
		n := escalation_internal.document_next(office.department_id, 'order', yr);
	END IF;
	INSERT INTO escalation.supervision_order AS s (number, year, sequence, issued_by, issuing_level, issuing_region,
		addressee_department_id, warning_id, title, items, measures, issued_at, reply_due_at, region)
	SELECT escalation.document_number(office.short_name, 'order', yr, n), yr, n, office.department_id, w.screen, w.screen_region,
		(SELECT a.department_id FROM escalation.warning_addressee a WHERE a.warning_id = w.id), w.id,
		'关于' || coalesce(unit_name, '') || escalation.warning_kind_label(w.kind) || '问题的督办单',
		escalation_internal.document_item(w), escalation_internal.supervision_order_measures(w.kind, due), w.raised_at, due, w.region
	RETURNING s.id INTO id;
	RETURN id;
END
$$;
COMMENT ON FUNCTION escalation_internal.supervision_order_issue(escalation.warning) IS
	'Issues the supervision order of a 督办 warning: the next number of the office of its screen''s region and year, addressed to the warning''s addressee, reply due after rule_limit supervision_order_reply_within. 签发督办单';

-- Trigger: the engine (or an INSERT by hand) raising a 督办 stage issues its order.
CREATE FUNCTION escalation_internal.warning_issue_order() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, escalation, pg_temp AS
$$
BEGIN
	-- A restore brings back the orders as they were issued.
	IF NEW.action <> 'supervise' OR escalation.restoring() THEN
		RETURN NULL;
	END IF;
	-- A warning put back with its id after a TRUNCATE (which leaves the orders) keeps its order.
	IF EXISTS (SELECT 1 FROM escalation.supervision_order s WHERE s.warning_id = NEW.id) THEN
		RETURN NULL;
	END IF;
	PERFORM escalation_internal.supervision_order_issue(NEW);
	RETURN NULL;
END
$$;
COMMENT ON FUNCTION escalation_internal.warning_issue_order() IS
	'Trigger: a warning whose action is 督办 gets its supervision order in the transaction that raises it (after warning_address has recorded its addressee). 督办单签发';
-- Named to fire after warning_address (triggers of one event fire in name order).
CREATE TRIGGER warning_issue_order AFTER INSERT ON escalation.warning
	FOR EACH ROW EXECUTE FUNCTION escalation_internal.warning_issue_order();

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

-- Who may issue a circular: the city's command centre, the city office's
-- administrators and the pg_cron job that runs as one of them.
CREATE FUNCTION escalation_internal.circular_require_issuer(office escalation.document_office, action text) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, escalation, pg_temp AS
$$
DECLARE
	who name := escalation.acting_role();
BEGIN
	IF EXISTS (SELECT 1 FROM pg_catalog.pg_roles r WHERE r.rolname = who AND r.rolsuper)
	   OR pg_catalog.pg_has_role(who, 'escalation_admin', 'USAGE')
	   OR (pg_catalog.pg_has_role(who, 'escalation_command_centre', 'USAGE')
		   AND escalation.current_region() IS NOT DISTINCT FROM office.region) THEN
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
	IF NOT (EXISTS (SELECT 1 FROM pg_catalog.pg_roles r WHERE r.rolname = who AND r.rolsuper)
			OR pg_catalog.pg_has_role(who, 'escalation_admin', 'USAGE')
			OR (pg_catalog.pg_has_role(who, 'escalation_command_centre', 'USAGE')
				AND escalation.current_region() IS NOT DISTINCT FROM office.region)) THEN
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
	escalation_internal.supervision_order_issue(escalation.warning), escalation_internal.warning_issue_order(),
	escalation_internal.supervision_order_check(), escalation_internal.warning_step_order_reply(),
	escalation.supervision_order_reply(bigint, text),
	escalation_internal.circular_refuse_change(), escalation_internal.warning_documents_delete(),
	escalation_internal.document_ladder(escalation.warning, timestamptz),
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

------------------------------------------------------------------------------
-- The documents as printed (sql/parts/62_document_pages.sql, issue 14)
------------------------------------------------------------------------------

-- A day as a document dates it: 2026年3月1日.
CREATE FUNCTION escalation.document_date(at timestamptz) RETURNS text
LANGUAGE sql STABLE STRICT PARALLEL SAFE
RETURN to_char(at AT TIME ZONE coalesce(nullif(pg_catalog.current_setting('escalation.timezone', true), ''), 'Asia/Shanghai'),
			   'YYYY"年"FMMM"月"FMDD"日"');
COMMENT ON FUNCTION escalation.document_date(timestamptz) IS
	'The day of a time in escalation.timezone as documents write it: 2026年3月1日. 公文日期';

-- A length of time as a circular writes it: 5天3小时.
CREATE FUNCTION escalation.document_duration(span interval) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN CASE
	WHEN span < interval '1 hour' THEN '不足1小时'
	ELSE concat(nullif(floor(extract(epoch FROM span) / 86400)::bigint, 0) || '天',
				nullif(floor(extract(epoch FROM span) / 3600)::bigint % 24, 0) || '小时')
END;
COMMENT ON FUNCTION escalation.document_duration(interval) IS
	'A length of time as documents write it, in days and hours of 24 hours: 5天3小时, 不足1小时. 时长表述';

-- Whether the caller may read a document of a region on the screens' terms.
CREATE FUNCTION escalation_internal.document_visible(region escalation.region) RETURNS boolean
LANGUAGE sql STABLE SET search_path = pg_catalog, escalation, pg_temp
BEGIN ATOMIC
	SELECT c.sees_all OR coalesce(document_visible.region OPERATOR(escalation.<@) c.region, false)
	FROM escalation.screen_scope() c;
END;
COMMENT ON FUNCTION escalation_internal.document_visible(escalation.region) IS
	'True when the caller sees a region on the screens (screen_scope): unmapped admin, analyst and screen roles everything, a mapped role its region. 公文可见';

CREATE FUNCTION escalation.document_list(for_screen escalation.region DEFAULT NULL)
RETURNS TABLE (
	document text,
	id bigint,
	number text,
	title text,
	issuing_office_name text,
	addressee_name text,
	issued_at timestamptz,
	issued_date text,
	state_label text)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, escalation, pg_temp
BEGIN ATOMIC
	SELECT 'order', o.id, o.number, o.title, d.name, coalesce(a.name, '（无承办部门）'), o.issued_at,
		escalation.document_date(o.issued_at),
		CASE WHEN o.replied_at IS NULL AND o.reply_due_at < now() THEN '逾期未回复'
			 WHEN o.replied_at IS NULL THEN '待回复'
			 WHEN o.replied_at > o.reply_due_at THEN '逾期回复' ELSE '已回复' END
	FROM escalation.supervision_order o
	LEFT JOIN escalation.department d ON d.id = o.issued_by
	LEFT JOIN escalation.department a ON a.id = o.addressee_department_id
	WHERE (document_list.for_screen IS NULL OR o.issuing_region = document_list.for_screen)
		AND escalation_internal.document_visible(o.region)
	UNION ALL
	SELECT 'circular', c.id, c.number, c.title, d.name, '各区县（功能区）安委会办公室、市安委会有关成员单位', c.issued_at,
		escalation.document_date(c.issued_at),
		CASE WHEN EXISTS (SELECT 1 FROM escalation.circular x WHERE x.corrects = c.id) THEN '已更正'
			 WHEN c.corrects IS NOT NULL THEN '更正' ELSE '已印发' END
	FROM escalation.circular c
	JOIN escalation.department d ON d.id = c.issued_by
	WHERE (document_list.for_screen IS NULL OR escalation.region_city(document_list.for_screen) = d.region)
		AND (SELECT s.sees_all OR s.region IS NOT NULL FROM escalation.screen_scope() s)
	ORDER BY 7 DESC, 1, 2 DESC;
END;
COMMENT ON FUNCTION escalation.document_list(escalation.region) IS
	'The documents of a screen, newest first: the supervision orders its office issued (for_screen: the screen''s region; NULL every order) and the circulars of its city, with number, title, issuing office, addressee, date and state (待回复, 已回复, 逾期回复, 逾期未回复; 已印发, 更正, 已更正), on the screens'' terms (screen_scope). 公文列表';

CREATE FUNCTION escalation.supervision_order_page(order_id bigint)
RETURNS TABLE (
	id bigint,
	number text,
	title text,
	issuing_office_name text,
	issuing_short_name text,
	issuing_level_label text,
	addressee_name text,
	warning_id bigint,
	kind_label text,
	stage smallint,
	unit_name text,
	district_name text,
	items text,
	measures text,
	issued_at timestamptz,
	issued_date text,
	reply_due_at timestamptz,
	reply_due_text text,
	replied_at timestamptz,
	replied_date text,
	reply text,
	state_label text,
	ladder text,
	overdue_text text,
	overdue_days integer)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, escalation, pg_temp
BEGIN ATOMIC
	SELECT o.id, coalesce(o.number, '（未编号）'), o.title, coalesce(d.name, '安全生产委员会办公室'), f.short_name,
		CASE o.issuing_level WHEN 'city' THEN '市级' ELSE '区级' END, coalesce(a.name, '（无承办部门）'),
		o.warning_id, escalation.warning_kind_label(w.kind), w.stage, u.name, dv.name, o.items, o.measures,
		o.issued_at, escalation.document_date(o.issued_at), o.reply_due_at,
		to_char(o.reply_due_at AT TIME ZONE coalesce(nullif(pg_catalog.current_setting('escalation.timezone', true), ''), 'Asia/Shanghai'),
				'YYYY"年"FMMM"月"FMDD"日"HH24:MI') || '前',
		o.replied_at, escalation.document_date(o.replied_at), o.reply,
		CASE WHEN o.replied_at IS NULL AND o.reply_due_at < now() THEN '逾期未回复'
			 WHEN o.replied_at IS NULL THEN '待回复'
			 WHEN o.replied_at > o.reply_due_at THEN '逾期回复' ELSE '已回复' END,
		escalation_internal.document_ladder(w, o.issued_at),
		'逾期' || escalation.document_duration(greatest(o.issued_at - w.started_at, interval '0')),
		floor(extract(epoch FROM greatest(o.issued_at - w.started_at, interval '0')) / 86400)::integer
	FROM escalation.supervision_order o
	JOIN escalation.warning w ON w.id = o.warning_id
	LEFT JOIN escalation.document_office f ON f.department_id = o.issued_by
	LEFT JOIN escalation.department d ON d.id = o.issued_by
	LEFT JOIN escalation.department a ON a.id = o.addressee_department_id
	LEFT JOIN escalation.unit u ON u.id = w.unit_id
	LEFT JOIN escalation.division dv ON dv.code = w.district
	WHERE o.id = supervision_order_page.order_id AND escalation_internal.document_visible(o.region);
END;
COMMENT ON FUNCTION escalation.supervision_order_page(bigint) IS
	'One supervision order as its printed page shows it, in Chinese: number (（未编号） while its region has no issuing office), title, issuing office, addressee, the item, the measures, issue date, reply deadline, the reply and its state, the ladder''s history up to the order (ladder) and how long the item was overdue when it was issued (from the ladder''s start: overdue_text, overdue_days); no row unless the caller sees it on the screens. 督办单版面';

CREATE FUNCTION escalation.circular_page(circular_id bigint)
RETURNS TABLE (
	id bigint,
	number text,
	title text,
	issuing_office_name text,
	issuing_short_name text,
	period_text text,
	issued_at timestamptz,
	issued_date text,
	corrects bigint,
	corrects_number text,
	correction_reason text,
	corrected_by_number text,
	items bigint,
	circulated bigint,
	orders_overdue bigint,
	districts bigint,
	departments bigint,
	body text)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, escalation, pg_temp
BEGIN ATOMIC
	SELECT c.id, c.number, c.title, d.name, f.short_name,
		escalation.document_date(lower(c.period)) || '至' || escalation.document_date(upper(c.period)),
		c.issued_at, escalation.document_date(c.issued_at), c.corrects, p.number, c.correction_reason, q.number,
		n.items, n.circulated, n.orders_overdue, n.districts, n.departments,
		CASE WHEN c.corrects IS NOT NULL THEN '因' || c.correction_reason || '，现对' || p.number || '予以更正，以本通报为准。' ELSE '' END
			|| escalation.document_date(lower(c.period)) || '至' || escalation.document_date(upper(c.period))
			|| '，全市安全生产综合监管平台'
			|| CASE WHEN n.items = 0 THEN '无需通报事项。'
				ELSE '升级至市级通报的预警' || n.circulated || '项，督办单逾期未回复' || n.orders_overdue || '件，涉及'
					|| n.districts || '个区县（功能区）、' || n.departments || '个部门。现将有关情况通报如下：' END
	FROM escalation.circular c
	JOIN escalation.department d ON d.id = c.issued_by
	LEFT JOIN escalation.document_office f ON f.department_id = c.issued_by
	LEFT JOIN escalation.circular p ON p.id = c.corrects
	LEFT JOIN escalation.circular q ON q.corrects = c.id
	CROSS JOIN LATERAL (
		SELECT count(*) AS items, count(*) FILTER (WHERE i.reason = 'circulate') AS circulated,
			count(*) FILTER (WHERE i.reason = 'order_overdue') AS orders_overdue,
			count(DISTINCT i.district) AS districts, count(DISTINCT i.department_id) AS departments
		FROM escalation.circular_item i WHERE i.circular_id = c.id) n
	WHERE c.id = circular_page.circular_id
		AND (SELECT s.sees_all OR s.region IS NOT NULL FROM escalation.screen_scope() s);
END;
COMMENT ON FUNCTION escalation.circular_page(bigint) IS
	'One circular''s head and opening as its printed page shows them, in Chinese: number, title, issuing office, period, date, the circular it corrects (or that corrects it), counts and the opening paragraph. 通报版面';

CREATE FUNCTION escalation.circular_page_items(circular_id bigint)
RETURNS TABLE (
	item_no integer,
	district_name text,
	department_name text,
	unit_name text,
	kind_label text,
	reason_label text,
	stage smallint,
	item text,
	order_number text,
	overdue_text text,
	handled_text text,
	ladder text,
	warning_id bigint)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, escalation, pg_temp
BEGIN ATOMIC
	SELECT i.item_no, coalesce(i.district_name, '市本级'), coalesce(i.department_name, '（无承办部门）'), i.unit_name,
		escalation.warning_kind_label(i.kind), CASE i.reason WHEN 'circulate' THEN '预警通报' ELSE '督办逾期未回复' END,
		i.stage, i.item, o.number,
		CASE i.reason WHEN 'circulate' THEN '逾期' ELSE '超过回复期限' END || escalation.document_duration(i.overdue_by),
		CASE WHEN i.handled_at IS NULL THEN '未处理' ELSE escalation.document_date(i.handled_at) || '已处理' END,
		i.ladder, i.warning_id
	FROM escalation.circular_item i
	LEFT JOIN escalation.supervision_order o ON o.id = i.order_id
	WHERE i.circular_id = circular_page_items.circular_id
		AND (SELECT s.sees_all OR s.region IS NOT NULL FROM escalation.screen_scope() s)
	ORDER BY i.item_no;
END;
COMMENT ON FUNCTION escalation.circular_page_items(bigint) IS
	'The items of a circular in print order (by district, then department), in Chinese: district (市本级 without one), department, unit, kind, reason (预警通报 or 督办逾期未回复), the item, the order''s number, how long overdue, whether handled, the ladder''s history. 通报事项版面';

REVOKE ALL ON FUNCTION escalation.document_date(timestamptz), escalation.document_duration(interval),
	escalation_internal.document_visible(escalation.region), escalation.document_list(escalation.region),
	escalation.supervision_order_page(bigint), escalation.circular_page(bigint), escalation.circular_page_items(bigint)
FROM PUBLIC;
GRANT EXECUTE ON FUNCTION escalation.document_date(timestamptz), escalation.document_duration(interval),
	escalation.document_list(escalation.region),
	escalation.supervision_order_page(bigint), escalation.circular_page(bigint), escalation.circular_page_items(bigint)
TO escalation_admin, escalation_user, escalation_analyst, escalation_screen;

------------------------------------------------------------------------------
-- Analyst views of the documents (sql/parts/83_analyst_documents.sql, issue 14)
------------------------------------------------------------------------------

CREATE VIEW escalation.document_office_analyst WITH (security_invoker = true) AS
	SELECT t.department_id,
		t.short_name,
		t.region::text AS region,
		t.created_at
	FROM escalation.document_office t;
COMMENT ON VIEW escalation.document_office_analyst IS
	'What an analyst may read of escalation.document_office, for BI tools: its permitted columns, region and uscc codes as text, enum columns with their Chinese labels. 发文机关（分析视图）';
COMMENT ON COLUMN escalation.document_office_analyst.department_id IS 'The office, a department of kind safety_committee_office at city or district level. 发文机关（部门）';
COMMENT ON COLUMN escalation.document_office_analyst.short_name IS 'Short name in document numbers, e.g. 济安办, 历下安办. 机关代字';
COMMENT ON COLUMN escalation.document_office_analyst.region IS 'Region of the office (follows the department). 所属区划';
COMMENT ON COLUMN escalation.document_office_analyst.created_at IS 'When the office was registered. 创建时间';

CREATE VIEW escalation.document_sequence_analyst WITH (security_invoker = true) AS
	SELECT t.office_id,
		t.series,
		t.year,
		t.last_number,
		t.region::text AS region
	FROM escalation.document_sequence t;
COMMENT ON VIEW escalation.document_sequence_analyst IS
	'What an analyst may read of escalation.document_sequence, for BI tools: its permitted columns, region and uscc codes as text, enum columns with their Chinese labels. 发文序号（分析视图）';
COMMENT ON COLUMN escalation.document_sequence_analyst.office_id IS 'The issuing office (document_office). 发文机关';
COMMENT ON COLUMN escalation.document_sequence_analyst.series IS 'order 督办单 (督〔year〕n号) or circular 通报 (通〔year〕n号). 文种';
COMMENT ON COLUMN escalation.document_sequence_analyst.year IS 'Year of issue in escalation.timezone. 年度';
COMMENT ON COLUMN escalation.document_sequence_analyst.last_number IS 'The last number issued; the next document takes the one after. 已用序号';
COMMENT ON COLUMN escalation.document_sequence_analyst.region IS 'Region of the office (follows the department). 所属区划';

CREATE VIEW escalation.supervision_order_analyst WITH (security_invoker = true) AS
	SELECT t.id,
		t.number,
		t.year,
		t.sequence,
		t.issued_by,
		t.issuing_level,
		escalation.level_label(t.issuing_level) AS issuing_level_label,
		t.issuing_region::text AS issuing_region,
		t.addressee_department_id,
		t.warning_id,
		t.title,
		t.items,
		t.measures,
		t.issued_at,
		t.reply_due_at,
		t.replied_at,
		t.reply,
		t.replied_by,
		t.region::text AS region
	FROM escalation.supervision_order t;
COMMENT ON VIEW escalation.supervision_order_analyst IS
	'What an analyst may read of escalation.supervision_order, for BI tools: its permitted columns, region and uscc codes as text, enum columns with their Chinese labels. 督办单（分析视图）';
COMMENT ON COLUMN escalation.supervision_order_analyst.id IS 'Order id (generated). 督办单编号';
COMMENT ON COLUMN escalation.supervision_order_analyst.number IS 'Document number, e.g. 历下安办督〔2026〕17号; NULL while the screen''s region has no issuing office (document_office). 文号';
COMMENT ON COLUMN escalation.supervision_order_analyst.year IS 'Year of issue in escalation.timezone. 年度';
COMMENT ON COLUMN escalation.supervision_order_analyst.sequence IS 'Number within the office and year (gapless). 序号';
COMMENT ON COLUMN escalation.supervision_order_analyst.issued_by IS 'The issuing office (安委会办公室 of the screen''s region); NULL when none is registered. 发文机关';
COMMENT ON COLUMN escalation.supervision_order_analyst.issuing_level IS 'Level of the issuing office: the warning''s screen, district or city. 督办层级';
COMMENT ON COLUMN escalation.supervision_order_analyst.issuing_level_label IS 'issuing_level in Chinese (escalation.level_label). 督办层级（中文）';
COMMENT ON COLUMN escalation.supervision_order_analyst.issuing_region IS 'Region of the issuing office: the warning''s screen region. 督办区划';
COMMENT ON COLUMN escalation.supervision_order_analyst.addressee_department_id IS 'The department it is addressed to: the warning''s addressee decided at raising; NULL when none was found. 主送部门';
COMMENT ON COLUMN escalation.supervision_order_analyst.warning_id IS 'The warning (the 督办 stage) it was issued for. 预警编号';
COMMENT ON COLUMN escalation.supervision_order_analyst.title IS 'Title of the document. 标题';
COMMENT ON COLUMN escalation.supervision_order_analyst.items IS 'The item supervised, as written on the order: kind, unit, what and since when. 督办事项';
COMMENT ON COLUMN escalation.supervision_order_analyst.measures IS 'The measures required of the addressee. 工作要求';
COMMENT ON COLUMN escalation.supervision_order_analyst.issued_at IS 'When it was issued (the run that raised the warning). 发文时间';
COMMENT ON COLUMN escalation.supervision_order_analyst.reply_due_at IS 'Reply deadline: issue plus rule_limit supervision_order_reply_within (3 days as shipped). 回复期限';
COMMENT ON COLUMN escalation.supervision_order_analyst.replied_at IS 'When the addressee replied. 回复时间';
COMMENT ON COLUMN escalation.supervision_order_analyst.reply IS 'The reply: what was done. 回复内容';
COMMENT ON COLUMN escalation.supervision_order_analyst.replied_by IS 'Role that replied. 回复人';
COMMENT ON COLUMN escalation.supervision_order_analyst.region IS 'Region of the warning, for row-level security. 所属区划';

CREATE VIEW escalation.circular_analyst WITH (security_invoker = true) AS
	SELECT t.id,
		t.number,
		t.year,
		t.sequence,
		t.issued_by,
		t.period,
		t.issued_at,
		t.issued_by_role,
		t.title,
		t.corrects,
		t.correction_reason
	FROM escalation.circular t;
COMMENT ON VIEW escalation.circular_analyst IS
	'What an analyst may read of escalation.circular, for BI tools: its permitted columns, region and uscc codes as text, enum columns with their Chinese labels. 通报（分析视图）';
COMMENT ON COLUMN escalation.circular_analyst.id IS 'Circular id (generated). 通报编号';
COMMENT ON COLUMN escalation.circular_analyst.number IS 'Document number, e.g. 济安办通〔2026〕3号. 文号';
COMMENT ON COLUMN escalation.circular_analyst.year IS 'Year of issue in escalation.timezone. 年度';
COMMENT ON COLUMN escalation.circular_analyst.sequence IS 'Number within the office and year (gapless). 序号';
COMMENT ON COLUMN escalation.circular_analyst.issued_by IS 'The issuing office: the city''s work-safety committee office. 发文机关';
COMMENT ON COLUMN escalation.circular_analyst.period IS 'The period circulated, bounded and in the past. 通报期间';
COMMENT ON COLUMN escalation.circular_analyst.issued_at IS 'When it was issued. 发文时间';
COMMENT ON COLUMN escalation.circular_analyst.issued_by_role IS 'Role that issued it (the pg_cron job''s role for the weekly circular). 签发人';
COMMENT ON COLUMN escalation.circular_analyst.title IS 'Title of the document. 标题';
COMMENT ON COLUMN escalation.circular_analyst.corrects IS 'The circular this one corrects (更正); NULL for a regular circular. 更正的通报';
COMMENT ON COLUMN escalation.circular_analyst.correction_reason IS 'Why the correction was issued. 更正原因';

CREATE VIEW escalation.circular_item_analyst WITH (security_invoker = true) AS
	SELECT t.circular_id,
		t.warning_id,
		t.item_no,
		t.reason,
		t.order_id,
		t.kind,
		escalation.warning_kind_label(t.kind) AS kind_label,
		t.stage,
		t.unit_id,
		t.unit_name,
		t.district::text AS district,
		t.district_name,
		t.department_id,
		t.department_name,
		t.item,
		t.overdue_since,
		t.overdue_by,
		t.handled_at,
		t.ladder
	FROM escalation.circular_item t;
COMMENT ON VIEW escalation.circular_item_analyst IS
	'What an analyst may read of escalation.circular_item, for BI tools: its permitted columns, region and uscc codes as text, enum columns with their Chinese labels. 通报事项（分析视图）';
COMMENT ON COLUMN escalation.circular_item_analyst.circular_id IS 'The circular. 通报编号';
COMMENT ON COLUMN escalation.circular_item_analyst.warning_id IS 'The warning: the 通报 stage, or the 督办 stage of the overdue order. 预警编号';
COMMENT ON COLUMN escalation.circular_item_analyst.item_no IS 'Place in the circular, 1..n, grouped by district and department. 序号';
COMMENT ON COLUMN escalation.circular_item_analyst.reason IS 'circulate 预警通报 (a 通报 stage) or order_overdue 督办逾期未回复. 通报事由';
COMMENT ON COLUMN escalation.circular_item_analyst.order_id IS 'order_overdue: the supervision order not answered in time. 督办单编号';
COMMENT ON COLUMN escalation.circular_item_analyst.kind IS 'Kind of warning. 预警类型';
COMMENT ON COLUMN escalation.circular_item_analyst.kind_label IS 'kind in Chinese (escalation.warning_kind_label). 预警类型（中文）';
COMMENT ON COLUMN escalation.circular_item_analyst.stage IS 'Stage of the ladder. 预警级次';
COMMENT ON COLUMN escalation.circular_item_analyst.unit_id IS 'The unit concerned, if any. 生产经营单位';
COMMENT ON COLUMN escalation.circular_item_analyst.unit_name IS 'Its name as printed. 单位名称';
COMMENT ON COLUMN escalation.circular_item_analyst.district IS 'District of the item; NULL for a city item without one. 所属区县';
COMMENT ON COLUMN escalation.circular_item_analyst.district_name IS 'Its name as printed. 区县名称';
COMMENT ON COLUMN escalation.circular_item_analyst.department_id IS 'The department that answers for it (the warning''s addressee). 责任部门';
COMMENT ON COLUMN escalation.circular_item_analyst.department_name IS 'Its name as printed. 部门名称';
COMMENT ON COLUMN escalation.circular_item_analyst.item IS 'What the circular says of the item. 通报事项';
COMMENT ON COLUMN escalation.circular_item_analyst.overdue_since IS 'Since when it is overdue: the ladder''s start (circulate) or the order''s reply deadline (order_overdue). 逾期起算时间';
COMMENT ON COLUMN escalation.circular_item_analyst.overdue_by IS 'How long it had been overdue when circulated, or until it was handled (answered) if earlier. 逾期时长';
COMMENT ON COLUMN escalation.circular_item_analyst.handled_at IS 'When the item was handled (the warning resolved), if before the circular. 处理时间';
COMMENT ON COLUMN escalation.circular_item_analyst.ladder IS 'The history of the ladder up to the circular: each stage''s day, screen and action. 预警升级过程';

CREATE VIEW escalation.admonition_analyst WITH (security_invoker = true) AS
	SELECT t.id,
		t.kind,
		t.taken_by,
		t.department_id,
		t.unit_id,
		t.taken_at,
		t.reason,
		t.note,
		t.recorded_at,
		t.recorded_by,
		t.region::text AS region
	FROM escalation.admonition t;
COMMENT ON VIEW escalation.admonition_analyst IS
	'What an analyst may read of escalation.admonition, for BI tools: its permitted columns, region and uscc codes as text, enum columns with their Chinese labels. 约谈警示记录（分析视图）';
COMMENT ON COLUMN escalation.admonition_analyst.id IS 'Record id (generated). 记录编号';
COMMENT ON COLUMN escalation.admonition_analyst.kind IS 'interview 约谈 or caution 警示. 措施类别';
COMMENT ON COLUMN escalation.admonition_analyst.taken_by IS 'The office that took it (document_office). 实施机关';
COMMENT ON COLUMN escalation.admonition_analyst.department_id IS 'The department admonished (or unit_id). 被约谈/警示部门';
COMMENT ON COLUMN escalation.admonition_analyst.unit_id IS 'The unit admonished (or department_id). 被约谈/警示单位';
COMMENT ON COLUMN escalation.admonition_analyst.taken_at IS 'When it took place. 实施时间';
COMMENT ON COLUMN escalation.admonition_analyst.reason IS 'Why. 事由';
COMMENT ON COLUMN escalation.admonition_analyst.note IS 'What was required, who attended, references to the minutes. 情况说明';
COMMENT ON COLUMN escalation.admonition_analyst.recorded_at IS 'When it was recorded. 录入时间';
COMMENT ON COLUMN escalation.admonition_analyst.recorded_by IS 'Role that recorded it. 录入人';
COMMENT ON COLUMN escalation.admonition_analyst.region IS 'Region of the department or unit admonished, for row-level security. 所属区划';

CREATE VIEW escalation.admonition_basis_analyst WITH (security_invoker = true) AS
	SELECT t.admonition_id,
		t.warning_id,
		t.circular_id,
		t.region::text AS region
	FROM escalation.admonition_basis t;
COMMENT ON VIEW escalation.admonition_basis_analyst IS
	'What an analyst may read of escalation.admonition_basis, for BI tools: its permitted columns, region and uscc codes as text, enum columns with their Chinese labels. 约谈警示依据（分析视图）';
COMMENT ON COLUMN escalation.admonition_basis_analyst.admonition_id IS 'The interview or caution. 约谈警示记录';
COMMENT ON COLUMN escalation.admonition_basis_analyst.warning_id IS 'A warning that led to it (or circular_id). 预警编号';
COMMENT ON COLUMN escalation.admonition_basis_analyst.circular_id IS 'A circular that led to it (or warning_id). 通报编号';
COMMENT ON COLUMN escalation.admonition_basis_analyst.region IS 'Region of the admonition, for row-level security. 所属区划';

GRANT SELECT ON escalation.document_office_analyst, escalation.document_sequence_analyst, escalation.supervision_order_analyst, escalation.circular_analyst, escalation.circular_item_analyst, escalation.admonition_analyst, escalation.admonition_basis_analyst
TO escalation_admin, escalation_analyst;

------------------------------------------------------------------------------
-- Notifications to people (issue 15) and their SQL side:
-- the outbox, channels, rules, the sender's functions
-- (sql/parts/59_notifications.sql) with the engine's new trigger
-- warning_notify, warning_timeline with the notifications, the labels and
-- analyst views (80_labels.sql, 83_analyst_engine.sql).
------------------------------------------------------------------------------

-- warning_timeline gains columns: 59_notifications.sql creates it again.
DROP FUNCTION escalation.warning_timeline(bigint);

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

-- Trigger: a raised stage tells its addressee department's people.
CREATE FUNCTION escalation_internal.warning_notify() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, escalation, pg_temp AS
$$
DECLARE
	o escalation.supervision_order;
BEGIN
	-- A restore brings back the notifications written when the warnings were raised.
	IF escalation.restoring() THEN
		RETURN NULL;
	END IF;
	-- warning_address (an earlier trigger in name order) has recorded the addressee.
	PERFORM escalation_internal.notification_write('raised', NEW, NULL,
		(SELECT a.department_id FROM escalation.warning_addressee a WHERE a.warning_id = NEW.id),
		escalation.local_day(NEW.raised_at), NULL, NULL);
	-- warning_issue_order (also earlier) has issued the order of a 督办 stage.
	SELECT * INTO o FROM escalation.supervision_order x WHERE x.warning_id = NEW.id;
	IF FOUND THEN
		PERFORM escalation_internal.notification_write('order', NEW, o.id, o.addressee_department_id,
			escalation.local_day(o.issued_at), o.reply_due_at, o.number);
	END IF;
	RETURN NULL;
END
$$;
COMMENT ON FUNCTION escalation_internal.warning_notify() IS
	'Trigger: writes the notifications of a raised stage, and of the supervision order it issued, to the addressee department''s people. 预警发出、督办单通知';
CREATE TRIGGER warning_notify AFTER INSERT ON escalation.warning
	FOR EACH ROW EXECUTE FUNCTION escalation_internal.warning_notify();

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
	-- was a send whose outcome is unknown.
	UPDATE escalation.notification n
	SET state = 'failed', failed_at = now(), next_attempt_at = NULL, lease_until = NULL,
		repeats = n.repeats + (n.state = 'sending')::int,
		last_error = concat_ws('; ', n.last_error, format('given up after %s', give_up))
	WHERE n.id IN (SELECT x.id FROM escalation.notification x
				   WHERE x.state IN ('pending', 'sending') AND x.next_attempt_at <= now() AND x.created_at <= now() - give_up
				   ORDER BY x.next_attempt_at, x.id LIMIT 1000
				   FOR UPDATE SKIP LOCKED);

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
	'The sender claims up to max_rows due notifications of enabled channels, oldest first, skipping rows another sender holds (FOR UPDATE SKIP LOCKED): pending ones whose time has come, and sending ones whose lease lapsed (counted in repeats). Each becomes sending for the lease, its attempts counted. Due rows older than notification_give_up_after are marked failed instead. Returns what the sender needs, the channel''s endpoint and secret with it. 领取待发送通知';

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
			lease_until = NULL, next_attempt_at = NULL
		WHERE x.id = n.id;
	ELSIF n.created_at <= now() - escalation.rule_limit_span('notification_give_up_after') THEN
		UPDATE escalation.notification x
		SET state = 'failed', failed_at = now(), last_error = left(answer, 4000), provider_answer = left(answer, 4000),
			lease_until = NULL, next_attempt_at = NULL
		WHERE x.id = n.id;
	ELSE
		UPDATE escalation.notification x
		SET state = 'pending', last_error = left(answer, 4000), provider_answer = left(answer, 4000), lease_until = NULL,
			next_attempt_at = now() + coalesce(retry_after, escalation.notification_backoff(n.attempts))
		WHERE x.id = n.id;
	END IF;
END
$$;
COMMENT ON FUNCTION escalation.notification_result(bigint, boolean, text, interval) IS
	'The sender records the outcome of a send: delivered, or not (pending again after retry_after or the backoff, failed past notification_give_up_after), with the provider''s answer. A result for a notification no longer sending is ignored (a late answer). 记录发送结果';

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

-- Every enum value with its Chinese label, the notification enums added (80_labels.sql).
CREATE OR REPLACE VIEW escalation.enum_label AS
	SELECT 'business_status'::text AS enum_type, v::text AS value, escalation.business_status_label(v) AS label
	FROM unnest(enum_range(NULL::escalation.business_status)) v
	UNION ALL SELECT 'campaign_kind', v::text, escalation.campaign_kind_label(v) FROM unnest(enum_range(NULL::escalation.campaign_kind)) v
	UNION ALL SELECT 'clue_handling', v::text, escalation.clue_handling_label(v) FROM unnest(enum_range(NULL::escalation.clue_handling)) v
	UNION ALL SELECT 'department_kind', v::text, escalation.department_kind_label(v) FROM unnest(enum_range(NULL::escalation.department_kind)) v
	UNION ALL SELECT 'dp_check_result', v::text, escalation.dp_check_result_label(v) FROM unnest(enum_range(NULL::escalation.dp_check_result)) v
	UNION ALL SELECT 'dp_control_level', v::text, escalation.dp_control_level_label(v) FROM unnest(enum_range(NULL::escalation.dp_control_level)) v
	UNION ALL SELECT 'dp_risk_grade', v::text, escalation.dp_risk_grade_label(v) FROM unnest(enum_range(NULL::escalation.dp_risk_grade)) v
	UNION ALL SELECT 'dual_prevention_scope', v::text, escalation.dual_prevention_scope_label(v) FROM unnest(enum_range(NULL::escalation.dual_prevention_scope)) v
	UNION ALL SELECT 'duty_role', v::text, escalation.duty_role_label(v) FROM unnest(enum_range(NULL::escalation.duty_role)) v
	UNION ALL SELECT 'gap_reason', v::text, escalation.gap_reason_label(v) FROM unnest(enum_range(NULL::escalation.gap_reason)) v
	UNION ALL SELECT 'handling_state', v::text, escalation.handling_state_label(v) FROM unnest(enum_range(NULL::escalation.handling_state)) v
	UNION ALL SELECT 'handling_step', v::text, escalation.handling_step_label(v) FROM unnest(enum_range(NULL::escalation.handling_step)) v
	UNION ALL SELECT 'handling_timer', v::text, escalation.handling_timer_label(v) FROM unnest(enum_range(NULL::escalation.handling_timer)) v
	UNION ALL SELECT 'hazard_category', v::text, escalation.hazard_category_label(v) FROM unnest(enum_range(NULL::escalation.hazard_category)) v
	UNION ALL SELECT 'hazard_grade', v::text, escalation.hazard_grade_label(v) FROM unnest(enum_range(NULL::escalation.hazard_grade)) v
	UNION ALL SELECT 'hazard_source', v::text, escalation.hazard_source_label(v) FROM unnest(enum_range(NULL::escalation.hazard_source)) v
	UNION ALL SELECT 'hazard_status', v::text, escalation.hazard_status_label(v) FROM unnest(enum_range(NULL::escalation.hazard_status)) v
	UNION ALL SELECT 'hazard_step', v::text, escalation.hazard_step_label(v) FROM unnest(enum_range(NULL::escalation.hazard_step)) v
	UNION ALL SELECT 'inspection_kind', v::text, escalation.inspection_kind_label(v) FROM unnest(enum_range(NULL::escalation.inspection_kind)) v
	UNION ALL SELECT 'inspection_mode', v::text, escalation.inspection_mode_label(v) FROM unnest(enum_range(NULL::escalation.inspection_mode)) v
	UNION ALL SELECT 'level', v::text, escalation.level_label(v) FROM unnest(enum_range(NULL::escalation.level)) v
	UNION ALL SELECT 'notification_channel_kind', v::text, escalation.notification_channel_kind_label(v) FROM unnest(enum_range(NULL::escalation.notification_channel_kind)) v
	UNION ALL SELECT 'notification_state', v::text, escalation.notification_state_label(v) FROM unnest(enum_range(NULL::escalation.notification_state)) v
	UNION ALL SELECT 'recheck_result', v::text, escalation.recheck_result_label(v) FROM unnest(enum_range(NULL::escalation.recheck_result)) v
	UNION ALL SELECT 'safety_state', v::text, escalation.safety_state_label(v) FROM unnest(enum_range(NULL::escalation.safety_state)) v
	UNION ALL SELECT 'social_function', v::text, escalation.social_function_label(v) FROM unnest(enum_range(NULL::escalation.social_function)) v
	UNION ALL SELECT 'supervision_type', v::text, escalation.supervision_type_label(v) FROM unnest(enum_range(NULL::escalation.supervision_type)) v
	UNION ALL SELECT 'warning_action', v::text, escalation.warning_action_label(v) FROM unnest(enum_range(NULL::escalation.warning_action)) v
	UNION ALL SELECT 'warning_kind', v::text, escalation.warning_kind_label(v) FROM unnest(enum_range(NULL::escalation.warning_kind)) v
	UNION ALL SELECT 'warning_resolution', v::text, escalation.warning_resolution_label(v) FROM unnest(enum_range(NULL::escalation.warning_resolution)) v;

-- The notification channels and the outbox (59_notifications.sql): no
-- endpoint, secret, settings, address or provider answer.
CREATE VIEW escalation.notification_channel_analyst WITH (security_invoker = true) AS
	SELECT t.id,
		t.name,
		t.kind,
		escalation.notification_channel_kind_label(t.kind) AS kind_label,
		t.rate_per_minute,
		t.enabled,
		t.created_at,
		t.created_by
	FROM escalation.notification_channel t;
COMMENT ON VIEW escalation.notification_channel_analyst IS
	'What an analyst may read of escalation.notification_channel, for BI tools: its permitted columns (no endpoint, secret or settings), enum columns with their Chinese labels. 通知渠道（分析视图）';
COMMENT ON COLUMN escalation.notification_channel_analyst.kind_label IS 'kind in Chinese (escalation.notification_channel_kind_label). 渠道类型（中文）';

CREATE VIEW escalation.notification_analyst WITH (security_invoker = true) AS
	SELECT t.id,
		t.idempotency_key,
		t.channel_id,
		t.subject,
		t.body,
		t.link,
		t.warning_id,
		t.created_at,
		t.state,
		escalation.notification_state_label(t.state) AS state_label,
		t.attempts,
		t.next_attempt_at,
		t.lease_until,
		t.delivered_at,
		t.failed_at,
		t.last_error,
		t.repeats,
		t.event,
		t.step_id,
		t.order_id,
		t.person_id,
		t.recipient,
		t.claimed_by,
		t.region::text AS region
	FROM escalation.notification t;
COMMENT ON VIEW escalation.notification_analyst IS
	'What an analyst may read of escalation.notification, for BI tools: its permitted columns (no address or provider answer), region codes as text, enum columns with their Chinese labels. 预警通知（分析视图）';
COMMENT ON COLUMN escalation.notification_analyst.state_label IS 'state in Chinese (escalation.notification_state_label). 通知状态（中文）';

-- The columns keep their tables' comments.
DO $comments$
DECLARE
	a record;
BEGIN
	FOR a IN
		SELECT v.relname AS view, t.attname, pg_catalog.col_description(t.attrelid, t.attnum) AS note
		FROM (VALUES ('notification_channel'), ('notification')) x (tbl)
		JOIN pg_catalog.pg_class v ON v.relname = x.tbl || '_analyst' AND v.relnamespace = 'escalation'::regnamespace
		JOIN pg_catalog.pg_attribute t ON t.attrelid = ('escalation.' || x.tbl)::regclass AND t.attnum > 0 AND NOT t.attisdropped
		JOIN pg_catalog.pg_attribute va ON va.attrelid = v.oid AND va.attname = t.attname
	LOOP
		EXECUTE format('COMMENT ON COLUMN escalation.%I.%I IS %L', a.view, a.attname, a.note);
	END LOOP;
END
$comments$;

GRANT SELECT ON escalation.notification_channel_analyst, escalation.notification_analyst
TO escalation_admin, escalation_analyst;

-- Who was told (通知记录), with the labels of 60_screen.sql.
CREATE VIEW escalation.notification_log_analyst WITH (security_invoker = true) AS
	SELECT n.id AS notification_id, n.warning_id, w.kind, escalation.warning_kind_label(w.kind) AS kind_label, w.stage,
		n.event, CASE n.event WHEN 'raised' THEN '预警发出' WHEN 'order' THEN '督办单签发' WHEN 'dispatch' THEN '预警下发'
			ELSE '预警退回' END AS event_label,
		n.created_at AS notified_at, n.person_id, p.name AS person_name, p.department_id, d.name AS department_name,
		n.recipient,
		CASE n.recipient WHEN 'liaison' THEN '联络员' WHEN 'supervisor' THEN '监管责任人' WHEN 'in_charge' THEN '分管责任人'
			ELSE '第一责任人' END AS recipient_label,
		n.channel_id, c.name AS channel_name, c.kind AS channel_kind,
		escalation.notification_channel_kind_label(c.kind) AS channel_kind_label,
		n.state, escalation.notification_state_label(n.state) AS state_label, n.attempts, n.repeats,
		n.delivered_at, n.failed_at, n.last_error, n.region::text AS region
	FROM escalation.notification n
	JOIN escalation.warning w ON w.id = n.warning_id
	JOIN escalation.notification_channel c ON c.id = n.channel_id
	LEFT JOIN escalation.person p ON p.id = n.person_id
	LEFT JOIN escalation.department d ON d.id = p.department_id;
COMMENT ON VIEW escalation.notification_log_analyst IS
	'Who was told of which warning, when, through which channel, and whether it was delivered or failed (通知记录), without the recipients'' addresses: for analysts and BI tools, as far as the caller may see. 通知记录（分析视图）';

CREATE VIEW escalation.notification_log WITH (security_invoker = true) AS
	SELECT l.*, n.address
	FROM escalation.notification_log_analyst l
	JOIN escalation.notification n ON n.id = l.notification_id;
COMMENT ON VIEW escalation.notification_log IS
	'Who was told of which warning, when, through which channel and at which address, and whether it was delivered or failed (通知记录), as far as the caller may see. 通知记录';

-- The columns of the record.
DO $comments$
DECLARE
	v text;
	c record;
BEGIN
	FOREACH v IN ARRAY ARRAY['notification_log_analyst', 'notification_log'] LOOP
		FOR c IN SELECT * FROM (VALUES
			('notification_id', 'The notification. 通知编号'), ('warning_id', 'The warning. 预警编号'),
			('kind', 'Kind of warning. 预警类型'), ('kind_label', 'kind in Chinese. 预警类型（中文）'),
			('stage', 'Stage of the warning. 预警级次'),
			('event', 'raised, order, dispatch or return. 通知事件'), ('event_label', 'event in Chinese. 通知事件（中文）'),
			('notified_at', 'When the notification was written. 通知时间'),
			('person_id', 'The person told. 通知对象'), ('person_name', 'Name of the person. 姓名'),
			('department_id', 'The person''s department. 所在部门'), ('department_name', 'Its name. 部门名称'),
			('recipient', 'Why the person is told: liaison, supervisor, in_charge, first_responsible. 通知对象类别'),
			('recipient_label', 'recipient in Chinese. 通知对象类别（中文）'),
			('channel_id', 'The channel. 通知渠道'), ('channel_name', 'Name of the channel. 渠道名称'),
			('channel_kind', 'Kind of channel. 渠道类型'), ('channel_kind_label', 'channel_kind in Chinese. 渠道类型（中文）'),
			('state', 'pending, sending, delivered or failed. 通知状态'), ('state_label', 'state in Chinese. 通知状态（中文）'),
			('attempts', 'Times a sender claimed it. 发送次数'),
			('repeats', 'Sends whose outcome was never recorded. 可能重复发送次数'),
			('delivered_at', 'When the provider accepted it. 送达时间'), ('failed_at', 'When it was given up. 失败时间'),
			('last_error', 'Why the latest attempt failed. 最近错误'), ('region', 'Region of the warning, as text. 所属区划'),
			('address', 'Mobile or e-mail address it went to. 接收地址')) x (col, note)
		WHERE EXISTS (SELECT 1 FROM pg_catalog.pg_attribute a
					  WHERE a.attrelid = ('escalation.' || v)::regclass AND a.attname = x.col)
		LOOP
			EXECUTE format('COMMENT ON COLUMN escalation.%I.%I IS %L', v, c.col, c.note);
		END LOOP;
	END LOOP;
END
$comments$;

GRANT SELECT ON escalation.notification_log TO escalation_admin, escalation_user;
GRANT SELECT ON escalation.notification_log_analyst TO escalation_admin, escalation_user, escalation_analyst;

------------------------------------------------------------------------------
-- The handling timers as warnings (57_handling_timers.sql): the kinds
-- handling_sign and handling_reply, the resolutions signed and answered.
-- The values are appended to the enums (a fresh install lists them last, in
-- this order). Nothing below evaluates them in this transaction: the views
-- that name them call escalation.enum_value, which gives NULL here,
-- and their ladders are derived (rule_shipped), not rows of rule_default.
-- Existing warnings get their timers after the upgrade has committed:
-- SELECT escalation.resync_items() (docs/ENGINE-INTERNALS.md).
------------------------------------------------------------------------------

ALTER TYPE escalation.warning_kind ADD VALUE 'handling_sign';
ALTER TYPE escalation.warning_kind ADD VALUE 'handling_reply';
ALTER TYPE escalation.warning_resolution ADD VALUE 'signed';
ALTER TYPE escalation.warning_resolution ADD VALUE 'answered';
ALTER TYPE escalation.gap_reason ADD VALUE 'warning_no_addressee';
COMMENT ON TYPE escalation.warning_kind IS
	'Kind of warning (预警类型): hazard_overdue 一般隐患逾期未整改 (§15), major_hazard 疑似重大事故隐患未确认 (§16), clue 移交线索未处理 (§17), licence_expired 安全生产许可类证件逾期 (§18), dual_prevention_idle 双重预防机制未正常运行 (§19), handling_sign 预警超时未签收, handling_reply 预警逾期未反馈 (§14, the handling timers), major_hazard_listed 挂牌督办重大事故隐患逾期未治理 (§14). Values added after 0.1.0 come last, in the order the upgrade adds them.';
COMMENT ON TYPE escalation.warning_resolution IS
	'Why a warning was resolved (解除原因): closed 隐患已销号, confirmed 已确认为重大事故隐患, ruled_out 已排除重大事故隐患, handled 线索已处理, renewed 证件已换发, ran 双重预防机制已恢复运行, rescheduled 起算时间已变更（如延期）, withdrawn 事项已撤销或不再适用, signed 预警已签收, answered 预警已反馈.';
COMMENT ON TYPE escalation.gap_reason IS
	'Defect of the responsibility database: unit without territorial responsibility, unit without industry supervision, supervision without named supervisor, supervision by a department outside the unit''s region, department without first responsible person, without responsible-in-charge, without lead office, without liaison, with more than two liaisons, an active warning for which it names no addressee. 监管责任缺项';

------------------------------------------------------------------------------
-- Enum values added by an upgrade
------------------------------------------------------------------------------

-- The value label of the enum of type, or NULL while it cannot be used: in
-- the transaction of the upgrade that adds it, PostgreSQL refuses a new enum
-- value ("unsafe use of new value"). The views that name the new values call
-- it in an uncorrelated subquery, once per query, so that within the upgrade
-- they show nothing of the new kinds instead of failing. A value is unsafe
-- when its row in pg_enum was written by the current transaction and its
-- type's was not (a type created in the transaction may use its values; an
-- upgrade run in a subtransaction is not recognised, and fails as without
-- this). In
-- escalation, not escalation_internal: a view calls it with its reader's
-- rights.
CREATE FUNCTION escalation.enum_value(type anyenum, label text) RETURNS anyenum
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, escalation, pg_temp AS
$$
DECLARE
	result ALIAS FOR $0;
BEGIN
	IF EXISTS (SELECT 1 FROM pg_catalog.pg_enum e JOIN pg_catalog.pg_type t ON t.oid = e.enumtypid
			   WHERE e.enumtypid = pg_catalog.pg_typeof(type) AND e.enumlabel = label
				 AND e.xmin = pg_catalog.xid(pg_catalog.pg_current_xact_id_if_assigned())
				 AND t.xmin <> e.xmin) THEN
		RETURN NULL;
	END IF;
	result := label;
	RETURN result;
END
$$;
COMMENT ON FUNCTION escalation.enum_value(anyenum, text) IS
	'The value label of the enum type of its first argument, NULL within the transaction that added it (where it cannot be used yet). 枚举值（新增值可用时）';

------------------------------------------------------------------------------
-- The ladders of the timers (处置时限预警规则): derived from handling_rule
------------------------------------------------------------------------------

-- One stage each, on the city screen: handling_sign falls due the sign timer
-- after the warning was raised, handling_reply at the reply deadline (which
-- the dispatch or return set from the reply timer, or the centre gave). The
-- city changes them through escalation.rule like any ladder; the sign delay
-- also follows escalation.handling_timer_override.
CREATE OR REPLACE VIEW escalation.rule_shipped AS
	SELECT d.kind, d.origin, d.stage, d.delay, d.screen, d.action
	FROM escalation.rule_default d
	UNION ALL
	SELECT k.kind, o.origin, 1::smallint,
		CASE WHEN h.timer = 'sign' THEN h.within ELSE interval '0' END,
		'city'::escalation.level, 'supervise'::escalation.warning_action
	FROM escalation.handling_rule h
	CROSS JOIN LATERAL (SELECT escalation.enum_value(NULL::escalation.warning_kind, 'handling_' || h.timer::text)) k(kind)
	CROSS JOIN (VALUES ('city'::escalation.level), ('district'::escalation.level)) o(origin)
	WHERE k.kind IS NOT NULL;

COMMENT ON VIEW escalation.rule_shipped IS
	'Every ladder as shipped: the rows of rule_default and the ladders of the kinds added after 0.1.0, derived from rules data of their own (the handling timers of escalation.handling_rule; the listed major hazards). 默认预警规则（含派生）';
COMMENT ON COLUMN escalation.rule_shipped.kind IS 'Kind of warning. 预警类型';
COMMENT ON COLUMN escalation.rule_shipped.origin IS 'Origin of the item. 事项来源层级';
COMMENT ON COLUMN escalation.rule_shipped.stage IS 'Stage number, 1 to n. 预警级次';
COMMENT ON COLUMN escalation.rule_shipped.delay IS 'Time from the previous stage (stage 1: from the item''s start). 间隔时间';
COMMENT ON COLUMN escalation.rule_shipped.screen IS 'Screen the stage shows on. 预警大屏层级';
COMMENT ON COLUMN escalation.rule_shipped.action IS 'Action of that level''s office. 处置动作';

CREATE OR REPLACE VIEW escalation.rule AS
	SELECT d.kind, d.origin, d.stage, d.delay, d.screen, d.action, false AS changed
	FROM escalation.rule_shipped d
	WHERE NOT EXISTS (SELECT 1 FROM escalation.rule_override o
					  WHERE o.kind = d.kind AND o.origin = d.origin AND o.stage = d.stage)
	UNION ALL
	SELECT o.kind, o.origin, o.stage, o.delay, o.screen, o.action, true
	FROM escalation.rule_override o
	WHERE NOT o.removed;

CREATE OR REPLACE FUNCTION escalation_internal.rule_write() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, escalation, pg_temp AS
$$
BEGIN
	IF TG_OP = 'UPDATE' AND (NEW.kind, NEW.origin, NEW.stage) IS DISTINCT FROM (OLD.kind, OLD.origin, OLD.stage) THEN
		RAISE EXCEPTION 'cannot change kind, origin or stage of a rule: (%, %, %)', OLD.kind, OLD.origin, OLD.stage
			USING ERRCODE = 'feature_not_supported',
				  HINT = 'Renumber a ladder with DELETE and INSERT in one transaction.';
	END IF;
	IF TG_OP = 'INSERT' AND EXISTS (
		SELECT 1 FROM escalation.rule r WHERE (r.kind, r.origin, r.stage) = (NEW.kind, NEW.origin, NEW.stage))
	THEN
		RAISE EXCEPTION 'rule (%, %, stage %) already exists', NEW.kind, NEW.origin, NEW.stage
			USING ERRCODE = 'unique_violation',
				  HINT = 'Change an existing stage with UPDATE.';
	END IF;

	IF TG_OP = 'DELETE' THEN
		IF EXISTS (SELECT 1 FROM escalation.rule_shipped d
				   WHERE (d.kind, d.origin, d.stage) = (OLD.kind, OLD.origin, OLD.stage)) THEN
			INSERT INTO escalation.rule_override AS o (kind, origin, stage, removed)
			VALUES (OLD.kind, OLD.origin, OLD.stage, true)
			ON CONFLICT (kind, origin, stage) DO UPDATE
				SET delay = NULL, screen = NULL, action = NULL, removed = true,
					changed_at = statement_timestamp(), changed_by = current_user;
		ELSE
			DELETE FROM escalation.rule_override o
			WHERE (o.kind, o.origin, o.stage) = (OLD.kind, OLD.origin, OLD.stage);
		END IF;
		RETURN OLD;
	END IF;

	INSERT INTO escalation.rule_override AS o (kind, origin, stage, delay, screen, action)
	VALUES (NEW.kind, NEW.origin, NEW.stage, NEW.delay, NEW.screen, NEW.action)
	ON CONFLICT (kind, origin, stage) DO UPDATE
		SET delay = EXCLUDED.delay, screen = EXCLUDED.screen, action = EXCLUDED.action, removed = false,
			changed_at = statement_timestamp(), changed_by = current_user;
	NEW.changed := true;
	RETURN NEW;
END
$$;
GRANT SELECT ON escalation.rule_shipped TO escalation_admin, escalation_analyst;

------------------------------------------------------------------------------
-- The items of the timers (处置时限事项)
------------------------------------------------------------------------------

-- When the engine resolves a warning that is still active: its item's
-- handling or withdrawal for the current episode, the move of its start for
-- an earlier one (the work list knows both as soon as the sources change).
CREATE FUNCTION escalation.warning_ends_at(w escalation.warning, t escalation.tracked_item)
RETURNS timestamptz
LANGUAGE sql STABLE PARALLEL SAFE
RETURN coalesce(w.resolved_at,
	CASE WHEN t.started_at = w.started_at THEN least(t.handled_at, t.withdrawn_at) ELSE t.superseded_at END);
COMMENT ON FUNCTION escalation.warning_ends_at(escalation.warning, escalation.tracked_item) IS
	'When a warning is (or will be) resolved, from its resolution or from the work-list row of its item; NULL while unknown. 预警解除时间';

-- The work-safety committee office (安委会办公室) of a screen's region, which
-- answers for its command centre's signing. In escalation: a view calls it
-- with its reader's rights.
CREATE FUNCTION escalation.screen_office(screen_region escalation.region) RETURNS bigint
LANGUAGE sql STABLE PARALLEL SAFE
RETURN (SELECT d.id FROM escalation.department d
		WHERE d.region = screen_region AND d.kind = 'safety_committee_office' ORDER BY d.id LIMIT 1);
COMMENT ON FUNCTION escalation.screen_office(escalation.region) IS
	'The work-safety committee office of a screen''s region (the lowest id if several), NULL if none. 大屏所在区划的安委会办公室';

CREATE OR REPLACE VIEW escalation.handling_timer_source AS
	-- Every warning but a timer's own: signed within the sign timer, or the
	-- timer's warning goes to the office (安委会办公室) of its screen's region.
	SELECT (SELECT escalation.enum_value(NULL::escalation.warning_kind, 'handling_sign')) AS kind,
		w.id AS subject_id, w.screen AS origin, w.raised_at AS started_at, NULL::timestamptz AS start_set_at,
		s.done_at AS handled_at, 'signed'::text::escalation.warning_resolution AS handled_reason,
		escalation.warning_ends_at(w, t) AS withdrawn_at, w.unit_id,
		escalation.screen_office(w.screen_region) AS department_id,
		w.region
	FROM escalation.warning w
	LEFT JOIN escalation.warning_step s ON s.warning_id = w.id AND s.step = 'sign'
	LEFT JOIN escalation.tracked_item t ON t.subject_id = w.subject_id AND t.kind = w.kind
	-- Raised and resolved at once (a catch-up run): no sign timer can run out.
	WHERE w.kind::text NOT IN ('handling_sign', 'handling_reply')
	  AND (w.resolved_at IS NULL OR w.resolved_at > w.raised_at)
	UNION ALL
	-- Every dispatch and return: answered by its reply deadline, or the
	-- timer's warning goes to the department it was dispatched to.
	SELECT (SELECT escalation.enum_value(NULL::escalation.warning_kind, 'handling_reply')),
		s.id, w.screen, s.reply_by, NULL,
		(SELECT min(f.done_at) FROM escalation.warning_step f
		 WHERE f.warning_id = s.warning_id AND f.step = 'feedback' AND f.id > s.id),
		'answered'::text::escalation.warning_resolution,
		escalation.warning_ends_at(w, t), w.unit_id,
		(SELECT x.department_id FROM escalation.warning_step x
		 WHERE x.warning_id = s.warning_id AND x.step = 'dispatch' AND x.id <= s.id ORDER BY x.id DESC LIMIT 1),
		w.region
	FROM escalation.warning_step s
	JOIN escalation.warning w ON w.id = s.warning_id
	LEFT JOIN escalation.tracked_item t ON t.subject_id = w.subject_id AND t.kind = w.kind
	WHERE (s.step = 'dispatch' OR (s.step = 'review' AND NOT s.accepted))
	  AND w.kind::text NOT IN ('handling_sign', 'handling_reply');
COMMENT ON VIEW escalation.handling_timer_source IS
	'The items of the handling timers, a branch of escalation.item_source: handling_sign per warning (from its raising; handled by its signing), handling_reply per dispatch or return (from its reply deadline; handled by the next feedback); both withdrawn when the warning is resolved. Timer warnings have no timers of their own. 处置时限事项';
COMMENT ON COLUMN escalation.handling_timer_source.kind IS 'handling_sign or handling_reply. 预警类型';
COMMENT ON COLUMN escalation.handling_timer_source.subject_id IS 'handling_sign: the warning; handling_reply: the dispatch or return (warning_step) whose reply deadline runs. 事项编号';
COMMENT ON COLUMN escalation.handling_timer_source.origin IS 'The screen of the warning: its timers climb one level up from there. 事项来源层级';
COMMENT ON COLUMN escalation.handling_timer_source.started_at IS 'handling_sign: when the warning was raised; handling_reply: the reply deadline. 起算时间';
COMMENT ON COLUMN escalation.handling_timer_source.start_set_at IS 'Always NULL. 起算时间设定时间';
COMMENT ON COLUMN escalation.handling_timer_source.handled_at IS 'When it was signed, or answered after the dispatch or return. 处理时间';
COMMENT ON COLUMN escalation.handling_timer_source.handled_reason IS 'signed or answered. 处理方式';
COMMENT ON COLUMN escalation.handling_timer_source.withdrawn_at IS 'When the warning is resolved. 撤销时间';
COMMENT ON COLUMN escalation.handling_timer_source.unit_id IS 'The warning''s unit, if any. 生产经营单位';
COMMENT ON COLUMN escalation.handling_timer_source.department_id IS 'Who failed to act: the work-safety committee office of the warning''s screen (sign), the department it was dispatched to (reply). 责任部门';
COMMENT ON COLUMN escalation.handling_timer_source.region IS 'The warning''s region. 所属区划';

------------------------------------------------------------------------------
-- Keeping the work list in step (处置时限事项同步)
------------------------------------------------------------------------------

-- Re-sync the timers of some warnings (and of some dispatch or return steps
-- that are gone).
CREATE FUNCTION escalation_internal.sync_warning_timers(warnings bigint[], steps bigint[] DEFAULT NULL)
RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, escalation, pg_temp AS
$$
DECLARE
	sign escalation.warning_kind;
	reply escalation.warning_kind;
	replies bigint[];
BEGIN
	IF coalesce(cardinality(warnings), 0) + coalesce(cardinality(steps), 0) = 0 THEN
		RETURN;
	END IF;
	sign := escalation.enum_value(NULL::escalation.warning_kind, 'handling_sign');
	reply := escalation.enum_value(NULL::escalation.warning_kind, 'handling_reply');
	-- In the transaction of the upgrade that adds the kinds: resync after it.
	IF sign IS NULL OR reply IS NULL THEN
		RETURN;
	END IF;
	IF cardinality(warnings) > 0 THEN
		PERFORM escalation.sync_items(sign, warnings);
	END IF;
	replies := ARRAY(SELECT s.id FROM escalation.warning_step s
					 WHERE s.warning_id = ANY (warnings) AND (s.step = 'dispatch' OR (s.step = 'review' AND NOT s.accepted))
					 UNION SELECT unnest(steps));
	IF cardinality(replies) > 0 THEN
		PERFORM escalation.sync_items(reply, replies);
	END IF;
END
$$;
COMMENT ON FUNCTION escalation_internal.sync_warning_timers(bigint[], bigint[]) IS
	'Brings the handling timers of the given warnings (and of the given dispatch or return steps) in line with their sources. 同步处置时限事项';

-- Called by escalation.sync_items at its end: the timers of the active
-- warnings of the items it synced learn when those warnings end.
CREATE FUNCTION escalation_internal.sync_handling_timers(kind escalation.warning_kind, subjects bigint[])
RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, escalation, pg_temp AS
$$
BEGIN
	IF kind::text IN ('handling_sign', 'handling_reply') THEN
		RETURN;
	END IF;
	PERFORM escalation_internal.sync_warning_timers(ARRAY(
		SELECT w.id FROM escalation.warning w
		WHERE w.kind = sync_handling_timers.kind AND (subjects IS NULL OR w.subject_id = ANY (subjects))
		  AND w.resolved_at IS NULL));
END
$$;
COMMENT ON FUNCTION escalation_internal.sync_handling_timers(escalation.warning_kind, bigint[]) IS
	'After a sync of items of a kind: re-syncs the handling timers of their active warnings, which end when the items do. 同步预警的处置时限';

-- Trigger (per row) on warning: a new warning's sign timer starts. A row
-- trigger, because the engine's writer fires row triggers only (as COPY).
CREATE FUNCTION escalation_internal.warning_track_timers() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, escalation, pg_temp AS
$$
DECLARE
	sign escalation.warning_kind;
	until timestamptz;
	office bigint;
	first_due timestamptz;
BEGIN
	IF escalation.restoring() OR NEW.kind::text IN ('handling_sign', 'handling_reply') THEN
		RETURN NULL;
	END IF;
	-- What escalation.sync_items would write for it (handling_timer_source),
	-- in a few statements with kept plans: a run may raise a million warnings.
	sign := 'handling_sign';
	-- A warning raised and resolved at once has no sign timer.
	IF NEW.resolved_at <= NEW.raised_at THEN
		RETURN NULL;
	END IF;
	until := coalesce(NEW.resolved_at,
		(SELECT CASE WHEN t.started_at = NEW.started_at THEN least(t.handled_at, t.withdrawn_at) ELSE t.superseded_at END
		 FROM escalation.tracked_item t WHERE t.subject_id = NEW.subject_id AND t.kind = NEW.kind));
	-- escalation.screen_office, with a kept plan.
	SELECT d.id INTO office FROM escalation.department d
	WHERE d.region = NEW.screen_region AND d.kind = 'safety_committee_office' ORDER BY d.id LIMIT 1;
	-- The stages of the ladder in force: while the city has not changed it,
	-- the one stage rule_shipped derives from the sign timer (read directly:
	-- escalation.rule costs more than the rest of this trigger together).
	INSERT INTO escalation.stage_due (kind, subject_id, started_at, stage, due_at, fires_until, origin,
		unit_id, department_id, region, district, city)
	SELECT sign, NEW.id, NEW.raised_at, o.stage, escalation.stage_due_at(NEW.raised_at, o.due_after), until, NEW.screen,
		NEW.unit_id, office, NEW.region, escalation.region_district(NEW.region), escalation.region_city(NEW.region)
	FROM (SELECT 1::smallint, h.within FROM escalation.handling_rule h
		  WHERE h.timer = 'sign' AND NOT EXISTS (SELECT 1 FROM escalation.rule_override r WHERE r.kind = sign)
		  UNION ALL
		  SELECT r.stage, r.due_after FROM escalation.rule_offset r
		  WHERE r.kind = sign AND r.origin = NEW.screen
			AND EXISTS (SELECT 1 FROM escalation.rule_override x WHERE x.kind = sign)) o(stage, due_after)
	WHERE escalation.stage_fires(escalation.stage_due_at(NEW.raised_at, o.due_after), NULL, until)
	ON CONFLICT DO NOTHING;
	-- Resolved before its sign timer could run out: nothing is tracked.
	IF NOT FOUND THEN
		RETURN NULL;
	END IF;
	SELECT min(s.due_at) INTO first_due FROM escalation.stage_due s WHERE s.subject_id = NEW.id AND s.kind = sign;
	INSERT INTO escalation.tracked_item (kind, subject_id, origin, started_at, start_set_at, handled_at, handled_reason,
		withdrawn_at, next_due_at, unit_id, department_id, region, district, city)
	SELECT s.kind, s.subject_id, s.origin, s.started_at, NULL, NULL, 'signed', until,
		escalation.item_event_due(sign, first_due, NULL, until, NULL), s.unit_id, s.department_id, s.region, s.district, s.city
	FROM escalation.stage_due s WHERE s.subject_id = NEW.id AND s.kind = sign AND s.stage = 1
	ON CONFLICT (subject_id, kind) DO NOTHING;
	RETURN NULL;
END
$$;
COMMENT ON FUNCTION escalation_internal.warning_track_timers() IS
	'Trigger: a new warning (raised by the engine or inserted) starts its sign timer in the work list. 预警签收时限跟踪';
CREATE TRIGGER warning_track_timers AFTER INSERT ON escalation.warning
	FOR EACH ROW EXECUTE FUNCTION escalation_internal.warning_track_timers();

-- Trigger (per statement) on warning_step: a signing, dispatch, feedback or
-- return moves the timers of its warning.
CREATE FUNCTION escalation_internal.warning_step_track_timers() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, escalation, pg_temp AS
$$
DECLARE
	warnings bigint[];
	gone bigint[];
BEGIN
	IF escalation.restoring() THEN
		RETURN NULL;
	END IF;
	IF TG_OP IN ('INSERT', 'UPDATE') THEN
		warnings := ARRAY(SELECT DISTINCT n.warning_id FROM new_rows n);
	END IF;
	IF TG_OP IN ('UPDATE', 'DELETE') THEN
		warnings := warnings || ARRAY(SELECT DISTINCT o.warning_id FROM old_rows o);
		gone := ARRAY(SELECT o.id FROM old_rows o);
	END IF;
	PERFORM escalation_internal.sync_warning_timers(warnings, gone);
	RETURN NULL;
END
$$;
COMMENT ON FUNCTION escalation_internal.warning_step_track_timers() IS
	'Trigger: a handling step re-syncs the handling timers of its warning (signed, answered, a new reply deadline). 处置环节同步处置时限';
CREATE TRIGGER warning_step_track_insert AFTER INSERT ON escalation.warning_step
	REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION escalation_internal.warning_step_track_timers();
CREATE TRIGGER warning_step_track_update AFTER UPDATE ON escalation.warning_step
	REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
	FOR EACH STATEMENT EXECUTE FUNCTION escalation_internal.warning_step_track_timers();
CREATE TRIGGER warning_step_track_delete AFTER DELETE ON escalation.warning_step
	REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION escalation_internal.warning_step_track_timers();

-- Trigger (per statement) on handling_timer_override: a changed sign timer
-- re-times the sign timers (the reply deadlines already set stay).
CREATE FUNCTION escalation_internal.handling_timer_retime() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, escalation, pg_temp AS
$$
DECLARE
	sign escalation.warning_kind := escalation.enum_value(NULL::escalation.warning_kind, 'handling_sign');
BEGIN
	IF escalation.restoring() OR sign IS NULL THEN
		RETURN NULL;
	END IF;
	PERFORM escalation.retime_items(sign, NULL, NULL);
	RETURN NULL;
END
$$;
COMMENT ON FUNCTION escalation_internal.handling_timer_retime() IS
	'Trigger: after a change of the handling timers, the sign timers fall due from the new value. 处置时限变更后重算';
CREATE TRIGGER handling_timer_retime AFTER INSERT OR UPDATE OR DELETE ON escalation.handling_timer_override
	FOR EACH STATEMENT EXECUTE FUNCTION escalation_internal.handling_timer_retime();

------------------------------------------------------------------------------
-- Warnings without an addressee in the gap report (§7)
------------------------------------------------------------------------------

CREATE OR REPLACE VIEW escalation.warning_gap_source WITH (security_invoker = true) AS
	SELECT 'warning_no_addressee'::text::escalation.gap_reason AS reason, w.region, w.unit_id,
		format('预警 %s（%s）', w.id, w.kind) AS subject,
		format('warning %s (%s of item %s, stage %s, %s screen of %s) has no addressee: the responsibility database names no department that answers for it',
			   w.id, w.kind, w.subject_id, w.stage, w.screen, w.screen_region) AS detail,
		w.raised_at, w.resolved_at
	FROM escalation.warning w
	JOIN escalation.warning_addressee a ON a.warning_id = w.id
	WHERE a.basis = 'none';
COMMENT ON VIEW escalation.warning_gap_source IS
	'Warnings whose addressee the responsibility database could not name (basis none), for the gap report escalation.responsibility_gaps (§7), as far as the caller may see them. 无承办部门的预警';
COMMENT ON COLUMN escalation.warning_gap_source.reason IS 'Always warning_no_addressee. 缺项代码';
COMMENT ON COLUMN escalation.warning_gap_source.region IS 'Region of the warning. 所属区划';
COMMENT ON COLUMN escalation.warning_gap_source.unit_id IS 'Its unit, if any. 生产经营单位';
COMMENT ON COLUMN escalation.warning_gap_source.subject IS 'The warning, in Chinese. 缺项对象';
COMMENT ON COLUMN escalation.warning_gap_source.detail IS 'What is missing. 说明';
COMMENT ON COLUMN escalation.warning_gap_source.raised_at IS 'When the warning was raised. 预警时间';
COMMENT ON COLUMN escalation.warning_gap_source.resolved_at IS 'When it was resolved, if it was. 解除时间';

------------------------------------------------------------------------------
-- Privileges
------------------------------------------------------------------------------

GRANT SELECT ON escalation.warning_gap_source TO escalation_admin, escalation_user, escalation_analyst;

GRANT SELECT ON escalation.handling_timer_source TO escalation_admin, escalation_analyst;
REVOKE ALL ON FUNCTION
	escalation.enum_value(anyenum, text),
	escalation.warning_ends_at(escalation.warning, escalation.tracked_item),
	escalation.screen_office(escalation.region)
FROM PUBLIC;
-- Called by the views (rule, item_source) with their readers' rights.
GRANT EXECUTE ON FUNCTION escalation.enum_value(anyenum, text)
TO escalation_admin, escalation_user, escalation_analyst;
GRANT EXECUTE ON FUNCTION escalation.warning_ends_at(escalation.warning, escalation.tracked_item),
	escalation.screen_office(escalation.region)
TO escalation_admin, escalation_analyst;
REVOKE ALL ON FUNCTION
	escalation_internal.sync_warning_timers(bigint[], bigint[]),
	escalation_internal.sync_handling_timers(escalation.warning_kind, bigint[]),
	escalation_internal.warning_track_timers(), escalation_internal.warning_step_track_timers(),
	escalation_internal.handling_timer_retime()
FROM PUBLIC;

CREATE OR REPLACE FUNCTION escalation.gap_reason_label(reason escalation.gap_reason) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
-- Compared as text: a reason added by an upgrade cannot be a constant of a
-- function body created in the upgrade's transaction.
RETURN CASE reason::text
	WHEN 'unit_no_territorial' THEN '未落实属地管理责任'
	WHEN 'unit_no_industry' THEN '未落实行业监管（主管）责任'
	WHEN 'supervision_no_supervisor' THEN '监管责任未明确到人'
	WHEN 'supervision_outside_region' THEN '监管部门辖区不含单位所在地'
	WHEN 'department_no_first_responsible' THEN '未明确第一责任人'
	WHEN 'department_no_responsible_in_charge' THEN '未明确分管责任人'
	WHEN 'department_no_lead_office' THEN '未明确牵头处（科）室'
	WHEN 'department_no_liaison' THEN '未明确联络员'
	WHEN 'department_too_many_liaisons' THEN '联络员超过2名'
	WHEN 'warning_no_addressee' THEN '预警无承办部门'
END;

CREATE OR REPLACE FUNCTION escalation.responsibility_gaps(on_day date DEFAULT current_date)
RETURNS TABLE (
	reason escalation.gap_reason,
	reason_label text,
	region escalation.region,
	district escalation.region,
	unit_id bigint,
	department_id bigint,
	assignment_id bigint,
	subject text,
	detail text)
LANGUAGE sql STABLE
BEGIN ATOMIC
	WITH live_unit AS (
		SELECT u.id, u.name, u.region FROM escalation.unit u WHERE u.business_status <> 'closed'
	), live_assignment AS (
		SELECT a.id, a.unit_id, a.department_id, a.supervisor_id, a.supervision_type, a.region, a.department_region
		FROM escalation.supervision_assignment a
		WHERE a.period @> on_day
	), unit_gap AS (
		SELECT 'unit_no_territorial'::escalation.gap_reason AS reason, u.region, u.id AS unit_id,
			NULL::bigint AS department_id, NULL::bigint AS assignment_id, u.name AS subject,
			'no current territorial supervision (属地管理)' AS detail
		FROM live_unit u
		WHERE NOT EXISTS (SELECT 1 FROM live_assignment a WHERE a.unit_id = u.id AND a.supervision_type = 'territorial')
		UNION ALL
		SELECT 'unit_no_industry', u.region, u.id, NULL, NULL, u.name,
			'no current industry supervision or industry authority (行业监管/行业主管)'
		FROM live_unit u
		WHERE NOT EXISTS (SELECT 1 FROM live_assignment a
						  WHERE a.unit_id = u.id AND a.supervision_type IN ('industry_supervision', 'industry_authority'))
	), assignment_gap AS (
		SELECT 'supervision_no_supervisor'::escalation.gap_reason AS reason, a.region, a.unit_id, a.department_id,
			a.id AS assignment_id, u.name AS subject,
			format('%s by %s has no named supervisor', a.supervision_type,
				   coalesce(d.name, 'department ' || a.department_id)) AS detail
		FROM live_assignment a
		JOIN live_unit u ON u.id = a.unit_id
		LEFT JOIN escalation.department d ON d.id = a.department_id
		WHERE a.supervisor_id IS NULL
		UNION ALL
		SELECT 'supervision_outside_region', a.region, a.unit_id, a.department_id, a.id, u.name,
			format('%s (region %s) does not cover unit region %s',
				   coalesce(d.name, 'department ' || a.department_id), a.department_region, a.region)
		FROM live_assignment a
		JOIN live_unit u ON u.id = a.unit_id
		LEFT JOIN escalation.department d ON d.id = a.department_id
		WHERE NOT (a.department_region OPERATOR(escalation.@>) a.region)
	), department_state AS (
		SELECT d.id, d.name, d.region,
			count(*) FILTER (WHERE t.role = 'first_responsible') AS first_responsible,
			count(*) FILTER (WHERE t.role = 'responsible_in_charge') AS in_charge,
			count(*) FILTER (WHERE t.role = 'liaison') AS liaisons,
			EXISTS (SELECT 1 FROM escalation.office o WHERE o.department_id = d.id AND o.is_lead) AS has_lead_office
		FROM escalation.department d
		LEFT JOIN escalation.duty t ON t.department_id = d.id AND t.period @> on_day
		GROUP BY d.id, d.name, d.region
	), department_gap AS (
		SELECT g.reason, s.region, NULL::bigint AS unit_id, s.id AS department_id, NULL::bigint AS assignment_id,
			s.name AS subject, g.detail
		FROM department_state s
		CROSS JOIN LATERAL (VALUES
			('department_no_first_responsible'::escalation.gap_reason, s.first_responsible = 0,
			 'no current first responsible person (第一责任人)'),
			('department_no_responsible_in_charge', s.in_charge = 0,
			 'no current responsible-in-charge (分管责任人)'),
			('department_no_lead_office', NOT s.has_lead_office,
			 'no lead office for work safety (牵头处科室)'),
			('department_no_liaison', s.liaisons = 0,
			 'no current liaison (联络员)'),
			('department_too_many_liaisons', s.liaisons > 2,
			 format('%s current liaisons, at most 2 allowed', s.liaisons))
		) AS g (reason, applies, detail)
		WHERE g.applies
	), warning_gap AS (
		-- Warnings active at the end of the day that nobody was found to answer for.
		SELECT g.reason, g.region, g.unit_id, NULL::bigint AS department_id, NULL::bigint AS assignment_id,
			g.subject, g.detail
		FROM escalation.warning_gap_source g
		WHERE g.raised_at < escalation.day_start(on_day + 1)
		  AND (g.resolved_at IS NULL OR g.resolved_at >= escalation.day_start(on_day + 1))
	)
	SELECT x.reason, escalation.gap_reason_label(x.reason), x.region,
		coalesce(escalation.region_district(x.region), escalation.region_city(x.region)),
		x.unit_id, x.department_id, x.assignment_id, x.subject, x.detail
	FROM (SELECT * FROM unit_gap UNION ALL SELECT * FROM assignment_gap UNION ALL SELECT * FROM department_gap
		  UNION ALL SELECT * FROM warning_gap) x;
END;
COMMENT ON FUNCTION escalation.responsibility_gaps(date) IS
	'Every defect of the responsibility database on a day (不落空挡、不留盲区), limited to the rows the caller may see; closed units need no supervision; warnings active at the end of the day without an addressee (§7). 监管责任缺项清单';

-- item_source gets its branch in the next section.
COMMENT ON COLUMN escalation.item_source.subject_id IS 'Hazard, clue or licence id, unit id for dual prevention, warning id for handling_sign, the dispatch or return step''s id for handling_reply. 事项编号';

CREATE OR REPLACE FUNCTION escalation.sync_items(kind escalation.warning_kind, subjects bigint[])
RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, escalation, pg_temp AS
$$
BEGIN
	-- Items that qualify: insert, or update from the source. The tracked row is
	-- read under its lock (the ON CONFLICT branch), never from an older snapshot.
	EXECUTE $q$
		INSERT INTO escalation.tracked_item AS t
			(kind, subject_id, origin, started_at, start_set_at, handled_at, handled_reason, withdrawn_at,
			 unit_id, department_id, region, district, city)
		SELECT s.kind, s.subject_id, s.origin, s.started_at, s.start_set_at, s.handled_at, s.handled_reason, s.withdrawn_at,
			s.unit_id, s.department_id, s.region, s.district, s.city
		FROM escalation.item_source s
		WHERE s.kind = $1 AND ($2 IS NULL OR s.subject_id = ANY ($2))
		ON CONFLICT (kind, subject_id) DO UPDATE SET
			origin = EXCLUDED.origin,
			unit_id = EXCLUDED.unit_id,
			department_id = EXCLUDED.department_id,
			region = EXCLUDED.region,
			district = EXCLUDED.district,
			city = EXCLUDED.city,
			handled_reason = EXCLUDED.handled_reason,
			withdrawn_at = EXCLUDED.withdrawn_at,
			started_at = escalation.item_start(t.kind, t.started_at, EXCLUDED.started_at),
			-- A moved start: the run resolves what the old start raised.
			superseded_at = CASE WHEN escalation.item_start(t.kind, t.started_at, EXCLUDED.started_at) <> t.started_at
								 THEN coalesce(t.superseded_at, EXCLUDED.start_set_at, now()) ELSE t.superseded_at END,
			start_set_at = EXCLUDED.start_set_at,
			handled_at = CASE WHEN t.kind = 'dual_prevention_idle'
							  THEN escalation.dp_first_run_after(t.subject_id,
									 escalation.item_start(t.kind, t.started_at, EXCLUDED.started_at))
							  ELSE EXCLUDED.handled_at END
	$q$ USING kind, subjects;

	-- Items that no longer qualify: their active warnings are resolved as
	-- withdrawn by the next run; one with nothing raised or pending just goes.
	EXECUTE $q$
		WITH missing AS (
			-- A set difference, not a NOT EXISTS: right after a bulk load the
			-- planner knows too little to join a million rows well.
			SELECT t.subject_id FROM escalation.tracked_item t
			WHERE t.kind = $1 AND ($2 IS NULL OR t.subject_id = ANY ($2)) AND t.withdrawn_at IS NULL
			EXCEPT
			SELECT s.subject_id FROM escalation.item_source s
			WHERE s.kind = $1 AND ($2 IS NULL OR s.subject_id = ANY ($2))
		), gone AS (
			-- Idle: nothing raised in this episode, nothing due to raise or to deal with.
			SELECT t.kind, t.subject_id,
				t.superseded_at IS NULL AND (t.next_due_at IS NULL OR t.next_due_at > now())
				AND NOT EXISTS (SELECT 1 FROM escalation.warning w
								WHERE w.subject_id = t.subject_id AND w.kind = t.kind AND w.started_at = t.started_at)
				AND NOT EXISTS (SELECT 1 FROM escalation.stage_due s
								WHERE s.subject_id = t.subject_id AND s.kind = t.kind AND s.due_at <= now())
					AS idle
			FROM escalation.tracked_item t JOIN missing m ON m.subject_id = t.subject_id
			WHERE t.kind = $1
		), dropped AS (
			DELETE FROM escalation.tracked_item t USING gone g
			WHERE g.idle AND t.kind = g.kind AND t.subject_id = g.subject_id
		)
		UPDATE escalation.tracked_item t SET withdrawn_at = now()
		FROM gone g
		WHERE NOT g.idle AND t.kind = g.kind AND t.subject_id = g.subject_id
	$q$ USING kind, subjects;

	PERFORM escalation.retime_items(kind, NULL, subjects);
	-- The handling timers of the items' active warnings end with them.
	PERFORM escalation_internal.sync_handling_timers(kind, subjects);
END
$$;

ALTER TABLE escalation.warning_addressee DROP CONSTRAINT warning_addressee_basis_known,
	ADD CONSTRAINT warning_addressee_basis_known
		CHECK (basis IN ('finder', 'supervision', 'territorial', 'receiver', 'office', 'none'));
COMMENT ON COLUMN escalation.warning_addressee.basis IS 'How it was found: finder 发现部门, supervision 行业监管部门, territorial 属地部门, receiver 接收部门 (of a clue, or of the dispatch a handling_reply warning is about), office 安委会办公室 (of the screen a handling_sign warning is about), none 无承办部门. 确定依据';
COMMENT ON COLUMN escalation.warning_addressee_analyst.basis IS 'How it was found: finder 发现部门, supervision 行业监管部门, territorial 属地部门, receiver 接收部门 (of a clue, or of the dispatch a handling_reply warning is about), office 安委会办公室 (of the screen a handling_sign warning is about), none 无承办部门. 确定依据';

CREATE OR REPLACE FUNCTION escalation_internal.warning_addressee_of(w escalation.warning,
	OUT department_id bigint, OUT supervisor_id bigint, OUT basis text)
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, escalation, pg_temp AS
$$
DECLARE
	on_day date := escalation.local_day(w.raised_at);
	wanted escalation.level;
BEGIN
	-- A handling timer's warning goes to whoever failed to act on the warning
	-- below (57_handling_timers.sql): the office of its screen's region, or
	-- the department it was dispatched to.
	IF w.kind::text IN ('handling_sign', 'handling_reply') THEN
		SELECT d.id, CASE WHEN w.kind::text = 'handling_sign' THEN 'office' ELSE 'receiver' END
		INTO department_id, basis
		FROM escalation.department d WHERE d.id = w.department_id;
		basis := coalesce(basis, 'none');
		RETURN;
	END IF;
	IF w.kind = 'clue' THEN
		SELECT c.to_department, 'receiver' INTO department_id, basis FROM escalation.clue c WHERE c.id = w.subject_id;
	ELSIF w.kind::text IN ('hazard_overdue', 'major_hazard', 'major_hazard_listed') THEN
		department_id := w.department_id;
		basis := 'finder';
	END IF;
	-- A department that is gone (or data loaded past the foreign keys) is no addressee.
	IF NOT EXISTS (SELECT 1 FROM escalation.department d WHERE d.id = warning_addressee_of.department_id) THEN
		department_id := NULL;
		basis := NULL;
	END IF;
	IF department_id IS NOT NULL THEN
		IF w.unit_id IS NOT NULL THEN
			SELECT a.supervisor_id INTO supervisor_id FROM escalation.supervision_assignment a
			WHERE a.unit_id = w.unit_id AND a.department_id = warning_addressee_of.department_id AND a.period @> on_day;
		END IF;
		RETURN;
	END IF;

	-- The unit's supervising department: a hazard's at the stage's level, a
	-- licence's or a dual prevention's at the unit's supervision level; the
	-- territorial one when that level has none.
	SELECT CASE WHEN w.kind::text IN ('hazard_overdue', 'major_hazard', 'major_hazard_listed') THEN w.screen ELSE u.supervision_level END
	INTO wanted FROM escalation.unit u WHERE u.id = w.unit_id;
	SELECT a.department_id, a.supervisor_id,
		CASE WHEN a.supervision_type = 'territorial' THEN 'territorial' ELSE 'supervision' END
	INTO department_id, supervisor_id, basis
	FROM escalation.supervision_assignment a
	WHERE a.unit_id = w.unit_id AND a.period @> on_day
	  AND ((a.level = wanted AND a.supervision_type <> 'territorial') OR a.supervision_type = 'territorial')
	ORDER BY a.supervision_type = 'territorial', a.level = wanted DESC, a.supervision_type, a.department_id
	LIMIT 1;
	basis := coalesce(basis, 'none');
END
$$;

CREATE OR REPLACE FUNCTION escalation.warning_kind_label(kind escalation.warning_kind) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
-- Compared as text: a kind added by an upgrade cannot be a constant of a
-- function body created in the upgrade's transaction.
RETURN CASE kind::text
	WHEN 'hazard_overdue' THEN '一般隐患逾期未整改'
	WHEN 'major_hazard' THEN '疑似重大事故隐患未确认'
	WHEN 'clue' THEN '移交违法线索未处理'
	WHEN 'licence_expired' THEN '安全生产许可证件逾期'
	WHEN 'dual_prevention_idle' THEN '双重预防机制未正常运行'
	WHEN 'handling_sign' THEN '预警超时未签收'
	WHEN 'handling_reply' THEN '预警逾期未反馈'
	WHEN 'major_hazard_listed' THEN '挂牌督办重大事故隐患逾期未治理'
END;

CREATE OR REPLACE FUNCTION escalation.warning_resolution_label(reason escalation.warning_resolution) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN CASE reason::text
	WHEN 'closed' THEN '隐患已销号'
	WHEN 'confirmed' THEN '已确认为重大事故隐患'
	WHEN 'ruled_out' THEN '已排除重大事故隐患'
	WHEN 'handled' THEN '线索已处理'
	WHEN 'renewed' THEN '证件已换发'
	WHEN 'ran' THEN '双重预防机制已恢复运行'
	WHEN 'rescheduled' THEN '已延期，重新起算'
	WHEN 'withdrawn' THEN '事项已撤销'
	WHEN 'signed' THEN '预警已签收'
	WHEN 'answered' THEN '预警已反馈'
END;

-- End of: the handling timers as warnings.

------------------------------------------------------------------------------
-- Confirmed major hazards listed for supervision (58_major_hazard_listing.sql):
-- the kind major_hazard_listed, its ladder (derived in rule_shipped), its
-- items, the close path only the city office may take (its addressee and its
-- label are in the section above). As above, nothing
-- below evaluates the new kind in this transaction; the listed hazards are
-- tracked after it has committed: SELECT escalation.sync_items('major_hazard_listed', NULL).
------------------------------------------------------------------------------

ALTER TYPE escalation.warning_kind ADD VALUE 'major_hazard_listed';
COMMENT ON TYPE escalation.warning_kind IS
	'Kind of warning (预警类型): hazard_overdue 一般隐患逾期未整改 (§15), major_hazard 疑似重大事故隐患未确认 (§16), clue 移交线索未处理 (§17), licence_expired 安全生产许可类证件逾期 (§18), dual_prevention_idle 双重预防机制未正常运行 (§19), handling_sign 预警超时未签收, handling_reply 预警逾期未反馈 (§14, the handling timers), major_hazard_listed 挂牌督办重大事故隐患逾期未治理 (§14). Values added after 0.1.0 come last, in the order the upgrade adds them.';

------------------------------------------------------------------------------
-- The ladder (挂牌督办预警规则)
------------------------------------------------------------------------------

-- Every shipped ladder (52_rules.sql), with the handling timers
-- (57_handling_timers.sql) and the listed major hazards: both origins climb
-- the same stages on the city screen, the city being the listing authority.
CREATE OR REPLACE VIEW escalation.rule_shipped AS
	SELECT d.kind, d.origin, d.stage, d.delay, d.screen, d.action
	FROM escalation.rule_default d
	UNION ALL
	SELECT k.kind, o.origin, 1::smallint,
		CASE WHEN h.timer = 'sign' THEN h.within ELSE interval '0' END,
		'city'::escalation.level, 'supervise'::escalation.warning_action
	FROM escalation.handling_rule h
	CROSS JOIN LATERAL (SELECT escalation.enum_value(NULL::escalation.warning_kind, 'handling_' || h.timer::text)) k(kind)
	CROSS JOIN (VALUES ('city'::escalation.level), ('district'::escalation.level)) o(origin)
	WHERE k.kind IS NOT NULL
	UNION ALL
	SELECT k.kind, o.origin, s.stage, s.delay, 'city'::escalation.level, s.action
	FROM (SELECT escalation.enum_value(NULL::escalation.warning_kind, 'major_hazard_listed')) k(kind)
	CROSS JOIN (VALUES (1::smallint, interval '0', 'supervise'::escalation.warning_action),
					   (2::smallint, interval '3 days', 'circulate'::escalation.warning_action)) s(stage, delay, action)
	CROSS JOIN (VALUES ('city'::escalation.level), ('district'::escalation.level)) o(origin)
	WHERE k.kind IS NOT NULL;

------------------------------------------------------------------------------
-- The items (挂牌督办事项)
------------------------------------------------------------------------------

-- The city of a hazard: that of its unit, else of its finder.
CREATE FUNCTION escalation.hazard_city(h escalation.hazard) RETURNS escalation.region
LANGUAGE sql STABLE PARALLEL SAFE SET search_path = pg_catalog, escalation, pg_temp
BEGIN ATOMIC
	SELECT escalation.region_city(coalesce(
		(SELECT u.region FROM escalation.unit u WHERE u.id = h.unit_id),
		(SELECT d.region FROM escalation.department d WHERE d.id = h.found_by)));
END;
COMMENT ON FUNCTION escalation.hazard_city(escalation.hazard) IS
	'The city of a hazard (of its unit, else of the department that found it): the listing authority of a confirmed major hazard. 隐患所属城市';

-- Every confirmed major hazard, from its confirmation: on the ladder from its
-- governance plan's deadline (the deadline hazard_confirm requires, moved by
-- an extension like any deadline, kept by one granted after a warning) until
-- it is closed.
CREATE OR REPLACE VIEW escalation.major_hazard_listing_source AS
	SELECT (SELECT escalation.enum_value(NULL::escalation.warning_kind, 'major_hazard_listed')) AS kind,
		h.id AS subject_id, escalation.item_origin(coalesce(d.level, u.supervision_level)) AS origin,
		coalesce(x.ladder_start, h.rectify_deadline) AS started_at, h.deadline_set_at AS start_set_at,
		h.closed_at AS handled_at, 'closed'::escalation.warning_resolution AS handled_reason,
		NULL::timestamptz AS withdrawn_at, h.unit_id, h.found_by AS department_id, coalesce(u.region, d.region) AS region
	FROM escalation.hazard h
	LEFT JOIN escalation.unit u ON u.id = h.unit_id
	LEFT JOIN escalation.department d ON d.id = h.found_by
	LEFT JOIN LATERAL (
		SELECT e.ladder_start FROM escalation.hazard_extension e
		WHERE e.hazard_id = h.id AND e.approved AND e.granted_deadline = h.rectify_deadline
		ORDER BY e.id DESC LIMIT 1) x ON true
	WHERE h.grade = 'major' AND h.confirmed_at IS NOT NULL AND isfinite(h.rectify_deadline);
COMMENT ON VIEW escalation.major_hazard_listing_source IS
	'The confirmed major hazards listed for supervision by the city (挂牌督办), a branch of escalation.item_source: on the ladder major_hazard_listed from the governance plan''s deadline until closed (销号). 挂牌督办事项';
COMMENT ON COLUMN escalation.major_hazard_listing_source.kind IS 'major_hazard_listed. 预警类型';
COMMENT ON COLUMN escalation.major_hazard_listing_source.subject_id IS 'The hazard. 隐患编号';
COMMENT ON COLUMN escalation.major_hazard_listing_source.origin IS 'Level of the finding department, else of the unit''s supervision. 事项来源层级';
COMMENT ON COLUMN escalation.major_hazard_listing_source.started_at IS 'The governance plan''s deadline (rectify_deadline; kept by an extension granted after a warning). 治理期限';
COMMENT ON COLUMN escalation.major_hazard_listing_source.start_set_at IS 'When the deadline was last set. 期限设定时间';
COMMENT ON COLUMN escalation.major_hazard_listing_source.handled_at IS 'When it was closed (销号). 销号时间';
COMMENT ON COLUMN escalation.major_hazard_listing_source.handled_reason IS 'closed. 处理方式';
COMMENT ON COLUMN escalation.major_hazard_listing_source.withdrawn_at IS 'Always NULL: a confirmed grade does not change. 撤销时间';
COMMENT ON COLUMN escalation.major_hazard_listing_source.unit_id IS 'The unit, if any. 生产经营单位';
COMMENT ON COLUMN escalation.major_hazard_listing_source.department_id IS 'The department that found it. 发现部门';
COMMENT ON COLUMN escalation.major_hazard_listing_source.region IS 'The unit''s region, else the department''s. 所属区划';

DO $install$
BEGIN
	EXECUTE 'CREATE TRIGGER hazard_listing_track_insert AFTER INSERT ON escalation.hazard REFERENCING NEW TABLE AS new_rows '
			'FOR EACH STATEMENT EXECUTE FUNCTION escalation_internal.track_source(''id'', ''major_hazard_listed'')';
	EXECUTE 'CREATE TRIGGER hazard_listing_track_update AFTER UPDATE ON escalation.hazard REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows '
			'FOR EACH STATEMENT EXECUTE FUNCTION escalation_internal.track_source(''id'', ''major_hazard_listed'')';
	EXECUTE 'CREATE TRIGGER hazard_listing_track_delete AFTER DELETE ON escalation.hazard REFERENCING OLD TABLE AS old_rows '
			'FOR EACH STATEMENT EXECUTE FUNCTION escalation_internal.track_source(''id'', ''major_hazard_listed'')';
	EXECUTE 'CREATE TRIGGER hazard_listing_track_truncate AFTER TRUNCATE ON escalation.hazard '
			'FOR EACH STATEMENT EXECUTE FUNCTION escalation_internal.track_source(''id'', ''major_hazard_listed'')';
END
$install$;

------------------------------------------------------------------------------
-- Closed only by the listing authority (销号)
------------------------------------------------------------------------------

-- Trigger: a listed major hazard is closed only by a role of the city's
-- work-safety committee office (escalation.user_department).
CREATE FUNCTION escalation_internal.major_hazard_close_check() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, escalation, pg_temp AS
$$
DECLARE
	who name := escalation.acting_role();
	city escalation.region;
BEGIN
	IF escalation.restoring() OR NEW.grade <> 'major' OR NEW.closed_at IS NULL OR OLD.closed_at IS NOT NULL
	   OR EXISTS (SELECT 1 FROM pg_catalog.pg_roles r WHERE r.rolname = who AND r.rolsuper) THEN
		RETURN NEW;
	END IF;
	city := escalation.hazard_city(NEW);
	IF NOT EXISTS (SELECT 1 FROM escalation.user_department ud
				   JOIN escalation.department d ON d.id = ud.department_id
				   WHERE ud.role_name = who AND d.kind = 'safety_committee_office' AND d.level = 'city'
					 AND d.region = city) THEN
		RAISE EXCEPTION 'role "%" cannot close hazard %: it is a major accident hazard listed for supervision by city %', who, NEW.id,
				coalesce((SELECT v.name FROM escalation.division v WHERE v.code = city), city::text)
			USING ERRCODE = 'insufficient_privilege',
				  DETAIL = format('Hazard %s was confirmed major at %s and listed for supervision (挂牌督办); only the listing authority closes it (销号).',
								  NEW.id, NEW.confirmed_at),
				  HINT = format('A role of the work-safety committee office (安委会办公室) of city %s, mapped in escalation.user_department, closes it.', city);
	END IF;
	RETURN NEW;
END
$$;
COMMENT ON FUNCTION escalation_internal.major_hazard_close_check() IS
	'Trigger: refuses (insufficient_privilege, naming the hazard) to close a confirmed major hazard unless the caller works for the city''s work-safety committee office, the listing authority (挂牌督办销号). 重大事故隐患销号校验';
CREATE TRIGGER hazard_major_close_check BEFORE UPDATE OF closed_at ON escalation.hazard
	FOR EACH ROW EXECUTE FUNCTION escalation_internal.major_hazard_close_check();

------------------------------------------------------------------------------
-- Privileges
------------------------------------------------------------------------------

GRANT SELECT ON escalation.major_hazard_listing_source TO escalation_admin, escalation_analyst;
REVOKE ALL ON FUNCTION escalation.hazard_city(escalation.hazard), escalation_internal.major_hazard_close_check() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION escalation.hazard_city(escalation.hazard) TO escalation_admin, escalation_analyst;

-- item_source with the branches of both sections.
CREATE OR REPLACE VIEW escalation.item_source AS
	SELECT i.kind, i.subject_id, i.origin, i.started_at, i.start_set_at, i.handled_at, i.handled_reason, i.withdrawn_at, i.unit_id,
		i.department_id, i.region, escalation.region_district(i.region) AS district,
		escalation.region_city(i.region) AS city
	FROM (
		SELECT 'hazard_overdue'::escalation.warning_kind AS kind, h.id AS subject_id,
			escalation.item_origin(coalesce(d.level, u.supervision_level)) AS origin,
			-- Rectified by the deadline: the department's re-inspection is due
			-- (逾期未复查); else the unit's deadline (逾期未整改).
			CASE WHEN h.needs_recheck AND h.status <> 'rectifying'
					  AND h.rectified_at <= coalesce(x.ladder_start, h.rectify_deadline)
				 THEN escalation.stage_due_at(h.rectified_at,
						(SELECT l.span FROM escalation.rule_limit l WHERE l.name = 'hazard_recheck_within'))
				 ELSE coalesce(x.ladder_start, h.rectify_deadline) END AS started_at,
			h.deadline_set_at AS start_set_at,
			CASE WHEN h.needs_recheck THEN h.closed_at ELSE least(h.closed_at, h.rectified_at) END AS handled_at,
			'closed'::escalation.warning_resolution AS handled_reason, NULL::timestamptz AS withdrawn_at,
			h.unit_id, h.found_by AS department_id, coalesce(u.region, d.region) AS region
		FROM escalation.hazard h
		LEFT JOIN escalation.unit u ON u.id = h.unit_id
		LEFT JOIN escalation.department d ON d.id = h.found_by
		-- An extension granted after a warning keeps the ladder's start.
		LEFT JOIN LATERAL (
			SELECT e.ladder_start FROM escalation.hazard_extension e
			WHERE e.hazard_id = h.id AND e.approved AND e.granted_deadline = h.rectify_deadline
			ORDER BY e.id DESC LIMIT 1) x ON true
		WHERE h.grade IN ('general', 'not_major') AND isfinite(h.rectify_deadline)
		UNION ALL
		SELECT 'major_hazard', h.id,
			escalation.item_origin(coalesce(d.level, u.supervision_level)),
			h.found_at, NULL, least(h.confirmed_at, h.closed_at),
			CASE WHEN h.confirmed_at IS NULL OR h.closed_at < h.confirmed_at THEN 'closed'
				 WHEN h.grade = 'not_major' THEN 'ruled_out'
				 ELSE 'confirmed' END::escalation.warning_resolution, NULL,
			h.unit_id, h.found_by, coalesce(u.region, d.region)
		FROM escalation.hazard h
		LEFT JOIN escalation.unit u ON u.id = h.unit_id
		LEFT JOIN escalation.department d ON d.id = h.found_by
		WHERE h.grade <> 'general' AND isfinite(h.found_at)
		UNION ALL
		SELECT 'clue', c.id,
			escalation.item_origin(coalesce(d.level, u.supervision_level)),
			-- A forwarded clue's clock runs from the first transfer of its chain.
			CASE WHEN c.forwarded_from IS NULL THEN c.transferred_at ELSE (escalation.clue_chain(c.id)).started_at END,
			NULL, c.handled_at, 'handled', NULL,
			c.unit_id, c.from_department, coalesce(u.region, d.region)
		FROM escalation.clue c
		LEFT JOIN escalation.unit u ON u.id = c.unit_id
		LEFT JOIN escalation.department d ON d.id = c.from_department
		WHERE isfinite(c.transferred_at)
		UNION ALL
		SELECT 'licence_expired', l.id, escalation.item_origin(u.supervision_level),
			escalation.licence_expires_at(l.valid_until), NULL, l.superseded_at, 'renewed', NULL,
			l.unit_id, NULL::bigint, u.region
		FROM escalation.licence l
		JOIN escalation.unit u ON u.id = l.unit_id
		WHERE l.safety_licence AND isfinite(l.valid_until)
		UNION ALL
		SELECT 'dual_prevention_idle', p.unit_id, escalation.item_origin(u.supervision_level),
			p.since, p.since, escalation.dp_first_run_after(p.unit_id, p.since), 'ran', p.withdrawn_at,
			p.unit_id, NULL::bigint, u.region
		FROM escalation.dual_prevention p
		JOIN escalation.unit u ON u.id = p.unit_id
		WHERE isfinite(p.since)
		UNION ALL
		SELECT * FROM escalation.handling_timer_source
		UNION ALL
		SELECT * FROM escalation.major_hazard_listing_source
	) i
	WHERE i.region IS NOT NULL;
COMMENT ON VIEW escalation.item_source IS
	'Every item that can climb a warning ladder, read from the hazards, clues, licences, dual-prevention enrolments, the handling of warnings (escalation.handling_timer_source) and the listed major hazards (escalation.major_hazard_listing_source): its origin, start, handling and region. The engine tracks it in escalation.tracked_item. 预警事项来源';

-- End of: confirmed major hazards listed for supervision.

------------------------------------------------------------------------------
-- Work list: the item sources of §19 normal running and of the handling timers
-- and listed major hazards together (预警事项来源合并). Both changes above
-- redefine item_source and sync_items; these are the definitions in force.
------------------------------------------------------------------------------

CREATE OR REPLACE VIEW escalation.item_source AS
	SELECT i.kind, i.subject_id, i.origin, i.started_at, i.start_set_at, i.handled_at, i.handled_reason, i.withdrawn_at, i.unit_id,
		i.department_id, i.region, escalation.region_district(i.region) AS district,
		escalation.region_city(i.region) AS city
	FROM (
		SELECT 'hazard_overdue'::escalation.warning_kind AS kind, h.id AS subject_id,
			escalation.item_origin(coalesce(d.level, u.supervision_level)) AS origin,
			-- Rectified by the deadline: the department's re-inspection is due
			-- (逾期未复查); else the unit's deadline (逾期未整改).
			CASE WHEN h.needs_recheck AND h.status <> 'rectifying'
					  AND h.rectified_at <= coalesce(x.ladder_start, h.rectify_deadline)
				 THEN escalation.stage_due_at(h.rectified_at,
						(SELECT l.span FROM escalation.rule_limit l WHERE l.name = 'hazard_recheck_within'))
				 ELSE coalesce(x.ladder_start, h.rectify_deadline) END AS started_at,
			h.deadline_set_at AS start_set_at,
			CASE WHEN h.needs_recheck THEN h.closed_at ELSE least(h.closed_at, h.rectified_at) END AS handled_at,
			'closed'::escalation.warning_resolution AS handled_reason, NULL::timestamptz AS withdrawn_at,
			h.unit_id, h.found_by AS department_id, coalesce(u.region, d.region) AS region
		FROM escalation.hazard h
		LEFT JOIN escalation.unit u ON u.id = h.unit_id
		LEFT JOIN escalation.department d ON d.id = h.found_by
		-- An extension granted after a warning keeps the ladder's start.
		LEFT JOIN LATERAL (
			SELECT e.ladder_start FROM escalation.hazard_extension e
			WHERE e.hazard_id = h.id AND e.approved AND e.granted_deadline = h.rectify_deadline
			ORDER BY e.id DESC LIMIT 1) x ON true
		WHERE h.grade IN ('general', 'not_major') AND isfinite(h.rectify_deadline)
		UNION ALL
		SELECT 'major_hazard', h.id,
			escalation.item_origin(coalesce(d.level, u.supervision_level)),
			h.found_at, NULL, least(h.confirmed_at, h.closed_at),
			CASE WHEN h.confirmed_at IS NULL OR h.closed_at < h.confirmed_at THEN 'closed'
				 WHEN h.grade = 'not_major' THEN 'ruled_out'
				 ELSE 'confirmed' END::escalation.warning_resolution, NULL,
			h.unit_id, h.found_by, coalesce(u.region, d.region)
		FROM escalation.hazard h
		LEFT JOIN escalation.unit u ON u.id = h.unit_id
		LEFT JOIN escalation.department d ON d.id = h.found_by
		WHERE h.grade <> 'general' AND isfinite(h.found_at)
		UNION ALL
		SELECT 'clue', c.id,
			escalation.item_origin(coalesce(d.level, u.supervision_level)),
			-- A forwarded clue's clock runs from the first transfer of its chain.
			CASE WHEN c.forwarded_from IS NULL THEN c.transferred_at ELSE (escalation.clue_chain(c.id)).started_at END,
			NULL, c.handled_at, 'handled', NULL,
			c.unit_id, c.from_department, coalesce(u.region, d.region)
		FROM escalation.clue c
		LEFT JOIN escalation.unit u ON u.id = c.unit_id
		LEFT JOIN escalation.department d ON d.id = c.from_department
		WHERE isfinite(c.transferred_at)
		UNION ALL
		SELECT 'licence_expired', l.id, escalation.item_origin(u.supervision_level),
			escalation.licence_expires_at(l.valid_until), NULL, l.superseded_at, 'renewed', NULL,
			l.unit_id, NULL::bigint, u.region
		FROM escalation.licence l
		JOIN escalation.unit u ON u.id = l.unit_id
		WHERE l.safety_licence AND isfinite(l.valid_until)
		UNION ALL
		-- Enrolled units, and units §12 obliged before they enrolled (49_dual_prevention_running.sql).
		SELECT 'dual_prevention_idle', u.id, escalation.item_origin(u.supervision_level),
			e.started_at, p.since, e.handled_at, 'ran', p.withdrawn_at,
			u.id, NULL::bigint, u.region
		FROM escalation.unit u
		LEFT JOIN escalation.dual_prevention p ON p.unit_id = u.id
		LEFT JOIN escalation.dp_obligation o ON o.unit_id = u.id
		CROSS JOIN LATERAL escalation.dp_idle_episode(u.id, least(p.since, o.obliged_since)) e
		WHERE (p.unit_id IS NOT NULL OR o.unit_id IS NOT NULL) AND isfinite(least(p.since, o.obliged_since))
		UNION ALL
		SELECT * FROM escalation.handling_timer_source
		UNION ALL
		SELECT * FROM escalation.major_hazard_listing_source
	) i
	WHERE i.region IS NOT NULL;
COMMENT ON VIEW escalation.item_source IS
	'Every item that can climb a warning ladder, read from the hazards, clues, licences, dual-prevention enrolments, the units §12 obliges, the handling of warnings (escalation.handling_timer_source) and the listed major hazards (escalation.major_hazard_listing_source): its origin, start, handling and region. The engine tracks it in escalation.tracked_item. 预警事项来源';

CREATE OR REPLACE FUNCTION escalation.sync_items(kind escalation.warning_kind, subjects bigint[])
RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, escalation, pg_temp AS
$$
BEGIN
	-- Items that qualify: insert, or update from the source. The tracked row is
	-- read under its lock (the ON CONFLICT branch), never from an older snapshot.
	EXECUTE $q$
		INSERT INTO escalation.tracked_item AS t
			(kind, subject_id, origin, started_at, start_set_at, handled_at, handled_reason, withdrawn_at,
			 unit_id, department_id, region, district, city)
		SELECT s.kind, s.subject_id, s.origin, s.started_at, s.start_set_at, s.handled_at, s.handled_reason, s.withdrawn_at,
			s.unit_id, s.department_id, s.region, s.district, s.city
		FROM escalation.item_source s
		WHERE s.kind = $1 AND ($2 IS NULL OR s.subject_id = ANY ($2))
		ON CONFLICT (kind, subject_id) DO UPDATE SET
			origin = EXCLUDED.origin,
			unit_id = EXCLUDED.unit_id,
			department_id = EXCLUDED.department_id,
			region = EXCLUDED.region,
			district = EXCLUDED.district,
			city = EXCLUDED.city,
			handled_reason = EXCLUDED.handled_reason,
			withdrawn_at = EXCLUDED.withdrawn_at,
			started_at = escalation.item_start(t.kind, t.subject_id, t.started_at, EXCLUDED.started_at),
			-- A moved start: the run resolves what the old start raised (an idle
			-- episode that raised nothing just moves on).
			superseded_at = CASE WHEN escalation.item_start(t.kind, t.subject_id, t.started_at, EXCLUDED.started_at) <> t.started_at
									  AND (t.kind <> 'dual_prevention_idle'
										   OR EXISTS (SELECT 1 FROM escalation.warning w
													  WHERE w.subject_id = t.subject_id AND w.kind = t.kind
														AND w.started_at = t.started_at AND w.resolved_at IS NULL))
								 THEN coalesce(t.superseded_at, EXCLUDED.start_set_at, now()) ELSE t.superseded_at END,
			start_set_at = EXCLUDED.start_set_at,
			handled_at = CASE WHEN t.kind = 'dual_prevention_idle'
							  THEN escalation.dp_first_run_after(t.subject_id,
									 escalation.item_start(t.kind, t.subject_id, t.started_at, EXCLUDED.started_at))
							  ELSE EXCLUDED.handled_at END
	$q$ USING kind, subjects;

	-- Items that no longer qualify: their active warnings are resolved as
	-- withdrawn by the next run; one with nothing raised or pending just goes.
	EXECUTE $q$
		WITH missing AS (
			-- A set difference, not a NOT EXISTS: right after a bulk load the
			-- planner knows too little to join a million rows well.
			SELECT t.subject_id FROM escalation.tracked_item t
			WHERE t.kind = $1 AND ($2 IS NULL OR t.subject_id = ANY ($2)) AND t.withdrawn_at IS NULL
			EXCEPT
			SELECT s.subject_id FROM escalation.item_source s
			WHERE s.kind = $1 AND ($2 IS NULL OR s.subject_id = ANY ($2))
		), gone AS (
			-- Idle: nothing raised in this episode, nothing due to raise or to deal with.
			SELECT t.kind, t.subject_id,
				t.superseded_at IS NULL AND (t.next_due_at IS NULL OR t.next_due_at > now())
				AND NOT EXISTS (SELECT 1 FROM escalation.warning w
								WHERE w.subject_id = t.subject_id AND w.kind = t.kind AND w.started_at = t.started_at)
				AND NOT EXISTS (SELECT 1 FROM escalation.stage_due s
								WHERE s.subject_id = t.subject_id AND s.kind = t.kind AND s.due_at <= now())
					AS idle
			FROM escalation.tracked_item t JOIN missing m ON m.subject_id = t.subject_id
			WHERE t.kind = $1
		), dropped AS (
			DELETE FROM escalation.tracked_item t USING gone g
			WHERE g.idle AND t.kind = g.kind AND t.subject_id = g.subject_id
		)
		UPDATE escalation.tracked_item t SET withdrawn_at = now()
		FROM gone g
		WHERE NOT g.idle AND t.kind = g.kind AND t.subject_id = g.subject_id
	$q$ USING kind, subjects;

	PERFORM escalation.retime_items(kind, NULL, subjects);
	-- The handling timers of the items' active warnings end with them.
	PERFORM escalation_internal.sync_handling_timers(kind, subjects);
END
$$;

-- ============================================================================
-- The screens show who was told, as counts (issue 15, item 4): an outcome of a
-- notification is an event of the screens' stream (notified, numbered in
-- notification.outcome_seq), and the screen rows and events carry the
-- warning's notifications counted by state and kind of channel.
-- ============================================================================

ALTER TABLE escalation.notification ADD COLUMN outcome_seq bigint;
CREATE INDEX notification_outcome_seq_idx ON escalation.notification (outcome_seq) WHERE outcome_seq IS NOT NULL;
COMMENT ON COLUMN escalation.notification.outcome_seq IS 'Event id (escalation.warning_event_seq) of its outcome, delivered or failed: the screens'' event notified of its warning; NULL while open. 结果事件编号';

CREATE OR REPLACE FUNCTION escalation.notification_claim(worker text, max_rows integer, lease interval DEFAULT '60 s')
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

CREATE OR REPLACE FUNCTION escalation.notification_result(id bigint, delivered boolean, answer text, retry_after interval DEFAULT NULL)
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

-- The notifications of a warning counted by state and by kind of channel, for
-- the screens: no person, no address, no channel name.
CREATE FUNCTION escalation_internal.warning_notified(warning_id bigint)
RETURNS TABLE (notified integer, notified_pending integer, notified_delivered integer, notified_failed integer,
	notified_last_delivered_at timestamptz, notified_channels jsonb)
LANGUAGE sql STABLE
BEGIN ATOMIC
	SELECT coalesce(sum(k.total), 0)::integer, coalesce(sum(k.pending), 0)::integer,
		coalesce(sum(k.delivered), 0)::integer, coalesce(sum(k.failed), 0)::integer, max(k.last_delivered_at),
		coalesce(jsonb_agg(jsonb_build_object('kind', k.kind, 'label', escalation.notification_channel_kind_label(k.kind),
			'count', k.total, 'pending', k.pending, 'delivered', k.delivered, 'failed', k.failed,
			'last_delivered_at', k.last_delivered_at) ORDER BY k.kind), '[]')
	FROM (
		SELECT c.kind, count(*) AS total, count(*) FILTER (WHERE n.state IN ('pending', 'sending')) AS pending,
			count(*) FILTER (WHERE n.state = 'delivered') AS delivered, count(*) FILTER (WHERE n.state = 'failed') AS failed,
			max(n.delivered_at) AS last_delivered_at
		FROM escalation.notification n
		JOIN escalation.notification_channel c ON c.id = n.channel_id
		WHERE n.warning_id = warning_notified.warning_id
		GROUP BY c.kind
	) k;
END;
COMMENT ON FUNCTION escalation_internal.warning_notified(bigint) IS
	'The notifications of a warning as the screens show them: how many, not yet delivered (pending or sending), delivered and failed, the last delivery, and the same per kind of channel (a JSON array of kind, label, count, pending, delivered, failed, last_delivered_at); no person, address or channel name. 预警通知情况';
REVOKE ALL ON FUNCTION escalation_internal.warning_notified(bigint) FROM PUBLIC;

DROP VIEW escalation.screen_warning;
DROP FUNCTION escalation.screen_warnings(escalation.region);
DROP FUNCTION escalation.warning_events(bigint, integer);

CREATE FUNCTION escalation.screen_warnings(for_screen escalation.region DEFAULT NULL)
RETURNS TABLE (
	warning_id bigint,
	kind escalation.warning_kind,
	kind_label text,
	subject_id bigint,
	stage smallint,
	top_stage smallint,
	screen escalation.level,
	screen_label text,
	screen_region escalation.region,
	screen_region_name text,
	district escalation.region,
	district_name text,
	street escalation.region,
	street_name text,
	unit_id bigint,
	unit_name text,
	department_id bigint,
	department_name text,
	action escalation.warning_action,
	action_label text,
	started_at timestamptz,
	first_due_at timestamptz,
	due_at timestamptz,
	raised_at timestamptz,
	days_overdue integer,
	escalated boolean,
	acknowledged_at timestamptz,
	handling_state escalation.handling_state,
	handling_state_label text,
	handling_overdue boolean,
	addressee_department_id bigint,
	addressee_name text,
	reply_due_at timestamptz,
	notified integer,
	notified_pending integer,
	notified_delivered integer,
	notified_failed integer,
	notified_last_delivered_at timestamptz,
	notified_channels jsonb)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, escalation, pg_temp AS
$$
BEGIN
	IF escalation.region_level(for_screen) NOT IN ('district', 'city') THEN
		RAISE EXCEPTION 'not a screen: %', for_screen
			USING ERRCODE = 'invalid_parameter_value',
				  DETAIL = format('%s is a %s; the screens are the districts'' and the city''s.',
								  for_screen, escalation.region_level(for_screen));
	END IF;
	-- The rows to rank, on_screen marking those the screen shows. For a
	-- district: the active warnings of the items it shows, on every screen,
	-- found through the district's entries in warning_active_idx. Without a
	-- screen, or for the city, whose screen shows most active warnings: every
	-- active warning.
	RETURN QUERY
	WITH family AS (
		SELECT w.*, for_screen IS NULL OR w.screen_region = for_screen AS on_screen
		FROM escalation.warning w CROSS JOIN escalation.screen_scope() c
		WHERE (for_screen IS NULL OR escalation.region_level(for_screen) = 'city') AND w.resolved_at IS NULL
		  AND (c.sees_all OR w.region OPERATOR(escalation.<@) c.region)
		UNION ALL
		SELECT w.*, w.screen_region = for_screen
				OR (w.screen_region = escalation.region_city(for_screen) AND coalesce(w.district = for_screen, false))
		FROM escalation.warning w CROSS JOIN escalation.screen_scope() c
		WHERE escalation.region_level(for_screen) = 'district' AND w.resolved_at IS NULL
		  AND (c.sees_all OR w.region OPERATOR(escalation.<@) c.region)
		  AND (w.subject_id, w.kind, w.started_at) IN (
				SELECT x.subject_id, x.kind, x.started_at FROM escalation.warning x
				WHERE x.resolved_at IS NULL
				  AND (x.screen_region = for_screen
					   OR (x.screen_region = escalation.region_city(for_screen) AND x.district = for_screen)))
	), active AS (
		SELECT f.*,
			-- One condition for the rows kept, so the planner's estimate of
			-- them stays that of one filter (it picks the joins below by it).
			CASE WHEN f.on_screen THEN row_number() OVER (PARTITION BY f.kind, f.subject_id, f.started_at, f.screen_region
														  ORDER BY f.stage DESC) END AS latest,
			max(f.stage) OVER (PARTITION BY f.kind, f.subject_id, f.started_at) AS item_stage,
			min(f.due_at) OVER (PARTITION BY f.kind, f.subject_id, f.started_at) AS item_due_at
		FROM family f
	)
	SELECT a.id, a.kind, escalation.warning_label(a.kind, a.id), a.subject_id, a.stage, a.item_stage,
		a.screen, escalation.screen_label(a.screen), a.screen_region, sr.name, a.district, dn.name,
		CASE WHEN escalation.region_level(a.region) = 'street' THEN a.region END,
		CASE WHEN escalation.region_level(a.region) = 'street' THEN st.name END,
		a.unit_id, u.name, a.department_id, dp.name,
		a.action, escalation.warning_action_label(a.action),
		a.started_at, a.item_due_at, a.due_at, a.raised_at,
		floor(extract(epoch FROM now() - a.item_due_at) / 86400)::integer,
		a.item_stage > a.stage,
		a.acknowledged_at,
		h.state, escalation.handling_state_label(h.state), coalesce(h.sign_overdue AND h.state = 'raised' OR h.reply_overdue, false),
		h.addressee_department_id, coalesce(ad.name, '无承办部门'), h.reply_due_at,
		nt.notified, nt.notified_pending, nt.notified_delivered, nt.notified_failed, nt.notified_last_delivered_at,
		nt.notified_channels
	FROM active a
	CROSS JOIN LATERAL escalation_internal.warning_notified(a.id) nt
	LEFT JOIN escalation.warning_handling h ON h.warning_id = a.id
	LEFT JOIN escalation.department ad ON ad.id = h.addressee_department_id
	LEFT JOIN escalation.division sr ON sr.code = a.screen_region
	LEFT JOIN escalation.division dn ON dn.code = a.district
	LEFT JOIN escalation.division st ON st.code = a.region
	LEFT JOIN escalation.unit u ON u.id = a.unit_id
	LEFT JOIN escalation.department dp ON dp.id = a.department_id
	WHERE a.latest = 1;
END
$$;
COMMENT ON FUNCTION escalation.screen_warnings(escalation.region) IS
	'Active warnings, one row per item and screen (its latest stage there), with Chinese labels and names and the notifications counted by state and kind of channel, limited to what the caller may see (escalation.screen_scope). With for_screen (a district or the city), only what that screen shows: its own rows and, for a district, its items escalated to the city screen. 大屏在办预警';

CREATE VIEW escalation.screen_warning AS SELECT * FROM escalation.screen_warnings();
COMMENT ON VIEW escalation.screen_warning IS
	'Active warnings per screen (大屏在办预警): one row per item and screen at its latest stage there, with unit, street and district names, Chinese labels, days overdue and whether it has escalated beyond this screen. What the screens and BI tools read.';
COMMENT ON COLUMN escalation.screen_warning.warning_id IS 'Id of the item''s latest warning on this screen. 预警编号';
COMMENT ON COLUMN escalation.screen_warning.kind IS 'Kind of warning. 预警类型';
COMMENT ON COLUMN escalation.screen_warning.kind_label IS 'Kind in Chinese; for a hazard''s overdue warning, 逾期未整改 or 逾期未复查 (escalation.warning_label). 预警类型名称';
COMMENT ON COLUMN escalation.screen_warning.subject_id IS 'The item: hazard, clue or licence id, or unit id for dual prevention. 事项编号';
COMMENT ON COLUMN escalation.screen_warning.stage IS 'The item''s latest stage on this screen. 本屏预警级次';
COMMENT ON COLUMN escalation.screen_warning.top_stage IS 'The item''s highest active stage on any screen. 最高预警级次';
COMMENT ON COLUMN escalation.screen_warning.screen IS 'district or city. 大屏层级';
COMMENT ON COLUMN escalation.screen_warning.screen_label IS 'Screen level in Chinese. 大屏层级名称';
COMMENT ON COLUMN escalation.screen_warning.screen_region IS 'District code of a district screen, city code of the city screen. 大屏区划';
COMMENT ON COLUMN escalation.screen_warning.screen_region_name IS 'Name of the screen''s district or city. 大屏区划名称';
COMMENT ON COLUMN escalation.screen_warning.district IS 'District of the item. 所属区县';
COMMENT ON COLUMN escalation.screen_warning.district_name IS 'Name of the district. 区县名称';
COMMENT ON COLUMN escalation.screen_warning.street IS 'Street or town of the item, when it is in one. 所属街道（镇）';
COMMENT ON COLUMN escalation.screen_warning.street_name IS 'Name of the street or town. 街道（镇）名称';
COMMENT ON COLUMN escalation.screen_warning.unit_id IS 'The unit concerned, if any. 生产经营单位编号';
COMMENT ON COLUMN escalation.screen_warning.unit_name IS 'Name of the unit. 生产经营单位名称';
COMMENT ON COLUMN escalation.screen_warning.department_id IS 'Finding or transferring department, if any. 发现/移交部门编号';
COMMENT ON COLUMN escalation.screen_warning.department_name IS 'Name of that department. 发现/移交部门名称';
COMMENT ON COLUMN escalation.screen_warning.action IS 'Action of this screen''s office at this stage. 处置动作';
COMMENT ON COLUMN escalation.screen_warning.action_label IS 'Action in Chinese. 处置动作名称';
COMMENT ON COLUMN escalation.screen_warning.started_at IS 'Start of the item''s ladder. 起算时间';
COMMENT ON COLUMN escalation.screen_warning.first_due_at IS 'When the item''s first stage fell due (it has been overdue since). 首次预警时间';
COMMENT ON COLUMN escalation.screen_warning.due_at IS 'When this stage fell due. 本级预警时间';
COMMENT ON COLUMN escalation.screen_warning.raised_at IS 'When this stage was raised. 预警发出时间';
COMMENT ON COLUMN escalation.screen_warning.days_overdue IS 'Whole days since the first stage fell due. 逾期天数';
COMMENT ON COLUMN escalation.screen_warning.escalated IS 'A later stage of the item is active on another screen (escalated from this one). 是否已升级';
COMMENT ON COLUMN escalation.screen_warning.acknowledged_at IS 'When the command centre acknowledged this warning, if it did. 签收时间';
COMMENT ON COLUMN escalation.screen_warning.handling_state IS 'Where its handling stands (escalation.warning_handling). 处置状态';
COMMENT ON COLUMN escalation.screen_warning.handling_state_label IS 'Handling state in Chinese. 处置状态名称';
COMMENT ON COLUMN escalation.screen_warning.handling_overdue IS 'Unsigned past the sign timer, or unanswered past its reply deadline. 处置超时';
COMMENT ON COLUMN escalation.screen_warning.addressee_department_id IS 'The addressee decided at raising; NULL when none was found. 承办部门编号';
COMMENT ON COLUMN escalation.screen_warning.addressee_name IS 'Name of the addressee, 无承办部门 when none was found. 承办部门名称';
COMMENT ON COLUMN escalation.screen_warning.reply_due_at IS 'The reply deadline in force, once dispatched. 反馈期限';
COMMENT ON COLUMN escalation.screen_warning.notified IS 'Notifications written for the warning (escalation.notification), counted, no one named. 通知数';
COMMENT ON COLUMN escalation.screen_warning.notified_pending IS 'Of them not yet delivered (pending or sending). 待发送数';
COMMENT ON COLUMN escalation.screen_warning.notified_delivered IS 'Of them delivered. 送达数';
COMMENT ON COLUMN escalation.screen_warning.notified_failed IS 'Of them given up. 失败数';
COMMENT ON COLUMN escalation.screen_warning.notified_last_delivered_at IS 'When the last of them was delivered. 最近送达时间';
COMMENT ON COLUMN escalation.screen_warning.notified_channels IS 'The same per kind of channel: a JSON array of kind, label, count, pending, delivered, failed, last_delivered_at. 分渠道通知情况';

CREATE FUNCTION escalation.warning_events(after bigint, max_rows integer DEFAULT 1000)
RETURNS TABLE (
	event_id bigint,
	event text,
	warning_id bigint,
	kind escalation.warning_kind,
	subject_id bigint,
	started_at timestamptz,
	stage smallint,
	screen escalation.level,
	screen_region escalation.region,
	district escalation.region,
	unit_id bigint,
	unit_name text,
	street_name text,
	kind_label text,
	action escalation.warning_action,
	action_label text,
	first_due_at timestamptz,
	due_at timestamptz,
	raised_at timestamptz,
	resolved_at timestamptz,
	resolved_reason escalation.warning_resolution,
	acknowledged_at timestamptz,
	handling_state escalation.handling_state,
	handling_overdue boolean,
	notified integer,
	notified_pending integer,
	notified_delivered integer,
	notified_failed integer,
	notified_last_delivered_at timestamptz,
	notified_channels jsonb)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, escalation, pg_temp AS
$$
DECLARE
	scope record;
BEGIN
	IF after IS NULL THEN
		RAISE EXCEPTION 'after must not be null'
			USING ERRCODE = 'null_value_not_allowed', HINT = 'Pass 0 to read from the first event.';
	END IF;
	IF max_rows IS NULL OR max_rows NOT BETWEEN 1 AND 100000 THEN
		RAISE EXCEPTION 'max_rows must be between 1 and 100000: %', coalesce(max_rows::text, 'NULL')
			USING ERRCODE = 'invalid_parameter_value';
	END IF;
	SELECT * INTO scope FROM escalation.screen_scope();
	RETURN QUERY
	SELECT e.event_id, e.event, w.id, w.kind, w.subject_id, w.started_at, w.stage, w.screen, w.screen_region,
		w.district, w.unit_id, u.name, CASE WHEN escalation.region_level(w.region) = 'street' THEN st.name END,
		escalation.warning_label(w.kind, w.id), w.action, escalation.warning_action_label(w.action),
		-- When the item's episode first fell due: its first stage's warning,
		-- through the item-stage key (an episode's stages are resolved together).
		(SELECT min(f.due_at) FROM escalation.warning f
		 WHERE f.subject_id = w.subject_id AND f.kind = w.kind AND f.started_at = w.started_at),
		w.due_at, w.raised_at, w.resolved_at, w.resolved_reason, w.acknowledged_at,
		h.state, coalesce(h.sign_overdue AND h.state = 'raised' OR h.reply_overdue, false),
		nt.notified, nt.notified_pending, nt.notified_delivered, nt.notified_failed, nt.notified_last_delivered_at,
		nt.notified_channels
	FROM (
		SELECT x.event_id, x.event, x.id FROM (
			SELECT v.id AS event_id, 'raised' AS event, v.id, v.region FROM escalation.warning v WHERE v.id > after
			UNION ALL
			SELECT v.resolved_seq, 'resolved', v.id, v.region FROM escalation.warning v WHERE v.resolved_seq > after
			UNION ALL
			SELECT v.ack_seq, 'acknowledged', v.id, v.region FROM escalation.warning v WHERE v.ack_seq > after
			UNION ALL
			SELECT s.id, 'handled', s.warning_id, s.region FROM escalation.warning_step s
			WHERE s.id > after AND s.step <> 'sign'
			UNION ALL
			SELECT n.outcome_seq, 'notified', n.warning_id, n.region FROM escalation.notification n
			WHERE n.outcome_seq > after
		) x
		WHERE scope.sees_all OR x.region OPERATOR(escalation.<@) scope.region
		ORDER BY x.event_id
		LIMIT max_rows
	) e
	JOIN escalation.warning w ON w.id = e.id
	CROSS JOIN LATERAL escalation_internal.warning_notified(w.id) nt
	LEFT JOIN escalation.warning_handling h ON h.warning_id = w.id
	LEFT JOIN escalation.unit u ON u.id = w.unit_id
	LEFT JOIN escalation.division st ON st.code = w.region
	ORDER BY e.event_id;
END
$$;
COMMENT ON FUNCTION escalation.warning_events(bigint, integer) IS
	'The warning events (raised, resolved, acknowledged, handled for the later handling steps, and notified when a notification of the warning was delivered or failed) after an event id, in event order, at most max_rows, limited to what the caller may see (escalation.screen_scope), with the names and labels a screen shows and the warning''s notifications counted (escalation_internal.warning_notified); the screen worker reads it after every NOTIFY escalation_warning. Event ids commit in order, so reading after the last id seen never misses one. 预警事件流';

CREATE OR REPLACE FUNCTION escalation.warning_events_tail(keep integer)
RETURNS bigint
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, escalation, pg_temp AS
$$
DECLARE
	scope record;
	start bigint;
BEGIN
	IF keep IS NULL OR keep NOT BETWEEN 1 AND 10000000 THEN
		RAISE EXCEPTION 'keep must be between 1 and 10000000: %', coalesce(keep::text, 'NULL')
			USING ERRCODE = 'invalid_parameter_value';
	END IF;
	SELECT * INTO scope FROM escalation.screen_scope();
	SELECT x.event_id INTO start FROM (
		SELECT v.id AS event_id, v.region FROM escalation.warning v
		UNION ALL
		SELECT v.resolved_seq, v.region FROM escalation.warning v WHERE v.resolved_seq IS NOT NULL
		UNION ALL
		SELECT v.ack_seq, v.region FROM escalation.warning v WHERE v.ack_seq IS NOT NULL
		UNION ALL
		SELECT s.id, s.region FROM escalation.warning_step s WHERE s.step <> 'sign'
		UNION ALL
		SELECT n.outcome_seq, n.region FROM escalation.notification n WHERE n.outcome_seq IS NOT NULL
	) x
	WHERE scope.sees_all OR x.region OPERATOR(escalation.<@) scope.region
	ORDER BY x.event_id DESC
	OFFSET keep LIMIT 1;
	RETURN coalesce(start, 0);
END
$$;
COMMENT ON FUNCTION escalation.warning_events_tail(integer) IS
	'The event id after which the caller''s last keep warning events lie (0 when there are no more than keep): warning_events() read after it gives exactly those. The screen worker starts there instead of reading all of history. 最近预警事件起点';

REVOKE ALL ON FUNCTION escalation.screen_warnings(escalation.region), escalation.warning_events(bigint, integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION escalation.screen_warnings(escalation.region), escalation.warning_events(bigint, integer)
TO escalation_admin, escalation_user, escalation_analyst, escalation_screen;
GRANT SELECT ON escalation.screen_warning TO escalation_admin, escalation_user, escalation_analyst, escalation_screen;

------------------------------------------------------------------------------
-- The scorecards' period check in one place (统计期间校验)
------------------------------------------------------------------------------

-- A period of days given to a report (the scorecards): both ends, in order.
CREATE FUNCTION escalation.require_period(from_day date, to_day date) RETURNS void
LANGUAGE plpgsql IMMUTABLE SET search_path = pg_catalog, escalation, pg_temp AS
$$
BEGIN
	IF from_day IS NULL OR to_day IS NULL OR to_day < from_day THEN
		RAISE EXCEPTION 'invalid period: % to %', coalesce(from_day::text, 'NULL'), coalesce(to_day::text, 'NULL')
			USING ERRCODE = 'invalid_parameter_value', DETAIL = 'to_day is the last day of the period, on or after from_day.';
	END IF;
END
$$;
COMMENT ON FUNCTION escalation.require_period(date, date) IS
	'Raises invalid_parameter_value (22023) naming both days unless from_day and to_day are given and to_day is not before from_day. 统计期间校验';

REVOKE ALL ON FUNCTION escalation.require_period(date, date) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION escalation.require_period(date, date)
TO escalation_admin, escalation_user, escalation_analyst, escalation_screen;

------------------------------------------------------------------------------
-- The overdue hazards' warnings read each hazard by its key (逾期预警类型查询)
------------------------------------------------------------------------------

CREATE OR REPLACE VIEW escalation.hazard_overdue_warning WITH (security_invoker = true) AS
	SELECT w.id AS warning_id, w.subject_id AS hazard_id, w.stage, w.screen, w.action, w.started_at, w.due_at,
		w.resolved_at, f.failure,
		CASE f.failure WHEN 'not_rectified' THEN '逾期未整改' ELSE '逾期未复查' END AS failure_label,
		CASE f.failure WHEN 'not_rectified' THEN 'unit' ELSE 'department' END AS addressee,
		h.unit_id, CASE f.failure WHEN 'not_rechecked' THEN h.found_by END AS addressee_department,
		w.region
	FROM escalation.warning w
	JOIN escalation.hazard h ON h.id = w.subject_id
	CROSS JOIN LATERAL (
		-- As the hazard stood when the ladder started: rectified means the
		-- re-inspection was what fell due.
		SELECT CASE WHEN a.status <> 'rectifying' THEN 'not_rechecked' ELSE 'not_rectified' END AS failure
		FROM escalation.hazard_as_of(w.started_at, ARRAY[w.subject_id]) a
		-- Said again outside the function, so that the hazard is read by its key.
		WHERE a.hazard_id = w.subject_id) f
	WHERE w.kind = 'hazard_overdue';

------------------------------------------------------------------------------
-- Documents: one check of who acts for an issuing office (公文机关经办人校验)
------------------------------------------------------------------------------

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
REVOKE ALL ON FUNCTION escalation_internal.acts_for_office(escalation.document_office) FROM PUBLIC;

CREATE OR REPLACE FUNCTION escalation_internal.circular_require_issuer(office escalation.document_office, action text) RETURNS void
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

CREATE OR REPLACE FUNCTION escalation.admonition_record(kind text, taken_by bigint, department_id bigint, unit_id bigint,
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

------------------------------------------------------------------------------
-- 0.2.0: the warning table's AFTER INSERT triggers fire once per statement,
-- over the rows it inserted (NEW TABLE), and the engine's writer fires them
-- once per run: addressees, orders, notifications, sign timers and the
-- province feed are set-based, not one call per warning.
-- 预警表的插入触发器改为语句级
------------------------------------------------------------------------------

DROP TRIGGER warning_address ON escalation.warning;
DROP TRIGGER warning_issue_order ON escalation.warning;
DROP TRIGGER warning_notify ON escalation.warning;
DROP TRIGGER warning_track_timers ON escalation.warning;
DROP TRIGGER warning_province_feed ON escalation.warning;
DROP FUNCTION escalation_internal.supervision_order_issue(escalation.warning);

CREATE OR REPLACE FUNCTION escalation_internal.warning_address() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, escalation, pg_temp AS
$$
BEGIN
	-- A restore brings back the addressees decided when the warnings were raised.
	IF escalation.restoring() THEN
		RETURN NULL;
	END IF;
	INSERT INTO escalation.warning_addressee (warning_id, department_id, supervisor_id, basis, region, decided_at)
	SELECT r.id, a.department_id, a.supervisor_id, a.basis, r.region, r.raised_at
	FROM raised r CROSS JOIN LATERAL escalation_internal.warning_addressee_of(r) a
	ORDER BY r.id;
	RETURN NULL;
END
$$;
COMMENT ON FUNCTION escalation_internal.warning_address() IS
	'Trigger (per statement): records the addressee of each warning an INSERT or a run raised. 记录承办部门';
CREATE TRIGGER warning_address AFTER INSERT ON escalation.warning REFERENCING NEW TABLE AS raised
	FOR EACH STATEMENT EXECUTE FUNCTION escalation_internal.warning_address();

CREATE OR REPLACE FUNCTION escalation_internal.warning_issue_order() RETURNS trigger
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

CREATE OR REPLACE FUNCTION escalation_internal.warning_notify() RETURNS trigger
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

CREATE OR REPLACE FUNCTION escalation_internal.warning_track_timers() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, escalation, pg_temp AS
$$
DECLARE
	sign escalation.warning_kind := 'handling_sign';
	-- The stages of the ladder in force: while the city has not changed it,
	-- the one stage rule_shipped derives from the sign timer (read directly:
	-- escalation.rule costs more than the rest of this trigger together).
	overridden boolean := EXISTS (SELECT 1 FROM escalation.rule_override x WHERE x.kind = sign);
BEGIN
	IF escalation.restoring() THEN
		RETURN NULL;
	END IF;
	-- What escalation.sync_items would write for them (handling_timer_source),
	-- in one statement however many warnings a run raised.
	WITH w AS MATERIALIZED (
		SELECT r.id, r.raised_at, r.screen, r.unit_id, r.region, so.id AS office,
			-- The timer ends when the warning does: resolved, or its item handled, withdrawn or superseded.
			coalesce(r.resolved_at,
				(SELECT CASE WHEN t.started_at = r.started_at THEN least(t.handled_at, t.withdrawn_at) ELSE t.superseded_at END
				 FROM escalation.tracked_item t WHERE t.subject_id = r.subject_id AND t.kind = r.kind)) AS until
		FROM raised r
		-- escalation.screen_office
		LEFT JOIN (SELECT DISTINCT ON (d.region) d.region, d.id FROM escalation.department d
				   WHERE d.kind = 'safety_committee_office' ORDER BY d.region, d.id) so ON so.region = r.screen_region
		-- A timer's own warning has none; a warning raised and resolved at once has none.
		WHERE r.kind::text NOT IN ('handling_sign', 'handling_reply')
		  AND (r.resolved_at IS NULL OR r.resolved_at > r.raised_at)
	), started AS (
		INSERT INTO escalation.stage_due (kind, subject_id, started_at, stage, due_at, fires_until, origin,
			unit_id, department_id, region, district, city)
		SELECT sign, w.id, w.raised_at, o.stage, escalation.stage_due_at(w.raised_at, o.due_after), w.until, w.screen,
			w.unit_id, w.office, w.region, escalation.region_district(w.region), escalation.region_city(w.region)
		FROM w
		CROSS JOIN LATERAL (
			SELECT 1::smallint, h.within FROM escalation.handling_rule h WHERE h.timer = 'sign' AND NOT overridden
			UNION ALL
			SELECT x.stage, x.due_after FROM escalation.rule_offset x WHERE x.kind = sign AND x.origin = w.screen AND overridden
		) o(stage, due_after)
		WHERE escalation.stage_fires(escalation.stage_due_at(w.raised_at, o.due_after), NULL, w.until)
		ON CONFLICT DO NOTHING
		RETURNING *
	)
	-- A warning resolved before its sign timer could run out has no stage: nothing is tracked.
	INSERT INTO escalation.tracked_item (kind, subject_id, origin, started_at, start_set_at, handled_at, handled_reason,
		withdrawn_at, next_due_at, unit_id, department_id, region, district, city)
	SELECT s.kind, s.subject_id, s.origin, s.started_at, NULL, NULL, 'signed', s.fires_until,
		escalation.item_event_due(sign, s.first_due, NULL, s.fires_until, NULL), s.unit_id, s.department_id,
		s.region, s.district, s.city
	FROM (SELECT x.*, min(x.due_at) OVER (PARTITION BY x.subject_id) AS first_due FROM started x) s
	WHERE s.stage = 1
	ORDER BY s.subject_id
	ON CONFLICT (subject_id, kind) DO NOTHING;
	RETURN NULL;
END
$$;
COMMENT ON FUNCTION escalation_internal.warning_track_timers() IS
	'Trigger (per statement): the warnings an INSERT or a run raised start their sign timers in the work list. 预警签收时限跟踪';
CREATE TRIGGER warning_track_timers AFTER INSERT ON escalation.warning REFERENCING NEW TABLE AS raised
	FOR EACH STATEMENT EXECUTE FUNCTION escalation_internal.warning_track_timers();

-- Copy warnings of the city screen, and circulars, with names, or follow their
-- resolution and acknowledgement: one statement for any number of them.
CREATE FUNCTION escalation_internal.province_copy(ids bigint[]) RETURNS void
LANGUAGE sql SET search_path = pg_catalog, escalation, pg_temp
BEGIN ATOMIC
	INSERT INTO escalation.province_warning AS p
		(city, warning_id, kind, subject_id, started_at, stage, screen, action, region, district, district_name,
		 unit_id, unit_name, due_at, raised_at, resolved_at, resolved_reason, acknowledged_at)
	SELECT escalation.region_city(w.region), w.id, w.kind, w.subject_id, w.started_at, w.stage, w.screen, w.action,
		w.region, w.district, d.name, w.unit_id, u.name, w.due_at, w.raised_at, w.resolved_at, w.resolved_reason,
		w.acknowledged_at
	FROM escalation.warning w
	LEFT JOIN escalation.division d ON d.code = w.district
	LEFT JOIN escalation.unit u ON u.id = w.unit_id
	WHERE w.id = ANY (province_copy.ids) AND (w.screen = 'city' OR w.action = 'circulate')
	ORDER BY w.id
	ON CONFLICT (city, warning_id) DO UPDATE
		SET resolved_at = EXCLUDED.resolved_at, resolved_reason = EXCLUDED.resolved_reason,
			acknowledged_at = EXCLUDED.acknowledged_at
		WHERE (p.resolved_at, p.resolved_reason, p.acknowledged_at)
			IS DISTINCT FROM (EXCLUDED.resolved_at, EXCLUDED.resolved_reason, EXCLUDED.acknowledged_at);
END;
COMMENT ON FUNCTION escalation_internal.province_copy(bigint[]) IS
	'Copies the warnings of the city screen and circulars among ids into escalation.province_warning, with the names of their district and unit, or brings their resolution and acknowledgement up to date. 城市上报预警';

-- Trigger (per row) of escalation.warning: a warning of the city screen, or a
-- circular, resolved or acknowledged.
CREATE OR REPLACE FUNCTION escalation_internal.feed_province() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, escalation, pg_temp AS
$$
BEGIN
	PERFORM escalation_internal.province_copy(ARRAY[NEW.id]);
	RETURN NULL;
END
$$;
COMMENT ON FUNCTION escalation_internal.feed_province() IS
	'Trigger of escalation.warning: follows the resolution and acknowledgement of a warning of the city screen, or a circular, in escalation.province_warning. 城市上报预警状态';

-- Trigger (per statement) of escalation.warning: the warnings an INSERT or a run raised.
CREATE FUNCTION escalation_internal.feed_province_raised() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, escalation, pg_temp AS
$$
BEGIN
	PERFORM escalation_internal.province_copy(ARRAY(SELECT r.id FROM raised r WHERE r.screen = 'city' OR r.action = 'circulate'));
	RETURN NULL;
END
$$;
COMMENT ON FUNCTION escalation_internal.feed_province_raised() IS
	'Trigger (per statement) of escalation.warning: copies the warnings of the city screen, and circulars, that an INSERT or a run raised into escalation.province_warning. 城市上报预警';

-- The engine writes warnings straight into the table and fires its AFTER
-- triggers, the statement ones once for all the warnings of a run
-- (src/engine_store.c; src/engine_items.c lists these two among the warning
-- table's own triggers): the copies are made in the transaction that raises
-- the warnings and roll back with them. Resolutions and acknowledgements are
-- SQL UPDATEs, followed AFTER them.
CREATE TRIGGER warning_province_feed AFTER INSERT ON escalation.warning REFERENCING NEW TABLE AS raised
	FOR EACH STATEMENT EXECUTE FUNCTION escalation_internal.feed_province_raised();
REVOKE ALL ON FUNCTION escalation_internal.feed_province_raised(), escalation_internal.province_copy(bigint[]) FROM PUBLIC;

DROP TRIGGER province_warning_read_only ON escalation.province_warning;
-- Local writes to the province's copy are refused, once per statement; the
-- subscription's apply worker runs with session_replication_role = replica,
-- where these triggers are off.
CREATE OR REPLACE FUNCTION escalation_internal.province_read_only() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, escalation, pg_temp AS
$$
BEGIN
	IF EXISTS (SELECT FROM escalation.province_city) THEN
		RAISE EXCEPTION 'escalation.province_warning is read-only in a province database: rows come from the cities'
			USING ERRCODE = 'insufficient_privilege',
				  HINT = 'Change the warning in its city; the subscription brings the change.';
	END IF;
	RETURN NULL;
END
$$;
COMMENT ON FUNCTION escalation_internal.province_read_only() IS
	'Trigger of escalation.province_warning: in a province database (one with subscribed cities), refuses every write but the subscriptions''. 省级只读';
CREATE TRIGGER province_warning_read_only BEFORE INSERT OR UPDATE OR DELETE ON escalation.province_warning
	FOR EACH STATEMENT EXECUTE FUNCTION escalation_internal.province_read_only();
