/*
 * listener.c — the database side of the worker, one thread with its own loop.
 *
 * An explicit state machine over one libpq connection:
 *
 *   BACKOFF ──▶ CONNECTING ──▶ SETTING_UP ──▶ CATCHING_UP ◀──▶ LISTENING
 *      ▲             │              │              │               │
 *      └─────────────┴──────────────┴──────────────┴───────────────┘
 *                        any failure: PQfinish, wait, retry
 *
 * NOTIFY is not stored, so it is only a wake-up: LISTEN is issued before the
 * first read, and every read asks warning_events() for everything after the
 * last event delivered. Events therefore arrive exactly once, in order,
 * whatever happened to the connection in between. The listener also re-reads
 * every poll interval, which doubles as the liveness probe of the connection.
 */
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "worker.h"

typedef struct Listener
{
	DbState		state;
	PGconn	   *conn;
	double		backoff_s;		/* the next wait after a failure */
	double		retry_at;		/* monotonic */
	bool		synced_once;
	bool		connected_once;
	unsigned int seed;
} Listener;

/* Close the connection after a failure and schedule the next attempt. */
static void
ListenerFail(Listener *l, const char *what, const char *err)
{
	double		jitter = 0.8 + 0.4 * ((double) rand_r(&l->seed) / RAND_MAX);
	double		wait = l->backoff_s * jitter;
	char		reason[512];

	snprintf(reason, sizeof(reason), "%s", err);
	OneLine(reason);

	if (l->conn)
		HubNoteReconnect();
	if (HubStopping())
		LogMessage(LEVEL_DEBUG, "database %s while stopping: %s", what, reason);
	else
		LogMessage(LEVEL_WARNING, "database %s: %s; retrying in %.1f s", what, reason, wait);
	PQfinish(l->conn);
	l->conn = NULL;
	l->retry_at = MonotonicSeconds() + wait;
	l->backoff_s *= 2;
	if (l->backoff_s > config.backoff_max_s)
		l->backoff_s = config.backoff_max_s;
	l->state = DB_BACKOFF;
}

/* Wait out the backoff; false if the worker is stopping. */
static bool
ListenerBackoff(Listener *l)
{
	for (;;)
	{
		struct pollfd pfd = {.fd = shutdown_fd,.events = POLLIN};
		double		left = l->retry_at - MonotonicSeconds();

		if (left <= 0)
			return true;
		if (poll(&pfd, 1, (int) (left * 1000.0) + 1) > 0)
			return false;
	}
}

/* Read the city and district screens from escalation.division. */
static void
ListenerLoadScreens(Listener *l)
{
	char		err[512];
	PGresult   *res;
	Screen	   *screens;
	int			n;

	res = DbQuery(l->conn,
				  "SELECT d.code::text AS code, d.name, escalation.region_level(d.code)::text AS level"
				  " FROM escalation.division d"
				  " WHERE escalation.region_level(d.code) IN ('city', 'district')"
				  " ORDER BY escalation.region_level(d.code) <> 'city', d.code",
				  0, NULL, config.query_timeout_s, err, sizeof(err));
	if (res == NULL)
	{
		/* Events matter more than names: keep serving with the list we have. */
		LogMessage(LEVEL_WARNING, "cannot read the list of screens: %s", err);
		return;
	}
	n = PQntuples(res);
	screens = CheckedAlloc(sizeof(Screen) * (size_t) (n > 0 ? n : 1));
	for (int i = 0; i < n; i++)
	{
		snprintf(screens[i].code, sizeof(screens[i].code), "%s", PQgetvalue(res, i, 0));
		screens[i].name = CheckedStrdup(PQgetvalue(res, i, 1));
		screens[i].is_city = strcmp(PQgetvalue(res, i, 2), "city") == 0;
	}
	PQclear(res);
	HubSetScreens(screens, n);
	LogMessage(LEVEL_INFO, "%d screens (the city and its districts)", n);
}

/* Session settings and LISTEN, before the first read so nothing falls between. */
static void
ListenerSetUp(Listener *l)
{
	char		err[512];
	PGresult   *res;

	if (!DbSetupSession(l->conn, err, sizeof(err)))
	{
		ListenerFail(l, "setup failed", err);
		return;
	}
	res = DbQuery(l->conn, "LISTEN escalation_warning", 0, NULL, config.query_timeout_s, err, sizeof(err));
	if (res == NULL)
	{
		ListenerFail(l, "LISTEN failed", err);
		return;
	}
	PQclear(res);
	ListenerLoadScreens(l);
	if (PQstatus(l->conn) != CONNECTION_OK)
	{
		ListenerFail(l, "connection lost", PQerrorMessage(l->conn));
		return;
	}
	l->state = DB_CATCHING_UP;
}

/*
 * Read every event after the last delivered one, a page at a time, and hand
 * them to the hub.
 */
