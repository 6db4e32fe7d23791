/*
 * hub.c — the meeting point of the database side and the screens: a bounded
 * ring of recent events (for Last-Event-ID resume), the connected SSE
 * clients, the list of screens, what the worker knows of the engine's health
 * and of its own role's scope, and the worker's counters.
 *
 * One mutex guards it all; nothing done under it can block (no I/O), so the
 * listener publishing an event never waits for a browser. Each client keeps
 * only a cursor into the ring: a slow client costs no memory, and one that
 * stays more than client_queue events behind for client_lag seconds is
 * dropped and resumes later by Last-Event-ID.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "worker.h"

struct Client
{
	Client	   *prev;
	Client	   *next;
	char		screen[REGION_TEXT_LEN];
	char		peer[PEER_TEXT_LEN];	/* the client's address */
	int64_t		cursor;			/* every event up to here was sent or skipped */
	int64_t		base;			/* the hub's last event when the client came */
	int			queued;			/* its events after max(cursor, base) */
	double		over_since;		/* monotonic; 0 while queued is within bounds */
	bool		overflow;
	double		next_heartbeat; /* monotonic */
	uint64_t	sent;
	Buf			out;			/* bytes produced, not yet taken by the server */
	size_t		out_off;
	PGconn	   *backlog;		/* reads events older than the ring; open
								 * only within a call of ClientRead, never
								 * while the server waits for the browser */
};

static struct
{
	pthread_mutex_t lock;
	pthread_cond_t wake;
	Event	  **ring;
	int			ring_head;		/* index of the oldest event */
	int			ring_count;
	int64_t		floor;			/* every event after this id is in the ring */
	int64_t		last_id;
	bool		stopping;
	Client	   *clients;
	int			nclients;
	Screen	   *screens;
	int			nscreens;
	bool		screens_known;
	EngineHealth engine;
	bool		scope_known;
	bool		scope_whole_city;
	char		scope_region[REGION_TEXT_LEN];
	DbState		db_state;
	double		db_state_since;
	double		last_sync;		/* wall clock of the last complete catch-up */
	bool		connection_synced;	/* a catch-up completed on the current connection */
	double		last_event_at;
	double		started_at;
	uint64_t	events_received;
	uint64_t	events_sent;
	uint64_t	reconnects;
	uint64_t	clients_served;
	uint64_t	clients_dropped;
	uint64_t	requests;
	uint64_t	requests_4xx;
	uint64_t	requests_5xx;
} hub;

/* Set up the hub before any thread starts. */
void
HubInit(void)
{
	pthread_condattr_t attr;

	pthread_mutex_init(&hub.lock, NULL);
	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&hub.wake, &attr);
	pthread_condattr_destroy(&attr);
	hub.ring = CheckedAlloc(sizeof(Event *) * (size_t) config.ring_size);
	hub.db_state = DB_BACKOFF;
	hub.db_state_since = NowSeconds();
	hub.started_at = NowSeconds();
}

/* Tell every client to end its stream; the server stops after this. */
void
HubShutdown(void)
{
	pthread_mutex_lock(&hub.lock);
	hub.stopping = true;
	pthread_cond_broadcast(&hub.wake);
	pthread_mutex_unlock(&hub.lock);
}

/* True once the worker is stopping. */
bool
HubStopping(void)
{
	bool		stopping;

	pthread_mutex_lock(&hub.lock);
	stopping = hub.stopping;
	pthread_mutex_unlock(&hub.lock);
	return stopping;
}

/* Free what the hub holds; every thread has stopped. */
void
HubDestroy(void)
{
	for (int i = 0; i < hub.ring_count; i++)
		EventFree(hub.ring[(hub.ring_head + i) % config.ring_size]);
	free(hub.ring);
	for (int i = 0; i < hub.nscreens; i++)
		free(hub.screens[i].name);
	free(hub.screens);
	pthread_cond_destroy(&hub.wake);
	pthread_mutex_destroy(&hub.lock);
}

/* Release an event. */
void
EventFree(Event *ev)
{
	if (ev == NULL)
		return;
	free(ev->sse);
	free(ev);
}

/* Copy a column of the row into a fixed buffer; false if missing or too long. */
static bool
CopyColumn(const PGresult *res, int row, const char *name, char *out, size_t outlen, bool nullable)
{
	int			col = PQfnumber(res, name);

	out[0] = '\0';
	if (col < 0)
		return false;
	if (PQgetisnull(res, row, col))
		return nullable;
	if (strlen(PQgetvalue(res, row, col)) >= outlen)
		return false;
	strcpy(out, PQgetvalue(res, row, col));
	return true;
}

