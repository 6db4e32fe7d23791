/*
 * engine_items.c
 *	  The decisions of the warning engine: for each item with something of
 *	  its own due and each stage due, which warnings a run raises and
 *	  resolves, and how the work list moves on.
 *
 * When stages fall due and whether they fire is ladder.c's arithmetic, the
 * same the work-list SQL uses. Warnings and work-list changes are written
 * straight into the tables (engine_store.c); resolutions of warnings raised
 * by earlier runs with one array statement per batch (engine_sql.c).
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "commands/sequence.h"
#include "utils/array.h"
#include "utils/memutils.h"

#include "engine.h"
#include "engine_items.h"
#include "ladder.h"

/* Resolutions buffered before they are written. */
#define RESOLVE_CAPACITY	4096

/* The extension's own triggers on escalation.warning. */
static const char *const WarningTriggers[] = {"warning_lock_events", "warning_fill_defaults",
	"warning_province_feed", "warning_province_follow", "warning_address", "warning_issue_order",
	"warning_notify", "warning_track_timers", "warning_documents_delete"};

static const char *const WarningColumnNames[] = {WARNING_COLUMNS(COLUMN_NAME)};
static const char *const StageColumnNames[] = {STAGE_COLUMNS(COLUMN_NAME)};
static const char *const AdvanceColumnNames[] = {ADVANCE_COLUMNS(COLUMN_NAME)};

/* One row of a due query, and the engine's view of the item. */
typedef struct TrackedItem
{
	Datum		values[NUM_DUE_COLUMNS];
	bool		nulls[NUM_DUE_COLUMNS];
	ItemKind	kind;
	Origin		origin;
	TimestampTz started_at;
	LadderMoment handled;
	LadderMoment withdrawn;
	LadderMoment superseded;
} TrackedItem;

/* How a run resolves the warnings of an episode that ended. */
typedef struct Resolution
{
	TimestampTz at;
	Datum		reason;			/* escalation.warning_resolution */
	bool		reason_null;
} Resolution;

/*
 * The waiting stages of an item's current episode, by stage number: whether
 * the stage is still to be raised, and its row in escalation.stage_due (NULL
 * for an episode the run started itself).
 */
typedef struct Episode
{
	bool		waiting[MAX_STAGES + 1];
	ItemPointer row[MAX_STAGES + 1];
} Episode;

/* Open the direct writers of warnings, work-list items and waiting stages. */
void
EngineOpenWriters(EngineRun *run)
{
	run->event_seq = EngineRelation(ENGINE_EVENT_SEQUENCE);
	run->warning_writer = TableWriterOpen(engine_cache->warning_relid, WarningColumnNames, NUM_WARNING_COLUMNS,
										  true, WarningTriggers, lengthof(WarningTriggers));
	run->item_writer = TableWriterOpen(engine_cache->tracked_relid, AdvanceColumnNames, NUM_ADVANCE_COLUMNS,
									   false, NULL, 0);
	run->stage_writer = TableWriterOpen(engine_cache->stage_relid, StageColumnNames, NUM_STAGE_COLUMNS,
										true, NULL, 0);
	EngineBatchInit(&run->resolve, engine_cache->resolve_plan, RESOLVE_CAPACITY, NUM_RESOLVE_COLUMNS,
					EngineResolveTypes, run->batch_cxt);
}

/* Store what the writers hold and close them. */
void
EngineCloseWriters(EngineRun *run)
{
	EngineFlush(run);
	/* Last: the warnings' AFTER triggers write the work list with SQL. */
	TableWriterClose(run->item_writer);
	TableWriterClose(run->stage_writer);
	TableWriterClose(run->warning_writer);
}

/* A moment from a nullable timestamptz column of a due query's row. */
static LadderMoment
ItemMoment(const TrackedItem *item, int column)
{
	LadderMoment m = {!item->nulls[column], 0};

	if (m.known)
		m.at = DatumGetTimestampTz(item->values[column]);
	return m;
}

