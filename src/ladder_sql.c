/*
 * ladder_sql.c
 *	  The stage arithmetic of ladder.c as SQL functions, for the SQL that keeps
 *	  the engine's work list and for the benchmark's set-based ladders:
 *
 *	escalation.stage_due_at(start, due_after)	when a stage falls due
 *	escalation.stage_fires(due, handled, withdrawn)	whether it fires
 *	escalation.item_event_due(kind, first_due, handled, withdrawn, superseded)
 *												when a run must deal with
 *												the item itself
 *
 * due_after is the sum of the delays up to the stage (escalation.rule_offset);
 * stage_due_at counts it as the engine counts the delays one by one.
 */
#include "postgres.h"

#include "catalog/pg_enum.h"
#include "datatype/timestamp.h"
#include "fmgr.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/syscache.h"
#include "utils/timestamp.h"

#include "ladder.h"
#include "engine.h"

StaticAssertDecl(LADDER_TIME_MIN == MIN_TIMESTAMP, "ladder.h's first valid time is PostgreSQL's");
StaticAssertDecl(LADDER_TIME_END == END_TIMESTAMP, "ladder.h's end of time is PostgreSQL's");
StaticAssertDecl(LADDER_USECS_PER_DAY == USECS_PER_DAY, "ladder.h's day is PostgreSQL's");

/* Argument n of a function that may be NULL, as a ladder moment. */
static LadderMoment
MomentArg(FunctionCallInfo fcinfo, int n)
{
	LadderMoment m = {false, 0};

	if (!PG_ARGISNULL(n))
	{
		m.known = true;
		m.at = PG_GETARG_TIMESTAMPTZ(n);
	}
	return m;
}

/*
 * The offset of a stage from its item's start, one delay further: offset +
 * delay in microseconds, a day counting as 24 hours, so that start + offset
 * is the same instant in every time zone. Raises an error naming the delay
 * the ladder cannot count.
 */
int64
EngineAddDelay(int64 offset, const Interval *delay)
{
	int64		sum;
	LadderDelayStatus status = LadderAddDelay(offset, delay->month, delay->day, delay->time, &sum);
	bool		uncountable = (status == LADDER_DELAY_UNCOUNTABLE);

	if (status != LADDER_DELAY_OK)
		ereport(ERROR,
				(errcode(uncountable ? ERRCODE_INVALID_OBJECT_DEFINITION : ERRCODE_INTERVAL_FIELD_OVERFLOW),
				 errmsg(uncountable ? "warning ladder delay cannot be counted: \"%s\"" :
						"warning ladder delay out of range: \"%s\"",
						DatumGetCString(DirectFunctionCall1(interval_out, IntervalPGetDatum(delay)))),
				 uncountable ?
				 errdetail("Delays in escalation.rule must be non-negative days and hours, without months.") :
				 errdetail("The delays of a ladder must add up to less than 292,000 years.")));
	return sum;
}

PG_FUNCTION_INFO_V1(escalation_stage_due_at);

/*
 * escalation.stage_due_at(started_at, due_after): when a stage falls due,
 * +infinity when it cannot be counted (past the end of time).
 */
Datum
escalation_stage_due_at(PG_FUNCTION_ARGS)
{
	TimestampTz start = PG_GETARG_TIMESTAMPTZ(0);
	int64		offset = EngineAddDelay(0, PG_GETARG_INTERVAL_P(1));

	PG_RETURN_TIMESTAMPTZ(LadderStageDue(start, offset));
}

PG_FUNCTION_INFO_V1(escalation_stage_fires);

/*
 * escalation.stage_fires(due_at, handled_at, withdrawn_at): whether a stage
 * due then fires; NULL handling or withdrawal times are not known yet.
 */
Datum
escalation_stage_fires(PG_FUNCTION_ARGS)
{
	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	PG_RETURN_BOOL(LadderStageFires(PG_GETARG_TIMESTAMPTZ(0), MomentArg(fcinfo, 1), MomentArg(fcinfo, 2)));
}

/*
 * The value of the kind dual_prevention_idle of the enum of the function's
 * first argument, looked up once per call site.
 */
static Oid
DualPreventionKind(FunctionCallInfo fcinfo)
{
	Oid		   *cached = fcinfo->flinfo->fn_extra;

	if (cached == NULL)
	{
		Oid			kind_type = get_fn_expr_argtype(fcinfo->flinfo, 0);
		Oid			value = GetSysCacheOid2(ENUMTYPOIDNAME, Anum_pg_enum_oid, ObjectIdGetDatum(kind_type),
											CStringGetDatum("dual_prevention_idle"));

		if (!OidIsValid(value))
			elog(ERROR, "type %u has no value dual_prevention_idle", kind_type);
		cached = MemoryContextAlloc(fcinfo->flinfo->fn_mcxt, sizeof(Oid));
		*cached = value;
		fcinfo->flinfo->fn_extra = cached;
	}
	return *cached;
}

PG_FUNCTION_INFO_V1(escalation_item_event_due);

/*
 * escalation.item_event_due(kind, first_due, handled_at, withdrawn_at,
 * superseded_at): when a run must next deal with a tracked item itself, NULL
 * if only its stages can happen until its data changes.
 */
Datum
escalation_item_event_due(PG_FUNCTION_ARGS)
{
	bool		dual_prevention = !PG_ARGISNULL(0) && PG_GETARG_OID(0) == DualPreventionKind(fcinfo);
	LadderMoment due = LadderEventDue(dual_prevention, MomentArg(fcinfo, 1), MomentArg(fcinfo, 2),
									  MomentArg(fcinfo, 3), MomentArg(fcinfo, 4));

	if (!due.known)
		PG_RETURN_NULL();
	PG_RETURN_TIMESTAMPTZ(due.at);
}
