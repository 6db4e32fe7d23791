/*
 * engine.h
 *	  Declarations shared by the C files of the warning engine (engine*.c).
 */
#ifndef ESCALATION_ENGINE_H
#define ESCALATION_ENGINE_H

#include "datatype/timestamp.h"
#include "storage/itemptr.h"
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

/* A writer of rows straight into one of the engine's tables (engine_store.c). */
typedef struct TableWriter TableWriter;

extern TableWriter *TableWriterOpen(Oid relid, const char *const *columns, int ncolumns,
									bool every_column, const char *const *triggers, int ntriggers);
extern void TableWriterInsert(TableWriter *w, const Datum *values, const bool *nulls);
extern void TableWriterFlush(TableWriter *w);
extern void TableWriterUpdate(TableWriter *w, ItemPointer tid, const bool *change,
							  const Datum *values, const bool *nulls);
extern void TableWriterDelete(TableWriter *w, ItemPointer tid);
extern bool TableWriterClaim(TableWriter *w, ItemPointer tid);
extern void TableWriterClose(TableWriter *w);

#endif							/* ESCALATION_ENGINE_H */
