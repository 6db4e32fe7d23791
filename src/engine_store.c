/*
 * engine_store.c
 *	  Writing rows of the engine's own tables straight into the table and its
 *	  indexes, the way COPY and logical replication do, instead of through a
 *	  planned SQL statement per batch.
 *
 * A catch-up run writes a warning for every stage that fell due and moves
 * every due item of the work list on; both are plain rows of a known shape,
 * and building, planning and executing a statement for them costs more than
 * storing them. The writers still run the table's constraints, its indexes
 * (unique checks included), its row triggers and its AFTER STATEMENT
 * triggers on insert (all the rows one writer inserted are one statement),
 * so the result is the same row an INSERT or UPDATE would store. A table with triggers the extension
 * did not create, with forced row security, or (for inserts) with columns the
 * engine does not fill cannot be written so, and the run stops with an error
 * that says what to drop: the engine writes its tables one way only, the way
 * bench/RESULTS.md measured fastest ("Engine write path").
 */
#include "postgres.h"

#include "access/genam.h"
#include "access/heapam.h"
#include "access/table.h"
#include "access/tableam.h"
#include "commands/trigger.h"
#include "nodes/makefuncs.h"
#include "nodes/parsenodes.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/rel.h"
#include "utils/snapmgr.h"

#include "compat.h"
#include "engine_store.h"

/* Rows inserted are stored in groups of this many, a heap page at a time. */
#define WRITER_BUFFER	1000

struct TableWriter
{
	Relation	rel;
	EState	   *estate;
	ResultRelInfo *rri;
	EPQState	epq;
	TupleTableSlot *slot;		/* the row to store */
	TupleTableSlot *old;		/* the row being updated or deleted */
	int			ncolumns;
	AttrNumber *attnums;		/* attribute of each of the caller's columns */
	BulkInsertState bistate;
	TupleTableSlot *buffer[WRITER_BUFFER];	/* rows inserted, not stored yet */
	int			nbuffered;
	bool		after_triggers; /* queues AFTER triggers, fired at close */
	TransitionCaptureState *transitions;	/* rows for AFTER STATEMENT triggers' NEW TABLE */
	uint64		ninserted;		/* rows inserted since the writer opened */
	MemoryContext work_cxt;		/* what one call allocates, reset after it */
};

/*
 * Whether every trigger of rel is one of the names in triggers, or a foreign
 * key's trigger on the referenced side: those act when a referenced key is
 * updated or deleted, which the writer never does (it inserts rows, and
 * updates only columns no foreign key references).
 */
static bool
OnlyOwnTriggers(Relation rel, const char *const *triggers, int ntriggers)
{
	TriggerDesc *desc = rel->trigdesc;

	if (desc == NULL)
		return true;
	for (int i = 0; i < desc->numtriggers; i++)
	{
		bool		own = desc->triggers[i].tgisinternal &&
			RI_FKey_trigger_type(desc->triggers[i].tgfoid) == RI_TRIGGER_PK;

		for (int j = 0; j < ntriggers && !own; j++)
			own = strcmp(desc->triggers[i].tgname, triggers[j]) == 0;
		if (!own)
			return false;
	}
	return true;
}

/*
 * Open relid for direct writes of the given columns; an error when it cannot
 * be written so (see the file comment). every_column: inserts will give every
 * column, so no other live column may exist.
 */
