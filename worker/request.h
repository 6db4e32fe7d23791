/*
 * request.h — the checks escalation-worker applies to what a request names
 * (screen codes, document ids, static file names), apart from the HTTP server so that they
 * can be tested and fuzzed alone.
 */
#ifndef ESCALATION_WORKER_REQUEST_H
#define ESCALATION_WORKER_REQUEST_H

#include <stdbool.h>
#include <stdint.h>

/* The kinds of printable document the worker serves. */
typedef enum DocumentKind
{
	DOCUMENT_ORDER,				/* a supervision order, 督办单 */
	DOCUMENT_CIRCULAR			/* a circular, 通报 */
} DocumentKind;

extern bool IsDivisionCode(const char *s);
extern bool IsScreenCode(const char *s);
extern bool ParseDocumentId(const char *s, int64_t *id);
extern bool DocumentPath(const char *path, DocumentKind *kind, const char **id_text);
extern bool IsStaticName(const char *name);
extern const char *ContentType(const char *name);

#endif
