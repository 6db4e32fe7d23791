/*
 * deliver.c — the sender (escalation-worker --deliver): it claims pending
 * notifications from the outbox, sends them through 企业微信 and 钉钉 group
 * robots, an SMS gateway or SMTP, and records each outcome. One thread, one
 * loop over one libpq connection and a libcurl multi handle, so many sends
 * run at once and a slow receiver holds only its own.
 *
 *   claim (escalation.notification_claim) ──▶ waiting (the channel's rate
 *   limit says when) ──▶ running (libcurl) ──▶ finished ──▶ recorded
 *   (escalation.notification_result)
 *
 * The database decides everything else: which rows are due, the backoff,
 * the give-up age, and that a claim whose lease ran out (a worker killed
 * mid-send) is sent again and counted as a repeat. Two senders share the
 * work through the claim's FOR UPDATE SKIP LOCKED.
 *
 * A NOTIFY on escalation_notification wakes the loop at once; it also polls
 * every --poll-interval. SIGTERM (DeliverStop) ends claiming, gives back the
 * claims not yet sent, lets the running sends finish (each is bounded by
 * --send-timeout) and records their outcomes before the thread returns.
 */
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>

#include "worker.h"

/* What a provider's answer may take in memory and in the outbox. */
#define ANSWER_MAX 2000

/* Margin added to the rate limit's minute, against the receiver's clock and the network's jitter. */
#define RATE_MARGIN_S 0.2

/* How often escalation.notification_metrics() is read, at most. */
#define METRICS_INTERVAL_S 5.0

/* The columns of a claimed row, in the order of CLAIM_SQL. */
enum
{
	COL_ID,
	COL_KEY,
	COL_CHANNEL,
	COL_KIND,
	COL_ENDPOINT,
	COL_SECRET,
	COL_RATE,
	COL_ADDRESS,
	COL_SUBJECT,
	COL_BODY,
	COL_LINK,
	COL_METHOD,
	COL_CONTENT_TYPE,
	COL_TEMPLATE,
	COL_FROM,
	COL_USER,
	COL_AUTH_HEADER,
	NCOLS
};

/* The claim, with the channel's settings read out of its jsonb by the database. */
static const char CLAIM_SQL[] =
"SELECT c.id, c.idempotency_key, c.channel_id, c.kind, c.endpoint, coalesce(c.secret, ''),"
" coalesce(c.rate_per_minute, 0), coalesce(c.address, ''), coalesce(c.subject, ''), coalesce(c.body, ''),"
" coalesce(c.link, ''), upper(coalesce(c.settings->>'method', 'POST')),"
" coalesce(c.settings->>'content_type', 'application/json'), coalesce(c.settings->>'body', ''),"
" coalesce(c.settings->>'from', ''), coalesce(c.settings->>'user', ''), coalesce(c.settings->>'auth_header', '')"
" FROM escalation.notification_claim($1, $2::int, make_interval(secs => $3::float8)) c";

static const char RESULT_SQL[] =
"SELECT escalation.notification_result($1::bigint, $2::boolean, $3, make_interval(secs => $4::float8))";

static const char METRICS_SQL[] =
"SELECT m.delivered, m.failed, m.pending, coalesce(extract(epoch FROM m.oldest_pending_age), -1)"
" FROM escalation.notification_metrics() m";

/* An SMS gateway's body when its settings give none. */
static const char DEFAULT_SMS_TEMPLATE[] = "{\"phone\":\"{{address}}\",\"text\":\"{{text}}\"}";

typedef enum ChannelKind
{
	KIND_WECOM,
	KIND_DINGTALK,
	KIND_SMS,
	KIND_EMAIL,
	KIND_UNKNOWN
} ChannelKind;

/*
 * A channel's rate limit: the start times of its last rate_per_minute sends
 * (some may lie ahead: reserved for waiting sends). A send may start once
 * the send rate_per_minute places back started a minute ago, so no minute
 * ever holds more than rate_per_minute sends; a token bucket would let its
 * burst and a minute's refill through in one minute, twice the limit.
 */
typedef struct Channel
{
	struct Channel *next;
	long long	id;
	int			rate;			/* per minute; 0 none */
	double	   *starts;			/* monotonic seconds, a ring of rate entries */
	int			nstarts;
	int			head;			/* the oldest entry once the ring is full */
	double		blocked_until;	/* monotonic: the provider said to wait (429, 45009) */
} Channel;

typedef struct Send
{
	struct Send *next;
	char	   *col[NCOLS];
	ChannelKind kind;
	Channel    *channel;
	double		start_at;		/* monotonic: when the rate limit lets it go */
	CURL	   *easy;
	struct curl_slist *headers;
	struct curl_slist *rcpt;
	Buf			url;
	Buf			payload;
	size_t		upload_off;
	Buf			answer;			/* the body of the answer, or the last SMTP reply */
	double		retry_after_s;	/* negative: none given */
	bool		delivered;
	char	   *outcome;		/* what is recorded as the provider's answer */
} Send;

typedef struct Deliverer
{
	DbState		state;
	PGconn	   *conn;
	double		backoff_s;
	double		retry_at;
	unsigned int seed;
	bool		connected_once;
	CURLM	   *multi;
	Send	   *waiting;
	Send	   *running;
	Send	   *finished;
	int			nwaiting;
	int			nrunning;
	int			nfinished;
	Channel    *channels;
	bool		wake;			/* claim at the next turn of the loop */
	double		next_poll;
	double		next_metrics;
	bool		stopping;
	double		stop_deadline;
	char		name[128];		/* who claims: host and process */
} Deliverer;

