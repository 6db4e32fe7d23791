/*
 * fuzz_worker.c — libFuzzer harness for what escalation-worker does with
 * text it did not write: request values (Last-Event-ID and ?after= event ids,
 * ?screen= codes, static file names), user text from the database escaped
 * into JSON, HTML and log lines, and whole rows of warning_events() turned
 * into Server-Sent Events, and rows of the printable documents laid out as
 * HTML pages.
 *
 * The input is split at NUL bytes into fields (neither HTTP values nor
 * database text carry NUL). Every field goes through the request parsers and
 * the escapers; the first field then steers how a warning_events() row is
 * built from the others (libpq builds the result locally, no server needed)
 * and the row goes through EventFromRow. Properties, judged by decoders and
 * oracles written here: escaped text decodes back to the original; a JSON
 * string never carries a raw control character or line break; an event id is
 * accepted exactly when it is 1-19 digits within int64; a static file name
 * can never leave its directory; a document id is accepted exactly when it
 * is 1-18 digits without a leading zero; a document page has the markup of
 * its template and no more, whatever the database's text holds; an event is
 * built exactly when its key
 * columns are usable, and its SSE message is "id", "event" and one "data"
 * line of a JSON object whose members are the row's columns with their
 * values, ended by a blank line. The same fields go through what the
 * notification sender builds (message.c): see CheckMessage.
 */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "request.h"
#include "worker.h"

WorkerConfig config;

#define MAX_FIELDS	16
#define MAX_INPUT	4096

/* Type OIDs, as libpq reports them for the row's columns. */
#define INT4_OID	23
#define INT8_OID	20
#define TEXT_OID	25
#define TSTZ_OID	1184
#define REGION_OID	16400			/* an extension type: the worker sees an unknown OID */

/* The input cut at NUL bytes; fields past the last are empty. */
typedef struct Fields
{
	char	   *text[MAX_FIELDS];
	int			count;
} Fields;

/* The value of one column of the row under test: NULL, or text. */
typedef struct Cell
{
	const char *name;
	unsigned int type;
	const char *value;			/* NULL for SQL NULL */
} Cell;

/* Decode a JSON string literal at *p (strict RFC 8259) into out; advance *p. */
static bool
JsonDecodeString(const char **p, Buf *out)
{
	const char *s = *p;

	if (*s++ != '"')
		return false;
	while (*s != '"')
	{
		unsigned char c = (unsigned char) *s;

		if (c == '\0' || c < 0x20)
			return false;
		if (c != '\\')
		{
			BufAppend(out, s++, 1);
			continue;
		}
		s++;
		switch (*s++)
		{
			case '"':
				BufAppendStr(out, "\"");
				break;
			case '\\':
				BufAppendStr(out, "\\");
				break;
			case '/':
				BufAppendStr(out, "/");
				break;
			case 'b':
				BufAppendStr(out, "\b");
				break;
			case 'f':
				BufAppendStr(out, "\f");
				break;
			case 'n':
				BufAppendStr(out, "\n");
				break;
			case 'r':
				BufAppendStr(out, "\r");
				break;
			case 't':
				BufAppendStr(out, "\t");
				break;
			case 'u':
				{
					unsigned int cp = 0;

					for (int i = 0; i < 4; i++, s++)
					{
						if (!isxdigit((unsigned char) *s))
							return false;
						cp = cp * 16 + (unsigned int) (isdigit((unsigned char) *s) ? *s - '0' : (tolower((unsigned char) *s) - 'a' + 10));
					}
					/* The worker escapes only ASCII controls and U+2028/9. */
					if (cp < 0x80)
					{
						char		b = (char) cp;

						BufAppend(out, &b, 1);
					}
					else if (cp == 0x2028 || cp == 0x2029)
						BufAppendStr(out, cp == 0x2028 ? "\xe2\x80\xa8" : "\xe2\x80\xa9");
					else
						return false;
				}
				break;
			default:
				return false;
		}
	}
	*p = s + 1;
	return true;
}

/* Skip a JSON number (strict grammar) at *p; false if there is none. */
static bool
JsonSkipNumber(const char **p)
{
	const char *s = *p;

	if (*s == '-')
		s++;
	if (*s == '0')
		s++;
	else if (*s >= '1' && *s <= '9')
		while (isdigit((unsigned char) *s))
			s++;
	else
		return false;
	if (*s == '.')
	{
		s++;
		if (!isdigit((unsigned char) *s))
			return false;
		while (isdigit((unsigned char) *s))
			s++;
	}
	if (*s == 'e' || *s == 'E')
	{
		s++;
		if (*s == '+' || *s == '-')
			s++;
		if (!isdigit((unsigned char) *s))
			return false;
		while (isdigit((unsigned char) *s))
			s++;
	}
	*p = s;
	return true;
}

