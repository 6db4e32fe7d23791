-- The supervision-responsibility database (监管责任数据库, §6–7, §21): departments
-- at each level, their offices, people and duties, and which department, office
-- and named supervisor answers for every unit.

------------------------------------------------------------------------------
-- Departments (部门/单位) and the tree city → district → street
------------------------------------------------------------------------------

CREATE TYPE escalation.department_kind AS ENUM
	('party_committee', 'government', 'zone_committee', 'safety_committee_office', 'functional_department',
	 'street_office', 'other');
COMMENT ON TYPE escalation.department_kind IS
	'Kind of department: party committee 党委, people''s government 人民政府, functional-zone management committee 功能区管委会, work-safety committee office 安委会办公室, functional department 职能部门, street office or town government 街道办事处/镇人民政府, other 其他单位.';

CREATE TABLE escalation.department (
	id bigint GENERATED ALWAYS AS IDENTITY,
	name text NOT NULL,
	level escalation.level NOT NULL,
	region escalation.region NOT NULL,
	parent_id bigint,
	kind escalation.department_kind NOT NULL DEFAULT 'functional_department',
	created_at timestamptz NOT NULL DEFAULT statement_timestamp(),
	CONSTRAINT department_pkey PRIMARY KEY (id),
	CONSTRAINT department_region_name_key UNIQUE (region, name),
	-- Deferred: pg_dump writes rows in storage order, where an updated parent can
	-- follow its children.
	CONSTRAINT department_parent_fkey FOREIGN KEY (parent_id) REFERENCES escalation.department (id)
		DEFERRABLE INITIALLY DEFERRED,
	CONSTRAINT department_name_not_blank CHECK (btrim(name) <> ''),
	CONSTRAINT department_level_matches_region CHECK (level IS NOT DISTINCT FROM escalation.region_level(region)),
	CONSTRAINT department_not_own_parent CHECK (parent_id <> id),
	CONSTRAINT department_street_office_at_street CHECK (kind <> 'street_office' OR level = 'street')
);
CREATE INDEX department_region_idx ON escalation.department (region);
CREATE INDEX department_parent_idx ON escalation.department (parent_id);
COMMENT ON TABLE escalation.department IS
	'Departments (部门/单位) at city, district and street level with a duty for work safety (三管三必须); parent_id forms the tree city → district → street.';
COMMENT ON COLUMN escalation.department.id IS 'Department id (generated). 部门编号';
COMMENT ON COLUMN escalation.department.name IS 'Full name, unique within its region, e.g. 济南市应急管理局. 部门名称';
COMMENT ON COLUMN escalation.department.level IS 'City, district or street; must be the level of region (filled from it when omitted). 层级';
COMMENT ON COLUMN escalation.department.region IS 'The city, district or street the department answers for. 所属区划';
COMMENT ON COLUMN escalation.department.parent_id IS 'Department it reports to; its region contains this one''s. 上级部门';
COMMENT ON COLUMN escalation.department.kind IS 'Party committee, government, functional department, street office, ... 部门类别';
COMMENT ON COLUMN escalation.department.created_at IS 'When the department was entered. 创建时间';
SELECT pg_catalog.pg_extension_config_dump('escalation.department', '');
SELECT pg_catalog.pg_extension_config_dump('escalation.department_id_seq', '');

-- Trigger: fill level, keep the tree inside its regions and free of cycles.
CREATE FUNCTION escalation_internal.department_check_tree() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, escalation, pg_temp AS
$$
DECLARE
	parent escalation.department;
	child escalation.department;
	ancestor bigint;
	depth int := 0;
BEGIN
	IF escalation.region_level(NEW.region) IS NULL THEN
		RAISE EXCEPTION 'department "%" cannot be in region %: it has no platform level', NEW.name, NEW.region
			USING ERRCODE = 'check_violation', CONSTRAINT = 'department_level_matches_region',
				  DETAIL = 'Departments belong to the city, a district or a street; a province code is above the platform.';
	END IF;
	IF NEW.level IS NULL THEN
		NEW.level := escalation.region_level(NEW.region);
	END IF;
	IF NEW.parent_id IS NOT NULL THEN
		SELECT * INTO parent FROM escalation.department WHERE id = NEW.parent_id;
		IF FOUND AND NOT (parent.region OPERATOR(escalation.@>) NEW.region) THEN
			RAISE EXCEPTION 'parent department % ("%", region %) does not contain region % of department "%"',
					parent.id, parent.name, parent.region, NEW.region, NEW.name
				USING ERRCODE = 'check_violation',
					  DETAIL = 'A department reports to a department of its own region or of a region that contains it.';
		END IF;
		IF TG_OP = 'UPDATE' THEN
			ancestor := NEW.parent_id;
			WHILE ancestor IS NOT NULL LOOP
				IF ancestor = NEW.id THEN
					RAISE EXCEPTION 'department % ("%") cannot report to department %, which reports to it',
							NEW.id, NEW.name, NEW.parent_id
						USING ERRCODE = 'check_violation',
							  DETAIL = 'The department tree must not contain a cycle.';
				END IF;
				depth := depth + 1;
				EXIT WHEN depth > 1000;
				SELECT d.parent_id INTO ancestor FROM escalation.department d WHERE d.id = ancestor;
			END LOOP;
		END IF;
	END IF;
	IF TG_OP = 'UPDATE' AND NEW.region IS DISTINCT FROM OLD.region THEN
		SELECT * INTO child FROM escalation.department d
		WHERE d.parent_id = NEW.id AND NOT (NEW.region OPERATOR(escalation.@>) d.region)
		ORDER BY d.id LIMIT 1;
		IF FOUND THEN
			RAISE EXCEPTION 'department % ("%") cannot move to region %: its sub-department % ("%") is in region %',
					NEW.id, NEW.name, NEW.region, child.id, child.name, child.region
				USING ERRCODE = 'check_violation',
					  DETAIL = 'A department''s region must contain the regions of the departments reporting to it.';
		END IF;
	END IF;
	RETURN NEW;
