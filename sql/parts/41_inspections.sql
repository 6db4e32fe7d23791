-- Inspections (执法、监督、检查, §8–9): who inspected which unit, when, how, under
-- which campaign, and with which inspectors.

------------------------------------------------------------------------------
-- Inspections (执法、监督、检查, §8–9)
------------------------------------------------------------------------------

CREATE TYPE escalation.inspection_kind AS ENUM ('enforcement', 'supervision', 'inspection');
COMMENT ON TYPE escalation.inspection_kind IS
	'What an inspection is (§8): law enforcement 执法, supervision 监督, inspection 检查.';

CREATE TYPE escalation.inspection_mode AS ENUM ('on_site', 'online');
COMMENT ON TYPE escalation.inspection_mode IS
	'How an inspection is made (§5, §8): on site 现场检查, online patrol of the unit''s platform data 网上巡查.';

CREATE TABLE escalation.inspection (
	id bigint GENERATED ALWAYS AS IDENTITY,
	department_id bigint NOT NULL,
	office_id bigint,
	unit_id bigint NOT NULL,
	kind escalation.inspection_kind NOT NULL DEFAULT 'inspection',
	mode escalation.inspection_mode NOT NULL DEFAULT 'on_site',
	campaign_id bigint,
	inspected_at timestamptz NOT NULL DEFAULT statement_timestamp(),
	checked text,
	findings text,
	region escalation.region NOT NULL,
	created_at timestamptz NOT NULL DEFAULT statement_timestamp(),
	created_by name NOT NULL DEFAULT CURRENT_USER,
	CONSTRAINT inspection_pkey PRIMARY KEY (id),
	CONSTRAINT inspection_id_department_unit_key UNIQUE (id, department_id, unit_id),
	CONSTRAINT inspection_department_fkey FOREIGN KEY (department_id) REFERENCES escalation.department (id),
	CONSTRAINT inspection_office_of_department FOREIGN KEY (office_id, department_id)
		REFERENCES escalation.office (id, department_id),
	CONSTRAINT inspection_unit_fkey FOREIGN KEY (unit_id) REFERENCES escalation.unit (id),
	CONSTRAINT inspection_campaign_fkey FOREIGN KEY (campaign_id) REFERENCES escalation.campaign (id)
);
CREATE INDEX inspection_region_idx ON escalation.inspection (region);
CREATE INDEX inspection_department_idx ON escalation.inspection (department_id, inspected_at);
CREATE INDEX inspection_unit_idx ON escalation.inspection (unit_id, inspected_at);
CREATE INDEX inspection_campaign_idx ON escalation.inspection (campaign_id) WHERE campaign_id IS NOT NULL;
CREATE INDEX inspection_inspected_at_idx ON escalation.inspection (inspected_at);
COMMENT ON TABLE escalation.inspection IS
	'Routine enforcement, supervision and inspection of a unit by a department (§8–9), on site or as online patrol, optionally under a campaign: the "quantity" of a department''s work. 执法、监督、检查记录';
COMMENT ON COLUMN escalation.inspection.id IS 'Inspection id (generated). 检查编号';
COMMENT ON COLUMN escalation.inspection.department_id IS 'Department that inspected. 检查部门';
COMMENT ON COLUMN escalation.inspection.office_id IS 'Its office that carried it out. 承办处科室';
COMMENT ON COLUMN escalation.inspection.unit_id IS 'The unit inspected. 被检查单位';
COMMENT ON COLUMN escalation.inspection.kind IS 'Enforcement, supervision or inspection. 检查性质';
COMMENT ON COLUMN escalation.inspection.mode IS 'On site or online patrol. 检查方式（现场检查/网上巡查）';
COMMENT ON COLUMN escalation.inspection.campaign_id IS 'Campaign it was made under, if any; the date must fall within the campaign and the unit within its scope. 所属专项工作';
COMMENT ON COLUMN escalation.inspection.inspected_at IS 'When the inspection took place. 检查时间';
COMMENT ON COLUMN escalation.inspection.checked IS 'What was checked. 检查内容';
COMMENT ON COLUMN escalation.inspection.findings IS 'What was found, in words; hazards found are rows of escalation.hazard. 检查情况';
COMMENT ON COLUMN escalation.inspection.region IS 'Region of the unit (kept by trigger, for row-level security). 所属区划';
COMMENT ON COLUMN escalation.inspection.created_at IS 'When the inspection was entered. 录入时间';
COMMENT ON COLUMN escalation.inspection.created_by IS 'Role that entered it. 录入人';
SELECT pg_catalog.pg_extension_config_dump('escalation.inspection', '');
SELECT pg_catalog.pg_extension_config_dump('escalation.inspection_id_seq', '');
SELECT escalation.follow_unit_region('escalation.inspection');