/* The JSON text of a string: escape with the worker, for comparisons. */
static void
CheckJsonString(const char *s)
{
	Buf			json;
	Buf			back;
	const char *p;

	BufInit(&json);
	BufInit(&back);
	BufAppendStr(&back, "");
	BufAppendJsonString(&json, s);
	PROPERTY(strlen(json.data) == json.len, "JSON of a %zu-byte string holds a NUL", strlen(s));
	PROPERTY(strpbrk(json.data, "\n\r") == NULL, "JSON string literal spans lines");
	PROPERTY(strstr(json.data, "\xe2\x80\xa8") == NULL && strstr(json.data, "\xe2\x80\xa9") == NULL,
			 "JSON string literal holds a raw line or paragraph separator");
	p = json.data;
	PROPERTY(JsonDecodeString(&p, &back) && *p == '\0', "JSON literal is not one valid string: %s", json.data);
	PROPERTY(back.len == strlen(s) && memcmp(back.data, s, back.len) == 0,
			 "JSON literal decodes to other text: %s", json.data);
	BufFree(&json);
	BufFree(&back);
}

/* HTML-escaped text has no markup character left and decodes to the original. */
static void
CheckHtml(const char *s)
{
	static const char *const entities[][2] = {
		{"&amp;", "&"}, {"&lt;", "<"}, {"&gt;", ">"}, {"&quot;", "\""}, {"&#39;", "'"}
	};
	Buf			html;
	Buf			back;

	BufInit(&html);
	BufInit(&back);
	BufAppendHtml(&html, s);
	BufAppendStr(&html, "");
	PROPERTY(strpbrk(html.data, "<>\"'") == NULL, "HTML escape leaves markup in: %s", html.data);
	for (const char *p = html.data; *p;)
	{
		bool		found = false;

		if (*p != '&')
		{
			BufAppend(&back, p++, 1);
			continue;
		}
		for (size_t i = 0; i < sizeof(entities) / sizeof(entities[0]); i++)
		{
			size_t		n = strlen(entities[i][0]);

			if (strncmp(p, entities[i][0], n) == 0)
			{
				BufAppendStr(&back, entities[i][1]);
				p += n;
				found = true;
				break;
			}
		}
		PROPERTY(found, "HTML escape leaves a bare '&': %s", html.data);
	}
	BufAppendStr(&back, "");
	PROPERTY(strcmp(back.data, s) == 0, "HTML escape does not decode back");
	BufFree(&html);
	BufFree(&back);
}

/* Oracle of an event id: 1-19 ASCII digits whose value fits in int64. */
static bool
OracleEventId(const char *s, int64_t *value)
{
	uint64_t	v = 0;
	size_t		n = strlen(s);

	if (n == 0 || n > 19)
		return false;
	for (size_t i = 0; i < n; i++)
	{
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (uint64_t) (s[i] - '0');	/* 19 digits never wrap uint64 */
	}
	if (v > (uint64_t) INT64_MAX)
		return false;
	*value = (int64_t) v;
	return true;
}

