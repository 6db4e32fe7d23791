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
 *
 * On every connection it checks that its role sees the whole city (a district
 * user's role would serve a partial city screen without a word), and once a
 * poll interval it reads escalation.engine_health() for /healthz and /metrics.
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
	double		engine_check_at;	/* monotonic: next read of engine_health() */
	EngineVerdict engine_verdict;	/* as last logged */
	char		engine_failure_at[64];	/* the last failure logged */
	bool		engine_unsupported_logged;
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

/* Read the screens: a city's and its districts', or a province's. */
static void
ListenerLoadScreens(Listener *l)
{
	char		err[512];
	PGresult   *res;
	Screen	   *screens;
	int			n;

	res = DbQuery(l->conn, Queries()->screens, 0, NULL, config.query_timeout_s, err, sizeof(err));
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
		screens[i].is_province = strcmp(PQgetvalue(res, i, 2), "province") == 0;
	}
	PQclear(res);
	HubSetScreens(screens, n);
	LogMessage(LEVEL_INFO, config.province ? "%d screens (the province)" : "%d screens (the city and its districts)", n);
}

/*
 * Check what the role may see (escalation.screen_scope()): the whole city, as
 * the screens need; or only a region, refused unless --allow-partial-scope
 * (then served with a warning on every connection); or nothing, refused.
 * Returns false if the worker must stop.
 */
static bool
ListenerCheckScope(Listener *l)
{
	char		err[512];
	PGresult   *res;
	bool		sees_all;
	const char *region;
	const char *level;

	/* Without the schema's usage the scope cannot even be asked. */
	res = DbQuery(l->conn,
				  "SELECT CASE WHEN n.oid IS NULL THEN 'missing' WHEN has_schema_privilege(n.oid, 'USAGE') THEN 'ok'"
				  " ELSE 'denied' END FROM (SELECT (SELECT oid FROM pg_namespace WHERE nspname = 'escalation') AS oid) n",
				  0, NULL, config.query_timeout_s, err, sizeof(err));
	if (res == NULL)
	{
		ListenerFail(l, "check of the role's scope failed", err);
		return true;
	}
	if (strcmp(PQgetvalue(res, 0, 0), "ok") != 0)
	{
		if (strcmp(PQgetvalue(res, 0, 0), "missing") == 0)
			LogMessage(LEVEL_ERROR, "database \"%s\" has no escalation extension: connect to the city's database; stopping",
					   PQdb(l->conn));
		else
			LogMessage(LEVEL_ERROR, "role \"%s\" sees no warnings: it may not use schema escalation; grant it"
					   " escalation_screen; stopping", PQuser(l->conn));
		PQclear(res);
		return false;
	}
	PQclear(res);
	res = DbQuery(l->conn,
				  "SELECT c.sees_all, c.region::text, escalation.region_level(c.region)::text"
				  " FROM escalation.screen_scope() c",
				  0, NULL, config.query_timeout_s, err, sizeof(err));
	if (res == NULL)
	{
		ListenerFail(l, "check of the role's scope failed", err);
		return true;
	}
	sees_all = strcmp(PQgetvalue(res, 0, 0), "t") == 0;
	region = PQgetisnull(res, 0, 1) ? NULL : PQgetvalue(res, 0, 1);
	level = PQgetisnull(res, 0, 2) ? "" : PQgetvalue(res, 0, 2);
	if (sees_all || strcmp(level, "city") == 0)
	{
		HubSetScope(true, region);
		PQclear(res);
		return true;
	}
	if (region == NULL)
	{
		LogMessage(LEVEL_ERROR, "role \"%s\" sees no warnings: it is not a member of escalation_screen (nor mapped in"
				   " escalation.user_region); grant it escalation_screen; stopping", PQuser(l->conn));
		PQclear(res);
		return false;
	}
	if (!config.allow_partial_scope)
	{
		LogMessage(LEVEL_ERROR, "role \"%s\" sees only region %s (escalation.user_region maps it): the city screen"
				   " would miss the rest of the city; connect as a screen role that is not mapped, or pass"
				   " --allow-partial-scope; stopping", PQuser(l->conn), region);
		PQclear(res);
		return false;
	}
	LogMessage(LEVEL_WARNING, "role \"%s\" sees only region %s: every screen shows that region's warnings alone"
			   " (--allow-partial-scope)", PQuser(l->conn), region);
	HubSetScope(false, region);
	PQclear(res);
	return true;
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
	if (!ListenerCheckScope(l))
	{
		PQfinish(l->conn);
		l->conn = NULL;
		l->state = DB_STOPPED;
		WorkerFatal(EXIT_CONFIG);
		return;
	}
	if (l->state == DB_BACKOFF)
		return;
	ListenerLoadScreens(l);
	if (PQstatus(l->conn) != CONNECTION_OK)
	{
		ListenerFail(l, "connection lost", PQerrorMessage(l->conn));
		return;
	}
	l->state = DB_CATCHING_UP;
}

/* A number column of the health row as seconds, -1 for NULL. */
static double
AgeColumn(const PGresult *res, int col)
{
	return PQgetisnull(res, 0, col) ? -1 : strtod(PQgetvalue(res, 0, col), NULL);
}

/*
 * Read escalation.engine_health() into the hub, and log what changed: a new
 * failed run (with the database's message, which only the log gets), and
 * each change of the verdict. A database without the function (an extension
 * older than 0.2.0) or a role without the privilege leaves the engine
 * unknown, said once.
 */
