/*
 * http.c — the HTTP side: the list of screens, the screen page and its static
 * files, the SSE stream of a screen, a JSON snapshot of a screen's active
 * warnings, the printable documents (supervision orders, circulars) and a
 * screen's list of them, health and metrics.
 *
 * The server runs one thread per connection: an SSE stream waits for events
 * in its own thread (hub.c), so a slow or stalled browser blocks nobody but
 * itself, and a stalled one is closed by the connection timeout. A connection
 * must deliver each complete request within --request-timeout, however it
 * trickles its bytes, so idle and slow-header clients cannot pin threads and
 * connection slots. Only GET and HEAD are served; every request is answered
 * on its first call, so request bodies are never read. What a request may
 * name (screens, static files) is checked by request.c.
 */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <microhttpd.h>

#include "request.h"
#include "worker.h"

#define MAX_STATIC_FILE (4 * 1024 * 1024)

/*
 * Stack of a connection thread, ample for its deepest path (a resume read
 * from the database through libpq); the default 8 MB would reserve 32 GB of
 * address space at the default connection limit.
 */
#define THREAD_STACK_SIZE (512 * 1024)

/* File descriptors kept for the database, log and listening socket beyond the connections. */
#define SPARE_FDS 64

/*
 * A connection waiting for a complete request. Every received byte resets the
 * library's inactivity timeout, so a client trickling its headers would hold
 * its connection (and thread) forever; the watchdog cuts any connection whose
 * request is not complete by its deadline instead.
 */
typedef struct Pending
{
	int			fd;
	double		deadline;		/* monotonic; 0 while a request is being answered */
	struct Pending *prev;
	struct Pending *next;
} Pending;

static struct MHD_Daemon *daemon_handle;

static struct
{
	pthread_mutex_t lock;
	pthread_cond_t wake;
	Pending    *head;
	bool		stopping;
	bool		running;
	pthread_t	thread;
}			watchdog = {.lock = PTHREAD_MUTEX_INITIALIZER, .wake = PTHREAD_COND_INITIALIZER};

/* Queue a response with a body, the given type and the common headers. */
static enum MHD_Result
Respond(struct MHD_Connection *conn, unsigned int status, const char *type,
		const char *body, size_t len, const char *cache)
{
	struct MHD_Response *resp;
	enum MHD_Result ret;

	resp = MHD_create_response_from_buffer(len, (void *) body, MHD_RESPMEM_MUST_COPY);
	if (resp == NULL)
		return MHD_NO;
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, type);
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, cache ? cache : "no-store");
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(resp, "Referrer-Policy", "no-referrer");
	if (strncmp(type, "text/html", 9) == 0)
		MHD_add_response_header(resp, "Content-Security-Policy",
								"default-src 'self'; img-src 'self' data:; frame-ancestors 'self'");
	if (status == MHD_HTTP_METHOD_NOT_ALLOWED)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_ALLOW, "GET, HEAD");
	if (status == MHD_HTTP_SERVICE_UNAVAILABLE || status == MHD_HTTP_TOO_MANY_REQUESTS)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_RETRY_AFTER, "2");
	ret = MHD_queue_response(conn, status, resp);
	MHD_destroy_response(resp);
	HubCountRequest((int) status);
	return ret;
}

/* Answer with a JSON body built in body, which is freed. */
static enum MHD_Result
RespondJson(struct MHD_Connection *conn, unsigned int status, Buf *body)
{
	enum MHD_Result ret;

	ret = Respond(conn, status, "application/json; charset=utf-8", body->data, body->len, NULL);
	BufFree(body);
	return ret;
}

/*
 * Answer with a JSON error object {"error": message}. The message is for
 * anyone who can reach the port: it says what failed, never the database's
 * or the system's own text (the caller logs that).
 */
static enum MHD_Result
RespondError(struct MHD_Connection *conn, unsigned int status, const char *fmt,...)
{
	char		msg[512];
	va_list		ap;
	Buf			body;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	LogMessage(status >= 500 ? LEVEL_WARNING : LEVEL_DEBUG, "HTTP %u: %s", status, msg);
	BufInit(&body);
	BufAppendStr(&body, "{\"error\":");
	BufAppendJsonString(&body, msg);
	BufAppendStr(&body, "}\n");
	return RespondJson(conn, status, &body);
}