/* Request values and log text: ids, screen codes, file names, one-line messages. */
static void
CheckRequestText(const char *s)
{
	int64_t		got = -1;
	int64_t		want = -1;
	bool		ok = ParseEventId(s, &got);
	bool		digits6 = strlen(s) == 6 && strspn(s, "0123456789") == 6;
	char		line[512];
	size_t		n;
	double		epoch;

	PROPERTY(ok == OracleEventId(s, &want), "ParseEventId(\"%.40s\") says %d", s, ok);
	PROPERTY(!ok || got == want, "event id \"%s\" parsed as %lld", s, (long long) got);

	PROPERTY(IsDivisionCode(s) == digits6, "IsDivisionCode(\"%.40s\") says %d", s, IsDivisionCode(s));
	PROPERTY(IsScreenCode(s) == (digits6 || strcmp(s, "city") == 0), "IsScreenCode(\"%.40s\") says %d", s, IsScreenCode(s));

	/* A static name is one plain file of the directory, whatever the URL held. */
	if (IsStaticName(s))
		PROPERTY(strchr(s, '/') == NULL && strstr(s, "..") == NULL && s[0] != '.' &&
				 strlen(s) <= 64 && strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.") == strlen(s),
				 "static file name \"%.80s\" accepted", s);
	PROPERTY(ContentType(s) != NULL, "no content type for \"%.40s\"", s);

	/* A document id has one spelling: 1-18 digits, no leading zero, its value. */
	{
		int64_t		doc = -1;
		bool		want_doc = strlen(s) >= 1 && strlen(s) <= 18 && s[0] != '0' && strspn(s, "0123456789") == strlen(s);
		DocumentKind kind;
		const char *id_text = NULL;

		PROPERTY(ParseDocumentId(s, &doc) == want_doc, "ParseDocumentId(\"%.40s\") says %d", s, !want_doc);
		PROPERTY(!want_doc || doc == strtoll(s, NULL, 10), "document id \"%s\" parsed as %lld", s, (long long) doc);
		if (DocumentPath(s, &kind, &id_text))
			PROPERTY((kind == DOCUMENT_ORDER && strncmp(s, "/order/", 7) == 0 && id_text == s + 7) ||
					 (kind == DOCUMENT_CIRCULAR && strncmp(s, "/circular/", 10) == 0 && id_text == s + 10),
					 "DocumentPath(\"%.40s\") splits it wrongly", s);
		else
			PROPERTY(strncmp(s, "/order/", 7) != 0 && strncmp(s, "/circular/", 10) != 0,
					 "DocumentPath refuses \"%.40s\"", s);
	}

	/* Log lines: one line, nothing trailing, otherwise the same text. */
	n = strlen(s) < sizeof(line) ? strlen(s) : sizeof(line) - 1;
	memcpy(line, s, n);
	line[n] = '\0';
	OneLine(line);
	PROPERTY(strpbrk(line, "\n\r\t") == NULL, "OneLine leaves a line break");
	PROPERTY(strlen(line) == 0 || line[strlen(line) - 1] != ' ', "OneLine leaves trailing space");
	for (size_t i = 0; i < n; i++)
	{
		char		want = strchr("\n\r\t", s[i]) ? ' ' : s[i];

		if (i < strlen(line))
			PROPERTY(line[i] == want, "OneLine changed byte %zu", i);
		else
			PROPERTY(want == ' ', "OneLine cut byte %zu, which is not white space", i);
	}

	/* Only a UTC timestamp with real seconds is taken (see also OracleEpoch). */
	if (ParseTimestamp(s, &epoch))
	{
		PROPERTY(strlen(s) >= 3 && strcmp(s + strlen(s) - 3, "+00") == 0,
				 "ParseTimestamp takes \"%.60s\", which is not UTC", s);
		PROPERTY(isfinite(epoch), "ParseTimestamp takes \"%.60s\" as a time that is not finite", s);
	}
}

/* Seconds since 1970 of a UTC civil time, by counting days (year >= 1970). */
static double
OracleEpoch(unsigned int year, unsigned int mon, unsigned int day, unsigned int secs, unsigned int micro)
{
	static const int month_days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	double		days = 0;

	for (unsigned int y = 1970; y < year; y++)
		days += (y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)) ? 366 : 365;
	for (unsigned int m = 1; m < mon; m++)
		days += month_days[m - 1] + (m == 2 && year % 4 == 0 && (year % 100 != 0 || year % 400 == 0));
	days += day - 1;
	return days * 86400 + secs + micro / 1e6;
}

/* Next steering byte of the first field (zero once it is used up). */
static unsigned int
Steer(const char *ctl, size_t *pos)
{
	size_t		len = strlen(ctl);

	return *pos < len ? (unsigned char) ctl[(*pos)++] : 0;
}

/* A timestamptz as a UTC ISO session prints it, in *buf; or one of its special forms. */
static const char *
MakeTimestamp(const char *ctl, size_t *pos, char *buf, size_t buflen, double *epoch)
{
	unsigned int form = Steer(ctl, pos);
	unsigned int year = 1970 + Steer(ctl, pos) * 2;
	unsigned int mon = 1 + Steer(ctl, pos) % 12;
	unsigned int day = 1 + Steer(ctl, pos) % 28;
	unsigned int hms = Steer(ctl, pos) * 337 + Steer(ctl, pos);
	unsigned int micro = Steer(ctl, pos) * 3907;

	*epoch = NAN;
	switch (form % 8)
	{
		case 0:
			return NULL;
		case 1:
			return form & 8 ? "infinity" : "-infinity";
		case 2:
			snprintf(buf, buflen, "%04u-%02u-%02u %02u:%02u:%02u+00 BC", year, mon, day,
					 hms / 3600 % 24, hms / 60 % 60, hms % 60);
			return buf;
		case 3:
			snprintf(buf, buflen, "%04u-%02u-%02u %02u:%02u:%02u.%06u+00", year, mon, day,
					 hms / 3600 % 24, hms / 60 % 60, hms % 60, micro % 1000000);
			*epoch = OracleEpoch(year, mon, day, hms % 86400, micro % 1000000);
			return buf;
	}
	snprintf(buf, buflen, "%04u-%02u-%02u %02u:%02u:%02u+00", year, mon, day,
			 hms / 3600 % 24, hms / 60 % 60, hms % 60);
	*epoch = OracleEpoch(year, mon, day, hms % 86400, 0);
	return buf;
}

/* A number as PostgreSQL prints an int8 or int4, in *buf. */
static const char *
MakeInteger(const char *ctl, size_t *pos, char *buf, size_t buflen, bool int8)
{
	uint64_t	v = 0;

	for (int i = 0; i < (int8 ? 8 : 4); i++)
		v = v << 8 | Steer(ctl, pos);
	if (int8)
		snprintf(buf, buflen, "%lld", (long long) (int64_t) v);
	else
		snprintf(buf, buflen, "%d", (int) (int32_t) (uint32_t) v);
	return buf;
}

