/*
 * pgconn.c — libpq used non-blocking: every wait is a poll() on the
 * connection's socket with a deadline, and also wakes when the worker is
 * stopping, so no thread can hang on a dead or unreachable database.
 */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "worker.h"

int			shutdown_fd = -1;

/*
 * Connections opened for HTTP requests (snapshots, resumes) at this moment,
 * in all and per client address: at most --db-connections-per-client of them
 * for one address, so a few clients cannot take every slot.
 */
typedef struct SlotHolder
{
	char		peer[PEER_TEXT_LEN];
	int			held;
} SlotHolder;

static struct
{
	pthread_mutex_t lock;
	int			in_use;
	SlotHolder *holders;		/* --db-connections entries; held == 0 is free */
}			slots = {.lock = PTHREAD_MUTEX_INITIALIZER};

/*
 * Take one of the --db-connections slots for a connection serving an HTTP
 * request of the client at peer (its address).
 */
SlotResult
DbAcquireSlot(const char *peer)
{
	SlotHolder *mine = NULL;
	SlotHolder *free_entry = NULL;
	SlotResult	result;

	pthread_mutex_lock(&slots.lock);
	if (slots.holders == NULL)
	{
		slots.holders = CheckedAlloc(sizeof(SlotHolder) * (size_t) config.db_connections);
		memset(slots.holders, 0, sizeof(SlotHolder) * (size_t) config.db_connections);
	}
	for (int i = 0; i < config.db_connections; i++)
	{
		SlotHolder *h = &slots.holders[i];

		if (h->held > 0 && strcmp(h->peer, peer) == 0)
			mine = h;
		else if (h->held == 0 && free_entry == NULL)
			free_entry = h;
	}
	if (slots.in_use >= config.db_connections)
		result = SLOT_ALL_BUSY;
	else if (mine != NULL && mine->held >= config.db_connections_per_client)
		result = SLOT_OVER_SHARE;
	else
	{
		/* A free slot means a free entry: no more addresses than slots hold any. */
		if (mine == NULL)
		{
			mine = free_entry;
			snprintf(mine->peer, sizeof(mine->peer), "%s", peer);
		}
		mine->held++;
		slots.in_use++;
		result = SLOT_TAKEN;
	}
	pthread_mutex_unlock(&slots.lock);
	return result;
}

/* Give back a slot taken for peer. */
void
DbReleaseSlot(const char *peer)
{
	pthread_mutex_lock(&slots.lock);
	for (int i = 0; i < config.db_connections; i++)
	{
		SlotHolder *h = &slots.holders[i];

		if (h->held > 0 && strcmp(h->peer, peer) == 0)
		{
			h->held--;
			slots.in_use--;
			break;
		}
	}
	pthread_mutex_unlock(&slots.lock);
}

/* How many slots are taken now. */
int
DbSlotsInUse(void)
{
	int			n;

	pthread_mutex_lock(&slots.lock);
	n = slots.in_use;
	pthread_mutex_unlock(&slots.lock);
	return n;
}

/* Free the slot table at exit; no thread serves requests any more. */
void
DbFreeSlots(void)
{
	free(slots.holders);
	slots.holders = NULL;
}

/* Copy libpq's message for a connection into err, on one line. */
static void
SetConnError(PGconn *conn, const char *what, char *err, size_t errlen)
{
	snprintf(err, errlen, "%s: %s", what, conn ? PQerrorMessage(conn) : "out of memory");
	OneLine(err);
}

/* Describe a failed wait in err. */
static void
SetWaitError(const char *what, WaitResult w, char *err, size_t errlen)
{
	snprintf(err, errlen, "%s %s", what,
			 w == WAIT_TIMEOUT ? "timed out" :
			 w == WAIT_SHUTDOWN ? "abandoned: shutting down" : "failed while waiting");
}

/*
 * Wait until the connection's socket is readable (or writable) or the
 * monotonic deadline passes; the shutdown pipe cuts every wait short.
 */
WaitResult
DbWait(PGconn *conn, bool for_write, double deadline)
{
	for (;;)
	{
		struct pollfd fds[2];
		double		left = deadline - MonotonicSeconds();
		int			rc;

		if (left <= 0)
			return WAIT_TIMEOUT;
		fds[0].fd = PQsocket(conn);
		fds[0].events = for_write ? POLLOUT : POLLIN;
		fds[0].revents = 0;
		fds[1].fd = shutdown_fd;
		fds[1].events = POLLIN;
		fds[1].revents = 0;
		if (fds[0].fd < 0)
			return WAIT_FAILED;
		rc = poll(fds, 2, (int) (left * 1000.0) + 1);
		if (rc < 0)
		{
			if (errno == EINTR)
				continue;
			return WAIT_FAILED;
		}
		if (fds[1].revents)
			return WAIT_SHUTDOWN;
		if (fds[0].revents)
			return WAIT_READY;
	}
}

/* Server notices (e.g. the FATAL of a shutdown) go to the log, not raw to stderr. */
static void
LogNotice(void *arg, const char *message)
{
	char		line[512];

	(void) arg;
	snprintf(line, sizeof(line), "%s", message);
	OneLine(line);
	LogMessage(LEVEL_DEBUG, "server: %s", line);
}

