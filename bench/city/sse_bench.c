/*
 * sse_bench.c — commit-to-browser latency of escalation-worker under load.
 *
 * One process plays both ends, on one monotonic clock:
 *
 *   - the clients: N Server-Sent Event streams to the worker (/events?screen=S,
 *     HTTP/1.1, chunked), read by one epoll loop that notes when each event
 *     arrived, as a browser's EventSource would see it;
 *   - the driver: every --step-ms it calls escalation.run(as_of) with as_of one
 *     step later on the virtual timeline that starts at --start, so the run
 *     raises the items that fell due in that step (the caller has put them
 *     there); it notes when the commit was acknowledged, and learns the run's
 *     event ids from its own NOTIFY (LISTEN escalation_warning on the same
 *     connection).
 *
 * The latency of a delivery is its arrival time minus the acknowledgement of
 * the commit of the run that raised it. At the end every client's events are
 * checked against the database (each raised warning of its screen exactly
 * once), and the worker's CPU time and peak resident memory are read from
 * /proc.
 *
 * Build: cc -O2 -Wall -Wextra -o sse_bench sse_bench.c -I$(pg_config --includedir) -lpq -lpthread
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <libpq-fe.h>

#define MAX_SCREENS 64
#define READ_BUF (64 * 1024)
#define MAX_LINE (64 * 1024)

/* The command line. */
static struct
{
	const char *host;
	int			port;
	int			clients;
	char	   *screens[MAX_SCREENS];
	int			nscreens;
	const char *conninfo;
	const char *start;			/* as_of of the timeline's origin, timestamptz text */
	long long	after;			/* event id the streams start after */
	int			step_ms;
	int			runs;
	int			worker_pid;
	double		drain_s;		/* how long to wait for late events */
	const char *dump;			/* file for every delivery and run, or NULL */
} opt = {
	.host = "127.0.0.1",
	.clients = 200,
	.step_ms = 100,
	.runs = 600,
	.drain_s = 10,
};

/* Where a client's HTTP response is. */
typedef enum
{
	HTTP_STATUS,
	HTTP_HEADERS,
	HTTP_CHUNK_SIZE,
	HTTP_CHUNK_DATA,
	HTTP_CHUNK_END,
	HTTP_RAW,
	HTTP_DONE
} HttpState;

/* One SSE client connection. */
typedef struct Client
{
	int			fd;
	int			index;
	const char *screen;
	HttpState	http;
	bool		chunked;
	size_t		chunk_left;
	char		hline[1024];	/* the HTTP header or chunk-size line being read */
	size_t		hline_len;
	char		line[MAX_LINE];	/* the SSE line being read (it may span chunks) */
	size_t		line_len;
	bool		ready;			/* the stream has started (retry: seen) */
	int64_t		event_id;		/* id: of the event being read, -1 if none */
	bool		event_raised;	/* event: raised */
	uint64_t	events;
	uint64_t	want;			/* raised events of its screen in the window */
} Client;

/* An event that reached a client. */
typedef struct Delivery
{
	int64_t		id;
	int64_t		at_ns;
	int32_t		client;
} Delivery;

/* A run of the driver. */
typedef struct Run
{
	int64_t		sent_ns;
	int64_t		done_ns;
	int64_t		raised;
	int64_t		first_id;		/* from its NOTIFY payload; 0 if none came */
	int64_t		last_id;
} Run;

static Client *clients;
static Delivery *deliveries;
static size_t ndeliveries,
			deliveries_cap;
static Run *runs;
static atomic_int driver_done;
static int	streams_failed;

/* Print a message and exit with status 1. */
static void
Fail(const char *fmt,...)
{
	va_list		ap;

	va_start(ap, fmt);
	fputs("sse_bench: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	exit(1);
}

/* The monotonic clock in nanoseconds. */
static int64_t
NowNs(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t) ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* Sleep until the monotonic clock reaches at_ns. */
static void
SleepUntil(int64_t at_ns)
{
	struct timespec ts = {.tv_sec = at_ns / 1000000000,.tv_nsec = at_ns % 1000000000};

	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR)
		;
}