/* A division code of 6 or 9 digits, in *buf. */
static const char *
MakeRegion(const char *ctl, size_t *pos, char *buf, size_t buflen)
{
	unsigned int v = Steer(ctl, pos) << 16 | Steer(ctl, pos) << 8 | Steer(ctl, pos);

	if (v & 1)
		snprintf(buf, buflen, "%09u", 370000000 + v % 10000000);
	else
		snprintf(buf, buflen, "%06u", 370000 + v % 10000);
	return buf;
}

/* The RFC 3339 form the worker must give a timestamptz value, or NULL to keep it a string. */
static bool
ExpectedTimestampJson(const char *s, Buf *out)
{
	size_t		len = strlen(s);

	if (len <= 13 || s[10] != ' ' || strcmp(s + len - 3, "+00") != 0)
		return false;
	BufAppend(out, s, 10);
	BufAppendStr(out, "T");
	BufAppend(out, s + 11, len - 14);
	BufAppendStr(out, "Z");
	return true;
}

/* The SSE message of an event must frame one JSON object of the row's cells. */
static void
CheckSse(const Event *ev, const Cell *cells, int ncells)
{
	char		head[96];
	const char *p;
	const char *data;
	Buf			text;

	snprintf(head, sizeof(head), "id: %lld\nevent: %s\ndata: ", (long long) ev->id, ev->type);
	PROPERTY(ev->sse_len == strlen(ev->sse), "SSE message holds a NUL");
	PROPERTY(strncmp(ev->sse, head, strlen(head)) == 0, "SSE message starts wrongly: %.80s", ev->sse);
	PROPERTY(ev->sse_len >= strlen(head) + 2 && strcmp(ev->sse + ev->sse_len - 2, "\n\n") == 0,
			 "SSE message does not end with a blank line");
	data = ev->sse + strlen(head);
	PROPERTY(strcspn(data, "\r\n") == ev->sse_len - strlen(head) - 2,
			 "SSE data spans more than one line: %s", data);

	/* One object: each column in order, with its value. */
	p = data;
	PROPERTY(*p++ == '{', "SSE data is no JSON object: %.80s", data);
	BufInit(&text);
	for (int i = 0; i < ncells; i++)
	{
		Buf			want;

		if (i > 0)
			PROPERTY(*p++ == ',', "member %d of the event JSON is not separated: %.60s", i, p - 1);
		BufReset(&text);
		PROPERTY(JsonDecodeString(&p, &text) && strcmp(text.data ? text.data : "", cells[i].name) == 0,
				 "member %d of the event JSON is not \"%s\"", i, cells[i].name);
		PROPERTY(*p++ == ':', "no ':' after \"%s\"", cells[i].name);
		if (cells[i].value == NULL)
		{
			PROPERTY(strncmp(p, "null", 4) == 0, "NULL %s is not null: %.40s", cells[i].name, p);
			p += 4;
			continue;
		}
		if (cells[i].type == INT4_OID || cells[i].type == INT8_OID)
		{
			const char *start = p;

			PROPERTY(JsonSkipNumber(&p) && (size_t) (p - start) == strlen(cells[i].value) &&
					 strncmp(start, cells[i].value, strlen(cells[i].value)) == 0,
					 "%s = %s is not that JSON number: %.40s", cells[i].name, cells[i].value, start);
			continue;
		}
		BufReset(&text);
		PROPERTY(JsonDecodeString(&p, &text), "%s is no JSON string: %.60s", cells[i].name, p);
		BufInit(&want);
		if (!(cells[i].type == TSTZ_OID && ExpectedTimestampJson(cells[i].value, &want)))
			BufAppendStr(&want, cells[i].value);
		PROPERTY(text.len == want.len && memcmp(text.data ? text.data : "", want.data, want.len) == 0,
				 "%s decodes to other text", cells[i].name);
		BufFree(&want);
	}
	BufFree(&text);
	PROPERTY(strcmp(p, "}\n\n") == 0, "event JSON has more after its columns: %.60s", p);
}