-- Trigger: an inspection under a campaign falls within the campaign.
CREATE FUNCTION escalation_internal.inspection_check() RETURNS trigger
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
COMMENT ON FUNCTION escalation_internal.inspection_check() IS
	'Trigger: an inspection under a campaign falls within the campaign''s period and scope. 检查记录校验';
CREATE TRIGGER inspection_check BEFORE INSERT OR UPDATE OF campaign_id, unit_id, inspected_at, department_id ON escalation.inspection
	FOR EACH ROW EXECUTE FUNCTION escalation_internal.inspection_check();

CREATE TABLE escalation.inspection_inspector (
	inspection_id bigint NOT NULL,
	person_id bigint NOT NULL,
	department_id bigint NOT NULL,
	unit_id bigint NOT NULL,
	region escalation.region NOT NULL,
	CONSTRAINT inspection_inspector_pkey PRIMARY KEY (inspection_id, person_id),
	CONSTRAINT inspection_inspector_inspection_fkey FOREIGN KEY (inspection_id, department_id, unit_id)
		REFERENCES escalation.inspection (id, department_id, unit_id) ON DELETE CASCADE ON UPDATE CASCADE,
	CONSTRAINT inspection_inspector_person_of_department FOREIGN KEY (person_id, department_id)
		REFERENCES escalation.person (id, department_id)
);
CREATE INDEX inspection_inspector_person_idx ON escalation.inspection_inspector (person_id);
CREATE INDEX inspection_inspector_region_idx ON escalation.inspection_inspector (region);
COMMENT ON TABLE escalation.inspection_inspector IS
	'Inspectors of an inspection: people of the inspecting department (a joint inspection is recorded once per department). 检查人员';
COMMENT ON COLUMN escalation.inspection_inspector.inspection_id IS 'The inspection. 检查';
COMMENT ON COLUMN escalation.inspection_inspector.person_id IS 'An inspector, a person of the inspecting department. 检查人员';
COMMENT ON COLUMN escalation.inspection_inspector.department_id IS 'The inspecting department (filled from the inspection). 检查部门';
COMMENT ON COLUMN escalation.inspection_inspector.unit_id IS 'The unit inspected (filled from the inspection). 被检查单位';
COMMENT ON COLUMN escalation.inspection_inspector.region IS 'Region of the unit (kept by trigger, for row-level security). 所属区划';
SELECT pg_catalog.pg_extension_config_dump('escalation.inspection_inspector', '');
SELECT escalation.follow_unit_region('escalation.inspection_inspector');

-- Trigger: take department and unit from the inspection; name a stranger clearly.
CREATE FUNCTION escalation_internal.inspection_inspector_fill() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, escalation, pg_temp AS
$$
DECLARE
	insp escalation.inspection;
	other bigint;
BEGIN
	-- Rows the caller may not see are treated as missing: the inspection here,
	-- the person by the foreign key (the same error either way).
	SELECT * INTO insp FROM escalation.inspection WHERE id = NEW.inspection_id AND escalation.caller_sees_region(region);
	IF NOT FOUND THEN
		RAISE EXCEPTION 'inspection % does not exist', NEW.inspection_id USING ERRCODE = 'foreign_key_violation';
	END IF;
	NEW.department_id := insp.department_id;
	NEW.unit_id := insp.unit_id;
	SELECT p.department_id INTO other FROM escalation.person p
	WHERE p.id = NEW.person_id AND escalation.caller_sees_region(p.region);
	IF FOUND AND other <> insp.department_id THEN
		RAISE EXCEPTION 'inspector % works in department %, not in department % that made inspection %',
				NEW.person_id, other, insp.department_id, insp.id
			USING ERRCODE = 'foreign_key_violation', CONSTRAINT = 'inspection_inspector_person_of_department',
				  HINT = 'Record a joint inspection once per department, each with its own inspectors.';
	END IF;
	RETURN NEW;