/* Note that an event reached a client. */
static void
Deliver(Client *c, int64_t id, int64_t at_ns)
{
	if (ndeliveries == deliveries_cap)
	{
		deliveries_cap = deliveries_cap ? 2 * deliveries_cap : 1 << 20;
		deliveries = realloc(deliveries, deliveries_cap * sizeof(Delivery));
		if (deliveries == NULL)
			Fail("out of memory for %zu deliveries", deliveries_cap);
	}
	deliveries[ndeliveries++] = (Delivery) {.id = id,.at_ns = at_ns,.client = c->index};
	c->events++;
}

/* One complete SSE line (without its newline, NUL-terminated) of a client's stream. */
static void
SseLine(Client *c, const char *line, size_t len, int64_t at_ns)
{
	if (len == 0)
	{
		if (c->event_id >= 0 && c->event_raised)
			Deliver(c, c->event_id, at_ns);
		c->event_id = -1;
		c->event_raised = false;
		return;
	}
	if (line[0] == ':')
		return;
	if (len > 4 && strncmp(line, "id: ", 4) == 0)
	{
		char	   *end;

		c->event_id = strtoll(line + 4, &end, 10);
		if (*end != '\0')
			Fail("client %d: bad event id line \"%s\"", c->index, line);
	}
	else if (len == 13 && strncmp(line, "event: raised", 13) == 0)
		c->event_raised = true;
	else if (len > 7 && strncmp(line, "retry: ", 7) == 0)
		c->ready = true;
}

/* Body bytes of a client's stream (after dechunking). */
static void
SseBytes(Client *c, const char *p, size_t n, int64_t at_ns)
{
	for (size_t i = 0; i < n; i++)
	{
		if (p[i] == '\n')
		{
			c->line[c->line_len] = '\0';
			SseLine(c, c->line, c->line_len, at_ns);
			c->line_len = 0;
		}
		else if (c->line_len < MAX_LINE - 1)
			c->line[c->line_len++] = p[i];
	}
}

/* One HTTP header or status line of a client's response (in hline). */
static void
HttpLine(Client *c)
{
	char	   *l = c->hline;

	if (c->hline_len > 0 && l[c->hline_len - 1] == '\r')
		c->hline_len--;
	l[c->hline_len] = '\0';
	if (c->http == HTTP_STATUS)
	{
		if (strncmp(l, "HTTP/1.1 200", 12) != 0 && strncmp(l, "HTTP/1.0 200", 12) != 0)
			Fail("client %d (screen %s): the worker answered \"%s\"", c->index, c->screen, l);
		c->http = HTTP_HEADERS;
	}
	else if (c->hline_len == 0)
		c->http = c->chunked ? HTTP_CHUNK_SIZE : HTTP_RAW;
	else if (strncasecmp(l, "transfer-encoding:", 18) == 0 && strcasestr(l + 18, "chunked"))
		c->chunked = true;
}

/* Everything a client's socket gave in one read. */
static void
ClientBytes(Client *c, const char *p, size_t n, int64_t at_ns)
{
	size_t		i = 0;

	while (i < n && c->http != HTTP_DONE)
	{
		switch (c->http)
		{
			case HTTP_STATUS:
			case HTTP_HEADERS:
			case HTTP_CHUNK_SIZE:
			case HTTP_CHUNK_END:
				if (p[i] != '\n')
				{
					if (c->hline_len < sizeof(c->hline) - 1)
						c->hline[c->hline_len++] = p[i];
					i++;
					break;
				}
				i++;
				c->hline[c->hline_len] = '\0';
				if (c->http == HTTP_CHUNK_SIZE)
				{
					char	   *end;

					c->chunk_left = strtoul(c->hline, &end, 16);
					if (end == c->hline)
						Fail("client %d: bad chunk size line \"%s\"", c->index, c->hline);
					c->http = c->chunk_left ? HTTP_CHUNK_DATA : HTTP_DONE;
				}
				else if (c->http == HTTP_CHUNK_END)
					c->http = HTTP_CHUNK_SIZE;
				else
					HttpLine(c);
				c->hline_len = 0;
				break;
			case HTTP_CHUNK_DATA:
				{
					size_t		take = n - i < c->chunk_left ? n - i : c->chunk_left;

					SseBytes(c, p + i, take, at_ns);
					i += take;
					c->chunk_left -= take;
					if (c->chunk_left == 0)
						c->http = HTTP_CHUNK_END;
				}
				break;
			case HTTP_RAW:
				SseBytes(c, p + i, n - i, at_ns);
				i = n;
				break;
			case HTTP_DONE:
				break;
		}
	}
}

