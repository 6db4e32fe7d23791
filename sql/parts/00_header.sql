-- escalation: database core of a city work-safety supervision platform
-- (安全生产综合监管平台). The install script is assembled from sql/parts/.

\echo Use "CREATE EXTENSION escalation" to load this file. \quit

-- Group roles of the platform. Roles belong to the cluster, not to the database,
-- so they are created only when missing and survive DROP EXTENSION.
DO $roles$
DECLARE
	r text;
BEGIN
	FOREACH r IN ARRAY ARRAY['escalation_admin', 'escalation_user', 'escalation_analyst', 'escalation_screen']
	LOOP
		IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = r) THEN
			EXECUTE format('CREATE ROLE %I NOLOGIN', r);
		END IF;
	END LOOP;
END
$roles$;

COMMENT ON SCHEMA escalation IS
	'Work-safety supervision platform: supervised objects, responsibility, hazards, dual prevention and warnings. 安全生产综合监管平台';

REVOKE ALL ON SCHEMA escalation FROM PUBLIC;
GRANT USAGE ON SCHEMA escalation TO escalation_admin, escalation_user, escalation_analyst, escalation_screen;

-- What users do not call (内部函数): trigger functions, which their triggers call
-- without a privilege check, and helpers that only SECURITY DEFINER code calls
-- (as the extension's owner). No role of the platform may use the schema.
CREATE SCHEMA escalation_internal;
COMMENT ON SCHEMA escalation_internal IS
	'Internals of the escalation extension, not for users: trigger functions, and helpers that only SECURITY DEFINER functions call; no role of the platform may use the schema. 内部函数';