/* Build a warning_events() row from the fields, steered by the first, and check its event. */
static void
CheckEvent(const Fields *f)
{
	const char *ctl = f->text[0];
	size_t		pos = 0;
	unsigned int mode = Steer(ctl, &pos) | Steer(ctl, &pos) << 8;
	static const char *const kinds[] = {"raised", "resolved", "acknowledged"};
	char		ints[6][24];
	char		stamps[4][48];
	double		epochs[4];
	char		regions[2][16];
	int			next = 1;
	Cell		cells[20];
	int			n = 0;
	PGresAttDesc atts[20];
	PGresult   *res;
	Event	   *ev;
	char		err[256];
	int64_t		id;
	bool		usable;

#define FIELD() (next < f->count ? f->text[next++] : "")
#define ADD(nm, ty, val) (cells[n].name = (nm), cells[n].type = (ty), cells[n].value = (val), n++)

	/* An int8 column: only what PostgreSQL prints (ParseEventId meets raw text above). */
	ADD("event_id", INT8_OID, mode & 1 ? NULL : MakeInteger(ctl, &pos, ints[0], 24, true));
	ADD("event", TEXT_OID, mode & 2 ? FIELD() : kinds[Steer(ctl, &pos) % 3]);
	ADD("warning_id", INT8_OID, MakeInteger(ctl, &pos, ints[1], 24, true));
	ADD("kind", TEXT_OID, FIELD());
	ADD("subject_id", INT8_OID, MakeInteger(ctl, &pos, ints[2], 24, true));
	ADD("stage", INT4_OID, MakeInteger(ctl, &pos, ints[3], 24, false));
	ADD("screen", TEXT_OID, FIELD());
	ADD("screen_region", REGION_OID, mode & 4 ? FIELD() : MakeRegion(ctl, &pos, regions[0], 16));
	ADD("district", REGION_OID, mode & 8 ? NULL : mode & 16 ? FIELD() : MakeRegion(ctl, &pos, regions[1], 16));
	ADD("unit_id", INT8_OID, mode & 32 ? NULL : MakeInteger(ctl, &pos, ints[4], 24, true));
	ADD("unit_name", TEXT_OID, FIELD());
	ADD("street_name", TEXT_OID, mode & 64 ? NULL : FIELD());
	ADD("kind_label", TEXT_OID, FIELD());
	ADD("action", TEXT_OID, FIELD());
	ADD("action_label", TEXT_OID, FIELD());
	ADD("due_at", TSTZ_OID, MakeTimestamp(ctl, &pos, stamps[0], 48, &epochs[0]));
	ADD("raised_at", TSTZ_OID, MakeTimestamp(ctl, &pos, stamps[1], 48, &epochs[1]));
	ADD("resolved_at", TSTZ_OID, MakeTimestamp(ctl, &pos, stamps[2], 48, &epochs[2]));
	ADD("resolved_reason", TEXT_OID, mode & 128 ? NULL : FIELD());
	ADD("acknowledged_at", TSTZ_OID, MakeTimestamp(ctl, &pos, stamps[3], 48, &epochs[3]));
#undef FIELD
#undef ADD

	res = PQmakeEmptyPGresult(NULL, PGRES_TUPLES_OK);
	PROPERTY(res != NULL, "libpq cannot make a result");
	memset(atts, 0, sizeof(atts));
	for (int i = 0; i < n; i++)
	{
		atts[i].name = (char *) cells[i].name;
		atts[i].typid = cells[i].type;
		atts[i].typlen = -1;
		atts[i].atttypmod = -1;
	}
	PROPERTY(PQsetResultAttrs(res, n, atts), "libpq refuses the columns");
	for (int i = 0; i < n; i++)
		PROPERTY(PQsetvalue(res, 0, i, (char *) cells[i].value, cells[i].value ? (int) strlen(cells[i].value) : -1),
				 "libpq refuses a value");

	usable = cells[0].value != NULL && strlen(cells[0].value) < 24 && OracleEventId(cells[0].value, &id) &&
		strlen(cells[1].value) < sizeof(ev->type) &&
		strlen(cells[7].value) < REGION_TEXT_LEN &&
		(cells[8].value == NULL || strlen(cells[8].value) < REGION_TEXT_LEN);
	ev = EventFromRow(res, 0, err, sizeof(err));
	PROPERTY((ev != NULL) == usable, "EventFromRow %s a row the oracle finds %s",
			 ev ? "accepted" : "refused", usable ? "usable" : "unusable");
	if (ev != NULL)
	{
		PROPERTY(ev->id == id && strcmp(ev->type, cells[1].value) == 0 &&
				 strcmp(ev->screen_region, cells[7].value) == 0 &&
				 strcmp(ev->district, cells[8].value ? cells[8].value : "") == 0,
				 "event %lld does not carry the row's keys", (long long) ev->id);
		PROPERTY(isfinite(ev->at), "event %lld happened at %f", (long long) ev->id, ev->at);
		/* The event happened when its own timestamp says, if it has one. */
		{
			double		when = strcmp(ev->type, "resolved") == 0 ? epochs[2] :
				strcmp(ev->type, "acknowledged") == 0 ? epochs[3] : epochs[1];

			if (isfinite(when))
				PROPERTY(fabs(ev->at - when) < 1e-3, "event %lld at %.6f, its timestamp says %.6f",
						 (long long) ev->id, ev->at, when);
		}
		if (strpbrk(ev->type, "\r\n") == NULL)
			CheckSse(ev, cells, n);
		PROPERTY(EventMatches(ev, ev->screen_region), "event does not match its own screen");
		EventFree(ev);
	}
	PQclear(res);
}