/* Connect client i to its screen's stream and send the request. */
static void
ClientConnect(Client *c, int epfd)
{
	struct sockaddr_in addr = {.sin_family = AF_INET,.sin_port = htons((uint16_t) opt.port)};
	char		req[512];
	int			len,
				one = 1;
	struct epoll_event ev = {.events = EPOLLIN};

	if (inet_pton(AF_INET, opt.host, &addr.sin_addr) != 1)
		Fail("invalid IPv4 address: %s", opt.host);
	c->fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (c->fd < 0)
		Fail("socket: %s", strerror(errno));
	setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (connect(c->fd, (struct sockaddr *) &addr, sizeof(addr)) != 0)
		Fail("client %d: cannot connect to %s:%d: %s", c->index, opt.host, opt.port, strerror(errno));
	len = snprintf(req, sizeof(req),
				   "GET /events?screen=%s&after=%lld HTTP/1.1\r\nHost: %s:%d\r\nAccept: text/event-stream\r\n"
				   "Cache-Control: no-cache\r\nUser-Agent: sse_bench\r\n\r\n",
				   c->screen, opt.after, opt.host, opt.port);
	if (write(c->fd, req, (size_t) len) != len)
		Fail("client %d: cannot send the request: %s", c->index, strerror(errno));
	fcntl(c->fd, F_SETFL, fcntl(c->fd, F_GETFL) | O_NONBLOCK);
	ev.data.ptr = c;
	if (epoll_ctl(epfd, EPOLL_CTL_ADD, c->fd, &ev) != 0)
		Fail("epoll_ctl: %s", strerror(errno));
	c->event_id = -1;
}