END
$$;
COMMENT ON FUNCTION escalation_internal.department_check_tree() IS
	'Trigger: fills a department''s level from its region and keeps the department tree region-consistent and acyclic. 部门层级校验';
CREATE TRIGGER department_check_tree BEFORE INSERT OR UPDATE ON escalation.department
	FOR EACH ROW EXECUTE FUNCTION escalation_internal.department_check_tree();

------------------------------------------------------------------------------
-- Rows that belong to a department carry the department's region
------------------------------------------------------------------------------

CREATE TABLE escalation.department_region_follower (
	tbl regclass NOT NULL,
	via name NOT NULL,
	CONSTRAINT department_region_follower_pkey PRIMARY KEY (tbl)
);
COMMENT ON TABLE escalation.department_region_follower IS
	'Tables whose rows carry a copy of their department''s region; changing a department''s region updates them. 随部门区划同步的表';
COMMENT ON COLUMN escalation.department_region_follower.tbl IS 'The table (has a region column). 表';
COMMENT ON COLUMN escalation.department_region_follower.via IS 'Its column naming the department. 部门字段';
-- The extension's own registrations come back with CREATE EXTENSION; a city's
-- own tables (registered by follow_department_region) are configuration that pg_dump must keep.
SELECT pg_catalog.pg_extension_config_dump('escalation.department_region_follower',
	'WHERE NOT EXISTS (SELECT FROM pg_catalog.pg_depend d WHERE d.classid = ''pg_catalog.pg_class''::pg_catalog.regclass '
	'AND d.objid = tbl::pg_catalog.oid AND d.deptype = ''e'')');

-- Trigger: fill region from the department named by column TG_ARGV[0].
CREATE FUNCTION escalation_internal.set_region_from_department() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, escalation, pg_temp AS
$$
DECLARE
	dept_id bigint := (to_jsonb(NEW) ->> TG_ARGV[0])::bigint;
	dept_region escalation.region;
BEGIN
	IF dept_id IS NULL THEN
		RETURN NEW;
	END IF;
	SELECT d.region INTO dept_region FROM escalation.department d WHERE d.id = dept_id;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'department % does not exist', dept_id
			USING ERRCODE = 'foreign_key_violation',
				  DETAIL = format('%s.%s must name a department you can see.', TG_TABLE_NAME, TG_ARGV[0]);
	END IF;
	NEW.region := dept_region;
	RETURN NEW;
END
$$;
COMMENT ON FUNCTION escalation_internal.set_region_from_department() IS
	'Trigger: sets a row''s region to the region of its department. 按部门填写区划';

-- Register a table whose rows follow their department's region.
CREATE FUNCTION escalation.follow_department_region(tbl regclass, via name DEFAULT 'department_id') RETURNS void
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
COMMENT ON FUNCTION escalation.follow_department_region(regclass, name) IS
	'Makes a table''s region follow the department named by column via: a trigger fills it and department moves update it. 注册随部门区划同步的表';

-- Trigger: a department that moves carries its dependent rows with it.
CREATE FUNCTION escalation_internal.propagate_department_region() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, escalation, pg_temp AS
$$
DECLARE
	follower escalation.department_region_follower;
BEGIN
	FOR follower IN SELECT * FROM escalation.department_region_follower ORDER BY tbl::oid
	LOOP
		EXECUTE format('UPDATE %s SET region = $1 WHERE %I = $2 AND region OPERATOR(escalation.<>) $1',
					   follower.tbl, follower.via)
			USING NEW.region, NEW.id;
	END LOOP;
	UPDATE escalation.supervision_assignment SET department_region = NEW.region WHERE department_id = NEW.id;
	RETURN NULL;
END
$$;
COMMENT ON FUNCTION escalation_internal.propagate_department_region() IS
	'Trigger: copies a department''s new region to every registered table. 部门区划变更同步';
CREATE TRIGGER department_propagate_region AFTER UPDATE OF region ON escalation.department
	FOR EACH ROW WHEN (OLD.region IS DISTINCT FROM NEW.region)
	EXECUTE FUNCTION escalation_internal.propagate_department_region();

