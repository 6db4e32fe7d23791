/*
 * uscc.c
 *	  escalation.uscc: the 18-character unified social credit code
 *	  (GB 32100-2015), stored upper case in 18 fixed bytes.
 *
 * Checking lives in codes.c; this file is the SQL layer: I/O, comparison,
 * hashing, the registering region and completion of a 17-character prefix.
 */
#include "postgres.h"

#include "access/hash.h"
#include "fmgr.h"
#include "libpq/pqformat.h"
#include "utils/builtins.h"

#include "codes.h"
#include "region.h"

/* Version of the binary format written by uscc_send. */
#define USCC_BINARY_VERSION		1

/* The stored form: 18 upper-case ASCII characters, no terminator. */
typedef struct Uscc
{
	char		code[USCC_LENGTH];
} Uscc;

#define DatumGetUsccP(d)		((Uscc *) DatumGetPointer(d))
#define PG_GETARG_USCC_P(n)		DatumGetUsccP(PG_GETARG_DATUM(n))
#define PG_RETURN_USCC_P(p)		PG_RETURN_POINTER(p)

static void ReportUsccError(const char *str, size_t len, const UsccError *err,
							const char *what, size_t want) pg_attribute_noreturn();

/*
 * Report a failed check of str (len bytes) as an error; what names the value
 * ("unified social credit code" or its prefix) and want is the length asked for.
 */
static void
ReportUsccError(const char *str, size_t len, const UsccError *err, const char *what, size_t want)
{
	char	   *value = pnstrdup(str, len);

	switch (err->status)
	{
		case USCC_BAD_LENGTH:
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
					 errmsg("invalid %s: \"%s\"", what, value),
					 errdetail("It has %zu characters; it must have %zu.", err->length, want)));
			break;
		case USCC_BAD_CHARACTER:
			{
				int			position;
				char	   *bad = CodeCharacterAt(str, len, err->offset, &position);

				ereport(ERROR,
						(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
						 errmsg("invalid %s: \"%s\"", what, value),
						 errdetail("Character %d is \"%s\", which a unified social credit code does not use.",
								   position, bad),
						 errhint("The code uses the digits 0-9 and the letters A-Z except I, O, Z, S and V.")));
			}
			break;
		case USCC_BAD_CHECK:
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
					 errmsg("invalid %s: \"%s\"", what, value),
					 errdetail("Check character 18 should be \"%c\".", err->expected)));
			break;
		case USCC_OK:
			break;
	}
	elog(ERROR, "unexpected unified social credit code status %d", (int) err->status);
}

/* Parse text of len bytes into a palloc'd Uscc, or raise the error that describes it. */
static Uscc *
ParseUscc(const char *str, size_t len)
{
	Uscc	   *result = palloc(sizeof(Uscc));
	UsccError	err;

	if (!UsccParse(str, len, result->code, &err))
		ReportUsccError(str, len, &err, "unified social credit code", USCC_LENGTH);
	return result;
}

PG_FUNCTION_INFO_V1(uscc_in);
/* Input function: 18 characters, any case, surrounding white space ignored. */
Datum
uscc_in(PG_FUNCTION_ARGS)
{
	char	   *str = PG_GETARG_CSTRING(0);

	PG_RETURN_USCC_P(ParseUscc(str, strlen(str)));
}

PG_FUNCTION_INFO_V1(uscc_out);
/* Output function: the 18 upper-case characters. */
Datum
uscc_out(PG_FUNCTION_ARGS)
{
	PG_RETURN_CSTRING(pnstrdup(PG_GETARG_USCC_P(0)->code, USCC_LENGTH));
}

PG_FUNCTION_INFO_V1(uscc_recv);
/* Binary input: a version byte, then the 18 characters; checked like text input. */
Datum
uscc_recv(PG_FUNCTION_ARGS)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);
	int			version = pq_getmsgbyte(buf);
	const char *data;
	int			i;

	if (version != USCC_BINARY_VERSION)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("unsupported binary format version of escalation.uscc: %d", version),
				 errdetail("This server reads version %d.", USCC_BINARY_VERSION)));
	data = pq_getmsgbytes(buf, USCC_LENGTH);
	/* Quote only printable ASCII: raw bytes may not be text in any encoding. */
	for (i = 0; i < USCC_LENGTH; i++)
		if (data[i] < 0x20 || data[i] > 0x7e)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
					 errmsg("invalid unified social credit code in binary input"),
					 errdetail("Byte %d is 0x%02x; a unified social credit code is printable ASCII.",
							   i + 1, (unsigned char) data[i])));
	PG_RETURN_USCC_P(ParseUscc(data, USCC_LENGTH));
}

