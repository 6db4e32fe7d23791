/*
 * record_integrity.c
 *	  The time check of what users write (escalation_internal.check_times) and
 *	  what it shares with the department check (src/access.c): triggers call
 *	  both for every row a user writes, so they are C, with the answers, the
 *	  SQLSTATEs and the messages of the PL/pgSQL functions they replaced
 *	  (bench/checks.sql keeps those as its baseline).
 */
#include "postgres.h"

#include "access/genam.h"
#include "access/htup_details.h"
#include "access/table.h"
#include "access/xact.h"
#include "catalog/namespace.h"
#include "catalog/pg_type_d.h"
#include "datatype/timestamp.h"
#include "miscadmin.h"
#include "utils/acl.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"
#include "utils/snapmgr.h"
#include "utils/timestamp.h"

#include "record_integrity.h"

/* Deconstruct argument n of fcinfo, an array of typid, as PL/pgSQL reads it. */
void
GetArrayArgument(FunctionCallInfo fcinfo, int n, Oid typid, int16 typlen, bool byval, char typalign,
				 ArrayArgument *arg)
{
	ArrayType  *array;

	arg->count = 0;
	arg->lower = 1;
	arg->length = 0;
	if (PG_ARGISNULL(n))
		return;
	array = PG_GETARG_ARRAYTYPE_P(n);
	if (ARR_NDIM(array) >= 1)
		arg->length = ARR_DIMS(array)[0];
	if (ARR_NDIM(array) != 1)
		return;
	deconstruct_array(array, typid, typlen, byval, typalign, &arg->values, &arg->nulls, &arg->count);
	arg->lower = ARR_LBOUND(array)[0];
}

/* Element with subscript i, or false when it is NULL or out of bounds. */
bool
ArrayElement(const ArrayArgument *arg, int i, Datum *value)
{
	int64		k = (int64) i - arg->lower;

	if (k < 0 || k >= arg->count || arg->nulls[k])
		return false;
	*value = arg->values[k];
	return true;
}

/*
 * Element i of text array argument n (the names of the columns checked), or
 * if_null when there is none: format('%s') printed "", RAISE's % "<NULL>".
 */
const char *
ArrayElementName(FunctionCallInfo fcinfo, int n, int i, const char *if_null)
{
	ArrayArgument names;
	Datum		name;

	GetArrayArgument(fcinfo, n, TEXT_ELEMENTS, &names);
	return ArrayElement(&names, i, &name) ? TextDatumGetCString(name) : if_null;
}

/*
 * The window of plausible times: escalation.time_window's settings, the
 * defaults for those it does not list.
 */
typedef struct TimeWindow
{
	Interval	skew;
	Interval	horizon;
	Interval	history;
} TimeWindow;

/* An interval of months, days and microseconds. */
static Interval
MakeInterval(int32 months, int32 days, int64 usecs)
{
	Interval	iv;

	iv.month = months;
	iv.day = days;
	iv.time = usecs;
	return iv;
}

/* t + iv (or t - iv when minus), as timestamptz + interval computes it in SQL. */
static TimestampTz
Shift(TimestampTz t, Interval iv, bool minus)
{
	return DatumGetTimestampTz(DirectFunctionCall2(minus ? timestamptz_mi_interval : timestamptz_pl_interval,
												   TimestampTzGetDatum(t), IntervalPGetDatum(&iv)));
}

/*
 * Read escalation.time_window with the query's snapshot and the caller's
 * rights, as the SELECT of the PL/pgSQL function did: the schema's USAGE and
 * SELECT on the table (or on its columns name and value) are required.
 */
static void
ReadTimeWindow(TimeWindow *window)
{
	Oid			schema = get_namespace_oid("escalation", false);
	Oid			table;
	AclResult	acl;
	Relation	rel;
	SysScanDesc scan;
	HeapTuple	tuple;
	AttrNumber	name_attr;
	AttrNumber	value_attr;

	window->skew = MakeInterval(0, 0, 5 * USECS_PER_MINUTE);
	window->horizon = MakeInterval(3 * MONTHS_PER_YEAR, 0, 0);
	window->history = MakeInterval(30 * MONTHS_PER_YEAR, 0, 0);

	acl = pg_namespace_aclcheck(schema, GetUserId(), ACL_USAGE);
	if (acl != ACLCHECK_OK)
		aclcheck_error(acl, OBJECT_SCHEMA, "escalation");
	table = get_relname_relid("time_window", schema);
	if (!OidIsValid(table))
		elog(ERROR, "escalation.time_window is missing");
	name_attr = get_attnum(table, "name");
	value_attr = get_attnum(table, "value");
	if (name_attr == InvalidAttrNumber || value_attr == InvalidAttrNumber)
		elog(ERROR, "escalation.time_window has no column \"name\" or \"value\"");
	if (pg_class_aclcheck(table, GetUserId(), ACL_SELECT) != ACLCHECK_OK
		&& (pg_attribute_aclcheck(table, name_attr, GetUserId(), ACL_SELECT) != ACLCHECK_OK
			|| pg_attribute_aclcheck(table, value_attr, GetUserId(), ACL_SELECT) != ACLCHECK_OK))
		aclcheck_error(ACLCHECK_NO_PRIV, OBJECT_TABLE, "time_window");

	rel = table_open(table, AccessShareLock);
	scan = systable_beginscan(rel, InvalidOid, false,
							  ActiveSnapshotSet() ? GetActiveSnapshot() : GetTransactionSnapshot(),
							  0, NULL);
	while (HeapTupleIsValid(tuple = systable_getnext(scan)))
	{
		bool		null_name;
		bool		null_value;
		Datum		name = heap_getattr(tuple, name_attr, RelationGetDescr(rel), &null_name);
		Datum		value = heap_getattr(tuple, value_attr, RelationGetDescr(rel), &null_value);
		char	   *setting;

		if (null_name || null_value)
			continue;
		setting = TextDatumGetCString(name);
		if (strcmp(setting, "clock_skew") == 0)
			window->skew = *DatumGetIntervalP(value);
		else if (strcmp(setting, "deadline_horizon") == 0)
			window->horizon = *DatumGetIntervalP(value);
		else if (strcmp(setting, "history") == 0)
			window->history = *DatumGetIntervalP(value);
	}
	systable_endscan(scan);
	table_close(rel, AccessShareLock);
}

