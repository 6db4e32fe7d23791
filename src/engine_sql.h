/*
 * engine_sql.h
 *	  The SQL of the warning engine (engine_sql.c): the statements a run
 *	  executes, each with its columns described once below, the plans kept
 *	  across runs, and the array batches that carry many rows to one
 *	  statement.
 *
 * A column list X(ID, name, ...) gives the enumerator a caller indexes its
 * values with, and the column's name (and for statement parameters its
 * type); the statements' texts and the writers' column lists are built from
 * it.
 */
#ifndef ESCALATION_ENGINE_SQL_H
#define ESCALATION_ENGINE_SQL_H

#include "executor/spi.h"
#include "utils/timestamp.h"

#define COLUMN_ENUM(id, ...)		id,
#define COLUMN_NAME(id, name, ...)	name,

/*
 * The kinds of warning, in the order of the enum escalation.warning_kind.
 * The kinds after KIND_DUAL_PREVENTION_IDLE were added after 0.1.0: a
 * database of 0.1.0 that loaded this library before its upgrade has none.
 */
typedef enum ItemKind
{
	KIND_HAZARD_OVERDUE,
	KIND_MAJOR_HAZARD,
	KIND_CLUE,
	KIND_LICENCE_EXPIRED,
	KIND_DUAL_PREVENTION_IDLE,
	KIND_HANDLING_SIGN,
	KIND_HANDLING_REPLY,
	KIND_MAJOR_HAZARD_LISTED,
	NUM_KINDS
} ItemKind;

/* The types of the values the engine reads and binds. */
typedef enum EngineType
{
	TYPE_KIND,					/* escalation.warning_kind */
	TYPE_LEVEL,					/* escalation.level */
	TYPE_ACTION,				/* escalation.warning_action */
	TYPE_RESOLUTION,			/* escalation.warning_resolution */
	TYPE_REGION,				/* escalation.region */
	TYPE_TID,
	TYPE_INT8,
	TYPE_INT2,
	TYPE_TIMESTAMPTZ,
	TYPE_TEXT,
	NUM_TYPES
} EngineType;

/* A warning as the engine writes it: what it raises with, then what it sets itself. */
#define WARNING_COLUMNS(X) \
	X(WARNING_KIND, "kind") \
	X(WARNING_SUBJECT, "subject_id") \
	X(WARNING_STARTED, "started_at") \
	X(WARNING_STAGE, "stage") \
	X(WARNING_ORIGIN, "origin") \
	X(WARNING_SCREEN, "screen") \
	X(WARNING_SCREEN_REGION, "screen_region") \
	X(WARNING_ACTION, "action") \
	X(WARNING_DUE, "due_at") \
	X(WARNING_REGION, "region") \
	X(WARNING_DISTRICT, "district") \
	X(WARNING_UNIT, "unit_id") \
	X(WARNING_DEPARTMENT, "department_id") \
	X(WARNING_ID, "id") \
	X(WARNING_RAISED, "raised_at") \
	X(WARNING_RESOLVED, "resolved_at") \
	X(WARNING_REASON, "resolved_reason") \
	X(WARNING_RESOLVED_SEQ, "resolved_seq") \
	X(WARNING_ACKNOWLEDGED, "acknowledged_at") \
	X(WARNING_ACKNOWLEDGED_BY, "acknowledged_by") \
	X(WARNING_ACK_NOTE, "ack_note") \
	X(WARNING_ACK_SEQ, "ack_seq")
enum WarningColumn
{
	WARNING_COLUMNS(COLUMN_ENUM) NUM_WARNING_COLUMNS
};

/* A waiting stage (escalation.stage_due) as the engine writes it. */
#define STAGE_COLUMNS(X) \
	X(STAGE_KIND, "kind") \
	X(STAGE_SUBJECT, "subject_id") \
	X(STAGE_STARTED, "started_at") \
	X(STAGE_NO, "stage") \
	X(STAGE_DUE, "due_at") \
	X(STAGE_FIRES_UNTIL, "fires_until") \
	X(STAGE_ORIGIN, "origin") \
	X(STAGE_UNIT, "unit_id") \
	X(STAGE_DEPARTMENT, "department_id") \
	X(STAGE_REGION, "region") \
	X(STAGE_DISTRICT, "district") \
	X(STAGE_CITY, "city")
