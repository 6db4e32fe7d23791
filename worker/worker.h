/*
 * worker.h — shared declarations of escalation-worker: the options, logging,
 * text buffers, and the interfaces between the database side (listener.c),
 * the event hub (hub.c) and the HTTP side (http.c).
 */
#ifndef ESCALATION_WORKER_H
#define ESCALATION_WORKER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#include <libpq-fe.h>

#define WORKER_NAME "escalation-worker"
#define WORKER_VERSION "0.1.0"

/* A client's address as text (an IPv6 address at most). */
#define PEER_TEXT_LEN 64

/* A region code as text: 6 or 9 digits. */
#define REGION_TEXT_LEN 16

/* Everything the command line can set (main.c). */
typedef struct WorkerConfig
{
	const char *conninfo;		/* "" means the PG* environment alone */
	const char *listen_address;
	int			port;
	const char *www_dir;
	int			ring_size;		/* events kept in memory for resume */
	int			client_queue;	/* undelivered events a client may lag behind */
	double		client_lag_s;	/* ... for at most this long */
	int			max_clients;	/* HTTP connections at once */
	int			heartbeat_s;
	int			request_timeout_s;	/* to send a complete request */
	int			poll_interval_s;	/* re-read even without NOTIFY */
	int			connect_timeout_s;
	int			query_timeout_s;
	double		backoff_min_s;
	double		backoff_max_s;
	int			page_size;		/* rows per warning_events() call */
	int			db_connections; /* at once, for snapshots and resumes */
	int			db_connections_per_client;	/* ... of them for one client address */
	double		engine_stale_s; /* a stage this overdue, and no success as long: unhealthy; 0 never */
	bool		ignore_engine;	/* /healthz does not judge the engine */
	bool		allow_partial_scope;	/* serve a role that sees less than the city */
	bool		province;		/* serve a province database (docs/PROVINCE.md) */
	bool		deliver;		/* send notifications instead of serving screens */
	int			senders;		/* --deliver: sends at once */
	double		send_timeout_s; /* ... each within this, connection included */
	double		send_connect_timeout_s;
	int			lease_s;		/* how long a claim is ours */
} WorkerConfig;

extern WorkerConfig config;

/* main.c: stop the worker from any thread, exiting with status code. */
#define EXIT_CONFIG 78			/* sysexits' EX_CONFIG: restarting cannot help */
extern void WorkerFatal(int code);
/* The SQL the worker reads with: a city's functions, or a province's. */
typedef struct SourceQueries
{
	const char *screens;		/* code, name, level */
	const char *events;			/* $1 after, $2 max rows */
	const char *events_tail;	/* $1 keep */
	const char *screen_warnings;	/* $1 screen */
	const char *documents;		/* $1 screen: its orders and circulars; NULL: none */
	const char *order_document;	/* $1 id: a supervision order, one row */
	const char *circular_document;	/* $1 id: a circular's head, one row */
	const char *circular_items; /* $1 id: a circular's items, in print order */
} SourceQueries;

extern const SourceQueries *Queries(void);

/* log.c */
typedef enum LogLevel
{
	LEVEL_DEBUG,
	LEVEL_INFO,
	LEVEL_WARNING,
	LEVEL_ERROR
} LogLevel;

extern LogLevel log_min_level;

extern bool ParseLogLevel(const char *name, LogLevel *level);
extern const char *LogLevelName(LogLevel level);
extern void LogMessage(LogLevel level, const char *fmt,...) __attribute__((format(printf, 2, 3)));
extern double NowSeconds(void);
extern double MonotonicSeconds(void);
extern void FormatTimestamp(double epoch, char *out, size_t outlen);

/* text.c */
typedef struct Buf
{
	char	   *data;
	size_t		len;
	size_t		cap;
} Buf;

extern void *CheckedAlloc(size_t size);
extern char *CheckedStrdup(const char *s);
extern void BufInit(Buf *buf);
extern void BufFree(Buf *buf);
extern void BufReset(Buf *buf);
extern void BufAppend(Buf *buf, const char *data, size_t len);
extern void BufAppendStr(Buf *buf, const char *s);
extern void BufPrintf(Buf *buf, const char *fmt,...) __attribute__((format(printf, 2, 3)));
extern void BufAppendJsonChars(Buf *buf, const char *s);
extern void BufAppendJsonString(Buf *buf, const char *s);
extern void BufAppendHtml(Buf *buf, const char *s);
extern void BufAppendRowJson(Buf *buf, const PGresult *res, int row);
extern bool ParseEventId(const char *s, int64_t *out);
extern bool ParseTimestamp(const char *s, double *epoch);
extern void OneLine(char *s);

/* pgconn.c: non-blocking libpq with a deadline on every wait */
extern int	shutdown_fd;		/* readable once the worker is stopping */
extern PGconn *DbConnect(const char *conninfo, double timeout_s, char *err, size_t errlen);
extern bool DbSend(PGconn *conn, const char *sql, int nparams, const char *const *values,
				   double timeout_s, char *err, size_t errlen);
extern PGresult *DbQuery(PGconn *conn, const char *sql, int nparams, const char *const *values,
						 double timeout_s, char *err, size_t errlen);
extern bool DbSetupSession(PGconn *conn, char *err, size_t errlen);
typedef enum SlotResult
{
	SLOT_TAKEN,
	SLOT_ALL_BUSY,				/* every --db-connections slot is taken */
	SLOT_OVER_SHARE				/* this client address holds its share */
} SlotResult;
extern SlotResult DbAcquireSlot(const char *peer);
extern void DbReleaseSlot(const char *peer);
extern int	DbSlotsInUse(void);
extern void DbFreeSlots(void);
typedef enum WaitResult
{
	WAIT_READY,
	WAIT_TIMEOUT,
	WAIT_SHUTDOWN,
	WAIT_FAILED
} WaitResult;
extern WaitResult DbWait(PGconn *conn, bool for_write, double deadline);

