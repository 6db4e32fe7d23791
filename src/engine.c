/*
 * engine.c
 *	  escalation.run(as_of): the warning engine (预警管理, §14–19). Raises every
 *	  ladder stage that fell due at or before as_of, resolves the warnings of
 *	  handled items, announces the new events, and logs the run.
 *
 * The work list is kept by triggers on the source tables in two tables:
 * escalation.tracked_item, one row per open item, whose next_due_at says when
 * a run must deal with the item itself (it was handled or withdrawn, or its
 * start moved), and escalation.stage_due, one row per stage of an item's
 * current episode that is still to fall due. A run reads only what is due by
 * as_of, through the indexes on those two times, so its cost grows with the
 * due work and not with the number of open items:
 *
 *	1. items with something of their own due: their waiting stages are raised
 *	   first, then they are resolved, moved on to their next idle episode
 *	   (dual prevention) or finished;
 *	2. the stages due of every other item: each is raised and its row
 *	   deleted. Raising a stage writes the warning and deletes one row; the
 *	   item's own row is not written, which is what makes a long catch-up
 *	   cheap.
 *
 * Rows come through a cursor in batches, in a memory context that is reset
 * after every batch; warnings and work-list changes are written straight into
 * the tables (engine_store.c), resolutions with array-parameter statements.
 *
 * A stage k of an item fires when its due time start + delay_1 + ... + delay_k
 * is at or before as_of and the item was not handled at or before that due
 * time. Because the decision depends only on the item's data and as_of, one
 * run after a ten-day outage raises the same warnings as a run every minute.
 */
#include "postgres.h"

#include "access/xact.h"
#include "catalog/namespace.h"
#include "common/int.h"
#include "catalog/pg_type.h"
#include "commands/sequence.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "miscadmin.h"
#include "nodes/parsenodes.h"
#include "storage/itemptr.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/fmgrprotos.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/syscache.h"
#include "utils/timestamp.h"

#include "escalation.h"
#include "engine.h"

/* Most stages a ladder may have (the rules table enforces the same bound). */
#define MAX_STAGES			9

/* Items read from the cursor per batch. */
#define FETCH_SIZE			2000

/*
 * Items with something of their own due are read by one query per this many:
 * a locking query's executor keeps a little memory for every row it returns
 * until it ends, so one query over all of them would grow with the backlog.
 */
#define EVENT_CHUNK			8000

/* Warnings buffered before they are written; resolutions likewise. */
#define RAISE_CAPACITY		8192
#define RESOLVE_CAPACITY	4096

/* How far after the server clock as_of may lie (one day, in microseconds). */
#define MAX_FUTURE			USECS_PER_DAY

/* The five kinds of warning, in the order of the enum escalation.warning_kind. */
typedef enum ItemKind
{
	KIND_HAZARD_OVERDUE,
	KIND_MAJOR_HAZARD,
	KIND_CLUE,
	KIND_LICENCE_EXPIRED,
	KIND_DUAL_PREVENTION_IDLE,
	NUM_KINDS
} ItemKind;

static const char *const KindNames[NUM_KINDS] = {
	"hazard_overdue", "major_hazard", "clue", "licence_expired", "dual_prevention_idle"
};

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

/* Element type of an array parameter. */
typedef struct ColumnType
{
	Oid			elemtype;
	Oid			arraytype;
	int16		typlen;
	bool		byval;
	char		align;
} ColumnType;

/*
 * Everything a run needs that depends only on the installed extension: type
 * OIDs, enum values and the prepared plans. Kept across calls in
 * TopMemoryContext and rebuilt when the extension is dropped and created again
 * (the warning table then has a new OID).
 */
typedef struct EngineCache
{
	Oid			warning_relid;
	Oid			tracked_relid;
	Oid			stage_relid;
	ColumnType	kind,
				tid,
				level,
				action,
				resolution,
				region,
				int8,
				int2,
				timestamptz;
	Datum		kinds[NUM_KINDS];
	Datum		level_city;
	Datum		level_district;
	Datum		rescheduled;
	Datum		withdrawn;
	SPIPlanPtr	rules_plan;
	SPIPlanPtr	event_plan;
	SPIPlanPtr	stage_plan;
	SPIPlanPtr	raise_plan;
	SPIPlanPtr	raise_probe_plan;
	SPIPlanPtr	resolve_plan;
	SPIPlanPtr	advance_plan;
	SPIPlanPtr	finish_plan;
	SPIPlanPtr	next_run_plan;
	SPIPlanPtr	prune_plan;
	SPIPlanPtr	log_plan;
} EngineCache;

static EngineCache *cache = NULL;

/*
 * A set of rows to be written by one statement whose parameters are one array
 * per column (unnest(...) on the SQL side), plus scalar parameters after them.
 */
#define MAX_COLUMNS			14
#define MAX_SCALARS			1

typedef struct ArrayBatch
{
	SPIPlanPtr	plan;
	int			ncolumns;
	const ColumnType *types[MAX_COLUMNS];
	int			count;
	int			capacity;
	Datum	   *values[MAX_COLUMNS];
	bool	   *nulls[MAX_COLUMNS];
	int			nscalars;
	Datum		scalars[MAX_SCALARS];
} ArrayBatch;

/*
 * The columns of a warning the engine writes: those it raises with (the
 * order of the raise statement's arrays), then those it sets itself.
 */
static const char *const WarningColumns[] = {
	"kind", "subject_id", "started_at", "stage", "origin", "screen", "screen_region", "action",
	"due_at", "region", "district", "unit_id", "department_id",
	"id", "raised_at", "resolved_at", "resolved_reason", "resolved_seq", "acknowledged_at",
	"acknowledged_by", "ack_note", "ack_seq"
};
#define RAISE_COLUMNS		13

/* The extension's own triggers on escalation.warning. */
static const char *const WarningTriggers[] = {"warning_lock_events", "warning_fill_defaults"};

/* The columns of a work-list row that a run moves on. */
static const char *const AdvanceColumns[] = {
	"started_at", "handled_at", "superseded_at", "next_due_at"
};

/* The columns of a waiting stage, in the order a run inserts them. */
static const char *const StageColumns[] = {
	"kind", "subject_id", "started_at", "stage", "due_at", "fires_until", "origin", "unit_id",
	"department_id", "region", "district", "city"
};

/*
 * Columns of escalation.tracked_item as both due queries return them, then
 * the waiting stages: of one stage row (stage query), or of all the item's
 * rows as arrays (event query).
 */
#define ITEM_COLUMNS \
	"t.ctid, t.kind, t.subject_id, t.origin, t.started_at, t.handled_at, t.handled_reason, " \
	"t.withdrawn_at, t.superseded_at, t.unit_id, t.department_id, t.region, t.district, t.city"