/*
 * Build an event from a row of escalation.warning_events(): the JSON of the
 * whole row becomes the SSE data, the event id its SSE id.
 */
Event *
EventFromRow(const PGresult *res, int row, char *err, size_t errlen)
{
	char		idtext[24];
	char		when[64];
	const char *when_col;
	Event	   *ev = CheckedAlloc(sizeof(Event));
	Buf			sse;

	memset(ev, 0, sizeof(Event));
	if (!CopyColumn(res, row, "event_id", idtext, sizeof(idtext), false) ||
		!ParseEventId(idtext, &ev->id) ||
		!CopyColumn(res, row, "event", ev->type, sizeof(ev->type), false) ||
		!CopyColumn(res, row, "screen_region", ev->screen_region, sizeof(ev->screen_region), false) ||
		!CopyColumn(res, row, "district", ev->district, sizeof(ev->district), true))
	{
		snprintf(err, errlen, "warning_events() returned a row without a usable event_id, event, screen_region or district");
		free(ev);
		return NULL;
	}
	when_col = strcmp(ev->type, "resolved") == 0 ? "resolved_at" :
		strcmp(ev->type, "acknowledged") == 0 ? "acknowledged_at" : "raised_at";
	if (!CopyColumn(res, row, when_col, when, sizeof(when), false) || !ParseTimestamp(when, &ev->at))
		ev->at = NowSeconds();

	BufInit(&sse);
	BufPrintf(&sse, "id: %lld\nevent: %s\ndata: ", (long long) ev->id, ev->type);
	BufAppendRowJson(&sse, res, row);
	BufAppendStr(&sse, "\n\n");
	ev->sse = sse.data;
	ev->sse_len = sse.len;
	return ev;
}

/* True if the event belongs on the screen of region code screen. */
bool
EventMatches(const Event *ev, const char *screen)
{
	return strcmp(ev->screen_region, screen) == 0 || strcmp(ev->district, screen) == 0;
}

/* The i-th oldest event of the ring. */
static Event *
RingAt(int i)
{
	return hub.ring[(hub.ring_head + i) % config.ring_size];
}