------------------------------------------------------------------------------
-- Offices (处/科室), one of them the lead office for work safety (牵头处科室)
------------------------------------------------------------------------------

CREATE TABLE escalation.office (
	id bigint GENERATED ALWAYS AS IDENTITY,
	department_id bigint NOT NULL,
	name text NOT NULL,
	is_lead boolean NOT NULL DEFAULT false,
	responsibilities text,
	region escalation.region NOT NULL,
	CONSTRAINT office_pkey PRIMARY KEY (id),
	CONSTRAINT office_id_department_key UNIQUE (id, department_id),
	CONSTRAINT office_department_name_key UNIQUE (department_id, name),
	CONSTRAINT office_department_fkey FOREIGN KEY (department_id) REFERENCES escalation.department (id),
	CONSTRAINT office_name_not_blank CHECK (btrim(name) <> '')
);
CREATE UNIQUE INDEX office_one_lead_per_department ON escalation.office (department_id) WHERE is_lead;
CREATE INDEX office_region_idx ON escalation.office (region);
COMMENT ON TABLE escalation.office IS
	'Offices (处/科室) of a department with their share of work-safety duties; at most one is the lead office (牵头处科室, §6).';
COMMENT ON COLUMN escalation.office.id IS 'Office id (generated). 处科室编号';
COMMENT ON COLUMN escalation.office.department_id IS 'The department. 所属部门';
COMMENT ON COLUMN escalation.office.name IS 'Name, unique within the department, e.g. 安全生产综合协调科. 处科室名称';
COMMENT ON COLUMN escalation.office.is_lead IS 'The lead office for work safety of its department (at most one). 是否牵头处科室';
COMMENT ON COLUMN escalation.office.responsibilities IS 'Its work-safety responsibilities (分工). 安全生产职责';
COMMENT ON COLUMN escalation.office.region IS 'Region of the department (kept by trigger, for row-level security). 所属区划';
SELECT pg_catalog.pg_extension_config_dump('escalation.office', '');
SELECT pg_catalog.pg_extension_config_dump('escalation.office_id_seq', '');
SELECT escalation.follow_department_region('escalation.office');

-- Trigger: a clear error for a second lead office (the unique index backs it).
CREATE FUNCTION escalation_internal.office_check_lead() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, escalation, pg_temp AS
$$
DECLARE
	other escalation.office;
BEGIN
	IF NEW.is_lead THEN
		SELECT * INTO other FROM escalation.office o
		WHERE o.department_id = NEW.department_id AND o.is_lead AND o.id IS DISTINCT FROM NEW.id;
		IF FOUND THEN
			RAISE EXCEPTION 'department % already has lead office % ("%")', NEW.department_id, other.id, other.name
				USING ERRCODE = 'unique_violation', CONSTRAINT = 'office_one_lead_per_department',
					  DETAIL = format('Office "%s" cannot also be the lead office for work safety.', NEW.name),
					  HINT = 'Clear is_lead on the current lead office first, in the same transaction.';
		END IF;
	END IF;
	RETURN NEW;
END
$$;
COMMENT ON FUNCTION escalation_internal.office_check_lead() IS
	'Trigger: rejects a second lead office of a department with a message naming the current one. 牵头处科室唯一';
CREATE TRIGGER office_check_lead BEFORE INSERT OR UPDATE OF is_lead, department_id ON escalation.office
	FOR EACH ROW EXECUTE FUNCTION escalation_internal.office_check_lead();

------------------------------------------------------------------------------
-- People (人员) of a department
------------------------------------------------------------------------------

CREATE TABLE escalation.person (
	id bigint GENERATED ALWAYS AS IDENTITY,
	department_id bigint NOT NULL,
	name text NOT NULL,
	title text,
	phone text,
	region escalation.region NOT NULL,
	CONSTRAINT person_pkey PRIMARY KEY (id),
	CONSTRAINT person_id_department_key UNIQUE (id, department_id),
	CONSTRAINT person_department_fkey FOREIGN KEY (department_id) REFERENCES escalation.department (id),
	CONSTRAINT person_name_not_blank CHECK (btrim(name) <> ''),
	CONSTRAINT person_phone_format CHECK (phone ~ '^\+?[0-9*][0-9* -]{4,22}[0-9*]$')
);
CREATE INDEX person_department_idx ON escalation.person (department_id);
CREATE INDEX person_region_idx ON escalation.person (region);
COMMENT ON TABLE escalation.person IS
	'People of a department who hold work-safety duties or supervise units; personal data, protected by the department''s region. 人员';