enum
{
	COL_CTID,
	COL_KIND,
	COL_SUBJECT,
	COL_ORIGIN,
	COL_STARTED,
	COL_HANDLED,
	COL_HANDLED_REASON,
	COL_WITHDRAWN,
	COL_SUPERSEDED,
	COL_UNIT,
	COL_DEPARTMENT,
	COL_REGION,
	COL_DISTRICT,
	COL_CITY,
	COL_STAGE_TID,
	COL_STAGE_NO,
	COL_STAGE_STARTED,
	NUM_ITEM_COLUMNS
};

/* One item as read from tracked_item, and the engine's view of it. */
typedef struct TrackedItem
{
	Datum		values[NUM_ITEM_COLUMNS];
	bool		nulls[NUM_ITEM_COLUMNS];
	ItemKind	kind;
	Origin		origin;
	TimestampTz started_at;
	bool		handled;
	TimestampTz handled_at;
	bool		withdrawn;
	TimestampTz withdrawn_at;
	bool		superseded;
	TimestampTz superseded_at;
} TrackedItem;

/* The waiting stages of one item: its rows of escalation.stage_due. */
typedef struct WaitingStages
{
	int			nrows;
	Datum	   *tids;
	Datum	   *stages;
	Datum	   *started;
} WaitingStages;

/* State of one run. */
typedef struct EngineRun
{
	TimestampTz as_of;
	TimestampTz raised_at;
	Ladder		ladders[NUM_KINDS][NUM_ORIGINS];
	MemoryContext batch_cxt;
	MemoryContext item_cxt;		/* the waiting stages of the item at hand */
	Oid			event_seq;
	TableWriter *warning_writer;	/* direct writers, or NULL: write through SQL */
	TableWriter *item_writer;
	TableWriter *stage_writer;	/* always direct */
	ArrayBatch	raise;
	ArrayBatch	resolve;
	ArrayBatch	advance;
	ArrayBatch	finish;
	int64		items;
	int64		raised;
	int64		resolved;
	int64		first_event;
	int64		last_event;
} EngineRun;

/* Fill the element and array type of a column from the catalog. */
static void
LoadColumnType(ColumnType *type, Oid elemtype)
{
	type->elemtype = elemtype;
	type->arraytype = get_array_type(elemtype);
	if (!OidIsValid(type->arraytype))
		elog(ERROR, "type %u has no array type", elemtype);
	get_typlenbyvalalign(elemtype, &type->typlen, &type->byval, &type->align);
}

/* The OID of type name in the extension's schema. */
static Oid
EngineType(const char *name)
{
	Oid			typid = GetSysCacheOid2(TYPENAMENSP, Anum_pg_type_oid, CStringGetDatum(name),
										ObjectIdGetDatum(get_namespace_oid(ENGINE_SCHEMA, false)));

	if (!OidIsValid(typid))
		elog(ERROR, "type %s.%s does not exist", ENGINE_SCHEMA, name);
	return typid;
}

/* The value of enum type typid labelled label. */
static Datum
EnumValue(const ColumnType *type, const char *label)
{
	return DirectFunctionCall2(enum_in, CStringGetDatum(label), ObjectIdGetDatum(type->elemtype));
}

/*
 * How a kept statement is planned. The statements that read a time range or
 * take a batch of rows as arrays are planned for their actual values each
 * time (the plan's text and parameter types are kept): a generic plan made
 * when the warning table was empty would join every later batch against it
 * with a full scan, and one catch-up run can grow it from nothing to millions
 * of rows. Planning sees the array lengths and the tables' current sizes,
 * and costs about a millisecond per batch of a thousand items.
 */
#define PLAN_CUSTOM		CURSOR_OPT_CUSTOM_PLAN
#define PLAN_ANY		0

/* Prepare query with parameters of the given types and keep the plan. */
static SPIPlanPtr
KeepPlan(const char *query, int nargs, const Oid *argtypes, int planning)
{
	SPIPlanPtr	plan;

	plan = SPI_prepare_cursor(query, nargs, (Oid *) argtypes, planning);
	if (plan == NULL)
		elog(ERROR, "SPI_prepare_cursor failed: %s", SPI_result_code_string(SPI_result));
	if (SPI_keepplan(plan) != 0)
		elog(ERROR, "SPI_keepplan failed");
	return plan;
}

/* Free the plans of the cache, if any. */
static void
FreeCache(void)
{
	SPIPlanPtr *plans[] = {
		&cache->rules_plan, &cache->event_plan, &cache->stage_plan, &cache->raise_plan, &cache->raise_probe_plan, &cache->resolve_plan,
		&cache->advance_plan, &cache->finish_plan, &cache->next_run_plan,
		&cache->prune_plan, &cache->log_plan
	};

	for (size_t i = 0; i < lengthof(plans); i++)
	{
		if (*plans[i] != NULL)
			SPI_freeplan(*plans[i]);
		*plans[i] = NULL;
	}
}