/* Read whatever the ready clients have; returns when nothing came for timeout_ms. */
static void
PollClients(int epfd, int timeout_ms)
{
	struct epoll_event events[256];
	static char buf[READ_BUF];
	int			n = epoll_wait(epfd, events, 256, timeout_ms);

	if (n < 0 && errno != EINTR)
		Fail("epoll_wait: %s", strerror(errno));
	for (int i = 0; i < n; i++)
	{
		Client	   *c = events[i].data.ptr;

		for (;;)
		{
			ssize_t		got = read(c->fd, buf, sizeof(buf));

			if (got > 0)
			{
				ClientBytes(c, buf, (size_t) got, NowNs());
				continue;
			}
			if (got < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
				break;
			if (got < 0 && errno == EINTR)
				continue;
			/* The worker closed the stream: a browser would reconnect, which
			 * this benchmark counts as a failure. */
			if (c->http != HTTP_DONE || got < 0)
				fprintf(stderr, "sse_bench: client %d (screen %s): stream ended after %llu events%s%s\n",
						c->index, c->screen, (unsigned long long) c->events,
						got < 0 ? ": " : "", got < 0 ? strerror(errno) : "");
			epoll_ctl(epfd, EPOLL_CTL_DEL, c->fd, NULL);
			close(c->fd);
			c->fd = -1;
			c->http = HTTP_DONE;
			streams_failed++;
			break;
		}
	}
}

/* Run a query that must succeed; returns its result. */
static PGresult *
Query(PGconn *db, const char *sql, int nparams, const char *const *params, ExecStatusType want)
{
	PGresult   *res = PQexecParams(db, sql, nparams, NULL, params, NULL, NULL, 0);

	if (PQresultStatus(res) != want)
		Fail("query failed: %s\n  %s", PQerrorMessage(db), sql);
	return res;
}

/* The driver: one escalation.run() per step, on the virtual timeline. */
static void *
DriverMain(void *arg)
{
	PGconn	   *db = arg;
	int64_t		t0 = NowNs() + 200 * 1000000LL;

	for (int i = 0; i < opt.runs; i++)
	{
		char		offset[32];
		const char *params[2] = {opt.start, offset};
		PGresult   *res;
		PGnotify   *note;
		Run		   *r = &runs[i];

		SleepUntil(t0 + (int64_t) i * opt.step_ms * 1000000LL);
		snprintf(offset, sizeof(offset), "%lld", (long long) (i + 1) * opt.step_ms);
		r->sent_ns = NowNs();
		res = PQexecParams(db, "SELECT escalation.run($1::timestamptz + $2::bigint * interval '1 millisecond')",
						   2, NULL, params, NULL, NULL, 0);
		r->done_ns = NowNs();
		if (PQresultStatus(res) != PGRES_TUPLES_OK || PQgetisnull(res, 0, 0))
			Fail("run %d failed: %s", i, PQresultStatus(res) == PGRES_TUPLES_OK ? "see escalation.run_log" : PQerrorMessage(db));
		r->raised = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
		PQclear(res);
		PQconsumeInput(db);
		while ((note = PQnotifies(db)) != NULL)
		{
			long long	first,
						last;

			if (sscanf(note->extra, "%lld-%lld", &first, &last) == 2)
			{
				r->first_id = first;
				r->last_id = last;
			}
			PQfreemem(note);
		}
	}
	atomic_store(&driver_done, 1);
	return NULL;
}

/* Ordering of int64 values, for qsort. */
static int
CompareInt64(const void *a, const void *b)
{
	int64_t		x = *(const int64_t *) a,
				y = *(const int64_t *) b;

	return (x > y) - (x < y);
}

/* The nearest-rank percentile p (0..100] of sorted values, in milliseconds. */
static double
PercentileMs(const int64_t *sorted, size_t n, double p)
{
	size_t		rank = (size_t) ((p / 100.0) * (double) n + 0.999999999);

	if (n == 0)
		return 0;
	if (rank < 1)
		rank = 1;
	if (rank > n)
		rank = n;
	return (double) sorted[rank - 1] / 1e6;
}

/* utime + stime of a process, in seconds. */
static double
ProcessCpuSeconds(int pid)
{
	char		path[64],
				buf[4096];
	FILE	   *f;
	char	   *p;
	unsigned long utime = 0,
				stime = 0;
	size_t		n;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	if ((f = fopen(path, "r")) == NULL)
		Fail("cannot read %s: %s", path, strerror(errno));
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	/* Fields after the command name, which may hold spaces: state is field 3. */
	p = strrchr(buf, ')');
	if (p == NULL || sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &utime, &stime) != 2)
		Fail("cannot parse %s", path);
	return (double) (utime + stime) / (double) sysconf(_SC_CLK_TCK);
}

/* A "Name:  value kB" line of /proc/PID/status, as text. */
static void
ProcessStatus(int pid, const char *name, char *out, size_t outlen)
{
	char		path[64],
				line[256];
	FILE	   *f;
	size_t		len = strlen(name);

	snprintf(out, outlen, "?");
	snprintf(path, sizeof(path), "/proc/%d/status", pid);
	if ((f = fopen(path, "r")) == NULL)
		Fail("cannot read %s: %s", path, strerror(errno));
	while (fgets(line, sizeof(line), f))
		if (strncmp(line, name, len) == 0 && line[len] == ':')
		{
			char	   *v = line + len + 1;

			while (*v == ' ' || *v == '\t')
				v++;
			v[strcspn(v, "\n")] = '\0';
			snprintf(out, outlen, "%s", v);
		}
	fclose(f);
}