/* Add one rule of escalation.rule to its ladder, with its cumulative offset. */
static void
AddRule(void *arg, const Datum *values)
{
	EngineRun  *run = arg;
	ItemKind	kind = EngineItemKind(values[RULE_KIND]);
	Origin		origin = values[RULE_ORIGIN] == engine_cache->level_city ? ORIGIN_CITY : ORIGIN_DISTRICT;
	Ladder	   *ladder = &run->ladders[kind][origin];
	int			stage = DatumGetInt16(values[RULE_STAGE]);
	Stage	   *st;

	/*
	 * The rules table guarantees 1..n without gaps, months-free delays and
	 * at most MAX_STAGES stages at commit; inside the transaction that edits
	 * the rules they may not hold yet.
	 */
	if (stage != ladder->nstages + 1 || stage > MAX_STAGES)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_OBJECT_DEFINITION),
				 errmsg("warning ladder has a gap before stage %d", stage),
				 errdetail("The stages of a ladder in escalation.rule must be numbered 1 to n (at most %d).",
						   MAX_STAGES)));
	st = &ladder->stages[stage - 1];
	st->offset = EngineAddDelay(stage > 1 ? ladder->stages[stage - 2].offset : 0,
								DatumGetIntervalP(values[RULE_DELAY]));
	st->screen = values[RULE_SCREEN];
	st->city_screen = (st->screen == engine_cache->level_city);
	st->action = values[RULE_ACTION];
	ladder->nstages = stage;
}

/* Read the ladders in force into run. */
void
EngineLoadLadders(EngineRun *run)
{
	memset(run->ladders, 0, sizeof(run->ladders));
	EngineReadRules(AddRule, run);
}

/* Unpack a row of a due query into item. */
static void
ReadItem(TrackedItem *item, HeapTuple tuple, TupleDesc desc)
{
	heap_deform_tuple(tuple, desc, item->values, item->nulls);
	item->kind = EngineItemKind(item->values[DUE_KIND]);
	item->origin = item->values[DUE_ORIGIN] == engine_cache->level_city ? ORIGIN_CITY : ORIGIN_DISTRICT;
	item->started_at = DatumGetTimestampTz(item->values[DUE_STARTED]);
	item->handled = ItemMoment(item, DUE_HANDLED);
	item->withdrawn = ItemMoment(item, DUE_WITHDRAWN);
	item->superseded = ItemMoment(item, DUE_SUPERSEDED);
}

/* The due time of a stage of item's current episode. */
static TimestampTz
StageDue(const TrackedItem *item, const Stage *stage)
{
	return LadderStageDue(item->started_at, stage->offset);
}

/* Whether a stage of item due at due fires. */
static bool
StageFires(const TrackedItem *item, TimestampTz due)
{
	return LadderStageFires(due, item->handled, item->withdrawn);
}

/* Copy the item's columns from into the row's columns to, the first n of each. */
static void
CopyItemColumns(const TrackedItem *item, const int *from, Datum *values, bool *nulls, const int *to, int n)
{
	for (int i = 0; i < n; i++)
	{
		values[to[i]] = item->values[from[i]];
		nulls[to[i]] = item->nulls[from[i]];
	}
}

/*
 * Write the warning of stage stage_no of item, due at due; with end, as
 * resolved by it. In a probing run, a stage already raised is left alone.
 */
static void
Raise(EngineRun *run, const TrackedItem *item, int stage_no, const Stage *stage, TimestampTz due,
	  const Resolution *end)
{
	static const int from[] = {DUE_KIND, DUE_SUBJECT, DUE_ORIGIN, DUE_REGION, DUE_DISTRICT, DUE_UNIT,
	DUE_DEPARTMENT};
	static const int to[] = {WARNING_KIND, WARNING_SUBJECT, WARNING_ORIGIN, WARNING_REGION, WARNING_DISTRICT,
	WARNING_UNIT, WARNING_DEPARTMENT};
	Datum		values[NUM_WARNING_COLUMNS];
	bool		nulls[NUM_WARNING_COLUMNS];

	/*
	 * A district stage shows on the item's district screen; an item without
	 * a district (a city department's clue with no unit) can only be shown
	 * on its city's screen.
	 */
	bool		city = stage->city_screen || item->nulls[DUE_DISTRICT];

	if (run->probe && EngineStageRaised(item->values[DUE_KIND], item->values[DUE_SUBJECT], item->started_at,
										stage_no))
		return;

	/* What the run does not set stays NULL: the acknowledgement, and the resolution but for end. */
	memset(nulls, false, sizeof(nulls));
	for (int c = WARNING_RESOLVED; c < NUM_WARNING_COLUMNS; c++)
		nulls[c] = true;
	CopyItemColumns(item, from, values, nulls, to, lengthof(from));
	values[WARNING_STARTED] = TimestampTzGetDatum(item->started_at);
	values[WARNING_STAGE] = Int16GetDatum((int16) stage_no);
	values[WARNING_SCREEN] = city ? engine_cache->level_city : stage->screen;
	values[WARNING_SCREEN_REGION] = city ? item->values[DUE_CITY] : item->values[DUE_DISTRICT];
	values[WARNING_ACTION] = stage->action;
	values[WARNING_DUE] = TimestampTzGetDatum(due);
	values[WARNING_ID] = Int64GetDatum(nextval_internal(run->event_seq, false));
	values[WARNING_RAISED] = TimestampTzGetDatum(run->raised_at);
	if (run->first_event == 0)
		run->first_event = DatumGetInt64(values[WARNING_ID]);
	run->last_event = DatumGetInt64(values[WARNING_ID]);
	if (end != NULL)
	{
		/* Raised and resolved by the same run: both events, one row written once. */
		values[WARNING_RESOLVED] = TimestampTzGetDatum(end->at);
		nulls[WARNING_RESOLVED] = false;
		values[WARNING_REASON] = end->reason;
		nulls[WARNING_REASON] = end->reason_null;
		values[WARNING_RESOLVED_SEQ] = Int64GetDatum(nextval_internal(run->event_seq, false));
		nulls[WARNING_RESOLVED_SEQ] = false;
		run->last_event = DatumGetInt64(values[WARNING_RESOLVED_SEQ]);
		run->resolved++;
	}
	TableWriterInsert(run->warning_writer, values, nulls);
	run->raised++;
}

