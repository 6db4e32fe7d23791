/*
 * fuzz_uscc.c — libFuzzer harness for the unified social credit code parser
 * of src/codes.c (UsccParse, UsccComplete, UsccRegionKey).
 *
 * Every input is judged by an oracle written here from GB 32100-2015 alone,
 * not from codes.c: its own character values (digits, then the letters
 * without I, O, S, V, Z), its own weights (3^i mod 31) and its own check
 * character. The parser must agree with the oracle on acceptance and on the
 * details it reports (offending character, length, expected check character),
 * and an accepted code must round-trip through its output form, parse the
 * same in lower case, be completed to itself from its first 17 characters,
 * and turn into a rejected code when any one of its first 17 characters is
 * replaced by another.
 */
#include <stdbool.h>
#include <string.h>

#include "codes.h"
#include "fuzz.h"

/* Longest input judged: longer ones only add more of the same characters. */
#define MAX_INPUT	256

/*
 * Value of a code character per GB 32100 (digits 0-9, then A-Z without
 * I, O, S, V, Z numbered 10-30; lower case accepted), or -1.
 */
static int
OracleValue(unsigned char c)
{
	int			value = 10;

	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'z')
		c = (unsigned char) (c - 'a' + 'A');
	if (c < 'A' || c > 'Z' || strchr("IOSVZ", c) != NULL)
		return -1;
	for (unsigned char l = 'A'; l < c; l++)
		if (strchr("IOSVZ", l) == NULL)
			value++;
	return value;
}

/* The upper-case character of a value 0-30. */
static char
OracleCharacter(int value)
{
	for (int c = '0'; c <= 'Z'; c++)
		if (OracleValue((unsigned char) c) == value)
			return (char) c;
	return '?';
}

/* The check character of 17 characters known to be valid. */
static char
OracleCheck(const char *chars)
{
	long		sum = 0;
	long		weight = 1;

	for (int i = 0; i < 17; i++)
	{
		sum += OracleValue((unsigned char) chars[i]) * weight;
		weight = weight * 3 % 31;
	}
	return OracleCharacter((int) ((31 - sum % 31) % 31));
}

/* What the oracle expects of a parse (want 18) or completion (want 17). */
typedef struct Expectation
{
	UsccStatus	status;
	size_t		start;			/* first byte after leading white space */
	size_t		length;			/* trimmed length */
	size_t		offset;			/* first character outside the charset */
	char		check;			/* right check character, when 17+ valid */
} Expectation;

/* Judge an input as the standard and the documented error order say. */
static Expectation
OracleJudge(const char *s, size_t len, size_t want)
{
	Expectation e = {USCC_OK, 0, 0, 0, 0};
	size_t		end = len;
	char		upper[USCC_LENGTH];

	while (e.start < end && OracleBlank((unsigned char) s[e.start]))
		e.start++;
	while (end > e.start && OracleBlank((unsigned char) s[end - 1]))
		end--;
	e.length = end - e.start;
	for (size_t i = e.start; i < end; i++)
	{
		if (OracleValue((unsigned char) s[i]) < 0)
		{
			e.status = USCC_BAD_CHARACTER;
			e.offset = i;
			return e;
		}
	}
	if (e.length != want)
	{
		e.status = USCC_BAD_LENGTH;
		return e;
	}
	for (size_t i = 0; i < 17; i++)
		upper[i] = OracleCharacter(OracleValue((unsigned char) s[e.start + i]));
	e.check = OracleCheck(upper);
	if (want == USCC_LENGTH &&
		OracleCharacter(OracleValue((unsigned char) s[e.start + 17])) != e.check)
		e.status = USCC_BAD_CHECK;
	return e;
}

/* The parser's result must carry exactly the oracle's verdict and details. */
static void
CheckAgainstOracle(const char *what, bool ok, const UsccError *err, const Expectation *e)
{
	PROPERTY(ok == (e->status == USCC_OK),
			 "%s: parser says %s, oracle says status %d", what, ok ? "valid" : "invalid", (int) e->status);
	PROPERTY(err->status == e->status, "%s: status %d, oracle %d", what, (int) err->status, (int) e->status);
	switch (e->status)
	{
		case USCC_BAD_CHARACTER:
			PROPERTY(err->offset == e->offset, "%s: bad character at %zu, oracle %zu", what, err->offset, e->offset);
			break;
		case USCC_BAD_LENGTH:
			PROPERTY(err->length == e->length, "%s: length %zu, oracle %zu", what, err->length, e->length);
			break;
		case USCC_BAD_CHECK:
			PROPERTY(err->expected == e->check, "%s: expected check '%c', oracle '%c'", what, err->expected, e->check);
			break;
		case USCC_OK:
			break;
	}
}