/*
 * Resolve the screen a request names ("city" or a district code) and answer
 * the request if it cannot be resolved. Returns true with *screen filled
 * (free screen->name) when the caller should go on.
 */
static bool
ResolveScreen(struct MHD_Connection *conn, const char *code, Screen *screen, enum MHD_Result *ret)
{
	bool		known;

	if (code == NULL || *code == '\0')
	{
		*ret = RespondError(conn, MHD_HTTP_BAD_REQUEST, "parameter \"screen\" is required: \"city\" or a district code");
		return false;
	}
	if (!IsScreenCode(code))
	{
		*ret = RespondError(conn, MHD_HTTP_BAD_REQUEST, "invalid screen \"%.32s\": expected \"city\" or a 6-digit district code", code);
		return false;
	}
	if (HubFindScreen(code, screen, &known))
		return true;
	if (!known)
		*ret = RespondError(conn, MHD_HTTP_SERVICE_UNAVAILABLE, "the list of screens is not loaded yet: the database has not been reached");
	else
		*ret = RespondError(conn, MHD_HTTP_NOT_FOUND, "no screen for region \"%s\": it is neither the city nor one of its districts", code);
	return false;
}

/* Serve a file of the static directory (the name is already checked). */
static enum MHD_Result
ServeFile(struct MHD_Connection *conn, const char *name, const char *cache)
{
	char		path[4096];
	struct stat st;
	char	   *data;
	ssize_t		got = 0;
	int			fd;
	enum MHD_Result ret;

	snprintf(path, sizeof(path), "%s/%s", config.www_dir, name);
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
	{
		if (errno == ENOENT)
			return RespondError(conn, MHD_HTTP_NOT_FOUND, "no such file: \"%s\"", name);
		LogMessage(LEVEL_WARNING, "cannot open static file \"%s\": %s", path, strerror(errno));
		return RespondError(conn, MHD_HTTP_INTERNAL_SERVER_ERROR, "cannot open static file \"%s\"", name);
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size > MAX_STATIC_FILE)
	{
		close(fd);
		return RespondError(conn, MHD_HTTP_NOT_FOUND, "no such file: \"%s\"", name);
	}
	data = CheckedAlloc((size_t) st.st_size);
	while (got < st.st_size)
	{
		ssize_t		n = read(fd, data + got, (size_t) (st.st_size - got));

		if (n <= 0)
			break;
		got += n;
	}
	close(fd);
	if (got != st.st_size)
	{
		free(data);
		return RespondError(conn, MHD_HTTP_INTERNAL_SERVER_ERROR, "cannot read static file \"%s\"", name);
	}
	ret = Respond(conn, MHD_HTTP_OK, ContentType(name), data, (size_t) got, cache);
	free(data);
	return ret;
}

/* The start of a page the worker writes itself (the list, a missing screen), up to its <main>. */
static void
BufAppendPageHead(Buf *html, const char *title)
{
	BufAppendStr(html,
				 "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n"
				 "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>");
	BufAppendHtml(html, title);
	BufAppendStr(html,
				 "</title>\n<link rel=\"stylesheet\" href=\"/static/screen.css\">\n</head>\n"
				 "<body class=\"index\">\n<header class=\"masthead\"><h1>安全生产综合监管平台 · 预警大屏</h1></header>\n"
				 "<main>\n");
}

#define PAGE_TAIL	"</main>\n</body>\n</html>\n"

/* "/": the list of screens. */
static enum MHD_Result
ServeIndex(struct MHD_Connection *conn)
{
	Buf			html;
	Buf			items;
	enum MHD_Result ret;

	BufInit(&html);
	BufInit(&items);
	BufAppendPageHead(&html, "安全生产综合监管平台 · 预警大屏");
	if (HubListScreens(NULL, &items) > 0)
	{
		BufAppendStr(&html, "<p class=\"hint\">请选择大屏（市级大屏显示全市升级预警，区县大屏显示本区县预警）：</p>\n"
					 "<ul class=\"screens\">\n");
		BufAppend(&html, items.data, items.len);
		BufAppendStr(&html, "</ul>\n");
	}
	else
		BufAppendStr(&html, "<p class=\"hint\">尚未连接数据库，暂无大屏列表，请稍后刷新。</p>\n");
	BufAppendStr(&html, PAGE_TAIL);
	ret = Respond(conn, MHD_HTTP_OK, "text/html; charset=utf-8", html.data, html.len, NULL);
	BufFree(&items);
	BufFree(&html);
	return ret;
}

