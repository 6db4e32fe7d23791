/*
 * engine.c
 *	  escalation.run(as_of): the warning engine (预警管理, §14–19). Raises every
 *	  ladder stage that fell due at or before as_of, resolves the warnings of
 *	  handled items, announces the new events, and logs the run.
 *
 * The work list is kept by triggers on the source tables in two tables:
 * escalation.tracked_item, one row per open item, whose next_due_at says when
 * a run must deal with the item itself (it was handled or withdrawn, or its
 * start moved), and escalation.stage_due, one row per stage of an item's
 * current episode that is still to fall due. A run reads only what is due by
 * as_of, through the indexes on those two times, so its cost grows with the
 * due work and not with the number of open items:
 *
 *	1. items with something of their own due: their waiting stages are raised
 *	   first, then they are resolved, moved on to their next idle episode
 *	   (dual prevention) or finished;
 *	2. the stages due of every other item: each is raised and its row
 *	   deleted. Raising a stage writes the warning and deletes one row; the
 *	   item's own row is not written, which is what makes a long catch-up
 *	   cheap.
 *
 * A stage k of an item fires when its due time start + delay_1 + ... + delay_k
 * is at or before as_of and the item was not handled at or before that due
 * time (ladder.c). Because the decision depends only on the item's data and
 * as_of, one run after a ten-day outage raises the same warnings as a run
 * every minute.
 *
 * This file is the run's orchestration; what a run decides for each item is
 * engine_items.c, the SQL it runs engine_sql.c, how it writes rows
 * engine_store.c (docs/ENGINE-INTERNALS.md).
 */
#include "postgres.h"

#include "access/xact.h"
#include "access/xlog.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/memutils.h"
#include "utils/timestamp.h"

#include "escalation.h"
#include "engine.h"
#include "engine_items.h"
#include "engine_sql.h"

/*
 * Items with something of their own due are read by one query per this many:
 * a locking query's executor keeps a little memory for every row it returns
 * until it ends, so one query over all of them would grow with the backlog.
 */
#define EVENT_CHUNK			8000

/*
 * The work of one run, inside its own subtransaction. With probe, stages
 * already raised are looked for and skipped instead of trusted to be absent.
 */
static void
RunEngine(EngineRun *run, bool probe)
{
	run->probe = probe;
	run->items = run->raised = run->resolved = 0;
	run->first_event = run->last_event = 0;

	/* Serialise with other runs and acknowledgements before reading anything. */
	EngineLockEventStream();
	run->raised_at = GetCurrentTimestamp();
	EngineOpenWriters(run);
	EngineLoadLadders(run);

	while (EngineForEachDue(engine_cache->event_plan, run->as_of, EVENT_CHUNK,
							EngineProcessItem, EngineFlush, run) == EVENT_CHUNK)
		;
	EngineForEachDue(engine_cache->stage_plan, run->as_of, 0, EngineProcessStage, EngineFlush, run);
	EngineCloseWriters(run);
	EnginePruneRunLog();

	if (run->raised + run->resolved > 0)
		EngineNotifyEvents(run->first_event, run->last_event);
}

/*
 * Refuse a run on a standby or in a read-only transaction before any work, so
 * the caller (a pg_cron job after a failover, an operator) reads why, instead
 * of a failed run whose run-log row cannot be written either.
 */
static void
CheckWritable(void)
{
	if (RecoveryInProgress())
		ereport(ERROR,
				(errcode(ERRCODE_READ_ONLY_SQL_TRANSACTION),
				 errmsg("escalation.run() cannot run on a standby server"),
				 errdetail("The server is in recovery: warnings are raised on the primary and reach this server by replication."),
				 errhint("Run it on the primary. After a failover, the first run on the new primary catches up every stage missed.")));
	if (XactReadOnly)
		ereport(ERROR,
				(errcode(ERRCODE_READ_ONLY_SQL_TRANSACTION),
				 errmsg("escalation.run() cannot run in a read-only transaction"),
				 errdetail("default_transaction_read_only is \"%s\".",
						   GetConfigOption("default_transaction_read_only", false, false)),
				 errhint("A server being promoted stays read-only until the failover completes; the next run catches up.")));
}

