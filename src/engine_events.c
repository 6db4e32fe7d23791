/*
 * engine_events.c
 *	  The event stream of the screens: the lock that keeps event numbers in
 *	  commit order, the NOTIFY that wakes the worker, and
 *	  escalation.acknowledge(), the one event written by people (§21).
 *
 * Every warning event (raised, resolved, acknowledged) takes its number from
 * escalation.warning_event_seq. A reader that has seen event N later asks
 * for events after N, so a number must never become visible after a larger
 * one: every writer takes the same transaction-level advisory lock before it
 * draws numbers and keeps it until commit (docs/ARCHITECTURE.md).
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "catalog/namespace.h"
#include "catalog/pg_class.h"
#include "catalog/pg_type_d.h"
#include "commands/async.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "miscadmin.h"
#include "storage/lmgr.h"
#include "utils/builtins.h"
#include "utils/fmgrprotos.h"
#include "utils/lsyscache.h"
#include "utils/syscache.h"

#include "engine.h"

/* The OID of relation name in the extension's schema; error if it is missing. */
Oid
EngineRelation(const char *name)
{
	Oid			nsp = get_namespace_oid(ENGINE_SCHEMA, false);
	Oid			relid = get_relname_relid(name, nsp);

	if (!OidIsValid(relid))
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_TABLE),
				 errmsg("relation \"%s.%s\" does not exist", ENGINE_SCHEMA, name),
				 errhint("Is the extension escalation installed in this database?")));
	return relid;
}

/*
 * Take the event stream's lock: an EXCLUSIVE lock, until the transaction ends,
 * on the table escalation_internal.event_stream. Only this code and the
 * table's owner can take a conflicting lock on it (users have no privilege
 * on the table nor on its schema), so no session of a user can hold the
 * lock and stall the engine. A database still on 0.1.0's schema, which has
 * no such table, uses 0.1.0's advisory lock until it is updated.
 */
void
EngineLockEventStream(void)
{
	Oid			nsp = get_namespace_oid(ENGINE_INTERNAL_SCHEMA, true);
	Oid			relid = OidIsValid(nsp) ? get_relname_relid(ENGINE_EVENT_LOCK, nsp) : InvalidOid;

	if (OidIsValid(relid))
		LockRelationOid(relid, ExclusiveLock);
	else
		DirectFunctionCall1(pg_advisory_xact_lock_int8,
							Int64GetDatum((int64) EngineRelation(ENGINE_EVENT_SEQUENCE)));
}

/*
 * Send one NOTIFY on the event channel for the events first..last. The
 * payload is empty: any role may LISTEN, and the range would show how many
 * events the whole city had; the worker reads the events themselves.
 */
void
EngineNotifyEvents(int64 first, int64 last)
{
	Assert(first <= last);
	Async_Notify(ENGINE_NOTIFY_CHANNEL, "");
}

PG_FUNCTION_INFO_V1(escalation_lock_event_stream);

/* escalation.lock_event_stream(): take the event stream's lock (for SQL writers). */
Datum
escalation_lock_event_stream(PG_FUNCTION_ARGS)
{
	EngineLockEventStream();
	PG_RETURN_VOID();
}

/* The owner of relation relid: the role the engine writes as. */
static Oid
RelationOwner(Oid relid)
{
	HeapTuple	tuple = SearchSysCache1(RELOID, ObjectIdGetDatum(relid));
	Oid			owner;

	if (!HeapTupleIsValid(tuple))
		elog(ERROR, "cache lookup failed for relation %u", relid);
	owner = ((Form_pg_class) GETSTRUCT(tuple))->relowner;
	ReleaseSysCache(tuple);
	return owner;
}

/* The text of column col of the first row of the last SPI result, or NULL. */
static char *
ResultText(int col)
{
	return SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, col);
}

PG_FUNCTION_INFO_V1(escalation_acknowledge);

