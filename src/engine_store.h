/*
 * engine_store.h
 *	  The direct writer of the engine's tables (engine_store.c): rows stored
 *	  straight into a table and its indexes, as COPY does.
 */
#ifndef ESCALATION_ENGINE_STORE_H
#define ESCALATION_ENGINE_STORE_H

#include "storage/itemptr.h"

typedef struct TableWriter TableWriter;

extern TableWriter *TableWriterOpen(Oid relid, const char *const *columns, int ncolumns, bool every_column,
									const char *const *triggers, int ntriggers);
extern void TableWriterInsert(TableWriter *w, const Datum *values, const bool *nulls);
extern void TableWriterFlush(TableWriter *w);
extern void TableWriterUpdate(TableWriter *w, ItemPointer tid, const Datum *values, const bool *nulls);
extern void TableWriterDelete(TableWriter *w, ItemPointer tid);
extern bool TableWriterClaim(TableWriter *w, ItemPointer tid);
extern void TableWriterClose(TableWriter *w);

#endif							/* ESCALATION_ENGINE_STORE_H */