/*
 * Buffer the resolution of item's open warnings: those of the episode that
 * started at episode, or (other) those of every other episode.
 */
static void
Resolve(EngineRun *run, const TrackedItem *item, bool other, TimestampTz episode, const Resolution *end)
{
	Datum		values[NUM_RESOLVE_COLUMNS];
	bool		nulls[NUM_RESOLVE_COLUMNS] = {0};

	values[RESOLVE_KIND] = item->values[DUE_KIND];
	values[RESOLVE_SUBJECT] = item->values[DUE_SUBJECT];
	values[RESOLVE_EPISODE] = values[RESOLVE_OTHER_THAN] = TimestampTzGetDatum(episode);
	nulls[RESOLVE_EPISODE] = other;
	nulls[RESOLVE_OTHER_THAN] = !other;
	values[RESOLVE_AT] = TimestampTzGetDatum(end->at);
	values[RESOLVE_REASON] = end->reason;
	nulls[RESOLVE_REASON] = end->reason_null;

	if (EngineBatchFull(&run->resolve))
		EngineFlush(run);
	EngineBatchAdd(&run->resolve, values, nulls);
}

/* Write a waiting stage of item's current episode into escalation.stage_due. */
static void
WriteStage(EngineRun *run, const TrackedItem *item, int stage_no, TimestampTz due)
{
	static const int from[] = {DUE_KIND, DUE_SUBJECT, DUE_ORIGIN, DUE_UNIT, DUE_DEPARTMENT, DUE_REGION,
	DUE_DISTRICT, DUE_CITY};
	static const int to[] = {STAGE_KIND, STAGE_SUBJECT, STAGE_ORIGIN, STAGE_UNIT, STAGE_DEPARTMENT, STAGE_REGION,
	STAGE_DISTRICT, STAGE_CITY};
	Datum		values[NUM_STAGE_COLUMNS];
	bool		nulls[NUM_STAGE_COLUMNS] = {0};
	LadderMoment until = LadderFiresUntil(item->handled, item->withdrawn);

	CopyItemColumns(item, from, values, nulls, to, lengthof(from));
	values[STAGE_STARTED] = TimestampTzGetDatum(item->started_at);
	values[STAGE_NO] = Int16GetDatum((int16) stage_no);
	values[STAGE_DUE] = TimestampTzGetDatum(due);
	values[STAGE_FIRES_UNTIL] = TimestampTzGetDatum(until.at);
	nulls[STAGE_FIRES_UNTIL] = !until.known;
	TableWriterInsert(run->stage_writer, values, nulls);
}

/* The episode is over: its stages that did not fall due can no longer fire. */
static void
EndEpisode(EngineRun *run, Episode *episode)
{
	for (int k = 1; k <= MAX_STAGES; k++)
	{
		if (episode->row[k] != NULL)
			TableWriterClaim(run->stage_writer, episode->row[k]);
		episode->row[k] = NULL;
		episode->waiting[k] = false;
	}
}

/* Unpack one array column of the event query (NULL: the item waits for no stage). */
static Datum *
WaitingColumn(const TrackedItem *item, int column, EngineType type, int *n)
{
	const ColumnType *t = &engine_cache->types[type];
	Datum	   *elems;

	if (item->nulls[column])
	{
		*n = 0;
		return NULL;
	}
	deconstruct_array(DatumGetArrayTypeP(item->values[column]), t->elemtype, t->typlen, t->byval, t->align,
					  &elems, NULL, n);
	return elems;
}