/*
 * A screen page that does not exist: a page in Chinese that says so and links
 * to the list, since a person typed or bookmarked the address (the API answers
 * such codes with JSON errors instead).
 */
static enum MHD_Result
ServeNoSuchScreen(struct MHD_Connection *conn, const char *code)
{
	Buf			html;
	enum MHD_Result ret;

	LogMessage(LEVEL_DEBUG, "HTTP 404: no screen page for \"%.32s\"", code);
	BufInit(&html);
	BufAppendPageHead(&html, "没有这个大屏 · 安全生产综合监管平台");
	BufAppendStr(&html, "<p class=\"hint\" id=\"not-found\">没有这个大屏：<code>");
	BufAppendHtml(&html, code);
	BufAppendStr(&html, "</code>。大屏的地址是本市或其区县的区划代码（如 <code>/screen/city</code>）。"
				 "No such screen.</p>\n<p class=\"hint\"><a href=\"/\">返回大屏列表 · All screens</a></p>\n");
	BufAppendStr(&html, PAGE_TAIL);
	ret = Respond(conn, MHD_HTTP_NOT_FOUND, "text/html; charset=utf-8", html.data, html.len, NULL);
	BufFree(&html);
	return ret;
}

/* "/api/screens": the list of screens as JSON. */
static enum MHD_Result
ServeScreens(struct MHD_Connection *conn)
{
	Buf			json;

	BufInit(&json);
	BufAppendStr(&json, "{\"screens\":");
	HubListScreens(&json, NULL);
	BufAppendStr(&json, "}\n");
	return RespondJson(conn, MHD_HTTP_OK, &json);
}

/*
 * Run queries with one parameter on a connection of their own, within the
 * --db-connections slots, for a request from peer, into results[]. On
 * failure, answers the request (503/429, nothing of the database's text) and
 * returns false with *ret set and no result kept; what names the rows in the
 * answer and the log.
 */
static bool
ReadRows(struct MHD_Connection *conn, const char *peer, int n, const char *const *sqls, PGresult **results,
		 const char *const *params, const char *what, enum MHD_Result *ret)
{
	char		err[512];
	PGconn	   *db;
	int			done = 0;

	switch (DbAcquireSlot(peer))
	{
		case SLOT_TAKEN:
			break;
		case SLOT_OVER_SHARE:
			*ret = RespondError(conn, MHD_HTTP_TOO_MANY_REQUESTS, "too many snapshot requests from this address at once; retry shortly");
			return false;
		case SLOT_ALL_BUSY:
			*ret = RespondError(conn, MHD_HTTP_SERVICE_UNAVAILABLE, "too many snapshot requests at once; retry shortly");
			return false;
	}
	db = DbConnect(config.conninfo, config.connect_timeout_s, err, sizeof(err));
	if (db == NULL || !DbSetupSession(db, err, sizeof(err)))
	{
		PQfinish(db);
		DbReleaseSlot(peer);
		LogMessage(LEVEL_WARNING, "read of %s (%s): %s", what, params[0], err);
		*ret = RespondError(conn, MHD_HTTP_SERVICE_UNAVAILABLE, "the database cannot be reached; retry shortly");
		return false;
	}
	while (done < n && (results[done] = DbQuery(db, sqls[done], 1, params, config.query_timeout_s, err, sizeof(err))) != NULL)
		done++;
	PQfinish(db);
	DbReleaseSlot(peer);
	if (done == n)
		return true;
	while (done > 0)
		PQclear(results[--done]);
	LogMessage(LEVEL_WARNING, "read of %s (%s): %s", what, params[0], err);
	*ret = RespondError(conn, MHD_HTTP_SERVICE_UNAVAILABLE, "cannot read %s; retry shortly", what);
	return false;
}

/*
 * "/api/warnings?screen=R": the screen's active warnings, newest first, from
 * escalation.screen_warnings(R). last_event_id is read before the query, so a
 * client that applies the snapshot and then streams events after that id
 * misses nothing (events it already has are idempotent).
 */