/* The columns the document pages read (a superset of the three functions'). */
static const char *const document_columns[] = {
	"document", "id", "number", "title", "issuing_office_name", "issuing_level_label", "addressee_name",
	"issued_date", "corrected_by_number", "body", "items", "item", "item_no", "stage", "unit_name",
	"district_name", "department_name", "kind_label", "reason_label", "overdue_text", "handled_text",
	"ladder", "measures", "reply_due_text", "replied_date", "reply", "state_label"
};
#define DOCUMENT_COLUMNS (int) (sizeof(document_columns) / sizeof(document_columns[0]))
#define DOCUMENT_ROWS 3

/*
 * A result of the document columns: each value a field or NULL, steered; in
 * plain, each field spelled in hex instead, so equal values stay equal and
 * empty ones empty (the pages branch on both) but none holds markup.
 */
static PGresult *
MakeDocumentRows(const Fields *f, bool plain)
{
	const char *ctl = f->text[0];
	size_t		pos = 0;
	int			next = 1;
	PGresAttDesc atts[DOCUMENT_COLUMNS];
	PGresult   *res = PQmakeEmptyPGresult(NULL, PGRES_TUPLES_OK);

	PROPERTY(res != NULL, "libpq cannot make a result");
	memset(atts, 0, sizeof(atts));
	for (int i = 0; i < DOCUMENT_COLUMNS; i++)
	{
		atts[i].name = (char *) document_columns[i];
		atts[i].typid = TEXT_OID;
		atts[i].typlen = -1;
		atts[i].atttypmod = -1;
	}
	PROPERTY(PQsetResultAttrs(res, DOCUMENT_COLUMNS, atts), "libpq refuses the columns");
	for (int row = 0; row < DOCUMENT_ROWS; row++)
		for (int i = 0; i < DOCUMENT_COLUMNS; i++)
		{
			const char *value = NULL;
			Buf			hex;

			BufInit(&hex);
			if (Steer(ctl, &pos) % 5 != 0)
			{
				value = next < f->count ? f->text[next] : "";
				next = next + 1 < f->count ? next + 1 : 1;
				if (plain)
				{
					BufAppendStr(&hex, "");
					for (const char *c = value; *c; c++)
						BufPrintf(&hex, "%02x", (unsigned char) *c);
					value = hex.data;
				}
			}
			PROPERTY(PQsetvalue(res, row, i, (char *) value, value ? (int) strlen(value) : -1),
					 "libpq refuses a value");
			BufFree(&hex);
		}
	return res;
}

/* How many bytes of buf are markup: < > " ' (escaped text carries none). */
static size_t
MarkupBytes(const Buf *buf)
{
	size_t		n = 0;

	for (size_t i = 0; i < buf->len; i++)
		if (strchr("<>\"'", buf->data[i]) != NULL && buf->data[i] != '\0')
			n++;
	return n;
}

/*
 * Lay the fields out as each document page and as a list, and again with
 * every non-empty value replaced by plain text: the markup must be the same,
 * so nothing the database says can add a tag or an attribute.
 */
static void
CheckDocuments(const Fields *f)
{
	PGresult   *rows = MakeDocumentRows(f, false);
	PGresult   *plain = MakeDocumentRows(f, true);
	const char *title = f->count > 1 ? f->text[1] : "";
	Buf			plain_title;
	Buf			got;
	Buf			want;

	BufInit(&plain_title);
	BufAppendStr(&plain_title, "");
	for (const char *c = title; *c; c++)
		BufPrintf(&plain_title, "%02x", (unsigned char) *c);
	for (int page = 0; page < 3; page++)
	{
		BufInit(&got);
		BufInit(&want);
		if (page == 0)
		{
			OrderHtml(&got, rows);
			OrderHtml(&want, plain);
		}
		else if (page == 1)
		{
			CircularHtml(&got, rows, rows);
			CircularHtml(&want, plain, plain);
		}
		else
		{
			DocumentListHtml(&got, title, title, rows);
			DocumentListHtml(&want, plain_title.data, plain_title.data, plain);
		}
		PROPERTY(MarkupBytes(&got) == MarkupBytes(&want),
				 "page %d: database text changed the markup (%zu markup bytes, the template has %zu)",
				 page, MarkupBytes(&got), MarkupBytes(&want));
		BufFree(&got);
		BufFree(&want);
	}
	BufFree(&plain_title);
	PQclear(rows);
	PQclear(plain);
}

