/*
 * escalation.c
 *	  Module entry point: settings (GUCs) of the escalation extension, and the
 *	  lock guard (lock_guard.c).
 */
#include "postgres.h"

#include <limits.h>

#include "fmgr.h"
#include "pgtime.h"
#include "utils/guc.h"

#include "escalation.h"

PG_MODULE_MAGIC;

char	   *escalation_timezone = NULL;
int			escalation_run_log_retention = 7 * 24 * 3600;
int			escalation_run_clock_skew = 60;

void		_PG_init(void);

/* Accept only time zone names that the server's tz database knows. */
static bool
CheckTimezone(char **newval, void **extra, GucSource source)
{
	if (*newval == NULL || (*newval)[0] == '\0')
	{
		GUC_check_errdetail("escalation.timezone must name a time zone, e.g. \"Asia/Shanghai\".");
		return false;
	}
	if (pg_tzset(*newval) == NULL)
	{
		GUC_check_errmsg("invalid value for parameter \"escalation.timezone\": \"%s\"", *newval);
		GUC_check_errdetail("The time zone \"%s\" is not known to this server.", *newval);
		return false;
	}
	return true;
}

/* Define the extension's settings. */
void
_PG_init(void)
{
	DefineCustomStringVariable("escalation.timezone",
							   "Time zone of the platform: a licence valid until date D expires at the start of D+1 here.",
							   NULL,
							   &escalation_timezone,
							   "Asia/Shanghai",
							   PGC_SUSET,
							   0,
							   CheckTimezone,
							   NULL,
							   NULL);

	DefineCustomIntVariable("escalation.run_log_retention",
							"How long escalation.run() keeps rows of escalation.run_log; 0 keeps them for ever.",
							"Each run deletes the rows that started longer ago than this.",
							&escalation_run_log_retention,
							7 * 24 * 3600,
							0,
							INT_MAX,
							PGC_SUSET,
							GUC_UNIT_S,
							NULL,
							NULL,
							NULL);

	DefineCustomIntVariable("escalation.run_clock_skew",
							"How far after the server clock escalation.run(as_of) may be asked to run.",
							"A stage raised early cannot be withdrawn, so as_of may lie after the clock by this much only (the scheduler's host and the server may disagree a little).",
							&escalation_run_clock_skew,
							60,
							0,
							3600,
							PGC_SUSET,
							GUC_UNIT_S,
							NULL,
							NULL,
							NULL);

	MarkGUCPrefixReserved("escalation");
	EscalationInstallLockGuard();
}