/* Build (or rebuild) the cache of types, enum values and plans. */
static void
LoadCache(Oid warning_relid)
{
	EngineCache *c;

	if (cache == NULL)
		cache = MemoryContextAllocZero(TopMemoryContext, sizeof(EngineCache));
	else
		FreeCache();
	c = cache;
	c->warning_relid = InvalidOid;

	LoadColumnType(&c->kind, EngineType("warning_kind"));
	LoadColumnType(&c->tid, TIDOID);
	LoadColumnType(&c->level, EngineType("level"));
	LoadColumnType(&c->action, EngineType("warning_action"));
	LoadColumnType(&c->resolution, EngineType("warning_resolution"));
	LoadColumnType(&c->region, EngineType("region"));
	LoadColumnType(&c->int8, INT8OID);
	LoadColumnType(&c->int2, INT2OID);
	LoadColumnType(&c->timestamptz, TIMESTAMPTZOID);

	for (int k = 0; k < NUM_KINDS; k++)
		c->kinds[k] = EnumValue(&c->kind, KindNames[k]);
	c->level_city = EnumValue(&c->level, "city");
	c->level_district = EnumValue(&c->level, "district");
	c->rescheduled = EnumValue(&c->resolution, "rescheduled");
	c->withdrawn = EnumValue(&c->resolution, "withdrawn");

	c->rules_plan = KeepPlan("SELECT kind, origin, stage, delay, screen, action "
							 "FROM escalation.rule ORDER BY kind, origin, stage",
							 0, NULL, PLAN_ANY);
	{
		Oid			types[] = {TIMESTAMPTZOID, INT8OID};

		/*
		 * Items with something of their own due, locked (an item being
		 * changed is left to the next run), with all their waiting stages;
		 * at most $2 of them (the run asks again until fewer come).
		 */
		c->event_plan = KeepPlan("SELECT " ITEM_COLUMNS ", w.tids, w.stages, w.started "
								 "FROM escalation.tracked_item t, LATERAL ("
								 "  SELECT array_agg(s.ctid) AS tids, array_agg(s.stage) AS stages,"
								 "         array_agg(s.started_at) AS started"
								 "  FROM escalation.stage_due s"
								 "  WHERE s.subject_id = t.subject_id AND s.kind = t.kind) w "
								 "WHERE t.next_due_at <= $1 "
								 "LIMIT $2 "
								 "FOR UPDATE OF t SKIP LOCKED",
								 2, types, PLAN_CUSTOM);

		/*
		 * The stages due, with what their warnings need of the item, in the
		 * columns of the event query (the item's end as its handling). A
		 * stage row is claimed by deleting it; the item's row is not read.
		 */
		c->stage_plan = KeepPlan("SELECT s.ctid, s.kind, s.subject_id, s.origin, s.started_at, s.fires_until,"
								 "       NULL, NULL, NULL, s.unit_id, s.department_id, s.region, s.district, s.city,"
								 "       s.ctid, s.stage, s.started_at "
								 "FROM escalation.stage_due s WHERE s.due_at <= $1",
								 1, types, PLAN_CUSTOM);
	}
	{
		Oid			types[] = {
			c->kind.arraytype, c->int8.arraytype, c->timestamptz.arraytype, c->int2.arraytype,
			c->level.arraytype, c->level.arraytype, c->region.arraytype, c->action.arraytype,
			c->timestamptz.arraytype, c->region.arraytype, c->region.arraytype,
			c->int8.arraytype, c->int8.arraytype, TIMESTAMPTZOID
		};

		const char *insert = "WITH raised AS ("
			" INSERT INTO escalation.warning AS w"
			"  (kind, subject_id, started_at, stage, origin, screen, screen_region, action,"
			"   due_at, raised_at, region, district, unit_id, department_id)"
			" SELECT r.kind, r.subject_id, r.started_at, r.stage, r.origin, r.screen,"
			"        r.screen_region, r.action, r.due_at, $14, r.region, r.district,"
			"        r.unit_id, r.department_id"
			" FROM unnest($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)"
			"   AS r(kind, subject_id, started_at, stage, origin, screen, screen_region,"
			"        action, due_at, region, district, unit_id, department_id)"
			" %s"
			" RETURNING w.id) "
			"SELECT count(*), min(id), max(id) FROM raised";

		/*
		 * The work list says which stages are not raised yet, so a run
		 * inserts them without looking. Should it be wrong (rebuilt after a
		 * restore, or a stage inserted by hand) the unique constraint stops
		 * the run, which is then repeated with a probe of the unique index
		 * that skips raised stages; the probe is safe without ON CONFLICT
		 * because every writer of warnings holds the event stream's lock.
		 */
		c->raise_plan = KeepPlan(psprintf(insert, ""), lengthof(types), types, PLAN_CUSTOM);
		c->raise_probe_plan = KeepPlan(psprintf(insert,
												"WHERE NOT EXISTS (SELECT 1 FROM escalation.warning x"
												" WHERE x.kind = r.kind AND x.subject_id = r.subject_id"
												" AND x.started_at = r.started_at AND x.stage = r.stage)"),
									   lengthof(types), types, PLAN_CUSTOM);
	}
	{
		Oid			types[] = {
			c->kind.arraytype, c->int8.arraytype, c->timestamptz.arraytype,
			c->timestamptz.arraytype, c->timestamptz.arraytype, c->resolution.arraytype
		};

		c->resolve_plan = KeepPlan("WITH resolved AS ("
								   " UPDATE escalation.warning AS w"
								   " SET resolved_at = r.resolved_at, resolved_reason = r.reason,"
								   "     resolved_seq = nextval('escalation.warning_event_seq')"
								   " FROM unnest($1, $2, $3, $4, $5, $6)"
								   "   AS r(kind, subject_id, episode, other_than, resolved_at, reason)"
								   " WHERE w.kind = r.kind AND w.subject_id = r.subject_id"
								   "   AND w.resolved_at IS NULL"
								   "   AND (r.episode IS NULL OR w.started_at = r.episode)"
								   "   AND (r.other_than IS NULL OR w.started_at <> r.other_than)"
								   " RETURNING w.resolved_seq) "
								   "SELECT count(*), min(resolved_seq), max(resolved_seq) FROM resolved",
								   lengthof(types), types, PLAN_CUSTOM);
	}
	{
		Oid			types[] = {
			c->tid.arraytype, c->timestamptz.arraytype, c->timestamptz.arraytype,
			c->timestamptz.arraytype, c->timestamptz.arraytype
		};

		/* The rows are locked by the event query: they are found by their ctid. */
		c->advance_plan = KeepPlan("UPDATE escalation.tracked_item AS t"
								   " SET started_at = a.started_at, handled_at = a.handled_at,"
								   "     superseded_at = a.superseded_at, next_due_at = a.next_due_at"
								   " FROM unnest($1, $2, $3, $4, $5)"
								   "   AS a(row_id, started_at, handled_at, superseded_at, next_due_at)"
								   " WHERE t.ctid = a.row_id",
								   lengthof(types), types, PLAN_CUSTOM);
	}
	{
		Oid			types[] = {c->tid.arraytype};

		c->finish_plan = KeepPlan("DELETE FROM escalation.tracked_item AS t"
								  " USING unnest($1) AS f(row_id)"
								  " WHERE t.ctid = f.row_id",
								  lengthof(types), types, PLAN_CUSTOM);
	}
	{
		Oid			types[] = {INT8OID, TIMESTAMPTZOID};

		c->next_run_plan = KeepPlan("SELECT min(ran_at) FROM escalation.dp_run"
									" WHERE unit_id = $1 AND ran_at > $2",
									lengthof(types), types, PLAN_ANY);
	}
	{
		Oid			types[] = {TIMESTAMPTZOID};

		/* Most runs have nothing to prune; the oldest row says so from the index. */
		c->prune_plan = KeepPlan("DELETE FROM escalation.run_log WHERE started_at < $1"
								 " AND (SELECT min(started_at) FROM escalation.run_log) < $1",
								 lengthof(types), types, PLAN_CUSTOM);
	}
	{
		Oid			types[] = {
			TIMESTAMPTZOID, TIMESTAMPTZOID, INT8OID, INT8OID, INT8OID, TEXTOID, TEXTOID, TEXTOID, TEXTOID
		};

		c->log_plan = KeepPlan("INSERT INTO escalation.run_log"
							   " (as_of, started_at, finished_at, items, raised, resolved, status,"
							   "  message, sqlstate, username, pid)"
							   " VALUES ($1, $2, clock_timestamp(), $3, $4, $5, $6, $7, $8, $9, pg_backend_pid())",
							   lengthof(types), types, PLAN_ANY);
	}

	c->tracked_relid = EngineRelation("tracked_item");
	c->stage_relid = EngineRelation("stage_due");
	c->warning_relid = warning_relid;
}

/* Make sure the cache belongs to the extension installed now. */
static void
EnsureCache(void)
{
	Oid			nsp = get_namespace_oid(ENGINE_SCHEMA, true);
	Oid			relid = OidIsValid(nsp) ? get_relname_relid("warning", nsp) : InvalidOid;

	if (!OidIsValid(relid))
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_TABLE),
				 errmsg("relation \"escalation.warning\" does not exist"),
				 errhint("Is the extension escalation installed in this database?")));
	if (cache == NULL || cache->warning_relid != relid)
		LoadCache(relid);
}