TableWriter *
TableWriterOpen(Oid relid, const char *const *columns, int ncolumns, bool every_column,
				const char *const *triggers, int ntriggers)
{
	Relation	rel = table_open(relid, RowExclusiveLock);
	TupleDesc	desc = RelationGetDescr(rel);
	TableWriter *w;
	RangeTblEntry *rte;
	AttrNumber *attnums = palloc(sizeof(AttrNumber) * ncolumns);
	int			live = 0;

	for (int i = 0; i < ncolumns; i++)
	{
		attnums[i] = get_attnum(relid, columns[i]);
		if (attnums[i] == InvalidAttrNumber)
			elog(ERROR, "column \"%s\" of relation %u does not exist", columns[i], relid);
	}
	for (int i = 0; i < desc->natts; i++)
		if (!TupleDescAttr(desc, i)->attisdropped)
			live++;

	if (!OnlyOwnTriggers(rel, triggers, ntriggers) ||
		rel->rd_rel->relforcerowsecurity ||
		rel->rd_rel->relkind != RELKIND_RELATION ||
		(every_column && live != ncolumns))
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("relation \"%s\" cannot be written by the engine", RelationGetRelationName(rel)),
				 errdetail("The engine writes its tables directly: they must have no triggers but the extension's own, no forced row security and no columns of their own."),
				 errhint("Drop what was added to table \"%s\".", RelationGetRelationName(rel))));

	w = palloc0(sizeof(TableWriter));
	w->rel = rel;
	w->ncolumns = ncolumns;
	w->attnums = attnums;

	w->estate = CreateExecutorState();
	rte = makeNode(RangeTblEntry);
	rte->rtekind = RTE_RELATION;
	rte->relid = relid;
	rte->relkind = rel->rd_rel->relkind;
	rte->rellockmode = RowExclusiveLock;
	CompatInitRangeTable(w->estate, list_make1(rte));
	w->rri = makeNode(ResultRelInfo);
	InitResultRelInfo(w->rri, rel, 1, NULL, 0);
	w->estate->es_output_cid = GetCurrentCommandId(true);
	w->estate->es_snapshot = GetActiveSnapshot();
	ExecOpenIndices(w->rri, false);
	w->work_cxt = AllocSetContextCreate(CurrentMemoryContext, "escalation table writer",
										ALLOCSET_DEFAULT_SIZES);
	CompatEvalPlanQualInit(&w->epq, w->estate);
	w->slot = table_slot_create(rel, &w->estate->es_tupleTable);
	w->old = table_slot_create(rel, &w->estate->es_tupleTable);
	w->bistate = GetBulkInsertState();
	/*
	 * Like COPY: the rows' AFTER ROW triggers fire when the writer closes, and
	 * so do AFTER STATEMENT triggers, which read every row inserted as their
	 * transition table: the writer's rows are one statement.
	 */
	w->after_triggers = rel->trigdesc != NULL &&
		(rel->trigdesc->trig_insert_after_row || rel->trigdesc->trig_insert_after_statement);
	if (w->after_triggers)
	{
		AfterTriggerBeginQuery();
		w->transitions = MakeTransitionCaptureState(rel->trigdesc, relid, CMD_INSERT);
	}
	return w;
}

/*
 * Store the rows inserted so far: the heap a page at a time (one WAL record
 * per page, like COPY), then the rows' index entries, unique checks included,
 * their AFTER ROW triggers and their place in the transition table. Rows
 * written later by SQL in the same transaction see them.
 */
void
TableWriterFlush(TableWriter *w)
{
	MemoryContext old;

	if (w->nbuffered == 0)
		return;
	old = MemoryContextSwitchTo(w->work_cxt);
	table_multi_insert(w->rel, w->buffer, w->nbuffered, w->estate->es_output_cid, 0, w->bistate);
	for (int i = 0; i < w->nbuffered; i++)
	{
		TupleTableSlot *slot = w->buffer[i];
		List	   *recheck = NIL;

		if (w->rri->ri_NumIndices > 0)
			recheck = CompatInsertIndexTuples(w->rri, slot, w->estate);
		ExecARInsertTriggers(w->estate, w->rri, slot, recheck, w->transitions);
		list_free(recheck);
		ExecClearTuple(slot);
		ResetPerTupleExprContext(w->estate);
	}
	w->nbuffered = 0;
	MemoryContextSwitchTo(old);
	MemoryContextReset(w->work_cxt);
}

/*
 * Insert a row: values and nulls in the order of the writer's columns. Its
 * BEFORE ROW triggers and constraints run now, the rest at the next flush.
 * (COPY stores rows one by one when a table has BEFORE ROW triggers, which
 * could read the table; the only such trigger a writer allows is the
 * extension's own, which does not.)
 */
void
TableWriterInsert(TableWriter *w, const Datum *values, const bool *nulls)
{
	TupleTableSlot *slot;

	if (w->nbuffered == WRITER_BUFFER)
		TableWriterFlush(w);
	if (w->buffer[w->nbuffered] == NULL)
		w->buffer[w->nbuffered] = table_slot_create(w->rel, &w->estate->es_tupleTable);
	slot = w->buffer[w->nbuffered];

	ExecClearTuple(slot);
	memset(slot->tts_isnull, true, sizeof(bool) * slot->tts_tupleDescriptor->natts);
	for (int i = 0; i < w->ncolumns; i++)
	{
		slot->tts_values[w->attnums[i] - 1] = values[i];
		slot->tts_isnull[w->attnums[i] - 1] = nulls[i];
	}
	ExecStoreVirtualTuple(slot);
	if (w->rri->ri_TrigDesc != NULL && w->rri->ri_TrigDesc->trig_insert_before_row &&
		!ExecBRInsertTriggers(w->estate, w->rri, slot))
	{
		ResetPerTupleExprContext(w->estate);
		return;
	}
	if (w->rel->rd_att->constr != NULL)
		ExecConstraints(w->rri, slot, w->estate);
	ExecMaterializeSlot(slot);
	ResetPerTupleExprContext(w->estate);
	w->nbuffered++;
	w->ninserted++;
}