/* Print usage. */
static void
Usage(FILE *out)
{
	fprintf(out, "Usage: sse_bench --port PORT --screens S1,S2,... --conninfo CONNINFO --start TIMESTAMPTZ\n"
		   "                 --worker-pid PID [--host ADDR] [--clients N] [--step-ms MS] [--runs N]\n"
		   "                 [--drain SECONDS] [--dump FILE]\n"
		   "Opens N SSE streams to escalation-worker (screens assigned round robin), then calls\n"
		   "escalation.run(start + (i + 1) * step) every step, and reports the delay from each\n"
		   "run's commit to each client's receipt of the warnings it raised, the worker's CPU\n"
		   "time and peak resident memory.\n");
}

/* Parse the command line into opt. */
static void
ParseOptions(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"host", required_argument, NULL, 'h'}, {"port", required_argument, NULL, 'p'},
		{"clients", required_argument, NULL, 'c'}, {"screens", required_argument, NULL, 's'},
		{"conninfo", required_argument, NULL, 'd'}, {"start", required_argument, NULL, 't'},
		{"step-ms", required_argument, NULL, 'm'}, {"runs", required_argument, NULL, 'r'},
		{"worker-pid", required_argument, NULL, 'w'}, {"drain", required_argument, NULL, 'D'},
		{"dump", required_argument, NULL, 'o'},
		{"help", no_argument, NULL, 'H'}, {NULL, 0, NULL, 0}
	};
	int			ch;

	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1)
	{
		switch (ch)
		{
			case 'h':
				opt.host = optarg;
				break;
			case 'p':
				opt.port = atoi(optarg);
				break;
			case 'c':
				opt.clients = atoi(optarg);
				break;
			case 's':
				for (char *tok = strtok(optarg, ","); tok && opt.nscreens < MAX_SCREENS; tok = strtok(NULL, ","))
					opt.screens[opt.nscreens++] = tok;
				break;
			case 'd':
				opt.conninfo = optarg;
				break;
			case 't':
				opt.start = optarg;
				break;
			case 'm':
				opt.step_ms = atoi(optarg);
				break;
			case 'r':
				opt.runs = atoi(optarg);
				break;
			case 'w':
				opt.worker_pid = atoi(optarg);
				break;
			case 'D':
				opt.drain_s = atof(optarg);
				break;
			case 'o':
				opt.dump = optarg;
				break;
			case 'H':
				Usage(stdout);
				exit(0);
			default:
				Usage(stderr);
				exit(2);
		}
	}
	if (opt.port <= 0 || opt.nscreens == 0 || opt.conninfo == NULL || opt.start == NULL ||
		opt.worker_pid <= 0 || opt.clients <= 0 || opt.step_ms <= 0 || opt.runs <= 0)
	{
		Usage(stderr);
		exit(2);
	}
}

/* Open every stream, after the last event there is, and wait until all have started. */
static void
OpenStreams(PGconn *db, int epfd)
{
	PGresult   *res;
	int64_t		connected_at;

	/*
	 * Like the screen page after its snapshot, the streams start after the
	 * last event there is; the caller has waited until the worker has it too.
	 */
	res = Query(db, "SELECT coalesce(greatest(max(id), max(resolved_seq), max(ack_seq)), 0) FROM escalation.warning",
				0, NULL, PGRES_TUPLES_OK);
	opt.after = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
	PQclear(res);

	for (int i = 0; i < opt.clients; i++)
	{
		clients[i].index = i;
		clients[i].screen = opt.screens[i % opt.nscreens];
		ClientConnect(&clients[i], epfd);
	}
	connected_at = NowNs();
	for (;;)
	{
		int			ready = 0;

		PollClients(epfd, 100);
		for (int i = 0; i < opt.clients; i++)
			ready += clients[i].ready;
		if (ready == opt.clients)
			break;
		if (streams_failed > 0 || NowNs() - connected_at > 30 * 1000000000LL)
			Fail("only %d of %d streams started", ready, opt.clients);
	}
	printf("streams: %d open (%d screens), started in %.0f ms\n", opt.clients, opt.nscreens,
		   (double) (NowNs() - connected_at) / 1e6);
}

