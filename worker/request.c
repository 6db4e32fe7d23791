/*
 * request.c — what a request may name: a screen ("city" or a district's
 * 6-digit code), a printable document (a supervision order or a circular by
 * its id) and a file of the static directory, with its content type.
 * Nothing here allocates or depends on the HTTP library.
 */
#include <ctype.h>
#include <stdint.h>
#include <string.h>

#include "request.h"

/* True if s is a 6-digit division code. */
bool
IsDivisionCode(const char *s)
{
	if (strlen(s) != 6)
		return false;
	for (int i = 0; i < 6; i++)
		if (!isdigit((unsigned char) s[i]))
			return false;
	return true;
}

/* True if s can name a screen: "city" or a 6-digit division code. */
bool
IsScreenCode(const char *s)
{
	return strcmp(s, "city") == 0 || IsDivisionCode(s);
}

/*
 * Parse a document id: 1 to 18 digits without a leading zero, so every id
 * has one spelling and fits a bigint. False (and *id untouched) otherwise.
 */
bool
ParseDocumentId(const char *s, int64_t *id)
{
	size_t		len = strlen(s);
	int64_t		value = 0;

	if (len == 0 || len > 18 || s[0] == '0')
		return false;
	for (size_t i = 0; i < len; i++)
	{
		if (!isdigit((unsigned char) s[i]))
			return false;
		value = value * 10 + (s[i] - '0');
	}
	*id = value;
	return true;
}

/*
 * Split the path of a printable document, "/order/<id>" or "/circular/<id>",
 * into its kind and the text of its id (still to be parsed). False if the
 * path names no kind of document.
 */
bool
DocumentPath(const char *path, DocumentKind *kind, const char **id_text)
{
	if (strncmp(path, "/order/", 7) == 0)
	{
		*kind = DOCUMENT_ORDER;
		*id_text = path + 7;
		return true;
	}
	if (strncmp(path, "/circular/", 10) == 0)
	{
		*kind = DOCUMENT_CIRCULAR;
		*id_text = path + 10;
		return true;
	}
	return false;
}

/*
 * True if name is a plain file name of the static directory: letters,
 * digits, '-', '_' and one inner '.', so no path can leave the directory.
 */
bool
IsStaticName(const char *name)
{
	int			dots = 0;
	size_t		len = strlen(name);

	if (len == 0 || len > 64 || name[0] == '.' || name[len - 1] == '.')
		return false;
	for (const char *p = name; *p; p++)
	{
		if (*p == '.')
			dots++;
		else if (!isalnum((unsigned char) *p) && *p != '-' && *p != '_')
			return false;
	}
	return dots == 1;
}

/* The content type of a static file, by its extension. */
const char *
ContentType(const char *name)
{
	const char *dot = strrchr(name, '.');

	if (dot == NULL)
		return "application/octet-stream";
	if (strcmp(dot, ".html") == 0)
		return "text/html; charset=utf-8";
	if (strcmp(dot, ".css") == 0)
		return "text/css; charset=utf-8";
	if (strcmp(dot, ".js") == 0)
		return "text/javascript; charset=utf-8";
	if (strcmp(dot, ".svg") == 0)
		return "image/svg+xml";
	if (strcmp(dot, ".png") == 0)
		return "image/png";
	if (strcmp(dot, ".ico") == 0)
		return "image/x-icon";
	return "application/octet-stream";
}
