/*
 * region.h
 *	  escalation.region in C: the key is an int4 datum (see codes.h); and
 *	  what the SQL layers of both identifier types share.
 */
#ifndef ESCALATION_REGION_H
#define ESCALATION_REGION_H

#include "fmgr.h"

#define DatumGetRegion(d)		DatumGetInt32(d)
#define RegionGetDatum(k)		Int32GetDatum(k)
#define PG_GETARG_REGION(n)		DatumGetRegion(PG_GETARG_DATUM(n))
#define PG_RETURN_REGION(k)		return RegionGetDatum(k)

extern char *CodeCharacterAt(const char *str, size_t len, size_t offset, int *position);

#endif							/* ESCALATION_REGION_H */