static void
ListenerCatchUp(Listener *l)
{
	char		after[24];
	char		limit[16];
	const char *params[2] = {after, limit};
	char		err[512];
	int			total = 0;

	/* The first read starts at the events the ring keeps, not at the first event ever. */
	if (!l->synced_once && HubLastId() == 0)
	{
		char		keep[16];
		const char *tail_params[1] = {keep};
		PGresult   *res;

		snprintf(keep, sizeof(keep), "%d", config.ring_size);
		res = DbQuery(l->conn, "SELECT escalation.warning_events_tail($1::int)",
					  1, tail_params, config.query_timeout_s, err, sizeof(err));
		if (res == NULL)
		{
			ListenerFail(l, "read of warning_events_tail() failed", err);
			return;
		}
		HubStartAfter(strtoll(PQgetvalue(res, 0, 0), NULL, 10));
		PQclear(res);
		if (HubLastId() > 0)
			LogMessage(LEVEL_INFO, "starting after event %lld: the last %d events are kept, older ones are read on request",
					   (long long) HubLastId(), config.ring_size);
	}

	snprintf(limit, sizeof(limit), "%d", config.page_size);
	for (;;)
	{
		PGresult   *res;
		Event	  **events;
		int			nrows;
		int			n = 0;

		snprintf(after, sizeof(after), "%lld", (long long) HubLastId());
		res = DbQuery(l->conn, "SELECT * FROM escalation.warning_events($1::bigint, $2::int)",
					  2, params, config.query_timeout_s, err, sizeof(err));
		if (res == NULL)
		{
			ListenerFail(l, "read of warning_events() failed", err);
			return;
		}
		nrows = PQntuples(res);
		events = CheckedAlloc(sizeof(Event *) * (size_t) (nrows > 0 ? nrows : 1));
		for (int row = 0; row < nrows; row++)
		{
			Event	   *ev = EventFromRow(res, row, err, sizeof(err));

			if (ev == NULL)
			{
				for (int i = 0; i < n; i++)
					EventFree(events[i]);
				free(events);
				PQclear(res);
				ListenerFail(l, "read of warning_events() failed", err);
				return;
			}
			events[n++] = ev;
		}
		PQclear(res);
		HubPublish(events, n, !l->synced_once);
		free(events);
		total += n;
		if (nrows < config.page_size)
			break;
	}
	HubNoteSync();
	if (!l->synced_once || total > 0)
		LogMessage(l->synced_once ? LEVEL_DEBUG : LEVEL_INFO,
				   "caught up: %d new events, last event %lld", total, (long long) HubLastId());
	l->synced_once = true;
	l->backoff_s = config.backoff_min_s;
	l->state = DB_LISTENING;
}

/* Drain queued notifications; true if there was any. */
static bool
ListenerDrainNotifies(Listener *l)
{
	PGnotify   *note;
	bool		any = false;

	while ((note = PQnotifies(l->conn)) != NULL)
	{
		LogMessage(LEVEL_DEBUG, "notification on %s: events %s", note->relname, note->extra);
		PQfreemem(note);
		any = true;
	}
	return any;
}

/*
 * Wait for a notification, at most one poll interval; either way the next
 * state reads what is new.
 */
static void
ListenerListen(Listener *l)
{
	double		deadline = MonotonicSeconds() + config.poll_interval_s;

	/* Notifications that came in during the last read name events it may have missed. */
	if (ListenerDrainNotifies(l))
	{
		l->state = DB_CATCHING_UP;
		return;
	}
	for (;;)
	{
		WaitResult	w = DbWait(l->conn, false, deadline);

		if (w == WAIT_SHUTDOWN)
			return;
		if (w == WAIT_FAILED)
		{
			ListenerFail(l, "wait failed", "socket closed");
			return;
		}
		if (w == WAIT_TIMEOUT)
		{
			l->state = DB_CATCHING_UP;
			return;
		}
		if (!PQconsumeInput(l->conn) || PQstatus(l->conn) != CONNECTION_OK)
		{
			ListenerFail(l, "connection lost", PQerrorMessage(l->conn));
			return;
		}
		if (ListenerDrainNotifies(l))
		{
			l->state = DB_CATCHING_UP;
			return;
		}
	}
}

/* Open the connection. */
static void
ListenerConnect(Listener *l)
{
	char		err[512];

	l->conn = DbConnect(config.conninfo, config.connect_timeout_s, err, sizeof(err));
	if (l->conn == NULL)
	{
		ListenerFail(l, "connection failed", err);
		return;
	}
	LogMessage(LEVEL_INFO, "%s database \"%s\" as \"%s\" on %s port %s",
			   l->connected_once ? "reconnected to" : "connected to",
			   PQdb(l->conn), PQuser(l->conn), PQhost(l->conn), PQport(l->conn));
	l->connected_once = true;
	l->state = DB_SETTING_UP;
}

/* The listener thread: run the state machine until the worker stops. */
void *
ListenerMain(void *arg)
{
	Listener	l;

	(void) arg;
	memset(&l, 0, sizeof(l));
	l.state = DB_CONNECTING;
	l.backoff_s = config.backoff_min_s;
	l.seed = (unsigned int) time(NULL);
	while (!HubStopping())
	{
		HubSetDbState(l.state);
		switch (l.state)
		{
			case DB_BACKOFF:
				if (ListenerBackoff(&l))
					l.state = DB_CONNECTING;
				break;
			case DB_CONNECTING:
				ListenerConnect(&l);
				break;
			case DB_SETTING_UP:
				ListenerSetUp(&l);
				break;
			case DB_CATCHING_UP:
				ListenerCatchUp(&l);
				break;
			case DB_LISTENING:
				ListenerListen(&l);
				break;
			case DB_STOPPED:
				break;
		}
	}
	PQfinish(l.conn);
	HubSetDbState(DB_STOPPED);
	LogMessage(LEVEL_DEBUG, "listener stopped");
	return NULL;
}