PG_FUNCTION_INFO_V1(uscc_send);
/* Binary output: the version byte and the 18 characters. */
Datum
uscc_send(PG_FUNCTION_ARGS)
{
	StringInfoData buf;

	pq_begintypsend(&buf);
	pq_sendbyte(&buf, USCC_BINARY_VERSION);
	pq_sendbytes(&buf, PG_GETARG_USCC_P(0)->code, USCC_LENGTH);
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

/* Order of two codes: byte order of their upper-case characters. */
static int
UsccCompare(FunctionCallInfo fcinfo)
{
	return memcmp(PG_GETARG_USCC_P(0)->code, PG_GETARG_USCC_P(1)->code, USCC_LENGTH);
}

PG_FUNCTION_INFO_V1(uscc_eq);
/* a = b */
Datum
uscc_eq(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(UsccCompare(fcinfo) == 0);
}

PG_FUNCTION_INFO_V1(uscc_ne);
/* a <> b */
Datum
uscc_ne(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(UsccCompare(fcinfo) != 0);
}

PG_FUNCTION_INFO_V1(uscc_lt);
/* a < b */
Datum
uscc_lt(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(UsccCompare(fcinfo) < 0);
}

PG_FUNCTION_INFO_V1(uscc_le);
/* a <= b */
Datum
uscc_le(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(UsccCompare(fcinfo) <= 0);
}

PG_FUNCTION_INFO_V1(uscc_gt);
/* a > b */
Datum
uscc_gt(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(UsccCompare(fcinfo) > 0);
}

PG_FUNCTION_INFO_V1(uscc_ge);
/* a >= b */
Datum
uscc_ge(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(UsccCompare(fcinfo) >= 0);
}

PG_FUNCTION_INFO_V1(uscc_cmp);
/* btree comparison: negative, zero or positive */
Datum
uscc_cmp(PG_FUNCTION_ARGS)
{
	int			c = UsccCompare(fcinfo);

	PG_RETURN_INT32(c < 0 ? -1 : (c > 0 ? 1 : 0));
}

PG_FUNCTION_INFO_V1(uscc_smaller);
/* The lesser of two codes: the step of min(uscc). */
Datum
uscc_smaller(PG_FUNCTION_ARGS)
{
	PG_RETURN_DATUM(UsccCompare(fcinfo) <= 0 ? PG_GETARG_DATUM(0) : PG_GETARG_DATUM(1));
}

PG_FUNCTION_INFO_V1(uscc_larger);
/* The greater of two codes: the step of max(uscc). */
Datum
uscc_larger(PG_FUNCTION_ARGS)
{
	PG_RETURN_DATUM(UsccCompare(fcinfo) >= 0 ? PG_GETARG_DATUM(0) : PG_GETARG_DATUM(1));
}

PG_FUNCTION_INFO_V1(uscc_hash);
/* hash opclass: 32-bit hash of the 18 characters */
Datum
uscc_hash(PG_FUNCTION_ARGS)
{
	return hash_any((const unsigned char *) PG_GETARG_USCC_P(0)->code, USCC_LENGTH);
}

PG_FUNCTION_INFO_V1(uscc_hash_extended);
/* hash opclass: seeded 64-bit hash of the 18 characters */
Datum
uscc_hash_extended(PG_FUNCTION_ARGS)
{
	return hash_any_extended((const unsigned char *) PG_GETARG_USCC_P(0)->code, USCC_LENGTH,
							 PG_GETARG_INT64(1));
}

PG_FUNCTION_INFO_V1(uscc_region);
/* The registering region (characters 3-8); NULL when they are no valid region code. */
Datum
uscc_region(PG_FUNCTION_ARGS)
{
	int32_t		key;

	if (!UsccRegionKey(PG_GETARG_USCC_P(0)->code, &key))
		PG_RETURN_NULL();
	PG_RETURN_REGION(key);
}

PG_FUNCTION_INFO_V1(uscc_complete);
/* The code made of the given first 17 characters and their check character. */
Datum
uscc_complete(PG_FUNCTION_ARGS)
{
	text	   *prefix = PG_GETARG_TEXT_PP(0);
	Uscc	   *result = palloc(sizeof(Uscc));
	UsccError	err;

	if (!UsccComplete(VARDATA_ANY(prefix), VARSIZE_ANY_EXHDR(prefix), result->code, &err))
		ReportUsccError(VARDATA_ANY(prefix), VARSIZE_ANY_EXHDR(prefix), &err,
						"unified social credit code prefix", USCC_LENGTH - 1);
	PG_RETURN_USCC_P(result);
}