/*
 * Open a connection without blocking: conninfo (a string or URI, "" for the
 * PG* environment alone) may name several hosts; libpq walks them, honouring
 * target_session_attrs. The deadline covers the whole attempt.
 */
PGconn *
DbConnect(const char *conninfo, double timeout_s, char *err, size_t errlen)
{
	/* The conninfo string overrides the defaults before it; the encoding is ours to fix. */
	const char *const keys[] = {"fallback_application_name", "dbname", "client_encoding", NULL};
	const char *const values[] = {WORKER_NAME, conninfo, "UTF8", NULL};
	double		deadline = MonotonicSeconds() + timeout_s;
	PostgresPollingStatusType status = PGRES_POLLING_WRITING;
	PGconn	   *conn;

	conn = PQconnectStartParams(keys, values, 1);
	if (conn == NULL || PQstatus(conn) == CONNECTION_BAD)
	{
		SetConnError(conn, "cannot start connection", err, errlen);
		PQfinish(conn);
		return NULL;
	}
	for (;;)
	{
		WaitResult	w;

		if (status == PGRES_POLLING_OK)
		{
			PQsetNoticeProcessor(conn, LogNotice, NULL);
			return conn;
		}
		if (status == PGRES_POLLING_FAILED)
		{
			SetConnError(conn, "connection failed", err, errlen);
			PQfinish(conn);
			return NULL;
		}
		w = DbWait(conn, status == PGRES_POLLING_WRITING, deadline);
		if (w != WAIT_READY)
		{
			SetWaitError("connection", w, err, errlen);
			PQfinish(conn);
			return NULL;
		}
		status = PQconnectPoll(conn);
	}
}

/*
 * Send a query (with text parameters, or several statements when nparams is
 * -1) and flush it within the timeout.
 */
bool
DbSend(PGconn *conn, const char *sql, int nparams, const char *const *values,
	   double timeout_s, char *err, size_t errlen)
{
	double		deadline = MonotonicSeconds() + timeout_s;
	int			ok;

	if (PQsetnonblocking(conn, 1) != 0)
	{
		SetConnError(conn, "cannot make the connection non-blocking", err, errlen);
		return false;
	}
	if (nparams < 0)
		ok = PQsendQuery(conn, sql);
	else
		ok = PQsendQueryParams(conn, sql, nparams, NULL, values, NULL, NULL, 0);
	if (!ok)
	{
		SetConnError(conn, "cannot send query", err, errlen);
		return false;
	}
	for (;;)
	{
		int			f = PQflush(conn);

		if (f == 0)
			return true;
		if (f < 0 || DbWait(conn, true, deadline) != WAIT_READY)
		{
			SetConnError(conn, "cannot send query", err, errlen);
			return false;
		}
	}
}

/*
 * Run a query and return its last result if every result succeeded; NULL
 * with err set otherwise. The connection is unusable after a timeout.
 */
PGresult *
DbQuery(PGconn *conn, const char *sql, int nparams, const char *const *values,
		double timeout_s, char *err, size_t errlen)
{
	double		deadline = MonotonicSeconds() + timeout_s;
	PGresult   *last = NULL;
	PGresult   *res;
	bool		failed = false;

	if (!DbSend(conn, sql, nparams, values, timeout_s, err, errlen))
		return NULL;
	for (;;)
	{
		while (PQisBusy(conn))
		{
			WaitResult	w = DbWait(conn, false, deadline);

			if (w != WAIT_READY)
			{
				SetWaitError("query", w, err, errlen);
				PQclear(last);
				return NULL;
			}
			if (!PQconsumeInput(conn))
			{
				SetConnError(conn, "connection lost", err, errlen);
				PQclear(last);
				return NULL;
			}
		}
		res = PQgetResult(conn);
		if (res == NULL)
			break;
		if (!failed && PQresultStatus(res) != PGRES_TUPLES_OK && PQresultStatus(res) != PGRES_COMMAND_OK)
		{
			snprintf(err, errlen, "query failed: %s", PQresultErrorMessage(res));
			OneLine(err);
			failed = true;
		}
		PQclear(last);
		last = res;
	}
	if (failed || last == NULL)
	{
		if (last == NULL && !failed)
			snprintf(err, errlen, "query returned no result");
		PQclear(last);
		return NULL;
	}
	return last;
}

/*
 * Settings every session of the worker needs: UTC ISO timestamps (turned
 * into RFC 3339 for browsers) and a server-side bound on every statement.
 */
bool
DbSetupSession(PGconn *conn, char *err, size_t errlen)
{
	char		sql[256];
	PGresult   *res;

	snprintf(sql, sizeof(sql),
			 "SET TimeZone = 'UTC'; SET DateStyle = 'ISO, YMD'; SET statement_timeout = %d",
			 config.query_timeout_s * 1000);
	res = DbQuery(conn, sql, -1, NULL, config.query_timeout_s, err, errlen);
	if (res == NULL)
		return false;
	PQclear(res);
	return true;
}