/* What /metrics and /healthz show, written by the sender's thread. */
static struct
{
	pthread_mutex_t lock;
	DbState		db_state;
	double		last_cycle;		/* monotonic: the last claim that worked */
	long long	claimed;
	long long	delivered;
	long long	not_delivered;
	long long	held_back;		/* given back at once: the rate limit's wait is longer than the lease */
	long long	released;		/* given back unsent at a stop */
	int			running;
	int			waiting;
	bool		sql_known;
	long long	sql_delivered;
	long long	sql_failed;
	long long	sql_pending;
	double		sql_oldest_pending_s;
} stats = {.lock = PTHREAD_MUTEX_INITIALIZER, .db_state = DB_CONNECTING};

static pthread_once_t stop_once = PTHREAD_ONCE_INIT;
static int	stop_pipe[2] = {-1, -1};

/* Create the pipe that tells the sender to stop. */
static void
MakeStopPipe(void)
{
	if (pipe2(stop_pipe, O_CLOEXEC | O_NONBLOCK) != 0)
	{
		LogMessage(LEVEL_ERROR, "cannot create the sender's stop pipe");
		exit(1);
	}
}

/* Ask the sender to stop (from the main thread, at SIGTERM). */
void
DeliverStop(void)
{
	pthread_once(&stop_once, MakeStopPipe);
	if (write(stop_pipe[1], "x", 1) != 1)
		LogMessage(LEVEL_WARNING, "cannot signal the sender to stop");
}

/* Publish the sender's state for /metrics and /healthz. */
static void
NoteState(const Deliverer *d)
{
	pthread_mutex_lock(&stats.lock);
	stats.db_state = d->state;
	stats.running = d->nrunning;
	stats.waiting = d->nwaiting;
	pthread_mutex_unlock(&stats.lock);
}

/* Add n to one of the counters. */
static void
Count(long long *counter, long long n)
{
	pthread_mutex_lock(&stats.lock);
	*counter += n;
	pthread_mutex_unlock(&stats.lock);
}

/* The kind of a channel, from its name in the outbox. */
static ChannelKind
KindOf(const char *kind)
{
	if (strcmp(kind, "wecom") == 0)
		return KIND_WECOM;
	if (strcmp(kind, "dingtalk") == 0)
		return KIND_DINGTALK;
	if (strcmp(kind, "sms") == 0)
		return KIND_SMS;
	if (strcmp(kind, "email") == 0)
		return KIND_EMAIL;
	return KIND_UNKNOWN;
}

/* The channel's limiter, made on first sight; a changed rate starts it afresh. */
static Channel *
FindChannel(Deliverer *d, long long id, int rate)
{
	Channel    *c;

	for (c = d->channels; c; c = c->next)
		if (c->id == id)
			break;
	if (c == NULL)
	{
		c = CheckedAlloc(sizeof(Channel));
		memset(c, 0, sizeof(Channel));
		c->id = id;
		c->rate = -1;
		c->next = d->channels;
		d->channels = c;
	}
	if (c->rate != rate)
	{
		free(c->starts);
		c->starts = rate > 0 ? CheckedAlloc(sizeof(double) * (size_t) rate) : NULL;
		c->rate = rate;
		c->nstarts = 0;
		c->head = 0;
	}
	return c;
}

/* The earliest time (monotonic) the channel lets the next send start. */
static double
ChannelSlot(const Channel *c, double now)
{
	double		t = now > c->blocked_until ? now : c->blocked_until;

	if (c->rate > 0 && c->nstarts == c->rate && c->starts[c->head] + 60.0 + RATE_MARGIN_S > t)
		t = c->starts[c->head] + 60.0 + RATE_MARGIN_S;
	return t;
}

/* Reserve the slot at t (not earlier than any reserved before) for a send. */
static void
ChannelReserve(Channel *c, double t)
{
	if (c->rate <= 0)
		return;
	if (c->nstarts < c->rate)
		c->starts[(c->head + c->nstarts++) % c->rate] = t;
	else
	{
		c->starts[c->head] = t;
		c->head = (c->head + 1) % c->rate;
	}
}

/* Free a send and everything it holds. */
static void
SendFree(Send *s)
{
	for (int i = 0; i < NCOLS; i++)
		free(s->col[i]);
	if (s->easy)
		curl_easy_cleanup(s->easy);
	curl_slist_free_all(s->headers);
	curl_slist_free_all(s->rcpt);
	BufFree(&s->url);
	BufFree(&s->payload);
	BufFree(&s->answer);
	free(s->outcome);
	free(s);
}

/* Push a send on a list. */
static void
Push(Send **list, int *count, Send *s)
{
	s->next = *list;
	*list = s;
	(*count)++;
}

/*
 * Keep what the record may hold of a provider's text: valid UTF-8 (other
 * bytes become '?'), no NUL, at most ANSWER_MAX bytes.
 */