/*
 * The item's stage rows: those of its current episode are what it waits
 * for; any other is left over and goes.
 */
static void
ReadEpisode(EngineRun *run, const TrackedItem *item, const Ladder *ladder, Episode *episode)
{
	Datum	   *tids;
	Datum	   *stages;
	Datum	   *started;
	int			nrows;
	MemoryContext old;

	MemoryContextReset(run->item_cxt);
	old = MemoryContextSwitchTo(run->item_cxt);
	tids = WaitingColumn(item, DUE_STAGE_TID, TYPE_TID, &nrows);
	stages = WaitingColumn(item, DUE_STAGE_NO, TYPE_INT2, &nrows);
	started = WaitingColumn(item, DUE_STAGE_STARTED, TYPE_TIMESTAMPTZ, &nrows);
	MemoryContextSwitchTo(old);
	for (int i = 0; i < nrows; i++)
	{
		ItemPointer tid = (ItemPointer) DatumGetPointer(tids[i]);
		int			k = DatumGetInt16(stages[i]);

		if (DatumGetTimestampTz(started[i]) == item->started_at && k >= 1 && k <= ladder->nstages &&
			!episode->waiting[k])
		{
			episode->waiting[k] = true;
			episode->row[k] = tid;
		}
		else
			TableWriterClaim(run->stage_writer, tid);
	}
}

/* Whether item's current episode ends by as_of, and how: handled, or withdrawn first. */
static bool
EpisodeEnds(const EngineRun *run, const TrackedItem *item, Resolution *end, bool *handled)
{
	*handled = false;
	if (item->handled.known && item->handled.at <= run->as_of &&
		(!item->withdrawn.known || item->handled.at <= item->withdrawn.at))
	{
		*handled = true;
		end->at = item->handled.at;
		end->reason = item->values[DUE_HANDLED_REASON];
		end->reason_null = item->nulls[DUE_HANDLED_REASON];
		return true;
	}
	if (item->withdrawn.known && item->withdrawn.at <= run->as_of)
	{
		end->at = item->withdrawn.at;
		end->reason = engine_cache->withdrawn;
		end->reason_null = false;
		return true;
	}
	return false;
}

/*
 * Raise the waiting stages of item's current episode that fell due by as_of
 * and fire; with end, the episode ends then. Returns whether the episode has
 * warnings raised by earlier runs (or, probing, perhaps) still to resolve.
 */
static bool
RaiseDue(EngineRun *run, const TrackedItem *item, const Ladder *ladder, Episode *episode, const Resolution *end)
{
	bool		raised_before = false;

	for (int k = 1; k <= ladder->nstages; k++)
	{
		const Stage *stage = &ladder->stages[k - 1];
		TimestampTz due = StageDue(item, stage);

		if (!episode->waiting[k])
		{
			/* Not waiting: raised by an earlier run, or never to fire. */
			if (end != NULL && due < end->at)
				raised_before = true;
			continue;
		}
		if (due > run->as_of)
			break;
		episode->waiting[k] = false;
		if (episode->row[k] != NULL && !TableWriterClaim(run->stage_writer, episode->row[k]))
			continue;
		episode->row[k] = NULL;
		if (StageFires(item, due))
		{
			Raise(run, item, k, stage, due, end);
			/* A probing run may have found it raised, and left it to the resolution. */
			if (end != NULL && run->probe)
				raised_before = true;
		}
	}
	return raised_before;
}

/* Write item's new tracking state: its new episode's stages, and when it is next due. */
static void
Advance(EngineRun *run, const TrackedItem *item, const Ladder *ladder, const Episode *episode)
{
	Datum		values[NUM_ADVANCE_COLUMNS];
	bool		nulls[NUM_ADVANCE_COLUMNS] = {0};
	LadderMoment first_due = {ladder->nstages > 0, 0};
	LadderMoment next_due;

	/* The stages of an episode this run started wait in rows of their own. */
	for (int k = 1; k <= ladder->nstages; k++)
	{
		TimestampTz due = StageDue(item, &ladder->stages[k - 1]);

		if (episode->waiting[k] && episode->row[k] == NULL && StageFires(item, due))
			WriteStage(run, item, k, due);
	}

	if (first_due.known)
		first_due.at = StageDue(item, &ladder->stages[0]);
	next_due = LadderEventDue(item->kind == KIND_DUAL_PREVENTION_IDLE, first_due, item->handled,
							  item->withdrawn, item->superseded);

	values[ADVANCE_STARTED] = TimestampTzGetDatum(item->started_at);
	values[ADVANCE_HANDLED] = TimestampTzGetDatum(item->handled.at);
	nulls[ADVANCE_HANDLED] = !item->handled.known;
	values[ADVANCE_SUPERSEDED] = TimestampTzGetDatum(item->superseded.at);
	nulls[ADVANCE_SUPERSEDED] = !item->superseded.known;
	values[ADVANCE_NEXT_DUE] = TimestampTzGetDatum(next_due.at);
	nulls[ADVANCE_NEXT_DUE] = !next_due.known;
	TableWriterUpdate(run->item_writer, (ItemPointer) DatumGetPointer(item->values[DUE_CTID]), values, nulls);
}

