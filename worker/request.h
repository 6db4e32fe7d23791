/*
 * request.h — the checks escalation-worker applies to what a request names
 * (screen codes, static file names), apart from the HTTP server so that they
 * can be tested and fuzzed alone.
 */
#ifndef ESCALATION_WORKER_REQUEST_H
#define ESCALATION_WORKER_REQUEST_H

#include <stdbool.h>

extern bool IsDivisionCode(const char *s);
extern bool IsScreenCode(const char *s);
extern bool IsStaticName(const char *name);
extern const char *ContentType(const char *name);

#endif