static enum MHD_Result
ServeWarnings(struct MHD_Connection *conn, const Screen *screen, const char *peer)
{
	int64_t		last_id = HubLastId();
	const char *params[1] = {screen->code};
	char		stamp[32];
	PGresult   *res;
	Buf			json;
	enum MHD_Result ret;

	/* Before the first catch-up, last_id would send the page through all history. */
	if (!HubSynced())
		return RespondError(conn, MHD_HTTP_SERVICE_UNAVAILABLE, "not yet in step with the database; retry shortly");
	if (!ReadRows(conn, peer, 1, &Queries()->screen_warnings, &res, params, "the screen's warnings", &ret))
		return ret;
	BufInit(&json);
	FormatTimestamp(NowSeconds(), stamp, sizeof(stamp));
	BufPrintf(&json, "{\"screen\":{\"code\":\"%s\",\"level\":\"%s\",\"name\":",
			  screen->code, ScreenLevel(screen));
	BufAppendJsonString(&json, screen->name);
	BufPrintf(&json, "},\"last_event_id\":%lld,\"generated_at\":\"%s\",\"warnings\":[",
			  (long long) last_id, stamp);
	for (int row = 0; row < PQntuples(res); row++)
	{
		if (row > 0)
			BufAppendStr(&json, ",");
		BufAppendRowJson(&json, res, row);
	}
	BufAppendStr(&json, "]}\n");
	PQclear(res);
	return RespondJson(conn, MHD_HTTP_OK, &json);
}

/* Body of an SSE response: the client's stream (hub.c). */
static ssize_t
SseRead(void *cls, uint64_t pos, char *buf, size_t max)
{
	ssize_t		n = ClientRead((Client *) cls, buf, max);

	(void) pos;
	if (n == STREAM_END)
		return MHD_CONTENT_READER_END_OF_STREAM;
	if (n == STREAM_ERROR)
		return MHD_CONTENT_READER_END_WITH_ERROR;
	return n;
}

/* The SSE response is gone: the connection ended. */
static void
SseFree(void *cls)
{
	ClientClose((Client *) cls);
}

/*
 * "/events?screen=R": the screen's events as Server-Sent Events. A browser
 * resuming sends Last-Event-ID; a page that loaded a snapshot passes its
 * last_event_id as ?after=.
 */
static enum MHD_Result
ServeEvents(struct MHD_Connection *conn, const Screen *screen, bool head, const char *peer)
{
	const char *last = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_LAST_EVENT_ID);
	const char *after = MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND, "after");
	int64_t		cursor = -1;
	struct MHD_Response *resp;
	Client	   *client;
	enum MHD_Result ret;

	if (last != NULL && *last != '\0')
	{
		if (!ParseEventId(last, &cursor))
			return RespondError(conn, MHD_HTTP_BAD_REQUEST, "invalid Last-Event-ID \"%.32s\": expected an event id", last);
	}
	else if (after != NULL)
	{
		if (!ParseEventId(after, &cursor))
			return RespondError(conn, MHD_HTTP_BAD_REQUEST, "invalid parameter \"after\" \"%.32s\": expected an event id", after);
	}
	if (head)
		return Respond(conn, MHD_HTTP_OK, "text/event-stream; charset=utf-8", "", 0, NULL);

	client = ClientOpen(screen->code, cursor, peer);
	resp = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 16 * 1024, SseRead, client, SseFree);
	if (resp == NULL)
	{
		ClientClose(client);
		return MHD_NO;
	}
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, "text/event-stream; charset=utf-8");
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
	MHD_add_response_header(resp, "X-Accel-Buffering", "no");
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	ret = MHD_queue_response(conn, MHD_HTTP_OK, resp);
	MHD_destroy_response(resp);
	HubCountRequest(MHD_HTTP_OK);
	return ret;
}

/* "/healthz": 200 while the worker is in step with the database, else 503. */
static enum MHD_Result
ServeHealth(struct MHD_Connection *conn)
{
	Buf			json;
	bool		healthy;

	BufInit(&json);
	if (config.deliver)
		DeliverHealth(&json, &healthy);
	else
		HubHealth(&json, &healthy);
	BufAppendStr(&json, "\n");
	return RespondJson(conn, healthy ? MHD_HTTP_OK : MHD_HTTP_SERVICE_UNAVAILABLE, &json);
}

/* "/metrics": Prometheus text exposition. */
static enum MHD_Result
ServeMetrics(struct MHD_Connection *conn)
{
	Buf			text;
	enum MHD_Result ret;

	BufInit(&text);
	if (config.deliver)
		DeliverMetrics(&text);
	else
		HubMetrics(&text);
	ret = Respond(conn, MHD_HTTP_OK, "text/plain; version=0.0.4; charset=utf-8", text.data, text.len, NULL);
	BufFree(&text);
	return ret;
}