static char *
CleanAnswer(const char *prefix, const char *text, size_t len)
{
	Buf			out;
	size_t		i = 0;

	BufInit(&out);
	BufAppendStr(&out, prefix);
	while (i < len && out.len < ANSWER_MAX)
	{
		unsigned char c = (unsigned char) text[i];
		size_t		n = c < 0x80 ? 1 : (c & 0xe0) == 0xc0 ? 2 : (c & 0xf0) == 0xe0 ? 3 : (c & 0xf8) == 0xf0 ? 4 : 0;
		bool		valid = n > 0 && i + n <= len && c != 0;

		for (size_t k = 1; valid && k < n; k++)
			valid = ((unsigned char) text[i + k] & 0xc0) == 0x80;
		if (valid && n == 2 && c < 0xc2)
			valid = false;
		if (valid)
		{
			BufAppend(&out, text + i, n);
			i += n;
		}
		else
		{
			BufAppend(&out, "?", 1);
			i++;
		}
	}
	if (out.len == 0)
		BufAppend(&out, "", 0);
	return out.data ? out.data : CheckedStrdup("");
}

/* The outcome of a send that never reached its provider, or was given back. */
static void
Settle(Send *s, bool delivered, const char *outcome, double retry_after_s)
{
	s->delivered = delivered;
	free(s->outcome);
	s->outcome = CleanAnswer("", outcome, strlen(outcome));
	s->retry_after_s = retry_after_s;
}

/* libcurl: keep the start of the answer's body. */
static size_t
OnBody(char *data, size_t size, size_t nmemb, void *arg)
{
	Send	   *s = arg;
	size_t		n = size * nmemb;

	if (s->answer.len < ANSWER_MAX)
		BufAppend(&s->answer, data, n < ANSWER_MAX - s->answer.len ? n : ANSWER_MAX - s->answer.len);
	return n;
}

/* An HTTP date as epoch seconds, -1 if it is none. */
static time_t
ParseHttpDate(const char *s)
{
	return curl_getdate(s, NULL);
}

/* libcurl: note Retry-After; for SMTP, each server reply line (the last but QUIT's is the answer). */
static size_t
OnHeader(char *data, size_t size, size_t nmemb, void *arg)
{
	Send	   *s = arg;
	size_t		n = size * nmemb;
	char		line[256];

	snprintf(line, sizeof(line), "%.*s", (int) (n < sizeof(line) - 1 ? n : sizeof(line) - 1), data);
	OneLine(line);
	if (s->kind == KIND_EMAIL)
	{
		/* The reply to QUIT says nothing about the message. */
		if (strncmp(line, "221", 3) != 0)
		{
			BufReset(&s->answer);
			BufAppendStr(&s->answer, line);
		}
	}
	else if (strncasecmp(line, "Retry-After:", 12) == 0)
		s->retry_after_s = RetryAfterSeconds(line + 12, NowSeconds(), ParseHttpDate);
	return n;
}

/* libcurl: hand over the e-mail to upload. */
static size_t
OnUpload(char *buf, size_t size, size_t nmemb, void *arg)
{
	Send	   *s = arg;
	size_t		n = size * nmemb;

	if (n > s->payload.len - s->upload_off)
		n = s->payload.len - s->upload_off;
	memcpy(buf, s->payload.data + s->upload_off, n);
	s->upload_off += n;
	return n;
}