/* Fetch the row at tid into the writer's old-row slot. */
static void
FetchRow(TableWriter *w, ItemPointer tid)
{
	if (!table_tuple_fetch_row_version(w->rel, tid, SnapshotAny, w->old))
		elog(ERROR, "row (%u,%u) of \"%s\" is gone",
			 ItemPointerGetBlockNumber(tid), ItemPointerGetOffsetNumber(tid),
			 RelationGetRelationName(w->rel));
}

/*
 * Update the row at tid (locked by the caller): the writer's columns take
 * values[] and nulls[], the others keep their value.
 */
void
TableWriterUpdate(TableWriter *w, ItemPointer tid, const Datum *values, const bool *nulls)
{
	TupleTableSlot *slot = w->slot;
	int			natts = slot->tts_tupleDescriptor->natts;
	MemoryContext old = MemoryContextSwitchTo(w->work_cxt);

	FetchRow(w, tid);
	slot_getallattrs(w->old);
	ExecClearTuple(slot);
	memcpy(slot->tts_values, w->old->tts_values, sizeof(Datum) * natts);
	memcpy(slot->tts_isnull, w->old->tts_isnull, sizeof(bool) * natts);
	for (int i = 0; i < w->ncolumns; i++)
	{
		slot->tts_values[w->attnums[i] - 1] = values[i];
		slot->tts_isnull[w->attnums[i] - 1] = nulls[i];
	}
	ExecStoreVirtualTuple(slot);
	ExecSimpleRelationUpdate(w->rri, w->estate, &w->epq, w->old, slot);
	ResetPerTupleExprContext(w->estate);
	MemoryContextSwitchTo(old);
	MemoryContextReset(w->work_cxt);
}

/* Delete the row at tid (locked by the caller). */
void
TableWriterDelete(TableWriter *w, ItemPointer tid)
{
	MemoryContext old = MemoryContextSwitchTo(w->work_cxt);

	FetchRow(w, tid);
	ExecSimpleRelationDelete(w->rri, w->estate, &w->epq, w->old);
	ResetPerTupleExprContext(w->estate);
	MemoryContextSwitchTo(old);
	MemoryContextReset(w->work_cxt);
}

/*
 * Delete the row at tid as one run's claim on it: false, and nothing done,
 * when another transaction holds the row or changed it since the caller read
 * it, or when this transaction deleted it already. Never waits.
 */
bool
TableWriterClaim(TableWriter *w, ItemPointer tid)
{
	TM_FailureData tmfd;
	TM_Result	result;
	MemoryContext old = MemoryContextSwitchTo(w->work_cxt);

	CheckCmdReplicaIdentity(w->rel, CMD_DELETE);
	result = table_tuple_delete(w->rel, tid, w->estate->es_output_cid, w->estate->es_snapshot,
								InvalidSnapshot, false, &tmfd, false);
	MemoryContextSwitchTo(old);
	MemoryContextReset(w->work_cxt);
	switch (result)
	{
		case TM_Ok:
			return true;
		case TM_SelfModified:
		case TM_Updated:
		case TM_Deleted:
		case TM_BeingModified:	/* another transaction holds it: not waited for */
		case TM_WouldBlock:
			return false;
		default:
			elog(ERROR, "unexpected result %d deleting row (%u,%u) of \"%s\"", (int) result,
				 ItemPointerGetBlockNumber(tid), ItemPointerGetOffsetNumber(tid),
				 RelationGetRelationName(w->rel));
	}
	return false;
}

/* Close the writer, storing what is buffered; the table stays locked until the transaction ends. */
void
TableWriterClose(TableWriter *w)
{
	TableWriterFlush(w);
	if (w->after_triggers)
	{
		/*
		 * The AFTER STATEMENT triggers of the rows inserted. Unlike an INSERT
		 * of no rows, a writer that inserted none fires none: a run with
		 * nothing due stays a fraction of a millisecond.
		 */
		if (w->ninserted > 0)
			ExecASInsertTriggers(w->estate, w->rri, w->transitions);
		AfterTriggerEndQuery(w->estate);
		/* The result relations the triggers' firing opened. */
		ExecCloseResultRelations(w->estate);
	}
	FreeBulkInsertState(w->bistate);
	MemoryContextDelete(w->work_cxt);
	EvalPlanQualEnd(&w->epq);
	ExecCloseIndices(w->rri);
	ExecResetTupleTable(w->estate->es_tupleTable, true);
	FreeExecutorState(w->estate);
	table_close(w->rel, NoLock);
	pfree(w->attnums);
	pfree(w);
}