/*
 * Set each client's want: the warnings raised with ids in [first_id, last_id]
 * that belong on its screen (screen_region or district is the screen's code).
 * Returns the sum over the clients.
 */
static uint64_t
CountExpected(PGconn *db, int64_t first_id, int64_t last_id)
{
	char		lo[24],
				hi[24],
				city[16] = "";
	const char *params[2] = {lo, hi};
	PGresult   *res;
	uint64_t	total = 0;

	res = Query(db, "SELECT code::text FROM escalation.division WHERE escalation.region_level(code) = 'city'"
				" ORDER BY code LIMIT 1", 0, NULL, PGRES_TUPLES_OK);
	if (PQntuples(res) == 1)
		snprintf(city, sizeof(city), "%s", PQgetvalue(res, 0, 0));
	PQclear(res);

	snprintf(lo, sizeof(lo), "%lld", (long long) first_id);
	snprintf(hi, sizeof(hi), "%lld", (long long) last_id);
	res = Query(db, "SELECT screen_region::text, coalesce(district::text, ''), count(*) FROM escalation.warning"
				" WHERE id BETWEEN $1::bigint AND $2::bigint GROUP BY 1, 2", 2, params, PGRES_TUPLES_OK);
	for (int i = 0; i < opt.clients; i++)
	{
		/* The city screen is asked for as "city" and is the city's code. */
		const char *code = strcmp(clients[i].screen, "city") == 0 ? city : clients[i].screen;

		clients[i].want = 0;
		for (int row = 0; row < PQntuples(res); row++)
			if (strcmp(PQgetvalue(res, row, 0), code) == 0 || strcmp(PQgetvalue(res, row, 1), code) == 0)
				clients[i].want += strtoull(PQgetvalue(res, row, 2), NULL, 10);
		total += clients[i].want;
	}
	PQclear(res);
	return total;
}

/* Read the streams until expected deliveries of [first_id, last_id] arrived, or the drain time passed. */
static void
Drain(int epfd, int64_t first_id, int64_t last_id, uint64_t expected)
{
	int64_t		drain_end = NowNs() + (int64_t) (opt.drain_s * 1e9);
	uint64_t	got = 0;
	size_t		seen = 0;

	for (;;)
	{
		for (; seen < ndeliveries; seen++)
			got += deliveries[seen].id >= first_id && deliveries[seen].id <= last_id;
		if (got >= expected || NowNs() >= drain_end)
			return;
		PollClients(epfd, 50);
	}
}

/*
 * Compare each client's deliveries in [first_id, last_id] with its want: count
 * the missing ones, and the repeated or out-of-order ones.
 */
static void
CheckDeliveries(int64_t first_id, int64_t last_id, uint64_t *missing, uint64_t *extra)
{
	uint64_t   *got = calloc((size_t) opt.clients, sizeof(uint64_t));
	int64_t    *prev = calloc((size_t) opt.clients, sizeof(int64_t));

	if (got == NULL || prev == NULL)
		Fail("out of memory");
	*missing = *extra = 0;
	for (size_t k = 0; k < ndeliveries; k++)
	{
		Delivery   *d = &deliveries[k];

		if (d->id < first_id || d->id > last_id)
			continue;
		if (d->id <= prev[d->client])
			(*extra)++;
		prev[d->client] = d->id;
		got[d->client]++;
	}
	for (int i = 0; i < opt.clients; i++)
	{
		if (got[i] < clients[i].want)
			*missing += clients[i].want - got[i];
		else if (got[i] > clients[i].want)
			*extra += got[i] - clients[i].want;
	}
	free(got);
	free(prev);
}

