/*
 * message.c — what the sender (deliver.c) puts on the wire for each kind of
 * channel: the JSON of the 企业微信 and 钉钉 group robots, 钉钉's signed URL,
 * the SMS gateway's body from its template, the e-mail with its RFC 2047
 * subject; and the reading of the providers' answers (errcode, Retry-After).
 * Plain text functions without I/O, so the fuzzer can link them.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "worker.h"

/* 企业微信's limit on a text message's content, in bytes. */
#define WECOM_TEXT_MAX 2048

/* The longest encoded word RFC 2047 allows, "=?UTF-8?B?" and "?=" included. */
#define ENCODED_WORD_MAX 75

/* Length of the longest prefix of s, at most max bytes, that ends on a UTF-8 character boundary. */
static size_t
Utf8Prefix(const char *s, size_t max)
{
	size_t		len = strlen(s);

	if (len <= max)
		return len;
	while (max > 0 && ((unsigned char) s[max] & 0xc0) == 0x80)
		max--;
	return max;
}

/* Append the base64 of len bytes. */
void
BufAppendBase64(Buf *buf, const unsigned char *data, size_t len)
{
	char	   *out = CheckedAlloc(4 * ((len + 2) / 3) + 1);
	int			n = EVP_EncodeBlock((unsigned char *) out, data, (int) len);

	BufAppend(buf, out, (size_t) n);
	free(out);
}

/* Append s percent-encoded: everything but RFC 3986's unreserved characters. */
void
BufAppendUrlEncoded(Buf *buf, const char *s)
{
	for (const unsigned char *p = (const unsigned char *) s; *p; p++)
	{
		if ((*p < 0x80 && isalnum(*p)) || *p == '-' || *p == '.' || *p == '_' || *p == '~')
			BufAppend(buf, (const char *) p, 1);
		else
			BufPrintf(buf, "%%%02X", *p);
	}
}

/* The text of a notification for a robot or an SMS: subject, body and link, a line each. */
void
MessageText(Buf *out, const char *subject, const char *body, const char *link)
{
	const char *parts[] = {subject, body, link};

	for (int i = 0; i < 3; i++)
	{
		if (parts[i] == NULL || parts[i][0] == '\0')
			continue;
		if (out->len > 0)
			BufAppendStr(out, "\n");
		BufAppendStr(out, parts[i]);
	}
}

/*
 * A 企业微信 group robot's message: text (cut to the robot's limit on a
 * character boundary), with the mobile to @-mention if there is one.
 */
void
WecomBody(Buf *out, const char *text, const char *mobile)
{
	char	   *cut = CheckedStrdup(text);

	cut[Utf8Prefix(cut, WECOM_TEXT_MAX)] = '\0';
	BufAppendStr(out, "{\"msgtype\":\"text\",\"text\":{\"content\":");
	BufAppendJsonString(out, cut);
	if (mobile[0] != '\0')
	{
		BufAppendStr(out, ",\"mentioned_mobile_list\":[");
		BufAppendJsonString(out, mobile);
		BufAppendStr(out, "]");
	}
	BufAppendStr(out, "}}");
	free(cut);
}

/* A 钉钉 custom robot's message: text, with the mobile to @-mention if there is one. */
void
DingtalkBody(Buf *out, const char *text, const char *mobile)
{
	BufAppendStr(out, "{\"msgtype\":\"text\",\"text\":{\"content\":");
	BufAppendJsonString(out, text);
	BufAppendStr(out, "},\"at\":{\"atMobiles\":[");
	if (mobile[0] != '\0')
		BufAppendJsonString(out, mobile);
	BufAppendStr(out, "],\"isAtAll\":false}}");
}

/*
 * 钉钉's signed URL: the endpoint with timestamp (ms since the epoch) and
 * sign = urlencode(base64(HMAC-SHA256(secret, "<timestamp>\n<secret>"))).
 * Without a secret, the endpoint as it is (a robot with keyword or IP
 * security instead). False if the HMAC cannot be computed.
 */
bool
DingtalkSignedUrl(Buf *out, const char *endpoint, const char *secret, long long timestamp_ms)
{
	unsigned char mac[EVP_MAX_MD_SIZE];
	unsigned int maclen = 0;
	Buf			to_sign;
	Buf			sign;

	BufAppendStr(out, endpoint);
	if (secret[0] == '\0')
		return true;
	BufInit(&to_sign);
	BufPrintf(&to_sign, "%lld\n%s", timestamp_ms, secret);
	if (HMAC(EVP_sha256(), secret, (int) strlen(secret), (const unsigned char *) to_sign.data, to_sign.len,
			 mac, &maclen) == NULL)
	{
		BufFree(&to_sign);
		return false;
	}
	BufFree(&to_sign);
	BufInit(&sign);
	BufAppendBase64(&sign, mac, maclen);
	BufPrintf(out, "%stimestamp=%lld&sign=", strchr(endpoint, '?') ? "&" : "?", timestamp_ms);
	BufAppendUrlEncoded(out, sign.data);
	BufFree(&sign);
	return true;
}

/* Append value escaped as a template's escape asks. */
static void
AppendEscaped(Buf *out, const char *value, TemplateEscape escape)
{
	switch (escape)
	{
		case ESCAPE_JSON:
			BufAppendJsonChars(out, value);
			break;
		case ESCAPE_URL:
			BufAppendUrlEncoded(out, value);
			break;
		case ESCAPE_NONE:
			BufAppendStr(out, value);
			break;
	}
}

/* How a gateway's content type wants placeholders escaped. */
TemplateEscape
EscapeForContentType(const char *content_type)
{
	if (strstr(content_type, "json") != NULL)
		return ESCAPE_JSON;
	if (strstr(content_type, "x-www-form-urlencoded") != NULL)
		return ESCAPE_URL;
	return ESCAPE_NONE;
}

