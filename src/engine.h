/*
 * engine.h
 *	  Declarations shared by the C files of the warning engine (engine*.c).
 */
#ifndef ESCALATION_ENGINE_H
#define ESCALATION_ENGINE_H

#include "datatype/timestamp.h"
#include "fmgr.h"
#include "utils/date.h"

/* NOTIFY channel that wakes the screen worker; the payload is an event id range. */
#define ENGINE_NOTIFY_CHANNEL	"escalation_warning"

/* Name of the sequence that numbers every event of the screens' event stream. */
#define ENGINE_EVENT_SEQUENCE	"warning_event_seq"

/* Name of the extension's schema. */
#define ENGINE_SCHEMA			"escalation"

/* The OID of relation name in the extension's schema; error if it is missing. */
extern Oid	EngineRelation(const char *name);

/*
 * Take the transaction-level advisory lock that every writer of events holds
 * while it draws event numbers, so event numbers become visible in order.
 */
extern void EngineLockEventStream(void);

/* Send one NOTIFY on the event channel naming the event range first..last. */
extern void EngineNotifyEvents(int64 first, int64 last);

/* The start of day after valid_until in escalation.timezone (licence expiry). */
extern TimestampTz EngineLicenceExpiry(DateADT valid_until);

/* ladder_sql.c: offset + delay, microseconds; error if the delay cannot be counted. */
extern int64 EngineAddDelay(int64 offset, const Interval *delay);

/* The SQL-callable functions. */
extern PGDLLEXPORT Datum escalation_run(PG_FUNCTION_ARGS);
extern PGDLLEXPORT Datum escalation_lock_event_stream(PG_FUNCTION_ARGS);
extern PGDLLEXPORT Datum escalation_acknowledge(PG_FUNCTION_ARGS);
extern PGDLLEXPORT Datum escalation_licence_expires_at(PG_FUNCTION_ARGS);

#endif							/* ESCALATION_ENGINE_H */