/*
 * Deal with an item that has something of its own due by as_of (it was
 * handled or withdrawn, or its start moved): raise its waiting stages that
 * fell due, resolve its warnings, walk on to its next idle episode (dual
 * prevention), and write its new tracking state or finish it.
 */
void
EngineProcessItem(void *arg, HeapTuple tuple, TupleDesc desc)
{
	EngineRun  *run = arg;
	TrackedItem item;
	const Ladder *ladder;
	Episode		episode = {{0}};

	ReadItem(&item, tuple, desc);
	ladder = &run->ladders[item.kind][item.origin];
	run->items++;
	ReadEpisode(run, &item, ladder, &episode);

	/* Its start moved (deadline extended, ...): the old episode leaves the screens. */
	if (item.superseded.known && item.superseded.at <= run->as_of)
	{
		Resolution moved = {item.superseded.at, engine_cache->rescheduled, false};

		Resolve(run, &item, true, item.started_at, &moved);
		item.superseded.known = false;
	}

	for (;;)
	{
		Resolution end;
		bool		handled;
		bool		ends = EpisodeEnds(run, &item, &end, &handled);

		if (!ends)
		{
			RaiseDue(run, &item, ladder, &episode, NULL);
			Advance(run, &item, ladder, &episode);
			return;
		}
		if (RaiseDue(run, &item, ladder, &episode, &end))
			Resolve(run, &item, false, item.started_at, &end);
		EndEpisode(run, &episode);
		if (item.kind != KIND_DUAL_PREVENTION_IDLE || !handled)
			break;

		/* Normal running ends this idle episode; the next begins when the data says. */
		for (int k = 1; k <= ladder->nstages; k++)
			episode.waiting[k] = true;
		item.handled.known = EngineNextEpisode(item.values[DUE_SUBJECT], item.handled.at, &item.started_at,
											   &item.handled.at);
	}

	/* Handled or withdrawn, its warnings resolved: nothing is left to do. */
	TableWriterDelete(run->item_writer, (ItemPointer) DatumGetPointer(item.values[DUE_CTID]));
}

/*
 * A waiting stage that fell due: claim its row and raise it unless the item
 * was handled or withdrawn before it. The row holds the item as it was when
 * the row was written; a change of the item rewrites its rows, so a row that
 * another transaction is rewriting, or rewrote since the run read it, cannot
 * be claimed and is not raised. A row of a stage the rules no longer have is
 * dropped.
 */
void
EngineProcessStage(void *arg, HeapTuple tuple, TupleDesc desc)
{
	EngineRun  *run = arg;
	TrackedItem item;
	ItemPointer tid;
	int			k;
	const Ladder *ladder;
	TimestampTz due;

	ReadItem(&item, tuple, desc);
	tid = (ItemPointer) DatumGetPointer(item.values[DUE_STAGE_TID]);
	k = DatumGetInt16(item.values[DUE_STAGE_NO]);
	ladder = &run->ladders[item.kind][item.origin];
	run->items++;
	if (k < 1 || k > ladder->nstages)
	{
		TableWriterClaim(run->stage_writer, tid);
		return;
	}
	due = StageDue(&item, &ladder->stages[k - 1]);
	if (due > run->as_of)
		return;
	if (TableWriterClaim(run->stage_writer, tid) && StageFires(&item, due))
		Raise(run, &item, k, &ladder->stages[k - 1], due, NULL);
}

/*
 * Write what is buffered: the warnings first, which the resolutions may
 * resolve, then the resolutions.
 */
void
EngineFlush(void *arg)
{
	EngineRun  *run = arg;

	TableWriterFlush(run->warning_writer);
	run->resolved += EngineBatchFlush(&run->resolve, &run->first_event, &run->last_event);
}