enum StageColumn
{
	STAGE_COLUMNS(COLUMN_ENUM) NUM_STAGE_COLUMNS
};

/* The columns of a work-list row (escalation.tracked_item) that a run moves on. */
#define ADVANCE_COLUMNS(X) \
	X(ADVANCE_STARTED, "started_at") \
	X(ADVANCE_HANDLED, "handled_at") \
	X(ADVANCE_SUPERSEDED, "superseded_at") \
	X(ADVANCE_NEXT_DUE, "next_due_at")
enum AdvanceColumn
{
	ADVANCE_COLUMNS(COLUMN_ENUM) NUM_ADVANCE_COLUMNS
};

/*
 * The rows of the two due queries, X(ID, event query, stage query): items
 * with something of their own due, with all their waiting stages as arrays;
 * stages due, with what their warnings need of the item (the item's end as
 * its handling).
 */
#define DUE_COLUMNS(X) \
	X(DUE_CTID, "t.ctid", "s.ctid") \
	X(DUE_KIND, "t.kind", "s.kind") \
	X(DUE_SUBJECT, "t.subject_id", "s.subject_id") \
	X(DUE_ORIGIN, "t.origin", "s.origin") \
	X(DUE_STARTED, "t.started_at", "s.started_at") \
	X(DUE_HANDLED, "t.handled_at", "s.fires_until") \
	X(DUE_HANDLED_REASON, "t.handled_reason", "NULL") \
	X(DUE_WITHDRAWN, "t.withdrawn_at", "NULL") \
	X(DUE_SUPERSEDED, "t.superseded_at", "NULL") \
	X(DUE_UNIT, "t.unit_id", "s.unit_id") \
	X(DUE_DEPARTMENT, "t.department_id", "s.department_id") \
	X(DUE_REGION, "t.region", "s.region") \
	X(DUE_DISTRICT, "t.district", "s.district") \
	X(DUE_CITY, "t.city", "s.city") \
	X(DUE_STAGE_TID, "w.tids", "s.ctid") \
	X(DUE_STAGE_NO, "w.stages", "s.stage") \
	X(DUE_STAGE_STARTED, "w.started", "s.started_at")
enum DueColumn
{
	DUE_COLUMNS(COLUMN_ENUM) NUM_DUE_COLUMNS
};

/* The rules in force (escalation.rule), ladder by ladder, stage by stage. */
#define RULE_COLUMNS(X) \
	X(RULE_KIND, "kind") \
	X(RULE_ORIGIN, "origin") \
	X(RULE_STAGE, "stage") \
	X(RULE_DELAY, "delay") \
	X(RULE_SCREEN, "screen") \
	X(RULE_ACTION, "action")
enum RuleColumn
{
	RULE_COLUMNS(COLUMN_ENUM) NUM_RULE_COLUMNS
};

/*
 * A resolution of an item's open warnings: those of one episode, or (with
 * other_than) those of every other episode.
 */
#define RESOLVE_COLUMNS(X) \
	X(RESOLVE_KIND, "kind", TYPE_KIND) \
	X(RESOLVE_SUBJECT, "subject_id", TYPE_INT8) \
	X(RESOLVE_EPISODE, "episode", TYPE_TIMESTAMPTZ) \
	X(RESOLVE_OTHER_THAN, "other_than", TYPE_TIMESTAMPTZ) \
	X(RESOLVE_AT, "resolved_at", TYPE_TIMESTAMPTZ) \
	X(RESOLVE_REASON, "reason", TYPE_RESOLUTION)
enum ResolveColumn
{
	RESOLVE_COLUMNS(COLUMN_ENUM) NUM_RESOLVE_COLUMNS
};

