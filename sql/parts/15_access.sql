-- The access model of the platform (访问控制): the login-role-to-region map, the
-- role a session acts as and its region, the row-level-security pattern every
-- regional table follows, and the same rule for SECURITY DEFINER functions that
-- reach across districts on purpose.

------------------------------------------------------------------------------
-- Who is calling, and which region they may see (用户辖区)
------------------------------------------------------------------------------

CREATE TABLE escalation.user_region (
	role_name name NOT NULL,
	region escalation.region NOT NULL,
	note text,
	created_at timestamptz NOT NULL DEFAULT statement_timestamp(),
	CONSTRAINT user_region_pkey PRIMARY KEY (role_name),
	CONSTRAINT user_region_region_has_level CHECK (escalation.region_level(region) IS NOT NULL)
);
COMMENT ON TABLE escalation.user_region IS
	'Maps a database login role to the region it works for (city, district or street); row-level security shows such a role only the rows within that region. 用户辖区';
COMMENT ON COLUMN escalation.user_region.role_name IS 'Login role (a member of escalation_user, or a screen role). 数据库登录角色';
COMMENT ON COLUMN escalation.user_region.region IS 'City, district or street code the role may see and change. 辖区';
COMMENT ON COLUMN escalation.user_region.note IS 'Who the role belongs to, e.g. the office or the official. 备注';
COMMENT ON COLUMN escalation.user_region.created_at IS 'When the mapping was entered. 创建时间';
SELECT pg_catalog.pg_extension_config_dump('escalation.user_region', '');

-- Trigger: a mapping must name a role that exists.
CREATE FUNCTION escalation_internal.user_region_check_role() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, escalation, pg_temp AS
$$
BEGIN
	IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = NEW.role_name) THEN
		RAISE EXCEPTION 'role "%" does not exist', NEW.role_name
			USING ERRCODE = 'undefined_object',
				  DETAIL = 'escalation.user_region.role_name must name an existing database role.',
				  HINT = 'Create the login role first, e.g. CREATE ROLE name LOGIN IN ROLE escalation_user.';
	END IF;
	RETURN NEW;
END
$$;
COMMENT ON FUNCTION escalation_internal.user_region_check_role() IS
	'Trigger: rejects a region mapping for a role that does not exist. 校验登录角色';
CREATE TRIGGER user_region_check_role BEFORE INSERT OR UPDATE OF role_name ON escalation.user_region
	FOR EACH ROW EXECUTE FUNCTION escalation_internal.user_region_check_role();

-- The role the session acts as: SECURITY DEFINER replaces current_user with the
-- function's owner, but neither the login role nor SET ROLE's setting changes.
CREATE FUNCTION escalation.acting_role() RETURNS name
LANGUAGE sql STABLE PARALLEL RESTRICTED
RETURN coalesce(nullif(pg_catalog.current_setting('role'), 'none'), SESSION_USER)::name;
COMMENT ON FUNCTION escalation.acting_role() IS
	'The role the session acts as (its SET ROLE, else its login role), also inside SECURITY DEFINER functions. 当前操作角色';

-- The calling role's region; NULL for a role that is not mapped.
CREATE FUNCTION escalation.current_region() RETURNS escalation.region
LANGUAGE sql STABLE SECURITY DEFINER PARALLEL RESTRICTED SET search_path = pg_catalog, escalation, pg_temp
BEGIN ATOMIC
	SELECT ur.region FROM escalation.user_region ur WHERE ur.role_name = escalation.acting_role();
END;
COMMENT ON FUNCTION escalation.current_region() IS
	'Region of the calling login role from escalation.user_region, NULL when the role is not mapped; row-level-security policies compare rows with it. 当前用户辖区';

------------------------------------------------------------------------------
-- The row-level-security pattern (行级安全)
------------------------------------------------------------------------------

-- Turn on row-level security for a regional table and write its policies.
CREATE FUNCTION escalation.enable_region_security(tbl regclass) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, escalation, pg_temp AS
$$
DECLARE
	col pg_catalog.pg_attribute;