/* Set up an empty array batch for plan with the given column types. */
static void
InitBatch(ArrayBatch *batch, SPIPlanPtr plan, int capacity, int ncolumns,
		  const ColumnType *const *types)
{
	batch->plan = plan;
	batch->ncolumns = ncolumns;
	batch->count = 0;
	batch->capacity = capacity;
	batch->nscalars = 0;
	for (int c = 0; c < ncolumns; c++)
	{
		batch->types[c] = types[c];
		batch->values[c] = palloc(sizeof(Datum) * capacity);
		batch->nulls[c] = palloc(sizeof(bool) * capacity);
	}
}

/* Append a row to batch; the caller checks that there is room. */
static void
BatchAdd(ArrayBatch *batch, const Datum *values, const bool *nulls)
{
	int			row = batch->count++;

	Assert(row < batch->capacity);
	for (int c = 0; c < batch->ncolumns; c++)
	{
		batch->values[c][row] = values[c];
		batch->nulls[c][row] = nulls != NULL && nulls[c];
	}
}

/*
 * Execute batch's statement with its rows as array parameters and empty it.
 * Statements that report (count, first event, last event) add them to run.
 */
static void
FlushBatch(EngineRun *run, ArrayBatch *batch, int expected, int64 *counter)
{
	Datum		params[MAX_COLUMNS + MAX_SCALARS];
	char		nulls[MAX_COLUMNS + MAX_SCALARS];
	MemoryContext old;
	int			lbound = 1;
	int			ret;

	if (batch->count == 0)
		return;

	old = MemoryContextSwitchTo(run->batch_cxt);
	for (int c = 0; c < batch->ncolumns; c++)
	{
		const ColumnType *t = batch->types[c];
		bool		anynull = false;

		for (int r = 0; r < batch->count && !anynull; r++)
			anynull = batch->nulls[c][r];
		params[c] = PointerGetDatum(construct_md_array(batch->values[c],
													   anynull ? batch->nulls[c] : NULL,
													   1, &batch->count, &lbound,
													   t->elemtype, t->typlen, t->byval, t->align));
		nulls[c] = ' ';
	}
	for (int s = 0; s < batch->nscalars; s++)
	{
		params[batch->ncolumns + s] = batch->scalars[s];
		nulls[batch->ncolumns + s] = ' ';
	}
	MemoryContextSwitchTo(old);

	ret = SPI_execute_plan(batch->plan, params, nulls, false, 0);
	if (ret != expected)
		elog(ERROR, "engine statement failed: %s", SPI_result_code_string(ret));

	if (counter != NULL)
	{
		HeapTuple	tuple = SPI_tuptable->vals[0];
		TupleDesc	desc = SPI_tuptable->tupdesc;
		bool		isnull;
		int64		n = DatumGetInt64(SPI_getbinval(tuple, desc, 1, &isnull));

		if (n > 0)
		{
			int64		first = DatumGetInt64(SPI_getbinval(tuple, desc, 2, &isnull));
			int64		last = DatumGetInt64(SPI_getbinval(tuple, desc, 3, &isnull));

			*counter += n;
			if (run->first_event == 0 || first < run->first_event)
				run->first_event = first;
			if (last > run->last_event)
				run->last_event = last;
		}
	}
	SPI_freetuptable(SPI_tuptable);
	MemoryContextReset(run->batch_cxt);
	batch->count = 0;
}

/* Write the buffered warnings. */
static void
FlushRaises(EngineRun *run)
{
	FlushBatch(run, &run->raise, SPI_OK_SELECT, &run->raised);
}

/* Write the buffered resolutions; warnings they may resolve are written first. */
static void
FlushResolves(EngineRun *run)
{
	FlushRaises(run);
	if (run->warning_writer != NULL)
		TableWriterFlush(run->warning_writer);
	FlushBatch(run, &run->resolve, SPI_OK_SELECT, &run->resolved);
}

/* Write everything buffered for the items of the current batch. */
static void
FlushAll(EngineRun *run)
{
	FlushResolves(run);
	FlushBatch(run, &run->advance, SPI_OK_UPDATE, NULL);
	FlushBatch(run, &run->finish, SPI_OK_DELETE, NULL);
}

/* Read the ladders from escalation.rule into run, with cumulative offsets. */
static void
LoadLadders(EngineRun *run)
{
	int			ret = SPI_execute_plan(cache->rules_plan, NULL, NULL, false, 0);

	if (ret != SPI_OK_SELECT)
		elog(ERROR, "reading escalation.rule failed: %s", SPI_result_code_string(ret));

	memset(run->ladders, 0, sizeof(run->ladders));
	for (uint64 i = 0; i < SPI_processed; i++)
	{
		HeapTuple	tuple = SPI_tuptable->vals[i];
		TupleDesc	desc = SPI_tuptable->tupdesc;
		bool		isnull;
		Datum		kind = SPI_getbinval(tuple, desc, 1, &isnull);
		Datum		origin = SPI_getbinval(tuple, desc, 2, &isnull);
		int			stage = DatumGetInt16(SPI_getbinval(tuple, desc, 3, &isnull));
		Interval   *delay = DatumGetIntervalP(SPI_getbinval(tuple, desc, 4, &isnull));
		Datum		screen = SPI_getbinval(tuple, desc, 5, &isnull);
		Datum		action = SPI_getbinval(tuple, desc, 6, &isnull);
		Ladder	   *ladder = NULL;
		Stage	   *st;
		int64		previous;

		for (int k = 0; k < NUM_KINDS; k++)
			if (cache->kinds[k] == kind)
				ladder = &run->ladders[k][origin == cache->level_city ? ORIGIN_CITY : ORIGIN_DISTRICT];
		if (ladder == NULL)
			elog(ERROR, "rule of unknown warning kind %u", DatumGetObjectId(kind));

		/*
		 * The rules table guarantees 1..n without gaps, months-free delays and
		 * at most MAX_STAGES stages at commit; inside the transaction that
		 * edits the rules they may not hold yet.
		 */
		if (stage != ladder->nstages + 1 || stage > MAX_STAGES)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_OBJECT_DEFINITION),
					 errmsg("warning ladder has a gap before stage %d", stage),
					 errdetail("The stages of a ladder in escalation.rule must be numbered 1 to n (at most %d).",
							   MAX_STAGES)));
		if (delay->month != 0 || delay->day < 0 || delay->time < 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_OBJECT_DEFINITION),
					 errmsg("warning ladder stage %d has a delay the engine cannot count", stage),
					 errdetail("Delays in escalation.rule must be non-negative days and hours, without months.")));

		previous = stage > 1 ? ladder->stages[stage - 2].offset : 0;
		st = &ladder->stages[stage - 1];
		st->offset = previous + delay->time + (int64) delay->day * USECS_PER_DAY;
		st->screen = screen;
		st->city_screen = (screen == cache->level_city);
		st->action = action;
		ladder->nstages = stage;
	}
	SPI_freetuptable(SPI_tuptable);
}

