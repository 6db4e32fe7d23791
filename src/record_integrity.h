/*
 * record_integrity.h
 *	  What the checks of what users write (sql/parts/17_record_integrity.sql)
 *	  share in C: their array arguments read as PL/pgSQL read them.
 */
#ifndef ESCALATION_RECORD_INTEGRITY_H
#define ESCALATION_RECORD_INTEGRITY_H

#include "fmgr.h"

/*
 * The elements of a one-dimensional array argument, as PL/pgSQL's a[i] sees
 * them: subscript i is element i - lower of the array. A NULL or
 * multi-dimensional array (where a[i] is NULL) has no elements; length is
 * PL/pgSQL's coalesce(array_length(a, 1), 0).
 */
typedef struct ArrayArgument
{
	Datum	   *values;
	bool	   *nulls;
	int			count;
	int			lower;
	int			length;
} ArrayArgument;

/* An array of bigint or timestamptz (8 bytes, by value where Datums are). */
#define INT8_ELEMENTS(typid)	typid, sizeof(int64), FLOAT8PASSBYVAL, TYPALIGN_DOUBLE
/* An array of text. */
#define TEXT_ELEMENTS			TEXTOID, -1, false, TYPALIGN_INT

extern void GetArrayArgument(FunctionCallInfo fcinfo, int n, Oid typid, int16 typlen, bool byval,
							 char typalign, ArrayArgument *arg);
extern bool ArrayElement(const ArrayArgument *arg, int i, Datum *value);
extern const char *ArrayElementName(FunctionCallInfo fcinfo, int n, int i, const char *if_null);

#endif							/* ESCALATION_RECORD_INTEGRITY_H */