/*
 * The latency of every delivery in [first_id, last_id] from the commit of the
 * run that raised it, sorted, into lat (nlat values); deliveries no run
 * announced are counted in *unmatched. Keeps in runs[0..*nannounced) only the
 * runs that announced events, in id order.
 */
static int64_t *
Latencies(int64_t first_id, int64_t last_id, size_t *nlat, size_t *unmatched, int *nannounced)
{
	int64_t    *lat = malloc((ndeliveries + 1) * sizeof(int64_t));

	if (lat == NULL)
		Fail("out of memory");
	*nlat = *unmatched = 0;
	*nannounced = 0;
	/* Each run's event ids follow those of the run before. */
	for (int i = 0; i < opt.runs; i++)
		if (runs[i].first_id > 0)
			runs[(*nannounced)++] = runs[i];
	for (size_t k = 0; k < ndeliveries; k++)
	{
		Delivery   *d = &deliveries[k];
		int			lo = 0,
					hi = *nannounced - 1,
					found = -1;

		if (d->id < first_id || d->id > last_id)
			continue;
		while (lo <= hi && found < 0)
		{
			int			mid = (lo + hi) / 2;

			if (d->id > runs[mid].last_id)
				lo = mid + 1;
			else if (d->id < runs[mid].first_id)
				hi = mid - 1;
			else
				found = mid;
		}
		if (found < 0)
			(*unmatched)++;
		else
			lat[(*nlat)++] = d->at_ns - runs[found].done_ns;
	}
	qsort(lat, *nlat, sizeof(int64_t), CompareInt64);
	return lat;
}

/* Write every delivery and announced run to opt.dump, for a closer look. */
static void
Dump(int nannounced)
{
	FILE	   *f = fopen(opt.dump, "w");

	if (f == NULL)
		Fail("cannot write %s: %s", opt.dump, strerror(errno));
	for (size_t k = 0; k < ndeliveries; k++)
		fprintf(f, "delivery %d %s %lld %lld\n", deliveries[k].client, clients[deliveries[k].client].screen,
				(long long) deliveries[k].id, (long long) deliveries[k].at_ns);
	for (int i = 0; i < nannounced; i++)
		fprintf(f, "run %lld %lld %lld %lld\n", (long long) runs[i].first_id, (long long) runs[i].last_id,
				(long long) runs[i].sent_ns, (long long) runs[i].done_ns);
	fclose(f);
}