/*
 * escalation.acknowledge(warning_id, note): record that the calling role has
 * seen and taken charge of a warning; returns the acknowledgement's event id.
 *
 * The warning is looked up as the caller, so row-level security decides which
 * warnings a district official may acknowledge; the acknowledgement itself is
 * written as the table's owner, because callers have no UPDATE privilege on
 * warnings (that would let them edit the event stream directly).
 */
Datum
escalation_acknowledge(PG_FUNCTION_ARGS)
{
	int64		warning_id;
	Datum		note;
	char	   *who;
	Oid			warning_relid;
	Oid			save_userid;
	int			save_sec_context;
	Oid			argtypes[3] = {INT8OID, TEXTOID, TEXTOID};
	Datum		values[3];
	char		nulls[3] = {' ', ' ', ' '};
	int64		event_id;
	bool		isnull;
	int			ret;

	if (PG_ARGISNULL(0))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("warning_id must not be null"),
				 errdetail("escalation.acknowledge() needs the id of the warning to acknowledge.")));
	warning_id = PG_GETARG_INT64(0);
	note = PG_ARGISNULL(1) ? (Datum) 0 : PG_GETARG_DATUM(1);
	who = GetUserNameFromId(GetUserId(), false);
	warning_relid = EngineRelation("warning");

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");

	/* Lock first: what we read below is then final until we commit. */
	EngineLockEventStream();

	values[0] = Int64GetDatum(warning_id);
	ret = SPI_execute_with_args("SELECT resolved_at, resolved_reason, acknowledged_at, acknowledged_by "
								"FROM escalation.warning WHERE id = $1",
								1, argtypes, values, NULL, false, 1);
	if (ret != SPI_OK_SELECT)
		elog(ERROR, "SPI_execute_with_args failed: %s", SPI_result_code_string(ret));
	if (SPI_processed == 0)
		ereport(ERROR,
				(errcode(ERRCODE_NO_DATA_FOUND),
				 errmsg("warning " INT64_FORMAT " does not exist", warning_id),
				 errdetail("No warning with this id is visible to role \"%s\".", who)));
	if (ResultText(1) != NULL)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("warning " INT64_FORMAT " is already resolved", warning_id),
				 errdetail("It was resolved at %s (%s); only active warnings can be acknowledged.",
						   ResultText(1), ResultText(2) ? ResultText(2) : "no reason recorded")));
	if (ResultText(3) != NULL)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("warning " INT64_FORMAT " is already acknowledged", warning_id),
				 errdetail("Role \"%s\" acknowledged it at %s.",
						   ResultText(4) ? ResultText(4) : "?", ResultText(3))));
	SPI_freetuptable(SPI_tuptable);

	values[1] = CStringGetTextDatum(who);
	values[2] = note;
	nulls[2] = PG_ARGISNULL(1) ? 'n' : ' ';

	GetUserIdAndSecContext(&save_userid, &save_sec_context);
	SetUserIdAndSecContext(RelationOwner(warning_relid),
						   save_sec_context | SECURITY_LOCAL_USERID_CHANGE);
	ret = SPI_execute_with_args("UPDATE escalation.warning "
								"SET acknowledged_at = now(), acknowledged_by = $2, ack_note = $3, "
								"    ack_seq = nextval('escalation.warning_event_seq') "
								"WHERE id = $1 AND resolved_at IS NULL AND acknowledged_at IS NULL "
								"RETURNING ack_seq",
								3, argtypes, values, nulls, false, 1);
	SetUserIdAndSecContext(save_userid, save_sec_context);
	if (ret != SPI_OK_UPDATE_RETURNING)
		elog(ERROR, "SPI_execute_with_args failed: %s", SPI_result_code_string(ret));
	if (SPI_processed != 1)
		elog(ERROR, "warning " INT64_FORMAT " changed while it was locked", warning_id);
	event_id = DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull));

	EngineNotifyEvents(event_id, event_id);
	SPI_finish();
	PG_RETURN_INT64(event_id);
}