/* Reject an as_of that the engine must not run at. */
static void
CheckAsOf(FunctionCallInfo fcinfo, TimestampTz *as_of)
{
	TimestampTz limit;

	if (PG_ARGISNULL(0))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("as_of must not be null"),
				 errhint("Call escalation.run() without an argument to run as of now.")));
	*as_of = PG_GETARG_TIMESTAMPTZ(0);
	if (TIMESTAMP_NOT_FINITE(*as_of))
		ereport(ERROR,
				(errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
				 errmsg("as_of must be a finite time: \"%s\"", timestamptz_to_str(*as_of))));

	/*
	 * A stage raised early cannot be withdrawn: it would stay on the screens
	 * if its item were handled before it really fell due. So as_of may lie
	 * after the server clock only by the skew allowed between the
	 * scheduler's host and the server (escalation.run_clock_skew).
	 */
	limit = GetCurrentTimestamp() + (TimestampTz) escalation_run_clock_skew * USECS_PER_SEC;
	if (*as_of > limit)
		ereport(ERROR,
				(errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
				 errmsg("as_of is too far in the future: \"%s\"", timestamptz_to_str(*as_of)),
				 errdetail("escalation.run() accepts times up to %d seconds after the server clock, now %s.",
						   escalation_run_clock_skew, timestamptz_to_str(GetCurrentTimestamp())),
				 errhint("Warnings raised early cannot be withdrawn; run with the current time.")));
	if (IsolationUsesXactSnapshot())
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_TRANSACTION_STATE),
				 errmsg("escalation.run() must run at READ COMMITTED isolation"),
				 errdetail("A run waits for runs before it and must then see what they committed.")));
}

PG_FUNCTION_INFO_V1(escalation_run);

/*
 * escalation.run(as_of): raise every stage due by as_of and resolve handled
 * items; returns the number of warnings raised, or NULL when the run failed.
 *
 * The work runs in a subtransaction so that a failure leaves nothing of the
 * run behind but still leaves its row in escalation.run_log (like a cron
 * job's run details): the error becomes a WARNING and the function returns
 * NULL. Bad arguments are errors before any work starts and are not logged.
 */
Datum
escalation_run(PG_FUNCTION_ARGS)
{
	MemoryContext caller_cxt = CurrentMemoryContext;
	ResourceOwner caller_owner = CurrentResourceOwner;
	EngineRun  *state;
	TimestampTz as_of;
	TimestampTz started = GetCurrentTimestamp();
	ErrorData  *error = NULL;

	CheckAsOf(fcinfo, &as_of);
	CheckWritable();

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	EngineCacheEnsure();

	state = MemoryContextAllocZero(caller_cxt, sizeof(EngineRun));
	state->as_of = as_of;
	state->batch_cxt = AllocSetContextCreate(caller_cxt, "escalation engine batch",
											 ALLOCSET_DEFAULT_SIZES);
	state->item_cxt = AllocSetContextCreate(caller_cxt, "escalation engine item",
											ALLOCSET_SMALL_SIZES);

	for (int attempt = 0;; attempt++)
	{
		bool		probe = (attempt > 0);

		BeginInternalSubTransaction(NULL);
		MemoryContextSwitchTo(caller_cxt);
		PG_TRY();
		{
			RunEngine(state, probe);
			ReleaseCurrentSubTransaction();
			MemoryContextSwitchTo(caller_cxt);
			CurrentResourceOwner = caller_owner;
		}
		PG_CATCH();
		{
			MemoryContextSwitchTo(caller_cxt);
			error = CopyErrorData();
			FlushErrorState();
			RollbackAndReleaseCurrentSubTransaction();
			MemoryContextSwitchTo(caller_cxt);
			CurrentResourceOwner = caller_owner;
		}
		PG_END_TRY();

		/*
		 * A cancel, a statement or lock timeout's cancel, a shutdown: the
		 * caller (pg_cron, psql) asked the run to stop, so it stops as a
		 * failure the caller sees, not as a logged failure it would take for
		 * success.
		 */
		if (error != NULL && ERRCODE_TO_CATEGORY(error->sqlerrcode) == ERRCODE_OPERATOR_INTERVENTION)
			ReThrowError(error);

		/* A stage that was already raised: run again, looking before inserting. */
		if (error != NULL && !probe && error->sqlerrcode == ERRCODE_UNIQUE_VIOLATION)
		{
			FreeErrorData(error);
			error = NULL;
			MemoryContextReset(state->batch_cxt);
			continue;
		}
		break;
	}

	EngineLogRun(as_of, started, state->items, state->raised, state->resolved, error);
	SPI_finish();
	MemoryContextDelete(state->batch_cxt);
	MemoryContextDelete(state->item_cxt);

	if (error != NULL)
	{
		ereport(WARNING,
				(errcode(error->sqlerrcode),
				 errmsg("escalation run as of %s failed: %s", timestamptz_to_str(as_of), error->message),
				 error->detail ? errdetail_internal("%s", error->detail) : 0,
				 errhint("Nothing of this run was kept; escalation.run_log has its row. The next run catches up.")));
		PG_RETURN_NULL();
	}
	PG_RETURN_INT64(state->raised);
}