/* The due time of stage (1-based) of item, or +infinity when it cannot be counted. */
static TimestampTz
StageDue(const TrackedItem *item, const Stage *stage)
{
	TimestampTz due;

	if (TIMESTAMP_NOT_FINITE(item->started_at) ||
		pg_add_s64_overflow(item->started_at, stage->offset, &due) ||
		!IS_VALID_TIMESTAMP(due))
		TIMESTAMP_NOEND(due);
	return due;
}

/* How a run resolves the warnings of an episode that ended. */
typedef struct Resolution
{
	TimestampTz at;
	Datum		reason;			/* escalation.warning_resolution */
	bool		reason_null;
} Resolution;

/*
 * Buffer the warning of stage of item, due at due; with end, as resolved by
 * it (written directly only: through SQL it is resolved by the resolve
 * statement).
 */
static void
QueueRaise(EngineRun *run, const TrackedItem *item, int stage_no, const Stage *stage, TimestampTz due,
		   const Resolution *end)
{
	Datum		values[lengthof(WarningColumns)];
	bool		nulls[lengthof(WarningColumns)] = {0};
	bool		city = stage->city_screen;
	Datum		screen_region;

	/*
	 * A district stage shows on the item's district screen; an item without a
	 * district (a city department's clue with no unit) can only be shown on
	 * its city's screen.
	 */
	if (!city && item->nulls[COL_DISTRICT])
		city = true;
	screen_region = city ? item->values[COL_CITY] : item->values[COL_DISTRICT];

	values[0] = item->values[COL_KIND];
	values[1] = item->values[COL_SUBJECT];
	values[2] = TimestampTzGetDatum(item->started_at);
	values[3] = Int16GetDatum((int16) stage_no);
	values[4] = item->values[COL_ORIGIN];
	values[5] = city ? cache->level_city : stage->screen;
	values[6] = screen_region;
	values[7] = stage->action;
	values[8] = TimestampTzGetDatum(due);
	values[9] = item->values[COL_REGION];
	values[10] = item->values[COL_DISTRICT];
	nulls[10] = item->nulls[COL_DISTRICT];
	values[11] = item->values[COL_UNIT];
	nulls[11] = item->nulls[COL_UNIT];
	values[12] = item->values[COL_DEPARTMENT];
	nulls[12] = item->nulls[COL_DEPARTMENT];

	if (run->warning_writer != NULL)
	{
		int64		id = nextval_internal(run->event_seq, false);

		values[13] = Int64GetDatum(id);
		values[14] = TimestampTzGetDatum(run->raised_at);
		for (size_t i = 15; i < lengthof(WarningColumns); i++)
			nulls[i] = true;
		if (run->first_event == 0)
			run->first_event = id;
		run->last_event = id;
		if (end != NULL)
		{
			/* Raised and resolved by the same run: both events, one row written once. */
			id = nextval_internal(run->event_seq, false);
			values[15] = TimestampTzGetDatum(end->at);
			nulls[15] = false;
			values[16] = end->reason;
			nulls[16] = end->reason_null;
			values[17] = Int64GetDatum(id);
			nulls[17] = false;
			run->resolved++;
			run->last_event = id;
		}
		TableWriterInsert(run->warning_writer, values, nulls);
		run->raised++;
		return;
	}
	if (run->raise.count == run->raise.capacity)
		FlushRaises(run);
	BatchAdd(&run->raise, values, nulls);
}

/*
 * Buffer the resolution of item's open warnings: those of the episode that
 * started at episode, or (other_than) those of every other episode.
 */
static void
QueueResolve(EngineRun *run, const TrackedItem *item, bool other, TimestampTz episode,
			 TimestampTz resolved_at, Datum reason, bool reason_null)
{
	Datum		values[6];
	bool		nulls[6] = {0};

	values[0] = item->values[COL_KIND];
	values[1] = item->values[COL_SUBJECT];
	values[2] = TimestampTzGetDatum(episode);
	nulls[2] = other;
	values[3] = TimestampTzGetDatum(episode);
	nulls[3] = !other;
	values[4] = TimestampTzGetDatum(resolved_at);
	values[5] = reason;
	nulls[5] = reason_null;

	if (run->resolve.count == run->resolve.capacity)
		FlushResolves(run);
	BatchAdd(&run->resolve, values, nulls);
}

/* The first normal dual-prevention run of unit after since, if any. */
static bool
NextRun(Datum unit, TimestampTz since, TimestampTz *ran_at)
{
	Datum		params[2] = {unit, TimestampTzGetDatum(since)};
	bool		isnull;
	int			ret = SPI_execute_plan(cache->next_run_plan, params, NULL, false, 1);

	if (ret != SPI_OK_SELECT || SPI_processed != 1)
		elog(ERROR, "reading escalation.dp_run failed: %s", SPI_result_code_string(ret));
	*ran_at = DatumGetTimestampTz(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull));
	SPI_freetuptable(SPI_tuptable);
	return !isnull;
}

/* Unpack the item columns of a row of a due query into item. */
static void
ReadItem(TrackedItem *item, HeapTuple tuple, TupleDesc desc)
{
	heap_deform_tuple(tuple, desc, item->values, item->nulls);

	item->kind = NUM_KINDS;
	for (int k = 0; k < NUM_KINDS; k++)
		if (cache->kinds[k] == item->values[COL_KIND])
			item->kind = (ItemKind) k;
	if (item->kind == NUM_KINDS)
		elog(ERROR, "tracked item of unknown kind %u", DatumGetObjectId(item->values[COL_KIND]));
	item->origin = item->values[COL_ORIGIN] == cache->level_city ? ORIGIN_CITY : ORIGIN_DISTRICT;
	item->started_at = DatumGetTimestampTz(item->values[COL_STARTED]);
	item->handled = !item->nulls[COL_HANDLED];
	item->handled_at = item->handled ? DatumGetTimestampTz(item->values[COL_HANDLED]) : 0;
	item->withdrawn = !item->nulls[COL_WITHDRAWN];
	item->withdrawn_at = item->withdrawn ? DatumGetTimestampTz(item->values[COL_WITHDRAWN]) : 0;
	item->superseded = !item->nulls[COL_SUPERSEDED];
	item->superseded_at = item->superseded ? DatumGetTimestampTz(item->values[COL_SUPERSEDED]) : 0;
}

/* Unpack one array column of the event query (NULL: the item waits for no stage). */
static Datum *
WaitingColumn(const TrackedItem *item, int column, const ColumnType *type, int *n)
{
	Datum	   *elems;

	if (item->nulls[column])
	{
		*n = 0;
		return NULL;
	}
	deconstruct_array(DatumGetArrayTypeP(item->values[column]), type->elemtype, type->typlen,
					  type->byval, type->align, &elems, NULL, n);
	return elems;
}