static void
ListenerCheckEngine(Listener *l)
{
	char		err[512];
	PGresult   *res;
	EngineHealth h;
	EngineVerdict verdict;

	memset(&h, 0, sizeof(h));
	h.known = true;
	res = DbQuery(l->conn,
				  "SELECT CASE WHEN to_regprocedure('escalation.engine_health()') IS NULL THEN 'missing'"
				  " WHEN has_function_privilege('escalation.engine_health()', 'EXECUTE') THEN 'ok' ELSE 'denied' END",
				  0, NULL, config.query_timeout_s, err, sizeof(err));
	if (res == NULL)
	{
		ListenerFail(l, "check of engine_health() failed", err);
		return;
	}
	if (strcmp(PQgetvalue(res, 0, 0), "ok") != 0)
	{
		if (!l->engine_unsupported_logged)
			LogMessage(LEVEL_WARNING, "cannot read the engine's health: escalation.engine_health() %s; /healthz does not judge the engine",
					   strcmp(PQgetvalue(res, 0, 0), "missing") == 0 ? "does not exist (update the extension to 0.2.0)" :
					   "may not be executed by this role");
		l->engine_unsupported_logged = true;
		PQclear(res);
		h.unsupported = true;
		h.checked = MonotonicSeconds();
		HubSetEngineHealth(&h);
		return;
	}
	PQclear(res);
	res = DbQuery(l->conn,
				  "SELECT extract(epoch FROM h.checked_at - h.last_run_at), h.last_run_status = 'failed',"
				  " extract(epoch FROM h.checked_at - h.last_success_at),"
				  " extract(epoch FROM h.checked_at - h.last_failure_at), h.last_failure_sqlstate,"
				  " extract(epoch FROM h.checked_at - h.oldest_due_at), h.due_stages,"
				  " h.last_failure_at, h.last_failure_message"
				  " FROM escalation.engine_health() h",
				  0, NULL, config.query_timeout_s, err, sizeof(err));
	h.checked = MonotonicSeconds();
	if (res == NULL)
	{
		ListenerFail(l, "read of engine_health() failed", err);
		return;
	}
	h.last_run_age = AgeColumn(res, 0);
	h.last_run_failed = strcmp(PQgetvalue(res, 0, 1), "t") == 0;
	h.last_success_age = AgeColumn(res, 2);
	h.last_failure_age = AgeColumn(res, 3);
	snprintf(h.last_failure_sqlstate, sizeof(h.last_failure_sqlstate), "%s", PQgetvalue(res, 0, 4));
	h.oldest_due_age = AgeColumn(res, 5);
	h.due_stages = strtoll(PQgetvalue(res, 0, 6), NULL, 10);
	if (!PQgetisnull(res, 0, 7) && strcmp(PQgetvalue(res, 0, 7), l->engine_failure_at) != 0)
	{
		char		message[512];

		snprintf(message, sizeof(message), "%s", PQgetvalue(res, 0, 8));
		OneLine(message);
		/* Failures from before the worker started are history, not news. */
		LogMessage(l->engine_failure_at[0] || h.last_run_failed ? LEVEL_WARNING : LEVEL_INFO,
				   "engine: escalation.run() failed at %s (SQLSTATE %s): %s",
				   PQgetvalue(res, 0, 7), h.last_failure_sqlstate, message);
		snprintf(l->engine_failure_at, sizeof(l->engine_failure_at), "%s", PQgetvalue(res, 0, 7));
	}
	PQclear(res);
	HubSetEngineHealth(&h);
	verdict = JudgeEngine(&h, h.checked);
	if (verdict != l->engine_verdict)
	{
		if (verdict == ENGINE_OK)
			LogMessage(LEVEL_INFO, "engine: %s", l->engine_verdict == ENGINE_UNKNOWN ? "healthy" : "healthy again");
		else if (verdict == ENGINE_FAILED)
			LogMessage(LEVEL_ERROR, "engine: the last escalation.run() failed (SQLSTATE %s); /healthz answers 503",
					   h.last_failure_sqlstate);
		else if (verdict == ENGINE_STALE)
			LogMessage(LEVEL_ERROR, "engine: %lld stages are due but not raised, the oldest for %.0f s, and no run"
					   " succeeded within %.0f s; /healthz answers 503",
					   (long long) h.due_stages, h.oldest_due_age, config.engine_stale_s);
		l->engine_verdict = verdict;
	}
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
		res = DbQuery(l->conn, Queries()->events_tail,
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
		res = DbQuery(l->conn, Queries()->events,
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
	if (MonotonicSeconds() >= l->engine_check_at)
	{
		l->engine_check_at = MonotonicSeconds() + config.poll_interval_s;
		ListenerCheckEngine(l);
		if (l->state == DB_BACKOFF)
			return;
	}
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
	l.engine_verdict = ENGINE_UNKNOWN;
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
				{
					/* Refused to serve: wait for the stop WorkerFatal asked for. */
					struct pollfd pfd = {.fd = shutdown_fd,.events = POLLIN};

					poll(&pfd, 1, 1000);
				}
				break;
		}
	}
	PQfinish(l.conn);
	HubSetDbState(DB_STOPPED);
	LogMessage(LEVEL_DEBUG, "listener stopped");
	return NULL;
}