/*
 * Fill a template: each {{name}} with the value of that name, escaped, and
 * the values never read again. Anything else stays as it is, an unknown
 * placeholder too, so a mistyped template shows at the gateway instead of
 * silently losing text; "{{{text}}" is a brace and the text.
 */
void
FillTemplate(Buf *out, const char *tmpl, const TemplateValue *values, int nvalues, TemplateEscape escape)
{
	const char *p = tmpl;

	for (;;)
	{
		const char *open = strstr(p, "{{");
		bool		known = false;

		if (open == NULL)
		{
			BufAppendStr(out, p);
			return;
		}
		BufAppend(out, p, (size_t) (open - p));
		for (int i = 0; i < nvalues && !known; i++)
		{
			size_t		n = strlen(values[i].name);

			if (strncmp(open + 2, values[i].name, n) == 0 && strncmp(open + 2 + n, "}}", 2) == 0)
			{
				AppendEscaped(out, values[i].value, escape);
				p = open + 4 + n;
				known = true;
			}
		}
		if (!known)
		{
			BufAppend(out, "{", 1);
			p = open + 1;
		}
	}
}

/*
 * A subject as RFC 2047 encoded words (UTF-8, base64), each at most 75
 * characters and never splitting a character, folded onto continuation
 * lines. Plain ASCII without specials stays as it is.
 */
void
MailSubject(Buf *out, const char *subject)
{
	const char *p = subject;
	bool		plain = true;
	bool		first = true;

	for (const unsigned char *c = (const unsigned char *) subject; *c; c++)
		if (*c < 0x20 || *c > 0x7e || (c[0] == '=' && c[1] == '?'))
			plain = false;
	if (plain)
	{
		BufAppendStr(out, subject);
		return;
	}
	while (*p)
	{
		/* 45 bytes of text make 60 of base64: 72 with the "=?UTF-8?B?" and "?=". */
		size_t		n = Utf8Prefix(p, 45);

		if (n == 0)				/* a byte that starts no character: take it alone */
			n = 1;
		if (!first)
			BufAppendStr(out, "\r\n ");
		BufAppendStr(out, "=?UTF-8?B?");
		BufAppendBase64(out, (const unsigned char *) p, n);
		BufAppendStr(out, "?=");
		p += n;
		first = false;
	}
}

/*
 * A Message-ID from the idempotency key: the same notification always has
 * the same one, so a mail system can drop a repeat. Bytes that are not
 * RFC 5322 atext become =XX (dots too: an id may not start or end with one,
 * nor hold two in a row).
 */
void
MailMessageId(Buf *out, const char *key)
{
	BufAppendStr(out, "<");
	for (const unsigned char *p = (const unsigned char *) key; *p; p++)
	{
		if (*p < 0x80 && (isalnum(*p) || strchr("!#$%&'*+-/?^_`{|}~", *p) != NULL))
			BufAppend(out, (const char *) p, 1);
		else
			BufPrintf(out, "=%02X", *p);
	}
	BufAppendStr(out, "@escalation.notification>");
}

/*
 * A whole e-mail (RFC 5322, CRLF lines): UTF-8 text/plain in base64, so
 * no line is too long and no line starts with a dot.
 */
void
MailMessage(Buf *out, const char *from, const char *to, const char *subject, const char *body,
			const char *link, const char *key, time_t now)
{
	char		date[64];
	struct tm	tm;
	Buf			text;

	gmtime_r(&now, &tm);
	strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S +0000", &tm);
	BufPrintf(out, "Date: %s\r\nFrom: <%s>\r\nTo: <%s>\r\nSubject: ", date, from, to);
	MailSubject(out, subject);
	BufAppendStr(out, "\r\nMessage-ID: ");
	MailMessageId(out, key);
	BufAppendStr(out, "\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\n"
				 "Content-Transfer-Encoding: base64\r\nAuto-Submitted: auto-generated\r\n\r\n");
	BufInit(&text);
	MessageText(&text, NULL, body, link);
	for (size_t off = 0; off < text.len || off == 0; off += 57)
	{
		size_t		n = text.len - off < 57 ? text.len - off : 57;

		BufAppendBase64(out, (const unsigned char *) text.data + off, n);
		BufAppendStr(out, "\r\n");
		if (text.len == 0)
			break;
	}
	BufFree(&text);
}

/*
 * The errcode of a robot's JSON answer ({"errcode":0,"errmsg":"ok"}); false
 * if the answer has none.
 */
bool
RobotErrcode(const char *answer, long *errcode)
{
	const char *p = strstr(answer, "\"errcode\"");
	char	   *end;

	if (p == NULL)
		return false;
	p += strlen("\"errcode\"");
	while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
		p++;
	if (*p++ != ':')
		return false;
	while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
		p++;
	*errcode = strtol(p, &end, 10);
	return end != p;
}

/*
 * Seconds a Retry-After header asks to wait: delay-seconds, or an HTTP date
 * (parsed by parse_date, given as now's epoch); negative if it says nothing.
 */
double
RetryAfterSeconds(const char *value, double now, time_t (*parse_date) (const char *))
{
	char	   *end;
	long		seconds;
	time_t		when;

	while (*value == ' ' || *value == '\t')
		value++;
	if (*value == '\0')
		return -1;
	seconds = strtol(value, &end, 10);
	if (end != value && (*end == '\0' || *end == '\r' || *end == '\n' || *end == ' '))
		return seconds < 0 ? -1 : (double) seconds;
	when = parse_date(value);
	if (when == (time_t) -1)
		return -1;
	return (double) when > now ? (double) when - now : 0;
}