COMMENT ON COLUMN escalation.person.id IS 'Person id (generated). 人员编号';
COMMENT ON COLUMN escalation.person.department_id IS 'Department the person works in; a transfer to another department is a new person row. 所在部门';
COMMENT ON COLUMN escalation.person.name IS 'Full name. 姓名';
COMMENT ON COLUMN escalation.person.title IS 'Post, e.g. 局长, 副主任, 科长. 职务';
COMMENT ON COLUMN escalation.person.phone IS 'Phone (personal data: not visible to analysts or screens); digits, optionally masked with *. 联系电话';
COMMENT ON COLUMN escalation.person.region IS 'Region of the department (kept by trigger, for row-level security). 所属区划';
SELECT pg_catalog.pg_extension_config_dump('escalation.person', '');
SELECT pg_catalog.pg_extension_config_dump('escalation.person_id_seq', '');
SELECT escalation.follow_department_region('escalation.person');

------------------------------------------------------------------------------
-- Duties (安全生产责任) held by people, with their period
------------------------------------------------------------------------------

CREATE TYPE escalation.duty_role AS ENUM
	('first_responsible', 'responsible_in_charge', 'other_in_charge', 'lead_office', 'other_office', 'liaison');
COMMENT ON TYPE escalation.duty_role IS
	'Work-safety duty of a person in a department (§6, §21): first responsible 第一责任人, responsible-in-charge 分管责任人, other in-charge 其他分管责任人, lead-office responsibility 牵头处科室责任, other-office responsibility 其他分工处科室责任, liaison 联络员.';

CREATE TABLE escalation.duty (
	id bigint GENERATED ALWAYS AS IDENTITY,
	department_id bigint NOT NULL,
	person_id bigint NOT NULL,
	role escalation.duty_role NOT NULL,
	office_id bigint,
	period daterange NOT NULL DEFAULT daterange(current_date, NULL),
	note text,
	region escalation.region NOT NULL,
	created_at timestamptz NOT NULL DEFAULT statement_timestamp(),
	created_by name NOT NULL DEFAULT CURRENT_USER,
	CONSTRAINT duty_pkey PRIMARY KEY (id),
	CONSTRAINT duty_department_fkey FOREIGN KEY (department_id) REFERENCES escalation.department (id),
	CONSTRAINT duty_person_of_department FOREIGN KEY (person_id, department_id)
		REFERENCES escalation.person (id, department_id),
	CONSTRAINT duty_office_of_department FOREIGN KEY (office_id, department_id)
		REFERENCES escalation.office (id, department_id),
	CONSTRAINT duty_office_role_needs_office CHECK (role NOT IN ('lead_office', 'other_office') OR office_id IS NOT NULL),
	CONSTRAINT duty_period_has_start CHECK (NOT isempty(period) AND NOT lower_inf(period)),
	CONSTRAINT duty_one_first_responsible EXCLUDE USING gist
		(int8range(department_id, department_id, '[]') WITH &&, period WITH &&) WHERE (role = 'first_responsible'),
	CONSTRAINT duty_one_responsible_in_charge EXCLUDE USING gist
		(int8range(department_id, department_id, '[]') WITH &&, period WITH &&) WHERE (role = 'responsible_in_charge')
);
CREATE INDEX duty_department_idx ON escalation.duty (department_id, role);
CREATE INDEX duty_person_idx ON escalation.duty (person_id);
CREATE INDEX duty_region_idx ON escalation.duty (region);
COMMENT ON TABLE escalation.duty IS
	'Work-safety duties of people in departments over time (§6, §21); a change of person ends one duty and starts another, so history is kept. 安全生产责任分工';
COMMENT ON COLUMN escalation.duty.id IS 'Duty id (generated). 责任编号';
COMMENT ON COLUMN escalation.duty.department_id IS 'Department the duty is held in. 部门';
COMMENT ON COLUMN escalation.duty.person_id IS 'The person; must work in the department. 责任人';
COMMENT ON COLUMN escalation.duty.role IS 'Which duty: first responsible, responsible-in-charge, other in-charge, lead/other office, liaison. 责任类别';
COMMENT ON COLUMN escalation.duty.office_id IS 'Office of the department the duty is tied to (required for office duties). 处科室';
COMMENT ON COLUMN escalation.duty.period IS 'Days the duty is held: [first day, first day no longer held); open end = still held. 任职期间';
COMMENT ON COLUMN escalation.duty.note IS 'What the duty covers, in the department''s words. 分工说明';
COMMENT ON COLUMN escalation.duty.region IS 'Region of the department (kept by trigger, for row-level security). 所属区划';
COMMENT ON COLUMN escalation.duty.created_at IS 'When the duty was entered. 录入时间';
COMMENT ON COLUMN escalation.duty.created_by IS 'Role that entered it. 录入人';
SELECT pg_catalog.pg_extension_config_dump('escalation.duty', '');
SELECT pg_catalog.pg_extension_config_dump('escalation.duty_id_seq', '');
SELECT escalation.follow_department_region('escalation.duty');

-- Trigger: the person and office belong to the department; one holder of a
-- single-holder post at a time; at most two liaisons at any day.
CREATE FUNCTION escalation_internal.duty_check() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, escalation, pg_temp AS
$$
DECLARE
	p escalation.person;
	o escalation.office;
	clash record;
