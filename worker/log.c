/*
 * log.c — one line per event that matters, with a level, on standard error
 * (the journal adds its own metadata under systemd).
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "worker.h"

LogLevel	log_min_level = LEVEL_INFO;

static const char *const level_names[] = {"debug", "info", "warning", "error"};

/* Parse a level name given on the command line. */
bool
ParseLogLevel(const char *name, LogLevel *level)
{
	for (int i = 0; i < (int) (sizeof(level_names) / sizeof(level_names[0])); i++)
	{
		if (strcmp(name, level_names[i]) == 0)
		{
			*level = (LogLevel) i;
			return true;
		}
	}
	return false;
}

/* The name of a level, as printed in each line. */
const char *
LogLevelName(LogLevel level)
{
	return level_names[level];
}

/* Wall-clock time in seconds since the epoch. */
double
NowSeconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (double) ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Monotonic time in seconds, for deadlines that must not jump with the clock. */
double
MonotonicSeconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double) ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Format an epoch time as RFC 3339 UTC with milliseconds. */
void
FormatTimestamp(double epoch, char *out, size_t outlen)
{
	time_t		secs = (time_t) epoch;
	int			millis = (int) ((epoch - (double) secs) * 1000.0);
	struct tm	tm;

	gmtime_r(&secs, &tm);
	snprintf(out, outlen, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ",
			 tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
			 tm.tm_hour, tm.tm_min, tm.tm_sec, millis);
}

/* Write one log line if the level is at or above the configured minimum. */
void
LogMessage(LogLevel level, const char *fmt,...)
{
	char		stamp[32];
	char		msg[1024];
	va_list		ap;

	if (level < log_min_level)
		return;
	FormatTimestamp(NowSeconds(), stamp, sizeof(stamp));
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	OneLine(msg);
	/* One fprintf per line: stdio locks the stream, so threads never interleave. */
	fprintf(stderr, "%s %s[%d] %s: %s\n", stamp, WORKER_NAME, (int) getpid(),
			LogLevelName(level), msg);
}
