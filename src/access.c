/*
 * access.c
 *	  Whether the calling role may read (or change) rows of a region: the test
 *	  that SECURITY DEFINER code reaching across districts applies row by row
 *	  (escalation.caller_sees_region). Triggers call it for every row they
 *	  check, so it is C: a few cached catalog lookups and, for a district or
 *	  street user only, one index probe of escalation.user_region, instead of
 *	  a SQL function call with its own search_path and a nested one for the
 *	  caller's region.
 */
#include "postgres.h"

#include "access/genam.h"
#include "access/htup_details.h"
#include "access/stratnum.h"
#include "access/table.h"
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
static bool callbacks_registered = false;

/* Catalog invalidation: forget everything cached. */
static void
ForgetUserRegionTable(Datum arg, int cacheid, uint32 hashvalue)
{
	user_region.groups_valid = false;
	user_region.function = InvalidOid;
	user_region.valid = false;
	user_region.role = InvalidOid;
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
 * The region escalation.user_region of schema maps role to, read with the
 * query's snapshot (so a mapping entered earlier in the transaction counts);
 * false when the role is not mapped.
 */
static bool
MappedRegion(Oid role, Oid schema, int32 *region)
{
	Relation	rel;
	SysScanDesc scan;
	ScanKeyData key;
	HeapTuple	tuple;
	bool		found = false;

	FindUserRegionTable(schema);
	if (user_region.role != role)
	{
		char	   *name = GetUserNameFromId(role, true);

		if (name == NULL)
			return false;		/* dropped while the session acts as it */
		namestrcpy(&user_region.role_name, name);
		user_region.role = role;
	}
	rel = table_open(user_region.table, AccessShareLock);
	ScanKeyInit(&key, 1, BTEqualStrategyNumber, F_NAMEEQ, NameGetDatum(&user_region.role_name));
	scan = systable_beginscan(rel, user_region.index, true,
							  ActiveSnapshotSet() ? GetActiveSnapshot() : GetTransactionSnapshot(),
							  1, &key);
	tuple = systable_getnext(scan);
	if (HeapTupleIsValid(tuple))
	{
		bool		isnull;
		Datum		value = heap_getattr(tuple, user_region.region, RelationGetDescr(rel), &isnull);

		if (!isnull)
		{
			*region = DatumGetRegion(value);
			found = true;
		}
	}
	systable_endscan(scan);
	table_close(rel, AccessShareLock);
	return found;
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