BEGIN
	SELECT * INTO p FROM escalation.person WHERE id = NEW.person_id;
	IF FOUND AND p.department_id <> NEW.department_id THEN
		RAISE EXCEPTION 'person % ("%") belongs to department %, not to department %',
				p.id, p.name, p.department_id, NEW.department_id
			USING ERRCODE = 'foreign_key_violation', CONSTRAINT = 'duty_person_of_department',
				  DETAIL = 'A duty is held by a person of the department it is held in.',
				  HINT = 'Enter the person in that department first.';
	END IF;
	IF NEW.office_id IS NOT NULL THEN
		SELECT * INTO o FROM escalation.office WHERE id = NEW.office_id;
		IF FOUND AND o.department_id <> NEW.department_id THEN
			RAISE EXCEPTION 'office % ("%") belongs to department %, not to department %',
					o.id, o.name, o.department_id, NEW.department_id
				USING ERRCODE = 'foreign_key_violation', CONSTRAINT = 'duty_office_of_department';
		END IF;
		IF FOUND AND NEW.role = 'lead_office' AND NOT o.is_lead THEN
			RAISE EXCEPTION 'office % ("%") is not the lead office of department %', o.id, o.name, o.department_id
				USING ERRCODE = 'check_violation',
					  DETAIL = 'A lead-office duty (牵头处科室责任) is tied to the department''s lead office.',
					  HINT = 'Use role other_office, or mark the office as lead first.';
		END IF;
	END IF;
	IF isempty(NEW.period) OR lower_inf(NEW.period) THEN
		RETURN NEW;
	END IF;

	-- Serialise duty changes per department so the checks below see every
	-- committed competitor (read committed; the exclusion constraints back the
	-- single-holder posts under any isolation level).
	PERFORM pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtextextended('escalation.duty', NEW.department_id));

	IF NEW.role IN ('first_responsible', 'responsible_in_charge') THEN
		SELECT d.id, d.period, q.name INTO clash
		FROM escalation.duty d JOIN escalation.person q ON q.id = d.person_id
		WHERE d.department_id = NEW.department_id AND d.role = NEW.role AND d.period && NEW.period
			AND d.id IS DISTINCT FROM NEW.id
		ORDER BY lower(d.period) LIMIT 1;
		IF FOUND THEN
			RAISE EXCEPTION 'department % already has a % (duty %, "%", %) overlapping %',
					NEW.department_id, escalation.duty_role_label(NEW.role), clash.id, clash.name, clash.period, NEW.period
				USING ERRCODE = 'exclusion_violation',
					  CONSTRAINT = CASE NEW.role WHEN 'first_responsible' THEN 'duty_one_first_responsible'
												 ELSE 'duty_one_responsible_in_charge' END,
					  DETAIL = 'The post has one holder at a time.',
					  HINT = 'End the current holder''s duty first, or use escalation.hand_over_duty().';
		END IF;
	END IF;

	SELECT d.id, d.period INTO clash
	FROM escalation.duty d
	WHERE d.department_id = NEW.department_id AND d.person_id = NEW.person_id AND d.role = NEW.role
		AND d.office_id IS NOT DISTINCT FROM NEW.office_id AND d.period && NEW.period
		AND d.id IS DISTINCT FROM NEW.id
	LIMIT 1;
	IF FOUND THEN
		RAISE EXCEPTION 'person % already holds this % duty in department % (duty %, %) overlapping %',
				NEW.person_id, escalation.duty_role_label(NEW.role), NEW.department_id, clash.id, clash.period, NEW.period
			USING ERRCODE = 'exclusion_violation';
	END IF;

	IF NEW.role = 'liaison' THEN
		-- Intervals that overlap pairwise share a day, so three liaisons on one
		-- day exist exactly when two existing ones overlap each other and the new one.
		SELECT a.id AS a_id, b.id AS b_id, pa.name AS a_name, pb.name AS b_name INTO clash
		FROM escalation.duty a
		JOIN escalation.duty b ON b.department_id = a.department_id AND b.role = 'liaison' AND b.id > a.id
			AND b.period && a.period
		JOIN escalation.person pa ON pa.id = a.person_id
		JOIN escalation.person pb ON pb.id = b.person_id
		WHERE a.department_id = NEW.department_id AND a.role = 'liaison'
			AND a.period && NEW.period AND b.period && NEW.period
			AND a.id IS DISTINCT FROM NEW.id AND b.id IS DISTINCT FROM NEW.id
		LIMIT 1;
		IF FOUND THEN
			RAISE EXCEPTION 'department % would have three liaisons: "%" (duty %) and "%" (duty %) already serve during %',
					NEW.department_id, clash.a_name, clash.a_id, clash.b_name, clash.b_id, NEW.period
				USING ERRCODE = 'check_violation',
					  DETAIL = 'Each department names one or two liaisons (联络员, §21).',
					  HINT = 'End one liaison''s duty before the new one starts.';
		END IF;
	END IF;
	RETURN NEW;
END
$$;
COMMENT ON FUNCTION escalation_internal.duty_check() IS
	'Trigger: a duty''s person and office belong to its department, single-holder posts do not overlap, at most two liaisons at a time. 责任分工校验';