/* A run's row of escalation.run_log. */
#define LOG_COLUMNS(X) \
	X(LOG_AS_OF, "as_of", TYPE_TIMESTAMPTZ) \
	X(LOG_STARTED, "started_at", TYPE_TIMESTAMPTZ) \
	X(LOG_ITEMS, "items", TYPE_INT8) \
	X(LOG_RAISED, "raised", TYPE_INT8) \
	X(LOG_RESOLVED, "resolved", TYPE_INT8) \
	X(LOG_STATUS, "status", TYPE_TEXT) \
	X(LOG_MESSAGE, "message", TYPE_TEXT) \
	X(LOG_SQLSTATE, "sqlstate", TYPE_TEXT) \
	X(LOG_USERNAME, "username", TYPE_TEXT)
enum LogColumn
{
	LOG_COLUMNS(COLUMN_ENUM) NUM_LOG_COLUMNS
};

/* Element type of an array parameter or column. */
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
 * OIDs, enum values and the prepared plans. Kept across calls and rebuilt
 * when the extension is dropped and created again.
 */
typedef struct EngineCache
{
	Oid			warning_relid;
	Oid			tracked_relid;
	Oid			stage_relid;
	ColumnType	types[NUM_TYPES];
	Datum		kinds[NUM_KINDS];
	Datum		level_city;
	Datum		withdrawn;
	Datum		rescheduled;
	SPIPlanPtr	rules_plan;
	SPIPlanPtr	event_plan;
	SPIPlanPtr	stage_plan;
	SPIPlanPtr	raised_plan;
	SPIPlanPtr	resolve_plan;
	SPIPlanPtr	next_episode_plan;
	Oid			episode_function;
	SPIPlanPtr	prune_plan;
	SPIPlanPtr	log_plan;
} EngineCache;

/* The cache of the extension installed now (EngineCacheEnsure fills it). */
extern EngineCache *engine_cache;
extern void EngineCacheEnsure(void);

/* Rows for one statement whose parameters are one array per column. */
#define BATCH_MAX_COLUMNS	8

typedef struct ArrayBatch
{
	SPIPlanPtr	plan;
	int			ncolumns;
	const EngineType *types;
	int			count;
	int			capacity;
	Datum	   *values[BATCH_MAX_COLUMNS];
	bool	   *nulls[BATCH_MAX_COLUMNS];
	MemoryContext cxt;			/* the arrays of a flush, reset after it */
} ArrayBatch;

extern void EngineBatchInit(ArrayBatch *batch, SPIPlanPtr plan, int capacity, int ncolumns,
							const EngineType *types, MemoryContext cxt);
extern bool EngineBatchFull(const ArrayBatch *batch);
extern void EngineBatchAdd(ArrayBatch *batch, const Datum *values, const bool *nulls);
extern int64 EngineBatchFlush(ArrayBatch *batch, int64 *first_event, int64 *last_event);

/* The types of the resolve statement's arrays, in RESOLVE_COLUMNS order. */
extern const EngineType EngineResolveTypes[NUM_RESOLVE_COLUMNS];

/* Run a due query as of as_of (at most limit rows), calling row per row and done per batch. */
typedef void (*EngineRowFn) (void *arg, HeapTuple tuple, TupleDesc desc);
typedef void (*EngineDoneFn) (void *arg);
extern uint64 EngineForEachDue(SPIPlanPtr plan, TimestampTz as_of, int64 limit, EngineRowFn row,
							   EngineDoneFn done, void *arg);

/* Call rule with the values (RULE_COLUMNS order) of each rule in force. */
typedef void (*EngineRuleFn) (void *arg, const Datum *values);
extern void EngineReadRules(EngineRuleFn rule, void *arg);

extern ItemKind EngineItemKind(Datum kind);
extern bool EngineNextEpisode(Datum unit, TimestampTz after, TimestampTz *started, TimestampTz *handled);
extern bool EngineStageRaised(Datum kind, Datum subject, TimestampTz started, int stage);
extern void EnginePruneRunLog(void);
extern void EngineLogRun(TimestampTz as_of, TimestampTz started, int64 items, int64 raised, int64 resolved,
						 ErrorData *error);

#endif							/* ESCALATION_ENGINE_SQL_H */
