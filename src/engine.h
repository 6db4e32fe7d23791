/*
 * engine.h
 *	  What the files of the warning engine offer one another and SQL, file by
 *	  file. The run's own parts have headers of their own: engine_items.h
 *	  (decisions), engine_sql.h (statements), engine_store.h (the table
 *	  writer), ladder.h (stage arithmetic).
 */
#ifndef ESCALATION_ENGINE_H
#define ESCALATION_ENGINE_H

#include "datatype/timestamp.h"
#include "fmgr.h"
#include "utils/date.h"

/* NOTIFY channel that wakes the screen worker; its payload is empty. */
#define ENGINE_NOTIFY_CHANNEL	"escalation_warning"

/* Name of the sequence that numbers every event of the screens' event stream. */
#define ENGINE_EVENT_SEQUENCE	"warning_event_seq"

/* Name of the extension's schema. */
#define ENGINE_SCHEMA			"escalation"

/* The extension's internal schema, and the table whose lock orders events. */
#define ENGINE_INTERNAL_SCHEMA	"escalation_internal"
#define ENGINE_EVENT_LOCK		"event_stream"

/* engine.c: escalation.run(as_of). */
extern PGDLLEXPORT Datum escalation_run(PG_FUNCTION_ARGS);

/* engine_events.c: the event stream. */

/* The OID of relation name in the extension's schema; error if it is missing. */
extern Oid	EngineRelation(const char *name);

/*
 * Take the transaction-level advisory lock that every writer of events holds
 * while it draws event numbers, so event numbers become visible in order.
 */
extern void EngineLockEventStream(void);

/* Send one NOTIFY on the event channel naming the event range first..last. */
extern void EngineNotifyEvents(int64 first, int64 last);

extern PGDLLEXPORT Datum escalation_lock_event_stream(PG_FUNCTION_ARGS);
extern PGDLLEXPORT Datum escalation_acknowledge(PG_FUNCTION_ARGS);

/* engine_time.c: the start of day after valid_until in escalation.timezone (licence expiry). */
extern TimestampTz EngineLicenceExpiry(DateADT valid_until);
extern PGDLLEXPORT Datum escalation_licence_expires_at(PG_FUNCTION_ARGS);

/* ladder_sql.c: offset + delay in microseconds; an error if the delay cannot be counted. */
extern int64 EngineAddDelay(int64 offset, const Interval *delay);
extern PGDLLEXPORT Datum escalation_stage_due_at(PG_FUNCTION_ARGS);
extern PGDLLEXPORT Datum escalation_stage_fires(PG_FUNCTION_ARGS);
extern PGDLLEXPORT Datum escalation_item_event_due(PG_FUNCTION_ARGS);

#endif							/* ESCALATION_ENGINE_H */