CREATE TRIGGER duty_check BEFORE INSERT OR UPDATE ON escalation.duty
	FOR EACH ROW EXECUTE FUNCTION escalation_internal.duty_check();

-- Hand a duty over to another person of the department on a given day.
CREATE FUNCTION escalation.hand_over_duty(duty_id bigint, new_person_id bigint, on_day date DEFAULT current_date)
RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, escalation, pg_temp AS
$$
DECLARE
	old escalation.duty;
	new_id bigint;
BEGIN
	SELECT * INTO old FROM escalation.duty WHERE id = duty_id FOR UPDATE;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'duty % does not exist', duty_id USING ERRCODE = 'no_data_found';
	END IF;
	IF on_day IS NULL OR NOT (old.period @> on_day) OR on_day = lower(old.period) THEN
		RAISE EXCEPTION 'duty % (%) cannot be handed over on %', duty_id, old.period, coalesce(on_day::text, 'NULL')
			USING ERRCODE = 'invalid_parameter_value',
				  DETAIL = 'The hand-over day must fall after the first day of the duty and within its period.';
	END IF;
	UPDATE escalation.duty SET period = daterange(lower(old.period), on_day) WHERE id = duty_id;
	INSERT INTO escalation.duty (department_id, person_id, role, office_id, period, note)
	VALUES (old.department_id, new_person_id, old.role, old.office_id, daterange(on_day, upper(old.period)), old.note)
	RETURNING id INTO new_id;
	RETURN new_id;
END
$$;
COMMENT ON FUNCTION escalation.hand_over_duty(bigint, bigint, date) IS
	'Ends a duty the day before on_day and gives it to another person of the department from on_day; returns the new duty id. 责任人交接';

------------------------------------------------------------------------------
-- Supervision assignments (监管责任): unit → department, office, supervisor
------------------------------------------------------------------------------

CREATE TABLE escalation.supervision_assignment (
	id bigint GENERATED ALWAYS AS IDENTITY,
	unit_id bigint NOT NULL,
	department_id bigint NOT NULL,
	office_id bigint,
	supervisor_id bigint,
	supervision_type escalation.supervision_type NOT NULL,
	level escalation.level NOT NULL,
	period daterange NOT NULL DEFAULT daterange(current_date, NULL),
	note text,
	region escalation.region NOT NULL,
	department_region escalation.region NOT NULL,
	created_at timestamptz NOT NULL DEFAULT statement_timestamp(),
	created_by name NOT NULL DEFAULT CURRENT_USER,
	CONSTRAINT supervision_assignment_pkey PRIMARY KEY (id),
	CONSTRAINT supervision_assignment_unit_fkey FOREIGN KEY (unit_id) REFERENCES escalation.unit (id),
	CONSTRAINT supervision_assignment_department_fkey FOREIGN KEY (department_id) REFERENCES escalation.department (id),
	CONSTRAINT supervision_assignment_office_of_department FOREIGN KEY (office_id, department_id)
		REFERENCES escalation.office (id, department_id),
	CONSTRAINT supervision_assignment_supervisor_of_department FOREIGN KEY (supervisor_id, department_id)
		REFERENCES escalation.person (id, department_id),
	CONSTRAINT supervision_assignment_period_has_start CHECK (NOT isempty(period) AND NOT lower_inf(period)),
	CONSTRAINT supervision_assignment_one_per_department EXCLUDE USING gist
		(int8range(unit_id, unit_id, '[]') WITH &&, int8range(department_id, department_id, '[]') WITH &&, period WITH &&)
);
CREATE INDEX supervision_assignment_unit_idx ON escalation.supervision_assignment (unit_id);
CREATE INDEX supervision_assignment_department_idx ON escalation.supervision_assignment (department_id);
CREATE INDEX supervision_assignment_supervisor_idx ON escalation.supervision_assignment (supervisor_id);
CREATE INDEX supervision_assignment_region_idx ON escalation.supervision_assignment (region);
COMMENT ON TABLE escalation.supervision_assignment IS
	'Who answers for a unit (§7): the department, its office and the named supervisor, under a supervision type and level, over a period; a unit usually has several (industry and territorial). 监管责任落实';