/* Decode standard, padded base64 of len characters into out; false if it is not that. */
static bool
Base64Decode(const char *s, size_t len, Buf *out)
{
	static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

	if (len % 4 != 0)
		return false;
	for (size_t i = 0; i < len; i += 4)
	{
		unsigned int v = 0;
		int			pad = 0;

		for (size_t k = 0; k < 4; k++)
		{
			const char *c = s[i + k] ? strchr(alphabet, s[i + k]) : NULL;

			if (s[i + k] == '=' && i + 4 == len && k >= 2 && (k == 3 || s[i + 3] == '='))
				pad++;
			else if (c == NULL || pad > 0)
				return false;
			v = v * 64 + (unsigned int) (c ? c - alphabet : 0);
		}
		for (int k = 0; k < 3 - pad; k++)
		{
			char		b = (char) ((v >> (16 - 8 * k)) & 0xff);

			BufAppend(out, &b, 1);
		}
	}
	return true;
}

/* The subject of an e-mail: RFC 2047 words of at most 75 characters, folded, decoding to itself. */
static void
CheckMailSubject(const char *subject)
{
	Buf			out;
	Buf			back;
	bool		plain = true;
	const char *p;

	BufInit(&out);
	BufInit(&back);
	BufAppendStr(&back, "");
	MailSubject(&out, subject);
	BufAppendStr(&out, "");
	for (const unsigned char *c = (const unsigned char *) subject; *c; c++)
		if (*c < 0x20 || *c > 0x7e || (c[0] == '=' && c[1] == '?'))
			plain = false;
	if (plain)
		PROPERTY(strcmp(out.data, subject) == 0, "plain subject changed: %s", out.data);
	else
	{
		for (p = out.data; *p;)
		{
			const char *end = strstr(p, "?=");
			size_t		word = end ? (size_t) (end + 2 - p) : 0;

			PROPERTY(strncmp(p, "=?UTF-8?B?", 10) == 0 && end != NULL && word <= 75,
					 "not an encoded word of at most 75 characters: %s", p);
			PROPERTY(Base64Decode(p + 10, (size_t) (end - p - 10), &back), "encoded word is not base64: %s", p);
			p = end + 2;
			PROPERTY(*p == '\0' || strncmp(p, "\r\n ", 3) == 0, "encoded words not folded: %s", p);
			if (*p)
				p += 3;
		}
		PROPERTY(back.len == strlen(subject) && memcmp(back.data, subject, back.len) == 0,
				 "subject decodes to other text");
	}
	BufFree(&out);
	BufFree(&back);
}

/* A Message-ID: <atext@escalation.notification>, its =XX decoding back to the key. */
static void
CheckMessageId(const char *key)
{
	static const char suffix[] = "@escalation.notification>";
	Buf			out;
	Buf			back;
	size_t		left;

	BufInit(&out);
	BufInit(&back);
	BufAppendStr(&back, "");
	MailMessageId(&out, key);
	PROPERTY(out.len >= 1 + strlen(suffix) && out.data[0] == '<' &&
			 strcmp(out.data + out.len - strlen(suffix), suffix) == 0, "Message-ID malformed: %s", out.data);
	left = out.len - strlen(suffix);
	PROPERTY(left > 1 || key[0] == '\0', "Message-ID of a key has an empty left side");
	for (size_t i = 1; i < left; i++)
	{
		unsigned char c = (unsigned char) out.data[i];

		PROPERTY(c < 0x80 && (isalnum(c) || strchr("!#$%&'*+-/=?^_`{|}~", c) != NULL),
				 "Message-ID holds a character that is not atext: 0x%02x", c);
		if (c == '=')
		{
			unsigned int b;
			char		byte;

			PROPERTY(i + 2 < left && sscanf(out.data + i + 1, "%2X", &b) == 1 &&
					 isxdigit((unsigned char) out.data[i + 1]) && isxdigit((unsigned char) out.data[i + 2]),
					 "Message-ID has a broken =XX");
			byte = (char) b;
			BufAppend(&back, &byte, 1);
			i += 2;
		}
		else
			BufAppend(&back, (const char *) &c, 1);
	}
	PROPERTY(strcmp(back.data, key) == 0, "Message-ID decodes to another key");
	BufFree(&out);
	BufFree(&back);
}

/* A wait from Retry-After is -1 (none) or not negative, whatever the header says. */
static time_t
StubDate(const char *s)
{
	return s[0] == 'S' ? 1000 : (time_t) -1;
}

/*
 * What the sender builds from the database's text (message.c): the e-mail's
 * subject and Message-ID; an SMS template "<before>{{text}}<after>" gives
 * exactly before, the value JSON-escaped (decoding back to it) and after,
 * with nothing in the value filled in again; a 企业微信 body is one JSON
 * object whose content is a prefix of the text, cut on a character boundary
 * at 2,048 bytes; 钉钉's URL is the endpoint with a timestamp and a
 * percent-encoded 44-character base64 signature; Retry-After is never a
 * negative wait but -1.
 */