/* Lower *due to candidate, where *has says whether *due holds a time yet. */
static void
KeepEarliest(bool *has, TimestampTz *due, TimestampTz candidate)
{
	if (!*has || candidate < *due)
		*due = candidate;
	*has = true;
}

/* Whether a stage due at due fires: the item was not handled or withdrawn at or before it. */
static bool
StageFires(const TrackedItem *item, TimestampTz due)
{
	return (!item->handled || item->handled_at > due) && (!item->withdrawn || item->withdrawn_at > due);
}

/* When the first stage of item's current episode falls due; +infinity without one. */
static TimestampTz
FirstDue(const Ladder *ladder, const TrackedItem *item)
{
	TimestampTz due;

	if (ladder->nstages == 0)
		TIMESTAMP_NOEND(due);
	else
		due = StageDue(item, &ladder->stages[0]);
	return due;
}

/* Write a waiting stage of item's current episode into escalation.stage_due. */
static void
QueueStage(EngineRun *run, const TrackedItem *item, int stage_no, TimestampTz due)
{
	Datum		values[lengthof(StageColumns)];
	bool		nulls[lengthof(StageColumns)] = {0};

	values[0] = item->values[COL_KIND];
	values[1] = item->values[COL_SUBJECT];
	values[2] = TimestampTzGetDatum(item->started_at);
	values[3] = Int16GetDatum((int16) stage_no);
	values[4] = TimestampTzGetDatum(due);
	/* Its end: the item's handling or withdrawal, whichever comes first. */
	nulls[5] = !item->handled && !item->withdrawn;
	if (item->handled && item->withdrawn)
		values[5] = TimestampTzGetDatum(Min(item->handled_at, item->withdrawn_at));
	else
		values[5] = TimestampTzGetDatum(item->handled ? item->handled_at : item->withdrawn_at);
	values[6] = item->values[COL_ORIGIN];
	for (int c = 0; c < 5; c++)
	{
		static const int from[] = {COL_UNIT, COL_DEPARTMENT, COL_REGION, COL_DISTRICT, COL_CITY};

		values[7 + c] = item->values[from[c]];
		nulls[7 + c] = item->nulls[from[c]];
	}
	TableWriterInsert(run->stage_writer, values, nulls);
}

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

/*
 * Deal with an item that has something of its own due by as_of (it was
 * handled or withdrawn, or its start moved): raise its waiting stages that
 * fell due, resolve its warnings, walk on to its next idle episode (dual
 * prevention), and write its new tracking state or finish it.
 */
static void
ProcessItem(EngineRun *run, TrackedItem *item)
{
	bool		is_dp = (item->kind == KIND_DUAL_PREVENTION_IDLE);
	const Ladder *ladder = &run->ladders[item->kind][item->origin];
	Episode		episode = {{0}};
	Datum	   *tids;
	Datum	   *stages;
	Datum	   *started;
	int			nrows;
	bool		has_due = false;
	TimestampTz next_due = 0;
	Datum		values[lengthof(AdvanceColumns) + 1];
	bool		nulls[lengthof(AdvanceColumns) + 1] = {0};
	MemoryContext old;

	run->items++;

	/* Its stage rows: the current episode's wait; any other is left over and goes. */
	MemoryContextReset(run->item_cxt);
	old = MemoryContextSwitchTo(run->item_cxt);
	tids = WaitingColumn(item, COL_STAGE_TID, &cache->tid, &nrows);
	stages = WaitingColumn(item, COL_STAGE_NO, &cache->int2, &nrows);
	started = WaitingColumn(item, COL_STAGE_STARTED, &cache->timestamptz, &nrows);
	MemoryContextSwitchTo(old);
	for (int i = 0; i < nrows; i++)
	{
		ItemPointer tid = (ItemPointer) DatumGetPointer(tids[i]);
		int			k = DatumGetInt16(stages[i]);

		if (DatumGetTimestampTz(started[i]) == item->started_at && k >= 1 && k <= ladder->nstages &&
			!episode.waiting[k])
		{
			episode.waiting[k] = true;
			episode.row[k] = tid;
		}
		else
			TableWriterClaim(run->stage_writer, tid);
	}

	/* Its start moved (deadline extended, ...): the old episode leaves the screens. */
	if (item->superseded && item->superseded_at <= run->as_of)
	{
		QueueResolve(run, item, true, item->started_at, item->superseded_at,
					 cache->rescheduled, false);
		item->superseded = false;
	}

	for (;;)
	{
		bool		ends = false;
		bool		handled = false;
		Resolution	end = {0};
		bool		raised_before = false;

		/* Whether the episode ends by as_of: handled, or withdrawn first. */
		if (item->handled && item->handled_at <= run->as_of &&
			(!item->withdrawn || item->handled_at <= item->withdrawn_at))
		{
			ends = handled = true;
			end.at = item->handled_at;
			end.reason = item->values[COL_HANDLED_REASON];
			end.reason_null = item->nulls[COL_HANDLED_REASON];
		}
		else if (item->withdrawn && item->withdrawn_at <= run->as_of)
		{
			ends = true;
			end.at = item->withdrawn_at;
			end.reason = cache->withdrawn;
		}

		for (int k = 1; k <= ladder->nstages; k++)
		{
			const Stage *stage = &ladder->stages[k - 1];
			TimestampTz due = StageDue(item, stage);

			if (!episode.waiting[k])
			{
				/* Not waiting: raised by an earlier run, or never to fire. */
				if (ends && due < end.at)
					raised_before = true;
				continue;
			}
			if (due > run->as_of)
				break;
			episode.waiting[k] = false;
			if (episode.row[k] != NULL && !TableWriterClaim(run->stage_writer, episode.row[k]))
				continue;
			episode.row[k] = NULL;
			if (StageFires(item, due))
			{
				QueueRaise(run, item, k, stage, due, ends ? &end : NULL);
				if (ends && run->warning_writer == NULL)
					raised_before = true;
			}
		}
		if (!ends)
			break;

		/* Warnings raised by earlier runs are resolved by statement. */
		if (raised_before)
			QueueResolve(run, item, false, item->started_at, end.at, end.reason, end.reason_null);
		EndEpisode(run, &episode);
		if (is_dp && handled)
		{
			/* A normal run ends this idle episode and starts the next one. */
			item->started_at = item->handled_at;
			for (int k = 1; k <= ladder->nstages; k++)
				episode.waiting[k] = true;
			item->handled = NextRun(item->values[COL_SUBJECT], item->started_at, &item->handled_at);
			continue;
		}

		/*
		 * Handled or withdrawn, and its warnings resolved: nothing is left to
		 * do. Its resolutions are written first, while the row is locked.
		 */
		if (run->item_writer != NULL)
			TableWriterDelete(run->item_writer, (ItemPointer) DatumGetPointer(item->values[COL_CTID]));
		else
		{
			if (run->finish.count == run->finish.capacity)
				elog(ERROR, "engine finish buffer overflow");
			BatchAdd(&run->finish, &item->values[COL_CTID], NULL);
		}
		return;
	}

	/* The stages of an episode this run started wait in rows of their own. */
	for (int k = 1; k <= ladder->nstages; k++)
	{
		TimestampTz due = StageDue(item, &ladder->stages[k - 1]);

		if (episode.waiting[k] && episode.row[k] == NULL && StageFires(item, due))
			QueueStage(run, item, k, due);
	}

	/* What it must next be dealt with for (escalation.item_event_due). */
	if (item->handled && (is_dp || FirstDue(ladder, item) < item->handled_at))
		KeepEarliest(&has_due, &next_due, item->handled_at);
	if (item->withdrawn)
		KeepEarliest(&has_due, &next_due, item->withdrawn_at);
	if (item->superseded)
		KeepEarliest(&has_due, &next_due, item->superseded_at);

	values[0] = item->values[COL_CTID];
	values[1] = TimestampTzGetDatum(item->started_at);
	values[2] = TimestampTzGetDatum(item->handled_at);
	nulls[2] = !item->handled;
	values[3] = TimestampTzGetDatum(item->superseded_at);
	nulls[3] = !item->superseded;
	values[4] = TimestampTzGetDatum(next_due);
	nulls[4] = !has_due;
	if (run->item_writer != NULL)
	{
		static const bool change[lengthof(AdvanceColumns)] = {true, true, true, true};

		TableWriterUpdate(run->item_writer, (ItemPointer) DatumGetPointer(values[0]), change, &values[1], &nulls[1]);
		return;
	}
	if (run->advance.count == run->advance.capacity)
		elog(ERROR, "engine advance buffer overflow");
	BatchAdd(&run->advance, values, nulls);
}

