/*
 * text.c — growable buffers, JSON and HTML escaping, and the small parsers
 * the worker needs for what it reads from the database and from requests.
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "worker.h"

/* Type OIDs of the built-in types the JSON encoder treats specially. */
#define BOOLOID 16
#define INT8OID 20
#define INT2OID 21
#define INT4OID 23
#define OIDOID 26
#define JSONOID 114
#define FLOAT4OID 700
#define FLOAT8OID 701
#define TIMESTAMPTZOID 1184
#define NUMERICOID 1700
#define JSONBOID 3802

/* malloc that ends the process on exhaustion: the worker cannot go on without memory. */
void *
CheckedAlloc(size_t size)
{
	void	   *p = malloc(size ? size : 1);

	if (p == NULL)
	{
		LogMessage(LEVEL_ERROR, "out of memory allocating %zu bytes", size);
		abort();
	}
	return p;
}

/* strdup that ends the process on exhaustion. */
char *
CheckedStrdup(const char *s)
{
	size_t		len = strlen(s) + 1;
	char	   *p = CheckedAlloc(len);

	memcpy(p, s, len);
	return p;
}

/* Make an empty buffer. */
void
BufInit(Buf *buf)
{
	buf->data = NULL;
	buf->len = 0;
	buf->cap = 0;
}

/* Release a buffer's memory. */
void
BufFree(Buf *buf)
{
	free(buf->data);
	BufInit(buf);
}

/* Empty a buffer, keeping its memory. */
void
BufReset(Buf *buf)
{
	buf->len = 0;
	if (buf->data)
		buf->data[0] = '\0';
}

/* Make room for extra more bytes plus a terminating NUL. */
static void
BufReserve(Buf *buf, size_t extra)
{
	size_t		need = buf->len + extra + 1;
	char	   *p;

	if (need <= buf->cap)
		return;
	if (buf->cap == 0)
		buf->cap = 256;
	while (buf->cap < need)
		buf->cap *= 2;
	p = realloc(buf->data, buf->cap);
	if (p == NULL)
	{
		LogMessage(LEVEL_ERROR, "out of memory growing a buffer to %zu bytes", buf->cap);
		abort();
	}
	buf->data = p;
}

/* Append len bytes. */
void
BufAppend(Buf *buf, const char *data, size_t len)
{
	BufReserve(buf, len);
	memcpy(buf->data + buf->len, data, len);
	buf->len += len;
	buf->data[buf->len] = '\0';
}

/* Append a NUL-terminated string. */
void
BufAppendStr(Buf *buf, const char *s)
{
	BufAppend(buf, s, strlen(s));
}

/* Append formatted text. */
void
BufPrintf(Buf *buf, const char *fmt,...)
{
	va_list		ap;
	int			n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	BufReserve(buf, (size_t) n);
	va_start(ap, fmt);
	vsnprintf(buf->data + buf->len, (size_t) n + 1, fmt, ap);
	va_end(ap);
	buf->len += (size_t) n;
}

/*
 * Append s escaped for the inside of a JSON string literal (RFC 8259), no
 * quotes. U+2028 and U+2029 are escaped too, so the text is also valid
 * inside a JavaScript literal.
 */
void
BufAppendJsonChars(Buf *buf, const char *s)
{
	const unsigned char *p = (const unsigned char *) s;

	for (; *p; p++)
	{
		switch (*p)
		{
			case '"':
				BufAppend(buf, "\\\"", 2);
				break;
			case '\\':
				BufAppend(buf, "\\\\", 2);
				break;
			case '\n':
				BufAppend(buf, "\\n", 2);
				break;
			case '\r':
				BufAppend(buf, "\\r", 2);
				break;
			case '\t':
				BufAppend(buf, "\\t", 2);
				break;
			case '\b':
				BufAppend(buf, "\\b", 2);
				break;
			case '\f':
				BufAppend(buf, "\\f", 2);
				break;
			default:
				if (*p < 0x20 || *p == 0x7f)
					BufPrintf(buf, "\\u%04x", *p);
				else if (p[0] == 0xe2 && p[1] == 0x80 && (p[2] == 0xa8 || p[2] == 0xa9))
				{
					BufPrintf(buf, "\\u%s", p[2] == 0xa8 ? "2028" : "2029");
					p += 2;
				}
				else
					BufAppend(buf, (const char *) p, 1);
		}
	}
}

/* Append s as a JSON string, quotes included. */
void
BufAppendJsonString(Buf *buf, const char *s)
{
	BufAppend(buf, "\"", 1);
	BufAppendJsonChars(buf, s);
	BufAppend(buf, "\"", 1);
}