/* The client's address as text ("unknown" if the library cannot say). */
static void
ClientAddress(struct MHD_Connection *conn, char *out, size_t outlen)
{
	const union MHD_ConnectionInfo *info = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	socklen_t	len;

	snprintf(out, outlen, "unknown");
	if (info == NULL || info->client_addr == NULL)
		return;
	len = info->client_addr->sa_family == AF_INET6 ? sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in);
	if (getnameinfo(info->client_addr, len, out, (socklen_t) outlen, NULL, 0, NI_NUMERICHOST) != 0)
		snprintf(out, outlen, "unknown");
}

/* Routes that take ?screen=: resolve it, then serve. */
static enum MHD_Result
ServeForScreen(struct MHD_Connection *conn, const char *path, bool head)
{
	const char *code = MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND, "screen");
	char		peer[PEER_TEXT_LEN];
	Screen		screen;
	enum MHD_Result ret;

	if (!ResolveScreen(conn, code, &screen, &ret))
		return ret;
	ClientAddress(conn, peer, sizeof(peer));
	if (strcmp(path, "/events") == 0)
		ret = ServeEvents(conn, &screen, head, peer);
	else
		ret = ServeWarnings(conn, &screen, peer);
	free(screen.name);
	return ret;
}

/* "/screen/<city|district code>": the screen page, once the screen is known to exist. */
static enum MHD_Result
ServeScreenPage(struct MHD_Connection *conn, const char *code)
{
	Screen		screen;
	bool		known;

	if (!IsScreenCode(code))
		return ServeNoSuchScreen(conn, code);
	if (HubFindScreen(code, &screen, &known))
		free(screen.name);
	else if (known)
		return ServeNoSuchScreen(conn, code);
	/* Not yet known: serve the page, which waits for the database like any screen. */
	return ServeFile(conn, "screen.html", "no-cache");
}

/*
 * A short page for a document or list that is not there (404) or cannot be
 * named so (400): the request's text is not echoed, nothing is said of why.
 */
static enum MHD_Result
ServeNoDocument(struct MHD_Connection *conn, unsigned int status)
{
	static const char not_found[] = "<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\">"
		"<title>没有这份文件</title></head>\n<body><p id=\"not-found\">没有这份文件。No such document.</p>"
		"<p><a href=\"/\">返回大屏列表</a></p></body></html>\n";
	static const char bad[] = "<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\">"
		"<title>地址有误</title></head>\n<body><p id=\"bad-request\">文件地址有误。Invalid document address.</p>"
		"<p><a href=\"/\">返回大屏列表</a></p></body></html>\n";
	const char *body = status == MHD_HTTP_NOT_FOUND ? not_found : bad;

	LogMessage(LEVEL_DEBUG, "HTTP %u: no such document", status);
	return Respond(conn, status, "text/html; charset=utf-8", body, strlen(body), NULL);
}

/* Answer with an HTML page built in html, which is freed. */
static enum MHD_Result
RespondHtml(struct MHD_Connection *conn, Buf *html)
{
	enum MHD_Result ret;

	ret = Respond(conn, MHD_HTTP_OK, "text/html; charset=utf-8", html->data, html->len, NULL);
	BufFree(html);
	return ret;
}

/*
 * "/documents/<city|district code>": the screen's supervision orders and
 * circulars, each linking its printable page; what the worker's role may see
 * (escalation.screen_documents applies its scope).
 */