/* hub.c: the ring of recent events and the connected screens */
typedef struct Event
{
	int64_t		id;
	char		type[16];		/* raised, resolved, acknowledged */
	char		screen_region[REGION_TEXT_LEN];
	char		district[REGION_TEXT_LEN];
	double		at;				/* when it happened, epoch seconds */
	char	   *sse;			/* the whole SSE message */
	size_t		sse_len;
} Event;

typedef struct Screen
{
	char		code[REGION_TEXT_LEN];
	char	   *name;
	bool		is_city;
	bool		is_province;
} Screen;

typedef enum DbState
{
	DB_BACKOFF,
	DB_CONNECTING,
	DB_SETTING_UP,
	DB_CATCHING_UP,
	DB_LISTENING,
	DB_STOPPED
} DbState;

typedef struct Client Client;

/*
 * What escalation.engine_health() said at the listener's last check. Ages are
 * seconds on the database's clock at checked (monotonic), negative for none.
 */
typedef struct EngineHealth
{
	bool		known;			/* read at least once */
	bool		unsupported;	/* the database cannot tell (old extension, no privilege) */
	double		checked;
	double		last_run_age;
	bool		last_run_failed;
	double		last_success_age;
	double		last_failure_age;
	char		last_failure_sqlstate[8];
	double		oldest_due_age;
	int64_t		due_stages;
} EngineHealth;

/* The engine's state as /healthz judges it. */
typedef enum EngineVerdict
{
	ENGINE_OK,
	ENGINE_UNKNOWN,				/* not read (yet), or the database cannot tell */
	ENGINE_FAILED,				/* its last run failed */
	ENGINE_STALE				/* a stage is overdue and no run succeeded lately */
} EngineVerdict;

extern void HubInit(void);
extern void HubShutdown(void);
extern void HubDestroy(void);
extern bool HubStopping(void);
extern Event *EventFromRow(const PGresult *res, int row, char *err, size_t errlen);
extern void EventFree(Event *ev);
extern bool EventMatches(const Event *ev, const char *screen);
extern void HubPublish(Event **events, int n, bool initial);
extern int64_t HubLastId(void);
extern void HubStartAfter(int64_t id);
extern void HubSetDbState(DbState state);
extern void HubNoteSync(void);
extern bool HubSynced(void);
extern void HubNoteReconnect(void);
extern const char *DbStateName(DbState state);
extern void HubSetScreens(Screen *screens, int n);
extern void HubSetEngineHealth(const EngineHealth *health);
extern EngineVerdict JudgeEngine(const EngineHealth *health, double now);
extern const char *EngineVerdictName(EngineVerdict verdict);
extern void HubSetScope(bool whole_city, const char *region);
extern bool HubFindScreen(const char *code, Screen *out, bool *known);
extern int	HubListScreens(Buf *json, Buf *html);
extern const char *ScreenLevel(const Screen *s);
extern void HubHealth(Buf *json, bool *healthy);
extern void HubMetrics(Buf *text);
extern void Metric(Buf *text, const char *name, const char *type, const char *help, double value);
extern void HubCountRequest(int status);
extern Client *ClientOpen(const char *screen, int64_t cursor, const char *peer);
extern void ClientClose(Client *client);
/* What ClientRead returns at the end of a stream, as opposed to a byte count. */
#define STREAM_END (-1)			/* the worker is stopping */
#define STREAM_ERROR (-2)		/* drop the connection: the browser resumes */
extern ssize_t ClientRead(Client *client, char *buf, size_t max);

/* documents.c: the printable documents and their lists as HTML */
extern void OrderHtml(Buf *html, const PGresult *res);
extern void CircularHtml(Buf *html, const PGresult *head, const PGresult *items);
extern void DocumentListHtml(Buf *html, const char *title, const char *screen_path, const PGresult *res);
/* message.c: what the sender puts on the wire, and the reading of answers */
typedef enum TemplateEscape
{
	ESCAPE_NONE,
	ESCAPE_JSON,
	ESCAPE_URL
} TemplateEscape;

typedef struct TemplateValue
{
	const char *name;
	const char *value;
} TemplateValue;

extern void BufAppendBase64(Buf *buf, const unsigned char *data, size_t len);
extern void BufAppendUrlEncoded(Buf *buf, const char *s);
extern void MessageText(Buf *out, const char *subject, const char *body, const char *link);
extern void WecomBody(Buf *out, const char *text, const char *mobile);
extern void DingtalkBody(Buf *out, const char *text, const char *mobile);
extern bool DingtalkSignedUrl(Buf *out, const char *endpoint, const char *secret, long long timestamp_ms);
extern TemplateEscape EscapeForContentType(const char *content_type);
extern void FillTemplate(Buf *out, const char *tmpl, const TemplateValue *values, int nvalues,
						 TemplateEscape escape);
extern void MailSubject(Buf *out, const char *subject);
extern void MailMessageId(Buf *out, const char *key);
extern void MailMessage(Buf *out, const char *from, const char *to, const char *subject, const char *body,
						const char *link, const char *key, time_t now);
extern bool RobotErrcode(const char *answer, long *errcode);
extern double RetryAfterSeconds(const char *value, double now, time_t (*parse_date) (const char *));

/* deliver.c: the sender (--deliver) */
extern void *DeliverMain(void *arg);
extern void DeliverStop(void);
extern void DeliverMetrics(Buf *text);
extern void DeliverHealth(Buf *json, bool *healthy);

/* listener.c */
extern void *ListenerMain(void *arg);

/* http.c */
extern bool HttpStart(void);
extern void HttpStop(void);

#endif
