/*
 * access.c
 *	  Whether the calling role may read (or change) rows of a region: the test
 *	  that SECURITY DEFINER code reaching across districts applies row by row
 *	  (escalation.caller_sees_region). Triggers call it for every row they
 *	  check, so it is C: a few cached catalog lookups and, for a district or
 *	  street user only, one index probe of escalation.user_region, instead of
 *	  a SQL function call with its own search_path and a nested one for the
 *	  caller's region. The department check of what users write
 *	  (escalation_internal.check_departments) is here for the same reason: a
 *	  trigger calls it for every row, and its lookups are the same two probes.
 */
#include "postgres.h"

#include "access/genam.h"
#include "access/htup_details.h"
#include "access/stratnum.h"
#include "access/table.h"
#include "catalog/namespace.h"
#include "catalog/pg_type_d.h"
#include "fmgr.h"
#include "miscadmin.h"
#include "utils/acl.h"
#include "utils/builtins.h"
#include "utils/fmgroids.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"
#include "utils/inval.h"
#include "utils/snapmgr.h"
#include "utils/syscache.h"

#include "codes.h"
#include "record_integrity.h"
#include "region.h"

/*
 * The role the session acts as: SET ROLE's role, else the login role. Inside
 * SECURITY DEFINER functions the current user is the owner, but neither of
 * these changes (escalation.acting_role() in SQL).
 */
static Oid
ActingRole(void)
{
	Oid			role = GetCurrentRoleId();

	return OidIsValid(role) ? role : GetSessionUserId();
}

/* Is role a member (with the privileges) of group (InvalidOid: no such role). */
static bool
HasGroup(Oid role, Oid group)
{
	return OidIsValid(group) && has_privs_of_role(role, group);
}

/*
 * The platform's group roles, the schema of the calling function and where
 * escalation.user_region is in it; kept until pg_class, pg_proc or pg_authid
 * change (any DDL, any role change), so a call costs no catalog lookups.
 */
typedef struct UserRegionTable
{
	bool		groups_valid;
	Oid			admin;			/* escalation_admin, escalation_analyst, */
	Oid			analyst;		/* escalation_user (InvalidOid if missing) */
	Oid			user;
	Oid			function;		/* the calling function and its schema */
	Oid			function_schema;
	bool		valid;
	Oid			schema;
	Oid			table;
	Oid			index;			/* its primary key on role_name */
	AttrNumber	region;			/* attribute number of column region */
	Oid			role;			/* the last role looked up, and its name */
	NameData	role_name;
} UserRegionTable;

static UserRegionTable user_region;

/*
 * Where escalation.department is, with the same lifetime. Only where: a
 * department's region is read from the table on every call, so a department
 * moved to another region counts at once, even earlier in the same statement.
 */
typedef struct DepartmentTable
{
	bool		valid;
	Oid			schema;			/* the schema escalation */
	Oid			table;
	Oid			index;			/* its primary key on id */
	AttrNumber	id;
	AttrNumber	region;
} DepartmentTable;

static DepartmentTable department;
static bool callbacks_registered = false;

/* Catalog invalidation: forget everything cached. */
static void
ForgetUserRegionTable(Datum arg, int cacheid, uint32 hashvalue)
{
	user_region.groups_valid = false;
	user_region.function = InvalidOid;
	user_region.valid = false;
	user_region.role = InvalidOid;
	department.valid = false;
}

/* Register the invalidation callbacks, once per backend. */
static void
RegisterCallbacks(void)
{
	if (callbacks_registered)
		return;
	CacheRegisterSyscacheCallback(RELOID, ForgetUserRegionTable, (Datum) 0);
	CacheRegisterSyscacheCallback(PROCOID, ForgetUserRegionTable, (Datum) 0);
	CacheRegisterSyscacheCallback(AUTHOID, ForgetUserRegionTable, (Datum) 0);
	CacheRegisterSyscacheCallback(NAMESPACEOID, ForgetUserRegionTable, (Datum) 0);
	callbacks_registered = true;
}

/* Look the group roles up, once. */
static void
FindGroups(void)
{
	RegisterCallbacks();
	if (user_region.groups_valid)
		return;
	user_region.admin = get_role_oid("escalation_admin", true);
	user_region.analyst = get_role_oid("escalation_analyst", true);
	user_region.user = get_role_oid("escalation_user", true);
	user_region.groups_valid = true;
}