/* Index of the first ring event with id > after (ring_count if none). */
static int
RingFirstAfter(int64_t after)
{
	int			lo = 0,
				hi = hub.ring_count;

	while (lo < hi)
	{
		int			mid = (lo + hi) / 2;

		if (RingAt(mid)->id <= after)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* The id after which a client's unsent events count against its queue. */
static int64_t
QueueStart(const Client *c)
{
	return c->cursor > c->base ? c->cursor : c->base;
}

/*
 * Judge a client's lag; the hub lock is held. A burst may put any client
 * more than client_queue events behind for a moment; one that stays behind
 * for longer than client_lag seconds is slow or stalled, and is dropped.
 */
static void
ClientCheckLag(Client *c, double now)
{
	if (c->queued <= config.client_queue)
		c->over_since = 0;
	else if (c->over_since == 0)
		c->over_since = now;
	else if (now - c->over_since > config.client_lag_s && !c->overflow)
	{
		c->overflow = true;
		hub.clients_dropped++;
	}
}

/*
 * Append events read from the database, in id order, and wake the clients.
 * Events at or below the last published id were delivered already and are
 * dropped, so a re-read after a reconnect never duplicates. The hub takes
 * ownership of every event.
 */
void
HubPublish(Event **events, int n, bool initial)
{
	double		now;

	pthread_mutex_lock(&hub.lock);
	for (int i = 0; i < n; i++)
	{
		Event	   *ev = events[i];

		if (ev->id <= hub.last_id)
		{
			EventFree(ev);
			continue;
		}
		if (hub.ring_count == config.ring_size)
		{
			Event	   *old = RingAt(0);

			for (Client *c = hub.clients; c; c = c->next)
				if (old->id > QueueStart(c) && EventMatches(old, c->screen))
					c->queued--;
			hub.floor = old->id;
			EventFree(old);
			hub.ring_head = (hub.ring_head + 1) % config.ring_size;
			hub.ring_count--;
		}
		hub.ring[(hub.ring_head + hub.ring_count) % config.ring_size] = ev;
		hub.ring_count++;
		hub.last_id = ev->id;
		hub.last_event_at = ev->at;
		hub.events_received++;
		for (Client *c = hub.clients; c; c = c->next)
			if (ev->id > QueueStart(c) && EventMatches(ev, c->screen))
				c->queued++;
		LogMessage(initial ? LEVEL_DEBUG : LEVEL_INFO, "event %lld %s: screen %s%s%s",
				   (long long) ev->id, ev->type, ev->screen_region,
				   strcmp(ev->district, ev->screen_region) != 0 && ev->district[0] ? " district " : "",
				   strcmp(ev->district, ev->screen_region) != 0 ? ev->district : "");
	}
	now = MonotonicSeconds();
	for (Client *c = hub.clients; c; c = c->next)
		ClientCheckLag(c, now);
	pthread_cond_broadcast(&hub.wake);
	pthread_mutex_unlock(&hub.lock);
}

/*
 * Start the hub after event id, before anything was published: the events
 * up to it are not read into the ring; a client that asks for them reads
 * them from the database, as for any event older than the ring.
 */
void
HubStartAfter(int64_t id)
{
	pthread_mutex_lock(&hub.lock);
	if (hub.last_id == 0 && hub.ring_count == 0 && id > 0)
	{
		hub.last_id = id;
		hub.floor = id;
	}
	pthread_mutex_unlock(&hub.lock);
}

/* The id of the last event delivered to the hub. */
int64_t
HubLastId(void)
{
	int64_t		id;

	pthread_mutex_lock(&hub.lock);
	id = hub.last_id;
	pthread_mutex_unlock(&hub.lock);
	return id;
}

/* Names of the listener's states, as shown by /healthz and the log. */
const char *
DbStateName(DbState state)
{
	switch (state)
	{
		case DB_BACKOFF:
			return "backoff";
		case DB_CONNECTING:
			return "connecting";
		case DB_SETTING_UP:
			return "setting_up";
		case DB_CATCHING_UP:
			return "catching_up";
		case DB_LISTENING:
			return "listening";
		case DB_STOPPED:
			return "stopped";
	}
	return "unknown";
}

/* Record the listener's state. */
void
HubSetDbState(DbState state)
{
	pthread_mutex_lock(&hub.lock);
	if (hub.db_state != state)
	{
		hub.db_state = state;
		hub.db_state_since = NowSeconds();
	}
	/* Leaving the connected states means events may be missed until caught up. */
	if (state != DB_LISTENING && state != DB_CATCHING_UP)
		hub.connection_synced = false;
	pthread_mutex_unlock(&hub.lock);
}

/* Record that the listener has read every committed event. */
void
HubNoteSync(void)
{
	pthread_mutex_lock(&hub.lock);
	hub.last_sync = NowSeconds();
	hub.connection_synced = true;
	pthread_mutex_unlock(&hub.lock);
}

/* True once the listener has read every committed event at least once. */
bool
HubSynced(void)
{
	bool		synced;

	pthread_mutex_lock(&hub.lock);
	synced = hub.last_sync > 0;
	pthread_mutex_unlock(&hub.lock);
	return synced;
}

/* Count a lost connection that the listener will re-establish. */
void
HubNoteReconnect(void)
{
	pthread_mutex_lock(&hub.lock);
	hub.reconnects++;
	pthread_mutex_unlock(&hub.lock);
}

/* The level of a screen, as the page and the list name it. */
const char *
ScreenLevel(const Screen *s)
{
	return s->is_province ? "province" : s->is_city ? "city" : "district";
}

/* Replace the list of screens (the city and its districts); the hub takes ownership. */
void
HubSetScreens(Screen *screens, int n)
{
	Screen	   *old;
	int			nold;

	pthread_mutex_lock(&hub.lock);
	old = hub.screens;
	nold = hub.nscreens;
	hub.screens = screens;
	hub.nscreens = n;
	hub.screens_known = true;
	pthread_mutex_unlock(&hub.lock);
	for (int i = 0; i < nold; i++)
		free(old[i].name);
	free(old);
}

/* Record what escalation.engine_health() said. */
void
HubSetEngineHealth(const EngineHealth *health)
{
	pthread_mutex_lock(&hub.lock);
	hub.engine = *health;
	pthread_mutex_unlock(&hub.lock);
}

/* Record what the worker's role may see: the whole city, or one region's part. */
void
HubSetScope(bool whole_city, const char *region)
{
	pthread_mutex_lock(&hub.lock);
	hub.scope_known = true;
	hub.scope_whole_city = whole_city;
	snprintf(hub.scope_region, sizeof(hub.scope_region), "%s", region ? region : "");
	pthread_mutex_unlock(&hub.lock);
}

/* Age of a fact of the last check at monotonic time now; negative stays "none". */
static double
EngineAge(const EngineHealth *h, double age, double now)
{
	return age < 0 ? age : age + (now - h->checked);
}

/*
 * Judge the engine at monotonic time now: failed while its last run failed;
 * stale when a stage has waited past its due time for longer than
 * --engine-stale and no run has succeeded for as long (a run that succeeds
 * at now() raises every stage due; one with an earlier as_of, as in a
 * catch-up or a test, leaves later stages waiting without being stale).
 */
EngineVerdict
JudgeEngine(const EngineHealth *h, double now)
{
	double		due_age;
	double		success_age;

	if (!h->known || h->unsupported)
		return ENGINE_UNKNOWN;
	if (h->last_run_failed)
		return ENGINE_FAILED;
	due_age = EngineAge(h, h->oldest_due_age, now);
	success_age = EngineAge(h, h->last_success_age, now);
	if (config.engine_stale_s > 0 && due_age > config.engine_stale_s &&
		(success_age < 0 || success_age > config.engine_stale_s))
		return ENGINE_STALE;
	return ENGINE_OK;
}

/* Names of the verdicts, as /healthz and the log show them. */
const char *
EngineVerdictName(EngineVerdict verdict)
{
	switch (verdict)
	{
		case ENGINE_OK:
			return "ok";
		case ENGINE_UNKNOWN:
			return "unknown";
		case ENGINE_FAILED:
			return "engine_failed";
		case ENGINE_STALE:
			return "engine_stale";
	}
	return "unknown";
}

/*
 * Look a screen up by region code, or "city" for the city screen. known is
 * false while the list has not been read yet (the database was never reached).
 * out->name points to the caller's copy and must be freed.
 */
bool
HubFindScreen(const char *code, Screen *out, bool *known)
{
	bool		found = false;

	pthread_mutex_lock(&hub.lock);
	*known = hub.screens_known;
	for (int i = 0; i < hub.nscreens && !found; i++)
	{
		Screen	   *s = &hub.screens[i];

		if (strcmp(s->code, code) == 0 || (s->is_city && strcmp(code, "city") == 0))
		{
			*out = *s;
			out->name = CheckedStrdup(s->name);
			found = true;
		}
	}
	pthread_mutex_unlock(&hub.lock);
	return found;
}

/*
 * Render the list of screens as JSON and as HTML list items (either may be
 * NULL); returns how many there are.
 */
int
HubListScreens(Buf *json, Buf *html)
{
	int			n;

	pthread_mutex_lock(&hub.lock);
	if (json)
		BufAppendStr(json, "[");
	for (int i = 0; i < hub.nscreens; i++)
	{
		Screen	   *s = &hub.screens[i];
		const char *path = s->is_city ? "city" : s->code;

		if (json)
		{
			BufPrintf(json, "%s{\"code\":\"%s\",\"level\":\"%s\",\"path\":\"/screen/%s\",\"name\":",
					  i ? "," : "", s->code, ScreenLevel(s), path);
			BufAppendJsonString(json, s->name);
			BufAppendStr(json, "}");
		}
		if (html)
		{
			BufPrintf(html, "<li class=\"%s\"><a href=\"/screen/%s\"><span class=\"code\">%s</span>",
					  ScreenLevel(s), path, s->code);
			BufAppendHtml(html, s->name);
			BufAppendStr(html, "</a></li>\n");
		}
	}
	if (json)
		BufAppendStr(json, "]");
	n = hub.nscreens;
	pthread_mutex_unlock(&hub.lock);
	return n;
}

/* Append "name":seconds, or null for a negative age. */
static void
JsonAge(Buf *json, const char *name, double age)
{
	if (age < 0)
		BufPrintf(json, "\"%s\":null,", name);
	else
		BufPrintf(json, "\"%s\":%.1f,", name, age);
}

/*
 * The worker's health as JSON. in_step while the listener is connected, has
 * caught up on this connection, and has confirmed within two poll intervals
 * that it has every committed event (the routine re-read after a
 * notification or a poll keeps it so). healthy when in step and, unless
 * --ignore-engine, the engine is neither failed nor stale; reason says why
 * not in a word, for monitors (never a database message).
 */
void
HubHealth(Buf *json, bool *healthy)
{
	double		now = NowSeconds();
	double		mono = MonotonicSeconds();
	char		stamp[32];
	bool		in_step;
	EngineVerdict verdict;
	const char *reason = NULL;

	pthread_mutex_lock(&hub.lock);
	in_step = (hub.db_state == DB_LISTENING || hub.db_state == DB_CATCHING_UP) &&
		hub.connection_synced &&
		now - hub.last_sync <= 2.0 * config.poll_interval_s + config.query_timeout_s;
	verdict = JudgeEngine(&hub.engine, mono);
	if (!in_step)
		reason = "database";
	else if (!config.ignore_engine && (verdict == ENGINE_FAILED || verdict == ENGINE_STALE))
		reason = EngineVerdictName(verdict);
	*healthy = reason == NULL;
	BufPrintf(json, "{\"status\":\"%s\",", *healthy ? "ok" : "unavailable");
	if (reason)
		BufPrintf(json, "\"reason\":\"%s\",", reason);
	else
		BufAppendStr(json, "\"reason\":null,");
	BufPrintf(json, "\"in_step\":%s,\"database\":\"%s\",\"database_state_seconds\":%.1f,",
			  in_step ? "true" : "false", DbStateName(hub.db_state), now - hub.db_state_since);
	if (hub.last_sync > 0)
	{
		FormatTimestamp(hub.last_sync, stamp, sizeof(stamp));
		BufPrintf(json, "\"last_sync\":\"%s\",\"lag_seconds\":%.3f,", stamp, now - hub.last_sync);
	}
	else
		BufAppendStr(json, "\"last_sync\":null,\"lag_seconds\":null,");
	BufPrintf(json, "\"last_event_id\":%lld,", (long long) hub.last_id);
	if (hub.last_event_at > 0)
		BufPrintf(json, "\"last_event_age_seconds\":%.3f,", now - hub.last_event_at);
	else
		BufAppendStr(json, "\"last_event_age_seconds\":null,");
	BufPrintf(json, "\"ring_events\":%d,\"ring_floor\":%lld,\"clients\":%d,\"reconnects\":%llu,",
			  hub.ring_count, (long long) hub.floor, hub.nclients, (unsigned long long) hub.reconnects);
	if (!hub.scope_known)
		BufAppendStr(json, "\"scope\":null,");
	else if (hub.scope_whole_city)
		BufAppendStr(json, "\"scope\":\"city\",");
	else
		BufPrintf(json, "\"scope\":\"%s\",", hub.scope_region);
	BufPrintf(json, "\"engine\":{\"state\":\"%s\",", EngineVerdictName(verdict));
	if (hub.engine.known && !hub.engine.unsupported)
	{
		JsonAge(json, "last_run_age_seconds", EngineAge(&hub.engine, hub.engine.last_run_age, mono));
		JsonAge(json, "last_success_age_seconds", EngineAge(&hub.engine, hub.engine.last_success_age, mono));
		JsonAge(json, "last_failure_age_seconds", EngineAge(&hub.engine, hub.engine.last_failure_age, mono));
		if (hub.engine.last_failure_sqlstate[0])
			BufPrintf(json, "\"last_failure_sqlstate\":\"%s\",", hub.engine.last_failure_sqlstate);
		else
			BufAppendStr(json, "\"last_failure_sqlstate\":null,");
		JsonAge(json, "oldest_due_age_seconds", EngineAge(&hub.engine, hub.engine.oldest_due_age, mono));
		BufPrintf(json, "\"due_stages\":%lld,", (long long) hub.engine.due_stages);
		BufPrintf(json, "\"checked_seconds_ago\":%.1f,", mono - hub.engine.checked);
	}
	BufPrintf(json, "\"stale_after_seconds\":%.0f}}", config.engine_stale_s);
	pthread_mutex_unlock(&hub.lock);
}

/* Append one metric with its help and type lines. */
void
Metric(Buf *text, const char *name, const char *type, const char *help, double value)
{
	BufPrintf(text, "# HELP %s %s\n# TYPE %s %s\n%s %.17g\n", name, help, name, type, name, value);
}

/*
 * The engine's facts as gauges; absent until the worker has read them. Ages
 * of what never happened are -1; nothing overdue is an age of 0.
 */
static void
EngineMetrics(Buf *text, const EngineHealth *h, double mono)
{
	double		due_age;

	Metric(text, "escalation_engine_health_known", "gauge", "1 if the worker has read escalation.engine_health(), else 0.",
		   h->known && !h->unsupported ? 1 : 0);
	if (!h->known || h->unsupported)
		return;
	due_age = EngineAge(h, h->oldest_due_age, mono);
	Metric(text, "escalation_engine_last_run_failed", "gauge", "1 if the last escalation.run() failed, else 0.", h->last_run_failed ? 1 : 0);
	Metric(text, "escalation_engine_last_run_age_seconds", "gauge", "Seconds since the last escalation.run() ended (-1: never).",
		   EngineAge(h, h->last_run_age, mono));
	Metric(text, "escalation_engine_last_success_age_seconds", "gauge", "Seconds since the last successful escalation.run() ended (-1: never).",
		   EngineAge(h, h->last_success_age, mono));
	Metric(text, "escalation_engine_last_failure_age_seconds", "gauge", "Seconds since the last failed escalation.run() ended (-1: never).",
		   EngineAge(h, h->last_failure_age, mono));
	Metric(text, "escalation_engine_oldest_due_age_seconds", "gauge", "Seconds the oldest stage due but not raised has waited (0: none).",
		   due_age < 0 ? 0 : due_age);
	Metric(text, "escalation_engine_due_stages", "gauge", "Stages due by now that no run has raised yet.", (double) h->due_stages);
	Metric(text, "escalation_engine_health_age_seconds", "gauge", "Seconds since the worker last read escalation.engine_health().", mono - h->checked);
}

/* The worker's counters in the Prometheus text exposition format. */
void
HubMetrics(Buf *text)
{
	double		now = NowSeconds();

	pthread_mutex_lock(&hub.lock);
	Metric(text, "escalation_worker_clients", "gauge", "Server-sent event streams open now.", hub.nclients);
	Metric(text, "escalation_worker_clients_served_total", "counter", "Server-sent event streams opened since start.", (double) hub.clients_served);
	Metric(text, "escalation_worker_clients_dropped_total", "counter", "Streams dropped because the client fell more than --client-queue events behind.", (double) hub.clients_dropped);
	Metric(text, "escalation_worker_events_received_total", "counter", "Events read from the database since start.", (double) hub.events_received);
	Metric(text, "escalation_worker_events_sent_total", "counter", "Events written to screen streams since start.", (double) hub.events_sent);
	Metric(text, "escalation_worker_last_event_id", "gauge", "Id of the last event read from the database.", (double) hub.last_id);
	Metric(text, "escalation_worker_last_event_age_seconds", "gauge", "Seconds since the last event read happened in the database (-1: none yet).",
		   hub.last_event_at > 0 ? now - hub.last_event_at : -1);
	Metric(text, "escalation_worker_reconnects_total", "counter", "Database connections lost and re-established.", (double) hub.reconnects);
	Metric(text, "escalation_worker_database_up", "gauge", "1 while listening on the database, else 0.", hub.db_state == DB_LISTENING ? 1 : 0);
	Metric(text, "escalation_worker_sync_age_seconds", "gauge", "Seconds since the worker last confirmed it has every committed event (-1: never).",
		   hub.last_sync > 0 ? now - hub.last_sync : -1);
	Metric(text, "escalation_worker_db_slots_in_use", "gauge", "Database connections open now for snapshots and resumes (at most --db-connections).", DbSlotsInUse());
	Metric(text, "escalation_worker_ring_events", "gauge", "Events kept in memory for Last-Event-ID resume.", hub.ring_count);
	Metric(text, "escalation_worker_http_requests_total", "counter", "HTTP requests answered.", (double) hub.requests);
	Metric(text, "escalation_worker_http_client_errors_total", "counter", "HTTP requests answered with a 4xx status.", (double) hub.requests_4xx);
	Metric(text, "escalation_worker_http_server_errors_total", "counter", "HTTP requests answered with a 5xx status.", (double) hub.requests_5xx);
	Metric(text, "escalation_worker_uptime_seconds", "gauge", "Seconds since the worker started.", now - hub.started_at);
	Metric(text, "escalation_worker_scope_whole_city", "gauge", "1 if the worker's role sees the whole city, 0 if only part of it (-1: not checked yet).",
		   hub.scope_known ? (hub.scope_whole_city ? 1 : 0) : -1);
	EngineMetrics(text, &hub.engine, MonotonicSeconds());
	pthread_mutex_unlock(&hub.lock);
}

/* Count an answered HTTP request by status class. */
void
HubCountRequest(int status)
{
	pthread_mutex_lock(&hub.lock);
	hub.requests++;
	if (status >= 400 && status < 500)
		hub.requests_4xx++;
	else if (status >= 500)
		hub.requests_5xx++;
	pthread_mutex_unlock(&hub.lock);
}

/*
 * Register an SSE client of a screen. cursor is the last event the client
 * has (Last-Event-ID), or -1 to start with the next event.
 */
Client *
ClientOpen(const char *screen, int64_t cursor, const char *peer)
{
	Client	   *c = CheckedAlloc(sizeof(Client));

	memset(c, 0, sizeof(Client));
	snprintf(c->screen, sizeof(c->screen), "%s", screen);
	snprintf(c->peer, sizeof(c->peer), "%s", peer);
	BufInit(&c->out);
	/* Tells the browser how soon to reconnect after a drop. */
	BufAppendStr(&c->out, "retry: 2000\n\n");
	c->next_heartbeat = MonotonicSeconds() + config.heartbeat_s;
	pthread_mutex_lock(&hub.lock);
	c->base = hub.last_id;
	c->cursor = cursor < 0 ? hub.last_id : cursor;
	c->next = hub.clients;
	if (hub.clients)
		hub.clients->prev = c;
	hub.clients = c;
	hub.nclients++;
	hub.clients_served++;
	pthread_mutex_unlock(&hub.lock);
	LogMessage(LEVEL_INFO, "screen %s: stream opened after event %lld", screen, (long long) c->cursor);
	return c;
}

/* Close the client's database connection, and give its slot back. */
static void
ClientEndBacklog(Client *c)
{
	PQfinish(c->backlog);
	c->backlog = NULL;
	DbReleaseSlot(c->peer);
}

/* Unregister a client when its connection ends, for whatever reason. */
void
ClientClose(Client *c)
{
	bool		overflow;

	pthread_mutex_lock(&hub.lock);
	if (c->prev)
		c->prev->next = c->next;
	else
		hub.clients = c->next;
	if (c->next)
		c->next->prev = c->prev;
	hub.nclients--;
	overflow = c->overflow;
	pthread_mutex_unlock(&hub.lock);
	LogMessage(overflow ? LEVEL_WARNING : LEVEL_INFO, "screen %s: stream closed after %llu events%s",
			   c->screen, (unsigned long long) c->sent,
			   overflow ? ", dropped: it fell too far behind (it resumes by Last-Event-ID)" : "");
	if (c->backlog)
		ClientEndBacklog(c);
	BufFree(&c->out);
	free(c);
}

/*
 * Read the client's missed events that are older than the ring from the
 * database, one page per call. Returns false if the database cannot be read:
 * the stream then ends and the browser resumes from its Last-Event-ID.
 */
static bool
ClientReadBacklog(Client *c, int64_t floor)
{
	char		after[24];
	char		limit[16];
	const char *params[2] = {after, limit};
	char		err[512];
	PGresult   *res;
	int			nrows;
	int64_t		cursor = c->cursor;
	bool		reached = false;
	uint64_t	sent = 0;

	if (c->backlog == NULL)
	{
		SlotResult	slot = DbAcquireSlot(c->peer);

		if (slot != SLOT_TAKEN)
		{
			if (slot == SLOT_OVER_SHARE)
				LogMessage(LEVEL_WARNING, "screen %s: client %s already holds its share of database connections; the browser retries",
						   c->screen, c->peer);
			else
				LogMessage(LEVEL_WARNING, "screen %s: too many resumes from the database at once; the browser retries", c->screen);
			return false;
		}
		c->backlog = DbConnect(config.conninfo, config.connect_timeout_s, err, sizeof(err));
		if (c->backlog == NULL || !DbSetupSession(c->backlog, err, sizeof(err)))
		{
			LogMessage(LEVEL_WARNING, "screen %s: cannot read missed events: %s", c->screen, err);
			ClientEndBacklog(c);
			return false;
		}
	}
	snprintf(after, sizeof(after), "%lld", (long long) cursor);
	snprintf(limit, sizeof(limit), "%d", config.page_size);
	res = DbQuery(c->backlog, Queries()->events,
				  2, params, config.query_timeout_s, err, sizeof(err));
	if (res == NULL)
	{
		LogMessage(LEVEL_WARNING, "screen %s: cannot read missed events: %s", c->screen, err);
		return false;
	}
	nrows = PQntuples(res);
	for (int row = 0; row < nrows; row++)
	{
		Event	   *ev = EventFromRow(res, row, err, sizeof(err));

		if (ev == NULL)
		{
			LogMessage(LEVEL_ERROR, "screen %s: %s", c->screen, err);
			PQclear(res);
			return false;
		}
		if (ev->id > floor)
		{
			reached = true;
			EventFree(ev);
			break;
		}
		if (EventMatches(ev, c->screen))
		{
			BufAppend(&c->out, ev->sse, ev->sse_len);
			sent++;
		}
		cursor = ev->id;
		EventFree(ev);
	}
	PQclear(res);
	/* A short page means nothing older than the ring is left to read. */
	if (nrows < config.page_size)
		reached = true;
	pthread_mutex_lock(&hub.lock);
	c->cursor = reached && floor > cursor ? floor : cursor;
	c->sent += sent;
	hub.events_sent += sent;
	pthread_mutex_unlock(&hub.lock);
	LogMessage(LEVEL_DEBUG, "screen %s: read missed events up to %lld from the database",
			   c->screen, (long long) c->cursor);
	return true;
}

/*
 * Take the client's next events from the ring into its buffer; the hub lock
 * is held. Returns true if anything was added.
 */
static bool
ClientFillFromRing(Client *c)
{
	size_t		before = c->out.len;
	int			i = RingFirstAfter(c->cursor);

	for (; i < hub.ring_count && c->out.len - before < 65536; i++)
	{
		Event	   *ev = RingAt(i);

		if (EventMatches(ev, c->screen))
		{
			BufAppend(&c->out, ev->sse, ev->sse_len);
			if (ev->id > QueueStart(c))
				c->queued--;
			c->sent++;
			hub.events_sent++;
		}
		c->cursor = ev->id;
	}
	return c->out.len > before;
}

/*
 * The body of an SSE stream, called by the server in the connection's own
 * thread: hands out buffered bytes, else waits (up to the heartbeat) for new
 * events of the client's screen. Blocking here delays no other client.
 */
ssize_t
ClientRead(Client *c, char *buf, size_t max)
{
	for (;;)
	{
		int64_t		floor;

		if (c->out_off < c->out.len)
		{
			size_t		n = c->out.len - c->out_off;

			/*
			 * The server may wait long for a slow or stalled browser before it
			 * asks for more: no database slot is held meanwhile. A resume
			 * reconnects for its next page.
			 */
			if (c->backlog)
				ClientEndBacklog(c);

			if (n > max)
				n = max;
			memcpy(buf, c->out.data + c->out_off, n);
			c->out_off += n;
			if (c->out_off == c->out.len)
			{
				BufReset(&c->out);
				c->out_off = 0;
			}
			return (ssize_t) n;
		}

		pthread_mutex_lock(&hub.lock);
		if (hub.stopping)
		{
			pthread_mutex_unlock(&hub.lock);
			return STREAM_END;
		}
		floor = hub.floor;
		ClientCheckLag(c, MonotonicSeconds());
		if (c->overflow)
		{
			pthread_mutex_unlock(&hub.lock);
			return STREAM_ERROR;
		}
		if (c->cursor < floor)
		{
			bool		ok;

			pthread_mutex_unlock(&hub.lock);
			ok = ClientReadBacklog(c, floor);
			if (!ok)
				return STREAM_ERROR;
			continue;
		}
		if (c->backlog)
		{
			/* Caught up with the ring: the connection goes, outside the lock. */
			pthread_mutex_unlock(&hub.lock);
			ClientEndBacklog(c);
			continue;
		}
		if (!ClientFillFromRing(c))
		{
			double		now = MonotonicSeconds();

			if (now >= c->next_heartbeat)
			{
				BufAppendStr(&c->out, ": heartbeat\n\n");
				c->next_heartbeat = now + config.heartbeat_s;
			}
			else
			{
				struct timespec until;
				double		when = c->next_heartbeat;

				until.tv_sec = (time_t) when;
				until.tv_nsec = (long) ((when - (double) until.tv_sec) * 1e9);
				pthread_cond_timedwait(&hub.wake, &hub.lock, &until);
			}
		}
		pthread_mutex_unlock(&hub.lock);
	}
}