static void
CheckMessage(const Fields *f)
{
	const char *text = f->count > 1 ? f->text[1] : "";
	const char *before = f->count > 2 ? f->text[2] : "";
	const char *after = f->count > 3 ? f->text[3] : "";
	const TemplateValue values[] = {{"text", text}, {"address", before}};
	Buf			tmpl;
	Buf			out;
	Buf			back;
	const char *p;
	double		wait;

	CheckMailSubject(f->text[0]);
	CheckMessageId(f->text[0]);

	BufInit(&tmpl);
	BufInit(&out);
	BufInit(&back);
	BufAppendStr(&back, "");
	FillTemplate(&out, f->text[0], values, 2, ESCAPE_JSON);
	BufAppendStr(&out, "");
	if (strstr(f->text[0], "{{") == NULL)
		PROPERTY(out.len == strlen(f->text[0]) && memcmp(out.data, f->text[0], out.len) == 0,
				 "a template without placeholders changed");
	BufReset(&out);
	if (strstr(before, "{{") == NULL && strstr(after, "{{") == NULL && strstr(after, "}}") == NULL)
	{
		BufPrintf(&tmpl, "%s{{text}}%s", before, after);
		FillTemplate(&out, tmpl.data, values, 2, ESCAPE_JSON);
		BufAppendStr(&out, "");
		PROPERTY(out.len >= strlen(before) + strlen(after) && memcmp(out.data, before, strlen(before)) == 0 &&
				 strcmp(out.data + out.len - strlen(after), after) == 0, "template's literal text changed");
		out.data[out.len - strlen(after)] = '\0';
		BufReset(&tmpl);
		BufPrintf(&tmpl, "\"%s\"", out.data + strlen(before));
		p = tmpl.data;
		PROPERTY(JsonDecodeString(&p, &back) && *p == '\0' && strcmp(back.data, text) == 0,
				 "placeholder is not the value JSON-escaped: %s", tmpl.data);
	}

	BufReset(&out);
	BufReset(&back);
	BufAppendStr(&back, "");
	WecomBody(&out, text, "");
	p = out.data + strlen("{\"msgtype\":\"text\",\"text\":{\"content\":");
	PROPERTY(strncmp(out.data, "{\"msgtype\":\"text\",\"text\":{\"content\":", p - out.data) == 0 &&
			 JsonDecodeString(&p, &back) && strcmp(p, "}}") == 0, "企业微信 body malformed: %s", out.data);
	PROPERTY(back.len <= 2048 && strncmp(back.data, text, back.len) == 0, "企业微信 content is not a prefix of the text");
	PROPERTY(back.len == strlen(text) ||
			 (back.len + 4 > 2048 && ((unsigned char) text[back.len] & 0xc0) != 0x80),
			 "企业微信 content cut early or inside a character (%zu of %zu bytes)", back.len, strlen(text));

	BufReset(&out);
	if (before[0] != '\0')
	{
		PROPERTY(DingtalkSignedUrl(&out, text, before, 1700000000123LL), "no 钉钉 signature");
		p = out.data + strlen(text);
		PROPERTY(strncmp(out.data, text, strlen(text)) == 0 &&
				 strncmp(p + 1, "timestamp=1700000000123&sign=", 29) == 0 && (*p == '?' || *p == '&'),
				 "钉钉 URL malformed: %s", out.data);
		BufReset(&back);
		for (p += 30; *p; p++)
		{
			unsigned int b;
			char		byte;

			if (*p == '%')
			{
				PROPERTY(sscanf(p + 1, "%2X", &b) == 1, "broken percent-encoding");
				byte = (char) b;
				BufAppend(&back, &byte, 1);
				p += 2;
			}
			else
				BufAppend(&back, p, 1);
		}
		PROPERTY(back.len == 44 && back.data[43] == '=', "钉钉 sign is not base64 of 32 bytes: %s", out.data);
	}

	wait = RetryAfterSeconds(text, 500, StubDate);
	PROPERTY(wait == -1 || wait >= 0, "Retry-After gave a negative wait: %g", wait);
	{
		long		errcode;

		(void) RobotErrcode(text, &errcode);
	}
	BufFree(&tmpl);
	BufFree(&out);
	BufFree(&back);
}

/* Judge one input: each field as request and log text, then the row built from them. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char	   *copy;
	Fields		f;

	if (size > MAX_INPUT)
		return 0;
	copy = CheckedAlloc(size + 1);
	memcpy(copy, data, size);
	copy[size] = '\0';
	f.count = 0;
	for (char *p = copy; f.count < MAX_FIELDS && p <= copy + size; p += strlen(p) + 1)
		f.text[f.count++] = p;

	log_min_level = LEVEL_ERROR;
	for (int i = 0; i < f.count; i++)
	{
		CheckRequestText(f.text[i]);
		CheckJsonString(f.text[i]);
		CheckHtml(f.text[i]);
	}
	CheckEvent(&f);
	CheckDocuments(&f);
	CheckMessage(&f);
	free(copy);
	return 0;
}