COMMENT ON COLUMN escalation.supervision_assignment.id IS 'Assignment id (generated). 监管责任编号';
COMMENT ON COLUMN escalation.supervision_assignment.unit_id IS 'The supervised unit. 监管对象';
COMMENT ON COLUMN escalation.supervision_assignment.department_id IS 'Responsible department; one current assignment per unit and department. 监管部门';
COMMENT ON COLUMN escalation.supervision_assignment.office_id IS 'Responsible office of that department. 监管处科室';
COMMENT ON COLUMN escalation.supervision_assignment.supervisor_id IS 'Named supervisor, a person of that department. 监管人员';
COMMENT ON COLUMN escalation.supervision_assignment.supervision_type IS 'Industry supervision, industry authority, special supervision, territorial or other. 监管类型';
COMMENT ON COLUMN escalation.supervision_assignment.level IS 'Level of the supervision: the department''s level (filled from it when omitted). 监管层级';
COMMENT ON COLUMN escalation.supervision_assignment.period IS 'Days the assignment holds: [first day, first day no longer); open end = current. 责任期间';
COMMENT ON COLUMN escalation.supervision_assignment.note IS 'Scope or basis of the assignment. 说明';
COMMENT ON COLUMN escalation.supervision_assignment.region IS 'Region of the unit (kept by trigger, for row-level security). 所属区划';
COMMENT ON COLUMN escalation.supervision_assignment.department_region IS 'Region of the department (kept by trigger), so that the unit''s district sees a supervision by a department outside it. 监管部门所属区划';
COMMENT ON COLUMN escalation.supervision_assignment.created_at IS 'When the assignment was entered. 录入时间';
COMMENT ON COLUMN escalation.supervision_assignment.created_by IS 'Role that entered it. 录入人';
SELECT pg_catalog.pg_extension_config_dump('escalation.supervision_assignment', '');
SELECT pg_catalog.pg_extension_config_dump('escalation.supervision_assignment_id_seq', '');
SELECT escalation.follow_unit_region('escalation.supervision_assignment');

-- Trigger: office and supervisor belong to the department; level is the department's.
CREATE FUNCTION escalation_internal.supervision_assignment_check() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, escalation, pg_temp AS
$$
DECLARE
	dept escalation.department;
	o escalation.office;
	p escalation.person;
BEGIN
	SELECT * INTO dept FROM escalation.department WHERE id = NEW.department_id;
	IF NOT FOUND THEN
		RETURN NEW;
	END IF;
	NEW.department_region := dept.region;
	IF NEW.level IS NULL THEN
		NEW.level := dept.level;
	ELSIF NEW.level <> dept.level THEN
		RAISE EXCEPTION 'supervision level % does not match level % of department % ("%")',
				NEW.level, dept.level, dept.id, dept.name
			USING ERRCODE = 'check_violation',
				  DETAIL = 'A department supervises at its own level.',
				  HINT = 'Omit level to take the department''s.';
	END IF;
	-- An office or person the caller may not see is left to the foreign key,
	-- whose error is the same as for one that does not exist.
	IF NEW.office_id IS NOT NULL THEN
		SELECT * INTO o FROM escalation.office WHERE id = NEW.office_id AND escalation.caller_sees_region(region);
		IF FOUND AND o.department_id <> NEW.department_id THEN
			RAISE EXCEPTION 'office % ("%") belongs to department %, not to department % ("%")',
					o.id, o.name, o.department_id, dept.id, dept.name
				USING ERRCODE = 'foreign_key_violation', CONSTRAINT = 'supervision_assignment_office_of_department',
					  DETAIL = 'The responsible office is an office of the responsible department.';
		END IF;
	END IF;
	IF NEW.supervisor_id IS NOT NULL THEN
		SELECT * INTO p FROM escalation.person WHERE id = NEW.supervisor_id AND escalation.caller_sees_region(region);
		IF FOUND AND p.department_id <> NEW.department_id THEN
			RAISE EXCEPTION 'supervisor % ("%") belongs to department %, not to department % ("%")',
					p.id, p.name, p.department_id, dept.id, dept.name
				USING ERRCODE = 'foreign_key_violation', CONSTRAINT = 'supervision_assignment_supervisor_of_department',
					  DETAIL = 'The named supervisor is a person of the responsible department.';
		END IF;
	END IF;
	RETURN NEW;
END
$$;
COMMENT ON FUNCTION escalation_internal.supervision_assignment_check() IS
	'Trigger: a supervision''s office and supervisor belong to its department, and its level is the department''s. 监管责任校验';
CREATE TRIGGER supervision_assignment_check BEFORE INSERT OR UPDATE ON escalation.supervision_assignment
	FOR EACH ROW EXECUTE FUNCTION escalation_internal.supervision_assignment_check();

------------------------------------------------------------------------------
-- Labels (中文标签)
------------------------------------------------------------------------------

CREATE FUNCTION escalation.department_kind_label(kind escalation.department_kind) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN CASE kind
	WHEN 'party_committee' THEN '党委'
	WHEN 'government' THEN '人民政府'
	WHEN 'zone_committee' THEN '功能区管委会'
	WHEN 'safety_committee_office' THEN '安委会办公室'
	WHEN 'functional_department' THEN '职能部门'
	WHEN 'street_office' THEN '街道办事处/镇人民政府'
	WHEN 'other' THEN '其他单位'
END;
COMMENT ON FUNCTION escalation.department_kind_label(escalation.department_kind) IS
	'Chinese label of a department kind. 部门类别名称';

CREATE FUNCTION escalation.duty_role_label(role escalation.duty_role) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN CASE role
	WHEN 'first_responsible' THEN '第一责任人'
	WHEN 'responsible_in_charge' THEN '分管责任人'
	WHEN 'other_in_charge' THEN '其他分管责任人'
	WHEN 'lead_office' THEN '牵头处科室责任人'
	WHEN 'other_office' THEN '分工处科室责任人'
	WHEN 'liaison' THEN '联络员'
