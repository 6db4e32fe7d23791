/*
 * engine_items.h
 *	  The decisions of the warning engine (engine_items.c): the state of one
 *	  run, the ladders it reads, and what it does with each due item and each
 *	  due stage.
 */
#ifndef ESCALATION_ENGINE_ITEMS_H
#define ESCALATION_ENGINE_ITEMS_H

#include "access/htup.h"
#include "access/tupdesc.h"
#include "utils/timestamp.h"

#include "engine_sql.h"
#include "engine_store.h"

/* Most stages a ladder may have (the rules table enforces the same bound). */
#define MAX_STAGES			9

/* Origins of an item: which ladder of its kind it climbs. */
typedef enum Origin
{
	ORIGIN_DISTRICT,
	ORIGIN_CITY,
	NUM_ORIGINS
} Origin;

/* One stage of a ladder: its due offset from the item's start, screen, action. */
typedef struct Stage
{
	int64		offset;			/* microseconds from the start, cumulative */
	Datum		screen;			/* escalation.level */
	bool		city_screen;
	Datum		action;			/* escalation.warning_action */
} Stage;

typedef struct Ladder
{
	int			nstages;
	Stage		stages[MAX_STAGES];
} Ladder;

/* State of one run. */
typedef struct EngineRun
{
	TimestampTz as_of;
	bool		probe;			/* look for each stage before raising it */
	TimestampTz raised_at;
	Ladder		ladders[NUM_KINDS][NUM_ORIGINS];
	MemoryContext batch_cxt;	/* what a batch of items needs */
	MemoryContext item_cxt;		/* the waiting stages of the item at hand */
	Oid			event_seq;
	TableWriter *warning_writer;
	TableWriter *item_writer;
	TableWriter *stage_writer;
	ArrayBatch	resolve;
	int64		items;
	int64		raised;
	int64		resolved;
	int64		first_event;
	int64		last_event;
} EngineRun;

extern void EngineOpenWriters(EngineRun *run);
extern void EngineCloseWriters(EngineRun *run);
extern void EngineLoadLadders(EngineRun *run);
extern void EngineProcessItem(void *run, HeapTuple tuple, TupleDesc desc);
extern void EngineProcessStage(void *run, HeapTuple tuple, TupleDesc desc);
extern void EngineFlush(void *run);

#endif							/* ESCALATION_ENGINE_ITEMS_H */
