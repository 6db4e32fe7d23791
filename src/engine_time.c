/*
 * engine_time.c
 *	  Calendar rules of the warning engine: when a licence expires.
 *
 * A licence valid until date D expires at the start of D+1 in the platform's
 * time zone (escalation.timezone), whatever the session's TimeZone is, so
 * that every session and every run computes the same instant.
 */
#include "postgres.h"

#include "fmgr.h"
#include "pgtime.h"
#include "utils/builtins.h"
#include "utils/date.h"
#include "utils/datetime.h"
#include "utils/fmgrprotos.h"
#include "utils/timestamp.h"

#include "escalation.h"
#include "engine.h"

/* The start of day after valid_until in escalation.timezone (licence expiry). */
TimestampTz
EngineLicenceExpiry(DateADT valid_until)
{
	struct pg_tm tm;
	pg_tz	   *zone;
	int			offset;
	TimestampTz result;

	/* A licence valid for ever never expires; one valid since ever has. */
	if (DATE_IS_NOEND(valid_until))
	{
		TIMESTAMP_NOEND(result);
		return result;
	}
	if (DATE_IS_NOBEGIN(valid_until))
	{
		TIMESTAMP_NOBEGIN(result);
		return result;
	}

	zone = pg_tzset(escalation_timezone);
	if (zone == NULL)
		elog(ERROR, "escalation.timezone \"%s\" is not loadable", escalation_timezone);

	memset(&tm, 0, sizeof(tm));
	j2date(valid_until + POSTGRES_EPOCH_JDATE + 1, &tm.tm_year, &tm.tm_mon, &tm.tm_mday);
	offset = DetermineTimeZoneOffset(&tm, zone);
	if (tm2timestamp(&tm, 0, &offset, &result) != 0 || !IS_VALID_TIMESTAMP(result))
		ereport(ERROR,
				(errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
				 errmsg("licence validity date out of range: \"%s\"",
						DatumGetCString(DirectFunctionCall1(date_out, DateADTGetDatum(valid_until)))),
				 errdetail("The day after the validity date must be a valid timestamp.")));
	return result;
}

PG_FUNCTION_INFO_V1(escalation_licence_expires_at);

/* escalation.licence_expires_at(date): when a licence valid until that date expires. */
Datum
escalation_licence_expires_at(PG_FUNCTION_ARGS)
{
	PG_RETURN_TIMESTAMPTZ(EngineLicenceExpiry(PG_GETARG_DATEADT(0)));
}
