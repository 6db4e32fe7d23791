/*
 * lock_guard.c
 *	  Nobody but the extension's owner takes a table lock on the platform's
 *	  shared tables beyond the row locks that reads and writes take.
 *
 * LOCK TABLE needs only UPDATE, DELETE or TRUNCATE on a table, which district
 * users have on the tables they edit: one of them could lock escalation.unit
 * IN ACCESS EXCLUSIVE MODE and stall every reader of the city, the screens'
 * snapshots and the engine included. A ProcessUtility hook refuses an explicit
 * LOCK of a relation of the extension's schemas in a mode stronger than ROW
 * EXCLUSIVE (what INSERT, UPDATE and DELETE take anyway), unless the caller
 * owns the relation. It is in force in every session that has loaded the
 * library: preloading it (shared_preload_libraries) makes that every session.
 */
#include "postgres.h"

#include "catalog/namespace.h"
#include "catalog/pg_class.h"
#include "miscadmin.h"
#include "nodes/parsenodes.h"
#include "storage/lockdefs.h"
#include "tcop/utility.h"
#include "utils/acl.h"
#include "utils/lsyscache.h"

#include "escalation.h"

static ProcessUtility_hook_type previous_utility_hook = NULL;

/* Whether a relation lives in one of the extension's schemas. */
static bool
IsPlatformRelation(Oid relid)
{
	Oid			nsp = get_rel_namespace(relid);
	char	   *name;
	bool		result;

	if (!OidIsValid(nsp))
		return false;
	name = get_namespace_name(nsp);
	result = name != NULL &&
		(strcmp(name, "escalation") == 0 || strcmp(name, "escalation_internal") == 0);
	if (name)
		pfree(name);
	return result;
}

/* Refuse a LOCK statement that would block the platform's other users. */
static void
CheckLockStatement(LockStmt *stmt)
{
	ListCell   *lc;

	if (stmt->mode <= RowExclusiveLock)
		return;
	foreach(lc, stmt->relations)
	{
		RangeVar   *rv = lfirst_node(RangeVar, lc);
		Oid			relid = RangeVarGetRelid(rv, NoLock, true);

		if (!OidIsValid(relid) || !IsPlatformRelation(relid))
			continue;
		if (pg_class_ownercheck(relid, GetUserId()))
			continue;
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("permission denied to lock table \"%s\" in %s mode",
						get_rel_name(relid), GetLockmodeName(DEFAULT_LOCKMETHOD, stmt->mode)),
				 errdetail("The platform's tables are shared by every district: users take row locks only."),
				 errhint("Lock the rows you change with SELECT ... FOR UPDATE.")));
	}
}

/* The hook: check LOCK statements, then carry on as before. */
static void
GuardProcessUtility(PlannedStmt *pstmt, const char *queryString, bool readOnlyTree,
					ProcessUtilityContext context, ParamListInfo params,
					QueryEnvironment *queryEnv, DestReceiver *dest, QueryCompletion *qc)
{
	if (IsA(pstmt->utilityStmt, LockStmt))
		CheckLockStatement((LockStmt *) pstmt->utilityStmt);
	if (previous_utility_hook)
		previous_utility_hook(pstmt, queryString, readOnlyTree, context, params, queryEnv, dest, qc);
	else
		standard_ProcessUtility(pstmt, queryString, readOnlyTree, context, params, queryEnv, dest, qc);
}

/* Install the hook (from _PG_init). */
void
EscalationInstallLockGuard(void)
{
	previous_utility_hook = ProcessUtility_hook;
	ProcessUtility_hook = GuardProcessUtility;
}