static enum MHD_Result
ServeDocumentList(struct MHD_Connection *conn, const char *code)
{
	char		peer[PEER_TEXT_LEN];
	char		title[256];
	const char *params[1];
	Screen		screen;
	bool		known;
	PGresult   *res;
	Buf			html;
	enum MHD_Result ret;

	if (!IsScreenCode(code))
		return ServeNoDocument(conn, MHD_HTTP_NOT_FOUND);
	if (!HubFindScreen(code, &screen, &known))
	{
		if (!known)
			return RespondError(conn, MHD_HTTP_SERVICE_UNAVAILABLE, "the list of screens is not loaded yet: the database has not been reached");
		return ServeNoDocument(conn, MHD_HTTP_NOT_FOUND);
	}
	if (Queries()->documents == NULL)
	{
		free(screen.name);
		return ServeNoDocument(conn, MHD_HTTP_NOT_FOUND);
	}
	params[0] = screen.code;
	ClientAddress(conn, peer, sizeof(peer));
	if (ReadRows(conn, peer, 1, &Queries()->documents, &res, params, "the screen's documents", &ret))
	{
		snprintf(title, sizeof(title), "%s · 督办单与通报", screen.name);
		BufInit(&html);
		DocumentListHtml(&html, title, screen.is_city ? "city" : screen.code, res);
		PQclear(res);
		ret = RespondHtml(conn, &html);
	}
	free(screen.name);
	return ret;
}

/*
 * "/order/<id>", "/circular/<id>": a printable document. An id that is not
 * one (not 1-18 digits) is 400; one the database does not show the worker's
 * role (none, or another district's) is 404, told apart from nothing else.
 */
static enum MHD_Result
ServeDocument(struct MHD_Connection *conn, DocumentKind kind, const char *id_text)
{
	char		peer[PEER_TEXT_LEN];
	char		id[24];
	int64_t		value;
	const SourceQueries *q = Queries();
	const char *sqls[2] = {kind == DOCUMENT_ORDER ? q->order_document : q->circular_document, q->circular_items};
	int			n = kind == DOCUMENT_ORDER ? 1 : 2;
	const char *params[1] = {id};
	PGresult   *res[2];
	Buf			html;
	enum MHD_Result ret;

	if (!ParseDocumentId(id_text, &value))
		return ServeNoDocument(conn, MHD_HTTP_BAD_REQUEST);
	if (sqls[0] == NULL)
		return ServeNoDocument(conn, MHD_HTTP_NOT_FOUND);
	snprintf(id, sizeof(id), "%lld", (long long) value);
	ClientAddress(conn, peer, sizeof(peer));
	if (!ReadRows(conn, peer, n, sqls, res, params, kind == DOCUMENT_ORDER ? "a supervision order" : "a circular", &ret))
		return ret;
	if (PQntuples(res[0]) == 0)
		ret = ServeNoDocument(conn, MHD_HTTP_NOT_FOUND);
	else
	{
		BufInit(&html);
		if (kind == DOCUMENT_ORDER)
			OrderHtml(&html, res[0]);
		else
			CircularHtml(&html, res[0], res[1]);
		ret = RespondHtml(conn, &html);
	}
	for (int i = 0; i < n; i++)
		PQclear(res[i]);
	return ret;
}

/*
 * Note the state of a connection's request: being answered (no deadline), or
 * answered, so the next request of a kept-alive connection must be complete
 * within --request-timeout like the first.
 */
static void
WatchRequest(struct MHD_Connection *conn, bool answered)
{
	const union MHD_ConnectionInfo *info;
	Pending    *p;

	info = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
	if (info == NULL || info->socket_context == NULL)
		return;
	p = info->socket_context;
	pthread_mutex_lock(&watchdog.lock);
	p->deadline = answered ? MonotonicSeconds() + config.request_timeout_s : 0;
	pthread_mutex_unlock(&watchdog.lock);
}

/* Called when a request is done: its connection waits for the next one under the deadline. */
static void
RequestCompleted(void *cls, struct MHD_Connection *conn, void **req_cls, enum MHD_RequestTerminationCode code)
{
	(void) cls;
	(void) req_cls;
	(void) code;
	WatchRequest(conn, true);
}

/*
 * Called when a connection opens (start its deadline) or closes (forget it,
 * under the lock, so the watchdog never shuts down a descriptor number that
 * has been closed and reused).
 */
static void
ConnectionChanged(void *cls, struct MHD_Connection *conn, void **socket_context,
				  enum MHD_ConnectionNotificationCode code)
{
	const union MHD_ConnectionInfo *info;
	Pending    *p;