/* Open the streams, drive the runs, check every client's events, report. */
int
main(int argc, char **argv)
{
	int			epfd;
	PGconn	   *db;
	pthread_t	driver;
	int64_t		start_ns,
				end_ns,
				first_id = 0,
				last_id = 0,
				raised = 0;
	double		cpu_before,
				cpu_after,
				runs_s;
	int64_t    *lat,
			   *run_ms;
	size_t		nlat,
				unmatched,
				late_runs = 0;
	int			nannounced;
	uint64_t	expected,
				missing,
				extra;
	char		hwm[64],
				rss[64],
				threads[64];

	ParseOptions(argc, argv);
	setvbuf(stdout, NULL, _IOLBF, 0);

	db = PQconnectdb(opt.conninfo);
	if (PQstatus(db) != CONNECTION_OK)
		Fail("cannot connect to the database: %s", PQerrorMessage(db));
	PQclear(Query(db, "LISTEN escalation_warning", 0, NULL, PGRES_COMMAND_OK));
	runs = calloc((size_t) opt.runs, sizeof(Run));
	clients = calloc((size_t) opt.clients, sizeof(Client));
	run_ms = malloc((size_t) opt.runs * sizeof(int64_t));
	if (runs == NULL || clients == NULL || run_ms == NULL)
		Fail("out of memory");
	epfd = epoll_create1(EPOLL_CLOEXEC);
	OpenStreams(db, epfd);

	/* The measured window: the runs, then until every event has arrived. */
	cpu_before = ProcessCpuSeconds(opt.worker_pid);
	start_ns = NowNs();
	if (pthread_create(&driver, NULL, DriverMain, db) != 0)
		Fail("cannot start the driver thread");
	while (!atomic_load(&driver_done))
		PollClients(epfd, 20);
	pthread_join(driver, NULL);
	for (int i = 0; i < opt.runs; i++)
	{
		if (runs[i].first_id > 0 && (first_id == 0 || runs[i].first_id < first_id))
			first_id = runs[i].first_id;
		if (runs[i].last_id > last_id)
			last_id = runs[i].last_id;
		raised += runs[i].raised;
		run_ms[i] = runs[i].done_ns - runs[i].sent_ns;
		if (i > 0 && runs[i].sent_ns - runs[i - 1].sent_ns > (int64_t) opt.step_ms * 1000000LL * 3 / 2)
			late_runs++;
	}
	runs_s = (double) (runs[opt.runs - 1].done_ns - runs[0].sent_ns) / 1e9;
	qsort(run_ms, (size_t) opt.runs, sizeof(int64_t), CompareInt64);
	expected = CountExpected(db, first_id, last_id);
	Drain(epfd, first_id, last_id, expected);
	end_ns = NowNs();
	cpu_after = ProcessCpuSeconds(opt.worker_pid);
	ProcessStatus(opt.worker_pid, "VmHWM", hwm, sizeof(hwm));
	ProcessStatus(opt.worker_pid, "VmRSS", rss, sizeof(rss));
	ProcessStatus(opt.worker_pid, "Threads", threads, sizeof(threads));

	CheckDeliveries(first_id, last_id, &missing, &extra);
	lat = Latencies(first_id, last_id, &nlat, &unmatched, &nannounced);

	printf("runs: %d, one every %d ms; %lld warnings raised in %.2f s (%.0f per second); run() took p50 %.1f ms, "
		   "p99 %.1f ms, max %.1f ms; %zu runs started more than 1.5 steps after the one before\n",
		   opt.runs, opt.step_ms, (long long) raised, runs_s, (double) raised / runs_s,
		   PercentileMs(run_ms, (size_t) opt.runs, 50), PercentileMs(run_ms, (size_t) opt.runs, 99),
		   PercentileMs(run_ms, (size_t) opt.runs, 100), late_runs);
	printf("deliveries: %zu to %d clients (expected %llu; missing %llu, repeated or out of order %llu, "
		   "not matched to a run %zu; streams ended early %d)\n",
		   nlat + unmatched, opt.clients, (unsigned long long) expected, (unsigned long long) missing,
		   (unsigned long long) extra, unmatched, streams_failed);
	printf("commit-to-client latency: p50 %.1f ms, p90 %.1f ms, p99 %.1f ms, p99.9 %.1f ms, max %.1f ms\n",
		   PercentileMs(lat, nlat, 50), PercentileMs(lat, nlat, 90), PercentileMs(lat, nlat, 99),
		   PercentileMs(lat, nlat, 99.9), PercentileMs(lat, nlat, 100));
	printf("worker: CPU %.2f s over %.2f s (%.1f %% of one core); peak RSS (VmHWM) %s, RSS now %s, threads %s\n",
		   cpu_after - cpu_before, (double) (end_ns - start_ns) / 1e9,
		   100.0 * (cpu_after - cpu_before) / ((double) (end_ns - start_ns) / 1e9), hwm, rss, threads);
	if (opt.dump)
		Dump(nannounced);

	for (int i = 0; i < opt.clients; i++)
		if (clients[i].fd >= 0)
			close(clients[i].fd);
	close(epfd);
	PQfinish(db);
	free(lat);
	free(run_ms);
	free(deliveries);
	free(runs);
	free(clients);
	return missing == 0 && extra == 0 && unmatched == 0 && streams_failed == 0 ? 0 : 1;
}