/* The HTTP parts of a send: a POST of the payload with its content type and idempotency key. */
static void
PrepareHttp(Send *s, const char *content_type)
{
	char		header[512];

	snprintf(header, sizeof(header), "Content-Type: %s", content_type);
	s->headers = curl_slist_append(s->headers, header);
	snprintf(header, sizeof(header), "Idempotency-Key: %s", s->col[COL_KEY]);
	s->headers = curl_slist_append(s->headers, header);
	snprintf(header, sizeof(header), "X-Idempotency-Key: %s", s->col[COL_KEY]);
	s->headers = curl_slist_append(s->headers, header);
	/* No "100 Continue" round trip before a small body. */
	s->headers = curl_slist_append(s->headers, "Expect:");
	curl_easy_setopt(s->easy, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(s->easy, CURLOPT_WRITEFUNCTION, OnBody);
	curl_easy_setopt(s->easy, CURLOPT_WRITEDATA, s);
	curl_easy_setopt(s->easy, CURLOPT_POSTFIELDS, s->payload.data ? s->payload.data : "");
	curl_easy_setopt(s->easy, CURLOPT_POSTFIELDSIZE, (long) s->payload.len);
}

/* The SMS gateway's request: its template filled in, its method, its token. */
static void
PrepareSms(Send *s, const char *text)
{
	const TemplateValue values[] = {
		{"address", s->col[COL_ADDRESS]}, {"text", text}, {"subject", s->col[COL_SUBJECT]},
		{"body", s->col[COL_BODY]}, {"link", s->col[COL_LINK]}, {"key", s->col[COL_KEY]},
	};
	const int	nvalues = (int) (sizeof(values) / sizeof(values[0]));
	const char *method = s->col[COL_METHOD];
	char		header[1024];

	if (strcmp(method, "GET") == 0)
	{
		FillTemplate(&s->url, s->col[COL_ENDPOINT], values, nvalues, ESCAPE_URL);
		PrepareHttp(s, s->col[COL_CONTENT_TYPE]);
		curl_easy_setopt(s->easy, CURLOPT_HTTPGET, 1L);
	}
	else
	{
		BufAppendStr(&s->url, s->col[COL_ENDPOINT]);
		FillTemplate(&s->payload, s->col[COL_TEMPLATE][0] ? s->col[COL_TEMPLATE] : DEFAULT_SMS_TEMPLATE,
					 values, nvalues, EscapeForContentType(s->col[COL_CONTENT_TYPE]));
		PrepareHttp(s, s->col[COL_CONTENT_TYPE]);
		if (strcmp(method, "POST") != 0)
			curl_easy_setopt(s->easy, CURLOPT_CUSTOMREQUEST, method);
	}
	if (s->col[COL_SECRET][0] != '\0')
	{
		if (s->col[COL_AUTH_HEADER][0] != '\0')
			snprintf(header, sizeof(header), "%s: %s", s->col[COL_AUTH_HEADER], s->col[COL_SECRET]);
		else
			snprintf(header, sizeof(header), "Authorization: Bearer %s", s->col[COL_SECRET]);
		s->headers = curl_slist_append(s->headers, header);
	}
}

/* The SMTP parts of a send: envelope, message, login if the channel has one. */
static void
PrepareEmail(Send *s)
{
	char		from[512];

	BufAppendStr(&s->url, s->col[COL_ENDPOINT]);
	MailMessage(&s->payload, s->col[COL_FROM], s->col[COL_ADDRESS], s->col[COL_SUBJECT], s->col[COL_BODY],
				s->col[COL_LINK], s->col[COL_KEY], time(NULL));
	snprintf(from, sizeof(from), "<%s>", s->col[COL_FROM]);
	s->rcpt = curl_slist_append(s->rcpt, s->col[COL_ADDRESS]);
	curl_easy_setopt(s->easy, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
	curl_easy_setopt(s->easy, CURLOPT_MAIL_FROM, from);
	curl_easy_setopt(s->easy, CURLOPT_MAIL_RCPT, s->rcpt);
	curl_easy_setopt(s->easy, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(s->easy, CURLOPT_READFUNCTION, OnUpload);
	curl_easy_setopt(s->easy, CURLOPT_READDATA, s);
	curl_easy_setopt(s->easy, CURLOPT_INFILESIZE_LARGE, (curl_off_t) s->payload.len);
	/* STARTTLS whenever the server offers it; a login is never sent in the clear unless it does not. */
	curl_easy_setopt(s->easy, CURLOPT_USE_SSL, (long) (s->col[COL_USER][0] ? CURLUSESSL_ALL : CURLUSESSL_TRY));
	if (s->col[COL_USER][0] != '\0')
	{
		curl_easy_setopt(s->easy, CURLOPT_USERNAME, s->col[COL_USER]);
		curl_easy_setopt(s->easy, CURLOPT_PASSWORD, s->col[COL_SECRET]);
	}
	/* One dialogue per message, ended by QUIT: servers drop idle connections anyway. */
	curl_easy_setopt(s->easy, CURLOPT_FORBID_REUSE, 1L);
}

/* Make the send's transfer and hand it to libcurl; false (settled) if it cannot be made. */
static bool
StartSend(Deliverer *d, Send *s)
{
	Buf			text;

	s->easy = curl_easy_init();
	if (s->easy == NULL)
	{
		Settle(s, false, "cannot create a transfer", -1);
		return false;
	}
	BufInit(&text);
	MessageText(&text, s->col[COL_SUBJECT], s->col[COL_BODY], s->col[COL_LINK]);
	switch (s->kind)
	{
		case KIND_WECOM:
			BufAppendStr(&s->url, s->col[COL_ENDPOINT]);
			WecomBody(&s->payload, text.data ? text.data : "", s->col[COL_ADDRESS]);
			PrepareHttp(s, "application/json");
			break;
		case KIND_DINGTALK:
			if (!DingtalkSignedUrl(&s->url, s->col[COL_ENDPOINT], s->col[COL_SECRET],
								   (long long) (NowSeconds() * 1000.0)))
			{
				BufFree(&text);
				Settle(s, false, "cannot compute the 钉钉 signature", -1);
				return false;
			}
			DingtalkBody(&s->payload, text.data ? text.data : "", s->col[COL_ADDRESS]);
			PrepareHttp(s, "application/json");
			break;
		case KIND_SMS:
			PrepareSms(s, text.data ? text.data : "");
			break;
		case KIND_EMAIL:
			PrepareEmail(s);
			break;
		case KIND_UNKNOWN:
			BufFree(&text);
			Settle(s, false, "unknown channel kind", -1);
			return false;
	}
	BufFree(&text);
	curl_easy_setopt(s->easy, CURLOPT_URL, s->url.data);
	curl_easy_setopt(s->easy, CURLOPT_PRIVATE, s);
	curl_easy_setopt(s->easy, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(s->easy, CURLOPT_CONNECTTIMEOUT_MS, (long) (config.send_connect_timeout_s * 1000.0));
	curl_easy_setopt(s->easy, CURLOPT_TIMEOUT_MS, (long) (config.send_timeout_s * 1000.0));
	curl_easy_setopt(s->easy, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(s->easy, CURLOPT_HEADERFUNCTION, OnHeader);
	curl_easy_setopt(s->easy, CURLOPT_HEADERDATA, s);
	curl_easy_setopt(s->easy, CURLOPT_USERAGENT, WORKER_NAME "/" WORKER_VERSION);
	if (s->headers)
		curl_easy_setopt(s->easy, CURLOPT_HTTPHEADER, s->headers);
	if (curl_multi_add_handle(d->multi, s->easy) != CURLM_OK)
	{
		Settle(s, false, "cannot start the transfer", -1);
		return false;
	}
	return true;
}

/*
 * Judge a finished transfer: a robot delivered when it answers errcode 0; an
 * SMS gateway on any 2xx; SMTP when the message is accepted (250). A 429, or
 * a robot's "too fast" (企业微信 45009, 钉钉 130101), also holds the whole
 * channel back for the wait asked (a minute if none).
 */
static void
JudgeSend(Send *s, CURLcode rc)
{
	long		code = 0;
	long		errcode;
	char		prefix[64];
	bool		too_fast = false;

	if (rc != CURLE_OK)
	{
		char		what[256];

		snprintf(what, sizeof(what), "not sent: %s", curl_easy_strerror(rc));
		Settle(s, false, what, -1);
		return;
	}
	curl_easy_getinfo(s->easy, CURLINFO_RESPONSE_CODE, &code);
	if (s->kind == KIND_EMAIL)
	{
		s->delivered = code == 250;
		s->outcome = CleanAnswer("", s->answer.data ? s->answer.data : "", s->answer.len);
		return;
	}
	snprintf(prefix, sizeof(prefix), "HTTP %ld: ", code);
	s->outcome = CleanAnswer(prefix, s->answer.data ? s->answer.data : "", s->answer.len);
	BufAppend(&s->answer, "", 0);
	if (code == 429)
		too_fast = true;
	else if (code < 200 || code > 299)
		s->delivered = false;
	else if (s->kind == KIND_SMS)
		s->delivered = true;
	else if (!RobotErrcode(s->answer.data ? s->answer.data : "", &errcode))
		s->delivered = false;
	else if ((s->kind == KIND_WECOM && errcode == 45009) || (s->kind == KIND_DINGTALK && errcode == 130101))
		too_fast = true;
	else
		s->delivered = errcode == 0;
	if (too_fast)
	{
		s->delivered = false;
		if (s->retry_after_s < 0)
			s->retry_after_s = 60;
		if (s->channel->blocked_until < MonotonicSeconds() + s->retry_after_s)
			s->channel->blocked_until = MonotonicSeconds() + s->retry_after_s;
	}
	else if (code != 503)
		s->retry_after_s = -1;	/* Retry-After means something only with 429 and 503 */
}

/* Take the finished transfers out of libcurl, judged, onto the list to record. */
static void
CollectFinished(Deliverer *d)
{
	CURLMsg    *msg;
	int			left;

	while ((msg = curl_multi_info_read(d->multi, &left)) != NULL)
	{
		Send	   *s = NULL;
		Send	  **pp;

		if (msg->msg != CURLMSG_DONE)
			continue;
		curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **) &s);
		JudgeSend(s, msg->data.result);
		curl_multi_remove_handle(d->multi, s->easy);
		for (pp = &d->running; *pp; pp = &(*pp)->next)
			if (*pp == s)
			{
				*pp = s->next;
				d->nrunning--;
				break;
			}
		Count(s->delivered ? &stats.delivered : &stats.not_delivered, 1);
		LogMessage(s->delivered ? LEVEL_DEBUG : LEVEL_INFO, "notification %s by %s to \"%s\": %s: %s",
				   s->col[COL_ID], s->col[COL_KIND], s->col[COL_ADDRESS],
				   s->delivered ? "delivered" : "not delivered", s->outcome);
		Push(&d->finished, &d->nfinished, s);
	}
}

/* Close the connection after a failure and schedule the next attempt. */
static void
DeliverFail(Deliverer *d, const char *what, const char *err)
{
	double		wait = d->backoff_s * (0.8 + 0.4 * ((double) rand_r(&d->seed) / RAND_MAX));
	char		reason[512];

	snprintf(reason, sizeof(reason), "%s", err);
	OneLine(reason);
	LogMessage(LEVEL_WARNING, "database %s: %s; retrying in %.1f s", what, reason, wait);
	PQfinish(d->conn);
	d->conn = NULL;
	d->retry_at = MonotonicSeconds() + wait;
	d->backoff_s = d->backoff_s * 2 > config.backoff_max_s ? config.backoff_max_s : d->backoff_s * 2;
	d->state = DB_BACKOFF;
}

/* Connect, set the session up and LISTEN before the first claim, so no wake-up falls between. */
static void
DeliverConnect(Deliverer *d)
{
	char		err[512];
	PGresult   *res;

	d->conn = DbConnect(config.conninfo, config.connect_timeout_s, err, sizeof(err));
	if (d->conn == NULL)
	{
		DeliverFail(d, "connection failed", err);
		return;
	}
	if (!DbSetupSession(d->conn, err, sizeof(err)))
	{
		DeliverFail(d, "setup failed", err);
		return;
	}
	res = DbQuery(d->conn, "LISTEN escalation_notification", 0, NULL, config.query_timeout_s, err, sizeof(err));
	if (res == NULL)
	{
		DeliverFail(d, "LISTEN failed", err);
		return;
	}
	PQclear(res);
	LogMessage(LEVEL_INFO, "%s database \"%s\" as \"%s\" on %s port %s: delivering notifications as \"%s\"",
			   d->connected_once ? "reconnected to" : "connected to",
			   PQdb(d->conn), PQuser(d->conn), PQhost(d->conn), PQport(d->conn), d->name);
	d->connected_once = true;
	d->state = DB_LISTENING;
	d->wake = true;
	d->next_metrics = 0;
}

/*
 * Record the outcomes of the finished sends. A failed query on a healthy
 * connection (the database refused it) is logged and the outcome dropped:
 * the claim then comes back after its lease. A lost connection keeps them
 * for the next one.
 */
static void
RecordFinished(Deliverer *d)
{
	while (d->finished)
	{
		Send	   *s = d->finished;
		char		retry[32];
		const char *params[4] = {s->col[COL_ID], s->delivered ? "true" : "false", s->outcome, NULL};
		char		err[512];
		PGresult   *res;

		if (s->retry_after_s >= 0)
		{
			snprintf(retry, sizeof(retry), "%.3f", s->retry_after_s);
			params[3] = retry;
		}
		res = DbQuery(d->conn, RESULT_SQL, 4, params, config.query_timeout_s, err, sizeof(err));
		if (res == NULL && PQstatus(d->conn) != CONNECTION_OK)
		{
			DeliverFail(d, "record of an outcome failed", err);
			return;
		}
		if (res == NULL)
			LogMessage(LEVEL_ERROR, "cannot record the outcome of notification %s: %s", s->col[COL_ID], err);
		PQclear(res);
		d->finished = s->next;
		d->nfinished--;
		SendFree(s);
	}
}

/*
 * Claim what the free senders can take. Each claimed send gets the start
 * its channel's rate limit allows; one that would wait past what the lease
 * leaves for sending is given back at once with that wait as retry_after.
 */
static void
Claim(Deliverer *d)
{
	char		max_rows[16];
	char		lease[16];
	const char *params[3] = {d->name, max_rows, lease};
	char		err[512];
	PGresult   *res;
	int			want = config.senders - d->nrunning;
	int			n;
	int			held = 0;
	double		now = MonotonicSeconds();
	double		horizon = config.lease_s - config.send_timeout_s - 2;

	d->wake = false;
	d->next_poll = now + config.poll_interval_s;
	snprintf(max_rows, sizeof(max_rows), "%d", want);
	snprintf(lease, sizeof(lease), "%d", config.lease_s);
	res = DbQuery(d->conn, CLAIM_SQL, 3, params, config.query_timeout_s, err, sizeof(err));
	if (res == NULL)
	{
		DeliverFail(d, "claim failed", err);
		return;
	}
	n = PQntuples(res);
	for (int row = 0; row < n; row++)
	{
		Send	   *s = CheckedAlloc(sizeof(Send));
		double		slot;

		memset(s, 0, sizeof(Send));
		for (int i = 0; i < NCOLS; i++)
			s->col[i] = CheckedStrdup(PQgetvalue(res, row, i));
		s->kind = KindOf(s->col[COL_KIND]);
		s->retry_after_s = -1;
		BufInit(&s->url);
		BufInit(&s->payload);
		BufInit(&s->answer);
		s->channel = FindChannel(d, strtoll(s->col[COL_CHANNEL], NULL, 10), atoi(s->col[COL_RATE]));
		slot = ChannelSlot(s->channel, now);
		if (slot - now > horizon)
		{
			char		why[128];

			if (s->channel->blocked_until > now)
				snprintf(why, sizeof(why), "held back: the provider asked to wait");
			else
				snprintf(why, sizeof(why), "held back: the channel's limit of %d a minute is reached", s->channel->rate);
			Settle(s, false, why, slot - now);
			Push(&d->finished, &d->nfinished, s);
			held++;
			continue;
		}
		ChannelReserve(s->channel, slot);
		s->start_at = slot;
		Push(&d->waiting, &d->nwaiting, s);
	}
	PQclear(res);
	pthread_mutex_lock(&stats.lock);
	stats.claimed += n;
	stats.held_back += held;
	stats.last_cycle = now;
	pthread_mutex_unlock(&stats.lock);
	if (n > 0)
		LogMessage(LEVEL_DEBUG, "claimed %d notifications (%d held back by rate limits)", n, held);
	/* A full claim may have left more behind; a claim that hit a limit waits for the poll. */
	d->wake = n == want && held == 0;
	d->backoff_s = config.backoff_min_s;
}

/* True if a free sender could take a claimed notification. */
static bool
CanClaim(const Deliverer *d)
{
	return d->state == DB_LISTENING && !d->stopping && d->nrunning < config.senders &&
		d->nwaiting < 4 * config.senders;
}

/* Read escalation.notification_metrics() for /metrics. */
static void
ReadMetrics(Deliverer *d)
{
	char		err[512];
	PGresult   *res;

	d->next_metrics = MonotonicSeconds() + METRICS_INTERVAL_S;
	res = DbQuery(d->conn, METRICS_SQL, 0, NULL, config.query_timeout_s, err, sizeof(err));
	if (res == NULL)
	{
		if (PQstatus(d->conn) != CONNECTION_OK)
			DeliverFail(d, "read of notification_metrics() failed", err);
		else
			LogMessage(LEVEL_WARNING, "cannot read escalation.notification_metrics(): %s", err);
		return;
	}
	pthread_mutex_lock(&stats.lock);
	stats.sql_known = true;
	stats.sql_delivered = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
	stats.sql_failed = strtoll(PQgetvalue(res, 0, 1), NULL, 10);
	stats.sql_pending = strtoll(PQgetvalue(res, 0, 2), NULL, 10);
	stats.sql_oldest_pending_s = strtod(PQgetvalue(res, 0, 3), NULL);
	pthread_mutex_unlock(&stats.lock);
	PQclear(res);
}

/*
 * Start the waiting sends whose time has come; a send whose channel the
 * provider told to wait is given back with that wait. At a stop, every
 * waiting send is given back unsent, to be sent at once by whoever claims
 * it next. Returns the earliest start still ahead (0 for none).
 */
static double
StartDue(Deliverer *d)
{
	double		now = MonotonicSeconds();
	double		next = 0;
	Send	  **pp = &d->waiting;

	while (*pp)
	{
		Send	   *s = *pp;

		if (!d->stopping && s->start_at > now)
		{
			if (next == 0 || s->start_at < next)
				next = s->start_at;
			pp = &s->next;
			continue;
		}
		*pp = s->next;
		d->nwaiting--;
		if (d->stopping)
		{
			Settle(s, false, "given back unsent: the sender stopped", 0);
			Count(&stats.released, 1);
			Push(&d->finished, &d->nfinished, s);
		}
		else if (s->channel->blocked_until > now)
		{
			Settle(s, false, "held back: the provider asked to wait", s->channel->blocked_until - now);
			Count(&stats.held_back, 1);
			Push(&d->finished, &d->nfinished, s);
		}
		else if (StartSend(d, s))
			Push(&d->running, &d->nrunning, s);
		else
			Push(&d->finished, &d->nfinished, s);
	}
	return next;
}

/* Drain the queued notifications of the connection; true if there was any. */
static bool
DrainNotifies(Deliverer *d)
{
	PGnotify   *note;
	bool		any = false;

	while ((note = PQnotifies(d->conn)) != NULL)
	{
		PQfreemem(note);
		any = true;
	}
	return any;
}

/*
 * Wait for whatever comes first: a transfer's progress, a notification, the
 * stop, the next poll, a waiting send's start or the reconnection.
 */
static void
WaitForWork(Deliverer *d, double next_start)
{
	struct curl_waitfd fds[2];
	unsigned int nfds = 0;
	int			stop_at = -1;
	int			db_at = -1;
	double		now = MonotonicSeconds();
	double		until = now + 1.0;
	int			timeout_ms;

	/* A notification that came in during a query is queued already: its socket will not wake us. */
	if (d->state == DB_LISTENING && DrainNotifies(d))
		d->wake = true;
	if (d->wake && CanClaim(d))
		until = now;
	if (CanClaim(d) && d->next_poll < until)
		until = d->next_poll;
	if (d->state == DB_BACKOFF && d->retry_at < until)
		until = d->retry_at;
	if (next_start > 0 && next_start < until)
		until = next_start;
	timeout_ms = until > now ? (int) ((until - now) * 1000.0) + 1 : 0;
	if (!d->stopping)
	{
		stop_at = (int) nfds;
		fds[nfds].fd = stop_pipe[0];
		fds[nfds].events = CURL_WAIT_POLLIN;
		fds[nfds++].revents = 0;
	}
	if (d->state == DB_LISTENING)
	{
		db_at = (int) nfds;
		fds[nfds].fd = PQsocket(d->conn);
		fds[nfds].events = CURL_WAIT_POLLIN;
		fds[nfds++].revents = 0;
	}
	curl_multi_poll(d->multi, fds, nfds, timeout_ms, NULL);
	if (stop_at >= 0 && fds[stop_at].revents)
	{
		d->stopping = true;
		d->stop_deadline = MonotonicSeconds() + config.send_timeout_s + config.connect_timeout_s + config.query_timeout_s;
		LogMessage(LEVEL_INFO, "sender stopping: %d sends to finish, %d waiting ones to give back",
				   d->nrunning, d->nwaiting);
	}
	if (db_at >= 0 && fds[db_at].revents)
	{
		if (!PQconsumeInput(d->conn) || PQstatus(d->conn) != CONNECTION_OK)
			DeliverFail(d, "connection lost", PQerrorMessage(d->conn));
		else if (DrainNotifies(d))
			d->wake = true;
	}
}

/* Who claims: host name and process id, as the outbox records it. */
static void
SenderName(Deliverer *d)
{
	char		host[64];

	if (gethostname(host, sizeof(host)) != 0)
		snprintf(host, sizeof(host), "localhost");
	host[sizeof(host) - 1] = '\0';
	snprintf(d->name, sizeof(d->name), "%s:%d", host, (int) getpid());
}

/* Free what is left at the end: transfers cut short at the stop deadline, channels. */
static void
DeliverCleanup(Deliverer *d)
{
	int			lost = d->nrunning + d->nfinished;

	for (Send *s = d->running, *next; s; s = next)
	{
		next = s->next;
		curl_multi_remove_handle(d->multi, s->easy);
		SendFree(s);
	}
	for (Send *s = d->finished, *next; s; s = next)
	{
		next = s->next;
		SendFree(s);
	}
	if (lost > 0)
		LogMessage(LEVEL_WARNING, "%d outcomes not recorded at the stop: those notifications are sent again"
				   " after their lease and counted as repeats", lost);
	for (Channel *c = d->channels, *next; c; c = next)
	{
		next = c->next;
		free(c->starts);
		free(c);
	}
	curl_multi_cleanup(d->multi);
	PQfinish(d->conn);
}

/* The sender's thread: claim, send, record, until stopped and drained. */
void *
DeliverMain(void *arg)
{
	Deliverer	d;

	(void) arg;
	pthread_once(&stop_once, MakeStopPipe);
	memset(&d, 0, sizeof(d));
	d.state = DB_CONNECTING;
	d.backoff_s = config.backoff_min_s;
	d.seed = (unsigned int) time(NULL);
	d.multi = curl_multi_init();
	if (d.multi == NULL)
	{
		LogMessage(LEVEL_ERROR, "cannot create libcurl's multi handle");
		WorkerFatal(1);
		return NULL;
	}
	SenderName(&d);
	LogMessage(LEVEL_INFO, "sender: %d sends at once, each within %.0f s (connection %.0f s), claims leased for %d s",
			   config.senders, config.send_timeout_s, config.send_connect_timeout_s, config.lease_s);
	for (;;)
	{
		double		next_start;
		int			still_running;

		if (d.stopping && ((d.nrunning == 0 && d.nfinished == 0 && d.nwaiting == 0) ||
						   MonotonicSeconds() > d.stop_deadline))
			break;
		if (d.state == DB_BACKOFF && MonotonicSeconds() >= d.retry_at)
			d.state = DB_CONNECTING;
		if (d.state == DB_CONNECTING)
			DeliverConnect(&d);
		if (d.state == DB_LISTENING)
			RecordFinished(&d);
		if (CanClaim(&d) && (d.wake || MonotonicSeconds() >= d.next_poll))
			Claim(&d);
		if (d.state == DB_LISTENING && !d.stopping && MonotonicSeconds() >= d.next_metrics)
			ReadMetrics(&d);
		next_start = StartDue(&d);
		curl_multi_perform(d.multi, &still_running);
		CollectFinished(&d);
		NoteState(&d);
		if (d.nfinished > 0 && d.state == DB_LISTENING)
			continue;
		WaitForWork(&d, next_start);
		curl_multi_perform(d.multi, &still_running);
		CollectFinished(&d);
	}
	DeliverCleanup(&d);
	d.state = DB_STOPPED;
	NoteState(&d);
	LogMessage(LEVEL_INFO, "sender stopped");
	return NULL;
}

/* "/metrics" of a sender: its own counters, and the outbox as the database counts it. */
void
DeliverMetrics(Buf *text)
{
	pthread_mutex_lock(&stats.lock);
	Metric(text, "escalation_worker_notifications_claimed_total", "counter",
		   "Notifications this sender claimed since start.", (double) stats.claimed);
	Metric(text, "escalation_worker_deliveries_total", "counter",
		   "Sends the provider accepted since start.", (double) stats.delivered);
	Metric(text, "escalation_worker_delivery_failures_total", "counter",
		   "Sends that did not deliver since start (error answer, timeout, refused); retried by the outbox's backoff.",
		   (double) stats.not_delivered);
	Metric(text, "escalation_worker_deliveries_held_back_total", "counter",
		   "Claims given back unsent because a channel's rate limit or its provider asked to wait.",
		   (double) stats.held_back);
	Metric(text, "escalation_worker_deliveries_released_total", "counter",
		   "Claims given back unsent at a stop.", (double) stats.released);
	Metric(text, "escalation_worker_deliveries_in_flight", "gauge",
		   "Sends running now.", stats.running);
	Metric(text, "escalation_worker_deliveries_waiting", "gauge",
		   "Claimed notifications waiting for their channel's rate limit.", stats.waiting);
	Metric(text, "escalation_worker_database_up", "gauge",
		   "1 while connected and claiming, else 0.", stats.db_state == DB_LISTENING ? 1 : 0);
	if (stats.sql_known)
	{
		Metric(text, "escalation_notifications_delivered", "gauge",
			   "Notifications delivered, as the outbox counts them (escalation.notification_metrics()).",
			   (double) stats.sql_delivered);
		Metric(text, "escalation_notifications_failed", "gauge",
			   "Notifications given up (failed), as the outbox counts them.", (double) stats.sql_failed);
		Metric(text, "escalation_notifications_backlog", "gauge",
			   "Notifications not yet delivered nor failed (pending or being sent).", (double) stats.sql_pending);
		Metric(text, "escalation_notifications_oldest_pending_age_seconds", "gauge",
			   "Age of the oldest notification not yet delivered nor failed (0: none).",
			   stats.sql_oldest_pending_s);
	}
	pthread_mutex_unlock(&stats.lock);
}

/*
 * "/healthz" of a sender: healthy while it is connected and its last claim
 * is recent (within two poll intervals and a query's time).
 */
void
DeliverHealth(Buf *json, bool *healthy)
{
	double		now = MonotonicSeconds();
	double		age;

	pthread_mutex_lock(&stats.lock);
	age = stats.last_cycle > 0 ? now - stats.last_cycle : -1;
	*healthy = stats.db_state == DB_LISTENING && age >= 0 && age <= 2.0 * config.poll_interval_s + config.query_timeout_s;
	BufPrintf(json, "{\"mode\":\"deliver\",\"healthy\":%s,\"in_step\":%s,\"database\":\"%s\",\"last_claim_age_s\":%.1f,"
			  "\"in_flight\":%d,\"waiting\":%d",
			  *healthy ? "true" : "false", *healthy ? "true" : "false", DbStateName(stats.db_state), age,
			  stats.running, stats.waiting);
	if (stats.sql_known)
		BufPrintf(json, ",\"backlog\":%lld,\"oldest_pending_age_s\":%.1f", stats.sql_pending, stats.sql_oldest_pending_s);
	BufAppendStr(json, "}");
	pthread_mutex_unlock(&stats.lock);
}