/* The code must be the trimmed input in upper case, in the canonical charset. */
static void
CheckCanonical(const char *what, const char *code, size_t n, const char *input, const Expectation *e)
{
	for (size_t i = 0; i < n; i++)
	{
		char		c = OracleCharacter(OracleValue((unsigned char) input[e->start + i]));

		PROPERTY(code[i] == c, "%s: character %zu is '%c', expected '%c'", what, i + 1, code[i], c);
	}
}

/* Properties of an accepted, canonical 18-character code. */
static void
CheckAcceptedCode(const char *code)
{
	char		again[USCC_LENGTH];
	char		lower[USCC_LENGTH + 2];
	char		mutated[USCC_LENGTH];
	UsccError	err;
	int32_t		key;
	RegionError rerr;
	int32_t		rkey;

	/* Output form (the 18 bytes as stored and printed) parses to itself. */
	PROPERTY(UsccParse(code, USCC_LENGTH, again, &err) && memcmp(again, code, USCC_LENGTH) == 0,
			 "output form %.18s does not parse back to itself", code);
	PROPERTY(OracleCheck(code) == code[17], "accepted %.18s has check '%c', oracle '%c'",
			 code, code[17], OracleCheck(code));

	/* Upper-casing is idempotent: lower case, padded, gives the same code. */
	lower[0] = ' ';
	for (int i = 0; i < USCC_LENGTH; i++)
		lower[i + 1] = (code[i] >= 'A' && code[i] <= 'Z') ? (char) (code[i] - 'A' + 'a') : code[i];
	lower[USCC_LENGTH + 1] = '\t';
	PROPERTY(UsccParse(lower, sizeof(lower), again, &err) && memcmp(again, code, USCC_LENGTH) == 0,
			 "lower-case form of %.18s does not parse to it", code);

	/* Completion of the first 17 characters gives the whole code. */
	PROPERTY(UsccComplete(code, USCC_LENGTH - 1, again, &err) && memcmp(again, code, USCC_LENGTH) == 0,
			 "completing the prefix of %.18s gives %.18s", code, again);

	/* The check character catches every single substitution in 1-17. */
	for (int pos = 0; pos < USCC_LENGTH - 1; pos++)
	{
		for (int v = 0; v < 31; v++)
		{
			char		c = OracleCharacter(v);

			if (c == code[pos])
				continue;
			memcpy(mutated, code, USCC_LENGTH);
			mutated[pos] = c;
			PROPERTY(!UsccParse(mutated, USCC_LENGTH, again, &err) && err.status == USCC_BAD_CHECK,
					 "%.18s with character %d changed to '%c' still passes (status %d)",
					 code, pos + 1, c, (int) err.status);
		}
	}

	/* The registering region is characters 3-8 read as a division code. */
	PROPERTY(UsccRegionKey(code, &key) == RegionParse(code + 2, 6, &rkey, &rerr),
			 "UsccRegionKey and RegionParse disagree on %.18s", code);
	if (UsccRegionKey(code, &key))
	{
		long		digits = 0;

		for (int i = 2; i < 8; i++)
			digits = digits * 10 + (code[i] - '0');
		PROPERTY(key == digits * 1000, "region key of %.18s is %ld, expected %ld",
				 code, (long) key, digits * 1000);
	}
}

/* Judge one input: parse, completion, and the accepted code's properties. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *) data;
	char		code[USCC_LENGTH];
	UsccError	err;
	Expectation e;
	bool		ok;

	if (size > MAX_INPUT)
		return 0;

	e = OracleJudge(s, size, USCC_LENGTH);
	memset(&err, 0, sizeof(err));
	ok = UsccParse(s, size, code, &err);
	CheckAgainstOracle("parse", ok, &err, &e);
	if (ok)
	{
		CheckCanonical("parse", code, USCC_LENGTH, s, &e);
		CheckAcceptedCode(code);
	}

	e = OracleJudge(s, size, USCC_LENGTH - 1);
	memset(&err, 0, sizeof(err));
	ok = UsccComplete(s, size, code, &err);
	CheckAgainstOracle("complete", ok, &err, &e);
	if (ok)
	{
		CheckCanonical("complete", code, USCC_LENGTH - 1, s, &e);
		PROPERTY(code[17] == e.check, "completion appended '%c', oracle '%c'", code[17], e.check);
		CheckAcceptedCode(code);
	}
	return 0;
}