/* The schema of function fn, looked up once. */
static Oid
FunctionSchema(Oid fn)
{
	RegisterCallbacks();
	if (user_region.function != fn)
	{
		user_region.function_schema = get_func_namespace(fn);
		user_region.function = fn;
	}
	return user_region.function_schema;
}

/* Fill the cache for the user_region table of schema, once. */
static void
FindUserRegionTable(Oid schema)
{
	RegisterCallbacks();
	if (user_region.valid && user_region.schema == schema)
		return;
	user_region.table = get_relname_relid("user_region", schema);
	user_region.index = get_relname_relid("user_region_pkey", schema);
	if (!OidIsValid(user_region.table) || !OidIsValid(user_region.index))
		elog(ERROR, "escalation.user_region or its primary key is missing");
	user_region.region = get_attnum(user_region.table, "region");
	if (user_region.region == InvalidAttrNumber)
		elog(ERROR, "escalation.user_region has no column \"region\"");
	user_region.schema = schema;
	user_region.role = InvalidOid;
	user_region.valid = true;
}

/*
 * Whether table has the row its primary key index answers key with, read
 * with the query's snapshot (so a row entered or changed earlier in the
 * transaction counts); its region column (attribute region_attr) in *region,
 * or *null_region when that is NULL.
 */
static bool
ProbeRegion(Oid table, Oid index, ScanKey key, AttrNumber region_attr, int32 *region, bool *null_region)
{
	Relation	rel;
	SysScanDesc scan;
	HeapTuple	tuple;
	bool		found = false;

	rel = table_open(table, AccessShareLock);
	scan = systable_beginscan(rel, index, true,
							  ActiveSnapshotSet() ? GetActiveSnapshot() : GetTransactionSnapshot(),
							  1, key);
	tuple = systable_getnext(scan);
	if (HeapTupleIsValid(tuple))
	{
		Datum		value = heap_getattr(tuple, region_attr, RelationGetDescr(rel), null_region);

		if (!*null_region)
			*region = DatumGetRegion(value);
		found = true;
	}
	systable_endscan(scan);
	table_close(rel, AccessShareLock);
	return found;
}

/*
 * The region escalation.user_region of schema maps role to, read with the
 * query's snapshot (so a mapping entered earlier in the transaction counts);
 * false when the role is not mapped.
 */
static bool
MappedRegion(Oid role, Oid schema, int32 *region)
{
	ScanKeyData key;
	bool		null_region;

	FindUserRegionTable(schema);
	if (user_region.role != role)
	{
		char	   *name = GetUserNameFromId(role, true);

		if (name == NULL)
			return false;		/* dropped while the session acts as it */
		namestrcpy(&user_region.role_name, name);
		user_region.role = role;
	}
	ScanKeyInit(&key, 1, BTEqualStrategyNumber, F_NAMEEQ, NameGetDatum(&user_region.role_name));
	return ProbeRegion(user_region.table, user_region.index, &key, user_region.region, region, &null_region)
		&& !null_region;
}

PG_FUNCTION_INFO_V1(escalation_caller_sees_region);
/*
 * escalation.caller_sees_region(region, writing): superusers and escalation_admin see
 * everything, escalation_analyst reads everything, escalation_user reads and
 * writes within its mapped region; anyone else nothing. A NULL region is seen
 * only by those who see everything; a NULL writing counts as writing.
 */
Datum
escalation_caller_sees_region(PG_FUNCTION_ARGS)
{
	Oid			role = ActingRole();
	bool		writing = PG_ARGISNULL(1) || PG_GETARG_BOOL(1);
	int32		mapped;

	FindGroups();
	if (superuser_arg(role) || HasGroup(role, user_region.admin))
		PG_RETURN_BOOL(true);
	if (!writing && HasGroup(role, user_region.analyst))
		PG_RETURN_BOOL(true);
	if (PG_ARGISNULL(0) || !HasGroup(role, user_region.user))
		PG_RETURN_BOOL(false);
	if (!MappedRegion(role, FunctionSchema(fcinfo->flinfo->fn_oid), &mapped))
		PG_RETURN_BOOL(false);
	PG_RETURN_BOOL(RegionKeyContains(mapped, PG_GETARG_REGION(0)));
}