/* Text of a timestamptz and of an interval, as SQL prints them. */
static char *
TimeText(TimestampTz t)
{
	return DatumGetCString(DirectFunctionCall1(timestamptz_out, TimestampTzGetDatum(t)));
}

static char *
IntervalText(Interval *iv)
{
	return DatumGetCString(DirectFunctionCall1(interval_out, IntervalPGetDatum(iv)));
}

PG_FUNCTION_INFO_V1(escalation_check_times);
/*
 * escalation_internal.check_times(ats, was, names, deadline): raise
 * datetime_field_overflow naming the first time of ats whose value is new
 * (differs from was at the same subscript) that is infinite, before the
 * history window, or after now plus the clock skew (events) or the deadline
 * horizon (deadline true; a NULL deadline checks the history window only).
 * escalation.time_window is read only for a time more than a year back or
 * ahead, or an event ahead of the clock: every setting accepts the others.
 */
Datum
escalation_check_times(PG_FUNCTION_ARGS)
{
	TimestampTz clock = GetCurrentStatementStartTimestamp();
	bool		deadline_null = PG_ARGISNULL(3);
	bool		deadline = !deadline_null && PG_GETARG_BOOL(3);
	ArrayArgument ats;
	ArrayArgument was;
	bool		bounds_known = false;
	TimestampTz year_back = 0;
	TimestampTz ahead = 0;
	bool		window_read = false;
	TimeWindow	window;

	GetArrayArgument(fcinfo, 0, INT8_ELEMENTS(TIMESTAMPTZOID), &ats);
	if (ats.count == 0)
		PG_RETURN_VOID();
	GetArrayArgument(fcinfo, 1, INT8_ELEMENTS(TIMESTAMPTZOID), &was);
	for (int i = 1; i <= ats.length; i++)
	{
		Datum		value;
		Datum		old;
		TimestampTz at;

		if (!ArrayElement(&ats, i, &value))
			continue;
		at = DatumGetTimestampTz(value);
		if (ArrayElement(&was, i, &old) && DatumGetTimestampTz(old) == at)
			continue;
		if (TIMESTAMP_NOT_FINITE(at))
			ereport(ERROR,
					(errcode(ERRCODE_DATETIME_FIELD_OVERFLOW),
					 errmsg("%s must be a finite time: \"%s\"",
							ArrayElementName(fcinfo, 2, i, "<NULL>"), TimeText(at))));
		if (!bounds_known)
		{
			year_back = Shift(clock, MakeInterval(MONTHS_PER_YEAR, 0, 0), true);
			ahead = deadline ? Shift(clock, MakeInterval(MONTHS_PER_YEAR, 0, 0), false) : clock;
			bounds_known = true;
		}
		if (at >= year_back && at <= ahead)
			continue;
		if (!window_read)
		{
			ReadTimeWindow(&window);
			window_read = true;
		}
		if (at < Shift(clock, window.history, true))
			ereport(ERROR,
					(errcode(ERRCODE_DATETIME_FIELD_OVERFLOW),
					 errmsg("%s %s is before the platform's history window",
							ArrayElementName(fcinfo, 2, i, "<NULL>"), TimeText(at)),
					 errdetail("Times lie at most %s before now (escalation.time_window: history).",
							   IntervalText(&window.history))));
		if (deadline_null)
			continue;
		if (deadline && at > Shift(clock, window.horizon, false))
			ereport(ERROR,
					(errcode(ERRCODE_DATETIME_FIELD_OVERFLOW),
					 errmsg("%s %s is beyond the deadline horizon",
							ArrayElementName(fcinfo, 2, i, "<NULL>"), TimeText(at)),
					 errdetail("Deadlines lie at most %s after now (escalation.time_window: deadline_horizon).",
							   IntervalText(&window.horizon))));
		if (!deadline && at > Shift(clock, window.skew, false))
			ereport(ERROR,
					(errcode(ERRCODE_DATETIME_FIELD_OVERFLOW),
					 errmsg("%s %s is in the future",
							ArrayElementName(fcinfo, 2, i, "<NULL>"), TimeText(at)),
					 errdetail("The server clock reads %s; an event may be at most %s ahead of it (escalation.time_window: clock_skew).",
							   TimeText(clock), IntervalText(&window.skew))));
	}
	PG_RETURN_VOID();
}