/*
 * A waiting stage that fell due: claim its row and raise it unless the item
 * was handled or withdrawn before it. The row holds the item as it was when
 * the row was written; a change of the item rewrites its rows, so a row that
 * another transaction is rewriting, or rewrote since the run read it, cannot
 * be claimed and is not raised. A row of a stage the rules no longer have is
 * dropped.
 */
static void
ProcessStage(EngineRun *run, TrackedItem *item)
{
	ItemPointer tid = (ItemPointer) DatumGetPointer(item->values[COL_STAGE_TID]);
	int			k = DatumGetInt16(item->values[COL_STAGE_NO]);
	const Ladder *ladder = &run->ladders[item->kind][item->origin];
	TimestampTz due;

	run->items++;
	if (k < 1 || k > ladder->nstages)
	{
		TableWriterClaim(run->stage_writer, tid);
		return;
	}
	due = StageDue(item, &ladder->stages[k - 1]);
	if (due > run->as_of)
		return;
	if (TableWriterClaim(run->stage_writer, tid) && StageFires(item, due))
		QueueRaise(run, item, k, &ladder->stages[k - 1], due, NULL);
}

/*
 * Run a due query and deal with its rows, batch by batch; returns how many
 * rows it had. The event query also takes the most rows to return.
 */
static uint64
ProcessDue(EngineRun *run, SPIPlanPtr plan, bool items)
{
	Datum		params[2] = {TimestampTzGetDatum(run->as_of), Int64GetDatum(EVENT_CHUNK)};
	Portal		portal;
	uint64		total = 0;

	portal = SPI_cursor_open(NULL, plan, params, NULL, false);
	for (;;)
	{
		SPITupleTable *rows;
		uint64		n;

		SPI_cursor_fetch(portal, true, FETCH_SIZE);
		rows = SPI_tuptable;
		n = SPI_processed;
		for (uint64 i = 0; i < n; i++)
		{
			TrackedItem item;

			ReadItem(&item, rows->vals[i], rows->tupdesc);
			if (items)
				ProcessItem(run, &item);
			else
				ProcessStage(run, &item);
		}
		FlushAll(run);
		SPI_freetuptable(rows);
		total += n;
		if (n < FETCH_SIZE)
			break;
	}
	SPI_cursor_close(portal);
	return total;
}

/* Delete run log rows older than escalation.run_log_retention (0: keep all). */
static void
PruneRunLog(void)
{
	TimestampTz cutoff;
	Datum		param;
	int			ret;

	if (escalation_run_log_retention <= 0)
		return;
	cutoff = GetCurrentTimestamp() - (int64) escalation_run_log_retention * USECS_PER_SEC;
	param = TimestampTzGetDatum(cutoff);
	ret = SPI_execute_plan(cache->prune_plan, &param, NULL, false, 0);
	if (ret != SPI_OK_DELETE)
		elog(ERROR, "pruning escalation.run_log failed: %s", SPI_result_code_string(ret));
}

/*
 * The work of one run, inside its own subtransaction. With probe, stages
 * already raised are looked for and skipped instead of trusted to be absent.
 */
static void
RunEngine(EngineRun *run, bool probe)
{
	const ColumnType *raise_types[] = {
		&cache->kind, &cache->int8, &cache->timestamptz, &cache->int2, &cache->level, &cache->level,
		&cache->region, &cache->action, &cache->timestamptz, &cache->region, &cache->region,
		&cache->int8, &cache->int8
	};
	const ColumnType *resolve_types[] = {
		&cache->kind, &cache->int8, &cache->timestamptz, &cache->timestamptz, &cache->timestamptz,
		&cache->resolution
	};
	const ColumnType *advance_types[] = {
		&cache->tid, &cache->timestamptz, &cache->timestamptz, &cache->timestamptz, &cache->timestamptz
	};
	const ColumnType *finish_types[] = {&cache->tid};

	run->items = run->raised = run->resolved = 0;
	run->first_event = run->last_event = 0;
	InitBatch(&run->raise, probe ? cache->raise_probe_plan : cache->raise_plan, RAISE_CAPACITY,
			  lengthof(raise_types), raise_types);
	InitBatch(&run->resolve, cache->resolve_plan, RESOLVE_CAPACITY, lengthof(resolve_types), resolve_types);
	InitBatch(&run->advance, cache->advance_plan, FETCH_SIZE, lengthof(advance_types), advance_types);
	InitBatch(&run->finish, cache->finish_plan, FETCH_SIZE, lengthof(finish_types), finish_types);

	/* Serialise with other runs and acknowledgements before reading anything. */
	EngineLockEventStream();
	run->raised_at = GetCurrentTimestamp();
	run->raise.nscalars = 1;
	run->raise.scalars[0] = TimestampTzGetDatum(run->raised_at);

	/* Probing for raised stages needs the SQL statement; moving items does not. */
	run->event_seq = EngineRelation(ENGINE_EVENT_SEQUENCE);
	run->warning_writer = probe ? NULL : TableWriterOpen(cache->warning_relid, WarningColumns,
												   lengthof(WarningColumns), true,
												   WarningTriggers, lengthof(WarningTriggers));
	run->item_writer = TableWriterOpen(cache->tracked_relid, AdvanceColumns, lengthof(AdvanceColumns),
								 false, NULL, 0);
	run->stage_writer = TableWriterOpen(cache->stage_relid, StageColumns, lengthof(StageColumns),
										true, NULL, 0);
	if (run->stage_writer == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("escalation.stage_due cannot be written by the engine"),
				 errdetail("The engine's table of waiting stages must have no triggers, no forced row security and no columns of its own."),
				 errhint("Drop what was added to escalation.stage_due.")));

	LoadLadders(run);
	while (ProcessDue(run, cache->event_plan, true) == EVENT_CHUNK)
		;
	ProcessDue(run, cache->stage_plan, false);
	if (run->warning_writer != NULL)
		TableWriterClose(run->warning_writer);
	if (run->item_writer != NULL)
		TableWriterClose(run->item_writer);
	TableWriterClose(run->stage_writer);
	PruneRunLog();

	if (run->raised + run->resolved > 0)
		EngineNotifyEvents(run->first_event, run->last_event);
}

