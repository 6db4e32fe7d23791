/*
 * log.c — one line per event that matters, with a level, on standard error.
 * When standard error is the journal (systemd sets JOURNAL_STREAM to its
 * device and inode), each line starts with its syslog priority, "<4>" for a
 * warning, which the journal takes as the line's priority and strips
 * (sd-daemon(3)): journalctl -p warning then shows warnings and errors.
 */
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "worker.h"

LogLevel	log_min_level = LEVEL_INFO;

static const char *const level_names[] = {"debug", "info", "warning", "error"};

/* syslog priorities of the levels: LOG_DEBUG, LOG_INFO, LOG_WARNING, LOG_ERR. */
static const int level_priorities[] = {7, 6, 4, 3};

static pthread_once_t journal_once = PTHREAD_ONCE_INIT;
static bool to_journal;

/* Decide once whether standard error is the journal's stream. */
static void
DetectJournal(void)
{
	const char *stream = getenv("JOURNAL_STREAM");
	unsigned long long dev,
				ino;
	struct stat st;

	to_journal = stream != NULL && sscanf(stream, "%llu:%llu", &dev, &ino) == 2 &&
		fstat(STDERR_FILENO, &st) == 0 &&
		(unsigned long long) st.st_dev == dev && (unsigned long long) st.st_ino == ino;
}

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
	pthread_once(&journal_once, DetectJournal);
	/* One fprintf per line: stdio locks the stream, so threads never interleave. */
	if (to_journal)
		fprintf(stderr, "<%d>%s: %s\n", level_priorities[level], LogLevelName(level), msg);
	else
		fprintf(stderr, "%s %s[%d] %s: %s\n", stamp, WORKER_NAME, (int) getpid(),
				LogLevelName(level), msg);
}