BEGIN
	SELECT * INTO col FROM pg_catalog.pg_attribute a
	WHERE a.attrelid = tbl AND a.attname = 'region' AND NOT a.attisdropped;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'table % has no column "region"', tbl
			USING ERRCODE = 'undefined_column',
				  HINT = 'Add a column "region escalation.region NOT NULL" and a btree index on it.';
	END IF;
	IF col.atttypid <> 'escalation.region'::regtype THEN
		RAISE EXCEPTION 'column "region" of table % has type %, not escalation.region', tbl, col.atttypid::regtype
			USING ERRCODE = 'datatype_mismatch';
	END IF;
	IF NOT col.attnotnull THEN
		RAISE EXCEPTION 'column "region" of table % must be NOT NULL', tbl
			USING ERRCODE = 'invalid_table_definition',
				  DETAIL = 'A row without a region would be visible to nobody but the city office.';
	END IF;
	IF NOT EXISTS (
		SELECT 1 FROM pg_catalog.pg_index i
		JOIN pg_catalog.pg_class ic ON ic.oid = i.indexrelid
		JOIN pg_catalog.pg_am am ON am.oid = ic.relam
		WHERE i.indrelid = tbl AND i.indkey[0] = col.attnum AND am.amname = 'btree' AND i.indpred IS NULL)
	THEN
		RAISE EXCEPTION 'table % has no btree index on "region"', tbl
			USING ERRCODE = 'invalid_table_definition',
				  DETAIL = 'The district policy must be answered by an index range, not a scan of the whole table.',
				  HINT = format('CREATE INDEX ON %s (region);', tbl);
	END IF;

	EXECUTE format('ALTER TABLE %s ENABLE ROW LEVEL SECURITY', tbl);
	EXECUTE format('DROP POLICY IF EXISTS region_admin ON %s', tbl);
	EXECUTE format('DROP POLICY IF EXISTS region_analyst ON %s', tbl);
	EXECUTE format('DROP POLICY IF EXISTS region_user ON %s', tbl);
	EXECUTE format('CREATE POLICY region_admin ON %s TO escalation_admin USING (true) WITH CHECK (true)', tbl);
	EXECUTE format('CREATE POLICY region_analyst ON %s FOR SELECT TO escalation_analyst USING (true)', tbl);
	-- The sub-select makes the region an init-plan: looked up once per
	-- statement, and the planner support of <@ turns it into an index range.
	EXECUTE format('CREATE POLICY region_user ON %s TO escalation_user '
				   'USING (region OPERATOR(escalation.<@) (SELECT escalation.current_region())) '
				   'WITH CHECK (region OPERATOR(escalation.<@) (SELECT escalation.current_region()))', tbl);
END
$$;
COMMENT ON FUNCTION escalation.enable_region_security(regclass) IS
	'Turns on row-level security for a table with a region column and writes the platform''s policies: escalation_admin everything, escalation_analyst reads everything, escalation_user reads and writes rows within its mapped region. 启用辖区行级安全';

-- Whether the calling role may read (or, writing, change) rows of a region: what
-- the row-level-security policies allow, for SECURITY DEFINER functions that
-- reach across districts on purpose. Triggers call it for every row they check,
-- so it is C (src/access.c): a SQL function here cost 40-90 µs a call.
CREATE FUNCTION escalation.caller_sees_region(region escalation.region, writing boolean DEFAULT false) RETURNS boolean
AS 'MODULE_PATHNAME', 'escalation_caller_sees_region'
LANGUAGE C STABLE PARALLEL RESTRICTED;
COMMENT ON FUNCTION escalation.caller_sees_region(escalation.region, boolean) IS
	'True when row-level security lets the calling role read rows of the region (writing: change them): superusers and escalation_admin everywhere, escalation_analyst reading everywhere, escalation_user within its mapped region. 当前用户是否可访问该区划';

------------------------------------------------------------------------------
-- Privileges
------------------------------------------------------------------------------

GRANT SELECT, INSERT, UPDATE, DELETE ON escalation.user_region TO escalation_admin;

REVOKE ALL ON FUNCTION
	escalation_internal.user_region_check_role(), escalation.acting_role(), escalation.current_region(),
	escalation.enable_region_security(regclass), escalation.caller_sees_region(escalation.region, boolean)
FROM PUBLIC;
GRANT EXECUTE ON FUNCTION escalation.acting_role(), escalation.current_region()
TO escalation_admin, escalation_user, escalation_analyst, escalation_screen;
GRANT EXECUTE ON FUNCTION escalation.caller_sees_region(escalation.region, boolean) TO escalation_admin, escalation_user, escalation_analyst;
GRANT EXECUTE ON FUNCTION escalation.enable_region_security(regclass) TO escalation_admin;