END;
COMMENT ON FUNCTION escalation.duty_role_label(escalation.duty_role) IS
	'Chinese label of a duty role. 责任类别名称';

------------------------------------------------------------------------------
-- Who answers for a unit (监管责任查询)
------------------------------------------------------------------------------

-- The name of a department, whichever region it belongs to.
CREATE FUNCTION escalation.department_label(department_id bigint) RETURNS text
LANGUAGE sql STABLE STRICT SECURITY DEFINER PARALLEL SAFE SET search_path = pg_catalog, escalation, pg_temp
BEGIN ATOMIC
	SELECT d.name FROM escalation.department d WHERE d.id = department_label.department_id;
END;
COMMENT ON FUNCTION escalation.department_label(bigint) IS
	'Name of a department of any region (names of departments are public; their people are not), for views that show a campaign''s organiser or a clue''s departments across districts. 部门名称';

-- Does a department answer for a unit on a day: it holds a supervision assignment
-- for the unit, or a department above one that does (the superior may re-inspect
-- in its place).
CREATE FUNCTION escalation.supervises(department_id bigint, unit_id bigint, on_day date DEFAULT current_date)
RETURNS boolean
LANGUAGE sql STABLE STRICT SECURITY DEFINER PARALLEL SAFE SET search_path = pg_catalog, escalation, pg_temp
BEGIN ATOMIC
	WITH RECURSIVE answerable (id, depth) AS (
		SELECT a.department_id, 0
		FROM escalation.supervision_assignment a
		WHERE a.unit_id = supervises.unit_id AND a.period @> supervises.on_day
		UNION
		SELECT d.parent_id, up.depth + 1
		FROM answerable up
		JOIN escalation.department d ON d.id = up.id
		WHERE d.parent_id IS NOT NULL AND up.depth < 32
	)
	SELECT EXISTS (SELECT 1 FROM answerable WHERE id = supervises.department_id)
		AND EXISTS (SELECT 1 FROM escalation.unit u
					WHERE u.id = supervises.unit_id AND escalation.caller_sees_region(u.region));
END;
COMMENT ON FUNCTION escalation.supervises(bigint, bigint, date) IS
	'True when the department holds a supervision assignment for the unit on the day (监管责任), or is above such a department in the department tree (上级部门); false for a unit outside the caller''s region. 是否负有监管责任';

------------------------------------------------------------------------------
-- Row-level security and privileges
------------------------------------------------------------------------------

SELECT escalation.enable_region_security(t)
FROM unnest(ARRAY['escalation.department', 'escalation.office', 'escalation.person', 'escalation.duty',
				  'escalation.supervision_assignment']::regclass[]) AS t;

-- History of duties and supervision is kept by ending periods; only the city
-- office deletes.
GRANT SELECT, INSERT, UPDATE, DELETE ON escalation.department, escalation.office, escalation.person,
	escalation.duty, escalation.supervision_assignment TO escalation_admin;
GRANT SELECT, INSERT, UPDATE ON escalation.department, escalation.office, escalation.person,
	escalation.duty, escalation.supervision_assignment TO escalation_user;
GRANT SELECT ON escalation.department, escalation.office, escalation.duty, escalation.supervision_assignment
	TO escalation_analyst;
GRANT SELECT (id, department_id, name, title, region) ON escalation.person TO escalation_analyst;
SELECT escalation_internal.grant_column_writes(t, '{escalation_admin,escalation_user}')
FROM unnest(ARRAY['escalation.department', 'escalation.office', 'escalation.person', 'escalation.duty',
				  'escalation.supervision_assignment']::regclass[]) AS t;
GRANT SELECT ON escalation.department_region_follower TO escalation_admin;

REVOKE ALL ON FUNCTION
	escalation_internal.department_check_tree(),
	escalation_internal.set_region_from_department(), escalation.follow_department_region(regclass, name),
	escalation_internal.propagate_department_region(), escalation_internal.office_check_lead(), escalation_internal.duty_check(),
	escalation.hand_over_duty(bigint, bigint, date), escalation_internal.supervision_assignment_check(),
	escalation.department_kind_label(escalation.department_kind), escalation.duty_role_label(escalation.duty_role),
	escalation.department_label(bigint), escalation.supervises(bigint, bigint, date)
FROM PUBLIC;
GRANT EXECUTE ON FUNCTION
	escalation.department_kind_label(escalation.department_kind), escalation.duty_role_label(escalation.duty_role)
TO escalation_admin, escalation_user, escalation_analyst, escalation_screen;
GRANT EXECUTE ON FUNCTION escalation.supervises(bigint, bigint, date), escalation.department_label(bigint)
TO escalation_admin, escalation_user, escalation_analyst;
GRANT EXECUTE ON FUNCTION escalation.hand_over_duty(bigint, bigint, date) TO escalation_admin, escalation_user;
GRANT EXECUTE ON FUNCTION escalation.follow_department_region(regclass, name) TO escalation_admin;