	(void) cls;
	if (code == MHD_CONNECTION_NOTIFY_STARTED)
	{
		info = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);
		if (info == NULL)
			return;
		p = CheckedAlloc(sizeof(Pending));
		p->fd = info->connect_fd;
		p->prev = NULL;
		pthread_mutex_lock(&watchdog.lock);
		p->deadline = MonotonicSeconds() + config.request_timeout_s;
		p->next = watchdog.head;
		if (watchdog.head)
			watchdog.head->prev = p;
		watchdog.head = p;
		pthread_mutex_unlock(&watchdog.lock);
		*socket_context = p;
	}
	else if (code == MHD_CONNECTION_NOTIFY_CLOSED && *socket_context != NULL)
	{
		p = *socket_context;
		pthread_mutex_lock(&watchdog.lock);
		if (p->prev)
			p->prev->next = p->next;
		else
			watchdog.head = p->next;
		if (p->next)
			p->next->prev = p->prev;
		pthread_mutex_unlock(&watchdog.lock);
		free(p);
		*socket_context = NULL;
	}
}

/*
 * The watchdog thread: once a second, shut down the sockets of connections
 * past their deadline; their threads then see the end of the stream and
 * close them through the library as usual.
 */
static void *
WatchdogMain(void *arg)
{
	struct timespec until;

	(void) arg;
	pthread_mutex_lock(&watchdog.lock);
	while (!watchdog.stopping)
	{
		double		now = MonotonicSeconds();
		unsigned long cut = 0;

		for (Pending *p = watchdog.head; p; p = p->next)
			if (p->deadline > 0 && p->deadline <= now)
			{
				shutdown(p->fd, SHUT_RDWR);
				p->deadline = 0;
				cut++;
			}
		if (cut > 0)
			LogMessage(LEVEL_DEBUG, "closed %lu connections that sent no complete request within %d s",
					   cut, config.request_timeout_s);
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += 1;
		pthread_cond_timedwait(&watchdog.wake, &watchdog.lock, &until);
	}
	pthread_mutex_unlock(&watchdog.lock);
	return NULL;
}

/*
 * Let the process open a descriptor per allowed connection: raise the soft
 * limit towards the hard one (service managers commonly start services with
 * a soft limit of 1024), and say so if the hard limit is too low.
 */
static void
RaiseFileLimit(void)
{
	struct rlimit rl;
	rlim_t		want = (rlim_t) config.max_clients + SPARE_FDS;

	if (getrlimit(RLIMIT_NOFILE, &rl) != 0 || rl.rlim_cur >= want)
		return;
	rl.rlim_cur = (rl.rlim_max == RLIM_INFINITY || rl.rlim_max >= want) ? want : rl.rlim_max;
	if (setrlimit(RLIMIT_NOFILE, &rl) != 0 || rl.rlim_cur < want)
		LogMessage(LEVEL_WARNING, "open files are limited to %lu: fewer than --max-clients=%d connections can be accepted",
				   (unsigned long) rl.rlim_cur, config.max_clients);
}

/* The request handler: route by method and path. */
static enum MHD_Result
HandleRequest(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
			  const char *version, const char *upload_data, size_t *upload_data_size, void **req_cls)
{
	bool		head = strcmp(method, MHD_HTTP_METHOD_HEAD) == 0;
	DocumentKind kind;
	const char *id_text;

	(void) cls;
	(void) version;
	(void) upload_data;
	(void) upload_data_size;
	(void) req_cls;

	WatchRequest(conn, false);
	if (!head && strcmp(method, MHD_HTTP_METHOD_GET) != 0)
		return RespondError(conn, MHD_HTTP_METHOD_NOT_ALLOWED, "method %.16s not allowed: only GET and HEAD", method);
	if (strstr(url, "..") != NULL || strchr(url, '\\') != NULL)
		return RespondError(conn, MHD_HTTP_BAD_REQUEST, "invalid path");
	if (config.deliver && strcmp(url, "/healthz") != 0 && strcmp(url, "/metrics") != 0)
		return RespondError(conn, MHD_HTTP_NOT_FOUND, "no such path: this worker sends notifications (--deliver)"
							" and serves only /healthz and /metrics");
	if (strcmp(url, "/") == 0)
		return ServeIndex(conn);
	if (strncmp(url, "/screen/", 8) == 0)
		return ServeScreenPage(conn, url + 8);
	if (strncmp(url, "/documents/", 11) == 0)
		return ServeDocumentList(conn, url + 11);
	if (DocumentPath(url, &kind, &id_text))
		return ServeDocument(conn, kind, id_text);
	if (strncmp(url, "/static/", 8) == 0)
	{
		if (!IsStaticName(url + 8))
			return RespondError(conn, MHD_HTTP_NOT_FOUND, "no such file");
		return ServeFile(conn, url + 8, "no-cache");
	}
	if (strcmp(url, "/events") == 0 || strcmp(url, "/api/warnings") == 0)
		return ServeForScreen(conn, url, head);
	if (strcmp(url, "/api/screens") == 0)
		return ServeScreens(conn);
	if (strcmp(url, "/healthz") == 0)
		return ServeHealth(conn);
	if (strcmp(url, "/metrics") == 0)
		return ServeMetrics(conn);
	return RespondError(conn, MHD_HTTP_NOT_FOUND, "no such path");
}

