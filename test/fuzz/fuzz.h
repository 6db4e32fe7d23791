/*
 * fuzz.h — what every libFuzzer harness of test/fuzz shares: the entry point's
 * declaration and property checks that report the broken property and abort,
 * so that libFuzzer keeps the input as a crash artifact.
 */
#ifndef ESCALATION_FUZZ_H
#define ESCALATION_FUZZ_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

extern int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Report a broken property with its location and details, then abort. */
static inline void
FuzzFail(const char *file, int line, const char *cond, const char *fmt,...)
__attribute__((format(printf, 4, 5), noreturn));

static inline void
FuzzFail(const char *file, int line, const char *cond, const char *fmt,...)
{
	va_list		ap;

	fprintf(stderr, "\n==PROPERTY VIOLATED== %s:%d: %s\n  ", file, line, cond);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	abort();
}

/* Is c white space that may surround a code (the oracles' own definition)? */
static inline bool
OracleBlank(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

/* Check a property; the message says which value broke it. */
#define PROPERTY(cond, ...) \
	do { \
		if (!(cond)) \
			FuzzFail(__FILE__, __LINE__, #cond, __VA_ARGS__); \
	} while (0)

#endif							/* ESCALATION_FUZZ_H */