END
$$;
COMMENT ON FUNCTION escalation_internal.inspection_inspector_fill() IS
	'Trigger: fills an inspector row''s department and unit from its inspection and rejects a person of another department with a clear message. 检查人员校验';
CREATE TRIGGER inspection_inspector_fill BEFORE INSERT OR UPDATE ON escalation.inspection_inspector
	FOR EACH ROW EXECUTE FUNCTION escalation_internal.inspection_inspector_fill();

-- Record an inspection with its inspectors and return its id.
CREATE FUNCTION escalation.inspect(
	unit_id bigint,
	department_id bigint,
	inspectors bigint[] DEFAULT '{}',
	mode escalation.inspection_mode DEFAULT 'on_site',
	kind escalation.inspection_kind DEFAULT 'inspection',
	checked text DEFAULT NULL,
	findings text DEFAULT NULL,
	inspected_at timestamptz DEFAULT statement_timestamp(),
	campaign_id bigint DEFAULT NULL,
	office_id bigint DEFAULT NULL
) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, escalation, pg_temp AS
$$
#variable_conflict use_column
DECLARE
	new_id bigint;
BEGIN
	PERFORM escalation.require_argument(inspect.unit_id, 'unit_id');
	PERFORM escalation.require_argument(inspect.department_id, 'department_id');
	PERFORM escalation.require_argument(inspect.inspected_at, 'inspected_at');
	INSERT INTO escalation.inspection
		(unit_id, department_id, mode, kind, checked, findings, inspected_at, campaign_id, office_id)
	VALUES
		(inspect.unit_id, inspect.department_id, coalesce(inspect.mode, 'on_site'), coalesce(inspect.kind, 'inspection'),
		 inspect.checked, inspect.findings, inspect.inspected_at, inspect.campaign_id, inspect.office_id)
	RETURNING id INTO new_id;
	INSERT INTO escalation.inspection_inspector (inspection_id, person_id)
	SELECT DISTINCT new_id, p FROM unnest(inspect.inspectors) AS p;
	RETURN new_id;
END
$$;
COMMENT ON FUNCTION escalation.inspect(bigint, bigint, bigint[], escalation.inspection_mode, escalation.inspection_kind, text, text, timestamptz, bigint, bigint) IS
	'Records an inspection of a unit by a department with its inspectors (people of that department), on site or online patrol, optionally under a campaign; returns its id. 登记检查';

------------------------------------------------------------------------------
-- Row-level security and privileges
------------------------------------------------------------------------------

SELECT escalation.enable_region_security(t)
FROM unnest(ARRAY['escalation.inspection', 'escalation.inspection_inspector']::regclass[]) AS t;

GRANT SELECT, INSERT, UPDATE, DELETE ON escalation.inspection, escalation.inspection_inspector TO escalation_admin;
GRANT SELECT, INSERT, UPDATE, DELETE ON escalation.inspection TO escalation_user;
GRANT SELECT, INSERT, DELETE ON escalation.inspection_inspector TO escalation_user;
GRANT SELECT ON escalation.inspection, escalation.inspection_inspector TO escalation_analyst;
SELECT escalation_internal.grant_column_writes('escalation.inspection', '{escalation_admin,escalation_user}');
-- Ids are drawn by the identity default, which needs no privilege: nobody draws them by hand.
REVOKE ALL ON SEQUENCE escalation.inspection_id_seq FROM escalation_admin, escalation_user;

REVOKE ALL ON FUNCTION
	escalation_internal.inspection_check(), escalation_internal.inspection_inspector_fill(),
	escalation.inspect(bigint, bigint, bigint[], escalation.inspection_mode, escalation.inspection_kind, text, text, timestamptz, bigint, bigint)
FROM PUBLIC;
GRANT EXECUTE ON FUNCTION
	escalation.inspect(bigint, bigint, bigint[], escalation.inspection_mode, escalation.inspection_kind, text, text, timestamptz, bigint, bigint)
TO escalation_admin, escalation_user;