/* Route the HTTP library's own messages into the worker's log. */
static void
HttpLog(void *cls, const char *fmt, va_list ap)
{
	char		msg[512];

	(void) cls;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	LogMessage(LEVEL_DEBUG, "http: %s", msg);
}

/* Stop the watchdog thread, if it runs. */
static void
StopWatchdog(void)
{
	if (!watchdog.running)
		return;
	pthread_mutex_lock(&watchdog.lock);
	watchdog.stopping = true;
	pthread_cond_signal(&watchdog.wake);
	pthread_mutex_unlock(&watchdog.lock);
	pthread_join(watchdog.thread, NULL);
	watchdog.running = false;
}

/* Bind and start the server; false (logged) if it cannot. */
bool
HttpStart(void)
{
	struct addrinfo hints;
	struct addrinfo *ai = NULL;
	const union MHD_DaemonInfo *info;
	char		port[16];
	unsigned int flags = MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD |
		MHD_USE_POLL | MHD_USE_ERROR_LOG;
	int			rc;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV | AI_PASSIVE;
	snprintf(port, sizeof(port), "%d", config.port);
	rc = getaddrinfo(config.listen_address, port, &hints, &ai);
	if (rc != 0)
	{
		LogMessage(LEVEL_ERROR, "invalid listen address \"%s\": %s", config.listen_address, gai_strerror(rc));
		return false;
	}
	if (ai->ai_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	RaiseFileLimit();
	pthread_mutex_lock(&watchdog.lock);
	watchdog.stopping = false;
	pthread_mutex_unlock(&watchdog.lock);
	if (pthread_create(&watchdog.thread, NULL, WatchdogMain, NULL) != 0)
	{
		LogMessage(LEVEL_ERROR, "cannot start the request watchdog thread");
		freeaddrinfo(ai);
		return false;
	}
	watchdog.running = true;
	daemon_handle = MHD_start_daemon(flags, (uint16_t) config.port, NULL, NULL, HandleRequest, NULL,
									 MHD_OPTION_EXTERNAL_LOGGER, HttpLog, NULL,
									 MHD_OPTION_SOCK_ADDR, ai->ai_addr,
									 MHD_OPTION_CONNECTION_LIMIT, (unsigned int) config.max_clients,
									 /* Longer than two heartbeats, so only a stalled stream times out. */
									 MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int) (2 * config.heartbeat_s + 10),
									 /* Caps request line plus headers: larger requests get 414/431. */
									 MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t) (32 * 1024),
									 MHD_OPTION_THREAD_STACK_SIZE, (size_t) THREAD_STACK_SIZE,
									 MHD_OPTION_NOTIFY_CONNECTION, ConnectionChanged, NULL,
									 MHD_OPTION_NOTIFY_COMPLETED, RequestCompleted, NULL,
									 MHD_OPTION_END);
	freeaddrinfo(ai);
	if (daemon_handle == NULL)
	{
		LogMessage(LEVEL_ERROR, "cannot listen on %s port %d (in use, or not a local address?)",
				   config.listen_address, config.port);
		StopWatchdog();
		return false;
	}
	info = MHD_get_daemon_info(daemon_handle, MHD_DAEMON_INFO_BIND_PORT);
	LogMessage(LEVEL_INFO, "serving %s on http://%s%s%s:%u/", config.deliver ? "metrics" : "screens",
			   strchr(config.listen_address, ':') ? "[" : "", config.listen_address,
			   strchr(config.listen_address, ':') ? "]" : "",
			   info ? (unsigned int) info->port : (unsigned int) config.port);
	return true;
}

/* Stop the server: waits for every connection thread (streams end at HubShutdown). */
void
HttpStop(void)
{
	StopWatchdog();
	if (daemon_handle)
		MHD_stop_daemon(daemon_handle);
	daemon_handle = NULL;
}