/* Fill the cache for escalation.department, once. */
static void
FindDepartmentTable(void)
{
	RegisterCallbacks();
	if (department.valid)
		return;
	department.schema = get_namespace_oid("escalation", false);
	department.table = get_relname_relid("department", department.schema);
	department.index = get_relname_relid("department_pkey", department.schema);
	if (!OidIsValid(department.table) || !OidIsValid(department.index))
		elog(ERROR, "escalation.department or its primary key is missing");
	department.id = get_attnum(department.table, "id");
	department.region = get_attnum(department.table, "region");
	if (department.id == InvalidAttrNumber || department.region == InvalidAttrNumber)
		elog(ERROR, "escalation.department has no column \"id\" or \"region\"");
	department.valid = true;
}

/*
 * Is the department with subscript i among ids' elements with subscripts 1
 * to i - 1 (ids[1:i - 1]), so already checked.
 */
static bool
SeenBefore(const ArrayArgument *ids, int i, int64 id)
{
	Datum		earlier;

	for (int j = 1; j < i; j++)
		if (ArrayElement(ids, j, &earlier) && DatumGetInt64(earlier) == id)
			return true;
	return false;
}

/*
 * Raise the error of check_departments for department id, subscript i of
 * ids; caller_region NULL when the acting role is not mapped.
 */
static void
ReportOutsideRegion(FunctionCallInfo fcinfo, int i, int64 id, const int32 *caller_region)
{
	char		caller_text[REGION_TEXT_SIZE];

	if (caller_region != NULL)
		RegionKeyFormat(*caller_region, caller_text);
	ereport(ERROR,
			(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
			 errmsg("department " INT64_FORMAT " is outside your region %s",
					id, caller_region != NULL ? caller_text : "(none)"),
			 errdetail("%s names the department that acts; a role acts in the name of departments of its own region only.",
					   ArrayElementName(fcinfo, 2, i, "")),
			 errhint("Each region records the work of its own departments; the city office records work of any department.")));
}

PG_FUNCTION_INFO_V1(escalation_check_departments);
/*
 * escalation_internal.check_departments(ids, was, names): raise
 * insufficient_privilege naming the first department of ids whose value is
 * new (differs from was at the same subscript) that lies outside the acting
 * role's region. Superusers and escalation_admin act for any department; a
 * department that does not exist is the foreign key's to report.
 */
Datum
escalation_check_departments(PG_FUNCTION_ARGS)
{
	Oid			role = ActingRole();
	ArrayArgument ids;
	ArrayArgument was;
	bool		looked_up = false;
	bool		mapped = false;
	int32		caller_region = 0;

	FindGroups();
	/* Whatever the departments are, these are never refused. */
	if (superuser_arg(role) || HasGroup(role, user_region.admin))
		PG_RETURN_VOID();
	GetArrayArgument(fcinfo, 0, INT8_ELEMENTS(INT8OID), &ids);
	if (ids.count == 0)
		PG_RETURN_VOID();
	GetArrayArgument(fcinfo, 1, INT8_ELEMENTS(INT8OID), &was);
	for (int i = 1; i <= ids.length; i++)
	{
		Datum		value;
		Datum		old;
		int64		id;
		ScanKeyData key;
		int32		dept_region = 0;
		bool		null_region;

		if (!ArrayElement(&ids, i, &value))
			continue;
		id = DatumGetInt64(value);
		if ((ArrayElement(&was, i, &old) && DatumGetInt64(old) == id) || SeenBefore(&ids, i, id))
			continue;
		if (!looked_up)
		{
			FindDepartmentTable();
			mapped = MappedRegion(role, department.schema, &caller_region);
			looked_up = true;
		}
		ScanKeyInit(&key, department.id, BTEqualStrategyNumber, F_INT8EQ, Int64GetDatum(id));
		if (!ProbeRegion(department.table, department.index, &key, department.region, &dept_region, &null_region))
			continue;
		if (mapped && !null_region && RegionKeyContains(caller_region, dept_region))
			continue;
		ReportOutsideRegion(fcinfo, i, id, mapped ? &caller_region : NULL);
	}
	PG_RETURN_VOID();
}