/* Append s with the characters that are special in HTML escaped. */
void
BufAppendHtml(Buf *buf, const char *s)
{
	for (; *s; s++)
	{
		switch (*s)
		{
			case '&':
				BufAppendStr(buf, "&amp;");
				break;
			case '<':
				BufAppendStr(buf, "&lt;");
				break;
			case '>':
				BufAppendStr(buf, "&gt;");
				break;
			case '"':
				BufAppendStr(buf, "&quot;");
				break;
			case '\'':
				BufAppendStr(buf, "&#39;");
				break;
			default:
				BufAppend(buf, s, 1);
		}
	}
}

/* True if s is a number by JSON's grammar: -?(0|[1-9]d*)(.d+)?([eE][+-]?d+)? */
static bool
IsJsonNumber(const char *s)
{
	if (*s == '-')
		s++;
	if (*s == '0')
		s++;
	else if (isdigit((unsigned char) *s))
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
	return *s == '\0';
}

/*
 * Append a timestamptz printed by a session with TimeZone UTC and DateStyle
 * ISO ("2026-05-01 08:00:00.5+00") as RFC 3339 ("2026-05-01T08:00:00.5Z"),
 * which every browser's Date parses.
 */
static void
BufAppendTimestampJson(Buf *buf, const char *s)
{
	size_t		len = strlen(s);

	if (len > 13 && s[10] == ' ' && strcmp(s + len - 3, "+00") == 0)
	{
		BufAppend(buf, "\"", 1);
		BufAppend(buf, s, 10);
		BufAppend(buf, "T", 1);
		BufAppend(buf, s + 11, len - 14);
		BufAppend(buf, "Z\"", 2);
	}
	else
		BufAppendJsonString(buf, s);
}

/*
 * Append one result row as a JSON object keyed by column name: integers,
 * finite numbers and booleans as JSON values, json columns as they are,
 * timestamps in RFC 3339, everything else (enums, regions, text) as strings.
 */
void
BufAppendRowJson(Buf *buf, const PGresult *res, int row)
{
	int			ncols = PQnfields(res);

	BufAppend(buf, "{", 1);
	for (int col = 0; col < ncols; col++)
	{
		const char *value = PQgetvalue(res, row, col);

		if (col > 0)
			BufAppend(buf, ",", 1);
		BufAppendJsonString(buf, PQfname(res, col));
		BufAppend(buf, ":", 1);
		if (PQgetisnull(res, row, col))
		{
			BufAppendStr(buf, "null");
			continue;
		}
		switch (PQftype(res, col))
		{
			case INT2OID:
			case INT4OID:
			case INT8OID:
			case OIDOID:
			case FLOAT4OID:
			case FLOAT8OID:
			case NUMERICOID:
				if (IsJsonNumber(value))
					BufAppendStr(buf, value);
				else
					BufAppendJsonString(buf, value);	/* NaN, Infinity */
				break;
			case BOOLOID:
				BufAppendStr(buf, value[0] == 't' ? "true" : "false");
				break;
			case JSONOID:
			case JSONBOID:
				BufAppendStr(buf, value);
				break;
			case TIMESTAMPTZOID:
				BufAppendTimestampJson(buf, value);
				break;
			default:
				BufAppendJsonString(buf, value);
		}
	}
	BufAppend(buf, "}", 1);
}

/* Parse a non-negative event id (decimal digits only, fits in int64). */
bool
ParseEventId(const char *s, int64_t *out)
{
	char	   *end;
	long long	v;

	if (s == NULL || *s == '\0' || strlen(s) > 19)
		return false;
	for (const char *p = s; *p; p++)
		if (!isdigit((unsigned char) *p))
			return false;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < 0)
		return false;
	*out = (int64_t) v;
	return true;
}

/* Parse a UTC ISO timestamp as printed by the worker's sessions into epoch seconds. */
bool
ParseTimestamp(const char *s, double *epoch)
{
	struct tm	tm;
	double		sec;
	int			consumed = 0;

	memset(&tm, 0, sizeof(tm));
	if (sscanf(s, "%4d-%2d-%2d %2d:%2d:%lf%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
			   &tm.tm_hour, &tm.tm_min, &sec, &consumed) != 6)
		return false;
	if (strcmp(s + consumed, "+00") != 0)
		return false;
	/* %lf also reads "nan", "inf" and hex floats; only real seconds may pass. */
	if (!isfinite(sec) || sec < 0 || sec >= 61)
		return false;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	tm.tm_sec = 0;
	*epoch = (double) timegm(&tm) + sec;
	return true;
}

/* Fold a message onto one line (libpq errors span several), trimming the end. */
void
OneLine(char *s)
{
	size_t		len;

	for (char *p = s; *p; p++)
		if (*p == '\n' || *p == '\r' || *p == '\t')
			*p = ' ';
	len = strlen(s);
	while (len > 0 && s[len - 1] == ' ')
		s[--len] = '\0';
}