/* Reject an as_of that the engine must not run at. */
static void
CheckAsOf(FunctionCallInfo fcinfo, TimestampTz *as_of)
{
	TimestampTz limit;

	if (PG_ARGISNULL(0))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("as_of must not be null"),
				 errhint("Call escalation.run() without an argument to run as of now.")));
	*as_of = PG_GETARG_TIMESTAMPTZ(0);
	if (TIMESTAMP_NOT_FINITE(*as_of))
		ereport(ERROR,
				(errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
				 errmsg("as_of must be a finite time: \"%s\"", timestamptz_to_str(*as_of))));

	/*
	 * Raising a stage early cannot be undone, so a run far ahead of the clock
	 * (a typo, a wrong zone) is refused; a day leaves room for clock skew
	 * between the scheduler's host and the server.
	 */
	limit = GetCurrentTimestamp() + MAX_FUTURE;
	if (*as_of > limit)
		ereport(ERROR,
				(errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
				 errmsg("as_of is too far in the future: \"%s\"", timestamptz_to_str(*as_of)),
				 errdetail("escalation.run() accepts times up to one day after the server clock, now %s.",
						   timestamptz_to_str(GetCurrentTimestamp())),
				 errhint("Warnings raised early cannot be withdrawn; run with the current time.")));
	if (IsolationUsesXactSnapshot())
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_TRANSACTION_STATE),
				 errmsg("escalation.run() must run at READ COMMITTED isolation"),
				 errdetail("A run waits for runs before it and must then see what they committed.")));
}

/* Insert the run's row into escalation.run_log. */
static void
LogRun(EngineRun *run, TimestampTz started, ErrorData *error)
{
	Datum		values[9];
	char		nulls[9] = {' ', ' ', ' ', ' ', ' ', ' ', 'n', 'n', ' '};
	int			ret;

	values[0] = TimestampTzGetDatum(run->as_of);
	values[1] = TimestampTzGetDatum(started);
	values[2] = Int64GetDatum(error ? 0 : run->items);
	values[3] = Int64GetDatum(error ? 0 : run->raised);
	values[4] = Int64GetDatum(error ? 0 : run->resolved);
	values[5] = CStringGetTextDatum(error ? "failed" : "succeeded");
	if (error != NULL)
	{
		values[6] = CStringGetTextDatum(error->message ? error->message : "unknown error");
		nulls[6] = ' ';
		values[7] = CStringGetTextDatum(unpack_sql_state(error->sqlerrcode));
		nulls[7] = ' ';
	}
	values[8] = CStringGetTextDatum(GetUserNameFromId(GetOuterUserId(), false));

	ret = SPI_execute_plan(cache->log_plan, values, nulls, false, 0);
	if (ret != SPI_OK_INSERT)
		elog(ERROR, "writing escalation.run_log failed: %s", SPI_result_code_string(ret));
}

PG_FUNCTION_INFO_V1(run);

/*
 * escalation.run(as_of): raise every stage due by as_of and resolve handled
 * items; returns the number of warnings raised, or NULL when the run failed.
 *
 * The work runs in a subtransaction so that a failure leaves nothing of the
 * run behind but still leaves its row in escalation.run_log (like a cron
 * job's run details): the error becomes a WARNING and the function returns
 * NULL. Bad arguments are errors before any work starts and are not logged.
 */
Datum
run(PG_FUNCTION_ARGS)
{
	MemoryContext caller_cxt = CurrentMemoryContext;
	ResourceOwner caller_owner = CurrentResourceOwner;
	EngineRun  *state;
	TimestampTz as_of;
	TimestampTz started = GetCurrentTimestamp();
	ErrorData  *error = NULL;

	CheckAsOf(fcinfo, &as_of);

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	EnsureCache();

	state = MemoryContextAllocZero(caller_cxt, sizeof(EngineRun));
	state->as_of = as_of;
	state->batch_cxt = AllocSetContextCreate(caller_cxt, "escalation engine batch",
											 ALLOCSET_DEFAULT_SIZES);
	state->item_cxt = AllocSetContextCreate(caller_cxt, "escalation engine item",
											ALLOCSET_SMALL_SIZES);

	for (int attempt = 0;; attempt++)
	{
		bool		probe = (attempt > 0);

		BeginInternalSubTransaction(NULL);
		MemoryContextSwitchTo(caller_cxt);
		PG_TRY();
		{
			RunEngine(state, probe);
			ReleaseCurrentSubTransaction();
			MemoryContextSwitchTo(caller_cxt);
			CurrentResourceOwner = caller_owner;
		}
		PG_CATCH();
		{
			MemoryContextSwitchTo(caller_cxt);
			error = CopyErrorData();
			FlushErrorState();
			RollbackAndReleaseCurrentSubTransaction();
			MemoryContextSwitchTo(caller_cxt);
			CurrentResourceOwner = caller_owner;
		}
		PG_END_TRY();

		/* A stage that was already raised: run again, looking before inserting. */
		if (error != NULL && !probe && error->sqlerrcode == ERRCODE_UNIQUE_VIOLATION)
		{
			FreeErrorData(error);
			error = NULL;
			MemoryContextReset(state->batch_cxt);
			continue;
		}
		break;
	}

	LogRun(state, started, error);
	SPI_finish();
	MemoryContextDelete(state->batch_cxt);
	MemoryContextDelete(state->item_cxt);

	if (error != NULL)
	{
		ereport(WARNING,
				(errcode(error->sqlerrcode),
				 errmsg("escalation run as of %s failed: %s", timestamptz_to_str(as_of), error->message),
				 error->detail ? errdetail_internal("%s", error->detail) : 0,
				 errhint("Nothing of this run was kept; escalation.run_log has its row. The next run catches up.")));
		PG_RETURN_NULL();
	}
	PG_RETURN_INT64(state->raised);
}
