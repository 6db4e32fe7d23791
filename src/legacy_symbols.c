/*
 * legacy_symbols.c
 *	  The C symbols of release 0.1.0, without the escalation_ prefix.
 *
 * A 0.1.0 database loads this library before it runs ALTER EXTENSION
 * escalation UPDATE, and its SQL functions still name these symbols; each one
 * is the function of the same SQL name. The 0.1.0 → 0.2.0 upgrade script
 * points the SQL functions at the prefixed symbols. Nothing else may call
 * these; remove them when 0.1.0 databases no longer need this library.
 */
#include "postgres.h"

#include "fmgr.h"

#include "engine.h"

/* A 0.1.0 symbol that calls the prefixed function. */
#define LEGACY_SYMBOL(old_name, new_name) \
	PG_FUNCTION_INFO_V1(old_name); \
	Datum \
	old_name(PG_FUNCTION_ARGS) \
	{ \
		return new_name(fcinfo); \
	}

LEGACY_SYMBOL(run, escalation_run)
LEGACY_SYMBOL(lock_event_stream, escalation_lock_event_stream)
LEGACY_SYMBOL(acknowledge, escalation_acknowledge)
LEGACY_SYMBOL(licence_expires_at, escalation_licence_expires_at)
